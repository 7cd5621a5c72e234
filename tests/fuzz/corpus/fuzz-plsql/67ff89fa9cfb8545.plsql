
DECLARE s text := '';
BEGIN
  BEGIN
    BEGIN
      PERFORM 1 / 0;
    EXCEPTION WHEN unique_violation THEN
      s := s || 'wrong';
    END;
  EXCEPTION WHEN division_by_zero THEN
    s := s || 'outer caught';
  END;
  BEGIN
    RAISE EXCEPTION 'inner';
  EXCEPTION WHEN raise_exception THEN
    BEGIN
      RAISE;
    EXCEPTION WHEN OTHERS THEN
      s := s || ', re-raised ' || SQLERRM;
    END;
  END;
  RETURN s;
END 

BEGIN
  IF n = 0 THEN
    RAISE EXCEPTION 'zero!' USING ERRCODE = 'data_exception';
  END IF;
  RETURN 10 / n;
END 
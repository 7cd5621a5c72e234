
DECLARE r text;
BEGIN
  CASE
    WHEN n < 10 THEN r := 'small';
    WHEN n < 100 THEN r := 'medium';
  END CASE;
  RETURN r;
END 

DECLARE a record; b record;
BEGIN
  SELECT 5 AS v INTO a;
  b := a;
  a.v := 6;
  RETURN a.v || ' ' || b.v;
END 
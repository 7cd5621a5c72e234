
DECLARE
  i int;
  n numeric(5,1);
  t text;
BEGIN
  i := 2.5;
  n := 1.26;
  t := i + 1;
  i := '42';
  RETURN i || ' ' || n || ' ' || t;
END 
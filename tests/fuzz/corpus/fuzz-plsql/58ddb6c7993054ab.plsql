
<<o>>
DECLARE
  x int := 10;
BEGIN
  DECLARE
    x int := 20;
  BEGIN
    RETURN x || ' ' || o.x || ' ' || shadow.x;
  END;
END 
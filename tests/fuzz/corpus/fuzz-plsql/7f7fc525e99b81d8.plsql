
DECLARE
  x int := a;
BEGIN
  x := x + 1;
  RETURN x;
END 
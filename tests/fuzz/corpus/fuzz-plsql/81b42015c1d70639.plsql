
BEGIN
  x := x * 3;
  y := y || '!';
  RETURN;
  x := 0;
END 
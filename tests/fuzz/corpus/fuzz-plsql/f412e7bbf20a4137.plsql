
BEGIN
  x := 1;
END 

BEGIN
  v := v * 2;
END 
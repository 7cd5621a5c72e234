
BEGIN
  doubled := a * 2;
  label := 'n' || a;
END 

BEGIN
  foo bar;
END 

BEGIN
  ASSERT n > 0, 'n must be positive, got ' || n;
  ASSERT n < 100;
  RETURN n;
END 

BEGIN
  IF n > 0 THEN
    RETURN 'positive';
  ELSIF n < 0 THEN
    RETURN 'negative';
  ELSEIF n = 0 THEN
    RETURN 'zero';
  ELSE
    RETURN 'unknown';
  END IF;
END 
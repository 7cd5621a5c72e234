
BEGIN
  IF a IS NULL THEN RETURN 'null'; END IF;
  RETURN 'not null';
END 

DECLARE v int;
BEGIN
  v := 'x1';
  RETURN v;
END 
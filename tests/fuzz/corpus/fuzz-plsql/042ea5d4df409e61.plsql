
DECLARE i text := 'outer';
BEGIN
  FOR i IN 1..2 LOOP
  END LOOP;
  RETURN i;
END 
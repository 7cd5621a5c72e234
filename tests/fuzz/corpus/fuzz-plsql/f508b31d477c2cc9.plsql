
DECLARE i int;
BEGIN
  FOR i IN 1..3 LOOP
    INSERT INTO log VALUES (i * 10, 'do');
  END LOOP;
END 
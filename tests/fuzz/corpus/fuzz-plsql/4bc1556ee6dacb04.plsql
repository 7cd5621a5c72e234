
BEGIN
  INSERT INTO log VALUES (n, msg);
  IF n > 1 THEN
    RETURN;
  END IF;
  INSERT INTO log VALUES (n + 100, msg);
END 

BEGIN
  FOR i IN 1..4 LOOP
    INSERT INTO batch VALUES (i);
    IF i % 2 = 0 THEN
      COMMIT;
    ELSE
      ROLLBACK;
    END IF;
  END LOOP;
END 

DECLARE n int := 0;
BEGIN
  BEGIN
    n := 5;
    INSERT INTO acct VALUES (77, 1);
    n := n + 1 / 0;
  EXCEPTION WHEN OTHERS THEN
    n := n * 10;
  END;
  RETURN n || ' ' || (SELECT count(*) FROM acct WHERE id = 77);
END 

DECLARE steps int := 0;
BEGIN
  UPDATE acct SET bal = bal + 1 WHERE id = 2;
  BEGIN
    UPDATE acct SET bal = bal + amount WHERE id = 2;
    steps := steps + 1;
    UPDATE acct SET bal = bal - amount WHERE id = 1;
    steps := steps + 1;
  EXCEPTION WHEN check_violation THEN
    RETURN 'rolled back after ' || steps || ' steps';
  END;
  RETURN 'done after ' || steps || ' steps';
END 

DECLARE n bigint; r record; s text := '';
BEGIN
  EXECUTE 'CREATE TABLE dyn_t (a int)';
  EXECUTE 'INSERT INTO ' || 'dyn_t' || ' VALUES (1), (2), (3)';
  GET DIAGNOSTICS n = ROW_COUNT;
  FOR r IN EXECUTE 'SELECT a FROM dyn_t WHERE a > $1 ORDER BY a' USING 1 LOOP
    s := s || r.a;
  END LOOP;
  BEGIN
    EXECUTE 'SELECT a FROM dyn_t WHERE a = 42' INTO STRICT n;
  EXCEPTION WHEN no_data_found THEN
    s := s || ' ' || n || ' no rows';
  END;
  RETURN s;
END 
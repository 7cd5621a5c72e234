
DECLARE n bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM %I WHERE %I = %L', tab, col, val) INTO n;
  RETURN n;
END 
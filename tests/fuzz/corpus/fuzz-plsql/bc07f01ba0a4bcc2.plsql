
DECLARE c bigint;
BEGIN
  EXECUTE 'SELECT count(*) FROM ' || tbl || ' WHERE id >= $1' INTO c USING min_id;
  RETURN c;
END 
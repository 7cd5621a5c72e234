
DECLARE r text := '';
BEGIN
  FOR i IN 1..0 LOOP END LOOP;
  r := r || found;
  FOR i IN 1..2 LOOP END LOOP;
  r := r || ' ' || found;
  RETURN r;
END 
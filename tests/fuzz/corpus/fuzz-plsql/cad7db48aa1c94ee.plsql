
DECLARE
  r record;
  s text := '';
BEGIN
  FOR r IN SELECT id, name FROM item WHERE id < 4 ORDER BY id LOOP
    s := s || r.id || ':' || r.name || ' ';
  END LOOP;
  RETURN s || found;
END 
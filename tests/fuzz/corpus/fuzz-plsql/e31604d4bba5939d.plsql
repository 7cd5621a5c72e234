
DECLARE
  i int;
  n text;
  s text := '';
BEGIN
  FOR i, n IN SELECT id, name FROM item WHERE id < 3 ORDER BY id DESC LOOP
    s := s || i || n;
  END LOOP;
  FOR i IN SELECT id FROM item WHERE id > 100 LOOP
    s := s || 'never';
  END LOOP;
  RETURN s || ' ' || found;
END 
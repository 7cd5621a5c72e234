
DECLARE r text := '';
BEGIN
  PERFORM * FROM item WHERE id = 1;
  r := r || found;
  PERFORM * FROM item WHERE id = -1;
  r := r || ' ' || found;
  PERFORM 1;
  r := r || ' ' || found;
  RETURN r;
END 
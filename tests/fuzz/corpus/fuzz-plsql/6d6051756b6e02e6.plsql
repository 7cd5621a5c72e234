
DECLARE
  it item%ROWTYPE;
  nm item.name%TYPE;
  q int;
  other nm%TYPE := 'other';
BEGIN
  SELECT * INTO it FROM item WHERE id = p_id;
  nm := it.name;
  q := it.qty * 2;
  it.price := 9.999;
  RETURN nm || ' ' || q || ' ' || it.price || ' ' || other;
END 
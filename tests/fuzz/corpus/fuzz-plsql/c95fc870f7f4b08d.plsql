
DECLARE n text; q int; f1 boolean; f2 boolean;
BEGIN
  SELECT name, qty INTO n, q FROM item WHERE id = 1;
  f1 := found;
  SELECT INTO n name FROM item WHERE id = 2;
  SELECT name FROM item WHERE id = 42 INTO n;
  f2 := found;
  RETURN coalesce(n, 'NULL') || ' ' || q || ' ' || f1 || ' ' || f2;
END 
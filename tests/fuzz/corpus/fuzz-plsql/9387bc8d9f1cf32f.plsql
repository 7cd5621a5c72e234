
DECLARE r item;
BEGIN
  FOR r IN SELECT id, name, price FROM item WHERE price >= min_price ORDER BY id LOOP
    RETURN NEXT r;
  END LOOP;
END 

DECLARE r record;
BEGIN
  FOR r IN SELECT name, price FROM item ORDER BY id LOOP
    IF r.price >= min_price THEN
      RETURN NEXT r.name;
    END IF;
  END LOOP;
  RETURN QUERY SELECT 'found: ' || found;
END 

DECLARE n bigint; f boolean; new_id int;
BEGIN
  UPDATE item SET qty = qty + amount WHERE qty < 6;
  GET DIAGNOSTICS n = ROW_COUNT;
  f := found;
  INSERT INTO item VALUES (10 + amount, 'new', 2, amount) RETURNING id INTO new_id;
  DELETE FROM item WHERE id = 1000;
  RETURN n || ' ' || f || ' ' || new_id || ' ' || found;
END 
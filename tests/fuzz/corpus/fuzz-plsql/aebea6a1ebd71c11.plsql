
DECLARE i int;
BEGIN
  UPDATE item SET qty = qty WHERE id < 3 RETURNING id INTO i;
  RETURN i;
END 
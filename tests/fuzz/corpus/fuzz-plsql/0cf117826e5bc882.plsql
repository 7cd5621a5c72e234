
DECLARE p numeric;
BEGIN
  SELECT price INTO p FROM item WHERE id = p_id;
  RETURN p;
END 
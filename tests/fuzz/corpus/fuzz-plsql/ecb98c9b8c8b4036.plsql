
DECLARE n text;
BEGIN
  SELECT name INTO STRICT n FROM item WHERE id >= p_id;
  RETURN n;
END 

DECLARE r record;
BEGIN
  RETURN r.x;
END 
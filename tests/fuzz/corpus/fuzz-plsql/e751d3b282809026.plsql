
BEGIN
  INSERT INTO audit VALUES (1000, TG_OP || ' ' || TG_LEVEL || ' ' || TG_WHEN, NULL, coalesce(NEW.name, 'no new'));
  RETURN NULL;
END 
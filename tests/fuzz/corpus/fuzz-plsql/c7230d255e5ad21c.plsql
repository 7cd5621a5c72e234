
BEGIN
  IF NEW.price > 100 THEN
    RAISE EXCEPTION 'price % too high for %', NEW.price, NEW.name USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END 
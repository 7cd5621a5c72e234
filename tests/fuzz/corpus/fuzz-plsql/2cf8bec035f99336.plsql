
BEGIN NEW.touched := OLD.touched + 1; RETURN NEW; END 
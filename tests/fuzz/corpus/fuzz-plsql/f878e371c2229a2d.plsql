
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO acct (id, bal) VALUES (NEW.id, NEW.bal);
    RETURN NEW;
  ELSIF TG_OP = 'UPDATE' THEN
    UPDATE acct SET bal = NEW.bal WHERE id = OLD.id;
    RETURN NEW;
  ELSE
    DELETE FROM acct WHERE id = OLD.id;
    RETURN OLD;
  END IF;
END 
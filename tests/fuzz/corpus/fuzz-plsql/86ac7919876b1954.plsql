
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.name := upper(NEW.name);
    IF NEW.price < 0 THEN
      RETURN NULL;
    END IF;
  ELSIF TG_OP = 'UPDATE' THEN
    NEW.version := OLD.version + 1;
  END IF;
  INSERT INTO audit VALUES ((SELECT count(*) FROM audit), TG_OP, coalesce(NEW.id, OLD.id),
    TG_NAME || ' ' || TG_WHEN || ' ' || TG_LEVEL || ' ' || TG_TABLE_NAME || ' ' || TG_TABLE_SCHEMA
    || ' ' || TG_NARGS || ' ' || coalesce(TG_ARGV[0], '-') || ' ' || coalesce(TG_ARGV[1], '-')
    || ' ' || coalesce(TG_ARGV[2], '-'));
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END 
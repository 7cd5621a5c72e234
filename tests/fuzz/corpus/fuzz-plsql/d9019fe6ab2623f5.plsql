
BEGIN
  INSERT INTO log VALUES ((SELECT count(*) FROM log) + 1, TG_NAME || ' ' || TG_WHEN || ' ' || TG_OP || ' ' || TG_LEVEL
    || coalesce(' new=' || NEW.id || '/' || NEW.bal, '') || coalesce(' old=' || OLD.id || '/' || OLD.bal, '')
    || CASE WHEN TG_NARGS > 0 THEN ' arg=' || TG_ARGV[0] ELSE '' END);
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END 

DECLARE r no_such_type;
BEGIN RETURN 1; END 

BEGIN
  RETURN inner_fail(n)::text;
EXCEPTION WHEN data_exception THEN
  RETURN 'caught ' || SQLSTATE || ' ' || SQLERRM;
END 
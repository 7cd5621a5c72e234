
DECLARE
  a int = 2;
  b numeric(6,2) DEFAULT 3.14159;
  c CONSTANT text := 'c';
  d varchar(5);
  e boolean NOT NULL := true;
  f int;
  g bigint := a * 10;
BEGIN
  d = 'ab';
  RETURN a || ',' || b || ',' || c || ',' || d || ',' || e || ',' || coalesce(f::text, 'null') || ',' || g;
END 
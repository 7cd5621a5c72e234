
DECLARE
  r record;
  s text := '';
BEGIN
  SELECT 1 AS a, 'x' AS b INTO r;
  s := s || r.a || r.b;
  SELECT 'y' AS a INTO r;
  s := s || r.a;
  r.a := 'z';
  s := s || r.a;
  RETURN s;
END 

DECLARE
  s text := '';
  i int := 0;
BEGIN
  LOOP
    i := i + 1;
    EXIT WHEN i > 3;
    s := s || i;
  END LOOP;
  s := s || '|';
  WHILE i > 0 LOOP
    i := i - 1;
    CONTINUE WHEN i % 2 = 0;
    s := s || i;
  END LOOP;
  s := s || '|';
  FOR k IN 1..10 BY 3 LOOP
    s := s || k;
  END LOOP;
  s := s || '|';
  FOR k IN REVERSE 10..1 BY 4 LOOP
    s := s || k || ',';
  END LOOP;
  s := s || '|';
  FOR k IN 5..1 LOOP
    s := s || 'never';
  END LOOP;
  RETURN s;
END 
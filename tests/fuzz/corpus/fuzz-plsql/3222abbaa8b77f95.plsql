
DECLARE s text := '';
BEGIN
  <<outer>>
  FOR i IN 1..3 LOOP
    <<inner>>
    FOR j IN 1..3 LOOP
      CONTINUE outer WHEN j = 2 AND i = 1;
      EXIT outer WHEN i = 3;
      s := s || i || j || ' ';
    END LOOP inner;
  END LOOP outer;
  <<blk>>
  BEGIN
    s := s || 'a';
    EXIT blk;
    s := s || 'b';
  END;
  RETURN s;
END 
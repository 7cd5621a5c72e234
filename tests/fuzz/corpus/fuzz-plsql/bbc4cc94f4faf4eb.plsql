
BEGIN
  FOR i IN 1..n LOOP
    k := i;
    label := 'row ' || i;
    RETURN NEXT;
  END LOOP;
END 
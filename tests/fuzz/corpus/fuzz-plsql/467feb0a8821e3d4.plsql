
DECLARE c CONSTANT int := 1;
BEGIN
  c := 2;
END 
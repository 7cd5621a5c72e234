
DECLARE v varchar(3);
BEGIN
  v := 'abcd';
  RETURN v;
END 
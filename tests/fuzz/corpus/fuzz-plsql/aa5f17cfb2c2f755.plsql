
DECLARE
  third ALIAS FOR $3;
  bb ALIAS FOR b;
BEGIN
  RETURN $1 || bb || third || args3.a;
END 
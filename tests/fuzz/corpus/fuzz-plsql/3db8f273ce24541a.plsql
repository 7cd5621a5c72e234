
DECLARE x int;
BEGIN
  CASE kind
    WHEN 1 THEN x := 1 / 0;
    WHEN 2 THEN INSERT INTO acct VALUES (1, 0);
    WHEN 3 THEN INSERT INTO acct VALUES (3, NULL);
    WHEN 4 THEN UPDATE acct SET bal = -1 WHERE id = 1;
    WHEN 5 THEN x := 'abc';
    WHEN 6 THEN x := 2147483647 + 1;
    WHEN 7 THEN SELECT id INTO STRICT x FROM acct;
    WHEN 8 THEN SELECT * INTO STRICT x FROM nonexistent_table;
    WHEN 9 THEN RAISE EXCEPTION 'mine %', 9 USING DETAIL = 'the detail', HINT = 'the hint';
    ELSE RETURN 'nothing';
  END CASE;
  RETURN 'not reached';
EXCEPTION
  WHEN division_by_zero OR numeric_value_out_of_range THEN
    RETURN 'arith ' || SQLSTATE;
  WHEN unique_violation THEN
    RETURN 'unique ' || SQLSTATE;
  WHEN integrity_constraint_violation THEN
    RETURN 'integrity ' || SQLSTATE;
  WHEN SQLSTATE '22P02' THEN
    RETURN 'text rep ' || SQLERRM;
  WHEN too_many_rows THEN
    RETURN 'too many: ' || SQLERRM;
  WHEN undefined_table THEN
    RETURN 'undefined ' || SQLSTATE;
  WHEN OTHERS THEN
    DECLARE
      st text; msg text; det text; hnt text;
    BEGIN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
        det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
      RETURN 'others ' || st || ' ' || msg || ' ' || det || ' ' || hnt;
    END;
END 
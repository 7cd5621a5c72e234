
BEGIN
  CASE n
    WHEN 1, 2 THEN RETURN 'one or two';
    WHEN 3 THEN RETURN 'three';
    ELSE RETURN 'other';
  END CASE;
END 

BEGIN
  RAISE DEBUG 'debug';
  RAISE LOG 'log';
  RAISE INFO 'info';
  RAISE NOTICE 'notice';
  RAISE WARNING 'warning';
  RETURN 1;
END 
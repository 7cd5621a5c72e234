/*
 * test-plsql.c — the PL/SQL language: its parser (statement kinds, lines
 * and columns, syntax errors with their positions) and, through the public
 * API, its interpreter.
 *
 * The parser tests build an OxRoutine by hand and call plsql_parse
 * directly: they need no session.  The interpreter tests run CREATE
 * FUNCTION / DO / CALL on a ":memory:" database; results are also pinned
 * against PostgreSQL 15 in tests/slt/plsql*.slt.
 */
#include <glib.h>
#include <string.h>

#include "base/error.h"
#include "pl/plsql.h"
#include "oxibase.h"
#include "test-util.h"

/* ---- parser --------------------------------------------------------------------- */

typedef struct FakeRoutine {
	OxRoutine    r;
	OxRoutineArg args[4];
} FakeRoutine;

static void
fake_init (FakeRoutine *f, const char *body, OxRetKind retkind)
{
	memset (f, 0, sizeof *f);
	f->r.obj.kind = OX_KIND_ROUTINE;
	f->r.obj.name = (char *) "f";
	f->r.rkind = OX_ROUTINE_FUNCTION;
	f->r.retkind = retkind;
	f->r.rettype = (OxType) { OX_T_INT4, -1 };
	f->r.language = "plsql";
	f->r.body = body;
	f->r.body_line = 1;
	f->r.body_col = 1;
	f->r.args = f->args;
}

static void
fake_arg (FakeRoutine *f, const char *name, OxTypeId t, OxArgMode mode)
{
	OxRoutineArg *a = &f->args[f->r.nargs++];
	a->name = name;
	a->type = (OxType) { t, -1 };
	a->mode = mode;
	if (mode != OX_ARG_OUT && mode != OX_ARG_TABLE)
		f->r.nin++;
}

static PlsqlFunction *
parse_ok (const char *body)
{
	FakeRoutine f;
	fake_init (&f, body, OX_RET_VALUE);
	fake_arg (&f, "a", OX_T_INT4, OX_ARG_IN);
	OxRoutine *r = g_memdup2 (&f, sizeof f);
	r->args = ((FakeRoutine *) r)->args;
	volatile bool failed = false;
	PlsqlFunction *fn = NULL;
	OX_TRY {
		fn = plsql_parse (r);
	} OX_CATCH {
		failed = true;
	} OX_END_TRY;
	if (failed)
		g_error ("parse failed: %s at %d: %s", ox_error_current ()->sqlstate,
		         ox_error_current ()->position, ox_error_current ()->message);
	return fn;
}

static void
free_fn (PlsqlFunction *fn)
{
	OxRoutine *r = fn->routine;
	plsql_function_free (fn);
	g_free (r);
}

/* Parse a body expected to fail; checks SQLSTATE, message and the line
 * and column of the reported position. */
static void
parse_fails (OxRetKind rk, const char *body, const char *state, const char *msg, int line, int col)
{
	FakeRoutine f;
	fake_init (&f, body, rk);
	fake_arg (&f, "a", OX_T_INT4, OX_ARG_IN);
	volatile bool failed = false;
	OX_TRY {
		PlsqlFunction *fn = plsql_parse (&f.r);
		plsql_function_free (fn);
	} OX_CATCH {
		failed = true;
	} OX_END_TRY;
	if (!failed)
		g_error ("parse of <%s> succeeded, expected %s", body, state);
	OxErrorData *e = ox_error_current ();
	g_assert_cmpstr (e->sqlstate, ==, state);
	if (msg)
		g_assert_cmpstr (e->message, ==, msg);
	int l, c;
	plsql_line_col (body, e->position - 1, &l, &c);
	if (l != line || c != col)
		g_error ("<%s>: error \"%s\" at line %d col %d, expected %d/%d", body, e->message, l, c,
		         line, col);
	OxErrorData dead;
	ox_error_take (&dead);
	ox_error_data_clear (&dead);
}

static void
test_parse_kinds (void)
{
	const char *body =
		"\n"
		"declare\n"
		"  x integer := 1;\n"
		"  r record;\n"
		"begin\n"
		"  x := x + a;\n"                                  /* 6 */
		"  if x > 1 then null; elsif x < 0 then x := 0; else x := 2; end if;\n"
		"  case x when 1, 2 then null; else null; end case;\n"
		"  <<outer>> loop exit outer when x > 3; x := x + 1; end loop;\n"
		"  while x < 10 loop continue when x = 5; x = x + 1; end loop;\n" /* 10 */
		"  for i in reverse 10..1 by 2 loop null; end loop;\n"
		"  for r in select 1 as q loop null; end loop;\n"
		"  for r in execute 'select 1' using x loop end loop;\n"
		"  select 1 into strict x from t where t.a = x;\n"
		"  perform x;\n"                                   /* 15 */
		"  execute 'select $1' into x using 5;\n"
		"  get diagnostics x = row_count;\n"
		"  raise notice 'x is % and %', x, a using hint = 'h';\n"
		"  assert x > 0, 'positive';\n"
		"  begin\n"                                        /* 20 */
		"    insert into t values (1) returning a into x;\n"
		"  exception when division_by_zero or sqlstate '22003' then raise; when others then null;\n"
		"  end;\n"
		"  return x;\n"
		"end\n";
	PlsqlFunction *fn = parse_ok (body);
	static const struct { PlsqlStmtKind k; int line, col; } want[] = {
		{ PLSQL_STMT_BLOCK, 2, 1 },
		{ PLSQL_STMT_ASSIGN, 6, 3 },
		{ PLSQL_STMT_IF, 7, 3 }, { PLSQL_STMT_NULL, 7, 17 }, { PLSQL_STMT_ASSIGN, 7, 40 },
		{ PLSQL_STMT_ASSIGN, 7, 53 },
		{ PLSQL_STMT_CASE, 8, 3 }, { PLSQL_STMT_NULL, 8, 25 }, { PLSQL_STMT_NULL, 8, 36 },
		{ PLSQL_STMT_LOOP, 9, 13 }, { PLSQL_STMT_EXIT, 9, 18 }, { PLSQL_STMT_ASSIGN, 9, 41 },
		{ PLSQL_STMT_WHILE, 10, 3 }, { PLSQL_STMT_EXIT, 10, 21 }, { PLSQL_STMT_ASSIGN, 10, 42 },
		{ PLSQL_STMT_FORI, 11, 3 }, { PLSQL_STMT_NULL, 11, 36 },
		{ PLSQL_STMT_FORS, 12, 3 }, { PLSQL_STMT_NULL, 12, 31 },
		{ PLSQL_STMT_DYNFORS, 13, 3 },
		{ PLSQL_STMT_EXECSQL, 14, 3 },
		{ PLSQL_STMT_PERFORM, 15, 3 },
		{ PLSQL_STMT_DYNEXECUTE, 16, 3 },
		{ PLSQL_STMT_GETDIAG, 17, 3 },
		{ PLSQL_STMT_RAISE, 18, 3 },
		{ PLSQL_STMT_ASSERT, 19, 3 },
		{ PLSQL_STMT_BLOCK, 20, 3 }, { PLSQL_STMT_EXECSQL, 21, 5 }, { PLSQL_STMT_RAISE, 22, 60 },
		{ PLSQL_STMT_NULL, 22, 84 },
		{ PLSQL_STMT_RETURN, 24, 3 },
	};
	g_assert_cmpint (fn->nstmts, ==, (int) G_N_ELEMENTS (want));
	for (int i = 0; i < fn->nstmts; i++) {
		PlsqlStmt *s = fn->stmts[i];
		if (s->kind != want[i].k || s->line != want[i].line || s->col != want[i].col)
			g_error ("statement %d: %s at %d:%d, expected %s at %d:%d", i,
			         plsql_stmt_kind_name (s), s->line, s->col,
			         plsql_stmt_kind_name (&(PlsqlStmt) { .kind = want[i].k }),
			         want[i].line, want[i].col);
		g_assert_cmpint (s->id, ==, i);
	}
	g_assert_cmpint (fn->stmts[0]->depth, ==, 0);
	g_assert_cmpint (fn->stmts[1]->depth, ==, 1);
	g_assert_cmpint (fn->stmts[3]->depth, ==, 2);

	/* The INTO clause is blanked out of the SQL text, keeping offsets. */
	PlsqlExecSql *sel = (PlsqlExecSql *) fn->stmts[20];
	g_assert_true (sel->into && sel->strict);
	g_assert_cmpint (sel->target.n, ==, 1);
	g_assert_cmpstr (sel->sql->text, ==, "select 1               from t where t.a = x");
	g_assert_cmpint (sel->sql->loc, ==, (int) (strstr (body, "select 1 into") - body));
	PlsqlExecSql *ins = (PlsqlExecSql *) fn->stmts[27];
	g_assert_true (ins->into && !ins->strict);
	g_assert_cmpstr (ins->sql->text, ==, "insert into t values (1) returning a       ");
	PlsqlExecSql *perf = (PlsqlExecSql *) fn->stmts[21];
	g_assert_cmpstr (perf->sql->text, ==, "SELECT  x");
	PlsqlRaise *ra = (PlsqlRaise *) fn->stmts[24];
	g_assert_cmpint (ra->elevel, ==, PLSQL_NOTICE);
	g_assert_cmpstr (ra->message, ==, "x is % and %");
	g_assert_cmpint (ra->nparams, ==, 2);
	g_assert_cmpint (ra->noptions, ==, 1);
	g_assert_cmpint (ra->options[0].kind, ==, PLSQL_RAISE_HINT);
	PlsqlBlock *inner = (PlsqlBlock *) fn->stmts[26];
	g_assert_cmpint (inner->nhandlers, ==, 2);
	g_assert_cmpstr (inner->handlers[0].conds->sqlstate, ==, "22012");
	g_assert_cmpstr (inner->handlers[0].conds->next->sqlstate, ==, "22003");
	g_assert_true (inner->handlers[1].conds->others);
	PlsqlForI *fi = (PlsqlForI *) fn->stmts[15];
	g_assert_true (fi->reverse);
	g_assert_cmpstr (fi->lower->text, ==, "10");
	g_assert_cmpstr (fi->upper->text, ==, "1");
	g_assert_cmpstr (fi->step->text, ==, "2");
	PlsqlCase *cs = (PlsqlCase *) fn->stmts[6];
	g_assert_cmpint (cs->nwhens, ==, 1);
	g_assert_true (cs->have_else);
	g_assert_cmpstr (cs->whens[0].expr->text, ==, "\"__plsql_case_1\" IN (1, 2)");
	free_fn (fn);
}

static void
test_parse_declare (void)
{
	PlsqlFunction *fn = parse_ok (
		"<<top>>\n"
		"DECLARE\n"
		"  c CONSTANT numeric(10,2) = 2.5;\n"
		"  n text NOT NULL DEFAULT 'x';\n"
		"  t t.col%TYPE;\n"
		"  rt t%ROWTYPE;\n"
		"  al ALIAS FOR $1;\n"
		"  b varchar(3) COLLATE \"C\";\n"
		"BEGIN\n"
		"  top.n := al::text;\n"
		"  <<inner>> DECLARE n int; BEGIN inner.n := 1; top.n := 'y'; f.a := 3; END inner;\n"
		"  RETURN 1;\n"
		"END top;");
	/* a, found, c, n, t, rt, b, inner n */
	g_assert_cmpint (fn->ndatums, ==, 8);
	PlsqlDatum *c = fn->datums[2];
	g_assert_cmpstr (c->refname, ==, "c");
	g_assert_true (c->isconst);
	g_assert_cmpstr (c->typetext, ==, "numeric(10,2)");
	g_assert_cmpstr (c->defexpr->text, ==, "2.5");
	PlsqlDatum *n = fn->datums[3];
	g_assert_true (n->notnull);
	g_assert_cmpstr (n->defexpr->text, ==, "'x'");
	PlsqlDatum *t = fn->datums[4];
	g_assert_cmpint (t->typeref, ==, 1);
	g_assert_cmpstr (t->typetext, ==, "t.col");
	PlsqlDatum *rt = fn->datums[5];
	g_assert_cmpint (rt->typeref, ==, 2);
	g_assert_cmpint (rt->kind, ==, PLSQL_DTYPE_REC);
	g_assert_cmpstr (fn->datums[6]->typetext, ==, "varchar(3)");
	/* top.n, inner.n, top.n again and f.a (the function's name labels its
	 * arguments) resolve to the right variables. */
	PlsqlAssign *a1 = (PlsqlAssign *) fn->stmts[1];
	g_assert_cmpint (a1->dno, ==, 3);
	PlsqlBlock *ib = (PlsqlBlock *) fn->stmts[2];
	g_assert_cmpstr (ib->label, ==, "inner");
	g_assert_cmpint (((PlsqlAssign *) ib->body.items[0])->dno, ==, 7);
	g_assert_cmpint (((PlsqlAssign *) ib->body.items[1])->dno, ==, 3);
	g_assert_cmpint (((PlsqlAssign *) ib->body.items[2])->dno, ==, 0);
	free_fn (fn);
}

static void
test_parse_errors (void)
{
	parse_fails (OX_RET_VALUE, "begin\n  x := 1;\nend", "42601", "\"x\" is not a known variable", 2, 3);
	parse_fails (OX_RET_VALUE, "begin\n  foo bar;\nend", "42601", "syntax error at or near \"foo\"", 2, 3);
	parse_fails (OX_RET_VALUE, "begin\n  if true then\nend", "42601", "syntax error at end of input", 3, 4);
	parse_fails (OX_RET_VALUE, "begin\n  if true then null; end loop;\nend", "42601",
	             "syntax error at or near \"loop\"", 2, 26);
	parse_fails (OX_RET_VALUE, "begin exit; end", "42601",
	             "EXIT cannot be used outside a loop, unless it has a label", 1, 7);
	parse_fails (OX_RET_VALUE, "begin loop exit nope; end loop; end", "42601",
	             "there is no label \"nope\" attached to any block or loop enclosing this statement", 1, 17);
	parse_fails (OX_RET_VALUE, "<<b>> begin loop continue b; end loop; end", "42601",
	             "block label \"b\" cannot be used in CONTINUE", 1, 18);
	parse_fails (OX_RET_VALUE, "begin\n raise notice 'a % b %', 1;\nend", "42601",
	             "too few parameters specified for RAISE", 2, 2);
	parse_fails (OX_RET_VALUE, "begin raise notice 'a', 1; end", "42601",
	             "too many parameters specified for RAISE", 1, 7);
	parse_fails (OX_RET_VALUE, "begin raise; end", "0Z002",
	             "RAISE without parameters cannot be used outside an exception handler", 1, 7);
	parse_fails (OX_RET_VALUE, "begin null; exception when no_such_thing then null; end", "42704",
	             "unrecognized exception condition \"no_such_thing\"", 1, 28);
	parse_fails (OX_RET_VALUE, "declare c constant int := 1; begin c := 2; end", "22005",
	             "variable \"c\" is declared CONSTANT", 1, 36);
	parse_fails (OX_RET_VALUE, "declare n int not null; begin end", "22004",
	             "variable \"n\" must have a default value, since it's declared NOT NULL", 1, 15);
	parse_fails (OX_RET_VALUE, "declare x int; x int; begin end", "42601",
	             "duplicate declaration at or near \"x\"", 1, 16);
	parse_fails (OX_RET_VALUE, "begin return; end", "42601", "missing expression at or near \";\"", 1, 13);
	parse_fails (OX_RET_VOID, "begin return 1; end", "42804",
	             "RETURN cannot have a parameter in function returning void", 1, 14);
	parse_fails (OX_RET_VALUE, "begin return next 1; end", "42804",
	             "cannot use RETURN NEXT in a non-SETOF function", 1, 7);
	parse_fails (OX_RET_VALUE, "begin\n  select 1 into a into a;\nend", "42601", "INTO specified more than once", 2, 19);
	parse_fails (OX_RET_VALUE, "begin 'unterminated; end", "42601", NULL, 1, 7);
	parse_fails (OX_RET_VALUE, "begin end; junk", "42601", "syntax error at or near \"junk\"", 1, 12);
	parse_fails (OX_RET_VALUE, "begin\n\tend label;\nend", "42601",
	             "end label \"label\" specified for unlabeled block", 2, 6);
	parse_fails (OX_RET_VALUE, "<<a>> begin null; end b", "42601",
	             "end label \"b\" differs from block's label \"a\"", 1, 23);
}

static void
test_parse_lines_utf8 (void)
{
	/* Columns count characters; positions stay byte offsets. */
	const char *body = "begin\n  -- é\n  raise notice 'é'; /* ü */ null;\nend";
	PlsqlFunction *fn = parse_ok (body);
	g_assert_cmpint (fn->nstmts, ==, 3);
	g_assert_cmpint (fn->stmts[2]->line, ==, 3);
	g_assert_cmpint (fn->stmts[2]->col, ==, 29);
	g_assert_cmpint (fn->stmts[2]->loc, ==, (int) (strstr (body, "null") - body));
	free_fn (fn);
}


/* ---- the interpreter, through the public API ---------------------------------------- */

typedef struct Fixture {
	OxDatabase *db;
	OxSession  *s;
	GString    *notices;
} Fixture;

static void
notice_cb (void *user, const char *severity, const char *sqlstate, const char *message)
{
	Fixture *fx = user;
	g_string_append_printf (fx->notices, "%s %s %s\n", severity, sqlstate, message);
}

static void
fx_open (Fixture *fx)
{
	OxError e = { 0 };
	g_assert_cmpint (ox_db_open (":memory:", &fx->db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (fx->db, &fx->s, &e), ==, OX_OK);
	fx->notices = g_string_new (NULL);
	ox_session_set_notice_func (fx->s, notice_cb, fx);
}

static void
fx_close (Fixture *fx)
{
	ox_session_free (fx->s);
	ox_db_close (fx->db);
	g_string_free (fx->notices, TRUE);
}

/* Run sql, expect an error; returns it (clear with ox_error_clear). */
static OxError
fx_fail (Fixture *fx, const char *sql, const char *state)
{
	OxError e = { 0 };
	if (ox_exec (fx->s, sql, &e) == OX_OK)
		g_error ("<%s> succeeded, expected %s", sql, state);
	g_assert_cmpstr (e.sqlstate, ==, state);
	return e;
}

static void
test_run_notices (void)
{
	Fixture fx;
	fx_open (&fx);
	ox_test_exec (fx.s,
		"DO LANGUAGE plsql $$\n"
		"DECLARE n int := 3; t text;\n"
		"BEGIN\n"
		"  RAISE NOTICE 'n is %, t is %, 100%%', n, t;\n"
		"  RAISE INFO 'info';\n"
		"  RAISE DEBUG 'not shown';\n"
		"  RAISE WARNING 'careful' USING ERRCODE = 'P0042';\n"
		"END $$");
	g_assert_cmpstr (fx.notices->str, ==,
	                 "NOTICE 00000 n is 3, t is <NULL>, 100%\n"
	                 "INFO 00000 info\n"
	                 "WARNING P0042 careful\n");
	fx_close (&fx);
}

static void
test_run_context (void)
{
	Fixture fx;
	fx_open (&fx);
	ox_test_exec (fx.s,
		"CREATE FUNCTION inner_f(d int) RETURNS int LANGUAGE plpgsql AS $$\n"
		"DECLARE y int;\n"
		"BEGIN\n"
		"  y := 10 / d;\n"
		"  RETURN y;\n"
		"END $$;\n"
		"CREATE FUNCTION outer_f() RETURNS int LANGUAGE plsql AS $$\n"
		"BEGIN\n"
		"  RETURN inner_f(0) + 1;\n"
		"END $$");
	OxError e = fx_fail (&fx, "SELECT outer_f()", "22012");
	g_assert_cmpstr (e.message, ==, "division by zero");
	g_assert_cmpstr (e.context, ==,
	                 "PL/SQL assignment \"y := 10 / d\"\n"
	                 "PL/SQL function inner_f(integer) line 4, column 3 at assignment\n"
	                 "SQL expression \"inner_f(0) + 1\"\n"
	                 "PL/SQL function outer_f() line 3, column 3 at RETURN");
	ox_error_clear (&e);

	e = fx_fail (&fx, "DO $$\nBEGIN\n  RAISE EXCEPTION 'boom %', 42 USING DETAIL = 'd', HINT = 'h';\nEND $$", "P0001");
	g_assert_cmpstr (e.message, ==, "boom 42");
	g_assert_cmpstr (e.detail, ==, "d");
	g_assert_cmpstr (e.hint, ==, "h");
	g_assert_cmpstr (e.context, ==, "PL/SQL function inline_code_block line 3, column 3 at RAISE");
	ox_error_clear (&e);

	/* an error at a position inside an embedded statement points at it */
	ox_test_exec (fx.s, "CREATE TABLE ctx_t (a int)");
	e = fx_fail (&fx, "DO $$\nDECLARE n int;\nBEGIN\n  SELECT   b INTO n FROM ctx_t;\nEND $$", "42703");
	g_assert_cmpstr (e.context, ==, "SQL statement \"SELECT   b        FROM ctx_t\"\n"
	                 "PL/SQL function inline_code_block line 4, column 12 at SQL statement");
	ox_error_clear (&e);

	e = fx_fail (&fx, "CREATE FUNCTION nr() RETURNS int LANGUAGE plpgsql AS $$ BEGIN END $$;\n"
	                  "SELECT nr()", "2F005");
	g_assert_cmpstr (e.message, ==, "control reached end of function without RETURN");
	g_assert_cmpstr (e.context, ==, "PL/SQL function nr()");
	ox_error_clear (&e);
	fx_close (&fx);
}

static void
test_run_compile_error (void)
{
	Fixture fx;
	fx_open (&fx);
	const char *sql = "CREATE FUNCTION bad() RETURNS int LANGUAGE plpgsql AS $$\n"
	                  "BEGIN\n"
	                  "  IF true THEN\n"
	                  "    RETURN 1;\n"
	                  "  END LOOP;\n"
	                  "END $$";
	OxError e = fx_fail (&fx, sql, "42601");
	g_assert_cmpstr (e.message, ==, "syntax error at or near \"LOOP\"");
	/* the position is moved into the CREATE statement's text */
	g_assert_cmpint (e.position, ==, (int) (strstr (sql, "LOOP") - sql) + 1);
	g_assert_nonnull (strstr (e.context, "line 5, column 7 of the body"));
	ox_error_clear (&e);

	e = fx_fail (&fx, "CREATE FUNCTION badtype() RETURNS int LANGUAGE plpgsql AS $$\n"
	                  "DECLARE x no_such_type;\nBEGIN RETURN 1; END $$", "42704");
	ox_error_clear (&e);
	fx_close (&fx);
}

static void
test_run_recursion_and_records (void)
{
	Fixture fx;
	fx_open (&fx);
	ox_test_exec (fx.s,
		"CREATE TABLE t (id int PRIMARY KEY, v text);\n"
		"INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');\n"
		"CREATE FUNCTION fib(n int) RETURNS bigint LANGUAGE plpgsql AS $$\n"
		"BEGIN\n"
		"  IF n < 2 THEN RETURN n; END IF;\n"
		"  RETURN fib(n - 1) + fib(n - 2);\n"
		"END $$;\n"
		/* a recursive call inside a FOR loop over the same query */
		"CREATE FUNCTION walk(depth int) RETURNS text LANGUAGE plpgsql AS $$\n"
		"DECLARE r record; s text := '';\n"
		"BEGIN\n"
		"  FOR r IN SELECT id, v FROM t ORDER BY id LOOP\n"
		"    s := s || r.v;\n"
		"    IF depth > 0 AND r.id = 2 THEN s := s || '(' || walk(depth - 1) || ')'; END IF;\n"
		"  END LOOP;\n"
		"  RETURN s;\n"
		"END $$;\n"
		/* one site sees records of different shapes */
		"CREATE FUNCTION shapes() RETURNS text LANGUAGE plpgsql AS $$\n"
		"DECLARE r record; s text := '';\n"
		"BEGIN\n"
		"  FOR i IN 1..4 LOOP\n"
		"    IF i % 2 = 0 THEN SELECT i AS x INTO r; ELSE SELECT 'n' || i AS x, 1 AS y INTO r; END IF;\n"
		"    s := s || r.x || ';';\n"
		"  END LOOP;\n"
		"  RETURN s;\n"
		"END $$");
	char *rows = ox_test_query (fx.s, "SELECT fib(20)");
	g_assert_cmpstr (rows, ==, "6765\n");
	g_free (rows);
	rows = ox_test_query (fx.s, "SELECT walk(2)");
	g_assert_cmpstr (rows, ==, "ab(ab(abc)c)c\n");
	g_free (rows);
	rows = ox_test_query (fx.s, "SELECT shapes()");
	g_assert_cmpstr (rows, ==, "n1;2;n3;4;\n");
	g_free (rows);
	fx_close (&fx);
}

static void
test_run_ambiguous (void)
{
	Fixture fx;
	fx_open (&fx);
	ox_test_exec (fx.s,
		"CREATE TABLE t (id int);\n"
		"CREATE FUNCTION amb(id int) RETURNS bigint LANGUAGE plpgsql AS $$\n"
		"BEGIN RETURN (SELECT count(*) FROM t WHERE id = id); END $$");
	OxError e = fx_fail (&fx, "SELECT amb(1)", "42702");
	ox_error_clear (&e);
	fx_close (&fx);
}

static void
test_run_long_loop (void)
{
	/* Ten million iterations run in constant memory (one scratch arena
	 * reset per statement, variables in a flat array). */
	Fixture fx;
	fx_open (&fx);
	ox_test_exec (fx.s,
		"CREATE FUNCTION sum_to(n int) RETURNS bigint LANGUAGE plpgsql AS $$\n"
		"DECLARE s bigint := 0; t text := '';\n"
		"BEGIN\n"
		"  FOR i IN 1..n LOOP s := s + i; t := 'x' || (i % 7); END LOOP;\n"
		"  RETURN s;\n"
		"END $$");
	char *rows = ox_test_query (fx.s, "SELECT sum_to(1000000)");
	g_assert_cmpstr (rows, ==, "500000500000\n");
	g_free (rows);
	fx_close (&fx);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/engine/plsql/parse/kinds", test_parse_kinds);
	g_test_add_func ("/engine/plsql/parse/declare", test_parse_declare);
	g_test_add_func ("/engine/plsql/parse/errors", test_parse_errors);
	g_test_add_func ("/engine/plsql/parse/lines-utf8", test_parse_lines_utf8);
	g_test_add_func ("/engine/plsql/run/notices", test_run_notices);
	g_test_add_func ("/engine/plsql/run/context", test_run_context);
	g_test_add_func ("/engine/plsql/run/compile-error", test_run_compile_error);
	g_test_add_func ("/engine/plsql/run/recursion-records", test_run_recursion_and_records);
	g_test_add_func ("/engine/plsql/run/ambiguous", test_run_ambiguous);
	g_test_add_func ("/engine/plsql/run/long-loop", test_run_long_loop);
	return g_test_run ();
}

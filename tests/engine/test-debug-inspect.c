/*
 * test-debug-inspect.c — what a paused session shows (debug.h): scopes,
 * variables and record fields of PL/SQL frames, trigger specials, the
 * Session scope, evaluation in a frame's scope (and that a failed one
 * leaves the routine as it was), setting variables, the console running
 * SQL inside the paused transaction, and variables still readable when
 * the hook reports an error.
 *
 * Each test installs an on_step (or on_error) hook that inspects the
 * frame at one chosen line and writes what it saw into a log; the test
 * then compares the log and the statement's outcome.
 */
#include <glib.h>
#include <string.h>

#include "oxibase.h"
#include "debug.h"
#include "test-util.h"

typedef struct Probe Probe;
struct Probe {
	const char *routine;   /* frame name prefix to act in ("p(" ...), NULL: any */
	int         line;      /* line to act at */
	void      (*act) (Probe *p, OxFrame *f);
	GString    *log;
	int         hits;
	int         max_hits;  /* act at most this often (0: once) */
};

static void
probe_step (void *user, OxFrame *f)
{
	Probe *p = user;
	if (p->line && ox_frame_line (f) != p->line)
		return;
	if (p->routine && !g_str_has_prefix (ox_frame_name (f), p->routine))
		return;
	if (p->hits >= (p->max_hits ? p->max_hits : 1))
		return;
	p->hits++;
	p->act (p, f);
}

static void
log_vars (Probe *p, OxFrame *f, OxScope scope, const char *const *path, int npath, int start, int count)
{
	OxVariable *v = NULL;
	OxError e = { 0 };
	int n = ox_frame_variables (f, scope, path, npath, start, count, &v, &e);
	if (n < 0) {
		g_string_append_printf (p->log, "%s: error %s %s\n", ox_scope_name (scope), e.sqlstate, e.message);
		ox_error_clear (&e);
		return;
	}
	g_string_append_printf (p->log, "%s%s%s:", ox_scope_name (scope), npath ? "." : "", npath ? path[0] : "");
	for (int i = 0; i < n; i++) {
		g_string_append_printf (p->log, " %s %s=%s", v[i].type, v[i].name, v[i].value);
		if (v[i].named_children)
			g_string_append_printf (p->log, "{%d}", v[i].named_children);
	}
	g_string_append_c (p->log, '\n');
	ox_variables_free (v, n);
}

static void
log_eval (Probe *p, OxFrame *f, const char *expr)
{
	OxVariable v;
	OxError e = { 0 };
	if (ox_frame_evaluate (f, expr, &v, &e)) {
		g_string_append_printf (p->log, "eval %s = %s (%s)\n", expr, v.value, v.type);
		ox_variable_clear (&v);
	} else {
		g_string_append_printf (p->log, "eval %s: error %s %s\n", expr, e.sqlstate, e.message);
		ox_error_clear (&e);
	}
}

static void
log_set (Probe *p, OxFrame *f, OxScope scope, const char *const *path, int npath, const char *value)
{
	OxVariable v;
	OxError e = { 0 };
	if (ox_frame_set_variable (f, scope, path, npath, value, &v, &e)) {
		g_string_append_printf (p->log, "set %s := %s -> %s\n", path[npath - 1], value, v.value);
		ox_variable_clear (&v);
	} else {
		g_string_append_printf (p->log, "set %s: error %s %s\n", path[npath - 1], e.sqlstate, e.message);
		ox_error_clear (&e);
	}
}

static void
log_exec (Probe *p, OxFrame *f, const char *sql)
{
	char *out = NULL;
	OxError e = { 0 };
	if (ox_frame_execute (f, sql, &out, &e))
		g_string_append_printf (p->log, "exec %s\n%s", sql, out);
	else {
		g_string_append_printf (p->log, "exec %s\n%serror %s %s\n", sql, out, e.sqlstate, e.message);
		ox_error_clear (&e);
	}
	g_free (out);
}

static void
log_scopes (Probe *p, OxFrame *f)
{
	OxScope sc[OX_MAX_SCOPES];
	int n = ox_frame_scopes (f, sc);
	g_string_append (p->log, "scopes:");
	for (int i = 0; i < n; i++)
		g_string_append_printf (p->log, " %s", ox_scope_name (sc[i]));
	g_string_append_c (p->log, '\n');
}

static void
assert_prefix (const char *got, const char *want)
{
	if (!g_str_has_prefix (got, want))
		g_assert_cmpstr (got, ==, want);  /* fails, showing both */
}

typedef struct Env {
	OxDatabase *db;
	OxSession  *s;
	Probe       p;
} Env;

static void
env_open (Env *env, const char *setup)
{
	OxError e = { 0 };
	memset (env, 0, sizeof *env);
	g_assert_cmpint (ox_db_open (":memory:", &env->db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (env->db, &env->s, &e), ==, OX_OK);
	if (setup)
		ox_test_exec (env->s, setup);
	env->p.log = g_string_new (NULL);
	OxDebugHooks h = { .on_step = probe_step, .user = &env->p };
	ox_session_set_debug_hooks (env->s, &h);
}

static void
env_close (Env *env)
{
	g_string_free (env->p.log, TRUE);
	ox_session_free (env->s);
	ox_db_close (env->db);
}

/* ---- PL/SQL frames ------------------------------------------------------------------------------ */

static const char *plsql_setup =
	"CREATE TABLE item (id int PRIMARY KEY, name text, price numeric(10,2));\n"
	"INSERT INTO item VALUES (1, 'tea', 3.50), (2, 'a, \"b\"', NULL);\n"
	"CREATE FUNCTION total(a int, b int) RETURNS int LANGUAGE plsql AS $$\n"
	"DECLARE\n"                                     /* 2 */
	"  s int := a + b;\n"                           /* 3 */
	"  k CONSTANT int := 7;\n"                      /* 4 */
	"  r item%ROWTYPE;\n"                           /* 5 */
	"  q record;\n"                                 /* 6 */
	"BEGIN\n"                                       /* 7 */
	"  SELECT * INTO r FROM item WHERE id = 1;\n"   /* 8 */
	"  SELECT * INTO q FROM item WHERE id = 2;\n"   /* 9 */
	"  s := s * 10;\n"                              /* 10 */
	"  RETURN s + k;\n"                             /* 11 */
	"END $$;\n";

static void
act_plsql (Probe *p, OxFrame *f)
{
	log_scopes (p, f);
	log_vars (p, f, OX_SCOPE_ARGUMENTS, NULL, 0, 0, 0);
	log_vars (p, f, OX_SCOPE_LOCALS, NULL, 0, 0, 0);
	const char *r[] = { "r" };
	log_vars (p, f, OX_SCOPE_LOCALS, r, 1, 0, 0);
	log_vars (p, f, OX_SCOPE_LOCALS, r, 1, 1, 1);   /* a page */
	const char *q[] = { "q" };
	log_vars (p, f, OX_SCOPE_LOCALS, q, 1, 0, 0);
	const char *nope[] = { "nope" };
	log_vars (p, f, OX_SCOPE_LOCALS, nope, 1, 0, 0);
	log_vars (p, f, OX_SCOPE_SPECIAL, NULL, 0, 0, 0);
	log_eval (p, f, "a + b * 2");
	log_eval (p, f, "r.name || '!'");
	log_eval (p, f, " r ");
	log_eval (p, f, "(SELECT count(*) FROM item WHERE price > s)");
	log_eval (p, f, "1 / (a - a)");
	log_eval (p, f, "a +");
	log_eval (p, f, "no_such_var");
	const char *s[] = { "s" };
	log_set (p, f, OX_SCOPE_LOCALS, s, 1, "s + 100");
	const char *k[] = { "k" };
	log_set (p, f, OX_SCOPE_LOCALS, k, 1, "1");
	const char *rp[] = { "r", "price" };
	log_set (p, f, OX_SCOPE_LOCALS, rp, 2, "'9.999'");
	log_set (p, f, OX_SCOPE_LOCALS, s, 1, "'abc'");
	log_vars (p, f, OX_SCOPE_SESSION, NULL, 0, 0, 2);
}

static void
test_plsql_frame (void)
{
	Env env;
	env_open (&env, plsql_setup);
	env.p.routine = "total(";
	env.p.line = 10;  /* before s := s * 10 */
	env.p.act = act_plsql;
	char *got = ox_test_query (env.s, "SELECT total(2, 3)");
	/* s was 5, set to 105 at line 10, times 10, plus k */
	g_assert_cmpstr (got, ==, "1057\n");
	g_free (got);
	assert_prefix (env.p.log->str,
		"scopes: Arguments Locals Special Session\n"
		"Arguments: integer a=2 integer b=3\n"
		"Locals: integer s=5 integer k=7 item r=(1,tea,3.50){3} record q=(2,\"a, \"\"b\"\"\",){3}\n"
		"Locals.r: integer id=1 text name=tea numeric(10,2) price=3.50\n"
		"Locals.r: text name=tea\n"
		"Locals.q: integer id=2 text name=a, \"b\" numeric(10,2) price=NULL\n"
		"Locals: error 42704 no variable \"nope\" in Locals\n"
		"Special: boolean found=t bigint row_count=1\n"
		"eval a + b * 2 = 8 (integer)\n"
		"eval r.name || '!' = tea! (text)\n"
		"eval  r  = (1,tea,3.50) (item)\n"
		"eval (SELECT count(*) FROM item WHERE price > s) = 0 (bigint)\n"
		"eval 1 / (a - a): error 22012 division by zero\n"
		"eval a +: error 42601 syntax error at end of input\n"
		"eval no_such_var: error 42703 column \"no_such_var\" does not exist\n"
		"set s := s + 100 -> 105\n"
		"set k: error 22005 variable \"k\" is declared CONSTANT\n"
		"set price := '9.999' -> 10.00\n"
		"set s: error 22P02 invalid input syntax for type integer: \"abc\"\n"
		"Session: text transaction_isolation=read committed bigint transaction_id=");
	env_close (&env);
}

/* The rest of the Session scope, in full */
static void
act_session (Probe *p, OxFrame *f)
{
	log_vars (p, f, OX_SCOPE_SESSION, NULL, 0, 2, 0);
	log_scopes (p, f);
}

static void
test_session_scope (void)
{
	Env env;
	env_open (&env, "CREATE SCHEMA app");
	env.p.act = act_session;
	env.p.line = 2;
	OxError e = { 0 };
	g_assert_cmpint (ox_exec (env.s, "SET search_path = app, public;\nBEGIN ISOLATION LEVEL REPEATABLE READ;\nSELECT 1;\nCOMMIT;", &e), ==, OX_OK);
	g_assert_nonnull (strstr (env.p.log->str, "\nscopes: Session\n"));
	/* at the BEGIN: no transaction yet, the search path set by the first */
	assert_prefix (env.p.log->str,
		"Session: boolean in_transaction_block=false text search_path=app, public integer routine_depth=0 integer session_id=");
	env_close (&env);
}

/* ---- evaluation between script statements, and the console ------------------------------------ */

static void
act_console (Probe *p, OxFrame *f)
{
	log_eval (p, f, "(SELECT count(*) FROM log)");
	log_eval (p, f, "1 +");
	log_exec (p, f, "SELECT id, msg FROM log ORDER BY id");
	log_exec (p, f, "INSERT INTO log VALUES (100, 'from the console')");
	log_exec (p, f, "INSERT INTO log VALUES (100, 'again')");
	log_exec (p, f, "SELECT count(*) AS n FROM log; SELECT 'two' AS x");
}

static void
test_console_in_routine (void)
{
	Env env;
	env_open (&env,
		"CREATE TABLE log (id int PRIMARY KEY, msg text);\n"
		"CREATE PROCEDURE work() LANGUAGE plsql AS $$\n"
		"BEGIN\n"                                   /* 2 */
		"  INSERT INTO log VALUES (1, 'one');\n"   /* 3 */
		"  INSERT INTO log VALUES (2, 'two');\n"   /* 4 */
		"  RAISE NOTICE 'rows %', (SELECT count(*) FROM log);\n"  /* 5 */
		"END $$;\n");
	env.p.routine = "work(";
	env.p.line = 4;
	env.p.act = act_console;
	OxError e = { 0 };
	g_assert_cmpint (ox_exec (env.s, "BEGIN; CALL work(); COMMIT;", &e), ==, OX_OK);
	g_assert_cmpstr (env.p.log->str, ==,
		"eval (SELECT count(*) FROM log) = 1 (bigint)\n"
		"eval 1 +: error 42601 syntax error at end of input\n"
		"exec SELECT id, msg FROM log ORDER BY id\n"
		" id | msg \n"
		"----+-----\n"
		"  1 | one\n"
		"(1 row)\n\n"
		"exec INSERT INTO log VALUES (100, 'from the console')\n"
		"INSERT 0 1\n"
		"exec INSERT INTO log VALUES (100, 'again')\n"
		"error 23505 duplicate key value violates unique constraint \"log_pkey\"\n"
		"exec SELECT count(*) AS n FROM log; SELECT 'two' AS x\n"
		" n \n"
		"---\n"
		" 2\n"
		"(1 row)\n\n"
		"  x  \n"
		"-----\n"
		" two\n"
		"(1 row)\n\n");
	/* the console's row is part of the committed transaction; the failed
	 * insert took nothing with it */
	char *got = ox_test_query (env.s, "SELECT id, msg FROM log ORDER BY id");
	g_assert_cmpstr (got, ==, "1|one\n2|two\n100|from the console\n");
	g_free (got);
	env_close (&env);
}

static void
act_between (Probe *p, OxFrame *f)
{
	log_scopes (p, f);
	log_eval (p, f, "(SELECT count(*) FROM log) + 1");
	log_eval (p, f, "1/0");
	log_exec (p, f, "INSERT INTO log VALUES (7, 'between'); SELECT count(*) FROM log");
	log_exec (p, f, "SELECT nope");
}

static void
test_between_statements (void)
{
	Env env;
	env_open (&env, "CREATE TABLE log (id int PRIMARY KEY, msg text); INSERT INTO log VALUES (1, 'x');");
	env.p.line = 2;
	env.p.act = act_between;
	OxError e = { 0 };
	g_assert_cmpint (ox_exec (env.s, "SELECT 1;\nSELECT 2;", &e), ==, OX_OK);
	g_assert_cmpstr (env.p.log->str, ==,
		"scopes: Session\n"
		"eval (SELECT count(*) FROM log) + 1 = 2 (bigint)\n"
		"eval 1/0: error 22012 division by zero\n"
		"exec INSERT INTO log VALUES (7, 'between'); SELECT count(*) FROM log\n"
		"INSERT 0 1\n"
		" count \n"
		"-------\n"
		"     2\n"
		"(1 row)\n\n"
		"exec SELECT nope\n"
		"error 42703 column \"nope\" does not exist\n");
	env_close (&env);
}

/* ---- triggers and SQL functions ------------------------------------------------------------------- */

static void
act_trigger (Probe *p, OxFrame *f)
{
	log_scopes (p, f);
	log_vars (p, f, OX_SCOPE_SPECIAL, NULL, 0, 0, 0);
	const char *nw[] = { "new" };
	log_vars (p, f, OX_SCOPE_SPECIAL, nw, 1, 0, 0);
	log_eval (p, f, "new.price * 2");
	log_eval (p, f, "tg_op || ' ' || tg_table_name");
	const char *np[] = { "new", "price" };
	log_set (p, f, OX_SCOPE_LOCALS, np, 2, "1");
	log_set (p, f, OX_SCOPE_SPECIAL, np, 2, "new.price * 3");
	const char *op[] = { "old", "price" };
	log_set (p, f, OX_SCOPE_SPECIAL, op, 2, "1");
}

static void
test_trigger_frame (void)
{
	Env env;
	env_open (&env,
		"CREATE TABLE item (id int PRIMARY KEY, price numeric);\n"
		"CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plsql AS $$\n"
		"BEGIN\n"                         /* 2 */
		"  NEW.price := NEW.price + 1;\n" /* 3 */
		"  RETURN NEW;\n"                 /* 4 */
		"END $$;\n"
		"CREATE TRIGGER item_stamp BEFORE INSERT ON item FOR EACH ROW EXECUTE FUNCTION stamp();\n");
	env.p.routine = "item_stamp";
	env.p.line = 4;
	env.p.act = act_trigger;
	ox_test_exec (env.s, "INSERT INTO item VALUES (1, 10)");
	g_assert_cmpstr (env.p.log->str, ==,
		"scopes: Arguments Locals Special Session\n"
		"Special: boolean found=f bigint row_count=0 item new=(1,11){2} item old=NULL"
		" text tg_name=item_stamp text tg_when=BEFORE text tg_level=ROW text tg_op=INSERT"
		" text tg_table_name=item text tg_relname=item text tg_table_schema=public integer tg_nargs=0\n"
		"Special.new: integer id=1 numeric price=11\n"
		"eval new.price * 2 = 22 (numeric)\n"
		"eval tg_op || ' ' || tg_table_name = INSERT item (text)\n"
		"set price: error 42704 no variable \"new\" in Locals\n"
		"set price := new.price * 3 -> 33\n"
		"set price: error 0A000 only arguments, local variables and fields of NEW can be set\n");
	/* the row the trigger returned carries the debugger's value */
	char *got = ox_test_query (env.s, "SELECT price FROM item");
	g_assert_cmpstr (got, ==, "33\n");
	g_free (got);
	env_close (&env);
}

static void
act_sqlfn (Probe *p, OxFrame *f)
{
	log_scopes (p, f);
	log_vars (p, f, OX_SCOPE_ARGUMENTS, NULL, 0, 0, 0);
	log_vars (p, f, OX_SCOPE_LOCALS, NULL, 0, 0, 0);
	log_eval (p, f, "x * y");
	log_eval (p, f, "$2");
	const char *x[] = { "x" };
	log_set (p, f, OX_SCOPE_ARGUMENTS, x, 1, "1");
}

static void
test_sql_function_frame (void)
{
	Env env;
	env_open (&env, "CREATE FUNCTION mul(x int, y int) RETURNS int LANGUAGE sql AS 'SELECT x * y';");
	env.p.routine = "mul(";
	env.p.line = 0;
	env.p.act = act_sqlfn;
	/* an SQL function has no steps of its own: inspect at its entry */
	OxDebugHooks h = { .on_enter = probe_step, .user = &env.p };
	ox_session_set_debug_hooks (env.s, &h);
	char *got = ox_test_query (env.s, "SELECT mul(6, 7)");
	g_assert_cmpstr (got, ==, "42\n");
	g_free (got);
	g_assert_cmpstr (env.p.log->str, ==,
		"scopes: Arguments Session\n"
		"Arguments: integer x=6 integer y=7\n"
		"Locals: error 0A000 this frame has no Locals scope\n"
		"eval x * y = 42 (integer)\n"
		"eval $2 = 7 (integer)\n"
		"set x: error 0A000 variables of this frame cannot be set; only PL/SQL and Lua variables can\n");
	env_close (&env);
}

/* ---- errors: variables still there, the error intact after inspection ------------------------ */

static void
on_error_inspect (void *user, OxFrame *f, const OxError *err, bool uncaught)
{
	Probe *p = user;
	g_string_append_printf (p->log, "error %s in %s%s\n", err->sqlstate, ox_frame_name (f),
	                        uncaught ? " (uncaught)" : "");
	if (ox_frame_kind (f) != OX_FRAME_ROUTINE)
		return;
	log_vars (p, f, OX_SCOPE_LOCALS, NULL, 0, 0, 0);
	log_eval (p, f, "i * 100");
	log_eval (p, f, "1/0");  /* an error of its own, in the middle of handling one */
}

static void
test_error_keeps_frame (void)
{
	Env env;
	env_open (&env,
		"CREATE FUNCTION boom(n int) RETURNS int LANGUAGE plsql AS $$\n"
		"DECLARE i int := 0;\n"
		"BEGIN\n"
		"  BEGIN\n"
		"    i := n / 0;\n"
		"  EXCEPTION WHEN division_by_zero THEN\n"
		"    i := -1;\n"
		"  END;\n"
		"  i := i + 1;\n"
		"  RAISE EXCEPTION 'boom at %', i USING ERRCODE = 'P0042';\n"
		"END $$;\n");
	OxDebugHooks h = { .on_error = on_error_inspect, .user = &env.p };
	ox_session_set_debug_hooks (env.s, &h);
	OxError e = { 0 };
	OxStmt *st = NULL;
	g_assert_cmpint (ox_prepare (env.s, "SELECT boom(5)", -1, &st, NULL, &e), ==, OX_OK);
	g_assert_cmpint (ox_step (st, &e), ==, OX_ERROR);
	/* the original error survives the inspection's own */
	g_assert_cmpstr (e.sqlstate, ==, "P0042");
	g_assert_cmpstr (e.message, ==, "boom at 0");
	g_assert_nonnull (e.context);
	g_assert_nonnull (strstr (e.context, "line 10"));
	ox_error_clear (&e);
	ox_finalize (st);
	g_assert_cmpstr (env.p.log->str, ==,
		/* the caught division, seen with the variables of that moment */
		"error 22012 in boom(integer)\n"
		"Locals: integer i=0\n"
		"eval i * 100 = 0 (integer)\n"
		"eval 1/0: error 22012 division by zero\n"
		/* the one that leaves the routine */
		"error P0042 in boom(integer)\n"
		"Locals: integer i=0\n"
		"eval i * 100 = 0 (integer)\n"
		"eval 1/0: error 22012 division by zero\n");
	env_close (&env);
}

/* ---- query debugging: plan operators as frames ------------------------------------------------ */

typedef struct OpLog {
	GString *log;
	int      inspected;
} OpLog;

static void
op_enter (void *user, OxFrame *f)
{
	(void) user;
	(void) f;
}

static void
op_step (void *user, OxFrame *f)
{
	OpLog *l = user;
	if (ox_frame_kind (f) != OX_FRAME_OPERATOR) {
		g_string_append_printf (l->log, "step %s\n", ox_frame_name (f));
		return;
	}
	OxVariable *v = NULL;
	int n = ox_frame_variables (f, OX_SCOPE_ROW, NULL, 0, 0, 0, &v, NULL);
	g_string_append_printf (l->log, "%*s%s @%d:", ox_frame_depth (f) * 2, "", ox_frame_name (f), ox_frame_line (f));
	for (int i = 0; i < n; i++)
		g_string_append_printf (l->log, " %s=%s", v[i].name, v[i].value);
	g_string_append_c (l->log, '\n');
	ox_variables_free (v, n);
	if (!l->inspected && g_str_has_prefix (ox_frame_name (f), "Hash Join")) {
		l->inspected = 1;
		OxScope sc[OX_MAX_SCOPES];
		int k = ox_frame_scopes (f, sc);
		g_string_append (l->log, "  scopes:");
		for (int i = 0; i < k; i++)
			g_string_append_printf (l->log, " %s", ox_scope_name (sc[i]));
		g_string_append_c (l->log, '\n');
		n = ox_frame_variables (f, OX_SCOPE_OPERATOR, NULL, 0, 0, 4, &v, NULL);
		g_string_append (l->log, "  operator:");
		for (int i = 0; i < n; i++)
			g_string_append_printf (l->log, " %s=%s", v[i].name, v[i].value);
		g_string_append_c (l->log, '\n');
		ox_variables_free (v, n);
		OxVariable r;
		OxError e = { 0 };
		g_assert_true (ox_frame_evaluate (f, "b.id * 10", &r, &e));
		g_string_append_printf (l->log, "  eval b.id * 10 = %s\n", r.value);
		ox_variable_clear (&r);
		g_string_append_printf (l->log, "  source %s [%s]\n%s\n", ox_frame_source_name (f),
		                        (ox_frame_source_id (f) & OX_DEBUG_PLAN_SOURCE_BIT) ? "plan" : "?",
		                        ox_frame_source_text (f));
	}
}

static void
test_query_operators (void)
{
	OxDatabase *db;
	OxSession *s;
	OxError e = { 0 };
	g_assert_cmpint (ox_db_open (":memory:", &db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (db, &s, &e), ==, OX_OK);
	ox_test_exec (s, "CREATE TABLE a (id int PRIMARY KEY, v text); CREATE TABLE b (id int, a_id int);"
	                 "INSERT INTO a VALUES (1, 'one'), (2, 'two'); INSERT INTO b VALUES (10, 2), (11, 3);");
	OpLog l = { g_string_new (NULL), 0 };
	OxDebugHooks h = { .on_enter = op_enter, .on_step = op_step, .user = &l };
	ox_session_set_debug_hooks (s, &h);
	/* off: no operator frames */
	g_free (ox_test_query (s, "SELECT count(*) FROM a"));
	g_assert_cmpstr (l.log->str, ==, "");
	ox_session_set_debug_queries (s, true);
	char *got = ox_test_query (s, "SELECT a.v, b.id AS bid FROM a JOIN b ON a.id = b.a_id");
	g_assert_cmpstr (got, ==, "two|10\n");
	g_free (got);
	g_assert_cmpstr (l.log->str, ==,
		"    Seq Scan on b @4: id=10 a_id=2\n"
		"    Seq Scan on b @4: id=11 a_id=3\n"
		"    Seq Scan on a @3: id=1 v=one\n"
		"    Seq Scan on a @3: id=2 v=two\n"
		"  Hash Join @2: a.id=2 a.v=two b.id=10 b.a_id=2\n"
		"  scopes: Current row Operator Session\n"
		"  operator: operator=Hash Join rows_in=4 rows_out=1 loops=1\n"
		"  eval b.id * 10 = 100\n"
		"  source plan: SELECT a.v, b.id AS bid FROM a JOIN b ON a.id = b.a_id [plan]\n"
		"Project (a.v, b.id)\n"
		"  ->  Hash Join (hash cond: a.id = b.a_id)\n"
		"        ->  Seq Scan on a\n"
		"        ->  Seq Scan on b\n"
		"Project @1: v=two bid=10\n");
	g_string_free (l.log, TRUE);
	ox_session_free (s);
	ox_db_close (db);
}

/* ---- where a debugger can stop ------------------------------------------------------------------- */

static char *
lines_text (int *l, int n)
{
	GString *g = g_string_new (NULL);
	for (int i = 0; i < n; i++)
		g_string_append_printf (g, "%s%d", i ? " " : "", l[i]);
	g_free (l);
	return g_string_free (g, FALSE);
}

static void
test_script_lines (void)
{
	static const char script[] =
		"-- a comment before the first statement\n"                          /* 1 */
		"CREATE TABLE t (id int, v int);\n"                                   /* 2 */
		"\n"                                                                  /* 3 */
		"CREATE FUNCTION bump(x int) RETURNS int LANGUAGE plsql AS $$\n"     /* 4 */
		"BEGIN\n"                                                             /* 5 */
		"  x := x + 1;  -- assigns to an argument\n"                          /* 6 */
		"  RETURN x;\n"                                                       /* 7 */
		"END $$;\n"                                                           /* 8 */
		"CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plsql AS $$\n"     /* 9 */
		"BEGIN\n"                                                             /* 10 */
		"  NEW.v := 0;\n"                                                     /* 11 */
		"  RETURN NEW;\n"                                                     /* 12 */
		"END $$;\n"                                                           /* 13 */
		"CREATE FUNCTION l() RETURNS int LANGUAGE lua AS $$\n"               /* 14 */
		"  -- a comment\n"                                                    /* 15 */
		"  local a = 1\n"                                                     /* 16 */
		"\n"                                                                  /* 17 */
		"  return a\n"                                                        /* 18 */
		"$$;\n"                                                               /* 19 */
		"/* a block\n comment */ SELECT 1;\n"                                 /* 20-21 */
		"DO $$ BEGIN PERFORM 1; END $$;\n";                                   /* 22 */
	int *l = NULL;
	int n = ox_debug_script_lines (script, 1, &l);
	char *got = lines_text (l, n);
	g_assert_cmpstr (got, ==, "2 4 5 6 7 9 10 11 12 14 16 18 21 22");
	g_free (got);
	/* a script that starts at line 10 of its file; a statement that does
	 * not parse still counts, and ends the list */
	n = ox_debug_script_lines ("SELECT 1;\nSELEC 2;\nSELECT 3;", 10, &l);
	got = lines_text (l, n);
	g_assert_cmpstr (got, ==, "10 11");
	g_free (got);
	n = ox_debug_body_lines ("plsql", "\nBEGIN\n  RETURN 1;\nEND", &l);
	got = lines_text (l, n);
	g_assert_cmpstr (got, ==, "2 3");
	g_free (got);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/engine/debug-inspect/plsql-frame", test_plsql_frame);
	g_test_add_func ("/engine/debug-inspect/session-scope", test_session_scope);
	g_test_add_func ("/engine/debug-inspect/console-in-routine", test_console_in_routine);
	g_test_add_func ("/engine/debug-inspect/between-statements", test_between_statements);
	g_test_add_func ("/engine/debug-inspect/trigger-frame", test_trigger_frame);
	g_test_add_func ("/engine/debug-inspect/sql-function-frame", test_sql_function_frame);
	g_test_add_func ("/engine/debug-inspect/error-keeps-frame", test_error_keeps_frame);
	g_test_add_func ("/engine/debug-inspect/query-operators", test_query_operators);
	g_test_add_func ("/engine/debug-inspect/script-lines", test_script_lines);
	return g_test_run ();
}

/*
 * test-debug-lua.c — what a debugger sees of a paused Lua routine
 * (debug.h's scopes, variables, evaluation and set variable, implemented
 * for Lua frames in engine/pl/lua.c): arguments, locals and upvalues,
 * tables with paged and nested children, expressions in the frame's
 * scope and their errors, setting locals, arguments and table fields,
 * the locals of parent Lua frames while a nested routine is stopped, and
 * a trigger's ox.* values.
 *
 * Only the public API (oxibase.h, debug.h) is used.  Each test installs
 * hooks whose on_step runs its checks when a chosen routine reaches a
 * chosen line, and counts that it did: a check that never ran fails the
 * test as surely as one that found the wrong value.
 */
#include <glib.h>
#include <stdarg.h>
#include <string.h>

#include "oxibase.h"
#include "debug.h"
#include "test-util.h"

typedef struct Fx Fx;
typedef void (*CheckFunc) (Fx *fx, OxFrame *f);

struct Fx {
	OxDatabase *db;
	OxSession  *s;
	const char *routine;   /* frame name the check wants */
	int         line;      /* and its line */
	CheckFunc   check;
	int         checked;   /* times check ran */
	bool        inside;    /* on_step is running (an inspection must not step) */
	CheckFunc   leave;     /* on_leave of the routine's frame */
	int         left;      /* times leave ran */
};

static void
on_step (void *user, OxFrame *f)
{
	Fx *fx = user;
	/* hooks are off while an inspection runs: an evaluated expression
	 * calling the body's functions must not step */
	g_assert_false (fx->inside);
	if (!fx->check || ox_frame_kind (f) == OX_FRAME_STATEMENT || strcmp (ox_frame_name (f), fx->routine) != 0 ||
	    ox_frame_line (f) != fx->line)
		return;
	fx->inside = true;
	fx->check (fx, f);
	fx->inside = false;
	fx->checked++;
}

static void
on_leave (void *user, OxFrame *f)
{
	Fx *fx = user;
	if (!fx->leave || ox_frame_kind (f) == OX_FRAME_STATEMENT || strcmp (ox_frame_name (f), fx->routine) != 0)
		return;
	fx->leave (fx, f);
	fx->left++;
}

static void
fx_setup (Fx *fx, gconstpointer data)
{
	(void) data;
	OxError e = { 0 };
	memset (fx, 0, sizeof *fx);
	g_assert_cmpint (ox_db_open (":memory:", &fx->db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (fx->db, &fx->s, &e), ==, OX_OK);
}

static void
fx_teardown (Fx *fx, gconstpointer data)
{
	(void) data;
	ox_session_free (fx->s);
	ox_db_close (fx->db);
}

static void
fx_hooks (Fx *fx, const char *routine, int line, CheckFunc check)
{
	fx->routine = routine;
	fx->line = line;
	fx->check = check;
	OxDebugHooks h = { .on_step = on_step, .on_leave = on_leave, .user = fx };
	ox_session_set_debug_hooks (fx->s, &h);
}

/* "name type value [named/indexed]" lines, or "ERROR sqlstate message". */
static char *
format_vars (const OxVariable *v, int n)
{
	GString *g = g_string_new (NULL);
	for (int i = 0; i < n; i++) {
		g_string_append_printf (g, "%s %s %s", v[i].name, v[i].type, v[i].value);
		if (v[i].named_children || v[i].indexed_children)
			g_string_append_printf (g, " %d/%d", v[i].named_children, v[i].indexed_children);
		g_string_append_c (g, '\n');
	}
	return g_string_free (g, FALSE);
}

static char *
format_error (OxError *e)
{
	char *r = g_strdup_printf ("ERROR %s %s", e->sqlstate, e->message);
	ox_error_clear (e);
	return r;
}

/* The variables of scope (no path) or the children the NULL-terminated
 * path names, from start, at most count (0: all). */
static char *
vars (OxFrame *f, OxScope scope, int start, int count, ...)
{
	const char *path[8];
	int npath = 0;
	va_list ap;
	va_start (ap, count);
	const char *p;
	while ((p = va_arg (ap, const char *)) != NULL && npath < 8)
		path[npath++] = p;
	va_end (ap);
	OxVariable *v = NULL;
	OxError e = { 0 };
	int n = ox_frame_variables (f, scope, path, npath, start, count, &v, &e);
	if (n < 0)
		return format_error (&e);
	char *r = format_vars (v, n);
	ox_variables_free (v, n);
	return r;
}

static int
count_vars (OxFrame *f, OxScope scope, int start, int count, const char *p0)
{
	OxVariable *v = NULL;
	OxError e = { 0 };
	int n = ox_frame_variables (f, scope, &p0, p0 ? 1 : 0, start, count, &v, &e);
	g_assert_cmpint (n, >=, 0);
	ox_variables_free (v, n);
	return n;
}

/* "type value" of an expression, or "ERROR sqlstate message". */
static char *
eval (OxFrame *f, const char *expr)
{
	OxVariable v;
	OxError e = { 0 };
	if (!ox_frame_evaluate (f, expr, &v, &e))
		return format_error (&e);
	g_assert_cmpstr (v.name, ==, expr);
	char *r = g_strdup_printf ("%s %s%s", v.type, v.value, v.is_null ? " (null)" : "");
	ox_variable_clear (&v);
	return r;
}

static char *
set_var (OxFrame *f, OxScope scope, const char *expr, ...)
{
	const char *path[8];
	int npath = 0;
	va_list ap;
	va_start (ap, expr);
	const char *p;
	while ((p = va_arg (ap, const char *)) != NULL && npath < 8)
		path[npath++] = p;
	va_end (ap);
	OxVariable v;
	OxError e = { 0 };
	if (!ox_frame_set_variable (f, scope, path, npath, expr, &v, &e))
		return format_error (&e);
	char *r = format_vars (&v, 1);
	ox_variable_clear (&v);
	return r;
}

static char *
scopes (OxFrame *f)
{
	OxScope sc[OX_MAX_SCOPES];
	int n = ox_frame_scopes (f, sc);
	GString *g = g_string_new (NULL);
	for (int i = 0; i < n; i++)
		g_string_append_printf (g, "%s%s", i ? "," : "", ox_scope_name (sc[i]));
	return g_string_free (g, FALSE);
}

#define assert_str(expr, want)                          \
	do {                                            \
		char *got_ = (expr);                    \
		g_assert_cmpstr (got_, ==, (want));     \
		g_free (got_);                          \
	} while (0)

/* The nearest ancestor frame of f named name. */
static OxFrame *
ancestor (OxFrame *f, const char *name)
{
	for (OxFrame *p = ox_frame_parent (f); p; p = ox_frame_parent (p))
		if (ox_frame_kind (p) != OX_FRAME_STATEMENT && !strcmp (ox_frame_name (p), name))
			return p;
	return NULL;
}

static char *
q1 (Fx *fx, const char *sql)
{
	char *rows = ox_test_query (fx->s, sql);
	size_t n = strlen (rows);
	if (n && rows[n - 1] == '\n')
		rows[n - 1] = '\0';
	return rows;
}

/* ---- arguments, locals, tables, evaluation, set variable ------------------------------------- */

static const char *lf_body =
	"CREATE FUNCTION lf(a int, b int, c text) RETURNS int LANGUAGE lua AS $$\n"
	"local t = {10, 20, 30, name = \"x\", sub = {k = 1}}\n"   /* 2 */
	"local big = {}\n"                                         /* 3 */
	"for i = 1, 250 do big[i] = i * 2 end\n"                   /* 4 */
	"local r = a + b + #c\n"                                   /* 5 */
	"local n = 20000\n"                                        /* 6 */
	"for i = 1, n do end\n"                                    /* 7 */
	"return r\n"                                               /* 8 */
	"$$";

static void
check_lf (Fx *fx, OxFrame *f)
{
	assert_str (scopes (f), "Arguments,Locals,Session");
	/* arguments: SQL names and types */
	assert_str (vars (f, OX_SCOPE_ARGUMENTS, 0, 0, NULL), "a integer 3\nb integer 4\nc text abc\n");
	/* locals active at line 6: not the loop's i nor n (being declared),
	 * no internal names */
	assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, NULL),
	            "t table {10, 20, 30, name=\"x\", sub={...}} 2/3\n"
	            "big table {2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, ...} 0/250\n"
	            "r number 10\n");
	/* children: named (sorted), then indexed */
	assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, "t", NULL),
	            "name string x\nsub table {k=1} 1/0\n[1] number 10\n[2] number 20\n[3] number 30\n");
	/* paging */
	assert_str (vars (f, OX_SCOPE_LOCALS, 100, 3, "big", NULL),
	            "[101] number 202\n[102] number 204\n[103] number 206\n");
	assert_str (vars (f, OX_SCOPE_LOCALS, 248, 10, "big", NULL), "[249] number 498\n[250] number 500\n");
	/* nested tables by path; an element by its listed name */
	assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, "t", "sub", NULL), "k number 1\n");
	assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, "t", "nosuch", NULL), "ERROR 42704 no field \"nosuch\" in \"t\"");
	assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, "t", "[2]", NULL),
	            "ERROR 42704 \"[2]\" is a Lua number and has no fields");
	assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, "nosuch", NULL), "ERROR 42704 no variable \"nosuch\" in Locals");
	/* scopes Lua does not have fall to the generic code */
	assert_str (vars (f, OX_SCOPE_SPECIAL, 0, 0, NULL), "ERROR 0A000 this frame has no Special scope");
	char *session = vars (f, OX_SCOPE_SESSION, 0, 0, NULL);
	g_assert_nonnull (strstr (session, "transaction_isolation text read committed\n"));
	g_free (session);

	/* evaluation in the frame's scope */
	assert_str (eval (f, "a + b"), "number 7");
	assert_str (eval (f, "t.name"), "string x");
	assert_str (eval (f, "t[2] * 2"), "number 40");
	assert_str (eval (f, "#big"), "number 250");
	assert_str (eval (f, "c .. '!'"), "string abc!");
	assert_str (eval (f, "t.sub"), "table {k=1}");
	assert_str (eval (f, "nosuch"), "nil NULL (null)");
	assert_str (eval (f, "math.max(a, b) / 2"), "number 2.0");
	assert_str (eval (f, "a +"), "ERROR 42601 unexpected symbol near <eof>");
	assert_str (eval (f, "error('boom')"), "ERROR 38000 boom");
	assert_str (eval (f, "nosuch.x"), "ERROR 38000 attempt to index a nil value (global 'nosuch')");
	assert_str (eval (f, "ox.error('22012', 'custom')"), "ERROR 22012 custom");
	assert_str (eval (f, "ox.query('SELECT 1/0')"), "ERROR 22012 division by zero");
	assert_str (eval (f, "ox.query('SELECT 41 + $1 AS v', a - 2)[1].v"), "number 42");
	assert_str (eval (f, "ox.commit()"), "ERROR 2D000 cannot commit or roll back inside pcall");
	/* writes: kept when the evaluation succeeds, rolled back when it fails */
	assert_str (eval (f, "ox.exec('INSERT INTO log VALUES (1)')"), "number 1");
	assert_str (eval (f, "ox.exec('INSERT INTO log VALUES (2)') + nosuch"),
	            "ERROR 38000 attempt to perform arithmetic on a nil value (global 'nosuch')");
	/* the instruction limit stops an evaluation, and only it: the loop
	 * on line 7 runs 20000 instructions after this, under the count hook
	 * of the routine's own budget */
	assert_str (eval (f, "(function () while true do end end)()"), "ERROR 54000 Lua instruction limit exceeded");
	assert_str (eval (f, "1 + 1"), "number 2");

	/* setting: a local, a nested field, a new field, an argument (cast) */
	assert_str (set_var (f, OX_SCOPE_LOCALS, "r * 10", "r", NULL), "r number 100\n");
	assert_str (set_var (f, OX_SCOPE_LOCALS, "5", "t", "sub", "k", NULL), "k number 5\n");
	assert_str (eval (f, "t.sub.k"), "number 5");
	assert_str (set_var (f, OX_SCOPE_LOCALS, "'v'", "t", "added", NULL), "added string v\n");
	assert_str (set_var (f, OX_SCOPE_LOCALS, "0", "t", "[2]", NULL), "[2] number 0\n");
	assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, "t", NULL),
	            "added string v\nname string x\nsub table {k=5} 1/0\n[1] number 10\n[2] number 0\n[3] number 30\n");
	assert_str (set_var (f, OX_SCOPE_ARGUMENTS, "'12'", "a", NULL), "a integer 12\n");
	assert_str (eval (f, "math.type(a)"), "string integer");
	assert_str (set_var (f, OX_SCOPE_ARGUMENTS, "'abc'", "a", NULL),
	            "ERROR 22P02 invalid input syntax for type integer: \"abc\"");
	assert_str (set_var (f, OX_SCOPE_ARGUMENTS, "{}", "a", NULL), "ERROR 42804 cannot convert a Lua table to integer");
	assert_str (set_var (f, OX_SCOPE_LOCALS, "1 +", "r", NULL), "ERROR 42601 unexpected symbol near <eof>");
	assert_str (set_var (f, OX_SCOPE_LOCALS, "1", "nosuch", NULL), "ERROR 42704 no variable \"nosuch\" in Locals");
	assert_str (set_var (f, OX_SCOPE_SESSION, "1", "search_path", NULL),
	            "ERROR 0A000 variables of the Session scope cannot be set");
	assert_str (vars (f, OX_SCOPE_ARGUMENTS, 0, 0, NULL), "a integer 12\nb integer 4\nc text abc\n");
}

static void
test_frame (Fx *fx, gconstpointer data)
{
	(void) data;
	ox_test_exec (fx->s, lf_body);
	ox_test_exec (fx->s, "CREATE TABLE log (x int)");
	ox_test_exec (fx->s, "SET lua.max_instructions = 100000");
	fx_hooks (fx, "lf(integer, integer, text)", 6, check_lf);
	/* the set local is what the routine returns */
	assert_str (q1 (fx, "SELECT lf(3, 4, 'abc')"), "100");
	g_assert_cmpint (fx->checked, ==, 1);
	ox_session_set_debug_hooks (fx->s, NULL);
	assert_str (q1 (fx, "SELECT string_agg(x::text, ',') FROM log"), "1");
	/* without a debugger the same call returns its own value */
	assert_str (q1 (fx, "SELECT lf(3, 4, 'abc')"), "10");
}

/* ---- a function the body called: its locals and upvalues ---------------------------------- */

static const char *helper_body =
	"CREATE FUNCTION hf(a int) RETURNS int LANGUAGE lua AS $$\n"
	"local scale = 3\n"                       /* 2 */
	"local function helper(x)\n"              /* 3 */
	"  local y = x * scale\n"                 /* 4 */
	"  return y\n"                            /* 5 */
	"end\n"                                   /* 6 */
	"return helper(a) + 1\n"                  /* 7 */
	"$$";

static void
check_helper (Fx *fx, OxFrame *f)
{
	(void) fx;
	assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, NULL), "x number 2\ny number 6\nscale number 3\n");
	/* the arguments are the main function's, wherever the body is */
	assert_str (vars (f, OX_SCOPE_ARGUMENTS, 0, 0, NULL), "a integer 2\n");
	/* locals of the functions below (helper is one of main's) */
	assert_str (eval (f, "x + scale + a"), "number 7");
	assert_str (eval (f, "helper(10)"), "number 30");
	/* Near the end of its budget the count hook asks for line events
	 * again (a shorter period, hook_mask); the body's lines helper runs
	 * then must still not step: on_step asserts it is not re-entered. */
	assert_str (eval (f, "(function () for i = 1, 101000 do end return helper(1) end)()"), "number 3");
	assert_str (set_var (f, OX_SCOPE_LOCALS, "100", "y", NULL), "y number 100\n");
	assert_str (set_var (f, OX_SCOPE_LOCALS, "4", "scale", NULL), "scale number 4\n");
	assert_str (eval (f, "helper(10)"), "number 40");
}

static void
test_helper (Fx *fx, gconstpointer data)
{
	(void) data;
	ox_test_exec (fx->s, helper_body);
	ox_test_exec (fx->s, "SET lua.max_instructions = 105000");
	fx_hooks (fx, "hf(integer)", 5, check_helper);
	assert_str (q1 (fx, "SELECT hf(2)"), "101");
	g_assert_cmpint (fx->checked, ==, 1);
}

/* ---- the first line: arguments before the body made them locals ------------------------------ */

static void
check_first_line (Fx *fx, OxFrame *f)
{
	(void) fx;
	assert_str (vars (f, OX_SCOPE_ARGUMENTS, 0, 0, NULL), "a integer 5\nb text NULL\n");
	assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, NULL), "");
	assert_str (eval (f, "a * 3"), "number 15");
	assert_str (eval (f, "b == ox.null"), "boolean true");
	assert_str (set_var (f, OX_SCOPE_ARGUMENTS, "1", "a", NULL),
	            "ERROR 0A000 argument \"a\" cannot be set before the body has made it a local");
}

/* Once the call has returned its frame is the generic code's again. */
static void
check_left (Fx *fx, OxFrame *f)
{
	(void) fx;
	assert_str (scopes (f), "Arguments,Session");
	assert_str (vars (f, OX_SCOPE_ARGUMENTS, 0, 0, NULL), "a integer 5\nb text NULL\n");
	assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, NULL), "ERROR 0A000 this frame has no Locals scope");
}

static void
test_first_line (Fx *fx, gconstpointer data)
{
	(void) data;
	ox_test_exec (fx->s, "CREATE FUNCTION fl(a int, b text) RETURNS int LANGUAGE lua AS $$ local z = a * 2\n"
	                     "return z $$");
	fx_hooks (fx, "fl(integer, text)", 1, check_first_line);
	fx->leave = check_left;
	assert_str (q1 (fx, "SELECT fl(5, NULL)"), "10");
	g_assert_cmpint (fx->checked, ==, 1);
	g_assert_cmpint (fx->left, ==, 1);
}

/* ---- an evaluation's instructions count apart from the routine's ---------------------------- */

static void
check_budget (Fx *fx, OxFrame *f)
{
	(void) fx;
	/* 45000 instructions: within a fresh budget of 100000, not within
	 * what the routine's 60000 left */
	assert_str (eval (f, "(function () for i = 1, 45000 do end return 1 end)()"), "number 1");
}

static void
test_budget (Fx *fx, gconstpointer data)
{
	(void) data;
	ox_test_exec (fx->s, "CREATE FUNCTION budget() RETURNS int LANGUAGE lua AS $$\n"
	                     "for i = 1, 60000 do end\n"     /* 2 */
	                     "local x = 1\n"                 /* 3 */
	                     "for i = 1, 50000 do end\n"     /* 4 */
	                     "return x\n"                    /* 5 */
	                     "$$");
	ox_test_exec (fx->s, "SET lua.max_instructions = 100000");
	fx_hooks (fx, "budget()", 3, check_budget);
	/* the routine's own 110000 instructions still exceed its limit: the
	 * evaluation neither used nor refilled its budget */
	OxStmt *st = NULL;
	OxError e = { 0 };
	g_assert_cmpint (ox_prepare (fx->s, "SELECT budget()", -1, &st, NULL, &e), ==, OX_OK);
	int rc = OX_OK;
	g_free (ox_test_step_rows (st, &e, &rc));
	g_assert_cmpint (rc, ==, OX_ERROR);
	g_assert_cmpstr (e.sqlstate, ==, "54000");
	ox_error_clear (&e);
	ox_finalize (st);
	g_assert_cmpint (fx->checked, ==, 1);
}

/* ---- parent Lua frames while a nested routine is stopped ---------------------------------------- */

static void
check_nested (Fx *fx, OxFrame *f)
{
	(void) fx;
	assert_str (eval (f, "m"), "number 15");
	OxFrame *outer = ancestor (f, "outer_f(integer)");
	g_assert_nonnull (outer);
	/* rows is being assigned: not active yet */
	assert_str (vars (outer, OX_SCOPE_LOCALS, 0, 0, NULL), "before number 14\n");
	assert_str (vars (outer, OX_SCOPE_ARGUMENTS, 0, 0, NULL), "p integer 7\n");
	assert_str (eval (outer, "before + p"), "number 21");
	assert_str (set_var (outer, OX_SCOPE_LOCALS, "100", "before", NULL), "before number 100\n");
	/* the inner frame is untouched */
	assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, NULL), "m number 15\n");
}

/* The same routine, nested through SQL: each level on its own thread. */
static void
check_recursion (Fx *fx, OxFrame *f)
{
	(void) fx;
	char *n = eval (f, "n");
	bool bottom = !strcmp (n, "number 0");
	g_free (n);
	if (!bottom)
		return;
	OxFrame *p1 = ancestor (f, "rec(integer)");
	g_assert_nonnull (p1);
	OxFrame *p2 = ancestor (p1, "rec(integer)");
	g_assert_nonnull (p2);
	g_assert_null (ancestor (p2, "rec(integer)"));
	assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, NULL), "here number 0\n");
	assert_str (vars (p1, OX_SCOPE_ARGUMENTS, 0, 0, NULL), "n integer 1\n");
	assert_str (vars (p1, OX_SCOPE_LOCALS, 0, 0, NULL), "here number 10\n");
	assert_str (vars (p2, OX_SCOPE_LOCALS, 0, 0, NULL), "here number 20\n");
	assert_str (eval (p2, "n * 1000 + here"), "number 2020");
	assert_str (set_var (p2, OX_SCOPE_LOCALS, "here + 5", "here", NULL), "here number 25\n");
}

static void
test_nested (Fx *fx, gconstpointer data)
{
	(void) data;
	ox_test_exec (fx->s, "CREATE FUNCTION inner_f(n int) RETURNS int LANGUAGE lua AS $$\n"
	                     "local m = n + 1\n"                                          /* 2 */
	                     "return m\n"                                                 /* 3 */
	                     "$$");
	ox_test_exec (fx->s, "CREATE FUNCTION outer_f(p int) RETURNS int LANGUAGE lua AS $$\n"
	                     "local before = p * 2\n"                                      /* 2 */
	                     "local rows = ox.query('SELECT inner_f($1) AS v', before)\n"  /* 3 */
	                     "return rows[1].v + before\n"                                 /* 4 */
	                     "$$");
	fx_hooks (fx, "inner_f(integer)", 3, check_nested);
	/* 15 + the parent's before, set to 100 while inner_f was stopped */
	assert_str (q1 (fx, "SELECT outer_f(7)"), "115");
	g_assert_cmpint (fx->checked, ==, 1);

	ox_session_set_debug_hooks (fx->s, NULL);
	ox_test_exec (fx->s, "CREATE FUNCTION rec(n int) RETURNS int LANGUAGE lua AS $$\n"
	                     "local here = n * 10\n"                                            /* 2 */
	                     "if n == 0 then return here end\n"                                 /* 3 */
	                     "return ox.query('SELECT rec($1) AS v', n - 1)[1].v + here\n"      /* 4 */
	                     "$$");
	fx->checked = 0;
	fx_hooks (fx, "rec(integer)", 3, check_recursion);
	/* 0 + 10 + (20 + 5) */
	assert_str (q1 (fx, "SELECT rec(2)"), "35");
	g_assert_cmpint (fx->checked, ==, 3);
}

/* ---- a trigger: ox.* in Special, ox.new edited in place ---------------------------------------- */

static void
check_trigger (Fx *fx, OxFrame *f)
{
	(void) fx;
	g_assert_cmpint (ox_frame_kind (f), ==, OX_FRAME_TRIGGER);
	assert_str (scopes (f), "Locals,Special,Session");
	assert_str (vars (f, OX_SCOPE_SPECIAL, 0, 0, NULL),
	            "ox.op string INSERT\n"
	            "ox.when string BEFORE\n"
	            "ox.level string ROW\n"
	            "ox.trigger_name string tt_b\n"
	            "ox.table_name string tt\n"
	            "ox.table_schema string public\n"
	            "ox.args table {\"a1\"} 0/1\n"
	            "ox.new table {id=1, v=10} 2/0\n");
	assert_str (vars (f, OX_SCOPE_SPECIAL, 0, 0, "ox.new", NULL), "id number 1\nv number 10\n");
	assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, NULL), "note string INSERT\n");
	assert_str (eval (f, "ox.new.v + #ox.args"), "number 11");
	assert_str (set_var (f, OX_SCOPE_SPECIAL, "50", "ox.new", "v", NULL), "v number 50\n");
	assert_str (set_var (f, OX_SCOPE_SPECIAL, "'x'", "ox.op", NULL), "ERROR 0A000 ox.op cannot be set; its fields can");
	/* a trigger function has no arguments of its own (ox.args are the trigger's) */
	assert_str (vars (f, OX_SCOPE_ARGUMENTS, 0, 0, NULL), "");
}

static void
test_trigger (Fx *fx, gconstpointer data)
{
	(void) data;
	ox_test_exec (fx->s, "CREATE TABLE tt (id int, v int)");
	ox_test_exec (fx->s, "CREATE FUNCTION trg() RETURNS trigger LANGUAGE lua AS $$\n"
	                     "local note = ox.op\n"            /* 2 */
	                     "ox.new.v = ox.new.v + 1\n"       /* 3 */
	                     "$$");
	ox_test_exec (fx->s, "CREATE TRIGGER tt_b BEFORE INSERT ON tt FOR EACH ROW EXECUTE FUNCTION trg('a1')");
	fx_hooks (fx, "tt_b BEFORE INSERT ON tt FOR EACH ROW", 3, check_trigger);
	ox_test_exec (fx->s, "INSERT INTO tt VALUES (1, 10)");
	g_assert_cmpint (fx->checked, ==, 1);
	ox_session_set_debug_hooks (fx->s, NULL);
	/* the edit made while paused, then the body's + 1 */
	assert_str (q1 (fx, "SELECT v FROM tt"), "51");
}

/* ---- a big table is listed up to the cap ---------------------------------------------------------- */

static void
check_big (Fx *fx, OxFrame *f)
{
	(void) fx;
	assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, NULL),
	            "t table {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, ...} 1/200000\n");
	/* 1 named + the first 100000 elements */
	g_assert_cmpint (count_vars (f, OX_SCOPE_LOCALS, 0, 0, "t"), ==, 100001);
	assert_str (vars (f, OX_SCOPE_LOCALS, 99999, 5, "t", NULL), "[99999] number 99999\n[100000] number 100000\n");
	assert_str (vars (f, OX_SCOPE_LOCALS, 0, 2, "t", NULL), "extra boolean true\n[1] number 1\n");
	/* past the cap an element is still reachable by evaluation and path */
	assert_str (eval (f, "t[150000]"), "number 150000");
	assert_str (set_var (f, OX_SCOPE_LOCALS, "-1", "t", "[150000]", NULL), "[150000] number -1\n");
}

static void
test_big_table (Fx *fx, gconstpointer data)
{
	(void) data;
	ox_test_exec (fx->s, "CREATE FUNCTION bigt() RETURNS int LANGUAGE lua AS $$\n"
	                     "local t = {}\n"                                 /* 2 */
	                     "for i = 1, 200000 do t[i] = i end\n"            /* 3 */
	                     "t.extra = true\n"                               /* 4 */
	                     "return t[150000]\n"                             /* 5 */
	                     "$$");
	fx_hooks (fx, "bigt()", 5, check_big);
	assert_str (q1 (fx, "SELECT bigt()"), "-1");
	g_assert_cmpint (fx->checked, ==, 1);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add ("/engine/debug-lua/frame", Fx, NULL, fx_setup, test_frame, fx_teardown);
	g_test_add ("/engine/debug-lua/helper", Fx, NULL, fx_setup, test_helper, fx_teardown);
	g_test_add ("/engine/debug-lua/first-line", Fx, NULL, fx_setup, test_first_line, fx_teardown);
	g_test_add ("/engine/debug-lua/budget", Fx, NULL, fx_setup, test_budget, fx_teardown);
	g_test_add ("/engine/debug-lua/nested", Fx, NULL, fx_setup, test_nested, fx_teardown);
	g_test_add ("/engine/debug-lua/trigger", Fx, NULL, fx_setup, test_trigger, fx_teardown);
	g_test_add ("/engine/debug-lua/big-table", Fx, NULL, fx_setup, test_big_table, fx_teardown);
	return g_test_run ();
}

/*
 * test-debug-lua.c — what a debugger sees of a paused Lua routine
 * (debug.h's scopes, variables, evaluation and set variable, implemented
 * for Lua frames in engine/pl/lua.c): arguments, locals and upvalues,
 * tables with paged and nested children, expressions in the frame's
 * scope and their errors, setting locals, arguments and table fields,
 * the locals of parent Lua frames while a nested routine is stopped, a
 * trigger's ox.* values, and the frame as on_error sees it: at the line of
 * the error with the locals of the function that raised it, whether the
 * error leaves the routine or a pcall catches it.
 *
 * Only the public API (oxibase.h, debug.h) is used.  Each test installs
 * hooks whose on_step (or on_error) runs its checks when a chosen routine
 * reaches a chosen line, and counts that it did: a check that never ran
 * fails the test as surely as one that found the wrong value.
 */
#include <glib.h>
#include <stdarg.h>
#include <string.h>

#include "oxibase.h"
#include "debug.h"
#include "test-util.h"

typedef struct Fx Fx;
typedef void (*CheckFunc) (Fx *fx, OxFrame *f);
typedef void (*ErrorFunc) (Fx *fx, OxFrame *f, const OxError *e);

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
	ErrorFunc   on_err;    /* on_error in a routine's frame (not a statement's) */
	GString    *errors;    /* every on_error: "depth name:line sqlstate message[ uncaught]\n" */
	GString    *contexts;  /* the context of each on_error in a routine's frame, "\n--\n" after each */
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
on_error (void *user, OxFrame *f, const OxError *e, bool uncaught)
{
	Fx *fx = user;
	g_assert_false (fx->inside);
	g_string_append_printf (fx->errors, "%d %s:%d %s %s%s\n", ox_frame_depth (f), ox_frame_name (f),
	                        ox_frame_line (f), e->sqlstate, e->message, uncaught ? " uncaught" : "");
	if (ox_frame_kind (f) == OX_FRAME_STATEMENT)
		return;
	g_string_append_printf (fx->contexts, "%s\n--\n", e->context ? e->context : "(none)");
	if (!fx->on_err)
		return;
	fx->inside = true;
	fx->on_err (fx, f, e);
	fx->inside = false;
	fx->checked++;
}

static void
fx_setup (Fx *fx, gconstpointer data)
{
	(void) data;
	OxError e = { 0 };
	memset (fx, 0, sizeof *fx);
	g_assert_cmpint (ox_db_open (":memory:", &fx->db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (fx->db, &fx->s, &e), ==, OX_OK);
	fx->errors = g_string_new (NULL);
	fx->contexts = g_string_new (NULL);
}

static void
fx_teardown (Fx *fx, gconstpointer data)
{
	(void) data;
	ox_session_free (fx->s);
	ox_db_close (fx->db);
	g_string_free (fx->errors, TRUE);
	g_string_free (fx->contexts, TRUE);
}

/* No frame takes steps, as in a debugger without breakpoints: a Lua
 * routine runs without its line hook, so only the error's own report can
 * tell the frame its line. */
static bool
no_steps (void *user, OxFrame *f)
{
	(void) user;
	(void) f;
	return false;
}

/* Hooks for the error tests: on_error runs check in a routine's frame
 * and logs every report; no steps. */
static void
fx_error_hooks (Fx *fx, ErrorFunc check)
{
	fx->on_err = check;
	fx->check = NULL;
	fx->checked = 0;
	g_string_truncate (fx->errors, 0);
	g_string_truncate (fx->contexts, 0);
	OxDebugHooks h = { .on_step = on_step, .on_error = on_error, .wants_steps = no_steps, .user = fx };
	ox_session_set_debug_hooks (fx->s, &h);
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

/* ---- errors: the frame on_error sees --------------------------------------------------------- */

/* Run sql through ox_exec (a statement frame at depth 0, the routine at
 * 1); "OK", or "sqlstate message / context" of its error. */
static char *
exec_result (Fx *fx, const char *sql)
{
	OxError e = { 0 };
	if (ox_exec (fx->s, sql, &e) == OX_OK)
		return g_strdup ("OK");
	char *r = g_strdup_printf ("%s %s / %s", e.sqlstate, e.message, e.context ? e.context : "(none)");
	ox_error_clear (&e);
	return r;
}

static const char *ef_body =
	"CREATE FUNCTION ef(a int) RETURNS int LANGUAGE lua AS $$\n"
	"local function inner(x)\n"                 /* 2 */
	"  if x > 0 then error('boom') end\n"        /* 3 */
	"  return x\n"                               /* 4 */
	"end\n"                                      /* 5 */
	"local before = a + 1\n"                     /* 6 */
	"local r = inner(before)\n"                  /* 7 */
	"return r\n"                                 /* 8 */
	"$$";

static void
check_uncaught (Fx *fx, OxFrame *f, const OxError *e)
{
	(void) fx;
	g_assert_cmpstr (ox_frame_name (f), ==, "ef(integer)");
	g_assert_cmpint (ox_frame_line (f), ==, 3);
	g_assert_cmpstr (e->sqlstate, ==, "38000");
	g_assert_cmpstr (e->message, ==, "boom");
	assert_str (scopes (f), "Arguments,Locals,Session");
	/* the function that raised it, not the main function */
	assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, NULL), "x number 6\n");
	assert_str (vars (f, OX_SCOPE_ARGUMENTS, 0, 0, NULL), "a integer 5\n");
	assert_str (eval (f, "x * 10"), "number 60");
	assert_str (eval (f, "before + a"), "number 11");
	assert_str (eval (f, "ox.query('SELECT 2 * $1 AS v', x)[1].v"), "number 12");
}

/* An uncaught error stops at its line with its function's locals, once
 * in the routine's frame and once as uncaught in the statement's; the
 * statement fails as it does without a debugger. */
static void
test_error_uncaught (Fx *fx, gconstpointer data)
{
	(void) data;
	ox_test_exec (fx->s, ef_body);
	char *plain = exec_result (fx, "SELECT ef(5)");
	g_assert_cmpstr (plain, ==, "38000 boom / Lua function ef(integer) line 3");
	fx_error_hooks (fx, check_uncaught);
	assert_str (exec_result (fx, "SELECT ef(5)"), plain);
	g_free (plain);
	g_assert_cmpint (fx->checked, ==, 1);
	g_assert_cmpstr (fx->errors->str, ==,
	                 "1 ef(integer):3 38000 boom\n"
	                 "0 SELECT ef(5):1 38000 boom uncaught\n");
	g_assert_cmpstr (fx->contexts->str, ==, "Lua function ef(integer) line 3\n--\n");
	/* the routine still works after the stop */
	ox_session_set_debug_hooks (fx->s, NULL);
	assert_str (q1 (fx, "SELECT ef(-3)"), "-2");
}

/* Every kind of error leaving a routine, each from a function the main
 * function called, on the line its k names. */
static const char *kinds_body =
	"CREATE FUNCTION kinds(k int) RETURNS int LANGUAGE lua AS $$\n"
	"local function f(v)\n"                                                     /* 2 */
	"  local here = v * 100\n"                                                  /* 3 */
	"  if v == 1 then error({sqlstate = 'P0001', message = 'a table'}) end\n"   /* 4 */
	"  if v == 2 then return here + nil end\n"                                  /* 5 */
	"  if v == 3 then ox.error('22023', 'bad value', 'the detail') end\n"       /* 6 */
	"  if v == 4 then while true do here = here end end\n"                      /* 7 */
	"  if v == 5 then ox.query('SELECT 1/0') end\n"                             /* 8 */
	"  if v == 6 then ox.exec('INSERT INTO nosuch VALUES (1)') end\n"           /* 9 */
	"  if v == 7 then\n"                                                        /* 10 */
	"    local ok, err = pcall(ox.query, 'SELECT 1/0')\n"                       /* 11 */
	"    error(err)\n"                                                          /* 12 */
	"  end\n"                                                                   /* 13 */
	"  return here\n"                                                           /* 14 */
	"end\n"                                                                     /* 15 */
	"local r = f(k) + 0\n"                                                      /* 16 */
	"return r\n"                                                                /* 17 */
	"$$";

typedef struct Kind {
	int         k;
	int         line;      /* where on_error sees the frame */
	const char *sqlstate;  /* the statement's error, with or without a debugger */
	const char *message;
	const char *context;
	const char *reported;  /* the context on_error sees, when not the same */
	const char *locals;
} Kind;

#define KINDS_AT "Lua function kinds(integer) line "

static const Kind kinds[] = {
	{ 1, 4, "P0001", "a table", KINDS_AT "4", NULL, "v number 1\nhere number 100\n" },
	{ 2, 5, "38000", "attempt to perform arithmetic on a nil value", KINDS_AT "5", NULL,
	  "v number 2\nhere number 200\n" },
	{ 3, 6, "22023", "bad value", KINDS_AT "6", NULL, "v number 3\nhere number 300\n" },
	{ 4, 7, "54000", "Lua instruction limit exceeded", KINDS_AT "7", NULL, "v number 4\nhere number 400\n" },
	{ 5, 8, "22012", "division by zero", "SQL statement \"SELECT 1/0\"\n" KINDS_AT "8", NULL,
	  "v number 5\nhere number 500\n" },
	{ 6, 9, "42P01", "relation \"nosuch\" does not exist",
	  "SQL statement \"INSERT INTO nosuch VALUES (1)\"\n" KINDS_AT "9", NULL, "v number 6\nhere number 600\n" },
	/* stopped where ox.query raised it; error(err) on line 12 re-raises
	 * the same table, which is not reported again */
	{ 7, 11, "22012", "division by zero", "SQL statement \"SELECT 1/0\"\n" KINDS_AT "12",
	  "SQL statement \"SELECT 1/0\"\n" KINDS_AT "11", "v number 7\nhere number 700\n" },
};

static const Kind *kind_now;

static void
check_kind (Fx *fx, OxFrame *f, const OxError *e)
{
	(void) fx;
	const Kind *k = kind_now;
	g_assert_cmpint (ox_frame_line (f), ==, k->line);
	assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, NULL), k->locals);
	char *want = g_strdup_printf ("number %d", k->k * 100 + 1);
	assert_str (eval (f, "here + 1"), want);
	g_free (want);
	/* Lua code runs in the stopped frame with a budget of its own, also
	 * after the instruction limit stopped the routine */
	assert_str (eval (f, "(function () local n = 0 for i = 1, 1000 do n = n + 1 end return n end)()"),
	            "number 1000");
	if (k->k == 3)
		g_assert_cmpstr (e->detail, ==, "the detail");
}

static void
test_error_kinds (Fx *fx, gconstpointer data)
{
	(void) data;
	ox_test_exec (fx->s, kinds_body);
	ox_test_exec (fx->s, "SET lua.max_instructions = 50000");
	for (size_t i = 0; i < G_N_ELEMENTS (kinds); i++) {
		const Kind *k = &kinds[i];
		char *sql = g_strdup_printf ("SELECT kinds(%d)", k->k);
		char *result = g_strdup_printf ("%s %s / %s", k->sqlstate, k->message, k->context);
		ox_session_set_debug_hooks (fx->s, NULL);
		assert_str (exec_result (fx, sql), result);
		kind_now = k;
		fx_error_hooks (fx, check_kind);
		assert_str (exec_result (fx, sql), result);
		g_assert_cmpint (fx->checked, ==, 1);
		/* once in the routine's frame, not again by the message handler
		 * nor by routine.c; then the statement's report */
		char *want = g_strdup_printf ("1 kinds(integer):%d %s %s\n0 %s:1 %s %s uncaught\n", k->line, k->sqlstate,
		                              k->message, sql, k->sqlstate, k->message);
		g_assert_cmpstr (fx->errors->str, ==, want);
		g_free (want);
		want = g_strdup_printf ("%s\n--\n", k->reported ? k->reported : k->context);
		g_assert_cmpstr (fx->contexts->str, ==, want);
		g_free (want);
		g_free (result);
		g_free (sql);
	}
}

/* Errors a pcall catches: those of the ox module are reported where they
 * are raised, with the locals there; the routine then goes on. */
static const char *caught_body =
	"CREATE FUNCTION caught(a int) RETURNS int LANGUAGE lua AS $$\n"
	"local total = a * 2\n"                                             /* 2 */
	"local ok, err = pcall(ox.query, 'SELECT 1/0')\n"                   /* 3 */
	"if ok then return -1 end\n"                                        /* 4 */
	"local function check(v)\n"                                         /* 5 */
	"  if v < 0 then ox.error('22023', 'negative: ' .. v) end\n"        /* 6 */
	"  return v\n"                                                      /* 7 */
	"end\n"                                                             /* 8 */
	"local ok2, err2 = pcall(check, -3)\n"                              /* 9 */
	"local ok3 = pcall(function ()\n"                                   /* 10 */
	"  local inner = 7\n"                                               /* 11 */
	"  ox.exec('INSERT INTO nosuch VALUES ($1)', inner)\n"              /* 12 */
	"end)\n"                                                            /* 13 */
	"local ok4, err4 = pcall(error, 'plain')\n"                         /* 14 */
	"return total + #err.sqlstate + #err2.message + (ok3 and 100 or 0) + #err4\n"  /* 15 */
	"$$";

static void
check_caught (Fx *fx, OxFrame *f, const OxError *e)
{
	g_assert_cmpstr (ox_frame_name (f), ==, "caught(integer)");
	switch (fx->checked) {
	case 0:
		g_assert_cmpint (ox_frame_line (f), ==, 3);
		g_assert_cmpstr (e->sqlstate, ==, "22012");
		/* ok and err are being assigned: not active yet */
		assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, NULL), "total number 20\n");
		assert_str (eval (f, "total + a"), "number 30");
		break;
	case 1:
		g_assert_cmpint (ox_frame_line (f), ==, 6);
		g_assert_cmpstr (e->sqlstate, ==, "22023");
		g_assert_cmpstr (e->message, ==, "negative: -3");
		assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, NULL), "v number -3\n");
		assert_str (eval (f, "v * 2"), "number -6");
		break;
	case 2:
		g_assert_cmpint (ox_frame_line (f), ==, 12);
		g_assert_cmpstr (e->sqlstate, ==, "42P01");
		assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, NULL), "inner number 7\n");
		/* the failed statement's subtransaction is still there to roll
		 * back: evaluation leaves it as it was */
		assert_str (eval (f, "ox.query('SELECT $1 + 1 AS v', inner)[1].v"), "number 8");
		break;
	default:
		g_assert_not_reached ();
	}
}

static void
test_error_caught (Fx *fx, gconstpointer data)
{
	(void) data;
	ox_test_exec (fx->s, caught_body);
	fx_error_hooks (fx, check_caught);
	/* 20 + 5 + #"negative: -3" + 0 + #"plain" */
	assert_str (q1 (fx, "SELECT caught(10)"), "42");
	g_assert_cmpint (fx->checked, ==, 3);
	/* Lua's own error caught by pcall (line 14) is not reported: a known
	 * limit (lua.c, "errors for the debugger") */
	g_assert_cmpstr (fx->errors->str, ==,
	                 "0 caught(integer):3 22012 division by zero\n"
	                 "0 caught(integer):6 22023 negative: -3\n"
	                 "0 caught(integer):12 42P01 relation \"nosuch\" does not exist\n");
}

/* A Lua routine called by a Lua routine through ox.query: the inner one's
 * error is reported in its frame, then in the outer's where its ox.query
 * raised it, then as uncaught: each frame once. */
static void
check_chain (Fx *fx, OxFrame *f, const OxError *e)
{
	(void) e;
	if (fx->checked == 0) {
		g_assert_cmpstr (ox_frame_name (f), ==, "chain_in(integer)");
		assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, NULL), "d number 0\n");
	} else {
		g_assert_cmpstr (ox_frame_name (f), ==, "chain_out(integer)");
		assert_str (vars (f, OX_SCOPE_LOCALS, 0, 0, NULL), "mine number 3\n");
		assert_str (eval (f, "mine * 2"), "number 6");
	}
}

static void
test_error_chain (Fx *fx, gconstpointer data)
{
	(void) data;
	ox_test_exec (fx->s, "CREATE FUNCTION chain_in(n int) RETURNS int LANGUAGE lua AS $$\n"
	                     "local d = n - n\n"                                         /* 2 */
	                     "return n // d\n"                                           /* 3 */
	                     "$$");
	ox_test_exec (fx->s, "CREATE FUNCTION chain_out(n int) RETURNS int LANGUAGE lua AS $$\n"
	                     "local mine = n\n"                                          /* 2 */
	                     "return ox.query('SELECT chain_in($1) AS v', mine)[1].v\n"  /* 3 */
	                     "$$");
	fx_error_hooks (fx, check_chain);
	assert_str (exec_result (fx, "SELECT chain_out(3)"),
	            "38000 attempt to divide by zero / Lua function chain_in(integer) line 3\n"
	            "SQL statement \"SELECT chain_in($1) AS v\"\nLua function chain_out(integer) line 3");
	g_assert_cmpint (fx->checked, ==, 2);
	g_assert_cmpstr (fx->errors->str, ==,
	                 "2 chain_in(integer):3 38000 attempt to divide by zero\n"
	                 "1 chain_out(integer):3 38000 attempt to divide by zero\n"
	                 "0 SELECT chain_out(3):1 38000 attempt to divide by zero uncaught\n");
}

/* A memory error reaches no message handler: routine.c reports it once
 * the stack has unwound, at the last line the frame knew (here the
 * caught error's), even after an error of the same call was reported as
 * raised and caught. */
static void
test_error_memory (Fx *fx, gconstpointer data)
{
	(void) data;
	ox_test_exec (fx->s, "CREATE FUNCTION mem() RETURNS int LANGUAGE lua AS $$\n"
	                     "local ok = pcall(ox.query, 'SELECT 1/0')\n"                            /* 2 */
	                     "local t = {}\n"                                                        /* 3 */
	                     "for i = 1, 10000000 do t[i] = string.rep('x', 100) .. i end\n"         /* 4 */
	                     "return #t\n"                                                           /* 5 */
	                     "$$");
	ox_test_exec (fx->s, "SET lua.max_memory = '1MB'");
	fx_error_hooks (fx, NULL);
	char *r = exec_result (fx, "SELECT mem()");
	g_assert_true (g_str_has_prefix (r, "53200 Lua memory limit exceeded / "));
	g_free (r);
	g_assert_cmpstr (fx->errors->str, ==,
	                 "1 mem():2 22012 division by zero\n"
	                 "1 mem():2 53200 Lua memory limit exceeded\n"
	                 "0 SELECT mem():1 53200 Lua memory limit exceeded uncaught\n");
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
	g_test_add ("/engine/debug-lua/error/uncaught", Fx, NULL, fx_setup, test_error_uncaught, fx_teardown);
	g_test_add ("/engine/debug-lua/error/kinds", Fx, NULL, fx_setup, test_error_kinds, fx_teardown);
	g_test_add ("/engine/debug-lua/error/caught", Fx, NULL, fx_setup, test_error_caught, fx_teardown);
	g_test_add ("/engine/debug-lua/error/chain", Fx, NULL, fx_setup, test_error_chain, fx_teardown);
	g_test_add ("/engine/debug-lua/error/memory", Fx, NULL, fx_setup, test_error_memory, fx_teardown);
	return g_test_run ();
}

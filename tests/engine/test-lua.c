/*
 * test-lua.c — LANGUAGE lua (engine/pl/lua.c): conversions, the ox module,
 * the sandbox, limits and errors.
 *
 * Most tests go through SQL (CREATE FUNCTION ... LANGUAGE lua, SELECT,
 * CALL, DO).  Set-returning functions and triggers cannot be reached from
 * SQL yet (no functions in FROM, no CREATE TRIGGER), so those call the
 * language's vtable directly with a hand-built OxRoutine and OxPlCall on
 * a real session.  The limits are set by writing the session's settings
 * table: SET does not know lua.* names yet.
 *
 * No external judge exists for Lua routines; every expected value is
 * chosen so that the test fails if the feature it names breaks.
 */
#include <glib.h>
#include <string.h>

#include "oxibase.h"
#include "test-util.h"
#include "session.h"
#include "pl/pl.h"
#include "base/error.h"

extern const OxLanguage ox_lang_lua;

typedef struct {
	OxDatabase *db;
	OxSession  *s;
	GString    *notices;  /* "SEVERITY: message\n" per notice */
} Fx;

static void
notice_cb (void *user, const char *severity, const char *sqlstate, const char *message)
{
	Fx *fx = user;
	g_string_append_printf (fx->notices, "%s: %s\n", severity, message);
}

static void
fx_setup (Fx *fx, gconstpointer data)
{
	OxError e = { 0 };
	g_assert_cmpint (ox_db_open (":memory:", &fx->db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (fx->db, &fx->s, &e), ==, OX_OK);
	fx->notices = g_string_new (NULL);
	ox_session_set_notice_func (fx->s, notice_cb, fx);
}

static void
fx_teardown (Fx *fx, gconstpointer data)
{
	ox_session_free (fx->s);
	ox_db_close (fx->db);
	g_string_free (fx->notices, TRUE);
}

/* SET cannot name lua.* settings yet: write the session's table. */
static void
set_setting (Fx *fx, const char *name, const char *value)
{
	g_hash_table_insert (fx->s->settings, g_strdup (name), g_strdup (value));
	fx->s->settings_gen++;
}

/* The single value of a one-row, one-column query ("NULL" for NULL). */
static char *
q1 (Fx *fx, const char *sql)
{
	char *rows = ox_test_query (fx->s, sql);
	size_t n = strlen (rows);
	if (n && rows[n - 1] == '\n')
		rows[n - 1] = '\0';
	return rows;
}

#define assert_q1(fx, sql, want)                           \
	do {                                               \
		char *got_ = q1 ((fx), (sql));             \
		g_assert_cmpstr (got_, ==, (want));        \
		g_free (got_);                             \
	} while (0)

/* Run sql, expect an error with that SQLSTATE; returns it (clear it). */
static OxError
expect_error (Fx *fx, const char *sql, const char *sqlstate)
{
	OxError e = { 0 };
	int rc = ox_exec (fx->s, sql, &e);
	if (rc != OX_ERROR)
		g_error ("%s: expected %s, got success", sql, sqlstate);
	if (strcmp (e.sqlstate, sqlstate) != 0)
		g_error ("%s: expected %s, got %s %s (context: %s)", sql, sqlstate, e.sqlstate, e.message,
		         e.context ? e.context : "-");
	return e;
}

static void
assert_contains (const char *hay, const char *needle)
{
	if (!hay || !strstr (hay, needle))
		g_error ("expected \"%s\" in \"%s\"", needle, hay ? hay : "(null)");
}

/* ---- arguments and results -------------------------------------------------------------- */

static void
test_args_and_return (Fx *fx, gconstpointer data)
{
	ox_test_exec (fx->s,
		"CREATE FUNCTION add1(a integer) RETURNS integer LANGUAGE lua AS $$ return a + 1 $$;"
		"CREATE FUNCTION cat(a text, b text) RETURNS text LANGUAGE lua AS $$ return a .. '/' .. b $$;"
		"CREATE FUNCTION typ(a integer, b double precision, c boolean, d text, e bigint) RETURNS text"
		" LANGUAGE lua AS $$ return math.type(a) .. ' ' .. math.type(b) .. ' ' .. type(c) .. ' '"
		" .. type(d) .. ' ' .. math.type(e) $$;"
		/* ... holds the arguments; a keyword name is reachable through it only */
		"CREATE FUNCTION va(x int, \"end\" int) RETURNS int LANGUAGE lua AS $$"
		" local p, q = ... ; return select('#', ...) * 100 + p * 10 + q $$;"
		"CREATE FUNCTION is_nul(a int) RETURNS boolean LANGUAGE lua AS $$ return a == ox.null $$;"
		"CREATE FUNCTION nothing() RETURNS int LANGUAGE lua AS $$ local x = 1 $$;"
		"CREATE FUNCTION s2i(t text) RETURNS int LANGUAGE lua AS $$ return t $$;"
		"CREATE FUNCTION f2i(f float8) RETURNS int LANGUAGE lua AS $$ return f $$;"
		"CREATE FUNCTION i2n(i int) RETURNS numeric(6,2) LANGUAGE lua AS $$ return i / 3 $$;"
		"CREATE FUNCTION d(x date) RETURNS text LANGUAGE lua AS $$ return type(x) .. ':' .. x $$;"
		"CREATE FUNCTION d2(x text) RETURNS date LANGUAGE lua AS $$ return x $$;"
		"CREATE FUNCTION blen(x bytea) RETURNS int LANGUAGE lua AS $$ return #x $$;"
		"CREATE FUNCTION bmk() RETURNS bytea LANGUAGE lua AS $$ return '\\0\\255A' $$;"
		"CREATE FUNCTION tbl() RETURNS int LANGUAGE lua AS $$ return {} $$;"
		"CREATE FUNCTION badutf() RETURNS text LANGUAGE lua AS $$ return '\\255' $$;"
		"CREATE FUNCTION v() RETURNS void LANGUAGE lua AS $$ return {1, 2} $$;");
	assert_q1 (fx, "SELECT add1(41)", "42");
	assert_q1 (fx, "SELECT cat('a', 'b')", "a/b");
	assert_q1 (fx, "SELECT typ(1, 2, true, 'x', 3)", "integer float boolean string integer");
	assert_q1 (fx, "SELECT va(4, 7)", "247");
	assert_q1 (fx, "SELECT is_nul(NULL)", "t");
	assert_q1 (fx, "SELECT is_nul(1)", "f");
	assert_q1 (fx, "SELECT nothing() IS NULL", "t");
	/* a string into integer reads as the literal '12' would */
	assert_q1 (fx, "SELECT s2i('12') + 1", "13");
	assert_q1 (fx, "SELECT f2i(2.6)", "3");
	/* a float into numeric goes through %.15g, as float8::numeric does (and
	 * a RETURNS typmod is dropped, as in PostgreSQL) */
	assert_q1 (fx, "SELECT i2n(10)", "3.33333333333333");
	assert_q1 (fx, "SELECT d(date '2024-02-29')", "string:2024-02-29");
	assert_q1 (fx, "SELECT d2('2024-03-01') - date '2024-02-28'", "2");
	assert_q1 (fx, "SELECT blen('\\x00ff00'::bytea)", "3");
	assert_q1 (fx, "SELECT bmk()", "\\x00ff41");
	/* a void function's return value is ignored (a table here would not convert) */
	g_free (ox_test_query (fx->s, "SELECT v()"));

	OxError e = expect_error (fx, "SELECT s2i('abc')", "22P02");
	assert_contains (e.message, "abc");
	assert_contains (e.context, "Lua function s2i(text) while converting its result");
	ox_error_clear (&e);
	e = expect_error (fx, "SELECT f2i(1e12)", "22003");
	ox_error_clear (&e);
	e = expect_error (fx, "SELECT d2('2024-02-30')", "22008");
	ox_error_clear (&e);
	e = expect_error (fx, "SELECT tbl()", "42804");
	assert_contains (e.message, "table");
	ox_error_clear (&e);
	e = expect_error (fx, "SELECT badutf()", "22021");
	ox_error_clear (&e);
	/* integer arithmetic past 64 bits wraps in Lua; the cast to int4 catches it */
	e = expect_error (fx, "SELECT add1(2147483647)", "22003");
	ox_error_clear (&e);
}

static void
test_numeric (Fx *fx, gconstpointer data)
{
	ox_test_exec (fx->s,
		"CREATE FUNCTION mt(n numeric) RETURNS text LANGUAGE lua AS $$"
		" return (math.type(n) or type(n)) .. ' ' .. tostring(n) $$;"
		"CREATE FUNCTION back(n numeric) RETURNS numeric LANGUAGE lua AS $$ return n $$;");
	assert_q1 (fx, "SELECT mt(10)", "integer 10");
	assert_q1 (fx, "SELECT mt(1.5)", "float 1.5");
	assert_q1 (fx, "SELECT mt(0.1)", "float 0.1");
	/* not exact as a double: the text, so no digit is lost */
	assert_q1 (fx, "SELECT mt(12345678901234567890.12)", "string 12345678901234567890.12");
	assert_q1 (fx, "SELECT back(12345678901234567890.12)", "12345678901234567890.12");
	assert_q1 (fx, "SELECT mt('NaN')", "float nan");
}

/* ---- the ox module ------------------------------------------------------------------------ */

static void
test_query_rows_exec (Fx *fx, gconstpointer data)
{
	ox_test_exec (fx->s,
		"CREATE TABLE t (id int, v text);"
		"INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, NULL);"
		/* every column is a key, NULL included: pairs() sees 2 per row */
		"CREATE FUNCTION q() RETURNS text LANGUAGE lua AS $$"
		" local out = {}"
		" for i, r in ipairs(ox.query('select id, v from t order by id')) do"
		"   local n = 0 for _ in pairs(r) do n = n + 1 end"
		"   out[#out + 1] = r.id .. '=' .. tostring(r.v) .. '/' .. n"
		" end"
		" return table.concat(out, ',') $$;"
		"CREATE FUNCTION r(lo int) RETURNS int LANGUAGE lua AS $$"
		" local s = 0"
		" for row in ox.rows('select id from t where id >= $1 order by id', lo) do s = s * 10 + row.id end"
		" return s $$;"
		/* leaving the loop early closes the cursor; the next statement runs */
		"CREATE FUNCTION brk() RETURNS int LANGUAGE lua AS $$"
		" for row in ox.rows('select id from t order by id') do if row.id == 2 then break end end"
		" return ox.exec('update t set v = $1 where id = $2', 'z', 3) $$;"
		"CREATE FUNCTION ex() RETURNS bigint LANGUAGE lua AS $$"
		" return ox.exec('insert into t values ($1, $2), ($3, $4)', 10, 'x', 11, ox.null) $$;"
		/* one SQL text, argument kinds changing between runs: a plan each */
		"CREATE FUNCTION kinds(x int) RETURNS text LANGUAGE lua AS $$"
		" local a = ox.query('select $1 as v', 5)[1].v"
		" local b = ox.query('select $1 as v', 2.5)[1].v"
		" local c = ox.query('select $1 as v', 'str')[1].v"
		" local d = ox.query('select $1 as v', true)[1].v"
		" local e = ox.query('select $1::int is null as v', ox.null)[1].v"
		" local f = ox.query('select $1 as v', 5000000000)[1].v"
		" return table.concat({math.type(a), math.type(b), c, tostring(d), tostring(e), f}, ' ') $$;"
		/* more distinct texts than the plan cache keeps: the rest get plans
		 * of their own, freed after use (and after an error) */
		"CREATE FUNCTION dyn(n int) RETURNS int LANGUAGE lua AS $$"
		" local s = 0"
		" for i = 1, n do"
		"   for r in ox.rows('select ' .. i .. ' as v') do s = s + r.v end"
		"   s = s + ox.exec('select ' .. i)"
		"   pcall(ox.exec, 'select 1/0 + ' .. i)"
		" end"
		" return s $$;"
		"CREATE FUNCTION missing() RETURNS int LANGUAGE lua AS $$ return ox.query('select $2', 1) $$;"
		"CREATE FUNCTION ptab() RETURNS int LANGUAGE lua AS $$ return ox.exec('select $1', {}) $$;");
	assert_q1 (fx, "SELECT q()", "1=a/2,2=b/2,3=NULL/2");
	assert_q1 (fx, "SELECT r(2)", "23");
	assert_q1 (fx, "SELECT brk()", "1");
	assert_q1 (fx, "SELECT v FROM t WHERE id = 3", "z");
	assert_q1 (fx, "SELECT ex()", "2");
	assert_q1 (fx, "SELECT count(*) FROM t WHERE id >= 10 AND (v = 'x' OR v IS NULL)", "2");
	assert_q1 (fx, "SELECT dyn(300)", "45450");
	assert_q1 (fx, "SELECT dyn(300)", "45450");
	assert_q1 (fx, "SELECT kinds(1)", "integer float str true true 5000000000");
	OxError e = expect_error (fx, "SELECT missing()", "42P02");
	ox_error_clear (&e);
	e = expect_error (fx, "SELECT ptab()", "42804");
	ox_error_clear (&e);
}

static void
test_recursion (Fx *fx, gconstpointer data)
{
	/* the routine calls itself through SQL: nested calls on one lua_State */
	ox_test_exec (fx->s,
		"CREATE FUNCTION fib(n int) RETURNS bigint LANGUAGE lua AS $$\n"
		"if n < 2 then return n end\n"
		"local a = 0\n"
		"for r in ox.rows('select fib($1) as f', n - 1) do a = r.f end\n"
		"return a + ox.query('select fib($1) as f', n - 2)[1].f\n"
		"$$;");
	assert_q1 (fx, "SELECT fib(12)", "144");
	/* deeper than Lua's 200 C calls per thread allow on one thread (about
	 * 60 levels): each nested call gets a thread of its own */
	ox_test_exec (fx->s,
		"CREATE FUNCTION depth(n int) RETURNS int LANGUAGE lua AS $$"
		" if n <= 0 then return 0 end"
		" return 1 + ox.query('select depth($1) as d', n - 1)[1].d $$;");
	assert_q1 (fx, "SELECT depth(250)", "250");
	/* past the engine's limit: 54001, not a crash */
	OxError e = expect_error (fx, "SELECT depth(1100)", "54001");
	ox_error_clear (&e);
}

static void
test_globals_persist (Fx *fx, gconstpointer data)
{
	/* globals live as long as the session's compiled form */
	ox_test_exec (fx->s,
		"CREATE FUNCTION counter() RETURNS int LANGUAGE lua AS $$"
		" n = (n or 0) + 1 return n $$;");
	assert_q1 (fx, "SELECT counter()", "1");
	assert_q1 (fx, "SELECT counter()", "2");
}

static void
test_log (Fx *fx, gconstpointer data)
{
	ox_test_exec (fx->s,
		"CREATE FUNCTION lg() RETURNS int LANGUAGE lua AS $$"
		" ox.log('notice', 'n=%d s=%s', 5, 'x')"
		" ox.log('WARNING', 'w')"
		" ox.log('debug', 'not shown at client_min_messages notice')"
		" print('p', 1, ox.null, true)"
		" return 0 $$;"
		"CREATE FUNCTION badlevel() RETURNS int LANGUAGE lua AS $$ ox.log('loud', 'x') $$;"
		"DO $$ print('from do') $$ LANGUAGE lua;");
	assert_q1 (fx, "SELECT lg()", "0");
	assert_contains (fx->notices->str, "NOTICE: from do\n");
	assert_contains (fx->notices->str, "NOTICE: n=5 s=x\nWARNING: w\nNOTICE: p\t1\tNULL\ttrue\n");
	g_assert_null (strstr (fx->notices->str, "not shown"));
	OxError e = expect_error (fx, "SELECT badlevel()", "22023");
	ox_error_clear (&e);
}

/* ---- errors ------------------------------------------------------------------------------- */

static void
test_errors (Fx *fx, gconstpointer data)
{
	ox_test_exec (fx->s,
		"CREATE FUNCTION sqlerr() RETURNS int LANGUAGE lua AS $$\n"
		"local x = 1\n"
		"return ox.query('select 1/0')\n"
		"$$;"
		"CREATE FUNCTION caught() RETURNS text LANGUAGE lua AS $$"
		" local ok, err = pcall(ox.query, 'select 1/0')"
		" return tostring(ok) .. ' ' .. err.sqlstate .. ' ' .. err.message .. ' ' .. tostring(err) $$;"
		"CREATE FUNCTION custom() RETURNS int LANGUAGE lua AS $$"
		" ox.error('P0001', 'custom failure', 'the detail', 'the hint') $$;"
		"CREATE FUNCTION custom_caught() RETURNS text LANGUAGE lua AS $$"
		" local ok, err = pcall(ox.error, '23505', 'dup')"
		" return err.sqlstate .. ':' .. err.message $$;"
		"CREATE FUNCTION rethrow() RETURNS int LANGUAGE lua AS $$"
		" local ok, err = pcall(ox.exec, 'select * from no_such_table')"
		" error(err) $$;"
		"CREATE FUNCTION plain() RETURNS int LANGUAGE lua AS $$\n\n  error('plain boom')\n$$;"
		"CREATE FUNCTION runtime() RETURNS int LANGUAGE lua AS $$ local t = nil return t.x $$;"
		"CREATE FUNCTION badstate() RETURNS int LANGUAGE lua AS $$ ox.error('xx', 'm') $$;"
		"CREATE FUNCTION other() RETURNS int LANGUAGE lua AS $$ error(42) $$;");
	OxError e = expect_error (fx, "SELECT sqlerr()", "22012");
	g_assert_cmpstr (e.message, ==, "division by zero");
	g_assert_cmpstr (e.context, ==, "SQL statement \"select 1/0\"\nLua function sqlerr() line 3");
	g_assert_cmpint (e.position, ==, 0);
	ox_error_clear (&e);
	assert_q1 (fx, "SELECT caught()", "false 22012 division by zero division by zero");
	e = expect_error (fx, "SELECT custom()", "P0001");
	g_assert_cmpstr (e.message, ==, "custom failure");
	g_assert_cmpstr (e.detail, ==, "the detail");
	g_assert_cmpstr (e.hint, ==, "the hint");
	g_assert_cmpstr (e.context, ==, "Lua function custom() line 1");
	ox_error_clear (&e);
	assert_q1 (fx, "SELECT custom_caught()", "23505:dup");
	e = expect_error (fx, "SELECT rethrow()", "42P01");
	ox_error_clear (&e);
	e = expect_error (fx, "SELECT plain()", "38000");
	g_assert_cmpstr (e.message, ==, "plain boom");
	g_assert_cmpstr (e.context, ==, "Lua function plain() line 3");
	ox_error_clear (&e);
	e = expect_error (fx, "SELECT runtime()", "38000");
	assert_contains (e.message, "attempt to index a nil value");
	ox_error_clear (&e);
	e = expect_error (fx, "SELECT badstate()", "22023");
	ox_error_clear (&e);
	e = expect_error (fx, "SELECT other()", "38000");
	g_assert_cmpstr (e.message, ==, "Lua error: 42");
	ox_error_clear (&e);
	/* the session is fine after all that */
	assert_q1 (fx, "SELECT 1", "1");
}

static void
test_syntax_error (Fx *fx, gconstpointer data)
{
	const char *sql = "CREATE FUNCTION bad() RETURNS int LANGUAGE lua AS $$\nlocal x = 1\nreturn x + end\n$$";
	OxError e = expect_error (fx, sql, "42601");
	assert_contains (e.message, "near 'end'");
	/* the position points at 'end' in the CREATE text */
	g_assert_cmpint (e.position, ==, (int) (strstr (sql, "end\n") - sql) + 1);
	assert_contains (e.context, "line 3 of the body");
	ox_error_clear (&e);
	/* nothing was created */
	e = expect_error (fx, "SELECT bad()", "42883");
	ox_error_clear (&e);
}

static void
test_pcall_rolls_back (Fx *fx, gconstpointer data)
{
	ox_test_exec (fx->s,
		"CREATE TABLE w (k int);"
		"CREATE FUNCTION sub() RETURNS text LANGUAGE lua AS $$"
		" ox.exec('insert into w values (1)')"
		" local ok = pcall(function () ox.exec('insert into w values (2)') error('undo 2') end)"
		" local ok2 = xpcall(function () ox.exec('insert into w values (3)') ox.query('select 1/0') end,"
		"                    function (e) return e end)"
		" local ok3 = pcall(function () ox.exec('insert into w values (4)') end)"
		" return tostring(ok) .. tostring(ok2) .. tostring(ok3) $$;");
	assert_q1 (fx, "SELECT sub()", "falsefalsetrue");
	char *rows = ox_test_query (fx->s, "SELECT k FROM w ORDER BY k");
	g_assert_cmpstr (rows, ==, "1\n4\n");
	g_free (rows);
}

/* ---- the sandbox ------------------------------------------------------------------------- */

static void
test_sandbox (Fx *fx, gconstpointer data)
{
	ox_test_exec (fx->s,
		"CREATE FUNCTION absent() RETURNS text LANGUAGE lua AS $$"
		" local out = {}"
		" for _, n in ipairs{'io', 'require', 'package', 'debug', 'dofile', 'loadfile', 'loadstring',"
		"                    'module', 'warn'} do"
		"   if _G[n] ~= nil then out[#out + 1] = n end end"
		" for _, n in ipairs{'execute', 'exit', 'getenv', 'remove', 'rename', 'tmpname', 'setlocale'} do"
		"   if os[n] ~= nil then out[#out + 1] = 'os.' .. n end end"
		" if string.dump ~= nil or ('').dump ~= nil then out[#out + 1] = 'dump' end"
		" return table.concat(out, ',') $$;"
		"CREATE FUNCTION present() RETURNS text LANGUAGE lua AS $$"
		" local t = {}"
		" t[1] = type(os.time()) t[2] = type(os.clock()) t[3] = type(os.date('%Y'))"
		" t[4] = math.type(math.random(1, 6)) t[5] = utf8.char(72, 105)"
		" local co = coroutine.wrap(function () coroutine.yield(7) end) t[6] = tostring(co())"
		" t[7] = type(collectgarbage('count'))"
		" t[8] = tostring(load('return 1 + x', 'chunk', 't', {x = 2})())"
		" x_global = 5 t[9] = tostring(load('return x_global')())"
		" t[10] = tostring(_G == _ENV)"
		" return table.concat(t, ' ') $$;"
		"CREATE FUNCTION binchunk() RETURNS int LANGUAGE lua AS $$"
		" return load('\\27Lua', 'b', 'b') $$;"
		"CREATE FUNCTION binchunk2() RETURNS text LANGUAGE lua AS $$"
		" local f, err = load('\\27Lua') return err $$;"
		"CREATE FUNCTION gc() RETURNS int LANGUAGE lua AS $$ collectgarbage('collect') $$;");
	assert_q1 (fx, "SELECT absent()", "");
	assert_q1 (fx, "SELECT present()", "number number string integer Hi 7 number 3 5 true");
	OxError e = expect_error (fx, "SELECT binchunk()", "0A000");
	ox_error_clear (&e);
	/* mode "t" is forced: a binary chunk is refused by Lua itself */
	char *m = q1 (fx, "SELECT binchunk2()");
	assert_contains (m, "attempt to load a binary chunk");
	g_free (m);
	e = expect_error (fx, "SELECT gc()", "0A000");
	ox_error_clear (&e);
}

/* ---- limits ------------------------------------------------------------------------------- */

static void
test_instruction_limit (Fx *fx, gconstpointer data)
{
	set_setting (fx, "lua.max_instructions", "100000");
	ox_test_exec (fx->s,
		"CREATE FUNCTION spin() RETURNS int LANGUAGE lua AS $$ while true do end $$;"
		/* pcall must not swallow the limit */
		"CREATE FUNCTION spin_pcall() RETURNS int LANGUAGE lua AS $$"
		" while true do pcall(function () while true do end end) end $$;"
		"CREATE FUNCTION spin_co() RETURNS int LANGUAGE lua AS $$"
		" while true do coroutine.resume(coroutine.create(function () while true do end end)) end $$;"
		"CREATE FUNCTION count_to(n int) RETURNS int LANGUAGE lua AS $$"
		" local s = 0 for i = 1, n do s = s + 1 end return s $$;");
	OxError e = expect_error (fx, "SELECT spin()", "54000");
	g_assert_cmpstr (e.message, ==, "Lua instruction limit exceeded");
	assert_contains (e.context, "Lua function spin() line 1");
	ox_error_clear (&e);
	e = expect_error (fx, "SELECT spin_pcall()", "54000");
	ox_error_clear (&e);
	e = expect_error (fx, "SELECT spin_co()", "54000");
	ox_error_clear (&e);
	/* each call gets the whole budget again: 3 calls of ~40000 each pass */
	assert_q1 (fx, "SELECT count_to(10000) + count_to(10000) + count_to(10000)", "30000");
	e = expect_error (fx, "SELECT count_to(200000)", "54000");
	ox_error_clear (&e);
	set_setting (fx, "lua.max_instructions", "0");
	assert_q1 (fx, "SELECT count_to(200000)", "200000");
	set_setting (fx, "lua.max_instructions", "lots");
	e = expect_error (fx, "SELECT count_to(1)", "22023");
	ox_error_clear (&e);
	set_setting (fx, "lua.max_instructions", "100000");
	assert_q1 (fx, "SELECT 1", "1");
}

static void
test_memory_limit (Fx *fx, gconstpointer data)
{
	set_setting (fx, "lua.max_memory", "2MB");
	ox_test_exec (fx->s,
		"CREATE FUNCTION rep() RETURNS int LANGUAGE lua AS $$ return #string.rep('x', 3 * 1024 * 1024) $$;"
		"CREATE FUNCTION grow() RETURNS int LANGUAGE lua AS $$"
		" local t = {} for i = 1, 1e7 do t[i] = tostring(i) end return #t $$;"
		"CREATE FUNCTION concat() RETURNS int LANGUAGE lua AS $$"
		" local s = 'x' while true do s = s .. s end $$;"
		"CREATE FUNCTION caught() RETURNS text LANGUAGE lua AS $$"
		" local ok, err = pcall(string.rep, 'x', 1e9) return tostring(ok) .. ' ' .. err $$;"
		"CREATE FUNCTION small() RETURNS int LANGUAGE lua AS $$ return #string.rep('x', 512 * 1024) $$;");
	OxError e = expect_error (fx, "SELECT rep()", "53200");
	g_assert_cmpstr (e.message, ==, "Lua memory limit exceeded");
	ox_error_clear (&e);
	e = expect_error (fx, "SELECT grow()", "53200");
	ox_error_clear (&e);
	e = expect_error (fx, "SELECT concat()", "53200");
	ox_error_clear (&e);
	assert_q1 (fx, "SELECT caught()", "false not enough memory");
	/* a call after the failures still has its 2 MB: 512 kB twice (buffer and string) fits */
	assert_q1 (fx, "SELECT small()", "524288");
	set_setting (fx, "lua.max_memory", "0");
	assert_q1 (fx, "SELECT rep()", "3145728");
	set_setting (fx, "lua.max_memory", "12 parsecs");
	e = expect_error (fx, "SELECT small()", "22023");
	ox_error_clear (&e);
}

static gpointer
cancel_later (gpointer s)
{
	g_usleep (150 * 1000);
	ox_session_cancel (s);
	return NULL;
}

static void
test_cancel (Fx *fx, gconstpointer data)
{
	set_setting (fx, "lua.max_instructions", "0");
	ox_test_exec (fx->s,
		"CREATE FUNCTION forever() RETURNS int LANGUAGE lua AS $$"
		" while true do pcall(function () while true do end end) end $$;");
	GThread *t = g_thread_new ("cancel", cancel_later, fx->s);
	OxError e = expect_error (fx, "SELECT forever()", "57014");
	g_thread_join (t);
	ox_error_clear (&e);
	assert_q1 (fx, "SELECT 2", "2");
}

/* ---- procedures and DO ----------------------------------------------------------------------- */

static void
test_procedures (Fx *fx, gconstpointer data)
{
	ox_test_exec (fx->s,
		"CREATE PROCEDURE named(INOUT a int, OUT b text) LANGUAGE lua AS $$ return {b = 'got ' .. a} $$;"
		"CREATE PROCEDURE ordered(INOUT a int, OUT b text) LANGUAGE lua AS $$ return a * 2, 'two' $$;"
		"CREATE PROCEDURE listed(INOUT a int, OUT b text) LANGUAGE lua AS $$ return {a + 1, 'l'} $$;"
		"CREATE PROCEDURE toomany(OUT a int) LANGUAGE lua AS $$ return 1, 2 $$;"
		"CREATE TABLE pt (x int);"
		"CREATE PROCEDURE txn() LANGUAGE lua AS $$"
		" ox.exec('insert into pt values (1)') ox.commit()"
		" ox.exec('insert into pt values (2)') ox.rollback() $$;"
		"CREATE PROCEDURE txn_in_pcall() LANGUAGE lua AS $$"
		" local ok, err = pcall(ox.commit) if not ok then error(err) end $$;"
		"CREATE FUNCTION dml_query() RETURNS text LANGUAGE lua AS $$"
		" local none = ox.query('insert into pt values (7)')"
		" local back = ox.query('insert into pt values (8), (9) returning x * 2 as y')"
		" return #none .. ' ' .. back[1].y .. ' ' .. back[2].y $$;");
	char *rows = ox_test_query (fx->s, "CALL named(5, NULL)");
	g_assert_cmpstr (rows, ==, "5|got 5\n");
	g_free (rows);
	rows = ox_test_query (fx->s, "CALL ordered(5, NULL)");
	g_assert_cmpstr (rows, ==, "10|two\n");
	g_free (rows);
	rows = ox_test_query (fx->s, "CALL listed(5, NULL)");
	g_assert_cmpstr (rows, ==, "6|l\n");
	g_free (rows);
	OxError e = expect_error (fx, "CALL toomany(NULL::int)", "42804");
	ox_error_clear (&e);
	e = expect_error (fx, "CALL txn_in_pcall()", "2D000");
	ox_error_clear (&e);
	ox_test_exec (fx->s, "CALL txn()");
	assert_q1 (fx, "SELECT string_agg(x::text, ',') FROM pt", "1");
	/* inside a transaction block, COMMIT is refused */
	ox_test_exec (fx->s, "BEGIN");
	e = expect_error (fx, "CALL txn()", "2D000");
	ox_error_clear (&e);
	ox_test_exec (fx->s, "ROLLBACK");
	assert_q1 (fx, "SELECT dml_query()", "0 16 18");
	assert_q1 (fx, "SELECT string_agg(x::text, ',' ORDER BY x) FROM pt", "1,7,8,9");
}

/* ---- direct calls: set-returning functions and triggers ------------------------------------- */

static OxRoutine *
routine_new (OxArena *a, const char *name, const char *body)
{
	OxRoutine *r = OX_NEW (a, OxRoutine);
	r->obj.kind = OX_KIND_ROUTINE;
	r->obj.name = ox_arena_strdup (a, name);
	r->body = body;
	r->language = "lua";
	r->signature = ox_arena_printf (a, "%s()", name);
	return r;
}

static void
emit_cb (OxPlCall *c, const OxValue *row)
{
	GString *g = c->emit_user;
	for (int i = 0; i < c->routine->nresult; i++) {
		const OxValue *v = &row[i];
		if (i)
			g_string_append_c (g, '|');
		if (v->null)
			g_string_append (g, "NULL");
		else if (v->type == OX_T_INT4)
			g_string_append_printf (g, "%" G_GINT64_FORMAT, v->v.i);
		else if (v->type == OX_T_TEXT)
			g_string_append (g, v->v.str);
		else
			g_string_append_printf (g, "?%d", v->type);
	}
	g_string_append_c (g, ';');
}

/* Run r with no arguments on fx's session; returns the emitted rows. */
static char *
call_direct (Fx *fx, OxRoutine *r, OxTriggerData *td, OxArena *a)
{
	void *form = ox_lang_lua.compile (fx->s, r);
	GString *g = g_string_new (NULL);
	OxPlCall c = { .session = fx->s, .routine = r, .arena = a, .trigger = td, .depth = 1,
	               .emit = emit_cb, .emit_user = g };
	volatile bool failed = false;
	OX_TRY {
		ox_lang_lua.call (form, &c);
	} OX_CATCH {
		OxErrorData *e = ox_error_current ();
		g_string_append_printf (g, "ERROR %s %s", e->sqlstate, e->message);
		OxErrorData taken;
		ox_error_take (&taken);
		ox_error_data_clear (&taken);
		failed = true;
	} OX_END_TRY;
	(void) failed;
	ox_lang_lua.free (form);
	return g_string_free (g, FALSE);
}

static void
test_setof (Fx *fx, gconstpointer data)
{
	OxArena *a = ox_arena_new ();
	static const OxType int4 = { OX_T_INT4, -1 }, text = { OX_T_TEXT, -1 };

	/* SETOF integer: ox.next first, then the returned list */
	OxRoutine *r = routine_new (a, "gen", "for i = 1, 3 do ox.next(i * 10) end return {1, ox.null, 2}");
	r->retkind = OX_RET_VALUE;
	r->rettype = int4;
	r->retset = true;
	r->nresult = 1;
	r->result_names = OX_NEW_N (a, const char *, 1);
	r->result_names[0] = "gen";
	r->result_types = OX_NEW_N (a, OxType, 1);
	r->result_types[0] = int4;
	char *got = call_direct (fx, r, NULL, a);
	g_assert_cmpstr (got, ==, "10;20;30;1;NULL;2;");
	g_free (got);

	/* TABLE (a int, b text): rows by name or by position */
	r = routine_new (a, "tab", "ox.next({a = 1, b = 'one'}) ox.next({2, 'two'}) return {{b = 'three'}}");
	r->retkind = OX_RET_RECORD;
	r->retset = true;
	r->nresult = 2;
	r->result_names = OX_NEW_N (a, const char *, 2);
	r->result_names[0] = "a";
	r->result_names[1] = "b";
	r->result_types = OX_NEW_N (a, OxType, 2);
	r->result_types[0] = int4;
	r->result_types[1] = text;
	got = call_direct (fx, r, NULL, a);
	g_assert_cmpstr (got, ==, "1|one;2|two;NULL|three;");
	g_free (got);

	r->body = "ox.next(5)";
	got = call_direct (fx, r, NULL, a);
	g_assert_cmpstr (got, ==, "ERROR 42804 a row of a function returning 2 columns must be a table, not a Lua number");
	g_free (got);
	r->body = "return 5";
	got = call_direct (fx, r, NULL, a);
	assert_contains (got, "ERROR 42804 a set-returning Lua function must return a list");
	g_free (got);
	r->body = "ox.next({a = 'x'})";
	got = call_direct (fx, r, NULL, a);
	assert_contains (got, "ERROR 22P02");
	g_free (got);

	/* ox.next outside a set-returning function */
	r = routine_new (a, "one", "ox.next(1)");
	r->retkind = OX_RET_VALUE;
	r->rettype = int4;
	got = call_direct (fx, r, NULL, a);
	assert_contains (got, "ERROR 0A000 ox.next can only be used in a set-returning function");
	g_free (got);
	ox_arena_free (a);
}

static void
test_trigger (Fx *fx, gconstpointer data)
{
	OxArena *a = ox_arena_new ();
	OxTable *t = OX_NEW (a, OxTable);
	t->obj.kind = OX_KIND_TABLE;
	t->obj.name = "items";
	t->ncols = 2;
	t->cols = OX_NEW_N (a, OxColumn, 2);
	t->cols[0].name = "id";
	t->cols[0].type = (OxType) { OX_T_INT4, -1 };
	t->cols[1].name = "label";
	t->cols[1].type = (OxType) { OX_T_TEXT, -1 };
	OxValue newrow[2] = { ox_int (OX_T_INT4, 7), ox_text (OX_T_TEXT, "new", 3) };
	OxValue oldrow[2] = { ox_int (OX_T_INT4, 7), ox_null (OX_T_TEXT) };
	const char *argv[] = { "a1", "a2" };
	OxTriggerData td = { .name = "trg", .when = "BEFORE", .level = "ROW", .op = "UPDATE", .table = t,
	                     .ncols = 2, .new_row = newrow, .old_row = oldrow, .nargs = 2, .argv = argv };

	OxRoutine *r = routine_new (a, "trgfn", NULL);
	r->retkind = OX_RET_TRIGGER;

	/* editing ox.new in place and returning nothing keeps the edit */
	r->body = "ox.new.label = ox.op .. ' ' .. ox.when .. ' ' .. ox.level .. ' ' .. ox.table_name .. ' '"
	          " .. ox.trigger_name .. ' ' .. table.concat(ox.args, ',') .. ' old=' .. tostring(ox.old.label)";
	td.result_row = newrow;
	char *got = call_direct (fx, r, &td, a);
	g_assert_cmpstr (got, ==, "");
	g_free (got);
	g_assert_nonnull (td.result_row);
	g_assert_cmpint (td.result_row[0].v.i, ==, 7);
	g_assert_cmpstr (td.result_row[1].v.str, ==, "UPDATE BEFORE ROW items trg a1,a2 old=NULL");

	/* a returned table is the row; missing columns are NULL */
	r->body = "return {id = '8'}";
	td.result_row = newrow;
	got = call_direct (fx, r, &td, a);
	g_free (got);
	g_assert_cmpint (td.result_row[0].v.i, ==, 8);
	g_assert_true (td.result_row[1].null);

	/* true proceeds with ox.new */
	r->body = "ox.new.id = 10 return true";
	td.result_row = newrow;
	got = call_direct (fx, r, &td, a);
	g_free (got);
	g_assert_nonnull (td.result_row);
	g_assert_cmpint (td.result_row[0].v.i, ==, 10);

	/* false skips the row */
	r->body = "return false";
	td.result_row = newrow;
	got = call_direct (fx, r, &td, a);
	g_free (got);
	g_assert_null (td.result_row);

	/* a replaced ox.new is what counts */
	r->body = "ox.new = {id = 9, label = 'replaced'}";
	td.result_row = newrow;
	got = call_direct (fx, r, &td, a);
	g_free (got);
	g_assert_cmpint (td.result_row[0].v.i, ==, 9);
	g_assert_cmpstr (td.result_row[1].v.str, ==, "replaced");

	/* DELETE: nothing returned keeps OLD */
	td.op = "DELETE";
	td.new_row = NULL;
	td.result_row = oldrow;
	r->body = "assert(ox.new == nil and ox.old.id == 7)";
	got = call_direct (fx, r, &td, a);
	g_assert_cmpstr (got, ==, "");
	g_free (got);
	g_assert_nonnull (td.result_row);
	g_assert_cmpint (td.result_row[0].v.i, ==, 7);

	/* AFTER triggers ignore what is returned */
	td.when = "AFTER";
	td.result_row = oldrow;
	r->body = "return 42";
	got = call_direct (fx, r, &td, a);
	g_assert_cmpstr (got, ==, "");
	g_free (got);
	g_assert_true (td.result_row == oldrow);

	/* BEFORE with a wrong kind of value */
	td.when = "BEFORE";
	r->body = "return 42";
	got = call_direct (fx, r, &td, a);
	assert_contains (got, "ERROR 42804 a row trigger function must return a table, a boolean");
	g_free (got);

	/* an event trigger sees ox.event and ox.tag */
	OxRoutine *ev = routine_new (a, "evfn", "ox.log('notice', '%s %s', ox.event, ox.tag)");
	ev->retkind = OX_RET_EVENT_TRIGGER;
	OxEventTriggerData ed = { .event = "ddl_command_end", .tag = "CREATE TABLE" };
	void *form = ox_lang_lua.compile (fx->s, ev);
	OxPlCall ec = { .session = fx->s, .routine = ev, .arena = a, .event = &ed, .depth = 1 };
	ox_lang_lua.call (form, &ec);
	ox_lang_lua.free (form);
	assert_contains (fx->notices->str, "NOTICE: ddl_command_end CREATE TABLE\n");

	/* outside a trigger ox.new is nil */
	OxRoutine *plain = routine_new (a, "plainfn", "if ox.new ~= nil or ox.op ~= nil then error('leak') end");
	plain->retkind = OX_RET_VOID;
	got = call_direct (fx, plain, NULL, a);
	g_assert_cmpstr (got, ==, "");
	g_free (got);
	ox_arena_free (a);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
#define ADD(p, f) g_test_add (p, Fx, NULL, fx_setup, f, fx_teardown)
	ADD ("/engine/lua/args-and-return", test_args_and_return);
	ADD ("/engine/lua/numeric", test_numeric);
	ADD ("/engine/lua/ox/query-rows-exec", test_query_rows_exec);
	ADD ("/engine/lua/ox/recursion", test_recursion);
	ADD ("/engine/lua/ox/log", test_log);
	ADD ("/engine/lua/globals-persist", test_globals_persist);
	ADD ("/engine/lua/errors", test_errors);
	ADD ("/engine/lua/errors/syntax", test_syntax_error);
	ADD ("/engine/lua/pcall-rolls-back", test_pcall_rolls_back);
	ADD ("/engine/lua/sandbox", test_sandbox);
	ADD ("/engine/lua/limits/instructions", test_instruction_limit);
	ADD ("/engine/lua/limits/memory", test_memory_limit);
	ADD ("/engine/lua/limits/cancel", test_cancel);
	ADD ("/engine/lua/procedures", test_procedures);
	ADD ("/engine/lua/setof", test_setof);
	ADD ("/engine/lua/trigger", test_trigger);
	return g_test_run ();
}

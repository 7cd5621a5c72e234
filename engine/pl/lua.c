/*
 * lua.c — LANGUAGE lua: routines written in Lua 5.4, run in a sandbox.
 *
 * The body is a Lua chunk.  The IN and INOUT arguments are locals named
 * after them (an argument whose name is not a Lua name, or is a keyword,
 * is only in ...), and ... holds them all in order.  What the chunk
 * returns becomes the result:
 *
 *   RETURNS type          return v; converted to the type (lua-value.c);
 *                         nothing or nil is NULL
 *   RETURNS void,         the return value is ignored
 *   procedure without OUT
 *   OUT / INOUT args      return {name = v, ...} (or {v1, v2} by position,
 *                         or v1, v2 as values in order); an INOUT argument
 *                         not mentioned keeps its input value
 *   SETOF / TABLE (...)   ox.next(row) emits a row at once; a returned list
 *                         {row, row, ...} is emitted after them.  A row is
 *                         a value (SETOF scalar) or a table keyed by column
 *                         name or position
 *   RETURNS trigger       ox.new, ox.old, ox.op ... (lua-ox.c).  A BEFORE or
 *                         INSTEAD OF row trigger returns the row to use: a
 *                         table keyed by column names; nothing, nil or true
 *                         means ox.new as it now is (ox.old for DELETE), so
 *                         editing ox.new in place works; false or ox.null
 *                         skips the row.  Other triggers' results are ignored.
 *
 * Sandbox.  Each compiled routine version gets its own lua_State (per
 * session, cached by the engine; globals persist between calls of that
 * version in that session).  Its environment holds: the base functions
 * assert, error, getmetatable, ipairs, next, pairs, rawequal, rawget,
 * rawlen, rawset, select, setmetatable, tonumber, tostring, type,
 * _VERSION, print (-> NOTICE), pcall and xpcall (with subtransactions,
 * lua-ox.c), load (text chunks only, in this environment unless one is
 * given), collectgarbage("count"); the libraries string (without dump),
 * table, math, utf8, coroutine; os with only time, clock and date; and
 * ox.  Not there: io, os.execute and the rest of os, require, package,
 * debug, dofile, loadfile, string.dump, binary chunks.
 *
 * Limits, set per outermost call from the settings (text, read with
 * ox_spi_setting):
 *   lua.max_instructions  default 100000000, 0 = unlimited: a count hook
 *                         stops the call with 54000 "Lua instruction limit
 *                         exceeded"
 *   lua.max_memory        default 64MB (bytes, or with kB MB GB TB), 0 =
 *                         unlimited: the allocator refuses blocks past it,
 *                         53200 "Lua memory limit exceeded".  It bounds all
 *                         the memory of the routine's state (libraries and
 *                         globals included, about 40 kB to start).
 * The count hook also runs ox_spi_check_interrupts, so a cancel or
 * statement_timeout (57014) stops a loop that runs no SQL.  The
 * instruction limit and 57014 are sticky: pcall cannot catch them.  A
 * nested call of the same routine (through SQL) shares the outer call's
 * budget; another routine has its own.
 *
 * Errors leaving a call keep their SQLSTATE (an SQL error, ox.error, a
 * limit); any other Lua error is 38000 with Lua's message (without its
 * "name:LINE:" prefix).  Each gets the context line "Lua function
 * name(argtypes) line N".  A syntax error at compile time is 42601 with
 * the position of the reported token (or of its line) in the body and
 * the context "line L of the body".
 *
 * NOTE: see lua-private.h for the rule that keeps Lua's longjmp and
 * ox_raise's apart.  Every Lua API call that may raise runs under one of
 * our lua_pcalls (setup, call, error decoding); outside them we only
 * push C functions and light userdata, which cannot fail.
 * NOTE: string patterns (string.find, gsub, match) run in C and count as
 * one instruction, so neither limit nor cancel reaches them: the pattern
 * guard below refuses (54000) patterns whose backtracking could run
 * unbounded for their subject's size.
 * NOTE: a debugger's per-line hook has one point here, ox_lua_debug_line;
 * the line event is only requested when st->debugger is set.  What a
 * debugger sees of a paused call (scopes, variables, evaluation, setting
 * a variable) is the section "the debugger's view of a frame" at the end.
 * NOTE: a nested call of a routine (it called itself through SQL) runs
 * on a Lua thread of its own, and a 4 MB C-stack guard turns runaway
 * recursion into 54001 before the stack overflows (OX_LUA_MAX_C_STACK).
 * NOTE: a memory error carries no line in its context: Lua raises it
 * without calling the message handler that finds the line.
 * NOTE: errors reach a debugger's on_error while the Lua stack they were
 * raised on still stands (the section "errors for the debugger"): an
 * error of the ox module where it is raised, any error leaving the call
 * from the message handler; not Lua's own errors caught by a pcall.
 */
#include "lua-private.h"
#include "debug-internal.h"
#include "session.h"

#include <errno.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>

#define OX_LUA_DEFAULT_MAX_INSTRUCTIONS  INT64_C (100000000)
#define OX_LUA_DEFAULT_MAX_MEMORY        ((int64_t) 64 * 1024 * 1024)
/* Instructions between two count-hook ticks.  Measured with callgrind on
 * a 3M-iteration loop (9M VM instructions): a tick costs ~200 machine
 * instructions, so at 10000 the hook adds 0.025% (724.12M against 723.94M
 * machine instructions without ticks), while a cancel still lands within
 * tens of microseconds. */
#define OX_LUA_INSN_STEP                 10000

/* ---- memory: the state's allocator ------------------------------------------------------- */

static void *
lua_alloc_cb (void *ud, void *ptr, size_t osize, size_t nsize)
{
	OxLuaRoutine *st = ud;
	/* For a new block (ptr NULL) osize encodes the object's type, not a size. */
	size_t old = ptr ? osize : 0;
	if (nsize == 0) {
		free (ptr);
		st->mem_used -= old;
		return NULL;
	}
	if (nsize > old && st->mem_limit && st->mem_used - old + nsize > st->mem_limit) {
		/* Lua collects garbage and retries once before raising ERRMEM. */
		st->mem_refused = true;
		return NULL;
	}
	void *p = realloc (ptr, nsize);
	if (p)
		st->mem_used = st->mem_used - old + nsize;
	return p;
}

static int
panic_cb (lua_State *L)
{
	/* Every raising call runs under our lua_pcall; reaching here is a bug. */
	g_error ("unprotected error in a Lua routine: %s", lua_tostring (L, -1) ? lua_tostring (L, -1) : "?");
	return 0;
}

/* ---- settings ---------------------------------------------------------------------------- */

/* "64MB", "65536", "512 kB": bytes, or -1 when not a size. */
static int64_t
parse_size (const char *text)
{
	char *end;
	errno = 0;
	gint64 n = g_ascii_strtoll (text, &end, 10);
	if (end == text || n < 0 || errno)
		return -1;
	while (*end == ' ')
		end++;
	static const struct { const char *unit; int shift; } units[] = {
		{ "", 0 }, { "B", 0 }, { "kB", 10 }, { "MB", 20 }, { "GB", 30 }, { "TB", 40 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (units); i++) {
		if (!g_ascii_strcasecmp (end, units[i].unit)) {
			if (n > (G_MAXINT64 >> units[i].shift))
				return -1;
			return n << units[i].shift;
		}
	}
	return -1;
}

static int64_t
setting_int (struct OxSession *s, const char *name, int64_t dflt, bool size)
{
	const char *text = ox_spi_setting (s, name);
	if (!text || !*text)
		return dflt;
	int64_t v;
	if (size) {
		v = parse_size (text);
	} else {
		char *end;
		errno = 0;
		v = g_ascii_strtoll (text, &end, 10);
		if (end == text || *end || errno || v < 0)
			v = -1;
	}
	if (v < 0)
		ox_raise (OX_ERR_INVALID_PARAMETER, 0, "invalid value for parameter \"%s\": \"%s\"", name, text);
	return v;
}

/* ---- the count hook and the line hook point ------------------------------------------------ */

/*
 * The debugger's hook point for a Lua line (debug.h's on_step).
 * call_begin sets st->debugger when the session carries debugger hooks
 * and then asks Lua for line events as well: every line of any function
 * lands here with ar->currentline set (lua_getinfo(L, "S", ar) names the
 * source: st->chunkname for the body, something else for load()ed code).
 * Without hooks this is never called and costs nothing: the only test is
 * in hook_cb's event switch, taken once per count tick.
 */
/* Is line n (1-based) of body empty or blank?  Lua reports the chunk's
 * prologue on line 1, which is the blank line after "AS $$" in most
 * bodies: a debugger should not stop there. */
static bool
blank_line (const char *body, int n)
{
	const char *p = body;
	for (int l = 1; l < n && p; l++) {
		p = strchr (p, '\n');
		if (p)
			p++;
	}
	if (!p)
		return true;
	for (; *p && *p != '\n'; p++)
		if (!g_ascii_isspace (*p))
			return false;
	return true;
}

static void hook_cb (lua_State *L, lua_Debug *ar);
static int hook_mask (OxLuaRoutine *st);

static void
ox_lua_debug_line (OxLuaRoutine *st, lua_State *L, lua_Debug *ar)
{
	if (st->call && ox_debug_active (st->call->pl->session) && !ox_debug_step_wanted (st->call->pl->session)) {
		/* no longer wanted: back to count ticks only */
		st->debugger = false;
		lua_sethook (L, hook_cb, hook_mask (st), st->insn_step);
		return;
	}
	/* lines of the body only (not of code load()ed at run time), and none
	 * while a debugger inspects a frame (it switches the hooks off; an
	 * evaluated expression may call the body's functions) */
	if (st->call && ar->currentline > 0 && ox_debug_active (st->call->pl->session) && lua_getinfo (L, "S", ar) && ar->source &&
	    !strcmp (ar->source, st->chunkname) && !blank_line (st->routine->body, ar->currentline)) {
		struct OxSession *s = st->call->pl->session;
		ox_debug_step (s, ar->currentline, 1);
		/* a terminate (or an expired pause) while the hook held us: the
		 * next instruction fails, as the count hook would make it
		 * (hook_cb checks the interrupt at every instruction now) */
		if (G_UNLIKELY (__atomic_load_n (&s->cancel, __ATOMIC_RELAXED)))
			lua_sethook (L, hook_cb, hook_mask (st), 1);
	}
}

static int
hook_mask (OxLuaRoutine *st)
{
	return LUA_MASKCOUNT | (G_UNLIKELY (st->debugger) ? LUA_MASKLINE : 0);
}

static void
set_fatal (OxLuaRoutine *st, const char *sqlstate, const char *hint, const char *fmt, ...)
	G_GNUC_PRINTF (4, 5);

static void
set_fatal (OxLuaRoutine *st, const char *sqlstate, const char *hint, const char *fmt, ...)
{
	if (st->fatal.sqlstate[0])
		return;
	va_list ap;
	va_start (ap, fmt);
	g_strlcpy (st->fatal.sqlstate, sqlstate, sizeof st->fatal.sqlstate);
	st->fatal.message = g_strdup_vprintf (fmt, ap);
	st->fatal.hint = g_strdup (hint);
	va_end (ap);
}

/* Raise st->fatal, and keep raising it at every instruction from now on
 * on this thread, so that no pcall or coroutine.resume can swallow it. */
static void __attribute__ ((noreturn))
raise_fatal (lua_State *L, OxLuaRoutine *st)
{
	lua_sethook (L, hook_cb, hook_mask (st), 1);
	st->insn_step = 1;
	ox_lua_push_error (L, st, &st->fatal);
	lua_error (L);
	g_assert_not_reached ();
}

static void
hook_cb (lua_State *L, lua_Debug *ar)
{
	OxLuaRoutine *st = ox_lua_routine (L);
	if (G_UNLIKELY (ar->event == LUA_HOOKLINE)) {
		ox_lua_debug_line (st, L, ar);
		return;
	}
	if (st->fatal.sqlstate[0])
		raise_fatal (L, st);
	st->insn_done += st->insn_step;
	if (st->call) {
		struct OxSession *s = st->call->pl->session;
		bool want = ox_debug_active (s) && ox_debug_step_wanted (s);
		if (want != st->debugger) {
			st->debugger = want;
			lua_sethook (L, hook_cb, hook_mask (st), st->insn_step);
		}
		volatile bool failed = false;
		OX_TRY {
			ox_spi_check_interrupts (s);
		} OX_CATCH {
			ox_lua_take_error (st);
			failed = true;
		} OX_END_TRY;
		if (failed) {
			if (st->fatal.sqlstate[0])
				raise_fatal (L, st);
			ox_lua_raise_pending (L, st);
		}
	}
	if (st->insn_limit > 0 && st->insn_done >= st->insn_limit) {
		char hint[128];
		g_snprintf (hint, sizeof hint, "lua.max_instructions is %" G_GINT64_FORMAT "; 0 means no limit.",
		            st->insn_limit);
		set_fatal (st, OX_ERR_PROGRAM_LIMIT, hint, "Lua instruction limit exceeded");
		raise_fatal (L, st);
	}
	int step = OX_LUA_INSN_STEP;
	if (st->insn_limit > 0 && st->insn_limit - st->insn_done < step)
		step = (int) (st->insn_limit - st->insn_done);
	if (step != st->insn_step) {
		st->insn_step = step;
		lua_sethook (L, hook_cb, hook_mask (st), step);
	}
}

/* ---- the sandbox ------------------------------------------------------------------------- */

/* load(chunk [, chunkname [, mode [, env]]]): text only, in the sandbox
 * environment unless an env is given.  Upvalue 1: the real load; 2: env. */
static int
sandbox_load (lua_State *L)
{
	lua_settop (L, 4);
	const char *mode = luaL_optstring (L, 3, "t");
	if (strcmp (mode, "t") != 0)
		return ox_lua_error (L, OX_ERR_FEATURE_NOT_SUPPORTED,
		                     "load: only text chunks (mode \"t\") are allowed in a Lua routine");
	lua_pushvalue (L, lua_upvalueindex (1));
	lua_pushvalue (L, 1);
	lua_pushvalue (L, 2);
	lua_pushliteral (L, "t");
	if (lua_isnoneornil (L, 4))
		lua_pushvalue (L, lua_upvalueindex (2));
	else
		lua_pushvalue (L, 4);
	lua_call (L, 4, LUA_MULTRET);
	return lua_gettop (L) - 4;
}

static int
sandbox_collectgarbage (lua_State *L)
{
	const char *opt = luaL_optstring (L, 1, "collect");
	if (strcmp (opt, "count") != 0)
		return ox_lua_error (L, OX_ERR_FEATURE_NOT_SUPPORTED,
		                     "collectgarbage(\"%s\") is not allowed in a Lua routine; only \"count\" is", opt);
	int kb = lua_gc (L, LUA_GCCOUNT);
	int b = lua_gc (L, LUA_GCCOUNTB);
	lua_pushnumber (L, (lua_Number) kb + (lua_Number) b / 1024.0);
	return 1;
}

/* ---- pattern guard ------------------------------------------------------------------------ *
 * string.find / match / gmatch / gsub run their matcher in C, where the
 * count hook never fires: a pattern with many repetition items can
 * backtrack for hours ("a*a*a*...b" over a run of a's) and neither
 * lua.max_instructions nor statement_timeout could stop it.  Backtracking
 * over q repetition items tries at most about (n+1)^q ways per start, so
 * these wrappers refuse, with 54000, a pattern whose (n+1)^q passes
 * PATTERN_BUDGET when q >= 2; patterns with one repetition item (the
 * common case) always run. */

#define PATTERN_BUDGET 1e10

/* Repetition items (*, +, -) of a Lua pattern. */
static int
pattern_repetitions (const char *p, size_t len)
{
	int q = 0;
	size_t i = 0;
	if (i < len && p[i] == '^')
		i++;
	while (i < len) {
		size_t item = i;
		if (p[i] == '%') {
			if (i + 1 < len && (p[i + 1] == 'b'))
				i += 4;            /* %bxy */
			else if (i + 1 < len && p[i + 1] == 'f') {
				i += 2;            /* %f[set] */
				if (i < len && p[i] == '[') {
					i++;
					if (i < len && p[i] == '^')
						i++;
					if (i < len && p[i] == ']')
						i++;
					while (i < len && p[i] != ']')
						i += p[i] == '%' ? 2 : 1;
					i++;
				}
				continue;
			} else
				i += 2;
		} else if (p[i] == '[') {
			i++;
			if (i < len && p[i] == '^')
				i++;
			if (i < len && p[i] == ']')
				i++;
			while (i < len && p[i] != ']')
				i += p[i] == '%' ? 2 : 1;
			i++;
		} else if (p[i] == '(' || p[i] == ')') {
			i++;
			continue;
		} else
			i++;
		if (i > item && i < len && (p[i] == '*' || p[i] == '+' || p[i] == '-')) {
			q++;
			i++;
		} else if (i < len && p[i] == '?')
			i++;
	}
	return q;
}

static int
guarded_pattern (lua_State *L)
{
	size_t n = 0, plen = 0;
	const char *subject = lua_type (L, 1) == LUA_TSTRING || lua_type (L, 1) == LUA_TNUMBER
	                      ? lua_tolstring (L, 1, &n) : NULL;
	const char *pat = lua_type (L, 2) == LUA_TSTRING ? lua_tolstring (L, 2, &plen) : NULL;
	bool plain = lua_toboolean (L, lua_upvalueindex (2)) && lua_toboolean (L, 4);  /* find's plain flag */
	if (subject && pat && !plain) {
		int q = pattern_repetitions (pat, plen);
		if (q >= 2) {
			double cost = 1;
			for (int i = 0; i < q && cost <= PATTERN_BUDGET; i++)
				cost *= (double) n + 1;
			if (cost > PATTERN_BUDGET)
				return ox_lua_error (L, OX_ERR_PROGRAM_LIMIT,
				                     "Lua pattern too complex: %d repetition items over a %zu-byte subject could "
				                     "run unbounded; use fewer * + - items or split the text",
				                     q, n);
		}
	}
	lua_pushvalue (L, lua_upvalueindex (1));
	lua_insert (L, 1);
	lua_call (L, lua_gettop (L) - 1, LUA_MULTRET);
	return lua_gettop (L);
}

/* Replace string.NAME by the guard around it. */
static void
guard_pattern_function (lua_State *L, const char *name)
{
	lua_getglobal (L, LUA_STRLIBNAME);
	lua_getfield (L, -1, name);
	lua_pushboolean (L, !strcmp (name, "find"));
	lua_pushcclosure (L, guarded_pattern, 2);
	lua_setfield (L, -2, name);
	lua_pop (L, 1);
}

/* Build the environment and leave it on the stack. */
static void
open_sandbox (lua_State *L, OxLuaRoutine *st)
{
	static const struct { const char *name; lua_CFunction open; } libs[] = {
		{ LUA_GNAME, luaopen_base },
		{ LUA_STRLIBNAME, luaopen_string },
		{ LUA_TABLIBNAME, luaopen_table },
		{ LUA_MATHLIBNAME, luaopen_math },
		{ LUA_UTF8LIBNAME, luaopen_utf8 },
		{ LUA_COLIBNAME, luaopen_coroutine },
		{ LUA_OSLIBNAME, luaopen_os },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (libs); i++) {
		luaL_requiref (L, libs[i].name, libs[i].open, 1);
		lua_pop (L, 1);
	}
	/* string.dump goes from the library itself: ("").dump reaches it
	 * through the string metatable, whatever the environment holds. */
	lua_getglobal (L, LUA_STRLIBNAME);
	lua_pushnil (L);
	lua_setfield (L, -2, "dump");
	lua_pop (L, 1);
	guard_pattern_function (L, "find");
	guard_pattern_function (L, "match");
	guard_pattern_function (L, "gmatch");
	guard_pattern_function (L, "gsub");

	lua_newtable (L);
	int env = lua_gettop (L);
	static const char *const base[] = {
		"assert", "error", "getmetatable", "ipairs", "next", "pairs", "rawequal", "rawget",
		"rawlen", "rawset", "select", "setmetatable", "tonumber", "tostring", "type", "_VERSION",
		LUA_STRLIBNAME, LUA_TABLIBNAME, LUA_MATHLIBNAME, LUA_UTF8LIBNAME, LUA_COLIBNAME,
	};
	for (size_t i = 0; i < G_N_ELEMENTS (base); i++) {
		lua_getglobal (L, base[i]);
		lua_setfield (L, env, base[i]);
	}
	lua_createtable (L, 0, 3);
	lua_getglobal (L, LUA_OSLIBNAME);
	static const char *const os_keep[] = { "time", "clock", "date" };
	for (size_t i = 0; i < G_N_ELEMENTS (os_keep); i++) {
		lua_getfield (L, -1, os_keep[i]);
		lua_setfield (L, -3, os_keep[i]);
	}
	lua_pop (L, 1);
	lua_setfield (L, env, "os");

	lua_getglobal (L, "load");
	lua_pushvalue (L, env);
	lua_pushcclosure (L, sandbox_load, 2);
	lua_setfield (L, env, "load");
	lua_pushcfunction (L, sandbox_collectgarbage);
	lua_setfield (L, env, "collectgarbage");
	ox_lua_open_pcall (L, st, env);

	ox_lua_open_ox (L, st);
	lua_setfield (L, env, "ox");
	lua_pushvalue (L, env);
	lua_setfield (L, env, "_G");
}

typedef struct SetupArgs {
	const char *src;
	size_t      len;
	bool        syntax_error;   /* out: the message is left on the stack */
} SetupArgs;

static int
setup_protected (lua_State *L)
{
	SetupArgs *a = lua_touserdata (L, 1);
	OxLuaRoutine *st = ox_lua_routine (L);
	open_sandbox (L, st);
	st->env_ref = luaL_ref (L, LUA_REGISTRYINDEX);
	int status = luaL_loadbufferx (L, a->src, a->len, st->chunkname, "t");
	if (status == LUA_ERRSYNTAX) {
		a->syntax_error = true;
		return 1;
	}
	if (status != LUA_OK)
		return lua_error (L);
	/* A main chunk's only upvalue is _ENV. */
	lua_rawgeti (L, LUA_REGISTRYINDEX, st->env_ref);
	lua_setupvalue (L, -2, 1);
	st->fn_ref = luaL_ref (L, LUA_REGISTRYINDEX);
	return 0;
}

/* ---- compile ----------------------------------------------------------------------------- */

static bool
lua_name_ok (const char *n)
{
	static const char *const keywords[] = {
		"and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
		"in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
	};
	if (!n || !(g_ascii_isalpha (*n) || *n == '_'))
		return false;
	for (const char *p = n; *p; p++)
		if (!g_ascii_isalnum (*p) && *p != '_')
			return false;
	for (size_t i = 0; i < G_N_ELEMENTS (keywords); i++)
		if (!strcmp (n, keywords[i]))
			return false;
	return true;
}

static bool
arg_is_input (const OxRoutineArg *a)
{
	return a->mode == OX_ARG_IN || a->mode == OX_ARG_INOUT;
}

/* "local a, b = ...; " — on line 1, so the body's line numbers stand. */
static char *
locals_prefix (OxRoutine *r)
{
	GString *g = g_string_new (NULL);
	int n = 0;
	for (int i = 0; i < r->nargs; i++) {
		if (!arg_is_input (&r->args[i]))
			continue;
		g_string_append (g, n++ ? ", " : "local ");
		g_string_append (g, lua_name_ok (r->args[i].name) ? r->args[i].name : "_");
	}
	if (n)
		g_string_append (g, " = ...; ");
	return g_string_free (g, FALSE);
}

/* Byte offset of the start of 1-based line 'line' in body, counting line
 * breaks as Lua's lexer does (\n, \r, \r\n, \n\r). */
static size_t
line_start (const char *body, int line)
{
	size_t i = 0;
	for (int l = 1; l < line && body[i]; l++) {
		while (body[i] && body[i] != '\n' && body[i] != '\r')
			i++;
		if (!body[i])
			break;
		char c = body[i++];
		if ((body[i] == '\n' || body[i] == '\r') && body[i] != c)
			i++;
	}
	return i;
}

/* Raise 42601 for Lua's message "name:LINE: text near 'tok'" (msg is
 * freed before raising). */
static void __attribute__ ((noreturn))
raise_syntax (const char *chunkid, const char *body, char *msg)
{
	int line = 0;
	const char *text = msg;
	size_t idlen = strlen (chunkid);
	if (!strncmp (msg, chunkid, idlen) && msg[idlen] == ':') {
		char *end;
		line = (int) strtol (msg + idlen + 1, &end, 10);
		if (*end == ':') {
			text = end + 1;
			while (*text == ' ')
				text++;
		} else {
			line = 0;
		}
	}
	int position = 0;
	if (line > 0) {
		size_t start = line_start (body, line);
		position = (int) start + 1;
		const char *near = strstr (text, " near '");
		if (near) {
			const char *tok = near + 7;
			const char *q = strrchr (tok, '\'');
			size_t eol = start;
			while (body[eol] && body[eol] != '\n' && body[eol] != '\r')
				eol++;
			if (q && q > tok) {
				g_autofree char *t = g_strndup (tok, (size_t) (q - tok));
				g_autofree char *l = g_strndup (body + start, eol - start);
				const char *hit = strstr (l, t);
				if (hit)
					position = (int) (start + (size_t) (hit - l)) + 1;
			}
		} else if (strstr (text, "near <eof>")) {
			position = (int) strlen (body) + 1;
		}
	}
	OxErrorData e = { .position = position, .message = g_strdup (text) };
	g_strlcpy (e.sqlstate, OX_ERR_SYNTAX, sizeof e.sqlstate);
	g_free (msg);
	volatile int ctx_line = line;
	OX_TRY {
		ox_error_rethrow (&e);
	} OX_CATCH {
		if (ctx_line > 0)
			ox_error_add_context ("line %d of the body", ctx_line);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	g_assert_not_reached ();
}

static void
routine_free (OxLuaRoutine *st)
{
	if (st->L) {
		/* Finalizers run by lua_close must not count or check limits. */
		lua_sethook (st->L, NULL, 0, 0);
		st->mem_limit = 0;
		lua_close (st->L);
	}
	if (st->plans) {
		GHashTableIter it;
		gpointer p;
		g_hash_table_iter_init (&it, st->plans);
		while (g_hash_table_iter_next (&it, NULL, &p))
			ox_spi_free (p);
		g_hash_table_unref (st->plans);
	}
	ox_error_data_clear (&st->fatal);
	ox_error_data_clear (&st->pending);
	g_free (st);
}

static void *
lua_compile (struct OxSession *s, OxRoutine *r)
{
	int64_t max_memory = setting_int (s, "lua.max_memory", OX_LUA_DEFAULT_MAX_MEMORY, true);
	int64_t max_insn = setting_int (s, "lua.max_instructions", OX_LUA_DEFAULT_MAX_INSTRUCTIONS, false);

	OxLuaRoutine *st = g_new0 (OxLuaRoutine, 1);
	st->routine = r;
	st->fn_ref = st->env_ref = st->errmt_ref = LUA_NOREF;
	st->mem_limit = (size_t) max_memory;
	st->insn_limit = max_insn;
	st->plans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	/* Lua shortens chunk names past LUA_IDSIZE; keep ours well under it
	 * so messages can be matched against it. */
	char chunkid[41];
	g_strlcpy (chunkid, r->obj.name ? r->obj.name : "inline_code_block", sizeof chunkid);
	g_snprintf (st->chunkname, sizeof st->chunkname, "=%s", chunkid);

	st->L = lua_newstate (lua_alloc_cb, st);
	if (!st->L) {
		routine_free (st);
		ox_raise (OX_LUA_ERR_OUT_OF_MEMORY, 0, "out of memory creating a Lua state");
	}
	lua_atpanic (st->L, panic_cb);

	/* No ox_raise before these are freed: g_autofree does not run on longjmp. */
	char *prefix = locals_prefix (r);
	const char *body = r->body ? r->body : "";
	char *src = g_strconcat (prefix, body, NULL);
	SetupArgs a = { .src = src, .len = strlen (src) };
	lua_pushcfunction (st->L, setup_protected);
	lua_pushlightuserdata (st->L, &a);
	int status = lua_pcall (st->L, 1, 1, 0);
	g_free (prefix);
	g_free (src);
	if (status != LUA_OK || a.syntax_error) {
		const char *m = lua_tostring (st->L, -1);
		char *msg = g_strdup (m ? m : "?");
		bool limit = st->mem_refused;
		routine_free (st);
		if (status == LUA_ERRMEM) {
			g_free (msg);
			ox_raise_full (OX_LUA_ERR_OUT_OF_MEMORY, 0, NULL,
			               limit ? "Raise lua.max_memory (0 means no limit)." : NULL,
			               limit ? "Lua memory limit exceeded" : "out of memory");
		}
		if (status != LUA_OK) {
			OxErrorData e = { .message = msg };
			g_strlcpy (e.sqlstate, OX_LUA_ERR_EXTERNAL, sizeof e.sqlstate);
			ox_error_rethrow (&e);
		}
		raise_syntax (chunkid, body, msg);
	}
	lua_settop (st->L, 0);
	st->insn_step = OX_LUA_INSN_STEP;
	lua_sethook (st->L, hook_cb, hook_mask (st), st->insn_step);
	return st;
}

static void
lua_free_compiled (void *compiled)
{
	if (compiled)
		routine_free (compiled);
}

/* ---- results ------------------------------------------------------------------------------ */

/* Convert the n values of the table at tidx (keys names[i], or positions
 * i+1 when a name is absent and 'positional') to types[i] in a.  Columns
 * the table lacks are NULL. */
static OxValue *
table_to_row (lua_State *L, OxLuaRoutine *st, OxLuaCall *lc, int tidx, int n, const char *const *names,
              const OxType *types, bool positional, OxArena *a)
{
	tidx = lua_absindex (L, tidx);
	OxLuaDatum *d = OX_NEW_N (a, OxLuaDatum, n > 0 ? n : 1);
	for (int i = 0; i < n; i++) {
		/* Raw access: no __index code may run (and change the table) while
		 * the strings read so far are only anchored by it. */
		int t = LUA_TNIL;
		if (names && names[i]) {
			lua_pushstring (L, names[i]);
			t = lua_rawget (L, tidx);
		} else {
			lua_pushnil (L);
		}
		if (t == LUA_TNIL && positional) {
			lua_pop (L, 1);
			lua_rawgeti (L, tidx, i + 1);
		}
		ox_lua_datum_from_lua (L, st, -1, &d[i], ox_type_name (types[i].id));
		lua_pop (L, 1);
	}
	OxValue *row = OX_NEW_N (a, OxValue, n > 0 ? n : 1);
	struct OxSession *s = lc->pl->session;
	OX_LUA_ENGINE (st, L, {
		for (int i = 0; i < n; i++)
			row[i] = ox_lua_datum_to_value (s, &d[i], types[i], a);
	});
	return row;
}

static OxValue
scalar_to_value (lua_State *L, OxLuaRoutine *st, OxLuaCall *lc, int idx, OxType t, OxArena *a)
{
	OxLuaDatum d;
	ox_lua_datum_from_lua (L, st, idx, &d, ox_type_name (t.id));
	volatile OxValue v = { 0 };
	struct OxSession *s = lc->pl->session;
	OX_LUA_ENGINE (st, L, v = ox_lua_datum_to_value (s, &d, t, a));
	return v;
}

void
ox_lua_emit (lua_State *L, OxLuaRoutine *st, OxLuaCall *lc, int idx)
{
	OxPlCall *c = lc->pl;
	OxRoutine *r = c->routine;
	if (!lc->scratch)
		lc->scratch = ox_arena_new ();
	ox_arena_reset (lc->scratch);
	OxValue *row;
	if (lua_type (L, idx) == LUA_TTABLE) {
		row = table_to_row (L, st, lc, idx, r->nresult, r->result_names, r->result_types, true, lc->scratch);
	} else if (r->nresult == 1) {
		row = OX_NEW (lc->scratch, OxValue);
		row[0] = scalar_to_value (L, st, lc, idx, r->result_types[0], lc->scratch);
	} else {
		ox_lua_error (L, OX_ERR_DATATYPE_MISMATCH,
		              "a row of a function returning %d columns must be a table, not a Lua %s",
		              r->nresult, luaL_typename (L, idx));
	}
	OX_LUA_ENGINE (st, L, c->emit (c, row));
}

static void
store_trigger_result (lua_State *L, OxLuaRoutine *st, OxLuaCall *lc, int first, int nres)
{
	OxTriggerData *td = lc->pl->trigger;
	if (!td->level || strcmp (td->level, "ROW") != 0 || !td->when || !strcmp (td->when, "AFTER"))
		return;
	int idx = first;
	if (nres == 0 || lua_isnil (L, first) || (lua_type (L, first) == LUA_TBOOLEAN && lua_toboolean (L, first))) {
		lua_rawgeti (L, LUA_REGISTRYINDEX, lc->info_ref);
		lua_getfield (L, -1, td->op && !strcmp (td->op, "DELETE") ? "old" : "new");
		idx = lua_gettop (L);
	}
	if (lua_isnil (L, idx) || ox_lua_is_null (st, L, idx) ||
	    (lua_type (L, idx) == LUA_TBOOLEAN && !lua_toboolean (L, idx))) {
		td->result_row = NULL;
		return;
	}
	if (lua_type (L, idx) != LUA_TTABLE)
		ox_lua_error (L, OX_ERR_DATATYPE_MISMATCH,
		              "a row trigger function must return a table, a boolean, nil or ox.null, not a Lua %s",
		              luaL_typename (L, idx));
	OxTable *t = td->table;
	const char **names = OX_NEW_N (lc->pl->arena, const char *, t->ncols > 0 ? t->ncols : 1);
	OxType *types = OX_NEW_N (lc->pl->arena, OxType, t->ncols > 0 ? t->ncols : 1);
	for (int i = 0; i < t->ncols; i++) {
		names[i] = t->cols[i].name;
		types[i] = t->cols[i].type;
	}
	td->result_row = table_to_row (L, st, lc, idx, t->ncols, names, types, false, lc->pl->arena);
}

static void
store_results (lua_State *L, OxLuaRoutine *st, OxLuaCall *lc, int first, int nres)
{
	OxPlCall *c = lc->pl;
	OxRoutine *r = c->routine;
	if (c->trigger) {
		store_trigger_result (L, st, lc, first, nres);
		return;
	}
	if (c->event)
		return;
	if (r->retset) {
		if (nres == 0 || lua_isnil (L, first))
			return;
		if (lua_type (L, first) != LUA_TTABLE)
			ox_lua_error (L, OX_ERR_DATATYPE_MISMATCH,
			              "a set-returning Lua function must return a list of rows or nothing, not a Lua %s",
			              luaL_typename (L, first));
		lua_Integer n = (lua_Integer) lua_rawlen (L, first);
		for (lua_Integer i = 1; i <= n; i++) {
			lua_rawgeti (L, first, i);
			ox_lua_emit (L, st, lc, lua_gettop (L));
			lua_pop (L, 1);
		}
		return;
	}
	switch (r->retkind) {
	case OX_RET_VALUE:
		c->result = nres ? scalar_to_value (L, st, lc, first, r->rettype, c->arena)
		                 : ox_null (r->rettype.id);
		return;
	case OX_RET_RECORD: {
		if (!c->out) {
			c->out = OX_NEW_N (c->arena, OxValue, r->nresult > 0 ? r->nresult : 1);
			for (int i = 0; i < r->nresult; i++)
				c->out[i] = ox_null (r->result_types[i].id);
		}
		/* An INOUT argument nobody set keeps its input value. */
		for (int i = 0, k = 0; i < r->nargs && k < r->nresult; i++) {
			if (r->args[i].mode == OX_ARG_IN)
				continue;
			if (r->args[i].mode == OX_ARG_INOUT && c->args)
				c->out[k] = c->args[i];
			k++;
		}
		if (nres == 1 && lua_type (L, first) == LUA_TTABLE) {
			/* Only the keys present replace the defaults. */
			for (int k = 0; k < r->nresult; k++) {
				lua_pushstring (L, r->result_names[k]);
				int t = lua_rawget (L, first);
				if (t == LUA_TNIL) {
					lua_pop (L, 1);
					t = lua_rawgeti (L, first, k + 1);
				}
				if (t != LUA_TNIL)
					c->out[k] = scalar_to_value (L, st, lc, -1, r->result_types[k], c->arena);
				lua_pop (L, 1);
			}
			return;
		}
		if (nres > r->nresult)
			ox_lua_error (L, OX_ERR_DATATYPE_MISMATCH,
			              "the Lua routine returned %d values for %d output arguments", nres, r->nresult);
		for (int k = 0; k < nres; k++)
			if (!lua_isnil (L, first + k))
				c->out[k] = scalar_to_value (L, st, lc, first + k, r->result_types[k], c->arena);
		return;
	}
	default:
		return;
	}
}

/* ---- call ------------------------------------------------------------------------------------ */

/* Push the current values of a row as a table keyed by column names. */
static void
push_row (lua_State *L, OxLuaRoutine *st, OxLuaCall *lc, OxTable *t, const OxValue *vals)
{
	OxPlCall *c = lc->pl;
	OxLuaDatum *d = OX_NEW_N (c->arena, OxLuaDatum, t->ncols > 0 ? t->ncols : 1);
	struct OxSession *s = c->session;
	OX_LUA_ENGINE (st, L, {
		for (int i = 0; i < t->ncols; i++)
			ox_lua_datum_from_value (s, &vals[i], c->arena, &d[i]);
	});
	lua_createtable (L, 0, t->ncols);
	for (int i = 0; i < t->ncols; i++) {
		ox_lua_push_datum (L, st, &d[i]);
		lua_setfield (L, -2, t->cols[i].name);
	}
}

static void
set_string (lua_State *L, const char *key, const char *v)
{
	if (!v)
		return;
	lua_pushstring (L, v);
	lua_setfield (L, -2, key);
}

/* The table behind ox.new, ox.old, ox.op ... for this call. */
static void
push_call_info (lua_State *L, OxLuaRoutine *st, OxLuaCall *lc)
{
	OxPlCall *c = lc->pl;
	lua_createtable (L, 0, 10);
	if (c->trigger) {
		OxTriggerData *td = c->trigger;
		set_string (L, "op", td->op);
		set_string (L, "when", td->when);
		set_string (L, "level", td->level);
		set_string (L, "trigger_name", td->name);
		if (td->table) {
			set_string (L, "table_name", td->table->obj.name);
			if (td->table->obj.schema)
				set_string (L, "table_schema", td->table->obj.schema->obj.name);
			if (td->new_row) {
				push_row (L, st, lc, td->table, td->new_row);
				lua_setfield (L, -2, "new");
			}
			if (td->old_row) {
				push_row (L, st, lc, td->table, td->old_row);
				lua_setfield (L, -2, "old");
			}
		}
		lua_createtable (L, td->nargs, 0);
		for (int i = 0; i < td->nargs; i++) {
			lua_pushstring (L, td->argv[i]);
			lua_rawseti (L, -2, i + 1);
		}
		lua_setfield (L, -2, "args");
	}
	if (c->event) {
		set_string (L, "event", c->event->event);
		set_string (L, "tag", c->event->tag);
	}
	lc->info_ref = luaL_ref (L, LUA_REGISTRYINDEX);
}

static int
count_inputs (const OxRoutine *r)
{
	int n = 0;
	for (int i = 0; i < r->nargs; i++)
		n += arg_is_input (&r->args[i]);
	return n;
}

/* The input arguments as datums (the engine half, kept out of push_args
 * so no local there lives across the OX_TRY). */
static OxLuaDatum *
args_datums (lua_State *L, OxLuaRoutine *st, OxPlCall *c, int n)
{
	OxRoutine *r = c->routine;
	OxLuaDatum *d = OX_NEW_N (c->arena, OxLuaDatum, n);
	struct OxSession *s = c->session;
	OX_LUA_ENGINE (st, L, {
		for (int i = 0, k = 0; i < r->nargs; i++)
			if (arg_is_input (&r->args[i]))
				ox_lua_datum_from_value (s, &c->args[i], c->arena, &d[k++]);
	});
	return d;
}

static int
push_args (lua_State *L, OxLuaRoutine *st, OxLuaCall *lc)
{
	OxPlCall *c = lc->pl;
	OxRoutine *r = c->routine;
	const int n = count_inputs (r);
	if (!n || !c->args)
		return 0;
	OxLuaDatum *d = args_datums (L, st, c, n);
	luaL_checkstack (L, n, "too many arguments");
	for (int k = 0; k < n; k++)
		ox_lua_push_datum (L, st, &d[k]);
	return n;
}

static int
call_protected (lua_State *L)
{
	OxLuaCall *lc = lua_touserdata (L, 1);
	OxLuaRoutine *st = ox_lua_routine (L);
	if (lc->pl->trigger || lc->pl->event)
		push_call_info (L, st, lc);
	int top = lua_gettop (L);
	lua_rawgeti (L, LUA_REGISTRYINDEX, st->fn_ref);
	int nargs = push_args (L, st, lc);
	lc->phase = OX_LUA_PHASE_BODY;
	lua_call (L, nargs, LUA_MULTRET);
	lc->phase = OX_LUA_PHASE_RESULT;
	store_results (L, st, lc, top + 1, lua_gettop (L) - top);
	return 0;
}

/* "id:12: text" -> "text"; m itself when it does not start so. */
static const char *
skip_chunk_prefix (const char *id, const char *m)
{
	size_t n = strlen (id);
	if (strncmp (m, id, n) != 0 || m[n] != ':' || !g_ascii_isdigit (m[n + 1]))
		return m;
	const char *p = m + n + 1;
	while (g_ascii_isdigit (*p))
		p++;
	if (p[0] == ':' && p[1] == ' ')
		return p + 2;
	return m;
}

/* "name:12: text" -> "text" for messages about our own chunk. */
static const char *
strip_chunk_prefix (OxLuaRoutine *st, const char *m)
{
	return skip_chunk_prefix (st->chunkname + 1, m);
}

/* Read the error object (index 1) into the OxErrorData (light userdata,
 * index 2).  Protected: it calls __tostring and allocates. */
static int
decode_protected (lua_State *L)
{
	OxErrorData *e = lua_touserdata (L, 2);
	OxLuaRoutine *st = ox_lua_routine (L);
	g_strlcpy (e->sqlstate, OX_LUA_ERR_EXTERNAL, sizeof e->sqlstate);
	if (lua_type (L, 1) == LUA_TTABLE) {
		lua_getfield (L, 1, "sqlstate");
		size_t len = 0;
		const char *s = lua_tolstring (L, -1, &len);
		if (s && len == 5)
			memcpy (e->sqlstate, s, 6);
		static const char *const fields[] = { "message", "detail", "hint", "context" };
		char **dst[] = { &e->message, &e->detail, &e->hint, &e->context };
		for (int i = 0; i < 4; i++) {
			lua_getfield (L, 1, fields[i]);
			if (lua_type (L, -1) == LUA_TSTRING || lua_type (L, -1) == LUA_TNUMBER)
				*dst[i] = g_strdup (lua_tostring (L, -1));
			lua_pop (L, 1);
		}
		if (!e->message)
			e->message = g_strdup ("a Lua error table without a message");
		return 0;
	}
	if (lua_type (L, 1) == LUA_TSTRING) {
		e->message = g_strdup (strip_chunk_prefix (st, lua_tostring (L, 1)));
		return 0;
	}
	const char *m = luaL_tolstring (L, 1, NULL);
	e->message = g_strdup_printf ("Lua error: %s", m);
	return 0;
}

static void
decode_error (lua_State *L, OxLuaRoutine *st, int status, OxErrorData *e)
{
	if (st->fatal.sqlstate[0]) {
		memcpy (e->sqlstate, st->fatal.sqlstate, sizeof e->sqlstate);
		e->message = g_strdup (st->fatal.message);
		e->detail = g_strdup (st->fatal.detail);
		e->hint = g_strdup (st->fatal.hint);
		return;
	}
	if (status == LUA_ERRMEM) {
		g_strlcpy (e->sqlstate, OX_LUA_ERR_OUT_OF_MEMORY, sizeof e->sqlstate);
		if (st->mem_refused) {
			e->message = g_strdup ("Lua memory limit exceeded");
			e->hint = g_strdup_printf ("lua.max_memory is %zu bytes; 0 means no limit.", st->mem_limit);
		} else {
			e->message = g_strdup ("out of memory");
		}
		return;
	}
	if (status == LUA_ERRERR) {
		g_strlcpy (e->sqlstate, OX_LUA_ERR_EXTERNAL, sizeof e->sqlstate);
		e->message = g_strdup ("error while handling a Lua error");
		return;
	}
	lua_pushcfunction (L, decode_protected);
	lua_pushvalue (L, -2);
	lua_pushlightuserdata (L, e);
	if (lua_pcall (L, 2, 0, 0) != LUA_OK) {
		ox_error_data_clear (e);
		g_strlcpy (e->sqlstate, OX_LUA_ERR_OUT_OF_MEMORY, sizeof e->sqlstate);
		e->message = g_strdup (st->mem_refused ? "Lua memory limit exceeded" : "out of memory");
	}
}

/* The context line an error leaving a call gets (g_malloc'd). */
static char *
call_context (OxLuaRoutine *st, OxLuaPhase phase, int line)
{
	OxRoutine *r = st->routine;
	const char *sig = r->signature ? r->signature : r->obj.name;
	if (phase == OX_LUA_PHASE_RESULT)
		return g_strdup_printf ("Lua function %s while converting its result", sig);
	if (line > 0)
		return g_strdup_printf ("Lua function %s line %d", sig, line);
	return g_strdup_printf ("Lua function %s", sig);
}

/*
 * Errors for the debugger (debug.h's on_error), reported while the stack
 * they were raised on is still there, so that the frame stops at the
 * line of the error with the locals of the function that raised it:
 *
 *   - an error the ox module raises to Lua code (an engine error out of
 *     ox.query, ox.exec, ox.rows; ox.error; a conversion error) where it
 *     is raised, whether or not a pcall catches it: ox_lua_debug_raised;
 *   - any error leaving the call, from the message handler of the call's
 *     lua_pcall, which Lua runs before it unwinds: msgh_cb.
 *
 * The message handler marks the frame error_reported, so routine.c does
 * not report the error again once the call has returned, and skips the
 * error already reported as raised (lc->reported, the same table: an
 * error reported twice at one depth would stop the debugger twice).
 *
 * NOTE: Lua's own errors (error(), a runtime error) that a pcall in the
 * routine catches are not reported: Lua calls no handler of ours for them
 * (pcall sets none, and a Lua debug hook sees no errors).
 * NOTE: a memory error is not reported here either: Lua raises it without
 * calling the message handler.  routine.c reports it when the call has
 * returned, at the last line the frame knew.
 * NOTE: neither report may raise through Lua (the hook may block, and the
 * debugger inspects the frame meanwhile, with hooks off) and neither runs
 * Lua code for a limit: decode_error takes a sticky error from st->fatal.
 */

/* The call's frame when the debugger is to hear of an error in it now:
 * the session has hooks (they are off while the debugger inspects a frame)
 * and the frame is the top one. */
static OxFrame *
reporting_frame (OxLuaCall *lc)
{
	if (!lc || !lc->frame)
		return NULL;
	struct OxSession *s = lc->pl->session;
	return ox_debug_active (s) && s->top_frame == lc->frame ? lc->frame : NULL;
}

/* Report e, raised at body line 'line' (0: not known) of call lc, whose
 * frame is the top one, with the call's context line added as it will be
 * when it leaves the call.  e is not changed.  (Not error_reported: a
 * pcall may still catch it; the message handler marks the frame.) */
static void
report_error (OxLuaRoutine *st, OxLuaCall *lc, const OxErrorData *e, int line)
{
	struct OxSession *s = lc->pl->session;
	/* without a line hook (no steps wanted) the frame's line is stale */
	if (line > 0)
		ox_debug_set_line (s, line, 1);
	char *here = call_context (st, lc->phase, line);
	char *both = e->context ? g_strconcat (e->context, "\n", here, NULL) : NULL;
	OxErrorData shown = *e;
	shown.context = both ? both : here;
	ox_debug_error (s, &shown, false);
	g_free (both);
	g_free (here);
}

void
ox_lua_debug_raised (lua_State *L, OxLuaRoutine *st, OxErrorData *e, bool owned)
{
	OxLuaCall *lc = st->call;
	if (G_LIKELY (!reporting_frame (lc)) || lua_type (L, -1) != LUA_TTABLE || !lua_checkstack (L, 1)) {
		if (owned)
			ox_error_data_clear (e);
		return;
	}
	lua_pushvalue (L, -1);
	if (lc->reported_ref == LUA_NOREF)
		lc->reported_ref = luaL_ref (L, LUA_REGISTRYINDEX);    /* may raise: nothing reported yet */
	else
		lua_rawseti (L, LUA_REGISTRYINDEX, lc->reported_ref);  /* an existing key: no allocation */
	lc->reported = lua_topointer (L, -1);
	if (st->fatal.sqlstate[0] && !strcmp (st->fatal.sqlstate, e->sqlstate))
		lc->fatal_reported = true;
	OxErrorData mine = *e;
	if (owned)
		memset (e, 0, sizeof *e);
	report_error (st, lc, &mine, ox_lua_current_line (L, st));
	if (owned)
		ox_error_data_clear (&mine);
}

/* The message handler's report of the error (index 1) leaving call lc. */
static void
report_leaving (lua_State *L, OxLuaRoutine *st, OxLuaCall *lc)
{
	bool fatal = st->fatal.sqlstate[0] != '\0';
	if ((lc->reported && lua_topointer (L, 1) == lc->reported) || (fatal && lc->fatal_reported)) {
		/* reported where it was raised; a pcall may have caught and
		 * re-raised it since */
		lc->frame->error_reported = true;
		return;
	}
	if (!lua_checkstack (L, 4))
		return;  /* routine.c reports it, once the stack has unwound */
	OxErrorData e = { 0 };
	decode_error (L, st, LUA_ERRRUN, &e);
	if (!fatal && st->fatal.sqlstate[0]) {
		/* decoding it (a __tostring, an __index of the error table) ran
		 * into a limit: that is the error leaving the call now */
		ox_error_data_clear (&e);
		decode_error (L, st, LUA_ERRRUN, &e);
	}
	report_error (st, lc, &e, lc->err_line);
	ox_error_data_clear (&e);
	lc->frame->error_reported = true;
}

/* lua_pcall's message handler: note the body line where the error was
 * raised and, for a debugger, report the error, while the stack is still
 * there.  Raises nothing: what may raise runs under lua_pcall. */
static int
msgh_cb (lua_State *L)
{
	OxLuaRoutine *st = ox_lua_routine (L);
	OxLuaCall *lc = st->call;
	if (!lc)
		return 1;
	if (lc->phase == OX_LUA_PHASE_BODY && !lc->err_line)
		lc->err_line = ox_lua_current_line (L, st);
	if (G_UNLIKELY (reporting_frame (lc)))
		report_leaving (L, st, lc);
	return 1;
}

static void __attribute__ ((noreturn))
raise_from_call (OxLuaRoutine *st, OxLuaPhase phase, int line, OxErrorData *e)
{
	char *here = call_context (st, phase, line);
	OX_TRY {
		ox_error_rethrow (e);
	} OX_CATCH {
		ox_error_add_context ("%s", here);
		g_free (here);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	g_assert_not_reached ();
}

/* The outermost call on this state sets the limits and clears what the
 * last call left. */
static void
call_begin (OxLuaRoutine *st, struct OxSession *s)
{
	int64_t max_memory = setting_int (s, "lua.max_memory", OX_LUA_DEFAULT_MAX_MEMORY, true);
	int64_t max_insn = setting_int (s, "lua.max_instructions", OX_LUA_DEFAULT_MAX_INSTRUCTIONS, false);
	st->mem_limit = (size_t) max_memory;
	st->mem_refused = false;
	st->insn_limit = max_insn;
	st->insn_done = 0;
	ox_error_data_clear (&st->fatal);
	st->insn_step = OX_LUA_INSN_STEP;
	if (max_insn > 0 && max_insn < st->insn_step)
		st->insn_step = (int) max_insn;
	/* line events only while the debugger wants this frame's steps; the
	 * count hook asks again at every tick (a breakpoint set or a pause
	 * requested while the routine runs) */
	st->debugger = ox_debug_active (s) && ox_debug_step_wanted (s);
	lua_sethook (st->L, hook_cb, hook_mask (st), st->insn_step);
}

static void
call_end (OxLuaRoutine *st)
{
	/* After a limit, give the garbage back now rather than at some later
	 * call's allocation. */
	if (st->fatal.sqlstate[0] || st->mem_refused) {
		size_t limit = st->mem_limit;
		st->mem_limit = 0;
		lua_sethook (st->L, NULL, 0, 0);
		lua_gc (st->L, LUA_GCCOLLECT);
		st->mem_limit = limit;
	}
	ox_error_data_clear (&st->fatal);
	ox_error_data_clear (&st->pending);
}

/*
 * The C stack that nested Lua calls on one thread may use, counted from
 * the outermost Lua call.  One level of a Lua routine calling itself
 * through SQL takes about 3 kB of C stack (8.4 kB under ASan), measured
 * at depth 100 to 500: the engine's own limit of 1000 routine levels
 * comes first in a normal build, while under ASan, or on a thread with a
 * smaller stack, this stops the recursion with 54001 before the stack
 * overflows into a crash.  (The engine could check the real stack depth
 * for every language, as PostgreSQL's check_stack_depth does.)
 */
#define OX_LUA_MAX_C_STACK ((size_t) 4 * 1024 * 1024)

static _Thread_local const char *lua_stack_base;  /* in the outermost Lua call's frame; NULL: none */

static int
newthread_protected (lua_State *L)
{
	lua_newthread (L);
	return 1;
}

static void frame_attach (OxLuaCall *lc, lua_State *L);
static void frame_detach (OxLuaCall *lc);

static void
lua_call_routine (void *compiled, OxPlCall *c)
{
	OxLuaRoutine *st = compiled;
	char here;
	const char *stack_base = lua_stack_base;
	if (stack_base) {
		size_t used = stack_base > &here ? (size_t) (stack_base - &here) : (size_t) (&here - stack_base);
		if (used > OX_LUA_MAX_C_STACK)
			ox_raise_full (OX_ERR_STATEMENT_TOO_COMPLEX, 0, NULL,
			               "Lua routines nested through SQL used more than 4 MB of C stack; "
			               "check the exit condition of the recursion.",
			               "stack depth limit exceeded");
	}
	if (st->depth == 0)
		call_begin (st, c->session);
	/* A nested call (this routine called through SQL from itself) runs on
	 * a new Lua thread, made and anchored on the thread whose C function
	 * is inside the engine.  Running it on that thread itself would work
	 * too, but Lua counts C calls per thread and stops at 200 ("C stack
	 * overflow"), about 60 levels of SQL recursion; the engine's own
	 * limit (max_stack_depth_routines, 1000) should be the one that
	 * counts, as for the other languages. */
	lua_State *outer = st->running;
	int outer_base = 0;
	lua_State *L = st->L;
	if (outer) {
		outer_base = lua_gettop (outer);
		if (!lua_checkstack (outer, 4))
			ox_raise (OX_ERR_STATEMENT_TOO_COMPLEX, 0, "stack depth limit exceeded in Lua function %s",
			          st->routine->obj.name);
		lua_pushcfunction (outer, newthread_protected);
		if (lua_pcall (outer, 0, 1, 0) != LUA_OK) {
			lua_settop (outer, outer_base);
			ox_raise (OX_LUA_ERR_OUT_OF_MEMORY, 0, "%s",
			          st->mem_refused ? "Lua memory limit exceeded" : "out of memory");
		}
		L = lua_tothread (outer, -1);
	}
	int base = lua_gettop (L);
	OxLuaCall lc = { .pl = c, .prev = st->call, .info_ref = LUA_NOREF, .reported_ref = LUA_NOREF,
	                 .phase = OX_LUA_PHASE_ARGS };
	st->call = &lc;
	st->depth++;
	struct OxSession *s = c->session;
	if (ox_debug_active (s) && s->top_frame && s->top_frame->call == c)
		frame_attach (&lc, L);

	lua_pushcfunction (L, msgh_cb);
	lua_pushcfunction (L, call_protected);
	lua_pushlightuserdata (L, &lc);
	if (!stack_base)
		lua_stack_base = &here;
	int status = lua_pcall (L, 1, 0, base + 1);
	lua_stack_base = stack_base;
	bool framed = lc.frame != NULL;
	frame_detach (&lc);
	OxErrorData err = { 0 };
	if (status != LUA_OK)
		decode_error (L, st, status, &err);
	lua_settop (L, base);
	if (outer)
		lua_settop (outer, outer_base);

	if (lc.info_ref != LUA_NOREF)
		luaL_unref (L, LUA_REGISTRYINDEX, lc.info_ref);
	if (lc.reported_ref != LUA_NOREF)
		luaL_unref (L, LUA_REGISTRYINDEX, lc.reported_ref);
	ox_lua_close_cursors (st, &lc);
	g_clear_pointer (&lc.scratch, ox_arena_free);
	st->call = lc.prev;
	st->depth--;
	if (st->depth == 0)
		call_end (st);
	/* the frame's position, for routine.c's report when the message
	 * handler could not make it (no Lua stack left to decode the error) */
	if (status != LUA_OK && framed && lc.err_line > 0 && ox_debug_active (s))
		ox_debug_set_line (s, lc.err_line, 1);
	if (status != LUA_OK)
		raise_from_call (st, lc.phase, lc.err_line, &err);
}

/* ---- the debugger's view of a frame ------------------------------------------------------------ *
 *
 * OxFrameOps (debug-internal.h) for the frame of a Lua call.  Scopes:
 *
 *   Arguments  the input arguments, under their SQL names and types: the
 *              first locals of the body's main function (locals_prefix).
 *              Before the body has made them locals (on its first line)
 *              and after a tail call has replaced the main function, the
 *              values the call passed.
 *   Locals     the active locals of the innermost function of the body
 *              running in this call (the main function, or a function it
 *              called), then that function's upvalues (not _ENV); the
 *              arguments and Lua's internal "(temporary)" names are left
 *              out, and a name declared twice shows its innermost
 *              declaration.  Locals of a coroutine the call resumed are not
 *              shown (it runs on a thread of its own).
 *   Special    for trigger and event trigger calls, ox.op, ox.new, ox.old,
 *              ox.args ... as the routine sees them: ox.new with the edits
 *              made to it so far.  It replaces the generic TG_*, NEW and
 *              OLD, which would show the row as it was before the edits.
 *
 * Values are shown as lua-value.c describes (ox_lua_debug_value).
 *
 * Evaluation compiles "return <expr>" with an environment that finds the
 * locals of every function of this call on the stack (innermost first),
 * then the upvalues of the innermost one, then the routine's globals.  It
 * runs on a new Lua thread under the count hook with a fresh
 * lua.max_instructions budget, inside a subtransaction when a transaction
 * is open (rolled back when it fails), with ox.commit refused as in
 * pcall and st->call pointing at this call, so ox.new and ox.query work.
 * The paused call's budget, sticky error and memory flag are put back
 * afterwards: a limit hit by an evaluation does not end the routine.
 * Errors: 42601 for a syntax error, the SQLSTATE of an engine error or of
 * ox.error, 38000 for any other Lua error, 54000 past the instruction
 * limit, 53200 past lua.max_memory.
 *
 * Setting: one name sets a local (lua_setlocal) or an upvalue; an
 * argument takes the value cast to its SQL type and back, as the call
 * would have passed it (22P02 and friends when it does not cast); a
 * longer path sets a table's field or element (raw).  ox.* names of the
 * Special scope cannot be set, their fields can (ox.new.price).
 *
 * NOTE: where the call is on its thread.  The frame may be stopped in its
 * own line hook, or be the parent of a frame that is: its thread is then
 * inside a C function such as ox.query, with the engine and other
 * routines' states above it.  Either way the body's main function is the
 * second stack level above those the thread had when the call began
 * (lc->base_levels; the first is call_protected), counted from the
 * bottom, so the C functions below find it from their own level 0 the
 * same way.  (base_levels is 0 today: a call runs on st->L when nothing
 * else runs there, or on a fresh thread; it is counted so that stays
 * right if that changes.)  A nested call of the same routine runs on a thread of its
 * own, so no other call's functions are in between.
 * NOTE: all Lua work runs in lua_pcalls on the frame's thread, never
 * raising through the engine's frames (lua-private.h); the thread's stack
 * is put back before an error is raised with ox_raise.  Inside a line hook
 * Lua runs no hooks on that thread, which is why evaluation gets a thread
 * of its own, where the count hook (limit, cancel) does run.  Everything
 * runs on the session's OS thread, while a debugger hook blocks.
 */

typedef enum SlotKind {
	SLOT_LOCAL,    /* lua_getlocal (level, n) */
	SLOT_UPVALUE,  /* upvalue n of the function at level */
	SLOT_ARG,      /* an argument the body has not made a local: the value the call passed */
	SLOT_INFO,     /* a key of the call's info table (ox.new ...) */
} SlotKind;

/* A variable of a scope, as the inspecting C function sees the stack. */
typedef struct Slot {
	SlotKind    kind;
	int         level;  /* LOCAL, UPVALUE: stack level of the function */
	int         n;      /* LOCAL, UPVALUE: Lua's index; ARG: the input's number */
	int         input;  /* the input argument (0-based) it holds, or -1 */
	const char *name;   /* as listed: a prototype's string, an input's name, "ox.new" */
	const char *key;    /* INFO: the key ("new") */
} Slot;

typedef enum InspectMode {
	INSPECT_VARIABLES,
	INSPECT_EVALUATE,
	INSPECT_ASSIGN,
} InspectMode;

/* One inspection: what was asked, what it needs, what it changed. */
typedef struct Inspect {
	OxLuaRoutine      *st;
	OxLuaCall         *lc;
	lua_State         *L;              /* the call's thread */
	int                top;            /* L's stack top before, restored after */
	InspectMode        mode;
	OxScope            scope;
	const char *const *path;
	int                npath;
	const char        *expr;
	GArray            *out;            /* VARIABLES: OxVariable (the caller's) */
	OxVariable        *var;            /* EVALUATE, ASSIGN: the result (the caller's) */
	GArray            *slots;          /* Slot, found by the protected functions */
	OxArena           *arena;          /* input names, types and datums */
	int                ninputs;
	const char       **input_names;    /* per input: its SQL name, or "$n" */
	const char       **input_types;    /* per input: its type as PostgreSQL prints it */
	int               *input_arg;      /* per input: its index in r->args */
	OxLuaDatum        *input_datums;   /* per input: the value the call passed */
	const OxLuaDatum  *assign_datum;   /* ASSIGN to an argument: the value cast to its type */
	bool               syntax;         /* eval_run: the chunk did not compile */
	bool               sub;            /* a subtransaction began at mark */
	guint              mark;
	bool               failed;         /* err holds the error to raise */
	OxErrorData        err;
	/* what inspection changes in st, put back by inspect_finish */
	OxErrorData        saved_fatal;
	int64_t            saved_insn_done;
	int                saved_insn_step;
	bool               saved_mem_refused;
	OxLuaCall         *saved_call;
} Inspect;

#define EVAL_CHUNK "expression"  /* chunk name of an evaluated expression */

/* The levels of the body's functions in this call. */
typedef struct Where {
	int top;   /* the level the main function was called at, or -1 before and after the body */
	int main;  /* top when the main function is still there (no tail call), else -1 */
	int fn;    /* the innermost function of the body in this call, or -1 */
} Where;

static bool
body_function (lua_State *L, OxLuaRoutine *st, int level, lua_Debug *ar)
{
	return lua_getstack (L, level, ar) && lua_getinfo (L, "S", ar) && strcmp (ar->what, "C") != 0 &&
	       !strcmp (ar->source, st->chunkname);
}

static Where
find_where (lua_State *L, Inspect *in)
{
	Where w = { -1, -1, -1 };
	if (in->lc->phase != OX_LUA_PHASE_BODY)
		return w;
	lua_Debug ar;
	int total = 0;
	while (lua_getstack (L, total, &ar))
		total++;
	w.top = total - 2 - in->lc->base_levels;
	if (w.top < 0) {
		w.top = -1;  /* cannot happen while the body runs */
		return w;
	}
	for (int l = 0; l <= w.top; l++) {
		if (!body_function (L, in->st, l, &ar))
			continue;
		if (w.fn < 0)
			w.fn = l;
		if (l == w.top && !strcmp (ar.what, "main"))
			w.main = l;
	}
	return w;
}

static const Slot *
find_slot (Inspect *in, const char *name)
{
	for (guint i = in->slots->len; i-- > 0;) {
		const Slot *sl = &g_array_index (in->slots, Slot, i);
		if (!strcmp (sl->name, name))
			return sl;
	}
	return NULL;
}

static void
argument_slots (lua_State *L, Inspect *in, Where w)
{
	lua_Debug ar;
	bool have = w.main >= 0 && lua_getstack (L, w.main, &ar);
	for (int k = 0; k < in->ninputs; k++) {
		Slot sl = { .kind = SLOT_ARG, .n = k, .input = k, .name = in->input_names[k] };
		const char *nm = have ? lua_getlocal (L, &ar, k + 1) : NULL;
		if (nm) {
			lua_pop (L, 1);
			if (nm[0] != '(') {
				sl.kind = SLOT_LOCAL;
				sl.level = w.main;
				sl.n = k + 1;
			}
		}
		g_array_append_val (in->slots, sl);
	}
}

static void
local_slots (lua_State *L, Inspect *in, Where w)
{
	lua_Debug ar;
	if (w.fn < 0 || !lua_getstack (L, w.fn, &ar))
		return;
	const char *nm;
	int first = w.fn == w.main ? in->ninputs + 1 : 1;
	for (int n = first; (nm = lua_getlocal (L, &ar, n)) != NULL; n++) {
		lua_pop (L, 1);
		if (nm[0] == '(')
			continue;
		/* a name declared again hides the earlier one */
		for (guint i = 0; i < in->slots->len; i++)
			if (!strcmp (g_array_index (in->slots, Slot, i).name, nm)) {
				g_array_remove_index (in->slots, i);
				break;
			}
		Slot sl = { .kind = SLOT_LOCAL, .level = w.fn, .n = n, .input = -1, .name = nm };
		g_array_append_val (in->slots, sl);
	}
	if (w.fn == w.main)
		return;  /* the main function's only upvalue is _ENV */
	lua_getinfo (L, "f", &ar);
	for (int n = 1; (nm = lua_getupvalue (L, -1, n)) != NULL; n++) {
		lua_pop (L, 1);
		if (*nm && strcmp (nm, "_ENV") != 0 && !find_slot (in, nm)) {
			Slot sl = { .kind = SLOT_UPVALUE, .level = w.fn, .n = n, .input = -1, .name = nm };
			g_array_append_val (in->slots, sl);
		}
	}
	lua_pop (L, 1);
}

/* The keys of a call's info table (lua-ox.c's is_call_key), in display order. */
static const char *const info_keys[][2] = {
	{ "op", "ox.op" }, { "when", "ox.when" }, { "level", "ox.level" },
	{ "trigger_name", "ox.trigger_name" }, { "table_name", "ox.table_name" },
	{ "table_schema", "ox.table_schema" }, { "args", "ox.args" }, { "new", "ox.new" },
	{ "old", "ox.old" }, { "event", "ox.event" }, { "tag", "ox.tag" },
};

static void
special_slots (lua_State *L, Inspect *in)
{
	if (in->lc->info_ref == LUA_NOREF)
		return;
	lua_rawgeti (L, LUA_REGISTRYINDEX, in->lc->info_ref);
	for (size_t i = 0; i < G_N_ELEMENTS (info_keys); i++) {
		if (lua_getfield (L, -1, info_keys[i][0]) != LUA_TNIL) {
			Slot sl = { .kind = SLOT_INFO, .input = -1, .name = info_keys[i][1], .key = info_keys[i][0] };
			g_array_append_val (in->slots, sl);
		}
		lua_pop (L, 1);
	}
	lua_pop (L, 1);
}

static void
scope_slots (lua_State *L, Inspect *in, Where w)
{
	g_array_set_size (in->slots, 0);
	switch (in->scope) {
	case OX_SCOPE_ARGUMENTS:
		argument_slots (L, in, w);
		return;
	case OX_SCOPE_LOCALS:
		local_slots (L, in, w);
		return;
	case OX_SCOPE_SPECIAL:
		special_slots (L, in);
		return;
	default:
		return;  /* the ops refuse other scopes before any pcall */
	}
}

static void
push_slot (lua_State *L, Inspect *in, const Slot *sl)
{
	lua_Debug ar;
	switch (sl->kind) {
	case SLOT_LOCAL:
		if (!lua_getstack (L, sl->level, &ar) || !lua_getlocal (L, &ar, sl->n))
			lua_pushnil (L);
		return;
	case SLOT_UPVALUE:
		if (!lua_getstack (L, sl->level, &ar)) {
			lua_pushnil (L);
			return;
		}
		lua_getinfo (L, "f", &ar);
		if (!lua_getupvalue (L, -1, sl->n))
			lua_pushnil (L);
		lua_remove (L, -2);
		return;
	case SLOT_ARG:
		ox_lua_push_datum (L, in->st, &in->input_datums[sl->n]);
		return;
	case SLOT_INFO:
		lua_rawgeti (L, LUA_REGISTRYINDEX, in->lc->info_ref);
		lua_getfield (L, -1, sl->key);
		lua_remove (L, -2);
		return;
	}
}

static const char *
slot_type (Inspect *in, const Slot *sl)
{
	return sl->input >= 0 ? in->input_types[sl->input] : NULL;
}

/* Push the value path[0 .. n-1] names, or raise 42704. */
static void
push_path (lua_State *L, Inspect *in, int n)
{
	const Slot *sl = find_slot (in, in->path[0]);
	if (!sl)
		ox_lua_error (L, OX_ERR_UNDEFINED_OBJECT, "no variable \"%s\" in %s", in->path[0],
		              ox_scope_name (in->scope));
	push_slot (L, in, sl);
	for (int i = 1; i < n; i++) {
		if (lua_type (L, -1) != LUA_TTABLE)
			ox_lua_error (L, OX_ERR_UNDEFINED_OBJECT, "\"%s\" is a Lua %s and has no fields", in->path[i - 1],
			              luaL_typename (L, -1));
		ox_lua_debug_push_key (L, -1, in->path[i]);
		if (lua_rawget (L, -2) == LUA_TNIL)
			ox_lua_error (L, OX_ERR_UNDEFINED_OBJECT, "no field \"%s\" in \"%s\"", in->path[i], in->path[i - 1]);
		lua_remove (L, -2);
	}
}

/* Protected, on the call's thread (1: the Inspect). */
static int
variables_protected (lua_State *L)
{
	Inspect *in = lua_touserdata (L, 1);
	luaL_checkstack (L, 16, "inspecting a Lua frame");
	scope_slots (L, in, find_where (L, in));
	if (in->npath == 0) {
		for (guint i = 0; i < in->slots->len; i++) {
			const Slot *sl = &g_array_index (in->slots, Slot, i);
			push_slot (L, in, sl);
			g_array_set_size (in->out, in->out->len + 1);
			ox_lua_debug_value (L, in->st, -1, sl->name, slot_type (in, sl),
			                    &g_array_index (in->out, OxVariable, in->out->len - 1));
			lua_pop (L, 1);
		}
		return 0;
	}
	push_path (L, in, in->npath);
	if (lua_type (L, -1) != LUA_TTABLE)
		ox_lua_error (L, OX_ERR_UNDEFINED_OBJECT, "\"%s\" is a Lua %s and has no fields",
		              in->path[in->npath - 1], luaL_typename (L, -1));
	ox_lua_debug_children (L, in->st, -1, in->out);
	return 0;
}

/* ---- evaluation ---- */

static char eval_nil;  /* stands for a local that is nil in the table of names */

/* __index of an expression's environment: upvalue 1 the names, 2 the globals. */
static int
eval_index (lua_State *L)
{
	lua_pushvalue (L, 2);
	if (lua_rawget (L, lua_upvalueindex (1)) != LUA_TNIL) {
		if (lua_touserdata (L, -1) == &eval_nil)
			lua_pushnil (L);
		return 1;
	}
	lua_pushvalue (L, 2);
	lua_gettable (L, lua_upvalueindex (2));
	return 1;
}

/* names[name] = the value on top (popped). */
static void
set_name (lua_State *L, int names, const char *name)
{
	if (lua_isnil (L, -1)) {
		lua_pop (L, 1);
		lua_pushlightuserdata (L, &eval_nil);
	}
	lua_setfield (L, names, name);
}

/* Push the table of the names an expression sees; later entries replace
 * earlier ones, so the lowest precedence goes in first. */
static void
push_names (lua_State *L, Inspect *in, Where w)
{
	lua_newtable (L);
	int names = lua_gettop (L);
	lua_Debug ar;
	const char *nm;
	if (w.fn >= 0 && w.fn != w.main && lua_getstack (L, w.fn, &ar)) {
		lua_getinfo (L, "f", &ar);
		for (int n = 1; (nm = lua_getupvalue (L, -1, n)) != NULL; n++) {
			if (*nm && strcmp (nm, "_ENV") != 0)
				set_name (L, names, nm);
			else
				lua_pop (L, 1);
		}
		lua_pop (L, 1);
	}
	/* arguments the body has not made locals yet */
	g_array_set_size (in->slots, 0);
	argument_slots (L, in, w);
	OxRoutine *r = in->lc->pl->routine;
	for (guint i = 0; i < in->slots->len; i++) {
		const Slot *sl = &g_array_index (in->slots, Slot, i);
		const char *lname = r->args[in->input_arg[sl->input]].name;
		if (sl->kind == SLOT_ARG && lua_name_ok (lname)) {
			push_slot (L, in, sl);
			set_name (L, names, lname);
		}
	}
	/* the locals of the body's functions, outermost first */
	for (int l = w.top; l >= 0; l--) {
		if (!body_function (L, in->st, l, &ar))
			continue;
		for (int n = 1; (nm = lua_getlocal (L, &ar, n)) != NULL; n++) {
			if (nm[0] != '(')
				set_name (L, names, nm);
			else
				lua_pop (L, 1);
		}
	}
}

/* Protected, on the evaluation's thread (1: environment, 2: the Inspect):
 * compile and run "return <expr>"; its first value is the result (on a
 * syntax error, the message, with in->syntax set). */
static int
eval_run (lua_State *T)
{
	Inspect *in = lua_touserdata (T, 2);
	lua_pushfstring (T, "return %s", in->expr);
	size_t len;
	const char *src = lua_tolstring (T, -1, &len);
	int status = luaL_loadbufferx (T, src, len, "=" EVAL_CHUNK, "t");
	if (status == LUA_ERRSYNTAX) {
		in->syntax = true;
		return 1;
	}
	if (status != LUA_OK)
		return lua_error (T);
	lua_pushvalue (T, 1);
	lua_setupvalue (T, -2, 1);
	lua_call (T, 0, 1);
	return 1;
}

/* "expression:1: text" -> "text" (the message is g_malloc'd). */
static void
strip_eval_prefix (char *m)
{
	if (!m)
		return;
	const char *p = skip_chunk_prefix (EVAL_CHUNK, m);
	if (p != m)
		memmove (m, p, strlen (p) + 1);
}

/* Protected, on the call's thread (1: the Inspect): evaluate in->expr in
 * the frame's scope; the value is the result (nil with in->failed set
 * when it failed).  For INSPECT_EVALUATE it also fills in->var. */
static int
evaluate_protected (lua_State *L)
{
	Inspect *in = lua_touserdata (L, 1);
	OxLuaRoutine *st = in->st;
	luaL_checkstack (L, 16, "inspecting a Lua frame");
	Where w = find_where (L, in);
	push_names (L, in, w);
	int names = lua_gettop (L);
	lua_createtable (L, 0, 0);
	int env = lua_gettop (L);
	lua_createtable (L, 0, 1);
	lua_pushvalue (L, names);
	lua_rawgeti (L, LUA_REGISTRYINDEX, st->env_ref);
	lua_pushcclosure (L, eval_index, 2);
	lua_setfield (L, -2, "__index");
	lua_setmetatable (L, env);
	/* A thread of its own: L may be inside its line hook, where Lua runs
	 * no hooks, and the count hook must run to enforce the limit. */
	lua_State *T = lua_newthread (L);
	lua_sethook (T, hook_cb, LUA_MASKCOUNT, st->insn_step);
	lua_pushcfunction (T, eval_run);
	lua_pushvalue (L, env);
	lua_xmove (L, T, 1);
	lua_pushlightuserdata (T, in);
	int status = lua_pcall (T, 2, 1, 0);
	if (status != LUA_OK || in->syntax) {
		if (in->syntax) {
			g_strlcpy (in->err.sqlstate, OX_ERR_SYNTAX, sizeof in->err.sqlstate);
			in->err.message = g_strdup (lua_tostring (T, -1) ? lua_tostring (T, -1) : "syntax error");
		} else
			decode_error (T, st, status, &in->err);
		strip_eval_prefix (in->err.message);
		in->failed = true;
		lua_pushnil (L);
		return 1;
	}
	lua_xmove (T, L, 1);
	if (in->mode == INSPECT_EVALUATE)
		ox_lua_debug_value (L, st, -1, in->expr, NULL, in->var);
	return 1;
}

/* Protected, on the call's thread (1: the Inspect, 2: the new value):
 * set what in->path names and fill in->var with it. */
static int
assign_protected (lua_State *L)
{
	Inspect *in = lua_touserdata (L, 1);
	OxLuaRoutine *st = in->st;
	luaL_checkstack (L, 16, "inspecting a Lua frame");
	if (in->assign_datum) {
		ox_lua_push_datum (L, st, in->assign_datum);
		lua_replace (L, 2);
	}
	scope_slots (L, in, find_where (L, in));
	const char *last = in->path[in->npath - 1];
	const char *type = NULL;
	lua_Debug ar;
	if (in->npath == 1) {
		const Slot *sl = find_slot (in, last);
		if (!sl)
			ox_lua_error (L, OX_ERR_UNDEFINED_OBJECT, "no variable \"%s\" in %s", last, ox_scope_name (in->scope));
		switch (sl->kind) {
		case SLOT_LOCAL:
			lua_getstack (L, sl->level, &ar);
			lua_pushvalue (L, 2);
			if (!lua_setlocal (L, &ar, sl->n))
				lua_pop (L, 1);
			break;
		case SLOT_UPVALUE:
			lua_getstack (L, sl->level, &ar);
			lua_getinfo (L, "f", &ar);
			lua_pushvalue (L, 2);
			if (!lua_setupvalue (L, -2, sl->n))
				lua_pop (L, 1);
			lua_pop (L, 1);
			break;
		case SLOT_ARG:
			ox_lua_error (L, OX_ERR_FEATURE_NOT_SUPPORTED,
			              "argument \"%s\" cannot be set before the body has made it a local", last);
		case SLOT_INFO:
			ox_lua_error (L, OX_ERR_FEATURE_NOT_SUPPORTED, "%s cannot be set; its fields can", last);
		}
		type = slot_type (in, sl);
		push_slot (L, in, sl);
	} else {
		push_path (L, in, in->npath - 1);
		if (lua_type (L, -1) != LUA_TTABLE)
			ox_lua_error (L, OX_ERR_UNDEFINED_OBJECT, "\"%s\" is a Lua %s and has no fields",
			              in->path[in->npath - 2], luaL_typename (L, -1));
		int t = lua_gettop (L);
		if (!ox_lua_debug_push_key (L, t, last))
			ox_lua_error (L, OX_ERR_UNDEFINED_OBJECT, "no field \"%s\" in \"%s\"", last, in->path[in->npath - 2]);
		lua_pushvalue (L, -1);
		lua_pushvalue (L, 2);
		lua_rawset (L, t);
		lua_rawget (L, t);
	}
	ox_lua_debug_value (L, st, -1, last, type, in->var);
	return 0;
}

/* ---- the ops ---- */

static void
inspect_free (Inspect *in)
{
	g_array_free (in->slots, TRUE);
	ox_arena_free (in->arena);
	ox_error_data_clear (&in->err);
}

/* Gather what an inspection needs from the engine (may raise; nothing
 * has changed yet then), then set st up for it. */
static void
inspect_init (Inspect *in, OxFrame *f, InspectMode mode)
{
	memset (in, 0, sizeof *in);
	in->lc = f->ops_data;
	in->L = in->lc->L;
	in->st = ox_lua_routine (in->L);
	in->mode = mode;
	in->slots = g_array_new (FALSE, TRUE, sizeof (Slot));
	in->arena = ox_arena_new ();
	OxPlCall *c = in->lc->pl;
	OxRoutine *r = c->routine;
	int n = count_inputs (r);
	in->ninputs = n;
	in->input_names = OX_NEW_N (in->arena, const char *, n > 0 ? n : 1);
	in->input_types = OX_NEW_N (in->arena, const char *, n > 0 ? n : 1);
	in->input_arg = OX_NEW_N (in->arena, int, n > 0 ? n : 1);
	in->input_datums = OX_NEW_N (in->arena, OxLuaDatum, n > 0 ? n : 1);  /* zeroed: OX_LUA_NULL */
	OX_TRY {
		for (int i = 0, k = 0; i < r->nargs; i++) {
			if (!arg_is_input (&r->args[i]))
				continue;
			char pos[16];
			g_snprintf (pos, sizeof pos, "$%d", i + 1);
			in->input_names[k] = ox_arena_strdup (in->arena, r->args[i].name ? r->args[i].name : pos);
			in->input_types[k] = ox_type_format (in->arena, r->args[i].type);
			in->input_arg[k] = i;
			if (c->args)
				ox_lua_datum_from_value (c->session, &c->args[i], in->arena, &in->input_datums[k]);
			k++;
		}
	} OX_CATCH {
		inspect_free (in);
		ox_error_rethrow_current ();
	} OX_END_TRY;

	OxLuaRoutine *st = in->st;
	in->top = lua_gettop (in->L);
	in->saved_fatal = st->fatal;
	memset (&st->fatal, 0, sizeof st->fatal);
	in->saved_insn_done = st->insn_done;
	in->saved_insn_step = st->insn_step;
	in->saved_mem_refused = st->mem_refused;
	in->saved_call = st->call;
	st->call = in->lc;
	st->pcall_depth++;  /* ox.commit refuses, as inside pcall */
	st->insn_done = 0;
	st->insn_step = OX_LUA_INSN_STEP;
	if (st->insn_limit > 0 && st->insn_limit < st->insn_step)
		st->insn_step = (int) st->insn_limit;
}

/* Evaluation may write: do it in a subtransaction. */
static void
inspect_subxact (Inspect *in)
{
	struct OxSession *s = in->lc->pl->session;
	if (s->txn) {
		in->mark = ox_spi_subxact_begin (s);
		in->sub = true;
	}
}

/* Run fn protected on the call's thread with the Inspect (and the value
 * at vidx, when not 0) as arguments, leaving nresults. */
static void
inspect_pcall (Inspect *in, lua_CFunction fn, int vidx, int nresults)
{
	lua_State *L = in->L;
	if (!lua_checkstack (L, 4)) {
		g_strlcpy (in->err.sqlstate, OX_ERR_STATEMENT_TOO_COMPLEX, sizeof in->err.sqlstate);
		in->err.message = g_strdup ("no Lua stack left to inspect the frame");
		in->failed = true;
		return;
	}
	lua_pushcfunction (L, fn);
	lua_pushlightuserdata (L, in);
	if (vidx)
		lua_pushvalue (L, vidx);
	int status = lua_pcall (L, vidx ? 2 : 1, nresults, 0);
	if (status != LUA_OK) {
		ox_error_data_clear (&in->err);
		decode_error (L, in->st, status, &in->err);
		in->failed = true;
	}
}

/* Put the thread and st back, then raise the error if there was one. */
static void
inspect_finish (Inspect *in)
{
	OxLuaRoutine *st = in->st;
	lua_settop (in->L, in->top);
	ox_error_data_clear (&st->fatal);
	st->fatal = in->saved_fatal;
	st->insn_done = in->saved_insn_done;
	st->insn_step = in->saved_insn_step;
	st->mem_refused = in->saved_mem_refused;
	st->call = in->saved_call;
	st->pcall_depth--;
	if (in->failed) {
		OxErrorData e = in->err;
		memset (&in->err, 0, sizeof in->err);
		bool sub = in->sub;
		guint mark = in->mark;
		struct OxSession *s = in->lc->pl->session;
		inspect_free (in);
		if (sub)
			ox_spi_subxact_rollback (s, mark);
		ox_error_rethrow (&e);
	}
	inspect_free (in);
}

static unsigned
lua_frame_scopes (OxFrame *f)
{
	OxLuaCall *lc = f->ops_data;
	unsigned bits = 1u << OX_SCOPE_LOCALS;
	if (f->kind == OX_FRAME_ROUTINE || (lc && count_inputs (lc->pl->routine) > 0))
		bits |= 1u << OX_SCOPE_ARGUMENTS;
	if (lc && lc->info_ref != LUA_NOREF)
		bits |= 1u << OX_SCOPE_SPECIAL;
	return bits;
}

static bool
lua_frame_variables (OxFrame *f, OxScope scope, const char *const *path, int npath, GArray *out)
{
	if (!f->ops_data || !(lua_frame_scopes (f) & (1u << scope)))
		return false;
	Inspect in;
	inspect_init (&in, f, INSPECT_VARIABLES);
	in.scope = scope;
	in.path = path;
	in.npath = npath;
	in.out = out;
	inspect_pcall (&in, variables_protected, 0, 0);
	inspect_finish (&in);
	return true;
}

static void
lua_frame_evaluate (OxFrame *f, const char *expr, OxVariable *out)
{
	Inspect in;
	inspect_init (&in, f, INSPECT_EVALUATE);
	in.expr = expr;
	in.var = out;
	inspect_subxact (&in);
	inspect_pcall (&in, evaluate_protected, 0, 1);
	inspect_finish (&in);
}

/* An argument keeps its SQL type: the new value is cast to it and back,
 * as the call would have passed it. */
static void
cast_argument (Inspect *in, int vidx)
{
	lua_State *L = in->L;
	OxLuaRoutine *st = in->st;
	int k = -1;
	for (int i = 0; i < in->ninputs && k < 0; i++)
		if (!strcmp (in->input_names[i], in->path[0]))
			k = i;
	if (k < 0)
		return;  /* assign_protected reports the name */
	int t = lua_type (L, vidx);
	OxType type = in->lc->pl->routine->args[in->input_arg[k]].type;
	if (t != LUA_TNIL && t != LUA_TBOOLEAN && t != LUA_TNUMBER && t != LUA_TSTRING && !ox_lua_is_null (st, L, vidx)) {
		g_strlcpy (in->err.sqlstate, OX_ERR_DATATYPE_MISMATCH, sizeof in->err.sqlstate);
		in->err.message = g_strdup_printf ("cannot convert a Lua %s to %s", lua_typename (L, t), in->input_types[k]);
		in->failed = true;
		return;
	}
	OxLuaDatum d;
	ox_lua_datum_from_lua (L, st, vidx, &d, in->input_types[k]);  /* a scalar: cannot raise */
	OxLuaDatum *cast = OX_NEW (in->arena, OxLuaDatum);
	struct OxSession *s = in->lc->pl->session;
	OX_TRY {
		OxValue v = ox_lua_datum_to_value (s, &d, type, in->arena);
		ox_lua_datum_from_value (s, &v, in->arena, cast);
	} OX_CATCH {
		ox_error_take (&in->err);
		in->failed = true;
	} OX_END_TRY;
	if (!in->failed)
		in->assign_datum = cast;
}

static void
lua_frame_assign (OxFrame *f, OxScope scope, const char *const *path, int npath, const char *expr,
                  OxVariable *out)
{
	if (!f->ops_data || !(lua_frame_scopes (f) & (1u << scope)))
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "variables of the %s scope cannot be set", ox_scope_name (scope));
	Inspect in;
	inspect_init (&in, f, INSPECT_ASSIGN);
	in.scope = scope;
	in.path = path;
	in.npath = npath;
	in.expr = expr;
	in.var = out;
	inspect_subxact (&in);
	inspect_pcall (&in, evaluate_protected, 0, 1);
	int vidx = lua_gettop (in.L);
	if (!in.failed && scope == OX_SCOPE_ARGUMENTS && npath == 1)
		cast_argument (&in, vidx);
	if (!in.failed)
		inspect_pcall (&in, assign_protected, vidx, 0);
	inspect_finish (&in);
}

static const OxFrameOps lua_frame_ops = {
	.variables = lua_frame_variables,
	.evaluate = lua_frame_evaluate,
	.assign = lua_frame_assign,
	.scopes = lua_frame_scopes,
};

/* The call has its own frame: point the frame's ops at it. */
static void
frame_attach (OxLuaCall *lc, lua_State *L)
{
	struct OxSession *s = lc->pl->session;
	lua_Debug ar;
	lc->frame = s->top_frame;
	lc->L = L;
	lc->base_levels = 0;
	while (lua_getstack (L, lc->base_levels, &ar))
		lc->base_levels++;
	lc->frame->ops = &lua_frame_ops;
	lc->frame->ops_data = lc;
}

/* Before the call's C frame goes: the frame lives until on_leave. */
static void
frame_detach (OxLuaCall *lc)
{
	if (!lc->frame)
		return;
	lc->frame->ops = NULL;
	lc->frame->ops_data = NULL;
	lc->frame = NULL;
}

const OxLanguage ox_lang_lua = {
	.name = "lua",
	.display = "Lua",
	.compile = lua_compile,
	.call = lua_call_routine,
	.free = lua_free_compiled,
};

/*
 * lua-ox.c — the `ox` module of Lua routines: SQL, messages and errors.
 *
 *   ox.query(sql, ...)        run a statement, return a list of row tables
 *   ox.rows(sql, ...)         iterate: for row in ox.rows(sql, ...) do ... end
 *   ox.exec(sql, ...)         run a statement, return the rows it processed
 *   ox.log(level, fmt, ...)   string.format(fmt, ...) as a message of level
 *                             debug, log, info, notice or warning
 *   ox.error(sqlstate, message [, detail [, hint]])   raise that error
 *   ox.next(row)              emit a row from a set-returning function
 *   ox.commit(), ox.rollback()  transaction control in a procedure run by CALL
 *   ox.null                   the SQL NULL
 *   ox.new, ox.old, ox.op, ox.when, ox.level, ox.trigger_name, ox.table_name,
 *   ox.table_schema, ox.args  in trigger functions; ox.event, ox.tag in event
 *                             trigger functions (nil elsewhere)
 *   print(...)                ox.log("notice", ...) of its tab-separated arguments
 *
 * A row table has one key per column name (a later duplicate name wins)
 * and ox.null for NULLs.  Statements take $1, $2 ... and the extra
 * arguments as their values (lua-value.c gives their types); a plan is
 * prepared once per compiled routine and kept under its SQL text and the
 * kinds of its arguments.
 *
 * Errors.  An SQL error becomes a Lua error whose value is a table
 * {sqlstate=, message=, detail=, hint=, position=} (tostring gives the
 * message), so pcall can look at err.sqlstate; ox.error raises the same
 * kind of table, and so do the module's own checks (ox_lua_error).  The
 * debugger hears of each of these where it is raised, before any pcall
 * can catch it (ox_lua_debug_raised); of Lua's own errors (error(), a
 * runtime error) only when they leave the routine.  pcall and xpcall are
 * replaced by versions that roll back the writes made since they began
 * when they catch an error, as PL/pgSQL's BEGIN ... EXCEPTION block does:
 * without that, a caught failure of one statement would leave half its
 * writes behind.
 *
 * NOTE: a cursor (ox.rows, and ox.query while it reads) is a full
 * userdata listed in its call.  It is closed when it runs out of rows,
 * when a for loop over it is left (its __close), when it is collected,
 * and at the latest when the call that opened it ends — never later,
 * because the statement it belongs to would be gone by then.
 * NOTE: 57014 (cancel, statement_timeout) cannot be caught by pcall: it
 * is re-raised, like the limits kept in st->fatal.
 * NOTE: the replaced pcall is not yieldable: a coroutine cannot yield
 * from inside it ("attempt to yield across a C-call boundary").
 * coroutine.resume catches errors without rolling anything back.
 */
#include "lua-private.h"

#include <string.h>

#define CURSOR_MT "ox.cursor"

/* ---- errors ------------------------------------------------------------------------------ */

void
ox_lua_push_error (lua_State *L, OxLuaRoutine *st, const OxErrorData *e)
{
	lua_createtable (L, 0, 5);
	lua_pushstring (L, e->sqlstate);
	lua_setfield (L, -2, "sqlstate");
	lua_pushstring (L, e->message ? e->message : "");
	lua_setfield (L, -2, "message");
	if (e->detail) {
		lua_pushstring (L, e->detail);
		lua_setfield (L, -2, "detail");
	}
	if (e->hint) {
		lua_pushstring (L, e->hint);
		lua_setfield (L, -2, "hint");
	}
	if (e->position > 0) {
		lua_pushinteger (L, e->position);
		lua_setfield (L, -2, "position");
	}
	if (e->context) {
		lua_pushstring (L, e->context);
		lua_setfield (L, -2, "context");
	}
	lua_rawgeti (L, LUA_REGISTRYINDEX, st->errmt_ref);
	lua_setmetatable (L, -2);
}

int
ox_lua_error (lua_State *L, const char *sqlstate, const char *fmt, ...)
{
	/* A fixed buffer, not g_strdup_printf: lua_error below would leak it. */
	char buf[1024];
	va_list ap;
	va_start (ap, fmt);
	g_vsnprintf (buf, sizeof buf, fmt, ap);
	va_end (ap);
	OxErrorData e = { .message = buf };
	g_strlcpy (e.sqlstate, sqlstate, sizeof e.sqlstate);
	OxLuaRoutine *st = ox_lua_routine (L);
	ox_lua_push_error (L, st, &e);
	ox_lua_debug_raised (L, st, &e, false);
	lua_error (L);
	g_assert_not_reached ();
}

void
ox_lua_take_error (OxLuaRoutine *st)
{
	ox_error_data_clear (&st->pending);
	ox_error_take (&st->pending);
	/* A cancel must end the whole call, whatever pcall says. */
	if (!strcmp (st->pending.sqlstate, OX_ERR_QUERY_CANCELED) && !st->fatal.sqlstate[0]) {
		memcpy (st->fatal.sqlstate, st->pending.sqlstate, sizeof st->fatal.sqlstate);
		st->fatal.message = g_strdup (st->pending.message);
	}
}

int
ox_lua_raise_pending (lua_State *L, OxLuaRoutine *st)
{
	ox_lua_push_error (L, st, &st->pending);
	ox_lua_debug_raised (L, st, &st->pending, true);
	lua_error (L);
	g_assert_not_reached ();
}

static int
errmt_tostring (lua_State *L)
{
	lua_getfield (L, 1, "message");
	if (!lua_isstring (L, -1))
		lua_pushliteral (L, "(error without a message)");
	return 1;
}

static bool
valid_sqlstate (const char *s, size_t len)
{
	if (len != 5)
		return false;
	for (size_t i = 0; i < 5; i++)
		if (!g_ascii_isdigit (s[i]) && !g_ascii_isupper (s[i]))
			return false;
	return true;
}

/* ox.error(sqlstate, message [, detail [, hint]]) */
static int
ox_error_fn (lua_State *L)
{
	OxLuaRoutine *st = ox_lua_routine (L);
	size_t len;
	const char *state = luaL_checklstring (L, 1, &len);
	if (!valid_sqlstate (state, len))
		ox_lua_error (L, OX_ERR_INVALID_PARAMETER, "invalid SQLSTATE code \"%s\"", state);
	OxErrorData e = { .message = (char *) luaL_checkstring (L, 2) };
	memcpy (e.sqlstate, state, 6);
	e.detail = (char *) luaL_optstring (L, 3, NULL);
	e.hint = (char *) luaL_optstring (L, 4, NULL);
	ox_lua_push_error (L, st, &e);
	ox_lua_debug_raised (L, st, &e, false);  /* e's strings stay on the stack meanwhile */
	return lua_error (L);
}

/* ---- where we are ------------------------------------------------------------------------- */

int
ox_lua_current_line (lua_State *L, OxLuaRoutine *st)
{
	lua_Debug ar;
	for (int level = 0; lua_getstack (L, level, &ar); level++) {
		if (!lua_getinfo (L, "Sl", &ar))
			continue;
		if (ar.currentline > 0 && !strcmp (ar.source, st->chunkname))
			return ar.currentline;
	}
	return 0;
}

static OxLuaCall *
current_call (lua_State *L, OxLuaRoutine *st, const char *what)
{
	if (!st->call)
		ox_lua_error (L, OX_ERR_FEATURE_NOT_SUPPORTED, "%s can only be used while the routine runs", what);
	return st->call;
}

/* ---- cursors ------------------------------------------------------------------------------ */

typedef struct OxLuaCursor {
	OxSpiCursor *cur;        /* NULL once closed (or before it opened) */
	OxSpiPlan   *plan;       /* owned by st->plans */
	const char  *sql;        /* its text, for error context: kept with the plan, or in arena */
	bool         owns_plan;  /* plan is not cached: freed with the cursor */
	OxLuaCall   *call;       /* the call that opened it; NULL once closed */
	OxArena     *arena;      /* parameter values (live while the cursor is open) */
	OxArena     *row_arena;  /* one row's converted values, reset per fetch */
	int          ncols;
} OxLuaCursor;

static void
cursor_close (OxLuaRoutine *st, OxLuaCursor *k)
{
	if (k->cur) {
		OxSpiCursor *cur = k->cur;
		k->cur = NULL;
		OX_TRY {
			ox_spi_close (cur);
		} OX_CATCH {
			OxErrorData e;
			ox_error_take (&e);
			ox_error_data_clear (&e);
		} OX_END_TRY;
	}
	if (k->call) {
		g_ptr_array_remove_fast (k->call->cursors, k);
		k->call = NULL;
	}
	if (k->owns_plan) {
		k->owns_plan = false;
		ox_spi_free (k->plan);
	}
	k->plan = NULL;
	g_clear_pointer (&k->arena, ox_arena_free);
	g_clear_pointer (&k->row_arena, ox_arena_free);
}

static int
cursor_gc (lua_State *L)
{
	cursor_close (ox_lua_routine (L), luaL_checkudata (L, 1, CURSOR_MT));
	return 0;
}

void
ox_lua_close_cursors (OxLuaRoutine *st, OxLuaCall *lc)
{
	if (!lc->cursors)
		return;
	while (lc->cursors->len)
		cursor_close (st, g_ptr_array_index (lc->cursors, lc->cursors->len - 1));
	g_clear_pointer (&lc->cursors, g_ptr_array_unref);
}

/* An integer argument is typed as the same number written in the SQL
 * text would be: integer when it fits 32 bits, else bigint.  So
 * ox.query("select f($1)", n) finds f(integer), as "select f(5)" does. */
static bool
datum_is_int4 (const OxLuaDatum *d)
{
	return d->kind == OX_LUA_INT && d->i >= G_MININT32 && d->i <= G_MAXINT32;
}

static char
datum_kind_letter (const OxLuaDatum *d)
{
	return datum_is_int4 (d) ? 'i' : "nbIfs"[d->kind];
}

static OxType
datum_param_type (const OxLuaDatum *d)
{
	static const OxTypeId ids[] = { OX_T_UNKNOWN, OX_T_BOOL, OX_T_INT8, OX_T_FLOAT8, OX_T_UNKNOWN };
	return (OxType) { datum_is_int4 (d) ? OX_T_INT4 : ids[d->kind], -1 };
}

/* Plans kept per compiled routine.  A routine that builds its SQL text
 * ('select ' .. i) would otherwise keep one plan per text for the whole
 * session; past this many, new texts get a plan of their own that is
 * freed after use. */
#define OX_LUA_MAX_PLANS 256

/* The plan for sql with nd arguments of the kinds in d (prepared on first
 * use).  *cached_sql gets the text kept with a cached plan; *owned is set
 * when the plan is not cached and the caller must ox_spi_free it (then
 * *cached_sql is sql itself).  Engine half: raises. */
static OxSpiPlan *
get_plan (OxLuaRoutine *st, struct OxSession *s, const char *sql, const OxLuaDatum *d, int nd,
          const char **cached_sql, bool *owned)
{
	*owned = false;
	GString *key = g_string_sized_new (strlen (sql) + (size_t) nd + 1);
	for (int i = 0; i < nd; i++)
		g_string_append_c (key, datum_kind_letter (&d[i]));
	g_string_append_c (key, '\x1f');
	g_string_append (key, sql);
	gpointer found_key, p;
	if (g_hash_table_lookup_extended (st->plans, key->str, &found_key, &p)) {
		g_string_free (key, TRUE);
		*cached_sql = (const char *) found_key + nd + 1;
		return p;
	}
	OxType ptypes[nd > 0 ? nd : 1];
	for (int i = 0; i < nd; i++)
		ptypes[i] = datum_param_type (&d[i]);
	if (g_hash_table_size (st->plans) >= OX_LUA_MAX_PLANS) {
		g_string_free (key, TRUE);
		OX_TRY {
			p = ox_spi_prepare (s, sql, NULL, nd, ptypes);
		} OX_CATCH {
			ox_error_add_context ("SQL statement \"%s\"", sql);
			ox_error_rethrow_current ();
		} OX_END_TRY;
		*cached_sql = sql;
		*owned = true;
		return p;
	}
	OX_TRY {
		p = ox_spi_prepare (s, sql, NULL, nd, ptypes);
	} OX_CATCH {
		g_string_free (key, TRUE);
		ox_error_add_context ("SQL statement \"%s\"", sql);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	char *k = g_string_free (key, FALSE);
	g_hash_table_insert (st->plans, k, p);
	*cached_sql = k + nd + 1;
	return p;
}

/* The parameter array for p from the arguments (engine half: raises). */
static OxValue *
bind_params (struct OxSession *s, OxSpiPlan *p, const OxLuaDatum *d, int nd, OxArena *a, int *np_out)
{
	int np = ox_spi_nparams (p);
	if (np > nd)
		ox_raise (OX_ERR_UNDEFINED_PARAMETER, 0, "there is no parameter $%d", nd + 1);
	OxValue *params = OX_NEW_N (a, OxValue, np > 0 ? np : 1);
	for (int i = 0; i < np; i++) {
		OxType pt = ox_spi_param_type (p, i);
		OxValue v = ox_lua_datum_to_param (&d[i], a);
		if (datum_is_int4 (&d[i]))
			v.type = OX_T_INT4;
		if (v.null)
			v = ox_null (pt.id);
		else if (v.type != pt.id && pt.id != OX_T_UNKNOWN)
			v = ox_spi_cast (s, &v, pt, a);
		params[i] = v;
	}
	*np_out = np;
	return params;
}

/* Read the statement's arguments (stack 2..top) as datums in a Lua
 * userdata-free buffer on the C side.  Lua half. */
static OxLuaDatum *
read_args (lua_State *L, OxLuaRoutine *st, int *nd)
{
	int n = lua_gettop (L) - 1;
	/* A userdata buffer: collected with everything else if we raise. */
	OxLuaDatum *d = lua_newuserdatauv (L, sizeof (OxLuaDatum) * (size_t) (n > 0 ? n : 1), 0);
	for (int i = 0; i < n; i++)
		ox_lua_datum_from_lua (L, st, i + 2, &d[i], "a query parameter");
	*nd = n;
	return d;
}

/* Engine half of cursor_open: raises. */
static void
open_statement (OxLuaRoutine *st, struct OxSession *s, const char *sql, const OxLuaDatum *d, int nd,
                OxLuaCursor *k)
{
	bool owned;
	OxSpiPlan *p = get_plan (st, s, sql, d, nd, &k->sql, &owned);
	k->plan = p;
	k->owns_plan = owned;
	if (owned)
		k->sql = ox_arena_strdup (k->arena, sql);
	OX_TRY {
		int np;
		OxValue *params = bind_params (s, p, d, nd, k->arena, &np);
		k->ncols = ox_spi_returns_rows (p) ? ox_spi_ncols (p) : 0;
		k->cur = ox_spi_open (p, params, np);
	} OX_CATCH {
		ox_error_add_context ("SQL statement \"%s\"", k->sql);
		ox_error_rethrow_current ();
	} OX_END_TRY;
}

/* Open sql (stack 1) with the arguments; leaves the cursor userdata on top. */
static OxLuaCursor *
cursor_open (lua_State *L, OxLuaRoutine *st, OxLuaCall *lc)
{
	const char *sql = luaL_checkstring (L, 1);
	int nd;
	OxLuaDatum *d = read_args (L, st, &nd);
	OxLuaCursor *k = lua_newuserdatauv (L, sizeof *k, 0);
	memset (k, 0, sizeof *k);
	luaL_setmetatable (L, CURSOR_MT);
	if (!lc->cursors)
		lc->cursors = g_ptr_array_new ();
	k->arena = ox_arena_new ();
	k->row_arena = ox_arena_new ();
	k->call = lc;
	g_ptr_array_add (lc->cursors, k);
	struct OxSession *s = lc->pl->session;
	OX_LUA_ENGINE (st, L, open_statement (st, s, sql, d, nd, k));
	return k;
}

/* Fetch the next row onto the stack as a table; false at the end (the
 * cursor is then closed).  A fetch error closes the cursor and raises. */
static bool
cursor_fetch (lua_State *L, OxLuaRoutine *st, OxLuaCursor *k)
{
	if (!k->cur)
		return false;
	OxLuaDatum *volatile datums = NULL;
	const OxValue *volatile row = NULL;
	struct OxSession *s = k->call->pl->session;
	lua_State *saved = st->running;
	volatile bool failed = false;
	st->running = L;
	OX_TRY {
		ox_arena_reset (k->row_arena);
		const OxValue *r = ox_spi_fetch (k->cur);
		if (r) {
			OxLuaDatum *dd = OX_NEW_N (k->row_arena, OxLuaDatum, k->ncols > 0 ? k->ncols : 1);
			for (int i = 0; i < k->ncols; i++)
				ox_lua_datum_from_value (s, &r[i], k->row_arena, &dd[i]);
			datums = dd;
		}
		row = r;
	} OX_CATCH {
		ox_error_add_context ("SQL statement \"%s\"", k->sql);
		ox_lua_take_error (st);
		failed = true;
	} OX_END_TRY;
	st->running = saved;
	if (failed) {
		cursor_close (st, k);
		ox_lua_raise_pending (L, st);
	}
	if (!row) {
		cursor_close (st, k);
		return false;
	}
	lua_createtable (L, 0, k->ncols);
	for (int i = 0; i < k->ncols; i++) {
		ox_lua_push_datum (L, st, &datums[i]);
		lua_setfield (L, -2, ox_spi_colname (k->plan, i));
	}
	return true;
}

/* ox.query(sql, ...) -> { row, row, ... } */
static int
ox_query_fn (lua_State *L)
{
	OxLuaRoutine *st = ox_lua_routine (L);
	OxLuaCall *lc = current_call (L, st, "ox.query");
	OxLuaCursor *k = cursor_open (L, st, lc);
	lua_newtable (L);
	/* k stays reachable at kidx while the rows are read */
	for (lua_Integer n = 1; ; n++) {
		if (!cursor_fetch (L, st, k))
			break;
		lua_rawseti (L, -2, n);
	}
	return 1;
}

static int
rows_iter (lua_State *L)
{
	OxLuaRoutine *st = ox_lua_routine (L);
	OxLuaCursor *k = luaL_checkudata (L, lua_upvalueindex (1), CURSOR_MT);
	if (!cursor_fetch (L, st, k))
		lua_pushnil (L);
	return 1;
}

/* ox.rows(sql, ...) -> iterator, nil, nil, cursor (closed when the loop ends) */
static int
ox_rows_fn (lua_State *L)
{
	OxLuaRoutine *st = ox_lua_routine (L);
	OxLuaCall *lc = current_call (L, st, "ox.rows");
	cursor_open (L, st, lc);
	int kidx = lua_gettop (L);
	lua_pushvalue (L, kidx);
	lua_pushcclosure (L, rows_iter, 1);
	lua_pushnil (L);
	lua_pushnil (L);
	lua_pushvalue (L, kidx);
	return 4;
}

/* Engine half of ox.exec: raises. */
static int64_t
exec_statement (OxLuaRoutine *st, struct OxSession *s, const char *sql, const OxLuaDatum *d, int nd)
{
	const char *cached_sql;
	bool owned;
	OxSpiPlan *p = get_plan (st, s, sql, d, nd, &cached_sql, &owned);
	OxArena *volatile a = ox_arena_new ();
	volatile int64_t n = 0;
	OX_TRY {
		int np;
		OxValue *params = bind_params (s, p, d, nd, a, &np);
		n = ox_spi_exec (p, params, np);
	} OX_CATCH {
		ox_arena_free (a);
		ox_error_add_context ("SQL statement \"%s\"", cached_sql);
		if (owned)
			ox_spi_free (p);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	ox_arena_free (a);
	if (owned)
		ox_spi_free (p);
	return n;
}

/* ox.exec(sql, ...) -> rows processed */
static int
ox_exec_fn (lua_State *L)
{
	OxLuaRoutine *st = ox_lua_routine (L);
	OxLuaCall *lc = current_call (L, st, "ox.exec");
	const char *sql = luaL_checkstring (L, 1);
	int nd;
	OxLuaDatum *d = read_args (L, st, &nd);
	struct OxSession *s = lc->pl->session;
	volatile int64_t n = 0;
	OX_LUA_ENGINE (st, L, n = exec_statement (st, s, sql, d, nd));
	lua_pushinteger (L, n);
	return 1;
}

/* ---- messages ----------------------------------------------------------------------------- */

static void
send_message (lua_State *L, OxLuaRoutine *st, const char *level, const char *msg)
{
	OxLuaCall *lc = current_call (L, st, "ox.log");
	int line = ox_lua_current_line (L, st);
	struct OxSession *s = lc->pl->session;
	const char *name = st->routine->obj.name;
	OX_LUA_ENGINE (st, L, ox_spi_message (s, level, name, line, NULL, msg, NULL, NULL));
}

/* ox.log(level, fmt, ...); upvalue 1 is string.format */
static int
ox_log_fn (lua_State *L)
{
	OxLuaRoutine *st = ox_lua_routine (L);
	static const char *const levels[] = { "debug", "log", "info", "notice", "warning", NULL };
	static const char *const upper[] = { "DEBUG", "LOG", "INFO", "NOTICE", "WARNING" };
	const char *lv = luaL_checkstring (L, 1);
	int i;
	for (i = 0; levels[i]; i++)
		if (!g_ascii_strcasecmp (lv, levels[i]))
			break;
	if (!levels[i])
		ox_lua_error (L, OX_ERR_INVALID_PARAMETER,
		              "invalid ox.log level \"%s\" (debug, log, info, notice or warning)", lv);
	luaL_checkany (L, 2);
	int n = lua_gettop (L);
	lua_pushvalue (L, lua_upvalueindex (1));
	for (int k = 2; k <= n; k++)
		lua_pushvalue (L, k);
	lua_call (L, n - 1, 1);
	send_message (L, st, upper[i], lua_tostring (L, -1));
	return 0;
}

/* print(...) -> a NOTICE of the arguments, tab-separated as print would */
static int
print_fn (lua_State *L)
{
	OxLuaRoutine *st = ox_lua_routine (L);
	int n = lua_gettop (L);
	luaL_Buffer b;
	luaL_buffinit (L, &b);
	for (int i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar (&b, '\t');
		luaL_tolstring (L, i, NULL);
		luaL_addvalue (&b);
	}
	luaL_pushresult (&b);
	send_message (L, st, "NOTICE", lua_tostring (L, -1));
	return 0;
}

/* ---- results and transactions -------------------------------------------------------------- */

/* ox.next(row) */
static int
ox_next_fn (lua_State *L)
{
	OxLuaRoutine *st = ox_lua_routine (L);
	OxLuaCall *lc = current_call (L, st, "ox.next");
	if (!lc->pl->routine->retset || !lc->pl->emit)
		ox_lua_error (L, OX_ERR_FEATURE_NOT_SUPPORTED,
		              "ox.next can only be used in a set-returning function");
	luaL_checkany (L, 1);
	ox_lua_emit (L, st, lc, 1);
	return 0;
}

/* A pcall's subtransaction mark means nothing in the next transaction,
 * so, as PostgreSQL refuses COMMIT inside an EXCEPTION block, we refuse
 * it inside pcall. */
static void
refuse_in_pcall (lua_State *L, OxLuaRoutine *st)
{
	if (st->pcall_depth > 0)
		ox_lua_error (L, "2D000", "cannot commit or roll back inside pcall");
}

static int
ox_commit_fn (lua_State *L)
{
	OxLuaRoutine *st = ox_lua_routine (L);
	OxLuaCall *lc = current_call (L, st, "ox.commit");
	refuse_in_pcall (L, st);
	OX_LUA_ENGINE (st, L, ox_spi_commit (lc->pl));
	return 0;
}

static int
ox_rollback_fn (lua_State *L)
{
	OxLuaRoutine *st = ox_lua_routine (L);
	OxLuaCall *lc = current_call (L, st, "ox.rollback");
	refuse_in_pcall (L, st);
	OX_LUA_ENGINE (st, L, ox_spi_rollback (lc->pl));
	return 0;
}

/* ---- trigger data: ox.new, ox.old ... live in the current call's info table ------------------ */

static bool
is_call_key (lua_State *L, int idx)
{
	static const char *const keys[] = {
		"new", "old", "op", "when", "level", "trigger_name", "table_name",
		"table_schema", "args", "event", "tag", NULL
	};
	if (lua_type (L, idx) != LUA_TSTRING)
		return false;
	const char *k = lua_tostring (L, idx);
	for (int i = 0; keys[i]; i++)
		if (!strcmp (k, keys[i]))
			return true;
	return false;
}

static int
ox_index_mm (lua_State *L)
{
	OxLuaRoutine *st = ox_lua_routine (L);
	if (!is_call_key (L, 2) || !st->call || st->call->info_ref == LUA_NOREF)
		return 0;
	lua_rawgeti (L, LUA_REGISTRYINDEX, st->call->info_ref);
	lua_pushvalue (L, 2);
	lua_rawget (L, -2);
	return 1;
}

static int
ox_newindex_mm (lua_State *L)
{
	OxLuaRoutine *st = ox_lua_routine (L);
	if (is_call_key (L, 2) && st->call && st->call->info_ref != LUA_NOREF)
		lua_rawgeti (L, LUA_REGISTRYINDEX, st->call->info_ref);
	else
		lua_pushvalue (L, 1);
	lua_pushvalue (L, 2);
	lua_pushvalue (L, 3);
	lua_rawset (L, -3);
	return 0;
}

/* ---- pcall and xpcall with subtransactions --------------------------------------------------- */

static bool
is_fatal (lua_State *L, OxLuaRoutine *st, int idx)
{
	if (st->fatal.sqlstate[0])
		return true;
	if (lua_type (L, idx) != LUA_TTABLE)
		return false;
	lua_getfield (L, idx, "sqlstate");
	bool cancel = lua_type (L, -1) == LUA_TSTRING && !strcmp (lua_tostring (L, -1), OX_ERR_QUERY_CANCELED);
	lua_pop (L, 1);
	return cancel;
}

/* Begin a subtransaction for a pcall; false when no call is running
 * (a finalizer run by lua_close): then nothing can be written. */
static bool
pcall_begin (lua_State *L, OxLuaRoutine *st, guint *mark)
{
	if (!st->call)
		return false;
	struct OxSession *s = st->call->pl->session;
	volatile guint m = 0;
	OX_LUA_ENGINE (st, L, m = ox_spi_subxact_begin (s));
	*mark = m;
	return true;
}

/* After lua_pcall returned status with its results or error from index
 * 'first' on: the pcall results (true, ... or false, err). */
static int
pcall_finish (lua_State *L, OxLuaRoutine *st, int status, bool sub, guint mark, int first)
{
	if (status == LUA_OK) {
		lua_pushboolean (L, 1);
		lua_insert (L, first);
		return lua_gettop (L) - first + 1;
	}
	if (is_fatal (L, st, -1))
		return lua_error (L);
	if (sub && st->call) {
		struct OxSession *s = st->call->pl->session;
		OX_LUA_ENGINE (st, L, ox_spi_subxact_rollback (s, mark));
	}
	lua_pushboolean (L, 0);
	lua_insert (L, -2);
	return 2;
}

static int
sandbox_pcall (lua_State *L)
{
	OxLuaRoutine *st = ox_lua_routine (L);
	luaL_checkany (L, 1);
	guint mark = 0;
	bool sub = pcall_begin (L, st, &mark);
	st->pcall_depth += sub;
	int status = lua_pcall (L, lua_gettop (L) - 1, LUA_MULTRET, 0);
	st->pcall_depth -= sub;
	return pcall_finish (L, st, status, sub, mark, 1);
}

static int
sandbox_xpcall (lua_State *L)
{
	OxLuaRoutine *st = ox_lua_routine (L);
	int n = lua_gettop (L);
	luaL_checktype (L, 2, LUA_TFUNCTION);
	guint mark = 0;
	bool sub = pcall_begin (L, st, &mark);
	lua_pushvalue (L, 1);
	lua_rotate (L, 3, 1);  /* f, msgh, f, args... */
	st->pcall_depth += sub;
	int status = lua_pcall (L, n - 2, LUA_MULTRET, 2);
	st->pcall_depth -= sub;
	return pcall_finish (L, st, status, sub, mark, 3);
}

void
ox_lua_open_pcall (lua_State *L, OxLuaRoutine *st, int env)
{
	lua_pushcfunction (L, sandbox_pcall);
	lua_setfield (L, env, "pcall");
	lua_pushcfunction (L, sandbox_xpcall);
	lua_setfield (L, env, "xpcall");
	lua_pushcfunction (L, print_fn);
	lua_setfield (L, env, "print");
}

/* ---- the module ------------------------------------------------------------------------------ */

static int
null_tostring (lua_State *L)
{
	lua_pushliteral (L, "NULL");
	return 1;
}

void
ox_lua_open_ox (lua_State *L, OxLuaRoutine *st)
{
	/* Error tables' metatable. */
	lua_createtable (L, 0, 2);
	lua_pushcfunction (L, errmt_tostring);
	lua_setfield (L, -2, "__tostring");
	lua_pushliteral (L, "ox.error");
	lua_setfield (L, -2, "__name");
	st->errmt_ref = luaL_ref (L, LUA_REGISTRYINDEX);

	luaL_newmetatable (L, CURSOR_MT);
	lua_pushcfunction (L, cursor_gc);
	lua_setfield (L, -2, "__gc");
	lua_pushcfunction (L, cursor_gc);
	lua_setfield (L, -2, "__close");
	lua_pushliteral (L, "ox.cursor");
	lua_setfield (L, -2, "__metatable");
	lua_pop (L, 1);

	static const luaL_Reg fns[] = {
		{ "query", ox_query_fn },
		{ "rows", ox_rows_fn },
		{ "exec", ox_exec_fn },
		{ "error", ox_error_fn },
		{ "next", ox_next_fn },
		{ "commit", ox_commit_fn },
		{ "rollback", ox_rollback_fn },
		{ NULL, NULL },
	};
	luaL_newlib (L, fns);

	/* ox.log keeps the real string.format as its upvalue. */
	lua_getglobal (L, "string");
	lua_getfield (L, -1, "format");
	lua_remove (L, -2);
	lua_pushcclosure (L, ox_log_fn, 1);
	lua_setfield (L, -2, "log");

	/* ox.null: one full userdata, also registered under st for pushing. */
	st->null_ud = lua_newuserdatauv (L, 1, 0);
	lua_createtable (L, 0, 3);
	lua_pushcfunction (L, null_tostring);
	lua_setfield (L, -2, "__tostring");
	lua_pushliteral (L, "ox.null");
	lua_setfield (L, -2, "__name");
	lua_pushliteral (L, "ox.null");
	lua_setfield (L, -2, "__metatable");
	lua_setmetatable (L, -2);
	lua_pushvalue (L, -1);
	lua_rawsetp (L, LUA_REGISTRYINDEX, st);
	lua_setfield (L, -2, "null");

	lua_createtable (L, 0, 2);
	lua_pushcfunction (L, ox_index_mm);
	lua_setfield (L, -2, "__index");
	lua_pushcfunction (L, ox_newindex_mm);
	lua_setfield (L, -2, "__newindex");
	lua_setmetatable (L, -2);
}

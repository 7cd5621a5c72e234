/*
 * lua-value.c — converting values between the engine and Lua.
 *
 * From SQL to Lua:
 *   NULL                        ox.null (never nil: a row table keeps every column,
 *                               so pairs() sees them all)
 *   boolean                     boolean
 *   smallint, integer, bigint   integer
 *   real, double precision      float
 *   numeric                     integer when it has no fractional digits and fits
 *                               64 bits; else float when the double prints back as
 *                               the same number (1.5, 0.1, 1e+20); else its text
 *                               ("12345678901234567890.12"), so no digit is lost
 *                               silently.  NaN and infinities are floats.
 *   text, varchar, char         string
 *   bytea                       string of the raw bytes
 *   date, timestamp, timestamptz and anything else: PostgreSQL's text form
 *
 * From Lua to a declared type: nil and ox.null give NULL; a boolean,
 * integer or float is cast from boolean, bigint or double precision with
 * assignment rules; a string is read as an untyped literal ('...'), so
 * "abc" into integer is 22P02 and "2024-02-30" into date 22008, exactly as
 * the same literal in SQL.  A string into bytea takes its raw bytes.  A
 * string into a text type must be valid UTF-8 without NUL (22021).
 * Tables, functions and other userdata are 42804.
 *
 * Query parameters (ox.query(sql, ...)) have no declared type: an integer
 * is typed as the same number written in SQL would be (integer when it
 * fits 32 bits, else bigint: lua-ox.c), float double precision, string an untyped literal, boolean
 * boolean, ox.null an untyped NULL.
 *
 * A debugger's text of Lua values (ox_lua_debug_*) is the last section.
 *
 * NOTE: the engine half (may ox_raise) and the Lua half (may lua_error)
 * are separate functions; see lua-private.h for why they must not mix.
 */
#include "lua-private.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "base/cast.h"
#include "base/numeric.h"

/* ---- engine half ---------------------------------------------------------------------- */

static void
numeric_datum (const OxNumeric *n, OxArena *a, OxLuaDatum *out)
{
	if (ox_numeric_is_nan (n) || ox_numeric_is_inf (n)) {
		out->kind = OX_LUA_FLOAT;
		out->f = ox_numeric_to_double (n);
		return;
	}
	char *text = ox_numeric_out (a, n);
	int64_t i;
	if (!strchr (text, '.') && ox_numeric_to_int64 (n, &i)) {
		out->kind = OX_LUA_INT;
		out->i = i;
		return;
	}
	/* Exact as a float when the shortest text of the nearest double reads
	 * back as the same numeric. */
	double d = ox_numeric_to_double (n);
	if (isfinite (d)) {
		char *dt = ox_float8_out (a, d);
		const OxNumeric *back = ox_numeric_parse (a, dt, strlen (dt));
		if (ox_numeric_cmp (back, n) == 0) {
			out->kind = OX_LUA_FLOAT;
			out->f = d;
			return;
		}
	}
	out->kind = OX_LUA_STRING;
	out->s = text;
	out->len = strlen (text);
}

void
ox_lua_datum_from_value (struct OxSession *s, const OxValue *v, OxArena *a, OxLuaDatum *out)
{
	memset (out, 0, sizeof *out);
	if (v->null) {
		out->kind = OX_LUA_NULL;
		return;
	}
	switch ((OxTypeId) v->type) {
	case OX_T_BOOL:
		out->kind = OX_LUA_BOOL;
		out->b = v->v.b;
		return;
	case OX_T_INT2:
	case OX_T_INT4:
	case OX_T_INT8:
		out->kind = OX_LUA_INT;
		out->i = v->v.i;
		return;
	case OX_T_FLOAT4:
	case OX_T_FLOAT8:
		out->kind = OX_LUA_FLOAT;
		out->f = v->v.f;
		return;
	case OX_T_NUMERIC:
		numeric_datum (v->v.num, a, out);
		return;
	case OX_T_TEXT:
	case OX_T_VARCHAR:
	case OX_T_BPCHAR:
	case OX_T_UNKNOWN:
		out->kind = OX_LUA_STRING;
		out->s = v->v.str;
		out->len = v->len;
		return;
	case OX_T_BYTEA:
		out->kind = OX_LUA_STRING;
		out->s = (const char *) v->v.bytes;
		out->len = v->len;
		return;
	default:
		out->kind = OX_LUA_STRING;
		out->s = ox_spi_value_text (s, v, a);
		out->len = strlen (out->s);
		return;
	}
}

static OxValue
string_value (const OxLuaDatum *d, OxTypeId t, OxArena *a)
{
	if (t == OX_T_BYTEA) {
		OxValue v = { .type = OX_T_BYTEA, .len = (uint32_t) d->len };
		v.v.bytes = ox_arena_memdup (a, d->s, d->len ? d->len : 1);
		return v;
	}
	const char *bad = NULL;
	if (!g_utf8_validate_len (d->s, d->len, &bad)) {
		size_t off = (size_t) (bad - d->s);
		ox_raise (OX_ERR_CHARACTER_NOT_IN_REPERTOIRE, 0,
		          "invalid byte sequence for encoding \"UTF8\": 0x%02x", (unsigned char) d->s[off]);
	}
	return ox_text (t, ox_arena_strndup (a, d->s, d->len), d->len);
}

OxValue
ox_lua_datum_to_value (struct OxSession *s, const OxLuaDatum *d, OxType t, OxArena *a)
{
	OxValue v;
	switch (d->kind) {
	case OX_LUA_NULL:
		return ox_null (t.id);
	case OX_LUA_BOOL:
		v = ox_bool (d->b);
		break;
	case OX_LUA_INT:
		v = ox_int (OX_T_INT8, d->i);
		break;
	case OX_LUA_FLOAT:
		v = ox_float (OX_T_FLOAT8, d->f);
		break;
	case OX_LUA_STRING:
		if (t.id == OX_T_BYTEA)
			return string_value (d, OX_T_BYTEA, a);
		v = string_value (d, OX_T_UNKNOWN, a);
		if (t.id == OX_T_TEXT && t.typmod < 0) {
			v.type = OX_T_TEXT;
			return v;
		}
		break;
	default:
		OX_INTERNAL ("bad Lua datum kind %d", (int) d->kind);
	}
	if (v.type == t.id && t.typmod < 0)
		return v;
	return ox_spi_cast (s, &v, t, a);
}

OxValue
ox_lua_datum_to_param (const OxLuaDatum *d, OxArena *a)
{
	switch (d->kind) {
	case OX_LUA_BOOL:
		return ox_bool (d->b);
	case OX_LUA_INT:
		return ox_int (OX_T_INT8, d->i);
	case OX_LUA_FLOAT:
		return ox_float (OX_T_FLOAT8, d->f);
	case OX_LUA_STRING:
		return string_value (d, OX_T_UNKNOWN, a);
	default:
		return ox_null (OX_T_UNKNOWN);
	}
}

/* ---- Lua half ------------------------------------------------------------------------- */

bool
ox_lua_is_null (OxLuaRoutine *st, lua_State *L, int idx)
{
	return lua_type (L, idx) == LUA_TUSERDATA && lua_touserdata (L, idx) == st->null_ud;
}

void
ox_lua_push_datum (lua_State *L, OxLuaRoutine *st, const OxLuaDatum *d)
{
	switch (d->kind) {
	case OX_LUA_NULL:
		lua_rawgetp (L, LUA_REGISTRYINDEX, st);  /* ox.null is registered under st */
		break;
	case OX_LUA_BOOL:
		lua_pushboolean (L, d->b);
		break;
	case OX_LUA_INT:
		lua_pushinteger (L, d->i);
		break;
	case OX_LUA_FLOAT:
		lua_pushnumber (L, d->f);
		break;
	case OX_LUA_STRING:
		lua_pushlstring (L, d->s, d->len);
		break;
	}
}

void
ox_lua_datum_from_lua (lua_State *L, OxLuaRoutine *st, int idx, OxLuaDatum *out, const char *what)
{
	memset (out, 0, sizeof *out);
	switch (lua_type (L, idx)) {
	case LUA_TNIL:
	case LUA_TNONE:
		out->kind = OX_LUA_NULL;
		return;
	case LUA_TBOOLEAN:
		out->kind = OX_LUA_BOOL;
		out->b = lua_toboolean (L, idx);
		return;
	case LUA_TNUMBER:
		if (lua_isinteger (L, idx)) {
			out->kind = OX_LUA_INT;
			out->i = lua_tointeger (L, idx);
		} else {
			out->kind = OX_LUA_FLOAT;
			out->f = lua_tonumber (L, idx);
		}
		return;
	case LUA_TSTRING:
		/* A string stays a string: lua_tolstring converts nothing here. */
		out->kind = OX_LUA_STRING;
		out->s = lua_tolstring (L, idx, &out->len);
		return;
	case LUA_TUSERDATA:
		if (lua_touserdata (L, idx) == st->null_ud) {
			out->kind = OX_LUA_NULL;
			return;
		}
		break;
	default:
		break;
	}
	ox_lua_error (L, OX_ERR_DATATYPE_MISMATCH, "cannot convert a Lua %s to %s",
	              luaL_typename (L, idx), what);
}

/* ---- the debugger's text of Lua values ------------------------------------------------------ *
 * What a debugger shows for a Lua value (debug.h's OxVariable):
 *
 *   nil, ox.null                NULL (type "nil", "ox.null", or the SQL type given)
 *   boolean, number, string     as tostring() prints it (type "boolean", "number",
 *                               "string", or the SQL type given); a string is made valid
 *                               UTF-8 (bad bytes and NULs become U+FFFD)
 *   table                       a summary "{1, 2, 3, name="x", sub={...}}" cut after about
 *                               60 bytes; named_children counts the keys outside the
 *                               sequence 1..#t, indexed_children is #t
 *   function, userdata, thread  their kind ("function, line 12" for one of the body)
 *
 * The children of a table are its keys outside 1..#t, sorted by the name they are listed
 * under, then the elements [1] .. [#t].  A string key is listed under itself (["..."] when
 * it is empty or starts with '['), any other key as [key]: [0], [1.5], [true],
 * [table: 0x...].  Past OX_LUA_DEBUG_MAX_CHILDREN of either kind the rest is not listed.
 *
 * NOTE: these functions read tables raw (no __index, __pairs, __tostring, __len: no Lua
 * code runs while a debugger looks).  ox_lua_debug_value and ox_lua_debug_children call
 * no Lua function that allocates, so they cannot raise, and the strings they make are
 * g_malloc'd straight into an OxVariable the caller owns; they need 8 free stack slots
 * (the caller checks).  ox_lua_debug_push_key allocates a string key and may raise.
 * NOTE: counting a table's named children walks the whole table (lua_next), about
 * 10 ms for a million elements; listing its children stops at the cap.
 */

#define SUMMARY_MAX     60  /* bytes of a summary before it is cut with "..." */
#define ELEMENT_MAX     16  /* bytes of one string in a summary */
#define SUMMARY_NAMED   8   /* named keys a summary looks at */

static void
number_text (lua_State *L, int idx, char *buf, size_t n)
{
	if (lua_isinteger (L, idx)) {
		g_snprintf (buf, n, LUA_INTEGER_FMT, (LUAI_UACINT) lua_tointeger (L, idx));
		return;
	}
	g_snprintf (buf, n, LUA_NUMBER_FMT, (LUAI_UACNUMBER) lua_tonumber (L, idx));
	/* Lua prints a float that looks like an integer with ".0" */
	if (buf[strspn (buf, "-0123456789")] == '\0')
		g_strlcat (buf, ".0", n);
}

/* A Lua string as valid UTF-8 text without NULs. */
static char *
string_text (const char *s, size_t len)
{
	char *v = g_utf8_make_valid (s, (gssize) len);
	if (!memchr (s, '\0', len))
		return v;
	/* g_utf8_make_valid keeps NULs: the C string would end at the first */
	g_free (v);
	GString *g = g_string_new (NULL);
	for (size_t i = 0; i < len;) {
		const char *nul = memchr (s + i, '\0', len - i);
		size_t seg = nul ? (size_t) (nul - (s + i)) : len - i;
		char *part = g_utf8_make_valid (s + i, (gssize) seg);
		g_string_append (g, part);
		g_free (part);
		i += seg;
		if (nul) {
			g_string_append (g, "\xef\xbf\xbd");
			i++;
		}
	}
	return g_string_free (g, FALSE);
}

static bool
is_identifier (const char *s, size_t len)
{
	if (!len || !(g_ascii_isalpha (s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!g_ascii_isalnum (s[i]) && s[i] != '_')
			return false;
	return true;
}

/* A string cut to at most max bytes on a character boundary, quoted. */
static void
append_short_string (GString *g, const char *s, size_t len, size_t max)
{
	size_t n = len;
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char) s[n] & 0xC0) == 0x80)
			n--;
	}
	char *t = string_text (s, n);
	g_string_append_c (g, '"');
	g_string_append (g, t);
	g_string_append (g, n < len ? "...\"" : "\"");
	g_free (t);
}

/* Is the key at idx an integer in 1..n (an element of the sequence)? */
static bool
in_sequence (lua_State *L, int idx, lua_Integer n)
{
	if (!lua_isinteger (L, idx))
		return false;
	lua_Integer k = lua_tointeger (L, idx);
	return k >= 1 && k <= n;
}

/* The name a key is listed under (g_malloc'd). */
static char *
key_name (lua_State *L, int idx)
{
	char buf[64];
	switch (lua_type (L, idx)) {
	case LUA_TSTRING: {
		size_t len;
		const char *s = lua_tolstring (L, idx, &len);
		char *t = string_text (s, len);
		if (t[0] && t[0] != '[')
			return t;
		char *q = g_strdup_printf ("[\"%s\"]", t);
		g_free (t);
		return q;
	}
	case LUA_TNUMBER:
		number_text (L, idx, buf, sizeof buf);
		return g_strdup_printf ("[%s]", buf);
	case LUA_TBOOLEAN:
		return g_strdup (lua_toboolean (L, idx) ? "[true]" : "[false]");
	default:
		return g_strdup_printf ("[%s: %p]", luaL_typename (L, idx), lua_topointer (L, idx));
	}
}

/* The short text of a value inside a summary. */
static void
append_element (lua_State *L, OxLuaRoutine *st, int idx, GString *g)
{
	char buf[64];
	idx = lua_absindex (L, idx);
	switch (lua_type (L, idx)) {
	case LUA_TNIL:
		g_string_append (g, "nil");
		return;
	case LUA_TBOOLEAN:
		g_string_append (g, lua_toboolean (L, idx) ? "true" : "false");
		return;
	case LUA_TNUMBER:
		number_text (L, idx, buf, sizeof buf);
		g_string_append (g, buf);
		return;
	case LUA_TSTRING: {
		size_t len;
		const char *s = lua_tolstring (L, idx, &len);
		append_short_string (g, s, len, ELEMENT_MAX);
		return;
	}
	case LUA_TTABLE:
		lua_pushnil (L);
		if (lua_next (L, idx)) {
			lua_pop (L, 2);
			g_string_append (g, "{...}");
		} else
			g_string_append (g, "{}");
		return;
	case LUA_TUSERDATA:
		g_string_append (g, ox_lua_is_null (st, L, idx) ? "ox.null" : "userdata");
		return;
	default:
		g_string_append (g, luaL_typename (L, idx));
		return;
	}
}

typedef struct NamedPair {
	char *key;    /* as a summary writes it: name, ["a b"], [0] */
	char *value;
} NamedPair;

static int
named_pair_cmp (const void *a, const void *b)
{
	return strcmp (((const NamedPair *) a)->key, ((const NamedPair *) b)->key);
}

/* Summary and child counts of the table at t. */
static void
table_text (lua_State *L, OxLuaRoutine *st, int t, OxVariable *v)
{
	lua_Integer n = (lua_Integer) lua_rawlen (L, t);
	GString *g = g_string_new ("{");
	bool cut = false;
	for (lua_Integer i = 1; i <= n; i++) {
		if (g->len > SUMMARY_MAX) {
			cut = true;
			break;
		}
		if (i > 1)
			g_string_append (g, ", ");
		lua_rawgeti (L, t, i);
		append_element (L, st, -1, g);
		lua_pop (L, 1);
	}
	/* Every key outside the sequence is counted; the first few found
	 * are shown, sorted so the summary does not depend on hash order
	 * among them. */
	NamedPair pairs[SUMMARY_NAMED];
	int npairs = 0;
	int64_t named = 0;
	lua_pushnil (L);
	while (lua_next (L, t)) {
		if (!in_sequence (L, -2, n)) {
			if (npairs < SUMMARY_NAMED && !cut) {
				GString *k = g_string_new (NULL);
				if (lua_type (L, -2) == LUA_TSTRING) {
					size_t len;
					const char *s = lua_tolstring (L, -2, &len);
					if (is_identifier (s, len) && len <= ELEMENT_MAX)
						g_string_append_len (k, s, (gssize) len);
					else {
						g_string_append_c (k, '[');
						append_short_string (k, s, len, ELEMENT_MAX);
						g_string_append_c (k, ']');
					}
				} else {
					g_string_append_c (k, '[');
					append_element (L, st, -2, k);
					g_string_append_c (k, ']');
				}
				GString *val = g_string_new (NULL);
				append_element (L, st, -1, val);
				pairs[npairs].key = g_string_free (k, FALSE);
				pairs[npairs].value = g_string_free (val, FALSE);
				npairs++;
			}
			named++;
		}
		lua_pop (L, 1);
	}
	qsort (pairs, (size_t) npairs, sizeof pairs[0], named_pair_cmp);
	int shown = 0;
	for (int i = 0; i < npairs; i++) {
		if (!cut && g->len <= SUMMARY_MAX) {
			g_string_append_printf (g, "%s%s=%s", g->len > 1 ? ", " : "", pairs[i].key, pairs[i].value);
			shown++;
		}
		g_free (pairs[i].key);
		g_free (pairs[i].value);
	}
	if (cut || shown < named)
		g_string_append (g, g->len > 1 ? ", ..." : "...");
	g_string_append_c (g, '}');
	v->type = g_strdup ("table");
	v->value = g_string_free (g, FALSE);
	v->named_children = named > G_MAXINT ? G_MAXINT : (int) named;
	v->indexed_children = n > G_MAXINT ? G_MAXINT : (int) n;
}

void
ox_lua_debug_value (lua_State *L, OxLuaRoutine *st, int idx, const char *name, const char *sqltype,
                    OxVariable *v)
{
	char buf[64];
	idx = lua_absindex (L, idx);
	memset (v, 0, sizeof *v);
	v->name = g_strdup (name);
	switch (lua_type (L, idx)) {
	case LUA_TNIL:
		v->type = g_strdup (sqltype ? sqltype : "nil");
		v->value = g_strdup ("NULL");
		v->is_null = true;
		return;
	case LUA_TBOOLEAN:
		v->type = g_strdup (sqltype ? sqltype : "boolean");
		v->value = g_strdup (lua_toboolean (L, idx) ? "true" : "false");
		return;
	case LUA_TNUMBER:
		number_text (L, idx, buf, sizeof buf);
		v->type = g_strdup (sqltype ? sqltype : "number");
		v->value = g_strdup (buf);
		return;
	case LUA_TSTRING: {
		size_t len;
		const char *s = lua_tolstring (L, idx, &len);
		v->type = g_strdup (sqltype ? sqltype : "string");
		v->value = string_text (s, len);
		return;
	}
	case LUA_TTABLE:
		table_text (L, st, idx, v);
		return;
	case LUA_TUSERDATA:
		if (ox_lua_is_null (st, L, idx)) {
			v->type = g_strdup (sqltype ? sqltype : "ox.null");
			v->value = g_strdup ("NULL");
			v->is_null = true;
			return;
		}
		v->type = g_strdup ("userdata");
		v->value = g_strdup_printf ("userdata: %p", lua_topointer (L, idx));
		return;
	case LUA_TFUNCTION: {
		lua_Debug ar;
		v->type = g_strdup ("function");
		lua_pushvalue (L, idx);
		if (lua_getinfo (L, ">S", &ar) && ar.what && !strcmp (ar.what, "Lua") && ar.source &&
		    !strcmp (ar.source, st->chunkname))
			v->value = g_strdup_printf ("function, line %d", ar.linedefined);
		else
			v->value = g_strdup_printf ("function: %p", lua_topointer (L, idx));
		return;
	}
	default:
		v->type = g_strdup (luaL_typename (L, idx));
		v->value = g_strdup_printf ("%s: %p", luaL_typename (L, idx), lua_topointer (L, idx));
		return;
	}
}

static int
variable_cmp (const void *a, const void *b)
{
	return strcmp (((const OxVariable *) a)->name, ((const OxVariable *) b)->name);
}

/* Append a zeroed variable to out and fill it from the value at idx. */
static void
append_value (lua_State *L, OxLuaRoutine *st, int idx, const char *name, GArray *out)
{
	g_array_set_size (out, out->len + 1);
	ox_lua_debug_value (L, st, idx, name, NULL, &g_array_index (out, OxVariable, out->len - 1));
}

void
ox_lua_debug_children (lua_State *L, OxLuaRoutine *st, int idx, GArray *out)
{
	int t = lua_absindex (L, idx);
	lua_Integer n = (lua_Integer) lua_rawlen (L, t);
	guint first = out->len;
	int named = 0;
	lua_pushnil (L);
	while (lua_next (L, t)) {
		if (!in_sequence (L, -2, n)) {
			if (named == OX_LUA_DEBUG_MAX_CHILDREN) {
				lua_pop (L, 2);
				break;
			}
			char *name = key_name (L, -2);
			append_value (L, st, -1, name, out);
			g_free (name);
			named++;
		}
		lua_pop (L, 1);
	}
	if (out->len > first)
		qsort (&g_array_index (out, OxVariable, first), out->len - first, sizeof (OxVariable), variable_cmp);
	for (lua_Integer i = 1; i <= n && i <= OX_LUA_DEBUG_MAX_CHILDREN; i++) {
		char name[32];
		g_snprintf (name, sizeof name, "[" LUA_INTEGER_FMT "]", (LUAI_UACINT) i);
		lua_rawgeti (L, t, i);
		append_value (L, st, -1, name, out);
		lua_pop (L, 1);
	}
}

bool
ox_lua_debug_push_key (lua_State *L, int idx, const char *name)
{
	int t = lua_absindex (L, idx);
	size_t len = strlen (name);
	if (len < 2 || name[0] != '[' || name[len - 1] != ']') {
		lua_pushstring (L, name);
		return true;
	}
	if (len >= 4 && name[1] == '"' && name[len - 2] == '"') {
		lua_pushlstring (L, name + 2, len - 4);
		return true;
	}
	char *inner = g_strndup (name + 1, len - 2);
	char *iend = NULL, *fend = NULL;
	bool found = true;
	errno = 0;
	gint64 i = g_ascii_strtoll (inner, &iend, 10);
	bool int_ok = *inner && !*iend && !errno;
	double f = g_ascii_strtod (inner, &fend);
	if (int_ok) {
		lua_pushinteger (L, (lua_Integer) i);
	} else if (!strcmp (inner, "true") || !strcmp (inner, "false")) {
		lua_pushboolean (L, inner[0] == 't');
	} else if (*inner && !*fend) {
		lua_pushnumber (L, (lua_Number) f);
	} else {
		/* a key only its listed name can find: [table: 0x...] */
		found = false;
		lua_pushnil (L);
		while (!found && lua_next (L, t)) {
			lua_pop (L, 1);
			char *k = key_name (L, -1);
			found = !strcmp (k, name);
			g_free (k);
		}
		if (!found)
			lua_pushnil (L);
	}
	g_free (inner);
	return found;
}

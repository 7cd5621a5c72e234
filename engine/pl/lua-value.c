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
 * NOTE: the engine half (may ox_raise) and the Lua half (may lua_error)
 * are separate functions; see lua-private.h for why they must not mix.
 */
#include "lua-private.h"

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

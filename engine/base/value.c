/*
 * value.c — type names and deep copies of OxValues.
 */
#include "value.h"
#include "numeric.h"
#include "datetime.h"

#include <glib.h>

#include <string.h>

static const char *const type_names[OX_T__COUNT] = {
	[OX_T_UNKNOWN] = "unknown",
	[OX_T_BOOL] = "boolean",
	[OX_T_INT2] = "smallint",
	[OX_T_INT4] = "integer",
	[OX_T_INT8] = "bigint",
	[OX_T_NUMERIC] = "numeric",
	[OX_T_FLOAT4] = "real",
	[OX_T_FLOAT8] = "double precision",
	[OX_T_TEXT] = "text",
	[OX_T_VARCHAR] = "character varying",
	[OX_T_BPCHAR] = "character",
	[OX_T_BYTEA] = "bytea",
	[OX_T_DATE] = "date",
	[OX_T_TIMESTAMP] = "timestamp without time zone",
	[OX_T_TIMESTAMPTZ] = "timestamp with time zone",
};

const char *
ox_type_name (OxTypeId t)
{
	if ((unsigned) t >= OX_T__COUNT)
		return "???";
	return type_names[t];
}

char *
ox_type_format (OxArena *a, OxType t)
{
	if (t.typmod >= 0) {
		switch (t.id) {
		case OX_T_VARCHAR:
		case OX_T_BPCHAR:
			return ox_arena_printf (a, "%s(%d)", ox_type_name (t.id), t.typmod);
		case OX_T_NUMERIC:
			return ox_arena_printf (a, "numeric(%d,%d)", OX_TYPMOD_NUMERIC_P (t.typmod),
			                        OX_TYPMOD_NUMERIC_S (t.typmod));
		default:
			break;
		}
	}
	return ox_arena_strdup (a, ox_type_name (t.id));
}

size_t
ox_value_extra_size (const OxValue *v)
{
	if (v->null)
		return 0;
	switch ((OxTypeId) v->type) {
	case OX_T_UNKNOWN:
	case OX_T_TEXT:
	case OX_T_VARCHAR:
	case OX_T_BPCHAR:
		return (size_t) v->len + 1;
	case OX_T_BYTEA:
		return v->len;
	case OX_T_NUMERIC:
		return ox_numeric_size (v->v.num);
	default:
		return 0;
	}
}

OxValue
ox_value_copy_to (const OxValue *v, void *buf)
{
	OxValue r = *v;
	size_t n = ox_value_extra_size (v);
	if (n == 0)
		return r;
	switch ((OxTypeId) v->type) {
	case OX_T_NUMERIC:
		memcpy (buf, v->v.num, n);
		r.v.num = buf;
		break;
	case OX_T_BYTEA:
		memcpy (buf, v->v.bytes, n);
		r.v.bytes = buf;
		break;
	default:
		memcpy (buf, v->v.str, v->len);
		((char *) buf)[v->len] = '\0';
		r.v.str = buf;
		break;
	}
	return r;
}

OxValue
ox_value_copy (OxArena *a, const OxValue *v)
{
	size_t n = ox_value_extra_size (v);
	if (n == 0)
		return *v;
	return ox_value_copy_to (v, ox_arena_alloc (a, n));
}

const OxTimeZone *
ox_timezone_utc (void)
{
	static OxTimeZone *utc;
	if (g_once_init_enter (&utc))
		g_once_init_leave (&utc, ox_timezone_new ("UTC"));
	return utc;
}

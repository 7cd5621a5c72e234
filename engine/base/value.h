/*
 * value.h — OxValue, the engine's tagged 16-byte datum, and SQL type ids.
 *
 * A value is a type id, a null flag, a length and an inline scalar or a
 * pointer.  Pointers (text, bytea, numeric) point into an arena or into
 * table storage; whoever keeps a value beyond its arena's life copies it
 * with ox_value_copy_to().
 *
 * Representations (chosen to match PostgreSQL's so that arithmetic and
 * printing agree with it):
 *   BOOL                v.b
 *   INT2/INT4/INT8      v.i  (always sign-extended into int64)
 *   FLOAT4/FLOAT8       v.f  (FLOAT4 values are stored already rounded to float)
 *   NUMERIC             v.num  -> OxNumeric (numeric.h), one contiguous block
 *   TEXT/VARCHAR/BPCHAR v.str, len bytes of UTF-8, NUL-terminated (len excludes NUL)
 *   BYTEA               v.bytes, len bytes
 *   DATE                v.i  days since 2000-01-01 (PostgreSQL's epoch)
 *   TIMESTAMP           v.i  microseconds since 2000-01-01 00:00:00 (no zone)
 *   TIMESTAMPTZ         v.i  microseconds since 2000-01-01 00:00:00 UTC
 *   UNKNOWN             an untyped string literal ('abc' before it gets a type),
 *                       stored like TEXT; or the type of a bare NULL.
 *
 * NOTE: a NULL value still carries a type (the column's or expression's).
 */
#ifndef OX_VALUE_H
#define OX_VALUE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "arena.h"

typedef enum OxTypeId {
	OX_T_UNKNOWN = 0,
	OX_T_BOOL,
	OX_T_INT2,
	OX_T_INT4,
	OX_T_INT8,
	OX_T_NUMERIC,
	OX_T_FLOAT4,
	OX_T_FLOAT8,
	OX_T_TEXT,
	OX_T_VARCHAR,
	OX_T_BPCHAR,
	OX_T_BYTEA,
	OX_T_DATE,
	OX_T_TIMESTAMP,
	OX_T_TIMESTAMPTZ,
	OX_T__COUNT
} OxTypeId;

/* A declared type: id plus modifier.  typmod is -1 when absent;
 * VARCHAR(n)/BPCHAR(n): n characters; NUMERIC(p,s): (p << 16) | s. */
typedef struct OxType {
	OxTypeId id;
	int32_t  typmod;
} OxType;

#define OX_TYPMOD_NUMERIC(p, s) ((int32_t) (((p) << 16) | ((s) & 0xffff)))
#define OX_TYPMOD_NUMERIC_P(m)  ((int) ((m) >> 16))
#define OX_TYPMOD_NUMERIC_S(m)  ((int) (int16_t) ((m) & 0xffff))

typedef struct OxNumeric OxNumeric;

typedef struct OxValue {
	uint8_t  type;   /* OxTypeId */
	uint8_t  null;   /* 1 = SQL NULL; v is then unused */
	uint16_t flags;  /* zero, except OX_VALUE_UNBOUND for a parameter no value
	                    was bound to, and 1 for the binder's DEFAULT marker */
	uint32_t len;    /* byte length for TEXT-like and BYTEA; else 0 */
	union {
		bool             b;
		int64_t          i;
		double           f;
		const char      *str;
		const uint8_t   *bytes;
		const OxNumeric *num;
	} v;
} OxValue;

#define OX_VALUE_UNBOUND 2

_Static_assert (sizeof (OxValue) == 16, "OxValue must stay 16 bytes");

static inline OxValue
ox_null (OxTypeId t)
{
	OxValue v = { .type = (uint8_t) t, .null = 1 };
	return v;
}

static inline OxValue
ox_bool (bool b)
{
	OxValue v = { .type = OX_T_BOOL };
	v.v.b = b;
	return v;
}

static inline OxValue
ox_int (OxTypeId t, int64_t i)
{
	OxValue v = { .type = (uint8_t) t };
	v.v.i = i;
	return v;
}

static inline OxValue
ox_float (OxTypeId t, double f)
{
	OxValue v = { .type = (uint8_t) t };
	v.v.f = f;
	return v;
}

/* Text value over existing bytes (not copied; s[len] must be NUL). */
static inline OxValue
ox_text (OxTypeId t, const char *s, size_t len)
{
	OxValue v = { .type = (uint8_t) t, .len = (uint32_t) len };
	v.v.str = s;
	return v;
}

static inline bool
ox_type_is_integer (OxTypeId t)
{
	return t == OX_T_INT2 || t == OX_T_INT4 || t == OX_T_INT8;
}

static inline bool
ox_type_is_numeric_family (OxTypeId t)
{
	return ox_type_is_integer (t) || t == OX_T_NUMERIC || t == OX_T_FLOAT4 || t == OX_T_FLOAT8;
}

static inline bool
ox_type_is_string (OxTypeId t)
{
	return t == OX_T_TEXT || t == OX_T_VARCHAR || t == OX_T_BPCHAR || t == OX_T_UNKNOWN;
}

static inline bool
ox_type_is_datetime (OxTypeId t)
{
	return t == OX_T_DATE || t == OX_T_TIMESTAMP || t == OX_T_TIMESTAMPTZ;
}

/* PostgreSQL's name for a type id: "integer", "text", "timestamp with time zone". */
const char *ox_type_name (OxTypeId t);
/* Name with modifier, e.g. "character varying(10)", "numeric(10,2)". */
char *ox_type_format (OxArena *a, OxType t);

/* The UTC zone, created once (for messages printed outside a session). */
struct OxTimeZone;
const struct OxTimeZone *ox_timezone_utc (void);

/* Bytes needed to deep-copy v's out-of-line data (0 for inline scalars). */
size_t ox_value_extra_size (const OxValue *v);
/* Deep copy: out-of-line data of *v is copied to 'buf' (which must hold
 * ox_value_extra_size bytes) and the returned value points there. */
OxValue ox_value_copy_to (const OxValue *v, void *buf);
/* Deep copy into an arena. */
OxValue ox_value_copy (OxArena *a, const OxValue *v);

#endif

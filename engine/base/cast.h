/*
 * cast.h — converting, comparing, hashing and printing OxValues.
 *
 * These are the type system's primitive operations, used by the executor
 * once the binder has resolved types.  Behaviour follows PostgreSQL 15:
 * output functions print exactly what psql shows (boolean t/f, float8 in
 * shortest round-trip form, numeric with its display scale, bytea as \x...,
 * ISO dates), and casts raise the same SQLSTATEs (22P02, 22003, 22001, 22007,
 * 22008).
 *
 * An OxCastCtx carries what output and casts may need from the session:
 * the time zone and the statement timestamp.
 */
#ifndef OX_CAST_H
#define OX_CAST_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "value.h"
#include "datetime.h"

typedef struct OxCastCtx {
	const OxTimeZone *tz;   /* session TimeZone; never NULL */
	int64_t           now;  /* statement/transaction timestamp (UTC usecs) */
} OxCastCtx;

/* Text form of a non-NULL value, as PostgreSQL's output function prints it.
 * The result is NUL-terminated; *len_out (if not NULL) gets its length. */
const char *ox_value_out (OxArena *a, const OxCastCtx *cx, const OxValue *v, size_t *len_out);

/* Cast v to type t.  'explicit_cast' selects CAST/:: semantics (VARCHAR(n)
 * and CHAR(n) silently truncate, bool<->int allowed) as opposed to
 * assignment semantics (22001 "value too long for type character varying(n)").
 * NULL stays NULL (retyped).  Raises 42846 "cannot cast type X to Y" when no
 * cast exists. */
OxValue ox_value_cast (OxArena *a, const OxCastCtx *cx, const OxValue *v, OxType t, bool explicit_cast);

/* Is there a cast from 'from' to 'to', and may it be applied implicitly
 * (PG's pg_cast castcontext 'i'), in assignment ('a'), or only explicitly?
 * Returns 'i', 'a', 'e' or 0 (no cast).  Text-like to text-like is 'i';
 * UNKNOWN converts to anything implicitly. */
char ox_cast_context (OxTypeId from, OxTypeId to);

/* Three-way comparison of two non-NULL values of the same type (or both
 * in the same family: integers with integers, text-like with text-like).
 * Text compares bytewise (C collation); BPCHAR ignores trailing spaces;
 * floats order NaN above everything, as PostgreSQL does. */
int ox_value_cmp (const OxValue *a, const OxValue *b);
/* Hash consistent with ox_value_cmp == 0 within a type family. */
uint32_t ox_value_hash (const OxValue *v);

/* Parse a boolean literal the way PG's boolin does ('t', 'yes', 'on', '1' ...). */
bool ox_bool_parse (const char *s, size_t len, bool *out);
/* Parse an integer of type t (INT2/INT4/INT8) with PG's errors. */
int64_t ox_int_parse (const char *s, size_t len, OxTypeId t);
/* Raise 22003 "<type> out of range" unless i fits type t. */
int64_t ox_int_check (int64_t i, OxTypeId t);
/* float8 text output, shortest form that round-trips (PG 12+ default). */
char *ox_float8_out (OxArena *a, double f);
char *ox_float4_out (OxArena *a, float f);
double ox_float8_parse (const char *s, size_t len, OxTypeId t);

/* bytea output in hex format, e.g. \x0102ff; *len_out (if not NULL) gets its length. */
char *ox_bytea_out (OxArena *a, const uint8_t *b, size_t len, size_t *len_out);
/* bytea input in hex (\x01 02) or escape format (a\\b\001), with PG's
 * errors (22023 bad hex digit / odd digit count, 22P02 bad escape). */
const uint8_t *ox_bytea_parse (OxArena *a, const char *s, size_t len, size_t *len_out);

#endif

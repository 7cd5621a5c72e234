/*
 * numeric.h — NUMERIC: exact decimal arithmetic with PostgreSQL's semantics.
 *
 * An OxNumeric is immutable and lives in one contiguous allocation (so a
 * value can be deep-copied with memcpy of ox_numeric_size bytes).  Results
 * are allocated in the arena passed in.  Scales of results follow
 * PostgreSQL: add/sub take the larger display scale, mul the sum, div picks
 * a scale giving at least 16 significant digits (select_div_scale).
 * Special values NaN, Infinity and -Infinity are supported as in PG 14+.
 *
 * Errors are raised with ox_raise (error.h): 22P02 for bad input text,
 * 22003 for overflow (typmod, int conversion), 22012 for division by zero.
 */
#ifndef OX_NUMERIC_H
#define OX_NUMERIC_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "arena.h"
#include "value.h"

size_t           ox_numeric_size (const OxNumeric *n);
/* The same without a call, for storage walking packed rows: an OxNumeric
 * is an 8-byte head then 2 bytes a digit, and the digit count is the
 * uint16 at byte 6 of the head (numeric.c asserts this layout). */
#define OX_NUMERIC_HEAD_SIZE   8
#define OX_NUMERIC_NDIGITS_AT  6

/* Parse text such as "  -12.50 ", "1e10", "NaN", "Infinity" (raises 22P02). */
const OxNumeric *ox_numeric_parse (OxArena *a, const char *s, size_t len);
/* PostgreSQL's output: "-12.50", "NaN", "Infinity"; never exponent form. */
char            *ox_numeric_out (OxArena *a, const OxNumeric *n);

const OxNumeric *ox_numeric_from_int64 (OxArena *a, int64_t i);
/* From a double as PG's float8 -> numeric cast does (via %.15g); NaN and
 * infinities map to the numeric specials. */
const OxNumeric *ox_numeric_from_double (OxArena *a, double d);
/* Nearest double (NaN/inf map to the double specials).  Never raises: out
 * of range gives +-HUGE_VAL or 0; PG's numeric::float8 errors come from
 * going through text (cast.c). */
double           ox_numeric_to_double (const OxNumeric *n);
/* Round half away from zero to an integer; false on overflow, NaN or inf. */
bool             ox_numeric_to_int64 (const OxNumeric *n, int64_t *out);

/* A finite value of at most 4 base-10000 digits as m * 10000^e (and its
 * display scale); false for any other.  For sums kept in integers (the
 * aggregates in exec.c), turned back by ox_numeric_from_scaled (any
 * int128 m; raises 22003 beyond the format). */
bool             ox_numeric_small (const OxNumeric *n, int64_t *m, int *e, int *dscale);
const OxNumeric *ox_numeric_from_scaled (OxArena *a, __int128 m, int e, int dscale);

const OxNumeric *ox_numeric_add (OxArena *a, const OxNumeric *x, const OxNumeric *y);
const OxNumeric *ox_numeric_sub (OxArena *a, const OxNumeric *x, const OxNumeric *y);
const OxNumeric *ox_numeric_mul (OxArena *a, const OxNumeric *x, const OxNumeric *y);
const OxNumeric *ox_numeric_div (OxArena *a, const OxNumeric *x, const OxNumeric *y);
/* Truncating integer division (PG's div()), and modulo with x's sign. */
const OxNumeric *ox_numeric_div_trunc (OxArena *a, const OxNumeric *x, const OxNumeric *y);
const OxNumeric *ox_numeric_mod (OxArena *a, const OxNumeric *x, const OxNumeric *y);
const OxNumeric *ox_numeric_neg (OxArena *a, const OxNumeric *x);
const OxNumeric *ox_numeric_abs (OxArena *a, const OxNumeric *x);
/* Sum of many values divided by a count, for avg(): scale as PG's numeric_avg. */
const OxNumeric *ox_numeric_div_int (OxArena *a, const OxNumeric *x, int64_t count);

/* Total order as PostgreSQL sorts: -Inf < finite < +Inf < NaN; NaN = NaN. */
int              ox_numeric_cmp (const OxNumeric *x, const OxNumeric *y);
/* Equal values hash equally regardless of scale (1.0 and 1.00). */
uint32_t         ox_numeric_hash (const OxNumeric *n);
int              ox_numeric_sign (const OxNumeric *n);   /* -1, 0, 1; NaN gives 0 */
bool             ox_numeric_is_nan (const OxNumeric *n);
bool             ox_numeric_is_inf (const OxNumeric *n);
/* round(x, s) half away from zero; s may be negative.  trunc likewise. */
const OxNumeric *ox_numeric_round (OxArena *a, const OxNumeric *x, int scale);
const OxNumeric *ox_numeric_trunc (OxArena *a, const OxNumeric *x, int scale);
const OxNumeric *ox_numeric_ceil (OxArena *a, const OxNumeric *x);
const OxNumeric *ox_numeric_floor (OxArena *a, const OxNumeric *x);
/* Display scale (digits after the point) of a finite value; -1 for NaN and
 * infinities (PG's scale() returns NULL for them). */
int              ox_numeric_scale (const OxNumeric *x);
/* Coerce to NUMERIC(precision, scale): round to scale, raise 22003
 * "numeric field overflow" with PG's detail when the integer part does not
 * fit.  precision 0 or negative means unconstrained (returns x). */
const OxNumeric *ox_numeric_apply_typmod (OxArena *a, const OxNumeric *x, int precision, int scale);
/* power(x, y), sqrt(x) with PG's result scales; raise 2201F/2201E like PG. */
const OxNumeric *ox_numeric_power (OxArena *a, const OxNumeric *x, const OxNumeric *y);
const OxNumeric *ox_numeric_sqrt (OxArena *a, const OxNumeric *x);
/* ln(x) and exp(x) with PG's result scales; ln raises 2201E for x <= 0,
 * exp raises 22003 for x >= 6000 (as PG). */
const OxNumeric *ox_numeric_ln (OxArena *a, const OxNumeric *x);
const OxNumeric *ox_numeric_exp (OxArena *a, const OxNumeric *x);

#endif

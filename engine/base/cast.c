/*
 * cast.c — input, output, casts, comparison and hashing of OxValues.
 *
 * Every behaviour here was checked against a PostgreSQL 15 server: the
 * texts the output functions print, which strings the input functions
 * accept, the cast matrix with its contexts (pg_cast's 'i', 'a', 'e' plus
 * the automatic I/O conversions to and from string types), and the exact
 * messages and SQLSTATEs of every error.  NUMERIC and the date/time types
 * are delegated to numeric.c and datetime.c; this file only routes to them.
 *
 * NOTE: the float parsers and the float printer must not depend on the
 * process locale.  The engine is embeddable, and a GTK host calls
 * setlocale (LC_ALL, ""), after which plain strtod() stops at '.' in a
 * de_DE session and printf() prints "1,5".  We parse with strtod_l /
 * strtof_l on a private "C" locale and format with g_ascii_formatd.
 *
 * NOTE: ox_value_cmp and ox_value_hash are on the executor's hottest paths
 * (sorts, hash joins, index probes): they never allocate, never raise for
 * supported pairs, and keep the integer case first.  Hash values are only
 * consistent within one hash family (integers; float4/float8; text-like;
 * date/timestamp; each other type alone), as PostgreSQL's hash opfamilies;
 * a join across families must cast to a common type first.  They also
 * depend on byte order, so they must never be persisted.
 *
 * NOTE: float output must match PG's Ryu digit for digit, including its
 * refusal of decimals that sit exactly halfway between two doubles (see
 * shortest_decimal).  Any change there must be re-checked against a real
 * server on a large random sample, not just the unit tests.
 *
 * NOTE: string lengths in typmods count characters, not bytes: every cut
 * of a VARCHAR(n)/CHAR(n) value lands on a UTF-8 character boundary.
 *
 * NOTE: everything that raises does so with ox_raise (longjmp).  Any
 * temporary malloc'd buffer is freed before the raise, never after.
 */
#define _GNU_SOURCE  /* strtod_l, strtof_l */
#define G_LOG_DOMAIN "ox-cast"

#include "cast.h"
#include "error.h"
#include "numeric.h"

#include <glib.h>
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* PG's cannot_coerce; error.h does not list it (yet). */
#ifndef OX_ERR_CANNOT_COERCE
#define OX_ERR_CANNOT_COERCE "42846"
#endif

/* ---------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------- */

/* isspace() of the C locale; PG's input functions skip exactly these. */
static inline bool
is_space (char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static inline bool
is_digit (char c)
{
	return c >= '0' && c <= '9';
}

/* Created once and never freed: it lives as long as the process. */
static locale_t
c_locale (void)
{
	static gsize loc;
	if (g_once_init_enter (&loc)) {
		locale_t l = newlocale (LC_ALL_MASK, "C", (locale_t) 0);
		if (l == (locale_t) 0)
			g_error ("cannot create the C locale");
		g_once_init_leave (&loc, (gsize) l);
	}
	return (locale_t) loc;
}

/* Decimal digits of |i| written backwards from 'end'; returns the start. */
static char *
format_int64_rev (char *end, int64_t i)
{
	/* Work on the magnitude as unsigned so INT64_MIN needs no special case. */
	uint64_t u = i < 0 ? (uint64_t) 0 - (uint64_t) i : (uint64_t) i;
	char *p = end;
	do {
		*--p = (char) ('0' + u % 10);
		u /= 10;
	} while (u);
	if (i < 0)
		*--p = '-';
	return p;
}

/* One arena allocation; the digits end at its last byte and the returned
 * pointer may lie inside it, which is fine for an arena. */
static char *
int_out (OxArena *a, int64_t i, size_t *len_out)
{
	char *buf = ox_arena_alloc (a, 24);
	char *end = buf + 23;
	*end = '\0';
	char *p = format_int64_rev (end, i);
	if (len_out)
		*len_out = (size_t) (end - p);
	return p;
}

/* Byte length of the UTF-8 character starting at p, clamped to 'avail'. */
static int
utf8_char_len (const char *p, size_t avail)
{
	unsigned char c = (unsigned char) *p;
	int n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	return (size_t) n > avail ? (int) avail : n;
}

/*
 * Byte offset just past the first 'nchars' characters of s (len if s is
 * shorter); *chars_out gets the characters counted up to there.
 */
static size_t
utf8_cut (const char *s, size_t len, size_t nchars, size_t *chars_out)
{
	size_t chars = 0, i;
	for (i = 0; i < len; i++) {
		if (((unsigned char) s[i] & 0xc0) != 0x80) {
			if (chars == nchars)
				break;
			chars++;
		}
	}
	*chars_out = chars;
	return i;
}

/* datetime.c reads a NULL zone as UTC, so a caller without a session
 * (tests, constant folding in a tool) may pass no context at all. */
static const OxTimeZone *
ctx_tz (const OxCastCtx *cx)
{
	return cx ? cx->tz : NULL;
}

/* ---------------------------------------------------------------------
 * Hashing
 * ------------------------------------------------------------------- */

#define HASH_K1 UINT64_C (0x9e3779b97f4a7c15)
#define HASH_K2 UINT64_C (0xd6e8feb86659fd93)

/* Multiply-xorshift finalizer: every input bit reaches every output bit. */
static inline uint64_t
mix64 (uint64_t x)
{
	x ^= x >> 32;
	x *= HASH_K2;
	x ^= x >> 32;
	x *= HASH_K2;
	x ^= x >> 32;
	return x;
}

static inline uint32_t
hash_u64 (uint64_t x)
{
	return (uint32_t) mix64 (x);
}

/* Eight bytes per step.  The tail (1..7 bytes) is read as two
 * overlapping 4-byte words, or three single bytes, instead of a
 * variable-length memcpy (a libc call: 21-byte keys went from 15 to 8 ns).
 * The length seeds the state, so overlapping reads and "a" vs "a\0"
 * cannot collide by construction. */
static uint32_t
hash_bytes (const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t h = (uint64_t) n * HASH_K1;
	while (n >= 8) {
		uint64_t w;
		memcpy (&w, p, 8);
		h = (h ^ w) * HASH_K2;
		h = (h << 31) | (h >> 33);
		p += 8;
		n -= 8;
	}
	if (n >= 4) {
		uint32_t w1, w2;
		memcpy (&w1, p, 4);
		memcpy (&w2, p + n - 4, 4);
		h = (h ^ ((uint64_t) w1 << 32 | w2)) * HASH_K2;
	} else if (n > 0) {
		uint64_t w = (uint64_t) p[0] << 16 | (uint64_t) p[n / 2] << 8 | p[n - 1];
		h = (h ^ w) * HASH_K2;
	}
	return (uint32_t) mix64 (h);
}

/* ---------------------------------------------------------------------
 * Integers
 * ------------------------------------------------------------------- */

static const char *
int_range_message (OxTypeId t)
{
	switch (t) {
	case OX_T_INT2: return "smallint out of range";
	case OX_T_INT4: return "integer out of range";
	default:        return "bigint out of range";
	}
}

static void __attribute__ ((noreturn))
int_out_of_range (OxTypeId t)
{
	ox_raise (OX_ERR_NUMERIC_OUT_OF_RANGE, 0, "%s", int_range_message (t));
}

static inline bool
int_fits (int64_t i, OxTypeId t)
{
	switch (t) {
	case OX_T_INT2: return i >= INT16_MIN && i <= INT16_MAX;
	case OX_T_INT4: return i >= INT32_MIN && i <= INT32_MAX;
	default:        return true;
	}
}

int64_t
ox_int_check (int64_t i, OxTypeId t)
{
	if (G_UNLIKELY (!int_fits (i, t)))
		int_out_of_range (t);
	return i;
}

/*
 * PG 15's integer input: optional whitespace, an optional sign, at least
 * one digit, optional whitespace.  No underscores or 0x prefixes (those
 * came in PG 16).  Outcomes:
 *   the value, when it fits t;
 *   22003 'value "<s>" is out of range for type <t>' when it does not —
 *     as soon as the digits so far overflow, even if garbage follows
 *     ('99999999999x' is out of range, '2147483648x' is bad syntax,
 *     exactly as PG reports them);
 *   22P02 'invalid input syntax for type <t>: "<s>"' otherwise.
 */
int64_t
ox_int_parse (const char *s, size_t len, OxTypeId t)
{
	g_return_val_if_fail (ox_type_is_integer (t), 0);
	/* Largest magnitude of a negative value; positives stop one below. */
	uint64_t limit = t == OX_T_INT2 ? UINT64_C (1) << 15
	               : t == OX_T_INT4 ? UINT64_C (1) << 31
	               : UINT64_C (1) << 63;
	const char *p = s, *end = s + len;
	while (p < end && is_space (*p))
		p++;
	bool neg = false;
	if (p < end && (*p == '-' || *p == '+')) {
		neg = *p == '-';
		p++;
	}
	const char *digits = p;
	uint64_t acc = 0;
	while (p < end && is_digit (*p)) {
		/* Checked before the multiply: acc * 10 + 9 still fits in uint64. */
		if (acc > limit / 10)
			goto out_of_range;
		acc = acc * 10 + (uint64_t) (*p - '0');
		p++;
	}
	if (p == digits)
		goto bad_syntax;
	while (p < end && is_space (*p))
		p++;
	if (p != end)
		goto bad_syntax;
	if (neg) {
		if (acc > limit)
			goto out_of_range;
		return (int64_t) (0 - acc);  /* wraps correctly for INT64_MIN */
	}
	if (acc > limit - 1)
		goto out_of_range;
	return (int64_t) acc;

out_of_range:
	ox_raise (OX_ERR_NUMERIC_OUT_OF_RANGE, 0, "value \"%.*s\" is out of range for type %s",
	          (int) len, s, ox_type_name (t));
bad_syntax:
	ox_raise (OX_ERR_INVALID_TEXT_REP, 0, "invalid input syntax for type %s: \"%.*s\"",
	          ox_type_name (t), (int) len, s);
}

/* ---------------------------------------------------------------------
 * Booleans
 * ------------------------------------------------------------------- */

/* Is s[0..n) a case-insensitive prefix of 'word' of at least 'min' chars? */
static bool
bool_word (const char *s, size_t n, const char *word, size_t min)
{
	return n >= min && n <= strlen (word) && g_ascii_strncasecmp (s, word, n) == 0;
}

/*
 * PG's boolin: surrounding whitespace is ignored; accepted are the
 * case-insensitive prefixes of true/false/yes/no, "on"/"off" (at least two
 * letters, since "o" is ambiguous) and "1"/"0".  Returns false (and leaves
 * *out alone) for anything else; the caller raises.
 */
bool
ox_bool_parse (const char *s, size_t len, bool *out)
{
	while (len > 0 && is_space (*s)) {
		s++;
		len--;
	}
	while (len > 0 && is_space (s[len - 1]))
		len--;
	if (len == 0)
		return false;
	bool val;
	switch (s[0]) {
	case 't': case 'T': val = true;  if (!bool_word (s, len, "true", 1)) return false; break;
	case 'f': case 'F': val = false; if (!bool_word (s, len, "false", 1)) return false; break;
	case 'y': case 'Y': val = true;  if (!bool_word (s, len, "yes", 1)) return false; break;
	case 'n': case 'N': val = false; if (!bool_word (s, len, "no", 1)) return false; break;
	case 'o': case 'O':
		if (bool_word (s, len, "on", 2))
			val = true;
		else if (bool_word (s, len, "off", 2))
			val = false;
		else
			return false;
		break;
	case '1': val = true;  if (len != 1) return false; break;
	case '0': val = false; if (len != 1) return false; break;
	default:
		return false;
	}
	*out = val;
	return true;
}

static bool
bool_in (const char *s, size_t len)
{
	bool b;
	if (!ox_bool_parse (s, len, &b))
		ox_raise (OX_ERR_INVALID_TEXT_REP, 0, "invalid input syntax for type boolean: \"%.*s\"",
		          (int) len, s);
	return b;
}

/* ---------------------------------------------------------------------
 * Floats: input
 * ------------------------------------------------------------------- */

/*
 * float8in / float4in of PG 15: whitespace around the number, anything
 * strtod accepts in the C locale (so also "inf", "NaN", "Infinity" in any
 * case, "0x1p4" hex floats and "nan(123)"), and:
 *   22003 '"<s>" is out of range for type <t>' when the value overflows to
 *     infinity or underflows to zero (denormals are accepted);
 *   22P02 'invalid input syntax for type <t>: "<s>"' for anything else,
 *     including the empty string and trailing garbage.
 * For FLOAT4 the string is rounded once, straight to float (strtof), not
 * through double: double rounding could land on the other neighbour.
 */
double
ox_float8_parse (const char *s, size_t len, OxTypeId t)
{
	g_return_val_if_fail (t == OX_T_FLOAT4 || t == OX_T_FLOAT8, 0);
	char stackbuf[128];
	char *buf = len < sizeof stackbuf ? stackbuf : g_malloc (len + 1);
	memcpy (buf, s, len);
	buf[len] = '\0';

	const char *p = buf;
	while (*p && is_space (*p))
		p++;
	double val = 0;
	char *endp = (char *) p;
	int err = 0;
	if (*p) {
		errno = 0;
		if (t == OX_T_FLOAT4) {
			float f = strtof_l (p, &endp, c_locale ());
			val = f;
		} else {
			val = strtod_l (p, &endp, c_locale ());
		}
		err = errno;
	}
	bool syntax_ok = endp != p;
	if (syntax_ok) {
		const char *q = endp;
		while (q < buf + len && is_space (*q))
			q++;
		syntax_ok = q == buf + len;  /* also rejects an embedded NUL */
	}
	if (buf != stackbuf)
		g_free (buf);

	if (!syntax_ok)
		ox_raise (OX_ERR_INVALID_TEXT_REP, 0, "invalid input syntax for type %s: \"%.*s\"",
		          ox_type_name (t), (int) len, s);
	if (err == ERANGE && (val == 0.0 || isinf (val)))
		ox_raise (OX_ERR_NUMERIC_OUT_OF_RANGE, 0, "\"%.*s\" is out of range for type %s",
		          (int) len, s, ox_type_name (t));
	return val;
}

/* ---------------------------------------------------------------------
 * Floats: output
 * ------------------------------------------------------------------- */

/*
 * Shortest round-trip digits, without Ryu.  PG prints the shortest decimal
 * that lies strictly inside x's rounding interval (the closest one when
 * several qualify).  Strictly: a decimal exactly halfway to a neighbour
 * is refused even when round-half-even would read it back as x (measured
 * on PG 15: 62737673615502224::float8 prints all 17 digits although
 * 6.273767361550222e+16, a tie, reads back).  Facts used:
 *  - Any decimal of at most DIG significant digits (15 for double, 6 for
 *    float) that reads back as a normal x is recovered by rounding x to DIG
 *    digits (the DBL_DIG/FLT_DIG promise).  So one correctly rounded printf
 *    at DIG digits finds the shortest form whenever it has <= DIG digits:
 *    strip its trailing zeros.  Subnormals have fewer bits, so for them we
 *    start at one digit.
 *  - The correctly rounded candidate at a given width is the closest; if
 *    it does not qualify, only its neighbour on x's side can (the interval
 *    is lopsided at powers of two), so we try that before adding a digit.
 *  - At DECIMAL_DIG digits (17 / 9) the closest candidate always qualifies.
 * That search costs three printf/strtod rounds (~1.5 us), so the common
 * range goes through shortest_u128 first, exactly and in ~30-110 ns.
 * Both paths were checked against PG 15 on 212,000 float8 and float4
 * values (random bit patterns, short decimals, subnormals, every power of
 * two, integers past 2^53); tests/engine/test-cast.c keeps a sample.
 */
typedef struct Decimal {
	uint64_t mant;   /* significant digits as an integer, no trailing zeros */
	int      ndig;   /* digits in mant */
	int      exp10;  /* power of ten of the first digit: mant's first digit sits at 10^exp10 */
} Decimal;

/* x = m * 2^e2 exactly, with the neighbours' spacing known. */
typedef struct Binary {
	double   x;       /* > 0, finite; for FLOAT4 exactly a float */
	uint64_t m;       /* integer significand (53 or 24 bits; fewer if subnormal) */
	int      e2;      /* binary exponent of m's last bit */
	bool     lopsided; /* m is a power of two above the subnormals: the lower gap is half */
	bool     single;  /* FLOAT4 */
} Binary;

static const uint64_t pow10_u64[] = {
	UINT64_C (1), UINT64_C (10), UINT64_C (100), UINT64_C (1000), UINT64_C (10000),
	UINT64_C (100000), UINT64_C (1000000), UINT64_C (10000000), UINT64_C (100000000),
	UINT64_C (1000000000), UINT64_C (10000000000), UINT64_C (100000000000),
	UINT64_C (1000000000000), UINT64_C (10000000000000), UINT64_C (100000000000000),
	UINT64_C (1000000000000000), UINT64_C (10000000000000000),
	UINT64_C (100000000000000000), UINT64_C (1000000000000000000),
};

/* x (> 0, finite) correctly rounded to 'prec' significant digits. */
static void
round_to_digits (double x, int prec, uint64_t *mant, int *exp10)
{
	char fmt[16], buf[40];
	snprintf (fmt, sizeof fmt, "%%.%de", prec - 1);
	g_ascii_formatd (buf, sizeof buf, fmt, x);
	uint64_t m = 0;
	const char *p = buf;
	for (; *p && *p != 'e'; p++)
		if (is_digit (*p))
			m = m * 10 + (uint64_t) (*p - '0');
	g_assert (*p == 'e');
	*mant = m;
	*exp10 = atoi (p + 1);
}

/* Is mant * 10^k exactly odd * 2^e2?  Compares prime factorizations, so
 * no big integers: the powers of two must match and what is left of mant
 * times the leftover fives must be 'odd'. */
static bool
decimal_is_dyadic (uint64_t mant, int k, uint64_t odd, int e2)
{
	g_assert (mant != 0);
	int twos = 0, fives = 0;
	while ((mant & 1) == 0) {
		mant >>= 1;
		twos++;
	}
	while (mant % 5 == 0) {
		mant /= 5;
		fives++;
	}
	if (twos + k != e2 || fives + k < 0)
		return false;
	for (int i = 0; i < fives + k; i++) {
		if (mant > odd / 5)
			return false;
		mant *= 5;
	}
	return mant == odd;
}

/*
 * Where candidate mant (prec digits, first at 10^exp10) stands:
 * 0 = qualifies, -1 = below x's interval or on its lower edge, +1 = above
 * or on its upper edge.
 */
static int
candidate_side (const Binary *b, uint64_t mant, int prec, int exp10)
{
	int k = exp10 - (prec - 1);
	char buf[48];
	snprintf (buf, sizeof buf, "%" PRIu64 "e%d", mant, k);
	double back = b->single ? strtof_l (buf, NULL, c_locale ())
	                        : strtod_l (buf, NULL, c_locale ());
	if (back != b->x)
		return back < b->x ? -1 : 1;
	/* Reads back; refuse it if it sits exactly on a midpoint. */
	if (decimal_is_dyadic (mant, k, 2 * b->m + 1, b->e2 - 1))
		return 1;
	if (b->lopsided ? decimal_is_dyadic (mant, k, 4 * b->m - 1, b->e2 - 2)
	                : decimal_is_dyadic (mant, k, 2 * b->m - 1, b->e2 - 1))
		return -1;
	return 0;
}

/*
 * The common case, exactly and without printf or strtod: x = m * 2^e2
 * with -120 <= e2 <= 0 (so 1e-5 <= x < 2^53 for double, < 2^24 for
 * float, as far as the loop below reaches 17 digits).  Scaled by 2^sh, the
 * rounding interval is (lo, hi) and x is xn, all integers; multiplying them
 * by 10 per step gives the candidates with j = 0, 1, 2... fractional
 * digits: the integers c with lo < c * 2^sh < hi (strict: PG refuses ties).
 * The first j with any candidate gives the shortest form (a candidate
 * ending in 0 would have shown up one step earlier), and among several we
 * take the one closest to x, halves to even, as Ryu does.  (4m + 2) * 10^21
 * < 2^125, so nothing overflows.  Returns false to leave x to the search
 * below.  Measured: ~70 ns for 0.30000000000000004 against ~1500 ns
 * through printf/strtod.
 */
static bool
shortest_u128 (const Binary *b, Decimal *d)
{
#ifdef __SIZEOF_INT128__
	typedef unsigned __int128 u128;
	if (b->e2 > 0 || b->e2 < -120)
		return false;
	int sh = 2 - b->e2;  /* x = 4m / 2^sh */
	u128 lo = b->lopsided ? 4 * (u128) b->m - 1 : 4 * (u128) b->m - 2;
	u128 hi = 4 * (u128) b->m + 2;
	u128 xn = 4 * (u128) b->m;
	u128 mask = ((u128) 1 << sh) - 1, half = (u128) 1 << (sh - 1);
	for (int j = 0; j <= 21; j++) {
		if (j > 0) {
			lo *= 10;
			hi *= 10;
			xn *= 10;
		}
		u128 cmin = (lo >> sh) + 1, cmax = (hi - 1) >> sh;
		if (cmin > cmax)
			continue;
		u128 q = xn >> sh, r = xn & mask;
		if (r > half || (r == half && (q & 1)))
			q++;
		if (q < cmin)
			q = cmin;
		else if (q > cmax)
			q = cmax;
		g_assert (q < pow10_u64[18]);  /* at most 17 significant digits */
		/* c * 10^-k; integers may still end in zeros (1200 is 12e2). */
		uint64_t c = (uint64_t) q;
		int k = j;
		while (c % 10 == 0) {
			c /= 10;
			k--;
		}
		int ndig = 1;
		while (ndig < 18 && c >= pow10_u64[ndig])
			ndig++;
		d->mant = c;
		d->ndig = ndig;
		d->exp10 = ndig - 1 - k;
		return true;
	}
#endif
	return false;
}

static void
shortest_decimal (double x, bool single, Decimal *d)
{
	int bits = single ? FLT_MANT_DIG : DBL_MANT_DIG;
	int emin = single ? FLT_MIN_EXP - FLT_MANT_DIG : DBL_MIN_EXP - DBL_MANT_DIG;
	int fe;
	frexp (x, &fe);
	Binary b = { .x = x, .e2 = fe - bits, .single = single };
	bool subnormal = b.e2 < emin;
	if (subnormal)
		b.e2 = emin;
	b.m = (uint64_t) ldexp (x, -b.e2);
	b.lopsided = !subnormal && b.e2 > emin && b.m == UINT64_C (1) << (bits - 1);
	if (!subnormal && shortest_u128 (&b, d))
		return;

	int dig = subnormal ? 1 : single ? FLT_DIG : DBL_DIG;
	int maxdig = single ? FLT_DECIMAL_DIG : DBL_DECIMAL_DIG;
	uint64_t m = 0;
	int e = 0, prec;
	for (prec = dig; prec <= maxdig; prec++) {
		round_to_digits (x, prec, &m, &e);
		int side = candidate_side (&b, m, prec, e);
		if (side == 0)
			goto found;
		/* The neighbour on x's side; stepping across a power of ten
		 * changes the exponent, not the width. */
		uint64_t nm = m;
		int ne = e;
		if (side < 0) {
			if (++nm == pow10_u64[prec]) {
				nm = pow10_u64[prec - 1];
				ne++;
			}
		} else if (nm == pow10_u64[prec - 1]) {
			nm = pow10_u64[prec] - 1;
			ne--;
		} else {
			nm--;
		}
		if (candidate_side (&b, nm, prec, ne) == 0) {
			m = nm;
			e = ne;
			goto found;
		}
	}
	/* Cannot happen: at maxdig the closest candidate qualifies. */
	prec = maxdig;
	round_to_digits (x, prec, &m, &e);
found:
	while (m % 10 == 0 && prec > 1) {
		m /= 10;
		prec--;
	}
	d->mant = m;
	d->ndig = prec;
	d->exp10 = e;
}

/*
 * Lay out a finite float as PG 12+ does: plain notation when the decimal
 * exponent is in [-4, DIG), else d.ddde+XX with at least two exponent
 * digits: 1e+100, 1.5e-07, 100000000000000, 0.0001, 1e-05, -0.
 */
static char *
float_out (OxArena *a, double x, bool single)
{
	if (isnan (x))
		return ox_arena_strdup (a, "NaN");
	if (isinf (x))
		return ox_arena_strdup (a, x > 0 ? "Infinity" : "-Infinity");

	Decimal d = { 0, 1, 0 };
	if (x != 0)
		shortest_decimal (fabs (x), single, &d);
	char digitbuf[24];
	const char *digits = format_int64_rev (digitbuf + sizeof digitbuf, (int64_t) d.mant);

	char out[48];
	char *p = out;
	if (signbit (x))
		*p++ = '-';
	int dig = single ? FLT_DIG : DBL_DIG;
	if (d.exp10 >= -4 && d.exp10 < dig) {
		if (d.exp10 < 0) {
			*p++ = '0';
			*p++ = '.';
			for (int i = -1; i > d.exp10; i--)
				*p++ = '0';
			memcpy (p, digits, (size_t) d.ndig);
			p += d.ndig;
		} else {
			int intdig = d.exp10 + 1;
			for (int i = 0; i < intdig; i++)
				*p++ = i < d.ndig ? digits[i] : '0';
			if (d.ndig > intdig) {
				*p++ = '.';
				memcpy (p, digits + intdig, (size_t) (d.ndig - intdig));
				p += d.ndig - intdig;
			}
		}
	} else {
		*p++ = digits[0];
		if (d.ndig > 1) {
			*p++ = '.';
			memcpy (p, digits + 1, (size_t) (d.ndig - 1));
			p += d.ndig - 1;
		}
		p += snprintf (p, sizeof out - (size_t) (p - out), "e%c%02d",
		               d.exp10 < 0 ? '-' : '+', abs (d.exp10));
	}
	return ox_arena_strndup (a, out, (size_t) (p - out));
}

char *
ox_float8_out (OxArena *a, double f)
{
	return float_out (a, f, false);
}

char *
ox_float4_out (OxArena *a, float f)
{
	return float_out (a, f, true);
}

/* ---------------------------------------------------------------------
 * Bytea
 * ------------------------------------------------------------------- */

static const char hex_digits[] = "0123456789abcdef";

char *
ox_bytea_out (OxArena *a, const uint8_t *b, size_t len, size_t *len_out)
{
	size_t n = 2 + 2 * len;
	char *s = ox_arena_alloc (a, n + 1);
	s[0] = '\\';
	s[1] = 'x';
	for (size_t i = 0; i < len; i++) {
		s[2 + 2 * i] = hex_digits[b[i] >> 4];
		s[3 + 2 * i] = hex_digits[b[i] & 0xf];
	}
	s[n] = '\0';
	if (len_out)
		*len_out = n;
	return s;
}

static int
hex_value (char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void __attribute__ ((noreturn))
bad_hex_digit (const char *p, const char *end)
{
	ox_raise (OX_ERR_INVALID_PARAMETER, 0, "invalid hexadecimal digit: \"%.*s\"",
	          utf8_char_len (p, (size_t) (end - p)), p);
}

/*
 * PG's byteain.  "\x" starts hex format: pairs of hex digits, whitespace
 * allowed between pairs but not inside one (22023 'invalid hexadecimal
 * digit: "<c>"', 22023 'invalid hexadecimal data: odd number of digits').
 * Anything else is escape format: bytes as is, "\\" for a backslash and
 * "\ooo" (first digit 0-3) for an octal byte; any other backslash is 22P02
 * 'invalid input syntax for type bytea'.
 */
const uint8_t *
ox_bytea_parse (OxArena *a, const char *s, size_t len, size_t *len_out)
{
	const char *p = s, *end = s + len;
	size_t n = 0;
	uint8_t *out;
	if (len >= 2 && s[0] == '\\' && s[1] == 'x') {
		out = ox_arena_alloc (a, (len - 2) / 2 + 1);
		for (p += 2; p < end;) {
			if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
				p++;
				continue;
			}
			int hi = hex_value (*p);
			if (hi < 0)
				bad_hex_digit (p, end);
			if (++p >= end)
				ox_raise (OX_ERR_INVALID_PARAMETER, 0,
				          "invalid hexadecimal data: odd number of digits");
			int lo = hex_value (*p);
			if (lo < 0)
				bad_hex_digit (p, end);
			p++;
			out[n++] = (uint8_t) (hi << 4 | lo);
		}
	} else {
		out = ox_arena_alloc (a, len + 1);
		while (p < end) {
			if (*p != '\\') {
				out[n++] = (uint8_t) *p++;
			} else if (end - p >= 2 && p[1] == '\\') {
				out[n++] = '\\';
				p += 2;
			} else if (end - p >= 4 && p[1] >= '0' && p[1] <= '3'
			           && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
				out[n++] = (uint8_t) ((p[1] - '0') << 6 | (p[2] - '0') << 3 | (p[3] - '0'));
				p += 4;
			} else {
				ox_raise (OX_ERR_INVALID_TEXT_REP, 0, "invalid input syntax for type bytea");
			}
		}
	}
	*len_out = n;
	return out;
}

/* ---------------------------------------------------------------------
 * Output
 * ------------------------------------------------------------------- */

const char *
ox_value_out (OxArena *a, const OxCastCtx *cx, const OxValue *v, size_t *len_out)
{
	g_return_val_if_fail (v != NULL && !v->null, NULL);
	size_t n;
	const char *s;
	switch ((OxTypeId) v->type) {
	case OX_T_BOOL:
		s = v->v.b ? "t" : "f";
		n = 1;
		break;
	case OX_T_INT2:
	case OX_T_INT4:
	case OX_T_INT8:
		s = int_out (a, v->v.i, &n);
		break;
	case OX_T_FLOAT4:
		s = ox_float4_out (a, (float) v->v.f);
		n = strlen (s);
		break;
	case OX_T_FLOAT8:
		s = ox_float8_out (a, v->v.f);
		n = strlen (s);
		break;
	case OX_T_NUMERIC:
		s = ox_numeric_out (a, v->v.num);
		n = strlen (s);
		break;
	case OX_T_UNKNOWN:
	case OX_T_TEXT:
	case OX_T_VARCHAR:
	case OX_T_BPCHAR:
		/* Stored NUL-terminated (value.h), so no copy is needed. */
		s = v->v.str;
		n = v->len;
		break;
	case OX_T_BYTEA:
		s = ox_bytea_out (a, v->v.bytes, v->len, &n);
		break;
	case OX_T_DATE:
		s = ox_date_out (a, (int32_t) v->v.i);
		n = strlen (s);
		break;
	case OX_T_TIMESTAMP:
		s = ox_timestamp_out (a, v->v.i);
		n = strlen (s);
		break;
	case OX_T_TIMESTAMPTZ:
		s = ox_timestamptz_out (a, v->v.i, ctx_tz (cx));
		n = strlen (s);
		break;
	default:
		OX_INTERNAL ("no output function for type id %d", v->type);
	}
	if (len_out)
		*len_out = n;
	return s;
}

/* ---------------------------------------------------------------------
 * Cast contexts
 * ------------------------------------------------------------------- */

/*
 * pg_cast rows among our types (castcontext as PG 15 ships them), for
 * pairs where neither side is a string type; string types follow the
 * rules in ox_cast_context.  0 = no cast.
 */
static const char cast_table[OX_T__COUNT][OX_T__COUNT] = {
	[OX_T_BOOL] = {
		[OX_T_INT4] = 'e',
	},
	[OX_T_INT2] = {
		[OX_T_INT4] = 'i', [OX_T_INT8] = 'i', [OX_T_NUMERIC] = 'i',
		[OX_T_FLOAT4] = 'i', [OX_T_FLOAT8] = 'i',
	},
	[OX_T_INT4] = {
		[OX_T_BOOL] = 'e', [OX_T_INT2] = 'a', [OX_T_INT8] = 'i', [OX_T_NUMERIC] = 'i',
		[OX_T_FLOAT4] = 'i', [OX_T_FLOAT8] = 'i',
	},
	[OX_T_INT8] = {
		[OX_T_INT2] = 'a', [OX_T_INT4] = 'a', [OX_T_NUMERIC] = 'i',
		[OX_T_FLOAT4] = 'i', [OX_T_FLOAT8] = 'i',
	},
	[OX_T_NUMERIC] = {
		[OX_T_INT2] = 'a', [OX_T_INT4] = 'a', [OX_T_INT8] = 'a',
		[OX_T_FLOAT4] = 'i', [OX_T_FLOAT8] = 'i',
	},
	[OX_T_FLOAT4] = {
		[OX_T_INT2] = 'a', [OX_T_INT4] = 'a', [OX_T_INT8] = 'a',
		[OX_T_NUMERIC] = 'a', [OX_T_FLOAT8] = 'i',
	},
	[OX_T_FLOAT8] = {
		[OX_T_INT2] = 'a', [OX_T_INT4] = 'a', [OX_T_INT8] = 'a',
		[OX_T_NUMERIC] = 'a', [OX_T_FLOAT4] = 'a',
	},
	[OX_T_DATE] = {
		[OX_T_TIMESTAMP] = 'i', [OX_T_TIMESTAMPTZ] = 'i',
	},
	[OX_T_TIMESTAMP] = {
		[OX_T_DATE] = 'a', [OX_T_TIMESTAMPTZ] = 'i',
	},
	[OX_T_TIMESTAMPTZ] = {
		[OX_T_DATE] = 'a', [OX_T_TIMESTAMP] = 'a',
	},
};

/*
 * Outcomes:
 *   'i' same type (length coercion included), UNKNOWN to anything, string
 *       type to string type, and pg_cast's implicit rows;
 *   'a' anything to a string type (PG's automatic I/O conversion to
 *       strings is assignment-level) and pg_cast's assignment rows;
 *   'e' a string type to anything else (I/O conversion from strings is
 *       explicit-only) and bool <-> int4;
 *   0   no cast (e.g. bigint -> boolean, bytea -> integer, x -> unknown).
 */
char
ox_cast_context (OxTypeId from, OxTypeId to)
{
	if ((unsigned) from >= OX_T__COUNT || (unsigned) to >= OX_T__COUNT)
		return 0;
	if (from == to || from == OX_T_UNKNOWN)
		return 'i';
	if (to == OX_T_UNKNOWN)
		return 0;
	bool from_str = ox_type_is_string (from), to_str = ox_type_is_string (to);
	if (from_str && to_str)
		return 'i';
	if (to_str)
		return 'a';
	if (from_str)
		return 'e';
	return cast_table[from][to];
}

/* ---------------------------------------------------------------------
 * Casts
 * ------------------------------------------------------------------- */

static inline bool
type_has_typmod (OxTypeId t)
{
	return t == OX_T_VARCHAR || t == OX_T_BPCHAR || t == OX_T_NUMERIC;
}

static void __attribute__ ((noreturn))
cannot_cast (OxTypeId from, OxTypeId to)
{
	ox_raise (OX_ERR_CANNOT_COERCE, 0, "cannot cast type %s to %s", ox_type_name (from), ox_type_name (to));
}

/*
 * Length coercion of a string to VARCHAR(n) / CHAR(n) (n in characters).
 * Assignment: 22001 'value too long for type character varying(n)' (or
 * character(n)) unless every character past n is a space, in which case
 * the spaces are dropped.  Explicit: cut to n characters silently.  CHAR(n)
 * is then padded with spaces to n characters.
 */
static OxValue
string_typmod (OxArena *a, OxValue r, int32_t typmod, bool explicit_cast)
{
	OxTypeId t = (OxTypeId) r.type;
	if (typmod < 0 || (t != OX_T_VARCHAR && t != OX_T_BPCHAR))
		return r;
	size_t n = (size_t) typmod;
	if (t == OX_T_VARCHAR && r.len <= n)
		return r;  /* bytes >= characters */

	size_t chars;
	size_t cut = utf8_cut (r.v.str, r.len, n, &chars);
	if (cut < r.len && !explicit_cast) {
		for (size_t i = cut; i < r.len; i++)
			if (r.v.str[i] != ' ')
				ox_raise (OX_ERR_STRING_TOO_LONG, 0, "value too long for type %s(%d)",
				          ox_type_name (t), typmod);
	}
	size_t pad = t == OX_T_BPCHAR ? n - chars : 0;
	if (cut == r.len && pad == 0)
		return r;
	char *s = ox_arena_alloc (a, cut + pad + 1);
	memcpy (s, r.v.str, cut);
	memset (s + cut, ' ', pad);
	s[cut + pad] = '\0';
	return ox_text (t, s, cut + pad);
}

/* The text a value turns into when cast to string type 'to': the output
 * function, except that booleans say true/false and CHAR(n) loses its
 * padding unless it stays CHAR (PG's booltext and rtrim1 casts). */
static OxValue
to_string (OxArena *a, const OxCastCtx *cx, const OxValue *v, OxTypeId to)
{
	switch ((OxTypeId) v->type) {
	case OX_T_BOOL:
		return v->v.b ? ox_text (to, "true", 4) : ox_text (to, "false", 5);
	case OX_T_BPCHAR: {
		if (to == OX_T_BPCHAR)
			return ox_text (to, v->v.str, v->len);
		size_t n = v->len;
		while (n > 0 && v->v.str[n - 1] == ' ')
			n--;
		if (n == v->len)
			return ox_text (to, v->v.str, n);
		return ox_text (to, ox_arena_strndup (a, v->v.str, n), n);
	}
	default: {
		size_t n;
		const char *s = ox_value_out (a, cx, v, &n);
		return ox_text (to, s, n);
	}
	}
}

/* float -> integer: round half to even (rint), then range-check; NaN is
 * out of range too (PG reports it that way). */
static int64_t
float_to_int (double f, OxTypeId t)
{
	f = rint (f);
	double lo, hi;  /* valid: lo <= f < hi, both exact powers of two */
	switch (t) {
	case OX_T_INT2: lo = -32768.0;               hi = 32768.0; break;
	case OX_T_INT4: lo = -2147483648.0;          hi = 2147483648.0; break;
	default:        lo = -9223372036854775808.0; hi = 9223372036854775808.0; break;
	}
	if (G_UNLIKELY (isnan (f) || f < lo || f >= hi))
		int_out_of_range (t);
	return (int64_t) f;
}

static int64_t
numeric_to_int (const OxNumeric *n, OxTypeId t)
{
	if (ox_numeric_is_nan (n))
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "cannot convert NaN to %s", ox_type_name (t));
	if (ox_numeric_is_inf (n))
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "cannot convert infinity to %s", ox_type_name (t));
	int64_t i;
	if (!ox_numeric_to_int64 (n, &i))
		int_out_of_range (t);
	return ox_int_check (i, t);
}

/* float8 -> float4 (PG's float8_to_float4): overflow to infinity and
 * underflow to zero are errors, NaN and infinities pass. */
static double
float8_to_float4 (double f)
{
	float r = (float) f;
	if (G_UNLIKELY (isinf (r) && !isinf (f)))
		ox_raise (OX_ERR_NUMERIC_OUT_OF_RANGE, 0, "value out of range: overflow");
	if (G_UNLIKELY (r == 0.0f && f != 0.0))
		ox_raise (OX_ERR_NUMERIC_OUT_OF_RANGE, 0, "value out of range: underflow");
	return r;
}

static const OxNumeric *
numeric_typmod (OxArena *a, const OxNumeric *n, int32_t typmod)
{
	if (typmod < 0)
		return n;
	return ox_numeric_apply_typmod (a, n, OX_TYPMOD_NUMERIC_P (typmod), OX_TYPMOD_NUMERIC_S (typmod));
}

/* date -> timestamp, keeping the infinities even if datetime.c would not. */
static int64_t
date_to_ts (int32_t d)
{
	if (d == OX_DATE_NOBEGIN)
		return OX_TS_NOBEGIN;
	if (d == OX_DATE_NOEND)
		return OX_TS_NOEND;
	return ox_date_to_timestamp (d);
}

static bool
ts_is_infinite (int64_t ts)
{
	return ts == OX_TS_NOBEGIN || ts == OX_TS_NOEND;
}

static int32_t
ts_to_date (int64_t ts)
{
	if (ts == OX_TS_NOBEGIN)
		return OX_DATE_NOBEGIN;
	if (ts == OX_TS_NOEND)
		return OX_DATE_NOEND;
	return ox_timestamp_to_date (ts);
}


/*
 * Outcomes:
 *   the converted value, allocated in 'a' when it needs storage (or
 *     sharing v's storage when the bytes do not change, e.g. TEXT to
 *     VARCHAR without a typmod);
 *   a NULL of type t for a NULL v (after checking the cast exists);
 *   42846 when there is no cast, or it is explicit-only and explicit_cast
 *     is false;
 *   the errors of the input function for string sources (22P02, 22003,
 *     22007, 22008, 22023), 22003 for numeric overflow, 0A000 for NaN or
 *     infinity to an integer, 22001 for too-long strings in assignment.
 */
OxValue
ox_value_cast (OxArena *a, const OxCastCtx *cx, const OxValue *v, OxType t, bool explicit_cast)
{
	OxTypeId from = (OxTypeId) v->type, to = t.id;

	/* Integer to integer first: the executor's commonest cast. */
	if (ox_type_is_integer (from) && ox_type_is_integer (to)) {
		if (v->null)
			return ox_null (to);
		return ox_int (to, ox_int_check (v->v.i, to));
	}
	if (from == to && (t.typmod < 0 || !type_has_typmod (to)))
		return *v;

	char ctx = ox_cast_context (from, to);
	if (ctx == 0 || (ctx == 'e' && !explicit_cast))
		cannot_cast (from, to);
	if (v->null)
		return ox_null (to);

	bool from_str = ox_type_is_string (from);
	const char *s = v->v.str;  /* meaningful only when from_str */
	size_t len = v->len;

	switch (to) {
	case OX_T_BOOL:
		if (from == OX_T_INT4)
			return ox_bool (v->v.i != 0);
		g_assert (from_str);
		return ox_bool (bool_in (s, len));

	case OX_T_INT2:
	case OX_T_INT4:
	case OX_T_INT8:
		switch (from) {
		case OX_T_BOOL:
			return ox_int (to, v->v.b ? 1 : 0);
		case OX_T_FLOAT4:
		case OX_T_FLOAT8:
			return ox_int (to, float_to_int (v->v.f, to));
		case OX_T_NUMERIC:
			return ox_int (to, numeric_to_int (v->v.num, to));
		default:
			g_assert (from_str);
			return ox_int (to, ox_int_parse (s, len, to));
		}

	case OX_T_FLOAT4:
	case OX_T_FLOAT8:
		switch (from) {
		case OX_T_INT2:
		case OX_T_INT4:
		case OX_T_INT8:
			/* Straight to float for FLOAT4: via double could round twice. */
			if (to == OX_T_FLOAT4)
				return ox_float (to, (float) v->v.i);
			return ox_float (to, (double) v->v.i);
		case OX_T_FLOAT4:
			return ox_float (to, v->v.f);  /* already exact in double */
		case OX_T_FLOAT8:
			return ox_float (to, float8_to_float4 (v->v.f));
		case OX_T_NUMERIC: {
			/* PG converts through the text form and the float input
			 * function: that rounds exactly once and produces PG's own
			 * out-of-range message quoting the digits. */
			const char *txt = ox_numeric_out (a, v->v.num);
			return ox_float (to, ox_float8_parse (txt, strlen (txt), to));
		}
		default:
			g_assert (from_str);
			return ox_float (to, ox_float8_parse (s, len, to));
		}

	case OX_T_NUMERIC: {
		const OxNumeric *n;
		switch (from) {
		case OX_T_INT2:
		case OX_T_INT4:
		case OX_T_INT8:
			n = ox_numeric_from_int64 (a, v->v.i);
			break;
		case OX_T_FLOAT8:
			n = ox_numeric_from_double (a, v->v.f);
			break;
		case OX_T_FLOAT4:
			/* PG's float4_numeric keeps FLT_DIG significant digits,
			 * where from_double would keep DBL_DIG (0.1::real would
			 * become 0.100000001490116). */
			if (isfinite (v->v.f)) {
				char buf[32];
				g_ascii_formatd (buf, sizeof buf, "%.6g", v->v.f);
				n = ox_numeric_parse (a, buf, strlen (buf));
			} else {
				n = ox_numeric_from_double (a, v->v.f);
			}
			break;
		case OX_T_NUMERIC:
			n = v->v.num;
			break;
		default:
			g_assert (from_str);
			n = ox_numeric_parse (a, s, len);
			break;
		}
		OxValue r = { .type = OX_T_NUMERIC };
		r.v.num = numeric_typmod (a, n, t.typmod);
		return r;
	}

	case OX_T_UNKNOWN:
		/* Only UNKNOWN -> UNKNOWN gets here (see ox_cast_context). */
		return *v;

	case OX_T_TEXT:
	case OX_T_VARCHAR:
	case OX_T_BPCHAR:
		return string_typmod (a, to_string (a, cx, v, to), t.typmod, explicit_cast);

	case OX_T_BYTEA: {
		g_assert (from_str);
		size_t n;
		const uint8_t *b = ox_bytea_parse (a, s, len, &n);
		OxValue r = { .type = OX_T_BYTEA, .len = (uint32_t) n };
		r.v.bytes = b;
		return r;
	}

	case OX_T_DATE:
		switch (from) {
		case OX_T_TIMESTAMP:
			return ox_int (to, ts_to_date (v->v.i));
		case OX_T_TIMESTAMPTZ:
			if (ts_is_infinite (v->v.i))
				return ox_int (to, ts_to_date (v->v.i));
			return ox_int (to, ts_to_date (ox_timestamptz_to_timestamp (v->v.i, ctx_tz (cx))));
		default:
			g_assert (from_str);
			/* 'today' and friends need the statement time and zone. */
			return ox_int (to, ox_date_in_at (s, len, cx ? cx->now : 0, ctx_tz (cx)));
		}

	case OX_T_TIMESTAMP:
		switch (from) {
		case OX_T_DATE:
			return ox_int (to, date_to_ts ((int32_t) v->v.i));
		case OX_T_TIMESTAMPTZ:
			if (ts_is_infinite (v->v.i))
				return ox_int (to, v->v.i);
			return ox_int (to, ox_timestamptz_to_timestamp (v->v.i, ctx_tz (cx)));
		default:
			g_assert (from_str);
			return ox_int (to, ox_timestamp_in (s, len, cx ? cx->now : 0, ctx_tz (cx)));
		}

	case OX_T_TIMESTAMPTZ:
		switch (from) {
		case OX_T_DATE:
		case OX_T_TIMESTAMP: {
			int64_t ts = from == OX_T_DATE ? date_to_ts ((int32_t) v->v.i) : v->v.i;
			if (ts_is_infinite (ts))
				return ox_int (to, ts);
			return ox_int (to, ox_timestamp_to_timestamptz (ts, ctx_tz (cx)));
		}
		default:
			g_assert (from_str);
			return ox_int (to, ox_timestamptz_in (s, len, cx ? cx->now : 0, ctx_tz (cx)));
		}

	default:
		break;
	}
	/* The context table said yes but no branch handled the pair. */
	OX_INTERNAL ("cast from %s to %s not implemented", ox_type_name (from), ox_type_name (to));
}

/* ---------------------------------------------------------------------
 * Comparison
 * ------------------------------------------------------------------- */

static inline int
cmp_int64 (int64_t x, int64_t y)
{
	return (x > y) - (x < y);
}

/* NaN sorts above everything and equals itself; -0 equals 0. */
static inline int
cmp_double (double x, double y)
{
	if (G_UNLIKELY (isnan (x)))
		return isnan (y) ? 0 : 1;
	if (G_UNLIKELY (isnan (y)))
		return -1;
	return (x > y) - (x < y);
}

/* Bytewise with the shorter prefix first: C collation for UTF-8. */
static inline int
cmp_bytes (const void *x, size_t xn, const void *y, size_t yn)
{
	size_t n = xn < yn ? xn : yn;
	if (n > 0) {  /* an empty bytea may carry a NULL pointer */
		int c = memcmp (x, y, n);
		if (c != 0)
			return c < 0 ? -1 : 1;
	}
	return (xn > yn) - (xn < yn);
}

static inline size_t
bpchar_len (const char *s, size_t n)
{
	while (n > 0 && s[n - 1] == ' ')
		n--;
	return n;
}

/* Midnight of date d against timestamp ts, without overflowing when the
 * date lies beyond the timestamp range. */
static int
cmp_date_ts (int32_t d, int64_t ts)
{
	/* Infinities first, before any conversion that could overflow. */
	if (ts == OX_TS_NOBEGIN)
		return d == OX_DATE_NOBEGIN ? 0 : 1;
	if (ts == OX_TS_NOEND)
		return d == OX_DATE_NOEND ? 0 : -1;
	if (d == OX_DATE_NOBEGIN)
		return -1;
	if (d == OX_DATE_NOEND)
		return 1;
	int64_t ts_day = ts / OX_USECS_PER_DAY - (ts % OX_USECS_PER_DAY < 0);
	if (d != ts_day)
		return d < ts_day ? -1 : 1;
	return cmp_int64 ((int64_t) d * OX_USECS_PER_DAY, ts);
}

/*
 * Outcomes: <0, 0, >0.  Pairs accepted:
 *   integers of any widths (by value); float4/float8 with each other; an
 *   integer with a float (as double, the way PG promotes to float8);
 *   text-like with text-like: bytewise, and a CHAR side ignores its
 *   trailing spaces (UNKNOWN counts as CHAR facing a CHAR, as PG types the
 *   literal from the other side); DATE with TIMESTAMP (the date's
 *   midnight); otherwise both of the same type.
 * Anything else (numeric against int, timestamp against timestamptz...) is
 * an internal error: the binder casts such pairs to a common type first.
 */
int
ox_value_cmp (const OxValue *a, const OxValue *b)
{
	OxTypeId ta = (OxTypeId) a->type, tb = (OxTypeId) b->type;
	if (G_LIKELY (ta == tb)) {
		switch (ta) {
		case OX_T_INT2:
		case OX_T_INT4:
		case OX_T_INT8:
		case OX_T_DATE:
		case OX_T_TIMESTAMP:
		case OX_T_TIMESTAMPTZ:
			return cmp_int64 (a->v.i, b->v.i);
		case OX_T_FLOAT4:
		case OX_T_FLOAT8:
			return cmp_double (a->v.f, b->v.f);
		case OX_T_TEXT:
		case OX_T_VARCHAR:
		case OX_T_UNKNOWN:
			return cmp_bytes (a->v.str, a->len, b->v.str, b->len);
		case OX_T_BPCHAR:
			return cmp_bytes (a->v.str, bpchar_len (a->v.str, a->len),
			                  b->v.str, bpchar_len (b->v.str, b->len));
		case OX_T_BOOL:
			return (int) a->v.b - (int) b->v.b;
		case OX_T_NUMERIC: {
			int c = ox_numeric_cmp (a->v.num, b->v.num);
			return (c > 0) - (c < 0);
		}
		case OX_T_BYTEA:
			return cmp_bytes (a->v.bytes, a->len, b->v.bytes, b->len);
		default:
			break;
		}
	} else if (ox_type_is_integer (ta) && ox_type_is_integer (tb)) {
		return cmp_int64 (a->v.i, b->v.i);
	} else if (ox_type_is_string (ta) && ox_type_is_string (tb)) {
		bool trim_a = ta == OX_T_BPCHAR || (ta == OX_T_UNKNOWN && tb == OX_T_BPCHAR);
		bool trim_b = tb == OX_T_BPCHAR || (tb == OX_T_UNKNOWN && ta == OX_T_BPCHAR);
		return cmp_bytes (a->v.str, trim_a ? bpchar_len (a->v.str, a->len) : a->len,
		                  b->v.str, trim_b ? bpchar_len (b->v.str, b->len) : b->len);
	} else {
		bool fa = ta == OX_T_FLOAT4 || ta == OX_T_FLOAT8;
		bool fb = tb == OX_T_FLOAT4 || tb == OX_T_FLOAT8;
		if (fa && fb)
			return cmp_double (a->v.f, b->v.f);
		if (fa && ox_type_is_integer (tb))
			return cmp_double (a->v.f, (double) b->v.i);
		if (fb && ox_type_is_integer (ta))
			return cmp_double ((double) a->v.i, b->v.f);
		if (ta == OX_T_DATE && tb == OX_T_TIMESTAMP)
			return cmp_date_ts ((int32_t) a->v.i, b->v.i);
		if (ta == OX_T_TIMESTAMP && tb == OX_T_DATE)
			return -cmp_date_ts ((int32_t) b->v.i, a->v.i);
	}
	OX_INTERNAL ("cannot compare %s with %s", ox_type_name (ta), ox_type_name (tb));
}

/* ---------------------------------------------------------------------
 * Hashing
 * ------------------------------------------------------------------- */

/*
 * Outcomes: a 32-bit hash, equal for values ox_value_cmp calls equal
 * within one family: integers by value whatever their width; floats with
 * -0 = 0 and one NaN; CHAR without trailing spaces (so CHAR 'a ' and TEXT
 * 'a' agree, as they compare equal); numeric by value whatever its scale;
 * a DATE as its midnight TIMESTAMP.  A NULL hashes to 0.
 */
uint32_t
ox_value_hash (const OxValue *v)
{
	if (v->null)
		return 0;  /* GROUP BY and DISTINCT put all NULLs in one group */
	switch ((OxTypeId) v->type) {
	case OX_T_INT2:
	case OX_T_INT4:
	case OX_T_INT8:
	case OX_T_TIMESTAMP:
	case OX_T_TIMESTAMPTZ:
		return hash_u64 ((uint64_t) v->v.i);
	case OX_T_DATE: {
		/* Hash as the equal timestamp; a date past the timestamp range
		 * equals no timestamp, so its day number will do. */
		int32_t d = (int32_t) v->v.i;
		int64_t ts;
		if (d == OX_DATE_NOBEGIN || d == OX_DATE_NOEND)
			ts = date_to_ts (d);
		else if (__builtin_mul_overflow ((int64_t) d, OX_USECS_PER_DAY, &ts))
			ts = d;
		return hash_u64 ((uint64_t) ts);
	}
	case OX_T_FLOAT4:
	case OX_T_FLOAT8: {
		double f = v->v.f;
		uint64_t bits;
		if (f == 0.0)
			f = 0.0;  /* -0 -> +0 */
		else if (isnan (f))
			f = NAN;  /* every NaN payload alike */
		memcpy (&bits, &f, sizeof bits);
		return hash_u64 (bits);
	}
	case OX_T_TEXT:
	case OX_T_VARCHAR:
	case OX_T_UNKNOWN:
		return hash_bytes (v->v.str, v->len);
	case OX_T_BPCHAR:
		return hash_bytes (v->v.str, bpchar_len (v->v.str, v->len));
	case OX_T_BYTEA:
		return hash_bytes (v->v.bytes, v->len);
	case OX_T_BOOL:
		return hash_u64 (v->v.b ? 1 : 0);
	case OX_T_NUMERIC:
		return ox_numeric_hash (v->v.num);
	default:
		break;
	}
	OX_INTERNAL ("cannot hash type id %d", v->type);
}

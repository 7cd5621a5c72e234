/*
 * numeric.c — NUMERIC: exact decimal arithmetic with PostgreSQL 15's results.
 *
 * Representation.  A finite value is sign × Σ digits[i] × 10000^(weight − i):
 * base-10000 digits ("NBASE"), most significant first, with the decimal
 * point fixed between the digit of weight 0 and the digit of weight −1.  So
 * 1234.5 is { weight 0, digits 1234 5000 } and 0.00012 is { weight −1,
 * digits 1 2000 } (read .0001 2000).  The display scale (dscale) is the
 * number of decimal digits printed after the point; it is kept apart from the
 * digits because 1.5 and 1.50 are the same number shown differently.  NaN,
 * Infinity and -Infinity carry no digits.
 *
 * Stored values (struct OxNumeric) are always normalized: no leading and no
 * trailing zero digits, zero has no digits, weight 0 and a positive sign (SQL
 * has no negative zero), and no nonzero digit lies beyond the display scale.
 * Normalization makes equal numbers bitwise-equal apart from dscale, which is
 * what lets ox_numeric_cmp and ox_numeric_hash run without allocating.
 *
 * Base 10000 is not only PostgreSQL's choice but part of its observable
 * behaviour: the scale of a quotient (select_div_scale) and of sqrt depends on
 * weights counted in base-10000 digits, so we need the same alignment to
 * print the same number of decimals.
 *
 * Internally, arithmetic works on NumVar, a loose (unpacked) form whose
 * digits either point into a stored OxNumeric (read-only "view") or into a
 * block allocated in the shape of an OxNumeric with one spare digit in front
 * (for the carry of a rounding).  make_result() then packs the var in place,
 * so a sum or a product costs one allocation.
 *
 * NOTE: every entry point that builds a value may raise (longjmp): 22P02
 * bad text, 22003 overflow, 22012 division by zero, 2201E/2201F bad arguments of ln and
 * power/sqrt.  Nothing here holds memory outside an arena across a call that
 * can raise, except the transcendental functions, which compute in a private
 * scratch arena and free it in an OX_TRY handler before re-raising.
 * NOTE: results must be allocated in the caller's arena even when they equal
 * an input (round of NaN, abs of a positive): the input may live in a
 * shorter-lived arena than the result.
 * NOTE: the transcendental functions (sqrt, ln, exp, power) follow
 * PostgreSQL's choice of result scale exactly, and compute their digits with
 * guard digits and round once.  PostgreSQL's own algorithms are not
 * correctly rounded in every case, so in rare near-tie cases the last digit
 * of ln/exp/power may differ from PostgreSQL's; sqrt is exact.
 * NOTE: int16 fields bound the format exactly as PostgreSQL's: fewer than
 * 131072 digits before the point (weight ≤ 32767) and at most 16383 after;
 * beyond that we raise "value overflows numeric format" like PostgreSQL.
 */
#define G_LOG_DOMAIN "oxibase-numeric"

#include "numeric.h"
#include "error.h"

#include <glib.h>

#include <limits.h>
#include <stddef.h>
#include <math.h>
#include <string.h>

#define NBASE       10000
#define HALF_NBASE  5000
#define DEC_DIGITS  4     /* decimal digits per base-NBASE digit */

/* Limits named after PostgreSQL's, which decide the observable scales. */
#define MIN_SIG_DIGITS     16    /* quotients etc. get at least this many */
#define MAX_DISPLAY_SCALE  1000  /* cap on scales chosen by div/sqrt/power */
#define MAX_RESULT_SCALE   2000  /* exp() and power() give up beyond e^(3 × this) */
#define MAX_WEIGHT         32767 /* int16 weight: values below 10^131072 */
#define MAX_DSCALE         16383 /* most digits after the point */

enum {
	NUM_POS,   /* finite, ≥ 0 */
	NUM_NEG,   /* finite, < 0 */
	NUM_NAN,
	NUM_PINF,
	NUM_NINF,
};

typedef int16_t NumDigit;

struct OxNumeric {
	uint8_t  kind;      /* NUM_POS .. NUM_NINF */
	uint8_t  reserved;  /* zero */
	uint16_t dscale;    /* decimal digits shown after the point; 0 for specials */
	int16_t  weight;    /* digits[0] is worth NBASE^weight; 0 for zero and specials */
	uint16_t ndigits;   /* digits that follow; 0 for zero and specials */
	NumDigit digits[];  /* each 0..9999; the first and the last are nonzero */
};

_Static_assert (sizeof (struct OxNumeric) == OX_NUMERIC_HEAD_SIZE &&
                offsetof (struct OxNumeric, ndigits) == OX_NUMERIC_NDIGITS_AT && sizeof (NumDigit) == 2,
                "numeric.h's OX_NUMERIC_* describe struct OxNumeric");

typedef struct NumVar {
	int        sign;     /* NUM_POS or NUM_NEG; zero is NUM_POS */
	int        weight;   /* digits[0] is worth NBASE^weight */
	int        dscale;   /* display scale, ≥ 0 */
	int        ndigits;  /* digits in use; digits past the end count as 0 */
	NumDigit  *digits;   /* read-only when buf is NULL */
	OxNumeric *buf;      /* block holding the digits, with at least one spare
	                      * digit before digits[0]; NULL for a view */
} NumVar;

static const int pow10_tab[DEC_DIGITS + 1] = { 1, 10, 100, 1000, 10000 };

static inline int
floor_div (int a, int b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static inline int
ceil_div (int a, int b)
{
	return -floor_div (-a, b);
}

static inline bool
is_space (char c)
{
	/* isspace() in the C locale, as PostgreSQL's numeric_in uses. */
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static inline bool
is_digit (char c)
{
	return c >= '0' && c <= '9';
}

static void __attribute__ ((noreturn))
raise_overflow (void)
{
	ox_raise (OX_ERR_NUMERIC_OUT_OF_RANGE, 0, "value overflows numeric format");
}

static void __attribute__ ((noreturn))
raise_div_zero (void)
{
	ox_raise (OX_ERR_DIVISION_BY_ZERO, 0, "division by zero");
}

#define OX_ERR_INVALID_POWER "2201F"  /* invalid argument for power function */
#define OX_ERR_INVALID_LOG   "2201E"  /* invalid argument for logarithm */

/* ---------------------------------------------------------------------
 * Allocation and packing
 * ------------------------------------------------------------------- */

size_t
ox_numeric_size (const OxNumeric *n)
{
	return sizeof (OxNumeric) + (size_t) n->ndigits * sizeof (NumDigit);
}

/* A block for nd digits plus the spare digit round_var may carry into. */
static void
var_alloc (OxArena *a, NumVar *v, int nd)
{
	OxNumeric *b = ox_arena_alloc (a, sizeof (OxNumeric) + (size_t) (nd + 1) * sizeof (NumDigit));
	b->digits[0] = 0;
	v->buf = b;
	v->digits = b->digits + 1;
	v->ndigits = nd;
	v->sign = NUM_POS;
	v->weight = 0;
	v->dscale = 0;
}

static void
var_zero (OxArena *a, NumVar *v, int dscale)
{
	var_alloc (a, v, 0);
	v->dscale = dscale > 0 ? dscale : 0;
}

/* A read-only var over a stored finite value: no copy. */
static inline void
var_view (const OxNumeric *n, NumVar *v)
{
	g_assert (n->kind == NUM_POS || n->kind == NUM_NEG);
	v->sign = n->kind;
	v->weight = n->weight;
	v->dscale = n->dscale;
	v->ndigits = n->ndigits;
	v->digits = (NumDigit *) n->digits;  /* buf == NULL marks it read-only */
	v->buf = NULL;
}

/* A writable copy (needed before rounding a view in place). */
static void
var_copy (OxArena *a, const NumVar *src, NumVar *dst)
{
	NumVar t = *src;
	var_alloc (a, dst, t.ndigits);
	if (t.ndigits)
		memcpy (dst->digits, t.digits, (size_t) t.ndigits * sizeof (NumDigit));
	dst->sign = t.sign;
	dst->weight = t.weight;
	dst->dscale = t.dscale;
}

/* A small integer as a var. */
static void
var_from_int (OxArena *a, NumVar *v, int64_t i)
{
	uint64_t u = i < 0 ? -(uint64_t) i : (uint64_t) i;
	NumDigit tmp[5];
	int k = 5;
	while (u) {
		tmp[--k] = (NumDigit) (u % NBASE);
		u /= NBASE;
	}
	var_alloc (a, v, 5 - k);
	memcpy (v->digits, tmp + k, (size_t) (5 - k) * sizeof (NumDigit));
	v->weight = 4 - k;
	v->sign = i < 0 ? NUM_NEG : NUM_POS;
	while (v->ndigits > 0 && v->digits[v->ndigits - 1] == 0)
		v->ndigits--;
}

/* Drop leading and trailing zero digits; only moves the window, so it is
 * fine on views. */
static void
var_strip (NumVar *v)
{
	while (v->ndigits > 0 && v->digits[0] == 0) {
		v->digits++;
		v->ndigits--;
		v->weight--;
	}
	while (v->ndigits > 0 && v->digits[v->ndigits - 1] == 0)
		v->ndigits--;
	if (v->ndigits == 0) {
		v->weight = 0;
		v->sign = NUM_POS;
	}
}

static void
check_format (const NumVar *v)
{
	if (v->dscale > MAX_DSCALE)
		raise_overflow ();
	if (v->ndigits > 0 && (v->weight > MAX_WEIGHT || v->weight < INT16_MIN))
		raise_overflow ();
}

/* Pack v into its own block (which must come from 'a').  Raises 22003 when
 * the value does not fit the format. */
static const OxNumeric *
make_result (OxArena *a, NumVar *v)
{
	var_strip (v);
	check_format (v);
	OxNumeric *r = v->buf;
	if (r == NULL)
		r = ox_arena_alloc (a, sizeof (OxNumeric) + (size_t) v->ndigits * sizeof (NumDigit));
	if (r->digits != v->digits) {
		/* moving down over itself: a forward copy is safe, and for the
		 * usual handful of digits cheaper than calling memmove */
		for (int i = 0; i < v->ndigits; i++)
			r->digits[i] = v->digits[i];
	}
	r->kind = (uint8_t) v->sign;
	r->reserved = 0;
	r->dscale = (uint16_t) v->dscale;
	r->weight = (int16_t) v->weight;
	r->ndigits = (uint16_t) v->ndigits;
	return r;
}

/* Pack a var whose digits live elsewhere (a scratch arena) into 'a'. */
static const OxNumeric *
make_result_copy (OxArena *a, NumVar *v)
{
	NumVar t = *v;
	t.buf = NULL;
	return make_result (a, &t);
}

static const OxNumeric *
make_special (OxArena *a, int kind)
{
	OxNumeric *r = ox_arena_alloc (a, sizeof (OxNumeric));
	memset (r, 0, sizeof *r);
	r->kind = (uint8_t) kind;
	return r;
}

static const OxNumeric *
copy_numeric (OxArena *a, const OxNumeric *n)
{
	return ox_arena_memdup (a, n, ox_numeric_size (n));
}

static inline bool
is_special (const OxNumeric *n)
{
	return n->kind >= NUM_NAN;
}

/* ---------------------------------------------------------------------
 * Digit-level arithmetic on vars
 * ------------------------------------------------------------------- */

/* Compare absolute values of two stripped vars. */
static int
cmp_abs (const NumVar *x, const NumVar *y)
{
	if (x->ndigits == 0)
		return y->ndigits == 0 ? 0 : -1;
	if (y->ndigits == 0)
		return 1;
	if (x->weight != y->weight)
		return x->weight > y->weight ? 1 : -1;
	int n = MIN (x->ndigits, y->ndigits);
	for (int i = 0; i < n; i++) {
		if (x->digits[i] != y->digits[i])
			return x->digits[i] > y->digits[i] ? 1 : -1;
	}
	/* Equal prefix: the longer is larger unless its tail is all zeros
	 * (a var in the middle of an operation may not be stripped yet). */
	for (int i = n; i < x->ndigits; i++)
		if (x->digits[i])
			return 1;
	for (int i = n; i < y->ndigits; i++)
		if (y->digits[i])
			return -1;
	return 0;
}

static int
cmp_var (const NumVar *x, const NumVar *y)
{
	int sx = x->ndigits == 0 ? 0 : (x->sign == NUM_NEG ? -1 : 1);
	int sy = y->ndigits == 0 ? 0 : (y->sign == NUM_NEG ? -1 : 1);
	if (sx != sy)
		return sx < sy ? -1 : 1;
	int c = cmp_abs (x, y);
	return sx < 0 ? -c : c;
}

static inline int
digit_at (const NumVar *v, int pos)
{
	int i = v->weight - pos;
	return (i >= 0 && i < v->ndigits) ? v->digits[i] : 0;
}

/*
 * r = |x| + |y| (r freshly allocated; sign POS, dscale unset).
 *
 * x is copied into place and y added over it, so only y's span and the
 * carry run through the loop (12345.67 + 0.33: 387 → 345 instructions
 * per ox_numeric_add under callgrind, against a digit-by-digit loop with
 * bounds checks on both inputs).
 */
static void
add_abs (OxArena *a, const NumVar *x, const NumVar *y, NumVar *r)
{
	if (x->ndigits == 0 || y->ndigits == 0) {
		var_copy (a, x->ndigits ? x : y, r);
		r->sign = NUM_POS;
		return;
	}
	int hi = MAX (x->weight, y->weight) + 1;   /* room for the carry */
	int lo = MIN (x->weight - x->ndigits + 1, y->weight - y->ndigits + 1);
	int n = hi - lo + 1;
	var_alloc (a, r, n);
	NumDigit *rd = r->digits;
	int ox = hi - x->weight, oy = hi - y->weight;  /* where each starts in r */
	memset (rd, 0, sizeof (NumDigit) * (size_t) n);
	memcpy (rd + ox, x->digits, sizeof (NumDigit) * (size_t) x->ndigits);
	int carry = 0;
	int k;
	for (k = oy + y->ndigits - 1; k >= oy; k--) {
		int sum = rd[k] + y->digits[k - oy] + carry;
		carry = sum >= NBASE;
		rd[k] = (NumDigit) (carry ? sum - NBASE : sum);
	}
	for (; carry; k--) {  /* rd[0] is the carry slot, so k stays ≥ 0 */
		int sum = rd[k] + 1;
		carry = sum >= NBASE;
		rd[k] = (NumDigit) (carry ? 0 : sum);
	}
	r->weight = hi;
	var_strip (r);
}

/* r = |x| − |y|, which must be ≥ 0; the same shape as add_abs. */
static void
sub_abs (OxArena *a, const NumVar *x, const NumVar *y, NumVar *r)
{
	if (y->ndigits == 0) {
		var_copy (a, x, r);
		r->sign = NUM_POS;
		return;
	}
	int hi = x->weight;  /* |x| ≥ |y| and both stripped: x.weight ≥ y.weight */
	int lo = MIN (x->weight - x->ndigits + 1, y->weight - y->ndigits + 1);
	int n = hi - lo + 1;
	var_alloc (a, r, n);
	NumDigit *rd = r->digits;
	int oy = hi - y->weight;
	memset (rd, 0, sizeof (NumDigit) * (size_t) n);
	memcpy (rd, x->digits, sizeof (NumDigit) * (size_t) x->ndigits);
	int borrow = 0;
	int k;
	for (k = oy + y->ndigits - 1; k >= oy; k--) {
		int d = rd[k] - y->digits[k - oy] - borrow;
		borrow = d < 0;
		rd[k] = (NumDigit) (borrow ? d + NBASE : d);
	}
	for (; borrow; k--) {
		g_assert (k >= 0);  /* |x| ≥ |y| */
		int d = rd[k] - 1;
		borrow = d < 0;
		rd[k] = (NumDigit) (borrow ? NBASE - 1 : d);
	}
	r->weight = hi;
	var_strip (r);
}

/* r = x + y exactly; display scale is the larger input scale. */
static void
add_var (OxArena *a, const NumVar *x, const NumVar *y, NumVar *r)
{
	int dscale = MAX (x->dscale, y->dscale);
	if (x->sign == y->sign) {
		add_abs (a, x, y, r);
		r->sign = x->sign;
	} else {
		int c = cmp_abs (x, y);
		if (c == 0) {
			var_zero (a, r, 0);
		} else if (c > 0) {
			sub_abs (a, x, y, r);
			r->sign = x->sign;
		} else {
			sub_abs (a, y, x, r);
			r->sign = y->sign;
		}
	}
	if (r->ndigits == 0)
		r->sign = NUM_POS;
	r->dscale = dscale;
}

static void
sub_var (OxArena *a, const NumVar *x, const NumVar *y, NumVar *r)
{
	NumVar ny = *y;
	ny.sign = y->sign == NUM_NEG ? NUM_POS : NUM_NEG;
	add_var (a, x, &ny, r);
}

/*
 * Round (or truncate) v in place to rscale decimal places; rscale may be
 * negative (round(1234, -2) = 1200).  Rounding is half away from zero.
 * v must be writable: the carry out of the leading digit uses the spare
 * digit every var_alloc block keeps in front.
 */
static void
round_common (NumVar *v, int rscale, bool round)
{
	g_assert (v->ndigits == 0 || v->buf != NULL);
	v->dscale = MAX (rscale, 0);
	if (v->ndigits == 0)
		return;

	/* The unit 10^-rscale falls in the base digit at position p, 'off'
	 * decimal places above that digit's own unit. */
	int e = -rscale;
	int p = floor_div (e, DEC_DIGITS);
	int off = e - p * DEC_DIGITS;
	int di = v->weight - p;

	if (di >= v->ndigits)
		return;  /* nothing below the unit */
	if (di < 0) {
		/* The unit is above the leading digit, so |v| < unit: it becomes
		 * one unit or zero.  Only a unit exactly NBASE times the leading
		 * digit's can be reached by rounding (|v| ≥ half of it). */
		if (round && di == -1 && off == 0 && v->digits[0] >= HALF_NBASE) {
			v->digits[0] = 1;
			v->ndigits = 1;
			v->weight = p;
		} else {
			v->ndigits = 0;
			var_strip (v);
		}
		return;
	}

	int m = pow10_tab[off];
	bool up = false;
	if (round) {
		/* m/2 is an integer (or m == 1), so the digits below the unit's
		 * digit cannot turn "just below half" into "half". */
		if (off > 0)
			up = v->digits[di] % m >= m / 2;
		else
			up = di + 1 < v->ndigits && v->digits[di + 1] >= HALF_NBASE;
	}
	v->ndigits = di + 1;
	int d = v->digits[di] - v->digits[di] % m + (up ? m : 0);
	v->digits[di] = (NumDigit) d;
	for (int i = di; i > 0 && v->digits[i] >= NBASE; i--) {
		v->digits[i] -= NBASE;
		v->digits[i - 1]++;
	}
	if (v->digits[0] >= NBASE) {
		g_assert (v->digits > v->buf->digits);
		v->digits[0] -= NBASE;
		v->digits--;
		v->digits[0] = 1;
		v->ndigits++;
		v->weight++;
	}
	var_strip (v);
}

static inline void
round_var (NumVar *v, int rscale)
{
	round_common (v, rscale, true);
}

static inline void
trunc_var (NumVar *v, int rscale)
{
	round_common (v, rscale, false);
}

/*
 * r = x × y, rounded to rscale (the exact product has x.dscale + y.dscale
 * places; when rscale is not smaller the product is exact).  The result's
 * display scale is rscale, as in PostgreSQL's mul_var.
 *
 * Columns are summed one at a time from the least significant end, so the
 * result digits are written directly with no temporary array; a column sum
 * is at most 36864 × 9999² < 2^42, far inside uint64.
 */
static void
mul_var (OxArena *a, const NumVar *x, const NumVar *y, NumVar *r, int rscale)
{
	if (x->ndigits == 0 || y->ndigits == 0) {
		var_zero (a, r, rscale);
		return;
	}
	int nx = x->ndigits, ny = y->ndigits;
	int n = nx + ny;
	var_alloc (a, r, n);
	const NumDigit *xd = x->digits, *yd = y->digits;
	uint64_t carry = 0;
	for (int k = n - 2; k >= 0; k--) {
		int ilo = MAX (0, k - (ny - 1));
		int ihi = MIN (k, nx - 1);
		uint64_t s = carry;
		for (int i = ilo; i <= ihi; i++)
			s += (uint64_t) ((uint32_t) xd[i] * (uint32_t) yd[k - i]);
		r->digits[k + 1] = (NumDigit) (s % NBASE);
		carry = s / NBASE;
	}
	g_assert (carry < NBASE);
	r->digits[0] = (NumDigit) carry;
	r->weight = x->weight + y->weight + 1;
	r->sign = x->sign == y->sign ? NUM_POS : NUM_NEG;
	var_strip (r);
	if (rscale < x->dscale + y->dscale)
		round_var (r, rscale);
	r->dscale = MAX (rscale, 0);
}

/*
 * Integer long division (Knuth, TAOCP vol. 2, 4.3.1, algorithm D) in base
 * NBASE.  The dividend is u[1..m] (u[0] must be 0: it receives the
 * normalization carry), the divisor v[0..n-1] with v[0] ≠ 0 and m ≥ n.
 * Writes the m − n + 1 quotient digits to q; u and v are clobbered.
 */
static void
digits_divide (int32_t *u, int m, int32_t *v, int n, NumDigit *q)
{
	if (n == 1) {
		int64_t d = v[0], rem = 0;
		for (int j = 0; j < m; j++) {
			int64_t cur = rem * NBASE + u[j + 1];
			q[j] = (NumDigit) (cur / d);
			rem = cur % d;
		}
		return;
	}

	/* Scale both so that v[0] ≥ NBASE/2: then the trial quotient from the
	 * top two digits is at most two too large. */
	int32_t d = NBASE / (v[0] + 1);
	if (d > 1) {
		int32_t c = 0;
		for (int i = m; i >= 0; i--) {
			int32_t t = u[i] * d + c;
			u[i] = t % NBASE;
			c = t / NBASE;
		}
		g_assert (c == 0);
		c = 0;
		for (int i = n - 1; i >= 0; i--) {
			int32_t t = v[i] * d + c;
			v[i] = t % NBASE;
			c = t / NBASE;
		}
		g_assert (c == 0);
	}

	for (int j = 0; j <= m - n; j++) {
		/* The window u[j..j+n] divided by v gives quotient digit j. */
		int64_t num = (int64_t) u[j] * NBASE + u[j + 1];
		int64_t qhat = num / v[0];
		int64_t rhat = num % v[0];
		while (qhat >= NBASE || qhat * v[1] > rhat * NBASE + u[j + 2]) {
			qhat--;
			rhat += v[0];
			if (rhat >= NBASE)
				break;
		}
		if (qhat == 0) {
			q[j] = 0;
			continue;
		}

		/* u[j..j+n] -= qhat × v */
		int64_t borrow = 0;
		for (int i = n; i >= 1; i--) {
			int64_t t = u[j + i] - qhat * v[i - 1] - borrow;
			borrow = 0;
			if (t < 0) {
				borrow = (-t + NBASE - 1) / NBASE;
				t += borrow * NBASE;
			}
			u[j + i] = (int32_t) t;
		}
		int64_t top = u[j] - borrow;
		if (top < 0) {
			/* qhat was one too large (rare): add v back. */
			qhat--;
			int32_t c = 0;
			for (int i = n; i >= 1; i--) {
				int32_t t = u[j + i] + v[i - 1] + c;
				c = t >= NBASE;
				u[j + i] = c ? t - NBASE : t;
			}
			top += c;
		}
		g_assert (top == 0);
		u[j] = 0;
		q[j] = (NumDigit) qhat;
	}
}

/*
 * r = x / y to rscale places, rounded half away from zero (round) or
 * truncated toward zero.  The quotient is exact before that single rounding:
 * we compute the truncated quotient to at least rscale + 1 places, and the
 * digit at rscale + 1 alone decides the rounding.  Raises 22012 if y is 0.
 */
static void
div_var (OxArena *a, const NumVar *x, const NumVar *y, NumVar *r, int rscale, bool round)
{
	if (y->ndigits == 0)
		raise_div_zero ();
	if (x->ndigits == 0) {
		var_zero (a, r, rscale);
		return;
	}

	/* f fractional base digits in the truncated quotient. */
	int f = ceil_div (rscale + (round ? 1 : 0), DEC_DIGITS);
	/* floor(x/y × NBASE^f) = floor(X × NBASE^s / Y) with X, Y the digit
	 * strings read as integers; s < 0 drops X's last −s digits. */
	int s = (x->weight - x->ndigits + 1 + f) - (y->weight - y->ndigits + 1);
	int m = x->ndigits + s;
	int n = y->ndigits;
	if (m < n) {
		var_zero (a, r, rscale);
		return;
	}

	int32_t stack_buf[128];
	int32_t *u = (m + 1 + n <= (int) G_N_ELEMENTS (stack_buf))
		? stack_buf
		: ox_arena_alloc (a, sizeof (int32_t) * (size_t) (m + 1 + n));
	int32_t *v = u + m + 1;
	u[0] = 0;
	int keep = MIN (x->ndigits, m);
	for (int i = 0; i < keep; i++)
		u[i + 1] = x->digits[i];
	for (int i = keep; i < m; i++)
		u[i + 1] = 0;
	for (int i = 0; i < n; i++)
		v[i] = y->digits[i];

	var_alloc (a, r, m - n + 1);
	digits_divide (u, m, v, n, r->digits);
	r->weight = m - n - f;
	r->sign = x->sign == y->sign ? NUM_POS : NUM_NEG;
	var_strip (r);
	round_common (r, rscale, round);
}

/* PostgreSQL's select_div_scale: at least MIN_SIG_DIGITS significant digits
 * in the quotient, and never fewer places than either input shows. */
static int
select_div_scale (const NumVar *x, const NumVar *y)
{
	int w1 = x->ndigits ? x->weight : 0;
	int f1 = x->ndigits ? x->digits[0] : 0;
	int w2 = y->ndigits ? y->weight : 0;
	int f2 = y->ndigits ? y->digits[0] : 0;
	/* If the leading digits tie we cannot tell; assume x < y. */
	int qweight = w1 - w2 - (f1 <= f2 ? 1 : 0);
	int rscale = MIN_SIG_DIGITS - qweight * DEC_DIGITS;
	rscale = MAX (rscale, x->dscale);
	rscale = MAX (rscale, y->dscale);
	rscale = MAX (rscale, 0);
	rscale = MIN (rscale, MAX_DISPLAY_SCALE);
	return rscale;
}

/* ---------------------------------------------------------------------
 * Text
 * ------------------------------------------------------------------- */

static void __attribute__ ((noreturn))
raise_syntax (const char *s, size_t len)
{
	ox_raise (OX_ERR_INVALID_TEXT_REP, 0,
	          "invalid input syntax for type numeric: \"%.*s\"", (int) len, s);
}

static bool
match_word (const char *p, const char *end, const char *w)
{
	size_t n = strlen (w);
	return (size_t) (end - p) >= n && g_ascii_strncasecmp (p, w, n) == 0;
}

/*
 * Accepted: [spaces] ( NaN | [+-]Infinity | [+-]inf
 *                    | [+-] digits [. digits] [e [spaces] [+-] digits] ) [spaces]
 * with at least one digit before or after the point, words in any case,
 * exactly as PostgreSQL 15's numeric_in (the spaces after 'e' are strtol's).
 */
const OxNumeric *
ox_numeric_parse (OxArena *a, const char *s, size_t len)
{
	static const struct { const char *word; int kind; } specials[] = {
		/* Order matters: "Infinity" before its prefix "inf". */
		{ "NaN", NUM_NAN },
		{ "Infinity", NUM_PINF }, { "+Infinity", NUM_PINF }, { "-Infinity", NUM_NINF },
		{ "inf", NUM_PINF }, { "+inf", NUM_PINF }, { "-inf", NUM_NINF },
	};
	const char *p = s, *end = s + len;

	while (p < end && is_space (*p))
		p++;

	/* the words only when it cannot be a number: bulk loads parse a lot */
	bool maybe_word = p < end && !is_digit (*p) && *p != '.';
	for (size_t i = 0; maybe_word && i < G_N_ELEMENTS (specials); i++) {
		if (match_word (p, end, specials[i].word)) {
			p += strlen (specials[i].word);
			while (p < end && is_space (*p))
				p++;
			if (p != end)
				raise_syntax (s, len);
			return make_special (a, specials[i].kind);
		}
	}

	int sign = NUM_POS;
	if (p < end && (*p == '+' || *p == '-')) {
		sign = *p == '-' ? NUM_NEG : NUM_POS;
		p++;
	}

	const char *dstart = p;
	bool have_dp = false;
	int64_t nfrac = 0;
	if (p < end && *p == '.') {
		have_dp = true;
		p++;
	}
	if (p >= end || !is_digit (*p))
		raise_syntax (s, len);
	while (p < end) {
		if (is_digit (*p)) {
			if (have_dp)
				nfrac++;
		} else if (*p == '.' && !have_dp) {
			have_dp = true;
		} else {
			break;
		}
		p++;
	}
	const char *dend = p;

	int64_t exponent = 0;
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		while (p < end && is_space (*p))
			p++;
		bool eneg = false;
		if (p < end && (*p == '+' || *p == '-')) {
			eneg = *p == '-';
			p++;
		}
		if (p >= end || !is_digit (*p))
			raise_syntax (s, len);
		while (p < end && is_digit (*p)) {
			if (exponent < INT_MAX)  /* saturate; anything this big overflows */
				exponent = exponent * 10 + (*p - '0');
			p++;
		}
		/* PostgreSQL's bound, and its message (make_result's). */
		if (exponent >= INT_MAX / 2)
			raise_overflow ();
		if (eneg)
			exponent = -exponent;
	}
	while (p < end && is_space (*p))
		p++;
	if (p != end)
		raise_syntax (s, len);

	int64_t dscale = nfrac - exponent;
	if (dscale < 0)
		dscale = 0;
	if (dscale > MAX_DSCALE)
		raise_overflow ();

	/* Decimal exponent of each digit character: the last is worth
	 * 10^(exponent − nfrac).  Find the first and last nonzero ones. */
	const char *first = NULL, *last = NULL;
	for (const char *q = dstart; q < dend; q++) {
		if (*q >= '1' && *q <= '9') {
			if (!first)
				first = q;
			last = q;
		}
	}
	NumVar v;
	if (!first) {
		var_zero (a, &v, (int) dscale);
		return make_result (a, &v);
	}

	/* Exponent of 'last', then of 'first' (digits between, minus a point). */
	int64_t after_last = 0;
	for (const char *q = last + 1; q < dend; q++)
		if (is_digit (*q))
			after_last++;
	int64_t e_last = exponent - nfrac + after_last;
	int64_t span = 0;
	for (const char *q = first; q < last; q++)
		if (is_digit (*q))
			span++;
	int64_t e_first = e_last + span;
	if (e_first >= (int64_t) (MAX_WEIGHT + 1) * DEC_DIGITS)
		raise_overflow ();
	/* e_last ≥ −dscale ≥ −16383 here, so everything fits in int. */
	int p_first = floor_div ((int) e_first, DEC_DIGITS);
	int p_last = floor_div ((int) e_last, DEC_DIGITS);

	var_alloc (a, &v, p_first - p_last + 1);
	memset (v.digits, 0, sizeof (NumDigit) * (size_t) v.ndigits);
	int e = (int) e_first;
	for (const char *q = first; q <= last; q++) {
		if (!is_digit (*q))
			continue;
		int pos = floor_div (e, DEC_DIGITS);
		v.digits[p_first - pos] += (NumDigit) ((*q - '0') * pow10_tab[e - pos * DEC_DIGITS]);
		e--;
	}
	v.weight = p_first;
	v.sign = sign;
	v.dscale = (int) dscale;
	return make_result (a, &v);
}

/* Bytes var_write_str may use for v, NUL included. */
static size_t
var_str_cap (const NumVar *v)
{
	int w = v->weight;
	return 1 + (size_t) (w >= 0 ? (w + 1) * DEC_DIGITS : 1) + 1 + (size_t) v->dscale + DEC_DIGITS + 1;
}

/* Text of a finite var into buf (var_str_cap bytes): used by
 * ox_numeric_out and by the exact decimal → double conversion. */
static void
var_write_str (const NumVar *v, char *buf)
{
	int w = v->weight, nd = v->ndigits, ds = v->dscale;
	char *q = buf;

	if (v->sign == NUM_NEG && nd > 0)
		*q++ = '-';
	if (nd == 0 || w < 0) {
		*q++ = '0';
	} else {
		for (int pos = w; pos >= 0; pos--) {
			int d = digit_at (v, pos);
			if (pos == w) {
				/* the leading digit prints without zero padding */
				char tmp[4];
				int k = 0;
				do {
					tmp[k++] = (char) ('0' + d % 10);
					d /= 10;
				} while (d);
				while (k)
					*q++ = tmp[--k];
			} else {
				q[0] = (char) ('0' + d / 1000);
				q[1] = (char) ('0' + d / 100 % 10);
				q[2] = (char) ('0' + d / 10 % 10);
				q[3] = (char) ('0' + d % 10);
				q += 4;
			}
		}
	}
	if (ds > 0) {
		*q++ = '.';
		char *fstart = q;
		for (int pos = -1; q - fstart < ds; pos--) {
			int d = digit_at (v, pos);
			q[0] = (char) ('0' + d / 1000);
			q[1] = (char) ('0' + d / 100 % 10);
			q[2] = (char) ('0' + d / 10 % 10);
			q[3] = (char) ('0' + d % 10);
			q += 4;
		}
		q = fstart + ds;
	}
	*q = '\0';
}

char *
ox_numeric_out (OxArena *a, const OxNumeric *n)
{
	switch (n->kind) {
	case NUM_NAN:
		return ox_arena_strdup (a, "NaN");
	case NUM_PINF:
		return ox_arena_strdup (a, "Infinity");
	case NUM_NINF:
		return ox_arena_strdup (a, "-Infinity");
	default:
		break;
	}
	NumVar v;
	var_view (n, &v);
	char *buf = ox_arena_alloc (a, var_str_cap (&v));
	var_write_str (&v, buf);
	return buf;
}

/* ---------------------------------------------------------------------
 * Conversions
 * ------------------------------------------------------------------- */

const OxNumeric *
ox_numeric_from_int64 (OxArena *a, int64_t i)
{
	NumVar v;
	var_from_int (a, &v, i);
	return make_result (a, &v);
}

const OxNumeric *
ox_numeric_from_double (OxArena *a, double d)
{
	if (isnan (d))
		return make_special (a, NUM_NAN);
	if (isinf (d))
		return make_special (a, d > 0 ? NUM_PINF : NUM_NINF);
	/* PostgreSQL's float8_numeric keeps DBL_DIG (15) significant digits,
	 * so 0.1::float8::numeric is 0.1 and not 0.1000000000000000055511.
	 * g_ascii_formatd, not snprintf: a GUI may have set LC_NUMERIC to a
	 * locale whose decimal point is a comma. */
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	g_ascii_formatd (buf, sizeof buf, "%.15g", d);
	return ox_numeric_parse (a, buf, strlen (buf));
}

static const double exact_pow10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/*
 * Nearest double, like PostgreSQL's text round trip, but without the
 * round trip when the value is an integer mantissa below 2^53 times a power
 * of ten up to 10^±22: both operands are then exact doubles and one IEEE
 * multiplication or division rounds correctly.  Out of range gives ±HUGE_VAL
 * or 0 (no error: cast.c goes through text for PostgreSQL's errors).
 */
static double
var_to_double (const NumVar *v)
{
	if (v->ndigits == 0)
		return 0.0;
	if (v->ndigits <= 4) {
		uint64_t m = 0;
		for (int i = 0; i < v->ndigits; i++)
			m = m * NBASE + (uint64_t) v->digits[i];
		int e10 = (v->weight - v->ndigits + 1) * DEC_DIGITS;
		if (m < (UINT64_C (1) << 53) && e10 >= -22 && e10 <= 22) {
			double r = e10 >= 0 ? (double) m * exact_pow10[e10] : (double) m / exact_pow10[-e10];
			return v->sign == NUM_NEG ? -r : r;
		}
	}
	char stack_buf[256];
	size_t cap = var_str_cap (v);
	char *s = cap <= sizeof stack_buf ? stack_buf : g_malloc (cap);
	var_write_str (v, s);
	double r = g_ascii_strtod (s, NULL);  /* locale-independent strtod */
	if (s != stack_buf)
		g_free (s);
	return r;
}

double
ox_numeric_to_double (const OxNumeric *n)
{
	switch (n->kind) {
	case NUM_NAN:
		return NAN;
	case NUM_PINF:
		return INFINITY;
	case NUM_NINF:
		return -INFINITY;
	default:
		break;
	}
	NumVar v;
	var_view (n, &v);
	return var_to_double (&v);
}

bool
ox_numeric_to_int64 (const OxNumeric *n, int64_t *out)
{
	if (is_special (n))
		return false;
	if (n->ndigits == 0) {
		*out = 0;
		return true;
	}
	NumVar v;
	var_view (n, &v);
	if (v.weight > 4)
		return false;  /* ≥ 10^20 */
	uint64_t acc = 0;
	for (int pos = v.weight; pos >= 0; pos--) {
		if (__builtin_mul_overflow (acc, (uint64_t) NBASE, &acc) ||
		    __builtin_add_overflow (acc, (uint64_t) digit_at (&v, pos), &acc))
			return false;
	}
	/* half away from zero: only the first fractional digit decides */
	if (digit_at (&v, -1) >= HALF_NBASE && __builtin_add_overflow (acc, 1, &acc))
		return false;
	if (v.sign == NUM_NEG) {
		if (acc > (uint64_t) INT64_MAX + 1)
			return false;
		*out = (int64_t) (0 - acc);
	} else {
		if (acc > (uint64_t) INT64_MAX)
			return false;
		*out = (int64_t) acc;
	}
	return true;
}

/* ---------------------------------------------------------------------
 * Arithmetic
 * ------------------------------------------------------------------- */

static int
special_sign (const OxNumeric *n)
{
	switch (n->kind) {
	case NUM_PINF:
		return 1;
	case NUM_NINF:
		return -1;
	case NUM_NEG:
		return -1;
	case NUM_POS:
		return n->ndigits ? 1 : 0;
	default:
		return 0;
	}
}

/* ---------------------------------------------------------------------
 * Small values: a finite value of at most 4 base-NBASE digits is an int64
 * m times NBASE^e (e = weight - ndigits + 1).  Sums, differences and
 * products of two of them are computed on those integers when nothing
 * overflows, and packed into the same normalized form make_result gives
 * (exact results: add/sub keep the larger display scale, mul the sum, as
 * the general path does when it is exact).  TPC-H Q1's arithmetic on
 * NUMERIC(12,2) columns went through add_var/mul_var and make_result for
 * every operation.
 * ------------------------------------------------------------------- */

static inline bool
small_of (const OxNumeric *n, int64_t *m, int *e)
{
	if (is_special (n) || n->ndigits > 4)
		return false;
	int64_t v = 0;
	for (int i = 0; i < n->ndigits; i++)
		v = v * NBASE + n->digits[i];
	*m = n->kind == NUM_NEG ? -v : v;
	*e = n->ndigits > 0 ? n->weight - n->ndigits + 1 : 0;
	return true;
}

/* m * NBASE^k, false on overflow (k >= 0). */
static inline bool
small_scale (int64_t m, int k, int64_t *out)
{
	for (; k > 0; k--)
		if (__builtin_mul_overflow (m, (int64_t) NBASE, &m))
			return false;
	*out = m;
	return true;
}

/* Pack m * NBASE^e with display scale dscale, normalized; NULL when it
 * does not fit the format. */
static const OxNumeric *
small_result128 (OxArena *a, __int128 m, int e, int dscale)
{
	NumDigit d[12];
	int nd = 0;
	int kind = NUM_POS;
	if (m != 0) {
		unsigned __int128 u;
		if (m < 0) {
			kind = NUM_NEG;
			u = (unsigned __int128) 0 - (unsigned __int128) m;
		} else
			u = (unsigned __int128) m;
		while (u % NBASE == 0) {  /* no trailing zero digits */
			u /= NBASE;
			e++;
		}
		NumDigit rev[12];
		while (u > 0) {
			rev[nd++] = (NumDigit) (u % NBASE);
			u /= NBASE;
		}
		for (int i = 0; i < nd; i++)
			d[i] = rev[nd - 1 - i];
	}
	int weight = nd > 0 ? e + nd - 1 : 0;
	if (dscale > MAX_DSCALE || weight > MAX_WEIGHT || weight < INT16_MIN)
		return NULL;
	OxNumeric *r = ox_arena_alloc (a, sizeof (OxNumeric) + (size_t) nd * sizeof (NumDigit));
	r->kind = (uint8_t) kind;
	r->reserved = 0;
	r->dscale = (uint16_t) dscale;
	r->weight = (int16_t) weight;
	r->ndigits = (uint16_t) nd;
	memcpy (r->digits, d, (size_t) nd * sizeof (NumDigit));
	return r;
}

static const OxNumeric *
small_result (OxArena *a, int64_t m, int e, int dscale)
{
	if (m == 0)
		return small_result128 (a, 0, e, dscale);
	/* the common case in 64-bit arithmetic */
	NumDigit d[8], rev[8];
	int nd = 0;
	int kind = m < 0 ? NUM_NEG : NUM_POS;
	uint64_t u = m < 0 ? (uint64_t) 0 - (uint64_t) m : (uint64_t) m;
	while (u % NBASE == 0) {
		u /= NBASE;
		e++;
	}
	while (u > 0) {
		rev[nd++] = (NumDigit) (u % NBASE);
		u /= NBASE;
	}
	for (int i = 0; i < nd; i++)
		d[i] = rev[nd - 1 - i];
	int weight = e + nd - 1;
	if (dscale > MAX_DSCALE || weight > MAX_WEIGHT || weight < INT16_MIN)
		return NULL;
	OxNumeric *r = ox_arena_alloc (a, sizeof (OxNumeric) + (size_t) nd * sizeof (NumDigit));
	r->kind = (uint8_t) kind;
	r->reserved = 0;
	r->dscale = (uint16_t) dscale;
	r->weight = (int16_t) weight;
	r->ndigits = (uint16_t) nd;
	memcpy (r->digits, d, (size_t) nd * sizeof (NumDigit));
	return r;
}

bool
ox_numeric_small (const OxNumeric *n, int64_t *m, int *e, int *dscale)
{
	if (!small_of (n, m, e))
		return false;
	*dscale = n->dscale;
	return true;
}

const OxNumeric *
ox_numeric_from_scaled (OxArena *a, __int128 m, int e, int dscale)
{
	const OxNumeric *r = small_result128 (a, m, e, dscale);
	if (!r)
		raise_overflow ();
	return r;
}

/* x + sign * y on small values, or NULL to take the general path. */
static const OxNumeric *
small_add (OxArena *a, const OxNumeric *x, const OxNumeric *y, int sign)
{
	int64_t mx, my, r;
	int ex, ey;
	if (!small_of (x, &mx, &ex) || !small_of (y, &my, &ey))
		return NULL;
	int e = MIN (ex, ey);
	if (ex - e > 4 || ey - e > 4 || !small_scale (mx, ex - e, &mx) || !small_scale (my, ey - e, &my))
		return NULL;
	if (sign < 0 ? __builtin_sub_overflow (mx, my, &r) : __builtin_add_overflow (mx, my, &r))
		return NULL;
	return small_result (a, r, e, MAX (x->dscale, y->dscale));
}

static const OxNumeric *
small_mul (OxArena *a, const OxNumeric *x, const OxNumeric *y)
{
	int64_t mx, my, r;
	int ex, ey;
	if (!small_of (x, &mx, &ex) || !small_of (y, &my, &ey))
		return NULL;
	if (__builtin_mul_overflow (mx, my, &r))
		return NULL;
	return small_result (a, r, ex + ey, x->dscale + y->dscale);
}

const OxNumeric *
ox_numeric_add (OxArena *a, const OxNumeric *x, const OxNumeric *y)
{
	const OxNumeric *f = small_add (a, x, y, 1);
	if (f)
		return f;
	if (is_special (x) || is_special (y)) {
		if (x->kind == NUM_NAN || y->kind == NUM_NAN)
			return make_special (a, NUM_NAN);
		if (x->kind == NUM_PINF)
			return make_special (a, y->kind == NUM_NINF ? NUM_NAN : NUM_PINF);
		if (x->kind == NUM_NINF)
			return make_special (a, y->kind == NUM_PINF ? NUM_NAN : NUM_NINF);
		return make_special (a, y->kind);
	}
	NumVar vx, vy, r;
	var_view (x, &vx);
	var_view (y, &vy);
	add_var (a, &vx, &vy, &r);
	return make_result (a, &r);
}

const OxNumeric *
ox_numeric_sub (OxArena *a, const OxNumeric *x, const OxNumeric *y)
{
	const OxNumeric *f = small_add (a, x, y, -1);
	if (f)
		return f;
	if (is_special (x) || is_special (y)) {
		if (x->kind == NUM_NAN || y->kind == NUM_NAN)
			return make_special (a, NUM_NAN);
		if (x->kind == NUM_PINF)
			return make_special (a, y->kind == NUM_PINF ? NUM_NAN : NUM_PINF);
		if (x->kind == NUM_NINF)
			return make_special (a, y->kind == NUM_NINF ? NUM_NAN : NUM_NINF);
		return make_special (a, y->kind == NUM_PINF ? NUM_NINF : NUM_PINF);
	}
	NumVar vx, vy, r;
	var_view (x, &vx);
	var_view (y, &vy);
	sub_var (a, &vx, &vy, &r);
	return make_result (a, &r);
}

const OxNumeric *
ox_numeric_mul (OxArena *a, const OxNumeric *x, const OxNumeric *y)
{
	const OxNumeric *f = small_mul (a, x, y);
	if (f)
		return f;
	if (is_special (x) || is_special (y)) {
		if (x->kind == NUM_NAN || y->kind == NUM_NAN)
			return make_special (a, NUM_NAN);
		int s = special_sign (x) * special_sign (y);
		if (s == 0)
			return make_special (a, NUM_NAN);  /* Inf × 0 */
		return make_special (a, s > 0 ? NUM_PINF : NUM_NINF);
	}
	NumVar vx, vy, r;
	var_view (x, &vx);
	var_view (y, &vy);
	/* Exact, unless the scale exceeds what the format can show: then
	 * PostgreSQL rounds to the largest display scale. */
	int rscale = MIN (vx.dscale + vy.dscale, MAX_DSCALE);
	mul_var (a, &vx, &vy, &r, rscale);
	return make_result (a, &r);
}

/* Infinity / y for the division family: NaN for Inf/Inf, 22012 for Inf/0. */
static const OxNumeric *
div_special (OxArena *a, const OxNumeric *x, const OxNumeric *y)
{
	if (x->kind == NUM_NAN || y->kind == NUM_NAN)
		return make_special (a, NUM_NAN);
	if (x->kind == NUM_PINF || x->kind == NUM_NINF) {
		if (is_special (y))
			return make_special (a, NUM_NAN);
		int s = special_sign (y);
		if (s == 0)
			raise_div_zero ();
		if (x->kind == NUM_NINF)
			s = -s;
		return make_special (a, s > 0 ? NUM_PINF : NUM_NINF);
	}
	/* finite / ±Inf */
	NumVar z;
	var_zero (a, &z, 0);
	return make_result (a, &z);
}

const OxNumeric *
ox_numeric_div (OxArena *a, const OxNumeric *x, const OxNumeric *y)
{
	if (is_special (x) || is_special (y))
		return div_special (a, x, y);
	NumVar vx, vy, r;
	var_view (x, &vx);
	var_view (y, &vy);
	div_var (a, &vx, &vy, &r, select_div_scale (&vx, &vy), true);
	return make_result (a, &r);
}

const OxNumeric *
ox_numeric_div_trunc (OxArena *a, const OxNumeric *x, const OxNumeric *y)
{
	if (is_special (x) || is_special (y))
		return div_special (a, x, y);
	NumVar vx, vy, r;
	var_view (x, &vx);
	var_view (y, &vy);
	div_var (a, &vx, &vy, &r, 0, false);
	return make_result (a, &r);
}

/* x − y × trunc(x / y): the sign of x, the larger of the two scales. */
const OxNumeric *
ox_numeric_mod (OxArena *a, const OxNumeric *x, const OxNumeric *y)
{
	if (is_special (x) || is_special (y)) {
		if (x->kind == NUM_NAN || y->kind == NUM_NAN)
			return make_special (a, NUM_NAN);
		if (is_special (x)) {
			if (special_sign (y) == 0 && !is_special (y))
				raise_div_zero ();
			return make_special (a, NUM_NAN);
		}
		return copy_numeric (a, x);  /* finite % ±Inf = x */
	}
	NumVar vx, vy, q, p, r;
	var_view (x, &vx);
	var_view (y, &vy);
	div_var (a, &vx, &vy, &q, 0, false);
	mul_var (a, &vy, &q, &p, vy.dscale);
	sub_var (a, &vx, &p, &r);
	return make_result (a, &r);
}

const OxNumeric *
ox_numeric_neg (OxArena *a, const OxNumeric *x)
{
	OxNumeric *r = ox_arena_memdup (a, x, ox_numeric_size (x));
	switch (x->kind) {
	case NUM_PINF:
		r->kind = NUM_NINF;
		break;
	case NUM_NINF:
		r->kind = NUM_PINF;
		break;
	case NUM_POS:
		if (x->ndigits)
			r->kind = NUM_NEG;
		break;
	case NUM_NEG:
		r->kind = NUM_POS;
		break;
	default:
		break;
	}
	return r;
}

const OxNumeric *
ox_numeric_abs (OxArena *a, const OxNumeric *x)
{
	OxNumeric *r = ox_arena_memdup (a, x, ox_numeric_size (x));
	if (x->kind == NUM_NEG)
		r->kind = NUM_POS;
	else if (x->kind == NUM_NINF)
		r->kind = NUM_PINF;
	return r;
}

/* PostgreSQL's avg(numeric) is numeric_div(sum, count): same scale rule. */
const OxNumeric *
ox_numeric_div_int (OxArena *a, const OxNumeric *x, int64_t count)
{
	if (is_special (x)) {
		if (x->kind == NUM_NAN)
			return make_special (a, NUM_NAN);
		if (count == 0)
			raise_div_zero ();
		bool pos = (x->kind == NUM_PINF) == (count > 0);
		return make_special (a, pos ? NUM_PINF : NUM_NINF);
	}
	if (count == 0)
		raise_div_zero ();
	/* The count as a var on the stack: no allocation for it. */
	NumDigit cd[5];
	uint64_t u = count < 0 ? -(uint64_t) count : (uint64_t) count;
	int k = 5;
	while (u) {
		cd[--k] = (NumDigit) (u % NBASE);
		u /= NBASE;
	}
	NumVar vy = { .sign = count < 0 ? NUM_NEG : NUM_POS, .weight = 4 - k,
	              .dscale = 0, .ndigits = 5 - k, .digits = cd + k, .buf = NULL };
	var_strip (&vy);
	NumVar vx, r;
	var_view (x, &vx);
	div_var (a, &vx, &vy, &r, select_div_scale (&vx, &vy), true);
	return make_result (a, &r);
}

/* ---------------------------------------------------------------------
 * Comparison and hashing
 * ------------------------------------------------------------------- */

/* -Inf < finite < +Inf < NaN */
static inline int
sort_class (const OxNumeric *n)
{
	switch (n->kind) {
	case NUM_NINF:
		return 0;
	case NUM_PINF:
		return 2;
	case NUM_NAN:
		return 3;
	default:
		return 1;
	}
}

int
ox_numeric_cmp (const OxNumeric *x, const OxNumeric *y)
{
	int cx = sort_class (x), cy = sort_class (y);
	if (cx != cy)
		return cx < cy ? -1 : 1;
	if (cx != 1)
		return 0;
	NumVar vx, vy;
	var_view (x, &vx);
	var_view (y, &vy);
	return cmp_var (&vx, &vy);
}

/* Normalization makes equal values agree on sign, weight and digits; the
 * display scale is left out so 1.0 and 1.00 hash alike. */
uint32_t
ox_numeric_hash (const OxNumeric *n)
{
	uint32_t h = 0x811c9dc5u ^ n->kind;
	h = (h ^ (uint16_t) n->weight) * 0x01000193u;
	for (int i = 0; i < n->ndigits; i++)
		h = (h ^ (uint16_t) n->digits[i]) * 0x01000193u;
	/* murmur3's finalizer: FNV alone mixes the last digit poorly */
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

int
ox_numeric_sign (const OxNumeric *n)
{
	return special_sign (n);
}

bool
ox_numeric_is_nan (const OxNumeric *n)
{
	return n->kind == NUM_NAN;
}

bool
ox_numeric_is_inf (const OxNumeric *n)
{
	return n->kind == NUM_PINF || n->kind == NUM_NINF;
}

int
ox_numeric_scale (const OxNumeric *x)
{
	return is_special (x) ? -1 : x->dscale;
}

/* ---------------------------------------------------------------------
 * Rounding and typmods
 * ------------------------------------------------------------------- */

static const OxNumeric *
round_or_trunc (OxArena *a, const OxNumeric *x, int scale, bool round)
{
	if (is_special (x))
		return copy_numeric (a, x);
	/* PostgreSQL 15 clamps the scale argument to what the format can hold
	 * (one digit more above, for a leading digit that rounds up and then
	 * overflows) rather than failing. */
	scale = CLAMP (scale, -(MAX_WEIGHT + 1) * DEC_DIGITS - 1, MAX_DSCALE);
	NumVar v, r;
	var_view (x, &v);
	var_copy (a, &v, &r);
	round_common (&r, scale, round);
	return make_result (a, &r);
}

const OxNumeric *
ox_numeric_round (OxArena *a, const OxNumeric *x, int scale)
{
	return round_or_trunc (a, x, scale, true);
}

const OxNumeric *
ox_numeric_trunc (OxArena *a, const OxNumeric *x, int scale)
{
	return round_or_trunc (a, x, scale, false);
}

static const OxNumeric *
ceil_floor (OxArena *a, const OxNumeric *x, bool ceil)
{
	if (is_special (x))
		return copy_numeric (a, x);
	NumVar v, t;
	var_view (x, &v);
	bool has_frac = v.ndigits > v.weight + 1;
	var_copy (a, &v, &t);
	trunc_var (&t, 0);
	/* Truncation moved toward zero; step back out when that was the
	 * wrong direction (positive for ceil, negative for floor). */
	if (has_frac && (ceil ? v.sign == NUM_POS : v.sign == NUM_NEG)) {
		NumVar one, r;
		var_from_int (a, &one, ceil ? 1 : -1);
		add_var (a, &t, &one, &r);
		return make_result (a, &r);
	}
	return make_result (a, &t);
}

const OxNumeric *
ox_numeric_ceil (OxArena *a, const OxNumeric *x)
{
	return ceil_floor (a, x, true);
}

const OxNumeric *
ox_numeric_floor (OxArena *a, const OxNumeric *x)
{
	return ceil_floor (a, x, false);
}

/*
 * PostgreSQL's apply_typmod: round to 'scale' (which may be negative or
 * exceed the precision, as PG 15 allows), then require at most
 * precision − scale digits before the point.  The check comes after the
 * rounding because rounding can add a digit (999.995 → 1000.00).
 */
const OxNumeric *
ox_numeric_apply_typmod (OxArena *a, const OxNumeric *x, int precision, int scale)
{
	if (precision <= 0)
		return copy_numeric (a, x);
	if (x->kind == NUM_NAN)
		return copy_numeric (a, x);
	if (is_special (x)) {
		char *d = ox_arena_printf (a, "A field with precision %d, scale %d cannot hold an infinite value.",
		                           precision, scale);
		ox_raise_full (OX_ERR_NUMERIC_OUT_OF_RANGE, 0, d, NULL, "numeric field overflow");
	}

	NumVar v, r;
	var_view (x, &v);
	var_copy (a, &v, &r);
	round_var (&r, scale);

	int maxdigits = precision - scale;
	if (r.ndigits > 0) {
		/* decimal digits before the point (≤ 0 for values below 1) */
		int d0 = r.digits[0];
		int ddigits = (r.weight + 1) * DEC_DIGITS - (d0 < 10 ? 3 : d0 < 100 ? 2 : d0 < 1000 ? 1 : 0);
		if (ddigits > maxdigits) {
			char *d = ox_arena_printf (a, "A field with precision %d, scale %d must round to an absolute value less than %s%d.",
			                           precision, scale, maxdigits ? "10^" : "", maxdigits ? maxdigits : 1);
			ox_raise_full (OX_ERR_NUMERIC_OUT_OF_RANGE, 0, d, NULL, "numeric field overflow");
		}
	}
	return make_result (a, &r);
}

/* ---------------------------------------------------------------------
 * Transcendental functions
 *
 * These work in a scratch arena that dies with the call.  Scales are
 * chosen exactly as PostgreSQL chooses them (that is what users see);
 * digits are computed with guard digits and rounded once at the end.
 * ------------------------------------------------------------------- */

/* Digits that equal 0.9, 1.1 and 1 as views, for comparisons. */
static const NumDigit digits_0_9[] = { 9000 };
static const NumDigit digits_1_1[] = { 1, 1000 };
static const NumDigit digits_1[] = { 1 };

static void
var_const (NumVar *v, const NumDigit *d, int nd, int weight)
{
	v->sign = NUM_POS;
	v->weight = weight;
	v->dscale = 0;
	v->ndigits = nd;
	v->digits = (NumDigit *) d;
	v->buf = NULL;
}

/* r = x × y keeping at least 'sig' significant digits (relative precision,
 * for products whose magnitude varies wildly, like repeated squaring). */
static void
mul_sig (OxArena *a, const NumVar *x, const NumVar *y, NumVar *r, int sig)
{
	/* The product is ≥ NBASE^(wx+wy), so this keeps ≥ sig + 1 digits. */
	int rscale = sig - (x->weight + y->weight) * DEC_DIGITS;
	rscale = MIN (rscale, x->dscale + y->dscale);
	mul_var (a, x, y, r, rscale);
}

/* Newton's iteration for the integer square root, from x ≥ floor(sqrt(n)):
 * x ← floor((x + floor(n/x)) / 2) decreases until it stops at the root. */
static void
isqrt_newton (OxArena *a, const NumVar *n, NumVar x, NumVar *r)
{
	NumVar two;
	static const NumDigit two_d[] = { 2 };
	var_const (&two, two_d, 1, 0);
	x.dscale = 0;
	for (;;) {
		NumVar q, s, y;
		div_var (a, n, &x, &q, 0, false);
		add_var (a, &x, &q, &s);
		div_var (a, &s, &two, &y, 0, false);
		if (cmp_abs (&y, &x) >= 0)
			break;
		x = y;
	}
	*r = x;
}

/*
 * r = floor(sqrt(n)) for an integer var n ≥ 1 (no fractional digits).
 *
 * Small n start Newton from a double estimate.  Large n first take the
 * root of their top half (recursively) and scale it up: that start is
 * correct to half the digits, so two or three full-size Newton steps
 * finish, instead of one per doubling of the correct digits (sqrt of a
 * 131000-digit number: 6.8 s → 1.7 s).
 */
static void
isqrt_var (OxArena *a, const NumVar *n, NumVar *r)
{
	NumVar x, one;
	var_const (&one, digits_1, 1, 0);

	int len = n->weight + 1;  /* integer digits of n */
	if (len > 8) {
		/* hi = floor(n / NBASE^(2k)); (isqrt(hi) + 1) × NBASE^k ≥ sqrt(n) */
		int k = len / 4;
		NumVar hi = *n, rh;
		hi.buf = NULL;
		hi.weight -= 2 * k;
		hi.ndigits = MIN (hi.ndigits, hi.weight + 1);
		var_strip (&hi);
		isqrt_var (a, &hi, &rh);
		add_var (a, &rh, &one, &x);
		x.weight += k;
		isqrt_newton (a, n, x, r);
		return;
	}

	/* n ≈ m × NBASE^k from its top (up to) four digits; an even k lets us
	 * halve the exponent.  m ≥ NBASE^3 when digits were dropped, so the
	 * truncation error is below 1e-12 relative and the (1 + 1e-10) factor
	 * makes the start an overestimate, as the iteration requires. */
	int used = MIN (n->ndigits, 4);
	double m = 0;
	for (int i = 0; i < used; i++)
		m = m * NBASE + n->digits[i];
	int k = n->weight - (used - 1);
	if (k & 1) {
		m *= NBASE;
		k--;
	}
	int h = k / 2;
	uint64_t u = (uint64_t) (sqrt (m) * (1.0 + 1e-10) * 1e8) + 1;  /* ≈ sqrt(n) × NBASE^(2−h) */

	var_from_int (a, &x, (int64_t) u);
	x.weight += h - 2;
	if (x.weight - x.ndigits + 1 < 0) {
		/* the estimate has a fraction: round it up to an integer */
		NumVar t;
		var_copy (a, &x, &t);
		trunc_var (&t, 0);
		add_var (a, &t, &one, &x);
	}
	isqrt_newton (a, n, x, r);
}

/* r = sqrt(x) rounded to rscale (may be negative); x ≥ 0.  Exact: we take
 * the integer square root of x scaled to rscale + 1 places, whose last
 * digit then decides the rounding. */
static void
sqrt_var (OxArena *a, const NumVar *x, NumVar *r, int rscale)
{
	if (x->ndigits == 0) {
		var_zero (a, r, rscale);
		return;
	}
	int f = ceil_div (rscale + 1, DEC_DIGITS);
	/* n = floor(x × NBASE^(2f)) as a view of x's digits */
	NumVar n = *x;
	n.buf = NULL;
	n.sign = NUM_POS;
	n.weight += 2 * f;
	n.dscale = 0;
	if (n.weight < 0) {
		var_zero (a, r, rscale);
		return;
	}
	n.ndigits = MIN (n.ndigits, n.weight + 1);
	var_strip (&n);
	if (n.ndigits == 0) {
		var_zero (a, r, rscale);
		return;
	}
	NumVar s;
	isqrt_var (a, &n, &s);
	s.weight -= f;
	round_var (&s, rscale);
	*r = s;
}

/* PostgreSQL's estimate of the decimal weight of ln(x), used to choose the
 * scales of ln() and power(); x > 0.  Reproduced because it decides the
 * number of decimals shown. */
static int
estimate_ln_dweight (OxArena *a, const NumVar *x)
{
	NumVar lo, hi, one;
	var_const (&lo, digits_0_9, 1, -1);
	var_const (&hi, digits_1_1, 2, 0);
	var_const (&one, digits_1, 1, 0);

	if (x->sign != NUM_POS || x->ndigits == 0)
		return 0;
	if (cmp_var (x, &lo) >= 0 && cmp_var (x, &hi) <= 0) {
		/* near 1, ln(x) ≈ x − 1: its leading decimal digit */
		NumVar d;
		sub_var (a, x, &one, &d);
		if (d.ndigits == 0)
			return 0;
		return d.weight * DEC_DIGITS + (int) log10 ((double) d.digits[0]);
	}
	/* elsewhere from the leading digits: x ≈ digits × 10^dweight */
	int digits = x->digits[0];
	int dweight = x->weight * DEC_DIGITS;
	if (x->ndigits > 1) {
		digits = digits * NBASE + x->digits[1];
		dweight -= DEC_DIGITS;
	}
	double ln = log ((double) digits) + dweight * 2.302585092994046;
	return (int) log10 (fabs (ln));
}

/*
 * r = ln(x) rounded to rscale; x > 0.  Square roots bring x into
 * (0.9, 1.1); then ln x = 2^(k+1) × atanh-series of z = (x−1)/(x+1).
 * Each square root doubles the weight of earlier errors in the final
 * result, so its precision grows with the step count.
 */
static void
ln_var (OxArena *a, const NumVar *x, NumVar *r, int rscale)
{
	enum { GUARD = 10 };
	NumVar lo, hi, one;
	var_const (&lo, digits_0_9, 1, -1);
	var_const (&hi, digits_1_1, 2, 0);
	var_const (&one, digits_1, 1, 0);

	NumVar t = *x;
	int nsqrt = 0;
	while (cmp_var (&t, &lo) <= 0 || cmp_var (&t, &hi) >= 0) {
		nsqrt++;
		/* sqrt(t) < 10^(2(wt+1)); keep enough places to hold
		 * rscale + GUARD + log10(2^nsqrt) + 3 significant digits. */
		int lr = rscale + GUARD + (nsqrt * 3) / 10 + 3 - (DEC_DIGITS / 2) * (t.weight + 1);
		NumVar s;
		sqrt_var (a, &t, &s, lr);
		t = s;
	}

	int wscale = rscale + GUARD + (nsqrt * 3) / 10 + 2;
	NumVar num, den, z, q, sum, zp;
	sub_var (a, &t, &one, &num);
	add_var (a, &t, &one, &den);
	div_var (a, &num, &den, &z, wscale, true);
	mul_var (a, &z, &z, &q, wscale);
	sum = z;
	zp = z;
	for (int k = 3; zp.ndigits > 0; k += 2) {
		NumVar nzp, kv, term, nsum;
		mul_var (a, &zp, &q, &nzp, wscale);
		zp = nzp;
		if (zp.ndigits == 0)
			break;
		var_from_int (a, &kv, k);
		div_var (a, &zp, &kv, &term, wscale, true);
		if (term.ndigits == 0)
			break;
		add_var (a, &sum, &term, &nsum);
		sum = nsum;
	}

	/* × 2^(nsqrt+1), exactly (2^23 at most for the largest inputs) */
	NumVar fact, res;
	var_from_int (a, &fact, (int64_t) 1 << (nsqrt + 1));
	mul_var (a, &sum, &fact, &res, wscale);
	round_var (&res, rscale);
	*r = res;
}

/*
 * r = e^x rounded to rscale.  Like PostgreSQL, refuses |x| ≥ 6000 (22003
 * above, zero below).  x is halved until |x| ≤ 0.01, the Taylor series
 * summed, and the result squared back; squaring doubles relative errors, so
 * the working precision includes log10(2^ndiv2) extra digits.
 */
static void
exp_var (OxArena *a, const NumVar *x, NumVar *r, int rscale)
{
	double val = var_to_double (x);
	if (fabs (val) >= MAX_RESULT_SCALE * 3) {
		if (val > 0)
			raise_overflow ();
		var_zero (a, r, rscale);
		return;
	}
	int dweight = (int) (val * 0.434294481903252);
	int ndiv2 = 0;
	for (double h = fabs (val); h > 0.01; h /= 2)
		ndiv2++;

	/* significant digits of the result we need, plus guards */
	int sig = rscale + dweight + 1;
	sig = MAX (sig, 0) + 10 + (ndiv2 * 3) / 10 + 1;
	int wscale = sig + 2;

	NumVar y, div, one, sum, term;
	var_from_int (a, &div, (int64_t) 1 << ndiv2);
	div_var (a, x, &div, &y, wscale, true);
	var_const (&one, digits_1, 1, 0);
	add_var (a, &one, &y, &sum);
	term = y;
	for (int k = 2; term.ndigits > 0; k++) {
		NumVar t1, t2, kv, ns;
		mul_var (a, &term, &y, &t1, wscale);
		var_from_int (a, &kv, k);
		div_var (a, &t1, &kv, &t2, wscale, true);
		term = t2;
		if (term.ndigits == 0)
			break;
		add_var (a, &sum, &term, &ns);
		sum = ns;
	}
	for (int i = 0; i < ndiv2; i++) {
		NumVar sq;
		mul_sig (a, &sum, &sum, &sq, sig);
		sum = sq;
	}
	NumVar res;
	var_copy (a, &sum, &res);
	round_var (&res, rscale);
	*r = res;
}

/* Runs body (which may raise) with a scratch arena that is freed on both
 * the normal and the error path. */
#define WITH_SCRATCH(s, ...)                             \
	do {                                             \
		OxArena *s = ox_arena_new ();            \
		OX_TRY {                                 \
			__VA_ARGS__;                     \
		} OX_CATCH {                             \
			ox_arena_free (s);               \
			ox_error_rethrow_current ();     \
		} OX_END_TRY;                            \
		ox_arena_free (s);                       \
	} while (0)

const OxNumeric *
ox_numeric_sqrt (OxArena *a, const OxNumeric *x)
{
	if (x->kind == NUM_NINF || x->kind == NUM_NEG)
		ox_raise (OX_ERR_INVALID_POWER, 0, "cannot take square root of a negative number");
	if (is_special (x))
		return copy_numeric (a, x);

	NumVar v;
	var_view (x, &v);
	/* PostgreSQL: about MIN_SIG_DIGITS digits from the (base-10000!)
	 * weight, never fewer places than the input. */
	int sweight = (v.weight + 1) * DEC_DIGITS / 2 - 1;
	int rscale = MIN_SIG_DIGITS - sweight;
	rscale = MAX (rscale, v.dscale);
	rscale = MAX (rscale, 0);
	rscale = MIN (rscale, MAX_DISPLAY_SCALE);

	const OxNumeric *volatile res = NULL;
	WITH_SCRATCH (s, {
		NumVar r;
		sqrt_var (s, &v, &r, rscale);
		res = make_result_copy (a, &r);
	});
	return res;
}

const OxNumeric *
ox_numeric_ln (OxArena *a, const OxNumeric *x)
{
	if (x->kind == NUM_NAN || x->kind == NUM_PINF)
		return copy_numeric (a, x);
	if (x->kind == NUM_NINF || x->kind == NUM_NEG)
		ox_raise (OX_ERR_INVALID_LOG, 0, "cannot take logarithm of a negative number");
	if (x->ndigits == 0)
		ox_raise (OX_ERR_INVALID_LOG, 0, "cannot take logarithm of zero");

	NumVar v;
	var_view (x, &v);
	const OxNumeric *volatile res = NULL;
	WITH_SCRATCH (s, {
		int rscale = MIN_SIG_DIGITS - estimate_ln_dweight (s, &v);
		rscale = MAX (rscale, v.dscale);
		rscale = MAX (rscale, 0);
		rscale = MIN (rscale, MAX_DISPLAY_SCALE);
		NumVar r;
		ln_var (s, &v, &r, rscale);
		res = make_result_copy (a, &r);
	});
	return res;
}

const OxNumeric *
ox_numeric_exp (OxArena *a, const OxNumeric *x)
{
	if (x->kind == NUM_NAN || x->kind == NUM_PINF)
		return copy_numeric (a, x);
	if (x->kind == NUM_NINF) {
		NumVar z;
		var_zero (a, &z, 0);
		return make_result (a, &z);
	}
	NumVar v;
	var_view (x, &v);
	/* decimal weight of the result, clamped against int overflow */
	double val = var_to_double (&v) * 0.434294481903252;
	val = CLAMP (val, -MAX_RESULT_SCALE, MAX_RESULT_SCALE);
	int rscale = MIN_SIG_DIGITS - (int) val;
	rscale = MAX (rscale, v.dscale);
	rscale = MAX (rscale, 0);
	rscale = MIN (rscale, MAX_DISPLAY_SCALE);

	const OxNumeric *volatile res = NULL;
	WITH_SCRATCH (s, {
		NumVar r;
		exp_var (s, &v, &r, rscale);
		res = make_result_copy (a, &r);
	});
	return res;
}

static bool
var_is_integer (const NumVar *v)
{
	return v->ndigits == 0 || v->ndigits <= v->weight + 1;
}

/*
 * base^n for an integer n, PostgreSQL 15's power_var_int: result scale
 * max(16, base's scale); crude overflow/underflow tests on the estimated
 * decimal weight f; then binary exponentiation keeping enough significant
 * digits for that scale (plus log(|n|) for the accumulated error).
 */
static void
power_int_var (OxArena *a, const NumVar *base, int n, NumVar *r)
{
	int rscale = MAX (MIN_SIG_DIGITS, base->dscale);
	rscale = MIN (rscale, MAX_DISPLAY_SCALE);
	NumVar one;
	var_const (&one, digits_1, 1, 0);

	switch (n) {
	case 0:
		/* 0^0 is 1, as SQL:2003 and most languages have it */
		var_copy (a, &one, r);
		r->dscale = rscale;
		return;
	case 1:
		var_copy (a, base, r);
		round_var (r, rscale);
		return;
	case -1:
		div_var (a, &one, base, r, rscale, true);
		return;
	case 2:
		mul_var (a, base, base, r, rscale);
		return;
	default:
		break;
	}
	if (base->ndigits == 0) {
		if (n < 0)
			raise_div_zero ();  /* unreachable: numeric_power checks first */
		var_zero (a, r, rscale);
		return;
	}

	/* base ≈ f × 10^p from up to 16 leading decimal digits */
	double f = base->digits[0];
	int p = base->weight * DEC_DIGITS;
	for (int i = 1; i < base->ndigits && i * DEC_DIGITS < 16; i++) {
		f = f * NBASE + base->digits[i];
		p -= DEC_DIGITS;
	}
	f = n * (log10 (f) + p);  /* ≈ log10(result) */

	/* PostgreSQL raises at 3 × 32767 × 4 and otherwise finds the overflow
	 * while multiplying; anything past 10^131073 overflows either way, and
	 * failing early spares us multiplying 100,000-digit numbers. */
	if (f > (MAX_WEIGHT + 1) * DEC_DIGITS + 1)
		raise_overflow ();
	if (f + 1 < -rscale || f + 1 < -MAX_DISPLAY_SCALE) {
		var_zero (a, r, rscale);
		return;
	}
	int sig = 1 + rscale + (int) f;
	sig += (int) log (fabs ((double) n)) + 8 + 2;

	bool neg = n < 0;
	unsigned mask = neg ? -(unsigned) n : (unsigned) n;
	NumVar prod = *base, res;
	if (mask & 1)
		res = *base;
	else
		res = one;
	while ((mask >>= 1) > 0) {
		NumVar t;
		mul_sig (a, &prod, &prod, &t, sig);
		prod = t;
		if (mask & 1) {
			mul_sig (a, &res, &prod, &t, sig);
			res = t;
		}
		if (prod.weight > MAX_WEIGHT || res.weight > MAX_WEIGHT) {
			/* overflow, unless we are about to take the reciprocal */
			if (!neg)
				raise_overflow ();
			var_zero (a, r, rscale);
			return;
		}
	}
	if (neg) {
		div_var (a, &one, &res, r, rscale, true);
	} else {
		var_copy (a, &res, r);
		round_var (r, rscale);
	}
}

/*
 * base^e, PostgreSQL 15's power_var.  Integer exponents that fit in int32
 * go to power_int_var.  Otherwise e^(e × ln base): a first pass with about 8
 * significant digits estimates the result's weight, which chooses the
 * result scale (and catches overflow); the second pass computes ln to that
 * many digits.  We round ln and the product at the same scales PostgreSQL
 * does so that the exponent we feed to exp is the same one.
 */
static void
power_var (OxArena *a, const NumVar *base, const NumVar *e, NumVar *r)
{
	if (var_is_integer (e)) {
		int64_t n64 = 0;
		bool fits = true;
		if (e->weight > 4)
			fits = false;
		for (int pos = e->weight; fits && pos >= 0; pos--) {
			if (__builtin_mul_overflow (n64, (int64_t) NBASE, &n64) ||
			    __builtin_add_overflow (n64, (int64_t) digit_at (e, pos), &n64))
				fits = false;
		}
		if (e->ndigits == 0)
			n64 = 0;
		if (fits && n64 <= INT32_MAX + (e->sign == NUM_NEG ? 1LL : 0LL)) {
			power_int_var (a, base, (int) (e->sign == NUM_NEG ? -n64 : n64), r);
			return;
		}
	}

	if (base->ndigits == 0) {
		/* 0^positive non-integer: PostgreSQL's scale is MIN_SIG_DIGITS */
		var_zero (a, r, MIN_SIG_DIGITS);
		return;
	}

	int res_sign = NUM_POS;
	NumVar abs_base = *base;
	if (base->sign == NUM_NEG) {
		if (!var_is_integer (e))
			ox_raise (OX_ERR_INVALID_POWER, 0,
			          "a negative number raised to a non-integer power yields a complex result");
		/* odd iff the units digit is present and odd */
		if (e->ndigits > 0 && e->ndigits == e->weight + 1 && (e->digits[e->ndigits - 1] & 1))
			res_sign = NUM_NEG;
		abs_base.sign = NUM_POS;
	}

	int ln_dweight = estimate_ln_dweight (a, &abs_base);
	int local_rscale = MAX (8 - ln_dweight, 0);
	NumVar ln_base, ln_num;
	ln_var (a, &abs_base, &ln_base, local_rscale);
	mul_var (a, &ln_base, e, &ln_num, local_rscale);
	double val = var_to_double (&ln_num);

	/* first, fuzzy overflow test; exp_var has the exact one */
	if (fabs (val) > MAX_RESULT_SCALE * 3.01) {
		if (val > 0)
			raise_overflow ();
		var_zero (a, r, MAX_DISPLAY_SCALE);
		return;
	}
	val *= 0.434294481903252;  /* ≈ decimal weight of the result */

	int rscale = MIN_SIG_DIGITS - (int) val;
	rscale = MAX (rscale, base->dscale);
	rscale = MAX (rscale, e->dscale);
	rscale = MAX (rscale, 0);
	rscale = MIN (rscale, MAX_DISPLAY_SCALE);

	int sig_digits = MAX (rscale + (int) val, 0);
	local_rscale = MAX (sig_digits - ln_dweight + 8, 0);
	ln_var (a, &abs_base, &ln_base, local_rscale);
	mul_var (a, &ln_base, e, &ln_num, local_rscale);
	exp_var (a, &ln_num, r, rscale);
	if (res_sign == NUM_NEG && r->ndigits > 0)
		r->sign = NUM_NEG;
}

/*
 * NaN and infinities follow POSIX pow() as PostgreSQL 15 does: NaN^0 = 1,
 * 1^NaN = 1; x^±Inf by |x| against 1; ±Inf^y by the sign and parity of y,
 * except that -Inf to a non-integer power is the "complex result" error.
 */
static const OxNumeric *
power_special (OxArena *a, const OxNumeric *x, const OxNumeric *y)
{
	if (x->kind == NUM_NAN) {
		if (!is_special (y) && y->ndigits == 0)
			return ox_numeric_from_int64 (a, 1);
		return make_special (a, NUM_NAN);
	}
	if (y->kind == NUM_NAN) {
		if (!is_special (x) && x->kind == NUM_POS && x->ndigits == 1 && x->weight == 0 && x->digits[0] == 1)
			return ox_numeric_from_int64 (a, 1);
		return make_special (a, NUM_NAN);
	}
	if (ox_numeric_is_inf (y)) {
		if (ox_numeric_is_inf (x))
			return y->kind == NUM_PINF ? make_special (a, NUM_PINF) : ox_numeric_from_int64 (a, 0);
		if (y->kind == NUM_NINF && x->ndigits == 0)
			ox_raise (OX_ERR_INVALID_POWER, 0, "zero raised to a negative power is undefined");
		NumVar vx, one;
		var_view (x, &vx);
		var_const (&one, digits_1, 1, 0);
		int c = cmp_abs (&vx, &one);
		if (c == 0)
			return ox_numeric_from_int64 (a, 1);
		if ((c > 0) == (y->kind == NUM_PINF))
			return make_special (a, NUM_PINF);
		return ox_numeric_from_int64 (a, 0);
	}
	/* x is ±Inf, y finite */
	int ys = special_sign (y);
	if (ys == 0)
		return ox_numeric_from_int64 (a, 1);
	if (x->kind == NUM_PINF)
		return ys > 0 ? make_special (a, NUM_PINF) : ox_numeric_from_int64 (a, 0);
	NumVar vy;
	var_view (y, &vy);
	if (!var_is_integer (&vy))
		ox_raise (OX_ERR_INVALID_POWER, 0,
		          "a negative number raised to a non-integer power yields a complex result");
	if (ys < 0)
		return ox_numeric_from_int64 (a, 0);
	bool odd = vy.ndigits == vy.weight + 1 && (vy.digits[vy.ndigits - 1] & 1);
	return make_special (a, odd ? NUM_NINF : NUM_PINF);
}

const OxNumeric *
ox_numeric_power (OxArena *a, const OxNumeric *x, const OxNumeric *y)
{
	if (is_special (x) || is_special (y))
		return power_special (a, x, y);
	/* SQL wants 2201F here, not division by zero */
	if (x->ndigits == 0 && y->kind == NUM_NEG)
		ox_raise (OX_ERR_INVALID_POWER, 0, "zero raised to a negative power is undefined");

	NumVar vx, vy;
	var_view (x, &vx);
	var_view (y, &vy);
	const OxNumeric *volatile res = NULL;
	WITH_SCRATCH (s, {
		NumVar r;
		power_var (s, &vx, &vy, &r);
		res = make_result_copy (a, &r);
	});
	return res;
}

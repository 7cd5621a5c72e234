/*
 * test-numeric.c — NUMERIC arithmetic against PostgreSQL 15.
 *
 * Unless a comment says otherwise, every expected string below is what a
 * PostgreSQL 15.18 server printed for the same expression (psql -At), e.g.
 * `select 1.0/3` → 0.33333333333333333333.  The tables name the SQL they
 * came from where it is not obvious.  Property tests at the end (division
 * identity, text round trip) use g_test_rand so a failure names its seed.
 *
 * NOTE: errors longjmp; ASSERT_RAISES installs a handler around one
 * expression and checks SQLSTATE and message (PostgreSQL's wording).
 */
#include "base/numeric.h"
#include "base/error.h"

#include <glib.h>
#include <math.h>
#include <string.h>

static OxArena *arena;

static const OxNumeric *
N (const char *s)
{
	return ox_numeric_parse (arena, s, strlen (s));
}

static const char *
S (const OxNumeric *n)
{
	return ox_numeric_out (arena, n);
}

/* Runs expr under a handler; asserts it raised 'state' with message 'msg'
 * (and detail 'det' unless NULL). */
#define ASSERT_RAISES_DETAIL(state, msg, det, expr)                              \
	do {                                                                    \
		volatile bool raised_ = false;                                  \
		OX_TRY {                                                        \
			(void) (expr);                                          \
		} OX_CATCH {                                                    \
			OxErrorData e_;                                         \
			raised_ = true;                                         \
			ox_error_take (&e_);                                    \
			g_assert_cmpstr (e_.sqlstate, ==, (state));             \
			g_assert_cmpstr (e_.message, ==, (msg));                \
			if ((det) != NULL)                                      \
				g_assert_cmpstr (e_.detail, ==, (det));         \
			ox_error_data_clear (&e_);                              \
		} OX_END_TRY;                                                   \
		if (!raised_)                                                   \
			g_error ("%s:%d: expected %s from %s", __FILE__, __LINE__, \
			         (state), #expr);                               \
	} while (0)

#define ASSERT_RAISES(state, msg, expr) ASSERT_RAISES_DETAIL (state, msg, (const char *) NULL, expr)

#define ASSERT_NUM(expr, expected) g_assert_cmpstr (S (expr), ==, (expected))

typedef const OxNumeric *(*BinOp) (OxArena *, const OxNumeric *, const OxNumeric *);

typedef struct {
	const char *x, *y, *expected;
} BinCase;

static void
run_bin_cases (BinOp op, const char *name, const BinCase *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = S (op (arena, N (c[i].x), N (c[i].y)));
		if (g_strcmp0 (got, c[i].expected) != 0)
			g_error ("%s(%s, %s): expected %s, got %s", name, c[i].x, c[i].y, c[i].expected, got);
	}
}

#define RUN_BIN(op, cases) run_bin_cases (op, #op, cases, G_N_ELEMENTS (cases))

/* ------------------------------------------------------------------ */

static void
test_parse_basic (void)
{
	static const struct { const char *in, *out; } c[] = {
		{ "  12.3400 ", "12.3400" },
		{ ".5", "0.5" },
		{ "5.", "5" },
		{ "+.5", "0.5" },
		{ "1e-3", "0.001" },
		{ "1E3", "1000" },
		{ "1.5e+2", "150" },
		{ "1.5E-3", "0.0015" },
		{ "1.5e-7", "0.00000015" },
		{ "123.456e-1", "12.3456" },
		{ "0.000e5", "0" },
		{ "12e-5", "0.00012" },
		{ "1e0005", "100000" },
		{ "1e-0", "1" },
		{ "1e 5", "100000" },   /* PG's strtol skips spaces after the e */
		{ "-0.0", "0.0" },
		{ "+0", "0" },
		{ "-1e-1", "-0.1" },
		{ "00000.00010000", "0.00010000" },
		{ "-000", "0" },
		{ "\t7\t", "7" },
		{ "99999999999999999999999999999999999999999999999999",
		  "99999999999999999999999999999999999999999999999999" },
		{ "-123456789012345678901234567890.000000000000000000001",
		  "-123456789012345678901234567890.000000000000000000001" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (c); i++)
		g_assert_cmpstr (S (N (c[i].in)), ==, c[i].out);

	/* parse honours len, not a NUL */
	ASSERT_NUM (ox_numeric_parse (arena, "12.5xyz", 4), "12.5");
}

static void
test_parse_special (void)
{
	static const struct { const char *in, *out; } c[] = {
		{ "nan", "NaN" }, { "NaN", "NaN" }, { "  nAn  ", "NaN" },
		{ "infinity", "Infinity" }, { "+Infinity", "Infinity" },
		{ "-Infinity", "-Infinity" }, { "inf", "Infinity" },
		{ "+inf", "Infinity" }, { "-INF", "-Infinity" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (c); i++)
		g_assert_cmpstr (S (N (c[i].in)), ==, c[i].out);
	g_assert_true (ox_numeric_is_nan (N ("NaN")));
	g_assert_true (ox_numeric_is_inf (N ("-inf")));
	g_assert_false (ox_numeric_is_inf (N ("NaN")));
}

/* A function of its own so no loop counter lives across the setjmp. */
static void
assert_syntax_error (const char *text)
{
	char *msg = g_strdup_printf ("invalid input syntax for type numeric: \"%s\"", text);
	ASSERT_RAISES (OX_ERR_INVALID_TEXT_REP, msg, N (text));
	g_free (msg);
}

static void
test_parse_errors (void)
{
	static const char *const bad[] = {
		"abc", "", "  ", ".", "1e", "1e+", "1e+ 5", "1.2.3", "5..", "- 5",
		"+-5", "Infinit", "infinityx", "-NaN", "-.e1", ".e1", "1 2", "1_000",
		"0x10", "1e131071x",
	};
	for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
		assert_syntax_error (bad[i]);
}

static void
test_parse_limits (void)
{
	/* select length('1e131071'::numeric::text) → 131072 */
	g_assert_cmpuint (strlen (S (N ("1e131071"))), ==, 131072);
	/* '1e-1001' is fine in PG 15 (the exponent bound is INT_MAX/2) */
	const char *s = S (N ("1e-1001"));
	g_assert_cmpuint (strlen (s), ==, 1003);
	g_assert_true (g_str_has_suffix (s, "01"));
	g_assert_cmpint (ox_numeric_sign (N ("1e-16383")), ==, 1);
	g_assert_cmpint (ox_numeric_scale (N ("1e-16383")), ==, 16383);

	ASSERT_RAISES (OX_ERR_NUMERIC_OUT_OF_RANGE, "value overflows numeric format", N ("1e131072"));
	ASSERT_RAISES (OX_ERR_NUMERIC_OUT_OF_RANGE, "value overflows numeric format", N ("1e-16384"));
	ASSERT_RAISES (OX_ERR_NUMERIC_OUT_OF_RANGE, "value overflows numeric format", N ("1e2147483647"));
	ASSERT_RAISES (OX_ERR_NUMERIC_OUT_OF_RANGE, "value overflows numeric format", N ("1e1073741823"));
	ASSERT_RAISES (OX_ERR_NUMERIC_OUT_OF_RANGE, "value overflows numeric format", N ("0e-20000"));
}

static void
test_out_scale (void)
{
	ASSERT_NUM (N ("1.50"), "1.50");
	ASSERT_NUM (N ("0.00"), "0.00");
	ASSERT_NUM (N ("-0.00"), "0.00");
	ASSERT_NUM (N ("100000000"), "100000000");
	ASSERT_NUM (N ("0.00012000"), "0.00012000");
	ASSERT_NUM (N ("1e20"), "100000000000000000000");
	g_assert_cmpint (ox_numeric_scale (N ("1.50")), ==, 2);
	g_assert_cmpint (ox_numeric_scale (N ("0.00")), ==, 2);
	g_assert_cmpint (ox_numeric_scale (N ("10")), ==, 0);
	g_assert_cmpint (ox_numeric_scale (N ("1e-20")), ==, 20);
	g_assert_cmpint (ox_numeric_scale (N ("NaN")), ==, -1);
}

static void
test_copy (void)
{
	/* One contiguous block: memcpy of ox_numeric_size bytes is a deep copy
	 * that outlives the arena it came from. */
	OxArena *other = ox_arena_new ();
	const OxNumeric *n = ox_numeric_parse (other, "-1234567.000089", 15);
	size_t sz = ox_numeric_size (n);
	void *copy = g_malloc (sz);
	memcpy (copy, n, sz);
	memset ((void *) n, 0xAA, sz);
	ox_arena_free (other);
	ASSERT_NUM (copy, "-1234567.000089");
	g_free (copy);

	/* small values stay small */
	g_assert_cmpuint (ox_numeric_size (N ("1.5")), <=, 16);
	g_assert_cmpuint (ox_numeric_size (N ("0")), <=, 8);
}

static void
test_add_sub (void)
{
	static const BinCase add[] = {
		{ "0.1", "0.2", "0.3" },
		{ "1.50", "1", "2.50" },
		{ "9999.9999", "0.0001", "10000.0000" },
		{ "-5", "3.25", "-1.75" },
		{ "1e20", "-1e20", "0" },
		{ "1.000", "-1", "0.000" },
		{ "123456789012345678901234567890", "0.000000000000000000001",
		  "123456789012345678901234567890.000000000000000000001" },
		{ "Infinity", "-Infinity", "NaN" },
		{ "Infinity", "1", "Infinity" },
		{ "NaN", "Infinity", "NaN" },
		{ "1.000", "Infinity", "Infinity" },
		{ "-Infinity", "5.5", "-Infinity" },
	};
	static const BinCase sub[] = {
		{ "1.5", "1.50", "0.00" },
		{ "1.00", "1.00", "0.00" },
		{ "0", "0.001", "-0.001" },
		{ "10000", "0.0001", "9999.9999" },
		{ "-3", "-5", "2" },
		{ "Infinity", "Infinity", "NaN" },
		{ "-Infinity", "Infinity", "-Infinity" },
		{ "5", "Infinity", "-Infinity" },
		{ "5", "-Infinity", "Infinity" },
	};
	RUN_BIN (ox_numeric_add, add);
	RUN_BIN (ox_numeric_sub, sub);
}

static void
test_mul (void)
{
	static const BinCase c[] = {
		{ "1e20", "1e20", "10000000000000000000000000000000000000000" },
		{ "1.25", "1.25", "1.5625" },
		{ "0.00", "5.5", "0.000" },
		{ "1.5", "0", "0.0" },
		{ "123.456", "-0.001", "-0.123456" },
		{ "99999999", "99999999", "9999999800000001" },
		{ "1e-20", "1e-20", "0.0000000000000000000000000000000000000001" },
		{ "9999999999999999999999999999999999999999", "9999999999999999999999999999999999999999",
		  "99999999999999999999999999999999999999980000000000000000000000000000000000000001" },
		{ "Infinity", "0", "NaN" },
		{ "Infinity", "-2", "-Infinity" },
		{ "-Infinity", "-Infinity", "Infinity" },
		{ "NaN", "0", "NaN" },
	};
	RUN_BIN (ox_numeric_mul, c);
	/* select scale(1e-10000::numeric * 1e-10000::numeric) → 16383: the
	 * product is rounded to the largest scale the format holds. */
	const OxNumeric *p = ox_numeric_mul (arena, N ("1e-10000"), N ("1e-10000"));
	g_assert_cmpint (ox_numeric_scale (p), ==, 16383);
	g_assert_cmpint (ox_numeric_sign (p), ==, 0);
	ASSERT_RAISES (OX_ERR_NUMERIC_OUT_OF_RANGE, "value overflows numeric format",
	               ox_numeric_mul (arena, N ("1e70000"), N ("1e70000")));
}

static void
test_div_scale (void)
{
	static const BinCase c[] = {
		{ "1.0", "3", "0.33333333333333333333" },
		{ "10", "3", "3.3333333333333333" },
		{ "1", "3.0", "0.33333333333333333333" },
		{ "2", "3.0", "0.66666666666666666667" },
		{ "1", "7", "0.14285714285714285714" },
		{ "100000", "3", "33333.333333333333" },
		{ "1", "30000", "0.000033333333333333333333" },
		{ "1.00000000000000000000", "3", "0.33333333333333333333" },
		{ "-7.5", "2", "-3.7500000000000000" },
		{ "1", "1e-20", "100000000000000000000.00000000000000000000" },
		{ "0.0000001", "3", "0.000000033333333333333333" },
		{ "123456789012345678901234567890.123", "987654321.987654321",
		  "124999998748437501153.144530087" },
		/* a quotient digit where Knuth's D needs its add-back step */
		{ "500000000000", "500000009999", "0.99999998000200039992" },
		{ "1234567890123456789012345678905000000000000000000", "500000009999",
		  "2469135730869137232103684990200507566" },
		{ "0", "3", "0.00000000000000000000" },
	};
	RUN_BIN (ox_numeric_div, c);
	/* select scale(1e-1000::numeric / 3) → 1000 (the cap) */
	g_assert_cmpint (ox_numeric_scale (ox_numeric_div (arena, N ("1e-1000"), N ("3"))), ==, 1000);
	g_assert_cmpint (ox_numeric_scale (ox_numeric_div (arena, N ("1e-2000"), N ("3"))), ==, 1000);
}

static void
test_div_special (void)
{
	static const BinCase c[] = {
		{ "Infinity", "Infinity", "NaN" },
		{ "Infinity", "-3", "-Infinity" },
		{ "-Infinity", "-3", "Infinity" },
		{ "5", "Infinity", "0" },
		{ "5", "-Infinity", "0" },
		{ "NaN", "0", "NaN" },
		{ "0", "NaN", "NaN" },
	};
	RUN_BIN (ox_numeric_div, c);
	ASSERT_RAISES (OX_ERR_DIVISION_BY_ZERO, "division by zero", ox_numeric_div (arena, N ("1"), N ("0")));
	ASSERT_RAISES (OX_ERR_DIVISION_BY_ZERO, "division by zero", ox_numeric_div (arena, N ("0"), N ("0.00")));
	ASSERT_RAISES (OX_ERR_DIVISION_BY_ZERO, "division by zero", ox_numeric_div (arena, N ("Infinity"), N ("0")));
}

static void
test_div_trunc (void)
{
	static const BinCase c[] = {
		{ "7", "3", "2" },
		{ "-7", "3", "-2" },
		{ "7.5", "2", "3" },
		{ "7.9", "-0.5", "-15" },
		{ "1e20", "3.3", "30303030303030303030" },
		{ "500000000000", "500000009999", "0" },
		{ "Infinity", "3", "Infinity" },
		{ "Infinity", "-3", "-Infinity" },
		{ "3", "Infinity", "0" },
		{ "Infinity", "Infinity", "NaN" },
	};
	RUN_BIN (ox_numeric_div_trunc, c);
	ASSERT_RAISES (OX_ERR_DIVISION_BY_ZERO, "division by zero", ox_numeric_div_trunc (arena, N ("5"), N ("0")));
	ASSERT_RAISES (OX_ERR_DIVISION_BY_ZERO, "division by zero", ox_numeric_div_trunc (arena, N ("Infinity"), N ("0")));
}

static void
test_mod (void)
{
	static const BinCase c[] = {
		{ "7", "3", "1" },
		{ "-7", "3", "-1" },
		{ "7", "-3", "1" },
		{ "7.5", "2", "1.5" },
		{ "7.5", "0.2", "0.1" },
		{ "1.00", "0.3", "0.10" },
		{ "12345.6789", "0.001", "0.0009" },
		{ "500000000000", "500000009999", "500000000000" },
		{ "Infinity", "3", "NaN" },
		{ "5", "Infinity", "5" },
		{ "-5.5", "-Infinity", "-5.5" },
		{ "NaN", "0", "NaN" },
	};
	RUN_BIN (ox_numeric_mod, c);
	ASSERT_RAISES (OX_ERR_DIVISION_BY_ZERO, "division by zero", ox_numeric_mod (arena, N ("5"), N ("0")));
	ASSERT_RAISES (OX_ERR_DIVISION_BY_ZERO, "division by zero", ox_numeric_mod (arena, N ("Infinity"), N ("0")));
}

/* avg() = sum / count with div's scale rule */
static const char *
avg_of (const char *const *vals, int n)
{
	const OxNumeric *sum = ox_numeric_from_int64 (arena, 0);
	for (int i = 0; i < n; i++)
		sum = ox_numeric_add (arena, sum, N (vals[i]));
	return S (ox_numeric_div_int (arena, sum, n));
}

static void
test_div_int_avg (void)
{
	/* select avg(x) from (values (1::numeric),(2),(2)) t(x) → 1.6666666666666667 */
	static const char *const a1[] = { "1", "2", "2" };
	g_assert_cmpstr (avg_of (a1, 3), ==, "1.6666666666666667");
	static const char *const a2[] = { "1.5", "2.25" };
	g_assert_cmpstr (avg_of (a2, 2), ==, "1.8750000000000000");
	static const char *const a3[] = { "1e-20", "1" };
	g_assert_cmpstr (avg_of (a3, 2), ==, "0.50000000000000000001");

	ASSERT_NUM (ox_numeric_div_int (arena, N ("-7.5"), 2), "-3.7500000000000000");
	ASSERT_NUM (ox_numeric_div_int (arena, N ("1"), 30000), "0.000033333333333333333333");
	ASSERT_NUM (ox_numeric_div_int (arena, N ("Infinity"), 3), "Infinity");
	ASSERT_NUM (ox_numeric_div_int (arena, N ("NaN"), 3), "NaN");
	ASSERT_RAISES (OX_ERR_DIVISION_BY_ZERO, "division by zero", ox_numeric_div_int (arena, N ("1"), 0));
}

static void
test_round (void)
{
	static const struct { const char *x; int s; const char *expected; } c[] = {
		{ "2.5", 0, "3" },
		{ "-2.5", 0, "-3" },
		{ "1234.5678", -2, "1200" },
		{ "1234.5678", 2, "1234.57" },
		{ "1.5", 5, "1.50000" },
		{ "9999.5", 0, "10000" },
		{ "-0.4", 0, "0" },
		{ "5", -1, "10" },
		{ "4.99", -1, "0" },
		{ "1234.5678", -5, "0" },
		{ "5000", -4, "10000" },
		{ "-9999.99", 1, "-10000.0" },
		{ "0.00005", 4, "0.0001" },
		{ "-0.00005", 4, "-0.0001" },
		{ "0.00004999", 4, "0.0000" },
		{ "99.95", 1, "100.0" },
		{ "9999.9999", 3, "10000.000" },
		{ "15", -20000, "0" },
		{ "4e131071", -131072, "0" },
		{ "NaN", 2, "NaN" },
		{ "Infinity", 0, "Infinity" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (c); i++)
		g_assert_cmpstr (S (ox_numeric_round (arena, N (c[i].x), c[i].s)), ==, c[i].expected);

	/* select scale(round(1.5, 20000)) → 16383: the scale is clamped */
	g_assert_cmpint (ox_numeric_scale (ox_numeric_round (arena, N ("1.5"), 20000)), ==, 16383);
	g_assert_cmpint (ox_numeric_scale (ox_numeric_round (arena, N ("1.5"), 3000)), ==, 3000);
	/* round(5e99999, -100000) is 1 followed by 100000 zeros */
	const char *big = S (ox_numeric_round (arena, N ("5e99999"), -100000));
	g_assert_cmpuint (strlen (big), ==, 100001);
	g_assert_cmpint (big[0], ==, '1');
	ASSERT_RAISES (OX_ERR_NUMERIC_OUT_OF_RANGE, "value overflows numeric format",
	               ox_numeric_round (arena, N ("9e131071"), -131072));
}

static void
test_trunc (void)
{
	static const struct { const char *x; int s; const char *expected; } c[] = {
		{ "1234.5678", -2, "1200" },
		{ "-1.99", 0, "-1" },
		{ "1.99", 1, "1.9" },
		{ "1.5", 3, "1.500" },
		{ "-0.00009", 4, "0.0000" },
		{ "9.99", -3000, "0" },
		{ "9e131071", -131072, "0" },
		{ "-Infinity", 0, "-Infinity" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (c); i++)
		g_assert_cmpstr (S (ox_numeric_trunc (arena, N (c[i].x), c[i].s)), ==, c[i].expected);
}

static void
test_ceil_floor (void)
{
	ASSERT_NUM (ox_numeric_ceil (arena, N ("1.1")), "2");
	ASSERT_NUM (ox_numeric_ceil (arena, N ("-1.1")), "-1");
	ASSERT_NUM (ox_numeric_ceil (arena, N ("-0.5")), "0");
	ASSERT_NUM (ox_numeric_ceil (arena, N ("1.000")), "1");
	ASSERT_NUM (ox_numeric_ceil (arena, N ("9999.0001")), "10000");
	ASSERT_NUM (ox_numeric_ceil (arena, N ("Infinity")), "Infinity");
	ASSERT_NUM (ox_numeric_floor (arena, N ("-0.5")), "-1");
	ASSERT_NUM (ox_numeric_floor (arena, N ("1.9")), "1");
	ASSERT_NUM (ox_numeric_floor (arena, N ("-1.000")), "-1");
	ASSERT_NUM (ox_numeric_floor (arena, N ("-9999.5")), "-10000");
	ASSERT_NUM (ox_numeric_floor (arena, N ("NaN")), "NaN");
}

static void
test_typmod (void)
{
	ASSERT_NUM (ox_numeric_apply_typmod (arena, N ("999.994"), 5, 2), "999.99");
	ASSERT_NUM (ox_numeric_apply_typmod (arena, N ("0.5"), 2, 2), "0.50");
	ASSERT_NUM (ox_numeric_apply_typmod (arena, N ("NaN"), 5, 2), "NaN");
	ASSERT_NUM (ox_numeric_apply_typmod (arena, N ("12345"), 3, -2), "12300");
	ASSERT_NUM (ox_numeric_apply_typmod (arena, N ("0.001"), 3, 5), "0.00100");
	ASSERT_NUM (ox_numeric_apply_typmod (arena, N ("0.0000"), 1, 0), "0");
	ASSERT_NUM (ox_numeric_apply_typmod (arena, N ("-12.345"), 4, 2), "-12.35");
	ASSERT_NUM (ox_numeric_apply_typmod (arena, N ("12.34567"), -1, 0), "12.34567");

	ASSERT_RAISES_DETAIL (OX_ERR_NUMERIC_OUT_OF_RANGE, "numeric field overflow",
	                      "A field with precision 5, scale 2 must round to an absolute value less than 10^3.",
	                      ox_numeric_apply_typmod (arena, N ("12345.678"), 5, 2));
	/* rounding can carry into a new digit: 999.995 → 1000.00 */
	ASSERT_RAISES_DETAIL (OX_ERR_NUMERIC_OUT_OF_RANGE, "numeric field overflow",
	                      "A field with precision 5, scale 2 must round to an absolute value less than 10^3.",
	                      ox_numeric_apply_typmod (arena, N ("999.995"), 5, 2));
	ASSERT_RAISES_DETAIL (OX_ERR_NUMERIC_OUT_OF_RANGE, "numeric field overflow",
	                      "A field with precision 2, scale 2 must round to an absolute value less than 1.",
	                      ox_numeric_apply_typmod (arena, N ("1"), 2, 2));
	ASSERT_RAISES_DETAIL (OX_ERR_NUMERIC_OUT_OF_RANGE, "numeric field overflow",
	                      "A field with precision 5, scale 2 cannot hold an infinite value.",
	                      ox_numeric_apply_typmod (arena, N ("Infinity"), 5, 2));
	ASSERT_RAISES_DETAIL (OX_ERR_NUMERIC_OUT_OF_RANGE, "numeric field overflow",
	                      "A field with precision 3, scale -2 must round to an absolute value less than 10^5.",
	                      ox_numeric_apply_typmod (arena, N ("123456"), 3, -2));
	ASSERT_RAISES_DETAIL (OX_ERR_NUMERIC_OUT_OF_RANGE, "numeric field overflow",
	                      "A field with precision 3, scale 5 must round to an absolute value less than 10^-2.",
	                      ox_numeric_apply_typmod (arena, N ("0.01"), 3, 5));
}

static void
test_int64 (void)
{
	static const struct { const char *x; int64_t v; } ok[] = {
		{ "12.5", 13 }, { "-12.5", -13 }, { "12.4999", 12 }, { "0.5", 1 },
		{ "-0.00005", 0 }, { "0", 0 }, { "100000000", 100000000 },
		{ "9223372036854775807.4", INT64_MAX },
		{ "-9223372036854775808.4", INT64_MIN },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (ok); i++) {
		int64_t v = 0;
		g_assert_true (ox_numeric_to_int64 (N (ok[i].x), &v));
		g_assert_cmpint (v, ==, ok[i].v);
	}
	static const char *const bad[] = {
		"9223372036854775807.5", "-9223372036854775808.5", "1e20", "NaN", "Infinity", "-Infinity",
	};
	for (size_t i = 0; i < G_N_ELEMENTS (bad); i++) {
		int64_t v;
		g_assert_false (ox_numeric_to_int64 (N (bad[i]), &v));
	}

	ASSERT_NUM (ox_numeric_from_int64 (arena, INT64_MIN), "-9223372036854775808");
	ASSERT_NUM (ox_numeric_from_int64 (arena, INT64_MAX), "9223372036854775807");
	ASSERT_NUM (ox_numeric_from_int64 (arena, 0), "0");
	ASSERT_NUM (ox_numeric_from_int64 (arena, 10000), "10000");
	ASSERT_NUM (ox_numeric_from_int64 (arena, -100020003), "-100020003");
	g_assert_cmpint (ox_numeric_cmp (ox_numeric_from_int64 (arena, 10000), N ("10000.000")), ==, 0);
}

static void
test_double (void)
{
	/* select x::float8::numeric */
	static const struct { double d; const char *expected; } from[] = {
		{ 0.1, "0.1" },
		{ 1e20, "100000000000000000000" },
		{ 1.5e-7, "0.00000015" },
		{ 123456789012345678.0, "123456789012346000" },
		{ 1.0 / 3, "0.333333333333333" },
		{ 0.000001, "0.000001" },
		{ 1234567.0, "1234567" },
		{ -0.0, "0" },
		{ -2.5, "-2.5" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (from); i++)
		g_assert_cmpstr (S (ox_numeric_from_double (arena, from[i].d)), ==, from[i].expected);
	ASSERT_NUM (ox_numeric_from_double (arena, NAN), "NaN");
	ASSERT_NUM (ox_numeric_from_double (arena, -INFINITY), "-Infinity");
	/* select 2.5e-310::float8::numeric: a denormal has fewer bits, so 15
	 * digits show it as 0.(309 zeros)250000000000002 */
	const char *denorm = S (ox_numeric_from_double (arena, 2.5e-310));
	g_assert_cmpuint (strlen (denorm), ==, 326);
	g_assert_true (g_str_has_suffix (denorm, "000250000000000002"));

	/* to double: nearest, on both the fast and the text path */
	g_assert_cmpfloat (ox_numeric_to_double (N ("0.1")), ==, 0.1);
	g_assert_cmpfloat (ox_numeric_to_double (N ("12.5")), ==, 12.5);
	g_assert_cmpfloat (ox_numeric_to_double (N ("-0.30000000000000004")), ==, -0.30000000000000004);
	g_assert_cmpfloat (ox_numeric_to_double (N ("123456789012345678901234567890")), ==, 123456789012345678901234567890.0);
	g_assert_cmpfloat (ox_numeric_to_double (N ("1e-300")), ==, 1e-300);
	g_assert_cmpfloat (ox_numeric_to_double (N ("0")), ==, 0.0);
	g_assert_true (isnan (ox_numeric_to_double (N ("NaN"))));
	g_assert_cmpfloat (ox_numeric_to_double (N ("-Infinity")), ==, -INFINITY);
	/* out of range saturates (documented: no error here) */
	g_assert_cmpfloat (ox_numeric_to_double (N ("1e400")), ==, INFINITY);
	g_assert_cmpfloat (ox_numeric_to_double (N ("1e-400")), ==, 0.0);
}

static void
test_cmp_order (void)
{
	/* PostgreSQL's sort order: -Infinity < finite < Infinity < NaN */
	static const char *const sorted[] = {
		"-Infinity", "-1e100", "-1.5", "-0.0001", "0", "0.00001", "1", "1.0000000000000000001",
		"10000", "1e100", "Infinity", "NaN",
	};
	for (size_t i = 0; i < G_N_ELEMENTS (sorted); i++) {
		for (size_t j = 0; j < G_N_ELEMENTS (sorted); j++) {
			int c = ox_numeric_cmp (N (sorted[i]), N (sorted[j]));
			int want = i < j ? -1 : i > j ? 1 : 0;
			if (c != want)
				g_error ("cmp(%s, %s) = %d, want %d", sorted[i], sorted[j], c, want);
		}
	}
	g_assert_cmpint (ox_numeric_cmp (N ("1.0"), N ("1.00")), ==, 0);
	g_assert_cmpint (ox_numeric_cmp (N ("NaN"), N ("nan")), ==, 0);
	g_assert_cmpint (ox_numeric_cmp (N ("-0.0"), N ("0")), ==, 0);
}

static void
test_hash (void)
{
	g_assert_cmpuint (ox_numeric_hash (N ("1.0")), ==, ox_numeric_hash (N ("1.00")));
	g_assert_cmpuint (ox_numeric_hash (N ("1")), ==, ox_numeric_hash (N ("1.0000000")));
	g_assert_cmpuint (ox_numeric_hash (N ("0")), ==, ox_numeric_hash (N ("-0.000")));
	g_assert_cmpuint (ox_numeric_hash (N ("10000")), ==, ox_numeric_hash (ox_numeric_from_int64 (arena, 10000)));
	g_assert_cmpuint (ox_numeric_hash (N ("1.5")),
	                  ==, ox_numeric_hash (ox_numeric_add (arena, N ("1.25"), N ("0.250"))));
	g_assert_cmpuint (ox_numeric_hash (N ("NaN")), ==, ox_numeric_hash (N ("nan")));
	g_assert_cmpuint (ox_numeric_hash (N ("1")), !=, ox_numeric_hash (N ("2")));
	g_assert_cmpuint (ox_numeric_hash (N ("1")), !=, ox_numeric_hash (N ("10000")));
	g_assert_cmpuint (ox_numeric_hash (N ("1")), !=, ox_numeric_hash (N ("-1")));
	g_assert_cmpuint (ox_numeric_hash (N ("Infinity")), !=, ox_numeric_hash (N ("-Infinity")));
}

static void
test_sign_neg_abs (void)
{
	g_assert_cmpint (ox_numeric_sign (N ("-1.5")), ==, -1);
	g_assert_cmpint (ox_numeric_sign (N ("0.0")), ==, 0);
	g_assert_cmpint (ox_numeric_sign (N ("Infinity")), ==, 1);
	g_assert_cmpint (ox_numeric_sign (N ("-Infinity")), ==, -1);
	g_assert_cmpint (ox_numeric_sign (N ("NaN")), ==, 0);
	ASSERT_NUM (ox_numeric_neg (arena, N ("0.00")), "0.00");
	ASSERT_NUM (ox_numeric_neg (arena, N ("1.50")), "-1.50");
	ASSERT_NUM (ox_numeric_neg (arena, N ("-1.50")), "1.50");
	ASSERT_NUM (ox_numeric_neg (arena, N ("NaN")), "NaN");
	ASSERT_NUM (ox_numeric_neg (arena, N ("Infinity")), "-Infinity");
	ASSERT_NUM (ox_numeric_abs (arena, N ("-1.50")), "1.50");
	ASSERT_NUM (ox_numeric_abs (arena, N ("-Infinity")), "Infinity");
	/* negating zero must not make a "-0" that compares or hashes apart */
	const OxNumeric *nz = ox_numeric_neg (arena, N ("0"));
	g_assert_cmpuint (ox_numeric_hash (nz), ==, ox_numeric_hash (N ("0")));
}

static void
test_sqrt (void)
{
	static const struct { const char *x, *expected; } c[] = {
		{ "2", "1.414213562373095" },
		{ "0", "0.000000000000000" },
		{ "100", "10.000000000000000" },
		{ "1e-10", "0.000010000000000000000" },
		{ "12345678901234567890", "3513641828.8201443" },
		{ "2.00000000000000000000", "1.41421356237309504880" },
		{ "0.0001", "0.01000000000000000" },
		{ "1e-30", "0.0000000000000010000000000000000" },
		{ "9e30", "3000000000000000.0" },
		{ "0.5", "0.70710678118654752" },
		{ "1.44", "1.200000000000000" },
		{ "15241578750190521", "123456789.0000000" },
		{ "Infinity", "Infinity" },
		{ "NaN", "NaN" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (c); i++)
		g_assert_cmpstr (S (ox_numeric_sqrt (arena, N (c[i].x))), ==, c[i].expected);
	/* select sqrt(1e-1000::numeric) = 1e-500; scale(sqrt(2e-1000)) → 1000 */
	g_assert_cmpint (ox_numeric_cmp (ox_numeric_sqrt (arena, N ("1e-1000")), N ("1e-500")), ==, 0);
	g_assert_cmpint (ox_numeric_scale (ox_numeric_sqrt (arena, N ("2e-1000"))), ==, 1000);

	ASSERT_RAISES ("2201F", "cannot take square root of a negative number", ox_numeric_sqrt (arena, N ("-1")));
	ASSERT_RAISES ("2201F", "cannot take square root of a negative number", ox_numeric_sqrt (arena, N ("-Infinity")));
}

static void
test_power (void)
{
	static const BinCase c[] = {
		{ "2", "0.5", "1.4142135623730950" },
		{ "2", "3", "8.0000000000000000" },
		{ "10", "3", "1000.0000000000000000" },
		{ "2", "100", "1267650600228229401496703205376.0000000000000000" },
		{ "2", "-2", "0.2500000000000000" },
		{ "1.1", "50", "117.3908528796953165" },
		{ "0", "0", "1.0000000000000000" },
		{ "4", "0.5", "2.0000000000000000" },
		{ "100", "1.5", "1000.0000000000000" },
		{ "2.5", "2", "6.2500000000000000" },
		{ "-2", "3", "-8.0000000000000000" },
		{ "0", "1.5", "0.0000000000000000" },
		{ "0.5", "-3", "8.0000000000000000" },
		{ "-2", "3.0", "-8.0000000000000000" },
		{ "0.1", "17", "0.0000000000000000" },
		{ "0.1", "18", "0.0000000000000000" },
		{ "3", "-1", "0.3333333333333333" },
		{ "1.23456", "1", "1.2345600000000000" },
		{ "2", "0.1", "1.0717734625362932" },
		{ "2.0", "10.5", "1448.1546878700493" },
		{ "1.0000001", "1e7", "2.7182816925449663" },
		{ "123.456", "7.89", "31771028258180977.309" },
		{ "0.001", "0.333", "0.1002305238077900" },
		{ "5", "2.00", "25.0000000000000000" },
		{ "7", "-3", "0.0029154518950437" },
		{ "1.5", "-2", "0.4444444444444444" },
		{ "0.3", "25", "0.0000000000000847" },
		{ "1.000000001", "2147483647", "8.5632830108180172" },
		{ "3", "1.5", "5.1961524227066319" },
		{ "1.01", "1.5", "1.0150374377332099" },
		{ "1.5", "1.5", "1.8371173070873836" },
		{ "0.5", "100.5", "0.0000000000000000000000000000005578088954947358" },
		{ "-3", "-3", "-0.0370370370370370" },
		{ "2", "-1000", "0.0000000000000000" },
		{ "-1", "2147483647", "-1.0000000000000000" },
		{ "-1", "2147483648", "1.0000000000000000" },
		{ "0.99", "2147483647", "0.0000000000000000" },
	};
	RUN_BIN (ox_numeric_power, c);

	/* select power(2::numeric, 1000): 302 digits, 16 places */
	const char *p = S (ox_numeric_power (arena, N ("2"), N ("1000")));
	g_assert_true (g_str_has_prefix (p, "10715086071862673209484250490600018105614048117055336074437503883703510511249361224931983788156958581275946729175531468251871452856923140435984577574698574803934567774824230985421074605062371141877954"));
	g_assert_true (g_str_has_suffix (p, "069376.0000000000000000"));
	/* select power(0.1::numeric, 1e10): zero shown with 1000 places */
	g_assert_cmpint (ox_numeric_scale (ox_numeric_power (arena, N ("0.1"), N ("1e10"))), ==, 1000);
	g_assert_cmpint (ox_numeric_sign (ox_numeric_power (arena, N ("-0.5"), N ("2e10"))), ==, 0);

	ASSERT_RAISES ("2201F", "zero raised to a negative power is undefined",
	               ox_numeric_power (arena, N ("0"), N ("-1")));
	ASSERT_RAISES ("2201F", "zero raised to a negative power is undefined",
	               ox_numeric_power (arena, N ("0"), N ("-1.5")));
	ASSERT_RAISES ("2201F", "a negative number raised to a non-integer power yields a complex result",
	               ox_numeric_power (arena, N ("-2"), N ("0.5")));
	ASSERT_RAISES (OX_ERR_NUMERIC_OUT_OF_RANGE, "value overflows numeric format",
	               ox_numeric_power (arena, N ("10"), N ("200000")));
	ASSERT_RAISES (OX_ERR_NUMERIC_OUT_OF_RANGE, "value overflows numeric format",
	               ox_numeric_power (arena, N ("10"), N ("1e10")));
	ASSERT_RAISES (OX_ERR_NUMERIC_OUT_OF_RANGE, "value overflows numeric format",
	               ox_numeric_power (arena, N ("-2"), N ("1e10")));
	ASSERT_RAISES (OX_ERR_NUMERIC_OUT_OF_RANGE, "value overflows numeric format",
	               ox_numeric_power (arena, N ("2"), N ("2147483648")));
	ASSERT_RAISES (OX_ERR_NUMERIC_OUT_OF_RANGE, "value overflows numeric format",
	               ox_numeric_power (arena, N ("10"), N ("6000.5")));
}

static void
test_power_special (void)
{
	/* PostgreSQL 15 follows POSIX pow() for NaN and infinities */
	static const BinCase c[] = {
		{ "NaN", "0", "1" },
		{ "1", "NaN", "1" },
		{ "NaN", "1", "NaN" },
		{ "2", "NaN", "NaN" },
		{ "Infinity", "0", "1" },
		{ "Infinity", "2", "Infinity" },
		{ "Infinity", "-2", "0" },
		{ "-Infinity", "3", "-Infinity" },
		{ "-Infinity", "2", "Infinity" },
		{ "-Infinity", "-3", "0" },
		{ "-Infinity", "-2", "0" },
		{ "-Infinity", "0", "1" },
		{ "Infinity", "Infinity", "Infinity" },
		{ "Infinity", "-Infinity", "0" },
		{ "-Infinity", "Infinity", "Infinity" },
		{ "-Infinity", "-Infinity", "0" },
		{ "2", "Infinity", "Infinity" },
		{ "0.5", "Infinity", "0" },
		{ "2", "-Infinity", "0" },
		{ "0.5", "-Infinity", "Infinity" },
		{ "1", "Infinity", "1" },
		{ "-1", "Infinity", "1" },
		{ "-1", "-Infinity", "1" },
		{ "-2", "Infinity", "Infinity" },
		{ "-0.5", "-Infinity", "Infinity" },
		{ "0", "Infinity", "0" },
	};
	RUN_BIN (ox_numeric_power, c);
	ASSERT_RAISES ("2201F", "zero raised to a negative power is undefined",
	               ox_numeric_power (arena, N ("0"), N ("-Infinity")));
	ASSERT_RAISES ("2201F", "a negative number raised to a non-integer power yields a complex result",
	               ox_numeric_power (arena, N ("-Infinity"), N ("0.5")));
	ASSERT_RAISES ("2201F", "a negative number raised to a non-integer power yields a complex result",
	               ox_numeric_power (arena, N ("-Infinity"), N ("-0.5")));
}

static void
test_ln_exp (void)
{
	static const struct { const char *x, *expected; } ln[] = {
		{ "2", "0.6931471805599453" },
		{ "10", "2.3025850929940457" },
		{ "1e100", "230.25850929940457" },
		{ "0.5", "-0.6931471805599453" },
		{ "1.0000001", "0.00000009999999500000033" },
		{ "1", "0.0000000000000000" },
		{ "1.000", "0.0000000000000000" },
		{ "1e-100", "-230.2585092994045684017991454684364207601101488628772976033327900967572609677352480235997205089598298342" },
		{ "2.7182818284590452353602874713527", "1.0000000000000000000000000000000" },
		{ "123456.789", "11.723646487185881" },
		{ "0.9", "-0.10536051565782630" },
		{ "1.1", "0.09531017980432486" },
		{ "1.05", "0.048790164169432003" },
		{ "0.99999", "-0.000010000050000333336" },
		{ "Infinity", "Infinity" },
		{ "NaN", "NaN" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (ln); i++)
		g_assert_cmpstr (S (ox_numeric_ln (arena, N (ln[i].x))), ==, ln[i].expected);

	static const struct { const char *x, *expected; } ex[] = {
		{ "1", "2.7182818284590452" },
		{ "0", "1.0000000000000000" },
		{ "-1", "0.3678794411714423" },
		{ "100", "26881171418161354484126255515800135873611119" },
		{ "-100", "0.00000000000000000000000000000000000000000003720075976020836" },
		{ "1.5", "4.4816890703380648" },
		{ "0.000001", "1.0000010000005000" },
		{ "1.00000000000000000000", "2.71828182845904523536" },
		{ "-0.5", "0.6065306597126334" },
		{ "-Infinity", "0" },
		{ "Infinity", "Infinity" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (ex); i++)
		g_assert_cmpstr (S (ox_numeric_exp (arena, N (ex[i].x))), ==, ex[i].expected);
	/* select exp(5999::numeric): 2606 digits starting 2150784696... */
	const char *e = S (ox_numeric_exp (arena, N ("5999")));
	g_assert_cmpuint (strlen (e), ==, 2606);
	g_assert_true (g_str_has_prefix (e, "21507846961609483491687296168501882169049577286581839232839733417244"));
	g_assert_cmpint (ox_numeric_sign (ox_numeric_exp (arena, N ("-6000"))), ==, 0);

	ASSERT_RAISES ("2201E", "cannot take logarithm of zero", ox_numeric_ln (arena, N ("0")));
	ASSERT_RAISES ("2201E", "cannot take logarithm of a negative number", ox_numeric_ln (arena, N ("-1")));
	ASSERT_RAISES ("2201E", "cannot take logarithm of a negative number", ox_numeric_ln (arena, N ("-Infinity")));
	ASSERT_RAISES (OX_ERR_NUMERIC_OUT_OF_RANGE, "value overflows numeric format",
	               ox_numeric_exp (arena, N ("6000")));
}

/* Random numbers with up to 'maxd' digits and up to 'maxs' places. */
static char *
random_numeric_text (int maxd, int maxs)
{
	GString *s = g_string_new (NULL);
	if (g_test_rand_bit ())
		g_string_append_c (s, '-');
	int nd = g_test_rand_int_range (1, maxd + 1);
	int sc = g_test_rand_int_range (0, maxs + 1);
	for (int i = 0; i < nd; i++) {
		/* runs of 9s and 0s reach the carry and add-back paths */
		int r = g_test_rand_int_range (0, 10);
		char d = r < 2 ? '9' : r < 3 ? '0' : (char) ('0' + g_test_rand_int_range (0, 10));
		g_string_append_c (s, d);
		if (i == nd - 1 - sc && sc > 0 && i != nd - 1)
			g_string_append_c (s, '.');
	}
	return g_string_free (s, FALSE);
}

static void
test_div_property (void)
{
	/* x = trunc(x/y) × y + x % y, |x % y| < |y|, the remainder has x's
	 * sign, and x/y rounded lies within half a unit of the exact quotient:
	 * |x − q×y| ≤ |y| × 10^-scale / 2. */
	for (int iter = 0; iter < 3000; iter++) {
		ox_arena_reset (arena);
		char *xs = random_numeric_text (40, 12);
		char *ys = random_numeric_text (25, 10);
		const OxNumeric *x = N (xs), *y = N (ys);
		if (ox_numeric_sign (y) == 0) {
			g_free (xs);
			g_free (ys);
			continue;
		}
		const OxNumeric *q = ox_numeric_div_trunc (arena, x, y);
		const OxNumeric *r = ox_numeric_mod (arena, x, y);
		const OxNumeric *back = ox_numeric_add (arena, ox_numeric_mul (arena, q, y), r);
		if (ox_numeric_cmp (back, x) != 0)
			g_error ("div/mod identity fails for %s, %s: q=%s r=%s", xs, ys, S (q), S (r));
		g_assert_cmpint (ox_numeric_cmp (ox_numeric_abs (arena, r), ox_numeric_abs (arena, y)), <, 0);
		g_assert_true (ox_numeric_sign (r) == 0 || ox_numeric_sign (r) == ox_numeric_sign (x));

		const OxNumeric *d = ox_numeric_div (arena, x, y);
		const OxNumeric *err = ox_numeric_abs (arena, ox_numeric_sub (arena, x, ox_numeric_mul (arena, d, y)));
		char *half = g_strdup_printf ("5e-%d", ox_numeric_scale (d) + 1);
		const OxNumeric *bound = ox_numeric_mul (arena, ox_numeric_abs (arena, y), N (half));
		if (ox_numeric_cmp (err, bound) > 0)
			g_error ("%s / %s = %s is not correctly rounded", xs, ys, S (d));
		g_free (half);
		g_free (xs);
		g_free (ys);
	}
}

static void
test_text_property (void)
{
	/* out(parse(s)) reproduces a canonical s; x + y − y = x */
	for (int iter = 0; iter < 3000; iter++) {
		ox_arena_reset (arena);
		char *xs = random_numeric_text (30, 15);
		char *ys = random_numeric_text (30, 15);
		const OxNumeric *x = N (xs), *y = N (ys);
		const char *canon = S (x);
		g_assert_cmpstr (S (N (canon)), ==, canon);
		const OxNumeric *z = ox_numeric_sub (arena, ox_numeric_add (arena, x, y), y);
		g_assert_cmpint (ox_numeric_cmp (z, x), ==, 0);
		g_assert_cmpuint (ox_numeric_hash (z), ==, ox_numeric_hash (x));
		g_free (xs);
		g_free (ys);
	}
}

/* The small-value path of add, sub and mul (values of up to 4 base-10000
 * digits computed on int64s, numeric.c small_add/small_mul) against the
 * general one: the same sums and products reached through operands too
 * far apart for it (x + B, y + B), for random values of many
 * scales and magnitudes, both signs, zeros, and results that carry into
 * a new digit or cancel down to zero.  Compared as text, which shows the
 * display scale too. */
static void
test_small_path (void)
{
	GRand *r = g_rand_new_with_seed (20261126);
	const OxNumeric *B = N ("100000000000000000000000");  /* 10^23: one digit, 1000, of weight 5 */
	for (int it = 0; it < 20000; it++) {
		char bx[64], by[64];
		const OxNumeric *x, *y;
		for (int k = 0; k < 2; k++) {
			char *b = k ? by : bx;
			int scale = g_rand_int_range (r, 0, 9);
			int digits = g_rand_int_range (r, 0, 15);
			int64_t m = 0;
			for (int d = 0; d < digits; d++)
				m = m * 10 + g_rand_int_range (r, 0, 10);
			if (g_rand_int_range (r, 0, 8) == 0)
				m = 0;
			bool neg = g_rand_boolean (r);
			char digs[32];
			g_snprintf (digs, sizeof digs, "%0*" G_GINT64_FORMAT, scale + 1, m);
			size_t len = strlen (digs);
			if (scale > 0)
				g_snprintf (b, 64, "%s%.*s.%s", neg ? "-" : "", (int) (len - (size_t) scale), digs,
				            digs + len - scale);
			else
				g_snprintf (b, 64, "%s%s", neg ? "-" : "", digs);
		}
		x = N (bx);
		y = N (by);
		/* x + y = ((x + B) + y) - B; x - y likewise; x * y = x * (y + B) - x * B */
		const char *sum = S (ox_numeric_add (arena, x, y));
		const char *sum2 = S (ox_numeric_sub (arena, ox_numeric_add (arena, ox_numeric_add (arena, x, B), y), B));
		g_assert_cmpstr (sum, ==, sum2);
		const char *dif = S (ox_numeric_sub (arena, x, y));
		const char *dif2 = S (ox_numeric_sub (arena, ox_numeric_sub (arena, ox_numeric_add (arena, x, B), y), B));
		g_assert_cmpstr (dif, ==, dif2);
		const char *prod = S (ox_numeric_mul (arena, x, y));
		const char *prod2 = S (ox_numeric_sub (arena, ox_numeric_mul (arena, x, ox_numeric_add (arena, y, B)),
		                                       ox_numeric_mul (arena, x, B)));
		g_assert_cmpstr (prod, ==, prod2);
		if (it % 1000 == 999) {
			ox_arena_reset (arena);
			B = N ("100000000000000000000000");
		}
	}
	/* carries, cancellation, the int64 limit of the small path */
	g_assert_cmpstr (S (ox_numeric_add (arena, N ("9999.99"), N ("0.01"))), ==, "10000.00");
	g_assert_cmpstr (S (ox_numeric_sub (arena, N ("1.50"), N ("1.5"))), ==, "0.00");
	g_assert_cmpstr (S (ox_numeric_mul (arena, N ("-0.5"), N ("0.20"))), ==, "-0.100");
	g_assert_cmpstr (S (ox_numeric_mul (arena, N ("9999999999999999"), N ("9999999999999999"))), ==,
	                 "99999999999999980000000000000001");
	g_assert_cmpstr (S (ox_numeric_add (arena, N ("9223372036854775807"), N ("1"))), ==, "9223372036854775808");
	g_rand_free (r);
}

static const struct {
	const char *path;
	void      (*fn) (void);
} tests[] = {
	{ "/engine/numeric/parse/basic", test_parse_basic },
	{ "/engine/numeric/parse/special", test_parse_special },
	{ "/engine/numeric/parse/errors", test_parse_errors },
	{ "/engine/numeric/parse/limits", test_parse_limits },
	{ "/engine/numeric/out/scale", test_out_scale },
	{ "/engine/numeric/copy", test_copy },
	{ "/engine/numeric/add-sub", test_add_sub },
	{ "/engine/numeric/mul", test_mul },
	{ "/engine/numeric/div/scale", test_div_scale },
	{ "/engine/numeric/div/special", test_div_special },
	{ "/engine/numeric/div/trunc", test_div_trunc },
	{ "/engine/numeric/div/mod", test_mod },
	{ "/engine/numeric/div/int-avg", test_div_int_avg },
	{ "/engine/numeric/div/property", test_div_property },
	{ "/engine/numeric/round/round", test_round },
	{ "/engine/numeric/round/trunc", test_trunc },
	{ "/engine/numeric/round/ceil-floor", test_ceil_floor },
	{ "/engine/numeric/typmod", test_typmod },
	{ "/engine/numeric/convert/int64", test_int64 },
	{ "/engine/numeric/convert/double", test_double },
	{ "/engine/numeric/cmp/order", test_cmp_order },
	{ "/engine/numeric/cmp/hash", test_hash },
	{ "/engine/numeric/sign-neg-abs", test_sign_neg_abs },
	{ "/engine/numeric/text/property", test_text_property },
	{ "/engine/numeric/sqrt", test_sqrt },
	{ "/engine/numeric/power/finite", test_power },
	{ "/engine/numeric/power/special", test_power_special },
	{ "/engine/numeric/ln-exp", test_ln_exp },
	{ "/engine/numeric/small-path", test_small_path },
};

/* Each test gets a fresh arena, freed afterwards (so valgrind and ASan
 * see what a test leaks). */
static void
run_test (gconstpointer data)
{
	int i = GPOINTER_TO_INT (data);
	arena = ox_arena_new ();
	tests[i].fn ();
	ox_arena_free (arena);
	arena = NULL;
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS (tests); i++)
		g_test_add_data_func (tests[i].path, GINT_TO_POINTER ((int) i), run_test);
	return g_test_run ();
}

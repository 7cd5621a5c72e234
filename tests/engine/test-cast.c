/*
 * test-cast.c — output, input, casts, comparison and hashing of OxValues.
 *
 * Every expected text, message and SQLSTATE below came from a PostgreSQL
 * 15.18 server (psql -Atc "select ...", and \set VERBOSITY verbose for the
 * SQLSTATEs); the query is quoted where it is not obvious.
 *
 * NOTE: the numeric and datetime tests exercise numeric.c and datetime.c
 * through the casts; a failure there may be theirs.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "base/cast.h"
#include "base/error.h"
#include "base/numeric.h"

static OxArena *arena;
static OxCastCtx utc_cx;

static void
setup (void)
{
	ox_arena_reset (arena);
}

static OxValue
txt (const char *s)
{
	return ox_text (OX_T_TEXT, s, strlen (s));
}

static OxType
ty (OxTypeId id, int32_t typmod)
{
	OxType t = { id, typmod };
	return t;
}

static const char *
out_cx (const OxCastCtx *cx, OxValue v)
{
	size_t n;
	const char *s = ox_value_out (arena, cx, &v, &n);
	g_assert_cmpuint (strlen (s), ==, n);
	return s;
}

static const char *
out (OxValue v)
{
	return out_cx (&utc_cx, v);
}

static OxValue
cast (OxValue v, OxTypeId t, int32_t typmod, bool explicit_cast)
{
	return ox_value_cast (arena, &utc_cx, &v, ty (t, typmod), explicit_cast);
}

/* 'text'::t, printed. */
static const char *
in_out (const char *s, OxTypeId t, int32_t typmod)
{
	return out (cast (txt (s), t, typmod, true));
}

/* Run stmt, expecting it to raise sqlstate with message msg (NULL: any). */
#define EXPECT_ERROR(state, msg, stmt)                                          \
	do {                                                                    \
		volatile bool raised_ = false;                                  \
		OX_TRY {                                                        \
			stmt;                                                   \
		} OX_CATCH {                                                    \
			raised_ = true;                                         \
			check_error ((state), (msg));                           \
		} OX_END_TRY;                                                   \
		if (!raised_)                                                   \
			g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__,  \
			                     G_STRFUNC, "no error from " #stmt); \
	} while (0)

static void
check_error (const char *state, const char *msg)
{
	OxErrorData *e = ox_error_current ();
	g_assert_cmpstr (e->sqlstate, ==, state);
	if (msg)
		g_assert_cmpstr (e->message, ==, msg);
	ox_error_data_clear (e);
}

/* ------------------------------------------------------------------ */
/* integers                                                           */

static void
test_int_parse (void)
{
	setup ();
	/* select ' 12 '::int, '-0'::int, '+5'::int2, '-32768'::int2,
	 *        '-9223372036854775808'::int8  ->  12|0|5|-32768|-9223372036854775808 */
	g_assert_cmpint (ox_int_parse (" 12 ", 4, OX_T_INT4), ==, 12);
	g_assert_cmpint (ox_int_parse ("-0", 2, OX_T_INT4), ==, 0);
	g_assert_cmpint (ox_int_parse ("+5", 2, OX_T_INT2), ==, 5);
	g_assert_cmpint (ox_int_parse ("-32768", 6, OX_T_INT2), ==, INT16_MIN);
	g_assert_cmpint (ox_int_parse ("32767", 5, OX_T_INT2), ==, INT16_MAX);
	g_assert_cmpint (ox_int_parse ("-2147483648", 11, OX_T_INT4), ==, INT32_MIN);
	g_assert_cmpint (ox_int_parse ("\t2147483647\n", 12, OX_T_INT4), ==, INT32_MAX);
	g_assert_cmpint (ox_int_parse ("-9223372036854775808", 20, OX_T_INT8), ==, INT64_MIN);
	g_assert_cmpint (ox_int_parse ("9223372036854775807", 19, OX_T_INT8), ==, INT64_MAX);
	g_assert_cmpint (ox_int_parse ("007", 3, OX_T_INT8), ==, 7);
	/* Only len bytes count. */
	g_assert_cmpint (ox_int_parse ("123456", 3, OX_T_INT4), ==, 123);
}

static void
test_int_parse_errors (void)
{
	setup ();
	EXPECT_ERROR ("22P02", "invalid input syntax for type integer: \"abc\"",
	              ox_int_parse ("abc", 3, OX_T_INT4));
	EXPECT_ERROR ("22P02", "invalid input syntax for type integer: \"\"",
	              ox_int_parse ("", 0, OX_T_INT4));
	EXPECT_ERROR ("22P02", "invalid input syntax for type integer: \" - 5\"",
	              ox_int_parse (" - 5", 4, OX_T_INT4));
	EXPECT_ERROR ("22P02", "invalid input syntax for type integer: \"1.5\"",
	              ox_int_parse ("1.5", 3, OX_T_INT4));
	EXPECT_ERROR ("22P02", "invalid input syntax for type integer: \"-\"",
	              ox_int_parse ("-", 1, OX_T_INT4));
	EXPECT_ERROR ("22P02", "invalid input syntax for type bigint: \"1 2\"",
	              ox_int_parse ("1 2", 3, OX_T_INT8));
	/* PG 15 has no underscores or hex in integer input. */
	EXPECT_ERROR ("22P02", "invalid input syntax for type smallint: \"0x10\"",
	              ox_int_parse ("0x10", 4, OX_T_INT2));
	/* The digits overflow before the garbage is seen: out of range wins;
	 * '2147483648x' does not overflow while scanning, so it is bad syntax. */
	EXPECT_ERROR ("22003", "value \"99999999999x\" is out of range for type integer",
	              ox_int_parse ("99999999999x", 12, OX_T_INT4));
	EXPECT_ERROR ("22P02", "invalid input syntax for type integer: \"2147483648x\"",
	              ox_int_parse ("2147483648x", 11, OX_T_INT4));
}

static void
test_int_parse_overflow (void)
{
	setup ();
	EXPECT_ERROR ("22003", "value \" 99999999999 \" is out of range for type integer",
	              ox_int_parse (" 99999999999 ", 13, OX_T_INT4));
	EXPECT_ERROR ("22003", "value \"2147483648\" is out of range for type integer",
	              ox_int_parse ("2147483648", 10, OX_T_INT4));
	EXPECT_ERROR ("22003", "value \"-2147483649\" is out of range for type integer",
	              ox_int_parse ("-2147483649", 11, OX_T_INT4));
	EXPECT_ERROR ("22003", "value \"32768\" is out of range for type smallint",
	              ox_int_parse ("32768", 5, OX_T_INT2));
	EXPECT_ERROR ("22003", "value \"9223372036854775808\" is out of range for type bigint",
	              ox_int_parse ("9223372036854775808", 19, OX_T_INT8));
	EXPECT_ERROR ("22003", "value \"-99999999999999999999999\" is out of range for type bigint",
	              ox_int_parse ("-99999999999999999999999", 24, OX_T_INT8));
	/* Through the cast, as 'text'::int does. */
	EXPECT_ERROR ("22003", "value \"99999999999\" is out of range for type integer",
	              cast (txt ("99999999999"), OX_T_INT4, -1, true));
}

static void
test_int_out (void)
{
	setup ();
	g_assert_cmpstr (out (ox_int (OX_T_INT4, 0)), ==, "0");
	g_assert_cmpstr (out (ox_int (OX_T_INT4, -1)), ==, "-1");
	g_assert_cmpstr (out (ox_int (OX_T_INT2, 32767)), ==, "32767");
	g_assert_cmpstr (out (ox_int (OX_T_INT8, INT64_MIN)), ==, "-9223372036854775808");
	g_assert_cmpstr (out (ox_int (OX_T_INT8, INT64_MAX)), ==, "9223372036854775807");
}

static void
test_int4_overflow (void)
{
	setup ();
	/* select 5000000000::int8::int4 -> 22003 integer out of range */
	EXPECT_ERROR ("22003", "integer out of range",
	              cast (ox_int (OX_T_INT8, 5000000000), OX_T_INT4, -1, false));
	EXPECT_ERROR ("22003", "integer out of range",
	              cast (ox_int (OX_T_INT8, (int64_t) INT32_MIN - 1), OX_T_INT4, -1, true));
	EXPECT_ERROR ("22003", "smallint out of range",
	              cast (ox_int (OX_T_INT4, 40000), OX_T_INT2, -1, false));
	EXPECT_ERROR ("22003", "smallint out of range",
	              cast (ox_int (OX_T_INT8, -32769), OX_T_INT2, -1, false));
	EXPECT_ERROR ("22003", "integer out of range", ox_int_check (INT64_MAX, OX_T_INT4));
	EXPECT_ERROR ("22003", "bigint out of range", cast (ox_float (OX_T_FLOAT8, 1e19), OX_T_INT8, -1, false));
	g_assert_cmpint (ox_int_check (INT64_MAX, OX_T_INT8), ==, INT64_MAX);
}

static void
test_int_widths (void)
{
	setup ();
	OxValue v = cast (ox_int (OX_T_INT2, -5), OX_T_INT8, -1, false);
	g_assert_cmpint (v.type, ==, OX_T_INT8);
	g_assert_cmpint (v.v.i, ==, -5);
	v = cast (ox_int (OX_T_INT8, INT32_MIN), OX_T_INT4, -1, false);
	g_assert_cmpint (v.type, ==, OX_T_INT4);
	g_assert_cmpint (v.v.i, ==, INT32_MIN);
	v = cast (ox_int (OX_T_INT4, -32768), OX_T_INT2, -1, false);
	g_assert_cmpint (v.v.i, ==, -32768);
	v = cast (ox_null (OX_T_INT8), OX_T_INT2, -1, false);
	g_assert_true (v.null);
	g_assert_cmpint (v.type, ==, OX_T_INT2);
}

/* ------------------------------------------------------------------ */
/* booleans                                                           */

static void
test_bool_parse (void)
{
	/* select ' t '::bool, 'TRUE'::bool, 'yes'::bool, 'on'::bool, '1'::bool,
	 *        'of'::bool, 'n'::bool, '0'::bool, 'tr'::bool, 'y'::bool
	 *   -> t|t|t|t|t|f|f|f|t|t ; 'on '->t, ' off'->f, 'FALSE'->f */
	static const struct { const char *s; bool v; } ok[] = {
		{ " t ", true }, { "TRUE", true }, { "yes", true }, { "on", true },
		{ "1", true }, { "of", false }, { "n", false }, { "0", false },
		{ "tr", true }, { "y", true }, { "on ", true }, { " off", false },
		{ "FALSE", false }, { "No", false }, { "\tYe\n", true }, { "f", false },
	};
	for (guint i = 0; i < G_N_ELEMENTS (ok); i++) {
		bool b = !ok[i].v;
		g_assert_true (ox_bool_parse (ok[i].s, strlen (ok[i].s), &b));
		g_assert_cmpint (b, ==, ok[i].v);
	}
	/* 'o' is ambiguous (on/off); the others are not prefixes. */
	static const char *const bad[] = { "o", "", "  ", "truex", "ofx", "2", "01", "yess", "t rue" };
	for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
		bool b;
		g_assert_false (ox_bool_parse (bad[i], strlen (bad[i]), &b));
	}
}

static void
test_bool_cast (void)
{
	setup ();
	g_assert_cmpstr (out (ox_bool (true)), ==, "t");
	g_assert_cmpstr (out (ox_bool (false)), ==, "f");
	g_assert_cmpstr (in_out ("yes", OX_T_BOOL, -1), ==, "t");
	EXPECT_ERROR ("22P02", "invalid input syntax for type boolean: \"o\"",
	              cast (txt ("o"), OX_T_BOOL, -1, true));
	EXPECT_ERROR ("22P02", "invalid input syntax for type boolean: \"\"",
	              cast (txt (""), OX_T_BOOL, -1, true));
	/* select 1::int::bool, 0::bool, 5::bool, true::int -> t|f|t|1 */
	g_assert_true (cast (ox_int (OX_T_INT4, 1), OX_T_BOOL, -1, true).v.b);
	g_assert_false (cast (ox_int (OX_T_INT4, 0), OX_T_BOOL, -1, true).v.b);
	g_assert_true (cast (ox_int (OX_T_INT4, 5), OX_T_BOOL, -1, true).v.b);
	g_assert_cmpint (cast (ox_bool (true), OX_T_INT4, -1, true).v.i, ==, 1);
	/* Explicit only: assignment of an int to a bool column is refused. */
	EXPECT_ERROR ("42846", "cannot cast type integer to boolean",
	              cast (ox_int (OX_T_INT4, 1), OX_T_BOOL, -1, false));
	EXPECT_ERROR ("42846", "cannot cast type boolean to integer",
	              cast (ox_bool (true), OX_T_INT4, -1, false));
	/* select 1::int8::bool -> cannot cast type bigint to boolean */
	EXPECT_ERROR ("42846", "cannot cast type bigint to boolean",
	              cast (ox_int (OX_T_INT8, 1), OX_T_BOOL, -1, true));
	EXPECT_ERROR ("42846", "cannot cast type boolean to smallint",
	              cast (ox_bool (false), OX_T_INT2, -1, true));
}

static void
test_bool_text (void)
{
	setup ();
	/* select true::text, false::varchar, true::char(5)  -> true|false|'true ' */
	g_assert_cmpstr (out (cast (ox_bool (true), OX_T_TEXT, -1, false)), ==, "true");
	g_assert_cmpstr (out (cast (ox_bool (false), OX_T_VARCHAR, -1, false)), ==, "false");
	g_assert_cmpstr (out (cast (ox_bool (true), OX_T_BPCHAR, 5, false)), ==, "true ");
	/* select true::char(2) -> tr; insert true into a varchar(3) -> 22001 */
	g_assert_cmpstr (out (cast (ox_bool (true), OX_T_BPCHAR, 2, true)), ==, "tr");
	EXPECT_ERROR ("22001", "value too long for type character varying(3)",
	              cast (ox_bool (true), OX_T_VARCHAR, 3, false));
	/* And back: select true::text::bool -> t */
	g_assert_true (cast (cast (ox_bool (true), OX_T_TEXT, -1, false), OX_T_BOOL, -1, true).v.b);
}

/* ------------------------------------------------------------------ */
/* floats                                                             */

static void
test_float8_out (void)
{
	setup ();
	/* select x::float8 for each x (PostgreSQL 15, extra_float_digits = 1). */
	static const struct { const char *in, *out; } cases[] = {
		{ "1e100", "1e+100" },
		{ "1.5e-7", "1.5e-07" },
		{ "1e15", "1e+15" },
		{ "1e14", "100000000000000" },
		{ "123456789012345.6", "123456789012345.6" },
		{ "0.0001", "0.0001" },
		{ "0.00001", "1e-05" },
		{ "1.5e15", "1.5e+15" },
		{ "-0", "-0" },
		{ "0", "0" },
		{ "1e22", "1e+22" },
		{ "1e16", "1e+16" },
		{ "12345678901234567", "1.2345678901234568e+16" },
		{ "0.30000000000000004", "0.30000000000000004" },
		/* Shortest candidates exactly halfway to a neighbour are refused. */
		{ "62737673615502224", "6.2737673615502224e+16" },
		{ "1e23", "9.999999999999999e+22" },
		{ "5e-324", "5e-324" },
		{ "1.7976931348623157e308", "1.7976931348623157e+308" },
		{ "2.2250738585072014e-308", "2.2250738585072014e-308" },
		{ "9007199254740993", "9.007199254740992e+15" },
		{ "123456789", "123456789" },
		{ "-1.5", "-1.5" },
		{ "3.141592653589793", "3.141592653589793" },
		{ "2.5e-5", "2.5e-05" },
		{ "999999999999999.9", "999999999999999.9" },
		{ "4.35", "4.35" },
		{ "inf", "Infinity" },
		{ "-inf", "-Infinity" },
		{ "nan", "NaN" },
	};
	for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
		g_assert_cmpstr (in_out (cases[i].in, OX_T_FLOAT8, -1), ==, cases[i].out);
	/* select 0.1::float8 + 0.2 -> 0.30000000000000004 */
	g_assert_cmpstr (ox_float8_out (arena, 0.1 + 0.2), ==, "0.30000000000000004");
}

static void
test_float4_out (void)
{
	setup ();
	static const struct { const char *in, *out; } cases[] = {
		{ "1e6", "1e+06" },
		{ "100000", "100000" },
		{ "999999", "999999" },
		{ "1234567", "1.234567e+06" },
		{ "0.1", "0.1" },
		{ "1e-5", "1e-05" },
		{ "0.0001", "0.0001" },
		{ "1.5e-7", "1.5e-07" },
		{ "3.4e38", "3.4e+38" },
		{ "3.4028235e38", "3.4028235e+38" },
		{ "1e-45", "1e-45" },
		{ "2.8e-45", "3e-45" },
		{ "1.17549435e-38", "1.1754944e-38" },
		{ "16777217", "1.6777216e+07" },
		{ "59034112", "5.9034112e+07" },
		{ "3.14159265", "3.1415927" },
		{ "123.456", "123.456" },
		{ "-2.5e-10", "-2.5e-10" },
		{ "-0", "-0" },
		{ "Infinity", "Infinity" },
		{ "NaN", "NaN" },
	};
	for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
		g_assert_cmpstr (in_out (cases[i].in, OX_T_FLOAT4, -1), ==, cases[i].out);
	/* select 0.1::float4::float8 -> 0.10000000149011612 */
	g_assert_cmpstr (out (cast (cast (txt ("0.1"), OX_T_FLOAT4, -1, true), OX_T_FLOAT8, -1, false)),
	                 ==, "0.10000000149011612");
}

/* Whatever we print must read back to the same bits. */
static void
test_float_roundtrip (void)
{
	setup ();
	for (int i = 0; i < 20000; i++) {
		uint64_t bits = (uint64_t) g_test_rand_int () << 32 | (uint32_t) g_test_rand_int ();
		double d;
		memcpy (&d, &bits, sizeof d);
		if (isnan (d))
			continue;
		const char *s = ox_float8_out (arena, d);
		double back = ox_float8_parse (s, strlen (s), OX_T_FLOAT8);
		g_assert_true (memcmp (&back, &d, sizeof d) == 0);

		uint32_t fbits = (uint32_t) g_test_rand_int ();
		float f;
		memcpy (&f, &fbits, sizeof f);
		if (isnan (f))
			continue;
		s = ox_float4_out (arena, f);
		float fback = (float) ox_float8_parse (s, strlen (s), OX_T_FLOAT4);
		g_assert_true (memcmp (&fback, &f, sizeof f) == 0);
		if (i % 1000 == 0)
			ox_arena_reset (arena);
	}
}

static void
test_float_parse (void)
{
	setup ();
	/* select ' 1e-310 '::float8, '0x10'::float8, ' Infinity '::float8,
	 *        '+inf'::float8, 'nan(12)'::float8 -> 1e-310|16|Infinity|Infinity|NaN */
	g_assert_cmpfloat (ox_float8_parse (" 1e-310 ", 8, OX_T_FLOAT8), ==, 1e-310);
	g_assert_cmpfloat (ox_float8_parse ("0x10", 4, OX_T_FLOAT8), ==, 16.0);
	g_assert_true (isinf (ox_float8_parse (" Infinity ", 10, OX_T_FLOAT8)));
	g_assert_cmpfloat (ox_float8_parse ("+inf", 4, OX_T_FLOAT8), >, 0);
	g_assert_cmpfloat (ox_float8_parse ("-INF", 4, OX_T_FLOAT8), <, 0);
	g_assert_true (isnan (ox_float8_parse ("nan(12)", 7, OX_T_FLOAT8)));
	g_assert_true (isnan (ox_float8_parse ("NaN", 3, OX_T_FLOAT4)));
	g_assert_true (signbit (ox_float8_parse ("-0", 2, OX_T_FLOAT8)));
	/* select '1e-40'::float4 -> 1e-40 (denormals are fine) */
	g_assert_cmpstr (in_out ("1e-40", OX_T_FLOAT4, -1), ==, "1e-40");
	/* Rounded once, straight to float. */
	g_assert_cmpfloat (ox_float8_parse ("0.1", 3, OX_T_FLOAT4), ==, (double) 0.1f);
	/* A long input goes through the heap buffer. */
	GString *big = g_string_new ("  1.");
	for (int i = 0; i < 300; i++)
		g_string_append_c (big, '5');
	g_string_append (big, "e2 ");
	g_assert_cmpfloat_with_epsilon (ox_float8_parse (big->str, big->len, OX_T_FLOAT8), 155.5555, 1e-3);
	g_string_free (big, TRUE);
}

static void
test_float_parse_errors (void)
{
	setup ();
	EXPECT_ERROR ("22003", "\"1e400\" is out of range for type double precision",
	              ox_float8_parse ("1e400", 5, OX_T_FLOAT8));
	EXPECT_ERROR ("22003", "\"1e-400\" is out of range for type double precision",
	              ox_float8_parse ("1e-400", 6, OX_T_FLOAT8));
	EXPECT_ERROR ("22003", "\" 1e39 \" is out of range for type real",
	              ox_float8_parse (" 1e39 ", 6, OX_T_FLOAT4));
	EXPECT_ERROR ("22003", "\"1e-46\" is out of range for type real",
	              ox_float8_parse ("1e-46", 5, OX_T_FLOAT4));
	EXPECT_ERROR ("22P02", "invalid input syntax for type double precision: \"abc\"",
	              ox_float8_parse ("abc", 3, OX_T_FLOAT8));
	EXPECT_ERROR ("22P02", "invalid input syntax for type real: \"abc\"",
	              ox_float8_parse ("abc", 3, OX_T_FLOAT4));
	EXPECT_ERROR ("22P02", "invalid input syntax for type double precision: \"  \"",
	              ox_float8_parse ("  ", 2, OX_T_FLOAT8));
	EXPECT_ERROR ("22P02", "invalid input syntax for type double precision: \"\"",
	              ox_float8_parse ("", 0, OX_T_FLOAT8));
	EXPECT_ERROR ("22P02", "invalid input syntax for type double precision: \"1.5x\"",
	              cast (txt ("1.5x"), OX_T_FLOAT8, -1, true));
}

static void
test_float_to_int (void)
{
	setup ();
	/* select 2.5::float8::int, 3.5::float8::int, -2.5::float8::int,
	 *        0.5::float4::int2 -> 2|4|-2|0 (rint: half to even) */
	g_assert_cmpint (cast (ox_float (OX_T_FLOAT8, 2.5), OX_T_INT4, -1, false).v.i, ==, 2);
	g_assert_cmpint (cast (ox_float (OX_T_FLOAT8, 3.5), OX_T_INT4, -1, false).v.i, ==, 4);
	g_assert_cmpint (cast (ox_float (OX_T_FLOAT8, -2.5), OX_T_INT4, -1, false).v.i, ==, -2);
	g_assert_cmpint (cast (ox_float (OX_T_FLOAT4, 0.5), OX_T_INT2, -1, false).v.i, ==, 0);
	g_assert_cmpint (cast (ox_float (OX_T_FLOAT8, -2147483648.4), OX_T_INT4, -1, false).v.i, ==, INT32_MIN);
	g_assert_cmpint (cast (ox_float (OX_T_FLOAT8, -9223372036854775808.0), OX_T_INT8, -1, false).v.i,
	                 ==, INT64_MIN);
	/* select 2147483647.5::float8::int, 'nan'::float8::int,
	 *        9223372036854775807::float8::int8, 32767.5::float4::int2,
	 *        '-inf'::float8::int -> all 22003 */
	EXPECT_ERROR ("22003", "integer out of range",
	              cast (ox_float (OX_T_FLOAT8, 2147483647.5), OX_T_INT4, -1, false));
	EXPECT_ERROR ("22003", "integer out of range",
	              cast (ox_float (OX_T_FLOAT8, NAN), OX_T_INT4, -1, false));
	EXPECT_ERROR ("22003", "integer out of range",
	              cast (ox_float (OX_T_FLOAT8, -INFINITY), OX_T_INT4, -1, false));
	EXPECT_ERROR ("22003", "bigint out of range",
	              cast (ox_float (OX_T_FLOAT8, 9223372036854775807.0), OX_T_INT8, -1, false));
	EXPECT_ERROR ("22003", "smallint out of range",
	              cast (ox_float (OX_T_FLOAT4, 32767.5), OX_T_INT2, -1, false));
	EXPECT_ERROR ("22003", "smallint out of range",
	              cast (ox_float (OX_T_FLOAT4, INFINITY), OX_T_INT2, -1, false));
}

static void
test_float_narrowing (void)
{
	setup ();
	/* select 3e38::float8::float4 -> 3e+38; 4e38 -> overflow; 1e-50 -> underflow */
	g_assert_cmpstr (out (cast (ox_float (OX_T_FLOAT8, 3e38), OX_T_FLOAT4, -1, false)), ==, "3e+38");
	g_assert_cmpstr (out (cast (ox_float (OX_T_FLOAT8, 1e-45), OX_T_FLOAT4, -1, false)), ==, "1e-45");
	EXPECT_ERROR ("22003", "value out of range: overflow",
	              cast (ox_float (OX_T_FLOAT8, 4e38), OX_T_FLOAT4, -1, false));
	EXPECT_ERROR ("22003", "value out of range: underflow",
	              cast (ox_float (OX_T_FLOAT8, 1e-50), OX_T_FLOAT4, -1, false));
	g_assert_true (isinf (cast (ox_float (OX_T_FLOAT8, INFINITY), OX_T_FLOAT4, -1, false).v.f));
	g_assert_true (isnan (cast (ox_float (OX_T_FLOAT8, NAN), OX_T_FLOAT4, -1, false).v.f));
	/* int -> float: select 16777217::float4, 9007199254740993::int8::float8
	 *   -> 1.6777216e+07|9.007199254740992e+15 */
	g_assert_cmpstr (out (cast (ox_int (OX_T_INT4, 16777217), OX_T_FLOAT4, -1, false)), ==, "1.6777216e+07");
	g_assert_cmpstr (out (cast (ox_int (OX_T_INT8, 9007199254740993), OX_T_FLOAT8, -1, false)),
	                 ==, "9.007199254740992e+15");
}

/* ------------------------------------------------------------------ */
/* bytea                                                              */

static void
test_bytea_out (void)
{
	setup ();
	static const uint8_t b[] = { 0x01, 0x02, 0xff };
	OxValue v = { .type = OX_T_BYTEA, .len = 3 };
	v.v.bytes = b;
	g_assert_cmpstr (out (v), ==, "\\x0102ff");
	v.len = 0;
	g_assert_cmpstr (out (v), ==, "\\x");
	/* bytea -> text is the output function: select '\x41'::bytea::text -> \x41,
	 * and '\x41'::bytea::varchar(2) -> \x */
	v.len = 1;
	v.v.bytes = (const uint8_t *) "A";
	g_assert_cmpstr (out (cast (v, OX_T_TEXT, -1, false)), ==, "\\x41");
	g_assert_cmpstr (out (cast (v, OX_T_VARCHAR, 2, true)), ==, "\\x");
}

static void
test_bytea_parse (void)
{
	setup ();
	/* select '\x0102ff'::bytea, 'abc'::bytea, E'a\\\\b'::bytea,
	 *        E'\\001\\377'::bytea, '\x 01 02'::bytea, E'\\x 0a \n'::bytea,
	 *        E'a\\\\b\\\\'::bytea, ''::bytea
	 *   -> \x0102ff|\x616263|\x615c62|\x01ff|\x0102|\x0a|\x615c625c|\x */
	static const struct { const char *in, *out; } cases[] = {
		{ "\\x0102ff", "\\x0102ff" },
		{ "\\x0102FF", "\\x0102ff" },
		{ "abc", "\\x616263" },
		{ "a\\\\b", "\\x615c62" },
		{ "\\001\\377", "\\x01ff" },
		{ "\\x 01 02", "\\x0102" },
		{ "\\x 0a \n", "\\x0a" },
		{ "a\\\\b\\\\", "\\x615c625c" },
		{ "", "\\x" },
		{ "\\x", "\\x" },
	};
	for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
		g_assert_cmpstr (in_out (cases[i].in, OX_T_BYTEA, -1), ==, cases[i].out);
	size_t n;
	const uint8_t *b = ox_bytea_parse (arena, "\\x00ff", 6, &n);
	g_assert_cmpuint (n, ==, 2);
	g_assert_cmpuint (b[0], ==, 0);
	g_assert_cmpuint (b[1], ==, 255);
	/* select 'ab'::char(4)::bytea -> \x61622020 (the padded output) */
	OxValue c = cast (txt ("ab"), OX_T_BPCHAR, 4, false);
	g_assert_cmpstr (out (cast (c, OX_T_BYTEA, -1, true)), ==, "\\x61622020");
}

static void
test_bytea_parse_errors (void)
{
	setup ();
	EXPECT_ERROR ("22023", "invalid hexadecimal data: odd number of digits",
	              cast (txt ("\\x012"), OX_T_BYTEA, -1, true));
	EXPECT_ERROR ("22023", "invalid hexadecimal digit: \"g\"",
	              cast (txt ("\\x0g"), OX_T_BYTEA, -1, true));
	/* No whitespace inside a pair: select '\x0 1'::bytea */
	EXPECT_ERROR ("22023", "invalid hexadecimal digit: \" \"",
	              cast (txt ("\\x0 1"), OX_T_BYTEA, -1, true));
	/* The whole character is quoted: select E'\\xé'::bytea */
	EXPECT_ERROR ("22023", "invalid hexadecimal digit: \"é\"",
	              cast (txt ("\\xé"), OX_T_BYTEA, -1, true));
	/* select E'\\8'::bytea, E'\\400'::bytea, E'a\\'::bytea, E'\\X01'::bytea */
	EXPECT_ERROR ("22P02", "invalid input syntax for type bytea",
	              cast (txt ("\\8"), OX_T_BYTEA, -1, true));
	EXPECT_ERROR ("22P02", "invalid input syntax for type bytea",
	              cast (txt ("\\400"), OX_T_BYTEA, -1, true));
	EXPECT_ERROR ("22P02", "invalid input syntax for type bytea",
	              cast (txt ("a\\"), OX_T_BYTEA, -1, true));
	EXPECT_ERROR ("22P02", "invalid input syntax for type bytea",
	              cast (txt ("\\X01"), OX_T_BYTEA, -1, true));
	/* text -> bytea is explicit only. */
	EXPECT_ERROR ("42846", "cannot cast type text to bytea",
	              cast (txt ("abc"), OX_T_BYTEA, -1, false));
}

/* ------------------------------------------------------------------ */
/* strings and typmods                                                */

static void
test_varchar_typmod (void)
{
	setup ();
	/* insert into t(v varchar(3)) values ('abcd') -> 22001 */
	EXPECT_ERROR ("22001", "value too long for type character varying(3)",
	              cast (txt ("abcd"), OX_T_VARCHAR, 3, false));
	/* Excess spaces are dropped: insert 'ab   ' -> 'ab ' */
	g_assert_cmpstr (out (cast (txt ("ab   "), OX_T_VARCHAR, 3, false)), ==, "ab ");
	g_assert_cmpstr (out (cast (txt ("abc  "), OX_T_VARCHAR, 3, false)), ==, "abc");
	/* select 'abcd'::varchar(3) -> abc */
	g_assert_cmpstr (out (cast (txt ("abcd"), OX_T_VARCHAR, 3, true)), ==, "abc");
	g_assert_cmpstr (out (cast (txt ("ab"), OX_T_VARCHAR, 3, false)), ==, "ab");
	/* Characters, not bytes: select 'héllo'::varchar(2) -> hé */
	OxValue v = cast (txt ("héllo"), OX_T_VARCHAR, 2, true);
	g_assert_cmpstr (out (v), ==, "hé");
	g_assert_cmpuint (v.len, ==, 3);
	g_assert_cmpstr (out (cast (txt ("héé"), OX_T_VARCHAR, 3, false)), ==, "héé");
	EXPECT_ERROR ("22001", "value too long for type character varying(3)",
	              cast (txt ("héll"), OX_T_VARCHAR, 3, false));
	/* Other types through their output: select 12345::varchar(3) -> 123;
	 * insert 12345 into a varchar(3) -> 22001; insert 12 -> fine. */
	g_assert_cmpstr (out (cast (ox_int (OX_T_INT4, 12345), OX_T_VARCHAR, 3, true)), ==, "123");
	EXPECT_ERROR ("22001", "value too long for type character varying(3)",
	              cast (ox_int (OX_T_INT4, 12345), OX_T_VARCHAR, 3, false));
	g_assert_cmpstr (out (cast (ox_int (OX_T_INT4, 12), OX_T_VARCHAR, 3, false)), ==, "12");
	/* varchar -> varchar(n) is a length coercion. */
	OxValue vc = ox_text (OX_T_VARCHAR, "abcdef", 6);
	g_assert_cmpstr (out (cast (vc, OX_T_VARCHAR, 4, true)), ==, "abcd");
	EXPECT_ERROR ("22001", "value too long for type character varying(4)",
	              cast (vc, OX_T_VARCHAR, 4, false));
}

static void
test_bpchar_typmod (void)
{
	setup ();
	/* select 'ab'::char(4) -> 'ab  ' */
	OxValue v = cast (txt ("ab"), OX_T_BPCHAR, 4, false);
	g_assert_cmpstr (out (v), ==, "ab  ");
	g_assert_cmpuint (v.len, ==, 4);
	/* insert 'abcd' into char(3) -> 22001; 'xy    ' -> 'xy ' (octet_length 3) */
	EXPECT_ERROR ("22001", "value too long for type character(3)",
	              cast (txt ("abcd"), OX_T_BPCHAR, 3, false));
	g_assert_cmpstr (out (cast (txt ("xy    "), OX_T_BPCHAR, 3, false)), ==, "xy ");
	/* select 'abcd'::char(3), 12345::char(3) -> abc|123 */
	g_assert_cmpstr (out (cast (txt ("abcd"), OX_T_BPCHAR, 3, true)), ==, "abc");
	g_assert_cmpstr (out (cast (ox_int (OX_T_INT4, 12345), OX_T_BPCHAR, 3, true)), ==, "123");
	/* Padding counts characters: length('héllo'::char(7)) = 5 in PG, i.e.
	 * octet_length 8 once padded to 7 characters. */
	v = cast (txt ("héllo"), OX_T_BPCHAR, 7, false);
	g_assert_cmpuint (v.len, ==, 8);
	g_assert_cmpstr (out (v), ==, "héllo  ");
	/* select ''::char(3) -> three spaces */
	g_assert_cmpstr (out (cast (txt (""), OX_T_BPCHAR, 3, false)), ==, "   ");
	/* Without a typmod: stored as given. */
	g_assert_cmpstr (out (cast (txt ("ab "), OX_T_BPCHAR, -1, false)), ==, "ab ");
	/* char(n) -> char(m) */
	g_assert_cmpstr (out (cast (v, OX_T_BPCHAR, 3, true)), ==, "hél");
	g_assert_cmpstr (out (cast (v, OX_T_BPCHAR, 6, false)), ==, "héllo ");
}

static void
test_bpchar_trim (void)
{
	setup ();
	/* select 'ab  '::char(4)::text || '|', 'ab  '::char(4)::varchar || '|' -> ab|, ab| */
	OxValue c = ox_text (OX_T_BPCHAR, "ab  ", 4);
	OxValue t = cast (c, OX_T_TEXT, -1, false);
	g_assert_cmpint (t.type, ==, OX_T_TEXT);
	g_assert_cmpstr (out (t), ==, "ab");
	g_assert_cmpuint (t.len, ==, 2);
	g_assert_cmpstr (out (cast (c, OX_T_VARCHAR, -1, false)), ==, "ab");
	/* select 'abcd'::char(3)::varchar(10) -> abc */
	g_assert_cmpstr (out (cast (cast (txt ("abcd"), OX_T_BPCHAR, 3, true), OX_T_VARCHAR, 10, false)),
	                 ==, "abc");
	/* Output keeps the padding. */
	g_assert_cmpstr (out (c), ==, "ab  ");
	/* char -> int through the input function: select '12'::char(4)::int,
	 * ' 1.5 '::char(6)::float8, 'true'::char(6)::bool -> 12|1.5|t */
	g_assert_cmpint (cast (cast (txt ("12"), OX_T_BPCHAR, 4, false), OX_T_INT4, -1, true).v.i, ==, 12);
	g_assert_cmpfloat (cast (cast (txt (" 1.5 "), OX_T_BPCHAR, 6, false), OX_T_FLOAT8, -1, true).v.f, ==, 1.5);
	g_assert_true (cast (cast (txt ("true"), OX_T_BPCHAR, 6, false), OX_T_BOOL, -1, true).v.b);
}

static void
test_text_io (void)
{
	setup ();
	/* select 12::int::text, 1.5::float8::text, 'NaN'::float8::text -> 12|1.5|NaN */
	OxValue v = cast (ox_int (OX_T_INT4, 12), OX_T_TEXT, -1, false);
	g_assert_cmpint (v.type, ==, OX_T_TEXT);
	g_assert_cmpstr (v.v.str, ==, "12");
	g_assert_cmpstr (out (cast (ox_float (OX_T_FLOAT8, 1.5), OX_T_TEXT, -1, false)), ==, "1.5");
	g_assert_cmpstr (out (cast (ox_float (OX_T_FLOAT8, NAN), OX_T_TEXT, -1, false)), ==, "NaN");
	/* Text-like to text-like is implicit and keeps the bytes. */
	OxValue s = txt ("abc");
	OxValue vc = cast (s, OX_T_VARCHAR, -1, false);
	g_assert_cmpint (vc.type, ==, OX_T_VARCHAR);
	g_assert_true (vc.v.str == s.v.str);
	/* UNKNOWN literals convert implicitly to anything. */
	OxValue u = ox_text (OX_T_UNKNOWN, " 42 ", 4);
	g_assert_cmpint (cast (u, OX_T_INT8, -1, false).v.i, ==, 42);
	g_assert_cmpstr (out (u), ==, " 42 ");
	/* But text -> int needs an explicit cast. */
	EXPECT_ERROR ("42846", "cannot cast type text to integer", cast (txt ("1"), OX_T_INT4, -1, false));
	g_assert_cmpint (cast (txt ("1"), OX_T_INT4, -1, true).v.i, ==, 1);
	/* Empty strings. */
	g_assert_cmpstr (out (txt ("")), ==, "");
}

/* ------------------------------------------------------------------ */
/* the cast matrix                                                    */

static void
test_cast_context (void)
{
	/* From pg_cast (castcontext) on PG 15, plus its I/O conversion rules. */
	static const struct { OxTypeId from, to; char ctx; } cases[] = {
		{ OX_T_INT2, OX_T_INT4, 'i' }, { OX_T_INT4, OX_T_INT8, 'i' },
		{ OX_T_INT8, OX_T_INT4, 'a' }, { OX_T_INT4, OX_T_INT2, 'a' },
		{ OX_T_INT8, OX_T_INT2, 'a' }, { OX_T_INT4, OX_T_NUMERIC, 'i' },
		{ OX_T_NUMERIC, OX_T_INT4, 'a' }, { OX_T_NUMERIC, OX_T_FLOAT8, 'i' },
		{ OX_T_FLOAT8, OX_T_NUMERIC, 'a' }, { OX_T_FLOAT4, OX_T_FLOAT8, 'i' },
		{ OX_T_FLOAT8, OX_T_FLOAT4, 'a' }, { OX_T_INT8, OX_T_FLOAT4, 'i' },
		{ OX_T_FLOAT8, OX_T_INT8, 'a' }, { OX_T_BOOL, OX_T_INT4, 'e' },
		{ OX_T_INT4, OX_T_BOOL, 'e' }, { OX_T_INT8, OX_T_BOOL, 0 },
		{ OX_T_BOOL, OX_T_INT8, 0 }, { OX_T_BOOL, OX_T_TEXT, 'a' },
		{ OX_T_BOOL, OX_T_BPCHAR, 'a' }, { OX_T_INT4, OX_T_TEXT, 'a' },
		{ OX_T_DATE, OX_T_VARCHAR, 'a' }, { OX_T_BYTEA, OX_T_TEXT, 'a' },
		{ OX_T_TEXT, OX_T_INT4, 'e' }, { OX_T_VARCHAR, OX_T_DATE, 'e' },
		{ OX_T_TEXT, OX_T_BYTEA, 'e' }, { OX_T_TEXT, OX_T_VARCHAR, 'i' },
		{ OX_T_VARCHAR, OX_T_TEXT, 'i' }, { OX_T_BPCHAR, OX_T_TEXT, 'i' },
		{ OX_T_TEXT, OX_T_BPCHAR, 'i' }, { OX_T_VARCHAR, OX_T_BPCHAR, 'i' },
		{ OX_T_UNKNOWN, OX_T_DATE, 'i' }, { OX_T_UNKNOWN, OX_T_BOOL, 'i' },
		{ OX_T_UNKNOWN, OX_T_BYTEA, 'i' }, { OX_T_INT4, OX_T_UNKNOWN, 0 },
		{ OX_T_DATE, OX_T_TIMESTAMP, 'i' }, { OX_T_DATE, OX_T_TIMESTAMPTZ, 'i' },
		{ OX_T_TIMESTAMP, OX_T_TIMESTAMPTZ, 'i' }, { OX_T_TIMESTAMPTZ, OX_T_TIMESTAMP, 'a' },
		{ OX_T_TIMESTAMP, OX_T_DATE, 'a' }, { OX_T_TIMESTAMPTZ, OX_T_DATE, 'a' },
		{ OX_T_DATE, OX_T_INT4, 0 }, { OX_T_INT8, OX_T_TIMESTAMP, 0 },
		{ OX_T_BYTEA, OX_T_INT4, 0 }, { OX_T_BOOL, OX_T_NUMERIC, 0 },
		{ OX_T_NUMERIC, OX_T_NUMERIC, 'i' }, { OX_T_BPCHAR, OX_T_BPCHAR, 'i' },
	};
	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		char got = ox_cast_context (cases[i].from, cases[i].to);
		if (got != cases[i].ctx)
			g_error ("%s -> %s: expected '%c', got '%c'", ox_type_name (cases[i].from),
			         ox_type_name (cases[i].to), cases[i].ctx ? cases[i].ctx : '0',
			         got ? got : '0');
	}
}

static void
test_cast_impossible (void)
{
	setup ();
	OxValue d = ox_int (OX_T_DATE, 0);
	EXPECT_ERROR ("42846", "cannot cast type date to integer", cast (d, OX_T_INT4, -1, true));
	EXPECT_ERROR ("42846", "cannot cast type timestamp without time zone to bigint",
	              cast (ox_int (OX_T_TIMESTAMP, 0), OX_T_INT8, -1, true));
	OxValue b = { .type = OX_T_BYTEA };
	b.v.bytes = (const uint8_t *) "";
	EXPECT_ERROR ("42846", "cannot cast type bytea to integer", cast (b, OX_T_INT4, -1, true));
	EXPECT_ERROR ("42846", "cannot cast type boolean to numeric",
	              cast (ox_bool (true), OX_T_NUMERIC, -1, true));
	EXPECT_ERROR ("42846", "cannot cast type double precision to date",
	              cast (ox_float (OX_T_FLOAT8, 1), OX_T_DATE, -1, true));
	/* Type modifiers do not show in the message. */
	EXPECT_ERROR ("42846", "cannot cast type boolean to numeric",
	              cast (ox_bool (true), OX_T_NUMERIC, OX_TYPMOD_NUMERIC (5, 2), true));
	/* A NULL still needs the cast to exist; then it stays NULL. */
	EXPECT_ERROR ("42846", "cannot cast type bigint to boolean",
	              cast (ox_null (OX_T_INT8), OX_T_BOOL, -1, true));
	OxValue n = cast (ox_null (OX_T_INT4), OX_T_TEXT, -1, false);
	g_assert_true (n.null);
	g_assert_cmpint (n.type, ==, OX_T_TEXT);
	n = cast (ox_null (OX_T_UNKNOWN), OX_T_TIMESTAMPTZ, -1, false);
	g_assert_true (n.null);
	g_assert_cmpint (n.type, ==, OX_T_TIMESTAMPTZ);
	/* Same type is the identity. */
	OxValue f = cast (ox_float (OX_T_FLOAT8, 2.5), OX_T_FLOAT8, -1, false);
	g_assert_cmpfloat (f.v.f, ==, 2.5);
}

/* ------------------------------------------------------------------ */
/* numeric (needs numeric.c)                                          */

static OxValue
num (const char *s)
{
	return cast (txt (s), OX_T_NUMERIC, -1, true);
}

static void
test_numeric_casts (void)
{
	setup ();
	/* select 42::int8::numeric, '  -12.50 '::numeric -> 42|-12.50 */
	g_assert_cmpstr (out (cast (ox_int (OX_T_INT8, 42), OX_T_NUMERIC, -1, false)), ==, "42");
	g_assert_cmpstr (out (num ("  -12.50 ")), ==, "-12.50");
	EXPECT_ERROR ("22P02", "invalid input syntax for type numeric: \"abc\"", num ("abc"));
	/* numeric -> int rounds half away from zero:
	 * select 2.5::numeric::int, 3.5::numeric::int, -2.5::numeric::int,
	 *        12.5::numeric::int, (-12.5)::numeric::int2 -> 3|4|-3|13|-13 */
	g_assert_cmpint (cast (num ("2.5"), OX_T_INT4, -1, false).v.i, ==, 3);
	g_assert_cmpint (cast (num ("3.5"), OX_T_INT4, -1, false).v.i, ==, 4);
	g_assert_cmpint (cast (num ("-2.5"), OX_T_INT4, -1, false).v.i, ==, -3);
	g_assert_cmpint (cast (num ("12.5"), OX_T_INT8, -1, false).v.i, ==, 13);
	g_assert_cmpint (cast (num ("-12.5"), OX_T_INT2, -1, false).v.i, ==, -13);
	EXPECT_ERROR ("22003", "integer out of range", cast (num ("1e10"), OX_T_INT4, -1, false));
	EXPECT_ERROR ("22003", "smallint out of range", cast (num ("32767.5"), OX_T_INT2, -1, false));
	EXPECT_ERROR ("22003", "bigint out of range", cast (num ("1e19"), OX_T_INT8, -1, false));
	EXPECT_ERROR ("0A000", "cannot convert NaN to integer", cast (num ("NaN"), OX_T_INT4, -1, false));
	EXPECT_ERROR ("0A000", "cannot convert NaN to smallint", cast (num ("NaN"), OX_T_INT2, -1, false));
	EXPECT_ERROR ("0A000", "cannot convert infinity to integer",
	              cast (num ("-Infinity"), OX_T_INT4, -1, false));
	EXPECT_ERROR ("0A000", "cannot convert infinity to bigint",
	              cast (num ("Infinity"), OX_T_INT8, -1, false));
}

static void
test_numeric_typmod (void)
{
	setup ();
	/* select 123.456::numeric(5,2), 1.5::numeric(10,0), (-7)::numeric(5,2)
	 *   -> 123.46|2|-7.00 */
	g_assert_cmpstr (out (cast (num ("123.456"), OX_T_NUMERIC, OX_TYPMOD_NUMERIC (5, 2), false)),
	                 ==, "123.46");
	g_assert_cmpstr (out (cast (num ("1.5"), OX_T_NUMERIC, OX_TYPMOD_NUMERIC (10, 0), false)), ==, "2");
	g_assert_cmpstr (out (cast (ox_int (OX_T_INT4, -7), OX_T_NUMERIC, OX_TYPMOD_NUMERIC (5, 2), false)),
	                 ==, "-7.00");
	g_assert_cmpstr (in_out ("3.14159", OX_T_NUMERIC, OX_TYPMOD_NUMERIC (4, 3)), ==, "3.142");
	/* select 1234.5::numeric(5,2) -> 22003 numeric field overflow */
	EXPECT_ERROR ("22003", "numeric field overflow",
	              cast (num ("1234.5"), OX_T_NUMERIC, OX_TYPMOD_NUMERIC (5, 2), false));
}

static void
test_numeric_float (void)
{
	setup ();
	/* select 1.23456789::float4::numeric, 1e30::float4::numeric,
	 *        'nan'::float4::numeric, '-inf'::float4::numeric,
	 *        0.1::float8::numeric, 1e-20::float4::numeric,
	 *        123456789012345678::float8::numeric
	 *   -> 1.23457|1000000000000000000000000000000|NaN|-Infinity|0.1|
	 *      0.00000000000000000001|123456789012346000 */
	OxValue f4 = cast (txt ("1.23456789"), OX_T_FLOAT4, -1, true);
	g_assert_cmpstr (out (cast (f4, OX_T_NUMERIC, -1, false)), ==, "1.23457");
	f4 = cast (txt ("1e30"), OX_T_FLOAT4, -1, true);
	g_assert_cmpstr (out (cast (f4, OX_T_NUMERIC, -1, false)), ==, "1000000000000000000000000000000");
	g_assert_cmpstr (out (cast (ox_float (OX_T_FLOAT4, NAN), OX_T_NUMERIC, -1, false)), ==, "NaN");
	g_assert_cmpstr (out (cast (ox_float (OX_T_FLOAT4, -INFINITY), OX_T_NUMERIC, -1, false)), ==, "-Infinity");
	g_assert_cmpstr (out (cast (ox_float (OX_T_FLOAT8, 0.1), OX_T_NUMERIC, -1, false)), ==, "0.1");
	f4 = cast (txt ("1e-20"), OX_T_FLOAT4, -1, true);
	g_assert_cmpstr (out (cast (f4, OX_T_NUMERIC, -1, false)), ==, "0.00000000000000000001");
	g_assert_cmpstr (out (cast (ox_float (OX_T_FLOAT8, 123456789012345678.0), OX_T_NUMERIC, -1, false)),
	                 ==, "123456789012346000");
	/* select 'nan'::numeric::float8, 'inf'::numeric::float4, '-inf'::numeric::float8,
	 *        1.5::numeric::float8 -> NaN|Infinity|-Infinity|1.5 */
	g_assert_true (isnan (cast (num ("NaN"), OX_T_FLOAT8, -1, false).v.f));
	g_assert_true (isinf (cast (num ("Infinity"), OX_T_FLOAT4, -1, false).v.f));
	g_assert_cmpfloat (cast (num ("-Infinity"), OX_T_FLOAT8, -1, false).v.f, <, 0);
	g_assert_cmpfloat (cast (num ("1.5"), OX_T_FLOAT8, -1, false).v.f, ==, 1.5);
	g_assert_cmpfloat (cast (num ("0.1"), OX_T_FLOAT4, -1, false).v.f, ==, (double) 0.1f);
	/* select 1e39::numeric::float4 -> 22003 "1000...0" is out of range for type real */
	EXPECT_ERROR ("22003", "\"1000000000000000000000000000000000000000\" is out of range for type real",
	              cast (num ("1e39"), OX_T_FLOAT4, -1, false));
	EXPECT_ERROR ("22003", NULL, cast (num ("1e400"), OX_T_FLOAT8, -1, false));
}

static void
test_numeric_cmp_hash (void)
{
	setup ();
	/* select 1.0::numeric = 1.00::numeric -> t */
	OxValue a = num ("1.0"), b = num ("1.00"), c = num ("1.01"), n = num ("NaN"), inf = num ("Infinity");
	g_assert_cmpint (ox_value_cmp (&a, &b), ==, 0);
	g_assert_cmpuint (ox_value_hash (&a), ==, ox_value_hash (&b));
	g_assert_cmpint (ox_value_cmp (&a, &c), <, 0);
	g_assert_cmpint (ox_value_cmp (&c, &a), >, 0);
	g_assert_cmpint (ox_value_cmp (&n, &inf), >, 0);
	g_assert_cmpint (ox_value_cmp (&n, &n), ==, 0);
}

/* ------------------------------------------------------------------ */
/* dates and timestamps (need datetime.c)                             */

static void
test_datetime_casts (void)
{
	setup ();
	/* select '2024-01-02'::date, '2024-01-02'::date::timestamp,
	 *        '2024-02-29 13:14:15.5'::timestamp, ...::timestamp::date
	 *   -> 2024-01-02|2024-01-02 00:00:00|2024-02-29 13:14:15.5|2024-02-29 */
	OxValue d = cast (txt ("2024-01-02"), OX_T_DATE, -1, true);
	g_assert_cmpstr (out (d), ==, "2024-01-02");
	g_assert_cmpstr (out (cast (d, OX_T_TIMESTAMP, -1, false)), ==, "2024-01-02 00:00:00");
	OxValue ts = cast (txt ("2024-02-29 13:14:15.5"), OX_T_TIMESTAMP, -1, true);
	g_assert_cmpstr (out (ts), ==, "2024-02-29 13:14:15.5");
	g_assert_cmpstr (out (cast (ts, OX_T_DATE, -1, false)), ==, "2024-02-29");
	g_assert_cmpstr (out (cast (ts, OX_T_TEXT, -1, false)), ==, "2024-02-29 13:14:15.5");
	/* Date against timestamp compares the date's midnight. */
	OxValue mid = cast (d, OX_T_TIMESTAMP, -1, false);
	g_assert_cmpint (ox_value_cmp (&d, &mid), ==, 0);
	g_assert_cmpuint (ox_value_hash (&d), ==, ox_value_hash (&mid));
	g_assert_cmpint (ox_value_cmp (&d, &ts), <, 0);
	g_assert_cmpint (ox_value_cmp (&ts, &d), >, 0);
	/* select 'abc'::date -> 22007; '2024-13-01'::date -> 22008 */
	EXPECT_ERROR ("22007", NULL, cast (txt ("abc"), OX_T_DATE, -1, true));
	EXPECT_ERROR ("22008", NULL, cast (txt ("2024-13-01"), OX_T_DATE, -1, true));
	EXPECT_ERROR ("22007", NULL, cast (txt ("abc"), OX_T_TIMESTAMP, -1, true));
}

static void
test_datetime_timezone (void)
{
	setup ();
	OxTimeZone *paris = ox_timezone_new ("Europe/Paris");
	g_assert_nonnull (paris);
	OxCastCtx cx = { .tz = paris, .now = 0 };
	/* set timezone='Europe/Paris';
	 * select '2024-01-02'::date::timestamptz,
	 *        '2024-07-01 00:30:00+00'::timestamptz::date,
	 *        '2024-07-01 00:30:00+00'::timestamptz::timestamp,
	 *        '2024-07-01 12:00'::timestamp::timestamptz,
	 *        '2024-07-01 12:00'::timestamptz
	 *   -> 2024-01-02 00:00:00+01|2024-07-01|2024-07-01 02:30:00|
	 *      2024-07-01 12:00:00+02|2024-07-01 12:00:00+02 */
	OxValue s = txt ("2024-01-02");
	OxValue d = ox_value_cast (arena, &cx, &s, ty (OX_T_DATE, -1), true);
	OxValue tz = ox_value_cast (arena, &cx, &d, ty (OX_T_TIMESTAMPTZ, -1), false);
	g_assert_cmpstr (out_cx (&cx, tz), ==, "2024-01-02 00:00:00+01");

	s = txt ("2024-07-01 00:30:00+00");
	tz = ox_value_cast (arena, &cx, &s, ty (OX_T_TIMESTAMPTZ, -1), true);
	g_assert_cmpstr (out_cx (&cx, ox_value_cast (arena, &cx, &tz, ty (OX_T_DATE, -1), false)), ==, "2024-07-01");
	g_assert_cmpstr (out_cx (&cx, ox_value_cast (arena, &cx, &tz, ty (OX_T_TIMESTAMP, -1), false)),
	                 ==, "2024-07-01 02:30:00");
	/* In UTC, 2024-06-30 23:30+00 is still June 30th; in Paris it is July 1st. */
	s = txt ("2024-06-30 23:30:00+00");
	tz = ox_value_cast (arena, &cx, &s, ty (OX_T_TIMESTAMPTZ, -1), true);
	g_assert_cmpstr (out (cast (tz, OX_T_DATE, -1, false)), ==, "2024-06-30");
	g_assert_cmpstr (out_cx (&cx, ox_value_cast (arena, &cx, &tz, ty (OX_T_DATE, -1), false)), ==, "2024-07-01");

	s = txt ("2024-07-01 12:00");
	OxValue ts = ox_value_cast (arena, &cx, &s, ty (OX_T_TIMESTAMP, -1), true);
	g_assert_cmpstr (out_cx (&cx, ox_value_cast (arena, &cx, &ts, ty (OX_T_TIMESTAMPTZ, -1), false)),
	                 ==, "2024-07-01 12:00:00+02");
	g_assert_cmpstr (out_cx (&cx, ox_value_cast (arena, &cx, &s, ty (OX_T_TIMESTAMPTZ, -1), true)),
	                 ==, "2024-07-01 12:00:00+02");
	/* select 'infinity'::date::timestamptz, '-infinity'::timestamp::date,
	 *        'infinity'::timestamptz::timestamp -> infinity|-infinity|infinity */
	s = txt ("infinity");
	d = ox_value_cast (arena, &cx, &s, ty (OX_T_DATE, -1), true);
	g_assert_cmpstr (out_cx (&cx, ox_value_cast (arena, &cx, &d, ty (OX_T_TIMESTAMPTZ, -1), false)),
	                 ==, "infinity");
	s = txt ("-infinity");
	ts = ox_value_cast (arena, &cx, &s, ty (OX_T_TIMESTAMP, -1), true);
	g_assert_cmpstr (out_cx (&cx, ox_value_cast (arena, &cx, &ts, ty (OX_T_DATE, -1), false)), ==, "-infinity");
	ox_timezone_free (paris);
}

/* ------------------------------------------------------------------ */
/* comparison and hashing                                             */

static void
test_cmp_int (void)
{
	OxValue a = ox_int (OX_T_INT2, 5), b = ox_int (OX_T_INT8, 5), c = ox_int (OX_T_INT4, -7);
	OxValue big = ox_int (OX_T_INT8, INT64_MAX), small = ox_int (OX_T_INT8, INT64_MIN);
	g_assert_cmpint (ox_value_cmp (&a, &b), ==, 0);
	g_assert_cmpint (ox_value_cmp (&a, &c), >, 0);
	g_assert_cmpint (ox_value_cmp (&c, &b), <, 0);
	g_assert_cmpint (ox_value_cmp (&big, &small), >, 0);
	g_assert_cmpint (ox_value_cmp (&small, &big), <, 0);
	/* Integers against floats compare as double precision. */
	OxValue f = ox_float (OX_T_FLOAT8, 5.0), g = ox_float (OX_T_FLOAT4, 5.5);
	g_assert_cmpint (ox_value_cmp (&a, &f), ==, 0);
	g_assert_cmpint (ox_value_cmp (&g, &b), >, 0);
}

static void
test_cmp_float (void)
{
	/* select 'nan'::float8 = 'nan'::float8, 'nan'::float8 > 'inf'::float8,
	 *        -0.0::float8 = 0.0::float8 -> t|t|t */
	OxValue nan1 = ox_float (OX_T_FLOAT8, NAN), nan2 = ox_float (OX_T_FLOAT8, -NAN);
	OxValue inf = ox_float (OX_T_FLOAT8, INFINITY), ninf = ox_float (OX_T_FLOAT8, -INFINITY);
	OxValue z = ox_float (OX_T_FLOAT8, 0.0), nz = ox_float (OX_T_FLOAT8, -0.0);
	OxValue one4 = ox_float (OX_T_FLOAT4, 1.0), one8 = ox_float (OX_T_FLOAT8, 1.0);
	g_assert_cmpint (ox_value_cmp (&nan1, &nan2), ==, 0);
	g_assert_cmpint (ox_value_cmp (&nan1, &inf), >, 0);
	g_assert_cmpint (ox_value_cmp (&inf, &nan1), <, 0);
	g_assert_cmpint (ox_value_cmp (&ninf, &z), <, 0);
	g_assert_cmpint (ox_value_cmp (&z, &nz), ==, 0);
	g_assert_cmpint (ox_value_cmp (&one4, &one8), ==, 0);
	g_assert_cmpuint (ox_value_hash (&z), ==, ox_value_hash (&nz));
	g_assert_cmpuint (ox_value_hash (&nan1), ==, ox_value_hash (&nan2));
	g_assert_cmpuint (ox_value_hash (&one4), ==, ox_value_hash (&one8));
	g_assert_cmpuint (ox_value_hash (&z), !=, ox_value_hash (&one8));
}

static void
test_cmp_text (void)
{
	OxValue a = txt ("a"), ab = txt ("ab"), b = txt ("b"), e = txt (""), acc = txt ("é"), z = txt ("z");
	OxValue up = txt ("B");
	g_assert_cmpint (ox_value_cmp (&a, &ab), <, 0);
	g_assert_cmpint (ox_value_cmp (&ab, &a), >, 0);
	g_assert_cmpint (ox_value_cmp (&ab, &b), <, 0);
	g_assert_cmpint (ox_value_cmp (&e, &a), <, 0);
	g_assert_cmpint (ox_value_cmp (&e, &e), ==, 0);
	/* C collation: bytes, so 'B' < 'a' and 'é' > 'z'. */
	g_assert_cmpint (ox_value_cmp (&up, &a), <, 0);
	g_assert_cmpint (ox_value_cmp (&acc, &z), >, 0);
	OxValue vc = ox_text (OX_T_VARCHAR, "ab", 2);
	g_assert_cmpint (ox_value_cmp (&vc, &ab), ==, 0);
	g_assert_cmpuint (ox_value_hash (&vc), ==, ox_value_hash (&ab));
	g_assert_cmpuint (ox_value_hash (&a), !=, ox_value_hash (&ab));
}

static void
test_cmp_bpchar (void)
{
	/* select 'ab '::char(3) = 'ab'::char(2), 'ab '::char(3) = 'ab'::text,
	 *        'ab'::char(3) = 'ab '::text -> t|t|f */
	OxValue c3 = ox_text (OX_T_BPCHAR, "ab ", 3), c2 = ox_text (OX_T_BPCHAR, "ab", 2);
	OxValue t = txt ("ab"), tsp = txt ("ab "), u = ox_text (OX_T_UNKNOWN, "ab    ", 6);
	g_assert_cmpint (ox_value_cmp (&c3, &c2), ==, 0);
	g_assert_cmpint (ox_value_cmp (&c3, &t), ==, 0);
	g_assert_cmpint (ox_value_cmp (&t, &c3), ==, 0);
	g_assert_cmpint (ox_value_cmp (&c3, &tsp), <, 0);
	g_assert_cmpint (ox_value_cmp (&tsp, &c2), >, 0);
	/* An untyped literal facing a char takes char's rules. */
	g_assert_cmpint (ox_value_cmp (&u, &c3), ==, 0);
	g_assert_cmpint (ox_value_cmp (&c2, &u), ==, 0);
	g_assert_cmpuint (ox_value_hash (&c3), ==, ox_value_hash (&c2));
	g_assert_cmpuint (ox_value_hash (&c3), ==, ox_value_hash (&t));
	/* Trailing spaces only: 'a b' keeps its inner space. */
	OxValue x = ox_text (OX_T_BPCHAR, "a b  ", 5), y = ox_text (OX_T_BPCHAR, "a", 1);
	g_assert_cmpint (ox_value_cmp (&x, &y), >, 0);
	OxValue sp = ox_text (OX_T_BPCHAR, "   ", 3), empty = ox_text (OX_T_BPCHAR, "", 0);
	g_assert_cmpint (ox_value_cmp (&sp, &empty), ==, 0);
	g_assert_cmpuint (ox_value_hash (&sp), ==, ox_value_hash (&empty));
}

static void
test_cmp_other (void)
{
	OxValue f = ox_bool (false), t = ox_bool (true);
	g_assert_cmpint (ox_value_cmp (&f, &t), <, 0);
	g_assert_cmpint (ox_value_cmp (&t, &t), ==, 0);
	g_assert_cmpuint (ox_value_hash (&f), !=, ox_value_hash (&t));

	OxValue b1 = { .type = OX_T_BYTEA, .len = 2 }, b2 = { .type = OX_T_BYTEA, .len = 3 };
	b1.v.bytes = (const uint8_t *) "\x01\xff";
	b2.v.bytes = (const uint8_t *) "\x01\xff\x00";
	g_assert_cmpint (ox_value_cmp (&b1, &b2), <, 0);
	OxValue b0 = { .type = OX_T_BYTEA, .len = 0 };  /* NULL pointer, length 0 */
	g_assert_cmpint (ox_value_cmp (&b0, &b1), <, 0);
	g_assert_cmpint (ox_value_cmp (&b0, &b0), ==, 0);
	g_assert_cmpuint (ox_value_hash (&b0), ==, ox_value_hash (&b0));

	/* Dates against timestamps without datetime.c: day 1 is 2000-01-02. */
	OxValue d = ox_int (OX_T_DATE, 1);
	OxValue ts = ox_int (OX_T_TIMESTAMP, OX_USECS_PER_DAY);
	OxValue ts1 = ox_int (OX_T_TIMESTAMP, OX_USECS_PER_DAY + 1);
	OxValue tsneg = ox_int (OX_T_TIMESTAMP, -1);
	OxValue d0 = ox_int (OX_T_DATE, 0), dneg = ox_int (OX_T_DATE, -1);
	g_assert_cmpint (ox_value_cmp (&d, &ts), ==, 0);
	g_assert_cmpuint (ox_value_hash (&d), ==, ox_value_hash (&ts));
	g_assert_cmpint (ox_value_cmp (&d, &ts1), <, 0);
	g_assert_cmpint (ox_value_cmp (&d0, &tsneg), >, 0);
	g_assert_cmpint (ox_value_cmp (&dneg, &tsneg), <, 0);
	OxValue dinf = ox_int (OX_T_DATE, OX_DATE_NOEND), tsinf = ox_int (OX_T_TIMESTAMP, OX_TS_NOEND);
	OxValue dfar = ox_int (OX_T_DATE, 2000000000);  /* past the timestamp range */
	g_assert_cmpint (ox_value_cmp (&dinf, &tsinf), ==, 0);
	g_assert_cmpuint (ox_value_hash (&dinf), ==, ox_value_hash (&tsinf));
	g_assert_cmpint (ox_value_cmp (&dfar, &tsinf), <, 0);
	g_assert_cmpint (ox_value_cmp (&dfar, &ts1), >, 0);
	g_assert_cmpint (ox_value_cmp (&tsinf, &dfar), >, 0);

	/* Pairs the binder must cast first are internal errors. */
	OxValue i = ox_int (OX_T_INT4, 1);
	EXPECT_ERROR ("XX000", NULL, ox_value_cmp (&i, &t));
}

static void
test_hash_int (void)
{
	/* Equal values hash equally whatever the width. */
	for (int64_t v = -40000; v <= 40000; v += 997) {
		OxValue a = ox_int (OX_T_INT8, v), b = ox_int (OX_T_INT4, v);
		g_assert_cmpuint (ox_value_hash (&a), ==, ox_value_hash (&b));
		if (v >= INT16_MIN && v <= INT16_MAX) {
			OxValue c = ox_int (OX_T_INT2, v);
			g_assert_cmpuint (ox_value_hash (&a), ==, ox_value_hash (&c));
		}
	}
	/* Sequential keys spread over the low bits a hash table uses. */
	guint buckets[64] = { 0 };
	for (int64_t v = 0; v < 64 * 1024; v++) {
		OxValue a = ox_int (OX_T_INT4, v);
		buckets[ox_value_hash (&a) & 63]++;
	}
	for (int i = 0; i < 64; i++) {
		g_assert_cmpuint (buckets[i], >, 900);
		g_assert_cmpuint (buckets[i], <, 1150);
	}
	OxValue n = ox_null (OX_T_INT4);
	g_assert_cmpuint (ox_value_hash (&n), ==, 0);
}

static void
test_hash_text (void)
{
	GHashTable *seen = g_hash_table_new (g_direct_hash, g_direct_equal);
	char buf[32];
	guint collisions = 0;
	for (int i = 0; i < 20000; i++) {
		int n = g_snprintf (buf, sizeof buf, "key-%d", i);
		OxValue v = ox_text (OX_T_TEXT, buf, (size_t) n);
		guint h = ox_value_hash (&v);
		if (g_hash_table_contains (seen, GUINT_TO_POINTER (h)))
			collisions++;
		g_hash_table_add (seen, GUINT_TO_POINTER (h));
	}
	/* 20000 keys in 2^32: a collision or two at most by chance. */
	g_assert_cmpuint (collisions, <, 3);
	g_hash_table_destroy (seen);
	/* Length matters even when the tail is zero bytes. */
	OxValue b1 = { .type = OX_T_BYTEA, .len = 1 }, b2 = { .type = OX_T_BYTEA, .len = 2 };
	b1.v.bytes = b2.v.bytes = (const uint8_t *) "\0\0";
	g_assert_cmpuint (ox_value_hash (&b1), !=, ox_value_hash (&b2));
}

/* ------------------------------------------------------------------ */

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	arena = ox_arena_new ();
	utc_cx.tz = ox_timezone_new ("UTC");
	utc_cx.now = 0;

	g_test_add_func ("/engine/cast/int/parse", test_int_parse);
	g_test_add_func ("/engine/cast/int/parse-errors", test_int_parse_errors);
	g_test_add_func ("/engine/cast/int/parse-overflow", test_int_parse_overflow);
	g_test_add_func ("/engine/cast/int/out", test_int_out);
	g_test_add_func ("/engine/cast/int/widths", test_int_widths);
	g_test_add_func ("/engine/cast/int4/overflow", test_int4_overflow);
	g_test_add_func ("/engine/cast/bool/parse", test_bool_parse);
	g_test_add_func ("/engine/cast/bool/int", test_bool_cast);
	g_test_add_func ("/engine/cast/bool/text", test_bool_text);
	g_test_add_func ("/engine/cast/float8/out", test_float8_out);
	g_test_add_func ("/engine/cast/float4/out", test_float4_out);
	g_test_add_func ("/engine/cast/float/roundtrip", test_float_roundtrip);
	g_test_add_func ("/engine/cast/float/parse", test_float_parse);
	g_test_add_func ("/engine/cast/float/parse-errors", test_float_parse_errors);
	g_test_add_func ("/engine/cast/float/to-int", test_float_to_int);
	g_test_add_func ("/engine/cast/float/narrowing", test_float_narrowing);
	g_test_add_func ("/engine/cast/bytea/out", test_bytea_out);
	g_test_add_func ("/engine/cast/bytea/parse", test_bytea_parse);
	g_test_add_func ("/engine/cast/bytea/parse-errors", test_bytea_parse_errors);
	g_test_add_func ("/engine/cast/varchar/typmod", test_varchar_typmod);
	g_test_add_func ("/engine/cast/bpchar/typmod", test_bpchar_typmod);
	g_test_add_func ("/engine/cast/bpchar/trim", test_bpchar_trim);
	g_test_add_func ("/engine/cast/text/io", test_text_io);
	g_test_add_func ("/engine/cast/matrix/context", test_cast_context);
	g_test_add_func ("/engine/cast/matrix/impossible", test_cast_impossible);
	g_test_add_func ("/engine/cast/numeric/casts", test_numeric_casts);
	g_test_add_func ("/engine/cast/numeric/typmod", test_numeric_typmod);
	g_test_add_func ("/engine/cast/numeric/float", test_numeric_float);
	g_test_add_func ("/engine/cast/numeric/cmp-hash", test_numeric_cmp_hash);
	g_test_add_func ("/engine/cast/datetime/casts", test_datetime_casts);
	g_test_add_func ("/engine/cast/datetime/timezone", test_datetime_timezone);
	g_test_add_func ("/engine/cast/cmp/int", test_cmp_int);
	g_test_add_func ("/engine/cast/cmp/float", test_cmp_float);
	g_test_add_func ("/engine/cast/cmp/text", test_cmp_text);
	g_test_add_func ("/engine/cast/cmp/bpchar", test_cmp_bpchar);
	g_test_add_func ("/engine/cast/cmp/other", test_cmp_other);
	g_test_add_func ("/engine/cast/hash/int", test_hash_int);
	g_test_add_func ("/engine/cast/hash/text", test_hash_text);

	int rc = g_test_run ();
	ox_timezone_free ((OxTimeZone *) utc_cx.tz);
	ox_arena_free (arena);
	return rc;
}

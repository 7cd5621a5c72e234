/*
 * test-functions.c — built-in scalar functions and call resolution,
 * against PostgreSQL 15.
 *
 * Unless a comment says otherwise, every expected value below is what a
 * PostgreSQL 15.18 server printed for the SQL shown beside it (psql -At,
 * TimeZone UTC unless the test sets another zone); error cases carry the
 * server's SQLSTATE and message.
 *
 * Calls go through ox_builtin_resolve with the arguments' own types, the
 * way the binder calls them once it has cast the arguments, and results
 * are printed with ox_value_out so they compare with psql's text.
 *
 * NOTE: errors longjmp; EXPECT_ERROR installs a handler around one call.
 */
#include "exec/functions.h"
#include "base/cast.h"
#include "base/datetime.h"
#include "base/error.h"
#include "base/numeric.h"

#include <glib.h>
#include <math.h>
#include <string.h>

static OxArena *arena;
static OxCastCtx utc_cx;       /* UTC; "now" is 2024-03-05 12:34:56.789012+00 */
static OxCastCtx ny_cx;        /* America/New_York, same instant */
static const OxCastCtx *cx;    /* the session the calls run in */

/* ---- values ------------------------------------------------------------ */

static OxValue
T (const char *s)
{
	return ox_text (OX_T_TEXT, ox_arena_strdup (arena, s), strlen (s));
}

static OxValue
U (const char *s)
{
	return ox_text (OX_T_UNKNOWN, ox_arena_strdup (arena, s), strlen (s));
}

static OxValue
BP (const char *s)
{
	return ox_text (OX_T_BPCHAR, ox_arena_strdup (arena, s), strlen (s));
}

#define I2(i) ox_int (OX_T_INT2, (i))
#define I4(i) ox_int (OX_T_INT4, (i))
#define I8(i) ox_int (OX_T_INT8, (i))
#define F4(f) ox_float (OX_T_FLOAT4, (float) (f))
#define F8(f) ox_float (OX_T_FLOAT8, (f))
#define NUL(t) ox_null (t)

static OxValue
N (const char *s)
{
	OxValue v = { .type = OX_T_NUMERIC };
	v.v.num = ox_numeric_parse (arena, s, strlen (s));
	return v;
}

/* bytea from hex digits: B ("00ff41") */
static OxValue
B (const char *hex)
{
	size_t n = strlen (hex) / 2;
	uint8_t *p = ox_arena_alloc (arena, n + 1);
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t) (g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]));
	OxValue v = { .type = OX_T_BYTEA, .len = (uint32_t) n };
	v.v.bytes = p;
	return v;
}

static OxValue
DATEV (const char *s)
{
	return ox_int (OX_T_DATE, ox_date_in (s, strlen (s)));
}

static OxValue
TSV (const char *s)
{
	return ox_int (OX_T_TIMESTAMP, ox_timestamp_in (s, strlen (s), cx->now, cx->tz));
}

static OxValue
TZV (const char *s)
{
	return ox_int (OX_T_TIMESTAMPTZ, ox_timestamptz_in (s, strlen (s), cx->now, cx->tz));
}

/* ---- calling ----------------------------------------------------------- */

/* Resolve name for 'types' (the call site's types, before the binder's
 * casts) and run it on 'args' as the executor does: a strict function
 * sees no NULLs. */
static OxValue
callv_typed (const char *name, int nargs, const OxTypeId *types, const OxValue *args)
{
	const OxBuiltin *b = NULL;
	OxResolveStatus st = ox_builtin_resolve (name, nargs, types, &b);
	if (st != OX_RESOLVE_OK)
		g_error ("%s/%d: resolution failed with status %d", name, nargs, st);
	if (b->strict)
		for (int i = 0; i < nargs; i++)
			if (args[i].null)
				return ox_null (b->ret);
	OxFuncCtx ctx = { .arena = arena, .cx = cx };
	OxValue r = ox_null (b->ret);
	b->fn (&ctx, nargs, args, &r);
	g_assert_cmpint (r.type, ==, b->ret);
	return r;
}

/* The same, resolving for the arguments' own types. */
static OxValue
callv (const char *name, int nargs, const OxValue *args)
{
	OxTypeId types[8] = { 0 };
	g_assert (nargs <= 8);
	for (int i = 0; i < nargs; i++)
		types[i] = (OxTypeId) args[i].type;
	return callv_typed (name, nargs, types, args);
}

#define NARGS(...) ((int) (sizeof ((OxValue[]) { __VA_ARGS__ }) / sizeof (OxValue)))
#define CALL(name, ...) callv ((name), NARGS (__VA_ARGS__), (OxValue[]) { __VA_ARGS__ })
#define CALL0(name) callv ((name), 0, NULL)

/* psql's text for a value; NULL prints as "<NULL>". */
static const char *
out (OxValue v)
{
	if (v.null)
		return "<NULL>";
	return ox_value_out (arena, cx, &v, NULL);
}

#define EXPECT(call, expected) g_assert_cmpstr (out (call), ==, (expected))

#define EXPECT_ERROR_HINT(state, msg, hint_, call)                                 \
	do {                                                                      \
		volatile bool raised_ = false;                                    \
		OX_TRY {                                                          \
			(void) (call);                                            \
		} OX_CATCH {                                                      \
			OxErrorData e_;                                           \
			raised_ = true;                                           \
			ox_error_take (&e_);                                      \
			g_assert_cmpstr (e_.sqlstate, ==, (state));               \
			g_assert_cmpstr (e_.message, ==, (msg));                  \
			if ((hint_) != NULL)                                     \
				g_assert_cmpstr (e_.hint, ==, (hint_));          \
			ox_error_data_clear (&e_);                                \
		} OX_END_TRY;                                                     \
		if (!raised_)                                                     \
			g_error ("%s:%d: expected %s from %s", __FILE__, __LINE__, \
			         (state), #call);                                 \
	} while (0)

#define EXPECT_ERROR(state, msg, call) EXPECT_ERROR_HINT (state, msg, (const char *) NULL, call)

/* ========================================================================
 * Resolution
 * ======================================================================== */

#define UNK  OX_T_UNKNOWN
#define BOOL OX_T_BOOL
#define INT2 OX_T_INT2
#define INT4 OX_T_INT4
#define INT8 OX_T_INT8
#define NUM  OX_T_NUMERIC
#define FLT4 OX_T_FLOAT4
#define FLT8 OX_T_FLOAT8
#define TEXT OX_T_TEXT
#define VCHR OX_T_VARCHAR
#define BPCH OX_T_BPCHAR
#define BYTA OX_T_BYTEA
#define DATE OX_T_DATE
#define TSTP OX_T_TIMESTAMP
#define TSTZ OX_T_TIMESTAMPTZ

typedef struct {
	const char     *sql;        /* the PostgreSQL query the case mirrors */
	const char     *name;
	int             nargs;
	OxTypeId        args[6];
	OxResolveStatus status;
	OxTypeId        want[4];    /* declared argument types of the winner */
	OxTypeId        ret;
} ResolveCase;

static void
run_resolve_cases (const ResolveCase *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const OxBuiltin *b = NULL;
		OxResolveStatus st = ox_builtin_resolve (c[i].name, c[i].nargs, c[i].args, &b);
		if (st != c[i].status)
			g_error ("%s: status %d, expected %d", c[i].sql, st, c[i].status);
		if (st != OX_RESOLVE_OK) {
			g_assert_null (b);
			continue;
		}
		if (b->ret != c[i].ret)
			g_error ("%s: returns %s, expected %s", c[i].sql, ox_type_name (b->ret), ox_type_name (c[i].ret));
		for (int j = 0; j < b->nargs; j++)
			if (b->args[j] != c[i].want[j])
				g_error ("%s: argument %d is %s, expected %s", c[i].sql, j + 1,
				         ox_type_name (b->args[j]), ox_type_name (c[i].want[j]));
	}
}

/* Each case's winner matches pg_typeof() of the call on PostgreSQL 15, or
 * its error ("does not exist" = NO_MATCH, "is not unique" = AMBIGUOUS). */
static void
test_resolve_exact_and_implicit (void)
{
	static const ResolveCase cases[] = {
		{ "abs(int4 col)", "abs", 1, { INT4 }, OX_RESOLVE_OK, { INT4 }, INT4 },
		{ "abs(1::int2)", "abs", 1, { INT2 }, OX_RESOLVE_OK, { INT2 }, INT2 },
		{ "abs(1::real) → real", "abs", 1, { FLT4 }, OX_RESOLVE_OK, { FLT4 }, FLT4 },
		{ "abs(1.5)", "abs", 1, { NUM }, OX_RESOLVE_OK, { NUM }, NUM },
		{ "sign(-5) → double precision", "sign", 1, { INT4 }, OX_RESOLVE_OK, { FLT8 }, FLT8 },
		{ "round(42) → double precision", "round", 1, { INT4 }, OX_RESOLVE_OK, { FLT8 }, FLT8 },
		{ "round(42, 1) → numeric", "round", 2, { INT4, INT4 }, OX_RESOLVE_OK, { NUM, INT4 }, NUM },
		{ "trunc(1::int8) → double precision", "trunc", 1, { INT8 }, OX_RESOLVE_OK, { FLT8 }, FLT8 },
		{ "mod(5, 2.0) → numeric", "mod", 2, { INT4, NUM }, OX_RESOLVE_OK, { NUM, NUM }, NUM },
		{ "mod(1::int2, 2) → integer", "mod", 2, { INT2, INT4 }, OX_RESOLVE_OK, { INT4, INT4 }, INT4 },
		{ "mod(1::int8, 2) → bigint", "mod", 2, { INT8, INT4 }, OX_RESOLVE_OK, { INT8, INT8 }, INT8 },
		{ "power(2, 3) → double precision", "power", 2, { INT4, INT4 }, OX_RESOLVE_OK, { FLT8, FLT8 }, FLT8 },
		{ "power(2, 0.5) → numeric", "power", 2, { INT4, NUM }, OX_RESOLVE_OK, { NUM, NUM }, NUM },
		{ "power(2::real, 2::real) → double precision", "power", 2, { FLT4, FLT4 }, OX_RESOLVE_OK, { FLT8, FLT8 }, FLT8 },
		{ "ln(2) → double precision", "ln", 1, { INT4 }, OX_RESOLVE_OK, { FLT8 }, FLT8 },
		{ "log(2, 8) → numeric", "log", 2, { INT4, INT4 }, OX_RESOLVE_OK, { NUM, NUM }, NUM },
		{ "length('a'::varchar) → integer", "length", 1, { VCHR }, OX_RESOLVE_OK, { TEXT }, INT4 },
		{ "length('a'::char(1))", "length", 1, { BPCH }, OX_RESOLVE_OK, { BPCH }, INT4 },
		{ "length('\\x01'::bytea)", "length", 1, { BYTA }, OX_RESOLVE_OK, { BYTA }, INT4 },
		{ "lpad('x'::varchar, 3::int2) → text", "lpad", 2, { VCHR, INT2 }, OX_RESOLVE_OK, { TEXT, INT4 }, TEXT },
		{ "strpos('abc'::char(3), 'b')", "strpos", 2, { BPCH, UNK }, OX_RESOLVE_OK, { TEXT, TEXT }, INT4 },
		{ "chr(65::int2)", "chr", 1, { INT2 }, OX_RESOLVE_OK, { INT4 }, TEXT },
		{ "date_trunc('day', '2024-01-05'::date) → timestamptz", "date_trunc", 2, { UNK, DATE },
		  OX_RESOLVE_OK, { TEXT, TSTZ }, TSTZ },
		{ "date_trunc('day', localtimestamp)", "date_trunc", 2, { UNK, TSTP }, OX_RESOLVE_OK, { TEXT, TSTP }, TSTP },
		{ "date_part('year', current_date)", "date_part", 2, { UNK, DATE }, OX_RESOLVE_OK, { TEXT, DATE }, FLT8 },
		{ "date_part('year', now())", "date_part", 2, { UNK, TSTZ }, OX_RESOLVE_OK, { TEXT, TSTZ }, FLT8 },
		{ "to_timestamp(1) → timestamptz", "to_timestamp", 1, { INT4 }, OX_RESOLVE_OK, { FLT8 }, TSTZ },
		{ "now()", "now", 0, { 0 }, OX_RESOLVE_OK, { 0 }, TSTZ },
	};
	run_resolve_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_resolve_unknown_literals (void)
{
	static const ResolveCase cases[] = {
		{ "length('abc') → length(text)", "length", 1, { UNK }, OX_RESOLVE_OK, { TEXT }, INT4 },
		{ "md5(null) → text", "md5", 1, { UNK }, OX_RESOLVE_OK, { TEXT }, TEXT },
		{ "substr('hello', 2)", "substr", 2, { UNK, INT4 }, OX_RESOLVE_OK, { TEXT, INT4 }, TEXT },
		{ "btrim('xx', 'x')", "btrim", 2, { UNK, UNK }, OX_RESOLVE_OK, { TEXT, TEXT }, TEXT },
		/* No string candidate: the numeric category's preferred type wins. */
		{ "abs('-5') → double precision", "abs", 1, { UNK }, OX_RESOLVE_OK, { FLT8 }, FLT8 },
		{ "sqrt('4') → double precision", "sqrt", 1, { UNK }, OX_RESOLVE_OK, { FLT8 }, FLT8 },
		{ "log('100', 2.0)", "log", 2, { UNK, NUM }, OX_RESOLVE_OK, { NUM, NUM }, NUM },
	};
	run_resolve_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_resolve_failures (void)
{
	static const ResolveCase cases[] = {
		{ "nosuchfn(1)", "nosuchfn", 1, { INT4 }, OX_RESOLVE_NO_SUCH_NAME, { 0 }, 0 },
		{ "abs()", "abs", 0, { 0 }, OX_RESOLVE_NO_MATCH, { 0 }, 0 },
		{ "abs('x'::text)", "abs", 1, { TEXT }, OX_RESOLVE_NO_MATCH, { 0 }, 0 },
		{ "substr('x', 1.5): no implicit numeric → int4", "substr", 2, { UNK, NUM }, OX_RESOLVE_NO_MATCH, { 0 }, 0 },
		{ "round(1.5, 2::bigint)", "round", 2, { NUM, INT8 }, OX_RESOLVE_NO_MATCH, { 0 }, 0 },
		{ "left('abc', 2::bigint)", "left", 2, { UNK, INT8 }, OX_RESOLVE_NO_MATCH, { 0 }, 0 },
		{ "repeat('a', 2::int8)", "repeat", 2, { UNK, INT8 }, OX_RESOLVE_NO_MATCH, { 0 }, 0 },
		{ "length(1)", "length", 1, { INT4 }, OX_RESOLVE_NO_MATCH, { 0 }, 0 },
		{ "to_hex(1::int2) is not unique", "to_hex", 1, { INT2 }, OX_RESOLVE_AMBIGUOUS, { 0 }, 0 },
		{ "gcd(1::int2, 2::int2) is not unique", "gcd", 2, { INT2, INT2 }, OX_RESOLVE_AMBIGUOUS, { 0 }, 0 },
	};
	run_resolve_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_resolve_variadic (void)
{
	static const ResolveCase cases[] = {
		{ "concat('a', 1, true)", "concat", 3, { UNK, INT4, BOOL }, OX_RESOLVE_OK, { TEXT }, TEXT },
		{ "concat(1)", "concat", 1, { INT4 }, OX_RESOLVE_OK, { TEXT }, TEXT },
		{ "concat()", "concat", 0, { 0 }, OX_RESOLVE_NO_MATCH, { 0 }, 0 },
		{ "concat_ws('a'::varchar, 1)", "concat_ws", 2, { VCHR, INT4 }, OX_RESOLVE_OK, { TEXT }, TEXT },
		{ "concat_ws(',') does not exist", "concat_ws", 1, { UNK }, OX_RESOLVE_NO_MATCH, { 0 }, 0 },
		{ "concat_ws(1, 'a') does not exist", "concat_ws", 2, { INT4, UNK }, OX_RESOLVE_NO_MATCH, { 0 }, 0 },
		{ "make_timestamp(2024, 1, 2, 3, 4, 5)", "make_timestamp", 6, { INT4, INT4, INT4, INT4, INT4, INT4 },
		  OX_RESOLVE_OK, { FLT8 }, TSTP },
		{ "make_timestamp(2024, 1, 2, 3, 4, 5.5)", "make_timestamp", 6, { INT4, INT4, INT4, INT4, INT4, NUM },
		  OX_RESOLVE_OK, { FLT8 }, TSTP },
		{ "make_timestamp(2024.0, ...)", "make_timestamp", 6, { NUM, INT4, INT4, INT4, INT4, INT4 },
		  OX_RESOLVE_NO_MATCH, { 0 }, 0 },
		{ "make_timestamp(2024, 1, 2, 3, 4)", "make_timestamp", 5, { INT4, INT4, INT4, INT4, INT4 },
		  OX_RESOLVE_NO_MATCH, { 0 }, 0 },
	};
	run_resolve_cases (cases, G_N_ELEMENTS (cases));
	const OxBuiltin *b;
	g_assert_cmpint (ox_builtin_resolve ("concat", 2, (OxTypeId[]) { TEXT, INT4 }, &b), ==, OX_RESOLVE_OK);
	g_assert_cmpint (b->nargs, ==, -1);
	g_assert_false (b->strict);
}

static void
dummy_fn (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
}

/* Tie-breaking on made-up tables: PostgreSQL's rules, not our table's
 * accidents. */
static void
test_resolve_ambiguous (void)
{
	static const OxBuiltin t[] = {
		{ "f", 2, { INT8, INT4 }, INT8, true, OX_IMMUTABLE, dummy_fn },
		{ "f", 2, { INT4, INT8 }, INT4, true, OX_IMMUTABLE, dummy_fn },
		{ "g", 1, { NUM }, NUM, true, OX_IMMUTABLE, dummy_fn },
		{ "g", 1, { DATE }, DATE, true, OX_IMMUTABLE, dummy_fn },
		{ "h", 1, { BYTA }, BYTA, true, OX_IMMUTABLE, dummy_fn },
		{ "h", 1, { VCHR }, VCHR, true, OX_IMMUTABLE, dummy_fn },
		{ "h", 1, { TEXT }, TEXT, true, OX_IMMUTABLE, dummy_fn },
		{ "k", 2, { INT4, TEXT }, INT4, true, OX_IMMUTABLE, dummy_fn },
		{ "k", 2, { INT8, INT8 }, INT8, true, OX_IMMUTABLE, dummy_fn },
	};
	const OxBuiltin *b;
	/* Both need one cast and neither is exact anywhere. */
	g_assert_cmpint (ox_builtin_resolve_in (t, G_N_ELEMENTS (t), "f", 2, (OxTypeId[]) { INT2, INT2 }, &b),
	                 ==, OX_RESOLVE_AMBIGUOUS);
	g_assert_null (b);
	/* One exact position is enough. */
	g_assert_cmpint (ox_builtin_resolve_in (t, G_N_ELEMENTS (t), "f", 2, (OxTypeId[]) { INT4, INT2 }, &b),
	                 ==, OX_RESOLVE_OK);
	g_assert_cmpint (b->ret, ==, INT4);
	/* An unknown literal between two categories, neither of them string. */
	g_assert_cmpint (ox_builtin_resolve_in (t, G_N_ELEMENTS (t), "g", 1, (OxTypeId[]) { UNK }, &b),
	                 ==, OX_RESOLVE_AMBIGUOUS);
	/* The string category wins for unknowns, and text within it. */
	g_assert_cmpint (ox_builtin_resolve_in (t, G_N_ELEMENTS (t), "h", 1, (OxTypeId[]) { UNK }, &b),
	                 ==, OX_RESOLVE_OK);
	g_assert_cmpint (b->ret, ==, TEXT);
	/* The last rule: the typed argument is int8, so take the candidate that
	 * accepts int8 everywhere. */
	g_assert_cmpint (ox_builtin_resolve_in (t, G_N_ELEMENTS (t), "k", 2, (OxTypeId[]) { INT8, UNK }, &b),
	                 ==, OX_RESOLVE_OK);
	g_assert_cmpint (b->ret, ==, INT8);
	g_assert_cmpint (ox_builtin_resolve_in (t, G_N_ELEMENTS (t), "nope", 0, NULL, &b),
	                 ==, OX_RESOLVE_NO_SUCH_NAME);
}

/* Every row is well formed and findable by its own signature. */
static void
test_resolve_table_consistent (void)
{
	size_t n;
	const OxBuiltin *t = ox_builtin_table (&n);
	g_assert_cmpuint (n, >, 100);
	for (size_t i = 0; i < n; i++) {
		g_assert_nonnull (t[i].fn);
		g_assert_cmpint (t[i].nargs, <=, OX_BUILTIN_MAX_ARGS);
		for (const char *p = t[i].name; *p; p++)
			g_assert_false (g_ascii_isupper (*p));
		if (t[i].nargs < 0)
			continue;
		const OxBuiltin *b = NULL;
		g_assert_cmpint (ox_builtin_resolve (t[i].name, t[i].nargs, t[i].args, &b), ==, OX_RESOLVE_OK);
		g_assert_true (b == &t[i]);
	}
}

static void
test_aggregate_names (void)
{
	g_assert_true (ox_is_aggregate_name ("count"));
	g_assert_true (ox_is_aggregate_name ("sum"));
	g_assert_true (ox_is_aggregate_name ("string_agg"));
	g_assert_false (ox_is_aggregate_name ("abs"));
	g_assert_false (ox_is_aggregate_name ("COUNT"));   /* names arrive case-folded */
}

/* ========================================================================
 * Math
 * ======================================================================== */

static void
test_math_abs (void)
{
	EXPECT (CALL ("abs", I4 (-5)), "5");                  /* abs(-5) */
	EXPECT (CALL ("abs", I2 (-32767)), "32767");
	EXPECT (CALL ("abs", I8 (-9223372036854775807)), "9223372036854775807");
	EXPECT (CALL ("abs", N ("-2.50")), "2.50");           /* abs(-2.50) */
	EXPECT (CALL ("abs", F8 (-1.5)), "1.5");
	EXPECT (CALL ("abs", F4 (-1.25)), "1.25");
	EXPECT (CALL ("abs", NUL (OX_T_INT4)), "<NULL>");
	/* abs(-2147483648), abs((-32768)::int2), abs(-9223372036854775808) */
	EXPECT_ERROR ("22003", "integer out of range", CALL ("abs", I4 (INT32_MIN)));
	EXPECT_ERROR ("22003", "smallint out of range", CALL ("abs", I2 (INT16_MIN)));
	EXPECT_ERROR ("22003", "bigint out of range", CALL ("abs", I8 (INT64_MIN)));
}

static void
test_math_sign (void)
{
	/* sign(-5::float8), sign('NaN'::float8), sign(-0.0::float8) */
	EXPECT (CALL ("sign", F8 (-5)), "-1");
	EXPECT (CALL ("sign", F8 (NAN)), "0");
	EXPECT (CALL ("sign", F8 (-0.0)), "0");
	/* sign(-2.5), sign(0.0), sign('NaN'::numeric), sign('-Infinity'::numeric) */
	EXPECT (CALL ("sign", N ("-2.5")), "-1");
	EXPECT (CALL ("sign", N ("0.0")), "0");
	EXPECT (CALL ("sign", N ("NaN")), "NaN");
	EXPECT (CALL ("sign", N ("-Infinity")), "-1");
}

static void
test_math_round (void)
{
	/* round(2.5::float8), round(3.5::float8), round(-2.5::float8): half to even */
	EXPECT (CALL ("round", F8 (2.5)), "2");
	EXPECT (CALL ("round", F8 (3.5)), "4");
	EXPECT (CALL ("round", F8 (-2.5)), "-2");
	/* round(2.5), round(-2.5): numeric rounds half away from zero */
	EXPECT (CALL ("round", N ("2.5")), "3");
	EXPECT (CALL ("round", N ("-2.5")), "-3");
	EXPECT (CALL ("round", N ("1234.5678"), I4 (-2)), "1200");
	EXPECT (CALL ("round", N ("1.2"), I4 (4)), "1.2000");
	EXPECT (CALL ("round", N ("NaN"), I4 (2)), "NaN");
	/* trunc(-1.99), trunc(1.999, 2), trunc(-2.5::float8) */
	EXPECT (CALL ("trunc", N ("-1.99")), "-1");
	EXPECT (CALL ("trunc", N ("1.999"), I4 (2)), "1.99");
	EXPECT (CALL ("trunc", F8 (-2.5)), "-2");
	/* ceil(-0.5::float8) is negative zero, ceil(1.2), floor(-1.2), ceiling(1.0001) */
	EXPECT (CALL ("ceil", F8 (-0.5)), "-0");
	EXPECT (CALL ("ceil", N ("1.2")), "2");
	EXPECT (CALL ("floor", N ("-1.2")), "-2");
	EXPECT (CALL ("ceiling", N ("1.0001")), "2");
	EXPECT (CALL ("floor", F8 (-1.5)), "-2");
	/* scale(1.230), scale('NaN'::numeric) */
	EXPECT (CALL ("scale", N ("1.230")), "3");
	EXPECT (CALL ("scale", N ("NaN")), "<NULL>");
}

static void
test_math_mod_div (void)
{
	EXPECT (CALL ("mod", I4 (-7), I4 (3)), "-1");          /* mod(-7, 3) */
	EXPECT (CALL ("mod", N ("7.5"), N ("2")), "1.5");      /* mod(7.5, 2) */
	EXPECT (CALL ("mod", I4 (INT32_MIN), I4 (-1)), "0");   /* mod(-2147483648, -1) */
	EXPECT (CALL ("mod", I2 (INT16_MIN), I2 (-1)), "0");
	EXPECT (CALL ("mod", I8 (INT64_MIN), I8 (-1)), "0");
	EXPECT (CALL ("div", N ("-7.5"), N ("2")), "-3");      /* div(-7.5, 2) */
	EXPECT (CALL ("div", N ("7"), N ("2")), "3");
	EXPECT_ERROR ("22012", "division by zero", CALL ("mod", I4 (5), I4 (0)));
	EXPECT_ERROR ("22012", "division by zero", CALL ("mod", N ("5.5"), N ("0")));
	EXPECT_ERROR ("22012", "division by zero", CALL ("div", N ("7"), N ("0")));
}

static void
test_math_gcd_lcm (void)
{
	EXPECT (CALL ("gcd", I4 (-12), I4 (18)), "6");
	EXPECT (CALL ("lcm", I4 (-4), I4 (6)), "12");
	EXPECT (CALL ("gcd", I4 (0), I4 (0)), "0");
	EXPECT (CALL ("lcm", I4 (0), I4 (5)), "0");
	EXPECT (CALL ("gcd", I4 (INT32_MIN), I4 (1)), "1");
	/* gcd(1.5, 2.25), lcm(1.5, 2.25), gcd(0.0, 0.00), lcm(1.50, 2) */
	EXPECT (CALL ("gcd", N ("1.5"), N ("2.25")), "0.75");
	EXPECT (CALL ("lcm", N ("1.5"), N ("2.25")), "4.50");
	EXPECT (CALL ("gcd", N ("0.0"), N ("0.00")), "0.00");
	EXPECT (CALL ("lcm", N ("1.50"), N ("2")), "6.00");
	EXPECT (CALL ("gcd", N ("NaN"), N ("1")), "NaN");
	EXPECT (CALL ("gcd", N ("Infinity"), N ("1")), "NaN");
	EXPECT (CALL ("lcm", N ("Infinity"), N ("1")), "NaN");
	/* gcd(-2147483648, 0), lcm(2147483647, 2147483646), gcd(min int8, 0) */
	EXPECT_ERROR ("22003", "integer out of range", CALL ("gcd", I4 (INT32_MIN), I4 (0)));
	EXPECT_ERROR ("22003", "integer out of range", CALL ("lcm", I4 (INT32_MAX), I4 (INT32_MAX - 1)));
	EXPECT_ERROR ("22003", "bigint out of range", CALL ("gcd", I8 (INT64_MIN), I8 (0)));
	EXPECT_ERROR ("22003", "bigint out of range", CALL ("lcm", I8 (INT64_MAX), I8 (INT64_MAX - 1)));
}

static void
test_math_float (void)
{
	/* The server's float8 output, PostgreSQL 15 (shortest round trip). */
	EXPECT (CALL0 ("pi"), "3.141592653589793");
	EXPECT (CALL ("degrees", F8 (1)), "57.29577951308232");
	EXPECT (CALL ("degrees", F8 (G_PI)), "180");
	EXPECT (CALL ("radians", F8 (180)), "3.141592653589793");
	EXPECT (CALL ("radians", F8 (1)), "0.017453292519943295");
	EXPECT (CALL ("sin", F8 (1)), "0.8414709848078965");
	EXPECT (CALL ("cos", F8 (1)), "0.5403023058681398");
	EXPECT (CALL ("tan", F8 (1)), "1.5574077246549023");
	EXPECT (CALL ("cot", F8 (1)), "0.6420926159343306");
	EXPECT (CALL ("cot", F8 (0)), "Infinity");
	EXPECT (CALL ("asin", F8 (0.5)), "0.5235987755982989");
	EXPECT (CALL ("acos", F8 (0.5)), "1.0471975511965979");
	EXPECT (CALL ("acos", F8 (NAN)), "NaN");
	EXPECT (CALL ("atan", F8 (1)), "0.7853981633974483");
	EXPECT (CALL ("atan", F8 (INFINITY)), "1.5707963267948966");
	EXPECT (CALL ("atan2", F8 (1), F8 (2)), "0.4636476090008061");
	EXPECT (CALL ("sinh", F8 (1)), "1.1752011936438014");
	EXPECT (CALL ("cosh", F8 (1)), "1.5430806348152437");
	EXPECT (CALL ("tanh", F8 (1)), "0.7615941559557649");
	EXPECT (CALL ("sinh", F8 (1000)), "Infinity");
	EXPECT (CALL ("cbrt", F8 (27)), "3.0000000000000004");   /* sic: libm's cbrt */
	EXPECT (CALL ("cbrt", F8 (-8)), "-2");
	EXPECT (CALL ("sqrt", F8 (2)), "1.4142135623730951");
	EXPECT (CALL ("exp", F8 (1)), "2.718281828459045");
	EXPECT (CALL ("exp", F8 (-INFINITY)), "0");
	EXPECT (CALL ("exp", F8 (NAN)), "NaN");
	EXPECT (CALL ("exp", F8 (-740)), "4.2e-322");
	EXPECT (CALL ("ln", F8 (2)), "0.6931471805599453");
	EXPECT (CALL ("ln", F8 (INFINITY)), "Infinity");
	EXPECT (CALL ("log", F8 (2)), "0.3010299956639812");
	EXPECT (CALL ("log10", F8 (2)), "0.3010299956639812");
	EXPECT (CALL ("power", F8 (2), F8 (3)), "8");
	EXPECT (CALL ("pow", F8 (NAN), F8 (0)), "1");
	EXPECT (CALL ("power", F8 (1), F8 (NAN)), "1");
	EXPECT (CALL ("power", F8 (-1), F8 (INFINITY)), "1");
	EXPECT (CALL ("power", F8 (0), F8 (0)), "1");
	EXPECT (CALL ("power", F8 (-8), F8 (3)), "-512");
}

static void
test_math_float_errors (void)
{
	EXPECT_ERROR ("2201F", "cannot take square root of a negative number", CALL ("sqrt", F8 (-1)));
	EXPECT_ERROR ("2201E", "cannot take logarithm of zero", CALL ("ln", F8 (0)));
	EXPECT_ERROR ("2201E", "cannot take logarithm of a negative number", CALL ("ln", F8 (-1)));
	EXPECT_ERROR ("2201E", "cannot take logarithm of zero", CALL ("log", F8 (0)));
	EXPECT_ERROR ("22003", "value out of range: overflow", CALL ("exp", F8 (1000)));
	EXPECT_ERROR ("22003", "value out of range: underflow", CALL ("exp", F8 (-1000)));
	EXPECT_ERROR ("2201F", "zero raised to a negative power is undefined", CALL ("power", F8 (0), F8 (-1)));
	EXPECT_ERROR ("2201F", "a negative number raised to a non-integer power yields a complex result",
	              CALL ("power", F8 (-1), F8 (0.5)));
	EXPECT_ERROR ("22003", "value out of range: overflow", CALL ("power", F8 (10), F8 (400)));
	EXPECT_ERROR ("22003", "value out of range: underflow", CALL ("power", F8 (10), F8 (-400)));
	EXPECT_ERROR ("22003", "input is out of range", CALL ("asin", F8 (2)));
	EXPECT_ERROR ("22003", "input is out of range", CALL ("acos", F8 (-1.5)));
	EXPECT_ERROR ("22003", "input is out of range", CALL ("sin", F8 (INFINITY)));
	EXPECT_ERROR ("22003", "input is out of range", CALL ("tan", F8 (INFINITY)));
	EXPECT_ERROR ("22003", "value out of range: overflow", CALL ("degrees", F8 (1e308)));
}

static void
test_math_numeric_power_sqrt (void)
{
	/* power(2.0, 10), power(2, 3.0), sqrt(2.0), sqrt(16::numeric), power(2, 0.5) */
	EXPECT (CALL ("power", N ("2.0"), N ("10")), "1024.0000000000000000");
	EXPECT (CALL ("power", N ("2"), N ("3.0")), "8.0000000000000000");
	EXPECT (CALL ("sqrt", N ("2.0")), "1.414213562373095");
	EXPECT (CALL ("sqrt", N ("16")), "4.000000000000000");   /* sqrt(16::numeric) */
	EXPECT (CALL ("pow", N ("2"), N ("0.5")), "1.4142135623730950");
	EXPECT_ERROR ("2201F", "cannot take square root of a negative number", CALL ("sqrt", N ("-1")));
}

static void
test_math_numeric_ln (void)
{
	EXPECT (CALL ("ln", N ("2.0")), "0.6931471805599453");
	EXPECT (CALL ("ln", N ("1.05")), "0.048790164169432003");
	EXPECT (CALL ("ln", N ("10.0")), "2.3025850929940457");
	EXPECT (CALL ("ln", N ("1e100")), "230.25850929940457");
	EXPECT (CALL ("ln", N ("0.001")), "-6.9077552789821371");
	EXPECT (CALL ("ln", N ("1.0")), "0.0000000000000000");
	EXPECT (CALL ("ln", N ("2.718281828")), "0.9999999998311267");
	EXPECT (CALL ("ln", N ("0.5")), "-0.6931471805599453");
	EXPECT (CALL ("ln", N ("0.00000000012345")), "-22.815184900137360");
	EXPECT (CALL ("ln", N ("9.99")), "2.3015845926604622");
	EXPECT (CALL ("ln", N ("2.718281828459045")), "0.9999999999999999");
	EXPECT (CALL ("ln", N ("0.9")), "-0.10536051565782630");
	EXPECT (CALL ("ln", N ("1.1")), "0.09531017980432486");
	EXPECT (CALL ("ln", N ("1.1000001")), "0.09531027071341164");
	EXPECT (CALL ("ln", N ("1.000000000000000000000000000001")), "0.0000000000000000000000000000010000000000000000");
	EXPECT (CALL ("ln", N ("123456789012345678901234567890.123")), "66.985688719142977");
	EXPECT (CALL ("ln", N ("1e1000")), "2302.5850929940457");
	EXPECT (CALL ("ln", N ("1e131071")), "301802.13072382256");
	EXPECT (CALL ("log10", N ("12345678901234567890123456789")), "28.091514977212700");
	EXPECT (CALL ("ln", N ("NaN")), "NaN");
	EXPECT (CALL ("ln", N ("Infinity")), "Infinity");
	EXPECT_ERROR ("2201E", "cannot take logarithm of zero", CALL ("ln", N ("0")));
	EXPECT_ERROR ("2201E", "cannot take logarithm of a negative number", CALL ("ln", N ("-1")));
	EXPECT_ERROR ("2201E", "cannot take logarithm of a negative number", CALL ("ln", N ("-Infinity")));
}

/* ln(1e-1000) has a display scale of 1000: every one of those digits is
 * the server's. */
static void
test_math_numeric_ln_long (void)
{
	static const char expected[] =
		"-2302.5850929940456840179914546843642076011014886287729760333279009675726096773524802359972050895982983419677840422862486334095254650828067566662873690987816894829072083255546808437998948262331985283935053089653777326288461633662222876982198867465436674744042432743651550489343149393914796194044002221051017141748003688084012647080685567743216228355220114804663715659121373450747856947683463616792101806445070648000277502684916746550586856935673420670581136429224554405758925724208241314695689016758940256776311356919292033376587141660230105703089634572075440370847469940168269282808481184289314848524948644871927809676271275775397027668605952496716674183485704422507197965004714951050492214776567636938662976979522110718264549734772662425709429322582798502585509785265383207606726317164309505995087807523710333101197857547331541421808427543863591778117054309827482385045648019095610299291824318237525357709750539565187697510374970888692180205189339507238539205144634197265287286965110862571492198849978749";
	EXPECT (CALL ("ln", N ("1e-1000")), expected);
}

static void
test_math_numeric_log (void)
{
	EXPECT (CALL ("log", N ("100.0")), "2.0000000000000000");
	EXPECT (CALL ("log", N ("1000")), "3.0000000000000000");
	EXPECT (CALL ("log", N ("1e-30")), "-30.000000000000000000000000000000");
	EXPECT (CALL ("log", N ("1e10")), "10.000000000000000");
	EXPECT (CALL ("log", N ("7")), "0.8450980400142568");
	EXPECT (CALL ("log10", N ("1000")), "3.0000000000000000");
	EXPECT (CALL ("log", N ("2.0"), N ("8.0")), "3.0000000000000000");
	EXPECT (CALL ("log", N ("2.0"), N ("1.0")), "0.0000000000000000");
	EXPECT (CALL ("log", N ("1.000001"), N ("2")), "693147.5271334778");
	EXPECT (CALL ("log", N ("10"), N ("1e-20")), "-20.00000000000000000000");
	EXPECT (CALL ("log", N ("0.5"), N ("0.25")), "2.0000000000000000");
	EXPECT (CALL ("log", N ("0.5"), N ("0.125")), "3.0000000000000000");
	EXPECT (CALL ("log", N ("10"), N ("3")), "0.4771212547196624");
	EXPECT (CALL ("log", N ("3.0"), N ("1e-5")), "-10.479516371446923");
	EXPECT (CALL ("log", N ("2.0"), N ("1e100")), "332.19280948873623");
	/* Special values: log('NaN', 2), log('Infinity', 2), log(2, 'Infinity'),
	 * log('Infinity', 'Infinity') */
	EXPECT (CALL ("log", N ("NaN"), N ("2")), "NaN");
	EXPECT (CALL ("log", N ("Infinity"), N ("2")), "0");
	EXPECT (CALL ("log", N ("2"), N ("Infinity")), "Infinity");
	EXPECT (CALL ("log", N ("Infinity"), N ("Infinity")), "NaN");
	EXPECT_ERROR ("22012", "division by zero", CALL ("log", N ("1.0"), N ("10.0")));
	EXPECT_ERROR ("2201E", "cannot take logarithm of zero", CALL ("log", N ("0.0"), N ("10.0")));
	EXPECT_ERROR ("2201E", "cannot take logarithm of a negative number", CALL ("log", N ("-2.0"), N ("10.0")));
}

static void
test_math_numeric_exp (void)
{
	EXPECT (CALL ("exp", N ("1.0")), "2.7182818284590452");
	EXPECT (CALL ("exp", N ("0.0")), "1.0000000000000000");
	EXPECT (CALL ("exp", N ("0")), "1.0000000000000000");
	EXPECT (CALL ("exp", N ("1.5")), "4.4816890703380648");
	EXPECT (CALL ("exp", N ("-1.5")), "0.2231301601484298");
	EXPECT (CALL ("exp", N ("0.00001")), "1.0000100000500002");
	EXPECT (CALL ("exp", N ("-20")), "0.000000002061153622438558");
	EXPECT (CALL ("exp", N ("2.302585092994045684")), "10.000000000000000000");
	EXPECT (CALL ("exp", N ("100.0")), "26881171418161354484126255515800135873611118.8");
	EXPECT (CALL ("exp", N ("-100.0")), "0.00000000000000000000000000000000000000000003720075976020836");
	EXPECT (CALL ("exp", N ("1000.5")),
	        "324809815047180275963096753169417728047654410757393982402511047203189430353739502832221944582260362257375125241512411855905418516261219228362583363922243962396453014973702139266881649910458007680649444910392243993603677619891349858871169746146206263262530205579619264039629949420116397610491149357068831643030506654624701375194359654628838529464392004153028084325137367995275886955541293555865584711710505465225783165983242223348165954.4");
	EXPECT (CALL ("exp", N ("-1000.0")),
	        "0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000005075958897549457");
	EXPECT (CALL ("exp", N ("NaN")), "NaN");
	EXPECT (CALL ("exp", N ("Infinity")), "Infinity");
	EXPECT (CALL ("exp", N ("-Infinity")), "0");
	EXPECT_ERROR ("22003", "value overflows numeric format", CALL ("exp", N ("6000")));
}

static void
test_math_misc (void)
{
	/* to_hex(255), to_hex(-1), to_hex(-1::int8), to_hex(0), to_hex(max int8) */
	EXPECT (CALL ("to_hex", I4 (255)), "ff");
	EXPECT (CALL ("to_hex", I4 (-1)), "ffffffff");
	EXPECT (CALL ("to_hex", I8 (-1)), "ffffffffffffffff");
	EXPECT (CALL ("to_hex", I4 (0)), "0");
	EXPECT (CALL ("to_hex", I8 (INT64_MAX)), "7fffffffffffffff");
	for (int i = 0; i < 100; i++) {
		OxValue r = CALL0 ("random");
		g_assert_cmpfloat (r.v.f, >=, 0.0);
		g_assert_cmpfloat (r.v.f, <, 1.0);
	}
	const OxBuiltin *b;
	g_assert_cmpint (ox_builtin_resolve ("random", 0, NULL, &b), ==, OX_RESOLVE_OK);
	g_assert_cmpint (b->volatility, ==, OX_VOLATILE);
	g_assert_cmpint (ox_builtin_resolve ("now", 0, NULL, &b), ==, OX_RESOLVE_OK);
	g_assert_cmpint (b->volatility, ==, OX_STABLE);
	EXPECT (CALL0 ("version"), "Oxibase 0.1.0 (PostgreSQL 15 compatible)");
}

/* ========================================================================
 * Strings
 * ======================================================================== */

static void
test_substr_positive (void)
{
	EXPECT (CALL ("substr", T ("hello"), I4 (2)), "ello");
	EXPECT (CALL ("substr", T ("hello"), I4 (10)), "");
	EXPECT (CALL ("substr", T ("héllo"), I4 (2), I4 (2)), "él");   /* characters, not bytes */
	EXPECT (CALL ("substr", T ("hello"), I4 (3), I4 (INT32_MAX)), "llo");
	EXPECT (CALL ("substr", T ("hello"), I4 (2), I4 (0)), "");
}

static void
test_substr_negative_start (void)
{
	/* substr('hello', -1, 3) = 'h': positions -1, 0, 1 */
	EXPECT (CALL ("substr", T ("hello"), I4 (-1), I4 (3)), "h");
	EXPECT (CALL ("substr", T ("hello"), I4 (0)), "hello");
	EXPECT (CALL ("substr", T ("hello"), I4 (-5), I4 (3)), "");
	EXPECT (CALL ("substr", T ("hello"), I4 (INT32_MIN), I4 (INT32_MAX)), "");
}

static void
test_substr_negative_length (void)
{
	EXPECT_ERROR ("22011", "negative substring length not allowed",
	              CALL ("substr", T ("hello"), I4 (1), I4 (-1)));
}

static void
test_substr_bytea (void)
{
	/* substr('\x00010203'::bytea, 2, 2) */
	EXPECT (CALL ("substr", B ("00010203"), I4 (2), I4 (2)), "\\x0102");
	EXPECT (CALL ("substr", B ("00010203"), I4 (-1), I4 (3)), "\\x00");
	EXPECT (CALL ("substr", B ("00010203"), I4 (3)), "\\x0203");
	EXPECT_ERROR ("22011", "negative substring length not allowed",
	              CALL ("substr", B ("00"), I4 (1), I4 (-1)));
}

static void
test_string_length (void)
{
	/* length('héllo'), octet_length('héllo'), bit_length('héllo') */
	EXPECT (CALL ("length", T ("héllo")), "5");
	EXPECT (CALL ("char_length", T ("héllo")), "5");
	EXPECT (CALL ("character_length", T ("héllo")), "5");
	EXPECT (CALL ("octet_length", T ("héllo")), "6");
	EXPECT (CALL ("bit_length", T ("héllo")), "48");
	/* length('ab  '::char(4)), octet_length(...), char_length(...) */
	EXPECT (CALL ("length", BP ("ab  ")), "2");
	EXPECT (CALL ("octet_length", BP ("ab  ")), "4");
	EXPECT (CALL ("char_length", BP ("ab  ")), "2");
	/* length('\x0001'::bytea), octet_length, bit_length */
	EXPECT (CALL ("length", B ("0001")), "2");
	EXPECT (CALL ("octet_length", B ("0001")), "2");
	EXPECT (CALL ("bit_length", B ("0001")), "16");
	EXPECT (CALL ("length", U ("abc")), "3");
}

static void
test_string_case (void)
{
	/* The server runs with LC_CTYPE C.UTF-8: case maps beyond ASCII, one
	 * character at a time (ß has no single upper-case character). */
	EXPECT (CALL ("lower", T ("ÀÉB ΣΑΣ")), "àéb σασ");
	EXPECT (CALL ("upper", T ("àéß ǆ")), "ÀÉß Ǆ");
	EXPECT (CALL ("initcap", T ("hello wORLD foo-bar o'neil 3am àb")), "Hello World Foo-Bar O'Neil 3am Àb");
}

static void
test_string_trim (void)
{
	EXPECT (CALL ("btrim", T ("  xx  ")), "xx");
	EXPECT (CALL ("ltrim", T ("  xx  ")), "xx  ");
	EXPECT (CALL ("rtrim", T ("  xx  ")), "  xx");
	EXPECT (CALL ("btrim", T ("xyxhixyx"), T ("xy")), "hi");
	EXPECT (CALL ("ltrim", T ("zzzytest"), T ("xyz")), "test");
	EXPECT (CALL ("rtrim", T ("testxxzx"), T ("xyz")), "test");
	EXPECT (CALL ("btrim", T ("ééaéé"), T ("é")), "a");
	EXPECT (CALL ("btrim", T ("abc"), T ("")), "abc");
	EXPECT (CALL ("btrim", T ("xxx"), T ("x")), "");
	/* btrim('\x0001020100'::bytea, '\x00'), ltrim('\x000102'::bytea, '\x00') */
	EXPECT (CALL ("btrim", B ("0001020100"), B ("00")), "\\x010201");
	EXPECT (CALL ("ltrim", B ("000102"), B ("00")), "\\x0102");
	EXPECT (CALL ("rtrim", B ("010000"), B ("00")), "\\x01");
}

static void
test_string_search (void)
{
	EXPECT (CALL ("replace", T ("abcabc"), T ("b"), T ("XX")), "aXXcaXXc");
	EXPECT (CALL ("replace", T ("abc"), T (""), T ("X")), "abc");
	EXPECT (CALL ("replace", T ("aaa"), T ("aa"), T ("b")), "ba");
	EXPECT (CALL ("strpos", T ("high"), T ("ig")), "2");
	EXPECT (CALL ("strpos", T ("héllo"), T ("l")), "3");
	EXPECT (CALL ("strpos", T ("abc"), T ("")), "1");
	EXPECT (CALL ("strpos", T ("abc"), T ("z")), "0");
	EXPECT (CALL ("starts_with", T ("alphabet"), T ("alph")), "t");
	EXPECT (CALL ("starts_with", T ("a"), T ("")), "t");
	EXPECT (CALL ("starts_with", T ("a"), T ("ab")), "f");
}

static void
test_string_left_right (void)
{
	EXPECT (CALL ("left", T ("abcde"), I4 (2)), "ab");
	EXPECT (CALL ("left", T ("abcde"), I4 (-2)), "abc");
	EXPECT (CALL ("left", T ("abcde"), I4 (0)), "");
	EXPECT (CALL ("left", T ("abc"), I4 (10)), "abc");
	EXPECT (CALL ("left", T ("abc"), I4 (-10)), "");
	EXPECT (CALL ("right", T ("abcde"), I4 (2)), "de");
	EXPECT (CALL ("right", T ("abcde"), I4 (-2)), "cde");
	EXPECT (CALL ("right", T ("héllo"), I4 (4)), "éllo");
	EXPECT (CALL ("right", T ("abc"), I4 (-10)), "");
	/* right('héllo', -2147483648): PostgreSQL's 32-bit negation wraps */
	EXPECT (CALL ("right", T ("héllo"), I4 (INT32_MIN)), "héllo");
	EXPECT (CALL ("left", T ("héllo"), I4 (INT32_MIN)), "");
}

static void
test_string_pad (void)
{
	EXPECT (CALL ("lpad", T ("hi"), I4 (5)), "   hi");
	EXPECT (CALL ("lpad", T ("hi"), I4 (5), T ("xy")), "xyxhi");
	EXPECT (CALL ("lpad", T ("hello"), I4 (2)), "he");
	EXPECT (CALL ("rpad", T ("hi"), I4 (5), T ("xy")), "hixyx");
	EXPECT (CALL ("rpad", T ("hello"), I4 (2)), "he");
	EXPECT (CALL ("lpad", T ("hi"), I4 (5), T ("")), "hi");
	EXPECT (CALL ("lpad", T ("hi"), I4 (-1)), "");
	EXPECT (CALL ("rpad", T ("hé"), I4 (4)), "hé  ");
	EXPECT (CALL ("lpad", T ("x"), I4 (4), T ("éa")), "éaéx");
	/* lpad('x', 1000000000): sized for 4-byte characters, too large */
	EXPECT_ERROR ("54000", "requested length too large", CALL ("lpad", T ("x"), I4 (1000000000)));
}

static void
test_string_repeat_reverse (void)
{
	EXPECT (CALL ("repeat", T ("ab"), I4 (3)), "ababab");
	EXPECT (CALL ("repeat", T ("ab"), I4 (0)), "");
	EXPECT (CALL ("repeat", T ("ab"), I4 (-1)), "");
	EXPECT_ERROR ("54000", "requested length too large", CALL ("repeat", T ("xx"), I4 (1000000000)));
	EXPECT (CALL ("reverse", T ("héllo")), "olléh");
	EXPECT (CALL ("reverse", T ("")), "");
}

static void
test_string_concat (void)
{
	/* The binder casts "any" arguments to text; uncast ones print with
	 * their output function, as in PostgreSQL:
	 * concat(true, 1.50, NULL, 'x'::char(3), 'y') = 't1.50x  y' */
	EXPECT (CALL ("concat", ox_bool (true), N ("1.50"), NUL (OX_T_UNKNOWN), BP ("x  "), U ("y")), "t1.50x  y");
	EXPECT (CALL ("concat", NUL (OX_T_TEXT)), "");
	EXPECT (CALL ("concat_ws", T (","), T ("a"), NUL (OX_T_TEXT), T ("b")), "a,b");
	EXPECT (CALL ("concat_ws", T ("-"), I4 (1), NUL (OX_T_INT4), I4 (2)), "1-2");
	EXPECT (CALL ("concat_ws", NUL (OX_T_TEXT), T ("a")), "<NULL>");
	EXPECT (CALL ("concat_ws", T (","), NUL (OX_T_TEXT)), "");
}

static void
test_string_split_part (void)
{
	EXPECT (CALL ("split_part", T ("a,b,c"), T (","), I4 (2)), "b");
	EXPECT (CALL ("split_part", T ("a,b,c"), T (","), I4 (-1)), "c");
	EXPECT (CALL ("split_part", T ("a,b,c"), T (","), I4 (4)), "");
	EXPECT (CALL ("split_part", T ("abc"), T (""), I4 (1)), "abc");
	EXPECT (CALL ("split_part", T ("abc"), T (""), I4 (2)), "");
	EXPECT (CALL ("split_part", T ("abc"), T (""), I4 (-1)), "abc");
	EXPECT (CALL ("split_part", T (""), T (","), I4 (1)), "");
	EXPECT (CALL ("split_part", T ("a,,b"), T (",,"), I4 (2)), "b");
	EXPECT (CALL ("split_part", T ("a,b"), T (","), I4 (-3)), "");
	EXPECT (CALL ("split_part", T ("a,b,"), T (","), I4 (-1)), "");
	EXPECT_ERROR ("22023", "field position must not be zero", CALL ("split_part", T ("a,b"), T (","), I4 (0)));
}

static void
test_string_chr_ascii (void)
{
	EXPECT (CALL ("chr", I4 (65)), "A");
	EXPECT (CALL ("chr", I4 (233)), "é");
	EXPECT (CALL ("chr", I4 (0x1F600)), "😀");
	EXPECT (CALL ("ascii", T ("A")), "65");
	EXPECT (CALL ("ascii", T ("é")), "233");
	EXPECT (CALL ("ascii", T ("")), "0");
	EXPECT_ERROR ("54000", "null character not permitted", CALL ("chr", I4 (0)));
	EXPECT_ERROR ("22023", "character number must be positive", CALL ("chr", I4 (-1)));
	EXPECT_ERROR ("54000", "requested character too large for encoding: 1114112", CALL ("chr", I4 (1114112)));
	EXPECT_ERROR ("54000", "requested character not valid for encoding: 55296", CALL ("chr", I4 (55296)));
}

static void
test_string_translate (void)
{
	EXPECT (CALL ("translate", T ("12345"), T ("143"), T ("ax")), "a2x5");
	EXPECT (CALL ("translate", T ("héllo"), T ("él"), T ("EL")), "hELLo");
	EXPECT (CALL ("translate", T ("aaa"), T ("aa"), T ("xy")), "xxx");
}

static void
test_string_quote (void)
{
	EXPECT (CALL ("quote_ident", T ("foo")), "foo");
	EXPECT (CALL ("quote_ident", T ("Foo")), "\"Foo\"");
	EXPECT (CALL ("quote_ident", T ("select")), "\"select\"");
	EXPECT (CALL ("quote_ident", T ("a\"b")), "\"a\"\"b\"");
	EXPECT (CALL ("quote_ident", T ("1a")), "\"1a\"");
	EXPECT (CALL ("quote_ident", T ("_a1$")), "\"_a1$\"");
	EXPECT (CALL ("quote_ident", T ("é")), "\"é\"");
	EXPECT (CALL ("quote_ident", T ("")), "\"\"");
	EXPECT (CALL ("quote_ident", T ("int")), "\"int\"");        /* col_name keyword */
	EXPECT (CALL ("quote_ident", T ("left")), "\"left\"");      /* type_func_name keyword */
	EXPECT (CALL ("quote_ident", T ("between")), "\"between\"");
	EXPECT (CALL ("quote_ident", T ("abort")), "abort");        /* unreserved */
	EXPECT (CALL ("quote_literal", T ("O'Reilly")), "'O''Reilly'");
	EXPECT (CALL ("quote_literal", T ("a\\b")), "E'a\\\\b'");
	EXPECT (CALL ("quote_nullable", NUL (OX_T_TEXT)), "NULL");
	EXPECT (CALL ("quote_nullable", T ("x")), "'x'");
	EXPECT (CALL ("quote_literal", NUL (OX_T_TEXT)), "<NULL>");
}

/* ========================================================================
 * Hashes and encodings
 * ======================================================================== */

static void
test_bytea_hashes (void)
{
	EXPECT (CALL ("md5", T ("abc")), "900150983cd24fb0d6963f7d28e17f72");
	EXPECT (CALL ("md5", T ("")), "d41d8cd98f00b204e9800998ecf8427e");
	EXPECT (CALL ("md5", B ("0102")), "0cb988d042a7f28dd5fe2b55b3f5ac7a");
	/* sha256('abc'::bytea) */
	EXPECT (CALL ("sha256", B ("616263")), "\\xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	OxValue r = CALL ("sha512", B (""));
	g_assert_cmpuint (r.len, ==, 64);
	r = CALL ("sha384", B (""));
	g_assert_cmpuint (r.len, ==, 48);
}

static void
test_bytea_encode (void)
{
	EXPECT (CALL ("encode", B ("00ff41"), T ("hex")), "00ff41");
	EXPECT (CALL ("encode", B ("68656c6c6f20776f726c64"), T ("base64")), "aGVsbG8gd29ybGQ=");
	EXPECT (CALL ("encode", B ("6162"), T ("BASE64")), "YWI=");
	EXPECT (CALL ("encode", B (""), T ("base64")), "");
	/* encode('\x5c00ff0a'::bytea, 'escape') */
	EXPECT (CALL ("encode", B ("5c00ff0a"), T ("escape")), "\\\\\\000\\377\n");
	/* encode(repeat('x', 60)::bytea, 'base64'): lines of 76, and 57 bytes
	 * (exactly one line) end in a newline. */
	char x60[121];
	for (int i = 0; i < 60; i++)
		memcpy (x60 + 2 * i, "78", 2);
	x60[120] = '\0';
	EXPECT (CALL ("encode", B (x60), T ("base64")),
	        "eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4\neHh4");
	x60[114] = '\0';
	g_assert_true (g_str_has_suffix (out (CALL ("encode", B (x60), T ("base64"))), "eHh4\n"));
	EXPECT_ERROR ("22023", "unrecognized encoding: \"foo\"", CALL ("encode", B ("00"), T ("foo")));
}

static void
test_bytea_decode (void)
{
	EXPECT (CALL ("decode", T ("00ff41"), T ("hex")), "\\x00ff41");
	EXPECT (CALL ("decode", T ("AB cd"), T ("hex")), "\\xabcd");
	EXPECT (CALL ("decode", T ("aGVsbG8gd29ybGQ="), T ("base64")), "\\x68656c6c6f20776f726c64");
	EXPECT (CALL ("decode", T ("aGVs bG8="), T ("base64")), "\\x68656c6c6f");
	EXPECT (CALL ("decode", T ("YQ==YQ=="), T ("base64")), "\\x6161");
	EXPECT (CALL ("decode", T ("Y Q = ="), T ("base64")), "\\x61");
	EXPECT (CALL ("decode", T (""), T ("base64")), "\\x");
	/* decode('a\134b\001', 'escape'), decode('\377\\a', 'escape') */
	EXPECT (CALL ("decode", T ("a\\134b\\001"), T ("escape")), "\\x615c6201");
	EXPECT (CALL ("decode", T ("\\377\\\\a"), T ("escape")), "\\xff5c61");
	EXPECT_ERROR ("22023", "invalid hexadecimal data: odd number of digits", CALL ("decode", T ("abc"), T ("hex")));
	EXPECT_ERROR ("22023", "invalid hexadecimal digit: \"z\"", CALL ("decode", T ("zz"), T ("hex")));
	EXPECT_ERROR ("22023", "invalid hexadecimal digit: \" \"", CALL ("decode", T ("a b"), T ("hex")));
	EXPECT_ERROR ("22023", "invalid hexadecimal digit: \"é\"", CALL ("decode", T ("é"), T ("hex")));
	EXPECT_ERROR ("22023", "unexpected \"=\" while decoding base64 sequence", CALL ("decode", T ("a==="), T ("base64")));
	EXPECT_ERROR_HINT ("22023", "invalid base64 end sequence",
	                   "Input data is missing padding, is truncated, or is otherwise corrupted.",
	                   CALL ("decode", T ("YQ"), T ("base64")));
	EXPECT_ERROR ("22023", "invalid symbol \"!\" found while decoding base64 sequence",
	              CALL ("decode", T ("ab!c"), T ("base64")));
	EXPECT_ERROR ("22P02", "invalid input syntax for type bytea", CALL ("decode", T ("\\400"), T ("escape")));
	EXPECT_ERROR ("22P02", "invalid input syntax for type bytea", CALL ("decode", T ("\\"), T ("escape")));
}

/* ========================================================================
 * Date and time
 * ======================================================================== */

static void
test_datetime_now (void)
{
	EXPECT (CALL0 ("now"), "2024-03-05 12:34:56.789012+00");
	EXPECT (CALL0 ("current_timestamp"), "2024-03-05 12:34:56.789012+00");
	EXPECT (CALL0 ("transaction_timestamp"), "2024-03-05 12:34:56.789012+00");
	EXPECT (CALL0 ("statement_timestamp"), "2024-03-05 12:34:56.789012+00");
	EXPECT (CALL0 ("current_date"), "2024-03-05");
	EXPECT (CALL0 ("localtimestamp"), "2024-03-05 12:34:56.789012");
	EXPECT (CALL ("current_timestamp", I4 (2)), "2024-03-05 12:34:56.79+00");
	EXPECT (CALL ("localtimestamp", I4 (0)), "2024-03-05 12:34:57");
	cx = &ny_cx;
	EXPECT (CALL0 ("localtimestamp"), "2024-03-05 07:34:56.789012");
	EXPECT (CALL0 ("now"), "2024-03-05 07:34:56.789012-05");
	cx = &utc_cx;
	/* clock_timestamp reads the real clock: it is after 2024. */
	OxValue c = CALL0 ("clock_timestamp");
	g_assert_cmpint (c.v.i, >, utc_cx.now);
}

static void
test_datetime_date_part (void)
{
	EXPECT (CALL ("date_part", T ("mon"), TSV ("2024-03-05")), "3");
	EXPECT (CALL ("date_part", T ("m"), TSV ("2024-03-05 10:42")), "42");
	EXPECT (CALL ("date_part", T ("y"), TSV ("2024-03-05")), "2024");
	EXPECT (CALL ("date_part", T ("YEAR"), TSV ("2024-03-05")), "2024");
	EXPECT (CALL ("date_part", T ("j"), TSV ("2024-03-05")), "2460375");
	EXPECT (CALL ("date_part", T ("jd"), TSV ("2024-03-05")), "2460375");
	EXPECT (CALL ("date_part", T ("microsecondsxyz"), TSV ("2024-03-05 00:00:01.5")), "1500000");
	EXPECT (CALL ("date_part", T ("usecond"), TSV ("2024-03-05 00:00:01.5")), "1500000");
	EXPECT (CALL ("date_part", T ("msecond"), TSV ("2024-03-05 00:00:01.5")), "1500");
	EXPECT (CALL ("date_part", T ("decs"), TSV ("2024-03-05")), "202");
	EXPECT (CALL ("date_part", T ("julian"), TSV ("2024-03-05 12:00:00")), "2460375.5");
	EXPECT (CALL ("date_part", T ("epoch"), TSV ("2024-03-05 12:00:00.5")), "1709640000.5");
	EXPECT (CALL ("date_part", T ("isoyear"), DATEV ("2021-01-01")), "2020");
	EXPECT (CALL ("date_part", T ("isoyear"), DATEV ("0001-01-01")), "1");
	EXPECT (CALL ("date_part", T ("year"), DATEV ("0044-03-15 BC")), "-44");
	EXPECT (CALL ("date_part", T ("isoyear"), DATEV ("0044-03-15 BC")), "-44");
	EXPECT (CALL ("date_part", T ("century"), DATEV ("0044-03-15 BC")), "-1");
	EXPECT (CALL ("date_part", T ("timezone_hourabc"), TZV ("2024-03-05")), "0");
}

static void
test_datetime_date_part_infinite (void)
{
	/* date_part('month', 'infinity'::timestamp) is null; monotonic units are infinite */
	EXPECT (CALL ("date_part", T ("month"), TSV ("infinity")), "<NULL>");
	EXPECT (CALL ("date_part", T ("year"), TSV ("infinity")), "Infinity");
	EXPECT (CALL ("date_part", T ("epoch"), TZV ("-infinity")), "-Infinity");
	EXPECT (CALL ("date_part", T ("julian"), DATEV ("infinity")), "Infinity");
}

static void
test_datetime_date_part_zone (void)
{
	cx = &ny_cx;
	/* SET timezone = 'America/New_York'; ... timestamptz '2024-07-01 12:00+00' */
	OxValue ts = TZV ("2024-07-01 12:00+00");
	EXPECT (CALL ("date_part", T ("timezone"), ts), "-14400");
	EXPECT (CALL ("date_part", T ("timezone_hour"), ts), "-4");
	EXPECT (CALL ("date_part", T ("timezone_minute"), ts), "0");
	EXPECT (CALL ("date_part", T ("hour"), ts), "8");
	EXPECT (CALL ("date_part", T ("epoch"), ts), "1719835200");
	cx = &utc_cx;
}

static void
test_datetime_date_part_errors (void)
{
	EXPECT_ERROR ("22023", "unit \"foo\" not recognized for type timestamp with time zone",
	              CALL ("date_part", T ("FOO"), TZV ("2024-01-01")));
	EXPECT_ERROR ("22023", "unit \"foo\" not recognized for type timestamp without time zone",
	              CALL ("date_part", T ("foo"), TSV ("2024-01-01")));
	EXPECT_ERROR ("22023", "unit \"jul\" not recognized for type timestamp without time zone",
	              CALL ("date_part", T ("jul"), TSV ("2024-01-01")));
	EXPECT_ERROR ("22023", "unit \" year\" not recognized for type timestamp without time zone",
	              CALL ("date_part", T (" year"), TSV ("2024-01-01")));
	EXPECT_ERROR ("0A000", "unit \"timezone\" not supported for type timestamp without time zone",
	              CALL ("date_part", T ("timezone"), TSV ("2024-01-01")));
	EXPECT_ERROR ("0A000", "unit \"timezone_hour\" not supported for type timestamp without time zone",
	              CALL ("date_part", T ("timezone_hour"), DATEV ("2024-01-01")));
}

static void
test_datetime_date_trunc (void)
{
	EXPECT (CALL ("date_trunc", T ("week"), TSV ("2024-03-07 10:00")), "2024-03-04 00:00:00");
	EXPECT (CALL ("date_trunc", T ("hour"), TSV ("2024-03-07 10:42:13.5")), "2024-03-07 10:00:00");
	EXPECT (CALL ("date_trunc", T ("Year"), TSV ("2024-03-07 10:42:13.5")), "2024-01-01 00:00:00");
	EXPECT (CALL ("date_trunc", T ("day"), TSV ("infinity")), "infinity");
	cx = &ny_cx;
	/* In America/New_York: truncation happens in local time; within the
	 * repeated hour of 2024-11-03 each instant keeps its own offset. */
	EXPECT (CALL ("date_trunc", T ("day"), TZV ("2024-07-01 02:00+00")), "2024-06-30 00:00:00-04");
	EXPECT (CALL ("date_trunc", T ("hour"), TZV ("2024-11-03 05:30+00")), "2024-11-03 01:00:00-04");
	EXPECT (CALL ("date_trunc", T ("hour"), TZV ("2024-11-03 06:30+00")), "2024-11-03 01:00:00-05");
	EXPECT (CALL ("date_trunc", T ("month"), TZV ("2024-03-15 12:00+00")), "2024-03-01 00:00:00-05");
	EXPECT (CALL ("date_trunc", T ("day"), TZV ("2024-07-01 02:00+00"), T ("Asia/Tokyo")), "2024-06-30 11:00:00-04");
	EXPECT_ERROR ("22023", "time zone \"Foo/Bar\" not recognized",
	              CALL ("date_trunc", T ("day"), TZV ("2024-07-01 02:00+00"), T ("Foo/Bar")));
	cx = &utc_cx;
	EXPECT_ERROR ("22023", "unit \"epoch\" not recognized for type timestamp without time zone",
	              CALL ("date_trunc", T ("epoch"), TSV ("2024-01-01")));
	EXPECT_ERROR ("22023", "unit \"dow\" not recognized for type timestamp without time zone",
	              CALL ("date_trunc", T ("Dow"), TSV ("2024-01-01")));
	EXPECT_ERROR ("22023", "unit \"julian\" not recognized for type timestamp without time zone",
	              CALL ("date_trunc", T ("julian"), TSV ("2024-01-01")));
	EXPECT_ERROR ("0A000", "unit \"timezone\" not supported for type timestamp with time zone",
	              CALL ("date_trunc", T ("timezone"), TZV ("2024-01-01")));
}

static void
test_datetime_make_date (void)
{
	EXPECT (CALL ("make_date", I4 (2024), I4 (2), I4 (29)), "2024-02-29");
	EXPECT (CALL ("make_date", I4 (-44), I4 (3), I4 (15)), "0044-03-15 BC");
	EXPECT (CALL ("make_date", I4 (5874897), I4 (12), I4 (31)), "5874897-12-31");
	EXPECT (CALL ("make_date", I4 (-4713), I4 (11), I4 (24)), "4713-11-24 BC");
	EXPECT_ERROR ("22008", "date field value out of range: 0-01-01", CALL ("make_date", I4 (0), I4 (1), I4 (1)));
	EXPECT_ERROR ("22008", "date field value out of range: 2023-02-30", CALL ("make_date", I4 (2023), I4 (2), I4 (30)));
	EXPECT_ERROR ("22008", "date field value out of range: 2023-13-01", CALL ("make_date", I4 (2023), I4 (13), I4 (1)));
	EXPECT_ERROR ("22008", "date field value out of range: 2023-02--1", CALL ("make_date", I4 (2023), I4 (2), I4 (-1)));
	EXPECT_ERROR ("22008", "date field value out of range: -43-02-30", CALL ("make_date", I4 (-44), I4 (2), I4 (30)));
	EXPECT_ERROR ("22008", "date out of range: 5874898-01-01", CALL ("make_date", I4 (5874898), I4 (1), I4 (1)));
	EXPECT_ERROR ("22008", "date out of range: -4713-11-23", CALL ("make_date", I4 (-4714), I4 (11), I4 (23)));
	EXPECT_ERROR ("22008", "date out of range: -4999-01-01", CALL ("make_date", I4 (-5000), I4 (1), I4 (1)));
	EXPECT_ERROR ("22008", "date out of range: 2147483647-01-01", CALL ("make_date", I4 (INT32_MAX), I4 (1), I4 (1)));
}

/* make_timestamp(int, int, int, int, int, float8): resolved for those
 * types, its arguments then reach it cast to float8 (see functions.h). */
#define MKTS(y, mo, d, h, mi, s)                                                              \
	callv_typed ("make_timestamp", 6, (OxTypeId[]) { INT4, INT4, INT4, INT4, INT4, FLT8 },  \
	             (OxValue[]) { F8 (y), F8 (mo), F8 (d), F8 (h), F8 (mi), F8 (s) })

static void
test_datetime_make_timestamp (void)
{
	EXPECT (MKTS (2024, 1, 2, 3, 4, 5), "2024-01-02 03:04:05");
	EXPECT (MKTS (2024, 1, 2, 3, 4, 5.5), "2024-01-02 03:04:05.5");
	EXPECT (MKTS (2024, 2, 29, 23, 59, 59.9999999), "2024-03-01 00:00:00");
	EXPECT (MKTS (-1, 1, 1, 0, 0, 0), "0001-01-01 00:00:00 BC");
	EXPECT (MKTS (2024, 1, 1, 24, 0, 0), "2024-01-02 00:00:00");
	EXPECT (MKTS (2024, 1, 1, 23, 59, 60), "2024-01-02 00:00:00");
	EXPECT (MKTS (-4713, 11, 24, 0, 0, 0), "4713-11-24 00:00:00 BC");
	EXPECT_ERROR ("22008", "date field value out of range: 0-01-01", MKTS (0, 1, 1, 0, 0, 0));
	EXPECT_ERROR ("22008", "date field value out of range: -44-02-30", MKTS (-44, 2, 30, 0, 0, 0));
	EXPECT_ERROR ("22008", "date field value out of range: 2024-02-30", MKTS (2024, 2, 30, 25, 0, 0));
	EXPECT_ERROR ("22008", "time field value out of range: 25:00:00", MKTS (2023, 1, 1, 25, 0, 0));
	EXPECT_ERROR ("22008", "time field value out of range: 1:60:00", MKTS (2023, 1, 1, 1, 60, 0));
	EXPECT_ERROR ("22008", "time field value out of range: 1:00:60.5", MKTS (2023, 1, 1, 1, 0, 60.5));
	EXPECT_ERROR ("22008", "time field value out of range: 24:00:0.5", MKTS (2024, 1, 1, 24, 0, 0.5));
	EXPECT_ERROR ("22008", "time field value out of range: -1:00:00", MKTS (2024, 1, 1, -1, 0, 0));
	EXPECT_ERROR ("22008", "time field value out of range: 1:00:NaN", MKTS (2024, 1, 1, 1, 0, NAN));
	EXPECT_ERROR ("22008", "time field value out of range: 1:00:-0.5", MKTS (2024, 1, 1, 1, 0, -0.5));
	EXPECT_ERROR ("22008", "time field value out of range: 25:00:00", MKTS (-4714, 11, 23, 25, 0, 0));
	EXPECT_ERROR ("22008", "timestamp out of range: -4714-11-23 0:00:00", MKTS (-4714, 11, 23, 0, 0, 0));
	EXPECT_ERROR ("22008", "timestamp out of range: 294277-01-01 0:00:00", MKTS (294277, 1, 1, 0, 0, 0));
	EXPECT_ERROR ("22008", "date out of range: -4800-11-23", MKTS (-4800, 11, 23, 0, 0, 0));
	EXPECT_ERROR ("22008", "date out of range: -5000-01-01", MKTS (-5000, 1, 1, 0, 0, 0));
	EXPECT_ERROR ("22008", "date out of range: 2147483647-01-01", MKTS (2147483647, 1, 1, 0, 0, 0));
}

static void
test_datetime_to_timestamp (void)
{
	EXPECT (CALL ("to_timestamp", F8 (0)), "1970-01-01 00:00:00+00");
	EXPECT (CALL ("to_timestamp", F8 (1.5)), "1970-01-01 00:00:01.5+00");
	EXPECT (CALL ("to_timestamp", F8 (-1e10)), "1653-02-10 06:13:20+00");
	EXPECT (CALL ("to_timestamp", F8 (INFINITY)), "infinity");
	EXPECT (CALL ("to_timestamp", F8 (1700000000.123456789)), "2023-11-14 22:13:20.123457+00");
	EXPECT (CALL ("to_timestamp", F8 (-210866803200)), "4714-11-24 00:00:00+00 BC");
	EXPECT (CALL ("to_timestamp", F8 (9224318015999)), "294276-12-31 23:59:58.999552+00");
	EXPECT_ERROR ("22008", "timestamp cannot be NaN", CALL ("to_timestamp", F8 (NAN)));
	EXPECT_ERROR ("22008", "timestamp out of range: \"1e+20\"", CALL ("to_timestamp", F8 (1e20)));
	EXPECT_ERROR ("22008", "timestamp out of range: \"9.22432e+12\"", CALL ("to_timestamp", F8 (9224318016000)));
	EXPECT_ERROR ("22008", "timestamp out of range: \"-2.10867e+11\"", CALL ("to_timestamp", F8 (-210866803201)));
}

/* ------------------------------------------------------------------------ */

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	arena = ox_arena_new ();
	OxTimeZone *utc = ox_timezone_new ("UTC");
	OxTimeZone *ny = ox_timezone_new ("America/New_York");
	g_assert_nonnull (utc);
	g_assert_nonnull (ny);
	utc_cx.tz = utc;
	ny_cx.tz = ny;
	cx = &utc_cx;
	utc_cx.now = ny_cx.now = ox_timestamptz_in ("2024-03-05 12:34:56.789012+00", 29, 0, utc_cx.tz);

	g_test_add_func ("/engine/functions/resolve/exact-and-implicit", test_resolve_exact_and_implicit);
	g_test_add_func ("/engine/functions/resolve/unknown-literals", test_resolve_unknown_literals);
	g_test_add_func ("/engine/functions/resolve/failures", test_resolve_failures);
	g_test_add_func ("/engine/functions/resolve/variadic", test_resolve_variadic);
	g_test_add_func ("/engine/functions/resolve/ambiguous", test_resolve_ambiguous);
	g_test_add_func ("/engine/functions/resolve/table-consistent", test_resolve_table_consistent);
	g_test_add_func ("/engine/functions/resolve/aggregate-names", test_aggregate_names);

	g_test_add_func ("/engine/functions/math/abs", test_math_abs);
	g_test_add_func ("/engine/functions/math/sign", test_math_sign);
	g_test_add_func ("/engine/functions/math/round-trunc-ceil-floor", test_math_round);
	g_test_add_func ("/engine/functions/math/mod-div", test_math_mod_div);
	g_test_add_func ("/engine/functions/math/gcd-lcm", test_math_gcd_lcm);
	g_test_add_func ("/engine/functions/math/float", test_math_float);
	g_test_add_func ("/engine/functions/math/float-errors", test_math_float_errors);
	g_test_add_func ("/engine/functions/math/numeric-power-sqrt", test_math_numeric_power_sqrt);
	g_test_add_func ("/engine/functions/math/numeric-ln", test_math_numeric_ln);
	g_test_add_func ("/engine/functions/math/numeric-ln-long", test_math_numeric_ln_long);
	g_test_add_func ("/engine/functions/math/numeric-log", test_math_numeric_log);
	g_test_add_func ("/engine/functions/math/numeric-exp", test_math_numeric_exp);
	g_test_add_func ("/engine/functions/math/misc", test_math_misc);

	g_test_add_func ("/engine/functions/substr/positive", test_substr_positive);
	g_test_add_func ("/engine/functions/substr/negative-start", test_substr_negative_start);
	g_test_add_func ("/engine/functions/substr/negative-length", test_substr_negative_length);
	g_test_add_func ("/engine/functions/substr/bytea", test_substr_bytea);
	g_test_add_func ("/engine/functions/string/length", test_string_length);
	g_test_add_func ("/engine/functions/string/case", test_string_case);
	g_test_add_func ("/engine/functions/string/trim", test_string_trim);
	g_test_add_func ("/engine/functions/string/search", test_string_search);
	g_test_add_func ("/engine/functions/string/left-right", test_string_left_right);
	g_test_add_func ("/engine/functions/string/pad", test_string_pad);
	g_test_add_func ("/engine/functions/string/repeat-reverse", test_string_repeat_reverse);
	g_test_add_func ("/engine/functions/string/concat", test_string_concat);
	g_test_add_func ("/engine/functions/string/split-part", test_string_split_part);
	g_test_add_func ("/engine/functions/string/chr-ascii", test_string_chr_ascii);
	g_test_add_func ("/engine/functions/string/translate", test_string_translate);
	g_test_add_func ("/engine/functions/string/quote", test_string_quote);

	g_test_add_func ("/engine/functions/bytea/hashes", test_bytea_hashes);
	g_test_add_func ("/engine/functions/bytea/encode", test_bytea_encode);
	g_test_add_func ("/engine/functions/bytea/decode", test_bytea_decode);

	g_test_add_func ("/engine/functions/datetime/now", test_datetime_now);
	g_test_add_func ("/engine/functions/datetime/date-part", test_datetime_date_part);
	g_test_add_func ("/engine/functions/datetime/date-part-infinite", test_datetime_date_part_infinite);
	g_test_add_func ("/engine/functions/datetime/date-part-zone", test_datetime_date_part_zone);
	g_test_add_func ("/engine/functions/datetime/date-part-errors", test_datetime_date_part_errors);
	g_test_add_func ("/engine/functions/datetime/date-trunc", test_datetime_date_trunc);
	g_test_add_func ("/engine/functions/datetime/make-date", test_datetime_make_date);
	g_test_add_func ("/engine/functions/datetime/make-timestamp", test_datetime_make_timestamp);
	g_test_add_func ("/engine/functions/datetime/to-timestamp", test_datetime_to_timestamp);

	int rc = g_test_run ();
	ox_timezone_free (utc);
	ox_timezone_free (ny);
	ox_arena_free (arena);
	return rc;
}

/*
 * test-tuple.c — the packed row format of stored versions
 * (engine/storage/tuple.c): every type round-trips through
 * ox_tuple_new and each way of reading it back (ox_tuple_decode,
 * ox_tuple_decode_cols, ox_tuple_get), with NULLs, empty and long
 * strings, numerics at their limits, and the generic form that rows
 * not matching their table's column types fall back to.
 *
 * Values are compared field by field, and strings, byte strings and
 * numerics by their bytes (numerics also by their text), floats by their
 * bits: "round trip" means the same value, not an equal one.
 */
#include "storage/tuple.h"
#include "base/numeric.h"

#include <glib.h>
#include <float.h>
#include <math.h>
#include <string.h>

static OxArena *arena;
static bool sweep = true;  /* round_trip also reads every subset of columns */

static OxValue
num (const char *s)
{
	OxValue v = { .type = OX_T_NUMERIC };
	v.v.num = ox_numeric_parse (arena, s, strlen (s));
	return v;
}

static OxValue
bytes (const void *p, size_t n)
{
	OxValue v = { .type = OX_T_BYTEA, .len = (uint32_t) n };
	v.v.bytes = p;
	return v;
}

static OxValue
text (OxTypeId t, const char *s)
{
	return ox_text (t, s, strlen (s));
}

/* The same value, bit for bit where it matters. */
static void
assert_same (const OxValue *want, const OxValue *got, int col)
{
	if (want->type != got->type || want->null != got->null)
		g_error ("column %d: type %d null %d, want type %d null %d", col, got->type, got->null, want->type,
		         want->null);
	if (want->null)
		return;
	switch ((OxTypeId) want->type) {
	case OX_T_BOOL:
		g_assert_cmpint (want->v.b, ==, got->v.b);
		break;
	case OX_T_FLOAT4:
	case OX_T_FLOAT8:
		g_assert_cmpmem (&want->v.f, sizeof (double), &got->v.f, sizeof (double));
		break;
	case OX_T_NUMERIC: {
		size_t n = ox_numeric_size (want->v.num);
		g_assert_cmpmem (want->v.num, n, got->v.num, ox_numeric_size (got->v.num));
		g_assert_cmpstr (ox_numeric_out (arena, want->v.num), ==, ox_numeric_out (arena, got->v.num));
		g_assert_cmpuint ((uintptr_t) got->v.num & 1, ==, 0);  /* 2-aligned: read in place */
		break;
	}
	case OX_T_BYTEA:
		g_assert_cmpuint (want->len, ==, got->len);
		g_assert_cmpmem (want->v.bytes, want->len, got->v.bytes, got->len);
		break;
	case OX_T_UNKNOWN:
	case OX_T_TEXT:
	case OX_T_VARCHAR:
	case OX_T_BPCHAR:
		g_assert_cmpuint (want->len, ==, got->len);
		g_assert_cmpmem (want->v.str, want->len, got->v.str, got->len);
		g_assert_cmpint (got->v.str[got->len], ==, '\0');  /* OxValue's text contract */
		break;
	default:
		g_assert_cmpint (want->v.i, ==, got->v.i);
		break;
	}
}

/* Store vals under format f, read them back every way, check they are the
 * same; returns the tuple (the caller frees it). */
static OxTuple *
round_trip (const OxRowFormat *f, const OxValue *vals)
{
	OxTuple *t = ox_tuple_new (f, vals);
	g_assert_cmpuint (t->ts, ==, 0);
	g_assert_null (t->prev);
	g_assert_cmpuint (t->cid, ==, 0);
	int n = f->ncols;
	OxValue *out = g_new0 (OxValue, n + 1);
	ox_tuple_decode (f, t->data, out);
	for (int c = 0; c < n; c++)
		assert_same (&vals[c], &out[c], c);
	for (int c = 0; c < n; c++) {
		OxValue v = ox_tuple_get (f, t->data, c);
		assert_same (&vals[c], &v, c);
	}
	/* every subset of up to 12 columns, through decode_cols: entries not
	 * asked for stay untouched */
	int lim = n <= 12 ? n : 12;
	int *cols = g_new (int, n + 1);
	for (unsigned mask = 0; sweep && mask < (1u << lim); mask++) {
		int k = 0;
		for (int c = 0; c < lim; c++)
			if (mask & (1u << c))
				cols[k++] = c;
		for (int c = 0; c < n; c++)
			out[c] = ox_int (OX_T_INT8, 4242);
		ox_tuple_decode_cols (f, t->data, out, cols, k);
		for (int c = 0; c < lim; c++) {
			if (mask & (1u << c))
				assert_same (&vals[c], &out[c], c);
			else
				g_assert_true (out[c].type == OX_T_INT8 && out[c].v.i == 4242);
		}
	}
	g_free (cols);
	g_free (out);
	return t;
}

static OxRowFormat *
format_of (const OxTypeId *types, int n)
{
	OxRowFormat *f = ox_row_format_new (n);
	for (int c = 0; c < n; c++)
		ox_row_format_set_type (f, c, types[c]);
	return f;
}

/* One column of every type, values and NULLs in every combination of
 * a few patterns. */
static void
test_every_type (void)
{
	static const OxTypeId types[] = {
		OX_T_BOOL, OX_T_INT2, OX_T_INT4, OX_T_INT8, OX_T_NUMERIC, OX_T_FLOAT4, OX_T_FLOAT8, OX_T_TEXT,
		OX_T_VARCHAR, OX_T_BPCHAR, OX_T_BYTEA, OX_T_DATE, OX_T_TIMESTAMP, OX_T_TIMESTAMPTZ,
	};
	int n = G_N_ELEMENTS (types);
	OxRowFormat *f = format_of (types, n);
	OxValue vals[G_N_ELEMENTS (types)] = {
		ox_bool (true),
		ox_int (OX_T_INT2, -32768),
		ox_int (OX_T_INT4, INT32_MIN),
		ox_int (OX_T_INT8, INT64_MIN),
		num ("-12345678901234567890.123456789"),
		ox_float (OX_T_FLOAT4, (double) -FLT_MAX),
		ox_float (OX_T_FLOAT8, -0.0),
		text (OX_T_TEXT, "x"),
		text (OX_T_VARCHAR, ""),
		text (OX_T_BPCHAR, "abc  "),
		bytes ("\0\1\2", 3),
		ox_int (OX_T_DATE, -2451545),
		ox_int (OX_T_TIMESTAMP, INT64_MAX),
		ox_int (OX_T_TIMESTAMPTZ, -1),
	};
	OxTuple *t = round_trip (f, vals);
	g_assert_false (ox_row_is_generic (t->data));
	g_free (t);

	/* NULL in each column alone, then in all of them */
	for (int c = 0; c <= n; c++) {
		OxValue v[G_N_ELEMENTS (types)];
		memcpy (v, vals, sizeof v);
		for (int k = 0; k < n; k++)
			if (k == c || c == n)
				v[k] = ox_null (types[k]);
		t = round_trip (f, v);
		g_assert_false (ox_row_is_generic (t->data));
		g_free (t);
	}

	/* the other ends of the ranges */
	OxValue hi[G_N_ELEMENTS (types)] = {
		ox_bool (false),
		ox_int (OX_T_INT2, 32767),
		ox_int (OX_T_INT4, INT32_MAX),
		ox_int (OX_T_INT8, INT64_MAX),
		num ("0"),
		ox_float (OX_T_FLOAT4, (double) INFINITY),
		ox_float (OX_T_FLOAT8, NAN),
		text (OX_T_TEXT, ""),
		text (OX_T_VARCHAR, "é ü"),
		text (OX_T_BPCHAR, " "),
		bytes (NULL, 0),
		ox_int (OX_T_DATE, INT32_MAX),
		ox_int (OX_T_TIMESTAMP, INT64_MIN),
		ox_int (OX_T_TIMESTAMPTZ, 0),
	};
	t = round_trip (f, hi);
	g_assert_false (ox_row_is_generic (t->data));
	g_free (t);
	ox_row_format_free (f);
}

/* Strings around the one-byte length limit (127/128), long ones, and
 * numerics at their limits, in every position relative to each other
 * (a numeric after an odd-length string must still be 2-aligned). */
static void
test_lengths_and_numerics (void)
{
	static const OxTypeId types[] = { OX_T_TEXT, OX_T_NUMERIC, OX_T_BYTEA, OX_T_NUMERIC, OX_T_INT4, OX_T_TEXT };
	OxRowFormat *f = format_of (types, G_N_ELEMENTS (types));
	size_t lens[] = { 0, 1, 2, 126, 127, 128, 129, 255, 256, 65535, 65536, 70001 };
	GString *big = g_string_new (NULL);
	for (size_t i = 0; i < 1000003; i++)
		g_string_append_c (big, (char) ('a' + i % 26));
	/* 1000 integer digits and 1000 decimals: PostgreSQL's limits are
	 * larger, the format has no limit of its own */
	GString *bign = g_string_new ("-");
	for (int i = 0; i < 1000; i++)
		g_string_append_c (bign, (char) ('1' + i % 9));
	g_string_append_c (bign, '.');
	for (int i = 0; i < 1000; i++)
		g_string_append_c (bign, (char) ('1' + i % 9));
	const char *nums[] = { "0", "1", "-1", "0.00000000000000000001", "99999999999999999999", "NaN", "Infinity",
		               "-Infinity", "1.50", "12345.678", bign->str };
	for (guint i = 0; i < G_N_ELEMENTS (lens); i++) {
		for (guint j = 0; j < G_N_ELEMENTS (nums); j++) {
			OxValue v[6] = {
				ox_text (OX_T_TEXT, big->str, lens[i]),
				num (nums[j]),
				bytes (big->str, lens[(i + j) % G_N_ELEMENTS (lens)]),
				num (nums[(j + 3) % G_N_ELEMENTS (nums)]),
				ox_int (OX_T_INT4, (int64_t) i * 1000 + j),
				ox_text (OX_T_TEXT, big->str + 1, lens[(i + 5) % G_N_ELEMENTS (lens)] > 0 ?
				                                     lens[(i + 5) % G_N_ELEMENTS (lens)] - 1 : 0),
			};
			g_free (round_trip (f, v));
			v[0] = ox_null (OX_T_TEXT);  /* a NULL variable-width column takes no bytes */
			v[2] = ox_null (OX_T_BYTEA);
			g_free (round_trip (f, v));
			ox_arena_reset (arena);
		}
	}
	/* a megabyte string, read back without the subset sweep */
	sweep = false;
	OxValue v[6] = {
		ox_text (OX_T_TEXT, big->str, big->len), num (bign->str), bytes (big->str, big->len), num ("-0.5"),
		ox_int (OX_T_INT4, 1), text (OX_T_TEXT, "end"),
	};
	g_free (round_trip (f, v));
	sweep = true;
	g_string_free (bign, TRUE);
	g_string_free (big, TRUE);
	ox_row_format_free (f);
}

/* The benchmark's row: a null bitmap, five 4-byte integers, a 15-byte
 * name with its length byte and NUL: 38 bytes after the header. */
static void
test_size (void)
{
	static const OxTypeId types[] = { OX_T_INT4, OX_T_INT4, OX_T_INT4, OX_T_INT4, OX_T_INT4, OX_T_TEXT };
	OxRowFormat *f = format_of (types, 6);
	OxValue v[6] = {
		ox_int (OX_T_INT4, 1), ox_int (OX_T_INT4, 2), ox_int (OX_T_INT4, 3), ox_int (OX_T_INT4, 4),
		ox_int (OX_T_INT4, 5), text (OX_T_TEXT, "name-0123456789"),
	};
	OxTuple *t = round_trip (f, v);
	g_assert_cmpuint (ox_tuple_body_size (f, t->data), ==, 1 + 5 * 4 + 1 + 15 + 1);
	g_free (t);
	/* a fixed-width NULL keeps its bytes, a variable-width one has none */
	v[1] = ox_null (OX_T_INT4);
	v[5] = ox_null (OX_T_TEXT);
	t = round_trip (f, v);
	g_assert_cmpuint (ox_tuple_body_size (f, t->data), ==, 1 + 5 * 4);
	g_free (t);
	/* the fixed-width columns come first whatever the column order */
	static const OxTypeId mixed[] = { OX_T_TEXT, OX_T_INT8, OX_T_TEXT, OX_T_BOOL };
	OxRowFormat *g = format_of (mixed, 4);
	g_assert_cmpint (g->off[1], ==, 1);
	g_assert_cmpint (g->off[3], ==, 9);
	g_assert_cmpint (g->varstart, ==, 10);
	ox_row_format_free (g);
	ox_row_format_free (f);
}

/* Rows that do not match their format are stored self-described and
 * come back exactly. */
static void
test_generic (void)
{
	static const OxTypeId types[] = { OX_T_INT2, OX_T_INT4, OX_T_FLOAT4, OX_T_DATE, OX_T_TEXT, OX_T_UNKNOWN };
	OxRowFormat *f = format_of (types, G_N_ELEMENTS (types));
	OxValue ok[6] = {
		ox_int (OX_T_INT2, 7), ox_int (OX_T_INT4, 7), ox_float (OX_T_FLOAT4, 0.5), ox_int (OX_T_DATE, 7),
		text (OX_T_TEXT, "seven"),
		text (OX_T_TEXT, "an untyped column holds text"),
	};
	OxTuple *t = round_trip (f, ok);
	g_assert_false (ox_row_is_generic (t->data));
	g_free (t);
	/* each way of not fitting, alone */
	OxValue bad[] = {
		ox_int (OX_T_INT2, 40000),             /* out of INT2 */
		ox_int (OX_T_INT8, 7),                 /* another type */
		ox_float (OX_T_FLOAT4, 1e300),         /* out of a float's range */
		ox_int (OX_T_DATE, INT64_C (1) << 40), /* out of a date's 4 bytes */
		ox_null (OX_T_INT4),                   /* a NULL of another type */
		text (OX_T_UNKNOWN, "unknown"),        /* UNKNOWN into the untyped column */
	};
	for (int c = 0; c < 6; c++) {
		OxValue v[6];
		memcpy (v, ok, sizeof v);
		v[c] = bad[c];
		t = round_trip (f, v);
		g_assert_true (ox_row_is_generic (t->data));
		g_free (t);
		/* and with NULLs around it */
		v[(c + 1) % 6] = ox_null (types[(c + 1) % 6]);
		g_free (round_trip (f, v));
	}
	OxValue v[6];
	memcpy (v, ok, sizeof v);
	v[2] = ox_float (OX_T_FLOAT4, 0.1);  /* in range, but not a float's value */
	t = round_trip (f, v);
	g_assert_true (ox_row_is_generic (t->data));
	g_free (t);
	ox_row_format_free (f);

	/* a format whose types were never set: every row generic */
	OxRowFormat *u = ox_row_format_new (3);
	OxValue w[3] = { num ("-1.5"), bytes ("ab", 2), ox_bool (true) };
	t = round_trip (u, w);
	g_assert_true (ox_row_is_generic (t->data));
	g_free (t);
	ox_row_format_free (u);

	/* no columns at all */
	OxRowFormat *z = ox_row_format_new (0);
	t = round_trip (z, NULL);
	g_assert_cmpuint (ox_tuple_body_size (z, t->data), ==, 1);  /* the bitmap's byte */
	g_free (t);
	ox_row_format_free (z);
}

/* Random rows (types, NULLs, lengths), so every column order and mix is
 * met; g_test_rand names its seed on failure. */
static void
test_random (void)
{
	static const OxTypeId all[] = {
		OX_T_BOOL, OX_T_INT2, OX_T_INT4, OX_T_INT8, OX_T_NUMERIC, OX_T_FLOAT4, OX_T_FLOAT8, OX_T_TEXT,
		OX_T_VARCHAR, OX_T_BPCHAR, OX_T_BYTEA, OX_T_DATE, OX_T_TIMESTAMP, OX_T_TIMESTAMPTZ,
	};
	char buf[300];
	for (int i = 0; i < (int) sizeof buf; i++)
		buf[i] = (char) ('A' + i % 50);
	for (int round = 0; round < 300; round++) {
		int n = g_test_rand_int_range (1, 20);
		OxTypeId types[20];
		OxValue v[20];
		for (int c = 0; c < n; c++)
			types[c] = all[g_test_rand_int_range (0, G_N_ELEMENTS (all))];
		OxRowFormat *f = format_of (types, n);
		for (int r = 0; r < 20; r++) {
			for (int c = 0; c < n; c++) {
				if (g_test_rand_int_range (0, 4) == 0) {
					v[c] = ox_null (types[c]);
					continue;
				}
				int64_t x = (int64_t) (((uint64_t) (guint32) g_test_rand_int () << 32) |
				                       (guint32) g_test_rand_int ());
				switch (types[c]) {
				case OX_T_BOOL: v[c] = ox_bool (x & 1); break;
				case OX_T_INT2: v[c] = ox_int (OX_T_INT2, (int16_t) x); break;
				case OX_T_INT4:
				case OX_T_DATE: v[c] = ox_int (types[c], (int32_t) x); break;
				case OX_T_FLOAT4: v[c] = ox_float (OX_T_FLOAT4, (double) (float) g_test_rand_double ()); break;
				case OX_T_FLOAT8: v[c] = ox_float (OX_T_FLOAT8, g_test_rand_double_range (-1e300, 1e300)); break;
				case OX_T_NUMERIC: {
					char *s = g_strdup_printf ("%" G_GINT64_FORMAT ".%d", x, g_test_rand_int_range (0, 10000));
					v[c] = num (s);
					g_free (s);
					break;
				}
				case OX_T_BYTEA: v[c] = bytes (buf, (size_t) g_test_rand_int_range (0, 300)); break;
				case OX_T_TEXT:
				case OX_T_VARCHAR:
				case OX_T_BPCHAR: {
					size_t len = (size_t) g_test_rand_int_range (0, 299);
					char *s = ox_arena_alloc (arena, len + 1);
					memcpy (s, buf, len);
					s[len] = '\0';
					v[c] = ox_text (types[c], s, len);
					break;
				}
				default: v[c] = ox_int (types[c], x); break;
				}
			}
			OxTuple *t = round_trip (f, v);
			g_assert_false (ox_row_is_generic (t->data));
			g_free (t);
		}
		ox_row_format_free (f);
		ox_arena_reset (arena);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	arena = ox_arena_new ();
	g_test_add_func ("/engine/tuple/every-type", test_every_type);
	g_test_add_func ("/engine/tuple/lengths-and-numerics", test_lengths_and_numerics);
	g_test_add_func ("/engine/tuple/size", test_size);
	g_test_add_func ("/engine/tuple/generic", test_generic);
	g_test_add_func ("/engine/tuple/random", test_random);
	int rc = g_test_run ();
	ox_arena_free (arena);
	return rc;
}

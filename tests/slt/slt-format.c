/*
 * slt-format.c — sqllogictest records, value formatting, sorting, hashing
 * and result comparison (see slt-format.h for why this is kept apart from
 * the engine).
 *
 * NOTE: a script is read as lines with trailing blanks (and a CR) cut off,
 * which is what the reference does; several corpus files are CR LF and
 * some "statement error" lines carry trailing spaces.  Lines that begin
 * with '#' vanish wherever they are, so a result value that begins with
 * '#' cannot be expected; SQLite's format has the same limit.
 *
 * NOTE: the sqllogictest format has no escape for a blank line inside a
 * record; an empty string is written "(empty)" exactly so that a blank
 * line can always end a record.
 *
 * NOTE: the "one row per line" expected form is an extension some runners
 * accept.  It is only tried when the expected line count equals the row
 * count and there is more than one column, so it can never make a
 * one-value-per-line block ambiguous.
 */
#include "slt-format.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- records ------------------------------------------------------------ */

void
slt_record_free (SltRecord *r)
{
	if (r == NULL)
		return;
	g_ptr_array_unref (r->skipif);
	g_ptr_array_unref (r->onlyif);
	g_free (r->types);
	g_free (r->label);
	g_free (r->sql);
	g_ptr_array_unref (r->expected);
	g_free (r->message);
	g_free (r);
}

static SltRecord *
record_new (void)
{
	SltRecord *r = g_new0 (SltRecord, 1);
	r->skipif = g_ptr_array_new_with_free_func (g_free);
	r->onlyif = g_ptr_array_new_with_free_func (g_free);
	r->expected = g_ptr_array_new_with_free_func (g_free);
	return r;
}

/* The script as numbered lines, comments gone and trailing blanks cut. */
typedef struct Lines {
	GPtrArray *text;  /* char *, owned */
	GArray    *num;   /* int: 1-based line number of text[i] in the file */
	guint      i;     /* cursor */
} Lines;

static void
lines_init (Lines *l, const char *text, gsize len)
{
	l->text = g_ptr_array_new_with_free_func (g_free);
	l->num = g_array_new (FALSE, FALSE, sizeof (int));
	l->i = 0;

	const char *p = text, *end = text + len;
	int lineno = 0;
	while (p < end) {
		const char *nl = memchr (p, '\n', (size_t) (end - p));
		const char *stop = nl ? nl : end;
		lineno++;
		const char *e = stop;
		while (e > p && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (!(e > p && p[0] == '#')) {
			char *s = g_strndup (p, (gsize) (e - p));
			g_ptr_array_add (l->text, s);
			g_array_append_val (l->num, lineno);
		}
		p = nl ? nl + 1 : end;
	}
}

static void
lines_clear (Lines *l)
{
	g_ptr_array_unref (l->text);
	g_array_unref (l->num);
}

static const char *
lines_peek (Lines *l)
{
	return l->i < l->text->len ? g_ptr_array_index (l->text, l->i) : NULL;
}

static bool
at_blank (Lines *l)
{
	const char *s = lines_peek (l);
	return s == NULL || s[0] == '\0';
}

static void
skip_to_blank (Lines *l)
{
	while (!at_blank (l))
		l->i++;
}

/* Whitespace-separated words of a line, empties dropped. */
static char **
split_words (const char *line)
{
	char **raw = g_strsplit_set (line, " \t", -1);
	guint n = 0;
	for (guint i = 0; raw[i]; i++) {
		if (raw[i][0] != '\0')
			raw[n++] = raw[i];
		else
			g_free (raw[i]);
	}
	raw[n] = NULL;
	return raw;
}

static bool
is_sqlstate (const char *s)
{
	if (strlen (s) != 5)
		return false;
	for (int i = 0; i < 5; i++)
		if (!g_ascii_isdigit (s[i]) && !g_ascii_isupper (s[i]))
			return false;
	return true;
}

static void
make_invalid (SltRecord *r, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
make_invalid (SltRecord *r, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	g_free (r->message);
	r->message = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	r->kind = SLT_RECORD_INVALID;
}

/* Collect SQL lines up to a blank line or (when stop_at_dashes) "----". */
static char *
read_sql (Lines *l, bool stop_at_dashes)
{
	GString *sql = g_string_new (NULL);
	while (!at_blank (l)) {
		const char *s = lines_peek (l);
		if (stop_at_dashes && strcmp (s, "----") == 0)
			break;
		if (sql->len > 0)
			g_string_append_c (sql, '\n');
		g_string_append (sql, s);
		l->i++;
	}
	return g_string_free (sql, FALSE);
}

/* "error [SQLSTATE]" after statement/query: words[1] is "error". */
static void
parse_error_expectation (SltRecord *r, char **words)
{
	r->expect_error = true;
	if (words[2] == NULL)
		return;
	if (!is_sqlstate (words[2]) || words[3] != NULL) {
		make_invalid (r, "'%s error' takes one optional 5-character SQLSTATE", words[0]);
		return;
	}
	memcpy (r->sqlstate, words[2], 6);
}

static void
parse_statement (SltRecord *r, char **words, Lines *l)
{
	r->kind = SLT_RECORD_STATEMENT;
	if (g_strcmp0 (words[1], "ok") == 0) {
		if (words[2] != NULL)
			make_invalid (r, "'statement ok' takes no arguments");
	} else if (g_strcmp0 (words[1], "error") == 0) {
		parse_error_expectation (r, words);
	} else {
		make_invalid (r, "expected 'statement ok' or 'statement error'");
	}
	r->sql = read_sql (l, false);
	if (r->kind != SLT_RECORD_INVALID && r->sql[0] == '\0')
		make_invalid (r, "statement without SQL");
	skip_to_blank (l);
}

static void
parse_query (SltRecord *r, char **words, Lines *l)
{
	r->kind = SLT_RECORD_QUERY;
	if (g_strcmp0 (words[1], "error") == 0) {
		parse_error_expectation (r, words);
	} else if (words[1] == NULL) {
		make_invalid (r, "'query' needs a type string (T, I, R per column)");
	} else {
		r->types = g_strdup (words[1]);
		for (const char *t = r->types; *t; t++)
			if (*t != 'T' && *t != 'I' && *t != 'R') {
				make_invalid (r, "unknown column type '%c' (want T, I or R)", *t);
				break;
			}
		if (words[2] == NULL || strcmp (words[2], "nosort") == 0)
			r->sort = SLT_SORT_NONE;
		else if (strcmp (words[2], "rowsort") == 0)
			r->sort = SLT_SORT_ROW;
		else if (strcmp (words[2], "valuesort") == 0)
			r->sort = SLT_SORT_VALUE;
		else
			make_invalid (r, "unknown sort mode '%s'", words[2]);
		if (words[2] != NULL && words[3] != NULL) {
			r->label = g_strdup (words[3]);
			if (words[4] != NULL)
				make_invalid (r, "too many words after 'query'");
		}
	}
	r->sql = read_sql (l, true);
	if (r->kind != SLT_RECORD_INVALID && r->sql[0] == '\0')
		make_invalid (r, "query without SQL");
	const char *s = lines_peek (l);
	if (s != NULL && strcmp (s, "----") == 0) {
		r->has_results = true;
		l->i++;
		while (!at_blank (l)) {
			g_ptr_array_add (r->expected, g_strdup (lines_peek (l)));
			l->i++;
		}
	}
}

GPtrArray *
slt_parse (const char *text, gsize len)
{
	GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) slt_record_free);
	Lines l;
	lines_init (&l, text, len);

	while (lines_peek (&l) != NULL) {
		if (at_blank (&l)) {
			l.i++;
			continue;
		}
		SltRecord *r = record_new ();
		r->line = g_array_index (l.num, int, l.i);

		/* Conditions come first, one per line, any number of them. */
		char **words = NULL;
		while (!at_blank (&l)) {
			words = split_words (lines_peek (&l));
			bool skip = strcmp (words[0], "skipif") == 0;
			bool only = strcmp (words[0], "onlyif") == 0;
			if (!skip && !only)
				break;
			if (words[1] == NULL)
				make_invalid (r, "'%s' needs an engine name", words[0]);
			else
				g_ptr_array_add (skip ? r->skipif : r->onlyif, g_strdup (words[1]));
			g_strfreev (words);
			words = NULL;
			l.i++;
		}
		if (words == NULL) {
			/* Conditions with nothing after them guard nothing. */
			if (r->kind == SLT_RECORD_INVALID)
				g_ptr_array_add (records, r);
			else
				slt_record_free (r);
			continue;
		}
		if (r->kind == SLT_RECORD_INVALID) {
			/* A broken condition line: report it, keep the keyword's line. */
			r->line = g_array_index (l.num, int, l.i);
			g_strfreev (words);
			skip_to_blank (&l);
			g_ptr_array_add (records, r);
			continue;
		}

		r->line = g_array_index (l.num, int, l.i);
		l.i++;
		if (strcmp (words[0], "statement") == 0) {
			parse_statement (r, words, &l);
		} else if (strcmp (words[0], "query") == 0) {
			parse_query (r, words, &l);
		} else if (strcmp (words[0], "hash-threshold") == 0) {
			char *end = NULL;
			long v = words[1] ? strtol (words[1], &end, 10) : -1;
			r->kind = SLT_RECORD_HASH_THRESHOLD;
			r->threshold = (int) CLAMP (v, 0, INT_MAX);
			if (words[1] == NULL || *end != '\0' || v < 0)
				make_invalid (r, "'hash-threshold' needs a non-negative number");
			skip_to_blank (&l);
		} else if (strcmp (words[0], "halt") == 0) {
			r->kind = SLT_RECORD_HALT;
			skip_to_blank (&l);
		} else {
			make_invalid (r, "unknown record type '%s'", words[0]);
			skip_to_blank (&l);
		}
		g_strfreev (words);
		g_ptr_array_add (records, r);
	}
	lines_clear (&l);
	return records;
}

bool
slt_record_skipped (const SltRecord *r, const char *engine)
{
	for (guint i = 0; i < r->skipif->len; i++)
		if (g_ascii_strcasecmp (g_ptr_array_index (r->skipif, i), engine) == 0)
			return true;
	for (guint i = 0; i < r->onlyif->len; i++)
		if (g_ascii_strcasecmp (g_ptr_array_index (r->onlyif, i), engine) != 0)
			return true;
	return false;
}

/* ---- values ------------------------------------------------------------- */

/* Where the number in text starts, past blanks and a sign; NULL when the
 * text does not begin like a decimal number.  Hex ("0x1A"), which strtod
 * would take, is not a number here: the engine never prints one. */
static const char *
number_start (const char *text, bool *negative)
{
	const char *p = text;
	while (g_ascii_isspace (*p))
		p++;
	*negative = *p == '-';
	if (*p == '+' || *p == '-')
		p++;
	if (g_ascii_isdigit (*p) || (*p == '.' && g_ascii_isdigit (p[1])))
		return p;
	return NULL;
}

static bool
is_infinity_word (const char *text, bool *negative)
{
	const char *p = text;
	while (g_ascii_isspace (*p))
		p++;
	*negative = *p == '-';
	if (*p == '+' || *p == '-')
		p++;
	return g_ascii_strncasecmp (p, "inf", 3) == 0;
}

/* SQLite's real-to-integer cast: truncate, saturate, NaN is 0.  A plain
 * C cast of an out-of-range double is undefined behaviour. */
static long long
double_to_int (double d)
{
	if (isnan (d))
		return 0;
	if (d >= 9223372036854775808.0)
		return LLONG_MAX;
	if (d < -9223372036854775808.0)
		return LLONG_MIN;
	return (long long) d;
}

long long
slt_text_to_int (const char *text)
{
	bool negative;
	const char *p = number_start (text, &negative);
	if (p == NULL) {
		if (is_infinity_word (text, &negative))
			return negative ? LLONG_MIN : LLONG_MAX;
		return 0;
	}
	/* Integers go through strtoll: a bigint past 2^53 would lose its last
	 * digits through a double. */
	char *end;
	errno = 0;
	long long v = strtoll (text, &end, 10);
	if (errno == 0 && end != text && *end != '.' && *end != 'e' && *end != 'E')
		return v;
	return double_to_int (g_ascii_strtod (text, NULL));
}

double
slt_text_to_real (const char *text)
{
	bool negative;
	if (number_start (text, &negative) != NULL)
		return g_ascii_strtod (text, NULL);
	if (is_infinity_word (text, &negative))
		return negative ? -INFINITY : INFINITY;
	const char *p = text;
	while (g_ascii_isspace (*p))
		p++;
	if (g_ascii_strncasecmp (p, "nan", 3) == 0)
		return NAN;
	return 0.0;
}

char *
slt_format_real (double v)
{
	if (isnan (v))
		return g_strdup ("NaN");
	if (isinf (v))
		return g_strdup (v > 0 ? "Inf" : "-Inf");

	/* SQLite (3.43 and later) rounds once, at the third decimal or at the
	 * 16th significant digit, whichever comes first, halves away from
	 * zero; the corpus has "-9223372036854776000.000" for -2^63, which is
	 * that rule (older SQLite truncated to ...775000.000 and added the
	 * rounding half in floating point, so 1.0005 became 1.001).  glibc's
	 * "%.30e" gives enough exact digits to round the same way. */
	bool negative = v < 0;  /* false for -0.0, as in SQLite */
	char buf[64];
	snprintf (buf, sizeof buf, "%.30e", fabs (v));
	char digits[40];
	int nd = 0;
	const char *p = buf;
	for (; *p && *p != 'e'; p++)
		if (g_ascii_isdigit (*p))
			digits[nd++] = *p;
	int exp10 = atoi (p + 1);  /* value = 0.d1d2... * 10^(exp10 + 1) */
	if (v == 0)
		exp10 = 0;

	int keep = exp10 + 1 + 3;
	if (keep > 16)
		keep = 16;
	/* keep < 0: below half of the last place whatever the digits are. */
	char kept[48];
	int nk = 0;
	if (keep >= 0) {
		for (; nk < keep; nk++)
			kept[nk] = digits[nk];
		if (digits[keep] >= '5') {
			int i = nk - 1;
			while (i >= 0 && kept[i] == '9')
				kept[i--] = '0';
			if (i >= 0) {
				kept[i]++;
			} else {
				memmove (kept + 1, kept, (size_t) nk);
				kept[0] = '1';
				nk++;
				exp10++;
			}
		}
	}
	/* Lay the kept digits out from 10^exp10 down to 10^-3. */
	GString *out = g_string_new (negative ? "-" : "");
	int total = exp10 + 1 + 3;  /* digit slots from the leading digit to 10^-3 */
	if (exp10 < 0) {
		g_string_append (out, "0.");
		for (int i = 0; i < -exp10 - 1 && i < 3; i++)
			g_string_append_c (out, '0');
		for (int i = 0; i < total; i++)
			g_string_append_c (out, i < nk ? kept[i] : '0');
	} else {
		for (int i = 0; i < total; i++) {
			if (i == exp10 + 1)
				g_string_append_c (out, '.');
			g_string_append_c (out, i < nk ? kept[i] : '0');
		}
	}
	return g_string_free (out, FALSE);
}

char *
slt_format_value (char type, const char *text, bool is_bool)
{
	if (text == NULL)
		return g_strdup ("NULL");
	if (is_bool && type != 'T') {
		if (g_ascii_strcasecmp (text, "t") == 0 || g_ascii_strcasecmp (text, "true") == 0)
			text = "1";
		else if (g_ascii_strcasecmp (text, "f") == 0 || g_ascii_strcasecmp (text, "false") == 0)
			text = "0";
	}
	switch (type) {
	case 'I':
		return g_strdup_printf ("%lld", slt_text_to_int (text));
	case 'R':
		return slt_format_real (slt_text_to_real (text));
	default:
		break;
	}
	if (text[0] == '\0')
		return g_strdup ("(empty)");
	/* Byte by byte, so one UTF-8 character becomes several '@'. */
	char *s = g_strdup (text);
	for (unsigned char *q = (unsigned char *) s; *q; q++)
		if (*q < 0x20 || *q > 0x7e)
			*q = '@';
	return s;
}

/* ---- sorting and hashing ------------------------------------------------ */

static int
compare_strings (gconstpointer a, gconstpointer b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Elements are char ** pointing at a row's first value. */
static int
compare_rows (gconstpointer a, gconstpointer b, gpointer user)
{
	int ncols = GPOINTER_TO_INT (user);
	char *const *ra = *(char **const *) a;
	char *const *rb = *(char **const *) b;
	for (int c = 0; c < ncols; c++) {
		int d = strcmp (ra[c], rb[c]);
		if (d != 0)
			return d;
	}
	return 0;
}

void
slt_sort_values (GPtrArray *values, int ncols, SltSort sort)
{
	g_assert (ncols >= 1);
	g_assert (values->len % (guint) ncols == 0);

	if (sort == SLT_SORT_VALUE) {
		g_ptr_array_sort (values, compare_strings);
	} else if (sort == SLT_SORT_ROW && ncols == 1) {
		g_ptr_array_sort (values, compare_strings);
	} else if (sort == SLT_SORT_ROW) {
		guint nrows = values->len / (guint) ncols;
		gpointer *copy = g_memdup2 (values->pdata, values->len * sizeof (gpointer));
		GPtrArray *rows = g_ptr_array_sized_new (nrows);
		for (guint r = 0; r < nrows; r++)
			g_ptr_array_add (rows, copy + (gsize) r * (guint) ncols);
		g_ptr_array_sort_with_data (rows, compare_rows, GINT_TO_POINTER (ncols));
		for (guint r = 0; r < nrows; r++) {
			gpointer *row = g_ptr_array_index (rows, r);
			memcpy (values->pdata + (gsize) r * (guint) ncols, row,
			        (gsize) ncols * sizeof (gpointer));
		}
		g_ptr_array_unref (rows);
		g_free (copy);
	}
}

static void
hash_digest (GPtrArray *values, char out[33])
{
	GChecksum *ck = g_checksum_new (G_CHECKSUM_MD5);
	for (guint i = 0; i < values->len; i++) {
		const char *v = g_ptr_array_index (values, i);
		g_checksum_update (ck, (const guchar *) v, (gssize) strlen (v));
		g_checksum_update (ck, (const guchar *) "\n", 1);
	}
	g_strlcpy (out, g_checksum_get_string (ck), 33);
	g_checksum_free (ck);
}

char *
slt_hash_values (GPtrArray *values)
{
	char md5[33];
	hash_digest (values, md5);
	return g_strdup_printf ("%u values hashing to %s", values->len, md5);
}

bool
slt_parse_hash_line (const char *line, int *count, char md5[33])
{
	const char *p = line;
	if (!g_ascii_isdigit (*p))
		return false;
	char *end;
	long n = strtol (p, &end, 10);
	p = end;
	if (g_str_has_prefix (p, " values hashing to "))
		p += strlen (" values hashing to ");
	else if (g_str_has_prefix (p, " value hashing to "))
		p += strlen (" value hashing to ");
	else
		return false;
	if (strlen (p) != 32 || n > INT_MAX)
		return false;
	for (int i = 0; i < 32; i++)
		if (!g_ascii_isxdigit (p[i]))
			return false;
	*count = (int) n;
	for (int i = 0; i < 32; i++)
		md5[i] = g_ascii_tolower (p[i]);
	md5[32] = '\0';
	return true;
}

/* ---- comparison --------------------------------------------------------- */

/* Values quoted in explanations are cut: a failure report must stay
 * readable (and small) when a value is a megabyte of text. */
#define SLT_CLIP 160

static char *
clip (const char *s)
{
	if (strlen (s) <= SLT_CLIP)
		return g_strdup (s);
	return g_strdup_printf ("%.*s...", SLT_CLIP, s);
}

/* Values of row r joined by single spaces. */
static char *
row_line (GPtrArray *values, int ncols, guint r)
{
	GString *s = g_string_new (NULL);
	for (int c = 0; c < ncols; c++) {
		if (c > 0)
			g_string_append_c (s, ' ');
		g_string_append (s, g_ptr_array_index (values, r * (guint) ncols + (guint) c));
	}
	return g_string_free (s, FALSE);
}

bool
slt_compare_results (GPtrArray *expected, GPtrArray *values, int ncols, char **why)
{
	g_assert (ncols >= 1);
	char *reason = NULL;
	int count;
	char want_md5[33];

	if (expected->len == 1 && slt_parse_hash_line (g_ptr_array_index (expected, 0), &count, want_md5)) {
		char got_md5[33];
		hash_digest (values, got_md5);
		if ((guint) count != values->len || strcmp (want_md5, got_md5) != 0)
			reason = g_strdup_printf ("expected %d values hashing to %s, got %u values hashing to %s",
			                          count, want_md5, values->len, got_md5);
	} else if (expected->len == values->len) {
		for (guint i = 0; i < values->len; i++) {
			const char *want = g_ptr_array_index (expected, i);
			const char *got = g_ptr_array_index (values, i);
			if (strcmp (want, got) != 0) {
				g_autofree char *w = clip (want), *g = clip (got);
				reason = g_strdup_printf ("row %u column %u: expected '%s', got '%s'",
				                          i / (guint) ncols + 1, i % (guint) ncols + 1, w, g);
				break;
			}
		}
	} else if (ncols > 1 && expected->len == values->len / (guint) ncols) {
		/* Compare joined rows rather than splitting the expected line, so
		 * that a text value holding a space still matches. */
		for (guint r = 0; r < expected->len; r++) {
			const char *want = g_ptr_array_index (expected, r);
			char *got = row_line (values, ncols, r);
			if (strcmp (want, got) != 0) {
				g_autofree char *w = clip (want), *g = clip (got);
				reason = g_strdup_printf ("row %u: expected '%s', got '%s'", r + 1, w, g);
			}
			g_free (got);
			if (reason)
				break;
		}
	} else {
		reason = g_strdup_printf ("expected %u result lines, got %u values (%u rows of %d columns)",
		                          expected->len, values->len, values->len / (guint) ncols, ncols);
	}

	if (why)
		*why = reason;
	else
		g_free (reason);
	return reason == NULL;
}

/* ---- xfail list --------------------------------------------------------- */

static void
xfail_free (SltXfail *x)
{
	g_free (x->path);
	g_free (x->reason);
	g_free (x);
}

GPtrArray *
slt_xfail_parse (const char *text, GError **error)
{
	GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) xfail_free);
	char **lines = g_strsplit (text, "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		char *line = lines[i];
		char *hash = strchr (line, '#');
		char *reason = g_strdup (hash ? g_strstrip (hash + 1) : "");
		if (hash)
			*hash = '\0';
		g_strstrip (line);
		if (line[0] == '\0') {
			g_free (reason);
			continue;
		}
		char *colon = strrchr (line, ':');
		char *end = NULL;
		long n = colon ? strtol (colon + 1, &end, 10) : 0;
		if (colon == NULL || colon == line || end == colon + 1 || *end != '\0' || n <= 0 || n > INT_MAX) {
			g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			             "line %u: expected 'path.test:LINE  # reason', got '%s'", i + 1, line);
			g_free (reason);
			g_strfreev (lines);
			g_ptr_array_unref (list);
			return NULL;
		}
		SltXfail *x = g_new0 (SltXfail, 1);
		x->path = g_strndup (line, (gsize) (colon - line));
		x->line = (int) n;
		x->reason = reason;
		g_ptr_array_add (list, x);
	}
	g_strfreev (lines);
	return list;
}

bool
slt_path_matches (const char *file_path, const char *entry_path)
{
	while (g_str_has_prefix (entry_path, "./"))
		entry_path += 2;
	size_t fl = strlen (file_path), el = strlen (entry_path);
	if (el == 0 || el > fl)
		return false;
	if (strcmp (file_path + fl - el, entry_path) != 0)
		return false;
	return el == fl || file_path[fl - el - 1] == '/';
}

SltXfail *
slt_xfail_find (GPtrArray *xfails, const char *file_path, int line)
{
	if (xfails == NULL)
		return NULL;
	for (guint i = 0; i < xfails->len; i++) {
		SltXfail *x = g_ptr_array_index (xfails, i);
		if (x->line == line && slt_path_matches (file_path, x->path))
			return x;
	}
	return NULL;
}

/* ---- JSON --------------------------------------------------------------- */

void
slt_json_append_string (GString *out, const char *s)
{
	g_string_append_c (out, '"');
	for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
		switch (*p) {
		case '"':  g_string_append (out, "\\\""); break;
		case '\\': g_string_append (out, "\\\\"); break;
		case '\n': g_string_append (out, "\\n"); break;
		case '\t': g_string_append (out, "\\t"); break;
		case '\r': g_string_append (out, "\\r"); break;
		default:
			if (*p < 0x20)
				g_string_append_printf (out, "\\u%04x", *p);
			else
				g_string_append_c (out, (char) *p);
		}
	}
	g_string_append_c (out, '"');
}

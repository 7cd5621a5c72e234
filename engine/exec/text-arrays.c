/*
 * text-arrays.c — PostgreSQL's one-dimensional arrays, held as text in
 * array_out's format, and the functions over them: ARRAY[...] (the
 * parser's "{}"), subscripts ("[]"), array_upper, array_lower,
 * array_length, cardinality, array_to_string, array_position, array_cat
 * (|| when a side is an array by its syntax), x = ANY (arr) ("=any"), the
 * writer ARRAY(subquery) builds its value with, and the set-returning
 * built-ins a function scan computes itself (generate_series, unnest,
 * pg_partition_ancestors; called elsewhere they raise 0A000).
 *
 * We have no array types: the array columns of pg_catalog.c are text, a
 * cast to type[] keeps the text as it is, and these functions read it.
 * Three spellings are understood:
 *
 *     {1,2,"a b",NULL}      array_out's; lower bound 1
 *     [0:2]={1,2,3}         with explicit bounds (array_out writes them
 *                           when the lower bound is not 1)
 *     1 2 3                 int2vector and oidvector output (indkey,
 *                           proargtypes ...): space-separated, lower
 *                           bound 0, as PostgreSQL subscripts them
 *
 * NOTE: an element has no type of its own; the binder gives a subscript
 * the element type of a cast (x::int2[])[i], and otherwise the unknown
 * type of a quoted literal, which its context resolves (attnum = indkey[0]
 * compares integers).
 * NOTE: multi-dimensional arrays ({{1,2},{3,4}}) parse as not
 * one-dimensional: the functions then answer NULL, where PostgreSQL
 * answers for each dimension; unnest refuses them (0A000).
 * NOTE: text that is not an array literal is read leniently (no 22P02):
 * a malformed literal gives odd elements rather than an error.
 */
#include "functions.h"
#include "base/error.h"
#include "base/cast.h"
#include "plan/plan.h"

#include <string.h>
#include <stdlib.h>
#include <errno.h>

typedef struct TextArray {
	int        lower;  /* subscript of the first element */
	bool       one_d;  /* false: nested braces, or not an array literal */
	GPtrArray *elems;  /* char *, NULL for a NULL element; in ctx->arena */
} TextArray;

static bool
is_space (char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Parse s[0..len) into *out.  Elements are allocated in a; the GPtrArray
 * belongs to the caller (g_ptr_array_unref). */
static void
parse (OxArena *a, const char *s, size_t len, TextArray *out)
{
	const char *p = s, *e = s + len;
	out->lower = 1;
	out->one_d = true;
	out->elems = g_ptr_array_new ();
	while (p < e && is_space (*p))
		p++;
	if (p < e && *p == '[') {
		/* [lo:hi]= */
		char *end;
		long lo = strtol (p + 1, &end, 10);
		const char *q = strchr (p, ']');
		if (!q || q >= e || *end != ':' || q + 1 >= e || q[1] != '=') {
			out->one_d = false;
			return;
		}
		out->lower = (int) lo;
		p = q + 2;
	} else if (p < e && *p != '{') {
		/* int2vector / oidvector */
		out->lower = 0;
		while (p < e) {
			while (p < e && is_space (*p))
				p++;
			const char *t = p;
			while (p < e && !is_space (*p))
				p++;
			if (p > t)
				g_ptr_array_add (out->elems, ox_arena_strndup (a, t, (size_t) (p - t)));
		}
		return;
	}
	if (p >= e || *p != '{') {
		out->one_d = false;
		return;
	}
	p++;
	GString *g = g_string_new (NULL);
	while (p < e) {
		while (p < e && is_space (*p))
			p++;
		if (p < e && *p == '}')
			break;
		if (p < e && *p == '{') {
			out->one_d = false;
			break;
		}
		g_string_truncate (g, 0);
		bool quoted = false;
		if (p < e && *p == '"') {
			quoted = true;
			for (p++; p < e && *p != '"'; p++) {
				if (*p == '\\' && p + 1 < e)
					p++;
				g_string_append_c (g, *p);
			}
			p++;
			while (p < e && is_space (*p))
				p++;
		} else {
			/* trailing blanks of an unquoted element are not part of it */
			size_t keep = 0;
			while (p < e && *p != ',' && *p != '}') {
				if (*p == '\\' && p + 1 < e) {
					g_string_append_c (g, *++p);
					keep = g->len;
				} else {
					g_string_append_c (g, *p);
					if (!is_space (*p))
						keep = g->len;
				}
				p++;
			}
			g_string_truncate (g, keep);
		}
		if (!quoted && !g_ascii_strcasecmp (g->str, "NULL"))
			g_ptr_array_add (out->elems, NULL);
		else
			g_ptr_array_add (out->elems, ox_arena_strndup (a, g->str, g->len));
		if (p < e && *p == ',')
			p++;
	}
	g_string_free (g, TRUE);
}

GPtrArray *
ox_text_array_elements (OxArena *a, const char *s, size_t len)
{
	TextArray arr;
	parse (a, s, len, &arr);
	if (!arr.one_d) {
		g_ptr_array_unref (arr.elems);
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "multidimensional arrays are not supported");
	}
	return arr.elems;
}

void
ox_text_array_append (GString *buf, const char *s, size_t len)
{
	if (!s) {
		g_string_append (buf, "NULL");
		return;
	}
	bool quote = len == 0 || (len == 4 && !g_ascii_strncasecmp (s, "NULL", 4));
	for (size_t i = 0; i < len && !quote; i++)
		quote = strchr (",{}\"\\", s[i]) != NULL || is_space (s[i]);
	if (!quote) {
		g_string_append_len (buf, s, (gssize) len);
		return;
	}
	g_string_append_c (buf, '"');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			g_string_append_c (buf, '\\');
		g_string_append_c (buf, s[i]);
	}
	g_string_append_c (buf, '"');
}

static void
set_text (OxFuncCtx *ctx, OxValue *r, const char *s)
{
	size_t n = strlen (s);
	*r = ox_text (OX_T_TEXT, ox_arena_strndup (ctx->arena, s, n), n);
}

static TextArray
arg_array (OxFuncCtx *ctx, const OxValue *v)
{
	TextArray arr;
	parse (ctx->arena, v->v.str, v->len, &arr);
	return arr;
}

/* arr[i]: the element, or NULL when i is out of bounds (as PostgreSQL) */
static void
fn_subscript (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	TextArray arr = arg_array (ctx, &args[0]);
	int64_t i = args[1].v.i - arr.lower;
	const char *el = arr.one_d && i >= 0 && i < (int64_t) arr.elems->len ? arr.elems->pdata[i] : NULL;
	if (el)
		set_text (ctx, result, el);
	else
		*result = ox_null (OX_T_TEXT);
	g_ptr_array_unref (arr.elems);
}

/* array_lower, array_upper, array_length of dimension 1; NULL for other
 * dimensions and for an empty array, as PostgreSQL */
static void
dimension (OxFuncCtx *ctx, const OxValue *args, OxValue *result, char which)
{
	TextArray arr = arg_array (ctx, &args[0]);
	int n = (int) arr.elems->len;
	if (!arr.one_d || args[1].v.i != 1 || n == 0)
		*result = ox_null (OX_T_INT4);
	else
		*result = ox_int (OX_T_INT4, which == 'l' ? arr.lower : which == 'u' ? arr.lower + n - 1 : n);
	g_ptr_array_unref (arr.elems);
}

static void
fn_array_lower (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	dimension (ctx, args, result, 'l');
}

static void
fn_array_upper (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	dimension (ctx, args, result, 'u');
}

static void
fn_array_length (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	dimension (ctx, args, result, 'n');
}

static void
fn_cardinality (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	TextArray arr = arg_array (ctx, &args[0]);
	*result = arr.one_d ? ox_int (OX_T_INT4, (int64_t) arr.elems->len) : ox_null (OX_T_INT4);
	g_ptr_array_unref (arr.elems);
}

/* array_to_string (arr, sep [, null_string]): NULL elements are left out
 * unless null_string is given */
static void
fn_array_to_string (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	if (args[0].null || args[1].null) {
		*result = ox_null (OX_T_TEXT);
		return;
	}
	TextArray arr = arg_array (ctx, &args[0]);
	bool null_str = nargs > 2 && !args[2].null;
	GString *g = g_string_new (NULL);
	bool first = true;
	for (guint i = 0; i < arr.elems->len; i++) {
		const char *el = arr.elems->pdata[i];
		if (!el && !null_str)
			continue;
		if (!first)
			g_string_append_len (g, args[1].v.str, (gssize) args[1].len);
		first = false;
		if (el)
			g_string_append (g, el);
		else
			g_string_append_len (g, args[2].v.str, (gssize) args[2].len);
	}
	set_text (ctx, result, g->str);
	g_string_free (g, TRUE);
	g_ptr_array_unref (arr.elems);
}

/* x = ANY (arr), arr being text: the parser's spelling "=any".  Elements
 * compare as text; true on a match, else NULL if an element was NULL,
 * else false. */
static void
fn_eq_any (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	TextArray arr = arg_array (ctx, &args[1]);
	bool found = false, saw_null = false;
	for (guint i = 0; i < arr.elems->len && !found; i++) {
		const char *el = arr.elems->pdata[i];
		if (!el)
			saw_null = true;
		else
			found = strlen (el) == args[0].len && !memcmp (el, args[0].v.str, args[0].len);
	}
	*result = found || !saw_null ? ox_bool (found) : ox_null (OX_T_BOOL);
	g_ptr_array_unref (arr.elems);
}

/* ARRAY[a, b, ...]: the parser's function "{}"; each element in its
 * type's output format (the binder leaves the arguments their types) */
static void
fn_array_ctor (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	GString *g = g_string_new ("{");
	for (int i = 0; i < nargs; i++) {
		size_t len = 0;
		const char *s = args[i].null ? NULL : ox_value_out (ctx->arena, ctx->cx, &args[i], &len);
		if (i)
			g_string_append_c (g, ',');
		ox_text_array_append (g, s, len);
	}
	g_string_append_c (g, '}');
	*result = ox_text (OX_T_TEXT, ox_arena_strndup (ctx->arena, g->str, g->len), g->len);
	g_string_free (g, TRUE);
}

/* array_position (arr, x): the subscript of the first element equal to
 * x (compared as text; NULL matches NULL), or NULL */
static void
fn_array_position (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	*result = ox_null (OX_T_INT4);
	if (args[0].null)
		return;
	TextArray arr = arg_array (ctx, &args[0]);
	for (guint i = 0; arr.one_d && i < arr.elems->len; i++) {
		const char *el = arr.elems->pdata[i];
		bool eq = args[1].null ? el == NULL
		          : el && strlen (el) == args[1].len && !memcmp (el, args[1].v.str, args[1].len);
		if (eq) {
			*result = ox_int (OX_T_INT4, arr.lower + (int64_t) i);
			break;
		}
	}
	g_ptr_array_unref (arr.elems);
}

/* a || b where one side is an array by its syntax (the binder): array_cat
 * when both are arrays, else array_append / array_prepend of the side that
 * is not an array literal.  A NULL side is an empty array (psql:
 * reloptions || ARRAY(...)), as a NULL array is to array_cat.
 * NOTE: a text element that starts with '{' is taken for an array. */
static void
fn_array_cat (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	if (args[0].null && args[1].null) {
		*result = ox_null (OX_T_TEXT);
		return;
	}
	GString *g = g_string_new ("{");
	for (int s = 0; s < 2; s++) {
		if (args[s].null)
			continue;
		const char *p = args[s].v.str;
		size_t len = args[s].len;
		while (len && is_space (*p))
			p++, len--;
		if (len && (*p == '{' || *p == '[')) {
			TextArray arr = arg_array (ctx, &args[s]);
			for (guint i = 0; i < arr.elems->len; i++) {
				const char *el = arr.elems->pdata[i];
				if (g->len > 1)
					g_string_append_c (g, ',');
				ox_text_array_append (g, el, el ? strlen (el) : 0);
			}
			g_ptr_array_unref (arr.elems);
		} else {
			if (g->len > 1)
				g_string_append_c (g, ',');
			ox_text_array_append (g, args[s].v.str, args[s].len);
		}
	}
	g_string_append_c (g, '}');
	*result = ox_text (OX_T_TEXT, ox_arena_strndup (ctx->arena, g->str, g->len), g->len);
	g_string_free (g, TRUE);
}

/* x = ANY (arr) for an integer x (oid = ANY (polroles)): elements
 * compare as integers; one that is not an integer matches nothing */
static void
fn_eq_any_int (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	TextArray arr = arg_array (ctx, &args[1]);
	bool found = false, saw_null = false;
	for (guint i = 0; i < arr.elems->len && !found; i++) {
		const char *el = arr.elems->pdata[i];
		if (!el) {
			saw_null = true;
			continue;
		}
		char *end;
		errno = 0;
		long long v = strtoll (el, &end, 10);
		found = end != el && !*end && errno == 0 && v == args[0].v.i;
	}
	*result = found || !saw_null ? ox_bool (found) : ox_null (OX_T_BOOL);
	g_ptr_array_unref (arr.elems);
}

/* A value as an array element is written: its type's output (the binder
 * calls it on x of x = ANY (arr)); variadic "any" receives x as it is. */
static void
fn_array_elem_out (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	size_t len = 0;
	const char *s = ox_value_out (ctx->arena, ctx->cx, &args[0], &len);
	*result = ox_text (OX_T_TEXT, s, len);
}

/* generate_series in a select list: the binder lets it through only in
 * FROM, where the function scan computes it without calling this. */
static void
fn_generate_series (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) ctx, (void) nargs, (void) args, (void) result;
	ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "set-returning functions are only supported in FROM");
}

/* pg_partition_ancestors (rel): the function scan answers (no rows: there
 * are no partitions, and PostgreSQL lists none for other relations) */
static void
fn_pg_partition_ancestors (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	fn_generate_series (ctx, nargs, args, result);
}

/* unnest (arr): the function scan answers, an element a row (as text) */
static void
fn_unnest (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	fn_generate_series (ctx, nargs, args, result);
}

#define I4   OX_T_INT4
#define I8   OX_T_INT8
#define TXT  OX_T_TEXT
#define BOOL OX_T_BOOL
#define S    true
#define NS   false
#define IMM  OX_IMMUTABLE
#define STA  OX_STABLE

static const OxBuiltin text_array_builtins[] = {
	/* name              nargs args             ret   strict vol  fn */
	{ "{}",               -1, { TXT },           TXT,  NS, IMM, fn_array_ctor },
	{ "ox_array_elem_out", -1, { TXT },          TXT,  S,  STA, fn_array_elem_out },
	{ "[]",                2, { TXT, I4 },       TXT,  S,  IMM, fn_subscript },
	{ "array_lower",       2, { TXT, I4 },       I4,   S,  IMM, fn_array_lower },
	{ "array_upper",       2, { TXT, I4 },       I4,   S,  IMM, fn_array_upper },
	{ "array_length",      2, { TXT, I4 },       I4,   S,  IMM, fn_array_length },
	{ "array_cat",         2, { TXT, TXT },      TXT,  NS, IMM, fn_array_cat },
	{ "array_position",    2, { TXT, TXT },      I4,   NS, IMM, fn_array_position },
	{ "cardinality",       1, { TXT },           I4,   S,  IMM, fn_cardinality },
	{ "array_to_string",   2, { TXT, TXT },      TXT,  S,  IMM, fn_array_to_string },
	{ "array_to_string",   3, { TXT, TXT, TXT }, TXT,  NS, IMM, fn_array_to_string },
	{ "=any",              2, { TXT, TXT },      BOOL, S,  IMM, fn_eq_any },
	{ "=any",              2, { I8, TXT },       BOOL, S,  IMM, fn_eq_any_int },
	{ "generate_series",   2, { I4, I4 },        I4,   S,  IMM, fn_generate_series },
	{ "generate_series",   3, { I4, I4, I4 },    I4,   S,  IMM, fn_generate_series },
	{ "generate_series",   2, { I8, I8 },        I8,   S,  IMM, fn_generate_series },
	{ "generate_series",   3, { I8, I8, I8 },    I8,   S,  IMM, fn_generate_series },
	{ "pg_partition_ancestors", 1, { I8 },       I8,   S,  STA, fn_pg_partition_ancestors },
	{ "unnest",            1, { TXT },           TXT,  S,  IMM, fn_unnest },
};

const OxBuiltin *
ox_text_array_builtins (size_t *n_out)
{
	*n_out = G_N_ELEMENTS (text_array_builtins);
	return text_array_builtins;
}

int
ox_builtin_srf_kind (const OxBuiltin *bi)
{
	return bi->fn == fn_generate_series ? OX_SRF_GENERATE_SERIES
	       : bi->fn == fn_pg_partition_ancestors ? OX_SRF_PARTITION_ANCESTORS
	       : bi->fn == fn_unnest ? OX_SRF_UNNEST : 0;
}

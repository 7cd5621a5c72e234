/*
 * ox-sql-split.c — statement boundaries in editor text (see the header).
 *
 * NOTE: this only finds where statements end; the engine parses them.  An
 * unterminated quote or comment runs to the end of the text, so a
 * half-typed statement is one range and the engine reports its error.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-sql-split.h"

#include <string.h>

static gboolean
ident_char (unsigned char c)
{
	return g_ascii_isalnum (c) || c == '_' || c >= 0x80;
}

/* Length of a dollar-quote delimiter ($$ or $tag$) at s, or 0. */
static gsize
dollar_delim (const char *s)
{
	if (s[0] != '$')
		return 0;
	gsize i = 1;
	if (g_ascii_isdigit (s[1]))
		return 0;  /* $1 is a parameter */
	while (s[i] && s[i] != '$' && (ident_char ((unsigned char) s[i])))
		i++;
	return s[i] == '$' ? i + 1 : 0;
}

static void
add_range (GArray *out, const char *text, gsize start, gsize end)
{
	while (start < end && g_ascii_isspace (text[start]))
		start++;
	if (start < end) {
		OxSqlRange r = { start, end };
		g_array_append_val (out, r);
	}
}

GArray *
ox_sql_split (const char *text)
{
	GArray *out = g_array_new (FALSE, FALSE, sizeof (OxSqlRange));
	g_return_val_if_fail (text != NULL, out);
	gsize n = strlen (text), i = 0, start = 0;
	int parens = 0;

	while (i < n) {
		char c = text[i];
		if (c == '-' && text[i + 1] == '-') {
			while (i < n && text[i] != '\n')
				i++;
		} else if (c == '/' && text[i + 1] == '*') {
			int depth = 1;
			i += 2;
			while (i < n && depth > 0) {
				if (text[i] == '/' && text[i + 1] == '*') {
					depth++;
					i += 2;
				} else if (text[i] == '*' && text[i + 1] == '/') {
					depth--;
					i += 2;
				} else {
					i++;
				}
			}
		} else if (c == '\'' || c == '"') {
			/* E'...' takes backslash escapes; '' and "" are doubled quotes */
			gboolean escapes = c == '\'' && i > 0 && (text[i - 1] == 'e' || text[i - 1] == 'E') &&
			                   (i < 2 || !ident_char ((unsigned char) text[i - 2]));
			i++;
			while (i < n) {
				if (escapes && text[i] == '\\' && i + 1 < n) {
					i += 2;
				} else if (text[i] == c) {
					if (text[i + 1] == c) {
						i += 2;
					} else {
						i++;
						break;
					}
				} else {
					i++;
				}
			}
		} else if (c == '$' && (i == 0 || !ident_char ((unsigned char) text[i - 1])) && dollar_delim (text + i)) {
			gsize len = dollar_delim (text + i);
			g_autofree char *tag = g_strndup (text + i, len);
			const char *close = strstr (text + i + len, tag);
			i = close ? (gsize) (close - text) + len : n;
		} else if (c == '(') {
			parens++;
			i++;
		} else if (c == ')') {
			if (parens > 0)
				parens--;
			i++;
		} else if (c == ';' && parens == 0) {
			i++;
			add_range (out, text, start, i);
			start = i;
		} else {
			i++;
		}
	}
	add_range (out, text, start, n);
	return out;
}

gboolean
ox_sql_statement_at (const char *text, gsize offset, OxSqlRange *range)
{
	g_autoptr (GArray) all = ox_sql_split (text);
	if (all->len == 0)
		return FALSE;
	OxSqlRange *best = NULL;
	for (guint i = 0; i < all->len; i++) {
		OxSqlRange *r = &g_array_index (all, OxSqlRange, i);
		if (r->start <= offset && offset <= r->end) {
			*range = *r;
			return TRUE;
		}
		if (r->end <= offset)
			best = r;  /* the nearest before the cursor so far */
	}
	*range = best ? *best : g_array_index (all, OxSqlRange, 0);
	return TRUE;
}

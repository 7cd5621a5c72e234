/*
 * split.c — cut the CLI's input into SQL statements and backslash commands.
 *
 * Input arrives a line at a time (from libedit, a file or a -c string).
 * The scanner follows just enough of the SQL lexer to know whether a ';'
 * ends a statement: it tracks 'strings' (with '' doubling, and backslash
 * escapes in E'...'), "identifiers", $tag$ dollar quotes $tag$, nested
 * block comments, -- line comments and parentheses.  A ';' outside all of
 * these ends a statement; a backslash outside them starts a backslash
 * command that runs to the end of the line.  These are psql's rules, so a
 * script that psql splits one way is split the same way here.
 *
 * The statement text handed back is what psql would send to the server:
 * whitespace and -- comments before the first token are dropped, lines are
 * joined with '\n', and the ';' is kept.  Error positions and "LINE n:"
 * displays are computed from this text, so they match psql's.
 *
 * NOTE: asking ox_prepare whether the buffer holds a whole statement would
 * be the other way to split, but it cannot tell "incomplete" from "wrong"
 * (and a statement without a ';' is complete at the end of a file), so the
 * CLI keeps its own scanner; the engine still parses each piece itself and
 * loops over any further statements in it.
 *
 * NOTE: the scanner works on bytes.  Every character it reacts to is ASCII,
 * and UTF-8 never uses ASCII bytes inside a multi-byte character, so
 * multi-byte text passes through untouched.
 *
 * NOTE: a dollar quote's opening tag must be on one line (it always is:
 * tags are identifiers), but its body and closing tag may be anywhere.
 */
#include "split.h"

#include <string.h>

void
ox_scanner_init (OxScanner *sc)
{
	memset (sc, 0, sizeof *sc);
	sc->buf = g_string_new (NULL);
}

void
ox_scanner_clear (OxScanner *sc)
{
	if (sc->buf)
		g_string_free (sc->buf, TRUE);
	g_free (sc->dollar_tag);
	memset (sc, 0, sizeof *sc);
}

void
ox_scanner_reset (OxScanner *sc)
{
	g_string_truncate (sc->buf, 0);
	g_clear_pointer (&sc->dollar_tag, g_free);
	sc->state = OX_SCAN_NORMAL;
	sc->estring = false;
	sc->comment_depth = 0;
	sc->paren_depth = 0;
}

bool
ox_scanner_empty (const OxScanner *sc)
{
	return sc->buf->len == 0;
}

void
ox_scanner_newline (OxScanner *sc)
{
	/* Leading blank lines are not part of a statement (psql drops them
	 * too); a newline inside one is, even inside a quoted string. */
	if (sc->buf->len > 0)
		g_string_append_c (sc->buf, '\n');
}

char *
ox_scanner_take (OxScanner *sc)
{
	char *s = g_strdup (sc->buf->str);
	ox_scanner_reset (sc);
	return s;
}

char
ox_scanner_prompt_char (const OxScanner *sc)
{
	switch (sc->state) {
	case OX_SCAN_SQUOTE: return '\'';
	case OX_SCAN_DQUOTE: return '"';
	case OX_SCAN_DOLLAR: return '$';
	case OX_SCAN_COMMENT: return '*';
	case OX_SCAN_NORMAL: break;
	}
	if (sc->paren_depth > 0)
		return '(';
	return sc->buf->len > 0 ? '-' : '=';
}

/* Characters that may continue an identifier: after one of these, a '$'
 * belongs to the identifier (foo$bar) and an E before a quote is not the
 * E'...' prefix (the E of "type'...'" is part of the word "type"). */
static bool
ident_char (unsigned char c)
{
	return g_ascii_isalnum (c) || c == '_' || c == '$' || c >= 0x80;
}

static bool
ident_start (unsigned char c)
{
	return g_ascii_isalpha (c) || c == '_' || c >= 0x80;
}

/* Length of the dollar-quote delimiter ($$ or $tag$) at s, or 0 if s does
 * not start one. */
static size_t
dollar_delim_len (const char *s, size_t n)
{
	g_assert (n > 0 && s[0] == '$');
	size_t i = 1;
	if (i < n && ident_start ((unsigned char) s[i])) {
		i++;
		/* '$' ends the tag; it cannot be part of it */
		while (i < n && ident_char ((unsigned char) s[i]) && s[i] != '$')
			i++;
	}
	return i < n && s[i] == '$' ? i + 1 : 0;
}

/* True when the collected text ends in a standalone E or e, so that a
 * quote right after it opens an escape string. */
static bool
buf_ends_in_e_prefix (const GString *b)
{
	if (b->len == 0)
		return false;
	char last = b->str[b->len - 1];
	if (last != 'e' && last != 'E')
		return false;
	return b->len == 1 || !ident_char ((unsigned char) b->str[b->len - 2]);
}

OxScanResult
ox_scanner_scan (OxScanner *sc, const char *line, size_t len, size_t *pos)
{
	GString *b = sc->buf;
	size_t i = *pos;

	while (i < len) {
		char c = line[i];
		char next = i + 1 < len ? line[i + 1] : '\0';

		switch (sc->state) {
		case OX_SCAN_SQUOTE:
			if (sc->estring && c == '\\' && i + 1 < len) {
				g_string_append_len (b, line + i, 2);
				i += 2;
				continue;
			}
			g_string_append_c (b, c);
			i++;
			if (c == '\'') {
				if (next == '\'') {
					g_string_append_c (b, next);
					i++;
				} else
					sc->state = OX_SCAN_NORMAL;
			}
			continue;

		case OX_SCAN_DQUOTE:
			g_string_append_c (b, c);
			i++;
			if (c == '"') {
				if (next == '"') {
					g_string_append_c (b, next);
					i++;
				} else
					sc->state = OX_SCAN_NORMAL;
			}
			continue;

		case OX_SCAN_DOLLAR: {
			size_t tl = strlen (sc->dollar_tag);
			if (c == '$' && len - i >= tl && memcmp (line + i, sc->dollar_tag, tl) == 0) {
				g_string_append_len (b, line + i, tl);
				i += tl;
				g_clear_pointer (&sc->dollar_tag, g_free);
				sc->state = OX_SCAN_NORMAL;
			} else {
				g_string_append_c (b, c);
				i++;
			}
			continue;
		}

		case OX_SCAN_COMMENT:
			if (c == '/' && next == '*') {
				sc->comment_depth++;
				g_string_append_len (b, line + i, 2);
				i += 2;
			} else if (c == '*' && next == '/') {
				if (--sc->comment_depth == 0)
					sc->state = OX_SCAN_NORMAL;
				g_string_append_len (b, line + i, 2);
				i += 2;
			} else {
				g_string_append_c (b, c);
				i++;
			}
			continue;

		case OX_SCAN_NORMAL:
			break;
		}

		/* Outside quotes and comments. */
		if (g_ascii_isspace (c)) {
			if (b->len > 0)
				g_string_append_c (b, c);
			i++;
		} else if (c == '-' && next == '-') {
			size_t e = i;
			while (e < len && line[e] != '\n')
				e++;
			if (b->len > 0)
				g_string_append_len (b, line + i, e - i);
			i = e;
		} else if (c == '/' && next == '*') {
			sc->state = OX_SCAN_COMMENT;
			sc->comment_depth = 1;
			g_string_append_len (b, line + i, 2);
			i += 2;
		} else if (c == '\'') {
			sc->estring = buf_ends_in_e_prefix (b);
			sc->state = OX_SCAN_SQUOTE;
			g_string_append_c (b, c);
			i++;
		} else if (c == '"') {
			sc->state = OX_SCAN_DQUOTE;
			g_string_append_c (b, c);
			i++;
		} else if (c == '$') {
			size_t dl = 0;
			if (b->len == 0 || !ident_char ((unsigned char) b->str[b->len - 1]))
				dl = dollar_delim_len (line + i, len - i);
			if (dl > 0) {
				sc->dollar_tag = g_strndup (line + i, dl);
				sc->state = OX_SCAN_DOLLAR;
				g_string_append_len (b, line + i, dl);
				i += dl;
			} else {
				g_string_append_c (b, c);
				i++;
			}
		} else if (c == '(') {
			sc->paren_depth++;
			g_string_append_c (b, c);
			i++;
		} else if (c == ')') {
			/* An unbalanced ')' is the engine's syntax error to report;
			 * it must not make later ';'s look nested. */
			if (sc->paren_depth > 0)
				sc->paren_depth--;
			g_string_append_c (b, c);
			i++;
		} else if (c == ';' && sc->paren_depth == 0) {
			g_string_append_c (b, c);
			*pos = i + 1;
			return OX_SCAN_STATEMENT;
		} else if (c == '\\') {
			*pos = i;
			return OX_SCAN_BACKSLASH;
		} else {
			g_string_append_c (b, c);
			i++;
		}
	}
	*pos = len;
	return OX_SCAN_END;
}

void
ox_split_backslash (const char *line, size_t len, size_t pos, char **name, char **args, size_t *next)
{
	g_assert (pos < len && line[pos] == '\\');
	size_t i = pos + 1;
	size_t ns = i;
	while (i < len && !g_ascii_isspace (line[i]) && line[i] != '\\')
		i++;
	*name = g_strndup (line + ns, i - ns);

	/* The arguments end at the line's end or at an unquoted backslash,
	 * which starts the next command ("\\" just separates). */
	size_t as = i;
	char quote = 0;
	while (i < len && line[i] != '\n') {
		char c = line[i];
		if (quote) {
			if (c == quote)
				quote = 0;
		} else if (c == '\'' || c == '"')
			quote = c;
		else if (c == '\\')
			break;
		i++;
	}
	*args = g_strstrip (g_strndup (line + as, i - as));
	if (i + 1 < len && line[i] == '\\' && line[i + 1] == '\\')
		i += 2;
	*next = i;
}

char **
ox_split_words (const char *args)
{
	GPtrArray *words = g_ptr_array_new ();
	const char *p = args;
	for (;;) {
		while (*p && g_ascii_isspace (*p))
			p++;
		if (!*p)
			break;
		GString *w = g_string_new (NULL);
		while (*p && !g_ascii_isspace (*p)) {
			if (*p == '\'') {
				p++;
				while (*p) {
					if (*p == '\'' && p[1] == '\'') {
						g_string_append_c (w, '\'');
						p += 2;
					} else if (*p == '\'') {
						p++;
						break;
					} else
						g_string_append_c (w, *p++);
				}
			} else if (*p == '"') {
				g_string_append_c (w, *p++);
				while (*p) {
					g_string_append_c (w, *p);
					if (*p++ == '"') {
						if (*p == '"')
							g_string_append_c (w, *p++);
						else
							break;
					}
				}
			} else
				g_string_append_c (w, *p++);
		}
		g_ptr_array_add (words, g_string_free (w, FALSE));
	}
	g_ptr_array_add (words, NULL);
	return (char **) g_ptr_array_free (words, FALSE);
}

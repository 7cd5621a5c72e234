/*
 * lexer.c — the SQL lexer: statement text to tokens, PostgreSQL's rules.
 *
 * One call of ox_lex() scans one token.  Whitespace and comments (-- to end
 * of line, nested slash-star ones) are skipped.  The rules follow
 * PostgreSQL's scanner where they are observable:
 *   - identifiers: [A-Za-z_\x80-\xff][A-Za-z_0-9$\x80-\xff]*, ASCII folded to
 *     lower case, truncated to 63 bytes; "quoted" keeps case, "" escapes ".
 *   - strings: '...' with '' escapes; E'...' with backslash escapes; $tag$
 *     dollar quoting; two literals separated by whitespace that contains a
 *     newline are one literal.
 *   - numbers: 42 is an integer, 4.2 .5 5. 1e10 are decimals; a number (or
 *     a $n parameter) directly followed by identifier characters is
 *     "trailing junk" (PostgreSQL 15).
 *   - operators: the longest run of operator characters, cut before an
 *     embedded comment start; a run of two or more may end in + or - only
 *     if it contains one of ~ ! @ # % ^ & | ` ? (so "=-" is "=" then "-").
 *
 * NOTE: the input is a byte range (see lexer.h): every read is bounds
 * checked against lx->len, never against a terminating NUL.  The fuzzer
 * feeds unterminated buffers to enforce this.
 * NOTE: bytes >= 0x80 and NUL are validated (UTF-8, 22021) where they are
 * scanned: in identifiers, strings, comments, and as stray bytes.  Decoded
 * E'' strings are validated again after unescaping, because \xHH and octal
 * escapes can build invalid sequences out of valid text.
 * NOTE: string decoding is two passes over the literal (find the end, then
 * decode into an arena buffer of the raw length, which decoding never
 * exceeds), so a literal costs one arena allocation however long it is.
 */
#include "lexer.h"

#include <glib.h>
#include <string.h>

#include "base/error.h"

/* ---- keywords ------------------------------------------------------------ */

typedef struct KwInfo {
	const char  *text;
	OxKwCategory cat;
	bool         bare;
} KwInfo;

static const KwInfo kw_table[OX_KW__COUNT] = {
	[OX_KW_NONE] = { "", OX_KWC_UNRESERVED, true },
#define OX_KW_ROW(e, s, c, b) [OX_KW_##e] = { s, c, b },
	OX_KEYWORD_LIST (OX_KW_ROW)
#undef OX_KW_ROW
};

/* Longest keyword ("current_timestamp"): longer words skip the search. */
#define KW_MAX_LEN 17

/* Lookup goes through a hash index over the sorted table, built once: the
 * binary search alone cost a quarter of the parse time of the sqllogictest
 * corpus (~8 strcmp per identifier); the index costs one probe or two.
 * Measured on that corpus (214k statements of 233 bytes on average, -O2):
 * 14.5 us per statement before, 7.2 us after, together with the parser's
 * peek() fast path (SQLite's sqlite3_prepare_v2 of the same SELECTs: 32 us).
 * The sorted order stays the table's contract (ox_keyword_table_sorted). */
#define KW_HASH_SIZE 1024  /* power of two, > 4x the keyword count */
static unsigned short kw_hash[KW_HASH_SIZE];  /* OxKeyword or 0 for empty */
static unsigned char  kw_len[OX_KW__COUNT];

static inline unsigned
kw_hash_step (unsigned h, unsigned char c)
{
	return h * 31u + c;
}

static void
kw_hash_init (void)
{
	for (int k = 1; k < OX_KW__COUNT; k++) {
		const char *t = kw_table[k].text;
		unsigned h = 0;
		size_t n = strlen (t);
		for (size_t i = 0; i < n; i++)
			h = kw_hash_step (h, (unsigned char) t[i]);
		kw_len[k] = (unsigned char) n;
		unsigned slot = h & (KW_HASH_SIZE - 1);
		while (kw_hash[slot])
			slot = (slot + 1) & (KW_HASH_SIZE - 1);
		kw_hash[slot] = (unsigned short) k;
	}
}

static void cclass_init_once (void);

OxKeyword
ox_keyword_lookup (const char *s, size_t n)
{
	char buf[KW_MAX_LEN];
	if (n == 0 || n > KW_MAX_LEN)
		return OX_KW_NONE;
	cclass_init_once ();
	unsigned h = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char) s[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char) (c + ('a' - 'A'));
		else if (!(c >= 'a' && c <= 'z') && c != '_')
			return OX_KW_NONE;  /* keywords are [a-z_] only: t1, col$ are names */
		buf[i] = (char) c;
		h = kw_hash_step (h, c);
	}
	for (unsigned slot = h & (KW_HASH_SIZE - 1);; slot = (slot + 1) & (KW_HASH_SIZE - 1)) {
		int k = kw_hash[slot];
		if (k == 0)
			return OX_KW_NONE;
		if (kw_len[k] == n && memcmp (kw_table[k].text, buf, n) == 0)
			return (OxKeyword) k;
	}
}

const char *
ox_keyword_text (OxKeyword kw)
{
	return kw > OX_KW_NONE && kw < OX_KW__COUNT ? kw_table[kw].text : "";
}

OxKwCategory
ox_keyword_category (OxKeyword kw)
{
	return kw_table[kw].cat;
}

bool
ox_keyword_bare_label (OxKeyword kw)
{
	return kw_table[kw].bare;
}

bool
ox_keyword_table_sorted (void)
{
	for (int i = 2; i < OX_KW__COUNT; i++)
		if (strcmp (kw_table[i - 1].text, kw_table[i].text) >= 0)
			return false;
	return true;
}

/* ---- character classes --------------------------------------------------- */

enum {
	C_SPACE   = 1 << 0,  /* [ \t\n\r\f\v] */
	C_IDSTART = 1 << 1,  /* [A-Za-z_\x80-\xff] */
	C_IDCONT  = 1 << 2,  /* IDSTART plus [0-9$] */
	C_DIGIT   = 1 << 3,
	C_OP      = 1 << 4,  /* operator characters: ~ ! @ # ^ & | ` ? + - * / % < > = */
	C_SELF    = 1 << 5,  /* one-character tokens: , ( ) [ ] . ; : + - * / % ^ < > = */
	C_CHECK   = 1 << 6,  /* NUL and bytes >= 0x80: validate before use */
};

static unsigned char cclass[256];

static void
cclass_init_once (void)
{
	static gsize done = 0;
	if (!g_once_init_enter (&done))
		return;
	for (int c = 0; c < 256; c++) {
		unsigned char f = 0;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
			f |= C_SPACE;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80)
			f |= C_IDSTART | C_IDCONT;
		if (c >= '0' && c <= '9')
			f |= C_DIGIT | C_IDCONT;
		if (c == '$')
			f |= C_IDCONT;
		if (c != 0 && strchr ("~!@#^&|`?+-*/%<>=", c))
			f |= C_OP;
		if (c != 0 && strchr (",()[].;:+-*/%^<>=", c))
			f |= C_SELF;
		if (c == 0 || c >= 0x80)
			f |= C_CHECK;
		cclass[c] = f;
	}
	kw_hash_init ();
	g_once_init_leave (&done, 1);
}

#define CC(c) (cclass[(unsigned char) (c)])

void
ox_lexer_init (OxLexer *lx, OxArena *a, const char *sql, size_t len)
{
	cclass_init_once ();
	lx->sql = sql;
	lx->len = len;
	lx->pos = 0;
	lx->arena = a;
}

/* ---- errors -------------------------------------------------------------- */

/* "<msg> at or near "<text>"", the way PostgreSQL's scanner reports. */
static void __attribute__ ((noreturn))
lex_error (OxLexer *lx, const char *sqlstate, size_t loc, size_t n, const char *msg)
{
	if (loc > lx->len)
		loc = lx->len;
	if (n > lx->len - loc)
		n = lx->len - loc;
	ox_raise (sqlstate, (int) loc + 1, "%s at or near \"%.*s\"", msg, (int) n, lx->sql + loc);
}

/* PostgreSQL prints as many bytes as the lead byte announces. */
static void __attribute__ ((noreturn))
bad_encoding (const unsigned char *s, size_t avail)
{
	size_t want = 1;
	if ((s[0] & 0xe0) == 0xc0)
		want = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		want = 3;
	else if ((s[0] & 0xf8) == 0xf0)
		want = 4;
	if (want > avail)
		want = avail;
	char buf[32];
	size_t o = 0;
	for (size_t i = 0; i < want; i++)
		o += (size_t) g_snprintf (buf + o, sizeof buf - o, i ? " 0x%02x" : "0x%02x", s[i]);
	ox_raise (OX_ERR_CHARACTER_NOT_IN_REPERTOIRE, 0,
	          "invalid byte sequence for encoding \"UTF8\": %s", buf);
}

/* Length of the valid UTF-8 character at s (s[0] is NUL or >= 0x80), or
 * raise 22021.  Rejects overlong forms, surrogates and code points beyond
 * U+10FFFF, as PostgreSQL's pg_utf8_islegal does. */
static size_t
utf8_char (const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		bad_encoding (s, avail);
	if (n > avail)
		bad_encoding (s, avail);
	if (s[1] < lo || s[1] > hi)
		bad_encoding (s, avail);
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			bad_encoding (s, avail);
	return n;
}

static void
utf8_validate (const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t i = 0;
	while (i < n) {
		if (u[i] < 0x80 && u[i] != 0)
			i++;
		else
			i += utf8_char (u + i, n - i);
	}
}

/* Step over the byte at lx->pos inside a token: one byte, or a whole
 * validated UTF-8 character. */
static inline size_t
step_char (OxLexer *lx, size_t pos)
{
	unsigned char c = (unsigned char) lx->sql[pos];
	if (!(CC (c) & C_CHECK))
		return 1;
	return utf8_char ((const unsigned char *) lx->sql + pos, lx->len - pos);
}

/* ---- identifiers --------------------------------------------------------- */

/* Largest n' <= max such that s[0..n') ends on a character boundary. */
static size_t
clip_utf8 (const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char) s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

char *
ox_ident_fold (OxArena *a, const char *s, size_t n)
{
	n = clip_utf8 (s, n, OX_NAMEDATALEN - 1);
	char *d = ox_arena_alloc (a, n + 1);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		d[i] = (c >= 'A' && c <= 'Z') ? (char) (c + ('a' - 'A')) : c;
	}
	d[n] = '\0';
	return d;
}

/* ---- whitespace and comments --------------------------------------------- */

/* Skip a nested slash-star comment starting at pos; return the position
 * after it.  PostgreSQL nests them, unlike the SQL standard's reading of C. */
static size_t
skip_block_comment (OxLexer *lx, size_t pos)
{
	size_t start = pos;
	int depth = 0;
	const char *s = lx->sql;
	while (pos < lx->len) {
		char c = s[pos];
		if (c == '/' && pos + 1 < lx->len && s[pos + 1] == '*') {
			depth++;
			pos += 2;
		} else if (c == '*' && pos + 1 < lx->len && s[pos + 1] == '/') {
			pos += 2;
			if (--depth == 0)
				return pos;
		} else
			pos += step_char (lx, pos);
	}
	lex_error (lx, OX_ERR_SYNTAX, start, lx->len - start, "unterminated /* comment");
}

static size_t
skip_line_comment (OxLexer *lx, size_t pos)
{
	while (pos < lx->len && lx->sql[pos] != '\n' && lx->sql[pos] != '\r')
		pos += step_char (lx, pos);
	return pos;
}

static size_t
skip_space_and_comments (OxLexer *lx, size_t pos)
{
	const char *s = lx->sql;
	for (;;) {
		while (pos < lx->len && (CC (s[pos]) & C_SPACE))
			pos++;
		if (pos + 1 < lx->len && s[pos] == '-' && s[pos + 1] == '-')
			pos = skip_line_comment (lx, pos);
		else if (pos + 1 < lx->len && s[pos] == '/' && s[pos + 1] == '*')
			pos = skip_block_comment (lx, pos);
		else
			return pos;
	}
}

/* After a closing quote at pos-1: does the literal continue?  PostgreSQL
 * glues 'a'<ws with newline>'b' into 'ab'; the whitespace may hold --
 * comments but not slash-star ones.  Returns the position of the next
 * opening quote, or 0 when the literal ends here. */
static size_t
string_continues (OxLexer *lx, size_t pos)
{
	const char *s = lx->sql;
	bool newline = false;
	for (;;) {
		if (pos >= lx->len)
			return 0;
		char c = s[pos];
		if (c == '\n' || c == '\r') {
			newline = true;
			pos++;
		} else if (CC (c) & C_SPACE)
			pos++;
		else if (c == '-' && pos + 1 < lx->len && s[pos + 1] == '-')
			pos = skip_line_comment (lx, pos);
		else if (c == '\'' && newline)
			return pos;
		else
			return 0;
	}
}

/* ---- strings ------------------------------------------------------------- */

static int
hexval (char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static size_t
put_utf8 (char *d, guint32 cp)
{
	return (size_t) g_unichar_to_utf8 ((gunichar) cp, d);
}

/* Find the end of a quoted literal whose body starts at pos (just past the
 * opening quote), following continuations.  With 'escapes', a backslash
 * protects the next byte.  Returns the position after the closing quote;
 * raises "unterminated quoted string" from 'start'. */
static size_t
scan_quoted (OxLexer *lx, size_t start, size_t pos, bool escapes)
{
	const char *s = lx->sql;
	for (;;) {
		while (pos < lx->len) {
			char c = s[pos];
			if (c == '\'') {
				if (pos + 1 < lx->len && s[pos + 1] == '\'') {
					pos += 2;
					continue;
				}
				break;
			}
			if (c == '\\' && escapes && pos + 1 < lx->len) {
				pos++;
				pos += step_char (lx, pos);
				continue;
			}
			pos += step_char (lx, pos);
		}
		if (pos >= lx->len)
			lex_error (lx, OX_ERR_SYNTAX, start, lx->len - start, "unterminated quoted string");
		pos++;  /* the closing quote */
		size_t next = string_continues (lx, pos);
		if (next == 0)
			return pos;
		pos = next + 1;
	}
}

/* Decode the body of a standard ('') or escape (E'') literal spanning
 * [body, end) (end is past the final quote).  Continuations are replayed:
 * a quote that is not doubled ends a segment, and the next segment starts
 * at the following quote. */
static char *
decode_quoted (OxLexer *lx, size_t body, size_t end, bool escapes, int *out_len)
{
	const char *s = lx->sql;
	char *d = ox_arena_alloc (lx->arena, end - body + 1);
	size_t o = 0;
	size_t pos = body;
	bool check_utf8 = false;
	guint32 pending_hi = 0;  /* high surrogate waiting for its low half */
	while (pos < end) {
		char c = s[pos];
		if (pending_hi && !(c == '\\' && pos + 1 < end && (s[pos + 1] == 'u' || s[pos + 1] == 'U'))) {
			/* PostgreSQL reports the byte that should have been the low half. */
			lex_error (lx, OX_ERR_SYNTAX, pos, c == '\\' ? 2 : 1, "invalid Unicode surrogate pair");
		}
		if (c == '\'') {
			if (pos + 1 < end && s[pos + 1] == '\'') {
				d[o++] = '\'';
				pos += 2;
				continue;
			}
			/* End of a segment: skip to the next opening quote. */
			size_t next = string_continues (lx, pos + 1);
			if (next == 0)
				break;
			pos = next + 1;
			continue;
		}
		if (c != '\\' || !escapes) {
			d[o++] = c;
			pos++;
			continue;
		}
		size_t esc = pos;
		pos++;  /* the backslash; scan_quoted guaranteed a byte follows */
		c = s[pos];
		switch (c) {
		case 'b': d[o++] = '\b'; pos++; break;
		case 'f': d[o++] = '\f'; pos++; break;
		case 'n': d[o++] = '\n'; pos++; break;
		case 'r': d[o++] = '\r'; pos++; break;
		case 't': d[o++] = '\t'; pos++; break;
		case 'x': {
			pos++;
			int v = 0, nd = 0;
			while (nd < 2 && pos < end && hexval (s[pos]) >= 0) {
				v = v * 16 + hexval (s[pos]);
				pos++;
				nd++;
			}
			if (nd == 0) {
				d[o++] = 'x';  /* "\x" without digits is a plain x */
				break;
			}
			if (v == 0)
				bad_encoding ((const unsigned char *) "\0", 1);
			if (v >= 0x80)
				check_utf8 = true;
			d[o++] = (char) v;
			break;
		}
		case 'u':
		case 'U': {
			int want = c == 'u' ? 4 : 8;
			pos++;
			guint32 cp = 0;
			for (int i = 0; i < want; i++) {
				if (pos + (size_t) i >= end || hexval (s[pos + i]) < 0)
					ox_raise_full (OX_ERR_INVALID_ESCAPE, (int) esc + 1, NULL,
					               "Unicode escapes must be \\uXXXX or \\UXXXXXXXX.",
					               "invalid Unicode escape");
				cp = cp * 16 + (guint32) hexval (s[pos + i]);
			}
			pos += (size_t) want;
			size_t esc_len = pos - esc;
			if (cp == 0 || cp > 0x10ffff)
				lex_error (lx, OX_ERR_SYNTAX, esc, esc_len, "invalid Unicode escape value");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (pending_hi)
					lex_error (lx, OX_ERR_SYNTAX, esc, esc_len, "invalid Unicode surrogate pair");
				pending_hi = cp;
				break;
			}
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				if (!pending_hi)
					lex_error (lx, OX_ERR_SYNTAX, esc, esc_len, "invalid Unicode surrogate pair");
				cp = 0x10000 + ((pending_hi - 0xd800) << 10) + (cp - 0xdc00);
				pending_hi = 0;
			} else if (pending_hi)
				lex_error (lx, OX_ERR_SYNTAX, esc, esc_len, "invalid Unicode surrogate pair");
			o += put_utf8 (d + o, cp);
			break;
		}
		default:
			if (c >= '0' && c <= '7') {
				int v = 0, nd = 0;
				while (nd < 3 && pos < end && s[pos] >= '0' && s[pos] <= '7') {
					v = v * 8 + (s[pos] - '0');
					pos++;
					nd++;
				}
				v &= 0xff;
				if (v == 0)
					bad_encoding ((const unsigned char *) "\0", 1);
				if (v >= 0x80)
					check_utf8 = true;
				d[o++] = (char) v;
			} else {
				/* Any other escaped character stands for itself; copy a
				 * whole (already validated) UTF-8 character. */
				size_t n = step_char (lx, pos);
				memcpy (d + o, s + pos, n);
				o += n;
				pos += n;
			}
			break;
		}
	}
	if (pending_hi)
		lex_error (lx, OX_ERR_SYNTAX, pos < end ? pos : end - 1, 1, "invalid Unicode surrogate pair");
	d[o] = '\0';
	if (check_utf8)
		utf8_validate (d, o);
	*out_len = (int) o;
	return d;
}

/* $tag$ ... $tag$: returns the length of the delimiter at pos, or 0 if
 * there is none (then '$' is a stray character, as in PostgreSQL). */
static size_t
dollar_delim_len (OxLexer *lx, size_t pos)
{
	const char *s = lx->sql;
	size_t p = pos + 1;
	if (p < lx->len && s[p] == '$')
		return 2;
	if (p >= lx->len || !(CC (s[p]) & C_IDSTART))
		return 0;
	while (p < lx->len && (CC (s[p]) & C_IDCONT) && s[p] != '$')
		p += step_char (lx, p);
	if (p < lx->len && s[p] == '$')
		return p + 1 - pos;
	return 0;
}

static void
scan_dollar_string (OxLexer *lx, OxToken *t, size_t start, size_t dlen)
{
	const char *s = lx->sql;
	const char *delim = s + start;
	size_t body = start + dlen;
	size_t pos = body;
	for (;;) {
		if (pos >= lx->len)
			lex_error (lx, OX_ERR_SYNTAX, start, lx->len - start, "unterminated dollar-quoted string");
		if (s[pos] == '$' && lx->len - pos >= dlen && memcmp (s + pos, delim, dlen) == 0)
			break;
		pos += step_char (lx, pos);
	}
	t->kind = OX_TOK_STRING;
	t->str = ox_arena_strndup (lx->arena, s + body, pos - body);
	t->str_len = (int) (pos - body);
	lx->pos = pos + dlen;
}

/* ---- numbers ------------------------------------------------------------- */

static void
scan_number (OxLexer *lx, OxToken *t, size_t start)
{
	const char *s = lx->sql;
	size_t pos = start;
	bool dec = false;
	while (pos < lx->len && (CC (s[pos]) & C_DIGIT))
		pos++;
	/* "1..2" is 1 then "..": a dot followed by a dot is not a decimal point. */
	if (pos < lx->len && s[pos] == '.' && !(pos + 1 < lx->len && s[pos + 1] == '.')) {
		dec = true;
		pos++;
		while (pos < lx->len && (CC (s[pos]) & C_DIGIT))
			pos++;
	}
	if (pos < lx->len && (s[pos] == 'e' || s[pos] == 'E')) {
		size_t p = pos + 1;
		if (p < lx->len && (s[p] == '+' || s[p] == '-'))
			p++;
		if (p < lx->len && (CC (s[p]) & C_DIGIT)) {
			dec = true;
			pos = p;
			while (pos < lx->len && (CC (s[pos]) & C_DIGIT))
				pos++;
		}
	}
	if (pos < lx->len && (CC (s[pos]) & C_IDSTART)) {
		size_t p = pos;
		while (p < lx->len && (CC (s[p]) & C_IDCONT))
			p += step_char (lx, p);
		lex_error (lx, OX_ERR_SYNTAX, start, p - start, "trailing junk after numeric literal");
	}
	t->kind = dec ? OX_TOK_DECIMAL : OX_TOK_INTEGER;
	lx->pos = pos;
}

/* ---- operators ----------------------------------------------------------- */

static void
scan_operator (OxLexer *lx, OxToken *t, size_t start)
{
	const char *s = lx->sql;
	size_t pos = start + 1;
	while (pos < lx->len && (CC (s[pos]) & C_OP)) {
		/* A comment start ends the operator (it cannot begin one: those
		 * were taken as comments before we got here). */
		if ((s[pos] == '-' && pos + 1 < lx->len && s[pos + 1] == '-') ||
		    (s[pos] == '/' && pos + 1 < lx->len && s[pos + 1] == '*'))
			break;
		pos++;
	}
	size_t n = pos - start;
	if (n > 1 && (s[start + n - 1] == '+' || s[start + n - 1] == '-')) {
		bool keep = false;
		for (size_t i = 0; i < n - 1; i++)
			if (strchr ("~!@#^&|`?%", s[start + i])) {
				keep = true;
				break;
			}
		if (!keep)
			while (n > 1 && (s[start + n - 1] == '+' || s[start + n - 1] == '-'))
				n--;
	}
	lx->pos = start + n;
	t->len = (int) n;
	if (n == 1 && (CC (s[start]) & C_SELF)) {
		t->kind = OX_TOK_CHAR;
		t->ch = (unsigned char) s[start];
		return;
	}
	if (n == 2) {
		char a = s[start], b = s[start + 1];
		if ((a == '<' && b == '>') || (a == '!' && b == '=')) {
			t->kind = OX_TOK_NOT_EQUALS;
			return;
		}
		if (a == '<' && b == '=') {
			t->kind = OX_TOK_LESS_EQUALS;
			return;
		}
		if (a == '>' && b == '=') {
			t->kind = OX_TOK_GREATER_EQUALS;
			return;
		}
		if (a == '=' && b == '>') {
			t->kind = OX_TOK_EQUALS_GREATER;
			return;
		}
	}
	t->kind = OX_TOK_OP;
}

/* ---- the scanner --------------------------------------------------------- */

void
ox_lex (OxLexer *lx, OxToken *t)
{
	const char *s = lx->sql;
	size_t pos = skip_space_and_comments (lx, lx->pos);
	memset (t, 0, sizeof *t);
	t->loc = (int) pos;
	if (pos >= lx->len) {
		t->kind = OX_TOK_EOF;
		lx->pos = lx->len;
		return;
	}
	unsigned char c = (unsigned char) s[pos];
	unsigned char next = pos + 1 < lx->len ? (unsigned char) s[pos + 1] : 0;

	/* Prefixed literals: E'', B'', X'' (and N'', read as a plain string). */
	if (next == '\'' && (c == 'e' || c == 'E')) {
		size_t end = scan_quoted (lx, pos, pos + 2, true);
		t->kind = OX_TOK_STRING;
		t->str = decode_quoted (lx, pos + 2, end, true, &t->str_len);
		t->len = (int) (end - pos);
		lx->pos = end;
		return;
	}
	if (next == '\'' && (c == 'b' || c == 'B' || c == 'x' || c == 'X')) {
		size_t end = scan_quoted (lx, pos, pos + 2, false);
		t->kind = OX_TOK_BITSTRING;
		t->str = decode_quoted (lx, pos + 2, end, false, &t->str_len);
		t->len = (int) (end - pos);
		lx->pos = end;
		return;
	}
	if (next == '\'' && (c == 'n' || c == 'N')) {
		size_t end = scan_quoted (lx, pos, pos + 2, false);
		t->kind = OX_TOK_STRING;
		t->str = decode_quoted (lx, pos + 2, end, false, &t->str_len);
		t->len = (int) (end - pos);
		lx->pos = end;
		return;
	}

	/* U&'...' and U&"..." would otherwise lex as u & '...', a valid and
	 * wrong expression; we do not support Unicode-escape literals. */
	if ((c == 'u' || c == 'U') && next == '&' && pos + 2 < lx->len &&
	    (s[pos + 2] == '\'' || s[pos + 2] == '"'))
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, (int) pos + 1,
		          "Unicode escape literals (U&'...') are not supported");

	if (CC (c) & C_IDSTART) {
		size_t p = pos;
		bool ascii = true;
		while (p < lx->len && (CC (s[p]) & C_IDCONT)) {
			if (CC (s[p]) & C_CHECK) {
				ascii = false;
				p += step_char (lx, p);
			} else
				p++;
		}
		t->kind = OX_TOK_IDENT;
		t->len = (int) (p - pos);
		t->kw = ascii ? ox_keyword_lookup (s + pos, p - pos) : OX_KW_NONE;
		lx->pos = p;
		return;
	}
	if (CC (c) & C_DIGIT || (c == '.' && (CC (next) & C_DIGIT))) {
		scan_number (lx, t, pos);
		t->len = (int) (lx->pos - pos);
		return;
	}
	switch (c) {
	case '\'': {
		size_t end = scan_quoted (lx, pos, pos + 1, false);
		t->kind = OX_TOK_STRING;
		t->str = decode_quoted (lx, pos + 1, end, false, &t->str_len);
		t->len = (int) (end - pos);
		lx->pos = end;
		return;
	}
	case '"': {
		size_t p = pos + 1;
		bool doubled = false;
		for (;;) {
			if (p >= lx->len)
				lex_error (lx, OX_ERR_SYNTAX, pos, lx->len - pos, "unterminated quoted identifier");
			if (s[p] == '"') {
				if (p + 1 < lx->len && s[p + 1] == '"') {
					doubled = true;
					p += 2;
					continue;
				}
				break;
			}
			p += step_char (lx, p);
		}
		size_t body = pos + 1, blen = p - body;
		if (blen == 0)
			lex_error (lx, OX_ERR_SYNTAX, pos, 2, "zero-length delimited identifier");
		char *d = ox_arena_alloc (lx->arena, blen + 1);
		size_t o = 0;
		for (size_t i = body; i < p; i++) {
			d[o++] = s[i];
			if (doubled && s[i] == '"')
				i++;
		}
		o = clip_utf8 (d, o, OX_NAMEDATALEN - 1);
		d[o] = '\0';
		t->kind = OX_TOK_QIDENT;
		t->str = d;
		t->str_len = (int) o;
		t->len = (int) (p + 1 - pos);
		lx->pos = p + 1;
		return;
	}
	case '$': {
		if (CC (next) & C_DIGIT) {
			size_t p = pos + 1;
			gint64 v = 0;
			while (p < lx->len && (CC (s[p]) & C_DIGIT)) {
				/* Saturate: "$99999999999" must not be undefined behaviour;
				 * the parser reports any number it cannot use. */
				if (v < G_MAXINT32)
					v = v * 10 + (s[p] - '0');
				p++;
			}
			if (p < lx->len && (CC (s[p]) & C_IDSTART)) {
				size_t q = p;
				while (q < lx->len && (CC (s[q]) & C_IDCONT))
					q += step_char (lx, q);
				lex_error (lx, OX_ERR_SYNTAX, pos, q - pos, "trailing junk after parameter");
			}
			t->kind = OX_TOK_PARAM;
			t->ival = v > G_MAXINT32 ? G_MAXINT32 : (int) v;
			t->len = (int) (p - pos);
			lx->pos = p;
			return;
		}
		size_t dlen = dollar_delim_len (lx, pos);
		if (dlen) {
			scan_dollar_string (lx, t, pos, dlen);
			t->len = (int) (lx->pos - pos);
			return;
		}
		break;  /* a stray '$' */
	}
	case ':':
		if (next == ':') {
			t->kind = OX_TOK_TYPECAST;
			t->len = 2;
			lx->pos = pos + 2;
			return;
		}
		if (next == '=') {
			t->kind = OX_TOK_COLON_EQUALS;
			t->len = 2;
			lx->pos = pos + 2;
			return;
		}
		break;
	case '.':
		if (next == '.') {
			t->kind = OX_TOK_DOT_DOT;
			t->len = 2;
			lx->pos = pos + 2;
			return;
		}
		break;
	default:
		if (CC (c) & C_OP) {
			scan_operator (lx, t, pos);
			return;
		}
		break;
	}
	/* Self characters and stray bytes become CHAR tokens; the parser turns
	 * anything it did not expect into "syntax error at or near". */
	t->kind = OX_TOK_CHAR;
	t->ch = c;
	t->len = (int) step_char (lx, pos);
	lx->pos = pos + (size_t) t->len;
}

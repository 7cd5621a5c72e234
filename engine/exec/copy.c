/*
 * copy.c — COPY ... FROM STDIN and COPY ... TO STDOUT: PostgreSQL 15's
 * text and CSV formats over the session's data channel (OxCopyIO, set by
 * whoever carries the bytes: the wire protocol's CopyData messages).
 *
 * COPY FROM runs the ordinary INSERT plan of the table (defaults, CHECK
 * and NOT NULL constraints, unique indexes, triggers) with a source
 * operator that parses rows out of the incoming bytes instead of a
 * VALUES list: one statement, however many rows, and an error on any row
 * fails (rolls back) all of them, as in PostgreSQL.  COPY TO runs a
 * SELECT and formats each row.
 *
 * NOTE: the formats follow PostgreSQL's copyfromparse.c / copyto.c
 * behaviour as observed on PostgreSQL 15 (tests/server compares):
 *   text: fields split at the delimiter (tab), rows at LF or CRLF; a
 *         field that is exactly the NULL string (\N) before de-escaping is
 *         NULL; \b \f \n \r \t \v, \ooo (octal), \xhh (hex) and \<any>;
 *         a line "\." ends the data.
 *   csv:  quote '"' doubled (or ESCAPE) inside quotes; newlines inside
 *         quotes are data; an unquoted field equal to the NULL string ("")
 *         is NULL, a quoted one is not (FORCE_NOT_NULL, FORCE_NULL change
 *         that); output quotes a field holding the delimiter, quote, CR,
 *         LF, or equal to the NULL string, or "\." alone in one column.
 * NOTE: what can go wrong: a malformed row (22P04 missing/extra data,
 * unterminated quoted field), a value that does not convert (22P02,
 * 22001, ...; CONTEXT says line and column as PostgreSQL does), invalid
 * UTF-8 (22021), the client giving up (CopyFail: 57014 "COPY from stdin
 * failed: ...") or vanishing.  Every one raises; the statement machinery
 * rolls the rows back.
 * NOTE: server-side files and PROGRAM are refused (42501): the server
 * process would read or run them with its own rights, which PostgreSQL
 * keeps to superusers; clients send files through STDIN (psql's \copy).
 * FREEZE is accepted and changes nothing (rows are visible as usual).
 */
#include <string.h>

#include "exec/copy.h"
#include "exec/exec.h"
#include "base/cast.h"
#include "base/error.h"
#include "session.h"

#define COPY_READ_CHUNK (64 * 1024)  /* bytes asked of the data channel at a time */
#define MAX_DISPLAY 100              /* bytes of a value or line shown in CONTEXT */

typedef struct CopyOpts {
	bool        csv;
	char        delim;
	const char *null_str;     /* the NULL marker */
	size_t      null_len;
	int         header;       /* 0 no, 1 yes, 2 match (COPY FROM) */
	char        quote;        /* CSV only */
	char        escape;       /* CSV only */
	bool        freeze;
	bool        force_quote_all;
	OxList     *force_quote;      /* column names */
	OxList     *force_not_null;
	OxList     *force_null;
} CopyOpts;

/* ---- options ------------------------------------------------------------- */

static bool
opt_bool (const OxCopyOption *o, bool allow_match, int *match)
{
	if (!o->value)
		return true;
	static const char *const yes[] = { "true", "on", "yes", "1", "t", "y" };
	static const char *const no[] = { "false", "off", "no", "0", "f", "n" };
	for (size_t i = 0; i < G_N_ELEMENTS (yes); i++)
		if (!g_ascii_strcasecmp (o->value, yes[i]))
			return true;
	for (size_t i = 0; i < G_N_ELEMENTS (no); i++)
		if (!g_ascii_strcasecmp (o->value, no[i]))
			return false;
	if (allow_match && !g_ascii_strcasecmp (o->value, "match")) {
		*match = 1;
		return true;
	}
	if (allow_match)
		ox_raise (OX_ERR_SYNTAX, 0, "%s requires a Boolean value or \"match\"", o->name);
	ox_raise (OX_ERR_SYNTAX, 0, "%s requires a Boolean value", o->name);
}

static const char *
opt_string (const OxCopyOption *o)
{
	if (!o->value || o->cols || o->star)
		ox_raise (OX_ERR_SYNTAX, 0, "%s requires a string value", o->name);  /* PG: "... requires a parameter" */
	return o->value;
}

/* PostgreSQL's ProcessCopyOptions: names, values and the combinations
 * that are refused, with its SQLSTATEs and messages. */
static void
process_options (const OxCopyStmt *cs, CopyOpts *o)
{
	memset (o, 0, sizeof *o);
	const char *format = NULL, *delim = NULL, *null_str = NULL, *quote = NULL, *escape = NULL;
	bool seen_header = false, seen_freeze = false, seen_fq = false, seen_fnn = false, seen_fn = false;
	bool seen_encoding = false;
#define ONCE(flag) do { if (flag) ox_raise (OX_ERR_SYNTAX, op->loc + 1, "conflicting or redundant options"); } while (0)
	for (int i = 0; i < OX_LIST_N (cs->options); i++) {
		const OxCopyOption *op = cs->options->items[i];
		const char *n = op->name;
		if (!strcmp (n, "format")) {
			ONCE (format);
			format = opt_string (op);
			if (!strcmp (format, "csv"))
				o->csv = true;
			else if (!strcmp (format, "binary"))
				ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, op->loc + 1, "COPY format \"binary\" is not supported yet");
			else if (strcmp (format, "text"))
				ox_raise ("22023", op->loc + 1, "COPY format \"%s\" not recognized", format);
		} else if (!strcmp (n, "freeze")) {
			ONCE (seen_freeze);
			seen_freeze = true;
			o->freeze = opt_bool (op, false, NULL);
		} else if (!strcmp (n, "delimiter")) {
			ONCE (delim);
			delim = opt_string (op);
		} else if (!strcmp (n, "null")) {
			ONCE (null_str);
			null_str = opt_string (op);
		} else if (!strcmp (n, "header")) {
			ONCE (seen_header);
			seen_header = true;
			int match = 0;
			o->header = opt_bool (op, true, &match) ? (match ? 2 : 1) : 0;
		} else if (!strcmp (n, "quote")) {
			ONCE (quote);
			quote = opt_string (op);
		} else if (!strcmp (n, "escape")) {
			ONCE (escape);
			escape = opt_string (op);
		} else if (!strcmp (n, "force_quote")) {
			ONCE (seen_fq);
			seen_fq = true;
			if (op->star)
				o->force_quote_all = true;
			else if (op->cols)
				o->force_quote = op->cols;
			else
				ox_raise (OX_ERR_SYNTAX, op->loc + 1, "argument to option \"%s\" must be a list of column names", n);
		} else if (!strcmp (n, "force_not_null") || !strcmp (n, "force_null")) {
			bool nn = !strcmp (n, "force_not_null");
			ONCE (nn ? seen_fnn : seen_fn);
			if (nn)
				seen_fnn = true;
			else
				seen_fn = true;
			if (!op->cols)
				ox_raise (OX_ERR_SYNTAX, op->loc + 1, "argument to option \"%s\" must be a list of column names", n);
			if (nn)
				o->force_not_null = op->cols;
			else
				o->force_null = op->cols;
		} else if (!strcmp (n, "encoding")) {
			ONCE (seen_encoding);
			seen_encoding = true;
			const char *e = opt_string (op);
			if (g_ascii_strcasecmp (e, "utf8") && g_ascii_strcasecmp (e, "utf-8") &&
			    g_ascii_strcasecmp (e, "sql_ascii"))
				ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, op->loc + 1,
				          "COPY encoding \"%s\" is not supported: data is UTF8", e);
		} else
			ox_raise (OX_ERR_SYNTAX, op->loc + 1, "option \"%s\" not recognized", n);
	}
#undef ONCE
	if (delim && strlen (delim) != 1)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "COPY delimiter must be a single one-byte character");
	o->delim = delim ? delim[0] : o->csv ? ',' : '\t';
	o->null_str = null_str ? null_str : o->csv ? "" : "\\N";
	o->null_len = strlen (o->null_str);
	if (o->delim == '\n' || o->delim == '\r')
		ox_raise ("22023", 0, "COPY delimiter cannot be newline or carriage return");
	if (strchr (o->null_str, '\n') || strchr (o->null_str, '\r'))
		ox_raise ("22023", 0, "COPY null representation cannot use newline or carriage return");
	if (!o->csv && strchr ("\\.abcdefghijklmnopqrstuvwxyz0123456789", o->delim))
		ox_raise ("22023", 0, "COPY delimiter cannot be \"%c\"", o->delim);
	if (!o->csv && quote)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "COPY quote available only in CSV mode");
	if (quote && strlen (quote) != 1)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "COPY quote must be a single one-byte character");
	o->quote = quote ? quote[0] : '"';
	if (o->csv && o->delim == o->quote)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "COPY delimiter and quote must be different");
	if (!o->csv && escape)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "COPY escape available only in CSV mode");
	if (escape && strlen (escape) != 1)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "COPY escape must be a single one-byte character");
	o->escape = escape ? escape[0] : o->quote;
	if (!o->csv && seen_fq)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "COPY force quote available only in CSV mode");
	if (seen_fq && cs->is_from)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "COPY force quote only available using COPY TO");
	if (!o->csv && seen_fnn)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "COPY force not null available only in CSV mode");
	if (seen_fnn && !cs->is_from)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "COPY force not null only available using COPY FROM");
	if (!o->csv && seen_fn)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "COPY force null available only in CSV mode");
	if (seen_fn && !cs->is_from)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "COPY force null only available using COPY FROM");
	if (strchr (o->null_str, o->delim))
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "COPY delimiter must not appear in the NULL specification");
	if (o->csv && strchr (o->null_str, o->quote))
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "CSV quote character must not appear in the NULL specification");
	if (o->header == 2 && !cs->is_from)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "cannot use \"match\" with HEADER in COPY TO");
	if (o->freeze && !cs->is_from)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "COPY FREEZE cannot be used with COPY TO");  /* PG 15 wording differs */
}

/* ---- COPY FROM: the row source ---------------------------------------------- */

typedef struct CopyIn {
	OxOp        op;
	OxSession  *s;
	CopyOpts   *o;
	const char *relname;
	OxTable    *table;
	int         nfields;    /* columns per row */
	int        *attnums;    /* field -> table column */
	bool       *fnn, *fn;   /* per field: FORCE_NOT_NULL, FORCE_NULL */
	OxValue    *row;        /* nfields, handed to the insert */
	OxArena    *rowarena;   /* values of the current row */
	char       *buf;        /* bytes read and not yet consumed */
	size_t      len, pos;
	size_t      verified;   /* buf[0, verified) is valid UTF-8 */
	bool        bad_utf8;   /* at buf[verified] starts an invalid sequence: */
	char        bad_bytes[4];  /* ... these bytes (what its lead announces) */
	int         bad_n;
	bool        eof;        /* the channel said: end of data */
	bool        done;       /* end of data seen (EOF or "\.") */
	GString    *line;       /* the current row's raw bytes, without its end of line */
	GPtrArray  *fields;     /* char*, NULL for SQL NULL (into fieldbuf) */
	GString    *fieldbuf;
	GArray     *starts;     /* gssize per field: offset in fieldbuf, or a NULL marker */
	uint64_t    lineno;
	enum { EOL_UNKNOWN, EOL_NL, EOL_CR, EOL_CRNL } eol;  /* set by the first line */
	/* what the error context reports */
	bool        in_line;    /* a row's bytes are being split */
	const char *cur_col;    /* converting this column ... */
	const char *cur_val;    /* ... from this text (NULL: null input) */
} CopyIn;

static void raise_bad_utf8 (const char *bad, const char *end) __attribute__ ((noreturn));

/* Check buf[verified, len) is UTF-8: advance verified over what is valid
 * and record the first invalid sequence (an incomplete one at the end
 * waits for more bytes, unless the data ended). */
static void
verify_utf8 (CopyIn *c)
{
	if (c->bad_utf8 || c->verified >= c->len)
		return;
	const char *start = c->buf + c->verified, *end = NULL;
	if (g_utf8_validate (start, (gssize) (c->len - c->verified), &end)) {
		c->verified = c->len;
		return;
	}
	c->verified = (size_t) (end - c->buf);
	unsigned char b = (unsigned char) *end;
	int want = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
	size_t left = c->len - c->verified;
	bool incomplete = !c->eof && (size_t) want > left && b >= 0xc2 && b < 0xf5;
	for (size_t j = 1; incomplete && j < left; j++)
		incomplete = (end[j] & 0xc0) == 0x80;
	if (incomplete)
		return;
	c->bad_utf8 = true;
	c->bad_n = (int) MIN ((size_t) want, left);
	memcpy (c->bad_bytes, end, (size_t) c->bad_n);
}

/* Ask the channel for more bytes; false when there are none. */
static bool
fill (CopyIn *c)
{
	if (c->eof)
		return false;
	if (c->pos > 0) {
		memmove (c->buf, c->buf + c->pos, c->len - c->pos);
		c->len -= c->pos;
		c->verified -= MIN (c->pos, c->verified);
		c->pos = 0;
	}
	OxCopyIO *io = &c->s->copy_io;
	OxError e = { 0 };
	ptrdiff_t n = io->read (io->user, c->buf + c->len, COPY_READ_CHUNK, &e);
	if (n < 0) {
		OxErrorData d = { 0 };
		g_strlcpy (d.sqlstate, e.sqlstate[0] ? e.sqlstate : "08P01", sizeof d.sqlstate);
		d.message = g_strdup (e.message ? e.message : "COPY from stdin failed");
		ox_error_clear (&e);
		ox_error_rethrow (&d);
	}
	if (n == 0) {
		c->eof = true;
		verify_utf8 (c);  /* an incomplete last character is invalid now */
		return false;
	}
	c->len += (size_t) n;
	verify_utf8 (c);
	return true;
}

/* Make sure the byte at pos + k is in the buffer; false at end of data.
 * Reaching an invalid UTF-8 sequence raises 22021 then, as PostgreSQL
 * reports a bad byte when its parser needs it (the CONTEXT has the line
 * number only). */
static bool
have (CopyIn *c, size_t k)
{
	while (c->pos + k >= c->verified) {
		if (c->bad_utf8) {
			c->in_line = false;
			raise_bad_utf8 (c->bad_bytes, c->bad_bytes + c->bad_n);
		}
		if (!fill (c) && !c->bad_utf8)
			return c->pos + k < c->verified;
	}
	return true;
}

static void __attribute__ ((noreturn))
eol_error (CopyIn *c, bool cr)
{
	if (c->o->csv)
		ox_raise_full ("22P04", 0, NULL, cr ? "Use quoted CSV field to represent carriage return."
		                                    : "Use quoted CSV field to represent newline.",
		               cr ? "unquoted carriage return found in data" : "unquoted newline found in data");
	ox_raise_full ("22P04", 0, NULL, cr ? "Use \"\\r\" to represent carriage return." : "Use \"\\n\" to represent newline.",
	               cr ? "literal carriage return found in data" : "literal newline found in data");
}

/* PostgreSQL's report_invalid_encoding: the bytes the lead byte says
 * the character has (as far as they go). */
static void __attribute__ ((noreturn))
raise_bad_utf8 (const char *bad, const char *end)
{
	unsigned char b = (unsigned char) *bad;
	int l = b >= 0xf0 && b < 0xf8 ? 4 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xc0 && b < 0xe0 ? 2 : 1;
	if (l > end - bad)
		l = (int) (end - bad);
	GString *g = g_string_new (NULL);
	for (int j = 0; j < l; j++)
		g_string_append_printf (g, "%s0x%02x", j ? " " : "", (unsigned char) bad[j]);
	char *bytes = g_string_free (g, FALSE);
	OxErrorData e = { 0 };
	g_strlcpy (e.sqlstate, "22021", sizeof e.sqlstate);
	e.message = g_strdup_printf ("invalid byte sequence for encoding \"UTF8\": %s", bytes);
	g_free (bytes);
	ox_error_rethrow (&e);
}

/* Read the next row's bytes into c->line.  Returns false at the end of the
 * data (end of input, or a "\." line). */
static bool
read_line (CopyIn *c)
{
	g_string_truncate (c->line, 0);
	if (c->done)
		return false;
	c->lineno++;  /* PostgreSQL's cur_lineno: the row's last physical line */
	bool in_quote = false;
	bool start = true;
	for (;;) {
		if (!have (c, 0)) {
			/* an open quote here is reported when the fields are split
			 * (a HEADER line is skipped unsplit, as in PostgreSQL) */
			if (c->line->len == 0 && start) {
				c->done = true;
				return false;
			}
			return true;  /* a last line without its newline */
		}
		/* "\." then a line end (or the end): the end-of-data marker.  In
		 * CSV only alone on a line; in text anywhere, the bytes before it
		 * being a last row, as PostgreSQL 15 does. */
		if (!in_quote && (start || !c->o->csv) && c->buf[c->pos] == '\\' && have (c, 1) &&
		    c->buf[c->pos + 1] == '.') {
			/* at the very end (no line end after it) it is no marker:
			 * text says corrupt, CSV takes it as data, as PostgreSQL 15 */
			bool ends = have (c, 2) && (c->buf[c->pos + 2] == '\n' || c->buf[c->pos + 2] == '\r');
			if (ends) {
				/* the marker's line end must be the data's style */
				char n1 = c->buf[c->pos + 2];
				bool ok = c->eol == EOL_UNKNOWN || (c->eol == EOL_NL && n1 == '\n') ||
				          (c->eol == EOL_CR && n1 == '\r') ||
				          (c->eol == EOL_CRNL && n1 == '\r' && have (c, 3) && c->buf[c->pos + 3] == '\n');
				if (c->eol == EOL_CRNL && n1 == '\n')
					eol_error (c, false);
				if (!ok) {
					ox_raise ("22P04", 0, "end-of-copy marker does not match previous newline style");
				}
			}
			if (ends) {
				c->done = true;
				/* the rest of the stream is read and ignored, as PostgreSQL does */
				c->pos = c->len;
				while (fill (c))
					c->pos = c->len;
				if (c->line->len == 0)
					return false;
				return true;
			}
			if (!c->o->csv)
				ox_raise ("22P04", 0, "end-of-copy marker corrupt");
		}
		start = false;
		char ch = c->buf[c->pos++];
		if ((ch == '\n' || ch == '\r') && !in_quote) {
			/* the first line's end decides for all (PostgreSQL's EolType);
			 * only an unknown or CRLF style looks past a CR */
			if (ch == '\r') {
				switch (c->eol) {
				case EOL_UNKNOWN:
					c->eol = have (c, 0) && c->buf[c->pos] == '\n' ? EOL_CRNL : EOL_CR;
					break;
				case EOL_CR:
						return true;
				case EOL_NL:
					eol_error (c, true);
				case EOL_CRNL:
					if (!have (c, 0) || c->buf[c->pos] != '\n')
						eol_error (c, true);
					break;
				}
				if (c->eol == EOL_CRNL)
					c->pos++;
				return true;
			}
			if (c->eol == EOL_UNKNOWN)
				c->eol = EOL_NL;
			if (c->eol != EOL_NL)
				eol_error (c, false);
			return true;
		}
		/* a line end inside quotes counts as a line (not while the
		 * style is unknown: PostgreSQL compares with CR then) */
		if (in_quote && ch == (c->eol == EOL_NL ? '\n' : '\r'))
			c->lineno++;
		g_string_append_c (c->line, ch);
		if (!c->o->csv) {
			/* escaped: even a newline is data, and "\\." is no marker */
			if (ch == '\\' && have (c, 0) && c->buf[c->pos] != '.')
				g_string_append_c (c->line, c->buf[c->pos++]);
		} else if (in_quote && ch == c->o->escape && c->o->escape != c->o->quote && have (c, 0) &&
		           (c->buf[c->pos] == c->o->quote || c->buf[c->pos] == c->o->escape)) {
			g_string_append_c (c->line, c->buf[c->pos++]);
		} else if (ch == c->o->quote)
			in_quote = !in_quote;  /* a doubled quote toggles twice */
	}
}

static int
hexval (char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Split a text-format line into fields, de-escaped (NULL for \N). */
static void
split_text (CopyIn *c)
{
	const CopyOpts *o = c->o;
	const char *p = c->line->str, *end = p + c->line->len;
	g_ptr_array_set_size (c->fields, 0);
	g_string_truncate (c->fieldbuf, 0);
	GArray *starts = c->starts;  /* kept in c: a raise below must not leak it */
	g_array_set_size (starts, 0);
	for (;;) {
		const char *f = p;
		gsize at = c->fieldbuf->len;
		while (p < end && *p != o->delim) {
			if (*p == '\\' && p + 1 == end) {
				p++;  /* a backslash ending the line stands for nothing (PostgreSQL) */
				continue;
			}
			if (*p == '\\' && p + 1 < end) {
				char e = p[1];
				p += 2;
				switch (e) {
				case 'b': g_string_append_c (c->fieldbuf, '\b'); break;
				case 'f': g_string_append_c (c->fieldbuf, '\f'); break;
				case 'n': g_string_append_c (c->fieldbuf, '\n'); break;
				case 'r': g_string_append_c (c->fieldbuf, '\r'); break;
				case 't': g_string_append_c (c->fieldbuf, '\t'); break;
				case 'v': g_string_append_c (c->fieldbuf, '\v'); break;
				case 'x':
					if (p < end && hexval (*p) >= 0) {
						int v = hexval (*p++);
						if (p < end && hexval (*p) >= 0)
							v = v * 16 + hexval (*p++);
						g_string_append_c (c->fieldbuf, (char) v);
					} else
						g_string_append_c (c->fieldbuf, 'x');
					break;
				default:
					if (e >= '0' && e <= '7') {
						int v = e - '0';
						for (int k = 0; k < 2 && p < end && *p >= '0' && *p <= '7'; k++)
							v = v * 8 + (*p++ - '0');
						g_string_append_c (c->fieldbuf, (char) (v & 0xff));
					} else
						g_string_append_c (c->fieldbuf, e);
				}
				continue;
			}
			g_string_append_c (c->fieldbuf, *p++);
		}
		gssize st = (gssize) at;
		if ((size_t) (p - f) == o->null_len && !memcmp (f, o->null_str, o->null_len))
			st = -1;
		g_string_append_c (c->fieldbuf, '\0');
		g_array_append_val (starts, st);
		if (p >= end)
			break;
		p++;  /* the delimiter */
	}
	for (guint i = 0; i < starts->len; i++) {
		gssize st = g_array_index (starts, gssize, i);
		g_ptr_array_add (c->fields, st < 0 ? NULL : c->fieldbuf->str + st);
	}
}

/* Split a CSV line (which may hold newlines inside quotes). */
static void
split_csv (CopyIn *c)
{
	const CopyOpts *o = c->o;
	const char *p = c->line->str, *end = p + c->line->len;
	g_ptr_array_set_size (c->fields, 0);
	g_string_truncate (c->fieldbuf, 0);
	GArray *starts = c->starts;  /* kept in c: a raise below must not leak it */
	g_array_set_size (starts, 0);
	for (;;) {
		const char *f = p;
		gsize at = c->fieldbuf->len;
		bool saw_quote = false;
		while (p < end && *p != o->delim) {
			if (*p != o->quote) {
				g_string_append_c (c->fieldbuf, *p++);
				continue;
			}
			saw_quote = true;
			p++;
			for (;;) {
				if (p >= end)
					ox_raise ("22P04", 0, "unterminated CSV quoted field");
				if (*p == o->escape && p + 1 < end && (p[1] == o->quote || p[1] == o->escape)) {
					g_string_append_c (c->fieldbuf, p[1]);
					p += 2;
					continue;
				}
				if (*p == o->quote) {
					p++;
					break;
				}
				g_string_append_c (c->fieldbuf, *p++);
			}
		}
		gssize st = (gssize) at;
		if (!saw_quote && (size_t) (p - f) == o->null_len && !memcmp (f, o->null_str, o->null_len))
			st = -1;
		if (saw_quote && (size_t) (c->fieldbuf->len - at) == o->null_len &&
		    !memcmp (c->fieldbuf->str + at, o->null_str, o->null_len))
			st = -2 - (gssize) at;  /* quoted NULL string: NULL only under FORCE_NULL */
		g_string_append_c (c->fieldbuf, '\0');
		g_array_append_val (starts, st);
		if (p >= end)
			break;
		p++;
	}
	for (guint i = 0; i < starts->len; i++) {
		gssize st = g_array_index (starts, gssize, i);
		if (st <= -2) {
			bool force_null = i < (guint) c->nfields && c->fn && c->fn[i];
			g_ptr_array_add (c->fields, force_null ? NULL : c->fieldbuf->str + (-2 - st));
		} else if (st == -1) {
			bool keep = i < (guint) c->nfields && c->fnn && c->fnn[i];
			/* FORCE_NOT_NULL: the unquoted NULL string is a value */
			g_ptr_array_add (c->fields, keep ? (char *) o->null_str : NULL);
		} else
			g_ptr_array_add (c->fields, c->fieldbuf->str + st);
	}
}

static void
check_utf8 (const char *s)
{
	const char *bad = NULL;
	if (!g_utf8_validate (s, -1, &bad))
		raise_bad_utf8 (bad, s + strlen (s));
}

static void
split_line (CopyIn *c)
{
	if (c->o->csv)
		split_csv (c);
	else
		split_text (c);
	/* \0 from an escape ends the C string early: PostgreSQL refuses it */
	for (guint i = 0; i < c->fields->len; i++) {
		const char *f = c->fields->pdata[i];
		if (f)
			check_utf8 (f);
	}
}

/* The header line: skipped, or (HEADER MATCH) checked against the names. */
static void
read_header (CopyIn *c)
{
	if (!read_line (c))
		return;
	if (c->o->header != 2)
		return;
	c->in_line = true;
	split_line (c);
	if ((int) c->fields->len != c->nfields)
		ox_raise ("22P04", 0, "wrong number of fields in header line: got %u, expected %d",
		          c->fields->len, c->nfields);
	for (int i = 0; i < c->nfields; i++) {
		const char *got = c->fields->pdata[i];
		const char *want = c->table->cols[c->attnums[i]].name;
		if (!got)
			ox_raise ("22P04", 0, "column name mismatch in header line field %d: got null value (\"%s\"), expected \"%s\"",
			          i + 1, c->o->null_str, want);
		if (strcmp (got, want))
			ox_raise ("22P04", 0, "column name mismatch in header line field %d: got \"%s\", expected \"%s\"",
			          i + 1, got, want);
	}
	c->in_line = false;
}

static OxValue *
copy_in_next (OxOp *op, OxExec *x)
{
	CopyIn *c = (CopyIn *) op;
	if (c->lineno == 0 && c->o->header)
		read_header (c);
	if ((c->lineno & 1023) == 1023)
		ox_exec_check_cancel (x);
	if (!read_line (c))
		return NULL;
	c->in_line = true;
	split_line (c);
	if ((int) c->fields->len > c->nfields)
		ox_raise ("22P04", 0, "extra data after last expected column");
	if (c->nfields == 0 && c->line->len > 0)
		ox_raise ("22P04", 0, "extra data after last expected column");
	ox_arena_reset (c->rowarena);
	/* field by field, as PostgreSQL's NextCopyFrom: a bad value before
	 * the first missing field is the error reported */
	for (int i = 0; i < c->nfields; i++) {
		const OxColumn *col = &c->table->cols[c->attnums[i]];
		if (i >= (int) c->fields->len) {
			c->cur_col = NULL;
			ox_raise ("22P04", 0, "missing data for column \"%s\"", col->name);
		}
		const char *f = c->fields->pdata[i];
		c->cur_col = col->name;
		c->cur_val = f;
		if (!f) {
			c->row[i] = ox_null (col->type.id);
			continue;
		}
		OxValue in = ox_text (OX_T_UNKNOWN, f, strlen (f));
		c->row[i] = ox_value_cast (c->rowarena, &x->cx, &in, col->type, false);
	}
	c->cur_col = NULL;
	c->cur_val = NULL;
	c->in_line = false;
	op->rows_out++;
	return c->row;
}

static void
copy_in_open (OxOp *op, OxExec *x)
{
	(void) x;
	op->loops++;
}

static void
copy_in_close (OxOp *op, OxExec *x)
{
	(void) op;
	(void) x;
}

static void
copy_in_free (void *p)
{
	CopyIn *c = p;
	g_free (c->buf);
	g_string_free (c->line, TRUE);
	g_string_free (c->fieldbuf, TRUE);
	g_ptr_array_unref (c->fields);
	g_array_unref (c->starts);
	ox_arena_free (c->rowarena);
}

/* s limited to MAX_DISPLAY bytes (on a character boundary) and "...". */
static char *
limit_printout (const char *s, size_t len)
{
	if (len <= MAX_DISPLAY)
		return g_strndup (s, len);
	const char *e = g_utf8_find_prev_char (s, s + MAX_DISPLAY + 1);
	return g_strdup_printf ("%.*s...", (int) (e ? e - s : MAX_DISPLAY), s);
}

/* PostgreSQL's CopyFromErrorCallback, as its CONTEXT line. */
static char *
copy_from_context (CopyIn *c)
{
	if (c->cur_col && c->cur_val) {
		g_autofree char *v = limit_printout (c->cur_val, strlen (c->cur_val));
		return g_strdup_printf ("COPY %s, line %" G_GUINT64_FORMAT ", column %s: \"%s\"", c->relname,
		                        c->lineno, c->cur_col, v);
	}
	if (c->cur_col)
		return g_strdup_printf ("COPY %s, line %" G_GUINT64_FORMAT ", column %s: null input", c->relname,
		                        c->lineno, c->cur_col);
	if (c->in_line) {
		g_autofree char *v = limit_printout (c->line->str, c->line->len);
		return g_strdup_printf ("COPY %s, line %" G_GUINT64_FORMAT ": \"%s\"", c->relname, c->lineno, v);
	}
	return g_strdup_printf ("COPY %s, line %" G_GUINT64_FORMAT, c->relname, c->lineno ? c->lineno : 1);
}

static int
field_index (OxList *cols, const char *name)
{
	for (int i = 0; i < OX_LIST_N (cols); i++)
		if (!strcmp (cols->items[i], name))
			return i;
	return -1;
}

/* A FORCE_* list as a flag per field; every name must be a copied column. */
static bool *
force_flags (OxArena *a, OxList *names, const char *what, OxTable *t, const int *attnums, int nfields)
{
	if (!names)
		return NULL;
	bool *f = OX_NEW_N (a, bool, nfields > 0 ? nfields : 1);
	for (int i = 0; i < names->n; i++) {
		const char *n = names->items[i];
		bool found = false;
		for (int k = 0; k < nfields; k++)
			if (!strcmp (t->cols[attnums[k]].name, n)) {
				f[k] = true;
				found = true;
			}
		if (!found)
			ox_raise ("42P10", 0, "%s column \"%s\" not referenced by COPY", what, n);
	}
	return f;
}

/* After an error inside a plan (the current error): close its operators,
 * which frees what open took (as stmt_fail does for a statement's own
 * plan), keeping the error; an error while closing is dropped. */
static void
close_after_error (OxOp *plan, OxExec *x)
{
	OxErrorData e;
	ox_error_take (&e);
	OX_TRY {
		ox_op_close_tree (plan, x);
	} OX_CATCH {
		OxErrorData e2;
		ox_error_take (&e2);
		ox_error_data_clear (&e2);
	} OX_END_TRY;
	OxErrorData *cur = ox_error_current ();
	ox_error_data_clear (cur);
	*cur = e;
}

static int64_t
copy_from (OxSession *s, OxExec *x, OxCopyStmt *cs, CopyOpts *o)
{
	/* the INSERT plan of the table, minus its source */
	OxInsertStmt ins = { .node = { OX_N_INSERT, cs->node.loc }, .table = cs->table, .columns = cs->columns };
	OxType ptypes[1];
	int np = 0;
	OxQuery *q = ox_bind_dml (x, s, &ins.node, x->arena, ptypes, &np);
	OxTable *t = q->result_table;
	if (t->view_query)
		ox_raise (OX_ERR_WRONG_OBJECT_TYPE, cs->table->node.loc + 1, "cannot copy to view \"%s\"", t->obj.name);
	OxOp *plan = ox_plan_query (x, q, x->arena);
	x->xparams = OX_NEW_N (x->arena, OxValue, x->nxparams + 1);
	g_assert (plan->kind == OX_OP_INSERT && !plan->left);

	CopyIn *c = OX_NEW (x->arena, CopyIn);
	c->op.kind = OX_OP_COPY;
	c->op.ncols = q->ninsert_cols;
	c->op.open = copy_in_open;
	c->op.next = copy_in_next;
	c->op.close = copy_in_close;
	c->op.rescan = copy_in_open;
	c->s = s;
	c->o = o;
	c->table = t;
	c->relname = t->obj.name;
	c->nfields = q->ninsert_cols;
	c->attnums = q->insert_cols;
	c->row = OX_NEW_N (x->arena, OxValue, c->nfields + 1);
	c->fnn = force_flags (x->arena, o->force_not_null, "FORCE_NOT_NULL", t, c->attnums, c->nfields);
	c->fn = force_flags (x->arena, o->force_null, "FORCE_NULL", t, c->attnums, c->nfields);
	c->buf = g_malloc (COPY_READ_CHUNK * 2);
	c->line = g_string_sized_new (256);
	c->fieldbuf = g_string_sized_new (256);
	c->fields = g_ptr_array_new ();
	c->starts = g_array_new (FALSE, FALSE, sizeof (gssize));
	c->rowarena = ox_arena_new ();
	ox_arena_on_free (x->arena, copy_in_free, c);
	plan->left = &c->op;

	/* ask for the data only once the statement is known to be valid */
	OxError e = { 0 };
	if (s->copy_io.begin (s->copy_io.user, true, c->nfields, &e) != OX_OK) {
		OxErrorData d = { 0 };
		g_strlcpy (d.sqlstate, e.sqlstate[0] ? e.sqlstate : "08P01", sizeof d.sqlstate);
		d.message = g_strdup (e.message ? e.message : "COPY could not start");
		ox_error_clear (&e);
		ox_error_rethrow (&d);
	}
	/* a buffer twice the chunk: fill never asks for more than the free
	 * space (see have: at most a chunk is unconsumed when it is called) */
	volatile bool failed = false, opened = false;
	OX_TRY {
		opened = true;  /* before: a half-opened tree is closed too */
		plan->open (plan, x);
		while (plan->next (plan, x))
			;
		opened = false;
		ox_op_close_tree (plan, x);
	} OX_CATCH {
		failed = true;
	} OX_END_TRY;
	if (failed) {
		OxErrorData *cur = ox_error_current ();
		if (!cur->context && strcmp (cur->sqlstate, "57014") && strcmp (cur->sqlstate, "08P01"))
			cur->context = copy_from_context (c);
		if (opened)
			close_after_error (plan, x);
		ox_error_rethrow_current ();
	}
	return x->changes;
}

/* ---- COPY TO ------------------------------------------------------------- */

static void
append_text_escaped (GString *out, const char *s, size_t len, char delim)
{
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		switch (ch) {
		case '\b': g_string_append (out, "\\b"); break;
		case '\f': g_string_append (out, "\\f"); break;
		case '\n': g_string_append (out, "\\n"); break;
		case '\r': g_string_append (out, "\\r"); break;
		case '\t': g_string_append (out, "\\t"); break;
		case '\v': g_string_append (out, "\\v"); break;
		case '\\': g_string_append (out, "\\\\"); break;
		default:
			if (ch == delim)
				g_string_append_c (out, '\\');
			g_string_append_c (out, ch);
		}
	}
}

static void
append_csv (GString *out, const CopyOpts *o, const char *s, size_t len, bool force, bool single)
{
	bool q = force || (len == o->null_len && !memcmp (s, o->null_str, len)) ||
	         (single && len == 2 && s[0] == '\\' && s[1] == '.');
	for (size_t i = 0; !q && i < len; i++)
		if (s[i] == o->delim || s[i] == o->quote || s[i] == '\n' || s[i] == '\r')
			q = true;
	if (!q) {
		g_string_append_len (out, s, (gssize) len);
		return;
	}
	g_string_append_c (out, o->quote);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == o->quote || s[i] == o->escape)
			g_string_append_c (out, o->escape);
		g_string_append_c (out, s[i]);
	}
	g_string_append_c (out, o->quote);
}

static void
write_out (OxSession *s, GString *out)
{
	OxError e = { 0 };
	if (s->copy_io.write (s->copy_io.user, out->str, out->len, &e) != OX_OK) {
		OxErrorData d = { 0 };
		g_strlcpy (d.sqlstate, e.sqlstate[0] ? e.sqlstate : "08006", sizeof d.sqlstate);
		d.message = g_strdup (e.message ? e.message : "could not send COPY data");
		ox_error_clear (&e);
		ox_error_rethrow (&d);
	}
	g_string_truncate (out, 0);
}

static char *
quote_ident (const char *s)
{
	GString *g = g_string_new ("\"");
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			g_string_append_c (g, '"');
		g_string_append_c (g, *p);
	}
	g_string_append_c (g, '"');
	return g_string_free (g, FALSE);
}

static int64_t
copy_to (OxSession *s, OxExec *x, OxCopyStmt *cs, CopyOpts *o)
{
	OxSelectStmt *sel = cs->query;
	if (!sel) {
		/* COPY t [(cols)] TO: SELECT cols FROM t, after the checks PostgreSQL makes */
		OxTable *t = ox_session_relation (s, cs->table->schema, cs->table->name);
		if (!t)
			ox_raise (OX_ERR_UNDEFINED_TABLE, cs->table->node.loc + 1, "relation \"%s\" does not exist",
			          cs->table->name);
		if (t->view_query)
			ox_raise_full (OX_ERR_WRONG_OBJECT_TYPE, 0, NULL, "Try the COPY (SELECT ...) TO variant.",
			               "cannot copy from view \"%s\"", t->obj.name);
		GString *sql = g_string_new ("SELECT ");
		int n = cs->columns ? cs->columns->n : t->ncols;
		for (int i = 0; i < n; i++) {
			const char *cn = cs->columns ? cs->columns->items[i] : t->cols[i].name;
			bool found = false;
			for (int k = 0; k < t->ncols; k++)
				found |= !strcmp (t->cols[k].name, cn);
			if (!found) {
				g_string_free (sql, TRUE);
				ox_raise (OX_ERR_UNDEFINED_COLUMN, 0, "column \"%s\" of relation \"%s\" does not exist", cn,
				          t->obj.name);
			}
			if (cs->columns && field_index (cs->columns, cn) != i) {
				g_string_free (sql, TRUE);
				ox_raise (OX_ERR_DUPLICATE_COLUMN, 0, "column \"%s\" specified more than once", cn);
			}
			g_autofree char *q = quote_ident (cn);
			g_string_append_printf (sql, "%s%s", i ? ", " : "", q);
		}
		g_autofree char *qs = quote_ident (t->obj.schema->obj.name);
		g_autofree char *qt = quote_ident (t->obj.name);
		g_string_append_printf (sql, " FROM %s.%s", qs, qt);
		char *text = ox_arena_strdup (x->arena, sql->str);
		g_string_free (sql, TRUE);
		size_t end;
		sel = (OxSelectStmt *) ox_parse_one (x->arena, text, strlen (text), &end);
	} else if (cs->columns)
		ox_raise (OX_ERR_SYNTAX, 0, "COPY (query) TO cannot have a column list");  /* grammar error in PG */
	OxType ptypes[1];
	int np = 0;
	OxQuery *q = ox_bind_select (x, s, sel, x->arena, ptypes, &np);
	if (np > 0)
		ox_raise ("42P02", 0, "there is no parameter $1");
	int ncols = 0;
	for (guint i = 0; i < q->targets->len; i++)
		if (!((OxTarget *) q->targets->pdata[i])->resjunk)
			ncols++;
	bool *fq = OX_NEW_N (x->arena, bool, ncols > 0 ? ncols : 1);
	for (int k = 0; k < ncols; k++)
		fq[k] = o->force_quote_all;
	for (int i = 0; i < OX_LIST_N (o->force_quote); i++) {
		const char *n = o->force_quote->items[i];
		bool found = false;
		int k = 0;
		for (guint j = 0; j < q->targets->len; j++) {
			OxTarget *tg = q->targets->pdata[j];
			if (tg->resjunk)
				continue;
			if (!strcmp (tg->name, n))
				fq[k] = found = true;
			k++;
		}
		if (!found)
			ox_raise ("42P10", 0, "FORCE_QUOTE column \"%s\" not referenced by COPY", n);
	}
	OxOp *plan = ox_plan_query (x, q, x->arena);
	x->xparams = OX_NEW_N (x->arena, OxValue, x->nxparams + 1);
	OxError e = { 0 };
	if (s->copy_io.begin (s->copy_io.user, false, ncols, &e) != OX_OK) {
		OxErrorData d = { 0 };
		g_strlcpy (d.sqlstate, e.sqlstate[0] ? e.sqlstate : "08P01", sizeof d.sqlstate);
		d.message = g_strdup (e.message ? e.message : "COPY could not start");
		ox_error_clear (&e);
		ox_error_rethrow (&d);
	}
	GString *out = g_string_sized_new (1024);
	OxArena *ra = ox_arena_new ();
	int64_t n = 0;
	volatile bool failed = false, opened = false;
	OX_TRY {
		if (o->header) {
			int k = 0;
			for (guint j = 0; j < q->targets->len; j++) {
				OxTarget *tg = q->targets->pdata[j];
				if (tg->resjunk)
					continue;
				if (k++)
					g_string_append_c (out, o->delim);
				if (o->csv)
					append_csv (out, o, tg->name, strlen (tg->name), fq[k - 1], ncols == 1);
				else
					append_text_escaped (out, tg->name, strlen (tg->name), o->delim);
			}
			g_string_append_c (out, '\n');
			write_out (s, out);
		}
		opened = true;
		plan->open (plan, x);
		OxValue *row;
		while ((row = plan->next (plan, x)) != NULL) {
			ox_arena_reset (ra);
			for (int i = 0; i < ncols; i++) {
				if (i)
					g_string_append_c (out, o->delim);
				if (row[i].null) {
					g_string_append_len (out, o->null_str, (gssize) o->null_len);
					continue;
				}
				size_t len = 0;
				const char *v = ox_value_out (ra, &x->cx, &row[i], &len);
				if (o->csv)
					append_csv (out, o, v, len, fq[i], ncols == 1);
				else
					append_text_escaped (out, v, len, o->delim);
			}
			g_string_append_c (out, '\n');
			write_out (s, out);  /* one CopyData per row, as PostgreSQL sends */
			n++;
		}
		opened = false;
		ox_op_close_tree (plan, x);
	} OX_CATCH {
		failed = true;
	} OX_END_TRY;
	g_string_free (out, TRUE);
	ox_arena_free (ra);
	if (failed) {
		if (opened)
			close_after_error (plan, x);
		ox_error_rethrow_current ();
	}
	return n;
}

/* ---- entry --------------------------------------------------------------- */

int64_t
ox_copy_run (OxSession *s, OxExec *x, OxCopyStmt *cs)
{
	if (cs->filename || cs->program)
		ox_raise_full ("42501", 0, NULL,
		               "Anyone can COPY to stdout or from stdin. psql's \\copy command also works for anyone.",
		               cs->program ? "must be superuser or have privileges of the pg_execute_server_program role to COPY to or from an external program"
		               : cs->is_from ? "must be superuser or have privileges of the pg_read_server_files role to COPY from a file"
		                             : "must be superuser or have privileges of the pg_write_server_files role to COPY to a file");
	if (cs->has_where)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "COPY FROM ... WHERE is not supported yet");
	CopyOpts o;
	process_options (cs, &o);
	if (!s->copy_io.read || !s->copy_io.write || !s->copy_io.begin)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, cs->node.loc + 1,
		          "COPY %s needs a client that carries the data (a PostgreSQL client of oxibase-server)",
		          cs->is_from ? "FROM STDIN" : "TO STDOUT");
	return cs->is_from ? copy_from (s, x, cs, &o) : copy_to (s, x, cs, &o);
}

/*
 * dap-codec.c — Content-Length framing of DAP messages: the decoder, the
 * asynchronous reader and the locked writer.
 *
 * The decoder is a byte-at-a-time state machine over two states, HEADER
 * and BODY, plus FAILED.  It never looks back at bytes it has consumed, so
 * any chunking of the input gives the same messages and errors (the fuzz
 * target checks exactly that).
 *
 * NOTE: a frame's Content-Length is checked against the cap before a byte
 * of its body is stored, and the body buffer then grows with the bytes that
 * actually arrive: a peer that announces 100 MB (or 16 MB and sends
 * nothing) costs us nothing until it sends.
 *
 * NOTE: the body is checked for UTF-8 and against RFC 8259 *before*
 * json-glib sees it (json_check says why); json-glib then only builds the
 * tree.
 *
 * NOTE: after a framing error nothing more is decoded, ever.  Resyncing on
 * the next "Content-Length:" would be guesswork: it may sit inside a string
 * of the lost body.  Frames completed before the error are still handed out
 * by dap_decoder_pop.
 *
 * Why the reader is asynchronous on a GMainContext and not a thread of its
 * own: GIO's async reads work on every GInputStream (non-pollable ones get
 * GIO's thread pool), stop cleanly with a GCancellable, and deliver on the
 * context that owns the dispatcher's state, so nothing here needs a lock or
 * a join.  lldb-dap needs a reader thread because its handlers block the
 * main thread; ours answer slow requests through DapReply (dap-dispatch.h)
 * from the debugger's thread, so the context stays free to read `cancel`
 * and `pause` while a request runs.
 *
 * Why writes are synchronous under a mutex rather than queued to a writer
 * thread: a slow client then slows the sender down (backpressure) instead
 * of growing a queue without bound, and the sender learns at once that the
 * peer is gone.  A write that fails half-way has broken the framing for
 * the peer, so the writer refuses every later write.
 */
#define G_LOG_DOMAIN "oxibase-dap"

#include "dap-codec.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (dap-codec-error-quark, dap_codec_error)

gboolean
dap_codec_error_is_framing (const GError *error)
{
	return error != NULL && error->domain == DAP_CODEC_ERROR
	       && error->code <= DAP_CODEC_ERROR_TRUNCATED;
}

/* ---- decoder ------------------------------------------------------------ */

typedef enum {
	DEC_HEADER,  /* reading header lines up to the empty one */
	DEC_BODY,    /* reading exactly content_length bytes */
	DEC_FAILED,  /* framing lost; failure says why */
} DecState;

/* One decoded frame waiting in the queue: exactly one field is set. */
typedef struct {
	JsonNode *message;  /* a valid message, owned */
	GError   *error;    /* a message error, owned */
} Frame;

struct _DapDecoder {
	DecState    state;
	gsize       max_body;        /* bytes; frames announcing more are refused */
	GString    *line;            /* the header line so far, CR included, LF not;
	                              * never longer than DAP_MAX_HEADER_LINE + 1 */
	guint       n_lines;         /* non-empty header lines in this frame */
	gint64      content_length;  /* bytes; -1 until seen in this frame */
	GByteArray *body;            /* NULL outside DEC_BODY; len <= content_length */
	GQueue      frames;          /* Frame *, oldest first */
	GError     *failure;         /* in DEC_FAILED: the framing error, owned */
};

/* Bodies grow from at most this much, so a large announced length reserves
 * nothing until its bytes arrive. */
#define BODY_INITIAL_RESERVE  (64u * 1024u)

DapDecoder *
dap_decoder_new (gsize max_body)
{
	DapDecoder *self = g_new0 (DapDecoder, 1);

	self->state = DEC_HEADER;
	self->max_body = max_body ? max_body : DAP_DEFAULT_MAX_BODY;
	self->line = g_string_sized_new (128);
	self->content_length = -1;
	g_queue_init (&self->frames);
	return self;
}

static void
frame_free (gpointer data)
{
	Frame *f = data;

	if (f->message)
		json_node_unref (f->message);
	g_clear_error (&f->error);
	g_free (f);
}

void
dap_decoder_free (DapDecoder *self)
{
	if (self == NULL)
		return;
	g_string_free (self->line, TRUE);
	if (self->body)
		g_byte_array_unref (self->body);
	g_queue_clear_full (&self->frames, frame_free);
	g_clear_error (&self->failure);
	g_free (self);
}

gsize
dap_decoder_get_max_body (DapDecoder *self)
{
	g_return_val_if_fail (self != NULL, 0);
	return self->max_body;
}

gboolean
dap_decoder_failed (DapDecoder *self)
{
	g_return_val_if_fail (self != NULL, TRUE);
	return self->state == DEC_FAILED;
}

/* TRUE when no byte of an unfinished frame has been consumed: the place
 * where an end of stream is clean. */
gboolean
dap_decoder_at_boundary (DapDecoder *self)
{
	g_return_val_if_fail (self != NULL, FALSE);
	return self->state == DEC_HEADER && self->line->len == 0 && self->n_lines == 0
	       && self->content_length < 0;
}

/* Enter DEC_FAILED with @code and a message, and report it through @error. */
G_GNUC_PRINTF (4, 5) static gboolean
decoder_fail (DapDecoder *self, GError **error, DapCodecError code, const char *fmt, ...)
{
	va_list ap;

	g_assert (self->state != DEC_FAILED);
	va_start (ap, fmt);
	self->failure = g_error_new_valist (DAP_CODEC_ERROR, code, fmt, ap);
	va_end (ap);
	self->state = DEC_FAILED;
	if (self->body)
		g_clear_pointer (&self->body, g_byte_array_unref);
	g_string_truncate (self->line, 0);
	if (error)
		*error = g_error_copy (self->failure);
	return FALSE;
}

/* A printable, bounded copy of a header line for error messages. */
static char *
quote_line (const char *s, gsize len)
{
	g_autofree char *head = g_strndup (s, MIN (len, 64));
	g_autofree char *esc = g_strescape (head, NULL);

	return g_strdup_printf ("\"%s%s\"", esc, len > 64 ? "..." : "");
}

/*
 * The value of a Content-Length header: optional blanks, decimal digits,
 * optional blanks.  Leading zeros are fine.  Returns FALSE (decoder failed)
 * on anything else, and on a value over the cap; the digits are never
 * accumulated past the cap, so no length can overflow.
 */
static gboolean
parse_content_length (DapDecoder *self, const char *v, gsize len, GError **error)
{
	gsize i = 0, first;
	guint64 n = 0;
	gboolean over = FALSE;

	while (i < len && (v[i] == ' ' || v[i] == '\t'))
		i++;
	if (i < len && v[i] == '-')
		return decoder_fail (self, error, DAP_CODEC_ERROR_BAD_CONTENT_LENGTH,
		                     "Content-Length is negative");
	first = i;
	for (; i < len && g_ascii_isdigit (v[i]); i++) {
		if (over)
			continue;
		n = n * 10 + (guint64) (v[i] - '0');
		if (n > self->max_body)
			over = TRUE;
	}
	if (i == first)
		return decoder_fail (self, error, DAP_CODEC_ERROR_BAD_CONTENT_LENGTH,
		                     "Content-Length has no digits");
	while (i < len && (v[i] == ' ' || v[i] == '\t'))
		i++;
	if (i != len) {
		g_autofree char *q = quote_line (v, len);
		return decoder_fail (self, error, DAP_CODEC_ERROR_BAD_CONTENT_LENGTH,
		                     "Content-Length is not a decimal integer: %s", q);
	}
	if (over) {
		g_autofree char *q = quote_line (v + first, i - first);
		return decoder_fail (self, error, DAP_CODEC_ERROR_TOO_LARGE,
		                     "Content-Length %s is over the limit of %" G_GSIZE_FORMAT " bytes",
		                     q, self->max_body);
	}
	self->content_length = (gint64) n;
	return TRUE;
}

/*
 * A strict RFC 8259 check of a body, before json-glib sees it.  json-glib
 * 1.6 is lenient where a peer must not be trusted: it takes "\o" and a
 * "\u" with fewer than four hex digits (found by fuzz-dap: the message it
 * made did not survive being written back), and it parses recursively, so
 * a deep "[[[[..." would exhaust our stack.  This check is iterative, with
 * an explicit stack of DAP_MAX_JSON_DEPTH, and also refuses what json-glib
 * would turn into something else: "\u0000" (its strings end at NUL),
 * unpaired surrogates (no UTF-8 for them), numbers that are not finite
 * doubles, and integers outside int64.
 *
 * Returns 0, or DAP_CODEC_ERROR_BAD_JSON / _TOO_DEEP with *why and *where.
 */
typedef struct {
	const guint8 *s;     /* the body, UTF-8 already checked */
	gsize         len;
	gsize         i;     /* the next byte */
	const char   *why;   /* static text of the first fault */
} Lex;

static gboolean
lex_fail (Lex *lx, const char *why)
{
	lx->why = why;
	return FALSE;
}

static int
hex4 (Lex *lx)
{
	int v = 0;

	if (lx->len - lx->i < 4)
		return -1;
	for (int k = 0; k < 4; k++) {
		int d = g_ascii_xdigit_value ((char) lx->s[lx->i + k]);
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	lx->i += 4;
	return v;
}

static gboolean
scan_string (Lex *lx)
{
	g_assert (lx->s[lx->i] == '"');
	lx->i++;
	for (;;) {
		guint8 c;

		if (lx->i >= lx->len)
			return lex_fail (lx, "unterminated string");
		c = lx->s[lx->i++];
		if (c == '"')
			return TRUE;
		if (c < 0x20)
			return lex_fail (lx, "control character in a string");
		if (c != '\\')
			continue;
		if (lx->i >= lx->len)
			return lex_fail (lx, "unterminated string");
		c = lx->s[lx->i++];
		if (strchr ("\"\\/bfnrt", c) != NULL && c != '\0')
			continue;
		if (c != 'u')
			return lex_fail (lx, "invalid escape in a string");
		{
			int u = hex4 (lx);

			if (u < 0)
				return lex_fail (lx, "\\u escape without four hex digits");
			if (u == 0)
				return lex_fail (lx, "\\u0000 in a string");
			if (u >= 0xDC00 && u <= 0xDFFF)
				return lex_fail (lx, "unpaired surrogate in a string");
			if (u >= 0xD800 && u <= 0xDBFF) {
				int lo;

				if (lx->len - lx->i < 2 || lx->s[lx->i] != '\\' || lx->s[lx->i + 1] != 'u')
					return lex_fail (lx, "unpaired surrogate in a string");
				lx->i += 2;
				lo = hex4 (lx);
				if (lo < 0xDC00 || lo > 0xDFFF)
					return lex_fail (lx, "unpaired surrogate in a string");
			}
		}
	}
}

static gboolean
scan_digits (Lex *lx)
{
	gsize start = lx->i;

	while (lx->i < lx->len && g_ascii_isdigit (lx->s[lx->i]))
		lx->i++;
	return lx->i > start;
}


/* Does an integer token ("-?[0-9]+", as the lexer scanned it) fit in an
 * int64?  By hand, not g_ascii_string_to_signed: that can fail on a valid
 * number when it is the process's first call (it makes its C locale then,
 * and newlocale may leave errno set, which it reads as a conversion
 * error), which would refuse a client's first message. */
static gboolean
fits_int64 (const char *tok)
{
	gboolean neg = *tok == '-';
	const char *d = tok + (neg ? 1 : 0);
	while (*d == '0' && d[1])
		d++;
	static const char max[] = "9223372036854775807", min[] = "9223372036854775808";
	size_t len = strlen (d), lim = sizeof max - 1;
	if (len != lim)
		return len < lim;
	return strcmp (d, neg ? min : max) <= 0;
}

static gboolean
scan_number (Lex *lx)
{
	gsize start = lx->i;
	gboolean integer = TRUE;
	g_autofree char *tok = NULL;

	if (lx->s[lx->i] == '-')
		lx->i++;
	if (lx->i < lx->len && lx->s[lx->i] == '0')
		lx->i++;
	else if (!scan_digits (lx))
		return lex_fail (lx, "malformed number");
	if (lx->i < lx->len && lx->s[lx->i] == '.') {
		lx->i++;
		integer = FALSE;
		if (!scan_digits (lx))
			return lex_fail (lx, "malformed number");
	}
	if (lx->i < lx->len && (lx->s[lx->i] == 'e' || lx->s[lx->i] == 'E')) {
		lx->i++;
		integer = FALSE;
		if (lx->i < lx->len && (lx->s[lx->i] == '+' || lx->s[lx->i] == '-'))
			lx->i++;
		if (!scan_digits (lx))
			return lex_fail (lx, "malformed number");
	}
	tok = g_strndup ((const char *) lx->s + start, lx->i - start);
	if (integer) {
		if (!fits_int64 (tok))
			return lex_fail (lx, "integer out of range");
	} else if (!isfinite (g_ascii_strtod (tok, NULL))) {
		return lex_fail (lx, "number out of range");
	}
	return TRUE;
}

static int
json_check (Lex *lx)
{
	enum { VALUE, VALUE_OR_CLOSE, KEY, KEY_OR_CLOSE, COLON, COMMA_OR_CLOSE, DONE } st = VALUE;
	char stack[DAP_MAX_JSON_DEPTH];  /* '{' or '[' for each open container */
	guint depth = 0;

	for (;;) {
		guint8 c;

		while (lx->i < lx->len && strchr (" \t\n\r", lx->s[lx->i]) != NULL && lx->s[lx->i] != '\0')
			lx->i++;
		if (lx->i == lx->len) {
			if (st == DONE)
				return 0;
			lex_fail (lx, "unexpected end");
			return DAP_CODEC_ERROR_BAD_JSON;
		}
		c = lx->s[lx->i];
		switch (st) {
		case DONE:
			lex_fail (lx, "characters after the value");
			return DAP_CODEC_ERROR_BAD_JSON;
		case COLON:
			if (c != ':') {
				lex_fail (lx, "expected ':'");
				return DAP_CODEC_ERROR_BAD_JSON;
			}
			lx->i++;
			st = VALUE;
			continue;
		case KEY_OR_CLOSE:
		case KEY:
			if (c == '}' && st == KEY_OR_CLOSE) {
				lx->i++;
				depth--;
				st = depth ? COMMA_OR_CLOSE : DONE;
				continue;
			}
			if (c != '"') {
				lex_fail (lx, "expected a member name");
				return DAP_CODEC_ERROR_BAD_JSON;
			}
			if (!scan_string (lx))
				return DAP_CODEC_ERROR_BAD_JSON;
			st = COLON;
			continue;
		case COMMA_OR_CLOSE:
			g_assert (depth > 0);
			if (c == ',') {
				lx->i++;
				st = stack[depth - 1] == '{' ? KEY : VALUE;
				continue;
			}
			if (c != (stack[depth - 1] == '{' ? '}' : ']')) {
				lex_fail (lx, "expected ',' or the end of the array or object");
				return DAP_CODEC_ERROR_BAD_JSON;
			}
			lx->i++;
			depth--;
			st = depth ? COMMA_OR_CLOSE : DONE;
			continue;
		case VALUE_OR_CLOSE:
			if (c == ']') {
				lx->i++;
				depth--;
				st = depth ? COMMA_OR_CLOSE : DONE;
				continue;
			}
			/* fall through */
		case VALUE:
			if (c == '{' || c == '[') {
				if (depth == DAP_MAX_JSON_DEPTH) {
					lex_fail (lx, "nested too deep");
					return DAP_CODEC_ERROR_TOO_DEEP;
				}
				stack[depth++] = (char) c;
				lx->i++;
				st = c == '{' ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
				continue;
			}
			if (c == '"') {
				if (!scan_string (lx))
					return DAP_CODEC_ERROR_BAD_JSON;
			} else if (c == '-' || g_ascii_isdigit (c)) {
				if (!scan_number (lx))
					return DAP_CODEC_ERROR_BAD_JSON;
			} else {
				static const char *const words[] = { "true", "false", "null" };
				gboolean found = FALSE;

				for (gsize k = 0; k < G_N_ELEMENTS (words) && !found; k++) {
					gsize n = strlen (words[k]);

					if (lx->len - lx->i >= n && memcmp (lx->s + lx->i, words[k], n) == 0) {
						lx->i += n;
						found = TRUE;
					}
				}
				if (!found) {
					lex_fail (lx, "unexpected character");
					return DAP_CODEC_ERROR_BAD_JSON;
				}
			}
			st = depth ? COMMA_OR_CLOSE : DONE;
			continue;
		}
	}
}

/* What a JSON value is, for error messages. */
static const char *
kind_of (JsonNode *node)
{
	if (node == NULL)
		return "empty";
	switch (json_node_get_node_type (node)) {
	case JSON_NODE_ARRAY:
		return "an array";
	case JSON_NODE_NULL:
		return "null";
	case JSON_NODE_VALUE:
		return json_node_get_value_type (node) == G_TYPE_STRING ? "a string"
		       : json_node_get_value_type (node) == G_TYPE_BOOLEAN ? "a boolean" : "a number";
	case JSON_NODE_OBJECT:
	default:
		return "an object";
	}
}

/* The body of a complete frame as a message, or NULL and a message error. */
static JsonNode *
parse_body (const guint8 *data, gsize len, GError **error)
{
	const char *end = NULL;
	g_autoptr (JsonParser) parser = NULL;
	g_autoptr (GError) local = NULL;
	g_autoptr (JsonNode) root = NULL;
	JsonObject *obj;
	JsonNode *seq, *type;

	if (!g_utf8_validate_len ((const char *) data, len, &end)) {
		g_set_error (error, DAP_CODEC_ERROR, DAP_CODEC_ERROR_BAD_UTF8,
		             "message body is not valid UTF-8 (byte %" G_GSIZE_FORMAT ")",
		             (gsize) (end - (const char *) data));
		return NULL;
	}
	if (len > 0) {
		Lex lx = { data, len, 0, NULL };
		int code = json_check (&lx);

		if (code == DAP_CODEC_ERROR_TOO_DEEP) {
			g_set_error (error, DAP_CODEC_ERROR, DAP_CODEC_ERROR_TOO_DEEP,
			             "message body nests arrays and objects deeper than %u",
			             DAP_MAX_JSON_DEPTH);
			return NULL;
		}
		if (code != 0) {
			g_set_error (error, DAP_CODEC_ERROR, DAP_CODEC_ERROR_BAD_JSON,
			             "message body is not valid JSON: %s at byte %" G_GSIZE_FORMAT,
			             lx.why, lx.i);
			return NULL;
		}
	}
	parser = json_parser_new_immutable ();
	if (len > 0 && !json_parser_load_from_data (parser, (const char *) data, (gssize) len, &local)) {
		g_set_error (error, DAP_CODEC_ERROR, DAP_CODEC_ERROR_BAD_JSON,
		             "message body is not valid JSON: %s", local->message);
		return NULL;
	}
	if (len > 0)
		root = json_parser_steal_root (parser);
	if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
		g_set_error (error, DAP_CODEC_ERROR, DAP_CODEC_ERROR_NOT_A_MESSAGE,
		             "message body is %s, not a JSON object", kind_of (root));
		return NULL;
	}
	obj = json_node_get_object (root);
	seq = json_object_get_member (obj, "seq");
	if (seq == NULL || !JSON_NODE_HOLDS_VALUE (seq)
	    || json_node_get_value_type (seq) != G_TYPE_INT64 || json_node_get_int (seq) < 0) {
		g_set_error_literal (error, DAP_CODEC_ERROR, DAP_CODEC_ERROR_NOT_A_MESSAGE,
		                     "message has no \"seq\" that is a non-negative integer");
		return NULL;
	}
	type = json_object_get_member (obj, "type");
	if (type == NULL || !JSON_NODE_HOLDS_VALUE (type)
	    || json_node_get_value_type (type) != G_TYPE_STRING) {
		g_set_error_literal (error, DAP_CODEC_ERROR, DAP_CODEC_ERROR_NOT_A_MESSAGE,
		                     "message has no \"type\" that is a string");
		return NULL;
	}
	return g_steal_pointer (&root);
}

static void
finish_frame (DapDecoder *self)
{
	Frame *f = g_new0 (Frame, 1);

	g_assert (self->state == DEC_BODY);
	g_assert ((gint64) self->body->len == self->content_length);
	f->message = parse_body (self->body->data, self->body->len, &f->error);
	g_assert ((f->message == NULL) != (f->error == NULL));
	g_queue_push_tail (&self->frames, f);

	g_clear_pointer (&self->body, g_byte_array_unref);
	self->state = DEC_HEADER;
	self->content_length = -1;
	self->n_lines = 0;
}

/* An HTTP token (RFC 9110 5.6.2), what a header name must be: so that a
 * body sent without a header ("{\"seq\":1}") is a framing error at once
 * and not a header named "{\"seq\"". */
static gboolean
is_token (const char *s, gsize len)
{
	for (gsize i = 0; i < len; i++)
		if (!g_ascii_isalnum (s[i]) && strchr ("!#$%&'*+-.^_`|~", s[i]) == NULL)
			return FALSE;
	return TRUE;
}

/* A header line is complete (its LF consumed, not stored). */
static gboolean
header_line_done (DapDecoder *self, GError **error)
{
	const char *s = self->line->str;
	gsize len = self->line->len;
	const char *colon;
	gsize name_len;

	if (len == 0 || s[len - 1] != '\r') {
		g_autofree char *q = quote_line (s, len);
		return decoder_fail (self, error, DAP_CODEC_ERROR_BAD_HEADER,
		                     "header line %s does not end with CR LF", q);
	}
	len--;
	if (len > DAP_MAX_HEADER_LINE)
		return decoder_fail (self, error, DAP_CODEC_ERROR_HEADER_TOO_LONG,
		                     "header line is longer than %u bytes", DAP_MAX_HEADER_LINE);

	if (len == 0) {
		/* The empty line: the body follows. */
		g_string_truncate (self->line, 0);
		if (self->content_length < 0)
			return decoder_fail (self, error, DAP_CODEC_ERROR_NO_CONTENT_LENGTH,
			                     "message header has no Content-Length");
		self->state = DEC_BODY;
		self->body = g_byte_array_sized_new ((guint) MIN ((guint64) self->content_length,
		                                                  BODY_INITIAL_RESERVE));
		if (self->content_length == 0)
			finish_frame (self);
		return TRUE;
	}

	if (++self->n_lines > DAP_MAX_HEADER_LINES)
		return decoder_fail (self, error, DAP_CODEC_ERROR_HEADER_TOO_LONG,
		                     "message header has more than %u lines", DAP_MAX_HEADER_LINES);
	colon = memchr (s, ':', len);
	if (colon == NULL || colon == s || !is_token (s, (gsize) (colon - s))) {
		g_autofree char *q = quote_line (s, len);
		return decoder_fail (self, error, DAP_CODEC_ERROR_BAD_HEADER,
		                     "header line %s is not \"Name: value\"", q);
	}
	name_len = (gsize) (colon - s);
	/* Header names are case-insensitive, as in HTTP; other headers (the
	 * spec reserves the form for future use, e.g. Content-Type) are
	 * skipped. */
	if (name_len == strlen ("Content-Length")
	    && g_ascii_strncasecmp (s, "Content-Length", name_len) == 0) {
		if (self->content_length >= 0)
			return decoder_fail (self, error, DAP_CODEC_ERROR_BAD_HEADER,
			                     "message header has two Content-Length lines");
		if (!parse_content_length (self, colon + 1, len - name_len - 1, error))
			return FALSE;
	}
	g_string_truncate (self->line, 0);
	return TRUE;
}

/**
 * dap_decoder_feed:
 * @data: (array length=len): the next bytes of the stream, in any chunking
 *
 * Consumes all of @data.  Every frame completed by it is queued for
 * dap_decoder_pop, whether its body is a message or a message error.
 *
 * Returns: TRUE; or FALSE with a framing error (DAP_CODEC_ERROR, a code
 * for which dap_codec_error_is_framing is TRUE).  The decoder then stays
 * failed: every later call returns the same error.  Frames completed before
 * the error can still be popped.
 */
gboolean
dap_decoder_feed (DapDecoder *self, const guint8 *data, gsize len, GError **error)
{
	gsize i = 0;

	g_return_val_if_fail (self != NULL, FALSE);
	g_return_val_if_fail (data != NULL || len == 0, FALSE);

	if (self->state == DEC_FAILED) {
		if (error)
			*error = g_error_copy (self->failure);
		return FALSE;
	}

	while (i < len) {
		if (self->state == DEC_HEADER) {
			const guint8 *lf = memchr (data + i, '\n', len - i);
			gsize take = lf ? (gsize) (lf - (data + i)) : len - i;

			/* +1: the CR, which the line keeps until it is complete. */
			if (self->line->len + take > DAP_MAX_HEADER_LINE + 1)
				return decoder_fail (self, error, DAP_CODEC_ERROR_HEADER_TOO_LONG,
				                     "header line is longer than %u bytes",
				                     DAP_MAX_HEADER_LINE);
			g_string_append_len (self->line, (const char *) data + i, (gssize) take);
			i += take;
			if (lf == NULL)
				break;
			i++;  /* the LF */
			if (!header_line_done (self, error))
				return FALSE;
		} else {
			gsize want = (gsize) self->content_length - self->body->len;
			gsize take = MIN (want, len - i);

			g_assert (self->state == DEC_BODY);
			g_byte_array_append (self->body, data + i, (guint) take);
			i += take;
			if ((gint64) self->body->len == self->content_length)
				finish_frame (self);
		}
	}
	return TRUE;
}

/**
 * dap_decoder_pop:
 *
 * Returns: (transfer full) (nullable): the oldest complete frame's message,
 * an object with an integer "seq" and a string "type".  NULL with @error set
 * when that frame's body was not a message (the frame is consumed all the
 * same); NULL without an error when no frame is complete.
 */
JsonNode *
dap_decoder_pop (DapDecoder *self, GError **error)
{
	Frame *f;
	JsonNode *message;

	g_return_val_if_fail (self != NULL, NULL);

	f = g_queue_pop_head (&self->frames);
	if (f == NULL)
		return NULL;
	message = g_steal_pointer (&f->message);
	if (f->error)
		g_propagate_error (error, g_steal_pointer (&f->error));
	frame_free (f);
	return message;
}

/* ---- encoding ----------------------------------------------------------- */

/**
 * dap_encode_message:
 * @message: a JSON object
 *
 * Returns: (transfer full): the header and the compact JSON body, ready to
 * be written in one piece.
 */
GBytes *
dap_encode_message (JsonNode *message)
{
	g_autofree char *body = NULL;
	GString *out;
	gsize len;

	g_return_val_if_fail (message != NULL && JSON_NODE_HOLDS_OBJECT (message), NULL);

	body = json_to_string (message, FALSE);
	len = strlen (body);
	out = g_string_sized_new (len + 32);
	g_string_printf (out, "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n", len);
	g_string_append_len (out, body, (gssize) len);
	return g_string_free_to_bytes (out);
}

/* ---- writer ------------------------------------------------------------- */

struct _DapWriter {
	GMutex         lock;     /* held for a whole frame, so frames never interleave */
	GOutputStream *stream;   /* owned reference */
	GError        *broken;   /* set by the first failed write, owned; under lock */
};

DapWriter *
dap_writer_new (GOutputStream *stream)
{
	DapWriter *self;

	g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), NULL);
	self = g_new0 (DapWriter, 1);
	g_mutex_init (&self->lock);
	self->stream = g_object_ref (stream);
	return self;
}

void
dap_writer_free (DapWriter *self)
{
	if (self == NULL)
		return;
	g_clear_object (&self->stream);
	g_clear_error (&self->broken);
	g_mutex_clear (&self->lock);
	g_free (self);
}

/**
 * dap_writer_write:
 * @message: a JSON object (its "seq" is the caller's business)
 *
 * Writes one frame and flushes, blocking until done; callable from any
 * thread, frames of concurrent callers never interleave.
 *
 * NOTE: on a pipe whose reader is gone, write(2) raises SIGPIPE; programs
 * that speak DAP over pipes (stdio) must ignore SIGPIPE.  GSocket streams
 * send with MSG_NOSIGNAL and get EPIPE as an error instead.
 *
 * Returns: TRUE; or FALSE with the stream's error.  After any failure the
 * writer is broken (the peer may hold half a frame) and every later call
 * fails with a copy of the first error.
 */
gboolean
dap_writer_write (DapWriter *self, JsonNode *message, GCancellable *cancellable, GError **error)
{
	g_autoptr (GBytes) bytes = NULL;
	gboolean ok;
	gsize size;
	const guint8 *data;

	g_return_val_if_fail (self != NULL, FALSE);
	g_return_val_if_fail (message != NULL && JSON_NODE_HOLDS_OBJECT (message), FALSE);

	bytes = dap_encode_message (message);
	data = g_bytes_get_data (bytes, &size);

	g_mutex_lock (&self->lock);
	if (self->broken) {
		if (error)
			*error = g_error_copy (self->broken);
		g_mutex_unlock (&self->lock);
		return FALSE;
	}
	ok = g_output_stream_write_all (self->stream, data, size, NULL, cancellable, &self->broken)
	     && g_output_stream_flush (self->stream, cancellable, &self->broken);
	if (!ok && error)
		*error = g_error_copy (self->broken);
	g_mutex_unlock (&self->lock);
	return ok;
}

/* ---- reader ------------------------------------------------------------- */

/* Bytes asked of each read: most messages arrive in one. */
#define READ_CHUNK  (64u * 1024u)

struct _DapReader {
	gint                 ref_count;    /* the owner's, plus one while a read is pending */
	GInputStream        *stream;       /* owned reference */
	DapDecoder          *decoder;      /* owned */
	GCancellable        *cancellable;  /* cancels the pending read on stop */
	guint8              *buffer;       /* READ_CHUNK bytes, target of the pending read */
	gboolean             started;      /* dap_reader_start was called */
	gboolean             finished;     /* stopped, or ended by itself: no more callbacks */
	DapReaderMessageFunc message_func;
	DapReaderClosedFunc  closed_func;
	gpointer             user_data;
};

/**
 * dap_reader_new:
 * @max_body: the cap on a body in bytes, 0 for DAP_DEFAULT_MAX_BODY
 *
 * Nothing is read before dap_reader_start.
 */
DapReader *
dap_reader_new (GInputStream *stream, gsize max_body, DapReaderMessageFunc message_func,
                DapReaderClosedFunc closed_func, gpointer user_data)
{
	DapReader *self;

	g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
	g_return_val_if_fail (message_func != NULL, NULL);

	self = g_new0 (DapReader, 1);
	self->ref_count = 1;
	self->stream = g_object_ref (stream);
	self->decoder = dap_decoder_new (max_body);
	self->cancellable = g_cancellable_new ();
	self->buffer = g_malloc (READ_CHUNK);
	self->message_func = message_func;
	self->closed_func = closed_func;
	self->user_data = user_data;
	return self;
}

static void
reader_unref (DapReader *self)
{
	g_assert (self->ref_count > 0);
	if (--self->ref_count > 0)
		return;
	g_clear_object (&self->stream);
	g_clear_object (&self->cancellable);
	dap_decoder_free (self->decoder);
	g_free (self->buffer);
	g_free (self);
}

static void read_cb (GObject *source, GAsyncResult *result, gpointer data);

static void
reader_issue_read (DapReader *self)
{
	self->ref_count++;  /* released by read_cb */
	g_input_stream_read_async (self->stream, self->buffer, READ_CHUNK, G_PRIORITY_DEFAULT,
	                           self->cancellable, read_cb, self);
}

/* Ends reading by itself and tells the owner, once. */
static void
reader_close (DapReader *self, const GError *error)
{
	g_assert (!self->finished);
	self->finished = TRUE;
	if (self->closed_func)
		self->closed_func (self, error, self->user_data);
}

static void
read_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	DapReader *self = data;  /* adopts the reference taken by reader_issue_read */
	g_autoptr (GError) error = NULL;
	g_autoptr (GError) framing = NULL;
	gssize n;
	gboolean ok;

	n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
	if (self->finished)
		goto out;
	if (n < 0) {
		reader_close (self, error);
		goto out;
	}
	if (n == 0) {
		g_autoptr (GError) truncated = NULL;

		if (!dap_decoder_at_boundary (self->decoder))
			truncated = g_error_new_literal (DAP_CODEC_ERROR, DAP_CODEC_ERROR_TRUNCATED,
			                                 "the stream ended in the middle of a message");
		reader_close (self, truncated);
		goto out;
	}

	ok = dap_decoder_feed (self->decoder, self->buffer, (gsize) n, &framing);
	/* Frames completed before a framing error are delivered first. */
	while (!self->finished) {
		g_autoptr (GError) bad = NULL;
		g_autoptr (JsonNode) message = dap_decoder_pop (self->decoder, &bad);

		if (message == NULL && bad == NULL)
			break;
		self->message_func (self, message, bad, self->user_data);
	}
	if (self->finished)
		goto out;
	if (!ok) {
		reader_close (self, framing);
		goto out;
	}
	reader_issue_read (self);
out:
	reader_unref (self);
}

/**
 * dap_reader_start:
 *
 * Starts reading on the calling thread's thread-default GMainContext; every
 * callback runs there.
 */
void
dap_reader_start (DapReader *self)
{
	g_return_if_fail (self != NULL);
	g_return_if_fail (!self->started);

	self->started = TRUE;
	reader_issue_read (self);
}

/**
 * dap_reader_stop:
 *
 * No callback runs after this returns.  The pending read is cancelled; its
 * completion still has to run on the context to release the buffer.
 * Idempotent, and callable from the callbacks.
 */
void
dap_reader_stop (DapReader *self)
{
	g_return_if_fail (self != NULL);
	self->finished = TRUE;
	g_cancellable_cancel (self->cancellable);
}

void
dap_reader_free (DapReader *self)
{
	if (self == NULL)
		return;
	dap_reader_stop (self);
	reader_unref (self);
}

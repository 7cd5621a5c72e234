/*
 * pg-message.c — decoding frontend messages and encoding backend ones
 * (the formats are drawn in pg-message.h).
 *
 * NOTE: counts on the wire are Int16; PostgreSQL reads them as signed and
 * refuses negatives, and so do we (a client sending 40000 parameters gets
 * an error, not a wrap-around).
 */
#define G_LOG_DOMAIN "oxibase-pgwire"

#include "pg-message.h"

#include <string.h>

G_DEFINE_QUARK (pg-wire-error-quark, pg_wire_error)

const char *
pg_wire_error_sqlstate (const GError *error)
{
	if (error != NULL && error->domain == PG_WIRE_ERROR && error->code == PG_WIRE_ERROR_UNSUPPORTED)
		return "0A000";
	return "08P01";
}

/* ---- reading ------------------------------------------------------------ */

void
pg_reader_init (PgReader *r, const guint8 *data, gsize len)
{
	r->data = data;
	r->len = len;
	r->pos = 0;
	r->bad = FALSE;
}

const guint8 *
pg_read_bytes (PgReader *r, gsize n)
{
	if (r->bad || n > r->len - r->pos) {
		r->bad = TRUE;
		return NULL;
	}
	const guint8 *p = r->data + r->pos;
	r->pos += n;
	return p;
}

guint8
pg_read_u8 (PgReader *r)
{
	const guint8 *p = pg_read_bytes (r, 1);
	return p ? p[0] : 0;
}

gint16
pg_read_i16 (PgReader *r)
{
	const guint8 *p = pg_read_bytes (r, 2);
	return p ? (gint16) (((guint16) p[0] << 8) | p[1]) : 0;
}

gint32
pg_read_i32 (PgReader *r)
{
	const guint8 *p = pg_read_bytes (r, 4);
	if (!p)
		return 0;
	return (gint32) (((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3]);
}

const char *
pg_read_str (PgReader *r)
{
	if (r->bad)
		return NULL;
	const guint8 *start = r->data + r->pos;
	const guint8 *nul = memchr (start, 0, r->len - r->pos);
	if (!nul) {
		r->bad = TRUE;
		return NULL;
	}
	r->pos += (gsize) (nul - start) + 1;
	return (const char *) start;
}

gboolean
pg_reader_done (const PgReader *r)
{
	return !r->bad && r->pos == r->len;
}

/* ---- startup ------------------------------------------------------------- */

gboolean
pg_startup_check_length (guint32 length, GError **error)
{
	if (length < 8 || length > PG_MAX_STARTUP_PACKET) {
		g_set_error (error, PG_WIRE_ERROR, PG_WIRE_ERROR_PROTOCOL, "invalid length of startup packet");
		return FALSE;
	}
	return TRUE;
}

gboolean
pg_startup_parse (const guint8 *body, gsize len, PgStartup *out, GError **error)
{
	PgReader r;

	memset (out, 0, sizeof *out);
	pg_reader_init (&r, body, len);
	out->version = (guint32) pg_read_i32 (&r);
	if (r.bad)
		goto malformed;

	switch (out->version) {
	case PG_SSL_REQUEST:
	case PG_GSSENC_REQUEST:
		out->kind = out->version == PG_SSL_REQUEST ? PG_STARTUP_SSL : PG_STARTUP_GSSENC;
		if (!pg_reader_done (&r))
			goto malformed;
		return TRUE;
	case PG_CANCEL_REQUEST:
		out->kind = PG_STARTUP_CANCEL;
		out->cancel_pid = pg_read_i32 (&r);
		out->cancel_secret = pg_read_i32 (&r);
		if (!pg_reader_done (&r))
			goto malformed;
		return TRUE;
	default:
		break;
	}

	if (out->version >> 16 != 3) {
		g_set_error (error, PG_WIRE_ERROR, PG_WIRE_ERROR_UNSUPPORTED,
		             "unsupported frontend protocol %u.%u: server supports 3.0 to 3.0",
		             out->version >> 16, out->version & 0xffff);
		return FALSE;
	}
	out->kind = PG_STARTUP_NORMAL;
	out->params = g_ptr_array_new_with_free_func (g_free);
	for (;;) {
		const char *name = pg_read_str (&r);
		if (!name)
			goto malformed;
		if (!*name)
			break;  /* the terminating empty name */
		const char *value = pg_read_str (&r);
		if (!value)
			goto malformed;
		g_ptr_array_add (out->params, g_strdup (name));
		g_ptr_array_add (out->params, g_strdup (value));
	}
	if (!pg_reader_done (&r))
		goto malformed;
	if (!pg_startup_param (out, "user") || !*pg_startup_param (out, "user")) {
		g_set_error (error, PG_WIRE_ERROR, PG_WIRE_ERROR_PROTOCOL,
		             "no PostgreSQL user name specified in startup packet");
		pg_startup_clear (out);
		return FALSE;
	}
	return TRUE;

malformed:
	pg_startup_clear (out);
	g_set_error (error, PG_WIRE_ERROR, PG_WIRE_ERROR_PROTOCOL, "invalid startup packet layout");
	return FALSE;
}

void
pg_startup_clear (PgStartup *s)
{
	g_clear_pointer (&s->params, g_ptr_array_unref);
}

const char *
pg_startup_param (const PgStartup *s, const char *name)
{
	if (!s->params)
		return NULL;
	for (guint i = 0; i + 1 < s->params->len; i += 2)
		if (!strcmp (g_ptr_array_index (s->params, i), name))
			return g_ptr_array_index (s->params, i + 1);
	return NULL;
}

/* ---- frontend messages --------------------------------------------------- */

gboolean
pg_message_check_header (guint8 type, guint32 length, GError **error)
{
	guint32 limit;

	switch (type) {
	case 'Q': case 'P': case 'B': case 'F': case 'd': case 'p':
		limit = PG_MAX_MESSAGE;
		break;
	case 'D': case 'E': case 'C': case 'S': case 'H': case 'X': case 'c': case 'f':
		limit = PG_MAX_SMALL_MESSAGE;
		break;
	default:
		g_set_error (error, PG_WIRE_ERROR, PG_WIRE_ERROR_PROTOCOL,
		             "invalid frontend message type %d", type);
		return FALSE;
	}
	if (length < 4 || length > limit) {
		g_set_error (error, PG_WIRE_ERROR, PG_WIRE_ERROR_PROTOCOL,
		             "invalid message length %u for message type \"%c\"", length, type);
		return FALSE;
	}
	return TRUE;
}

static gboolean
read_formats (PgReader *r, guint16 *n_out, gint16 **out)
{
	gint16 n = pg_read_i16 (r);
	if (r->bad || n < 0 || (gsize) n * 2 > r->len - r->pos)
		return FALSE;
	*n_out = (guint16) n;
	*out = g_new0 (gint16, n + 1);
	for (gint16 i = 0; i < n; i++) {
		(*out)[i] = pg_read_i16 (r);
		if ((*out)[i] != 0 && (*out)[i] != 1)
			return FALSE;
	}
	return TRUE;
}

gboolean
pg_message_decode (guint8 type, const guint8 *body, gsize len, PgMessage *out, GError **error)
{
	PgReader r;

	memset (out, 0, sizeof *out);
	out->type = type;
	pg_reader_init (&r, body, len);

	switch (type) {
	case 'Q':
		out->sql = pg_read_str (&r);
		break;
	case 'P': {
		out->name = pg_read_str (&r);
		out->sql = pg_read_str (&r);
		gint16 n = pg_read_i16 (&r);
		if (r.bad || n < 0 || (gsize) n * 4 > r.len - r.pos)
			goto malformed;
		out->n_param_types = (guint16) n;
		out->param_types = g_new0 (guint32, n + 1);
		for (gint16 i = 0; i < n; i++)
			out->param_types[i] = (guint32) pg_read_i32 (&r);
		break;
	}
	case 'B': {
		out->name = pg_read_str (&r);
		out->name2 = pg_read_str (&r);
		if (!read_formats (&r, &out->n_param_formats, &out->param_formats))
			goto malformed;
		gint16 n = pg_read_i16 (&r);
		if (r.bad || n < 0 || (gsize) n * 4 > r.len - r.pos)
			goto malformed;
		out->n_params = (guint16) n;
		out->params = g_new0 (PgValue, n + 1);
		for (gint16 i = 0; i < n; i++) {
			gint32 l = pg_read_i32 (&r);
			if (l < -1)
				goto malformed;
			out->params[i].len = l;
			if (l >= 0) {
				out->params[i].data = pg_read_bytes (&r, (gsize) l);
				if (!out->params[i].data)
					goto malformed;
			}
		}
		if (out->n_param_formats > 1 && out->n_param_formats != out->n_params) {
			g_set_error (error, PG_WIRE_ERROR, PG_WIRE_ERROR_PROTOCOL,
			             "bind message has %u parameter formats but %u parameters",
			             out->n_param_formats, out->n_params);
			pg_message_clear (out);
			return FALSE;
		}
		if (!read_formats (&r, &out->n_result_formats, &out->result_formats))
			goto malformed;
		break;
	}
	case 'D':
	case 'C':
		out->what = pg_read_u8 (&r);
		out->name = pg_read_str (&r);
		if (!r.bad && out->what != 'S' && out->what != 'P') {
			g_set_error (error, PG_WIRE_ERROR, PG_WIRE_ERROR_PROTOCOL,
			             "invalid %s message subtype %d", type == 'D' ? "DESCRIBE" : "CLOSE", out->what);
			pg_message_clear (out);
			return FALSE;
		}
		break;
	case 'E':
		out->name = pg_read_str (&r);
		out->max_rows = pg_read_i32 (&r);
		if (out->max_rows < 0)
			out->max_rows = 0;  /* PostgreSQL treats a negative count as "all" */
		break;
	case 'S': case 'H': case 'X': case 'c':
		break;
	default:
		/* 'F', 'd', 'f', 'p': their bodies are not looked at here */
		r.pos = r.len;
		break;
	}
	if (!pg_reader_done (&r))
		goto malformed;
	return TRUE;

malformed:
	pg_message_clear (out);
	g_set_error (error, PG_WIRE_ERROR, PG_WIRE_ERROR_PROTOCOL, "invalid message format");
	return FALSE;
}

void
pg_message_clear (PgMessage *m)
{
	g_clear_pointer (&m->param_types, g_free);
	g_clear_pointer (&m->param_formats, g_free);
	g_clear_pointer (&m->params, g_free);
	g_clear_pointer (&m->result_formats, g_free);
}

gint16
pg_format_for (const gint16 *codes, guint16 n, guint i)
{
	if (n == 0)
		return 0;
	if (n == 1)
		return codes[0];
	return i < n ? codes[i] : 0;
}

/* ---- backend messages ---------------------------------------------------- */

void
pg_put_u8 (GByteArray *out, guint8 v)
{
	g_byte_array_append (out, &v, 1);
}

void
pg_put_i16 (GByteArray *out, gint16 v)
{
	guint8 b[2] = { (guint8) ((guint16) v >> 8), (guint8) v };
	g_byte_array_append (out, b, 2);
}

void
pg_put_i32 (GByteArray *out, gint32 v)
{
	guint32 u = (guint32) v;
	guint8 b[4] = { (guint8) (u >> 24), (guint8) (u >> 16), (guint8) (u >> 8), (guint8) u };
	g_byte_array_append (out, b, 4);
}

void
pg_put_i64 (GByteArray *out, gint64 v)
{
	pg_put_i32 (out, (gint32) ((guint64) v >> 32));
	pg_put_i32 (out, (gint32) (guint32) v);
}

void
pg_put_str (GByteArray *out, const char *s)
{
	g_byte_array_append (out, (const guint8 *) s, (guint) strlen (s) + 1);
}

void
pg_put_bytes (GByteArray *out, const void *p, gsize n)
{
	g_byte_array_append (out, p, (guint) n);
}

gsize
pg_msg_begin (GByteArray *out, guint8 type)
{
	pg_put_u8 (out, type);
	gsize start = out->len;
	pg_put_i32 (out, 0);
	return start;
}

void
pg_msg_end (GByteArray *out, gsize start)
{
	guint32 len = (guint32) (out->len - start);
	out->data[start] = (guint8) (len >> 24);
	out->data[start + 1] = (guint8) (len >> 16);
	out->data[start + 2] = (guint8) (len >> 8);
	out->data[start + 3] = (guint8) len;
}

static void
put_field (GByteArray *out, char code, const char *v)
{
	if (v == NULL || !*v)
		return;
	pg_put_u8 (out, (guint8) code);
	pg_put_str (out, v);
}

void
pg_put_error (GByteArray *out, guint8 type, const PgErrorFields *f)
{
	gsize m = pg_msg_begin (out, type);
	put_field (out, 'S', f->severity);
	put_field (out, 'V', f->severity);
	put_field (out, 'C', f->sqlstate && *f->sqlstate ? f->sqlstate : "XX000");
	pg_put_u8 (out, 'M');  /* always present, even when empty */
	pg_put_str (out, f->message ? f->message : "");
	put_field (out, 'D', f->detail);
	put_field (out, 'H', f->hint);
	if (f->position > 0) {
		char pos[16];
		g_snprintf (pos, sizeof pos, "%d", f->position);
		put_field (out, 'P', pos);
	}
	put_field (out, 'W', f->context);
	pg_put_u8 (out, 0);
	pg_msg_end (out, m);
}

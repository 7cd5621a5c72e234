/*
 * fuzz-pgwire.c — libFuzzer target for the PostgreSQL protocol decoder
 * (server/pgwire/pg-message.c): the startup packet and every frontend
 * message after it.
 *
 * Each input is what a client sends: a startup packet (length word
 * first), then typed messages, exactly as pg-backend.c reads them.  What
 * must never happen: a crash or a read past the input (ASan), a decoded
 * string or parameter value that lies outside its message body, counts
 * that disagree with the arrays, an error outside PG_WIRE_ERROR, or a
 * startup packet accepted without a user.
 *
 * NOTE: built only with -Dfuzz=true under clang (tests/fuzz/meson.build);
 * pg-message.c is compiled into the target for coverage.  Crashers
 * belong in tests/server/test-pgwire-raw.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg-message.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check (gboolean ok, const char *what)
{
	if (!ok) {
		fprintf (stderr, "fuzz-pgwire: %s\n", what);
		abort ();
	}
}

static guint32
be32 (const uint8_t *p)
{
	return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static void
check_inside (const void *p, const uint8_t *body, size_t len, const char *what)
{
	if (p == NULL)
		return;
	const uint8_t *q = p;
	check (q >= body && q <= body + len, what);
}

static void
check_str (const char *s, const uint8_t *body, size_t len, const char *what)
{
	if (s == NULL)
		return;
	check_inside (s, body, len, what);
	check (memchr (s, 0, (size_t) (body + len - (const uint8_t *) s)) != NULL, what);
}

static void
check_error (GError **error)
{
	check (*error != NULL && (*error)->domain == PG_WIRE_ERROR, "failure without a PG_WIRE_ERROR");
	const char *st = pg_wire_error_sqlstate (*error);
	check (!strcmp (st, "08P01") || !strcmp (st, "0A000"), "unexpected SQLSTATE");
	g_clear_error (error);
}

/* Decode one message and check what came out; also encode an error
 * response from its strings, as the backend would echo them. */
static void
one_message (guint8 type, const uint8_t *body, size_t len)
{
	PgMessage m;
	GError *error = NULL;
	if (!pg_message_decode (type, body, len, &m, &error)) {
		check_error (&error);
		return;
	}
	check (m.type == type, "type changed");
	check_str (m.name, body, len, "name outside the body");
	check_str (m.name2, body, len, "name2 outside the body");
	check_str (m.sql, body, len, "sql outside the body");
	for (guint i = 0; i < m.n_params; i++) {
		if (m.params[i].len < 0) {
			check (m.params[i].data == NULL, "NULL parameter with data");
			continue;
		}
		check_inside (m.params[i].data, body, len, "parameter outside the body");
		check ((const uint8_t *) m.params[i].data + m.params[i].len <= body + len, "parameter past the body");
		gint16 f = pg_format_for (m.param_formats, m.n_param_formats, i);
		check (f == 0 || f == 1, "bad parameter format");
	}
	check (m.n_param_formats <= 1 || m.n_param_formats == m.n_params, "format count accepted");
	for (guint i = 0; i < m.n_result_formats; i++)
		check (m.result_formats[i] == 0 || m.result_formats[i] == 1, "bad result format");
	if (type == 'D' || type == 'C')
		check (m.what == 'S' || m.what == 'P', "bad describe/close target");
	check (m.max_rows >= 0, "negative max_rows");

	GByteArray *out = g_byte_array_new ();
	PgErrorFields f = { "ERROR", "08P01", m.sql, m.name, m.name2, 1, NULL };
	pg_put_error (out, 'E', &f);
	check (out->len >= 5 && be32 (out->data + 1) == out->len - 1, "error response length");
	g_byte_array_unref (out);
	pg_message_clear (&m);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	GError *error = NULL;
	size_t off = 0;

	if (size < 4)
		return 0;
	guint32 slen = be32 (data);
	if (!pg_startup_check_length (slen, &error)) {
		check_error (&error);
		return 0;
	}
	if (slen > size)
		return 0;
	PgStartup su;
	if (!pg_startup_parse (data + 4, slen - 4, &su, &error)) {
		check_error (&error);
	} else {
		if (su.kind == PG_STARTUP_NORMAL) {
			check (su.params != NULL && su.params->len % 2 == 0, "odd parameter list");
			const char *user = pg_startup_param (&su, "user");
			check (user != NULL && *user, "startup without a user accepted");
		}
		pg_startup_clear (&su);
	}
	off = slen;

	while (size - off >= 5) {
		guint8 type = data[off];
		guint32 len = be32 (data + off + 1);
		if (!pg_message_check_header (type, len, &error)) {
			check_error (&error);
			return 0;  /* the backend closes here */
		}
		check (len >= 4 && len <= PG_MAX_MESSAGE, "header check let a bad length through");
		if (len - 4 > size - off - 5)
			return 0;  /* the rest never arrived */
		one_message (type, data + off + 5, len - 4);
		off += 5 + (len - 4);
	}
	return 0;
}

/*
 * test-pgwire-raw.c — oxibase-server fed bytes by hand: what libpq never
 * sends (malformed, oversized, out-of-order messages, unknown protocol
 * versions, a client that vanishes mid-query) and the message flows
 * libpq does not expose (Execute with a row limit, error recovery up to
 * Sync).  The server must answer as PostgreSQL does and never crash: each
 * test ends by checking that a fresh client is still served.
 *
 * Messages are built here with their own few helpers, not with the
 * server's encoder, so a bug there cannot hide behind itself.
 */
#include <libpq-fe.h>
#include <string.h>

#include "server-test-util.h"

static TestServer server;

/* ---- bytes -------------------------------------------------------------- */

static void
put32 (GByteArray *b, guint32 v)
{
	guint8 x[4] = { v >> 24, v >> 16, v >> 8, v };
	g_byte_array_append (b, x, 4);
}

static void
put16 (GByteArray *b, guint16 v)
{
	guint8 x[2] = { v >> 8, v };
	g_byte_array_append (b, x, 2);
}

static void
putstr (GByteArray *b, const char *s)
{
	g_byte_array_append (b, (const guint8 *) s, strlen (s) + 1);
}

/* A message: type, then body built by the caller between begin and end. */
static guint
msg_begin (GByteArray *b, char type)
{
	g_byte_array_append (b, (const guint8 *) &type, 1);
	guint at = b->len;
	put32 (b, 0);
	return at;
}

static void
msg_end (GByteArray *b, guint at)
{
	guint32 len = b->len - at;
	b->data[at] = len >> 24;
	b->data[at + 1] = len >> 16;
	b->data[at + 2] = len >> 8;
	b->data[at + 3] = len;
}

/* ---- a raw connection --------------------------------------------------- */

typedef struct {
	GSocketConnection *conn;
	GInputStream *in;
	GOutputStream *out;
} Raw;

static void
raw_open (Raw *r)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GSocketClient) client = g_socket_client_new ();
	r->conn = g_socket_client_connect_to_host (client, "127.0.0.1", server.port, NULL, &error);
	g_assert_no_error (error);
	/* every read has a deadline: a server that never answers fails the test */
	g_socket_set_timeout (g_socket_connection_get_socket (r->conn), 10);
	r->in = g_io_stream_get_input_stream (G_IO_STREAM (r->conn));
	r->out = g_io_stream_get_output_stream (G_IO_STREAM (r->conn));
}

static void
raw_close (Raw *r)
{
	g_io_stream_close (G_IO_STREAM (r->conn), NULL, NULL);
	g_clear_object (&r->conn);
}

static void
raw_send (Raw *r, GByteArray *b)
{
	g_autoptr (GError) error = NULL;
	g_output_stream_write_all (r->out, b->data, b->len, NULL, NULL, &error);
	g_assert_no_error (error);
	g_byte_array_set_size (b, 0);
}

/* The next message: its type, or 0 at end of stream; *body (may be NULL)
 * gets the body. */
static char
raw_read (Raw *r, GByteArray **body)
{
	guint8 hdr[5];
	gsize got = 0;
	g_autoptr (GError) error = NULL;
	if (!g_input_stream_read_all (r->in, hdr, 5, &got, NULL, &error) || got < 5) {
		g_assert_true (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED)
		               || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE));
		return 0;
	}
	guint32 len = (guint32) hdr[1] << 24 | hdr[2] << 16 | hdr[3] << 8 | hdr[4];
	g_assert_cmpuint (len, >=, 4);
	g_assert_cmpuint (len, <, 1 << 24);
	GByteArray *b = g_byte_array_sized_new (len);
	g_byte_array_set_size (b, len - 4);
	g_input_stream_read_all (r->in, b->data, len - 4, &got, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (got, ==, len - 4);
	if (body)
		*body = b;
	else
		g_byte_array_unref (b);
	return (char) hdr[0];
}

/* The value of field code in an ErrorResponse body. */
static const char *
error_field (GByteArray *body, char code)
{
	for (guint i = 0; i < body->len && body->data[i]; ) {
		const char *v = (const char *) body->data + i + 1;
		if (body->data[i] == (guint8) code)
			return v;
		i += 1 + strlen (v) + 1;
	}
	return NULL;
}

/* Read up to and including an ErrorResponse and check its SQLSTATE. */
static void
expect_error (Raw *r, const char *sqlstate)
{
	for (;;) {
		GByteArray *body = NULL;
		char t = raw_read (r, &body);
		g_assert_cmpint (t, !=, 0);
		if (t == 'E') {
			g_assert_cmpstr (error_field (body, 'C'), ==, sqlstate);
			g_byte_array_unref (body);
			return;
		}
		g_byte_array_unref (body);
	}
}

static void
expect (Raw *r, char type)
{
	GByteArray *body = NULL;
	char t = raw_read (r, &body);
	if (t == 'E')
		g_error ("expected '%c', got an error: %s", type, error_field (body, 'M'));
	g_assert_cmpint (t, ==, type);
	g_byte_array_unref (body);
}

static void
expect_closed (Raw *r)
{
	g_assert_cmpint (raw_read (r, NULL), ==, 0);
}

static void
send_startup (Raw *r, guint32 version, const char *user, const char *db)
{
	g_autoptr (GByteArray) b = g_byte_array_new ();
	put32 (b, 0);
	put32 (b, version);
	putstr (b, "user");
	putstr (b, user);
	putstr (b, "database");
	putstr (b, db);
	putstr (b, "");
	guint32 len = b->len;
	b->data[0] = len >> 24;
	b->data[1] = len >> 16;
	b->data[2] = len >> 8;
	b->data[3] = len;
	raw_send (r, b);
}

/* Connect and read up to the first ReadyForQuery. */
static void
raw_start (Raw *r)
{
	raw_open (r);
	send_startup (r, 196608, "tester", "oxibase");
	expect (r, 'R');
	char t;
	while ((t = raw_read (r, NULL)) != 'Z') {
		g_assert_true (t == 'S' || t == 'K');
	}
}

/* The server still serves a fresh libpq client. */
static void
assert_alive (void)
{
	g_autofree char *ci = g_strdup_printf ("host=127.0.0.1 port=%u user=tester dbname=oxibase connect_timeout=10",
	                                       server.port);
	PGconn *c = PQconnectdb (ci);
	g_assert_cmpint (PQstatus (c), ==, CONNECTION_OK);
	PGresult *res = PQexec (c, "SELECT 7");
	g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
	g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, "7");
	PQclear (res);
	PQfinish (c);
}

/* ---- tests --------------------------------------------------------------- */

static void
test_ssl_request (void)
{
	Raw r;
	raw_open (&r);
	g_autoptr (GByteArray) b = g_byte_array_new ();
	for (int i = 0; i < 2; i++) {
		/* SSLRequest, then GSSENCRequest: each refused with 'N' */
		put32 (b, 8);
		put32 (b, i == 0 ? 80877103 : 80877104);
		raw_send (&r, b);
		guint8 answer = 0;
		gsize got = 0;
		g_input_stream_read_all (r.in, &answer, 1, &got, NULL, NULL);
		g_assert_cmpuint (got, ==, 1);
		g_assert_cmpint (answer, ==, 'N');
	}
	send_startup (&r, 196608, "tester", "oxibase");
	expect (&r, 'R');
	while (raw_read (&r, NULL) != 'Z')
		;
	raw_close (&r);
	assert_alive ();
}

static void
test_bad_startup (void)
{
	Raw r;
	/* protocol 2.0 */
	raw_open (&r);
	send_startup (&r, 2 << 16, "raw", "oxibase");
	expect_error (&r, "0A000");
	expect_closed (&r);
	raw_close (&r);

	/* a startup packet over 10000 bytes */
	raw_open (&r);
	g_autoptr (GByteArray) b = g_byte_array_new ();
	put32 (b, 20000);
	put32 (b, 196608);
	raw_send (&r, b);
	expect_error (&r, "08P01");
	expect_closed (&r);
	raw_close (&r);

	/* a parameter name without a value, and no final NUL */
	raw_open (&r);
	put32 (b, 4 + 4 + 5);
	put32 (b, 196608);
	putstr (b, "user");
	raw_send (&r, b);
	expect_error (&r, "08P01");
	expect_closed (&r);
	raw_close (&r);

	/* a length under 8 */
	raw_open (&r);
	put32 (b, 3);
	raw_send (&r, b);
	expect_error (&r, "08P01");
	expect_closed (&r);
	raw_close (&r);

	/* a database that does not exist */
	raw_open (&r);
	send_startup (&r, 196608, "tester", "elsewhere");
	expect_error (&r, "3D000");
	expect_closed (&r);
	raw_close (&r);
	assert_alive ();
}

static void
test_bad_messages (void)
{
	Raw r;
	g_autoptr (GByteArray) b = g_byte_array_new ();

	/* a Query announcing 2 GB */
	raw_start (&r);
	g_byte_array_append (b, (const guint8 *) "Q", 1);
	put32 (b, 0x80000000u);
	raw_send (&r, b);
	expect_error (&r, "08P01");
	expect_closed (&r);
	raw_close (&r);

	/* a Sync of 20000 bytes (always-small types are capped at 10000) */
	raw_start (&r);
	g_byte_array_append (b, (const guint8 *) "S", 1);
	put32 (b, 20000);
	raw_send (&r, b);
	expect_error (&r, "08P01");
	expect_closed (&r);
	raw_close (&r);

	/* an unknown message type */
	raw_start (&r);
	guint m = msg_begin (b, '!');
	msg_end (b, m);
	raw_send (&r, b);
	expect_error (&r, "08P01");
	expect_closed (&r);
	raw_close (&r);

	/* a Bind claiming 100 parameters it does not carry */
	raw_start (&r);
	m = msg_begin (b, 'B');
	putstr (b, "");
	putstr (b, "");
	put16 (b, 0);
	put16 (b, 100);
	msg_end (b, m);
	raw_send (&r, b);
	expect_error (&r, "08P01");
	expect_closed (&r);
	raw_close (&r);

	/* a Query whose text is not NUL-terminated */
	raw_start (&r);
	m = msg_begin (b, 'Q');
	g_byte_array_append (b, (const guint8 *) "SELECT 1", 8);
	msg_end (b, m);
	raw_send (&r, b);
	expect_error (&r, "08P01");
	expect_closed (&r);
	raw_close (&r);

	/* a password message after authentication */
	raw_start (&r);
	m = msg_begin (b, 'p');
	putstr (b, "secret");
	msg_end (b, m);
	raw_send (&r, b);
	expect_error (&r, "08P01");
	expect_closed (&r);
	raw_close (&r);
	assert_alive ();
}

static void
test_wrong_order (void)
{
	Raw r;
	g_autoptr (GByteArray) b = g_byte_array_new ();
	raw_start (&r);

	/* Execute of a portal nobody bound: an error, then everything up to
	 * Sync is skipped (the Parse below must not answer ParseComplete) */
	guint m = msg_begin (b, 'E');
	putstr (b, "");
	put32 (b, 0);
	msg_end (b, m);
	m = msg_begin (b, 'P');
	putstr (b, "");
	putstr (b, "SELECT 1");
	put16 (b, 0);
	msg_end (b, m);
	m = msg_begin (b, 'S');
	msg_end (b, m);
	raw_send (&r, b);
	expect_error (&r, "34000");
	expect (&r, 'Z');

	/* Bind to a statement that does not exist */
	m = msg_begin (b, 'B');
	putstr (b, "");
	putstr (b, "nope");
	put16 (b, 0);
	put16 (b, 0);
	put16 (b, 0);
	msg_end (b, m);
	m = msg_begin (b, 'S');
	msg_end (b, m);
	raw_send (&r, b);
	expect_error (&r, "26000");
	expect (&r, 'Z');

	/* Describe of a portal that does not exist */
	m = msg_begin (b, 'D');
	g_byte_array_append (b, (const guint8 *) "P", 1);
	putstr (b, "nope");
	msg_end (b, m);
	m = msg_begin (b, 'S');
	msg_end (b, m);
	raw_send (&r, b);
	expect_error (&r, "34000");
	expect (&r, 'Z');

	/* the connection still works */
	m = msg_begin (b, 'Q');
	putstr (b, "SELECT 1");
	msg_end (b, m);
	raw_send (&r, b);
	expect (&r, 'T');
	expect (&r, 'D');
	expect (&r, 'C');
	expect (&r, 'Z');
	raw_close (&r);
	assert_alive ();
}

static void
test_portal_suspended (void)
{
	Raw r;
	g_autoptr (GByteArray) b = g_byte_array_new ();
	raw_start (&r);
	guint m = msg_begin (b, 'Q');
	putstr (b, "CREATE TABLE susp_t (i int); INSERT INTO susp_t VALUES (1), (2), (3)");
	msg_end (b, m);
	raw_send (&r, b);
	expect (&r, 'C');
	expect (&r, 'C');
	expect (&r, 'Z');

	m = msg_begin (b, 'P');
	putstr (b, "s1");
	putstr (b, "SELECT i FROM susp_t ORDER BY i");
	put16 (b, 0);
	msg_end (b, m);
	m = msg_begin (b, 'B');
	putstr (b, "p1");
	putstr (b, "s1");
	put16 (b, 0);
	put16 (b, 0);
	put16 (b, 0);
	msg_end (b, m);
	m = msg_begin (b, 'D');
	g_byte_array_append (b, (const guint8 *) "P", 1);
	putstr (b, "p1");
	msg_end (b, m);
	for (int i = 0; i < 2; i++) {
		m = msg_begin (b, 'E');
		putstr (b, "p1");
		put32 (b, 2);
		msg_end (b, m);
	}
	m = msg_begin (b, 'C');
	g_byte_array_append (b, (const guint8 *) "P", 1);
	putstr (b, "p1");
	msg_end (b, m);
	m = msg_begin (b, 'S');
	msg_end (b, m);
	raw_send (&r, b);
	expect (&r, '1');  /* ParseComplete */
	expect (&r, '2');  /* BindComplete */
	expect (&r, 'T');  /* RowDescription */
	expect (&r, 'D');
	expect (&r, 'D');
	expect (&r, 's');  /* PortalSuspended */
	expect (&r, 'D');
	expect (&r, 'C');
	expect (&r, '3');  /* CloseComplete */
	expect (&r, 'Z');

	/* an empty query through the extended protocol */
	m = msg_begin (b, 'P');
	putstr (b, "");
	putstr (b, "  ");
	put16 (b, 0);
	msg_end (b, m);
	m = msg_begin (b, 'B');
	putstr (b, "");
	putstr (b, "");
	put16 (b, 0);
	put16 (b, 0);
	put16 (b, 0);
	msg_end (b, m);
	m = msg_begin (b, 'E');
	putstr (b, "");
	put32 (b, 0);
	msg_end (b, m);
	m = msg_begin (b, 'S');
	msg_end (b, m);
	raw_send (&r, b);
	expect (&r, '1');
	expect (&r, '2');
	expect (&r, 'I');  /* EmptyQueryResponse */
	expect (&r, 'Z');

	/* Terminate: the server closes */
	m = msg_begin (b, 'X');
	msg_end (b, m);
	raw_send (&r, b);
	expect_closed (&r);
	raw_close (&r);
}

static void
test_vanishing_client (void)
{
	Raw r;
	g_autoptr (GByteArray) b = g_byte_array_new ();
	raw_start (&r);
	guint m = msg_begin (b, 'Q');
	putstr (b, "CREATE TABLE van_n (i int); "
	           "INSERT INTO van_n VALUES (1),(2),(3),(4),(5),(6),(7),(8),(9),(10); "
	           "CREATE TABLE van_big AS SELECT a.i + 10*b.i + 100*c.i AS i FROM van_n a, van_n b, van_n c");
	msg_end (b, m);
	raw_send (&r, b);
	while (raw_read (&r, NULL) != 'Z')
		;
	/* a long query (~30 s), then the client is gone */
	m = msg_begin (b, 'Q');
	putstr (b, "SELECT count(*) FROM van_big a, van_big b, van_big c WHERE a.i + b.i + c.i < 0");
	msg_end (b, m);
	raw_send (&r, b);
	raw_close (&r);
	/* others are served meanwhile; the shutdown at the end of the
	 * program must cancel the orphaned query and still exit 0 */
	assert_alive ();

	/* a client that vanishes half-way through a message */
	raw_start (&r);
	g_byte_array_append (b, (const guint8 *) "Q", 1);
	put32 (b, 1000);
	g_byte_array_append (b, (const guint8 *) "SELECT", 6);
	raw_send (&r, b);
	raw_close (&r);
	assert_alive ();
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	const char *args[] = { "--shutdown-grace-ms", "300", NULL };
	test_server_start (&server, args);
	g_test_add_func ("/server/pgwire/raw/ssl-request", test_ssl_request);
	g_test_add_func ("/server/pgwire/raw/bad-startup", test_bad_startup);
	g_test_add_func ("/server/pgwire/raw/bad-messages", test_bad_messages);
	g_test_add_func ("/server/pgwire/raw/wrong-order", test_wrong_order);
	g_test_add_func ("/server/pgwire/raw/portal-suspended", test_portal_suspended);
	g_test_add_func ("/server/pgwire/raw/vanishing-client", test_vanishing_client);
	int rc = g_test_run ();
	test_server_stop (&server);
	return rc;
}

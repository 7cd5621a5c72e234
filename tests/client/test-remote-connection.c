/*
 * test-remote-connection.c — OxRemoteConnection against a real
 * oxibase-server started by the test (remote-test-server.h): login with
 * the right and a wrong password and to a port nobody listens on; a
 * script's batches equal the embedded connection's for the same script
 * (columns, types, cells, NULLs, tags, row counts, notices, error SQLSTATE
 * and position, statement spans); 100 000 rows arrive in bounded batches;
 * a cancel stops a long statement with 57014 (GCancellable and
 * ox_connection_cancel); the catalog models list a table and follow
 * CREATE TABLE; a revoked token gives an error that says to reconnect;
 * a DAP channel over the WebSocket initializes and attaches.
 *
 * Every wait iterates the default main context with a deadline.
 */
#include "ox-catalog-reader.h"
#include "ox-embedded-connection.h"
#include "connection-test-util.h"
#include "ox-remote-connection.h"

#include "remote-test-server.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdlib.h>
#include <string.h>

static RemoteServer server;

static gboolean
bool_set (gpointer data)
{
	return *(gboolean *) data;
}

static OxConnection *
connect_remote (void)
{
	g_autoptr (GError) error = NULL;
	OxRemoteConnection *c = ox_remote_connection_connect (server.url, REMOTE_TEST_USER, REMOTE_TEST_PASSWORD, &error);
	g_assert_no_error (error);
	g_assert_nonnull (c);
	return OX_CONNECTION (c);
}

/* ---- a run's record ---------------------------------------------------------- */

/* The batches as text, with the rows of a result set merged (how rows
 * are cut into batches depends on the network, not on the script). */
static char *
describe (Run *r)
{
	GString *s = g_string_new (NULL);
	for (guint i = 0; i < r->batches->len; i++) {
		OxBatch *b = r->batches->pdata[i];
		for (guint n = 0; n < b->notices->len; n++) {
			OxNotice *no = b->notices->pdata[n];
			g_string_append_printf (s, "notice %s %s %s\n", no->severity, no->sqlstate, no->message);
		}
		/* The one known difference: the server drops the result of a
		 * statement that fails before its first chunk went out, columns
		 * and all (docs/server.md), so the embedded connection's COLUMNS
		 * right before an ERROR of the same statement has no twin. */
		OxBatch *next = i + 1 < r->batches->len ? r->batches->pdata[i + 1] : NULL;
		if (b->kind == OX_BATCH_COLUMNS && next && next->kind == OX_BATCH_ERROR && next->statement == b->statement)
			continue;
		if (b->kind != OX_BATCH_ROWS)
			g_string_append_printf (s, "[%u @%d+%d] ", b->statement, b->stmt_start, b->stmt_length);
		switch (b->kind) {
		case OX_BATCH_COLUMNS:
			g_string_append (s, "columns");
			for (guint c = 0; c < b->n_columns; c++)
				g_string_append_printf (s, " %s:%s", b->column_names[c], b->column_types[c]);
			g_string_append_c (s, '\n');
			break;
		case OX_BATCH_ROWS:
			for (guint row = 0; row < b->n_rows; row++) {
				g_string_append_printf (s, "[%u] row", b->statement);
				for (guint c = 0; c < b->n_columns; c++) {
					const char *v = ox_batch_get_cell (b, row, c);
					g_string_append_printf (s, v ? " '%s'" : " %s", v ? v : "NULL");
				}
				g_string_append_c (s, '\n');
			}
			break;
		case OX_BATCH_DONE:
			g_string_append_printf (s, "done %s %" G_GINT64_FORMAT "\n", b->command_tag, b->row_count);
			break;
		case OX_BATCH_ERROR:
			g_string_append_printf (s, "error %s %s detail=%s hint=%s position=%d\n", b->error->sqlstate,
			                        b->error->message, b->error->detail ? b->error->detail : "-",
			                        b->error->hint ? b->error->hint : "-", b->error->position);
			break;
		}
	}
	return g_string_free (s, FALSE);
}

/* ---- login ------------------------------------------------------------------ */

static gboolean
no_revokes (gpointer data)
{
	(void) data;
	return ox_remote_connection_revokes_in_flight () == 0;
}

typedef struct {
	gboolean            done;  /* first: bool_set reads it */
	OxRemoteConnection *conn;
} Login;

static void
connected_cb (GObject *src, GAsyncResult *res, gpointer data)
{
	(void) src;
	Login *d = data;
	g_autoptr (GError) error = NULL;
	d->conn = ox_remote_connection_connect_finish (res, &error);
	g_assert_no_error (error);
	d->done = TRUE;
}

static void
test_login (void)
{
	OxConnection *c = connect_remote ();
	g_assert_nonnull (strstr (ox_connection_get_title (c), REMOTE_TEST_USER "@127.0.0.1:"));
	g_assert_nonnull (ox_remote_connection_get_token (OX_REMOTE_CONNECTION (c)));
	Run *r = run_sync (c, "SELECT current_user", NULL);
	g_assert_true (r->ok);
	g_assert_cmpstr (ox_batch_get_cell (r->batches->pdata[1], 0, 0), ==, REMOTE_TEST_USER);
	run_free (r);
	g_autofree char *token = g_strdup (ox_remote_connection_get_token (OX_REMOTE_CONNECTION (c)));
	ox_connection_close (c);
	/* closing revoked the token on the server */
	wait_until (no_revokes, NULL, "the token's revocation");
	g_autoptr (SoupSession) s = soup_session_new ();
	g_autofree char *uri = g_strconcat (server.url, "/api/sql", NULL);
	g_autoptr (SoupMessage) msg = soup_message_new ("POST", uri);
	g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
	soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
	g_autoptr (GBytes) body = g_bytes_new_static ("{\"sql\":\"SELECT 1\"}", 18);
	soup_message_set_request_body_from_bytes (msg, "application/json", body);
	g_autoptr (GBytes) answer = soup_session_send_and_read (s, msg, NULL, NULL);
	g_assert_cmpuint (soup_message_get_status (msg), ==, 401);
	/* runs after close fail with CLOSED */
	r = run_sync (c, "SELECT 1", NULL);
	g_assert_error (r->error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_CLOSED);
	run_free (r);
	g_object_unref (c);

	/* a wrong password: the message says which user and what to check */
	g_autoptr (GError) error = NULL;
	OxRemoteConnection *bad = ox_remote_connection_connect (server.url, REMOTE_TEST_USER, "wrong", &error);
	g_assert_null (bad);
	g_assert_error (error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED);
	g_assert_nonnull (strstr (error->message, "wrong user name or password"));
	g_assert_nonnull (strstr (error->message, "\"" REMOTE_TEST_USER "\""));
	g_clear_error (&error);

	/* nobody listens: it says the server cannot be reached, and where */
	bad = ox_remote_connection_connect ("127.0.0.1:1", REMOTE_TEST_USER, "x", &error);
	g_assert_null (bad);
	g_assert_error (error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED);
	g_assert_nonnull (strstr (error->message, "Cannot reach the server at http://127.0.0.1:1"));
	g_clear_error (&error);

	/* not an address */
	g_assert_null (ox_remote_connection_normalize_url ("ftp://x/y", &error));
	g_assert_error (error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED);
	g_clear_error (&error);
	g_autofree char *u1 = ox_remote_connection_normalize_url (" localhost ", NULL);
	g_assert_cmpstr (u1, ==, "http://localhost:8433");
	g_autofree char *u2 = ox_remote_connection_normalize_url ("http://h:99/", NULL);
	g_assert_cmpstr (u2, ==, "http://h:99");

	/* the asynchronous login */
	Login d = { FALSE, NULL };
	ox_remote_connection_connect_async (server.url, REMOTE_TEST_USER, REMOTE_TEST_PASSWORD, NULL, connected_cb, &d);
	wait_until (bool_set, &d.done, "the asynchronous login");
	g_assert_nonnull (d.conn);
	g_object_unref (d.conn);
}

/* ---- the same batches as the embedded connection ----------------------------------- */

static void
compare_with_embedded (OxConnection *remote, OxConnection *embedded, const char *sql)
{
	Run *rr = run_sync (remote, sql, NULL);
	Run *re = run_sync (embedded, sql, NULL);
	g_autofree char *dr = describe (rr);
	g_autofree char *de = describe (re);
	if (strcmp (dr, de)) {
		g_printerr ("script:\n%s\nremote:\n%s\nembedded:\n%s\n", sql, dr, de);
		g_error ("the remote connection's batches differ from the embedded one's");
	}
	g_assert_cmpint (rr->ok, ==, re->ok);
	if (!re->ok) {
		g_assert_nonnull (rr->error);
		g_assert_cmpuint (rr->error->domain, ==, re->error->domain);
		g_assert_cmpint (rr->error->code, ==, re->error->code);
		g_assert_cmpstr (rr->error->message, ==, re->error->message);
	}
	run_free (rr);
	run_free (re);
}

static void
test_same_as_embedded (void)
{
	OxConnection *remote = connect_remote ();
	g_autoptr (GError) error = NULL;
	OxConnection *embedded = OX_CONNECTION (ox_embedded_connection_open (":memory:", NULL, NULL, &error));
	g_assert_no_error (error);

	compare_with_embedded (remote, embedded,
		"CREATE TABLE cmp (a integer, b text, c numeric(10,2), d boolean, e double precision, f date, g bigint);\n"
		"INSERT INTO cmp VALUES (1, 'x', 1.50, true, 2.5, '2024-02-29', 9007199254740993),\n"
		"  (2, NULL, NULL, false, NULL, NULL, -1), (3, 'quote \" and \\ and é ☃', 0, NULL, 1e300, NULL, 0);\n"
		"SELECT * FROM cmp ORDER BY a;\n"
		"SELECT a, b IS NULL AS no_b, 'NaN'::double precision AS nan FROM cmp WHERE a > 1 ORDER BY a;\n"
		"  -- a comment between statements\n"
		"DROP TABLE IF EXISTS no_such_table;\n"
		"DO $$ BEGIN RAISE NOTICE 'hello %', 42; RAISE WARNING 'careful'; END $$;\n"
		"UPDATE cmp SET g = g + 1 WHERE a < 3;\n"
		"SELECT 1 / 0 AS boom;\n"
		"SELECT 'not reached';");
	/* a syntax error: its position counts characters of the whole script */
	compare_with_embedded (remote, embedded, "SELECT 'ünïcödé' AS u;\nSELECT 2 AS two;\n  SELEC 3;");
	/* an error with a hint and detail, after rows */
	compare_with_embedded (remote, embedded,
		"CREATE TABLE cmp2 (id int PRIMARY KEY);\nINSERT INTO cmp2 VALUES (1);\nINSERT INTO cmp2 VALUES (1);");
	/* a transaction block inside one run */
	compare_with_embedded (remote, embedded,
		"BEGIN; INSERT INTO cmp2 VALUES (5); SELECT count(*) FROM cmp2; ROLLBACK; SELECT count(*) FROM cmp2;");
	/* empty results and a statement without a result set */
	compare_with_embedded (remote, embedded, "SELECT * FROM cmp2 WHERE false; CREATE VIEW v AS SELECT id FROM cmp2; SELECT * FROM v ORDER BY id");

	ox_connection_close (embedded);
	g_object_unref (embedded);
	g_object_unref (remote);
}

/* ---- big results --------------------------------------------------------------------- */

static void
test_big_result (void)
{
	OxConnection *c = connect_remote ();
	Run *r = run_sync (c, "SELECT g, 'row ' || g AS label FROM generate_series(1, 100000) AS g", NULL);
	g_assert_no_error (r->error);
	g_assert_true (r->ok);
	guint rows = 0, nbatches = 0, max = 0;
	gint64 expect = 1;
	for (guint i = 0; i < r->batches->len; i++) {
		OxBatch *b = r->batches->pdata[i];
		if (b->kind != OX_BATCH_ROWS)
			continue;
		rows += b->n_rows;
		nbatches++;
		max = MAX (max, b->n_rows);
		for (guint row = 0; row < b->n_rows; row++, expect++)
			g_assert_cmpint (g_ascii_strtoll (ox_batch_get_cell (b, row, 0), NULL, 10), ==, expect);
	}
	OxBatch *last = r->batches->pdata[r->batches->len - 1];
	g_assert_cmpint (last->kind, ==, OX_BATCH_DONE);
	g_assert_cmpint (last->row_count, ==, 100000);
	g_assert_cmpuint (rows, ==, 100000);
	/* bounded: no batch holds more than BATCH_ROWS, the first is small */
	g_assert_cmpuint (max, <=, 1000);
	g_assert_cmpuint (nbatches, >=, 100);
	g_assert_cmpuint (((OxBatch *) r->batches->pdata[1])->n_rows, <=, 100);
	run_free (r);
	g_object_unref (c);
}

/* ---- cancel ------------------------------------------------------------------------- */

static gboolean
cancel_cb (gpointer data)
{
	g_cancellable_cancel (data);
	return G_SOURCE_REMOVE;
}

static gboolean
cancel_conn_cb (gpointer data)
{
	ox_connection_cancel (data);
	return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
	OxConnection *c = connect_remote ();
	g_autoptr (GCancellable) cancellable = g_cancellable_new ();
	const char *sql = "SELECT 1 AS first; SELECT pg_sleep(20); SELECT 'not reached'";
	g_timeout_add (500, cancel_cb, cancellable);
	gint64 t0 = g_get_monotonic_time ();
	Run *r = run_sync (c, sql, cancellable);
	gint64 took = g_get_monotonic_time () - t0;
	g_assert_error (r->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
	g_assert_cmpint (took, <, 10 * G_TIME_SPAN_SECOND);
	OxBatch *last = r->batches->pdata[r->batches->len - 1];
	g_assert_cmpint (last->kind, ==, OX_BATCH_ERROR);
	g_assert_cmpstr (last->error->sqlstate, ==, "57014");
	g_assert_cmpuint (last->statement, ==, 1);
	run_free (r);

	/* ox_connection_cancel stops a run it did not start */
	Run *r2 = run_new ();
	ox_connection_run_async (c, "SELECT pg_sleep(20)", run_batch_cb, r2, NULL, NULL, run_done_cb, r2);
	g_timeout_add (500, cancel_conn_cb, c);
	t0 = g_get_monotonic_time ();
	wait_until (run_finished, r2, "ox_connection_cancel");
	g_assert_error (r2->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
	g_assert_cmpint (g_get_monotonic_time () - t0, <, 10 * G_TIME_SPAN_SECOND);
	last = r2->batches->pdata[r2->batches->len - 1];
	g_assert_cmpstr (last->error->sqlstate, ==, "57014");
	run_free (r2);

	/* and the connection still works */
	r = run_sync (c, "SELECT 2", NULL);
	g_assert_true (r->ok);
	run_free (r);
	g_object_unref (c);
}

/* ---- flow control -------------------------------------------------------------------- */

static guint64
rows_in (Run *r)
{
	guint64 n = 0;
	for (guint i = 0; i < r->batches->len; i++) {
		OxBatch *b = r->batches->pdata[i];
		if (b->kind == OX_BATCH_ROWS)
			n += b->n_rows;
	}
	return n;
}

typedef struct {
	Run    *run;
	guint64 rows;
} RowsWait;

static gboolean
rows_at_least (gpointer data)
{
	RowsWait *w = data;
	return rows_in (w->run) >= w->rows;
}

/* Let the main loop run a while (what would arrive, arrives). */
static void
settle (void)
{
	gint64 end = g_get_monotonic_time () + 500 * G_TIME_SPAN_MILLISECOND;
	while (g_get_monotonic_time () < end)
		g_main_context_iteration (NULL, FALSE);
}

/* How many sessions of the server run the million-row statement now (as
 * GET /api/sessions lists them). */
static gint64
big_statements (OxConnection *c)
{
	g_autoptr (SoupSession) s = soup_session_new ();
	g_autofree char *uri = g_strconcat (server.url, "/api/sessions", NULL);
	g_autoptr (SoupMessage) msg = soup_message_new ("GET", uri);
	g_autofree char *auth = g_strdup_printf ("Bearer %s", ox_remote_connection_get_token (OX_REMOTE_CONNECTION (c)));
	soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
	g_autoptr (GBytes) answer = soup_session_send_and_read (s, msg, NULL, NULL);
	g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
	g_autoptr (JsonParser) p = json_parser_new ();
	g_assert_true (json_parser_load_from_data (p, g_bytes_get_data (answer, NULL), (gssize) g_bytes_get_size (answer),
	                                           NULL));
	JsonArray *a = json_object_get_array_member (json_node_get_object (json_parser_get_root (p)), "sessions");
	gint64 n = 0;
	for (guint i = 0; i < json_array_get_length (a); i++) {
		JsonObject *o = json_array_get_object_element (a, i);
		const char *q = json_object_get_string_member_with_default (o, "query", NULL);
		/* a session keeps its last statement as "query" once idle */
		if (q && strstr (q, "generate_series(1, 1000000)") &&
		    !strcmp (json_object_get_string_member (o, "state"), "active"))
			n++;
	}
	return n;
}

static gboolean
no_big_statement (gpointer data)
{
	return big_statements (data) == 0;
}

static void
test_demand (void)
{
	OxConnection *c = connect_remote ();
	g_autoptr (OxRowDemand) d = ox_row_demand_new (250);
	Run *r = run_new ();
	ox_connection_run_with_demand_async (c, "SELECT g FROM generate_series(1, 1000000) g", d, run_batch_cb, r,
	                                     NULL, NULL, run_done_cb, r);
	RowsWait w = { r, 250 };
	wait_until (rows_at_least, &w, "the first 250 rows");
	settle ();
	/* exactly what was wanted; the statement waits on the server */
	g_assert_cmpuint (rows_in (r), ==, 250);
	g_assert_false (r->finished);
	g_assert_cmpint (big_statements (c), ==, 1);

	/* more wanted: more come, and again no further */
	ox_row_demand_want (d, 30000);
	w.rows = 30000;
	wait_until (rows_at_least, &w, "30000 rows");
	settle ();
	g_assert_cmpuint (rows_in (r), ==, 30000);
	g_assert_false (r->finished);
	/* the rows are the first ones, in order */
	guint64 expect = 1;
	for (guint i = 0; i < r->batches->len; i++) {
		OxBatch *b = r->batches->pdata[i];
		for (guint row = 0; b->kind == OX_BATCH_ROWS && row < b->n_rows; row++, expect++)
			g_assert_cmpint (g_ascii_strtoll (ox_batch_get_cell (b, row, 0), NULL, 10), ==, (gint64) expect);
	}

	/* another run makes the paused one give way: DONE, truncated, the
	 * rows delivered; its statement ends on the server */
	Run *other = run_sync (c, "SELECT 42", NULL);
	g_assert_true (other->ok);
	wait_until (run_finished, r, "the paused run");
	g_assert_no_error (r->error);
	g_assert_true (r->ok);
	OxBatch *done = r->batches->pdata[r->batches->len - 1];
	g_assert_cmpint (done->kind, ==, OX_BATCH_DONE);
	g_assert_true (done->truncated);
	g_assert_cmpint (done->row_count, ==, 30000);
	g_assert_cmpstr (done->command_tag, ==, "SELECT 30000");
	g_assert_cmpuint (rows_in (r), ==, 30000);
	wait_until (no_big_statement, c, "the dropped statement to end on the server");
	run_free (other);
	run_free (r);

	/* a paused run that is cancelled ends with 57014, at once */
	g_autoptr (OxRowDemand) d2 = ox_row_demand_new (10);
	g_autoptr (GCancellable) cancel = g_cancellable_new ();
	r = run_new ();
	ox_connection_run_with_demand_async (c, "SELECT g FROM generate_series(1, 1000000) g", d2, run_batch_cb, r,
	                                     NULL, cancel, run_done_cb, r);
	w = (RowsWait) { r, 10 };
	wait_until (rows_at_least, &w, "10 rows");
	settle ();
	g_assert_cmpuint (rows_in (r), ==, 10);
	gint64 t0 = g_get_monotonic_time ();
	g_cancellable_cancel (cancel);
	wait_until (run_finished, r, "the cancelled paused run");
	g_assert_cmpint (g_get_monotonic_time () - t0, <, 2 * G_TIME_SPAN_SECOND);
	g_assert_error (r->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
	OxBatch *err = r->batches->pdata[r->batches->len - 1];
	g_assert_cmpint (err->kind, ==, OX_BATCH_ERROR);
	g_assert_cmpstr (err->error->sqlstate, ==, "57014");
	run_free (r);
	wait_until (no_big_statement, c, "the cancelled statement to end on the server");

	/* a demand met exactly at a result's end holds back neither its
	 * DONE nor the COLUMNS and DONE of the statements after it */
	g_autoptr (OxRowDemand) d3 = ox_row_demand_new (3);
	r = run_new ();
	ox_connection_run_with_demand_async (c, "SELECT g FROM generate_series(1, 3) g; SELECT 'none' AS x WHERE false",
	                                     d3, run_batch_cb, r, NULL, NULL, run_done_cb, r);
	wait_until (run_finished, r, "a run whose demand ends with its rows");
	g_assert_true (r->ok);
	g_autofree char *text = describe (r);
	g_assert_cmpstr (text, ==,
	                 "[0 @0+38] columns g:integer\n[0] row '1'\n[0] row '2'\n[0] row '3'\n[0 @0+38] done SELECT 3 3\n"
	                 "[1 @39+30] columns x:text\n[1 @39+30] done SELECT 0 0\n");
	run_free (r);
	g_object_unref (c);
}

/* ---- the server session ------------------------------------------------------------ */

static const char *
first_cell (Run *r)
{
	for (guint i = 0; i < r->batches->len; i++) {
		OxBatch *b = r->batches->pdata[i];
		if (b->kind == OX_BATCH_ROWS && b->n_rows > 0)
			return ox_batch_get_cell (b, 0, 0);
	}
	return NULL;
}

static void
run_ok (OxConnection *c, const char *sql, const char *want_first_cell)
{
	Run *r = run_sync (c, sql, NULL);
	g_assert_no_error (r->error);
	g_assert_true (r->ok);
	if (want_first_cell)
		g_assert_cmpstr (first_cell (r), ==, want_first_cell);
	run_free (r);
}

static gboolean
has_session (gpointer data)
{
	return ox_remote_connection_get_session_id (data) > 0;
}

static void
test_session (void)
{
	OxConnection *c = connect_remote ();
	OxConnection *other = connect_remote ();
	gint64 sid = ox_remote_connection_get_session_id (OX_REMOTE_CONNECTION (c));
	g_assert_cmpint (sid, >, 0);
	g_assert_cmpint (ox_remote_connection_get_session_id (OX_REMOTE_CONNECTION (other)), !=, sid);
	run_ok (c, "CREATE TABLE sess_t (v int)", NULL);

	/* SET and a temporary table last from one run to the next */
	run_ok (c, "SET search_path TO pg_catalog, public", NULL);
	run_ok (c, "SHOW search_path", "pg_catalog, public");
	run_ok (c, "CREATE TEMP TABLE scratch (x int); INSERT INTO scratch VALUES (7)", NULL);
	run_ok (c, "SELECT x FROM scratch", "7");

	/* BEGIN in one run, COMMIT or ROLLBACK in the next */
	run_ok (c, "BEGIN", NULL);
	run_ok (c, "INSERT INTO sess_t VALUES (1)", NULL);
	run_ok (other, "SELECT count(*) FROM sess_t", "0");
	run_ok (c, "ROLLBACK", NULL);
	run_ok (c, "BEGIN; INSERT INTO sess_t VALUES (2)", NULL);
	run_ok (c, "COMMIT", NULL);
	run_ok (other, "SELECT count(*) FROM sess_t", "1");

	/* runs started together wait their turn: both succeed, in order */
	Run *a = run_new (), *b = run_new ();
	ox_connection_run_async (c, "SELECT pg_sleep(0.3); INSERT INTO sess_t VALUES (3)", run_batch_cb, a, NULL, NULL,
	                         run_done_cb, a);
	ox_connection_run_async (c, "SELECT max(v) FROM sess_t", run_batch_cb, b, NULL, NULL, run_done_cb, b);
	wait_until (run_finished, b, "the second run");
	wait_until (run_finished, a, "the first run");
	g_assert_true (a->ok);
	g_assert_true (b->ok);
	g_assert_cmpstr (first_cell (b), ==, "3");
	run_free (a);
	run_free (b);

	/* closing the connection ends its session: an open transaction
	 * rolls back */
	run_ok (c, "BEGIN; INSERT INTO sess_t VALUES (4)", NULL);
	ox_connection_close (c);
	g_object_unref (c);
	wait_until (no_revokes, NULL, "the token's revocation");
	run_ok (other, "SELECT count(*) FROM sess_t WHERE v = 4", "0");

	/* a session the server closed (here by DELETE): the next run says
	 * so (08003), the one after runs in a new session */
	sid = ox_remote_connection_get_session_id (OX_REMOTE_CONNECTION (other));
	g_autoptr (SoupSession) s = soup_session_new ();
	g_autofree char *uri = g_strdup_printf ("%s/api/sessions/%" G_GINT64_FORMAT, server.url, sid);
	g_autoptr (SoupMessage) msg = soup_message_new ("DELETE", uri);
	g_autofree char *auth =
		g_strdup_printf ("Bearer %s", ox_remote_connection_get_token (OX_REMOTE_CONNECTION (other)));
	soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
	g_autoptr (GBytes) answer = soup_session_send_and_read (s, msg, NULL, NULL);
	g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
	Run *r = run_sync (other, "SELECT 1", NULL);
	g_assert_false (r->ok);
	OxBatch *last = r->batches->pdata[r->batches->len - 1];
	g_assert_cmpint (last->kind, ==, OX_BATCH_ERROR);
	g_assert_cmpstr (last->error->sqlstate, ==, "08003");
	run_free (r);
	wait_until (has_session, other, "a new session");
	g_assert_cmpint (ox_remote_connection_get_session_id (OX_REMOTE_CONNECTION (other)), !=, sid);
	run_ok (other, "SELECT 2", "2");
	g_object_unref (other);
}

/* ---- catalog ------------------------------------------------------------------------ */

static gboolean
model_has (GListModel *m, const char *name)
{
	for (guint i = 0; i < g_list_model_get_n_items (m); i++) {
		g_autoptr (OxCatalogObject) o = g_list_model_get_item (m, i);
		if (!strcmp (ox_catalog_object_get_name (o), name))
			return TRUE;
	}
	return FALSE;
}

static gboolean
catalog_idle (gpointer data)
{
	return ox_catalog_reader_get_pending (data) == 0;
}

typedef struct {
	GListModel *model;
	const char *name;
} HasData;

static gboolean
has_cond (gpointer data)
{
	HasData *h = data;
	return model_has (h->model, h->name);
}

static void
test_catalog (void)
{
	OxConnection *c = connect_remote ();
	Run *r = run_sync (c, "CREATE TABLE cat_first (id int PRIMARY KEY, name text NOT NULL)", NULL);
	g_assert_true (r->ok);
	run_free (r);

	OxCatalogReader *cat = ox_connection_get_catalog (c);
	g_autoptr (GListModel) schemas = ox_catalog_reader_get_schemas (cat);
	g_autoptr (GListModel) tables = ox_catalog_reader_get_objects (cat, OX_OBJECT_TABLE, "public", NULL);
	g_autoptr (GListModel) cols = ox_catalog_reader_get_objects (cat, OX_OBJECT_COLUMN, "public", "cat_first");
	wait_until (catalog_idle, cat, "the catalog");
	g_assert_true (model_has (schemas, "public"));
	g_assert_true (model_has (tables, "cat_first"));
	g_assert_true (model_has (cols, "id"));
	g_assert_true (model_has (cols, "name"));
	g_assert_false (model_has (tables, "cat_second"));

	/* DDL run through the connection refreshes the models */
	r = run_sync (c, "CREATE TABLE cat_second (x int)", NULL);
	g_assert_true (r->ok);
	run_free (r);
	HasData h = { tables, "cat_second" };
	wait_until (has_cond, &h, "cat_second in the tables list");
	g_object_unref (c);
}

/* ---- an expired (here: revoked) token ---------------------------------------------- */

static void
test_revoked_token (void)
{
	OxConnection *c = connect_remote ();
	/* revoke the token behind the connection's back */
	g_autoptr (SoupSession) s = soup_session_new ();
	g_autofree char *uri = g_strconcat (server.url, "/api/auth/token", NULL);
	g_autoptr (SoupMessage) msg = soup_message_new ("DELETE", uri);
	g_autofree char *auth = g_strdup_printf ("Bearer %s", ox_remote_connection_get_token (OX_REMOTE_CONNECTION (c)));
	soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
	g_autoptr (GBytes) b = soup_session_send_and_read (s, msg, NULL, NULL);
	g_assert_cmpuint (soup_message_get_status (msg), ==, 200);

	Run *r = run_sync (c, "SELECT 1", NULL);
	g_assert_error (r->error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED);
	g_assert_nonnull (strstr (r->error->message, "Connect again"));
	OxBatch *last = r->batches->pdata[r->batches->len - 1];
	g_assert_cmpint (last->kind, ==, OX_BATCH_ERROR);
	g_assert_cmpstr (last->error->sqlstate, ==, "28000");
	run_free (r);
	g_object_unref (c);
}

/* ---- DAP ------------------------------------------------------------------------------ */

typedef struct {
	gboolean  done;
	gpointer  value;
	GError   *error;
} Res;

static void
dap_open_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Res *r = data;
	r->value = ox_connection_open_dap_finish (OX_CONNECTION (source), result, &r->error);
	r->done = TRUE;
}

static void
dap_request_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Res *r = data;
	r->value = dap_client_request_finish (DAP_CLIENT (source), result, &r->error);
	r->done = TRUE;
}

static JsonNode *
call (DapClient *dc, const char *command, JsonNode *args)
{
	Res r = { 0 };
	dap_client_request_async (dc, command, args, NULL, dap_request_cb, &r);
	wait_until (bool_set, &r.done, command);
	g_assert_no_error (r.error);
	return r.value;
}

static void
test_dap (void)
{
	OxConnection *c = connect_remote ();
	Res o = { 0 };
	ox_connection_open_dap_async (c, NULL, dap_open_cb, &o);
	wait_until (bool_set, &o.done, "the DAP channel");
	g_assert_no_error (o.error);
	DapClient *dc = o.value;
	JsonNode *caps = call (dc, "initialize", dap_client_args ("{\"adapterID\":\"oxibase\"}"));
	g_assert_true (JSON_NODE_HOLDS_OBJECT (caps));
	json_node_unref (caps);
	g_autofree char *app = ox_remote_connection_new_application_name (OX_REMOTE_CONNECTION (c));
	g_autofree char *q = dap_json_quote (app);
	JsonNode *att = call (dc, "attach", dap_client_args ("{\"sessions\":{\"application_name\":%s}}", q));
	if (att)
		json_node_unref (att);
	JsonNode *th = call (dc, "threads", NULL);
	json_node_unref (th);
	dap_client_close (dc);
	g_object_unref (dc);
	/* closing the connection ends the bridge thread */
	ox_connection_close (c);
	g_object_unref (c);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	remote_server_start (&server);
	g_test_add_func ("/client/remote/login", test_login);
	g_test_add_func ("/client/remote/same-as-embedded", test_same_as_embedded);
	g_test_add_func ("/client/remote/big-result", test_big_result);
	g_test_add_func ("/client/remote/cancel", test_cancel);
	g_test_add_func ("/client/remote/demand", test_demand);
	g_test_add_func ("/client/remote/session", test_session);
	g_test_add_func ("/client/remote/catalog", test_catalog);
	g_test_add_func ("/client/remote/revoked-token", test_revoked_token);
	g_test_add_func ("/client/remote/dap", test_dap);
	int rc = g_test_run ();
	remote_server_stop (&server);
	return rc;
}

/*
 * test-dap-client.c — DapClient (dap/dap-client.c) against the real debug
 * adapter over a socket pair: requests answered by seq, the adapter's
 * error message carried in the GError, events with their bodies, requests
 * in flight failing with CLOSED when the adapter goes away, and "closed".
 *
 * The adapter runs on a thread with its own main context; the client runs
 * on the test thread's default context.  Every wait has a deadline.
 */
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "dap-adapter.h"
#include "dap-client.h"
#include "dap-test-util.h"

typedef struct {
	GSocketConnection *server, *client_conn;
	GThread           *thread;
	int                exit_code;
	DapClient         *client;
	GPtrArray         *events;    /* "name" strings in arrival order */
	GPtrArray         *bodies;    /* JsonNode* (null node for none) */
	gboolean           closed;
} Fx;

static gpointer
adapter_main (gpointer data)
{
	Fx *fx = data;
	GMainContext *ctx = g_main_context_new ();
	g_main_context_push_thread_default (ctx);
	DapAdapter *a = dap_adapter_new (G_IO_STREAM (fx->server));
	fx->exit_code = dap_adapter_run (a);
	dap_adapter_free (a);
	g_main_context_pop_thread_default (ctx);
	g_main_context_unref (ctx);
	return NULL;
}

static void
event_cb (DapClient *c, const char *name, JsonNode *body, Fx *fx)
{
	(void) c;
	g_ptr_array_add (fx->events, g_strdup (name));
	g_ptr_array_add (fx->bodies, body ? json_node_copy (body) : json_node_new (JSON_NODE_NULL));
}

static void
closed_cb (DapClient *c, const GError *error, Fx *fx)
{
	(void) c;
	(void) error;
	fx->closed = TRUE;
}

static void
fx_start (Fx *fx)
{
	memset (fx, 0, sizeof *fx);
	test_socket_pair (&fx->server, &fx->client_conn);
	fx->events = g_ptr_array_new_with_free_func (g_free);
	fx->bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
	fx->thread = g_thread_new ("adapter", adapter_main, fx);
	fx->client = dap_client_new (G_IO_STREAM (fx->client_conn));
	g_signal_connect (fx->client, "event", G_CALLBACK (event_cb), fx);
	g_signal_connect (fx->client, "closed", G_CALLBACK (closed_cb), fx);
}

static int
fx_stop (Fx *fx)
{
	if (fx->thread)
		g_thread_join (fx->thread);
	g_object_unref (fx->client);
	test_settle ();
	g_object_unref (fx->client_conn);
	g_object_unref (fx->server);
	g_ptr_array_unref (fx->events);
	g_ptr_array_unref (fx->bodies);
	return fx->exit_code;
}

typedef struct {
	gboolean  done;
	JsonNode *body;
	GError   *error;
} Reply;

static void
reply_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Reply *r = data;
	r->body = dap_client_request_finish (DAP_CLIENT (source), result, &r->error);
	r->done = TRUE;
}

/* Sends and waits; returns the body (or NULL and *error). */
static JsonNode *
call (Fx *fx, const char *command, JsonNode *args, GError **error)
{
	Reply r = { 0 };
	dap_client_request_async (fx->client, command, args, NULL, reply_cb, &r);
	test_wait_for (&r.done);
	if (r.error)
		g_propagate_error (error, r.error);
	return r.body;
}

static JsonNode *
call_ok (Fx *fx, const char *command, JsonNode *args)
{
	GError *error = NULL;
	JsonNode *b = call (fx, command, args, &error);
	g_assert_no_error (error);
	g_assert_nonnull (b);
	return b;
}

/* Index of the first event named name at or after *from, waiting for it. */
static JsonObject *
wait_event (Fx *fx, const char *name, guint *from)
{
	gint64 deadline = g_get_monotonic_time () + TEST_DEADLINE_S * G_USEC_PER_SEC;
	for (;;) {
		for (guint i = *from; i < fx->events->len; i++)
			if (!strcmp (fx->events->pdata[i], name)) {
				*from = i + 1;
				JsonNode *b = fx->bodies->pdata[i];
				return JSON_NODE_HOLDS_OBJECT (b) ? json_node_get_object (b) : NULL;
			}
		if (g_get_monotonic_time () > deadline)
			g_error ("timed out waiting for event %s", name);
		g_main_context_iteration (NULL, FALSE);
		g_usleep (200);
	}
}

/* A whole session: launch, a breakpoint, stop, read the stack, step,
 * continue to the end; responses matched by seq even when several are in
 * flight at once. */
static void
test_session (void)
{
	Fx fx;
	fx_start (&fx);
	guint ev = 0;
	JsonNode *b = call_ok (&fx, "initialize", dap_client_args ("{\"adapterID\":\"oxibase\"}"));
	g_assert_true (json_object_get_boolean_member (json_node_get_object (b), "supportsConfigurationDoneRequest"));
	json_node_unref (b);
	char *path = NULL;
	int fd = g_file_open_tmp ("dap-client-XXXXXX.sql", &path, NULL);
	g_assert_cmpint (fd, >=, 0);
	close (fd);
	g_assert_true (g_file_set_contents (path, "SELECT 1 AS a;\nSELECT 2 AS b;\nSELECT 3 AS c;\n", -1, NULL));
	char *qpath = dap_json_quote (path);
	json_node_unref (call_ok (&fx, "launch", dap_client_args ("{\"program\":%s}", qpath)));
	wait_event (&fx, "initialized", &ev);
	/* two requests in flight, answered each to its own callback */
	Reply r1 = { 0 }, r2 = { 0 };
	dap_client_request_async (fx.client, "setBreakpoints",
	                          dap_client_args ("{\"source\":{\"path\":%s},\"breakpoints\":[{\"line\":2}]}", qpath),
	                          NULL, reply_cb, &r1);
	dap_client_request_async (fx.client, "threads", NULL, NULL, reply_cb, &r2);
	test_wait_for (&r1.done);
	test_wait_for (&r2.done);
	g_assert_no_error (r1.error);
	g_assert_no_error (r2.error);
	g_assert_true (json_object_has_member (json_node_get_object (r1.body), "breakpoints"));
	g_assert_true (json_object_has_member (json_node_get_object (r2.body), "threads"));
	json_node_unref (r1.body);
	json_node_unref (r2.body);
	json_node_unref (call_ok (&fx, "configurationDone", NULL));
	JsonObject *stop = wait_event (&fx, "stopped", &ev);
	g_assert_nonnull (stop);
	b = call_ok (&fx, "stackTrace", dap_client_args ("{\"threadId\":1}"));
	JsonObject *top = json_array_get_object_element (
		json_object_get_array_member (json_node_get_object (b), "stackFrames"), 0);
	g_assert_cmpint (json_object_get_int_member (top, "line"), ==, 2);
	json_node_unref (b);
	/* continue has no body: a null node, not NULL */
	b = call_ok (&fx, "continue", dap_client_args ("{\"threadId\":1}"));
	json_node_unref (b);
	JsonObject *exited = wait_event (&fx, "exited", &ev);
	g_assert_cmpint (json_object_get_int_member (exited, "exitCode"), ==, 0);
	wait_event (&fx, "terminated", &ev);
	/* the script's output came as output events */
	GString *out = g_string_new (NULL);
	for (guint i = 0; i < fx.events->len; i++)
		if (!strcmp (fx.events->pdata[i], "output"))
			g_string_append (out, json_object_get_string_member (json_node_get_object (fx.bodies->pdata[i]), "output"));
	g_assert_nonnull (strstr (out->str, " c \n---\n 3\n"));
	g_string_free (out, TRUE);
	json_node_unref (call_ok (&fx, "disconnect", NULL));
	/* the adapter's owner closes its end once run returns */
	g_thread_join (fx.thread);
	fx.thread = NULL;
	g_io_stream_close (G_IO_STREAM (fx.server), NULL, NULL);
	test_wait_for (&fx.closed);
	g_unlink (path);
	g_free (path);
	g_free (qpath);
	g_assert_true (dap_client_is_closed (fx.client));
	g_assert_cmpint (fx_stop (&fx), ==, 0);
}

/* A refused request carries the adapter's message; after the adapter is
 * gone, requests fail with CLOSED instead of waiting for ever. */
static void
test_errors_and_close (void)
{
	Fx fx;
	fx_start (&fx);
	json_node_unref (call_ok (&fx, "initialize", dap_client_args ("{\"adapterID\":\"oxibase\"}")));
	GError *error = NULL;
	JsonNode *b = call (&fx, "launch", dap_client_args ("{\"program\":\"/nonexistent/x.sql\"}"), &error);
	g_assert_null (b);
	g_assert_error (error, DAP_CLIENT_ERROR, DAP_CLIENT_ERROR_FAILED);
	g_assert_nonnull (strstr (error->message, "cannot read program \"/nonexistent/x.sql\""));
	g_clear_error (&error);
	b = call (&fx, "configurationDone", NULL, &error);
	g_assert_error (error, DAP_CLIENT_ERROR, DAP_CLIENT_ERROR_FAILED);
	g_clear_error (&error);
	/* the adapter's end goes away with a request in flight */
	Reply r = { 0 };
	g_socket_shutdown (g_socket_connection_get_socket (fx.server), TRUE, TRUE, NULL);
	dap_client_request_async (fx.client, "threads", NULL, NULL, reply_cb, &r);
	test_wait_for (&r.done);
	g_assert_null (r.body);
	g_assert_error (r.error, DAP_CLIENT_ERROR, DAP_CLIENT_ERROR_CLOSED);
	g_clear_error (&r.error);
	test_wait_for (&fx.closed);
	/* and later ones at once */
	b = call (&fx, "threads", NULL, &error);
	g_assert_error (error, DAP_CLIENT_ERROR, DAP_CLIENT_ERROR_CLOSED);
	g_clear_error (&error);
	g_assert_cmpint (fx_stop (&fx), ==, 1);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/dap/client/session", test_session);
	g_test_add_func ("/dap/client/errors-and-close", test_errors_and_close);
	return g_test_run ();
}

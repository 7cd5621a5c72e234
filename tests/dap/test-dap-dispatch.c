/*
 * test-dap-dispatch.c — the DAP dispatcher (dap/dap-dispatch.c) driven as
 * a client would: requests written to the far end of a real socket pair,
 * responses and events read back and decoded.
 *
 * Every message received is checked for "seq": the dispatcher's messages
 * must be numbered 1, 2, 3... in the order they arrive, whatever thread
 * sent them (fx_recv fails the test otherwise).  Handlers that answer
 * later do so from threads of their own, as the debugger will.
 */
#include <string.h>

#include "dap-codec.h"
#include "dap-dispatch.h"
#include "dap-test-util.h"

typedef struct {
	GSocketConnection *server;      /* the dispatcher's end */
	GSocketConnection *client;      /* ours */
	DapDispatch       *d;
	DapDecoder        *dec;         /* decodes what the dispatcher sends */
	gint64             client_seq;  /* seq of our next request */
	gint64             expect_seq;  /* seq the dispatcher's next message must carry */
	int                n_closed;    /* "closed" emissions */
	GError            *closed_error;
	DapReply          *held;        /* a deferred reply h_hold keeps */
	GThread           *thread;      /* a handler's helper, joined at teardown */
} Fx;

/* ---- client side -------------------------------------------------------- */

static void
fx_send_raw (Fx *fx, const char *bytes, gsize len)
{
	GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (fx->client));
	g_autoptr (GError) error = NULL;

	g_assert_true (g_output_stream_write_all (out, bytes, len, NULL, NULL, &error));
	g_assert_no_error (error);
}

/* Sends a request with the next seq; @args is JSON text or NULL.
 * Returns its seq. */
static gint64
fx_request (Fx *fx, const char *command, const char *args)
{
	gint64 seq = fx->client_seq++;
	g_autofree char *body = g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",\"type\":\"request\","
	                                         "\"command\":\"%s\"%s%s}",
	                                         seq, command, args ? ",\"arguments\":" : "",
	                                         args ? args : "");
	g_autoptr (GString) frame = test_frame (NULL, body);

	fx_send_raw (fx, frame->str, frame->len);
	return seq;
}

/* The dispatcher's next message, waiting for it while the context runs. */
static JsonObject *
fx_recv (Fx *fx)
{
	GSocket *sock = g_socket_connection_get_socket (fx->client);
	gint64 deadline = g_get_monotonic_time () + TEST_DEADLINE_S * G_USEC_PER_SEC;

	for (;;) {
		g_autoptr (GError) error = NULL;
		JsonNode *node = dap_decoder_pop (fx->dec, &error);
		guint8 buf[4096];

		g_assert_no_error (error);
		if (node) {
			JsonObject *o = json_object_ref (json_node_get_object (node));
			g_autofree char *s = test_to_string (node);

			g_test_message ("<- %s", s);
			json_node_unref (node);
			g_assert_cmpint (json_object_get_int_member (o, "seq"), ==, fx->expect_seq);
			fx->expect_seq++;
			return o;
		}
		if (g_socket_condition_check (sock, G_IO_IN) & (G_IO_IN | G_IO_HUP | G_IO_ERR)) {
			gssize n = g_socket_receive (sock, (char *) buf, sizeof buf, NULL, &error);

			g_assert_no_error (error);
			if (n == 0)
				g_error ("the dispatcher's stream ended while a message was expected");
			g_assert_true (dap_decoder_feed (fx->dec, buf, (gsize) n, &error));
			continue;
		}
		if (g_get_monotonic_time () > deadline)
			g_error ("timed out waiting for a message from the dispatcher");
		if (!g_main_context_iteration (NULL, FALSE))
			g_usleep (200);
	}
}

/* Receives a response and checks its envelope. */
static JsonObject *
fx_response (Fx *fx, gint64 request_seq, const char *command, gboolean success)
{
	JsonObject *o = fx_recv (fx);

	g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "response");
	g_assert_cmpint (json_object_get_int_member (o, "request_seq"), ==, request_seq);
	g_assert_cmpstr (json_object_get_string_member (o, "command"), ==, command);
	g_assert_cmpint (json_object_get_boolean_member (o, "success"), ==, success);
	g_assert_true (success != json_object_has_member (o, "message"));
	return o;
}

/* An error response's "message". */
static char *
fx_error (Fx *fx, gint64 request_seq, const char *command)
{
	g_autoptr (JsonObject) o = fx_response (fx, request_seq, command, FALSE);

	return g_strdup (json_object_get_string_member (o, "message"));
}

static void
fx_initialize (Fx *fx)
{
	gint64 seq = fx_request (fx, "initialize", "{\"clientID\":\"test\",\"adapterID\":\"oxibase\"}");
	g_autoptr (JsonObject) o = fx_response (fx, seq, "initialize", TRUE);

	g_assert_true (dap_dispatch_is_initialized (fx->d));
}

/* Nothing more arrives from the dispatcher while the context settles. */
static void
fx_expect_silence (Fx *fx)
{
	GSocket *sock = g_socket_connection_get_socket (fx->client);

	test_settle ();
	g_assert_null (dap_decoder_pop (fx->dec, NULL));
	g_assert_false (g_socket_condition_check (sock, G_IO_IN) & G_IO_IN);
}

/* ---- handlers ----------------------------------------------------------- */

static JsonNode *
h_echo (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer data, GError **error)
{
	JsonObject *body = json_object_new ();
	JsonNode *node = json_node_new (JSON_NODE_OBJECT);

	json_object_set_object_member (body, "echo", json_object_ref (args));
	json_node_take_object (node, body);
	return node;
}

static JsonNode *
h_init (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer data, GError **error)
{
	/* Sees the client's arguments; adds one field to the capabilities. */
	g_assert_cmpstr (json_object_get_string_member (args, "clientID"), ==, "test");
	return json_from_string ("{\"supportsTerminateRequest\":false,\"x-oxibase\":1}", NULL);
}

static JsonNode *
h_fail (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer data, GError **error)
{
	const char *how = json_object_get_string_member_with_default (args, "how", "");

	if (strcmp (how, "notStopped") == 0)
		g_set_error_literal (error, DAP_ERROR, DAP_ERROR_NOT_STOPPED, "the session is running");
	else if (strcmp (how, "cancelled") == 0)
		g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
	else
		g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no routine named {x}.f");
	return NULL;
}

/* What a deferred handler's thread does (h_async's arguments). */
typedef struct {
	DapDispatch *d;
	DapReply    *reply;
	int          n_events;   /* events to send before answering */
	gboolean     wait_cancel;
	gboolean     drop;
} Job;

static gpointer
job_thread (gpointer data)
{
	Job *job = data;

	for (int i = 0; i < job->n_events; i++) {
		JsonObject *body = json_object_new ();
		JsonNode *node = json_node_new (JSON_NODE_OBJECT);

		json_object_set_string_member (body, "category", "console");
		json_object_set_string_member (body, "output", "from the job\n");
		json_object_set_int_member (body, "i", i);
		json_node_take_object (node, body);
		dap_dispatch_send_event (job->d, "output", node);
	}
	if (job->drop) {
		dap_reply_unref (job->reply);
	} else if (job->wait_cancel) {
		GCancellable *c = dap_reply_get_cancellable (job->reply);
		gint64 deadline = g_get_monotonic_time () + TEST_DEADLINE_S * G_USEC_PER_SEC;

		while (!g_cancellable_is_cancelled (c) && g_get_monotonic_time () < deadline)
			g_usleep (500);
		g_assert_true (g_cancellable_is_cancelled (c));
		dap_reply_fail (job->reply, g_error_new_literal (DAP_ERROR, DAP_ERROR_CANCELLED, "cancelled"));
	} else {
		dap_reply_finish (job->reply, json_from_string ("{\"from\":\"thread\"}", NULL));
	}
	g_object_unref (job->d);
	g_free (job);
	return NULL;
}

/* Defers and hands the reply to a thread; arguments say what it does. */
static JsonNode *
h_async (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer data, GError **error)
{
	Fx *fx = data;
	Job *job = g_new0 (Job, 1);

	job->d = g_object_ref (d);
	job->reply = dap_reply_defer (reply);
	job->n_events = (int) json_object_get_int_member_with_default (args, "events", 0);
	job->wait_cancel = json_object_get_boolean_member_with_default (args, "waitCancel", FALSE);
	job->drop = json_object_get_boolean_member_with_default (args, "drop", FALSE);
	if (fx->thread)
		g_thread_join (fx->thread);
	fx->thread = g_thread_new ("job", job_thread, job);
	return NULL;
}

/* Defers and keeps the reply, unanswered, in the fixture. */
static JsonNode *
h_hold (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer data, GError **error)
{
	Fx *fx = data;

	g_assert_null (fx->held);
	fx->held = dap_reply_defer (reply);
	return NULL;
}

/* `disconnect`: ends the session after its response. */
static JsonNode *
h_disconnect (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer data, GError **error)
{
	dap_dispatch_send_event (d, "terminated", NULL);
	dap_dispatch_close (d);
	return NULL;
}

static const DapHandlerEntry table[] = {
	{ "initialize",       NULL,                        h_init },
	{ "threads",          NULL,                        h_echo },
	{ "stepBack",         "supportsStepBack",          h_echo },
	{ "restartFrame",     "supportsRestartFrame",      h_echo },
	{ "evaluate",         NULL,                        h_fail },
	{ "stackTrace",       "supportsDelayedStackTraceLoading", h_async },
	{ "variables",        NULL,                        h_hold },
	{ "disconnect",       NULL,                        h_disconnect },
};

static void
closed_cb (DapDispatch *d, const GError *error, gpointer data)
{
	Fx *fx = data;

	fx->n_closed++;
	g_clear_error (&fx->closed_error);
	if (error)
		fx->closed_error = g_error_copy (error);
}

static void
fx_setup (Fx *fx, gconstpointer unused)
{
	test_socket_pair (&fx->server, &fx->client);
	fx->d = dap_dispatch_new (G_IO_STREAM (fx->server));
	dap_dispatch_add_handlers (fx->d, table, G_N_ELEMENTS (table), fx);
	g_signal_connect (fx->d, "closed", G_CALLBACK (closed_cb), fx);
	dap_dispatch_start (fx->d);
	fx->dec = dap_decoder_new (0);
	fx->client_seq = 1;
	fx->expect_seq = 1;
}

static void
fx_teardown (Fx *fx, gconstpointer unused)
{
	if (fx->thread)
		g_thread_join (fx->thread);
	g_clear_pointer (&fx->held, dap_reply_unref);
	test_settle ();
	g_clear_object (&fx->d);
	test_settle ();
	g_clear_object (&fx->server);
	g_clear_object (&fx->client);
	dap_decoder_free (fx->dec);
	g_clear_error (&fx->closed_error);
}

/* ---- tests -------------------------------------------------------------- */

static void
test_before_initialize (Fx *fx, gconstpointer unused)
{
	gint64 seq = fx_request (fx, "threads", NULL);
	g_autofree char *m1 = fx_error (fx, seq, "threads");
	g_autofree char *m2 = NULL;

	g_assert_cmpstr (m1, ==, "request \"threads\" before \"initialize\"");
	/* Not even an unknown command or cancel gets past this. */
	seq = fx_request (fx, "cancel", "{\"requestId\":1}");
	m2 = fx_error (fx, seq, "cancel");
	g_assert_true (g_str_has_suffix (m2, "before \"initialize\""));
	g_assert_false (dap_dispatch_is_initialized (fx->d));
	fx_initialize (fx);
	seq = fx_request (fx, "threads", NULL);
	g_clear_pointer (&m1, g_free);
	json_object_unref (fx_response (fx, seq, "threads", TRUE));
}

/* The initialize response is the table's capabilities, exactly, plus the
 * caller's extras and what the initialize handler adds. */
static void
test_capabilities (Fx *fx, gconstpointer unused)
{
	gint64 seq;
	g_autoptr (JsonObject) o = NULL;
	JsonObject *caps;
	g_autoptr (GList) names = NULL;
	g_autoptr (JsonNode) direct = NULL;

	dap_dispatch_set_capability (fx->d, "supportsConditionalBreakpoints", TRUE);
	dap_dispatch_set_capability_value (fx->d, "exceptionBreakpointFilters",
	                                   json_from_string ("[{\"filter\":\"sqlstate\",\"label\":\"SQL errors\"}]", NULL));
	seq = fx_request (fx, "initialize", "{\"clientID\":\"test\"}");
	o = fx_response (fx, seq, "initialize", TRUE);
	caps = json_object_get_object_member (o, "body");
	g_assert_true (json_object_get_boolean_member (caps, "supportsStepBack"));
	g_assert_true (json_object_get_boolean_member (caps, "supportsRestartFrame"));
	g_assert_true (json_object_get_boolean_member (caps, "supportsDelayedStackTraceLoading"));
	g_assert_true (json_object_get_boolean_member (caps, "supportsCancelRequest"));
	g_assert_true (json_object_get_boolean_member (caps, "supportsConditionalBreakpoints"));
	g_assert_false (json_object_get_boolean_member (caps, "supportsTerminateRequest"));
	g_assert_cmpint (json_object_get_int_member (caps, "x-oxibase"), ==, 1);
	g_assert_cmpuint (json_array_get_length (json_object_get_array_member (caps, "exceptionBreakpointFilters")), ==, 1);
	/* Nothing else: no capability for a request that has no handler. */
	names = json_object_get_members (caps);
	g_assert_cmpuint (g_list_length (names), ==, 8);

	direct = dap_dispatch_capabilities (fx->d);
	g_assert_cmpuint (json_object_get_size (json_node_get_object (direct)), ==, 6);
	g_assert_false (json_object_has_member (json_node_get_object (direct), "supportsRestartRequest"));
}

static void
test_initialize_twice (Fx *fx, gconstpointer unused)
{
	gint64 seq;
	g_autofree char *m = NULL;

	fx_initialize (fx);
	seq = fx_request (fx, "initialize", "{\"clientID\":\"test\"}");
	m = fx_error (fx, seq, "initialize");
	g_assert_cmpstr (m, ==, "initialize was already received");
	g_assert_true (dap_dispatch_is_initialized (fx->d));
}

static void
test_unknown_command (Fx *fx, gconstpointer unused)
{
	gint64 seq;
	g_autofree char *m = NULL;

	fx_initialize (fx);
	seq = fx_request (fx, "frobnicate", "{}");
	m = fx_error (fx, seq, "frobnicate");
	g_assert_cmpstr (m, ==, "unrecognized request");
}

/* Malformed requests get error responses, and the session goes on. */
static void
test_malformed (Fx *fx, gconstpointer unused)
{
	const char *bad[] = {
		"{\"seq\":10,\"type\":\"request\"}",
		"{\"seq\":11,\"type\":\"request\",\"command\":42}",
		"{\"seq\":12,\"type\":\"request\",\"command\":null}",
		"{\"seq\":13,\"type\":\"request\",\"command\":\"threads\",\"arguments\":\"all\"}",
		"{\"seq\":14,\"type\":\"request\",\"command\":\"threads\",\"arguments\":[1]}",
	};
	g_autoptr (JsonObject) ok = NULL;
	gint64 seq;

	fx_initialize (fx);
	for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autoptr (GString) frame = test_frame (NULL, bad[i]);
		g_autoptr (JsonObject) o = NULL;

		fx_send_raw (fx, frame->str, frame->len);
		o = fx_recv (fx);
		g_assert_cmpint (json_object_get_int_member (o, "request_seq"), ==, 10 + (gint64) i);
		g_assert_false (json_object_get_boolean_member (o, "success"));
		g_assert_true (g_str_has_prefix (json_object_get_string_member (o, "message"), "malformed request: "));
	}
	/* Frames whose body is not a message: request_seq 0. */
	{
		g_autoptr (GString) frame = test_frame (NULL, "{\"seq\":");
		g_autoptr (JsonObject) o1 = NULL;
		g_autoptr (JsonObject) o2 = NULL;

		test_frame (frame, "[\"not\",\"an\",\"object\"]");
		fx_send_raw (fx, frame->str, frame->len);
		o1 = fx_response (fx, 0, "", FALSE);
		g_assert_true (g_str_has_prefix (json_object_get_string_member (o1, "message"),
		                                 "message body is not valid JSON"));
		o2 = fx_response (fx, 0, "", FALSE);
		g_assert_cmpstr (json_object_get_string_member (o2, "message"), ==,
		                 "message body is an array, not a JSON object");
	}
	/* Responses and events from the client are not requests: ignored. */
	{
		g_autoptr (GString) frame = test_frame (NULL, "{\"seq\":20,\"type\":\"event\",\"event\":\"x\"}");

		test_frame (frame, "{\"seq\":21,\"type\":\"response\",\"request_seq\":1}");
		fx_send_raw (fx, frame->str, frame->len);
	}
	fx->client_seq = 30;
	seq = fx_request (fx, "threads", "null");
	ok = fx_response (fx, seq, "threads", TRUE);
	g_assert_cmpuint (json_object_get_size (json_object_get_object_member (
		json_object_get_object_member (ok, "body"), "echo")), ==, 0);
	g_assert_cmpint (fx->n_closed, ==, 0);
}

static void
test_handler_error (Fx *fx, gconstpointer unused)
{
	gint64 seq;
	g_autoptr (JsonObject) o = NULL;
	g_autoptr (JsonObject) o2 = NULL;
	g_autoptr (JsonObject) o3 = NULL;
	JsonObject *m;

	fx_initialize (fx);
	seq = fx_request (fx, "evaluate", "{\"expression\":\"f()\"}");
	o = fx_response (fx, seq, "evaluate", FALSE);
	g_assert_cmpstr (json_object_get_string_member (o, "message"), ==, "no routine named {x}.f");
	m = json_object_get_object_member (json_object_get_object_member (o, "body"), "error");
	g_assert_cmpstr (json_object_get_string_member (m, "format"), ==, "no routine named {x}.f");
	g_assert_true (json_object_get_boolean_member (m, "showUser"));

	seq = fx_request (fx, "evaluate", "{\"how\":\"notStopped\"}");
	o2 = fx_response (fx, seq, "evaluate", FALSE);
	g_assert_cmpstr (json_object_get_string_member (o2, "message"), ==, "notStopped");
	g_assert_false (json_object_has_member (o2, "body"));

	seq = fx_request (fx, "evaluate", "{\"how\":\"cancelled\"}");
	o3 = fx_response (fx, seq, "evaluate", FALSE);
	g_assert_cmpstr (json_object_get_string_member (o3, "message"), ==, "cancelled");
}

/* A deferred reply answered from a thread, while a synchronous request is
 * answered in between; the thread's event comes before its response. */
static void
test_async_reply (Fx *fx, gconstpointer unused)
{
	gint64 slow, fast;
	g_autoptr (JsonObject) r1 = NULL;
	g_autoptr (JsonObject) r2 = NULL;
	g_autoptr (JsonObject) r3 = NULL;
	g_autoptr (JsonObject) r4 = NULL;

	fx_initialize (fx);
	slow = fx_request (fx, "stackTrace", "{\"threadId\":1,\"events\":2}");
	fast = fx_request (fx, "threads", NULL);
	/* The order between the thread and the context is not fixed; collect
	 * four messages and check each stream's own order. */
	r1 = fx_recv (fx);
	r2 = fx_recv (fx);
	r3 = fx_recv (fx);
	r4 = fx_recv (fx);
	{
		JsonObject *all[] = { r1, r2, r3, r4 };
		int ev = 0, slow_at = -1, fast_at = -1, ev_last = -1;

		for (int i = 0; i < 4; i++) {
			const char *type = json_object_get_string_member (all[i], "type");

			if (strcmp (type, "event") == 0) {
				g_assert_cmpstr (json_object_get_string_member (all[i], "event"), ==, "output");
				g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (all[i], "body"), "i"), ==, ev);
				ev++;
				ev_last = i;
			} else if (json_object_get_int_member (all[i], "request_seq") == slow) {
				g_assert_true (json_object_get_boolean_member (all[i], "success"));
				g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (all[i], "body"), "from"),
				                 ==, "thread");
				slow_at = i;
			} else {
				g_assert_cmpint (json_object_get_int_member (all[i], "request_seq"), ==, fast);
				fast_at = i;
			}
		}
		g_assert_cmpint (ev, ==, 2);
		g_assert_cmpint (slow_at, >, ev_last);
		g_assert_cmpint (fast_at, >=, 0);
	}
	fx_expect_silence (fx);
}

/* Many requests, synchronous and deferred, and events from threads: every
 * request is answered exactly once, and seq counts 1, 2, 3... (fx_recv). */
static void
test_seq_ordering (Fx *fx, gconstpointer unused)
{
	const int n = 40;
	g_autoptr (GHashTable) open = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
	int events = 0, responses = 0;

	fx_initialize (fx);
	for (int i = 0; i < n; i++) {
		gboolean slow = i % 3 == 0;
		gint64 *seq = g_new (gint64, 1);

		*seq = fx_request (fx, slow ? "stackTrace" : "threads", slow ? "{\"events\":3}" : NULL);
		g_hash_table_insert (open, seq, g_strdup (slow ? "stackTrace" : "threads"));
		/* Give each slow job time to start before the next replaces it. */
		if (slow) {
			while (responses + events < 1000 && g_hash_table_size (open) > 0) {
				g_autoptr (JsonObject) o = fx_recv (fx);

				if (strcmp (json_object_get_string_member (o, "type"), "event") == 0) {
					events++;
				} else {
					gint64 rs = json_object_get_int_member (o, "request_seq");

					g_assert_cmpstr (json_object_get_string_member (o, "command"), ==,
					                 g_hash_table_lookup (open, &rs));
					g_assert_true (g_hash_table_remove (open, &rs));
					responses++;
				}
			}
		}
	}
	while (g_hash_table_size (open) > 0) {
		g_autoptr (JsonObject) o = fx_recv (fx);

		if (strcmp (json_object_get_string_member (o, "type"), "event") == 0) {
			events++;
		} else {
			gint64 rs = json_object_get_int_member (o, "request_seq");

			g_assert_true (g_hash_table_remove (open, &rs));
			responses++;
		}
	}
	g_assert_cmpint (responses, ==, n);
	g_assert_cmpint (events, ==, 3 * ((n + 2) / 3));
	g_assert_cmpint (fx->expect_seq, ==, 1 + 1 + n + events);
	fx_expect_silence (fx);
}

/* `cancel` reaches a deferred request; that request answers "cancelled",
 * and cancel itself succeeds. */
static void
test_cancel (Fx *fx, gconstpointer unused)
{
	gint64 slow, cancel;
	g_autofree char *args = NULL;
	g_autoptr (JsonObject) a = NULL;
	g_autoptr (JsonObject) b = NULL;
	g_autoptr (JsonObject) c = NULL;

	fx_initialize (fx);
	slow = fx_request (fx, "stackTrace", "{\"waitCancel\":true}");
	cancel = fx_request (fx, "cancel", "{\"requestId\":999}");   /* unknown: a no-op */
	a = fx_response (fx, cancel, "cancel", TRUE);
	args = g_strdup_printf ("{\"requestId\":%" G_GINT64_FORMAT "}", slow);
	cancel = fx_request (fx, "cancel", args);
	b = fx_response (fx, cancel, "cancel", TRUE);
	c = fx_response (fx, slow, "stackTrace", FALSE);
	g_assert_cmpstr (json_object_get_string_member (c, "message"), ==, "cancelled");
	fx_expect_silence (fx);
}

/* A deferred reply released without an answer still gets one. */
static void
test_dropped_reply (Fx *fx, gconstpointer unused)
{
	gint64 seq;
	g_autofree char *m = NULL;

	fx_initialize (fx);
	seq = fx_request (fx, "stackTrace", "{\"drop\":true}");
	m = fx_error (fx, seq, "stackTrace");
	g_assert_cmpstr (m, ==, "request \"stackTrace\" was dropped by its handler");
}

static gpointer
late_finish_thread (gpointer data)
{
	dap_reply_finish (data, json_from_string ("{\"late\":true}", NULL));
	return NULL;
}

/* The client goes away while a request is deferred: "closed" once, with
 * no error (a clean end of stream), the request's cancellable is
 * cancelled, and the late answer from a thread is dropped quietly. */
static void
test_disconnect_mid_request (Fx *fx, gconstpointer unused)
{
	gboolean closed = FALSE;
	GThread *t;

	fx_initialize (fx);
	fx_request (fx, "variables", "{\"variablesReference\":1}");
	while (fx->held == NULL)
		g_main_context_iteration (NULL, TRUE);
	g_assert_false (g_cancellable_is_cancelled (dap_reply_get_cancellable (fx->held)));
	g_assert_true (g_io_stream_close (G_IO_STREAM (fx->client), NULL, NULL));
	while (!closed) {
		g_main_context_iteration (NULL, TRUE);
		closed = fx->n_closed > 0;
	}
	g_assert_cmpint (fx->n_closed, ==, 1);
	g_assert_no_error (fx->closed_error);
	g_assert_true (dap_dispatch_is_closed (fx->d));
	g_assert_true (g_cancellable_is_cancelled (dap_reply_get_cancellable (fx->held)));

	t = g_thread_new ("late", late_finish_thread, g_steal_pointer (&fx->held));
	g_thread_join (t);
	/* Events after the end are dropped too; the owner lets go while the
	 * late answer may still be queued. */
	dap_dispatch_send_event (fx->d, "output", NULL);
	g_clear_object (&fx->d);
	test_settle ();
	g_assert_cmpint (fx->n_closed, ==, 1);
}

/* A framing error from the client ends the session with that error, after
 * an error response (request_seq 0: no request can be named) that says
 * why. */
static void
test_framing_error_closes (Fx *fx, gconstpointer unused)
{
	const char *junk = "Content-Length: -1\r\n\r\n";
	g_autofree char *why = NULL;

	fx_initialize (fx);
	fx_send_raw (fx, junk, strlen (junk));
	while (fx->n_closed == 0)
		g_main_context_iteration (NULL, TRUE);
	g_assert_error (fx->closed_error, DAP_CODEC_ERROR, DAP_CODEC_ERROR_BAD_CONTENT_LENGTH);
	why = fx_error (fx, 0, "");
	g_assert_nonnull (strstr (why, "Content-Length"));
	g_assert_nonnull (strstr (why, "closing the connection"));
	fx_expect_silence (fx);
}

/* dap_dispatch_close from a handler: the handler's event and response go
 * out, then the session ends. */
static void
test_close_from_handler (Fx *fx, gconstpointer unused)
{
	gint64 seq;
	g_autoptr (JsonObject) ev = NULL;
	g_autoptr (JsonObject) r = NULL;

	fx_initialize (fx);
	seq = fx_request (fx, "disconnect", NULL);
	ev = fx_recv (fx);
	g_assert_cmpstr (json_object_get_string_member (ev, "event"), ==, "terminated");
	r = fx_response (fx, seq, "disconnect", TRUE);
	g_assert_cmpint (fx->n_closed, ==, 1);
	g_assert_no_error (fx->closed_error);
	/* Nothing is read any more. */
	fx_request (fx, "threads", NULL);
	fx_expect_silence (fx);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add ("/dap/dispatch/" path, Fx, NULL, fx_setup, fn, fx_teardown)
	ADD ("before-initialize", test_before_initialize);
	ADD ("initialize/capabilities", test_capabilities);
	ADD ("initialize/twice", test_initialize_twice);
	ADD ("unknown-command", test_unknown_command);
	ADD ("malformed", test_malformed);
	ADD ("handler-error", test_handler_error);
	ADD ("async/reply-from-thread", test_async_reply);
	ADD ("async/seq-ordering", test_seq_ordering);
	ADD ("async/cancel", test_cancel);
	ADD ("async/dropped-reply", test_dropped_reply);
	ADD ("close/disconnect-mid-request", test_disconnect_mid_request);
	ADD ("close/framing-error", test_framing_error_closes);
	ADD ("close/from-handler", test_close_from_handler);
#undef ADD

	return g_test_run ();
}

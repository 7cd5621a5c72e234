/*
 * test-dap-relay.c — remote debugging end to end without the server
 * program: a debug port (dap-listener, raw TCP) and a WebSocket endpoint
 * (libsoup's server, as /api/dap) over a debug hub with server-like
 * sessions, and a client that speaks to oxibase-dap's relay
 * (dap_relay_run) which connects to them from an `attach` with
 * host/port or url.
 *
 * It pins down: the relay answers initialize itself and replays it to
 * the server; a session's breakpoint stop arrives through both
 * transports; a token refused by the server fails the attach; a server
 * that is not there fails the attach with the reason; and disconnecting
 * through the relay resumes the stopped session.
 */
#include <string.h>

#include "dap-listener.h"
#include "dap-relay.h"
#include "dap-test-client.h"
#include "dap-test-sessions.h"

/* ---- the server side: its own thread and main context ------------------------------------------------ */

typedef struct {
	OxDebugHub   *hub;
	GThread      *thread;
	GMainContext *ctx;
	GMainLoop    *loop;
	DapListener  *listener;
	SoupServer   *http;
	guint16       dap_port, http_port;
	GMutex        lock;
	GCond         cond;
	gboolean      up;
} Srv;

static void
on_websocket (SoupServer *server, SoupServerMessage *msg, const char *path, SoupWebsocketConnection *ws,
              gpointer user)
{
	Srv *srv = user;
	(void) server;
	(void) path;
	/* as oxibase-server does: the upgrade's bearer token goes to the
	 * listener, whose auth (check_token) refuses a bad one */
	const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
	dap_listener_serve_websocket (srv->listener, ws,
	                              auth && g_str_has_prefix (auth, "Bearer ") ? auth + 7 : NULL);
}

/* libsoup before 3.3 keeps one reference too many to every socket it
 * accepts (fixed upstream in 3.3); the server drops it the same way in
 * server/http/http-server.c, compensate_listener_leak. */
static void
early_cb (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
	(void) server;
	(void) query;
	(void) data;
	/* and it keeps idle kept-alive connections until it is freed: close
	 * every connection that is not a WebSocket after its answer */
	if (strcmp (path, "/api/dap"))
		soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
#if !SOUP_CHECK_VERSION (3, 3, 0)
	if (soup_get_major_version () != 3 || soup_get_minor_version () >= 3)
		return;
	GSocket *sock = soup_server_message_get_socket (msg);
	if (sock && !g_object_get_data (G_OBJECT (sock), "test-listener-ref-dropped")) {
		g_object_set_data (G_OBJECT (sock), "test-listener-ref-dropped", GINT_TO_POINTER (1));
		g_object_unref (sock);
	}
#else
	(void) msg;
#endif
}

static gpointer
srv_main (gpointer data)
{
	Srv *srv = data;
	g_main_context_push_thread_default (srv->ctx);
	GError *error = NULL;
	srv->listener = dap_listener_new (srv->hub, check_token, NULL, 4);
	g_assert_true (dap_listener_listen (srv->listener, "127.0.0.1", 0, &srv->dap_port, &error));
	g_assert_no_error (error);
	srv->http = soup_server_new (NULL, NULL);
	soup_server_add_early_handler (srv->http, NULL, early_cb, srv, NULL);
	soup_server_add_websocket_handler (srv->http, "/api/dap", NULL, NULL, on_websocket, srv, NULL);
	/* handlers are per path: the NULL-path early handler is not called for
	 * /api/dap without this */
	soup_server_add_early_handler (srv->http, "/api/dap", early_cb, srv, NULL);
	/* soup_server_listen, not _listen_local: the latter leaks an address
	 * object in libsoup 3.2 */
	GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
	GSocketAddress *sa = g_inet_socket_address_new (lo, 0);
	g_assert_true (soup_server_listen (srv->http, sa, 0, &error));
	g_object_unref (sa);
	g_object_unref (lo);
	g_assert_no_error (error);
	/* the port from the listening socket (soup_server_get_uris leaks its
	 * addresses in libsoup 3.2) */
	GSList *listeners = soup_server_get_listeners (srv->http);
	GSocketAddress *bound = g_socket_get_local_address (listeners->data, &error);
	g_slist_free (listeners);
	g_assert_no_error (error);
	srv->http_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
	g_object_unref (bound);
	g_mutex_lock (&srv->lock);
	srv->up = TRUE;
	g_cond_signal (&srv->cond);
	g_mutex_unlock (&srv->lock);
	g_main_loop_run (srv->loop);
	soup_server_disconnect (srv->http);
	g_object_unref (srv->http);
	dap_listener_free (srv->listener);
	while (g_main_context_iteration (srv->ctx, FALSE))
		;
	g_main_context_pop_thread_default (srv->ctx);
	return NULL;
}

static void
srv_start (Srv *srv, OxDebugHub *hub)
{
	memset (srv, 0, sizeof *srv);
	srv->hub = hub;
	srv->ctx = g_main_context_new ();
	srv->loop = g_main_loop_new (srv->ctx, FALSE);
	g_mutex_init (&srv->lock);
	g_cond_init (&srv->cond);
	srv->thread = g_thread_new ("server", srv_main, srv);
	g_mutex_lock (&srv->lock);
	while (!srv->up)
		g_cond_wait (&srv->cond, &srv->lock);
	g_mutex_unlock (&srv->lock);
}

static void
srv_stop (Srv *srv)
{
	g_main_loop_quit (srv->loop);
	g_main_context_wakeup (srv->ctx);
	g_thread_join (srv->thread);
	g_main_loop_unref (srv->loop);
	g_main_context_unref (srv->ctx);
	g_mutex_clear (&srv->lock);
	g_cond_clear (&srv->cond);
}

/* ---- the relay, as oxibase-dap runs it ------------------------------------------------------------------- */

static gpointer
relay_main (gpointer data)
{
	Fx *fx = data;
	fx->exit_code = dap_relay_run (G_IO_STREAM (fx->server));
	g_io_stream_close (G_IO_STREAM (fx->server), NULL, NULL);
	return NULL;
}

static void
relay_start (Fx *fx)
{
	memset (fx, 0, sizeof *fx);
	test_socket_pair (&fx->server, &fx->client);
	fx->seq = 1;
	fx->buf = g_string_new (NULL);
	fx->backlog = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
	g_socket_set_timeout (g_socket_connection_get_socket (fx->client), TEST_DEADLINE_S);
	fx->thread = g_thread_new ("relay", relay_main, fx);
}

static void
relay_stop (Fx *fx)
{
	g_io_stream_close (G_IO_STREAM (fx->client), NULL, NULL);
	g_thread_join (fx->thread);
	g_object_unref (fx->client);
	g_object_unref (fx->server);
	g_string_free (fx->buf, TRUE);
	g_ptr_array_unref (fx->backlog);
}

/* ---- tests ------------------------------------------------------------------------------------------------- */

/* Debug one session through the relay attached with attach_args. */
static void
debug_through (const char *transport)
{
	OxDatabase *db = demo_db ();
	OxDebugHub *hub = ox_debug_hub_new ();
	Srv srv;
	srv_start (&srv, hub);
	Sess s1;
	sess_start (&s1, hub, db, 401, "alice", "psql");
	sess_send (&s1, "SELECT 1");
	sess_expect (&s1, "ok: 1");

	Fx fx;
	relay_start (&fx);
	JsonObject *r = fx_call (&fx, "initialize", "{\"adapterID\":\"oxibase\"}", TRUE);
	/* answered by the relay's local adapter: its capabilities */
	g_assert_true (json_object_get_boolean_member (body (r), "supportsConfigurationDoneRequest"));
	json_object_unref (r);
	char *args = !strcmp (transport, "tcp")
	                     ? g_strdup_printf ("{\"host\":\"127.0.0.1\",\"port\":%u,\"token\":\"good-token\"}", srv.dap_port)
	                     : g_strdup_printf ("{\"url\":\"ws://127.0.0.1:%u/api/dap\",\"token\":\"good-token\"}",
	                                        srv.http_port);
	json_object_unref (fx_call (&fx, "attach", args, TRUE));
	g_free (args);
	json_object_unref (fx_event (&fx, "initialized"));
	json_object_unref (fx_call (&fx, "setFunctionBreakpoints", "{\"breakpoints\":[{\"name\":\"bump\"}]}", TRUE));
	json_object_unref (fx_call (&fx, "configurationDone", NULL, TRUE));
	r = fx_call (&fx, "threads", NULL, TRUE);
	JsonArray *ts = json_object_get_array_member (body (r), "threads");
	g_assert_cmpuint (json_array_get_length (ts), ==, 1);
	g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (ts, 0), "id"), ==, 401);
	json_object_unref (r);

	sess_send (&s1, "SELECT bump(41)");
	JsonObject *e = fx_event (&fx, "stopped");
	g_assert_cmpint (json_object_get_int_member (body (e), "threadId"), ==, 401);
	json_object_unref (e);
	r = fx_call (&fx, "stackTrace", "{\"threadId\":401}", TRUE);
	JsonObject *f = json_array_get_object_element (json_object_get_array_member (body (r), "stackFrames"), 0);
	g_assert_cmpstr (json_object_get_string_member (f, "name"), ==, "bump(41)");
	json_object_unref (r);
	g_assert_null (sess_result (&s1, 100));
	/* leaving resumes alice */
	json_object_unref (fx_call (&fx, "disconnect", NULL, TRUE));
	sess_expect (&s1, "ok: 42");
	relay_stop (&fx);

	sess_stop (&s1);
	srv_stop (&srv);
	ox_debug_hub_free (hub);
	ox_db_close (db);
}

static void
test_tcp (void)
{
	debug_through ("tcp");
}

static void
test_websocket (void)
{
	debug_through ("websocket");
}

static void
test_refusals (void)
{
	OxDebugHub *hub = ox_debug_hub_new ();
	Srv srv;
	srv_start (&srv, hub);
	struct {
		const char *args_fmt;
		const char *message;
	} cases[] = {
		{ "{\"host\":\"127.0.0.1\",\"port\":%u,\"token\":\"bad\"}", "not valid" },
		{ "{\"url\":\"ws://127.0.0.1:%u/api/dap\",\"token\":\"bad\"}", "closed" },
		{ "{\"url\":\"ws://127.0.0.1:%u/nothing-here\",\"token\":\"good-token\"}", "WebSocket" },
		{ "{\"host\":\"127.0.0.1\",\"port\":1,\"token\":\"good-token\"}", "cannot connect" },
	};
	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		Fx fx;
		relay_start (&fx);
		json_object_unref (fx_call (&fx, "initialize", "{\"adapterID\":\"oxibase\"}", TRUE));
		guint port = strstr (cases[i].args_fmt, "url") ? srv.http_port : srv.dap_port;
		char *args = g_strdup_printf (cases[i].args_fmt, port);
		g_test_message ("case %u: %s", i, args);
		gint64 seq = fx_send (&fx, "attach", args);
		g_free (args);
		JsonObject *r = fx_wait (&fx, is_response, &seq);
		g_assert_false (json_object_get_boolean_member (r, "success"));
		const char *m = json_object_get_string_member (r, "message");
		if (!strstr (m, cases[i].message))
			g_error ("case %u: \"%s\" does not say \"%s\"", i, m, cases[i].message);
		json_object_unref (r);
		relay_stop (&fx);
	}
	srv_stop (&srv);
	ox_debug_hub_free (hub);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/dap/relay/tcp", test_tcp);
	g_test_add_func ("/dap/relay/websocket", test_websocket);
	g_test_add_func ("/dap/relay/refusals", test_refusals);
	return g_test_run ();
}

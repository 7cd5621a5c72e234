/*
 * ox-remote-dap.c — the DAP channel of a remote connection: the server's
 * WebSocket /api/dap (the token in the upgrade request), carried to a
 * DapClient over a socket pair by dap-ws-bridge.
 *
 * The bridge runs on a thread of its own with its own main context and
 * SoupSession: its writes to the socket pair block, and the DapClient
 * reads the other end on the caller's main loop, so the two must not
 * share a thread (a large variables answer would otherwise fill the
 * socket's buffer with nobody reading it).
 *
 * What can go wrong: the server cannot be reached or refuses the upgrade
 * (the open fails with OX_CONNECTION_ERROR_FAILED and the reason); a
 * token the server no longer accepts closes the WebSocket at once (1008),
 * which closes the DapClient.  Closing the DapClient ends the bridge and
 * its thread; closing the connection ends every bridge and joins them.
 */
#define G_LOG_DOMAIN "ox-client"

#include "ox-remote-connection.h"
#include "dap-ws-bridge.h"

#include <errno.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/socket.h>

typedef struct {
	GThread                 *thread;
	GMainContext            *ctx;     /* the bridge's */
	GMainLoop               *loop;
	char                    *url;     /* http(s)://host:port/api/dap */
	char                    *token;
	GIOStream               *framed;  /* the bridge's end of the pair */
	GIOStream               *mine;    /* the DapClient's end, until handed over */
	SoupWebsocketConnection *ws;
	DapWsBridge             *bridge;
	GTask                   *task;    /* until the WebSocket is up or failed */
	gint                     ended;   /* atomic: the thread left its loop */
} Bridge;

static GQuark bridges_quark;

static void
bridge_closed_cb (DapWsBridge *bridge, gpointer user)
{
	Bridge *b = user;
	(void) bridge;
	g_main_loop_quit (b->loop);
}

static void
ws_connected_cb (GObject *source, GAsyncResult *result, gpointer user)
{
	Bridge *b = user;
	GError *error = NULL;
	b->ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
	GTask *task = g_steal_pointer (&b->task);
	if (!b->ws) {
		g_task_return_new_error (task, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED,
		                         "Cannot open the debugger channel (%s): %s", b->url, error->message);
		g_error_free (error);
		g_object_unref (task);
		g_main_loop_quit (b->loop);
		return;
	}
	b->bridge = dap_ws_bridge_new (b->ws, b->framed, bridge_closed_cb, b);
	g_task_return_pointer (task, g_steal_pointer (&b->mine), g_object_unref);
	g_object_unref (task);
}

static gpointer
bridge_main (gpointer data)
{
	Bridge *b = data;
	g_main_context_push_thread_default (b->ctx);
	SoupSession *session = soup_session_new ();
	SoupMessage *msg = soup_message_new ("GET", b->url);
	g_autofree char *auth = g_strdup_printf ("Bearer %s", b->token);
	soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
	soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL, ws_connected_cb, b);
	g_main_loop_run (b->loop);
	if (b->task) {
		/* stopped before the server answered the upgrade */
		g_task_return_new_error (b->task, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_CLOSED,
		                         "the connection was closed");
		g_clear_object (&b->task);
	}
	g_object_unref (msg);
	dap_ws_bridge_free (b->bridge);
	b->bridge = NULL;
	g_io_stream_close (b->framed, NULL, NULL);
	g_clear_object (&b->ws);
	g_object_unref (session);
	/* let pending closes run before the context goes */
	while (g_main_context_iteration (b->ctx, FALSE))
		;
	g_main_context_pop_thread_default (b->ctx);
	g_atomic_int_set (&b->ended, 1);
	return NULL;
}

static gboolean
quit_cb (gpointer data)
{
	Bridge *b = data;
	g_main_loop_quit (b->loop);
	return G_SOURCE_REMOVE;
}

static void
bridge_free (gpointer data)
{
	Bridge *b = data;
	if (b->thread) {
		GSource *src = g_idle_source_new ();
		g_source_set_callback (src, quit_cb, b, NULL);
		g_source_attach (src, b->ctx);
		g_source_unref (src);
		g_thread_join (b->thread);
	}
	g_main_loop_unref (b->loop);
	g_main_context_unref (b->ctx);
	g_clear_object (&b->framed);
	g_clear_object (&b->mine);
	g_free (b->url);
	if (b->token)
		explicit_bzero (b->token, strlen (b->token));
	g_free (b->token);
	g_free (b);
}

static gboolean
socket_pair (GIOStream **a, GIOStream **b, GError **error)
{
	int fds[2];
	if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
		int e = errno;
		g_set_error (error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED, "socketpair: %s", g_strerror (e));
		return FALSE;
	}
	GSocket *sa = g_socket_new_from_fd (fds[0], NULL);
	GSocket *sb = g_socket_new_from_fd (fds[1], NULL);
	*a = G_IO_STREAM (g_socket_connection_factory_create_connection (sa));
	*b = G_IO_STREAM (g_socket_connection_factory_create_connection (sb));
	g_object_unref (sa);
	g_object_unref (sb);
	return TRUE;
}

void
ox_remote_dap_open_async (OxConnection *conn, GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
	OxRemoteConnection *self = OX_REMOTE_CONNECTION (conn);
	GTask *task = g_task_new (conn, cancellable, callback, user_data);
	g_task_set_source_tag (task, ox_remote_dap_open_async);
	const char *token = ox_remote_connection_get_token (self);
	if (!token) {
		g_task_return_new_error (task, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_CLOSED, "the connection is closed");
		g_object_unref (task);
		return;
	}
	Bridge *b = g_new0 (Bridge, 1);
	GError *error = NULL;
	if (!socket_pair (&b->mine, &b->framed, &error)) {
		g_free (b);
		g_task_return_error (task, error);
		g_object_unref (task);
		return;
	}
	b->ctx = g_main_context_new ();
	b->loop = g_main_loop_new (b->ctx, FALSE);
	b->url = g_strconcat (ox_remote_connection_get_url (self), "/api/dap", NULL);
	b->token = g_strdup (token);
	b->task = task;
	if (!bridges_quark)
		bridges_quark = g_quark_from_static_string ("ox-remote-dap-bridges");
	GPtrArray *list = g_object_get_qdata (G_OBJECT (self), bridges_quark);
	if (!list) {
		list = g_ptr_array_new_with_free_func (bridge_free);
		g_object_set_qdata_full (G_OBJECT (self), bridges_quark, list, (GDestroyNotify) g_ptr_array_unref);
	}
	/* bridges whose thread ended (their client closed) are joined here */
	for (guint i = list->len; i > 0; i--) {
		Bridge *old = list->pdata[i - 1];
		if (g_atomic_int_get (&old->ended))
			g_ptr_array_remove_index (list, i - 1);
	}
	g_ptr_array_add (list, b);
	b->thread = g_thread_new ("ox-remote-dap", bridge_main, b);
}

DapClient *
ox_remote_dap_open_finish (OxConnection *conn, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (g_task_is_valid (result, conn), NULL);
	g_autoptr (GIOStream) stream = g_task_propagate_pointer (G_TASK (result), error);
	if (!stream)
		return NULL;
	return dap_client_new (stream);
}

void
ox_remote_dap_stop_all (OxRemoteConnection *self)
{
	if (!bridges_quark)
		return;
	GPtrArray *list = g_object_get_qdata (G_OBJECT (self), bridges_quark);
	if (list)
		g_ptr_array_set_size (list, 0);
}

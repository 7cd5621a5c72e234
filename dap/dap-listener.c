/*
 * dap-listener.c — the debug port's clients, each an attach-mode adapter
 * on a thread of its own (see dap-listener.h).
 *
 * The listener's own GSocketService accepts on the context that was
 * thread-default when it was created (the server's main loop); accepting
 * only starts a thread.  Each Client records its adapter while it runs,
 * under the lock, so dap_listener_free can ask every running adapter to
 * quit and then join the threads.
 */
#include "dap-listener.h"

#include <sys/socket.h>

#include "dap-ws-bridge.h"

typedef struct {
	DapListener *self;
	GIOStream   *stream;
	char        *token;     /* a WebSocket's, checked before the adapter runs; NULL for TCP */
	DapAdapter  *adapter;   /* under self->lock, while it runs */
	GThread     *thread;
	gboolean     done;      /* under self->lock: the thread is finishing */
} Client;

struct _DapListener {
	OxDebugHub       *hub;
	DapAuthFunc       auth;
	gpointer          auth_data;
	guint             max_clients;
	GSocketService   *service;
	GMutex            lock;
	GPtrArray        *clients;  /* Client*, under lock */
	gboolean          closing;  /* under lock */
};

static gpointer
client_main (gpointer data)
{
	Client *c = data;
	DapListener *self = c->self;
	GMainContext *ctx = g_main_context_new ();
	g_main_context_push_thread_default (ctx);
	char *only_user = NULL;
	GError *error = NULL;
	gboolean refused = c->token && self->auth && !self->auth (c->token, self->auth_data, &only_user, &error);
	g_clear_error (&error);
	DapAdapter *a = dap_adapter_new_attach (c->stream, self->hub, c->token ? NULL : self->auth, self->auth_data);
	if (c->token)
		dap_adapter_set_only_user (a, only_user);
	g_free (only_user);
	g_mutex_lock (&self->lock);
	gboolean closing = self->closing;
	c->adapter = a;
	g_mutex_unlock (&self->lock);
	if (!closing && !refused)
		dap_adapter_run (a);
	g_mutex_lock (&self->lock);
	c->adapter = NULL;
	c->done = TRUE;
	g_mutex_unlock (&self->lock);
	dap_adapter_free (a);
	g_io_stream_close (c->stream, NULL, NULL);
	g_main_context_pop_thread_default (ctx);
	g_main_context_unref (ctx);
	return NULL;
}

/* Join and forget clients whose threads have finished; under lock. */
static void
reap_locked (DapListener *self)
{
	for (guint i = 0; i < self->clients->len;) {
		Client *c = self->clients->pdata[i];
		if (!c->done) {
			i++;
			continue;
		}
		g_ptr_array_remove_index_fast (self->clients, i);
		g_thread_join (c->thread);
		g_object_unref (c->stream);
		g_free (c->token);
		g_free (c);
	}
}

static gboolean
serve (DapListener *self, GIOStream *stream, const char *token)
{
	g_mutex_lock (&self->lock);
	reap_locked (self);
	if (self->closing || self->clients->len >= self->max_clients) {
		g_mutex_unlock (&self->lock);
		return FALSE;
	}
	Client *c = g_new0 (Client, 1);
	c->self = self;
	c->stream = g_object_ref (stream);
	c->token = g_strdup (token);
	g_ptr_array_add (self->clients, c);
	c->thread = g_thread_new ("dap-client", client_main, c);
	g_mutex_unlock (&self->lock);
	return TRUE;
}

static gboolean
on_incoming (GSocketService *service, GSocketConnection *conn, GObject *source, gpointer user)
{
	(void) service;
	(void) source;
	DapListener *self = user;
	/* blocking I/O on the client's own thread, and no timeout: a
	 * debugging session may sit idle for as long as its user likes */
	g_socket_set_blocking (g_socket_connection_get_socket (conn), TRUE);
	if (!serve (self, G_IO_STREAM (conn), NULL))
		g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
	return TRUE;
}

DapListener *
dap_listener_new (OxDebugHub *hub, DapAuthFunc auth, gpointer auth_data, guint max_clients)
{
	g_return_val_if_fail (hub != NULL, NULL);
	DapListener *self = g_new0 (DapListener, 1);
	self->hub = hub;
	self->auth = auth;
	self->auth_data = auth_data;
	self->max_clients = max_clients ? max_clients : 16;
	g_mutex_init (&self->lock);
	self->clients = g_ptr_array_new ();
	return self;
}

gboolean
dap_listener_listen (DapListener *self, const char *address, guint16 port, guint16 *bound, GError **error)
{
	g_return_val_if_fail (self->service == NULL, FALSE);
	GInetAddress *ia = g_inet_address_new_from_string (address ? address : "127.0.0.1");
	if (!ia) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "\"%s\" is not an IP address", address);
		return FALSE;
	}
	GSocketAddress *sa = g_inet_socket_address_new (ia, port);
	g_object_unref (ia);
	GSocketService *service = g_socket_service_new ();
	GSocketAddress *effective = NULL;
	gboolean ok = g_socket_listener_add_address (G_SOCKET_LISTENER (service), sa, G_SOCKET_TYPE_STREAM,
	                                             G_SOCKET_PROTOCOL_TCP, NULL, &effective, error);
	g_object_unref (sa);
	if (!ok) {
		g_object_unref (service);
		return FALSE;
	}
	if (bound)
		*bound = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
	g_object_unref (effective);
	g_signal_connect (service, "incoming", G_CALLBACK (on_incoming), self);
	g_socket_service_start (service);
	self->service = service;
	return TRUE;
}

/* ---- WebSockets ---------------------------------------------------------------------------------------- */

static gboolean
free_bridge_idle (gpointer data)
{
	dap_ws_bridge_free (data);
	return G_SOURCE_REMOVE;
}

static void
bridge_closed (DapWsBridge *bridge, gpointer user)
{
	(void) user;
	/* not inside its own callback */
	g_idle_add (free_bridge_idle, bridge);
}

void
dap_listener_serve_websocket (DapListener *self, SoupWebsocketConnection *ws, const char *token)
{
	int fds[2];
	if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
		soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_SERVER_ERROR, "out of resources");
		return;
	}
	GSocket *sa = g_socket_new_from_fd (fds[0], NULL);
	GSocket *sb = g_socket_new_from_fd (fds[1], NULL);
	GIOStream *ours = G_IO_STREAM (g_socket_connection_factory_create_connection (sa));
	GIOStream *theirs = G_IO_STREAM (g_socket_connection_factory_create_connection (sb));
	g_object_unref (sa);
	g_object_unref (sb);
	if (serve (self, theirs, token ? token : ""))
		dap_ws_bridge_new (ws, ours, bridge_closed, NULL);
	else
		soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "too many debugging clients");
	g_object_unref (ours);
	g_object_unref (theirs);
}

void
dap_listener_free (DapListener *self)
{
	if (!self)
		return;
	if (self->service) {
		g_socket_service_stop (self->service);
		g_socket_listener_close (G_SOCKET_LISTENER (self->service));
		g_object_unref (self->service);
	}
	g_mutex_lock (&self->lock);
	self->closing = TRUE;
	for (guint i = 0; i < self->clients->len; i++) {
		Client *c = self->clients->pdata[i];
		if (c->adapter)
			dap_adapter_quit (c->adapter);
	}
	g_mutex_unlock (&self->lock);
	/* the threads end once their adapters quit */
	for (guint i = 0; i < self->clients->len; i++) {
		Client *c = self->clients->pdata[i];
		g_thread_join (c->thread);
		g_object_unref (c->stream);
		g_free (c->token);
		g_free (c);
	}
	g_ptr_array_unref (self->clients);
	g_mutex_clear (&self->lock);
	g_free (self);
}

/*
 * ox-embedded-dap.c — the DAP channel of an embedded connection: a socket
 * pair with the debug adapter (dap/) on a thread of its own at one end,
 * running its own main context, and a DapClient for the caller at the
 * other.  The workstation thereby speaks DAP to the engine in this process
 * exactly as it will to a server: one code path.
 *
 * The adapter borrows the connection's OxDatabase (a directory cannot be
 * opened twice — it is flock()ed — and ":memory:" would be another, empty
 * database), so closing the connection first ends every debug session:
 * shutting the adapter's socket down makes its reader see end of stream,
 * it terminates the script (rolling back the paused transaction) and its
 * thread is joined before the database closes.
 *
 * What can go wrong: socketpair() failing (out of descriptors) fails the
 * open with the system's message; a connection already closed fails with
 * OX_CONNECTION_ERROR_CLOSED.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dap-adapter-embedded.h"
#include "ox-embedded-connection.h"

typedef struct {
	GThread           *thread;
	GSocketConnection *server;   /* the adapter's end */
	OxDatabase        *db;
	gint               done;     /* atomic: the adapter returned */
} Session;

static GMutex sessions_lock;     /* guards every connection's session list */
#define SESSIONS_KEY "ox-embedded-dap-sessions"

static gpointer
adapter_main (gpointer data)
{
	Session *s = data;
	GMainContext *ctx = g_main_context_new ();
	g_main_context_push_thread_default (ctx);
	DapAdapter *a = dap_adapter_new_for_database (G_IO_STREAM (s->server), s->db);
	dap_adapter_run (a);
	dap_adapter_free (a);
	/* the client sees end of stream ("closed") */
	g_io_stream_close (G_IO_STREAM (s->server), NULL, NULL);
	/* NOTE: not iterated after dap_adapter_free: a second quit_soon idle
	 * (disconnect, then the stream's close) may still be queued and points
	 * at the freed adapter; unreffing the context destroys it unrun. */
	g_main_context_pop_thread_default (ctx);
	g_main_context_unref (ctx);
	g_atomic_int_set (&s->done, 1);
	return NULL;
}

static void
session_end (Session *s)
{
	/* wakes the adapter's reader with end of stream */
	g_socket_shutdown (g_socket_connection_get_socket (s->server), TRUE, TRUE, NULL);
	g_thread_join (s->thread);
	g_object_unref (s->server);
	g_free (s);
}

/* Join sessions that ended by themselves (all when all is TRUE). */
static void
reap (OxEmbeddedConnection *self, gboolean all)
{
	g_mutex_lock (&sessions_lock);
	GPtrArray *list = g_object_get_data (G_OBJECT (self), SESSIONS_KEY);
	GPtrArray *ending = g_ptr_array_new ();
	for (guint i = 0; list && i < list->len;) {
		Session *s = list->pdata[i];
		if (all || g_atomic_int_get (&s->done))
			g_ptr_array_add (ending, g_ptr_array_steal_index (list, i));
		else
			i++;
	}
	g_mutex_unlock (&sessions_lock);
	for (guint i = 0; i < ending->len; i++)
		session_end (ending->pdata[i]);
	g_ptr_array_unref (ending);
}

void
ox_embedded_dap_stop_all (OxEmbeddedConnection *self)
{
	reap (self, TRUE);
}

static GSocketConnection *
wrap_fd (int fd, GError **error)
{
	GSocket *sock = g_socket_new_from_fd (fd, error);
	if (!sock) {
		close (fd);
		return NULL;
	}
	GSocketConnection *c = g_socket_connection_factory_create_connection (sock);
	g_object_unref (sock);
	return c;
}

void
ox_embedded_dap_open_async (OxConnection *conn, GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
	OxEmbeddedConnection *self = OX_EMBEDDED_CONNECTION (conn);
	GTask *task = g_task_new (self, cancellable, callback, user_data);
	g_task_set_source_tag (task, ox_embedded_dap_open_async);
	reap (self, FALSE);
	OxDatabase *db = ox_embedded_connection_get_database (self);
	if (!db) {
		g_task_return_new_error (task, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_CLOSED, "the connection is closed");
		g_object_unref (task);
		return;
	}
	int fds[2];
	if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
		int err = errno;
		g_task_return_new_error (task, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED,
		                         "cannot start the debugger: %s", g_strerror (err));
		g_object_unref (task);
		return;
	}
	GError *error = NULL;
	GSocketConnection *server = wrap_fd (fds[0], &error);
	GSocketConnection *client = server ? wrap_fd (fds[1], &error) : NULL;
	if (!server)
		close (fds[1]);
	if (!client) {
		g_clear_object (&server);
		g_task_return_new_error (task, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED,
		                         "cannot start the debugger: %s", error->message);
		g_error_free (error);
		g_object_unref (task);
		return;
	}
	Session *s = g_new0 (Session, 1);
	s->server = server;
	s->db = db;
	s->thread = g_thread_new ("ox-dap-adapter", adapter_main, s);
	g_mutex_lock (&sessions_lock);
	GPtrArray *list = g_object_get_data (G_OBJECT (self), SESSIONS_KEY);
	if (!list) {
		list = g_ptr_array_new ();
		g_object_set_data_full (G_OBJECT (self), SESSIONS_KEY, list, (GDestroyNotify) g_ptr_array_unref);
	}
	g_ptr_array_add (list, s);
	g_mutex_unlock (&sessions_lock);
	DapClient *dc = dap_client_new (G_IO_STREAM (client));
	g_object_unref (client);
	g_task_return_pointer (task, dc, g_object_unref);
	g_object_unref (task);
}

DapClient *
ox_embedded_dap_open_finish (OxConnection *conn, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (g_task_is_valid (result, conn), NULL);
	return g_task_propagate_pointer (G_TASK (result), error);
}

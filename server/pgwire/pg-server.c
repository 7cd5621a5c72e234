/*
 * pg-server.c — the listener and the table of backends (see pg-server.h).
 *
 * NOTE: the thread pool of GThreadedSocketService is sized max_connections
 * + SPARE_THREADS, and a backend past max_connections is refused with 53300
 * after its startup packet.  The spare threads matter: without them a full
 * server would queue a CancelRequest behind the very clients it is meant
 * to interrupt.
 *
 * NOTE: backend pids are random positive int32s, unique among live
 * backends; secrets come from getrandom(), since a guessed secret lets
 * anyone cancel anyone's statements.
 */
#define G_LOG_DOMAIN "oxibase-pgwire"

#include "pg-server.h"
#include "pg-backend.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#define SPARE_THREADS 8

struct _PgServer {
	OxDatabase              *db;              /* not owned */
	guint                    max_connections;
	char                    *database;        /* the one database name */
	GSocketService          *service;
	PgBackendHost            host;            /* handed to every backend */

	GMutex                   lock;            /* guards what follows */
	GHashTable              *backends;        /* pid (int) -> PgBackend * */
	guint                    n_threads;       /* connections accepted and not yet
	                                             done with pg_backend_run */
	gboolean                 shutting_down;
	GPtrArray               *cancellables;    /* of backends inside pg_backend_run */
	OxServerConfig          *config;          /* current (swapped by pg_server_set_config) */
};

static int log_rank = 1;  /* "log"; atomic */

void
pg_log_set_level (const char *level)
{
	int r = ox_log_level_rank (level);
	g_atomic_int_set (&log_rank, r < 0 ? 1 : r);
}

static int
line_rank (const char *level)
{
	if (!strcmp (level, "DEBUG"))
		return 0;
	if (!strcmp (level, "WARNING"))
		return 2;
	if (!strcmp (level, "ERROR"))
		return 3;
	if (!strcmp (level, "FATAL") || !strcmp (level, "PANIC"))
		return 4;
	return 1;
}

void
pg_log (const char *level, const char *fmt, ...)
{
	if (line_rank (level) < g_atomic_int_get (&log_rank))
		return;
	va_list ap;
	va_start (ap, fmt);
	g_autofree char *msg = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	g_autofree char *ts = g_date_time_format (now, "%Y-%m-%d %H:%M:%S.%f");
	ts[23] = '\0';  /* milliseconds are enough */
	/* one fprintf per line: stdio's lock keeps lines of threads apart */
	fprintf (stderr, "%s %s:  %s\n", ts, level, msg);
}

static gboolean
admit (PgServer *self, PgBackend *backend, gint32 *pid, gint32 *secret)
{
	gboolean ok = FALSE;
	g_mutex_lock (&self->lock);
	if (g_hash_table_size (self->backends) < self->max_connections && !self->shutting_down) {
		guint32 r[2];
		const char *user, *database, *peer;
		pg_backend_describe (backend, &user, &database, &peer);
		static const OxSessionOps ops = {
			(void (*) (gpointer)) pg_backend_cancel_statement,
			(void (*) (gpointer)) pg_backend_terminate,
		};
		do {
			if (getrandom (r, sizeof r, 0) != sizeof r) {
				r[0] = g_random_int ();
				r[1] = g_random_int ();
			}
			*pid = (gint32) (r[0] & 0x7fffffff);
			/* the pid is also the backend's id in the server's session
			 * registry, unique among HTTP sessions too */
		} while (*pid == 0 || g_hash_table_contains (self->backends, GINT_TO_POINTER (*pid))
		         || (self->host.registry
		             && !ox_session_registry_add (self->host.registry, *pid, "pgwire", user, database, NULL,
		                                          peer, &ops, backend)));
		*secret = (gint32) r[1];
		g_hash_table_insert (self->backends, GINT_TO_POINTER (*pid), backend);
		ok = TRUE;
	}
	g_mutex_unlock (&self->lock);
	return ok;
}

static void
forget (PgServer *self, PgBackend *backend)
{
	g_mutex_lock (&self->lock);
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init (&it, self->backends);
	while (g_hash_table_iter_next (&it, &k, &v))
		if (v == backend) {
			ox_session_registry_remove (self->host.registry, GPOINTER_TO_INT (k));
			g_hash_table_iter_remove (&it);
			break;
		}
	g_mutex_unlock (&self->lock);
}

/* The secret is compared in full before anything happens, and a wrong one
 * is only logged: the client of a CancelRequest never gets an answer. */
static void
cancel (PgServer *self, gint32 pid, gint32 secret)
{
	g_mutex_lock (&self->lock);
	PgBackend *b = g_hash_table_lookup (self->backends, GINT_TO_POINTER (pid));
	gboolean ok = b != NULL && pg_backend_cancel_if (b, secret);
	g_mutex_unlock (&self->lock);
	pg_log ("LOG", "cancel request for backend %d%s", pid, ok ? "" : " ignored (no such backend, or a wrong key)");
}

static OxServerConfig *
current_config (PgServer *self)
{
	g_mutex_lock (&self->lock);
	OxServerConfig *c = ox_server_config_ref (self->config);
	g_mutex_unlock (&self->lock);
	return c;
}

void
pg_server_set_config (PgServer *self, OxServerConfig *cfg)
{
	ox_server_config_ref (cfg);
	g_mutex_lock (&self->lock);
	OxServerConfig *old = self->config;
	self->config = cfg;
	g_mutex_unlock (&self->lock);
	ox_server_config_unref (old);
}

static gboolean
shutting_down (PgServer *self)
{
	g_mutex_lock (&self->lock);
	gboolean r = self->shutting_down;
	g_mutex_unlock (&self->lock);
	return r;
}

/* GSocketService::incoming, on the main thread, before the threaded
 * service hands the connection to its pool: counting here rather than on
 * the pool thread closes the window in which a connection is accepted but
 * not yet counted, so the main loop cannot free the server under it. */
static gboolean
incoming_cb (GSocketService *service, GSocketConnection *conn, GObject *source, gpointer user_data)
{
	PgServer *self = user_data;
	g_mutex_lock (&self->lock);
	self->n_threads++;
	g_mutex_unlock (&self->lock);
	return FALSE;  /* go on to GThreadedSocketService's handler */
}

/* GThreadedSocketService::run, on a pool thread: the whole life of one
 * connection. */
static gboolean
run_cb (GThreadedSocketService *service, GSocketConnection *conn, GObject *source, gpointer user_data)
{
	PgServer *self = user_data;
	g_autoptr (GCancellable) cancellable = g_cancellable_new ();

	g_mutex_lock (&self->lock);
	g_ptr_array_add (self->cancellables, cancellable);
	if (self->shutting_down)
		g_cancellable_cancel (cancellable);
	g_mutex_unlock (&self->lock);

	pg_backend_run (&self->host, conn, cancellable);

	g_mutex_lock (&self->lock);
	g_ptr_array_remove (self->cancellables, cancellable);
	self->n_threads--;
	g_mutex_unlock (&self->lock);
	return TRUE;
}

PgServer *
pg_server_new (OxDatabase *db, const PgServerConfig *config)
{
	g_return_val_if_fail (db != NULL && config != NULL, NULL);

	PgServer *self = g_new0 (PgServer, 1);
	self->db = db;
	self->max_connections = config->max_connections ? config->max_connections : 100;
	self->database = g_strdup (config->database ? config->database : "oxibase");
	g_mutex_init (&self->lock);
	self->backends = g_hash_table_new (g_direct_hash, g_direct_equal);
	self->cancellables = g_ptr_array_new ();
	self->host.server = self;
	self->host.db = db;
	self->host.database = self->database;
	self->host.admit = admit;
	self->host.forget = forget;
	self->host.cancel = cancel;
	self->host.shutting_down = shutting_down;
	self->host.registry = config->registry;
	self->host.config = current_config;
	self->config = config->config ? ox_server_config_ref (config->config) : ox_server_config_new ();
	if (config->tls_certificate)
		self->host.tls_certificate = g_object_ref (config->tls_certificate);
	self->service = g_threaded_socket_service_new ((int) (self->max_connections + SPARE_THREADS));
	g_signal_connect (self->service, "incoming", G_CALLBACK (incoming_cb), self);
	g_signal_connect (self->service, "run", G_CALLBACK (run_cb), self);
	return self;
}

gboolean
pg_server_listen (PgServer *self, const char *addr, guint16 port, guint16 *bound_port, GError **error)
{
	g_autoptr (GInetAddress) ia = g_inet_address_new_from_string (addr);
	if (!ia) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
		             "invalid listen address \"%s\" (an IPv4 or IPv6 address)", addr);
		return FALSE;
	}
	g_autoptr (GSocketAddress) sa = g_inet_socket_address_new (ia, port);
	g_autoptr (GSocketAddress) effective = NULL;
	if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), sa, G_SOCKET_TYPE_STREAM,
	                                    G_SOCKET_PROTOCOL_TCP, NULL, &effective, error))
		return FALSE;
	guint16 p = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
	if (bound_port)
		*bound_port = p;
	g_socket_service_start (self->service);
	pg_log ("LOG", "listening on %s:%u (PostgreSQL protocol 3.0)", addr, p);
	return TRUE;
}

void
pg_server_stop_accepting (PgServer *self)
{
	g_socket_service_stop (self->service);
	g_socket_listener_close (G_SOCKET_LISTENER (self->service));
	g_mutex_lock (&self->lock);
	self->shutting_down = TRUE;
	for (guint i = 0; i < self->cancellables->len; i++)
		g_cancellable_cancel (g_ptr_array_index (self->cancellables, i));
	g_mutex_unlock (&self->lock);
}

void
pg_server_cancel_all (PgServer *self)
{
	g_mutex_lock (&self->lock);
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init (&it, self->backends);
	while (g_hash_table_iter_next (&it, &k, &v))
		pg_backend_cancel_statement (v);
	g_mutex_unlock (&self->lock);
}

void
pg_server_abort_all (PgServer *self)
{
	g_mutex_lock (&self->lock);
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init (&it, self->backends);
	while (g_hash_table_iter_next (&it, &k, &v))
		pg_backend_abort (v);
	g_mutex_unlock (&self->lock);
}

guint
pg_server_n_backends (PgServer *self)
{
	g_mutex_lock (&self->lock);
	guint n = self->n_threads;
	g_mutex_unlock (&self->lock);
	return n;
}

void
pg_server_free (PgServer *self)
{
	g_return_if_fail (pg_server_n_backends (self) == 0);
	g_signal_handlers_disconnect_by_data (self->service, self);
	g_object_unref (self->service);
	g_hash_table_destroy (self->backends);
	g_ptr_array_free (self->cancellables, TRUE);
	ox_server_config_unref (self->config);
	g_clear_object (&self->host.tls_certificate);
	g_mutex_clear (&self->lock);
	g_free (self->database);
	g_free (self);
}

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
#include "server-observe.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
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
	char                    *data_dir;        /* NULL: one database only */
	GHashTable              *databases;       /* name -> DbEntry* (opened ones) */
	OxServerObserve         *observe;         /* pg_stat_activity etc. over the registry; NULL without one */
};

/* An open database of the cluster. */
typedef struct {
	OxDatabase *db;
	guint       users;   /* backends connected to it */
	gboolean    owned;   /* opened here (closed by pg_server_free); the
	                        main database belongs to the caller */
} DbEntry;

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

/* where log lines are kept too (system.log); atomic, NULL: stderr only */
static OxDatabase *log_db;

void
pg_log_set_database (OxDatabase *db)
{
	g_atomic_pointer_set (&log_db, db);
}

void
pg_log_print (const char *level, const char *msg)
{
	if (line_rank (level) < g_atomic_int_get (&log_rank))
		return;
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	g_autofree char *ts = g_date_time_format (now, "%Y-%m-%d %H:%M:%S.%f");
	ts[23] = '\0';  /* milliseconds are enough */
	/* one fprintf per line: stdio's lock keeps lines of threads apart */
	fprintf (stderr, "%s %s:  %s\n", ts, level, msg);
}

static void
log_va (const char *level, const char *sqlstate, const char *user, const char *database, const char *fmt,
        va_list ap)
{
	OxDatabase *db = g_atomic_pointer_get (&log_db);
	if (line_rank (level) < g_atomic_int_get (&log_rank) && !db)
		return;
	g_autofree char *msg = g_strdup_vprintf (fmt, ap);
	pg_log_print (level, msg);
	/* the ring keeps every level: its readers filter */
	if (db)
		ox_db_log_record (db, level, sqlstate, user, database, msg);
}

void
pg_log (const char *level, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	log_va (level, NULL, NULL, NULL, fmt, ap);
	va_end (ap);
}

void
pg_log_full (const char *level, const char *sqlstate, const char *user, const char *database, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	log_va (level, sqlstate, user, database, fmt, ap);
	va_end (ap);
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

/* ---- databases ---------------------------------------------------------------- */

static void cluster_setup (PgServer *self, OxDatabase *db, const char *name);

static char *
db_dir (PgServer *self, const char *name)
{
	return g_build_filename (self->data_dir, name, NULL);
}

static gboolean
db_on_disk (PgServer *self, const char *name)
{
	if (!self->data_dir)
		return FALSE;
	g_autofree char *dir = db_dir (self, name);
	g_autofree char *version = g_build_filename (dir, "oxibase.version", NULL);
	return g_file_test (version, G_FILE_TEST_IS_REGULAR);
}

/* A name we can use as a directory: PostgreSQL takes any identifier, we
 * take those that cannot walk out of the data directory. */
static gboolean
db_name_ok (const char *name)
{
	return *name && name[0] != '.' && !strchr (name, '/') && strlen (name) < 64;
}

static void
set_err (OxError *err, const char *state, char *message, char *detail)
{
	ox_error_clear (err);
	g_strlcpy (err->sqlstate, state, sizeof err->sqlstate);
	err->message = message;
	err->detail = detail;
}

static OxDatabase *
open_database (PgServer *self, const char *name)
{
	OxDatabase *db = NULL;
	g_mutex_lock (&self->lock);
	DbEntry *e = g_hash_table_lookup (self->databases, name);
	if (!e && db_name_ok (name) && db_on_disk (self, name)) {
		g_autofree char *dir = db_dir (self, name);
		OxError err = { 0 };
		OxDatabase *ndb = NULL;
		if (ox_db_open (dir, &ndb, &err) == OX_OK) {
			cluster_setup (self, ndb, name);
			e = g_new0 (DbEntry, 1);
			e->db = ndb;
			e->owned = TRUE;
			g_hash_table_insert (self->databases, g_strdup (name), e);
			pg_log ("LOG", "opened database \"%s\"", name);
		} else {
			pg_log ("LOG", "could not open database \"%s\": %s", name, err.message);
			ox_error_clear (&err);
		}
	}
	if (e) {
		e->users++;
		db = e->db;
	}
	g_mutex_unlock (&self->lock);
	return db;
}

static void
close_database (PgServer *self, const char *name)
{
	g_mutex_lock (&self->lock);
	DbEntry *e = g_hash_table_lookup (self->databases, name);
	if (e && e->users > 0)
		e->users--;
	g_mutex_unlock (&self->lock);
}

static int
create_database_cb (void *user, const char *name, OxError *err)
{
	PgServer *self = user;
	if (!db_name_ok (name)) {
		set_err (err, "42602", g_strdup_printf ("invalid database name \"%s\"", name),
		         g_strdup ("A database name must not start with \".\" nor contain \"/\", and must be shorter "
		                   "than 64 bytes."));
		return OX_ERROR;
	}
	int rc = OX_ERROR;
	g_autofree char *dir = db_dir (self, name);
	g_mutex_lock (&self->lock);
	if (g_hash_table_contains (self->databases, name) || g_file_test (dir, G_FILE_TEST_EXISTS)) {
		set_err (err, "42P04", g_strdup_printf ("database \"%s\" already exists", name), NULL);
		goto out;
	}
	OxDatabase *db = NULL;
	if (ox_db_open (dir, &db, err) != OX_OK)
		goto out;
	cluster_setup (self, db, name);
	DbEntry *e = g_new0 (DbEntry, 1);
	e->db = db;
	e->owned = TRUE;
	g_hash_table_insert (self->databases, g_strdup (name), e);
	pg_log ("LOG", "created database \"%s\"", name);
	rc = OX_OK;
out:
	g_mutex_unlock (&self->lock);
	return rc;
}

static void
remove_tree (const char *path)
{
	GDir *d = g_dir_open (path, 0, NULL);
	if (d) {
		const char *n;
		while ((n = g_dir_read_name (d))) {
			g_autofree char *c = g_build_filename (path, n, NULL);
			if (g_file_test (c, G_FILE_TEST_IS_DIR) && !g_file_test (c, G_FILE_TEST_IS_SYMLINK))
				remove_tree (c);
			else
				g_unlink (c);
		}
		g_dir_close (d);
	}
	g_rmdir (path);
}

static int
drop_database_cb (void *user, const char *name, OxError *err)
{
	PgServer *self = user;
	int rc = OX_ERROR;
	g_autofree char *dir = db_dir (self, name);
	g_mutex_lock (&self->lock);
	DbEntry *e = g_hash_table_lookup (self->databases, name);
	if (!e && !(db_name_ok (name) && db_on_disk (self, name))) {
		set_err (err, "3D000", g_strdup_printf ("database \"%s\" does not exist", name), NULL);
		goto out;
	}
	if (!strcmp (name, self->database)) {
		set_err (err, "55006", g_strdup_printf ("database \"%s\" cannot be dropped: it holds the roles", name),
		         NULL);
		goto out;
	}
	if (e && e->users > 0) {
		set_err (err, "55006", g_strdup_printf ("database \"%s\" is being accessed by other users", name),
		         e->users == 1 ? g_strdup ("There is 1 other session using the database.")
		                       : g_strdup_printf ("There are %u other sessions using the database.", e->users));
		goto out;
	}
	if (e) {
		ox_db_close (e->db);
		g_hash_table_remove (self->databases, name);
	}
	remove_tree (dir);
	pg_log ("LOG", "dropped database \"%s\"", name);
	rc = OX_OK;
out:
	g_mutex_unlock (&self->lock);
	return rc;
}

static int
name_cmp (gconstpointer a, gconstpointer b)
{
	return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static char *
list_databases_cb (void *user)
{
	PgServer *self = user;
	g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
	g_ptr_array_add (names, g_strdup (self->database));
	GDir *d = self->data_dir ? g_dir_open (self->data_dir, 0, NULL) : NULL;
	if (d) {
		const char *n;
		while ((n = g_dir_read_name (d)))
			if (strcmp (n, self->database) && db_name_ok (n) && db_on_disk (self, n))
				g_ptr_array_add (names, g_strdup (n));
		g_dir_close (d);
	}
	g_ptr_array_sort (names, name_cmp);
	GString *g = g_string_new (NULL);
	for (guint i = 0; i < names->len; i++)
		g_string_append_printf (g, "%s%s", i ? "\n" : "", (char *) names->pdata[i]);
	return g_string_free (g, FALSE);
}

static const OxClusterHooks cluster_hooks = {
	.create_database = create_database_cb,
	.drop_database = drop_database_cb,
	.list_databases = list_databases_cb,
};

static void
cluster_setup (PgServer *self, OxDatabase *db, const char *name)
{
	ox_db_set_cluster (db, name, db == self->db ? NULL : self->db, self->data_dir ? &cluster_hooks : NULL, self);
	if (self->observe)
		ox_server_observe_attach (self->observe, db);
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
	self->host.open_database = open_database;
	self->host.close_database = close_database;
	self->host.hub = config->hub;
	self->data_dir = g_strdup (config->data_dir);
	self->databases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	if (config->registry)
		self->observe = ox_server_observe_new (config->registry, config->hub);
	DbEntry *main_entry = g_new0 (DbEntry, 1);
	main_entry->db = db;
	g_hash_table_insert (self->databases, g_strdup (self->database), main_entry);
	cluster_setup (self, db, self->database);
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
	if (self->observe) {
		/* the main database is the caller's and outlives us */
		ox_server_observe_detach (self->observe, self->db);
	}
	g_clear_object (&self->host.tls_certificate);
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init (&it, self->databases);
	while (g_hash_table_iter_next (&it, &k, &v))
		if (((DbEntry *) v)->owned)
			ox_db_close (((DbEntry *) v)->db);
	g_hash_table_destroy (self->databases);
	/* the main database outlives the server: forget the hooks into it */
	ox_db_set_cluster (self->db, self->database, NULL, NULL, NULL);
	g_clear_pointer (&self->observe, ox_server_observe_free);
	g_free (self->data_dir);
	g_mutex_clear (&self->lock);
	g_free (self->database);
	g_free (self);
}

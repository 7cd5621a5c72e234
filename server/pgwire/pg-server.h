/*
 * pg-server.h — the PostgreSQL wire protocol listener: accepts clients,
 * runs one backend (pg-backend.c) per connection on a thread of its own,
 * routes CancelRequests to the backend they name, and shuts down in
 * phases.
 *
 * Threads: the listener lives on the GMainContext that was the thread
 * default when pg_server_listen was called; every backend runs on a
 * thread of GThreadedSocketService's pool, so a long statement never
 * blocks the main loop or another client.  Everything shared between
 * them (the backend table, the counters) is behind one mutex.
 *
 * Shutdown: pg_server_stop_accepting closes the listener and wakes every
 * backend waiting for a message (it answers 57P01 and closes);
 * backends inside a statement finish it first.  After a grace period
 * the caller cancels what still runs (pg_server_cancel_all), then cuts the
 * sockets (pg_server_abort_all), and waits for pg_server_n_backends to
 * reach 0 before closing the database.
 */
#pragma once

#include <gio/gio.h>

#include "oxibase.h"
#include "debug-hub.h"
#include "session-registry.h"
#include "server-config.h"

G_BEGIN_DECLS

typedef struct _PgServer PgServer;

typedef struct {
	guint max_connections;   /* clients served at once; more get 53300 */
	const char *database;    /* the one database name clients may ask for */
	OxSessionRegistry *registry; /* where backends are listed (not owned; may be NULL) */
	OxServerConfig *config;  /* rules, timeouts (a reference is taken);
	                            NULL: the defaults (trust on loopback) */
	GTlsCertificate *tls_certificate; /* NULL: no TLS (SSLRequest gets 'N') */
	const char *data_dir;    /* holds the databases as DIR/NAME; NULL: only
	                            db, and no CREATE / DROP DATABASE */
	OxDebugHub *hub;         /* remote debugging of the sessions (not owned;
	                            it must outlive the server); NULL: none */
} PgServerConfig;

/* A server over db (not owned; it must outlive the server), the database
 * named config->database, which also holds the roles.  The other
 * databases of data_dir are opened when a client first asks for one and
 * closed by pg_server_free. */
PgServer *pg_server_new (OxDatabase *db, const PgServerConfig *config);
/* Listen on addr:port (port 0 picks a free one; *bound_port gets it).
 * FALSE with error when the address is bad or taken. */
gboolean  pg_server_listen (PgServer *self, const char *addr, guint16 port,
                            guint16 *bound_port, GError **error);
void      pg_server_stop_accepting (PgServer *self);
/* Use cfg (a reference is taken) for connections from now on (SIGHUP). */
void      pg_server_set_config (PgServer *self, OxServerConfig *cfg);
/* ox_session_cancel for every backend inside a statement. */
void      pg_server_cancel_all (PgServer *self);
/* Shut every client socket down: blocked reads and writes fail at once. */
void      pg_server_abort_all (PgServer *self);
/* Backends still running (their sessions still open). */
guint     pg_server_n_backends (PgServer *self);
/* Free the server; pg_server_n_backends must be 0. */
void      pg_server_free (PgServer *self);

/* One line on stderr: "2024-05-01 12:00:00.123 LOG:  text", unless the
 * level ranks below the one set (DEBUG < LOG < WARNING < ERROR < FATAL;
 * DETAIL lines rank as LOG). */
void      pg_log (const char *level, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
/* "debug", "log", "warning", "error" or "fatal" (default "log"). */
void      pg_log_set_level (const char *level);
/* pg_log with the fields system.log keeps apart (any may be NULL). */
void      pg_log_full (const char *level, const char *sqlstate, const char *user, const char *database,
                       const char *fmt, ...) G_GNUC_PRINTF (5, 6);
/* Keep every line in db's system.log too (whatever the level), until
 * called again with NULL (before db closes). */
void      pg_log_set_database (OxDatabase *db);
/* Print a line made elsewhere (the engine's own events, already kept). */
void      pg_log_print (const char *level, const char *msg);

G_END_DECLS

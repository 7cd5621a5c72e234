/*
 * pg-backend.h — one client connection speaking protocol 3.0 to one
 * engine session (the counterpart of a PostgreSQL backend process).
 *
 * Only pg-server.c uses this: it creates a backend per accepted socket,
 * on the pool thread that serves it, and finds backends for
 * CancelRequests.
 */
#pragma once

#include <gio/gio.h>

#include "oxibase.h"
#include "debug-hub.h"
#include "pg-server.h"
#include "session-registry.h"
#include "server-config.h"

G_BEGIN_DECLS

typedef struct _PgBackend PgBackend;

/* What the server tells a backend and what a backend asks of the server. */
typedef struct {
	PgServer   *server;
	OxDatabase *db;               /* the main database: it holds the roles */
	const char *database;         /* its name */
	GTlsCertificate *tls_certificate; /* NULL: SSLRequest is answered 'N' */
	/* The current configuration (a new reference): its rules and
	 * timeouts apply to a connection for its whole life. */
	OxServerConfig *(*config) (PgServer *server);
	/* Register the backend under a fresh (pid, secret) if fewer than
	 * max_connections are registered: FALSE when full. */
	gboolean  (*admit) (PgServer *server, PgBackend *backend, gint32 *pid, gint32 *secret);
	void      (*forget) (PgServer *server, PgBackend *backend);
	/* The backend named by a CancelRequest: cancel its statement (if the
	 * secret matches; silently nothing otherwise, as in PostgreSQL). */
	void      (*cancel) (PgServer *server, gint32 pid, gint32 secret);
	gboolean  (*shutting_down) (PgServer *server);
	OxSessionRegistry *registry;  /* the server's sessions (may be NULL) */
	/* The database called name, opened if need be and counted as in use
	 * until close_database; NULL when there is none. */
	OxDatabase *(*open_database) (PgServer *server, const char *name);
	void      (*close_database) (PgServer *server, const char *name);
	/* Remote debugging: each session is a target of this hub (NULL: no
	 * remote debugging). */
	OxDebugHub *hub;
} PgBackendHost;

/* Serve the connection until the client leaves, a fatal error, or
 * shutdown; blocks the calling thread.  Frees everything it made. */
void pg_backend_run (const PgBackendHost *host, GSocketConnection *conn, GCancellable *cancellable);

/* From other threads (pg-server.c, under its lock): */
/* Cancel the running statement, if one runs. */
void pg_backend_cancel_statement (PgBackend *backend);
/* The same for a CancelRequest: only when secret is the backend's; FALSE
 * when it is not. */
gboolean pg_backend_cancel_if (PgBackend *backend, gint32 secret);
/* Shut the socket down (blocked reads and writes fail). */
void pg_backend_abort (PgBackend *backend);
/* Cancel the running statement and end the connection with 57P01 once
 * it waits for the next message (/api/sessions/{id}/terminate). */
void pg_backend_terminate (PgBackend *backend);
/* The names given at startup (valid while the backend is admitted). */
void pg_backend_describe (PgBackend *backend, const char **user, const char **database, const char **peer);

G_END_DECLS

/*
 * http-server.h — oxibase-server's HTTP API (libsoup 3 + json-glib):
 * /api/auth, /api/sql, /api/meta, /api/rpc, /api/sessions, /health,
 * /metrics.  docs/server.md ("HTTP API") describes every endpoint.
 *
 * Threads: the SoupServer lives on the GMainContext that is the thread
 * default when ox_http_server_new is called; handlers there only check
 * the token, decode the body and queue the work.  Statements, catalog
 * reads and password checks run on a bounded pool of worker threads, one
 * engine session per request, and hand their output back to the main
 * loop in chunks, so the loop never waits for the engine.
 *
 * Shutdown mirrors pgwire's: stop accepting, let requests finish for the
 * grace period, cancel them (ox_http_server_cancel_all), and wait for
 * ox_http_server_n_running to reach 0 before freeing the server and
 * closing the database.
 */
#pragma once

#include <gio/gio.h>

#include "oxibase.h"
#include "dap-listener.h"
#include "debug-hub.h"
#include "session-registry.h"

G_BEGIN_DECLS

typedef struct _OxHttpServer OxHttpServer;

typedef struct {
	const char        *database;          /* the database's name, as in /api/sessions */
	OxSessionRegistry *registry;          /* not owned; may be NULL */
	gsize              max_body;          /* bytes; larger request bodies get 413; 0 = 1 MiB */
	guint              request_timeout_ms;/* a request's statements are cancelled after this; 0 = 30 s */
	gint64             token_ttl_s;       /* bearer token lifetime; 0 = 3600 */
	guint              max_workers;       /* requests run at once; more wait in the queue; 0 = 16 */
	guint              auth_failure_delay_ms; /* a failed login waits this long before its answer */
	OxDebugHub        *hub;               /* remote debugging of the requests' sessions; may be NULL */
	DapListener       *dap;               /* serves /api/dap (DAP over WebSocket); NULL: 404 */
	gint64             session_idle_ms;   /* persistent sessions (POST /api/sessions) idle longer are
	                                       * closed; 0 = 600000 (10 min), < 0 = never */
	gint64             idle_in_txn_ms;    /* idle_in_transaction_session_timeout of those sessions; 0 = none */
} OxHttpConfig;

OxHttpServer *ox_http_server_new (OxDatabase *db, const OxHttpConfig *config);
/* Listen on addr:port (0 picks a free port; *bound_port gets it) and log
 * "http listening on ADDR:PORT". */
gboolean      ox_http_server_listen (OxHttpServer *self, const char *addr, guint16 port, guint16 *bound_port,
                                     GError **error);
/* Close the listeners; requests already running go on. */
void          ox_http_server_stop_accepting (OxHttpServer *self);
/* Cancel the statements of every running request (57014). */
void          ox_http_server_cancel_all (OxHttpServer *self);
/* Requests queued or running on the workers. */
guint         ox_http_server_n_running (OxHttpServer *self);
/* The user of a live bearer token (g_free), or NULL: for the debug
 * port's attach, which takes the same tokens.  Any thread. */
char         *ox_http_server_token_user (OxHttpServer *self, const char *token);
/* May the role debug every session (a superuser), or only its own?
 * Returns NULL for a superuser, else a copy of user. */
char         *ox_http_server_debug_scope (OxHttpServer *self, const char *user);
/* Free; ox_http_server_n_running must be 0. */
void          ox_http_server_free (OxHttpServer *self);

G_END_DECLS

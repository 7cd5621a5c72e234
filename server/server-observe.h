/*
 * server-observe.h — what the engine's observation views show of a
 * server: pg_stat_activity lists the session registry (PostgreSQL wire
 * backends and HTTP requests, with the debugger's pauses),
 * pg_cancel_backend / pg_terminate_backend do what /api/sessions/{id}/
 * cancel and /terminate do, system.metrics and /metrics list the
 * connections gauge before the engine's counters, and the engine's own
 * log lines (checkpoints, recovery, schedule failures) are printed like
 * the server's.
 *
 * NOTE: the observer must outlive every statement run on the databases it
 * is attached to; detach before freeing it.  The log hook it installs
 * needs no state and stays (a shutdown checkpoint logs after the
 * protocols are gone).
 */
#pragma once

#include <glib.h>

#include "oxibase.h"
#include "session-registry.h"
#include "debug-hub.h"

G_BEGIN_DECLS

typedef struct _OxServerObserve OxServerObserve;

/* registry must not be NULL; hub may be. Neither is owned. */
OxServerObserve *ox_server_observe_new (OxSessionRegistry *registry, OxDebugHub *hub);
void             ox_server_observe_free (OxServerObserve *o);
void             ox_server_observe_attach (OxServerObserve *o, OxDatabase *db);
void             ox_server_observe_detach (OxServerObserve *o, OxDatabase *db);

/* "127.0.0.1:50412" or "[::1]:50412" -> address and port (-1 if none);
 * the address is newly allocated.  Exposed for tests. */
char            *ox_server_observe_split_addr (const char *peer, int *port);

G_END_DECLS

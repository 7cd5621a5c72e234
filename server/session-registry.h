/*
 * session-registry.h — every session of one oxibase-server, whatever
 * protocol it came in by (PostgreSQL wire backends, HTTP requests), so
 * that GET /api/sessions can list them and /api/sessions/{id}/cancel and
 * /terminate can reach them.
 *
 * Each protocol registers a session when it starts, keeps its state
 * current (idle / active with the query / idle in transaction) and
 * unregisters it before freeing what the callbacks touch.  Ids are random
 * positive int32s unique among live sessions; a pgwire backend uses its
 * id as the pid of BackendKeyData, so the ids agree with what
 * pg_backend_pid()-minded tools and the log show.
 *
 * NOTE: the cancel and terminate callbacks run under the registry's lock
 * (on whatever thread asked).  That is what makes them safe — a session
 * that has returned from ox_session_registry_remove can no longer be
 * called — and why they must only flag, signal or ox_session_cancel, and
 * never call back into the registry.  Lock order: registry, then the
 * session's own lock.
 *
 * Every function accepts a NULL registry and then does nothing, so a
 * protocol can run without one (tests of pgwire alone).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _OxSessionRegistry OxSessionRegistry;

typedef enum {
	OX_SESSION_IDLE,
	OX_SESSION_ACTIVE,
	OX_SESSION_IDLE_IN_TRANSACTION,
	OX_SESSION_IDLE_IN_FAILED_TRANSACTION,
	OX_SESSION_PAUSED,              /* stopped in the debugger (nothing sets it yet) */
} OxSessionState;

/* "idle", "active", "idle in transaction", "idle in transaction
 * (aborted)", "paused in debugger" (pg_stat_activity's spelling). */
const char *ox_session_state_name (OxSessionState state);

typedef struct {
	/* Stop the running statement (57014); nothing when idle. */
	void (*cancel) (gpointer data);
	/* End the session (57P01): cancel what runs and close. */
	void (*terminate) (gpointer data);
} OxSessionOps;

/* A copy of one entry (ox_session_registry_list). */
typedef struct {
	gint32         id;
	char          *protocol;          /* "pgwire" or "http" */
	char          *user;
	char          *database;
	char          *application_name;  /* "" when none */
	char          *client_addr;       /* "127.0.0.1:50412" */
	OxSessionState state;
	char          *query;             /* the running or last statement; NULL before the first */
	gint64         query_start;       /* real time (µs since the epoch) it started; 0 before the first */
	gint64         backend_start;     /* real time the session started */
	gint64         state_change;      /* real time the state last changed */
	gint64         xact_start;        /* real time its transaction started (the first statement
	                                     after idle); 0 when idle */
} OxSessionInfo;

void ox_session_info_free (OxSessionInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OxSessionInfo, ox_session_info_free)

OxSessionRegistry *ox_session_registry_new (void);
/* Every session must have been removed. */
void               ox_session_registry_free (OxSessionRegistry *reg);

/* Register a session; id 0 draws a fresh one.  Returns the id, or 0 when
 * the id asked for is taken (the caller draws another). */
gint32 ox_session_registry_add (OxSessionRegistry *reg, gint32 id, const char *protocol, const char *user,
                                const char *database, const char *application_name, const char *client_addr,
                                const OxSessionOps *ops, gpointer data);
/* After this returns, no callback of the session runs or will run. */
void   ox_session_registry_remove (OxSessionRegistry *reg, gint32 id);
gboolean ox_session_registry_contains (OxSessionRegistry *reg, gint32 id);
/* Set the state; with OX_SESSION_ACTIVE, query is the statement that
 * starts now (copied; query_start is set).  application_name, if not
 * NULL, replaces the registered one. */
void   ox_session_registry_set_state (OxSessionRegistry *reg, gint32 id, OxSessionState state,
                                      const char *query, const char *application_name);
/* The sessions, ordered by backend_start: a GPtrArray of OxSessionInfo
 * (free with g_ptr_array_unref). */
GPtrArray *ox_session_registry_list (OxSessionRegistry *reg);
guint      ox_session_registry_count (OxSessionRegistry *reg);
/* Run the session's callback; FALSE when there is no such session. */
gboolean   ox_session_registry_cancel (OxSessionRegistry *reg, gint32 id);
gboolean   ox_session_registry_terminate (OxSessionRegistry *reg, gint32 id);

G_END_DECLS

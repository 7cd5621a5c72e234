/*
 * debug-hub.h — the sessions of a server that a remote debugger may
 * attach to, and the one client (at a time, per session) that debugs them.
 *
 * A server registers each of its sessions (a pgwire backend, an HTTP
 * request's session) as a target, and calls ox_debug_target_checkpoint on
 * the session's own thread before each statement.  A client (the DAP
 * adapter in attach mode) attaches with a filter; every matching target
 * not taken by another client becomes its.  The debugger itself
 * (debugger.h) is installed on a target's session only at a checkpoint —
 * the engine reads a session's hooks without a lock, so they may change
 * only while the session runs nothing — and removed at the first
 * checkpoint after its client left.  A session nobody debugs carries no
 * hooks and pays nothing.
 *
 * Threads.  Targets register, check point and unregister on their own
 * thread; clients attach and detach on any thread.  The client's
 * callbacks run with no hub lock held: target_added / target_removed on
 * whichever thread caused them, debugger_ready and the forwarded debugger
 * callbacks on the target's thread.
 *
 * What can go wrong.
 *  - A statement that is already running when a client attaches is not
 *    debugged: its session gets the debugger at its next statement (the
 *    client sees the thread at once, and its stops from then on).
 *  - ox_debug_hub_detach resumes the client's stopped targets and clears
 *    every breakpoint, filter and pending pause of its debuggers, then
 *    waits until no callback into the client is running: after it
 *    returns the client is never called again.  Closures the client
 *    queued with ox_debugger_run_stopped still run (before the resume
 *    takes effect), so a client that queued some must drain them first
 *    (ox_debugger_run_stopped_sync with a no-op does) — the DAP adapter
 *    does.
 *  - A target unregistered while stopped cannot be: its thread is the one
 *    blocked in the stop.  Unregister after the last statement.
 */
#ifndef OXIBASE_DEBUG_HUB_H
#define OXIBASE_DEBUG_HUB_H

#include <glib.h>

#include "oxibase.h"
#include "debugger.h"

G_BEGIN_DECLS

typedef struct OxDebugHub    OxDebugHub;
typedef struct OxDebugTarget OxDebugTarget;
typedef struct OxDebugClient OxDebugClient;

/* A target as clients see it; strings valid for the callback's duration. */
typedef struct OxDebugTargetInfo {
	guint64     id;                /* unique in the hub (pgwire: the backend's pid) */
	const char *user;
	const char *application_name;  /* "" when none */
	const char *database;
} OxDebugTargetInfo;

/* Which targets a client takes: NULL fields match everything. */
typedef struct OxDebugFilter {
	const char *user;
	const char *application_name;
} OxDebugFilter;

typedef struct OxDebugClientFuncs {
	/* A matching target was taken (at attach, or when it registered). */
	void (*target_added) (OxDebugClient *c, const OxDebugTargetInfo *info, gpointer user);
	/* It unregistered (or changed its application name so that it no
	 * longer matches). */
	void (*target_removed) (OxDebugClient *c, guint64 id, gpointer user);
	/* Its session now carries dbg (target's thread, before a statement):
	 * the client applies its breakpoints here, and may keep dbg until
	 * target_removed or its own detach. */
	void (*debugger_ready) (OxDebugClient *c, guint64 id, OxDebugger *dbg, gpointer user);
	/* The debugger's callbacks, forwarded (user is the client's). */
	OxDebuggerCallbacks debugger;
} OxDebugClientFuncs;

OxDebugHub    *ox_debug_hub_new (void);
/* Every target must have unregistered and every client detached. */
void           ox_debug_hub_free (OxDebugHub *hub);

/* ---- the server's side (each on the session's own thread) ---- */

OxDebugTarget *ox_debug_hub_register (OxDebugHub *hub, OxSession *s, const OxDebugTargetInfo *info);
void           ox_debug_target_set_application_name (OxDebugTarget *t, const char *name);
/* Before each statement: install or remove the debugger as the clients
 * want.  Cheap when nothing changed (an atomic read). */
void           ox_debug_target_checkpoint (OxDebugTarget *t);
/* Is a client debugging the session now (installed)?  Any thread. */
gboolean       ox_debug_target_is_debugged (OxDebugTarget *t);
/* End a stop of the target, if it is in one, by terminating its
 * statement (57014): for a cancel request, the server's shutdown and
 * terminating a session.  Any thread.  (A terminated debugger would fail
 * every later statement, so the next checkpoint installs a fresh one and
 * hands it to the client again.) */
void           ox_debug_target_terminate (OxDebugTarget *t);
/* Is the target with this id stopped in the debugger now?  Any thread:
 * for listings of sessions that know the id, not the target. */
gboolean       ox_debug_hub_is_stopped (OxDebugHub *hub, guint64 id);
/* Removes the debugger (if any) and frees t; waits while a client
 * borrows its debugger. */
void           ox_debug_hub_unregister (OxDebugTarget *t);

/* ---- the client's side (any thread) ---- */

OxDebugClient *ox_debug_hub_attach (OxDebugHub *hub, const OxDebugFilter *filter, const OxDebugClientFuncs *funcs,
                                    gpointer user);
void           ox_debug_hub_detach (OxDebugClient *c);
/* The debugger of one of the client's targets, or NULL (not the
 * client's, or no debugger installed yet).  While borrowed it is neither
 * removed nor freed; give it back with ox_debug_target_release and do
 * not block on the session in between, except in
 * ox_debugger_run_stopped_sync on a stopped session. */
OxDebugger    *ox_debug_client_borrow (OxDebugClient *c, guint64 id, OxDebugTarget **target);
void           ox_debug_target_release (OxDebugTarget *t);

G_END_DECLS

#endif

/*
 * dap-adapter.h — the debuggee side of the Debug Adapter Protocol: one
 * handler per request over debugger/ and the engine, on a DapDispatch.
 *
 * A DapAdapter serves one client on one stream: `launch` opens a database
 * (a directory or ":memory:") and a session with a debugger attached,
 * `configurationDone` starts the script (a file, `program`, or inline
 * `sql`) on a thread of its own — thread 1 of the protocol — and the
 * adapter ends with `exited` and `terminated` when the script ends.
 * Requests that read the paused session (stackTrace, scopes, variables,
 * evaluate, setVariable) run on the session's thread while it is stopped
 * and are answered from there.
 *
 * In attach mode (dap_adapter_new_attach) the sessions are a server's:
 * one protocol thread per session (its id is the session's), a session
 * that stops stops alone, and breakpoints apply to every session taken.
 *
 * What can go wrong, and what the client sees: a request that needs a
 * stopped session while it runs gets "notStopped"; a frame or variables
 * reference from an earlier stop gets an error naming it; a launch whose
 * program cannot be read, or whose database cannot be opened, fails with
 * the reason; the client disconnecting mid-step terminates the script and
 * closes the database (the paused transaction is rolled back).
 */
#pragma once

#include <gio/gio.h>

#include "debug-hub.h"

G_BEGIN_DECLS

typedef struct _DapAdapter DapAdapter;

/* Serve the client on stream (the adapter takes a reference). */
DapAdapter *dap_adapter_new (GIOStream *stream);

/* Is token good for attaching?  On FALSE set *error (shown to the client).
 * On TRUE, *only_user (g_malloc'd) may name the one user whose sessions
 * the client may debug (a token of a role that is not a superuser); left
 * NULL, every session. */
typedef gboolean (*DapAuthFunc) (const char *token, gpointer data, char **only_user, GError **error);

/* Serve a remote client of a server: `attach` (never launch) to the
 * sessions of hub that match its "sessions" argument; each is a thread.
 * Until an attach succeeds only initialize, attach and disconnect are
 * served.  auth checks attach's "token"; NULL when the transport already
 * authenticated the client (a WebSocket upgrade with a bearer token).
 * Disconnecting (or the stream ending) resumes every stopped session and
 * removes the breakpoints; the sessions go on. */
DapAdapter *dap_adapter_new_attach (GIOStream *stream, OxDebugHub *hub, DapAuthFunc auth, gpointer auth_data);
/* For a client the transport authenticated: restrict it to one user's
 * sessions (NULL: every session). */
void        dap_adapter_set_only_user (DapAdapter *self, const char *user);
/* Run the protocol on the thread-default main context until the client
 * disconnects or the stream ends.  Returns the exit code of the script
 * (0 succeeded, 1 failed or never ran). */
int         dap_adapter_run (DapAdapter *self);
/* End dap_adapter_run soon, as if the client had disconnected; any
 * thread, while the adapter runs. */
void        dap_adapter_quit (DapAdapter *self);
void        dap_adapter_free (DapAdapter *self);

G_END_DECLS

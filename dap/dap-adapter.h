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
 * What can go wrong, and what the client sees: a request that needs a
 * stopped session while it runs gets "notStopped"; a frame or variables
 * reference from an earlier stop gets an error naming it; a launch whose
 * program cannot be read, or whose database cannot be opened, fails with
 * the reason; the client disconnecting mid-step terminates the script and
 * closes the database (the paused transaction is rolled back).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _DapAdapter DapAdapter;

/* Serve the client on stream (the adapter takes a reference). */
DapAdapter *dap_adapter_new (GIOStream *stream);
/* Run the protocol on the thread-default main context until the client
 * disconnects or the stream ends.  Returns the exit code of the script
 * (0 succeeded, 1 failed or never ran). */
int         dap_adapter_run (DapAdapter *self);
void        dap_adapter_free (DapAdapter *self);

G_END_DECLS

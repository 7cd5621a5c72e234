/*
 * dap-relay.h — what `oxibase-dap` does with its client: launch a script
 * locally, or relay an `attach` to a server.
 *
 * The client's first request (`initialize`) is answered by a local
 * adapter.  Its second decides: an `attach` that names a server — "host"
 * and "port" (the server's --dap-port, raw DAP over TCP) or "url"
 * (`ws://host:8433/api/dap`, DAP over WebSocket; "token" goes in the
 * upgrade request) — connects there, replays initialize and the attach,
 * and from then on copies bytes both ways; anything else goes on to the
 * local adapter (launch runs a script in this process).
 *
 * What can go wrong: a server that cannot be reached (or refuses the
 * WebSocket upgrade) fails the attach with the reason, and the client may
 * go on with the local adapter; either side closing ends the relay, and
 * the server then resumes the sessions it had stopped for this client.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Serve the client on stream until it disconnects; blocking, on the
 * calling thread.  Returns the local script's exit code (0 when relayed). */
int dap_relay_run (GIOStream *client);

G_END_DECLS

/*
 * dap-listener.h — a server's debug port: remote DAP clients attach to
 * the sessions of a debug hub, over TCP (raw DAP, `--dap-port`) or over a
 * WebSocket the HTTP server accepted (`/api/dap`).
 *
 * Each client gets an attach-mode adapter (dap-adapter.h) on a thread of
 * its own with its own main context, so a slow client never holds up
 * another or the server's main loop.  Over TCP the client proves itself
 * with attach's "token"; a WebSocket's token comes with the upgrade and is
 * checked (by the same auth) before the first message, so its attach
 * needs none.
 *
 * What can go wrong: a port in use fails dap_listener_listen with the
 * reason; a client that never attaches holds only its thread and socket
 * (connections beyond max_clients are closed at once); freeing the
 * listener ends every client (their stopped sessions resume) and joins
 * their threads.
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "dap-adapter.h"

G_BEGIN_DECLS

typedef struct _DapListener DapListener;

DapListener *dap_listener_new (OxDebugHub *hub, DapAuthFunc auth, gpointer auth_data, guint max_clients);
/* Listen on address:port (port 0 picks one; *bound says which). */
gboolean     dap_listener_listen (DapListener *self, const char *address, guint16 port, guint16 *bound,
                                  GError **error);
/* Serve a WebSocket the HTTP server accepted, on the thread-default
 * context of the WebSocket.  token is the upgrade request's: the
 * listener's DapAuthFunc checks it (and finds whose sessions the client
 * may debug) on the client's thread, before anything is read, and a
 * refused one closes the connection; attach then needs no token. */
void         dap_listener_serve_websocket (DapListener *self, SoupWebsocketConnection *ws, const char *token);
void         dap_listener_free (DapListener *self);

G_END_DECLS

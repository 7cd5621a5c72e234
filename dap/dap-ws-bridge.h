/*
 * dap-ws-bridge.h — the Debug Adapter Protocol over a WebSocket: one DAP
 * message per text frame (the JSON alone, no Content-Length header), as
 * `/api/dap` of oxibase-server speaks it, carried to and from a stream
 * framed the usual way (Content-Length), so the adapter and the relay
 * work on WebSockets unchanged.
 *
 * The bridge runs on the thread-default main context where it is created
 * (libsoup's connection must live there too).  What can go wrong: a text
 * frame that is not one JSON object, or a binary frame, closes the
 * WebSocket with 1003 (unsupported data) and the stream with it; either
 * side closing closes the other; `closed` runs once, after which the
 * bridge may be freed.
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _DapWsBridge DapWsBridge;

/* Carry messages between ws and framed (both referenced).  closed is
 * called once, on the context, when either side is gone. */
DapWsBridge *dap_ws_bridge_new (SoupWebsocketConnection *ws, GIOStream *framed,
                                void (*closed) (DapWsBridge *bridge, gpointer user), gpointer user);
void         dap_ws_bridge_free (DapWsBridge *bridge);

/* The largest DAP message accepted from the WebSocket, in bytes. */
#define DAP_WS_MAX_MESSAGE (16u * 1024u * 1024u)

G_END_DECLS

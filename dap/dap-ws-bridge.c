/*
 * dap-ws-bridge.c — WebSocket text frames to Content-Length frames and
 * back (see dap-ws-bridge.h).
 *
 * Messages are parsed on the way in from the WebSocket (so a frame that
 * is not a JSON object is refused there, not passed on to confuse the
 * adapter) and re-encoded with the codec; on the way out the codec's
 * reader yields whole messages, each sent as one text frame.  Writes to
 * the framed stream are blocking and small; the peer on that stream (the
 * adapter's dispatcher, or the relay) reads on its own thread.
 */
#include "dap-ws-bridge.h"
#include "dap-codec.h"

struct _DapWsBridge {
	SoupWebsocketConnection *ws;
	GIOStream               *framed;
	DapReader               *reader;
	DapWriter               *writer;
	gulong                   message_id, closed_id;
	gboolean                 done;
	void                   (*closed) (DapWsBridge *bridge, gpointer user);
	gpointer                 user;
};

static void
finish (DapWsBridge *b)
{
	if (b->done)
		return;
	b->done = TRUE;
	if (b->reader)
		dap_reader_stop (b->reader);
	g_io_stream_close (b->framed, NULL, NULL);
	if (soup_websocket_connection_get_state (b->ws) == SOUP_WEBSOCKET_STATE_OPEN)
		soup_websocket_connection_close (b->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
	if (b->closed)
		b->closed (b, b->user);
}

/* framed -> WebSocket */
static void
on_framed_message (DapReader *reader, JsonNode *message, const GError *error, gpointer user)
{
	DapWsBridge *b = user;
	(void) reader;
	if (error || !message || b->done)
		return;  /* a malformed message from our own side: dropped */
	char *text = json_to_string (message, FALSE);
	if (soup_websocket_connection_get_state (b->ws) == SOUP_WEBSOCKET_STATE_OPEN)
		soup_websocket_connection_send_text (b->ws, text);
	g_free (text);
}

static void
on_framed_closed (DapReader *reader, const GError *error, gpointer user)
{
	(void) reader;
	(void) error;
	finish (user);
}

/* WebSocket -> framed */
static void
on_ws_message (SoupWebsocketConnection *ws, gint type, GBytes *message, gpointer user)
{
	DapWsBridge *b = user;
	if (b->done)
		return;
	gsize len = 0;
	const char *data = g_bytes_get_data (message, &len);
	JsonParser *p = json_parser_new ();
	GError *error = NULL;
	if (type != SOUP_WEBSOCKET_DATA_TEXT || len > DAP_WS_MAX_MESSAGE ||
	    !json_parser_load_from_data (p, data ? data : "", (gssize) len, &error) ||
	    !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p))) {
		g_clear_error (&error);
		g_object_unref (p);
		soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_UNSUPPORTED_DATA,
		                                 "a DAP message is one JSON object per text frame");
		return;
	}
	if (!dap_writer_write (b->writer, json_parser_get_root (p), NULL, &error)) {
		g_clear_error (&error);
		g_object_unref (p);
		finish (b);
		return;
	}
	g_object_unref (p);
}

static void
on_ws_closed (SoupWebsocketConnection *ws, gpointer user)
{
	(void) ws;
	finish (user);
}

DapWsBridge *
dap_ws_bridge_new (SoupWebsocketConnection *ws, GIOStream *framed, void (*closed) (DapWsBridge *bridge, gpointer user),
                   gpointer user)
{
	DapWsBridge *b = g_new0 (DapWsBridge, 1);
	b->ws = g_object_ref (ws);
	b->framed = g_object_ref (framed);
	b->closed = closed;
	b->user = user;
	soup_websocket_connection_set_max_incoming_payload_size (ws, DAP_WS_MAX_MESSAGE);
	b->writer = dap_writer_new (g_io_stream_get_output_stream (framed));
	b->reader = dap_reader_new (g_io_stream_get_input_stream (framed), 0, on_framed_message, on_framed_closed, b);
	b->message_id = g_signal_connect (ws, "message", G_CALLBACK (on_ws_message), b);
	b->closed_id = g_signal_connect (ws, "closed", G_CALLBACK (on_ws_closed), b);
	dap_reader_start (b->reader);
	return b;
}

void
dap_ws_bridge_free (DapWsBridge *b)
{
	if (!b)
		return;
	g_signal_handler_disconnect (b->ws, b->message_id);
	g_signal_handler_disconnect (b->ws, b->closed_id);
	b->closed = NULL;
	finish (b);
	dap_reader_free (b->reader);
	dap_writer_free (b->writer);
	g_object_unref (b->framed);
	g_object_unref (b->ws);
	g_free (b);
}

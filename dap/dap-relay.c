/*
 * dap-relay.c — local adapter or relay to a server (see dap-relay.h).
 *
 * The first two requests are read here with blocking reads that take
 * exactly one frame each (the header byte by byte, then Content-Length
 * bytes), so nothing the client sends after them is consumed: from then
 * on two threads copy bytes, client to peer and peer to client, and the
 * peer is either the local adapter (over a socket pair, on a thread with
 * its own main context) or the server (TCP, or the WebSocket through a
 * bridge on a thread of its own).
 */
#include "dap-relay.h"

#include <string.h>
#include <sys/socket.h>

#include <libsoup/soup.h>

#include "dap-adapter.h"
#include "dap-codec.h"
#include "dap-ws-bridge.h"

#define MAX_HEADER 8192

/* ---- frames, blocking -------------------------------------------------------------------------------- */

/* One frame: its message, or NULL with error set; *raw (if given) gets
 * the whole frame's bytes even when the body is not a message, so a
 * malformed request can still reach the adapter that answers it. */
static JsonObject *
read_frame_raw (GInputStream *in, GBytes **raw, GError **error)
{
	if (raw)
		*raw = NULL;
	GString *hdr = g_string_new (NULL);
	while (!g_str_has_suffix (hdr->str, "\r\n\r\n")) {
		char c;
		gssize r = g_input_stream_read (in, &c, 1, NULL, error);
		if (r <= 0) {
			if (r == 0)
				g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the peer closed the connection");
			g_string_free (hdr, TRUE);
			return NULL;
		}
		g_string_append_c (hdr, c);
		if (hdr->len > MAX_HEADER) {
			g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "DAP header too long");
			g_string_free (hdr, TRUE);
			return NULL;
		}
	}
	gsize n = 0;
	gboolean have = FALSE;
	char **lines = g_strsplit (hdr->str, "\r\n", -1);
	for (char **l = lines; *l; l++)
		if (!g_ascii_strncasecmp (*l, "Content-Length:", 15)) {
			/* digits by hand: g_ascii_string_to_unsigned can fail on a
			 * valid number when it is the process's first call (its C
			 * locale is made then, and newlocale may leave errno set,
			 * which the function then reads as a conversion error) */
			const char *p = *l + 15;
			while (*p == ' ')
				p++;
			guint64 v = 0;
			gboolean digits = *p != '\0';
			for (; *p && digits; p++) {
				if (!g_ascii_isdigit (*p) || v > DAP_DEFAULT_MAX_BODY)
					digits = FALSE;
				else
					v = v * 10 + (guint64) (*p - '0');
			}
			if (digits && v <= DAP_DEFAULT_MAX_BODY) {
				n = (gsize) v;
				have = TRUE;
			}
		}
	g_strfreev (lines);
	char *hdr_text = g_string_free (hdr, FALSE);
	if (!have) {
		g_free (hdr_text);
		g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "DAP frame without a usable Content-Length");
		return NULL;
	}
	char *body = g_malloc (n + 1);
	gsize got = 0;
	if (!g_input_stream_read_all (in, body, n, &got, NULL, error) || got != n) {
		if (error && !*error)
			g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the peer closed the connection mid-frame");
		g_free (body);
		g_free (hdr_text);
		return NULL;
	}
	if (raw) {
		GByteArray *all = g_byte_array_new ();
		g_byte_array_append (all, (const guint8 *) hdr_text, (guint) strlen (hdr_text));
		g_byte_array_append (all, (const guint8 *) body, (guint) n);
		*raw = g_byte_array_free_to_bytes (all);
	}
	g_free (hdr_text);
	JsonParser *p = json_parser_new ();
	JsonObject *o = NULL;
	if (json_parser_load_from_data (p, body, (gssize) n, error)) {
		if (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)))
			o = json_object_ref (json_node_get_object (json_parser_get_root (p)));
		else
			g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "a DAP message is a JSON object");
	}
	g_object_unref (p);
	g_free (body);
	return o;
}

static JsonObject *
read_frame (GInputStream *in, GError **error)
{
	return read_frame_raw (in, NULL, error);
}

static gboolean
write_frame (GOutputStream *out, JsonObject *msg, GError **error)
{
	JsonNode *node = json_node_init_object (json_node_alloc (), msg);
	GBytes *bytes = dap_encode_message (node);
	json_node_unref (node);
	gsize n;
	const void *data = g_bytes_get_data (bytes, &n);
	gboolean ok = g_output_stream_write_all (out, data, n, NULL, NULL, error) && g_output_stream_flush (out, NULL, error);
	g_bytes_unref (bytes);
	return ok;
}

static const char *
member_string (JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member (o, name) : NULL;
	return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n)
	                                                                                      : NULL;
}

static gint64
member_int (JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member (o, name) : NULL;
	return n && JSON_NODE_HOLDS_VALUE (n) ? json_node_get_int (n) : 0;
}

/* Read from in until the response to request seq; the events before it are
 * handed to out when out is not NULL (else dropped). */
static JsonObject *
read_response (GInputStream *in, gint64 seq, GError **error)
{
	for (;;) {
		JsonObject *m = read_frame (in, error);
		if (!m)
			return NULL;
		if (!g_strcmp0 (member_string (m, "type"), "response") && member_int (m, "request_seq") == seq)
			return m;
		json_object_unref (m);
	}
}

/* ---- the local adapter ----------------------------------------------------------------------------- */

typedef struct {
	GIOStream *stream;
	int        exit_code;
} Local;

static gpointer
local_main (gpointer data)
{
	Local *l = data;
	GMainContext *ctx = g_main_context_new ();
	g_main_context_push_thread_default (ctx);
	DapAdapter *a = dap_adapter_new (l->stream);
	l->exit_code = dap_adapter_run (a);
	dap_adapter_free (a);
	g_main_context_pop_thread_default (ctx);
	g_main_context_unref (ctx);
	return NULL;
}

static void
socket_pair (GIOStream **a, GIOStream **b)
{
	int fds[2];
	if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
		g_error ("socketpair: %s", g_strerror (errno));
	GSocket *sa = g_socket_new_from_fd (fds[0], NULL);
	GSocket *sb = g_socket_new_from_fd (fds[1], NULL);
	*a = G_IO_STREAM (g_socket_connection_factory_create_connection (sa));
	*b = G_IO_STREAM (g_socket_connection_factory_create_connection (sb));
	g_object_unref (sa);
	g_object_unref (sb);
}

/* ---- the WebSocket side ---------------------------------------------------------------------------------- */

typedef struct {
	char         *url, *token;
	GIOStream    *framed;    /* the bridge's end of the socket pair */
	GMainContext *ctx;
	GMainLoop    *loop;
	GMutex        lock;
	GCond         cond;
	gboolean      ready;     /* connected or failed */
	GError       *error;
	SoupWebsocketConnection *ws;
	DapWsBridge  *bridge;
} Ws;

static void
ws_closed (DapWsBridge *bridge, gpointer user)
{
	Ws *w = user;
	(void) bridge;
	g_main_loop_quit (w->loop);
}

static void
ws_connected (GObject *src, GAsyncResult *res, gpointer user)
{
	Ws *w = user;
	GError *error = NULL;
	w->ws = soup_session_websocket_connect_finish (SOUP_SESSION (src), res, &error);
	if (w->ws)
		w->bridge = dap_ws_bridge_new (w->ws, w->framed, ws_closed, w);
	g_mutex_lock (&w->lock);
	w->error = error;
	w->ready = TRUE;
	g_cond_signal (&w->cond);
	g_mutex_unlock (&w->lock);
	if (!w->ws)
		g_main_loop_quit (w->loop);
}

static gpointer
ws_main (gpointer data)
{
	Ws *w = data;
	g_main_context_push_thread_default (w->ctx);
	SoupSession *session = soup_session_new ();
	char *url = g_str_has_prefix (w->url, "ws://")    ? g_strconcat ("http://", w->url + 5, NULL)
	            : g_str_has_prefix (w->url, "wss://") ? g_strconcat ("https://", w->url + 6, NULL)
	                                                  : g_strdup (w->url);
	SoupMessage *msg = soup_message_new ("GET", url);
	g_free (url);
	if (!msg) {
		g_mutex_lock (&w->lock);
		w->error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "\"%s\" is not a URL", w->url);
		w->ready = TRUE;
		g_cond_signal (&w->cond);
		g_mutex_unlock (&w->lock);
	} else {
		if (w->token) {
			char *auth = g_strdup_printf ("Bearer %s", w->token);
			soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
			g_free (auth);
		}
		soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL, ws_connected, w);
		g_main_loop_run (w->loop);
		g_object_unref (msg);
	}
	dap_ws_bridge_free (w->bridge);
	w->bridge = NULL;
	g_clear_object (&w->ws);
	g_object_unref (session);
	/* let pending closes run before the context goes */
	while (g_main_context_iteration (w->ctx, FALSE))
		;
	g_main_context_pop_thread_default (w->ctx);
	return NULL;
}

/* ---- copying bytes --------------------------------------------------------------------------------------- */

typedef struct {
	GInputStream  *in;
	GOutputStream *out;
	GSocket       *shut;    /* shut down for writing at the end, or NULL */
	GCancellable  *stop;    /* shared: either direction ending ends the other */
} Pump;

static gpointer
pump_main (gpointer data)
{
	Pump *p = data;
	char buf[16384];
	for (;;) {
		gssize n = g_input_stream_read (p->in, buf, sizeof buf, p->stop, NULL);
		if (n <= 0)
			break;
		if (!g_output_stream_write_all (p->out, buf, (gsize) n, NULL, NULL, NULL) ||
		    !g_output_stream_flush (p->out, NULL, NULL))
			break;
	}
	if (p->shut)
		g_socket_shutdown (p->shut, FALSE, TRUE, NULL);
	else
		g_output_stream_close (p->out, NULL, NULL);
	g_cancellable_cancel (p->stop);
	return NULL;
}

static GSocket *
socket_of (GIOStream *s)
{
	return G_IS_SOCKET_CONNECTION (s) ? g_socket_connection_get_socket (G_SOCKET_CONNECTION (s)) : NULL;
}

/* Copy both ways until one side ends (the client disconnects, or the
 * peer closes after answering disconnect); then end the other. */
static void
pipe_both (GIOStream *client, GIOStream *peer)
{
	GCancellable *stop = g_cancellable_new ();
	Pump up = { g_io_stream_get_input_stream (client), g_io_stream_get_output_stream (peer), socket_of (peer), stop };
	Pump down = { g_io_stream_get_input_stream (peer), g_io_stream_get_output_stream (client), socket_of (client),
		      stop };
	GThread *t_up = g_thread_new ("dap-relay-up", pump_main, &up);
	GThread *t_down = g_thread_new ("dap-relay-down", pump_main, &down);
	g_thread_join (t_up);
	g_thread_join (t_down);
	g_object_unref (stop);
}

/* ---- the whole thing --------------------------------------------------------------------------------------- */

static void
fail_request (GOutputStream *out, JsonObject *req, const char *message)
{
	JsonObject *r = json_object_new ();
	json_object_set_int_member (r, "seq", 0);
	json_object_set_string_member (r, "type", "response");
	json_object_set_int_member (r, "request_seq", member_int (req, "seq"));
	json_object_set_boolean_member (r, "success", FALSE);
	json_object_set_string_member (r, "command", member_string (req, "command") ? member_string (req, "command") : "");
	json_object_set_string_member (r, "message", message);
	write_frame (out, r, NULL);
	json_object_unref (r);
}

/* Connect to the server an attach names; NULL (error set) on failure.
 * *ws is set when the connection is a WebSocket (its thread to join). */
static GIOStream *
connect_server (JsonObject *args, Ws **ws_out, GThread **ws_thread, GError **error)
{
	const char *url = member_string (args, "url");
	const char *host = member_string (args, "host");
	gint64 port = member_int (args, "port");
	*ws_out = NULL;
	*ws_thread = NULL;
	if (url) {
		Ws *w = g_new0 (Ws, 1);
		w->url = g_strdup (url);
		w->token = g_strdup (member_string (args, "token"));
		GIOStream *ours;
		socket_pair (&ours, &w->framed);
		w->ctx = g_main_context_new ();
		w->loop = g_main_loop_new (w->ctx, FALSE);
		g_mutex_init (&w->lock);
		g_cond_init (&w->cond);
		*ws_thread = g_thread_new ("dap-websocket", ws_main, w);
		g_mutex_lock (&w->lock);
		while (!w->ready)
			g_cond_wait (&w->cond, &w->lock);
		g_mutex_unlock (&w->lock);
		*ws_out = w;
		if (w->error) {
			g_propagate_prefixed_error (error, g_error_copy (w->error), "cannot open the WebSocket %s: ", url);
			g_object_unref (ours);
			return NULL;
		}
		return ours;
	}
	if (port <= 0 || port > 65535) {
		g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
		                     "attach to a server needs \"url\" (ws://host:8433/api/dap) or \"host\" and \"port\"");
		return NULL;
	}
	GSocketClient *c = g_socket_client_new ();
	g_socket_client_set_timeout (c, 10);
	GSocketConnection *conn = g_socket_client_connect_to_host (c, host ? host : "127.0.0.1", (guint16) port, NULL,
	                                                           error);
	g_object_unref (c);
	if (!conn)
		g_prefix_error (error, "cannot connect to %s:%" G_GINT64_FORMAT ": ", host ? host : "127.0.0.1", port);
	else
		g_socket_set_timeout (g_socket_connection_get_socket (conn), 0);
	return conn ? G_IO_STREAM (conn) : NULL;
}

static void
ws_free (Ws *w, GThread *t)
{
	if (!w)
		return;
	g_main_loop_quit (w->loop);
	g_main_context_wakeup (w->ctx);
	g_thread_join (t);
	g_object_unref (w->framed);
	g_main_loop_unref (w->loop);
	g_main_context_unref (w->ctx);
	g_clear_error (&w->error);
	g_mutex_clear (&w->lock);
	g_cond_clear (&w->cond);
	g_free (w->url);
	g_free (w->token);
	g_free (w);
}

static gboolean
names_server (JsonObject *req)
{
	if (g_strcmp0 (member_string (req, "command"), "attach"))
		return FALSE;
	JsonNode *an = json_object_get_member (req, "arguments");
	JsonObject *args = an && JSON_NODE_HOLDS_OBJECT (an) ? json_node_get_object (an) : NULL;
	return args && (json_object_has_member (args, "url") || json_object_has_member (args, "host") ||
	                json_object_has_member (args, "port"));
}

int
dap_relay_run (GIOStream *client)
{
	GInputStream *cin = g_io_stream_get_input_stream (client);
	GOutputStream *cout = g_io_stream_get_output_stream (client);
	GIOStream *mine, *theirs;
	socket_pair (&mine, &theirs);
	Local local = { theirs, 1 };
	GThread *lt = g_thread_new ("dap-local", local_main, &local);
	GInputStream *lin = g_io_stream_get_input_stream (mine);
	GOutputStream *lout = g_io_stream_get_output_stream (mine);

	GError *error = NULL;
	GBytes *raw1 = NULL, *raw2 = NULL;
	JsonObject *init = read_frame_raw (cin, &raw1, &error);
	JsonObject *second = NULL;
	if (init && !g_strcmp0 (member_string (init, "command"), "initialize")) {
		/* the local adapter answers initialize */
		JsonObject *resp = NULL;
		if (write_frame (lout, init, &error) && (resp = read_response (lin, member_int (init, "seq"), &error)))
			write_frame (cout, resp, NULL);
		g_clear_pointer (&resp, json_object_unref);
		g_clear_error (&error);
		second = read_frame_raw (cin, &raw2, &error);
	}
	g_clear_error (&error);

	if (second && names_server (second)) {
		JsonObject *args = json_object_get_object_member (second, "arguments");
		Ws *ws = NULL;
		GThread *ws_thread = NULL;
		GIOStream *server = connect_server (args, &ws, &ws_thread, &error);
		JsonObject *resp = NULL;
		if (server) {
			/* replay: the server answers its own initialize (dropped: the
			 * client has one), then the attach is the client's */
			GInputStream *sin = g_io_stream_get_input_stream (server);
			GOutputStream *sout = g_io_stream_get_output_stream (server);
			if (!(write_frame (sout, init, &error) && (resp = read_response (sin, member_int (init, "seq"), &error)) &&
			      write_frame (sout, second, &error)))
				g_prefix_error (&error, "the server closed the connection during the attach: ");
			else {
				g_clear_pointer (&resp, json_object_unref);
				/* the local adapter is not needed */
				g_socket_shutdown (socket_of (mine), FALSE, TRUE, NULL);
				g_thread_join (lt);
				lt = NULL;
				pipe_both (client, server);
			}
			g_clear_pointer (&resp, json_object_unref);
			g_io_stream_close (server, NULL, NULL);
			g_object_unref (server);
		}
		if (error) {
			/* the attach fails here; the client may go on locally */
			fail_request (cout, second, error->message);
			g_clear_error (&error);
			if (lt)
				pipe_both (client, mine);
		}
		ws_free (ws, ws_thread);
	} else if (raw1) {
		/* everything else is the local adapter's, malformed requests too
		 * (it answers them) */
		GBytes *pending = raw2 ? raw2 : !init || g_strcmp0 (member_string (init, "command"), "initialize") ? raw1 : NULL;
		if (pending)
			g_output_stream_write_all (lout, g_bytes_get_data (pending, NULL), g_bytes_get_size (pending), NULL, NULL,
			                           NULL);
		pipe_both (client, mine);
	}
	if (lt) {
		g_socket_shutdown (socket_of (mine), FALSE, TRUE, NULL);
		g_thread_join (lt);
	}
	g_clear_pointer (&init, json_object_unref);
	g_clear_pointer (&second, json_object_unref);
	g_clear_pointer (&raw1, g_bytes_unref);
	g_clear_pointer (&raw2, g_bytes_unref);
	g_object_unref (mine);
	g_object_unref (theirs);
	return local.exit_code;
}

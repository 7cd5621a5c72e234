/*
 * dap-test-client.h — the client side of the adapter tests: requests
 * written as a DAP client writes them, responses and events read off a
 * real socket with blocking reads that time out (a hang fails the test),
 * and messages that arrive before the one waited for kept for later.
 */
#pragma once

#include <string.h>

#include "dap-test-util.h"

typedef struct {
	GSocketConnection *server, *client;
	GThread           *thread;
	int                exit_code;
	gint64             seq;
	GString           *buf;       /* bytes read, not yet framed */
	GPtrArray         *backlog;   /* messages read while waiting for another */
} Fx;

static inline gint64
fx_send (Fx *fx, const char *command, const char *args)
{
	gint64 seq = fx->seq++;
	char *body = g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",\"type\":\"request\",\"command\":\"%s\"%s%s}", seq,
	                              command, args ? ",\"arguments\":" : "", args ? args : "");
	GString *frame = test_frame (NULL, body);
	GError *error = NULL;
	g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (fx->client)), frame->str,
	                                          frame->len, NULL, NULL, &error));
	g_assert_no_error (error);
	g_string_free (frame, TRUE);
	g_free (body);
	return seq;
}

/* The next message off the wire. */
static inline JsonObject *
fx_read (Fx *fx)
{
	GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (fx->client));
	for (;;) {
		const char *hdr_end = strstr (fx->buf->str, "\r\n\r\n");
		if (hdr_end) {
			const char *cl = strstr (fx->buf->str, "Content-Length: ");
			g_assert_nonnull (cl);
			gsize n = (gsize) g_ascii_strtoull (cl + 16, NULL, 10);
			gsize start = (gsize) (hdr_end - fx->buf->str) + 4;
			if (fx->buf->len >= start + n) {
				JsonParser *p = json_parser_new ();
				GError *error = NULL;
				g_assert_true (json_parser_load_from_data (p, fx->buf->str + start, (gssize) n, &error));
				g_assert_no_error (error);
				JsonObject *o = json_object_ref (json_node_get_object (json_parser_get_root (p)));
				g_object_unref (p);
				g_string_erase (fx->buf, 0, (gssize) (start + n));
				return o;
			}
		}
		char chunk[4096];
		GError *error = NULL;
		gssize r = g_input_stream_read (in, chunk, sizeof chunk, NULL, &error);
		g_assert_no_error (error);  /* a timeout fails here */
		g_assert_cmpint (r, >, 0);
		g_string_append_len (fx->buf, chunk, r);
	}
}

/* The first message (backlog first) that pred accepts; the others wait in
 * the backlog for a later call. */
typedef gboolean (*Pred) (JsonObject *m, gconstpointer data);

static inline JsonObject *
fx_wait (Fx *fx, Pred pred, gconstpointer data)
{
	for (guint i = 0; i < fx->backlog->len; i++)
		if (pred (fx->backlog->pdata[i], data))
			return g_ptr_array_steal_index (fx->backlog, i);  /* the backlog's reference moves to the caller */
	for (;;) {
		JsonObject *m = fx_read (fx);
		if (pred (m, data))
			return m;
		g_ptr_array_add (fx->backlog, m);
	}
}

static inline gboolean
is_response (JsonObject *m, gconstpointer data)
{
	return !g_strcmp0 (json_object_get_string_member (m, "type"), "response") &&
	       json_object_get_int_member (m, "request_seq") == *(const gint64 *) data;
}

static inline gboolean
is_event (JsonObject *m, gconstpointer data)
{
	return !g_strcmp0 (json_object_get_string_member (m, "type"), "event") &&
	       !g_strcmp0 (json_object_get_string_member (m, "event"), data);
}

/* Send and wait for the response; asserts its success flag. */
static inline JsonObject *
fx_call (Fx *fx, const char *command, const char *args, gboolean success)
{
	gint64 seq = fx_send (fx, command, args);
	JsonObject *r = fx_wait (fx, is_response, &seq);
	if (json_object_get_boolean_member (r, "success") != success)
		g_error ("%s %s: expected %s, got %s", command, args ? args : "", success ? "success" : "failure",
		         json_object_has_member (r, "message") ? json_object_get_string_member (r, "message") : "success");
	return r;
}

static inline JsonObject *
body (JsonObject *m)
{
	return json_object_get_object_member (m, "body");
}

static inline JsonObject *
fx_event (Fx *fx, const char *name)
{
	return fx_wait (fx, is_event, name);
}


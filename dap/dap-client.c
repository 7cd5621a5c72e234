/*
 * dap-client.c — DapClient: requests with async replies and events over a
 * DapReader/DapWriter pair (see dap-client.h).
 *
 * Pending requests live in a table keyed by seq; a response settles the
 * GTask with its request_seq.  A response for an unknown seq (a request
 * whose caller cancelled, or a confused adapter) is ignored.  Closing fails
 * every pending task exactly once.  The reader calls back on the main
 * context that was thread-default in dap_client_new, which is where the
 * GTasks complete too.
 */
#include "dap-client.h"
#include "dap-codec.h"

struct _DapClient {
	GObject      parent_instance;
	GIOStream   *stream;
	DapReader   *reader;
	DapWriter   *writer;
	gint64       seq;
	GHashTable  *pending;   /* gint64* seq -> GTask* */
	gboolean     closed;
};

G_DEFINE_TYPE (DapClient, dap_client, G_TYPE_OBJECT)
G_DEFINE_QUARK (dap-client-error-quark, dap_client_error)

enum { SIG_EVENT, SIG_CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
fail_pending (DapClient *self, const char *why)
{
	GHashTable *pending = self->pending;
	self->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
	GHashTableIter it;
	gpointer task;
	g_hash_table_iter_init (&it, pending);
	while (g_hash_table_iter_next (&it, NULL, &task))
		g_task_return_new_error (task, DAP_CLIENT_ERROR, DAP_CLIENT_ERROR_CLOSED, "%s", why);
	g_hash_table_unref (pending);
}

static void
shut (DapClient *self, const GError *error)
{
	if (self->closed)
		return;
	self->closed = TRUE;
	if (self->reader)
		dap_reader_stop (self->reader);
	g_io_stream_close (self->stream, NULL, NULL);
	g_object_ref (self);
	fail_pending (self, error ? error->message : "the debug adapter closed the connection");
	g_signal_emit (self, signals[SIG_CLOSED], 0, error);
	g_object_unref (self);
}

static void
on_response (DapClient *self, JsonObject *o)
{
	if (!json_object_has_member (o, "request_seq"))
		return;
	gint64 rseq = json_object_get_int_member (o, "request_seq");
	gpointer key, task;
	if (!g_hash_table_steal_extended (self->pending, &rseq, &key, &task))
		return;
	g_free (key);
	if (json_object_get_boolean_member_with_default (o, "success", FALSE)) {
		JsonNode *body = json_object_get_member (o, "body");
		g_task_return_pointer (task, body ? json_node_copy (body) : json_node_new (JSON_NODE_NULL),
		                       (GDestroyNotify) json_node_unref);
	} else {
		/* the user-facing text when the adapter sent one */
		const char *msg = json_object_get_string_member_with_default (o, "message", "request failed");
		JsonNode *bn = json_object_get_member (o, "body");
		JsonObject *body = bn && JSON_NODE_HOLDS_OBJECT (bn) ? json_node_get_object (bn) : NULL;
		JsonNode *en = body ? json_object_get_member (body, "error") : NULL;
		JsonObject *err = en && JSON_NODE_HOLDS_OBJECT (en) ? json_node_get_object (en) : NULL;
		if (err)
			msg = json_object_get_string_member_with_default (err, "format", msg);
		g_task_return_new_error (task, DAP_CLIENT_ERROR, DAP_CLIENT_ERROR_FAILED, "%s", msg);
	}
	g_object_unref (task);
}

static void
message_cb (DapReader *reader, JsonNode *message, const GError *error, gpointer user)
{
	DapClient *self = user;
	(void) reader;
	if (error) {
		g_warning ("debug adapter sent a bad message: %s", error->message);
		return;
	}
	JsonObject *o = json_node_get_object (message);
	if (g_getenv ("DAP_CLIENT_TRACE")) {  /* debugging aid: what the adapter sends */
		char *t = json_to_string (message, FALSE);
		g_printerr ("dap <- %s\n", t);
		g_free (t);
	}
	const char *type = json_object_get_string_member_with_default (o, "type", "");
	g_object_ref (self);
	if (!g_strcmp0 (type, "response"))
		on_response (self, o);
	else if (!g_strcmp0 (type, "event")) {
		const char *name = json_object_get_string_member_with_default (o, "event", "");
		JsonNode *body = json_object_get_member (o, "body");
		g_signal_emit (self, signals[SIG_EVENT], g_quark_from_string (name), name, body);
	}
	/* reverse requests (runInTerminal) are not asked for: ignored */
	g_object_unref (self);
}

static void
closed_cb (DapReader *reader, const GError *error, gpointer user)
{
	(void) reader;
	shut (user, error);
}

DapClient *
dap_client_new (GIOStream *stream)
{
	DapClient *self = g_object_new (DAP_TYPE_CLIENT, NULL);
	self->stream = g_object_ref (stream);
	self->writer = dap_writer_new (g_io_stream_get_output_stream (stream));
	self->reader = dap_reader_new (g_io_stream_get_input_stream (stream), DAP_DEFAULT_MAX_BODY,
	                               message_cb, closed_cb, self);
	dap_reader_start (self->reader);
	return self;
}

static gint64
send_request (DapClient *self, const char *command, JsonNode *arguments, GError **error)
{
	gint64 seq = ++self->seq;
	JsonObject *o = json_object_new ();
	json_object_set_int_member (o, "seq", seq);
	json_object_set_string_member (o, "type", "request");
	json_object_set_string_member (o, "command", command);
	if (arguments)
		json_object_set_member (o, "arguments", arguments);
	JsonNode *n = json_node_init_object (json_node_alloc (), o);
	json_object_unref (o);
	gboolean ok = dap_writer_write (self->writer, n, NULL, error);
	json_node_unref (n);
	return ok ? seq : 0;
}

void
dap_client_request_async (DapClient *self, const char *command, JsonNode *arguments, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
	g_return_if_fail (DAP_IS_CLIENT (self));
	GTask *task = g_task_new (self, cancellable, callback, user_data);
	g_task_set_source_tag (task, dap_client_request_async);
	g_task_set_task_data (task, g_strdup (command), g_free);
	/* a cancelled caller gets G_IO_ERROR_CANCELLED; the response is dropped */
	g_task_set_return_on_cancel (task, FALSE);
	if (self->closed) {
		if (arguments)
			json_node_unref (arguments);
		g_task_return_new_error (task, DAP_CLIENT_ERROR, DAP_CLIENT_ERROR_CLOSED, "the debug session has ended");
		g_object_unref (task);
		return;
	}
	GError *error = NULL;
	gint64 seq = send_request (self, command, arguments, &error);
	if (!seq) {
		g_task_return_new_error (task, DAP_CLIENT_ERROR, DAP_CLIENT_ERROR_CLOSED,
		                         "cannot send to the debug adapter: %s", error->message);
		g_error_free (error);
		g_object_unref (task);
		return;
	}
	g_hash_table_insert (self->pending, g_memdup2 (&seq, sizeof seq), task);
}

JsonNode *
dap_client_request_finish (DapClient *self, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (g_task_is_valid (result, self), NULL);
	GTask *task = G_TASK (result);
	/* cancelled while waiting: say so even if the answer came */
	if (g_cancellable_is_cancelled (g_task_get_cancellable (task)) && !g_task_had_error (task)) {
		JsonNode *n = g_task_propagate_pointer (task, NULL);
		if (n)
			json_node_unref (n);
		g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
		return NULL;
	}
	return g_task_propagate_pointer (task, error);
}

static void
ignore_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	(void) data;
	JsonNode *n = dap_client_request_finish (DAP_CLIENT (source), result, NULL);
	if (n)
		json_node_unref (n);
}

void
dap_client_send (DapClient *self, const char *command, JsonNode *arguments)
{
	dap_client_request_async (self, command, arguments, NULL, ignore_cb, NULL);
}

JsonNode *
dap_client_args (const char *format, ...)
{
	va_list ap;
	va_start (ap, format);
	char *text = g_strdup_vprintf (format, ap);
	va_end (ap);
	GError *error = NULL;
	JsonNode *n = json_from_string (text, &error);
	if (!n)
		g_error ("dap_client_args: bad JSON %s: %s", text, error->message);
	g_free (text);
	return n;
}

char *
dap_json_quote (const char *s)
{
	JsonNode *n = json_node_new (JSON_NODE_VALUE);
	json_node_set_string (n, s ? s : "");
	char *r = json_to_string (n, FALSE);
	json_node_unref (n);
	return r;
}

gboolean
dap_client_is_closed (DapClient *self)
{
	return self->closed;
}

void
dap_client_close (DapClient *self)
{
	shut (self, NULL);
}

static void
dap_client_dispose (GObject *object)
{
	DapClient *self = DAP_CLIENT (object);
	shut (self, NULL);
	G_OBJECT_CLASS (dap_client_parent_class)->dispose (object);
}

static void
dap_client_finalize (GObject *object)
{
	DapClient *self = DAP_CLIENT (object);
	g_clear_pointer (&self->reader, dap_reader_free);
	g_clear_pointer (&self->writer, dap_writer_free);
	g_clear_object (&self->stream);
	g_hash_table_unref (self->pending);
	G_OBJECT_CLASS (dap_client_parent_class)->finalize (object);
}

static void
dap_client_class_init (DapClientClass *klass)
{
	GObjectClass *oc = G_OBJECT_CLASS (klass);
	oc->dispose = dap_client_dispose;
	oc->finalize = dap_client_finalize;
	/* event (name, body): detailed by the event's name; body may be NULL */
	signals[SIG_EVENT] = g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
	                                   0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
	                                   JSON_TYPE_NODE | G_SIGNAL_TYPE_STATIC_SCOPE);
	/* closed (error or NULL) */
	signals[SIG_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
	                                    NULL, G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
dap_client_init (DapClient *self)
{
	self->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
}

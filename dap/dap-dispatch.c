/*
 * dap-dispatch.c — the DAP dispatcher: request in, handler, response out;
 * events; deferred replies from other threads; the end of a connection.
 *
 * Everything that touches the dispatcher's state runs on its GMainContext:
 * the reader's callbacks, the handlers, every write, and the drain of the
 * outbox.  The outbox (a GQueue under outbox_lock) is the only door for
 * other threads: dap_dispatch_send_event and the completion of a deferred
 * DapReply push an item there, and an idle source on the context writes
 * them in order.  Since only the context writes, "seq" is a plain counter
 * and needs no lock, and the order of "seq" is the order on the wire.
 *
 * NOTE: a message sent on the context first drains the outbox, so that
 * whatever another thread sent before it goes out before it; and a thread
 * that answers a request and then sends an event is seen in that order.
 *
 * NOTE: lifetimes across threads.  A deferred DapReply holds a reference
 * on the dispatcher until it is completed; completion moves that
 * reference into the outbox item, which drops it on the context.  So the
 * dispatcher is never finalized on a debugger thread because a reply was
 * answered there, and a reply answered after the connection is gone finds
 * a live (closed) dispatcher that drops it.  A deferred reply released
 * without an answer is answered "request was dropped by its handler":
 * every request gets exactly one response.
 *
 * NOTE: reentrancy.  Writes and "closed" happen inside reader callbacks and
 * handlers; a "closed" handler may drop the last reference of the
 * dispatcher.  Every entry point that can reach close_internal holds a
 * reference of its own for its duration.
 */
#define G_LOG_DOMAIN "oxibase-dap"

#include "dap-dispatch.h"
#include "dap-codec.h"

#include <string.h>

G_DEFINE_QUARK (dap-error-quark, dap_error)

typedef struct {
	char           *command;     /* owned */
	char           *capability;  /* owned, nullable */
	DapHandlerFunc  func;
	gpointer        user_data;
} Handler;

/* What another thread asks the context to send. */
typedef struct {
	DapDispatch *dispatch;     /* owned reference, dropped on the context */
	gboolean     is_event;
	char        *name;         /* event name, or the request's command; owned */
	gint64       request_seq;  /* responses only */
	JsonNode    *body;         /* owned, nullable */
	GError      *error;        /* responses only; owned, nullable */
} Outgoing;

struct _DapDispatch {
	GObject       parent_instance;

	GIOStream    *stream;          /* owned reference */
	GMainContext *context;         /* owned reference: where everything runs */
	DapReader    *reader;          /* owned; NULL before start */
	DapWriter    *writer;          /* owned */
	gsize         max_body;        /* bytes, 0 for the codec's default */

	GPtrArray    *handlers;        /* Handler *, in registration order (owned) */
	GHashTable   *by_command;      /* command -> Handler *, borrowed from handlers */
	JsonObject   *extra_caps;      /* capabilities set by the caller (owned) */

	gint64        next_seq;        /* "seq" of the next message sent; from 1 */
	GHashTable   *pending;         /* request_seq (gint64 *) -> GCancellable * (owned):
	                                * deferred replies not yet answered */
	guint         dispatching;     /* depth of handler calls in progress */
	gboolean      started;
	DapGateFunc   gate;
	gpointer      gate_data;
	gboolean      init_received;   /* initialize arrived (and did not fail) */
	gboolean      initialized;     /* initialize was answered with success */
	gboolean      close_after_reply; /* dap_dispatch_close during a handler */
	gboolean      closed;

	GMutex        outbox_lock;
	GQueue        outbox;          /* Outgoing *, oldest first; under outbox_lock */
	gboolean      drain_scheduled; /* an idle source will drain; under outbox_lock */
};

G_DEFINE_FINAL_TYPE (DapDispatch, dap_dispatch, G_TYPE_OBJECT)

enum { SIGNAL_CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* DapReply.state: RUNNING while the handler runs, DEFERRED after
 * dap_reply_defer, DONE once answered; DEFERRED -> DONE is the only
 * transition made off the context, with a compare-and-swap. */
enum { REPLY_RUNNING, REPLY_DEFERRED, REPLY_DONE };

struct _DapReply {
	gint          ref_count;    /* atomic */
	gint          state;        /* atomic; REPLY_* */
	DapDispatch  *dispatch;     /* owned reference until answered, then NULL */
	char         *command;      /* owned */
	gint64        request_seq;
	GCancellable *cancellable;  /* owned; cancelled by `cancel` or by close */
};

static void close_internal (DapDispatch *self, const GError *error);

/* ---- sending (on the context) ------------------------------------------- */

static gboolean
on_context (DapDispatch *self)
{
	return g_main_context_is_owner (self->context);
}

/* A message object whose first member is "seq" (filled in by write_now). */
static JsonObject *
envelope (const char *type)
{
	JsonObject *o = json_object_new ();

	json_object_set_int_member (o, "seq", 0);
	json_object_set_string_member (o, "type", type);
	return o;
}

/* Numbers the message and writes it; a write error closes the dispatcher.
 * Once closed, messages are dropped: there is no one to read them. */
static void
write_now (DapDispatch *self, JsonObject *message /* transfer full */)
{
	g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), message);
	g_autoptr (GError) error = NULL;

	json_object_unref (message);
	if (self->closed)
		return;
	json_object_set_int_member (message, "seq", self->next_seq++);
	if (!dap_writer_write (self->writer, node, NULL, &error))
		close_internal (self, error);
}

/* The message the spec allows for a failure: the two fixed values that a
 * client may interpret, or the error's text. */
static const char *
short_message (const GError *error, gboolean *fixed)
{
	*fixed = TRUE;
	if (g_error_matches (error, DAP_ERROR, DAP_ERROR_CANCELLED)
	    || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return "cancelled";
	if (g_error_matches (error, DAP_ERROR, DAP_ERROR_NOT_STOPPED))
		return "notStopped";
	*fixed = FALSE;
	return error->message;
}

/*
 * Response:
 *   request_seq, success, command; message when success is false ("the
 *   raw error in short form ... Values: 'cancelled', 'notStopped'"); body
 *   on success, or an ErrorResponse body { error: Message } on failure.
 */
static void
send_response (DapDispatch *self, const char *command, gint64 request_seq,
               JsonNode *body /* transfer full */, GError *error /* transfer full */)
{
	JsonObject *o = envelope ("response");

	json_object_set_int_member (o, "request_seq", request_seq);
	json_object_set_boolean_member (o, "success", error == NULL);
	json_object_set_string_member (o, "command", command);
	if (error) {
		gboolean fixed;
		const char *message = short_message (error, &fixed);

		json_object_set_string_member (o, "message", message);
		/* Handler failures are meant for the user; the protocol's own
		 * outcomes (cancelled, notStopped, malformed requests) are not. */
		if (!fixed && error->domain != DAP_ERROR) {
			JsonObject *m = json_object_new ();
			JsonObject *b = json_object_new ();

			json_object_set_int_member (m, "id", error->code);
			json_object_set_string_member (m, "format", error->message);
			json_object_set_boolean_member (m, "showUser", TRUE);
			json_object_set_object_member (b, "error", m);
			json_object_set_object_member (o, "body", b);
		}
		g_error_free (error);
		if (body)
			json_node_unref (body);
	} else if (body) {
		json_object_set_member (o, "body", body);
	}
	write_now (self, o);
}

static void
send_event_now (DapDispatch *self, const char *event, JsonNode *body /* transfer full */)
{
	JsonObject *o = envelope ("event");

	json_object_set_string_member (o, "event", event);
	if (body)
		json_object_set_member (o, "body", body);
	write_now (self, o);
}

/* The response to a handler: the place where initialize's body becomes
 * the capabilities and the session counts as initialized. */
static void
complete (DapDispatch *self, const char *command, gint64 request_seq, JsonNode *body, GError *error)
{
	if (strcmp (command, "initialize") == 0) {
		if (error == NULL) {
			JsonNode *caps = dap_dispatch_capabilities (self);

			if (body && JSON_NODE_HOLDS_OBJECT (body)) {
				JsonObject *extra = json_node_get_object (body);
				JsonObjectIter it;
				const char *name;
				JsonNode *value;

				json_object_iter_init (&it, extra);
				while (json_object_iter_next (&it, &name, &value))
					json_object_set_member (json_node_get_object (caps), name,
					                        json_node_copy (value));
			}
			g_clear_pointer (&body, json_node_unref);
			body = caps;
			self->initialized = TRUE;
		} else {
			/* A failed initialize may be retried. */
			self->init_received = FALSE;
		}
	}
	send_response (self, command, request_seq, body, error);
}

/* ---- the outbox: other threads to the context --------------------------- */

static void
outgoing_free (Outgoing *item)
{
	g_free (item->name);
	if (item->body)
		json_node_unref (item->body);
	g_clear_error (&item->error);
	g_clear_object (&item->dispatch);  /* on the context: see the NOTE above */
	g_free (item);
}

static void
process_item (DapDispatch *self, Outgoing *item)
{
	if (item->is_event) {
		send_event_now (self, item->name, g_steal_pointer (&item->body));
	} else {
		g_hash_table_remove (self->pending, &item->request_seq);
		complete (self, item->name, item->request_seq, g_steal_pointer (&item->body),
		          g_steal_pointer (&item->error));
	}
	outgoing_free (item);
}

/* Writes everything other threads have queued.  On the context only. */
static void
drain_outbox (DapDispatch *self)
{
	for (;;) {
		Outgoing *item;

		g_mutex_lock (&self->outbox_lock);
		item = g_queue_pop_head (&self->outbox);
		g_mutex_unlock (&self->outbox_lock);
		if (item == NULL)
			break;
		process_item (self, item);
	}
}

static gboolean
drain_cb (gpointer data)
{
	DapDispatch *self = data;  /* the source holds a reference */

	g_mutex_lock (&self->outbox_lock);
	self->drain_scheduled = FALSE;
	g_mutex_unlock (&self->outbox_lock);
	drain_outbox (self);
	return G_SOURCE_REMOVE;
}

/* Any thread.  @item->dispatch must already hold a reference. */
static void
enqueue (DapDispatch *self, Outgoing *item)
{
	g_mutex_lock (&self->outbox_lock);
	g_queue_push_tail (&self->outbox, item);
	if (!self->drain_scheduled) {
		GSource *source = g_idle_source_new ();

		g_source_set_priority (source, G_PRIORITY_DEFAULT);
		g_source_set_callback (source, drain_cb, g_object_ref (self), g_object_unref);
		g_source_set_static_name (source, "[oxibase-dap] outbox");
		g_source_attach (source, self->context);
		g_source_unref (source);
		self->drain_scheduled = TRUE;
	}
	g_mutex_unlock (&self->outbox_lock);
}

/* ---- replies ------------------------------------------------------------ */

static DapReply *
reply_new (DapDispatch *self, const char *command, gint64 request_seq)
{
	DapReply *reply = g_new0 (DapReply, 1);

	reply->ref_count = 1;
	reply->state = REPLY_RUNNING;
	reply->dispatch = g_object_ref (self);
	reply->command = g_strdup (command);
	reply->request_seq = request_seq;
	reply->cancellable = g_cancellable_new ();
	return reply;
}

/* The answer of a deferred reply, from any thread, after the DEFERRED ->
 * DONE swap was won. */
static void
reply_enqueue (DapReply *reply, JsonNode *body, GError *error)
{
	Outgoing *item = g_new0 (Outgoing, 1);
	DapDispatch *self = reply->dispatch;

	item->dispatch = g_steal_pointer (&reply->dispatch);
	item->name = g_strdup (reply->command);
	item->request_seq = reply->request_seq;
	item->body = body;
	item->error = error;
	enqueue (self, item);
}

DapReply *
dap_reply_ref (DapReply *reply)
{
	g_return_val_if_fail (reply != NULL, NULL);
	g_atomic_int_inc (&reply->ref_count);
	return reply;
}

void
dap_reply_unref (DapReply *reply)
{
	if (reply == NULL || !g_atomic_int_dec_and_test (&reply->ref_count))
		return;
	/* The dispatcher holds a reference while the handler runs. */
	g_assert (g_atomic_int_get (&reply->state) != REPLY_RUNNING);
	if (g_atomic_int_compare_and_exchange (&reply->state, REPLY_DEFERRED, REPLY_DONE))
		reply_enqueue (reply, NULL,
		               g_error_new (DAP_ERROR, DAP_ERROR_DROPPED,
		                            "request \"%s\" was dropped by its handler", reply->command));
	g_assert (reply->dispatch == NULL);
	g_free (reply->command);
	g_clear_object (&reply->cancellable);
	g_free (reply);
}

/**
 * dap_reply_defer:
 * @reply: the handle a handler was given
 *
 * Tells the dispatcher that the handler will answer later, with
 * dap_reply_finish or dap_reply_fail, from any thread.  Call it from the
 * handler only, at most once; the handler then returns NULL.  Until the
 * answer, a `cancel` naming this request cancels dap_reply_get_cancellable
 * (the handler still answers, "cancelled" or not), and so does the end of
 * the connection (the answer is then dropped).
 *
 * Returns: (transfer full): a reference that the answer consumes.
 */
DapReply *
dap_reply_defer (DapReply *reply)
{
	DapDispatch *self;
	gint64 *key;

	g_return_val_if_fail (reply != NULL, NULL);
	g_return_val_if_fail (g_atomic_int_get (&reply->state) == REPLY_RUNNING, NULL);

	self = reply->dispatch;
	g_assert (on_context (self));
	g_atomic_int_set (&reply->state, REPLY_DEFERRED);
	key = g_new (gint64, 1);
	*key = reply->request_seq;
	g_hash_table_replace (self->pending, key, g_object_ref (reply->cancellable));
	if (self->closed)
		g_cancellable_cancel (reply->cancellable);
	return dap_reply_ref (reply);
}

/**
 * dap_reply_finish:
 * @reply: (transfer full): the reference dap_reply_defer returned
 * @body: (transfer full) (nullable): the response body
 *
 * Answers a deferred request with success.  Any thread.
 */
void
dap_reply_finish (DapReply *reply, JsonNode *body)
{
	g_return_if_fail (reply != NULL);

	if (!g_atomic_int_compare_and_exchange (&reply->state, REPLY_DEFERRED, REPLY_DONE)) {
		g_critical ("dap_reply_finish: request \"%s\" (seq %" G_GINT64_FORMAT ") "
		            "was not deferred or is already answered", reply->command, reply->request_seq);
		if (body)
			json_node_unref (body);
	} else {
		reply_enqueue (reply, body, NULL);
	}
	dap_reply_unref (reply);
}

/**
 * dap_reply_fail:
 * @reply: (transfer full): the reference dap_reply_defer returned
 * @error: (transfer full): why; see dap-dispatch.h for the special codes
 *
 * Answers a deferred request with an error response.  Any thread.
 */
void
dap_reply_fail (DapReply *reply, GError *error)
{
	g_return_if_fail (reply != NULL);
	g_return_if_fail (error != NULL);

	if (!g_atomic_int_compare_and_exchange (&reply->state, REPLY_DEFERRED, REPLY_DONE)) {
		g_critical ("dap_reply_fail: request \"%s\" (seq %" G_GINT64_FORMAT ") "
		            "was not deferred or is already answered", reply->command, reply->request_seq);
		g_error_free (error);
	} else {
		reply_enqueue (reply, NULL, error);
	}
	dap_reply_unref (reply);
}

const char *
dap_reply_get_command (DapReply *reply)
{
	g_return_val_if_fail (reply != NULL, NULL);
	return reply->command;
}

gint64
dap_reply_get_request_seq (DapReply *reply)
{
	g_return_val_if_fail (reply != NULL, -1);
	return reply->request_seq;
}

/* Cancelled by a `cancel` request naming this one, or when the connection
 * ends.  Safe to watch from any thread. */
GCancellable *
dap_reply_get_cancellable (DapReply *reply)
{
	g_return_val_if_fail (reply != NULL, NULL);
	return reply->cancellable;
}

/* ---- closing ------------------------------------------------------------ */

static void
close_internal (DapDispatch *self, const GError *error)
{
	GHashTableIter it;
	gpointer cancellable;

	if (self->closed)
		return;
	self->closed = TRUE;
	if (self->reader)
		dap_reader_stop (self->reader);
	g_hash_table_iter_init (&it, self->pending);
	while (g_hash_table_iter_next (&it, NULL, &cancellable))
		g_cancellable_cancel (cancellable);
	if (error)
		g_debug ("connection closed: %s", error->message);
	g_signal_emit (self, signals[SIGNAL_CLOSED], 0, error);
}

/**
 * dap_dispatch_close:
 *
 * Ends the session from our side: stops reading, sends what other threads
 * have queued, and emits "closed" with no error.  Called from a handler
 * (say, `disconnect`), it waits until that handler's response is written.
 * The stream itself is left to its owner.
 */
void
dap_dispatch_close (DapDispatch *self)
{
	g_return_if_fail (DAP_IS_DISPATCH (self));

	if (self->closed)
		return;
	if (self->reader)
		dap_reader_stop (self->reader);
	if (self->dispatching > 0) {
		self->close_after_reply = TRUE;
		return;
	}
	g_object_ref (self);
	drain_outbox (self);
	close_internal (self, NULL);
	g_object_unref (self);
}

gboolean
dap_dispatch_is_closed (DapDispatch *self)
{
	g_return_val_if_fail (DAP_IS_DISPATCH (self), TRUE);
	return self->closed;
}

gboolean
dap_dispatch_is_initialized (DapDispatch *self)
{
	g_return_val_if_fail (DAP_IS_DISPATCH (self), FALSE);
	return self->initialized;
}

/* ---- requests ----------------------------------------------------------- */

/* Runs @h (NULL: answer success with no body) for one request and answers
 * it, unless the handler deferred. */
static void
run_handler (DapDispatch *self, Handler *h, const char *command, gint64 seq, JsonObject *args)
{
	DapReply *reply = reply_new (self, command, seq);
	g_autoptr (GError) error = NULL;
	JsonNode *body = NULL;

	self->dispatching++;
	if (h)
		body = h->func (self, args, reply, h->user_data, &error);
	self->dispatching--;

	if (g_atomic_int_get (&reply->state) == REPLY_RUNNING) {
		g_atomic_int_set (&reply->state, REPLY_DONE);
		g_clear_object (&reply->dispatch);
		if (body && error) {
			g_critical ("handler for \"%s\" returned both a body and an error", command);
			g_clear_pointer (&body, json_node_unref);
		}
		drain_outbox (self);
		complete (self, command, seq, body, g_steal_pointer (&error));
	} else if (body || error) {
		g_critical ("handler for \"%s\" deferred its reply and also returned %s; ignored",
		            command, error ? "an error" : "a body");
		if (body)
			json_node_unref (body);
	}
	dap_reply_unref (reply);

	if (self->close_after_reply && self->dispatching == 0) {
		self->close_after_reply = FALSE;
		dap_dispatch_close (self);
	}
}

/* Answers a request the dispatcher refuses by itself. */
G_GNUC_PRINTF (5, 6) static void
refuse (DapDispatch *self, const char *command, gint64 seq, DapError code, const char *fmt, ...)
{
	va_list ap;
	GError *error;

	va_start (ap, fmt);
	error = g_error_new_valist (DAP_ERROR, code, fmt, ap);
	va_end (ap);
	drain_outbox (self);
	send_response (self, command, seq, NULL, error);
}

/*
 * Cancel request: "The request that got cancelled still needs to send a
 * response back.  This can either be a normal result ('success' attribute
 * true) or an error response ('success' attribute false and the 'message'
 * set to 'cancelled')."  So cancelling only signals the request's
 * cancellable; its handler decides what to answer.  Requests that are no
 * longer pending (answered, or never deferred) are ignored: cancel is a
 * hint.  A "cancel" row in the table then runs (progressId is its
 * business); without one, cancel answers success.
 */
static void
builtin_cancel (DapDispatch *self, JsonObject *args)
{
	JsonNode *id = json_object_get_member (args, "requestId");

	if (id && JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_INT64) {
		gint64 seq = json_node_get_int (id);
		GCancellable *c = g_hash_table_lookup (self->pending, &seq);

		if (c)
			g_cancellable_cancel (c);
	}
}

static void
handle_request (DapDispatch *self, JsonObject *msg, gint64 seq)
{
	JsonNode *cmd_node = json_object_get_member (msg, "command");
	JsonNode *args_node = json_object_get_member (msg, "arguments");
	g_autoptr (JsonObject) empty = NULL;
	JsonObject *args;
	const char *command;
	Handler *h;

	if (cmd_node == NULL || !JSON_NODE_HOLDS_VALUE (cmd_node)
	    || json_node_get_value_type (cmd_node) != G_TYPE_STRING) {
		refuse (self, "", seq, DAP_ERROR_INVALID_REQUEST,
		        "malformed request: \"command\" is missing or not a string");
		return;
	}
	command = json_node_get_string (cmd_node);
	if (args_node && !JSON_NODE_HOLDS_NULL (args_node) && !JSON_NODE_HOLDS_OBJECT (args_node)) {
		refuse (self, command, seq, DAP_ERROR_INVALID_REQUEST,
		        "malformed request: \"arguments\" is not an object");
		return;
	}
	if (args_node && JSON_NODE_HOLDS_OBJECT (args_node)) {
		args = json_node_get_object (args_node);
	} else {
		empty = json_object_new ();
		args = empty;
	}

	h = g_hash_table_lookup (self->by_command, command);
	if (strcmp (command, "initialize") == 0) {
		if (self->init_received) {
			refuse (self, command, seq, DAP_ERROR_ALREADY_INITIALIZED,
			        "initialize was already received");
			return;
		}
		self->init_received = TRUE;
		run_handler (self, h, command, seq, args);
		return;
	}
	if (!self->init_received) {
		refuse (self, command, seq, DAP_ERROR_NOT_INITIALIZED,
		        "request \"%s\" before \"initialize\"", command);
		return;
	}
	if (self->gate) {
		GError *gate_error = NULL;
		if (!self->gate (command, self->gate_data, &gate_error)) {
			refuse (self, command, seq, DAP_ERROR_FAILED, "%s", gate_error->message);
			g_error_free (gate_error);
			return;
		}
	}
	if (strcmp (command, "cancel") == 0) {
		builtin_cancel (self, args);
		run_handler (self, h, command, seq, args);
		return;
	}
	if (h == NULL) {
		refuse (self, command, seq, DAP_ERROR_UNRECOGNIZED, "unrecognized request");
		return;
	}
	run_handler (self, h, command, seq, args);
}

static void
reader_message_cb (DapReader *reader, JsonNode *message, const GError *error, gpointer data)
{
	DapDispatch *self = g_object_ref (data);
	JsonObject *msg;
	const char *type;

	if (message == NULL) {
		/* The request's seq and command are unknown: request_seq 0 is
		 * below every valid seq. */
		refuse (self, "", 0, DAP_ERROR_BAD_MESSAGE, "%s", error->message);
		goto out;
	}
	msg = json_node_get_object (message);
	type = json_object_get_string_member (msg, "type");
	if (strcmp (type, "request") == 0)
		handle_request (self, msg, json_object_get_int_member (msg, "seq"));
	else
		/* Responses to reverse requests (runInTerminal) will land here
		 * once we send any; clients send no events. */
		g_debug ("ignoring a message of type \"%s\"", type);
out:
	g_object_unref (self);
}

static void
reader_closed_cb (DapReader *reader, const GError *error, gpointer data)
{
	DapDispatch *self = g_object_ref (data);

	drain_outbox (self);
	/* a framing error (not the end of the stream): say why before going,
	 * with request_seq 0 since no request can be named (if the peer is
	 * still reading; a failed write just ends the same way) */
	if (error && !self->closed)
		refuse (self, "", 0, DAP_ERROR_BAD_MESSAGE, "%s; closing the connection", error->message);
	close_internal (self, error);
	g_object_unref (self);
}

/* ---- setup -------------------------------------------------------------- */

/**
 * dap_dispatch_new:
 * @stream: the connection; its input is read, its output written
 *
 * The dispatcher belongs to the calling thread's thread-default
 * GMainContext.  Register handlers, then dap_dispatch_start.  Drop the
 * last reference on that context's thread.
 *
 * Returns: (transfer full): a new dispatcher
 */
DapDispatch *
dap_dispatch_new (GIOStream *stream)
{
	DapDispatch *self;

	g_return_val_if_fail (G_IS_IO_STREAM (stream), NULL);

	self = g_object_new (DAP_TYPE_DISPATCH, NULL);
	self->stream = g_object_ref (stream);
	self->writer = dap_writer_new (g_io_stream_get_output_stream (stream));
	return self;
}

/* The cap on a request body (DAP_DEFAULT_MAX_BODY unless set); before start. */
void
dap_dispatch_set_max_body (DapDispatch *self, gsize max_body)
{
	g_return_if_fail (DAP_IS_DISPATCH (self));
	g_return_if_fail (!self->started);
	self->max_body = max_body;
}

/**
 * dap_dispatch_add_handlers:
 * @entries: (array length=n_entries): rows; the strings are copied
 * @user_data: passed to every handler of these rows
 *
 * Each command may be registered once.
 */
void
dap_dispatch_add_handlers (DapDispatch *self, const DapHandlerEntry *entries, gsize n_entries,
                           gpointer user_data)
{
	g_return_if_fail (DAP_IS_DISPATCH (self));
	g_return_if_fail (entries != NULL || n_entries == 0);

	for (gsize i = 0; i < n_entries; i++) {
		Handler *h;

		g_return_if_fail (entries[i].command != NULL && entries[i].handler != NULL);
		if (g_hash_table_contains (self->by_command, entries[i].command)) {
			g_critical ("DAP command \"%s\" registered twice", entries[i].command);
			continue;
		}
		h = g_new0 (Handler, 1);
		h->command = g_strdup (entries[i].command);
		h->capability = g_strdup (entries[i].capability);
		h->func = entries[i].handler;
		h->user_data = user_data;
		g_ptr_array_add (self->handlers, h);
		g_hash_table_insert (self->by_command, h->command, h);
	}
}

/* A capability that no single request stands for (supportsConditional-
 * Breakpoints...); it overrides what the table implies. */
void
dap_dispatch_set_capability (DapDispatch *self, const char *name, gboolean value)
{
	g_return_if_fail (DAP_IS_DISPATCH (self));
	g_return_if_fail (name != NULL);
	json_object_set_boolean_member (self->extra_caps, name, value);
}

/* The same for non-boolean capabilities (exceptionBreakpointFilters).
 * @value: (transfer full) */
void
dap_dispatch_set_capability_value (DapDispatch *self, const char *name, JsonNode *value)
{
	g_return_if_fail (DAP_IS_DISPATCH (self));
	g_return_if_fail (name != NULL && value != NULL);
	json_object_set_member (self->extra_caps, name, value);
}

/**
 * dap_dispatch_capabilities:
 *
 * The Capabilities object answered to `initialize`: true for the
 * capability of every registered row, supportsCancelRequest (built in),
 * then what dap_dispatch_set_capability* set.
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
dap_dispatch_capabilities (DapDispatch *self)
{
	JsonObject *caps;
	JsonObjectIter it;
	const char *name;
	JsonNode *value;
	JsonNode *node;

	g_return_val_if_fail (DAP_IS_DISPATCH (self), NULL);

	caps = json_object_new ();
	json_object_set_boolean_member (caps, "supportsCancelRequest", TRUE);
	for (guint i = 0; i < self->handlers->len; i++) {
		Handler *h = g_ptr_array_index (self->handlers, i);

		if (h->capability)
			json_object_set_boolean_member (caps, h->capability, TRUE);
	}
	json_object_iter_init (&it, self->extra_caps);
	while (json_object_iter_next (&it, &name, &value))
		json_object_set_member (caps, name, json_node_copy (value));
	node = json_node_new (JSON_NODE_OBJECT);
	json_node_take_object (node, caps);
	return node;
}

/* Starts reading requests; on the dispatcher's context. */
void
dap_dispatch_set_gate (DapDispatch *self, DapGateFunc gate, gpointer user_data)
{
	g_return_if_fail (DAP_IS_DISPATCH (self));
	self->gate = gate;
	self->gate_data = user_data;
}

void
dap_dispatch_start (DapDispatch *self)
{
	g_autoptr (GMainContext) here = g_main_context_ref_thread_default ();

	g_return_if_fail (DAP_IS_DISPATCH (self));
	g_return_if_fail (!self->started);
	g_return_if_fail (here == self->context);

	self->started = TRUE;
	self->reader = dap_reader_new (g_io_stream_get_input_stream (self->stream), self->max_body,
	                               reader_message_cb, reader_closed_cb, self);
	dap_reader_start (self->reader);
}

/**
 * dap_dispatch_send_event:
 * @event: the event's name ("stopped")
 * @body: (transfer full) (nullable): its body
 *
 * Any thread.  Events and responses share one "seq" order.
 */
void
dap_dispatch_send_event (DapDispatch *self, const char *event, JsonNode *body)
{
	g_return_if_fail (DAP_IS_DISPATCH (self));
	g_return_if_fail (event != NULL);

	if (on_context (self)) {
		g_object_ref (self);
		drain_outbox (self);
		send_event_now (self, event, body);
		g_object_unref (self);
	} else {
		Outgoing *item = g_new0 (Outgoing, 1);

		item->dispatch = g_object_ref (self);
		item->is_event = TRUE;
		item->name = g_strdup (event);
		item->body = body;
		enqueue (self, item);
	}
}

static void
handler_free (gpointer data)
{
	Handler *h = data;

	g_free (h->command);
	g_free (h->capability);
	g_free (h);
}

static void
dap_dispatch_dispose (GObject *object)
{
	DapDispatch *self = DAP_DISPATCH (object);

	/* Nothing is left to hear "closed" from a dispatcher being disposed. */
	self->closed = TRUE;
	g_clear_pointer (&self->reader, dap_reader_free);
	G_OBJECT_CLASS (dap_dispatch_parent_class)->dispose (object);
}

static void
dap_dispatch_finalize (GObject *object)
{
	DapDispatch *self = DAP_DISPATCH (object);

	/* Items and the drain source hold references: none can be left. */
	g_assert (g_queue_is_empty (&self->outbox));
	g_clear_pointer (&self->writer, dap_writer_free);
	g_clear_object (&self->stream);
	g_clear_pointer (&self->context, g_main_context_unref);
	g_clear_pointer (&self->by_command, g_hash_table_unref);
	g_clear_pointer (&self->handlers, g_ptr_array_unref);
	g_clear_pointer (&self->extra_caps, json_object_unref);
	g_clear_pointer (&self->pending, g_hash_table_unref);
	g_mutex_clear (&self->outbox_lock);
	G_OBJECT_CLASS (dap_dispatch_parent_class)->finalize (object);
}

static void
dap_dispatch_class_init (DapDispatchClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);

	object_class->dispose = dap_dispatch_dispose;
	object_class->finalize = dap_dispatch_finalize;

	/**
	 * DapDispatch::closed:
	 * @error: (nullable): NULL when the client ended the stream between
	 *   messages or dap_dispatch_close was called; else why
	 *
	 * Emitted once, on the dispatcher's context.
	 */
	signals[SIGNAL_CLOSED] =
		g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
		              NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
dap_dispatch_init (DapDispatch *self)
{
	self->context = g_main_context_ref_thread_default ();
	self->handlers = g_ptr_array_new_with_free_func (handler_free);
	self->by_command = g_hash_table_new (g_str_hash, g_str_equal);
	self->extra_caps = json_object_new ();
	self->next_seq = 1;
	self->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
	g_mutex_init (&self->outbox_lock);
	g_queue_init (&self->outbox);
}

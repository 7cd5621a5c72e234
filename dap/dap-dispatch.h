/*
 * dap-dispatch.h — the one place that turns DAP requests into responses:
 * a table of handlers, the response envelope, `seq`, and events.
 *
 * In the style of lldb-dap: the caller registers {command, capability,
 * handler} rows; a handler receives the request's arguments and returns a
 * body or a GError, and never writes to the stream.  The dispatcher alone
 * sets "seq" (1, 2, 3... over everything it sends, responses and events
 * alike), "request_seq", "success", "command" and "message".
 *
 * Threads: a DapDispatch lives on the GMainContext that is thread-default
 * where it was created; reading, handlers and writing all happen there.
 * Two calls may come from any thread: dap_dispatch_send_event and the
 * completion of a deferred reply (dap_reply_finish / dap_reply_fail); both
 * are carried over to the dispatcher's context in the order they were made,
 * and written there.  A message sent on the context itself goes out after
 * whatever other threads had already queued.
 *
 * What can go wrong, and what the client sees:
 *   - a frame whose body is not a message: an error response with
 *     request_seq 0 (the request's seq is unknown) and the codec's message;
 *   - a request without a string "command", or whose "arguments" is not an
 *     object: an error response "malformed request: ...";
 *   - a request before `initialize`: "request "X" before "initialize"";
 *     a second `initialize`: "initialize was already received";
 *   - an unknown command: "unrecognized request";
 *   - a handler's GError: its message; DAP_ERROR_CANCELLED and
 *     G_IO_ERROR_CANCELLED become "cancelled", DAP_ERROR_NOT_STOPPED
 *     becomes "notStopped" (the two values the spec gives `message`);
 *   - a deferred reply dropped without an answer: "request was dropped by
 *     its handler".
 * A framing error, the end of the stream, or a failed write closes the
 * dispatcher: "closed" is emitted once, the cancellables of pending replies
 * are cancelled, and later sends are dropped silently.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DAP_ERROR (dap_error_quark ())
GQuark dap_error_quark (void);

/* Handler outcomes with a meaning of their own in the protocol. */
typedef enum {
	DAP_ERROR_FAILED = 1,          /* anything else; the message says what */
	DAP_ERROR_CANCELLED,           /* message "cancelled" */
	DAP_ERROR_NOT_STOPPED,         /* message "notStopped" */
	DAP_ERROR_INVALID_REQUEST,     /* malformed request or arguments */
	DAP_ERROR_UNRECOGNIZED,        /* no handler for the command */
	DAP_ERROR_NOT_INITIALIZED,     /* a request before initialize */
	DAP_ERROR_ALREADY_INITIALIZED, /* a second initialize */
	DAP_ERROR_DROPPED,             /* a deferred reply was never answered */
	DAP_ERROR_BAD_MESSAGE,         /* the frame's body was not a message */
} DapError;

#define DAP_TYPE_DISPATCH (dap_dispatch_get_type ())
G_DECLARE_FINAL_TYPE (DapDispatch, dap_dispatch, DAP, DISPATCH, GObject)

typedef struct _DapReply DapReply;

/**
 * DapHandlerFunc:
 * @arguments: the request's "arguments" (an empty object when absent);
 *   valid for the call only
 * @reply: this request's reply handle, owned by the dispatcher; to answer
 *   later, take it with dap_reply_defer and return NULL
 *
 * Returns: (transfer full) (nullable): the response body (NULL for none);
 * or NULL with @error for an error response.  Ignored after
 * dap_reply_defer.
 */
typedef JsonNode *(*DapHandlerFunc) (DapDispatch *dispatch,
                                     JsonObject  *arguments,
                                     DapReply    *reply,
                                     gpointer     user_data,
                                     GError     **error);

/* One row of the table.  @capability is the Capabilities field that
 * announces the request ("supportsStepBack"), NULL for the requests every
 * adapter has.  A row for "initialize" runs when initialize arrives; the
 * object it returns (if any) is merged over the capabilities.  A row for
 * "cancel" runs after the built-in cancellation (for progressId). */
typedef struct {
	const char     *command;
	const char     *capability;
	DapHandlerFunc  handler;
} DapHandlerEntry;

DapDispatch *dap_dispatch_new               (GIOStream *stream);
void         dap_dispatch_set_max_body      (DapDispatch *self, gsize max_body);
void         dap_dispatch_add_handlers      (DapDispatch           *self,
                                             const DapHandlerEntry *entries,
                                             gsize                  n_entries,
                                             gpointer               user_data);
void         dap_dispatch_set_capability    (DapDispatch *self, const char *name, gboolean value);
void         dap_dispatch_set_capability_value (DapDispatch *self, const char *name, JsonNode *value);
JsonNode    *dap_dispatch_capabilities      (DapDispatch *self);
/* Asked before every request but initialize: FALSE (with error) refuses
 * it with the error's message.  For an adapter that serves only some
 * requests until one succeeded (attach). */
typedef gboolean (*DapGateFunc) (const char *command, gpointer user_data, GError **error);
void         dap_dispatch_set_gate          (DapDispatch *self, DapGateFunc gate, gpointer user_data);
void         dap_dispatch_start             (DapDispatch *self);
void         dap_dispatch_send_event        (DapDispatch *self, const char *event, JsonNode *body);
void         dap_dispatch_close             (DapDispatch *self);
gboolean     dap_dispatch_is_closed         (DapDispatch *self);
gboolean     dap_dispatch_is_initialized    (DapDispatch *self);

/* ---- DapReply: one request's answer, completable from any thread ------- */

DapReply     *dap_reply_defer           (DapReply *reply);
void          dap_reply_finish          (DapReply *reply, JsonNode *body);
void          dap_reply_fail            (DapReply *reply, GError *error);
DapReply     *dap_reply_ref             (DapReply *reply);
void          dap_reply_unref           (DapReply *reply);
const char   *dap_reply_get_command     (DapReply *reply);
gint64        dap_reply_get_request_seq (DapReply *reply);
GCancellable *dap_reply_get_cancellable (DapReply *reply);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DapReply, dap_reply_unref)

G_END_DECLS

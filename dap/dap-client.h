/*
 * dap-client.h — the front-end side of the Debug Adapter Protocol: a
 * GObject that talks to an adapter over any GIOStream (the in-process
 * socket pair of an embedded connection, a pipe to oxibase-dap, later a
 * WebSocket bridge).
 *
 * Requests are asynchronous: dap_client_request_async sends one with the
 * next seq and its callback runs (on the thread-default main context of
 * the caller of dap_client_new) when the response with that request_seq
 * arrives.  Events come as the "event" signal (name, body); "closed" fires
 * once when the stream ends, fails or dap_client_close is called.
 *
 * What can go wrong: the adapter refuses a request (the GError carries the
 * adapter's message, the user-facing one when it sent one); the stream
 * ends with requests in flight (each fails with DAP_CLIENT_ERROR_CLOSED);
 * a frame that is not a DAP message is dropped with a warning, a framing
 * error closes the client.  Writes are synchronous on the calling thread:
 * requests are small and the adapter reads its socket on a loop of its
 * own, so they do not stall in practice.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DAP_CLIENT_ERROR (dap_client_error_quark ())
GQuark dap_client_error_quark (void);

typedef enum {
	DAP_CLIENT_ERROR_FAILED,  /* the adapter answered success: false */
	DAP_CLIENT_ERROR_CLOSED,  /* the stream ended or the client was closed */
} DapClientError;

#define DAP_TYPE_CLIENT (dap_client_get_type ())
G_DECLARE_FINAL_TYPE (DapClient, dap_client, DAP, CLIENT, GObject)

/* Reads stream on the thread-default main context from now on. */
DapClient *dap_client_new (GIOStream *stream);

/* arguments (transfer full) may be NULL. */
void      dap_client_request_async  (DapClient           *self,
                                     const char          *command,
                                     JsonNode            *arguments,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
/* The response's body (a JSON null node when it had none), or NULL with
 * error set. (transfer full) */
JsonNode *dap_client_request_finish (DapClient     *self,
                                     GAsyncResult  *result,
                                     GError       **error);

/* A request nobody waits for (errors are dropped). */
void      dap_client_send (DapClient *self, const char *command, JsonNode *arguments);

/* JSON text to a node, for short literal arguments: g_error on bad JSON. */
JsonNode *dap_client_args (const char *format, ...) G_GNUC_PRINTF (1, 2);
/* s as a JSON string literal with its quotes, for dap_client_args. */
char     *dap_json_quote (const char *s);

gboolean  dap_client_is_closed (DapClient *self);
/* Stop reading, fail pending requests, close the stream; emits "closed". */
void      dap_client_close (DapClient *self);

G_END_DECLS

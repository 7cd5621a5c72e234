/*
 * ox-remote-connection.h — OxConnection over oxibase-server's HTTP API
 * (docs/server.md, "HTTP API" and "Remote debugging").
 *
 * Connecting logs in (POST /api/auth/login) for a bearer token and opens
 * a server session (POST /api/sessions); closing revokes the token
 * (DELETE /api/auth/token), which closes the session too.  A script runs
 * as one POST /api/sql in that session (X-Oxibase-Session), so SET,
 * temporary tables and an open transaction last from one run to the
 * next as on a local database; runs wait their turn (a session serves
 * one request at a time).  Its streamed JSON answer is parsed as it
 * arrives into OxBatch deliveries; catalog reads are small POST /api/sql
 * requests of their own, outside the session; the DAP channel is the
 * WebSocket /api/dap.
 *
 * What differs from the embedded connection: a run is cut off after the
 * server's --http-request-timeout (57014), also while its rows wait for
 * demand; the server closes a session idle for its
 * http_session_idle_timeout (the next run reports 08003 and the one
 * after it gets a new session); a paused result set that gives way ends
 * its request, so the statements after it in that script do not run.

 * What can go wrong: the server cannot be reached, the user name or
 * password is wrong, the token expired (--http-token-ttl) or the server
 * restarted (tokens do not survive it): each is an OX_CONNECTION_ERROR
 * with a message that says what to do.
 */
#pragma once

#include "ox-connection.h"

G_BEGIN_DECLS

#define OX_TYPE_REMOTE_CONNECTION (ox_remote_connection_get_type ())
G_DECLARE_FINAL_TYPE (OxRemoteConnection, ox_remote_connection, OX, REMOTE_CONNECTION, GObject)

/* "host", "host:port" or "http[s]://host[:port][/]" as a person types it,
 * made into "http://host:port" (8433 when no port is given).  NULL with
 * OX_CONNECTION_ERROR_FAILED when it is not a server address. */
char *ox_remote_connection_normalize_url (const char *text, GError **error);

/* Log in as user with password at url (normalized as above). */
void                ox_remote_connection_connect_async  (const char          *url,
                                                         const char          *user,
                                                         const char          *password,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
OxRemoteConnection *ox_remote_connection_connect_finish (GAsyncResult  *result,
                                                         GError       **error);
/* The same, blocking: it runs its own main context (for the CLI and tests;
 * never on a thread whose main loop must keep going). */
OxRemoteConnection *ox_remote_connection_connect        (const char  *url,
                                                         const char  *user,
                                                         const char  *password,
                                                         GError     **error);

/* "http://host:port" and the user logged in as. */
const char *ox_remote_connection_get_url  (OxRemoteConnection *self);
const char *ox_remote_connection_get_user (OxRemoteConnection *self);
/* The bearer token (NULL once closed); for the DAP channel. */
const char *ox_remote_connection_get_token (OxRemoteConnection *self);

/* Run the next ox_connection_run_async under this application name
 * (X-Application-Name, the session's application_name in /api/sessions
 * and in a debugger's attach filter).  NULL: a fresh unique name. */
void        ox_remote_connection_set_next_application_name (OxRemoteConnection *self, const char *name);
/* Name the next run's text (with the next application name: set both
 * before the run) as the script at path (X-Oxibase-Source), so that a
 * debugger attached to its server session stops at breakpoints on path's
 * lines and steps through its statements. */
void        ox_remote_connection_set_next_source (OxRemoteConnection *self, const char *path);
/* A name no other run of this process uses (owned by the caller). */
char       *ox_remote_connection_new_application_name (OxRemoteConnection *self);

/* The server session (POST /api/sessions) that runs go to, opened at
 * login: SET, temporary tables and transactions last across runs; 0
 * when the server has none (then each run is a request of its own). */
gint64      ox_remote_connection_get_session_id (OxRemoteConnection *self);

/* Token revocations (sent by close) not answered yet, in this process: a
 * program about to exit iterates its main context until this is 0. */
guint       ox_remote_connection_revokes_in_flight (void);

/* ox-remote-dap.c: the WebSocket /api/dap as a DapClient. */
void        ox_remote_dap_open_async  (OxConnection *conn, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
DapClient  *ox_remote_dap_open_finish (OxConnection *conn, GAsyncResult *result, GError **error);
/* Ends every DAP channel of the connection and joins their threads. */
void        ox_remote_dap_stop_all    (OxRemoteConnection *self);

G_END_DECLS

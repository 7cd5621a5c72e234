/*
 * ox-embedded-connection.h — OxConnection over the engine in this process.
 *
 * The user's statements run in one engine session on a worker thread of
 * the connection; the catalog reader has its own session on a second
 * worker, so browsing never waits behind a long query or fails inside the
 * user's aborted transaction block (it sees committed objects only, and
 * "objects-changed" fires when DDL commits).
 */
#pragma once

#include "ox-connection.h"

G_BEGIN_DECLS

#define OX_TYPE_EMBEDDED_CONNECTION (ox_embedded_connection_get_type ())
G_DECLARE_FINAL_TYPE (OxEmbeddedConnection, ox_embedded_connection, OX, EMBEDDED_CONNECTION, GObject)

/* Open path (":memory:" or a database directory) on a worker thread.  When
 * init_sql is given and probe_table (if not NULL) does not exist in the
 * public schema, init_sql runs once after opening (the demo database). */
void                  ox_embedded_connection_open_async  (const char          *path,
                                                          const char          *init_sql,
                                                          const char          *probe_table,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
OxEmbeddedConnection *ox_embedded_connection_open_finish (GAsyncResult  *result,
                                                          GError       **error);
/* The same, blocking (for tests and tools). */
OxEmbeddedConnection *ox_embedded_connection_open        (const char  *path,
                                                          const char  *init_sql,
                                                          const char  *probe_table,
                                                          GError     **error);

/* The engine handle (NULL once closed), for in-process debug adapters.
 * (transfer none) */
typedef struct OxDatabase OxDatabase;
OxDatabase *ox_embedded_connection_get_database (OxEmbeddedConnection *self);

/* ox-embedded-dap.c: the DAP channel of an embedded connection — an
 * adapter on a thread of its own over a socket pair, on this database. */
void        ox_embedded_dap_open_async  (OxConnection *conn, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
DapClient  *ox_embedded_dap_open_finish (OxConnection *conn, GAsyncResult *result, GError **error);
/* Ends every debug session of the connection and joins their threads
 * (embedded_close calls it before closing the database). */
void        ox_embedded_dap_stop_all    (OxEmbeddedConnection *self);

/* ":memory:" or the directory. */
const char *ox_embedded_connection_get_path (OxEmbeddedConnection *self);

G_END_DECLS

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

/* ":memory:" or the directory. */
const char *ox_embedded_connection_get_path (OxEmbeddedConnection *self);

G_END_DECLS

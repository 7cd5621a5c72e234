/*
 * ox-connection.h — OxConnection, the one connection API of the workstation
 * (and, later, of the CLI's --connect): "a database in this process" and "a
 * server over the network" behind the same GObject interface.
 *
 * Everything is asynchronous with a GCancellable.  ox_connection_run_async
 * runs a script statement by statement and hands each piece of its results
 * to an OxBatchFunc, on the thread-default main context of the caller, in
 * order: a batch that opens a statement's result (columns with names and
 * types), batches of rows, and one closing batch per statement (command tag
 * and row count, or the error).  Notices travel in the batch that follows
 * them.  The GAsyncReadyCallback comes after the last batch.
 *
 * The catalog is read as GListModels of OxCatalogObject (ox-catalog-reader.h) that
 * refresh themselves when the connection emits "objects-changed" (after a
 * statement with a DDL command tag commits).
 *
 * NOTE: implementations must deliver batches and completion on the caller's
 * main context, never on their worker thread: the UI touches widgets in its
 * OxBatchFunc.  They must also bound the number of undelivered batches so a
 * huge result cannot outrun the main loop's memory.
 *
 * Flow control (ox_connection_run_with_demand_async): the consumer hands
 * the run an OxRowDemand, the number of rows (counted over the whole run,
 * all result sets together) it wants delivered so far, and raises it as
 * its view scrolls.  The implementation delivers ROWS batches only while
 * it has delivered fewer rows than wanted, and then pauses the statement
 * (a cursor left open) until the demand grows.  COLUMNS, DONE and ERROR
 * batches are never held back.  A paused statement gives way: when the
 * run is cancelled it ends with an ERROR batch (57014) as any cancelled
 * statement; when another run is started on the same connection, or the
 * connection closes, the paused result set is closed early and its DONE
 * batch has truncated = TRUE (row_count counts the rows delivered), then
 * the script goes on.
 *   Embedded: the worker waits on the demand between ox_fetch_batch calls.
 *   Remote (a streamed HTTP response): stop reading the response body while
 *   delivered >= wanted (the server's writes then block on TCP flow
 *   control, which pauses its cursor), resume reading in the notify
 *   callback (ox_row_demand_set_notify), and drop the response (closing
 *   the stream) to give way to another run.
 */
#pragma once

#include <gio/gio.h>

#include "dap-client.h"

G_BEGIN_DECLS

/* ---- errors ---------------------------------------------------------------- */

#define OX_CONNECTION_ERROR (ox_connection_error_quark ())
GQuark ox_connection_error_quark (void);

typedef enum {
	OX_CONNECTION_ERROR_FAILED,     /* could not open / reach the database */
	OX_CONNECTION_ERROR_STATEMENT,  /* a statement failed; the last batch holds the OxServerError */
	OX_CONNECTION_ERROR_CLOSED,     /* the connection was closed */
} OxConnectionError;

/* A statement's error as PostgreSQL reports it.  position is 1-based in
 * characters of the whole script given to run_async, 0 when unknown. */
typedef struct {
	char *sqlstate;  /* five characters */
	char *message;
	char *detail;    /* or NULL */
	char *hint;      /* or NULL */
	char *context;   /* or NULL */
	int   position;  /* characters, 1-based, in the script; 0: none */
} OxServerError;

/* ---- result batches ------------------------------------------------------ */

typedef enum {
	OX_BATCH_COLUMNS,  /* a result set begins: columns are set, no rows */
	OX_BATCH_ROWS,     /* rows of the current result set */
	OX_BATCH_DONE,     /* a statement finished: tag and row count */
	OX_BATCH_ERROR,    /* a statement failed: error is set; the run stops */
} OxBatchKind;

typedef struct {
	char *severity;  /* "NOTICE", "WARNING", ... */
	char *sqlstate;
	char *message;
} OxNotice;

/* One delivery.  Reference-counted, immutable once delivered. */
typedef struct {
	/*< private >*/
	gint           ref_count;
	/*< public >*/
	OxBatchKind    kind;
	guint          statement;     /* 0-based index of the statement in the script */
	int            stmt_start;    /* characters before the statement in the script */
	int            stmt_length;   /* characters of the statement's text */
	guint          n_columns;     /* COLUMNS and ROWS: columns of the result */
	char         **column_names;  /* n_columns names, owned */
	char         **column_types;  /* n_columns type names ("integer", "numeric(10,2)") */
	guint          n_rows;        /* ROWS: rows in this batch */
	char         **cells;         /* ROWS: n_rows * n_columns, row-major; NULL = SQL NULL */
	char          *command_tag;   /* DONE: "SELECT 3", "CREATE TABLE" ... */
	gint64         row_count;     /* DONE: rows returned or affected */
	gint64         elapsed_us;    /* DONE and ERROR: the statement's wall time */
	OxServerError *error;         /* ERROR */
	GPtrArray     *notices;       /* of OxNotice*, raised before this batch; may be empty */
	gboolean       truncated;     /* DONE: the result set was closed before its last row
	                               * (a paused run gave way; see flow control above) */
} OxBatch;

#define OX_TYPE_BATCH (ox_batch_get_type ())
GType       ox_batch_get_type (void);
OxBatch    *ox_batch_new (OxBatchKind kind);
OxBatch    *ox_batch_ref (OxBatch *batch);
void        ox_batch_unref (OxBatch *batch);
/* The cell at (row, col), or NULL for SQL NULL. */
const char *ox_batch_get_cell (const OxBatch *batch, guint row, guint col);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OxBatch, ox_batch_unref)

void           ox_server_error_free (OxServerError *e);
OxServerError *ox_server_error_copy (const OxServerError *e);
void           ox_notice_free (OxNotice *n);

/* Called on the caller's main context for each batch; the batch is only
 * borrowed (ref it to keep it). */
typedef void (*OxBatchFunc) (OxBatch *batch, gpointer user_data);

/* ---- flow control ---------------------------------------------------------- */

/* How many rows (over the whole run) the consumer wants delivered.  Thread
 * safe: the consumer raises it on its main context, the implementation
 * waits on it on its worker (or is told through the notify callback).
 * Reference-counted. */
typedef struct _OxRowDemand OxRowDemand;

#define OX_TYPE_ROW_DEMAND (ox_row_demand_get_type ())
GType        ox_row_demand_get_type (void);
OxRowDemand *ox_row_demand_new (guint64 initial);
OxRowDemand *ox_row_demand_ref (OxRowDemand *demand);
void         ox_row_demand_unref (OxRowDemand *demand);
/* Raise the demand to rows (never lowers it); calls the notify callback,
 * on the calling thread, when it grew. */
void         ox_row_demand_want (OxRowDemand *demand, guint64 rows);
guint64      ox_row_demand_get_wanted (OxRowDemand *demand);
/* Producer side: wait until more than delivered rows are wanted or
 * timeout_us passes; returns the demand (<= delivered: timed out). */
guint64      ox_row_demand_wait (OxRowDemand *demand, guint64 delivered, gint64 timeout_us);
/* Producer side: func (data) runs after each increase (replaces the
 * previous one; NULL: none).  destroy frees data when replaced or freed. */
void         ox_row_demand_set_notify (OxRowDemand *demand, GFunc func, gpointer data, GDestroyNotify destroy);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OxRowDemand, ox_row_demand_unref)

/* ---- the interface --------------------------------------------------------- */

#define OX_TYPE_CONNECTION (ox_connection_get_type ())
G_DECLARE_INTERFACE (OxConnection, ox_connection, OX, CONNECTION, GObject)

typedef struct _OxCatalogReader OxCatalogReader;

/* Cancelled runs fail with G_IO_ERROR_CANCELLED (after an ERROR batch with
 * SQLSTATE 57014 when a statement was stopped).
 *
 * query_async runs one small query for the catalog reader; query_finish
 * returns its rows as a GPtrArray of rows, each a GPtrArray of cells
 * (char*, NULL for SQL NULL), all owned by the result. */
struct _OxConnectionInterface {
	GTypeInterface parent_iface;

	/* A human-readable title ("demo", "/home/me/db", "server:8433"). */
	const char *(*get_title)    (OxConnection *self);

	void        (*run_async)    (OxConnection        *self,
	                             const char          *sql,
	                             OxBatchFunc          batch_func,
	                             gpointer             batch_data,
	                             GDestroyNotify       batch_destroy,
	                             GCancellable        *cancellable,
	                             GAsyncReadyCallback  callback,
	                             gpointer             user_data);
	gboolean    (*run_finish)   (OxConnection  *self,
	                             GAsyncResult  *result,
	                             GError       **error);

	/* Stop whatever statement runs now (also runs started elsewhere). */
	void        (*cancel)       (OxConnection *self);

	/* Catalog reads.  Run apart from the user's statements where the
	 * implementation can (so browsing never waits behind a long query). */
	void        (*query_async)  (OxConnection        *self,
	                             const char          *sql,
	                             GCancellable        *cancellable,
	                             GAsyncReadyCallback  callback,
	                             gpointer             user_data);
	GPtrArray  *(*query_finish) (OxConnection  *self,
	                             GAsyncResult  *result,
	                             GError       **error);

	/* Release the database or the network link; later calls fail with
	 * OX_CONNECTION_ERROR_CLOSED. */
	void        (*close)        (OxConnection *self);

	/* A debug session: a DapClient talking to an adapter that works on
	 * this connection's database (in-process for embedded, the server's
	 * adapter for remote).  The client is the caller's; closing it ends
	 * the adapter.  NULL vfunc: fails with OX_CONNECTION_ERROR_FAILED. */
	void        (*open_dap_async)  (OxConnection        *self,
	                                GCancellable        *cancellable,
	                                GAsyncReadyCallback  callback,
	                                gpointer             user_data);
	DapClient  *(*open_dap_finish) (OxConnection  *self,
	                                GAsyncResult  *result,
	                                GError       **error);

	/* run_async with flow control (see the top of this file); finished
	 * with run_finish.  NULL vfunc: run_async, every row delivered. */
	void        (*run_with_demand_async) (OxConnection        *self,
	                                      const char          *sql,
	                                      OxRowDemand         *demand,
	                                      OxBatchFunc          batch_func,
	                                      gpointer             batch_data,
	                                      GDestroyNotify       batch_destroy,
	                                      GCancellable        *cancellable,
	                                      GAsyncReadyCallback  callback,
	                                      gpointer             user_data);
};

const char *ox_connection_get_title   (OxConnection *self);
void        ox_connection_run_async   (OxConnection        *self,
                                       const char          *sql,
                                       OxBatchFunc          batch_func,
                                       gpointer             batch_data,
                                       GDestroyNotify       batch_destroy,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
/* run_async whose rows come only as demand asks for them (finish with
 * ox_connection_run_finish). */
void        ox_connection_run_with_demand_async (OxConnection        *self,
                                                 const char          *sql,
                                                 OxRowDemand         *demand,
                                                 OxBatchFunc          batch_func,
                                                 gpointer             batch_data,
                                                 GDestroyNotify       batch_destroy,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean    ox_connection_run_finish  (OxConnection  *self,
                                       GAsyncResult  *result,
                                       GError       **error);
void        ox_connection_cancel      (OxConnection *self);
void        ox_connection_query_async (OxConnection        *self,
                                       const char          *sql,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
GPtrArray  *ox_connection_query_finish (OxConnection  *self,
                                        GAsyncResult  *result,
                                        GError       **error);
void        ox_connection_close       (OxConnection *self);
void        ox_connection_open_dap_async  (OxConnection        *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
DapClient  *ox_connection_open_dap_finish (OxConnection  *self,
                                           GAsyncResult  *result,
                                           GError       **error);

/* Emit "objects-changed" (implementations call it after DDL commits; the
 * UI may call it for a manual refresh). */
void        ox_connection_objects_changed (OxConnection *self);

/* The connection's catalog reader (created on first use, owned by the
 * connection).  (transfer none) */
OxCatalogReader  *ox_connection_get_catalog (OxConnection *self);

/* True for command tags of statements that change the set or shape of
 * catalog objects (CREATE ..., ALTER ..., DROP ..., COMMENT). */
gboolean    ox_command_tag_is_ddl (const char *tag);

G_END_DECLS

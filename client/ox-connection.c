/*
 * ox-connection.c — the OxConnection interface: dispatch to the
 * implementation, the "objects-changed" signal, the OxBatch boxed type.
 *
 * NOTE: the catalog reader is attached to the instance with qdata so every
 * implementation gets one without storing it itself; it holds only a weak
 * pointer back (the connection owns the catalog, not the reverse).
 */
#define G_LOG_DOMAIN "ox-client"

#include "ox-connection.h"
#include "ox-catalog-reader.h"

#include <string.h>

G_DEFINE_QUARK (ox-connection-error-quark, ox_connection_error)
G_DEFINE_INTERFACE (OxConnection, ox_connection, G_TYPE_OBJECT)

enum { OBJECTS_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static GQuark catalog_quark;

static void
ox_connection_default_init (OxConnectionInterface *iface)
{
	catalog_quark = g_quark_from_static_string ("ox-connection-catalog");
	/**
	 * OxConnection::objects-changed:
	 *
	 * The set or shape of catalog objects may have changed (DDL was
	 * committed).  Catalog models re-read themselves on it.
	 */
	signals[OBJECTS_CHANGED] = g_signal_new ("objects-changed", G_TYPE_FROM_INTERFACE (iface),
	                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
	                                         G_TYPE_NONE, 0);
}

const char *
ox_connection_get_title (OxConnection *self)
{
	g_return_val_if_fail (OX_IS_CONNECTION (self), NULL);
	return OX_CONNECTION_GET_IFACE (self)->get_title (self);
}

void
ox_connection_run_async (OxConnection *self, const char *sql, OxBatchFunc batch_func, gpointer batch_data,
                         GDestroyNotify batch_destroy, GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
	g_return_if_fail (OX_IS_CONNECTION (self));
	g_return_if_fail (sql != NULL);
	OX_CONNECTION_GET_IFACE (self)->run_async (self, sql, batch_func, batch_data, batch_destroy, cancellable,
	                                           callback, user_data);
}

void
ox_connection_run_with_demand_async (OxConnection *self, const char *sql, OxRowDemand *demand,
                                     OxBatchFunc batch_func, gpointer batch_data, GDestroyNotify batch_destroy,
                                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
	g_return_if_fail (OX_IS_CONNECTION (self));
	g_return_if_fail (sql != NULL);
	g_return_if_fail (demand != NULL);
	OxConnectionInterface *iface = OX_CONNECTION_GET_IFACE (self);
	if (!iface->run_with_demand_async) {
		/* no flow control: every row comes, bounded only by the
		 * implementation's in-flight limit */
		iface->run_async (self, sql, batch_func, batch_data, batch_destroy, cancellable, callback, user_data);
		return;
	}
	iface->run_with_demand_async (self, sql, demand, batch_func, batch_data, batch_destroy, cancellable,
	                              callback, user_data);
}

gboolean
ox_connection_run_finish (OxConnection *self, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (OX_IS_CONNECTION (self), FALSE);
	return OX_CONNECTION_GET_IFACE (self)->run_finish (self, result, error);
}

void
ox_connection_cancel (OxConnection *self)
{
	g_return_if_fail (OX_IS_CONNECTION (self));
	OX_CONNECTION_GET_IFACE (self)->cancel (self);
}

void
ox_connection_query_async (OxConnection *self, const char *sql, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
	g_return_if_fail (OX_IS_CONNECTION (self));
	OX_CONNECTION_GET_IFACE (self)->query_async (self, sql, cancellable, callback, user_data);
}

GPtrArray *
ox_connection_query_finish (OxConnection *self, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (OX_IS_CONNECTION (self), NULL);
	return OX_CONNECTION_GET_IFACE (self)->query_finish (self, result, error);
}

void
ox_connection_close (OxConnection *self)
{
	g_return_if_fail (OX_IS_CONNECTION (self));
	OX_CONNECTION_GET_IFACE (self)->close (self);
}

void
ox_connection_open_dap_async (OxConnection *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
	g_return_if_fail (OX_IS_CONNECTION (self));
	OxConnectionInterface *iface = OX_CONNECTION_GET_IFACE (self);
	if (!iface->open_dap_async) {
		g_task_report_new_error (self, callback, user_data, ox_connection_open_dap_async, OX_CONNECTION_ERROR,
		                         OX_CONNECTION_ERROR_FAILED, "this connection cannot debug");
		return;
	}
	iface->open_dap_async (self, cancellable, callback, user_data);
}

DapClient *
ox_connection_open_dap_finish (OxConnection *self, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (OX_IS_CONNECTION (self), NULL);
	if (g_async_result_is_tagged (result, ox_connection_open_dap_async))
		return g_task_propagate_pointer (G_TASK (result), error);
	return OX_CONNECTION_GET_IFACE (self)->open_dap_finish (self, result, error);
}

void
ox_connection_objects_changed (OxConnection *self)
{
	g_return_if_fail (OX_IS_CONNECTION (self));
	g_signal_emit (self, signals[OBJECTS_CHANGED], 0);
}

OxCatalogReader *
ox_connection_get_catalog (OxConnection *self)
{
	g_return_val_if_fail (OX_IS_CONNECTION (self), NULL);
	OxCatalogReader *cat = g_object_get_qdata (G_OBJECT (self), catalog_quark);
	if (!cat) {
		cat = ox_catalog_reader_new (self);
		g_object_set_qdata_full (G_OBJECT (self), catalog_quark, cat, g_object_unref);
	}
	return cat;
}

gboolean
ox_command_tag_is_ddl (const char *tag)
{
	static const char *const prefixes[] = { "CREATE", "ALTER", "DROP", "COMMENT", "GRANT", "REVOKE" };
	if (!tag)
		return FALSE;
	for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
		if (g_str_has_prefix (tag, prefixes[i]))
			return TRUE;
	return FALSE;
}

/* ---- OxBatch ---------------------------------------------------------------- */

G_DEFINE_BOXED_TYPE (OxBatch, ox_batch, ox_batch_ref, ox_batch_unref)

OxBatch *
ox_batch_new (OxBatchKind kind)
{
	OxBatch *b = g_new0 (OxBatch, 1);
	b->ref_count = 1;
	b->kind = kind;
	b->notices = g_ptr_array_new_with_free_func ((GDestroyNotify) ox_notice_free);
	return b;
}

OxBatch *
ox_batch_ref (OxBatch *batch)
{
	g_return_val_if_fail (batch != NULL, NULL);
	g_atomic_int_inc (&batch->ref_count);
	return batch;
}

void
ox_batch_unref (OxBatch *batch)
{
	g_return_if_fail (batch != NULL);
	if (!g_atomic_int_dec_and_test (&batch->ref_count))
		return;
	g_strfreev (batch->column_names);
	g_strfreev (batch->column_types);
	if (batch->cells) {
		for (gsize i = 0; i < (gsize) batch->n_rows * batch->n_columns; i++)
			g_free (batch->cells[i]);
		g_free (batch->cells);
	}
	g_free (batch->command_tag);
	if (batch->error)
		ox_server_error_free (batch->error);
	g_ptr_array_unref (batch->notices);
	g_free (batch);
}

const char *
ox_batch_get_cell (const OxBatch *batch, guint row, guint col)
{
	g_return_val_if_fail (batch != NULL, NULL);
	if (row >= batch->n_rows || col >= batch->n_columns || !batch->cells)
		return NULL;
	return batch->cells[(gsize) row * batch->n_columns + col];
}

void
ox_server_error_free (OxServerError *e)
{
	if (!e)
		return;
	g_free (e->sqlstate);
	g_free (e->message);
	g_free (e->detail);
	g_free (e->hint);
	g_free (e->context);
	g_free (e);
}

OxServerError *
ox_server_error_copy (const OxServerError *e)
{
	OxServerError *c = g_new0 (OxServerError, 1);
	c->sqlstate = g_strdup (e->sqlstate);
	c->message = g_strdup (e->message);
	c->detail = g_strdup (e->detail);
	c->hint = g_strdup (e->hint);
	c->context = g_strdup (e->context);
	c->position = e->position;
	return c;
}

void
ox_notice_free (OxNotice *n)
{
	if (!n)
		return;
	g_free (n->severity);
	g_free (n->sqlstate);
	g_free (n->message);
	g_free (n);
}

/* ---- OxRowDemand ------------------------------------------------------------- */

struct _OxRowDemand {
	gint           ref_count;
	GMutex         lock;    /* guards wanted and the notify fields */
	GCond          cond;    /* wanted grew */
	guint64        wanted;  /* rows of the run the consumer wants delivered */
	GFunc          notify;  /* or NULL; called after wanted grew */
	gpointer       notify_data;
	GDestroyNotify notify_destroy;
};

G_DEFINE_BOXED_TYPE (OxRowDemand, ox_row_demand, ox_row_demand_ref, ox_row_demand_unref)

OxRowDemand *
ox_row_demand_new (guint64 initial)
{
	OxRowDemand *d = g_new0 (OxRowDemand, 1);
	d->ref_count = 1;
	d->wanted = initial;
	g_mutex_init (&d->lock);
	g_cond_init (&d->cond);
	return d;
}

OxRowDemand *
ox_row_demand_ref (OxRowDemand *demand)
{
	g_return_val_if_fail (demand != NULL, NULL);
	g_atomic_int_inc (&demand->ref_count);
	return demand;
}

void
ox_row_demand_unref (OxRowDemand *demand)
{
	g_return_if_fail (demand != NULL);
	if (!g_atomic_int_dec_and_test (&demand->ref_count))
		return;
	if (demand->notify_destroy)
		demand->notify_destroy (demand->notify_data);
	g_mutex_clear (&demand->lock);
	g_cond_clear (&demand->cond);
	g_free (demand);
}

void
ox_row_demand_want (OxRowDemand *demand, guint64 rows)
{
	g_return_if_fail (demand != NULL);
	g_mutex_lock (&demand->lock);
	gboolean grew = rows > demand->wanted;
	if (grew) {
		demand->wanted = rows;
		g_cond_broadcast (&demand->cond);
	}
	GFunc notify = demand->notify;
	gpointer data = demand->notify_data;
	g_mutex_unlock (&demand->lock);
	if (grew && notify)
		notify (demand, data);
}

guint64
ox_row_demand_get_wanted (OxRowDemand *demand)
{
	g_return_val_if_fail (demand != NULL, 0);
	g_mutex_lock (&demand->lock);
	guint64 w = demand->wanted;
	g_mutex_unlock (&demand->lock);
	return w;
}

guint64
ox_row_demand_wait (OxRowDemand *demand, guint64 delivered, gint64 timeout_us)
{
	g_return_val_if_fail (demand != NULL, 0);
	gint64 until = g_get_monotonic_time () + timeout_us;
	g_mutex_lock (&demand->lock);
	while (demand->wanted <= delivered)
		if (!g_cond_wait_until (&demand->cond, &demand->lock, until))
			break;
	guint64 w = demand->wanted;
	g_mutex_unlock (&demand->lock);
	return w;
}

void
ox_row_demand_set_notify (OxRowDemand *demand, GFunc func, gpointer data, GDestroyNotify destroy)
{
	g_return_if_fail (demand != NULL);
	g_mutex_lock (&demand->lock);
	GDestroyNotify old_destroy = demand->notify_destroy;
	gpointer old_data = demand->notify_data;
	demand->notify = func;
	demand->notify_data = data;
	demand->notify_destroy = destroy;
	g_mutex_unlock (&demand->lock);
	if (old_destroy)
		old_destroy (old_data);
}

/*
 * ox-admin-metrics.c — the Metrics page: system.metrics (the numbers a
 * server's /metrics gives, or an embedded database's counters), refreshed
 * every 2 s while shown.
 */
#define G_LOG_DOMAIN "ox-admin"

#include "ox-admin-private.h"

enum { C_NAME, C_VALUE, C_HELP };

struct _OxAdminMetrics {
	GtkBox parent_instance;

	OxConnection *connection;  /* owned */
	GCancellable *cancellable;
	GListStore   *store;
	GtkWidget    *status;
	gboolean      busy;
};

G_DEFINE_FINAL_TYPE (OxAdminMetrics, ox_admin_metrics, GTK_TYPE_BOX)

static void
refreshed_cb (GObject *source, GAsyncResult *res, gpointer data)
{
	g_autoptr (OxAdminMetrics) self = data;
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) rows = ox_connection_query_finish (OX_CONNECTION (source), res, &error);
	self->busy = FALSE;
	if (!rows) {
		if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			gtk_label_set_text (GTK_LABEL (self->status), error->message);
		return;
	}
	ox_admin_store_replace (self->store, rows);
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	g_autofree char *at = g_date_time_format (now, "Updated %H:%M:%S");
	gtk_label_set_text (GTK_LABEL (self->status), at);
}

static void
refresh (GtkWidget *widget)
{
	OxAdminMetrics *self = OX_ADMIN_METRICS (widget);
	if (!self->connection || self->busy)
		return;
	self->busy = TRUE;
	ox_connection_query_async (self->connection, "SELECT name, value, help FROM system.metrics", self->cancellable,
	                           refreshed_cb, g_object_ref (self));
}

static void
ox_admin_metrics_dispose (GObject *object)
{
	OxAdminMetrics *self = OX_ADMIN_METRICS (object);
	g_cancellable_cancel (self->cancellable);
	g_clear_object (&self->connection);
	G_OBJECT_CLASS (ox_admin_metrics_parent_class)->dispose (object);
}

static void
ox_admin_metrics_finalize (GObject *object)
{
	OxAdminMetrics *self = OX_ADMIN_METRICS (object);
	g_clear_object (&self->cancellable);
	g_clear_object (&self->store);
	G_OBJECT_CLASS (ox_admin_metrics_parent_class)->finalize (object);
}

static void
ox_admin_metrics_class_init (OxAdminMetricsClass *klass)
{
	G_OBJECT_CLASS (klass)->dispose = ox_admin_metrics_dispose;
	G_OBJECT_CLASS (klass)->finalize = ox_admin_metrics_finalize;
}

static void
ox_admin_metrics_init (OxAdminMetrics *self)
{
	gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
	gtk_box_set_spacing (GTK_BOX (self), 6);
	self->cancellable = g_cancellable_new ();
	self->store = g_list_store_new (OX_TYPE_ADMIN_ROW);
	self->status = gtk_label_new ("");
	gtk_label_set_xalign (GTK_LABEL (self->status), 0);
	gtk_widget_set_margin_start (self->status, 6);
	gtk_widget_set_margin_top (self->status, 6);
	gtk_box_append (GTK_BOX (self), self->status);
	static const OxAdminColumn cols[] = {
		{ "Metric", C_NAME, FALSE }, { "Value", C_VALUE, FALSE }, { "Meaning", C_HELP, TRUE },
	};
	GtkColumnView *view = ox_admin_table_new (G_LIST_MODEL (self->store), cols, G_N_ELEMENTS (cols), "Metrics", NULL);
	GtkWidget *scroll = gtk_scrolled_window_new ();
	gtk_widget_set_vexpand (scroll, TRUE);
	gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), GTK_WIDGET (view));
	gtk_box_append (GTK_BOX (self), scroll);
	ox_admin_poll_while_mapped (GTK_WIDGET (self), 2000, refresh);
}

void
ox_admin_metrics_set_connection (OxAdminMetrics *self, OxConnection *connection)
{
	g_return_if_fail (OX_IS_ADMIN_METRICS (self));
	g_set_object (&self->connection, connection);
	if (gtk_widget_get_mapped (GTK_WIDGET (self)))
		refresh (GTK_WIDGET (self));
}

GListModel *
ox_admin_metrics_get_model (OxAdminMetrics *self)
{
	return G_LIST_MODEL (self->store);
}

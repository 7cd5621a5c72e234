/*
 * ox-admin-schedules.c — the Schedules page: system.schedules (when each
 * schedule runs next and ran last) and, for the selected one, its runs
 * from system.schedule_runs, newest first.  Refreshed every 5 s while
 * shown: a schedule's next run moves as it fires.
 *
 * What can go wrong: a schedule dropped meanwhile leaves its runs in
 * system.schedule_runs (shown while it is selected) and disappears from
 * the list at the next refresh; the selection follows the schedule's oid,
 * not its position.
 */
#define G_LOG_DOMAIN "ox-admin"

#include "ox-admin-private.h"

#include <stdlib.h>
#include <string.h>

enum { C_OID, C_SCHEMA, C_NAME, C_CRON, C_TZ, C_ENABLED, C_NEXT, C_LAST, C_ACTION };
enum { R_SCHEDULED, R_STARTED, R_FINISHED, R_STATUS, R_ERROR };

struct _OxAdminSchedules {
	GtkBox parent_instance;

	OxConnection       *connection;  /* owned */
	GCancellable       *cancellable;
	GListStore         *store;       /* schedules */
	GListStore         *runs;        /* the selected schedule's runs */
	GtkSingleSelection *selection;
	GtkWidget          *status;
	GtkWidget          *runs_label;
	char               *selected_oid; /* kept across refreshes; NULL: none */
	gboolean            busy;
};

G_DEFINE_FINAL_TYPE (OxAdminSchedules, ox_admin_schedules, GTK_TYPE_BOX)

static void
shorten_times (GPtrArray *rows, const guint *cols, guint n)
{
	for (guint i = 0; i < rows->len; i++) {
		GPtrArray *r = rows->pdata[i];
		for (guint k = 0; k < n; k++) {
			if (cols[k] >= r->len)
				continue;
			char *t = ox_admin_short_time (r->pdata[cols[k]]);
			g_free (r->pdata[cols[k]]);
			r->pdata[cols[k]] = t;
		}
	}
}

static void
runs_cb (GObject *source, GAsyncResult *res, gpointer data)
{
	g_autoptr (OxAdminSchedules) self = data;
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) rows = ox_connection_query_finish (OX_CONNECTION (source), res, &error);
	if (!rows) {
		if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			gtk_label_set_text (GTK_LABEL (self->status), error->message);
		return;
	}
	static const guint times[] = { R_SCHEDULED, R_STARTED, R_FINISHED };
	shorten_times (rows, times, G_N_ELEMENTS (times));
	ox_admin_store_replace (self->runs, rows);
}

static void
load_runs (OxAdminSchedules *self)
{
	if (!self->selected_oid || !self->connection) {
		g_list_store_remove_all (self->runs);
		gtk_label_set_text (GTK_LABEL (self->runs_label), "Runs: select a schedule");
		return;
	}
	OxAdminRow *row = gtk_single_selection_get_selected_item (self->selection);
	g_autofree char *label = g_strdup_printf ("Runs of %s.%s", row ? ox_admin_row_get (row, C_SCHEMA) : "",
	                                          row ? ox_admin_row_get (row, C_NAME) : "");
	gtk_label_set_text (GTK_LABEL (self->runs_label), label);
	/* the oid is a number we read back from the database: safe to splice */
	g_autofree char *sql = g_strdup_printf (
		"SELECT scheduled_for, started, finished, status, error FROM system.schedule_runs "
		"WHERE schedule_oid = %" G_GINT64_FORMAT " ORDER BY started DESC", g_ascii_strtoll (self->selected_oid, NULL, 10));
	ox_connection_query_async (self->connection, sql, self->cancellable, runs_cb, g_object_ref (self));
}

static void
selection_cb (OxAdminSchedules *self)
{
	OxAdminRow *row = gtk_single_selection_get_selected_item (self->selection);
	const char *oid = row ? ox_admin_row_get (row, C_OID) : NULL;
	if (g_strcmp0 (oid, self->selected_oid)) {
		g_free (self->selected_oid);
		self->selected_oid = g_strdup (oid);
	}
	load_runs (self);
}

static void
refreshed_cb (GObject *source, GAsyncResult *res, gpointer data)
{
	g_autoptr (OxAdminSchedules) self = data;
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) rows = ox_connection_query_finish (OX_CONNECTION (source), res, &error);
	self->busy = FALSE;
	if (!rows) {
		if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			gtk_label_set_text (GTK_LABEL (self->status), error->message);
		return;
	}
	static const guint times[] = { C_NEXT, C_LAST };
	shorten_times (rows, times, G_N_ELEMENTS (times));
	g_autofree char *keep = g_strdup (self->selected_oid);
	g_signal_handlers_block_by_func (self->selection, selection_cb, self);
	ox_admin_store_replace (self->store, rows);
	guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store)), pos = GTK_INVALID_LIST_POSITION;
	for (guint i = 0; i < n && keep; i++) {
		g_autoptr (OxAdminRow) r = g_list_model_get_item (G_LIST_MODEL (self->store), i);
		if (!g_strcmp0 (ox_admin_row_get (r, C_OID), keep))
			pos = i;
	}
	gtk_single_selection_set_selected (self->selection, pos);
	g_signal_handlers_unblock_by_func (self->selection, selection_cb, self);
	if (pos == GTK_INVALID_LIST_POSITION)
		g_clear_pointer (&self->selected_oid, g_free);
	load_runs (self);
	g_autofree char *s = g_strdup_printf (n == 1 ? "%u schedule" : "%u schedules", n);
	gtk_label_set_text (GTK_LABEL (self->status), s);
}

static void
refresh (GtkWidget *widget)
{
	OxAdminSchedules *self = OX_ADMIN_SCHEDULES (widget);
	if (!self->connection || self->busy)
		return;
	self->busy = TRUE;
	ox_connection_query_async (self->connection,
	                           "SELECT oid, schema, name, cron, timezone, enabled, next_run, last_run, action "
	                           "FROM system.schedules ORDER BY schema, name",
	                           self->cancellable, refreshed_cb, g_object_ref (self));
}

static void
ox_admin_schedules_dispose (GObject *object)
{
	OxAdminSchedules *self = OX_ADMIN_SCHEDULES (object);
	g_cancellable_cancel (self->cancellable);
	g_clear_object (&self->connection);
	G_OBJECT_CLASS (ox_admin_schedules_parent_class)->dispose (object);
}

static void
ox_admin_schedules_finalize (GObject *object)
{
	OxAdminSchedules *self = OX_ADMIN_SCHEDULES (object);
	g_clear_object (&self->cancellable);
	g_clear_object (&self->store);
	g_clear_object (&self->runs);
	g_free (self->selected_oid);
	G_OBJECT_CLASS (ox_admin_schedules_parent_class)->finalize (object);
}

static void
ox_admin_schedules_class_init (OxAdminSchedulesClass *klass)
{
	G_OBJECT_CLASS (klass)->dispose = ox_admin_schedules_dispose;
	G_OBJECT_CLASS (klass)->finalize = ox_admin_schedules_finalize;
}

static GtkWidget *
scrolled (GtkWidget *child)
{
	GtkWidget *scroll = gtk_scrolled_window_new ();
	gtk_widget_set_vexpand (scroll, TRUE);
	gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), child);
	return scroll;
}

static void
ox_admin_schedules_init (OxAdminSchedules *self)
{
	gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
	gtk_box_set_spacing (GTK_BOX (self), 6);
	self->cancellable = g_cancellable_new ();
	self->store = g_list_store_new (OX_TYPE_ADMIN_ROW);
	self->runs = g_list_store_new (OX_TYPE_ADMIN_ROW);

	self->status = gtk_label_new ("");
	gtk_label_set_xalign (GTK_LABEL (self->status), 0);
	gtk_widget_set_margin_start (self->status, 6);
	gtk_widget_set_margin_top (self->status, 6);
	gtk_box_append (GTK_BOX (self), self->status);

	static const OxAdminColumn cols[] = {
		{ "Schema", C_SCHEMA, FALSE }, { "Name", C_NAME, FALSE }, { "Cron", C_CRON, FALSE },
		{ "Time Zone", C_TZ, FALSE }, { "Enabled", C_ENABLED, FALSE }, { "Next Run", C_NEXT, FALSE },
		{ "Last Run", C_LAST, FALSE }, { "Action", C_ACTION, TRUE },
	};
	GtkColumnView *view = ox_admin_table_new (G_LIST_MODEL (self->store), cols, G_N_ELEMENTS (cols), "Schedules",
	                                          &self->selection);
	g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (selection_cb), self);
	static const OxAdminColumn run_cols[] = {
		{ "Scheduled For", R_SCHEDULED, FALSE }, { "Started", R_STARTED, FALSE },
		{ "Finished", R_FINISHED, FALSE }, { "Status", R_STATUS, FALSE }, { "Error", R_ERROR, TRUE },
	};
	GtkColumnView *runs = ox_admin_table_new (G_LIST_MODEL (self->runs), run_cols, G_N_ELEMENTS (run_cols),
	                                          "Schedule Runs", NULL);
	GtkWidget *lower = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
	self->runs_label = gtk_label_new ("Runs: select a schedule");
	gtk_label_set_xalign (GTK_LABEL (self->runs_label), 0);
	gtk_widget_set_margin_start (self->runs_label, 6);
	gtk_widget_add_css_class (self->runs_label, "heading");
	gtk_box_append (GTK_BOX (lower), self->runs_label);
	gtk_box_append (GTK_BOX (lower), scrolled (GTK_WIDGET (runs)));
	GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_VERTICAL);
	gtk_widget_set_vexpand (paned, TRUE);
	gtk_paned_set_start_child (GTK_PANED (paned), scrolled (GTK_WIDGET (view)));
	gtk_paned_set_end_child (GTK_PANED (paned), lower);
	gtk_paned_set_position (GTK_PANED (paned), 220);
	gtk_box_append (GTK_BOX (self), paned);
	ox_admin_poll_while_mapped (GTK_WIDGET (self), 5000, refresh);
}

void
ox_admin_schedules_set_connection (OxAdminSchedules *self, OxConnection *connection)
{
	g_return_if_fail (OX_IS_ADMIN_SCHEDULES (self));
	g_set_object (&self->connection, connection);
	if (gtk_widget_get_mapped (GTK_WIDGET (self)))
		refresh (GTK_WIDGET (self));
}

GListModel *
ox_admin_schedules_get_model (OxAdminSchedules *self)
{
	return G_LIST_MODEL (self->store);
}

GListModel *
ox_admin_schedules_get_runs (OxAdminSchedules *self)
{
	return G_LIST_MODEL (self->runs);
}

void
ox_admin_schedules_select (OxAdminSchedules *self, guint position)
{
	gtk_single_selection_set_selected (self->selection, position);
}

/*
 * ox-admin-logs.c — the Logs page: system.log (the database's or the
 * server's recent log lines), newest last, filtered by level, with a
 * follow mode that keeps the newest line in view.
 *
 * The page asks every 2 s (while shown) for the lines after the last one
 * it has (seq > N), so a poll costs what is new, and keeps at most
 * MAX_LINES.  Follow mode scrolls to the end whenever lines arrive; when
 * the user scrolls up, follow turns itself off (the toggle shows it) so
 * the line being read stays put; turning it on jumps to the end again.
 *
 * What can go wrong: system.log is for superusers (42501 otherwise: the
 * status line says so); a server restarted meanwhile starts seq at 1
 * again (a seq below ours: we start over).
 */
#define G_LOG_DOMAIN "ox-admin"

#include "ox-admin-private.h"

#include <stdlib.h>
#include <string.h>

#define MAX_LINES 5000

enum { C_SEQ, C_TIME, C_LEVEL, C_SQLSTATE, C_USER, C_DB, C_MESSAGE };

/* levels in rank order; a filter shows its level and the ones after it */
static const char *const levels[] = { "DEBUG", "LOG", "NOTICE", "WARNING", "ERROR", "FATAL", "PANIC", NULL };
static const char *const filter_names[] = { "All Levels", "LOG and Above", "NOTICE and Above",
	"WARNING and Above", "ERROR and Above", "FATAL and Above", NULL };

struct _OxAdminLogs {
	GtkBox parent_instance;

	OxConnection       *connection;  /* owned */
	GCancellable       *cancellable;
	GListStore         *store;       /* every line we have, OxAdminRow */
	GtkCustomFilter    *filter;
	GtkFilterListModel *filtered;
	GtkWidget          *status;
	GtkWidget          *level_drop;  /* GtkDropDown over filter_names */
	GtkWidget          *follow;      /* GtkToggleButton */
	GtkAdjustment      *vadj;        /* of the scrolled window */
	gint64              last_seq;    /* newest line we have; 0: none */
	int                 min_rank;    /* index into levels */
	double              last_value;  /* the adjustment's value we last saw */
	gboolean            scrolling;   /* we are moving the adjustment ourselves */
	gboolean            busy;
	guint               scroll_idle; /* a scroll to the end is due */
	GtkWidget          *list_view;   /* the column view's list (its scroll action) */
};

G_DEFINE_FINAL_TYPE (OxAdminLogs, ox_admin_logs, GTK_TYPE_BOX)

static int
rank_of (const char *level)
{
	for (int i = 0; level && levels[i]; i++)
		if (!g_ascii_strcasecmp (levels[i], level))
			return i;
	return 1;  /* unknown levels show as LOG does */
}

static gboolean
filter_fn (gpointer item, gpointer data)
{
	OxAdminLogs *self = data;
	return rank_of (ox_admin_row_get (item, C_LEVEL)) >= self->min_rank;
}

/* Bring the last row into view.  The list view's own action, not the
 * adjustment: GTK 4.8's list views place rows from an anchor item and
 * estimate the heights of rows never shown, so "value = upper - page"
 * can land short of the end. */
static gboolean
scroll_end_idle_cb (gpointer data)
{
	OxAdminLogs *self = data;
	self->scroll_idle = 0;
	if (!gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->follow)))
		return G_SOURCE_REMOVE;  /* the user scrolled up meanwhile */
	guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
	self->scrolling = TRUE;
	if (n > 0 && self->list_view)
		gtk_widget_activate_action (self->list_view, "list.scroll-to-item", "u", n - 1);
	double end = gtk_adjustment_get_upper (self->vadj) - gtk_adjustment_get_page_size (self->vadj);
	gtk_adjustment_set_value (self->vadj, end > 0 ? end : 0);
	self->last_value = gtk_adjustment_get_value (self->vadj);
	self->scrolling = FALSE;
	return G_SOURCE_REMOVE;
}

static void
scroll_to_end (OxAdminLogs *self)
{
	if (!self->scroll_idle)
		self->scroll_idle = g_idle_add (scroll_end_idle_cb, self);
}

/* the list grew or the view resized: keep the end in view when following */
static void
adj_changed_cb (OxAdminLogs *self)
{
	if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->follow)))
		scroll_to_end (self);
}

static void
adj_value_cb (OxAdminLogs *self)
{
	double v = gtk_adjustment_get_value (self->vadj);
	if (!self->scrolling && v < self->last_value - 0.5 &&
	    gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->follow)))
		/* the user scrolled up to read: stop following */
		gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->follow), FALSE);
	self->last_value = v;
}

static void
follow_toggled_cb (OxAdminLogs *self)
{
	if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->follow)))
		scroll_to_end (self);
}

static void
level_changed_cb (OxAdminLogs *self)
{
	self->min_rank = (int) gtk_drop_down_get_selected (GTK_DROP_DOWN (self->level_drop));
	gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
update_status (OxAdminLogs *self)
{
	guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
	guint all = g_list_model_get_n_items (G_LIST_MODEL (self->store));
	g_autofree char *s = shown == all ? g_strdup_printf ("%u lines", all)
	                                  : g_strdup_printf ("%u of %u lines", shown, all);
	gtk_label_set_text (GTK_LABEL (self->status), s);
}

static void
fetched_cb (GObject *source, GAsyncResult *res, gpointer data)
{
	g_autoptr (OxAdminLogs) self = data;
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) rows = ox_connection_query_finish (OX_CONNECTION (source), res, &error);
	self->busy = FALSE;
	if (!rows) {
		if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			gtk_label_set_text (GTK_LABEL (self->status), error->message);
		return;
	}
	if (rows->len) {
		GPtrArray *first = rows->pdata[0];
		gint64 seq = first->pdata[C_SEQ] ? g_ascii_strtoll (first->pdata[C_SEQ], NULL, 10) : 0;
		if (seq <= self->last_seq)  /* numbered from 1 again: a restarted server */
			g_list_store_remove_all (self->store);
	}
	g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
	for (guint i = 0; i < rows->len; i++) {
		GPtrArray *r = rows->pdata[i];
		char *t = ox_admin_short_time (r->pdata[C_TIME]);
		g_free (r->pdata[C_TIME]);
		r->pdata[C_TIME] = t;
		if (r->pdata[C_SEQ])
			self->last_seq = g_ascii_strtoll (r->pdata[C_SEQ], NULL, 10);
		g_ptr_array_add (items, ox_admin_row_new (r));
	}
	guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
	guint drop = n + items->len > MAX_LINES ? MIN (n, n + items->len - MAX_LINES) : 0;
	if (drop)
		g_list_store_splice (self->store, 0, drop, NULL, 0);
	if (items->len)
		g_list_store_splice (self->store, g_list_model_get_n_items (G_LIST_MODEL (self->store)), 0, items->pdata,
		                     items->len);
	update_status (self);
	if (items->len && gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->follow)))
		scroll_to_end (self);
}

static void
refresh (GtkWidget *widget)
{
	OxAdminLogs *self = OX_ADMIN_LOGS (widget);
	if (!self->connection || self->busy)
		return;
	self->busy = TRUE;
	g_autofree char *sql = g_strdup_printf (
		"SELECT seq, time, level, sqlstate, \"user\", database, message FROM system.log "
		"WHERE seq > %" G_GINT64_FORMAT " ORDER BY seq LIMIT %d", self->last_seq, MAX_LINES);
	ox_connection_query_async (self->connection, sql, self->cancellable, fetched_cb, g_object_ref (self));
}

static void
ox_admin_logs_dispose (GObject *object)
{
	OxAdminLogs *self = OX_ADMIN_LOGS (object);
	g_cancellable_cancel (self->cancellable);
	g_clear_handle_id (&self->scroll_idle, g_source_remove);
	g_clear_object (&self->connection);
	G_OBJECT_CLASS (ox_admin_logs_parent_class)->dispose (object);
}

static void
ox_admin_logs_finalize (GObject *object)
{
	OxAdminLogs *self = OX_ADMIN_LOGS (object);
	g_clear_object (&self->cancellable);
	g_clear_object (&self->store);
	G_OBJECT_CLASS (ox_admin_logs_parent_class)->finalize (object);
}

static void
ox_admin_logs_class_init (OxAdminLogsClass *klass)
{
	G_OBJECT_CLASS (klass)->dispose = ox_admin_logs_dispose;
	G_OBJECT_CLASS (klass)->finalize = ox_admin_logs_finalize;
}

static void
ox_admin_logs_init (OxAdminLogs *self)
{
	gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
	gtk_box_set_spacing (GTK_BOX (self), 6);
	self->cancellable = g_cancellable_new ();
	self->store = g_list_store_new (OX_TYPE_ADMIN_ROW);
	self->filter = gtk_custom_filter_new (filter_fn, self, NULL);
	self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->store)),
	                                            GTK_FILTER (self->filter));

	GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
	gtk_widget_set_margin_start (bar, 6);
	gtk_widget_set_margin_end (bar, 6);
	gtk_widget_set_margin_top (bar, 6);
	self->status = gtk_label_new ("");
	gtk_label_set_xalign (GTK_LABEL (self->status), 0);
	gtk_label_set_ellipsize (GTK_LABEL (self->status), PANGO_ELLIPSIZE_END);
	gtk_widget_set_hexpand (self->status, TRUE);
	gtk_box_append (GTK_BOX (bar), self->status);
	self->level_drop = gtk_drop_down_new_from_strings (filter_names);
	gtk_widget_set_tooltip_text (self->level_drop, "Show lines of this level and above");
	gtk_accessible_update_property (GTK_ACCESSIBLE (self->level_drop), GTK_ACCESSIBLE_PROPERTY_LABEL, "Log level",
	                                -1);
	g_signal_connect_swapped (self->level_drop, "notify::selected", G_CALLBACK (level_changed_cb), self);
	/* the drop-down's own button carries the name too (assistive
	 * technology reaches the button, not the drop-down around it) */
	for (GtkWidget *c = gtk_widget_get_first_child (self->level_drop); c; c = gtk_widget_get_next_sibling (c))
		if (GTK_IS_BUTTON (c))
			gtk_accessible_update_property (GTK_ACCESSIBLE (c), GTK_ACCESSIBLE_PROPERTY_LABEL, "Log level", -1);
	gtk_box_append (GTK_BOX (bar), self->level_drop);
	self->follow = gtk_toggle_button_new_with_label ("Follow");
	gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->follow), TRUE);
	gtk_widget_set_tooltip_text (self->follow, "Keep the newest line in view (scrolling up pauses it)");
	gtk_accessible_update_property (GTK_ACCESSIBLE (self->follow), GTK_ACCESSIBLE_PROPERTY_LABEL,
	                                "Follow the newest lines", -1);
	g_signal_connect_swapped (self->follow, "toggled", G_CALLBACK (follow_toggled_cb), self);
	gtk_box_append (GTK_BOX (bar), self->follow);
	gtk_box_append (GTK_BOX (self), bar);

	static const OxAdminColumn cols[] = {
		{ "Time", C_TIME, FALSE }, { "Level", C_LEVEL, FALSE }, { "SQLSTATE", C_SQLSTATE, FALSE },
		{ "User", C_USER, FALSE }, { "Database", C_DB, FALSE }, { "Message", C_MESSAGE, TRUE },
	};
	GtkColumnView *view = ox_admin_table_new (G_LIST_MODEL (self->filtered), cols, G_N_ELEMENTS (cols), "Logs",
	                                          NULL);
	for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (view)); c; c = gtk_widget_get_next_sibling (c))
		if (GTK_IS_LIST_VIEW (c))
			self->list_view = c;
	GtkWidget *scroll = gtk_scrolled_window_new ();
	gtk_widget_set_vexpand (scroll, TRUE);
	gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), GTK_WIDGET (view));
	self->vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroll));
	g_signal_connect_swapped (self->vadj, "changed", G_CALLBACK (adj_changed_cb), self);
	g_signal_connect_swapped (self->vadj, "value-changed", G_CALLBACK (adj_value_cb), self);
	gtk_box_append (GTK_BOX (self), scroll);
	g_object_unref (self->filtered);  /* the view's selection holds it */
	ox_admin_poll_while_mapped (GTK_WIDGET (self), 2000, refresh);
}

void
ox_admin_logs_set_connection (OxAdminLogs *self, OxConnection *connection)
{
	g_return_if_fail (OX_IS_ADMIN_LOGS (self));
	g_set_object (&self->connection, connection);
	g_list_store_remove_all (self->store);
	self->last_seq = 0;
	if (gtk_widget_get_mapped (GTK_WIDGET (self)))
		refresh (GTK_WIDGET (self));
}

GListModel *
ox_admin_logs_get_model (OxAdminLogs *self)
{
	return G_LIST_MODEL (self->filtered);
}

gboolean
ox_admin_logs_get_follow (OxAdminLogs *self)
{
	return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->follow));
}

void
ox_admin_logs_set_min_level (OxAdminLogs *self, const char *level)
{
	gtk_drop_down_set_selected (GTK_DROP_DOWN (self->level_drop), (guint) MIN (rank_of (level), 5));
}

GtkAdjustment *
ox_admin_logs_get_vadjustment (OxAdminLogs *self)
{
	return self->vadj;
}

/*
 * ox-admin-table.c — the Administration pages' shared pieces (see
 * ox-admin-private.h): result rows, read-only tables, polling.
 *
 * NOTE: a poll must never pile up requests behind a slow server: each
 * page starts its next query only when the previous one has answered
 * (pages keep a "busy" flag), and the timer here only asks.
 */
#define G_LOG_DOMAIN "ox-admin"

#include "ox-admin-private.h"

#include <string.h>

struct _OxAdminRow {
	GObject parent_instance;
	guint   n;      /* cells */
	char  **cells;  /* n strings, NULL for SQL NULL; owned */
};

G_DEFINE_FINAL_TYPE (OxAdminRow, ox_admin_row, G_TYPE_OBJECT)

static void
ox_admin_row_finalize (GObject *object)
{
	OxAdminRow *self = OX_ADMIN_ROW (object);
	for (guint i = 0; i < self->n; i++)
		g_free (self->cells[i]);
	g_free (self->cells);
	G_OBJECT_CLASS (ox_admin_row_parent_class)->finalize (object);
}

static void
ox_admin_row_class_init (OxAdminRowClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = ox_admin_row_finalize;
}

static void
ox_admin_row_init (OxAdminRow *self)
{
	(void) self;
}

OxAdminRow *
ox_admin_row_new (GPtrArray *cells)
{
	OxAdminRow *self = g_object_new (OX_TYPE_ADMIN_ROW, NULL);
	self->n = cells->len;
	self->cells = g_new0 (char *, cells->len + 1);
	for (guint i = 0; i < cells->len; i++)
		self->cells[i] = g_strdup (cells->pdata[i]);
	return self;
}

const char *
ox_admin_row_get (OxAdminRow *row, guint i)
{
	g_return_val_if_fail (OX_IS_ADMIN_ROW (row), NULL);
	return i < row->n ? row->cells[i] : NULL;
}

/* ---- tables ---- */

static void
setup_cb (GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
	(void) f;
	(void) data;
	GtkWidget *label = gtk_label_new (NULL);
	gtk_label_set_xalign (GTK_LABEL (label), 0);
	gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
	gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
	gtk_list_item_set_child (item, label);
}

static void
bind_cb (GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
	(void) f;
	guint cell = GPOINTER_TO_UINT (data);
	OxAdminRow *row = gtk_list_item_get_item (item);
	GtkWidget *label = gtk_list_item_get_child (item);
	const char *text = ox_admin_row_get (row, cell);
	/* one line: statements and messages may span several */
	g_autofree char *line = g_strdup (text ? text : "");
	for (char *p = line; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	gtk_label_set_text (GTK_LABEL (label), line);
	gtk_widget_set_tooltip_text (label, text && strlen (text) > 40 ? text : NULL);
	if (!text)
		gtk_widget_add_css_class (label, "dim-label");
	else
		gtk_widget_remove_css_class (label, "dim-label");
}

GtkColumnView *
ox_admin_table_new (GListModel *model, const OxAdminColumn *cols, guint n_cols, const char *accessible_name,
                    GtkSingleSelection **selection)
{
	GtkSingleSelection *sel = gtk_single_selection_new (g_object_ref (model));
	gtk_single_selection_set_autoselect (sel, FALSE);
	gtk_single_selection_set_can_unselect (sel, TRUE);
	GtkColumnView *view = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (sel)));
	gtk_column_view_set_show_column_separators (view, TRUE);
	gtk_widget_add_css_class (GTK_WIDGET (view), "data-table");
	for (guint i = 0; i < n_cols; i++) {
		GtkListItemFactory *f = gtk_signal_list_item_factory_new ();
		g_signal_connect (f, "setup", G_CALLBACK (setup_cb), NULL);
		g_signal_connect (f, "bind", G_CALLBACK (bind_cb), GUINT_TO_POINTER (cols[i].cell));
		GtkColumnViewColumn *c = gtk_column_view_column_new (cols[i].title, f);
		gtk_column_view_column_set_resizable (c, TRUE);
		gtk_column_view_column_set_expand (c, cols[i].expand);
		gtk_column_view_append_column (view, c);
		g_object_unref (c);
	}
	gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name, -1);
	if (selection)
		*selection = sel;
	return view;
}

void
ox_admin_store_replace (GListStore *store, GPtrArray *rows)
{
	g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
	for (guint i = 0; i < rows->len; i++)
		g_ptr_array_add (items, ox_admin_row_new (rows->pdata[i]));
	g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), items->pdata, items->len);
}

char *
ox_admin_short_time (const char *ts)
{
	if (!ts)
		return NULL;
	/* "2026-11-26 15:20:01.123456+00": seconds are enough on screen */
	size_t n = strlen (ts);
	return g_strndup (ts, n > 19 ? 19 : n);
}

/* ---- polling ---- */

typedef struct {
	GtkWidget *widget;   /* weak */
	guint      interval;
	guint      source;
	void     (*fn) (GtkWidget *);
} Poll;

static gboolean
poll_tick_cb (gpointer data)
{
	Poll *p = data;
	if (p->widget)
		p->fn (p->widget);
	return G_SOURCE_CONTINUE;
}

static void
poll_map_cb (GtkWidget *w, Poll *p)
{
	p->fn (w);
	if (!p->source)
		p->source = g_timeout_add (p->interval, poll_tick_cb, p);
}

static void
poll_unmap_cb (GtkWidget *w, Poll *p)
{
	(void) w;
	if (p->source) {
		g_source_remove (p->source);
		p->source = 0;
	}
}

static void
poll_free (gpointer data, GClosure *closure)
{
	(void) closure;
	Poll *p = data;
	if (p->source)
		g_source_remove (p->source);
	g_free (p);
}

void
ox_admin_poll_while_mapped (GtkWidget *widget, guint interval_ms, void (*fn) (GtkWidget *))
{
	Poll *p = g_new0 (Poll, 1);
	p->widget = widget;
	p->interval = interval_ms;
	p->fn = fn;
	g_signal_connect (widget, "map", G_CALLBACK (poll_map_cb), p);
	/* the last handler owns p: it goes when the widget does */
	g_signal_connect_data (widget, "unmap", G_CALLBACK (poll_unmap_cb), p, poll_free, 0);
}

/*
 * ox-data-editor.c — the table data editor (see the header).
 *
 * Loading: the primary key's columns come from
 * information_schema.table_constraints (the PRIMARY KEY's index
 * definition ends in its column list), then the rows a page at a time:
 * SELECT * ... ORDER BY the key LIMIT PAGE_ROWS + 1 (the extra row says
 * there are more), the next page WHERE the key is past the last loaded
 * row's (k1 > v1 OR (k1 = v1 AND k2 > v2) ...: no row constructors
 * needed), asked for when the grid's scroll position comes within a
 * screen of its end.  Loaded rows stay in key order before the new rows
 * the user added.  After a Save as many rows are read again as were
 * loaded.
 *
 * Staging: every row is an OxDataRow holding the values as loaded (orig)
 * and as edited (cur).  A cell is changed when cur differs from orig
 * (NULL and '' differ); new rows have no orig; deleted rows keep their
 * values until Save.
 *
 * Saving: one script, BEGIN; the DELETEs; the UPDATEs; the INSERTs;
 * COMMIT — deletes first so a key freed by a deleted row can be taken by
 * a new or changed one.  Every value is a literal cast to its column's
 * type ('42'::integer), every row is found by its key's values as loaded.
 * Statement i of the script is remembered with the row it writes, so a
 * failure names the row.  After a failure the run stops inside the
 * failed transaction and a ROLLBACK follows: nothing of the Save stays,
 * the staged changes do, for the user to fix.
 *
 * NOTE: what can go wrong: the session is shared with the editor tabs,
 * so a transaction a tab left open (BEGIN without COMMIT) would be
 * committed by Save: Save therefore sends its BEGIN alone first, and when
 * the server warns that a transaction is already in progress (25001) it
 * stops there and says so, changing nothing.  A row changed by someone
 * else since it was loaded is updated anyway (no optimistic check of the
 * other columns).
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-data-editor.h"

#include <string.h>

/* ---- OxDataRow: one row's values, as loaded and as edited ---------------------------------- */

typedef enum { ROW_LOADED, ROW_NEW, ROW_DELETED } RowState;

#define OX_TYPE_DATA_ROW (ox_data_row_get_type ())
G_DECLARE_FINAL_TYPE (OxDataRow, ox_data_row, OX, DATA_ROW, GObject)

struct _OxDataRow {
	GObject   parent_instance;
	guint     n;       /* columns */
	char    **orig;    /* n values as loaded (NULL entries: SQL NULL); NULL for a new row */
	char    **cur;     /* n values as edited */
	gboolean *set;     /* n flags: the user gave this cell a value (new rows: what INSERT names) */
	RowState  state;
};

G_DEFINE_FINAL_TYPE (OxDataRow, ox_data_row, G_TYPE_OBJECT)

static void
free_values (char **v, guint n)
{
	if (!v)
		return;
	for (guint i = 0; i < n; i++)
		g_free (v[i]);
	g_free (v);
}

static void
ox_data_row_finalize (GObject *object)
{
	OxDataRow *self = OX_DATA_ROW (object);
	free_values (self->orig, self->n);
	free_values (self->cur, self->n);
	g_free (self->set);
	G_OBJECT_CLASS (ox_data_row_parent_class)->finalize (object);
}

static void
ox_data_row_class_init (OxDataRowClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = ox_data_row_finalize;
}

static void
ox_data_row_init (OxDataRow *self)
{
	(void) self;
}

static OxDataRow *
data_row_new (guint n, const OxBatch *batch, guint r)
{
	OxDataRow *row = g_object_new (OX_TYPE_DATA_ROW, NULL);
	row->n = n;
	row->cur = g_new0 (char *, n);
	row->set = g_new0 (gboolean, n);
	if (batch) {
		row->orig = g_new0 (char *, n);
		for (guint c = 0; c < n; c++) {
			row->orig[c] = g_strdup (ox_batch_get_cell (batch, r, c));
			row->cur[c] = g_strdup (row->orig[c]);
		}
		row->state = ROW_LOADED;
	} else
		row->state = ROW_NEW;
	return row;
}

static gboolean
cell_changed (OxDataRow *row, guint c)
{
	if (row->state == ROW_NEW)
		return row->set[c];
	return g_strcmp0 (row->orig[c], row->cur[c]) != 0;
}

static gboolean
row_changed (OxDataRow *row)
{
	if (row->state != ROW_LOADED)
		return TRUE;
	for (guint c = 0; c < row->n; c++)
		if (cell_changed (row, c))
			return TRUE;
	return FALSE;
}

/* ---- the editor ------------------------------------------------------------------------------ */

struct _OxDataEditor {
	AdwWindow         parent_instance;

	OxConnection     *connection;   /* owned */
	char             *schema;
	char             *table;
	char             *qualified;    /* quoted schema.table, for SQL */
	GCancellable     *cancellable;  /* cancelled at dispose */

	guint             n_columns;
	char            **names;        /* n_columns, owned */
	char            **types;        /* n_columns type names, owned */
	GArray           *key;          /* guint: column indexes of the primary key; empty: read-only */
	char            **key_names;    /* the key's column names, as the catalog gave them */
	gboolean          loading, saving;
	gboolean          more;         /* the table has rows past the last page loaded */

	GListStore       *rows;         /* of OxDataRow */
	GtkMultiSelection *selection;
	GtkColumnView    *grid;
	GtkWidget        *scroller;
	GtkLabel         *message;
	GtkWidget        *add_button, *delete_button, *save_button, *discard_button;
	char             *message_text;
	char             *error_text;   /* the last Save's failure, or NULL */
	gboolean          binding;      /* a cell is being filled, not edited */
	GtkWindow        *close_dialog; /* the unsaved-changes question, while shown (weak) */
};

G_DEFINE_FINAL_TYPE (OxDataEditor, ox_data_editor, ADW_TYPE_WINDOW)

static gboolean
plain_identifier (const char *s)
{
	if (!*s || !(g_ascii_islower (*s) || *s == '_'))
		return FALSE;
	for (; *s; s++)
		if (!(g_ascii_islower (*s) || g_ascii_isdigit (*s) || *s == '_'))
			return FALSE;
	return TRUE;
}

static void
append_ident (GString *out, const char *s)
{
	if (plain_identifier (s)) {
		g_string_append (out, s);
		return;
	}
	g_string_append_c (out, '"');
	for (; *s; s++) {
		if (*s == '"')
			g_string_append_c (out, '"');
		g_string_append_c (out, *s);
	}
	g_string_append_c (out, '"');
}

static void
append_literal (GString *out, const char *v)
{
	g_string_append_c (out, '\'');
	for (; *v; v++) {
		if (*v == '\'')
			g_string_append_c (out, '\'');
		g_string_append_c (out, *v);
	}
	g_string_append_c (out, '\'');
}

/* A value as SQL: NULL, or a literal cast to the column's type. */
static void
append_value (OxDataEditor *self, GString *out, guint col, const char *v)
{
	if (!v) {
		g_string_append (out, "NULL");
		return;
	}
	append_literal (out, v);
	if (self->types[col] && *self->types[col])
		g_string_append_printf (out, "::%s", self->types[col]);
}

/* ---- state shown ----------------------------------------------------------------------- */

static void
update_state (OxDataEditor *self)
{
	gboolean editable = !self->loading && !self->saving && self->key->len > 0;
	guint changes = ox_data_editor_get_n_changes (self);
	gtk_widget_set_sensitive (self->add_button, editable);
	gtk_widget_set_sensitive (self->delete_button, editable);
	gtk_widget_set_sensitive (self->save_button, editable && changes > 0);
	gtk_widget_set_sensitive (self->discard_button, editable && changes > 0);

	g_autoptr (GString) m = g_string_new (NULL);
	if (self->loading)
		g_string_append (m, "Loading…");
	else if (self->saving)
		g_string_append (m, "Saving…");
	else {
		guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
		if (self->key->len == 0 && self->n_columns > 0)
			g_string_append_printf (m, "%s.%s has no primary key, so its rows are read-only. ", self->schema,
			                        self->table);
		if (self->error_text)
			g_string_append_printf (m, "Save failed, nothing was changed: %s ", self->error_text);
		if (changes)
			g_string_append_printf (m, "%u unsaved change%s. ", changes, changes == 1 ? "" : "s");
		else if (!self->error_text && self->n_columns > 0)
			g_string_append_printf (m, "%u row%s. ", n, n == 1 ? "" : "s");
		if (self->more)
			g_string_append (m, "More rows load as you scroll.");
	}
	g_free (self->message_text);
	self->message_text = g_strdup (g_strstrip (m->str));
	gtk_label_set_text (self->message, self->message_text);
}

/* Redraw one row (its state or a cell changed). */
static void
row_refresh (OxDataEditor *self, OxDataRow *row)
{
	guint pos;
	if (g_list_store_find (self->rows, row, &pos)) {
		g_object_ref (row);
		g_list_store_splice (self->rows, pos, 1, (gpointer *) &row, 1);
		g_object_unref (row);
	}
}

/* ---- cells ---------------------------------------------------------------------------------- */

static void
style_cell (GtkWidget *entry, OxDataRow *row, guint col)
{
	const char *v = row->cur[col];
	gtk_entry_set_placeholder_text (GTK_ENTRY (entry), v ? NULL : "NULL");
	if (cell_changed (row, col))
		gtk_widget_add_css_class (entry, "changed-cell");
	else
		gtk_widget_remove_css_class (entry, "changed-cell");
	if (row->state == ROW_NEW)
		gtk_widget_add_css_class (entry, "new-row");
	else
		gtk_widget_remove_css_class (entry, "new-row");
	if (row->state == ROW_DELETED)
		gtk_widget_add_css_class (entry, "deleted-row");
	else
		gtk_widget_remove_css_class (entry, "deleted-row");
	if (!v)
		gtk_widget_add_css_class (entry, "null-cell");
	else
		gtk_widget_remove_css_class (entry, "null-cell");
}

static void
entry_changed_cb (GtkEditable *editable, OxDataEditor *self)
{
	if (self->binding)
		return;
	OxDataRow *row = g_object_get_data (G_OBJECT (editable), "ox-row");
	guint col = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (editable), "ox-col"));
	if (!row || row->state == ROW_DELETED)
		return;
	g_free (row->cur[col]);
	row->cur[col] = g_strdup (gtk_editable_get_text (editable));
	row->set[col] = TRUE;
	style_cell (GTK_WIDGET (editable), row, col);
	update_state (self);
}

static void
set_null_clicked_cb (GtkButton *button, OxDataEditor *self)
{
	GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_POPOVER);
	GtkWidget *entry = gtk_widget_get_parent (popover);
	OxDataRow *row = g_object_get_data (G_OBJECT (entry), "ox-row");
	guint col = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (entry), "ox-col"));
	gtk_popover_popdown (GTK_POPOVER (popover));
	guint pos;
	if (row && g_list_store_find (self->rows, row, &pos))
		ox_data_editor_set_cell (self, pos, col, NULL);
}

static void
popover_closed_cb (GtkPopover *popover)
{
	g_idle_add_once ((GSourceOnceFunc) gtk_widget_unparent, popover);
}

static void
cell_menu_cb (GtkGestureClick *gesture, int n_press, double x, double y, OxDataEditor *self)
{
	(void) n_press;
	GtkWidget *entry = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
	if (!g_object_get_data (G_OBJECT (entry), "ox-row") || self->key->len == 0)
		return;
	GtkWidget *popover = gtk_popover_new ();
	GtkWidget *b = gtk_button_new_with_mnemonic ("Set to _NULL");
	gtk_widget_add_css_class (b, "flat");
	g_signal_connect (b, "clicked", G_CALLBACK (set_null_clicked_cb), self);
	gtk_popover_set_child (GTK_POPOVER (popover), b);
	gtk_widget_set_parent (popover, entry);
	gtk_popover_set_pointing_to (GTK_POPOVER (popover), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
	g_signal_connect (popover, "closed", G_CALLBACK (popover_closed_cb), NULL);
	gtk_popover_popup (GTK_POPOVER (popover));
	gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
cell_setup_cb (GtkSignalListItemFactory *f, GtkListItem *item, OxDataEditor *self)
{
	(void) f;
	GtkWidget *entry = gtk_entry_new ();
	gtk_entry_set_has_frame (GTK_ENTRY (entry), FALSE);
	gtk_editable_set_width_chars (GTK_EDITABLE (entry), 8);
	g_signal_connect (entry, "changed", G_CALLBACK (entry_changed_cb), self);
	GtkGesture *click = gtk_gesture_click_new ();
	gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
	g_signal_connect (click, "pressed", G_CALLBACK (cell_menu_cb), self);
	gtk_widget_add_controller (entry, GTK_EVENT_CONTROLLER (click));
	gtk_list_item_set_child (item, entry);
}

static void
cell_bind_cb (GtkSignalListItemFactory *f, GtkListItem *item, OxDataEditor *self)
{
	guint col = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (f), "ox-col"));
	GtkWidget *entry = gtk_list_item_get_child (item);
	OxDataRow *row = gtk_list_item_get_item (item);
	self->binding = TRUE;
	g_object_set_data (G_OBJECT (entry), "ox-row", row);
	g_object_set_data (G_OBJECT (entry), "ox-col", GUINT_TO_POINTER (col));
	gtk_editable_set_text (GTK_EDITABLE (entry), row->cur[col] ? row->cur[col] : "");
	gtk_editable_set_editable (GTK_EDITABLE (entry), self->key->len > 0 && row->state != ROW_DELETED);
	style_cell (entry, row, col);
	g_autofree char *acc = g_strdup_printf ("%s, row %u", self->names[col], gtk_list_item_get_position (item) + 1);
	gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, acc, -1);
	self->binding = FALSE;
}

static void
cell_unbind_cb (GtkSignalListItemFactory *f, GtkListItem *item, OxDataEditor *self)
{
	(void) f;
	(void) self;
	g_object_set_data (G_OBJECT (gtk_list_item_get_child (item)), "ox-row", NULL);
}

static void
build_columns (OxDataEditor *self)
{
	for (guint c = 0; c < self->n_columns; c++) {
		GtkListItemFactory *f = gtk_signal_list_item_factory_new ();
		g_object_set_data (G_OBJECT (f), "ox-col", GUINT_TO_POINTER (c));
		g_signal_connect (f, "setup", G_CALLBACK (cell_setup_cb), self);
		g_signal_connect (f, "bind", G_CALLBACK (cell_bind_cb), self);
		g_signal_connect (f, "unbind", G_CALLBACK (cell_unbind_cb), self);
		gboolean is_key = FALSE;
		for (guint k = 0; k < self->key->len; k++)
			is_key |= g_array_index (self->key, guint, k) == c;
		g_autofree char *title = g_strdup_printf ("%s%s\n%s", self->names[c], is_key ? " (key)" : "",
		                                          self->types[c] ? self->types[c] : "");
		GtkColumnViewColumn *column = gtk_column_view_column_new (title, f);
		gtk_column_view_column_set_resizable (column, TRUE);
		gtk_column_view_append_column (self->grid, column);
		g_object_unref (column);
	}
}

/* ---- loading ---------------------------------------------------------------------------------- */

static void load_rows (OxDataEditor *self);

/* "CREATE UNIQUE INDEX t_pkey ON public.t USING btree (a, "B c")": a, B c */
static char **
key_columns_from_definition (const char *def)
{
	const char *open = def ? strrchr (def, '(') : NULL;
	const char *close = open ? strrchr (open, ')') : NULL;
	if (!open || !close)
		return NULL;
	g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
	const char *p = open + 1;
	while (p < close) {
		while (p < close && (*p == ' ' || *p == ','))
			p++;
		if (p >= close)
			break;
		g_autoptr (GString) name = g_string_new (NULL);
		if (*p == '"') {
			for (p++; p < close; p++) {
				if (*p == '"' && p[1] == '"')
					g_string_append_c (name, *p++);
				else if (*p == '"') {
					p++;
					break;
				} else
					g_string_append_c (name, *p);
			}
		} else
			for (; p < close && *p != ',' && *p != ' '; p++)
				g_string_append_c (name, *p);
		g_strv_builder_add (b, name->str);
		while (p < close && *p != ',')
			p++;  /* ASC, DESC, an operator class: not part of the name */
	}
	return g_strv_builder_end (b);
}

/* NOTE: callbacks hold the editor weakly: a toplevel kept alive by a
 * callback after its transient parent is gone would be disposed too late
 * (GTK then unsets the transient parent on a finalized window). */
static OxDataRow *nth_row (OxDataEditor *self, guint pos);
static void maybe_load_more (OxDataEditor *self);

/* Rows read from the table (the new rows the user added come after them). */
static guint
n_loaded (OxDataEditor *self)
{
	guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
	while (n > 0 && nth_row (self, n - 1)->state == ROW_NEW)
		n--;
	return n;
}

static void
key_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	GWeakRef *ref = user_data;
	g_autoptr (OxDataEditor) self = g_weak_ref_get (ref);
	g_weak_ref_clear (ref);
	g_free (ref);
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) rows = ox_connection_query_finish (OX_CONNECTION (source), result, &error);
	if (!self || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	for (guint i = 0; rows && i < rows->len; i++) {
		GPtrArray *r = rows->pdata[i];
		if (r->len >= 2 && !g_strcmp0 (r->pdata[0], "PRIMARY KEY"))
			self->key_names = key_columns_from_definition (r->pdata[1]);
	}
	load_rows (self);
}

typedef struct {
	GWeakRef   editor;
	GPtrArray *batches;   /* OxBatch* of ROWS */
	OxBatch   *columns;
	OxServerError *error;
	guint      limit;     /* rows wanted; one more was asked for, to know there are more */
	gboolean   append;    /* a next page: goes after the loaded rows, before new ones */
} Load;

static void
load_free (gpointer data)
{
	Load *l = data;
	g_weak_ref_clear (&l->editor);
	g_ptr_array_unref (l->batches);
	g_clear_pointer (&l->columns, ox_batch_unref);
	g_clear_pointer (&l->error, ox_server_error_free);
	g_free (l);
}

static void
load_batch_cb (OxBatch *batch, gpointer data)
{
	Load *l = data;
	if (batch->kind == OX_BATCH_COLUMNS && !l->columns)
		l->columns = ox_batch_ref (batch);
	else if (batch->kind == OX_BATCH_ROWS)
		g_ptr_array_add (l->batches, ox_batch_ref (batch));
	else if (batch->kind == OX_BATCH_ERROR && !l->error)
		l->error = ox_server_error_copy (batch->error);
}

static void
rows_loaded_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Load *l = data;
	g_autoptr (GError) error = NULL;
	ox_connection_run_finish (OX_CONNECTION (source), result, &error);
	g_autoptr (OxDataEditor) self = g_weak_ref_get (&l->editor);
	if (!self) {
		load_free (l);
		return;
	}
	self->loading = FALSE;
	if (l->columns && self->n_columns == 0) {
		self->n_columns = l->columns->n_columns;
		self->names = g_strdupv (l->columns->column_names);
		self->types = g_strdupv (l->columns->column_types);
		for (guint k = 0; self->key_names && self->key_names[k]; k++)
			for (guint c = 0; c < self->n_columns; c++)
				if (!strcmp (self->names[c], self->key_names[k]))
					g_array_append_val (self->key, c);
		if (self->key_names && self->key->len != g_strv_length (self->key_names))
			g_array_set_size (self->key, 0);  /* a key column we cannot see: read-only */
		build_columns (self);
	}
	g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
	self->more = FALSE;
	for (guint i = 0; i < l->batches->len && !self->more; i++) {
		OxBatch *b = l->batches->pdata[i];
		for (guint r = 0; r < b->n_rows; r++) {
			if (rows->len == l->limit) {
				self->more = TRUE;
				break;
			}
			g_ptr_array_add (rows, data_row_new (self->n_columns, b, r));
		}
	}
	if (l->append)
		g_list_store_splice (self->rows, n_loaded (self), 0, rows->pdata, rows->len);
	else
		g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)), rows->pdata,
		                     rows->len);
	if (l->append && !l->error && !error) {
		update_state (self);
		load_free (l);
		maybe_load_more (self);  /* a tall window may show the whole page */
		return;
	}
	g_clear_pointer (&self->error_text, g_free);
	if (l->error)
		self->error_text = g_strdup_printf ("%s: %s", l->error->sqlstate, l->error->message);
	else if (error && !g_error_matches (error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_STATEMENT))
		self->error_text = g_strdup (error->message);
	update_state (self);
	load_free (l);
}

/* Read rows: the first `limit` (append FALSE: they replace what is
 * shown), or the page after the last loaded row (append TRUE). */
static void
load_page (OxDataEditor *self, gboolean append, guint limit)
{
	g_autoptr (GString) sql = g_string_new ("SELECT * FROM ");
	g_string_append (sql, self->qualified);
	guint loaded = n_loaded (self);
	gboolean keyed = self->key_names && self->key_names[0] && self->n_columns > 0 && self->key->len > 0;
	if (append && keyed) {
		/* after the last loaded key: k1 > v1 OR (k1 = v1 AND k2 > v2) ... */
		OxDataRow *last = nth_row (self, loaded - 1);
		g_string_append (sql, " WHERE ");
		for (guint i = 0; i < self->key->len; i++) {
			g_string_append (sql, i ? " OR (" : "(");
			for (guint j = 0; j <= i; j++) {
				guint c = g_array_index (self->key, guint, j);
				if (j)
					g_string_append (sql, " AND ");
				append_ident (sql, self->names[c]);
				g_string_append (sql, j < i ? " = " : " > ");
				append_value (self, sql, c, last->orig[c]);
			}
			g_string_append_c (sql, ')');
		}
	}
	for (guint k = 0; self->key_names && self->key_names[k]; k++) {
		g_string_append (sql, k ? ", " : " ORDER BY ");
		append_ident (sql, self->key_names[k]);
	}
	g_string_append_printf (sql, " LIMIT %u", limit + 1);
	if (append && !keyed)
		g_string_append_printf (sql, " OFFSET %u", loaded);
	Load *l = g_new0 (Load, 1);
	g_weak_ref_init (&l->editor, self);
	l->batches = g_ptr_array_new_with_free_func ((GDestroyNotify) ox_batch_unref);
	l->limit = limit;
	l->append = append;
	self->loading = TRUE;
	update_state (self);
	ox_connection_run_async (self->connection, sql->str, load_batch_cb, l, NULL, self->cancellable,
	                         rows_loaded_cb, l);
}

/* The first page, or after a Save as many rows as were loaded. */
static void
load_rows (OxDataEditor *self)
{
	load_page (self, FALSE, MAX (OX_DATA_EDITOR_PAGE_ROWS, n_loaded (self)));
}

/* The next page, when there is one and the view is within a screen of
 * the last row. */
static void
maybe_load_more (OxDataEditor *self)
{
	if (!self->more || self->loading || self->saving || !self->scroller || n_loaded (self) == 0)
		return;
	GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));
	double value = gtk_adjustment_get_value (adj), page = gtk_adjustment_get_page_size (adj);
	if (value + 2 * page >= gtk_adjustment_get_upper (adj))
		load_page (self, TRUE, OX_DATA_EDITOR_PAGE_ROWS);
}

static void
start_loading (OxDataEditor *self)
{
	g_autoptr (GString) sql = g_string_new ("SELECT constraint_type, definition FROM "
	                                        "information_schema.table_constraints WHERE constraint_schema = ");
	append_literal (sql, self->schema);
	g_string_append (sql, " AND table_name = ");
	append_literal (sql, self->table);
	g_string_append (sql, " AND constraint_type = 'PRIMARY KEY'");
	self->loading = TRUE;
	update_state (self);
	GWeakRef *ref = g_new0 (GWeakRef, 1);
	g_weak_ref_init (ref, self);
	ox_connection_query_async (self->connection, sql->str, self->cancellable, key_loaded_cb, ref);
}

/* ---- editing ---------------------------------------------------------------------------------------- */

static OxDataRow *
nth_row (OxDataEditor *self, guint pos)
{
	OxDataRow *row = g_list_model_get_item (G_LIST_MODEL (self->rows), pos);
	if (row)
		g_object_unref (row);  /* the store keeps it */
	return row;
}

gboolean
ox_data_editor_set_cell (OxDataEditor *self, guint pos, guint col, const char *value)
{
	g_return_val_if_fail (OX_IS_DATA_EDITOR (self), FALSE);
	OxDataRow *row = nth_row (self, pos);
	if (!row || col >= self->n_columns || self->key->len == 0 || row->state == ROW_DELETED || self->saving)
		return FALSE;
	g_free (row->cur[col]);
	row->cur[col] = g_strdup (value);
	row->set[col] = TRUE;
	row_refresh (self, row);
	update_state (self);
	return TRUE;
}

const char *
ox_data_editor_get_cell (OxDataEditor *self, guint pos, guint col)
{
	g_return_val_if_fail (OX_IS_DATA_EDITOR (self), NULL);
	OxDataRow *row = nth_row (self, pos);
	return row && col < self->n_columns ? row->cur[col] : NULL;
}

guint
ox_data_editor_add_row (OxDataEditor *self)
{
	g_return_val_if_fail (OX_IS_DATA_EDITOR (self), 0);
	g_autoptr (OxDataRow) row = data_row_new (self->n_columns, NULL, 0);
	guint pos = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
	g_list_store_append (self->rows, row);
	update_state (self);
	return pos;
}

gboolean
ox_data_editor_delete_row (OxDataEditor *self, guint pos)
{
	g_return_val_if_fail (OX_IS_DATA_EDITOR (self), FALSE);
	OxDataRow *row = nth_row (self, pos);
	if (!row || self->key->len == 0 || self->saving)
		return FALSE;
	if (row->state == ROW_NEW)
		g_list_store_remove (self->rows, pos);
	else {
		row->state = ROW_DELETED;
		row_refresh (self, row);
	}
	update_state (self);
	return TRUE;
}

guint
ox_data_editor_get_n_changes (OxDataEditor *self)
{
	g_return_val_if_fail (OX_IS_DATA_EDITOR (self), 0);
	guint n = 0, total = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
	for (guint i = 0; i < total; i++)
		n += row_changed (nth_row (self, i));
	return n;
}

void
ox_data_editor_discard (OxDataEditor *self)
{
	g_return_if_fail (OX_IS_DATA_EDITOR (self));
	if (self->saving)
		return;
	g_autoptr (GPtrArray) keep = g_ptr_array_new_with_free_func (g_object_unref);
	guint total = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
	for (guint i = 0; i < total; i++) {
		OxDataRow *row = nth_row (self, i);
		if (row->state == ROW_NEW)
			continue;
		row->state = ROW_LOADED;
		for (guint c = 0; c < row->n; c++) {
			g_free (row->cur[c]);
			row->cur[c] = g_strdup (row->orig[c]);
			row->set[c] = FALSE;
		}
		g_ptr_array_add (keep, g_object_ref (row));
	}
	g_list_store_splice (self->rows, 0, total, keep->pdata, keep->len);
	g_clear_pointer (&self->error_text, g_free);
	update_state (self);
}

/* ---- saving ------------------------------------------------------------------------------------------- */

typedef struct {
	GWeakRef   editor;
	GPtrArray *what;    /* char*: statement i of the script writes this row ("row 3 (id = 7)") */
	char      *failed;  /* "row 3 (id = 7): 23505: duplicate key ..." or NULL */
	char      *script;  /* the writes and COMMIT, sent once BEGIN opened a transaction of our own */
	gboolean   in_txn;  /* BEGIN warned 25001: a transaction was already open */
} Save;

static void
save_free (Save *s)
{
	g_weak_ref_clear (&s->editor);
	g_ptr_array_unref (s->what);
	g_free (s->failed);
	g_free (s->script);
	g_free (s);
}

static void
append_key_condition (OxDataEditor *self, GString *sql, OxDataRow *row)
{
	for (guint k = 0; k < self->key->len; k++) {
		guint c = g_array_index (self->key, guint, k);
		g_string_append (sql, k ? " AND " : " WHERE ");
		append_ident (sql, self->names[c]);
		if (!row->orig[c])
			g_string_append (sql, " IS NULL");
		else {
			g_string_append (sql, " = ");
			append_value (self, sql, c, row->orig[c]);
		}
	}
}

static char *
describe_row (OxDataEditor *self, OxDataRow *row, guint pos)
{
	g_autoptr (GString) d = g_string_new (NULL);
	g_string_append_printf (d, "%s row %u", row->state == ROW_NEW ? "new" : row->state == ROW_DELETED ? "deleted" : "changed",
	                        pos + 1);
	if (row->state != ROW_NEW) {
		g_string_append (d, " (");
		for (guint k = 0; k < self->key->len; k++) {
			guint c = g_array_index (self->key, guint, k);
			g_string_append_printf (d, "%s%s = %s", k ? ", " : "", self->names[c],
			                        row->orig[c] ? row->orig[c] : "NULL");
		}
		g_string_append_c (d, ')');
	}
	return g_string_free (g_steal_pointer (&d), FALSE);
}

static void
save_batch_cb (OxBatch *batch, gpointer data)
{
	Save *s = data;
	if (batch->kind != OX_BATCH_ERROR || s->failed)
		return;
	const char *what = batch->statement < s->what->len ? s->what->pdata[batch->statement] : "the transaction";
	s->failed = g_strdup_printf ("%s: %s: %s", what, batch->error->sqlstate, batch->error->message);
}

static void
rolled_back_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Save *s = data;
	ox_connection_run_finish (OX_CONNECTION (source), result, NULL);
	g_autoptr (OxDataEditor) self = g_weak_ref_get (&s->editor);
	if (self) {
		self->saving = FALSE;
		g_free (self->error_text);
		self->error_text = g_strdup (s->failed);
		update_state (self);
	}
	save_free (s);
}

static void
saved_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Save *s = data;
	g_autoptr (GError) error = NULL;
	gboolean ok = ox_connection_run_finish (OX_CONNECTION (source), result, &error);
	g_autoptr (OxDataEditor) self = g_weak_ref_get (&s->editor);
	if (!ok && !s->failed)
		s->failed = g_strdup (error->message);
	if (!ok) {
		/* the script stopped inside its transaction: end it, keep the staged changes */
		ox_connection_run_async (OX_CONNECTION (source), "ROLLBACK", NULL, NULL, NULL, NULL, rolled_back_cb, s);
		return;
	}
	if (self) {
		self->saving = FALSE;
		g_clear_pointer (&self->error_text, g_free);
		load_rows (self);  /* what the table holds now, defaults and all */
	}
	save_free (s);
}

static void
begin_batch_cb (OxBatch *batch, gpointer data)
{
	Save *s = data;
	for (guint i = 0; batch->notices && i < batch->notices->len; i++) {
		OxNotice *n = batch->notices->pdata[i];
		if (!g_strcmp0 (n->sqlstate, "25001"))
			s->in_txn = TRUE;
	}
	if (batch->kind == OX_BATCH_ERROR && !s->failed)
		s->failed = g_strdup_printf ("BEGIN: %s: %s", batch->error->sqlstate, batch->error->message);
}

/* BEGIN alone came back: send the writes, or stop when the session was
 * already inside a transaction (our COMMIT would commit that too). */
static void
begun_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Save *s = data;
	g_autoptr (GError) error = NULL;
	gboolean ok = ox_connection_run_finish (OX_CONNECTION (source), result, &error);
	g_autoptr (OxDataEditor) self = g_weak_ref_get (&s->editor);
	if (ok && !s->in_txn) {
		/* no cancellable: a Save once sent finishes (and rolls back on error) even if the window closes */
		ox_connection_run_async (OX_CONNECTION (source), s->script, save_batch_cb, s, NULL, NULL, saved_cb, s);
		return;
	}
	if (self) {
		self->saving = FALSE;
		g_free (self->error_text);
		if (s->in_txn)
			self->error_text = g_strdup ("25001: a transaction is open on this connection (an editor tab ran "
			                             "BEGIN); COMMIT or ROLLBACK it there, then Save again");
		else
			self->error_text = g_strdup (s->failed ? s->failed : error ? error->message : "BEGIN failed");
		update_state (self);
	}
	save_free (s);
}

void
ox_data_editor_save (OxDataEditor *self)
{
	g_return_if_fail (OX_IS_DATA_EDITOR (self));
	if (self->saving || self->loading || self->key->len == 0 || ox_data_editor_get_n_changes (self) == 0)
		return;
	Save *s = g_new0 (Save, 1);
	g_weak_ref_init (&s->editor, self);
	s->what = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GString) sql = g_string_new (NULL);
	guint total = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
	/* deletes first, so a key they free can be reused below */
	for (int pass = 0; pass < 3; pass++) {
		for (guint i = 0; i < total; i++) {
			OxDataRow *row = nth_row (self, i);
			if (pass == 0 && row->state == ROW_DELETED) {
				g_string_append_printf (sql, "DELETE FROM %s", self->qualified);
				append_key_condition (self, sql, row);
			} else if (pass == 1 && row->state == ROW_LOADED && row_changed (row)) {
				g_string_append_printf (sql, "UPDATE %s SET ", self->qualified);
				gboolean first = TRUE;
				for (guint c = 0; c < self->n_columns; c++) {
					if (!cell_changed (row, c))
						continue;
					if (!first)
						g_string_append (sql, ", ");
					first = FALSE;
					append_ident (sql, self->names[c]);
					g_string_append (sql, " = ");
					append_value (self, sql, c, row->cur[c]);
				}
				append_key_condition (self, sql, row);
			} else if (pass == 2 && row->state == ROW_NEW) {
				g_string_append_printf (sql, "INSERT INTO %s", self->qualified);
				g_autoptr (GString) cols = g_string_new (NULL), vals = g_string_new (NULL);
				for (guint c = 0; c < self->n_columns; c++) {
					if (!row->set[c])
						continue;  /* untouched: the column's default */
					if (cols->len) {
						g_string_append (cols, ", ");
						g_string_append (vals, ", ");
					}
					append_ident (cols, self->names[c]);
					append_value (self, vals, c, row->cur[c]);
				}
				if (cols->len)
					g_string_append_printf (sql, " (%s) VALUES (%s)", cols->str, vals->str);
				else
					g_string_append (sql, " DEFAULT VALUES");
			} else
				continue;
			g_string_append (sql, ";\n");
			g_ptr_array_add (s->what, describe_row (self, row, i));
		}
	}
	g_string_append (sql, "COMMIT;\n");
	g_ptr_array_add (s->what, g_strdup ("COMMIT"));
	s->script = g_string_free (g_steal_pointer (&sql), FALSE);
	self->saving = TRUE;
	update_state (self);
	ox_connection_run_async (self->connection, "BEGIN", begin_batch_cb, s, NULL, NULL, begun_cb, s);
}

/* ---- accessors ----------------------------------------------------------------------------------------- */

gboolean
ox_data_editor_is_busy (OxDataEditor *self)
{
	g_return_val_if_fail (OX_IS_DATA_EDITOR (self), FALSE);
	return self->loading || self->saving;
}

gboolean
ox_data_editor_is_read_only (OxDataEditor *self)
{
	g_return_val_if_fail (OX_IS_DATA_EDITOR (self), TRUE);
	return self->key->len == 0;
}

guint
ox_data_editor_get_n_rows (OxDataEditor *self)
{
	g_return_val_if_fail (OX_IS_DATA_EDITOR (self), 0);
	return g_list_model_get_n_items (G_LIST_MODEL (self->rows));
}

gboolean
ox_data_editor_has_more (OxDataEditor *self)
{
	g_return_val_if_fail (OX_IS_DATA_EDITOR (self), FALSE);
	return self->more;
}

const char *
ox_data_editor_get_message (OxDataEditor *self)
{
	g_return_val_if_fail (OX_IS_DATA_EDITOR (self), NULL);
	return self->message_text ? self->message_text : "";
}

GtkColumnView *
ox_data_editor_get_grid (OxDataEditor *self)
{
	g_return_val_if_fail (OX_IS_DATA_EDITOR (self), NULL);
	return self->grid;
}

/* ---- widgets ----------------------------------------------------------------------------------------------- */

static void
add_clicked_cb (OxDataEditor *self)
{
	ox_data_editor_add_row (self);
	/* show the new row: it is the last */
	GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));
	gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
}

static gboolean
save_shortcut_cb (GtkWidget *widget, GVariant *args, gpointer data)
{
	(void) args;
	(void) data;
	ox_data_editor_save (OX_DATA_EDITOR (widget));
	return TRUE;
}

static void
delete_clicked_cb (OxDataEditor *self)
{
	g_autoptr (GtkBitset) set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
	/* from the end, so removing a new row does not shift the others */
	for (gint64 i = (gint64) gtk_bitset_get_size (set) - 1; i >= 0; i--)
		ox_data_editor_delete_row (self, gtk_bitset_get_nth (set, (guint) i));
}

static GtkWidget *
tool_button (const char *label, const char *tooltip, GCallback cb, OxDataEditor *self)
{
	GtkWidget *b = gtk_button_new_with_mnemonic (label);
	gtk_widget_set_tooltip_text (b, tooltip);
	g_signal_connect_swapped (b, "clicked", cb, self);
	return b;
}

/* Closing with unsaved changes asks first: Save, Discard or Cancel. */
static void
close_response_cb (AdwMessageDialog *dialog, const char *response, OxDataEditor *self)
{
	(void) dialog;
	if (!g_strcmp0 (response, "discard")) {
		ox_data_editor_discard (self);
		gtk_window_destroy (GTK_WINDOW (self));
	} else if (!g_strcmp0 (response, "save"))
		ox_data_editor_save (self);  /* the window stays: the outcome shows there */
}

static gboolean
close_request_cb (GtkWindow *window, gpointer data)
{
	(void) data;
	OxDataEditor *self = OX_DATA_EDITOR (window);
	guint n = ox_data_editor_get_n_changes (self);
	if (n == 0 || self->key->len == 0)
		return FALSE;
	g_autofree char *body = g_strdup_printf ("%u change%s to %s.%s %s not saved.", n, n == 1 ? "" : "s",
	                                         self->schema, self->table, n == 1 ? "is" : "are");
	AdwMessageDialog *d = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, "Save the Changes?", body));
	adw_message_dialog_add_responses (d, "cancel", "_Cancel", "discard", "_Discard", "save", "_Save", NULL);
	adw_message_dialog_set_response_appearance (d, "discard", ADW_RESPONSE_DESTRUCTIVE);
	adw_message_dialog_set_response_appearance (d, "save", ADW_RESPONSE_SUGGESTED);
	adw_message_dialog_set_default_response (d, "save");
	adw_message_dialog_set_close_response (d, "cancel");
	g_signal_connect_object (d, "response", G_CALLBACK (close_response_cb), self, 0);
	gtk_window_present (GTK_WINDOW (d));
	self->close_dialog = GTK_WINDOW (d);
	g_object_add_weak_pointer (G_OBJECT (d), (gpointer *) &self->close_dialog);
	return TRUE;
}

GtkWindow *
ox_data_editor_get_close_dialog (OxDataEditor *self)
{
	g_return_val_if_fail (OX_IS_DATA_EDITOR (self), NULL);
	return self->close_dialog;
}

static void
ox_data_editor_dispose (GObject *object)
{
	OxDataEditor *self = OX_DATA_EDITOR (object);
	g_cancellable_cancel (self->cancellable);
	if (self->close_dialog)
		g_object_remove_weak_pointer (G_OBJECT (self->close_dialog), (gpointer *) &self->close_dialog);
	self->close_dialog = NULL;
	g_clear_object (&self->connection);
	G_OBJECT_CLASS (ox_data_editor_parent_class)->dispose (object);
}

static void
ox_data_editor_finalize (GObject *object)
{
	OxDataEditor *self = OX_DATA_EDITOR (object);
	g_clear_object (&self->cancellable);
	g_clear_object (&self->rows);
	g_free (self->schema);
	g_free (self->table);
	g_free (self->qualified);
	g_strfreev (self->names);
	g_strfreev (self->types);
	g_strfreev (self->key_names);
	g_array_unref (self->key);
	g_free (self->message_text);
	g_free (self->error_text);
	G_OBJECT_CLASS (ox_data_editor_parent_class)->finalize (object);
}

static void
ox_data_editor_class_init (OxDataEditorClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	object_class->dispose = ox_data_editor_dispose;
	object_class->finalize = ox_data_editor_finalize;
}

static void
ox_data_editor_init (OxDataEditor *self)
{
	self->cancellable = g_cancellable_new ();
	self->key = g_array_new (FALSE, FALSE, sizeof (guint));
	self->rows = g_list_store_new (OX_TYPE_DATA_ROW);
	g_signal_connect (self, "close-request", G_CALLBACK (close_request_cb), NULL);
	gtk_window_set_default_size (GTK_WINDOW (self), 900, 600);

	GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
	GtkWidget *header = adw_header_bar_new ();
	self->add_button = tool_button ("_Add Row", "Add a row (saved with Save)", G_CALLBACK (add_clicked_cb), self);
	self->delete_button = tool_button ("_Delete Rows", "Mark the selected rows deleted", G_CALLBACK (delete_clicked_cb), self);
	self->save_button = tool_button ("_Save", "Apply the changes in one transaction (Ctrl+S)",
	                                 G_CALLBACK (ox_data_editor_save), self);
	self->discard_button = tool_button ("Dis_card", "Drop the unsaved changes", G_CALLBACK (ox_data_editor_discard), self);
	gtk_widget_add_css_class (self->save_button, "suggested-action");
	adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->add_button);
	adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->delete_button);
	adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->save_button);
	adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->discard_button);
	gtk_box_append (GTK_BOX (box), header);

	self->message = GTK_LABEL (gtk_label_new (NULL));
	gtk_label_set_xalign (self->message, 0);
	gtk_label_set_wrap (self->message, TRUE);
	gtk_widget_set_margin_start (GTK_WIDGET (self->message), 12);
	gtk_widget_set_margin_end (GTK_WIDGET (self->message), 12);
	gtk_widget_set_margin_top (GTK_WIDGET (self->message), 6);
	gtk_widget_set_margin_bottom (GTK_WIDGET (self->message), 6);
	gtk_accessible_update_property (GTK_ACCESSIBLE (self->message), GTK_ACCESSIBLE_PROPERTY_LABEL, "Data editor status", -1);

	self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->rows)));
	self->grid = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (self->selection)));
	gtk_column_view_set_show_column_separators (self->grid, TRUE);
	gtk_column_view_set_show_row_separators (self->grid, TRUE);
	gtk_widget_add_css_class (GTK_WIDGET (self->grid), "data-table");
	gtk_widget_add_css_class (GTK_WIDGET (self->grid), "data-editor");
	gtk_accessible_update_property (GTK_ACCESSIBLE (self->grid), GTK_ACCESSIBLE_PROPERTY_LABEL, "Table Data", -1);
	self->scroller = gtk_scrolled_window_new ();
	gtk_widget_set_vexpand (self->scroller, TRUE);
	gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->grid));
	GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));
	g_signal_connect_object (vadj, "value-changed", G_CALLBACK (maybe_load_more), self, G_CONNECT_SWAPPED);
	g_signal_connect_object (vadj, "changed", G_CALLBACK (maybe_load_more), self, G_CONNECT_SWAPPED);
	gtk_box_append (GTK_BOX (box), self->scroller);
	gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->message));
	adw_window_set_content (ADW_WINDOW (self), box);

	GtkEventController *keys = gtk_shortcut_controller_new ();
	gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
		gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_s, GDK_CONTROL_MASK),
		                  gtk_callback_action_new (save_shortcut_cb, NULL, NULL)));
	gtk_widget_add_controller (GTK_WIDGET (self), keys);
}

OxDataEditor *
ox_data_editor_new (OxConnection *connection, const char *schema, const char *table)
{
	g_return_val_if_fail (OX_IS_CONNECTION (connection), NULL);
	g_return_val_if_fail (schema && table, NULL);
	OxDataEditor *self = g_object_new (OX_TYPE_DATA_EDITOR, NULL);
	self->connection = g_object_ref (connection);
	self->schema = g_strdup (schema);
	self->table = g_strdup (table);
	g_autoptr (GString) q = g_string_new (NULL);
	append_ident (q, schema);
	g_string_append_c (q, '.');
	append_ident (q, table);
	self->qualified = g_string_free (g_steal_pointer (&q), FALSE);
	g_autofree char *title = g_strdup_printf ("%s.%s — Edit Data", schema, table);
	gtk_window_set_title (GTK_WINDOW (self), title);
	start_loading (self);
	return self;
}

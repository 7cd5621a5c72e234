/*
 * ox-editor-page.c — an SQL editor tab and the results of what it runs.
 *
 * A run is a Run record shared with the connection's batch callback: it
 * holds a weak reference to the page, so a tab closed while its statement
 * runs cancels it and the late batches fall on the floor.  Batches fill
 * the page as they come: a COLUMNS batch opens a new grid (one notebook
 * tab per result set), ROWS batches append to its GListStore with one
 * splice each, DONE and ERROR batches and notices write to Messages.
 *
 * NOTE: error positions are characters in the text that ran; the run
 * remembers where that text began in the buffer (base_offset, characters)
 * so the underline lands where the user typed it even if only the
 * statement under the cursor ran.  Edits during the run can shift it; the
 * underline is then merely approximate, never out of the buffer.
 * NOTE (lazy results): a run carries an OxRowDemand; each grid's model
 * (ox-result-model.c) raises it as the view scrolls, and the connection
 * holds the statement's cursor open in between.  While the grid waits for
 * the view the page counts as idle ("paused"): Run works again, and a new
 * run makes the paused one give way (its batches are then ignored here).
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-editor-page.h"
#include "ox-result-row.h"
#include "ox-result-model.h"
#include "ox-result-copy.h"
#include "ox-preferences.h"
#include "ox-search-bar.h"  /* search */
#include "ox-export.h"      /* export */
#include "ox-sql-split.h"
#include "ox-plan-view.h"  /* plan */
#include "ox-completion.h"  /* completion */

#include <adwaita.h>
#include <gtksourceview/gtksource.h>
#include <string.h>

struct _OxEditorPage {
	GtkWidget        parent_instance;

	/* template children */
	GtkPaned        *paned;
	GtkSourceView   *source_view;
	GtkSpinner      *spinner;
	GtkLabel        *status_label;
	GtkButton       *cancel_button;
	GtkNotebook     *results;
	GtkTextView     *messages_view;
	GtkBox          *editor_box;    /* search: the bar, then the view */
	OxSearchBar     *search_bar;    /* search */

	OxConnection    *connection;    /* owned */
	OxSettingsStore *store;         /* unowned, may be NULL; the application owns it */
	char            *history_key;   /* the connection's location, for the history */
	GtkTextTag      *error_tag;     /* in the source buffer's tag table */
	char            *error_tooltip; /* message and hint of the underlined error */
	struct Run      *run;           /* the run under way (owned by its callbacks), or NULL */
	guint            n_results;     /* result sets shown */
};

G_DEFINE_FINAL_TYPE (OxEditorPage, ox_editor_page, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_RUNNING, N_PROPS };
static GParamSpec *props[N_PROPS];

typedef struct Run {
	gint          ref_count;
	GWeakRef      page;
	GCancellable *cancellable;
	int           base_offset;   /* characters before the run's text in the buffer */
	char         *sql;           /* the text that ran */
	gint64        started_us;    /* monotonic */
	gint64        started_real;  /* wall clock, for the history */
	guint         tick_id;       /* the elapsed-time label's timer */
	guint         statements;    /* finished */
	OxResultModel *store;        /* rows of the current result set */
	guint         n_columns;
	OxRowDemand  *demand;        /* rows the grids want (lazy results) */
	guint64       delivered;     /* rows received, all result sets */
	gboolean      paused;        /* the current result set waits for its view */
	gboolean      plan;          /* plan: an EXPLAIN (FORMAT JSON) for the Plan tab */
	GString      *plan_json;     /* plan: its rows so far */
} Run;

static Run *
run_ref (Run *r)
{
	r->ref_count++;
	return r;
}

static void
run_unref (gpointer data)
{
	Run *r = data;
	if (--r->ref_count > 0)
		return;
	g_weak_ref_clear (&r->page);
	g_clear_object (&r->cancellable);
	g_clear_object (&r->store);
	g_clear_pointer (&r->demand, ox_row_demand_unref);
	g_clear_handle_id (&r->tick_id, g_source_remove);
	g_free (r->sql);
	if (r->plan_json)
		g_string_free (r->plan_json, TRUE);
	g_free (r);
}

/* ---- messages ---------------------------------------------------------------- */

static void
append_message (OxEditorPage *self, const char *tag_name, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
append_message (OxEditorPage *self, const char *tag_name, const char *fmt, ...)
{
	GtkTextBuffer *buf = gtk_text_view_get_buffer (self->messages_view);
	va_list ap;
	va_start (ap, fmt);
	g_autofree char *text = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	GtkTextIter end;
	gtk_text_buffer_get_end_iter (buf, &end);
	if (tag_name)
		gtk_text_buffer_insert_with_tags_by_name (buf, &end, text, -1, tag_name, NULL);
	else
		gtk_text_buffer_insert (buf, &end, text, -1);
	gtk_text_buffer_get_end_iter (buf, &end);
	gtk_text_buffer_insert (buf, &end, "\n", 1);
}

static void
append_notices (OxEditorPage *self, OxBatch *batch)
{
	for (guint i = 0; i < batch->notices->len; i++) {
		OxNotice *n = batch->notices->pdata[i];
		append_message (self, "notice", "%s:  %s", n->severity, n->message);
	}
}

static char *
format_duration (gint64 us)
{
	if (us < 1000)
		return g_strdup_printf ("%.3f ms", us / 1000.0);
	if (us < 10 * G_USEC_PER_SEC)
		return g_strdup_printf ("%.1f ms", us / 1000.0);
	return g_strdup_printf ("%.2f s", us / (double) G_USEC_PER_SEC);
}

/* ---- result grids -------------------------------------------------------------- */

static void
cell_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
	(void) factory;
	(void) data;
	GtkWidget *label = gtk_label_new (NULL);
	gtk_label_set_xalign (GTK_LABEL (label), 0);
	gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
	gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
	gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
	gtk_list_item_set_child (item, label);
	ox_result_copy_attach_cell (label, item, GPOINTER_TO_UINT (data));  /* copy cell / row / selection */
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
	(void) factory;
	guint col = GPOINTER_TO_UINT (data);
	GtkWidget *label = gtk_list_item_get_child (item);
	OxResultRow *row = gtk_list_item_get_item (item);
	const char *text = ox_result_row_get_cell (row, col);
	if (text) {
		gtk_label_set_text (GTK_LABEL (label), text);
		gtk_widget_remove_css_class (label, "null-cell");
	} else {
		/* NULL is not the empty string: shown as a dim, italic NULL */
		gtk_label_set_text (GTK_LABEL (label), "NULL");
		gtk_widget_add_css_class (label, "null-cell");
	}
}

/* The result's rows could not go to the temporary file (ox-result-model.h). */
static void
storage_warning_cb (OxResultModel *store, const char *message, OxEditorPage *self)
{
	(void) store;
	append_message (self, "notice", "%s", message);
}

/* A new grid for a result set; its store becomes the run's. */
static void
open_result_set (OxEditorPage *self, Run *run, OxBatch *batch)
{
	g_clear_object (&run->store);
	run->store = ox_result_model_new (run->demand, run->delivered);
	g_signal_connect_object (run->store, "storage-warning", G_CALLBACK (storage_warning_cb), self, 0);
	run->n_columns = batch->n_columns;

	GtkSelectionModel *sel = GTK_SELECTION_MODEL (gtk_multi_selection_new (
		G_LIST_MODEL (g_object_ref (run->store))));
	GtkWidget *view = gtk_column_view_new (sel);
	gtk_column_view_set_show_column_separators (GTK_COLUMN_VIEW (view), TRUE);
	gtk_column_view_set_show_row_separators (GTK_COLUMN_VIEW (view), TRUE);
	gtk_widget_add_css_class (view, "data-table");
	for (guint c = 0; c < batch->n_columns; c++) {
		GtkListItemFactory *f = gtk_signal_list_item_factory_new ();
		g_signal_connect (f, "setup", G_CALLBACK (cell_setup_cb), GUINT_TO_POINTER (c));
		g_signal_connect (f, "bind", G_CALLBACK (cell_bind_cb), GUINT_TO_POINTER (c));
		/* the header names the column and its type */
		g_autofree char *title = g_strdup_printf ("%s\n%s", batch->column_names[c],
		                                          batch->column_types[c] ? batch->column_types[c] : "");
		GtkColumnViewColumn *column = gtk_column_view_column_new (title, f);
		gtk_column_view_column_set_resizable (column, TRUE);
		gtk_column_view_append_column (GTK_COLUMN_VIEW (view), column);
		g_object_unref (column);
	}

	/* export: the columns' names and types, for copy and export (ox-export.c) */
	g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
	g_autoptr (GStrvBuilder) types = g_strv_builder_new ();
	for (guint c = 0; c < batch->n_columns; c++) {
		g_strv_builder_add (names, batch->column_names[c] ? batch->column_names[c] : "");
		g_strv_builder_add (types, batch->column_types[c] ? batch->column_types[c] : "");
	}
	g_object_set_data_full (G_OBJECT (view), "ox-column-names", g_strv_builder_end (names), (GDestroyNotify) g_strfreev);
	g_object_set_data_full (G_OBJECT (view), "ox-column-types", g_strv_builder_end (types), (GDestroyNotify) g_strfreev);

	self->n_results++;
	g_autofree char *name = g_strdup_printf ("Result %u", self->n_results);
	gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
	GtkWidget *scroller = gtk_scrolled_window_new ();
	gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
	g_object_set_data (G_OBJECT (scroller), "ox-grid", view);
	/* export: Ctrl+C in the grid copies the selected rows */
	GtkEventController *copy_keys = gtk_shortcut_controller_new ();
	gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (copy_keys),
		gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_c, GDK_CONTROL_MASK),
		                  gtk_named_action_new ("editor.copy-rows")));
	gtk_widget_add_controller (view, copy_keys);
	/* result tabs go before Messages, which stays last */
	int pos = gtk_notebook_get_n_pages (self->results) - 1;
	gtk_notebook_insert_page (self->results, scroller, gtk_label_new (name), pos);
	if (self->n_results == 1)
		gtk_notebook_set_current_page (self->results, pos);
}

static void set_running (OxEditorPage *self, gboolean running);

/* The page is idle while its result set waits for the view to scroll. */
static void
set_paused (OxEditorPage *self, Run *run, gboolean paused)
{
	if (run->paused == paused)
		return;
	run->paused = paused;
	set_running (self, !paused);
}

static void
append_rows (OxEditorPage *self, Run *run, OxBatch *batch)
{
	run->delivered += batch->n_rows;
	if (!run->store || batch->n_rows == 0)
		return;
	ox_result_model_append (run->store, batch);
	if (run->delivered >= ox_row_demand_get_wanted (run->demand)) {
		guint n = g_list_model_get_n_items (G_LIST_MODEL (run->store));
		g_autofree char *status = g_strdup_printf ("%u rows fetched, more as you scroll", n);
		gtk_label_set_text (self->status_label, status);
		set_paused (self, run, TRUE);
	}
}

/* ---- errors in the editor ------------------------------------------------------- */

static void
clear_error (OxEditorPage *self)
{
	GtkTextBuffer *buf = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view));
	GtkTextIter s, e;
	gtk_text_buffer_get_bounds (buf, &s, &e);
	gtk_text_buffer_remove_tag (buf, self->error_tag, &s, &e);
	g_clear_pointer (&self->error_tooltip, g_free);
}

/* Underline the token at the error's position, or the whole statement
 * when the error has no position. */
static void
underline_error (OxEditorPage *self, Run *run, OxBatch *batch)
{
	GtkTextBuffer *buf = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view));
	int n = gtk_text_buffer_get_char_count (buf);
	GtkTextIter s, e;
	if (batch->error->position > 0) {
		int at = CLAMP (run->base_offset + batch->error->position - 1, 0, n);
		gtk_text_buffer_get_iter_at_offset (buf, &s, at);
		e = s;
		/* the identifier or word there: Pango's words end at '_', so
		 * no_such_function would be underlined as "no" alone */
		while (!gtk_text_iter_is_end (&e) &&
		       (g_unichar_isalnum (gtk_text_iter_get_char (&e)) || gtk_text_iter_get_char (&e) == '_'))
			gtk_text_iter_forward_char (&e);
		if (gtk_text_iter_equal (&s, &e))
			gtk_text_iter_forward_char (&e);
		if (gtk_text_iter_equal (&s, &e) && !gtk_text_iter_backward_char (&s))
			return;
	} else {
		int at = CLAMP (run->base_offset + batch->stmt_start, 0, n);
		gtk_text_buffer_get_iter_at_offset (buf, &s, at);
		gtk_text_buffer_get_iter_at_offset (buf, &e, MIN (at + batch->stmt_length, n));
	}
	gtk_text_buffer_apply_tag (buf, self->error_tag, &s, &e);
	self->error_tooltip = batch->error->hint
		? g_strdup_printf ("%s: %s\nHINT: %s", batch->error->sqlstate, batch->error->message, batch->error->hint)
		: g_strdup_printf ("%s: %s", batch->error->sqlstate, batch->error->message);
}

static gboolean
query_tooltip_cb (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip, gpointer data)
{
	OxEditorPage *self = data;
	GtkTextIter iter;
	if (!self->error_tooltip)
		return FALSE;
	if (keyboard) {
		GtkTextBuffer *buf = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
		gtk_text_buffer_get_iter_at_mark (buf, &iter, gtk_text_buffer_get_insert (buf));
	} else {
		int bx, by;
		gtk_text_view_window_to_buffer_coords (GTK_TEXT_VIEW (widget), GTK_TEXT_WINDOW_WIDGET, x, y, &bx, &by);
		if (!gtk_text_view_get_iter_at_location (GTK_TEXT_VIEW (widget), &iter, bx, by))
			return FALSE;
	}
	const char *text = ox_editor_page_get_tooltip_at (self, &iter);
	if (!text)
		return FALSE;
	gtk_tooltip_set_text (tooltip, text);
	return TRUE;
}

/* What the source view's tooltip shows at iter: the underlined error's
 * message and hint, or NULL off the underline. */
const char *
ox_editor_page_get_tooltip_at (OxEditorPage *self, const GtkTextIter *iter)
{
	g_return_val_if_fail (OX_IS_EDITOR_PAGE (self), NULL);
	if (!self->error_tooltip || !gtk_text_iter_has_tag (iter, self->error_tag))
		return NULL;
	return self->error_tooltip;
}

/* ---- running ---------------------------------------------------------------------- */

static void
record_history (OxEditorPage *self, Run *run, OxBatch *batch)
{
	if (!self->store)
		return;
	g_autofree char *stmt = g_utf8_substring (run->sql, batch->stmt_start, batch->stmt_start + batch->stmt_length);
	OxHistoryEntry h = {
		.connection = self->history_key,
		.statement = g_strstrip (stmt),
		.started = run->started_real,
		.duration_us = batch->elapsed_us,
		.rows = batch->kind == OX_BATCH_DONE ? batch->row_count : -1,
		.sqlstate = batch->error ? batch->error->sqlstate : NULL,
	};
	g_autoptr (GError) error = NULL;
	if (!ox_settings_store_add_history (self->store, &h, &error))
		g_warning ("the query history could not be written: %s", error->message);
}

/* plan: the Plan tab (before Messages), and the plan as text in Messages */
static void
show_plan (OxEditorPage *self, Run *run)
{
	GtkWidget *view = ox_plan_view_new ();
	g_autoptr (GError) error = NULL;
	if (!ox_plan_view_load_json (OX_PLAN_VIEW (view), run->plan_json->str, &error)) {
		append_message (self, "error", "The plan cannot be shown: %s", error->message);
		g_object_ref_sink (view);
		g_object_unref (view);
		return;
	}
	g_autofree char *text = ox_plan_view_to_text (OX_PLAN_VIEW (view));
	append_message (self, NULL, "%s", g_strchomp (text));
	int pos = gtk_notebook_get_n_pages (self->results) - 1;
	gtk_notebook_insert_page (self->results, view, gtk_label_new ("Plan"), pos);
	gtk_notebook_set_current_page (self->results, pos);
	g_string_truncate (run->plan_json, 0);
}

static void
batch_cb (OxBatch *batch, gpointer user_data)
{
	Run *run = user_data;
	g_autoptr (OxEditorPage) self = g_weak_ref_get (&run->page);
	if (!self || self->run != run)
		return;  /* the tab is gone, or a newer run replaced a paused one */
	append_notices (self, batch);
	/* plan: the JSON goes to the Plan tab, not to a grid */
	if (run->plan && (batch->kind == OX_BATCH_ROWS || batch->kind == OX_BATCH_COLUMNS)) {
		/* no grid asks for these rows: want them all (a plan is a few
		 * rows; the demand counts rows of the whole run) */
		if (batch->kind == OX_BATCH_COLUMNS)
			ox_row_demand_want (run->demand, G_MAXUINT64);
		for (guint r = 0; batch->kind == OX_BATCH_ROWS && r < batch->n_rows; r++) {
			run->delivered++;
			g_string_append (run->plan_json, ox_batch_get_cell (batch, r, 0));
		}
		return;
	}
	if (run->plan && batch->kind == OX_BATCH_DONE) {
		/* the EXPLAIN only: statements after it in the text show as usual */
		run->plan = FALSE;
		if (run->plan_json->len)
			show_plan (self, run);
	}
	switch (batch->kind) {
	case OX_BATCH_COLUMNS:
		open_result_set (self, run, batch);
		break;
	case OX_BATCH_ROWS:
		append_rows (self, run, batch);
		break;
	case OX_BATCH_DONE: {
		g_autofree char *took = format_duration (batch->elapsed_us);
		if (run->store)
			ox_result_model_finish (run->store, batch->truncated);
		set_paused (self, run, FALSE);
		if (batch->truncated)
			append_message (self, NULL, "%s  (the first %" G_GINT64_FORMAT " rows; the rest was not fetched "
			                "because another statement ran)", batch->command_tag, batch->row_count);
		else if (g_str_has_prefix (batch->command_tag, "SELECT") && run->store)
			append_message (self, NULL, "%s  (%" G_GINT64_FORMAT " row%s, %s)", batch->command_tag,
			                batch->row_count, batch->row_count == 1 ? "" : "s", took);
		else
			append_message (self, NULL, "%s  (%s)", batch->command_tag, took);
		g_clear_object (&run->store);
		run->statements++;
		record_history (self, run, batch);
		break;
	}
	case OX_BATCH_ERROR: {
		OxServerError *e = batch->error;
		if (run->store)
			ox_result_model_finish (run->store, TRUE);
		set_paused (self, run, FALSE);
		append_message (self, "error", "ERROR:  %s: %s", e->sqlstate, e->message);
		if (e->detail)
			append_message (self, "error", "DETAIL:  %s", e->detail);
		if (e->hint)
			append_message (self, "error", "HINT:  %s", e->hint);
		if (e->context)
			append_message (self, "error", "CONTEXT:  %s", e->context);
		if (e->position > 0) {
			/* psql's LINE n: with the line of the script where it happened */
			int line = 1;
			const char *p = run->sql;
			for (int i = 1; i < e->position && *p; i++, p = g_utf8_next_char (p))
				if (*p == '\n')
					line++;
			append_message (self, "error", "LINE %d (position %d)", line, e->position);
		}
		underline_error (self, run, batch);
		record_history (self, run, batch);
		/* the error is what the user needs to see now */
		gtk_notebook_set_current_page (self->results, gtk_notebook_get_n_pages (self->results) - 1);
		break;
	}
	}
}

static void
set_running (OxEditorPage *self, gboolean running)
{
	gtk_spinner_set_spinning (self->spinner, running);
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.cancel", running);
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.run-statement", !running);
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.run-script", !running);
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.explain", !running);
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.explain-analyze", !running);  /* plan */
	g_object_notify_by_pspec (G_OBJECT (self), props[PROP_RUNNING]);
}

static void
run_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	Run *run = user_data;
	g_autoptr (GError) error = NULL;
	gboolean ok = ox_connection_run_finish (OX_CONNECTION (source), result, &error);
	g_autoptr (OxEditorPage) self = g_weak_ref_get (&run->page);
	g_clear_handle_id (&run->tick_id, g_source_remove);
	if (self) {
		g_autofree char *took = format_duration (g_get_monotonic_time () - run->started_us);
		g_autofree char *status = NULL;
		if (ok)
			status = g_strdup_printf ("%u statement%s, %s", run->statements, run->statements == 1 ? "" : "s", took);
		else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			status = g_strdup_printf ("Cancelled after %s", took);
		else
			status = g_strdup_printf ("Failed after %s: %s", took, error->message);
		if (self->run == run)
			gtk_label_set_text (self->status_label, status);
		if (self->run == run && error && !g_error_matches (error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_STATEMENT) &&
		    !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			append_message (self, "error", "%s", error->message);
		if (self->run == run) {
			self->run = NULL;
			set_running (self, FALSE);
		}
	}
	run_unref (run);
}

static gboolean
tick_cb (gpointer user_data)
{
	Run *run = user_data;
	g_autoptr (OxEditorPage) self = g_weak_ref_get (&run->page);
	if (!self || self->run != run || run->paused)
		return G_SOURCE_CONTINUE;
	g_autofree char *took = format_duration (g_get_monotonic_time () - run->started_us);
	g_autofree char *status = g_strdup_printf ("Running… %s", took);
	gtk_label_set_text (self->status_label, status);
	return G_SOURCE_CONTINUE;
}

/* Run sql, which starts base_offset characters into the buffer. */
static void
run_text_plan (OxEditorPage *self, const char *sql, int base_offset, gboolean plan);

static void
run_text (OxEditorPage *self, const char *sql, int base_offset)
{
	run_text_plan (self, sql, base_offset, FALSE);
}

static void
run_text_plan (OxEditorPage *self, const char *sql, int base_offset, gboolean plan)
{
	if (!self->connection || (self->run && !self->run->paused))
		return;
	/* a paused result set gives way to the new run (the connection
	 * closes it early); its late batches are ignored */
	self->run = NULL;
	clear_error (self);
	/* forget the previous results: every tab but Messages */
	while (gtk_notebook_get_n_pages (self->results) > 1)
		gtk_notebook_remove_page (self->results, 0);
	self->n_results = 0;
	gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->messages_view), "", 0);

	Run *run = g_new0 (Run, 1);
	run->ref_count = 1;
	g_weak_ref_init (&run->page, self);
	run->cancellable = g_cancellable_new ();
	run->base_offset = base_offset;
	run->sql = g_strdup (sql);
	run->started_us = g_get_monotonic_time ();
	run->started_real = g_get_real_time ();
	run->plan = plan;
	run->plan_json = plan ? g_string_new (NULL) : NULL;
	run->tick_id = g_timeout_add (100, tick_cb, run);
	run->demand = ox_row_demand_new (0);  /* each grid asks for its first window */
	self->run = run;
	set_running (self, TRUE);
	gtk_label_set_text (self->status_label, "Running…");
	ox_connection_run_with_demand_async (self->connection, sql, run->demand, batch_cb, run_ref (run), run_unref,
	                                     run->cancellable, run_done_cb, run);
}

void
ox_editor_page_run_script (OxEditorPage *self)
{
	g_return_if_fail (OX_IS_EDITOR_PAGE (self));
	GtkTextBuffer *buf = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view));
	GtkTextIter s, e;
	gtk_text_buffer_get_bounds (buf, &s, &e);
	g_autofree char *text = gtk_text_buffer_get_text (buf, &s, &e, TRUE);
	run_text (self, text, 0);
}

/* The selection, or else the statement at the cursor (transfer full), and
 * where it starts in the buffer, in characters; NULL when there is none. */
static char *
current_statement (OxEditorPage *self, int *offset)
{
	GtkTextBuffer *buf = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view));
	GtkTextIter s, e;
	if (gtk_text_buffer_get_selection_bounds (buf, &s, &e)) {
		*offset = gtk_text_iter_get_offset (&s);
		return gtk_text_buffer_get_text (buf, &s, &e, TRUE);
	}
	gtk_text_buffer_get_bounds (buf, &s, &e);
	g_autofree char *text = gtk_text_buffer_get_text (buf, &s, &e, TRUE);
	GtkTextIter cursor;
	gtk_text_buffer_get_iter_at_mark (buf, &cursor, gtk_text_buffer_get_insert (buf));
	const char *at = g_utf8_offset_to_pointer (text, gtk_text_iter_get_offset (&cursor));
	OxSqlRange r;
	if (!ox_sql_statement_at (text, at - text, &r))
		return NULL;
	*offset = (int) g_utf8_strlen (text, r.start);
	return g_strndup (text + r.start, r.end - r.start);
}

void
ox_editor_page_run_statement (OxEditorPage *self)
{
	g_return_if_fail (OX_IS_EDITOR_PAGE (self));
	int offset = 0;
	g_autofree char *stmt = current_statement (self, &offset);
	if (stmt)
		run_text (self, stmt, offset);
}

/* plan: the plan as JSON, drawn in the Plan tab and written in Messages */
static void
explain_plan (OxEditorPage *self, gboolean analyze)
{
	int offset = 0;
	g_autofree char *stmt = current_statement (self, &offset);
	if (!stmt)
		return;
	/* error positions count the prefix: start the text that far earlier */
	const char *prefix = analyze ? "EXPLAIN (ANALYZE, FORMAT JSON) " : "EXPLAIN (FORMAT JSON) ";
	g_autofree char *sql = g_strconcat (prefix, stmt, NULL);
	run_text_plan (self, sql, offset - (int) strlen (prefix), TRUE);
}

void
ox_editor_page_explain (OxEditorPage *self)
{
	g_return_if_fail (OX_IS_EDITOR_PAGE (self));
	explain_plan (self, FALSE);
}

void
ox_editor_page_explain_analyze (OxEditorPage *self)
{
	g_return_if_fail (OX_IS_EDITOR_PAGE (self));
	explain_plan (self, TRUE);
}

GtkWidget *
ox_editor_page_get_plan_view (OxEditorPage *self)
{
	g_return_val_if_fail (OX_IS_EDITOR_PAGE (self), NULL);
	for (int i = 0; i < gtk_notebook_get_n_pages (self->results); i++) {
		GtkWidget *w = gtk_notebook_get_nth_page (self->results, i);
		if (OX_IS_PLAN_VIEW (w))
			return w;
	}
	return NULL;
}

void
ox_editor_page_cancel (OxEditorPage *self)
{
	g_return_if_fail (OX_IS_EDITOR_PAGE (self));
	if (self->run)
		g_cancellable_cancel (self->run->cancellable);
}

gboolean
ox_editor_page_is_running (OxEditorPage *self)
{
	g_return_val_if_fail (OX_IS_EDITOR_PAGE (self), FALSE);
	return self->run != NULL && !self->run->paused;
}

/* ---- accessors -------------------------------------------------------------------- */

GtkTextBuffer *
ox_editor_page_get_buffer (OxEditorPage *self)
{
	g_return_val_if_fail (OX_IS_EDITOR_PAGE (self), NULL);
	return gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view));
}

void
ox_editor_page_insert_statement (OxEditorPage *self, const char *text)
{
	g_return_if_fail (OX_IS_EDITOR_PAGE (self));
	GtkTextBuffer *buf = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view));
	GtkTextIter at;
	gtk_text_buffer_get_iter_at_mark (buf, &at, gtk_text_buffer_get_insert (buf));
	gtk_text_buffer_begin_user_action (buf);
	if (!gtk_text_iter_starts_line (&at)) {
		gtk_text_iter_forward_to_line_end (&at);
		gtk_text_buffer_insert (buf, &at, "\n", 1);
	}
	gtk_text_buffer_insert (buf, &at, text, -1);
	if (!g_str_has_suffix (text, ";"))
		gtk_text_buffer_insert (buf, &at, ";", 1);
	gtk_text_buffer_end_user_action (buf);
	/* leave the cursor inside it, so Ctrl+Enter runs it */
	gtk_text_iter_backward_char (&at);
	gtk_text_buffer_place_cursor (buf, &at);
	gtk_widget_grab_focus (GTK_WIDGET (self->source_view));
}

GtkWidget *
ox_editor_page_get_source_view (OxEditorPage *self)
{
	g_return_val_if_fail (OX_IS_EDITOR_PAGE (self), NULL);
	return GTK_WIDGET (self->source_view);
}

GtkWidget *
ox_editor_page_get_results (OxEditorPage *self)
{
	g_return_val_if_fail (OX_IS_EDITOR_PAGE (self), NULL);
	return GTK_WIDGET (self->results);
}

GtkColumnView *
ox_editor_page_get_grid (OxEditorPage *self, guint n)
{
	g_return_val_if_fail (OX_IS_EDITOR_PAGE (self), NULL);
	if ((int) n >= gtk_notebook_get_n_pages (self->results) - 1)
		return NULL;
	return g_object_get_data (G_OBJECT (gtk_notebook_get_nth_page (self->results, n)), "ox-grid");
}

char *
ox_editor_page_get_messages_text (OxEditorPage *self)
{
	g_return_val_if_fail (OX_IS_EDITOR_PAGE (self), NULL);
	GtkTextBuffer *buf = gtk_text_view_get_buffer (self->messages_view);
	GtkTextIter s, e;
	gtk_text_buffer_get_bounds (buf, &s, &e);
	return gtk_text_buffer_get_text (buf, &s, &e, TRUE);
}

GtkTextTag *
ox_editor_page_get_error_tag (OxEditorPage *self)
{
	g_return_val_if_fail (OX_IS_EDITOR_PAGE (self), NULL);
	return self->error_tag;
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
run_statement_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) name;
	(void) param;
	ox_editor_page_run_statement (OX_EDITOR_PAGE (widget));
}

static void
run_script_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) name;
	(void) param;
	ox_editor_page_run_script (OX_EDITOR_PAGE (widget));
}

static void
explain_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) name;
	(void) param;
	ox_editor_page_explain (OX_EDITOR_PAGE (widget));
}

static void
explain_analyze_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) name;
	(void) param;
	ox_editor_page_explain_analyze (OX_EDITOR_PAGE (widget));
}

static void
cancel_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) name;
	(void) param;
	ox_editor_page_cancel (OX_EDITOR_PAGE (widget));
}

/* export: the actions work on the result grid shown */
static GtkColumnView *
current_grid (OxEditorPage *self)
{
	int n = gtk_notebook_get_current_page (self->results);
	GtkWidget *child = n >= 0 ? gtk_notebook_get_nth_page (self->results, n) : NULL;
	return child ? g_object_get_data (G_OBJECT (child), "ox-grid") : NULL;
}

static void
export_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) param;
	GtkColumnView *grid = current_grid (OX_EDITOR_PAGE (widget));
	if (!grid)
		return;
	if (!strcmp (name, "editor.copy-rows"))
		ox_export_copy_selection (grid);
	else
		ox_export_choose_file (grid, !strcmp (name, "editor.export-json"));
}

/* search: Ctrl+F shows the find and replace bar */
static void
find_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) name;
	(void) param;
	ox_search_bar_show (OX_EDITOR_PAGE (widget)->search_bar);
}

OxSearchBar *
ox_editor_page_get_search_bar (OxEditorPage *self)
{
	g_return_val_if_fail (OX_IS_EDITOR_PAGE (self), NULL);
	return self->search_bar;
}

static void
ox_editor_page_dispose (GObject *object)
{
	OxEditorPage *self = OX_EDITOR_PAGE (object);
	/* a closed tab stops its statement */
	if (self->run) {
		g_cancellable_cancel (self->run->cancellable);
		self->run = NULL;
	}
	gtk_widget_dispose_template (GTK_WIDGET (self), OX_TYPE_EDITOR_PAGE);
	g_clear_object (&self->connection);
	G_OBJECT_CLASS (ox_editor_page_parent_class)->dispose (object);
}

static void
ox_editor_page_finalize (GObject *object)
{
	OxEditorPage *self = OX_EDITOR_PAGE (object);
	g_free (self->error_tooltip);
	g_free (self->history_key);
	G_OBJECT_CLASS (ox_editor_page_parent_class)->finalize (object);
}

static void
ox_editor_page_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
	OxEditorPage *self = OX_EDITOR_PAGE (object);
	if (id == PROP_RUNNING)
		g_value_set_boolean (value, ox_editor_page_is_running (self));
	else
		G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
ox_editor_page_class_init (OxEditorPageClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
	object_class->dispose = ox_editor_page_dispose;
	object_class->finalize = ox_editor_page_finalize;
	object_class->get_property = ox_editor_page_get_property;
	props[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE,
	                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
	g_object_class_install_properties (object_class, N_PROPS, props);

	g_type_ensure (GTK_SOURCE_TYPE_VIEW);
	gtk_widget_class_set_template_from_resource (widget_class, "/org/oxibase/Workstation/ui/ox-editor-page.ui");
	gtk_widget_class_bind_template_child (widget_class, OxEditorPage, paned);
	gtk_widget_class_bind_template_child (widget_class, OxEditorPage, source_view);
	gtk_widget_class_bind_template_child (widget_class, OxEditorPage, spinner);
	gtk_widget_class_bind_template_child (widget_class, OxEditorPage, status_label);
	gtk_widget_class_bind_template_child (widget_class, OxEditorPage, cancel_button);
	gtk_widget_class_bind_template_child (widget_class, OxEditorPage, results);
	gtk_widget_class_bind_template_child (widget_class, OxEditorPage, messages_view);
	gtk_widget_class_bind_template_child (widget_class, OxEditorPage, editor_box);  /* search */
	gtk_widget_class_install_action (widget_class, "editor.find", NULL, find_action);  /* search */
	gtk_widget_class_install_action (widget_class, "editor.copy-rows", NULL, export_action);  /* export */
	gtk_widget_class_install_action (widget_class, "editor.export-csv", NULL, export_action);
	gtk_widget_class_install_action (widget_class, "editor.export-json", NULL, export_action);

	gtk_widget_class_install_action (widget_class, "editor.run-statement", NULL, run_statement_action);
	gtk_widget_class_install_action (widget_class, "editor.run-script", NULL, run_script_action);
	gtk_widget_class_install_action (widget_class, "editor.explain", NULL, explain_action);
	gtk_widget_class_install_action (widget_class, "editor.explain-analyze", NULL, explain_analyze_action);
	gtk_widget_class_install_action (widget_class, "editor.cancel", NULL, cancel_action);
}

static void
update_scheme (OxEditorPage *self)
{
	GtkTextBuffer *buf = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view));
	/* preferences: the chosen scheme, or Adwaita / Adwaita-dark following the system */
	GtkSourceStyleScheme *scheme = gtk_source_style_scheme_manager_get_scheme (
		gtk_source_style_scheme_manager_get_default (), ox_preferences_effective_scheme (ox_preferences_get_default ()));
	if (scheme)
		gtk_source_buffer_set_style_scheme (GTK_SOURCE_BUFFER (buf), scheme);
}

static void
dark_changed_cb (OxEditorPage *self)
{
	update_scheme (self);
}

static void
ox_editor_page_init (OxEditorPage *self)
{
	gtk_widget_init_template (GTK_WIDGET (self));

	GtkSourceBuffer *buf = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view)));
	GtkSourceLanguage *lang = gtk_source_language_manager_get_language (
		gtk_source_language_manager_get_default (), "oxibase-sql");
	if (lang)
		gtk_source_buffer_set_language (buf, lang);
	else
		g_warning ("the oxibase-sql language definition was not found");
	gtk_source_buffer_set_highlight_matching_brackets (buf, TRUE);
	/* follow the system's dark or light style */
	AdwStyleManager *style = adw_style_manager_get_default ();
	update_scheme (self);
	g_signal_connect_object (style, "notify::dark", G_CALLBACK (dark_changed_cb), self, G_CONNECT_SWAPPED);
	/* preferences: font and scheme changes apply to open tabs at once */
	g_signal_connect_object (ox_preferences_get_default (), "notify::style-scheme", G_CALLBACK (dark_changed_cb), self,
	                         G_CONNECT_SWAPPED);
	ox_preferences_attach_view (GTK_WIDGET (self->source_view));

	self->error_tag = gtk_text_buffer_create_tag (GTK_TEXT_BUFFER (buf), "ox-error",
	                                              "underline", PANGO_UNDERLINE_ERROR,
	                                              "underline-rgba", &(GdkRGBA) { 0.88, 0.11, 0.14, 1.0 },
	                                              NULL);
	g_signal_connect (self->source_view, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);
	/* search: the find and replace bar above the text */
	self->search_bar = OX_SEARCH_BAR (ox_search_bar_new (self->source_view));
	gtk_box_prepend (self->editor_box, GTK_WIDGET (self->search_bar));

	GtkTextBuffer *mbuf = gtk_text_view_get_buffer (self->messages_view);
	gtk_text_buffer_create_tag (mbuf, "error", "foreground", "#e01b24", NULL);
	gtk_text_buffer_create_tag (mbuf, "notice", "style", PANGO_STYLE_ITALIC, NULL);

	/* the main areas by name, for assistive technology and automation */
	gtk_accessible_update_property (GTK_ACCESSIBLE (self->source_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
	                                "SQL Editor", -1);
	gtk_accessible_update_property (GTK_ACCESSIBLE (self->results), GTK_ACCESSIBLE_PROPERTY_LABEL,
	                                "Results", -1);
	gtk_accessible_update_property (GTK_ACCESSIBLE (self->messages_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
	                                "Messages", -1);

	/* Ctrl+Enter before the text view sees it (it would insert a newline) */
	GtkEventController *keys = gtk_shortcut_controller_new ();
	gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
	static const struct { guint key; GdkModifierType mods; const char *action; } binds[] = {
		{ GDK_KEY_Return, GDK_CONTROL_MASK, "editor.run-statement" },
		{ GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "editor.run-statement" },
		{ GDK_KEY_Return, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "editor.run-script" },
		{ GDK_KEY_KP_Enter, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "editor.run-script" },
		{ GDK_KEY_e, GDK_CONTROL_MASK, "editor.explain" },
		{ GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "editor.explain-analyze" },  /* plan */
		{ GDK_KEY_f, GDK_CONTROL_MASK, "editor.find" },  /* search */
	};
	for (guint i = 0; i < G_N_ELEMENTS (binds); i++)
		gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
			gtk_shortcut_new (gtk_keyval_trigger_new (binds[i].key, binds[i].mods),
			                  gtk_named_action_new (binds[i].action)));
	gtk_widget_add_controller (GTK_WIDGET (self), keys);
	set_running (self, FALSE);
}

OxEditorPage *
ox_editor_page_new (OxConnection *connection, OxSettingsStore *store, const char *history_key)
{
	g_return_val_if_fail (OX_IS_CONNECTION (connection), NULL);
	OxEditorPage *self = g_object_new (OX_TYPE_EDITOR_PAGE, NULL);
	self->connection = g_object_ref (connection);
	self->store = store;
	self->history_key = g_strdup (history_key ? history_key : ox_connection_get_title (connection));
	ox_completion_attach (self->source_view, connection);  /* completion */
	return self;
}

/* ---- data: pane geometry ---------------------------------------------------------------- */

/* The results pane is the paned's end child: its height is what is left
 * below the divider.  Before the first allocation the paned has no
 * height yet; the request is kept and applied once it has one. */
static void
apply_results_height (OxEditorPage *self)
{
	int want = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (self), "ox-results-height"));
	int h = gtk_widget_get_height (GTK_WIDGET (self->paned));
	if (want <= 0 || h <= 0)
		return;
	gtk_paned_set_position (self->paned, MAX (0, h - want));
	g_object_set_data (G_OBJECT (self), "ox-results-height", NULL);
}

/* uifix: the idle holds a weak reference: a tab closed (or its window
 * destroyed) before the idle runs was a use after free */
static void
apply_results_height_idle (gpointer data)
{
	GWeakRef *w = data;
	OxEditorPage *self = g_weak_ref_get (w);
	if (self) {
		apply_results_height (self);
		g_object_unref (self);
	}
	g_weak_ref_clear (w);
	g_free (w);
}

static void
paned_mapped_cb (GtkWidget *paned, OxEditorPage *self)
{
	(void) paned;
	/* after the first layout, when the paned knows its height */
	GWeakRef *w = g_new0 (GWeakRef, 1);
	g_weak_ref_init (w, self);
	g_idle_add_once (apply_results_height_idle, w);
}

int
ox_editor_page_get_results_height (OxEditorPage *self)
{
	g_return_val_if_fail (OX_IS_EDITOR_PAGE (self), 0);
	int h = gtk_widget_get_height (GTK_WIDGET (self->paned));
	int want = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (self), "ox-results-height"));
	if (want > 0 || h <= 0)
		return want;
	return MAX (0, h - gtk_paned_get_position (self->paned));
}

void
ox_editor_page_set_results_height (OxEditorPage *self, int height)
{
	g_return_if_fail (OX_IS_EDITOR_PAGE (self));
	g_object_set_data (G_OBJECT (self), "ox-results-height", GINT_TO_POINTER (height));
	if (gtk_widget_get_mapped (GTK_WIDGET (self->paned)))
		apply_results_height (self);
	else
		g_signal_connect_object (self->paned, "map", G_CALLBACK (paned_mapped_cb), self, 0);
}

/* ---- debugger hook (ox-debugger.c) -------------------------------------------------------- */

/* The output of a script run under the debugger, in Messages. */
void
ox_editor_page_append_output (OxEditorPage *self, const char *text, gboolean error)
{
	g_return_if_fail (OX_IS_EDITOR_PAGE (self));
	g_autofree char *t = g_strdup (text);
	g_strchomp (t);
	append_message (self, error ? "error" : NULL, "%s", t);
}

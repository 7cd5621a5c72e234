/*
 * test-data.c — results at scale, the table data editor and preferences,
 * in a real window under Xvfb:
 *
 *  - a 1,000,000-row SELECT shows its first rows while the grid's model
 *    holds a bounded number of rows; asking the model for its last item
 *    loads more; cells, rows and the selection copy to the clipboard; a
 *    new run in the tab replaces the paused one;
 *  - the data editor: edit a cell, set NULL, add and delete rows, Save →
 *    the table holds exactly the staged rows (checked by a query);
 *    Discard leaves the table as it was; a Save that fails (unique
 *    violation) changes nothing and names the failing row; a table
 *    without a primary key is read-only and says why; a big table comes a
 *    page at a time as the grid scrolls (one- and two-column keys, every
 *    row once and in order, a new row kept last), a row far down saved,
 *    and Save refuses to run inside a transaction a tab left open;
 *  - preferences: a font change applies to an open tab at once and comes
 *    back after a restart (the store reopened); the results pane's height
 *    comes back too.
 */
#include "ui-test-util.h"
#include "ox-data-editor.h"
#include "ox-preferences.h"
#include "ox-result-copy.h"
#include "ox-result-model.h"

#include <math.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------------------ */

static void
settle (void)
{
	gint64 end = g_get_monotonic_time () + 300 * G_TIME_SPAN_MILLISECOND;
	while (g_get_monotonic_time () < end)
		g_main_context_iteration (NULL, FALSE);
}

static gboolean
have_result (gpointer data)
{
	return *(GAsyncResult **) data != NULL;
}

static void
async_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	(void) source;
	*(GAsyncResult **) data = g_object_ref (result);
}

static char *
clipboard_text (GtkWidget *w)
{
	GAsyncResult *res = NULL;
	GdkClipboard *clip = gtk_widget_get_clipboard (w);
	gdk_clipboard_read_text_async (clip, NULL, async_done_cb, &res);
	wait_until (have_result, &res, "the clipboard");
	char *text = gdk_clipboard_read_text_finish (clip, res, NULL);
	g_object_unref (res);
	return text;
}

/* A query's rows as "a|b|NULL\n..." (through the catalog's session: what is committed). */
static char *
query_text (OxConnection *c, const char *sql)
{
	GAsyncResult *res = NULL;
	ox_connection_query_async (c, sql, NULL, async_done_cb, &res);
	wait_until (have_result, &res, sql);
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) rows = ox_connection_query_finish (c, res, &error);
	g_object_unref (res);
	g_assert_no_error (error);
	GString *out = g_string_new (NULL);
	for (guint i = 0; i < rows->len; i++) {
		GPtrArray *r = rows->pdata[i];
		for (guint j = 0; j < r->len; j++)
			g_string_append_printf (out, "%s%s", j ? "|" : "", r->pdata[j] ? (char *) r->pdata[j] : "NULL");
		g_string_append_c (out, '\n');
	}
	return g_string_free (out, FALSE);
}

static GListModel *
grid_rows (GtkColumnView *grid)
{
	return gtk_multi_selection_get_model (GTK_MULTI_SELECTION (gtk_column_view_get_model (grid)));
}

typedef struct {
	GListModel *model;
	guint       n;
} CountWait;

static gboolean
more_than (gpointer data)
{
	CountWait *w = data;
	return g_list_model_get_n_items (w->model) > w->n;
}

static gboolean
editor_idle (gpointer data)
{
	return !ox_data_editor_is_busy (data);
}

/* ---- lazy results ------------------------------------------------------------------------ */

static void
test_lazy_results (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_get_current_page (win);
	set_text (page, "SELECT g, 'row ' || g AS label FROM generate_series(1, 1000000) g;\n", NULL);
	/* the page is idle again once the grid has its first window of rows */
	run (page, "editor.run-statement");
	GtkColumnView *grid = ox_editor_page_get_grid (page, 0);
	g_assert_nonnull (grid);
	LabelData ld = { GTK_WIDGET (grid), "row 1", NULL };
	wait_until (label_shown, &ld, "the first row drawn");
	settle ();
	GListModel *model = grid_rows (grid);
	g_assert_true (OX_IS_RESULT_MODEL (model));
	guint n = g_list_model_get_n_items (model);
	/* bounded: a window or two, not a million */
	g_assert_cmpuint (n, >=, 100);
	g_assert_cmpuint (n, <=, 2 * OX_RESULT_MODEL_WINDOW + 1000);
	g_assert_false (ox_result_model_is_complete (OX_RESULT_MODEL (model)));
	g_assert_false (ox_editor_page_is_running (page));
	/* and a million short rows would fit anyway: a block per batch, not an object per cell */
	g_assert_cmpuint (ox_result_model_get_bytes (OX_RESULT_MODEL (model)), <, (gsize) n * 64);

	/* the view asking for the last item loads more */
	g_object_unref (g_list_model_get_item (model, n - 1));
	CountWait cw = { model, n };
	wait_until (more_than, &cw, "more rows after asking for the last one");
	settle ();
	guint n2 = g_list_model_get_n_items (model);
	g_assert_cmpuint (n2, <, 10 * n);  /* still bounded by what was asked */
	g_autoptr (OxResultRow) last = g_list_model_get_item (model, n2 - 1);
	g_autofree char *want_last = g_strdup_printf ("%u", n2);
	g_assert_cmpstr (ox_result_row_get_cell (last, 0), ==, want_last);

	/* scrolling to the bottom does the same */
	GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (grid));
	wait_until ((CondFunc) gtk_widget_get_mapped, grid, "the grid mapped");
	gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
	cw.n = n2;
	wait_until (more_than, &cw, "more rows after scrolling to the bottom");

	/* copy: a cell, a row, the selection */
	g_assert_true (ox_result_copy_cell (grid, 1, 1));
	g_autofree char *cell = clipboard_text (GTK_WIDGET (grid));
	g_assert_cmpstr (cell, ==, "row 2");
	g_assert_true (ox_result_copy_row (grid, 2));
	g_autofree char *row = clipboard_text (GTK_WIDGET (grid));
	g_assert_cmpstr (row, ==, "3\trow 3\n");
	GtkSelectionModel *sel = gtk_column_view_get_model (grid);
	gtk_selection_model_select_range (sel, 4, 2, TRUE);
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "editor.copy-rows", NULL));
	g_autofree char *rows = clipboard_text (GTK_WIDGET (grid));
	g_assert_cmpstr (rows, ==, "5\trow 5\n6\trow 6\n");
	screenshot (win, "workstation-million-rows");

	/* a new run replaces the paused one at once */
	set_text (page, "SELECT 'next' AS what;\n", NULL);
	run (page, "editor.run-statement");
	grid = ox_editor_page_get_grid (page, 0);
	ld = (LabelData) { GTK_WIDGET (grid), "next", NULL };
	wait_until (label_shown, &ld, "the next result");
	g_assert_true (ox_result_model_is_complete (OX_RESULT_MODEL (grid_rows (grid))));
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- the data editor ------------------------------------------------------------------------ */

static const char items_sql[] =
	"SELECT id, name, note FROM items ORDER BY id";

static void
test_data_editor (void)
{
	OxWindow *win = open_demo_window ();
	OxConnection *conn = ox_window_get_connection (win);
	OxEditorPage *page = ox_window_get_current_page (win);
	set_text (page, "CREATE TABLE items (id int PRIMARY KEY, name text UNIQUE, note text);\n"
	                "INSERT INTO items VALUES (1, 'a', 'x'), (2, 'b', NULL), (3, 'c', 'z');\n"
	                "CREATE TABLE nokey (a int);\nINSERT INTO nokey VALUES (1);\n", NULL);
	run (page, "editor.run-script");

	OxDataEditor *ed = ox_window_open_table_data (win, "public", "items");
	g_assert_nonnull (ed);
	wait_until (editor_idle, ed, "the table's rows");
	g_assert_false (ox_data_editor_is_read_only (ed));
	g_assert_cmpuint (ox_data_editor_get_n_rows (ed), ==, 3);
	g_assert_cmpstr (ox_data_editor_get_cell (ed, 1, 1), ==, "b");
	g_assert_null (ox_data_editor_get_cell (ed, 1, 2));

	/* stage: a changed cell, a NULL, a deleted row, a new row */
	g_assert_true (ox_data_editor_set_cell (ed, 0, 2, "it's changed"));
	g_assert_true (ox_data_editor_set_cell (ed, 2, 2, NULL));
	g_assert_true (ox_data_editor_delete_row (ed, 1));
	guint added = ox_data_editor_add_row (ed);
	g_assert_cmpuint (added, ==, 3);
	g_assert_true (ox_data_editor_set_cell (ed, added, 0, "4"));
	g_assert_true (ox_data_editor_set_cell (ed, added, 1, "d"));
	g_assert_cmpuint (ox_data_editor_get_n_changes (ed), ==, 4);
	g_assert_nonnull (strstr (ox_data_editor_get_message (ed), "4 unsaved changes"));
	/* nothing reached the table yet */
	g_autofree char *before = query_text (conn, items_sql);
	g_assert_cmpstr (before, ==, "1|a|x\n2|b|NULL\n3|c|z\n");
	settle ();
	/* the editor is a window of its own; screenshot only draws it as a GtkWindow */
	screenshot ((OxWindow *) ed, "workstation-data-editor");

	ox_data_editor_save (ed);
	wait_until (editor_idle, ed, "the save");
	g_autofree char *after = query_text (conn, items_sql);
	g_assert_cmpstr (after, ==, "1|a|it's changed\n3|c|NULL\n4|d|NULL\n");
	g_assert_cmpuint (ox_data_editor_get_n_changes (ed), ==, 0);
	g_assert_cmpuint (ox_data_editor_get_n_rows (ed), ==, 3);

	/* Discard: the staged changes go, the table stays */
	g_assert_true (ox_data_editor_set_cell (ed, 0, 1, "zzz"));
	ox_data_editor_add_row (ed);
	g_assert_true (ox_data_editor_delete_row (ed, 1));
	g_assert_cmpuint (ox_data_editor_get_n_changes (ed), ==, 3);
	ox_data_editor_discard (ed);
	g_assert_cmpuint (ox_data_editor_get_n_changes (ed), ==, 0);
	g_assert_cmpuint (ox_data_editor_get_n_rows (ed), ==, 3);
	g_assert_cmpstr (ox_data_editor_get_cell (ed, 0, 1), ==, "a");
	g_autofree char *discarded = query_text (conn, items_sql);
	g_assert_cmpstr (discarded, ==, after);

	/* a failing Save: a new row that would succeed, then a unique violation */
	guint nr = ox_data_editor_add_row (ed);
	g_assert_true (ox_data_editor_set_cell (ed, nr, 0, "5"));
	g_assert_true (ox_data_editor_set_cell (ed, nr, 1, "e"));
	g_assert_true (ox_data_editor_set_cell (ed, 0, 1, "c"));  /* row 3 is already 'c' */
	/* closing with unsaved changes asks first; Cancel keeps the window */
	gtk_window_close (GTK_WINDOW (ed));
	GtkWindow *ask = ox_data_editor_get_close_dialog (ed);
	g_assert_nonnull (ask);
	adw_message_dialog_response (ADW_MESSAGE_DIALOG (ask), "cancel");
	if (ox_data_editor_get_close_dialog (ed))  /* (a button click would close it itself) */
		gtk_window_destroy (ox_data_editor_get_close_dialog (ed));
	g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ed)));
	ox_data_editor_save (ed);
	wait_until (editor_idle, ed, "the failing save");
	const char *msg = ox_data_editor_get_message (ed);
	g_assert_nonnull (strstr (msg, "23505"));
	g_assert_nonnull (strstr (msg, "row 1 (id = 1)"));
	g_autofree char *unchanged = query_text (conn, items_sql);
	g_assert_cmpstr (unchanged, ==, after);
	g_assert_cmpuint (ox_data_editor_get_n_changes (ed), ==, 2);  /* kept, to be fixed */
	/* the session is not left inside the failed transaction */
	set_text (page, "SELECT count(*) AS n FROM items;\n", NULL);
	run (page, "editor.run-statement");
	g_autofree char *m = ox_editor_page_get_messages_text (page);
	g_assert_null (strstr (m, "ERROR"));
	ox_data_editor_discard (ed);
	gtk_window_destroy (GTK_WINDOW (ed));

	/* no primary key: read-only, and the message says why */
	OxDataEditor *ro = ox_window_open_table_data (win, "public", "nokey");
	wait_until (editor_idle, ro, "the key-less table");
	g_assert_true (ox_data_editor_is_read_only (ro));
	g_assert_nonnull (strstr (ox_data_editor_get_message (ro), "has no primary key"));
	g_assert_false (ox_data_editor_set_cell (ro, 0, 0, "2"));
	g_assert_cmpuint (ox_data_editor_add_row (ro), ==, 1);  /* staged only ... */
	ox_data_editor_save (ro);                                  /* ... never saved */
	settle ();
	g_autofree char *nk = query_text (conn, "SELECT a FROM nokey");
	g_assert_cmpstr (nk, ==, "1\n");
	check_buttons_named (GTK_WIDGET (ro));
	gtk_window_destroy (GTK_WINDOW (ro));

	/* the window action the object browser's menu uses */
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "workstation.open-table-data", "(ss)", "public",
	                                           "items"));
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- the data editor's pages and its Save guard ------------------------------------------------- */

typedef struct {
	OxDataEditor  *ed;
	GtkAdjustment *adj;
	guint          rows;  /* loaded before the scroll */
} PageWait;

/* The grid has measured the rows it holds: scrolling to the end means
 * something (its page and its height past the page). */
static gboolean
grid_measured (gpointer data)
{
	PageWait *w = data;
	return gtk_adjustment_get_page_size (w->adj) > 0 &&
	       gtk_adjustment_get_upper (w->adj) > gtk_adjustment_get_page_size (w->adj);
}

static gboolean
page_arrived (gpointer data)
{
	PageWait *w = data;
	return !ox_data_editor_is_busy (w->ed) &&
	       (ox_data_editor_get_n_rows (w->ed) > w->rows || !ox_data_editor_has_more (w->ed));
}

/* Scroll the editor's grid to its end until no page is left. */
static void
scroll_to_the_end (OxDataEditor *ed)
{
	GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (ox_data_editor_get_grid (ed)), GTK_TYPE_SCROLLED_WINDOW);
	g_assert_nonnull (scroller);
	PageWait w = { ed, gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller)), 0 };
	for (int guard = 0; ox_data_editor_has_more (ed) && guard < 50; guard++) {
		w.rows = ox_data_editor_get_n_rows (ed);
		wait_until (grid_measured, &w, "the grid's rows measured");
		gtk_adjustment_set_value (w.adj, gtk_adjustment_get_upper (w.adj));
		wait_until (page_arrived, &w, "the next page");
	}
	g_assert_false (ox_data_editor_has_more (ed));
}

static void
test_data_editor_pages (void)
{
	OxWindow *win = open_demo_window ();
	OxConnection *conn = ox_window_get_connection (win);
	OxEditorPage *page = ox_window_get_current_page (win);
	set_text (page, "CREATE TABLE big (id int PRIMARY KEY, v text);\n"
	                "INSERT INTO big SELECT i, 'v' || i FROM generate_series(1, 2500) i;\n"
	                "CREATE TABLE pairs (a int, b int, note text, PRIMARY KEY (a, b));\n"
	                "INSERT INTO pairs SELECT i / 100, i % 100, NULL FROM generate_series(0, 2099) i;\n", NULL);
	run (page, "editor.run-script");

	/* a page at first, the rest as the grid scrolls to its end */
	OxDataEditor *ed = ox_window_open_table_data (win, "public", "big");
	wait_until (editor_idle, ed, "the first page");
	g_assert_cmpuint (ox_data_editor_get_n_rows (ed), ==, OX_DATA_EDITOR_PAGE_ROWS);
	g_assert_true (ox_data_editor_has_more (ed));
	g_assert_nonnull (strstr (ox_data_editor_get_message (ed), "More rows load as you scroll"));
	scroll_to_the_end (ed);
	g_assert_cmpuint (ox_data_editor_get_n_rows (ed), ==, 2500);
	for (guint i = 0; i < 2500; i++) {  /* in key order, none twice, none missing */
		g_autofree char *want = g_strdup_printf ("%u", i + 1);
		g_assert_cmpstr (ox_data_editor_get_cell (ed, i, 0), ==, want);
	}
	g_assert_null (strstr (ox_data_editor_get_message (ed), "More rows"));

	/* a row of the third page edited and saved; as many rows read back */
	g_assert_true (ox_data_editor_set_cell (ed, 2399, 1, "edited far down"));
	ox_data_editor_save (ed);
	wait_until (editor_idle, ed, "the save");
	g_autofree char *far = query_text (conn, "SELECT v FROM big WHERE id = 2400");
	g_assert_cmpstr (far, ==, "edited far down\n");
	g_assert_cmpuint (ox_data_editor_get_n_rows (ed), ==, 2500);
	g_assert_cmpstr (ox_data_editor_get_cell (ed, 2399, 1), ==, "edited far down");

	/* a transaction a tab left open: Save stops at its BEGIN, says so,
	 * and commits nothing of the tab's; after the tab's ROLLBACK it works */
	set_text (page, "BEGIN;\nINSERT INTO big VALUES (9999, 'from the tab');\n", NULL);
	run (page, "editor.run-script");
	g_assert_true (ox_data_editor_set_cell (ed, 0, 1, "first"));
	ox_data_editor_save (ed);
	wait_until (editor_idle, ed, "the refused save");
	g_assert_nonnull (strstr (ox_data_editor_get_message (ed), "25001"));
	g_assert_cmpuint (ox_data_editor_get_n_changes (ed), ==, 1);
	set_text (page, "ROLLBACK;\n", NULL);
	run (page, "editor.run-statement");
	g_autofree char *untouched = query_text (conn, "SELECT v FROM big WHERE id IN (1, 9999) ORDER BY id");
	g_assert_cmpstr (untouched, ==, "v1\n");
	ox_data_editor_save (ed);
	wait_until (editor_idle, ed, "the save after the rollback");
	g_autofree char *saved = query_text (conn, "SELECT v FROM big WHERE id IN (1, 9999) ORDER BY id");
	g_assert_cmpstr (saved, ==, "first\n");
	gtk_window_destroy (GTK_WINDOW (ed));

	/* a two-column key pages by (a, b); a row added before the last page
	 * stays after the loaded rows */
	OxDataEditor *pe = ox_window_open_table_data (win, "public", "pairs");
	wait_until (editor_idle, pe, "the first page of pairs");
	guint added = ox_data_editor_add_row (pe);
	g_assert_cmpuint (added, ==, OX_DATA_EDITOR_PAGE_ROWS);
	g_assert_true (ox_data_editor_set_cell (pe, added, 0, "99"));
	g_assert_true (ox_data_editor_set_cell (pe, added, 1, "0"));
	scroll_to_the_end (pe);
	g_assert_cmpuint (ox_data_editor_get_n_rows (pe), ==, 2101);
	for (guint i = 0; i < 2100; i++) {
		g_autofree char *a = g_strdup_printf ("%u", i / 100), *b = g_strdup_printf ("%u", i % 100);
		g_assert_cmpstr (ox_data_editor_get_cell (pe, i, 0), ==, a);
		g_assert_cmpstr (ox_data_editor_get_cell (pe, i, 1), ==, b);
	}
	g_assert_cmpstr (ox_data_editor_get_cell (pe, 2100, 0), ==, "99");
	ox_data_editor_save (pe);
	wait_until (editor_idle, pe, "the new pair saved");
	g_autofree char *pairs = query_text (conn, "SELECT count(*), max(a) FROM pairs");
	g_assert_cmpstr (pairs, ==, "2101|99\n");
	gtk_window_destroy (GTK_WINDOW (pe));
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- preferences ------------------------------------------------------------------------------ */

static GtkWidget *
find_named (GtkWidget *root, const char *name)
{
	if (!g_strcmp0 (gtk_widget_get_name (root), name))
		return root;
	for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c)) {
		GtkWidget *w = find_named (c, name);
		if (w)
			return w;
	}
	return NULL;
}

/* The source view's font size in points (GTK gives CSS sizes in pixels, at 96 dpi). */
static double
view_font_points (OxEditorPage *page)
{
	PangoContext *pc = gtk_widget_get_pango_context (ox_editor_page_get_source_view (page));
	const PangoFontDescription *fd = pango_context_get_font_description (pc);
	double size = pango_font_description_get_size (fd) / (double) PANGO_SCALE;
	return pango_font_description_get_size_is_absolute (fd) ? size * 72.0 / 96.0 : size;
}

static gboolean
font_size_is (gpointer data)
{
	OxWindow *win = data;
	OxEditorPage *page = ox_window_get_current_page (win);
	return page && fabs (view_font_points (page) - 23.0) < 0.05;
}

static gboolean
results_height_is (gpointer data)
{
	OxEditorPage *page = ox_window_get_current_page (data);
	return page && ox_editor_page_get_results_height (page) == 333;
}

static void
test_preferences (void)
{
	OxPreferences *prefs = ox_preferences_get_default ();
	ox_preferences_load (prefs, store);
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_get_current_page (win);
	g_assert_cmpfloat (fabs (view_font_points (page) - 23.0), >, 0.05);

	/* the Preferences window opens (Ctrl+comma's action) and names its controls */
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "workstation.preferences", NULL));
	GtkWindow *pw = ox_preferences_window_new (GTK_WINDOW (win));
	gtk_window_present (pw);
	/* (libadwaita's own view switcher is exempt: only our controls are checked) */
	GtkWidget *fb = find_named (GTK_WIDGET (pw), "ox-font-button");
	g_assert_nonnull (fb);
	check_label (fb, "Editor font");
	gtk_window_destroy (pw);

	/* a new font applies to the open tab at once */
	ox_preferences_set_font (prefs, "Monospace 23");
	wait_until (font_size_is, win, "the open tab in 23 pt");
	/* a chosen scheme too */
	ox_preferences_set_style_scheme (prefs, "classic");
	GtkSourceBuffer *buf = GTK_SOURCE_BUFFER (ox_editor_page_get_buffer (page));
	g_assert_cmpstr (gtk_source_style_scheme_get_id (gtk_source_buffer_get_style_scheme (buf)), ==, "classic");
	ox_preferences_set_style_scheme (prefs, NULL);
	g_assert_cmpstr (gtk_source_style_scheme_get_id (gtk_source_buffer_get_style_scheme (buf)), ==, "Adwaita");

	/* the results pane's height is kept with the window's geometry */
	ox_editor_page_set_results_height (page, 333);
	wait_until (results_height_is, win, "a 333 px results pane");
	ox_window_save_state (win);
	gtk_window_destroy (GTK_WINDOW (win));

	/* a restart: the store closed and opened again, the preferences read from it */
	g_autofree char *path = g_build_filename (tmpdir, "config", "oxibase", "workstation.db", NULL);
	ox_preferences_load (prefs, NULL);
	ox_settings_store_close (store);
	g_autoptr (GError) error = NULL;
	store = ox_settings_store_open (path, &error);
	g_assert_no_error (error);
	ox_preferences_load (prefs, store);
	g_assert_cmpstr (ox_preferences_get_font (prefs), ==, "Monospace 23");
	win = open_demo_window ();
	wait_until (font_size_is, win, "the restored tab in 23 pt");
	wait_until (results_height_is, win, "the restored 333 px results pane");
	gtk_window_destroy (GTK_WINDOW (win));
	ox_preferences_set_font (prefs, NULL);
	ox_preferences_load (prefs, NULL);
}

int
main (int argc, char **argv)
{
	ui_test_init (&argc, &argv);
	g_test_add_func ("/ui/data/lazy-results", test_lazy_results);
	g_test_add_func ("/ui/data/editor", test_data_editor);
	g_test_add_func ("/ui/data/editor-pages", test_data_editor_pages);
	g_test_add_func ("/ui/data/preferences", test_preferences);
	int rc = g_test_run ();
	ui_test_finish ();
	return rc;
}

/*
 * test-workstation.c — the workstation's main window in a real display
 * (Xvfb under meson test): it opens on the demo database, the object
 * browser lists the demo's tables and follows CREATE TABLE, running a
 * query fills the grid (NULL shown as NULL) and the Messages tab, the
 * statement at the cursor is the one that runs, an error is underlined at
 * its position, a long statement can be cancelled, the open tabs come
 * back when the database is opened again, and a tab saved to a .sql file
 * shows its name, marks unsaved changes and asks before closing; find and
 * replace rewrites the buffer as asked; a result with NULL, a comma, a
 * quote and a line break exports to exact CSV and JSON and copies as
 * tab-separated text.
 *
 * Waits iterate the main context until a condition holds, with a
 * deadline; nothing sleeps.  XDG_CONFIG_HOME and XDG_DATA_HOME point into
 * a temporary directory, so the demo database and the settings file are
 * the test's own.
 */
#include "ui-test-util.h"
#include "ox-file-io.h"
#include "ox-export.h"
#include "ox-debug-gutter.h"
#include "ox-debug-panels.h"

#include <stdlib.h>
#include <string.h>

extern const char ox_cli_demo_sql[];


/* ---- tests ---------------------------------------------------------------------- */

static void
test_demo_window (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_get_current_page (win);
	g_assert_nonnull (page);

	/* the object browser: public → Tables → the demo's tables */
	GtkTreeListModel *tree = ox_object_browser_get_tree (ox_window_get_browser (win));
	g_autoptr (GtkTreeListRow) pub = wait_row (tree, NULL, "public");
	gtk_tree_list_row_set_expanded (pub, TRUE);
	g_autoptr (GtkTreeListRow) tables = wait_row (tree, pub, "Tables");
	g_autoptr (GtkTreeListRow) views = wait_row (tree, pub, "Views");
	gtk_tree_list_row_set_expanded (tables, TRUE);
	gtk_tree_list_row_set_expanded (views, TRUE);
	const char *names[] = { "customers", "products", "orders", "order_lines", "stock_moves" };
	for (guint i = 0; i < G_N_ELEMENTS (names); i++)
		g_object_unref (wait_row (tree, tables, names[i]));
	g_object_unref (wait_row (tree, views, "order_totals"));
	/* and a table's own folders, lazily */
	g_autoptr (GtkTreeListRow) orders = wait_row (tree, tables, "orders");
	gtk_tree_list_row_set_expanded (orders, TRUE);
	g_autoptr (GtkTreeListRow) cols = wait_row (tree, orders, "Columns");
	gtk_tree_list_row_set_expanded (cols, TRUE);
	g_object_unref (wait_row (tree, cols, "customer_id"));

	/* the filter hides tables that do not match, and brings them back */
	ox_object_browser_set_filter (ox_window_get_browser (win), "ORDER");
	FindData gone = { tree, tables, "customers", FALSE };
	wait_until (row_present, &gone, "customers filtered out");
	g_object_unref (wait_row (tree, tables, "order_lines"));
	ox_object_browser_set_filter (ox_window_get_browser (win), NULL);
	g_object_unref (wait_row (tree, tables, "customers"));

	/* a query fills the grid and the Messages tab; NULL is shown as NULL */
	set_text (page, "SELECT id, name, NULL::text AS nothing FROM customers ORDER BY id;\n", NULL);
	run (page, "editor.run-statement");
	GtkColumnView *grid = ox_editor_page_get_grid (page, 0);
	g_assert_nonnull (grid);
	GListModel *cols_model = gtk_column_view_get_columns (grid);
	g_assert_cmpuint (g_list_model_get_n_items (cols_model), ==, 3);
	g_autoptr (GtkColumnViewColumn) c1 = g_list_model_get_item (cols_model, 1);
	g_assert_cmpstr (gtk_column_view_column_get_title (c1), ==, "name\ncharacter varying(100)");
	guint nrows = g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (grid)));
	g_assert_cmpuint (nrows, >, 5);
	g_autofree char *msgs = ox_editor_page_get_messages_text (page);
	g_autofree char *want = g_strdup_printf ("SELECT %u  (%u rows,", nrows, nrows);
	g_assert_nonnull (strstr (msgs, want));
	LabelData ld = { GTK_WIDGET (grid), "Ada Lovelace", NULL };
	wait_until (label_shown, &ld, "a cell showing Ada Lovelace");
	ld = (LabelData) { GTK_WIDGET (grid), "NULL", "null-cell" };
	wait_until (label_shown, &ld, "a NULL cell");
	screenshot (win, "workstation-query");

	/* Ctrl+Enter's statement is the one under the cursor */
	set_text (page, "SELECT 1 AS first;\nSELECT 2 AS second;\nSELECT 3 AS third;\n", "SELECT 2");
	run (page, "editor.run-statement");
	grid = ox_editor_page_get_grid (page, 0);
	g_autoptr (GtkColumnViewColumn) only = g_list_model_get_item (gtk_column_view_get_columns (grid), 0);
	g_assert_true (g_str_has_prefix (gtk_column_view_column_get_title (only), "second\n"));
	g_assert_null (ox_editor_page_get_grid (page, 1));

	/* Ctrl+E: the plan of the statement at the cursor (its Plan tab: test-plan.c) */
	run (page, "editor.explain");
	g_assert_nonnull (ox_editor_page_get_plan_view (page));
	g_autofree char *xmsgs = ox_editor_page_get_messages_text (page);
	g_assert_nonnull (strstr (xmsgs, "EXPLAIN"));

	/* the script: one grid per result set */
	run (page, "editor.run-script");
	g_assert_nonnull (ox_editor_page_get_grid (page, 2));

	/* an error is underlined where it happened, and told in Messages */
	const char *bad = "SELECT 1;\nSELECT * FROM nosuch;\n";
	set_text (page, bad, NULL);
	run (page, "editor.run-script");
	g_autofree char *emsgs = ox_editor_page_get_messages_text (page);
	g_assert_nonnull (strstr (emsgs, "ERROR:  42P01: relation \"nosuch\" does not exist"));
	GtkTextBuffer *buf = ox_editor_page_get_buffer (page);
	GtkTextTag *tag = ox_editor_page_get_error_tag (page);
	GtkTextIter it;
	gtk_text_buffer_get_iter_at_offset (buf, &it, strstr (bad, "nosuch") - bad);
	g_assert_true (gtk_text_iter_has_tag (&it, tag));
	gtk_text_buffer_get_iter_at_offset (buf, &it, strstr (bad, "nosuch") - bad + 5);
	g_assert_true (gtk_text_iter_has_tag (&it, tag));
	gtk_text_buffer_get_iter_at_offset (buf, &it, 0);
	g_assert_false (gtk_text_iter_has_tag (&it, tag));
	gtk_text_buffer_get_iter_at_offset (buf, &it, strstr (bad, "FROM") - bad);
	g_assert_false (gtk_text_iter_has_tag (&it, tag));
	GtkNotebook *results = GTK_NOTEBOOK (ox_editor_page_get_results (page));
	g_assert_cmpint (gtk_notebook_get_current_page (results), ==, gtk_notebook_get_n_pages (results) - 1);
	screenshot (win, "workstation-error");

	/* the same error run as the statement at the cursor: the position is
	 * relative to that statement, the underline still lands on nosuch */
	set_text (page, bad, "SELECT *");
	run (page, "editor.run-statement");
	gtk_text_buffer_get_iter_at_offset (buf, &it, strstr (bad, "nosuch") - bad + 2);
	g_assert_true (gtk_text_iter_has_tag (&it, tag));

	/* DDL from the editor shows in the browser */
	set_text (page, "CREATE TABLE aa_from_editor (x int);", NULL);
	run (page, "editor.run-statement");
	g_object_unref (wait_row (tree, tables, "aa_from_editor"));

	/* the history remembers what ran, failures with their SQLSTATE */
	g_autoptr (GPtrArray) hist = ox_settings_store_search_history (store, NULL, "nosuch", 0);
	g_assert_cmpuint (hist->len, ==, 2);
	g_assert_cmpstr (((OxHistoryEntry *) hist->pdata[0])->sqlstate, ==, "42P01");

	/* the history popover finds them too, and puts one back in the editor */
	ox_window_show_history (win, "nosuch");
	GtkListBox *hl = ox_window_get_history_list (win);
	guint nhist = 0;
	for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (hl)); c; c = gtk_widget_get_next_sibling (c))
		nhist += GTK_IS_LIST_BOX_ROW (c);
	g_assert_cmpuint (nhist, ==, 2);
	gtk_text_buffer_set_text (buf, "", 0);
	g_signal_emit_by_name (hl, "row-activated", gtk_list_box_get_row_at_index (hl, 0));
	GtkTextIter hs, he;
	gtk_text_buffer_get_bounds (buf, &hs, &he);
	g_autofree char *htext = gtk_text_buffer_get_text (buf, &hs, &he, TRUE);
	g_assert_cmpstr (htext, ==, "SELECT * FROM nosuch;");

	/* the main areas carry the names automation looks for */
	check_label (GTK_WIDGET (ox_window_get_browser (win)), "Object Browser");
	check_label (ox_editor_page_get_source_view (page), "SQL Editor");
	check_label (GTK_WIDGET (results), "Results");
	GtkWidget *msg_scroller = gtk_notebook_get_nth_page (results, gtk_notebook_get_n_pages (results) - 1);
	check_label (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (msg_scroller)), "Messages");
	check_buttons_named (GTK_WIDGET (win));

	gtk_window_destroy (GTK_WINDOW (win));
}

static gboolean
cancel_soon_cb (gpointer data)
{
	gtk_widget_activate_action (GTK_WIDGET (data), "workstation.cancel", NULL);
	return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_new_tab (win, "long", "DO $$ DECLARE i bigint := 0; BEGIN "
	                                                      "WHILE i < 10000000000 LOOP i := i + 1; END LOOP; END $$;");
	gtk_widget_activate_action (GTK_WIDGET (page), "editor.run-script", NULL);
	g_assert_true (ox_editor_page_is_running (page));
	g_timeout_add (300, cancel_soon_cb, win);
	wait_until (page_idle, page, "the cancelled statement");
	g_autofree char *msgs = ox_editor_page_get_messages_text (page);
	g_assert_nonnull (strstr (msgs, "57014"));
	gtk_window_destroy (GTK_WINDOW (win));

	/* closing the window while a statement runs stops it and frees all */
	win = open_demo_window ();
	page = ox_window_new_tab (win, "long", "DO $$ DECLARE i bigint := 0; BEGIN "
	                                       "WHILE i < 10000000000 LOOP i := i + 1; END LOOP; END $$;");
	gtk_widget_activate_action (GTK_WIDGET (page), "editor.run-script", NULL);
	g_assert_true (ox_editor_page_is_running (page));
	gint64 t0 = g_get_monotonic_time ();
	gtk_window_destroy (GTK_WINDOW (win));
	/* what the workers posted before they stopped still arrives */
	while (g_main_context_iteration (NULL, FALSE))
		;
	g_assert_cmpint (g_get_monotonic_time () - t0, <, 10 * G_TIME_SPAN_SECOND);
}


/* ---- the debugger ------------------------------------------------------------------ */

static const char debug_script[] =
	"CREATE TABLE IF NOT EXISTS dbg_log (total int);\n"                      /* 1 */
	"CREATE OR REPLACE PROCEDURE dbg_tally(n int) LANGUAGE plsql AS $$\n"    /* 2 */
	"DECLARE\n"                                                              /* 3 */
	"  s int := 0;\n"                                                        /* 4 */
	"  k int := 0;\n"                                                        /* 5 */
	"BEGIN\n"                                                                /* 6 */
	"  FOR i IN 1..n LOOP\n"                                                 /* 7 */
	"    s := s + i;\n"                                                      /* 8 */
	"    k := k + 1;\n"                                                      /* 9 */
	"  END LOOP;\n"                                                          /* 10 */
	"  INSERT INTO dbg_log VALUES (s);\n"                                    /* 11 */
	"END $$;\n"                                                              /* 12 */
	"CALL dbg_tally(4);\n"                                                   /* 13 */
	"SELECT total FROM dbg_log;\n";                                          /* 14 */

typedef struct {
	OxDebugArea *area;
	int          line;
} LineWait;

static gboolean
at_line (gpointer data)
{
	LineWait *w = data;
	return ox_debug_area_get_current_line (w->area, NULL) == w->line;
}

static gboolean
session_state_is (gpointer data)
{
	LineWait *w = data;
	return ox_debug_session_get_state (ox_debug_area_get_session (w->area)) == (OxDebugState) w->line;
}

typedef struct {
	GtkWidget  *panel;
	char     *(*get_text) (GtkWidget *panel);
	const char *needle;
} TextWait;

static gboolean
panel_shows (gpointer data)
{
	TextWait *w = data;
	g_autofree char *t = w->get_text (w->panel);
	return strstr (t, w->needle) != NULL;
}

static char *
messages_of (GtkWidget *page)
{
	return ox_editor_page_get_messages_text (OX_EDITOR_PAGE (page));
}

static void
wait_text (GtkWidget *panel, char *(*get_text) (GtkWidget *), const char *needle)
{
	TextWait w = { panel, get_text, needle };
	wait_until (panel_shows, &w, needle);
}

static gboolean
has_mark (GtkWidget *view, int line, const char *category)
{
	GtkSourceBuffer *buf = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
	GSList *marks = gtk_source_buffer_get_source_marks_at_line (buf, line - 1, category);
	gboolean found = marks != NULL;
	g_slist_free (marks);
	return found;
}

/* A breakpoint set in the gutter is hit when Debug runs the script's
 * CALL; the Variables panel shows the procedure's locals, Step Over moves
 * the highlighted line, the Watch and the Debug Console evaluate in the
 * paused frame, Continue runs to the end and the result shows. */
static void
test_debugger (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_new_tab (win, "debug", debug_script);
	GtkWidget *view = ox_editor_page_get_source_view (page);
	OxDebugArea *area = ox_window_get_debugger (win);
	OxDebugSession *session = ox_debug_area_get_session (area);

	/* a click in the gutter's line marks: same code path */
	ox_debug_gutter_toggle (GTK_SOURCE_VIEW (view), 8);
	g_assert_true (has_mark (view, 8, OX_MARK_BREAKPOINT));
	g_assert_cmpuint (g_list_model_get_n_items (ox_debug_session_get_breakpoints (session)), ==, 1);
	/* toggling twice removes it, from the gutter and the list */
	ox_debug_gutter_toggle (GTK_SOURCE_VIEW (view), 5);
	ox_debug_gutter_toggle (GTK_SOURCE_VIEW (view), 5);
	g_assert_false (has_mark (view, 5, OX_MARK_BREAKPOINT));
	g_assert_cmpuint (g_list_model_get_n_items (ox_debug_session_get_breakpoints (session)), ==, 1);

	/* the popover (a right click): stop only when i = 3 */
	GtkPopover *pop = ox_debug_gutter_edit (GTK_SOURCE_VIEW (view), 8);
	GtkWidget *grid = gtk_popover_get_child (pop);
	GtkWidget *cond = gtk_grid_get_child_at (GTK_GRID (grid), 1, 0);
	check_label (cond, "Condition");
	gtk_editable_set_text (GTK_EDITABLE (cond), "i = 3");
	g_signal_emit_by_name (gtk_grid_get_child_at (GTK_GRID (grid), 1, 3), "clicked");
	OxDebugBp *bp = ox_debug_session_find_breakpoint (session, ox_editor_page_get_buffer (page), 8);
	g_assert_cmpstr (ox_debug_bp_get_condition (bp), ==, "i = 3");

	/* F5: the stop (Stop and F5 again come last: the stopped round's
	 * 57014 in Messages stays out of the screenshot) */
	LineWait lw = { area, 8 };
	GtkWidget *vars = ox_debug_area_get_panel (area, "Variables");
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
	g_assert_true (gtk_widget_get_visible (GTK_WIDGET (area)));
	wait_until (at_line, &lw, "the stop at the breakpoint on line 8");
	wait_text (vars, ox_debug_variables_get_text, "i = 3");
	wait_text (vars, ox_debug_variables_get_text, "s = 3");
	wait_text (vars, ox_debug_variables_get_text, "n = 4");
	OxEditorPage *where = NULL;
	ox_debug_area_get_current_line (area, &where);
	g_assert_true (where == page);
	g_assert_true (has_mark (view, 8, OX_MARK_CURRENT_BREAKPOINT));  /* one mark per line */
	g_assert_false (has_mark (view, 8, OX_MARK_BREAKPOINT));
	GtkWidget *stack = ox_debug_area_get_panel (area, "Call Stack");
	GtkWidget *stack_list = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (stack));
	if (GTK_IS_VIEWPORT (stack_list))
		stack_list = gtk_viewport_get_child (GTK_VIEWPORT (stack_list));
	g_assert_nonnull (gtk_list_box_get_row_at_index (GTK_LIST_BOX (stack_list), 1));  /* the CALL below */

	/* F10 */
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.step-over", NULL);
	lw.line = 9;
	wait_until (at_line, &lw, "Step Over to line 9");
	g_assert_true (has_mark (view, 9, OX_MARK_CURRENT_LINE));
	g_assert_true (has_mark (view, 8, OX_MARK_BREAKPOINT));
	wait_text (vars, ox_debug_variables_get_text, "s = 6");
	screenshot (win, "workstation-debugger");

	/* Watch and Debug Console in the paused frame */
	GtkWidget *watch = ox_debug_area_get_panel (area, "Watch");
	ox_debug_watch_add (watch, "s + k + 100");
	wait_text (watch, ox_debug_watch_get_text, "s + k + 100 = 108");
	GtkWidget *console = ox_debug_area_get_panel (area, "Debug Console");
	ox_debug_console_evaluate (console, "n * 10");
	wait_text (console, ox_debug_console_get_text, "40");

	/* Continue: i = 4 does not stop; the script ends */
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
	lw.line = OX_DEBUG_IDLE;
	wait_until (session_state_is, &lw, "the end of the debug session");
	wait_text (GTK_WIDGET (page), messages_of, " total \n-------\n    10\n(1 row)");
	g_assert_cmpint (ox_debug_area_get_current_line (area, NULL), ==, 0);

	/* F5, Stop while paused, and F5 again: a fresh session */
	for (int round = 0; round < 2; round++) {
		gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
		lw.line = 8;
		wait_until (at_line, &lw, "the stop at the breakpoint on line 8");
		wait_text (vars, ox_debug_variables_get_text, "i = 3");
		wait_text (vars, ox_debug_variables_get_text, "s = 3");
		if (round == 0)
			gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug-stop", NULL);
		else
			gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);  /* Continue */
		lw.line = OX_DEBUG_IDLE;
		wait_until (session_state_is, &lw, round == 0 ? "the stopped session" : "the end of the last session");
		g_assert_cmpint (ox_debug_area_get_current_line (area, NULL), ==, 0);
	}
	/* the stopped round never reached its INSERT: two rows, not three */
	wait_text (GTK_WIDGET (page), messages_of, "    10\n    10\n(2 rows)");
	ox_debug_gutter_toggle (GTK_SOURCE_VIEW (view), 8);
	g_assert_cmpuint (g_list_model_get_n_items (ox_debug_session_get_breakpoints (session)), ==, 0);
	g_assert_false (has_mark (view, 8, OX_MARK_BREAKPOINT));

	/* the panels carry their names */
	check_label (stack_list, "Call Stack");
	check_label (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (vars)), "Variables");
	check_buttons_named (GTK_WIDGET (area));
	gtk_window_destroy (GTK_WINDOW (win));
}

static gboolean
in_other_tab (gpointer data)
{
	LineWait *w = data;
	OxEditorPage *where = NULL;
	int line = ox_debug_area_get_current_line (w->area, &where);
	return line > 0 && where && GTK_WIDGET (where) != g_object_get_data (G_OBJECT (w->area), "test-page");
}

static gboolean
in_script_tab (gpointer data)
{
	LineWait *w = data;
	OxEditorPage *where = NULL;
	int line = ox_debug_area_get_current_line (w->area, &where);
	return line > 0 && GTK_WIDGET (where) == g_object_get_data (G_OBJECT (w->area), "test-page");
}

static char *
line_text (OxEditorPage *page, int line)
{
	GtkTextBuffer *b = ox_editor_page_get_buffer (page);
	GtkTextIter s, e;
	gtk_text_buffer_get_iter_at_line (b, &s, line - 1);
	e = s;
	gtk_text_iter_forward_to_line_end (&e);
	return gtk_text_buffer_get_text (b, &s, &e, FALSE);
}

/* Step Into a function created outside the debugger: its source comes by
 * sourceReference into a read-only tab, where the current line is shown. */
static void
test_debugger_routine_source (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *def = ox_window_new_tab (win, "def", "CREATE OR REPLACE FUNCTION dbg_double(x int) RETURNS int\n"
	                                                   "LANGUAGE plsql AS $$\nBEGIN\n  RETURN x * 2;\nEND $$;");
	ox_editor_page_run_script (def);
	wait_until (page_idle, def, "CREATE FUNCTION");
	OxEditorPage *page = ox_window_new_tab (win, "call", "SELECT 1 AS one;\nSELECT dbg_double(21) AS d;\nSELECT 3 AS three;\n");
	GtkWidget *view = ox_editor_page_get_source_view (page);
	OxDebugArea *area = ox_window_get_debugger (win);
	ox_debug_gutter_toggle (GTK_SOURCE_VIEW (view), 2);
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
	LineWait lw = { area, 2 };
	wait_until (at_line, &lw, "the stop on line 2");
	g_object_set_data (G_OBJECT (area), "test-page", page);
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.step-into", NULL);
	wait_until (in_other_tab, &lw, "a step into dbg_double, shown in a tab of its own");
	OxEditorPage *where = NULL;
	int line = ox_debug_area_get_current_line (area, &where);
	g_autofree char *text = line_text (where, line);
	/* the function's frame starts on its block */
	g_assert_nonnull (strstr (text, "BEGIN"));
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.step-over", NULL);
	LineWait next = { area, line + 1 };
	wait_until (at_line, &next, "Step Over inside dbg_double");
	g_autofree char *text2 = line_text (where, line + 1);
	g_assert_nonnull (strstr (text2, "RETURN x * 2"));
	g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (ox_editor_page_get_source_view (where))));
	/* Step Out comes back to the script's tab (the statement after the
	 * call: the SELECT has no step of its own left) */
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.step-out", NULL);
	wait_until (in_script_tab, &lw, "Step Out back to the script");
	g_assert_cmpint (ox_debug_area_get_current_line (area, NULL), >=, 2);
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
	lw.line = OX_DEBUG_IDLE;
	wait_until (session_state_is, &lw, "the end of the debug session");
	wait_text (GTK_WIDGET (page), messages_of, " d  \n----\n 42\n");
	g_object_set_data (G_OBJECT (area), "test-page", NULL);
	gtk_window_destroy (GTK_WINDOW (win));
}

static void
test_tabs_survive (void)
{
	OxWindow *win = open_demo_window ();
	/* tabs restored from the earlier tests come first: start clean */
	OxEditorPage *page = ox_window_new_tab (win, "kept", "SELECT 'kept across restarts';");
	(void) page;
	ox_window_save_state (win);
	gtk_window_destroy (GTK_WINDOW (win));

	win = open_demo_window ();
	AdwTabView *view = NULL;
	/* find the restored tab by its text */
	gboolean found = FALSE;
	OxEditorPage *cur = ox_window_get_current_page (win);
	GtkWidget *tv = gtk_widget_get_ancestor (GTK_WIDGET (cur), ADW_TYPE_TAB_VIEW);
	view = ADW_TAB_VIEW (tv);
	for (int i = 0; i < adw_tab_view_get_n_pages (view); i++) {
		AdwTabPage *tp = adw_tab_view_get_nth_page (view, i);
		GtkTextBuffer *b = ox_editor_page_get_buffer (OX_EDITOR_PAGE (adw_tab_page_get_child (tp)));
		GtkTextIter s, e;
		gtk_text_buffer_get_bounds (b, &s, &e);
		g_autofree char *t = gtk_text_buffer_get_text (b, &s, &e, TRUE);
		if (!strcmp (t, "SELECT 'kept across restarts';") && !strcmp (adw_tab_page_get_title (tp), "kept"))
			found = TRUE;
	}
	g_assert_true (found);
	/* and the demo is a recent database */
	g_autoptr (GPtrArray) recent = ox_settings_store_list_recent (store, 0);
	g_assert_cmpuint (recent->len, >=, 1);
	g_assert_cmpstr (((OxRecentConnection *) recent->pdata[0])->kind, ==, "demo");
	gtk_window_destroy (GTK_WINDOW (win));

	/* a new window starts on the start page, the demo among its recent
	 * databases (the README's picture of it) */
	win = ox_window_new (NULL, store, ox_cli_demo_sql);
	gtk_window_present (GTK_WINDOW (win));
	g_assert_null (ox_window_get_connection (win));
	LabelData recent_row = { GTK_WIDGET (win), ((OxRecentConnection *) recent->pdata[0])->title, NULL };
	wait_until (label_shown, &recent_row, "the demo in the recent list");
	screenshot (win, "workstation-start");
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- .sql files (ox-file-io.c, ox-window-files.c) ---------------------------------- */

static void
async_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	(void) source;
	*(GAsyncResult **) data = g_object_ref (result);
}

static gboolean
have_result (gpointer data)
{
	return *(GAsyncResult **) data != NULL;
}

static void
save_page_to (OxEditorPage *page, GFile *file)
{
	GAsyncResult *res = NULL;
	ox_file_io_save_async (page, file, NULL, async_done_cb, &res);
	wait_until (have_result, &res, "the save");
	g_autoptr (GError) error = NULL;
	g_assert_true (ox_file_io_save_finish (page, res, &error));
	g_assert_no_error (error);
	g_object_unref (res);
}

static void
append_text (OxEditorPage *page, const char *text)
{
	GtkTextIter end;
	gtk_text_buffer_get_end_iter (ox_editor_page_get_buffer (page), &end);
	gtk_text_buffer_insert (ox_editor_page_get_buffer (page), &end, text, -1);
}

typedef struct {
	AdwTabView *view;
	GFile      *file;
} TabForFile;

static AdwTabPage *
tab_for_file (AdwTabView *view, GFile *file)
{
	for (int i = 0; i < adw_tab_view_get_n_pages (view); i++) {
		AdwTabPage *tp = adw_tab_view_get_nth_page (view, i);
		GFile *f = ox_file_io_get_file (OX_EDITOR_PAGE (adw_tab_page_get_child (tp)));
		if (f && g_file_equal (f, file))
			return tp;
	}
	return NULL;
}

static gboolean
tab_for_file_present (gpointer data)
{
	TabForFile *t = data;
	return tab_for_file (t->view, t->file) != NULL;
}

/* What a response button does: the response, then the dialog closes
 * (adw_message_dialog_response alone only emits the signal). */
static void
respond (AdwMessageDialog *d, const char *response)
{
	adw_message_dialog_response (d, response);
	gtk_window_close (GTK_WINDOW (d));
}

static gboolean
no_message_dialog (gpointer data)
{
	(void) data;
	return find_message_dialog (NULL, NULL) == NULL;
}

static void
test_files (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_new_tab (win, "script", "SELECT 1;\n");
	AdwTabView *view = ADW_TAB_VIEW (gtk_widget_get_ancestor (GTK_WIDGET (page), ADW_TYPE_TAB_VIEW));
	AdwTabPage *tp = adw_tab_view_get_page (view, GTK_WIDGET (page));
	/* a tab without a file is never modified (the settings store keeps it) */
	append_text (page, "-- more\n");
	g_assert_false (ox_file_io_is_modified (page));
	g_assert_cmpstr (adw_tab_page_get_title (tp), ==, "script");

	/* saved: the title is the file's name, no marker, the file holds the text */
	g_autofree char *path = g_build_filename (tmpdir, "saved query.sql", NULL);
	g_autoptr (GFile) file = g_file_new_for_path (path);
	save_page_to (page, file);
	g_assert_cmpstr (adw_tab_page_get_title (tp), ==, "saved query.sql");
	g_assert_false (ox_file_io_is_modified (page));
	g_autofree char *contents = NULL;
	g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
	g_assert_cmpstr (contents, ==, "SELECT 1;\n-- more\n");

	/* an edit marks it, undoing the edit by hand unmarks it */
	append_text (page, "SELECT 2;\n");
	g_assert_true (ox_file_io_is_modified (page));
	g_assert_cmpstr (adw_tab_page_get_title (tp), ==, "saved query.sql •");
	GtkTextBuffer *buf = ox_editor_page_get_buffer (page);
	GtkTextIter s, e;
	gtk_text_buffer_get_end_iter (buf, &e);
	s = e;
	gtk_text_iter_backward_chars (&s, 10);
	gtk_text_buffer_delete (buf, &s, &e);
	g_assert_false (ox_file_io_is_modified (page));
	g_assert_cmpstr (adw_tab_page_get_title (tp), ==, "saved query.sql");

	/* edit and save again: the marker goes, the file follows */
	append_text (page, "SELECT 'é';\n");
	g_assert_cmpstr (adw_tab_page_get_title (tp), ==, "saved query.sql •");
	save_page_to (page, file);
	g_assert_cmpstr (adw_tab_page_get_title (tp), ==, "saved query.sql");
	g_clear_pointer (&contents, g_free);
	g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
	g_assert_cmpstr (contents, ==, "SELECT 1;\n-- more\nSELECT 'é';\n");

	/* closing the tab first, then opening the file: a new tab with its text */
	adw_tab_view_close_page (view, tp);
	g_assert_null (tab_for_file (view, file));
	ox_window_files_open_file (win, file);
	TabForFile t = { view, file };
	wait_until (tab_for_file_present, &t, "the opened file's tab");
	tp = tab_for_file (view, file);
	page = OX_EDITOR_PAGE (adw_tab_page_get_child (tp));
	g_assert_cmpstr (adw_tab_page_get_title (tp), ==, "saved query.sql");
	g_assert_false (ox_file_io_is_modified (page));
	buf = ox_editor_page_get_buffer (page);
	gtk_text_buffer_get_bounds (buf, &s, &e);
	g_autofree char *text = gtk_text_buffer_get_text (buf, &s, &e, TRUE);
	g_assert_cmpstr (text, ==, contents);

	/* closing a modified tab asks: Cancel keeps it, Discard closes it */
	append_text (page, "DROP TABLE x;\n");
	adw_tab_view_close_page (view, tp);
	AdwMessageDialog *d = find_message_dialog (NULL, NULL);
	g_assert_nonnull (d);
	respond (d, "cancel");
	g_assert_true (tab_for_file (view, file) == tp);
	/* the window's close asks too and stays open on Cancel */
	wait_until (no_message_dialog, NULL, "the dialog to go");
	gtk_window_close (GTK_WINDOW (win));
	d = find_message_dialog (NULL, NULL);
	g_assert_nonnull (d);
	respond (d, "cancel");
	g_assert_true (gtk_widget_get_visible (GTK_WIDGET (win)));
	wait_until (no_message_dialog, NULL, "the dialog to go");
	adw_tab_view_close_page (view, tp);
	d = find_message_dialog (NULL, NULL);
	g_assert_nonnull (d);
	respond (d, "discard");
	g_assert_null (tab_for_file (view, file));
	/* Discard did not write the file */
	g_clear_pointer (&contents, g_free);
	g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
	g_assert_cmpstr (contents, ==, "SELECT 1;\n-- more\nSELECT 'é';\n");

	/* a file that is not UTF-8 text is refused with a reason */
	g_autofree char *bad = g_build_filename (tmpdir, "binary.sql", NULL);
	g_assert_true (g_file_set_contents (bad, "SELECT \xff;", -1, NULL));
	g_autoptr (GFile) bad_file = g_file_new_for_path (bad);
	GAsyncResult *res = NULL;
	ox_file_io_read_async (bad_file, NULL, async_done_cb, &res);
	wait_until (have_result, &res, "the read");
	g_autoptr (GError) error = NULL;
	g_autofree char *none = ox_file_io_read_finish (res, &error);
	g_assert_null (none);
	g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
	g_assert_nonnull (strstr (error->message, "not a UTF-8 text file"));
	g_object_unref (res);
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- find and replace (ox-search-bar.c) ------------------------------------------------ */

static char *
page_text (OxEditorPage *page)
{
	GtkTextIter s, e;
	gtk_text_buffer_get_bounds (ox_editor_page_get_buffer (page), &s, &e);
	return gtk_text_buffer_get_text (ox_editor_page_get_buffer (page), &s, &e, TRUE);
}

static void
test_find_replace (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_new_tab (win, "find", "SELECT id, ID FROM t WHERE id = 'Id';\n");
	OxSearchBar *bar = ox_editor_page_get_search_bar (page);
	g_assert_false (gtk_widget_get_visible (GTK_WIDGET (bar)));
	/* Ctrl+F is the page's editor.find action */
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "editor.find", NULL));
	g_assert_true (gtk_widget_get_visible (GTK_WIDGET (bar)));

	/* match case: only the lower-case "id"s; next selects the first one */
	ox_search_bar_set_search (bar, "id", TRUE);
	GtkTextBuffer *buf = ox_editor_page_get_buffer (page);
	GtkTextIter start;
	gtk_text_buffer_get_start_iter (buf, &start);
	gtk_text_buffer_place_cursor (buf, &start);
	g_assert_true (ox_search_bar_next (bar, FALSE));
	GtkTextIter s, e;
	g_assert_true (gtk_text_buffer_get_selection_bounds (buf, &s, &e));
	g_assert_cmpint (gtk_text_iter_get_offset (&s), ==, 7);
	g_assert_cmpint (gtk_text_iter_get_offset (&e), ==, 9);
	/* replace one: the selected match, then the next one is selected */
	ox_search_bar_set_replacement (bar, "key");
	g_assert_true (ox_search_bar_replace (bar));
	g_autofree char *t1 = page_text (page);
	g_assert_cmpstr (t1, ==, "SELECT key, ID FROM t WHERE id = 'Id';\n");
	g_assert_true (gtk_text_buffer_get_selection_bounds (buf, &s, &e));
	g_assert_cmpint (gtk_text_iter_get_offset (&s), ==, 28);
	/* replace all, case-sensitive: only "id" */
	ox_search_bar_set_replacement (bar, "n");
	g_assert_cmpuint (ox_search_bar_replace_all (bar), ==, 1);
	g_autofree char *t2 = page_text (page);
	g_assert_cmpstr (t2, ==, "SELECT key, ID FROM t WHERE n = 'Id';\n");
	/* without match case: "ID" and "Id" too, and the replacement may contain the search text */
	ox_search_bar_set_search (bar, "id", FALSE);
	ox_search_bar_set_replacement (bar, "\"id\"");
	g_assert_cmpuint (ox_search_bar_replace_all (bar), ==, 2);
	g_autofree char *t3 = page_text (page);
	g_assert_cmpstr (t3, ==, "SELECT key, \"id\" FROM t WHERE n = '\"id\"';\n");
	/* one Undo takes replace-all back */
	gtk_text_buffer_undo (buf);
	g_autofree char *t4 = page_text (page);
	g_assert_cmpstr (t4, ==, t2);
	/* no match: nothing selected, nothing replaced */
	ox_search_bar_set_search (bar, "nowhere", FALSE);
	g_assert_false (ox_search_bar_next (bar, FALSE));
	g_assert_cmpuint (ox_search_bar_replace_all (bar), ==, 0);
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- copy and export (ox-export.c) ------------------------------------------------------ */

static char *
export_to_file (const char *name, const char *text)
{
	g_autofree char *path = g_build_filename (tmpdir, name, NULL);
	g_autoptr (GFile) file = g_file_new_for_path (path);
	GAsyncResult *res = NULL;
	ox_export_write_async (file, text, NULL, async_done_cb, &res);
	wait_until (have_result, &res, "the export");
	g_autoptr (GError) error = NULL;
	g_assert_true (ox_export_write_finish (file, res, &error));
	g_assert_no_error (error);
	g_object_unref (res);
	char *contents = NULL;
	gsize len = 0;
	g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
	g_assert_cmpuint (len, ==, strlen (text));
	return contents;
}

static gboolean
file_holds (gpointer data)
{
	const char **want = data;
	g_autofree char *contents = NULL;
	return g_file_get_contents (want[0], &contents, NULL, NULL) && !strcmp (contents, want[1]);
}

static void
test_export (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_new_tab (win, "export",
		"SELECT 1 AS id, NULL AS \"null\", 'a,b' AS comma, 'say \"hi\"' AS quote,\n"
		"  'two\nlines' AS nl, '' AS empty, 2.50::numeric(10,2) AS price, 'NaN'::double precision AS nan\n"
		"UNION ALL\n"
		"SELECT -7, 'x', 'plain', '\\', 'tab\there', 'é', NULL, 1e300;\n");
	ox_editor_page_run_script (page);
	wait_until (page_idle, page, "the query");
	GtkColumnView *grid = ox_editor_page_get_grid (page, 0);
	g_assert_nonnull (grid);
	OxExportSource src;
	g_assert_true (ox_export_source_from_grid (grid, &src));
	g_assert_cmpuint (src.n_columns, ==, 8);
	g_assert_cmpuint (g_list_model_get_n_items (src.rows), ==, 2);

	g_autofree char *csv_text = ox_export_csv (&src);
	g_autofree char *csv = export_to_file ("result.csv", csv_text);
	g_assert_cmpstr (csv, ==,
		"id,null,comma,quote,nl,empty,price,nan\r\n"
		"1,,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"\",2.50,NaN\r\n"
		"-7,x,plain,\\,tab\there,é,,1e+300\r\n");

	g_autofree char *json_text = ox_export_json (&src);
	g_autofree char *json = export_to_file ("result.json", json_text);
	g_assert_cmpstr (json, ==,
		"[\n"
		"  {\"id\": 1, \"null\": null, \"comma\": \"a,b\", \"quote\": \"say \\\"hi\\\"\", "
		"\"nl\": \"two\\nlines\", \"empty\": \"\", \"price\": 2.50, \"nan\": \"NaN\"},\n"
		"  {\"id\": -7, \"null\": \"x\", \"comma\": \"plain\", \"quote\": \"\\\\\", "
		"\"nl\": \"tab\\there\", \"empty\": \"é\", \"price\": null, \"nan\": 1e+300}\n"
		"]\n");

	/* copy: the selected rows, tab-separated, NULL empty, tabs and line breaks as spaces */
	guint second = 1;
	g_autofree char *tsv = ox_export_tsv (&src, &second, 1);
	g_assert_cmpstr (tsv, ==, "-7\tx\tplain\t\\\ttab here\té\t\t1e+300\n");
	g_autofree char *all = ox_export_tsv (&src, NULL, 0);
	g_assert_cmpstr (all, ==, "1\t\ta,b\tsay \"hi\"\ttwo lines\t\t2.50\tNaN\n"
	                          "-7\tx\tplain\t\\\ttab here\té\t\t1e+300\n");

	/* the Copy action (Ctrl+C in the grid): the selected row on the clipboard */
	gtk_selection_model_select_item (gtk_column_view_get_model (grid), 1, TRUE);
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "editor.copy-rows", NULL));
	GAsyncResult *res = NULL;
	GdkClipboard *clip = gtk_widget_get_clipboard (GTK_WIDGET (grid));
	gdk_clipboard_read_text_async (clip, NULL, async_done_cb, &res);
	wait_until (have_result, &res, "the clipboard");
	g_autofree char *copied = gdk_clipboard_read_text_finish (clip, res, NULL);
	g_object_unref (res);
	g_assert_cmpstr (copied, ==, tsv);

	/* the Export action after its file chooser: the same bytes in the file */
	g_autofree char *path = g_build_filename (tmpdir, "action.csv", NULL);
	g_autoptr (GFile) file = g_file_new_for_path (path);
	ox_export_to_file (grid, file, FALSE);
	/* a new file is written in place: wait for all of it (the deadline fails the test) */
	const char *want[2] = { path, csv_text };
	wait_until (file_holds, want, "the exported file");
	gtk_window_destroy (GTK_WINDOW (win));
}

/* The shortcuts window GtkApplication shows for Ctrl+? parses, and lists
 * the editor's keys. */
static void
test_help_overlay (void)
{
	g_autoptr (GtkBuilder) b = gtk_builder_new_from_resource ("/org/oxibase/Workstation/gtk/help-overlay.ui");
	GObject *w = gtk_builder_get_object (b, "help_overlay");
	g_assert_true (GTK_IS_SHORTCUTS_WINDOW (w));
	g_autoptr (GBytes) ui = g_resources_lookup_data ("/org/oxibase/Workstation/gtk/help-overlay.ui", 0, NULL);
	g_assert_nonnull (g_strstr_len (g_bytes_get_data (ui, NULL), g_bytes_get_size (ui), "&lt;Control&gt;Return"));
	g_assert_nonnull (g_strstr_len (g_bytes_get_data (ui, NULL), g_bytes_get_size (ui), "&lt;Control&gt;&lt;Shift&gt;s"));
	g_assert_nonnull (g_strstr_len (g_bytes_get_data (ui, NULL), g_bytes_get_size (ui), "&lt;Control&gt;f"));
	gtk_window_destroy (GTK_WINDOW (w));
}

int
main (int argc, char **argv)
{
	ui_test_init (&argc, &argv);

	g_test_add_func ("/ui/workstation/demo-window", test_demo_window);
	g_test_add_func ("/ui/workstation/cancel", test_cancel);
	g_test_add_func ("/ui/workstation/debugger", test_debugger);
	g_test_add_func ("/ui/workstation/debugger-routine-source", test_debugger_routine_source);
	g_test_add_func ("/ui/workstation/tabs-survive", test_tabs_survive);
	g_test_add_func ("/ui/workstation/files", test_files);
	g_test_add_func ("/ui/workstation/find-replace", test_find_replace);
	g_test_add_func ("/ui/workstation/export", test_export);
	g_test_add_func ("/ui/workstation/help-overlay", test_help_overlay);
	int rc = g_test_run ();

	ui_test_finish ();
	return rc;
}

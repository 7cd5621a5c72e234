/*
 * test-debugger.c — the workstation's debugger on the embedded database,
 * driven through its real widgets: a breakpoint set by a click in the
 * gutter's line marks (the marks renderer's "activate", as a button press
 * there emits it) is hit; the breakpoint popover's hit count stops on the
 * Nth pass only and its log message prints with {expressions} filled in,
 * without stopping; the Breakpoints panel disables a breakpoint (the run
 * goes through) and removes it (the gutter mark goes); the Variables
 * panel expands a record into its fields; the Debug Console runs SQL in
 * the paused transaction (it sees the procedure's uncommitted insert) and
 * evaluates in the frame; the Call Stack selects the caller's frame (its
 * locals, its line highlighted); Step Into and Step Out move between a
 * procedure and the function it calls; Pause stops a long loop; Stop ends
 * the session and the tab runs SQL again; every control is named.
 *
 * What can go wrong and is caught here: a gutter click wired to nothing,
 * popover options that never reach the adapter, a panel action that the
 * gutter or the run does not follow, a console that evaluates outside the
 * paused transaction.
 */
#include "ui-test-util.h"
#include "ox-debug-gutter.h"
#include "ox-debug-panels.h"

#include <string.h>

/* Line numbers matter: the tests set breakpoints and expect stops on them. */
static const char script[] =
	"DROP TABLE IF EXISTS dbg_items;\n"                                          /* 1 */
	"CREATE TABLE dbg_items (id int PRIMARY KEY, name text, price int);\n"      /* 2 */
	"INSERT INTO dbg_items VALUES (1, 'pen', 3), (2, 'ink', 7);\n"               /* 3 */
	"CREATE OR REPLACE FUNCTION dbg_twice(x int) RETURNS int LANGUAGE plsql AS $$\n" /* 4 */
	"DECLARE\n"                                                                  /* 5 */
	"  y int := 0;\n"                                                            /* 6 */
	"BEGIN\n"                                                                    /* 7 */
	"  y := x * 2;\n"                                                            /* 8 */
	"  RETURN y;\n"                                                              /* 9 */
	"END $$;\n"                                                                  /* 10 */
	"CREATE OR REPLACE PROCEDURE dbg_walk(n int) LANGUAGE plsql AS $$\n"         /* 11 */
	"DECLARE\n"                                                                  /* 12 */
	"  it dbg_items%ROWTYPE;\n"                                                  /* 13 */
	"  s int := 0;\n"                                                            /* 14 */
	"BEGIN\n"                                                                    /* 15 */
	"  SELECT * INTO it FROM dbg_items WHERE id = 1;\n"                          /* 16 */
	"  INSERT INTO dbg_items VALUES (3, 'cap', 5);\n"                            /* 17 */
	"  FOR i IN 1..n LOOP\n"                                                     /* 18 */
	"    s := s + i;\n"                                                          /* 19 */
	"  END LOOP;\n"                                                              /* 20 */
	"  s := dbg_twice(s);\n"                                                     /* 21 */
	"  RAISE NOTICE 'walked %', s;\n"                                            /* 22 */
	"END $$;\n"                                                                  /* 23 */
	"CALL dbg_walk(5);\n";                                                       /* 24 */

#define LOOP_LINE  19
#define CALL_LINE  21
#define FUNC_LINE  8

/* ---- waits ------------------------------------------------------------------------------ */

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
state_is (gpointer data)
{
	LineWait *w = data;
	return ox_debug_session_get_state (ox_debug_area_get_session (w->area)) == (OxDebugState) w->line;
}

static void
wait_line (OxDebugArea *area, int line, const char *what)
{
	LineWait w = { area, line };
	wait_until (at_line, &w, what);
}

static gboolean
line_set (gpointer data)
{
	return ox_debug_area_get_current_line (data, NULL) > 0;
}

/* A stop's line is shown once its stack arrived. */
static void
wait_line_set (OxDebugArea *area)
{
	wait_until (line_set, area, "the current line of the stop");
}

static void
wait_state (OxDebugArea *area, OxDebugState state, const char *what)
{
	LineWait w = { area, (int) state };
	wait_until (state_is, &w, what);
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

static void
wait_text (GtkWidget *panel, char *(*get_text) (GtkWidget *), const char *needle)
{
	TextWait w = { panel, get_text, needle };
	wait_until (panel_shows, &w, needle);
}

static char *
messages_of (GtkWidget *page)
{
	return ox_editor_page_get_messages_text (OX_EDITOR_PAGE (page));
}

/* Counts the session's stops (entries into STOPPED) while connected. */
static void
count_stops_cb (OxDebugSession *session, int *stops)
{
	if (ox_debug_session_get_state (session) == OX_DEBUG_STOPPED)
		(*stops)++;
}

/* The CALL ran to its end: its notice in the Debug Console and, as
 * without the debugger, in the tab's Messages, the session over. */
static void
wait_walked (OxDebugArea *area, OxEditorPage *page)
{
	wait_text (ox_debug_area_get_panel (area, "Debug Console"), ox_debug_console_get_text, "NOTICE:  walked 30\n");
	wait_text (GTK_WIDGET (page), messages_of, "NOTICE:  walked 30\nCALL\n");
	wait_state (area, OX_DEBUG_IDLE, "the end of the session");
	g_assert_cmpint (ox_debug_area_get_current_line (area, NULL), ==, 0);
}

/* Destroy win after letting it run its frames for a moment.  NOTE: under
 * load (the sanitized build beside other tests), destroying the window
 * right after the last step sometimes hit a GTK 4.8 critical inside the
 * unmapping of a scrollbar's slider: g_signal_handler_disconnect on the
 * frame clock with handler id 0.  Our reading: a scroll animation (the
 * Debug Console and the editor scroll to new text) still running; with
 * the frames run first it no longer happened (4 + 4 parallel runs). */
static void
close_window (OxWindow *win)
{
	gint64 until = g_get_monotonic_time () + 600 * G_TIME_SPAN_MILLISECOND;
	while (g_get_monotonic_time () < until)
		g_main_context_iteration (NULL, FALSE);
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- widgets -------------------------------------------------------------------------- */

static gboolean
has_mark (GtkWidget *view, int line, const char *category)
{
	GtkSourceBuffer *buf = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
	GSList *marks = gtk_source_buffer_get_source_marks_at_line (buf, line - 1, category);
	gboolean found = marks != NULL;
	g_slist_free (marks);
	return found;
}

/* The left gutter's line-marks renderer (GtkSourceView's own). */
static GtkSourceGutterRenderer *
marks_renderer (GtkWidget *view)
{
	GtkSourceGutter *gutter = gtk_source_view_get_gutter (GTK_SOURCE_VIEW (view), GTK_TEXT_WINDOW_LEFT);
	for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (gutter)); c; c = gtk_widget_get_next_sibling (c))
		if (!strcmp (G_OBJECT_TYPE_NAME (c), "GtkSourceGutterRendererMarks"))
			return GTK_SOURCE_GUTTER_RENDERER (c);
	g_error ("no line-marks renderer in the gutter");
	return NULL;
}

/* A click with button on line's mark in the gutter: the renderer's
 * "activate", which a button press on it emits (GtkSourceView turns it
 * into "line-mark-activated", which the workstation listens to). */
static void
click_gutter (GtkWidget *view, int line, guint button)
{
	GtkSourceGutterRenderer *r = marks_renderer (view);
	g_assert_true (gtk_widget_get_visible (GTK_WIDGET (r)));
	GtkTextIter it;
	gtk_text_buffer_get_iter_at_line (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), &it, line - 1);
	GdkRectangle area = { 0, 0, 16, 16 };
	g_signal_emit_by_name (r, "activate", &it, &area, button, (GdkModifierType) 0, 1);
}

/* The popover the last right click opened on view. */
static GtkPopover *
open_popover (GtkWidget *view)
{
	for (GtkWidget *c = gtk_widget_get_first_child (view); c; c = gtk_widget_get_next_sibling (c))
		if (GTK_IS_POPOVER (c) && gtk_widget_get_visible (c))
			return GTK_POPOVER (c);
	return NULL;
}

static GtkWidget *
find_button (GtkWidget *root, const char *label)
{
	if (GTK_IS_BUTTON (root) && !g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label))
		return root;
	for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c)) {
		GtkWidget *hit = find_button (c, label);
		if (hit)
			return hit;
	}
	return NULL;
}

/* A toolbar button of the debugger, clicked as the user would. */
static void
click (OxDebugArea *area, const char *label)
{
	GtkWidget *b = find_button (GTK_WIDGET (area), label);
	g_assert_nonnull (b);
	g_assert_true (gtk_widget_get_sensitive (b));
	g_signal_emit_by_name (b, "clicked");
}

/* The first widget of type below root. */
static GtkWidget *
find_type (GtkWidget *root, GType type)
{
	if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
		return root;
	for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c)) {
		GtkWidget *hit = find_type (c, type);
		if (hit)
			return hit;
	}
	return NULL;
}

static GtkListBox *
list_of (GtkWidget *panel)
{
	return GTK_LIST_BOX (find_type (panel, GTK_TYPE_LIST_BOX));
}

/* A window on the demo database with the script in a tab. */
static OxWindow *
debug_window (OxEditorPage **page, GtkWidget **view, OxDebugArea **area)
{
	OxWindow *win = open_demo_window ();
	*page = ox_window_new_tab (win, "debug", script);
	*view = ox_editor_page_get_source_view (*page);
	*area = ox_window_get_debugger (win);
	return win;
}

static void
debug (OxWindow *win)
{
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
}

/* ---- tests ---------------------------------------------------------------------------- */

/* A breakpoint set by a click in the gutter, with a hit count set in its
 * popover: the run stops on the third pass; the record's fields show in
 * Variables; the Debug Console sees the uncommitted insert and evaluates
 * in the frame. */
static void
test_gutter_hit_count (void)
{
	OxEditorPage *page;
	GtkWidget *view;
	OxDebugArea *area;
	OxWindow *win = debug_window (&page, &view, &area);
	OxDebugSession *session = ox_debug_area_get_session (area);

	/* a left click toggles a breakpoint on, a second one off, a third on */
	click_gutter (view, LOOP_LINE, GDK_BUTTON_PRIMARY);
	g_assert_true (has_mark (view, LOOP_LINE, OX_MARK_BREAKPOINT));
	click_gutter (view, LOOP_LINE, GDK_BUTTON_PRIMARY);
	g_assert_false (has_mark (view, LOOP_LINE, OX_MARK_BREAKPOINT));
	g_assert_cmpuint (g_list_model_get_n_items (ox_debug_session_get_breakpoints (session)), ==, 0);
	click_gutter (view, LOOP_LINE, GDK_BUTTON_PRIMARY);
	g_assert_true (has_mark (view, LOOP_LINE, OX_MARK_BREAKPOINT));

	/* a right click opens the popover: hit count 3 */
	click_gutter (view, LOOP_LINE, GDK_BUTTON_SECONDARY);
	GtkPopover *pop = open_popover (view);
	g_assert_nonnull (pop);
	GtkWidget *grid = gtk_popover_get_child (pop);
	GtkWidget *hits = gtk_grid_get_child_at (GTK_GRID (grid), 1, 1);
	check_label (hits, "Hit count");
	gtk_editable_set_text (GTK_EDITABLE (hits), "3");
	g_signal_emit_by_name (find_button (grid, "Apply"), "clicked");
	OxDebugBp *bp = ox_debug_session_find_breakpoint (session, ox_editor_page_get_buffer (page), LOOP_LINE);
	g_assert_cmpstr (ox_debug_bp_get_hit_condition (bp), ==, "3");
	/* the Breakpoints panel says so */
	GtkWidget *bps = ox_debug_area_get_panel (area, "Breakpoints");
	g_autofree char *where = ox_debug_breakpoints_where (bp);
	g_assert_nonnull (where);  /* the tab's title */
	g_autofree char *described = g_strdup_printf ("%s, line 19  hits 3", where);
	g_assert_nonnull (find_label (bps, described, NULL));

	debug (win);
	wait_line (area, LOOP_LINE, "the stop at the hit-count breakpoint");
	GtkWidget *vars = ox_debug_area_get_panel (area, "Variables");
	/* the third pass: i = 3, s = 1 + 2 */
	wait_text (vars, ox_debug_variables_get_text, "i = 3\n");
	wait_text (vars, ox_debug_variables_get_text, "s = 3\n");

	/* the record: expand its row (the panel's text has one line per
	 * row of its list, in order), its fields come with their values */
	GtkListView *lv = GTK_LIST_VIEW (find_type (vars, GTK_TYPE_LIST_VIEW));
	GListModel *rows = G_LIST_MODEL (gtk_list_view_get_model (lv));
	g_autofree char *text = ox_debug_variables_get_text (vars);
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	GtkTreeListRow *it_row = NULL;
	for (guint i = 0; lines[i] && i < g_list_model_get_n_items (rows) && !it_row; i++)
		if (g_str_has_prefix (lines[i], "  it = ")) {
			it_row = g_list_model_get_item (rows, i);
			g_assert_true (gtk_tree_list_row_is_expandable (it_row));
		}
	g_assert_nonnull (it_row);
	gtk_tree_list_row_set_expanded (it_row, TRUE);
	g_object_unref (it_row);
	wait_text (vars, ox_debug_variables_get_text, "    id = 1\n");
	wait_text (vars, ox_debug_variables_get_text, "    name = pen\n");
	wait_text (vars, ox_debug_variables_get_text, "    price = 3\n");
	screenshot (win, "debugger-record");

	/* the Debug Console: typed into its entry, Enter */
	GtkWidget *console = ox_debug_area_get_panel (area, "Debug Console");
	GtkWidget *entry = find_type (console, GTK_TYPE_ENTRY);
	check_label (entry, "Debug Console input");
	gtk_editable_set_text (GTK_EDITABLE (entry), "SELECT count(*) AS n, max(name) AS m FROM dbg_items WHERE id = 3");
	g_signal_emit_by_name (entry, "activate");
	/* the row the procedure inserted before the breakpoint, uncommitted */
	wait_text (console, ox_debug_console_get_text, "cap");
	gtk_editable_set_text (GTK_EDITABLE (entry), "s * 100 + i");
	g_signal_emit_by_name (entry, "activate");
	wait_text (console, ox_debug_console_get_text, "\n303\n");
	g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");

	/* a plain number means "from the 3rd hit on": Continue stops on the 4th */
	click (area, "Continue");
	wait_text (vars, ox_debug_variables_get_text, "i = 4\n");
	wait_line (area, LOOP_LINE, "the 4th pass");
	click (area, "Stop");
	wait_state (area, OX_DEBUG_IDLE, "the end of the session");
	/* Stop rolled the CALL's transaction back: the row the console saw
	 * was never committed */
	set_text (page, "SELECT count(*) AS n FROM dbg_items WHERE id = 3;\n", NULL);
	run (page, "editor.run-statement");
	GtkColumnView *result = ox_editor_page_get_grid (page, 0);
	g_assert_nonnull (result);
	LabelData ld = { GTK_WIDGET (result), "0", NULL };
	wait_until (label_shown, &ld, "no row 3 after Stop");
	close_window (win);
}

/* A log message instead of a stop: each pass prints it with {i} and {s}
 * filled in; the run goes to its end. */
static void
test_logpoint (void)
{
	OxEditorPage *page;
	GtkWidget *view;
	OxDebugArea *area;
	OxWindow *win = debug_window (&page, &view, &area);

	click_gutter (view, LOOP_LINE, GDK_BUTTON_SECONDARY);   /* a right click on no breakpoint adds one */
	GtkPopover *pop = open_popover (view);
	g_assert_nonnull (pop);
	GtkWidget *grid = gtk_popover_get_child (pop);
	GtkWidget *log = gtk_grid_get_child_at (GTK_GRID (grid), 1, 2);
	check_label (log, "Log message");
	gtk_editable_set_text (GTK_EDITABLE (log), "pass {i}: s is {s}");
	g_signal_emit_by_name (find_button (grid, "Apply"), "clicked");
	g_assert_true (has_mark (view, LOOP_LINE, OX_MARK_BREAKPOINT));

	int stops = 0;
	gulong h = g_signal_connect (ox_debug_area_get_session (area), "state-changed", G_CALLBACK (count_stops_cb), &stops);
	debug (win);
	wait_walked (area, page);
	g_signal_handler_disconnect (ox_debug_area_get_session (area), h);
	g_assert_cmpint (stops, ==, 0);
	GtkWidget *console = ox_debug_area_get_panel (area, "Debug Console");
	g_autofree char *text = ox_debug_console_get_text (console);
	g_assert_nonnull (strstr (text, "pass 1: s is 0"));
	g_assert_nonnull (strstr (text, "pass 3: s is 3"));
	g_assert_nonnull (strstr (text, "pass 5: s is 10"));
	g_assert_null (strstr (text, "pass 6"));
	/* a logpoint's message is the debugger's, not the script's output */
	g_autofree char *msgs = ox_editor_page_get_messages_text (page);
	g_assert_null (strstr (msgs, "pass 1"));
	close_window (win);
}

/* The Breakpoints panel: its check box disables a breakpoint (the run
 * does not stop), its remove button takes it away, gutter mark too. */
static void
test_breakpoints_panel (void)
{
	OxEditorPage *page;
	GtkWidget *view;
	OxDebugArea *area;
	OxWindow *win = debug_window (&page, &view, &area);
	OxDebugSession *session = ox_debug_area_get_session (area);

	click_gutter (view, LOOP_LINE, GDK_BUTTON_PRIMARY);
	GtkWidget *panel = ox_debug_area_get_panel (area, "Breakpoints");
	GtkListBoxRow *row = gtk_list_box_get_row_at_index (list_of (panel), 0);
	g_assert_nonnull (row);
	OxDebugBp *first = ox_debug_session_find_breakpoint (session, ox_editor_page_get_buffer (page), LOOP_LINE);
	g_autofree char *where = ox_debug_breakpoints_where (first);
	g_autofree char *described = g_strdup_printf ("%s, line 19", where);
	g_assert_nonnull (find_label (GTK_WIDGET (row), described, NULL));
	GtkWidget *check = find_type (GTK_WIDGET (row), GTK_TYPE_CHECK_BUTTON);
	check_label (check, "Enabled");
	g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
	gtk_check_button_set_active (GTK_CHECK_BUTTON (check), FALSE);   /* as a click on it does */
	OxDebugBp *bp = ox_debug_session_find_breakpoint (session, ox_editor_page_get_buffer (page), LOOP_LINE);
	g_assert_false (ox_debug_bp_get_enabled (bp));
	g_assert_true (has_mark (view, LOOP_LINE, OX_MARK_BREAKPOINT_DISABLED));
	g_assert_false (has_mark (view, LOOP_LINE, OX_MARK_BREAKPOINT));

	debug (win);
	wait_walked (area, page);
	g_assert_cmpint (ox_debug_area_get_current_line (area, NULL), ==, 0);

	/* enabled again: it stops */
	row = gtk_list_box_get_row_at_index (list_of (panel), 0);
	check = find_type (GTK_WIDGET (row), GTK_TYPE_CHECK_BUTTON);
	gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
	g_assert_true (has_mark (view, LOOP_LINE, OX_MARK_BREAKPOINT));
	debug (win);
	wait_line (area, LOOP_LINE, "the stop at the enabled breakpoint");
	click (area, "Stop");
	wait_state (area, OX_DEBUG_IDLE, "the stopped session");

	/* remove: the list and the gutter lose it */
	row = gtk_list_box_get_row_at_index (list_of (panel), 0);
	GtkWidget *remove = NULL;
	for (GtkWidget *c = gtk_widget_get_first_child (gtk_list_box_row_get_child (row)); c; c = gtk_widget_get_next_sibling (c))
		if (GTK_IS_BUTTON (c))
			remove = c;
	g_assert_nonnull (remove);
	check_label (remove, "Remove the breakpoint");
	g_signal_emit_by_name (remove, "clicked");
	g_assert_null (gtk_list_box_get_row_at_index (list_of (panel), 0));
	g_assert_cmpuint (g_list_model_get_n_items (ox_debug_session_get_breakpoints (session)), ==, 0);
	g_assert_false (has_mark (view, LOOP_LINE, OX_MARK_BREAKPOINT));
	g_assert_false (has_mark (view, LOOP_LINE, OX_MARK_BREAKPOINT_DISABLED));
	close_window (win);
}

/* Stopped in a function a procedure called: the Call Stack lists both;
 * selecting the caller's row shows its locals and highlights its line. */
static void
test_call_stack (void)
{
	OxEditorPage *page;
	GtkWidget *view;
	OxDebugArea *area;
	OxWindow *win = debug_window (&page, &view, &area);

	click_gutter (view, FUNC_LINE, GDK_BUTTON_PRIMARY);
	debug (win);
	wait_line (area, FUNC_LINE, "the stop in dbg_twice");
	GtkWidget *vars = ox_debug_area_get_panel (area, "Variables");
	wait_text (vars, ox_debug_variables_get_text, "x = 15\n");
	GtkWidget *stack = ox_debug_area_get_panel (area, "Call Stack");
	GtkListBox *list = list_of (stack);
	GtkListBoxRow *top = gtk_list_box_get_row_at_index (list, 0);
	GtkListBoxRow *caller = gtk_list_box_get_row_at_index (list, 1);
	g_assert_nonnull (top);
	g_assert_nonnull (caller);
	GtkWidget *top_label = gtk_list_box_row_get_child (top);
	GtkWidget *caller_label = gtk_list_box_row_get_child (caller);
	g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (top_label)), "dbg_twice"));
	g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (caller_label)), "dbg_walk"));
	g_assert_true (g_str_has_suffix (gtk_label_get_text (GTK_LABEL (caller_label)), ":21"));
	g_assert_true (gtk_list_box_row_is_selected (top));

	/* the caller's frame: its locals, its line */
	gtk_list_box_select_row (list, caller);   /* what a click on the row does */
	wait_line (area, CALL_LINE, "the caller's line highlighted");
	wait_text (vars, ox_debug_variables_get_text, "s = 15\n");
	g_autofree char *text = ox_debug_variables_get_text (vars);
	g_assert_null (strstr (text, "x = 15"));
	g_assert_true (has_mark (view, CALL_LINE, OX_MARK_CURRENT_LINE));
	g_assert_false (has_mark (view, FUNC_LINE, OX_MARK_CURRENT_LINE));
	screenshot (win, "debugger-call-stack");

	/* and back to the top frame */
	list = list_of (stack);
	gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, 0));
	wait_line (area, FUNC_LINE, "the function's line again");
	wait_text (vars, ox_debug_variables_get_text, "x = 15\n");
	click (area, "Continue");
	wait_walked (area, page);
	close_window (win);
}

/* Step Into from the procedure's call into the function, Step Out back;
 * Continue to the end. */
static void
test_step_into_out (void)
{
	OxEditorPage *page;
	GtkWidget *view;
	OxDebugArea *area;
	OxWindow *win = debug_window (&page, &view, &area);

	click_gutter (view, CALL_LINE, GDK_BUTTON_PRIMARY);
	debug (win);
	wait_line (area, CALL_LINE, "the stop on the call of dbg_twice");
	GtkWidget *vars = ox_debug_area_get_panel (area, "Variables");
	wait_text (vars, ox_debug_variables_get_text, "s = 15\n");
	click (area, "Step Into");
	/* the function's block, then its first statement */
	GtkWidget *stack = ox_debug_area_get_panel (area, "Call Stack");
	wait_text (vars, ox_debug_variables_get_text, "x = 15\n");
	int line = ox_debug_area_get_current_line (area, NULL);
	g_assert_cmpint (line, >=, 5);
	g_assert_cmpint (line, <=, FUNC_LINE);
	GtkWidget *top_label = gtk_list_box_row_get_child (gtk_list_box_get_row_at_index (list_of (stack), 0));
	g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (top_label)), "dbg_twice"));
	click (area, "Step Out");
	wait_text (vars, ox_debug_variables_get_text, "n = 5\n");
	top_label = gtk_list_box_row_get_child (gtk_list_box_get_row_at_index (list_of (stack), 0));
	g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (top_label)), "dbg_walk"));
	line = ox_debug_area_get_current_line (area, NULL);
	g_assert_cmpint (line, >=, CALL_LINE);
	g_assert_cmpint (line, <=, CALL_LINE + 1);
	click (area, "Continue");
	wait_walked (area, page);
	close_window (win);
}

static const char long_script[] =
	"CREATE OR REPLACE PROCEDURE dbg_spin() LANGUAGE plsql AS $$\n"
	"DECLARE\n"
	"  k int := 0;\n"
	"BEGIN\n"
	"  FOR i IN 1..2000000000 LOOP\n"
	"    k := k + 1;\n"
	"  END LOOP;\n"
	"END $$;\n"
	"CALL dbg_spin();\n";

/* Pause stops a long loop in the embedded database where it is; Stop ends
 * the session, and the tab runs SQL again. */
static void
test_pause_stop (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_new_tab (win, "spin", long_script);
	OxDebugArea *area = ox_window_get_debugger (win);
	GtkWidget *view = ox_editor_page_get_source_view (page);
	debug (win);
	wait_state (area, OX_DEBUG_RUNNING, "the running session");
	/* the procedure is created: the CALL is next */
	GtkWidget *console = ox_debug_area_get_panel (area, "Debug Console");
	wait_text (console, ox_debug_console_get_text, "CREATE PROCEDURE\n");
	int line = 0;
	for (int attempt = 0; attempt < 20; attempt++) {
		/* give the loop a moment to start */
		gint64 until = g_get_monotonic_time () + 300 * G_TIME_SPAN_MILLISECOND;
		while (g_get_monotonic_time () < until)
			g_main_context_iteration (NULL, FALSE);
		g_assert_cmpint (ox_debug_session_get_state (ox_debug_area_get_session (area)), ==, OX_DEBUG_RUNNING);
		click (area, "Pause");
		wait_state (area, OX_DEBUG_STOPPED, "the paused run");
		wait_line_set (area);
		line = ox_debug_area_get_current_line (area, NULL);
		if (line >= 5 && line <= 7)
			break;
		/* paused before the loop began (on the CALL, rightly so on a
		 * loaded machine): on, and pause again */
		click (area, "Continue");
		wait_state (area, OX_DEBUG_RUNNING, "the run going on");
	}
	g_assert_cmpint (line, >=, 5);
	g_assert_cmpint (line, <=, 7);
	GtkWidget *vars = ox_debug_area_get_panel (area, "Variables");
	wait_text (vars, ox_debug_variables_get_text, "k = ");
	/* the buttons follow the state */
	g_assert_false (gtk_widget_get_sensitive (find_button (GTK_WIDGET (area), "Pause")));
	g_assert_true (gtk_widget_get_sensitive (find_button (GTK_WIDGET (area), "Step Over")));
	click (area, "Stop");
	wait_state (area, OX_DEBUG_IDLE, "the stopped session");
	g_assert_cmpint (ox_debug_area_get_current_line (area, NULL), ==, 0);
	g_assert_false (has_mark (view, line, OX_MARK_CURRENT_LINE));
	g_assert_true (gtk_widget_get_sensitive (find_button (GTK_WIDGET (area), "Debug")));
	g_assert_false (gtk_widget_get_sensitive (find_button (GTK_WIDGET (area), "Stop")));

	/* the editor is usable again: typing and running */
	g_assert_true (gtk_text_view_get_editable (GTK_TEXT_VIEW (view)));
	set_text (page, "SELECT 6 * 7 AS answer;\n", NULL);
	run (page, "editor.run-statement");
	g_autofree char *msgs = ox_editor_page_get_messages_text (page);
	g_assert_nonnull (strstr (msgs, "SELECT 1"));
	GtkColumnView *grid = ox_editor_page_get_grid (page, 0);
	g_assert_nonnull (grid);
	LabelData ld = { GTK_WIDGET (grid), "42", NULL };
	wait_until (label_shown, &ld, "the answer in the grid");
	close_window (win);
}

/* Every button and entry of the debugger, the popover's included, has
 * an accessible name. */
static void
check_entries_named (GtkWidget *root)
{
	if (GTK_IS_ENTRY (root) && !gtk_test_accessible_has_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL))
		g_error ("an entry (%s) has no accessible name",
		         gtk_entry_get_placeholder_text (GTK_ENTRY (root)) ? gtk_entry_get_placeholder_text (GTK_ENTRY (root)) : "");
	if (GTK_IS_CHECK_BUTTON (root) && !gtk_check_button_get_label (GTK_CHECK_BUTTON (root)) &&
	    !gtk_test_accessible_has_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL))
		g_error ("a check box has no accessible name");
	for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
		check_entries_named (c);
}

static void
test_accessible (void)
{
	OxEditorPage *page;
	GtkWidget *view;
	OxDebugArea *area;
	OxWindow *win = debug_window (&page, &view, &area);
	click_gutter (view, LOOP_LINE, GDK_BUTTON_SECONDARY);
	GtkPopover *pop = open_popover (view);
	GtkWidget *grid = gtk_popover_get_child (pop);
	check_label (gtk_grid_get_child_at (GTK_GRID (grid), 1, 0), "Condition");
	check_label (gtk_grid_get_child_at (GTK_GRID (grid), 1, 1), "Hit count");
	check_label (gtk_grid_get_child_at (GTK_GRID (grid), 1, 2), "Log message");
	check_buttons_named (grid);
	check_entries_named (grid);
	gtk_popover_popdown (pop);
	/* the panels while stopped, with rows in every list */
	GtkWidget *watch = ox_debug_area_get_panel (area, "Watch");
	ox_debug_watch_add (watch, "s");
	debug (win);
	wait_line (area, LOOP_LINE, "the stop");
	GtkWidget *vars = ox_debug_area_get_panel (area, "Variables");
	wait_text (vars, ox_debug_variables_get_text, "i = 1\n");
	wait_text (watch, ox_debug_watch_get_text, "s = 0");
	static const char *const toolbar[] = { "Debug", "Continue", "Step Over", "Step Into", "Step Out", "Pause", "Stop",
	                                        "Step into Queries" };
	for (guint i = 0; i < G_N_ELEMENTS (toolbar); i++)
		check_label (find_button (GTK_WIDGET (area), toolbar[i]), toolbar[i]);
	check_buttons_named (GTK_WIDGET (area));
	check_entries_named (GTK_WIDGET (area));
	check_label (find_type (ox_debug_area_get_panel (area, "Debug Console"), GTK_TYPE_ENTRY), "Debug Console input");
	check_label (find_type (watch, GTK_TYPE_ENTRY), "Add a watch expression");
	check_label (GTK_WIDGET (list_of (ox_debug_area_get_panel (area, "Breakpoints"))), "Breakpoints");
	check_label (GTK_WIDGET (list_of (watch)), "Watch");
	check_label (find_type (ox_debug_area_get_panel (area, "Debug Console"), GTK_TYPE_TEXT_VIEW), "Debug Console");
	click (area, "Stop");
	wait_state (area, OX_DEBUG_IDLE, "the stopped session");
	close_window (win);
}

int
main (int argc, char **argv)
{
	ui_test_init (&argc, &argv);
	g_test_add_func ("/ui/debugger/gutter-hit-count", test_gutter_hit_count);
	g_test_add_func ("/ui/debugger/logpoint", test_logpoint);
	g_test_add_func ("/ui/debugger/breakpoints-panel", test_breakpoints_panel);
	g_test_add_func ("/ui/debugger/call-stack", test_call_stack);
	g_test_add_func ("/ui/debugger/step-into-out", test_step_into_out);
	g_test_add_func ("/ui/debugger/pause-stop", test_pause_stop);
	g_test_add_func ("/ui/debugger/accessible", test_accessible);
	int rc = g_test_run ();
	ui_test_finish ();
	return rc;
}

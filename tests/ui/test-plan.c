/*
 * test-plan.c — plans in the workstation: EXPLAIN ANALYZE (Ctrl+Shift+E)
 * draws the plan of a join as a tree in a "Plan" results tab with its
 * operators, rows and times; and the debugger's remaining views: stepping
 * through a query shows the plan with the current operator and its row,
 * the Variables panel sets a local (DAP setVariable) that changes what
 * the routine returns, and a breakpoint set in a routine's read-only tab
 * (a source served by sourceReference) is hit.
 *
 * Waits iterate the main context until a condition holds, with a
 * deadline; nothing sleeps.
 */
#include "ui-test-util.h"
#include "ox-debug-gutter.h"
#include "ox-debug-panels.h"
#include "ox-plan-view.h"

#include <string.h>

static const char join_sql[] =
	"SELECT c.name, o.id FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.status <> 'cancelled';\n";

static gboolean
plan_shown (gpointer data)
{
	return ox_editor_page_get_plan_view (OX_EDITOR_PAGE (data)) != NULL;
}

/* Ctrl+Shift+E on a join: the Plan tab, current, with the join and both
 * scans, their actual rows (non-zero), loops and times; the text plan in
 * Messages.  Ctrl+E: the same tree without counts. */
static void
test_explain_analyze (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_get_current_page (win);
	set_text (page, join_sql, "JOIN");
	run (page, "editor.explain-analyze");
	wait_until (plan_shown, page, "the Plan tab");
	GtkWidget *pv = ox_editor_page_get_plan_view (page);
	check_label (pv, "Plan");
	GtkNotebook *results = GTK_NOTEBOOK (ox_editor_page_get_results (page));
	g_assert_true (gtk_notebook_get_nth_page (results, gtk_notebook_get_current_page (results)) == pv);
	g_assert_cmpstr (gtk_notebook_get_tab_label_text (results, pv), ==, "Plan");
	g_autofree char *text = ox_plan_view_get_text (OX_PLAN_VIEW (pv));
	g_test_message ("%s", text);
	/* "Hash Join | | 7 | 1 | 0.021 ms", its scans one level deeper */
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	gboolean join = FALSE, scan_c = FALSE, scan_o = FALSE;
	for (guint i = 0; lines[i]; i++) {
		if (!*lines[i])
			continue;
		g_auto (GStrv) f = g_strsplit (lines[i], " | ", -1);
		g_assert_cmpuint (g_strv_length (f), ==, 5);
		g_assert_true (g_str_has_suffix (f[4], " ms"));
		g_assert_cmpstr (f[3], ==, "1");
		const char *op = g_strchug (f[0]);
		if (!strcmp (op, "Hash Join") || !strcmp (op, "Nested Loop")) {
			join = TRUE;
			g_assert_cmpint (g_ascii_strtoll (f[2], NULL, 10), >, 0);
		}
		if (!strcmp (op, "Seq Scan") || !strcmp (op, "Index Scan")) {
			g_assert_cmpint (g_ascii_strtoll (f[2], NULL, 10), >, 0);
			if (g_str_has_prefix (f[1], "customers c"))
				scan_c = TRUE;
			if (g_str_has_prefix (f[1], "orders o"))
				scan_o = TRUE;
		}
	}
	g_assert_true (join && scan_c && scan_o);
	g_autofree char *msgs = ox_editor_page_get_messages_text (page);
	g_assert_nonnull (strstr (msgs, "->  Seq Scan on orders o (actual time="));
	g_assert_nonnull (strstr (msgs, "EXPLAIN"));
	screenshot (win, "workstation-plan");

	/* the shortcuts window lists the key */
	g_autoptr (GBytes) ui = g_resources_lookup_data ("/org/oxibase/Workstation/gtk/help-overlay.ui", 0, NULL);
	g_assert_nonnull (g_strstr_len (g_bytes_get_data (ui, NULL), g_bytes_get_size (ui),
	                                "&lt;Control&gt;&lt;Shift&gt;e"));

	/* Ctrl+E: a plan that did not run */
	run (page, "editor.explain");
	pv = ox_editor_page_get_plan_view (page);
	g_assert_nonnull (pv);
	g_autofree char *plain = ox_plan_view_get_text (OX_PLAN_VIEW (pv));
	g_assert_nonnull (strstr (plain, "Seq Scan | orders o |  |  | \n"));
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- the debugger ------------------------------------------------------------------ */

typedef struct {
	OxDebugArea *area;
	int          state;
} StateWait;

static gboolean
state_is (gpointer data)
{
	StateWait *w = data;
	return ox_debug_session_get_state (ox_debug_area_get_session (w->area)) == (OxDebugState) w->state;
}

static void
wait_state (OxDebugArea *area, OxDebugState state, const char *what)
{
	StateWait w = { area, state };
	wait_until (state_is, &w, what);
}

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

static void
wait_line (OxDebugArea *area, int line, const char *what)
{
	LineWait w = { area, line };
	wait_until (at_line, &w, what);
}

typedef struct {
	OxPlanView *view;
	const char *op;     /* the current operator starts with it */
	const char *row;    /* and the side pane shows it */
} PlanWait;

static gboolean
plan_at (gpointer data)
{
	PlanWait *w = data;
	g_autofree char *cur = ox_plan_view_get_current (w->view);
	g_autofree char *side = ox_plan_view_get_side_text (w->view);
	return cur && g_str_has_prefix (cur, w->op) && side && strstr (side, w->row);
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

/* Step into Queries: Step In at a join walks its plan; the Plan panel
 * selects the scan that produced a row, then (Step Out) the join with
 * the row it made of it, each row beside the tree. */
static void
test_query_stepping (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_new_tab (win, "query", "SELECT 0 AS zero;\n"
	                                        "SELECT c.name, o.id FROM customers c JOIN orders o ON o.customer_id = c.id;\n");
	GtkWidget *view = ox_editor_page_get_source_view (page);
	OxDebugArea *area = ox_window_get_debugger (win);
	GtkWidget *toggle = ox_debug_area_get_step_into_queries (area);
	check_label (toggle, "Step into Queries");
	gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), TRUE);
	ox_debug_gutter_toggle (GTK_SOURCE_VIEW (view), 2);
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
	wait_line (area, 2, "the stop at the join");
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.step-into", NULL);
	OxPlanView *plan = OX_PLAN_VIEW (ox_debug_area_get_panel (area, "Plan"));
	check_label (GTK_WIDGET (plan), "Plan");
	PlanWait scan = { plan, "Seq Scan on", "Current row:" };
	wait_until (plan_at, &scan, "the Plan panel at a scan's row");
	g_autofree char *tree = ox_plan_view_get_text (plan);
	g_test_message ("%s", tree);
	g_assert_nonnull (strstr (tree, "Hash Join"));
	g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (plan)));  /* the panel shown */
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.step-out", NULL);
	PlanWait join = { plan, "Hash Join", "c.name = " };
	wait_until (plan_at, &join, "the Plan panel at the join's row");
	g_autofree char *side = ox_plan_view_get_side_text (plan);
	g_test_message ("%s", side);
	g_assert_nonnull (strstr (side, "o.id = "));
	g_assert_nonnull (strstr (side, "Operator:"));
	screenshot (win, "workstation-query-stepping");
	gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), FALSE);
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug-stop", NULL);
	wait_state (area, OX_DEBUG_IDLE, "the end of the session");
	g_assert_null (ox_plan_view_get_current (plan));
	gtk_window_destroy (GTK_WINDOW (win));
}

static gboolean
value_editable (gpointer data)
{
	GtkWidget *vars = data;
	return ox_debug_variables_edit (vars, "y", "20");
}

/* The Variables panel edits a local in place (setVariable): the panel
 * reads the frame again and the routine returns what the new value
 * makes. */
static void
test_set_variable (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_new_tab (win, "setvar",
		"CREATE OR REPLACE FUNCTION plan_twice(x int) RETURNS int LANGUAGE plsql AS $$\n"  /* 1 */
		"DECLARE\n"                                                                        /* 2 */
		"  y int := x;\n"                                                                  /* 3 */
		"BEGIN\n"                                                                          /* 4 */
		"  y := y + 1;\n"                                                                  /* 5 */
		"  RETURN y * 2;\n"                                                                /* 6 */
		"END $$;\n"                                                                        /* 7 */
		"SELECT plan_twice(1) AS r;\n");                                                   /* 8 */
	GtkWidget *view = ox_editor_page_get_source_view (page);
	OxDebugArea *area = ox_window_get_debugger (win);
	ox_debug_gutter_toggle (GTK_SOURCE_VIEW (view), 6);
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
	wait_line (area, 6, "the stop before RETURN");
	GtkWidget *vars = ox_debug_area_get_panel (area, "Variables");
	wait_text (vars, ox_debug_variables_get_text, "y = 2\n");
	/* the value's editor is named for assistive technology */
	wait_until (value_editable, vars, "an editable value for y");
	wait_text (vars, ox_debug_variables_get_text, "y = 20\n");
	g_autofree char *after = ox_debug_variables_get_text (vars);
	g_assert_nonnull (strstr (after, "x = 1\n"));  /* read again: the rest unchanged */
	/* a value the adapter refuses keeps the old one */
	g_assert_true (ox_debug_variables_edit (vars, "y", "not a number"));
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
	wait_state (area, OX_DEBUG_IDLE, "the end of the session");
	wait_text (GTK_WIDGET (page), messages_of, " 40\n");
	gtk_window_destroy (GTK_WINDOW (win));
}

typedef struct {
	OxDebugArea  *area;
	OxEditorPage *page;   /* NULL: any tab but the script's */
	OxEditorPage *not;
	int           line;
} TabWait;

static gboolean
in_tab (gpointer data)
{
	TabWait *w = data;
	OxEditorPage *where = NULL;
	int line = ox_debug_area_get_current_line (w->area, &where);
	if (line <= 0 || !where || where == w->not)
		return FALSE;
	return (!w->page || where == w->page) && (!w->line || line == w->line);
}

/* A breakpoint set in the gutter of a routine's read-only tab (its source
 * served by sourceReference) goes to the adapter by that reference and is
 * hit, in the call under way and in the next. */
static void
test_routine_tab_breakpoint (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *def = ox_window_new_tab (win, "def", "CREATE OR REPLACE FUNCTION plan_dbl(x int) RETURNS int\n"
	                                                   "LANGUAGE plsql AS $$\nDECLARE\n  y int := x * 2;\nBEGIN\n"
	                                                   "  y := y + 0;\n  RETURN y;\nEND $$;");
	ox_editor_page_run_script (def);
	wait_until (page_idle, def, "CREATE FUNCTION");
	OxEditorPage *page = ox_window_new_tab (win, "calls", "SELECT plan_dbl(1) AS a;\nSELECT plan_dbl(5) AS b;\n");
	OxDebugArea *area = ox_window_get_debugger (win);
	ox_debug_gutter_toggle (GTK_SOURCE_VIEW (ox_editor_page_get_source_view (page)), 1);
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
	wait_line (area, 1, "the stop on line 1");
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.step-into", NULL);
	TabWait tw = { area, NULL, page, 0 };
	wait_until (in_tab, &tw, "a step into plan_dbl, in its read-only tab");
	OxEditorPage *routine = NULL;
	ox_debug_area_get_current_line (area, &routine);
	GtkWidget *rview = ox_editor_page_get_source_view (routine);
	g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (rview)));
	/* the body's line "  RETURN y;" */
	GtkTextBuffer *rb = ox_editor_page_get_buffer (routine);
	int ret_line = 0;
	for (int l = 1; l <= gtk_text_buffer_get_line_count (rb) && !ret_line; l++) {
		GtkTextIter s, e;
		gtk_text_buffer_get_iter_at_line (rb, &s, l - 1);
		e = s;
		gtk_text_iter_forward_to_line_end (&e);
		g_autofree char *t = gtk_text_buffer_get_text (rb, &s, &e, FALSE);
		if (strstr (t, "RETURN y"))
			ret_line = l;
	}
	g_assert_cmpint (ret_line, >, 0);
	ox_debug_gutter_toggle (GTK_SOURCE_VIEW (rview), ret_line);
	GtkWidget *vars = ox_debug_area_get_panel (area, "Variables");
	/* Continue: the first call stops there, then the second */
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
	TabWait at_ret = { area, routine, NULL, ret_line };
	wait_until (in_tab, &at_ret, "the breakpoint in the routine's tab, first call");
	wait_text (vars, ox_debug_variables_get_text, "y = 2\n");
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
	wait_text (vars, ox_debug_variables_get_text, "y = 10\n");
	wait_until (in_tab, &at_ret, "the breakpoint in the routine's tab, second call");
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
	wait_state (area, OX_DEBUG_IDLE, "the end of the session");
	wait_text (GTK_WIDGET (page), messages_of, " 10\n");
	gtk_window_destroy (GTK_WINDOW (win));
}

int
main (int argc, char **argv)
{
	ui_test_init (&argc, &argv);
	g_test_add_func ("/ui/plan/explain-analyze", test_explain_analyze);
	g_test_add_func ("/ui/plan/query-stepping", test_query_stepping);
	g_test_add_func ("/ui/plan/set-variable", test_set_variable);
	g_test_add_func ("/ui/plan/routine-tab-breakpoint", test_routine_tab_breakpoint);
	int rc = g_test_run ();
	ui_test_finish ();
	return rc;
}

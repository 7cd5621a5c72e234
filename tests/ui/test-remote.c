/*
 * test-remote.c — the workstation on an oxibase-server the test starts
 * (tests/client/remote-test-server.h): "Connect to Server…" on the start
 * page (the dialog's own code path: its fields filled, its Connect
 * response), a wrong password bringing the dialog back with the reason,
 * the object browser listing a table created on the server and following
 * CREATE TABLE from the editor, a query filling the grid, the server in
 * the start page's recent list without its password, and a breakpoint in
 * a routine hit when debugging a CALL, with the routine's locals in the
 * Variables panel; a breakpoint on a line of the script itself hit on
 * the server, Step Over moving to the next statement, and the script's
 * results arriving when it continues.  A million-row SELECT shows its first rows and holds a
 * bounded number (flow control over the streamed answer), more as the
 * view asks, and gives way to the next run.  The Administration window
 * lists the window's own session and the server's metrics, and its
 * Terminate ends another session's statement (57P01).
 *
 * No keyring under the test (OXIBASE_NO_KEYRING=1): the password is
 * typed into the dialog, and "Remember password" stays insensitive.
 */
#include "ui-test-util.h"
#include "ox-connect-dialog.h"
#include "ox-admin-private.h"
#include "ox-debug-gutter.h"
#include "ox-debug-panels.h"
#include "ox-remote-connection.h"
#include "ox-result-model.h"

#include "../client/remote-test-server.h"

#include <string.h>

static RemoteServer server;

/* The dialog the window presented last (a modal AdwMessageDialog). */
static GtkWidget *
find_dialog (OxWindow *win)
{
	GListModel *tops = gtk_window_get_toplevels ();
	GtkWidget *found = NULL;
	for (guint i = 0; i < g_list_model_get_n_items (tops); i++) {
		g_autoptr (GtkWindow) w = g_list_model_get_item (tops, i);
		if (ADW_IS_MESSAGE_DIALOG (w) && gtk_window_get_transient_for (w) == GTK_WINDOW (win) &&
		    gtk_widget_get_visible (GTK_WIDGET (w)))
			found = GTK_WIDGET (w);
	}
	return found;
}

typedef struct {
	OxWindow   *win;
	const char *needle;  /* in the dialog's body, or NULL */
} DialogWait;

static gboolean
dialog_up (gpointer data)
{
	DialogWait *w = data;
	GtkWidget *d = find_dialog (w->win);
	if (!d)
		return FALSE;
	const char *body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (d));
	return !w->needle || (body && strstr (body, w->needle));
}

static GtkWidget *
wait_dialog (OxWindow *win, const char *needle)
{
	DialogWait w = { win, needle };
	wait_until (dialog_up, &w, needle ? needle : "the Connect to Server dialog");
	return find_dialog (win);
}

static void
fill_and_connect (GtkWidget *d, const char *url, const char *user, const char *password)
{
	check_label (ox_connect_dialog_get_field (d, "url"), "Server address");
	check_label (ox_connect_dialog_get_field (d, "user"), "User name");
	check_label (ox_connect_dialog_get_field (d, "password"), "Password");
	gtk_editable_set_text (GTK_EDITABLE (ox_connect_dialog_get_field (d, "url")), url);
	gtk_editable_set_text (GTK_EDITABLE (ox_connect_dialog_get_field (d, "user")), user);
	gtk_editable_set_text (GTK_EDITABLE (ox_connect_dialog_get_field (d, "password")), password);
	adw_message_dialog_response (ADW_MESSAGE_DIALOG (d), "connect");
}

/* Log the window in through the dialog, first with a wrong password. */
static OxWindow *
connect_window (void)
{
	OxWindow *win = ox_window_new (NULL, store, NULL);
	gtk_window_present (GTK_WINDOW (win));
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.connect-server", NULL);
	GtkWidget *d = wait_dialog (win, NULL);
	/* no keyring here: nothing to remember the password in */
	g_assert_false (gtk_widget_get_sensitive (ox_connect_dialog_get_field (d, "remember")));
	screenshot (win, "workstation-connect");
	fill_and_connect (d, server.url, REMOTE_TEST_USER, "not the password");
	d = wait_dialog (win, "wrong user name or password");
	/* filled in again, but for the password */
	g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ox_connect_dialog_get_field (d, "url"))), ==, server.url);
	g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ox_connect_dialog_get_field (d, "password"))), ==, "");
	fill_and_connect (d, server.url, REMOTE_TEST_USER, REMOTE_TEST_PASSWORD);
	wait_until (connected, win, "the login to the server");
	g_assert_true (OX_IS_REMOTE_CONNECTION (ox_window_get_connection (win)));
	return win;
}

static gboolean
bool_set (gpointer data)
{
	return *(gboolean *) data;
}

static void
setup_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	g_autoptr (GError) error = NULL;
	g_assert_true (ox_connection_run_finish (OX_CONNECTION (source), result, &error));
	*(gboolean *) data = TRUE;
}

/* Run sql on the server through a connection of its own. */
static void
server_sql (const char *sql)
{
	g_autoptr (GError) error = NULL;
	OxRemoteConnection *c = ox_remote_connection_connect (server.url, REMOTE_TEST_USER, REMOTE_TEST_PASSWORD, &error);
	g_assert_no_error (error);
	gboolean done = FALSE;
	ox_connection_run_async (OX_CONNECTION (c), sql, NULL, NULL, NULL, NULL, setup_done_cb, &done);
	wait_until (bool_set, &done, sql);
	g_object_unref (c);
}

static void
test_browse_and_query (void)
{
	server_sql ("CREATE TABLE planets (id int PRIMARY KEY, name text, moons int);"
	            "INSERT INTO planets VALUES (1, 'Mercury', 0), (3, 'Earth', 1), (4, 'Mars', NULL);");
	OxWindow *win = connect_window ();

	/* the browser lists the server's table, and its columns */
	GtkTreeListModel *tree = ox_object_browser_get_tree (ox_window_get_browser (win));
	g_autoptr (GtkTreeListRow) pub = wait_row (tree, NULL, "public");
	gtk_tree_list_row_set_expanded (pub, TRUE);
	g_autoptr (GtkTreeListRow) tables = wait_row (tree, pub, "Tables");
	gtk_tree_list_row_set_expanded (tables, TRUE);
	g_autoptr (GtkTreeListRow) planets = wait_row (tree, tables, "planets");
	gtk_tree_list_row_set_expanded (planets, TRUE);
	g_autoptr (GtkTreeListRow) cols = wait_row (tree, planets, "Columns");
	gtk_tree_list_row_set_expanded (cols, TRUE);
	g_object_unref (wait_row (tree, cols, "moons"));

	/* a query fills the grid; NULL shows as NULL */
	OxEditorPage *page = ox_window_get_current_page (win);
	g_assert_nonnull (page);
	set_text (page, "SELECT id, name, moons FROM planets ORDER BY id;\n", NULL);
	run (page, "editor.run-statement");
	GtkColumnView *grid = ox_editor_page_get_grid (page, 0);
	g_assert_nonnull (grid);
	g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (grid))), ==, 3);
	g_autoptr (GtkColumnViewColumn) c1 = g_list_model_get_item (gtk_column_view_get_columns (grid), 1);
	g_assert_cmpstr (gtk_column_view_column_get_title (c1), ==, "name\ntext");
	LabelData ld = { GTK_WIDGET (grid), "Earth", NULL };
	wait_until (label_shown, &ld, "a cell showing Earth");
	ld = (LabelData) { GTK_WIDGET (grid), "NULL", "null-cell" };
	wait_until (label_shown, &ld, "a NULL cell");
	g_autofree char *msgs = ox_editor_page_get_messages_text (page);
	g_assert_nonnull (strstr (msgs, "SELECT 3"));
	screenshot (win, "workstation-remote");

	/* an error names its SQLSTATE, as on a local database */
	set_text (page, "SELECT * FROM nosuch;\n", NULL);
	run (page, "editor.run-script");
	g_autofree char *emsgs = ox_editor_page_get_messages_text (page);
	g_assert_nonnull (strstr (emsgs, "42P01"));

	/* DDL from the editor shows in the browser */
	set_text (page, "CREATE TABLE comets (name text);", NULL);
	run (page, "editor.run-statement");
	g_object_unref (wait_row (tree, tables, "comets"));
	gtk_window_destroy (GTK_WINDOW (win));

	/* the server is a recent connection, with the user but no password */
	g_autoptr (GPtrArray) recent = ox_settings_store_list_recent (store, 10);
	g_assert_cmpuint (recent->len, >=, 1);
	OxRecentConnection *r = recent->pdata[0];
	g_assert_cmpstr (r->kind, ==, "server");
	g_autofree char *want = ox_server_location (server.url, REMOTE_TEST_USER);
	g_assert_cmpstr (r->location, ==, want);
	g_assert_null (strstr (r->location, REMOTE_TEST_PASSWORD));
	g_autofree char *user = NULL;
	g_autofree char *url = ox_server_location_split (r->location, &user);
	g_assert_cmpstr (url, ==, server.url);
	g_assert_cmpstr (user, ==, REMOTE_TEST_USER);
	g_autofree char *settings = g_build_filename (tmpdir, "config", "oxibase", "workstation.db", NULL);
	g_autofree char *bytes = NULL;
	gsize len = 0;
	g_assert_true (g_file_get_contents (settings, &bytes, &len, NULL));
	g_assert_null (g_strstr_len (bytes, (gssize) len, REMOTE_TEST_PASSWORD));

	/* opening it from the start page: no keyring, so the dialog asks */
	win = ox_window_new (NULL, store, NULL);
	gtk_window_present (GTK_WINDOW (win));
	ox_window_open_recent_server (win, r->location);
	GtkWidget *d = wait_dialog (win, NULL);
	g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ox_connect_dialog_get_field (d, "user"))), ==,
	                 REMOTE_TEST_USER);
	fill_and_connect (d, server.url, REMOTE_TEST_USER, REMOTE_TEST_PASSWORD);
	wait_until (connected, win, "the login from the recent list");
	/* the tabs of the last session on that server come back */
	OxEditorPage *again = ox_window_get_current_page (win);
	g_assert_nonnull (again);
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- lazy results over the server ----------------------------------------------------- */

static void
settle (void)
{
	gint64 end = g_get_monotonic_time () + 500 * G_TIME_SPAN_MILLISECOND;
	while (g_get_monotonic_time () < end)
		g_main_context_iteration (NULL, FALSE);
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

static void
test_lazy_remote (void)
{
	OxWindow *win = connect_window ();
	OxEditorPage *page = ox_window_get_current_page (win);
	set_text (page, "SELECT g, 'row ' || g AS label FROM generate_series(1, 1000000) g;\n", NULL);
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
	screenshot (win, "workstation-remote-million-rows");

	/* the view asking for the last item loads more, still bounded */
	g_object_unref (g_list_model_get_item (model, n - 1));
	CountWait cw = { model, n };
	wait_until (more_than, &cw, "more rows after asking for the last one");
	settle ();
	guint n2 = g_list_model_get_n_items (model);
	g_assert_cmpuint (n2, <, 10 * n);
	g_autoptr (OxResultRow) last = g_list_model_get_item (model, n2 - 1);
	g_autofree char *want_last = g_strdup_printf ("%u", n2);
	g_assert_cmpstr (ox_result_row_get_cell (last, 0), ==, want_last);

	/* a new run replaces the paused one at once */
	set_text (page, "SELECT 'next' AS what;\n", NULL);
	run (page, "editor.run-statement");
	grid = ox_editor_page_get_grid (page, 0);
	ld = (LabelData) { GTK_WIDGET (grid), "next", NULL };
	wait_until (label_shown, &ld, "the next result");
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- debugging a routine on the server ---------------------------------------------- */

static const char debug_script[] =
	"CREATE OR REPLACE PROCEDURE r_tally(n int) LANGUAGE plsql AS $$\n"    /* 1 */
	"DECLARE\n"                                                            /* 2 */
	"  s int := 0;\n"                                                      /* 3 */
	"BEGIN\n"                                                              /* 4 */
	"  FOR i IN 1..n LOOP\n"                                               /* 5 */
	"    s := s + i;\n"                                                    /* 6 */
	"  END LOOP;\n"                                                        /* 7 */
	"  RAISE NOTICE 'total %', s;\n"                                       /* 8 */
	"END $$;\n"                                                            /* 9 */
	"CALL r_tally(4);\n";                                                  /* 10 */

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

static void
test_debug_remote (void)
{
	OxWindow *win = connect_window ();
	OxEditorPage *page = ox_window_new_tab (win, "debug", debug_script);
	GtkWidget *view = ox_editor_page_get_source_view (page);
	OxDebugArea *area = ox_window_get_debugger (win);
	ox_debug_gutter_toggle (GTK_SOURCE_VIEW (view), 6);

	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
	LineWait lw = { area, 6 };
	wait_until (at_line, &lw, "the stop at the breakpoint on line 6 (in the routine, on the server)");
	GtkWidget *vars = ox_debug_area_get_panel (area, "Variables");
	wait_text (vars, ox_debug_variables_get_text, "i = 1");
	wait_text (vars, ox_debug_variables_get_text, "s = 0");
	wait_text (vars, ox_debug_variables_get_text, "n = 4");
	screenshot (win, "workstation-remote-debug");

	/* F10 moves on inside the routine */
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.step-over", NULL);
	wait_text (vars, ox_debug_variables_get_text, "s = 1");

	/* remove the breakpoint and continue: the CALL ends, its notice shows */
	ox_debug_gutter_toggle (GTK_SOURCE_VIEW (view), 6);
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
	lw.line = OX_DEBUG_IDLE;
	wait_until (session_state_is, &lw, "the end of the remote debug session");
	wait_text (GTK_WIDGET (page), messages_of, "total 10");

	/* Pause stops the run's session on the server wherever it is; Stop
	 * cancels the run */
	OxEditorPage *spin = ox_window_new_tab (win, "spin",
		"CREATE OR REPLACE PROCEDURE r_spin() LANGUAGE plsql AS $$\n"
		"DECLARE\n  k bigint := 0;\nBEGIN\n  LOOP\n    k := k + 1;\n  END LOOP;\nEND $$;\n"
		"CALL r_spin();\n");
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
	lw.line = OX_DEBUG_RUNNING;
	wait_until (session_state_is, &lw, "the remote run");
	/* the session's thread is known once the server reports it */
	for (int i = 0; i < 50 && ox_debug_session_get_state (ox_debug_area_get_session (area)) != OX_DEBUG_STOPPED; i++) {
		gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug-pause", NULL);
		gint64 until = g_get_monotonic_time () + 100 * 1000;
		while (g_get_monotonic_time () < until)
			g_main_context_iteration (NULL, FALSE);
	}
	lw.line = OX_DEBUG_STOPPED;
	wait_until (session_state_is, &lw, "the paused remote run");
	wait_text (vars, ox_debug_variables_get_text, "k = ");
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug-stop", NULL);
	lw.line = OX_DEBUG_IDLE;
	wait_until (session_state_is, &lw, "the stopped remote run");
	wait_text (GTK_WIDGET (spin), messages_of, "57014");
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- debugging the script's own lines on the server ------------------------------------ */

static const char lines_script[] =
	"CREATE TABLE r_lines (n int);\n"                  /* 1 */
	"INSERT INTO r_lines VALUES (1), (2);\n"           /* 2 */
	"\n"                                               /* 3 */
	"-- the total\n"                                   /* 4 */
	"SELECT sum(n) AS total\n"                         /* 5 */
	"  FROM r_lines;\n"                                /* 6 */
	"SELECT count(*) AS how_many FROM r_lines;\n"      /* 7 */
	"\n";                                              /* 8 */

static void
test_debug_script_lines (void)
{
	OxWindow *win = connect_window ();
	OxEditorPage *page = ox_window_new_tab (win, "lines", lines_script);
	GtkWidget *view = ox_editor_page_get_source_view (page);
	OxDebugArea *area = ox_window_get_debugger (win);
	OxDebugSession *session = ox_debug_area_get_session (area);
	GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
	ox_debug_gutter_toggle (GTK_SOURCE_VIEW (view), 2);
	ox_debug_gutter_toggle (GTK_SOURCE_VIEW (view), 6);  /* inside a statement: the next one's line, 7 */
	ox_debug_gutter_toggle (GTK_SOURCE_VIEW (view), 8);  /* past the last statement */

	/* a breakpoint on a statement of the script stops there, on the
	 * server, as it would locally */
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
	LineWait lw = { area, 2 };
	wait_until (at_line, &lw, "the stop at the breakpoint on the script's line 2 (on the server)");
	OxDebugBp *bp = ox_debug_session_find_breakpoint (session, buffer, 2);
	g_assert_nonnull (bp);
	g_assert_true (ox_debug_bp_get_verified (bp));
	bp = ox_debug_session_find_breakpoint (session, buffer, 8);
	g_assert_nonnull (bp);
	g_assert_false (ox_debug_bp_get_verified (bp));
	screenshot (win, "workstation-remote-debug-script");

	/* F10: the next statement (past the blank line and the comment) */
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.step-over", NULL);
	lw.line = 5;
	wait_until (at_line, &lw, "Step Over to the script's line 5");
	/* F5: the breakpoint set on line 6, at the statement after it */
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
	lw.line = 7;
	wait_until (at_line, &lw, "the breakpoint moved to line 7");

	/* continue: the rest of the script runs and its results arrive */
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
	lw.line = OX_DEBUG_IDLE;
	wait_until (session_state_is, &lw, "the end of the remote debug session");
	wait_text (GTK_WIDGET (page), messages_of, "INSERT 0 2");
	wait_text (GTK_WIDGET (page), messages_of, "SELECT 1");
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- administration of a server ------------------------------------------------------ */

typedef struct {
	GListModel *model;
	guint       col;
	const char *text;
} AdminRowWait;

static gboolean
admin_row_shown (gpointer data)
{
	AdminRowWait *w = data;
	guint n = g_list_model_get_n_items (w->model);
	for (guint i = 0; i < n; i++) {
		g_autoptr (OxAdminRow) r = g_list_model_get_item (w->model, i);
		const char *v = ox_admin_row_get (r, w->col);
		if (v && strstr (v, w->text))
			return TRUE;
	}
	return FALSE;
}

/* The Sessions page's confirmation (transient for the admin window). */
static AdwMessageDialog *
find_admin_dialog (void)
{
	GListModel *tops = gtk_window_get_toplevels ();
	for (guint i = 0; i < g_list_model_get_n_items (tops); i++) {
		g_autoptr (GObject) w = g_list_model_get_item (tops, i);
		if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)) &&
		    OX_IS_ADMIN_WINDOW (gtk_window_get_transient_for (GTK_WINDOW (w))))
			return ADW_MESSAGE_DIALOG (w);
	}
	return NULL;
}

static gboolean
admin_dialog_up (gpointer data)
{
	(void) data;
	return find_admin_dialog () != NULL;
}

typedef struct {
	gboolean done;
	char    *sqlstate;  /* of the ERROR batch */
} VictimRun;

static void
victim_batch_cb (OxBatch *batch, gpointer data)
{
	VictimRun *vr = data;
	if (batch->kind == OX_BATCH_ERROR && !vr->sqlstate)
		vr->sqlstate = g_strdup (batch->error->sqlstate);
}

static void
victim_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	VictimRun *vr = data;
	g_autoptr (GError) error = NULL;
	g_assert_false (ox_connection_run_finish (OX_CONNECTION (source), result, &error));
	vr->done = TRUE;
}

/* The Administration window on a server connection: Sessions lists the
 * window's own session with its last statement (pg_stat_activity as the
 * server fills it), Metrics the server's numbers (oxibase_connections is
 * a server's, not an embedded database's); Terminate ends another
 * session's statement on the server. */
static void
test_admin_remote (void)
{
	OxWindow *win = connect_window ();
	OxEditorPage *page = ox_window_get_current_page (win);
	set_text (page, "SELECT 'remote admin marker' AS m;\n", NULL);
	run (page, "editor.run-statement");

	OxAdminWindow *admin = ox_window_show_administration (win);
	g_assert_nonnull (admin);
	ox_admin_window_show_page (admin, "sessions");
	OxAdminSessions *sessions = OX_ADMIN_SESSIONS (ox_admin_window_get_page (admin, "sessions"));
	AdminRowWait w = { ox_admin_sessions_get_model (sessions), 7 /* query */, "remote admin marker" };
	wait_until (admin_row_shown, &w, "the window's session on the server in Sessions");

	/* terminate another session on the server from the page: its
	 * statement ends with PostgreSQL's 57P01 */
	g_autoptr (GError) error = NULL;
	OxRemoteConnection *victim = ox_remote_connection_connect (server.url, REMOTE_TEST_USER, REMOTE_TEST_PASSWORD,
	                                                           &error);
	g_assert_no_error (error);
	VictimRun vr = { 0 };
	ox_connection_run_async (OX_CONNECTION (victim), "SELECT pg_sleep(60)", victim_batch_cb, &vr, NULL, NULL,
	                         victim_done_cb, &vr);
	AdminRowWait sleeping = { ox_admin_sessions_get_model (sessions), 7, "pg_sleep(60)" };
	wait_until (admin_row_shown, &sleeping, "the other session's pg_sleep in Sessions");
	GListModel *sm = ox_admin_sessions_get_model (sessions);
	const char *pid = NULL;
	g_autoptr (OxAdminRow) sleeper = NULL;
	for (guint i = 0; i < g_list_model_get_n_items (sm) && !pid; i++) {
		g_autoptr (OxAdminRow) r = g_list_model_get_item (sm, i);
		if (strstr (ox_admin_row_get (r, 7) ? ox_admin_row_get (r, 7) : "", "pg_sleep(60)")) {
			sleeper = g_object_ref (r);
			pid = ox_admin_row_get (r, 0);
		}
	}
	g_assert_nonnull (pid);
	ox_admin_sessions_select_pid (sessions, atoi (pid));
	GtkWidget *label = find_label (GTK_WIDGET (sessions), "Terminate Session", NULL);
	g_assert_nonnull (label);
	GtkWidget *button = gtk_widget_get_ancestor (label, GTK_TYPE_BUTTON);
	g_assert_true (gtk_widget_get_sensitive (button));
	g_signal_emit_by_name (button, "clicked");
	wait_until (admin_dialog_up, NULL, "the confirmation");
	AdwMessageDialog *d = find_admin_dialog ();
	g_autofree char *heading = g_strdup_printf ("Terminate session %s?", pid);
	g_assert_cmpstr (adw_message_dialog_get_heading (d), ==, heading);
	adw_message_dialog_response (d, "signal");
	wait_until (bool_set, &vr.done, "the terminated session's statement");
	g_assert_cmpstr (vr.sqlstate, ==, "57P01");
	g_free (vr.sqlstate);
	g_object_unref (victim);

	ox_admin_window_show_page (admin, "metrics");
	OxAdminMetrics *metrics = OX_ADMIN_METRICS (ox_admin_window_get_page (admin, "metrics"));
	AdminRowWait m = { ox_admin_metrics_get_model (metrics), 0 /* name */, "oxibase_connections" };
	wait_until (admin_row_shown, &m, "the server's connection count in Metrics");
	gtk_window_destroy (GTK_WINDOW (win));
}

int
main (int argc, char **argv)
{
	g_setenv ("OXIBASE_NO_KEYRING", "1", TRUE);
	ui_test_init (&argc, &argv);
	remote_server_start (&server);
	g_test_add_func ("/ui/remote/browse-and-query", test_browse_and_query);
	g_test_add_func ("/ui/remote/lazy-results", test_lazy_remote);
	g_test_add_func ("/ui/remote/debug", test_debug_remote);
	g_test_add_func ("/ui/remote/debug-script-lines", test_debug_script_lines);
	g_test_add_func ("/ui/remote/administration", test_admin_remote);
	int rc = g_test_run ();
	remote_server_stop (&server);
	ui_test_finish ();
	return rc;
}

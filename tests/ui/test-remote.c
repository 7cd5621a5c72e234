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
 * Terminate ends another session's statement (57P01).  The table data
 * editor on a server table: a typed cell, an added and a deleted row
 * saved, and another session sees exactly those changes; a key-less table
 * read-only.  The routine editor saves a function on the server (CREATE
 * OR REPLACE) and underlines a compile error on its line; Rename and Drop
 * from the browser run their DDL there; the tabs of a server connection
 * come back at the next login.
 *
 * No keyring under the test (OXIBASE_NO_KEYRING=1): the password is
 * typed into the dialog, and "Remember password" stays insensitive.
 */
#include "ui-test-util.h"
#include "ox-connect-dialog.h"
#include "ox-admin-private.h"
#include "ox-debug-gutter.h"
#include "ox-debug-panels.h"
#include "ox-data-editor.h"
#include "ox-object-actions.h"
#include "ox-routine-editor.h"
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

/* The Sessions page asks before it terminates (its dialog is transient
 * for the Administration window). */
static gboolean
terminate_asked (gpointer admin)
{
	return find_message_dialog (admin, "Terminate session") != NULL;
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
	wait_until (terminate_asked, admin, "the confirmation");
	AdwMessageDialog *d = find_message_dialog (GTK_WINDOW (admin), "Terminate session");
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

/* ---- editing on the server: table data, routines, objects, tabs ------------------------- */

typedef struct {
	GString *out;       /* rows as "a|b\n" */
	gboolean done;
} Query;

static void
query_batch_cb (OxBatch *batch, gpointer data)
{
	Query *q = data;
	if (batch->kind == OX_BATCH_ERROR)
		g_error ("server query failed: %s", batch->error->message);
	if (batch->kind != OX_BATCH_ROWS)
		return;
	for (guint r = 0; r < batch->n_rows; r++)
		for (guint c = 0; c < batch->n_columns; c++) {
			const char *v = ox_batch_get_cell (batch, r, c);
			g_string_append_printf (q->out, "%s%s", v ? v : "NULL", c + 1 < batch->n_columns ? "|" : "\n");
		}
}

static void
query_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	g_autoptr (GError) error = NULL;
	g_assert_true (ox_connection_run_finish (OX_CONNECTION (source), result, &error));
	((Query *) data)->done = TRUE;
}

static gboolean
query_done (gpointer data)
{
	return ((Query *) data)->done;
}

/* What sql returns on the server, read through a connection of its own
 * (another session than the window's). */
static char *
server_query (const char *sql)
{
	g_autoptr (GError) error = NULL;
	OxRemoteConnection *c = ox_remote_connection_connect (server.url, REMOTE_TEST_USER, REMOTE_TEST_PASSWORD, &error);
	g_assert_no_error (error);
	Query q = { g_string_new (NULL), FALSE };
	ox_connection_run_async (OX_CONNECTION (c), sql, query_batch_cb, &q, NULL, NULL, query_done_cb, &q);
	wait_until (query_done, &q, sql);
	g_object_unref (c);
	return g_string_free (q.out, FALSE);
}

static gboolean
editor_idle (gpointer data)
{
	return !ox_data_editor_is_busy (data);
}

/* The cell entry of the data editor whose accessible name is name
 * ("column, row N"), or NULL. */
static GtkWidget *
find_cell (GtkWidget *root, const char *name)
{
	if (GTK_IS_ENTRY (root) && gtk_test_accessible_has_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL)) {
		char *err = gtk_test_accessible_check_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL, name);
		if (!err)
			return root;
		g_free (err);
	}
	for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c)) {
		GtkWidget *hit = find_cell (c, name);
		if (hit)
			return hit;
	}
	return NULL;
}

typedef struct {
	GtkWidget  *root;
	const char *name;
} CellWait;

static gboolean
cell_shown (gpointer data)
{
	CellWait *w = data;
	return find_cell (w->root, w->name) != NULL;
}

static GtkWidget *
wait_cell (GtkWidget *root, const char *name)
{
	CellWait w = { root, name };
	wait_until (cell_shown, &w, name);
	return find_cell (root, name);
}

/* Typing into a cell as the user does: the entry's text changes. */
static void
type_cell (GtkWidget *root, const char *name, const char *text)
{
	GtkWidget *entry = wait_cell (root, name);
	g_assert_true (gtk_editable_get_editable (GTK_EDITABLE (entry)));
	gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

static GtkWidget *
find_button_labelled (GtkWidget *root, const char *label)
{
	if (GTK_IS_BUTTON (root) && !g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label))
		return root;
	for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c)) {
		GtkWidget *hit = find_button_labelled (c, label);
		if (hit)
			return hit;
	}
	return NULL;
}

static void
click_button (GtkWidget *root, const char *label)
{
	GtkWidget *b = find_button_labelled (root, label);
	g_assert_nonnull (b);
	g_assert_true (gtk_widget_get_sensitive (b));
	g_signal_emit_by_name (b, "clicked");
}

/* The table data editor on a server table: a cell typed into, a row
 * added and filled, a row selected and deleted, Save; another session
 * sees exactly those changes.  A table without a primary key opens
 * read-only. */
static void
test_data_editor_remote (void)
{
	server_sql ("CREATE TABLE moons (id int PRIMARY KEY, name text, planet text);"
	            "INSERT INTO moons VALUES (1, 'Luna', 'Earth'), (2, 'Phobos', 'Mars'), (3, 'Deimos', 'Mars');"
	            "CREATE TABLE dust (grain text);"
	            "INSERT INTO dust VALUES ('fine');");
	OxWindow *win = connect_window ();
	OxDataEditor *ed = ox_window_open_table_data (win, "public", "moons");
	g_assert_nonnull (ed);
	gtk_window_present (GTK_WINDOW (ed));
	wait_until (editor_idle, ed, "the server table's rows");
	g_assert_false (ox_data_editor_is_read_only (ed));
	g_assert_cmpuint (ox_data_editor_get_n_rows (ed), ==, 3);
	GtkWidget *root = GTK_WIDGET (ed);

	/* a cell */
	type_cell (root, "name, row 1", "Moon");
	/* a new row, typed into */
	click_button (root, "_Add Row");
	g_assert_cmpuint (ox_data_editor_get_n_rows (ed), ==, 4);
	type_cell (root, "id, row 4", "4");
	type_cell (root, "name, row 4", "Titan");
	type_cell (root, "planet, row 4", "Saturn");
	/* a row selected, then Delete Rows */
	GtkSelectionModel *sel = gtk_column_view_get_model (ox_data_editor_get_grid (ed));
	gtk_selection_model_select_item (sel, 1, TRUE);
	click_button (root, "_Delete Rows");
	g_assert_cmpuint (ox_data_editor_get_n_changes (ed), ==, 3);
	g_assert_nonnull (strstr (ox_data_editor_get_message (ed), "3 unsaved changes"));
	/* nothing reached the server yet */
	g_autofree char *before = server_query ("SELECT id, name, planet FROM moons ORDER BY id");
	g_assert_cmpstr (before, ==, "1|Luna|Earth\n2|Phobos|Mars\n3|Deimos|Mars\n");
	screenshot (win, "workstation-remote-data-editor");

	click_button (root, "_Save");
	wait_until (editor_idle, ed, "the save on the server");
	g_assert_cmpuint (ox_data_editor_get_n_changes (ed), ==, 0);
	g_assert_cmpuint (ox_data_editor_get_n_rows (ed), ==, 3);
	g_autofree char *after = server_query ("SELECT id, name, planet FROM moons ORDER BY id");
	g_assert_cmpstr (after, ==, "1|Moon|Earth\n3|Deimos|Mars\n4|Titan|Saturn\n");
	gtk_window_destroy (GTK_WINDOW (ed));

	/* without a primary key: read-only, and it says why */
	OxDataEditor *ro = ox_window_open_table_data (win, "public", "dust");
	gtk_window_present (GTK_WINDOW (ro));
	wait_until (editor_idle, ro, "the key-less server table");
	g_assert_true (ox_data_editor_is_read_only (ro));
	g_assert_nonnull (strstr (ox_data_editor_get_message (ro), "has no primary key"));
	GtkWidget *cell = wait_cell (GTK_WIDGET (ro), "grain, row 1");
	g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (cell)), ==, "fine");
	g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (cell)));
	g_assert_false (gtk_widget_get_sensitive (find_button_labelled (GTK_WIDGET (ro), "_Save")));
	gtk_window_destroy (GTK_WINDOW (ro));
	g_autofree char *dust = server_query ("SELECT grain FROM dust");
	g_assert_cmpstr (dust, ==, "fine\n");
	gtk_window_destroy (GTK_WINDOW (win));
}

static GtkTreeListRow *
object_row (OxWindow *win, const char *folder, const char *name)
{
	GtkTreeListModel *tree = ox_object_browser_get_tree (ox_window_get_browser (win));
	g_autoptr (GtkTreeListRow) pub = wait_row (tree, NULL, "public");
	gtk_tree_list_row_set_expanded (pub, TRUE);
	g_autoptr (GtkTreeListRow) f = wait_row (tree, pub, folder);
	gtk_tree_list_row_set_expanded (f, TRUE);
	return wait_row (tree, f, name);
}

typedef struct {
	OxWindow   *win;
	const char *title;
} TabWait;

static gboolean
tab_titled (gpointer data)
{
	TabWait *w = data;
	OxEditorPage *page = ox_window_get_current_page (w->win);
	if (!page)
		return FALSE;
	GtkWidget *view = gtk_widget_get_ancestor (GTK_WIDGET (page), ADW_TYPE_TAB_VIEW);
	AdwTabPage *tp = adw_tab_view_get_page (ADW_TAB_VIEW (view), GTK_WIDGET (page));
	return g_str_has_prefix (adw_tab_page_get_title (tp), w->title);
}

static char *
buffer_text (OxEditorPage *page)
{
	GtkTextBuffer *buf = ox_editor_page_get_buffer (page);
	GtkTextIter s, e;
	gtk_text_buffer_get_bounds (buf, &s, &e);
	return gtk_text_buffer_get_text (buf, &s, &e, TRUE);
}

static void
replace_in_buffer (OxEditorPage *page, const char *from, const char *to)
{
	g_autofree char *text = buffer_text (page);
	const char *at = strstr (text, from);
	g_assert_nonnull (at);
	GtkTextBuffer *buf = ox_editor_page_get_buffer (page);
	GtkTextIter s, e;
	gtk_text_buffer_get_iter_at_offset (buf, &s, g_utf8_strlen (text, at - text));
	gtk_text_buffer_get_iter_at_offset (buf, &e, g_utf8_strlen (text, at - text) + g_utf8_strlen (from, -1));
	gtk_text_buffer_delete (buf, &s, &e);
	gtk_text_buffer_insert (buf, &s, to, -1);
}

static gboolean
not_saving (gpointer data)
{
	return !ox_routine_editor_is_saving (data);
}

/* The routine editor on the server: Open Definition of a function created
 * there, an edit, Save (CREATE OR REPLACE on the server: another session
 * gets the new result); a compile error underlined on its line, and the
 * server's function left as it was. */
static void
test_routine_editor_remote (void)
{
	server_sql ("CREATE FUNCTION tripled(x int) RETURNS int LANGUAGE plpgsql AS $$\n"
	            "BEGIN\n"
	            "  RETURN x * 3;\n"
	            "END\n"
	            "$$;");
	OxWindow *win = connect_window ();
	g_autoptr (GtkTreeListRow) fn = object_row (win, "Functions", "tripled");
	ox_object_browser_select (ox_window_get_browser (win), fn);
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.open-definition", NULL));
	TabWait tw = { win, "tripled" };
	wait_until (tab_titled, &tw, "the tab of tripled's definition");
	OxEditorPage *page = ox_window_get_current_page (win);
	g_assert_true (ox_routine_editor_is_routine (page));
	g_autofree char *def = buffer_text (page);
	g_assert_true (g_str_has_prefix (def, "CREATE OR REPLACE FUNCTION public.tripled(x integer)"));
	g_assert_nonnull (strstr (def, "RETURN x * 3;"));

	replace_in_buffer (page, "RETURN x * 3;", "RETURN x * 30;");
	g_assert_true (ox_routine_editor_is_modified (page));
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "workstation.save", NULL));
	wait_until (not_saving, page, "the routine saved on the server");
	g_assert_false (ox_routine_editor_is_modified (page));
	g_autofree char *v = server_query ("SELECT tripled(2)");
	g_assert_cmpstr (v, ==, "60\n");

	/* a compile error: underlined on its line, the server's function kept */
	replace_in_buffer (page, "RETURN x * 30;", "no_such_variable := 1;");
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "workstation.save", NULL));
	wait_until (not_saving, page, "the failed save on the server");
	g_assert_true (ox_routine_editor_is_modified (page));
	g_autofree char *text = buffer_text (page);
	int want_line = 0;
	for (const char *p = text; p < strstr (text, "no_such_variable"); p++)
		want_line += *p == '\n';
	GtkTextIter it;
	gtk_text_buffer_get_start_iter (ox_editor_page_get_buffer (page), &it);
	g_assert_true (gtk_text_iter_forward_to_tag_toggle (&it, ox_editor_page_get_error_tag (page)));
	g_assert_cmpint (gtk_text_iter_get_line (&it), ==, want_line);
	g_autofree char *errs = ox_editor_page_get_messages_text (page);
	g_assert_nonnull (strstr (errs, "no_such_variable"));
	g_autofree char *still = server_query ("SELECT tripled(2)");
	g_assert_cmpstr (still, ==, "60\n");
	/* (the tab has unsaved changes: destroying the window skips the prompt) */
	gtk_window_destroy (GTK_WINDOW (win));
}

/* The confirmation shown over win whose heading starts with heading, or
 * NULL (the login's dialog stays around in the tests: a response given
 * by the test does not close it). */
typedef struct {
	OxWindow   *win;
	const char *heading;
} ConfirmWait;

static AdwMessageDialog *
find_confirmation (OxWindow *win, const char *heading)
{
	return find_message_dialog (GTK_WINDOW (win), heading);
}

static gboolean
confirmation_shown (gpointer data)
{
	ConfirmWait *w = data;
	return find_confirmation (w->win, w->heading) != NULL;
}

static AdwMessageDialog *
wait_confirmation (OxWindow *win, const char *heading)
{
	ConfirmWait w = { win, heading };
	wait_until (confirmation_shown, &w, heading);
	return find_confirmation (win, heading);
}

static gboolean
browser_row_gone (gpointer data)
{
	FindData *f = data;
	g_autoptr (GtkTreeListRow) row = find_row (f->tree, f->parent, f->name);
	return row == NULL;
}

/* Rename and Drop from the browser's actions on a server table: the
 * confirmation's DDL runs on the server (another session sees it). */
static void
test_rename_drop_remote (void)
{
	server_sql ("CREATE TABLE asteroids (id int PRIMARY KEY);");
	OxWindow *win = connect_window ();
	GtkTreeListModel *tree = ox_object_browser_get_tree (ox_window_get_browser (win));
	g_autoptr (GtkTreeListRow) row = object_row (win, "Tables", "asteroids");
	g_autoptr (GtkTreeListRow) tables = gtk_tree_list_row_get_parent (row);
	ox_object_browser_select (ox_window_get_browser (win), row);

	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.rename", NULL));
	AdwMessageDialog *dialog = wait_confirmation (win, "Rename");
	gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "rocks");
	g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, "ALTER TABLE public.asteroids RENAME TO rocks;");
	adw_message_dialog_response (dialog, "rename");
	gtk_window_destroy (GTK_WINDOW (dialog));
	g_autoptr (GtkTreeListRow) rocks = wait_row (tree, tables, "rocks");
	FindData old_gone = { tree, tables, "asteroids", FALSE };
	wait_until (browser_row_gone, &old_gone, "asteroids renamed in the browser");
	g_autofree char *names = server_query ("SELECT table_name FROM information_schema.tables "
	                                       "WHERE table_name IN ('asteroids', 'rocks')");
	g_assert_cmpstr (names, ==, "rocks\n");

	ox_object_browser_select (ox_window_get_browser (win), rocks);
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.drop", NULL));
	dialog = wait_confirmation (win, "Drop");
	g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, "DROP TABLE public.rocks;");
	adw_message_dialog_response (dialog, "drop");
	gtk_window_destroy (GTK_WINDOW (dialog));
	FindData gone = { tree, tables, "rocks", FALSE };
	wait_until (browser_row_gone, &gone, "rocks gone from the browser");
	g_autofree char *left = server_query ("SELECT count(*) FROM information_schema.tables WHERE table_name = 'rocks'");
	g_assert_cmpstr (left, ==, "0\n");
	gtk_window_destroy (GTK_WINDOW (win));
}

/* The open tabs of a server connection come back when the window logs in
 * to the same server again, with their titles and text. */
static void
test_tabs_restored_remote (void)
{
	OxWindow *win = connect_window ();
	ox_window_new_tab (win, "on the server", "SELECT 'kept on the server';");
	ox_window_save_state (win);
	gtk_window_destroy (GTK_WINDOW (win));

	win = connect_window ();
	OxEditorPage *cur = ox_window_get_current_page (win);
	g_assert_nonnull (cur);
	AdwTabView *view = ADW_TAB_VIEW (gtk_widget_get_ancestor (GTK_WIDGET (cur), ADW_TYPE_TAB_VIEW));
	gboolean found = FALSE;
	for (int i = 0; i < adw_tab_view_get_n_pages (view); i++) {
		AdwTabPage *tp = adw_tab_view_get_nth_page (view, i);
		g_autofree char *t = buffer_text (OX_EDITOR_PAGE (adw_tab_page_get_child (tp)));
		if (!strcmp (t, "SELECT 'kept on the server';") && !strcmp (adw_tab_page_get_title (tp), "on the server"))
			found = TRUE;
	}
	g_assert_true (found);
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
	g_test_add_func ("/ui/remote/data-editor", test_data_editor_remote);
	g_test_add_func ("/ui/remote/routine-editor", test_routine_editor_remote);
	g_test_add_func ("/ui/remote/rename-drop", test_rename_drop_remote);
	g_test_add_func ("/ui/remote/tabs-restored", test_tabs_restored_remote);
	int rc = g_test_run ();
	remote_server_stop (&server);
	ui_test_finish ();
	return rc;
}

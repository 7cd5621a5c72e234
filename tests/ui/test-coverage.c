/*
 * test-coverage.c — workstation features that no other UI test reached
 * (Xvfb under meson test), each checked by what the user sees:
 *   - the command line: `oxibase-workstation --demo` and `... PATH` open a
 *     window on the demo database / on the directory (the application's
 *     own command-line handler, in this process, and the real binary);
 *     a PATH that is not a database says so and leaves the start page up;
 *   - the start page's actions: open a database directory and create one
 *     (the file chooser answered as a user would), open a scratch database;
 *   - the object browser: Open Data (action and row activation) shows the
 *     rows, every New … template runs without error, Ctrl+R picks up an
 *     object created by another session, a table's Indexes and Constraints;
 *   - the SQL editor: only the selection runs, an error's tooltip has the
 *     message and the HINT, PL/SQL keywords are highlighted in a body,
 *     completion of schemas and of a procedure with its signature;
 *   - results and plans: the elapsed time counts and Cancel is sensitive
 *     while a statement runs; EXPLAIN ANALYZE's time bars;
 *   - accessibility of the debugger's panels and of every entry and
 *     drop-down;
 *   - a real restart: the settings file closed and opened again brings
 *     back the tabs and the window and pane geometry.
 *
 * What can go wrong: the session bus.  The in-process application is
 * NON_UNIQUE and the process has no session bus (main () points
 * DBUS_SESSION_BUS_ADDRESS nowhere, so nothing autolaunches one and
 * GApplication proceeds alone); the real binary is unique and runs under
 * its own dbus-run-session (and its process group is ended, or the bus
 * would outlive the test).  Waits have deadlines; what sleeps: the pause
 * that shows an object is NOT there before Ctrl+R, the polls of the real
 * binary, and the pauses that let GTK's file chooser load a folder.
 * The file chooser (GTK 4.8's own dialog, no portal under Xvfb) ignores
 * an accept while it checks the typed name, so the test presses it
 * until the dialog closes.
 */
#include "ui-test-util.h"
#include "ox-completion.h"
#include "ox-embedded-connection.h"
#include "ox-object-actions.h"
#include "ox-plan-view.h"
#include "ox-result-row.h"
#include "ox-routine-editor.h"
#include "ox-debug-panels.h"
#include "oxibase.h"

#include <gtksourceview/gtksource.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <string.h>

extern const char ox_cli_demo_sql[];

/* ---- helpers ---------------------------------------------------------------------- */

static gboolean
tick_cb (gpointer data)
{
	(void) data;
	return G_SOURCE_CONTINUE;
}

/* Iterate the main context for ms milliseconds (to show something does
 * NOT happen by itself). */
static void
spin (guint ms)
{
	gint64 end = g_get_monotonic_time () + ms * 1000;
	guint tick = g_timeout_add (20, tick_cb, NULL);
	while (g_get_monotonic_time () < end)
		g_main_context_iteration (NULL, TRUE);
	g_source_remove (tick);
}

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

/* A GtkLabel below root whose text contains needle. */
static GtkWidget *
find_label_containing (GtkWidget *root, const char *needle)
{
	if (GTK_IS_LABEL (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), needle))
		return root;
	for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c)) {
		GtkWidget *hit = find_label_containing (c, needle);
		if (hit)
			return hit;
	}
	return NULL;
}

typedef struct {
	GtkWidget  *root;
	const char *needle;
} ContainsWait;

static gboolean
label_containing_shown (gpointer data)
{
	ContainsWait *w = data;
	return find_label_containing (w->root, w->needle) != NULL;
}

static GtkButton *
find_button_labelled (GtkWidget *root, const char *label)
{
	if (GTK_IS_BUTTON (root) && !g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label))
		return GTK_BUTTON (root);
	for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c)) {
		GtkButton *hit = find_button_labelled (c, label);
		if (hit)
			return hit;
	}
	return NULL;
}

static AdwWindowTitle *
window_title (OxWindow *win)
{
	GtkWidget *t = find_type (GTK_WIDGET (win), ADW_TYPE_WINDOW_TITLE);
	g_assert_nonnull (t);
	return ADW_WINDOW_TITLE (t);
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

static OxEditorPage *
wait_tab (OxWindow *win, const char *title)
{
	TabWait w = { win, title };
	wait_until (tab_titled, &w, title);
	return ox_window_get_current_page (win);
}

static gboolean
not_saving (gpointer data)
{
	return !ox_routine_editor_is_saving (data);
}

static GtkTreeListRow *
folder_row (OxWindow *win, const char *folder)
{
	GtkTreeListModel *tree = ox_object_browser_get_tree (ox_window_get_browser (win));
	g_autoptr (GtkTreeListRow) pub = wait_row (tree, NULL, "public");
	gtk_tree_list_row_set_expanded (pub, TRUE);
	return wait_row (tree, pub, folder);
}

static GtkTreeListRow *
object_row (OxWindow *win, const char *folder, const char *name)
{
	GtkTreeListModel *tree = ox_object_browser_get_tree (ox_window_get_browser (win));
	g_autoptr (GtkTreeListRow) f = folder_row (win, folder);
	gtk_tree_list_row_set_expanded (f, TRUE);
	return wait_row (tree, f, name);
}

static GtkWidget *
find_list_view (GtkWidget *root)
{
	return find_type (root, GTK_TYPE_LIST_VIEW);
}

/* The first grid's rows, once the run is over. */
static GListModel *
grid_rows (OxEditorPage *page, guint n)
{
	wait_until (page_idle, page, "the run");
	GtkColumnView *grid = ox_editor_page_get_grid (page, n);
	g_assert_nonnull (grid);
	return G_LIST_MODEL (gtk_column_view_get_model (grid));
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
destroy_all_windows (void)
{
	GListModel *tops = gtk_window_get_toplevels ();
	while (g_list_model_get_n_items (tops) > 0) {
		g_autoptr (GtkWindow) w = g_list_model_get_item (tops, 0);
		gtk_window_destroy (w);
	}
	while (g_main_context_iteration (NULL, FALSE))
		;
}

/* ---- 1. the command line ------------------------------------------------------------ */

typedef struct {
	OxApplication *app;
	void         (*check) (OxWindow *win, gpointer data);
	gpointer       data;
	guint          windows;
} AppRun;

static gboolean
app_check_cb (gpointer data)
{
	AppRun *r = data;
	GList *wins = gtk_application_get_windows (GTK_APPLICATION (r->app));
	r->windows = g_list_length (wins);
	g_assert_cmpuint (r->windows, ==, 1);
	OxWindow *win = OX_WINDOW (wins->data);
	g_assert_true (gtk_widget_get_visible (GTK_WIDGET (win)));
	r->check (win, r->data);
	gtk_window_destroy (GTK_WINDOW (win));  /* the application's last window: run () returns */
	return G_SOURCE_REMOVE;
}

/* Run the workstation's GApplication in this process with argv, as
 * `oxibase-workstation ARGS` would, and check its one window. */
static int
run_app (const char *const *args, void (*check) (OxWindow *win, gpointer data), gpointer data)
{
	AppRun r = { ox_application_new (ox_cli_demo_sql), check, data, 0 };
	g_application_set_flags (G_APPLICATION (r.app),
	                         g_application_get_flags (G_APPLICATION (r.app)) | G_APPLICATION_NON_UNIQUE);
	g_autoptr (GPtrArray) argv = g_ptr_array_new ();
	g_ptr_array_add (argv, (gpointer) "oxibase-workstation");
	for (guint i = 0; args[i]; i++)
		g_ptr_array_add (argv, (gpointer) args[i]);
	g_ptr_array_add (argv, NULL);
	g_idle_add (app_check_cb, &r);
	int rc = g_application_run (G_APPLICATION (r.app), (int) argv->len - 1, (char **) argv->pdata);
	g_assert_cmpuint (r.windows, ==, 1);
	g_object_unref (r.app);
	return rc;
}

static void
check_demo (OxWindow *win, gpointer data)
{
	(void) data;
	wait_until (connected, win, "the demo database");
	g_assert_cmpstr (adw_window_title_get_subtitle (window_title (win)), ==, "demo database");
	g_autoptr (GtkTreeListRow) row = object_row (win, "Tables", "customers");
	screenshot (win, "coverage-command-line-demo");
}

typedef struct {
	const char *path;
	const char *table;  /* to create, or to find */
	gboolean    create;
} PathCheck;

static void
check_path (OxWindow *win, gpointer data)
{
	PathCheck *pc = data;
	wait_until (connected, win, pc->path);
	g_assert_cmpstr (adw_window_title_get_subtitle (window_title (win)), ==, pc->path);
	if (pc->create) {
		OxEditorPage *page = ox_window_get_current_page (win);
		g_autofree char *sql = g_strdup_printf ("CREATE TABLE %s (x int);", pc->table);
		set_text (page, sql, NULL);
		run (page, "editor.run-script");
	}
	g_autoptr (GtkTreeListRow) row = object_row (win, "Tables", pc->table);
}

static void
check_not_a_database (OxWindow *win, gpointer data)
{
	const char *path = data;
	/* the start page stays, and a toast names the problem */
	ContainsWait w = { GTK_WIDGET (win), path };
	wait_until (label_containing_shown, &w, "a message naming the path");
	const char *said = gtk_label_get_text (GTK_LABEL (find_label_containing (GTK_WIDGET (win), path)));
	g_test_message ("%s", said);
	g_assert_nonnull (strstr (said, "Not a directory"));
	g_assert_null (ox_window_get_connection (win));
	screenshot (win, "coverage-not-a-database");
}

static void
test_command_line (void)
{
	const char *demo[] = { "--demo", NULL };
	g_assert_cmpint (run_app (demo, check_demo, NULL), ==, 0);

	/* a directory that does not exist yet is created; opened again, it
	 * has what the first window put in it */
	g_autofree char *dir = g_build_filename (tmpdir, "cli-db", NULL);
	const char *path[] = { dir, NULL };
	PathCheck pc = { dir, "made_from_cli", TRUE };
	g_assert_cmpint (run_app (path, check_path, &pc), ==, 0);
	pc.create = FALSE;
	g_assert_cmpint (run_app (path, check_path, &pc), ==, 0);

	/* a file that is not a database directory */
	g_autofree char *file = g_build_filename (tmpdir, "notes.txt", NULL);
	g_assert_true (g_file_set_contents (file, "not a database\n", -1, NULL));
	const char *bad[] = { file, NULL };
	g_assert_cmpint (run_app (bad, check_not_a_database, file), ==, 0);
	destroy_all_windows ();
}

static void
own_group (gpointer data)
{
	(void) data;
	setpgid (0, 0);
}

/* The real binary, on a session bus of its own: --demo creates the demo
 * database in its XDG data directory and keeps running (a window up). */
static void
test_real_binary (void)
{
	const char *exe = g_getenv ("OX_WORKSTATION");
	g_autofree char *drs = g_find_program_in_path ("dbus-run-session");
	if (!exe || !drs) {
		g_test_skip ("OX_WORKSTATION or dbus-run-session missing");
		return;
	}
	g_autofree char *home = g_build_filename (tmpdir, "real-home", NULL);
	g_autofree char *config = g_build_filename (home, "config", NULL);
	g_autofree char *datadir = g_build_filename (home, "data", NULL);
	g_autofree char *demo = g_build_filename (datadir, "oxibase", "demo", NULL);
	g_auto (GStrv) env = g_get_environ ();
	env = g_environ_setenv (env, "XDG_CONFIG_HOME", config, TRUE);
	env = g_environ_setenv (env, "XDG_DATA_HOME", datadir, TRUE);
	env = g_environ_unsetenv (env, "DBUS_SESSION_BUS_ADDRESS");
	const char *argv[] = { "dbus-run-session", "--", exe, "--demo", NULL };
	GPid pid;
	g_autoptr (GError) error = NULL;
	g_assert_true (g_spawn_async (NULL, (char **) argv, env, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
	                              own_group, NULL, &pid, &error));
	g_assert_no_error (error);
	/* the demo directory appears, and the settings file records it */
	gint64 end = g_get_monotonic_time () + DEADLINE_S * G_TIME_SPAN_SECOND;
	g_autofree char *settings = g_build_filename (config, "oxibase", "workstation.db", NULL);
	while (!g_file_test (demo, G_FILE_TEST_IS_DIR) || !g_file_test (settings, G_FILE_TEST_EXISTS)) {
		g_assert_cmpint (g_get_monotonic_time (), <, end);
		int status;
		g_assert_cmpint (waitpid (pid, &status, WNOHANG), ==, 0);  /* still running */
		g_usleep (50000);
	}
	g_usleep (500000);
	int status;
	g_assert_cmpint (waitpid (pid, &status, WNOHANG), ==, 0);  /* did not crash once open */
	/* the whole group: dbus-run-session, its bus and the workstation */
	kill (-pid, SIGTERM);
	waitpid (pid, &status, 0);
	g_spawn_close_pid (pid);
}

/* ---- 2. the start page ------------------------------------------------------------- */

/* The file chooser the start page shows (GtkFileChooserNative falls back
 * to a GtkFileChooserDialog without a portal): answer it as a user
 * would, with a file and the accept button. */
static GtkFileChooserDialog *
find_chooser (void)
{
	GListModel *tops = gtk_window_get_toplevels ();
	for (guint i = 0; i < g_list_model_get_n_items (tops); i++) {
		g_autoptr (GObject) w = g_list_model_get_item (tops, i);
		if (GTK_IS_FILE_CHOOSER_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
			return GTK_FILE_CHOOSER_DIALOG (w);
	}
	return NULL;
}

static gboolean
chooser_shown (gpointer data)
{
	(void) data;
	return find_chooser () != NULL;
}

G_GNUC_UNUSED static void  /* not under ASan, see test_start_page */
answer_chooser (const char *path, gboolean create)
{
	wait_until (chooser_shown, NULL, "the file chooser");
	GtkFileChooserDialog *d = find_chooser ();
	g_autoptr (GFile) f = g_file_new_for_path (path);
	/* let the first folder load: changing folders while one loads makes
	 * GTK 4.8 report "Operation was cancelled" in a dialog of its own */
	spin (500);
	G_GNUC_BEGIN_IGNORE_DEPRECATIONS
	if (create) {
		/* typed as a whole path, as a user may: it does not depend on
		 * the folder shown having loaded */
		gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (d), path);
	} else {
		/* into the directory, nothing selected: Open takes the folder shown */
		g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (d), f, NULL));
		spin (500);
	}
	/* the chooser checks the name asynchronously (the folder loads
	 * first) and ignores an early accept: press it until it closes */
	for (int i = 0; find_chooser () == d; i++) {
		g_assert_cmpint (i, <, DEADLINE_S * 2);
		gtk_dialog_response (GTK_DIALOG (d), GTK_RESPONSE_ACCEPT);
		spin (500);
	}
	G_GNUC_END_IGNORE_DEPRECATIONS
}

static OxWindow *
start_window (void)
{
	OxWindow *win = ox_window_new (NULL, store, ox_cli_demo_sql);
	gtk_window_present (GTK_WINDOW (win));
	return win;
}

static void
test_start_page (void)
{
	OxWindow *win;
	OxEditorPage *page;
#if defined(__SANITIZE_ADDRESS__)
	/* GTK 4.8's own file chooser leaks (tree paths from
	 * gtk_tree_view_get_visible_range, GIO's file infos): LeakSanitizer
	 * would report GTK, not us.  The plain build drives the chooser. */
	g_test_message ("the file chooser part runs in the plain build only");
#else
	/* Create: a new directory, opened, with the name the user typed */
	g_autofree char *created = g_build_filename (tmpdir, "made-by-chooser", NULL);
	win = start_window ();
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "workstation.create-database", NULL));
	answer_chooser (created, TRUE);
	wait_until (connected, win, "the created database");
	g_assert_true (g_file_test (created, G_FILE_TEST_IS_DIR));
	g_assert_cmpstr (adw_window_title_get_subtitle (window_title (win)), ==, created);
	page = ox_window_get_current_page (win);
	set_text (page, "CREATE TABLE from_chooser (x int); INSERT INTO from_chooser VALUES (42);", NULL);
	run (page, "editor.run-script");
	gtk_window_destroy (GTK_WINDOW (win));

	/* Open: the same directory, with its table and row */
	win = start_window ();
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "workstation.open-database", NULL));
	answer_chooser (created, FALSE);
	wait_until (connected, win, "the opened database");
	g_assert_cmpstr (adw_window_title_get_subtitle (window_title (win)), ==, created);
	g_autoptr (GtkTreeListRow) t = object_row (win, "Tables", "from_chooser");
	page = ox_window_get_current_page (win);
	set_text (page, "SELECT x FROM from_chooser;", NULL);
	run (page, "editor.run-statement");
	LabelData ld = { GTK_WIDGET (ox_editor_page_get_grid (page, 0)), "42", NULL };
	wait_until (label_shown, &ld, "the row written before");
	gtk_window_destroy (GTK_WINDOW (win));

	/* Cancel: nothing opens */
	win = start_window ();
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "workstation.open-database", NULL));
	wait_until (chooser_shown, NULL, "the file chooser");
	G_GNUC_BEGIN_IGNORE_DEPRECATIONS
	gtk_dialog_response (GTK_DIALOG (find_chooser ()), GTK_RESPONSE_CANCEL);
	G_GNUC_END_IGNORE_DEPRECATIONS
	spin (200);
	g_assert_null (ox_window_get_connection (win));
	gtk_window_destroy (GTK_WINDOW (win));
#endif

	/* Scratch: in memory, said so in the subtitle, empty and usable */
	win = start_window ();
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "workstation.open-scratch", NULL));
	wait_until (connected, win, "the scratch database");
	g_assert_cmpstr (adw_window_title_get_subtitle (window_title (win)), ==, "in memory, gone when the window closes");
	page = ox_window_get_current_page (win);
	set_text (page, "CREATE TABLE scratchy (x int); SELECT count(*) AS n FROM scratchy;", NULL);
	run (page, "editor.run-script");
	g_autofree char *msgs = ox_editor_page_get_messages_text (page);
	g_assert_null (strstr (msgs, "ERROR"));
	g_autoptr (GtkTreeListRow) s = object_row (win, "Tables", "scratchy");
	gtk_window_destroy (GTK_WINDOW (win));
	destroy_all_windows ();
}

/* ---- 3. the object browser ---------------------------------------------------------- */

static void
test_open_data (void)
{
	OxWindow *win = open_demo_window ();
	OxObjectBrowser *browser = ox_window_get_browser (win);
	/* the context menu's Open Data */
	g_autoptr (GtkTreeListRow) customers = object_row (win, "Tables", "customers");
	ox_object_browser_select (browser, customers);
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.open-data", NULL));
	OxEditorPage *page = wait_tab (win, "customers");
	GListModel *rows = grid_rows (page, 0);
	g_assert_cmpuint (g_list_model_get_n_items (rows), >, 5);
	LabelData ld = { GTK_WIDGET (ox_editor_page_get_grid (page, 0)), "Ada Lovelace", NULL };
	wait_until (label_shown, &ld, "Ada Lovelace in the grid");

	/* a double-click (the list's activation) on a view */
	g_autoptr (GtkTreeListRow) v = object_row (win, "Views", "order_totals");
	GtkWidget *list = find_list_view (GTK_WIDGET (browser));
	g_assert_nonnull (list);
	g_signal_emit_by_name (list, "activate", gtk_tree_list_row_get_position (v));
	page = wait_tab (win, "order_totals");
	rows = grid_rows (page, 0);
	g_assert_cmpuint (g_list_model_get_n_items (rows), >, 0);
	g_autoptr (GtkColumnViewColumn) c0 = g_list_model_get_item (
		gtk_column_view_get_columns (ox_editor_page_get_grid (page, 0)), 0);
	g_assert_true (g_str_has_prefix (gtk_column_view_column_get_title (c0), "order_id\n"));
	gtk_window_destroy (GTK_WINDOW (win));
}

static void
test_new_templates (void)
{
	OxWindow *win = open_demo_window ();
	OxObjectBrowser *browser = ox_window_get_browser (win);
	GtkTreeListModel *tree = ox_object_browser_get_tree (browser);
	static const struct {
		const char *action, *title, *folder, *name;
		gboolean    routine;
	} kinds[] = {
		{ "objects.new-table", "New table", "Tables", "new_table", FALSE },
		{ "objects.new-view", "New view", "Views", "new_view", FALSE },
		{ "objects.new-procedure", "New procedure", "Procedures", "new_procedure", TRUE },
		/* on the table the New table template made: the trigger is its */
		{ "objects.new-trigger", "New trigger", "new_table", "new_trigger_function", TRUE },
		{ "objects.new-schedule", "New schedule", "Schedules", "new_schedule", FALSE },
	};
	for (guint i = 0; i < G_N_ELEMENTS (kinds); i++) {
		g_test_message ("%s", kinds[i].action);
		g_autoptr (GtkTreeListRow) folder = !strcmp (kinds[i].folder, "new_table")
			? object_row (win, "Tables", "new_table") : folder_row (win, kinds[i].folder);
		ox_object_browser_select (browser, folder);
		g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), kinds[i].action, NULL));
		OxEditorPage *page = wait_tab (win, kinds[i].title);
		g_autofree char *text = buffer_text (page);
		g_assert_nonnull (strstr (text, kinds[i].name));
		if (kinds[i].routine) {
			g_assert_true (ox_routine_editor_is_routine (page));
			g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "workstation.save", NULL));
			wait_until (not_saving, page, "the new routine saved");
			g_assert_false (ox_routine_editor_is_modified (page));
		} else {
			run (page, "editor.run-script");
		}
		g_autofree char *msgs = ox_editor_page_get_messages_text (page);
		g_test_message ("%s", msgs);
		g_assert_null (strstr (msgs, "ERROR"));
		gtk_tree_list_row_set_expanded (folder, TRUE);
		if (!strcmp (kinds[i].folder, "new_table")) {
			g_autoptr (GtkTreeListRow) trg = wait_row (tree, folder, "Triggers");
			gtk_tree_list_row_set_expanded (trg, TRUE);
			g_object_unref (wait_row (tree, trg, "new_trigger"));
		} else {
			g_object_unref (wait_row (tree, folder, kinds[i].name));
		}
	}
	gtk_window_destroy (GTK_WINDOW (win));
}

static void
test_refresh_and_folders (void)
{
	OxWindow *win = open_demo_window ();
	GtkTreeListModel *tree = ox_object_browser_get_tree (ox_window_get_browser (win));
	g_autoptr (GtkTreeListRow) tables = folder_row (win, "Tables");
	gtk_tree_list_row_set_expanded (tables, TRUE);
	g_object_unref (wait_row (tree, tables, "customers"));

	/* another session of the same database creates a table: the browser
	 * does not know until Ctrl+R */
	OxDatabase *db = ox_embedded_connection_get_database (OX_EMBEDDED_CONNECTION (ox_window_get_connection (win)));
	OxSession *s = NULL;
	OxError err = { 0 };
	g_assert_cmpint (ox_session_new (db, &s, &err), ==, OX_OK);
	g_assert_cmpint (ox_exec (s, "CREATE TABLE behind_the_back (x int)", &err), ==, OX_OK);
	ox_session_free (s);
	ox_error_clear (&err);
	spin (300);
	GtkTreeListRow *early = find_row (tree, tables, "behind_the_back");
	g_assert_null (early);
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "workstation.refresh", NULL));
	g_object_unref (wait_row (tree, tables, "behind_the_back"));

	/* a table's Indexes and Constraints: the demo's, named as PostgreSQL
	 * names them */
	g_autoptr (GtkTreeListRow) orders = wait_row (tree, tables, "orders");
	gtk_tree_list_row_set_expanded (orders, TRUE);
	g_autoptr (GtkTreeListRow) idx = wait_row (tree, orders, "Indexes");
	gtk_tree_list_row_set_expanded (idx, TRUE);
	g_object_unref (wait_row (tree, idx, "orders_customer_idx"));
	g_object_unref (wait_row (tree, idx, "orders_pkey"));
	g_autoptr (GtkTreeListRow) cons = wait_row (tree, orders, "Constraints");
	gtk_tree_list_row_set_expanded (cons, TRUE);
	g_object_unref (wait_row (tree, cons, "orders_pkey"));
	g_object_unref (wait_row (tree, cons, "orders_status_check"));
	g_autoptr (GtkTreeListRow) products = wait_row (tree, tables, "products");
	gtk_tree_list_row_set_expanded (products, TRUE);
	g_autoptr (GtkTreeListRow) pcons = wait_row (tree, products, "Constraints");
	gtk_tree_list_row_set_expanded (pcons, TRUE);
	g_object_unref (wait_row (tree, pcons, "products_sku_key"));
	g_object_unref (wait_row (tree, pcons, "products_price_check"));
	screenshot (win, "coverage-browser-folders");
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- 4. the SQL editor -------------------------------------------------------------- */

static void
select_range (OxEditorPage *page, const char *text, const char *from, const char *to_excl)
{
	GtkTextBuffer *buf = ox_editor_page_get_buffer (page);
	GtkTextIter s, e;
	const char *a = strstr (text, from);
	g_assert_nonnull (a);
	const char *b = strstr (a, to_excl);  /* the first after from */
	g_assert_true (b && a < b);
	gtk_text_buffer_get_iter_at_offset (buf, &s, g_utf8_strlen (text, a - text));
	gtk_text_buffer_get_iter_at_offset (buf, &e, g_utf8_strlen (text, b - text));
	gtk_text_buffer_select_range (buf, &s, &e);
}

static void
test_run_selection (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_get_current_page (win);
	static const char text[] = "SELECT 1 AS a;\nSELECT 2 AS b, 3 AS c;\nSELECT 4 AS d;\n";
	gtk_text_buffer_set_text (ox_editor_page_get_buffer (page), text, -1);
	/* part of one statement: only "SELECT 2 AS b" runs */
	select_range (page, text, "SELECT 2", ", 3 AS c");
	run (page, "editor.run-statement");
	GListModel *cols = gtk_column_view_get_columns (ox_editor_page_get_grid (page, 0));
	g_assert_cmpuint (g_list_model_get_n_items (cols), ==, 1);
	g_autoptr (GtkColumnViewColumn) b = g_list_model_get_item (cols, 0);
	g_assert_true (g_str_has_prefix (gtk_column_view_column_get_title (b), "b\n"));
	g_assert_null (ox_editor_page_get_grid (page, 1));
	/* two statements selected: both, and not the third */
	select_range (page, text, "SELECT 1", "SELECT 4");
	run (page, "editor.run-statement");
	g_assert_nonnull (ox_editor_page_get_grid (page, 1));
	g_assert_null (ox_editor_page_get_grid (page, 2));
	g_autoptr (GtkColumnViewColumn) c = g_list_model_get_item (
		gtk_column_view_get_columns (ox_editor_page_get_grid (page, 1)), 1);
	g_assert_true (g_str_has_prefix (gtk_column_view_column_get_title (c), "c\n"));
	/* the header bar's Run does the same (workstation.run-statement) */
	select_range (page, text, "SELECT 4", ";");
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "workstation.run-statement", NULL));
	wait_until (page_idle, page, "the header bar's run");
	g_autoptr (GtkColumnViewColumn) d = g_list_model_get_item (
		gtk_column_view_get_columns (ox_editor_page_get_grid (page, 0)), 0);
	g_assert_true (g_str_has_prefix (gtk_column_view_column_get_title (d), "d\n"));
	gtk_window_destroy (GTK_WINDOW (win));
}

static void
test_error_tooltip (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_get_current_page (win);
	/* PostgreSQL: 42883 with "HINT:  No function matches the given name
	 * and argument types. You might need to add explicit type casts." */
	static const char text[] = "SELECT 1;\nSELECT no_such_function(1, 'x');\n";
	set_text (page, text, NULL);
	run (page, "editor.run-script");
	GtkWidget *view = ox_editor_page_get_source_view (page);
	g_assert_true (gtk_widget_get_has_tooltip (view));
	GtkTextIter it;
	gtk_text_buffer_get_iter_at_offset (ox_editor_page_get_buffer (page), &it,
	                                    strstr (text, "no_such_function") - text + 10);
	const char *tip = ox_editor_page_get_tooltip_at (page, &it);
	g_assert_nonnull (tip);
	g_test_message ("%s", tip);
	g_assert_true (g_str_has_prefix (tip, "42883: function no_such_function(integer, unknown) does not exist"));
	g_assert_nonnull (strstr (tip, "\nHINT: No function matches the given name and argument types. "
	                               "You might need to add explicit type casts."));
	/* off the underline there is no tooltip */
	gtk_text_buffer_get_iter_at_offset (ox_editor_page_get_buffer (page), &it, 2);
	g_assert_null (ox_editor_page_get_tooltip_at (page, &it));
	/* and the hint is in Messages too */
	g_autofree char *msgs = ox_editor_page_get_messages_text (page);
	g_assert_nonnull (strstr (msgs, "HINT:  No function matches"));
	gtk_window_destroy (GTK_WINDOW (win));
}

static gboolean
has_class_at (GtkSourceBuffer *buf, const char *text, const char *needle, guint skip, const char *klass)
{
	const char *at = strstr (text, needle);
	g_assert_nonnull (at);
	GtkTextIter it;
	gtk_text_buffer_get_iter_at_offset (GTK_TEXT_BUFFER (buf), &it, g_utf8_strlen (text, at - text) + skip);
	return gtk_source_buffer_iter_has_context_class (buf, &it, klass);
}

/* A tag at needle that changes how the text looks (the style's colour
 * or weight). */
static gboolean
styled_at (GtkSourceBuffer *buf, const char *text, const char *needle)
{
	const char *at = strstr (text, needle);
	GtkTextIter it;
	gtk_text_buffer_get_iter_at_offset (GTK_TEXT_BUFFER (buf), &it, g_utf8_strlen (text, at - text) + 1);
	GSList *tags = gtk_text_iter_get_tags (&it);
	gboolean styled = FALSE;
	for (GSList *l = tags; l; l = l->next) {
		gboolean fg = FALSE, weight = FALSE;
		g_object_get (l->data, "foreground-set", &fg, "weight-set", &weight, NULL);
		styled |= fg || weight;
	}
	g_slist_free (tags);
	return styled;
}

static void
test_plsql_highlight (void)
{
	OxWindow *win = open_demo_window ();
	static const char text[] =
		"CREATE FUNCTION hl(n integer) RETURNS integer LANGUAGE plpgsql AS $$\n"
		"DECLARE\n"
		"  k integer := 0;\n"
		"BEGIN\n"
		"  WHILE k < n LOOP\n"
		"    k := k + 1;\n"
		"  END LOOP;\n"
		"  RAISE NOTICE 'done %', k;\n"
		"  RETURN k;\n"
		"END\n"
		"$$;\n"
		"SELECT plain_name FROM customers;\n";
	OxEditorPage *page = ox_window_new_tab (win, "plsql", text);
	GtkSourceBuffer *buf = GTK_SOURCE_BUFFER (ox_editor_page_get_buffer (page));
	GtkTextIter s, e;
	gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (buf), &s, &e);
	gtk_source_buffer_ensure_highlight (buf, &s, &e);
	const char *kw[] = { "DECLARE", "WHILE", "LOOP;", "RAISE", "NOTICE", "RETURN k" };
	for (guint i = 0; i < G_N_ELEMENTS (kw); i++) {
		g_test_message ("%s", kw[i]);
		g_assert_true (has_class_at (buf, text, kw[i], 1, "plsql-keyword"));
		g_assert_true (styled_at (buf, text, kw[i]));
	}
	/* identifiers and strings in the body are not keywords */
	g_assert_false (has_class_at (buf, text, "k integer", 0, "plsql-keyword"));
	g_assert_false (has_class_at (buf, text, "done %", 1, "plsql-keyword"));
	g_assert_true (has_class_at (buf, text, "done %", 1, "string"));
	g_assert_false (has_class_at (buf, text, "plain_name", 1, "plsql-keyword"));
	g_assert_false (styled_at (buf, text, "plain_name"));
	gtk_window_destroy (GTK_WINDOW (win));
}

typedef struct {
	OxCompletion *completion;
	const char   *text;
	const char   *want;
} ProposeWait;

static GListModel *
propose (OxCompletion *c, const char *text)
{
	const char *bar = strchr (text, '|');
	g_assert_nonnull (bar);
	g_autofree char *head = g_strndup (text, bar - text);
	g_autofree char *t = g_strconcat (head, bar + 1, NULL);
	return ox_completion_propose (c, t, bar - text);
}

static gboolean
find_item (GListModel *m, const char *name, const char **detail, char **insert)
{
	for (guint i = 0; i < g_list_model_get_n_items (m); i++) {
		g_autoptr (OxCompletionItem) item = g_list_model_get_item (m, i);
		if (!strcmp (ox_completion_item_get_name (item), name)) {
			if (detail)
				*detail = ox_completion_item_get_detail (item);
			if (insert)
				*insert = ox_completion_item_get_insert_text (item);
			return TRUE;
		}
	}
	return FALSE;
}

static gboolean
proposes (gpointer data)
{
	ProposeWait *w = data;
	g_autoptr (GListModel) m = propose (w->completion, w->text);
	return find_item (m, w->want, NULL, NULL);
}

static void
test_completion_schemas_procedures (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_get_current_page (win);
	OxCompletion *c = ox_completion_get_for_view (GTK_SOURCE_VIEW (ox_editor_page_get_source_view (page)));
	g_assert_nonnull (c);
	set_text (page, "CREATE SCHEMA sales_zone;\n"
	                "CREATE PROCEDURE sales_zone.restock(IN p_sku text, IN p_qty integer) LANGUAGE plpgsql "
	                "AS $$ BEGIN RAISE NOTICE '%', p_qty; END $$;\n", NULL);
	run (page, "editor.run-script");
	g_autofree char *msgs = ox_editor_page_get_messages_text (page);
	g_assert_null (strstr (msgs, "ERROR"));

	/* schema names: the demo's public and the new one */
	ProposeWait w = { c, "SELECT * FROM sales|", "sales_zone" };
	wait_until (proposes, &w, "sales_zone among the proposals");
	g_autoptr (GListModel) schemas = propose (c, "SELECT * FROM pub|");
	g_assert_true (find_item (schemas, "public", NULL, NULL));
	g_assert_false (find_item (schemas, "sales_zone", NULL, NULL));
	/* a schema's procedure with its signature, after "schema." */
	w = (ProposeWait) { c, "CALL sales_zone.re|", "restock" };
	wait_until (proposes, &w, "restock after sales_zone.");
	g_autoptr (GListModel) procs = propose (c, "CALL sales_zone.re|");
	const char *detail = NULL;
	g_autofree char *insert = NULL;
	g_assert_true (find_item (procs, "restock", &detail, &insert));
	g_test_message ("restock: %s, inserts %s", detail, insert);
	g_assert_cmpstr (detail, ==, "(p_sku text, p_qty integer)");
	g_assert_cmpstr (insert, ==, "restock()");
	/* the demo's own procedure, unqualified */
	g_autoptr (GListModel) demo = propose (c, "CALL place_|");
	g_assert_true (find_item (demo, "place_order", &detail, NULL));
	g_assert_true (g_str_has_prefix (detail, "("));
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- 5. results and plans ---------------------------------------------------------- */

typedef struct {
	OxEditorPage *page;
	GtkLabel     *status;
	GPtrArray    *seen;  /* distinct "Running… N" texts */
} Elapsed;

static GtkLabel *
running_label (OxEditorPage *page)
{
	GtkWidget *l = find_label_containing (GTK_WIDGET (page), "Running…");
	return l ? GTK_LABEL (l) : NULL;
}

static gboolean
elapsed_counts (gpointer data)
{
	Elapsed *e = data;
	GtkLabel *l = running_label (e->page);
	if (!l)
		return FALSE;
	const char *t = gtk_label_get_text (l);
	if (g_str_has_prefix (t, "Running… ") &&
	    (!e->seen->len || strcmp (g_ptr_array_index (e->seen, e->seen->len - 1), t)))
		g_ptr_array_add (e->seen, g_strdup (t));
	return e->seen->len >= 3;
}

static void
test_elapsed_and_cancel (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_new_tab (win, "sleep", "SELECT pg_sleep(30);");
	GtkButton *cancel = find_button_labelled (GTK_WIDGET (page), "Cancel");
	g_assert_nonnull (cancel);
	g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (cancel)));
	gtk_widget_activate_action (GTK_WIDGET (page), "editor.run-script", NULL);
	g_assert_true (ox_editor_page_is_running (page));
	/* the label counts: three different times, each larger */
	Elapsed e = { page, NULL, g_ptr_array_new_with_free_func (g_free) };
	wait_until (elapsed_counts, &e, "the elapsed time counting");
	double last = -1;
	for (guint i = 0; i < e.seen->len; i++) {
		const char *t = (const char *) g_ptr_array_index (e.seen, i) + strlen ("Running… ");
		double v = g_ascii_strtod (t, NULL) * (strstr (t, " s") ? 1000 : 1);
		g_test_message ("%s", (char *) g_ptr_array_index (e.seen, i));
		g_assert_cmpfloat (v, >, last);
		last = v;
	}
	g_ptr_array_unref (e.seen);
	g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (cancel)));
	screenshot (win, "coverage-running");
	/* the user clicks Cancel */
	g_signal_emit_by_name (cancel, "clicked");
	wait_until (page_idle, page, "the cancelled sleep");
	g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (cancel)));
	ContainsWait w = { GTK_WIDGET (page), "Cancelled after " };
	wait_until (label_containing_shown, &w, "Cancelled after …");
	g_autofree char *msgs = ox_editor_page_get_messages_text (page);
	g_assert_nonnull (strstr (msgs, "57014"));
	gtk_window_destroy (GTK_WINDOW (win));
}

static void
collect_bars (GtkWidget *root, GArray *out)
{
	if (GTK_IS_PROGRESS_BAR (root) && gtk_widget_has_css_class (root, "plan-time-bar") && gtk_widget_get_mapped (root)) {
		double f = gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (root));
		g_array_append_val (out, f);
	}
	for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
		collect_bars (c, out);
}

static gboolean
bars_shown (gpointer data)
{
	GtkWidget *pv = ox_editor_page_get_plan_view (data);
	if (!pv)
		return FALSE;
	g_autoptr (GArray) bars = g_array_new (FALSE, FALSE, sizeof (double));
	collect_bars (pv, bars);
	return bars->len >= 3;
}

static void
test_plan_time_bars (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_get_current_page (win);
	set_text (page, "SELECT c.name, count(*) FROM customers c JOIN orders o ON o.customer_id = c.id "
	                "JOIN order_lines l ON l.order_id = o.id GROUP BY c.name ORDER BY 2 DESC;\n", NULL);
	run (page, "editor.explain-analyze");
	wait_until (bars_shown, page, "the plan's time bars");
	GtkWidget *pv = ox_editor_page_get_plan_view (page);
	g_autofree char *text = ox_plan_view_get_text (OX_PLAN_VIEW (pv));
	g_test_message ("%s", text);
	g_autoptr (GArray) bars = g_array_new (FALSE, FALSE, sizeof (double));
	collect_bars (pv, bars);
	/* each bar is the operator's own (exclusive) share of the root's
	 * time: between 0 and 1, together about the whole */
	double sum = 0;
	for (guint i = 0; i < bars->len; i++) {
		double f = g_array_index (bars, double, i);
		g_test_message ("bar %u: %.3f", i, f);
		g_assert_cmpfloat (f, >=, 0);
		g_assert_cmpfloat (f, <=, 1);
		sum += f;
	}
	g_assert_cmpfloat (sum, >, 0.5);
	g_assert_cmpfloat (sum, <=, 1.0 + 0.01 * bars->len);
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- 6. accessibility -------------------------------------------------------------- */

/* The widget at or below root whose accessible name is label (the panel
 * itself is a scroller; its list or view carries the name). */
static GtkWidget *
named (GtkWidget *root, const char *label)
{
	if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL)) {
		g_autofree char *err = gtk_test_accessible_check_property (GTK_ACCESSIBLE (root),
		                                                           GTK_ACCESSIBLE_PROPERTY_LABEL, label);
		if (!err)
			return root;
	}
	for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c)) {
		GtkWidget *hit = named (c, label);
		if (hit)
			return hit;
	}
	return NULL;
}

static void
test_accessibility (void)
{
	OxWindow *win = open_demo_window ();
	OxDebugArea *area = ox_window_get_debugger (win);
	const char *panels[] = { "Call Stack", "Variables", "Watch", "Breakpoints", "Debug Console" };
	for (guint i = 0; i < G_N_ELEMENTS (panels); i++) {
		GtkWidget *w = named (ox_debug_area_get_panel (area, panels[i]), panels[i]);
		if (!w)
			g_error ("nothing in the %s panel is named %s", panels[i], panels[i]);
		check_label (w, panels[i]);
	}
	/* every button, entry and drop-down: the main window with the
	 * debugger shown, the start page, Preferences, Administration */
	gtk_widget_set_visible (GTK_WIDGET (area), TRUE);
	g_test_message ("checking the main window");
	check_buttons_named (GTK_WIDGET (win));
	OxAdminWindow *admin = ox_window_show_administration (win);
	g_test_message ("checking Administration");
	check_buttons_named (GTK_WIDGET (admin));
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "workstation.preferences", NULL));
	spin (100);
	GListModel *tops = gtk_window_get_toplevels ();
	for (guint i = 0; i < g_list_model_get_n_items (tops); i++) {
		g_autoptr (GtkWidget) w = g_list_model_get_item (tops, i);
		if (gtk_widget_get_visible (w)) {
			g_test_message ("checking %s", G_OBJECT_TYPE_NAME (w));
			check_buttons_named (w);
		}
	}
	destroy_all_windows ();
	OxWindow *start = start_window ();
	check_buttons_named (GTK_WIDGET (start));
	gtk_window_destroy (GTK_WINDOW (start));
}

/* ---- 7. a real restart --------------------------------------------------------------- */

static GtkPaned *
sidebar_paned (OxWindow *win)
{
	GtkWidget *browser = GTK_WIDGET (ox_window_get_browser (win));
	for (GtkWidget *p = gtk_widget_get_parent (browser); p; p = gtk_widget_get_parent (p))
		if (GTK_IS_PANED (p))
			return GTK_PANED (p);
	g_assert_not_reached ();
}

static GtkPaned *
results_paned (OxEditorPage *page)
{
	GtkWidget *results = ox_editor_page_get_results (page);
	for (GtkWidget *p = gtk_widget_get_parent (results); p; p = gtk_widget_get_parent (p))
		if (GTK_IS_PANED (p))
			return GTK_PANED (p);
	g_assert_not_reached ();
}

typedef struct {
	GtkWidget *w;
	int        want;
} SizeWait;

static gboolean
allocated (gpointer data)
{
	return gtk_widget_get_height (GTK_WIDGET (data)) > 0;
}

static gboolean
results_height_is (gpointer data)
{
	SizeWait *s = data;
	OxEditorPage *page = OX_EDITOR_PAGE (s->w);
	GtkPaned *p = results_paned (page);
	int h = gtk_widget_get_height (GTK_WIDGET (p));
	return h > 0 && ABS (h - gtk_paned_get_position (p) - s->want) <= 2;
}

static void
test_restart (void)
{
	g_autofree char *path = g_build_filename (tmpdir, "restart", "workstation.db", NULL);
	g_autoptr (GError) error = NULL;
	OxSettingsStore *st = ox_settings_store_open (path, &error);
	g_assert_no_error (error);

	OxWindow *win = ox_window_new (NULL, st, ox_cli_demo_sql);
	gtk_window_set_default_size (GTK_WINDOW (win), 1000, 640);
	gtk_window_present (GTK_WINDOW (win));
	ox_window_open_demo (win);
	wait_until (connected, win, "the demo database");
	OxEditorPage *page = ox_window_new_tab (win, "kept", "SELECT 'across a real restart';");
	wait_until (allocated, results_paned (page), "the editor's layout");
	/* the user drags both dividers */
	gtk_paned_set_position (sidebar_paned (win), 333);
	GtkPaned *rp = results_paned (page);
	gtk_paned_set_position (rp, gtk_widget_get_height (GTK_WIDGET (rp)) - 222);
	spin (100);
	g_assert_cmpint (ox_editor_page_get_results_height (page), ==, 222);
	/* closing the window saves (close-request), then the workstation quits */
	gtk_window_close (GTK_WINDOW (win));
	while (g_main_context_iteration (NULL, FALSE))
		;
	ox_settings_store_close (st);

	/* start again: the same file, a new store, a new window */
	st = ox_settings_store_open (path, &error);
	g_assert_no_error (error);
	win = ox_window_new (NULL, st, ox_cli_demo_sql);
	int w = 0, h = 0;
	gtk_window_get_default_size (GTK_WINDOW (win), &w, &h);
	g_assert_cmpint (w, ==, 1000);
	g_assert_cmpint (h, ==, 640);
	gtk_window_present (GTK_WINDOW (win));
	ox_window_open_demo (win);
	wait_until (connected, win, "the demo database again");
	g_assert_cmpint (gtk_paned_get_position (sidebar_paned (win)), ==, 333);
	/* the tabs: the demo's introduction and "kept", with their text */
	OxEditorPage *cur = ox_window_get_current_page (win);
	AdwTabView *view = ADW_TAB_VIEW (gtk_widget_get_ancestor (GTK_WIDGET (cur), ADW_TYPE_TAB_VIEW));
	g_assert_cmpint (adw_tab_view_get_n_pages (view), ==, 2);
	AdwTabPage *kept = adw_tab_view_get_nth_page (view, 1);
	g_assert_cmpstr (adw_tab_page_get_title (kept), ==, "kept");
	OxEditorPage *kp = OX_EDITOR_PAGE (adw_tab_page_get_child (kept));
	g_autofree char *kt = buffer_text (kp);
	g_assert_cmpstr (kt, ==, "SELECT 'across a real restart';");
	/* the results pane comes back at its height */
	SizeWait sw = { GTK_WIDGET (cur), 222 };
	wait_until (results_height_is, &sw, "the results pane's height");
	screenshot (win, "coverage-restart");
	gtk_window_destroy (GTK_WINDOW (win));
	ox_settings_store_close (st);
}

int
main (int argc, char **argv)
{
	/* no session bus: the in-process application must not autolaunch
	 * one (set before any thread starts) */
	g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/ox-no-bus", TRUE);
	ui_test_init (&argc, &argv);
	g_test_add_func ("/ui/coverage/command-line", test_command_line);
	g_test_add_func ("/ui/coverage/real-binary", test_real_binary);
	g_test_add_func ("/ui/coverage/start-page", test_start_page);
	g_test_add_func ("/ui/coverage/open-data", test_open_data);
	g_test_add_func ("/ui/coverage/new-templates", test_new_templates);
	g_test_add_func ("/ui/coverage/refresh-and-folders", test_refresh_and_folders);
	g_test_add_func ("/ui/coverage/run-selection", test_run_selection);
	g_test_add_func ("/ui/coverage/error-tooltip", test_error_tooltip);
	g_test_add_func ("/ui/coverage/plsql-highlight", test_plsql_highlight);
	g_test_add_func ("/ui/coverage/completion", test_completion_schemas_procedures);
	g_test_add_func ("/ui/coverage/elapsed-and-cancel", test_elapsed_and_cancel);
	g_test_add_func ("/ui/coverage/plan-time-bars", test_plan_time_bars);
	g_test_add_func ("/ui/coverage/accessibility", test_accessibility);
	g_test_add_func ("/ui/coverage/restart", test_restart);
	int rc = g_test_run ();
	ui_test_finish ();
	return rc;
}

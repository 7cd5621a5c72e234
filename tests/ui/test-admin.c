/*
 * test-admin.c — the Administration window in a real display (Xvfb
 * under meson test), on the demo database: the Sessions page lists the
 * window's own sessions (the editor's, with its last statement, and the
 * one the pages read through) and cancels a running statement after a
 * confirmation that names the session; a schedule's runs show under it on
 * the Schedules page; a failed statement appears in Logs with follow on,
 * scrolling up pauses follow, the level filter hides lower levels; the
 * Metrics page lists the engine's counters.  The pages carry their
 * accessible names.
 *
 * The schedule fires on a test clock (the engine's runner replaced, as
 * tests/engine/test-schedules.c does), so nothing waits for a real minute.
 */
#include "ui-test-util.h"
#include "ox-admin-private.h"
#include "ox-embedded-connection.h"
/* test only: the schedule runner's injectable clock */
#include "session.h"
#include "sched/schedule.h"

#include <stdlib.h>
#include <string.h>

static int64_t fake_now;

static int64_t
clock_now (void *user)
{
	(void) user;
	return fake_now;
}

static void
clock_wait (void *user, GMutex *m, GCond *c, int64_t deadline)
{
	(void) user; (void) m; (void) c; (void) deadline;
}

static const OxSchedClock test_clock = { clock_now, clock_wait, NULL };

/* The first row of model whose cell col contains text, or -1. */
static int
row_with (GListModel *model, guint col, const char *text)
{
	guint n = g_list_model_get_n_items (model);
	for (guint i = 0; i < n; i++) {
		g_autoptr (OxAdminRow) r = g_list_model_get_item (model, i);
		const char *v = ox_admin_row_get (r, col);
		if (v && strstr (v, text))
			return (int) i;
	}
	return -1;
}

typedef struct {
	GListModel *model;
	guint       col;
	const char *text;
	const char *also;   /* NULL, or what cell also_col must be */
	guint       also_col;
} RowWait;

static gboolean
row_shown (gpointer data)
{
	RowWait *w = data;
	guint n = g_list_model_get_n_items (w->model);
	for (guint i = 0; i < n; i++) {
		g_autoptr (OxAdminRow) r = g_list_model_get_item (w->model, i);
		const char *v = ox_admin_row_get (r, w->col);
		if (v && strstr (v, w->text) && (!w->also || !g_strcmp0 (ox_admin_row_get (r, w->also_col), w->also)))
			return TRUE;
	}
	return FALSE;
}

static void
wait_row_with (GListModel *model, guint col, const char *text, const char *also, guint also_col)
{
	RowWait w = { model, col, text, also, also_col };
	g_autofree char *what = g_strdup_printf ("a row with \"%s\"%s%s", text, also ? " and " : "", also ? also : "");
	wait_until (row_shown, &w, what);
}

static gboolean
following_at_end (gpointer data)
{
	OxAdminLogs *logs = data;
	GtkAdjustment *adj = ox_admin_logs_get_vadjustment (logs);
	return ox_admin_logs_get_follow (logs) &&
	       gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj) >= gtk_adjustment_get_upper (adj) - 1;
}

static gboolean
scrollable (gpointer data)
{
	GtkAdjustment *adj = ox_admin_logs_get_vadjustment (data);
	return gtk_adjustment_get_upper (adj) > gtk_adjustment_get_page_size (adj) + 100;
}

static gboolean
has_rows (gpointer data)
{
	return g_list_model_get_n_items (data) > 0;
}

/* the Sessions page's columns (ox-admin-sessions.c) */
enum { S_PID, S_USER, S_APP, S_CLIENT, S_STATE, S_WAIT, S_START, S_QUERY };

static void
test_admin (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_get_current_page (win);
	OxDatabase *db = ox_embedded_connection_get_database (OX_EMBEDDED_CONNECTION (ox_window_get_connection (win)));
	fake_now = INT64_C (946684800) * 1000000;  /* 2030-01-01 in our epoch (µs since 2000) */
	ox_schedules_use_clock (db->schedules, &test_clock, false);

	/* the editor's session, with a statement to recognise it by */
	set_text (page, "SELECT 'admin marker' AS m;\n", NULL);
	run (page, "editor.run-statement");

	OxAdminWindow *admin = ox_window_show_administration (win);
	g_assert_nonnull (admin);
	static const struct { const char *page, *label; } names[] = {
		{ "sessions", "Sessions" }, { "logs", "Logs" }, { "schedules", "Schedules" }, { "metrics", "Metrics" },
	};
	for (guint i = 0; i < G_N_ELEMENTS (names); i++)
		check_label (ox_admin_window_get_page (admin, names[i].page), names[i].label);

	/* ---- Sessions ---- */
	ox_admin_window_show_page (admin, "sessions");
	OxAdminSessions *sessions = OX_ADMIN_SESSIONS (ox_admin_window_get_page (admin, "sessions"));
	GListModel *sm = ox_admin_sessions_get_model (sessions);
	wait_row_with (sm, S_QUERY, "SELECT 'admin marker'", "idle", S_STATE);
	wait_row_with (sm, S_APP, "(this window)", "active", S_STATE);
	check_buttons_named (GTK_WIDGET (admin));
	screenshot ((OxWindow *) admin, "workstation-admin");

	/* cancel a running statement from the page, after the confirmation */
	set_text (page, "SELECT pg_sleep(60);\n", NULL);
	gtk_widget_activate_action (GTK_WIDGET (page), "editor.run-statement", NULL);
	wait_row_with (sm, S_QUERY, "pg_sleep(60)", "active", S_STATE);
	int i = row_with (sm, S_QUERY, "pg_sleep(60)");
	g_autoptr (OxAdminRow) sleeper = g_list_model_get_item (sm, (guint) i);
	const char *pid = ox_admin_row_get (sleeper, S_PID);
	g_assert_cmpstr (ox_admin_row_get (sleeper, S_WAIT), ==, "Timeout: PgSleep");
	ox_admin_sessions_select_pid (sessions, atoi (pid));
	LabelData cancel_button = { GTK_WIDGET (sessions), "Cancel Query", NULL };
	GtkWidget *label = find_label (cancel_button.root, cancel_button.text, NULL);
	g_assert_nonnull (label);
	GtkWidget *button = gtk_widget_get_ancestor (label, GTK_TYPE_BUTTON);
	g_assert_true (gtk_widget_get_sensitive (button));
	g_signal_emit_by_name (button, "clicked");
	wait_until (message_dialog_shown, NULL, "the confirmation");
	AdwMessageDialog *d = find_message_dialog (NULL, NULL);
	g_autofree char *heading = g_strdup_printf ("Cancel the query of session %s?", pid);
	g_assert_cmpstr (adw_message_dialog_get_heading (d), ==, heading);
	g_assert_nonnull (strstr (adw_message_dialog_get_body (d), "pg_sleep(60)"));
	adw_message_dialog_response (d, "signal");
	wait_until (page_idle, page, "the cancelled statement");
	g_autofree char *msgs = ox_editor_page_get_messages_text (page);
	g_assert_nonnull (strstr (msgs, "57014"));

	/* ---- Schedules: a run shows under its schedule ---- */
	set_text (page, "CREATE TABLE admin_hits (n int);\n"
	                "CREATE SCHEDULE admin_tick CRON '* * * * *' DO $$ BEGIN INSERT INTO admin_hits VALUES (1); END $$;\n",
	          NULL);
	run (page, "editor.run-script");
	g_assert_cmpint (ox_schedules_run_due (db->schedules, fake_now + 61 * G_USEC_PER_SEC), >=, 1);
	ox_admin_window_show_page (admin, "schedules");
	OxAdminSchedules *schedules = OX_ADMIN_SCHEDULES (ox_admin_window_get_page (admin, "schedules"));
	GListModel *schm = ox_admin_schedules_get_model (schedules);
	wait_row_with (schm, 2 /* name */, "admin_tick", NULL, 0);
	ox_admin_schedules_select (schedules, (guint) row_with (schm, 2, "admin_tick"));
	wait_row_with (ox_admin_schedules_get_runs (schedules), 3 /* status */, "succeeded", NULL, 0);

	/* ---- Logs: a failed statement, followed ---- */
	ox_admin_window_show_page (admin, "logs");
	OxAdminLogs *logs = OX_ADMIN_LOGS (ox_admin_window_get_page (admin, "logs"));
	g_assert_true (ox_admin_logs_get_follow (logs));
	/* enough lines to scroll */
	for (int k = 0; k < 80; k++) {
		g_autofree char *m = g_strdup_printf ("filler line %d", k);
		ox_db_log_record (db, k % 2 ? "LOG" : "WARNING", NULL, NULL, "oxibase", m);
	}
	set_text (page, "SELECT * FROM no_such_admin_table;\n", NULL);
	run (page, "editor.run-statement");
	GListModel *lm = ox_admin_logs_get_model (logs);
	wait_row_with (lm, 6 /* message */, "no_such_admin_table", "ERROR", 2);
	/* the newest line is the last row, and in view */
	g_autoptr (OxAdminRow) last = g_list_model_get_item (lm, g_list_model_get_n_items (lm) - 1);
	g_assert_nonnull (strstr (ox_admin_row_get (last, 6), "no_such_admin_table"));
	g_assert_cmpstr (ox_admin_row_get (last, 3), ==, "42P01");
	wait_until (scrollable, logs, "a log longer than the view");
	wait_until (following_at_end, logs, "the newest line in view");
	screenshot ((OxWindow *) admin, "workstation-admin-logs");
	/* scrolling up to read pauses follow; new lines then leave the view alone */
	gtk_adjustment_set_value (ox_admin_logs_get_vadjustment (logs), 0);
	g_assert_false (ox_admin_logs_get_follow (logs));
	/* the level filter: ERROR and above only */
	ox_admin_logs_set_min_level (logs, "ERROR");
	g_assert_cmpuint (g_list_model_get_n_items (lm), >=, 1);
	for (guint k = 0; k < g_list_model_get_n_items (lm); k++) {
		g_autoptr (OxAdminRow) r = g_list_model_get_item (lm, k);
		const char *lvl = ox_admin_row_get (r, 2);
		g_assert_true (!strcmp (lvl, "ERROR") || !strcmp (lvl, "FATAL") || !strcmp (lvl, "PANIC"));
	}
	g_assert_cmpint (row_with (lm, 6, "filler line"), ==, -1);

	/* ---- Metrics ---- */
	ox_admin_window_show_page (admin, "metrics");
	OxAdminMetrics *metrics = OX_ADMIN_METRICS (ox_admin_window_get_page (admin, "metrics"));
	wait_until (has_rows, ox_admin_metrics_get_model (metrics), "the metrics");
	wait_row_with (ox_admin_metrics_get_model (metrics), 0, "oxibase_statements_total", NULL, 0);

	gtk_window_destroy (GTK_WINDOW (win));
	while (g_main_context_iteration (NULL, FALSE))
		;
}

int
main (int argc, char **argv)
{
	ui_test_init (&argc, &argv);
	g_test_add_func ("/ui/admin/pages", test_admin);
	int rc = g_test_run ();
	ui_test_finish ();
	return rc;
}

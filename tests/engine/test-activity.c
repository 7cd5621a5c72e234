/*
 * test-activity.c — observing an embedded database in SQL:
 * pg_stat_activity over its own sessions (states, times, the waits of
 * pg_sleep), pg_backend_pid, pg_cancel_backend and pg_terminate_backend
 * with PostgreSQL 15's permission rules and messages, activity hooks as a
 * server installs them, system.log (order, bounds, superusers only, the
 * engine's checkpoint and recovery lines) and system.metrics.
 *
 * NOTE: the cancel tests run a statement on a second thread and wait for
 * pg_stat_activity to show it; every wait is bounded (10 s) so a
 * regression fails instead of hanging.
 */
#include <glib.h>
#include <string.h>

#include "oxibase.h"
#include "test-util.h"

typedef struct {
	OxDatabase *db;
	OxSession  *a;   /* the observer */
	OxSession  *b;   /* the observed */
} Fx;

static void
fx_open (Fx *fx)
{
	OxError e = { 0 };
	g_assert_cmpint (ox_db_open (":memory:", &fx->db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (fx->db, &fx->a, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (fx->db, &fx->b, &e), ==, OX_OK);
}

static void
fx_close (Fx *fx)
{
	ox_session_free (fx->a);
	ox_session_free (fx->b);
	ox_db_close (fx->db);
}

static char *
q (OxSession *s, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static char *
q (OxSession *s, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	g_autofree char *sql = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	return ox_test_query (s, sql);
}

static int
pid_of (OxSession *s)
{
	g_autofree char *r = ox_test_query (s, "SELECT pg_backend_pid()");
	return atoi (r);
}

/* Run sql on s expecting an error; returns its SQLSTATE and message. */
static char *
fails (OxSession *s, const char *sql)
{
	OxError e = { 0 };
	g_assert_cmpint (ox_exec (s, sql, &e), ==, OX_ERROR);
	char *r = g_strdup_printf ("%s %s", e.sqlstate, e.message);
	ox_error_clear (&e);
	return r;
}

static void
test_own_sessions (void)
{
	Fx fx;
	fx_open (&fx);
	int b = pid_of (fx.b);
	g_assert_cmpint (b, !=, pid_of (fx.a));
	g_autofree char *idle = q (fx.a, "SELECT state, query, wait_event_type, wait_event, xact_start IS NULL, "
	                                 "backend_type, usename, datname, client_addr IS NULL, client_port "
	                                 "FROM pg_stat_activity WHERE pid = %d", b);
	g_assert_cmpstr (idle, ==, "idle|SELECT pg_backend_pid()|Client|ClientRead|t|client backend|oxibase|oxibase|t|-1\n");
	/* the observer sees itself running this very statement */
	g_autofree char *self = q (fx.a, "SELECT state, query FROM pg_stat_activity WHERE pid = pg_backend_pid()");
	g_assert_cmpstr (self, ==, "active|SELECT state, query FROM pg_stat_activity WHERE pid = pg_backend_pid()\n");
	ox_test_exec (fx.b, "BEGIN");
	g_autofree char *in_txn = q (fx.a, "SELECT state, xact_start IS NOT NULL, xact_start <= query_start "
	                                   "FROM pg_stat_activity WHERE pid = %d", b);
	g_assert_cmpstr (in_txn, ==, "idle in transaction|t|t\n");
	g_autofree char *e = fails (fx.b, "SELECT 1/0");
	g_autofree char *failed = q (fx.a, "SELECT state, query FROM pg_stat_activity WHERE pid = %d", b);
	g_assert_cmpstr (failed, ==, "idle in transaction (aborted)|SELECT 1/0\n");
	ox_test_exec (fx.b, "ROLLBACK");
	g_autofree char *back = q (fx.a, "SELECT state, xact_start IS NULL FROM pg_stat_activity WHERE pid = %d", b);
	g_assert_cmpstr (back, ==, "idle|t\n");
	/* a prepared statement over the view shows new rows each run */
	OxStmt *st = NULL;
	OxError err = { 0 };
	g_assert_cmpint (ox_prepare (fx.a, "SELECT count(*) FROM pg_stat_activity", -1, &st, NULL, &err), ==, OX_OK);
	int rc;
	g_autofree char *two = ox_test_step_rows (st, &err, &rc);
	g_assert_cmpstr (two, ==, "2\n");
	OxSession *c = NULL;
	g_assert_cmpint (ox_session_new (fx.db, &c, &err), ==, OX_OK);
	ox_reset (st);
	g_autofree char *three = ox_test_step_rows (st, &err, &rc);
	g_assert_cmpstr (three, ==, "3\n");
	ox_finalize (st);
	ox_session_free (c);
	fx_close (&fx);
}

typedef struct {
	OxSession *s;
	const char *sql;
	OxError    err;
	int        rc;
} Job;

static gpointer
job_run (gpointer data)
{
	Job *j = data;
	j->rc = ox_exec (j->s, j->sql, &j->err);
	return NULL;
}

/* Wait until pg_stat_activity, read by a, shows pid sleeping. */
static void
wait_sleeping (OxSession *a, int pid)
{
	gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
	for (;;) {
		g_autofree char *r = q (a, "SELECT state, wait_event_type, wait_event FROM pg_stat_activity WHERE pid = %d",
		                        pid);
		if (!strcmp (r, "active|Timeout|PgSleep\n"))
			return;
		g_assert_cmpint (g_get_monotonic_time (), <, end);
		g_usleep (10000);
	}
}

static void
test_cancel (void)
{
	Fx fx;
	fx_open (&fx);
	int b = pid_of (fx.b);
	Job j = { fx.b, "SELECT pg_sleep(30)", { { 0 } }, 0 };
	GThread *t = g_thread_new ("sleeper", job_run, &j);
	wait_sleeping (fx.a, b);
	g_autofree char *ok = q (fx.a, "SELECT pg_cancel_backend(%d)", b);
	g_assert_cmpstr (ok, ==, "t\n");
	g_thread_join (t);
	g_assert_cmpint (j.rc, ==, OX_ERROR);
	g_assert_cmpstr (j.err.sqlstate, ==, "57014");
	ox_error_clear (&j.err);
	/* a cancel ends the statement, not the session */
	g_autofree char *one = ox_test_query (fx.b, "SELECT 1");
	g_assert_cmpstr (one, ==, "1\n");
	/* no such pid: false (and a warning) */
	g_autofree char *no = ox_test_query (fx.a, "SELECT pg_cancel_backend(999999)");
	g_assert_cmpstr (no, ==, "f\n");
	g_autofree char *neg = fails (fx.a, "SELECT pg_terminate_backend(1, -5)");
	g_assert_cmpstr (neg, ==, "22023 \"timeout\" must not be negative");
	fx_close (&fx);
}

static void
test_terminate (void)
{
	Fx fx;
	fx_open (&fx);
	int b = pid_of (fx.b);
	Job j = { fx.b, "SELECT pg_sleep(30)", { { 0 } }, 0 };
	GThread *t = g_thread_new ("sleeper", job_run, &j);
	wait_sleeping (fx.a, b);
	g_autofree char *ok = q (fx.a, "SELECT pg_terminate_backend(%d)", b);
	g_assert_cmpstr (ok, ==, "t\n");
	g_thread_join (t);
	g_assert_cmpint (j.rc, ==, OX_ERROR);
	g_assert_cmpstr (j.err.sqlstate, ==, "57P01");
	ox_error_clear (&j.err);
	/* every later statement fails as a terminated backend's client would */
	g_autofree char *after = fails (fx.b, "SELECT 1");
	g_assert_cmpstr (after, ==, "57P01 terminating connection due to administrator command");
	fx_close (&fx);
}

static void
test_permissions (void)
{
	Fx fx;
	fx_open (&fx);
	OxError e = { 0 };
	ox_test_exec (fx.a, "CREATE ROLE bob LOGIN; CREATE ROLE carol LOGIN");
	OxSession *bob = NULL, *carol = NULL;
	g_assert_cmpint (ox_session_new (fx.db, &bob, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (fx.db, &carol, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_set_user (bob, "bob", &e), ==, OX_OK);
	g_assert_cmpint (ox_session_set_user (carol, "carol", &e), ==, OX_OK);
	int c = pid_of (carol), su = pid_of (fx.b);
	g_autofree char *sql = g_strdup_printf ("SELECT pg_cancel_backend(%d)", c);
	g_autofree char *e1 = fails (bob, sql);
	g_assert_cmpstr (e1, ==, "42501 must be a member of the role whose query is being canceled or member of "
	                         "pg_signal_backend");
	g_free (sql);
	sql = g_strdup_printf ("SELECT pg_terminate_backend(%d)", c);
	g_autofree char *e2 = fails (bob, sql);
	g_assert_cmpstr (e2, ==, "42501 must be a member of the role whose process is being terminated or member of "
	                         "pg_signal_backend");
	g_free (sql);
	sql = g_strdup_printf ("SELECT pg_cancel_backend(%d)", su);
	g_autofree char *e3 = fails (bob, sql);
	g_assert_cmpstr (e3, ==, "42501 must be a superuser to cancel superuser query");
	g_free (sql);
	sql = g_strdup_printf ("SELECT pg_terminate_backend(%d)", su);
	g_autofree char *e4 = fails (bob, sql);
	g_assert_cmpstr (e4, ==, "42501 must be a superuser to terminate superuser process");
	/* bob sees who is there, not what they do */
	g_autofree char *seen = q (bob, "SELECT usename, query, state IS NULL, backend_start IS NULL "
	                                "FROM pg_stat_activity WHERE pid = %d", c);
	g_assert_cmpstr (seen, ==, "carol|<insufficient privilege>|t|t\n");
	g_autofree char *own = q (carol, "SELECT pg_cancel_backend(%d)", c);
	g_assert_cmpstr (own, ==, "t\n");
	/* a superuser signals anyone */
	g_autofree char *any = q (fx.a, "SELECT pg_cancel_backend(%d)", c);
	g_assert_cmpstr (any, ==, "t\n");
	/* the pending cancels hit carol's next statement that checks for them */
	ox_session_free (bob);
	ox_session_free (carol);
	fx_close (&fx);
}

/* ---- hooks, as a server installs them (a fake: fault injection) -------------------- */

typedef struct {
	int  signals;
	int  last_pid;
	bool last_terminate;
} FakeServer;

static void
fake_list (void *user, OxActivityAdd add, void *list)
{
	OxActivity a = {
		.pid = 4242, .usename = "oxibase", .datname = "oxibase", .application_name = "psql",
		.client_addr = "10.0.0.7", .client_port = 50412, .state = "active", .wait_event_type = "Extension",
		.wait_event = "DebuggerPaused", .query = "CALL p()", .backend_start = INT64_C (1700000000000000),
		.query_start = INT64_C (1700000001000000),
	};
	add (list, &a);
}

static bool
fake_signal (void *user, int32_t pid, bool terminate)
{
	FakeServer *f = user;
	f->signals++;
	f->last_pid = pid;
	f->last_terminate = terminate;
	return pid == 4242;
}

static void
test_hooks (void)
{
	Fx fx;
	fx_open (&fx);
	FakeServer f = { 0 };
	static const OxActivityHooks hooks = { fake_list, fake_signal };
	ox_db_set_activity_hooks (fx.db, &hooks, &f);
	g_autofree char *rows = ox_test_query (fx.a, "SELECT pid, application_name, client_addr, client_port, state, "
	                                             "wait_event_type, wait_event, query, backend_start, xact_start "
	                                             "FROM pg_stat_activity");
	g_assert_cmpstr (rows, ==, "4242|psql|10.0.0.7|50412|active|Extension|DebuggerPaused|CALL p()|"
	                           "2023-11-14 22:13:20+00|NULL\n");
	g_autofree char *t = ox_test_query (fx.a, "SELECT pg_terminate_backend(4242)");
	g_assert_cmpstr (t, ==, "t\n");
	g_assert_cmpint (f.signals, ==, 1);
	g_assert_true (f.last_terminate);
	g_autofree char *no = ox_test_query (fx.a, "SELECT pg_cancel_backend(77)");
	g_assert_cmpstr (no, ==, "f\n");
	g_assert_cmpint (f.signals, ==, 1);  /* not listed: never signalled */
	ox_db_set_activity_hooks (fx.db, NULL, NULL);
	fx_close (&fx);
}

/* ---- system.log and system.metrics ------------------------------------------------- */

static void
test_log_order_and_bounds (void)
{
	Fx fx;
	fx_open (&fx);
	ox_db_set_log_capacity (fx.db, 3);
	for (int i = 1; i <= 5; i++) {
		g_autofree char *m = g_strdup_printf ("line %d", i);
		ox_db_log_record (fx.db, i == 4 ? "error" : "LOG", i == 4 ? "42P01" : NULL, "alice", "oxibase", m);
	}
	g_autofree char *rows = ox_test_query (fx.a, "SELECT seq, level, message, sqlstate, \"user\", database "
	                                             "FROM system.log");
	g_assert_cmpstr (rows, ==, "3|LOG|line 3|NULL|alice|oxibase\n4|ERROR|line 4|42P01|alice|oxibase\n"
	                           "5|LOG|line 5|NULL|alice|oxibase\n");
	g_autofree char *order = ox_test_query (fx.a, "SELECT bool_and(time <= now()) FROM system.log");
	g_assert_cmpstr (order, ==, "t\n");
	/* a bigger ring keeps what there is */
	ox_db_set_log_capacity (fx.db, 10);
	ox_db_log_record (fx.db, "WARNING", NULL, NULL, NULL, "line 6");
	g_autofree char *grown = ox_test_query (fx.a, "SELECT string_agg(message, ',') FROM system.log");
	g_assert_cmpstr (grown, ==, "line 3,line 4,line 5,line 6\n");
	/* an embedded database logs its failed statements (a server does it itself) */
	g_autofree char *failed = fails (fx.a, "SELECT * FROM no_such_table");
	g_autofree char *logged = ox_test_query (fx.a, "SELECT level, sqlstate, \"user\", message FROM system.log "
	                                               "WHERE sqlstate IS NOT NULL AND seq > 4");
	g_assert_cmpstr (logged, ==, "ERROR|42P01|oxibase|relation \"no_such_table\" does not exist "
	                             "(statement: SELECT * FROM no_such_table)\n");
	/* superusers only */
	ox_test_exec (fx.a, "CREATE ROLE bob LOGIN");
	OxError e = { 0 };
	g_assert_cmpint (ox_session_set_user (fx.b, "bob", &e), ==, OX_OK);
	g_autofree char *denied = fails (fx.b, "SELECT * FROM system.log");
	g_assert_cmpstr (denied, ==, "42501 permission denied for view log");
	fx_close (&fx);
}

typedef struct {
	GString *lines;
} HookLog;

static void
hook_log (void *user, const char *level, const char *sqlstate, const char *user_name, const char *database,
          const char *message)
{
	HookLog *h = user;
	g_string_append_printf (h->lines, "%s %s\n", level, message);
}

static void
test_log_engine_events (void)
{
	g_autofree char *dir = g_dir_make_tmp ("oxibase-activity-XXXXXX", NULL);
	g_autofree char *path = g_build_filename (dir, "db", NULL);
	OxDatabase *db = NULL;
	OxSession *s = NULL;
	OxError e = { 0 };
	g_assert_cmpint (ox_db_open (path, &db, &e), ==, OX_OK);
	HookLog h = { g_string_new (NULL) };
	ox_db_set_log_hook (db, hook_log, &h);
	g_assert_cmpint (ox_session_new (db, &s, &e), ==, OX_OK);
	ox_test_exec (s, "CREATE TABLE t (i int); INSERT INTO t VALUES (1); CHECKPOINT");
	g_autofree char *ck = ox_test_query (s, "SELECT level, message LIKE 'checkpoint complete: 1 written, % s writing%' "
	                                        "FROM system.log WHERE message LIKE 'checkpoint%'");
	g_assert_cmpstr (ck, ==, "LOG|t\n");
	/* the hook got the same line (a server prints it) */
	g_assert_nonnull (strstr (h.lines->str, "LOG checkpoint complete: 1 written"));
	ox_test_exec (s, "INSERT INTO t VALUES (2)");
	ox_session_free (s);
	ox_db_close (db);
	g_string_free (h.lines, TRUE);
	g_assert_cmpint (ox_db_open (path, &db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (db, &s, &e), ==, OX_OK);
	g_autofree char *rec = ox_test_query (s, "SELECT level, message LIKE 'database system was recovered: % WAL "
	                                         "record(s) replayed in % ms%' FROM system.log");
	g_assert_cmpstr (rec, ==, "LOG|t\n");
	ox_session_free (s);
	ox_db_close (db);
	ox_test_rm_rf (dir);
}

typedef struct {
	GPtrArray *names;
} Names;

static void
add_name (void *list, const OxMetric *m)
{
	g_ptr_array_add (((Names *) list)->names, g_strdup (m->name));
}

static void
test_metrics (void)
{
	Fx fx;
	fx_open (&fx);
	ox_test_exec (fx.a, "CREATE TABLE m (x int); INSERT INTO m VALUES (1)");
	g_autofree char *rows = ox_test_query (fx.a, "SELECT name, value FROM system.metrics "
	                                             "WHERE name IN ('oxibase_sessions', 'oxibase_commits_total')");
	g_assert_cmpstr (rows, ==, "oxibase_sessions|2\noxibase_commits_total|2\n");
	/* one list for the view and for the Prometheus text */
	g_autofree char *names = ox_test_query (fx.a, "SELECT string_agg(name, ',') FROM system.metrics");
	Names n = { g_ptr_array_new_with_free_func (g_free) };
	ox_db_metrics (fx.db, add_name, &n);
	g_ptr_array_add (n.names, NULL);
	g_autofree char *joined = g_strjoinv (",", (char **) n.names->pdata);
	g_autofree char *want = g_strconcat (joined, "\n", NULL);
	g_assert_cmpstr (names, ==, want);
	g_ptr_array_unref (n.names);
	char *text = ox_db_metrics_text (fx.db);
	g_assert_nonnull (strstr (text, "# HELP oxibase_checkpoint_duration_seconds Time spent writing checkpoints.\n"
	                                "# TYPE oxibase_checkpoint_duration_seconds summary\n"
	                                "oxibase_checkpoint_duration_seconds_sum 0\n"
	                                "oxibase_checkpoint_duration_seconds_count 0\n"));
	g_assert_nonnull (strstr (text, "# TYPE oxibase_sessions gauge\noxibase_sessions 2\n"));
	ox_free (text);
	fx_close (&fx);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/engine/activity/own-sessions", test_own_sessions);
	g_test_add_func ("/engine/activity/cancel", test_cancel);
	g_test_add_func ("/engine/activity/terminate", test_terminate);
	g_test_add_func ("/engine/activity/permissions", test_permissions);
	g_test_add_func ("/engine/activity/hooks", test_hooks);
	g_test_add_func ("/engine/log/order-and-bounds", test_log_order_and_bounds);
	g_test_add_func ("/engine/log/engine-events", test_log_engine_events);
	g_test_add_func ("/engine/metrics/one-list", test_metrics);
	return g_test_run ();
}

/*
 * test-schedules.c — CREATE/ALTER/DROP SCHEDULE end to end with an
 * injectable clock: the database's runner is replaced by one on a test
 * clock without a thread, and the test says what time it is and runs
 * what is due, so nothing here sleeps or depends on the machine's speed.
 */
#include <glib.h>
#include <string.h>

#include "oxibase.h"
#include "session.h"
#include "sched/schedule.h"
#include "base/datetime.h"
#include "test-util.h"

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
	(void) user;
	(void) m;
	(void) c;
	(void) deadline;
}

static const OxSchedClock test_clock = { clock_now, clock_wait, NULL };

#define MINUTE (INT64_C (60) * 1000000)

static int64_t
at (int y, int mo, int d, int h, int mi)
{
	return (int64_t) ox_date_from_ymd (y, mo, d) * 86400 * INT64_C (1000000) + (h * 60 + mi) * MINUTE;
}

typedef struct {
	OxDatabase *db;
	OxSession  *s;
	char       *dir;
} Fx;

static void
open_fx (Fx *fx, const char *path)
{
	OxError e = { 0 };
	g_assert_cmpint (ox_db_open (path, &fx->db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (fx->db, &fx->s, &e), ==, OX_OK);
	ox_schedules_use_clock (fx->db->schedules, &test_clock, false);
}

static void
close_fx (Fx *fx)
{
	ox_session_free (fx->s);
	ox_db_close (fx->db);
}

static void
assert_q (Fx *fx, const char *sql, const char *want)
{
	char *got = ox_test_query (fx->s, sql);
	g_assert_cmpstr (got, ==, want);
	g_free (got);
}

static int
run_due (Fx *fx, int64_t now)
{
	fake_now = now;
	return ox_schedules_run_due (fx->db->schedules, now);
}

/* A schedule fires once per due minute, never twice for one instant, and
 * each run is a row of system.schedule_runs. */
static void
test_fires_once (void)
{
	Fx fx;
	fake_now = at (2030, 1, 1, 10, 0) + 30 * 1000000;  /* 10:00:30 */
	open_fx (&fx, ":memory:");
	ox_test_exec (fx.s, "CREATE TABLE hits (n int); CREATE PROCEDURE hit(k int) LANGUAGE sql AS 'INSERT INTO hits VALUES (k)'");
	ox_test_exec (fx.s, "CREATE SCHEDULE every_minute CRON '* * * * *' DO CALL hit(1)");
	g_assert_cmpint (run_due (&fx, at (2030, 1, 1, 10, 0) + 59 * 1000000), ==, 0);  /* not yet: next is 10:01 */
	g_assert_cmpint (run_due (&fx, at (2030, 1, 1, 10, 1)), ==, 1);
	g_assert_cmpint (run_due (&fx, at (2030, 1, 1, 10, 1) + 1000000), ==, 0);       /* same instant: no second run */
	g_assert_cmpint (run_due (&fx, at (2030, 1, 1, 10, 2)), ==, 1);
	/* the clock going back never fires an instant again */
	g_assert_cmpint (run_due (&fx, at (2030, 1, 1, 10, 1)), ==, 0);
	/* a gap of an hour: caught up once, not sixty times */
	g_assert_cmpint (run_due (&fx, at (2030, 1, 1, 11, 2)), ==, 1);
	assert_q (&fx, "SELECT count(*) FROM hits", "3\n");
	assert_q (&fx, "SELECT schedule, status, error IS NULL, scheduled_for FROM system.schedule_runs",
	          "every_minute|succeeded|t|2030-01-01 10:01:00+00\n"
	          "every_minute|succeeded|t|2030-01-01 10:02:00+00\n"
	          "every_minute|succeeded|t|2030-01-01 11:02:00+00\n");
	assert_q (&fx, "SELECT next_run FROM system.schedules", "2030-01-01 11:03:00+00\n");
	close_fx (&fx);
}

/* Disabled schedules never fire; enabling skips the backlog; DROP stops
 * them; a schedule created in a rolled-back transaction never fires. */
static void
test_enable_disable_drop (void)
{
	Fx fx;
	fake_now = at (2030, 1, 1, 0, 0);
	open_fx (&fx, ":memory:");
	ox_test_exec (fx.s, "CREATE TABLE hits (n int); CREATE PROCEDURE hit(k int) LANGUAGE sql AS 'INSERT INTO hits VALUES (k)'");
	ox_test_exec (fx.s, "CREATE SCHEDULE s5 CRON '*/5 * * * *' DO CALL hit(5)");
	ox_test_exec (fx.s, "BEGIN; CREATE SCHEDULE ghost CRON '* * * * *' DO CALL hit(0); ROLLBACK");
	ox_test_exec (fx.s, "ALTER SCHEDULE s5 DISABLE");
	g_assert_cmpint (run_due (&fx, at (2030, 1, 1, 0, 30)), ==, 0);
	assert_q (&fx, "SELECT enabled, next_run FROM system.schedules", "f|NULL\n");
	ox_test_exec (fx.s, "ALTER SCHEDULE s5 ENABLE");
	assert_q (&fx, "SELECT next_run FROM system.schedules", "2030-01-01 00:35:00+00\n");
	g_assert_cmpint (run_due (&fx, at (2030, 1, 1, 0, 35)), ==, 1);
	/* uncommitted DDL changes nothing until it commits */
	ox_test_exec (fx.s, "BEGIN; DROP SCHEDULE s5");
	g_assert_cmpint (run_due (&fx, at (2030, 1, 1, 0, 40)), ==, 1);
	ox_test_exec (fx.s, "COMMIT");
	g_assert_cmpint (run_due (&fx, at (2030, 1, 1, 0, 45)), ==, 0);
	assert_q (&fx, "SELECT n FROM hits", "5\n5\n");
	close_fx (&fx);
}

/* A failing run is recorded with its error; the next one runs again. */
static void
test_failure_recorded (void)
{
	Fx fx;
	fake_now = at (2030, 6, 1, 12, 0);
	open_fx (&fx, ":memory:");
	ox_test_exec (fx.s, "CREATE TABLE t (x int CHECK (x > 0))");
	ox_test_exec (fx.s, "CREATE SCHEDULE bad CRON '0 * * * *' DO $$ BEGIN INSERT INTO t VALUES (-1); END $$");
	g_assert_cmpint (run_due (&fx, at (2030, 6, 1, 13, 0)), ==, 1);
	assert_q (&fx, "SELECT status, error FROM system.schedule_runs",
	          "failed|23514: new row for relation \"t\" violates check constraint \"t_x_check\"\n");
	assert_q (&fx, "SELECT count(*) FROM t", "0\n");
	/* and logged, for the Logs page and the server's log */
	assert_q (&fx, "SELECT level, sqlstate, \"user\", message FROM system.log WHERE message LIKE 'schedule %'",
	          "ERROR|23514|oxibase|schedule public.bad failed: new row for relation \"t\" violates check "
	          "constraint \"t_x_check\"\n");
	close_fx (&fx);
}

/* Bad input at CREATE: a clear error, nothing created. */
static void
test_errors (void)
{
	Fx fx;
	open_fx (&fx, ":memory:");
	OxError e = { 0 };
	const char *bad[][2] = {
		{ "CREATE SCHEDULE x CRON '61 * * * *' DO CALL p()", "22023" },
		{ "CREATE SCHEDULE x CRON '* * * * *' TIMEZONE 'Mars/Olympus' DO CALL p()", "22023" },
		{ "CREATE SCHEDULE x CRON '* * * * *' DO CALL nosuch()", "42883" },
		{ "CREATE SCHEDULE x CRON '* * * * *' DO $$ BEGIN oops; END $$", "42601" },
		{ "ALTER SCHEDULE nosuch ENABLE", "42704" },
		{ "DROP SCHEDULE nosuch", "42704" },
	};
	ox_test_exec (fx.s, "CREATE PROCEDURE p() LANGUAGE sql AS 'SELECT 1'");
	for (size_t i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_assert_cmpint (ox_exec (fx.s, bad[i][0], &e), ==, OX_ERROR);
		g_assert_cmpstr (e.sqlstate, ==, bad[i][1]);
		ox_error_clear (&e);
	}
	ox_test_exec (fx.s, "CREATE SCHEDULE x CRON '* * * * *' DO CALL p()");
	g_assert_cmpint (ox_exec (fx.s, "CREATE SCHEDULE x CRON '* * * * *' DO CALL p()", &e), ==, OX_ERROR);
	g_assert_cmpstr (e.sqlstate, ==, "42710");
	ox_error_clear (&e);
	ox_test_exec (fx.s, "DROP SCHEDULE IF EXISTS nosuch");
	assert_q (&fx, "SELECT count(*) FROM system.schedules", "1\n");
	close_fx (&fx);
}

/* Schedules survive a restart (with their enabled state) and run again. */
static void
test_durable (void)
{
	Fx fx;
	char *dir = g_dir_make_tmp ("oxibase-sched-XXXXXX", NULL);
	fake_now = at (2030, 1, 1, 0, 0);
	open_fx (&fx, dir);
	ox_test_exec (fx.s, "CREATE TABLE hits (n int); CREATE PROCEDURE hit(k int) LANGUAGE sql AS 'INSERT INTO hits VALUES (k)'");
	ox_test_exec (fx.s, "CREATE SCHEDULE on_ CRON '0 * * * *' TIMEZONE 'Europe/Berlin' DO CALL hit(1)");
	ox_test_exec (fx.s, "CREATE SCHEDULE off_ CRON '0 * * * *' DO CALL hit(2); ALTER SCHEDULE off_ DISABLE");
	close_fx (&fx);
	open_fx (&fx, dir);
	assert_q (&fx, "SELECT name, cron, timezone, enabled FROM system.schedules ORDER BY name",
	          "off_|0 * * * *|UTC|f\non_|0 * * * *|Europe/Berlin|t\n");
	g_assert_cmpint (run_due (&fx, at (2030, 1, 1, 1, 0)), ==, 1);
	assert_q (&fx, "SELECT n FROM hits", "1\n");
	close_fx (&fx);
	ox_test_rm_rf (dir);
	g_free (dir);
}

/* A run that never ends delays no other schedule, skips its own next
 * instants instead of piling up, and closing the database cancels it
 * (the test hangs, and meson kills it, if it does not). */
static void
test_endless_run (void)
{
	Fx fx;
	fake_now = at (2030, 1, 1, 0, 0);
	OxError e = { 0 };
	g_assert_cmpint (ox_db_open (":memory:", &fx.db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (fx.db, &fx.s, &e), ==, OX_OK);
	ox_schedules_use_clock (fx.db->schedules, &test_clock, true);
	ox_test_exec (fx.s, "CREATE TABLE hits (n int)");
	ox_test_exec (fx.s, "CREATE SCHEDULE spin CRON '* * * * *' DO $$ BEGIN LOOP END LOOP; END $$");
	ox_test_exec (fx.s, "CREATE SCHEDULE work CRON '* * * * *' DO $$ BEGIN INSERT INTO hits VALUES (1); END $$");
	g_assert_cmpint (run_due (&fx, at (2030, 1, 1, 0, 1)), ==, 2);
	/* wait (bounded) for the short run to finish on its pool thread */
	char *got = NULL;
	for (int i = 0; i < 6000; i++) {
		g_free (got);
		got = ox_test_query (fx.s, "SELECT count(*) FROM system.schedule_runs WHERE schedule = 'work'");
		if (!strcmp (got, "1\n"))
			break;
		g_usleep (10000);
	}
	g_assert_cmpstr (got, ==, "1\n");
	g_free (got);
	assert_q (&fx, "SELECT count(*) FROM hits", "1\n");
	/* the next minute: work runs again, spin is still going and skips */
	g_assert_cmpint (run_due (&fx, at (2030, 1, 1, 0, 2)), ==, 2);
	assert_q (&fx, "SELECT status, error FROM system.schedule_runs WHERE schedule = 'spin'",
	          "failed|skipped: the previous run is still going\n");
	close_fx (&fx);  /* returns: the endless run is cancelled */
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/engine/schedules/fires-once", test_fires_once);
	g_test_add_func ("/engine/schedules/enable-disable-drop", test_enable_disable_drop);
	g_test_add_func ("/engine/schedules/failure-recorded", test_failure_recorded);
	g_test_add_func ("/engine/schedules/errors", test_errors);
	g_test_add_func ("/engine/schedules/durable", test_durable);
	g_test_add_func ("/engine/schedules/endless-run", test_endless_run);
	return g_test_run ();
}

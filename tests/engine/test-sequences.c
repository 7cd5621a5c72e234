/*
 * test-sequences.c — sequences survive crashes and restarts without ever
 * handing out a value twice, and keep their definitions.
 *
 *   restart      values, setval, ALTER SEQUENCE and DROP survive a clean
 *                close (shutdown checkpoint) and a reopen.
 *   sigkill      a child process calls nextval in a loop (autocommit, in
 *                rolled-back transactions, around CHECKPOINTs and setval)
 *                and reports each value the moment nextval returned; the
 *                parent SIGKILLs it at a random moment, reopens the
 *                directory and checks that the next value is beyond every
 *                value reported.  Rounds go on in the same directory, so
 *                recovery runs over images and logs left by earlier rounds.
 *   power-loss   the same with ox_file_simulate_crash (unsynced data lost):
 *                nextval's log record is fsynced before the value is
 *                returned in `full` mode, so the promise holds.
 *   uncommitted  a sequence created by a transaction that never commits
 *                is gone after the crash, and its logged values (whose
 *                records precede any creation record) do not break replay.
 *
 * What this catches: values logged after they were handed out, a record
 * not flushed, replay applying an old record after a checkpoint image
 * (moving the value back), the image storing the value instead of the
 * bound logged ahead, ALTER losing the value.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "oxibase.h"
#include "storage/file.h"
#include "test-util.h"

static char *
tmpdir (void)
{
	char *d = g_dir_make_tmp ("oxseq-XXXXXX", NULL);
	g_assert_nonnull (d);
	return d;
}

static void
open_db (const char *dir, OxDatabase **db, OxSession **s)
{
	OxError e = { 0 };
	if (ox_db_open (dir, db, &e) != OX_OK)
		g_error ("open %s: %s %s", dir, e.sqlstate, e.message);
	if (ox_session_new (*db, s, &e) != OX_OK)
		g_error ("session: %s", e.message);
}

static int64_t
q_int (OxSession *s, const char *sql)
{
	char *r = ox_test_query (s, sql);
	int64_t v = g_ascii_strtoll (r, NULL, 10);
	g_free (r);
	return v;
}

static void
test_restart (void)
{
	char *dir = tmpdir ();
	OxDatabase *db;
	OxSession *s;
	open_db (dir, &db, &s);
	ox_test_exec (s, "CREATE SEQUENCE a; CREATE SEQUENCE b INCREMENT 10 START 100; CREATE SEQUENCE gone;"
	                 "CREATE TABLE t (id serial, v text); INSERT INTO t (v) VALUES ('x'), ('y');");
	g_assert_cmpint (q_int (s, "SELECT nextval('a')"), ==, 1);
	g_assert_cmpint (q_int (s, "SELECT nextval('b')"), ==, 100);
	ox_test_exec (s, "SELECT setval('a', 500); ALTER SEQUENCE b INCREMENT 3; DROP SEQUENCE gone;");
	ox_session_free (s);
	ox_db_close (db);

	open_db (dir, &db, &s);
	/* a clean close writes an image holding the logged-ahead bound, so the
	 * values after a restart may skip ahead but never go back */
	g_assert_cmpint (q_int (s, "SELECT nextval('a')"), >, 500);
	g_assert_cmpint (q_int (s, "SELECT nextval('b')"), >, 100);
	char *r = ox_test_query (s, "SELECT increment_by, max_value FROM pg_sequences WHERE sequencename = 'b'");
	g_assert_cmpstr (r, ==, "3|9223372036854775807\n");
	g_free (r);
	r = ox_test_query (s, "SELECT count(*) FROM pg_class WHERE relname = 'gone'");
	g_assert_cmpstr (r, ==, "0\n");
	g_free (r);
	ox_test_exec (s, "INSERT INTO t (v) VALUES ('z')");
	g_assert_cmpint (q_int (s, "SELECT max(id) FROM t"), >, 2);
	/* the owned sequence goes with its table, also after a restart */
	ox_test_exec (s, "DROP TABLE t");
	ox_session_free (s);
	ox_db_close (db);
	open_db (dir, &db, &s);
	r = ox_test_query (s, "SELECT count(*) FROM pg_class WHERE relname = 't_id_seq'");
	g_assert_cmpstr (r, ==, "0\n");
	g_free (r);
	ox_session_free (s);
	ox_db_close (db);
	ox_test_rm_rf (dir);
	g_free (dir);
}

/* The child: nextval forever, each value written to fd as 8 bytes. */
static void G_GNUC_NORETURN
child_loop (const char *dir, int fd, uint32_t seed, bool power)
{
	GRand *rnd = g_rand_new_with_seed (seed);
	if (power)
		ox_file_track_durability (true);
	OxDatabase *db;
	OxSession *s;
	open_db (dir, &db, &s);
	OxError e = { 0 };
	ox_exec (s, "CREATE SEQUENCE IF NOT EXISTS sq INCREMENT 3", &e);
	ox_error_clear (&e);
	for (int i = 0;; i++) {
		int what = g_rand_int_range (rnd, 0, 100);
		if (what < 3)
			ox_test_exec (s, "CHECKPOINT");
		else if (what < 6)
			ox_test_exec (s, "BEGIN; SELECT nextval('sq'); ROLLBACK");
		else if (what < 7)
			ox_test_exec (s, "ALTER SEQUENCE sq CACHE 2");
		int64_t v = q_int (s, "SELECT nextval('sq')");
		if (write (fd, &v, sizeof v) != sizeof v)
			_exit (3);
		if (power && i > 0 && g_rand_int_range (rnd, 0, 400) == 0) {
			ox_file_simulate_crash (g_rand_int (rnd));
			_exit (0);
		}
	}
}

static void
crash_rounds (bool power)
{
	char *dir = tmpdir ();
	int rounds = power ? 12 : 20;
	uint32_t seed = (uint32_t) g_random_int ();
	g_test_message ("seed %u", seed);
	GRand *rnd = g_rand_new_with_seed (seed);
	int64_t max_seen = G_MININT64;
	for (int r = 0; r < rounds; r++) {
		int p[2];
		g_assert_cmpint (pipe (p), ==, 0);
		pid_t pid = fork ();
		g_assert_cmpint (pid, >=, 0);
		if (pid == 0) {
			close (p[0]);
			child_loop (dir, p[1], g_rand_int (rnd), power);
		}
		close (p[1]);
		g_usleep ((gulong) g_rand_int_range (rnd, 5, 60) * 1000);
		if (!power)
			kill (pid, SIGKILL);
		int64_t v;
		ssize_t n;
		while ((n = read (p[0], &v, sizeof v)) == sizeof v) {
			if (max_seen != G_MININT64)
				g_assert_cmpint (v, >, max_seen);  /* never handed out twice */
			max_seen = v;
		}
		close (p[0]);
		int status;
		if (power)
			kill (pid, SIGKILL);
		waitpid (pid, &status, 0);
		/* reopen: the next value is past everything handed out */
		OxDatabase *db;
		OxSession *s;
		open_db (dir, &db, &s);
		char *cnt = ox_test_query (s, "SELECT count(*) FROM pg_class WHERE relname = 'sq'");
		if (!strcmp (cnt, "1\n")) {
			int64_t next = q_int (s, "SELECT nextval('sq')");
			if (max_seen != G_MININT64)
				g_assert_cmpint (next, >, max_seen);
			max_seen = next;
		}
		g_free (cnt);
		ox_session_free (s);
		ox_db_close (db);
	}
	g_rand_free (rnd);
	ox_test_rm_rf (dir);
	g_free (dir);
}

static void
test_sigkill (void)
{
	crash_rounds (false);
}

static void
test_power_loss (void)
{
	crash_rounds (true);
}

static void
test_uncommitted (void)
{
	char *dir = tmpdir ();
	pid_t pid = fork ();
	if (pid == 0) {
		OxDatabase *db;
		OxSession *s;
		open_db (dir, &db, &s);
		ox_test_exec (s, "CREATE SEQUENCE kept; SELECT nextval('kept');");
		ox_test_exec (s, "BEGIN; CREATE SEQUENCE never; SELECT nextval('never'); SELECT nextval('never');");
		ox_test_exec (s, "SELECT nextval('kept')");
		_exit (0);  /* no COMMIT, no close */
	}
	int status;
	waitpid (pid, &status, 0);
	g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
	OxDatabase *db;
	OxSession *s;
	open_db (dir, &db, &s);
	char *r = ox_test_query (s, "SELECT relname FROM pg_class WHERE relkind = 'S' ORDER BY 1");
	g_assert_cmpstr (r, ==, "kept\n");
	g_free (r);
	g_assert_cmpint (q_int (s, "SELECT nextval('kept')"), >, 2);
	ox_session_free (s);
	ox_db_close (db);
	ox_test_rm_rf (dir);
	g_free (dir);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/engine/sequences/restart", test_restart);
	g_test_add_func ("/engine/sequences/uncommitted", test_uncommitted);
	g_test_add_func ("/engine/sequences/sigkill", test_sigkill);
	g_test_add_func ("/engine/sequences/power-loss", test_power_loss);
	return g_test_run ();
}

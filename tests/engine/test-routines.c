/*
 * test-routines.c — the engine side of routines, through the public API:
 * the SPI's command-id rule (a statement does not see what the routines
 * it calls wrote), per-session compiled forms that follow CREATE OR
 * REPLACE, depth and stack limits, COMMIT in procedures, notices and
 * client_min_messages, system.logs and its bound, statement_timeout.
 * The languages' own behaviour is in test-plsql, test-lua and the .slt
 * files.
 */
#include <glib.h>
#include <string.h>

#include "oxibase.h"
#include "test-util.h"
#include "session.h"
#include "pl/pl.h"

static OxDatabase *db;
static OxSession  *s;

static void
setup (void)
{
	OxError e = { 0 };
	g_assert_cmpint (ox_db_open (":memory:", &db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (db, &s, &e), ==, OX_OK);
}

static void
teardown (void)
{
	ox_session_free (s);
	ox_db_close (db);
}

static void
assert_q (const char *sql, const char *want)
{
	char *got = ox_test_query (s, sql);
	g_assert_cmpstr (got, ==, want);
	g_free (got);
}

static char *
expect_error (const char *sql, const char *state)
{
	OxError e = { 0 };
	g_assert_cmpint (ox_exec (s, sql, &e), ==, OX_ERROR);
	g_assert_cmpstr (e.sqlstate, ==, state);
	char *msg = g_strdup (e.message);
	ox_error_clear (&e);
	return msg;
}

/* INSERT INTO t SELECT f(x) FROM t, where f inserts into t: the outer
 * scan must not see f's rows (or it would never end), and the next
 * statement sees all of them. */
static void
test_command_ids (void)
{
	setup ();
	ox_test_exec (s, "CREATE TABLE t (x int)");
	ox_test_exec (s, "CREATE FUNCTION f(v int) RETURNS int LANGUAGE sql AS $$ INSERT INTO t VALUES (v + 100); SELECT v $$");
	ox_test_exec (s, "INSERT INTO t VALUES (1), (2)");
	ox_test_exec (s, "INSERT INTO t SELECT f(x) FROM t");
	assert_q ("SELECT x FROM t ORDER BY x", "1\n1\n2\n2\n101\n102\n");
	/* a routine sees the rows its caller wrote earlier in the same statement's transaction */
	ox_test_exec (s, "CREATE FUNCTION cnt() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM t'");
	ox_test_exec (s, "BEGIN; INSERT INTO t VALUES (7)");
	assert_q ("SELECT cnt()", "7\n");
	ox_test_exec (s, "COMMIT");
	teardown ();
}

/* CREATE OR REPLACE in one session is seen by the next call in another
 * session that already ran (and cached) the old version. */
static void
test_replace_seen (void)
{
	setup ();
	OxSession *other;
	OxError e = { 0 };
	g_assert_cmpint (ox_session_new (db, &other, &e), ==, OX_OK);
	ox_test_exec (s, "CREATE FUNCTION v() RETURNS int LANGUAGE plsql AS $$ BEGIN RETURN 1; END $$");
	char *r = ox_test_query (other, "SELECT v()");
	g_assert_cmpstr (r, ==, "1\n");
	g_free (r);
	ox_test_exec (s, "CREATE OR REPLACE FUNCTION v() RETURNS int LANGUAGE plsql AS $$ BEGIN RETURN 2; END $$");
	r = ox_test_query (other, "SELECT v()");
	g_assert_cmpstr (r, ==, "2\n");
	g_free (r);
	ox_session_free (other);
	teardown ();
}

/* Runaway recursion ends in 54001 and the session goes on; the count
 * limit is a setting. */
static void
test_depth (void)
{
	setup ();
	ox_test_exec (s, "CREATE FUNCTION down(n int) RETURNS int LANGUAGE sql AS 'SELECT down(n + 1)'");
	g_free (expect_error ("SELECT down(1)", "54001"));
	ox_test_exec (s, "CREATE FUNCTION d2(n int) RETURNS int LANGUAGE plsql AS $$ BEGIN "
	             "IF n = 0 THEN RETURN 0; END IF; RETURN d2(n - 1) + 1; END $$");
	assert_q ("SELECT d2(50)", "50\n");
	ox_test_exec (s, "SET max_stack_depth_routines = 20");
	g_free (expect_error ("SELECT d2(50)", "54001"));
	assert_q ("SELECT d2(10)", "10\n");
	teardown ();
}

/* COMMIT inside a procedure: allowed in CALL outside a transaction block
 * (and the work before it stays committed when a later step fails),
 * refused (2D000) inside BEGIN ... COMMIT. */
static void
test_commit_in_procedure (void)
{
	setup ();
	ox_test_exec (s, "CREATE TABLE steps (n int)");
	ox_test_exec (s, "CREATE PROCEDURE batch() LANGUAGE plsql AS $$ BEGIN "
	             "INSERT INTO steps VALUES (1); COMMIT; INSERT INTO steps VALUES (2); ROLLBACK; "
	             "INSERT INTO steps VALUES (3); COMMIT; INSERT INTO steps VALUES (1 / 0); END $$");
	g_free (expect_error ("CALL batch()", "22012"));
	assert_q ("SELECT n FROM steps ORDER BY n", "1\n3\n");
	ox_test_exec (s, "BEGIN");
	g_free (expect_error ("CALL batch()", "2D000"));
	ox_test_exec (s, "ROLLBACK");
	assert_q ("SELECT count(*) FROM steps", "2\n");
	teardown ();
}

typedef struct {
	GString *got;
} Notices;

static void
on_notice (void *user, const char *severity, const char *sqlstate, const char *message)
{
	Notices *n = user;
	g_string_append_printf (n->got, "%s:%s:%s\n", severity, sqlstate, message);
}

/* RAISE below EXCEPTION reaches the client per client_min_messages and
 * always system.logs, which keeps only the newest log.capacity entries. */
static void
test_messages_and_logs (void)
{
	setup ();
	Notices n = { g_string_new (NULL) };
	ox_session_set_notice_func (s, on_notice, &n);
	ox_test_exec (s, "CREATE PROCEDURE talk(k int) LANGUAGE plsql AS $$ BEGIN "
	             "RAISE DEBUG 'debug %', k; RAISE LOG 'log %', k; RAISE INFO 'info %', k; "
	             "RAISE NOTICE 'notice %', k; RAISE WARNING 'warning %', k; END $$");
	ox_test_exec (s, "CALL talk(1)");
	g_assert_cmpstr (n.got->str, ==, "INFO:00000:info 1\nNOTICE:00000:notice 1\nWARNING:01000:warning 1\n");
	g_string_truncate (n.got, 0);
	ox_test_exec (s, "SET client_min_messages = warning; CALL talk(2)");
	g_assert_cmpstr (n.got->str, ==, "INFO:00000:info 2\nWARNING:01000:warning 2\n");
	g_string_truncate (n.got, 0);
	ox_test_exec (s, "SET client_min_messages = debug; CALL talk(3)");
	g_assert_cmpstr (n.got->str, ==, "DEBUG:00000:debug 3\nLOG:00000:log 3\nINFO:00000:info 3\nNOTICE:00000:notice 3\n"
	                 "WARNING:01000:warning 3\n");
	/* every message is in system.logs, with routine and line */
	assert_q ("SELECT count(*), min(routine), min(line), max(line) FROM system.logs", "15|talk(integer)|1|1\n");
	assert_q ("SELECT level, message FROM system.logs ORDER BY seq DESC LIMIT 2",
	          "WARNING|warning 3\nNOTICE|notice 3\n");
	/* the ring keeps the newest entries only */
	ox_test_exec (s, "SET log.capacity = 4; CALL talk(4)");
	assert_q ("SELECT message FROM system.logs ORDER BY seq", "log 4\ninfo 4\nnotice 4\nwarning 4\n");
	g_free (expect_error ("SET log.capacity = 'many'", "22023"));
	g_string_free (n.got, TRUE);
	teardown ();
}

/* statement_timeout ends a runaway loop (PL/SQL with no SQL in it, and a
 * big query) with 57014, and the session goes on. */
static void
test_statement_timeout (void)
{
	setup ();
	ox_test_exec (s, "SET statement_timeout = '50ms'");
	char *m = expect_error ("DO $$ BEGIN LOOP END LOOP; END $$", "57014");
	g_assert_cmpstr (m, ==, "canceling statement due to statement timeout");
	g_free (m);
	ox_test_exec (s, "CREATE FUNCTION spin() RETURNS int LANGUAGE plsql AS $$ BEGIN "
	             "LOOP BEGIN PERFORM 1; EXCEPTION WHEN OTHERS THEN NULL; END; END LOOP; END $$");
	g_free (expect_error ("SELECT spin()", "57014"));
	assert_q ("SELECT 1", "1\n");
	ox_test_exec (s, "SET statement_timeout = 0");
	ox_test_exec (s, "DO $$ BEGIN FOR i IN 1..1000 LOOP NULL; END LOOP; END $$");
	g_free (expect_error ("SET statement_timeout = '5 fortnights'", "22023"));
	teardown ();
}

/* CREATE OR REPLACE makes a new catalog version each time; the lookup
 * indexes drop the versions nobody can see, so thousands of replacements
 * (a deploy script in a loop) do not slow every later lookup down. */
static void
test_replaced_versions_pruned (void)
{
	setup ();
	for (int i = 0; i < 500; i++) {
		char *sql = g_strdup_printf ("CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT %d'", i);
		ox_test_exec (s, sql);
		g_free (sql);
	}
	assert_q ("SELECT f()", "499\n");
	g_assert_cmpuint (ox_catalog_indexed_versions (db->catalog, "f"), <=, 2);
	/* a version an open snapshot can still see stays findable */
	OxSession *old;
	OxError e = { 0 };
	g_assert_cmpint (ox_session_new (db, &old, &e), ==, OX_OK);
	ox_test_exec (old, "BEGIN ISOLATION LEVEL REPEATABLE READ");
	char *r = ox_test_query (old, "SELECT f()");
	g_assert_cmpstr (r, ==, "499\n");
	g_free (r);
	ox_test_exec (s, "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT -1'");
	ox_test_exec (s, "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT -2'");
	r = ox_test_query (old, "SELECT f()");
	g_assert_cmpstr (r, ==, "499\n");
	g_free (r);
	ox_test_exec (old, "COMMIT");
	ox_session_free (old);
	assert_q ("SELECT f()", "-2\n");
	teardown ();
}

/* Embedded statements are prepared once per routine version and session
 * and their plans reused: a thousand iterations, or a hundred calls,
 * prepare no more than the first did. */
static void
test_plans_reused (void)
{
	setup ();
	ox_test_exec (s, "CREATE TABLE kv (k int PRIMARY KEY, v int)");
	ox_test_exec (s, "CREATE FUNCTION fill(n int) RETURNS bigint LANGUAGE plsql AS $$ "
	             "DECLARE total bigint := 0; got int; BEGIN "
	             "DELETE FROM kv; "
	             "FOR i IN 1..n LOOP INSERT INTO kv VALUES (i, i * 2); "
	             "SELECT v INTO got FROM kv WHERE k = i; total := total + got; END LOOP; "
	             "RETURN total; END $$");
	g_free (ox_test_query (s, "SELECT fill(1)"));  /* compiles and prepares */
	guint64 before = ox_spi_prepares ();
	assert_q ("SELECT fill(1000)", "1001000\n");
	for (int i = 0; i < 100; i++)
		g_free (ox_test_query (s, "SELECT fill(3)"));
	g_assert_cmpuint (ox_spi_prepares () - before, ==, 0);
	/* a new version is prepared again, once */
	ox_test_exec (s, "CREATE OR REPLACE FUNCTION fill(n int) RETURNS bigint LANGUAGE plsql AS $$ "
	             "BEGIN RETURN (SELECT count(*) FROM kv WHERE k <= n); END $$");
	before = ox_spi_prepares ();
	for (int i = 0; i < 50; i++)
		g_free (ox_test_query (s, "SELECT fill(10)"));
	g_assert_cmpuint (ox_spi_prepares () - before, <=, 2);
	teardown ();
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/engine/routines/command-ids", test_command_ids);
	g_test_add_func ("/engine/routines/replace-seen", test_replace_seen);
	g_test_add_func ("/engine/routines/depth", test_depth);
	g_test_add_func ("/engine/routines/commit-in-procedure", test_commit_in_procedure);
	g_test_add_func ("/engine/routines/messages-and-logs", test_messages_and_logs);
	g_test_add_func ("/engine/routines/statement-timeout", test_statement_timeout);
	g_test_add_func ("/engine/routines/replaced-versions-pruned", test_replaced_versions_pruned);
	g_test_add_func ("/engine/routines/plans-reused", test_plans_reused);
	return g_test_run ();
}

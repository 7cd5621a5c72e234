/*
 * test-durability.c — directory databases: what is committed survives a
 * reopen, the write-ahead log stops cleanly at a torn or damaged record,
 * and a second process cannot open a database that is in use.
 *
 * These tests go through the public API only (oxibase.h) and damage the
 * log files directly, the way a crash or a bad disk would.
 *
 * NOTE: each test works in its own temporary directory, removed at the end;
 * a failing test leaves it behind for inspection.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "oxibase.h"

typedef struct {
	char       *dir;
	OxDatabase *db;
	OxSession  *s;
} Fixture;

static void
open_db (Fixture *fx, const char *sync)
{
	OxError e = { 0 };
	OxDbOptions o = { .synchronous_commit = sync };
	if (ox_db_open_with (fx->dir, &o, &fx->db, &e) != OX_OK)
		g_error ("open %s: %s %s", fx->dir, e.sqlstate, e.message);
	g_assert_cmpint (ox_session_new (fx->db, &fx->s, &e), ==, OX_OK);
}

static void
close_db (Fixture *fx)
{
	ox_session_free (fx->s);
	ox_db_close (fx->db);
	fx->s = NULL;
	fx->db = NULL;
}

static void
fx_setup (Fixture *fx, gconstpointer data)
{
	fx->dir = g_dir_make_tmp ("oxibase-durability-XXXXXX", NULL);
	g_assert_nonnull (fx->dir);
	open_db (fx, NULL);
}

static void
rm_rf (const char *path)
{
	GDir *d = g_dir_open (path, 0, NULL);
	if (d) {
		const char *n;
		while ((n = g_dir_read_name (d)) != NULL) {
			char *p = g_build_filename (path, n, NULL);
			rm_rf (p);
			g_free (p);
		}
		g_dir_close (d);
		g_rmdir (path);
	} else
		g_unlink (path);
}

static void
fx_teardown (Fixture *fx, gconstpointer data)
{
	if (fx->db)
		close_db (fx);
	rm_rf (fx->dir);
	g_free (fx->dir);
}

static void
exec_ok (Fixture *fx, const char *sql)
{
	OxError e = { 0 };
	if (ox_exec (fx->s, sql, &e) != OX_OK)
		g_error ("%s: %s %s", sql, e.sqlstate, e.message);
}

/* The rows of a query as "a|b\n" lines. */
static char *
query (Fixture *fx, const char *sql)
{
	OxError e = { 0 };
	OxStmt *st;
	if (ox_prepare (fx->s, sql, -1, &st, NULL, &e) != OX_OK)
		g_error ("%s: %s %s", sql, e.sqlstate, e.message);
	GString *g = g_string_new (NULL);
	int rc;
	while ((rc = ox_step (st, &e)) == OX_ROW) {
		for (int c = 0; c < ox_column_count (st); c++) {
			const char *t = ox_column_text (st, c);
			g_string_append_printf (g, "%s%s", c ? "|" : "", t ? t : "NULL");
		}
		g_string_append_c (g, '\n');
	}
	if (rc != OX_DONE)
		g_error ("%s: %s %s", sql, e.sqlstate, e.message);
	ox_finalize (st);
	return g_string_free (g, FALSE);
}

static void
assert_query (Fixture *fx, const char *sql, const char *want)
{
	char *got = query (fx, sql);
	g_assert_cmpstr (got, ==, want);
	g_free (got);
}

static char *
segment_path (Fixture *fx)
{
	char *wal = g_build_filename (fx->dir, "wal", NULL);
	GDir *d = g_dir_open (wal, 0, NULL);
	g_assert_nonnull (d);
	char *found = NULL;
	const char *n;
	while ((n = g_dir_read_name (d)) != NULL)
		if (g_str_has_suffix (n, ".wal") && (!found || strcmp (n, found) < 0)) {
			g_free (found);
			found = g_strdup (n);
		}
	g_dir_close (d);
	g_assert_nonnull (found);
	char *p = g_build_filename (wal, found, NULL);
	g_free (wal);
	g_free (found);
	return p;
}

static void
test_reopen (Fixture *fx, gconstpointer data)
{
	exec_ok (fx, "CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL DEFAULT 'x', "
	             "amount numeric(8,2) CHECK (amount >= 0), at date)");
	exec_ok (fx, "CREATE INDEX t_name ON t (name)");
	exec_ok (fx, "INSERT INTO t VALUES (1, 'one', 1.50, '2024-01-02'), (2, 'two', 2, NULL), (3, 'three', 3.25, NULL)");
	exec_ok (fx, "UPDATE t SET name = 'TWO' WHERE id = 2");
	exec_ok (fx, "DELETE FROM t WHERE id = 3");
	exec_ok (fx, "BEGIN; INSERT INTO t VALUES (9, 'rolled back', 9, NULL); ROLLBACK");
	exec_ok (fx, "INSERT INTO t (id) VALUES (4)");
	exec_ok (fx, "CREATE SCHEMA s; CREATE TABLE s.u (x bigint, y bytea); INSERT INTO s.u VALUES (42, '\\x00ff')");
	exec_ok (fx, "CREATE VIEW v AS SELECT id, name FROM t WHERE id > 1");
	exec_ok (fx, "CREATE TABLE gone (x int); INSERT INTO gone VALUES (1); DROP TABLE gone");
	close_db (fx);
	open_db (fx, NULL);
	assert_query (fx, "SELECT * FROM t ORDER BY id", "1|one|1.50|2024-01-02\n2|TWO|2.00|NULL\n4|x|NULL|NULL\n");
	assert_query (fx, "SELECT * FROM v ORDER BY id", "2|TWO\n4|x\n");
	assert_query (fx, "SELECT * FROM s.u", "42|\\x00ff\n");
	assert_query (fx, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'gone'", "0\n");
	/* constraints and indexes came back too */
	OxError e = { 0 };
	g_assert_cmpint (ox_exec (fx->s, "INSERT INTO t VALUES (1, 'dup', 1, NULL)", &e), ==, OX_ERROR);
	g_assert_cmpstr (e.sqlstate, ==, "23505");
	ox_error_clear (&e);
	g_assert_cmpint (ox_exec (fx->s, "INSERT INTO t VALUES (5, 'neg', -1, NULL)", &e), ==, OX_ERROR);
	g_assert_cmpstr (e.sqlstate, ==, "23514");
	ox_error_clear (&e);
	assert_query (fx, "SELECT indexname FROM pg_indexes WHERE tablename = 't' ORDER BY 1", "t_name\nt_pkey\n");
	/* new work after recovery continues the log */
	exec_ok (fx, "INSERT INTO t VALUES (5, 'five', 5, NULL)");
	close_db (fx);
	open_db (fx, NULL);
	assert_query (fx, "SELECT id FROM t ORDER BY id", "1\n2\n4\n5\n");
}

static void
test_torn_tail (Fixture *fx, gconstpointer data)
{
	exec_ok (fx, "CREATE TABLE t (id int)");
	exec_ok (fx, "INSERT INTO t VALUES (1)");
	char *seg = segment_path (fx);
	struct stat st;
	g_assert_cmpint (g_stat (seg, &st), ==, 0);
	off_t keep = st.st_size;
	exec_ok (fx, "INSERT INTO t VALUES (2)");
	close_db (fx);
	/* cut the last record in half, as a crash in the middle of its write would */
	g_assert_cmpint (g_stat (seg, &st), ==, 0);
	g_assert_cmpint (truncate (seg, keep + (st.st_size - keep) / 2), ==, 0);
	open_db (fx, NULL);
	assert_query (fx, "SELECT id FROM t", "1\n");
	char *status = ox_db_status (fx->db);
	g_assert_nonnull (strstr (status, "torn record"));
	g_free (status);
	/* the torn bytes are cut off: new records are readable after a reopen */
	exec_ok (fx, "INSERT INTO t VALUES (3)");
	close_db (fx);
	open_db (fx, NULL);
	assert_query (fx, "SELECT id FROM t ORDER BY id", "1\n3\n");
	g_free (seg);
}

static void
test_checksum_flip (Fixture *fx, gconstpointer data)
{
	exec_ok (fx, "CREATE TABLE t (id int)");
	char *seg = segment_path (fx);
	struct stat st;
	g_assert_cmpint (g_stat (seg, &st), ==, 0);
	off_t mid = st.st_size;
	exec_ok (fx, "INSERT INTO t VALUES (1)");
	exec_ok (fx, "INSERT INTO t VALUES (2)");
	close_db (fx);
	/* flip one byte inside the record of the first INSERT */
	char *data_ = NULL;
	gsize len = 0;
	g_assert_true (g_file_get_contents (seg, &data_, &len, NULL));
	data_[mid + 24] ^= 0x40;
	g_assert_true (g_file_set_contents (seg, data_, (gssize) len, NULL));
	g_free (data_);
	open_db (fx, NULL);
	/* the table (before the damage) is there; nothing after it is */
	assert_query (fx, "SELECT count(*) FROM t", "0\n");
	char *status = ox_db_status (fx->db);
	g_assert_nonnull (strstr (status, "checksum mismatch"));
	g_free (status);
	g_free (seg);
}

static void
test_lock (Fixture *fx, gconstpointer data)
{
	/* another process may not open it while we have it */
	pid_t pid = fork ();
	g_assert_cmpint (pid, >=, 0);
	if (pid == 0) {
		OxDatabase *db2;
		OxError e = { 0 };
		int rc = ox_db_open (fx->dir, &db2, &e);
		_exit (rc == OX_ERROR && !strcmp (e.sqlstate, "55006") && strstr (e.message, "locked by process") ? 0 : 1);
	}
	int status;
	g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
	g_assert_true (WIFEXITED (status));
	g_assert_cmpint (WEXITSTATUS (status), ==, 0);
	/* after closing, it opens again */
	close_db (fx);
	open_db (fx, NULL);
}

static void
test_sync_modes (Fixture *fx, gconstpointer data)
{
	close_db (fx);
	open_db (fx, "off");
	assert_query (fx, "SHOW synchronous_commit", "off\n");
	exec_ok (fx, "CREATE TABLE t (id int); INSERT INTO t VALUES (1)");
	exec_ok (fx, "SET synchronous_commit = normal");
	assert_query (fx, "SHOW synchronous_commit", "normal\n");
	exec_ok (fx, "INSERT INTO t VALUES (2)");
	OxError e = { 0 };
	g_assert_cmpint (ox_exec (fx->s, "SET synchronous_commit = sometimes", &e), ==, OX_ERROR);
	g_assert_cmpstr (e.sqlstate, ==, "22023");
	ox_error_clear (&e);
	/* a clean close writes everything, whatever the mode */
	close_db (fx);
	open_db (fx, NULL);
	assert_query (fx, "SELECT id FROM t ORDER BY id", "1\n2\n");
	OxDbOptions o = { .synchronous_commit = "bogus" };
	OxDatabase *db2 = NULL;
	g_assert_cmpint (ox_db_open_with ("/nonexistent-never", &o, &db2, &e), ==, OX_ERROR);
	g_assert_cmpstr (e.sqlstate, ==, "22023");
	ox_error_clear (&e);
}

static void
test_segments (Fixture *fx, gconstpointer data)
{
	/* tiny segments: the log rotates, and replay crosses segment files */
	close_db (fx);
	OxError e = { 0 };
	OxDbOptions o = { .wal_segment_size = 4096 };
	g_assert_cmpint (ox_db_open_with (fx->dir, &o, &fx->db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (fx->db, &fx->s, &e), ==, OX_OK);
	exec_ok (fx, "CREATE TABLE t (id int, pad text)");
	for (int i = 0; i < 200; i++) {
		char *sql = g_strdup_printf ("INSERT INTO t VALUES (%d, repeat('x', 100))", i);
		exec_ok (fx, sql);
		g_free (sql);
	}
	close_db (fx);
	char *wal = g_build_filename (fx->dir, "wal", NULL);
	GDir *d = g_dir_open (wal, 0, NULL);
	int n = 0;
	while (g_dir_read_name (d))
		n++;
	g_dir_close (d);
	g_free (wal);
	g_assert_cmpint (n, >, 3);
	open_db (fx, NULL);
	assert_query (fx, "SELECT count(*), sum(id) FROM t", "200|19900\n");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fx_setup, fn, fx_teardown)
	ADD ("/engine/durability/reopen", test_reopen);
	ADD ("/engine/durability/torn-tail", test_torn_tail);
	ADD ("/engine/durability/checksum-flip", test_checksum_flip);
	ADD ("/engine/durability/lock", test_lock);
	ADD ("/engine/durability/sync-modes", test_sync_modes);
	ADD ("/engine/durability/segments", test_segments);
	return g_test_run ();
}

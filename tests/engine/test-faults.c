/*
 * test-faults.c — a disk that fails under the write-ahead log: ENOSPC and
 * EIO on write, short writes, EIO on fsync, injected through the file
 * layer (ox_file_set_fault) on paths containing "wal/" only.
 *
 * The contract (docs/file-format.md, "Commit protocol"): the commit whose
 * log write or fsync fails is rolled back and reports 53100 (disk full) or
 * 58030 (I/O error) naming the write-ahead log; from then on every writing
 * transaction fails the same way and reads go on; after the fault is
 * cleared and the database reopened, every acknowledged commit is there and
 * the failed one is not (a failed fsync is the exception: its bytes may
 * have reached the file, so the failed commit may come back whole, never in
 * part — but after a power loss it must be gone).
 *
 * What each test would catch:
 *   enospc/..., eio/write/..., short-write/...  (in `full` and `normal`)
 *            a failed commit reported as success or visible to readers (also
 *            in its own session, whose next statements must not run inside
 *            it), the wrong SQLSTATE or a message that does not say what
 *            failed, later writes let through onto a log with a hole, reads
 *            refused, a failed commit replayed at reopen, a torn record not
 *            cut before new records follow it (they would be unreadable at
 *            the next reopen); in `normal`, acknowledged commits that were
 *            written but not yet fsynced cut away with the failed one.
 *   eio/fsync
 *            a failed fsync retried, and its "success" taken as durability:
 *            the second commit, or one after the fault is cleared, must fail;
 *            the failed commit coming back in part.
 *   fsync/power-loss
 *            anything acknowledged that was not fsynced (checked by dropping
 *            every unsynced byte and reopening).
 *   sweep/...
 *            the same checks with the fault at every write (or fsync) call in
 *            turn, with tiny segments, so that it also lands on segment
 *            switches: the new segment's header, the sync of the old one.
 *   group-commit/...
 *            concurrent committers sharing one write and one fsync: a
 *            follower told "committed" when the leader's write or fsync
 *            failed, or a failed one whose record survives.
 *
 * NOTE: every test works in its own directory from g_dir_make_tmp and
 * clears the fault plan and durability tracking in teardown, so a failing
 * test does not leak its fault into the next one.
 * NOTE: a clean close writes a shutdown checkpoint, which carries every
 * commit across even when the log it went to is unreadable.  So a commit
 * that must survive in the log is made by a child process that dies without
 * closing (commit_then_die), and a database whose power went is freed with
 * every fsync failing (close_dead).
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "oxibase.h"
#include "test-util.h"
#include "storage/file.h"

typedef struct Fixture {
	char       *dir;
	OxDatabase *db;
	OxSession  *s;
} Fixture;

static void
fx_open (Fixture *fx, const char *sync, guint64 segment_size)
{
	OxError e = { 0 };
	OxDbOptions o = { .synchronous_commit = sync, .wal_segment_size = segment_size };
	if (ox_db_open_with (fx->dir, &o, &fx->db, &e) != OX_OK)
		g_error ("open %s: %s %s", fx->dir, e.sqlstate, e.message);
	g_assert_cmpint (ox_session_new (fx->db, &fx->s, &e), ==, OX_OK);
}

static void
fx_close (Fixture *fx)
{
	ox_session_free (fx->s);
	ox_db_close (fx->db);
	fx->s = NULL;
	fx->db = NULL;
}

static void
fx_setup (Fixture *fx, gconstpointer data)
{
	fx->dir = g_dir_make_tmp ("oxibase-faults-XXXXXX", NULL);
	g_assert_nonnull (fx->dir);
}

static void
fx_teardown (Fixture *fx, gconstpointer data)
{
	ox_file_set_fault (NULL);
	ox_file_track_durability (FALSE);
	if (fx->db)
		fx_close (fx);
	ox_test_rm_rf (fx->dir);
	g_free (fx->dir);
}

/* The same, or NULL when the query fails. */
static char *
query_or_null (OxSession *s, const char *sql)
{
	OxStmt *st;
	if (ox_prepare (s, sql, -1, &st, NULL, NULL) != OX_OK)
		return NULL;
	ox_finalize (st);
	return ox_test_query (s, sql);
}

static void
assert_ids (Fixture *fx, const char *want)
{
	char *got = query_or_null (fx->s, "SELECT id FROM t ORDER BY id");
	if (!got)
		g_error ("table t, created and acknowledged, is gone");
	g_assert_cmpstr (got, ==, want);
	g_free (got);
}

static void
set_fault (OxFaultKind kind, guint64 after_bytes, int after_calls)
{
	OxFaultPlan p = { .kind = kind, .path_substr = "wal/", .after_bytes = after_bytes, .after_calls = after_calls };
	ox_file_set_fault (&p);
}

static gboolean
is_refusal (const char *sqlstate)
{
	return !strcmp (sqlstate, "53100") || !strcmp (sqlstate, "58030");
}

/* A writing statement in autocommit must fail as the log is broken. */
static void
assert_refused (Fixture *fx, const char *sql)
{
	OxError e = { 0 };
	int rc = ox_exec (fx->s, sql, &e);
	if (rc == OX_OK)
		g_error ("%s succeeded on a broken write-ahead log", sql);
	if (!is_refusal (e.sqlstate))
		g_error ("%s: %s %s, want 53100 or 58030", sql, e.sqlstate, e.message);
	ox_error_clear (&e);
	g_assert_cmpint (ox_session_txn_status (fx->s), ==, 'I');
}

/* An explicit transaction must fail by its COMMIT at the latest, and leave
 * the session idle after its ROLLBACK. */
static void
assert_block_refused (Fixture *fx, const char *dml)
{
	OxError e = { 0 };
	ox_test_exec (fx->s, "BEGIN");
	if (ox_exec (fx->s, dml, &e) != OX_OK) {
		g_assert_true (is_refusal (e.sqlstate));
		ox_error_clear (&e);
		ox_test_exec (fx->s, "ROLLBACK");
	} else {
		g_assert_cmpint (ox_exec (fx->s, "COMMIT", &e), ==, OX_ERROR);
		if (!is_refusal (e.sqlstate))
			g_error ("COMMIT: %s %s, want 53100 or 58030", e.sqlstate, e.message);
		ox_error_clear (&e);
		if (ox_session_txn_status (fx->s) != 'I')
			ox_test_exec (fx->s, "ROLLBACK");
	}
	g_assert_cmpint (ox_session_txn_status (fx->s), ==, 'I');
}

/* The statement that meets the fault: it fails with want_state and a
 * message that names the write-ahead log. */
static void
assert_commit_fails (Fixture *fx, const char *sql, const char *want_state)
{
	OxError e = { 0 };
	g_assert_cmpint (ox_exec (fx->s, sql, &e), ==, OX_ERROR);
	g_assert_cmpstr (e.sqlstate, ==, want_state);
	g_assert_nonnull (e.message);
	if (!strstr (e.message, "write-ahead log"))
		g_error ("the message does not name the write-ahead log: %s", e.message);
	ox_error_clear (&e);
	g_assert_cmpint (ox_session_txn_status (fx->s), ==, 'I');
}

/* Two commits acknowledged before the fault: one autocommit, one block. */
static void
acknowledged_prefix (Fixture *fx)
{
	ox_test_exec (fx->s, "CREATE TABLE t (id int PRIMARY KEY, v text)");
	ox_test_exec (fx->s, "INSERT INTO t VALUES (1, 'one')");
	ox_test_exec (fx->s, "BEGIN; INSERT INTO t VALUES (2, 'two'); COMMIT");
}

/* After the failed commit: it is invisible, reads work (a read-only block
 * commits), every kind of write is refused. */
static void
assert_broken_but_readable (Fixture *fx)
{
	assert_ids (fx, "1\n2\n");
	OxSession *other;
	g_assert_cmpint (ox_session_new (fx->db, &other, NULL), ==, OX_OK);
	char *got = ox_test_query (other, "SELECT id, v FROM t ORDER BY id");
	g_assert_cmpstr (got, ==, "1|one\n2|two\n");
	g_free (got);
	ox_session_free (other);
	ox_test_exec (fx->s, "BEGIN; SELECT count(*) FROM t; COMMIT");
	assert_refused (fx, "INSERT INTO t VALUES (4, 'four')");
	assert_refused (fx, "UPDATE t SET v = 'uno' WHERE id = 1");
	assert_refused (fx, "DELETE FROM t WHERE id = 2");
	assert_refused (fx, "CREATE TABLE u (x int)");
	assert_block_refused (fx, "INSERT INTO t VALUES (5, 'five')");
	assert_ids (fx, "1\n2\n");
}

/* Commit sql in a child process that then dies without closing the
 * database, as a crash would.  (A clean close writes a checkpoint, which
 * would carry the commit across even if the log it went to is unreadable.)
 * The database must be closed in the parent. */
static void
commit_then_die (Fixture *fx, const char *sync, guint64 segment_size, const char *sql)
{
	g_assert_null (fx->db);
	pid_t pid = fork ();
	g_assert_cmpint (pid, >=, 0);
	if (pid == 0) {
		OxDatabase *db;
		OxSession *s;
		OxError e = { 0 };
		OxDbOptions o = { .synchronous_commit = sync, .wal_segment_size = segment_size };
		if (ox_db_open_with (fx->dir, &o, &db, &e) != OX_OK || ox_session_new (db, &s, &e) != OX_OK
		    || ox_exec (s, sql, &e) != OX_OK) {
			g_printerr ("child: %s: %s %s\n", sql, e.sqlstate, e.message);
			_exit (1);
		}
		_exit (0);
	}
	int status;
	while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
		;
	g_assert_true (WIFEXITED (status));
	g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

/* Reopen and check that the log takes new commits again: one acknowledged
 * after the reopen must survive a crash (a torn tail or a damaged segment
 * left in place would hide it). */
static void
assert_reopen_writable (Fixture *fx, const char *want_ids)
{
	fx_close (fx);
	fx_open (fx, NULL, 0);
	assert_ids (fx, want_ids);
	fx_close (fx);
	commit_then_die (fx, NULL, 0, "INSERT INTO t VALUES (100, 'after')");
	fx_open (fx, NULL, 0);
	char *want = g_strconcat (want_ids, "100\n", NULL);
	assert_ids (fx, want);
	g_free (want);
}

/* In `normal` mode the commits before the fault were written but not yet
 * fsynced: whatever the engine does about the failed write must not take
 * them with it. */
static void
write_fault (Fixture *fx, const char *sync, OxFaultKind kind, guint64 after_bytes, const char *want_state)
{
	fx_open (fx, sync, 0);
	acknowledged_prefix (fx);
	set_fault (kind, after_bytes, 0);
	assert_commit_fails (fx, "INSERT INTO t VALUES (3, 'three')", want_state);
	assert_broken_but_readable (fx);
	/* the log is not trusted again just because the disk recovered */
	ox_file_set_fault (NULL);
	assert_refused (fx, "INSERT INTO t VALUES (6, 'six')");
	assert_ids (fx, "1\n2\n");
}

static void
test_enospc (Fixture *fx, gconstpointer data)
{
	write_fault (fx, data, OX_FAULT_WRITE_ENOSPC, 0, "53100");
	assert_reopen_writable (fx, "1\n2\n");
}

static void
test_eio_write (Fixture *fx, gconstpointer data)
{
	write_fault (fx, data, OX_FAULT_WRITE_EIO, 0, "58030");
	assert_reopen_writable (fx, "1\n2\n");
}

static void
test_short_write (Fixture *fx, gconstpointer data)
{
	/* 24 bytes reach the file: a whole record header, part of the payload.
	 * The engine may cut them when the write fails, or leave them for
	 * recovery to stop at; either way they are never replayed, and the
	 * records written after the reopen must be readable past them. */
	write_fault (fx, data, OX_FAULT_SHORT_WRITE, 24, "53100");
	fx_close (fx);
	fx_open (fx, NULL, 0);
	char *status = ox_db_status (fx->db);
	g_test_message ("after the short write: %s", strstr (status, "torn") ? "recovery cut a torn record"
	                                                                      : "no torn record was left");
	ox_free (status);
	assert_reopen_writable (fx, "1\n2\n");
}

static void
test_eio_fsync (Fixture *fx, gconstpointer data)
{
	fx_open (fx, "full", 0);
	acknowledged_prefix (fx);
	set_fault (OX_FAULT_FSYNC_EIO, 0, 0);
	assert_commit_fails (fx, "INSERT INTO t VALUES (3, 'three')", "58030");
	assert_broken_but_readable (fx);
	/* With the fault gone a new fsync would succeed — and say nothing
	 * about the pages the failed one may have dropped. */
	ox_file_set_fault (NULL);
	assert_refused (fx, "INSERT INTO t VALUES (6, 'six')");
	assert_block_refused (fx, "INSERT INTO t VALUES (7, 'seven')");
	fx_close (fx);
	fx_open (fx, NULL, 0);
	/* The failed commit's record was written before its fsync failed, so
	 * replay may find it; whole or not at all.  Nothing after it was
	 * written. */
	char *got = ox_test_query (fx->s, "SELECT id, v FROM t ORDER BY id");
	if (strcmp (got, "1|one\n2|two\n") != 0 && strcmp (got, "1|one\n2|two\n3|three\n") != 0)
		g_error ("after reopening: %s", got);
	g_test_message ("the commit whose fsync failed %s after reopening",
	                strstr (got, "three") ? "came back" : "stayed away");
	g_free (got);
	fx_close (fx);
	commit_then_die (fx, NULL, 0, "INSERT INTO t VALUES (100, 'after')");
	fx_open (fx, NULL, 0);
	got = ox_test_query (fx->s, "SELECT count(*) FROM t WHERE id IN (1, 2, 100)");
	g_assert_cmpstr (got, ==, "3\n");
	g_free (got);
}

/* Set while close_dead runs: the engine's warning that it could not write
 * its shutdown checkpoint is expected then. */
static int crash_warnings_ok;

static gboolean
is_crash_warning (const char *message)
{
	return crash_warnings_ok && message && strstr (message, "checkpoint at close failed");
}

static gboolean
crash_fatal_handler (const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer user)
{
	return !is_crash_warning (message);
}

static void
crash_log_handler (const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer user)
{
	if (!is_crash_warning (message))
		g_log_default_handler (domain, level, message, user);
}

/* The process "died" in ox_file_simulate_crash: free its database without
 * letting anything it does become durable.  (The crash kills only the
 * handles open at that moment; ox_db_close would write and publish a
 * shutdown checkpoint through new ones, rescuing what the crash dropped.) */
static void
close_dead (Fixture *fx)
{
	OxFaultPlan p = { .kind = OX_FAULT_FSYNC_EIO, .path_substr = fx->dir };
	ox_file_set_fault (&p);
	crash_warnings_ok = 1;
	/* (GLib forgets the handler at the end of each test) */
	g_test_log_set_fatal_handler (crash_fatal_handler, NULL);
	fx_close (fx);
	crash_warnings_ok = 0;
	ox_file_set_fault (NULL);
}

static void
test_fsync_power_loss (Fixture *fx, gconstpointer data)
{
	/* The directory and table exist before tracking begins (so count as
	 * durable): this test is about the commits, not about creating the
	 * database. */
	fx_open (fx, "full", 0);
	ox_test_exec (fx->s, "CREATE TABLE t (id int PRIMARY KEY, v text)");
	fx_close (fx);
	ox_file_track_durability (TRUE);
	fx_open (fx, "full", 0);
	ox_test_exec (fx->s, "INSERT INTO t VALUES (1, 'one')");
	ox_test_exec (fx->s, "BEGIN; INSERT INTO t VALUES (2, 'two'); COMMIT");
	set_fault (OX_FAULT_FSYNC_EIO, 0, 0);
	assert_commit_fails (fx, "INSERT INTO t VALUES (3, 'three')", "58030");
	ox_file_set_fault (NULL);
	assert_refused (fx, "INSERT INTO t VALUES (4, 'four')");
	/* the power goes: whatever was not fsynced is gone */
	ox_file_simulate_crash (0);
	close_dead (fx);
	fx_open (fx, "full", 0);
	assert_ids (fx, "1\n2\n");
	ox_test_exec (fx->s, "INSERT INTO t VALUES (100, 'after')");
	ox_file_simulate_crash (0);
	close_dead (fx);
	fx_open (fx, "full", 0);
	assert_ids (fx, "1\n2\n100\n");
}

/* ---- sweeps: the fault at each call in turn --------------------------------------------- */

typedef struct Sweep {
	OxFaultKind kind;
	const char *sync;
	int         max_calls;   /* after_calls goes 1 .. max_calls */
	const char *state;       /* SQLSTATE of the failing commit */
} Sweep;

static void
sweep_one (Fixture *fx, const Sweep *sw, int calls)
{
	/* tiny segments and big rows: a switch every three commits */
	fx_open (fx, sw->sync, 4096);
	ox_test_exec (fx->s, "CREATE TABLE t (id int PRIMARY KEY, pad text)");
	set_fault (sw->kind, 0, calls);
	GString *acked = g_string_new (NULL);
	int failed = -1;
	for (int i = 1; i <= 60 && failed < 0; i++) {
		char *sql = g_strdup_printf ("INSERT INTO t VALUES (%d, repeat('p', 1000))", i);
		OxError e = { 0 };
		if (ox_exec (fx->s, sql, &e) == OX_OK)
			g_string_append_printf (acked, "%d\n", i);
		else {
			failed = i;
			if (strcmp (e.sqlstate, sw->state) != 0)
				g_error ("fault at call %d: %s: %s %s, want %s", calls, sql, e.sqlstate, e.message, sw->state);
		}
		ox_error_clear (&e);
		g_free (sql);
	}
	if (failed < 0) {
		/* (a sync-only fault in `normal` mode may not fire within the rows) */
		g_assert_true (sw->kind == OX_FAULT_FSYNC_EIO);
		ox_file_set_fault (NULL);
		fx_close (fx);
		g_string_free (acked, TRUE);
		return;
	}
	char *got = ox_test_query (fx->s, "SELECT id FROM t ORDER BY id");
	g_assert_cmpstr (got, ==, acked->str);
	g_free (got);
	assert_refused (fx, "INSERT INTO t VALUES (1000, 'no')");
	ox_file_set_fault (NULL);
	assert_refused (fx, "INSERT INTO t VALUES (1001, 'no')");
	fx_close (fx);

	fx_open (fx, sw->sync, 4096);
	got = query_or_null (fx->s, "SELECT id FROM t ORDER BY id");
	if (!got)
		g_error ("fault at call %d (commit %d failed): after reopening, the table created and acknowledged "
		         "before the fault is gone", calls, failed);
	char *with_failed = g_strdup_printf ("%s%d\n", acked->str, failed);
	/* only a failed fsync may leave its commit behind (see the header) */
	if (strcmp (got, acked->str) != 0 && (sw->kind != OX_FAULT_FSYNC_EIO || strcmp (got, with_failed) != 0))
		g_error ("fault at call %d (commit %d failed): after reopening the ids are\n%swant\n%s", calls, failed,
		         got, acked->str);
	/* the log continues past whatever the fault left behind: a commit
	 * acknowledged now survives a crash */
	fx_close (fx);
	commit_then_die (fx, "full", 4096, "INSERT INTO t VALUES (2000, 'sentinel')");
	fx_open (fx, sw->sync, 4096);
	char *got2 = ox_test_query (fx->s, "SELECT id FROM t WHERE id = 2000");
	if (strcmp (got2, "2000\n") != 0) {
		char *status = ox_db_status (fx->db);
		g_error ("fault at call %d (commit %d failed): a commit acknowledged after reopening is lost at the next "
		         "reopen\n%s", calls, failed, status);
	}
	g_free (got2);
	g_free (with_failed);
	g_free (got);
	g_string_free (acked, TRUE);
	fx_close (fx);
}

static void
test_sweep (Fixture *fx, gconstpointer data)
{
	const Sweep *sw = data;
	for (int calls = 1; calls <= sw->max_calls; calls++) {
		ox_test_rm_rf (fx->dir);
		g_assert_cmpint (g_mkdir (fx->dir, 0700), ==, 0);
		sweep_one (fx, sw, calls);
	}
}

/* ---- group commit ------------------------------------------------------------------------ */

enum { NTHREADS = 4 };

typedef struct Committer {
	OxDatabase *db;
	int         no;
	GArray     *acked;    /* ids whose INSERT returned OK */
	GArray     *failed;   /* ids whose INSERT failed */
	char       *why;      /* an unexpected outcome */
} Committer;

static gpointer
committer (gpointer p)
{
	Committer *c = p;
	OxSession *s;
	g_assert_cmpint (ox_session_new (c->db, &s, NULL), ==, OX_OK);
	gboolean broken = FALSE;
	for (int i = 0; i < 400 && !c->why; i++) {
		int id = c->no * 1000 + i;
		char *sql = g_strdup_printf ("INSERT INTO t VALUES (%d, repeat('g', %d))", id, 50 + (i * 37) % 400);
		OxError e = { 0 };
		if (ox_exec (s, sql, &e) == OX_OK) {
			if (broken)
				c->why = g_strdup_printf ("%s succeeded after an earlier commit failed", sql);
			g_array_append_val (c->acked, id);
		} else {
			if (!is_refusal (e.sqlstate))
				c->why = g_strdup_printf ("%s: %s %s", sql, e.sqlstate, e.message);
			g_array_append_val (c->failed, id);
			/* one more try after the failure: it must fail too */
			if (broken)
				i = 400;
			broken = TRUE;
		}
		ox_error_clear (&e);
		g_free (sql);
	}
	ox_session_free (s);
	return NULL;
}

static void
test_group_commit (Fixture *fx, gconstpointer data)
{
	OxFaultKind kind = GPOINTER_TO_INT (data);
	GRand *r = g_rand_new_with_seed (g_test_rand_int ());
	for (int round = 0; round < 6; round++) {
		ox_test_rm_rf (fx->dir);
		g_assert_cmpint (g_mkdir (fx->dir, 0700), ==, 0);
		fx_open (fx, "full", 4096);
		ox_test_exec (fx->s, "CREATE TABLE t (id int PRIMARY KEY, pad text)");
		fx_close (fx);
		/* the commits under the fault are tracked, so that a power loss
		 * afterwards shows whether anything acknowledged was not durable */
		ox_file_track_durability (TRUE);
		fx_open (fx, "full", 4096);
		Committer c[NTHREADS];
		GThread *th[NTHREADS];
		for (int i = 0; i < NTHREADS; i++) {
			c[i] = (Committer) { fx->db, i + 1, g_array_new (FALSE, FALSE, sizeof (int)),
			                     g_array_new (FALSE, FALSE, sizeof (int)), NULL };
			th[i] = g_thread_new ("committer", committer, &c[i]);
		}
		/* let a few groups through, then the disk fails under them */
		g_usleep (g_rand_int_range (r, 0, 20000));
		set_fault (kind, g_rand_int_range (r, 0, 8192), 0);
		for (int i = 0; i < NTHREADS; i++)
			g_thread_join (th[i]);
		/* no torn tail: an unsynced record that happened to survive would
		 * look like a failed commit made durable */
		ox_file_simulate_crash (0);
		close_dead (fx);
		ox_file_track_durability (FALSE);
		fx_open (fx, "full", 4096);
		int nacked = 0, nfailed = 0;
		for (int i = 0; i < NTHREADS; i++) {
			if (c[i].why)
				g_error ("committer %d: %s", i, c[i].why);
			for (guint j = 0; j < c[i].acked->len; j++) {
				char *sql = g_strdup_printf ("SELECT count(*) FROM t WHERE id = %d", g_array_index (c[i].acked, int, j));
				char *got = ox_test_query (fx->s, sql);
				if (strcmp (got, "1\n") != 0)
					g_error ("round %d: acknowledged commit of id %d lost", round, g_array_index (c[i].acked, int, j));
				g_free (got);
				g_free (sql);
			}
			for (guint j = 0; j < c[i].failed->len; j++) {
				char *sql = g_strdup_printf ("SELECT count(*) FROM t WHERE id = %d", g_array_index (c[i].failed, int, j));
				char *got = ox_test_query (fx->s, sql);
				if (strcmp (got, "0\n") != 0)
					g_error ("round %d: the commit of id %d failed, yet it is there after the power loss",
					         round, g_array_index (c[i].failed, int, j));
				g_free (got);
				g_free (sql);
			}
			nacked += (int) c[i].acked->len;
			nfailed += (int) c[i].failed->len;
			g_array_unref (c[i].acked);
			g_array_unref (c[i].failed);
		}
		/* every committer met the fault, or the test tested nothing */
		g_assert_cmpint (nfailed, >=, NTHREADS);
		g_test_message ("round %d: %d acknowledged, %d failed", round, nacked, nfailed);
		fx_close (fx);
	}
	g_rand_free (r);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_log_set_default_handler (crash_log_handler, NULL);
#define ADD(path, data, fn) g_test_add (path, Fixture, data, fx_setup, fn, fx_teardown)
	ADD ("/engine/faults/enospc/full", "full", test_enospc);
	ADD ("/engine/faults/enospc/normal", "normal", test_enospc);
	ADD ("/engine/faults/eio/write/full", "full", test_eio_write);
	ADD ("/engine/faults/eio/write/normal", "normal", test_eio_write);
	ADD ("/engine/faults/eio/fsync", NULL, test_eio_fsync);
	ADD ("/engine/faults/short-write/full", "full", test_short_write);
	ADD ("/engine/faults/short-write/normal", "normal", test_short_write);
	ADD ("/engine/faults/fsync/power-loss", NULL, test_fsync_power_loss);
	static const Sweep sweeps[] = {
		/* write kinds count one call per commit plus one per segment
		 * header; syncs in `normal` happen only at switches (two each) */
		{ OX_FAULT_WRITE_ENOSPC, "normal", 12, "53100" },
		{ OX_FAULT_WRITE_EIO,    "normal", 12, "58030" },
		{ OX_FAULT_SHORT_WRITE,  "normal", 12, "53100" },
		{ OX_FAULT_FSYNC_EIO,    "normal", 6,  "58030" },
		{ OX_FAULT_FSYNC_EIO,    "full",   12, "58030" },
	};
	ADD ("/engine/faults/sweep/enospc", &sweeps[0], test_sweep);
	ADD ("/engine/faults/sweep/eio-write", &sweeps[1], test_sweep);
	ADD ("/engine/faults/sweep/short-write", &sweeps[2], test_sweep);
	ADD ("/engine/faults/sweep/eio-fsync/normal", &sweeps[3], test_sweep);
	ADD ("/engine/faults/sweep/eio-fsync/full", &sweeps[4], test_sweep);
	ADD ("/engine/faults/group-commit/enospc", GINT_TO_POINTER (OX_FAULT_WRITE_ENOSPC), test_group_commit);
	ADD ("/engine/faults/group-commit/eio-fsync", GINT_TO_POINTER (OX_FAULT_FSYNC_EIO), test_group_commit);
	return g_test_run ();
}

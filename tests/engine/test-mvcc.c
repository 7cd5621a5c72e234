/*
 * test-mvcc.c — transactions and concurrency, through the public API only
 * (engine/oxibase.h): several OxSessions on one OxDatabase, on several
 * GThreads.
 *
 * What is tested, and what each group would catch when the engine is wrong:
 *
 *   snapshot/    a reader seeing uncommitted inserts, updates or deletes
 *                (dirty reads); a commit not published, or a rollback that
 *                leaves a version, a stale index entry or a unique key
 *                behind; a failed statement leaving part of its work; a
 *                transaction blind to its own writes, or seeing the rows
 *                its current command inserts (INSERT ... SELECT from the
 *                same table must not loop); READ COMMITTED not refreshing
 *                its snapshot per statement; REPEATABLE READ refreshing it,
 *                or taking it at BEGIN instead of at the first statement
 *                (PostgreSQL takes it at the first).
 *   txn/         BEGIN / COMMIT / ROLLBACK out of place (warnings, not
 *                errors), SET TRANSACTION after a query, READ ONLY blocks
 *                that write, AND CHAIN not opening the next transaction.
 *   savepoint/   ROLLBACK TO undoing too much or too little, nesting and
 *                RELEASE bookkeeping, the failed-block state (25P02) and
 *                its exits, COMMIT of a failed block reporting ROLLBACK;
 *                rows changed after a savepoint staying locked after
 *                ROLLBACK TO it.
 *   conflict/    lost updates; a second updater not waiting for the first;
 *                REPEATABLE READ / SERIALIZABLE not raising 40001 when the
 *                first updater commits; READ COMMITTED not re-checking the
 *                newest version (EvalPlanQual); a waiter not released by
 *                rollback, cancel or the end of the other session.
 *   unique/      two transactions both inserting one key; a waiter not
 *                waiting for an uncommitted rival (inserter, deleter or
 *                updater of the key), or deciding before the rival's
 *                outcome is known; a race of four inserting threads.
 *   deadlock/    cycles of two and three transactions waiting forever
 *                instead of one getting 40P01.
 *   write-skew/, phantom/, serializable/  anomalies let through under
 *                SERIALIZABLE (they are legal, and shown, under REPEATABLE
 *                READ); disjoint transactions failing for nothing.
 *   ddl/         CREATE TABLE visible before commit or surviving rollback;
 *                DROP TABLE, TRUNCATE or CREATE INDEX not undone; writes
 *                into a table a concurrent DROP removes (lost writes);
 *                an uncommitted unique index constraining others.
 *   bank/        the stress test: 8 tellers moving money between 100
 *                accounts under each isolation level, with an auditor
 *                summing all balances in REPEATABLE READ.  Money created or
 *                destroyed (lost updates, torn commits), inconsistent
 *                snapshots, lost wake-ups (a hang) and crashes in the
 *                version chains under concurrency.
 *
 * NOTE: "B is blocked" is observed the only way the public API allows: B's
 * statement runs on its own thread, the main thread sleeps BLOCK_MS and
 * checks that it has not finished.  A slow machine can only make such a
 * check pass wrongly (B not yet arrived at its wait), never fail wrongly.
 * NOTE: every wait is bounded (WAIT_S).  A statement that does not finish
 * in time fails the test and is cancelled (ox_session_cancel); if even that
 * does not free its thread, the program aborts rather than hang.
 * NOTE: a session is lent to a thread and handed back through Async's
 * mutex, so each session is used by one thread at a time, as oxibase.h
 * requires.
 * NOTE: assertions are non-fatal (g_test_set_nonfatal_assertions): a check
 * that fails marks its test failed and the test goes on, so that one engine
 * bug does not hide the results of every later test.
 */
#include <glib.h>
#include <string.h>

#include "oxibase.h"

#define WAIT_S    60    /* longest a statement or thread may take before the test fails */
#define BLOCK_MS  200   /* how long a waiter must stay unfinished to count as blocked */

/* Mark the test failed; the message also goes to the log, since the TAP
 * line keeps only the last one. */
#define FAIL(...)                                                       \
	G_STMT_START {                                                  \
		char *fail_msg_ = g_strdup_printf (__VA_ARGS__);        \
		g_test_message ("FAIL: %s", fail_msg_);                 \
		g_test_fail_printf ("%s", fail_msg_);                   \
		g_free (fail_msg_);                                     \
	} G_STMT_END

/* ---- running statements ------------------------------------------------ */

/* The outcome of one statement. */
typedef struct Result {
	int     rc;           /* OX_OK or OX_ERROR */
	char    sqlstate[6];  /* "" on success */
	char   *message;      /* error message, g_malloc'd; NULL on success */
	char   *tag;          /* command tag, g_malloc'd; NULL on error */
	int64_t changes;      /* ox_changes after OX_DONE */
	int64_t nrows;        /* rows returned */
	char   *first;        /* text of row 0, column 0, g_malloc'd; NULL when none or SQL NULL */
} Result;

static void
result_clear (Result *r)
{
	g_free (r->message);
	g_free (r->tag);
	g_free (r->first);
	memset (r, 0, sizeof *r);
}

/* Run one statement to completion, draining its rows. */
static int
run (OxSession *s, const char *sql, Result *r)
{
	OxError err = { 0 };
	OxStmt *st = NULL;
	memset (r, 0, sizeof *r);
	int rc = ox_prepare (s, sql, -1, &st, NULL, &err);
	if (rc == OX_OK && st) {
		while ((rc = ox_step (st, &err)) == OX_ROW) {
			if (r->nrows++ == 0 && ox_column_count (st) > 0 && !ox_column_is_null (st, 0))
				r->first = g_strdup (ox_column_text (st, 0));
		}
		if (rc == OX_DONE) {
			rc = OX_OK;
			r->tag = g_strdup (ox_command_tag (st));
			r->changes = ox_changes (st);
		}
	}
	ox_finalize (st);
	r->rc = rc;
	if (rc != OX_OK) {
		g_strlcpy (r->sqlstate, err.sqlstate, sizeof r->sqlstate);
		r->message = g_strdup (err.message ? err.message : "(no message)");
	}
	ox_error_clear (&err);
	return rc;
}

static void
check_ok (const Result *r, const char *sql, const char *file, int line)
{
	if (r->rc != OX_OK)
		FAIL ("%s:%d: %s: unexpected error %s: %s", file, line, sql, r->sqlstate,
		      r->message);
}

static void
check_state (const Result *r, const char *sql, const char *want, const char *file, int line)
{
	if (r->rc == OX_OK)
		FAIL ("%s:%d: %s: succeeded (%s), expected error %s", file, line, sql,
		      r->tag, want);
	else if (strcmp (r->sqlstate, want) != 0)
		FAIL ("%s:%d: %s: error %s (%s), expected %s", file, line, sql,
		      r->sqlstate, r->message, want);
}

/* Run sql, which must succeed; returns its tag (static copy, valid until
 * the next call) so callers can check it. */
static const char *
ok_at (OxSession *s, const char *sql, const char *file, int line)
{
	static __thread char tag[64];
	Result r;
	run (s, sql, &r);
	check_ok (&r, sql, file, line);
	g_strlcpy (tag, r.tag ? r.tag : "", sizeof tag);
	result_clear (&r);
	return tag;
}

/* Run sql, which must fail with SQLSTATE want. */
static void
fails_at (OxSession *s, const char *sql, const char *want, const char *file, int line)
{
	Result r;
	run (s, sql, &r);
	check_state (&r, sql, want, file, line);
	result_clear (&r);
}

/* First column of the first row as an integer; G_MININT64 after a failure. */
static int64_t
q_int_at (OxSession *s, const char *sql, const char *file, int line)
{
	Result r;
	int64_t v = G_MININT64;
	run (s, sql, &r);
	check_ok (&r, sql, file, line);
	if (r.rc == OX_OK && !r.first)
		FAIL ("%s:%d: %s: no row or NULL", file, line, sql);
	else if (r.rc == OX_OK)
		v = g_ascii_strtoll (r.first, NULL, 10);
	result_clear (&r);
	return v;
}

#define OK(s, sql)           ok_at ((s), (sql), __FILE__, __LINE__)
#define FAILS(s, sql, state) fails_at ((s), (sql), (state), __FILE__, __LINE__)
#define Q_INT(s, sql)        q_int_at ((s), (sql), __FILE__, __LINE__)
/* SQL whose single integer result must equal want. */
#define EXPECT_INT(s, sql, want) g_assert_cmpint (Q_INT ((s), (sql)), ==, (want))
#define EXPECT_STATUS(s, c)      g_assert_cmpint (ox_session_txn_status (s), ==, (c))

/* ---- statements on another thread --------------------------------------- */

/* One statement running on its own thread, with the session lent to it. */
typedef struct Async {
	OxSession *s;       /* lent to the thread until done */
	char      *sql;     /* g_malloc'd */
	GThread   *thread;
	GMutex     lock;
	GCond      cond;
	bool       done;    /* under lock: the statement finished, r is valid */
	Result     r;
} Async;

static gpointer
async_main (gpointer data)
{
	Async *a = data;
	Result r;
	run (a->s, a->sql, &r);
	g_mutex_lock (&a->lock);
	a->r = r;
	a->done = true;
	g_cond_broadcast (&a->cond);
	g_mutex_unlock (&a->lock);
	return NULL;
}

static Async *
async_start (OxSession *s, const char *sql)
{
	Async *a = g_new0 (Async, 1);
	a->s = s;
	a->sql = g_strdup (sql);
	g_mutex_init (&a->lock);
	g_cond_init (&a->cond);
	a->thread = g_thread_new ("async", async_main, a);
	return a;
}

/* Wait up to ms for the statement to finish; true when it has. */
static bool
async_wait_ms (Async *a, int ms)
{
	gint64 until = g_get_monotonic_time () + (gint64) ms * G_TIME_SPAN_MILLISECOND;
	g_mutex_lock (&a->lock);
	while (!a->done)
		if (!g_cond_wait_until (&a->cond, &a->lock, until))
			break;
	bool done = a->done;
	g_mutex_unlock (&a->lock);
	return done;
}

static bool
async_done (Async *a)
{
	return async_wait_ms (a, 0);
}

/* Sleep BLOCK_MS; true when the statement is still running (blocked). */
static bool
async_blocked (Async *a)
{
	g_usleep (BLOCK_MS * 1000);
	return !async_done (a);
}

#define ASSERT_BLOCKED(a)                                                       \
	G_STMT_START {                                                          \
		if (!async_blocked (a))                                         \
			FAIL ("%s:%d: \"%s\" did not wait (finished: %s %s)",    \
			      __FILE__, __LINE__, (a)->sql,                     \
			      (a)->r.tag ? (a)->r.tag : (a)->r.sqlstate,        \
			      (a)->r.message ? (a)->r.message : "");            \
	} G_STMT_END

/* Wait (bounded) for the statement, join its thread and free a; the
 * result moves to *r.  A statement still running after WAIT_S fails the
 * test and is cancelled; one that survives that too aborts the program,
 * since its session can be neither used nor freed. */
static void
async_finish (Async *a, Result *r)
{
	if (!async_wait_ms (a, WAIT_S * 1000)) {
		FAIL ("\"%s\" still running after %d s; cancelling it", a->sql, WAIT_S);
		ox_session_cancel (a->s);
		if (!async_wait_ms (a, 10 * 1000))
			g_error ("\"%s\" ignores cancellation; giving up", a->sql);
	}
	g_thread_join (a->thread);
	*r = a->r;
	g_mutex_clear (&a->lock);
	g_cond_clear (&a->cond);
	g_free (a->sql);
	g_free (a);
}

/* Finish a; it must have succeeded.  Returns its changes count. */
static int64_t
async_ok_at (Async *a, const char *file, int line)
{
	Result r;
	char *sql = g_strdup (a->sql);
	async_finish (a, &r);
	check_ok (&r, sql, file, line);
	int64_t n = r.changes;
	result_clear (&r);
	g_free (sql);
	return n;
}

/* Finish a; it must have failed with SQLSTATE want. */
static void
async_fails_at (Async *a, const char *want, const char *file, int line)
{
	Result r;
	char *sql = g_strdup (a->sql);
	async_finish (a, &r);
	check_state (&r, sql, want, file, line);
	result_clear (&r);
	g_free (sql);
}

#define ASYNC_OK(a)           async_ok_at ((a), __FILE__, __LINE__)
#define ASYNC_FAILS(a, state) async_fails_at ((a), (state), __FILE__, __LINE__)

/* ---- fixture ----------------------------------------------------------- */

typedef struct Fx {
	OxDatabase *db;
	OxSession  *a, *b, *c;  /* three connections to db */
} Fx;

static void
fx_setup (Fx *fx, gconstpointer data)
{
	OxError err = { 0 };
	if (ox_db_open (":memory:", &fx->db, &err) != OX_OK)
		g_error ("ox_db_open: %s", err.message);
	g_assert_cmpint (ox_session_new (fx->db, &fx->a, &err), ==, OX_OK);
	g_assert_cmpint (ox_session_new (fx->db, &fx->b, &err), ==, OX_OK);
	g_assert_cmpint (ox_session_new (fx->db, &fx->c, &err), ==, OX_OK);
	ox_error_clear (&err);
}

static void
fx_teardown (Fx *fx, gconstpointer data)
{
	ox_session_free (fx->a);
	ox_session_free (fx->b);
	ox_session_free (fx->c);
	ox_db_close (fx->db);
}

typedef enum Level {
	LEVEL_RC,
	LEVEL_RR,
	LEVEL_SER,
	LEVEL_SER_SET,  /* SERIALIZABLE chosen by SET TRANSACTION inside a plain BEGIN */
} Level;

static const char *const begin_sql[] = {
	[LEVEL_RC] = "BEGIN ISOLATION LEVEL READ COMMITTED",
	[LEVEL_RR] = "BEGIN ISOLATION LEVEL REPEATABLE READ",
	[LEVEL_SER] = "BEGIN ISOLATION LEVEL SERIALIZABLE",
	[LEVEL_SER_SET] = "BEGIN",
};

/* Open a transaction block at level lv. */
static void
begin_at (OxSession *s, Level lv, const char *file, int line)
{
	ok_at (s, begin_sql[lv], file, line);
	if (lv == LEVEL_SER_SET)
		ok_at (s, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", file, line);
}

#define BEGIN_AT(s, lv) begin_at ((s), (lv), __FILE__, __LINE__)

/* t: three rows (1,10) (2,20) (3,30), primary key on id. */
static void
make_t (OxSession *s)
{
	OK (s, "CREATE TABLE t (id integer PRIMARY KEY, v integer)");
	OK (s, "INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)");
}

/* accounts: (1,100) (2,100). */
static void
make_accounts (OxSession *s)
{
	OK (s, "CREATE TABLE accounts (id integer PRIMARY KEY, balance integer NOT NULL)");
	OK (s, "INSERT INTO accounts VALUES (1, 100), (2, 100)");
}

/* ---- snapshot/ ---------------------------------------------------------- */

static void
test_snapshot_insert (Fx *fx, gconstpointer data)
{
	make_t (fx->a);
	OK (fx->a, "BEGIN");
	g_assert_cmpstr (OK (fx->a, "INSERT INTO t VALUES (4, 40)"), ==, "INSERT 0 1");
	EXPECT_INT (fx->b, "SELECT count(*) FROM t", 3);
	EXPECT_INT (fx->b, "SELECT count(*) FROM t WHERE id = 4", 0);
	EXPECT_INT (fx->a, "SELECT count(*) FROM t", 4);
	EXPECT_INT (fx->a, "SELECT v FROM t WHERE id = 4", 40);
	g_assert_cmpstr (OK (fx->a, "COMMIT"), ==, "COMMIT");
	EXPECT_INT (fx->b, "SELECT count(*) FROM t", 4);
	EXPECT_INT (fx->b, "SELECT v FROM t WHERE id = 4", 40);
}

static void
test_snapshot_update (Fx *fx, gconstpointer data)
{
	make_t (fx->a);
	OK (fx->a, "BEGIN");
	g_assert_cmpstr (OK (fx->a, "UPDATE t SET v = 11 WHERE id = 1"), ==, "UPDATE 1");
	/* a key change: the old key must still find the row for others, the
	 * new one must not */
	g_assert_cmpstr (OK (fx->a, "UPDATE t SET id = 30 + id WHERE id = 3"), ==, "UPDATE 1");
	EXPECT_INT (fx->b, "SELECT v FROM t WHERE id = 1", 10);
	EXPECT_INT (fx->b, "SELECT sum(v) FROM t", 60);
	EXPECT_INT (fx->b, "SELECT count(*) FROM t WHERE id = 3", 1);
	EXPECT_INT (fx->b, "SELECT count(*) FROM t WHERE id = 33", 0);
	EXPECT_INT (fx->a, "SELECT v FROM t WHERE id = 1", 11);
	EXPECT_INT (fx->a, "SELECT count(*) FROM t WHERE id = 3", 0);
	EXPECT_INT (fx->a, "SELECT v FROM t WHERE id = 33", 30);
	OK (fx->a, "COMMIT");
	EXPECT_INT (fx->b, "SELECT v FROM t WHERE id = 1", 11);
	EXPECT_INT (fx->b, "SELECT sum(v) FROM t", 61);
	EXPECT_INT (fx->b, "SELECT count(*) FROM t WHERE id = 3", 0);
	EXPECT_INT (fx->b, "SELECT v FROM t WHERE id = 33", 30);
	EXPECT_INT (fx->b, "SELECT count(*) FROM t", 3);
}

static void
test_snapshot_delete (Fx *fx, gconstpointer data)
{
	make_t (fx->a);
	OK (fx->a, "BEGIN");
	g_assert_cmpstr (OK (fx->a, "DELETE FROM t WHERE id = 2"), ==, "DELETE 1");
	EXPECT_INT (fx->b, "SELECT count(*) FROM t", 3);
	EXPECT_INT (fx->b, "SELECT v FROM t WHERE id = 2", 20);
	EXPECT_INT (fx->a, "SELECT count(*) FROM t", 2);
	EXPECT_INT (fx->a, "SELECT count(*) FROM t WHERE id = 2", 0);
	OK (fx->a, "COMMIT");
	EXPECT_INT (fx->b, "SELECT count(*) FROM t", 2);
	EXPECT_INT (fx->b, "SELECT count(*) FROM t WHERE id = 2", 0);
}

static void
test_snapshot_rollback (Fx *fx, gconstpointer data)
{
	make_t (fx->a);
	OK (fx->a, "BEGIN");
	OK (fx->a, "INSERT INTO t VALUES (4, 40)");
	OK (fx->a, "UPDATE t SET v = v + 1 WHERE id = 1");
	OK (fx->a, "DELETE FROM t WHERE id = 2");
	OK (fx->a, "UPDATE t SET id = 20 WHERE id = 3");
	EXPECT_INT (fx->a, "SELECT sum(v) FROM t", 11 + 30 + 40);
	g_assert_cmpstr (OK (fx->a, "ROLLBACK"), ==, "ROLLBACK");
	EXPECT_STATUS (fx->a, 'I');
	for (int i = 0; i < 2; i++) {
		OxSession *s = i ? fx->b : fx->a;
		EXPECT_INT (s, "SELECT count(*) FROM t", 3);
		EXPECT_INT (s, "SELECT sum(v) FROM t", 60);
		EXPECT_INT (s, "SELECT v FROM t WHERE id = 1", 10);
		EXPECT_INT (s, "SELECT v FROM t WHERE id = 2", 20);
		EXPECT_INT (s, "SELECT v FROM t WHERE id = 3", 30);
		EXPECT_INT (s, "SELECT count(*) FROM t WHERE id = 4", 0);
		EXPECT_INT (s, "SELECT count(*) FROM t WHERE id = 20", 0);
	}
	/* the rolled-back keys are free again, the restored ones taken */
	OK (fx->b, "INSERT INTO t VALUES (4, 41), (20, 200)");
	FAILS (fx->b, "INSERT INTO t VALUES (3, 0)", "23505");
	FAILS (fx->b, "INSERT INTO t VALUES (2, 0)", "23505");
	EXPECT_INT (fx->a, "SELECT sum(v) FROM t", 60 + 41 + 200);
}

static void
test_snapshot_own_writes (Fx *fx, gconstpointer data)
{
	make_t (fx->a);
	OK (fx->a, "BEGIN");
	OK (fx->a, "INSERT INTO t VALUES (4, 40)");
	OK (fx->a, "UPDATE t SET v = v + 1 WHERE id = 4");
	OK (fx->a, "UPDATE t SET v = v + 1 WHERE id = 4");
	EXPECT_INT (fx->a, "SELECT v FROM t WHERE id = 4", 42);
	OK (fx->a, "DELETE FROM t WHERE id = 4");
	EXPECT_INT (fx->a, "SELECT count(*) FROM t", 3);
	OK (fx->a, "INSERT INTO t VALUES (4, 43)");   /* the key is free again */
	EXPECT_INT (fx->a, "SELECT v FROM t WHERE id = 4", 43);
	g_assert_cmpstr (OK (fx->a, "UPDATE t SET v = v + 1"), ==, "UPDATE 4");
	g_assert_cmpstr (OK (fx->a, "UPDATE t SET v = v + 1"), ==, "UPDATE 4");
	EXPECT_INT (fx->a, "SELECT sum(v) FROM t", 60 + 43 + 8);
	/* a command does not see its own rows: this doubles t exactly once */
	g_assert_cmpstr (OK (fx->a, "INSERT INTO t SELECT id + 100, v FROM t"), ==, "INSERT 0 4");
	EXPECT_INT (fx->a, "SELECT count(*) FROM t", 8);
	EXPECT_INT (fx->b, "SELECT count(*) FROM t", 3);
	EXPECT_INT (fx->b, "SELECT sum(v) FROM t", 60);
	OK (fx->a, "COMMIT");
	EXPECT_INT (fx->b, "SELECT count(*) FROM t", 8);
	EXPECT_INT (fx->b, "SELECT sum(v) FROM t", 2 * (60 + 43 + 8));
}

static void
test_snapshot_read_committed (Fx *fx, gconstpointer data)
{
	make_t (fx->a);
	OK (fx->b, "BEGIN");
	char *iso = ox_session_setting (fx->b, "transaction_isolation");
	g_assert_cmpstr (iso, ==, "read committed");
	ox_free (iso);
	EXPECT_INT (fx->b, "SELECT v FROM t WHERE id = 1", 10);
	OK (fx->a, "UPDATE t SET v = 11 WHERE id = 1");
	OK (fx->a, "INSERT INTO t VALUES (4, 40)");
	OK (fx->a, "DELETE FROM t WHERE id = 2");
	/* the next statement of the same block sees all three commits */
	EXPECT_INT (fx->b, "SELECT v FROM t WHERE id = 1", 11);
	EXPECT_INT (fx->b, "SELECT count(*) FROM t", 3);
	EXPECT_INT (fx->b, "SELECT sum(v) FROM t", 11 + 30 + 40);
	/* but not an uncommitted change */
	OK (fx->c, "BEGIN");
	OK (fx->c, "UPDATE t SET v = 99 WHERE id = 1");
	EXPECT_INT (fx->b, "SELECT v FROM t WHERE id = 1", 11);
	OK (fx->c, "ROLLBACK");
	OK (fx->b, "COMMIT");
}

static void
test_snapshot_repeatable_read (Fx *fx, gconstpointer data)
{
	make_t (fx->a);
	OK (fx->b, "BEGIN ISOLATION LEVEL REPEATABLE READ");
	/* committed after BEGIN but before B's first statement: visible */
	OK (fx->a, "UPDATE t SET v = 11 WHERE id = 1");
	EXPECT_INT (fx->b, "SELECT v FROM t WHERE id = 1", 11);
	/* committed after the first statement: invisible to the end */
	OK (fx->a, "UPDATE t SET v = 12 WHERE id = 1");
	OK (fx->a, "INSERT INTO t VALUES (4, 40)");
	OK (fx->a, "DELETE FROM t WHERE id = 2");
	EXPECT_INT (fx->b, "SELECT v FROM t WHERE id = 1", 11);
	EXPECT_INT (fx->b, "SELECT count(*) FROM t", 3);
	EXPECT_INT (fx->b, "SELECT count(*) FROM t WHERE id = 4", 0);
	EXPECT_INT (fx->b, "SELECT v FROM t WHERE id = 2", 20);
	EXPECT_INT (fx->b, "SELECT sum(v) FROM t", 11 + 20 + 30);
	/* its own writes on rows nobody else touched: seen, on its snapshot */
	OK (fx->b, "UPDATE t SET v = v + 100 WHERE id = 3");
	EXPECT_INT (fx->b, "SELECT sum(v) FROM t", 11 + 20 + 130);
	OK (fx->b, "COMMIT");
	EXPECT_INT (fx->b, "SELECT sum(v) FROM t", 12 + 130 + 40);

	/* SET TRANSACTION as the block's first statement works as BEGIN ISOLATION */
	OK (fx->b, "BEGIN");
	OK (fx->b, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
	char *iso = ox_session_setting (fx->b, "transaction_isolation");
	g_assert_cmpstr (iso, ==, "repeatable read");
	ox_free (iso);
	EXPECT_INT (fx->b, "SELECT v FROM t WHERE id = 1", 12);
	OK (fx->a, "UPDATE t SET v = 13 WHERE id = 1");
	EXPECT_INT (fx->b, "SELECT v FROM t WHERE id = 1", 12);
	OK (fx->b, "COMMIT");

	/* SERIALIZABLE keeps its snapshot as well */
	OK (fx->b, "BEGIN ISOLATION LEVEL SERIALIZABLE");
	EXPECT_INT (fx->b, "SELECT v FROM t WHERE id = 1", 13);
	OK (fx->a, "UPDATE t SET v = 14 WHERE id = 1");
	EXPECT_INT (fx->b, "SELECT v FROM t WHERE id = 1", 13);
	OK (fx->b, "COMMIT");
	EXPECT_INT (fx->b, "SELECT v FROM t WHERE id = 1", 14);
}

/* Scans that compare columns with constants pre-filter with the table's
 * column vectors (storage/table.h), which a block rebuilds after a write
 * with the newest versions: an older snapshot must not use them, and
 * must still see the rows as they were. */
static void
test_snapshot_column_vectors (Fx *fx, gconstpointer data)
{
	OK (fx->a, "CREATE TABLE cv (id int, v int)");
	OK (fx->a, "INSERT INTO cv SELECT g, g % 10 FROM generate_series(1, 3000) AS g");
	OK (fx->b, "BEGIN ISOLATION LEVEL REPEATABLE READ");
	EXPECT_INT (fx->b, "SELECT count(*) FROM cv WHERE v < 5", 1500);
	OK (fx->a, "UPDATE cv SET v = 100 WHERE id < 2000");
	OK (fx->a, "DELETE FROM cv WHERE id > 2500");
	/* A's scan builds the blocks again, over versions B must not see */
	EXPECT_INT (fx->a, "SELECT count(*) FROM cv WHERE v < 5", 251);
	EXPECT_INT (fx->b, "SELECT count(*) FROM cv WHERE v < 5", 1500);
	EXPECT_INT (fx->b, "SELECT count(*) FROM cv WHERE v >= 100", 0);
	/* B's own write: its block is dropped, and B sees its change */
	OK (fx->b, "UPDATE cv SET v = 1 WHERE id = 2003");
	EXPECT_INT (fx->b, "SELECT count(*) FROM cv WHERE v < 5", 1500);
	EXPECT_INT (fx->b, "SELECT count(*) FROM cv WHERE v = 1", 301);
	EXPECT_INT (fx->a, "SELECT count(*) FROM cv WHERE v = 1", 50);
	OK (fx->b, "ROLLBACK");
	EXPECT_INT (fx->b, "SELECT count(*) FROM cv WHERE v < 5", 251);
	EXPECT_INT (fx->b, "SELECT count(*) FROM cv WHERE v >= 100", 1999);
}

/* A failing statement leaves nothing behind, in autocommit and in a block. */
static void
test_snapshot_statement_atomic (Fx *fx, gconstpointer data)
{
	make_t (fx->a);
	FAILS (fx->a, "INSERT INTO t VALUES (4, 40), (1, 0)", "23505");
	FAILS (fx->a, "UPDATE t SET v = 100 / (v - 20)", "22012");
	FAILS (fx->a, "DELETE FROM t WHERE 1 / (id - 3) > 0", "22012");
	for (int i = 0; i < 2; i++) {
		OxSession *s = i ? fx->b : fx->a;
		EXPECT_INT (s, "SELECT count(*) FROM t", 3);
		EXPECT_INT (s, "SELECT sum(v) FROM t", 60);
		EXPECT_INT (s, "SELECT count(*) FROM t WHERE id = 4", 0);
	}
	OK (fx->a, "INSERT INTO t VALUES (4, 40)");   /* the key was released */
	OK (fx->a, "BEGIN");
	OK (fx->a, "SAVEPOINT s");
	FAILS (fx->a, "UPDATE t SET v = 100 / (v - 20)", "22012");
	OK (fx->a, "ROLLBACK TO s");
	EXPECT_INT (fx->a, "SELECT sum(v) FROM t", 100);
	OK (fx->a, "COMMIT");
	EXPECT_INT (fx->b, "SELECT sum(v) FROM t", 100);
}

/* ---- txn/ -------------------------------------------------------------- */

static void
notice_cb (void *user, const char *severity, const char *sqlstate, const char *message)
{
	g_ptr_array_add (user, g_strdup_printf ("%s %s", severity, sqlstate));
}

/* The last notice received, or "" (static). */
static const char *
last_notice (GPtrArray *notes)
{
	return notes->len ? notes->pdata[notes->len - 1] : "";
}

/* BEGIN, COMMIT and ROLLBACK where they do not apply warn and go on, as in
 * PostgreSQL; SET TRANSACTION is refused after the first query. */
static void
test_txn_control (Fx *fx, gconstpointer data)
{
	GPtrArray *notes = g_ptr_array_new_with_free_func (g_free);
	ox_session_set_notice_func (fx->a, notice_cb, notes);
	make_t (fx->a);
	EXPECT_STATUS (fx->a, 'I');
	g_assert_cmpstr (OK (fx->a, "BEGIN"), ==, "BEGIN");
	EXPECT_STATUS (fx->a, 'T');
	OK (fx->a, "INSERT INTO t VALUES (4, 40)");
	g_assert_cmpstr (OK (fx->a, "BEGIN"), ==, "BEGIN");
	g_assert_cmpstr (last_notice (notes), ==, "WARNING 25001");
	EXPECT_STATUS (fx->a, 'T');
	EXPECT_INT (fx->b, "SELECT count(*) FROM t", 3);     /* still the same block */
	g_assert_cmpstr (OK (fx->a, "END"), ==, "COMMIT");
	EXPECT_STATUS (fx->a, 'I');
	EXPECT_INT (fx->b, "SELECT count(*) FROM t", 4);
	g_assert_cmpstr (OK (fx->a, "COMMIT"), ==, "COMMIT");
	g_assert_cmpstr (last_notice (notes), ==, "WARNING 25P01");
	g_ptr_array_set_size (notes, 0);
	g_assert_cmpstr (OK (fx->a, "ROLLBACK"), ==, "ROLLBACK");
	g_assert_cmpstr (last_notice (notes), ==, "WARNING 25P01");
	g_assert_cmpstr (OK (fx->a, "START TRANSACTION ISOLATION LEVEL SERIALIZABLE"), ==, "START TRANSACTION");
	char *iso = ox_session_setting (fx->a, "transaction_isolation");
	g_assert_cmpstr (iso, ==, "serializable");
	ox_free (iso);
	EXPECT_INT (fx->a, "SELECT count(*) FROM t", 4);
	FAILS (fx->a, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED", "25001");
	OK (fx->a, "ABORT");
	EXPECT_STATUS (fx->a, 'I');
	ox_session_set_notice_func (fx->a, NULL, NULL);
	g_ptr_array_unref (notes);
}

/* BEGIN READ ONLY refuses writes with 25006. */
static void
test_txn_read_only (Fx *fx, gconstpointer data)
{
	make_t (fx->a);
	OK (fx->a, "BEGIN READ ONLY");
	EXPECT_INT (fx->a, "SELECT count(*) FROM t", 3);
	FAILS (fx->a, "INSERT INTO t VALUES (4, 40)", "25006");
	OK (fx->a, "ROLLBACK");
	OK (fx->a, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
	FAILS (fx->a, "UPDATE t SET v = 0", "25006");
	OK (fx->a, "ROLLBACK");
	OK (fx->a, "START TRANSACTION READ ONLY");
	FAILS (fx->a, "DELETE FROM t", "25006");
	OK (fx->a, "ROLLBACK");
	EXPECT_INT (fx->b, "SELECT sum(v) FROM t", 60);
}

/* COMMIT / ROLLBACK AND CHAIN start a new transaction with the same
 * characteristics at once. */
static void
test_txn_chain (Fx *fx, gconstpointer data)
{
	make_t (fx->a);
	OK (fx->a, "BEGIN ISOLATION LEVEL REPEATABLE READ");
	OK (fx->a, "INSERT INTO t VALUES (4, 40)");
	g_assert_cmpstr (OK (fx->a, "COMMIT AND CHAIN"), ==, "COMMIT");
	EXPECT_STATUS (fx->a, 'T');
	char *iso = ox_session_setting (fx->a, "transaction_isolation");
	g_assert_cmpstr (iso, ==, "repeatable read");
	ox_free (iso);
	EXPECT_INT (fx->b, "SELECT count(*) FROM t", 4);
	OK (fx->a, "INSERT INTO t VALUES (5, 50)");
	g_assert_cmpstr (OK (fx->a, "ROLLBACK AND CHAIN"), ==, "ROLLBACK");
	EXPECT_STATUS (fx->a, 'T');
	EXPECT_INT (fx->a, "SELECT count(*) FROM t", 4);
	OK (fx->a, "COMMIT");
	EXPECT_INT (fx->b, "SELECT count(*) FROM t", 4);
}

/* ---- savepoint/ -------------------------------------------------------- */

static void
test_savepoint_basic (Fx *fx, gconstpointer data)
{
	make_t (fx->a);
	OK (fx->a, "BEGIN");
	OK (fx->a, "INSERT INTO t VALUES (4, 40)");
	g_assert_cmpstr (OK (fx->a, "SAVEPOINT s1"), ==, "SAVEPOINT");
	OK (fx->a, "INSERT INTO t VALUES (5, 50)");
	OK (fx->a, "UPDATE t SET v = 0 WHERE id = 1");
	OK (fx->a, "DELETE FROM t WHERE id = 2");
	EXPECT_INT (fx->a, "SELECT sum(v) FROM t", 0 + 30 + 40 + 50);
	g_assert_cmpstr (OK (fx->a, "ROLLBACK TO SAVEPOINT s1"), ==, "ROLLBACK");
	EXPECT_STATUS (fx->a, 'T');
	EXPECT_INT (fx->a, "SELECT sum(v) FROM t", 60 + 40);
	EXPECT_INT (fx->a, "SELECT count(*) FROM t WHERE id = 5", 0);
	/* the savepoint survives ROLLBACK TO and can be used again */
	OK (fx->a, "INSERT INTO t VALUES (5, 51)");
	OK (fx->a, "ROLLBACK TO s1");
	OK (fx->a, "INSERT INTO t VALUES (6, 60)");
	EXPECT_INT (fx->b, "SELECT count(*) FROM t", 3);
	g_assert_cmpstr (OK (fx->a, "COMMIT"), ==, "COMMIT");
	EXPECT_INT (fx->b, "SELECT count(*) FROM t", 5);
	EXPECT_INT (fx->b, "SELECT sum(v) FROM t", 60 + 40 + 60);
	/* outside a block */
	FAILS (fx->a, "SAVEPOINT s1", "25P01");
	FAILS (fx->a, "ROLLBACK TO SAVEPOINT s1", "25P01");
	FAILS (fx->a, "RELEASE SAVEPOINT s1", "25P01");
}

/* A bulk load's inserts share one undo entry (a range of row ids); a
 * savepoint mark closes it, so ROLLBACK TO in the middle of a load undoes
 * exactly the rows after the mark, each time it is used; a rollback of
 * the whole load leaves nothing, and another session's insert between two
 * of ours cuts the range without losing either. */
static void
test_savepoint_bulk_load (Fx *fx, gconstpointer data)
{
	make_t (fx->a);
	OK (fx->a, "BEGIN");
	OK (fx->a, "INSERT INTO t SELECT g, g FROM generate_series (100, 1099) g");
	OK (fx->a, "INSERT INTO t SELECT g, g FROM generate_series (1100, 1199) g");
	OK (fx->a, "SAVEPOINT s1");
	OK (fx->a, "INSERT INTO t SELECT g, g FROM generate_series (2000, 2999) g");
	OK (fx->a, "UPDATE t SET v = -1 WHERE id = 150");
	OK (fx->a, "UPDATE t SET v = -1 WHERE id = 2500");
	OK (fx->a, "ROLLBACK TO s1");
	EXPECT_INT (fx->a, "SELECT count(*) FROM t", 3 + 1100);
	EXPECT_INT (fx->a, "SELECT v FROM t WHERE id = 150", 150);
	EXPECT_INT (fx->a, "SELECT count(*) FROM t WHERE id = 2500", 0);
	/* the same savepoint again: what was inserted since goes, what was
	 * inserted before it stays */
	OK (fx->a, "INSERT INTO t SELECT g, g FROM generate_series (3000, 3499) g");
	OK (fx->a, "ROLLBACK TO s1");
	EXPECT_INT (fx->a, "SELECT count(*) FROM t", 3 + 1100);
	EXPECT_INT (fx->a, "SELECT count(*) FROM t WHERE id >= 2000", 0);
	OK (fx->a, "INSERT INTO t SELECT g, g FROM generate_series (2000, 2009) g");  /* keys free again */
	OK (fx->a, "SAVEPOINT s2");
	OK (fx->a, "INSERT INTO t VALUES (5000, 1)");
	OK (fx->a, "RELEASE s2");
	OK (fx->a, "INSERT INTO t VALUES (5001, 1)");
	EXPECT_INT (fx->b, "SELECT count(*) FROM t", 3);
	OK (fx->a, "COMMIT");
	EXPECT_INT (fx->b, "SELECT count(*) FROM t", 3 + 1100 + 10 + 2);
	EXPECT_INT (fx->b, "SELECT sum(v) FROM t", 60 + 714450 + 20045 + 2);
	EXPECT_INT (fx->b, "SELECT v FROM t WHERE id = 1199", 1199);
	EXPECT_INT (fx->b, "SELECT count(*) FROM t WHERE id BETWEEN 2010 AND 4999", 0);

	/* a rolled-back load leaves nothing, and its keys are free */
	OK (fx->a, "BEGIN");
	OK (fx->a, "INSERT INTO t SELECT g, g FROM generate_series (10000, 14999) g");
	OK (fx->a, "DELETE FROM t WHERE id = 10005");
	OK (fx->a, "UPDATE t SET v = 0 WHERE id = 10006");
	OK (fx->a, "ROLLBACK");
	EXPECT_INT (fx->b, "SELECT count(*) FROM t", 1115);
	OK (fx->a, "INSERT INTO t SELECT g, g FROM generate_series (10000, 10009) g");
	EXPECT_INT (fx->b, "SELECT count(*) FROM t WHERE id >= 10000", 10);

	/* another session's row between two of our loads */
	OK (fx->a, "BEGIN");
	OK (fx->a, "INSERT INTO t SELECT g, 1 FROM generate_series (20000, 20099) g");
	OK (fx->b, "INSERT INTO t VALUES (30000, 1)");
	OK (fx->a, "INSERT INTO t SELECT g, 1 FROM generate_series (20100, 20199) g");
	OK (fx->a, "SAVEPOINT s");
	OK (fx->b, "INSERT INTO t VALUES (30001, 1)");
	OK (fx->a, "INSERT INTO t SELECT g, 1 FROM generate_series (20200, 20299) g");
	OK (fx->a, "ROLLBACK TO s");
	OK (fx->a, "COMMIT");
	EXPECT_INT (fx->b, "SELECT count(*) FROM t WHERE id >= 20000", 202);

	/* PL/pgSQL exception blocks in a loop (a savepoint per iteration) */
	OK (fx->a, "DO $$ BEGIN FOR i IN 1..100 LOOP BEGIN INSERT INTO t VALUES (40000 + i, i); "
	           "IF i % 10 = 0 THEN RAISE EXCEPTION 'x'; END IF; "
	           "EXCEPTION WHEN OTHERS THEN NULL; END; END LOOP; END $$");
	EXPECT_INT (fx->b, "SELECT count(*) FROM t WHERE id > 40000", 90);
	EXPECT_INT (fx->b, "SELECT count(*) FROM t WHERE id > 40000 AND id % 10 = 0", 0);
}

static void
test_savepoint_nested (Fx *fx, gconstpointer data)
{
	make_t (fx->a);
	OK (fx->a, "BEGIN");
	OK (fx->a, "SAVEPOINT a");
	OK (fx->a, "UPDATE t SET v = v + 1 WHERE id = 1");       /* 11 */
	OK (fx->a, "SAVEPOINT b");
	OK (fx->a, "UPDATE t SET v = v + 1 WHERE id = 1");       /* 12 */
	OK (fx->a, "SAVEPOINT c");
	OK (fx->a, "UPDATE t SET v = v + 1 WHERE id = 1");       /* 13 */
	OK (fx->a, "ROLLBACK TO c");
	EXPECT_INT (fx->a, "SELECT v FROM t WHERE id = 1", 12);
	/* RELEASE b also releases c, and keeps b's work in a */
	g_assert_cmpstr (OK (fx->a, "RELEASE SAVEPOINT b"), ==, "RELEASE");
	EXPECT_INT (fx->a, "SELECT v FROM t WHERE id = 1", 12);
	FAILS (fx->a, "ROLLBACK TO c", "3B001");
	EXPECT_STATUS (fx->a, 'E');
	OK (fx->a, "ROLLBACK TO a");                               /* also leaves 'E' */
	EXPECT_STATUS (fx->a, 'T');
	EXPECT_INT (fx->a, "SELECT v FROM t WHERE id = 1", 10);
	/* ROLLBACK TO an outer savepoint destroys the inner ones */
	OK (fx->a, "SAVEPOINT b");
	OK (fx->a, "UPDATE t SET v = 20 WHERE id = 1");
	OK (fx->a, "ROLLBACK TO a");
	FAILS (fx->a, "RELEASE b", "3B001");
	OK (fx->a, "ROLLBACK TO a");
	/* a reused name refers to the newest; releasing it uncovers the older */
	OK (fx->a, "UPDATE t SET v = 1 WHERE id = 1");
	OK (fx->a, "SAVEPOINT x");
	OK (fx->a, "UPDATE t SET v = 2 WHERE id = 1");
	OK (fx->a, "SAVEPOINT x");
	OK (fx->a, "UPDATE t SET v = 3 WHERE id = 1");
	OK (fx->a, "ROLLBACK TO x");
	EXPECT_INT (fx->a, "SELECT v FROM t WHERE id = 1", 2);
	OK (fx->a, "RELEASE x");
	OK (fx->a, "ROLLBACK TO x");
	EXPECT_INT (fx->a, "SELECT v FROM t WHERE id = 1", 1);
	FAILS (fx->a, "ROLLBACK TO nosuch", "3B001");
	OK (fx->a, "ROLLBACK TO x");
	OK (fx->a, "COMMIT");
	EXPECT_INT (fx->b, "SELECT v FROM t WHERE id = 1", 1);
	EXPECT_INT (fx->b, "SELECT sum(v) FROM t", 51);
}

static void
test_savepoint_failed_block (Fx *fx, gconstpointer data)
{
	make_t (fx->a);
	/* no savepoint: only ROLLBACK (or COMMIT, which rolls back) gets out */
	OK (fx->a, "BEGIN");
	OK (fx->a, "INSERT INTO t VALUES (4, 40)");
	FAILS (fx->a, "SELECT 1 / 0", "22012");
	EXPECT_STATUS (fx->a, 'E');
	FAILS (fx->a, "SELECT 1", "25P02");
	FAILS (fx->a, "INSERT INTO t VALUES (5, 50)", "25P02");
	FAILS (fx->a, "SAVEPOINT s", "25P02");
	FAILS (fx->a, "RELEASE SAVEPOINT s", "25P02");
	EXPECT_STATUS (fx->a, 'E');
	g_assert_cmpstr (OK (fx->a, "COMMIT"), ==, "ROLLBACK");
	EXPECT_STATUS (fx->a, 'I');
	EXPECT_INT (fx->b, "SELECT count(*) FROM t", 3);
	EXPECT_INT (fx->a, "SELECT count(*) FROM t", 3);

	/* an error after a savepoint: ROLLBACK TO leaves the failed state and
	 * undoes the work after the savepoint, including the failed statement's */
	OK (fx->a, "BEGIN");
	OK (fx->a, "INSERT INTO t VALUES (4, 40)");
	OK (fx->a, "SAVEPOINT s");
	OK (fx->a, "INSERT INTO t VALUES (5, 50)");
	FAILS (fx->a, "INSERT INTO t VALUES (6, 60), (1, 0)", "23505");
	FAILS (fx->a, "SELECT count(*) FROM t", "25P02");
	g_assert_cmpstr (OK (fx->a, "ROLLBACK TO SAVEPOINT s"), ==, "ROLLBACK");
	EXPECT_STATUS (fx->a, 'T');
	EXPECT_INT (fx->a, "SELECT count(*) FROM t", 4);
	EXPECT_INT (fx->a, "SELECT count(*) FROM t WHERE id IN (5, 6)", 0);
	OK (fx->a, "INSERT INTO t VALUES (6, 61)");   /* key 6 is free again */
	g_assert_cmpstr (OK (fx->a, "COMMIT"), ==, "COMMIT");
	EXPECT_INT (fx->b, "SELECT sum(v) FROM t", 60 + 40 + 61);

	/* errors found before execution (parse, name resolution) fail the
	 * block too */
	const char *early[] = { "SELECT nosuch FROM t", "SELECT * FROM nosuch", "SELEKT 1" };
	const char *early_state[] = { "42703", "42P01", "42601" };
	for (guint i = 0; i < G_N_ELEMENTS (early); i++) {
		OK (fx->a, "BEGIN");
		OK (fx->a, "DELETE FROM t");
		FAILS (fx->a, early[i], early_state[i]);
		EXPECT_STATUS (fx->a, 'E');
		FAILS (fx->a, "SELECT 1", "25P02");
		g_assert_cmpstr (OK (fx->a, i % 2 ? "ROLLBACK" : "COMMIT"), ==, "ROLLBACK");
		EXPECT_INT (fx->b, "SELECT count(*) FROM t", 5);
	}
}

/* ROLLBACK TO releases the rows the rolled-back work had changed: a new
 * updater does not wait, and one already waiting is woken (PostgreSQL
 * waits on the subtransaction, which ends at ROLLBACK TO). */
static void
test_savepoint_releases_rows (Fx *fx, gconstpointer data)
{
	make_accounts (fx->a);
	OK (fx->a, "BEGIN");
	OK (fx->a, "SAVEPOINT s");
	OK (fx->a, "UPDATE accounts SET balance = 0 WHERE id = 1");
	OK (fx->a, "ROLLBACK TO s");
	Async *w = async_start (fx->b, "UPDATE accounts SET balance = balance + 1 WHERE id = 1");
	if (!async_wait_ms (w, 2000))
		FAIL ("an updater waits for a row whose change was rolled back to a savepoint");
	OK (fx->a, "COMMIT");
	g_assert_cmpint (ASYNC_OK (w), ==, 1);

	OK (fx->a, "BEGIN");
	OK (fx->a, "SAVEPOINT s");
	OK (fx->a, "UPDATE accounts SET balance = 0 WHERE id = 2");
	w = async_start (fx->b, "UPDATE accounts SET balance = balance + 1 WHERE id = 2");
	ASSERT_BLOCKED (w);
	OK (fx->a, "ROLLBACK TO s");
	if (!async_wait_ms (w, 2000))
		FAIL ("a waiter is not woken by ROLLBACK TO SAVEPOINT of the change it waits for");
	OK (fx->a, "COMMIT");
	g_assert_cmpint (ASYNC_OK (w), ==, 1);
	EXPECT_INT (fx->c, "SELECT sum(balance) FROM accounts", 202);
}

/* ---- conflict/ --------------------------------------------------------- */

/* A changes row 1 and commits while B (REPEATABLE READ or SERIALIZABLE,
 * with a snapshot from before A's commit) waits to update it: 40001. */
static void
test_conflict_commit (Fx *fx, gconstpointer data)
{
	Level lv = GPOINTER_TO_INT (data);
	make_accounts (fx->a);
	OK (fx->a, "BEGIN");
	OK (fx->a, "UPDATE accounts SET balance = 200 WHERE id = 1");
	OK (fx->b, begin_sql[lv]);
	if (lv == LEVEL_RR)   /* the snapshot from a read; under SERIALIZABLE from the UPDATE itself */
		EXPECT_INT (fx->b, "SELECT balance FROM accounts WHERE id = 1", 100);
	Async *w = async_start (fx->b, "UPDATE accounts SET balance = balance + 1 WHERE id = 1");
	ASSERT_BLOCKED (w);
	OK (fx->a, "COMMIT");
	ASYNC_FAILS (w, "40001");
	EXPECT_STATUS (fx->b, 'E');
	OK (fx->b, "ROLLBACK");
	EXPECT_INT (fx->b, "SELECT balance FROM accounts WHERE id = 1", 200);

	/* the same for DELETE, and for a row A deleted */
	OK (fx->a, "BEGIN");
	OK (fx->a, "DELETE FROM accounts WHERE id = 2");
	OK (fx->b, begin_sql[lv]);
	EXPECT_INT (fx->b, "SELECT count(*) FROM accounts", 2);
	w = async_start (fx->b, "DELETE FROM accounts WHERE id = 2");
	ASSERT_BLOCKED (w);
	OK (fx->a, "COMMIT");
	ASYNC_FAILS (w, "40001");
	OK (fx->b, "ROLLBACK");

	/* a row changed and committed after B's snapshot, before B's UPDATE:
	 * no wait, 40001 at once */
	OK (fx->b, begin_sql[lv]);
	EXPECT_INT (fx->b, "SELECT balance FROM accounts WHERE id = 1", 200);
	OK (fx->a, "UPDATE accounts SET balance = 250 WHERE id = 1");
	FAILS (fx->b, "UPDATE accounts SET balance = balance + 1 WHERE id = 1", "40001");
	OK (fx->b, "ROLLBACK");

	/* a row changed and committed before B's first statement is no conflict */
	OK (fx->b, begin_sql[lv]);
	OK (fx->a, "UPDATE accounts SET balance = 300 WHERE id = 1");
	g_assert_cmpstr (OK (fx->b, "UPDATE accounts SET balance = balance + 1 WHERE id = 1"), ==, "UPDATE 1");
	OK (fx->b, "COMMIT");
	EXPECT_INT (fx->a, "SELECT balance FROM accounts WHERE id = 1", 301);
}

/* A rolls back: B, waiting under any level, proceeds on the old row. */
static void
test_conflict_rollback (Fx *fx, gconstpointer data)
{
	Level lv = GPOINTER_TO_INT (data);
	make_accounts (fx->a);
	OK (fx->a, "BEGIN");
	OK (fx->a, "UPDATE accounts SET balance = 200 WHERE id = 1");
	OK (fx->b, begin_sql[lv]);
	EXPECT_INT (fx->b, "SELECT balance FROM accounts WHERE id = 1", 100);
	Async *w = async_start (fx->b, "UPDATE accounts SET balance = balance + 10 WHERE id = 1");
	ASSERT_BLOCKED (w);
	OK (fx->a, "ROLLBACK");
	g_assert_cmpint (ASYNC_OK (w), ==, 1);
	EXPECT_INT (fx->b, "SELECT balance FROM accounts WHERE id = 1", 110);
	g_assert_cmpstr (OK (fx->b, "COMMIT"), ==, "COMMIT");
	EXPECT_INT (fx->a, "SELECT balance FROM accounts WHERE id = 1", 110);
}

/* READ COMMITTED: the waiter re-evaluates its UPDATE on the new version. */
static void
test_conflict_read_committed (Fx *fx, gconstpointer data)
{
	make_accounts (fx->a);
	/* both add 10: no lost update */
	OK (fx->a, "BEGIN");
	OK (fx->a, "UPDATE accounts SET balance = balance + 10 WHERE id = 1");
	OK (fx->b, "BEGIN ISOLATION LEVEL READ COMMITTED");
	EXPECT_INT (fx->b, "SELECT balance FROM accounts WHERE id = 1", 100);
	Async *w = async_start (fx->b, "UPDATE accounts SET balance = balance + 10 WHERE id = 1");
	ASSERT_BLOCKED (w);
	OK (fx->a, "COMMIT");
	g_assert_cmpint (ASYNC_OK (w), ==, 1);
	EXPECT_INT (fx->b, "SELECT balance FROM accounts WHERE id = 1", 120);
	OK (fx->b, "COMMIT");
	EXPECT_INT (fx->c, "SELECT balance FROM accounts WHERE id = 1", 120);

	/* a WHERE on the old value no longer matches the new version; the
	 * other row, untouched, still does */
	OK (fx->a, "UPDATE accounts SET balance = 100 WHERE id = 1");
	OK (fx->a, "BEGIN");
	OK (fx->a, "UPDATE accounts SET balance = 150 WHERE id = 1");
	w = async_start (fx->b, "UPDATE accounts SET balance = 0 WHERE id = 1 AND balance = 100");
	ASSERT_BLOCKED (w);
	OK (fx->a, "COMMIT");
	g_assert_cmpint (ASYNC_OK (w), ==, 0);
	EXPECT_INT (fx->c, "SELECT balance FROM accounts WHERE id = 1", 150);

	OK (fx->a, "UPDATE accounts SET balance = 100");
	OK (fx->a, "BEGIN");
	OK (fx->a, "UPDATE accounts SET balance = 150 WHERE id = 1");
	w = async_start (fx->b, "UPDATE accounts SET balance = balance + 1 WHERE balance = 100");
	ASSERT_BLOCKED (w);
	OK (fx->a, "COMMIT");
	g_assert_cmpint (ASYNC_OK (w), ==, 1);
	EXPECT_INT (fx->c, "SELECT balance FROM accounts WHERE id = 1", 150);
	EXPECT_INT (fx->c, "SELECT balance FROM accounts WHERE id = 2", 101);

	/* the row's key changed meanwhile: it no longer matches WHERE id = 1 */
	OK (fx->a, "BEGIN");
	OK (fx->a, "UPDATE accounts SET id = 10 WHERE id = 1");
	w = async_start (fx->b, "UPDATE accounts SET balance = balance + 1 WHERE id = 1");
	ASSERT_BLOCKED (w);
	OK (fx->a, "COMMIT");
	g_assert_cmpint (ASYNC_OK (w), ==, 0);
	EXPECT_INT (fx->c, "SELECT balance FROM accounts WHERE id = 10", 150);
	OK (fx->a, "UPDATE accounts SET id = 1 WHERE id = 10");

	/* the row was deleted meanwhile: nothing to update */
	OK (fx->a, "BEGIN");
	OK (fx->a, "DELETE FROM accounts WHERE id = 1");
	w = async_start (fx->b, "UPDATE accounts SET balance = balance + 1 WHERE id = 1");
	ASSERT_BLOCKED (w);
	OK (fx->a, "COMMIT");
	g_assert_cmpint (ASYNC_OK (w), ==, 0);
	EXPECT_INT (fx->c, "SELECT count(*) FROM accounts", 1);

	/* DELETE waits too, then re-checks the new version: one that no
	 * longer matches is kept, one that still does is deleted.  (A row whose
	 * snapshot version does not match is skipped without waiting.) */
	OK (fx->a, "UPDATE accounts SET balance = 5 WHERE id = 2");
	OK (fx->a, "INSERT INTO accounts VALUES (3, 5)");
	OK (fx->a, "BEGIN");
	OK (fx->a, "UPDATE accounts SET balance = 50 WHERE id = 2");
	OK (fx->a, "UPDATE accounts SET balance = 7 WHERE id = 3");
	w = async_start (fx->b, "DELETE FROM accounts WHERE balance < 10");
	ASSERT_BLOCKED (w);
	OK (fx->a, "COMMIT");
	g_assert_cmpint (ASYNC_OK (w), ==, 1);
	EXPECT_INT (fx->c, "SELECT count(*) FROM accounts", 1);
	EXPECT_INT (fx->c, "SELECT balance FROM accounts WHERE id = 2", 50);
}

/* A waiter can be cancelled: 57014, and its block is failed. */
static void
test_conflict_cancel (Fx *fx, gconstpointer data)
{
	make_accounts (fx->a);
	OK (fx->a, "BEGIN");
	OK (fx->a, "UPDATE accounts SET balance = 0 WHERE id = 1");
	OK (fx->b, "BEGIN");
	Async *w = async_start (fx->b, "UPDATE accounts SET balance = 1 WHERE id = 1");
	ASSERT_BLOCKED (w);
	ox_session_cancel (fx->b);
	if (!async_wait_ms (w, 5000))
		FAIL ("a waiting UPDATE ignores ox_session_cancel for 5 s");
	ASYNC_FAILS (w, "57014");
	EXPECT_STATUS (fx->b, 'E');
	OK (fx->b, "ROLLBACK");
	OK (fx->a, "COMMIT");
	/* the cancel request does not stick to the session's next statement */
	OK (fx->b, "UPDATE accounts SET balance = 2 WHERE id = 1");
	EXPECT_INT (fx->c, "SELECT balance FROM accounts WHERE id = 1", 2);
}

/* Freeing a session rolls its transaction back and releases its waiters. */
static void
test_conflict_session_free (Fx *fx, gconstpointer data)
{
	make_accounts (fx->a);
	OK (fx->a, "BEGIN");
	OK (fx->a, "UPDATE accounts SET balance = 0 WHERE id = 1");
	OK (fx->a, "INSERT INTO accounts VALUES (3, 3)");
	Async *w = async_start (fx->b, "UPDATE accounts SET balance = balance + 1 WHERE id = 1");
	Async *w2 = async_start (fx->c, "INSERT INTO accounts VALUES (3, 33)");
	ASSERT_BLOCKED (w);
	ASSERT_BLOCKED (w2);
	ox_session_free (fx->a);
	OxError err = { 0 };
	g_assert_cmpint (ox_session_new (fx->db, &fx->a, &err), ==, OX_OK);
	g_assert_cmpint (ASYNC_OK (w), ==, 1);
	g_assert_cmpint (ASYNC_OK (w2), ==, 1);
	EXPECT_INT (fx->a, "SELECT balance FROM accounts WHERE id = 1", 101);
	EXPECT_INT (fx->a, "SELECT balance FROM accounts WHERE id = 3", 33);
}

/* ---- unique/ ----------------------------------------------------------- */

typedef enum UniqueCase {
	UQ_INSERT_COMMIT,    /* A inserts the key and commits: B 23505 */
	UQ_INSERT_ROLLBACK,  /* A inserts and rolls back: B inserts */
	UQ_DELETE_COMMIT,    /* A deletes the existing key and commits: B inserts */
	UQ_DELETE_ROLLBACK,  /* A deletes and rolls back: B 23505 */
	UQ_UPDATE_COMMIT,    /* A moves the existing key away and commits: B inserts */
} UniqueCase;

static void
test_unique_race (Fx *fx, gconstpointer data)
{
	UniqueCase uc = GPOINTER_TO_INT (data);
	bool exists = uc >= UQ_DELETE_COMMIT;
	bool commit = uc == UQ_INSERT_COMMIT || uc == UQ_DELETE_COMMIT || uc == UQ_UPDATE_COMMIT;
	bool b_wins = uc == UQ_INSERT_ROLLBACK || uc == UQ_DELETE_COMMIT || uc == UQ_UPDATE_COMMIT;
	OK (fx->a, "CREATE TABLE u (id integer PRIMARY KEY, who text)");
	if (exists)
		OK (fx->a, "INSERT INTO u VALUES (1, 'old')");
	OK (fx->a, "BEGIN");
	if (uc == UQ_INSERT_COMMIT || uc == UQ_INSERT_ROLLBACK)
		OK (fx->a, "INSERT INTO u VALUES (1, 'a')");
	else if (uc == UQ_UPDATE_COMMIT)
		OK (fx->a, "UPDATE u SET id = 2 WHERE id = 1");
	else
		OK (fx->a, "DELETE FROM u WHERE id = 1");
	Async *w = async_start (fx->b, "INSERT INTO u VALUES (1, 'b')");
	ASSERT_BLOCKED (w);
	OK (fx->a, commit ? "COMMIT" : "ROLLBACK");
	if (b_wins)
		g_assert_cmpint (ASYNC_OK (w), ==, 1);
	else
		ASYNC_FAILS (w, "23505");
	EXPECT_INT (fx->c, "SELECT count(*) FROM u WHERE id = 1", 1);
	const char *who = b_wins ? "b" : commit ? "a" : "old";
	char *sql = g_strdup_printf ("SELECT count(*) FROM u WHERE id = 1 AND who = '%s'", who);
	EXPECT_INT (fx->c, sql, 1);
	g_free (sql);
}

/* ---- deadlock/ --------------------------------------------------------- */

static void
test_deadlock (Fx *fx, gconstpointer data)
{
	make_accounts (fx->a);
	OK (fx->a, "BEGIN");
	OK (fx->b, "BEGIN");
	OK (fx->a, "UPDATE accounts SET balance = balance + 1 WHERE id = 1");
	OK (fx->b, "UPDATE accounts SET balance = balance + 10 WHERE id = 2");
	Async *wa = async_start (fx->a, "UPDATE accounts SET balance = balance + 1 WHERE id = 2");
	ASSERT_BLOCKED (wa);
	Async *wb = async_start (fx->b, "UPDATE accounts SET balance = balance + 10 WHERE id = 1");
	/* one of the two must fail with 40P01, soon; which one is the engine's choice */
	gint64 until = g_get_monotonic_time () + WAIT_S * G_TIME_SPAN_SECOND;
	while (!async_done (wa) && !async_done (wb) && g_get_monotonic_time () < until)
		g_usleep (5 * 1000);
	bool a_victim = async_done (wa);
	if (!a_victim && !async_done (wb))
		FAIL ("no deadlock detected within %d s", WAIT_S);
	Async *victim = a_victim ? wa : wb, *survivor = a_victim ? wb : wa;
	OxSession *vs = a_victim ? fx->a : fx->b, *ss = a_victim ? fx->b : fx->a;
	ASYNC_FAILS (victim, "40P01");
	EXPECT_STATUS (vs, 'E');
	/* the survivor goes on waiting until the victim's transaction ends */
	g_assert_true (async_blocked (survivor));
	OK (vs, "ROLLBACK");
	g_assert_cmpint (ASYNC_OK (survivor), ==, 1);
	OK (ss, "COMMIT");
	int64_t add = a_victim ? 10 : 1;
	EXPECT_INT (fx->c, "SELECT balance FROM accounts WHERE id = 1", 100 + add);
	EXPECT_INT (fx->c, "SELECT balance FROM accounts WHERE id = 2", 100 + add);
}

/* ---- worker crews ------------------------------------------------------ */

/* Threads the main thread waits for with a deadline (GThread has no timed
 * join).  Each worker calls crew_leave once when it is done. */
typedef struct Crew {
	GMutex       lock;
	GCond        cond;
	int          running;  /* workers not yet finished (under lock) */
	volatile int stop;     /* set (atomically) on timeout: workers give up */
} Crew;

static void
crew_init (Crew *c, int n)
{
	g_mutex_init (&c->lock);
	g_cond_init (&c->cond);
	c->running = n;
	c->stop = 0;
}

static void
crew_clear (Crew *c)
{
	g_mutex_clear (&c->lock);
	g_cond_clear (&c->cond);
}

static void
crew_leave (Crew *c)
{
	g_mutex_lock (&c->lock);
	c->running--;
	g_cond_broadcast (&c->cond);
	g_mutex_unlock (&c->lock);
}

static int
crew_running (Crew *c)
{
	g_mutex_lock (&c->lock);
	int n = c->running;
	g_mutex_unlock (&c->lock);
	return n;
}

static bool
crew_stopping (Crew *c)
{
	return __atomic_load_n (&c->stop, __ATOMIC_RELAXED) != 0;
}

/* Wait up to seconds for every worker to leave; returns how many have not. */
static int
crew_wait (Crew *c, int seconds)
{
	gint64 until = g_get_monotonic_time () + seconds * G_TIME_SPAN_SECOND;
	g_mutex_lock (&c->lock);
	while (c->running > 0)
		if (!g_cond_wait_until (&c->cond, &c->lock, until))
			break;
	int left = c->running;
	g_mutex_unlock (&c->lock);
	return left;
}

/* Wait (bounded by WAIT_S) for the crew.  On timeout the test fails, the
 * workers are told to stop and their n sessions cancelled; a crew that
 * still does not finish aborts the program.  Threads may be joined after. */
static void
crew_finish (Crew *c, OxSession **sessions, int n, const char *what)
{
	int left = crew_wait (c, WAIT_S);
	if (left == 0)
		return;
	FAIL ("%d %s still running after %d s (hang or livelock)", left, what, WAIT_S);
	__atomic_store_n (&c->stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < n; i++)
		ox_session_cancel (sessions[i]);
	left = crew_wait (c, 10);
	if (left > 0)
		g_error ("%d %s ignore cancellation; giving up", left, what);
}

/* ---- deadlock/ (more) ---------------------------------------------------- */

/* A waits for B, B for C, C for A: one of the three gets 40P01. */
static void
test_deadlock_three (Fx *fx, gconstpointer data)
{
	OK (fx->a, "CREATE TABLE r (id integer PRIMARY KEY, n integer)");
	OK (fx->a, "INSERT INTO r VALUES (1, 0), (2, 0), (3, 0)");
	OxSession *s[3] = { fx->a, fx->b, fx->c };
	for (int i = 0; i < 3; i++) {
		char *sql = g_strdup_printf ("UPDATE r SET n = n + 1 WHERE id = %d", i + 1);
		OK (s[i], "BEGIN");
		OK (s[i], sql);
		g_free (sql);
	}
	Async *w[3];
	for (int i = 0; i < 3; i++) {
		char *sql = g_strdup_printf ("UPDATE r SET n = n + 10 WHERE id = %d", (i + 1) % 3 + 1);
		w[i] = async_start (s[i], sql);
		g_free (sql);
		if (i < 2)
			ASSERT_BLOCKED (w[i]);
	}
	gint64 until = g_get_monotonic_time () + WAIT_S * G_TIME_SPAN_SECOND;
	int victim = -1;
	while (victim < 0 && g_get_monotonic_time () < until) {
		for (int i = 0; i < 3 && victim < 0; i++)
			if (async_done (w[i]))
				victim = i;
		if (victim < 0)
			g_usleep (5 * 1000);
	}
	if (victim < 0) {
		FAIL ("no deadlock detected within %d s", WAIT_S);
		victim = 2;
	}
	ASYNC_FAILS (w[victim], "40P01");
	OK (s[victim], "ROLLBACK");
	/* the one waiting for the victim goes on, commits, and frees the last */
	int next = (victim + 2) % 3, last = (victim + 1) % 3;
	g_assert_cmpint (ASYNC_OK (w[next]), ==, 1);
	OK (s[next], "COMMIT");
	g_assert_cmpint (ASYNC_OK (w[last]), ==, 1);
	OK (s[last], "COMMIT");
	/* survivors added 1 to their own row and 10 to the next one's */
	EXPECT_INT (fx->c, "SELECT sum(n) FROM r", 22);
}

/* Racers insert the same keys, two per transaction, committing or rolling
 * back at random.  Every key must end up present exactly when
 * one transaction inserting it committed; never twice. */
#define RACE_THREADS 4
#define RACE_KEYS    400

typedef struct Racer {
	Crew       *crew;
	OxSession  *s;
	GThread    *thread;
	int         no;
	uint8_t     committed[RACE_KEYS + 1];  /* 1 when this racer committed the key */
	uint8_t     dup[RACE_KEYS + 1];        /* 1 when its insert got 23505 */
	int         deadlocks;
	char       *error;                     /* first unexpected failure, g_malloc'd */
} Racer;

static gpointer
racer_main (gpointer data)
{
	Racer *rc = data;
	/* every racer goes through the same pairs of keys in the same order,
	 * the odd ones taking each pair backwards: collisions, and deadlocks
	 * between the two directions, are the point */
	GRand *order = g_rand_new_with_seed (0x5eed);
	GRand *rand = g_rand_new_with_seed (0x5eed + 1 + rc->no);
	int keys[RACE_KEYS];
	for (int i = 0; i < RACE_KEYS; i++)
		keys[i] = i + 1;
	for (int i = RACE_KEYS - 1; i > 0; i--) {
		int j = g_rand_int_range (order, 0, i + 1), k = keys[i];
		keys[i] = keys[j];
		keys[j] = k;
	}
	g_rand_free (order);
	if (rc->no % 2) {
		for (int i = 0; i + 1 < RACE_KEYS; i += 2) {
			int k = keys[i];
			keys[i] = keys[i + 1];
			keys[i + 1] = k;
		}
	}
	for (int i = 0; i + 1 < RACE_KEYS && !rc->error; i += 2) {
		if (crew_stopping (rc->crew)) {
			rc->error = g_strdup ("stopped by the main thread (timeout)");
			break;
		}
		bool commit = g_rand_int_range (rand, 0, 4) != 0;
		Result r;
		run (rc->s, "BEGIN", &r);
		result_clear (&r);
		bool ok = true;
		for (int k = 0; k < 2 && ok; k++) {
			char *sql = g_strdup_printf ("INSERT INTO u VALUES (%d, %d)", keys[i + k], rc->no);
			if (run (rc->s, sql, &r) != OX_OK) {
				ok = false;
				if (!strcmp (r.sqlstate, "23505"))
					rc->dup[keys[i + k]] = 1;
				else if (!strcmp (r.sqlstate, "40P01"))
					rc->deadlocks++;
				else
					rc->error = g_strdup_printf ("%s: %s %s", sql, r.sqlstate, r.message);
			}
			result_clear (&r);
			g_free (sql);
			g_thread_yield ();   /* let rivals in between the two inserts */
		}
		run (rc->s, ok && commit ? "COMMIT" : "ROLLBACK", &r);
		if (r.rc != OX_OK && !rc->error)
			rc->error = g_strdup_printf ("COMMIT: %s %s", r.sqlstate, r.message);
		if (ok && commit && r.rc == OX_OK) {
			rc->committed[keys[i]] = 1;
			rc->committed[keys[i + 1]] = 1;
		}
		result_clear (&r);
	}
	g_rand_free (rand);
	crew_leave (rc->crew);
	return NULL;
}

static void
test_unique_stress (Fx *fx, gconstpointer data)
{
	OK (fx->a, "CREATE TABLE u (id integer PRIMARY KEY, who integer)");
	Racer rc[RACE_THREADS] = { 0 };
	OxSession *sessions[RACE_THREADS];
	OxError err = { 0 };
	Crew crew;
	crew_init (&crew, RACE_THREADS);
	for (int i = 0; i < RACE_THREADS; i++) {
		rc[i].no = i;
		rc[i].crew = &crew;
		g_assert_cmpint (ox_session_new (fx->db, &rc[i].s, &err), ==, OX_OK);
		sessions[i] = rc[i].s;
	}
	for (int i = 0; i < RACE_THREADS; i++)
		rc[i].thread = g_thread_new ("racer", racer_main, &rc[i]);
	crew_finish (&crew, sessions, RACE_THREADS, "racers");
	int deadlocks = 0;
	for (int i = 0; i < RACE_THREADS; i++) {
		g_thread_join (rc[i].thread);
		if (rc[i].error)
			FAIL ("racer %d: %s", i, rc[i].error);
		deadlocks += rc[i].deadlocks;
	}
	g_test_message ("unique race: %d deadlocks", deadlocks);
	OxStmt *st = NULL;
	g_assert_cmpint (ox_prepare (fx->a, "SELECT id, who FROM u ORDER BY id", -1, &st, NULL, &err), ==, OX_OK);
	uint8_t present[RACE_KEYS + 1] = { 0 };
	while (st && ox_step (st, &err) == OX_ROW) {
		int64_t id = ox_column_int64 (st, 0), who = ox_column_int64 (st, 1);
		if (id < 1 || id > RACE_KEYS || who < 0 || who >= RACE_THREADS) {
			FAIL ("unexpected row (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")", id, who);
			continue;
		}
		if (present[id]++)
			FAIL ("key %" G_GINT64_FORMAT " present twice", id);
		if (!rc[who].committed[id])
			FAIL ("key %" G_GINT64_FORMAT " belongs to racer %" G_GINT64_FORMAT
			      ", which did not commit it", id, who);
	}
	ox_finalize (st);
	int wrong = 0;
	for (int k = 1; k <= RACE_KEYS; k++) {
		int n = 0;
		bool dup = false;
		for (int i = 0; i < RACE_THREADS; i++) {
			n += rc[i].committed[k];
			dup |= rc[i].dup[k];
		}
		if ((n > 1 || n != present[k] || (dup && !present[k])) && wrong++ < 5)
			FAIL ("key %d: committed by %d racers, present %d times, 23505 seen: %d",
			      k, n, present[k], dup);
	}
	for (int i = 0; i < RACE_THREADS; i++) {
		g_free (rc[i].error);
		ox_session_free (rc[i].s);
	}
	crew_clear (&crew);
	ox_error_clear (&err);
}

/* ---- serializable/ ----------------------------------------------------- */

/* Alice and Bob are on call; each, in his own transaction, checks that
 * two doctors are on call and takes himself off.  Run serially, the second
 * would see one doctor and stay; interleaved under snapshot isolation both
 * leave (write skew).  SERIALIZABLE must refuse one of them. */
static void
test_write_skew (Fx *fx, gconstpointer data)
{
	Level lv = GPOINTER_TO_INT (data);
	OK (fx->a, "CREATE TABLE doctors (name text PRIMARY KEY, on_call boolean NOT NULL)");
	OK (fx->a, "INSERT INTO doctors VALUES ('alice', true), ('bob', true), ('carol', false)");
	BEGIN_AT (fx->a, lv);
	BEGIN_AT (fx->b, lv);
	EXPECT_INT (fx->a, "SELECT count(*) FROM doctors WHERE on_call", 2);
	EXPECT_INT (fx->b, "SELECT count(*) FROM doctors WHERE on_call", 2);
	Result r[4];
	run (fx->a, "UPDATE doctors SET on_call = false WHERE name = 'alice'", &r[0]);
	run (fx->b, "UPDATE doctors SET on_call = false WHERE name = 'bob'", &r[1]);
	run (fx->a, "COMMIT", &r[2]);
	run (fx->b, "COMMIT", &r[3]);
	int failed = 0;
	for (int i = 0; i < 4; i++) {
		if (r[i].rc == OX_OK)
			continue;
		failed++;
		if (strcmp (r[i].sqlstate, "40001") != 0)
			FAIL ("write skew: statement %d failed with %s (%s), not 40001", i,
			      r[i].sqlstate, r[i].message);
	}
	/* a failed UPDATE leaves a failed block: its COMMIT reports ROLLBACK */
	bool a_committed = r[0].rc == OX_OK && r[2].rc == OX_OK && !g_strcmp0 (r[2].tag, "COMMIT");
	bool b_committed = r[1].rc == OX_OK && r[3].rc == OX_OK && !g_strcmp0 (r[3].tag, "COMMIT");
	int64_t on_call = Q_INT (fx->c, "SELECT count(*) FROM doctors WHERE on_call");
	if (lv != LEVEL_RR) {
		if (a_committed && b_committed)
			FAIL ("SERIALIZABLE let write skew through: nobody is on call");
		g_assert_cmpint (on_call, ==, 1);
		g_assert_true (a_committed || b_committed);
		g_assert_cmpint (failed, ==, 1);
	} else {
		/* snapshot isolation: the anomaly is allowed, and happens */
		g_assert_true (a_committed && b_committed);
		g_assert_cmpint (on_call, ==, 0);
	}
	for (int i = 0; i < 4; i++)
		result_clear (&r[i]);
	EXPECT_STATUS (fx->a, 'I');
	EXPECT_STATUS (fx->b, 'I');
}

/* The same anomaly through a phantom: both count the rows of a key and
 * insert one when none is there. */
static void
test_phantom (Fx *fx, gconstpointer data)
{
	Level lv = GPOINTER_TO_INT (data);
	OK (fx->a, "CREATE TABLE booking (room integer, who text)");
	BEGIN_AT (fx->a, lv);
	BEGIN_AT (fx->b, lv);
	EXPECT_INT (fx->a, "SELECT count(*) FROM booking WHERE room = 1", 0);
	EXPECT_INT (fx->b, "SELECT count(*) FROM booking WHERE room = 1", 0);
	Result r[4];
	run (fx->a, "INSERT INTO booking VALUES (1, 'a')", &r[0]);
	run (fx->b, "INSERT INTO booking VALUES (1, 'b')", &r[1]);
	run (fx->a, "COMMIT", &r[2]);
	run (fx->b, "COMMIT", &r[3]);
	bool a_committed = r[0].rc == OX_OK && r[2].rc == OX_OK && !g_strcmp0 (r[2].tag, "COMMIT");
	bool b_committed = r[1].rc == OX_OK && r[3].rc == OX_OK && !g_strcmp0 (r[3].tag, "COMMIT");
	for (int i = 0; i < 4; i++) {
		if (r[i].rc != OX_OK && strcmp (r[i].sqlstate, "40001") != 0)
			FAIL ("phantom: statement %d failed with %s (%s)", i, r[i].sqlstate,
			      r[i].message);
		result_clear (&r[i]);
	}
	int64_t n = Q_INT (fx->c, "SELECT count(*) FROM booking WHERE room = 1");
	if (lv != LEVEL_RR) {
		g_assert_true (a_committed != b_committed);
		g_assert_cmpint (n, ==, 1);
	} else {
		g_assert_true (a_committed && b_committed);
		g_assert_cmpint (n, ==, 2);
	}
}

/* SERIALIZABLE transactions that touch disjoint tables both commit. */
static void
test_serializable_disjoint (Fx *fx, gconstpointer data)
{
	OK (fx->a, "CREATE TABLE x (k integer PRIMARY KEY, n integer)");
	OK (fx->a, "CREATE TABLE y (k integer PRIMARY KEY, n integer)");
	OK (fx->a, "INSERT INTO x VALUES (1, 0)");
	OK (fx->a, "INSERT INTO y VALUES (1, 0)");
	OK (fx->a, begin_sql[LEVEL_SER]);
	OK (fx->b, begin_sql[LEVEL_SER]);
	EXPECT_INT (fx->a, "SELECT n FROM x WHERE k = 1", 0);
	EXPECT_INT (fx->b, "SELECT n FROM y WHERE k = 1", 0);
	OK (fx->a, "UPDATE x SET n = n + 1 WHERE k = 1");
	OK (fx->b, "UPDATE y SET n = n + 1 WHERE k = 1");
	g_assert_cmpstr (OK (fx->a, "COMMIT"), ==, "COMMIT");
	g_assert_cmpstr (OK (fx->b, "COMMIT"), ==, "COMMIT");
	EXPECT_INT (fx->c, "SELECT n FROM x WHERE k = 1", 1);
	EXPECT_INT (fx->c, "SELECT n FROM y WHERE k = 1", 1);
}

/* ---- ddl/ -------------------------------------------------------------- */

static void
test_ddl_create_table (Fx *fx, gconstpointer data)
{
	OK (fx->a, "BEGIN");
	g_assert_cmpstr (OK (fx->a, "CREATE TABLE n (x integer PRIMARY KEY)"), ==, "CREATE TABLE");
	OK (fx->a, "INSERT INTO n VALUES (1), (2)");
	EXPECT_INT (fx->a, "SELECT count(*) FROM n", 2);
	FAILS (fx->b, "SELECT count(*) FROM n", "42P01");
	EXPECT_INT (fx->b, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'n'", 0);
	OK (fx->a, "COMMIT");
	EXPECT_INT (fx->b, "SELECT count(*) FROM n", 2);
	EXPECT_INT (fx->b, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'n'", 1);

	/* rolled back: gone, and the name free */
	OK (fx->a, "BEGIN");
	OK (fx->a, "CREATE TABLE m (x integer PRIMARY KEY)");
	OK (fx->a, "INSERT INTO m VALUES (1)");
	OK (fx->a, "ROLLBACK");
	FAILS (fx->a, "SELECT count(*) FROM m", "42P01");
	FAILS (fx->b, "SELECT count(*) FROM m", "42P01");
	OK (fx->b, "CREATE TABLE m (y text)");
	OK (fx->b, "INSERT INTO m VALUES ('a')");
	EXPECT_INT (fx->a, "SELECT count(*) FROM m WHERE y = 'a'", 1);

	/* rolled back to a savepoint */
	OK (fx->a, "BEGIN");
	OK (fx->a, "SAVEPOINT s");
	OK (fx->a, "CREATE TABLE k (x integer)");
	OK (fx->a, "ROLLBACK TO s");
	FAILS (fx->a, "SELECT count(*) FROM k", "42P01");
	OK (fx->a, "ROLLBACK");
}

/* Two sessions create one name: the second waits for the first's outcome,
 * then fails with 42P07 or succeeds.  (PostgreSQL itself may report this
 * race as 23505 on pg_type's index; 42P07 is the error it documents.) */
static void
test_ddl_create_race (Fx *fx, gconstpointer data)
{
	bool commit = GPOINTER_TO_INT (data);
	OK (fx->a, "BEGIN");
	OK (fx->a, "CREATE TABLE n (x integer)");
	Async *w = async_start (fx->b, "CREATE TABLE n (y integer)");
	ASSERT_BLOCKED (w);
	OK (fx->a, commit ? "COMMIT" : "ROLLBACK");
	if (commit) {
		ASYNC_FAILS (w, "42P07");
		EXPECT_INT (fx->c, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'n' AND column_name = 'x'", 1);
	} else {
		ASYNC_OK (w);
		EXPECT_INT (fx->c, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'n' AND column_name = 'y'", 1);
	}
}

static void
test_ddl_drop_table (Fx *fx, gconstpointer data)
{
	make_t (fx->a);
	OK (fx->a, "CREATE INDEX t_v ON t (v)");
	OK (fx->a, "BEGIN");
	g_assert_cmpstr (OK (fx->a, "DROP TABLE t"), ==, "DROP TABLE");
	OK (fx->a, "SAVEPOINT s");
	FAILS (fx->a, "SELECT count(*) FROM t", "42P01");
	OK (fx->a, "ROLLBACK TO s");
	OK (fx->a, "CREATE TABLE t (other text)");     /* the name is free inside */
	OK (fx->a, "ROLLBACK");
	for (int i = 0; i < 2; i++) {
		OxSession *s = i ? fx->b : fx->a;
		EXPECT_INT (s, "SELECT count(*) FROM t", 3);
		EXPECT_INT (s, "SELECT sum(v) FROM t", 60);
		EXPECT_INT (s, "SELECT id FROM t WHERE v = 20", 2);
		EXPECT_INT (s, "SELECT count(*) FROM pg_indexes WHERE indexname = 't_v'", 1);
	}
	/* still a working table, constraints included */
	OK (fx->b, "INSERT INTO t VALUES (4, 40)");
	FAILS (fx->b, "INSERT INTO t VALUES (1, 0)", "23505");
	EXPECT_INT (fx->a, "SELECT sum(v) FROM t", 100);

	/* committed: gone for everybody */
	OK (fx->a, "BEGIN");
	OK (fx->a, "DROP TABLE t");
	OK (fx->a, "COMMIT");
	FAILS (fx->b, "SELECT count(*) FROM t", "42P01");
}

static void
test_ddl_truncate (Fx *fx, gconstpointer data)
{
	make_t (fx->a);
	OK (fx->a, "BEGIN");
	OK (fx->a, "TRUNCATE t");
	EXPECT_INT (fx->a, "SELECT count(*) FROM t", 0);
	OK (fx->a, "ROLLBACK");
	EXPECT_INT (fx->b, "SELECT count(*) FROM t", 3);
	EXPECT_INT (fx->b, "SELECT v FROM t WHERE id = 3", 30);
}

static void
test_ddl_create_index (Fx *fx, gconstpointer data)
{
	make_t (fx->a);
	OK (fx->a, "INSERT INTO t VALUES (4, 10)");    /* v is not unique */
	OK (fx->a, "BEGIN");
	g_assert_cmpstr (OK (fx->a, "CREATE INDEX t_v ON t (v)"), ==, "CREATE INDEX");
	EXPECT_INT (fx->a, "SELECT count(*) FROM pg_indexes WHERE indexname = 't_v'", 1);
	EXPECT_INT (fx->b, "SELECT count(*) FROM pg_indexes WHERE indexname = 't_v'", 0);
	EXPECT_INT (fx->a, "SELECT count(*) FROM t WHERE v = 10", 2);
	OK (fx->a, "ROLLBACK");
	EXPECT_INT (fx->a, "SELECT count(*) FROM pg_indexes WHERE indexname = 't_v'", 0);
	OK (fx->b, "CREATE INDEX t_v ON t (v)");       /* the name is free */
	OK (fx->b, "DROP INDEX t_v");

	/* a unique index rolled back no longer constrains anything */
	OK (fx->a, "DELETE FROM t WHERE id = 4");
	OK (fx->a, "BEGIN");
	OK (fx->a, "CREATE UNIQUE INDEX t_v_u ON t (v)");
	FAILS (fx->a, "INSERT INTO t VALUES (5, 10)", "23505");
	OK (fx->a, "ROLLBACK");
	OK (fx->b, "INSERT INTO t VALUES (5, 10)");
	EXPECT_INT (fx->a, "SELECT count(*) FROM t WHERE v = 10", 2);
	EXPECT_INT (fx->a, "SELECT count(*) FROM pg_indexes WHERE indexname = 't_v_u'", 0);
}

/* DROP TABLE and writers of the table exclude each other, as PostgreSQL's
 * AccessExclusive lock makes them: a write must never land in a table
 * that a concurrent DROP then commits away (a lost write reported as
 * success). */
static void
test_ddl_drop_vs_write (Fx *fx, gconstpointer data)
{
	make_t (fx->a);
	/* DROP first: the writer waits, then finds no table */
	OK (fx->a, "BEGIN");
	OK (fx->a, "DROP TABLE t");
	Async *w = async_start (fx->b, "INSERT INTO t VALUES (4, 40)");
	ASSERT_BLOCKED (w);
	OK (fx->a, "ROLLBACK");
	g_assert_cmpint (ASYNC_OK (w), ==, 1);      /* rolled back: the insert goes in */
	EXPECT_INT (fx->c, "SELECT count(*) FROM t", 4);
	OK (fx->a, "BEGIN");
	OK (fx->a, "DROP TABLE t");
	w = async_start (fx->b, "INSERT INTO t VALUES (5, 50)");
	ASSERT_BLOCKED (w);
	OK (fx->a, "COMMIT");
	ASYNC_FAILS (w, "42P01");

	/* the writer first: DROP waits for it */
	make_t (fx->a);
	OK (fx->b, "BEGIN");
	OK (fx->b, "INSERT INTO t VALUES (4, 40)");
	w = async_start (fx->a, "DROP TABLE t");
	ASSERT_BLOCKED (w);
	OK (fx->b, "COMMIT");
	ASYNC_OK (w);
	FAILS (fx->c, "SELECT count(*) FROM t", "42P01");
}

/* An uncommitted CREATE UNIQUE INDEX constrains nobody else: PostgreSQL
 * makes writers of the table wait for the index's transaction; they must
 * not fail on a constraint that is then rolled back. */
static void
test_ddl_unique_index_concurrent (Fx *fx, gconstpointer data)
{
	make_t (fx->a);
	OK (fx->a, "BEGIN");
	OK (fx->a, "CREATE UNIQUE INDEX t_v ON t (v)");
	Async *w = async_start (fx->b, "INSERT INTO t VALUES (4, 10)");
	ASSERT_BLOCKED (w);
	OK (fx->a, "ROLLBACK");
	g_assert_cmpint (ASYNC_OK (w), ==, 1);
	EXPECT_INT (fx->c, "SELECT count(*) FROM t WHERE v = 10", 2);
}

/* ---- bank/ ------------------------------------------------------------- */

#define BANK_ACCOUNTS   100
#define BANK_INITIAL    1000
#define BANK_TOTAL      (BANK_ACCOUNTS * BANK_INITIAL)
#define BANK_TELLERS    8
#define BANK_TRANSFERS  2000     /* per teller */
#define BANK_MAX_TRIES  100000   /* per transfer: beyond, call it livelock */
#define BANK_SEED       0x0b1ba5e

typedef struct Bank {
	OxDatabase *db;
	Level       level;
	Crew        tellers;   /* the teller threads */
} Bank;

typedef struct Teller {
	Bank      *bank;
	int        no;
	OxSession *s;
	GThread   *thread;
	int64_t    net[BANK_ACCOUNTS + 1];  /* committed change per account id */
	int        commits;
	int        conflicts;               /* 40001 retried */
	int        deadlocks;               /* 40P01 retried */
	char      *error;                   /* first unexpected failure, g_malloc'd */
} Teller;

typedef struct Auditor {
	Bank      *bank;
	OxSession *s;
	GThread   *thread;
	int        audits;     /* snapshots checked */
	int        bad;        /* snapshots whose sum was not BANK_TOTAL */
	int64_t    bad_sum;    /* the first wrong sum */
	char      *error;      /* first unexpected failure, g_malloc'd */
} Auditor;

/* Run a prepared statement to its end. */
static int
step_all (OxStmt *st, OxError *err)
{
	int rc;
	while ((rc = ox_step (st, err)) == OX_ROW)
		;
	return rc == OX_DONE ? OX_OK : OX_ERROR;
}

static OxStmt *
bank_prepare (OxSession *s, const char *sql)
{
	OxError err = { 0 };
	OxStmt *st = NULL;
	if (ox_prepare (s, sql, -1, &st, NULL, &err) != OX_OK)
		g_error ("prepare %s: %s", sql, err.message);
	return st;
}

/* One attempt at a transfer.  Returns NULL when it committed, else the
 * SQLSTATE (static) with err filled. */
static const char *
teller_try (Teller *tl, OxStmt **st, int from, int to, int amount, OxError *err)
{
	enum { BEGIN, DEBIT, CREDIT, COMMIT };
	ox_error_clear (err);
	if (step_all (st[BEGIN], err) != OX_OK)
		return err->sqlstate;
	ox_bind_int64 (st[DEBIT], 1, amount, NULL);
	ox_bind_int64 (st[DEBIT], 2, from, NULL);
	if (step_all (st[DEBIT], err) != OX_OK)
		return err->sqlstate;
	if (ox_changes (st[DEBIT]) != 1) {
		g_strlcpy (err->sqlstate, "XXT01", sizeof err->sqlstate);
		err->message = g_strdup_printf ("debit of account %d changed %" G_GINT64_FORMAT " rows",
		                                from, ox_changes (st[DEBIT]));
		return err->sqlstate;
	}
	ox_bind_int64 (st[CREDIT], 1, amount, NULL);
	ox_bind_int64 (st[CREDIT], 2, to, NULL);
	if (step_all (st[CREDIT], err) != OX_OK)
		return err->sqlstate;
	if (ox_changes (st[CREDIT]) != 1) {
		g_strlcpy (err->sqlstate, "XXT01", sizeof err->sqlstate);
		err->message = g_strdup_printf ("credit of account %d changed %" G_GINT64_FORMAT " rows",
		                                to, ox_changes (st[CREDIT]));
		return err->sqlstate;
	}
	if (step_all (st[COMMIT], err) != OX_OK)
		return err->sqlstate;
	if (g_strcmp0 (ox_command_tag (st[COMMIT]), "COMMIT") != 0) {
		g_strlcpy (err->sqlstate, "XXT02", sizeof err->sqlstate);
		err->message = g_strdup_printf ("COMMIT answered %s", ox_command_tag (st[COMMIT]));
		return err->sqlstate;
	}
	return NULL;
}

static gpointer
teller_main (gpointer data)
{
	Teller *tl = data;
	Bank *bank = tl->bank;
	GRand *rand = g_rand_new_with_seed (BANK_SEED + 1000 * bank->level + tl->no);
	OxStmt *st[5] = {
		bank_prepare (tl->s, begin_sql[bank->level]),
		bank_prepare (tl->s, "UPDATE accounts SET balance = balance - $1 WHERE id = $2"),
		bank_prepare (tl->s, "UPDATE accounts SET balance = balance + $1 WHERE id = $2"),
		bank_prepare (tl->s, "COMMIT"),
		bank_prepare (tl->s, "ROLLBACK"),
	};
	OxError err = { 0 };
	for (int i = 0; i < BANK_TRANSFERS && !tl->error; i++) {
		int from = g_rand_int_range (rand, 1, BANK_ACCOUNTS + 1);
		int to = g_rand_int_range (rand, 1, BANK_ACCOUNTS);
		if (to >= from)
			to++;
		int amount = g_rand_int_range (rand, 1, 101);
		for (int tries = 0;; tries++) {
			if (crew_stopping (&bank->tellers)) {
				tl->error = g_strdup ("stopped by the main thread (timeout)");
				break;
			}
			if (tries == BANK_MAX_TRIES) {
				tl->error = g_strdup_printf ("transfer %d failed %d times in a row", i, tries);
				break;
			}
			const char *state = teller_try (tl, st, from, to, amount, &err);
			if (!state) {
				tl->net[from] -= amount;
				tl->net[to] += amount;
				tl->commits++;
				break;
			}
			if (!strcmp (state, "40001"))
				tl->conflicts++;
			else if (!strcmp (state, "40P01"))
				tl->deadlocks++;
			else {
				tl->error = g_strdup_printf ("transfer %d: %s: %s", i, state, err.message);
				break;
			}
			ox_error_clear (&err);
			if (ox_session_txn_status (tl->s) != 'I' && step_all (st[4], &err) != OX_OK) {
				tl->error = g_strdup_printf ("ROLLBACK: %s: %s", err.sqlstate, err.message);
				break;
			}
		}
	}
	if (ox_session_txn_status (tl->s) != 'I')
		step_all (st[4], &err);
	ox_error_clear (&err);
	for (guint i = 0; i < G_N_ELEMENTS (st); i++)
		ox_finalize (st[i]);
	g_rand_free (rand);
	crew_leave (&bank->tellers);
	return NULL;
}

/* Sum every balance in REPEATABLE READ snapshots, twice per snapshot,
 * until the tellers are done; every sum must be the bank's total. */
static gpointer
auditor_main (gpointer data)
{
	Auditor *au = data;
	OxStmt *begin = bank_prepare (au->s, begin_sql[LEVEL_RR]);
	OxStmt *sum = bank_prepare (au->s, "SELECT sum(balance), count(*) FROM accounts");
	OxStmt *commit = bank_prepare (au->s, "COMMIT");
	OxError err = { 0 };
	while (!au->error) {
		bool last = crew_running (&au->bank->tellers) == 0;   /* one more audit after the tellers */
		if (step_all (begin, &err) != OX_OK) {
			au->error = g_strdup_printf ("BEGIN: %s: %s", err.sqlstate, err.message);
			break;
		}
		for (int k = 0; k < 2 && !au->error; k++) {
			int rc = ox_step (sum, &err);
			if (rc != OX_ROW) {
				au->error = g_strdup_printf ("SELECT sum: %s: %s", err.sqlstate, err.message);
				break;
			}
			int64_t total = ox_column_int64 (sum, 0), n = ox_column_int64 (sum, 1);
			if (total != BANK_TOTAL || n != BANK_ACCOUNTS) {
				if (au->bad++ == 0)
					au->bad_sum = total;
			}
			if (step_all (sum, &err) != OX_OK)
				au->error = g_strdup_printf ("SELECT sum (end): %s: %s", err.sqlstate, err.message);
			au->audits++;
			g_thread_yield ();
		}
		if (step_all (commit, &err) != OX_OK && !au->error)
			au->error = g_strdup_printf ("COMMIT: %s: %s", err.sqlstate, err.message);
		if (last)
			break;
	}
	ox_error_clear (&err);
	ox_finalize (begin);
	ox_finalize (sum);
	ox_finalize (commit);
	return NULL;
}

static void
test_bank (gconstpointer data)
{
	Level lv = GPOINTER_TO_INT (data);
	OxError err = { 0 };
	Bank bank = { .level = lv };
	g_assert_cmpint (ox_db_open (":memory:", &bank.db, &err), ==, OX_OK);
	OxSession *s;
	g_assert_cmpint (ox_session_new (bank.db, &s, &err), ==, OX_OK);
	OK (s, "CREATE TABLE accounts (id integer PRIMARY KEY, balance bigint NOT NULL)");
	GString *ins = g_string_new ("INSERT INTO accounts VALUES ");
	for (int i = 1; i <= BANK_ACCOUNTS; i++)
		g_string_append_printf (ins, "%s(%d, %d)", i > 1 ? ", " : "", i, BANK_INITIAL);
	OK (s, ins->str);
	g_string_free (ins, TRUE);

	gint64 t0 = g_get_monotonic_time ();
	Teller tl[BANK_TELLERS] = { 0 };
	OxSession *sessions[BANK_TELLERS];
	crew_init (&bank.tellers, BANK_TELLERS);
	for (int i = 0; i < BANK_TELLERS; i++) {
		tl[i].bank = &bank;
		tl[i].no = i;
		g_assert_cmpint (ox_session_new (bank.db, &tl[i].s, &err), ==, OX_OK);
		sessions[i] = tl[i].s;
	}
	Auditor au = { .bank = &bank };
	g_assert_cmpint (ox_session_new (bank.db, &au.s, &err), ==, OX_OK);
	for (int i = 0; i < BANK_TELLERS; i++)
		tl[i].thread = g_thread_new ("teller", teller_main, &tl[i]);
	au.thread = g_thread_new ("auditor", auditor_main, &au);

	crew_finish (&bank.tellers, sessions, BANK_TELLERS, "tellers");
	for (int i = 0; i < BANK_TELLERS; i++)
		g_thread_join (tl[i].thread);
	g_thread_join (au.thread);
	double secs = (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;

	int64_t net[BANK_ACCOUNTS + 1] = { 0 };
	int commits = 0, conflicts = 0, deadlocks = 0;
	for (int i = 0; i < BANK_TELLERS; i++) {
		if (tl[i].error)
			FAIL ("teller %d: %s", i, tl[i].error);
		commits += tl[i].commits;
		conflicts += tl[i].conflicts;
		deadlocks += tl[i].deadlocks;
		for (int k = 1; k <= BANK_ACCOUNTS; k++)
			net[k] += tl[i].net[k];
	}
	g_test_message ("%s: %d commits, %d retried on 40001, %d on 40P01, %d audits, %.2f s",
	                begin_sql[lv] + 22, commits, conflicts, deadlocks, au.audits, secs);
	g_assert_cmpint (commits, ==, BANK_TELLERS * BANK_TRANSFERS);
	if (au.error)
		FAIL ("auditor: %s", au.error);
	if (au.bad)
		FAIL ("auditor: %d of %d snapshots inconsistent; first sum %" G_GINT64_FORMAT,
		      au.bad, au.audits, au.bad_sum);
	g_assert_cmpint (au.audits, >, 0);

	EXPECT_INT (s, "SELECT sum(balance) FROM accounts", BANK_TOTAL);
	EXPECT_INT (s, "SELECT count(*) FROM accounts", BANK_ACCOUNTS);
	/* per account: what the committed transfers say it should hold */
	OxStmt *st = bank_prepare (s, "SELECT id, balance FROM accounts ORDER BY id");
	int seen = 0, wrong = 0;
	int64_t drift = 0;
	while (ox_step (st, &err) == OX_ROW) {
		int64_t id = ox_column_int64 (st, 0), bal = ox_column_int64 (st, 1);
		g_assert_true (id >= 1 && id <= BANK_ACCOUNTS);
		if (id < 1 || id > BANK_ACCOUNTS)
			continue;
		seen++;
		drift += bal - BANK_INITIAL;
		if (bal - BANK_INITIAL != net[id] && wrong++ == 0)
			FAIL ("account %" G_GINT64_FORMAT ": balance %" G_GINT64_FORMAT
			      ", committed transfers say %" G_GINT64_FORMAT " (lost update)",
			      id, bal, BANK_INITIAL + net[id]);
	}
	g_assert_cmpstr (err.sqlstate, ==, "");
	g_assert_cmpint (seen, ==, BANK_ACCOUNTS);
	g_assert_cmpint (wrong, ==, 0);
	g_assert_cmpint (drift, ==, 0);
	ox_finalize (st);

	for (int i = 0; i < BANK_TELLERS; i++) {
		g_free (tl[i].error);
		ox_session_free (tl[i].s);
	}
	g_free (au.error);
	ox_session_free (au.s);
	ox_session_free (s);
	ox_db_close (bank.db);
	ox_error_clear (&err);
	crew_clear (&bank.tellers);
}

/* ---- main -------------------------------------------------------------- */

#define ADD(path, fn, data) \
	g_test_add ("/engine/mvcc/" path, Fx, GINT_TO_POINTER (data), fx_setup, fn, fx_teardown)

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_set_nonfatal_assertions ();

	ADD ("snapshot/insert", test_snapshot_insert, 0);
	ADD ("snapshot/update", test_snapshot_update, 0);
	ADD ("snapshot/delete", test_snapshot_delete, 0);
	ADD ("snapshot/rollback", test_snapshot_rollback, 0);
	ADD ("snapshot/own-writes", test_snapshot_own_writes, 0);
	ADD ("snapshot/read-committed", test_snapshot_read_committed, 0);
	ADD ("snapshot/repeatable-read", test_snapshot_repeatable_read, 0);
	ADD ("snapshot/column-vectors", test_snapshot_column_vectors, 0);
	ADD ("snapshot/statement-atomic", test_snapshot_statement_atomic, 0);

	ADD ("txn/control", test_txn_control, 0);
	ADD ("txn/read-only", test_txn_read_only, 0);
	ADD ("txn/chain", test_txn_chain, 0);

	ADD ("savepoint/basic", test_savepoint_basic, 0);
	ADD ("savepoint/nested", test_savepoint_nested, 0);
	ADD ("savepoint/bulk-load", test_savepoint_bulk_load, 0);
	ADD ("savepoint/failed-block", test_savepoint_failed_block, 0);
	ADD ("savepoint/releases-rows", test_savepoint_releases_rows, 0);

	ADD ("conflict/repeatable-read/commit", test_conflict_commit, LEVEL_RR);
	ADD ("conflict/serializable/commit", test_conflict_commit, LEVEL_SER);
	ADD ("conflict/read-committed/rollback", test_conflict_rollback, LEVEL_RC);
	ADD ("conflict/repeatable-read/rollback", test_conflict_rollback, LEVEL_RR);
	ADD ("conflict/serializable/rollback", test_conflict_rollback, LEVEL_SER);
	ADD ("conflict/read-committed/recheck", test_conflict_read_committed, 0);
	ADD ("conflict/cancel", test_conflict_cancel, 0);
	ADD ("conflict/session-free", test_conflict_session_free, 0);

	ADD ("unique/insert-commit", test_unique_race, UQ_INSERT_COMMIT);
	ADD ("unique/insert-rollback", test_unique_race, UQ_INSERT_ROLLBACK);
	ADD ("unique/delete-commit", test_unique_race, UQ_DELETE_COMMIT);
	ADD ("unique/delete-rollback", test_unique_race, UQ_DELETE_ROLLBACK);
	ADD ("unique/update-commit", test_unique_race, UQ_UPDATE_COMMIT);

	ADD ("deadlock/two", test_deadlock, 0);
	ADD ("deadlock/three", test_deadlock_three, 0);
	ADD ("unique/stress", test_unique_stress, 0);

	ADD ("write-skew/serializable", test_write_skew, LEVEL_SER);
	ADD ("write-skew/repeatable-read", test_write_skew, LEVEL_RR);
	ADD ("write-skew/set-transaction", test_write_skew, LEVEL_SER_SET);
	ADD ("phantom/serializable", test_phantom, LEVEL_SER);
	ADD ("phantom/repeatable-read", test_phantom, LEVEL_RR);
	ADD ("serializable/disjoint", test_serializable_disjoint, 0);

	ADD ("ddl/create-table", test_ddl_create_table, 0);
	ADD ("ddl/create-race/commit", test_ddl_create_race, 1);
	ADD ("ddl/create-race/rollback", test_ddl_create_race, 0);
	ADD ("ddl/drop-table", test_ddl_drop_table, 0);
	ADD ("ddl/truncate", test_ddl_truncate, 0);
	ADD ("ddl/create-index", test_ddl_create_index, 0);
	ADD ("ddl/drop-vs-write", test_ddl_drop_vs_write, 0);
	ADD ("ddl/unique-index-concurrent", test_ddl_unique_index_concurrent, 0);

	g_test_add_data_func ("/engine/mvcc/bank/read-committed", GINT_TO_POINTER (LEVEL_RC), test_bank);
	g_test_add_data_func ("/engine/mvcc/bank/repeatable-read", GINT_TO_POINTER (LEVEL_RR), test_bank);
	g_test_add_data_func ("/engine/mvcc/bank/serializable", GINT_TO_POINTER (LEVEL_SER), test_bank);

	return g_test_run ();
}

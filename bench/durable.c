/*
 * durable.c — the durability workloads of oxibase-bench (issue 4).
 *
 *   commit_1, commit_4, commit_16
 *             N committers, each a thread with its own connection, each
 *             making p->n_commit / N single-row INSERTs in autocommit (so
 *             each INSERT is one transaction and one commit) into a fresh
 *             durable database: an Oxibase directory with
 *             synchronous_commit full against a WAL-mode SQLite file with
 *             synchronous=FULL, in the same directory on the same disk.
 *             The measure is commits a second, from the moment all
 *             committers are released to the moment the last one is done.
 *   recovery_1gib
 *             Oxibase only: ox_db_open of a directory whose log is about
 *             1 GiB (p->wal_bytes) and holds no checkpoint, i.e. the time
 *             to replay it.  SQLite has no counterpart (bench/README.md).
 *
 * NOTE: group commit is what commit_4 and commit_16 measure.  Oxibase
 * lets concurrent committers share one write and one fsync; SQLite has a
 * single writer at a time, so its other connections wait in the busy
 * handler (busy_timeout, engines.c) and every commit pays its own fsync.
 *
 * NOTE: everything here is measured on the wall clock, whatever
 * --cpu-time says: the point of a durable commit is the wait for the
 * disk, which no CPU clock sees.
 *
 * NOTE: the recovery log is built by a child process that exits with
 * _exit, without ox_db_close: a clean close writes a checkpoint (and then
 * removes the log it covers), after which an open would have nothing to
 * replay.  Each timed open is a further child for the same reason (it
 * must not close either, so that the next run finds the same log) and so
 * that it starts with an empty heap, as a restarted program does.
 */
#define G_LOG_DOMAIN "oxibase-bench"

#ifndef _GNU_SOURCE
#define _GNU_SOURCE  /* nftw, posix_fadvise */
#endif
#include "bench.h"

#include <oxibase.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* Arbitrary, fixed: recovery_1gib's rows. */
#define SEED_RECOVERY 0x6f78696261736534ull

/* Rows per transaction while building the recovery log: small enough
 * that the log holds many commit records (replay pays per record as well
 * as per row), large enough to build 1 GiB in a minute or two. */
#define RECOVERY_TXN_ROWS 100

static void
set_conn_error (BenchConn *c, char *msg)
{
	g_free (c->error);
	c->error = msg;
}

/* ---- removing what we made -------------------------------------------------------- */

static int
remove_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (remove (path) != 0 && errno != ENOENT)
		g_printerr ("oxibase-bench: cannot remove %s: %s\n", path, g_strerror (errno));
	return 0;
}

bool
bench_remove_tree (const char *path)
{
	if (g_file_test (path, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK) == FALSE)
		return true;
	/* FTW_DEPTH: a directory's entries before the directory; FTW_PHYS:
	 * never follow a symbolic link out of the tree. */
	return nftw (path, remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0;
}

BenchStart
bench_durable_start (const BenchParams *p, char **why)
{
	if (p->dir)
		return BENCH_START_GO;
	*why = g_strdup (p->no_dir ? p->no_dir : "no directory for durable databases");
	return BENCH_START_SKIP;
}

/* ---- commit_N ----------------------------------------------------------------------- */

/* Holds the committers until all are ready, so that the clock starts
 * when all N are committing, not while the last ones are still starting. */
typedef struct Gate {
	GMutex lock;
	GCond  cond;
	int    ready;  /* committers waiting */
	bool   open;
} Gate;

typedef struct Committer {
	BenchConn *conn;     /* its own connection: a session, or an sqlite3 */
	BenchStmt *insert;   /* prepared before the gate opens */
	int        index;    /* 0 .. n - 1 */
	int        n;        /* committers in the run */
	int64_t    count;    /* commits to make */
	Gate      *gate;
	gint64     end_us;   /* when its last commit returned */
	int64_t    changed;  /* rows its INSERTs reported */
	bool       ok;
} Committer;

static gpointer
committer_main (gpointer data)
{
	Committer *cm = data;
	Gate *g = cm->gate;
	g_mutex_lock (&g->lock);
	g->ready++;
	g_cond_broadcast (&g->cond);
	while (!g->open)
		g_cond_wait (&g->cond, &g->lock);
	g_mutex_unlock (&g->lock);
	cm->ok = true;
	for (int64_t i = 0; i < cm->count; i++) {
		/* Interleaved ids: the committers insert next to each other at
		 * the end of the key range, as concurrent users of a serial key
		 * do, rather than each in a region of its own. */
		int64_t id = i * cm->n + cm->index + 1;
		char note[32];
		snprintf (note, sizeof note, "commit-%010" PRId64, id);
		if (!bench_bind_int64 (cm->insert, 1, id) || !bench_bind_int64 (cm->insert, 2, cm->index)
		    || !bench_bind_text (cm->insert, 3, note) || bench_step (cm->insert) != BENCH_DONE) {
			cm->ok = false;
			break;
		}
		cm->changed += bench_changes (cm->insert);
		bench_reset (cm->insert);
	}
	cm->end_us = g_get_monotonic_time ();
	return NULL;
}

/* Run a query without parameters on c and fold its rows into res. */
static bool
fold_query (BenchConn *c, const char *sql, const char *kinds, BenchResult *res)
{
	BenchStmt *st = bench_prepare (c, sql);
	if (st == NULL)
		return false;
	BenchRc rc;
	while ((rc = bench_step (st)) == BENCH_ROW)
		bench_result_row (res, st, kinds);
	bench_finalize (st);
	return rc == BENCH_DONE;
}

static bool
commit_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res, int n)
{
	/* A fresh database per run and engine: a run must not find the
	 * previous run's rows (or its log) to work around. */
	g_autofree char *where = g_strdup_printf ("%s/commit_%d-%s-run%u", p->dir, n,
	                                          bench_engine_key (c->engine), run + 1);
	g_autofree char *path = c->engine == BENCH_SQLITE ? g_build_filename (where, "bench.db", NULL)
	                                                  : g_strdup (where);
	bench_remove_tree (where);
	if (c->engine == BENCH_SQLITE && g_mkdir_with_parents (where, 0700) != 0) {
		set_conn_error (c, g_strdup_printf ("cannot create %s: %s", where, g_strerror (errno)));
		return false;
	}
	char *msg = NULL;
	BenchConn *primary = bench_conn_open_durable (c->engine, path, &msg);
	if (primary == NULL) {
		set_conn_error (c, g_strdup_printf ("opening %s: %s", path, msg));
		g_free (msg);
		bench_remove_tree (where);
		return false;
	}
	bool ok = false;
	Gate gate = { .ready = 0 };
	g_mutex_init (&gate.lock);
	g_cond_init (&gate.cond);
	Committer *cms = g_new0 (Committer, n);
	GThread **threads = g_new0 (GThread *, n);
	int started = 0;
	int64_t per = MAX (p->n_commit / n, 1);

	if (!bench_exec (primary, "CREATE TABLE commits (id INTEGER PRIMARY KEY,"
	                          " committer INTEGER NOT NULL, note TEXT NOT NULL)")) {
		set_conn_error (c, g_strdup (bench_conn_error (primary)));
		goto out;
	}
	for (int i = 0; i < n; i++) {
		Committer *cm = &cms[i];
		cm->conn = bench_conn_another (primary, &msg);
		if (cm->conn == NULL) {
			set_conn_error (c, g_strdup_printf ("connection %d: %s", i + 1, msg));
			g_free (msg);
			goto out;
		}
		cm->insert = bench_prepare (cm->conn, "INSERT INTO commits VALUES ($1, $2, $3)");
		if (cm->insert == NULL) {
			set_conn_error (c, g_strdup (bench_conn_error (cm->conn)));
			goto out;
		}
		cm->index = i;
		cm->n = n;
		cm->count = per;
		cm->gate = &gate;
	}
	for (; started < n; started++) {
		g_autoptr (GError) gerr = NULL;
		threads[started] = g_thread_try_new ("committer", committer_main, &cms[started], &gerr);
		if (threads[started] == NULL) {
			set_conn_error (c, g_strdup_printf ("starting a committer thread: %s", gerr->message));
			break;
		}
	}
	g_mutex_lock (&gate.lock);
	while (gate.ready < started)
		g_cond_wait (&gate.cond, &gate.lock);
	gint64 t0 = g_get_monotonic_time ();
	gate.open = true;
	g_cond_broadcast (&gate.cond);
	g_mutex_unlock (&gate.lock);
	gint64 t1 = t0;
	for (int i = 0; i < started; i++) {
		g_thread_join (threads[i]);
		t1 = MAX (t1, cms[i].end_us);
	}
	if (started < n)
		goto out;
	int64_t changed = 0;
	for (int i = 0; i < n; i++) {
		if (!cms[i].ok) {
			set_conn_error (c, g_strdup_printf ("committer %d: %s", i + 1, bench_conn_error (cms[i].conn)));
			goto out;
		}
		changed += cms[i].changed;
	}
	/* Every commit must be there, once: count, and sums over the ids and
	 * committers, compared with the other engine's. */
	bench_result_int (res, changed);
	if (!fold_query (primary, "SELECT count(*), sum(id), sum(committer) FROM commits", "iii", res)) {
		set_conn_error (c, g_strdup (bench_conn_error (primary)));
		goto out;
	}
	res->value = (double) (per * n) / ((double) MAX (t1 - t0, 1) / G_USEC_PER_SEC);
	ok = true;
out:
	for (int i = 0; i < n; i++) {
		bench_finalize (cms[i].insert);
		bench_conn_close (cms[i].conn);
	}
	/* Closing writes Oxibase's shutdown checkpoint and SQLite's WAL
	 * checkpoint; both outside the clock. */
	bench_conn_close (primary);
	bench_remove_tree (where);
	g_free (threads);
	g_free (cms);
	g_mutex_clear (&gate.lock);
	g_cond_clear (&gate.cond);
	return ok;
}

bool
bench_commit_1_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	return commit_run (c, p, run, res, 1);
}

bool
bench_commit_4_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	return commit_run (c, p, run, res, 4);
}

bool
bench_commit_16_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	return commit_run (c, p, run, res, 16);
}

/* ---- recovery_1gib ---------------------------------------------------------------------- */

/* What the writer child built, for every run to check against. */
static struct {
	char    *dir;       /* the database directory, owned */
	uint64_t bytes;     /* the log: sum of the wal/ segment sizes */
	guint    segments;
	int64_t  rows;      /* rows of r, and the sum of r.amount */
	int64_t  sum;
	int64_t  commits;   /* transactions in the log */
	double   hwm_mib;   /* the last open child's peak RSS */
	double   engine_ms; /* the last open's replay time as ox_db_status says */
} rec;

/* Checkpoints never: the log must stay whole for every open to replay. */
static const OxDbOptions no_checkpoints = {
	.checkpoint_wal_size = UINT64_MAX,
	.checkpoint_interval = UINT32_MAX,
};

/* The size of DIR/wal's segments; *count their number. */
static uint64_t
wal_size (const char *dir, guint *count)
{
	g_autofree char *wal = g_build_filename (dir, "wal", NULL);
	GDir *d = g_dir_open (wal, 0, NULL);
	uint64_t total = 0;
	guint n = 0;
	if (d == NULL)
		return 0;
	const char *name;
	while ((name = g_dir_read_name (d)) != NULL) {
		if (!g_str_has_suffix (name, ".wal"))
			continue;
		g_autofree char *path = g_build_filename (wal, name, NULL);
		struct stat st;
		if (stat (path, &st) == 0) {
			total += (uint64_t) st.st_size;
			n++;
		}
	}
	g_dir_close (d);
	if (count)
		*count = n;
	return total;
}

/* Push DIR's files out of the page cache, so that each open reads the log
 * from the disk as an open after a power loss or a reboot does (after a
 * mere process crash the cache may still be warm: then replay is faster
 * than this).  fdatasync first: only clean pages can be dropped. */
static void
evict_tree (const char *dir)
{
	GDir *d = g_dir_open (dir, 0, NULL);
	if (d == NULL)
		return;
	const char *name;
	while ((name = g_dir_read_name (d)) != NULL) {
		g_autofree char *path = g_build_filename (dir, name, NULL);
		if (g_file_test (path, G_FILE_TEST_IS_DIR)) {
			evict_tree (path);
			continue;
		}
		int fd = open (path, O_RDONLY);
		if (fd < 0)
			continue;
		fdatasync (fd);
		posix_fadvise (fd, 0, 0, POSIX_FADV_DONTNEED);
		close (fd);
	}
	g_dir_close (d);
}

static void
recovery_row (int64_t id, int64_t *k, int64_t *grp, int64_t *amount, char *name, size_t size)
{
	uint64_t h = bench_mix64 (SEED_RECOVERY ^ (uint64_t) id);
	*k = (int64_t) (h % 1000000000);
	*grp = (int64_t) ((h >> 30) % 100);
	*amount = (int64_t) ((h >> 40) % 10000);
	snprintf (name, size, "name-%010u", (unsigned) (h >> 32));
}

static int
child_fail (const char *what, OxError *err)
{
	g_printerr ("%s: %s %s\n", what, err->sqlstate, err->message ? err->message : "");
	ox_error_clear (err);
	return 1;
}

int
bench_recovery_write_child (const char *dir, const BenchParams *p)
{
	OxError err = {0};
	OxDatabase *db = NULL;
	OxSession *s = NULL;
	OxStmt *st = NULL;
	/* off: the log's bytes are the same in every mode, and without an
	 * fsync per commit 1 GiB is built in a minute or two.  The last commit
	 * is made in full mode, which writes and fsyncs everything before it. */
	OxDbOptions opts = no_checkpoints;
	opts.synchronous_commit = "off";
	if (ox_db_open_with (dir, &opts, &db, &err) != OX_OK)
		return child_fail ("open", &err);
	if (ox_session_new (db, &s, &err) != OX_OK
	    || ox_exec (s, "CREATE TABLE r (id INTEGER PRIMARY KEY, k INTEGER NOT NULL,"
	                   " grp INTEGER NOT NULL, amount INTEGER NOT NULL, name TEXT NOT NULL);"
	                   " CREATE INDEX r_k ON r (k)", &err) != OX_OK
	    || ox_prepare (s, "INSERT INTO r VALUES ($1, $2, $3, $4, $5)", -1, &st, NULL, &err) != OX_OK)
		return child_fail ("create", &err);
	int64_t id = 0, sum = 0, commits = 0;
	/* One more transaction after the log reached its size: the last
	 * commit, made durable in full mode. */
	for (bool last = false;; ) {
		if (last && ox_exec (s, "SET synchronous_commit = full", &err) != OX_OK)
			return child_fail ("set", &err);
		if (ox_exec (s, "BEGIN", &err) != OX_OK)
			return child_fail ("begin", &err);
		for (int i = 0; i < RECOVERY_TXN_ROWS; i++) {
			int64_t k, grp, amount;
			char name[32];
			recovery_row (++id, &k, &grp, &amount, name, sizeof name);
			if (ox_bind_int64 (st, 1, id, &err) != OX_OK || ox_bind_int64 (st, 2, k, &err) != OX_OK
			    || ox_bind_int64 (st, 3, grp, &err) != OX_OK
			    || ox_bind_int64 (st, 4, amount, &err) != OX_OK
			    || ox_bind_text (st, 5, name, -1, &err) != OX_OK || ox_step (st, &err) != OX_DONE)
				return child_fail ("insert", &err);
			ox_reset (st);
			sum += amount;
		}
		if (ox_exec (s, "COMMIT", &err) != OX_OK)
			return child_fail ("commit", &err);
		commits++;
		if (last)
			break;
		/* Listing wal/ is cheap next to 64 transactions of 100 rows. */
		if (commits % 64 == 0 && wal_size (dir, NULL) >= p->wal_bytes)
			last = true;
	}
	printf ("rows=%" PRId64 " sum=%" PRId64 " commits=%" PRId64 "\n", id, sum, commits);
	fflush (stdout);
	/* No ox_finalize, ox_session_free or ox_db_close: see the NOTE at the top. */
	_exit (0);
}

int
bench_recovery_open_child (const char *dir)
{
	OxError err = {0};
	OxDatabase *db = NULL;
	OxSession *s = NULL;
	OxStmt *st = NULL;
	OxDbOptions opts = no_checkpoints;
	opts.synchronous_commit = "full";
	gint64 t0 = g_get_monotonic_time ();
	if (ox_db_open_with (dir, &opts, &db, &err) != OX_OK)
		return child_fail ("open", &err);
	gint64 t1 = g_get_monotonic_time ();
	/* The engine's own replay time, for the README's cross-check. */
	char *status = ox_db_status (db);
	double engine_ms = -1;
	const char *at = status ? strstr (status, " records in ") : NULL;
	if (at)
		engine_ms = g_ascii_strtod (at + strlen (" records in "), NULL);
	ox_free (status);
	if (ox_session_new (db, &s, &err) != OX_OK
	    || ox_prepare (s, "SELECT count(*), sum(amount) FROM r", -1, &st, NULL, &err) != OX_OK
	    || ox_step (st, &err) != OX_ROW)
		return child_fail ("count", &err);
	printf ("open_us=%" G_GINT64_FORMAT " rows=%" PRId64 " sum=%" PRId64 " engine_ms=%.3f hwm_kib=%ld\n",
	        t1 - t0, ox_column_int64 (st, 0), ox_column_int64 (st, 1), engine_ms, bench_peak_rss_kib ());
	fflush (stdout);
	_exit (0);
}

/* Run this program again as `--recovery-write DIR` or `--recovery-open
 * DIR`; *out receives its line.  False with c's error set on failure. */
static bool
spawn_child (const char *mode, const char *dir, const BenchParams *p, char **out, char **error)
{
	char gib[G_ASCII_DTOSTR_BUF_SIZE];
	g_ascii_dtostr (gib, sizeof gib, (double) p->wal_bytes / (1u << 30));
	/* /proc/self/exe: this very binary, wherever it was started from. */
	const char *argv[] = { "/proc/self/exe", mode, dir, "--wal-gib", gib, NULL };
	g_autofree char *err = NULL;
	g_autoptr (GError) gerr = NULL;
	int status = 0;
	if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, &err, &status,
	                   &gerr)
	    || !g_spawn_check_wait_status (status, &gerr)) {
		*error = g_strdup_printf ("%s child: %s\n%s", mode, gerr->message, err ? err : "");
		return false;
	}
	return true;
}

BenchStart
bench_recovery_start (const BenchParams *p, char **why)
{
	if (!p->dir) {
		*why = g_strdup (p->no_dir ? p->no_dir : "no directory for durable databases");
		return BENCH_START_SKIP;
	}
	/* The log, the database in the page cache as it is built, and room for
	 * whatever else the machine's users are writing. */
	uint64_t need = MAX ((uint64_t) 3 << 30, 3 * p->wal_bytes);
	struct statvfs vfs;
	if (statvfs (p->dir, &vfs) == 0 && (uint64_t) vfs.f_bavail * vfs.f_frsize < need) {
		*why = g_strdup_printf ("%.1f GiB free in %s, and a %.2f GiB log needs %.1f GiB",
		                        (double) vfs.f_bavail * vfs.f_frsize / (1u << 30), p->dir,
		                        (double) p->wal_bytes / (1u << 30), (double) need / (1u << 30));
		return BENCH_START_SKIP;
	}
	memset (&rec, 0, sizeof rec);
	rec.dir = g_build_filename (p->dir, "recovery", NULL);
	g_printerr ("%-18s building a %.2f GiB log (untimed) ...", "recovery_1gib",
	            (double) p->wal_bytes / (1u << 30));
	gint64 t0 = g_get_monotonic_time ();
	g_autofree char *out = NULL;
	if (!spawn_child ("--recovery-write", rec.dir, p, &out, why))
		return BENCH_START_FAIL;
	if (sscanf (out, "rows=%" SCNd64 " sum=%" SCNd64 " commits=%" SCNd64, &rec.rows, &rec.sum,
	            &rec.commits) != 3) {
		*why = g_strdup_printf ("the log writer printed: %s", out);
		return BENCH_START_FAIL;
	}
	rec.bytes = wal_size (rec.dir, &rec.segments);
	g_printerr (" %.1f s: %" PRIu64 " bytes in %u segments, %" PRId64 " commits, %" PRId64 " rows\n",
	            (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC, rec.bytes, rec.segments,
	            rec.commits, rec.rows);
	return BENCH_START_GO;
}

bool
bench_recovery_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	evict_tree (rec.dir);
	g_autofree char *out = NULL;
	char *msg = NULL;
	if (!spawn_child ("--recovery-open", rec.dir, p, &out, &msg)) {
		set_conn_error (c, msg);
		return false;
	}
	gint64 us = 0;
	int64_t rows = 0, sum = 0;
	double engine_ms = 0;
	long hwm = 0;
	if (sscanf (out, "open_us=%" G_GINT64_FORMAT " rows=%" SCNd64 " sum=%" SCNd64
	            " engine_ms=%lf hwm_kib=%ld", &us, &rows, &sum, &engine_ms, &hwm) != 5) {
		set_conn_error (c, g_strdup_printf ("the open child printed: %s", out));
		return false;
	}
	/* There is no other engine to agree with: the replayed table must hold
	 * exactly what the writer committed. */
	if (rows != rec.rows || sum != rec.sum) {
		set_conn_error (c, g_strdup_printf ("replay lost or invented rows: count %" PRId64 " sum %"
		                                    PRId64 ", but the writer committed %" PRId64 " rows"
		                                    " summing to %" PRId64, rows, sum, rec.rows, rec.sum));
		return false;
	}
	bench_result_int (res, rows);
	bench_result_int (res, sum);
	res->value = (double) us / G_USEC_PER_SEC;
	rec.hwm_mib = (double) hwm / 1024.0;
	rec.engine_ms = engine_ms;
	return true;
}

void
bench_recovery_finish (const BenchParams *p)
{
	if (rec.dir)
		bench_remove_tree (rec.dir);
	g_clear_pointer (&rec.dir, g_free);
}

char *
bench_recovery_describe (const BenchParams *p, double median)
{
	return g_strdup_printf ("recovery_1gib: a %.2f GiB log (%.0f MB in %u segment%s; %" PRId64
	                        " commits of %d rows, %" PRId64 " rows in a table with a primary key"
	                        " and one index), page cache dropped before each open: median %.2f s"
	                        " = %.0f MB/s; the open child's peak RSS %.0f MiB; the engine's own"
	                        " replay figure (ox_db_status) %.2f s in the last run",
	                        (double) rec.bytes / (1u << 30), (double) rec.bytes / 1e6, rec.segments,
	                        rec.segments == 1 ? "" : "s", rec.commits, RECOVERY_TXN_ROWS, rec.rows, median,
	                        median > 0 ? (double) rec.bytes / 1e6 / median : 0.0, rec.hwm_mib,
	                        rec.engine_ms / 1000.0);
}

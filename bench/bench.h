/*
 * bench.h — the pieces of oxibase-bench that its files share.
 *
 *   engines.c    a tiny driver interface over oxibase.h, sqlite3.h and libpq
 *   pg-server.c  the throwaway PostgreSQL 15 server the libpq driver talks to
 *   tpch-gen.c   the deterministic TPC-H lineitem generator
 *   workloads.c  the data sets and the workloads of issue 3, and the
 *                routine workloads (PL/pgSQL on Oxibase and PostgreSQL)
 *   durable.c    the durability workloads of issue 4: concurrent commits
 *                against a database directory and a WAL-mode SQLite file,
 *                and recovery of a large write-ahead log
 *   bench-main.c options, the alternating runs, agreement checks, output
 *
 * A workload is written once against BenchConn/BenchStmt; the same calls
 * run it on every engine, so all sides see the same statements, the
 * same bound values and the same transaction boundaries.
 *
 * NOTE: nothing here may include an engine-internal header: Oxibase is
 * reached only through engine/oxibase.h, as any embedding program would.
 */
#ifndef OXIBASE_BENCH_H
#define OXIBASE_BENCH_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* ---- engines (engines.c) -------------------------------------------------- */

typedef enum BenchEngine {
	BENCH_OXIBASE = 0,
	BENCH_SQLITE  = 1,
	BENCH_POSTGRES = 2,  /* a PostgreSQL 15 server of our own, over libpq */
	BENCH_N_ENGINES
} BenchEngine;

typedef enum BenchRc {
	BENCH_ROW,    /* a row is ready for bench_column_* */
	BENCH_DONE,   /* the statement finished */
	BENCH_ERROR   /* failed; bench_conn_error says why */
} BenchRc;

typedef struct BenchDriver BenchDriver;

/* One connection to a database of one engine: a private :memory: one
 * (bench_conn_open), or a durable one on disk (bench_conn_open_durable)
 * that several connections share (bench_conn_another). */
typedef struct BenchConn {
	const BenchDriver *drv;     /* the engine's vtable (engines.c) */
	BenchEngine        engine;  /* which engine drv is */
	void              *db;      /* the engine's database handle (OxDatabase,
	                               sqlite3, PGconn); owned unless shares_db */
	void              *session; /* Oxibase's session, owned; NULL for SQLite */
	char              *path;    /* the durable database's directory or
	                               file, owned; NULL for :memory: */
	bool               shares_db; /* Oxibase: db belongs to the connection
	                               this one came from, which must be
	                               closed last */
	char              *error;   /* last failure: the SQL and the engine's
	                               message; NULL when none; owned */
	guint              datasets; /* BENCH_DS_* bits loaded (workloads.c) */
} BenchConn;

/* A prepared statement of one BenchConn. */
typedef struct BenchStmt {
	BenchConn *conn;   /* the connection it was prepared on (not owned) */
	void      *handle; /* OxStmt*, sqlite3_stmt* or engines.c's PgStmt*, owned */
	char      *sql;    /* the text as the harness wrote it ($n), owned */
} BenchStmt;

const char *bench_engine_name (BenchEngine e);   /* "Oxibase", "SQLite", "PostgreSQL" */
const char *bench_engine_key (BenchEngine e);    /* "oxibase", "sqlite", "postgresql" */
/* PostgreSQL's is the server's, known once a connection was made. */
const char *bench_engine_version (BenchEngine e);

/* Open a private :memory: database, or for PostgreSQL a connection to the
 * server bench_pg_start made.  NULL on failure, with *error set (free
 * with g_free). */
BenchConn  *bench_conn_open (BenchEngine e, char **error);
/* Open a durable database at path (created if missing), commits durable
 * before they return: for Oxibase the directory path, synchronous_commit
 * full; for SQLite the file path in WAL mode with synchronous=FULL and a
 * busy timeout, so that its connections queue for the write lock instead
 * of failing.  NULL on failure, with *error set.  PostgreSQL has none
 * (its server runs with fsync off): always NULL. */
BenchConn  *bench_conn_open_durable (BenchEngine e, const char *path, char **error);
/* Another connection to c's durable database: a new session on the same
 * OxDatabase, or a new SQLite connection to the same file set up as
 * bench_conn_open_durable's.  Close it before c. */
BenchConn  *bench_conn_another (BenchConn *c, char **error);
void        bench_conn_close (BenchConn *c);
const char *bench_conn_error (BenchConn *c);

/* Run one statement without parameters, discarding any rows. */
bool        bench_exec (BenchConn *c, const char *sql);
/* Prepare one statement written with $1, $2 ... parameters.  NULL on error. */
BenchStmt  *bench_prepare (BenchConn *c, const char *sql);
bool        bench_bind_int64 (BenchStmt *st, int idx, int64_t v);
bool        bench_bind_text (BenchStmt *st, int idx, const char *v);
/* A NUMERIC(12,2) value given in hundredths: exact text on Oxibase and
 * PostgreSQL, the nearest double on SQLite (bench/README.md, "Types"). */
bool        bench_bind_cents (BenchStmt *st, int idx, int64_t cents);
BenchRc     bench_step (BenchStmt *st);
/* Rows changed by the last INSERT/UPDATE/DELETE run of st. */
int64_t     bench_changes (BenchStmt *st);
/* Make st ready for new bindings; call after its last step. */
void        bench_reset (BenchStmt *st);
void        bench_finalize (BenchStmt *st);
int64_t     bench_column_int64 (BenchStmt *st, int col);
double      bench_column_double (BenchStmt *st, int col);
const char *bench_column_text (BenchStmt *st, int col);

/* ---- results and their agreement (bench-main.c) --------------------------- */

/* What one run of a workload produced, reduced so that the engines'
 * answers can be compared without keeping them. */
typedef struct BenchResult {
	int64_t  rows;     /* rows returned, or rows changed by DML */
	uint64_t hash;     /* exact columns (integers, text) folded in */
	double   dsum;     /* approximate columns (avg, NUMERIC, REAL) summed */
	bool     ordered;  /* row order counts (the query has an ORDER BY) */
	double   value;    /* self-measured workloads: the measure; else 0 */
} BenchResult;

/* Fold the current row of st into r.  kinds has one letter per column:
 * 'i' integer (exact), 't' text (exact), 'd' a number compared with a
 * relative tolerance (NUMERIC on one side is REAL on the other). */
void bench_result_row (BenchResult *r, BenchStmt *st, const char *kinds);
/* Fold an exact integer (a DML row count, say) into r. */
void bench_result_int (BenchResult *r, int64_t v);
/* True when a and b agree; otherwise *why (free with g_free) says how not. */
bool bench_result_agree (const BenchResult *a, const BenchResult *b, char **why);

/* ---- deterministic randomness ---------------------------------------------- */

/* splitmix64: tiny, fast and the same on every platform and GLib version,
 * which GRand does not promise.  Seeds are constants in workloads.c. */
static inline uint64_t
bench_mix64 (uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

typedef struct BenchRng {
	uint64_t state;
} BenchRng;

static inline uint64_t
bench_rng_next (BenchRng *r)
{
	r->state += 0x9e3779b97f4a7c15ull;
	uint64_t x = r->state;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Uniform in [lo, hi] (hi - lo far below 2^64, so the modulo bias is
 * negligible and, more to the point, deterministic). */
static inline int64_t
bench_rng_range (BenchRng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t) (bench_rng_next (r) % (uint64_t) (hi - lo + 1));
}

/* ---- TPC-H lineitem (tpch-gen.c) -------------------------------------------- */

/* One lineitem row.  Money is in hundredths, dates in days since
 * 1970-01-01 (the generator never leaves 1992..1998). */
typedef struct BenchLineitem {
	int64_t     orderkey;
	int64_t     partkey;
	int64_t     suppkey;
	int         linenumber;      /* 1..7 within the order */
	int64_t     quantity;        /* 1..50, whole units */
	int64_t     extendedprice;   /* cents: quantity * the part's retail price */
	int         discount;        /* cents: 0..10, i.e. 0.00..0.10 */
	int         tax;             /* cents: 0..8 */
	char        returnflag;      /* 'R', 'A' or 'N' */
	char        linestatus;      /* 'O' or 'F' */
	int32_t     shipdate;
	int32_t     commitdate;
	int32_t     receiptdate;
	const char *shipinstruct;    /* static string */
	const char *shipmode;        /* static string */
	char        comment[48];     /* 10..43 characters */
} BenchLineitem;

typedef struct BenchLineitemGen {
	BenchRng rng;        /* the one stream every value is drawn from */
	int64_t  remaining;  /* rows still to produce */
	int64_t  orderkey;   /* current order, dbgen's sparse keys */
	int      lines_left; /* lines of the current order still to produce */
	int      linenumber; /* last line number produced in the order */
	int32_t  orderdate;  /* of the current order */
	int64_t  n_parts;    /* partkey range: 200,000 per scale factor */
	int64_t  n_supps;    /* suppkey range: 10,000 per scale factor */
} BenchLineitemGen;

void bench_lineitem_gen_init (BenchLineitemGen *g, int64_t rows, uint64_t seed);
/* Produce the next row into *out; false when all rows were produced. */
bool bench_lineitem_gen_next (BenchLineitemGen *g, BenchLineitem *out);
/* days since 1970-01-01 → "YYYY-MM-DD" (buf of 11 bytes at least) */
void bench_date_format (int32_t days, char *buf);
/* The inverse, for the generator's constants. */
int32_t bench_date_days (int y, int m, int d);

/* ---- workloads (workloads.c) ------------------------------------------------ */

/* Row counts, all scaled by --scale from the numbers. */
typedef struct BenchParams {
	double  scale;
	int64_t n_t;        /* rows of t (1,000,000): bulk load and most reads */
	int64_t n_d;        /* rows of d (100,000): the join's small side */
	int64_t n_insert;   /* autocommit inserts (100,000) */
	int64_t n_point;    /* point selects (1,000,000) */
	int64_t n_range;    /* range scans (1,000), each over n_t / 10 ids */
	int64_t n_update;   /* updates by primary key (100,000) */
	int64_t n_lookup;   /* secondary index lookups (100,000) */
	int64_t n_lineitem; /* lineitem rows (600,000) */
	int64_t n_loop;     /* additions of plsql_loop (10,000,000) */
	int64_t n_proc;     /* rows plsql_insert_proc inserts (100,000) */
	int64_t n_commit;   /* commits per run of each commit_N workload,
	                       shared among its N committers (10,000) */
	uint64_t wal_bytes; /* size of recovery_1gib's log (1 GiB × --wal-gib,
	                       or × --scale when --wal-gib is not given) */
	const char *dir;    /* where durable workloads make their databases
	                       (a private temporary directory), or NULL */
	const char *no_dir; /* when dir is NULL: why (durable workloads are
	                       then skipped) */
} BenchParams;

void bench_params_init (BenchParams *p, double scale);

/* Data sets a workload may need already loaded (BenchConn.datasets). */
enum {
	BENCH_DS_T        = 1 << 0,  /* t: n_t rows, primary key and index on k */
	BENCH_DS_D        = 1 << 1,  /* d: n_d rows, primary key */
	BENCH_DS_LINEITEM = 1 << 2,  /* lineitem: n_lineitem rows */
};

/* BenchWorkload.flags */
enum {
	/* On disk (durable.c): run by --durable, printed in the second table. */
	BENCH_W_DURABLE       = 1 << 0,
	/* Neither SQLite nor PostgreSQL has a counterpart: their columns and
	 * the ratios print "n/a". */
	BENCH_W_OXIBASE_ONLY  = 1 << 1,
	/* A rate: the ratio is Oxibase / SQLite (above 1, Oxibase ahead), the
	 * inverse of the time ratios. */
	BENCH_W_HIGHER_BETTER = 1 << 2,
	/* Stored routines: Oxibase and PostgreSQL, always; SQLite has none
	 * ("n/a").  The other in-memory workloads run on PostgreSQL only
	 * with --postgres (bench-main.c says why). */
	BENCH_W_ROUTINE       = 1 << 3,
	/* Not on PostgreSQL even with --postgres ("n/a"): memory measures the
	 * harness's own process, where a server's memory is not. */
	BENCH_W_NO_POSTGRES   = 1 << 4,
};

/* What a workload's start hook decided. */
typedef enum BenchStart {
	BENCH_START_GO,    /* run it */
	BENCH_START_SKIP,  /* cannot run here (no disk space, tmpfs); not a failure */
	BENCH_START_FAIL   /* an engine failed while preparing */
} BenchStart;

typedef struct BenchWorkload {
	const char *name;   /* --only NAME, the JSON key */
	const char *title;  /* the table's row label */
	const char *unit;   /* "ms" (timed by the harness); otherwise the
	                       workload measures itself: "MiB", "c/s" (commits
	                       a second), "s" */
	guint       needs;  /* BENCH_DS_* that must be loaded before a run */
	guint       leaves; /* BENCH_DS_* a successful run leaves loaded */
	/* Untimed preparation before each run (NULL: none); it clears the
	 * BenchConn.datasets bits of whatever it drops. */
	bool (*before) (BenchConn *c, const BenchParams *p, guint run);
	/* The measured part.  For unit "ms" the harness times this call;
	 * otherwise it stores its measure in res->value. */
	bool (*run) (BenchConn *c, const BenchParams *p, guint run, BenchResult *res);
	/* Untimed check of the state a run left, folded into res (NULL: none). */
	bool (*verify) (BenchConn *c, const BenchParams *p, guint run, BenchResult *res);
	guint flags;        /* BENCH_W_* */
	/* Once before the first run (NULL: none): builds what every run
	 * reads (recovery_1gib's log).  SKIP or FAIL leave *why (owned). */
	BenchStart (*start) (const BenchParams *p, char **why);
	/* Once after the last run, whatever happened (NULL: none). */
	void (*finish) (const BenchParams *p);
	/* A line for under the table, given the Oxibase median (NULL: none);
	 * newly allocated. */
	char *(*describe) (const BenchParams *p, double median);
} BenchWorkload;

extern const BenchWorkload bench_workloads[];
extern const guint         bench_n_workloads;

/* Load every data set in need that c lacks (dropping the loaded ones not
 * in need first, to keep memory down).  False on failure (see c->error). */
bool bench_datasets_ensure (BenchConn *c, const BenchParams *p, guint need);

/* The body of `oxibase-bench --memory-child ENGINE`: load t and print the
 * peak RSS on stdout (see the memory workload in workloads.c). */
int  bench_memory_child (BenchEngine e, const BenchParams *p);
/* The process's peak RSS (VmHWM) in KiB. */
long bench_peak_rss_kib (void);

/* ---- durable workloads (durable.c) ------------------------------------------- */

/* Their entries in bench_workloads[] (workloads.c lists them last). */
bool       bench_commit_1_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res);
bool       bench_commit_4_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res);
bool       bench_commit_16_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res);
BenchStart bench_durable_start (const BenchParams *p, char **why);
BenchStart bench_recovery_start (const BenchParams *p, char **why);
bool       bench_recovery_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res);
void       bench_recovery_finish (const BenchParams *p);
char      *bench_recovery_describe (const BenchParams *p, double median);

/* The bodies of `oxibase-bench --recovery-write DIR` (build the log, then
 * leave without closing the database) and `--recovery-open DIR` (time the
 * open that replays it); each prints one line for the parent. */
int  bench_recovery_write_child (const char *dir, const BenchParams *p);
int  bench_recovery_open_child (const char *dir);

/* Remove path and everything under it (no error if it is not there). */
bool bench_remove_tree (const char *path);

/* ---- the PostgreSQL server (pg-server.c) -------------------------------------- */

/* initdb a private cluster in a new temporary directory and start it from
 * bindir's binaries; false, with *why set (owned), when that cannot be
 * done here (binaries missing, initdb or pg_ctl failed).  Call it before
 * opening any database: it forks (pg-server.c says why that matters). */
bool        bench_pg_start (const char *bindir, char **why);
/* The libpq connection string of the running server; NULL when none. */
const char *bench_pg_conninfo (void);
/* One line on where and how the server runs, newly allocated; NULL when
 * none runs. */
char       *bench_pg_describe (void);
/* Stop the server and remove its directory; waits until both are done.
 * Nothing when no server runs. */
void        bench_pg_stop (void);

#endif

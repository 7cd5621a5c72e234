/*
 * workloads.c — the data sets and the workloads of oxibase-bench (issue 3),
 * and the routine workloads.
 *
 * Three data sets, each loaded by prepared INSERTs in one transaction:
 *
 *   t         n_t rows: id INTEGER PRIMARY KEY, k (a permutation of
 *             0..n_t-1, secondary index t_k), grp (0..99), amount
 *             (0..9999), d_id (1..n_d), name (text of 15 characters)
 *   d         n_d rows: id INTEGER PRIMARY KEY, region (0..99), label
 *   lineitem  n_lineitem rows of TPC-H's lineitem (tpch-gen.c)
 *
 * Every value of t and d is a function of the row's id and a constant
 * seed, and every random key a workload draws comes from a stream seeded
 * by the workload and the run number, so both engines get exactly the
 * same data and the same keys in the same order.
 *
 * The DDL is the same text on both engines except for lineitem, whose
 * NUMERIC(12,2) and DATE columns are REAL and TEXT on SQLite (README,
 * "Types").  INTEGER PRIMARY KEY is deliberate: it is PostgreSQL's int4
 * key for us and SQLite's rowid alias, each engine's natural best.
 *
 * NOTE: workloads run in a fixed order on one database per engine, and
 * later ones see what earlier ones left: update_pk changes t.amount, so
 * index_lookup (after it) reads updated amounts.  That is harmless, since
 * both engines ran the same updates, but the answers of a full run and of
 * `--only index_lookup` differ.
 *
 * The routine workloads (plsql_loop, plsql_insert_proc) create a
 * PL/pgSQL function or procedure and call it once; Oxibase accepts
 * LANGUAGE plpgsql, so the CREATE text is the same on Oxibase and
 * PostgreSQL.  SQLite has no stored routines.
 *
 * NOTE: PostgreSQL runs without autovacuum (pg-server.c), so that no
 * vacuum or analyze starts in the middle of another engine's run.  What
 * autovacuum would have done is done here, outside the clock: ANALYZE
 * after every load (its planner would otherwise guess without
 * statistics) and VACUUM ANALYZE after update_pk's run (whose 100,000
 * dead row versions the later workloads would otherwise wade through).
 *
 * NOTE: a workload must fold what it reads into its BenchResult: a
 * statement whose rows are never read may be skipped by a clever engine,
 * and a wrong answer must not pass for a fast one.
 */
#define G_LOG_DOMAIN "oxibase-bench"

#include "bench.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* Seeds: arbitrary, fixed forever (bench/README.md's figures depend on them). */
#define SEED_T        0x6f78696261736531ull
#define SEED_D        0x6f78696261736532ull
#define SEED_LINEITEM 0x6f78696261736533ull
#define SEED_POINT    0x1000
#define SEED_RANGE    0x2000
#define SEED_UPDATE   0x3000
#define SEED_LOOKUP   0x4000

static int64_t
scaled (double n, double scale, int64_t min)
{
	return MAX ((int64_t) (n * scale + 0.5), min);
}

void
bench_params_init (BenchParams *p, double scale)
{
	memset (p, 0, sizeof *p);
	p->scale = scale;
	/* At least 1000 rows in t, so that its 100 groups and 10% ranges mean
	 * something even at --scale 0.0001. */
	p->n_t = scaled (1000000, scale, 1000);
	p->n_d = scaled (100000, scale, 100);
	p->n_insert = scaled (100000, scale, 1);
	p->n_point = scaled (1000000, scale, 1);
	p->n_range = scaled (1000, scale, 1);
	p->n_update = scaled (100000, scale, 1);
	p->n_lookup = scaled (100000, scale, 1);
	p->n_lineitem = scaled (600000, scale, 1);
	p->n_loop = scaled (10000000, scale, 1);
	p->n_proc = scaled (100000, scale, 1);
	/* At least 16, so that each of commit_16's committers commits. */
	p->n_commit = scaled (10000, scale, 16);
	/* --scale alone must stay a quick try (bench-main.c's --wal-gib
	 * overrides this); at least 1 MiB, a few segments' worth of records
	 * being beside the point. */
	p->wal_bytes = (uint64_t) MAX ((double) (1u << 30) * scale, (double) (1u << 20));
}

/* ---- t and d ------------------------------------------------------------------- */

typedef struct TRow {
	int64_t id, k, grp, amount, d_id;
	char    name[24];
} TRow;

/* k is (id - 1) * P mod n_t for a prime P > n_t: a permutation of
 * 0..n_t-1 (P and n_t are coprime) that scatters neighbouring ids, so the
 * secondary index is filled in random key order, as real ones are. */
static int64_t
k_prime (int64_t n)
{
	for (int64_t c = n + 1;; c++) {
		bool prime = c > 1;
		for (int64_t d = 2; d * d <= c && prime; d++)
			prime = c % d != 0;
		if (prime)
			return c;
	}
}

static void
t_row (const BenchParams *p, int64_t prime, int64_t id, TRow *r)
{
	uint64_t h = bench_mix64 (SEED_T ^ (uint64_t) id);
	r->id = id;
	r->k = (int64_t) (((uint64_t) (id - 1) * (uint64_t) prime) % (uint64_t) p->n_t);
	r->grp = (int64_t) (h % 100);
	r->amount = (int64_t) ((h >> 8) % 10000);
	r->d_id = (int64_t) ((h >> 24) % (uint64_t) p->n_d) + 1;
	snprintf (r->name, sizeof r->name, "name-%010u", (unsigned) (h >> 32));
}

static const char T_COLUMNS[] =
	" (id INTEGER PRIMARY KEY, k INTEGER NOT NULL, grp INTEGER NOT NULL,"
	" amount INTEGER NOT NULL, d_id INTEGER NOT NULL, name TEXT NOT NULL)";

/* Undo whatever a failed sequence left open.  ROLLBACK outside a
 * transaction is a warning on Oxibase and an error on SQLite; both are
 * fine here, and the error text of the real failure must survive. */
static void
rollback_quietly (BenchConn *c)
{
	char *keep = c->error;
	c->error = NULL;
	bench_exec (c, "ROLLBACK");
	g_free (c->error);
	c->error = keep;
}

/* Create table `name` shaped like t (with its index on k) and fill it
 * with rows 1..n in one transaction. */
static bool
load_t_like (BenchConn *c, const BenchParams *p, const char *name, int64_t n)
{
	g_autofree char *drop = g_strdup_printf ("DROP TABLE IF EXISTS %s", name);
	g_autofree char *create = g_strdup_printf ("CREATE TABLE %s%s", name, T_COLUMNS);
	g_autofree char *index = g_strdup_printf ("CREATE INDEX %s_k ON %s (k)", name, name);
	g_autofree char *insert = g_strdup_printf ("INSERT INTO %s VALUES ($1, $2, $3, $4, $5, $6)", name);
	if (!bench_exec (c, drop) || !bench_exec (c, create) || !bench_exec (c, index))
		return false;
	if (!bench_exec (c, "BEGIN"))
		return false;
	BenchStmt *st = bench_prepare (c, insert);
	if (st == NULL)
		goto fail;
	int64_t prime = k_prime (p->n_t);
	for (int64_t id = 1; id <= n; id++) {
		TRow r;
		t_row (p, prime, id, &r);
		if (!bench_bind_int64 (st, 1, r.id) || !bench_bind_int64 (st, 2, r.k)
		    || !bench_bind_int64 (st, 3, r.grp) || !bench_bind_int64 (st, 4, r.amount)
		    || !bench_bind_int64 (st, 5, r.d_id) || !bench_bind_text (st, 6, r.name)
		    || bench_step (st) != BENCH_DONE)
			goto fail;
		bench_reset (st);
	}
	bench_finalize (st);
	return bench_exec (c, "COMMIT");
fail:
	bench_finalize (st);
	rollback_quietly (c);
	return false;
}

static bool
load_d (BenchConn *c, const BenchParams *p)
{
	if (!bench_exec (c, "DROP TABLE IF EXISTS d")
	    || !bench_exec (c, "CREATE TABLE d (id INTEGER PRIMARY KEY, region INTEGER NOT NULL,"
	                       " label TEXT NOT NULL)")
	    || !bench_exec (c, "BEGIN"))
		return false;
	BenchStmt *st = bench_prepare (c, "INSERT INTO d VALUES ($1, $2, $3)");
	if (st == NULL)
		goto fail;
	for (int64_t id = 1; id <= p->n_d; id++) {
		uint64_t h = bench_mix64 (SEED_D ^ (uint64_t) id);
		char label[24];
		snprintf (label, sizeof label, "region-%u", (unsigned) (h >> 40));
		if (!bench_bind_int64 (st, 1, id) || !bench_bind_int64 (st, 2, (int64_t) (h % 100))
		    || !bench_bind_text (st, 3, label) || bench_step (st) != BENCH_DONE)
			goto fail;
		bench_reset (st);
	}
	bench_finalize (st);
	return bench_exec (c, "COMMIT");
fail:
	bench_finalize (st);
	rollback_quietly (c);
	return false;
}

/* ---- lineitem ------------------------------------------------------------------ */

/* TPC-H's column types (spec 1.4.1, identifiers as INTEGER), on Oxibase
 * and PostgreSQL.  No primary
 * key: Q1 and Q6 scan the whole table, and an index would only slow the
 * (untimed) load. */
static const char LINEITEM_OX[] =
	"CREATE TABLE lineitem ("
	" l_orderkey INTEGER NOT NULL, l_partkey INTEGER NOT NULL,"
	" l_suppkey INTEGER NOT NULL, l_linenumber INTEGER NOT NULL,"
	" l_quantity NUMERIC(12,2) NOT NULL, l_extendedprice NUMERIC(12,2) NOT NULL,"
	" l_discount NUMERIC(12,2) NOT NULL, l_tax NUMERIC(12,2) NOT NULL,"
	" l_returnflag CHAR(1) NOT NULL, l_linestatus CHAR(1) NOT NULL,"
	" l_shipdate DATE NOT NULL, l_commitdate DATE NOT NULL, l_receiptdate DATE NOT NULL,"
	" l_shipinstruct CHAR(25) NOT NULL, l_shipmode CHAR(10) NOT NULL,"
	" l_comment VARCHAR(44) NOT NULL)";

/* The same in SQLite's natural types: REAL for the decimals, ISO-8601
 * TEXT for the dates (which then compare correctly as strings). */
static const char LINEITEM_LITE[] =
	"CREATE TABLE lineitem ("
	" l_orderkey INTEGER NOT NULL, l_partkey INTEGER NOT NULL,"
	" l_suppkey INTEGER NOT NULL, l_linenumber INTEGER NOT NULL,"
	" l_quantity REAL NOT NULL, l_extendedprice REAL NOT NULL,"
	" l_discount REAL NOT NULL, l_tax REAL NOT NULL,"
	" l_returnflag TEXT NOT NULL, l_linestatus TEXT NOT NULL,"
	" l_shipdate TEXT NOT NULL, l_commitdate TEXT NOT NULL, l_receiptdate TEXT NOT NULL,"
	" l_shipinstruct TEXT NOT NULL, l_shipmode TEXT NOT NULL,"
	" l_comment TEXT NOT NULL)";

static bool
load_lineitem (BenchConn *c, const BenchParams *p)
{
	if (!bench_exec (c, "DROP TABLE IF EXISTS lineitem")
	    || !bench_exec (c, c->engine == BENCH_SQLITE ? LINEITEM_LITE : LINEITEM_OX)
	    || !bench_exec (c, "BEGIN"))
		return false;
	BenchStmt *st = bench_prepare (c, "INSERT INTO lineitem VALUES ($1, $2, $3, $4, $5, $6,"
	                                  " $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)");
	if (st == NULL)
		goto fail;
	BenchLineitemGen g;
	BenchLineitem l;
	bench_lineitem_gen_init (&g, p->n_lineitem, SEED_LINEITEM);
	while (bench_lineitem_gen_next (&g, &l)) {
		char flag[2] = { l.returnflag, 0 }, status[2] = { l.linestatus, 0 };
		char ship[11], commit[11], receipt[11];
		bench_date_format (l.shipdate, ship);
		bench_date_format (l.commitdate, commit);
		bench_date_format (l.receiptdate, receipt);
		if (!bench_bind_int64 (st, 1, l.orderkey) || !bench_bind_int64 (st, 2, l.partkey)
		    || !bench_bind_int64 (st, 3, l.suppkey) || !bench_bind_int64 (st, 4, l.linenumber)
		    || !bench_bind_cents (st, 5, l.quantity * 100)
		    || !bench_bind_cents (st, 6, l.extendedprice)
		    || !bench_bind_cents (st, 7, l.discount) || !bench_bind_cents (st, 8, l.tax)
		    || !bench_bind_text (st, 9, flag) || !bench_bind_text (st, 10, status)
		    || !bench_bind_text (st, 11, ship) || !bench_bind_text (st, 12, commit)
		    || !bench_bind_text (st, 13, receipt) || !bench_bind_text (st, 14, l.shipinstruct)
		    || !bench_bind_text (st, 15, l.shipmode) || !bench_bind_text (st, 16, l.comment)
		    || bench_step (st) != BENCH_DONE)
			goto fail;
		bench_reset (st);
	}
	bench_finalize (st);
	return bench_exec (c, "COMMIT");
fail:
	bench_finalize (st);
	rollback_quietly (c);
	return false;
}

/* ---- data set bookkeeping ------------------------------------------------------ */

static const struct {
	guint       bit;
	const char *table;
} datasets[] = {
	{ BENCH_DS_T, "t" },
	{ BENCH_DS_D, "d" },
	{ BENCH_DS_LINEITEM, "lineitem" },
};

bool
bench_datasets_ensure (BenchConn *c, const BenchParams *p, guint need)
{
	guint missing = need & ~c->datasets;
	if (missing == 0)
		return true;
	for (guint i = 0; i < G_N_ELEMENTS (datasets); i++) {
		if (!(c->datasets & ~need & datasets[i].bit))
			continue;
		g_autofree char *drop = g_strdup_printf ("DROP TABLE %s", datasets[i].table);
		if (!bench_exec (c, drop))
			return false;
		c->datasets &= ~datasets[i].bit;
	}
	if ((missing & BENCH_DS_T) && !load_t_like (c, p, "t", p->n_t))
		return false;
	c->datasets |= missing & BENCH_DS_T;
	if ((missing & BENCH_DS_D) && !load_d (c, p))
		return false;
	c->datasets |= missing & BENCH_DS_D;
	if ((missing & BENCH_DS_LINEITEM) && !load_lineitem (c, p))
		return false;
	c->datasets |= missing & BENCH_DS_LINEITEM;
	/* Statistics, as autovacuum would gather them (NOTE at the top). */
	return c->engine != BENCH_POSTGRES || bench_exec (c, "ANALYZE");
}

/* Run a query without parameters and fold every row into res. */
static bool
query_fold (BenchConn *c, const char *sql, const char *kinds, BenchResult *res)
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

/* ---- bulk_load: n_t rows into t in one transaction -------------------------------- */

static bool
bulk_load_before (BenchConn *c, const BenchParams *p, guint run)
{
	/* Leaves no t, so a failed run cannot be mistaken for a loaded one. */
	c->datasets &= ~BENCH_DS_T;
	return bench_exec (c, "DROP TABLE IF EXISTS t");
}

static bool
bulk_load_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	return load_t_like (c, p, "t", p->n_t);
}

static bool
bulk_load_verify (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	/* t stays for the workloads after this one (NOTE at the top). */
	if (c->engine == BENCH_POSTGRES && !bench_exec (c, "ANALYZE t"))
		return false;
	return query_fold (c, "SELECT count(*), sum(k), sum(grp), sum(amount), sum(d_id) FROM t",
	                   "iiiii", res);
}

/* ---- insert_autocommit: n_insert single-row INSERTs, each its own transaction ----- */

static bool
insert_before (BenchConn *c, const BenchParams *p, guint run)
{
	g_autofree char *create = g_strdup_printf ("CREATE TABLE ins%s", T_COLUMNS);
	return bench_exec (c, "DROP TABLE IF EXISTS ins") && bench_exec (c, create)
	       && bench_exec (c, "CREATE INDEX ins_k ON ins (k)");
}

static bool
insert_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	BenchStmt *st = bench_prepare (c, "INSERT INTO ins VALUES ($1, $2, $3, $4, $5, $6)");
	if (st == NULL)
		return false;
	int64_t prime = k_prime (p->n_t);
	int64_t changed = 0;
	for (int64_t id = 1; id <= p->n_insert; id++) {
		TRow r;
		t_row (p, prime, id, &r);
		if (!bench_bind_int64 (st, 1, r.id) || !bench_bind_int64 (st, 2, r.k)
		    || !bench_bind_int64 (st, 3, r.grp) || !bench_bind_int64 (st, 4, r.amount)
		    || !bench_bind_int64 (st, 5, r.d_id) || !bench_bind_text (st, 6, r.name)
		    || bench_step (st) != BENCH_DONE) {
			bench_finalize (st);
			return false;
		}
		changed += bench_changes (st);
		bench_reset (st);
	}
	bench_finalize (st);
	bench_result_int (res, changed);
	return true;
}

static bool
insert_verify (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	return query_fold (c, "SELECT count(*), sum(k), sum(amount) FROM ins", "iii", res);
}

/* ---- point_select: n_point prepared lookups by primary key ------------------------ */

/* Bind each key, read every row, reset: what a program does per lookup. */
static bool
keyed_loop (BenchConn *c, const char *sql, int64_t count, uint64_t seed, int64_t lo, int64_t hi,
            int64_t width, const char *kinds, BenchResult *res)
{
	BenchStmt *st = bench_prepare (c, sql);
	if (st == NULL)
		return false;
	BenchRng rng = { seed };
	for (int64_t i = 0; i < count; i++) {
		int64_t key = bench_rng_range (&rng, lo, hi);
		if (!bench_bind_int64 (st, 1, key) || (width > 0 && !bench_bind_int64 (st, 2, key + width)))
			goto fail;
		BenchRc rc;
		while ((rc = bench_step (st)) == BENCH_ROW)
			bench_result_row (res, st, kinds);
		if (rc != BENCH_DONE)
			goto fail;
		bench_reset (st);
	}
	bench_finalize (st);
	return true;
fail:
	bench_finalize (st);
	return false;
}

static bool
point_select_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	return keyed_loop (c, "SELECT name, amount FROM t WHERE id = $1", p->n_point,
	                   SEED_POINT + run, 1, p->n_t, 0, "ti", res);
}

/* ---- range_scan: n_range scans of n_t / 10 consecutive ids ------------------------- */

static bool
range_scan_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	int64_t width = MAX (p->n_t / 10, 1);
	return keyed_loop (c, "SELECT count(*), sum(amount) FROM t WHERE id >= $1 AND id < $2",
	                   p->n_range, SEED_RANGE + run, 1, p->n_t - width + 1, width, "ii", res);
}

/* ---- group_by: 100 groups with count, sum and avg --------------------------------- */

static bool
group_by_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	/* avg(integer) is NUMERIC for us and REAL for SQLite: 'd'. */
	return query_fold (c, "SELECT grp, count(*), sum(amount), avg(amount) FROM t GROUP BY grp",
	                   "iiid", res);
}

/* ---- join: t ⋈ d on d_id with a filter on d (10% of d) ---------------------------- */

static bool
join_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	return query_fold (c, "SELECT count(*), sum(t.amount) FROM t JOIN d ON t.d_id = d.id"
	                      " WHERE d.region < 10", "ii", res);
}

/* ---- order_by_limit: the top 100 of n_t rows ------------------------------------ */

static bool
order_by_limit_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	/* id breaks ties, so the 100 rows and their order are fully determined. */
	res->ordered = true;
	return query_fold (c, "SELECT id, amount FROM t ORDER BY amount DESC, id LIMIT 100", "ii", res);
}

/* ---- update_pk: n_update updates by primary key in one transaction ---------------- */

static bool
update_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	if (!bench_exec (c, "BEGIN"))
		return false;
	BenchStmt *st = bench_prepare (c, "UPDATE t SET amount = amount + 1 WHERE id = $1");
	if (st == NULL)
		goto fail;
	BenchRng rng = { SEED_UPDATE + run };
	int64_t changed = 0;
	for (int64_t i = 0; i < p->n_update; i++) {
		if (!bench_bind_int64 (st, 1, bench_rng_range (&rng, 1, p->n_t))
		    || bench_step (st) != BENCH_DONE)
			goto fail;
		changed += bench_changes (st);
		bench_reset (st);
	}
	bench_finalize (st);
	bench_result_int (res, changed);
	return bench_exec (c, "COMMIT");
fail:
	bench_finalize (st);
	rollback_quietly (c);
	return false;
}

static bool
update_verify (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	/* The dead row versions go, as autovacuum would make them (NOTE at
	 * the top). */
	if (c->engine == BENCH_POSTGRES && !bench_exec (c, "VACUUM ANALYZE t"))
		return false;
	return query_fold (c, "SELECT count(*), sum(amount) FROM t", "ii", res);
}

/* ---- index_lookup: n_lookup equality lookups through the index on k ------------- */

static bool
index_lookup_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	return keyed_loop (c, "SELECT id, amount FROM t WHERE k = $1", p->n_lookup,
	                   SEED_LOOKUP + run, 0, p->n_t - 1, 0, "ii", res);
}

/* ---- TPC-H Q1 and Q6 -------------------------------------------------------------- */

/* The date arithmetic of the official text (DATE '1998-12-01' - INTERVAL
 * '90' DAY, DATE '1994-01-01' + INTERVAL '1' YEAR) and of Q6's discount
 * (0.06 ± 0.01) is folded into constants: SQLite has neither DATE nor
 * INTERVAL, and 0.06 - 0.01 in REAL is 0.049999..., which would drop the
 * 0.05 rows that NUMERIC keeps.  A plain string literal is a date to
 * PostgreSQL (an unknown literal compared with a DATE column) and the
 * ISO text SQLite stores, so the statements are the same on both. */
static const char Q1[] =
	"SELECT l_returnflag, l_linestatus,"
	" sum(l_quantity) AS sum_qty,"
	" sum(l_extendedprice) AS sum_base_price,"
	" sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price,"
	" sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge,"
	" avg(l_quantity) AS avg_qty,"
	" avg(l_extendedprice) AS avg_price,"
	" avg(l_discount) AS avg_disc,"
	" count(*) AS count_order"
	" FROM lineitem"
	" WHERE l_shipdate <= '1998-09-02'"
	" GROUP BY l_returnflag, l_linestatus"
	" ORDER BY l_returnflag, l_linestatus";

static const char Q6[] =
	"SELECT sum(l_extendedprice * l_discount) AS revenue"
	" FROM lineitem"
	" WHERE l_shipdate >= '1994-01-01' AND l_shipdate < '1995-01-01'"
	" AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24";

static bool
tpch_q1_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	res->ordered = true;
	return query_fold (c, Q1, "ttdddddddi", res);
}

static bool
tpch_q6_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	return query_fold (c, Q6, "d", res);
}

/* ---- memory: peak RSS after loading t ---------------------------------------------- */

/* VmHWM, the resident-set high-water mark, in KiB; getrusage's ru_maxrss
 * (the same figure on Linux) when /proc is not there. */
long
bench_peak_rss_kib (void)
{
	g_autofree char *status = NULL;
	if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL)) {
		const char *l = strstr (status, "\nVmHWM:");
		if (l)
			return strtol (l + 7, NULL, 10);
	}
	struct rusage ru;
	getrusage (RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* The child: a fresh process (exec'd, not just forked, so it does not
 * start with the parent's data sets resident), one engine, t loaded as
 * bulk_load loads it.  Prints "rows=N sum=S hwm_kib=H base_kib=B". */
int
bench_memory_child (BenchEngine e, const BenchParams *p)
{
	char *error = NULL;
	BenchConn *c = bench_conn_open (e, &error);
	if (c == NULL) {
		g_printerr ("%s\n", error);
		return 1;
	}
	long base = bench_peak_rss_kib ();
	if (!load_t_like (c, p, "t", p->n_t)) {
		g_printerr ("%s\n", bench_conn_error (c));
		bench_conn_close (c);
		return 1;
	}
	/* A count and a sum for the parent's agreement check: the load must
	 * have stored the same rows on both sides. */
	BenchStmt *st = bench_prepare (c, "SELECT count(*), sum(amount) FROM t");
	if (st == NULL || bench_step (st) != BENCH_ROW) {
		g_printerr ("%s\n", bench_conn_error (c));
		bench_finalize (st);
		bench_conn_close (c);
		return 1;
	}
	printf ("rows=%" PRId64 " sum=%" PRId64 " hwm_kib=%ld base_kib=%ld\n",
	        bench_column_int64 (st, 0), bench_column_int64 (st, 1), bench_peak_rss_kib (), base);
	bench_finalize (st);
	bench_conn_close (c);
	return 0;
}

static bool
memory_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	char scale[G_ASCII_DTOSTR_BUF_SIZE];
	g_ascii_dtostr (scale, sizeof scale, p->scale);
	/* /proc/self/exe: this very binary, wherever it was started from. */
	const char *argv[] = {
		"/proc/self/exe", "--memory-child", bench_engine_key (c->engine), "--scale", scale, NULL,
	};
	g_autofree char *out = NULL, *err = NULL;
	g_autoptr (GError) gerr = NULL;
	int status = 0;
	if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
	                   &status, &gerr)
	    || !g_spawn_check_wait_status (status, &gerr)) {
		g_free (c->error);
		c->error = g_strdup_printf ("memory child for %s: %s\n%s", bench_engine_key (c->engine),
		                            gerr->message, err ? err : "");
		return false;
	}
	int64_t rows = 0, sum = 0;
	long hwm = 0, base = 0;
	if (sscanf (out, "rows=%" SCNd64 " sum=%" SCNd64 " hwm_kib=%ld base_kib=%ld",
	            &rows, &sum, &hwm, &base) != 4) {
		g_free (c->error);
		c->error = g_strdup_printf ("memory child for %s printed: %s", bench_engine_key (c->engine),
		                            out);
		return false;
	}
	res->value = (double) hwm / 1024.0;
	bench_result_int (res, rows);
	bench_result_int (res, sum);
	return true;
}

/* ---- routines: PL/pgSQL on Oxibase and PostgreSQL ---------------------------------- */

/* The same text on both engines.  n is an integer, as the loop variable
 * of an integer FOR is; s a bigint, since the sum of 1..10^7 is 5 × 10^13. */
static const char LOOP_FUNCTION[] =
	"CREATE OR REPLACE FUNCTION bench_loop(n integer) RETURNS bigint LANGUAGE plpgsql AS $$\n"
	"DECLARE\n"
	"  s bigint := 0;\n"
	"BEGIN\n"
	"  FOR i IN 1..n LOOP\n"
	"    s := s + i;\n"
	"  END LOOP;\n"
	"  RETURN s;\n"
	"END $$";

static const char INSERT_TABLE[] =
	"CREATE TABLE pins (id INTEGER PRIMARY KEY, v INTEGER NOT NULL, note TEXT NOT NULL)";

/* One INSERT per iteration, each a statement the procedure plans (once)
 * and runs; the CALL is one transaction on both engines. */
static const char INSERT_PROCEDURE[] =
	"CREATE OR REPLACE PROCEDURE bench_insert(n integer) LANGUAGE plpgsql AS $$\n"
	"BEGIN\n"
	"  FOR i IN 1..n LOOP\n"
	"    INSERT INTO pins VALUES (i, i % 1000, 'row ' || i);\n"
	"  END LOOP;\n"
	"END $$";

/* Re-created before every run (untimed), so that each run's call is the
 * first of a fresh definition: both engines then compile the body in the
 * timed call, every run alike. */
static bool
plsql_loop_before (BenchConn *c, const BenchParams *p, guint run)
{
	return bench_exec (c, LOOP_FUNCTION);
}

static bool
plsql_loop_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	g_autofree char *sql = g_strdup_printf ("SELECT bench_loop(%" G_GINT64_FORMAT ")",
	                                        (gint64) p->n_loop);
	return query_fold (c, sql, "i", res);
}

static bool
plsql_insert_before (BenchConn *c, const BenchParams *p, guint run)
{
	return bench_exec (c, "DROP TABLE IF EXISTS pins") && bench_exec (c, INSERT_TABLE)
	       && bench_exec (c, INSERT_PROCEDURE);
}

static bool
plsql_insert_run (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	g_autofree char *sql = g_strdup_printf ("CALL bench_insert(%" G_GINT64_FORMAT ")",
	                                        (gint64) p->n_proc);
	return bench_exec (c, sql);
}

static bool
plsql_insert_verify (BenchConn *c, const BenchParams *p, guint run, BenchResult *res)
{
	return query_fold (c, "SELECT count(*), sum(v), min(note), max(note) FROM pins", "iitt", res);
}

/* ---- the list ------------------------------------------------------------------------ */

/* In the order.  The order is also the load plan: t is loaded by
 * bulk_load and kept by every workload after it that reads t. */
const BenchWorkload bench_workloads[] = {
	{ "bulk_load", "bulk load of 1,000,000 rows in one transaction", "ms",
	  0, BENCH_DS_T, bulk_load_before, bulk_load_run, bulk_load_verify },
	{ "insert_autocommit", "100,000 single-row autocommit inserts", "ms",
	  0, 0, insert_before, insert_run, insert_verify },
	{ "point_select", "1,000,000 prepared point selects by primary key", "ms",
	  BENCH_DS_T, 0, NULL, point_select_run, NULL },
	{ "range_scan", "1,000 range scans, each over 10% of 1,000,000 rows", "ms",
	  BENCH_DS_T, 0, NULL, range_scan_run, NULL },
	{ "group_by", "GROUP BY 1,000,000 rows into 100 groups: count/sum/avg", "ms",
	  BENCH_DS_T, 0, NULL, group_by_run, NULL },
	{ "join", "hash join 1,000,000 x 100,000 rows with a filter", "ms",
	  BENCH_DS_T | BENCH_DS_D, 0, NULL, join_run, NULL },
	{ "order_by_limit", "ORDER BY ... LIMIT 100 over 1,000,000 rows", "ms",
	  BENCH_DS_T, 0, NULL, order_by_limit_run, NULL },
	{ "update_pk", "100,000 updates by primary key (one transaction)", "ms",
	  BENCH_DS_T, 0, NULL, update_run, update_verify },
	{ "index_lookup", "100,000 lookups through a secondary index", "ms",
	  BENCH_DS_T, 0, NULL, index_lookup_run, NULL },
	{ "tpch_q1", "TPC-H Q1 over 600,000 lineitem rows", "ms",
	  BENCH_DS_LINEITEM, 0, NULL, tpch_q1_run, NULL },
	{ "tpch_q6", "TPC-H Q6 over 600,000 lineitem rows", "ms",
	  BENCH_DS_LINEITEM, 0, NULL, tpch_q6_run, NULL },
	{ "memory", "peak RSS after loading 1,000,000 rows (child process)", "MiB",
	  0, 0, NULL, memory_run, NULL, BENCH_W_NO_POSTGRES },
	/* Stored routines: Oxibase and PostgreSQL. */
	{ "plsql_loop", "PL/pgSQL function: 10,000,000 additions in a FOR loop", "ms",
	  0, 0, plsql_loop_before, plsql_loop_run, NULL, BENCH_W_ROUTINE },
	{ "plsql_insert_proc", "PL/pgSQL procedure: 100,000 single-row INSERTs in a loop", "ms",
	  0, 0, plsql_insert_before, plsql_insert_run, plsql_insert_verify, BENCH_W_ROUTINE },
	/* Issue 4's, in durable.c; they set up their own databases on disk. */
	{ "commit_1", "10,000 single-row autocommit commits (fsynced), 1 committer", "c/s",
	  0, 0, NULL, bench_commit_1_run, NULL, BENCH_W_DURABLE | BENCH_W_HIGHER_BETTER,
	  bench_durable_start, NULL, NULL },
	{ "commit_4", "the same, 4 concurrent committers", "c/s",
	  0, 0, NULL, bench_commit_4_run, NULL, BENCH_W_DURABLE | BENCH_W_HIGHER_BETTER,
	  bench_durable_start, NULL, NULL },
	{ "commit_16", "the same, 16 concurrent committers", "c/s",
	  0, 0, NULL, bench_commit_16_run, NULL, BENCH_W_DURABLE | BENCH_W_HIGHER_BETTER,
	  bench_durable_start, NULL, NULL },
	{ "recovery_1gib", "open (replay) of a 1 GiB write-ahead log, cold page cache", "s",
	  0, 0, NULL, bench_recovery_run, NULL, BENCH_W_DURABLE | BENCH_W_OXIBASE_ONLY,
	  bench_recovery_start, bench_recovery_finish, bench_recovery_describe },
};

const guint bench_n_workloads = G_N_ELEMENTS (bench_workloads);

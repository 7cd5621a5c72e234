/*
 * bench-main.c — oxibase-bench: Oxibase against SQLite and PostgreSQL, side by side, in one run.
 *
 * For each workload (workloads.c) every engine gets its own database with
 * the same data (:memory: for Oxibase and SQLite, a throwaway server for
 * PostgreSQL, pg-server.c); the harness then runs the workload --runs
 * times on each, alternating which engine goes first, times each run with
 * the monotonic clock, checks that the engines answered the same, and
 * prints one table: the median of each side, the ratios SQLite / Oxibase
 * and PostgreSQL / Oxibase (above 1 means Oxibase is faster), min and max.
 *
 * PostgreSQL always runs the routine workloads (SQLite has no stored
 * routines: n/a).  The other in-memory workloads run on it only with
 * --postgres: over a socket, each of point_select's million lookups is
 * a round trip, which makes the default run much longer (10 minutes or
 * more on the machine of bench/README.md) and measures the protocol as
 * much as the engine.  When PostgreSQL's binaries are missing, its column
 * says "skipped", which is not a failure.
 *
 * The durable workloads (durable.c) make their own databases on disk, in
 * a private directory under --dir (by default next to this binary, in
 * the build directory), and print a second table: commits a second,
 * where the ratio is Oxibase / SQLite (above 1 still means Oxibase is
 * ahead), and the recovery time, which SQLite has no counterpart for.
 *
 *   oxibase-bench [--scale F] [--runs N] [--only NAME[,NAME...]] [--json FILE]
 *                 [--cpu-time] [--engine oxibase|sqlite|postgresql] [--verbose]
 *                 [--list] [--durable] [--wal-gib F] [--dir DIR] [--postgres]
 *                 [--pg-bin DIR]
 *
 * Exit status: 0 when every workload ran on its engines and the answers
 * agreed; 1 when any answer disagreed or any engine failed (both are
 * printed loudly on stderr, and marked in the table); 2 for bad usage.
 *
 * NOTE: timing noise.  The machine this was written on has 2 cores shared
 * with other jobs, and a load average above the core count is common.
 * Alternating the engines spreads slow periods over both sides, and the
 * median ignores the odd stalled run, but single figures can still move by
 * 10-20% between invocations; compare ratios from the same run, and
 * rerun before believing a small change.  Min and max are kept so that a
 * noisy row shows itself, and --cpu-time measures the process's CPU time
 * instead, which time slices lost to other jobs do not inflate.  It cannot
 * see a server's work, so PostgreSQL is timed on the wall clock always.
 *
 * NOTE: only the run itself is timed.  Loading data sets, each workload's
 * untimed preparation (dropping and re-creating a table) and the
 * agreement checks stay outside the clock.
 */
#define G_LOG_DOMAIN "oxibase-bench"

#include "bench.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <time.h>

/* ---- results -------------------------------------------------------------------- */

static uint64_t
hash_text (const char *s)
{
	/* FNV-1a; NULL and "" must differ. */
	if (s == NULL)
		return 0x6e756c6cull;
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++)
		h = (h ^ (unsigned char) *s) * 0x100000001b3ull;
	return h;
}

void
bench_result_row (BenchResult *r, BenchStmt *st, const char *kinds)
{
	uint64_t h = 0x726f77ull;
	for (int col = 0; kinds[col]; col++) {
		switch (kinds[col]) {
		case 'i':
			h = bench_mix64 (h ^ (uint64_t) bench_column_int64 (st, col));
			break;
		case 't':
			h = bench_mix64 (h ^ hash_text (bench_column_text (st, col)));
			break;
		case 'd':
			r->dsum += bench_column_double (st, col);
			break;
		default:
			g_assert_not_reached ();
		}
	}
	/* A sum is blind to order, which is what an unordered query allows;
	 * under ORDER BY each row's hash is weighted by its position. */
	r->hash = r->ordered ? r->hash * 0x100000001b3ull + h : r->hash + h;
	r->rows++;
}

void
bench_result_int (BenchResult *r, int64_t v)
{
	r->hash = r->hash * 0x100000001b3ull + bench_mix64 ((uint64_t) v);
	r->rows++;
}

bool
bench_result_agree (const BenchResult *a, const BenchResult *b, char **why)
{
	/* NUMERIC sums are exact for us and binary doubles for SQLite; over
	 * 600,000 rows the doubles drift by ~1e-11 relative, so 1e-9 is a
	 * wide margin that still catches a single wrong row. */
	double tol = 1e-9 * MAX (MAX (fabs (a->dsum), fabs (b->dsum)), 1.0);
	if (a->rows == b->rows && a->hash == b->hash && fabs (a->dsum - b->dsum) <= tol)
		return true;
	GString *s = g_string_new (NULL);
	if (a->rows != b->rows)
		g_string_append_printf (s, "rows %" G_GINT64_FORMAT " vs %" G_GINT64_FORMAT "; ",
		                        (gint64) a->rows, (gint64) b->rows);
	if (a->hash != b->hash)
		g_string_append_printf (s, "exact columns differ (hash %016" G_GINT64_MODIFIER "x vs %016"
		                        G_GINT64_MODIFIER "x); ", (guint64) a->hash, (guint64) b->hash);
	if (fabs (a->dsum - b->dsum) > tol)
		g_string_append_printf (s, "approximate columns sum to %.17g vs %.17g; ", a->dsum, b->dsum);
	g_string_truncate (s, s->len - 2);
	*why = g_string_free (s, FALSE);
	return false;
}

/* ---- one workload, every engine ---------------------------------------------------- */

typedef struct Side {
	double *samples;   /* one per completed run, in ms or the workload's unit */
	guint   n;         /* completed runs */
	char   *error;     /* the failure that stopped this side, or NULL; owned */
	double  median, min, max;
} Side;

typedef struct Outcome {
	const BenchWorkload *w;
	Side  side[BENCH_N_ENGINES];
	guint mismatches;  /* runs whose answers disagreed */
	char *mismatch;    /* the first disagreement, described; owned */
	char *skipped;     /* why the workload did not run here, or NULL; owned */
	char *note;        /* the workload's line for under the table, or NULL; owned */
} Outcome;

static int
cmp_double (const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;
	return (x > y) - (x < y);
}

static void
side_summarize (Side *s)
{
	if (s->n == 0)
		return;
	double *v = g_memdup2 (s->samples, s->n * sizeof *v);
	qsort (v, s->n, sizeof *v, cmp_double);
	s->min = v[0];
	s->max = v[s->n - 1];
	s->median = s->n % 2 ? v[s->n / 2] : (v[s->n / 2 - 1] + v[s->n / 2]) / 2;
	g_free (v);
}

/* After a failure the engine's database may hold a half-done change:
 * roll back and forget every data set, so the next workload reloads. */
static void
side_fail (Side *s, BenchConn *c, const BenchWorkload *w, guint run, const char *what)
{
	s->error = g_strdup_printf ("%s (run %u, %s): %s", bench_engine_name (c->engine), run + 1,
	                            what, bench_conn_error (c));
	g_printerr ("\n*** ERROR in %s on %s\n%s\n\n", w->name, bench_engine_name (c->engine), s->error);
	char *keep = c->error;
	c->error = NULL;
	bench_exec (c, "ROLLBACK");
	g_free (c->error);
	c->error = keep;
	c->datasets = 0;
}

/* --verbose: print each run's answer (rows, hash, approximate sum). */
static gboolean verbose;
/* --cpu-time: time runs with the process CPU clock instead of the wall. */
static gboolean cpu_time;
/* --engine: run only this engine (profiling); -1 for both. */
static int only_engine = -1;
/* "DIR (ext4, 71.8 GiB free)": where the durable workloads ran, for the
 * output; NULL until that directory is made. */
static char *durable_where;
/* --postgres: the table workloads run on PostgreSQL too. */
static gboolean with_postgres;
/* Why PostgreSQL could not run here (no binaries, initdb failed), or NULL. */
static char *pg_skipped;

/* Microseconds on the clock chosen for timing runs.  The monotonic wall
 * clock is the default (what a user waits); the process CPU clock (all
 * threads) is steadier on a shared machine and misses nothing here,
 * since :memory: databases never wait for I/O. */
static gint64
clock_us (void)
{
	if (!cpu_time)
		return g_get_monotonic_time ();
	struct timespec ts;
	clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Whether e has a counterpart of w at all; when not, its cell is "n/a". */
static bool
engine_applies (const BenchWorkload *w, BenchEngine e)
{
	switch (e) {
	case BENCH_OXIBASE:
		return true;
	case BENCH_SQLITE:
		return !(w->flags & (BENCH_W_OXIBASE_ONLY | BENCH_W_ROUTINE));
	default:
		return !(w->flags & (BENCH_W_OXIBASE_ONLY | BENCH_W_DURABLE | BENCH_W_NO_POSTGRES));
	}
}

/* Whether e was asked to run w: it applies, --engine does not exclude it,
 * and for PostgreSQL, w is a routine or --postgres was given. */
static bool
engine_wanted (const BenchWorkload *w, BenchEngine e)
{
	if (only_engine >= 0 && (int) e != only_engine)
		return false;
	if (e == BENCH_POSTGRES && !(w->flags & BENCH_W_ROUTINE) && !with_postgres)
		return false;
	return engine_applies (w, e);
}

/* Whether e takes part in w in this run: wanted, and able to run here. */
static bool
engine_runs (const BenchWorkload *w, BenchEngine e)
{
	return engine_wanted (w, e) && !(e == BENCH_POSTGRES && pg_skipped);
}

static void
run_workload (const BenchWorkload *w, BenchConn **conns, const BenchParams *p, guint runs,
              Outcome *o)
{
	o->w = w;
	for (int e = 0; e < BENCH_N_ENGINES; e++)
		o->side[e].samples = g_new0 (double, runs);
	bool timed = g_str_equal (w->unit, "ms");
	char *not_run = NULL;
	bool any = false;
	for (int e = 0; e < BENCH_N_ENGINES; e++)
		any |= engine_runs (w, (BenchEngine) e);
	/* Not even start: recovery_1gib's would build its log for nobody. */
	BenchStart start = !any ? BENCH_START_SKIP : w->start ? w->start (p, &not_run) : BENCH_START_GO;
	if (!any)
		not_run = g_strdup_printf ("no engine of --engine %s runs it", bench_engine_key (only_engine));
	if (start == BENCH_START_SKIP) {
		g_printerr ("%-18s skipped: %s\n", w->name, not_run);
		o->skipped = not_run;
		runs = 0;
	} else if (start == BENCH_START_FAIL) {
		g_printerr ("\n*** ERROR in %s (preparing, untimed)\n%s\n\n", w->name, not_run);
		for (int e = 0; e < BENCH_N_ENGINES; e++)
			if (engine_runs (w, (BenchEngine) e))
				o->side[e].error = g_strdup_printf ("preparing: %s", not_run);
		g_free (not_run);
		runs = 0;
	}
	for (guint run = 0; run < runs; run++) {
		BenchResult res[BENCH_N_ENGINES];
		bool ok[BENCH_N_ENGINES] = { false };
		memset (res, 0, sizeof res);
		g_printerr ("%-18s run %u/%u:", w->name, run + 1, runs);
		for (int j = 0; j < BENCH_N_ENGINES; j++) {
			/* Alternate who goes first: a machine that slows down (or warms
			 * up) over a run then hurts both sides alike. */
			BenchEngine e = (BenchEngine) (run % 2 ? BENCH_N_ENGINES - 1 - j : j);
			BenchConn *c = conns[e];
			Side *s = &o->side[e];
			if (s->error || !engine_runs (w, e))
				continue;
			if (!bench_datasets_ensure (c, p, w->needs)) {
				side_fail (s, c, w, run, "loading data");
				continue;
			}
			if (w->before && !w->before (c, p, run)) {
				side_fail (s, c, w, run, "preparing");
				continue;
			}
			/* A server's work is not in this process's CPU time. */
			bool wall = e == BENCH_POSTGRES;
			gint64 t0 = wall ? g_get_monotonic_time () : clock_us ();
			bool done = w->run (c, p, run, &res[e]);
			gint64 t1 = wall ? g_get_monotonic_time () : clock_us ();
			if (!done) {
				side_fail (s, c, w, run, "running");
				continue;
			}
			c->datasets |= w->leaves;
			if (w->verify && !w->verify (c, p, run, &res[e])) {
				side_fail (s, c, w, run, "verifying");
				continue;
			}
			double v = timed ? (double) (t1 - t0) / 1000.0 : res[e].value;
			s->samples[s->n++] = v;
			ok[e] = true;
			g_printerr ("  %s %.*f %s", bench_engine_key (e), g_str_equal (w->unit, "s") ? 2 : 1, v,
			            w->unit);
			if (verbose)
				g_printerr (" [rows %" G_GINT64_FORMAT " hash %016" G_GINT64_MODIFIER "x sum %.17g]",
				            (gint64) res[e].rows, (guint64) res[e].hash, res[e].dsum);
		}
		g_printerr ("\n");
		/* Every answer against the first engine's (Oxibase's, unless it
		 * failed); one mismatch per run is counted, each is printed. */
		int ref = -1;
		bool agreed = true;
		for (int e = 0; e < BENCH_N_ENGINES; e++) {
			char *why = NULL;
			if (!ok[e])
				continue;
			if (ref < 0) {
				ref = e;
				continue;
			}
			if (bench_result_agree (&res[ref], &res[e], &why))
				continue;
			g_printerr ("\n*** MISMATCH in %s, run %u: %s and %s disagree: %s\n\n", w->name,
			            run + 1, bench_engine_name (ref), bench_engine_name (e), why);
			if (agreed)
				o->mismatches++;
			agreed = false;
			if (o->mismatch == NULL)
				o->mismatch = g_strdup_printf ("run %u, %s vs %s: %s", run + 1,
				                               bench_engine_name (ref), bench_engine_name (e), why);
			g_free (why);
		}
	}
	for (int e = 0; e < BENCH_N_ENGINES; e++)
		side_summarize (&o->side[e]);
	if (w->describe && o->side[BENCH_OXIBASE].n > 0)
		o->note = w->describe (p, o->side[BENCH_OXIBASE].median);
	if (w->finish)
		w->finish (p);
}

/* ---- output ------------------------------------------------------------------------ */

/* "ok", "skipped", "MISMATCH" or "ERROR (SQLite, PostgreSQL)": the
 * engines that failed.  Returns a static buffer's contents. */
static const char *
outcome_status (const Outcome *o)
{
	static char buf[64];
	if (o->skipped)
		return "skipped";
	g_strlcpy (buf, "ERROR (", sizeof buf);
	bool failed = false;
	for (int e = 0; e < BENCH_N_ENGINES; e++)
		if (o->side[e].error) {
			if (failed)
				g_strlcat (buf, ", ", sizeof buf);
			g_strlcat (buf, bench_engine_name ((BenchEngine) e), sizeof buf);
			failed = true;
		}
	if (failed) {
		g_strlcat (buf, ")", sizeof buf);
		return buf;
	}
	if (o->mismatches)
		return "MISMATCH";
	return "ok";
}

/* The ratio of e (SQLite or PostgreSQL) to Oxibase when both have a
 * median; NAN otherwise.  Above 1 means Oxibase is ahead either way:
 * e / Oxibase for times and sizes, Oxibase / e for rates. */
static double
outcome_ratio (const Outcome *o, BenchEngine e)
{
	const Side *ox = &o->side[BENCH_OXIBASE], *other = &o->side[e];
	if (ox->n == 0 || other->n == 0 || ox->median <= 0 || other->median <= 0)
		return NAN;
	if (o->w->flags & BENCH_W_HIGHER_BETTER)
		return ox->median / other->median;
	return other->median / ox->median;
}

static void
format_ratio (char *buf, size_t size, const Outcome *o, BenchEngine e)
{
	double r = outcome_ratio (o, e);
	if (!engine_applies (o->w, e))
		g_strlcpy (buf, "n/a", size);
	else if (isnan (r))
		g_strlcpy (buf, "-", size);
	else
		g_snprintf (buf, size, "%.2f", r);
}

static void
format_cell (char *buf, size_t size, const Outcome *o, BenchEngine e, bool range)
{
	const Side *s = &o->side[e];
	/* Seconds of recovery want more than one decimal at --wal-gib 0.01. */
	int digits = g_str_equal (o->w->unit, "s") ? 2 : 1;
	if (!engine_applies (o->w, e))
		g_strlcpy (buf, "n/a", size);
	else if (s->n == 0 && e == BENCH_POSTGRES && !engine_wanted (o->w, e) && only_engine < 0)
		g_strlcpy (buf, "off", size);  /* a table workload without --postgres */
	else if (s->n == 0 && e == BENCH_POSTGRES && pg_skipped && engine_wanted (o->w, e))
		g_strlcpy (buf, "skipped", size);
	else if (s->n == 0)
		g_strlcpy (buf, "-", size);
	else if (range)
		g_snprintf (buf, size, "%.*f..%.*f", digits, s->min, digits, s->max);
	else
		g_snprintf (buf, size, "%.*f", digits, s->median);
}

/* The rows of out that are durable (or not, as durable says).  The
 * durable table has no PostgreSQL column: its server does not sync. */
static void
print_table (FILE *f, const Outcome *out, guint n, bool durable)
{
	if (durable)
		fprintf (f, "%-18s %-4s %10s %10s %7s  %-19s %-19s %s\n", "workload", "unit", "Oxibase",
		         "SQLite", "ratio", "Oxibase min..max", "SQLite min..max", "check");
	else
		fprintf (f, "%-18s %-4s %10s %10s %10s %7s %7s  %-19s %-19s %-19s %s\n", "workload", "unit",
		         "Oxibase", "SQLite", "PostgreSQL", "SQ/Ox", "PG/Ox", "Oxibase min..max",
		         "SQLite min..max", "PostgreSQL min..max", "check");
	for (guint i = 0; i < n; i++) {
		const Outcome *o = &out[i];
		if (!(o->w->flags & BENCH_W_DURABLE) != !durable)
			continue;
		char cell[BENCH_N_ENGINES][32], range[BENCH_N_ENGINES][48], ratio[BENCH_N_ENGINES][16];
		for (int e = 0; e < BENCH_N_ENGINES; e++) {
			format_cell (cell[e], sizeof cell[e], o, (BenchEngine) e, false);
			format_cell (range[e], sizeof range[e], o, (BenchEngine) e, true);
			format_ratio (ratio[e], sizeof ratio[e], o, (BenchEngine) e);
		}
		if (durable)
			fprintf (f, "%-18s %-4s %10s %10s %7s  %-19s %-19s %s\n", o->w->name, o->w->unit,
			         cell[BENCH_OXIBASE], cell[BENCH_SQLITE], ratio[BENCH_SQLITE],
			         range[BENCH_OXIBASE], range[BENCH_SQLITE], outcome_status (o));
		else
			fprintf (f, "%-18s %-4s %10s %10s %10s %7s %7s  %-19s %-19s %-19s %s\n", o->w->name,
			         o->w->unit, cell[BENCH_OXIBASE], cell[BENCH_SQLITE], cell[BENCH_POSTGRES],
			         ratio[BENCH_SQLITE], ratio[BENCH_POSTGRES], range[BENCH_OXIBASE],
			         range[BENCH_SQLITE], range[BENCH_POSTGRES], outcome_status (o));
	}
}

static void
json_string (GString *s, const char *v)
{
	if (v == NULL) {
		g_string_append (s, "null");
		return;
	}
	g_string_append_c (s, '"');
	for (const unsigned char *p = (const unsigned char *) v; *p; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_printf (s, "\\%c", *p);
		else if (*p == '\n')
			g_string_append (s, "\\n");
		else if (*p < 0x20)
			g_string_append_printf (s, "\\u%04x", *p);
		else
			g_string_append_c (s, (char) *p);
	}
	g_string_append_c (s, '"');
}

static void
json_number (GString *s, double v)
{
	if (isnan (v) || isinf (v)) {
		g_string_append (s, "null");
		return;
	}
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.3f", v));
}

static void
json_side (GString *s, const Side *side)
{
	g_string_append (s, "{\"median\": ");
	json_number (s, side->n ? side->median : NAN);
	g_string_append (s, ", \"min\": ");
	json_number (s, side->n ? side->min : NAN);
	g_string_append (s, ", \"max\": ");
	json_number (s, side->n ? side->max : NAN);
	g_string_append (s, ", \"runs\": [");
	for (guint i = 0; i < side->n; i++) {
		if (i)
			g_string_append (s, ", ");
		json_number (s, side->samples[i]);
	}
	g_string_append (s, "], \"error\": ");
	json_string (s, side->error);
	g_string_append_c (s, '}');
}

static char *
cpu_model (void)
{
	g_autofree char *info = NULL;
	if (g_file_get_contents ("/proc/cpuinfo", &info, NULL, NULL)) {
		char *l = strstr (info, "model name");
		char *colon = l ? strchr (l, ':') : NULL;
		if (colon) {
			char *end = strchr (colon, '\n');
			return g_strstrip (g_strndup (colon + 1, end ? (size_t) (end - colon - 1) : strlen (colon + 1)));
		}
	}
	return g_strdup ("unknown");
}

static bool
write_json (const char *path, const Outcome *out, guint n, const BenchParams *p, guint runs,
            const char *clock_name, GDateTime *started, GError **error)
{
	g_autoptr (GString) s = g_string_new ("{\n");
	g_autofree char *date = g_date_time_format_iso8601 (started);
	g_autofree char *cpu = cpu_model ();
	struct utsname u;
	uname (&u);
	g_string_append (s, "  \"date\": ");
	json_string (s, date);
	g_string_append (s, ",\n  \"scale\": ");
	json_number (s, p->scale);
	g_string_append_printf (s, ",\n  \"runs\": %u,\n  \"clock\": ", runs);
	json_string (s, clock_name);
	g_string_append_printf (s, ",\n  \"machine\": {\"nproc\": %u, \"cpu\": ", g_get_num_processors ());
	json_string (s, cpu);
	g_string_append (s, ", \"kernel\": ");
	json_string (s, u.release);
	g_string_append (s, "},\n  \"durable_dir\": ");
	json_string (s, durable_where);
	g_string_append (s, ",\n  \"versions\": {\"oxibase\": ");
	json_string (s, bench_engine_version (BENCH_OXIBASE));
	g_string_append (s, ", \"sqlite\": ");
	json_string (s, bench_engine_version (BENCH_SQLITE));
	g_string_append (s, ", \"postgresql\": ");
	json_string (s, pg_skipped ? NULL : bench_engine_version (BENCH_POSTGRES));
	g_string_append (s, "},\n  \"postgresql_skipped\": ");
	json_string (s, pg_skipped);
	g_string_append (s, ",\n  \"workloads\": [\n");
	for (guint i = 0; i < n; i++) {
		const Outcome *o = &out[i];
		g_string_append (s, "    {\"name\": ");
		json_string (s, o->w->name);
		g_string_append (s, ", \"title\": ");
		json_string (s, o->w->title);
		g_string_append (s, ", \"unit\": ");
		json_string (s, o->w->unit);
		g_string_append (s, ",\n     \"oxibase\": ");
		json_side (s, &o->side[BENCH_OXIBASE]);
		g_string_append (s, ",\n     \"sqlite\": ");
		json_side (s, &o->side[BENCH_SQLITE]);
		g_string_append (s, ",\n     \"postgresql\": ");
		json_side (s, &o->side[BENCH_POSTGRES]);
		g_string_append (s, ",\n     \"ratio\": ");
		json_number (s, outcome_ratio (o, BENCH_SQLITE));
		g_string_append (s, ", \"ratio_postgresql\": ");
		json_number (s, outcome_ratio (o, BENCH_POSTGRES));
		g_string_append (s, ", \"ratio_is\": ");
		json_string (s, !engine_applies (o->w, BENCH_SQLITE) ? "n/a"
		                : o->w->flags & BENCH_W_HIGHER_BETTER ? "oxibase/sqlite" : "sqlite/oxibase");
		g_string_append (s, ", \"ratio_postgresql_is\": ");
		json_string (s, !engine_applies (o->w, BENCH_POSTGRES) ? "n/a"
		                : o->w->flags & BENCH_W_HIGHER_BETTER ? "oxibase/postgresql"
		                : "postgresql/oxibase");
		g_string_append (s, ", \"durable\": ");
		g_string_append (s, o->w->flags & BENCH_W_DURABLE ? "true" : "false");
		g_string_append (s, ", \"status\": ");
		json_string (s, outcome_status (o));
		g_string_append (s, ", \"mismatch\": ");
		json_string (s, o->mismatch);
		g_string_append (s, ", \"skipped\": ");
		json_string (s, o->skipped);
		g_string_append (s, ", \"note\": ");
		json_string (s, o->note);
		g_string_append_printf (s, "}%s\n", i + 1 < n ? "," : "");
	}
	g_string_append (s, "  ]\n}\n");
	return g_file_set_contents (path, s->str, (gssize) s->len, error);
}

/* ---- the directory of the durable workloads ---------------------------------------- */

static const char *
fs_name (long type)
{
	/* linux/magic.h's numbers for what a build directory is likely on. */
	switch ((unsigned long) type) {
	case 0xEF53: return "ext2/3/4";
	case 0x58465342: return "xfs";
	case 0x9123683E: return "btrfs";
	case 0x794C7630: return "overlayfs";
	case 0x01021994: return "tmpfs";
	case 0x858458F6: return "ramfs";
	case 0x6969: return "nfs";
	default: return NULL;
	}
}

/* Make the private directory under base (the binary's own directory when
 * NULL) in which durable workloads create their databases.  NULL, with
 * *why set, when there is none: base cannot be used, or fsync costs
 * nothing there (tmpfs), which would make every durable figure a lie. */
static char *
durable_dir_create (const char *base_arg, char **why)
{
	g_autofree char *exe = NULL, *base = NULL;
	if (base_arg)
		base = g_strdup (base_arg);
	else if ((exe = g_file_read_link ("/proc/self/exe", NULL)) != NULL)
		base = g_path_get_dirname (exe);
	else
		base = g_get_current_dir ();
	struct statfs fs;
	if (statfs (base, &fs) != 0) {
		*why = g_strdup_printf ("cannot use %s: %s", base, g_strerror (errno));
		return NULL;
	}
	const char *type = fs_name ((long) fs.f_type);
	if ((unsigned long) fs.f_type == 0x01021994 || (unsigned long) fs.f_type == 0x858458F6) {
		*why = g_strdup_printf ("%s is on %s, where fsync costs nothing; give --dir a directory on a disk",
		                        base, type);
		return NULL;
	}
	g_autofree char *tmpl = g_build_filename (base, "oxibase-bench-XXXXXX", NULL);
	if (g_mkdtemp (tmpl) == NULL) {
		*why = g_strdup_printf ("cannot create a directory in %s: %s", base, g_strerror (errno));
		return NULL;
	}
	struct statvfs vfs;
	double free_gib = statvfs (tmpl, &vfs) == 0 ? (double) vfs.f_bavail * vfs.f_frsize / (1u << 30) : NAN;
	g_autofree char *type_hex = type ? NULL : g_strdup_printf ("filesystem 0x%lx", (unsigned long) fs.f_type);
	durable_where = g_strdup_printf ("%s (%s, %.1f GiB free)", tmpl, type ? type : type_hex, free_gib);
	return g_steal_pointer (&tmpl);
}

/* ---- main ---------------------------------------------------------------------------- */

static bool
selected (const BenchWorkload *w, char **only, bool durable_only)
{
	if (durable_only && !(w->flags & BENCH_W_DURABLE))
		return false;
	if (only == NULL)
		return true;
	for (char **o = only; *o; o++)
		if (g_str_equal (*o, w->name))
			return true;
	return false;
}

int
main (int argc, char **argv)
{
	double scale = 1.0;
	int runs = 5;
	g_autofree char *only_arg = NULL, *json = NULL, *memory_child = NULL, *engine = NULL;
	g_autofree char *dir_arg = NULL, *recovery_write = NULL, *recovery_open = NULL;
	g_autofree char *pg_bin = g_strdup ("/usr/lib/postgresql/15/bin");
	gboolean list = FALSE, durable_only = FALSE;
	double wal_gib = -1;
	GOptionEntry entries[] = {
		{ "scale", 0, 0, G_OPTION_ARG_DOUBLE, &scale,
		  "Multiply every row count by F (default 1.0; 0.01 to try the harness)", "F" },
		{ "runs", 0, 0, G_OPTION_ARG_INT, &runs,
		  "Runs per engine and workload (default 5; the median is reported)", "N" },
		{ "only", 0, 0, G_OPTION_ARG_STRING, &only_arg,
		  "Run only these workloads (comma-separated; see --list)", "NAME" },
		{ "json", 0, 0, G_OPTION_ARG_FILENAME, &json, "Also write the results to FILE as JSON", "FILE" },
		{ "list", 0, 0, G_OPTION_ARG_NONE, &list, "List the workloads and exit", NULL },
		{ "cpu-time", 0, 0, G_OPTION_ARG_NONE, &cpu_time,
		  "Time with the process CPU clock instead of the monotonic wall clock", NULL },
		{ "engine", 0, 0, G_OPTION_ARG_STRING, &engine,
		  "Run only this engine, oxibase, sqlite or postgresql (to profile it; no ratio, no "
		  "agreement check)", "NAME" },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
		  "Show each run's answer (rows, hash of exact columns, sum of the others)", NULL },
		{ "durable", 0, 0, G_OPTION_ARG_NONE, &durable_only,
		  "Run only the durable workloads (commit_1, commit_4, commit_16, recovery_1gib)", NULL },
		{ "wal-gib", 0, 0, G_OPTION_ARG_DOUBLE, &wal_gib,
		  "Size of recovery_1gib's log in GiB (default 1.0, or --scale when that is given)", "F" },
		{ "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir_arg,
		  "Make the durable databases under DIR, on a disk, not tmpfs (default: this binary's "
		  "directory)", "DIR" },
		{ "postgres", 0, 0, G_OPTION_ARG_NONE, &with_postgres,
		  "Run the table workloads on PostgreSQL too (the routine workloads always run there)",
		  NULL },
		{ "pg-bin", 0, 0, G_OPTION_ARG_FILENAME, &pg_bin,
		  "Where PostgreSQL's initdb, pg_ctl and postgres are (default /usr/lib/postgresql/15/bin)",
		  "DIR" },
		/* The memory workload re-runs this program as a child per engine,
		 * recovery_1gib as the log's writer and as each timed open. */
		{ "memory-child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &memory_child, NULL, NULL },
		{ "recovery-write", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &recovery_write, NULL, NULL },
		{ "recovery-open", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &recovery_open, NULL, NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) ctx = g_option_context_new ("- Oxibase against SQLite and PostgreSQL");
	g_option_context_set_summary (ctx,
		"Runs each workload on Oxibase and on SQLite (both :memory:), alternating\n"
		"the two, and prints the median times and their ratio SQLite / Oxibase\n"
		"(above 1 means Oxibase is faster).  The routine workloads run on Oxibase\n"
		"and on a throwaway PostgreSQL 15 server (ratio PostgreSQL / Oxibase);\n"
		"--postgres runs the other in-memory workloads there too.  The durable\n"
		"workloads run on disk and report commits a second, with the ratio\n"
		"Oxibase / SQLite (above 1 still means Oxibase is ahead).  Exits 1 if the\n"
		"engines disagree or fail.");
	g_option_context_add_main_entries (ctx, entries, NULL);
	g_autoptr (GError) error = NULL;
	if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
		g_printerr ("oxibase-bench: %s\n", error->message);
		return 2;
	}
	if (!(scale > 0) || runs < 1 || (wal_gib != -1 && !(wal_gib > 0))) {
		g_printerr ("oxibase-bench: --scale and --wal-gib must be above 0 and --runs at least 1\n");
		return 2;
	}
	BenchParams p;
	bench_params_init (&p, scale);
	if (wal_gib > 0)
		p.wal_bytes = (uint64_t) (wal_gib * (1u << 30));

	if (recovery_write)
		return bench_recovery_write_child (recovery_write, &p);
	if (recovery_open)
		return bench_recovery_open_child (recovery_open);

	if (memory_child) {
		for (int e = 0; e < BENCH_N_ENGINES; e++)
			if (g_str_equal (memory_child, bench_engine_key ((BenchEngine) e)))
				return bench_memory_child ((BenchEngine) e, &p);
		g_printerr ("oxibase-bench: unknown engine '%s'\n", memory_child);
		return 2;
	}
	if (engine) {
		for (int e = 0; e < BENCH_N_ENGINES; e++)
			if (g_str_equal (engine, bench_engine_key ((BenchEngine) e)))
				only_engine = e;
		if (only_engine < 0) {
			g_printerr ("oxibase-bench: unknown engine '%s' (oxibase, sqlite or postgresql)\n", engine);
			return 2;
		}
	}
	if (list) {
		for (guint i = 0; i < bench_n_workloads; i++)
			printf ("%-18s %s%s\n", bench_workloads[i].name, bench_workloads[i].title,
			        bench_workloads[i].flags & BENCH_W_DURABLE ? " [durable]"
			        : bench_workloads[i].flags & BENCH_W_ROUTINE ? " [routine]" : "");
		return 0;
	}

	g_auto (GStrv) only = only_arg ? g_strsplit (only_arg, ",", -1) : NULL;
	for (char **o = only; o && *o; o++) {
		bool known = false;
		for (guint i = 0; i < bench_n_workloads; i++)
			known |= g_str_equal (*o, bench_workloads[i].name);
		if (!known) {
			g_printerr ("oxibase-bench: no workload '%s' (see --list)\n", *o);
			return 2;
		}
	}

	/* The durable workloads' private directory, made only when one of
	 * them is selected, and removed at the end. */
	bool want_memory = false, want_durable = false, want_pg = false;
	for (guint i = 0; i < bench_n_workloads; i++)
		if (selected (&bench_workloads[i], only, durable_only)) {
			want_durable |= (bench_workloads[i].flags & BENCH_W_DURABLE) != 0;
			want_memory |= !(bench_workloads[i].flags & BENCH_W_DURABLE);
			want_pg |= engine_wanted (&bench_workloads[i], BENCH_POSTGRES);
		}
	g_autofree char *durable_dir = NULL, *no_dir = NULL, *where = NULL;
	if (dir_arg && !g_file_test (dir_arg, G_FILE_TEST_IS_DIR)) {
		g_printerr ("oxibase-bench: --dir %s is not a directory\n", dir_arg);
		return 2;
	}
	if (want_durable) {
		durable_dir = durable_dir_create (dir_arg, &no_dir);
		p.dir = durable_dir;
		p.no_dir = no_dir;
		where = durable_dir ? g_strdup_printf ("in %s", durable_where)
		                    : g_strdup_printf ("not run: %s", no_dir);
	}

	/* The server first, before any database is open: it forks a reaper
	 * (pg-server.c), which must happen while we have one thread. */
	g_autofree char *pg_where = NULL;
	if (want_pg) {
		g_printerr ("starting a PostgreSQL server from %s ...\n", pg_bin);
		if (!bench_pg_start (pg_bin, &pg_skipped))
			g_printerr ("PostgreSQL skipped: %s\n", pg_skipped);
		pg_where = bench_pg_describe ();
	}

	BenchConn *conns[BENCH_N_ENGINES] = { NULL };
	for (int e = 0; e < BENCH_N_ENGINES; e++) {
		char *msg = NULL;
		if (e == BENCH_POSTGRES && (!want_pg || pg_skipped))
			continue;
		conns[e] = bench_conn_open ((BenchEngine) e, &msg);
		if (conns[e] == NULL) {
			g_printerr ("oxibase-bench: cannot open %s: %s\n", bench_engine_name ((BenchEngine) e), msg);
			for (int o = 0; o < e; o++)
				bench_conn_close (conns[o]);
			bench_pg_stop ();
			if (durable_dir)
				bench_remove_tree (durable_dir);
			return 1;
		}
	}

	const char *clock_name = cpu_time ? "process CPU time" : "wall time";
	/* The JSON's date: when the run started, as the README's tables say. */
	g_autoptr (GDateTime) started = g_date_time_new_now_local ();
	g_printerr ("Oxibase %s vs SQLite %s, :memory:, scale %g, %d runs each, %s\n",
	            bench_engine_version (BENCH_OXIBASE), bench_engine_version (BENCH_SQLITE), scale, runs,
	            clock_name);
	if (pg_where)
		g_printerr ("PostgreSQL %s: %s\n", bench_engine_version (BENCH_POSTGRES), pg_where);
	if (want_durable)
		g_printerr ("durable workloads %s\n", where);
	Outcome *out = g_new0 (Outcome, bench_n_workloads);
	guint n = 0;
	for (guint i = 0; i < bench_n_workloads; i++)
		if (selected (&bench_workloads[i], only, durable_only))
			run_workload (&bench_workloads[i], conns, &p, (guint) runs, &out[n++]);
	for (int e = 0; e < BENCH_N_ENGINES; e++)
		bench_conn_close (conns[e]);
	bench_pg_stop ();
	if (durable_dir && !bench_remove_tree (durable_dir))
		g_printerr ("oxibase-bench: could not remove all of %s\n", durable_dir);

	if (want_memory) {
		printf ("\nOxibase %s vs SQLite %s, :memory:, and PostgreSQL %s (%s), scale %g, %d runs "
		        "each, %s%s (median, min..max; SQ/Ox = SQLite / Oxibase, PG/Ox = PostgreSQL / "
		        "Oxibase: above 1 means Oxibase is faster)\n\n",
		        bench_engine_version (BENCH_OXIBASE), bench_engine_version (BENCH_SQLITE),
		        pg_skipped || !want_pg ? "-" : bench_engine_version (BENCH_POSTGRES),
		        pg_skipped ? "skipped" : !want_pg ? "not run"
		        : "fsync, synchronous_commit, full_page_writes off; unix socket; libpq prepared statements",
		        scale, runs, clock_name, cpu_time && want_pg && !pg_skipped
		        ? " (PostgreSQL: wall time, its work is in the server)" : "");
		print_table (stdout, out, n, false);
		if (pg_skipped)
			printf ("\nPostgreSQL skipped: %s\n", pg_skipped);
		else if (!with_postgres && only_engine < 0)
			printf ("\nPostgreSQL \"off\": it runs the routine workloads only, unless --postgres "
			        "is given; \"n/a\": the engine has no counterpart\n");
	}
	if (want_durable) {
		printf ("\nDurable: Oxibase %s directory, synchronous_commit full, vs SQLite %s file, "
		        "journal_mode WAL, synchronous FULL; %s; %" G_GINT64_FORMAT " commits a run; "
		        "%d runs each, wall time (median, min..max; for c/s, commits a second, "
		        "ratio = Oxibase / SQLite, the inverse of the time ratios: above 1 means Oxibase "
		        "is ahead; SQLite has no recovery figure)\n\n",
		        bench_engine_version (BENCH_OXIBASE), bench_engine_version (BENCH_SQLITE),
		        where, (gint64) p.n_commit, runs);
		print_table (stdout, out, n, true);
		for (guint i = 0; i < n; i++) {
			if (out[i].note)
				printf ("\n%s\n", out[i].note);
			/* The header already says why none of them ran. */
			if (out[i].skipped && !(no_dir && g_str_equal (out[i].skipped, no_dir)))
				printf ("\nSKIPPED %s: %s\n", out[i].w->name, out[i].skipped);
		}
	}

	int status = 0;
	for (guint i = 0; i < n; i++) {
		const Outcome *o = &out[i];
		for (int e = 0; e < BENCH_N_ENGINES; e++)
			if (o->side[e].error) {
				printf ("\nERROR %s: %s\n", o->w->name, o->side[e].error);
				status = 1;
			}
		if (o->mismatches) {
			printf ("\nMISMATCH %s: %u of %d runs disagreed; first: %s\n", o->w->name, o->mismatches,
			        runs, o->mismatch);
			status = 1;
		}
	}
	if (json && !write_json (json, out, n, &p, (guint) runs, clock_name, started, &error)) {
		g_printerr ("oxibase-bench: %s\n", error->message);
		status = 1;
	}
	for (guint i = 0; i < n; i++) {
		for (int e = 0; e < BENCH_N_ENGINES; e++) {
			g_free (out[i].side[e].samples);
			g_free (out[i].side[e].error);
		}
		g_free (out[i].mismatch);
		g_free (out[i].skipped);
		g_free (out[i].note);
	}
	g_free (durable_where);
	g_free (pg_skipped);
	g_free (out);
	return status;
}

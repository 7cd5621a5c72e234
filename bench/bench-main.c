/*
 * bench-main.c — oxibase-bench: Oxibase against SQLite, side by side, in one run.
 *
 * For each workload (workloads.c) both engines get their own :memory:
 * database with the same data; the harness then runs the workload
 * --runs times on each, alternating which engine goes first, times each
 * run with the monotonic clock, checks that the two engines answered the
 * same, and prints one table: the median of each side, their ratio
 * (SQLite / Oxibase, so above 1 means Oxibase is faster), min and max.
 *
 *   oxibase-bench [--scale F] [--runs N] [--only NAME[,NAME...]] [--json FILE]
 *                 [--cpu-time] [--engine oxibase|sqlite] [--verbose] [--list]
 *
 * Exit status: 0 when every workload ran on both engines and the answers
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
 * instead, which time slices lost to other jobs do not inflate.
 *
 * NOTE: only the run itself is timed.  Loading data sets, each workload's
 * untimed preparation (dropping and re-creating a table) and the
 * agreement checks stay outside the clock.
 */
#define G_LOG_DOMAIN "oxibase-bench"

#include "bench.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* ---- one workload, both engines --------------------------------------------------- */

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

static void
run_workload (const BenchWorkload *w, BenchConn **conns, const BenchParams *p, guint runs,
              Outcome *o)
{
	o->w = w;
	for (int e = 0; e < BENCH_N_ENGINES; e++)
		o->side[e].samples = g_new0 (double, runs);
	bool timed = g_str_equal (w->unit, "ms");
	for (guint run = 0; run < runs; run++) {
		BenchResult res[BENCH_N_ENGINES];
		bool ok[BENCH_N_ENGINES] = { false, false };
		memset (res, 0, sizeof res);
		g_printerr ("%-18s run %u/%u:", w->name, run + 1, runs);
		for (int j = 0; j < BENCH_N_ENGINES; j++) {
			/* Alternate who goes first: a machine that slows down (or warms
			 * up) over a run then hurts both sides alike. */
			BenchEngine e = (BenchEngine) (run % 2 ? BENCH_N_ENGINES - 1 - j : j);
			BenchConn *c = conns[e];
			Side *s = &o->side[e];
			if (s->error || (only_engine >= 0 && (int) e != only_engine))
				continue;
			if (!bench_datasets_ensure (c, p, w->needs)) {
				side_fail (s, c, w, run, "loading data");
				continue;
			}
			if (w->before && !w->before (c, p, run)) {
				side_fail (s, c, w, run, "preparing");
				continue;
			}
			gint64 t0 = clock_us ();
			bool done = w->run (c, p, run, &res[e]);
			gint64 t1 = clock_us ();
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
			g_printerr ("  %s %.1f %s", bench_engine_key (e), v, w->unit);
			if (verbose)
				g_printerr (" [rows %" G_GINT64_FORMAT " hash %016" G_GINT64_MODIFIER "x sum %.17g]",
				            (gint64) res[e].rows, (guint64) res[e].hash, res[e].dsum);
		}
		g_printerr ("\n");
		char *why = NULL;
		if (ok[BENCH_OXIBASE] && ok[BENCH_SQLITE]
		    && !bench_result_agree (&res[BENCH_OXIBASE], &res[BENCH_SQLITE], &why)) {
			g_printerr ("\n*** MISMATCH in %s, run %u: Oxibase and SQLite disagree: %s\n\n",
			            w->name, run + 1, why);
			o->mismatches++;
			if (o->mismatch == NULL)
				o->mismatch = g_strdup_printf ("run %u: %s", run + 1, why);
		}
		g_free (why);
	}
	for (int e = 0; e < BENCH_N_ENGINES; e++)
		side_summarize (&o->side[e]);
}

/* ---- output ------------------------------------------------------------------------ */

static const char *
outcome_status (const Outcome *o)
{
	if (o->side[BENCH_OXIBASE].error && o->side[BENCH_SQLITE].error)
		return "ERROR (both)";
	if (o->side[BENCH_OXIBASE].error)
		return "ERROR (Oxibase)";
	if (o->side[BENCH_SQLITE].error)
		return "ERROR (SQLite)";
	if (o->mismatches)
		return "MISMATCH";
	return "ok";
}

/* The ratio when both sides have a median; NAN otherwise. */
static double
outcome_ratio (const Outcome *o)
{
	const Side *ox = &o->side[BENCH_OXIBASE], *lite = &o->side[BENCH_SQLITE];
	if (ox->n == 0 || lite->n == 0 || ox->median <= 0)
		return NAN;
	return lite->median / ox->median;
}

static void
format_cell (char *buf, size_t size, const Side *s, bool range)
{
	if (s->n == 0)
		g_strlcpy (buf, "-", size);
	else if (range)
		g_snprintf (buf, size, "%.1f..%.1f", s->min, s->max);
	else
		g_snprintf (buf, size, "%.1f", s->median);
}

static void
print_table (FILE *f, const Outcome *out, guint n)
{
	fprintf (f, "%-18s %-4s %10s %10s %7s  %-19s %-19s %s\n", "workload", "unit", "Oxibase",
	         "SQLite", "ratio", "Oxibase min..max", "SQLite min..max", "check");
	for (guint i = 0; i < n; i++) {
		const Outcome *o = &out[i];
		char ox[32], lite[32], oxr[48], liter[48], ratio[16];
		format_cell (ox, sizeof ox, &o->side[BENCH_OXIBASE], false);
		format_cell (lite, sizeof lite, &o->side[BENCH_SQLITE], false);
		format_cell (oxr, sizeof oxr, &o->side[BENCH_OXIBASE], true);
		format_cell (liter, sizeof liter, &o->side[BENCH_SQLITE], true);
		double r = outcome_ratio (o);
		if (isnan (r))
			g_strlcpy (ratio, "-", sizeof ratio);
		else
			g_snprintf (ratio, sizeof ratio, "%.2f", r);
		fprintf (f, "%-18s %-4s %10s %10s %7s  %-19s %-19s %s\n", o->w->name, o->w->unit, ox, lite,
		         ratio, oxr, liter, outcome_status (o));
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
	g_string_append (s, "},\n  \"versions\": {\"oxibase\": ");
	json_string (s, bench_engine_version (BENCH_OXIBASE));
	g_string_append (s, ", \"sqlite\": ");
	json_string (s, bench_engine_version (BENCH_SQLITE));
	g_string_append (s, "},\n  \"workloads\": [\n");
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
		g_string_append (s, ",\n     \"ratio\": ");
		json_number (s, outcome_ratio (o));
		g_string_append (s, ", \"status\": ");
		json_string (s, outcome_status (o));
		g_string_append (s, ", \"mismatch\": ");
		json_string (s, o->mismatch);
		g_string_append_printf (s, "}%s\n", i + 1 < n ? "," : "");
	}
	g_string_append (s, "  ]\n}\n");
	return g_file_set_contents (path, s->str, (gssize) s->len, error);
}

/* ---- main ---------------------------------------------------------------------------- */

static bool
selected (const BenchWorkload *w, char **only)
{
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
	gboolean list = FALSE;
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
		  "Run only this engine, oxibase or sqlite (to profile it; no ratio, no agreement check)",
		  "NAME" },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
		  "Show each run's answer (rows, hash of exact columns, sum of the others)", NULL },
		/* The memory workload re-runs this program as a child per engine. */
		{ "memory-child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &memory_child, NULL, NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) ctx = g_option_context_new ("- Oxibase against SQLite");
	g_option_context_set_summary (ctx,
		"Runs each workload on Oxibase and on SQLite (both :memory:), alternating\n"
		"the two, and prints the median times and their ratio SQLite / Oxibase\n"
		"(above 1 means Oxibase is faster).  Exits 1 if the engines disagree or fail.");
	g_option_context_add_main_entries (ctx, entries, NULL);
	g_autoptr (GError) error = NULL;
	if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
		g_printerr ("oxibase-bench: %s\n", error->message);
		return 2;
	}
	if (!(scale > 0) || runs < 1) {
		g_printerr ("oxibase-bench: --scale must be above 0 and --runs at least 1\n");
		return 2;
	}
	BenchParams p;
	bench_params_init (&p, scale);

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
			g_printerr ("oxibase-bench: unknown engine '%s' (oxibase or sqlite)\n", engine);
			return 2;
		}
	}
	if (list) {
		for (guint i = 0; i < bench_n_workloads; i++)
			printf ("%-18s %s\n", bench_workloads[i].name, bench_workloads[i].title);
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

	BenchConn *conns[BENCH_N_ENGINES];
	for (int e = 0; e < BENCH_N_ENGINES; e++) {
		char *msg = NULL;
		conns[e] = bench_conn_open ((BenchEngine) e, &msg);
		if (conns[e] == NULL) {
			g_printerr ("oxibase-bench: cannot open %s: %s\n", bench_engine_name ((BenchEngine) e), msg);
			return 1;
		}
	}

	const char *clock_name = cpu_time ? "process CPU time" : "wall time";
	/* The JSON's date: when the run started, as the README's tables say. */
	g_autoptr (GDateTime) started = g_date_time_new_now_local ();
	g_printerr ("Oxibase %s vs SQLite %s, :memory:, scale %g, %d runs each, %s\n",
	            bench_engine_version (BENCH_OXIBASE), bench_engine_version (BENCH_SQLITE), scale, runs,
	            clock_name);
	Outcome *out = g_new0 (Outcome, bench_n_workloads);
	guint n = 0;
	for (guint i = 0; i < bench_n_workloads; i++)
		if (selected (&bench_workloads[i], only))
			run_workload (&bench_workloads[i], conns, &p, (guint) runs, &out[n++]);
	for (int e = 0; e < BENCH_N_ENGINES; e++)
		bench_conn_close (conns[e]);

	printf ("\nOxibase %s vs SQLite %s, :memory:, scale %g, %d runs each, %s "
	        "(median, min..max; ratio = SQLite / Oxibase, above 1 means Oxibase is faster)\n\n",
	        bench_engine_version (BENCH_OXIBASE), bench_engine_version (BENCH_SQLITE), scale, runs,
	        clock_name);
	print_table (stdout, out, n);

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
	}
	g_free (out);
	return status;
}

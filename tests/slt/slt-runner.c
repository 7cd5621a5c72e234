/*
 * slt-runner.c — run sqllogictest scripts against Oxibase through its
 * public API (oxibase.h) and count passed, failed and skipped records.
 *
 *   slt-runner [--xfail FILE] [--json FILE] [--verbose] [--quiet]
 *              [--stop-on-fail] FILE...
 *
 * Each file runs in a fresh ":memory:" database with one session, so files
 * cannot leak tables into each other.  A record that fails is reported as
 * path:line with its SQL and what differed; the runner goes on with the
 * next record, as the reference does, because later records of a corpus
 * file rarely depend on a failed query.  Exit status: 0 when nothing
 * failed, 1 when something did, 2 on a usage error.
 *
 * Counting.  passed/failed count statement and query records that ran.
 * skipped counts records excluded by skipif/onlyif plus "xfailed" ones:
 * records named in the --xfail list that failed (the list holds records
 * that use syntax only SQLite has).  An xfail record that passes counts as
 * passed and says XPASS so that the list shrinks.  --json also reports
 * xfailed on its own so that dev.sh can work out the pass rate over the
 * records that ran.
 *
 * NOTE: this file must use oxibase.h only; the runner is the corpus's
 * judge of the public API, so reaching into engine internals would let a
 * broken API pass.
 *
 * NOTE: result size is capped (SLT_MAX_VALUES, SLT_MAX_BYTES): a query
 * that loops (a bad join, a recursive CTE gone wrong) must fail as one
 * record, not take the machine's memory and the CI run with it.  Long
 * running statements are the engine's business (statement_timeout).
 */
#include "oxibase.h"
#include "slt-format.h"

#include <glib.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLT_MAX_VALUES (4u * 1000 * 1000)
#define SLT_MAX_BYTES  ((gsize) 256 * 1024 * 1024)
/* Lines of expected/got printed for a failure before "...", and bytes
 * of each. */
#define SLT_SHOW_LINES 24
#define SLT_SHOW_WIDTH 160

typedef struct Counts {
	guint passed;
	guint failed;
	guint skipped;  /* includes xfailed */
	guint xfailed;
} Counts;

typedef struct Runner {
	GPtrArray  *xfails;        /* SltXfail *, or NULL without --xfail */
	bool        verbose;
	bool        quiet;
	bool        stop_on_fail;
	bool        stopped;       /* --stop-on-fail tripped */
	Counts      total;
	GString    *json_files;    /* one JSON object per file, ",\n"-joined */
} Runner;

/* One file's run. */
typedef struct FileRun {
	Runner     *rn;
	const char *path;
	OxSession  *session;
	int         threshold;     /* hash-threshold in force; 0 = never hash */
	GHashTable *labels;        /* label -> "N values hashing to MD5" */
	Counts      counts;
} FileRun;

static void
notice_cb (void *user, const char *severity, const char *sqlstate, const char *message)
{
	FileRun *fr = user;
	if (fr->rn->verbose)
		printf ("  %s %s: %s\n", severity, sqlstate ? sqlstate : "", message);
}

static void
print_indented (const char *label, const char *text)
{
	printf ("  %s\n", label);
	char **lines = g_strsplit (text, "\n", -1);
	for (guint i = 0; lines[i]; i++)
		printf ("    %s\n", lines[i]);
	g_strfreev (lines);
}

static void
print_values (const char *label, GPtrArray *values)
{
	printf ("  %s (%u lines)\n", label, values->len);
	guint n = MIN (values->len, SLT_SHOW_LINES);
	for (guint i = 0; i < n; i++) {
		const char *v = g_ptr_array_index (values, i);
		printf ("    %.*s%s\n", SLT_SHOW_WIDTH, v, strlen (v) > SLT_SHOW_WIDTH ? "..." : "");
	}
	if (n < values->len)
		printf ("    ... %u more\n", values->len - n);
}

static void
append_error (GString *why, const OxError *err)
{
	g_string_append_printf (why, "ERROR %s: %s", err->sqlstate[0] ? err->sqlstate : "-----",
	                        err->message ? err->message : "(no message)");
	if (err->position > 0)
		g_string_append_printf (why, " (at character %d)", err->position);
	if (err->detail)
		g_string_append_printf (why, "\nDETAIL: %s", err->detail);
	if (err->hint)
		g_string_append_printf (why, "\nHINT: %s", err->hint);
}

/* Judge an error against "error [SQLSTATE]".  Returns true on a match. */
static bool
error_matches (const SltRecord *r, const OxError *err, GString *why)
{
	if (r->sqlstate[0] == '\0' || strcmp (r->sqlstate, err->sqlstate) == 0)
		return true;
	g_string_append_printf (why, "expected an error with SQLSTATE %s, got ", r->sqlstate);
	append_error (why, err);
	return false;
}

/* Outcomes: true = passed; false = failed with *why filled in. */
static bool
run_statement (FileRun *fr, const SltRecord *r, GString *why)
{
	OxError err = { 0 };
	int rc = ox_exec (fr->session, r->sql, &err);
	bool ok;
	if (rc == OX_OK) {
		ok = !r->expect_error;
		if (!ok)
			g_string_append (why, "expected an error, statement succeeded");
	} else if (r->expect_error) {
		ok = error_matches (r, &err, why);
	} else {
		append_error (why, &err);
		ok = false;
	}
	ox_error_clear (&err);
	return ok;
}

/* Run every statement of the query text and collect the formatted values
 * of the rows they return.  Returns OX_OK, or OX_ERROR with err set (an
 * engine error) or with err empty and why filled (a runner-side failure:
 * wrong column count, result too large). */
static int
collect_rows (FileRun *fr, const SltRecord *r, GPtrArray *values, int *ncols_out,
              OxError *err, GString *why)
{
	const char *sql = r->sql;
	gsize bytes = 0;
	int ncols_expected = r->types ? (int) strlen (r->types) : -1;
	*ncols_out = ncols_expected > 0 ? ncols_expected : 1;

	for (;;) {
		OxStmt *st = NULL;
		const char *tail = NULL;
		if (ox_prepare (fr->session, sql, -1, &st, &tail, err) != OX_OK)
			return OX_ERROR;
		if (st == NULL)
			return OX_OK;
		int ncols = ox_column_count (st);
		bool returns_rows = ox_stmt_returns_rows (st);
		if (returns_rows && ncols_expected >= 0 && ncols != ncols_expected) {
			g_string_append_printf (why, "query returns %d columns, the record declares %d (%s)",
			                        ncols, ncols_expected, r->types);
			ox_finalize (st);
			return OX_ERROR;
		}
		int rc;
		while ((rc = ox_step (st, err)) == OX_ROW) {
			if (ncols_expected < 0)
				continue;  /* query error: rows are not looked at */
			for (int c = 0; c < ncols; c++) {
				bool is_bool = ox_column_type (st, c) == OX_TYPE_BOOLEAN;
				const char *text = ox_column_is_null (st, c) ? NULL : ox_column_text (st, c);
				char *v = slt_format_value (r->types[c], text, is_bool);
				bytes += strlen (v) + 1;
				g_ptr_array_add (values, v);
			}
			if (values->len > SLT_MAX_VALUES || bytes > SLT_MAX_BYTES) {
				g_string_append_printf (why, "result too large (over %u values or %zu MiB); stopped reading",
				                        SLT_MAX_VALUES, SLT_MAX_BYTES >> 20);
				ox_finalize (st);
				return OX_ERROR;
			}
		}
		ox_finalize (st);
		if (rc != OX_DONE)
			return OX_ERROR;
		sql = tail;
		if (sql == NULL)
			return OX_OK;
	}
}

/* What a failed record prints besides its SQL. */
typedef struct Outcome {
	GString   *why;     /* one or more lines saying what went wrong */
	GPtrArray *got;     /* query: formatted, sorted values (char *), or NULL */
	int        ncols;   /* query: columns per row of got */
} Outcome;

static bool
run_query (FileRun *fr, const SltRecord *r, Outcome *out)
{
	GString *why = out->why;
	GPtrArray *values = g_ptr_array_new_with_free_func (g_free);
	OxError err = { 0 };
	int ncols;
	int rc = collect_rows (fr, r, values, &ncols, &err, why);

	if (r->expect_error) {
		bool ok;
		if (rc == OX_OK) {
			g_string_append (why, "expected an error, query succeeded");
			ok = false;
		} else if (why->len > 0) {
			ok = false;
		} else {
			ok = error_matches (r, &err, why);
		}
		ox_error_clear (&err);
		g_ptr_array_unref (values);
		return ok;
	}
	if (rc != OX_OK) {
		if (why->len == 0)
			append_error (why, &err);
		ox_error_clear (&err);
		g_ptr_array_unref (values);
		return false;
	}
	ox_error_clear (&err);

	slt_sort_values (values, ncols, r->sort);

	char *reason = NULL;
	bool ok = slt_compare_results (r->expected, values, ncols, &reason);
	if (!ok) {
		g_string_append (why, reason);
		g_free (reason);
	}

	/* Queries with the same label must agree with each other too (the
	 * corpus uses this to say that rewrites of one query are equivalent). */
	if (r->label != NULL) {
		char *hash = slt_hash_values (values);
		const char *prev = g_hash_table_lookup (fr->labels, r->label);
		if (prev == NULL) {
			g_hash_table_insert (fr->labels, g_strdup (r->label), hash);
		} else {
			if (strcmp (prev, hash) != 0) {
				if (why->len > 0)
					g_string_append_c (why, '\n');
				g_string_append_printf (why, "label %s: an earlier query gave %s, this one %s",
				                        r->label, prev, hash);
				ok = false;
			}
			g_free (hash);
		}
	}

	out->got = values;
	out->ncols = ncols;
	return ok;
}

static void
report_failure (FileRun *fr, const SltRecord *r, const Outcome *out)
{
	if (fr->rn->quiet)
		return;
	printf ("%s:%d: FAILED\n", fr->path, r->line);
	if (r->sql)
		print_indented ("sql:", r->sql);
	print_indented ("why:", out->why->str);
	if (out->got == NULL)
		return;
	print_values ("expected:", r->expected);
	/* A big result is compared (and written in the corpus) as a hash:
	 * print ours too, so the two lines can be compared by eye. */
	guint n = out->got->len;
	bool hashed = (fr->threshold > 0 && n > (guint) fr->threshold) ||
	              (r->expected->len == 1 &&
	               strstr (g_ptr_array_index (r->expected, 0), " hashing to ") != NULL);
	if (hashed) {
		char *hash = slt_hash_values (out->got);
		printf ("  got hash:\n    %s\n", hash);
		g_free (hash);
	}
	print_values ("got:", out->got);
}

static void
run_record (FileRun *fr, const SltRecord *r)
{
	Runner *rn = fr->rn;
	Outcome out = { .why = g_string_new (NULL) };
	bool ok;

	if (r->kind == SLT_RECORD_INVALID) {
		g_string_append (out.why, r->message);
		ok = false;
	} else if (r->kind == SLT_RECORD_STATEMENT) {
		ok = run_statement (fr, r, out.why);
	} else {
		ok = run_query (fr, r, &out);
	}

	SltXfail *x = r->kind == SLT_RECORD_INVALID ? NULL : slt_xfail_find (rn->xfails, fr->path, r->line);
	if (x)
		x->hits++;
	if (ok) {
		fr->counts.passed++;
		if (x)
			printf ("XPASS %s:%d — remove it from the xfail list\n", fr->path, r->line);
		else if (rn->verbose)
			printf ("%s:%d: ok\n", fr->path, r->line);
	} else if (x) {
		fr->counts.skipped++;
		fr->counts.xfailed++;
		if (rn->verbose)
			printf ("%s:%d: xfail (%s)\n", fr->path, r->line, x->reason);
	} else {
		fr->counts.failed++;
		report_failure (fr, r, &out);
		if (rn->stop_on_fail)
			rn->stopped = true;
	}
	g_string_free (out.why, TRUE);
	if (out.got)
		g_ptr_array_unref (out.got);
}

static void
add_counts (Counts *to, const Counts *c)
{
	to->passed += c->passed;
	to->failed += c->failed;
	to->skipped += c->skipped;
	to->xfailed += c->xfailed;
}

static void
json_counts (GString *out, const Counts *c)
{
	g_string_append_printf (out, "\"passed\": %u, \"failed\": %u, \"skipped\": %u, \"xfailed\": %u",
	                        c->passed, c->failed, c->skipped, c->xfailed);
}

/* Run a parsed script in a fresh database.  Failures to set one up count
 * as one failed record: an empty run must not look like a pass. */
static void
run_script (FileRun *fr, const char *text, gsize len)
{
	OxDatabase *db = NULL;
	OxError err = { 0 };
	if (ox_db_open (":memory:", &db, &err) != OX_OK ||
	    ox_session_new (db, &fr->session, &err) != OX_OK) {
		printf ("%s: cannot open a database: %s %s\n", fr->path, err.sqlstate,
		        err.message ? err.message : "");
		ox_error_clear (&err);
		if (db)
			ox_db_close (db);
		fr->counts.failed++;
		return;
	}
	ox_session_set_notice_func (fr->session, notice_cb, fr);
	fr->labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

	GPtrArray *records = slt_parse (text, len);
	for (guint i = 0; i < records->len && !fr->rn->stopped; i++) {
		const SltRecord *r = g_ptr_array_index (records, i);
		bool runs = r->kind == SLT_RECORD_STATEMENT || r->kind == SLT_RECORD_QUERY;
		if (slt_record_skipped (r, SLT_ENGINE_NAME)) {
			if (runs)
				fr->counts.skipped++;
			continue;
		}
		if (r->kind == SLT_RECORD_HALT)
			break;
		if (r->kind == SLT_RECORD_HASH_THRESHOLD) {
			fr->threshold = r->threshold;
			continue;
		}
		run_record (fr, r);
		fflush (stdout);
	}
	g_ptr_array_unref (records);

	g_hash_table_unref (fr->labels);
	ox_session_free (fr->session);
	ox_db_close (db);
}

static void
run_file (Runner *rn, const char *path)
{
	FileRun fr = { .rn = rn, .path = path };
	char *text = NULL;
	gsize len = 0;
	GError *error = NULL;

	if (g_file_get_contents (path, &text, &len, &error)) {
		run_script (&fr, text, len);
		g_free (text);
	} else {
		fprintf (stderr, "slt-runner: %s\n", error->message);
		g_error_free (error);
		fr.counts.failed++;  /* a missing file must not look like a pass */
	}

	printf ("%s: %u passed, %u failed, %u skipped\n", path,
	        fr.counts.passed, fr.counts.failed, fr.counts.skipped);
	fflush (stdout);
	add_counts (&rn->total, &fr.counts);
	if (rn->json_files->len > 0)
		g_string_append (rn->json_files, ",\n");
	g_string_append (rn->json_files, "  {\"path\": ");
	slt_json_append_string (rn->json_files, path);
	g_string_append (rn->json_files, ", ");
	json_counts (rn->json_files, &fr.counts);
	g_string_append (rn->json_files, "}");
}

static bool
write_json (Runner *rn, const char *json_path)
{
	g_autoptr (GString) out = g_string_new ("{\"files\": [\n");
	g_string_append (out, rn->json_files->str);
	g_string_append (out, "\n],\n\"total\": {");
	json_counts (out, &rn->total);
	g_string_append (out, "}}\n");
	g_autoptr (GError) error = NULL;
	if (!g_file_set_contents (json_path, out->str, (gssize) out->len, &error)) {
		fprintf (stderr, "slt-runner: %s\n", error->message);
		return false;
	}
	return true;
}

int
main (int argc, char **argv)
{
	setlocale (LC_ALL, "C");

	g_autofree char *xfail_path = NULL;
	g_autofree char *json_path = NULL;
	gboolean verbose = FALSE, quiet = FALSE, stop_on_fail = FALSE;
	GOptionEntry entries[] = {
		{ "xfail", 0, 0, G_OPTION_ARG_FILENAME, &xfail_path,
		  "Records expected to fail (path.test:LINE  # reason)", "FILE" },
		{ "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path,
		  "Write per-file counts as JSON", "FILE" },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Report every record", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print only the counts", NULL },
		{ "stop-on-fail", 0, 0, G_OPTION_ARG_NONE, &stop_on_fail,
		  "Stop at the first failing record", NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) ctx = g_option_context_new ("FILE... — run sqllogictest scripts");
	g_option_context_add_main_entries (ctx, entries, NULL);
	g_autoptr (GError) error = NULL;
	if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc < 2) {
		fprintf (stderr, "slt-runner: %s\n", error ? error->message : "no files given");
		fprintf (stderr, "usage: slt-runner [--xfail FILE] [--json FILE] [--verbose] [--quiet] "
		                 "[--stop-on-fail] FILE...\n");
		return 2;
	}

	Runner rn = {
		.verbose = verbose,
		.quiet = quiet,
		.stop_on_fail = stop_on_fail,
		.json_files = g_string_new (NULL),
	};
	if (xfail_path) {
		g_autofree char *text = NULL;
		if (!g_file_get_contents (xfail_path, &text, NULL, &error) ||
		    (rn.xfails = slt_xfail_parse (text, &error)) == NULL) {
			fprintf (stderr, "slt-runner: %s: %s\n", xfail_path, error->message);
			g_string_free (rn.json_files, TRUE);
			return 2;
		}
	}

	for (int i = 1; i < argc && !rn.stopped; i++)
		run_file (&rn, argv[i]);

	/* An entry for a file we ran that matched no record has gone stale
	 * (the file was edited): say so, or it would excuse the wrong record
	 * after the next edit. */
	if (rn.xfails && !rn.stopped) {
		for (guint i = 0; i < rn.xfails->len; i++) {
			SltXfail *x = g_ptr_array_index (rn.xfails, i);
			if (x->hits > 0)
				continue;
			for (int f = 1; f < argc; f++)
				if (slt_path_matches (argv[f], x->path)) {
					printf ("warning: xfail entry %s:%d matches no record that ran\n", x->path, x->line);
					break;
				}
		}
	}

	printf ("total: %u passed, %u failed, %u skipped\n",
	        rn.total.passed, rn.total.failed, rn.total.skipped);

	bool json_ok = json_path == NULL || write_json (&rn, json_path);
	g_string_free (rn.json_files, TRUE);
	if (rn.xfails)
		g_ptr_array_unref (rn.xfails);
	return rn.total.failed > 0 || !json_ok ? 1 : 0;
}

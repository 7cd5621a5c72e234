/*
 * debug-bench.c — oxibase-debug-bench: what debugging costs (issue 6's
 * performance targets), measured, never asserted.
 *
 *   attached   the same routine workloads run on a session without and
 *              with a debugger attached (no breakpoints set), alternating,
 *              RUNS times each; the ratio is with / without (target: at
 *              most 1.10)
 *   dap_next   the round trip of a `next` request through a real
 *              oxibase-dap process on pipes: from writing the request to
 *              reading the `stopped` event it causes (target: under 5 ms)
 *
 * Usage: oxibase-debug-bench [--runs N] [--steps N] PATH-TO-oxibase-dap
 *
 * NOTE: what can go wrong: an adapter that never answers would hang the
 * benchmark; every read has a 30-second deadline and fails it instead.
 */
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oxibase.h"
#include "debug.h"
#include "debugger.h"

static int runs = 7;
static int steps = 500;

typedef struct {
	const char *name;
	const char *what;
	const char *setup;
	const char *run;
} Workload;

static const Workload workloads[] = {
	{ "plsql_loop", "PL/SQL: 2,000,000 additions in a FOR loop",
	  "CREATE FUNCTION loop_sum(n int) RETURNS bigint LANGUAGE plsql AS $$\n"
	  "DECLARE s bigint := 0;\nBEGIN\n  FOR i IN 1..n LOOP\n    s := s + i;\n  END LOOP;\n  RETURN s;\nEND $$",
	  "SELECT loop_sum(2000000)" },
	{ "plsql_insert_proc", "PL/SQL: 50,000 INSERTs from a procedure",
	  "CREATE TABLE pins (id int PRIMARY KEY, v int);\n"
	  "CREATE PROCEDURE ins(n int) LANGUAGE plsql AS $$\nBEGIN\n  FOR i IN 1..n LOOP\n"
	  "    INSERT INTO pins VALUES (i, i % 1000);\n  END LOOP;\nEND $$",
	  "TRUNCATE pins; CALL ins(50000)" },
	{ "lua_loop", "Lua: 2,000,000 additions in a for loop",
	  "CREATE FUNCTION lua_sum(n int) RETURNS bigint LANGUAGE lua AS $$\n"
	  "local s = 0\nfor i = 1, n do\n  s = s + i\nend\nreturn s\n$$",
	  "SELECT lua_sum(2000000)" },
};

static void
die (const char *what, OxError *e)
{
	fprintf (stderr, "oxibase-debug-bench: %s: %s %s\n", what, e ? e->sqlstate : "", e && e->message ? e->message : "");
	exit (1);
}

static double
time_once (OxSession *s, const char *sql)
{
	OxError e = { 0 };
	gint64 t0 = g_get_monotonic_time ();
	if (ox_exec (s, sql, &e) != OX_OK)
		die (sql, &e);
	return (double) (g_get_monotonic_time () - t0) / 1000.0;
}

static int
cmp_double (const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;
	return x < y ? -1 : x > y;
}

static double
median (double *v, int n)
{
	qsort (v, (size_t) n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
bench_attached (void)
{
	printf ("%-18s %12s %12s %8s   %s\n", "workload", "plain ms", "attached ms", "ratio", "(median of runs; ratio = attached / plain)");
	for (size_t w = 0; w < G_N_ELEMENTS (workloads); w++) {
		OxDatabase *db;
		OxSession *plain, *debugged;
		OxError e = { 0 };
		if (ox_db_open (":memory:", &db, &e) != OX_OK || ox_session_new (db, &plain, &e) != OX_OK ||
		    ox_session_new (db, &debugged, &e) != OX_OK)
			die ("open", &e);
		if (ox_exec (plain, workloads[w].setup, &e) != OX_OK)
			die (workloads[w].setup, &e);
		OxDebuggerCallbacks cb = { 0 };
		OxDebugger *dbg = ox_debugger_new (debugged, &cb, NULL);
		ox_debugger_set_max_pause (dbg, 0);
		double *a = g_new (double, runs), *b = g_new (double, runs);
		/* one warm-up each: compiled forms and plans are cached per session */
		time_once (plain, workloads[w].run);
		time_once (debugged, workloads[w].run);
		for (int r = 0; r < runs; r++) {
			a[r] = time_once (plain, workloads[w].run);
			b[r] = time_once (debugged, workloads[w].run);
		}
		double ma = median (a, runs), mb = median (b, runs);
		printf ("%-18s %12.1f %12.1f %8.3f   %s\n", workloads[w].name, ma, mb, mb / ma, workloads[w].what);
		g_free (a);
		g_free (b);
		ox_debugger_free (dbg);
		ox_session_free (plain);
		ox_session_free (debugged);
		ox_db_close (db);
	}
}

/* ---- dap_next ------------------------------------------------------------------------------- */

typedef struct {
	GSubprocess    *proc;
	GOutputStream  *in;
	GDataInputStream *out;
	gint64          seq;
} Dap;

static void
dap_send (Dap *d, const char *command, const char *args)
{
	char *body = g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",\"type\":\"request\",\"command\":\"%s\"%s%s}",
	                              d->seq++, command, args ? ",\"arguments\":" : "", args ? args : "");
	char *frame = g_strdup_printf ("Content-Length: %zu\r\n\r\n%s", strlen (body), body);
	GError *error = NULL;
	if (!g_output_stream_write_all (d->in, frame, strlen (frame), NULL, NULL, &error) ||
	    !g_output_stream_flush (d->in, NULL, &error)) {
		fprintf (stderr, "oxibase-debug-bench: write: %s\n", error->message);
		exit (1);
	}
	g_free (frame);
	g_free (body);
}

/* The next message's "event" or "command" name (and whether it failed). */
static char *
dap_read (Dap *d)
{
	gsize n = 0;
	for (;;) {
		GError *error = NULL;
		char *line = g_data_input_stream_read_line (d->out, NULL, NULL, &error);
		if (!line) {
			fprintf (stderr, "oxibase-debug-bench: the adapter closed its output\n");
			exit (1);
		}
		g_strchomp (line);
		if (!*line) {
			g_free (line);
			break;
		}
		if (g_str_has_prefix (line, "Content-Length: "))
			n = (gsize) g_ascii_strtoull (line + 16, NULL, 10);
		g_free (line);
	}
	char *buf = g_malloc (n + 1);
	gsize got = 0;
	GError *error = NULL;
	if (!g_input_stream_read_all (G_INPUT_STREAM (d->out), buf, n, &got, NULL, &error) || got != n) {
		fprintf (stderr, "oxibase-debug-bench: short read\n");
		exit (1);
	}
	buf[n] = '\0';
	JsonParser *p = json_parser_new ();
	if (!json_parser_load_from_data (p, buf, (gssize) n, NULL)) {
		fprintf (stderr, "oxibase-debug-bench: bad JSON: %s\n", buf);
		exit (1);
	}
	JsonObject *o = json_node_get_object (json_parser_get_root (p));
	const char *type = json_object_get_string_member (o, "type");
	char *r;
	if (!strcmp (type, "event"))
		r = g_strdup (json_object_get_string_member (o, "event"));
	else {
		if (!json_object_get_boolean_member (o, "success")) {
			fprintf (stderr, "oxibase-debug-bench: %s failed: %s\n", json_object_get_string_member (o, "command"),
			         json_object_get_string_member (o, "message"));
			exit (1);
		}
		r = g_strdup_printf ("response:%s", json_object_get_string_member (o, "command"));
	}
	g_object_unref (p);
	g_free (buf);
	return r;
}

static void
dap_wait (Dap *d, const char *name)
{
	for (;;) {
		char *m = dap_read (d);
		gboolean hit = !strcmp (m, name);
		g_free (m);
		if (hit)
			return;
	}
}

static void
bench_dap_next (const char *adapter)
{
	GError *error = NULL;
	Dap d = { .seq = 1 };
	d.proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, adapter, NULL);
	if (!d.proc) {
		fprintf (stderr, "oxibase-debug-bench: cannot start %s: %s\n", adapter, error->message);
		exit (1);
	}
	d.in = g_subprocess_get_stdin_pipe (d.proc);
	d.out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (d.proc));
	/* a procedure whose loop body is steps * 2 statements: next walks them */
	char *sql = g_strdup_printf ("{\"sql\":\"CREATE PROCEDURE walk(n int) LANGUAGE plsql AS $$\\n"
	                             "DECLARE s int := 0;\\nBEGIN\\n  FOR i IN 1..n LOOP\\n    s := s + i;\\n"
	                             "  END LOOP;\\nEND $$;\\nCALL walk(%d);\",\"stopOnEntry\":true}",
	                             steps);
	dap_send (&d, "initialize", "{\"adapterID\":\"oxibase\"}");
	dap_wait (&d, "response:initialize");
	dap_send (&d, "launch", sql);
	dap_wait (&d, "initialized");
	dap_send (&d, "configurationDone", NULL);
	dap_wait (&d, "stopped");
	/* into the procedure, then next through its loop */
	dap_send (&d, "next", "{\"threadId\":1}");
	dap_wait (&d, "stopped");
	dap_send (&d, "stepIn", "{\"threadId\":1}");
	dap_wait (&d, "stopped");
	double *t = g_new (double, steps);
	for (int i = 0; i < steps; i++) {
		gint64 t0 = g_get_monotonic_time ();
		dap_send (&d, "next", "{\"threadId\":1}");
		dap_wait (&d, "stopped");
		t[i] = (double) (g_get_monotonic_time () - t0) / 1000.0;
	}
	double max = 0;
	for (int i = 0; i < steps; i++)
		max = t[i] > max ? t[i] : max;
	double med = median (t, steps);
	double p95 = t[(int) (steps * 0.95)];
	printf ("\n%-18s %12s %12s %12s   %s\n", "workload", "median ms", "p95 ms", "max ms", "(target: under 5 ms)");
	printf ("%-18s %12.3f %12.3f %12.3f   %d `next` round trips through oxibase-dap on pipes\n", "dap_next", med,
	        p95, max, steps);
	dap_send (&d, "disconnect", NULL);
	g_subprocess_wait (d.proc, NULL, NULL);
	g_object_unref (d.out);
	g_object_unref (d.proc);
	g_free (t);
	g_free (sql);
}

int
main (int argc, char **argv)
{
	const char *adapter = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp (argv[i], "--runs") && i + 1 < argc)
			runs = atoi (argv[++i]);
		else if (!strcmp (argv[i], "--steps") && i + 1 < argc)
			steps = atoi (argv[++i]);
		else if (argv[i][0] != '-')
			adapter = argv[i];
		else {
			fprintf (stderr, "usage: oxibase-debug-bench [--runs N] [--steps N] PATH-TO-oxibase-dap\n");
			return 2;
		}
	}
	if (runs < 1 || steps < 20 || !adapter) {
		fprintf (stderr, "usage: oxibase-debug-bench [--runs N] [--steps N] PATH-TO-oxibase-dap\n");
		return 2;
	}
	bench_attached ();
	bench_dap_next (adapter);
	return 0;
}

/*
 * test-explain.c — EXPLAIN ANALYZE's times and EXPLAIN (FORMAT JSON).
 *
 * Times differ from run to run, so the .slt corpus (explain.slt) pins
 * the plans with TIMING OFF and SUMMARY OFF, as PostgreSQL's regression
 * tests do; this file checks what can be checked of timed output: its
 * shape, non-negative times, a parent's total time covering its child's,
 * and that the JSON document parses (json-glib) into the same tree, with
 * the same rows and loops, as the text plan.
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "oxibase.h"
#include "exec/exec.h"   /* ox_explain_clock_reads */
#include "test-util.h"

typedef struct {
	OxDatabase *db;
	OxSession  *s;
} Fx;

static const char join_sql[] = "SELECT t1.b, t3.v FROM t1 JOIN t3 ON t1.a = t3.k WHERE t3.v > 1";

static void
fx_setup (Fx *fx, gconstpointer data)
{
	OxError e = { 0 };
	g_assert_cmpint (ox_db_open (":memory:", &fx->db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (fx->db, &fx->s, &e), ==, OX_OK);
	ox_test_exec (fx->s, "CREATE TABLE t1 (a int, b text);"
	                     "INSERT INTO t1 SELECT g, 'b' || g FROM generate_series(1, 200) g;"
	                     "CREATE TABLE t3 (k int, v int);"
	                     "INSERT INTO t3 SELECT g % 50, g % 7 FROM generate_series(1, 300) g;");
}

static void
fx_teardown (Fx *fx, gconstpointer data)
{
	ox_session_free (fx->s);
	ox_db_close (fx->db);
}

static char *
explain (Fx *fx, const char *opts, const char *sql)
{
	g_autofree char *q = g_strdup_printf ("EXPLAIN %s %s", opts, sql);
	return ox_test_query (fx->s, q);
}

/* The text format: every operator line ends in (actual time=S..T rows=R
 * loops=L) with S <= T, then the two summary lines. */
static void
test_text_times (Fx *fx, gconstpointer data)
{
	g_autofree char *out = explain (fx, "ANALYZE", join_sql);
	g_auto (GStrv) lines = g_strsplit (g_strchomp (out), "\n", -1);
	guint n = g_strv_length (lines);
	g_assert_cmpuint (n, >=, 5);
	g_autoptr (GRegex) op = g_regex_new ("\\(actual time=([0-9]+\\.[0-9]{3})\\.\\.([0-9]+\\.[0-9]{3}) "
	                                     "rows=[0-9]+ loops=[0-9]+\\)$", 0, 0, NULL);
	for (guint i = 0; i < n - 2; i++) {
		g_autoptr (GMatchInfo) m = NULL;
		if (!g_regex_match (op, lines[i], 0, &m))
			g_error ("no actual time in \"%s\"", lines[i]);
		g_autofree char *st = g_match_info_fetch (m, 1);
		g_autofree char *tt = g_match_info_fetch (m, 2);
		g_assert_cmpfloat (g_ascii_strtod (st, NULL), <=, g_ascii_strtod (tt, NULL));
	}
	g_assert_true (g_regex_match_simple ("^Planning Time: [0-9]+\\.[0-9]{3} ms$", lines[n - 2], 0, 0));
	g_assert_true (g_regex_match_simple ("^Execution Time: [0-9]+\\.[0-9]{3} ms$", lines[n - 1], 0, 0));
}

/* TIMING OFF: rows and loops only; SUMMARY OFF: no summary; SUMMARY
 * without ANALYZE: the planning time alone, as in PostgreSQL. */
static void
test_text_options (Fx *fx, gconstpointer data)
{
	g_autofree char *a = explain (fx, "(ANALYZE, TIMING OFF, SUMMARY OFF)", "SELECT k FROM t3 WHERE v > 5");
	g_assert_cmpstr (a, ==, "Project (t3.k) (actual rows=43 loops=1)\n"
	                        "  ->  Seq Scan on t3 (filter: (t3.v > 5)) (actual rows=43 loops=1)\n");
	g_autofree char *b = explain (fx, "(ANALYZE, TIMING OFF)", "SELECT 1");
	g_assert_nonnull (strstr (b, "(actual rows=1 loops=1)\nPlanning Time: "));
	g_assert_nonnull (strstr (b, " ms\nExecution Time: "));
	g_autofree char *c = explain (fx, "(ANALYZE, SUMMARY OFF, COSTS OFF)", "SELECT 1");
	g_assert_true (g_regex_match_simple ("^Project \\(1\\) \\(actual time=[0-9.]+\\.\\.[0-9.]+ rows=1 loops=1\\)\n"
	                                     "  ->  Result \\(actual time=[0-9.]+\\.\\.[0-9.]+ rows=1 loops=1\\)\n$",
	                                     c, 0, 0));
	g_autofree char *d = explain (fx, "(SUMMARY)", "SELECT 1");
	g_assert_true (g_regex_match_simple ("^Project \\(1\\)\n  ->  Result\nPlanning Time: [0-9.]+ ms\n$", d, 0, 0));
	g_autofree char *e = explain (fx, "(COSTS OFF)", "SELECT 1");
	g_assert_cmpstr (e, ==, "Project (1)\n  ->  Result\n");
}

/* The clocks cost nothing when off: a plan run with TIMING OFF (or
 * without ANALYZE, or as a plain query) reads none. */
static void
test_no_clock_when_off (Fx *fx, gconstpointer data)
{
	uint64_t before = ox_explain_clock_reads;
	g_autofree char *a = explain (fx, "(ANALYZE, TIMING OFF, SUMMARY OFF)", join_sql);
	g_autofree char *b = explain (fx, "(FORMAT JSON)", join_sql);
	g_autofree char *c = ox_test_query (fx->s, join_sql);
	g_assert_cmpuint (ox_explain_clock_reads, ==, before);
	g_autofree char *d = explain (fx, "(ANALYZE, SUMMARY OFF)", join_sql);
	g_assert_cmpuint (ox_explain_clock_reads, >, before);
}

static void
assert_fails (Fx *fx, const char *sql, const char *sqlstate, const char *message)
{
	OxStmt *st = NULL;
	OxError e = { 0 };
	int rc = ox_prepare (fx->s, sql, -1, &st, NULL, &e);
	if (rc == OX_OK) {
		g_autofree char *rows = ox_test_step_rows (st, &e, &rc);
		ox_finalize (st);
	}
	g_assert_cmpint (rc, ==, OX_ERROR);
	g_assert_cmpstr (e.sqlstate, ==, sqlstate);
	g_assert_cmpstr (e.message, ==, message);
	ox_error_clear (&e);
}

static void
test_errors (Fx *fx, gconstpointer data)
{
	assert_fails (fx, "EXPLAIN (TIMING) SELECT 1", "22023", "EXPLAIN option TIMING requires ANALYZE");
	assert_fails (fx, "EXPLAIN (FORMAT yaml) SELECT 1", "0A000",
	              "EXPLAIN formats other than TEXT and JSON is not supported");
	assert_fails (fx, "EXPLAIN (FORMAT csv) SELECT 1", "22023",
	              "unrecognized value for EXPLAIN option \"format\": \"csv\"");
}

/* ---- JSON against the text plan ---- */

typedef struct TextOp {
	int      depth;
	char    *label;
	guint64  rows, loops;
} TextOp;

static void
text_op_free (gpointer p)
{
	TextOp *t = p;
	g_free (t->label);
	g_free (t);
}

/* The operators of a TIMING OFF text plan, with their depth. */
static GPtrArray *
parse_text (const char *out)
{
	GPtrArray *ops = g_ptr_array_new_with_free_func (text_op_free);
	g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
	g_autoptr (GRegex) re = g_regex_new ("^( *)(->  )?(.*) \\(actual rows=([0-9]+) loops=([0-9]+)\\)$", 0, 0, NULL);
	for (guint i = 0; lines[i]; i++) {
		g_autoptr (GMatchInfo) m = NULL;
		if (!g_regex_match (re, lines[i], 0, &m))
			continue;
		TextOp *t = g_new0 (TextOp, 1);
		g_autofree char *ind = g_match_info_fetch (m, 1);
		g_autofree char *rows = g_match_info_fetch (m, 4);
		g_autofree char *loops = g_match_info_fetch (m, 5);
		t->depth = *ind || strstr (lines[i], "->") ? ((int) strlen (ind) - 2) / 6 + 1 : 0;
		t->label = g_match_info_fetch (m, 3);
		t->rows = g_ascii_strtoull (rows, NULL, 10);
		t->loops = g_ascii_strtoull (loops, NULL, 10);
		g_ptr_array_add (ops, t);
	}
	return ops;
}

/* Walk the JSON plan in the text's order (pre-order), checking each node
 * against the text's operator and its times against its parent's. */
static void
walk (JsonObject *node, int depth, double parent_total, GPtrArray *text, guint *at, gboolean timed)
{
	g_assert_cmpuint (*at, <, text->len);
	TextOp *t = text->pdata[(*at)++];
	const char *type = json_object_get_string_member (node, "Node Type");
	g_assert_nonnull (type);
	g_assert_cmpint (t->depth, ==, depth);
	/* the text's label starts with the node type, but where the JSON
	 * names PostgreSQL's node for our operator */
	if (strcmp (type, "Aggregate") && strcmp (type, "ModifyTable") && strcmp (type, "SetOp"))
		g_assert_true (g_str_has_prefix (t->label, type) || strstr (t->label, type));
	if (json_object_has_member (node, "Relation Name"))
		g_assert_nonnull (strstr (t->label, json_object_get_string_member (node, "Relation Name")));
	g_assert_cmpint (json_object_get_int_member (node, "Actual Rows"), ==, (gint64) t->rows);
	g_assert_cmpint (json_object_get_int_member (node, "Actual Loops"), ==, (gint64) t->loops);
	double total = 0;
	if (timed) {
		double st = json_object_get_double_member (node, "Actual Startup Time");
		total = json_object_get_double_member (node, "Actual Total Time");
		g_assert_cmpfloat (st, >=, 0);
		g_assert_cmpfloat (total, >=, st);
		/* inclusive times: a parent ran at least as long as its input
		 * (every operator here runs one loop) */
		if (parent_total >= 0)
			g_assert_cmpfloat (parent_total, >=, total);
	} else
		g_assert_false (json_object_has_member (node, "Actual Total Time"));
	if (!json_object_has_member (node, "Plans"))
		return;
	JsonArray *kids = json_object_get_array_member (node, "Plans");
	for (guint i = 0; i < json_array_get_length (kids); i++)
		walk (json_array_get_object_element (kids, i), depth + 1, timed ? total : -1, text, at, timed);
}

static void
check_json (Fx *fx, const char *sql, gboolean timed)
{
	g_autofree char *text = explain (fx, "(ANALYZE, TIMING OFF, SUMMARY OFF)", sql);
	g_autofree char *json = explain (fx, timed ? "(ANALYZE, FORMAT JSON)" : "(ANALYZE, TIMING OFF, FORMAT JSON)", sql);
	g_autoptr (JsonParser) p = json_parser_new ();
	g_autoptr (GError) error = NULL;
	if (!json_parser_load_from_data (p, json, -1, &error))
		g_error ("%s: %s", error->message, json);
	JsonNode *root = json_parser_get_root (p);
	g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
	JsonArray *a = json_node_get_array (root);
	g_assert_cmpuint (json_array_get_length (a), ==, 1);
	JsonObject *doc = json_array_get_object_element (a, 0);
	g_assert_cmpfloat (json_object_get_double_member (doc, "Planning Time"), >=, 0);
	g_assert_cmpfloat (json_object_get_double_member (doc, "Execution Time"), >=, 0);
	g_assert_true (json_object_has_member (doc, "Triggers"));
	g_autoptr (GPtrArray) ops = parse_text (text);
	guint at = 0;
	walk (json_object_get_object_member (doc, "Plan"), 0, -1, ops, &at, timed);
	g_assert_cmpuint (at, ==, ops->len);
}

static void
test_json_join (Fx *fx, gconstpointer data)
{
	check_json (fx, join_sql, TRUE);
	check_json (fx, join_sql, FALSE);
	check_json (fx, "SELECT v, count(*) FROM t3 GROUP BY v ORDER BY v", TRUE);
	check_json (fx, "SELECT a FROM t1 WHERE a IN (SELECT k FROM t3 WHERE v = 2) LIMIT 5", TRUE);
}

/* Key names and values of a plan that did not run. */
static void
test_json_keys (Fx *fx, gconstpointer data)
{
	g_autofree char *json = explain (fx, "(FORMAT JSON)", join_sql);
	g_autoptr (JsonParser) p = json_parser_new ();
	g_assert_true (json_parser_load_from_data (p, json, -1, NULL));
	JsonObject *doc = json_array_get_object_element (json_node_get_array (json_parser_get_root (p)), 0);
	g_assert_false (json_object_has_member (doc, "Planning Time"));
	g_assert_false (json_object_has_member (doc, "Execution Time"));
	JsonObject *plan = json_object_get_object_member (doc, "Plan");
	g_assert_false (json_object_has_member (plan, "Actual Rows"));
	/* Project -> Hash Join -> (Seq Scan on t3 with its filter, Seq Scan on t1) */
	JsonObject *join = json_array_get_object_element (json_object_get_array_member (plan, "Plans"), 0);
	g_assert_cmpstr (json_object_get_string_member (join, "Node Type"), ==, "Hash Join");
	g_assert_cmpstr (json_object_get_string_member (join, "Join Type"), ==, "Inner");
	g_assert_cmpstr (json_object_get_string_member (join, "Parent Relationship"), ==, "Outer");
	g_assert_nonnull (strstr (json_object_get_string_member (join, "Hash Cond"), "t1.a"));
	JsonArray *scans = json_object_get_array_member (join, "Plans");
	g_assert_cmpuint (json_array_get_length (scans), ==, 2);
	gboolean saw_filter = FALSE;
	for (guint i = 0; i < 2; i++) {
		JsonObject *s = json_array_get_object_element (scans, i);
		g_assert_cmpstr (json_object_get_string_member (s, "Node Type"), ==, "Seq Scan");
		g_assert_cmpstr (json_object_get_string_member (s, "Parent Relationship"), ==, i ? "Inner" : "Outer");
		const char *rel = json_object_get_string_member (s, "Relation Name");
		g_assert_cmpstr (json_object_get_string_member (s, "Alias"), ==, rel);
		if (json_object_has_member (s, "Filter")) {
			g_assert_cmpstr (rel, ==, "t3");
			g_assert_cmpstr (json_object_get_string_member (s, "Filter"), ==, "(t3.v > 1)");
			saw_filter = TRUE;
		}
	}
	g_assert_true (saw_filter);
	g_autofree char *agg = explain (fx, "(FORMAT JSON)", "SELECT v, count(*) FROM t3 GROUP BY v");
	g_assert_nonnull (strstr (agg, "\"Group Key\": [\n"));
	g_assert_nonnull (strstr (agg, "\"Strategy\": \"Hashed\""));
	/* PostgreSQL's layout: two spaces per level, the document in one row */
	g_assert_true (g_str_has_prefix (json, "[\n  {\n    \"Plan\": {\n      \"Node Type\": \"Project\",\n"));
	g_assert_true (g_str_has_suffix (json, "\n  }\n]\n"));
}

/* EXPLAIN ANALYZE of DML runs it, with the times, in JSON too. */
static void
test_json_dml (Fx *fx, gconstpointer data)
{
	g_autofree char *json = explain (fx, "(ANALYZE, FORMAT JSON)", "INSERT INTO t1 VALUES (1000, 'x')");
	g_assert_nonnull (strstr (json, "\"Node Type\": \"ModifyTable\""));
	g_assert_nonnull (strstr (json, "\"Operation\": \"Insert\""));
	g_autofree char *n = ox_test_query (fx->s, "SELECT count(*) FROM t1 WHERE a = 1000");
	g_assert_cmpstr (n, ==, "1\n");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add ("/engine/explain/analyze/text-times", Fx, NULL, fx_setup, test_text_times, fx_teardown);
	g_test_add ("/engine/explain/analyze/options", Fx, NULL, fx_setup, test_text_options, fx_teardown);
	g_test_add ("/engine/explain/analyze/no-clock-when-off", Fx, NULL, fx_setup, test_no_clock_when_off, fx_teardown);
	g_test_add ("/engine/explain/options/errors", Fx, NULL, fx_setup, test_errors, fx_teardown);
	g_test_add ("/engine/explain/json/matches-text", Fx, NULL, fx_setup, test_json_join, fx_teardown);
	g_test_add ("/engine/explain/json/keys", Fx, NULL, fx_setup, test_json_keys, fx_teardown);
	g_test_add ("/engine/explain/json/dml", Fx, NULL, fx_setup, test_json_dml, fx_teardown);
	return g_test_run ();
}

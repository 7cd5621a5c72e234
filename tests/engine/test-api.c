/*
 * test-api.c — the public API's own contract (oxibase.h): statement life
 * cycle, binding, batches, column accessors and their conversions, error
 * fields and positions in scripts.
 *
 * SQL semantics are tested by the .slt files; this file pins what a C
 * caller relies on, such as when OX_DONE comes and how long a text pointer
 * stays valid.
 */
#include <glib.h>
#include <string.h>

#include "oxibase.h"
#include "test-util.h"

typedef struct {
	OxDatabase *db;
	OxSession  *s;
} Fx;

static void
fx_setup (Fx *fx, gconstpointer data)
{
	OxError e = { 0 };
	g_assert_cmpint (ox_db_open (":memory:", &fx->db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (fx->db, &fx->s, &e), ==, OX_OK);
	g_assert_cmpint (ox_exec (fx->s, "CREATE TABLE t (id int, name text, n numeric(6,2), d date, b bytea);"
	                                 "INSERT INTO t VALUES (1, 'one', 1.5, '2024-01-02', '\\x00ff'),"
	                                 " (2, NULL, NULL, NULL, NULL), (3, '42', -2.5, NULL, NULL),"
	                                 " (4, 'four', 4, NULL, NULL), (5, 'five', 5, NULL, NULL)", &e), ==, OX_OK);
}

static void
fx_teardown (Fx *fx, gconstpointer data)
{
	ox_session_free (fx->s);
	ox_db_close (fx->db);
}

static OxStmt *
prep (Fx *fx, const char *sql)
{
	OxStmt *st = NULL;
	OxError e = { 0 };
	if (ox_prepare (fx->s, sql, -1, &st, NULL, &e) != OX_OK)
		g_error ("%s: %s %s", sql, e.sqlstate, e.message);
	return st;
}

static void
test_fetch_batch (Fx *fx, gconstpointer data)
{
	OxStmt *st = prep (fx, "SELECT id, name FROM t ORDER BY id");
	OxError e = { 0 };
	int n = -1;
	int sizes[3] = { 2, 2, 1 };
	for (int round = 0; round < 2; round++) {
		/* 2, 2, 1, then OX_DONE; after that the statement runs again */
		for (int b = 0; b < 3; b++) {
			g_assert_cmpint (ox_fetch_batch (st, 2, &n, &e), ==, OX_ROW);
			g_assert_cmpint (n, ==, sizes[b]);
		}
		g_assert_cmpstr (ox_batch_text (st, 0, 0), ==, "5");
		g_assert_cmpstr (ox_batch_text (st, 0, 1), ==, "five");
		g_assert_null (ox_batch_text (st, 1, 0));  /* no second row in the last batch */
		g_assert_cmpint (ox_fetch_batch (st, 2, &n, &e), ==, OX_DONE);
		g_assert_cmpint (n, ==, 0);
		g_assert_cmpstr (ox_command_tag (st), ==, "SELECT 5");
	}
	/* NULL cells in a batch */
	g_assert_cmpint (ox_fetch_batch (st, 10, &n, &e), ==, OX_ROW);
	g_assert_cmpint (n, ==, 5);
	g_assert_true (ox_batch_is_null (st, 1, 1));
	g_assert_false (ox_batch_is_null (st, 1, 0));
	g_assert_cmpstr (ox_batch_text (st, 1, 0), ==, "2");
	ox_finalize (st);

	/* an empty result is OX_DONE at once */
	st = prep (fx, "SELECT id FROM t WHERE id > 100");
	g_assert_cmpint (ox_fetch_batch (st, 4, &n, &e), ==, OX_DONE);
	g_assert_cmpint (n, ==, 0);
	ox_finalize (st);
}

static void
test_accessors (Fx *fx, gconstpointer data)
{
	OxStmt *st = prep (fx, "SELECT id, name, n, d, b, id > 1 AS big, 2.5::float8 AS f FROM t WHERE id IN (1, 3) ORDER BY id");
	OxError e = { 0 };
	g_assert_cmpint (ox_column_count (st), ==, 7);
	g_assert_cmpstr (ox_column_name (st, 2), ==, "n");
	g_assert_null (ox_column_name (st, 7));
	g_assert_cmpint (ox_column_type (st, 0), ==, OX_TYPE_INTEGER);
	g_assert_cmpint (ox_column_type (st, 2), ==, OX_TYPE_NUMERIC);
	g_assert_cmpstr (ox_column_type_name (st, 2), ==, "numeric(6,2)");
	g_assert_cmpint (ox_column_type (st, 9), ==, OX_TYPE_NULL);
	g_assert_cmpint (ox_step (st, &e), ==, OX_ROW);
	g_assert_cmpint (ox_column_int64 (st, 0), ==, 1);
	g_assert_cmpint (ox_column_int64 (st, 2), ==, 2);            /* 1.5 rounds away from zero */
	g_assert_cmpfloat (ox_column_double (st, 2), ==, 1.5);
	g_assert_cmpstr (ox_column_text (st, 3), ==, "2024-01-02");
	size_t len = 0;
	const unsigned char *blob = ox_column_blob (st, 4, &len);
	g_assert_cmpuint (len, ==, 2);
	g_assert_cmpint (blob[0], ==, 0x00);
	g_assert_cmpint (blob[1], ==, 0xff);
	g_assert_cmpstr (ox_column_text (st, 4), ==, "\\x00ff");
	g_assert_false (ox_column_bool (st, 5));
	g_assert_cmpint (ox_column_int64 (st, 6), ==, 2);              /* 2.5 truncates */
	g_assert_cmpint (ox_column_int64 (st, 1), ==, 0);              /* 'one' is no integer */
	g_assert_cmpint (ox_step (st, &e), ==, OX_ROW);
	g_assert_cmpint (ox_column_int64 (st, 1), ==, 42);             /* '42' is */
	g_assert_cmpint (ox_column_int64 (st, 2), ==, -3);             /* -2.5 away from zero */
	g_assert_true (ox_column_bool (st, 5));
	g_assert_true (ox_column_is_null (st, 3));
	g_assert_null (ox_column_text (st, 3));
	g_assert_cmpint (ox_column_int64 (st, 3), ==, 0);
	g_assert_cmpint (ox_step (st, &e), ==, OX_DONE);
	g_assert_true (ox_column_is_null (st, 0));  /* no current row */
	ox_finalize (st);
}

/* A statement rebound many times: its parameter arena is compacted now
 * and then (session.c param_copy), and every value bound (a text bound
 * once at the start, a blob, a text rebound at every run, long and
 * short) reads back right after each compaction. */
static void
test_rebinding (Fx *fx, gconstpointer data)
{
	OxError e = { 0 };
	OxStmt *st = prep (fx, "SELECT $1::text, $2::text, length($3::text), $4::bytea");
	g_assert_cmpint (ox_bind_text (st, 1, "kept from the start", -1, &e), ==, OX_OK);
	const unsigned char blob[3] = { 0, 1, 255 };
	g_assert_cmpint (ox_bind_blob (st, 4, blob, sizeof blob, &e), ==, OX_OK);
	char *big = g_strnfill (5000, 'x');
	for (int i = 0; i < 20000; i++) {
		char buf[32];
		g_snprintf (buf, sizeof buf, "value %d", i);
		g_assert_cmpint (ox_bind_text (st, 2, buf, -1, &e), ==, OX_OK);
		g_assert_cmpint (ox_bind_text (st, 3, big, i % 5000, &e), ==, OX_OK);
		g_assert_cmpint (ox_step (st, &e), ==, OX_ROW);
		g_assert_cmpstr (ox_column_text (st, 0), ==, "kept from the start");
		g_assert_cmpstr (ox_column_text (st, 1), ==, buf);
		g_assert_cmpint (ox_column_int64 (st, 2), ==, i % 5000);
		g_assert_cmpstr (ox_column_text (st, 3), ==, "\\x0001ff");
		g_assert_cmpint (ox_step (st, &e), ==, OX_DONE);
		ox_reset (st);
	}
	g_free (big);
	ox_finalize (st);
}

static void
test_binding (Fx *fx, gconstpointer data)
{
	OxError e = { 0 };
	OxStmt *st = prep (fx, "SELECT name FROM t WHERE id = $1 AND n > $2");
	g_assert_cmpint (ox_param_count (st), ==, 2);
	/* nothing bound: a clear error, not a silent NULL */
	g_assert_cmpint (ox_step (st, &e), ==, OX_ERROR);
	g_assert_cmpstr (e.sqlstate, ==, "08P01");
	ox_error_clear (&e);
	g_assert_cmpint (ox_bind_int64 (st, 1, 4, &e), ==, OX_OK);
	g_assert_cmpint (ox_bind_text (st, 2, "3.99", -1, &e), ==, OX_OK);  /* converted to numeric */
	g_assert_cmpint (ox_step (st, &e), ==, OX_ROW);
	g_assert_cmpstr (ox_column_text (st, 0), ==, "four");
	g_assert_cmpint (ox_step (st, &e), ==, OX_DONE);
	/* rebinding resets and reruns */
	g_assert_cmpint (ox_bind_int64 (st, 1, 5, &e), ==, OX_OK);
	g_assert_cmpint (ox_step (st, &e), ==, OX_ROW);
	g_assert_cmpstr (ox_column_text (st, 0), ==, "five");
	g_assert_cmpint (ox_bind_int64 (st, 3, 1, &e), ==, OX_ERROR);
	g_assert_cmpstr (e.sqlstate, ==, "08P01");
	ox_error_clear (&e);
	g_assert_cmpint (ox_bind_text (st, 2, "abc", -1, &e), ==, OX_OK);
	g_assert_cmpint (ox_step (st, &e), ==, OX_ERROR);
	g_assert_cmpstr (e.sqlstate, ==, "22P02");
	ox_error_clear (&e);
	ox_finalize (st);
}

static void
test_script_errors (Fx *fx, gconstpointer data)
{
	OxError e = { 0 };
	/* the position counts characters of the whole script */
	g_assert_cmpint (ox_exec (fx->s, "SELECT 1;\nSELECT nosuch FROM t;", &e), ==, OX_ERROR);
	g_assert_cmpstr (e.sqlstate, ==, "42703");
	g_assert_cmpint (e.position, ==, 18);
	ox_error_clear (&e);
	g_assert_cmpint (ox_exec (fx->s, "SELECT 'é';\nSELECT 1 +;", &e), ==, OX_ERROR);
	g_assert_cmpstr (e.sqlstate, ==, "42601");
	g_assert_cmpint (e.position, ==, 23);
	ox_error_clear (&e);
	/* positions inside a CHECK written in CREATE TABLE point into it */
	g_assert_cmpint (ox_exec (fx->s, "CREATE TABLE q3 (a int CHECK (b > 0))", &e), ==, OX_ERROR);
	g_assert_cmpstr (e.sqlstate, ==, "42703");
	g_assert_cmpint (e.position, ==, 31);
	ox_error_clear (&e);
	g_assert_cmpint (ox_exec (fx->s, "CREATE TABLE q5 (a int DEFAULT 1 + 'x')", &e), ==, OX_ERROR);
	g_assert_cmpstr (e.sqlstate, ==, "22P02");
	g_assert_cmpint (e.position, ==, 36);
	ox_error_clear (&e);
	g_assert_cmpint (ox_session_txn_status (fx->s), ==, 'I');
}

static char *
step_all (OxStmt *st)
{
	OxError e = { 0 };
	int rc;
	char *rows = ox_test_step_rows (st, &e, &rc);
	if (rc == OX_ERROR) {
		char *r = g_strdup_printf ("%sERROR %s", rows, e.sqlstate);
		g_free (rows);
		rows = r;
	}
	ox_error_clear (&e);
	return rows;
}

#define ASSERT_RUN(st, want) do { char *got_ = step_all (st); g_assert_cmpstr (got_, ==, (want)); g_free (got_); } while (0)

/* A prepared statement reuses its plan between runs; whatever the plan
 * depends on must still be honoured: new data and snapshots, subquery
 * results, DDL from this or another session, settings, locks and the
 * SERIALIZABLE read set. */
static void
test_plan_reuse (Fx *fx, gconstpointer data)
{
	OxError e = { 0 };
	OxSession *other;
	g_assert_cmpint (ox_session_new (fx->db, &other, &e), ==, OX_OK);
	OxStmt *st = prep (fx, "SELECT count(*), (SELECT max(id) FROM t) FROM t WHERE id >= $1");
	ox_bind_int64 (st, 1, 1, &e);
	ASSERT_RUN (st, "5|5\n");
	/* new rows from another session: fresh snapshot, fresh subquery */
	g_assert_cmpint (ox_exec (other, "INSERT INTO t (id) VALUES (9)", &e), ==, OX_OK);
	ASSERT_RUN (st, "6|9\n");
	ox_bind_int64 (st, 1, 5, &e);
	ASSERT_RUN (st, "2|9\n");
	/* an index created meanwhile does not change the answer */
	g_assert_cmpint (ox_exec (other, "CREATE INDEX t_id ON t (id)", &e), ==, OX_OK);
	ASSERT_RUN (st, "2|9\n");
	/* the table replaced by another session: the new one is read */
	g_assert_cmpint (ox_exec (other, "DROP TABLE t; CREATE TABLE t (id int); INSERT INTO t VALUES (7)", &e), ==, OX_OK);
	ASSERT_RUN (st, "1|7\n");
	g_assert_cmpint (ox_exec (other, "DROP TABLE t", &e), ==, OX_OK);
	ASSERT_RUN (st, "ERROR 42P01");
	/* search_path decides which t */
	g_assert_cmpint (ox_exec (fx->s, "CREATE SCHEMA a; CREATE SCHEMA b; CREATE TABLE a.t (id int); CREATE TABLE b.t (id int);"
	                                 "INSERT INTO a.t VALUES (1); INSERT INTO b.t VALUES (1), (2)", &e), ==, OX_OK);
	g_assert_cmpint (ox_exec (fx->s, "SET search_path = a", &e), ==, OX_OK);
	ox_finalize (st);
	st = prep (fx, "SELECT count(*) FROM t");
	ASSERT_RUN (st, "1\n");
	g_assert_cmpint (ox_exec (fx->s, "SET search_path = b", &e), ==, OX_OK);
	ASSERT_RUN (st, "2\n");
	/* a writer's lock is still taken by a reused plan: DROP waits for it */
	OxStmt *ins = prep (fx, "INSERT INTO t VALUES ($1)");
	ox_bind_int64 (ins, 1, 3, &e);
	ASSERT_RUN (ins, "");
	g_assert_cmpint (ox_exec (fx->s, "BEGIN", &e), ==, OX_OK);
	ox_bind_int64 (ins, 1, 4, &e);
	ASSERT_RUN (ins, "");  /* the cached plan, inside the block */
	g_assert_cmpint (ox_exec (other, "SET lock_timeout = 0", &e), ==, OX_OK);
	g_assert_cmpint (ox_exec (fx->s, "COMMIT", &e), ==, OX_OK);
	ASSERT_RUN (st, "4\n");
	ox_finalize (ins);
	ox_finalize (st);

	/* SERIALIZABLE: reads made through reused plans still count (write skew) */
	g_assert_cmpint (ox_exec (fx->s, "CREATE TABLE doc (name text, oncall bool); "
	                                 "INSERT INTO doc VALUES ('a', true), ('b', true)", &e), ==, OX_OK);
	g_assert_cmpint (ox_exec (other, "SET search_path = b", &e), ==, OX_OK);
	OxSession *ss[2] = { fx->s, other };
	OxStmt *cnt[2], *off[2];
	for (int i = 0; i < 2; i++) {
		OxStmt *tmp;
		g_assert_cmpint (ox_prepare (ss[i], "SELECT count(*) FROM doc WHERE oncall", -1, &cnt[i], NULL, &e), ==, OX_OK);
		g_assert_cmpint (ox_prepare (ss[i], "UPDATE doc SET oncall = false WHERE name = $1", -1, &off[i], NULL, &e), ==, OX_OK);
		ASSERT_RUN (cnt[i], "2\n");  /* plans built and cached outside the blocks */
		ox_bind_text (off[i], 1, "nobody", -1, &e);
		ASSERT_RUN (off[i], "");
		(void) tmp;
	}
	for (int i = 0; i < 2; i++)
		g_assert_cmpint (ox_exec (ss[i], "BEGIN ISOLATION LEVEL SERIALIZABLE", &e), ==, OX_OK);
	ASSERT_RUN (cnt[0], "2\n");
	ASSERT_RUN (cnt[1], "2\n");
	ox_bind_text (off[0], 1, "a", -1, &e);
	ox_bind_text (off[1], 1, "b", -1, &e);
	ASSERT_RUN (off[0], "");
	ASSERT_RUN (off[1], "");
	g_assert_cmpint (ox_exec (ss[0], "COMMIT", &e), ==, OX_OK);
	g_assert_cmpint (ox_exec (ss[1], "COMMIT", &e), ==, OX_ERROR);
	g_assert_cmpstr (e.sqlstate, ==, "40001");
	ox_error_clear (&e);
	for (int i = 0; i < 2; i++) {
		ox_finalize (cnt[i]);
		ox_finalize (off[i]);
	}
	ox_session_free (other);
}

/* Bound values are cast to their parameters' types once per run (a
 * cached plan must see each run's values, not the first run's), a text
 * bound to an integer parameter is parsed, and a value that does not fit
 * fails cleanly without spoiling the next run. */
static void
test_param_coercion (Fx *fx, gconstpointer data)
{
	OxError e = { 0 };
	g_assert_cmpint (ox_exec (fx->s, "CREATE TABLE pc (a int4 PRIMARY KEY, s int2);"
	                                 "INSERT INTO pc SELECT x, x FROM (VALUES (1), (2), (3), (4), (5)) v (x)", &e), ==, OX_OK);
	OxStmt *st = prep (fx, "SELECT count(*), sum(s) FROM pc WHERE a BETWEEN $1 AND $2 AND s <> $3");
	ox_bind_int64 (st, 1, 2, &e);
	ox_bind_int64 (st, 2, 4, &e);
	ox_bind_int64 (st, 3, 0, &e);
	ASSERT_RUN (st, "3|9\n");
	ox_bind_int64 (st, 1, 1, &e);
	ox_bind_int64 (st, 2, 5, &e);
	ASSERT_RUN (st, "5|15\n");
	g_assert_cmpint (ox_bind_text (st, 2, "3", -1, &e), ==, OX_OK);
	ASSERT_RUN (st, "3|6\n");
	ox_bind_int64 (st, 3, 2, &e);
	ASSERT_RUN (st, "2|4\n");
	ox_bind_int64 (st, 2, G_GINT64_CONSTANT (5000000000), &e);
	ASSERT_RUN (st, "ERROR 22003");
	ox_bind_int64 (st, 2, 4, &e);
	ox_bind_int64 (st, 3, 70000, &e);  /* too big for int2 */
	ASSERT_RUN (st, "ERROR 22003");
	g_assert_cmpint (ox_bind_text (st, 3, "x", -1, &e), ==, OX_OK);
	ASSERT_RUN (st, "ERROR 22P02");
	ox_bind_null (st, 3, &e);
	ASSERT_RUN (st, "0|NULL\n");
	ox_bind_int64 (st, 3, 4, &e);
	ASSERT_RUN (st, "3|6\n");
	ox_finalize (st);
	ox_error_clear (&e);
}

/* ox_exec_print: each statement's output as psql prints it. */
static void
print_append (const char *text, void *user)
{
	g_string_append (user, text);
}

static void
test_exec_print (void)
{
	OxDatabase *db;
	OxSession *s;
	OxError e = { 0 };
	g_assert_cmpint (ox_db_open (":memory:", &db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (db, &s, &e), ==, OX_OK);
	GString *out = g_string_new (NULL);
	g_assert_cmpint (ox_exec_print (s, "CREATE TABLE v (a int, b text);\n"
	                                   "INSERT INTO v VALUES (1, 'tea'), (22, NULL), (3, '\xc3\xbcn\xc3\xaf');\n"
	                                   "SELECT * FROM v", 0, print_append, out, &e), ==, OX_OK);
	/* psql 15's output of the same statements */
	g_assert_cmpstr (out->str, ==,
		"CREATE TABLE\n"
		"INSERT 0 3\n"
		" a  |  b  \n"
		"----+-----\n"
		"  1 | tea\n"
		" 22 | \n"
		"  3 | \xc3\xbcn\xc3\xaf\n"
		"(3 rows)\n"
		"\n");
	/* a cap on rows, and an error ends the script with nothing printed for it */
	g_string_truncate (out, 0);
	g_assert_cmpint (ox_exec_print (s, "SELECT a FROM v ORDER BY a; SELECT nope", 2, print_append, out, &e), ==, OX_ERROR);
	g_assert_cmpstr (e.sqlstate, ==, "42703");
	ox_error_clear (&e);
	g_assert_cmpstr (out->str, ==, " a \n---\n 1\n 3\n(3 rows, the first 2 shown)\n\n");
	g_string_free (out, TRUE);
	ox_session_free (s);
	ox_db_close (db);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
#define ADD(p, f) g_test_add (p, Fx, NULL, fx_setup, f, fx_teardown)
	ADD ("/engine/api/fetch-batch", test_fetch_batch);
	ADD ("/engine/api/accessors", test_accessors);
	ADD ("/engine/api/binding", test_binding);
	ADD ("/engine/api/rebinding", test_rebinding);
	ADD ("/engine/api/script-errors", test_script_errors);
	ADD ("/engine/api/plan-reuse", test_plan_reuse);
	ADD ("/engine/api/param-coercion", test_param_coercion);
	g_test_add_func ("/engine/api/exec-print", test_exec_print);
	return g_test_run ();
}

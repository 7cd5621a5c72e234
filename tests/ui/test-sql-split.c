/*
 * test-sql-split.c — statement boundaries for "run the statement at the
 * cursor": quotes, dollar quotes, comments and parentheses hide their
 * semicolons; blank pieces are no statements.
 */
#include "ox-sql-split.h"

#include <string.h>

static char *
piece (const char *text, const OxSqlRange *r)
{
	return g_strndup (text + r->start, r->end - r->start);
}

static void
check_split (const char *text, const char *const *want)
{
	g_autoptr (GArray) got = ox_sql_split (text);
	guint n = g_strv_length ((char **) want);
	for (guint i = 0; i < got->len && i < n; i++) {
		g_autofree char *p = piece (text, &g_array_index (got, OxSqlRange, i));
		g_assert_cmpstr (p, ==, want[i]);
	}
	g_assert_cmpuint (got->len, ==, n);
}

static void
test_split (void)
{
	check_split ("SELECT 1; SELECT 2;", (const char *[]) { "SELECT 1;", "SELECT 2;", NULL });
	check_split ("  \n ; ;", (const char *[]) { ";", ";", NULL });
	check_split ("SELECT 'a;b'; SELECT \"x;\"", (const char *[]) { "SELECT 'a;b';", "SELECT \"x;\"", NULL });
	check_split ("SELECT 'it''s;'; x", (const char *[]) { "SELECT 'it''s;';", "x", NULL });
	check_split ("SELECT E'\\';'; y", (const char *[]) { "SELECT E'\\';';", "y", NULL });
	check_split ("-- a; comment\nSELECT 1; /* b; /* nested; */ c; */ SELECT 2",
	             (const char *[]) { "-- a; comment\nSELECT 1;", "/* b; /* nested; */ c; */ SELECT 2", NULL });
	check_split ("CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plsql; SELECT f();",
	             (const char *[]) { "CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plsql;",
	                                "SELECT f();", NULL });
	check_split ("DO $body$ x; $$ y; $$ z; $body$; SELECT $1;",
	             (const char *[]) { "DO $body$ x; $$ y; $$ z; $body$;", "SELECT $1;", NULL });
	check_split ("SELECT (1; 2); SELECT 3", (const char *[]) { "SELECT (1; 2);", "SELECT 3", NULL });
	check_split ("SELECT 'unterminated; x", (const char *[]) { "SELECT 'unterminated; x", NULL });
	check_split ("", (const char *[]) { NULL });
}

static void
test_at (void)
{
	const char *t = "SELECT 1;\nSELECT 2;\n\n  SELECT 3";
	OxSqlRange r;
	g_assert_true (ox_sql_statement_at (t, 0, &r));
	g_assert_cmpuint (r.start, ==, 0);
	/* just after the ';': still the statement just typed */
	g_assert_true (ox_sql_statement_at (t, 9, &r));
	g_assert_cmpuint (r.start, ==, 0);
	g_assert_true (ox_sql_statement_at (t, strstr (t, "2") - t, &r));
	g_assert_cmpuint (r.start, ==, (gsize) (strstr (t, "SELECT 2") - t));
	/* on the blank line between: the one before */
	g_assert_true (ox_sql_statement_at (t, strstr (t, "\n\n") - t + 1, &r));
	g_assert_cmpuint (r.start, ==, (gsize) (strstr (t, "SELECT 2") - t));
	g_assert_true (ox_sql_statement_at (t, strlen (t), &r));
	g_assert_cmpuint (r.start, ==, (gsize) (strstr (t, "SELECT 3") - t));
	/* before the first statement: the first */
	g_assert_true (ox_sql_statement_at ("\n\nSELECT 1", 0, &r));
	g_assert_cmpuint (r.start, ==, 2);
	g_assert_false (ox_sql_statement_at ("  \n", 1, &r));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/ui/sql-split/split", test_split);
	g_test_add_func ("/ui/sql-split/statement-at", test_at);
	return g_test_run ();
}

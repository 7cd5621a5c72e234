/*
 * test-cli-split.c — the CLI's statement scanner (app/cli/split.c) alone.
 *
 * Each case feeds lines to the scanner as the read loop does and lists
 * what came out: statements (with the text psql would send: no leading
 * whitespace or -- comments, lines joined by '\n'), backslash commands as
 * "\name|args", and what was left at the end as "rest:...".  The prompt
 * case checks psql's %R characters.
 */
#include "split.h"

#include <glib.h>
#include <string.h>

/* Feed the lines, return the events joined by " ## ". */
static char *
split_lines (const char *const *lines)
{
	OxScanner sc;
	ox_scanner_init (&sc);
	GString *out = g_string_new (NULL);
	for (int i = 0; lines[i]; i++) {
		const char *l = lines[i];
		size_t len = strlen (l), pos = 0;
		ox_scanner_newline (&sc);
		for (;;) {
			OxScanResult r = ox_scanner_scan (&sc, l, len, &pos);
			if (r == OX_SCAN_END)
				break;
			if (out->len)
				g_string_append (out, " ## ");
			if (r == OX_SCAN_STATEMENT) {
				g_autofree char *s = ox_scanner_take (&sc);
				g_string_append (out, s);
			} else {
				g_autofree char *name = NULL, *args = NULL;
				ox_split_backslash (l, len, pos, &name, &args, &pos);
				g_string_append_printf (out, "\\%s|%s", name, args);
			}
		}
	}
	if (!ox_scanner_empty (&sc)) {
		g_autofree char *s = ox_scanner_take (&sc);
		g_string_append_printf (out, "%srest:%s", out->len ? " ## " : "", s);
	}
	ox_scanner_clear (&sc);
	return g_string_free (out, FALSE);
}

#define CHECK_SPLIT(expected, ...)                                                   \
	do {                                                                          \
		g_autofree char *got_ = split_lines ((const char *const[]) { __VA_ARGS__, NULL }); \
		g_assert_cmpstr (got_, ==, (expected));                                   \
	} while (0)

static void
test_basic (void)
{
	CHECK_SPLIT ("select 1; ## select 2;", "select 1; select 2;");
	CHECK_SPLIT ("select 1,\n  2;", "  select 1,", "  2;");
	/* leading whitespace, blank lines and -- comments are dropped */
	CHECK_SPLIT ("select 1;", "", "-- hello", "   ", "select 1; -- bye");
	/* a -- comment inside a statement stays, and ends at the line */
	CHECK_SPLIT ("select 1 -- one; two\n;", "select 1 -- one; two", ";");
	CHECK_SPLIT ("rest:select 1", "select 1");
	CHECK_SPLIT (";", ";");
}

static void
test_quotes (void)
{
	CHECK_SPLIT ("select 'a;b', 'it''s;';", "select 'a;b', 'it''s;';");
	CHECK_SPLIT ("select E'a\\';b';", "select E'a\\';b';");
	/* not an E prefix: the backslash is an ordinary character */
	CHECK_SPLIT ("select type'a\\'; ## rest:b'", "select type'a\\';b'");
	CHECK_SPLIT ("select \"a;\"\"b\";", "select \"a;\"\"b\";");
	CHECK_SPLIT ("select 'x\n;y';", "select 'x", ";y';");
}

static void
test_dollar_and_comments (void)
{
	CHECK_SPLIT ("select $$a;b$$;", "select $$a;b$$;");
	CHECK_SPLIT ("select $f$ $$; $f$;", "select $f$ $$; $f$;");
	CHECK_SPLIT ("select $1; ## select a$b; ## select $x;", "select $1; select a$b; select $x;");
	CHECK_SPLIT ("select $body$\n;\n$body$;", "select $body$", ";", "$body$;");
	CHECK_SPLIT ("/* a; /* b; */ c; */ select 1;", "/* a; /* b; */ c; */ select 1;");
	CHECK_SPLIT ("select (1\n;\n2);", "select (1", ";", "2);");
	/* an unbalanced ')' is the engine's problem, not a nesting level */
	CHECK_SPLIT ("select 1); ## select 2;", "select 1); select 2;");
}

static void
test_backslash (void)
{
	CHECK_SPLIT ("\\dt|", "\\dt");
	CHECK_SPLIT ("\\d|customers ## \\timing|on", "\\d customers \\timing on");
	CHECK_SPLIT ("\\i|'my file.sql'", "  \\i 'my file.sql'  ");
	/* the statement typed so far stays in the buffer for \g */
	CHECK_SPLIT ("\\g| ## rest:select 1 ", "select 1 \\g");
	CHECK_SPLIT ("\\dt| ## select 1;", "\\dt \\\\ select 1;");
	/* a backslash inside a string is just a character */
	CHECK_SPLIT ("select '\\dt';", "select '\\dt';");

	g_auto (GStrv) w = ox_split_words ("  a 'b c' 'it''s' \"Mixed Case\" d\"e\"  ");
	g_assert_cmpint (g_strv_length (w), ==, 5);
	g_assert_cmpstr (w[0], ==, "a");
	g_assert_cmpstr (w[1], ==, "b c");
	g_assert_cmpstr (w[2], ==, "it's");
	g_assert_cmpstr (w[3], ==, "\"Mixed Case\"");
	g_assert_cmpstr (w[4], ==, "d\"e\"");
}

/* psql's %R: = ready, - continuing, ' " $ * ( inside something. */
static void
test_prompt_char (void)
{
	struct { const char *line; char want; } cases[] = {
		{ "", '=' },
		{ "-- just a comment", '=' },
		{ "select 1", '-' },
		{ "select 'a", '\'' },
		{ "select \"a", '"' },
		{ "select $$a", '$' },
		{ "select /* a", '*' },
		{ "select (1", '(' },
		{ "select 1;", '=' },
	};
	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		OxScanner sc;
		ox_scanner_init (&sc);
		size_t pos = 0;
		while (ox_scanner_scan (&sc, cases[i].line, strlen (cases[i].line), &pos) == OX_SCAN_STATEMENT)
			g_free (ox_scanner_take (&sc));
		g_assert_cmpint (ox_scanner_prompt_char (&sc), ==, cases[i].want);
		ox_scanner_clear (&sc);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/cli/split/basic", test_basic);
	g_test_add_func ("/cli/split/quotes", test_quotes);
	g_test_add_func ("/cli/split/dollar-and-comments", test_dollar_and_comments);
	g_test_add_func ("/cli/split/backslash", test_backslash);
	g_test_add_func ("/cli/split/prompt", test_prompt_char);
	return g_test_run ();
}

/*
 * meta.c — backslash commands: \? \q \d \dt \di \dv \dn \timing \i \g \r
 * \copy.
 *
 * The \d family reads the catalog the way any client could, through the
 * engine's information_schema and pg_catalog views, and prints psql's
 * layouts ("List of relations", "Table \"public.t\"" with an "Indexes:"
 * footer).  Columns psql shows but the engine has no notion of yet
 * (Owner, Collation) are left out rather than printed empty.
 *
 * Patterns follow psql's: an unquoted name folds to lower case, "quoted"
 * keeps its case, * and ? are wildcards, and schema.name restricts the
 * schema.  They become LIKE patterns bound as parameters, so a pattern can
 * never inject SQL.
 *
 * NOTE: a failed catalog query is reported as the engine's error (it means
 * a catalog view is missing or broken, which the user should see), and it
 * counts as a failed command for the exit status.
 * NOTE: the "+" forms of the list commands are accepted and print the same
 * as the plain ones: sizes and descriptions do not exist in the engine yet.
 */
#include "cli.h"

#include <errno.h>
#include <string.h>

#define MAX_INCLUDE_DEPTH 32

/* The system schemas that plain listings hide, as psql does. */
#define NOT_SYSTEM(col) col " NOT IN ('pg_catalog', 'information_schema')"

void
ox_cli_print_help (FILE *out)
{
	fputs ("General\n"
	       "  \\q                     quit oxibase\n"
	       "  \\?                     show this help\n"
	       "\n"
	       "Query Buffer\n"
	       "  \\g                     execute the query buffer (or the previous query)\n"
	       "  \\r                     reset (clear) the query buffer\n"
	       "\n"
	       "Input/Output\n"
	       "  \\copy ...              COPY with the data in a client file (or stdin / stdout)\n"
	       "  \\i FILE                execute commands from file\n"
	       "  \\timing [on|off]       toggle timing of commands\n"
	       "\n"
	       "Informational\n"
	       "  \\d                     list tables and views\n"
	       "  \\d[+]  NAME            describe table or view (+ shows a view's definition)\n"
	       "  \\dt    [PATTERN]       list tables\n"
	       "  \\di    [PATTERN]       list indexes\n"
	       "  \\dv    [PATTERN]       list views\n"
	       "  \\dn    [PATTERN]       list schemas\n"
	       "\n"
	       "Patterns: * and ? are wildcards, schema.name picks a schema, \"Name\" keeps case.\n"
	       "\n", out);
}

/* ---- patterns ---------------------------------------------------------------- */

/* Turn a psql pattern into LIKE patterns for the schema (NULL when the
 * pattern names none) and the object.  Returns false (after saying so)
 * for a name with too many dots. */
static bool
pattern_to_like (OxCli *cli, const char *pattern, char **schema_like, char **name_like)
{
	GString *parts[3] = { g_string_new (NULL), NULL, NULL };
	int n = 0;
	bool quoted = false;
	for (const char *p = pattern; *p; p++) {
		char c = *p;
		if (c == '"') {
			if (quoted && p[1] == '"') {
				g_string_append_c (parts[n], '"');
				p++;
			} else
				quoted = !quoted;
		} else if (!quoted && c == '.') {
			if (n == 2) {
				for (int i = 0; i <= n; i++)
					g_string_free (parts[i], TRUE);
				ox_cli_error (cli, "improper qualified name (too many dotted names): %s", pattern);
				return false;
			}
			parts[++n] = g_string_new (NULL);
		} else if (!quoted && c == '*')
			g_string_append_c (parts[n], '%');
		else if (!quoted && c == '?')
			g_string_append_c (parts[n], '_');
		else if (c == '%' || c == '_' || c == '\\') {
			g_string_append_c (parts[n], '\\');
			g_string_append_c (parts[n], c);
		} else
			g_string_append_c (parts[n], quoted ? c : g_ascii_tolower (c));
	}
	/* db.schema.name: the database part names the only database there is */
	*name_like = g_string_free (parts[n], FALSE);
	*schema_like = n >= 1 ? g_string_free (parts[n - 1], FALSE) : NULL;
	if (n == 2)
		g_string_free (parts[0], TRUE);
	return true;
}

/* ---- running catalog queries ------------------------------------------------ */

/* Run a catalog query; on failure report it and return NULL. */
static OxCliTable *
catalog_query (OxCli *cli, const char *sql, const char *const *params, int nparams)
{
	OxError err = { 0 };
	OxCliTable *t = ox_cli_query (cli, sql, params, nparams, &err);
	if (!t) {
		ox_cli_report_error (cli, &err, sql);
		ox_error_clear (&err);
		ox_cli_note_failure (cli);
	}
	return t;
}

/* A listing: `select` yields the columns, `from_where` the rest up to the
 * pattern conditions on schema_col and name_col. */
static void
list_objects (OxCli *cli, const char *title, const char *select, const char *from_where,
              const char *schema_col, const char *name_col, const char *pattern)
{
	g_autoptr (GString) sql = g_string_new (NULL);
	g_string_append_printf (sql, "SELECT %s FROM %s", select, from_where);
	g_autofree char *schema_like = NULL, *name_like = NULL;
	const char *params[2];
	int np = 0;
	if (pattern) {
		if (!pattern_to_like (cli, pattern, &schema_like, &name_like)) {
			ox_cli_note_failure (cli);
			return;
		}
		params[np++] = name_like;
		g_string_append_printf (sql, " AND %s LIKE $%d", name_col, np);
		if (schema_like) {
			params[np++] = schema_like;
			g_string_append_printf (sql, " AND %s LIKE $%d", schema_col, np);
		}
	}
	if (!schema_like && schema_col)
		g_string_append_printf (sql, " AND " NOT_SYSTEM ("%s"), schema_col);
	g_string_append (sql, " ORDER BY 1, 2");

	g_autoptr (OxCliTable) t = catalog_query (cli, sql->str, params, np);
	if (!t)
		return;
	if (t->rows->len == 0) {
		/* psql says so on stderr and still succeeds */
		if (!cli->quiet) {
			if (pattern)
				ox_cli_error (cli, "Did not find any relation named \"%s\".", pattern);
			else
				ox_cli_error (cli, "Did not find any relations.");
		}
		return;
	}
	t->title = g_strdup (title);
	ox_cli_print_table (cli, t, stdout);
}

static void
list_schemas (OxCli *cli, const char *pattern)
{
	g_autoptr (GString) sql = g_string_new (
		"SELECT schema_name AS \"Name\" FROM information_schema.schemata WHERE true");
	g_autofree char *schema_like = NULL, *name_like = NULL;
	const char *params[1];
	int np = 0;
	if (pattern) {
		if (!pattern_to_like (cli, pattern, &schema_like, &name_like)) {
			ox_cli_note_failure (cli);
			return;
		}
		params[np++] = name_like;
		g_string_append (sql, " AND schema_name LIKE $1");
	} else
		g_string_append (sql, " AND " NOT_SYSTEM ("schema_name"));
	g_string_append (sql, " ORDER BY 1");
	g_autoptr (OxCliTable) t = catalog_query (cli, sql->str, params, np);
	if (!t)
		return;
	if (t->rows->len == 0 && pattern) {
		if (!cli->quiet)
			ox_cli_error (cli, "Did not find any schema named \"%s\".", pattern);
		return;
	}
	t->title = g_strdup ("List of schemas");
	ox_cli_print_table (cli, t, stdout);
}

/* ---- \d NAME ------------------------------------------------------------------- */

/* psql's spelling of a column type: the information_schema name plus the
 * declared length or precision. */
static char *
type_display (const char *data_type, const char *maxlen, const char *prec, const char *scale)
{
	if (!data_type)
		return g_strdup ("");
	if (maxlen && (!strcmp (data_type, "character varying") || !strcmp (data_type, "character")))
		return g_strdup_printf ("%s(%s)", data_type, maxlen);
	if (prec && !strcmp (data_type, "numeric"))
		return g_strdup_printf ("numeric(%s,%s)", prec, scale ? scale : "0");
	return g_strdup (data_type);
}

/* The "Indexes:" footer lines, primary key first, then by name, in
 * psql's words: "name" PRIMARY KEY, btree (cols). */
static bool
index_footers (OxCli *cli, OxCliTable *out, const char *schema, const char *table)
{
	const char *params[] = { schema, table };
	/* constraint_type says which unique indexes back a PRIMARY KEY or a
	 * UNIQUE constraint; pg_indexes alone cannot tell. */
	g_autoptr (OxCliTable) ix = catalog_query (cli,
		"SELECT i.indexname, i.indexdef, c.constraint_type "
		"FROM pg_catalog.pg_indexes i "
		"LEFT JOIN information_schema.table_constraints c "
		"  ON c.constraint_schema = i.schemaname AND c.constraint_name = i.indexname "
		"WHERE i.schemaname = $1 AND i.tablename = $2 "
		"ORDER BY CASE WHEN c.constraint_type = 'PRIMARY KEY' THEN 0 ELSE 1 END, i.indexname", params, 2);
	if (!ix)
		return false;
	if (ix->rows->len == 0)
		return true;
	g_ptr_array_add (out->footers, g_strdup ("Indexes:"));
	for (guint r = 0; r < ix->rows->len; r++) {
		char **row = ix->rows->pdata[r];
		const char *def = row[1] ? row[1] : "";
		const char *using = strstr (def, " USING ");
		const char *kind = "";
		if (row[2] && !strcmp (row[2], "PRIMARY KEY"))
			kind = "PRIMARY KEY, ";
		else if (row[2] && !strcmp (row[2], "UNIQUE"))
			kind = "UNIQUE CONSTRAINT, ";
		else if (g_str_has_prefix (def, "CREATE UNIQUE "))
			kind = "UNIQUE, ";
		g_ptr_array_add (out->footers, g_strdup_printf ("    \"%s\" %s%s", row[0], kind,
		                                                using ? using + 7 : def));
	}
	return true;
}

static bool
check_footers (OxCli *cli, OxCliTable *out, const char *schema, const char *table)
{
	const char *params[] = { schema, table };
	g_autoptr (OxCliTable) ck = catalog_query (cli,
		"SELECT constraint_name, definition FROM information_schema.table_constraints "
		"WHERE constraint_schema = $1 AND table_name = $2 AND constraint_type = 'CHECK' "
		"ORDER BY 1", params, 2);
	if (!ck)
		return false;
	if (ck->rows->len == 0)
		return true;
	g_ptr_array_add (out->footers, g_strdup ("Check constraints:"));
	for (guint r = 0; r < ck->rows->len; r++) {
		char **row = ck->rows->pdata[r];
		g_ptr_array_add (out->footers, g_strdup_printf ("    \"%s\" %s", row[0], row[1] ? row[1] : ""));
	}
	return true;
}

static bool
describe_one (OxCli *cli, const char *schema, const char *name, bool is_view, bool plus)
{
	const char *params[] = { schema, name };
	g_autoptr (OxCliTable) cols = catalog_query (cli,
		"SELECT column_name, data_type, character_maximum_length, numeric_precision, "
		"       numeric_scale, is_nullable, column_default "
		"FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 "
		"ORDER BY ordinal_position", params, 2);
	if (!cols)
		return false;

	g_autoptr (OxCliTable) t = ox_cli_table_new (4);
	const char *heads[] = { "Column", "Type", "Nullable", "Default" };
	for (int j = 0; j < 4; j++) {
		t->headers[j] = g_strdup (heads[j]);
		t->types[j] = OX_TYPE_TEXT;
	}
	for (guint r = 0; r < cols->rows->len; r++) {
		char **c = cols->rows->pdata[r];
		char **row = g_new (char *, 4);
		row[0] = g_strdup (c[0]);
		row[1] = type_display (c[1], c[2], c[3], c[4]);
		row[2] = g_strdup (c[5] && !strcmp (c[5], "NO") ? "not null" : "");
		row[3] = g_strdup (c[6] ? c[6] : "");
		g_ptr_array_add (t->rows, row);
	}
	t->title = g_strdup_printf ("%s \"%s.%s\"", is_view ? "View" : "Table", schema, name);
	t->footers = g_ptr_array_new_with_free_func (g_free);

	if (is_view) {
		if (plus) {
			g_autoptr (OxCliTable) v = catalog_query (cli,
				"SELECT view_definition FROM information_schema.views "
				"WHERE table_schema = $1 AND table_name = $2", params, 2);
			if (!v)
				return false;
			if (v->rows->len > 0 && ((char **) v->rows->pdata[0])[0]) {
				const char *def = ((char **) v->rows->pdata[0])[0];
				g_ptr_array_add (t->footers, g_strdup ("View definition:"));
				g_ptr_array_add (t->footers, g_strdup_printf (" %s%s", def,
				                                              g_str_has_suffix (def, ";") ? "" : ";"));
			}
		}
	} else if (!index_footers (cli, t, schema, name) || !check_footers (cli, t, schema, name))
		return false;

	ox_cli_print_table (cli, t, stdout);
	return true;
}

static void
describe (OxCli *cli, const char *pattern, bool plus)
{
	g_autofree char *schema_like = NULL, *name_like = NULL;
	if (!pattern_to_like (cli, pattern, &schema_like, &name_like)) {
		ox_cli_note_failure (cli);
		return;
	}
	const char *params[] = { name_like, schema_like };
	g_autoptr (OxCliTable) rel = catalog_query (cli, schema_like
		? "SELECT table_schema, table_name, table_type FROM information_schema.tables "
		  "WHERE table_name LIKE $1 AND table_schema LIKE $2 ORDER BY 1, 2"
		: "SELECT table_schema, table_name, table_type FROM information_schema.tables "
		  "WHERE table_name LIKE $1 ORDER BY 1, 2",
		params, schema_like ? 2 : 1);
	if (!rel)
		return;
	if (rel->rows->len == 0) {
		if (!cli->quiet)
			ox_cli_error (cli, "Did not find any relation named \"%s\".", pattern);
		ox_cli_note_failure (cli);
		return;
	}
	for (guint r = 0; r < rel->rows->len; r++) {
		char **row = rel->rows->pdata[r];
		if (!describe_one (cli, row[0], row[1], row[2] && !strcmp (row[2], "VIEW"), plus))
			return;
	}
}

/* ---- \copy --------------------------------------------------------------------- */

/* The file a \copy reads or writes, as the session's COPY data channel. */
typedef struct {
	FILE *f;
	const char *name;
} CopyFile;

static int
copy_begin_cb (void *user, bool copy_in, int ncols, OxError *err)
{
	(void) user, (void) copy_in, (void) ncols, (void) err;
	return OX_OK;
}

static ptrdiff_t
copy_read_cb (void *user, char *buf, size_t cap, OxError *err)
{
	CopyFile *cf = user;
	size_t n = fread (buf, 1, cap, cf->f);
	if (n == 0 && ferror (cf->f)) {
		g_strlcpy (err->sqlstate, "58030", sizeof err->sqlstate);
		err->message = g_strdup_printf ("could not read from \"%s\": %s", cf->name, g_strerror (errno));
		return -1;
	}
	return (ptrdiff_t) n;
}

static int
copy_write_cb (void *user, const char *data, size_t len, OxError *err)
{
	CopyFile *cf = user;
	if (fwrite (data, 1, len, cf->f) != len) {
		g_strlcpy (err->sqlstate, "58030", sizeof err->sqlstate);
		err->message = g_strdup_printf ("could not write to \"%s\": %s", cf->name, g_strerror (errno));
		return OX_ERROR;
	}
	return OX_OK;
}

/* Is the word w at args[i] (case-insensitive, a whole word)? */
static bool
word_at (const char *args, size_t i, const char *w)
{
	size_t n = strlen (w);
	return (i == 0 || g_ascii_isspace (args[i - 1]) || args[i - 1] == ')') &&
	       !g_ascii_strncasecmp (args + i, w, n) && (!args[i + n] || g_ascii_isspace (args[i + n]));
}

/* psql's \copy {table [(cols)] | (query)} {from | to} {'file' | file |
 * stdin | stdout | pstdin | pstdout} [[with] (options)]: the engine runs
 * COPY ... FROM STDIN / TO STDOUT and the bytes come from or go to the
 * client's file.  stdin and pstdin are both the program's standard input
 * (psql reads stdin's data from the script itself; here that is only so
 * when the script is standard input). */
static void
do_copy (OxCli *cli, const char *args)
{
	if (!cli->session) {
		ox_cli_error (cli, "\\copy: not available with --connect (the HTTP API has no COPY channel)");
		ox_cli_note_failure (cli);
		return;
	}
	/* find FROM or TO outside parentheses and quotes */
	size_t len = strlen (args), k = 0;
	int depth = 0;
	char quote = 0;
	bool from = false, found = false;
	for (k = 0; k < len; k++) {
		char c = args[k];
		if (quote) {
			if (c == quote)
				quote = 0;
			continue;
		}
		if (c == '\'' || c == '"')
			quote = c;
		else if (c == '(')
			depth++;
		else if (c == ')')
			depth--;
		else if (depth == 0 && k > 0 && (word_at (args, k, "from") || word_at (args, k, "to"))) {
			from = g_ascii_tolower (c) == 'f';
			found = true;
			break;
		}
	}
	if (!found) {
		ox_cli_error (cli, "\\copy: parse error at %s", len ? "end of line" : "\"\"");
		ox_cli_note_failure (cli);
		return;
	}
	g_autofree char *head = g_strndup (args, k);
	const char *p = args + k + (from ? 4 : 2);
	while (g_ascii_isspace (*p))
		p++;
	GString *target = g_string_new (NULL);
	if (*p == '\'') {
		for (p++; *p; p++) {
			if (*p == '\'' && p[1] == '\'')
				p++;
			else if (*p == '\'')
				break;
			g_string_append_c (target, *p);
		}
		if (*p == '\'')
			p++;
	} else {
		while (*p && !g_ascii_isspace (*p))
			g_string_append_c (target, *p++);
	}
	g_autofree char *file = g_string_free (target, FALSE);
	if (!*file) {
		ox_cli_error (cli, "\\copy: parse error at end of line");
		ox_cli_note_failure (cli);
		return;
	}
	if (!g_ascii_strcasecmp (file, "program")) {
		ox_cli_error (cli, "\\copy: PROGRAM is not supported");
		ox_cli_note_failure (cli);
		return;
	}
	bool std = !g_ascii_strcasecmp (file, from ? "stdin" : "stdout") ||
	           !g_ascii_strcasecmp (file, from ? "pstdin" : "pstdout");
	CopyFile cf = { std ? (from ? stdin : stdout) : fopen (file, from ? "rb" : "wb"), file };
	if (!cf.f) {
		ox_cli_error (cli, "%s: %s", file, g_strerror (errno));
		ox_cli_note_failure (cli);
		return;
	}
	g_autofree char *sql = g_strdup_printf ("COPY %s %s %s", head, from ? "FROM STDIN" : "TO STDOUT", p);
	OxCopyIO io = { copy_begin_cb, copy_read_cb, copy_write_cb, &cf };
	ox_session_set_copy_io (cli->session, &io);
	bool ok = ox_cli_run_sql (cli, sql);
	ox_session_set_copy_io (cli->session, NULL);
	if (std)
		fflush (cf.f);
	else if (fclose (cf.f) != 0 && ok) {
		ox_cli_error (cli, "%s: %s", file, g_strerror (errno));
		ok = false;
	}
	if (!ok)
		ox_cli_note_failure (cli);
}

/* ---- the rest ------------------------------------------------------------------ */

/* Complain about words[first..] (there may be fewer than first words). */
static void
warn_extra (OxCli *cli, const char *cmd, char **words, guint first)
{
	for (guint i = first; i < g_strv_length (words); i++)
		ox_cli_error (cli, "\\%s: extra argument \"%s\" ignored", cmd, words[i]);
}

/* psql's boolean spellings for \timing on|off. */
static int
parse_bool (const char *s)
{
	const char *yes[] = { "on", "true", "yes", "1", "t", "y" };
	const char *no[] = { "off", "false", "no", "0", "f", "n" };
	for (guint i = 0; i < G_N_ELEMENTS (yes); i++) {
		if (!g_ascii_strcasecmp (s, yes[i]))
			return 1;
		if (!g_ascii_strcasecmp (s, no[i]))
			return 0;
	}
	return -1;
}

static void
run_query_buffer (OxCli *cli, OxScanner *sc)
{
	char *q = NULL;
	if (!ox_scanner_empty (sc)) {
		q = ox_scanner_take (sc);
		g_free (cli->last_query);
		cli->last_query = g_strdup (q);
	} else if (cli->last_query)
		q = g_strdup (cli->last_query);
	else {
		ox_cli_error (cli, "\\g: no query to execute");
		ox_cli_note_failure (cli);
		return;
	}
	if (!ox_cli_run_sql (cli, q))
		ox_cli_note_failure (cli);
	g_free (q);
}

void
ox_cli_meta (OxCli *cli, const char *name, const char *args, OxScanner *sc)
{
	g_auto (GStrv) words = ox_split_words (args);
	const char *arg = words[0];

	if (!strcmp (name, "q") || !strcmp (name, "quit")) {
		cli->stop = cli->quit = true;
	} else if (!strcmp (name, "?")) {
		ox_cli_print_help (stdout);
	} else if (!strcmp (name, "timing")) {
		if (arg) {
			int b = parse_bool (arg);
			if (b < 0) {
				ox_cli_error (cli, "unrecognized value \"%s\" for \"\\timing\": Boolean expected", arg);
				ox_cli_note_failure (cli);
				return;
			}
			cli->timing = b;
			warn_extra (cli, name, words, 1);
		} else
			cli->timing = !cli->timing;
		if (!cli->quiet)
			puts (cli->timing ? "Timing is on." : "Timing is off.");
	} else if (!strcmp (name, "i") || !strcmp (name, "include")) {
		if (!arg) {
			ox_cli_error (cli, "\\%s: missing required argument", name);
			ox_cli_note_failure (cli);
		} else if (cli->include_depth >= MAX_INCLUDE_DEPTH) {
			ox_cli_error (cli, "\\%s: files nested too deeply (%d levels)", name, MAX_INCLUDE_DEPTH);
			ox_cli_note_failure (cli);
		} else {
			warn_extra (cli, name, words, 1);
			if (!ox_cli_run_file (cli, arg))
				ox_cli_note_failure (cli);
		}
	} else if (!strcmp (name, "copy")) {
		do_copy (cli, args);
	} else if (!strcmp (name, "g")) {
		warn_extra (cli, name, words, 0);
		run_query_buffer (cli, sc);
	} else if (!strcmp (name, "r") || !strcmp (name, "reset")) {
		ox_scanner_reset (sc);
		if (!cli->quiet)
			puts ("Query buffer reset (cleared).");
	} else if (!strcmp (name, "d") || !strcmp (name, "d+")) {
		if (arg) {
			for (int i = 0; words[i]; i++)
				describe (cli, words[i], name[1] == '+');
		} else
			list_objects (cli, "List of relations",
			              "table_schema AS \"Schema\", table_name AS \"Name\", "
			              "CASE table_type WHEN 'BASE TABLE' THEN 'table' WHEN 'VIEW' THEN 'view' "
			              "ELSE lower(table_type) END AS \"Type\"",
			              "information_schema.tables WHERE true",
			              "table_schema", "table_name", NULL);
	} else if (!strcmp (name, "dt") || !strcmp (name, "dt+")) {
		list_objects (cli, "List of relations",
		              "table_schema AS \"Schema\", table_name AS \"Name\", 'table' AS \"Type\"",
		              "information_schema.tables WHERE table_type = 'BASE TABLE'",
		              "table_schema", "table_name", arg);
		warn_extra (cli, name, words, 1);
	} else if (!strcmp (name, "dv") || !strcmp (name, "dv+")) {
		list_objects (cli, "List of relations",
		              "table_schema AS \"Schema\", table_name AS \"Name\", 'view' AS \"Type\"",
		              "information_schema.views WHERE true",
		              "table_schema", "table_name", arg);
		warn_extra (cli, name, words, 1);
	} else if (!strcmp (name, "di") || !strcmp (name, "di+")) {
		list_objects (cli, "List of relations",
		              "schemaname AS \"Schema\", indexname AS \"Name\", 'index' AS \"Type\", "
		              "tablename AS \"Table\"",
		              "pg_catalog.pg_indexes WHERE true",
		              "schemaname", "indexname", arg);
		warn_extra (cli, name, words, 1);
	} else if (!strcmp (name, "dn") || !strcmp (name, "dn+")) {
		list_schemas (cli, arg);
		warn_extra (cli, name, words, 1);
	} else {
		ox_cli_error (cli, "invalid command \\%s", name);
		if (cli->interactive)
			fputs ("Try \\? for help.\n", stderr);
		ox_cli_note_failure (cli);
	}
}

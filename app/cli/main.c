/*
 * main.c — oxibase, the command-line client: options, the database, the
 * order of work, the exit status.
 *
 *   oxibase [OPTION]... [DATABASE]
 *
 * DATABASE is ":memory:" (the default: a private database that vanishes
 * on exit) or a directory.  -c and -f run in the order given and then the
 * program exits; without them it reads the terminal (a REPL with libedit)
 * or, when stdin or stdout is not a terminal, stdin as a script.
 *
 * Exit status, as the project's issue asks (psql differs: it exits 0
 * after failed statements unless ON_ERROR_STOP is set, and 3 then):
 *   0  everything ran (or the user quit the REPL)
 *   1  a statement or command failed in -c, -f or piped input; with
 *      --stop-on-error (-v ON_ERROR_STOP=1) the first failure ends the run
 *   2  bad usage: an unknown option, a file that cannot be read, a
 *      database that cannot be opened
 *
 * NOTE: LC_NUMERIC stays "C" after setlocale(): the "Time: 1.234 ms" line
 * is printed with printf and must not turn into "1,234" under a locale
 * that writes decimal commas.  The rest of the locale matters to libedit
 * (multibyte input).
 */
#include "cli.h"

#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef enum ActionKind { ACTION_COMMAND, ACTION_FILE } ActionKind;

typedef struct Action {
	ActionKind kind;
	char      *text;  /* the SQL or the file name; owned */
} Action;

static GPtrArray *actions;  /* Action *, in command-line order */
static gboolean opt_csv, opt_json, opt_quiet, opt_demo, opt_stop, opt_version;
static char *opt_connect, *opt_user;  /* --connect URL, -U USER */
/* psql's VERBOSITY: errors show their SQLSTATE unless set to default/terse */
static gboolean opt_sqlstate = TRUE;

static void
action_free (gpointer p)
{
	Action *a = p;
	g_free (a->text);
	g_free (a);
}

static gboolean
add_action_cb (const char *option, const char *value, gpointer data, GError **error)
{
	Action *a = g_new0 (Action, 1);
	a->kind = (!strcmp (option, "-c") || !strcmp (option, "--command")) ? ACTION_COMMAND : ACTION_FILE;
	a->text = g_strdup (value);
	g_ptr_array_add (actions, a);
	return TRUE;
}

/* -v NAME=VALUE: psql sets variables; the only one that means anything
 * here is ON_ERROR_STOP, so anything else is refused rather than ignored. */
static gboolean
set_variable_cb (const char *option, const char *value, gpointer data, GError **error)
{
	const char *eq = strchr (value, '=');
	g_autofree char *name = eq ? g_strndup (value, eq - value) : g_strdup (value);
	const char *v = eq ? eq + 1 : "on";
	if (strcmp (name, "VERBOSITY") == 0) {
		if (!g_ascii_strcasecmp (v, "verbose") || !g_ascii_strcasecmp (v, "sqlstate"))
			opt_sqlstate = TRUE;
		else if (!g_ascii_strcasecmp (v, "default") || !g_ascii_strcasecmp (v, "terse"))
			opt_sqlstate = FALSE;
		else {
			g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			             "invalid value \"%s\" for VERBOSITY: verbose, sqlstate, default or terse expected", v);
			return FALSE;
		}
		return TRUE;
	}
	if (strcmp (name, "ON_ERROR_STOP") != 0) {
		g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		             "unsupported variable \"%s\" (ON_ERROR_STOP and VERBOSITY are known)", name);
		return FALSE;
	}
	if (!g_ascii_strcasecmp (v, "1") || !g_ascii_strcasecmp (v, "on") ||
	    !g_ascii_strcasecmp (v, "true") || !g_ascii_strcasecmp (v, "yes"))
		opt_stop = TRUE;
	else if (!g_ascii_strcasecmp (v, "0") || !g_ascii_strcasecmp (v, "off") ||
	         !g_ascii_strcasecmp (v, "false") || !g_ascii_strcasecmp (v, "no"))
		opt_stop = FALSE;
	else {
		g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		             "invalid value \"%s\" for ON_ERROR_STOP: Boolean expected", v);
		return FALSE;
	}
	return TRUE;
}

static const GOptionEntry entries[] = {
	{ "command", 'c', 0, G_OPTION_ARG_CALLBACK, (gpointer) add_action_cb,
	  "Run one command string (SQL statements, or a single backslash command) and exit", "COMMAND" },
	{ "file", 'f', 0, G_OPTION_ARG_CALLBACK, (gpointer) add_action_cb,
	  "Run the commands in FILE (\"-\" is stdin) and exit", "FILE" },
	{ "csv", 0, 0, G_OPTION_ARG_NONE, &opt_csv, "Print results as CSV (like psql --csv)", NULL },
	{ "json", 0, 0, G_OPTION_ARG_NONE, &opt_json,
	  "Print each result as a JSON array of objects (no command tags)", NULL },
	{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet,
	  "Print results only: no banner, command tags or messages", NULL },
	{ "stop-on-error", 0, 0, G_OPTION_ARG_NONE, &opt_stop,
	  "Stop at the first failing statement of a script or -c", NULL },
	{ "set", 'v', 0, G_OPTION_ARG_CALLBACK, (gpointer) set_variable_cb,
	  "Set a variable: ON_ERROR_STOP=1 (same as --stop-on-error), or VERBOSITY=default to leave the SQLSTATE out of error messages", "NAME=VALUE" },
	{ "demo", 0, 0, G_OPTION_ARG_NONE, &opt_demo,
	  "Create the demo shop (customers, products, orders, order_lines) first", NULL },
	{ "connect", 0, 0, G_OPTION_ARG_STRING, &opt_connect,
	  "Run everything on the oxibase-server at URL (http://host:8433) instead of a local database; "
	  "the password comes from OXIBASE_PASSWORD or is asked for", "URL" },
	{ "username", 'U', 0, G_OPTION_ARG_STRING, &opt_user,
	  "The user to log in as with --connect (default: $USER)", "USER" },
	{ "version", 'V', 0, G_OPTION_ARG_NONE, &opt_version, "Print the version and exit", NULL },
	{ NULL },
};

static int
usage_error (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

static int
usage_error (const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	g_autofree char *msg = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	fprintf (stderr, "oxibase: error: %s\n"
	                 "usage: oxibase [OPTION]... [DATABASE]\n"
	                 "Try \"oxibase --help\" for more information.\n", msg);
	return 2;
}

/* Create the demo tables unless they are there already (a directory
 * database keeps them from the last --demo). */
static bool
create_demo (OxCli *cli)
{
	OxError err = { 0 };
	const char *params[] = { "public", "customers" };
	g_autoptr (OxCliTable) t = ox_cli_query (cli,
		"SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2",
		params, 2, &err);
	if (!t) {
		fprintf (stderr, "oxibase: error: could not look for the demo tables:\n");
		ox_cli_report_error (cli, &err, NULL);
		ox_error_clear (&err);
		return false;
	}
	if (t->rows->len > 0) {
		if (!cli->quiet)
			fprintf (stderr, "oxibase: the demo tables exist already; leaving them as they are\n");
		return true;
	}
	if (ox_exec (cli->session, ox_cli_demo_sql, &err) != OX_OK) {
		fprintf (stderr, "oxibase: error: the demo database could not be created (demo.sql):\n");
		ox_cli_report_error (cli, &err, ox_cli_demo_sql);
		ox_error_clear (&err);
		return false;
	}
	return true;
}

/* Run the -c and -f actions in order, or else the terminal's REPL, or
 * else stdin; where names the database or server for the banner.
 * Returns the exit status. */
static int
run_actions_or_input (OxCli *cli, const char *where)
{
	int status = 0;
	if (actions->len > 0) {
		for (guint i = 0; i < actions->len && !cli->stop; i++) {
			Action *a = actions->pdata[i];
			if (a->kind == ACTION_FILE) {
				if (!ox_cli_run_file (cli, a->text))
					cli->failed = cli->stop = true;
				continue;
			}
			/* psql: a -c string is SQL, or else one backslash command */
			const char *s = a->text;
			while (g_ascii_isspace (*s))
				s++;
			if (*s == '\\') {
				OxScanner sc;
				ox_scanner_init (&sc);
				size_t len = strlen (s), pos = 0;
				while (pos < len && s[pos] == '\\' && !cli->stop) {
					g_autofree char *name = NULL, *args = NULL;
					ox_split_backslash (s, len, pos, &name, &args, &pos);
					ox_cli_meta (cli, name, args, &sc);
					while (pos < len && g_ascii_isspace (s[pos]))
						pos++;
				}
				ox_scanner_clear (&sc);
			} else if (!ox_cli_run_sql (cli, a->text))
				ox_cli_note_failure (cli);
			/* Ctrl-C cancelled a statement: skip the rest, as psql does */
			if (ox_cli_interrupted ())
				cli->failed = cli->stop = true;
		}
		status = cli->failed ? 1 : 0;
	} else if (isatty (STDIN_FILENO) && isatty (STDOUT_FILENO)) {
		if (!cli->quiet) {
			printf ("oxibase (%s)\n", ox_version ());
			if (cli->remote)
				printf ("Connected to %s as %s.\n", where, opt_user ? opt_user : g_get_user_name ());
			else if (!strcmp (where, ":memory:"))
				printf ("Connected to a transient in-memory database; nothing is saved.\n");
			printf ("Type \"help\" for help.\n\n");
		}
		ox_cli_repl (cli);
	} else {
		ox_cli_run_stdin (cli);
		status = cli->failed ? 1 : 0;
	}

	return status;
}

int
main (int argc, char **argv)
{
	setlocale (LC_ALL, "");
	setlocale (LC_NUMERIC, "C");

	actions = g_ptr_array_new_with_free_func (action_free);
	g_autoptr (GOptionContext) ctx = g_option_context_new ("[DATABASE] | check DIR | info DIR");
	g_option_context_set_summary (ctx,
		"The Oxibase interactive terminal.  DATABASE is \":memory:\" (the default)\n"
		"or a directory.  Type \\? inside for the backslash commands.");
	g_option_context_set_description (ctx,
		"Exit status: 0 on success; 1 when a statement or command failed in -c, -f\n"
		"or piped input; 2 on bad usage (unknown option, unreadable file).\n"
		"History is kept in ~/.oxibase_history ($OXIBASE_HISTORY overrides it).");
	g_option_context_add_main_entries (ctx, entries, NULL);
	g_autoptr (GError) gerr = NULL;
	if (!g_option_context_parse (ctx, &argc, &argv, &gerr))
		return usage_error ("%s", gerr->message);
	if (opt_version) {
		printf ("oxibase %s\n", ox_version ());
		return 0;
	}
	/* oxibase check DIR / oxibase info DIR: inspect a database directory
	 * without opening it (see ox_db_check in oxibase.h) */
	if (argc == 3 && (!strcmp (argv[1], "check") || !strcmp (argv[1], "info"))) {
		char *report = NULL;
		bool check = !strcmp (argv[1], "check");
		if (!g_file_test (argv[2], G_FILE_TEST_IS_DIR))
			return usage_error ("%s: not a database directory", argv[2]);
		int rc = check ? ox_db_check (argv[2], &report) : ox_db_info (argv[2], &report);
		fputs (report, stdout);
		ox_free (report);
		return rc == OX_OK ? 0 : 1;
	}
	if (argc > 2)
		return usage_error ("too many arguments: \"%s\"", argv[2]);
	if (opt_csv && opt_json)
		return usage_error ("--csv and --json cannot be used together");
	const char *path = argc > 1 ? argv[1] : ":memory:";

	/* A missing script is a usage error, found before anything runs. */
	for (guint i = 0; i < actions->len; i++) {
		Action *a = actions->pdata[i];
		if (a->kind == ACTION_FILE && strcmp (a->text, "-") != 0 && access (a->text, R_OK) != 0)
			return usage_error ("%s: %s", a->text, g_strerror (errno));
	}

	OxCli cli = { 0 };
	cli.format = opt_csv ? OX_CLI_CSV : opt_json ? OX_CLI_JSON : OX_CLI_ALIGNED;
	cli.quiet = opt_quiet;
	cli.stop_on_error = opt_stop;
	cli.show_sqlstate = opt_sqlstate;

	if (opt_connect) {
		if (argc > 1)
			return usage_error ("--connect and a DATABASE (\"%s\") cannot be used together", argv[1]);
		if (opt_demo)
			return usage_error ("--demo needs a local database, not --connect");
		const char *user = opt_user ? opt_user : g_get_user_name ();
		if (!ox_cli_remote_connect (&cli, opt_connect, user))
			return 2;
		ox_cli_install_sigint ();
		int rs = run_actions_or_input (&cli, opt_connect);
		ox_cli_remote_close (&cli);
		g_free (cli.last_query);
		g_ptr_array_unref (actions);
		return rs;
	}

	OxError err = { 0 };
	if (ox_db_open (path, &cli.db, &err) != OX_OK) {
		fprintf (stderr, "oxibase: error: could not open database \"%s\": %s\n", path, err.message);
		ox_error_clear (&err);
		return 2;
	}
	if (ox_session_new (cli.db, &cli.session, &err) != OX_OK) {
		fprintf (stderr, "oxibase: error: could not start a session: %s\n", err.message);
		ox_error_clear (&err);
		ox_db_close (cli.db);
		return 2;
	}
	/* After a crash (the log had to be replayed, or was cut at a torn or
	 * damaged record) say what recovery did and how long it took; a clean
	 * close leaves nothing to replay, and then nothing is printed. */
	char *db_status = ox_db_status (cli.db);
	if (db_status && (strstr (db_status, "stopped early") || !strstr (db_status, "replayed 0 WAL records")))
		fputs (db_status, stderr);
	ox_free (db_status);
	ox_session_set_notice_func (cli.session, ox_cli_notice_cb, &cli);
	ox_cli_install_sigint ();

	int status = 0;
	if (opt_demo && !create_demo (&cli))
		status = 1;
	else
		status = run_actions_or_input (&cli, path);
	fflush (stdout);
	g_free (cli.last_query);
	ox_session_free (cli.session);
	ox_db_close (cli.db);
	g_ptr_array_unref (actions);
	return status;
}

/*
 * input.c — the read loop: lines from the terminal (libedit) or a file,
 * cut into statements and backslash commands, and dispatched.
 *
 * The terminal loop prints psql's prompts: "oxibase=> " when ready,
 * "oxibase-> " while a statement continues (or ' " $ * ( instead of '-'
 * inside a quote, dollar quote, comment or parentheses), with '*' after it
 * inside a transaction block and '!' in a failed one: "oxibase=*> ".
 * History is kept in ~/.oxibase_history ($OXIBASE_HISTORY overrides it),
 * one entry per statement however many lines it took, as psql does.
 *
 * Ctrl-C cancels the running statement (57014); at the prompt it clears
 * the statement being typed; in a script it stops the script.
 *
 * NOTE: the SIGINT handler is installed without SA_RESTART on purpose:
 * libedit's read() must fail with EINTR so that readline() returns at
 * once (with NULL, which sigint_seen tells apart from end of input).
 * NOTE: the handler calls ox_session_cancel, which only stores a flag
 * atomically; that is all a signal handler may do with the session.
 * NOTE: a file's lines are counted for "oxibase:FILE:LINE:" prefixes; \i
 * saves and restores the count, so messages after an include still name
 * the right line of the including file.
 */
#include "cli.h"

#include <editline/readline.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HISTORY_SIZE 500  /* entries kept, psql's HISTSIZE default */

static OxSession *volatile running_session;
static volatile sig_atomic_t sigint_seen;

static void
on_sigint (int signo)
{
	(void) signo;
	sigint_seen = 1;
	OxSession *s = running_session;
	if (s)
		ox_session_cancel (s);
}

void
ox_cli_install_sigint (void)
{
	struct sigaction sa;
	memset (&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigemptyset (&sa.sa_mask);
	sa.sa_flags = 0;  /* no SA_RESTART: see the NOTE above */
	sigaction (SIGINT, &sa, NULL);
}

void
ox_cli_set_running (OxSession *s)
{
	running_session = s;
}

bool
ox_cli_sigint_pending (void)
{
	return sigint_seen != 0;
}

bool
ox_cli_interrupted (void)
{
	bool r = sigint_seen != 0;
	sigint_seen = 0;
	return r;
}

void
ox_cli_note_failure (OxCli *cli)
{
	/* At the terminal a mistake is just a mistake: the user sees it, and
	 * the exit status stays 0, as psql's does. */
	if (cli->interactive)
		return;
	cli->failed = true;
	if (cli->stop_on_error)
		cli->stop = true;
}

static void
run_statement (OxCli *cli, char *text)
{
	g_free (cli->last_query);
	cli->last_query = text;
	if (!ox_cli_run_sql (cli, text))
		ox_cli_note_failure (cli);
}

/* Feed one line (it may hold several, from a recalled history entry) to
 * the scanner and run whatever it completes. */
static void
process_line (OxCli *cli, OxScanner *sc, const char *line)
{
	size_t len = strlen (line);
	size_t pos = 0;
	ox_scanner_newline (sc);
	while (!cli->stop) {
		OxScanResult r = ox_scanner_scan (sc, line, len, &pos);
		if (r == OX_SCAN_STATEMENT)
			run_statement (cli, ox_scanner_take (sc));
		else if (r == OX_SCAN_BACKSLASH) {
			g_autofree char *name = NULL, *args = NULL;
			ox_split_backslash (line, len, pos, &name, &args, &pos);
			ox_cli_meta (cli, name, args, sc);
		} else
			break;
	}
}

/* psql runs what is left at the end of a file even without a ';'. */
static void
flush_at_eof (OxCli *cli, OxScanner *sc)
{
	if (!cli->stop && !ox_scanner_empty (sc))
		run_statement (cli, ox_scanner_take (sc));
}

/* The non-terminal loop over fp (a file or stdin). */
static void
run_stream (OxCli *cli, FILE *fp)
{
	OxScanner sc;
	ox_scanner_init (&sc);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while (!cli->stop && (n = getline (&line, &cap, fp)) >= 0) {
		cli->source_line++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		process_line (cli, &sc, line);
		if (sigint_seen)
			break;
	}
	if (sigint_seen) {
		/* psql stops a script on Ctrl-C */
		sigint_seen = 0;
		cli->failed = cli->stop = true;
	} else if (ferror (fp)) {
		/* a directory, an I/O error: not the same as an empty file */
		ox_cli_error (cli, "could not read from input file: %s", g_strerror (errno));
		ox_cli_note_failure (cli);
	} else
		flush_at_eof (cli, &sc);
	free (line);
	ox_scanner_clear (&sc);
}

bool
ox_cli_run_file (OxCli *cli, const char *path)
{
	bool is_stdin = !strcmp (path, "-");
	FILE *fp = is_stdin ? stdin : fopen (path, "r");
	if (!fp) {
		ox_cli_error (cli, "%s: %s", path, g_strerror (errno));
		return false;
	}
	const char *saved_name = cli->source_name;
	int saved_line = cli->source_line;
	bool saved_interactive = cli->interactive;
	cli->source_name = is_stdin ? "<stdin>" : path;
	cli->source_line = 0;
	cli->interactive = false;
	cli->include_depth++;

	run_stream (cli, fp);

	cli->include_depth--;
	cli->interactive = saved_interactive;
	cli->source_name = saved_name;
	cli->source_line = saved_line;
	if (!is_stdin)
		fclose (fp);
	return true;
}

void
ox_cli_run_stdin (OxCli *cli)
{
	cli->source_name = NULL;
	cli->source_line = 0;
	cli->interactive = false;
	run_stream (cli, stdin);
}

/* ---- the terminal ---------------------------------------------------------- */

static char *
history_path (void)
{
	const char *env = g_getenv ("OXIBASE_HISTORY");
	if (env && *env)
		return g_strdup (env);
	return g_build_filename (g_get_home_dir (), ".oxibase_history", NULL);
}

static char *
make_prompt (OxCli *cli, OxScanner *sc)
{
	/* --connect: no transaction outlives a statement (remote.c) */
	char txn = cli->session ? ox_session_txn_status (cli->session) : 'I';
	return g_strdup_printf ("oxibase%c%s> ", ox_scanner_prompt_char (sc),
	                        txn == 'T' ? "*" : txn == 'E' ? "!" : "");
}

/* psql's "help", "quit" and "exit": recognized alone on a line (a ';' may
 * follow) and only at the terminal.  Returns true when the line was one. */
static bool
special_word (OxCli *cli, OxScanner *sc, const char *line)
{
	g_autofree char *w = g_strstrip (g_strdup (line));
	size_t n = strlen (w);
	if (n > 0 && w[n - 1] == ';')
		w[--n] = '\0';
	g_strchomp (w);
	bool help = !g_ascii_strcasecmp (w, "help");
	bool quit = !g_ascii_strcasecmp (w, "quit") || !g_ascii_strcasecmp (w, "exit");
	if (!help && !quit)
		return false;
	if (!ox_scanner_empty (sc)) {
		/* part of a statement (a column named exit?): let it through */
		if (quit && ox_scanner_prompt_char (sc) == '-')
			puts ("Use \\q to quit.");
		return false;
	}
	if (quit) {
		cli->stop = cli->quit = true;
		return true;
	}
	fputs ("You are using oxibase, the command-line interface to Oxibase.\n"
	       "Type:  \\? for help with oxibase commands\n"
	       "       \\g or terminate with semicolon to execute query\n"
	       "       \\q to quit\n", stdout);
	return true;
}

void
ox_cli_repl (OxCli *cli)
{
	cli->interactive = true;
	cli->source_name = NULL;

	g_autofree char *hist_file = history_path ();
	rl_readline_name = "oxibase";
	using_history ();
	read_history (hist_file);
	stifle_history (HISTORY_SIZE);

	OxScanner sc;
	ox_scanner_init (&sc);
	/* the lines of the statement being typed, for one history entry */
	g_autoptr (GString) pending = g_string_new (NULL);
	g_autofree char *last_entry = NULL;

	while (!cli->quit) {
		cli->stop = false;  /* a failed \i stops the file, not the terminal */
		g_autofree char *prompt = make_prompt (cli, &sc);
		sigint_seen = 0;
		char *line = readline (prompt);
		if (!line) {
			if (sigint_seen) {
				/* Ctrl-C at the prompt: drop what was typed */
				sigint_seen = 0;
				ox_scanner_reset (&sc);
				g_string_truncate (pending, 0);
				fputc ('\n', stdout);
				continue;
			}
			/* end of input (Ctrl-D) */
			if (!cli->quiet)
				puts ("\\q");
			break;
		}
		cli->source_line++;

		if (pending->len > 0)
			g_string_append_c (pending, '\n');
		g_string_append (pending, line);

		if (!special_word (cli, &sc, line))
			process_line (cli, &sc, line);
		free (line);

		/* One entry per finished statement or command, not per line. */
		if (ox_scanner_empty (&sc)) {
			g_strstrip (pending->str);
			if (pending->str[0] && g_strcmp0 (pending->str, last_entry) != 0) {
				add_history (pending->str);
				g_free (last_entry);
				last_entry = g_strdup (pending->str);
			}
			g_string_truncate (pending, 0);
		}
		if (sigint_seen) {
			/* the Ctrl-C cancelled a statement; it has been reported */
			sigint_seen = 0;
		}
	}

	if (write_history (hist_file) == 0)
		g_chmod (hist_file, 0600);  /* it may hold secrets typed in SQL */
	ox_scanner_clear (&sc);
}

/*
 * cli.h — shared state and entry points of the oxibase command-line client.
 *
 * The client is split by purpose:
 *   main.c    options, opening the database, the order of -c/-f actions,
 *             the exit status
 *   input.c   the read loop over a terminal (libedit) or a file: prompts,
 *             history, statement splitting, dispatch
 *   split.c   the statement scanner
 *   run.c     running SQL through oxibase.h and collecting results
 *   print.c   result tables: psql's aligned format, CSV, JSON
 *   report.c  errors and notices on stderr, as psql prints them
 *   meta.c    backslash commands
 *   remote.c  --connect: the same through OxConnection to an oxibase-server
 *   demo.sql  the --demo database (embedded at build time)
 *
 * NOTE: the client uses the public API (oxibase.h) only; it is one of the
 * API's judges, like the sqllogictest runner.  With --connect it uses
 * client/'s OxConnection instead (remote.c), and db and session are NULL.
 */
#ifndef OX_CLI_H
#define OX_CLI_H

#include "oxibase.h"
#include "split.h"

#include <glib.h>
#include <stdbool.h>
#include <stdio.h>

typedef enum OxCliFormat {
	OX_CLI_ALIGNED,  /* psql's default "aligned" table */
	OX_CLI_CSV,      /* psql --csv */
	OX_CLI_JSON,     /* one JSON array of objects per result */
} OxCliFormat;

typedef struct OxCli {
	OxDatabase *db;             /* NULL with --connect */
	OxSession  *session;        /* NULL with --connect */
	gpointer    remote;         /* --connect: the OxRemoteConnection; owned */
	OxCliFormat format;
	bool        quiet;          /* -q: no banner, command tags or chatter */
	bool        timing;         /* \timing: print "Time: ..." after each query */
	bool        stop_on_error;  /* --stop-on-error / -v ON_ERROR_STOP=1 */
	bool        show_sqlstate;  /* "ERROR:  42P01: ..." (psql's VERBOSITY=verbose
	                               layout; -v VERBOSITY=default drops it) */
	bool        interactive;    /* the current input is the terminal (libedit) */
	bool        failed;         /* a statement or command failed outside the
	                               terminal: the exit status becomes 1 */
	bool        stop;           /* stop reading input: \q, or a failure under
	                               stop_on_error */
	bool        quit;           /* \q: leave the program, not just this file */
	const char *source_name;    /* script named in "oxibase:FILE:LINE: "
	                               prefixes; NULL for -c, the terminal and
	                               piped stdin (psql prints none there) */
	int         source_line;    /* current line of source_name, 1-based */
	int         include_depth;  /* \i nesting, against a file including itself */
	char       *last_query;     /* what \g re-runs when the buffer is empty; owned */
} OxCli;

/* A collected result, ready to print. */
typedef struct OxCliTable {
	char        *title;      /* centered above the table, or NULL; owned */
	int          ncols;
	char       **headers;    /* ncols names; owned */
	OxColumnType *types;     /* ncols types (alignment, JSON numbers); owned */
	GPtrArray   *rows;       /* char *[ncols] each, NULL for SQL NULL; owned */
	GPtrArray   *footers;    /* char *, printed instead of "(N rows)"; or NULL */
} OxCliTable;

/* ---- run.c ---- */

/* Run every statement of text, printing results, command tags and errors;
 * stops at the first failing statement, as a server does with a query
 * string.  Returns true when all succeeded. */
bool        ox_cli_run_sql (OxCli *cli, const char *text);
/* Run one query for a backslash command, binding params[i] as text to
 * $i+1.  Returns the collected rows, or NULL with *err filled. */
OxCliTable *ox_cli_query (OxCli *cli, const char *sql, const char *const *params,
                          int nparams, OxError *err);
OxCliTable *ox_cli_table_new (int ncols);
void        ox_cli_table_free (OxCliTable *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OxCliTable, ox_cli_table_free)

/* ---- print.c ---- */

/* Print a result in the chosen format (titles and footers appear only in
 * the aligned one). */
void ox_cli_print_table (OxCli *cli, const OxCliTable *t, FILE *out);
/* psql's "Time: 1.234 ms" line. */
void ox_cli_print_timing (double msec, FILE *out);
/* Terminal display width of a UTF-8 string's longest line (psql's rules:
 * wide characters count 2, controls print escaped). */
int  ox_cli_display_width (const char *s);

/* ---- report.c ---- */

/* Print an engine error like psql: severity, message, the "LINE n:" and
 * caret display when err->position points into query, DETAIL and HINT. */
void ox_cli_report_error (OxCli *cli, const OxError *err, const char *query);
/* The OxNoticeFunc for the session; user is the OxCli. */
void ox_cli_notice_cb (void *user, const char *severity, const char *sqlstate,
                       const char *message);
/* A message of the client's own (psql's pg_log_error): prefixed with
 * "oxibase:FILE:LINE: error: " inside a script, bare otherwise. */
void ox_cli_error (OxCli *cli, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

/* ---- meta.c ---- */

/* Run the backslash command \name with its argument text.  The scanner
 * holds the statement typed so far (\g runs it, \r clears it). */
void ox_cli_meta (OxCli *cli, const char *name, const char *args, OxScanner *sc);
void ox_cli_print_help (FILE *out);

/* ---- input.c ---- */

/* Read and run a script file (for -f and \i); "-" is stdin.  Returns false
 * when the file cannot be opened (after saying so). */
bool ox_cli_run_file (OxCli *cli, const char *path);
/* Read and run everything from stdin without a terminal. */
void ox_cli_run_stdin (OxCli *cli);
/* The interactive loop: libedit, prompts, history. */
void ox_cli_repl (OxCli *cli);
/* A statement or command failed: remember it for the exit status and stop
 * here when asked to (the terminal goes on regardless). */
void ox_cli_note_failure (OxCli *cli);
/* Ctrl-C: install the SIGINT handler (once, at start). */
void ox_cli_install_sigint (void);
/* Ctrl-C: the session whose statement a SIGINT should cancel, or NULL. */
void ox_cli_set_running (OxSession *s);
/* Ctrl-C: true (once) if a SIGINT arrived since the last call. */
bool ox_cli_interrupted (void);

/* Ctrl-C: true if a SIGINT arrived since the last ox_cli_interrupted
 * (which still reports it). */
bool ox_cli_sigint_pending (void);

/* ---- remote.c ---- */

/* Log in to the server at url as user (password: OXIBASE_PASSWORD or a
 * prompt); false after saying why. */
bool        ox_cli_remote_connect (OxCli *cli, const char *url, const char *user);
void        ox_cli_remote_close (OxCli *cli);
/* ox_cli_run_sql and ox_cli_query over the connection. */
bool        ox_cli_remote_run_sql (OxCli *cli, const char *text);
OxCliTable *ox_cli_remote_query (OxCli *cli, const char *sql, const char *const *params,
                                 int nparams, OxError *err);

/* ---- demo-sql.c (generated from demo.sql) ---- */

extern const char ox_cli_demo_sql[];

#endif

/*
 * remote.c — `oxibase --connect http://host:8433 [-U user]`: the client's
 * statements and catalog queries go to an oxibase-server through
 * OxConnection (client/ox-remote-connection.h) instead of the engine in
 * this process, and print as local results print (print.c, report.c).
 *
 * The connection is asynchronous; the client is not: each run iterates
 * the default main context until the run completes.  Tables are printed
 * when their statement's DONE batch arrives (the aligned format needs
 * every width, as in run.c).
 *
 * NOTE: the password comes from OXIBASE_PASSWORD, else from a prompt on
 * the terminal with echo off; without a terminal and without the
 * variable the client says so and exits with status 2.
 * NOTE: every run is one HTTP request, so SET and an open transaction do
 * not outlive one -c string, one line of a script, or one statement typed
 * at the prompt (the server rolls an open transaction back); \copy needs
 * a local session and is refused.
 * NOTE: Ctrl-C asks the server to cancel the running statement (the
 * SIGINT handler only sets a flag; a timer on the loop looks at it).
 * NOTE: ox_cli_query's $1.. parameters are written into the SQL as
 * quoted literals: the HTTP API binds parameters only for whole scripts,
 * and these queries are the client's own catalog queries.
 */
#include "cli.h"
#include "ox-remote-connection.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* The type id print.c aligns and quotes by, from the type's name. */
static OxColumnType
type_of (const char *name)
{
	if (!name)
		return OX_TYPE_TEXT;
	if (!strcmp (name, "boolean"))
		return OX_TYPE_BOOLEAN;
	if (!strcmp (name, "smallint"))
		return OX_TYPE_SMALLINT;
	if (!strcmp (name, "integer"))
		return OX_TYPE_INTEGER;
	if (!strcmp (name, "bigint"))
		return OX_TYPE_BIGINT;
	if (g_str_has_prefix (name, "numeric"))
		return OX_TYPE_NUMERIC;
	if (!strcmp (name, "real"))
		return OX_TYPE_REAL;
	if (!strcmp (name, "double precision"))
		return OX_TYPE_DOUBLE;
	if (g_str_has_prefix (name, "character varying"))
		return OX_TYPE_VARCHAR;
	if (g_str_has_prefix (name, "character"))
		return OX_TYPE_CHAR;
	if (!strcmp (name, "bytea"))
		return OX_TYPE_BYTEA;
	if (!strcmp (name, "date"))
		return OX_TYPE_DATE;
	if (g_str_has_prefix (name, "timestamp") && strstr (name, "with time zone"))
		return OX_TYPE_TIMESTAMPTZ;
	if (g_str_has_prefix (name, "timestamp"))
		return OX_TYPE_TIMESTAMP;
	return OX_TYPE_TEXT;
}

static char *
read_password (const char *user, const char *url)
{
	const char *env = g_getenv ("OXIBASE_PASSWORD");
	if (env)
		return g_strdup (env);
	FILE *tty = fopen ("/dev/tty", "r+");
	if (!tty)
		return NULL;
	int fd = fileno (tty);
	struct termios old, quiet;
	gboolean restore = tcgetattr (fd, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t) ECHO;
		tcsetattr (fd, TCSAFLUSH, &quiet);
	}
	fprintf (tty, "Password for user %s at %s: ", user, url);
	fflush (tty);
	char buf[1024];
	char *line = fgets (buf, sizeof buf, tty);
	if (restore)
		tcsetattr (fd, TCSAFLUSH, &old);
	fputc ('\n', tty);
	fclose (tty);
	if (!line)
		return NULL;
	buf[strcspn (buf, "\r\n")] = '\0';
	char *pw = g_strdup (buf);
	explicit_bzero (buf, sizeof buf);
	return pw;
}

bool
ox_cli_remote_connect (OxCli *cli, const char *url, const char *user)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *norm = ox_remote_connection_normalize_url (url, &error);
	if (!norm) {
		fprintf (stderr, "oxibase: error: %s\n", error->message);
		return false;
	}
	char *pw = read_password (user, norm);
	if (!pw) {
		fprintf (stderr, "oxibase: error: no password for user \"%s\": set OXIBASE_PASSWORD or run "
		                 "oxibase on a terminal\n", user);
		return false;
	}
	OxRemoteConnection *c = ox_remote_connection_connect (norm, user, pw, &error);
	explicit_bzero (pw, strlen (pw));
	g_free (pw);
	if (!c) {
		fprintf (stderr, "oxibase: error: %s\n", error->message);
		return false;
	}
	cli->remote = c;
	return true;
}

void
ox_cli_remote_close (OxCli *cli)
{
	if (!cli->remote)
		return;
	ox_connection_close (OX_CONNECTION (cli->remote));
	/* let the token's revocation go out before the process ends (a
	 * server that does not answer gets 2 s) */
	gint64 until = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
	while (ox_remote_connection_revokes_in_flight () > 0 && g_get_monotonic_time () < until)
		if (!g_main_context_iteration (NULL, FALSE))
			g_usleep (1000);
	g_clear_object (&cli->remote);
}

/* ---- one run ------------------------------------------------------------------- */

typedef struct {
	OxCli      *cli;
	const char *text;        /* the script, for error positions */
	gboolean    print;       /* FALSE: collect the first table only (queries) */
	OxCliTable *table;       /* the current result set */
	OxCliTable *first;       /* !print: the first result set, kept */
	OxError     err;         /* the statement error, if any */
	gboolean    failed;
	gboolean    finished;
	gboolean    cancel_sent;
	GError     *error;       /* the run's own failure (the connection) */
} RemoteRun;

static void
take_columns (RemoteRun *r, OxBatch *b)
{
	ox_cli_table_free (r->table);
	r->table = ox_cli_table_new ((int) b->n_columns);
	for (guint c = 0; c < b->n_columns; c++) {
		r->table->headers[c] = g_strdup (b->column_names[c]);
		r->table->types[c] = type_of (b->column_types[c]);
	}
}

/* psql prints a status line after rows only for INSERT/UPDATE/DELETE
 * ... RETURNING (as run.c). */
static bool
tag_follows_rows (const char *tag)
{
	return g_str_has_prefix (tag, "INSERT") || g_str_has_prefix (tag, "UPDATE") ||
	       g_str_has_prefix (tag, "DELETE");
}

static void
batch_cb (OxBatch *b, gpointer data)
{
	RemoteRun *r = data;
	OxCli *cli = r->cli;
	for (guint i = 0; i < b->notices->len; i++) {
		OxNotice *n = b->notices->pdata[i];
		ox_cli_notice_cb (cli, n->severity, n->sqlstate, n->message);
	}
	switch (b->kind) {
	case OX_BATCH_COLUMNS:
		take_columns (r, b);
		break;
	case OX_BATCH_ROWS:
		if (!r->table)
			take_columns (r, b);
		for (guint row = 0; row < b->n_rows; row++) {
			int nc = r->table->ncols;
			char **cells = g_new (char *, nc > 0 ? nc : 1);
			for (int c = 0; c < nc; c++)
				cells[c] = g_strdup (ox_batch_get_cell (b, row, (guint) c));
			g_ptr_array_add (r->table->rows, cells);
		}
		break;
	case OX_BATCH_DONE: {
		OxCliTable *t = g_steal_pointer (&r->table);
		if (!r->print) {
			if (!r->first)
				r->first = g_steal_pointer (&t);
			ox_cli_table_free (t);
			break;
		}
		const char *tag = b->command_tag;
		if (t)
			ox_cli_print_table (cli, t, stdout);
		if (tag && *tag && !cli->quiet && cli->format != OX_CLI_JSON && (!t || tag_follows_rows (tag)))
			printf ("%s\n", tag);
		ox_cli_table_free (t);
		break;
	}
	case OX_BATCH_ERROR:
		g_clear_pointer (&r->table, ox_cli_table_free);
		ox_error_clear (&r->err);
		g_strlcpy (r->err.sqlstate, b->error->sqlstate, sizeof r->err.sqlstate);
		r->err.message = g_strdup (b->error->message);
		r->err.detail = g_strdup (b->error->detail);
		r->err.hint = g_strdup (b->error->hint);
		r->err.context = g_strdup (b->error->context);
		r->err.position = b->error->position;
		r->failed = TRUE;
		break;
	}
}

static void
done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	RemoteRun *r = data;
	ox_connection_run_finish (OX_CONNECTION (source), result, &r->error);
	r->finished = TRUE;
}

static gboolean
watch_sigint_cb (gpointer data)
{
	RemoteRun *r = data;
	if (!r->cancel_sent && ox_cli_sigint_pending ()) {
		r->cancel_sent = TRUE;
		ox_connection_cancel (OX_CONNECTION (r->cli->remote));
	}
	return G_SOURCE_CONTINUE;
}

static void
remote_run (RemoteRun *r, const char *sql)
{
	ox_connection_run_async (OX_CONNECTION (r->cli->remote), sql, batch_cb, r, NULL, NULL, done_cb, r);
	guint watch = g_timeout_add (50, watch_sigint_cb, r);
	while (!r->finished)
		g_main_context_iteration (NULL, TRUE);
	g_source_remove (watch);
	g_clear_pointer (&r->table, ox_cli_table_free);
}

bool
ox_cli_remote_run_sql (OxCli *cli, const char *text)
{
	gint64 start = g_get_monotonic_time ();
	RemoteRun r = { cli, text, TRUE };
	remote_run (&r, text);
	bool ok = true;
	if (r.failed) {
		ox_cli_report_error (cli, &r.err, text);
		ok = false;
	} else if (r.error) {
		ox_cli_error (cli, "%s", r.error->message);
		ok = false;
	}
	ox_error_clear (&r.err);
	g_clear_error (&r.error);
	if (cli->timing)
		ox_cli_print_timing ((g_get_monotonic_time () - start) / 1000.0, stdout);
	fflush (stdout);
	return ok;
}

OxCliTable *
ox_cli_remote_query (OxCli *cli, const char *sql, const char *const *params, int nparams, OxError *err)
{
	/* $N -> 'literal' (quotes doubled), outside quotes of the query */
	GString *s = g_string_new (NULL);
	gboolean in_quote = FALSE;
	for (const char *p = sql; *p; p++) {
		if (*p == '\'')
			in_quote = !in_quote;
		if (!in_quote && *p == '$' && g_ascii_isdigit (p[1])) {
			int n = 0;
			while (g_ascii_isdigit (p[1]))
				n = n * 10 + (*++p - '0');
			if (n >= 1 && n <= nparams && params[n - 1]) {
				g_string_append_c (s, '\'');
				for (const char *v = params[n - 1]; *v; v++) {
					if (*v == '\'')
						g_string_append_c (s, '\'');
					g_string_append_c (s, *v);
				}
				g_string_append_c (s, '\'');
			} else
				g_string_append (s, "NULL");
			continue;
		}
		g_string_append_c (s, *p);
	}
	g_autofree char *text = g_string_free (s, FALSE);
	RemoteRun r = { cli, text, FALSE };
	remote_run (&r, text);
	OxCliTable *t = NULL;
	if (r.failed) {
		*err = r.err;  /* hand the strings over */
		memset (&r.err, 0, sizeof r.err);
	} else if (r.error) {
		g_strlcpy (err->sqlstate, "08006", sizeof err->sqlstate);
		err->message = g_strdup (r.error->message);
	} else
		t = g_steal_pointer (&r.first);
	if (!t && !err->sqlstate[0]) {
		g_strlcpy (err->sqlstate, "XX000", sizeof err->sqlstate);
		err->message = g_strdup ("the query returned no result set");
	}
	ox_cli_table_free (r.first);
	ox_error_clear (&r.err);
	g_clear_error (&r.error);
	return t;
}

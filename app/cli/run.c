/*
 * run.c — run SQL through the public API and hand the results to print.c.
 *
 * ox_cli_run_sql plays the part of psql's SendQuery plus the server: it
 * prepares the first statement of the text, steps it, prints its rows or
 * command tag, and goes on with the tail, stopping at the first error (a
 * server abandons the rest of a query string the same way).  Results are
 * collected before printing, as psql does: the aligned format needs every
 * width, and a statement that fails halfway prints only its error.
 *
 * Command tags follow psql: printed for statements without rows, and
 * after the rows of INSERT/UPDATE/DELETE ... RETURNING; never with -q, and
 * never in JSON mode, whose output must stay a sequence of JSON arrays.
 *
 * NOTE: error positions come relative to the text given to ox_prepare;
 * they are shifted to the whole text so that "LINE n:" and the caret point
 * into what the user wrote (psql reports -c positions the same way).
 * NOTE: unlike PostgreSQL's simple query protocol, statements of one -c
 * string are not wrapped in one implicit transaction: each autocommits,
 * so an error in the third statement keeps what the first two did.
 * NOTE: column text pointers die at the next step: every value is copied.
 */
#include "cli.h"

#include <string.h>

OxCliTable *
ox_cli_table_new (int ncols)
{
	OxCliTable *t = g_new0 (OxCliTable, 1);
	t->ncols = ncols;
	t->headers = g_new0 (char *, ncols + 1);
	t->types = g_new0 (OxColumnType, ncols > 0 ? ncols : 1);
	t->rows = g_ptr_array_new ();
	return t;
}

void
ox_cli_table_free (OxCliTable *t)
{
	if (!t)
		return;
	for (guint r = 0; r < t->rows->len; r++) {
		char **row = t->rows->pdata[r];
		for (int j = 0; j < t->ncols; j++)
			g_free (row[j]);
		g_free (row);
	}
	g_ptr_array_unref (t->rows);
	if (t->footers)
		g_ptr_array_unref (t->footers);
	g_strfreev (t->headers);
	g_free (t->types);
	g_free (t->title);
	g_free (t);
}

/* Step st to the end, collecting its rows into a new table when it
 * returns rows.  Returns OX_DONE or OX_ERROR (then *out is NULL). */
static int
collect (OxStmt *st, OxCliTable **out, OxError *err)
{
	*out = NULL;
	int rc;
	if (!ox_stmt_returns_rows (st)) {
		while ((rc = ox_step (st, err)) == OX_ROW)
			;
		return rc;
	}
	int nc = ox_column_count (st);
	OxCliTable *t = ox_cli_table_new (nc);
	for (int j = 0; j < nc; j++) {
		const char *name = ox_column_name (st, j);
		t->headers[j] = g_strdup (name ? name : "?column?");
		t->types[j] = ox_column_type (st, j);
	}
	while ((rc = ox_step (st, err)) == OX_ROW) {
		char **row = g_new (char *, nc > 0 ? nc : 1);
		for (int j = 0; j < nc; j++)
			row[j] = g_strdup (ox_column_text (st, j));
		g_ptr_array_add (t->rows, row);
	}
	if (rc == OX_ERROR) {
		ox_cli_table_free (t);
		return rc;
	}
	*out = t;
	return rc;
}

/* psql prints a status line for row results only when they come from
 * data-modifying statements with RETURNING. */
static bool
tag_follows_rows (const char *tag)
{
	return g_str_has_prefix (tag, "INSERT") || g_str_has_prefix (tag, "UPDATE") ||
	       g_str_has_prefix (tag, "DELETE");
}

bool
ox_cli_run_sql (OxCli *cli, const char *text)
{
	if (cli->remote)
		return ox_cli_remote_run_sql (cli, text);  /* --connect */
	const char *p = text;
	bool ok = true;
	gint64 start = g_get_monotonic_time ();

	while (*p) {
		OxStmt *st = NULL;
		const char *tail = NULL;
		OxError err = { 0 };
		/* characters of text before this statement, for error positions */
		int before = (int) g_utf8_strlen (text, p - text);

		ox_cli_set_running (cli->session);
		int rc = ox_prepare (cli->session, p, -1, &st, &tail, &err);
		OxCliTable *t = NULL;
		if (rc == OX_OK && st)
			rc = collect (st, &t, &err);
		ox_cli_set_running (NULL);

		if (rc == OX_ERROR) {
			if (err.position > 0)
				err.position += before;
			ox_cli_report_error (cli, &err, text);
			ox_error_clear (&err);
			ox_finalize (st);
			ok = false;
			break;
		}
		if (!st)
			break;  /* only whitespace and comments were left */

		const char *tag = ox_command_tag (st);
		if (t)
			ox_cli_print_table (cli, t, stdout);
		if (tag && *tag && !cli->quiet && cli->format != OX_CLI_JSON &&
		    (!t || tag_follows_rows (tag)))
			printf ("%s\n", tag);
		ox_cli_table_free (t);
		ox_finalize (st);
		p = tail;
	}

	/* psql times a whole query string, failed or not. */
	if (cli->timing)
		ox_cli_print_timing ((g_get_monotonic_time () - start) / 1000.0, stdout);
	fflush (stdout);
	return ok;
}

OxCliTable *
ox_cli_query (OxCli *cli, const char *sql, const char *const *params, int nparams, OxError *err)
{
	if (cli->remote)
		return ox_cli_remote_query (cli, sql, params, nparams, err);  /* --connect */
	OxStmt *st = NULL;
	if (ox_prepare (cli->session, sql, -1, &st, NULL, err) != OX_OK)
		return NULL;
	g_assert (st);  /* our own queries are never empty */
	for (int i = 0; i < nparams; i++) {
		if (ox_bind_text (st, i + 1, params[i], -1, err) != OX_OK) {
			ox_finalize (st);
			return NULL;
		}
	}
	OxCliTable *t = NULL;
	ox_cli_set_running (cli->session);
	int rc = collect (st, &t, err);
	ox_cli_set_running (NULL);
	ox_finalize (st);
	return rc == OX_ERROR ? NULL : t;
}

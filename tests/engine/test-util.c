/*
 * test-util.c — helpers shared by the engine's g_test programs (see
 * test-util.h).  Test code only: never linked into the engine.
 */
#include "test-util.h"

#include <glib.h>
#include <glib/gstdio.h>

char *
ox_test_step_rows (OxStmt *st, OxError *e, int *rc)
{
	GString *g = g_string_new (NULL);
	int r;
	while ((r = ox_step (st, e)) == OX_ROW) {
		for (int c = 0; c < ox_column_count (st); c++) {
			const char *t = ox_column_text (st, c);
			g_string_append_printf (g, "%s%s", c ? "|" : "", t ? t : "NULL");
		}
		g_string_append_c (g, '\n');
	}
	*rc = r;
	return g_string_free (g, FALSE);
}

char *
ox_test_query (OxSession *s, const char *sql)
{
	OxError e = { 0 };
	OxStmt *st;
	int rc;
	if (ox_prepare (s, sql, -1, &st, NULL, &e) != OX_OK)
		g_error ("%s: %s %s", sql, e.sqlstate, e.message);
	char *rows = ox_test_step_rows (st, &e, &rc);
	if (rc != OX_DONE)
		g_error ("%s: %s %s", sql, e.sqlstate, e.message);
	ox_finalize (st);
	return rows;
}

void
ox_test_exec (OxSession *s, const char *sql)
{
	OxError e = { 0 };
	if (ox_exec (s, sql, &e) != OX_OK)
		g_error ("%s: %s %s", sql, e.sqlstate, e.message);
}

void
ox_test_rm_rf (const char *path)
{
	GDir *d = g_dir_open (path, 0, NULL);
	if (d == NULL) {
		g_unlink (path);
		return;
	}
	const char *name;
	while ((name = g_dir_read_name (d)) != NULL) {
		char *child = g_build_filename (path, name, NULL);
		ox_test_rm_rf (child);
		g_free (child);
	}
	g_dir_close (d);
	g_rmdir (path);
}

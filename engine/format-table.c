/*
 * format-table.c — a result in psql's aligned format, for the places the
 * engine prints results itself (the debugger's console, ox_exec_print).
 *
 * Widths count characters (UTF-8), not bytes; numbers align right.
 * NOTE: every row is held until the table is printed (widths depend on
 * all of them): callers cap what they collect.
 */
#include "format-table.h"

/* psql's aligned format for one result. */
void
ox_format_table (GString *o, int ncols, char **names, GPtrArray *rows, const bool *right)
{
	int *w = g_new0 (int, ncols);
	for (int c = 0; c < ncols; c++)
		w[c] = (int) g_utf8_strlen (names[c], -1);
	for (guint r = 0; r < rows->len; r++) {
		char **row = rows->pdata[r];
		for (int c = 0; c < ncols; c++) {
			int l = row[c] ? (int) g_utf8_strlen (row[c], -1) : 0;
			if (l > w[c])
				w[c] = l;
		}
	}
	for (int c = 0; c < ncols; c++) {
		int l = (int) g_utf8_strlen (names[c], -1);
		int left = (w[c] - l) / 2;
		g_string_append_printf (o, "%s%*s%s%*s", c ? "|" : "", left + 1, "", names[c], w[c] - l - left + 1, "");
	}
	g_string_append_c (o, '\n');
	for (int c = 0; c < ncols; c++) {
		if (c)
			g_string_append_c (o, '+');
		for (int i = 0; i < w[c] + 2; i++)
			g_string_append_c (o, '-');
	}
	g_string_append_c (o, '\n');
	for (guint r = 0; r < rows->len; r++) {
		char **row = rows->pdata[r];
		for (int c = 0; c < ncols; c++) {
			const char *x = row[c] ? row[c] : "";
			int pad = w[c] - (int) g_utf8_strlen (x, -1);
			if (c)
				g_string_append_c (o, '|');
			if (right[c])
				g_string_append_printf (o, " %*s%s%s", pad, "", x, c < ncols - 1 ? " " : "");
			else if (c < ncols - 1)
				g_string_append_printf (o, " %s%*s ", x, pad, "");
			else
				g_string_append_printf (o, " %s", x);
		}
		g_string_append_c (o, '\n');
	}
	g_string_append_printf (o, "(%u row%s)\n\n", rows->len, rows->len == 1 ? "" : "s");
	g_free (w);
}


/*
 * format-table.h — psql's aligned table format (format-table.c).
 */
#ifndef OX_FORMAT_TABLE_H
#define OX_FORMAT_TABLE_H

#include <glib.h>
#include <stdbool.h>

/* Append names[ncols] as a header, rows (char*[ncols] each, NULL for SQL
 * NULL) and "(N rows)" plus a blank line, as psql prints them; right[c]
 * aligns column c to the right. */
void ox_format_table (GString *o, int ncols, char **names, GPtrArray *rows, const bool *right);

#endif

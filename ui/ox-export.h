/*
 * ox-export.h — a result set as text: CSV (RFC 4180), JSON (an array of
 * objects) and tab-separated rows for the clipboard, and writing such
 * text to a file with GFile's asynchronous calls.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The columns of a result set and its rows (a GListModel of OxResultRow). */
typedef struct {
	guint              n_columns;
	const char *const *names;
	const char *const *types;   /* type names ("integer", "numeric(10,2)"), may hold NULLs */
	GListModel        *rows;
} OxExportSource;

/* The result set a grid of the editor page shows (the source borrows the
 * grid's data: valid while the grid lives); FALSE if it is not one. */
gboolean  ox_export_source_from_grid (GtkColumnView *grid, OxExportSource *src);

/* CSV: a header line, CRLF line ends, fields quoted when they hold a
 * comma, a quote, CR or LF (quotes doubled), or are empty; NULL is an
 * empty unquoted field (so NULL and '' differ, as in COPY ... CSV). */
char     *ox_export_csv (const OxExportSource *src);
/* JSON: [{"column": value, ...}, ...], one row per line; NULL is null,
 * values of numeric types that are JSON numbers are unquoted, everything
 * else (NaN, Infinity included) is a string. */
char     *ox_export_json (const OxExportSource *src);
/* Tab-separated rows (positions, n of them, into rows; NULL: all), no
 * header, LF line ends; NULL is empty, tabs and line breaks in a value
 * become spaces (a spreadsheet's paste would split on them). */
char     *ox_export_tsv (const OxExportSource *src, const guint *positions, guint n);

/* The grid's actions.  Copy: its selected rows as ox_export_tsv (FALSE:
 * none selected).  Export: a file chooser, then ox_export_to_file, whose
 * outcome is a toast. */
gboolean  ox_export_copy_selection (GtkColumnView *grid);
void      ox_export_choose_file (GtkColumnView *grid, gboolean json);
void      ox_export_to_file (GtkColumnView *grid, GFile *file, gboolean json);

/* Write text to file, replacing it. */
void      ox_export_write_async (GFile *file, const char *text, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean  ox_export_write_finish (GFile *file, GAsyncResult *result, GError **error);

G_END_DECLS

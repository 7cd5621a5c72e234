/*
 * ox-data-editor.h — a table's rows in an editable grid, in a window of
 * its own beside the main window: edit cells (NULL settable), add rows,
 * delete rows.  Changes are staged and shown (changed cells, new and
 * deleted rows marked) until Save applies them in one transaction
 * (UPDATE / INSERT / DELETE by primary key) or Discard drops them;
 * closing the window with unsaved changes asks Save / Discard / Cancel.  A
 * table without a primary key is shown read-only, with a message saying
 * why.
 */
#pragma once

#include <adwaita.h>

#include "ox-connection.h"

G_BEGIN_DECLS

/* Rows come a page at a time as the grid is scrolled near its end:
 * keyset pages in primary-key order (the next page starts after the last
 * key loaded, so rows others insert or delete meanwhile shift nothing);
 * a table without a key (read-only) pages by OFFSET. */
#define OX_DATA_EDITOR_PAGE_ROWS 1000

#define OX_TYPE_DATA_EDITOR (ox_data_editor_get_type ())
G_DECLARE_FINAL_TYPE (OxDataEditor, ox_data_editor, OX, DATA_EDITOR, AdwWindow)

/* Opens schema.table of connection and starts loading its rows. */
OxDataEditor *ox_data_editor_new (OxConnection *connection, const char *schema, const char *table);

/* For tests and automation.  Rows are positions in the grid (new rows
 * come last); NULL value = SQL NULL. */
gboolean      ox_data_editor_is_busy (OxDataEditor *self);       /* loading or saving */
gboolean      ox_data_editor_is_read_only (OxDataEditor *self);
guint         ox_data_editor_get_n_rows (OxDataEditor *self);
/* The table has rows past the last page loaded. */
gboolean      ox_data_editor_has_more (OxDataEditor *self);
/* The staged value (transfer none; NULL for SQL NULL). */
const char   *ox_data_editor_get_cell (OxDataEditor *self, guint row, guint col);
gboolean      ox_data_editor_set_cell (OxDataEditor *self, guint row, guint col, const char *value);
/* A new, empty row at the end; its position. */
guint         ox_data_editor_add_row (OxDataEditor *self);
/* Mark row deleted (a new row is simply dropped). */
gboolean      ox_data_editor_delete_row (OxDataEditor *self, guint row);
/* Rows added, deleted or with changed cells. */
guint         ox_data_editor_get_n_changes (OxDataEditor *self);
void          ox_data_editor_save (OxDataEditor *self);
void          ox_data_editor_discard (OxDataEditor *self);
/* The message line: read-only reason, last error, counts. (transfer none) */
const char   *ox_data_editor_get_message (OxDataEditor *self);
GtkColumnView *ox_data_editor_get_grid (OxDataEditor *self);
/* The Save / Discard / Cancel question closing with unsaved changes
 * shows (an AdwMessageDialog), or NULL. (transfer none) */
GtkWindow    *ox_data_editor_get_close_dialog (OxDataEditor *self);

G_END_DECLS

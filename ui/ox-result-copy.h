/*
 * ox-result-copy.h — copy from a result grid to the clipboard: one cell
 * (its text as is; NULL as nothing), one row or the selected rows
 * (tab-separated, as ox_export_tsv), and the context menu a right click
 * on a cell opens with those three.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The cell's text (transfer full; "" for NULL), or NULL when grid is not
 * a result grid or row / col are out of range. */
char     *ox_result_copy_cell_text (GtkColumnView *grid, guint row, guint col);
gboolean  ox_result_copy_cell (GtkColumnView *grid, guint row, guint col);
gboolean  ox_result_copy_row (GtkColumnView *grid, guint row);
/* The selected rows (ox_export_copy_selection); FALSE: none selected. */
gboolean  ox_result_copy_selection (GtkColumnView *grid);

/* Give a grid cell's widget (set up for item, showing column col) the
 * right-click menu Copy Cell / Copy Row / Copy Selection. */
void      ox_result_copy_attach_cell (GtkWidget *cell, GtkListItem *item, guint col);

G_END_DECLS

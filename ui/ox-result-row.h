/*
 * ox-result-row.h — the rows of a result grid, stored compactly.
 *
 * An OxResultBlock holds one batch's rows in a single allocation: a table
 * of cell offsets followed by all the cells' text, NUL-terminated (so a
 * million short rows cost a few bytes of header each, not a GObject and a
 * malloc per cell).  An OxResultRow is the light GObject the views want:
 * a reference to its block and its index there, created when a view asks
 * for the item and dropped when it scrolls away.
 */
#pragma once

#include "ox-connection.h"

G_BEGIN_DECLS

typedef struct _OxResultBlock OxResultBlock;

/* A copy of the rows of a ROWS batch (the batch can be dropped after). */
OxResultBlock *ox_result_block_new (const OxBatch *batch);
OxResultBlock *ox_result_block_ref (OxResultBlock *block);
void           ox_result_block_unref (OxResultBlock *block);
guint          ox_result_block_get_n_rows (const OxResultBlock *block);
/* Bytes the block holds (header, offsets and text), for accounting. */
gsize          ox_result_block_get_size (const OxResultBlock *block);
/* The cell's text, or NULL for SQL NULL (and out of range). */
const char    *ox_result_block_get_cell (const OxResultBlock *block, guint row, guint col);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OxResultBlock, ox_result_block_unref)

#define OX_TYPE_RESULT_ROW (ox_result_row_get_type ())
G_DECLARE_FINAL_TYPE (OxResultRow, ox_result_row, OX, RESULT_ROW, GObject)

OxResultRow *ox_result_row_new (OxResultBlock *block, guint index);
/* The cell's text, or NULL for SQL NULL (and for col out of range). */
const char  *ox_result_row_get_cell (OxResultRow *self, guint col);
guint        ox_result_row_get_n_columns (OxResultRow *self);

G_END_DECLS

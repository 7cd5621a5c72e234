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
guint          ox_result_block_get_n_columns (const OxResultBlock *block);
/* The block's encoding: its cell offsets then its text, position-free, so
 * the same bytes can be written to a file and read back as they are (the
 * spill file, ox-result-spill.h).  *len: bytes at the returned pointer. */
gconstpointer  ox_result_block_get_encoding (const OxResultBlock *block, gsize *len);
/* A block of n_rows x n_columns whose encoding of len bytes the caller
 * fills at *encoding, then checks with ox_result_block_validate. */
OxResultBlock *ox_result_block_alloc (guint n_rows, guint n_columns, gsize len, gpointer *encoding);
/* Whether a filled encoding is one ox_result_block_new made: every offset
 * inside the text and the text NUL-terminated (so a damaged read can
 * never make a cell read past the block). */
gboolean       ox_result_block_validate (const OxResultBlock *block);
/* Whether anyone but the caller holds a reference (a row a view shows). */
gboolean       ox_result_block_is_shared (const OxResultBlock *block);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OxResultBlock, ox_result_block_unref)

#define OX_TYPE_RESULT_ROW (ox_result_row_get_type ())
G_DECLARE_FINAL_TYPE (OxResultRow, ox_result_row, OX, RESULT_ROW, GObject)

OxResultRow *ox_result_row_new (OxResultBlock *block, guint index);
/* The cell's text, or NULL for SQL NULL (and for col out of range). */
const char  *ox_result_row_get_cell (OxResultRow *self, guint col);
guint        ox_result_row_get_n_columns (OxResultRow *self);

G_END_DECLS

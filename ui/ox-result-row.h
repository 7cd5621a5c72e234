/*
 * ox-result-row.h — one row of a result grid: a reference to the OxBatch
 * that brought it and its index there, so filling a GListStore copies no
 * cell text.
 */
#pragma once

#include "ox-connection.h"

G_BEGIN_DECLS

#define OX_TYPE_RESULT_ROW (ox_result_row_get_type ())
G_DECLARE_FINAL_TYPE (OxResultRow, ox_result_row, OX, RESULT_ROW, GObject)

OxResultRow *ox_result_row_new (OxBatch *batch, guint index);
/* The cell's text, or NULL for SQL NULL (and for col out of range). */
const char  *ox_result_row_get_cell (OxResultRow *self, guint col);

G_END_DECLS

/*
 * ox-result-model.h — one result set as a GListModel of OxResultRow that
 * fills itself as the view scrolls.
 *
 * The model holds the rows delivered so far, in compact blocks (one per
 * batch, see ox-result-row.h).  When a view asks for an item near the end
 * of what is loaded, the model raises the run's OxRowDemand, the
 * connection delivers more batches, and they are appended with one
 * items-changed each.  Without a demand (a connection without flow
 * control) every row is appended as it comes.
 */
#pragma once

#include <gio/gio.h>

#include "ox-connection.h"
#include "ox-result-row.h"

G_BEGIN_DECLS

/* Rows a result set gets before any view asks, and the least a request
 * for more adds. */
#define OX_RESULT_MODEL_WINDOW 1000

#define OX_TYPE_RESULT_MODEL (ox_result_model_get_type ())
G_DECLARE_FINAL_TYPE (OxResultModel, ox_result_model, OX, RESULT_MODEL, GObject)

/* demand (may be NULL) is the run's; base is the number of rows the run
 * delivered before this result set began (the demand counts the run). */
OxResultModel *ox_result_model_new (OxRowDemand *demand, guint64 base);
/* Append the rows of a ROWS batch. */
void           ox_result_model_append (OxResultModel *self, const OxBatch *batch);
/* No more rows will come (DONE, ERROR or the run ended); truncated: the
 * result set was closed before its last row. */
void           ox_result_model_finish (OxResultModel *self, gboolean truncated);
gboolean       ox_result_model_is_complete (OxResultModel *self);
gboolean       ox_result_model_is_truncated (OxResultModel *self);
/* Ask for rows up to position n (exclusive) to be fetched; what a view's
 * get_item near the end does. */
void           ox_result_model_fetch_to (OxResultModel *self, guint64 n);
/* Bytes of row storage held. */
gsize          ox_result_model_get_bytes (OxResultModel *self);

G_END_DECLS

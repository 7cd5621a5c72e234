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
 *
 * Memory is bounded: the blocks of all result sets together stay under a
 * budget (OX_RESULT_MODEL_BUDGET); past it, the blocks used least recently
 * are written to an unlinked temporary file (ox-result-spill.h) and read
 * back when a view, a copy or an export reaches their rows.  If the file
 * cannot be written, the blocks stay in memory and the model emits
 * "storage-warning" once with a message a person can act on.
 */
#pragma once

#include <gio/gio.h>

#include "ox-connection.h"
#include "ox-result-row.h"

G_BEGIN_DECLS

/* Rows a result set gets before any view asks, and the least a request
 * for more adds. */
#define OX_RESULT_MODEL_WINDOW 1000

/* Bytes of row blocks all result sets together keep in memory before the
 * least recently used go to the temporary file.  64 MB: a million short
 * rows (26 MB measured, bench/README.md) never touch the disk, and the
 * budget plus GTK's row widgets and the allocator's slack (about 20 MB
 * measured) stays well under the 200 MB the workstation may grow by for
 * a million-row result, however wide. */
#define OX_RESULT_MODEL_BUDGET ((gsize) 64 * 1024 * 1024)

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
/* Bytes of row storage of all rows loaded, in memory or in the file. */
gsize          ox_result_model_get_bytes (OxResultModel *self);
/* Bytes of row storage this model holds in memory now. */
gsize          ox_result_model_get_resident_bytes (OxResultModel *self);
/* Bytes this model has written to its temporary file. */
guint64        ox_result_model_get_spilled_bytes (OxResultModel *self);

/* For tests and the bench: the process-wide budget (0: the default,
 * OX_RESULT_MODEL_BUDGET), and the directory of the temporary files (NULL:
 * g_get_tmp_dir ()).  Main thread only; they apply from the next block. */
void           ox_result_model_set_budget (gsize bytes);
void           ox_result_model_set_spill_dir (const char *dir);
/* Bytes of row storage all models hold in memory now. */
gsize          ox_result_model_get_total_resident_bytes (void);

G_END_DECLS

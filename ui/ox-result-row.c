/*
 * ox-result-row.c — a result row as a GObject for GListStore (see header).
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-result-row.h"

struct _OxResultRow {
	GObject  parent_instance;
	OxBatch *batch;  /* owned reference; immutable */
	guint    index;  /* row within batch */
};

G_DEFINE_FINAL_TYPE (OxResultRow, ox_result_row, G_TYPE_OBJECT)

static void
ox_result_row_finalize (GObject *object)
{
	OxResultRow *self = OX_RESULT_ROW (object);
	ox_batch_unref (self->batch);
	G_OBJECT_CLASS (ox_result_row_parent_class)->finalize (object);
}

static void
ox_result_row_class_init (OxResultRowClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = ox_result_row_finalize;
}

static void
ox_result_row_init (OxResultRow *self)
{
	(void) self;
}

OxResultRow *
ox_result_row_new (OxBatch *batch, guint index)
{
	g_return_val_if_fail (batch != NULL && index < batch->n_rows, NULL);
	OxResultRow *self = g_object_new (OX_TYPE_RESULT_ROW, NULL);
	self->batch = ox_batch_ref (batch);
	self->index = index;
	return self;
}

const char *
ox_result_row_get_cell (OxResultRow *self, guint col)
{
	g_return_val_if_fail (OX_IS_RESULT_ROW (self), NULL);
	return ox_batch_get_cell (self->batch, self->index, col);
}

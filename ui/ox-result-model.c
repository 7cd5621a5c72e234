/*
 * ox-result-model.c — a result set that fills itself as the view scrolls
 * (see the header).
 *
 * NOTE: get_item may be called from inside GTK's layout; it only raises
 * the demand (a counter and a condition variable), never changes the
 * model: the rows arrive later through the main loop and are appended
 * with items-changed then.  A GListModel must not change under a caller
 * that is reading it.
 * NOTE: blocks are found by binary search over their first positions, so
 * get_item is O(log blocks) even a million rows down.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-result-model.h"

struct _OxResultModel {
	GObject      parent_instance;
	OxRowDemand *demand;     /* owned, or NULL: no flow control */
	guint64      base;       /* rows of the run before this result set */
	GPtrArray   *blocks;     /* of OxResultBlock*, in order */
	GArray      *starts;     /* guint: position of each block's first row */
	guint        n_rows;     /* rows loaded */
	gsize        bytes;      /* of all blocks */
	gboolean     complete;   /* no more rows will come */
	gboolean     truncated;  /* ...because the result set was closed early */
};

static void ox_result_model_list_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OxResultModel, ox_result_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, ox_result_model_list_init))

static GType
get_item_type (GListModel *list)
{
	(void) list;
	return OX_TYPE_RESULT_ROW;
}

static guint
get_n_items (GListModel *list)
{
	return OX_RESULT_MODEL (list)->n_rows;
}

static gpointer
get_item (GListModel *list, guint position)
{
	OxResultModel *self = OX_RESULT_MODEL (list);
	if (position >= self->n_rows)
		return NULL;
	/* a view near the end of what is loaded: fetch ahead */
	if (position + OX_RESULT_MODEL_WINDOW / 2 >= self->n_rows)
		ox_result_model_fetch_to (self, (guint64) position + 1);
	guint lo = 0, hi = self->starts->len;  /* the last block starting at or before position */
	while (hi - lo > 1) {
		guint mid = (lo + hi) / 2;
		if (g_array_index (self->starts, guint, mid) <= position)
			lo = mid;
		else
			hi = mid;
	}
	OxResultBlock *b = self->blocks->pdata[lo];
	return ox_result_row_new (b, position - g_array_index (self->starts, guint, lo));
}

static void
ox_result_model_list_init (GListModelInterface *iface)
{
	iface->get_item_type = get_item_type;
	iface->get_n_items = get_n_items;
	iface->get_item = get_item;
}

void
ox_result_model_fetch_to (OxResultModel *self, guint64 n)
{
	g_return_if_fail (OX_IS_RESULT_MODEL (self));
	if (!self->demand || self->complete)
		return;
	/* ask for a window beyond n, growing with what is loaded, so that
	 * dragging the scrollbar to the end of a million rows takes a few
	 * dozen rounds, not a thousand */
	guint64 extra = MAX (OX_RESULT_MODEL_WINDOW, self->n_rows / 4);
	ox_row_demand_want (self->demand, self->base + MAX (n, self->n_rows) + extra);
}

void
ox_result_model_append (OxResultModel *self, const OxBatch *batch)
{
	g_return_if_fail (OX_IS_RESULT_MODEL (self));
	if (batch->n_rows == 0 || self->complete)
		return;
	OxResultBlock *b = ox_result_block_new (batch);
	if (!b)
		return;
	guint at = self->n_rows;
	g_ptr_array_add (self->blocks, b);
	g_array_append_val (self->starts, at);
	self->n_rows += batch->n_rows;
	self->bytes += ox_result_block_get_size (b);
	g_list_model_items_changed (G_LIST_MODEL (self), at, 0, batch->n_rows);
}

void
ox_result_model_finish (OxResultModel *self, gboolean truncated)
{
	g_return_if_fail (OX_IS_RESULT_MODEL (self));
	if (self->complete)
		return;
	self->complete = TRUE;
	self->truncated = truncated;
}

gboolean
ox_result_model_is_complete (OxResultModel *self)
{
	g_return_val_if_fail (OX_IS_RESULT_MODEL (self), TRUE);
	return self->complete;
}

gboolean
ox_result_model_is_truncated (OxResultModel *self)
{
	g_return_val_if_fail (OX_IS_RESULT_MODEL (self), FALSE);
	return self->truncated;
}

gsize
ox_result_model_get_bytes (OxResultModel *self)
{
	g_return_val_if_fail (OX_IS_RESULT_MODEL (self), 0);
	return self->bytes;
}

static void
ox_result_model_finalize (GObject *object)
{
	OxResultModel *self = OX_RESULT_MODEL (object);
	g_clear_pointer (&self->demand, ox_row_demand_unref);
	g_ptr_array_unref (self->blocks);
	g_array_unref (self->starts);
	G_OBJECT_CLASS (ox_result_model_parent_class)->finalize (object);
}

static void
ox_result_model_class_init (OxResultModelClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = ox_result_model_finalize;
}

static void
ox_result_model_init (OxResultModel *self)
{
	self->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) ox_result_block_unref);
	self->starts = g_array_new (FALSE, FALSE, sizeof (guint));
}

OxResultModel *
ox_result_model_new (OxRowDemand *demand, guint64 base)
{
	OxResultModel *self = g_object_new (OX_TYPE_RESULT_MODEL, NULL);
	self->demand = demand ? ox_row_demand_ref (demand) : NULL;
	self->base = base;
	if (demand)
		ox_row_demand_want (demand, base + OX_RESULT_MODEL_WINDOW);
	return self;
}

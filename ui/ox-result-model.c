/*
 * ox-result-model.c — a result set that fills itself as the view scrolls,
 * in bounded memory (see the header).
 *
 * NOTE: get_item may be called from inside GTK's layout; it only raises
 * the demand (a counter and a condition variable), never changes the
 * model: the rows arrive later through the main loop and are appended
 * with items-changed then.  A GListModel must not change under a caller
 * that is reading it.  Reading a block back from the file and moving
 * others out there does not change the items either; a warning it causes
 * is emitted from an idle, not from inside the layout.
 * NOTE: blocks are found by binary search over their first positions, so
 * get_item is O(log blocks) even a million rows down.
 * NOTE: the budget is process-wide, one LRU list over the resident blocks
 * of every model (all on the main thread), so five large result tabs cost
 * one budget, not five.  A block a live OxResultRow holds (what a view
 * shows, a row being copied) is never evicted: dropping the model's
 * reference would not free it, and reading it back would make a second
 * copy.  Such blocks count against the budget, so with a budget smaller
 * than what the views show the model can sit above it until they scroll.
 * NOTE: a block goes to the file once (it never changes); evicting it
 * again later only drops the memory.  The first error writing the file
 * (no temporary directory, disk full) stops spilling for that model: its
 * blocks stay in memory, as before bounded memory existed, and the user
 * is told once.  A block that cannot be read back (an I/O error on a file
 * we wrote) shows its cells as an error text, never as other rows.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-result-model.h"
#include "ox-result-spill.h"

#include <string.h>

#define NOT_WRITTEN G_MAXUINT64  /* Slot.offset of a block never written */

/* One block of rows: in memory, in the file, or both. */
typedef struct {
	OxResultModel *model;    /* the owner (not a reference) */
	OxResultBlock *block;    /* owned when resident, NULL when only in the file */
	guint64        offset;   /* of its encoding in the model's file; NOT_WRITTEN */
	gsize          enc_len;  /* bytes of its encoding */
	gsize          size;     /* bytes it holds when resident */
	guint          n_rows;
	guint          n_columns;
	GList          lru;      /* in resident_lru while block != NULL; data: this slot */
} Slot;

struct _OxResultModel {
	GObject        parent_instance;
	OxRowDemand   *demand;     /* owned, or NULL: no flow control */
	guint64        base;       /* rows of the run before this result set */
	GPtrArray     *blocks;     /* of Slot*, owned, in order */
	GArray        *starts;     /* guint: position of each block's first row */
	guint          n_rows;     /* rows loaded */
	gsize          bytes;      /* of all blocks, resident or not */
	gsize          resident;   /* of the blocks in memory */
	OxResultSpill *spill;      /* owned; NULL until the first block goes out */
	gboolean       spill_failed;  /* writing failed once: keep everything */
	gboolean       warned;     /* "storage-warning" emitted (or queued) */
	gboolean       complete;   /* no more rows will come */
	gboolean       truncated;  /* ...because the result set was closed early */
};

enum { STORAGE_WARNING, N_SIGNALS };
static guint signals[N_SIGNALS];

/* Process-wide, main thread only. */
static GQueue resident_lru = G_QUEUE_INIT;  /* of Slot (via Slot.lru); head: the most recent */
static gsize  total_resident;               /* bytes of every resident block */
static gsize  budget;                       /* 0: OX_RESULT_MODEL_BUDGET */
static char  *spill_dir;                    /* NULL: g_get_tmp_dir () */

static void ox_result_model_list_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OxResultModel, ox_result_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, ox_result_model_list_init))

/* ---- the budget --------------------------------------------------------------------- */

typedef struct {
	OxResultModel *model;  /* strong */
	char          *message;
} Warning;

static gboolean
emit_warning_cb (gpointer data)
{
	Warning *w = data;
	g_signal_emit (w->model, signals[STORAGE_WARNING], 0, w->message);
	g_object_unref (w->model);
	g_free (w->message);
	g_free (w);
	return G_SOURCE_REMOVE;
}

/* Tell the user once, from the main loop (we may be inside a layout). */
static void
warn_once (OxResultModel *self, const char *message)
{
	if (self->warned)
		return;
	self->warned = TRUE;
	g_message ("%s", message);  /* the log too; not g_warning: a full disk is no bug */
	Warning *w = g_new0 (Warning, 1);
	w->model = g_object_ref (self);
	w->message = g_strdup (message);
	g_idle_add (emit_warning_cb, w);
}

static void
slot_make_resident (Slot *slot, OxResultBlock *block)
{
	g_assert (slot->block == NULL);
	slot->block = block;
	slot->model->resident += slot->size;
	total_resident += slot->size;
	slot->lru.data = slot;
	g_queue_push_head_link (&resident_lru, &slot->lru);
}

/* Drop the memory of a resident block, writing it out first if it never
 * was.  FALSE (the block stays) when the file cannot be written. */
static gboolean
slot_evict (Slot *slot)
{
	OxResultModel *self = slot->model;
	g_assert (slot->block != NULL);
	if (slot->offset == NOT_WRITTEN) {
		if (self->spill_failed)
			return FALSE;
		g_autoptr (GError) error = NULL;
		if (!self->spill)
			self->spill = ox_result_spill_new (spill_dir, &error);
		gsize len;
		gconstpointer enc = ox_result_block_get_encoding (slot->block, &len);
		if (!self->spill || !ox_result_spill_append (self->spill, enc, len, &slot->offset, &error)) {
			self->spill_failed = TRUE;
			g_autofree char *msg = g_strdup_printf (
				"WARNING:  rows beyond %" G_GSIZE_FORMAT " MB of this result cannot be moved out of memory (%s); "
				"they are kept in memory, so the workstation may use more memory than usual: "
				"free space in %s or set TMPDIR to a directory with room",
				(budget ? budget : OX_RESULT_MODEL_BUDGET) >> 20, error->message,
				spill_dir ? spill_dir : g_get_tmp_dir ());
			warn_once (self, msg);
			return FALSE;
		}
	}
	g_queue_unlink (&resident_lru, &slot->lru);
	g_clear_pointer (&slot->block, ox_result_block_unref);
	self->resident -= slot->size;
	total_resident -= slot->size;
	return TRUE;
}

/* Evict the least recently used blocks until all models are within the
 * budget, never keep (just used) nor a block a live row holds. */
static void
enforce_budget (Slot *keep)
{
	gsize limit = budget ? budget : OX_RESULT_MODEL_BUDGET;
	for (GList *l = resident_lru.tail; l && total_resident > limit;) {
		GList *prev = l->prev;
		Slot *slot = l->data;
		if (slot != keep && !ox_result_block_is_shared (slot->block))
			slot_evict (slot);
		l = prev;
	}
}

/* A block whose every cell says that it could not be read back. */
static OxResultBlock *
unreadable_block (Slot *slot)
{
	static const char text[] = "(unreadable: see Messages)";
	gsize ncells = (gsize) slot->n_rows * slot->n_columns;
	gpointer enc;
	OxResultBlock *b = ox_result_block_alloc (slot->n_rows, slot->n_columns,
	                                          ncells * sizeof (guint32) + sizeof text, &enc);
	memset (enc, 0, ncells * sizeof (guint32));  /* every cell: the text at offset 0 */
	memcpy ((char *) enc + ncells * sizeof (guint32), text, sizeof text);
	return b;
}

/* The slot's block, read back from the file if it is not in memory, and
 * marked as the most recently used. */
static OxResultBlock *
slot_load (Slot *slot)
{
	if (slot->block) {
		g_queue_unlink (&resident_lru, &slot->lru);
		g_queue_push_head_link (&resident_lru, &slot->lru);
		return slot->block;
	}
	g_assert (slot->offset != NOT_WRITTEN && slot->model->spill);
	gpointer enc;
	OxResultBlock *b = ox_result_block_alloc (slot->n_rows, slot->n_columns, slot->enc_len, &enc);
	g_autoptr (GError) error = NULL;
	if (!ox_result_spill_read (slot->model->spill, slot->offset, enc, slot->enc_len, &error)
	    || !ox_result_block_validate (b)) {
		g_autofree char *msg = g_strdup_printf (
			"WARNING:  rows of this result cannot be read back from its temporary file (%s); "
			"their cells show \"(unreadable)\": run the statement again",
			error ? error->message : "the data read back is damaged");
		warn_once (slot->model, msg);
		ox_result_block_unref (b);
		b = unreadable_block (slot);
		slot->size = ox_result_block_get_size (b);
	}
	slot_make_resident (slot, b);
	enforce_budget (slot);
	return b;
}

static void
slot_free (Slot *slot)
{
	if (slot->block) {
		g_queue_unlink (&resident_lru, &slot->lru);
		slot->model->resident -= slot->size;
		total_resident -= slot->size;
		ox_result_block_unref (slot->block);
	}
	g_free (slot);
}

void
ox_result_model_set_budget (gsize bytes)
{
	budget = bytes;
}

void
ox_result_model_set_spill_dir (const char *dir)
{
	g_free (spill_dir);
	spill_dir = g_strdup (dir);
}

gsize
ox_result_model_get_total_resident_bytes (void)
{
	return total_resident;
}

/* ---- the list model ---------------------------------------------------------------------- */

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

static OxResultBlock *slot_load (Slot *slot);

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
	OxResultBlock *b = slot_load (self->blocks->pdata[lo]);
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
	Slot *slot = g_new0 (Slot, 1);
	slot->model = self;
	slot->offset = NOT_WRITTEN;
	slot->size = ox_result_block_get_size (b);
	ox_result_block_get_encoding (b, &slot->enc_len);
	slot->n_rows = batch->n_rows;
	slot->n_columns = ox_result_block_get_n_columns (b);
	slot_make_resident (slot, b);
	g_ptr_array_add (self->blocks, slot);
	g_array_append_val (self->starts, at);
	self->n_rows += batch->n_rows;
	self->bytes += slot->size;
	enforce_budget (slot);
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

gsize
ox_result_model_get_resident_bytes (OxResultModel *self)
{
	g_return_val_if_fail (OX_IS_RESULT_MODEL (self), 0);
	return self->resident;
}

guint64
ox_result_model_get_spilled_bytes (OxResultModel *self)
{
	g_return_val_if_fail (OX_IS_RESULT_MODEL (self), 0);
	return self->spill ? ox_result_spill_get_size (self->spill) : 0;
}

static void
ox_result_model_finalize (GObject *object)
{
	OxResultModel *self = OX_RESULT_MODEL (object);
	g_clear_pointer (&self->demand, ox_row_demand_unref);
	g_ptr_array_unref (self->blocks);
	g_array_unref (self->starts);
	g_clear_pointer (&self->spill, ox_result_spill_free);
	G_OBJECT_CLASS (ox_result_model_parent_class)->finalize (object);
}

static void
ox_result_model_class_init (OxResultModelClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = ox_result_model_finalize;
	/* storage-warning (message): the rows could not be moved out of memory
	 * or read back; message is for the user (the Messages tab).  Once. */
	signals[STORAGE_WARNING] = g_signal_new ("storage-warning", G_TYPE_FROM_CLASS (klass),
	                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
	                                         G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
ox_result_model_init (OxResultModel *self)
{
	self->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) slot_free);
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

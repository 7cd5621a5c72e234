/*
 * ox-result-row.c — compact row blocks and the row objects over them (see
 * the header).
 *
 * NOTE: offsets are 32-bit, so one block holds at most 4 GiB of text; a
 * batch is at most a few thousand rows, and a larger one is refused with
 * a critical rather than wrapped (cells would point at the wrong text).
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-result-row.h"

#include <string.h>

#define NULL_CELL G_MAXUINT32  /* offset of a SQL NULL */

struct _OxResultBlock {
	gint    ref_count;
	guint   n_rows;
	guint   n_columns;
	gsize   size;       /* bytes of the whole allocation */
	char   *text;       /* points after offsets: the cells, each NUL-terminated */
	guint32 offsets[];  /* n_rows * n_columns, row-major, into text; NULL_CELL: NULL */
};

OxResultBlock *
ox_result_block_new (const OxBatch *batch)
{
	g_return_val_if_fail (batch != NULL, NULL);
	gsize ncells = (gsize) batch->n_rows * batch->n_columns;
	gsize text_len = 0;
	for (gsize i = 0; i < ncells; i++)
		if (batch->cells[i])
			text_len += strlen (batch->cells[i]) + 1;
	g_return_val_if_fail (text_len < NULL_CELL, NULL);
	gsize size = G_STRUCT_OFFSET (OxResultBlock, offsets) + ncells * sizeof (guint32) + text_len;
	OxResultBlock *b = g_malloc (size);
	b->ref_count = 1;
	b->n_rows = batch->n_rows;
	b->n_columns = batch->n_columns;
	b->size = size;
	b->text = (char *) (b->offsets + ncells);
	guint32 at = 0;
	for (gsize i = 0; i < ncells; i++) {
		const char *v = batch->cells[i];
		if (!v) {
			b->offsets[i] = NULL_CELL;
			continue;
		}
		gsize len = strlen (v) + 1;
		memcpy (b->text + at, v, len);
		b->offsets[i] = at;
		at += (guint32) len;
	}
	return b;
}

OxResultBlock *
ox_result_block_ref (OxResultBlock *block)
{
	g_return_val_if_fail (block != NULL, NULL);
	g_atomic_int_inc (&block->ref_count);
	return block;
}

void
ox_result_block_unref (OxResultBlock *block)
{
	g_return_if_fail (block != NULL);
	if (g_atomic_int_dec_and_test (&block->ref_count))
		g_free (block);
}

guint
ox_result_block_get_n_rows (const OxResultBlock *block)
{
	return block->n_rows;
}

gsize
ox_result_block_get_size (const OxResultBlock *block)
{
	return block->size;
}

const char *
ox_result_block_get_cell (const OxResultBlock *block, guint row, guint col)
{
	g_return_val_if_fail (block != NULL, NULL);
	if (row >= block->n_rows || col >= block->n_columns)
		return NULL;
	guint32 off = block->offsets[(gsize) row * block->n_columns + col];
	return off == NULL_CELL ? NULL : block->text + off;
}

guint
ox_result_block_get_n_columns (const OxResultBlock *block)
{
	return block->n_columns;
}

gconstpointer
ox_result_block_get_encoding (const OxResultBlock *block, gsize *len)
{
	g_return_val_if_fail (block != NULL && len != NULL, NULL);
	*len = block->size - G_STRUCT_OFFSET (OxResultBlock, offsets);
	return block->offsets;
}

OxResultBlock *
ox_result_block_alloc (guint n_rows, guint n_columns, gsize len, gpointer *encoding)
{
	gsize ncells = (gsize) n_rows * n_columns;
	g_return_val_if_fail (encoding != NULL && len >= ncells * sizeof (guint32), NULL);
	gsize size = G_STRUCT_OFFSET (OxResultBlock, offsets) + len;
	OxResultBlock *b = g_malloc (size);
	b->ref_count = 1;
	b->n_rows = n_rows;
	b->n_columns = n_columns;
	b->size = size;
	b->text = (char *) (b->offsets + ncells);
	*encoding = b->offsets;
	return b;
}

gboolean
ox_result_block_validate (const OxResultBlock *block)
{
	g_return_val_if_fail (block != NULL, FALSE);
	gsize ncells = (gsize) block->n_rows * block->n_columns;
	gsize text_len = block->size - G_STRUCT_OFFSET (OxResultBlock, offsets) - ncells * sizeof (guint32);
	if (text_len > 0 && block->text[text_len - 1] != '\0')
		return FALSE;
	for (gsize i = 0; i < ncells; i++)
		if (block->offsets[i] != NULL_CELL && block->offsets[i] >= text_len)
			return FALSE;
	return TRUE;
}

gboolean
ox_result_block_is_shared (const OxResultBlock *block)
{
	g_return_val_if_fail (block != NULL, FALSE);
	return g_atomic_int_get (&block->ref_count) > 1;
}

/* ---- OxResultRow ------------------------------------------------------------- */

struct _OxResultRow {
	GObject        parent_instance;
	OxResultBlock *block;  /* owned reference; immutable */
	guint          index;  /* row within block */
};

G_DEFINE_FINAL_TYPE (OxResultRow, ox_result_row, G_TYPE_OBJECT)

static void
ox_result_row_finalize (GObject *object)
{
	OxResultRow *self = OX_RESULT_ROW (object);
	ox_result_block_unref (self->block);
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
ox_result_row_new (OxResultBlock *block, guint index)
{
	g_return_val_if_fail (block != NULL && index < block->n_rows, NULL);
	OxResultRow *self = g_object_new (OX_TYPE_RESULT_ROW, NULL);
	self->block = ox_result_block_ref (block);
	self->index = index;
	return self;
}

const char *
ox_result_row_get_cell (OxResultRow *self, guint col)
{
	g_return_val_if_fail (OX_IS_RESULT_ROW (self), NULL);
	return ox_result_block_get_cell (self->block, self->index, col);
}

guint
ox_result_row_get_n_columns (OxResultRow *self)
{
	g_return_val_if_fail (OX_IS_RESULT_ROW (self), 0);
	return self->block->n_columns;
}

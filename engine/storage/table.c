/*
 * table.c — row slots, version chains and index maintenance (see table.h).
 *
 * NOTE: no function raises while holding the latch: checks that can fail
 * record what failed, release the latch, then raise.
 * NOTE: unique checks look at the newest version of each candidate row,
 * committed or not, regardless of the checker's snapshot — as PostgreSQL
 * does — so two transactions can never both commit the same key.
 */
#include "table.h"
#include "base/cast.h"
#include "base/error.h"
#include "base/numeric.h"

#include <string.h>

static OxTuple *
tombstone_new (void)
{
	OxTuple *v = g_malloc0 (sizeof (OxTuple));
	v->flags = OX_TUPLE_DELETED;
	return v;
}

/* ---- column vectors (table.h) ------------------------------------------- */

typedef struct ColVec {
	int      kind;                     /* OX_COLVEC_* */
	uint64_t nulls[OX_COLBLOCK / 64];  /* bit set: NULL, or no row there */
	int64_t  v[OX_COLBLOCK];
} ColVec;

typedef struct OxColBlock {
	uint64_t max_ts;                    /* newest commit ts among the rows' newest versions */
	uint64_t absent[OX_COLBLOCK / 64];  /* bit set: no row (NULL slot or committed tombstone) */
	ColVec  *cols[];                    /* [ncols]: NULL until a term needs the column */
} OxColBlock;

/* The vector of a column that cannot be vectorized in a block (shared,
 * never freed). */
static ColVec colvec_none = { .kind = OX_COLVEC_NONE };

static inline bool
int_like (OxTypeId t)
{
	return t == OX_T_INT2 || t == OX_T_INT4 || t == OX_T_INT8 || t == OX_T_DATE || t == OX_T_TIMESTAMP ||
	       t == OX_T_TIMESTAMPTZ;
}

bool
ox_colvec_fix_of (const OxValue *v, int64_t *out)
{
	int64_t m;
	int e, dscale;
	if (v->null || v->type != OX_T_NUMERIC || !ox_numeric_small (v->v.num, &m, &e, &dscale) || e < -2)
		return false;
	/* m × 10000^e = (m × 10000^(e+2)) × 10^-8 */
	for (int k = e + 2; k > 0; k--)
		if (__builtin_mul_overflow (m, (int64_t) 10000, &m))
			return false;
	*out = m;
	return true;
}

static void
colblock_free (OxTableData *d, OxColBlock *b)
{
	for (int c = 0; c < d->ncols; c++)
		if (b->cols[c] != &colvec_none)
			g_free (b->cols[c]);
	g_free (b);
}

/* Room for a block pointer per OX_COLBLOCK slots of capacity (write latch
 * held, or no other thread yet). */
static void
colblocks_fit (OxTableData *d)
{
	uint64_t need = d->cap / OX_COLBLOCK;
	if (need <= d->ncolblocks)
		return;
	d->colblocks = g_renew (OxColBlock *, d->colblocks, need);
	memset (d->colblocks + d->ncolblocks, 0, sizeof (OxColBlock *) * (need - d->ncolblocks));
	d->ncolblocks = need;
}

/* Slot rowid is about to change: its block's vectors are stale (write
 * latch held, so no scan is reading them). */
static inline void
colblock_drop (OxTableData *d, uint64_t rowid)
{
	uint64_t b = rowid / OX_COLBLOCK;
	if (b < d->ncolblocks && d->colblocks[b]) {
		colblock_free (d, d->colblocks[b]);
		d->colblocks[b] = NULL;
	}
}

/* Make block b's header if every newest version in it is committed (read
 * latch held); NULL when one is not.  Concurrent builders race with a
 * compare-and-swap; the loser frees its copy. */
static OxColBlock *
colblock_build (OxTableData *d, uint64_t b)
{
	uint64_t base = b * OX_COLBLOCK, max_ts = 0;
	uint64_t absent[OX_COLBLOCK / 64] = { 0 };
	for (int i = 0; i < OX_COLBLOCK; i++) {
		OxTuple *h = d->slots[base + (uint64_t) i];
		if (!h) {
			absent[i >> 6] |= UINT64_C (1) << (i & 63);
			continue;
		}
		uint64_t ts = __atomic_load_n (&h->ts, __ATOMIC_ACQUIRE);
		if (OX_TS_IS_TXN (ts))
			return NULL;
		if (ts > max_ts)
			max_ts = ts;
		if (h->flags & OX_TUPLE_DELETED)
			absent[i >> 6] |= UINT64_C (1) << (i & 63);
	}
	OxColBlock *blk = g_malloc0 (sizeof (OxColBlock) + sizeof (ColVec *) * (size_t) d->ncols);
	blk->max_ts = max_ts;
	memcpy (blk->absent, absent, sizeof absent);
	OxColBlock *expected = NULL;
	if (!__atomic_compare_exchange_n (&d->colblocks[b], &expected, blk, false, __ATOMIC_ACQ_REL,
	                                  __ATOMIC_ACQUIRE)) {
		g_free (blk);
		return expected;
	}
	return blk;
}

/* Build the vectors of columns cols[0..n) of block blk (base: its first
 * slot) that it lacks, in one pass over the block's versions (read latch
 * held; each published with a compare-and-swap). */
static void
colvecs_build (OxTableData *d, OxColBlock *blk, uint64_t base, const int *cols, int n)
{
	ColVec *cv[16];
	int col[16], kind[16];
	bool first[16];
	int m = 0;
	for (int j = 0; j < n && m < 16; j++) {
		if (__atomic_load_n (&blk->cols[cols[j]], __ATOMIC_ACQUIRE))
			continue;
		bool dup = false;
		for (int k = 0; k < m; k++)
			dup |= col[k] == cols[j];
		if (dup)
			continue;
		col[m] = cols[j];
		cv[m] = g_malloc (sizeof (ColVec));
		memcpy (cv[m]->nulls, blk->absent, sizeof cv[m]->nulls);
		kind[m] = OX_COLVEC_INT;  /* a column of NULLs only matches no term of either form */
		first[m] = true;
		m++;
	}
	if (m == 0)
		return;
	int live = m;  /* columns still vectorizable */
	int scol[16];  /* col[] ascending, for ox_tuple_decode_cols */
	for (int k = 0; k < m; k++) {
		int j = k;
		for (; j > 0 && scol[j - 1] > col[k]; j--)
			scol[j] = scol[j - 1];
		scol[j] = col[k];
	}
	OxValue *rowv = g_new (OxValue, (size_t) d->ncols);
	for (int i = 0; i < OX_COLBLOCK && live > 0; i++) {
		if (blk->absent[i >> 6] & (UINT64_C (1) << (i & 63))) {
			for (int k = 0; k < m; k++)
				cv[k]->v[i] = 0;
			continue;
		}
		ox_tuple_decode_cols (d->fmt, d->slots[base + (uint64_t) i], rowv, scol, m);
		for (int k = 0; k < m; k++) {
			if (kind[k] == OX_COLVEC_NONE)
				continue;
			const OxValue *val = &rowv[col[k]];
			int64_t x = 0;
			int vk;
			if (val->null) {
				cv[k]->nulls[i >> 6] |= UINT64_C (1) << (i & 63);
				cv[k]->v[i] = 0;
				continue;
			}
			if (int_like ((OxTypeId) val->type)) {
				vk = OX_COLVEC_INT;
				x = val->v.i;
			} else if (val->type == OX_T_NUMERIC && ox_colvec_fix_of (val, &x))
				vk = OX_COLVEC_FIX;
			else
				vk = OX_COLVEC_NONE;
			if (first[k]) {
				kind[k] = vk;
				first[k] = false;
			} else if (vk != kind[k])
				kind[k] = OX_COLVEC_NONE;
			if (kind[k] == OX_COLVEC_NONE)
				live--;
			cv[k]->v[i] = x;
		}
	}
	g_free (rowv);
	for (int k = 0; k < m; k++) {
		ColVec *v = cv[k];
		if (kind[k] == OX_COLVEC_NONE) {
			g_free (v);
			v = &colvec_none;
		} else
			v->kind = kind[k];
		ColVec *expected = NULL;
		if (!__atomic_compare_exchange_n (&blk->cols[col[k]], &expected, v, false, __ATOMIC_ACQ_REL,
		                                  __ATOMIC_ACQUIRE) && v != &colvec_none)
			g_free (v);
	}
}

/* Drop from sel[0..n) the rows of cv that fail "v rel c"; returns how
 * many are left. */
static int
colvec_select (const ColVec *cv, int rel, int64_t c, uint16_t *sel, int n)
{
	int m = 0;
#define COLVEC_LOOP(OP)                                                                  \
	for (int k = 0; k < n; k++) {                                                    \
		int r = sel[k];                                                          \
		if (!((cv->nulls[r >> 6] >> (r & 63)) & 1) && cv->v[r] OP c)             \
			sel[m++] = (uint16_t) r;                                         \
	}                                                                                \
	break;
	switch (rel) {
	case OX_COLREL_EQ: COLVEC_LOOP (==)
	case OX_COLREL_NE: COLVEC_LOOP (!=)
	case OX_COLREL_LT: COLVEC_LOOP (<)
	case OX_COLREL_LE: COLVEC_LOOP (<=)
	case OX_COLREL_GT: COLVEC_LOOP (>)
	case OX_COLREL_GE: COLVEC_LOOP (>=)
	default: return n;
	}
#undef COLVEC_LOOP
	return m;
}

int
ox_table_scan_cols (OxTxn *t, OxTableData *d, uint64_t *pos, const OxColTerm *terms, int nterms,
                    OxTuple **out, uint64_t *rowids, int max, bool *end)
{
	int n = 0;
	g_rw_lock_reader_lock (&d->latch);
	uint64_t i = *pos;
	uint64_t b = i / OX_COLBLOCK, base = b * OX_COLBLOCK;
	OxColBlock *blk = NULL;
	if (nterms > 0 && i < d->nslots && base + OX_COLBLOCK <= d->nslots && b < d->ncolblocks) {
		blk = __atomic_load_n (&d->colblocks[b], __ATOMIC_ACQUIRE);
		if (!blk)
			blk = colblock_build (d, b);
		if (blk && blk->max_ts > t->snapshot)
			blk = NULL;  /* a row changed after our snapshot: the versions, row by row */
	}
	if (!blk) {
		uint64_t stop = MIN (d->nslots, base + OX_COLBLOCK);
		for (; i < stop && n < max; i++) {
			OxTuple *v = d->slots[i];
			if (!v)
				continue;
			v = ox_tuple_for (v, t);
			if (v) {
				out[n] = v;
				rowids[n] = i;
				n++;
			}
		}
	} else {
		/* every row's newest version is the one we see: filter the
		 * vectors, then hand out the heads that passed */
		uint64_t stop = MIN (base + OX_COLBLOCK, i + (uint64_t) max);
		uint16_t sel[OX_COLBLOCK];
		int ns = 0;
		for (int r = (int) (i - base); r < (int) (stop - base); r++)
			if (!((blk->absent[r >> 6] >> (r & 63)) & 1))
				sel[ns++] = (uint16_t) r;
		int cols[16], nc = 0;
		for (int k = 0; k < nterms && nc < 16; k++)
			if (terms[k].col >= 0 && terms[k].col < d->ncols &&
			    !__atomic_load_n (&blk->cols[terms[k].col], __ATOMIC_ACQUIRE))
				cols[nc++] = terms[k].col;
		if (nc > 0)
			colvecs_build (d, blk, base, cols, nc);
		for (int k = 0; k < nterms && ns > 0; k++) {
			if (terms[k].col < 0 || terms[k].col >= d->ncols)
				continue;
			ColVec *cv = __atomic_load_n (&blk->cols[terms[k].col], __ATOMIC_ACQUIRE);
			if (!cv || cv->kind != terms[k].kind)
				continue;  /* not in that form here: the caller's filter decides */
			ns = colvec_select (cv, terms[k].rel, terms[k].c, sel, ns);
		}
		for (int k = 0; k < ns; k++) {
			out[n] = d->slots[base + sel[k]];
			rowids[n] = base + sel[k];
			n++;
		}
		i = stop;
	}
	*end = i >= d->nslots;
	g_rw_lock_reader_unlock (&d->latch);
	*pos = i;
	return n;
}

OxTableData *
ox_table_data_new (int ncols, const char *name)
{
	OxTableData *d = g_new0 (OxTableData, 1);
	g_rw_lock_init (&d->latch);
	d->ncols = ncols;
	d->fmt = ox_row_format_new (ncols);
	d->cap = 64;
	d->slots = g_new0 (OxTuple *, d->cap);
	d->indexes = g_ptr_array_new ();
	d->name = name;
	return d;
}

static void
index_free (OxIndexData *ix)
{
	ox_btree_free (ix->tree);
	g_free (ix->name);
	g_free (ix->cols_desc);
	g_free (ix->colnos);
	g_free (ix->desc);
	g_free (ix);
}

void
ox_table_data_free (OxTableData *d)
{
	if (!d)
		return;
	for (uint64_t i = 0; i < d->nslots; i++) {
		OxTuple *v = d->slots[i];
		while (v) {
			OxTuple *p = v->prev;
			g_free (v);
			v = p;
		}
	}
	g_free (d->slots);
	for (uint64_t b = 0; b < d->ncolblocks; b++)
		if (d->colblocks[b])
			colblock_free (d, d->colblocks[b]);
	g_free (d->colblocks);
	for (guint i = 0; i < d->indexes->len; i++)
		index_free (d->indexes->pdata[i]);
	g_ptr_array_unref (d->indexes);
	g_rw_lock_clear (&d->latch);
	ox_row_format_free (d->fmt);
	g_free (d);
}

/* The key columns of version v (values pointing into it).  Inlined:
 * range_scan (callgrind, scale 0.05) spent 13.5M instructions in the
 * call for a one-column key before. */
static inline __attribute__ ((always_inline)) void
index_key (const OxTableData *d, const OxIndexData *ix, const OxTuple *v, OxValue *key)
{
	for (int k = 0; k < ix->nkeys; k++)
		key[k] = ox_tuple_get (d->fmt, v, ix->colnos[k]);
}

static bool
key_has_null (const OxValue *key, int n)
{
	for (int i = 0; i < n; i++)
		if (key[i].null)
			return true;
	return false;
}

static bool
keys_equal (const OxValue *a, const OxValue *b, int n)
{
	for (int i = 0; i < n; i++) {
		if (a[i].null || b[i].null)
			return false;
		if (ox_value_cmp (&a[i], &b[i]) != 0)
			return false;
	}
	return true;
}

typedef enum { UQ_OK, UQ_WAIT, UQ_DUP } UniqueResult;

/* Look for a live row other than 'self' holding key in unique index ix.
 * Latch held (read or write). */
static UniqueResult
unique_probe (OxTxn *t, OxTableData *d, OxIndexData *ix, const OxValue *key, uint64_t self,
              uint64_t *wait_id)
{
	if (key_has_null (key, ix->nkeys))
		return UQ_OK;  /* NULLs never collide (NULLS DISTINCT) */
	if (ox_btree_after_last (ix->tree, key, ix->nkeys))
		return UQ_OK;  /* past every entry (a key loaded in order): no rival */
	OxBTreeCursor c;
	ox_btree_cursor_init (&c, ix->tree);
	ox_btree_seek (&c, key, ix->nkeys, false);
	const OxValue *k;
	uint64_t rid;
	UniqueResult res = UQ_OK;
	while (ox_btree_next (&c, &k, &rid)) {
		if (ox_btree_key_cmp (ix->tree, k, key, ix->nkeys) != 0)
			break;
		if (rid == self)
			continue;
		/* Only the newest version decides, except that while its writer
		 * is still running, the committed version beneath it may come
		 * back (rollback) or go away (commit): a key in any of those
		 * means we must wait for that writer. */
		OxTuple *head = d->slots[rid];
		if (!head)
			continue;  /* a rolled-back insert */
		uint64_t hts = __atomic_load_n (&head->ts, __ATOMIC_ACQUIRE);
		if (OX_TS_IS_TXN (hts) && hts != t->id) {
			for (OxTuple *v = head; v; v = v->prev) {
				uint64_t ts = __atomic_load_n (&v->ts, __ATOMIC_ACQUIRE);
				if (!(v->flags & OX_TUPLE_DELETED)) {
					OxValue vk[16];
					index_key (d, ix, v, vk);
					if (keys_equal (vk, key, ix->nkeys)) {
						*wait_id = hts;
						res = UQ_WAIT;
						goto out;
					}
				}
				if (!OX_TS_IS_TXN (ts))
					break;
			}
			continue;
		}
		if (!(head->flags & OX_TUPLE_DELETED)) {
			OxValue vk[16];
			index_key (d, ix, head, vk);
			if (keys_equal (vk, key, ix->nkeys)) {
				res = UQ_DUP;
				goto out;
			}
		}
	}
out:
	ox_btree_cursor_free (&c);
	return res;
}

static void
grow_slots (OxTableData *d)
{
	if (d->nslots < d->cap)
		return;
	d->cap *= 2;
	d->slots = g_renew (OxTuple *, d->slots, d->cap);
	colblocks_fit (d);
}

/* Raise 23505 for key (whose values live in arena a, freed here). */
static void
raise_unique (OxIndexData *ix, const OxValue *key, OxArena *a)
{
	/* Build "Key (a, b)=(1, 2) already exists." like PostgreSQL. */
	GString *vals = g_string_new (NULL);
	OxCastCtx cx = { .tz = ox_timezone_utc (), .now = 0 };
	for (int i = 0; i < ix->nkeys; i++) {
		if (i)
			g_string_append (vals, ", ");
		g_string_append (vals, key[i].null ? "null" : ox_value_out (a, &cx, &key[i], NULL));
	}
	char *detail = g_strdup_printf ("Key (%s)=(%s) already exists.", ix->cols_desc, vals->str);
	char *name = g_strdup (ix->name);
	g_string_free (vals, TRUE);
	ox_arena_free (a);
	OxErrorData e = { 0 };
	g_strlcpy (e.sqlstate, OX_ERR_UNIQUE_VIOLATION, sizeof e.sqlstate);
	e.message = g_strdup_printf ("duplicate key value violates unique constraint \"%s\"", name);
	e.detail = detail;
	g_free (name);
		ox_error_rethrow (&e);
}

OxWriteResult
ox_table_insert (OxTxn *t, OxTableData *d, const OxValue *vals, uint64_t *rowid, uint64_t *wait_id)
{
	OxTuple *v = ox_tuple_new (d->fmt, vals);
	v->ts = t->id;
	v->cid = t->cid;
	g_rw_lock_writer_lock (&d->latch);
	for (guint i = 0; i < d->indexes->len; i++) {
		OxIndexData *ix = d->indexes->pdata[i];
		if (!ix->unique || !__atomic_load_n (&ix->valid, __ATOMIC_ACQUIRE))
			continue;
		OxValue key[16];
		index_key (d, ix, v, key);
		UniqueResult r = unique_probe (t, d, ix, key, UINT64_MAX, wait_id);
		if (r != UQ_OK) {
			g_rw_lock_writer_unlock (&d->latch);
			if (r == UQ_WAIT) {
				g_free (v);
				return OX_WRITE_WAIT;
			}
			/* copy the key out before freeing the tuple it points into */
			OxArena *a = ox_arena_new ();
			OxValue kc[16];
			for (int k = 0; k < ix->nkeys; k++)
				kc[k] = ox_value_copy (a, &key[k]);
			g_free (v);
			raise_unique (ix, kc, a);
		}
	}
	grow_slots (d);
	uint64_t id = d->nslots++;
	colblock_drop (d, id);
	d->slots[id] = v;
	for (guint i = 0; i < d->indexes->len; i++) {
		OxIndexData *ix = d->indexes->pdata[i];
		if (!__atomic_load_n (&ix->valid, __ATOMIC_ACQUIRE))
			continue;
		OxValue key[16];
		index_key (d, ix, v, key);
		ox_btree_insert (ix->tree, key, id);
	}
	d->live_rows++;
	g_rw_lock_writer_unlock (&d->latch);
	ox_txn_log_tuple (t, d, id, v);
	*rowid = id;
	return OX_WRITE_OK;
}

OxWriteResult
ox_table_update (OxTxn *t, OxTableData *d, uint64_t rowid, OxTuple *seen, const OxValue *vals,
                 uint64_t *wait_id, OxTuple **latest)
{
	OxTuple *nv = vals ? ox_tuple_new (d->fmt, vals) : tombstone_new ();
	nv->ts = t->id;
	nv->cid = t->cid;
	g_rw_lock_writer_lock (&d->latch);
	OxTuple *head = d->slots[rowid];
	uint64_t ts = __atomic_load_n (&head->ts, __ATOMIC_ACQUIRE);
	if (head != seen) {
		OxWriteResult r;
		if (ts == t->id) {
			r = OX_WRITE_SELF_UPDATED;
		} else if (OX_TS_IS_TXN (ts)) {
			*wait_id = ts;
			r = OX_WRITE_WAIT;
		} else {
			*latest = (head->flags & OX_TUPLE_DELETED) ? NULL : head;
			r = OX_WRITE_CONCURRENT;
		}
		g_rw_lock_writer_unlock (&d->latch);
		g_free (nv);
		return r;
	}
	if (vals) {
		for (guint i = 0; i < d->indexes->len; i++) {
			OxIndexData *ix = d->indexes->pdata[i];
			if (!ix->unique || !__atomic_load_n (&ix->valid, __ATOMIC_ACQUIRE))
				continue;
			OxValue key[16], oldkey[16];
			index_key (d, ix, nv, key);
			index_key (d, ix, seen, oldkey);
			if (keys_equal (key, oldkey, ix->nkeys))
				continue;
			UniqueResult r = unique_probe (t, d, ix, key, rowid, wait_id);
			if (r != UQ_OK) {
				g_rw_lock_writer_unlock (&d->latch);
				if (r == UQ_WAIT) {
					g_free (nv);
					return OX_WRITE_WAIT;
				}
				OxArena *a = ox_arena_new ();
				OxValue kc[16];
				for (int k = 0; k < ix->nkeys; k++)
					kc[k] = ox_value_copy (a, &key[k]);
				g_free (nv);
				raise_unique (ix, kc, a);
			}
		}
	}
	nv->prev = head;
	colblock_drop (d, rowid);
	d->slots[rowid] = nv;
	if (vals) {
		for (guint i = 0; i < d->indexes->len; i++) {
			OxIndexData *ix = d->indexes->pdata[i];
			if (!__atomic_load_n (&ix->valid, __ATOMIC_ACQUIRE))
				continue;
			OxValue key[16], oldkey[16];
			index_key (d, ix, nv, key);
			/* Unchanged key: the entry (key, rowid) is there already (entries
			 * are never removed, and every version was indexed), and the
			 * insert would only descend the tree to find it. */
			index_key (d, ix, head, oldkey);
			if (keys_equal (key, oldkey, ix->nkeys))
				continue;
			ox_btree_insert (ix->tree, key, rowid);
		}
	} else
		d->live_rows--;
	g_rw_lock_writer_unlock (&d->latch);
	ox_txn_log_tuple (t, d, rowid, nv);
	return OX_WRITE_OK;
}

int
ox_table_scan (OxTxn *t, OxTableData *d, uint64_t *pos, OxTuple **out, uint64_t *rowids, int max)
{
	int n = 0;
	g_rw_lock_reader_lock (&d->latch);
	uint64_t i = *pos;
	for (; i < d->nslots && n < max; i++) {
		OxTuple *v = d->slots[i];
		if (!v)
			continue;
		v = ox_tuple_for (v, t);
		if (v) {
			out[n] = v;
			if (rowids)
				rowids[n] = i;
			n++;
		}
	}
	g_rw_lock_reader_unlock (&d->latch);
	*pos = i;
	return n;
}

OxTuple *
ox_table_fetch (OxTxn *t, OxTableData *d, uint64_t rowid)
{
	g_rw_lock_reader_lock (&d->latch);
	OxTuple *v = rowid < d->nslots && d->slots[rowid] ? ox_tuple_for (d->slots[rowid], t) : NULL;
	g_rw_lock_reader_unlock (&d->latch);
	return v;
}

OxIndexData *
ox_table_add_index (OxTableData *d, const char *name, const char *cols_desc, int nkeys, const int *colnos,
                    const bool *desc, bool unique, bool primary, OxTxn *t)
{
	if (nkeys > 16)
		ox_raise (OX_ERR_PROGRAM_LIMIT, 0, "cannot use more than 16 columns in an index");
	OxIndexData *ix = g_new0 (OxIndexData, 1);
	ix->name = g_strdup (name);
	ix->cols_desc = g_strdup (cols_desc);
	ix->nkeys = nkeys;
	ix->colnos = g_memdup2 (colnos, sizeof (int) * (size_t) nkeys);
	ix->desc = g_new0 (bool, nkeys);
	if (desc)
		memcpy (ix->desc, desc, sizeof (bool) * (size_t) nkeys);
	ix->unique = unique;
	ix->primary = primary;
	ix->valid = true;
	ix->tree = ox_btree_new (nkeys, ix->desc, ox_value_cmp);
	g_rw_lock_writer_lock (&d->latch);
	for (uint64_t r = 0; r < d->nslots; r++) {
		for (OxTuple *v = d->slots[r]; v; v = v->prev) {
			if (v->flags & OX_TUPLE_DELETED)
				continue;
			OxValue key[16];
			index_key (d, ix, v, key);
			ox_btree_insert (ix->tree, key, r);
		}
	}
	if (unique) {
		uint64_t wait_id = 0;
		for (uint64_t r = 0; r < d->nslots; r++) {
			OxTuple *v = d->slots[r] ? ox_tuple_for (d->slots[r], t) : NULL;
			if (!v)
				continue;
			OxValue key[16];
			index_key (d, ix, v, key);
			if (unique_probe (t, d, ix, key, r, &wait_id) == UQ_DUP) {
				g_rw_lock_writer_unlock (&d->latch);
				OxArena *a = ox_arena_new ();
				OxValue kc[16];
				for (int k = 0; k < ix->nkeys; k++)
					kc[k] = ox_value_copy (a, &key[k]);
				char *nm = g_strdup (name);
				index_free (ix);
				OxErrorData e = { 0 };
				g_strlcpy (e.sqlstate, OX_ERR_UNIQUE_VIOLATION, sizeof e.sqlstate);
				e.message = g_strdup_printf ("could not create unique index \"%s\"", nm);
				OxCastCtx cx = { .tz = ox_timezone_utc (), .now = 0 };
				GString *vals = g_string_new (NULL);
				for (int k = 0; k < nkeys; k++) {
					if (k)
						g_string_append (vals, ", ");
					g_string_append (vals, ox_value_out (a, &cx, &kc[k], NULL));
				}
				e.detail = g_strdup_printf ("Key (%s)=(%s) is duplicated.", cols_desc, vals->str);
				g_string_free (vals, TRUE);
				g_free (nm);
				ox_arena_free (a);
				ox_error_rethrow (&e);
			}
		}
	}
	g_ptr_array_add (d->indexes, ix);
	g_rw_lock_writer_unlock (&d->latch);
	return ix;
}

void
ox_table_drop_index (OxTableData *d, OxIndexData *ix)
{
	g_rw_lock_writer_lock (&d->latch);
	g_ptr_array_remove (d->indexes, ix);
	g_rw_lock_writer_unlock (&d->latch);
	index_free (ix);
}

void
ox_table_undo_version (OxTableData *d, uint64_t rowid, OxTuple *v)
{
	g_rw_lock_writer_lock (&d->latch);
	/* Our version is the head: nobody can write over an uncommitted version. */
	g_assert (d->slots[rowid] == v);
	colblock_drop (d, rowid);
	d->slots[rowid] = v->prev;
	if (v->prev == NULL)
		d->live_rows--;
	else if (v->flags & OX_TUPLE_DELETED)
		d->live_rows++;
	/* Index entries for v's key stay; scans re-check keys against the
	 * visible version, so a stale entry is harmless. */
	g_rw_lock_writer_unlock (&d->latch);
	g_free (v);
}

/* Rows handled per latch hold by the RANGE walks, so that a long one
 * lets other sessions' writers in between. */
#define RANGE_BATCH 4096

void
ox_table_stamp_inserts (OxTableData *d, uint64_t first, uint64_t n, uint64_t ts)
{
	for (uint64_t done = 0; done < n;) {
		uint64_t stop = MIN (n, done + RANGE_BATCH);
		g_rw_lock_reader_lock (&d->latch);
		for (; done < stop; done++)
			__atomic_store_n (&ox_table_inserted_version_latched (d, first + done)->ts, ts, __ATOMIC_RELEASE);
		g_rw_lock_reader_unlock (&d->latch);
	}
}

void
ox_table_undo_inserts (OxTableData *d, uint64_t first, uint64_t n)
{
	/* newest first, as the entries would have been undone one by one */
	for (uint64_t left = n; left > 0;) {
		uint64_t stop = left > RANGE_BATCH ? left - RANGE_BATCH : 0;
		g_rw_lock_writer_lock (&d->latch);
		for (; left > stop; left--) {
			uint64_t rowid = first + left - 1;
			OxTuple *v = d->slots[rowid];
			g_assert (v && !v->prev);
			colblock_drop (d, rowid);
			d->slots[rowid] = NULL;
			d->live_rows--;
			g_free (v);
		}
		g_rw_lock_writer_unlock (&d->latch);
	}
}

void
ox_table_prune_row (OxTableData *d, uint64_t rowid, uint64_t oldest)
{
	g_rw_lock_writer_lock (&d->latch);
	OxTuple *v = d->slots[rowid];
	while (v) {
		uint64_t ts = __atomic_load_n (&v->ts, __ATOMIC_ACQUIRE);
		if (!OX_TS_IS_TXN (ts) && ts <= oldest)
			break;
		v = v->prev;
	}
	if (v) {
		OxTuple *p = v->prev;
		v->prev = NULL;
		while (p) {
			OxTuple *q = p->prev;
			g_free (p);
			p = q;
		}
	}
	g_rw_lock_writer_unlock (&d->latch);
}

void
ox_index_scan_begin (OxIndexScan *s, OxTableData *d, OxIndexData *ix, OxValue *lo, int nlo,
                     bool lo_incl, OxValue *hi, int nhi, bool hi_incl)
{
	memset (s, 0, sizeof *s);
	s->data = d;
	s->ix = ix;
	s->lo = lo;
	s->nlo = nlo;
	s->lo_incl = lo_incl;
	s->hi = hi;
	s->nhi = nhi;
	s->hi_incl = hi_incl;
	/* positioned by the first ox_index_scan_next, under the latch */
	ox_btree_cursor_init_unpositioned (&s->cur, ix->tree);
}

int
ox_index_scan_next (OxTxn *t, OxIndexScan *s, OxTuple **out, uint64_t *rowids, int max)
{
	if (s->done)
		return 0;
	OxTableData *d = s->data;
	OxIndexData *ix = s->ix;
	int n = 0;
	g_rw_lock_reader_lock (&d->latch);
	if (!s->started) {
		/* unanchored: the loop below reads at least one entry or ends the
		 * scan, and anchors at the last one before unlatching */
		if (s->lo)
			ox_btree_seek_unanchored (&s->cur, s->lo, s->nlo, !s->lo_incl);
		else
			ox_btree_seek_first (&s->cur);
		s->started = true;
	}
	const OxValue *k;
	uint64_t rid;
	while (n < max) {
		/* the latch keeps the tree still: anchor once, after the batch */
		if (!ox_btree_next_unanchored (&s->cur, &k, &rid)) {
			s->done = true;
			break;
		}
		if (s->hi) {
			int c = ox_btree_key_cmp (ix->tree, k, s->hi, s->nhi);
			if (c > 0 || (c == 0 && !s->hi_incl)) {
				s->done = true;
				break;
			}
		}
		OxTuple *v = d->slots[rid] ? ox_tuple_for (d->slots[rid], t) : NULL;
		if (!v)
			continue;
		/* Emit the row only through the entry matching its visible key, so
		 * stale entries neither resurrect rows nor duplicate them. */
		OxValue vk[16];
		index_key (d, ix, v, vk);
		if (ox_btree_key_cmp (ix->tree, vk, k, ix->nkeys) != 0)
			continue;
		out[n] = v;
		if (rowids)
			rowids[n] = rid;
		n++;
		if (s->single) {
			/* a unique key has at most one row visible to a snapshot (the
			 * unique check waits for a rival's outcome), so the entries
			 * after it need not be read */
			s->done = true;
			break;
		}
	}
	if (!s->done)  /* a finished scan never moves its cursor again */
		ox_btree_cursor_anchor (&s->cur);
	g_rw_lock_reader_unlock (&d->latch);
	return n;
}

void
ox_index_scan_end (OxIndexScan *s)
{
	ox_btree_cursor_free (&s->cur);
}

static void
free_chain (OxTuple *v)
{
	while (v) {
		OxTuple *p = v->prev;
		g_free (v);
		v = p;
	}
}

void
ox_table_redo_put (OxTableData *d, uint64_t rowid, const OxValue *vals)
{
	OxTuple *v = ox_tuple_new (d->fmt, vals);
	g_rw_lock_writer_lock (&d->latch);
	while (d->cap <= rowid) {
		d->cap *= 2;
		d->slots = g_renew (OxTuple *, d->slots, d->cap);
	}
	colblocks_fit (d);
	colblock_drop (d, rowid);
	while (d->nslots <= rowid)
		d->slots[d->nslots++] = NULL;
	if (!d->slots[rowid] || (d->slots[rowid]->flags & OX_TUPLE_DELETED))
		d->live_rows++;
	free_chain (d->slots[rowid]);
	d->slots[rowid] = v;
	for (guint i = 0; i < d->indexes->len; i++) {
		OxIndexData *ix = d->indexes->pdata[i];
		if (!__atomic_load_n (&ix->valid, __ATOMIC_ACQUIRE))
			continue;
		OxValue key[16];
		index_key (d, ix, v, key);
		ox_btree_insert (ix->tree, key, rowid);
	}
	g_rw_lock_writer_unlock (&d->latch);
}

void
ox_table_redo_delete (OxTableData *d, uint64_t rowid)
{
	g_rw_lock_writer_lock (&d->latch);
	if (rowid < d->nslots && d->slots[rowid]) {
		colblock_drop (d, rowid);
		if (!(d->slots[rowid]->flags & OX_TUPLE_DELETED))
			d->live_rows--;
		free_chain (d->slots[rowid]);
		d->slots[rowid] = NULL;
	}
	g_rw_lock_writer_unlock (&d->latch);
}

uint32_t
ox_table_head_cid (OxTableData *d, uint64_t rowid)
{
	g_rw_lock_reader_lock (&d->latch);
	OxTuple *head = rowid < d->nslots ? d->slots[rowid] : NULL;
	uint32_t cid = head ? head->cid : 0;
	g_rw_lock_reader_unlock (&d->latch);
	return cid;
}

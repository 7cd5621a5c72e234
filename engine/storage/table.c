/*
 * table.c — row blocks, version chains and index maintenance (see table.h).
 *
 * A row block, rows b*1024 .. b*1024+1023:
 *
 *     off[i] ──────────────► chunk[k] + 2 * off[i]: row i's base body (tuple.h),
 *     has    bit i: base live      at an even address; chunk k holds rows
 *                                  cfirst[k] .. cfirst[k+1]-1
 *     runs   [first, n, ts, cid0, step] ...   inserts not yet visible to all
 *     hot    NULL | [i] ─► OxTuple (newest) ─► ... ─► OxTuple (BASE_BELOW) ─► base
 *
 *   chunk[0]  +------+------+------+---- - -   chunk[1]  +------+-- - -
 *             |row 0 |row 1 |row 2 | ...                 |row k | ...
 *             +------+------+------+---- - -             +------+-- - -
 *
 * Offsets are 2 bytes a row while bodies are appended in row order (every
 * insert; recovery from a checkpoint): a chunk holds a run of rows and is
 * at most 128 KiB.  A body written out of order (recovery replaying an
 * update, or rows committed out of order) turns the block "wide": 4-byte
 * offsets, chunk << 21 | position, chunks up to 2 MiB.
 *
 * Bodies are appended to the last chunk; a chunk is never moved, grown or
 * freed before the block (readers keep pointers into it: decoded text, an
 * UPDATE's 'seen' row), so when it is full the next chunk is sized for the
 * rest of the block by the bodies so far.  A body never written again: an
 * update or delete pushes a version onto the row's hot chain, and the base
 * stays beneath it until pruning finds a newer version every snapshot sees
 * (then the base is dead: its has bit is cleared, its bytes stay).
 *
 * What can go wrong: a base's visibility comes from its insert run, so a
 * run must cover exactly the rows its writer inserted (runs only grow at
 * the block's end, by the same writer with the next row and the next cid
 * in step); a row whose chain and base are both gone is absent, and a
 * block with no row left is freed (only then do its bodies' bytes go).
 * An index entry must never be both implicit and in the tree, or a scan
 * returns its row twice: every entry that goes to the tree either lies
 * inside the prefix already or stops it from growing past it
 * (implicit_take); the merge skips an entry met in both all the same.
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

/* ---- row blocks ------------------------------------------------------------------------------ */

#define BLOCK_ROWS   OX_COLBLOCK
#define POS_BITS     21                          /* a body's place in its chunk */
#define POS_MASK     ((UINT32_C (1) << POS_BITS) - 1)
#define CHUNK_MAX    (UINT32_C (1) << POS_BITS)  /* bytes of a shared chunk; a bigger
                                                    body gets a chunk of its own */
#define NARROW_MAX   (UINT32_C (1) << 17)        /* the same for a narrow block:
                                                    2 * UINT16_MAX + 2 */
#define NCHUNK_MAX   (UINT32_C (1) << (32 - POS_BITS))

/* Rows first .. first+n-1 of a block, inserted by one writer: ts is its
 * transaction id, then its commit timestamp; row first+j has command id
 * cid0 + j * step. */
typedef struct InsRun {
	uint64_t ts;
	uint32_t cid0, step;
	uint16_t first, n;
} InsRun;

typedef struct OxRowBlock {
	uint16_t  off[BLOCK_ROWS];    /* narrow: 2-byte units into the row's chunk */
	uint32_t *off32;              /* wide, else NULL: [BLOCK_ROWS] chunk << POS_BITS | pos */
	uint16_t *cfirst;             /* [chunkcap]: narrow, chunk k's first row */
	int       last;               /* narrow: the last row given a body, -1 none */
	uint64_t  has[BLOCK_ROWS / 64];
	OxTuple **hot;         /* NULL, or [BLOCK_ROWS] chains over the bases */
	uint8_t **chunk;       /* [nchunk] */
	uint32_t  nchunk, chunkcap;
	uint32_t  used, cap;   /* bytes used and allocated of chunk[nchunk - 1] */
	uint64_t  bytes;       /* bytes of bodies written (sizing the next chunk) */
	uint64_t  heap;        /* bytes of all chunks */
	uint32_t  nbodies;     /* bodies written */
	uint32_t  nrows;       /* rows with a live base or a chain: 0 frees the block */
	InsRun   *runs;        /* [nruns], ascending and disjoint */
	uint32_t  nruns, runcap;
} OxRowBlock;

static inline bool
has_base (const OxRowBlock *blk, int i)
{
	return (blk->has[i >> 6] >> (i & 63)) & 1;
}

static inline void
set_has (OxRowBlock *blk, int i, bool on)
{
	if (on)
		blk->has[i >> 6] |= UINT64_C (1) << (i & 63);
	else
		blk->has[i >> 6] &= ~(UINT64_C (1) << (i & 63));
}

/* The chunk of row i of a narrow block: the last whose first row is <= i. */
static inline uint32_t
chunk_of (const OxRowBlock *blk, int i)
{
	uint32_t k = blk->nchunk - 1;
	if (G_LIKELY (blk->cfirst[k] <= i))
		return k;
	uint32_t lo = 0, hi = k;  /* answer in [lo, hi) */
	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;
		if (blk->cfirst[mid] <= i)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static inline OxRow
base_body (const OxRowBlock *blk, int i)
{
	if (G_LIKELY (!blk->off32))
		return blk->chunk[chunk_of (blk, i)] + 2 * (size_t) blk->off[i];
	uint32_t o = blk->off32[i];
	return blk->chunk[o >> POS_BITS] + (o & POS_MASK);
}

static inline OxTuple *
hot_head (const OxRowBlock *blk, int i)
{
	return blk->hot ? blk->hot[i] : NULL;
}

/* The run holding row i, or NULL (visible to everyone). */
static inline const InsRun *
run_of (const OxRowBlock *blk, int i)
{
	uint32_t lo = 0, hi = blk->nruns;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		const InsRun *r = &blk->runs[mid];
		if (i < r->first)
			hi = mid;
		else if (i >= r->first + r->n)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

static inline uint32_t
run_cid (const InsRun *r, int i)
{
	return r->cid0 + (uint32_t) (i - r->first) * r->step;
}

/* Is row i's base (in run r, or none) visible to t? */
static inline bool
base_visible (const InsRun *r, int i, const OxTxn *t)
{
	if (!r)
		return true;
	uint64_t ts = __atomic_load_n (&r->ts, __ATOMIC_ACQUIRE);
	if (OX_TS_IS_TXN (ts))
		return ts == t->id && run_cid (r, i) < t->cid;
	return ts <= t->snapshot;
}

/* The body of row i that t sees, or NULL; r: row i's run (base_visible). */
static inline OxRow
row_visible (const OxRowBlock *blk, int i, const InsRun *r, const OxTxn *t)
{
	OxTuple *v = hot_head (blk, i);
	if (v) {
		for (;;) {
			if (ox_tuple_visible (v, t))
				return (v->flags & OX_TUPLE_DELETED) ? NULL : v->data;
			if (v->prev) {
				v = v->prev;
				continue;
			}
			if (!(v->flags & OX_TUPLE_BASE_BELOW))
				return NULL;
			break;
		}
	} else if (!has_base (blk, i))
		return NULL;
	return base_visible (r, i, t) ? base_body (blk, i) : NULL;
}

static inline OxRowBlock *
block_of (const OxTableData *d, uint64_t rowid)
{
	uint64_t b = rowid / BLOCK_ROWS;
	return rowid < d->nslots && b < d->cap / BLOCK_ROWS ? d->blocks[b] : NULL;
}

/* The version of row rowid that t sees, or NULL (latch held). */
static inline OxRow
fetch_latched (const OxTableData *d, uint64_t rowid, const OxTxn *t)
{
	OxRowBlock *blk = block_of (d, rowid);
	if (!blk)
		return NULL;
	int i = (int) (rowid % BLOCK_ROWS);
	return row_visible (blk, i, run_of (blk, i), t);
}

/* A row's versions newest first, for the writers' checks: the chain,
 * then the base beneath it. */
typedef struct Ver {
	OxRow     row;
	uint64_t  ts;
	uint32_t  cid;
	bool      deleted;
	OxTuple  *tuple;   /* the version, or NULL for the base */
	bool      last;    /* nothing older */
} Ver;

static inline void
ver_of_base (const OxRowBlock *blk, int i, Ver *v)
{
	const InsRun *r = run_of (blk, i);
	v->row = base_body (blk, i);
	v->ts = r ? __atomic_load_n (&r->ts, __ATOMIC_ACQUIRE) : 0;
	v->cid = r ? run_cid (r, i) : 0;
	v->deleted = false;
	v->tuple = NULL;
	v->last = true;
}

static inline void
ver_of_tuple (OxTuple *x, Ver *v)
{
	v->row = x->data;
	v->ts = __atomic_load_n (&x->ts, __ATOMIC_ACQUIRE);
	v->cid = x->cid;
	v->deleted = x->flags & OX_TUPLE_DELETED;
	v->tuple = x;
	v->last = !x->prev && !(x->flags & OX_TUPLE_BASE_BELOW);
}

/* The newest version of row i; false when the row is absent. */
static inline bool
ver_head (const OxRowBlock *blk, int i, Ver *v)
{
	if (!blk)
		return false;
	OxTuple *x = hot_head (blk, i);
	if (x) {
		ver_of_tuple (x, v);
		return true;
	}
	if (!has_base (blk, i))
		return false;
	ver_of_base (blk, i, v);
	return true;
}

/* The version before *v; false at the oldest. */
static inline bool
ver_next (const OxRowBlock *blk, int i, Ver *v)
{
	if (v->last)
		return false;
	if (v->tuple->prev)
		ver_of_tuple (v->tuple->prev, v);
	else
		ver_of_base (blk, i, v);
	return true;
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

static void
block_free (OxRowBlock *blk)
{
	if (!blk)
		return;
	if (blk->hot) {
		for (int i = 0; i < BLOCK_ROWS; i++)
			free_chain (blk->hot[i]);
		g_free (blk->hot);
	}
	for (uint32_t k = 0; k < blk->nchunk; k++)
		g_free (blk->chunk[k]);
	g_free (blk->chunk);
	g_free (blk->cfirst);
	g_free (blk->off32);
	g_free (blk->runs);
	g_free (blk);
}

/* A narrow block gets a body out of row order: 4-byte offsets from now on
 * (write latch held: readers take offsets only under it). */
static void
block_widen (OxRowBlock *blk)
{
	uint32_t *o = g_new0 (uint32_t, BLOCK_ROWS);
	for (int i = 0; i <= blk->last; i++)
		if (has_base (blk, i)) {
			uint32_t k = chunk_of (blk, i);
			o[i] = k << POS_BITS | (uint32_t) (2 * blk->off[i]);
		}
	blk->off32 = o;
}

/* Room for row i's base body of size bytes in blk (even address),
 * recorded as row i's offset. */
static uint8_t *
body_alloc (OxTableData *d, OxRowBlock *blk, int i, size_t size)
{
	if (!blk->off32 && i <= blk->last)
		block_widen (blk);
	bool narrow = !blk->off32;
	size_t at = (blk->used + 1) & ~(size_t) 1;
	if (blk->nchunk == 0 || at + size > blk->cap) {
		/* a new chunk, sized for the rest of the block: by the table's
		 * last full block for a block's first chunk, else by the bodies
		 * written here so far, with 1.6% to spare; a chunk of its own for
		 * a body too big to share one */
		size_t want, limit = narrow ? NARROW_MAX : CHUNK_MAX;
		uint32_t left = blk->nbodies < BLOCK_ROWS ? BLOCK_ROWS - blk->nbodies : 1;
		if (blk->nbodies > 0)
			want = (size_t) (blk->bytes / blk->nbodies + 1) * left;
		else if (d->body_hint)
			want = (size_t) (d->body_hint + 1) * BLOCK_ROWS;
		else
			want = 1024;
		want += want / 64 + size + 1;
		if (want > limit)
			want = size + 1 > limit ? size + 1 : limit;
		g_assert (blk->nchunk < NCHUNK_MAX);
		if (blk->nchunk == blk->chunkcap) {
			blk->chunkcap = blk->chunkcap ? blk->chunkcap * 2 : 2;
			blk->chunk = g_renew (uint8_t *, blk->chunk, blk->chunkcap);
			blk->cfirst = g_renew (uint16_t, blk->cfirst, blk->chunkcap);
		}
		/* g_malloc's memory is 8-aligned: offset 0 is even */
		blk->cfirst[blk->nchunk] = (uint16_t) i;
		blk->chunk[blk->nchunk++] = g_malloc (want);
		blk->heap += want;
		blk->cap = (uint32_t) MIN (want, (size_t) UINT32_MAX);
		at = 0;
		if (want > limit) {
			/* a chunk of its own takes no other body: a position past
			 * limit would not fit an offset */
			blk->used = blk->cap;
			goto placed;
		}
	}
	blk->used = (uint32_t) (at + size);
placed:
	blk->bytes += size;
	blk->nbodies++;
	if (blk->nbodies == BLOCK_ROWS)
		d->body_hint = (uint32_t) MIN (blk->bytes / BLOCK_ROWS, (uint64_t) CHUNK_MAX);
	if (narrow) {
		blk->off[i] = (uint16_t) (at / 2);
		blk->last = i;
	} else
		blk->off32[i] = (blk->nchunk - 1) << POS_BITS | (uint32_t) (at & POS_MASK);
	return blk->chunk[blk->nchunk - 1] + at;
}

/* Room for blocks up to rowid (write latch held, or no other thread). */
static void
blocks_fit (OxTableData *d, uint64_t rowid)
{
	if (rowid < d->cap)
		return;
	uint64_t ncap = d->cap;
	while (ncap <= rowid)
		ncap *= 2;
	uint64_t oldb = d->cap / BLOCK_ROWS, newb = ncap / BLOCK_ROWS;
	d->blocks = g_renew (OxRowBlock *, d->blocks, newb);
	memset (d->blocks + oldb, 0, sizeof (OxRowBlock *) * (newb - oldb));
	d->cap = ncap;
}

static OxRowBlock *
block_get (OxTableData *d, uint64_t rowid)
{
	blocks_fit (d, rowid);
	OxRowBlock **slot = &d->blocks[rowid / BLOCK_ROWS];
	if (!*slot) {
		*slot = g_new0 (OxRowBlock, 1);
		(*slot)->last = -1;
	}
	return *slot;
}

/* Row i of blk has no base and no chain any more: the block goes with its
 * last row (write latch held). */
static void
row_gone (OxTableData *d, uint64_t rowid, OxRowBlock *blk)
{
	g_assert (blk->nrows > 0);
	if (--blk->nrows == 0) {
		d->blocks[rowid / BLOCK_ROWS] = NULL;
		block_free (blk);
	}
}

/* Record that t inserted row i of blk (write latch held). */
static void
run_add (OxRowBlock *blk, int i, const OxTxn *t)
{
	if (blk->nruns > 0) {
		InsRun *r = &blk->runs[blk->nruns - 1];
		if (r->ts == t->id && r->first + r->n == i) {
			if (r->n == 1 && t->cid >= r->cid0) {
				r->step = t->cid - r->cid0;
				r->n++;
				return;
			}
			if (run_cid (r, i) == t->cid) {
				r->n++;
				return;
			}
		}
	}
	if (blk->nruns == blk->runcap) {
		blk->runcap = blk->runcap ? blk->runcap * 2 : 2;
		blk->runs = g_renew (InsRun, blk->runs, blk->runcap);
	}
	blk->runs[blk->nruns++] = (InsRun) { .ts = t->id, .cid0 = t->cid, .step = 0, .first = (uint16_t) i, .n = 1 };
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

/* The newest version's body of row rowid (a row colblock_build found
 * present: committed and not deleted). */
static inline OxRow
head_row (const OxTableData *d, uint64_t rowid)
{
	const OxRowBlock *blk = block_of (d, rowid);
	int i = (int) (rowid % BLOCK_ROWS);
	OxTuple *x = hot_head (blk, i);
	return x ? x->data : base_body (blk, i);
}

/* Make block b's header if every newest version in it is committed (read
 * latch held); NULL when one is not.  Concurrent builders race with a
 * compare-and-swap; the loser frees its copy. */
static OxColBlock *
colblock_build (OxTableData *d, uint64_t b)
{
	uint64_t max_ts = 0;
	uint64_t absent[OX_COLBLOCK / 64] = { 0 };
	const OxRowBlock *blk = d->blocks[b];
	for (int i = 0; i < OX_COLBLOCK; i++) {
		Ver v;
		if (!ver_head (blk, i, &v)) {
			absent[i >> 6] |= UINT64_C (1) << (i & 63);
			continue;
		}
		if (OX_TS_IS_TXN (v.ts))
			return NULL;
		if (v.ts > max_ts)
			max_ts = v.ts;
		if (v.deleted)
			absent[i >> 6] |= UINT64_C (1) << (i & 63);
	}
	OxColBlock *cb = g_malloc0 (sizeof (OxColBlock) + sizeof (ColVec *) * (size_t) d->ncols);
	cb->max_ts = max_ts;
	memcpy (cb->absent, absent, sizeof absent);
	OxColBlock *expected = NULL;
	if (!__atomic_compare_exchange_n (&d->colblocks[b], &expected, cb, false, __ATOMIC_ACQ_REL,
	                                  __ATOMIC_ACQUIRE)) {
		g_free (cb);
		return expected;
	}
	return cb;
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
		ox_tuple_decode_cols (d->fmt, head_row (d, base + (uint64_t) i), rowv, scol, m);
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

/* Visible rows of block positions i .. stop-1 into out/rowids from n on
 * (read latch held); returns the new n. */
static inline int
scan_block (OxTxn *t, OxTableData *d, uint64_t i, uint64_t stop, OxRow *out, uint64_t *rowids, int n)
{
	const OxRowBlock *blk = d->blocks[i / BLOCK_ROWS];
	if (!blk)
		return n;
	uint64_t base = i / BLOCK_ROWS * BLOCK_ROWS;
	uint32_t r = 0;
	for (; i < stop; i++) {
		int k = (int) (i - base);
		while (r < blk->nruns && blk->runs[r].first + blk->runs[r].n <= k)
			r++;
		const InsRun *run = r < blk->nruns && blk->runs[r].first <= k ? &blk->runs[r] : NULL;
		OxRow v = row_visible (blk, k, run, t);
		if (v) {
			out[n] = v;
			if (rowids)
				rowids[n] = i;
			n++;
		}
	}
	return n;
}

int
ox_table_scan_cols (OxTxn *t, OxTableData *d, uint64_t *pos, const OxColTerm *terms, int nterms,
                    OxRow *out, uint64_t *rowids, int max, bool *end)
{
	int n = 0;
	g_rw_lock_reader_lock (&d->latch);
	uint64_t i = *pos;
	uint64_t b = i / OX_COLBLOCK, base = b * OX_COLBLOCK;
	OxColBlock *cb = NULL;
	if (nterms > 0 && i < d->nslots && base + OX_COLBLOCK <= d->nslots && b < d->ncolblocks &&
	    d->blocks[b]) {
		cb = __atomic_load_n (&d->colblocks[b], __ATOMIC_ACQUIRE);
		if (!cb)
			cb = colblock_build (d, b);
		if (cb && cb->max_ts > t->snapshot)
			cb = NULL;  /* a row changed after our snapshot: the versions, row by row */
	}
	if (!cb) {
		uint64_t stop = MIN (d->nslots, MIN (base + OX_COLBLOCK, i + (uint64_t) max));
		if (i < stop)
			n = scan_block (t, d, i, stop, out, rowids, 0);
		i = MAX (i, stop);
	} else {
		/* every row's newest version is the one we see: filter the
		 * vectors, then hand out the heads that passed */
		uint64_t stop = MIN (base + OX_COLBLOCK, i + (uint64_t) max);
		uint16_t sel[OX_COLBLOCK];
		int ns = 0;
		for (int r = (int) (i - base); r < (int) (stop - base); r++)
			if (!((cb->absent[r >> 6] >> (r & 63)) & 1))
				sel[ns++] = (uint16_t) r;
		int cols[16], nc = 0;
		for (int k = 0; k < nterms && nc < 16; k++)
			if (terms[k].col >= 0 && terms[k].col < d->ncols &&
			    !__atomic_load_n (&cb->cols[terms[k].col], __ATOMIC_ACQUIRE))
				cols[nc++] = terms[k].col;
		if (nc > 0)
			colvecs_build (d, cb, base, cols, nc);
		for (int k = 0; k < nterms && ns > 0; k++) {
			if (terms[k].col < 0 || terms[k].col >= d->ncols)
				continue;
			ColVec *cv = __atomic_load_n (&cb->cols[terms[k].col], __ATOMIC_ACQUIRE);
			if (!cv || cv->kind != terms[k].kind)
				continue;  /* not in that form here: the caller's filter decides */
			ns = colvec_select (cv, terms[k].rel, terms[k].c, sel, ns);
		}
		for (int k = 0; k < ns; k++) {
			out[n] = head_row (d, base + sel[k]);
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
	d->cap = BLOCK_ROWS;
	d->blocks = g_new0 (OxRowBlock *, 1);
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
	for (uint64_t b = 0; b < d->cap / BLOCK_ROWS; b++)
		block_free (d->blocks[b]);
	g_free (d->blocks);
	for (uint64_t b = 0; b < d->ncolblocks; b++)
		if (d->colblocks[b])
			colblock_free (d, d->colblocks[b]);
	g_free (d->colblocks);
	g_free (d->pending);
	for (guint i = 0; i < d->indexes->len; i++)
		index_free (d->indexes->pdata[i]);
	g_ptr_array_unref (d->indexes);
	g_rw_lock_clear (&d->latch);
	ox_row_format_free (d->fmt);
	g_free (d);
}

/* The key columns of body v (values pointing into it).  Inlined:
 * range_scan (callgrind, scale 0.05) spent 13.5M instructions in the
 * call for a one-column key before. */
static inline __attribute__ ((always_inline)) void
index_key (const OxTableData *d, const OxIndexData *ix, OxRow v, OxValue *key)
{
	for (int k = 0; k < ix->nkeys; k++)
		key[k] = ox_tuple_get (d->fmt, v, ix->colnos[k]);
}

/* The key columns of a row about to be stored: the values themselves
 * (a body decodes to exactly the values it was written from, tuple.h). */
static inline void
index_key_of_vals (const OxIndexData *ix, const OxValue *vals, OxValue *key)
{
	for (int k = 0; k < ix->nkeys; k++)
		key[k] = vals[ix->colnos[k]];
}

/* ---- implicit entries (table.h) -------------------------------------------------------------- */

static inline bool
implicit_active (const OxIndexData *ix)
{
	return ix->istate == OX_IMPLICIT_ACTIVE;
}

/* The implicit entry's key of row r. */
static inline OxValue
implicit_key (const OxIndexData *ix, uint64_t r)
{
	return ox_int ((OxTypeId) ix->itype, (int64_t) r + ix->idelta);
}

/* Is (key, rowid) an implicit entry? */
static inline bool
implicit_has (const OxIndexData *ix, const OxValue *key, uint64_t rowid)
{
	return implicit_active (ix) && rowid < ix->iupto && !key->null && ox_type_is_integer ((OxTypeId) key->type) &&
	       (uint64_t) key->v.i - rowid == (uint64_t) ix->idelta;
}

/* Row rowid is stored with key (write latch held; new_row: the key it is
 * inserted with, else an update's): is that entry implicit, so that the
 * tree needs none?  A new row at or past the prefix's end with the
 * pattern's key extends it (rows skipped are absent: their implicit
 * entries match nothing); the first new row that breaks the pattern
 * freezes it, since scans would otherwise visit implicit entries that
 * match no row. */
static bool
implicit_take (OxIndexData *ix, const OxValue *key, uint64_t rowid, bool new_row)
{
	if (ix->istate == OX_IMPLICIT_NONE)
		return false;
	if (implicit_has (ix, key, rowid))
		return true;
	bool intkey = !key->null && ox_type_is_integer ((OxTypeId) key->type);
	if (!new_row) {
		/* the entry goes to the tree: no later row may make it implicit
		 * too (a scan would return the row twice), so an undecided index
		 * gets none, and the prefix stops short of it */
		if (ix->istate == OX_IMPLICIT_UNDECIDED)
			ix->istate = OX_IMPLICIT_NONE;
		else if (rowid >= ix->iupto)
			ix->ifrozen = true;
		return false;
	}
	if (ix->istate == OX_IMPLICIT_UNDECIDED) {
		/* the first row decides; |delta| < 2^62 keeps rowid + delta and
		 * key - rowid in range */
		int64_t delta = intkey ? key->v.i - (int64_t) rowid : 0;
		if (!intkey || rowid >= (UINT64_C (1) << 62) || delta >= (INT64_C (1) << 62) ||
		    delta <= -(INT64_C (1) << 62)) {
			ix->istate = OX_IMPLICIT_NONE;
			return false;
		}
		ix->idelta = delta;
		ix->iupto = rowid + 1;
		ix->istate = OX_IMPLICIT_ACTIVE;
		return true;
	}
	if (!ix->ifrozen && rowid >= ix->iupto && intkey && (uint64_t) key->v.i - rowid == (uint64_t) ix->idelta) {
		ix->iupto = rowid + 1;
		return true;
	}
	ix->ifrozen = true;
	return false;
}

/* First row r of the prefix whose entry is >= key (> with after), by
 * binary search: the entries ascend with r.  Returns iupto when none. */
static uint64_t
implicit_seek (const OxIndexData *ix, const OxValue *key, bool after)
{
	if (!key->null && ox_type_is_integer ((OxTypeId) key->type)) {
		/* by arithmetic: the first row whose key k + delta is >= key */
		__int128 r = (__int128) key->v.i - ix->idelta + (after ? 1 : 0);
		return r <= 0 ? 0 : r >= (__int128) ix->iupto ? ix->iupto : (uint64_t) r;
	}
	uint64_t lo = 0, hi = ix->iupto;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		OxValue k = implicit_key (ix, mid);
		int c = ox_btree_key_cmp (ix->tree, &k, key, 1);
		if (c < 0 || (c == 0 && after))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
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

/* Does row rid (a candidate entry for key in unique index ix) hold key
 * live, or might it once its writer ends?  Latch held. */
static UniqueResult
probe_row (OxTxn *t, OxTableData *d, OxIndexData *ix, const OxValue *key, uint64_t rid, uint64_t *wait_id)
{
	/* Only the newest version decides, except that while its writer is
	 * still running, the committed version beneath it may come back
	 * (rollback) or go away (commit): a key in any of those means we
	 * must wait for that writer. */
	const OxRowBlock *blk = block_of (d, rid);
	int i = (int) (rid % BLOCK_ROWS);
	Ver v;
	if (!ver_head (blk, i, &v))
		return UQ_OK;  /* a rolled-back insert */
	uint64_t hts = v.ts;
	if (OX_TS_IS_TXN (hts) && hts != t->id) {
		do {
			if (!v.deleted) {
				OxValue vk[16];
				index_key (d, ix, v.row, vk);
				if (keys_equal (vk, key, ix->nkeys)) {
					*wait_id = hts;
					return UQ_WAIT;
				}
			}
			if (!OX_TS_IS_TXN (v.ts))
				break;
		} while (ver_next (blk, i, &v));
		return UQ_OK;
	}
	if (!v.deleted) {
		OxValue vk[16];
		index_key (d, ix, v.row, vk);
		if (keys_equal (vk, key, ix->nkeys))
			return UQ_DUP;
	}
	return UQ_OK;
}

/* Look for a live row other than 'self' holding key in unique index ix.
 * Latch held (read or write). */
static UniqueResult
unique_probe (OxTxn *t, OxTableData *d, OxIndexData *ix, const OxValue *key, uint64_t self,
              uint64_t *wait_id)
{
	if (key_has_null (key, ix->nkeys))
		return UQ_OK;  /* NULLs never collide (NULLS DISTINCT) */
	if (implicit_active (ix)) {
		/* the implicit entries equal to key: one row at most for an
		 * integer key, found by arithmetic; by search for another type
		 * that compares equal */
		uint64_t r, end;
		if (ox_type_is_integer ((OxTypeId) key->type)) {
			r = (uint64_t) key->v.i - (uint64_t) ix->idelta;  /* wraps past iupto when below */
			end = r < ix->iupto ? r + 1 : r;
		} else {
			r = implicit_seek (ix, key, false);
			end = implicit_seek (ix, key, true);
		}
		for (; r < end; r++) {
			if (r == self)
				continue;
			UniqueResult res = probe_row (t, d, ix, key, r, wait_id);
			if (res != UQ_OK)
				return res;
		}
	}
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
		res = probe_row (t, d, ix, key, rid, wait_id);
		if (res != UQ_OK)
			break;
	}
	ox_btree_cursor_free (&c);
	return res;
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

/* Raise 23505 for a key whose values may point into 'owner' (freed here,
 * after the key is copied out of it; may be NULL). */
static void
raise_unique_copy (OxIndexData *ix, const OxValue *key, void *owner)
{
	OxArena *a = ox_arena_new ();
	OxValue kc[16];
	for (int k = 0; k < ix->nkeys; k++)
		kc[k] = ox_value_copy (a, &key[k]);
	g_free (owner);
	raise_unique (ix, kc, a);
}

OxWriteResult
ox_table_insert (OxTxn *t, OxTableData *d, const OxValue *vals, uint64_t *rowid, uint64_t *wait_id)
{
	bool generic;
	size_t size = ox_row_size (d->fmt, vals, &generic);
	g_rw_lock_writer_lock (&d->latch);
	for (guint i = 0; i < d->indexes->len; i++) {
		OxIndexData *ix = d->indexes->pdata[i];
		if (!ix->unique || !__atomic_load_n (&ix->valid, __ATOMIC_ACQUIRE))
			continue;
		OxValue key[16];
		index_key_of_vals (ix, vals, key);
		UniqueResult r = unique_probe (t, d, ix, key, UINT64_MAX, wait_id);
		if (r != UQ_OK) {
			g_rw_lock_writer_unlock (&d->latch);
			if (r == UQ_WAIT)
				return OX_WRITE_WAIT;
			raise_unique_copy (ix, key, NULL);
		}
	}
	uint64_t id = d->nslots;
	OxRowBlock *blk = block_get (d, id);
	int i = (int) (id % BLOCK_ROWS);
	uint8_t *body = body_alloc (d, blk, i, size);
	ox_row_write (d->fmt, vals, generic, body, size);
	run_add (blk, i, t);
	set_has (blk, i, true);
	blk->nrows++;
	d->nslots++;
	colblocks_fit (d);
	colblock_drop (d, id);
	for (guint k = 0; k < d->indexes->len; k++) {
		OxIndexData *ix = d->indexes->pdata[k];
		if (!__atomic_load_n (&ix->valid, __ATOMIC_ACQUIRE))
			continue;
		OxValue key[16];
		index_key_of_vals (ix, vals, key);
		if (!implicit_take (ix, key, id, true))
			ox_btree_insert (ix->tree, key, id);
	}
	d->live_rows++;
	g_rw_lock_writer_unlock (&d->latch);
	ox_txn_log_insert (t, d, id);
	*rowid = id;
	return OX_WRITE_OK;
}

static OxTuple *
tombstone_new (void)
{
	OxTuple *v = g_malloc0 (sizeof (OxTuple));
	v->flags = OX_TUPLE_DELETED;
	return v;
}

OxWriteResult
ox_table_update (OxTxn *t, OxTableData *d, uint64_t rowid, OxRow seen, const OxValue *vals,
                 uint64_t *wait_id, OxRow *latest)
{
	OxTuple *nv = vals ? ox_tuple_new (d->fmt, vals) : tombstone_new ();
	nv->ts = t->id;
	nv->cid = t->cid;
	g_rw_lock_writer_lock (&d->latch);
	OxRowBlock *blk = block_of (d, rowid);
	int i = (int) (rowid % BLOCK_ROWS);
	Ver head;
	bool present = ver_head (blk, i, &head);
	g_assert (present);  /* the caller saw a version of it, which is not pruned */
	if (head.row != seen) {
		OxWriteResult r;
		if (head.ts == t->id) {
			r = OX_WRITE_SELF_UPDATED;
		} else if (OX_TS_IS_TXN (head.ts)) {
			*wait_id = head.ts;
			r = OX_WRITE_WAIT;
		} else {
			*latest = head.deleted ? NULL : head.row;
			r = OX_WRITE_CONCURRENT;
		}
		g_rw_lock_writer_unlock (&d->latch);
		g_free (nv);
		return r;
	}
	if (vals) {
		for (guint k = 0; k < d->indexes->len; k++) {
			OxIndexData *ix = d->indexes->pdata[k];
			if (!ix->unique || !__atomic_load_n (&ix->valid, __ATOMIC_ACQUIRE))
				continue;
			OxValue key[16], oldkey[16];
			index_key (d, ix, nv->data, key);
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
				raise_unique_copy (ix, key, nv);  /* key points into nv */
			}
		}
	}
	if (head.tuple)
		nv->prev = head.tuple;
	else
		nv->flags |= OX_TUPLE_BASE_BELOW;
	if (!blk->hot)
		blk->hot = g_new0 (OxTuple *, BLOCK_ROWS);
	colblock_drop (d, rowid);
	blk->hot[i] = nv;
	if (vals) {
		for (guint k = 0; k < d->indexes->len; k++) {
			OxIndexData *ix = d->indexes->pdata[k];
			if (!__atomic_load_n (&ix->valid, __ATOMIC_ACQUIRE))
				continue;
			OxValue key[16], oldkey[16];
			index_key (d, ix, nv->data, key);
			/* Unchanged key: the entry (key, rowid) is there already (entries
			 * are never removed, and every version was indexed), and the
			 * insert would only descend the tree to find it. */
			index_key (d, ix, seen, oldkey);
			if (keys_equal (key, oldkey, ix->nkeys))
				continue;
			if (!implicit_take (ix, key, rowid, false))
				ox_btree_insert (ix->tree, key, rowid);
		}
	} else
		d->live_rows--;
	g_rw_lock_writer_unlock (&d->latch);
	ox_txn_log_tuple (t, d, rowid, nv);
	return OX_WRITE_OK;
}

int
ox_table_scan (OxTxn *t, OxTableData *d, uint64_t *pos, OxRow *out, uint64_t *rowids, int max)
{
	int n = 0;
	g_rw_lock_reader_lock (&d->latch);
	uint64_t i = *pos;
	while (i < d->nslots && n < max) {
		uint64_t end = MIN (d->nslots, (i / BLOCK_ROWS + 1) * BLOCK_ROWS);
		uint64_t stop = MIN (end, i + (uint64_t) (max - n));
		n = scan_block (t, d, i, stop, out, rowids, n);
		i = stop;
	}
	g_rw_lock_reader_unlock (&d->latch);
	*pos = i;
	return n;
}

OxRow
ox_table_fetch (OxTxn *t, OxTableData *d, uint64_t rowid)
{
	g_rw_lock_reader_lock (&d->latch);
	OxRow v = fetch_latched (d, rowid, t);
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
	/* implicit entries for an ascending index on one integer column */
	ix->istate = OX_IMPLICIT_NONE;
	if (nkeys == 1 && !ix->desc[0] && colnos[0] >= 0 && colnos[0] < d->ncols &&
	    ox_type_is_integer ((OxTypeId) d->fmt->decl[colnos[0]])) {
		ix->istate = OX_IMPLICIT_UNDECIDED;
		ix->itype = d->fmt->decl[colnos[0]];
	}
	g_rw_lock_writer_lock (&d->latch);
	for (uint64_t r = 0; r < d->nslots; r++) {
		const OxRowBlock *blk = block_of (d, r);
		if (!blk) {
			r = (r / BLOCK_ROWS + 1) * BLOCK_ROWS - 1;
			continue;
		}
		int i = (int) (r % BLOCK_ROWS);
		/* the base first (the key the row was inserted with: it may
		 * extend the implicit prefix), then the chain's versions */
		if (has_base (blk, i)) {
			OxValue key[16];
			index_key (d, ix, base_body (blk, i), key);
			if (!implicit_take (ix, key, r, true))
				ox_btree_insert (ix->tree, key, r);
		}
		for (OxTuple *x = hot_head (blk, i); x; x = x->prev) {
			if (x->flags & OX_TUPLE_DELETED)
				continue;
			OxValue key[16];
			index_key (d, ix, x->data, key);
			if (!implicit_take (ix, key, r, false))
				ox_btree_insert (ix->tree, key, r);
		}
	}
	if (unique) {
		uint64_t wait_id = 0;
		for (uint64_t r = 0; r < d->nslots; r++) {
			OxRow v = fetch_latched (d, r, t);
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
	OxRowBlock *blk = block_of (d, rowid);
	int i = (int) (rowid % BLOCK_ROWS);
	/* Our version is the head: nobody can write over an uncommitted version. */
	g_assert (blk && blk->hot && blk->hot[i] == v);
	colblock_drop (d, rowid);
	blk->hot[i] = v->prev;
	if (v->flags & OX_TUPLE_DELETED)
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
	/* Every run that holds one of the rows is the inserter's own (a run
	 * has one writer, and these rows are its): stamp each run once. */
	for (uint64_t r = first; r < first + n;) {
		uint64_t stop = MIN (first + n, (r / BLOCK_ROWS + 1) * BLOCK_ROWS);
		g_rw_lock_reader_lock (&d->latch);
		OxRowBlock *blk = block_of (d, r);
		if (blk) {
			int lo = (int) (r % BLOCK_ROWS), hi = (int) ((stop - 1) % BLOCK_ROWS);
			for (uint32_t k = 0; k < blk->nruns; k++) {
				InsRun *run = &blk->runs[k];
				if (run->first <= hi && run->first + run->n > lo)
					__atomic_store_n (&run->ts, ts, __ATOMIC_RELEASE);
			}
		}
		g_rw_lock_reader_unlock (&d->latch);
		r = stop;
	}
}

/* Forget the runs whose rows are all gone (rolled back): nothing can
 * bring those rows back (write latch held). */
static void
runs_drop_empty (OxRowBlock *blk)
{
	uint32_t keep = 0;
	for (uint32_t k = 0; k < blk->nruns; k++) {
		const InsRun *r = &blk->runs[k];
		bool live = false;
		for (int i = r->first; i < r->first + r->n && !live; i++)
			live = has_base (blk, i) || hot_head (blk, i);
		if (live)
			blk->runs[keep++] = *r;
	}
	blk->nruns = keep;
}

void
ox_table_settle_inserts (OxTableData *d, uint64_t first, uint64_t n, uint64_t oldest)
{
	/* A run every snapshot sees whole is no different from no run: drop
	 * it, so that blocks filled by many small transactions do not keep a
	 * run a row. */
	for (uint64_t r = first; r < first + n;) {
		uint64_t stop = MIN (first + n, (r / BLOCK_ROWS + 1) * BLOCK_ROWS);
		g_rw_lock_writer_lock (&d->latch);
		OxRowBlock *blk = block_of (d, r);
		if (blk) {
			uint32_t keep = 0;
			for (uint32_t k = 0; k < blk->nruns; k++) {
				uint64_t ts = blk->runs[k].ts;
				if (OX_TS_IS_TXN (ts) || ts > oldest)
					blk->runs[keep++] = blk->runs[k];
			}
			blk->nruns = keep;
			if (keep == 0) {
				g_free (blk->runs);
				blk->runs = NULL;
				blk->runcap = 0;
			}
		}
		g_rw_lock_writer_unlock (&d->latch);
		r = stop;
	}
}

void
ox_table_undo_inserts (OxTableData *d, uint64_t first, uint64_t n)
{
	/* newest first, as the entries would have been undone one by one */
	for (uint64_t left = n; left > 0;) {
		uint64_t stop = left > RANGE_BATCH ? left - RANGE_BATCH : 0;
		g_rw_lock_writer_lock (&d->latch);
		OxRowBlock *touched = NULL;  /* the block whose runs to filter */
		for (; left > stop; left--) {
			uint64_t rowid = first + left - 1;
			OxRowBlock *blk = block_of (d, rowid);
			int i = (int) (rowid % BLOCK_ROWS);
			g_assert (blk && has_base (blk, i) && !hot_head (blk, i));
			if (touched && touched != blk)
				runs_drop_empty (touched);
			colblock_drop (d, rowid);
			set_has (blk, i, false);
			d->live_rows--;
			touched = blk->nrows == 1 ? NULL : blk;  /* the last row frees the block, runs and all */
			row_gone (d, rowid, blk);
		}
		if (touched)
			runs_drop_empty (touched);
		g_rw_lock_writer_unlock (&d->latch);
	}
}

OxRow
ox_table_inserted_version_latched (OxTableData *d, uint64_t rowid)
{
	OxRowBlock *blk = block_of (d, rowid);
	g_assert (blk);
	return base_body (blk, (int) (rowid % BLOCK_ROWS));
}

/* Free versions of row rowid that no snapshot >= oldest can see (write
 * latch held). */
static void
prune_row_latched (OxTableData *d, uint64_t rowid, uint64_t oldest)
{
	OxRowBlock *blk = block_of (d, rowid);
	int i = (int) (rowid % BLOCK_ROWS);
	OxTuple *v = blk ? hot_head (blk, i) : NULL;
	while (v) {
		uint64_t ts = __atomic_load_n (&v->ts, __ATOMIC_ACQUIRE);
		if (!OX_TS_IS_TXN (ts) && ts <= oldest)
			break;
		v = v->prev;
	}
	if (!v)
		return;
	/* every snapshot sees v or a newer version: what is beneath it,
	 * versions and the base, is dead */
	OxTuple *last = v;
	while (last->prev)
		last = last->prev;
	bool base_below = last->flags & OX_TUPLE_BASE_BELOW;
	free_chain (v->prev);
	v->prev = NULL;
	if (base_below) {
		v->flags &= ~(uint32_t) OX_TUPLE_BASE_BELOW;
		set_has (blk, i, false);
	}
	if ((v->flags & OX_TUPLE_DELETED) && blk->hot[i] == v) {
		/* deleted for everyone: the row is gone */
		colblock_drop (d, rowid);
		blk->hot[i] = NULL;
		g_free (v);
		row_gone (d, rowid, blk);
	}
}

typedef struct OxPendingPrune {
	uint64_t rowid, ts;
} OxPendingPrune;

void
ox_table_note_versions (OxTableData *d, const uint64_t *rows, size_t n, uint64_t ts)
{
	g_rw_lock_writer_lock (&d->latch);
	if (d->npending + n > d->pendcap) {
		/* move the live part down before growing */
		if (d->pendhead > 0) {
			memmove (d->pending, d->pending + d->pendhead,
			         sizeof (OxPendingPrune) * (d->npending - d->pendhead));
			d->npending -= d->pendhead;
			d->pendhead = 0;
		}
		if (d->npending + n > d->pendcap) {
			d->pendcap = MAX (d->pendcap * 2, d->npending + n);
			d->pending = g_renew (OxPendingPrune, d->pending, d->pendcap);
		}
	}
	for (size_t k = 0; k < n; k++)
		d->pending[d->npending++] = (OxPendingPrune) { .rowid = rows[k], .ts = ts };
	g_rw_lock_writer_unlock (&d->latch);
}

void
ox_table_prune_pending (OxTableData *d, uint64_t oldest)
{
	/* commits append in about timestamp order (two committers may swap):
	 * an entry oldest does not cover yet ends this round, and waits */
	for (;;) {
		g_rw_lock_writer_lock (&d->latch);
		size_t stop = MIN (d->npending, d->pendhead + RANGE_BATCH);
		while (d->pendhead < stop && d->pending[d->pendhead].ts <= oldest) {
			prune_row_latched (d, d->pending[d->pendhead].rowid, oldest);
			d->pendhead++;
		}
		bool more = d->pendhead == stop && stop < d->npending;
		if (d->pendhead == d->npending) {
			d->pendhead = d->npending = 0;
			if (d->pendcap > 1024) {
				g_free (d->pending);
				d->pending = NULL;
				d->pendcap = 0;
			}
		}
		g_rw_lock_writer_unlock (&d->latch);
		if (!more)
			break;
	}
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

/* Does an entry with key k lie past the scan's upper bound? */
static inline bool
past_hi (const OxIndexScan *s, const OxValue *k)
{
	if (!s->hi)
		return false;
	int c = ox_btree_key_cmp (s->ix->tree, k, s->hi, s->nhi);
	return c > 0 || (c == 0 && !s->hi_incl);
}

/* The row an entry (k, rid) names, if t sees it holding k (latch held).
 * Emit a row only through the entry matching its visible key, so stale
 * entries neither resurrect rows nor duplicate them. */
static inline OxRow
entry_row (OxTxn *t, OxTableData *d, OxIndexData *ix, const OxValue *k, uint64_t rid)
{
	OxRow v = fetch_latched (d, rid, t);
	if (!v)
		return NULL;
	OxValue vk[16];
	index_key (d, ix, v, vk);
	return ox_btree_key_cmp (ix->tree, vk, k, ix->nkeys) == 0 ? v : NULL;
}

/* ox_index_scan_next for an index with implicit entries: the tree's
 * entries and the prefix's, merged in (key, rowid) order (latch held). */
static int
index_scan_merge (OxTxn *t, OxIndexScan *s, OxRow *out, uint64_t *rowids, int max)
{
	OxTableData *d = s->data;
	OxIndexData *ix = s->ix;
	int n = 0;
	if (!s->started) {
		if (s->lo)
			ox_btree_seek_unanchored (&s->cur, s->lo, s->nlo, !s->lo_incl);
		else
			ox_btree_seek_first (&s->cur);
		s->irow = s->lo ? implicit_seek (ix, s->lo, !s->lo_incl) : 0;
		s->started = true;
	}
	while (n < max) {
		if (!s->bt_pending && !s->bt_done) {
			const OxValue *k;
			uint64_t rid;
			if (ox_btree_next_unanchored (&s->cur, &k, &rid) && !past_hi (s, k)) {
				s->bt_key = k[0];  /* an integer (or NULL): no bytes to copy */
				s->bt_rid = rid;
				s->bt_pending = true;
			} else
				s->bt_done = true;
		}
		OxValue ik;
		bool imp = s->irow < ix->iupto;
		if (imp) {
			ik = implicit_key (ix, s->irow);
			imp = !past_hi (s, &ik);
		}
		if (!s->bt_pending && !imp) {
			s->done = true;
			break;
		}
		const OxValue *k;
		uint64_t rid;
		bool from_tree = s->bt_pending;
		if (from_tree && imp) {
			int c = ox_btree_key_cmp (ix->tree, &s->bt_key, &ik, 1);
			if (c == 0 && s->bt_rid == s->irow) {
				s->bt_pending = false;  /* one entry in both: once */
				continue;
			}
			from_tree = c < 0 || (c == 0 && s->bt_rid < s->irow);
		}
		if (from_tree) {
			k = &s->bt_key;
			rid = s->bt_rid;
			s->bt_pending = false;
		} else {
			k = &ik;
			rid = s->irow++;
		}
		OxRow v = entry_row (t, d, ix, k, rid);
		if (!v)
			continue;
		out[n] = v;
		if (rowids)
			rowids[n] = rid;
		n++;
		if (s->single) {
			s->done = true;
			break;
		}
	}
	/* the tree's cursor stands at the pending entry (read, not emitted),
	 * which stays in s: the next batch goes on from both */
	if (!s->done && !s->bt_done)
		ox_btree_cursor_anchor (&s->cur);
	return n;
}

int
ox_index_scan_next (OxTxn *t, OxIndexScan *s, OxRow *out, uint64_t *rowids, int max)
{
	if (s->done)
		return 0;
	OxTableData *d = s->data;
	OxIndexData *ix = s->ix;
	int n = 0;
	g_rw_lock_reader_lock (&d->latch);
	if (!s->started)
		s->merge = implicit_active (ix);
	if (s->merge) {
		n = index_scan_merge (t, s, out, rowids, max);
		g_rw_lock_reader_unlock (&d->latch);
		return n;
	}
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
		if (past_hi (s, k)) {
			s->done = true;
			break;
		}
		OxRow v = entry_row (t, d, ix, k, rid);
		if (!v)
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

/* Recovery: the bodies of a block rewritten into as few chunks as they
 * fit (no reader exists yet), when replacing rows again and again would
 * run out of chunk numbers. */
static void
block_compact (OxTableData *d, OxRowBlock *blk)
{
	OxRow src[BLOCK_ROWS];
	for (int i = 0; i < BLOCK_ROWS; i++)
		src[i] = has_base (blk, i) ? base_body (blk, i) : NULL;
	uint8_t **old = blk->chunk;
	uint32_t nold = blk->nchunk;
	g_free (blk->cfirst);
	g_free (blk->off32);
	blk->chunk = NULL;
	blk->cfirst = NULL;
	blk->off32 = NULL;  /* in row order again: narrow */
	blk->last = -1;
	blk->nchunk = blk->chunkcap = 0;
	blk->used = blk->cap = 0;
	blk->bytes = 0;
	blk->heap = 0;
	blk->nbodies = 0;
	for (int i = 0; i < BLOCK_ROWS; i++) {
		if (!src[i])
			continue;
		size_t size = ox_tuple_body_size (d->fmt, src[i]);
		memcpy (body_alloc (d, blk, i, size), src[i], size);
	}
	for (uint32_t k = 0; k < nold; k++)
		g_free (old[k]);
	g_free (old);
}

void
ox_table_redo_put (OxTableData *d, uint64_t rowid, const OxValue *vals)
{
	bool generic;
	size_t size = ox_row_size (d->fmt, vals, &generic);
	g_rw_lock_writer_lock (&d->latch);
	OxRowBlock *blk = block_get (d, rowid);
	int i = (int) (rowid % BLOCK_ROWS);
	colblocks_fit (d);
	colblock_drop (d, rowid);
	if (d->nslots <= rowid)
		d->nslots = rowid + 1;
	OxTuple *x = hot_head (blk, i);
	bool was_live = x ? !(x->flags & OX_TUPLE_DELETED) : has_base (blk, i);
	bool was_present = x || has_base (blk, i);
	if (!was_present)
		blk->nrows++;
	if (!was_live)
		d->live_rows++;
	if (x) {
		free_chain (x);
		blk->hot[i] = NULL;
	}
	if (blk->nchunk == NCHUNK_MAX - 1 && blk->used + size + 1 > blk->cap)
		block_compact (d, blk);
	uint8_t *body = body_alloc (d, blk, i, size);
	ox_row_write (d->fmt, vals, generic, body, size);
	set_has (blk, i, true);
	for (guint k = 0; k < d->indexes->len; k++) {
		OxIndexData *ix = d->indexes->pdata[k];
		if (!__atomic_load_n (&ix->valid, __ATOMIC_ACQUIRE))
			continue;
		OxValue key[16];
		index_key_of_vals (ix, vals, key);
		if (!implicit_take (ix, key, rowid, !was_present))
			ox_btree_insert (ix->tree, key, rowid);
	}
	g_rw_lock_writer_unlock (&d->latch);
}

void
ox_table_redo_delete (OxTableData *d, uint64_t rowid)
{
	g_rw_lock_writer_lock (&d->latch);
	OxRowBlock *blk = block_of (d, rowid);
	int i = (int) (rowid % BLOCK_ROWS);
	if (blk && (hot_head (blk, i) || has_base (blk, i))) {
		colblock_drop (d, rowid);
		OxTuple *x = hot_head (blk, i);
		if (x ? !(x->flags & OX_TUPLE_DELETED) : true)
			d->live_rows--;
		if (x) {
			free_chain (x);
			blk->hot[i] = NULL;
		}
		set_has (blk, i, false);
		row_gone (d, rowid, blk);
	}
	g_rw_lock_writer_unlock (&d->latch);
}

uint32_t
ox_table_head_cid (OxTableData *d, uint64_t rowid)
{
	g_rw_lock_reader_lock (&d->latch);
	Ver v;
	uint32_t cid = ver_head (block_of (d, rowid), (int) (rowid % BLOCK_ROWS), &v) ? v.cid : 0;
	g_rw_lock_reader_unlock (&d->latch);
	return cid;
}

void
ox_table_storage_stats (OxTableData *d, OxTableStats *st)
{
	memset (st, 0, sizeof *st);
	g_rw_lock_reader_lock (&d->latch);
	for (uint64_t b = 0; b < d->cap / BLOCK_ROWS; b++) {
		const OxRowBlock *blk = d->blocks[b];
		if (!blk)
			continue;
		st->blocks++;
		st->wide_blocks += blk->off32 != NULL;
		st->block_bytes += sizeof (OxRowBlock) + (sizeof (uint8_t *) + sizeof (uint16_t)) * blk->chunkcap +
		                   (blk->off32 ? sizeof (uint32_t) * BLOCK_ROWS : 0) +
		                   sizeof (InsRun) * blk->runcap + (blk->hot ? sizeof (OxTuple *) * BLOCK_ROWS : 0);
		st->body_bytes += blk->bytes;
		st->chunks += blk->nchunk;
		st->runs += blk->nruns;
		st->heap_bytes += blk->heap;
		for (int i = 0; i < BLOCK_ROWS; i++) {
			if (has_base (blk, i)) {
				st->bases++;
				if ((uintptr_t) base_body (blk, i) & 1)
					st->odd_bodies++;
			}
			for (OxTuple *v = hot_head (blk, i); v; v = v->prev)
				st->versions++;
		}
	}
	g_rw_lock_reader_unlock (&d->latch);
}

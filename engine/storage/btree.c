/*
 * btree.c — in-memory B+tree for indexes (layout and invariants: btree.h).
 *
 * Inserts and deletes descend from the root recording the path (no parent
 * pointers), change the leaf, then repair upward: a full node splits and
 * pushes a separator into its parent; a node under a quarter full merges
 * with or borrows from an adjacent sibling under the same parent, and the
 * root collapses when left with one child.
 *
 * NOTE: separators are deep copies, never pointers into leaf entries: a
 * delete frees the entry's key block while a separator equal to it may stay
 * in an inner node.  A separator moves between inner nodes (inner split,
 * merge, rotation) by plain memcpy, which transfers ownership; it is freed
 * only where it leaves the tree (leaf merge, leaf redistribution).
 * NOTE: moving leaf entries by memcpy/memmove is safe because an entry's
 * out-of-line bytes live in a block of their own, not in the node.
 * NOTE: search descends with the same "after" flag as the final leaf search.
 * A lower-bound search on a prefix must descend left of a separator whose
 * prefix equals the probe (entries with that prefix may sit left of it);
 * an exact (key, rowid) lookup must descend right of an equal separator
 * (the separator's entry, if present, is the first of the right child).
 * NOTE: nothing on the read path (cursor moves, seeks) writes to the tree,
 * so several readers may share it under a read lock.
 */
#define G_LOG_DOMAIN "oxibase-btree"

#include "btree.h"
#include "base/cast.h"

#include <glib.h>
#include <string.h>

#define LEAF_MAX   64               /* entry slots per leaf */
#define INNER_MAX  64               /* child slots per inner node */
#define LEAF_MIN   (LEAF_MAX / 4)   /* below this a non-root leaf is rebalanced */
#define INNER_MIN  (INNER_MAX / 4)  /* below this a non-root inner node is rebalanced */
#define MAX_DEPTH  32               /* inner levels on a path: off the right edge a
                                     * non-root inner node keeps >= INNER_MIN children,
                                     * so 32 levels would take > 16^30 entries */
#define NKEYS_MAX  1024

typedef struct OxBTreeNode {
	uint16_t level;  /* 0 = leaf; a level-k node's children are at level k-1 */
	uint16_t n;      /* leaf: entries in use; inner: children in use (n - 1 separators) */
} OxBTreeNode;

struct OxBTreeLeaf {
	OxBTreeNode  hdr;              /* hdr.level == 0 */
	OxBTreeLeaf *prev;             /* left neighbour in key order; NULL for the first leaf */
	OxBTreeLeaf *next;             /* right neighbour; NULL for the last leaf */
	uint64_t     rowid[LEAF_MAX];  /* rowid of entry i (compact trees: | CNULL for a NULL key;
	                                  narrow trees: the whole entry, see NWORD) */
	OxValue      keys[];           /* LEAF_MAX * nkeys values; entry i at keys[i * nkeys];
	                                  compact trees: LEAF_MAX int64s; narrow trees: none
	                                  (the allocation is sized by key_size, so only as
	                                  much as they need) */
};

typedef struct OxBTreeInner {
	OxBTreeNode  hdr;                   /* hdr.level >= 1 */
	OxBTreeNode *child[INNER_MAX];      /* owned; child[0 .. n-1] in use */
	uint64_t     rowid[INNER_MAX - 1];  /* rowid of separator j (compact: | CNULL; narrow: the entry) */
	OxValue      keys[];                /* (INNER_MAX - 1) * nkeys values; separator j at keys[j * nkeys];
	                                       compact trees: int64s; narrow trees: none */
} OxBTreeInner;

/* Compact trees (one integer key column, see btree.h): an entry's key is
 * its int64 (v.i); a NULL key is marked by this bit of its rowid (rowids
 * are slot numbers, far below 2^63) and stored as INT64_MAX, so that the
 * searches below decide on the int64s alone except on a tie. */
#define CNULL       (UINT64_C (1) << 63)
#define CNULL_KEY   INT64_MAX

/* Narrow trees (a compact tree while every key fits in an int32 and every
 * rowid below 2^31, see btree.h): an entry is one uint64 "word" in the
 * rowid array, and the key array is empty (key_size 0).  The high half is
 * the key, biased to unsigned (k ^ NFLAG) and inverted for a DESC column;
 * a NULL key is stored as INT32_MAX's.  The low half is the rowid, with
 * NFLAG set for a NULL key in an ascending column and for a non-NULL key in
 * a DESC one.  So the unsigned order of the words is the tree's (key,
 * rowid) order: a NULL sorts after INT32_MAX ascending (same high half,
 * NFLAG set) and before it descending (same high half, NFLAG clear), and
 * searches compare words alone.  Moving entries moves words, so the
 * rowid array's memmoves serve all formats unchanged. */
#define NFLAG       UINT32_C (0x80000000)
#define NROWID_MAX  UINT64_C (0x7fffffff)

struct OxBTree {
	int          nkeys;       /* key columns, 1 .. NKEYS_MAX */
	bool         compact;     /* one integer column stored as int64s (see above) */
	bool         narrow;      /* compact, and stored as uint64 words (see NFLAG) */
	uint32_t     nkx;         /* narrow: a key's high half is (uint32) k ^ nkx: NFLAG
	                             (ascending) or ~NFLAG (DESC) */
	uint32_t     nlx;         /* narrow: NFLAG (DESC) or 0, xor'ed into the NULL mark */
	uint8_t      itype;       /* compact: the OxTypeId keys are handed out as: the
	                             first non-NULL key's (the column's type) */
	bool         itype_fixed; /* itype was taken from a key */
	size_t       key_size;    /* bytes of one stored key: 0 (narrow), 8 (compact) or 16 * nkeys */
	bool        *desc;        /* g_malloc'd, nkeys flags: column i is descending */
	OxBTreeCmp   cmp;         /* comparison of two non-NULL values of a column */
	OxBTreeNode *root;        /* owned; a leaf (maybe empty) or an inner node with >= 2 children */
	int          height;      /* levels, 1 when the root is a leaf */
	size_t       count;       /* entries in the tree */
	size_t       mem;         /* bytes of heap held: this struct, desc, nodes, key blocks, scratch */
	uint64_t     mod;         /* bumped by every successful insert/delete; cursors compare it */
	size_t       leaf_size;   /* bytes of one leaf allocation */
	size_t       inner_size;  /* bytes of one inner node allocation */
	/* Scratch for splits: INNER_MAX separators and INNER_MAX + 1
	 * children (a full inner node plus the one being added), and the
	 * separator travelling up to the parent. */
	char        *scratch_keys;   /* g_malloc'd, INNER_MAX + 1 stored keys */
	char        *scratch_sep;    /* = the last of them; not owned separately */
	uint64_t     scratch_rowid[INNER_MAX];
	OxBTreeNode *scratch_child[INNER_MAX + 1];
};

/* A search target: the first n columns of key, then optionally a rowid. */
typedef struct Probe {
	const OxValue *key;        /* n values; not owned */
	int            n;          /* columns to compare, 0 .. nkeys */
	bool           with_rowid; /* compare rowid when all n columns are equal */
	uint64_t       rowid;      /* used when with_rowid */
} Probe;

/* One step of a root-to-leaf path. */
typedef struct PathStep {
	OxBTreeInner *node;  /* inner node passed through */
	int           idx;   /* child index taken */
} PathStep;

/* Stored key i of a node (an OxValue array, or an int64 in a compact
 * tree), and the bytes of n stored keys. */
#define KEY_AT(t, keys, i) ((void *) ((char *) (keys) + (size_t) (i) * (t)->key_size))
#define LEAF_KEY(t, l, i)  ((OxValue *) KEY_AT (t, (l)->keys, i))
#define INNER_KEY(t, in, j) ((OxValue *) KEY_AT (t, (in)->keys, j))
#define KEY_BYTES(t, n)    ((size_t) (n) * (t)->key_size)
#define CKEY(keys, i)      (((const int64_t *) (keys))[i])

/* ---- key copies -------------------------------------------------------- */

/* Out-of-line bytes of v, without a call for the inline types. */
static inline size_t
value_extra (const OxValue *v)
{
	if (v->null)
		return 0;
	switch ((OxTypeId) v->type) {
	case OX_T_UNKNOWN:
	case OX_T_TEXT:
	case OX_T_VARCHAR:
	case OX_T_BPCHAR:
	case OX_T_BYTEA:
	case OX_T_NUMERIC:
		return ox_value_extra_size (v);
	default:
		return 0;
	}
}

static size_t
key_extra (const OxValue *key, int n)
{
	size_t e = 0;
	for (int i = 0; i < n; i++)
		e += value_extra (&key[i]);
	return e;
}

/* Copy n values of src to dst, their out-of-line bytes to buf (which holds
 * key_extra (src, n) bytes).  An empty bytea gets a pointer of ours rather
 * than keeping the caller's, which may dangle. */
static void
key_copy_into (OxValue *dst, const OxValue *src, int n, char *buf)
{
	static const uint8_t empty_bytes[1];

	for (int i = 0; i < n; i++) {
		size_t e = value_extra (&src[i]);
		if (e > 0) {
			dst[i] = ox_value_copy_to (&src[i], buf);
			buf += e;
		} else {
			dst[i] = src[i];
			if (!src[i].null && src[i].type == OX_T_BYTEA)
				dst[i].v.bytes = empty_bytes;
		}
	}
}

/* Deep-copy a key into tree-owned memory: values into dst, out-of-line
 * bytes into one new block, which the values point into. */
static void
key_store (OxBTree *t, OxValue *dst, const OxValue *src)
{
	size_t e = key_extra (src, t->nkeys);
	char *blk = NULL;
	if (e > 0) {
		blk = g_malloc (e);
		t->mem += e;
	}
	key_copy_into (dst, src, t->nkeys, blk);
}

/* ---- narrow entries (see NFLAG) ---------------------------------------- */

/* Can (key, rowid) be a narrow entry?  key is NULL or an integer. */
static inline bool
nfits (const OxValue *key, uint64_t rowid)
{
	return rowid <= NROWID_MAX && (key->null || (key->v.i >= INT32_MIN && key->v.i <= INT32_MAX));
}

/* The word of (k or NULL, rowid); k in int32 range, rowid <= NROWID_MAX. */
static inline uint64_t
nword (const OxBTree *t, bool null, int64_t k, uint64_t rowid)
{
	uint32_t hi = (uint32_t) (null ? INT32_MAX : (int32_t) k) ^ t->nkx;
	uint32_t lo = (uint32_t) rowid | ((null ? NFLAG : 0) ^ t->nlx);
	return ((uint64_t) hi << 32) | lo;
}

static inline bool
nnull (const OxBTree *t, uint64_t w)
{
	return (((uint32_t) w ^ t->nlx) & NFLAG) != 0;
}

/* The key of a word (INT32_MAX for a NULL). */
static inline int32_t
nkey (const OxBTree *t, uint64_t w)
{
	return (int32_t) ((uint32_t) (w >> 32) ^ t->nkx);
}

/* Entry i of a compact node (either width) as the 64-bit compact form's
 * pair: the int64 key (CNULL_KEY for NULL), and the rowid | CNULL. */
static inline int64_t
ckey_at (const OxBTree *t, const void *keys, const uint64_t *rowids, int i)
{
	if (t->narrow) {
		uint64_t w = rowids[i];
		return nnull (t, w) ? CNULL_KEY : nkey (t, w);
	}
	return CKEY (keys, i);
}

static inline uint64_t
crid_at (const OxBTree *t, const uint64_t *rowids, int i)
{
	uint64_t w = rowids[i];
	if (t->narrow)
		return (w & NROWID_MAX) | (nnull (t, w) ? CNULL : 0);
	return w;
}

/* The rowid callers see of a stored rowid (or narrow word). */
static inline uint64_t
entry_rowid (const OxBTree *t, uint64_t raw)
{
	return t->narrow ? raw & NROWID_MAX : raw & ~CNULL;
}

/* Store key and rowid as entry i of a node's arrays (compact: the int64,
 * and the NULL mark in the rowid; narrow: the word). */
static inline void
entry_put (OxBTree *t, void *keys, uint64_t *rowids, int i, const OxValue *key, uint64_t rowid)
{
	if (t->narrow)
		rowids[i] = nword (t, key->null, key->v.i, rowid);
	else if (t->compact) {
		((int64_t *) keys)[i] = key->null ? CNULL_KEY : key->v.i;
		rowids[i] = rowid | (key->null ? CNULL : 0);
	} else {
		key_store (t, (OxValue *) KEY_AT (t, keys, i), key);
		rowids[i] = rowid;
	}
}

/* Deep-copy stored key src (of this tree) to dst. */
static inline void
key_dup (OxBTree *t, void *dst, const void *src)
{
	if (t->narrow)
		return;  /* the word travels in the rowid array */
	if (t->compact)
		*(int64_t *) dst = *(const int64_t *) src;
	else
		key_store (t, dst, src);
}

/* A compact entry as the OxValue callers see. */
static inline OxValue
cval (const OxBTree *t, int64_t k, uint64_t rowid)
{
	OxValue v = { .type = t->itype };
	if (rowid & CNULL)
		v.null = true;
	else
		v.v.i = k;
	return v;
}

/* Free the block of a stored key (see key_store): it starts at the first
 * column with out-of-line bytes. */
static void
key_release (OxBTree *t, const OxValue *key)
{
	if (t->compact)
		return;
	for (int i = 0; i < t->nkeys; i++) {
		if (value_extra (&key[i]) > 0) {
			t->mem -= key_extra (key + i, t->nkeys - i);
			g_free ((void *) key[i].v.bytes);
			return;
		}
	}
}

/* ---- comparison -------------------------------------------------------- */

/* The types ox_value_cmp compares as int64 (v.i). */
static inline bool
int_like (OxTypeId t)
{
	return t == OX_T_INT2 || t == OX_T_INT4 || t == OX_T_INT8 || t == OX_T_DATE || t == OX_T_TIMESTAMP ||
	       t == OX_T_TIMESTAMPTZ;
}

/* Compare the first n columns of two keys: NULL above every value, then
 * DESC, which is looked up only for the deciding column.  Takes cmp and
 * desc as arguments so callers in loops can keep them in registers. */
static inline int
key_cmp_with (OxBTreeCmp cmp, const bool *desc, const OxValue *a, const OxValue *b, int n)
{
	for (int i = 0; i < n; i++) {
		int c;
		if (G_UNLIKELY (a[i].null | b[i].null))
			c = (int) a[i].null - (int) b[i].null;   /* NULL sorts high */
		else if (cmp == ox_value_cmp && a[i].type == b[i].type && int_like ((OxTypeId) a[i].type))
			c = (a[i].v.i > b[i].v.i) - (a[i].v.i < b[i].v.i);  /* ox_value_cmp's answer */
		else
			c = cmp (&a[i], &b[i]);
		if (c != 0)
			return desc[i] ? (c < 0) - (c > 0) : c;  /* not -c: cmp may return INT_MIN */
	}
	return 0;
}

static inline int
key_cmp (const OxBTree *t, const OxValue *a, const OxValue *b, int n)
{
	return key_cmp_with (t->cmp, t->desc, a, b, n);
}

static inline int
probe_cmp (const OxBTree *t, const OxValue *key, uint64_t rowid, const Probe *p)
{
	int c = key_cmp (t, key, p->key, p->n);
	if (c == 0 && p->with_rowid)
		c = (rowid > p->rowid) - (rowid < p->rowid);
	return c;
}

/* probe_cmp of an entry whose first column equals the probe's: the rare
 * case, kept out of line so that node_search's loop stays small. */
static __attribute__ ((noinline)) int
probe_cmp_tail (const OxBTree *t, const OxValue *key, uint64_t rowid, const Probe *p)
{
	int c = key_cmp_with (t->cmp, t->desc + 1, key + 1, p->key + 1, p->n - 1);
	if (c == 0 && p->with_rowid)
		c = (rowid > p->rowid) - (rowid < p->rowid);
	return c;
}

/* The integer types a compact tree stores (ox_value_cmp compares them
 * with each other by v.i). */
static inline bool
int_family (OxTypeId t)
{
	return t == OX_T_INT2 || t == OX_T_INT4 || t == OX_T_INT8;
}

/* probe_cmp of compact entry (k, rowid with its NULL mark). */
static int
cprobe_cmp (const OxBTree *t, int64_t k, uint64_t rowid, const Probe *p)
{
	int c = 0;
	if (p->n > 0) {
		const OxValue *pk = p->key;
		bool en = (rowid & CNULL) != 0;
		if (en | pk->null)
			c = (int) en - (int) pk->null;
		else if (int_family ((OxTypeId) pk->type))
			c = (k > pk->v.i) - (k < pk->v.i);
		else {
			OxValue ev = cval (t, k, rowid);
			c = t->cmp (&ev, pk);
			c = (c > 0) - (c < 0);
		}
		if (t->desc[0])
			c = -c;
	}
	if (c == 0 && p->with_rowid) {
		uint64_t r = rowid & ~CNULL;
		c = (r > p->rowid) - (r < p->rowid);
	}
	return c;
}

/* probe_cmp of entry i of a node's arrays, in either format. */
static inline int
eprobe_cmp (const OxBTree *t, const void *keys, const uint64_t *rowids, int i, const Probe *p)
{
	if (t->compact)
		return cprobe_cmp (t, ckey_at (t, keys, rowids, i), crid_at (t, rowids, i), p);
	return probe_cmp (t, (const OxValue *) KEY_AT (t, keys, i), rowids[i], p);
}

/* node_search of a narrow tree.  A non-NULL integer probe of int32 range
 * (and rowid, when it has one, of 31 bits) becomes a bound on the words,
 * and the answer is the index of the first word >= bound (> bound when
 * after), found with plain unsigned comparisons.  Other probes (NULL, out
 * of range, another type: rare) compare each entry through cprobe_cmp,
 * out of line, so that the common path needs no stack frame. */
static __attribute__ ((noinline)) int
nnode_search_slow (const OxBTree *t, const uint64_t *words, int n, const Probe *p, bool after)
{
	int lo = 0, hi = n;
	if (p->n == 0)
		return after ? n : 0;
	const int bias = after ? 1 : 0;
	while (lo < hi) {
		int mid = (int) ((unsigned) (lo + hi) >> 1);
		if (cprobe_cmp (t, ckey_at (t, NULL, words, mid), crid_at (t, words, mid), p) < bias)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static inline int
nnode_search (const OxBTree *t, const uint64_t *words, int n, const Probe *p, bool after)
{
	int lo = 0, hi = n;
	const OxValue *pk = p->key;
	if (G_LIKELY (p->n > 0 && !pk->null && int_family ((OxTypeId) pk->type) &&
	              (uint64_t) pk->v.i + UINT64_C (0x80000000) <= UINT32_MAX &&
	              (!p->with_rowid || p->rowid <= NROWID_MAX))) {
		/* the bound: the probe's word; or without a rowid, the key's
		 * smallest word (after = false) or its largest (after) */
		uint32_t low = p->with_rowid ? (uint32_t) p->rowid : after ? (uint32_t) NROWID_MAX : 0;
		uint64_t bound = ((uint64_t) ((uint32_t) pk->v.i ^ t->nkx) << 32) | (low | t->nlx);
		if (after) {
			if (bound == UINT64_MAX)
				return n;
			bound++;
		}
		while (lo < hi) {
			int mid = (int) ((unsigned) (lo + hi) >> 1);
			bool right = words[mid] < bound;
			lo = right ? mid + 1 : lo;
			hi = right ? hi : mid;
		}
		return lo;
	}
	return nnode_search_slow (t, words, n, p, after);
}

/* node_search of a compact tree.  A non-NULL integer probe (every lookup,
 * unique check and insert but those of NULLs) compares the int64s, and
 * reads the rowid only on a tie (the NULL mark; then the rowid itself when
 * the probe has one); other probes go through cprobe_cmp. */
static int
cnode_search (const OxBTree *t, const int64_t *keys, const uint64_t *rowids, int n, const Probe *p, bool after)
{
	int lo = 0, hi = n;
	const int bias = after ? 1 : 0;
	const OxValue *pk = p->key;
	if (p->n == 0)
		return after ? n : 0;
	if (pk->null || !int_family ((OxTypeId) pk->type)) {
		while (lo < hi) {
			int mid = (int) ((unsigned) (lo + hi) >> 1);
			if (cprobe_cmp (t, keys[mid], rowids[mid], p) < bias)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo;
	}
	const int64_t key = pk->v.i;
	const bool desc = t->desc[0];
	if (!p->with_rowid) {
		/* an entry is left of the probe (go right) when it sorts before
		 * it, or (after) equal; NULL entries (CNULL_KEY) sort last
		 * ascending, first descending */
		while (lo < hi) {
			int mid = (int) ((unsigned) (lo + hi) >> 1);
			int64_t k = keys[mid];
			bool right;
			if (G_LIKELY (k != key))
				right = desc ? k > key : k < key;
			else if (G_UNLIKELY (rowids[mid] & CNULL))
				right = desc;  /* a NULL entry whose stored int64 ties the probe */
			else
				right = after;
			lo = right ? mid + 1 : lo;
			hi = right ? hi : mid;
		}
		return lo;
	}
	const uint64_t prid = p->rowid;
	while (lo < hi) {
		int mid = (int) ((unsigned) (lo + hi) >> 1);
		int64_t k = keys[mid];
		int c;
		if (G_LIKELY (k != key))
			c = desc ? (k < key) - (k > key) : (k > key) - (k < key);
		else if (G_UNLIKELY (rowids[mid] & CNULL))
			c = desc ? -1 : 1;
		else {
			uint64_t r = rowids[mid];
			c = (r > prid) - (r < prid);
		}
		bool right = c < bias;
		lo = right ? mid + 1 : lo;
		hi = right ? hi : mid;
	}
	return lo;
}

/* Index of the first of the n entries (keys, rowids) that compares >= p
 * (after = false) or > p (after = true); n when none does.
 *
 * This loop is where inserts, deletes and seeks spend most of their
 * instructions, so it is written around the indirect call: the fields it
 * needs are copied to locals (after an indirect call the compiler must
 * otherwise reload them from memory), and the first column, which decides
 * most comparisons, is compared inline with the rest out of line.  Under
 * callgrind (200k random INT8 keys inserted, sought, deleted, then 200k
 * appended) node_search went from 682M to 492M instructions against a
 * plain probe_cmp loop. */
static __attribute__ ((noinline)) int
wnode_search (const OxBTree *t, const void *keys_, const uint64_t *rowids, int n,
              const Probe *p, bool after)
{
	if (t->compact)
		return cnode_search (t, keys_, rowids, n, p, after);
	const OxValue *keys = keys_;
	const OxBTreeCmp cmp = t->cmp;
	const size_t stride = (size_t) t->nkeys;
	const OxValue *pkey = p->key;
	int lo = 0, hi = n;

	g_assert (p->n > 0 || !p->with_rowid);
	if (p->n == 0)   /* every entry compares equal on no columns */
		return after ? n : 0;

	/* 'after' folded into the test: go right when c < bias (bias 1: c <= 0). */
	const int bias = after ? 1 : 0;
	if (p->n == 1 && cmp == ox_value_cmp && !pkey->null && !t->desc[0] && int_like ((OxTypeId) pkey->type)) {
		/* a probe of one integer column (every point lookup, unique
		 * check and insert of an integer key): the entries of the
		 * probe's type compare by v.i (then rowid, when the probe has
		 * one), moving the bounds without a branch on the answer; NULLs
		 * sort high; another type goes through cmp */
		const int64_t key = pkey->v.i;
		const uint8_t ty = pkey->type;
		if (!p->with_rowid) {
			while (lo < hi) {
				int mid = (int) ((unsigned) (lo + hi) >> 1);
				const OxValue *k = keys + (size_t) mid * stride;
				bool right;
				if (G_LIKELY (k->type == ty && !k->null))
					right = after ? k->v.i <= key : k->v.i < key;
				else
					right = !k->null && cmp (k, pkey) < bias;
				lo = right ? mid + 1 : lo;
				hi = right ? hi : mid;
			}
			return lo;
		}
		const uint64_t prid = p->rowid;
		while (lo < hi) {
			int mid = (int) ((unsigned) (lo + hi) >> 1);
			const OxValue *k = keys + (size_t) mid * stride;
			int c;
			if (G_LIKELY (k->type == ty && !k->null))
				c = (k->v.i > key) - (k->v.i < key);
			else
				c = k->null ? 1 : cmp (k, pkey);
			if (c == 0)
				c = (rowids[mid] > prid) - (rowids[mid] < prid);
			bool right = c < bias;
			lo = right ? mid + 1 : lo;
			hi = right ? hi : mid;
		}
		return lo;
	}
	while (lo < hi) {
		int mid = (int) ((unsigned) (lo + hi) >> 1);
		const OxValue *k = keys + (size_t) mid * stride;
		int c;
		if (G_LIKELY (!(k->null | pkey->null))) {
			/* integer keys (and dates, timestamps) under the engine's
			 * ox_value_cmp: its answer, without the call */
			if (cmp == ox_value_cmp && k->type == pkey->type && int_like ((OxTypeId) k->type))
				c = (k->v.i > pkey->v.i) - (k->v.i < pkey->v.i);
			else
				c = cmp (k, pkey);
		} else
			c = (int) k->null - (int) pkey->null;
		if (c != 0) {
			if (t->desc[0])
				c = (c < 0) - (c > 0);
		} else {
			c = probe_cmp_tail (t, k, rowids[mid], p);
		}
		if (c < bias)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* node_search: narrow trees inline (a few instructions a node, no frame
 * for the general format's registers), the others out of line. */
static inline int
node_search (const OxBTree *t, const void *keys, const uint64_t *rowids, int n, const Probe *p, bool after)
{
	if (t->narrow)
		return nnode_search (t, rowids, n, p, after);
	return wnode_search (t, keys, rowids, n, p, after);
}

bool
ox_btree_after_last (const OxBTree *t, const OxValue *key, int n)
{
	g_return_val_if_fail (t != NULL && n >= 0 && n <= t->nkeys, false);
	const OxBTreeNode *node = t->root;
	while (node->level > 0)
		node = ((const OxBTreeInner *) node)->child[node->n - 1];
	const OxBTreeLeaf *l = (const OxBTreeLeaf *) node;
	if (l->hdr.n == 0)
		return true;
	if (t->compact) {
		Probe p = { key, n, false, 0 };
		int i = l->hdr.n - 1;
		return cprobe_cmp (t, ckey_at (t, l->keys, l->rowid, i), crid_at (t, l->rowid, i), &p) < 0;
	}
	return key_cmp (t, LEAF_KEY (t, l, l->hdr.n - 1), key, n) < 0;
}

int
ox_btree_key_cmp (const OxBTree *t, const OxValue *a, const OxValue *b, int n)
{
	g_return_val_if_fail (t != NULL && n >= 0 && n <= t->nkeys, 0);
	if (n == 1 && !(a->null | b->null) && a->type == b->type && int_like ((OxTypeId) a->type) &&
	    t->cmp == ox_value_cmp) {
		/* one integer column (an index scan's bound and re-check, a
		 * unique check): ox_value_cmp's answer without the loop */
		int c = (a->v.i > b->v.i) - (a->v.i < b->v.i);
		return t->desc[0] ? -c : c;
	}
	return key_cmp (t, a, b, n);
}

/* ---- nodes ------------------------------------------------------------- */

static OxBTreeLeaf *
leaf_new (OxBTree *t)
{
	OxBTreeLeaf *l = g_malloc (t->leaf_size);
	l->hdr.level = 0;
	l->hdr.n = 0;
	l->prev = l->next = NULL;
	t->mem += t->leaf_size;
	return l;
}

static OxBTreeInner *
inner_new (OxBTree *t, int level)
{
	OxBTreeInner *in = g_malloc (t->inner_size);
	in->hdr.level = (uint16_t) level;
	in->hdr.n = 0;
	t->mem += t->inner_size;
	return in;
}

static void
node_free_shallow (OxBTree *t, OxBTreeNode *node)
{
	t->mem -= node->level == 0 ? t->leaf_size : t->inner_size;
	g_free (node);
}

/* Free node, everything under it and every key copy it holds. */
static void
node_free_deep (OxBTree *t, OxBTreeNode *node)
{
	if (node->level == 0) {
		OxBTreeLeaf *l = (OxBTreeLeaf *) node;
		for (int i = 0; i < l->hdr.n; i++)
			key_release (t, LEAF_KEY (t, l, i));
	} else {
		OxBTreeInner *in = (OxBTreeInner *) node;
		for (int j = 0; j < in->hdr.n; j++)
			node_free_deep (t, in->child[j]);
		for (int j = 0; j + 1 < in->hdr.n; j++)
			key_release (t, INNER_KEY (t, in, j));
	}
	node_free_shallow (t, node);
}

/* The formats of a tree, widest last (a tree only ever widens). */
typedef enum { FMT_GENERAL, FMT_COMPACT, FMT_NARROW } TreeFormat;

/* Sizes of a tree's stored keys and nodes, and its scratch; sets itype to
 * INT8 (the callers that keep keys restore theirs). */
static void
tree_layout (OxBTree *t, TreeFormat fmt)
{
	t->compact = fmt != FMT_GENERAL;
	t->narrow = fmt == FMT_NARROW;
	t->nkx = t->desc[0] ? ~NFLAG : NFLAG;
	t->nlx = t->desc[0] ? NFLAG : 0;
	t->itype = OX_T_INT8;
	t->key_size = fmt == FMT_NARROW    ? 0
	              : fmt == FMT_COMPACT ? sizeof (int64_t)
	                                   : (size_t) t->nkeys * sizeof (OxValue);
	t->leaf_size = offsetof (OxBTreeLeaf, keys) + KEY_BYTES (t, LEAF_MAX);
	t->inner_size = offsetof (OxBTreeInner, keys) + KEY_BYTES (t, INNER_MAX - 1);
	/* at least a byte: a narrow tree's scratch is empty but must be a
	 * pointer memcpy may take */
	t->scratch_keys = g_malloc (MAX (KEY_BYTES (t, INNER_MAX + 1), 1));
	t->scratch_sep = t->scratch_keys + KEY_BYTES (t, INNER_MAX);
}

static void tree_rebuild (OxBTree *t, TreeFormat fmt);

OxBTree *
ox_btree_new (int nkeys, const bool *desc, OxBTreeCmp cmp)
{
	g_return_val_if_fail (nkeys >= 1 && nkeys <= NKEYS_MAX, NULL);
	g_return_val_if_fail (cmp != NULL, NULL);

	OxBTree *t = g_new0 (OxBTree, 1);
	t->nkeys = nkeys;
	t->cmp = cmp;
	t->desc = g_new0 (bool, nkeys);
	if (desc)
		memcpy (t->desc, desc, sizeof (bool) * (size_t) nkeys);
	/* one column compared by ox_value_cmp: narrow until a key or rowid
	 * does not fit, compact until a key that is not an integer arrives
	 * (see tree_rebuild) */
	tree_layout (t, nkeys == 1 && cmp == ox_value_cmp ? FMT_NARROW : FMT_GENERAL);
	t->mem = sizeof (OxBTree) + sizeof (bool) * (size_t) nkeys + KEY_BYTES (t, INNER_MAX + 1);
	t->root = &leaf_new (t)->hdr;
	t->height = 1;
	return t;
}

/* A compact tree met a key it cannot store: a narrow one a key beyond
 * int32 or a rowid from 2^31 on (rebuilt in the 64-bit compact format),
 * either a key that is not an integer (an index on an expression-typed or
 * altered column would; the engine's indexes on integer columns never do:
 * rebuilt in the general format).  The entries are re-inserted in order,
 * so the new leaves are full.  Cursors see a changed tree and re-seek from
 * their anchors, which are OxValues in every format. */
static void
tree_rebuild (OxBTree *t, TreeFormat fmt)
{
	size_t n = t->count;
	OxValue *keys = g_new (OxValue, MAX (n, 1));
	uint64_t *rowids = g_new (uint64_t, MAX (n, 1));
	size_t m = 0;
	OxBTreeNode *node = t->root;
	while (node->level > 0)
		node = ((OxBTreeInner *) node)->child[0];
	for (OxBTreeLeaf *l = (OxBTreeLeaf *) node; l; l = l->next)
		for (int i = 0; i < l->hdr.n; i++, m++) {
			keys[m] = cval (t, ckey_at (t, l->keys, l->rowid, i), crid_at (t, l->rowid, i));
			rowids[m] = entry_rowid (t, l->rowid[i]);
		}
	g_assert (m == n);
	uint64_t mod = t->mod;
	uint8_t itype = t->itype;
	node_free_deep (t, t->root);
	g_free (t->scratch_keys);
	tree_layout (t, fmt);
	t->itype = itype;
	t->mem = sizeof (OxBTree) + sizeof (bool) * (size_t) t->nkeys + KEY_BYTES (t, INNER_MAX + 1);
	t->root = &leaf_new (t)->hdr;
	t->height = 1;
	t->count = 0;
	for (size_t i = 0; i < n; i++)
		ox_btree_insert (t, &keys[i], rowids[i]);
	t->mod = mod + 1;
	g_free (keys);
	g_free (rowids);
}

void
ox_btree_free (OxBTree *t)
{
	if (t == NULL)
		return;
	node_free_deep (t, t->root);
	g_free (t->scratch_keys);
	g_free (t->desc);
	g_free (t);
}

size_t
ox_btree_count (const OxBTree *t)
{
	return t->count;
}

size_t
ox_btree_memory (const OxBTree *t)
{
	return t->mem;
}

int
ox_btree_height (const OxBTree *t)
{
	return t->height;
}

/* ---- insert ------------------------------------------------------------ */

/* Add separator (sep_key, sep_rowid) and, right of it, child 'right' to the
 * inner node at path[d], after its child path[d].idx; split upward as
 * needed.  The separator's key copy is handed over.  'append': the path
 * took the last child at every level (the insert went past the end of the
 * tree), so each node split here is the last of its level and the new
 * child goes to its end. */
static void
inner_insert (OxBTree *t, PathStep *path, int d, const void *sep_key, uint64_t sep_rowid,
              OxBTreeNode *right, bool append)
{

	for (;;) {
		OxBTreeInner *in = path[d].node;
		int j = path[d].idx;          /* separator goes to j, child to j + 1 */
		int n = in->hdr.n;

		if (n < INNER_MAX) {
			memmove (INNER_KEY (t, in, j + 1), INNER_KEY (t, in, j), KEY_BYTES (t, n - 1 - j));
			memmove (&in->rowid[j + 1], &in->rowid[j], sizeof (uint64_t) * (size_t) (n - 1 - j));
			memmove (&in->child[j + 2], &in->child[j + 1], sizeof (OxBTreeNode *) * (size_t) (n - 1 - j));
			memcpy (INNER_KEY (t, in, j), sep_key, KEY_BYTES (t, 1));
			in->rowid[j] = sep_rowid;
			in->child[j + 1] = right;
			in->hdr.n++;
			return;
		}

		/* Full: lay out the n + 1 children and n separators in scratch,
		 * then share them out.  Inner splits are rare (one per ~32
		 * splits a level below), so the extra copy does not show. */
		char *sk = t->scratch_keys;
		memcpy (sk, INNER_KEY (t, in, 0), KEY_BYTES (t, j));
		memcpy (KEY_AT (t, sk, j), sep_key, KEY_BYTES (t, 1));
		memcpy (KEY_AT (t, sk, j + 1), INNER_KEY (t, in, j), KEY_BYTES (t, n - 1 - j));
		memcpy (t->scratch_rowid, in->rowid, sizeof (uint64_t) * (size_t) j);
		t->scratch_rowid[j] = sep_rowid;
		memcpy (&t->scratch_rowid[j + 1], &in->rowid[j], sizeof (uint64_t) * (size_t) (n - 1 - j));
		memcpy (t->scratch_child, in->child, sizeof (OxBTreeNode *) * (size_t) (j + 1));
		t->scratch_child[j + 1] = right;
		memcpy (&t->scratch_child[j + 2], &in->child[j + 1], sizeof (OxBTreeNode *) * (size_t) (n - 1 - j));

		/* Children total = n + 1.  Left keeps nl; separator nl - 1 goes
		 * up; the right node gets the rest.  Appending at the end of the
		 * last node of a level leaves the left one nearly full (the right
		 * gets 2 children, the least a non-root inner node may have). */
		int total = n + 1;
		int nl = append ? total - 2 : (total + 1) / 2;
		int nr = total - nl;
		OxBTreeInner *rn = inner_new (t, in->hdr.level);

		memcpy (INNER_KEY (t, in, 0), sk, KEY_BYTES (t, nl - 1));
		memcpy (in->rowid, t->scratch_rowid, sizeof (uint64_t) * (size_t) (nl - 1));
		memcpy (in->child, t->scratch_child, sizeof (OxBTreeNode *) * (size_t) nl);
		in->hdr.n = (uint16_t) nl;

		memcpy (INNER_KEY (t, rn, 0), KEY_AT (t, sk, nl), KEY_BYTES (t, nr - 1));
		memcpy (rn->rowid, &t->scratch_rowid[nl], sizeof (uint64_t) * (size_t) (nr - 1));
		memcpy (rn->child, &t->scratch_child[nl], sizeof (OxBTreeNode *) * (size_t) nr);
		rn->hdr.n = (uint16_t) nr;

		/* The separator pushed up goes to scratch_sep: sep_key (which
		 * may be scratch_sep) has been consumed above, and a split of
		 * the parent lays out only INNER_MAX separators, which end
		 * where scratch_sep begins. */
		char *up = t->scratch_sep;
		memcpy (up, KEY_AT (t, sk, nl - 1), KEY_BYTES (t, 1));
		uint64_t up_rowid = t->scratch_rowid[nl - 1];

		if (d == 0) {
			OxBTreeInner *root = inner_new (t, in->hdr.level + 1);
			root->child[0] = &in->hdr;
			root->child[1] = &rn->hdr;
			memcpy (INNER_KEY (t, root, 0), up, KEY_BYTES (t, 1));
			root->rowid[0] = up_rowid;
			root->hdr.n = 2;
			t->root = &root->hdr;
			t->height++;
			return;
		}
		/* Continue one level up with the pushed separator. */
		sep_key = up;
		sep_rowid = up_rowid;
		right = &rn->hdr;
		d--;
	}
}

bool
ox_btree_insert (OxBTree *t, const OxValue *key, uint64_t rowid)
{
	g_return_val_if_fail (t != NULL && key != NULL, false);

	if (t->compact) {
		if (key->null)
			;
		else if (G_UNLIKELY (!int_family ((OxTypeId) key->type)))
			tree_rebuild (t, FMT_GENERAL);
		else if (G_UNLIKELY (!t->itype_fixed)) {
			t->itype = key->type;
			t->itype_fixed = true;
		}
		if (t->narrow && G_UNLIKELY (!nfits (key, rowid)))
			tree_rebuild (t, FMT_COMPACT);
	}
	Probe p = { key, t->nkeys, true, rowid };
	PathStep path[MAX_DEPTH];
	int depth = 0;
	bool append = true;         /* every step so far took the last child */
	OxBTreeNode *node = t->root;

	/* Entries arriving in key order (a serial key, a load in index
	 * order) go after the last one: follow the last children down, and
	 * when the entry sorts after the last leaf's last entry, that is the
	 * place, without searching any node.  (The path is the one the
	 * search would take: every separator on it is <= that entry.) */
	while (node->level > 0) {
		OxBTreeInner *in = (OxBTreeInner *) node;
		g_assert (depth < MAX_DEPTH);
		path[depth].node = in;
		path[depth].idx = in->hdr.n - 1;
		depth++;
		node = in->child[in->hdr.n - 1];
	}
	OxBTreeLeaf *l = (OxBTreeLeaf *) node;
	int n = l->hdr.n;
	int pos = n;
	/* narrow: the entry's word, compared with the words as they are */
	const uint64_t nw = t->narrow ? nword (t, key->null, key->v.i, rowid) : 0;
	if (n == 0 || (t->narrow ? l->rowid[n - 1] >= nw : eprobe_cmp (t, l->keys, l->rowid, n - 1, &p) >= 0)) {
		/* not past the end: search from the root */
		depth = 0;
		node = t->root;
		while (node->level > 0) {
			OxBTreeInner *in = (OxBTreeInner *) node;
			int j = node_search (t, in->keys, in->rowid, in->hdr.n - 1, &p, true);
			path[depth].node = in;
			path[depth].idx = j;
			depth++;
			append = append && j == in->hdr.n - 1;
			node = in->child[j];
		}
		l = (OxBTreeLeaf *) node;
		n = l->hdr.n;
		pos = node_search (t, l->keys, l->rowid, n, &p, false);
		if (pos < n && (t->narrow ? l->rowid[pos] == nw : eprobe_cmp (t, l->keys, l->rowid, pos, &p) == 0))
			return false;
	}

	t->count++;
	t->mod++;

	if (n < LEAF_MAX) {
		memmove (LEAF_KEY (t, l, pos + 1), LEAF_KEY (t, l, pos), KEY_BYTES (t, n - pos));
		memmove (&l->rowid[pos + 1], &l->rowid[pos], sizeof (uint64_t) * (size_t) (n - pos));
		entry_put (t, l->keys, l->rowid, pos, key, rowid);
		l->hdr.n++;
		return true;
	}

	/* Full.  Unless the entry goes past the end of the tree, first try to
	 * make room by moving entries into the sibling under the same parent
	 * with more room, when it has some: random keys then fill leaves to
	 * about 80% instead of the 66% that splitting alone leaves (an index
	 * on a column of random values, the common case for foreign keys). */
	if (depth > 0 && !(pos == n && l->next == NULL)) {
		OxBTreeInner *parent = path[depth - 1].node;
		int j = path[depth - 1].idx;
		OxBTreeLeaf *rs = j + 1 < parent->hdr.n ? (OxBTreeLeaf *) parent->child[j + 1] : NULL;
		OxBTreeLeaf *ls = j > 0 ? (OxBTreeLeaf *) parent->child[j - 1] : NULL;
		int rsn = rs ? rs->hdr.n : LEAF_MAX, lsn = ls ? ls->hdr.n : LEAF_MAX;
		if (MIN (rsn, lsn) <= LEAF_MAX - 2) {
			OxBTreeLeaf *dst;
			int dpos;
			if (rsn <= lsn) {
				/* l's last k entries go to the front of rs */
				int k = (LEAF_MAX - rsn + 1) / 2;   /* rs ends below LEAF_MAX */
				int keep = n - k;
				memmove (LEAF_KEY (t, rs, k), LEAF_KEY (t, rs, 0), KEY_BYTES (t, rsn));
				memmove (&rs->rowid[k], rs->rowid, sizeof (uint64_t) * (size_t) rsn);
				memcpy (LEAF_KEY (t, rs, 0), LEAF_KEY (t, l, keep), KEY_BYTES (t, k));
				memcpy (rs->rowid, &l->rowid[keep], sizeof (uint64_t) * (size_t) k);
				rs->hdr.n = (uint16_t) (rsn + k);
				l->hdr.n = (uint16_t) keep;
				/* the separator comes down to rs's new first entry */
				key_release (t, INNER_KEY (t, parent, j));
				key_dup (t, INNER_KEY (t, parent, j), LEAF_KEY (t, rs, 0));
				parent->rowid[j] = rs->rowid[0];
				dst = pos <= keep ? l : rs;
				dpos = pos <= keep ? pos : pos - keep;
			} else {
				/* l's first k entries go to the end of ls */
				int k = (LEAF_MAX - lsn + 1) / 2;
				memcpy (LEAF_KEY (t, ls, lsn), LEAF_KEY (t, l, 0), KEY_BYTES (t, k));
				memcpy (&ls->rowid[lsn], l->rowid, sizeof (uint64_t) * (size_t) k);
				memmove (LEAF_KEY (t, l, 0), LEAF_KEY (t, l, k), KEY_BYTES (t, n - k));
				memmove (l->rowid, &l->rowid[k], sizeof (uint64_t) * (size_t) (n - k));
				ls->hdr.n = (uint16_t) (lsn + k);
				l->hdr.n = (uint16_t) (n - k);
				/* the separator goes up to l's new first entry */
				key_release (t, INNER_KEY (t, parent, j - 1));
				key_dup (t, INNER_KEY (t, parent, j - 1), LEAF_KEY (t, l, 0));
				parent->rowid[j - 1] = l->rowid[0];
				dst = pos <= k ? ls : l;
				dpos = pos <= k ? lsn + pos : pos - k;
			}
			int dn = dst->hdr.n;
			memmove (LEAF_KEY (t, dst, dpos + 1), LEAF_KEY (t, dst, dpos), KEY_BYTES (t, dn - dpos));
			memmove (&dst->rowid[dpos + 1], &dst->rowid[dpos], sizeof (uint64_t) * (size_t) (dn - dpos));
			entry_put (t, dst->keys, dst->rowid, dpos, key, rowid);
			dst->hdr.n++;
			return true;
		}
	}

	/* Split.  An append past the last entry of the last leaf starts a new
	 * leaf with just the new entry, leaving the old one full. */
	OxBTreeLeaf *r = leaf_new (t);
	int s = (pos == n && l->next == NULL) ? n : (n + 1) / 2;
	memcpy (LEAF_KEY (t, r, 0), LEAF_KEY (t, l, s), KEY_BYTES (t, n - s));
	memcpy (r->rowid, &l->rowid[s], sizeof (uint64_t) * (size_t) (n - s));
	r->hdr.n = (uint16_t) (n - s);
	l->hdr.n = (uint16_t) s;
	r->next = l->next;
	r->prev = l;
	if (l->next)
		l->next->prev = r;
	l->next = r;

	OxBTreeLeaf *dst = pos < s ? l : r;
	int dpos = pos < s ? pos : pos - s;
	int dn = dst->hdr.n;
	memmove (LEAF_KEY (t, dst, dpos + 1), LEAF_KEY (t, dst, dpos), KEY_BYTES (t, dn - dpos));
	memmove (&dst->rowid[dpos + 1], &dst->rowid[dpos], sizeof (uint64_t) * (size_t) (dn - dpos));
	entry_put (t, dst->keys, dst->rowid, dpos, key, rowid);
	dst->hdr.n++;

	/* Separator: a deep copy of r's first entry, handed to the parent. */
	char *sep = t->scratch_sep;
	key_dup (t, sep, LEAF_KEY (t, r, 0));
	uint64_t sep_rowid = r->rowid[0];

	if (depth == 0) {
		OxBTreeInner *root = inner_new (t, 1);
		root->child[0] = &l->hdr;
		root->child[1] = &r->hdr;
		memcpy (INNER_KEY (t, root, 0), sep, KEY_BYTES (t, 1));
		root->rowid[0] = sep_rowid;
		root->hdr.n = 2;
		t->root = &root->hdr;
		t->height = 2;
	} else {
		inner_insert (t, path, depth - 1, sep, sep_rowid, &r->hdr, append && pos == n);
	}
	return true;
}

/* ---- delete ------------------------------------------------------------ */

/* Remove separator s and child s + 1 from in (the separator's key copy is
 * not freed: the caller frees or moves it). */
static void
inner_remove (OxBTree *t, OxBTreeInner *in, int s)
{
	int n = in->hdr.n;
	memmove (INNER_KEY (t, in, s), INNER_KEY (t, in, s + 1), KEY_BYTES (t, n - 2 - s));
	memmove (&in->rowid[s], &in->rowid[s + 1], sizeof (uint64_t) * (size_t) (n - 2 - s));
	memmove (&in->child[s + 1], &in->child[s + 2], sizeof (OxBTreeNode *) * (size_t) (n - 2 - s));
	in->hdr.n--;
}

/* Child idx of parent (a leaf) is under LEAF_MIN: merge it with an adjacent
 * sibling when both fit in one leaf, else even them out. */
static void
leaf_rebalance (OxBTree *t, OxBTreeInner *parent, int idx)
{
	g_assert (parent->hdr.n >= 2);
	int s = idx > 0 ? idx - 1 : 0;    /* separator between the pair */
	OxBTreeLeaf *l = (OxBTreeLeaf *) parent->child[s];
	OxBTreeLeaf *r = (OxBTreeLeaf *) parent->child[s + 1];
	int ln = l->hdr.n, rn = r->hdr.n;

	if (ln + rn <= LEAF_MAX) {
		memcpy (LEAF_KEY (t, l, ln), LEAF_KEY (t, r, 0), KEY_BYTES (t, rn));
		memcpy (&l->rowid[ln], r->rowid, sizeof (uint64_t) * (size_t) rn);
		l->hdr.n = (uint16_t) (ln + rn);
		l->next = r->next;
		if (r->next)
			r->next->prev = l;
		node_free_shallow (t, &r->hdr);
		key_release (t, INNER_KEY (t, parent, s));
		inner_remove (t, parent, s);
		return;
	}

	int want = (ln + rn) / 2;         /* entries l ends with */
	if (ln < want) {
		int k = want - ln;
		memcpy (LEAF_KEY (t, l, ln), LEAF_KEY (t, r, 0), KEY_BYTES (t, k));
		memcpy (&l->rowid[ln], r->rowid, sizeof (uint64_t) * (size_t) k);
		memmove (LEAF_KEY (t, r, 0), LEAF_KEY (t, r, k), KEY_BYTES (t, rn - k));
		memmove (r->rowid, &r->rowid[k], sizeof (uint64_t) * (size_t) (rn - k));
		l->hdr.n = (uint16_t) (ln + k);
		r->hdr.n = (uint16_t) (rn - k);
	} else {
		int k = ln - want;
		memmove (LEAF_KEY (t, r, k), LEAF_KEY (t, r, 0), KEY_BYTES (t, rn));
		memmove (&r->rowid[k], r->rowid, sizeof (uint64_t) * (size_t) rn);
		memcpy (LEAF_KEY (t, r, 0), LEAF_KEY (t, l, want), KEY_BYTES (t, k));
		memcpy (r->rowid, &l->rowid[want], sizeof (uint64_t) * (size_t) k);
		l->hdr.n = (uint16_t) want;
		r->hdr.n = (uint16_t) (rn + k);
	}
	key_release (t, INNER_KEY (t, parent, s));
	key_dup (t, INNER_KEY (t, parent, s), LEAF_KEY (t, r, 0));
	parent->rowid[s] = r->rowid[0];
}

/* Child idx of parent (an inner node) is under INNER_MIN: merge it with an
 * adjacent sibling or rotate children through the parent's separator. */
static void
inner_rebalance (OxBTree *t, OxBTreeInner *parent, int idx)
{
	g_assert (parent->hdr.n >= 2);
	int s = idx > 0 ? idx - 1 : 0;
	OxBTreeInner *l = (OxBTreeInner *) parent->child[s];
	OxBTreeInner *r = (OxBTreeInner *) parent->child[s + 1];
	int ln = l->hdr.n, rn = r->hdr.n;

	if (ln + rn <= INNER_MAX) {
		/* l's separators, the parent's separator s, r's separators. */
		memcpy (INNER_KEY (t, l, ln - 1), INNER_KEY (t, parent, s), KEY_BYTES (t, 1));
		l->rowid[ln - 1] = parent->rowid[s];
		memcpy (INNER_KEY (t, l, ln), INNER_KEY (t, r, 0), KEY_BYTES (t, rn - 1));
		memcpy (&l->rowid[ln], r->rowid, sizeof (uint64_t) * (size_t) (rn - 1));
		memcpy (&l->child[ln], r->child, sizeof (OxBTreeNode *) * (size_t) rn);
		l->hdr.n = (uint16_t) (ln + rn);
		node_free_shallow (t, &r->hdr);
		inner_remove (t, parent, s);
		return;
	}

	int want = (ln + rn) / 2;         /* children l ends with */
	g_assert (want != ln);            /* one side < INNER_MIN, sum > INNER_MAX */
	if (ln < want) {
		/* Rotate k children r -> l: parent separator comes down to the
		 * end of l, r's separator k - 1 goes up. */
		int k = want - ln;
		memcpy (INNER_KEY (t, l, ln - 1), INNER_KEY (t, parent, s), KEY_BYTES (t, 1));
		l->rowid[ln - 1] = parent->rowid[s];
		memcpy (INNER_KEY (t, l, ln), INNER_KEY (t, r, 0), KEY_BYTES (t, k - 1));
		memcpy (&l->rowid[ln], r->rowid, sizeof (uint64_t) * (size_t) (k - 1));
		memcpy (&l->child[ln], r->child, sizeof (OxBTreeNode *) * (size_t) k);
		memcpy (INNER_KEY (t, parent, s), INNER_KEY (t, r, k - 1), KEY_BYTES (t, 1));
		parent->rowid[s] = r->rowid[k - 1];
		memmove (INNER_KEY (t, r, 0), INNER_KEY (t, r, k), KEY_BYTES (t, rn - 1 - k));
		memmove (r->rowid, &r->rowid[k], sizeof (uint64_t) * (size_t) (rn - 1 - k));
		memmove (r->child, &r->child[k], sizeof (OxBTreeNode *) * (size_t) (rn - k));
		l->hdr.n = (uint16_t) (ln + k);
		r->hdr.n = (uint16_t) (rn - k);
	} else {
		/* Rotate k children l -> r: l's last k - 1 separators and the
		 * parent's go to the front of r; l's separator want - 1 goes up. */
		int k = ln - want;
		memmove (INNER_KEY (t, r, k), INNER_KEY (t, r, 0), KEY_BYTES (t, rn - 1));
		memmove (&r->rowid[k], r->rowid, sizeof (uint64_t) * (size_t) (rn - 1));
		memmove (&r->child[k], r->child, sizeof (OxBTreeNode *) * (size_t) rn);
		memcpy (INNER_KEY (t, r, k - 1), INNER_KEY (t, parent, s), KEY_BYTES (t, 1));
		r->rowid[k - 1] = parent->rowid[s];
		memcpy (INNER_KEY (t, r, 0), INNER_KEY (t, l, want), KEY_BYTES (t, k - 1));
		memcpy (r->rowid, &l->rowid[want], sizeof (uint64_t) * (size_t) (k - 1));
		memcpy (r->child, &l->child[want], sizeof (OxBTreeNode *) * (size_t) k);
		memcpy (INNER_KEY (t, parent, s), INNER_KEY (t, l, want - 1), KEY_BYTES (t, 1));
		parent->rowid[s] = l->rowid[want - 1];
		l->hdr.n = (uint16_t) want;
		r->hdr.n = (uint16_t) (rn + k);
	}
}

bool
ox_btree_delete (OxBTree *t, const OxValue *key, uint64_t rowid)
{
	g_return_val_if_fail (t != NULL && key != NULL, false);

	if (t->compact && !key->null && !int_family ((OxTypeId) key->type))
		return false;  /* only integers are stored here */
	if (t->narrow && !nfits (key, rowid))
		return false;  /* nor keys or rowids wider than a narrow entry */
	Probe p = { key, t->nkeys, true, rowid };
	PathStep path[MAX_DEPTH];
	int depth = 0;
	OxBTreeNode *node = t->root;

	while (node->level > 0) {
		OxBTreeInner *in = (OxBTreeInner *) node;
		int j = node_search (t, in->keys, in->rowid, in->hdr.n - 1, &p, true);
		g_assert (depth < MAX_DEPTH);
		path[depth].node = in;
		path[depth].idx = j;
		depth++;
		node = in->child[j];
	}

	OxBTreeLeaf *l = (OxBTreeLeaf *) node;
	int n = l->hdr.n;
	int pos = node_search (t, l->keys, l->rowid, n, &p, false);
	if (pos == n || eprobe_cmp (t, l->keys, l->rowid, pos, &p) != 0)
		return false;

	key_release (t, LEAF_KEY (t, l, pos));
	memmove (LEAF_KEY (t, l, pos), LEAF_KEY (t, l, pos + 1), KEY_BYTES (t, n - 1 - pos));
	memmove (&l->rowid[pos], &l->rowid[pos + 1], sizeof (uint64_t) * (size_t) (n - 1 - pos));
	l->hdr.n--;
	t->count--;
	t->mod++;

	if (depth == 0 || l->hdr.n >= LEAF_MIN)
		return true;

	int d = depth - 1;
	leaf_rebalance (t, path[d].node, path[d].idx);
	while (d > 0 && path[d].node->hdr.n < INNER_MIN) {
		inner_rebalance (t, path[d - 1].node, path[d - 1].idx);
		d--;
	}
	while (t->root->level > 0 && t->root->n == 1) {
		OxBTreeNode *old = t->root;
		t->root = ((OxBTreeInner *) old)->child[0];
		node_free_shallow (t, old);
		t->height--;
	}
	return true;
}

/* ---- cursors ----------------------------------------------------------- */

/* Position c at the gap given by p and after, descending from the root. */
static void
cursor_locate (OxBTreeCursor *c, const Probe *p, bool after)
{
	OxBTree *t = c->tree;
	OxBTreeNode *node = t->root;

	while (node->level > 0) {
		OxBTreeInner *in = (OxBTreeInner *) node;
		int j = node_search (t, in->keys, in->rowid, in->hdr.n - 1, p, after);
		node = in->child[j];
	}
	OxBTreeLeaf *l = (OxBTreeLeaf *) node;
	c->leaf = l;
	c->idx = node_search (t, l->keys, l->rowid, l->hdr.n, p, after);
	c->mod = t->mod;
}

/* Make saved hold n values plus extra bytes. */
static void
cursor_reserve (OxBTreeCursor *c, int n, size_t extra)
{
	size_t need = (size_t) n * sizeof (OxValue) + extra;
	if (need > c->saved_cap) {
		size_t cap = MAX (need, MAX (c->saved_cap * 2, 4 * sizeof (OxValue)));
		g_free (c->saved);
		c->saved = g_malloc (cap);
		c->saved_cap = cap;
	}
}

/* Remember key[0 .. n) (and rowid) as the anchor for re-seeking. */
static void
cursor_anchor (OxBTreeCursor *c, const OxValue *key, int n, bool with_rowid, uint64_t rowid,
               bool after)
{
	size_t extra = key_extra (key, n);
	if (n > 0) {
		cursor_reserve (c, n, extra);
		if (extra == 0)
			memcpy (c->saved, key, sizeof (OxValue) * (size_t) n);
		else
			key_copy_into (c->saved, key, n, (char *) (c->saved + n));
	}
	c->nsaved = n;
	c->has_rowid = with_rowid;
	c->saved_rowid = rowid;
	c->after = after;
	c->unanchored = false;
}

/* Entry i of leaf l as OxValues: in the leaf, or (compact trees) made in
 * the cursor's own value. */
static inline const OxValue *
cursor_key (OxBTreeCursor *c, const OxBTreeLeaf *l, int i)
{
	const OxBTree *t = c->tree;
	if (!t->compact)
		return LEAF_KEY (t, l, i);
	c->cur = cval (t, ckey_at (t, l->keys, l->rowid, i), crid_at (t, l->rowid, i));
	return &c->cur;
}

/* The tree changed since c was positioned: find its gap again. */
static void
cursor_reseek (OxBTreeCursor *c)
{
	Probe p = { c->saved, c->nsaved, c->has_rowid, c->saved_rowid };
	cursor_locate (c, &p, c->after);
}

void
ox_btree_cursor_init (OxBTreeCursor *c, OxBTree *t)
{
	g_return_if_fail (c != NULL && t != NULL);
	memset (c, 0, sizeof *c);
	c->tree = t;
	ox_btree_seek_first (c);
}

void
ox_btree_cursor_init_unpositioned (OxBTreeCursor *c, OxBTree *t)
{
	g_return_if_fail (c != NULL && t != NULL);
	memset (c, 0, sizeof *c);
	c->tree = t;
}

void
ox_btree_cursor_free (OxBTreeCursor *c)
{
	if (c == NULL)
		return;
	g_free (c->saved);
	c->saved = NULL;
	c->saved_cap = 0;
	c->nsaved = 0;
	c->leaf = NULL;
}

void
ox_btree_seek_first (OxBTreeCursor *c)
{
	OxBTreeNode *node = c->tree->root;
	while (node->level > 0)
		node = ((OxBTreeInner *) node)->child[0];
	c->leaf = (OxBTreeLeaf *) node;
	c->idx = 0;
	c->mod = c->tree->mod;
	cursor_anchor (c, NULL, 0, false, 0, false);
}

void
ox_btree_seek_last (OxBTreeCursor *c)
{
	OxBTreeNode *node = c->tree->root;
	while (node->level > 0)
		node = ((OxBTreeInner *) node)->child[node->n - 1];
	c->leaf = (OxBTreeLeaf *) node;
	c->idx = c->leaf->hdr.n;
	c->mod = c->tree->mod;
	cursor_anchor (c, NULL, 0, false, 0, true);
}

void
ox_btree_seek (OxBTreeCursor *c, const OxValue *prefix, int nprefix, bool after)
{
	g_return_if_fail (nprefix >= 0 && nprefix <= c->tree->nkeys);
	g_return_if_fail (prefix != NULL || nprefix == 0);

	cursor_anchor (c, prefix, nprefix, false, 0, after);
	Probe p = { c->saved, nprefix, false, 0 };
	cursor_locate (c, &p, after);
}

void
ox_btree_seek_unanchored (OxBTreeCursor *c, const OxValue *prefix, int nprefix, bool after)
{
	g_return_if_fail (nprefix >= 0 && nprefix <= c->tree->nkeys);
	g_return_if_fail (prefix != NULL || nprefix == 0);

	Probe p = { prefix, nprefix, false, 0 };
	cursor_locate (c, &p, after);
	c->unanchored = false;
}

bool
ox_btree_next (OxBTreeCursor *c, const OxValue **key, uint64_t *rowid)
{
	OxBTree *t = c->tree;
	if (c->mod != t->mod)
		cursor_reseek (c);

	OxBTreeLeaf *l = c->leaf;
	int i = c->idx;
	while (i >= l->hdr.n) {
		if (l->next == NULL) {
			c->leaf = l;
			c->idx = l->hdr.n;
			return false;
		}
		l = l->next;
		i = 0;
	}
	const OxValue *k = cursor_key (c, l, i);
	uint64_t r = entry_rowid (t, l->rowid[i]);
	cursor_anchor (c, k, t->nkeys, true, r, true);
	c->leaf = l;
	c->idx = i + 1;
	if (key)
		*key = k;
	if (rowid)
		*rowid = r;
	return true;
}

bool
ox_btree_next_unanchored (OxBTreeCursor *c, const OxValue **key, uint64_t *rowid)
{
	OxBTree *t = c->tree;
	if (c->mod != t->mod)
		cursor_reseek (c);  /* the anchor is current: the caller anchors before changes */

	OxBTreeLeaf *l = c->leaf;
	int i = c->idx;
	while (i >= l->hdr.n) {
		if (l->next == NULL) {
			c->leaf = l;
			c->idx = l->hdr.n;
			return false;
		}
		l = l->next;
		i = 0;
	}
	c->unanchored = true;
	c->last_leaf = l;
	c->last_idx = i;
	c->leaf = l;
	c->idx = i + 1;
	uint64_t r = l->rowid[i];
	if (t->narrow) {
		/* the other fields of cur stay zero from the cursor's init */
		c->cur.type = t->itype;
		c->cur.null = nnull (t, r);
		c->cur.v.i = nkey (t, r);   /* a NULL's v.i is not read */
		r &= NROWID_MAX;
		if (key)
			*key = &c->cur;
	} else if (t->compact) {
		c->cur.type = t->itype;
		c->cur.null = (uint8_t) (r >> 63);
		c->cur.v.i = CKEY (l->keys, i);
		r &= ~CNULL;
		if (key)
			*key = &c->cur;
	} else if (key)
		*key = LEAF_KEY (t, l, i);
	if (rowid)
		*rowid = r;
	return true;
}

void
ox_btree_cursor_anchor (OxBTreeCursor *c)
{
	if (!c->unanchored)
		return;
	OxBTreeLeaf *l = c->last_leaf;
	int i = c->last_idx;
	cursor_anchor (c, cursor_key (c, l, i), c->tree->nkeys, true, entry_rowid (c->tree, l->rowid[i]), true);
}

bool
ox_btree_prev (OxBTreeCursor *c, const OxValue **key, uint64_t *rowid)
{
	OxBTree *t = c->tree;
	if (c->mod != t->mod)
		cursor_reseek (c);

	OxBTreeLeaf *l = c->leaf;
	int i = c->idx;
	while (i == 0) {
		if (l->prev == NULL) {
			c->leaf = l;
			c->idx = 0;
			return false;
		}
		l = l->prev;
		i = l->hdr.n;
	}
	i--;
	const OxValue *k = cursor_key (c, l, i);
	uint64_t r = entry_rowid (t, l->rowid[i]);
	cursor_anchor (c, k, t->nkeys, true, r, false);
	c->leaf = l;
	c->idx = i;
	if (key)
		*key = k;
	if (rowid)
		*rowid = r;
	return true;
}

/* ---- verification ------------------------------------------------------ */

typedef struct CheckState {
	const OxBTree     *t;
	const OxBTreeLeaf *last_leaf;   /* previous leaf in a left-to-right walk */
	const void        *last_key;    /* previous entry, NULL before the first */
	uint64_t           last_rowid;
	size_t             count;       /* entries seen */
	size_t             mem;         /* bytes accounted for */
} CheckState;

/* Order of two stored entries (key pointers into nodes, raw rowids). */
static int
entry_cmp (const OxBTree *t, const void *a, uint64_t ar, const void *b, uint64_t br)
{
	if (t->narrow) {
		/* decoded, so that the check compares values, not words */
		int64_t ak = ckey_at (t, NULL, &ar, 0), bk = ckey_at (t, NULL, &br, 0);
		uint64_t arid = crid_at (t, &ar, 0), brid = crid_at (t, &br, 0);
		OxValue bv = cval (t, bk, brid);
		Probe p = { &bv, 1, true, brid & ~CNULL };
		return cprobe_cmp (t, ak, arid, &p);
	}
	if (t->compact) {
		OxValue bv = cval (t, *(const int64_t *) b, br);
		Probe p = { &bv, 1, true, br & ~CNULL };
		return cprobe_cmp (t, *(const int64_t *) a, ar, &p);
	}
	Probe p = { b, t->nkeys, true, br };
	return probe_cmp (t, a, ar, &p);
}

/* lo/hi: bounds from ancestors' separators (NULL = unbounded). */
static const char *
check_node (CheckState *st, const OxBTreeNode *node, int level, bool is_root,
            const void *lo, uint64_t lo_rowid, const void *hi, uint64_t hi_rowid)
{
	const OxBTree *t = st->t;
	if (node->level != level)
		return "node at the wrong level";

	if (level == 0) {
		const OxBTreeLeaf *l = (const OxBTreeLeaf *) node;
		st->mem += t->leaf_size;
		if (l->hdr.n > LEAF_MAX)
			return "leaf overfull";
		if (!is_root && l->hdr.n == 0)
			return "empty non-root leaf";
		if (l->prev != st->last_leaf)
			return "leaf prev link broken";
		if (st->last_leaf && st->last_leaf->next != l)
			return "leaf next link broken";
		for (int i = 0; i < l->hdr.n; i++) {
			const void *k = LEAF_KEY (t, l, i);
			if (t->narrow && nnull (t, l->rowid[i]) &&
			    l->rowid[i] >> 32 != nword (t, true, 0, 0) >> 32)
				return "NULL entry without its stored key";
			if (t->compact && !t->narrow && (l->rowid[i] & CNULL) && CKEY (l->keys, i) != CNULL_KEY)
				return "NULL entry without its stored key";
			if (st->last_key && entry_cmp (t, st->last_key, st->last_rowid, k, l->rowid[i]) >= 0)
				return "entries out of order";
			if (lo && entry_cmp (t, k, l->rowid[i], lo, lo_rowid) < 0)
				return "entry below its separator";
			if (hi && entry_cmp (t, k, l->rowid[i], hi, hi_rowid) >= 0)
				return "entry not below the next separator";
			if (!t->compact)
				st->mem += key_extra (k, t->nkeys);
			st->last_key = k;
			st->last_rowid = l->rowid[i];
			st->count++;
		}
		st->last_leaf = l;
		return NULL;
	}

	const OxBTreeInner *in = (const OxBTreeInner *) node;
	st->mem += t->inner_size;
	if (in->hdr.n > INNER_MAX)
		return "inner node overfull";
	if (in->hdr.n < 2)
		return "inner node with fewer than 2 children";
	for (int j = 0; j + 1 < in->hdr.n; j++) {
		const void *k = INNER_KEY (t, in, j);
		if (!t->compact)
			st->mem += key_extra (k, t->nkeys);
		if (j > 0 && entry_cmp (t, INNER_KEY (t, in, j - 1), in->rowid[j - 1], k, in->rowid[j]) >= 0)
			return "separators out of order";
	}
	for (int j = 0; j < in->hdr.n; j++) {
		const void *clo = j > 0 ? INNER_KEY (t, in, j - 1) : lo;
		uint64_t clo_r = j > 0 ? in->rowid[j - 1] : lo_rowid;
		const void *chi = j + 1 < in->hdr.n ? INNER_KEY (t, in, j) : hi;
		uint64_t chi_r = j + 1 < in->hdr.n ? in->rowid[j] : hi_rowid;
		const char *why = check_node (st, in->child[j], level - 1, false, clo, clo_r, chi, chi_r);
		if (why)
			return why;
	}
	return NULL;
}

const char *
ox_btree_check (const OxBTree *t)
{
	CheckState st = { .t = t };
	st.mem = sizeof (OxBTree) + sizeof (bool) * (size_t) t->nkeys + KEY_BYTES (t, INNER_MAX + 1);
	const char *why = check_node (&st, t->root, t->height - 1, true, NULL, 0, NULL, 0);
	if (why)
		return why;
	if (st.last_leaf && st.last_leaf->next != NULL)
		return "last leaf has a next link";
	if (st.count != t->count)
		return "count does not match the entries";
	if (st.mem != t->mem)
		return "memory accounting does not match";
	return NULL;
}

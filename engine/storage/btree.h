/*
 * btree.h — in-memory B+tree of (composite key, rowid) entries, for indexes.
 *
 * An entry is a key of nkeys OxValues plus a 64-bit rowid.  Entries are kept
 * in ascending order of key (column by column, with per-column DESC and
 * PostgreSQL's NULL placement), then of rowid; so equal keys are allowed
 * and the (key, rowid) pair is what is unique.  The comparison of two
 * non-NULL values is pluggable (production passes ox_value_cmp from
 * cast.h); the tree itself places NULLs: after every non-NULL value in an
 * ascending column, before them in a DESC column, as PostgreSQL does by
 * default (NULLS LAST for ASC, NULLS FIRST for DESC).
 *
 * Node layout (all nodes are g_malloc'd; K = nkeys, each OxValue 16 bytes):
 *
 *   leaf (level 0), LEAF_MAX = 64 entry slots, n of them in use:
 *
 *      +-------+---+------+------+------------------+--------------------------+
 *      | level | n | prev | next | rowid[LEAF_MAX]  | keys[LEAF_MAX * K]       |
 *      |  =0   |   |  <-  |  ->  | u64 per entry    | entry i = keys[i*K..+K)  |
 *      +-------+---+------+------+------------------+--------------------------+
 *                    |      |
 *      leaves form a doubly linked list in key order; NULL ends both sides.
 *      Out-of-line key bytes (text, bytea, numeric) of one entry live in one
 *      g_malloc'd block owned by the entry; the OxValues point into it:
 *
 *         keys[i*K+0]: INT4 42                       (inline)
 *         keys[i*K+1]: TEXT len 3  ─┐
 *         keys[i*K+2]: TEXT len 5  ─┼─► block: "abc\0hello\0"
 *                                   │   (columns in order; the block starts
 *                                   │    at the first out-of-line column)
 *
 *   inner (level >= 1), up to INNER_MAX = 64 children, n children in use,
 *   n - 1 separators (a separator is a full key plus rowid, deep-copied,
 *   owned by the inner node that holds it):
 *
 *      +-------+---+-------------------+---------------------+------------------------+
 *      | level | n | child[INNER_MAX]  | rowid[INNER_MAX-1]  | keys[(INNER_MAX-1)*K]  |
 *      +-------+---+-------------------+---------------------+------------------------+
 *
 *         child[0]  sep[0]  child[1]  sep[1]  ...  sep[n-2]  child[n-1]
 *
 *      Every entry e under child[j] satisfies  sep[j-1] <= e < sep[j]
 *      (in the full (key, rowid) order; missing bounds are infinite).  A
 *      separator need not be an entry of the tree: deletes leave separators
 *      in place as long as they still bound their children.
 *
 * Compact trees: a tree of one key column compared by ox_value_cmp (every
 * index on one column) stores each key as an integer instead of an
 * OxValue, in one of two widths, with leaves and inner nodes of the same
 * fan-out (64) as the general format:
 *
 *   narrow (while every key fits in an int32 and every rowid is below
 *   2^31; how every tree starts): 8 bytes an entry, one uint64 "word" in
 *   the rowid array, no key array; a 536-byte leaf, a 1,024-byte inner node
 *
 *      rowid[i] = | key (32 bits)          | N | rowid (31 bits)  |
 *                   k ^ 2^31, all bits       the NULL/DESC mark
 *                   inverted when DESC
 *
 *      The words' unsigned order is the tree's order: key (DESC inverts
 *      it), then rowid.  A NULL key is stored as INT32_MAX's with N
 *      set when the column is ascending (after INT32_MAX) and N clear when
 *      it is DESC (where every non-NULL key has N set: NULL first).
 *
 *   64-bit (after the first key beyond int32 or rowid from 2^31 on): 16
 *   bytes an entry, an int64 key array beside the uint64 rowid array; a
 *   1,048-byte leaf (the general format's is 1,560 for one column)
 *
 *      rowid[i] = | C | rowid (63 bits) |    keys[i] = int64 key
 *                   NULL mark                 (INT64_MAX for a NULL)
 *
 *      searches decide on the int64s and look at the rowid only on a tie.
 *
 * Keys are handed out as OxValues of the type of the first non-NULL key
 * inserted (the column's).  The first entry that does not fit a narrow
 * tree rebuilds it in the 64-bit form (its entries re-inserted in order:
 * full leaves), and the first key that is not an INT2/INT4/INT8 (which the
 * engine's indexes on integer columns never insert) rebuilds a compact
 * tree in the general format.  A tree never narrows again.
 *
 * Invariants (checked by ox_btree_check): all leaves are at the same depth;
 * the root is a leaf (possibly empty) or an inner node with >= 2 children;
 * every other inner node has >= 2 children and every other leaf >= 1 entry.
 * Deletes rebalance a node that drops below a quarter full (merge with an
 * adjacent sibling when both fit in one node, otherwise share evenly), not
 * below half: with a half threshold, alternately inserting and deleting one
 * entry at a full node would split and merge the same pair every time.
 * Appending past the rightmost entry splits the rightmost leaf 64/1 rather
 * than 32/33, so a table loaded in key order ends with full leaves.
 *
 * NOTE: the tree is not thread-safe.  Callers hold their table's lock: a
 * read lock around cursor moves (any number of readers may move their own
 * cursors at once: reads never write to the tree), the write lock around
 * ox_btree_insert and ox_btree_delete.
 * NOTE: cursors survive modifications made between two of their calls (a
 * scan releases the lock between batches while writers go on).  The tree
 * counts modifications; a cursor remembers a deep copy of the last entry it
 * returned (or of the prefix it was sought to) and the counter.  When the
 * counter has moved on, the cursor's next move first re-seeks to just after
 * that entry (after a next) or just before it (after a prev), so the scan
 * continues from the right place even when that entry, its leaf or the
 * whole path were deleted.  Entries inserted behind the cursor are not
 * seen; entries inserted ahead are.  This costs one copy of the key per
 * returned entry (a memcpy of 16 * nkeys bytes, plus the text bytes).
 * NOTE: the key pointer handed out by ox_btree_next/prev points into a leaf,
 * or (compact trees) into the cursor, and dangles after the next insert or
 * delete, the cursor's next move or free (or ox_btree_free): copy what must
 * outlive the lock or the step.
 * NOTE: cursors are not registered with their tree.  Freeing the tree while
 * cursors exist is allowed, but they may then only be freed, not moved.
 */
#ifndef OX_BTREE_H
#define OX_BTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/value.h"

/* Three-way comparison of two non-NULL values of one key column: < 0, 0 or
 * > 0.  ox_value_cmp (cast.h) in production. */
typedef int (*OxBTreeCmp) (const OxValue *a, const OxValue *b);

typedef struct OxBTree OxBTree;
typedef struct OxBTreeLeaf OxBTreeLeaf;

/*
 * A position in the tree: the gap between two adjacent entries (or before
 * the first, or after the last).  ox_btree_next returns the entry after the
 * gap and moves past it; ox_btree_prev returns the entry before the gap and
 * moves before it.  So next then prev returns the same entry twice, like a
 * list iterator.  Keep one on the stack; fields are private to btree.c.
 */
typedef struct OxBTreeCursor {
	OxBTree     *tree;        /* the tree scanned; not owned */
	OxBTreeLeaf *leaf;        /* leaf holding the gap; trusted only while mod == tree's counter */
	int          idx;         /* gap is before entry idx of leaf: 0 .. leaf's n */
	bool         after;       /* re-seek goes after the anchor (true) or before it (false) */
	bool         has_rowid;   /* anchor includes saved_rowid (an entry) or is a bare key prefix */
	int          nsaved;      /* key columns in the anchor: 0 (first/last), a prefix, or nkeys */
	uint64_t     mod;         /* tree's modification counter when leaf/idx were computed */
	uint64_t     saved_rowid; /* anchor's rowid when has_rowid */
	OxValue     *saved;       /* g_malloc'd anchor: nsaved OxValues, then their out-of-line bytes; or NULL */
	size_t       saved_cap;   /* bytes allocated at saved; 0 when saved is NULL */
	bool         unanchored;  /* ox_btree_next_unanchored moved past the anchor */
	OxBTreeLeaf *last_leaf;   /* the entry it returned last: leaf ... */
	int          last_idx;    /* ... and index */
	OxValue      cur;         /* compact trees: the key handed out last */
} OxBTreeCursor;

/* A tree of keys with nkeys columns (1 .. 1024).  desc[i] makes column i
 * descending (NULLs first); desc may be NULL (all ascending); it is copied.
 * cmp compares non-NULL values of one column.  Never returns NULL. */
OxBTree *ox_btree_new (int nkeys, const bool *desc, OxBTreeCmp cmp);
/* Free the tree, its nodes and every key copy.  NULL is allowed. */
void     ox_btree_free (OxBTree *t);

/* Insert (key, rowid); key is nkeys values, deep-copied into tree-owned
 * memory (the caller's values may die right after).  Returns true when
 * inserted, false (and changes nothing) when this exact (key, rowid) pair is
 * present already; an equal key with another rowid is a new entry. */
bool     ox_btree_insert (OxBTree *t, const OxValue *key, uint64_t rowid);
/* Delete the entry (key, rowid) and free its key copy.  Returns true when
 * it was found and deleted, false when no such entry exists (nothing
 * changes then, and cursors are not disturbed). */
bool     ox_btree_delete (OxBTree *t, const OxValue *key, uint64_t rowid);
/* Number of entries. */
size_t   ox_btree_count (const OxBTree *t);
/* Bytes of heap held by the tree: nodes, key copies and the tree header
 * (requested sizes; malloc's own overhead is not counted). */
size_t   ox_btree_memory (const OxBTree *t);
/* Number of levels: 1 when the root is a leaf. */
int      ox_btree_height (const OxBTree *t);
/* Compare the first n columns of keys a and b with the tree's ordering
 * (DESC, NULL placement, cmp): < 0, 0 or > 0.  n may be 0 (equal). */
int      ox_btree_key_cmp (const OxBTree *t, const OxValue *a, const OxValue *b, int n);
/* Does key (its first n columns) sort after every entry's first n
 * columns (true for an empty tree)?  Follows the last children down
 * without searching: a unique check of a key loaded in order. */
bool     ox_btree_after_last (const OxBTree *t, const OxValue *key, int n);
/* Verify every structural invariant (order, separators, links, fill,
 * count, memory).  Returns NULL when all hold, else a static description of
 * the first violation.  O(n); for tests and debugging. */
const char *ox_btree_check (const OxBTree *t);

/* Attach c to t and position it before the first entry.  c needs
 * ox_btree_cursor_free when done. */
void ox_btree_cursor_init (OxBTreeCursor *c, OxBTree *t);
/* Attach c to t without reading the tree (no lock needed): the cursor has
 * no position, and its first call must be a seek. */
void ox_btree_cursor_init_unpositioned (OxBTreeCursor *c, OxBTree *t);
/* Release the cursor's saved key copy.  The cursor may be re-initialised. */
void ox_btree_cursor_free (OxBTreeCursor *c);
/* Position before the first entry (next returns the smallest). */
void ox_btree_seek_first (OxBTreeCursor *c);
/* Position after the last entry (prev returns the largest). */
void ox_btree_seek_last (OxBTreeCursor *c);
/* Position before the first entry whose first nprefix key columns compare
 * >= prefix (after = false) or > prefix (after = true), in the tree's
 * ordering; 0 <= nprefix <= nkeys, and prefix is deep-copied.  When no
 * entry qualifies the cursor is after the last entry.  prev from here
 * returns the last entry that does not qualify. */
void ox_btree_seek (OxBTreeCursor *c, const OxValue *prefix, int nprefix, bool after);
/* As ox_btree_seek, without keeping a copy of the prefix as the anchor:
 * for a caller that, under the same latch, reads on with
 * ox_btree_next_unanchored and anchors at an entry it returned before the
 * tree may change (until then a re-seek would go back to the previous
 * anchor). */
void ox_btree_seek_unanchored (OxBTreeCursor *c, const OxValue *prefix, int nprefix, bool after);
/* Return the entry after the cursor and move past it: true with *key (nkeys
 * values, in the tree or the cursor, valid until the tree is modified or the
 * cursor moves) and
 * *rowid set; false at the end (the cursor stays there).  key and rowid
 * may be NULL when not wanted. */
bool ox_btree_next (OxBTreeCursor *c, const OxValue **key, uint64_t *rowid);
/* As ox_btree_next, without saving the entry as the cursor's anchor (a
 * copy of its key, what a re-seek after a change of the tree needs): for
 * a caller that reads a run of entries while nothing can modify the tree
 * (under the table's latch), and then calls ox_btree_cursor_anchor before
 * the tree may change again. */
bool ox_btree_next_unanchored (OxBTreeCursor *c, const OxValue **key, uint64_t *rowid);
/* Anchor the cursor at the entry ox_btree_next_unanchored returned last
 * (nothing to do when it has not run since the last anchor). */
void ox_btree_cursor_anchor (OxBTreeCursor *c);
/* Return the entry before the cursor and move before it: as ox_btree_next,
 * false at the beginning. */
bool ox_btree_prev (OxBTreeCursor *c, const OxValue **key, uint64_t *rowid);

#endif

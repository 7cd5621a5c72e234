/*
 * table.h — in-memory table storage: blocks of rows with version chains
 * over them, and the B+tree indexes kept beside them.
 *
 *   OxTableData
 *     latch   GRWLock: read for scans and lookups, write for changes
 *     blocks  [rowid / 1024] -> OxRowBlock: the rows rowid .. +1023, each
 *             as the body it was inserted with (its base), packed one after
 *             the other in the block's heap, and the newer versions of the
 *             rows written since (OxTuple chains, mvcc.h); rowids are never
 *             reused
 *     indexes OxIndexData[]: B+tree of (key columns..., rowid)
 *     colblocks column vectors of the same blocks, built by scans
 *             (ox_table_scan_cols) and dropped by any write to their block
 *
 * A row block (table.c has the drawing):
 *
 *     off[1024]   where row i's base body is in the heap (2 bytes a row;
 *                 4 once bodies were written out of row order)
 *     has         bit i: row i's base is live (a row, or the version an
 *                 update chain ends on)
 *     heap        chunks of bodies, never moved: readers keep pointers
 *                 into them (decoded text, the 'seen' row of an UPDATE)
 *     runs        who inserted the bases: runs of consecutive rows by one
 *                 writer, with its transaction id until it commits, then
 *                 its commit timestamp, and the command ids (a run of rows
 *                 inserted one statement each holds cid0 + j * step); a
 *                 base in no run is visible to everyone (recovery's rows)
 *     hot         NULL until a row of the block is updated or deleted; then
 *                 [1024] newest-first OxTuple chains over the bases: the
 *                 last version of a chain flagged OX_TUPLE_BASE_BELOW has
 *                 the row's base beneath it
 *
 * So a row costs its body and 4 bytes until it is first changed: no
 * per-row version header, allocation or pointer (the house plan's "newest
 * versions in place, before-images beside them", for rows never updated;
 * an updated row's newer versions are still whole versions in a chain).
 *
 * Indexes hold an entry for every key any version of a row ever had (an
 * update that changes the key adds an entry and leaves the old one), so an
 * index lookup must re-check the key against the version its snapshot sees;
 * ox_index_scan does that, and returns each row at most once.
 *
 * Implicit entries: an index on one integer column (ascending) made on an
 * empty table watches its rows' keys.  While every row was inserted with
 * key = rowid + d for one d (an id or serial loaded in order: the first
 * row decides d), those entries are not put in the tree at all: rows
 * 0 .. iupto-1 hold them implicitly, and lookups, unique checks and scans
 * merge them with the tree's (the rowid for key k is k - d).  The first
 * row that breaks the pattern freezes the prefix; it and every later row
 * go to the tree as usual.  It is SQLite's rowid table without the rowid
 * being the key: such a primary key costs nothing a row.
 *
 * NOTE: every function here takes the latch itself; callers never hold it.
 * Functions that may need to wait for another transaction return
 * OX_WRITE_WAIT with the id to wait for, after releasing the latch, and the
 * caller retries after ox_txn_wait_for — so no latch is ever held while
 * waiting or while raising an error.
 */
#ifndef OX_TABLE_H
#define OX_TABLE_H

#include <glib.h>
#include <stdint.h>

#include "mvcc.h"
#include "btree.h"
#include "tuple.h"

typedef struct OxIndexData {
	char     *name;       /* g_malloc'd, for error messages */
	char     *cols_desc;  /* "a, b": key column names for messages, g_malloc'd */
	int       nkeys;      /* number of key columns */
	int      *colnos;     /* key column numbers (0-based) into the table row */
	bool     *desc;       /* per key: descending order */
	bool      unique;     /* UNIQUE or PRIMARY KEY */
	bool      primary;
	bool      valid;      /* false once dropped (entries no longer maintained) */
	OxBTree  *tree;
	/* The implicit prefix (table.c, "Implicit entries"): rows 0 .. iupto-1
	 * were each inserted with key rowid + idelta, and those entries are
	 * not in the tree. */
	int       istate;     /* OX_IMPLICIT_* */
	bool      ifrozen;    /* a row broke the pattern: the prefix no longer grows */
	int64_t   idelta;
	uint64_t  iupto;
	uint8_t   itype;      /* the key column's OxTypeId */
} OxIndexData;

enum { OX_IMPLICIT_UNDECIDED, OX_IMPLICIT_ACTIVE, OX_IMPLICIT_NONE };

struct OxRowBlock;

typedef struct OxTableData {
	GRWLock     latch;
	int         ncols;     /* values per tuple */
	OxRowFormat *fmt;      /* how the tuples are packed (tuple.h); owned.  Its
	                          column types are set by whoever creates the table,
	                          before the first row */
	struct OxRowBlock **blocks; /* [cap / OX_COLBLOCK]; NULL: no row there (yet, or
	                          any more: a block whose rows are all gone is freed) */
	uint64_t    nslots;    /* rowids handed out: the next insert's */
	uint64_t    cap;       /* rowids the blocks array covers */
	uint32_t    body_hint; /* bytes of body a row took in the last block filled
	                          (sizes the next block's first heap chunk) */
	struct OxPendingPrune *pending; /* rows whose versions a later commit prunes */
	size_t      npending, pendhead, pendcap;
	GPtrArray  *indexes;   /* of OxIndexData*, owned */
	const char *name;      /* table name for messages (owned by the catalog) */
	uint32_t    oid;       /* the catalog table's oid, for WAL records; 0 = not logged */
	int64_t     live_rows; /* approximate, for the planner */
	struct OxColBlock **colblocks; /* [cap / OX_COLBLOCK]: NULL = none (yet) */
	uint64_t    ncolblocks;        /* entries allocated at colblocks */
} OxTableData;

typedef enum OxWriteResult {
	OX_WRITE_OK,
	OX_WRITE_WAIT,          /* another transaction holds the row: wait for *wait_id, retry */
	OX_WRITE_SELF_UPDATED,  /* this command already changed the row: skip it (as PG) */
	OX_WRITE_CONCURRENT,    /* a transaction that committed after our snapshot changed
	                           the row; *latest is its newest committed version (NULL if
	                           deleted).  REPEATABLE READ and above: 40001; READ
	                           COMMITTED: re-check the row against *latest. */
} OxWriteResult;

OxTableData *ox_table_data_new (int ncols, const char *name);
void         ox_table_data_free (OxTableData *d);

/* Add an index over existing rows (every version's key).  Raises 23505
 * when unique and two live rows collide. */
OxIndexData *ox_table_add_index (OxTableData *d, const char *name, const char *cols_desc,
                                 int nkeys, const int *colnos,
                                 const bool *desc, bool unique, bool primary, OxTxn *t);
void         ox_table_drop_index (OxTableData *d, OxIndexData *ix);

/* Insert a row.  vals are deep-copied.  Raises 23505 on a unique
 * violation; returns OX_WRITE_WAIT when an uncommitted rival holds the
 * key (wait, then call again).  On OK *rowid is set. */
OxWriteResult ox_table_insert (OxTxn *t, OxTableData *d, const OxValue *vals,
                               uint64_t *rowid, uint64_t *wait_id);
/* Replace the row version 'seen' (the body t's scan saw) with vals, or
 * delete it when vals == NULL. */
OxWriteResult ox_table_update (OxTxn *t, OxTableData *d, uint64_t rowid, OxRow seen,
                               const OxValue *vals, uint64_t *wait_id, OxRow *latest);

/* Copy up to max visible rows starting at *pos into out/rowids; advances
 * *pos.  Returns the count (0 at the end). */
int ox_table_scan (OxTxn *t, OxTableData *d, uint64_t *pos, OxRow *out, uint64_t *rowids, int max);

/*
 * Column vectors: a cache beside the slots, for scans whose filter
 * compares columns with constants (the house plan's column vectors, kept
 * as a derived copy while the row format stays the primary one).
 *
 * The slots are cut into blocks of OX_COLBLOCK.  A scan that meets a full
 * block whose newest versions are all committed (or absent: a NULL slot,
 * or a committed tombstone) records the newest commit timestamp among
 * them; for any snapshot at or after it, the newest version of each row is
 * the visible one, so the block's columns can be read as vectors of
 * int64s: integers, dates and timestamps as themselves (v.i), numerics of
 * up to 16 digits and 8 decimals as value × 10^8.  Columns are built when
 * a term first needs them (under the read latch; published with a
 * compare-and-swap, so concurrent scans may both build, one wins).  Any
 * write to a slot of the block (insert, update, delete, undo, redo) drops
 * the block under the write latch; the next scan builds it again.
 *
 * NOTE: the vectors only pre-filter: a row a term rejects is certainly
 * rejected by the comparison it stands for, but the rows that pass are
 * handed out as ox_table_scan would and the caller still applies its whole
 * filter to them.  A term whose column is not vectorizable in a block (a
 * text, a numeric too large, a mix of types) is skipped there.
 * NOTE: costs 8 bytes a row per vectorized column, plus the build (one
 * pass over the block's versions per column, once per write to it).
 */
#define OX_COLBLOCK 1024

enum { OX_COLVEC_NONE, OX_COLVEC_INT, OX_COLVEC_FIX };  /* a column vector's form */
enum { OX_COLREL_EQ, OX_COLREL_NE, OX_COLREL_LT, OX_COLREL_LE, OX_COLREL_GT, OX_COLREL_GE };

/* One conjunct "column rel constant", the constant in the column's vector
 * form (kind: OX_COLVEC_INT or OX_COLVEC_FIX).  NULLs never pass. */
typedef struct OxColTerm {
	int     col;
	int     kind;
	int     rel;
	int64_t c;
} OxColTerm;

/* A numeric as value × 10^8 in an int64 (OX_COLVEC_FIX); false when it
 * has more than 8 decimals, more than 16 digits or does not fit. */
bool ox_colvec_fix_of (const OxValue *v, int64_t *out);

/* ox_table_scan, except that in blocks with column vectors the rows that
 * fail a term are skipped (see above).  *end is set when the table is
 * exhausted; 0 rows with !*end means "call again" (the latch is released
 * after each block, so a long run of rejected rows never blocks writers). */
int ox_table_scan_cols (OxTxn *t, OxTableData *d, uint64_t *pos, const OxColTerm *terms, int nterms,
                        OxRow *out, uint64_t *rowids, int max, bool *end);

/* Index range scan state. */
typedef struct OxIndexScan {
	OxTableData   *data;
	OxIndexData   *ix;
	OxBTreeCursor  cur;
	OxValue       *lo, *hi;     /* prefix bounds (arena memory of the caller), NULL = open */
	int            nlo, nhi;
	bool           lo_incl, hi_incl;
	bool           started, done;
	bool           single;      /* at most one visible row can match (a unique index,
	                               equal on every key column): stop at the first */
	/* an index with an implicit prefix: its entries merged with the tree's */
	bool           merge;
	bool           bt_pending, bt_done; /* the tree's next entry, read ahead */
	OxValue        bt_key;
	uint64_t       bt_rid;
	uint64_t       irow;        /* the prefix's next row */
} OxIndexScan;

void ox_index_scan_begin (OxIndexScan *s, OxTableData *d, OxIndexData *ix,
                          OxValue *lo, int nlo, bool lo_incl, OxValue *hi, int nhi, bool hi_incl);
int  ox_index_scan_next (OxTxn *t, OxIndexScan *s, OxRow *out, uint64_t *rowids, int max);
void ox_index_scan_end (OxIndexScan *s);

/* Newest version of a row visible to t (or NULL). */
OxRow ox_table_fetch (OxTxn *t, OxTableData *d, uint64_t rowid);

/* Rollback of one version (called by mvcc.c). */
void ox_table_undo_version (OxTableData *d, uint64_t rowid, OxTuple *v);
/* A transaction's RANGE undo entry (mvcc.h), rows first .. first+n-1 it
 * inserted: stamp their bases with commit timestamp ts; or, at rollback,
 * remove the rows (later writes to them were undone first). */
void ox_table_stamp_inserts (OxTableData *d, uint64_t first, uint64_t n, uint64_t ts);
void ox_table_undo_inserts (OxTableData *d, uint64_t first, uint64_t n);
/* After the commit of such a range: forget the insert runs of its blocks
 * that every snapshot >= oldest sees (their rows are then visible to all,
 * as rows in no run are). */
void ox_table_settle_inserts (OxTableData *d, uint64_t first, uint64_t n, uint64_t oldest);
/* The body row rowid was inserted with (its base); the caller holds the
 * latch (read) and knows the row was inserted and not yet pruned. */
OxRow ox_table_inserted_version_latched (OxTableData *d, uint64_t rowid);
/* A commit at ts wrote new versions of rows[0..n): its own snapshot keeps
 * what is beneath them alive, so they are remembered, and pruned by
 * ox_table_prune_pending at a later commit that writes the table, once
 * oldest >= ts (so deleted rows go, and their blocks with them). */
void ox_table_note_versions (OxTableData *d, const uint64_t *rows, size_t n, uint64_t ts);
void ox_table_prune_pending (OxTableData *d, uint64_t oldest);

/* Recovery: make vals the only version of row 'rowid' (visible to all),
 * or remove the row.  Single-threaded use only (before sessions exist). */
void ox_table_redo_put (OxTableData *d, uint64_t rowid, const OxValue *vals);
void ox_table_redo_delete (OxTableData *d, uint64_t rowid);

/* What a table's storage holds, for tests and the benchmarks' accounting. */
typedef struct OxTableStats {
	uint64_t blocks;       /* row blocks */
	uint64_t wide_blocks;  /* of them with 4-byte offsets (bodies written out of row order) */
	uint64_t block_bytes;  /* their fixed parts: offsets, bits, chunk and run arrays, hot arrays */
	uint64_t heap_bytes;   /* bytes of heap chunks allocated */
	uint64_t body_bytes;   /* bytes of bodies written into them */
	uint64_t chunks;
	uint64_t runs;         /* insert runs not yet dropped */
	uint64_t bases;        /* live bases */
	uint64_t versions;     /* versions in chains (updates, deletes) */
	uint64_t odd_bodies;   /* bases at an odd address: must be 0 */
} OxTableStats;
void ox_table_storage_stats (OxTableData *d, OxTableStats *st);

/* The command id of the newest version of slot rowid (its writer's), for
 * telling "changed by this command" from "changed by a command this one
 * triggered" after OX_WRITE_SELF_UPDATED. */
uint32_t ox_table_head_cid (OxTableData *d, uint64_t rowid);

#endif

/*
 * table.h — in-memory table storage: row slots with version chains, and
 * the B+tree indexes kept beside them.
 *
 *   OxTableData
 *     latch   GRWLock: read for scans and lookups, write for changes
 *     slots   [rowid] -> newest OxTuple (mvcc.h), rowids never reused
 *     indexes OxIndexData[]: B+tree of (key columns..., rowid)
 *
 * Indexes hold an entry for every key any version of a row ever had (an
 * update that changes the key adds an entry and leaves the old one), so an
 * index lookup must re-check the key against the version its snapshot sees;
 * ox_index_scan does that, and returns each row at most once.
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
} OxIndexData;

typedef struct OxTableData {
	GRWLock     latch;
	int         ncols;     /* values per tuple */
	OxTuple   **slots;     /* [nslots]; NULL only for slots of rolled-back inserts */
	uint64_t    nslots;
	uint64_t    cap;
	GPtrArray  *indexes;   /* of OxIndexData*, owned */
	const char *name;      /* table name for messages (owned by the catalog) */
	uint32_t    oid;       /* the catalog table's oid, for WAL records; 0 = not logged */
	int64_t     live_rows; /* approximate, for the planner */
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
/* Replace the row version 'seen' (the one t's scan saw) with vals, or
 * delete it when vals == NULL. */
OxWriteResult ox_table_update (OxTxn *t, OxTableData *d, uint64_t rowid, OxTuple *seen,
                               const OxValue *vals, uint64_t *wait_id, OxTuple **latest);

/* Copy up to max visible rows starting at *pos into out/rowids; advances
 * *pos.  Returns the count (0 at the end). */
int ox_table_scan (OxTxn *t, OxTableData *d, uint64_t *pos, OxTuple **out, uint64_t *rowids, int max);

/* Index range scan state. */
typedef struct OxIndexScan {
	OxTableData   *data;
	OxIndexData   *ix;
	OxBTreeCursor  cur;
	OxValue       *lo, *hi;     /* prefix bounds (arena memory of the caller), NULL = open */
	int            nlo, nhi;
	bool           lo_incl, hi_incl;
	bool           started, done;
} OxIndexScan;

void ox_index_scan_begin (OxIndexScan *s, OxTableData *d, OxIndexData *ix,
                          OxValue *lo, int nlo, bool lo_incl, OxValue *hi, int nhi, bool hi_incl);
int  ox_index_scan_next (OxTxn *t, OxIndexScan *s, OxTuple **out, uint64_t *rowids, int max);
void ox_index_scan_end (OxIndexScan *s);

/* Newest version of a row visible to t (or NULL). */
OxTuple *ox_table_fetch (OxTxn *t, OxTableData *d, uint64_t rowid);

/* Rollback of one version (called by mvcc.c). */
void ox_table_undo_version (OxTableData *d, uint64_t rowid, OxTuple *v);
/* Free versions of a row that no snapshot >= oldest can see. */
void ox_table_prune_row (OxTableData *d, uint64_t rowid, uint64_t oldest);

/* Recovery: make vals the only version of row 'rowid' (visible to all),
 * or remove the row.  Single-threaded use only (before sessions exist). */
void ox_table_redo_put (OxTableData *d, uint64_t rowid, const OxValue *vals);
void ox_table_redo_delete (OxTableData *d, uint64_t rowid);

/* Allocate a tuple holding deep copies of vals (g_malloc'd). */
OxTuple *ox_tuple_new (int ncols, const OxValue *vals);

/* The command id of the newest version of slot rowid (its writer's), for
 * telling "changed by this command" from "changed by a command this one
 * triggered" after OX_WRITE_SELF_UPDATED. */
uint32_t ox_table_head_cid (OxTableData *d, uint64_t rowid);

#endif

/*
 * mvcc.h — transactions, snapshots and versioned rows.
 *
 * The design follows Neumann, Mühlbauer and Kemper, "Fast Serializable
 * Multi-Version Concurrency Control for Main-Memory Database Systems"
 * (SIGMOD 2015): a row's newest version is found from its row id, and
 * each version points at the one it replaced (newest-to-oldest chain).  A
 * version is stamped with its writer's transaction id while uncommitted and
 * with the writer's commit timestamp once committed (a row's first
 * version, its base, lives in its table's row block without a header of
 * its own: the block's insert runs carry the stamp, storage/table.h):
 *
 *      slot[rowid] ──► OxTuple (ts = 2^62+7, uncommitted, writer T7)
 *                        │ prev
 *                        ▼
 *                      OxTuple (ts = 41, committed at 41)
 *                        │ prev
 *                        ▼
 *                      OxTuple (ts = 12) ──► NULL
 *
 * A reader with snapshot S (the newest commit timestamp when its snapshot
 * was taken) walks the chain to the first version it may see: its own
 * write from an earlier command, or a committed version with ts <= S.
 * A version flagged OX_TUPLE_DELETED is a tombstone: the row is absent.
 *
 * Commit takes the commit mutex, draws ts = last_commit + 1, stamps every
 * version the transaction wrote, and only then publishes last_commit = ts;
 * snapshots read last_commit, so a snapshot never sees half a commit.
 * SERIALIZABLE transactions that wrote validate at commit, under the same
 * mutex, that no transaction committed after their snapshot wrote a table
 * they read (table-granularity predicates; conservative, never unsound).
 *
 * NOTE: chains are walked and slots changed only under the owning table's
 * latch (storage/table.h).  A committed version that a running snapshot can
 * see is never freed; versions are pruned at commit once no snapshot needs
 * them, and aborted versions are unlinked by their own transaction.
 * NOTE: waiting for another transaction (write-write conflicts, unique
 * checks, the DDL lock) goes through ox_txn_wait_for, which detects
 * deadlocks (40P01) and honours cancellation (57014).
 */
#ifndef OX_MVCC_H
#define OX_MVCC_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/value.h"
#include "sql/ast.h"

/* Transaction ids live above every commit timestamp. */
#define OX_TXN_ID_BASE (UINT64_C (1) << 62)
#define OX_TS_IS_TXN(ts) ((ts) >= OX_TXN_ID_BASE)

enum {
	OX_TUPLE_DELETED = 1u << 0,  /* tombstone version: the row does not exist */
	OX_TUPLE_BASE_BELOW = 1u << 1,  /* the oldest version of a chain in a row block
	                                   (table.h): the row's base body is beneath it */
};

typedef struct OxTuple {
	uint64_t        ts;     /* writer's txn id (uncommitted) or commit timestamp;
	                           0 = visible to everyone (bulk-loaded, pruned) */
	struct OxTuple *prev;   /* the version this one replaced; NULL = none */
	uint32_t        cid;    /* writer's command id: own txn sees it from cid+1 on */
	uint32_t        flags;  /* OX_TUPLE_* */
	uint8_t         data[]; /* the row, packed by its table's format (tuple.h);
	                           none in a tombstone */
} OxTuple;

struct OxTable;
struct OxTableData;
struct OxDatabase;

typedef struct OxTxnMgr OxTxnMgr;

/* One entry of a transaction's write log: enough to stamp, undo or
 * validate the write. */
typedef enum OxUndoKind {
	OX_UNDO_TUPLE,    /* a new version was pushed onto slot 'rowid' */
	OX_UNDO_CATALOG,  /* a catalog object was created or dropped (catalog.c) */
	OX_UNDO_RANGE,    /* inserts of rows rowid .. rowid + count - 1, in that order;
	                     each row's inserted version is the last of its chain */
} OxUndoKind;

typedef struct OxUndo {
	struct OxTableData *data;     /* TUPLE, RANGE: the table storage written; NULL: a CATALOG entry */
	union {
		uint64_t        rowid;    /* TUPLE: slot; RANGE: first slot */
		int             action;   /* CATALOG: 1 created, 2 dropped */
	};
	union {
		OxTuple        *tuple;    /* TUPLE: the version written */
		void           *object;   /* CATALOG: the object */
		uintptr_t       range;    /* RANGE: count << 1 | 1 (a version pointer's
		                             low bit is 0: malloc aligns) */
	};
} OxUndo;
/* 24 bytes an entry (the kind is whether data is set, and the low bit of
 * the third word).  Consecutive inserts into one table with consecutive
 * row ids share one RANGE entry, so a bulk load of a million rows in one
 * transaction keeps a handful of entries, not a million; a savepoint mark
 * (ox_txn_undo_mark) closes the last entry, so a range never straddles a
 * mark and rolling back to one removes whole entries. */
#define OX_UNDO_KIND(u) \
	((u)->data ? (((u)->range & 1) ? OX_UNDO_RANGE : OX_UNDO_TUPLE) : OX_UNDO_CATALOG)
#define OX_UNDO_COUNT(u) ((uint64_t) ((u)->range >> 1))  /* RANGE: rows */

typedef enum OxTxnState { OX_TXN_ACTIVE, OX_TXN_COMMITTED, OX_TXN_ABORTED } OxTxnState;

typedef struct OxTxn {
	uint64_t     id;          /* OX_TXN_ID_BASE + n */
	uint64_t     snapshot;    /* sees commits with ts <= snapshot */
	uint64_t     hold;        /* the snapshot at begin, the oldest this transaction
	                             may still read by (an outer statement's, under a
	                             nested one's newer snapshot; rows of an earlier
	                             statement): what pruning must keep visible */
	uint64_t     commit_ts;   /* set at commit */
	uint32_t     cid;         /* current command id: sees own writes of lower ids */
	uint32_t     cid_max;     /* highest command id handed out: a statement run
	                             inside another (a routine's, pl/spi.c) takes a
	                             new id and gives the outer one back when done,
	                             so the outer statement never sees its writes */
	OxIsolation  iso;         /* never DEFAULT once begun */
	OxTxnState   state;
	bool         read_only;
	GArray      *undo;        /* of OxUndo, in write order */
	GHashTable  *read_tables; /* SERIALIZABLE: OxTableData* set read */
	GHashTable  *write_tables;/* OxTableData* set written; NULL until the first write */
	uint64_t     waiting_for; /* txn id this one waits for (deadlock detection), 0 none */
	volatile int *cancel;     /* session's cancel flag, may be NULL */
	bool         holds_ddl;   /* owns the database's DDL lock */
	GArray      *locks;       /* relation locks held: struct { uint32 oid; int mode; } */
	int64_t      start_time;  /* wall clock at begin (now()) */
	int          sync_mode;   /* OxSyncMode for this commit, -1 = database default */
	guint        undo_peak;   /* longest the undo log was before a rollback shortened it */
	guint        undo_sealed; /* entries below this index are closed: a savepoint
	                             mark was taken after them, so no insert joins them */
	struct OxTxn *act_prev, *act_next; /* the manager's list of running transactions */
	OxTxnMgr    *mgr;
} OxTxn;

OxTxnMgr *ox_txn_mgr_new (void);
void      ox_txn_mgr_free (OxTxnMgr *m);

OxTxn    *ox_txn_begin (OxTxnMgr *m, OxIsolation iso);
/* ox_txn_begin, holding (for pruning) at most snapshot 'hold': for the
 * transaction that follows a COMMIT inside a procedure, whose loops still
 * hold rows the earlier one read.  Begin it before ending that one. */
OxTxn    *ox_txn_begin_held (OxTxnMgr *m, OxIsolation iso, uint64_t hold);
/* Take a fresh snapshot (READ COMMITTED does this per statement). */
void      ox_txn_refresh_snapshot (OxTxn *t);
/* SET TRANSACTION ISOLATION LEVEL before the first query. */
void      ox_txn_set_isolation (OxTxn *t, OxIsolation iso);
/* Commit: validates SERIALIZABLE (may raise 40001 — the transaction is
 * then still active and must be rolled back), stamps, publishes. */
void      ox_txn_commit (OxTxn *t);
/* Undo every write (or those after undo index 'mark' for savepoints). */
void      ox_txn_rollback_to (OxTxn *t, guint mark);
/* A savepoint's mark for ox_txn_rollback_to: the undo log's length, after
 * closing its last entry so that later inserts do not join its range
 * (every mark must come from here, not from undo->len). */
static inline guint
ox_txn_undo_mark (OxTxn *t)
{
	t->undo_sealed = t->undo->len;
	return t->undo->len;
}
void      ox_txn_abort (OxTxn *t);
/* Free a finished transaction. */
void      ox_txn_free (OxTxn *t);

/* Start a new command: later writes get a new id, earlier ones become
 * visible.  Returns the new id. */
static inline uint32_t
ox_txn_next_cid (OxTxn *t)
{
	t->cid = ++t->cid_max;
	return t->cid;
}

/* Is version v visible to t (given its current command id)? */
static inline bool
ox_tuple_visible (const OxTuple *v, const OxTxn *t)
{
	uint64_t ts = __atomic_load_n (&v->ts, __ATOMIC_ACQUIRE);
	if (OX_TS_IS_TXN (ts))
		return ts == t->id && v->cid < t->cid;
	return ts <= t->snapshot;
}

/* Record a write for stamping/undo: a new version v of row rowid (an
 * update or delete), or the insert of row rowid (consecutive inserts into
 * one table join one RANGE entry). */
void ox_txn_log_tuple (OxTxn *t, struct OxTableData *d, uint64_t rowid, OxTuple *v);
void ox_txn_log_insert (OxTxn *t, struct OxTableData *d, uint64_t rowid);
void ox_txn_log_catalog (OxTxn *t, void *object, int action);

/* Block until transaction 'id' has ended, or some transaction rolled back
 * to a savepoint (which may have released what we wait for): callers
 * re-check and wait again if needed.  Raises 40P01 on deadlock, 57014 on
 * cancel. */
OxTxnState ox_txn_wait_for (OxTxn *self, uint64_t id);
/* State of a transaction id: ACTIVE if still running. */
OxTxnState ox_txn_state_of (OxTxnMgr *m, uint64_t id);

/* Relation locks, PostgreSQL's table-level lock modes (a subset), held
 * until the transaction ends.  Readers take ACCESS SHARE, writers ROW
 * EXCLUSIVE, CREATE INDEX SHARE, DROP and TRUNCATE ACCESS EXCLUSIVE; a
 * conflicting request waits for the holder's transaction (deadlocks are
 * detected as for row waits). */
typedef enum OxLockMode {
	OX_LOCK_ACCESS_SHARE = 1,
	OX_LOCK_ROW_EXCLUSIVE = 3,
	OX_LOCK_SHARE = 5,
	OX_LOCK_ACCESS_EXCLUSIVE = 8,
} OxLockMode;
void ox_txn_lock_relation (OxTxn *t, uint32_t oid, OxLockMode mode);

/* The database-wide DDL lock: held from a transaction's first DDL until it
 * ends, so catalog changes serialise (as PostgreSQL's AccessExclusive locks
 * would for the objects involved). */
void ox_txn_lock_ddl (OxTxn *t);

/* Oldest snapshot of any running transaction (for pruning); the caller
 * holds the manager's lock (commit does). */
uint64_t ox_txn_mgr_oldest_snapshot (OxTxnMgr *m);
/* The same, taking the lock: commits at or before it are seen by every
 * running and future transaction. */
uint64_t ox_txn_mgr_horizon (OxTxnMgr *m);
uint64_t ox_txn_mgr_last_commit (OxTxnMgr *m);

/* Callbacks the catalog registers to stamp/undo its objects. */
typedef struct OxCatalogHooks {
	void (*stamp) (void *object, int action, uint64_t commit_ts);
	void (*undo) (void *object, int action);
	/* Append the WAL operation(s) for a created/dropped object; returns
	 * how many were written. */
	uint32_t (*encode) (void *object, int action, GByteArray *out);
	void *user;
} OxCatalogHooks;
void ox_txn_mgr_set_catalog_hooks (OxTxnMgr *m, const OxCatalogHooks *h);

/* Durability: commits append to the WAL and wait per the sync mode.
 * After a WAL failure every commit that wrote fails with 53100 (disk
 * full) or 58030 (I/O error); read-only work goes on. */
struct OxWal;
void ox_txn_mgr_set_wal (OxTxnMgr *m, struct OxWal *wal, int mode);
void ox_txn_mgr_set_sync (OxTxnMgr *m, int mode);
int  ox_txn_mgr_wal_errno (OxTxnMgr *m);
/* Checkpoints: if no commit is between taking its timestamp and being
 * published, give t the current snapshot and *wal_lsn the log's end, and
 * return true (else false: try again shortly). */
bool ox_txn_mgr_quiet_point (OxTxnMgr *m, OxTxn *t, uint64_t *wal_lsn);
/* Recovery: continue timestamps after the ones replayed. */
void ox_txn_mgr_set_last_commit (OxTxnMgr *m, uint64_t ts);

#endif

/*
 * mvcc.c — the transaction manager: ids, snapshots, commit, abort, waits.
 *
 * NOTE: lock order is table latch → manager mutex, never the reverse: the
 * commit path stamps versions holding only the manager's commit mutex
 * (stamping is one atomic store per version and needs no latch, because a
 * reader racing with it sees either the txn id — invisible to it — or the
 * commit timestamp, which is above its snapshot until last_commit is
 * published).
 * NOTE: rollback unlinks versions, which does need the table latch; it is
 * done without holding the manager mutex.  So are the walks of a RANGE
 * entry (a bulk load's inserts, found through the slots, which a
 * concurrent insert may move): the redo encoding before the commit takes
 * the manager mutex, the stamping after it let go.
 */
#include "mvcc.h"
#include "table.h"
#include "base/error.h"
#include "base/datetime.h"
#include "redo.h"
#include "wal.h"
#include "wal-format.h"

#include <errno.h>

#include <string.h>

/* Freed transactions kept by the manager, with their undo and lock arrays,
 * so that a statement in autocommit does not allocate and free them each
 * time.  A transaction whose undo log grew past TXN_POOL_UNDO entries is
 * freed instead (a bulk load's log would otherwise stay allocated). */
#if defined(__SANITIZE_ADDRESS__)
#define TXN_POOL 0  /* off under AddressSanitizer: a use after ox_txn_free stays visible */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TXN_POOL 0
#endif
#endif
#ifndef TXN_POOL
#define TXN_POOL 8
#endif
#define TXN_POOL_UNDO 1024

typedef struct RecentCommit {
	uint64_t    ts;      /* commit timestamp */
	GHashTable *tables;  /* OxTableData* written (owned set) */
} RecentCommit;

struct OxTxnMgr {
	GMutex      lock;         /* guards everything below */
	GCond       ended;        /* broadcast when any transaction ends */
	uint64_t    next_id;      /* next txn id */
	uint64_t    last_commit;  /* newest published commit ts (atomic reads too) */
	uint64_t    next_ts;      /* last commit ts handed out (>= last_commit) */
	GCond       published;    /* last_commit advanced */
	OxWal      *wal;          /* NULL for :memory: databases */
	OxSyncMode  sync;         /* synchronous_commit of the database */
	int         wal_errno;    /* the log failed: writes refused until reopen */
	OxTxn      *active;       /* running transactions, a list through act_next/act_prev
	                             (few: one per session; a hash table cost more to
	                             update at every begin and end than its lookups save) */
	GQueue      recent;       /* RecentCommit*, oldest first, kept for SERIALIZABLE validation */
	uint64_t    ddl_owner;    /* txn id holding the DDL lock, 0 = free */
	uint64_t    undo_gen;     /* bumped by ROLLBACK TO SAVEPOINT: waiters re-check */
	GHashTable *rel_locks;    /* oid -> GArray of RelLock held by running transactions
	                             (an emptied array stays, for the next transaction) */
	uint32_t    last_oid;     /* the oid rel_locks was last asked for, and its array: */
	GArray     *last_locks;   /* one table's statements look it up once */
	int         ended_waiters;     /* threads in g_cond_wait on 'ended' */
	int         published_waiters; /* threads in g_cond_wait on 'published' */
	OxTxn      *pool[TXN_POOL > 0 ? TXN_POOL : 1];    /* freed transactions kept for reuse */
	int         npool;
	OxCatalogHooks hooks;
};

OxTxnMgr *
ox_txn_mgr_new (void)
{
	OxTxnMgr *m = g_new0 (OxTxnMgr, 1);
	g_mutex_init (&m->lock);
	g_cond_init (&m->ended);
	m->next_id = OX_TXN_ID_BASE + 1;
	m->last_commit = 1;
	m->next_ts = 1;
	g_cond_init (&m->published);
	m->sync = OX_SYNC_FULL;
	m->rel_locks = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
	g_queue_init (&m->recent);
	return m;
}

static void
recent_free (RecentCommit *rc)
{
	g_hash_table_unref (rc->tables);
	g_free (rc);
}

void
ox_txn_mgr_free (OxTxnMgr *m)
{
	if (!m)
		return;
	for (int i = 0; i < m->npool; i++) {
		g_array_unref (m->pool[i]->undo);
		if (m->pool[i]->locks)
			g_array_unref (m->pool[i]->locks);
		g_free (m->pool[i]);
	}
	g_hash_table_unref (m->rel_locks);
	g_queue_clear_full (&m->recent, (GDestroyNotify) recent_free);
	g_mutex_clear (&m->lock);
	g_cond_clear (&m->ended);
	g_cond_clear (&m->published);
	g_free (m);
}

void
ox_txn_mgr_set_catalog_hooks (OxTxnMgr *m, const OxCatalogHooks *h)
{
	m->hooks = *h;
}

uint64_t
ox_txn_mgr_last_commit (OxTxnMgr *m)
{
	return __atomic_load_n (&m->last_commit, __ATOMIC_ACQUIRE);
}

OxTxn *
ox_txn_begin (OxTxnMgr *m, OxIsolation iso)
{
	if (iso == OX_ISO_DEFAULT || iso == OX_ISO_READ_UNCOMMITTED)
		iso = OX_ISO_READ_COMMITTED;
	int64_t now = ox_timestamp_now ();
	g_mutex_lock (&m->lock);
	OxTxn *t;
	if (m->npool > 0) {
		/* a pooled one: empty arrays kept, every other field zeroed */
		t = m->pool[--m->npool];
		GArray *undo = t->undo, *locks = t->locks;
		memset (t, 0, sizeof *t);
		t->undo = undo;
		t->locks = locks;
	} else {
		t = g_new0 (OxTxn, 1);
		t->undo = g_array_new (FALSE, FALSE, sizeof (OxUndo));
	}
	t->iso = iso;
	t->mgr = m;
	t->cid = 1;
	t->cid_max = 1;
	/* write_tables is made by the first write: a read-only transaction
	 * (every autocommit SELECT) should not build and free a hash table. */
	if (iso == OX_ISO_SERIALIZABLE)
		t->read_tables = g_hash_table_new (NULL, NULL);
	t->start_time = now;
	t->sync_mode = -1;
	t->id = m->next_id++;
	t->snapshot = m->last_commit;
	t->hold = t->snapshot;
	t->state = OX_TXN_ACTIVE;
	t->act_prev = NULL;
	t->act_next = m->active;
	if (m->active)
		m->active->act_prev = t;
	m->active = t;
	g_mutex_unlock (&m->lock);
	return t;
}

OxTxn *
ox_txn_begin_held (OxTxnMgr *m, OxIsolation iso, uint64_t hold)
{
	OxTxn *t = ox_txn_begin (m, iso);
	g_mutex_lock (&m->lock);
	if (hold < t->hold)
		t->hold = hold;
	g_mutex_unlock (&m->lock);
	return t;
}

void
ox_txn_refresh_snapshot (OxTxn *t)
{
	/* other threads read it (oldest snapshot for pruning): atomic */
	__atomic_store_n (&t->snapshot, ox_txn_mgr_last_commit (t->mgr), __ATOMIC_RELEASE);
}

void
ox_txn_set_isolation (OxTxn *t, OxIsolation iso)
{
	/* committers read other transactions' levels under the lock */
	g_mutex_lock (&t->mgr->lock);
	t->iso = iso;
	if (iso == OX_ISO_SERIALIZABLE && !t->read_tables)
		t->read_tables = g_hash_table_new (NULL, NULL);
	g_mutex_unlock (&t->mgr->lock);
}

static inline void
note_write_table (OxTxn *t, OxTableData *d)
{
	if (!t->write_tables)
		t->write_tables = g_hash_table_new (NULL, NULL);
	g_hash_table_add (t->write_tables, d);
}

void
ox_txn_log_tuple (OxTxn *t, OxTableData *d, uint64_t rowid, OxTuple *v)
{
	OxUndo u = { .data = d, .rowid = rowid, .tuple = v };
	g_array_append_val (t->undo, u);
	note_write_table (t, d);
}

void
ox_txn_log_insert (OxTxn *t, OxTableData *d, uint64_t rowid)
{
	if (t->undo->len > t->undo_sealed) {
		/* An insert right after an insert into the row before it joins
		 * that entry's range.  Only the last entry grows, so the log
		 * keeps write order. */
		OxUndo *last = &g_array_index (t->undo, OxUndo, t->undo->len - 1);
		if (last->data == d && OX_UNDO_KIND (last) == OX_UNDO_RANGE &&
		    last->rowid + OX_UNDO_COUNT (last) == rowid) {
			last->range += 2;
			return;
		}
	}
	OxUndo u = { .data = d, .rowid = rowid, .range = (uintptr_t) 1 << 1 | 1 };
	g_array_append_val (t->undo, u);
	note_write_table (t, d);
}

void
ox_txn_log_catalog (OxTxn *t, void *object, int action)
{
	OxUndo u = { .data = NULL, .object = object, .action = action };
	g_array_append_val (t->undo, u);
}

uint64_t
ox_txn_mgr_horizon (OxTxnMgr *m)
{
	g_mutex_lock (&m->lock);
	uint64_t h = ox_txn_mgr_oldest_snapshot (m);
	g_mutex_unlock (&m->lock);
	return h;
}

uint64_t
ox_txn_mgr_oldest_snapshot (OxTxnMgr *m)
{
	/* each transaction's hold, not its current snapshot: a statement
	 * nested in another refreshes the snapshot (READ COMMITTED) while the
	 * outer one still reads by the older one */
	uint64_t oldest = m->last_commit;
	for (OxTxn *o = m->active; o; o = o->act_next)
		if (o->hold < oldest)
			oldest = o->hold;
	return oldest;
}

/* Drop recent-commit records no running SERIALIZABLE transaction can
 * still conflict with.  Called with m->lock held. */
static void
prune_recent_locked (OxTxnMgr *m)
{
	uint64_t oldest = UINT64_MAX;
	for (OxTxn *o = m->active; o; o = o->act_next) {
		uint64_t snap = __atomic_load_n (&o->snapshot, __ATOMIC_ACQUIRE);
		if (o->iso == OX_ISO_SERIALIZABLE && snap < oldest)
			oldest = snap;
	}
	while (!g_queue_is_empty (&m->recent)) {
		RecentCommit *rc = g_queue_peek_head (&m->recent);
		if (rc->ts > oldest)
			break;
		recent_free (g_queue_pop_head (&m->recent));
	}
}

typedef struct RelLock {
	uint32_t oid;
	int      mode;
	uint64_t txn;  /* holder */
	GArray  *h;    /* in the holder's own list: the manager's array for oid (they
	                  stay in rel_locks until the manager is freed) */
} RelLock;

static void
release_rel_locks_locked (OxTxn *t)
{
	if (!t->locks)
		return;
	for (guint i = 0; i < t->locks->len; i++) {
		RelLock *mine = &g_array_index (t->locks, RelLock, i);
		GArray *h = mine->h;
		for (guint k = h->len; k-- > 0;)
			if (g_array_index (h, RelLock, k).txn == t->id)
				g_array_remove_index_fast (h, k);
	}
	g_array_set_size (t->locks, 0);
}

static void
finish_locked (OxTxn *t, OxTxnState st)
{
	OxTxnMgr *m = t->mgr;
	t->state = st;
	release_rel_locks_locked (t);
	if (t->act_prev)
		t->act_prev->act_next = t->act_next;
	else if (m->active == t)
		m->active = t->act_next;
	if (t->act_next)
		t->act_next->act_prev = t->act_prev;
	t->act_prev = t->act_next = NULL;
	if (m->ddl_owner == t->id)
		m->ddl_owner = 0;
	t->holds_ddl = false;
	if (!g_queue_is_empty (&m->recent))
		prune_recent_locked (m);
	/* g_cond_broadcast enters the kernel even when nobody waits (a futex
	 * call per statement in autocommit): only wake real waiters. */
	if (m->ended_waiters > 0)
		g_cond_broadcast (&m->ended);
}

static void
raise_wal_error (int e)
{
	if (e == ENOSPC)
		ox_raise_full ("53100", 0, NULL, "Free disk space, then reopen the database; committed data is safe.",
		               "could not write to the write-ahead log: %s", g_strerror (e));
	ox_raise_full ("58030", 0, NULL, "The database refuses writes until it is reopened; committed data is safe.",
	               "could not write to the write-ahead log: %s", g_strerror (e));
}

/* Publish commit timestamps strictly in order, so that a snapshot taken
 * as "everything up to last_commit" never misses an earlier commit that
 * is still being made durable.  m->lock held. */
static void
publish_locked (OxTxnMgr *m, uint64_t ts)
{
	while (m->last_commit != ts - 1) {
		m->published_waiters++;
		g_cond_wait (&m->published, &m->lock);
		m->published_waiters--;
	}
	__atomic_store_n (&m->last_commit, ts, __ATOMIC_RELEASE);
	if (m->published_waiters > 0)
		g_cond_broadcast (&m->published);
}

void
ox_txn_commit (OxTxn *t)
{
	OxTxnMgr *m = t->mgr;
	g_assert (t->state == OX_TXN_ACTIVE);
	if (t->undo->len == 0) {
		/* read-only: nothing to stamp, log or publish */
		g_mutex_lock (&m->lock);
		finish_locked (t, OX_TXN_COMMITTED);
		g_mutex_unlock (&m->lock);
		return;
	}
	/* The redo payload is encoded before taking the manager's lock: a
	 * RANGE entry's versions are found through the slots, which needs the
	 * table's latch (lock order: latch before manager), and a long
	 * encoding should not hold up other commits anyway.  Its first eight
	 * bytes, the commit timestamp, are filled in under the lock. */
	GByteArray *payload = NULL;
	uint32_t nops = 0;
	if (__atomic_load_n (&m->wal, __ATOMIC_ACQUIRE)) {
		payload = g_byte_array_sized_new (256);
		ox_put_u64 (payload, 0);
		ox_put_u32 (payload, 0);
		nops = ox_redo_encode_txn (t, payload, m->hooks.encode);
		for (int i = 0; i < 4; i++)
			payload->data[8 + (guint) i] = (uint8_t) (nops >> (8 * i));
	}
	g_mutex_lock (&m->lock);
	if (m->wal_errno) {
		int e = m->wal_errno;
		g_mutex_unlock (&m->lock);
		if (payload)
			g_byte_array_unref (payload);
		raise_wal_error (e);
	}
	if (t->iso == OX_ISO_SERIALIZABLE && t->read_tables) {
		/* Validation (Neumann et al. §4): would our reads be the same at
		 * commit time?  Any transaction that committed after our snapshot
		 * and wrote a table we read may have changed what we saw. */
		for (GList *l = m->recent.head; l; l = l->next) {
			RecentCommit *rc = l->data;
			if (rc->ts <= t->snapshot)
				continue;
			GHashTableIter it;
			gpointer k, v;
			g_hash_table_iter_init (&it, t->read_tables);
			while (g_hash_table_iter_next (&it, &k, &v)) {
				if (g_hash_table_contains (rc->tables, k)) {
					g_mutex_unlock (&m->lock);
					if (payload)
						g_byte_array_unref (payload);
					ox_raise_full (OX_ERR_SERIALIZATION, 0,
					               "Reason code: Canceled on conflict out to pivot during commit attempt.",
					               "The transaction might succeed if retried.",
					               "could not serialize access due to read/write dependencies among transactions");
				}
			}
		}
	}
	/* Commit order is fixed here: the timestamp and the WAL position are
	 * taken in the same critical section, so the log replays commits in
	 * timestamp order. */
	uint64_t ts = ++m->next_ts;
	uint64_t lsn = 0;
	int wal_err = 0;
	if (payload) {
		for (int i = 0; i < 8; i++)
			payload->data[i] = (uint8_t) (ts >> (8 * i));
		if (nops > 0 && m->wal) {
			lsn = ox_wal_append (m->wal, OX_WAL_COMMIT, payload->data, payload->len);
			if (lsn == 0)
				wal_err = errno ? errno : EIO;
		}
		g_byte_array_unref (payload);
	}
	bool serializable_running = false;
	for (OxTxn *o = m->active; o; o = o->act_next) {
		if (o->iso == OX_ISO_SERIALIZABLE && o != t) {
			serializable_running = true;
			break;
		}
	}
	if (serializable_running && t->write_tables && g_hash_table_size (t->write_tables) > 0 && !wal_err) {
		/* Keep our write set while some SERIALIZABLE transaction may need
		 * to validate against it. */
		RecentCommit *rc = g_new0 (RecentCommit, 1);
		rc->ts = ts;
		rc->tables = g_hash_table_ref (t->write_tables);
		g_queue_push_tail (&m->recent, rc);
	}
	OxSyncMode mode = t->sync_mode >= 0 ? (OxSyncMode) t->sync_mode : m->sync;
	g_mutex_unlock (&m->lock);

	/* Group commit: wait (without the manager's lock) until our record is
	 * written, and durable in FULL mode. */
	if (lsn && !wal_err) {
		int rc = 0;
		if (mode == OX_SYNC_FULL)
			rc = ox_wal_flush (m->wal, lsn, true);
		else if (mode == OX_SYNC_NORMAL || ox_wal_unwritten (m->wal) > (1u << 20))
			rc = ox_wal_flush (m->wal, lsn, false);
		if (rc != 0)
			wal_err = errno ? errno : EIO;
	}
	if (wal_err) {
		/* Not durable, so not committed: publish the timestamp empty (later
		 * commits wait for it) and leave the transaction to be aborted. */
		g_mutex_lock (&m->lock);
		if (!m->wal_errno)
			m->wal_errno = wal_err;
		publish_locked (m, ts);
		g_mutex_unlock (&m->lock);
		raise_wal_error (wal_err);
	}
	for (guint i = 0; i < t->undo->len; i++) {
		OxUndo *u = &g_array_index (t->undo, OxUndo, i);
		switch (OX_UNDO_KIND (u)) {
		case OX_UNDO_TUPLE:
			__atomic_store_n (&u->tuple->ts, ts, __ATOMIC_RELEASE);
			break;
		case OX_UNDO_RANGE:
			ox_table_stamp_inserts (u->data, u->rowid, OX_UNDO_COUNT (u), ts);
			break;
		case OX_UNDO_CATALOG:
			if (m->hooks.stamp)
				m->hooks.stamp (u->object, u->action, ts);
			break;
		}
	}
	t->commit_ts = ts;
	g_mutex_lock (&m->lock);
	publish_locked (m, ts);
	uint64_t oldest = ox_txn_mgr_oldest_snapshot (m);
	finish_locked (t, OX_TXN_COMMITTED);
	g_mutex_unlock (&m->lock);

	/* Prune versions nobody can see any more: in each row written, every
	 * version older than the newest one visible to the oldest snapshot.
	 * That snapshot is at most our own (taken before our commit), which
	 * keeps what we read and wrote: our rows are remembered in their
	 * tables and pruned at a later commit that writes the table once
	 * every snapshot is past ours (ox_table_prune_pending), which prunes
	 * the rows earlier commits left there now.  (Before, pruning ran only
	 * when oldest >= ts, which our own snapshot never allowed: chains
	 * grew with every update, tombstones stayed.)  A RANGE's rows are
	 * new: nothing beneath their bases; the blocks' insert runs that
	 * every snapshot sees go. */
	uint64_t rows[256];
	size_t nrows = 0;
	OxTableData *rows_of = NULL;
	for (guint i = 0; i < t->undo->len; i++) {
		OxUndo *u = &g_array_index (t->undo, OxUndo, i);
		if (OX_UNDO_KIND (u) == OX_UNDO_TUPLE) {
			if (nrows == G_N_ELEMENTS (rows) || (rows_of && rows_of != u->data)) {
				ox_table_note_versions (rows_of, rows, nrows, ts);
				nrows = 0;
			}
			rows_of = u->data;
			rows[nrows++] = u->rowid;
		} else if (OX_UNDO_KIND (u) == OX_UNDO_RANGE)
			ox_table_settle_inserts (u->data, u->rowid, OX_UNDO_COUNT (u), oldest);
	}
	if (nrows > 0)
		ox_table_note_versions (rows_of, rows, nrows, ts);
	if (t->write_tables) {
		GHashTableIter it;
		gpointer key;
		g_hash_table_iter_init (&it, t->write_tables);
		while (g_hash_table_iter_next (&it, &key, NULL))
			ox_table_prune_pending (key, oldest);
	}
}

void
ox_txn_mgr_set_wal (OxTxnMgr *m, OxWal *wal, int mode)
{
	g_mutex_lock (&m->lock);
	m->wal = wal;
	m->sync = (OxSyncMode) mode;
	g_mutex_unlock (&m->lock);
}

void
ox_txn_mgr_set_sync (OxTxnMgr *m, int mode)
{
	g_mutex_lock (&m->lock);
	m->sync = (OxSyncMode) mode;
	g_mutex_unlock (&m->lock);
}

void
ox_txn_mgr_set_last_commit (OxTxnMgr *m, uint64_t ts)
{
	g_mutex_lock (&m->lock);
	if (ts > m->last_commit) {
		m->last_commit = ts;
		m->next_ts = ts;
	}
	g_mutex_unlock (&m->lock);
}

int
ox_txn_mgr_wal_errno (OxTxnMgr *m)
{
	g_mutex_lock (&m->lock);
	int e = m->wal_errno;
	g_mutex_unlock (&m->lock);
	return e;
}

void
ox_txn_rollback_to (OxTxn *t, guint mark)
{
	OxTxnMgr *m = t->mgr;
	bool undone = t->undo->len > mark;
	if (t->undo->len > t->undo_peak)
		t->undo_peak = t->undo->len;
	while (t->undo->len > mark) {
		OxUndo *u = &g_array_index (t->undo, OxUndo, t->undo->len - 1);
		switch (OX_UNDO_KIND (u)) {
		case OX_UNDO_TUPLE:
			ox_table_undo_version (u->data, u->rowid, u->tuple);
			break;
		case OX_UNDO_RANGE:
			/* marks close the last entry, so a range is never cut by one */
			ox_table_undo_inserts (u->data, u->rowid, OX_UNDO_COUNT (u));
			break;
		case OX_UNDO_CATALOG:
			if (m->hooks.undo)
				m->hooks.undo (u->object, u->action);
			break;
		}
		g_array_set_size (t->undo, t->undo->len - 1);
	}
	/* what is left is closed: a later ROLLBACK TO the same savepoint must
	 * not find new inserts joined to an entry before its mark */
	if (t->undo_sealed > t->undo->len || undone)
		t->undo_sealed = t->undo->len;
	if (undone && t->state == OX_TXN_ACTIVE) {
		/* A savepoint rollback releases the rows it had changed: wake the
		 * transactions waiting for us so they re-check (PostgreSQL waits
		 * on the subtransaction, with the same effect). */
		g_mutex_lock (&m->lock);
		m->undo_gen++;
		if (m->ended_waiters > 0)
			g_cond_broadcast (&m->ended);
		g_mutex_unlock (&m->lock);
	}
}

void
ox_txn_abort (OxTxn *t)
{
	if (t->state != OX_TXN_ACTIVE)
		return;
	ox_txn_rollback_to (t, 0);
	g_mutex_lock (&t->mgr->lock);
	finish_locked (t, OX_TXN_ABORTED);
	g_mutex_unlock (&t->mgr->lock);
}

void
ox_txn_free (OxTxn *t)
{
	if (!t)
		return;
	g_assert (t->state != OX_TXN_ACTIVE);
	if (t->read_tables)
		g_hash_table_unref (t->read_tables);
	if (t->write_tables)
		g_hash_table_unref (t->write_tables);  /* may be shared with a RecentCommit */
	t->read_tables = t->write_tables = NULL;
	OxTxnMgr *m = t->mgr;
	if (MAX (t->undo->len, t->undo_peak) <= TXN_POOL_UNDO) {
		g_array_set_size (t->undo, 0);
		if (t->locks)
			g_array_set_size (t->locks, 0);
		g_mutex_lock (&m->lock);
		if (m->npool < TXN_POOL) {
			m->pool[m->npool++] = t;
			t = NULL;
		}
		g_mutex_unlock (&m->lock);
		if (!t)
			return;
	}
	g_array_unref (t->undo);
	if (t->locks)
		g_array_unref (t->locks);
	g_free (t);
}

/* The running transaction with this id, or NULL.  m->lock held. */
static OxTxn *
active_find_locked (OxTxnMgr *m, uint64_t id)
{
	for (OxTxn *o = m->active; o; o = o->act_next)
		if (o->id == id)
			return o;
	return NULL;
}

OxTxnState
ox_txn_state_of (OxTxnMgr *m, uint64_t id)
{
	g_mutex_lock (&m->lock);
	bool running = active_find_locked (m, id) != NULL;
	g_mutex_unlock (&m->lock);
	/* An ended transaction's fate is visible in its versions; callers only
	 * need "still running or not". */
	return running ? OX_TXN_ACTIVE : OX_TXN_COMMITTED;
}

/* Does waiting for 'id' close a cycle back to 'self'?  m->lock held. */
static bool
would_deadlock_locked (OxTxnMgr *m, OxTxn *self, uint64_t id)
{
	uint64_t cur = id;
	for (int hops = 0; hops < 10000 && cur != 0; hops++) {
		if (cur == self->id)
			return true;
		OxTxn *o = active_find_locked (m, cur);
		if (!o)
			return false;
		cur = o->waiting_for;
	}
	return false;
}

OxTxnState
ox_txn_wait_for (OxTxn *self, uint64_t id)
{
	OxTxnMgr *m = self->mgr;
	g_mutex_lock (&m->lock);
	uint64_t gen = m->undo_gen;
	for (;;) {
		OxTxn *o = active_find_locked (m, id);
		if (!o || m->undo_gen != gen)
			break;
		if (would_deadlock_locked (m, self, id)) {
			self->waiting_for = 0;
			g_mutex_unlock (&m->lock);
			ox_raise_full ("40P01", 0, "Process waits for a transaction that waits for this one.",
			               "See server log for query details.", "deadlock detected");
		}
		self->waiting_for = id;
		gint64 until = g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND;
		m->ended_waiters++;
		g_cond_wait_until (&m->ended, &m->lock, until);
		m->ended_waiters--;
		if (self->cancel && *self->cancel) {
			self->waiting_for = 0;
			g_mutex_unlock (&m->lock);
			ox_raise (OX_ERR_QUERY_CANCELED, 0, "canceling statement due to user request");
		}
	}
	self->waiting_for = 0;
	g_mutex_unlock (&m->lock);
	return OX_TXN_COMMITTED;
}

void
ox_txn_lock_ddl (OxTxn *t)
{
	OxTxnMgr *m = t->mgr;
	if (t->holds_ddl)
		return;
	for (;;) {
		g_mutex_lock (&m->lock);
		if (m->ddl_owner == 0 || m->ddl_owner == t->id) {
			m->ddl_owner = t->id;
			t->holds_ddl = true;
			g_mutex_unlock (&m->lock);
			return;
		}
		uint64_t owner = m->ddl_owner;
		g_mutex_unlock (&m->lock);
		ox_txn_wait_for (t, owner);
	}
}

/* PostgreSQL's conflict table for the modes we use. */
static bool
lock_conflicts (int a, int b)
{
	if (a == OX_LOCK_ACCESS_EXCLUSIVE || b == OX_LOCK_ACCESS_EXCLUSIVE)
		return true;
	if ((a == OX_LOCK_ROW_EXCLUSIVE && b == OX_LOCK_SHARE) || (a == OX_LOCK_SHARE && b == OX_LOCK_ROW_EXCLUSIVE))
		return true;
	return false;
}

void
ox_txn_lock_relation (OxTxn *t, uint32_t oid, OxLockMode mode)
{
	OxTxnMgr *m = t->mgr;
	for (;;) {
		uint64_t blocker = 0;
		g_mutex_lock (&m->lock);
		GArray *h = m->last_locks && m->last_oid == oid ? m->last_locks
		                                                : g_hash_table_lookup (m->rel_locks, GUINT_TO_POINTER (oid));
		bool have = false;
		for (guint k = 0; h && k < h->len; k++) {
			RelLock *l = &g_array_index (h, RelLock, k);
			if (l->txn == t->id) {
				if (l->mode >= (int) mode)
					have = true;
				continue;
			}
			if (lock_conflicts (l->mode, (int) mode))
				blocker = l->txn;
		}
		if (have) {
			g_mutex_unlock (&m->lock);
			return;
		}
		if (!blocker) {
			if (!h) {
				h = g_array_new (FALSE, FALSE, sizeof (RelLock));
				g_hash_table_insert (m->rel_locks, GUINT_TO_POINTER (oid), h);
			}
			m->last_oid = oid;
			m->last_locks = h;
			RelLock l = { .oid = oid, .mode = (int) mode, .txn = t->id, .h = h };
			g_array_append_val (h, l);
			if (!t->locks)
				t->locks = g_array_new (FALSE, FALSE, sizeof (RelLock));
			g_array_append_val (t->locks, l);
			g_mutex_unlock (&m->lock);
			return;
		}
		g_mutex_unlock (&m->lock);
		ox_txn_wait_for (t, blocker);
	}
}

bool
ox_txn_mgr_quiet_point (OxTxnMgr *m, OxTxn *t, uint64_t *wal_lsn)
{
	g_mutex_lock (&m->lock);
	bool quiet = m->next_ts == m->last_commit;
	if (quiet) {
		/* every commit up to last_commit is published and in the log before
		 * this LSN; every later commit will be after it */
		__atomic_store_n (&t->snapshot, m->last_commit, __ATOMIC_RELEASE);
		*wal_lsn = m->wal ? ox_wal_end_lsn (m->wal) : 0;
	}
	g_mutex_unlock (&m->lock);
	return quiet;
}

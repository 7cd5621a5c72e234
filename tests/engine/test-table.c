/*
 * test-table.c — the row blocks of engine/storage/table.c, driven
 * directly (transaction manager, table storage, no SQL), for what the
 * SQL-level tests (test-mvcc, the .slt files) cannot see: which version
 * of a row each snapshot and command gets when the row's first version is
 * a body in a block stamped by an insert run, and what the storage keeps
 * (ox_table_storage_stats) after commits, rollbacks, updates, pruning and
 * recovery's rewrites.
 *
 * What each test would catch:
 *   runs/cid          a statement seeing the rows it inserts itself, or
 *                     not seeing those of earlier statements; a run that
 *                     extends across a command id going back down (a
 *                     routine's statement inside another)
 *   runs/interleaved  two writers' rows in one block mixed up: one seeing
 *                     the other's uncommitted rows, a commit stamping the
 *                     other's rows, a rollback removing them
 *   runs/settle       runs kept forever (a run a row for autocommit
 *                     inserts), or dropped while an older snapshot still
 *                     must not see their rows
 *   chain/update      an update over a base not seen by its own later
 *                     commands or seen by older snapshots; its rollback not
 *                     bringing the base back; pruning not retiring the base,
 *                     or chains growing with every update
 *   chain/nested-snapshot  pruning by a transaction's current snapshot when a
 *                     nested statement moved it on while the outer
 *                     statement still reads by the older one
 *   block/free        rolled-back or deleted-and-pruned rows keeping their
 *                     blocks' memory; deleted rows never pruned (the
 *                     deleter's own snapshot protects them at its commit:
 *                     the table's next committed write must prune them)
 *   heap/sizing       bodies at odd addresses (numerics are read in place
 *                     and need 2-alignment), chunks far bigger than their
 *                     rows, a body bigger than a shared chunk
 *   redo/replace      recovery replacing one row many times running out of
 *                     chunk numbers (the compaction path); a block whose
 *                     bodies come out of row order not switching to 4-byte
 *                     offsets (rows read from the wrong chunk)
 *   index/versions    an index built over rows with chains and bases
 *                     missing either
 *   implicit/...      an id index whose entries are implicit (key = rowid +
 *                     d) losing a row to a lookup, a range scan or a unique
 *                     check: duplicates let in, rows returned twice or out
 *                     of order when the tree and the prefix both hold
 *                     entries, a prefix that goes on growing after a row
 *                     broke the pattern, an updated key found under its
 *                     old value
 */
#include "storage/table.h"
#include "storage/mvcc.h"
#include "base/error.h"
#include "base/numeric.h"

#include <glib.h>
#include <string.h>

static OxTxnMgr *mgr;

static OxTableData *
table_new (void)
{
	/* (id int4, note text, amount numeric) */
	OxTableData *d = ox_table_data_new (3, "t");
	ox_row_format_set_type (d->fmt, 0, OX_T_INT4);
	ox_row_format_set_type (d->fmt, 1, OX_T_TEXT);
	ox_row_format_set_type (d->fmt, 2, OX_T_NUMERIC);
	return d;
}

static OxArena *arena;

static void
row_vals (OxValue *v, int64_t id, const char *note)
{
	v[0] = ox_int (OX_T_INT4, id);
	v[1] = ox_text (OX_T_TEXT, note, strlen (note));
	char buf[32];
	g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT ".25", id);
	v[2] = (OxValue) { .type = OX_T_NUMERIC };
	v[2].v.num = ox_numeric_parse (arena, buf, strlen (buf));
}

static uint64_t
insert (OxTxn *t, OxTableData *d, int64_t id, const char *note)
{
	OxValue v[3];
	row_vals (v, id, note);
	uint64_t rowid = 0, wait = 0;
	g_assert_cmpint (ox_table_insert (t, d, v, &rowid, &wait), ==, OX_WRITE_OK);
	return rowid;
}

/* The ids t sees, in rowid order, as "1,2,3"; checks every row's body is
 * 2-aligned and decodes to its id's note-independent numeric. */
static char *
seen (OxTxn *t, OxTableData *d)
{
	GString *s = g_string_new (NULL);
	uint64_t pos = 0, rowids[7];
	OxRow rows[7];
	int n;
	while ((n = ox_table_scan (t, d, &pos, rows, rowids, 7)) > 0) {
		for (int k = 0; k < n; k++) {
			g_assert_cmpuint ((uintptr_t) rows[k] & 1, ==, 0);
			OxValue v[3];
			ox_tuple_decode (d->fmt, rows[k], v);
			char want[32];
			g_snprintf (want, sizeof want, "%" G_GINT64_FORMAT ".25", v[0].v.i);
			g_assert_cmpstr (ox_numeric_out (arena, v[2].v.num), ==, want);
			g_string_append_printf (s, "%s%" G_GINT64_FORMAT, s->len ? "," : "", v[0].v.i);
		}
	}
	return g_string_free (s, FALSE);
}

#define ASSERT_SEEN(t, d, want)                         \
	G_STMT_START {                                  \
		char *got_ = seen ((t), (d));           \
		g_assert_cmpstr (got_, ==, (want));     \
		g_free (got_);                          \
	} G_STMT_END

static OxTableStats
stats (OxTableData *d)
{
	OxTableStats st;
	ox_table_storage_stats (d, &st);
	g_assert_cmpuint (st.odd_bodies, ==, 0);
	return st;
}

static void
finish (OxTxn *t, bool commit)
{
	if (commit)
		ox_txn_commit (t);
	else
		ox_txn_abort (t);
	ox_txn_free (t);
}

static void
test_runs_cid (void)
{
	OxTableData *d = table_new ();
	OxTxn *t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	insert (t, d, 1, "a");           /* cid 1 */
	ASSERT_SEEN (t, d, "");         /* its own command's row: not yet */
	ox_txn_next_cid (t);             /* cid 2 */
	ASSERT_SEEN (t, d, "1");
	insert (t, d, 2, "b");
	ox_txn_next_cid (t);             /* cid 3 */
	insert (t, d, 3, "c");
	/* a statement inside another: a new cid, then back to the outer one */
	uint32_t outer = t->cid;
	ox_txn_next_cid (t);             /* cid 4 */
	insert (t, d, 4, "d");
	t->cid = outer;                  /* back to 3 */
	insert (t, d, 5, "e");
	ASSERT_SEEN (t, d, "1,2");       /* rows of cid 3 and 4 are not seen at 3 */
	t->cid = 4;
	ASSERT_SEEN (t, d, "1,2,3,5");   /* 4's row: not at 4 */
	t->cid = 5;
	ASSERT_SEEN (t, d, "1,2,3,4,5");
	OxTxn *other = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	ASSERT_SEEN (other, d, "");
	finish (t, true);
	ASSERT_SEEN (other, d, "");     /* its snapshot is older */
	OxTxn *later = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	ASSERT_SEEN (later, d, "1,2,3,4,5");
	finish (later, true);
	finish (other, true);
	ox_table_data_free (d);
}

static void
test_runs_interleaved (void)
{
	OxTableData *d = table_new ();
	OxTxn *a = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	OxTxn *b = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	for (int k = 0; k < 300; k++) {
		insert (a, d, 1000 + k, "from a");
		insert (b, d, 2000 + k, "from b");
		if (k % 7 == 0) {
			ox_txn_next_cid (a);
			ox_txn_next_cid (b);
		}
	}
	ox_txn_next_cid (a);
	ox_txn_next_cid (b);
	char *sa = seen (a, d), *sb = seen (b, d);
	g_assert_true (g_str_has_prefix (sa, "1000,1001,"));
	g_assert_null (strstr (sa, "2000"));
	g_assert_true (g_str_has_prefix (sb, "2000,2001,"));
	g_assert_null (strstr (sb, "1000"));
	g_free (sa);
	g_free (sb);
	finish (a, true);
	finish (b, false);
	OxTxn *c = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	GString *want = g_string_new (NULL);
	for (int k = 0; k < 300; k++)
		g_string_append_printf (want, "%s%d", k ? "," : "", 1000 + k);
	ASSERT_SEEN (c, d, want->str);
	g_string_free (want, TRUE);
	finish (c, true);
	OxTableStats st = stats (d);
	g_assert_cmpuint (st.bases, ==, 300);
	/* a's 300 runs (one a row: b's rows were between them) stay, since b's
	 * snapshot was older when a committed; b's went with its rows */
	g_assert_cmpuint (st.runs, ==, 300);
	c = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	insert (c, d, 3000, "settles the block");
	finish (c, true);
	g_assert_cmpuint (stats (d).runs, ==, 1);  /* c's own: c's snapshot does not see it */
	ox_table_data_free (d);
}

static void
test_runs_settle (void)
{
	OxTableData *d = table_new ();
	OxTxn *old = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	for (int k = 0; k < 50; k++) {
		OxTxn *t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
		insert (t, d, k, "autocommit");
		finish (t, true);
	}
	/* an older snapshot is running: every run stays, and hides its row */
	g_assert_cmpuint (stats (d).runs, ==, 50);
	ASSERT_SEEN (old, d, "");
	finish (old, true);
	OxTxn *t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	insert (t, d, 50, "last");
	finish (t, true);
	g_assert_cmpuint (stats (d).runs, ==, 1);  /* the 50 went; t's own stays */
	t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	char *s = seen (t, d);
	g_assert_true (g_str_has_prefix (s, "0,1,2,") && g_str_has_suffix (s, ",49,50"));
	g_free (s);
	finish (t, true);
	ox_table_data_free (d);
}

/* Update row rowid (which t sees) to id/note, or delete it (note NULL). */
static void
update (OxTxn *t, OxTableData *d, uint64_t rowid, int64_t id, const char *note)
{
	OxRow cur = ox_table_fetch (t, d, rowid);
	g_assert_nonnull (cur);
	OxValue v[3], *vals = NULL;
	if (note) {
		row_vals (v, id, note);
		vals = v;
	}
	uint64_t wait = 0;
	OxRow latest = NULL;
	g_assert_cmpint (ox_table_update (t, d, rowid, cur, vals, &wait, &latest), ==, OX_WRITE_OK);
}

static void
test_chain_update (void)
{
	OxTableData *d = table_new ();
	OxTxn *t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	uint64_t r1 = insert (t, d, 1, "one");
	insert (t, d, 2, "two");
	finish (t, true);

	OxTxn *old = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	update (t, d, r1, 10, "ten");
	ASSERT_SEEN (t, d, "1,2");       /* own change, same command: still the old row */
	ox_txn_next_cid (t);
	ASSERT_SEEN (t, d, "10,2");
	ASSERT_SEEN (old, d, "1,2");
	finish (t, false);               /* rollback: the base is the row again */
	ASSERT_SEEN (old, d, "1,2");
	g_assert_cmpuint (stats (d).versions, ==, 0);

	t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	update (t, d, r1, 11, "eleven");
	ox_txn_next_cid (t);
	update (t, d, r1, 12, "twelve");
	finish (t, true);
	ASSERT_SEEN (old, d, "1,2");     /* old's snapshot keeps the base alive */
	OxTableStats st = stats (d);
	g_assert_cmpuint (st.bases, ==, 2);
	g_assert_cmpuint (st.versions, ==, 2);
	finish (old, true);

	t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	ASSERT_SEEN (t, d, "12,2");
	update (t, d, r1, 13, "thirteen");
	finish (t, true);
	/* no older snapshot but the committer's own: pruning keeps what it
	 * read (12) and its own version; 11 and the base beneath are dead */
	st = stats (d);
	g_assert_cmpuint (st.bases, ==, 1);
	g_assert_cmpuint (st.versions, ==, 2);
	t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	update (t, d, r1, 14, "fourteen");
	finish (t, true);
	g_assert_cmpuint (stats (d).versions, ==, 2);  /* 14 and 13: chains stay short */
	t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	ASSERT_SEEN (t, d, "14,2");
	finish (t, true);
	ox_table_data_free (d);
}

/* A statement nested in another (a routine's query) refreshes the
 * transaction's snapshot while the outer statement still reads by the old
 * one: pruning must keep what the old one sees. */
static void
test_chain_nested_snapshot (void)
{
	OxTableData *d = table_new ();
	OxTxn *t = ox_txn_begin (mgr, OX_ISO_READ_COMMITTED);
	uint64_t r = insert (t, d, 1, "original");
	finish (t, true);
	OxTxn *a = ox_txn_begin (mgr, OX_ISO_READ_COMMITTED);
	ox_txn_refresh_snapshot (a);
	uint64_t outer = a->snapshot;
	OxRow before = ox_table_fetch (a, d, r);
	g_assert_nonnull (before);
	for (int k = 0; k < 3; k++) {
		t = ox_txn_begin (mgr, OX_ISO_READ_COMMITTED);
		ox_txn_refresh_snapshot (t);
		update (t, d, r, 2 + k, "newer");
		finish (t, true);
		ox_txn_refresh_snapshot (a);  /* the nested statement's snapshot */
	}
	/* back in the outer statement: its row is still there, unchanged */
	a->snapshot = outer;
	OxRow again = ox_table_fetch (a, d, r);
	g_assert_true (again == before);
	OxValue v[3];
	ox_tuple_decode (d->fmt, again, v);
	g_assert_cmpint (v[0].v.i, ==, 1);
	g_assert_cmpstr (v[1].v.str, ==, "original");
	finish (a, true);
	/* once a is gone, the next writer prunes down to one version */
	t = ox_txn_begin (mgr, OX_ISO_READ_COMMITTED);
	insert (t, d, 99, "a write to the table");
	finish (t, true);
	OxTableStats st = stats (d);
	g_assert_cmpuint (st.versions, ==, 1);
	g_assert_cmpuint (st.bases, ==, 1);  /* 99's; row r's base is dead */
	ox_table_data_free (d);
}

static void
test_block_free (void)
{
	OxTableData *d = table_new ();
	OxTxn *t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	for (int k = 0; k < 3000; k++)
		insert (t, d, k, "rolled back");
	g_assert_cmpuint (stats (d).blocks, ==, 3);
	finish (t, false);
	OxTableStats st = stats (d);
	g_assert_cmpuint (st.blocks, ==, 0);
	g_assert_cmpuint (st.heap_bytes, ==, 0);

	t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	uint64_t first = 0;
	for (int k = 0; k < 2048; k++) {
		uint64_t r = insert (t, d, k, "kept, then deleted");
		if (k == 0)
			first = r;
	}
	g_assert_cmpuint (first, ==, 3000);  /* rowids are never reused */
	finish (t, true);
	st = stats (d);
	g_assert_cmpuint (st.blocks, ==, 3);  /* rows 3000..5047: blocks 2, 3, 4 */
	g_assert_cmpuint (st.bases, ==, 2048);
	t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	for (uint64_t r = first; r < first + 2048; r++)
		update (t, d, r, 0, NULL);
	finish (t, true);
	/* the deleter's own snapshot kept the rows: the next commit that
	 * writes the table prunes them, and their blocks go */
	st = stats (d);
	g_assert_cmpuint (st.blocks, ==, 3);
	g_assert_cmpuint (st.versions, ==, 2048);
	t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	ASSERT_SEEN (t, d, "");
	uint64_t r = insert (t, d, 7, "after");
	g_assert_cmpuint (r, ==, 5048);
	ox_txn_next_cid (t);
	ASSERT_SEEN (t, d, "7");
	finish (t, true);
	st = stats (d);
	g_assert_cmpuint (st.blocks, ==, 1);  /* block 4, for row 5048 */
	g_assert_cmpuint (st.bases, ==, 1);
	g_assert_cmpuint (st.versions, ==, 0);
	ox_table_data_free (d);
}

static void
test_heap_sizing (void)
{
	OxTableData *d = table_new ();
	OxTxn *t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	/* odd-length notes put the next body at an odd offset unless aligned */
	for (int k = 0; k < 4096; k++)
		insert (t, d, k, k % 2 ? "odd" : "even!!");
	finish (t, true);
	OxTableStats st = stats (d);
	g_assert_cmpuint (st.blocks, ==, 4);
	g_assert_cmpuint (st.bases, ==, 4096);
	g_assert_cmpuint (st.wide_blocks, ==, 0);  /* bodies in row order: 2-byte offsets */
	/* chunks are sized by the rows: at most 8% more than the bodies after
	 * the first block, whose first chunks are guesses */
	g_test_message ("heap %" G_GUINT64_FORMAT " bytes for %" G_GUINT64_FORMAT " of bodies, %" G_GUINT64_FORMAT
	                " chunks", st.heap_bytes, st.body_bytes, st.chunks);
	g_assert_cmpuint (st.heap_bytes, <=, st.body_bytes + st.body_bytes / 12 + 4096);
	g_assert_cmpuint (st.chunks, <=, 4 + 8);

	/* a body bigger than a shared chunk (2 MiB) gets a chunk of its own */
	t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	char *big = g_malloc (3 << 20);
	memset (big, 'x', (3 << 20) - 1);
	big[(3 << 20) - 1] = '\0';
	insert (t, d, 99999, big);
	insert (t, d, 100000, "small after big");
	ox_txn_next_cid (t);
	char *s = seen (t, d);
	g_assert_true (g_str_has_suffix (s, ",4095,99999,100000"));
	g_free (s);
	finish (t, true);
	g_free (big);
	ox_table_data_free (d);
}

static void
test_redo_replace (void)
{
	OxTableData *d = table_new ();
	/* one row replaced 3000 times with 1 KiB notes: more bodies than a
	 * block has chunk numbers, unless the block is compacted */
	char note[1025];
	for (int k = 0; k < 3000; k++) {
		memset (note, 'a' + k % 26, 1024);
		note[1024] = '\0';
		OxValue v[3];
		row_vals (v, k, note);
		ox_table_redo_put (d, 5, v);
		row_vals (v, 100000 + k, "neighbour");
		ox_table_redo_put (d, 6 + (uint64_t) (k % 1000), v);
	}
	OxTxn *t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	OxRow r = ox_table_fetch (t, d, 5);
	g_assert_nonnull (r);
	OxValue v[3];
	ox_tuple_decode (d->fmt, r, v);
	g_assert_cmpint (v[0].v.i, ==, 2999);
	g_assert_cmpuint (v[1].len, ==, 1024);
	g_assert_cmpint (v[1].v.str[0], ==, 'a' + 2999 % 26);
	OxTableStats st = stats (d);
	g_assert_cmpuint (st.bases, ==, 1001);
	g_assert_cmpuint (st.runs, ==, 0);
	g_assert_cmpuint (st.wide_blocks, ==, 1);  /* row 5 again and again: out of order */
	g_assert_cmpuint (st.chunks, <, 2048);
	ox_table_redo_delete (d, 5);
	g_assert_null (ox_table_fetch (t, d, 5));
	g_assert_cmpuint (stats (d).bases, ==, 1000);
	finish (t, true);
	ox_table_data_free (d);
}

static void
test_index_versions (void)
{
	OxTableData *d = table_new ();
	OxTxn *t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	uint64_t r = insert (t, d, 1, "one");
	insert (t, d, 2, "two");
	finish (t, true);
	OxTxn *old = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	update (t, d, r, 3, "three");
	finish (t, true);
	/* the index made now must hold the base's key 1 (old sees it) and the
	 * chain's key 3 */
	int col = 0;
	OxTxn *ddl = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	OxIndexData *ix = ox_table_add_index (d, "t_id", "id", 1, &col, NULL, true, false, ddl);
	finish (ddl, true);
	for (int pass = 0; pass < 2; pass++) {
		OxTxn *who = pass ? ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ) : old;
		int64_t want = pass ? 3 : 1;
		OxValue key = ox_int (OX_T_INT4, want);
		OxIndexScan s;
		ox_index_scan_begin (&s, d, ix, &key, 1, true, &key, 1, true);
		OxRow rows[4];
		uint64_t rowids[4];
		int n = ox_index_scan_next (who, &s, rows, rowids, 4);
		ox_index_scan_end (&s);
		g_assert_cmpint (n, ==, 1);
		g_assert_cmpuint (rowids[0], ==, r);
		g_assert_cmpint (ox_tuple_get (d->fmt, rows[0], 0).v.i, ==, want);
		finish (who, true);
	}
	ox_table_data_free (d);
}

/* Insert, expecting 23505 (true) or success (false). */
static bool
insert_dup (OxTxn *t, OxTableData *d, int64_t id, const char *note)
{
	volatile bool dup = false;
	OX_TRY {
		insert (t, d, id, note);
	} OX_CATCH {
		OxErrorData e = { 0 };
		ox_error_take (&e);
		g_assert_cmpstr (e.sqlstate, ==, "23505");
		ox_error_data_clear (&e);
		dup = true;
	} OX_END_TRY;
	return dup;
}

/* The ids of the rows an index scan over [lo, hi] returns, in order, as
 * "id@rowid,..."; lo/hi < 0: open. */
static char *
index_range (OxTxn *t, OxTableData *d, OxIndexData *ix, int64_t lo, int64_t hi, int batch)
{
	OxValue l = ox_int (OX_T_INT4, lo), h = ox_int (OX_T_INT4, hi);
	OxIndexScan s;
	ox_index_scan_begin (&s, d, ix, lo >= 0 ? &l : NULL, lo >= 0, true, hi >= 0 ? &h : NULL, hi >= 0, true);
	GString *out = g_string_new (NULL);
	OxRow rows[64];
	uint64_t rowids[64];
	int n;
	while ((n = ox_index_scan_next (t, &s, rows, rowids, batch)) > 0)
		for (int k = 0; k < n; k++)
			g_string_append_printf (out, "%s%" G_GINT64_FORMAT "@%" G_GUINT64_FORMAT, out->len ? "," : "",
			                        ox_tuple_get (d->fmt, rows[k], 0).v.i, rowids[k]);
	ox_index_scan_end (&s);
	return g_string_free (out, FALSE);
}

static OxIndexData *
id_index (OxTableData *d, bool unique)
{
	int col = 0;
	OxTxn *ddl = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	OxIndexData *ix = ox_table_add_index (d, "t_id", "id", 1, &col, NULL, unique, unique, ddl);
	finish (ddl, true);
	return ix;
}

static void
test_implicit_pk (void)
{
	OxTableData *d = table_new ();
	OxIndexData *ix = id_index (d, true);
	OxTxn *t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	for (int k = 1; k <= 3000; k++)
		insert (t, d, k, "serial");
	/* every entry implicit: the tree is empty */
	g_assert_cmpint (ix->istate, ==, OX_IMPLICIT_ACTIVE);
	g_assert_cmpuint (ix->iupto, ==, 3000);
	g_assert_cmpuint (ox_btree_count (ix->tree), ==, 0);
	g_assert_true (insert_dup (t, d, 17, "again"));
	g_assert_true (insert_dup (t, d, 3000, "again"));
	finish (t, true);
	t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	char *r = index_range (t, d, ix, 1499, 1501, 64);
	g_assert_cmpstr (r, ==, "1499@1498,1500@1499,1501@1500");
	g_free (r);
	r = index_range (t, d, ix, 2999, -1, 1);  /* batches of one row */
	g_assert_cmpstr (r, ==, "2999@2998,3000@2999");
	g_free (r);
	r = index_range (t, d, ix, 5000, -1, 64);
	g_assert_cmpstr (r, ==, "");
	g_free (r);
	/* a key that breaks the pattern goes to the tree and freezes the prefix */
	uint64_t rid = insert (t, d, 7000, "gap");
	g_assert_cmpuint (rid, ==, 3000);
	insert (t, d, 3002, "would fit again");  /* rowid 3001: 3001 + 1 */
	g_assert_cmpuint (ix->iupto, ==, 3000);
	g_assert_cmpuint (ox_btree_count (ix->tree), ==, 2);
	g_assert_true (insert_dup (t, d, 3002, "dup in tree"));
	g_assert_true (insert_dup (t, d, 1, "dup in prefix"));
	ox_txn_next_cid (t);
	r = index_range (t, d, ix, 2999, -1, 2);
	g_assert_cmpstr (r, ==, "2999@2998,3000@2999,3002@3001,7000@3000");
	g_free (r);
	/* an update moves a key out of the prefix, and back */
	update (t, d, 9, 5000, "moved");  /* rowid 9 held id 10 */
	ox_txn_next_cid (t);
	r = index_range (t, d, ix, 9, 11, 64);
	g_assert_cmpstr (r, ==, "9@8,11@10");
	g_free (r);
	r = index_range (t, d, ix, 4999, 5001, 64);
	g_assert_cmpstr (r, ==, "5000@9");
	g_free (r);
	g_assert_false (insert_dup (t, d, 10, "10 is free now"));
	ox_txn_next_cid (t);
	g_assert_true (insert_dup (t, d, 5000, "taken by the update"));
	finish (t, true);
	/* a snapshot from before the update still finds 10 at rowid 9 through
	 * the implicit entry, the new one 5000 there */
	ox_table_data_free (d);
}

static void
test_implicit_concurrent (void)
{
	OxTableData *d = table_new ();
	OxIndexData *ix = id_index (d, true);
	OxTxn *a = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	insert (a, d, 1, "a");
	/* b inserts the same key into the tree (rowid 1 would be id 2):
	 * the check through the implicit entry must see a's uncommitted row */
	OxTxn *b = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	OxValue v[3];
	row_vals (v, 1, "b");
	uint64_t rowid = 0, wait = 0;
	g_assert_cmpint (ox_table_insert (b, d, v, &rowid, &wait), ==, OX_WRITE_WAIT);
	g_assert_cmpuint (wait, ==, a->id);
	finish (a, false);
	g_assert_cmpint (ox_table_insert (b, d, v, &rowid, &wait), ==, OX_WRITE_OK);
	g_assert_cmpuint (rowid, ==, 1);  /* rowid 0 was a's */
	finish (b, true);
	OxTxn *t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	char *r = index_range (t, d, ix, -1, -1, 64);
	g_assert_cmpstr (r, ==, "1@1");
	g_free (r);
	finish (t, true);
	ox_table_data_free (d);
}

/* An index made over rows already there builds the prefix from them. */
static void
test_implicit_create_index (void)
{
	OxTableData *d = table_new ();
	OxTxn *t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	for (int k = 0; k < 2000; k++)
		insert (t, d, 100 + k, "loaded first");
	finish (t, true);
	t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	update (t, d, 5, 50, "changed");
	finish (t, true);
	OxIndexData *ix = id_index (d, false);
	g_assert_cmpuint (ix->iupto, ==, 2000);
	g_assert_cmpuint (ox_btree_count (ix->tree), ==, 1);  /* the update's 50 */
	t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	char *r = index_range (t, d, ix, -1, 106, 64);
	g_assert_cmpstr (r, ==, "50@5,100@0,101@1,102@2,103@3,104@4,106@6");
	g_free (r);
	finish (t, true);
	ox_table_data_free (d);
}

/* A negative delta, and bounds before and past the prefix. */
static void
test_implicit_bounds (void)
{
	OxTableData *d = table_new ();
	OxIndexData *ix = id_index (d, true);
	OxTxn *t = ox_txn_begin (mgr, OX_ISO_REPEATABLE_READ);
	for (int k = -5; k <= 5; k++)
		insert (t, d, k, "around zero");
	ox_txn_next_cid (t);
	g_assert_cmpint (ix->idelta, ==, -5);
	g_assert_cmpuint (ox_btree_count (ix->tree), ==, 0);
	OxValue lo = ox_int (OX_T_INT4, -3), hi = ox_int (OX_T_INT4, 2);
	OxIndexScan sc;
	ox_index_scan_begin (&sc, d, ix, &lo, 1, false, &hi, 1, false);  /* -3 < id < 2 */
	OxRow rows[16];
	uint64_t rowids[16];
	int n = ox_index_scan_next (t, &sc, rows, rowids, 16);
	ox_index_scan_end (&sc);
	g_assert_cmpint (n, ==, 4);
	g_assert_cmpint (ox_tuple_get (d->fmt, rows[0], 0).v.i, ==, -2);
	g_assert_cmpint (ox_tuple_get (d->fmt, rows[3], 0).v.i, ==, 1);
	char *r = index_range (t, d, ix, -1, -1, 64);
	g_assert_true (g_str_has_prefix (r, "-5@0,-4@1,") && g_str_has_suffix (r, ",5@10"));
	g_free (r);
	/* a bound of another type compares by value (binary search) */
	OxValue big = ox_int (OX_T_INT8, INT64_MAX), small = ox_int (OX_T_INT8, INT64_MIN);
	ox_index_scan_begin (&sc, d, ix, &small, 1, true, &big, 1, true);
	n = ox_index_scan_next (t, &sc, rows, rowids, 16);
	ox_index_scan_end (&sc);
	g_assert_cmpint (n, ==, 11);
	g_assert_true (insert_dup (t, d, -5, "dup"));
	g_assert_false (insert_dup (t, d, -6, "below the prefix"));
	finish (t, true);
	ox_table_data_free (d);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	arena = ox_arena_new ();
	mgr = ox_txn_mgr_new ();
	g_test_add_func ("/table/runs/cid", test_runs_cid);
	g_test_add_func ("/table/runs/interleaved", test_runs_interleaved);
	g_test_add_func ("/table/runs/settle", test_runs_settle);
	g_test_add_func ("/table/chain/update", test_chain_update);
	g_test_add_func ("/table/chain/nested-snapshot", test_chain_nested_snapshot);
	g_test_add_func ("/table/block/free", test_block_free);
	g_test_add_func ("/table/heap/sizing", test_heap_sizing);
	g_test_add_func ("/table/redo/replace", test_redo_replace);
	g_test_add_func ("/table/index/versions", test_index_versions);
	g_test_add_func ("/table/implicit/pk", test_implicit_pk);
	g_test_add_func ("/table/implicit/concurrent", test_implicit_concurrent);
	g_test_add_func ("/table/implicit/create-index", test_implicit_create_index);
	g_test_add_func ("/table/implicit/bounds", test_implicit_bounds);
	int rc = g_test_run ();
	ox_txn_mgr_free (mgr);
	ox_arena_free (arena);
	return rc;
}

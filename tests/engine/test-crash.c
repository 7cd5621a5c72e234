/*
 * test-crash.c — the crash torture test: a random write workload is cut
 * off at a random moment, and the database that reopens must hold every
 * acknowledged transaction whole and no unacknowledged one in part.
 *
 *   sigkill           a child process runs the workload in `full` (and
 *                     sometimes `normal`) mode and reports each commit the
 *                     moment ox_exec returns, through a pipe; the parent
 *                     SIGKILLs it 1-30 ms into the workload (or, one round
 *                     in eight, 0-3 ms after fork, in the middle of opening
 *                     and recovering), reopens the directory and compares.
 *                     A process crash keeps what reached the operating
 *                     system, so both modes must keep every acknowledged
 *                     commit.
 *   power-loss/full   the child tracks durability in the file layer and
 *                     calls ox_file_simulate_crash, which drops whatever was
 *                     not fsynced (tearing the unsynced tail at random),
 *                     either between commits or from another thread while
 *                     commits run, then dies on the spot.  `full` promises
 *                     the same as under SIGKILL.
 *   power-loss/normal, power-loss/off
 *                     the same crash; these modes may lose the last commits,
 *                     so the state must be some prefix of the transactions
 *                     (never a hole, never a part of one).
 *
 * The workload is a deterministic function of a seed and of the model of
 * the database it starts from, so the checker knows the exact state after
 * every prefix of the transactions without being told more than "lane L
 * acknowledged transaction N, whose statements hash to H".  Each lane (up
 * to three run concurrently, to exercise group commit) owns the tables
 * lN_ledger, lN_aux1 and lN_aux2 and runs inserts, updates (also of the
 * primary key), deletes, CREATE/DROP TABLE, CREATE/DROP INDEX, DROP and
 * re-CREATE of the same name in one transaction, explicit transactions with
 * savepoints released or rolled back, ROLLBACKs, statements that fail with
 * a duplicate key (alone, and inside transactions that then cannot commit)
 * and CHECKPOINTs while the other lanes write.  After a crash, each lane's
 * tables, indexes and rows must equal the model after its last acknowledged
 * transaction or after exactly one more committing transaction (the one in
 * flight, durable but not yet acknowledged); index lookups are checked
 * against the model too.  Each check closes the database cleanly, which
 * writes a shutdown checkpoint, so the next round starts from an image plus
 * the log after it.
 *
 * What this catches: an acknowledged commit lost (fsync skipped or done
 * before the write, group commit waking a follower whose record was not in
 * the flushed batch, segment switches losing records, recovery stopping
 * early or dropping a segment, the torn tail or a damaged segment header
 * left in place so that later records become unreadable); a transaction
 * replayed in part or a rolled-back one replayed (savepoint undo logged,
 * aborted transactions logged); DDL replayed out of order or with reused
 * oids (DROP + CREATE of one name); indexes not rebuilt, or rebuilt from the
 * wrong rows; row ids reused after recovery; a crash during recovery that
 * damages the log; a checkpoint whose snapshot and redo point disagree,
 * published before it is durable, or removing log it still needs.
 *
 * NOTE: rounds go on in the same directory, so each round recovers a log
 * that was itself recovered and cut; every FRESH_EVERY rounds (and after
 * a failed round) the directory starts over.  OXIBASE_CRASH_ROUNDS or
 * --rounds N sets the number of SIGKILL rounds (the power-loss tests run a
 * share of it).  The seed is printed; OXIBASE_CRASH_SEED replays the same
 * decisions (workloads, kill delays, modes), though not the same timing.
 * OXIBASE_CRASH_KEEP=DIR keeps copies of a failed round's directory.
 * NOTE: a simulated crash happens in a child process that exits right
 * after it (power_off): the crash kills only the handles open at that
 * moment, and a process that went on — a lane inside CHECKPOINT, the
 * shutdown checkpoint of ox_db_close — would act after its death.  The
 * parent never tracks durability, so its checks stay on the fast path.
 */
#define _GNU_SOURCE  /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "oxibase.h"
#include "test-util.h"
#include "storage/file.h"

enum {
	NLANES      = 3,    /* concurrent workloads, each on its own tables */
	NREL        = 3,    /* tables per lane */
	LEDGER      = 2,    /* the lane's table that always exists */
	KDOM        = 10,   /* k takes values 0 .. KDOM-1 (indexed lookups hit groups) */
	MAXROWS     = 120,  /* above this a table only shrinks */
	IDS_PER_TXN = 64,   /* row ids are ntxn * IDS_PER_TXN + n */
	FRESH_EVERY = 25,   /* rounds per directory */
};

/* Sorted by name, so dumps list them in the order the database sorts them. */
static const char *const rel_names[NREL] = { "aux1", "aux2", "ledger" };

static int      opt_rounds = 200;  /* SIGKILL rounds */
static guint32  opt_seed;          /* 0: from g_test */

/* ---- the model ------------------------------------------------------------------ */

typedef struct Row {
	int   k;
	char *v;  /* NULL for SQL NULL */
} Row;

typedef struct Rel {
	gboolean exists;
	gboolean indexed;  /* has the secondary index <table>_k on k */
	GTree   *rows;     /* id (gintptr) -> Row*, owned */
} Rel;

typedef enum UndoKind {
	UNDO_ROW,          /* a row was put or removed */
	UNDO_REL,          /* a table or index was created or dropped */
} UndoKind;

typedef struct Undo {
	UndoKind kind;
	int      rel;
	gintptr  id;       /* ROW */
	Row     *old;      /* ROW: the row before, or NULL when there was none */
	gboolean exists;   /* REL: the state before */
	gboolean indexed;
	GTree   *rows;     /* REL: the rows before when replaced, else NULL */
} Undo;

/* One lane's tables as the model sees them, plus the undo log of the
 * transaction being generated (savepoints and rollbacks unwind it). */
typedef struct Lane {
	int      no;
	guint64  ntxn;     /* transactions generated in this lane's history */
	Rel      rel[NREL];
	GArray  *undo;     /* Undo, empty between transactions */
} Lane;

static gint
cmp_id (gconstpointer a, gconstpointer b, gpointer unused)
{
	gintptr x = (gintptr) a, y = (gintptr) b;
	return x < y ? -1 : x > y;
}

static Row *
row_new (int k, const char *v)
{
	Row *r = g_new (Row, 1);
	r->k = k;
	r->v = g_strdup (v);
	return r;
}

static void
row_free (gpointer p)
{
	Row *r = p;
	if (r) {
		g_free (r->v);
		g_free (r);
	}
}

static GTree *
rows_new (void)
{
	return g_tree_new_full (cmp_id, NULL, NULL, row_free);
}

static Lane *
lane_new (int no)
{
	Lane *L = g_new0 (Lane, 1);
	L->no = no;
	for (int i = 0; i < NREL; i++)
		L->rel[i].rows = rows_new ();
	L->undo = g_array_new (FALSE, FALSE, sizeof (Undo));
	return L;
}

static void
undo_free (Undo *u)
{
	row_free (u->old);
	if (u->rows)
		g_tree_unref (u->rows);
}

static void
lane_free (Lane *L)
{
	if (!L)
		return;
	for (guint i = 0; i < L->undo->len; i++)
		undo_free (&g_array_index (L->undo, Undo, i));
	g_array_unref (L->undo);
	for (int i = 0; i < NREL; i++)
		g_tree_unref (L->rel[i].rows);
	g_free (L);
}

static gboolean
copy_row_cb (gpointer k, gpointer v, gpointer user)
{
	Row *r = v;
	g_tree_insert (user, k, row_new (r->k, r->v));
	return FALSE;
}

static Lane *
lane_copy (const Lane *src)
{
	g_assert (src->undo->len == 0);
	Lane *L = lane_new (src->no);
	L->ntxn = src->ntxn;
	for (int i = 0; i < NREL; i++) {
		L->rel[i].exists = src->rel[i].exists;
		L->rel[i].indexed = src->rel[i].indexed;
		g_tree_foreach (src->rel[i].rows, copy_row_cb, L->rel[i].rows);
	}
	return L;
}

/* Put (k, v) at id, or remove id when remove is TRUE, remembering the old row. */
static void
m_row (Lane *L, int rel, gintptr id, gboolean remove, int k, const char *v)
{
	GTree *t = L->rel[rel].rows;
	Row *cur = g_tree_lookup (t, (gpointer) id);
	Undo u = { .kind = UNDO_ROW, .rel = rel, .id = id, .old = cur ? row_new (cur->k, cur->v) : NULL };
	g_array_append_val (L->undo, u);
	if (remove)
		g_tree_remove (t, (gpointer) id);
	else
		g_tree_replace (t, (gpointer) id, row_new (k, v));
}

/* Change a table's existence or index; new_rows: it starts empty (CREATE
 * and DROP TABLE), the old rows kept for undo. */
static void
m_rel (Lane *L, int rel, gboolean exists, gboolean indexed, gboolean new_rows)
{
	Rel *R = &L->rel[rel];
	Undo u = { .kind = UNDO_REL, .rel = rel, .exists = R->exists, .indexed = R->indexed };
	if (new_rows) {
		u.rows = R->rows;
		R->rows = rows_new ();
	}
	g_array_append_val (L->undo, u);
	R->exists = exists;
	R->indexed = indexed;
}

static guint
m_mark (Lane *L)
{
	return L->undo->len;
}

static void
m_undo_to (Lane *L, guint mark)
{
	while (L->undo->len > mark) {
		Undo *u = &g_array_index (L->undo, Undo, L->undo->len - 1);
		Rel *R = &L->rel[u->rel];
		if (u->kind == UNDO_ROW) {
			if (u->old)
				g_tree_replace (R->rows, (gpointer) u->id, g_steal_pointer (&u->old));
			else
				g_tree_remove (R->rows, (gpointer) u->id);
		} else {
			R->exists = u->exists;
			R->indexed = u->indexed;
			if (u->rows) {
				g_tree_unref (R->rows);
				R->rows = g_steal_pointer (&u->rows);
			}
		}
		undo_free (u);
		g_array_set_size (L->undo, L->undo->len - 1);
	}
}

static void
m_commit (Lane *L)
{
	for (guint i = 0; i < L->undo->len; i++)
		undo_free (&g_array_index (L->undo, Undo, i));
	g_array_set_size (L->undo, 0);
}

/* ---- the workload ---------------------------------------------------------------- */

typedef struct Step {
	char       *sql;
	const char *expect;  /* SQLSTATE it must fail with, or NULL: must succeed */
} Step;

typedef struct Txn {
	GArray  *steps;      /* Step */
	gboolean commits;    /* its last step commits something (an ack is due) */
	guint32  hash;       /* of every step, so parent and child can compare */
	gint64   base;       /* first row id it may use */
	int      nids;       /* row ids used */
} Txn;

static void
txn_init (Txn *t)
{
	memset (t, 0, sizeof *t);
	t->steps = g_array_new (FALSE, FALSE, sizeof (Step));
}

static void
txn_clear (Txn *t)
{
	for (guint i = 0; i < t->steps->len; i++)
		g_free (g_array_index (t->steps, Step, i).sql);
	g_array_unref (t->steps);
}

G_GNUC_PRINTF (3, 4) static void
step (Txn *t, const char *expect, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	Step s = { g_strdup_vprintf (fmt, ap), expect };
	va_end (ap);
	g_array_append_val (t->steps, s);
}

static gintptr
new_id (Txn *t)
{
	g_assert (t->nids < IDS_PER_TXN);
	return (gintptr) (t->base + t->nids++);
}

static char *
tname (const Lane *L, int rel)
{
	return g_strdup_printf ("l%d_%s", L->no, rel_names[rel]);
}

/* A value for v: the model's string (NULL for SQL NULL) and its SQL literal. */
static char *
gen_v (GRand *r, gintptr id, char **lit)
{
	int c = g_rand_int_range (r, 0, 100);
	char *v;
	if (c < 10) {
		*lit = g_strdup ("NULL");
		return NULL;
	} else if (c < 20)
		v = g_strdup_printf ("it's %" G_GINTPTR_FORMAT, id);
	else if (c < 28) {
		/* long values make records of very different sizes, so segment
		 * switches and torn records land everywhere */
		int n = g_rand_int_range (r, 100, 3000);
		v = g_malloc (n + 1);
		memset (v, 'a' + (int) (id % 26), n);
		v[n] = '\0';
	} else
		v = g_strdup_printf ("v%" G_GINTPTR_FORMAT ".%u", id, g_rand_int_range (r, 0, 1000));
	GString *g = g_string_new ("'");
	for (const char *p = v; *p; p++) {
		if (*p == '\'')
			g_string_append_c (g, '\'');
		g_string_append_c (g, *p);
	}
	g_string_append_c (g, '\'');
	*lit = g_string_free (g, FALSE);
	return v;
}

typedef struct Collect {
	int     k;       /* -1: every row */
	GArray *ids;
} Collect;

static gboolean
collect_cb (gpointer key, gpointer value, gpointer user)
{
	Collect *c = user;
	Row *r = value;
	if (c->k < 0 || r->k == c->k) {
		gintptr id = (gintptr) key;
		g_array_append_val (c->ids, id);
	}
	return FALSE;
}

/* Ids of rows with k (or all, k < 0), ascending. */
static GArray *
ids_with_k (GTree *rows, int k)
{
	Collect c = { k, g_array_new (FALSE, FALSE, sizeof (gintptr)) };
	g_tree_foreach (rows, collect_cb, &c);
	return c.ids;
}

static gintptr
pick_id (GTree *rows, GRand *r)
{
	GArray *ids = ids_with_k (rows, -1);
	gintptr id = ids->len ? g_array_index (ids, gintptr, g_rand_int_range (r, 0, (gint32) ids->len)) : -1;
	g_array_unref (ids);
	return id;
}

/* An existing table of the lane; the ledger weighs three. */
static int
pick_rel (Lane *L, GRand *r)
{
	int w[NREL], total = 0;
	for (int i = 0; i < NREL; i++)
		total += w[i] = L->rel[i].exists ? (i == LEDGER ? 3 : 1) : 0;
	g_assert (total > 0);
	int x = g_rand_int_range (r, 0, total);
	for (int i = 0; i < NREL; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	g_assert_not_reached ();
}

static void
op_insert (Lane *L, GRand *r, Txn *t, int rel, int n)
{
	char *name = tname (L, rel);
	GString *sql = g_string_new (NULL);
	g_string_printf (sql, "INSERT INTO %s VALUES ", name);
	for (int i = 0; i < n; i++) {
		gintptr id = new_id (t);
		int k = g_rand_int_range (r, 0, KDOM);
		char *lit;
		char *v = gen_v (r, id, &lit);
		g_string_append_printf (sql, "%s(%" G_GINTPTR_FORMAT ", %d, %s)", i ? ", " : "", id, k, lit);
		m_row (L, rel, id, FALSE, k, v);
		g_free (v);
		g_free (lit);
	}
	step (t, NULL, "%s", sql->str);
	g_string_free (sql, TRUE);
	g_free (name);
}

/* One data-changing statement on table rel (or a random one, rel < 0). */
static void
op_dml (Lane *L, GRand *r, Txn *t, int rel)
{
	if (rel < 0)
		rel = pick_rel (L, r);
	GTree *rows = L->rel[rel].rows;
	int n = g_tree_nnodes (rows);
	int c = g_rand_int_range (r, 0, 100);
	if (n >= MAXROWS)
		c = 95;
	if (n < 3 || c < 40) {
		op_insert (L, r, t, rel, g_rand_int_range (r, 1, 4));
		return;
	}
	char *name = tname (L, rel);
	if (c < 60) {
		gintptr id = pick_id (rows, r);
		int k = g_rand_int_range (r, 0, KDOM);
		char *lit;
		char *v = gen_v (r, id, &lit);
		step (t, NULL, "UPDATE %s SET k = %d, v = %s WHERE id = %" G_GINTPTR_FORMAT, name, k, lit, id);
		m_row (L, rel, id, FALSE, k, v);
		g_free (v);
		g_free (lit);
	} else if (c < 72) {
		int k = g_rand_int_range (r, 0, KDOM);
		char *lit;
		char *v = gen_v (r, k, &lit);
		step (t, NULL, "UPDATE %s SET v = %s WHERE k = %d", name, lit, k);
		GArray *ids = ids_with_k (rows, k);
		for (guint i = 0; i < ids->len; i++)
			m_row (L, rel, g_array_index (ids, gintptr, i), FALSE, k, v);
		g_array_unref (ids);
		g_free (v);
		g_free (lit);
	} else if (c < 78) {
		/* a new primary key: the row moves in the pkey index */
		gintptr id = pick_id (rows, r), to = new_id (t);
		Row *old = g_tree_lookup (rows, (gpointer) id);
		step (t, NULL, "UPDATE %s SET id = %" G_GINTPTR_FORMAT " WHERE id = %" G_GINTPTR_FORMAT, name, to, id);
		m_row (L, rel, to, FALSE, old->k, old->v);
		m_row (L, rel, id, TRUE, 0, NULL);
	} else if (c < 90) {
		gintptr id = pick_id (rows, r);
		step (t, NULL, "DELETE FROM %s WHERE id = %" G_GINTPTR_FORMAT, name, id);
		m_row (L, rel, id, TRUE, 0, NULL);
	} else {
		int k = g_rand_int_range (r, 0, KDOM);
		step (t, NULL, "DELETE FROM %s WHERE k = %d", name, k);
		GArray *ids = ids_with_k (rows, k);
		for (guint i = 0; i < ids->len; i++)
			m_row (L, rel, g_array_index (ids, gintptr, i), TRUE, 0, NULL);
		g_array_unref (ids);
	}
	g_free (name);
}

/* A statement that fails with a duplicate key; FALSE when no row exists to
 * collide with. */
static gboolean
op_dup (Lane *L, GRand *r, Txn *t)
{
	int rel = pick_rel (L, r);
	gintptr id = pick_id (L->rel[rel].rows, r);
	if (id < 0)
		return FALSE;
	char *name = tname (L, rel);
	step (t, "23505", "INSERT INTO %s VALUES (%" G_GINTPTR_FORMAT ", 0, 'dup')", name, id);
	g_free (name);
	return TRUE;
}

static void
op_create (Lane *L, GRand *r, Txn *t, int rel, gboolean index)
{
	char *name = tname (L, rel);
	step (t, NULL, "CREATE TABLE %s (id bigint PRIMARY KEY, k int, v text)", name);
	m_rel (L, rel, TRUE, FALSE, TRUE);
	if (index) {
		step (t, NULL, "CREATE INDEX %s_k ON %s (k)", name, name);
		m_rel (L, rel, TRUE, TRUE, FALSE);
	}
	g_free (name);
}

static void
op_drop (Lane *L, Txn *t, int rel)
{
	char *name = tname (L, rel);
	step (t, NULL, "DROP TABLE %s", name);
	m_rel (L, rel, FALSE, FALSE, TRUE);
	g_free (name);
}

static void
op_index (Lane *L, Txn *t, int rel)
{
	char *name = tname (L, rel);
	if (L->rel[rel].indexed) {
		step (t, NULL, "DROP INDEX %s_k", name);
		m_rel (L, rel, TRUE, FALSE, FALSE);
	} else {
		step (t, NULL, "CREATE INDEX %s_k ON %s (k)", name, name);
		m_rel (L, rel, TRUE, TRUE, FALSE);
	}
	g_free (name);
}

static void
gen_ddl (Lane *L, GRand *r, Txn *t)
{
	int rel = g_rand_int_range (r, 0, NREL);
	Rel *R = &L->rel[rel];
	int c = g_rand_int_range (r, 0, 100);
	gboolean rollback = g_rand_int_range (r, 0, 100) < 20;
	/* DROP + CREATE of one name must be one transaction */
	gboolean recreate = rel != LEDGER && R->exists && c >= 80;
	gboolean explicit_ = rollback || recreate || g_rand_boolean (r);
	if (explicit_)
		step (t, NULL, "BEGIN");
	if (explicit_ && g_rand_boolean (r))
		op_dml (L, r, t, -1);
	if (rel == LEDGER)
		op_index (L, t, rel);
	else if (!R->exists) {
		/* in autocommit each statement is a transaction of its own */
		op_create (L, r, t, rel, explicit_ && g_rand_boolean (r));
		if (explicit_)
			op_insert (L, r, t, rel, g_rand_int_range (r, 1, 4));
	} else if (recreate) {
		op_drop (L, t, rel);
		op_create (L, r, t, rel, g_rand_boolean (r));
		op_insert (L, r, t, rel, g_rand_int_range (r, 1, 4));
	} else if (c < 45)
		op_index (L, t, rel);
	else
		op_drop (L, t, rel);
	if (explicit_ && g_rand_boolean (r))
		op_dml (L, r, t, -1);
	if (!explicit_)
		t->commits = TRUE;
	else if (rollback)
		step (t, NULL, "ROLLBACK");
	else {
		step (t, NULL, "COMMIT");
		t->commits = TRUE;
	}
}

/* Generate the lane's next transaction into t and apply it to the model
 * (a transaction that does not commit leaves the model as it was). */
static void
gen_txn (Lane *L, GRand *r, Txn *t)
{
	txn_init (t);
	L->ntxn++;
	t->base = (gint64) L->ntxn * IDS_PER_TXN;
	guint mark = m_mark (L);
	int c = g_rand_int_range (r, 0, 100);
	if (!L->rel[LEDGER].exists) {
		step (t, NULL, "BEGIN");
		op_create (L, r, t, LEDGER, TRUE);
		op_insert (L, r, t, LEDGER, 3);
		step (t, NULL, "COMMIT");
		t->commits = TRUE;
	} else if (c < 35) {
		op_dml (L, r, t, -1);
		t->commits = TRUE;
	} else if (c < 62) {
		step (t, NULL, "BEGIN");
		int n = g_rand_int_range (r, 1, 6);
		for (int i = 0; i < n; i++) {
			if (g_rand_int_range (r, 0, 4) > 0) {
				op_dml (L, r, t, -1);
				continue;
			}
			step (t, NULL, "SAVEPOINT s%d", i);
			guint sp = m_mark (L);
			op_dml (L, r, t, -1);
			/* a failed statement can only be undone by rolling back to the savepoint */
			gboolean failed = g_rand_int_range (r, 0, 3) == 0 && op_dup (L, r, t);
			if (!failed && g_rand_boolean (r))
				op_dml (L, r, t, -1);
			if (failed || g_rand_boolean (r)) {
				step (t, NULL, "ROLLBACK TO SAVEPOINT s%d", i);
				m_undo_to (L, sp);
			} else
				step (t, NULL, "RELEASE SAVEPOINT s%d", i);
		}
		step (t, NULL, "COMMIT");
		t->commits = TRUE;
	} else if (c < 70) {
		step (t, NULL, "BEGIN");
		int n = g_rand_int_range (r, 1, 4);
		for (int i = 0; i < n; i++)
			op_dml (L, r, t, -1);
		step (t, NULL, "ROLLBACK");
	} else if (c < 75) {
		if (!op_dup (L, r, t)) {
			op_dml (L, r, t, -1);
			t->commits = TRUE;
		}
	} else if (c < 78) {
		/* a checkpoint while other lanes write; a crash in the middle of
		 * one leaves a partial image or an image without its cleanup */
		step (t, NULL, "CHECKPOINT");
	} else if (c < 82) {
		/* COMMIT of a failed transaction rolls back (and succeeds) */
		step (t, NULL, "BEGIN");
		op_dml (L, r, t, -1);
		if (op_dup (L, r, t))
			step (t, NULL, "COMMIT");
		else
			step (t, NULL, "ROLLBACK");
	} else
		gen_ddl (L, r, t);
	if (!t->commits)
		m_undo_to (L, mark);
	m_commit (L);
	guint32 h = 2166136261u;
	for (guint i = 0; i < t->steps->len; i++) {
		Step *s = &g_array_index (t->steps, Step, i);
		for (const char *p = s->sql; *p; p++)
			h = (h ^ (guchar) *p) * 16777619u;
		h = (h ^ (s->expect ? 1u : 0u)) * 16777619u;
	}
	t->hash = h;
}

static GRand *
lane_rand (guint32 seed, int lane)
{
	guint32 s[2] = { seed, (guint32) lane };
	return g_rand_new_with_seed_array (s, 2);
}

/* Run t's statements; NULL when each did what it should, else why not. */
static char *
run_txn (OxSession *s, const Txn *t)
{
	for (guint i = 0; i < t->steps->len; i++) {
		const Step *st = &g_array_index (t->steps, Step, i);
		OxError e = { 0 };
		int rc = ox_exec (s, st->sql, &e);
		char *why = NULL;
		if (!st->expect && rc != OX_OK)
			why = g_strdup_printf ("%.200s: %s %s", st->sql, e.sqlstate, e.message);
		else if (st->expect && rc == OX_OK)
			why = g_strdup_printf ("%.200s: succeeded, should fail with %s", st->sql, st->expect);
		else if (st->expect && strcmp (e.sqlstate, st->expect) != 0)
			why = g_strdup_printf ("%.200s: %s %s, should fail with %s", st->sql, e.sqlstate, e.message, st->expect);
		ox_error_clear (&e);
		if (why) {
			/* leave the session idle for whoever uses it next */
			if (ox_session_txn_status (s) != 'I')
				ox_exec (s, "ROLLBACK", NULL);
			return why;
		}
	}
	if (ox_session_txn_status (s) != 'I')
		return g_strdup_printf ("transaction still open after its last statement (status %c)",
		                        ox_session_txn_status (s));
	return NULL;
}

/* ---- dumping and comparing --------------------------------------------------------- */

/* A value as dumps show it: long ones by length and hash, so that a
 * failure message stays readable. */
static void
value_append (GString *g, const char *v)
{
	size_t n = v ? strlen (v) : 0;
	if (!v)
		g_string_append (g, "NULL");
	else if (n <= 40)
		g_string_append (g, v);
	else
		g_string_append_printf (g, "%.8s...(%zu bytes, hash %08x)", v, n, g_str_hash (v));
}

static void
rows_append (GString *g, GTree *rows)
{
	GArray *ids = ids_with_k (rows, -1);
	for (guint i = 0; i < ids->len; i++) {
		gintptr id = g_array_index (ids, gintptr, i);
		Row *r = g_tree_lookup (rows, (gpointer) id);
		g_string_append_printf (g, " %" G_GINTPTR_FORMAT "|%d|", id, r->k);
		value_append (g, r->v);
		g_string_append_c (g, '\n');
	}
	g_array_unref (ids);
}

static gint
cmp_str (gconstpointer a, gconstpointer b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
names_append (GString *g, const char *label, GPtrArray *names)
{
	g_ptr_array_sort (names, cmp_str);
	g_string_append (g, label);
	for (guint i = 0; i < names->len; i++)
		g_string_append_printf (g, " %s", (char *) names->pdata[i]);
	g_string_append_c (g, '\n');
}

/* The lane as the database should show it. */
static char *
lane_dump (const Lane *L)
{
	GString *g = g_string_new (NULL);
	GPtrArray *tabs = g_ptr_array_new_with_free_func (g_free);
	GPtrArray *idx = g_ptr_array_new_with_free_func (g_free);
	for (int i = 0; i < NREL; i++) {
		if (!L->rel[i].exists)
			continue;
		g_ptr_array_add (tabs, tname (L, i));
		g_ptr_array_add (idx, g_strdup_printf ("l%d_%s_pkey", L->no, rel_names[i]));
		if (L->rel[i].indexed)
			g_ptr_array_add (idx, g_strdup_printf ("l%d_%s_k", L->no, rel_names[i]));
	}
	names_append (g, "tables:", tabs);
	names_append (g, "indexes:", idx);
	for (int i = 0; i < NREL; i++) {
		if (!L->rel[i].exists)
			continue;
		char *n = tname (L, i);
		g_string_append_printf (g, "%s:\n", n);
		g_free (n);
		rows_append (g, L->rel[i].rows);
	}
	g_ptr_array_unref (tabs);
	g_ptr_array_unref (idx);
	return g_string_free (g, FALSE);
}

/* Run a query and append its rows as " a|b\n" lines; FALSE (why in *err)
 * when it fails. */
static gboolean
query_append (OxSession *s, const char *sql, GString *out, GPtrArray *col0, char **err)
{
	OxError e = { 0 };
	OxStmt *st = NULL;
	if (ox_prepare (s, sql, -1, &st, NULL, &e) != OX_OK) {
		*err = g_strdup_printf ("%s: %s %s", sql, e.sqlstate, e.message);
		ox_error_clear (&e);
		return FALSE;
	}
	int rc;
	while ((rc = ox_step (st, &e)) == OX_ROW) {
		if (col0)
			g_ptr_array_add (col0, g_strdup (ox_column_text (st, 0)));
		if (!out)
			continue;
		g_string_append_c (out, ' ');
		for (int c = 0; c < ox_column_count (st); c++) {
			if (c)
				g_string_append_c (out, '|');
			value_append (out, ox_column_text (st, c));
		}
		g_string_append_c (out, '\n');
	}
	ox_finalize (st);
	if (rc != OX_DONE) {
		*err = g_strdup_printf ("%s: %s %s", sql, e.sqlstate, e.message);
		ox_error_clear (&e);
		return FALSE;
	}
	return TRUE;
}

/* The lane as the database shows it, in lane_dump's format; NULL (why in
 * *err) when a query fails. */
static char *
db_dump (OxSession *s, int lane, char **err)
{
	char *prefix = g_strdup_printf ("l%d_", lane);
	GPtrArray *all_t = g_ptr_array_new_with_free_func (g_free);
	GPtrArray *all_i = g_ptr_array_new_with_free_func (g_free);
	GPtrArray *tabs = g_ptr_array_new ();
	GPtrArray *idx = g_ptr_array_new ();
	GString *g = g_string_new (NULL);
	gboolean ok = query_append (s, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
	                            NULL, all_t, err)
	              && query_append (s, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'", NULL, all_i, err);
	for (guint i = 0; ok && i < all_t->len; i++)
		if (g_str_has_prefix (all_t->pdata[i], prefix))
			g_ptr_array_add (tabs, all_t->pdata[i]);
	for (guint i = 0; ok && i < all_i->len; i++)
		if (g_str_has_prefix (all_i->pdata[i], prefix))
			g_ptr_array_add (idx, all_i->pdata[i]);
	if (ok) {
		names_append (g, "tables:", tabs);
		names_append (g, "indexes:", idx);
	}
	for (guint i = 0; ok && i < tabs->len; i++) {
		g_string_append_printf (g, "%s:\n", (char *) tabs->pdata[i]);
		char *sql = g_strdup_printf ("SELECT id, k, v FROM %s ORDER BY id", (char *) tabs->pdata[i]);
		ok = query_append (s, sql, g, NULL, err);
		g_free (sql);
	}
	g_ptr_array_unref (tabs);
	g_ptr_array_unref (idx);
	g_ptr_array_unref (all_t);
	g_ptr_array_unref (all_i);
	g_free (prefix);
	return ok ? g_string_free (g, FALSE) : (g_string_free (g, TRUE), NULL);
}

/* Where two dumps first differ, for the failure message. */
static char *
first_diff (const char *got, const char *want)
{
	char **a = g_strsplit (got, "\n", -1), **b = g_strsplit (want, "\n", -1);
	char *out = NULL;
	for (int i = 0; !out; i++) {
		if (!a[i] || !b[i] || strcmp (a[i], b[i]) != 0)
			out = g_strdup_printf ("line %d: database has \"%.120s\", model has \"%.120s\"", i + 1,
			                       a[i] ? a[i] : "(end)", b[i] ? b[i] : "(end)");
	}
	g_strfreev (a);
	g_strfreev (b);
	return out;
}

/* Look rows up by k and by id, so a scan that is right cannot hide an
 * index that recovery rebuilt wrong.  NULL or why not. */
static char *
check_lookups (OxSession *s, const Lane *L, GRand *r)
{
	char *err = NULL;
	for (int i = 0; i < NREL && !err; i++) {
		if (!L->rel[i].exists)
			continue;
		GTree *rows = L->rel[i].rows;
		char *name = tname (L, i);
		for (int n = 0; n < 3 && !err; n++) {
			int k = g_rand_int_range (r, 0, KDOM);
			GString *want = g_string_new (NULL), *got = g_string_new (NULL);
			GArray *ids = ids_with_k (rows, k);
			for (guint j = 0; j < ids->len; j++)
				g_string_append_printf (want, " %" G_GINTPTR_FORMAT "\n", g_array_index (ids, gintptr, j));
			g_array_unref (ids);
			char *sql = g_strdup_printf ("SELECT id FROM %s WHERE k = %d ORDER BY id", name, k);
			if (query_append (s, sql, got, NULL, &err) && strcmp (got->str, want->str) != 0)
				err = g_strdup_printf ("%s: got\n%s, model has\n%s", sql, got->str, want->str);
			g_free (sql);
			g_string_free (want, TRUE);
			g_string_free (got, TRUE);
		}
		for (int n = 0; n < 3 && !err; n++) {
			/* mostly rows that exist, sometimes ids that were deleted or never used */
			gintptr id = n < 2 ? pick_id (rows, r) : (gintptr) g_rand_int_range (r, 0, (gint32) (L->ntxn + 1) * IDS_PER_TXN);
			if (id < 0)
				continue;
			Row *row = g_tree_lookup (rows, (gpointer) id);
			GString *got = g_string_new (NULL), *want = g_string_new (NULL);
			if (row) {
				g_string_append_printf (want, " %d|", row->k);
				value_append (want, row->v);
				g_string_append_c (want, '\n');
			}
			char *sql = g_strdup_printf ("SELECT k, v FROM %s WHERE id = %" G_GINTPTR_FORMAT, name, id);
			if (query_append (s, sql, got, NULL, &err) && strcmp (got->str, want->str) != 0)
				err = g_strdup_printf ("%s: got \"%s\", model has \"%s\"", sql, got->str, want->str);
			g_free (sql);
			g_string_free (want, TRUE);
			g_string_free (got, TRUE);
		}
		g_free (name);
	}
	return err;
}

/* ---- verifying a round --------------------------------------------------------------- */

typedef struct Ack {
	guint32 lane;
	guint32 seq;   /* 1-based index of the transaction in the round */
	guint32 hash;
} Ack;

typedef struct LaneRun {
	gboolean active;
	guint32  seed;
	GArray  *acks;  /* Ack, in order */
} LaneRun;

typedef struct Stats {
	int rounds;
	int acked;       /* acknowledged transactions, all rounds */
	int in_flight;   /* rounds where a lane showed its unacknowledged transaction */
	int lost_tail;   /* lanes that came back short of their acknowledged prefix (prefix mode) */
	int torn;        /* reopens that reported a torn or damaged tail */
	int failed;
} Stats;

/* Reopen dir and check each lane against the model: the state after its
 * last acknowledged transaction or after the next committing one (prefix:
 * after any committing prefix up to there).  On success lanes[] become the
 * states found; else returns why not. */
static char *
verify (const char *dir, Lane **lanes, LaneRun *runs, gboolean prefix, GRand *r, Stats *stats)
{
	OxDatabase *db = NULL;
	OxSession *s = NULL;
	OxError e = { 0 };
	char *err = NULL;
	if (ox_db_open (dir, &db, &e) != OX_OK) {
		err = g_strdup_printf ("reopening: %s %s", e.sqlstate, e.message);
		ox_error_clear (&e);
		return err;
	}
	char *status = ox_db_status (db);
	if (status && (strstr (status, "torn") || strstr (status, "checksum") || strstr (status, "damaged")))
		stats->torn++;
	g_assert_cmpint (ox_session_new (db, &s, &e), ==, OX_OK);
	for (int l = 0; l < NLANES && !err; l++) {
		char *got = db_dump (s, l, &err);
		if (!got)
			break;
		guint32 last = 0;
		if (runs[l].acks->len)
			last = g_array_index (runs[l].acks, Ack, runs[l].acks->len - 1).seq;
		/* Replay the lane's transactions on a copy of the model, comparing
		 * each allowed state with the database. */
		Lane *w = lane_copy (lanes[l]);
		GRand *gr = runs[l].active ? lane_rand (runs[l].seed, l) : NULL;
		guint ai = 0;
		gint64 match = -1;
		char *want_last = NULL;  /* the state after the last acknowledged transaction */
		char *want_next = NULL;  /* after the next committing one */
		GString *log = g_string_new (NULL);  /* the round's transactions, for the message */
		char *d = lane_dump (w);
		if (!runs[l].active || prefix || last == 0) {
			if (!strcmp (d, got))
				match = 0;
			if (last == 0)
				want_last = g_strdup (d);
		}
		g_free (d);
		for (guint32 j = 1; gr && !err; j++) {
			Txn t;
			gen_txn (w, gr, &t);
			if (j <= last) {
				Ack *a = ai < runs[l].acks->len ? &g_array_index (runs[l].acks, Ack, ai) : NULL;
				if (t.commits && (!a || a->seq != j))
					err = g_strdup_printf ("lane %d: transaction %u commits but was not acknowledged before %u was", l, j, last);
				else if (!t.commits && a && a->seq == j)
					err = g_strdup_printf ("lane %d: transaction %u was acknowledged but does not commit", l, j);
				else if (t.commits && a->hash != t.hash)
					err = g_strdup_printf ("lane %d: transaction %u differs between the workload and the checker", l, j);
				if (t.commits)
					ai++;
			}
			gboolean done = j > last && t.commits;
			g_string_append_printf (log, "#%u%s%s:", j, t.commits ? " commits" : "",
			                        j <= last && t.commits ? ", acknowledged" : "");
			for (guint i = 0; i < t.steps->len; i++)
				g_string_append_printf (log, " %.100s;", g_array_index (t.steps, Step, i).sql);
			g_string_append_c (log, '\n');
			if (!err && t.commits && (prefix || j >= last)) {
				d = lane_dump (w);
				if (!strcmp (d, got))
					match = j;
				if (j == last)
					want_last = g_strdup (d);
				if (done)
					want_next = g_strdup (d);
				g_free (d);
			}
			txn_clear (&t);
			if (done)
				break;
			g_assert_cmpuint (j, <, last + 100000);
		}
		if (gr)
			g_rand_free (gr);
		lane_free (w);
		if (!err && match < 0) {
			char *diff = first_diff (got, want_last ? want_last : "");
			char *diff2 = first_diff (got, want_next ? want_next : "");
			err = g_strdup_printf ("lane %d: the database matches no allowed state (%u acknowledged, %s); "
			                       "against the state after the last acknowledged one, %s; against the next, %s\n"
			                       "--- database:\n%.4000s--- the round's transactions:\n%.6000s",
			                       l, last, prefix ? "any committing prefix allowed" : "one more allowed", diff, diff2,
			                       got, log->str);
			g_free (diff);
			g_free (diff2);
		}
		g_free (want_next);
		g_string_free (log, TRUE);
		if (!err) {
			/* adopt the state found */
			if (match > last)
				stats->in_flight++;
			if (match < last)
				stats->lost_tail++;
			Lane *n = lane_copy (lanes[l]);
			gr = runs[l].active ? lane_rand (runs[l].seed, l) : NULL;
			for (gint64 j = 1; j <= match; j++) {
				Txn t;
				gen_txn (n, gr, &t);
				txn_clear (&t);
			}
			if (gr)
				g_rand_free (gr);
			lane_free (lanes[l]);
			lanes[l] = n;
			err = check_lookups (s, n, r);
		}
		g_free (want_last);
		g_free (got);
	}
	if (err && status) {
		char *e2 = g_strdup_printf ("%s\n--- ox_db_status: %s", err, status);
		g_free (err);
		err = e2;
	}
	ox_free (status);
	ox_session_free (s);
	ox_db_close (db);
	return err;
}

/* ---- helpers --------------------------------------------------------------------------- */

/* Debugging aid: with OXIBASE_CRASH_KEEP=DIR set, copy the database to
 * DIR/<tag> (replacing what was there), so a failed round can be looked at
 * as it was before the child ran and right after the kill. */
static void
keep_copy (const char *dir, const char *tag)
{
	const char *keep = g_getenv ("OXIBASE_CRASH_KEEP");
	if (!keep)
		return;
	char *dst = g_build_filename (keep, tag, NULL);
	g_mkdir_with_parents (keep, 0700);
	ox_test_rm_rf (dst);
	char *cmd = g_strdup_printf ("cp -a '%s' '%s'", dir, dst);
	if (!g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL))
		g_test_message ("could not run %s", cmd);
	g_free (cmd);
	g_free (dst);
}

/* Keep the copies of a failed round under names of their own. */
static void
keep_failed (const char *dir, int round)
{
	const char *keep = g_getenv ("OXIBASE_CRASH_KEEP");
	if (!keep)
		return;
	static const char *const tags[] = { "before-child", "after-crash", "after-kill" };
	for (guint i = 0; i < G_N_ELEMENTS (tags); i++) {
		char *from = g_build_filename (keep, tags[i], NULL);
		char *to = g_strdup_printf ("%s/failed-%d-%s", keep, round, tags[i]);
		g_rename (from, to);
		g_free (from);
		g_free (to);
	}
	char *tag = g_strdup_printf ("failed-%d-after-verify", round);
	keep_copy (dir, tag);
	g_free (tag);
}

static guint32
test_seed (void)
{
	guint32 seed = opt_seed ? opt_seed : (guint32) g_test_rand_int ();
	g_test_message ("seed %u (OXIBASE_CRASH_SEED=%u replays this run)", seed, seed);
	return seed;
}

/* A directory's options: tiny segments in some, so rounds cross segment
 * switches often. */
static guint64
pick_segment_size (GRand *master)
{
	static const guint64 sizes[] = { 4096, 16384, 0 };
	return sizes[g_rand_int_range (master, 0, G_N_ELEMENTS (sizes))];
}

static void
lanes_reset (Lane **lanes)
{
	for (int l = 0; l < NLANES; l++) {
		lane_free (lanes[l]);
		lanes[l] = lane_new (l);
	}
}

static void
runs_reset (LaneRun *runs, GRand *master, int nactive)
{
	/* lane 0 always runs; in concurrent rounds all do */
	for (int l = 0; l < NLANES; l++) {
		if (runs[l].acks)
			g_array_set_size (runs[l].acks, 0);
		else
			runs[l].acks = g_array_new (FALSE, FALSE, sizeof (Ack));
		runs[l].active = l < nactive;
		runs[l].seed = g_rand_int (master);
	}
}

static void
report_round (Stats *st, int round, const char *what, char *err)
{
	st->failed++;
	if (st->failed <= 3)
		g_test_message ("round %d (%s) failed: %s", round, what, err);
	g_free (err);
}

/* ---- the crashing child ------------------------------------------------------------------ */

typedef enum CrashKind {
	CRASH_SIGKILL,   /* the parent kills the child */
	CRASH_POWER,     /* the child simulates power loss and dies on the spot */
} CrashKind;

/* How one round ends. */
typedef struct Round {
	CrashKind   kind;
	OxDbOptions opts;
	gboolean    early;       /* SIGKILL: time the kill from fork, not from the open */
	int         delay_us;    /* SIGKILL: before the kill; POWER, threaded: before the crash */
	gboolean    threaded;    /* POWER: the crash comes from another thread, in the middle
	                            of whatever the lanes do, else between two commits */
	int         stop_after;  /* POWER, not threaded: commits before the crash */
	guint32     torn_seed;   /* POWER: ox_file_simulate_crash's seed (0: drop all unsynced) */
} Round;

enum { MSG_READY = 1, MSG_ACK, MSG_FAIL };

/* A pipe message; smaller than PIPE_BUF, so a kill never tears one. */
typedef struct Msg {
	guint32 kind;
	Ack     ack;
} Msg;

typedef struct ChildLane {
	OxDatabase  *db;
	Lane        *lane;
	guint32      seed;
	int          fd;
	gint64       deadline;
	const Round *round;
} ChildLane;

static int child_crashed;  /* atomic, in the child: the power went */

static void
child_send (int fd, guint32 kind, guint32 lane, guint32 seq, guint32 hash)
{
	Msg m = { kind, { lane, seq, hash } };
	ssize_t w;
	do
		w = write (fd, &m, sizeof m);
	while (w < 0 && errno == EINTR);
	if (w != sizeof m)
		_exit (4);
}

/* Simulated power loss: the files go back to what was durable, and the
 * process dies on the spot, so that nothing of it acts afterwards.  (The
 * crash kills only the handles open at that moment; a thread inside
 * CHECKPOINT would go on through new ones — publish an image whose rename
 * was just undone, then delete the old image and log.) */
G_GNUC_NORETURN static void
power_off (guint32 torn_seed)
{
	__atomic_store_n (&child_crashed, 1, __ATOMIC_SEQ_CST);
	ox_file_halt ();
	ox_file_simulate_crash (torn_seed);
	_exit (0);
}

/* A statement failed; after the power went that is expected: wait for the
 * crashing thread to end the process. */
static void
child_fail (ChildLane *c, guint32 seq, const char *why)
{
	if (__atomic_load_n (&child_crashed, __ATOMIC_SEQ_CST))
		for (;;)
			g_usleep (G_USEC_PER_SEC);
	g_printerr ("crash child: lane %d transaction %u: %s\n", c->lane->no, seq, why);
	child_send (c->fd, MSG_FAIL, (guint32) c->lane->no, seq, 0);
	_exit (3);
}

static gpointer
child_lane (gpointer p)
{
	ChildLane *c = p;
	OxSession *s;
	OxError e = { 0 };
	if (ox_session_new (c->db, &s, &e) != OX_OK)
		child_fail (c, 0, e.message);
	GRand *r = lane_rand (c->seed, c->lane->no);
	int committed = 0;
	for (guint32 seq = 1; g_get_monotonic_time () < c->deadline; seq++) {
		if (c->round->kind == CRASH_POWER && !c->round->threaded && committed >= c->round->stop_after)
			power_off (c->round->torn_seed);
		Txn t;
		gen_txn (c->lane, r, &t);
		char *why = run_txn (s, &t);
		if (why)
			child_fail (c, seq, why);
		/* ox_exec returned: the commit is acknowledged */
		if (t.commits) {
			child_send (c->fd, MSG_ACK, (guint32) c->lane->no, seq, t.hash);
			committed++;
		}
		txn_clear (&t);
	}
	g_rand_free (r);
	ox_session_free (s);
	return NULL;
}

G_GNUC_NORETURN static void
child_main (const char *dir, const Round *rd, Lane **lanes, LaneRun *runs, int fd)
{
	/* Tracking starts with the process: what the parent left is durable
	 * (it closed the database cleanly), what this process does is not
	 * until it makes it so — recovery's own writes included. */
	if (rd->kind == CRASH_POWER)
		ox_file_track_durability (TRUE);
	OxDatabase *db;
	OxError e = { 0 };
	if (ox_db_open_with (dir, &rd->opts, &db, &e) != OX_OK) {
		g_printerr ("crash child: open: %s %s\n", e.sqlstate, e.message);
		child_send (fd, MSG_FAIL, 0, 0, 0);
		_exit (3);
	}
	child_send (fd, MSG_READY, 0, 0, 0);
	ChildLane cl[NLANES];
	GThread *th[NLANES] = { 0 };
	for (int l = 0; l < NLANES; l++) {
		if (!runs[l].active)
			continue;
		/* the crash comes long before; the deadline only stops a runaway */
		cl[l] = (ChildLane) { db, lanes[l], runs[l].seed, fd, g_get_monotonic_time () + 10 * G_USEC_PER_SEC, rd };
		th[l] = g_thread_new ("lane", child_lane, &cl[l]);
	}
	if (rd->kind == CRASH_POWER && rd->threaded) {
		/* usually inside a commit: a write, an fsync, the wait for one */
		g_usleep (rd->delay_us);
		power_off (rd->torn_seed);
	}
	for (int l = 0; l < NLANES; l++)
		if (th[l])
			g_thread_join (th[l]);
	ox_db_close (db);
	_exit (0);
}

/* Read whole messages until EOF (the child is dead, the write end closed). */
static void
read_msgs (int fd, GArray *msgs)
{
	Msg m;
	size_t have = 0;
	for (;;) {
		ssize_t n = read (fd, (char *) &m + have, sizeof m - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t) n;
		if (have == sizeof m) {
			g_array_append_val (msgs, m);
			have = 0;
		}
	}
}

/* Run one round: fork the workload, let it crash, collect what it
 * acknowledged.  NULL, or why the round failed before any checking. */
static char *
run_child (const char *dir, const Round *rd, Lane **lanes, LaneRun *runs, Stats *st)
{
	int p[2];
	g_assert_cmpint (pipe2 (p, O_CLOEXEC), ==, 0);
	pid_t pid = fork ();
	g_assert_cmpint (pid, >=, 0);
	if (pid == 0) {
		close (p[0]);
		child_main (dir, rd, lanes, runs, p[1]);
	}
	close (p[1]);
	GArray *msgs = g_array_new (FALSE, FALSE, sizeof (Msg));
	char *err = NULL;
	struct pollfd pf = { p[0], POLLIN, 0 };
	if (rd->kind == CRASH_SIGKILL) {
		if (!rd->early) {
			/* time the kill from the start of the workload, not of recovery */
			Msg m;
			if (poll (&pf, 1, 30000) != 1)
				err = g_strdup ("the child did not open the database within 30 s");
			else if (read (p[0], &m, sizeof m) == sizeof m)
				g_array_append_val (msgs, m);
		}
		g_usleep (rd->delay_us);
		kill (pid, SIGKILL);
	} else {
		/* the child crashes itself; wait for the write end to close */
		gint64 until = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
		for (;;) {
			int left = (int) ((until - g_get_monotonic_time ()) / 1000);
			if (left <= 0 || poll (&pf, 1, left) == 0) {
				err = g_strdup ("the child did not crash within 60 s");
				kill (pid, SIGKILL);
				break;
			}
			Msg m;
			ssize_t n = read (p[0], &m, sizeof m);
			if (n == sizeof m)
				g_array_append_val (msgs, m);
			else if (n == 0 || (n < 0 && errno != EINTR))
				break;
			else if (n > 0)
				g_error ("a torn pipe message");
		}
	}
	int status;
	while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
		;
	read_msgs (p[0], msgs);
	close (p[0]);
	for (guint i = 0; i < msgs->len; i++) {
		Msg *m = &g_array_index (msgs, Msg, i);
		if (m->kind == MSG_ACK && m->ack.lane < NLANES) {
			g_array_append_val (runs[m->ack.lane].acks, m->ack);
			st->acked++;
		} else if (m->kind == MSG_FAIL && !err)
			err = g_strdup_printf ("the workload failed in lane %u at transaction %u (see the child's stderr)",
			                       m->ack.lane, m->ack.seq);
	}
	g_array_unref (msgs);
	gboolean died_right = rd->kind == CRASH_SIGKILL ? WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL
	                                                : WIFEXITED (status) && WEXITSTATUS (status) == 0;
	if (!err && !died_right)
		err = WIFSIGNALED (status) ? g_strdup_printf ("the child died of signal %d", WTERMSIG (status))
		                           : g_strdup_printf ("the child exited with status %d", WEXITSTATUS (status));
	return err;
}

/* The torture loop shared by both kinds of crash. */
static void
torture (CrashKind kind, const char *mode, int nrounds)
{
	gboolean prefix = kind == CRASH_POWER && strcmp (mode, "full") != 0;
	GRand *master = g_rand_new_with_seed (test_seed ());
	Lane *lanes[NLANES] = { 0 };
	LaneRun runs[NLANES] = { 0 };
	Stats st = { 0 };
	char *dir = NULL;
	Round rd = { .kind = kind };
	int early_kills = 0;
	gint64 t0 = g_get_monotonic_time ();
	gboolean fresh = TRUE;

	for (int round = 0; round < nrounds; round++) {
		if (fresh || round % FRESH_EVERY == 0) {
			if (dir)
				ox_test_rm_rf (dir);
			g_free (dir);
			dir = g_dir_make_tmp ("oxibase-crash-XXXXXX", NULL);
			g_assert_nonnull (dir);
			lanes_reset (lanes);
			rd.opts.wal_segment_size = pick_segment_size (master);
			fresh = FALSE;
		}
		if (kind == CRASH_SIGKILL) {
			runs_reset (runs, master, g_rand_int_range (master, 0, 3) == 0 ? NLANES : 1);
			/* normal mode writes to the OS at commit: a process crash must
			 * lose nothing there either */
			rd.opts.synchronous_commit = g_rand_int_range (master, 0, 4) == 0 ? "normal" : "full";
			rd.early = g_rand_int_range (master, 0, 8) == 0;
			rd.delay_us = rd.early ? g_rand_int_range (master, 0, 3000) : g_rand_int_range (master, 1000, 30000);
			early_kills += rd.early;
		} else {
			rd.opts.synchronous_commit = mode;
			rd.threaded = g_rand_boolean (master);
			runs_reset (runs, master, rd.threaded && g_rand_boolean (master) ? NLANES : 1);
			rd.torn_seed = g_rand_int_range (master, 0, 4) ? g_rand_int (master) | 1 : 0;
			rd.stop_after = g_rand_int_range (master, 0, 8);
			rd.delay_us = g_rand_int_range (master, 0, 15000);
		}
		st.rounds++;

		keep_copy (dir, "before-child");
		char *err = run_child (dir, &rd, lanes, runs, &st);
		keep_copy (dir, "after-kill");
		if (!err)
			err = verify (dir, lanes, runs, prefix, master, &st);
		if (err) {
			keep_failed (dir, round);
			char *what = kind == CRASH_SIGKILL
			             ? g_strdup_printf ("%s mode, segment size %" G_GUINT64_FORMAT ", kill after %d us%s",
			                                rd.opts.synchronous_commit, rd.opts.wal_segment_size, rd.delay_us,
			                                rd.early ? " from fork" : "")
			             : g_strdup_printf ("%s mode, segment size %" G_GUINT64_FORMAT ", %s, torn seed %u",
			                                mode, rd.opts.wal_segment_size,
			                                rd.threaded ? "crash from another thread" : "crash between commits",
			                                rd.torn_seed);
			report_round (&st, round, what, err);
			g_free (what);
			fresh = TRUE;
		}
	}
	if (kind == CRASH_SIGKILL)
		g_test_message ("sigkill: %d rounds (%d killed while opening), %d transactions acknowledged, "
		                "%d unacknowledged ones found committed, %d torn or damaged tails, %.1f s",
		                st.rounds, early_kills, st.acked, st.in_flight, st.torn,
		                (g_get_monotonic_time () - t0) / 1e6);
	else
		g_test_message ("power-loss/%s: %d rounds, %d transactions acknowledged, %d unacknowledged ones found "
		                "committed, %d lanes lost their acknowledged tail, %d torn or damaged tails, %.1f s",
		                mode, st.rounds, st.acked, st.in_flight, st.lost_tail, st.torn,
		                (g_get_monotonic_time () - t0) / 1e6);
	if (st.failed)
		g_test_fail_printf ("%d of %d rounds failed (the first are described above)", st.failed, st.rounds);
	/* a workload that never gets to commit tests nothing */
	g_assert_cmpint (st.acked, >, 0);
	if (dir)
		ox_test_rm_rf (dir);
	g_free (dir);
	for (int l = 0; l < NLANES; l++) {
		lane_free (lanes[l]);
		g_array_unref (runs[l].acks);
	}
	g_rand_free (master);
}

static void
test_sigkill (void)
{
	torture (CRASH_SIGKILL, NULL, opt_rounds);
}

static void
test_power_loss (gconstpointer data)
{
	const char *mode = data;
	torture (CRASH_POWER, mode, MAX (opt_rounds / (strcmp (mode, "full") ? 4 : 2), 4));
}

int
main (int argc, char **argv)
{
	/* --rounds N is ours; take it out before g_test_init sees it */
	const char *env = g_getenv ("OXIBASE_CRASH_ROUNDS");
	if (env)
		opt_rounds = atoi (env);
	int j = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp (argv[i], "--rounds") && i + 1 < argc)
			opt_rounds = atoi (argv[++i]);
		else if (g_str_has_prefix (argv[i], "--rounds="))
			opt_rounds = atoi (argv[i] + 9);
		else
			argv[j++] = argv[i];
	}
	argc = j;
	argv[argc] = NULL;
	if (opt_rounds < 1)
		opt_rounds = 1;
	env = g_getenv ("OXIBASE_CRASH_SEED");
	if (env)
		opt_seed = (guint32) strtoul (env, NULL, 10);

	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/engine/crash/sigkill", test_sigkill);
	g_test_add_data_func ("/engine/crash/power-loss/full", "full", test_power_loss);
	g_test_add_data_func ("/engine/crash/power-loss/normal", "normal", test_power_loss);
	g_test_add_data_func ("/engine/crash/power-loss/off", "off", test_power_loss);
	return g_test_run ();
}

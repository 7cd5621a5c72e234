/*
 * test-btree.c — the index B+tree (engine/storage/btree.c) against a
 * reference model.
 *
 * Every tree is checked against a plain array of entries sorted by a
 * comparator written here independently of the tree's (ref_cmp), and with
 * ox_btree_check after bursts of changes.  Randomness comes from GRand with
 * fixed seeds, so a failure reproduces.
 *
 * NOTE: the trees compare values with test_cmp below, so that these tests
 * do not depend on cast.c; they use only integers, text and bytea.  Every
 * test runs a second time (under /engine/btree/compact/) with
 * ox_value_cmp, which makes one-column trees compact (narrow while keys
 * fit in an int32 and rowids in 31 bits, else an int64 a key; btree.h):
 * all the checks hold for every format.  The compact/ tests of their own
 * add negative keys, the int64 limits, NULLs in both orders, seeks against
 * the model and the switch back to the general format; the narrow/ tests
 * its memory, a comparison with a general-format tree, and the switch to
 * the 64-bit form under live cursors.
 */
#include <glib.h>
#include <string.h>

#include "base/value.h"
#include "base/cast.h"
#include "storage/btree.h"

/* ---- comparator and reference model ----------------------------------- */

static int
test_cmp (const OxValue *a, const OxValue *b)
{
	g_assert_false (a->null || b->null);
	if (ox_type_is_string (a->type) || a->type == OX_T_BYTEA) {
		g_assert_true (ox_type_is_string (b->type) || b->type == OX_T_BYTEA);
		size_t n = MIN (a->len, b->len);
		int c = n ? memcmp (a->v.bytes, b->v.bytes, n) : 0;
		if (c != 0)
			return c;
		return (a->len > b->len) - (a->len < b->len);
	}
	g_assert_true (ox_type_is_integer (a->type) && ox_type_is_integer (b->type));
	return (a->v.i > b->v.i) - (a->v.i < b->v.i);
}

/* The comparison trees are made with: test_cmp, or ox_value_cmp for the
 * compact/ runs. */
static OxBTreeCmp tree_cmp = test_cmp;

/* One entry of the model: up to three columns (INT4, TEXT, INT8). */
typedef struct Ref {
	int64_t  a;        /* column 0 */
	bool     a_null;
	char    *b;        /* column 1, g_malloc'd; NULL when b_null */
	bool     b_null;
	int64_t  c;        /* column 2 */
	bool     c_null;
	uint64_t rowid;
	guint    idx;      /* position in Fx.refs, kept up to date */
} Ref;

static void
ref_free (Ref *r)
{
	g_free (r->b);
	g_free (r);
}

static void
ref_key (const Ref *r, OxValue out[3])
{
	out[0] = r->a_null ? ox_null (OX_T_INT4) : ox_int (OX_T_INT4, r->a);
	out[1] = r->b_null ? ox_null (OX_T_TEXT) : ox_text (OX_T_TEXT, r->b, strlen (r->b));
	out[2] = r->c_null ? ox_null (OX_T_INT8) : ox_int (OX_T_INT8, r->c);
}

/* NULL-aware comparison of one column, ascending, NULLs last. */
static int
ref_col_asc (int col, const Ref *x, const Ref *y)
{
	bool xn = col == 0 ? x->a_null : col == 1 ? x->b_null : x->c_null;
	bool yn = col == 0 ? y->a_null : col == 1 ? y->b_null : y->c_null;
	if (xn || yn)
		return xn == yn ? 0 : xn ? 1 : -1;
	if (col == 1) {
		int c = strcmp (x->b, y->b);   /* no embedded NULs: strcmp is memcmp order */
		return (c > 0) - (c < 0);
	}
	int64_t u = col == 0 ? x->a : x->c, v = col == 0 ? y->a : y->c;
	return (u > v) - (u < v);
}

typedef struct Fx {
	OxBTree    *t;
	int         nkeys;
	bool        desc[3];
	GRand      *rand;
	GPtrArray  *refs;       /* Ref *, owned, in no order */
	GHashTable *by_rowid;   /* rowid -> Ref * (borrowed from refs) */
	uint64_t    next_rowid; /* rowids are unique unless a test reuses one */
	int         domain;     /* column 0 values are drawn from [0, domain) */
	int         null_pct;   /* chance of NULL per column, percent */
} Fx;

static int
ref_cmp_n (const Fx *fx, const Ref *x, const Ref *y, int n)
{
	for (int i = 0; i < n; i++) {
		int c = ref_col_asc (i, x, y);
		if (fx->desc[i])
			c = -c;
		if (c)
			return c;
	}
	return 0;
}

static int
ref_cmp (const Fx *fx, const Ref *x, const Ref *y)
{
	int c = ref_cmp_n (fx, x, y, fx->nkeys);
	return c ? c : (x->rowid > y->rowid) - (x->rowid < y->rowid);
}

static int
ref_sort_cb (gconstpointer a, gconstpointer b, gpointer fx)
{
	return ref_cmp (fx, *(Ref *const *) a, *(Ref *const *) b);
}

static Fx *
fx_new (int nkeys, const bool *desc, guint32 seed)
{
	Fx *fx = g_new0 (Fx, 1);
	fx->nkeys = nkeys;
	if (desc)
		memcpy (fx->desc, desc, sizeof (bool) * (size_t) nkeys);
	fx->t = ox_btree_new (nkeys, desc, tree_cmp);
	fx->rand = g_rand_new_with_seed (seed);
	fx->refs = g_ptr_array_new_with_free_func ((GDestroyNotify) ref_free);
	fx->by_rowid = g_hash_table_new (g_int64_hash, g_int64_equal);
	fx->next_rowid = 1;
	fx->domain = 1000;
	return fx;
}

static void
fx_free (Fx *fx)
{
	ox_btree_free (fx->t);
	g_hash_table_destroy (fx->by_rowid);
	g_ptr_array_free (fx->refs, TRUE);
	g_rand_free (fx->rand);
	g_free (fx);
}

static char *
rand_text (GRand *r)
{
	/* Short strings over a small alphabet: many equal keys, and "" too. */
	int len = g_rand_int_range (r, 0, 7);
	char *s = g_malloc (len + 1);
	for (int i = 0; i < len; i++)
		s[i] = "abcd"[g_rand_int_range (r, 0, 4)];
	s[len] = '\0';
	return s;
}

static Ref *
fx_rand_ref (Fx *fx)
{
	Ref *r = g_new0 (Ref, 1);
	GRand *g = fx->rand;
	r->a_null = g_rand_int_range (g, 0, 100) < fx->null_pct;
	r->a = g_rand_int_range (g, 0, fx->domain);
	r->b_null = g_rand_int_range (g, 0, 100) < fx->null_pct;
	if (!r->b_null)
		r->b = rand_text (g);
	r->c_null = g_rand_int_range (g, 0, 100) < fx->null_pct;
	r->c = g_rand_int_range (g, -50, 50);
	r->rowid = fx->next_rowid++;
	return r;
}

static void
fx_insert (Fx *fx, Ref *r)
{
	OxValue key[3];
	ref_key (r, key);
	g_assert_true (ox_btree_insert (fx->t, key, r->rowid));
	r->idx = fx->refs->len;
	g_ptr_array_add (fx->refs, r);
	g_hash_table_insert (fx->by_rowid, &r->rowid, r);
}

static void
fx_delete_at (Fx *fx, guint i)
{
	Ref *r = g_ptr_array_index (fx->refs, i);
	OxValue key[3];
	ref_key (r, key);
	g_assert_true (ox_btree_delete (fx->t, key, r->rowid));
	g_hash_table_remove (fx->by_rowid, &r->rowid);
	g_ptr_array_remove_index_fast (fx->refs, i);
	if (i < fx->refs->len)
		((Ref *) g_ptr_array_index (fx->refs, i))->idx = i;
}

static void
fx_delete_rowid (Fx *fx, uint64_t rowid)
{
	Ref *r = g_hash_table_lookup (fx->by_rowid, &rowid);
	g_assert_nonnull (r);
	fx_delete_at (fx, r->idx);
}

static Ref *
ref_dup (const Ref *r)
{
	Ref *d = g_memdup2 (r, sizeof *r);
	d->b = g_strdup (r->b);
	return d;
}

static void
assert_entry_is (const Fx *fx, const OxValue *key, uint64_t rowid, const Ref *r)
{
	OxValue want[3];
	ref_key (r, want);
	g_assert_cmpuint (rowid, ==, r->rowid);
	for (int i = 0; i < fx->nkeys; i++) {
		g_assert_cmpint (key[i].null, ==, want[i].null);
		g_assert_cmpint (key[i].type, ==, want[i].type);
		if (key[i].null)
			continue;
		if (i == 1) {
			g_assert_cmpuint (key[i].len, ==, want[i].len);
			g_assert_cmpstr (key[i].v.str, ==, want[i].v.str);
		} else {
			g_assert_cmpint (key[i].v.i, ==, want[i].v.i);
		}
	}
}

/* The model's entries in order (borrowed pointers). */
static GPtrArray *
fx_sorted (Fx *fx)
{
	GPtrArray *s = g_ptr_array_sized_new (fx->refs->len);
	for (guint i = 0; i < fx->refs->len; i++)
		g_ptr_array_add (s, g_ptr_array_index (fx->refs, i));
	g_ptr_array_sort_with_data (s, ref_sort_cb, fx);
	return s;
}

/* Full comparison of tree and model: invariants, count, forward and
 * backward iteration. */
static void
fx_check (Fx *fx)
{
	g_assert_null (ox_btree_check (fx->t));
	g_assert_cmpuint (ox_btree_count (fx->t), ==, fx->refs->len);

	GPtrArray *s = fx_sorted (fx);
	OxBTreeCursor c;
	const OxValue *key;
	uint64_t rowid;

	ox_btree_cursor_init (&c, fx->t);
	for (guint i = 0; i < s->len; i++) {
		g_assert_true (ox_btree_next (&c, &key, &rowid));
		assert_entry_is (fx, key, rowid, g_ptr_array_index (s, i));
	}
	g_assert_false (ox_btree_next (&c, &key, &rowid));
	g_assert_false (ox_btree_next (&c, &key, &rowid));

	ox_btree_seek_last (&c);
	for (guint i = s->len; i-- > 0;) {
		g_assert_true (ox_btree_prev (&c, &key, &rowid));
		assert_entry_is (fx, key, rowid, g_ptr_array_index (s, i));
	}
	g_assert_false (ox_btree_prev (&c, &key, &rowid));
	ox_btree_cursor_free (&c);
	g_ptr_array_free (s, TRUE);
}

/* ---- tests ------------------------------------------------------------- */

static void
test_empty (void)
{
	OxBTree *t = ox_btree_new (1, NULL, tree_cmp);
	OxBTreeCursor c;
	const OxValue *key;
	uint64_t rowid;
	OxValue k = ox_int (OX_T_INT4, 5);

	g_assert_cmpuint (ox_btree_count (t), ==, 0);
	g_assert_cmpint (ox_btree_height (t), ==, 1);
	g_assert_null (ox_btree_check (t));
	g_assert_false (ox_btree_delete (t, &k, 1));

	ox_btree_cursor_init (&c, t);
	g_assert_false (ox_btree_next (&c, &key, &rowid));
	g_assert_false (ox_btree_prev (&c, &key, &rowid));
	ox_btree_seek_last (&c);
	g_assert_false (ox_btree_prev (&c, &key, &rowid));
	ox_btree_seek (&c, &k, 1, false);
	g_assert_false (ox_btree_next (&c, &key, &rowid));
	g_assert_false (ox_btree_prev (&c, &key, &rowid));

	/* A cursor that hit the end sees an entry inserted later. */
	g_assert_true (ox_btree_insert (t, &k, 9));
	ox_btree_seek_first (&c);
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpint (key[0].v.i, ==, 5);
	g_assert_cmpuint (rowid, ==, 9);
	ox_btree_cursor_free (&c);
	ox_btree_cursor_free (&c);   /* twice is harmless */
	ox_btree_free (t);
	ox_btree_free (NULL);
}

/* 100k random inserts of integer keys from a small domain (so most keys
 * repeat) mixed with deletes, then delete everything in random order. */
static void
test_random_int (void)
{
	Fx *fx = fx_new (1, NULL, 0xb7ee0001);
	fx->domain = 5000;
	size_t mem0 = ox_btree_memory (fx->t);

	for (int i = 1; i <= 100000; i++) {
		fx_insert (fx, fx_rand_ref (fx));
		if (g_rand_int_range (fx->rand, 0, 100) < 30)
			fx_delete_at (fx, g_rand_int_range (fx->rand, 0, fx->refs->len));
		if (i % 25000 == 0)
			fx_check (fx);
	}
	g_assert_cmpint (ox_btree_height (fx->t), >=, 3);

	/* Exact duplicates are refused and change nothing; absent pairs are
	 * not deleted. */
	uint64_t mod_count = ox_btree_count (fx->t);
	for (int i = 0; i < 1000; i++) {
		Ref *r = g_ptr_array_index (fx->refs, g_rand_int_range (fx->rand, 0, fx->refs->len));
		OxValue key[3];
		ref_key (r, key);
		g_assert_false (ox_btree_insert (fx->t, key, r->rowid));
		g_assert_false (ox_btree_delete (fx->t, key, r->rowid + 1000000));
		key[0] = ox_int (OX_T_INT4, fx->domain + 1);
		g_assert_false (ox_btree_delete (fx->t, key, r->rowid));
	}
	g_assert_cmpuint (ox_btree_count (fx->t), ==, mod_count);
	fx_check (fx);

	int n = 0;
	while (fx->refs->len > 0) {
		fx_delete_at (fx, g_rand_int_range (fx->rand, 0, fx->refs->len));
		if (++n % 10000 == 0)
			fx_check (fx);
	}
	fx_check (fx);
	g_assert_cmpint (ox_btree_height (fx->t), ==, 1);
	g_assert_cmpuint (ox_btree_memory (fx->t), ==, mem0);
	fx_free (fx);
}

/* Same with a three-column key (INT4, TEXT DESC, INT8) holding NULLs. */
static void
test_random_composite (void)
{
	const bool desc[3] = { false, true, false };
	Fx *fx = fx_new (3, desc, 0xb7ee0002);
	fx->domain = 50;
	fx->null_pct = 10;
	size_t mem0 = ox_btree_memory (fx->t);

	for (int i = 1; i <= 60000; i++) {
		fx_insert (fx, fx_rand_ref (fx));
		if (g_rand_int_range (fx->rand, 0, 100) < 40)
			fx_delete_at (fx, g_rand_int_range (fx->rand, 0, fx->refs->len));
		if (i % 20000 == 0)
			fx_check (fx);
	}
	while (fx->refs->len > 0) {
		fx_delete_at (fx, g_rand_int_range (fx->rand, 0, fx->refs->len));
		if (fx->refs->len % 9000 == 0)
			fx_check (fx);
	}
	g_assert_cmpuint (ox_btree_memory (fx->t), ==, mem0);
	fx_free (fx);
}

/* Many entries with one key: ordered by rowid, across many leaves. */
static void
test_duplicates (void)
{
	OxBTree *t = ox_btree_new (1, NULL, tree_cmp);
	OxValue k7 = ox_int (OX_T_INT4, 7), k6 = ox_int (OX_T_INT4, 6), k8 = ox_int (OX_T_INT4, 8);
	GRand *r = g_rand_new_with_seed (0xb7ee0003);
	const OxValue *key;
	uint64_t rowid;

	/* rowids 1..5000 in a shuffled order, plus one key on either side. */
	uint64_t *ids = g_new (uint64_t, 5000);
	for (int i = 0; i < 5000; i++)
		ids[i] = (uint64_t) i + 1;
	for (int i = 4999; i > 0; i--) {
		int j = g_rand_int_range (r, 0, i + 1);
		uint64_t x = ids[i];
		ids[i] = ids[j];
		ids[j] = x;
	}
	g_assert_true (ox_btree_insert (t, &k6, 3));
	g_assert_true (ox_btree_insert (t, &k8, 3));
	for (int i = 0; i < 5000; i++)
		g_assert_true (ox_btree_insert (t, &k7, ids[i]));
	for (int i = 0; i < 5000; i += 7)
		g_assert_false (ox_btree_insert (t, &k7, ids[i]));
	g_assert_cmpuint (ox_btree_count (t), ==, 5002);
	g_assert_null (ox_btree_check (t));

	OxBTreeCursor c;
	ox_btree_cursor_init (&c, t);
	ox_btree_seek (&c, &k7, 1, false);
	for (uint64_t i = 1; i <= 5000; i++) {
		g_assert_true (ox_btree_next (&c, &key, &rowid));
		g_assert_cmpint (key[0].v.i, ==, 7);
		g_assert_cmpuint (rowid, ==, i);
	}
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpint (key[0].v.i, ==, 8);

	/* After 7: straight to 8.  prev from there: the last 7. */
	ox_btree_seek (&c, &k7, 1, true);
	g_assert_true (ox_btree_prev (&c, &key, &rowid));
	g_assert_cmpint (key[0].v.i, ==, 7);
	g_assert_cmpuint (rowid, ==, 5000);
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpuint (rowid, ==, 5000);
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpint (key[0].v.i, ==, 8);

	/* Delete the odd rowids: the even ones remain in order. */
	for (uint64_t i = 1; i <= 5000; i += 2)
		g_assert_true (ox_btree_delete (t, &k7, i));
	g_assert_false (ox_btree_delete (t, &k7, 1));
	g_assert_null (ox_btree_check (t));
	ox_btree_seek (&c, &k7, 1, false);
	for (uint64_t i = 2; i <= 5000; i += 2) {
		g_assert_true (ox_btree_next (&c, &key, &rowid));
		g_assert_cmpuint (rowid, ==, i);
	}
	ox_btree_cursor_free (&c);
	g_free (ids);
	g_rand_free (r);
	ox_btree_free (t);
}

/* A hand-checked order: INT4 ascending (NULLs last), TEXT descending
 * (NULLs first), as PostgreSQL's ORDER BY a, b DESC prints it. */
static void
test_desc_nulls (void)
{
	const bool desc[2] = { false, true };
	OxBTree *t = ox_btree_new (2, desc, tree_cmp);
	static const struct { int a; const char *b; } rows[] = {
		{ 1, "b" }, { 1, NULL }, { 1, "a" }, { -1, "x" }, { -2, NULL },
		{ 0, "z" }, { 2, "" }, { 1, "ba" }, { 2, "a" },
	};
	/* rowids are 1 + index in rows; -1 / -2 in .a stand for NULL */
	static const uint64_t expect[] = { 6, 2, 8, 1, 3, 9, 7, 5, 4 };
	const OxValue *key;
	uint64_t rowid;

	for (unsigned i = 0; i < G_N_ELEMENTS (rows); i++) {
		OxValue k[2];
		k[0] = rows[i].a < 0 ? ox_null (OX_T_INT4) : ox_int (OX_T_INT4, rows[i].a);
		k[1] = rows[i].b ? ox_text (OX_T_TEXT, rows[i].b, strlen (rows[i].b)) : ox_null (OX_T_TEXT);
		g_assert_true (ox_btree_insert (t, k, i + 1));
	}
	g_assert_null (ox_btree_check (t));

	OxBTreeCursor c;
	ox_btree_cursor_init (&c, t);
	for (unsigned i = 0; i < G_N_ELEMENTS (expect); i++) {
		g_assert_true (ox_btree_next (&c, &key, &rowid));
		g_assert_cmpuint (rowid, ==, expect[i]);
	}
	g_assert_false (ox_btree_next (&c, &key, &rowid));

	/* Prefix (1): entries 2, 8, 1, 3; after (1): from (2, 'a').  A NULL
	 * prefix in the ascending column finds the NULL group at the end. */
	OxValue p[2] = { ox_int (OX_T_INT4, 1), ox_text (OX_T_TEXT, "b", 1) };
	ox_btree_seek (&c, p, 1, false);
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpuint (rowid, ==, 2);
	g_assert_true (key[1].null);
	ox_btree_seek (&c, p, 1, true);
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpuint (rowid, ==, 9);
	/* (1, 'b') in DESC: NULL, 'ba' come before it. */
	ox_btree_seek (&c, p, 2, false);
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpuint (rowid, ==, 1);
	ox_btree_seek (&c, p, 2, true);
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpuint (rowid, ==, 3);
	p[0] = ox_null (OX_T_INT4);
	ox_btree_seek (&c, p, 1, false);
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpuint (rowid, ==, 5);
	ox_btree_seek (&c, p, 1, true);
	g_assert_false (ox_btree_next (&c, &key, &rowid));
	g_assert_true (ox_btree_prev (&c, &key, &rowid));
	g_assert_cmpuint (rowid, ==, 4);

	/* ox_btree_key_cmp uses the same rules. */
	OxValue x[2] = { ox_int (OX_T_INT4, 1), ox_null (OX_T_TEXT) };
	OxValue y[2] = { ox_int (OX_T_INT4, 1), ox_text (OX_T_TEXT, "zz", 2) };
	OxValue z[2] = { ox_null (OX_T_INT4), ox_text (OX_T_TEXT, "a", 1) };
	g_assert_cmpint (ox_btree_key_cmp (t, x, y, 2), <, 0);   /* DESC: NULL first */
	g_assert_cmpint (ox_btree_key_cmp (t, y, x, 2), >, 0);
	g_assert_cmpint (ox_btree_key_cmp (t, x, y, 1), ==, 0);
	g_assert_cmpint (ox_btree_key_cmp (t, x, y, 0), ==, 0);
	g_assert_cmpint (ox_btree_key_cmp (t, z, y, 1), >, 0);   /* ASC: NULL last */
	g_assert_cmpint (ox_btree_key_cmp (t, z, z, 2), ==, 0);  /* NULL = NULL for ordering */
	ox_btree_cursor_free (&c);
	ox_btree_free (t);
}

/* Seek with random prefixes of 0..3 columns, both flags, against a binary
 * search in the sorted model; then next and prev around the position. */
static void
test_seek (void)
{
	const bool desc[3] = { true, false, true };
	Fx *fx = fx_new (3, desc, 0xb7ee0004);
	fx->domain = 40;
	fx->null_pct = 8;
	for (int i = 0; i < 8000; i++)
		fx_insert (fx, fx_rand_ref (fx));
	fx_check (fx);

	GPtrArray *s = fx_sorted (fx);
	OxBTreeCursor c;
	const OxValue *key;
	uint64_t rowid;
	ox_btree_cursor_init (&c, fx->t);

	for (int it = 0; it < 4000; it++) {
		/* Half the probes are existing keys, half random ones. */
		Ref *probe = fx_rand_ref (fx);
		if (it % 2) {
			Ref *e = g_ptr_array_index (s, g_rand_int_range (fx->rand, 0, s->len));
			g_free (probe->b);
			*probe = *e;
			probe->b = g_strdup (e->b);
		}
		int n = g_rand_int_range (fx->rand, 0, 4);
		bool after = g_rand_boolean (fx->rand);

		guint lo = 0, hi = s->len;
		while (lo < hi) {
			guint mid = (lo + hi) / 2;
			int cmp = ref_cmp_n (fx, g_ptr_array_index (s, mid), probe, n);
			if (cmp < 0 || (after && cmp == 0))
				lo = mid + 1;
			else
				hi = mid;
		}

		OxValue pk[3];
		ref_key (probe, pk);
		ox_btree_seek (&c, pk, n, after);
		for (guint k = lo; k < MIN (lo + 3, s->len); k++) {
			g_assert_true (ox_btree_next (&c, &key, &rowid));
			assert_entry_is (fx, key, rowid, g_ptr_array_index (s, k));
		}
		if (lo + 3 > s->len)
			g_assert_false (ox_btree_next (&c, &key, &rowid));

		ox_btree_seek (&c, pk, n, after);
		for (guint k = lo; k-- > (lo >= 3 ? lo - 3 : 0);) {
			g_assert_true (ox_btree_prev (&c, &key, &rowid));
			assert_entry_is (fx, key, rowid, g_ptr_array_index (s, k));
		}
		if (lo < 3)
			g_assert_false (ox_btree_prev (&c, &key, &rowid));
		ref_free (probe);
	}
	ox_btree_cursor_free (&c);
	g_ptr_array_free (s, TRUE);
	fx_free (fx);
}

/* ---- cursor stability ---------------------------------------------------- */

/* Is x beyond y in the scan's direction? */
static bool
ahead_of (const Fx *fx, const Ref *x, const Ref *y, bool forward)
{
	int c = ref_cmp (fx, x, y);
	return forward ? c > 0 : c < 0;
}

static void
must_add_if_ahead (const Fx *fx, GHashTable *must, const Ref *r, const Ref *last, bool forward)
{
	if (last == NULL || ahead_of (fx, r, last, forward))
		g_hash_table_add (must, g_memdup2 (&r->rowid, sizeof r->rowid));
}

static void
stab_insert (Fx *fx, GHashTable *must, const Ref *last, bool forward, Ref *r)
{
	fx_insert (fx, r);
	must_add_if_ahead (fx, must, r, last, forward);
}

static void
stab_delete (Fx *fx, GHashTable *must, uint64_t rowid)
{
	g_hash_table_remove (must, &rowid);
	fx_delete_rowid (fx, rowid);
}

/* The entry just beyond 'last' in the scan's direction, or 0. */
static uint64_t
entry_beyond (Fx *fx, const Ref *last, bool forward)
{
	OxBTreeCursor c2;
	OxValue k[3];
	const OxValue *key;
	uint64_t rowid, found = 0;

	ref_key (last, k);
	ox_btree_cursor_init (&c2, fx->t);
	ox_btree_seek (&c2, k, fx->nkeys, !forward);
	while (forward ? ox_btree_next (&c2, &key, &rowid) : ox_btree_prev (&c2, &key, &rowid)) {
		Ref *r = g_hash_table_lookup (fx->by_rowid, &rowid);
		if (ahead_of (fx, r, last, forward)) {
			found = rowid;
			break;
		}
	}
	ox_btree_cursor_free (&c2);
	return found;
}

/* Scan the whole tree while changing it between every two steps: delete
 * the entry just returned, the one the cursor will return next, random
 * ones and bursts around the cursor; insert near the cursor and anywhere.
 * The scan must be strictly monotonic, return only live entries, and
 * return every entry that was ahead of it and never deleted. */
static void
stability_run (int nkeys, const bool *desc, bool forward, guint32 seed)
{
	Fx *fx = fx_new (nkeys, desc, seed);
	fx->domain = nkeys == 1 ? 30000 : 60;
	fx->null_pct = nkeys == 1 ? 0 : 5;
	GHashTable *must = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
	GHashTable *seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
	Ref *last = NULL;       /* copy of the entry returned last */
	OxBTreeCursor c;
	const OxValue *key;
	uint64_t rowid;
	int steps = 0;

	for (int i = 0; i < 20000; i++)
		stab_insert (fx, must, NULL, forward, fx_rand_ref (fx));

	ox_btree_cursor_init (&c, fx->t);
	if (!forward)
		ox_btree_seek_last (&c);

	while (forward ? ox_btree_next (&c, &key, &rowid) : ox_btree_prev (&c, &key, &rowid)) {
		Ref *r = g_hash_table_lookup (fx->by_rowid, &rowid);
		g_assert_nonnull (r);                        /* a live entry */
		assert_entry_is (fx, key, rowid, r);
		if (last)
			g_assert_true (ahead_of (fx, r, last, forward));   /* monotonic */
		g_assert_false (g_hash_table_contains (seen, &rowid));
		g_hash_table_add (seen, g_memdup2 (&rowid, sizeof rowid));
		if (last)
			ref_free (last);
		last = ref_dup (r);
		steps++;

		int roll = g_rand_int_range (fx->rand, 0, 100);
		if (roll < 20) {
			stab_delete (fx, must, rowid);
		} else if (roll < 35) {
			uint64_t b = entry_beyond (fx, last, forward);
			if (b)
				stab_delete (fx, must, b);
		} else if (roll < 55) {
			/* Same key as the cursor's entry (rowid above it: ahead
			 * when scanning forward, behind when scanning backward),
			 * and neighbouring keys. */
			Ref *n = ref_dup (last);
			n->rowid = fx->next_rowid++;
			stab_insert (fx, must, last, forward, n);
			Ref *m = fx_rand_ref (fx);
			m->a = last->a + (g_rand_boolean (fx->rand) ? 1 : -1);
			m->a_null = last->a_null;
			stab_insert (fx, must, last, forward, m);
		} else if (roll < 75) {
			stab_insert (fx, must, last, forward, fx_rand_ref (fx));
		} else if (roll < 95 && fx->refs->len > 0) {
			Ref *v = g_ptr_array_index (fx->refs, g_rand_int_range (fx->rand, 0, fx->refs->len));
			stab_delete (fx, must, v->rowid);
		}

		if (steps % 700 == 0) {
			/* Bursts: empty the neighbourhood ahead of the cursor
			 * (merges, root changes), then refill randomly. */
			for (int i = 0; i < 400; i++) {
				uint64_t b = entry_beyond (fx, last, forward);
				if (!b)
					break;
				stab_delete (fx, must, b);
			}
			for (int i = 0; i < 300 && fx->refs->len > 0; i++) {
				Ref *v = g_ptr_array_index (fx->refs, g_rand_int_range (fx->rand, 0, fx->refs->len));
				stab_delete (fx, must, v->rowid);
			}
			g_assert_null (ox_btree_check (fx->t));
			for (int i = 0; i < 500; i++)
				stab_insert (fx, must, last, forward, fx_rand_ref (fx));
		}
	}

	GHashTableIter it;
	gpointer k;
	g_hash_table_iter_init (&it, must);
	while (g_hash_table_iter_next (&it, &k, NULL))
		g_assert_true (g_hash_table_contains (seen, k));
	g_assert_cmpint (steps, >, 10000);

	/* Finished cursors stay finished until something is added beyond. */
	g_assert_false (forward ? ox_btree_next (&c, &key, &rowid) : ox_btree_prev (&c, &key, &rowid));
	fx_check (fx);

	ox_btree_cursor_free (&c);
	ref_free (last);
	g_hash_table_destroy (must);
	g_hash_table_destroy (seen);
	fx_free (fx);
}

static void
test_stability_next (void)
{
	stability_run (1, NULL, true, 0xb7ee0010);
}

static void
test_stability_prev (void)
{
	stability_run (1, NULL, false, 0xb7ee0011);
}

static void
test_stability_composite (void)
{
	const bool desc[3] = { false, true, false };
	stability_run (3, desc, true, 0xb7ee0012);
	stability_run (3, desc, false, 0xb7ee0013);
}

/* ox_btree_next_unanchored reads runs of entries, anchored once per run
 * (as an index scan does under its latch); between runs the tree changes
 * (the entry last returned is deleted, neighbours are inserted on both
 * sides) and the next run carries on right after the last entry
 * returned, never repeating or skipping one. */
static void
test_stability_unanchored (void)
{
	OxBTree *t = ox_btree_new (1, NULL, tree_cmp);
	OxBTreeCursor c;
	const OxValue *key;
	uint64_t rowid;
	for (int i = 0; i < 2000; i++) {
		OxValue k = ox_int (OX_T_INT4, i * 10);
		g_assert_true (ox_btree_insert (t, &k, (uint64_t) i));
	}
	ox_btree_cursor_init (&c, t);
	int64_t last = -1;
	int seen = 0;
	for (;;) {
		int n = 0;
		bool more = true;
		while (n < 37 && (more = ox_btree_next_unanchored (&c, &key, &rowid))) {
			g_assert_cmpint (key[0].v.i, >, last);
			g_assert_cmpint (key[0].v.i % 10, ==, 0);
			last = key[0].v.i;
			seen++;
			n++;
		}
		ox_btree_cursor_anchor (&c);
		if (!more)
			break;
		/* change the tree around the cursor: delete the entry just
		 * returned, add keys just before and after it (not multiples of
		 * ten, so the loop above would notice them) */
		OxValue k = ox_int (OX_T_INT4, (int32_t) last);
		g_assert_true (ox_btree_delete (t, &k, (uint64_t) (last / 10)));
		k = ox_int (OX_T_INT4, (int32_t) last - 1);
		g_assert_true (ox_btree_insert (t, &k, 100000));
		k = ox_int (OX_T_INT4, (int32_t) last + 1);
		g_assert_true (ox_btree_insert (t, &k, 100001));
		g_assert_true (ox_btree_next_unanchored (&c, &key, &rowid));
		g_assert_cmpint (key[0].v.i, ==, last + 1);
		ox_btree_cursor_anchor (&c);  /* before the tree changes again */
		k = key[0];
		g_assert_true (ox_btree_delete (t, &k, rowid));  /* away again, under the cursor */
	}
	g_assert_cmpint (seen, ==, 2000);
	g_assert_null (ox_btree_check (t));
	/* an unanchored seek (its probe in a buffer overwritten right after),
	 * one entry, the anchor, then the tree changes */
	OxValue probe = ox_int (OX_T_INT4, 5000);
	ox_btree_seek_unanchored (&c, &probe, 1, false);
	probe = ox_int (OX_T_INT4, 0);
	g_assert_true (ox_btree_next_unanchored (&c, &key, &rowid));
	g_assert_cmpint (key[0].v.i, ==, 5000);
	ox_btree_cursor_anchor (&c);
	OxValue k2 = ox_int (OX_T_INT4, 4999);
	g_assert_true (ox_btree_insert (t, &k2, 200000));
	k2 = ox_int (OX_T_INT4, 5001);
	g_assert_true (ox_btree_insert (t, &k2, 200001));
	g_assert_true (ox_btree_next_unanchored (&c, &key, &rowid));
	g_assert_cmpint (key[0].v.i, ==, 5001);
	ox_btree_cursor_free (&c);
	ox_btree_free (t);
}

/* A cursor positioned by seek (nothing returned yet) re-seeks to the same
 * prefix after changes; one whose tree was emptied and refilled carries on
 * past its last entry; one on the deleted entry moves to its successor. */
static void
test_stability_seek (void)
{
	OxBTree *t = ox_btree_new (2, NULL, tree_cmp);
	OxBTreeCursor c;
	const OxValue *key;
	uint64_t rowid;
	char buf[8];
	OxValue k[2];

	for (int i = 0; i < 1000; i++) {
		k[0] = ox_int (OX_T_INT4, i / 10);
		g_snprintf (buf, sizeof buf, "%03d", i % 10);
		k[1] = ox_text (OX_T_TEXT, buf, 3);
		g_assert_true (ox_btree_insert (t, k, (uint64_t) i));
	}

	/* Seek to (50, "005"); the prefix text lives in buf, which we then
	 * overwrite: the cursor must have its own copy. */
	ox_btree_cursor_init (&c, t);
	k[0] = ox_int (OX_T_INT4, 50);
	memcpy (buf, "005", 4);
	k[1] = ox_text (OX_T_TEXT, buf, 3);
	ox_btree_seek (&c, k, 2, false);
	memcpy (buf, "zzz", 4);
	/* Delete everything from 40 to 60: the cursor's leaf goes away. */
	for (int i = 400; i < 600; i++) {
		char b2[8];
		g_snprintf (b2, sizeof b2, "%03d", i % 10);
		OxValue d[2] = { ox_int (OX_T_INT4, i / 10), ox_text (OX_T_TEXT, b2, 3) };
		g_assert_true (ox_btree_delete (t, d, (uint64_t) i));
	}
	OxValue ins[2] = { ox_int (OX_T_INT4, 50), ox_text (OX_T_TEXT, "006", 3) };
	g_assert_true (ox_btree_insert (t, ins, 7777));
	ins[1] = ox_text (OX_T_TEXT, "004", 3);
	g_assert_true (ox_btree_insert (t, ins, 7778));
	g_assert_null (ox_btree_check (t));
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpuint (rowid, ==, 7777);
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpuint (rowid, ==, 600);

	/* Delete the entry the cursor is on (600) and its successor (601):
	 * next gives 602, and prev from there gives 602 then 7777. */
	OxValue d[2] = { ox_int (OX_T_INT4, 60), ox_text (OX_T_TEXT, "000", 3) };
	g_assert_true (ox_btree_delete (t, d, 600));
	d[1] = ox_text (OX_T_TEXT, "001", 3);
	g_assert_true (ox_btree_delete (t, d, 601));
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpuint (rowid, ==, 602);
	g_assert_cmpstr (key[1].v.str, ==, "002");
	g_assert_true (ox_btree_prev (&c, &key, &rowid));
	g_assert_cmpuint (rowid, ==, 602);
	g_assert_true (ox_btree_delete (t, key, 602));   /* key dangles from here */
	g_assert_true (ox_btree_prev (&c, &key, &rowid));
	g_assert_cmpuint (rowid, ==, 7777);

	/* Empty the tree under the cursor; then refill. */
	OxBTreeCursor all;
	ox_btree_cursor_init (&all, t);
	GArray *keys = g_array_new (FALSE, FALSE, sizeof (uint64_t));
	GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
	GArray *ints = g_array_new (FALSE, FALSE, sizeof (int64_t));
	while (ox_btree_next (&all, &key, &rowid)) {
		g_array_append_val (keys, rowid);
		g_array_append_val (ints, key[0].v.i);
		g_ptr_array_add (texts, g_strdup (key[1].v.str));
	}
	ox_btree_cursor_free (&all);
	for (guint i = 0; i < keys->len; i++) {
		const char *s = g_ptr_array_index (texts, i);
		OxValue e[2] = { ox_int (OX_T_INT4, g_array_index (ints, int64_t, i)),
		                 ox_text (OX_T_TEXT, s, strlen (s)) };
		g_assert_true (ox_btree_delete (t, e, g_array_index (keys, uint64_t, i)));
	}
	g_assert_cmpuint (ox_btree_count (t), ==, 0);
	g_assert_cmpint (ox_btree_height (t), ==, 1);
	g_assert_false (ox_btree_prev (&c, &key, &rowid));
	g_assert_false (ox_btree_next (&c, &key, &rowid));
	/* The cursor's gap is before (50, "006", 7777): a refill puts (50,
	 * "006", 7777) itself and (70, ...) ahead of it, (10, ...) behind. */
	OxValue f[2] = { ox_int (OX_T_INT4, 10), ox_text (OX_T_TEXT, "x", 1) };
	g_assert_true (ox_btree_insert (t, f, 1));
	f[0] = ox_int (OX_T_INT4, 70);
	g_assert_true (ox_btree_insert (t, f, 2));
	f[0] = ox_int (OX_T_INT4, 50);
	f[1] = ox_text (OX_T_TEXT, "006", 3);
	g_assert_true (ox_btree_insert (t, f, 7777));
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpuint (rowid, ==, 7777);
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpuint (rowid, ==, 2);
	g_assert_false (ox_btree_next (&c, &key, &rowid));

	g_array_free (keys, TRUE);
	g_array_free (ints, TRUE);
	g_ptr_array_free (texts, TRUE);
	ox_btree_cursor_free (&c);
	ox_btree_free (t);
}

/* ---- shapes, accounting, lifetime -------------------------------------- */

/* Loading in key order (the common bulk load) and in reverse, then
 * deleting in order: the append split keeps ascending loads dense. */
static void
test_sequential (void)
{
	OxBTree *up = ox_btree_new (1, NULL, tree_cmp);
	OxBTree *down = ox_btree_new (1, NULL, tree_cmp);
	size_t mem0 = ox_btree_memory (up);
	const int N = 100000;

	for (int i = 0; i < N; i++) {
		OxValue k = ox_int (OX_T_INT8, i);
		g_assert_true (ox_btree_insert (up, &k, (uint64_t) i));
		k = ox_int (OX_T_INT8, N - 1 - i);
		g_assert_true (ox_btree_insert (down, &k, (uint64_t) (N - 1 - i)));
	}
	g_assert_null (ox_btree_check (up));
	g_assert_null (ox_btree_check (down));
	g_assert_cmpuint (ox_btree_count (up), ==, (guint) N);
	/* Full leaves: 24 bytes of entry per row plus a little for headers
	 * and inner nodes. */
	g_assert_cmpuint (ox_btree_memory (up), <, (size_t) N * 26);
	g_assert_cmpuint (ox_btree_memory (down), <, (size_t) N * 52);
	g_assert_cmpint (ox_btree_height (up), ==, 3);

	OxBTreeCursor c;
	const OxValue *key;
	uint64_t rowid;
	ox_btree_cursor_init (&c, down);
	for (int i = 0; i < N; i++) {
		g_assert_true (ox_btree_next (&c, &key, &rowid));
		g_assert_cmpint (key[0].v.i, ==, i);
	}
	ox_btree_cursor_free (&c);

	for (int i = 0; i < N; i++) {
		OxValue k = ox_int (OX_T_INT8, i);
		g_assert_true (ox_btree_delete (up, &k, (uint64_t) i));
		k = ox_int (OX_T_INT8, N - 1 - i);
		g_assert_true (ox_btree_delete (down, &k, (uint64_t) (N - 1 - i)));
		if (i % 10000 == 0) {
			g_assert_null (ox_btree_check (up));
			g_assert_null (ox_btree_check (down));
		}
	}
	g_assert_cmpuint (ox_btree_memory (up), ==, mem0);
	g_assert_cmpuint (ox_btree_memory (down), ==, mem0);
	ox_btree_free (up);
	ox_btree_free (down);
}

static void
test_count_memory (void)
{
	OxBTree *t = ox_btree_new (2, NULL, tree_cmp);
	size_t mem0 = ox_btree_memory (t);
	g_assert_cmpuint (mem0, >, 0);

	for (int i = 0; i < 1000; i++) {
		OxValue k[2] = { ox_int (OX_T_INT4, i), ox_text (OX_T_TEXT, "ab", 2) };
		g_assert_true (ox_btree_insert (t, k, 1));
		g_assert_cmpuint (ox_btree_count (t), ==, (guint) i + 1);
	}
	size_t mem1 = ox_btree_memory (t);
	g_assert_cmpuint (mem1, >, mem0 + 1000 * (2 * sizeof (OxValue) + 8 + 3));

	/* A long text key costs its bytes, and gives them back. */
	char *big = g_malloc (10001);
	memset (big, 'q', 10000);
	big[10000] = '\0';
	OxValue k[2] = { ox_int (OX_T_INT4, 5000), ox_text (OX_T_TEXT, big, 10000) };
	g_assert_true (ox_btree_insert (t, k, 1));
	g_free (big);   /* the tree has its own copy */
	g_assert_cmpuint (ox_btree_memory (t), >=, mem1 + 10001);
	g_assert_null (ox_btree_check (t));
	OxBTreeCursor c;
	const OxValue *key;
	uint64_t rowid;
	ox_btree_cursor_init (&c, t);
	ox_btree_seek_last (&c);
	g_assert_true (ox_btree_prev (&c, &key, &rowid));
	g_assert_cmpuint (key[1].len, ==, 10000);
	g_assert_cmpint (key[1].v.str[9999], ==, 'q');
	g_assert_cmpint (key[1].v.str[10000], ==, '\0');
	g_assert_true (ox_btree_delete (t, key, rowid));
	ox_btree_cursor_free (&c);
	g_assert_cmpuint (ox_btree_memory (t), ==, mem1);

	for (int i = 0; i < 1000; i++) {
		OxValue d[2] = { ox_int (OX_T_INT4, i), ox_text (OX_T_TEXT, "ab", 2) };
		g_assert_true (ox_btree_delete (t, d, 1));
	}
	g_assert_cmpuint (ox_btree_count (t), ==, 0);
	g_assert_cmpuint (ox_btree_memory (t), ==, mem0);
	ox_btree_free (t);
}

/* bytea (including empty, whose pointer the tree must not keep), empty
 * text, and a key column that mixes INT2/INT8. */
static void
test_key_types (void)
{
	OxBTree *t = ox_btree_new (2, NULL, tree_cmp);
	uint8_t *b = g_malloc (4);
	memcpy (b, "\x00\x01\xff\x02", 4);
	OxValue k[2];

	k[0] = (OxValue) { .type = OX_T_BYTEA, .len = 4, .v.bytes = b };
	k[1] = ox_int (OX_T_INT2, 1);
	g_assert_true (ox_btree_insert (t, k, 1));
	k[0].len = 0;
	k[0].v.bytes = b + 4;           /* one past the end: never to be read */
	k[1] = ox_int (OX_T_INT8, -1);
	g_assert_true (ox_btree_insert (t, k, 2));
	k[0].len = 2;
	k[0].v.bytes = b;
	g_assert_true (ox_btree_insert (t, k, 3));
	g_free (b);

	OxBTreeCursor c;
	const OxValue *key;
	uint64_t rowid;
	ox_btree_cursor_init (&c, t);
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpuint (rowid, ==, 2);
	g_assert_cmpuint (key[0].len, ==, 0);
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpuint (rowid, ==, 3);
	g_assert_cmpmem (key[0].v.bytes, 2, "\x00\x01", 2);
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpuint (rowid, ==, 1);
	g_assert_cmpmem (key[0].v.bytes, 4, "\x00\x01\xff\x02", 4);
	ox_btree_cursor_free (&c);
	g_assert_null (ox_btree_check (t));
	ox_btree_free (t);

	t = ox_btree_new (1, NULL, tree_cmp);
	OxValue e = ox_text (OX_T_TEXT, "", 0), a = ox_text (OX_T_VARCHAR, "a", 1);
	g_assert_true (ox_btree_insert (t, &a, 1));
	g_assert_true (ox_btree_insert (t, &e, 1));
	g_assert_false (ox_btree_insert (t, &e, 1));
	ox_btree_cursor_init (&c, t);
	ox_btree_seek (&c, &e, 1, true);
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpstr (key[0].v.str, ==, "a");
	g_assert_cmpint (key[0].type, ==, OX_T_VARCHAR);
	ox_btree_cursor_free (&c);
	ox_btree_free (t);
}

/* Free a large tree holding text keys without deleting first; valgrind or
 * ASan show any leak. */
static void
test_free_large (void)
{
	const bool desc[3] = { true, false, false };
	Fx *fx = fx_new (3, desc, 0xb7ee0020);
	fx->domain = 100000;
	fx->null_pct = 3;
	for (int i = 0; i < 200000; i++)
		fx_insert (fx, fx_rand_ref (fx));
	g_assert_null (ox_btree_check (fx->t));
	g_assert_cmpint (ox_btree_height (fx->t), >=, 3);
	fx_free (fx);
}

/* ---- compact trees ------------------------------------------------------ */

/* The largest rowid a narrow tree holds (btree.h). */
#define NROWID_TEST UINT64_C (0x7fffffff)

static const int64_t edge_keys[] = { INT64_MIN, INT64_MIN + 1, -1, 0, 1, INT64_MAX - 1, INT64_MAX };

/* A random entry whose key is drawn from [-domain, domain) or, one time
 * in ten, from the int64 edges (INT64_MAX is what a NULL is stored as). */
static Ref *
fx_rand_wide (Fx *fx)
{
	Ref *r = fx_rand_ref (fx);
	if (g_rand_int_range (fx->rand, 0, 10) == 0)
		r->a = edge_keys[g_rand_int_range (fx->rand, 0, G_N_ELEMENTS (edge_keys))];
	else
		r->a = g_rand_int_range (fx->rand, -fx->domain, fx->domain);
	return r;
}

/* Seek to probe (NULL when is_null), before or after its equals, and
 * compare the next and previous entries with the model's. */
static void
fx_check_seek (Fx *fx, GPtrArray *sorted, int64_t probe, bool is_null, bool after)
{
	Ref pr = { .a = probe, .a_null = is_null };
	guint want = 0;
	while (want < sorted->len) {
		int c = ref_cmp_n (fx, g_ptr_array_index (sorted, want), &pr, 1);
		if (after ? c > 0 : c >= 0)
			break;
		want++;
	}
	OxValue k = is_null ? ox_null (OX_T_INT4) : ox_int (OX_T_INT8, probe);
	OxBTreeCursor c;
	const OxValue *key;
	uint64_t rowid;
	ox_btree_cursor_init (&c, fx->t);
	ox_btree_seek (&c, &k, 1, after);
	if (want < sorted->len) {
		g_assert_true (ox_btree_next (&c, &key, &rowid));
		assert_entry_is (fx, key, rowid, g_ptr_array_index (sorted, want));
		g_assert_true (ox_btree_prev (&c, &key, &rowid));  /* the same one again */
	} else
		g_assert_false (ox_btree_next (&c, &key, &rowid));
	if (want > 0) {
		g_assert_true (ox_btree_prev (&c, &key, &rowid));
		assert_entry_is (fx, key, rowid, g_ptr_array_index (sorted, want - 1));
	} else
		g_assert_false (ox_btree_prev (&c, &key, &rowid));
	ox_btree_cursor_free (&c);
}

/* Random inserts and deletes of wide integer keys with NULLs (duplicates
 * of a non-unique index included), ascending and descending, against the
 * model; seeks of every edge value and of NULL; then everything deleted. */
static void
test_compact_random (gconstpointer data)
{
	const bool desc[1] = { GPOINTER_TO_INT (data) != 0 };
	tree_cmp = ox_value_cmp;
	Fx *fx = fx_new (1, desc, 0xb7ee0100 + (guint32) desc[0]);
	tree_cmp = test_cmp;
	fx->domain = 3000;
	fx->null_pct = 5;
	size_t mem0 = ox_btree_memory (fx->t);
	for (int i = 1; i <= 60000; i++) {
		fx_insert (fx, fx_rand_wide (fx));
		if (g_rand_int_range (fx->rand, 0, 100) < 30)
			fx_delete_at (fx, g_rand_int_range (fx->rand, 0, fx->refs->len));
		if (i % 20000 == 0)
			fx_check (fx);
	}
	g_assert_cmpint (ox_btree_height (fx->t), >=, 3);
	/* an entry is 16 bytes (key, rowid) in leaves of up to 64 */
	g_assert_cmpuint (ox_btree_memory (fx->t), <, (size_t) fx->refs->len * 32);

	GPtrArray *sorted = fx_sorted (fx);
	for (guint e = 0; e < G_N_ELEMENTS (edge_keys); e++)
		for (int after = 0; after < 2; after++)
			fx_check_seek (fx, sorted, edge_keys[e], false, after);
	for (int after = 0; after < 2; after++)
		fx_check_seek (fx, sorted, 0, true, after);
	for (int i = 0; i < 200; i++)
		fx_check_seek (fx, sorted, g_rand_int_range (fx->rand, -fx->domain - 5, fx->domain + 5), false,
		               g_rand_boolean (fx->rand));
	g_ptr_array_free (sorted, TRUE);

	/* a NULL probe with a rowid finds its own entry, not another NULL */
	for (guint i = 0; i < fx->refs->len; i++) {
		Ref *r = g_ptr_array_index (fx->refs, i);
		OxValue key[3];
		ref_key (r, key);
		g_assert_false (ox_btree_insert (fx->t, key, r->rowid));
	}
	while (fx->refs->len > 0)
		fx_delete_at (fx, g_rand_int_range (fx->rand, 0, fx->refs->len));
	fx_check (fx);
	/* the first int64 edge key made the tree 64-bit compact: empty, it
	 * holds what an empty tree made 64-bit holds */
	g_assert_cmpuint (ox_btree_memory (fx->t), >, mem0);
	OxBTree *w = ox_btree_new (1, desc, ox_value_cmp);
	OxValue big = ox_int (OX_T_INT8, INT64_MAX);
	g_assert_true (ox_btree_insert (w, &big, 1));
	g_assert_true (ox_btree_delete (w, &big, 1));
	g_assert_cmpuint (ox_btree_memory (fx->t), ==, ox_btree_memory (w));
	ox_btree_free (w);
	fx_free (fx);
}

/* A key that is not an integer turns a compact tree into a general one
 * without losing an entry, or a cursor's place. */
static void
test_compact_decompact (void)
{
	OxBTree *t = ox_btree_new (1, NULL, ox_value_cmp);
	for (int i = 0; i < 3000; i++) {
		OxValue k = i % 100 == 0 ? ox_null (OX_T_INT4) : ox_int (OX_T_INT4, i - 1500);
		g_assert_true (ox_btree_insert (t, &k, (uint64_t) i));
	}
	OxBTreeCursor c;
	const OxValue *key;
	uint64_t rowid;
	ox_btree_cursor_init (&c, t);
	for (int i = 0; i < 10; i++)
		g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpint (key->type, ==, OX_T_INT4);
	g_assert_cmpint (key->v.i, ==, -1490);  /* -1499 .. -1490: rowid 0 holds a NULL */
	OxValue f = ox_float (OX_T_FLOAT8, 2.5);
	g_assert_true (ox_btree_insert (t, &f, 5000));
	g_assert_null (ox_btree_check (t));
	g_assert_cmpuint (ox_btree_count (t), ==, 3001);
	/* the cursor goes on after the entry it returned last */
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpint (key->v.i, ==, -1489);
	/* in order: ..., 2, 2.5, 3, ..., then the NULLs by rowid */
	OxValue two = ox_int (OX_T_INT4, 2);
	ox_btree_seek (&c, &two, 1, true);
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpint (key->type, ==, OX_T_FLOAT8);
	g_assert_cmpuint (rowid, ==, 5000);
	g_assert_true (ox_btree_next (&c, &key, &rowid));
	g_assert_cmpint (key->v.i, ==, 3);
	ox_btree_seek_last (&c);
	g_assert_true (ox_btree_prev (&c, &key, &rowid));
	g_assert_true (key->null);
	g_assert_cmpuint (rowid, ==, 2900);
	ox_btree_cursor_free (&c);
	ox_btree_free (t);
}

/* ---- narrow trees ------------------------------------------------------- */

/* Bytes a tree holds per entry. */
static double
bytes_per_entry (const OxBTree *t)
{
	return (double) ox_btree_memory (t) / (double) ox_btree_count (t);
}

/* An index on one integer column loaded in key order (a primary key) is
 * narrow: 8 bytes an entry in full leaves of 536 bytes, plus the inner
 * nodes; the int32 and 31-bit rowid limits still fit.  Loaded in random
 * order it stays under 13 bytes (leaves about 70% full). */
static void
test_narrow_memory (void)
{
	OxBTree *t = ox_btree_new (1, NULL, ox_value_cmp);
	OxValue k = ox_int (OX_T_INT4, INT32_MIN);
	g_assert_true (ox_btree_insert (t, &k, 0x7fffffff));
	for (int i = 1; i <= 100000; i++) {
		k = ox_int (OX_T_INT4, i);
		g_assert_true (ox_btree_insert (t, &k, (uint64_t) i));
	}
	k = ox_int (OX_T_INT4, INT32_MAX);
	g_assert_true (ox_btree_insert (t, &k, 0x7fffffff));
	k = ox_null (OX_T_INT4);
	g_assert_true (ox_btree_insert (t, &k, 0x7fffffff));
	g_assert_null (ox_btree_check (t));
	g_test_message ("in order: %.2f bytes an entry", bytes_per_entry (t));
	g_assert_cmpfloat (bytes_per_entry (t), <, 8.7);
	ox_btree_free (t);

	t = ox_btree_new (1, NULL, ox_value_cmp);
	GRand *r = g_rand_new_with_seed (0xb7ee0300);
	for (int i = 1; i <= 100000; i++) {
		k = ox_int (OX_T_INT8, g_rand_int_range (r, -1000000, 1000000));
		g_assert_true (ox_btree_insert (t, &k, (uint64_t) i));
	}
	g_assert_null (ox_btree_check (t));
	g_test_message ("random: %.2f bytes an entry", bytes_per_entry (t));
	g_assert_cmpfloat (bytes_per_entry (t), <, 13.0);
	g_rand_free (r);
	ox_btree_free (t);
}

/* Cursor state for test_narrow_widen: the entry it returned last. */
typedef struct WidenCursor {
	OxBTreeCursor c;
	Ref          *last;     /* copy */
	bool          forward;  /* moved by next (else prev) */
} WidenCursor;

/* An entry a narrow tree cannot hold (a key beyond int32 either way, a
 * rowid from 2^31 on) arrives in the middle of a tree with live cursors:
 * the tree becomes 64-bit compact (16 bytes an entry), keeps every entry
 * and the new one, and each cursor goes on from the entry it returned. */
static void
test_narrow_widen (gconstpointer data)
{
	int what = GPOINTER_TO_INT (data) & 3;   /* 0: key > INT32_MAX, 1: < INT32_MIN, 2: rowid */
	const bool desc[1] = { (GPOINTER_TO_INT (data) & 4) != 0 };
	tree_cmp = ox_value_cmp;
	Fx *fx = fx_new (1, desc, 0xb7ee0400 + (guint32) GPOINTER_TO_INT (data));
	tree_cmp = test_cmp;
	fx->domain = 2000;
	fx->null_pct = 5;
	for (int i = 0; i < 20000; i++) {
		Ref *r = fx_rand_ref (fx);
		r->a -= 1000;
		if (i % 500 == 0)
			r->a = i % 1000 == 0 ? INT32_MAX : INT32_MIN;
		fx_insert (fx, r);
		if (g_rand_int_range (fx->rand, 0, 100) < 20)
			fx_delete_at (fx, g_rand_int_range (fx->rand, 0, fx->refs->len));
	}
	fx_check (fx);
	g_assert_cmpfloat (bytes_per_entry (fx->t), <, 12.0);   /* narrow */

	/* cursors at the start, in the middle both ways, near the end */
	GPtrArray *s = fx_sorted (fx);
	WidenCursor cur[4];
	const guint steps[4] = { 1, s->len / 3, s->len / 2, 3 };
	for (int i = 0; i < 4; i++) {
		const OxValue *key;
		uint64_t rowid;
		cur[i].forward = i < 2;
		ox_btree_cursor_init (&cur[i].c, fx->t);
		if (!cur[i].forward)
			ox_btree_seek_last (&cur[i].c);
		for (guint j = 0; j < steps[i]; j++)
			g_assert_true (cur[i].forward ? ox_btree_next (&cur[i].c, &key, &rowid)
			                              : ox_btree_prev (&cur[i].c, &key, &rowid));
		Ref *r = g_hash_table_lookup (fx->by_rowid, &rowid);
		assert_entry_is (fx, key, rowid, r);
		cur[i].last = ref_dup (r);
	}
	g_ptr_array_free (s, TRUE);

	Ref *w = fx_rand_ref (fx);
	w->a_null = false;
	if (what == 0)
		w->a = (int64_t) INT32_MAX + 1;
	else if (what == 1)
		w->a = (int64_t) INT32_MIN - 1;
	else
		w->rowid = UINT64_C (1) << 31;
	/* nothing that does not fit is found, or deleted, before */
	OxValue wk[3];
	ref_key (w, wk);
	g_assert_false (ox_btree_delete (fx->t, wk, w->rowid));
	fx_insert (fx, w);
	g_assert_cmpfloat (bytes_per_entry (fx->t), >, 16.0);   /* 64-bit compact */
	fx_check (fx);

	s = fx_sorted (fx);
	for (int i = 0; i < 4; i++) {
		guint p = 0;
		while (ref_cmp (fx, g_ptr_array_index (s, p), cur[i].last) != 0)
			p++;
		const OxValue *key;
		uint64_t rowid;
		if (cur[i].forward) {
			g_assert_true (ox_btree_next (&cur[i].c, &key, &rowid));
			assert_entry_is (fx, key, rowid, g_ptr_array_index (s, p + 1));
		} else {
			g_assert_true (ox_btree_prev (&cur[i].c, &key, &rowid));
			assert_entry_is (fx, key, rowid, g_ptr_array_index (s, p - 1));
		}
		ox_btree_cursor_free (&cur[i].c);
		ref_free (cur[i].last);
	}
	g_ptr_array_free (s, TRUE);

	/* the wide entry can be sought and deleted */
	fx_delete_rowid (fx, w->rowid);
	fx_check (fx);
	fx_free (fx);
}

/* The entries two cursors returned are the same: row id, NULL-ness, value. */
static void
same_entry (const OxValue *ka, uint64_t ra, const OxValue *kb, uint64_t rb)
{
	g_assert_cmpuint (ra, ==, rb);
	g_assert_cmpint (ka->null, ==, kb->null);
	if (!ka->null)
		g_assert_cmpint (ka->v.i, ==, kb->v.i);
}

/* Seek both trees to the same probe and compare a few entries each way. */
static void
cmp_seek (OxBTree *a, OxBTree *b, const OxValue *probe, int nprobe, bool after)
{
	OxBTreeCursor ca, cb;
	const OxValue *ka, *kb;
	uint64_t ra, rb;
	ox_btree_cursor_init (&ca, a);
	ox_btree_cursor_init (&cb, b);
	ox_btree_seek (&ca, probe, nprobe, after);
	ox_btree_seek (&cb, probe, nprobe, after);
	for (int i = 0; i < 3; i++) {
		bool ha = ox_btree_next (&ca, &ka, &ra), hb = ox_btree_next (&cb, &kb, &rb);
		g_assert_cmpint (ha, ==, hb);
		if (!ha)
			break;
		same_entry (ka, ra, kb, rb);
		g_assert_cmpint (ka->type, ==, kb->type);
	}
	ox_btree_seek (&ca, probe, nprobe, after);
	ox_btree_seek (&cb, probe, nprobe, after);
	for (int i = 0; i < 3; i++) {
		bool ha = ox_btree_prev (&ca, &ka, &ra), hb = ox_btree_prev (&cb, &kb, &rb);
		g_assert_cmpint (ha, ==, hb);
		if (!ha)
			break;
		same_entry (ka, ra, kb, rb);
	}
	ox_btree_cursor_free (&ca);
	ox_btree_cursor_free (&cb);
}

/* Both trees hold the same entries in the same order. */
static void
cmp_all (OxBTree *a, OxBTree *b)
{
	g_assert_null (ox_btree_check (a));
	g_assert_null (ox_btree_check (b));
	g_assert_cmpuint (ox_btree_count (a), ==, ox_btree_count (b));
	OxBTreeCursor ca, cb;
	const OxValue *ka, *kb;
	uint64_t ra, rb;
	ox_btree_cursor_init (&ca, a);
	ox_btree_cursor_init (&cb, b);
	for (;;) {
		bool ha = ox_btree_next (&ca, &ka, &ra), hb = ox_btree_next (&cb, &kb, &rb);
		g_assert_cmpint (ha, ==, hb);
		if (!ha)
			break;
		same_entry (ka, ra, kb, rb);
	}
	ox_btree_cursor_free (&ca);
	ox_btree_cursor_free (&cb);
}

static const int64_t narrow_edges[] = {
	INT32_MIN, INT32_MIN + 1, -1, 0, 1, INT32_MAX - 1, INT32_MAX,
};

static int64_t
narrow_rand_key (GRand *r, int domain)
{
	if (g_rand_int_range (r, 0, 10) == 0)
		return narrow_edges[g_rand_int_range (r, 0, G_N_ELEMENTS (narrow_edges))];
	return g_rand_int_range (r, -domain, domain);
}

/* A narrow tree against the general format (the same entries in a tree
 * compared by test_cmp): random inserts (duplicate keys, NULLs, the int32
 * edges, repeated pairs), deletes (present and absent) and seeks (of NULL,
 * of the int32 edges and of the int64 values beyond them, before and
 * after), in both orders; down to empty (merges and rebalancing), and the
 * tree stays narrow throughout. */
static void
test_narrow_random (gconstpointer data)
{
	const bool desc[1] = { GPOINTER_TO_INT (data) != 0 };
	OxBTree *nt = ox_btree_new (1, desc, ox_value_cmp);
	OxBTree *gt = ox_btree_new (1, desc, test_cmp);
	GRand *r = g_rand_new_with_seed (0xb7ee0500 + (guint32) desc[0]);
	GArray *live = g_array_new (FALSE, FALSE, sizeof (int64_t) * 2);   /* (key or NULL mark, rowid) */
	const int64_t null_mark = INT64_MIN;
	uint64_t next_rowid = 0;
	size_t mem0 = ox_btree_memory (nt);

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 30000; i++) {
			int roll = g_rand_int_range (r, 0, 100);
			if (roll < 60 || live->len == 0) {
				int64_t e[2];
				e[0] = g_rand_int_range (r, 0, 100) < 5 ? null_mark : narrow_rand_key (r, 2000);
				/* rowids up to the 31-bit limit, mostly small */
				e[1] = g_rand_int_range (r, 0, 50) == 0 ? (int64_t) NROWID_TEST - (int64_t) next_rowid
				                                        : (int64_t) next_rowid;
				next_rowid++;
				OxValue k = e[0] == null_mark ? ox_null (OX_T_INT4) : ox_int (OX_T_INT4, e[0]);
				g_assert_true (ox_btree_insert (nt, &k, (uint64_t) e[1]));
				g_assert_true (ox_btree_insert (gt, &k, (uint64_t) e[1]));
				g_array_append_val (live, e);
			} else if (roll < 65) {
				/* an entry already present: refused by both */
				int64_t *e = &g_array_index (live, int64_t, 2 * g_rand_int_range (r, 0, live->len));
				OxValue k = e[0] == null_mark ? ox_null (OX_T_INT4) : ox_int (OX_T_INT4, e[0]);
				g_assert_false (ox_btree_insert (nt, &k, (uint64_t) e[1]));
				g_assert_false (ox_btree_insert (gt, &k, (uint64_t) e[1]));
			} else if (roll < 70) {
				/* absent: the same key with another rowid, or a NULL */
				OxValue k = g_rand_boolean (r) ? ox_null (OX_T_INT4)
				                                : ox_int (OX_T_INT4, narrow_rand_key (r, 2000));
				uint64_t rid = next_rowid + 7;
				g_assert_false (ox_btree_delete (nt, &k, rid));
				g_assert_false (ox_btree_delete (gt, &k, rid));
			} else {
				guint j = g_rand_int_range (r, 0, live->len);
				int64_t *e = &g_array_index (live, int64_t, 2 * j);
				OxValue k = e[0] == null_mark ? ox_null (OX_T_INT4) : ox_int (OX_T_INT4, e[0]);
				g_assert_true (ox_btree_delete (nt, &k, (uint64_t) e[1]));
				g_assert_true (ox_btree_delete (gt, &k, (uint64_t) e[1]));
				g_array_remove_index_fast (live, j);
			}
			if (i % 97 == 0) {
				OxValue probe;
				int pick = g_rand_int_range (r, 0, 4);
				if (pick == 0)
					probe = ox_null (OX_T_INT4);
				else if (pick == 1)
					probe = ox_int (OX_T_INT8, g_rand_boolean (r) ? (int64_t) INT32_MAX + 1
					                                                : (int64_t) INT32_MIN - 1);
				else
					probe = ox_int (OX_T_INT8, narrow_rand_key (r, 2100));
				cmp_seek (nt, gt, &probe, 1, g_rand_boolean (r));
			}
		}
		cmp_all (nt, gt);
		g_assert_cmpint (ox_btree_height (nt), >=, 2);
		g_assert_cmpfloat (bytes_per_entry (nt), <, 13.0);   /* still narrow */
		for (guint e = 0; e < G_N_ELEMENTS (narrow_edges); e++)
			for (int after = 0; after < 2; after++) {
				OxValue probe = ox_int (OX_T_INT4, narrow_edges[e]);
				cmp_seek (nt, gt, &probe, 1, after);
			}
		/* empty most of it: merges and rebalancing down the levels */
		while (live->len > (round == 2 ? 0u : 500u)) {
			guint j = g_rand_int_range (r, 0, live->len);
			int64_t *e = &g_array_index (live, int64_t, 2 * j);
			OxValue k = e[0] == null_mark ? ox_null (OX_T_INT4) : ox_int (OX_T_INT4, e[0]);
			g_assert_true (ox_btree_delete (nt, &k, (uint64_t) e[1]));
			g_assert_true (ox_btree_delete (gt, &k, (uint64_t) e[1]));
			g_array_remove_index_fast (live, j);
			if (live->len % 1000 == 0)
				g_assert_null (ox_btree_check (nt));
		}
		cmp_all (nt, gt);
	}
	g_assert_cmpuint (ox_btree_memory (nt), ==, mem0);   /* never widened */
	g_array_free (live, TRUE);
	g_rand_free (r);
	ox_btree_free (nt);
	ox_btree_free (gt);
}

/* Run a test with one-column trees compact (ox_value_cmp). */
typedef struct { const char *path; void (*fn) (void); } TestCase;

static void
run_compact (gconstpointer data)
{
	const TestCase *tc = data;
	tree_cmp = ox_value_cmp;
	tc->fn ();
	tree_cmp = test_cmp;
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	static const TestCase tests[] = {
		{ "empty", test_empty },
		{ "random/int", test_random_int },
		{ "random/composite", test_random_composite },
		{ "duplicates", test_duplicates },
		{ "desc-nulls", test_desc_nulls },
		{ "seek", test_seek },
		{ "key-types", test_key_types },
		{ "sequential", test_sequential },
		{ "count-memory", test_count_memory },
		{ "cursor/stability/next", test_stability_next },
		{ "cursor/stability/prev", test_stability_prev },
		{ "cursor/stability/composite", test_stability_composite },
		{ "cursor/stability/seek", test_stability_seek },
		{ "cursor/stability/unanchored", test_stability_unanchored },
		{ "free-large", test_free_large },
	};
	for (guint i = 0; i < G_N_ELEMENTS (tests); i++) {
		char *path = g_strdup_printf ("/engine/btree/%s", tests[i].path);
		g_test_add_func (path, tests[i].fn);
		g_free (path);
		path = g_strdup_printf ("/engine/btree/compact/%s", tests[i].path);
		g_test_add_data_func (path, &tests[i], run_compact);
		g_free (path);
	}
	g_test_add_data_func ("/engine/btree/compact/wide/asc", GINT_TO_POINTER (0), test_compact_random);
	g_test_add_data_func ("/engine/btree/compact/wide/desc", GINT_TO_POINTER (1), test_compact_random);
	g_test_add_func ("/engine/btree/compact/decompact", test_compact_decompact);
	g_test_add_func ("/engine/btree/narrow/memory", test_narrow_memory);
	g_test_add_data_func ("/engine/btree/narrow/random/asc", GINT_TO_POINTER (0), test_narrow_random);
	g_test_add_data_func ("/engine/btree/narrow/random/desc", GINT_TO_POINTER (1), test_narrow_random);
	static const struct { const char *path; int what; } widen[] = {
		{ "/engine/btree/narrow/widen/key-above/asc", 0 },
		{ "/engine/btree/narrow/widen/key-below/asc", 1 },
		{ "/engine/btree/narrow/widen/rowid/asc", 2 },
		{ "/engine/btree/narrow/widen/key-above/desc", 4 },
		{ "/engine/btree/narrow/widen/key-below/desc", 5 },
		{ "/engine/btree/narrow/widen/rowid/desc", 6 },
	};
	for (guint i = 0; i < G_N_ELEMENTS (widen); i++)
		g_test_add_data_func (widen[i].path, GINT_TO_POINTER (widen[i].what), test_narrow_widen);
	return g_test_run ();
}

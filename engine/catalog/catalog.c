/*
 * catalog.c — the versioned object store behind catalog.h.
 *
 * NOTE: the catalog lock (a GRWLock) protects the object array and the
 * name index only; object contents are immutable after registration, and
 * the stamps are written with atomic stores by the commit hook.
 */
#include "catalog.h"
#include "base/error.h"
#include "storage/redo.h"
#include "storage/wal-format.h"
#include "sequence.h"

#include <string.h>

#define N_KINDS (OX_KIND_SEQUENCE + 1)

struct OxCatalog {
	GRWLock     lock;
	GPtrArray  *objects;   /* OxCatObject*, every version ever registered (owned) */
	/* Indexes for lookups.  They drop versions nobody can see any more
	 * (pruned at registration), so that replacing a routine 20,000 times
	 * does not make every later lookup scan 20,000 versions; objects stay
	 * allocated (in 'objects') until the catalog is freed. */
	GHashTable *by_name;   /* name -> GPtrArray of OxCatObject* with that name */
	GPtrArray  *by_kind[N_KINDS];
	GHashTable *by_oid;    /* oid -> newest OxCatObject* with it */
	uint32_t    next_oid;  /* atomic */
	OxTxnMgr   *mgr;
	void       *owner;     /* the OxDatabase */
};

static OxCatalog *hook_catalog_unused;

/* Bumped by every catalog change and by every commit or rollback of one:
 * a plan built while it had some value is valid while it keeps it.
 * Process-wide (the hooks do not know their catalog): a change in one
 * database only costs the others a re-plan. */
static uint64_t catalog_generation = 1;

static void
stamp_hook (void *object, int action, uint64_t ts)
{
	OxCatObject *o = object;
	__atomic_fetch_add (&catalog_generation, 1, __ATOMIC_RELEASE);
	if (action == 1)
		__atomic_store_n (&o->xmin, ts, __ATOMIC_RELEASE);
	else {
		__atomic_store_n (&o->xmax, ts, __ATOMIC_RELEASE);
		if (o->kind == OX_KIND_INDEX)
			__atomic_store_n (&((OxIndex *) o)->data->valid, false, __ATOMIC_RELEASE);
	}
}

static void
undo_hook (void *object, int action)
{
	OxCatObject *o = object;
	__atomic_fetch_add (&catalog_generation, 1, __ATOMIC_RELEASE);
	if (action == 1) {
		__atomic_store_n (&o->aborted, true, __ATOMIC_RELEASE);
		if (o->kind == OX_KIND_INDEX) {
			OxIndex *ix = (OxIndex *) o;
			ox_table_drop_index (ix->table->data, ix->data);
			ix->data = NULL;
		}
	} else
		__atomic_store_n (&o->xmax, 0, __ATOMIC_RELEASE);
}

/* The WAL operation describing a created or dropped object (format in
 * storage/wal-format.h).  Indexes created for PRIMARY KEY / UNIQUE are
 * their own objects and log themselves. */
uint32_t
ox_catalog_encode (void *object, int action, GByteArray *out)
{
	OxCatObject *o = object;
	if (action == 2) {
		ox_put_u8 (out, OX_REDO_DROP);
		ox_put_u32 (out, o->oid);
		return 1;
	}
	switch (o->kind) {
	case OX_KIND_SCHEMA:
		ox_put_u8 (out, OX_REDO_SCHEMA);
		ox_put_u32 (out, o->oid);
		ox_put_str (out, o->name);
		return 1;
	case OX_KIND_TABLE: {
		OxTable *t = (OxTable *) o;
		ox_put_u8 (out, OX_REDO_TABLE);
		ox_put_u32 (out, o->oid);
		ox_put_u32 (out, o->schema->obj.oid);
		ox_put_str (out, o->name);
		ox_put_u16 (out, (uint16_t) t->ncols);
		for (int i = 0; i < t->ncols; i++) {
			OxColumn *c = &t->cols[i];
			ox_put_str (out, c->name);
			ox_put_u8 (out, (uint8_t) c->type.id);
			ox_put_u32 (out, (uint32_t) c->type.typmod);
			ox_put_u8 (out, c->notnull);
			ox_put_str (out, c->default_src);
		}
		ox_put_u16 (out, (uint16_t) t->nchecks);
		for (int i = 0; i < t->nchecks; i++) {
			ox_put_str (out, t->checks[i].name);
			ox_put_str (out, t->checks[i].src);
		}
		return 1;
	}
	case OX_KIND_VIEW: {
		OxTable *v = (OxTable *) o;
		ox_put_u8 (out, OX_REDO_VIEW);
		ox_put_u32 (out, o->oid);
		ox_put_u32 (out, o->schema->obj.oid);
		ox_put_str (out, o->name);
		ox_put_u16 (out, (uint16_t) v->ncols);
		for (int i = 0; i < v->ncols; i++) {
			ox_put_str (out, v->cols[i].name);
			ox_put_u8 (out, (uint8_t) v->cols[i].type.id);
			ox_put_u32 (out, (uint32_t) v->cols[i].type.typmod);
		}
		ox_put_str (out, v->view_src);
		ox_put_u16 (out, (uint16_t) v->ndeps);
		for (int i = 0; i < v->ndeps; i++)
			ox_put_u32 (out, v->deps[i]);
		return 1;
	}
	case OX_KIND_ROUTINE: {
		OxRoutine *r = (OxRoutine *) o;
		ox_put_u8 (out, OX_REDO_ROUTINE);
		ox_put_u32 (out, o->oid);
		ox_put_u32 (out, o->schema->obj.oid);
		ox_put_str (out, o->name);
		ox_put_u8 (out, (uint8_t) r->rkind);
		ox_put_u8 (out, (uint8_t) r->retkind);
		ox_put_u8 (out, (uint8_t) r->rettype.id);
		ox_put_u32 (out, (uint32_t) r->rettype.typmod);
		ox_put_u8 (out, (uint8_t) ((r->retset ? 1 : 0) | (r->rowtype_result ? 2 : 0)));
		ox_put_u8 (out, (uint8_t) r->volatility);
		ox_put_u8 (out, r->strict);
		ox_put_str (out, r->language);
		ox_put_str (out, r->body);
		ox_put_u32 (out, (uint32_t) r->body_line);
		ox_put_u32 (out, (uint32_t) r->body_col);
		ox_put_str (out, r->src_file);
		ox_put_str (out, r->owner);
		ox_put_u16 (out, (uint16_t) r->nargs);
		for (int i = 0; i < r->nargs; i++) {
			OxRoutineArg *a = &r->args[i];
			ox_put_str (out, a->name);
			ox_put_u8 (out, (uint8_t) a->type.id);
			ox_put_u32 (out, (uint32_t) a->type.typmod);
			ox_put_u8 (out, (uint8_t) a->mode);
			ox_put_str (out, a->default_src);
		}
		ox_put_u32 (out, r->rowtype_oid);
		return 1;
	}
	case OX_KIND_TRIGGER: {
		OxTrigger *tg = (OxTrigger *) o;
		ox_put_u8 (out, OX_REDO_TRIGGER);
		ox_put_u32 (out, o->oid);
		ox_put_u32 (out, tg->table->obj.oid);
		ox_put_str (out, o->name);
		ox_put_u8 (out, (uint8_t) tg->timing);
		ox_put_u8 (out, (uint8_t) tg->events);
		ox_put_u8 (out, (uint8_t) ((tg->for_each_row ? 1 : 0) | (tg->enabled ? 2 : 0)));
		ox_put_u16 (out, (uint16_t) tg->nupdate_cols);
		for (int i = 0; i < tg->nupdate_cols; i++)
			ox_put_u16 (out, (uint16_t) tg->update_cols[i]);
		ox_put_str (out, tg->when_src);
		ox_put_u32 (out, tg->func_schema ? tg->func_schema->obj.oid : 0);
		ox_put_str (out, tg->func_name);
		ox_put_u16 (out, (uint16_t) tg->nargs);
		for (int i = 0; i < tg->nargs; i++)
			ox_put_str (out, tg->args[i]);
		return 1;
	}
	case OX_KIND_EVENT_TRIGGER: {
		OxEventTrigger *et = (OxEventTrigger *) o;
		ox_put_u8 (out, OX_REDO_EVENT_TRIGGER);
		ox_put_u32 (out, o->oid);
		ox_put_str (out, o->name);
		ox_put_u8 (out, (uint8_t) et->event);
		ox_put_u8 (out, et->enabled);
		ox_put_u32 (out, et->func_schema ? et->func_schema->obj.oid : 0);
		ox_put_str (out, et->func_name);
		ox_put_u16 (out, (uint16_t) et->ntags);
		for (int i = 0; i < et->ntags; i++)
			ox_put_str (out, et->tags[i]);
		return 1;
	}
	case OX_KIND_ROLE: {
		OxRole *r = (OxRole *) o;
		ox_put_u8 (out, OX_REDO_ROLE);
		ox_put_u32 (out, o->oid);
		ox_put_str (out, o->name);
		ox_put_u8 (out, (uint8_t) ((r->superuser ? 1 : 0) | (r->inherit ? 2 : 0) | (r->createrole ? 4 : 0) |
		                           (r->createdb ? 8 : 0) | (r->canlogin ? 16 : 0) | (r->replication ? 32 : 0) |
		                           (r->bypassrls ? 64 : 0) | (r->has_valid_until ? 128 : 0)));
		ox_put_u32 (out, (uint32_t) r->connlimit);
		ox_put_str (out, r->password);
		ox_put_u64 (out, (uint64_t) r->valid_until);
		return 1;
	}
	case OX_KIND_SCHEDULE: {
		OxSchedule *sc = (OxSchedule *) o;
		ox_put_u8 (out, OX_REDO_SCHEDULE);
		ox_put_u32 (out, o->oid);
		ox_put_u32 (out, o->schema->obj.oid);
		ox_put_str (out, o->name);
		ox_put_str (out, sc->cron);
		ox_put_str (out, sc->timezone);
		ox_put_str (out, sc->action);
		ox_put_str (out, sc->language);
		ox_put_u8 (out, sc->enabled);
		ox_put_str (out, sc->owner);
		return 1;
	}
	case OX_KIND_SEQUENCE:
		return ox_sequence_encode ((OxSequence *) o, out);
	case OX_KIND_INDEX: {
		OxIndex *ix = (OxIndex *) o;
		ox_put_u8 (out, OX_REDO_INDEX);
		ox_put_u32 (out, o->oid);
		ox_put_u32 (out, ix->table->obj.oid);
		ox_put_str (out, o->name);
		ox_put_u8 (out, (uint8_t) ((ix->unique ? 1 : 0) | (ix->primary ? 2 : 0) | (ix->is_constraint ? 4 : 0)));
		ox_put_u16 (out, (uint16_t) ix->nkeys);
		for (int k = 0; k < ix->nkeys; k++) {
			ox_put_u16 (out, (uint16_t) ix->colnos[k]);
			ox_put_u8 (out, ix->desc[k]);
		}
		return 1;
	}
	}
	return 0;
}

static void
object_free (OxCatObject *o)
{
	if (o->kind == OX_KIND_TABLE) {
		OxTable *t = (OxTable *) o;
		ox_table_data_free (t->data);
		g_ptr_array_unref (t->indexes);
		if (t->triggers)
			g_ptr_array_unref (t->triggers);
	} else if (o->kind == OX_KIND_SEQUENCE) {
		ox_seq_state_unref (((OxSequence *) o)->state);
	} else if (o->kind == OX_KIND_VIEW) {
		g_ptr_array_unref (((OxTable *) o)->indexes);
		if (((OxTable *) o)->triggers)
			g_ptr_array_unref (((OxTable *) o)->triggers);
	}
	g_free (o->name);
	OxArena *a = o->arena;
	/* The object itself may live in its own arena. */
	ox_arena_free (a);
}

OxCatalog *
ox_catalog_new (OxTxnMgr *mgr)
{
	OxCatalog *c = g_new0 (OxCatalog, 1);
	(void) hook_catalog_unused;
	g_rw_lock_init (&c->lock);
	c->objects = g_ptr_array_new ();
	c->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
	                                    (GDestroyNotify) g_ptr_array_unref);
	for (int k = 0; k < N_KINDS; k++)
		c->by_kind[k] = g_ptr_array_new ();
	c->by_oid = g_hash_table_new (g_direct_hash, g_direct_equal);
	c->next_oid = 16384;  /* as PostgreSQL: user objects start at FirstNormalObjectId */
	c->mgr = mgr;
	OxCatalogHooks h = { .stamp = stamp_hook, .undo = undo_hook, .encode = ox_catalog_encode };
	ox_txn_mgr_set_catalog_hooks (mgr, &h);
	return c;
}

void
ox_catalog_free (OxCatalog *c)
{
	if (!c)
		return;
	for (guint i = 0; i < c->objects->len; i++)
		object_free (c->objects->pdata[i]);
	g_ptr_array_unref (c->objects);
	g_hash_table_unref (c->by_name);
	for (int k = 0; k < N_KINDS; k++)
		g_ptr_array_unref (c->by_kind[k]);
	g_hash_table_unref (c->by_oid);
	g_rw_lock_clear (&c->lock);
	g_free (c);
}

uint32_t
ox_catalog_next_oid (OxCatalog *c)
{
	return __atomic_fetch_add (&c->next_oid, 1, __ATOMIC_RELAXED);
}

uint64_t
ox_catalog_version (OxCatalog *c)
{
	return __atomic_load_n (&catalog_generation, __ATOMIC_ACQUIRE);
}

static bool
stamp_visible (uint64_t ts, const OxTxn *t)
{
	if (OX_TS_IS_TXN (ts))
		return ts == t->id;
	return ts <= t->snapshot;
}

bool
ox_cat_visible (const OxCatObject *o, const OxTxn *t)
{
	if (__atomic_load_n (&o->aborted, __ATOMIC_ACQUIRE))
		return false;
	if (!stamp_visible (__atomic_load_n (&o->xmin, __ATOMIC_ACQUIRE), t))
		return false;
	uint64_t xmax = __atomic_load_n (&o->xmax, __ATOMIC_ACQUIRE);
	return xmax == 0 || !stamp_visible (xmax, t);
}

bool
ox_cat_dropped_latest (const OxCatObject *o, const OxTxn *t)
{
	uint64_t xmax = __atomic_load_n (&o->xmax, __ATOMIC_ACQUIRE);
	return o->aborted || (xmax != 0 && (!OX_TS_IS_TXN (xmax) || xmax == t->id));
}

/* "Newest committed, or our own" visibility, for DDL existence checks. */
static bool
latest_visible (const OxCatObject *o, const OxTxn *t)
{
	if (__atomic_load_n (&o->aborted, __ATOMIC_ACQUIRE))
		return false;
	uint64_t xmin = __atomic_load_n (&o->xmin, __ATOMIC_ACQUIRE);
	if (OX_TS_IS_TXN (xmin) && xmin != t->id)
		return false;
	uint64_t xmax = __atomic_load_n (&o->xmax, __ATOMIC_ACQUIRE);
	if (xmax == 0)
		return true;
	return OX_TS_IS_TXN (xmax) && xmax != t->id;
}

typedef bool (*VisFn) (const OxCatObject *, const OxTxn *);

static OxCatObject *
find (OxCatalog *c, OxTxn *t, OxSchema *s, const char *name, int kind_mask, VisFn vis)
{
	OxCatObject *found = NULL;
	g_rw_lock_reader_lock (&c->lock);
	GPtrArray *arr = g_hash_table_lookup (c->by_name, name);
	if (arr) {
		for (guint i = arr->len; i-- > 0;) {
			OxCatObject *o = arr->pdata[i];
			if (!((1 << o->kind) & kind_mask) || o->schema != s)
				continue;
			if (vis (o, t)) {
				found = o;
				break;
			}
		}
	}
	g_rw_lock_reader_unlock (&c->lock);
	return found;
}

OxSchema *
ox_catalog_schema (OxCatalog *c, OxTxn *t, const char *name)
{
	return (OxSchema *) find (c, t, NULL, name, 1 << OX_KIND_SCHEMA, ox_cat_visible);
}

OxSchema *
ox_catalog_schema_latest (OxCatalog *c, OxTxn *t, const char *name)
{
	return (OxSchema *) find (c, t, NULL, name, 1 << OX_KIND_SCHEMA, latest_visible);
}

OxTable *
ox_catalog_relation (OxCatalog *c, OxTxn *t, OxSchema *s, const char *name)
{
	return (OxTable *) find (c, t, s, name, (1 << OX_KIND_TABLE) | (1 << OX_KIND_VIEW), ox_cat_visible);
}

OxIndex *
ox_catalog_index (OxCatalog *c, OxTxn *t, OxSchema *s, const char *name)
{
	return (OxIndex *) find (c, t, s, name, 1 << OX_KIND_INDEX, ox_cat_visible);
}

OxCatObject *
ox_catalog_relname_taken (OxCatalog *c, OxTxn *t, OxSchema *s, const char *name)
{
	return find (c, t, s, name, (1 << OX_KIND_TABLE) | (1 << OX_KIND_VIEW) | (1 << OX_KIND_INDEX) |
	             (1 << OX_KIND_SEQUENCE), latest_visible);
}

OxSequence *
ox_catalog_column_sequence (OxCatalog *c, OxTxn *t, OxTable *tab, int col)
{
	OxSequence *found = NULL;
	g_rw_lock_reader_lock (&c->lock);
	GPtrArray *src = c->by_kind[OX_KIND_SEQUENCE];
	for (guint i = src->len; i-- > 0 && !found;) {
		OxSequence *sq = src->pdata[i];
		if (sq->owner_table == tab->obj.oid && sq->owner_col == col && ox_cat_visible (&sq->obj, t))
			found = sq;
	}
	g_rw_lock_reader_unlock (&c->lock);
	return found;
}

OxSequence *
ox_catalog_sequence (OxCatalog *c, OxTxn *t, OxSchema *s, const char *name, bool latest)
{
	return (OxSequence *) find (c, t, s, name, 1 << OX_KIND_SEQUENCE, latest ? latest_visible : ox_cat_visible);
}

GPtrArray *
ox_catalog_routines (OxCatalog *c, OxTxn *t, OxSchema *s, const char *name, bool latest)
{
	GPtrArray *out = g_ptr_array_new ();
	VisFn vis = latest ? latest_visible : ox_cat_visible;
	g_rw_lock_reader_lock (&c->lock);
	GPtrArray *arr = g_hash_table_lookup (c->by_name, name);
	for (guint i = 0; arr && i < arr->len; i++) {
		OxCatObject *o = arr->pdata[i];
		if (o->kind == OX_KIND_ROUTINE && (!s || o->schema == s) && vis (o, t))
			g_ptr_array_add (out, o);
	}
	g_rw_lock_reader_unlock (&c->lock);
	return out;
}

static int
trigger_name_cmp (gconstpointer a, gconstpointer b)
{
	const OxCatObject *x = *(OxCatObject *const *) a, *y = *(OxCatObject *const *) b;
	return strcmp (x->name, y->name);
}

void
ox_catalog_set_owner (OxCatalog *c, void *db)
{
	c->owner = db;
}

void *
ox_catalog_owner (OxCatalog *c)
{
	return c->owner;
}

OxRole *
ox_catalog_role (OxCatalog *c, OxTxn *t, const char *name, bool latest)
{
	return (OxRole *) find (c, t, NULL, name, 1 << OX_KIND_ROLE, latest ? latest_visible : ox_cat_visible);
}

OxRole *
ox_catalog_role_by_oid (OxCatalog *c, OxTxn *t, uint32_t oid, bool latest)
{
	VisFn vis = latest ? latest_visible : ox_cat_visible;
	OxRole *found = NULL;
	g_rw_lock_reader_lock (&c->lock);
	GPtrArray *src = c->by_kind[OX_KIND_ROLE];
	for (guint i = src->len; i-- > 0;) {
		OxCatObject *o = src->pdata[i];
		if (o->oid == oid && vis (o, t)) {
			found = (OxRole *) o;
			break;
		}
	}
	g_rw_lock_reader_unlock (&c->lock);
	return found;
}

GPtrArray *
ox_catalog_schedules (OxCatalog *c, OxTxn *t, bool latest)
{
	GPtrArray *out = g_ptr_array_new ();
	VisFn vis = latest ? latest_visible : ox_cat_visible;
	g_rw_lock_reader_lock (&c->lock);
	GPtrArray *src = c->by_kind[OX_KIND_SCHEDULE];
	for (guint i = 0; i < src->len; i++) {
		OxCatObject *o = src->pdata[i];
		if (vis (o, t))
			g_ptr_array_add (out, o);
	}
	g_rw_lock_reader_unlock (&c->lock);
	return out;
}

GPtrArray *
ox_catalog_table_triggers (OxCatalog *c, OxTxn *t, OxTable *tab, bool latest)
{
	GPtrArray *out = g_ptr_array_new ();
	VisFn vis = latest ? latest_visible : ox_cat_visible;
	g_rw_lock_reader_lock (&c->lock);
	for (guint i = 0; tab->triggers && i < tab->triggers->len; i++) {
		OxCatObject *o = tab->triggers->pdata[i];
		if (vis (o, t))
			g_ptr_array_add (out, o);
	}
	g_rw_lock_reader_unlock (&c->lock);
	g_ptr_array_sort (out, trigger_name_cmp);
	return out;
}

void
ox_routine_finish (OxRoutine *r)
{
	OxArena *a = r->obj.arena;
	int nin = 0, nout = 0;
	bool proc = r->rkind == OX_ROUTINE_PROCEDURE;
	for (int i = 0; i < r->nargs; i++) {
		OxArgMode m = r->args[i].mode;
		if (m == OX_ARG_IN || m == OX_ARG_INOUT || (proc && m == OX_ARG_OUT))
			nin++;
		if (m != OX_ARG_IN)
			nout++;
	}
	r->nin = nin;
	if (r->retkind == OX_RET_RECORD) {
		r->nresult = nout;
		r->result_names = OX_NEW_N (a, const char *, nout > 0 ? nout : 1);
		r->result_types = OX_NEW_N (a, OxType, nout > 0 ? nout : 1);
		int k = 0;
		for (int i = 0; i < r->nargs; i++) {
			if (r->args[i].mode == OX_ARG_IN)
				continue;
			r->result_names[k] = r->args[i].name ? r->args[i].name
			                                     : ox_arena_printf (a, "column%d", k + 1);
			r->result_types[k] = r->args[i].type;
			k++;
		}
	} else if (r->retkind == OX_RET_VALUE) {
		r->nresult = 1;
		r->result_names = OX_NEW_N (a, const char *, 1);
		r->result_types = OX_NEW_N (a, OxType, 1);
		r->result_names[0] = r->obj.name;
		r->result_types[0] = r->rettype;
	} else {
		r->nresult = 0;
	}
	GString *sig = g_string_new (r->obj.name);
	g_string_append_c (sig, '(');
	bool first = true;
	for (int i = 0; i < r->nargs; i++) {
		OxArgMode m = r->args[i].mode;
		if (!(m == OX_ARG_IN || m == OX_ARG_INOUT || (proc && m == OX_ARG_OUT)))
			continue;
		if (!first)
			g_string_append (sig, ", ");
		first = false;
		if (proc && m == OX_ARG_OUT)
			g_string_append (sig, "OUT ");
		g_string_append (sig, ox_type_format (a, r->args[i].type));
	}
	g_string_append_c (sig, ')');
	r->signature = ox_arena_strdup (a, sig->str);
	g_string_free (sig, TRUE);
}

GPtrArray *
ox_catalog_list (OxCatalog *c, OxTxn *t, int kind)
{
	GPtrArray *out = g_ptr_array_new ();
	g_rw_lock_reader_lock (&c->lock);
	GPtrArray *src = kind >= 0 && kind < N_KINDS ? c->by_kind[kind] : c->objects;
	for (guint i = 0; i < src->len; i++) {
		OxCatObject *o = src->pdata[i];
		if (kind >= 0 && (int) o->kind != kind)
			continue;
		if (ox_cat_visible (o, t))
			g_ptr_array_add (out, o);
	}
	g_rw_lock_reader_unlock (&c->lock);
	return out;
}

GPtrArray *
ox_catalog_table_indexes (OxCatalog *c, OxTxn *t, OxTable *tab)
{
	GPtrArray *out = g_ptr_array_new ();
	g_rw_lock_reader_lock (&c->lock);
	for (guint i = 0; i < tab->indexes->len; i++) {
		OxCatObject *o = tab->indexes->pdata[i];
		if (ox_cat_visible (o, t))
			g_ptr_array_add (out, o);
	}
	g_rw_lock_reader_unlock (&c->lock);
	return out;
}

OxArena *
ox_catalog_arena_new (void)
{
	return ox_arena_new ();
}

/* Can no transaction see o any more?  Rolled back, or dropped by a
 * commit every running snapshot (and every later one) sees. */
static bool
dead (const OxCatObject *o, uint64_t horizon)
{
	if (__atomic_load_n (&o->aborted, __ATOMIC_ACQUIRE))
		return true;
	uint64_t xmax = __atomic_load_n (&o->xmax, __ATOMIC_ACQUIRE);
	return xmax != 0 && !OX_TS_IS_TXN (xmax) && xmax <= horizon;
}

/* Drop dead versions from an index array (lock held for writing). */
static void
prune (GPtrArray *arr, uint64_t horizon)
{
	guint j = 0;
	for (guint i = 0; i < arr->len; i++)
		if (!dead (arr->pdata[i], horizon))
			arr->pdata[j++] = arr->pdata[i];
	g_ptr_array_set_size (arr, j);
}

void
ox_catalog_register (OxCatalog *c, OxTxn *t, OxCatObject *o)
{
	o->xmin = t->id;
	o->xmax = 0;
	if (o->oid == 0)
		o->oid = ox_catalog_next_oid (c);
	else
		ox_catalog_bump_oid (c, o->oid);
	if (o->kind == OX_KIND_TABLE && ((OxTable *) o)->data)
		((OxTable *) o)->data->oid = o->oid;
	uint64_t horizon = ox_txn_mgr_horizon (c->mgr);  /* before our lock: mgr, then catalog, never both */
	g_rw_lock_writer_lock (&c->lock);
	g_ptr_array_add (c->objects, o);
	GPtrArray *arr = g_hash_table_lookup (c->by_name, o->name);
	if (!arr) {
		arr = g_ptr_array_new ();
		g_hash_table_insert (c->by_name, g_strdup (o->name), arr);
	}
	prune (arr, horizon);
	g_ptr_array_add (arr, o);
	prune (c->by_kind[o->kind], horizon);
	g_ptr_array_add (c->by_kind[o->kind], o);
	g_hash_table_insert (c->by_oid, GUINT_TO_POINTER (o->oid), o);
	if (o->kind == OX_KIND_INDEX)
		g_ptr_array_add (((OxIndex *) o)->table->indexes, o);
	if (o->kind == OX_KIND_TRIGGER) {
		OxTable *tab = ((OxTrigger *) o)->table;
		if (!tab->triggers)
			tab->triggers = g_ptr_array_new ();
		prune (tab->triggers, horizon);
		g_ptr_array_add (tab->triggers, o);
	}
	g_rw_lock_writer_unlock (&c->lock);
	__atomic_fetch_add (&catalog_generation, 1, __ATOMIC_RELEASE);
	ox_txn_log_catalog (t, o, 1);
}

void
ox_catalog_drop (OxCatalog *c, OxTxn *t, OxCatObject *o)
{
	__atomic_store_n (&o->xmax, t->id, __ATOMIC_RELEASE);
	__atomic_fetch_add (&catalog_generation, 1, __ATOMIC_RELEASE);
	ox_txn_log_catalog (t, o, 2);
}

OxSchema *
ox_catalog_create_schema (OxCatalog *c, OxTxn *t, const char *name)
{
	OxArena *a = ox_catalog_arena_new ();
	OxSchema *s = OX_NEW (a, OxSchema);
	s->obj.kind = OX_KIND_SCHEMA;
	s->obj.name = g_strdup (name);
	s->obj.arena = a;
	ox_catalog_register (c, t, &s->obj);
	return s;
}

void
ox_catalog_bump_oid (OxCatalog *c, uint32_t oid)
{
	uint32_t cur = __atomic_load_n (&c->next_oid, __ATOMIC_RELAXED);
	while (cur <= oid && !__atomic_compare_exchange_n (&c->next_oid, &cur, oid + 1, false, __ATOMIC_RELAXED,
	                                                 __ATOMIC_RELAXED))
		;
}

OxCatObject *
ox_catalog_by_oid (OxCatalog *c, uint32_t oid)
{
	OxCatObject *found = NULL;
	g_rw_lock_reader_lock (&c->lock);
	OxCatObject *newest = g_hash_table_lookup (c->by_oid, GUINT_TO_POINTER (oid));
	if (newest && !newest->aborted) {
		g_rw_lock_reader_unlock (&c->lock);
		return newest;
	}
	for (guint i = c->objects->len; i-- > 0;) {
		OxCatObject *o = c->objects->pdata[i];
		if (o->oid == oid && !o->aborted) {
			found = o;
			break;
		}
	}
	g_rw_lock_reader_unlock (&c->lock);
	return found;
}

guint
ox_catalog_indexed_versions (OxCatalog *c, const char *name)
{
	g_rw_lock_reader_lock (&c->lock);
	GPtrArray *arr = g_hash_table_lookup (c->by_name, name);
	guint n = arr ? arr->len : 0;
	g_rw_lock_reader_unlock (&c->lock);
	return n;
}

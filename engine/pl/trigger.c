/*
 * trigger.c — CREATE / DROP TRIGGER, ALTER TABLE ... ENABLE/DISABLE
 * TRIGGER, and firing triggers from the DML operators (exec.c).
 *
 * PostgreSQL's semantics: BEFORE ROW triggers run as each row is about to
 * be written and may change it (by returning another NEW) or skip it (by
 * returning NULL); AFTER ROW triggers are queued and run when the
 * statement has written every row, in row order; STATEMENT triggers run
 * once before and once after, even when no row qualifies.  Several
 * triggers on one event fire in name order.  WHEN conditions are SQL
 * expressions over NEW and OLD, evaluated before the function is called.
 *
 * What can go wrong: a trigger that modifies its own table fires itself;
 * past max_trigger_depth (default 32) nested firings the statement fails
 * with 54001 rather than exhausting the stack.  A trigger whose function
 * was dropped (only possible with CASCADE, which drops the trigger too) or
 * replaced by one not returning trigger fails with 42883 / 42P17 when it
 * fires.
 */
#include "pl/trigger.h"
#include "pl/routine.h"
#include "session.h"
#include "base/error.h"
#include "base/cast.h"

#include <string.h>

/* ---- DDL ------------------------------------------------------------------------------------ */

static const char *
timing_name (int timing)
{
	return timing == OX_TRIG_BEFORE ? "BEFORE" : timing == OX_TRIG_AFTER ? "AFTER" : "INSTEAD OF";
}

/* The function a trigger runs: f() returning trigger. */
static OxRoutine *
trigger_function (OxSession *s, OxTxn *t, OxSchema *schema, const char *name, int loc)
{
	OxCatalog *cat = s->db->catalog;
	GPtrArray *cands = g_ptr_array_new ();
	if (schema)
		g_ptr_array_extend_and_steal (cands, ox_catalog_routines (cat, t, schema, name, false));
	else
		for (char **p = s->search_path; p && *p && cands->len == 0; p++) {
			OxSchema *sc = ox_catalog_schema (cat, t, *p);
			if (sc)
				g_ptr_array_extend_and_steal (cands, ox_catalog_routines (cat, t, sc, name, false));
		}
	OxRoutine *found = NULL;
	for (guint i = 0; i < cands->len; i++) {
		OxRoutine *r = cands->pdata[i];
		if (r->rkind == OX_ROUTINE_FUNCTION && r->nin == 0)
			found = r;
	}
	g_ptr_array_unref (cands);
	if (!found)
		ox_raise (OX_ERR_UNDEFINED_FUNCTION, loc, "function %s() does not exist", name);
	if (found->retkind != OX_RET_TRIGGER)
		ox_raise ("42P17", loc, "function %s must return type trigger", name);
	return found;
}

/* WHEN conditions bind NEW.col as $(col+1) and OLD.col as $(ncols+col+1). */
typedef struct WhenHook {
	OxTable *table;
	int      events;
	bool     row;
} WhenHook;

static int
when_resolve (void *user, const char *const *fields, int nfields, OxType *type)
{
	WhenHook *h = user;
	if (nfields != 2)
		return 0;
	bool is_new = !g_ascii_strcasecmp (fields[0], "new"), is_old = !g_ascii_strcasecmp (fields[0], "old");
	if (!is_new && !is_old)
		return 0;
	if (!h->row)
		ox_raise ("42P17", 0, "statement trigger's WHEN condition cannot reference column values");
	if (is_old && h->events == OX_TRIG_INSERT)
		ox_raise ("42P17", 0, "INSERT trigger's WHEN condition cannot reference OLD values");
	if (is_new && h->events == OX_TRIG_DELETE)
		ox_raise ("42P17", 0, "DELETE trigger's WHEN condition cannot reference NEW values");
	OxTable *t = h->table;
	for (int c = 0; c < t->ncols; c++)
		if (!strcmp (t->cols[c].name, fields[1])) {
			*type = t->cols[c].type;
			return (is_new ? 0 : t->ncols) + c + 1;
		}
	ox_raise (OX_ERR_UNDEFINED_COLUMN, 0, "column %s.%s does not exist", fields[0], fields[1]);
}

static OxSpiExpr *
prepare_when (OxSession *s, OxTrigger *tg)
{
	WhenHook *h = g_new0 (WhenHook, 1);
	h->table = tg->table;
	h->events = tg->events;
	h->row = tg->for_each_row;
	OxSpiParamHook hook = { .resolve = when_resolve, .user = h, .columns_win = true };
	OxSpiExpr *volatile e = NULL;
	OX_TRY {
		e = ox_spi_prepare_expr (s, tg->when_src, &hook);
		if (ox_spi_expr_type (e).id != OX_T_BOOL && ox_spi_expr_type (e).id != OX_T_UNKNOWN)
			ox_raise (OX_ERR_DATATYPE_MISMATCH, 0, "argument of WHEN must be type boolean, not type %s",
			          ox_type_name (ox_spi_expr_type (e).id));
	} OX_CATCH {
		ox_spi_expr_free (e);
		g_free (h);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	/* the hook's user data lives as long as the expression: keep it in the
	 * session's list of things to free with the trigger cache */
	if (!s->trigger_hooks)
		s->trigger_hooks = g_ptr_array_new_with_free_func (g_free);
	g_ptr_array_add (s->trigger_hooks, h);
	return e;
}

static OxTrigger *
trigger_copy (OxTrigger *src)
{
	OxArena *a = ox_catalog_arena_new ();
	OxTrigger *tg = OX_NEW (a, OxTrigger);
	*tg = *src;
	memset (&tg->obj, 0, sizeof tg->obj);
	tg->obj.kind = OX_KIND_TRIGGER;
	tg->obj.name = g_strdup (src->obj.name);
	tg->obj.schema = src->obj.schema;
	tg->obj.arena = a;
	tg->update_cols = OX_NEW_N (a, int, src->nupdate_cols + 1);
	memcpy (tg->update_cols, src->update_cols, sizeof (int) * (size_t) src->nupdate_cols);
	if (src->when_src) {
		tg->when_src = ox_arena_strdup (a, src->when_src);
		tg->when_expr = ox_parse_expr_src (a, tg->when_src);
	}
	tg->func_name = ox_arena_strdup (a, src->func_name);
	tg->args = OX_NEW_N (a, const char *, src->nargs + 1);
	for (int i = 0; i < src->nargs; i++)
		tg->args[i] = ox_arena_strdup (a, src->args[i]);
	return tg;
}

static OxTrigger *
find_trigger (OxSession *s, OxTable *tab, const char *name)
{
	GPtrArray *all = ox_catalog_table_triggers (s->db->catalog, s->txn, tab, true);
	OxTrigger *found = NULL;
	for (guint i = 0; i < all->len; i++)
		if (!strcmp (((OxTrigger *) all->pdata[i])->obj.name, name))
			found = all->pdata[i];
	g_ptr_array_unref (all);
	return found;
}

static OxTable *
trigger_table (OxSession *s, OxRangeVar *rv)
{
	OxTable *tab = ox_session_relation (s, rv->schema, rv->name);
	if (!tab)
		ox_raise (OX_ERR_UNDEFINED_TABLE, rv->node.loc + 1, "relation \"%s\" does not exist", rv->name);
	return tab;
}

void
ox_ddl_create_trigger (OxSession *s, OxExec *x, OxCreateTriggerStmt *ct)
{
	OxTxn *t = s->txn;
	OxCatalog *cat = s->db->catalog;
	ox_txn_lock_ddl (t);
	OxTable *tab = trigger_table (s, ct->table);
	int loc = ct->node.loc + 1;
	bool is_view = tab->view_query != NULL;
	if (is_view && ct->timing != OX_TRIG_INSTEAD && ct->for_each_row)
		ox_raise_full (OX_ERR_WRONG_OBJECT_TYPE, loc, "Views cannot have row-level BEFORE or AFTER triggers.", NULL,
		               "\"%s\" is a view", tab->obj.name);
	if (!is_view && ct->timing == OX_TRIG_INSTEAD)
		ox_raise_full (OX_ERR_WRONG_OBJECT_TYPE, loc, "Tables cannot have INSTEAD OF triggers.", NULL,
		               "\"%s\" is a table", tab->obj.name);
	if (ct->timing == OX_TRIG_INSTEAD) {
		if (!ct->for_each_row)
			ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, loc, "INSTEAD OF triggers must be FOR EACH ROW");
		if (ct->when)
			ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, loc, "INSTEAD OF triggers cannot have WHEN conditions");
		if (ct->update_cols)
			ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, loc, "INSTEAD OF triggers cannot have column lists");
	}
	if ((ct->events & OX_TRIG_TRUNCATE) && ct->for_each_row)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, loc, "TRUNCATE FOR EACH ROW triggers are not supported");
	int nn = ct->func_name->n;
	OxSchema *fs = NULL;
	if (nn == 2) {
		fs = ox_catalog_schema (cat, t, ct->func_name->items[0]);
		if (!fs)
			ox_raise (OX_ERR_UNDEFINED_SCHEMA, loc, "schema \"%s\" does not exist", (char *) ct->func_name->items[0]);
	}
	const char *fname = ct->func_name->items[nn - 1];
	trigger_function (s, t, fs, fname, loc);
	OxTrigger *old = find_trigger (s, tab, ct->name);
	if (old && !ct->or_replace)
		ox_raise (OX_ERR_DUPLICATE_OBJECT, loc, "trigger \"%s\" for relation \"%s\" already exists", ct->name,
		          tab->obj.name);

	OxArena *a = ox_catalog_arena_new ();
	OxTrigger *volatile tg = OX_NEW (a, OxTrigger);
	volatile bool registered = false;
	OX_TRY {
		tg->obj.kind = OX_KIND_TRIGGER;
		tg->obj.name = g_strdup (ct->name);
		tg->obj.schema = tab->obj.schema;
		tg->obj.arena = a;
		tg->table = tab;
		tg->timing = ct->timing;
		tg->events = ct->events;
		tg->for_each_row = ct->for_each_row;
		tg->enabled = true;
		tg->nupdate_cols = OX_LIST_N (ct->update_cols);
		tg->update_cols = OX_NEW_N (a, int, tg->nupdate_cols + 1);
		for (int i = 0; i < tg->nupdate_cols; i++) {
			const char *cn = ct->update_cols->items[i];
			int found = -1;
			for (int c = 0; c < tab->ncols; c++)
				if (!strcmp (tab->cols[c].name, cn))
					found = c;
			if (found < 0)
				ox_raise (OX_ERR_UNDEFINED_COLUMN, loc, "column \"%s\" of relation \"%s\" does not exist", cn,
				          tab->obj.name);
			tg->update_cols[i] = found;
		}
		if (ct->when_src) {
			tg->when_src = ox_arena_strdup (a, ct->when_src);
			tg->when_expr = ox_parse_expr_src (a, tg->when_src);
			ox_spi_expr_free (prepare_when (s, tg));  /* check it binds, now */
		}
		tg->func_schema = fs;
		tg->func_name = ox_arena_strdup (a, fname);
		tg->nargs = OX_LIST_N (ct->args);
		tg->args = OX_NEW_N (a, const char *, tg->nargs + 1);
		for (int i = 0; i < tg->nargs; i++)
			tg->args[i] = ox_arena_strdup (a, ct->args->items[i]);
		if (old)
			ox_catalog_drop (cat, t, &old->obj);
		ox_catalog_register (cat, t, &tg->obj);
		registered = true;
	} OX_CATCH {
		if (!registered) {
			g_free (tg->obj.name);
			ox_arena_free (a);
		}
		ox_error_rethrow_current ();
	} OX_END_TRY;
	(void) x;
}

void
ox_ddl_drop_trigger (OxSession *s, OxExec *x, OxDropStmt *ds)
{
	OxTxn *t = s->txn;
	ox_txn_lock_ddl (t);
	OxRangeVar *rv = ds->on_table;
	const char *name = ((OxRangeVar *) ds->names->items[0])->name;
	OxTable *tab = ox_session_relation (s, rv->schema, rv->name);
	if (!tab) {
		if (ds->if_exists) {
			ox_session_notice (s, "00000", "relation \"%s\" does not exist, skipping", rv->name);
			return;
		}
		ox_raise (OX_ERR_UNDEFINED_TABLE, rv->node.loc + 1, "relation \"%s\" does not exist", rv->name);
	}
	OxTrigger *tg = find_trigger (s, tab, name);
	if (!tg) {
		if (ds->if_exists) {
			ox_session_notice (s, "00000", "trigger \"%s\" for relation \"%s\" does not exist, skipping", name,
			                   tab->obj.name);
			return;
		}
		ox_raise (OX_ERR_UNDEFINED_OBJECT, ds->node.loc + 1, "trigger \"%s\" for table \"%s\" does not exist", name,
		          tab->obj.name);
	}
	ox_catalog_drop (s->db->catalog, t, &tg->obj);
	(void) x;
}

void
ox_ddl_alter_trigger (OxSession *s, OxExec *x, OxAlterTriggerStmt *at)
{
	OxTxn *t = s->txn;
	OxCatalog *cat = s->db->catalog;
	ox_txn_lock_ddl (t);
	OxTable *tab = trigger_table (s, at->table);
	if (at->rename_to) {
		/* ALTER TRIGGER ... RENAME TO: a copy under the new name */
		OxTrigger *tg = find_trigger (s, tab, at->name);
		if (!tg)
			ox_raise (OX_ERR_UNDEFINED_OBJECT, at->node.loc + 1, "trigger \"%s\" for table \"%s\" does not exist",
			          at->name, tab->obj.name);
		if (find_trigger (s, tab, at->rename_to))
			ox_raise (OX_ERR_DUPLICATE_OBJECT, at->node.loc + 1, "trigger \"%s\" for relation \"%s\" already exists",
			          at->rename_to, tab->obj.name);
		OxTrigger *nt = trigger_copy (tg);
		g_free ((char *) nt->obj.name);
		nt->obj.name = g_strdup (at->rename_to);
		ox_catalog_drop (cat, t, &tg->obj);
		ox_catalog_register (cat, t, &nt->obj);
		(void) x;
		return;
	}
	GPtrArray *all = ox_catalog_table_triggers (cat, t, tab, true);
	bool any = false;
	for (guint i = 0; i < all->len; i++) {
		OxTrigger *tg = all->pdata[i];
		if (at->name && strcmp (tg->obj.name, at->name))
			continue;
		any = true;
		if (tg->enabled == at->enable)
			continue;
		OxTrigger *nt = trigger_copy (tg);
		nt->enabled = at->enable;
		ox_catalog_drop (cat, t, &tg->obj);
		ox_catalog_register (cat, t, &nt->obj);
	}
	g_ptr_array_unref (all);
	if (at->name && !any)
		ox_raise (OX_ERR_UNDEFINED_OBJECT, at->node.loc + 1, "trigger \"%s\" for table \"%s\" does not exist",
		          at->name, tab->obj.name);
	(void) x;
}

void
ox_triggers_drop_for_table (OxSession *s, OxTable *tab)
{
	GPtrArray *all = ox_catalog_table_triggers (s->db->catalog, s->txn, tab, true);
	for (guint i = 0; i < all->len; i++)
		ox_catalog_drop (s->db->catalog, s->txn, all->pdata[i]);
	g_ptr_array_unref (all);
}

GPtrArray *
ox_triggers_using_function (OxSession *s, OxRoutine *r)
{
	GPtrArray *out = g_ptr_array_new ();
	if (r->retkind != OX_RET_TRIGGER)
		return out;
	GPtrArray *all = ox_catalog_list (s->db->catalog, s->txn, OX_KIND_TRIGGER);
	for (guint i = 0; i < all->len; i++) {
		OxTrigger *tg = all->pdata[i];
		if (strcmp (tg->func_name, r->obj.name))
			continue;
		if (tg->func_schema ? tg->func_schema == r->obj.schema : true)
			g_ptr_array_add (out, tg);
	}
	g_ptr_array_unref (all);
	return out;
}

/* ---- firing ----------------------------------------------------------------------------------- */

typedef struct TList {
	OxTrigger **v;
	int         n;
} TList;

struct OxTrigSet {
	OxTable   *table;
	int        event;
	TList      before_stmt, after_stmt, before_row, after_row, instead_row;
	/* AFTER ROW queue, made by the first queued row and emptied by
	 * ox_trigset_after_statement / ox_trigset_reset: pairs of row copies
	 * (NULL where absent) */
	OxArena   *queue_arena;
	GPtrArray *queue;
	bool       stmt_fired;
};

/* Everything here lives in the plan's arena a, so that a cached plan
 * keeps it and freeing the plan frees it. */
OxTrigSet *
ox_triggers_for (OxExec *x, OxTable *tab, int event, OxArena *a)
{
	OxSession *s = x->session;
	if (!s)
		return NULL;
	GPtrArray *all = ox_catalog_table_triggers (x->catalog, x->txn, tab, false);
	OxTrigSet *ts = NULL;
	for (guint i = 0; i < all->len; i++) {
		OxTrigger *tg = all->pdata[i];
		if (!tg->enabled || !(tg->events & event))
			continue;
		if (!ts) {
			ts = OX_NEW (a, OxTrigSet);
			ts->table = tab;
			ts->event = event;
			TList *ls[] = { &ts->before_stmt, &ts->after_stmt, &ts->before_row, &ts->after_row, &ts->instead_row };
			for (int k = 0; k < 5; k++)
				ls[k]->v = OX_NEW_N (a, OxTrigger *, all->len);
		}
		TList *dst = tg->timing == OX_TRIG_INSTEAD ? &ts->instead_row
		             : tg->for_each_row ? (tg->timing == OX_TRIG_BEFORE ? &ts->before_row : &ts->after_row)
		                                : (tg->timing == OX_TRIG_BEFORE ? &ts->before_stmt : &ts->after_stmt);
		dst->v[dst->n++] = tg;
	}
	g_ptr_array_unref (all);
	return ts;
}

void
ox_trigset_reset (OxTrigSet *ts)
{
	if (!ts)
		return;
	g_clear_pointer (&ts->queue, g_ptr_array_unref);
	g_clear_pointer (&ts->queue_arena, ox_arena_free);
	ts->stmt_fired = false;
}

bool
ox_trigset_has_row (const OxTrigSet *ts, bool before)
{
	return ts && (before ? ts->before_row.n : ts->after_row.n) > 0;
}

static const char *
event_name (int ev)
{
	switch (ev) {
	case OX_TRIG_INSERT: return "INSERT";
	case OX_TRIG_UPDATE: return "UPDATE";
	case OX_TRIG_DELETE: return "DELETE";
	default: return "TRUNCATE";
	}
}

static int
max_trigger_depth (OxSession *s)
{
	char *v = ox_session_setting (s, "max_trigger_depth");
	int d = v ? atoi (v) : 0;
	g_free (v);
	return d > 0 ? d : 32;
}

static bool
when_passes (OxExec *x, OxTrigger *tg, const OxValue *newrow, const OxValue *oldrow, OxArena *a)
{
	OxSession *s = x->session;
	if (!s->trigger_when)
		s->trigger_when = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
		                                         (GDestroyNotify) ox_spi_expr_free);
	OxSpiExpr *e = g_hash_table_lookup (s->trigger_when, tg);
	if (!e) {
		e = prepare_when (s, tg);
		g_hash_table_insert (s->trigger_when, tg, e);
	}
	int n = tg->table->ncols;
	OxValue *params = OX_NEW_N (a, OxValue, 2 * n + 1);
	for (int c = 0; c < n; c++) {
		params[c] = newrow ? newrow[c] : ox_null (tg->table->cols[c].type.id);
		params[n + c] = oldrow ? oldrow[c] : ox_null (tg->table->cols[c].type.id);
	}
	OxValue v = ox_spi_eval (e, params, 2 * n, a);
	return !v.null && v.v.b;
}

/* Call one trigger's function; returns its result row (ROW level). */
static OxValue *
fire_one (OxExec *x, OxTrigger *tg, int event, bool row, OxValue *newrow, OxValue *oldrow, OxArena *a)
{
	OxSession *s = x->session;
	OxRoutine *r = trigger_function (s, x->txn, tg->func_schema, tg->func_name, 0);
	if (s->trigger_depth >= max_trigger_depth (s))
		ox_raise_full (OX_ERR_STATEMENT_TOO_COMPLEX, 0, NULL,
		               "A trigger fired itself (directly or through others) more than max_trigger_depth levels deep.",
		               "trigger recursion depth exceeded (trigger \"%s\" on \"%s\")", tg->obj.name,
		               tg->table->obj.name);
	OxTriggerData td = {
		.name = tg->obj.name,
		.when = timing_name (tg->timing),
		.level = row ? "ROW" : "STATEMENT",
		.op = event_name (event),
		.table = tg->table,
		.ncols = tg->table->ncols,
		.new_row = row ? newrow : NULL,
		.old_row = row ? oldrow : NULL,
		.nargs = tg->nargs,
		.argv = tg->args,
	};
	td.result_row = event == OX_TRIG_DELETE ? oldrow : newrow;
	OxPlCall c = { .session = s, .routine = r, .args = NULL, .arena = a, .trigger = &td };
	s->trigger_depth++;
	OX_TRY {
		ox_routine_call (&c);
	} OX_CATCH {
		s->trigger_depth--;
		ox_error_current ()->position = 0;
		ox_error_rethrow_current ();
	} OX_END_TRY;
	s->trigger_depth--;
	if (!row || !td.result_row)
		return td.result_row;
	/* the function's row, typed as the table's columns */
	OxValue *out = OX_NEW_N (a, OxValue, tg->table->ncols);
	for (int k = 0; k < tg->table->ncols; k++)
		out[k] = ox_spi_cast (s, &td.result_row[k], tg->table->cols[k].type, a);
	return out;
}

static bool
update_of_matches (OxTrigger *tg, const bool *set_cols)
{
	if (tg->nupdate_cols == 0 || !set_cols)
		return true;
	for (int i = 0; i < tg->nupdate_cols; i++)
		if (set_cols[tg->update_cols[i]])
			return true;
	return false;
}

void
ox_trigset_before_statement (OxExec *x, OxTrigSet *ts, const bool *set_cols)
{
	if (!ts || ts->stmt_fired)
		return;
	ts->stmt_fired = true;
	OxArena *a = ox_arena_new ();
	OX_TRY {
		for (int i = 0; i < ts->before_stmt.n; i++)
			if (update_of_matches (ts->before_stmt.v[i], set_cols))
				fire_one (x, ts->before_stmt.v[i], ts->event, false, NULL, NULL, a);
	} OX_CATCH {
		ox_arena_free (a);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	ox_arena_free (a);
}

OxValue *
ox_trigset_before_row (OxExec *x, OxTrigSet *ts, OxValue *newrow, OxValue *oldrow, const bool *set_cols,
                       OxArena *a)
{
	OxValue *cur = ts->event == OX_TRIG_DELETE ? oldrow : newrow;
	for (int i = 0; i < ts->before_row.n && cur; i++) {
		OxTrigger *tg = ts->before_row.v[i];
		if (!update_of_matches (tg, set_cols))
			continue;
		OxValue *nw = ts->event == OX_TRIG_DELETE ? NULL : cur;
		if (tg->when_src && !when_passes (x, tg, nw, oldrow, a))
			continue;
		OxValue *res = fire_one (x, tg, ts->event, true, nw, oldrow, a);
		if (ts->event == OX_TRIG_DELETE)
			cur = res ? oldrow : NULL;  /* a DELETE trigger's row only says go on or skip */
		else
			cur = res;
	}
	return cur;
}

void
ox_trigset_queue_after_row (OxExec *x, OxTrigSet *ts, const OxValue *newrow, const OxValue *oldrow)
{
	(void) x;
	if (!ts->queue_arena) {
		ts->queue_arena = ox_arena_new ();
		ts->queue = g_ptr_array_new ();
	}
	int n = ts->table->ncols;
	OxValue *nc = NULL, *oc = NULL;
	if (newrow) {
		nc = OX_NEW_N (ts->queue_arena, OxValue, n);
		for (int c = 0; c < n; c++)
			nc[c] = ox_value_copy (ts->queue_arena, &newrow[c]);
	}
	if (oldrow) {
		oc = OX_NEW_N (ts->queue_arena, OxValue, n);
		for (int c = 0; c < n; c++)
			oc[c] = ox_value_copy (ts->queue_arena, &oldrow[c]);
	}
	g_ptr_array_add (ts->queue, nc);
	g_ptr_array_add (ts->queue, oc);
}

void
ox_trigset_after_statement (OxExec *x, OxTrigSet *ts, const bool *set_cols)
{
	if (!ts)
		return;
	OxArena *a = ox_arena_new ();
	OX_TRY {
		if (ts->queue)
			for (guint q = 0; q + 1 < ts->queue->len; q += 2) {
				OxValue *nw = ts->queue->pdata[q], *od = ts->queue->pdata[q + 1];
				for (int i = 0; i < ts->after_row.n; i++) {
					OxTrigger *tg = ts->after_row.v[i];
					if (!update_of_matches (tg, set_cols))
						continue;
					if (tg->when_src && !when_passes (x, tg, nw, od, a))
						continue;
					fire_one (x, tg, ts->event, true, nw, od, a);
				}
				ox_arena_reset (a);
			}
		for (int i = 0; i < ts->after_stmt.n; i++)
			if (update_of_matches (ts->after_stmt.v[i], set_cols))
				fire_one (x, ts->after_stmt.v[i], ts->event, false, NULL, NULL, a);
	} OX_CATCH {
		ox_arena_free (a);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	ox_arena_free (a);
	if (ts->queue) {
		g_ptr_array_set_size (ts->queue, 0);
		ox_arena_reset (ts->queue_arena);
	}
	ts->stmt_fired = false;
}

OxValue *
ox_trigset_instead_row (OxExec *x, OxTrigSet *ts, OxValue *newrow, OxValue *oldrow, OxArena *a)
{
	OxValue *cur = ts->event == OX_TRIG_DELETE ? oldrow : newrow;
	for (int i = 0; i < ts->instead_row.n && cur; i++) {
		OxValue *res = fire_one (x, ts->instead_row.v[i], ts->event, true,
		                         ts->event == OX_TRIG_DELETE ? NULL : newrow, oldrow, a);
		cur = res;
	}
	return cur;
}

bool
ox_trigset_has_instead (const OxTrigSet *ts)
{
	return ts && ts->instead_row.n > 0;
}

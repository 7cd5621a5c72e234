/*
 * event-trigger.c — CREATE / ALTER / DROP EVENT TRIGGER and firing them
 * around DDL commands, as PostgreSQL does:
 *
 *   ddl_command_start  before a DDL command runs;
 *   ddl_command_end    after it ran, with ox_event_trigger_ddl_commands()
 *                      (also pg_event_trigger_ddl_commands()) listing the
 *                      objects it created or changed;
 *   sql_drop           after a command dropped objects, with
 *                      ox_event_trigger_dropped_objects() listing them.
 *
 * What changed is read from the transaction's undo log (the catalog
 * entries the command added), so every DDL form is covered without each
 * one reporting itself.  Event trigger DDL does not fire event triggers,
 * and DDL run by an event trigger's function does not fire them again
 * (PostgreSQL would recurse; a loop is never what anyone wants).
 *
 * What can go wrong: an error in an event trigger's function fails the
 * DDL command (and, at ddl_command_end, undoes it with its transaction).
 */
#include "pl/event-trigger.h"
#include "pl/routine.h"
#include "session.h"
#include "base/error.h"

#include <string.h>

static const char *const event_names[] = { "ddl_command_start", "ddl_command_end", "sql_drop" };

static int
event_number (const char *name)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp (event_names[i], name))
			return i;
	return -1;
}

static OxEventTrigger *
find_event_trigger (OxSession *s, const char *name)
{
	GPtrArray *all = ox_catalog_list (s->db->catalog, s->txn, OX_KIND_EVENT_TRIGGER);
	OxEventTrigger *found = NULL;
	for (guint i = 0; i < all->len; i++)
		if (!strcmp (((OxCatObject *) all->pdata[i])->name, name))
			found = all->pdata[i];
	g_ptr_array_unref (all);
	return found;
}

/* f() returning event_trigger */
static OxRoutine *
event_function (OxSession *s, OxSchema *schema, const char *name, int loc)
{
	OxCatalog *cat = s->db->catalog;
	GPtrArray *cands = g_ptr_array_new ();
	if (schema)
		g_ptr_array_extend_and_steal (cands, ox_catalog_routines (cat, s->txn, schema, name, false));
	else
		for (char **p = s->search_path; p && *p && cands->len == 0; p++) {
			OxSchema *sc = ox_catalog_schema (cat, s->txn, *p);
			if (sc)
				g_ptr_array_extend_and_steal (cands, ox_catalog_routines (cat, s->txn, sc, name, false));
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
	if (found->retkind != OX_RET_EVENT_TRIGGER)
		ox_raise ("42P17", loc, "function %s must return type event_trigger", name);
	return found;
}

void
ox_ddl_create_event_trigger (OxSession *s, OxExec *x, OxCreateEventTriggerStmt *st)
{
	OxTxn *t = s->txn;
	ox_txn_lock_ddl (t);
	int loc = st->node.loc + 1;
	int ev = event_number (st->event);
	if (ev < 0)
		ox_raise_full (OX_ERR_SYNTAX, st->event_loc + 1, NULL,
		               "The events are ddl_command_start, ddl_command_end and sql_drop.",
		               "unrecognized event name \"%s\"", st->event);
	if (find_event_trigger (s, st->name))
		ox_raise (OX_ERR_DUPLICATE_OBJECT, loc, "event trigger \"%s\" already exists", st->name);
	int nn = st->func_name->n;
	OxSchema *fs = NULL;
	if (nn == 2) {
		fs = ox_catalog_schema (s->db->catalog, t, st->func_name->items[0]);
		if (!fs)
			ox_raise (OX_ERR_UNDEFINED_SCHEMA, loc, "schema \"%s\" does not exist", (char *) st->func_name->items[0]);
	}
	const char *fname = st->func_name->items[nn - 1];
	event_function (s, fs, fname, loc);
	OxArena *a = ox_catalog_arena_new ();
	OxEventTrigger *et = OX_NEW (a, OxEventTrigger);
	et->obj.kind = OX_KIND_EVENT_TRIGGER;
	et->obj.name = g_strdup (st->name);
	et->obj.arena = a;
	et->event = ev;
	et->ntags = OX_LIST_N (st->tags);
	et->tags = OX_NEW_N (a, const char *, et->ntags + 1);
	for (int i = 0; i < et->ntags; i++)
		et->tags[i] = ox_arena_strdup (a, st->tags->items[i]);
	et->func_schema = fs;
	et->func_name = ox_arena_strdup (a, fname);
	et->enabled = true;
	ox_catalog_register (s->db->catalog, t, &et->obj);
	(void) x;
}

void
ox_ddl_alter_event_trigger (OxSession *s, OxExec *x, OxAlterEventTriggerStmt *st)
{
	ox_txn_lock_ddl (s->txn);
	OxEventTrigger *old = find_event_trigger (s, st->name);
	if (!old)
		ox_raise (OX_ERR_UNDEFINED_OBJECT, st->node.loc + 1, "event trigger \"%s\" does not exist", st->name);
	(void) x;
	if (old->enabled == st->enable)
		return;
	OxArena *a = ox_catalog_arena_new ();
	OxEventTrigger *et = OX_NEW (a, OxEventTrigger);
	*et = *old;
	et->obj.name = g_strdup (old->obj.name);
	et->obj.arena = a;
	et->obj.xmin = et->obj.xmax = 0;
	et->obj.aborted = false;
	et->tags = OX_NEW_N (a, const char *, old->ntags + 1);
	for (int i = 0; i < old->ntags; i++)
		et->tags[i] = ox_arena_strdup (a, old->tags[i]);
	et->func_name = ox_arena_strdup (a, old->func_name);
	et->enabled = st->enable;
	ox_catalog_drop (s->db->catalog, s->txn, &old->obj);
	ox_catalog_register (s->db->catalog, s->txn, &et->obj);
}

void
ox_ddl_drop_event_trigger (OxSession *s, OxExec *x, OxDropStmt *ds)
{
	ox_txn_lock_ddl (s->txn);
	(void) x;
	for (int i = 0; i < ds->names->n; i++) {
		OxRangeVar *rv = ds->names->items[i];
		OxEventTrigger *et = find_event_trigger (s, rv->name);
		if (!et) {
			if (ds->if_exists) {
				ox_session_notice (s, "00000", "event trigger \"%s\" does not exist, skipping", rv->name);
				continue;
			}
			ox_raise (OX_ERR_UNDEFINED_OBJECT, rv->node.loc + 1, "event trigger \"%s\" does not exist", rv->name);
		}
		ox_catalog_drop (s->db->catalog, s->txn, &et->obj);
	}
}

/* ---- firing --------------------------------------------------------------------------------- */

bool
ox_event_triggers_apply (OxNode *ast)
{
	switch (ast->tag) {
	case OX_N_CREATE_TABLE:
	case OX_N_CREATE_SCHEMA:
	case OX_N_CREATE_INDEX:
	case OX_N_CREATE_VIEW:
	case OX_N_CREATE_FUNCTION:
	case OX_N_CREATE_TRIGGER:
	case OX_N_ALTER_TRIGGER:
	case OX_N_CREATE_SCHEDULE:
	case OX_N_ALTER_SCHEDULE:
	case OX_N_CREATE_SEQUENCE:
	case OX_N_ALTER_SEQUENCE:
	case OX_N_ALTER_TABLE:
	case OX_N_ALTER_RENAME:
		return true;
	case OX_N_DROP:
		return ((OxDropStmt *) ast)->type != OX_OBJ_EVENT_TRIGGER;
	default:
		return false;
	}
}

/* The enabled event triggers for event ev and command tag, in name order. */
static GPtrArray *
triggers_for (OxSession *s, int ev, const char *tag)
{
	GPtrArray *all = ox_catalog_list (s->db->catalog, s->txn, OX_KIND_EVENT_TRIGGER);
	GPtrArray *out = g_ptr_array_new ();
	for (guint i = 0; i < all->len; i++) {
		OxEventTrigger *et = all->pdata[i];
		if (!et->enabled || et->event != ev)
			continue;
		bool match = et->ntags == 0;
		for (int k = 0; k < et->ntags && !match; k++)
			match = !g_ascii_strcasecmp (et->tags[k], tag);
		if (match)
			g_ptr_array_add (out, et);
	}
	g_ptr_array_unref (all);
	int n = (int) out->len;
	for (int i = 1; i < n; i++)  /* name order (few entries) */
		for (int j = i; j > 0 && strcmp (((OxCatObject *) out->pdata[j - 1])->name,
		                                 ((OxCatObject *) out->pdata[j])->name) > 0; j--) {
			gpointer tmp = out->pdata[j];
			out->pdata[j] = out->pdata[j - 1];
			out->pdata[j - 1] = tmp;
		}
	return out;
}

static void
fire_all (OxSession *s, GPtrArray *trigs, int ev, const char *tag)
{
	OxArena *a = ox_arena_new ();
	OxEventTriggerData ed = { .event = event_names[ev], .tag = tag };
	s->in_event_trigger = true;
	OX_TRY {
		for (guint i = 0; i < trigs->len; i++) {
			OxEventTrigger *et = trigs->pdata[i];
			OxRoutine *r = event_function (s, et->func_schema, et->func_name, 0);
			OxPlCall c = { .session = s, .routine = r, .arena = a, .event = &ed };
			ox_routine_call (&c);
			ox_arena_reset (a);
		}
	} OX_CATCH {
		s->in_event_trigger = false;
		ox_arena_free (a);
		ox_error_current ()->position = 0;
		ox_error_rethrow_current ();
	} OX_END_TRY;
	s->in_event_trigger = false;
	ox_arena_free (a);
}

guint
ox_event_ddl_begin (OxSession *s, const char *tag)
{
	guint mark = ox_txn_undo_mark (s->txn);
	if (s->in_event_trigger)
		return mark;
	GPtrArray *trigs = triggers_for (s, 0, tag);
	if (trigs->len) {
		OX_TRY {
			fire_all (s, trigs, 0, tag);
		} OX_CATCH {
			g_ptr_array_unref (trigs);
			ox_error_rethrow_current ();
		} OX_END_TRY;
	}
	g_ptr_array_unref (trigs);
	return mark;
}

static const char *
object_type (OxCatObject *o)
{
	switch (o->kind) {
	case OX_KIND_SCHEMA: return "schema";
	case OX_KIND_TABLE: return "table";
	case OX_KIND_VIEW: return "view";
	case OX_KIND_INDEX: return "index";
	case OX_KIND_ROUTINE: return ((OxRoutine *) o)->rkind == OX_ROUTINE_PROCEDURE ? "procedure" : "function";
	case OX_KIND_TRIGGER: return "trigger";
	case OX_KIND_SCHEDULE: return "schedule";
	case OX_KIND_EVENT_TRIGGER: return "event trigger";
	case OX_KIND_ROLE: return "role";
	case OX_KIND_SEQUENCE: return "sequence";
	}
	return "object";
}

static char *
object_identity (OxCatObject *o)
{
	if (o->kind == OX_KIND_TRIGGER) {
		OxTrigger *tg = (OxTrigger *) o;
		return g_strdup_printf ("%s on %s.%s", o->name, tg->table->obj.schema->obj.name, tg->table->obj.name);
	}
	if (o->kind == OX_KIND_ROUTINE)
		return g_strdup_printf ("%s.%s", o->schema->obj.name, ((OxRoutine *) o)->signature);
	if (o->schema)
		return g_strdup_printf ("%s.%s", o->schema->obj.name, o->name);
	return g_strdup (o->name);
}

static void
rows_clear (OxSession *s)
{
	g_clear_pointer (&s->event_rows, g_ptr_array_unref);
	g_clear_pointer (&s->event_arena, ox_arena_free);
	s->event_rows_kind = 0;
}

static OxValue
arena_text (OxArena *a, const char *t)
{
	if (!t)
		return ox_null (OX_T_TEXT);
	size_t n = strlen (t);
	return ox_text (OX_T_TEXT, ox_arena_strndup (a, t, n), n);
}

/* Rows for the listing functions: action 1 (created / changed) or 2 (dropped). */
static void
collect (OxSession *s, guint mark, const char *tag, int action)
{
	rows_clear (s);
	s->event_arena = ox_arena_new ();
	s->event_rows = g_ptr_array_new ();
	s->event_rows_kind = action;
	GArray *undo = s->txn->undo;
	GHashTable *seen = g_hash_table_new (g_direct_hash, g_direct_equal);
	for (guint i = mark; i < undo->len; i++) {
		OxUndo *u = &g_array_index (undo, OxUndo, i);
		if (OX_UNDO_KIND (u) != OX_UNDO_CATALOG)
			continue;
		OxCatObject *o = u->object;
		/* ALTER makes a new version and drops the old one: report the
		 * object once, as changed */
		bool replaced = false;
		for (guint k = mark; k < undo->len; k++) {
			OxUndo *v = &g_array_index (undo, OxUndo, k);
			if (k != i && OX_UNDO_KIND (v) == OX_UNDO_CATALOG && ((OxCatObject *) v->object)->oid == o->oid &&
			    v->action != u->action)
				replaced = true;
		}
		if (action == 2 && (u->action != 2 || replaced))
			continue;
		if (action == 1 && u->action != 1)
			continue;
		if (g_hash_table_contains (seen, GUINT_TO_POINTER (o->oid)))
			continue;
		g_hash_table_add (seen, GUINT_TO_POINTER (o->oid));
		OxArena *a = s->event_arena;
		char *ident = object_identity (o);
		OxValue *r = OX_NEW_N (a, OxValue, 5);
		r[0] = ox_int (OX_T_INT8, o->oid);
		/* a command's side objects carry their own tag, as in PostgreSQL
		 * (CREATE TABLE ... PRIMARY KEY also reports CREATE INDEX) */
		char *otag = NULL;
		if (action == 1 && g_str_has_prefix (tag, "CREATE ")) {
			otag = g_ascii_strup (object_type (o), -1);
			char *full = g_strconcat ("CREATE ", otag, NULL);
			g_free (otag);
			otag = full;
		}
		r[1] = action == 1 ? arena_text (a, otag ? otag : tag) : arena_text (a, o->name);
		g_free (otag);
		r[2] = arena_text (a, object_type (o));
		r[3] = arena_text (a, o->schema ? o->schema->obj.name : (o->kind == OX_KIND_SCHEMA ? o->name : NULL));
		r[4] = arena_text (a, ident);
		g_free (ident);
		g_ptr_array_add (s->event_rows, r);
	}
	g_hash_table_unref (seen);
}

void
ox_event_ddl_end (OxSession *s, const char *tag, guint mark)
{
	if (s->in_event_trigger)
		return;
	GPtrArray *drops = triggers_for (s, 2, tag), *ends = triggers_for (s, 1, tag);
	OX_TRY {
		if (drops->len) {
			collect (s, mark, tag, 2);
			if (s->event_rows->len)
				fire_all (s, drops, 2, tag);
		}
		if (ends->len) {
			collect (s, mark, tag, 1);
			fire_all (s, ends, 1, tag);
		}
	} OX_CATCH {
		rows_clear (s);
		g_ptr_array_unref (drops);
		g_ptr_array_unref (ends);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	rows_clear (s);
	g_ptr_array_unref (drops);
	g_ptr_array_unref (ends);
}

GPtrArray *
ox_event_rows (OxSession *s, int kind)
{
	if (!s->event_rows || s->event_rows_kind != kind)
		ox_raise ("39P03", 0, "%s can only be called in an event trigger function (%s)",
		          kind == 1 ? "ox_event_trigger_ddl_commands()" : "ox_event_trigger_dropped_objects()",
		          kind == 1 ? "ddl_command_end" : "sql_drop");
	return s->event_rows;
}

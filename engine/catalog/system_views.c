/*
 * system_views.c — information_schema and pg_catalog views over the catalog.
 *
 * Each view is computed when a statement binds it, from the objects the
 * statement's transaction can see, so DDL in an open transaction shows up
 * in its own listings and nowhere else.  The column names follow the SQL
 * standard's information_schema and PostgreSQL's pg_catalog, so tools
 * written for PostgreSQL (psql-style \d commands, ORMs) find what they
 * expect.
 *
 * NOTE: rows are materialized per statement; listing a catalog of many
 * thousands of objects costs that many rows each time.
 */
#include "system_views.h"
#include "pg_catalog.h"
#include "base/error.h"
#include "session.h"
#include "sched/schedule.h"
#include "trace/logs.h"
#include "trace/dblog.h"
#include "trace/activity.h"
#include "auth/role.h"

#include <string.h>

static OxValue
txt (OxArena *a, const char *s)
{
	if (!s)
		return ox_null (OX_T_TEXT);
	size_t n = strlen (s);
	return ox_text (OX_T_TEXT, ox_arena_strndup (a, s, n), n);
}

static OxValue
num (int64_t i)
{
	return ox_int (OX_T_INT4, i);
}

static const char *
data_type_name (OxType t)
{
	return ox_type_name (t.id);
}

static OxValue *
row_new (OxArena *a, int n)
{
	return OX_NEW_N (a, OxValue, n);
}

static const char *
schema_name (OxCatObject *o)
{
	return o->schema ? o->schema->obj.name : o->name;
}

static void
fill_tables (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, -1);
	for (guint i = 0; i < objs->len; i++) {
		OxCatObject *o = objs->pdata[i];
		if (o->kind != OX_KIND_TABLE && o->kind != OX_KIND_VIEW)
			continue;
		OxValue *r = row_new (a, 4);
		r[0] = txt (a, "oxibase");
		r[1] = txt (a, schema_name (o));
		r[2] = txt (a, o->name);
		r[3] = txt (a, o->kind == OX_KIND_TABLE ? "BASE TABLE" : "VIEW");
		g_ptr_array_add (rows, r);
	}
	g_ptr_array_unref (objs);
}

static void
fill_columns (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, -1);
	for (guint i = 0; i < objs->len; i++) {
		OxCatObject *o = objs->pdata[i];
		if (o->kind != OX_KIND_TABLE && o->kind != OX_KIND_VIEW)
			continue;
		OxTable *tab = (OxTable *) o;
		for (int k = 0; k < tab->ncols; k++) {
			OxColumn *col = &tab->cols[k];
			OxValue *r = row_new (a, 11);
			r[0] = txt (a, "oxibase");
			r[1] = txt (a, schema_name (o));
			r[2] = txt (a, o->name);
			r[3] = txt (a, col->name);
			r[4] = num (k + 1);
			r[5] = txt (a, col->default_src);
			if (col->default_src && tab->data) {
				/* an identity column has no default of its own (PostgreSQL) */
				OxSequence *sq = ox_catalog_column_sequence (c, t, tab, k);
				if (sq && sq->identity)
					r[5] = ox_null (OX_T_TEXT);
			}
			r[6] = txt (a, col->notnull ? "NO" : "YES");
			r[7] = txt (a, data_type_name (col->type));
			r[8] = (col->type.id == OX_T_VARCHAR || col->type.id == OX_T_BPCHAR) && col->type.typmod >= 0
			       ? num (col->type.typmod) : ox_null (OX_T_INT4);
			/* numeric_precision as PostgreSQL reports it: bits for the
			 * integer and float types, digits for numeric(p,s) */
			int prec = col->type.id == OX_T_INT2 ? 16 : col->type.id == OX_T_INT4 ? 32 :
			           col->type.id == OX_T_INT8 ? 64 : col->type.id == OX_T_FLOAT4 ? 24 :
			           col->type.id == OX_T_FLOAT8 ? 53 : -1;
			int scale = ox_type_is_integer (col->type.id) ? 0 : -1;
			if (col->type.id == OX_T_NUMERIC && col->type.typmod >= 0) {
				prec = OX_TYPMOD_NUMERIC_P (col->type.typmod);
				scale = OX_TYPMOD_NUMERIC_S (col->type.typmod);
			}
			r[9] = prec >= 0 ? num (prec) : ox_null (OX_T_INT4);
			r[10] = scale >= 0 ? num (scale) : ox_null (OX_T_INT4);
			g_ptr_array_add (rows, r);
		}
	}
	g_ptr_array_unref (objs);
}

static void
fill_schemata (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_SCHEMA);
	for (guint i = 0; i < objs->len; i++) {
		OxCatObject *o = objs->pdata[i];
		OxValue *r = row_new (a, 3);
		r[0] = txt (a, "oxibase");
		r[1] = txt (a, o->name);
		r[2] = txt (a, "oxibase");
		g_ptr_array_add (rows, r);
	}
	g_ptr_array_unref (objs);
}

static void
fill_views (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_VIEW);
	for (guint i = 0; i < objs->len; i++) {
		OxTable *v = objs->pdata[i];
		OxValue *r = row_new (a, 4);
		r[0] = txt (a, "oxibase");
		r[1] = txt (a, schema_name (&v->obj));
		r[2] = txt (a, v->obj.name);
		r[3] = txt (a, v->view_src);
		g_ptr_array_add (rows, r);
	}
	g_ptr_array_unref (objs);
}

char *
ox_index_definition (OxArena *a, OxIndex *ix)
{
	GString *g = g_string_new (NULL);
	g_string_append_printf (g, "CREATE %sINDEX %s ON %s.%s USING btree (", ix->unique ? "UNIQUE " : "",
	                        ix->obj.name, ix->table->obj.schema->obj.name, ix->table->obj.name);
	for (int k = 0; k < ix->nkeys; k++)
		g_string_append_printf (g, "%s%s%s", k ? ", " : "", ix->table->cols[ix->colnos[k]].name,
		                        ix->desc[k] ? " DESC" : "");
	g_string_append_c (g, ')');
	char *r = ox_arena_strdup (a, g->str);
	g_string_free (g, TRUE);
	return r;
}

static void
fill_indexes (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_INDEX);
	for (guint i = 0; i < objs->len; i++) {
		OxIndex *ix = objs->pdata[i];
		OxValue *r = row_new (a, 5);
		r[0] = txt (a, schema_name (&ix->obj));
		r[1] = txt (a, ix->table->obj.name);
		r[2] = txt (a, ix->obj.name);
		r[3] = ox_null (OX_T_TEXT);
		r[4] = txt (a, ox_index_definition (a, ix));
		g_ptr_array_add (rows, r);
	}
	g_ptr_array_unref (objs);
}

static void
fill_pg_tables (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_TABLE);
	for (guint i = 0; i < objs->len; i++) {
		OxTable *tab = objs->pdata[i];
		OxValue *r = row_new (a, 4);
		r[0] = txt (a, schema_name (&tab->obj));
		r[1] = txt (a, tab->obj.name);
		r[2] = txt (a, "oxibase");
		r[3] = ox_bool (tab->indexes->len > 0);
		g_ptr_array_add (rows, r);
	}
	g_ptr_array_unref (objs);
}

static void
fill_constraints (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, -1);
	for (guint i = 0; i < objs->len; i++) {
		OxCatObject *o = objs->pdata[i];
		if (o->kind == OX_KIND_INDEX && ((OxIndex *) o)->is_constraint) {
			OxIndex *ix = (OxIndex *) o;
			OxValue *r = row_new (a, 5);
			r[0] = txt (a, schema_name (o));
			r[1] = txt (a, o->name);
			r[2] = txt (a, ix->table->obj.name);
			r[3] = txt (a, ix->primary ? "PRIMARY KEY" : "UNIQUE");
			r[4] = txt (a, ox_index_definition (a, ix));
			g_ptr_array_add (rows, r);
		} else if (o->kind == OX_KIND_TABLE) {
			OxTable *tab = (OxTable *) o;
			for (int k = 0; k < tab->nchecks; k++) {
				OxValue *r = row_new (a, 5);
				r[0] = txt (a, schema_name (o));
				r[1] = txt (a, tab->checks[k].name);
				r[2] = txt (a, tab->obj.name);
				r[3] = txt (a, "CHECK");
				r[4] = txt (a, ox_arena_printf (a, "CHECK (%s)", tab->checks[k].src));
				g_ptr_array_add (rows, r);
			}
		}
	}
	g_ptr_array_unref (objs);
}

/* ---- routines and triggers ---------------------------------------------------------------- */

static const char *
routine_return_name (OxArena *a, OxRoutine *r)
{
	switch (r->retkind) {
	case OX_RET_VALUE: return ox_type_name (r->rettype.id);
	case OX_RET_VOID: return r->rkind == OX_ROUTINE_PROCEDURE ? NULL : "void";
	case OX_RET_TRIGGER: return "trigger";
	case OX_RET_EVENT_TRIGGER: return "event_trigger";
	default:
		if (r->rkind == OX_ROUTINE_PROCEDURE)
			return NULL;
		if (r->nresult == 1 && !r->retset)
			return ox_type_name (r->result_types[0].id);
		return "record";
	}
	(void) a;
}

/* "a integer, b text DEFAULT 'x', OUT c integer", as pg_get_function_arguments */
static const char *
routine_arguments (OxArena *a, OxRoutine *r)
{
	GString *g = g_string_new (NULL);
	for (int i = 0; i < r->nargs; i++) {
		OxRoutineArg *ar = &r->args[i];
		if (ar->mode == OX_ARG_TABLE)
			continue;
		if (g->len)
			g_string_append (g, ", ");
		if (ar->mode == OX_ARG_OUT)
			g_string_append (g, "OUT ");
		else if (ar->mode == OX_ARG_INOUT)
			g_string_append (g, "INOUT ");
		if (ar->name)
			g_string_append_printf (g, "%s ", ar->name);
		g_string_append (g, ox_type_name (ar->type.id));
		if (ar->default_src)
			g_string_append_printf (g, " DEFAULT %s", ar->default_src);
	}
	char *out = ox_arena_strdup (a, g->str);
	g_string_free (g, TRUE);
	return out;
}

/* Lines of a body, not counting blank lines before the first and after
 * the last line of code ("AS $$" and "$$" usually sit on their own). */
static int
line_count (const char *src)
{
	if (!src)
		return 0;
	const char *b = src, *e = src + strlen (src);
	while (b < e && g_ascii_isspace (*b))
		b++;
	while (e > b && g_ascii_isspace (e[-1]))
		e--;
	if (b == e)
		return 0;
	int n = 1;
	for (const char *p = b; p < e; p++)
		if (*p == '\n')
			n++;
	return n;
}

static const char *
specific_name (OxArena *a, OxCatObject *o)
{
	return ox_arena_printf (a, "%s_%u", o->name, o->oid);
}

static const char *
volatility_name (int v)
{
	return v == 0 ? "IMMUTABLE" : v == 1 ? "STABLE" : "VOLATILE";
}

static void
fill_routines (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_ROUTINE);
	for (guint i = 0; i < objs->len; i++) {
		OxRoutine *rt = objs->pdata[i];
		OxValue *r = row_new (a, 13);
		r[0] = txt (a, "oxibase");
		r[1] = txt (a, schema_name (&rt->obj));
		r[2] = txt (a, specific_name (a, &rt->obj));
		r[3] = txt (a, "oxibase");
		r[4] = txt (a, schema_name (&rt->obj));
		r[5] = txt (a, rt->obj.name);
		r[6] = txt (a, rt->rkind == OX_ROUTINE_PROCEDURE ? "PROCEDURE" : "FUNCTION");
		r[7] = txt (a, routine_return_name (a, rt));
		r[8] = txt (a, !strcmp (rt->language, "sql") ? "SQL" : "EXTERNAL");
		r[9] = txt (a, rt->body);
		char *lang = ox_arena_strdup (a, rt->language);
		for (char *q = lang; *q; q++)
			*q = g_ascii_toupper (*q);
		r[10] = txt (a, lang);
		r[11] = txt (a, rt->volatility == 0 ? "YES" : "NO");
		r[12] = txt (a, "INVOKER");
		g_ptr_array_add (rows, r);
	}
	g_ptr_array_unref (objs);
}

static const char *
mode_name (OxArgMode m)
{
	return m == OX_ARG_IN ? "IN" : m == OX_ARG_OUT ? "OUT" : m == OX_ARG_INOUT ? "INOUT" : "OUT";
}

static void
fill_parameters (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_ROUTINE);
	for (guint i = 0; i < objs->len; i++) {
		OxRoutine *rt = objs->pdata[i];
		for (int k = 0; k < rt->nargs; k++) {
			OxRoutineArg *ar = &rt->args[k];
			OxValue *r = row_new (a, 8);
			r[0] = txt (a, "oxibase");
			r[1] = txt (a, schema_name (&rt->obj));
			r[2] = txt (a, specific_name (a, &rt->obj));
			r[3] = num (k + 1);
			r[4] = txt (a, mode_name (ar->mode));
			r[5] = txt (a, ar->name);
			r[6] = txt (a, ox_type_name (ar->type.id));
			r[7] = txt (a, ar->default_src);
			g_ptr_array_add (rows, r);
		}
	}
	g_ptr_array_unref (objs);
}

static const char *
trigger_timing_name (int timing)
{
	return timing == OX_TRIG_BEFORE ? "BEFORE" : timing == OX_TRIG_AFTER ? "AFTER" : "INSTEAD OF";
}

static const char *
trigger_action (OxArena *a, OxTrigger *tg)
{
	GString *g = g_string_new ("EXECUTE FUNCTION ");
	if (tg->func_schema)
		g_string_append_printf (g, "%s.", tg->func_schema->obj.name);
	g_string_append_printf (g, "%s(", tg->func_name);
	for (int i = 0; i < tg->nargs; i++)
		g_string_append_printf (g, "%s'%s'", i ? ", " : "", tg->args[i]);
	g_string_append_c (g, ')');
	char *s = ox_arena_strdup (a, g->str);
	g_string_free (g, TRUE);
	return s;
}

static const char *
trigger_events (OxArena *a, OxTrigger *tg)
{
	GString *g = g_string_new (NULL);
	static const char *names[] = { "INSERT", "UPDATE", "DELETE", "TRUNCATE" };
	for (int e = 0; e < 4; e++)
		if (tg->events & (1 << e)) {
			if (g->len)
				g_string_append (g, " OR ");
			g_string_append (g, names[e]);
			if (e == 1 && tg->nupdate_cols > 0) {
				g_string_append (g, " OF ");
				for (int k = 0; k < tg->nupdate_cols; k++)
					g_string_append_printf (g, "%s%s", k ? ", " : "", tg->table->cols[tg->update_cols[k]].name);
			}
		}
	char *s = ox_arena_strdup (a, g->str);
	g_string_free (g, TRUE);
	return s;
}

static void
fill_triggers (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_TRIGGER);
	for (guint i = 0; i < objs->len; i++) {
		OxTrigger *tg = objs->pdata[i];
		static const char *names[] = { "INSERT", "UPDATE", "DELETE", "TRUNCATE" };
		/* one row per event, as the standard's view has */
		for (int e = 0; e < 4; e++) {
			if (!(tg->events & (1 << e)))
				continue;
			OxValue *r = row_new (a, 12);
			r[0] = txt (a, "oxibase");
			r[1] = txt (a, schema_name (&tg->obj));
			r[2] = txt (a, tg->obj.name);
			r[3] = txt (a, names[e]);
			r[4] = txt (a, "oxibase");
			r[5] = txt (a, schema_name (&tg->table->obj));
			r[6] = txt (a, tg->table->obj.name);
			r[7] = tg->events == OX_TRIG_TRUNCATE ? ox_null (OX_T_INT4) : num (1);
			r[8] = tg->when_src ? txt (a, ox_arena_printf (a, "(%s)", tg->when_src)) : ox_null (OX_T_TEXT);
			r[9] = txt (a, trigger_action (a, tg));
			r[10] = txt (a, tg->for_each_row ? "ROW" : "STATEMENT");
			r[11] = txt (a, trigger_timing_name (tg->timing));
			g_ptr_array_add (rows, r);
		}
	}
	g_ptr_array_unref (objs);
}

static void
fill_routines_kind (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows, bool procedures)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_ROUTINE);
	for (guint i = 0; i < objs->len; i++) {
		OxRoutine *rt = objs->pdata[i];
		if ((rt->rkind == OX_ROUTINE_PROCEDURE) != procedures)
			continue;
		OxValue *r = row_new (a, 11);
		r[0] = ox_int (OX_T_INT8, rt->obj.oid);
		r[1] = txt (a, schema_name (&rt->obj));
		r[2] = txt (a, rt->obj.name);
		r[3] = txt (a, routine_arguments (a, rt));
		r[4] = txt (a, routine_return_name (a, rt));
		r[5] = txt (a, rt->language);
		r[6] = txt (a, volatility_name (rt->volatility));
		r[7] = ox_bool (rt->strict);
		r[8] = txt (a, rt->owner);
		r[9] = txt (a, rt->body);
		r[10] = num (line_count (rt->body));
		g_ptr_array_add (rows, r);
	}
	g_ptr_array_unref (objs);
}

static void
fill_system_functions (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	fill_routines_kind (c, t, a, rows, false);
}

static void
fill_system_procedures (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	fill_routines_kind (c, t, a, rows, true);
}

/* system.triggers: one row per trigger, with the function's source. */
static void
fill_system_triggers (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_TRIGGER);
	for (guint i = 0; i < objs->len; i++) {
		OxTrigger *tg = objs->pdata[i];
		/* the function it would run now, found as firing finds it */
		OxRoutine *fn = NULL;
		GPtrArray *cands = ox_catalog_routines (c, t, tg->func_schema, tg->func_name, false);
		for (guint k = 0; k < cands->len; k++) {
			OxRoutine *r = cands->pdata[k];
			if (r->retkind == OX_RET_TRIGGER && r->nin == 0)
				fn = r;
		}
		g_ptr_array_unref (cands);
		OxValue *r = row_new (a, 14);
		r[0] = ox_int (OX_T_INT8, tg->obj.oid);
		r[1] = txt (a, schema_name (&tg->obj));
		r[2] = txt (a, tg->table->obj.name);
		r[3] = txt (a, tg->obj.name);
		r[4] = txt (a, trigger_timing_name (tg->timing));
		r[5] = txt (a, trigger_events (a, tg));
		r[6] = txt (a, tg->for_each_row ? "ROW" : "STATEMENT");
		r[7] = ox_bool (tg->enabled);
		r[8] = txt (a, tg->when_src);
		r[9] = txt (a, trigger_action (a, tg));
		r[10] = txt (a, fn ? fn->language : NULL);
		r[11] = txt (a, fn ? fn->owner : "oxibase");
		r[12] = txt (a, fn ? fn->body : NULL);
		r[13] = fn ? num (line_count (fn->body)) : ox_null (OX_T_INT4);
		g_ptr_array_add (rows, r);
	}
	g_ptr_array_unref (objs);
}

static OxScheduleState *
schedules_of (OxCatalog *c)
{
	OxDatabase *db = ox_catalog_owner (c);
	return db ? db->schedules : NULL;
}

static void
fill_system_schedules (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_schedules (c, t, false);
	for (guint i = 0; i < objs->len; i++) {
		OxSchedule *sch = objs->pdata[i];
		int64_t next = 0, last = 0;
		bool known = ox_schedules_next_run (schedules_of (c), sch->obj.oid, &next, &last);
		OxValue *r = row_new (a, 13);
		r[0] = ox_int (OX_T_INT8, sch->obj.oid);
		r[1] = txt (a, schema_name (&sch->obj));
		r[2] = txt (a, sch->obj.name);
		r[3] = txt (a, sch->cron);
		r[4] = txt (a, sch->timezone ? sch->timezone : "UTC");
		r[5] = ox_bool (sch->enabled);
		/* the runner's view: committed schedules only */
		r[6] = known && next != OX_CRON_NEVER ? ox_int (OX_T_TIMESTAMPTZ, next) : ox_null (OX_T_TIMESTAMPTZ);
		r[7] = known && last != OX_SCHED_NEVER_FIRED ? ox_int (OX_T_TIMESTAMPTZ, last) : ox_null (OX_T_TIMESTAMPTZ);
		r[8] = txt (a, sch->action);
		r[9] = txt (a, sch->language);
		r[10] = txt (a, sch->owner);
		r[11] = txt (a, sch->action);
		r[12] = num (line_count (sch->action));
		g_ptr_array_add (rows, r);
	}
	g_ptr_array_unref (objs);
}

static void
fill_system_logs (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	(void) t;
	OxDatabase *db = ox_catalog_owner (c);
	if (db)
		ox_log_rows (db->logs, a, rows);
}

static void
fill_system_schedule_runs (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	(void) t;
	ox_schedules_runs (schedules_of (c), a, rows);
}

/* ---- observation: pg_stat_activity, system.log, system.metrics ------------------------- */

static void
fill_stat_activity (OxSession *s, OxArena *a, GPtrArray *rows)
{
	ox_activity_rows (s, a, rows);
}

/* system.log is the server's log: superusers only, as PostgreSQL's
 * pg_read_file of the log is */
static void
fill_system_log (OxSession *s, OxArena *a, GPtrArray *rows)
{
	if (!ox_session_is_superuser (s))
		ox_raise ("42501", 0, "permission denied for view log");
	ox_dblog_rows (s->db->dblog, a, rows);
}

typedef struct {
	OxArena   *a;
	GPtrArray *rows;
} MetricRows;

static void
metric_row (void *list, const OxMetric *m)
{
	MetricRows *mr = list;
	OxValue *r = row_new (mr->a, 3);
	r[0] = txt (mr->a, m->name);
	r[1] = ox_float (OX_T_FLOAT8, m->value);
	r[2] = txt (mr->a, m->help);
	g_ptr_array_add (mr->rows, r);
}

static void
fill_system_metrics (OxSession *s, OxArena *a, GPtrArray *rows)
{
	MetricRows mr = { a, rows };
	ox_db_metrics (s->db, metric_row, &mr);
}

static const char *const tables_cols[] = { "table_catalog", "table_schema", "table_name", "table_type" };
static const OxTypeId tables_types[] = { OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT };
static const char *const columns_cols[] = { "table_catalog", "table_schema", "table_name", "column_name",
	                                    "ordinal_position", "column_default", "is_nullable", "data_type",
	                                    "character_maximum_length", "numeric_precision", "numeric_scale" };
static const OxTypeId columns_types[] = { OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_INT4, OX_T_TEXT,
	                                  OX_T_TEXT, OX_T_TEXT, OX_T_INT4, OX_T_INT4, OX_T_INT4 };
static const char *const schemata_cols[] = { "catalog_name", "schema_name", "schema_owner" };
static const OxTypeId schemata_types[] = { OX_T_TEXT, OX_T_TEXT, OX_T_TEXT };
static const char *const views_cols[] = { "table_catalog", "table_schema", "table_name", "view_definition" };
static const OxTypeId views_types[] = { OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT };
static const char *const indexes_cols[] = { "schemaname", "tablename", "indexname", "tablespace", "indexdef" };
static const OxTypeId indexes_types[] = { OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT };
static const char *const pgtables_cols[] = { "schemaname", "tablename", "tableowner", "hasindexes" };
static const OxTypeId pgtables_types[] = { OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_BOOL };
static const char *const constraints_cols[] = { "constraint_schema", "constraint_name", "table_name",
	                                        "constraint_type", "definition" };
static const OxTypeId constraints_types[] = { OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT };

static const char *const routines_cols[] = { "specific_catalog", "specific_schema", "specific_name",
	"routine_catalog", "routine_schema", "routine_name", "routine_type", "data_type", "routine_body",
	"routine_definition", "external_language", "is_deterministic", "security_type" };
static const OxTypeId routines_types[] = { OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT,
	OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT };
static const char *const parameters_cols[] = { "specific_catalog", "specific_schema", "specific_name",
	"ordinal_position", "parameter_mode", "parameter_name", "data_type", "parameter_default" };
static const OxTypeId parameters_types[] = { OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_INT4, OX_T_TEXT, OX_T_TEXT,
	OX_T_TEXT, OX_T_TEXT };
static const char *const triggers_cols[] = { "trigger_catalog", "trigger_schema", "trigger_name",
	"event_manipulation", "event_object_catalog", "event_object_schema", "event_object_table", "action_order",
	"action_condition", "action_statement", "action_orientation", "action_timing" };
static const OxTypeId triggers_types[] = { OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT,
	OX_T_TEXT, OX_T_INT4, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT };
static const char *const sysroutines_cols[] = { "oid", "schema", "name", "arguments", "return_type", "language",
	"volatility", "strict", "owner", "source", "line_count" };
static const OxTypeId sysroutines_types[] = { OX_T_INT8, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT,
	OX_T_TEXT, OX_T_BOOL, OX_T_TEXT, OX_T_TEXT, OX_T_INT4 };
static const char *const systriggers_cols[] = { "oid", "schema", "table_name", "name", "timing", "events",
	"level", "enabled", "condition", "action", "language", "owner", "source", "line_count" };
static const OxTypeId systriggers_types[] = { OX_T_INT8, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT,
	OX_T_TEXT, OX_T_BOOL, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_INT4 };
static const char *const sysschedules_cols[] = { "oid", "schema", "name", "cron", "timezone", "enabled",
	"next_run", "last_run", "action", "language", "owner", "source", "line_count" };
static const OxTypeId sysschedules_types[] = { OX_T_INT8, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_BOOL,
	OX_T_TIMESTAMPTZ, OX_T_TIMESTAMPTZ, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_INT4 };
static const char *const sysruns_cols[] = { "schedule_oid", "schema", "schedule", "scheduled_for", "started",
	"finished", "status", "error" };
static const OxTypeId sysruns_types[] = { OX_T_INT8, OX_T_TEXT, OX_T_TEXT, OX_T_TIMESTAMPTZ, OX_T_TIMESTAMPTZ,
	OX_T_TIMESTAMPTZ, OX_T_TEXT, OX_T_TEXT };
static const char *const syslogs_cols[] = { "seq", "time", "session", "routine", "line", "level", "message" };
static const OxTypeId syslogs_types[] = { OX_T_INT8, OX_T_TIMESTAMPTZ, OX_T_INT4, OX_T_TEXT, OX_T_INT4, OX_T_TEXT,
	OX_T_TEXT };

#define VIEW(s, n, cols, types, fill) { s, n, G_N_ELEMENTS (cols), cols, types, fill }
#define LIVE_VIEW(s, n, cols, types, fill) { s, n, G_N_ELEMENTS (cols), cols, types, NULL, fill, true }

/* pg_stat_activity as PostgreSQL 15 declares it; oid and xid columns are
 * bigint, name is text, and client_addr (inet) is its text form */
static const char *const activity_cols[] = { "datid", "datname", "pid", "leader_pid", "usesysid", "usename",
	"application_name", "client_addr", "client_hostname", "client_port", "backend_start", "xact_start",
	"query_start", "state_change", "wait_event_type", "wait_event", "state", "backend_xid", "backend_xmin",
	"query_id", "query", "backend_type" };
static const OxTypeId activity_types[] = { OX_T_INT8, OX_T_TEXT, OX_T_INT4, OX_T_INT4, OX_T_INT8, OX_T_TEXT,
	OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_INT4, OX_T_TIMESTAMPTZ, OX_T_TIMESTAMPTZ, OX_T_TIMESTAMPTZ,
	OX_T_TIMESTAMPTZ, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_INT8, OX_T_INT8, OX_T_INT8, OX_T_TEXT, OX_T_TEXT };
static const char *const syslog_cols[] = { "seq", "time", "level", "message", "sqlstate", "user", "database" };
static const OxTypeId syslog_types[] = { OX_T_INT8, OX_T_TIMESTAMPTZ, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT,
	OX_T_TEXT };
static const char *const sysmetrics_cols[] = { "name", "value", "help" };
static const OxTypeId sysmetrics_types[] = { OX_T_TEXT, OX_T_FLOAT8, OX_T_TEXT };

/* information_schema.sequences: the bounds are character_data, as in the
 * standard (PostgreSQL prints them as text). */
static const char *const sequences_cols[] = { "sequence_catalog", "sequence_schema", "sequence_name", "data_type",
	"numeric_precision", "numeric_precision_radix", "numeric_scale", "start_value", "minimum_value",
	"maximum_value", "increment", "cycle_option" };
static const OxTypeId sequences_types[] = { OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_INT4, OX_T_INT4,
	OX_T_INT4, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT };

static void
fill_sequences (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_SEQUENCE);
	for (guint i = 0; i < objs->len; i++) {
		OxSequence *sq = objs->pdata[i];
		OxValue *r = row_new (a, G_N_ELEMENTS (sequences_cols));
		r[0] = txt (a, "oxibase");
		r[1] = txt (a, schema_name (&sq->obj));
		r[2] = txt (a, sq->obj.name);
		r[3] = txt (a, sq->type == OX_T_INT2 ? "smallint" : sq->type == OX_T_INT4 ? "integer" : "bigint");
		r[4] = ox_int (OX_T_INT4, sq->type == OX_T_INT2 ? 16 : sq->type == OX_T_INT4 ? 32 : 64);
		r[5] = ox_int (OX_T_INT4, 2);
		r[6] = ox_int (OX_T_INT4, 0);
		r[7] = txt (a, ox_arena_printf (a, "%" G_GINT64_FORMAT, sq->start));
		r[8] = txt (a, ox_arena_printf (a, "%" G_GINT64_FORMAT, sq->min));
		r[9] = txt (a, ox_arena_printf (a, "%" G_GINT64_FORMAT, sq->max));
		r[10] = txt (a, ox_arena_printf (a, "%" G_GINT64_FORMAT, sq->increment));
		r[11] = txt (a, sq->cycle ? "YES" : "NO");
		g_ptr_array_add (rows, r);
	}
	g_ptr_array_unref (objs);
}

static const OxSysView sysviews[] = {
	VIEW ("information_schema", "tables", tables_cols, tables_types, fill_tables),
	VIEW ("information_schema", "columns", columns_cols, columns_types, fill_columns),
	VIEW ("information_schema", "schemata", schemata_cols, schemata_types, fill_schemata),
	VIEW ("information_schema", "views", views_cols, views_types, fill_views),
	VIEW ("information_schema", "table_constraints", constraints_cols, constraints_types, fill_constraints),
	VIEW ("pg_catalog", "pg_indexes", indexes_cols, indexes_types, fill_indexes),
	VIEW ("pg_catalog", "pg_tables", pgtables_cols, pgtables_types, fill_pg_tables),
	VIEW ("information_schema", "routines", routines_cols, routines_types, fill_routines),
	VIEW ("information_schema", "parameters", parameters_cols, parameters_types, fill_parameters),
	VIEW ("information_schema", "triggers", triggers_cols, triggers_types, fill_triggers),
	VIEW ("information_schema", "sequences", sequences_cols, sequences_types, fill_sequences),
	VIEW ("system", "functions", sysroutines_cols, sysroutines_types, fill_system_functions),
	VIEW ("system", "procedures", sysroutines_cols, sysroutines_types, fill_system_procedures),
	VIEW ("system", "triggers", systriggers_cols, systriggers_types, fill_system_triggers),
	VIEW ("system", "schedules", sysschedules_cols, sysschedules_types, fill_system_schedules),
	VIEW ("system", "schedule_runs", sysruns_cols, sysruns_types, fill_system_schedule_runs),
	VIEW ("system", "logs", syslogs_cols, syslogs_types, fill_system_logs),
	LIVE_VIEW ("pg_catalog", "pg_stat_activity", activity_cols, activity_types, fill_stat_activity),
	LIVE_VIEW ("system", "log", syslog_cols, syslog_types, fill_system_log),
	LIVE_VIEW ("system", "metrics", sysmetrics_cols, sysmetrics_types, fill_system_metrics),
};

const OxSysView *
ox_sysview_lookup (const char *schema, const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS (sysviews); i++) {
		const OxSysView *v = &sysviews[i];
		if (strcmp (v->name, name))
			continue;
		if (schema ? !strcmp (schema, v->schema) : !strcmp (v->schema, "pg_catalog"))
			return v;
	}
	if (!schema || !strcmp (schema, "pg_catalog"))
		return ox_pg_catalog_lookup (name);
	return NULL;
}

GPtrArray *
ox_sysview_rows (const OxSysView *v, struct OxSession *s, OxCatalog *c, OxTxn *t, OxArena *a)
{
	GPtrArray *rows = g_ptr_array_new ();
	if (v->fill_s) {
		OX_TRY {
			v->fill_s (s, a, rows);
		} OX_CATCH {
			g_ptr_array_unref (rows);
			ox_error_rethrow_current ();
		} OX_END_TRY;
	} else
		v->fill (c, t, a, rows);
	return rows;
}

/*
 * schedule.c — CREATE / ALTER / DROP SCHEDULE, the database's schedule
 * runner, and the rows of system.schedules and system.schedule_runs.
 *
 * A schedule is a catalog object (OxSchedule); the runner (sched.h) keeps
 * one entry per committed schedule.  The two are reconciled by
 * ox_schedules_sync, which reads the newest committed catalog: at open,
 * and whenever a transaction that ran schedule DDL ends (committed or
 * not: the reconciliation only ever follows what is committed, so a
 * rolled-back CREATE SCHEDULE never fires).  Each firing runs the
 * schedule's statement in a session of its own, on the runner's thread,
 * with search_path set to the schedule's schema, on a pool of four
 * threads so that a long run delays no other schedule; its outcome is a
 * row of system.schedule_runs, a ring of the newest runs kept in memory
 * (10,000).  A schedule whose previous run is still going skips that
 * instant (recorded as a failed run saying so).  Closing the database
 * cancels the runs in progress.
 *
 * What can go wrong: a statement that fails is a run with status
 * 'failed' and its error; nothing retries it before its next instant.  A
 * schedule whose procedure was dropped fails the same way at each run.
 * After a restart the runner starts from the current time: runs missed
 * while the database was closed are not made up (the run history is not
 * durable).
 */
#include "sched/schedule.h"
#include "sched/sched.h"
#include "pl/routine.h"
#include "session.h"
#include "trace/observe.h"
#include "base/error.h"
#include "base/datetime.h"

#include <string.h>

#define RUNS_CAPACITY 10000

typedef struct ScheduleRun {
	uint32_t oid;
	char    *schema;
	char    *name;
	int64_t  scheduled_for;
	int64_t  started;
	int64_t  finished;
	bool     ok;
	char    *error;
} ScheduleRun;

struct OxScheduleState {
	OxDatabase  *db;
	OxScheduler *sched;
	GThreadPool *pool;       /* runs, so that a long one delays no other */
	GHashTable  *running;    /* oid -> OxSession* of its run in progress */
	bool         closing;    /* the database is closing: no new runs */
	GMutex       lock;       /* entries, runs, running, closing */
	GHashTable  *entries;    /* oid -> OxSchedule* the runner has (the version synced) */
	ScheduleRun *runs;       /* ring */
	guint        nruns, first;
	bool         started;
	bool         manual;     /* runs on the caller's thread (tests) */
	bool         test_clock; /* no runner thread: tests call ox_schedules_run_due */
	int64_t    (*now) (void *user);
	void        *now_user;
};

static void
run_clear (ScheduleRun *r)
{
	g_free (r->schema);
	g_free (r->name);
	g_free (r->error);
	memset (r, 0, sizeof *r);
}

static void
record_run (OxScheduleState *st, ScheduleRun *r)
{
	g_mutex_lock (&st->lock);
	guint slot;
	if (st->nruns < RUNS_CAPACITY)
		slot = (st->first + st->nruns++) % RUNS_CAPACITY;
	else {
		slot = st->first;
		st->first = (st->first + 1) % RUNS_CAPACITY;
		run_clear (&st->runs[slot]);
	}
	st->runs[slot] = *r;
	g_mutex_unlock (&st->lock);
}

static int64_t
clock_now (OxScheduleState *st)
{
	return st->now ? st->now (st->now_user) : ox_timestamp_now ();
}

typedef struct RunTask {
	uint32_t oid;
	int64_t  scheduled_for;
} RunTask;

/* Run a schedule's statement in a session of its own (a pool thread, or
 * the caller's in tests). */
static void
run_schedule (OxScheduleState *st, uint32_t id, int64_t scheduled_for)
{
	g_mutex_lock (&st->lock);
	OxSchedule *sch = g_hash_table_lookup (st->entries, GUINT_TO_POINTER (id));
	g_mutex_unlock (&st->lock);
	ScheduleRun run = {
		.oid = id,
		.schema = g_strdup (sch->obj.schema->obj.name),
		.name = g_strdup (sch->obj.name),
		.scheduled_for = scheduled_for,
		.started = clock_now (st),
	};
	OxSession *s = NULL;
	OxError e = { 0 };
	int rc = ox_session_new (st->db, &s, &e);
	if (rc == OX_OK) {
		g_mutex_lock (&st->lock);
		g_hash_table_insert (st->running, GUINT_TO_POINTER (id), s);
		if (st->closing)
			ox_session_cancel (s);
		g_mutex_unlock (&st->lock);
		const char *sn = sch->obj.schema->obj.name;
		char *path = strcmp (sn, "public") ? g_strdup_printf ("SET search_path = \"%s\", public", sn)
		                                   : g_strdup ("SET search_path = public");
		rc = ox_exec (s, path, &e);
		g_free (path);
		g_mutex_lock (&st->lock);
		bool closing = st->closing;
		g_mutex_unlock (&st->lock);
		if (rc == OX_OK && closing) {
			rc = OX_ERROR;
			g_strlcpy (e.sqlstate, OX_ERR_QUERY_CANCELED, sizeof e.sqlstate);
			e.message = g_strdup ("canceling the run: the database is closing");
		}
		if (rc == OX_OK)
			rc = ox_exec (s, sch->action, &e);
		g_mutex_lock (&st->lock);
		g_hash_table_remove (st->running, GUINT_TO_POINTER (id));
		g_mutex_unlock (&st->lock);
		ox_session_free (s);
	}
	run.finished = clock_now (st);
	run.ok = rc == OX_OK;
	if (!run.ok) {
		run.error = g_strdup_printf ("%s: %s", e.sqlstate, e.message ? e.message : "");
		ox_db_event (st->db, "ERROR", e.sqlstate, sch->owner, "schedule %s.%s failed: %s", run.schema, run.name,
		             e.message ? e.message : "");
	}
	ox_error_clear (&e);
	record_run (st, &run);
}

static void
pool_run (gpointer data, gpointer user)
{
	RunTask *task = data;
	run_schedule (user, task->oid, task->scheduled_for);
	g_free (task);
}

/* The runner's callback: start a run.  A schedule whose previous run is
 * still going is not started again: that instant is recorded as skipped
 * (a job every minute that takes five runs once per five minutes, not
 * five at a time). */
static void
fire (void *user, uint32_t id, int64_t scheduled_for)
{
	OxScheduleState *st = user;
	g_mutex_lock (&st->lock);
	OxSchedule *sch = g_hash_table_lookup (st->entries, GUINT_TO_POINTER (id));
	bool busy = g_hash_table_contains (st->running, GUINT_TO_POINTER (id));
	bool closing = st->closing;
	if (sch && !busy && !closing && !st->manual)
		g_hash_table_insert (st->running, GUINT_TO_POINTER (id), NULL);  /* reserved until it starts */
	g_mutex_unlock (&st->lock);
	if (!sch || closing)
		return;
	if (busy) {
		ScheduleRun run = {
			.oid = id,
			.schema = g_strdup (sch->obj.schema->obj.name),
			.name = g_strdup (sch->obj.name),
			.scheduled_for = scheduled_for,
			.started = clock_now (st),
			.finished = clock_now (st),
			.ok = false,
			.error = g_strdup ("skipped: the previous run is still going"),
		};
		record_run (st, &run);
		return;
	}
	if (st->manual) {
		run_schedule (st, id, scheduled_for);
		return;
	}
	RunTask *task = g_new (RunTask, 1);
	task->oid = id;
	task->scheduled_for = scheduled_for;
	g_thread_pool_push (st->pool, task, NULL);
}

OxScheduleState *
ox_schedules_new (OxDatabase *db)
{
	OxScheduleState *st = g_new0 (OxScheduleState, 1);
	st->db = db;
	g_mutex_init (&st->lock);
	st->entries = g_hash_table_new (g_direct_hash, g_direct_equal);
	st->runs = g_new0 (ScheduleRun, RUNS_CAPACITY);
	st->running = g_hash_table_new (g_direct_hash, g_direct_equal);
	st->pool = g_thread_pool_new (pool_run, st, 4, FALSE, NULL);
	st->sched = ox_scheduler_new (NULL, fire, st);
	return st;
}

void
ox_schedules_free (OxScheduleState *st)
{
	if (!st)
		return;
	/* cancel the runs in progress: a schedule that never ends must not
	 * keep the database from closing */
	g_mutex_lock (&st->lock);
	st->closing = true;
	GHashTableIter it;
	gpointer key, val;
	g_hash_table_iter_init (&it, st->running);
	while (g_hash_table_iter_next (&it, &key, &val))
		if (val)
			ox_session_cancel (val);
	g_mutex_unlock (&st->lock);
	ox_scheduler_free (st->sched);  /* stops and joins the runner */
	g_thread_pool_free (st->pool, FALSE, TRUE);  /* waits for the runs, now cancelled */
	g_hash_table_unref (st->running);
	for (guint i = 0; i < st->nruns; i++)
		run_clear (&st->runs[(st->first + i) % RUNS_CAPACITY]);
	g_free (st->runs);
	g_hash_table_unref (st->entries);
	g_mutex_clear (&st->lock);
	g_free (st);
}

void
ox_schedules_use_clock (OxScheduleState *st, const OxSchedClock *clock, bool threaded)
{
	ox_scheduler_free (st->sched);
	g_mutex_lock (&st->lock);
	g_hash_table_remove_all (st->entries);
	g_mutex_unlock (&st->lock);
	st->sched = ox_scheduler_new (clock, fire, st);
	st->manual = !threaded;
	st->test_clock = true;
	st->started = false;
	st->now = clock->now;
	st->now_user = clock->user;
	ox_schedules_sync (st);
}

int
ox_schedules_run_due (OxScheduleState *st, int64_t now)
{
	return ox_scheduler_run_due (st->sched, now);
}

void
ox_schedules_sync (OxScheduleState *st)
{
	OxDatabase *db = st->db;
	OxTxn *t = ox_txn_begin (db->mgr, OX_ISO_READ_COMMITTED);
	ox_txn_refresh_snapshot (t);
	GPtrArray *now = ox_catalog_schedules (db->catalog, t, false);
	ox_txn_abort (t);
	ox_txn_free (t);
	g_mutex_lock (&st->lock);
	GHashTable *seen = g_hash_table_new (g_direct_hash, g_direct_equal);
	for (guint i = 0; i < now->len; i++) {
		OxSchedule *sch = now->pdata[i];
		gpointer key = GUINT_TO_POINTER (sch->obj.oid);
		g_hash_table_add (seen, key);
		OxSchedule *had = g_hash_table_lookup (st->entries, key);
		if (had == sch)
			continue;
		OxCron cron;
		if (!ox_cron_parse (sch->cron, &cron, NULL))
			continue;  /* checked at CREATE: cannot happen */
		if (!had)
			ox_scheduler_add (st->sched, sch->obj.oid, &cron, sch->timezone, sch->enabled, OX_SCHED_FROM_NOW);
		else {
			ox_scheduler_update (st->sched, sch->obj.oid, &cron, sch->timezone);
			ox_scheduler_set_enabled (st->sched, sch->obj.oid, sch->enabled);
		}
		g_hash_table_insert (st->entries, key, sch);
	}
	GHashTableIter it;
	gpointer key, val;
	g_hash_table_iter_init (&it, st->entries);
	while (g_hash_table_iter_next (&it, &key, &val))
		if (!g_hash_table_contains (seen, key)) {
			ox_scheduler_remove (st->sched, GPOINTER_TO_UINT (key));
			g_hash_table_iter_remove (&it);
		}
	bool any = g_hash_table_size (st->entries) > 0;
	g_mutex_unlock (&st->lock);
	g_hash_table_unref (seen);
	g_ptr_array_unref (now);
	/* no thread until there is something to run (tests step the runner
	 * themselves) */
	if (any && !st->started && !st->test_clock)
		st->started = ox_scheduler_start (st->sched);
}

/* ---- DDL ------------------------------------------------------------------------------------- */

static OxSchedule *
find_schedule (OxSession *s, OxRangeVar *rv, bool latest)
{
	OxSchema *sc = ox_session_schema (s, rv->schema, rv->node.loc + 1);
	GPtrArray *all = ox_catalog_schedules (s->db->catalog, s->txn, latest);
	OxSchedule *found = NULL;
	for (guint i = 0; i < all->len; i++) {
		OxSchedule *sch = all->pdata[i];
		if (sch->obj.schema == sc && !strcmp (sch->obj.name, rv->name))
			found = sch;
	}
	g_ptr_array_unref (all);
	return found;
}

/* Compile a DO body once, for its syntax errors, with their position
 * moved from the body into the statement. */
static void
compile_do (OxSession *s, const OxLanguage *lang, OxRoutine *r, int body_loc)
{
	void *volatile form = NULL;
	OX_TRY {
		form = lang->compile (s, r);
	} OX_CATCH {
		OxErrorData *e = ox_error_current ();
		if (e->position > 0)
			e->position += body_loc;
		ox_error_rethrow_current ();
	} OX_END_TRY;
	if (form && lang->free)
		lang->free (form);
}

void
ox_ddl_create_schedule (OxSession *s, OxExec *x, OxCreateScheduleStmt *cs)
{
	OxTxn *t = s->txn;
	ox_txn_lock_ddl (t);
	OxSchema *sc = ox_session_schema (s, cs->name->schema, cs->name->node.loc + 1);
	OxCron cron;
	char *msg = NULL;
	if (!ox_cron_parse (cs->cron, &cron, &msg)) {
		char buf[400];
		g_snprintf (buf, sizeof buf, "%s", msg ? msg : "invalid cron expression");
		g_free (msg);
		ox_raise_full (OX_ERR_INVALID_PARAMETER, cs->cron_loc + 1, NULL,
		               "Write five fields: minute hour day-of-month month day-of-week, e.g. '*/5 * * * *'.", "%s", buf);
	}
	if (cs->timezone) {
		OxTimeZone *tz = ox_timezone_new (cs->timezone);
		if (!tz)
			ox_raise (OX_ERR_INVALID_PARAMETER, cs->tz_loc + 1, "time zone \"%s\" not recognized", cs->timezone);
		ox_timezone_free (tz);
	}
	if (find_schedule (s, cs->name, true))
		ox_raise (OX_ERR_DUPLICATE_OBJECT, cs->node.loc + 1, "schedule \"%s\" already exists", cs->name->name);
	const char *language = "sql";
	if (cs->action->tag == OX_N_CALL) {
		/* the procedure must exist now (its arguments are checked too) */
		OxExpr **args;
		OxType ptypes[1];
		int np = 0;
		ox_call_bind (s, x, (OxCallStmt *) cs->action, ptypes, &np, &args);
		if (np > 0)
			ox_raise (OX_ERR_UNDEFINED_PARAMETER, cs->node.loc + 1, "a schedule's CALL cannot use parameters");
	} else {
		OxDoStmt *ds = (OxDoStmt *) cs->action;
		const char *l = ds->language ? ds->language : "plsql";
		const OxLanguage *lang = ox_language_find (l);
		if (!lang)
			ox_raise (OX_ERR_UNDEFINED_OBJECT, cs->node.loc + 1, "language \"%s\" does not exist", l);
		language = lang->name;
		/* compile once to report syntax errors now */
		OxRoutine tmp = { 0 };
		tmp.obj.kind = OX_KIND_ROUTINE;
		tmp.obj.name = (char *) cs->name->name;
		tmp.obj.arena = x->arena;
		tmp.rkind = OX_ROUTINE_PROCEDURE;
		tmp.retkind = OX_RET_VOID;
		tmp.language = lang->name;
		tmp.body = ds->body;
		tmp.owner = "oxibase";
		ox_routine_finish (&tmp);
		compile_do (s, lang, &tmp, ds->body_loc);
	}
	OxArena *a = ox_catalog_arena_new ();
	OxSchedule *sch = OX_NEW (a, OxSchedule);
	sch->obj.kind = OX_KIND_SCHEDULE;
	sch->obj.name = g_strdup (cs->name->name);
	sch->obj.schema = sc;
	sch->obj.arena = a;
	char *canon = ox_cron_to_string (&cron);
	sch->cron = ox_arena_strdup (a, canon);
	g_free (canon);
	sch->timezone = cs->timezone ? ox_arena_strdup (a, cs->timezone) : NULL;
	sch->action = ox_arena_strdup (a, cs->action_src);
	sch->language = ox_arena_strdup (a, language);
	sch->enabled = true;
	sch->owner = "oxibase";
	ox_catalog_register (s->db->catalog, t, &sch->obj);
	s->schedules_touched = true;
}

void
ox_ddl_alter_schedule (OxSession *s, OxExec *x, OxAlterScheduleStmt *as)
{
	OxTxn *t = s->txn;
	ox_txn_lock_ddl (t);
	OxSchedule *old = find_schedule (s, as->name, true);
	if (!old)
		ox_raise (OX_ERR_UNDEFINED_OBJECT, as->node.loc + 1, "schedule \"%s\" does not exist", as->name->name);
	(void) x;
	if (as->rename_to) {
		OxRangeVar to = *as->name;
		to.name = as->rename_to;
		to.schema = old->obj.schema->obj.name;
		if (find_schedule (s, &to, true))
			ox_raise (OX_ERR_DUPLICATE_OBJECT, as->node.loc + 1, "schedule \"%s\" already exists", as->rename_to);
	} else if (old->enabled == as->enable)
		return;
	OxArena *a = ox_catalog_arena_new ();
	OxSchedule *sch = OX_NEW (a, OxSchedule);
	*sch = *old;
	sch->obj.name = g_strdup (as->rename_to ? as->rename_to : old->obj.name);
	sch->obj.arena = a;
	sch->obj.xmin = sch->obj.xmax = 0;
	sch->obj.aborted = false;
	sch->cron = ox_arena_strdup (a, old->cron);
	sch->timezone = old->timezone ? ox_arena_strdup (a, old->timezone) : NULL;
	sch->action = ox_arena_strdup (a, old->action);
	sch->language = ox_arena_strdup (a, old->language);
	sch->enabled = as->rename_to ? old->enabled : as->enable;
	ox_catalog_drop (s->db->catalog, t, &old->obj);
	ox_catalog_register (s->db->catalog, t, &sch->obj);  /* same oid: the same schedule */
	s->schedules_touched = true;
}

void
ox_ddl_drop_schedule (OxSession *s, OxExec *x, OxDropStmt *ds)
{
	OxTxn *t = s->txn;
	ox_txn_lock_ddl (t);
	(void) x;
	for (int i = 0; i < ds->names->n; i++) {
		OxRangeVar *rv = ds->names->items[i];
		OxSchedule *sch = find_schedule (s, rv, true);
		if (!sch) {
			if (ds->if_exists) {
				ox_session_notice (s, "00000", "schedule \"%s\" does not exist, skipping", rv->name);
				continue;
			}
			ox_raise (OX_ERR_UNDEFINED_OBJECT, rv->node.loc + 1, "schedule \"%s\" does not exist", rv->name);
		}
		ox_catalog_drop (s->db->catalog, t, &sch->obj);
		s->schedules_touched = true;
	}
}

/* ---- system views ------------------------------------------------------------------------------ */

bool
ox_schedules_next_run (OxScheduleState *st, uint32_t oid, int64_t *next, int64_t *last)
{
	OxSchedEntryInfo info;
	if (!st || !ox_scheduler_get (st->sched, oid, &info))
		return false;
	*next = info.next_due;
	*last = info.last_fired;
	return true;
}

void
ox_schedules_runs (OxScheduleState *st, OxArena *a, GPtrArray *rows)
{
	if (!st)
		return;
	g_mutex_lock (&st->lock);
	for (guint i = 0; i < st->nruns; i++) {
		ScheduleRun *r = &st->runs[(st->first + i) % RUNS_CAPACITY];
		OxValue *v = OX_NEW_N (a, OxValue, 8);
		v[0] = ox_int (OX_T_INT8, r->oid);
		size_t n = strlen (r->schema);
		v[1] = ox_text (OX_T_TEXT, ox_arena_strndup (a, r->schema, n), n);
		n = strlen (r->name);
		v[2] = ox_text (OX_T_TEXT, ox_arena_strndup (a, r->name, n), n);
		v[3] = ox_int (OX_T_TIMESTAMPTZ, r->scheduled_for);
		v[4] = ox_int (OX_T_TIMESTAMPTZ, r->started);
		v[5] = ox_int (OX_T_TIMESTAMPTZ, r->finished);
		const char *status = r->ok ? "succeeded" : "failed";
		v[6] = ox_text (OX_T_TEXT, status, strlen (status));
		if (r->error) {
			n = strlen (r->error);
			v[7] = ox_text (OX_T_TEXT, ox_arena_strndup (a, r->error, n), n);
		} else
			v[7] = ox_null (OX_T_TEXT);
		g_ptr_array_add (rows, v);
	}
	g_mutex_unlock (&st->lock);
}

GPtrArray *
ox_schedules_calling (OxSession *s, OxRoutine *r)
{
	GPtrArray *out = g_ptr_array_new ();
	if (r->rkind != OX_ROUTINE_PROCEDURE)
		return out;
	GPtrArray *all = ox_catalog_schedules (s->db->catalog, s->txn, true);
	OxArena *a = ox_arena_new ();
	for (guint i = 0; i < all->len; i++) {
		OxSchedule *sch = all->pdata[i];
		if (strncmp (sch->action, "CALL", 4) && strncmp (sch->action, "call", 4))
			continue;
		size_t end = 0;
		OxNode *volatile n = NULL;
		OX_TRY {
			n = ox_parse_one (a, sch->action, strlen (sch->action), &end);
		} OX_CATCH {
			OxErrorData e;
			ox_error_take (&e);
			ox_error_data_clear (&e);
		} OX_END_TRY;
		if (!OX_IS (n, OX_N_CALL))
			continue;
		OxList *name = ((OxCallStmt *) n)->call->name;
		const char *proc = name->items[name->n - 1];
		const char *schema = name->n == 2 ? name->items[0] : sch->obj.schema->obj.name;
		/* an unqualified CALL runs with search_path = the schedule's schema, public */
		bool same_schema = !strcmp (schema, r->obj.schema->obj.name) ||
		                   (name->n == 1 && !strcmp (r->obj.schema->obj.name, "public"));
		if (!strcmp (proc, r->obj.name) && same_schema)
			g_ptr_array_add (out, sch);
	}
	ox_arena_free (a);
	g_ptr_array_unref (all);
	return out;
}

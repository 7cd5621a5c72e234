/*
 * schedule.h — schedules as SQL objects (schedule.c): DDL for session.c,
 * the per-database runner state, and rows for the system views.
 */
#ifndef OX_SCHEDULE_H
#define OX_SCHEDULE_H

#include <glib.h>

#include "plan/plan.h"
#include "sched/sched.h"

struct OxSession;
struct OxDatabase;
typedef struct OxScheduleState OxScheduleState;

OxScheduleState *ox_schedules_new (struct OxDatabase *db);
void             ox_schedules_free (OxScheduleState *st);
/* Make the runner's entries match the committed catalog (starts the runner
 * thread when the first schedule appears). */
void             ox_schedules_sync (OxScheduleState *st);
/* Tests: replace the runner by one on the given clock, with no runner
 * thread; ox_schedules_run_due then fires what is due at 'now'.  The runs
 * happen on the caller's thread, or with 'threaded' on the pool as in
 * production.  run_due returns the number of runs started. */
void             ox_schedules_use_clock (OxScheduleState *st, const OxSchedClock *clock, bool threaded);
int              ox_schedules_run_due (OxScheduleState *st, int64_t now);

void ox_ddl_create_schedule (struct OxSession *s, OxExec *x, OxCreateScheduleStmt *cs);
void ox_ddl_alter_schedule (struct OxSession *s, OxExec *x, OxAlterScheduleStmt *as);
void ox_ddl_drop_schedule (struct OxSession *s, OxExec *x, OxDropStmt *ds);

/* Schedules whose action calls procedure r (for DROP PROCEDURE). */
GPtrArray *ox_schedules_calling (struct OxSession *s, OxRoutine *r);

/* system.schedules: the runner's next and last instants for a schedule. */
bool ox_schedules_next_run (OxScheduleState *st, uint32_t oid, int64_t *next, int64_t *last);
/* system.schedule_runs: rows (oid, schema, name, scheduled_for, started,
 * finished, status, error), oldest first. */
void ox_schedules_runs (OxScheduleState *st, OxArena *a, GPtrArray *rows);

#endif

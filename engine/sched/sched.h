/*
 * sched.h — the schedule runner: a set of cron entries and a thread that
 * calls back when one is due.
 *
 * An OxScheduler knows nothing of SQL.  It holds entries {id, cron
 * expression, time zone, enabled, next due instant, last fired instant},
 * and calls fire (user, id, scheduled_for) once for each instant an entry
 * is due.  The SQL layer owns everything else: it keeps an entry per row
 * of the schedule catalog (id = the schedule's catalog id), and its fire
 * callback starts the schedule's body and records the run in
 * system.schedule_runs.  Intended wiring:
 *
 *   database open      s = ox_scheduler_new (NULL, fire_cb, db);
 *                      for each schedule row: ox_scheduler_add (s, id, &cron,
 *                          tz, enabled, <scheduled_for of its last run, or
 *                          OX_SCHED_FROM_NOW>);  ox_scheduler_start (s);
 *   CREATE SCHEDULE    (on commit) ox_scheduler_add (..., OX_SCHED_FROM_NOW)
 *   ALTER ... ENABLE   (on commit) ox_scheduler_set_enabled (s, id, true)
 *   ALTER ... DISABLE  (on commit) ox_scheduler_set_enabled (s, id, false)
 *   DROP SCHEDULE      (on commit) ox_scheduler_remove (s, id)
 *   system.schedules   ox_scheduler_get (s, id, &info) for next_run
 *   database close     ox_scheduler_free (s)  (stops and joins the thread)
 *
 * Semantics.
 *   - Each due instant fires at most once per entry, and an entry never
 *     fires concurrently with itself.  Entries' instants come from
 *     ox_cron_next (cron.h), DST rules included.
 *   - Catch up once, not N times: if the runner could not run (the process
 *     was busy, suspended, or the database closed, see resume_after) past
 *     several instants of one entry, it fires once, for the latest missed
 *     instant, and the next instant is the first after now.  A job that
 *     runs every minute and missed an hour runs once, not 60 times.
 *   - A disabled entry never fires.  Enabling it does not fire its
 *     backlog: its next instant is the first after now.
 *   - The clock going backwards (a wrong clock corrected, a test) never
 *     refires an instant: every entry remembers the last instant it fired
 *     (last_fired) and only later instants can fire.
 *   - fire runs on the runner thread (or the ox_scheduler_run_due caller),
 *     outside the scheduler's lock: it may call any ox_scheduler_*
 *     function except stop and free.  Entries due together fire one after
 *     another, oldest instant first; a slow fire delays the others (they
 *     still fire, once) but not the bookkeeping, which is done before the
 *     first callback.  Keep fire short — hand the run to a worker — if
 *     schedules must start on time.
 *   - An entry disabled or removed while a batch of fires is under way is
 *     not fired if its callback had not started; one already running
 *     finishes (remove does not wait for it).
 *
 * Clocks.  Time is a timestamptz (microseconds since 2000-01-01 UTC).  The
 * runner reads it and sleeps through an OxSchedClock, so tests can drive
 * it: the real clock (NULL to ox_scheduler_new) reads g_get_real_time and
 * sleeps on g_cond_wait_until; a test clock returns a variable and, after
 * advancing it, calls ox_scheduler_wake.
 *
 * NOTE: the real clock never sleeps more than 10 seconds at a time:
 * g_cond_wait_until counts on the monotonic clock, which stops during
 * suspend and does not follow changes to the wall clock, while instants
 * are wall-clock times.  So a schedule fires at most about 10 s late after
 * the machine wakes or the clock is set.
 * NOTE: ox_scheduler_run_due must not run on two threads at once for the
 * same scheduler if fires are to stay in order; it stays correct (no
 * instant fires twice, no entry fires concurrently with itself) but two
 * entries may then fire out of order.
 */
#ifndef OX_SCHED_H
#define OX_SCHED_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "cron.h"

typedef struct OxScheduler OxScheduler;

/* How the runner reads the time and sleeps.
 *   now         the current time (timestamptz microseconds); called from
 *               any thread, never with the scheduler's lock held.
 *   wait_until  called on the runner thread with m (the scheduler's lock)
 *               held; must wait on c with m (g_cond_wait or
 *               g_cond_wait_until) until c is signalled or the time is
 *               deadline or later, and return with m held.  deadline is
 *               OX_CRON_NEVER when nothing is due.  Returning early is
 *               allowed: the runner re-checks and waits again. */
typedef struct OxSchedClock {
	int64_t (*now) (void *user);
	void    (*wait_until) (void *user, GMutex *m, GCond *c, int64_t deadline);
	void    *user;
} OxSchedClock;

/* Called once per due instant of an enabled entry, outside the lock.
 * scheduled_for is the instant (not the time of the call, which may be
 * later: the runner was busy, or this is a catch-up). */
typedef void (*OxSchedFireFunc) (void *user, uint32_t id, int64_t scheduled_for);

typedef enum {
	OX_SCHED_OK = 0,
	OX_SCHED_EXISTS,        /* add: an entry with this id exists */
	OX_SCHED_NOT_FOUND,     /* no entry with this id */
	OX_SCHED_UNKNOWN_ZONE,  /* ox_timezone_new (tz_name) found no such zone */
} OxSchedStatus;

/* resume_after for an entry that should start from the current time. */
#define OX_SCHED_FROM_NOW  INT64_MIN
/* last_fired of an entry that never fired and was added FROM_NOW. */
#define OX_SCHED_NEVER_FIRED INT64_MIN

/* A snapshot of one entry, for system.schedules. */
typedef struct OxSchedEntryInfo {
	OxCron  cron;
	bool    enabled;
	bool    firing;      /* its fire callback is running now */
	int64_t next_due;    /* the next instant it will fire for; OX_CRON_NEVER
	                      * when disabled or the expression never fires */
	int64_t last_fired;  /* the latest instant fired (or resume_after);
	                      * OX_SCHED_NEVER_FIRED if none */
} OxSchedEntryInfo;

/* The clock ox_scheduler_new uses for NULL: wall clock and real sleeps. */
const OxSchedClock *ox_sched_real_clock (void);

/* A scheduler with no entries and no thread.  clock is copied; NULL means
 * ox_sched_real_clock ().  fire must not be NULL. */
OxScheduler  *ox_scheduler_new (const OxSchedClock *clock, OxSchedFireFunc fire, void *fire_user);

/* Start the runner thread ("oxibase-sched").  False if the thread could
 * not be created or is already running.  Without it, nothing fires except
 * through ox_scheduler_run_due. */
bool          ox_scheduler_start (OxScheduler *s);

/* Stop the runner thread, waking it, and join it; a fire in progress
 * finishes first.  A no-op when not started.  Must not be called from
 * fire (the runner would join itself). */
void          ox_scheduler_stop (OxScheduler *s);

/* Stop, then free every entry.  No other call may be in progress. */
void          ox_scheduler_free (OxScheduler *s);

/* Add entry id.  tz_name: a zone for ox_timezone_new ("Europe/Berlin",
 * "UTC"), or NULL for UTC.  resume_after: OX_SCHED_FROM_NOW to fire first
 * at the first instant after the clock's now; or an instant, normally the
 * scheduled_for of the entry's last recorded run, so that instants up to
 * it never fire and one run missed since (while the database was closed)
 * is caught up at once.  A disabled entry is kept but computes nothing
 * until enabled.
 * Returns OX_SCHED_OK, OX_SCHED_EXISTS or OX_SCHED_UNKNOWN_ZONE. */
OxSchedStatus ox_scheduler_add (OxScheduler *s, uint32_t id, const OxCron *cron,
                                const char *tz_name, bool enabled, int64_t resume_after);

/* Replace id's expression and zone (ALTER SCHEDULE ... CRON / TIMEZONE).
 * Its next instant is recomputed from now: no backlog fires, and instants
 * up to last_fired still never fire.  Enabled state is kept.
 * Returns OX_SCHED_OK, OX_SCHED_NOT_FOUND or OX_SCHED_UNKNOWN_ZONE. */
OxSchedStatus ox_scheduler_update (OxScheduler *s, uint32_t id, const OxCron *cron,
                                   const char *tz_name);

/* Enable or disable id.  Enabling a disabled entry sets its next instant
 * to the first after now (and after last_fired): the backlog is skipped.
 * Enabling an enabled entry, or disabling a disabled one, changes nothing.
 * Returns OX_SCHED_OK or OX_SCHED_NOT_FOUND. */
OxSchedStatus ox_scheduler_set_enabled (OxScheduler *s, uint32_t id, bool enabled);

/* Remove id: it never fires again (a callback already running finishes).
 * Returns OX_SCHED_OK or OX_SCHED_NOT_FOUND. */
OxSchedStatus ox_scheduler_remove (OxScheduler *s, uint32_t id);

/* Copy id's state to *out; false if there is no such entry. */
bool          ox_scheduler_get (OxScheduler *s, uint32_t id, OxSchedEntryInfo *out);

/* The earliest next_due of the enabled entries that are not firing;
 * OX_CRON_NEVER if none.  What the runner sleeps until. */
int64_t       ox_scheduler_next_due (OxScheduler *s);

/* One step of the runner, synchronous: fire every enabled entry whose next
 * instant is at or before now, once each (for the latest instant at or
 * before now: catch up once), on the calling thread.  Entries whose fire
 * is still running in another call are left for a later step.  Returns
 * the number of fire callbacks made.  The runner thread calls this with
 * the clock's now; tests call it directly with chosen times. */
int           ox_scheduler_run_due (OxScheduler *s, int64_t now);

/* Make the runner re-read the clock and re-plan its sleep.  The add,
 * update, enable, remove calls do this themselves; a test clock calls it
 * after moving the time. */
void          ox_scheduler_wake (OxScheduler *s);

#endif

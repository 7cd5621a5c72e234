/*
 * sched.c — the schedule runner: entries, the due-instant bookkeeping and
 * the runner thread.  The contract is in sched.h.
 *
 * Everything an entry's firing depends on is decided under s->lock in one
 * place, claim_due(): which instant it fires for (the latest one due:
 * catch up once), the next instant (the first after now), last_fired, and
 * the `firing` mark that keeps an entry from being claimed again while its
 * callback runs.  Callbacks then run with the lock released.  The runner
 * thread is only a loop around ox_scheduler_run_due and a sleep.
 *
 * NOTE: lost wake-ups.  The runner reads the clock, runs, then sleeps
 * until the earliest next_due.  A change that lands between the read and
 * the sleep (an entry added, a test clock moved) would be slept through
 * if it only signalled the condition, since nobody is waiting yet.  Every
 * change therefore bumps s->wake_gen under the lock, and the runner
 * compares the generation it started its pass with before sleeping.
 * NOTE: an entry may leave the table (remove) while a batch that claimed
 * it is firing other entries.  Entries are reference-counted: the table
 * holds one reference, each claim one more; the last unref frees.
 * NOTE: instants only move forward per entry: next_due is always computed
 * from max(now, last_fired), so neither a clock set back nor an ALTER can
 * make an instant that already fired due again.
 */
#define G_LOG_DOMAIN "oxibase-sched"

#include "sched.h"

#include <glib.h>

/* 1970-01-01 in seconds since 2000-01-01 is -UNIX_2000_SECS. */
#define UNIX_2000_SECS   INT64_C (946684800)
#define USECS_PER_SEC    INT64_C (1000000)
#define USECS_PER_MINUTE INT64_C (60000000)
/* ox_scheduler_run_due reads a later `now` as this one (year 10100):
 * ox_cron_next has no instants past 10008, and the look-back in
 * entry_latest_due must not overflow. */
#define NOW_MAX          ((int64_t) ox_date_from_ymd (10100, 1, 1) * OX_USECS_PER_DAY)
/* The longest single sleep of the real clock (see the NOTE in sched.h). */
#define REAL_MAX_WAIT    (10 * USECS_PER_SEC)

typedef struct Entry {
	uint32_t    id;
	OxCron      cron;
	OxTimeZone *tz;          /* owned; NULL = UTC */
	bool        enabled;
	bool        firing;      /* claimed by a run whose callback for it has not returned */
	bool        removed;     /* no longer in s->entries */
	int         refs;        /* 1 for s->entries + 1 per claim in flight */
	int64_t     next_due;    /* next instant to fire; OX_CRON_NEVER when disabled or none */
	int64_t     last_fired;  /* latest instant claimed (or resume_after); OX_SCHED_NEVER_FIRED */
} Entry;

struct OxScheduler {
	GMutex          lock;       /* guards everything below but clock, fire, fire_user */
	GCond           cond;       /* the runner sleeps on it; signalled on every wake_gen bump */
	OxSchedClock    clock;      /* copied at creation, immutable */
	OxSchedFireFunc fire;       /* immutable */
	void           *fire_user;  /* immutable */
	GHashTable     *entries;    /* GUINT_TO_POINTER (id) -> Entry*, holding a reference */
	uint64_t        wake_gen;   /* bumped on every change the runner must see */
	GThread        *thread;     /* the runner, or NULL when not started */
	bool            stopping;   /* asks the runner to return */
};

/* ---------------------------------------------------------------------
 * The real clock
 * ------------------------------------------------------------------- */

static int64_t
real_now (void *user)
{
	return g_get_real_time () - UNIX_2000_SECS * USECS_PER_SEC;
}

static void
real_wait_until (void *user, GMutex *m, GCond *c, int64_t deadline)
{
	int64_t now = real_now (user);
	if (deadline <= now)
		return;
	/* deadline may be OX_CRON_NEVER: compare before subtracting. */
	int64_t wait = deadline > now + REAL_MAX_WAIT ? REAL_MAX_WAIT : deadline - now;
	g_cond_wait_until (c, m, g_get_monotonic_time () + wait);
}

static const OxSchedClock real_clock = { real_now, real_wait_until, NULL };

const OxSchedClock *
ox_sched_real_clock (void)
{
	return &real_clock;
}

/* ---------------------------------------------------------------------
 * Entries
 * ------------------------------------------------------------------- */

static void
entry_unref (Entry *e)
{
	g_assert (e->refs > 0);
	if (--e->refs == 0) {
		ox_timezone_free (e->tz);
		g_free (e);
	}
}

/* The table's destroy notify: the entry leaves the table. */
static void
entry_unlink (gpointer data)
{
	Entry *e = data;
	e->removed = true;
	entry_unref (e);
}

/* The first instant of e after now that has not fired yet. */
static int64_t
entry_next_after (const Entry *e, int64_t now)
{
	return ox_cron_next (&e->cron, e->tz, MAX (now, e->last_fired));
}

/* The latest instant of e in [e->next_due, now]; e->next_due <= now.
 * cron has no "previous instant", so look back from now over windows
 * doubling from a minute until one holds an instant, then walk forward
 * through that window: O(log backlog) searches plus at most the instants
 * in the last window (which held none in its later half). */
static int64_t
entry_latest_due (const Entry *e, int64_t now)
{
	g_assert (e->next_due <= now);
	int64_t f = e->next_due;
	for (int64_t w = USECS_PER_MINUTE; now - w >= f; w *= 2) {
		int64_t g = ox_cron_next (&e->cron, e->tz, now - w);
		if (g <= now) {
			f = g;
			break;
		}
	}
	for (;;) {
		int64_t g = ox_cron_next (&e->cron, e->tz, f);
		if (g > now)
			return f;
		f = g;
	}
}

static void
wake_locked (OxScheduler *s)
{
	s->wake_gen++;
	g_cond_broadcast (&s->cond);
}

/* Look tz_name up; *tz is NULL for NULL (UTC).  False if unknown. */
static bool
zone_for_name (const char *tz_name, OxTimeZone **tz)
{
	*tz = NULL;
	if (tz_name == NULL)
		return true;
	*tz = ox_timezone_new (tz_name);
	return *tz != NULL;
}

/* ---------------------------------------------------------------------
 * Public API
 * ------------------------------------------------------------------- */

OxScheduler *
ox_scheduler_new (const OxSchedClock *clock, OxSchedFireFunc fire, void *fire_user)
{
	g_return_val_if_fail (fire != NULL, NULL);
	g_return_val_if_fail (clock == NULL || (clock->now != NULL && clock->wait_until != NULL), NULL);
	OxScheduler *s = g_new0 (OxScheduler, 1);
	g_mutex_init (&s->lock);
	g_cond_init (&s->cond);
	s->clock = clock ? *clock : real_clock;
	s->fire = fire;
	s->fire_user = fire_user;
	s->entries = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, entry_unlink);
	return s;
}

OxSchedStatus
ox_scheduler_add (OxScheduler *s, uint32_t id, const OxCron *cron, const char *tz_name,
                  bool enabled, int64_t resume_after)
{
	g_return_val_if_fail (s != NULL && cron != NULL, OX_SCHED_NOT_FOUND);
	OxTimeZone *tz;
	if (!zone_for_name (tz_name, &tz))
		return OX_SCHED_UNKNOWN_ZONE;
	int64_t now = s->clock.now (s->clock.user);

	Entry *e = g_new0 (Entry, 1);
	e->id = id;
	e->cron = *cron;
	e->tz = tz;
	e->enabled = enabled;
	e->refs = 1;
	/* Instants up to resume_after count as fired, so a restart neither
	 * repeats the last recorded run nor loses a later one. */
	e->last_fired = resume_after;
	e->next_due = !enabled ? OX_CRON_NEVER
	              : resume_after == OX_SCHED_FROM_NOW ? entry_next_after (e, now)
	              : ox_cron_next (cron, tz, resume_after);

	g_mutex_lock (&s->lock);
	if (g_hash_table_contains (s->entries, GUINT_TO_POINTER (id))) {
		g_mutex_unlock (&s->lock);
		ox_timezone_free (tz);
		g_free (e);
		return OX_SCHED_EXISTS;
	}
	g_hash_table_insert (s->entries, GUINT_TO_POINTER (id), e);
	wake_locked (s);
	g_mutex_unlock (&s->lock);
	return OX_SCHED_OK;
}

OxSchedStatus
ox_scheduler_update (OxScheduler *s, uint32_t id, const OxCron *cron, const char *tz_name)
{
	g_return_val_if_fail (s != NULL && cron != NULL, OX_SCHED_NOT_FOUND);
	OxTimeZone *tz;
	if (!zone_for_name (tz_name, &tz))
		return OX_SCHED_UNKNOWN_ZONE;
	int64_t now = s->clock.now (s->clock.user);

	g_mutex_lock (&s->lock);
	Entry *e = g_hash_table_lookup (s->entries, GUINT_TO_POINTER (id));
	if (e == NULL) {
		g_mutex_unlock (&s->lock);
		ox_timezone_free (tz);
		return OX_SCHED_NOT_FOUND;
	}
	/* The old zone may be in use by nobody else: ox_cron_next is only
	 * ever called on an entry with the lock held. */
	ox_timezone_free (e->tz);
	e->tz = tz;
	e->cron = *cron;
	if (e->enabled)
		e->next_due = entry_next_after (e, now);
	wake_locked (s);
	g_mutex_unlock (&s->lock);
	return OX_SCHED_OK;
}

OxSchedStatus
ox_scheduler_set_enabled (OxScheduler *s, uint32_t id, bool enabled)
{
	g_return_val_if_fail (s != NULL, OX_SCHED_NOT_FOUND);
	int64_t now = s->clock.now (s->clock.user);
	g_mutex_lock (&s->lock);
	Entry *e = g_hash_table_lookup (s->entries, GUINT_TO_POINTER (id));
	if (e == NULL) {
		g_mutex_unlock (&s->lock);
		return OX_SCHED_NOT_FOUND;
	}
	if (enabled && !e->enabled)
		e->next_due = entry_next_after (e, now);  /* skip the backlog */
	else if (!enabled)
		e->next_due = OX_CRON_NEVER;
	e->enabled = enabled;
	wake_locked (s);
	g_mutex_unlock (&s->lock);
	return OX_SCHED_OK;
}

OxSchedStatus
ox_scheduler_remove (OxScheduler *s, uint32_t id)
{
	g_return_val_if_fail (s != NULL, OX_SCHED_NOT_FOUND);
	g_mutex_lock (&s->lock);
	bool found = g_hash_table_remove (s->entries, GUINT_TO_POINTER (id));
	if (found)
		wake_locked (s);
	g_mutex_unlock (&s->lock);
	return found ? OX_SCHED_OK : OX_SCHED_NOT_FOUND;
}

bool
ox_scheduler_get (OxScheduler *s, uint32_t id, OxSchedEntryInfo *out)
{
	g_return_val_if_fail (s != NULL && out != NULL, false);
	g_mutex_lock (&s->lock);
	Entry *e = g_hash_table_lookup (s->entries, GUINT_TO_POINTER (id));
	if (e != NULL) {
		out->cron = e->cron;
		out->enabled = e->enabled;
		out->firing = e->firing;
		out->next_due = e->next_due;
		out->last_fired = e->last_fired;
	}
	g_mutex_unlock (&s->lock);
	return e != NULL;
}

static int64_t
next_due_locked (OxScheduler *s)
{
	int64_t min = OX_CRON_NEVER;
	GHashTableIter it;
	gpointer value;
	g_hash_table_iter_init (&it, s->entries);
	while (g_hash_table_iter_next (&it, NULL, &value)) {
		const Entry *e = value;
		if (e->enabled && !e->firing && e->next_due < min)
			min = e->next_due;
	}
	return min;
}

int64_t
ox_scheduler_next_due (OxScheduler *s)
{
	g_return_val_if_fail (s != NULL, OX_CRON_NEVER);
	g_mutex_lock (&s->lock);
	int64_t d = next_due_locked (s);
	g_mutex_unlock (&s->lock);
	return d;
}

void
ox_scheduler_wake (OxScheduler *s)
{
	g_return_if_fail (s != NULL);
	g_mutex_lock (&s->lock);
	wake_locked (s);
	g_mutex_unlock (&s->lock);
}

/* ---------------------------------------------------------------------
 * Running
 * ------------------------------------------------------------------- */

typedef struct {
	Entry  *entry;          /* holds a reference */
	int64_t scheduled_for;
} Claim;

static int
claim_cmp (gconstpointer a, gconstpointer b)
{
	const Claim *x = a, *y = b;
	if (x->scheduled_for != y->scheduled_for)
		return x->scheduled_for < y->scheduled_for ? -1 : 1;
	return x->entry->id < y->entry->id ? -1 : x->entry->id > y->entry->id;
}

/* Under the lock: take every entry due at now, doing all its bookkeeping
 * (see the file comment), into claims. */
static void
claim_due_locked (OxScheduler *s, int64_t now, GArray *claims)
{
	GHashTableIter it;
	gpointer value;
	g_hash_table_iter_init (&it, s->entries);
	while (g_hash_table_iter_next (&it, NULL, &value)) {
		Entry *e = value;
		if (!e->enabled || e->firing || e->next_due > now)
			continue;
		Claim c = { e, entry_latest_due (e, now) };
		e->last_fired = c.scheduled_for;
		e->next_due = entry_next_after (e, now);
		e->firing = true;
		e->refs++;
		g_array_append_val (claims, c);
	}
	g_array_sort (claims, claim_cmp);
}

int
ox_scheduler_run_due (OxScheduler *s, int64_t now)
{
	g_return_val_if_fail (s != NULL, 0);
	if (now > NOW_MAX)
		now = NOW_MAX;
	g_autoptr (GArray) claims = g_array_new (FALSE, FALSE, sizeof (Claim));
	g_mutex_lock (&s->lock);
	claim_due_locked (s, now, claims);
	g_mutex_unlock (&s->lock);
	if (claims->len == 0)
		return 0;

	int fired = 0;
	for (guint i = 0; i < claims->len; i++) {
		Claim *c = &g_array_index (claims, Claim, i);
		/* An earlier callback of this batch may have disabled or
		 * removed it: "never fires while disabled" wins over the claim. */
		g_mutex_lock (&s->lock);
		bool still = c->entry->enabled && !c->entry->removed;
		g_mutex_unlock (&s->lock);
		if (still) {
			s->fire (s->fire_user, c->entry->id, c->scheduled_for);
			fired++;
		}
	}

	g_mutex_lock (&s->lock);
	for (guint i = 0; i < claims->len; i++) {
		Entry *e = g_array_index (claims, Claim, i).entry;
		e->firing = false;
		entry_unref (e);
	}
	/* The entries are claimable again: the runner must re-plan. */
	wake_locked (s);
	g_mutex_unlock (&s->lock);
	return fired;
}

static gpointer
runner_main (gpointer data)
{
	OxScheduler *s = data;
	g_mutex_lock (&s->lock);
	while (!s->stopping) {
		uint64_t gen = s->wake_gen;
		g_mutex_unlock (&s->lock);
		int64_t now = s->clock.now (s->clock.user);
		ox_scheduler_run_due (s, now);
		g_mutex_lock (&s->lock);
		if (s->stopping || s->wake_gen != gen)
			continue;  /* something changed since `now` was read */
		s->clock.wait_until (s->clock.user, &s->lock, &s->cond, next_due_locked (s));
	}
	g_mutex_unlock (&s->lock);
	return NULL;
}

bool
ox_scheduler_start (OxScheduler *s)
{
	g_return_val_if_fail (s != NULL, false);
	g_mutex_lock (&s->lock);
	bool ok = false;
	if (s->thread == NULL) {
		s->stopping = false;
		s->thread = g_thread_try_new ("oxibase-sched", runner_main, s, NULL);
		ok = s->thread != NULL;
	}
	g_mutex_unlock (&s->lock);
	return ok;
}

void
ox_scheduler_stop (OxScheduler *s)
{
	g_return_if_fail (s != NULL);
	g_mutex_lock (&s->lock);
	if (s->thread != NULL && s->thread == g_thread_self ()) {
		g_mutex_unlock (&s->lock);
		g_critical ("ox_scheduler_stop called from the runner thread (from fire?)");
		return;
	}
	GThread *t = g_steal_pointer (&s->thread);
	if (t != NULL) {
		s->stopping = true;
		wake_locked (s);
	}
	g_mutex_unlock (&s->lock);
	if (t != NULL)
		g_thread_join (t);
}

void
ox_scheduler_free (OxScheduler *s)
{
	if (s == NULL)
		return;
	ox_scheduler_stop (s);
	g_hash_table_destroy (s->entries);
	g_cond_clear (&s->cond);
	g_mutex_clear (&s->lock);
	g_free (s);
}

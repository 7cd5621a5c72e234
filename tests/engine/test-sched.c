/*
 * test-sched.c — the schedule runner (engine/sched/sched.c) on a fake
 * clock: each due instant fires once, catch-up fires once, disabled
 * entries never fire, re-enabling skips the backlog, the clock going back
 * never refires, removal and disabling win over a pending fire, an entry
 * never fires concurrently with itself; then the same on the runner
 * thread.
 *
 * Nothing here sleeps or measures time.  Most tests drive
 * ox_scheduler_run_due directly with chosen instants.  The thread tests
 * move the fake clock and then wait (on a GCond) until the runner has gone
 * back to sleep having read the new time, so what it fired by then is
 * exactly what that time made due; the only real-time bound is a 60 s
 * guard that turns a hang into a failure.
 */
#include <glib.h>
#include <string.h>

#include "base/datetime.h"
#include "sched/sched.h"

#define MINUTE INT64_C (60000000)
#define HOUR   (60 * MINUTE)

/* 2024-01-01 00:00 UTC (a Monday), plus h hours and m minutes. */
static int64_t
at (int h, int m)
{
	return (int64_t) ox_date_from_ymd (2024, 1, 1) * OX_USECS_PER_DAY + h * HOUR + m * MINUTE;
}

/* ---------------------------------------------------------------------
 * The fake clock
 * ------------------------------------------------------------------- */

typedef struct {
	GMutex   m;
	GCond    idle;           /* signalled whenever the runner starts to wait */
	int64_t  now;
	uint64_t epoch;          /* bumped by each fake_set */
	uint64_t idle_epoch;     /* the epoch the runner had read when it last started to wait */
	int64_t  last_deadline;  /* what it last waited for */
	OxScheduler *s;          /* to wake after moving the time */
} FakeClock;

/* The epoch of the time this thread last read: the runner's, in
 * fake_wait_until. */
static _Thread_local uint64_t read_epoch;

static int64_t
fake_now (void *user)
{
	FakeClock *fc = user;
	g_mutex_lock (&fc->m);
	int64_t t = fc->now;
	read_epoch = fc->epoch;
	g_mutex_unlock (&fc->m);
	return t;
}

/* Sleep until woken: the test moves time and wakes the scheduler, so the
 * deadline needs no timer of its own. */
static void
fake_wait_until (void *user, GMutex *m, GCond *c, int64_t deadline)
{
	FakeClock *fc = user;
	g_mutex_lock (&fc->m);
	fc->idle_epoch = read_epoch;
	fc->last_deadline = deadline;
	g_cond_broadcast (&fc->idle);
	g_mutex_unlock (&fc->m);
	g_cond_wait (c, m);
}

static void
fake_init (FakeClock *fc, int64_t now)
{
	g_mutex_init (&fc->m);
	g_cond_init (&fc->idle);
	fc->now = now;
	fc->epoch = 1;
	fc->idle_epoch = 0;
	fc->last_deadline = 0;
	fc->s = NULL;
}

static void
fake_clear (FakeClock *fc)
{
	g_cond_clear (&fc->idle);
	g_mutex_clear (&fc->m);
}

static OxSchedClock
fake_clock (FakeClock *fc)
{
	OxSchedClock c = { fake_now, fake_wait_until, fc };
	return c;
}

/* Set the time (forwards or back) and wake the runner, if any. */
static void
fake_set (FakeClock *fc, int64_t now)
{
	g_mutex_lock (&fc->m);
	fc->now = now;
	fc->epoch++;
	g_mutex_unlock (&fc->m);
	if (fc->s)
		ox_scheduler_wake (fc->s);
}

/* Wait until the runner is asleep after reading the current time; return
 * the deadline it sleeps until. */
static int64_t
fake_wait_idle (FakeClock *fc)
{
	int64_t guard = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;
	g_mutex_lock (&fc->m);
	while (fc->idle_epoch < fc->epoch)
		if (!g_cond_wait_until (&fc->idle, &fc->m, guard))
			g_error ("the runner did not go idle at epoch %" G_GUINT64_FORMAT, fc->epoch);
	int64_t d = fc->last_deadline;
	g_mutex_unlock (&fc->m);
	return d;
}

/* ---------------------------------------------------------------------
 * Recording fires
 * ------------------------------------------------------------------- */

typedef struct {
	uint32_t id;
	int64_t  scheduled_for;
} Fire;

typedef struct Rec Rec;
struct Rec {
	GMutex  m;
	GCond   c;          /* signalled on every fire */
	GArray *fires;      /* of Fire */
	/* Optional: called inside the callback, after recording. */
	void  (*hook) (Rec *r, uint32_t id, int64_t scheduled_for);
	OxScheduler *s;
	int     busy[8];    /* per id: callbacks running now */
	int     overlap;    /* times an id fired while already firing */
	void   *data;
};

static void
rec_fire (void *user, uint32_t id, int64_t scheduled_for)
{
	Rec *r = user;
	g_mutex_lock (&r->m);
	if (id < G_N_ELEMENTS (r->busy) && r->busy[id]++ > 0)
		r->overlap++;
	Fire f = { id, scheduled_for };
	g_array_append_val (r->fires, f);
	g_cond_broadcast (&r->c);
	g_mutex_unlock (&r->m);
	if (r->hook)
		r->hook (r, id, scheduled_for);
	g_mutex_lock (&r->m);
	if (id < G_N_ELEMENTS (r->busy))
		r->busy[id]--;
	g_mutex_unlock (&r->m);
}

static void
rec_init (Rec *r)
{
	memset (r, 0, sizeof *r);
	g_mutex_init (&r->m);
	g_cond_init (&r->c);
	r->fires = g_array_new (FALSE, FALSE, sizeof (Fire));
}

static void
rec_clear (Rec *r)
{
	g_array_unref (r->fires);
	g_cond_clear (&r->c);
	g_mutex_clear (&r->m);
}

static guint
rec_count (Rec *r)
{
	g_mutex_lock (&r->m);
	guint n = r->fires->len;
	g_mutex_unlock (&r->m);
	return n;
}

static Fire
rec_get (Rec *r, guint i)
{
	g_mutex_lock (&r->m);
	g_assert_cmpuint (i, <, r->fires->len);
	Fire f = g_array_index (r->fires, Fire, i);
	g_mutex_unlock (&r->m);
	return f;
}

/* Wait (on the GCond) until at least n fires were recorded. */
static void
rec_wait (Rec *r, guint n)
{
	int64_t guard = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;
	g_mutex_lock (&r->m);
	while (r->fires->len < n)
		if (!g_cond_wait_until (&r->c, &r->m, guard))
			g_error ("waited for fire %u, have %u", n, r->fires->len);
	g_mutex_unlock (&r->m);
}

#define assert_fire(r, i, want_id, want_at) \
	do { \
		Fire f_ = rec_get ((r), (i)); \
		g_assert_cmpuint (f_.id, ==, (want_id)); \
		g_assert_cmpint (f_.scheduled_for, ==, (want_at)); \
	} while (0)

static OxCron
cron (const char *text)
{
	OxCron c;
	g_autofree char *err = NULL;
	if (!ox_cron_parse (text, &c, &err))
		g_error ("%s", err);
	return c;
}

/* A scheduler on fc, recording into r, with entry `id` for expr (UTC)
 * added at fc's time. */
typedef struct {
	FakeClock    fc;
	Rec          r;
	OxScheduler *s;
} Fixture;

static void
fixture_init (Fixture *fx, int64_t now)
{
	fake_init (&fx->fc, now);
	rec_init (&fx->r);
	OxSchedClock clock = fake_clock (&fx->fc);
	fx->s = ox_scheduler_new (&clock, rec_fire, &fx->r);
	fx->r.s = fx->s;
}

static void
fixture_clear (Fixture *fx)
{
	ox_scheduler_free (fx->s);
	g_assert_cmpint (fx->r.overlap, ==, 0);
	rec_clear (&fx->r);
	fake_clear (&fx->fc);
}

static void
add (Fixture *fx, uint32_t id, const char *expr, bool enabled)
{
	OxCron c = cron (expr);
	g_assert_cmpint (ox_scheduler_add (fx->s, id, &c, NULL, enabled, OX_SCHED_FROM_NOW), ==, OX_SCHED_OK);
}

static int64_t
next_due (Fixture *fx, uint32_t id)
{
	OxSchedEntryInfo info;
	g_assert_true (ox_scheduler_get (fx->s, id, &info));
	return info.next_due;
}

/* ---------------------------------------------------------------------
 * Deterministic tests: ox_scheduler_run_due with chosen times
 * ------------------------------------------------------------------- */

static void
test_fires_once_per_instant (void)
{
	Fixture fx;
	fixture_init (&fx, at (0, 0));
	add (&fx, 1, "*/5 * * * *", true);
	g_assert_cmpint (next_due (&fx, 1), ==, at (0, 5));  /* strictly after now */

	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (0, 5) - 1), ==, 0);
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (0, 5)), ==, 1);
	assert_fire (&fx.r, 0, 1, at (0, 5));
	/* the same time again, and later times before the next instant */
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (0, 5)), ==, 0);
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (0, 7)), ==, 0);
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (0, 10) + 30 * G_TIME_SPAN_SECOND), ==, 1);
	assert_fire (&fx.r, 1, 1, at (0, 10));
	g_assert_cmpint (next_due (&fx, 1), ==, at (0, 15));
	g_assert_cmpint (ox_scheduler_next_due (fx.s), ==, at (0, 15));
	g_assert_cmpuint (rec_count (&fx.r), ==, 2);
	fixture_clear (&fx);
}

static void
test_catch_up_once (void)
{
	Fixture fx;
	fixture_init (&fx, at (0, 0));
	add (&fx, 1, "*/5 * * * *", true);
	add (&fx, 2, "* * * * *", true);
	add (&fx, 3, "0 0 1 1 *", true);
	/* Asleep for two hours and three minutes: 24 instants of entry 1 and
	 * 123 of entry 2 were missed; each fires once, for its latest. */
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (2, 3)), ==, 2);
	/* oldest instant first */
	assert_fire (&fx.r, 0, 1, at (2, 0));
	assert_fire (&fx.r, 1, 2, at (2, 3));
	g_assert_cmpint (next_due (&fx, 1), ==, at (2, 5));
	g_assert_cmpint (next_due (&fx, 2), ==, at (2, 4));
	/* Asleep for three years: the yearly entry fires once, for 2027. */
	int64_t y2027 = (int64_t) ox_date_from_ymd (2027, 1, 1) * OX_USECS_PER_DAY;
	int64_t later = (int64_t) ox_date_from_ymd (2027, 3, 15) * OX_USECS_PER_DAY;
	g_assert_cmpint (ox_scheduler_run_due (fx.s, later), ==, 3);
	assert_fire (&fx.r, 2, 3, y2027);
	assert_fire (&fx.r, 3, 1, later);
	assert_fire (&fx.r, 4, 2, later);
	g_assert_cmpint (next_due (&fx, 3), ==, (int64_t) ox_date_from_ymd (2028, 1, 1) * OX_USECS_PER_DAY);
	fixture_clear (&fx);
}

static void
test_clock_backwards (void)
{
	Fixture fx;
	fixture_init (&fx, at (0, 0));
	add (&fx, 1, "*/5 * * * *", true);
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (0, 5)), ==, 1);
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (0, 10)), ==, 1);
	/* back before both instants, and through them again */
	for (int m = 0; m <= 12; m++)
		g_assert_cmpint (ox_scheduler_run_due (fx.s, at (0, m)), ==, 0);

	/* Changes that recompute the next instant from "now" must not
	 * reach back either: re-enable and update with the clock at 00:03. */
	fake_set (&fx.fc, at (0, 3));
	g_assert_cmpint (ox_scheduler_set_enabled (fx.s, 1, false), ==, OX_SCHED_OK);
	g_assert_cmpint (ox_scheduler_set_enabled (fx.s, 1, true), ==, OX_SCHED_OK);
	g_assert_cmpint (next_due (&fx, 1), ==, at (0, 15));
	OxCron every_minute = cron ("* * * * *");
	g_assert_cmpint (ox_scheduler_update (fx.s, 1, &every_minute, NULL), ==, OX_SCHED_OK);
	g_assert_cmpint (next_due (&fx, 1), ==, at (0, 11));
	for (int m = 0; m <= 10; m++)
		g_assert_cmpint (ox_scheduler_run_due (fx.s, at (0, m)), ==, 0);
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (0, 11)), ==, 1);
	assert_fire (&fx.r, 2, 1, at (0, 11));
	g_assert_cmpuint (rec_count (&fx.r), ==, 3);
	fixture_clear (&fx);
}

static void
test_disabled_never_fires (void)
{
	Fixture fx;
	fixture_init (&fx, at (0, 0));
	add (&fx, 1, "* * * * *", false);
	add (&fx, 2, "* * * * *", true);
	g_assert_cmpint (next_due (&fx, 1), ==, OX_CRON_NEVER);
	for (int m = 1; m <= 90; m++)
		ox_scheduler_run_due (fx.s, at (0, m));
	/* Entry 2 is disabled with instants to come: the step at 02:00,
	 * when 30 of them have passed, fires nothing. */
	fake_set (&fx.fc, at (1, 30) + 1);
	g_assert_cmpint (ox_scheduler_set_enabled (fx.s, 2, false), ==, OX_SCHED_OK);
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (2, 0)), ==, 0);
	g_assert_cmpint (ox_scheduler_next_due (fx.s), ==, OX_CRON_NEVER);
	for (guint i = 0; i < rec_count (&fx.r); i++)
		g_assert_cmpuint (rec_get (&fx.r, i).id, ==, 2);
	g_assert_cmpuint (rec_count (&fx.r), ==, 90);
	/* disabling twice is harmless */
	g_assert_cmpint (ox_scheduler_set_enabled (fx.s, 2, false), ==, OX_SCHED_OK);
	fixture_clear (&fx);
}

static void
test_reenable_skips_backlog (void)
{
	Fixture fx;
	fixture_init (&fx, at (0, 0));
	add (&fx, 1, "* * * * *", true);
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (0, 1)), ==, 1);
	fake_set (&fx.fc, at (0, 1) + 30 * G_TIME_SPAN_SECOND);
	ox_scheduler_set_enabled (fx.s, 1, false);
	/* five hours of instants pass while disabled */
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (5, 0)), ==, 0);
	fake_set (&fx.fc, at (5, 0));
	ox_scheduler_set_enabled (fx.s, 1, true);
	g_assert_cmpint (next_due (&fx, 1), ==, at (5, 1));
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (5, 0) + 59 * G_TIME_SPAN_SECOND), ==, 0);
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (5, 1)), ==, 1);
	assert_fire (&fx.r, 1, 1, at (5, 1));
	/* enabling an enabled entry keeps an instant that is due */
	g_assert_cmpint (ox_scheduler_set_enabled (fx.s, 1, true), ==, OX_SCHED_OK);
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (5, 2)), ==, 1);
	g_assert_cmpuint (rec_count (&fx.r), ==, 3);
	fixture_clear (&fx);
}

static void
test_remove (void)
{
	Fixture fx;
	fixture_init (&fx, at (0, 0));
	add (&fx, 1, "* * * * *", true);
	add (&fx, 2, "* * * * *", true);
	/* due, and removed before the step */
	g_assert_cmpint (ox_scheduler_remove (fx.s, 1), ==, OX_SCHED_OK);
	g_assert_cmpint (ox_scheduler_remove (fx.s, 1), ==, OX_SCHED_NOT_FOUND);
	g_assert_false (ox_scheduler_get (fx.s, 1, &(OxSchedEntryInfo) { 0 }));
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (0, 1)), ==, 1);
	assert_fire (&fx.r, 0, 2, at (0, 1));
	/* the id can be used again, from now */
	fake_set (&fx.fc, at (0, 1));
	add (&fx, 1, "*/2 * * * *", true);
	g_assert_cmpint (next_due (&fx, 1), ==, at (0, 2));
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (0, 2)), ==, 2);
	g_assert_cmpuint (rec_count (&fx.r), ==, 3);
	fixture_clear (&fx);
}

/* In a batch, the first callback removes or disables the others. */
static void
hook_remove_others (Rec *r, uint32_t id, int64_t scheduled_for)
{
	if (id != 1)
		return;
	g_assert_cmpint (ox_scheduler_remove (r->s, 2), ==, OX_SCHED_OK);
	g_assert_cmpint (ox_scheduler_set_enabled (r->s, 3, false), ==, OX_SCHED_OK);
}

static void
test_remove_during_batch (void)
{
	Fixture fx;
	fixture_init (&fx, at (0, 0));
	add (&fx, 1, "*/2 * * * *", true);   /* due at 00:02, fires first */
	add (&fx, 2, "*/3 * * * *", true);   /* due at 00:03 */
	add (&fx, 3, "*/3 * * * *", true);
	add (&fx, 4, "*/3 * * * *", true);
	fx.r.hook = hook_remove_others;
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (0, 3)), ==, 2);
	assert_fire (&fx.r, 0, 1, at (0, 2));
	assert_fire (&fx.r, 1, 4, at (0, 3));
	g_assert_cmpuint (rec_count (&fx.r), ==, 2);
	fixture_clear (&fx);
}

/* While entry 1 fires, the time moves on and a nested step runs (as a
 * second thread's step would): entry 1 is not claimed again until its
 * callback returns, and then fires once for the latest instant. */
static void
hook_nested_step (Rec *r, uint32_t id, int64_t scheduled_for)
{
	int *depth = r->data;
	if (id != 1 || (*depth)++ > 0)
		return;
	g_assert_cmpint (ox_scheduler_run_due (r->s, at (0, 4)), ==, 1);  /* entry 2 only */
	OxSchedEntryInfo info;
	g_assert_true (ox_scheduler_get (r->s, 1, &info));
	g_assert_true (info.firing);
	g_assert_cmpint (ox_scheduler_next_due (r->s), >, at (0, 4));  /* 1 is not counted while firing */
}

static void
test_no_concurrent_self (void)
{
	Fixture fx;
	fixture_init (&fx, at (0, 0));
	int depth = 0;
	fx.r.data = &depth;
	add (&fx, 1, "* * * * *", true);
	add (&fx, 2, "*/4 * * * *", true);
	fx.r.hook = hook_nested_step;
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (0, 1)), ==, 1);
	assert_fire (&fx.r, 0, 1, at (0, 1));
	assert_fire (&fx.r, 1, 2, at (0, 4));
	/* next_due of 1 was set to 00:02 at its claim; now it is claimable */
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (0, 4)), ==, 1);
	assert_fire (&fx.r, 2, 1, at (0, 4));
	g_assert_cmpuint (rec_count (&fx.r), ==, 3);
	fixture_clear (&fx);  /* asserts no overlap was seen */
}

static void
test_resume_after (void)
{
	Fixture fx;
	fixture_init (&fx, at (1, 0));
	OxCron c = cron ("*/5 * * * *");
	/* The last recorded run was for 00:20; reopened at 01:00: the
	 * missed instants 00:25..01:00 fire once, for 01:00. */
	g_assert_cmpint (ox_scheduler_add (fx.s, 1, &c, NULL, true, at (0, 20)), ==, OX_SCHED_OK);
	g_assert_cmpint (next_due (&fx, 1), ==, at (0, 25));
	/* The last recorded run was for 01:00 (nothing missed). */
	g_assert_cmpint (ox_scheduler_add (fx.s, 2, &c, NULL, true, at (1, 0)), ==, OX_SCHED_OK);
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (1, 0)), ==, 1);
	assert_fire (&fx.r, 0, 1, at (1, 0));
	g_assert_cmpint (ox_scheduler_run_due (fx.s, at (1, 5)), ==, 2);
	g_assert_cmpuint (rec_count (&fx.r), ==, 3);
	OxSchedEntryInfo info;
	g_assert_true (ox_scheduler_get (fx.s, 2, &info));
	g_assert_cmpint (info.last_fired, ==, at (1, 5));
	g_assert_true (info.enabled);
	g_assert_false (info.firing);
	g_assert_true (ox_cron_equal (&info.cron, &c));
	fixture_clear (&fx);
}

static void
test_zone_and_status (void)
{
	Fixture fx;
	/* 2024-03-30 23:00 UTC: midnight in Berlin, on the day it skips
	 * 02:00-03:00. */
	fixture_init (&fx, at (0, 0) + (int64_t) 89 * OX_USECS_PER_DAY + 23 * HOUR);
	OxCron c = cron ("30 2 * * *");
	g_assert_cmpint (ox_scheduler_add (fx.s, 1, &c, "Europe/Berlin", true, OX_SCHED_FROM_NOW), ==, OX_SCHED_OK);
	/* in the gap: 03:00 CEST = 01:00 UTC */
	g_assert_cmpint (next_due (&fx, 1), ==, at (0, 0) + (int64_t) 90 * OX_USECS_PER_DAY + 1 * HOUR);
	g_assert_cmpint (ox_scheduler_add (fx.s, 1, &c, NULL, true, OX_SCHED_FROM_NOW), ==, OX_SCHED_EXISTS);
	g_assert_cmpint (ox_scheduler_add (fx.s, 2, &c, "Mars/Olympus_Mons", true, OX_SCHED_FROM_NOW), ==,
	                 OX_SCHED_UNKNOWN_ZONE);
	g_assert_false (ox_scheduler_get (fx.s, 2, &(OxSchedEntryInfo) { 0 }));
	g_assert_cmpint (ox_scheduler_update (fx.s, 1, &c, "Mars/Olympus_Mons"), ==, OX_SCHED_UNKNOWN_ZONE);
	g_assert_cmpint (ox_scheduler_update (fx.s, 9, &c, NULL), ==, OX_SCHED_NOT_FOUND);
	g_assert_cmpint (ox_scheduler_set_enabled (fx.s, 9, true), ==, OX_SCHED_NOT_FOUND);
	/* ALTER ... TIMEZONE 'UTC': 02:30 UTC the same day */
	g_assert_cmpint (ox_scheduler_update (fx.s, 1, &c, "UTC"), ==, OX_SCHED_OK);
	g_assert_cmpint (next_due (&fx, 1), ==, at (0, 0) + (int64_t) 90 * OX_USECS_PER_DAY + 2 * HOUR + 30 * MINUTE);
	/* an impossible expression is never due */
	OxCron never = cron ("0 0 30 2 *");
	g_assert_cmpint (ox_scheduler_update (fx.s, 1, &never, NULL), ==, OX_SCHED_OK);
	g_assert_cmpint (next_due (&fx, 1), ==, OX_CRON_NEVER);
	g_assert_cmpint (ox_scheduler_run_due (fx.s, OX_CRON_NEVER - 1), ==, 0);
	/* the largest `now` with an entry due: one fire, for the last
	 * instant there is: ox_cron_next answers nothing after 10000-01-01) */
	OxCron yearly = cron ("0 0 1 1 *");
	g_assert_cmpint (ox_scheduler_update (fx.s, 1, &yearly, NULL), ==, OX_SCHED_OK);
	g_assert_cmpint (ox_scheduler_run_due (fx.s, OX_CRON_NEVER), ==, 1);
	assert_fire (&fx.r, 0, 1, (int64_t) ox_date_from_ymd (10000, 1, 1) * OX_USECS_PER_DAY);
	fixture_clear (&fx);
}

/* ---------------------------------------------------------------------
 * The runner thread, on the fake clock
 * ------------------------------------------------------------------- */

static void
test_thread (void)
{
	Fixture fx;
	fixture_init (&fx, at (0, 0));
	fx.fc.s = fx.s;
	add (&fx, 1, "* * * * *", true);
	add (&fx, 2, "0 * * * *", true);
	g_assert_true (ox_scheduler_start (fx.s));
	g_assert_false (ox_scheduler_start (fx.s));  /* already running */

	/* asleep until the first instant, having fired nothing */
	g_assert_cmpint (fake_wait_idle (&fx.fc), ==, at (0, 1));
	g_assert_cmpuint (rec_count (&fx.r), ==, 0);

	fake_set (&fx.fc, at (0, 1));
	rec_wait (&fx.r, 1);
	assert_fire (&fx.r, 0, 1, at (0, 1));
	g_assert_cmpint (fake_wait_idle (&fx.fc), ==, at (0, 2));
	g_assert_cmpuint (rec_count (&fx.r), ==, 1);

	/* a jump over many instants: each entry once */
	fake_set (&fx.fc, at (1, 0) + 30 * G_TIME_SPAN_SECOND);
	rec_wait (&fx.r, 3);
	assert_fire (&fx.r, 1, 1, at (1, 0));
	assert_fire (&fx.r, 2, 2, at (1, 0));
	g_assert_cmpint (fake_wait_idle (&fx.fc), ==, at (1, 1));
	g_assert_cmpuint (rec_count (&fx.r), ==, 3);

	/* disabled: the runner re-plans, and nothing fires for 10 minutes */
	ox_scheduler_set_enabled (fx.s, 1, false);
	fake_set (&fx.fc, at (1, 10));
	g_assert_cmpint (fake_wait_idle (&fx.fc), ==, at (2, 0));
	g_assert_cmpuint (rec_count (&fx.r), ==, 3);

	/* the clock goes back an hour: nothing refires */
	ox_scheduler_set_enabled (fx.s, 1, true);
	fake_set (&fx.fc, at (0, 0));
	g_assert_cmpint (fake_wait_idle (&fx.fc), ==, at (1, 11));
	fake_set (&fx.fc, at (1, 0));
	g_assert_cmpint (fake_wait_idle (&fx.fc), ==, at (1, 11));
	g_assert_cmpuint (rec_count (&fx.r), ==, 3);

	/* an entry added while the runner sleeps re-plans its sleep */
	OxCron c = cron ("30 1 * * *");
	g_assert_cmpint (ox_scheduler_add (fx.s, 3, &c, NULL, true, OX_SCHED_FROM_NOW), ==, OX_SCHED_OK);
	fake_set (&fx.fc, at (1, 0));
	g_assert_cmpint (fake_wait_idle (&fx.fc), ==, at (1, 11));
	ox_scheduler_remove (fx.s, 1);
	fake_set (&fx.fc, at (1, 0));
	g_assert_cmpint (fake_wait_idle (&fx.fc), ==, at (1, 30));
	fake_set (&fx.fc, at (1, 30));
	rec_wait (&fx.r, 4);
	assert_fire (&fx.r, 3, 3, at (1, 30));
	g_assert_cmpint (fake_wait_idle (&fx.fc), ==, at (2, 0));
	g_assert_cmpuint (rec_count (&fx.r), ==, 4);

	/* stop wakes the sleeping runner and joins it; a second stop is a
	 * no-op, and it can be started again */
	ox_scheduler_stop (fx.s);
	ox_scheduler_stop (fx.s);
	g_assert_true (ox_scheduler_start (fx.s));
	fake_set (&fx.fc, at (2, 0));
	rec_wait (&fx.r, 5);
	assert_fire (&fx.r, 4, 2, at (2, 0));
	fixture_clear (&fx);  /* frees while running: stops first */
}

/* A slow fire (blocked until the test lets it go) does not stop other
 * threads from changing entries, and its entry is not fired again
 * meanwhile even as more of its instants come due. */
typedef struct {
	GMutex m;
	GCond  c;
	bool   release;  /* once set, entry 1's callbacks return at once */
} Gate;

static void
hook_block (Rec *r, uint32_t id, int64_t scheduled_for)
{
	Gate *g = r->data;
	if (id != 1)
		return;
	g_mutex_lock (&g->m);
	while (!g->release)
		g_cond_wait (&g->c, &g->m);
	g_mutex_unlock (&g->m);
}

static void
test_thread_slow_fire (void)
{
	Fixture fx;
	fixture_init (&fx, at (0, 0));
	fx.fc.s = fx.s;
	Gate g = { 0 };
	g_mutex_init (&g.m);
	g_cond_init (&g.c);
	fx.r.data = &g;
	fx.r.hook = hook_block;
	add (&fx, 1, "* * * * *", true);
	g_assert_true (ox_scheduler_start (fx.s));

	fake_set (&fx.fc, at (0, 1));
	rec_wait (&fx.r, 1);
	/* the runner is inside the callback: the API still answers */
	add (&fx, 2, "* * * * *", true);
	OxSchedEntryInfo info;
	g_assert_true (ox_scheduler_get (fx.s, 1, &info));
	g_assert_true (info.firing);
	g_assert_cmpint (info.next_due, ==, at (0, 2));
	fake_set (&fx.fc, at (0, 5));
	g_assert_cmpuint (rec_count (&fx.r), ==, 1);

	/* let it go: entry 1 catches up once (00:05), entry 2 fires once */
	g_mutex_lock (&g.m);
	g.release = true;
	g_cond_broadcast (&g.c);
	g_mutex_unlock (&g.m);
	rec_wait (&fx.r, 3);
	g_assert_cmpint (fake_wait_idle (&fx.fc), ==, at (0, 6));
	g_assert_cmpuint (rec_count (&fx.r), ==, 3);
	assert_fire (&fx.r, 1, 1, at (0, 5));
	assert_fire (&fx.r, 2, 2, at (0, 5));
	fixture_clear (&fx);
	g_cond_clear (&g.c);
	g_mutex_clear (&g.m);
}

static void
count_fire (void *user, uint32_t id, int64_t scheduled_for)
{
	(*(int *) user)++;
}

/* The real clock: start and stop return promptly (stop wakes the 10 s
 * sleep), and nothing fires for an entry an hour away. */
static void
test_real_clock (void)
{
	int fired = 0;
	OxScheduler *s = ox_scheduler_new (NULL, count_fire, &fired);
	OxCron c = cron ("0 0 1 1 *");
	g_assert_cmpint (ox_scheduler_add (s, 1, &c, NULL, true, OX_SCHED_FROM_NOW), ==, OX_SCHED_OK);
	int64_t now = ox_sched_real_clock ()->now (NULL);
	g_assert_cmpint (ox_scheduler_next_due (s), >, now);
	g_assert_true (ox_scheduler_start (s));
	ox_scheduler_stop (s);
	ox_scheduler_free (s);
	g_assert_cmpint (fired, ==, 0);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/engine/sched/fires-once-per-instant", test_fires_once_per_instant);
	g_test_add_func ("/engine/sched/catch-up-once", test_catch_up_once);
	g_test_add_func ("/engine/sched/clock-backwards", test_clock_backwards);
	g_test_add_func ("/engine/sched/disabled-never-fires", test_disabled_never_fires);
	g_test_add_func ("/engine/sched/reenable-skips-backlog", test_reenable_skips_backlog);
	g_test_add_func ("/engine/sched/remove", test_remove);
	g_test_add_func ("/engine/sched/remove-during-batch", test_remove_during_batch);
	g_test_add_func ("/engine/sched/no-concurrent-self", test_no_concurrent_self);
	g_test_add_func ("/engine/sched/resume-after", test_resume_after);
	g_test_add_func ("/engine/sched/zone-and-status", test_zone_and_status);
	g_test_add_func ("/engine/sched/thread", test_thread);
	g_test_add_func ("/engine/sched/thread/slow-fire", test_thread_slow_fire);
	g_test_add_func ("/engine/sched/real-clock", test_real_clock);
	return g_test_run ();
}

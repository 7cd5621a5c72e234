/*
 * exec-timing.c — EXPLAIN ANALYZE's clocks: how long each operator of a
 * plan took to produce its first row and all its rows, per loop.
 *
 * Attaching a plan replaces each operator's open(), rescan() and next()
 * with trampolines that read a monotonic clock around the real call and
 * add the time to the operator's current loop.  Times are inclusive, as
 * in PostgreSQL: a join's time contains its inputs' time, because its
 * next() calls theirs.  A loop is what op->loops counts (every open() or
 * rescan() starts one); its startup time is the time from the start of
 * the loop until its first next() returned (row or end), its total the
 * time of every call in it.  EXPLAIN shows both averaged over the loops,
 * in milliseconds, as PostgreSQL's InstrStartNode/InstrStopNode/
 * InstrEndLoop do.
 *
 * NOTE: only EXPLAIN (ANALYZE, TIMING ON) attaches; a plan that runs
 * without it never goes through here and reads no clock.  EXPLAIN plans
 * are never cached, so a timed plan is never run again untimed.
 * NOTE: what can go wrong: an error raised below a trampoline unwinds
 * through it without stopping the clock; the statement fails then and
 * its times are never shown.  The query debugger (exec-debug.c) replaces
 * next() too; it attaches to cached plans of plain queries only, never to
 * an EXPLAIN's, so the two never stack.
 */
#include "exec/exec.h"

#include <time.h>

struct OxOpTiming {
	void     (*inner_open) (OxOp *op, OxExec *x);
	void     (*inner_rescan) (OxOp *op, OxExec *x);
	OxValue *(*inner_next) (OxOp *op, OxExec *x);
	bool       active;      /* a loop is under way */
	uint64_t   seen_loops;  /* op->loops when the current loop began */
	int64_t    loop_ns;     /* time in the current loop so far */
	int64_t    first_ns;    /* loop_ns when its first next() returned; -1 before */
	int64_t    startup_ns;  /* sums over the finished loops */
	int64_t    total_ns;
	uint64_t   nloops;      /* finished loops */
};

/* Clock reads so far, for test-explain.c only (it checks that a plan run
 * without TIMING reads none); relaxed: a count, not a synchronisation. */
uint64_t ox_explain_clock_reads;

static inline int64_t
now_ns (void)
{
	__atomic_fetch_add (&ox_explain_clock_reads, 1, __ATOMIC_RELAXED);
	struct timespec ts;
	clock_gettime (CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
end_loop (OxOpTiming *t)
{
	if (!t->active)
		return;
	t->active = false;
	t->startup_ns += t->first_ns >= 0 ? t->first_ns : t->loop_ns;
	t->total_ns += t->loop_ns;
	t->nloops++;
	t->loop_ns = 0;
	t->first_ns = -1;
}

/* A call took dt: a new loop if the operator counted one meanwhile. */
static inline void
account (OxOp *op, int64_t dt)
{
	OxOpTiming *t = op->timing;
	if (!t->active || op->loops != t->seen_loops) {
		end_loop (t);
		t->active = true;
		t->seen_loops = op->loops;
	}
	t->loop_ns += dt;
}

static void
timed_open (OxOp *op, OxExec *x)
{
	int64_t t0 = now_ns ();
	op->timing->inner_open (op, x);
	account (op, now_ns () - t0);
}

static void
timed_rescan (OxOp *op, OxExec *x)
{
	int64_t t0 = now_ns ();
	op->timing->inner_rescan (op, x);
	account (op, now_ns () - t0);
}

static OxValue *
timed_next (OxOp *op, OxExec *x)
{
	int64_t t0 = now_ns ();
	OxValue *r = op->timing->inner_next (op, x);
	account (op, now_ns () - t0);
	if (op->timing->first_ns < 0)
		op->timing->first_ns = op->timing->loop_ns;
	return r;
}

static void
attach (OxOp *op, OxArena *a)
{
	if (!op || op->timing)
		return;
	OxOpTiming *t = OX_NEW (a, OxOpTiming);
	t->inner_open = op->open;
	t->inner_rescan = op->rescan;
	t->inner_next = op->next;
	t->first_ns = -1;
	op->timing = t;
	op->open = timed_open;
	if (op->rescan)
		op->rescan = timed_rescan;
	op->next = timed_next;
	OxSubPlan *sq = ox_op_subquery_plan (op);
	if (sq)
		attach (sq->plan, a);
	else {
		attach (op->left, a);
		attach (op->right, a);
	}
	g_autoptr (GPtrArray) subs = g_ptr_array_new ();
	ox_op_subplans (op, subs);
	for (guint i = 0; i < subs->len; i++)
		attach (((OxSubPlan *) subs->pdata[i])->plan, a);
}

void
ox_explain_timing_attach (OxOp *plan, OxArena *a)
{
	attach (plan, a);
}

bool
ox_explain_timing_get (OxOp *op, double *startup_ms, double *total_ms)
{
	OxOpTiming *t = op->timing;
	if (!t)
		return false;
	end_loop (t);  /* a second read adds nothing: the loop has ended */
	uint64_t n = t->nloops ? t->nloops : 1;
	*startup_ms = t->startup_ns / 1e6 / (double) n;
	*total_ms = t->total_ns / 1e6 / (double) n;
	return true;
}

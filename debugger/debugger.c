/*
 * debugger.c — the hooks an OxDebugger installs on its session, the
 * decision to stop, the stopped state, and the commands other threads send.
 *
 * The stop/resume protocol.  A hook (session thread) that decides to stop
 * calls stop_and_wait: under the lock it records the stop (stopped, a new
 * stop_id, the frame) and clears every pending stop request (step, pause,
 * entry); it calls the "stopped" callback without the lock; then, under
 * the lock again, it loops: run every queued closure (each one without the
 * lock), then leave if a resume command or a terminate arrived, or if
 * max_pause passed; else wait on the GCond.  A command only sets a field
 * under the lock and broadcasts; the hook applies it (a step records its
 * mode and the stop frame's depth), clears "stopped" and returns into the
 * engine.  Because the hook drains the queue before it looks at commands
 * and nobody can queue once "stopped" is cleared, a closure that was
 * queued always runs.
 *
 * Stepping is by call depth (ox_frame_depth), decided at each step event:
 * next stops at depth <= the stop's, step in at any depth, step out at
 * depth < the stop's.  A breakpoint hit while stepping wins and ends the
 * step.
 *
 * NOTE: hooks hold the lock only to read or update the tables; conditions,
 * logpoints and callbacks run without it, so a callback may call any
 * command.  Between the two, another thread may replace the breakpoints:
 * hits are then counted on the breakpoint found again by id, or not at all.
 * NOTE: cancellation.  terminate and an expired max_pause call
 * ox_session_cancel and then re-arm it at every hook event of the
 * statement (see debugger.h on why one call is not enough).
 */
#define G_LOG_DOMAIN "oxibase-debugger"

#include "debugger-private.h"

#include <string.h>

/* ---- the stop --------------------------------------------------------------------------- */

static void
run_work (OxDebugger *dbg, OxFrame *frame)
{
	Work *w;
	while ((w = g_queue_pop_head (&dbg->work))) {
		gboolean sync = w->sync;
		g_mutex_unlock (&dbg->lock);
		w->fn (dbg, frame, w->data);
		if (!sync) {
			if (w->destroy)
				w->destroy (w->data);
			g_free (w);
		}
		g_mutex_lock (&dbg->lock);
		if (sync) {
			w->done = TRUE;  /* w lives on the waiter's stack: gone once we unlock */
			g_cond_broadcast (&dbg->cond);
		}
	}
}

/* The session's debug.max_pause in milliseconds (a number is
 * milliseconds, or with a unit: ms, s, min, h, d; 0 means for ever), or
 * -1 when it is not set or does not parse.  Session thread. */
static gint64
session_max_pause (OxSession *s)
{
	char *v = ox_session_setting (s, "debug.max_pause");
	if (!v)
		return -1;
	char *end = NULL;
	double n = g_ascii_strtod (v, &end);
	gint64 r = -1;
	if (end != v && n >= 0) {
		while (*end == ' ')
			end++;
		double unit = !*end || !strcmp (end, "ms") ? 1
		              : !strcmp (end, "s")         ? 1000
		              : !strcmp (end, "min")       ? 60000
		              : !strcmp (end, "h")         ? 3600000
		              : !strcmp (end, "d")         ? 86400000
		                                           : -1;
		if (unit > 0)
			r = (gint64) (n * unit);
	}
	ox_free (v);
	return r;
}

/*
 * Stop in frame and block until a command, a terminate or max_pause ends
 * the stop.  Does nothing when terminated (or aborting).  On a step
 * command, the next step event decides; on max_pause expiry the statement
 * is cancelled and no stop happens until its outermost frame leaves.
 */
static void
stop_and_wait (OxDebugger *dbg, OxFrame *frame, OxStopReason reason, const int *hit_ids, guint n_hit_ids,
               const char *description)
{
	int depth = ox_frame_depth (frame);

	g_mutex_lock (&dbg->lock);
	if (dbg->terminated || dbg->aborting) {
		g_mutex_unlock (&dbg->lock);
		return;
	}
	g_assert (!dbg->stopped);
	dbg->stopped = TRUE;
	guint64 stop_id = ++dbg->stop_id;
	dbg->stop_frame = frame;
	dbg->stop_thread = g_thread_self ();
	dbg->resume = 0;
	dbg->step = STEP_NONE;
	dbg->pause_requested = FALSE;
	dbg->stop_on_entry = FALSE;
	gint64 max_pause_ms = dbg->max_pause_ms;
	g_mutex_unlock (&dbg->lock);
	/* SET debug.max_pause in the session overrides the debugger's own */
	gint64 from_setting = session_max_pause (dbg->session);
	if (from_setting >= 0)
		max_pause_ms = from_setting;

	if (dbg->cb.stopped) {
		OxDebuggerStop stop = {
			.stop_id = stop_id,
			.reason = reason,
			.frame = frame,
			.hit_ids = hit_ids,
			.n_hit_ids = n_hit_ids,
			.description = description,
			.uncaught = reason == OX_STOP_EXCEPTION && dbg->stop_uncaught,
		};
		dbg->cb.stopped (dbg, &stop, dbg->user);
	}

	/* the deadline counts from the stop, callback included */
	gint64 deadline = max_pause_ms > 0 ? g_get_monotonic_time () + max_pause_ms * G_TIME_SPAN_MILLISECOND : 0;
	gboolean expired = FALSE;
	g_mutex_lock (&dbg->lock);
	for (;;) {
		run_work (dbg, frame);
		if (dbg->resume || dbg->terminated)
			break;
		if (deadline && g_get_monotonic_time () >= deadline) {
			expired = TRUE;
			break;
		}
		if (deadline)
			g_cond_wait_until (&dbg->cond, &dbg->lock, deadline);
		else
			g_cond_wait (&dbg->cond, &dbg->lock);
	}
	gboolean terminated = dbg->terminated;
	if (expired) {
		dbg->aborting = TRUE;
	} else if (!terminated) {
		switch (dbg->resume) {
		case OX_RESUME_NEXT: dbg->step = STEP_NEXT; break;
		case OX_RESUME_STEP_IN: dbg->step = STEP_IN; break;
		case OX_RESUME_STEP_OUT: dbg->step = STEP_OUT; break;
		default: dbg->step = STEP_NONE; break;
		}
		dbg->step_depth = depth;
	}
	g_assert (g_queue_is_empty (&dbg->work));
	dbg->stopped = FALSE;
	dbg->stop_frame = NULL;
	dbg->stop_thread = NULL;
	dbg->resume = 0;
	g_cond_broadcast (&dbg->cond);
	g_mutex_unlock (&dbg->lock);
	/* stepping (or not) changes which frames need steps */
	ox_session_debug_changed (dbg->session);

	if (expired || terminated)
		ox_session_cancel (dbg->session);
	if (expired && dbg->cb.output) {
		g_autofree char *text = g_strdup_printf ("the session was paused longer than %" G_GINT64_FORMAT
		                                         " ms: its statement is cancelled\n", max_pause_ms);
		dbg->cb.output (dbg, OX_OUTPUT_DEBUGGER, "WARNING", text, dbg->user);
	}
	if (dbg->cb.continued)
		dbg->cb.continued (dbg, stop_id, expired, dbg->user);
}

/* ---- breakpoints at a hook -------------------------------------------------------------- */

/* A breakpoint that may hit, copied out of the tables. */
typedef struct {
	int   id;
	char *condition;  /* owned, nullable */
} Candidate;

static void
candidate_clear (gpointer p)
{
	g_free (((Candidate *) p)->condition);
}

static GPtrArray *
source_bps (OxDebugger *dbg, OxFrame *frame)
{
	const char *path = ox_frame_source_path (frame);
	if (path)
		return g_hash_table_lookup (dbg->bps_by_path, path);
	guint32 id = ox_frame_source_id (frame);
	return id ? g_hash_table_lookup (dbg->bps_by_id, GUINT_TO_POINTER (id)) : NULL;
}

static Bp *
find_bp (GPtrArray *bps, int id)
{
	for (guint i = 0; bps && i < bps->len; i++)
		if (((Bp *) bps->pdata[i])->id == id)
			return bps->pdata[i];
	return NULL;
}

/*
 * Evaluate the candidates' conditions (no lock), then count their hits
 * (lock): the ids of those that stop go to hit_ids, the texts of the
 * logpoints that fire are printed.  A condition that fails to evaluate
 * stops (its error in *description): silently skipping would hide the
 * mistake.  function: the candidates are function breakpoints.
 */
static void
resolve_candidates (OxDebugger *dbg, OxFrame *frame, GArray *cands, gboolean function, GArray *hit_ids,
                    char **description)
{
	g_autofree OxConditionResult *results = g_new (OxConditionResult, cands->len);
	for (guint i = 0; i < cands->len; i++) {
		Candidate *c = &g_array_index (cands, Candidate, i);
		results[i] = OX_CONDITION_TRUE;
		if (c->condition && dbg->cb.condition_eval) {
			char *error = NULL;
			results[i] = dbg->cb.condition_eval (dbg, frame, c->condition, &error, dbg->user);
			if (results[i] == OX_CONDITION_ERROR && !*description)
				*description = g_strdup_printf ("breakpoint condition '%s' failed: %s", c->condition,
				                                error ? error : "error");
			g_free (error);
		}
		/* with no condition_eval every condition counts as true */
	}

	g_autoptr (GPtrArray) logs = g_ptr_array_new_with_free_func (g_free);
	g_mutex_lock (&dbg->lock);
	GPtrArray *bps = function ? dbg->fn_bps : source_bps (dbg, frame);
	for (guint i = 0; i < cands->len; i++) {
		Candidate *c = &g_array_index (cands, Candidate, i);
		Bp *bp = find_bp (bps, c->id);
		if (!bp || results[i] == OX_CONDITION_FALSE)
			continue;  /* replaced meanwhile, or its condition is false */
		if (results[i] == OX_CONDITION_ERROR) {
			g_array_append_val (hit_ids, bp->id);
			continue;
		}
		bp->hits++;
		if (!ox_bp_hit_ok (bp))
			continue;
		if (bp->log_message)
			g_ptr_array_add (logs, g_strdup (bp->log_message));
		else
			g_array_append_val (hit_ids, bp->id);
	}
	g_mutex_unlock (&dbg->lock);

	for (guint i = 0; i < logs->len; i++) {
		g_autofree char *text = ox_bp_format_log (dbg, frame, logs->pdata[i]);
		if (dbg->cb.output) {
			g_autofree char *line = g_strconcat (text, "\n", NULL);
			dbg->cb.output (dbg, OX_OUTPUT_LOGPOINT, "LOG", line, dbg->user);
		}
	}
}

static void
add_candidate (GArray *cands, const Bp *bp)
{
	Candidate c = { bp->id, g_strdup (bp->condition) };
	g_array_append_val (cands, c);
}

static GArray *
candidates_new (void)
{
	GArray *a = g_array_new (FALSE, FALSE, sizeof (Candidate));
	g_array_set_clear_func (a, candidate_clear);
	return a;
}

/* ---- hooks (the session's thread) --------------------------------------------------------- */

/* Under the lock: TRUE if the debugger is ending the statement, in which
 * case the caller re-arms the cancel (after unlocking) and stops nowhere. */
static gboolean
ending_locked (OxDebugger *dbg)
{
	return dbg->terminated || dbg->aborting;
}

/*
 * Which frames need their steps: those with line breakpoints in their
 * source, and all of them while a step, a pause or stop-on-entry is
 * pending (or the statement is being ended: every hook re-arms the
 * cancel).  A "next" needs only the frames at or above the stop's depth,
 * a "step out" those above it.  The engine asks again after each
 * ox_session_debug_changed, which every change of these calls.
 */
static bool
wants_steps (void *user, OxFrame *frame)
{
	OxDebugger *dbg = user;
	int depth = ox_frame_depth (frame);
	g_mutex_lock (&dbg->lock);
	GPtrArray *bps = source_bps (dbg, frame);
	bool r = ending_locked (dbg) || dbg->stop_on_entry || dbg->pause_requested || dbg->step == STEP_IN ||
	         (dbg->step == STEP_NEXT && depth <= dbg->step_depth) ||
	         (dbg->step == STEP_OUT && depth < dbg->step_depth) || (bps && bps->len > 0);
	g_mutex_unlock (&dbg->lock);
	return r;
}

/* The engine's interrupt check, asked for by a pause: a long statement
 * with no step points of its own (a big scan) stops where it is. */
static void
on_interrupt (void *user, OxFrame *frame)
{
	OxDebugger *dbg = user;
	g_mutex_lock (&dbg->lock);
	if (ending_locked (dbg)) {
		g_mutex_unlock (&dbg->lock);
		ox_session_cancel (dbg->session);
		return;
	}
	gboolean pause = dbg->pause_requested;
	g_mutex_unlock (&dbg->lock);
	if (pause)
		stop_and_wait (dbg, frame, OX_STOP_PAUSE, NULL, 0, NULL);
}

static void
on_step (void *user, OxFrame *frame)
{
	OxDebugger *dbg = user;
	int depth = ox_frame_depth (frame);
	int line = ox_frame_line (frame);
	dbg->err_depth = -1;

	g_autoptr (GArray) cands = candidates_new ();
	g_mutex_lock (&dbg->lock);
	if (ending_locked (dbg)) {
		g_mutex_unlock (&dbg->lock);
		ox_session_cancel (dbg->session);
		return;
	}
	GPtrArray *bps = source_bps (dbg, frame);
	for (guint i = 0; bps && i < bps->len; i++) {
		Bp *bp = bps->pdata[i];
		if (bp->line == line && !bp->invalid)
			add_candidate (cands, bp);
	}
	OxStopReason reason = 0;
	if (dbg->stop_on_entry)
		reason = OX_STOP_ENTRY;
	else if (dbg->pause_requested)
		reason = OX_STOP_PAUSE;
	else if ((dbg->step == STEP_IN) || (dbg->step == STEP_NEXT && depth <= dbg->step_depth) ||
	         (dbg->step == STEP_OUT && depth < dbg->step_depth))
		reason = OX_STOP_STEP;
	g_mutex_unlock (&dbg->lock);

	g_autoptr (GArray) hit_ids = g_array_new (FALSE, FALSE, sizeof (int));
	g_autofree char *description = NULL;
	if (cands->len)
		resolve_candidates (dbg, frame, cands, FALSE, hit_ids, &description);
	if (hit_ids->len)
		stop_and_wait (dbg, frame, OX_STOP_BREAKPOINT, (const int *) hit_ids->data, hit_ids->len, description);
	else if (reason)
		stop_and_wait (dbg, frame, reason, NULL, 0, NULL);
}

/* Under the lock: note frame's source as seen; its breakpoints become
 * verified, copied to changed for the breakpoint_changed callback. */
static void
see_source_locked (OxDebugger *dbg, OxFrame *frame, GArray *changed)
{
	const char *path = ox_frame_source_path (frame);
	guint32 id = ox_frame_source_id (frame);
	if (path) {
		if (g_hash_table_contains (dbg->seen_paths, path))
			return;
		g_hash_table_add (dbg->seen_paths, g_strdup (path));
	} else if (id) {
		if (g_hash_table_contains (dbg->seen_ids, GUINT_TO_POINTER (id)))
			return;
		g_hash_table_add (dbg->seen_ids, GUINT_TO_POINTER (id));
	} else
		return;
	GPtrArray *bps = source_bps (dbg, frame);
	for (guint i = 0; bps && i < bps->len; i++) {
		Bp *bp = bps->pdata[i];
		if (bp->verified || bp->invalid)
			continue;
		bp->verified = TRUE;
		OxBreakpoint r = { bp->id, TRUE, bp->line, NULL };
		g_array_append_val (changed, r);
	}
}

static void
on_enter (void *user, OxFrame *frame)
{
	OxDebugger *dbg = user;
	dbg->err_depth = -1;

	g_autoptr (GArray) changed = g_array_new (FALSE, FALSE, sizeof (OxBreakpoint));
	g_autoptr (GArray) cands = candidates_new ();
	g_mutex_lock (&dbg->lock);
	if (ending_locked (dbg)) {
		g_mutex_unlock (&dbg->lock);
		ox_session_cancel (dbg->session);
		return;
	}
	see_source_locked (dbg, frame, changed);
	for (guint i = 0; i < dbg->fn_bps->len; i++) {
		Bp *bp = dbg->fn_bps->pdata[i];
		if (!bp->invalid && ox_bp_matches_routine (bp, frame))
			add_candidate (cands, bp);
	}
	g_mutex_unlock (&dbg->lock);

	for (guint i = 0; dbg->cb.breakpoint_changed && i < changed->len; i++)
		dbg->cb.breakpoint_changed (dbg, &g_array_index (changed, OxBreakpoint, i), dbg->user);
	if (!cands->len)
		return;
	g_autoptr (GArray) hit_ids = g_array_new (FALSE, FALSE, sizeof (int));
	g_autofree char *description = NULL;
	resolve_candidates (dbg, frame, cands, TRUE, hit_ids, &description);
	if (hit_ids->len)
		stop_and_wait (dbg, frame, OX_STOP_FUNCTION_BREAKPOINT, (const int *) hit_ids->data, hit_ids->len,
		               description);
}

static void
on_leave (void *user, OxFrame *frame)
{
	OxDebugger *dbg = user;
	if (ox_frame_depth (frame) != 0)
		return;
	/* the statement whose pause expired has ended: stop again from now on */
	g_mutex_lock (&dbg->lock);
	gboolean was = dbg->aborting;
	dbg->aborting = FALSE;
	g_mutex_unlock (&dbg->lock);
	if (was)
		ox_session_debug_changed (dbg->session);
}

/*
 * The engine reports an error in the frame it leaves, then again in each
 * caller it unwinds through, with nothing run in between; an on_error one
 * level out from the last one, with no step or entry since, is the same
 * error propagating (err_depth).  "raised" stops at its first report;
 * "uncaught" at its last, unless it stopped already.
 */
static void
on_error (void *user, OxFrame *frame, const OxError *error, bool uncaught)
{
	OxDebugger *dbg = user;
	int depth = ox_frame_depth (frame);
	/* the same error, not merely one out: frames that need no steps
	 * report none between a caught error and the next one */
	g_autofree char *key = g_strdup_printf ("%s:%s", error->sqlstate, error->message ? error->message : "");
	gboolean propagating = dbg->err_depth >= 0 && depth < dbg->err_depth && g_strcmp0 (key, dbg->err_key) == 0;
	if (!propagating)
		dbg->err_stopped = FALSE;
	dbg->err_depth = depth;
	g_free (dbg->err_key);
	dbg->err_key = g_steal_pointer (&key);

	g_mutex_lock (&dbg->lock);
	OxExceptionFilter filters = ending_locked (dbg) ? 0 : dbg->filters;
	g_mutex_unlock (&dbg->lock);

	gboolean stop = ((filters & OX_EXCEPTION_RAISED) && !propagating) ||
	                ((filters & OX_EXCEPTION_UNCAUGHT) && uncaught && !dbg->err_stopped);
	if (!stop)
		return;
	dbg->err_stopped = TRUE;
	dbg->stop_uncaught = uncaught;
	g_autofree char *description = g_strdup_printf ("%s: %s", error->sqlstate,
	                                                error->message ? error->message : "");
	stop_and_wait (dbg, frame, OX_STOP_EXCEPTION, NULL, 0, description);
}

static void
on_output (void *user, const char *level, const char *text)
{
	OxDebugger *dbg = user;
	if (dbg->cb.output)
		dbg->cb.output (dbg, OX_OUTPUT_ENGINE, level, text, dbg->user);
}

/* ---- life ------------------------------------------------------------------------------- */

static void
ptr_array_unref (gpointer p)
{
	g_ptr_array_unref (p);
}

OxDebugger *
ox_debugger_new (OxSession *s, const OxDebuggerCallbacks *callbacks, gpointer user)
{
	g_return_val_if_fail (s != NULL, NULL);
	OxDebugger *dbg = g_new0 (OxDebugger, 1);
	dbg->session = s;
	if (callbacks)
		dbg->cb = *callbacks;
	dbg->user = user;
	g_mutex_init (&dbg->lock);
	g_cond_init (&dbg->cond);
	dbg->bps_by_path = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, ptr_array_unref);
	dbg->bps_by_id = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, ptr_array_unref);
	dbg->fn_bps = g_ptr_array_new_with_free_func (ox_bp_free);
	dbg->seen_paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	dbg->seen_ids = g_hash_table_new (g_direct_hash, g_direct_equal);
	dbg->max_pause_ms = OX_DEBUGGER_DEFAULT_MAX_PAUSE_MS;
	dbg->err_depth = -1;
	g_queue_init (&dbg->work);

	OxDebugHooks hooks = {
		.on_enter = on_enter,
		.on_leave = on_leave,
		.on_step = on_step,
		.on_error = on_error,
		.on_output = on_output,
		.user = dbg,
		.wants_steps = wants_steps,
		.on_interrupt = on_interrupt,
	};
	ox_session_set_debug_hooks (s, &hooks);
	return dbg;
}

void
ox_debugger_free (OxDebugger *dbg)
{
	if (!dbg)
		return;
	g_return_if_fail (!dbg->stopped);
	ox_session_set_debug_hooks (dbg->session, NULL);
	g_free (dbg->err_key);
	g_hash_table_unref (dbg->bps_by_path);
	g_hash_table_unref (dbg->bps_by_id);
	g_ptr_array_unref (dbg->fn_bps);
	g_hash_table_unref (dbg->seen_paths);
	g_hash_table_unref (dbg->seen_ids);
	g_mutex_clear (&dbg->lock);
	g_cond_clear (&dbg->cond);
	g_free (dbg);
}

OxSession *
ox_debugger_get_session (OxDebugger *dbg)
{
	g_return_val_if_fail (dbg != NULL, NULL);
	return dbg->session;
}

/* ---- breakpoint tables (any thread) ------------------------------------------------------- */

static GArray *
results_new (guint n)
{
	GArray *a = g_array_sized_new (FALSE, TRUE, sizeof (OxBreakpoint), n);
	g_array_set_clear_func (a, ox_bp_result_clear);
	return a;
}

static void
append_result (GArray *results, const Bp *bp, const char *unverified_why)
{
	OxBreakpoint r = {
		.id = bp->id,
		.verified = bp->verified,
		.line = bp->line,
		.message = bp->invalid && bp->fn_name && !*bp->fn_name ? g_strdup ("a function breakpoint needs a name")
		           : bp->invalid ? g_strdup ("invalid hit condition: expected \"== n\", \">= n\", \"% n\" or a number")
		           : bp->verified ? NULL
		           : g_strdup (unverified_why),
	};
	g_array_append_val (results, r);
}

GArray *
ox_debugger_set_breakpoints (OxDebugger *dbg, const char *path, guint32 source_id, const OxBreakpointSpec *specs,
                             guint n)
{
	g_return_val_if_fail (dbg != NULL, NULL);
	g_return_val_if_fail (path != NULL || source_id != 0, NULL);
	g_return_val_if_fail (n == 0 || specs != NULL, NULL);

	GArray *results = results_new (n);
	GPtrArray *bps = g_ptr_array_new_with_free_func (ox_bp_free);
	g_mutex_lock (&dbg->lock);
	gboolean seen = path ? g_hash_table_contains (dbg->seen_paths, path)
	                     : g_hash_table_contains (dbg->seen_ids, GUINT_TO_POINTER (source_id));
	for (guint i = 0; i < n; i++) {
		Bp *bp = ox_bp_new (++dbg->next_bp_id, specs[i].line, specs[i].condition, specs[i].hit_condition,
		                    specs[i].log_message);
		bp->verified = seen && !bp->invalid && bp->line > 0;
		g_ptr_array_add (bps, bp);
		append_result (results, bp, bp->line > 0 ? "the source has not run yet" : "no such line");
	}
	if (path)
		g_hash_table_replace (dbg->bps_by_path, g_strdup (path), bps);
	else
		g_hash_table_replace (dbg->bps_by_id, GUINT_TO_POINTER (source_id), bps);
	g_mutex_unlock (&dbg->lock);
	ox_session_debug_changed (dbg->session);
	return results;
}

GArray *
ox_debugger_set_function_breakpoints (OxDebugger *dbg, const OxFunctionBreakpointSpec *specs, guint n)
{
	g_return_val_if_fail (dbg != NULL, NULL);
	g_return_val_if_fail (n == 0 || specs != NULL, NULL);

	GArray *results = results_new (n);
	GPtrArray *bps = g_ptr_array_new_with_free_func (ox_bp_free);
	g_mutex_lock (&dbg->lock);
	for (guint i = 0; i < n; i++) {
		Bp *bp = ox_bp_new (++dbg->next_bp_id, 0, specs[i].condition, specs[i].hit_condition, NULL);
		const char *name = specs[i].name ? specs[i].name : "";
		const char *dot = strchr (name, '.');
		const char *paren = strchr (name, '(');
		if (dot && (!paren || dot < paren)) {
			bp->fn_schema = g_strndup (name, (gsize) (dot - name));
			bp->fn_name = g_strdup (dot + 1);
		} else
			bp->fn_name = g_strdup (name);
		if (strchr (bp->fn_name, '(')) {
			char *norm = ox_bp_normalize_signature (bp->fn_name);
			g_free (bp->fn_name);
			bp->fn_name = norm;
		}
		if (!*bp->fn_name)
			bp->invalid = TRUE;
		bp->verified = !bp->invalid;
		g_ptr_array_add (bps, bp);
		append_result (results, bp, NULL);
	}
	g_ptr_array_unref (dbg->fn_bps);
	dbg->fn_bps = bps;
	g_mutex_unlock (&dbg->lock);
	return results;
}

void
ox_debugger_set_exception_filters (OxDebugger *dbg, OxExceptionFilter filters)
{
	g_return_if_fail (dbg != NULL);
	g_mutex_lock (&dbg->lock);
	dbg->filters = filters;
	g_mutex_unlock (&dbg->lock);
}

/* ---- commands (any thread) -------------------------------------------------------------- */

void
ox_debugger_clear (OxDebugger *dbg)
{
	g_return_if_fail (dbg != NULL);
	g_mutex_lock (&dbg->lock);
	g_hash_table_remove_all (dbg->bps_by_path);
	g_hash_table_remove_all (dbg->bps_by_id);
	g_ptr_array_set_size (dbg->fn_bps, 0);
	dbg->filters = 0;
	dbg->stop_on_entry = FALSE;
	dbg->pause_requested = FALSE;
	dbg->step = STEP_NONE;
	g_mutex_unlock (&dbg->lock);
	ox_session_debug_changed (dbg->session);
}

gboolean
ox_debugger_hit_condition_valid (const char *hit_condition)
{
	Bp *bp = ox_bp_new (0, 1, NULL, hit_condition, NULL);
	gboolean ok = !bp->invalid;
	ox_bp_free (bp);
	return ok;
}

void
ox_debugger_set_stop_on_entry (OxDebugger *dbg, gboolean stop_on_entry)
{
	g_return_if_fail (dbg != NULL);
	g_mutex_lock (&dbg->lock);
	dbg->stop_on_entry = stop_on_entry;
	g_mutex_unlock (&dbg->lock);
	ox_session_debug_changed (dbg->session);
}

void
ox_debugger_set_max_pause (OxDebugger *dbg, gint64 max_pause_ms)
{
	g_return_if_fail (dbg != NULL);
	g_return_if_fail (max_pause_ms >= 0);
	g_mutex_lock (&dbg->lock);
	dbg->max_pause_ms = max_pause_ms;
	g_cond_broadcast (&dbg->cond);  /* a stop in progress keeps the deadline it began with */
	g_mutex_unlock (&dbg->lock);
}

gboolean
ox_debugger_resume (OxDebugger *dbg, OxResumeKind how)
{
	g_return_val_if_fail (dbg != NULL, FALSE);
	g_return_val_if_fail (how >= OX_RESUME_CONTINUE && how <= OX_RESUME_STEP_OUT, FALSE);
	g_mutex_lock (&dbg->lock);
	gboolean ok = dbg->stopped && !dbg->resume && !dbg->terminated;
	if (ok) {
		dbg->resume = how;
		g_cond_broadcast (&dbg->cond);
	}
	g_mutex_unlock (&dbg->lock);
	return ok;
}

gboolean
ox_debugger_pause (OxDebugger *dbg)
{
	g_return_val_if_fail (dbg != NULL, FALSE);
	g_mutex_lock (&dbg->lock);
	gboolean ok = !dbg->stopped && !dbg->terminated;
	if (ok)
		dbg->pause_requested = TRUE;
	g_mutex_unlock (&dbg->lock);
	if (ok) {
		ox_session_debug_changed (dbg->session);
		ox_session_debug_interrupt (dbg->session);
	}
	return ok;
}

void
ox_debugger_terminate (OxDebugger *dbg)
{
	g_return_if_fail (dbg != NULL);
	g_mutex_lock (&dbg->lock);
	dbg->terminated = TRUE;
	dbg->pause_requested = FALSE;
	dbg->step = STEP_NONE;
	g_cond_broadcast (&dbg->cond);
	g_mutex_unlock (&dbg->lock);
	ox_session_debug_changed (dbg->session);
	ox_session_cancel (dbg->session);
}

gboolean
ox_debugger_is_stopped (OxDebugger *dbg)
{
	g_return_val_if_fail (dbg != NULL, FALSE);
	g_mutex_lock (&dbg->lock);
	gboolean stopped = dbg->stopped;
	g_mutex_unlock (&dbg->lock);
	return stopped;
}

/* ---- inspection while stopped ------------------------------------------------------------ */

gboolean
ox_debugger_run_stopped (OxDebugger *dbg, OxStoppedFunc fn, gpointer data, GDestroyNotify destroy)
{
	g_return_val_if_fail (dbg != NULL, FALSE);
	g_return_val_if_fail (fn != NULL, FALSE);
	g_mutex_lock (&dbg->lock);
	if (!dbg->stopped) {
		g_mutex_unlock (&dbg->lock);
		if (destroy)
			destroy (data);
		return FALSE;
	}
	Work *w = g_new0 (Work, 1);
	w->fn = fn;
	w->data = data;
	w->destroy = destroy;
	g_queue_push_tail (&dbg->work, w);
	g_cond_broadcast (&dbg->cond);
	g_mutex_unlock (&dbg->lock);
	return TRUE;
}

gboolean
ox_debugger_run_stopped_sync (OxDebugger *dbg, OxStoppedFunc fn, gpointer data)
{
	g_return_val_if_fail (dbg != NULL, FALSE);
	g_return_val_if_fail (fn != NULL, FALSE);
	g_mutex_lock (&dbg->lock);
	if (!dbg->stopped) {
		g_mutex_unlock (&dbg->lock);
		return FALSE;
	}
	if (dbg->stop_thread == g_thread_self ()) {
		/* the session's own thread, inside the stop: queueing would wait
		 * for ourselves */
		OxFrame *frame = dbg->stop_frame;
		g_mutex_unlock (&dbg->lock);
		fn (dbg, frame, data);
		return TRUE;
	}
	Work w = { .fn = fn, .data = data, .sync = TRUE };
	g_queue_push_tail (&dbg->work, &w);
	g_cond_broadcast (&dbg->cond);
	/* no timeout needed: a queued closure always runs before the stop ends */
	while (!w.done)
		g_cond_wait (&dbg->cond, &dbg->lock);
	g_mutex_unlock (&dbg->lock);
	return TRUE;
}

static void
stack_frame_clear (gpointer p)
{
	OxStackFrame *f = p;
	g_free (f->name);
	g_free (f->source_path);
	g_free (f->source_name);
}

GArray *
ox_debugger_stack (OxFrame *top)
{
	GArray *stack = g_array_new (FALSE, TRUE, sizeof (OxStackFrame));
	g_array_set_clear_func (stack, stack_frame_clear);
	for (OxFrame *f = top; f; f = ox_frame_parent (f)) {
		OxStackFrame sf = {
			.depth = ox_frame_depth (f),
			.kind = ox_frame_kind (f),
			.name = g_strdup (ox_frame_name (f)),
			.source_path = g_strdup (ox_frame_source_path (f)),
			.source_name = g_strdup (ox_frame_source_name (f)),
			.source_id = ox_frame_source_id (f),
			.line = ox_frame_line (f),
			.column = ox_frame_column (f),
		};
		g_array_append_val (stack, sf);
	}
	return stack;
}

/* ---- evaluation through the engine ------------------------------------------------------- */

OxConditionResult
ox_debugger_engine_condition (OxDebugger *dbg, OxFrame *frame, const char *expr, char **error, gpointer user)
{
	(void) dbg;
	(void) user;
	OxVariable v;
	OxError e = { 0 };
	if (!ox_frame_evaluate (frame, expr, &v, &e)) {
		*error = g_strdup_printf ("%s: %s", e.sqlstate, e.message ? e.message : "");
		ox_error_clear (&e);
		return OX_CONDITION_ERROR;
	}
	/* a boolean prints as t/f; anything else is a mistake worth a stop */
	OxConditionResult r;
	if (v.is_null || !strcmp (v.value, "f") || !strcmp (v.value, "false"))
		r = OX_CONDITION_FALSE;
	else if (!strcmp (v.value, "t") || !strcmp (v.value, "true"))
		r = OX_CONDITION_TRUE;
	else {
		*error = g_strdup_printf ("the condition is of type %s, not boolean", v.type);
		r = OX_CONDITION_ERROR;
	}
	ox_variable_clear (&v);
	return r;
}

char *
ox_debugger_engine_eval_to_text (OxDebugger *dbg, OxFrame *frame, const char *expr, char **error,
                                 gpointer user)
{
	(void) dbg;
	(void) user;
	OxVariable v;
	OxError e = { 0 };
	if (!ox_frame_evaluate (frame, expr, &v, &e)) {
		*error = g_strdup_printf ("%s: %s", e.sqlstate, e.message ? e.message : "");
		ox_error_clear (&e);
		return NULL;
	}
	char *r = g_strdup (v.value);
	ox_variable_clear (&v);
	return r;
}

/*
 * test-debugger.c — debugger/ against the real engine: a script runs by
 * ox_exec on a worker thread (the session's thread) while the test thread
 * plays the front end, waiting for "stopped" and sending commands.
 *
 * Synchronization is by the callbacks only: each pushes what it saw into
 * a GAsyncQueue the test pops.  The timeouts on those pops are hang
 * guards (a test that waits in vain fails instead of hanging), never a way
 * to let time pass.  Line numbers are those the engine reports for the
 * scripts below (see tests/engine/test-debug-hooks.c).
 */
#include <glib.h>
#include <string.h>

#include "oxibase.h"
#include "debug.h"
#include "debugger.h"

#define HANG_GUARD_US (20 * G_TIME_SPAN_SECOND)

static const char *shop_sql =
	"CREATE TABLE t (id int PRIMARY KEY, v int);\n"                                       /* 1 */
	"CREATE FUNCTION twice(x int) RETURNS int LANGUAGE plsql AS $$\n"                     /* 2 */
	"BEGIN\n"                                                                             /* 3 */
	"  RETURN x * 2;\n"                                                                   /* 4 */
	"END $$;\n"                                                                           /* 5 */
	"CREATE FUNCTION audit() RETURNS trigger LANGUAGE plsql AS $$\n"                      /* 6 */
	"BEGIN\n"                                                                             /* 7 */
	"  RAISE NOTICE 'audit %', NEW.id;\n"                                                 /* 8 */
	"  RETURN NEW;\n"                                                                     /* 9 */
	"END $$;\n"                                                                           /* 10 */
	"CREATE TRIGGER t_audit BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION audit();\n"  /* 11 */
	"CREATE PROCEDURE put(k int) LANGUAGE plsql AS $$\n"                                  /* 12 */
	"DECLARE\n"                                                                           /* 13 */
	"  d int;\n"                                                                          /* 14 */
	"BEGIN\n"                                                                             /* 15 */
	"  d := twice(k);\n"                                                                  /* 16 */
	"  d := twice(d);\n"                                                                  /* 17 */
	"  INSERT INTO t VALUES (k, d);\n"                                                    /* 18 */
	"  d := d + 1;\n"                                                                     /* 19 */
	"END $$;\n"                                                                           /* 20 */
	"CALL put(21);\n";                                                                    /* 21 */
#define SHOP "/work/scripts/shop.sql"

static const char *spin_sql =
	"CREATE PROCEDURE spin(n int) LANGUAGE plsql AS $$\n"  /* 1 */
	"BEGIN\n"                                              /* 2 */
	"  FOR i IN 1..n LOOP\n"                               /* 3 */
	"    PERFORM i;\n"                                     /* 4 */
	"    PERFORM i + 1;\n"                                 /* 5 */
	"    PERFORM i + 2;\n"                                 /* 6 */
	"  END LOOP;\n"                                        /* 7 */
	"END $$;\n"                                            /* 8 */
	"CALL spin(%d);\n";                                    /* 9 */
#define SPIN "/work/scripts/spin.sql"

static const char *boom_sql =
	"CREATE FUNCTION boom() RETURNS int LANGUAGE plsql AS $$\n"  /* 1 */
	"BEGIN\n"                                                    /* 2 */
	"  RAISE EXCEPTION 'boom';\n"                                /* 3 */
	"END $$;\n"                                                  /* 4 */
	"CREATE PROCEDURE safe() LANGUAGE plsql AS $$\n"             /* 5 */
	"BEGIN\n"                                                    /* 6 */
	"  PERFORM boom();\n"                                        /* 7 */
	"EXCEPTION WHEN OTHERS THEN\n"                               /* 8 */
	"  RAISE NOTICE 'caught';\n"                                 /* 9 */
	"END $$;\n"                                                  /* 10 */
	"CALL safe();\n"                                             /* 11 */
	"SELECT boom();\n";                                          /* 12 */
#define BOOM "/work/scripts/boom.sql"

static const char *forever_sql =
	"CREATE PROCEDURE forever() LANGUAGE plsql AS $$\n"  /* 1 */
	"DECLARE\n"                                          /* 2 */
	"  n int := 0;\n"                                    /* 3 */
	"BEGIN\n"                                            /* 4 */
	"  RAISE NOTICE 'started';\n"                        /* 5 */
	"  LOOP\n"                                           /* 6 */
	"    n := n + 1;\n"                                  /* 7 */
	"    IF n > 1000000000 THEN n := 0; END IF;\n"       /* 8 */
	"  END LOOP;\n"                                      /* 9 */
	"END $$;\n"                                          /* 10 */
	"CREATE PROCEDURE tiny() LANGUAGE plsql AS $$\n"     /* 11 */
	"BEGIN\n"                                            /* 12 */
	"  NULL;\n"                                          /* 13 */
	"END $$;\n"                                          /* 14 */
	"CALL forever();\n";                                 /* 15 */
#define FOREVER "/work/scripts/forever.sql"

/* What the stopped callback saw, on the session's thread. */
typedef struct {
	guint64       stop_id;
	OxStopReason  reason;
	OxFrameKind   kind;
	int           depth;
	int           line;
	char         *name;
	guint32       source_id;
	char         *description;
	GArray       *hit_ids;      /* of int */
	guint         stack_len;    /* from ox_debugger_run_stopped_sync inside the callback */
} StopEv;

static void
stop_ev_free (StopEv *ev)
{
	g_free (ev->name);
	g_free (ev->description);
	g_array_unref (ev->hit_ids);
	g_free (ev);
}

typedef struct {
	OxDatabase   *db;
	OxSession    *s;
	OxDebugger   *dbg;
	GAsyncQueue  *stops;      /* StopEv* */
	GAsyncQueue  *outputs;    /* char* "LEVEL text" (engine) or "log: text" (logpoints) or "dbg: text" */
	GAsyncQueue  *continued;  /* GINT_TO_POINTER (1 + expired) */
	GAsyncQueue  *changed;    /* GINT_TO_POINTER (id) of breakpoints reported verified */
	gboolean      with_eval;  /* install condition_eval and eval_to_text */
	gint          cond_calls;
	GThread      *worker;
	char         *script;
	OxError       err;
} Fx;

/* ---- callbacks (session thread) ---- */

static void
count_frames (OxDebugger *dbg, OxFrame *top, gpointer data)
{
	g_autoptr (GArray) stack = ox_debugger_stack (top);
	*(guint *) data = stack->len;
}

static void
stopped_cb (OxDebugger *dbg, const OxDebuggerStop *stop, gpointer user)
{
	Fx *fx = user;
	StopEv *ev = g_new0 (StopEv, 1);
	ev->stop_id = stop->stop_id;
	ev->reason = stop->reason;
	ev->kind = ox_frame_kind (stop->frame);
	ev->depth = ox_frame_depth (stop->frame);
	ev->line = ox_frame_line (stop->frame);
	ev->name = g_strdup (ox_frame_name (stop->frame));
	ev->source_id = ox_frame_source_id (stop->frame);
	ev->description = g_strdup (stop->description);
	ev->hit_ids = g_array_new (FALSE, FALSE, sizeof (int));
	g_array_append_vals (ev->hit_ids, stop->hit_ids, stop->n_hit_ids);
	/* on the session's own thread: runs at once rather than deadlocking */
	g_assert_true (ox_debugger_run_stopped_sync (dbg, count_frames, &ev->stack_len));
	g_async_queue_push (fx->stops, ev);
}

static void
continued_cb (OxDebugger *dbg, guint64 stop_id, gboolean expired, gpointer user)
{
	Fx *fx = user;
	g_async_queue_push (fx->continued, GINT_TO_POINTER (1 + expired));
}

static void
output_cb (OxDebugger *dbg, OxOutputSource source, const char *level, const char *text, gpointer user)
{
	Fx *fx = user;
	switch (source) {
	case OX_OUTPUT_ENGINE: g_async_queue_push (fx->outputs, g_strdup_printf ("%s %s", level, text)); break;
	case OX_OUTPUT_LOGPOINT: g_async_queue_push (fx->outputs, g_strdup_printf ("log: %s", text)); break;
	case OX_OUTPUT_DEBUGGER: g_async_queue_push (fx->outputs, g_strdup_printf ("dbg: %s", text)); break;
	}
}

static void
changed_cb (OxDebugger *dbg, const OxBreakpoint *bp, gpointer user)
{
	Fx *fx = user;
	g_assert_true (bp->verified);
	g_async_queue_push (fx->changed, GINT_TO_POINTER (bp->id));
}

/* The test's stand-in for the engine's evaluate API. */
static OxConditionResult
condition_cb (OxDebugger *dbg, OxFrame *frame, const char *expr, char **error, gpointer user)
{
	Fx *fx = user;
	g_atomic_int_inc (&fx->cond_calls);
	g_assert_cmpint (ox_frame_kind (frame), ==, OX_FRAME_ROUTINE);
	if (!strcmp (expr, "yes"))
		return OX_CONDITION_TRUE;
	if (!strcmp (expr, "no"))
		return OX_CONDITION_FALSE;
	*error = g_strdup ("column \"bad\" does not exist");
	return OX_CONDITION_ERROR;
}

static char *
eval_text_cb (OxDebugger *dbg, OxFrame *frame, const char *expr, char **error, gpointer user)
{
	if (!strcmp (expr, "bad")) {
		*error = g_strdup ("nope");
		return NULL;
	}
	return g_strdup_printf ("<%s@%d>", expr, ox_frame_line (frame));
}

/* ---- fixture ---- */

static void
fx_init (Fx *fx, gboolean with_eval)
{
	memset (fx, 0, sizeof *fx);
	OxError e = { 0 };
	g_assert_cmpint (ox_db_open (":memory:", &fx->db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (fx->db, &fx->s, &e), ==, OX_OK);
	fx->stops = g_async_queue_new_full ((GDestroyNotify) stop_ev_free);
	fx->outputs = g_async_queue_new_full (g_free);
	fx->continued = g_async_queue_new ();
	fx->changed = g_async_queue_new ();
	fx->with_eval = with_eval;
	OxDebuggerCallbacks cb = {
		.stopped = stopped_cb,
		.continued = continued_cb,
		.output = output_cb,
		.breakpoint_changed = changed_cb,
		.condition_eval = with_eval == 2 ? ox_debugger_engine_condition : with_eval ? condition_cb : NULL,
		.eval_to_text = with_eval == 2 ? ox_debugger_engine_eval_to_text : with_eval ? eval_text_cb : NULL,
	};
	fx->dbg = ox_debugger_new (fx->s, &cb, fx);
	ox_debugger_set_max_pause (fx->dbg, 0);  /* tests that want one set it */
}

static void
fx_clear (Fx *fx)
{
	g_assert_null (fx->worker);
	ox_debugger_free (fx->dbg);
	ox_session_free (fx->s);
	ox_db_close (fx->db);
	g_async_queue_unref (fx->stops);
	g_async_queue_unref (fx->outputs);
	g_async_queue_unref (fx->continued);
	g_async_queue_unref (fx->changed);
	ox_error_clear (&fx->err);
}

static gpointer
worker_main (gpointer data)
{
	Fx *fx = data;
	int rc = ox_exec (fx->s, fx->script, &fx->err);
	/* the end of the script, as a stop with no reason: a test that waits
	 * for a stop sees the end instead, and one that waits for the end sees
	 * an unexpected stop instead of joining a blocked thread */
	StopEv *end = g_new0 (StopEv, 1);
	end->hit_ids = g_array_new (FALSE, FALSE, sizeof (int));
	g_async_queue_push (fx->stops, end);
	return GINT_TO_POINTER (rc);
}

/* Run script (lines in file path) on the session's thread. */
static void
fx_start (Fx *fx, const char *script, const char *path)
{
	g_assert_null (fx->worker);
	g_free (fx->script);
	fx->script = g_strdup (script);
	ox_error_clear (&fx->err);
	ox_session_set_script_source (fx->s, path, 1);
	fx->worker = g_thread_new ("session", worker_main, fx);
}

/* Wait for the script to end; no stop may be left unread. */
static int
fx_finish (Fx *fx)
{
	StopEv *end = g_async_queue_timeout_pop (fx->stops, HANG_GUARD_US);
	if (!end)
		g_error ("the script did not end");
	if (end->reason)
		g_error ("unexpected stop: reason %d at line %d depth %d in %s", end->reason, end->line, end->depth,
		         end->name);
	stop_ev_free (end);
	int rc = GPOINTER_TO_INT (g_thread_join (fx->worker));
	fx->worker = NULL;
	g_clear_pointer (&fx->script, g_free);
	g_assert_null (g_async_queue_try_pop (fx->stops));
	g_assert_false (ox_debugger_is_stopped (fx->dbg));
	return rc;
}

static StopEv *
expect_stop (Fx *fx, OxStopReason reason, int line, int depth)
{
	StopEv *ev = g_async_queue_timeout_pop (fx->stops, HANG_GUARD_US);
	if (!ev)
		g_error ("no stop (wanted reason %d at line %d depth %d)", reason, line, depth);
	if (!ev->reason)
		g_error ("the script ended (wanted a stop for reason %d at line %d depth %d)", reason, line, depth);
	g_assert_true (ox_debugger_is_stopped (fx->dbg));
	g_assert_cmpint (ev->reason, ==, reason);
	g_assert_cmpint (ev->line, ==, line);
	g_assert_cmpint (ev->depth, ==, depth);
	g_assert_cmpuint (ev->stack_len, ==, depth + 1);
	return ev;
}

/* Expect a stop, check it, resume with how. */
static void
step (Fx *fx, OxStopReason reason, int line, int depth, OxResumeKind how)
{
	StopEv *ev = expect_stop (fx, reason, line, depth);
	stop_ev_free (ev);
	g_assert_true (ox_debugger_resume (fx->dbg, how));
}

static char *
expect_output (Fx *fx)
{
	char *out = g_async_queue_timeout_pop (fx->outputs, HANG_GUARD_US);
	if (!out)
		g_error ("no output");
	return out;
}

static GArray *
set_bps (Fx *fx, const char *path, guint32 id, const OxBreakpointSpec *specs, guint n)
{
	GArray *r = ox_debugger_set_breakpoints (fx->dbg, path, id, specs, n);
	g_assert_cmpuint (r->len, ==, n);
	return r;
}

/* ---- tests ---- */

/* A closure that holds the stop until the test opens the gate. */
static void
wait_gate (OxDebugger *dbg, OxFrame *top, gpointer data)
{
	g_assert_nonnull (g_async_queue_timeout_pop (data, HANG_GUARD_US));
}

/* A line breakpoint in the procedure, then over, in (function), over,
 * out, in (trigger), over, out, continue. */
static void
test_line_and_steps (void)
{
	Fx fx;
	fx_init (&fx, FALSE);
	OxBreakpointSpec spec = { .line = 16 };
	g_autoptr (GArray) r = set_bps (&fx, SHOP, 0, &spec, 1);
	OxBreakpoint *bp = &g_array_index (r, OxBreakpoint, 0);
	/* not run yet: unverified, at the line asked for */
	g_assert_false (bp->verified);
	g_assert_nonnull (bp->message);
	g_assert_cmpint (bp->line, ==, 16);
	g_assert_false (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));  /* not stopped */

	fx_start (&fx, shop_sql, SHOP);
	StopEv *ev = expect_stop (&fx, OX_STOP_BREAKPOINT, 16, 1);
	g_assert_cmpstr (ev->name, ==, "put(integer)");
	g_assert_cmpint (ev->kind, ==, OX_FRAME_ROUTINE);
	g_assert_cmpuint (ev->hit_ids->len, ==, 1);
	g_assert_cmpint (g_array_index (ev->hit_ids, int, 0), ==, bp->id);
	g_assert_cmpuint (ev->stop_id, ==, 1);
	stop_ev_free (ev);
	/* the first statement of the file made it verified */
	g_assert_cmpint (GPOINTER_TO_INT (g_async_queue_timeout_pop (fx.changed, HANG_GUARD_US)), ==, bp->id);
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_NEXT));
	step (&fx, OX_STOP_STEP, 17, 1, OX_RESUME_STEP_IN);         /* over twice(k) */
	ev = expect_stop (&fx, OX_STOP_STEP, 3, 2);                  /* into twice */
	g_assert_cmpstr (ev->name, ==, "twice(integer)");
	stop_ev_free (ev);
	/* a second command for the same stop is refused: hold the stop in a
	 * closure so that the first cannot take effect in between */
	g_autoptr (GAsyncQueue) gate = g_async_queue_new ();
	g_assert_true (ox_debugger_run_stopped (fx.dbg, wait_gate, gate, NULL));
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_NEXT));
	g_assert_false (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
	g_assert_true (ox_debugger_is_stopped (fx.dbg));
	g_async_queue_push (gate, GINT_TO_POINTER (1));
	step (&fx, OX_STOP_STEP, 4, 2, OX_RESUME_STEP_OUT);
	step (&fx, OX_STOP_STEP, 18, 1, OX_RESUME_STEP_IN);          /* back in put */
	ev = expect_stop (&fx, OX_STOP_STEP, 7, 2);                  /* the trigger's function */
	g_assert_cmpint (ev->kind, ==, OX_FRAME_TRIGGER);
	g_assert_cmpstr (ev->name, ==, "t_audit BEFORE INSERT ON t FOR EACH ROW");
	stop_ev_free (ev);
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_NEXT));
	step (&fx, OX_STOP_STEP, 8, 2, OX_RESUME_STEP_OUT);
	step (&fx, OX_STOP_STEP, 19, 1, OX_RESUME_CONTINUE);
	g_assert_cmpint (fx_finish (&fx), ==, OX_OK);
	g_autofree char *out = expect_output (&fx);
	g_assert_cmpstr (out, ==, "NOTICE audit 21");
	g_assert_false (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));

	/* a source already seen: verified at once */
	g_autoptr (GArray) r2 = set_bps (&fx, SHOP, 0, &spec, 1);
	g_assert_true (g_array_index (r2, OxBreakpoint, 0).verified);
	g_assert_null (g_array_index (r2, OxBreakpoint, 0).message);
	g_assert_cmpint (g_array_index (r2, OxBreakpoint, 0).id, >, bp->id);
	fx_clear (&fx);
}

/* "% 2", ">= 3" and "== 5" on three lines of a loop body: the stops come
 * in the order the iterations reach them. */
static void
test_hit_conditions (void)
{
	Fx fx;
	fx_init (&fx, FALSE);
	OxBreakpointSpec specs[] = {
		{ .line = 4, .hit_condition = "% 2" },
		{ .line = 5, .hit_condition = ">= 3" },
		{ .line = 6, .hit_condition = "==5" },
	};
	g_autoptr (GArray) r = set_bps (&fx, SPIN, 0, specs, 3);
	g_autofree char *script = g_strdup_printf (spin_sql, 10);
	fx_start (&fx, script, SPIN);
	int n = 0;
	for (int i = 1; i <= 10; i++) {
		if (i % 2 == 0)
			step (&fx, OX_STOP_BREAKPOINT, 4, 1, OX_RESUME_CONTINUE), n++;
		if (i >= 3)
			step (&fx, OX_STOP_BREAKPOINT, 5, 1, OX_RESUME_CONTINUE), n++;
		if (i == 5)
			step (&fx, OX_STOP_BREAKPOINT, 6, 1, OX_RESUME_CONTINUE), n++;
	}
	g_assert_cmpint (n, ==, 5 + 8 + 1);
	g_assert_cmpint (fx_finish (&fx), ==, OX_OK);

	/* a plain number means ">=", and one that does not parse is inert */
	OxBreakpointSpec more[] = {
		{ .line = 4, .hit_condition = "3" },
		{ .line = 5, .hit_condition = ">> 2" },
		{ .line = 6, .hit_condition = "% 0" },
	};
	g_autoptr (GArray) r2 = set_bps (&fx, SPIN, 0, more, 3);
	g_assert_true (g_array_index (r2, OxBreakpoint, 0).verified);
	g_assert_false (g_array_index (r2, OxBreakpoint, 1).verified);
	g_assert_nonnull (g_array_index (r2, OxBreakpoint, 1).message);
	g_assert_false (g_array_index (r2, OxBreakpoint, 2).verified);
	fx_start (&fx, "CALL spin(4);", SPIN);
	step (&fx, OX_STOP_BREAKPOINT, 4, 1, OX_RESUME_CONTINUE);
	step (&fx, OX_STOP_BREAKPOINT, 4, 1, OX_RESUME_CONTINUE);
	g_assert_cmpint (fx_finish (&fx), ==, OX_OK);
	fx_clear (&fx);
}

/* Conditions through the condition_eval callback: false never stops nor
 * counts, true counts toward the hit condition, an error stops with it. */
static void
test_conditions (void)
{
	Fx fx;
	fx_init (&fx, TRUE);
	OxBreakpointSpec specs[] = {
		{ .line = 4, .condition = "no" },
		{ .line = 5, .condition = "yes", .hit_condition = ">= 2" },
		{ .line = 6, .condition = "bad" },
	};
	g_autoptr (GArray) r = set_bps (&fx, SPIN, 0, specs, 3);
	g_autofree char *script = g_strdup_printf (spin_sql, 3);
	fx_start (&fx, script, SPIN);
	for (int i = 1; i <= 3; i++) {
		if (i >= 2)
			step (&fx, OX_STOP_BREAKPOINT, 5, 1, OX_RESUME_CONTINUE);
		StopEv *ev = expect_stop (&fx, OX_STOP_BREAKPOINT, 6, 1);
		g_assert_nonnull (strstr (ev->description, "column \"bad\" does not exist"));
		g_assert_cmpint (g_array_index (ev->hit_ids, int, 0), ==, g_array_index (r, OxBreakpoint, 2).id);
		stop_ev_free (ev);
		g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
	}
	g_assert_cmpint (fx_finish (&fx), ==, OX_OK);
	g_assert_cmpint (g_atomic_int_get (&fx.cond_calls), ==, 9);
	fx_clear (&fx);

	/* without an evaluator (today's default) a condition is true */
	fx_init (&fx, FALSE);
	OxBreakpointSpec no = { .line = 4, .condition = "no" };
	g_autoptr (GArray) r2 = set_bps (&fx, SPIN, 0, &no, 1);
	g_free (script);
	script = g_strdup_printf (spin_sql, 2);
	fx_start (&fx, script, SPIN);
	step (&fx, OX_STOP_BREAKPOINT, 4, 1, OX_RESUME_CONTINUE);
	step (&fx, OX_STOP_BREAKPOINT, 4, 1, OX_RESUME_CONTINUE);
	g_assert_cmpint (fx_finish (&fx), ==, OX_OK);
	fx_clear (&fx);
}

/* Conditions and logpoints evaluated by the engine, in the frame's scope
 * (fx_init's 2). */
static void
test_engine_evaluation (void)
{
	Fx fx;
	fx_init (&fx, 2);
	OxBreakpointSpec specs[] = {
		{ .line = 4, .condition = "i = 2" },
		{ .line = 5, .log_message = "i={i} n*i={n * i} bad={nope}" },
		{ .line = 6, .condition = "i + 1" },   /* not boolean: stops with why */
	};
	g_autoptr (GArray) r = set_bps (&fx, SPIN, 0, specs, 3);
	g_autofree char *script = g_strdup_printf (spin_sql, 2);
	fx_start (&fx, script, SPIN);
	StopEv *ev = expect_stop (&fx, OX_STOP_BREAKPOINT, 6, 1);
	g_assert_nonnull (strstr (ev->description, "the condition is of type integer, not boolean"));
	stop_ev_free (ev);
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
	ev = expect_stop (&fx, OX_STOP_BREAKPOINT, 4, 1);  /* i = 2 only */
	g_assert_null (ev->description);
	stop_ev_free (ev);
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
	ev = expect_stop (&fx, OX_STOP_BREAKPOINT, 6, 1);
	stop_ev_free (ev);
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
	g_assert_cmpint (fx_finish (&fx), ==, OX_OK);
	for (int i = 1; i <= 2; i++) {
		g_autofree char *out = expect_output (&fx);
		g_autofree char *want = g_strdup_printf ("log: i=%d n*i=%d bad={nope: 42703: column \"nope\" does not exist}\n",
		                                         i, 2 * i);
		g_assert_cmpstr (out, ==, want);
	}
	fx_clear (&fx);
}

/* Logpoints print and never stop; placeholders go through eval_to_text,
 * or stay as written without one. */
static void
test_logpoints (void)
{
	for (int with_eval = 0; with_eval <= 1; with_eval++) {
		Fx fx;
		fx_init (&fx, with_eval);
		OxBreakpointSpec specs[] = {
			{ .line = 4, .log_message = "i is {i} {bad} {{x}}" },
			{ .line = 5, .log_message = "second", .hit_condition = "== 2" },
		};
		g_autoptr (GArray) r = set_bps (&fx, SPIN, 0, specs, 2);
		g_autofree char *script = g_strdup_printf (spin_sql, 3);
		fx_start (&fx, script, SPIN);
		g_assert_cmpint (fx_finish (&fx), ==, OX_OK);
		const char *want[] = {
			with_eval ? "log: i is <i@4> {bad: nope} {x}\n" : "log: i is {i} {bad} {x}\n",
			with_eval ? "log: i is <i@4> {bad: nope} {x}\n" : "log: i is {i} {bad} {x}\n",
			"log: second\n",
			with_eval ? "log: i is <i@4> {bad: nope} {x}\n" : "log: i is {i} {bad} {x}\n",
		};
		for (guint i = 0; i < G_N_ELEMENTS (want); i++) {
			g_autofree char *out = expect_output (&fx);
			g_assert_cmpstr (out, ==, want[i]);
		}
		g_assert_null (g_async_queue_try_pop (fx.outputs));
		fx_clear (&fx);
	}
}

/* Function breakpoints by name, by schema.name, by signature and by a
 * trigger's name stop on entry to the frame; another schema does not. */
static void
test_function_breakpoints (void)
{
	Fx fx;
	fx_init (&fx, FALSE);
	OxFunctionBreakpointSpec one = { .name = "TWICE" };
	g_autoptr (GArray) r = ox_debugger_set_function_breakpoints (fx.dbg, &one, 1);
	g_assert_true (g_array_index (r, OxBreakpoint, 0).verified);
	fx_start (&fx, shop_sql, SHOP);
	for (int i = 0; i < 2; i++) {
		StopEv *ev = expect_stop (&fx, OX_STOP_FUNCTION_BREAKPOINT, 2, 2);
		g_assert_cmpstr (ev->name, ==, "twice(integer)");
		g_assert_cmpint (g_array_index (ev->hit_ids, int, 0), ==, g_array_index (r, OxBreakpoint, 0).id);
		stop_ev_free (ev);
		/* next from the entry stops at the body's first step */
		g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_NEXT));
		step (&fx, OX_STOP_STEP, 3, 2, OX_RESUME_CONTINUE);
	}
	g_assert_cmpint (fx_finish (&fx), ==, OX_OK);
	fx_clear (&fx);

	fx_init (&fx, FALSE);
	OxFunctionBreakpointSpec many[] = {
		{ .name = "other.put" },
		{ .name = "public.twice" },
		{ .name = "t_audit" },
		{ .name = "put(integer)" },
		{ .name = "" },
	};
	g_autoptr (GArray) r2 = ox_debugger_set_function_breakpoints (fx.dbg, many, G_N_ELEMENTS (many));
	g_assert_false (g_array_index (r2, OxBreakpoint, 4).verified);
	fx_start (&fx, shop_sql, SHOP);
	StopEv *ev = expect_stop (&fx, OX_STOP_FUNCTION_BREAKPOINT, 12, 1);
	g_assert_cmpstr (ev->name, ==, "put(integer)");
	g_assert_cmpint (g_array_index (ev->hit_ids, int, 0), ==, g_array_index (r2, OxBreakpoint, 3).id);
	stop_ev_free (ev);
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
	step (&fx, OX_STOP_FUNCTION_BREAKPOINT, 2, 2, OX_RESUME_CONTINUE);
	step (&fx, OX_STOP_FUNCTION_BREAKPOINT, 2, 2, OX_RESUME_CONTINUE);
	ev = expect_stop (&fx, OX_STOP_FUNCTION_BREAKPOINT, 6, 2);
	g_assert_cmpint (ev->kind, ==, OX_FRAME_TRIGGER);
	g_assert_cmpint (g_array_index (ev->hit_ids, int, 0), ==, g_array_index (r2, OxBreakpoint, 2).id);
	stop_ev_free (ev);
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
	g_assert_cmpint (fx_finish (&fx), ==, OX_OK);
	fx_clear (&fx);

	/* a trigger by its function's name; a signature in the user's own
	 * spelling of the types */
	fx_init (&fx, FALSE);
	OxFunctionBreakpointSpec more[] = { { .name = "AUDIT" }, { .name = "Twice( INT4 )" } };
	g_autoptr (GArray) r3 = ox_debugger_set_function_breakpoints (fx.dbg, more, G_N_ELEMENTS (more));
	fx_start (&fx, shop_sql, SHOP);
	step (&fx, OX_STOP_FUNCTION_BREAKPOINT, 2, 2, OX_RESUME_CONTINUE);
	step (&fx, OX_STOP_FUNCTION_BREAKPOINT, 2, 2, OX_RESUME_CONTINUE);
	ev = expect_stop (&fx, OX_STOP_FUNCTION_BREAKPOINT, 6, 2);
	g_assert_cmpint (ev->kind, ==, OX_FRAME_TRIGGER);
	g_assert_cmpint (g_array_index (ev->hit_ids, int, 0), ==, g_array_index (r3, OxBreakpoint, 0).id);
	stop_ev_free (ev);
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
	g_assert_cmpint (fx_finish (&fx), ==, OX_OK);
	fx_clear (&fx);
}

/*
 * "raised" stops where an error leaves a routine, once however many frames
 * it crosses, even when a caller's EXCEPTION block catches it; "uncaught"
 * only where it fails the statement.  (An error caught by an EXCEPTION
 * block of the routine that raised it is not reported by the engine.)
 */
static void
test_exceptions (void)
{
	/* raised */
	Fx fx;
	fx_init (&fx, FALSE);
	ox_debugger_set_exception_filters (fx.dbg, OX_EXCEPTION_RAISED);
	fx_start (&fx, boom_sql, BOOM);
	StopEv *ev = expect_stop (&fx, OX_STOP_EXCEPTION, 3, 2);  /* in boom, called by safe() */
	g_assert_cmpstr (ev->description, ==, "P0001: boom");
	g_assert_cmpstr (ev->name, ==, "boom()");
	stop_ev_free (ev);
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
	step (&fx, OX_STOP_EXCEPTION, 3, 1, OX_RESUME_CONTINUE);   /* SELECT boom() */
	g_assert_cmpint (fx_finish (&fx), ==, OX_ERROR);
	g_assert_cmpstr (fx.err.sqlstate, ==, "P0001");
	fx_clear (&fx);

	/* uncaught: CALL safe() does not stop, SELECT boom() at its statement */
	fx_init (&fx, FALSE);
	ox_debugger_set_exception_filters (fx.dbg, OX_EXCEPTION_UNCAUGHT);
	fx_start (&fx, boom_sql, BOOM);
	ev = expect_stop (&fx, OX_STOP_EXCEPTION, 12, 0);
	g_assert_cmpint (ev->kind, ==, OX_FRAME_STATEMENT);
	g_assert_cmpstr (ev->description, ==, "P0001: boom");
	stop_ev_free (ev);
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
	g_assert_cmpint (fx_finish (&fx), ==, OX_ERROR);
	fx_clear (&fx);

	/* both: an error that stopped when raised does not stop again */
	fx_init (&fx, FALSE);
	ox_debugger_set_exception_filters (fx.dbg, OX_EXCEPTION_RAISED | OX_EXCEPTION_UNCAUGHT);
	fx_start (&fx, boom_sql, BOOM);
	step (&fx, OX_STOP_EXCEPTION, 3, 2, OX_RESUME_CONTINUE);
	step (&fx, OX_STOP_EXCEPTION, 3, 1, OX_RESUME_CONTINUE);
	g_assert_cmpint (fx_finish (&fx), ==, OX_ERROR);
	fx_clear (&fx);
}

/* A Lua local read in the stopped frame (on the session's thread). */
typedef struct {
	const char *expr;
	char       *value;
} LuaEval;

static void
lua_eval_closure (OxDebugger *dbg, OxFrame *top, gpointer data)
{
	LuaEval *le = data;
	(void) dbg;
	OxVariable v;
	OxError e = { 0 };
	if (ox_frame_evaluate (top, le->expr, &v, &e)) {
		le->value = g_strdup (v.value);
		ox_variable_clear (&v);
	} else {
		le->value = g_strdup_printf ("ERROR %s", e.message);
		ox_error_clear (&e);
	}
}

static char *
lua_eval (Fx *fx, const char *expr)
{
	LuaEval le = { expr, NULL };
	g_assert_true (ox_debugger_run_stopped_sync (fx->dbg, lua_eval_closure, &le));
	return le.value;
}

static const char *lua_boom_sql =
	"CREATE FUNCTION lpick(n int) RETURNS int LANGUAGE lua AS $$\n"  /* 1 */
	"local tries = n\n"                                              /* 2 */
	"local ok, err = pcall(ox.query, 'SELECT 1/0')\n"                /* 3 */
	"return tries + (ok and 0 or 1)\n"                               /* 4 */
	"$$;\n"                                                          /* 5 */
	"SELECT lpick(4);\n"                                             /* 6 */
	"CREATE FUNCTION lfail(n int) RETURNS int LANGUAGE lua AS $$\n"  /* 7 */
	"local function deep(x)\n"                                       /* 8 */
	"  return x + nil\n"                                             /* 9 */
	"end\n"                                                          /* 10 */
	"local r = deep(n)\n"                                            /* 11 */
	"return r\n"                                                     /* 12 */
	"$$;\n"                                                          /* 13 */
	"SELECT lfail(6);\n";                                            /* 14 */
#define LUA_BOOM "/work/scripts/lua-boom.sql"

/*
 * The same filters on Lua routines: "raised" stops at an ox.query error
 * that a pcall catches, on its line, with the locals there, and the
 * statement then succeeds; and at an error leaving a routine, on the line
 * of the function that raised it.  "uncaught" stops only at the
 * statement the second fails.
 */
static void
test_exceptions_lua (void)
{
	Fx fx;
	fx_init (&fx, FALSE);
	ox_debugger_set_exception_filters (fx.dbg, OX_EXCEPTION_RAISED);
	fx_start (&fx, lua_boom_sql, LUA_BOOM);
	StopEv *ev = expect_stop (&fx, OX_STOP_EXCEPTION, 3, 1);
	g_assert_cmpstr (ev->name, ==, "lpick(integer)");
	g_assert_cmpstr (ev->description, ==, "22012: division by zero");
	stop_ev_free (ev);
	g_autofree char *tries = lua_eval (&fx, "tries * 10");
	g_assert_cmpstr (tries, ==, "40");
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
	ev = expect_stop (&fx, OX_STOP_EXCEPTION, 9, 1);
	g_assert_cmpstr (ev->name, ==, "lfail(integer)");
	g_assert_cmpstr (ev->description, ==, "38000: attempt to perform arithmetic on a nil value");
	stop_ev_free (ev);
	g_autofree char *x = lua_eval (&fx, "x + 1");
	g_assert_cmpstr (x, ==, "7");
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
	g_assert_cmpint (fx_finish (&fx), ==, OX_ERROR);
	g_assert_cmpstr (fx.err.sqlstate, ==, "38000");
	fx_clear (&fx);

	fx_init (&fx, FALSE);
	ox_debugger_set_exception_filters (fx.dbg, OX_EXCEPTION_UNCAUGHT);
	fx_start (&fx, lua_boom_sql, LUA_BOOM);
	ev = expect_stop (&fx, OX_STOP_EXCEPTION, 14, 0);
	g_assert_cmpint (ev->kind, ==, OX_FRAME_STATEMENT);
	stop_ev_free (ev);
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
	g_assert_cmpint (fx_finish (&fx), ==, OX_ERROR);
	fx_clear (&fx);
}

/* A caught error, then another error failing the statement after the
 * routine returned: the second is new (not the first propagating), so
 * both filters see it, though no step happened in between. */
static void
test_exception_after_caught (void)
{
	Fx fx;
	fx_init (&fx, FALSE);
	ox_debugger_set_exception_filters (fx.dbg, OX_EXCEPTION_RAISED | OX_EXCEPTION_UNCAUGHT);
	static const char sql[] =
		"CREATE TABLE u (id int PRIMARY KEY);\n"                                     /* 1 */
		"INSERT INTO u VALUES (1);\n"                                                /* 2 */
		"CREATE FUNCTION one() RETURNS int LANGUAGE plsql AS $$\n"                   /* 3 */
		"BEGIN\n"                                                                    /* 4 */
		"  BEGIN PERFORM 1 / 0; EXCEPTION WHEN OTHERS THEN NULL; END;\n"             /* 5 */
		"  RETURN 1;\n"                                                              /* 6 */
		"END $$;\n"                                                                  /* 7 */
		"INSERT INTO u VALUES (one());\n";                                           /* 8 */
	fx_start (&fx, sql, "/work/scripts/after.sql");
	StopEv *ev = expect_stop (&fx, OX_STOP_EXCEPTION, 5, 1);
	g_assert_cmpstr (ev->description, ==, "22012: division by zero");
	stop_ev_free (ev);
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
	ev = expect_stop (&fx, OX_STOP_EXCEPTION, 8, 0);
	g_assert_true (g_str_has_prefix (ev->description, "23505: "));
	stop_ev_free (ev);
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
	g_assert_cmpint (fx_finish (&fx), ==, OX_ERROR);
	fx_clear (&fx);
}

/* Pause from the test thread while a loop runs, twice; then terminate. */
static void
test_pause_terminate (void)
{
	Fx fx;
	fx_init (&fx, FALSE);
	fx_start (&fx, forever_sql, FOREVER);
	g_autofree char *out = expect_output (&fx);
	g_assert_cmpstr (out, ==, "NOTICE started");  /* the loop is about to run */
	for (int i = 0; i < 2; i++) {
		g_assert_true (ox_debugger_pause (fx.dbg));
		StopEv *ev = g_async_queue_timeout_pop (fx.stops, HANG_GUARD_US);
		g_assert_nonnull (ev);
		g_assert_cmpint (ev->reason, ==, OX_STOP_PAUSE);  /* not the end */
		g_assert_cmpstr (ev->name, ==, "forever()");
		g_assert_cmpint (ev->depth, ==, 1);
		g_assert_true (ev->line >= 6 && ev->line <= 8);
		stop_ev_free (ev);
		g_assert_false (ox_debugger_pause (fx.dbg));  /* already stopped */
		if (i == 0)
			g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
		else
			ox_debugger_terminate (fx.dbg);
		g_assert_cmpint (GPOINTER_TO_INT (g_async_queue_timeout_pop (fx.continued, HANG_GUARD_US)), ==, 1);
	}
	g_assert_cmpint (fx_finish (&fx), ==, OX_ERROR);
	g_assert_cmpstr (fx.err.sqlstate, ==, "57014");
	g_assert_false (ox_debugger_pause (fx.dbg));  /* terminated */
	fx_clear (&fx);
}

/* Frames step only while something needs their steps (wants_steps): a
 * breakpoint set while the loop runs without steps is still hit, and a
 * Lua loop picks it up at its next instruction-count tick. */
static void
test_breakpoint_while_running (void)
{
	Fx fx;
	fx_init (&fx, FALSE);
	fx_start (&fx, forever_sql, FOREVER);
	g_autofree char *out = expect_output (&fx);
	g_assert_cmpstr (out, ==, "NOTICE started");
	OxBreakpointSpec spec = { .line = 8 };
	g_autoptr (GArray) r = set_bps (&fx, FOREVER, 0, &spec, 1);
	StopEv *ev = expect_stop (&fx, OX_STOP_BREAKPOINT, 8, 1);
	stop_ev_free (ev);
	ox_debugger_terminate (fx.dbg);
	g_assert_cmpint (fx_finish (&fx), ==, OX_ERROR);
	fx_clear (&fx);

	fx_init (&fx, FALSE);
	static const char lua_sql[] =
		"CREATE FUNCTION spin_lua() RETURNS int LANGUAGE lua AS $$\n"  /* 1 */
		"ox.log('notice', 'started')\n"                                          /* 2 */
		"local n = 0\n"                                                /* 3 */
		"while true do\n"                                              /* 4 */
		"  n = n + 1\n"                                                /* 5 */
		"end\n"                                                        /* 6 */
		"$$;\n"                                                        /* 7 */
		"SELECT spin_lua();\n";                                        /* 8 */
	fx_start (&fx, lua_sql, "/work/scripts/spin-lua.sql");
	g_autofree char *out2 = expect_output (&fx);
	g_assert_nonnull (strstr (out2, "started"));
	OxBreakpointSpec spec2 = { .line = 5 };
	g_autoptr (GArray) r2 = set_bps (&fx, "/work/scripts/spin-lua.sql", 0, &spec2, 1);
	ev = expect_stop (&fx, OX_STOP_BREAKPOINT, 5, 1);
	stop_ev_free (ev);
	ox_debugger_terminate (fx.dbg);
	g_assert_cmpint (fx_finish (&fx), ==, OX_ERROR);
	fx_clear (&fx);
}

/* Query debugging: step in at a join's statement reaches its operators'
 * rows, next walks a scan's rows, step out goes to the row its parent
 * makes of them. */
static void
test_query_steps (void)
{
	Fx fx;
	fx_init (&fx, FALSE);
	ox_session_set_debug_queries (fx.s, true);
	static const char sql[] =
		"CREATE TABLE a (id int PRIMARY KEY, v text);\n"                         /* 1 */
		"CREATE TABLE b (id int, a_id int);\n"                                   /* 2 */
		"INSERT INTO a VALUES (1, 'one'), (2, 'two');\n"                         /* 3 */
		"INSERT INTO b VALUES (10, 2), (11, 1);\n"                               /* 4 */
		"SELECT a.v, b.id FROM a JOIN b ON a.id = b.a_id;\n";                    /* 5 */
	OxBreakpointSpec spec = { .line = 5 };
	g_autoptr (GArray) r = set_bps (&fx, "/work/scripts/join.sql", 0, &spec, 1);
	fx_start (&fx, sql, "/work/scripts/join.sql");
	step (&fx, OX_STOP_BREAKPOINT, 5, 0, OX_RESUME_STEP_IN);
	/* plan: 1 Project, 2 Hash Join, 3 Seq Scan on a, 4 Seq Scan on b (built first) */
	StopEv *ev = expect_stop (&fx, OX_STOP_STEP, 4, 3);
	g_assert_cmpint (ev->kind, ==, OX_FRAME_OPERATOR);
	g_assert_cmpstr (ev->name, ==, "Seq Scan on b");
	stop_ev_free (ev);
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_NEXT));
	step (&fx, OX_STOP_STEP, 4, 3, OX_RESUME_NEXT);            /* b's second row */
	step (&fx, OX_STOP_STEP, 3, 3, OX_RESUME_STEP_OUT);        /* a's first row */
	ev = expect_stop (&fx, OX_STOP_STEP, 2, 2);                /* the join's first row */
	g_assert_cmpstr (ev->name, ==, "Hash Join");
	stop_ev_free (ev);
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_STEP_OUT));
	ev = expect_stop (&fx, OX_STOP_STEP, 1, 1);                /* the result's first row */
	g_assert_cmpstr (ev->name, ==, "Project");
	stop_ev_free (ev);
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
	g_assert_cmpint (fx_finish (&fx), ==, OX_OK);
	fx_clear (&fx);
}

/* Inspection while stopped: a closure on the session's thread evaluates
 * in the paused frame and sets a variable the routine then uses. */
typedef struct {
	char *eval;
	char *set;
} Inspect;

static void
inspect_closure (OxDebugger *dbg, OxFrame *top, gpointer data)
{
	Inspect *in = data;
	(void) dbg;
	OxVariable v;
	OxError e = { 0 };
	g_assert_true (ox_frame_evaluate (top, "r + n", &v, &e));
	in->eval = g_strdup (v.value);
	ox_variable_clear (&v);
	const char *path[] = { "r" };
	g_assert_true (ox_frame_set_variable (top, OX_SCOPE_LOCALS, path, 1, "99", &v, &e));
	in->set = g_strdup (v.value);
	ox_variable_clear (&v);
}

static void
test_evaluate_set_variable (void)
{
	Fx fx;
	fx_init (&fx, FALSE);
	static const char sql[] =
		"CREATE PROCEDURE calc(n int) LANGUAGE plsql AS $$\n"   /* 1 */
		"DECLARE r int := n * 2;\n"                              /* 2 */
		"BEGIN\n"                                                /* 3 */
		"  RAISE NOTICE 'r=%', r;\n"                             /* 4 */
		"END $$;\n"                                              /* 5 */
		"CALL calc(5);\n";                                       /* 6 */
	OxBreakpointSpec spec = { .line = 4 };
	g_autoptr (GArray) r = set_bps (&fx, "/work/scripts/calc.sql", 0, &spec, 1);
	fx_start (&fx, sql, "/work/scripts/calc.sql");
	StopEv *ev = expect_stop (&fx, OX_STOP_BREAKPOINT, 4, 1);
	stop_ev_free (ev);
	Inspect in = { 0 };
	g_assert_true (ox_debugger_run_stopped_sync (fx.dbg, inspect_closure, &in));
	g_assert_cmpstr (in.eval, ==, "15");
	g_assert_cmpstr (in.set, ==, "99");
	g_free (in.eval);
	g_free (in.set);
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
	g_assert_cmpint (fx_finish (&fx), ==, OX_OK);
	g_autofree char *out = expect_output (&fx);
	g_assert_cmpstr (out, ==, "NOTICE r=99");
	fx_clear (&fx);
}

/* Terminate while stopped after a routine wrote: the paused statement
 * itself fails (not the next one) and its writes are rolled back. */
static void
test_terminate_rolls_back (void)
{
	Fx fx;
	fx_init (&fx, FALSE);
	static const char sql[] =
		"CREATE TABLE w (id int PRIMARY KEY);\n"                   /* 1 */
		"CREATE PROCEDURE put_two() LANGUAGE plsql AS $$\n"        /* 2 */
		"BEGIN\n"                                                  /* 3 */
		"  INSERT INTO w VALUES (1);\n"                            /* 4 */
		"  INSERT INTO w VALUES (2);\n"                            /* 5 */
		"END $$;\n"                                                /* 6 */
		"CALL put_two();\n";                                       /* 7 */
	OxBreakpointSpec spec = { .line = 5 };
	g_autoptr (GArray) r = set_bps (&fx, "/work/scripts/w.sql", 0, &spec, 1);
	fx_start (&fx, sql, "/work/scripts/w.sql");
	StopEv *ev = expect_stop (&fx, OX_STOP_BREAKPOINT, 5, 1);
	stop_ev_free (ev);
	ox_debugger_terminate (fx.dbg);
	g_assert_cmpint (fx_finish (&fx), ==, OX_ERROR);
	g_assert_cmpstr (fx.err.sqlstate, ==, "57014");
	ox_debugger_free (fx.dbg);
	fx.dbg = ox_debugger_new (fx.s, NULL, NULL);
	OxStmt *st = NULL;
	OxError e = { 0 };
	g_assert_cmpint (ox_prepare (fx.s, "SELECT count(*) FROM w", -1, &st, NULL, &e), ==, OX_OK);
	g_assert_cmpint (ox_step (st, &e), ==, OX_ROW);
	g_assert_cmpstr (ox_column_text (st, 0), ==, "0");
	ox_finalize (st);
	fx_clear (&fx);

	/* the same in Lua, stopped at the function's last line */
	fx_init (&fx, FALSE);
	static const char lua[] =
		"CREATE TABLE w (id int PRIMARY KEY);\n"                            /* 1 */
		"CREATE FUNCTION put_lua() RETURNS int LANGUAGE lua AS $$\n"        /* 2 */
		"ox.exec('INSERT INTO w VALUES (1)')\n"                             /* 3 */
		"return 1\n"                                                        /* 4 */
		"$$;\n"                                                             /* 5 */
		"SELECT put_lua();\n";                                              /* 6 */
	OxBreakpointSpec lspec = { .line = 4 };
	g_autoptr (GArray) r2 = set_bps (&fx, "/work/scripts/wl.sql", 0, &lspec, 1);
	fx_start (&fx, lua, "/work/scripts/wl.sql");
	ev = expect_stop (&fx, OX_STOP_BREAKPOINT, 4, 1);
	stop_ev_free (ev);
	ox_debugger_terminate (fx.dbg);
	g_assert_cmpint (fx_finish (&fx), ==, OX_ERROR);
	g_assert_cmpstr (fx.err.sqlstate, ==, "57014");
	ox_debugger_free (fx.dbg);
	fx.dbg = ox_debugger_new (fx.s, NULL, NULL);
	g_assert_cmpint (ox_prepare (fx.s, "SELECT count(*) FROM w", -1, &st, NULL, &e), ==, OX_OK);
	g_assert_cmpint (ox_step (st, &e), ==, OX_ROW);
	g_assert_cmpstr (ox_column_text (st, 0), ==, "0");
	ox_finalize (st);
	fx_clear (&fx);
}

/* A pause reaches a long statement that has no step points (a big join,
 * without query debugging) through the engine's interrupt checks. */
static void
test_pause_long_query (void)
{
	Fx fx;
	fx_init (&fx, FALSE);
	static const char sql[] =
		"CREATE TABLE n (i int);\n"                                              /* 1 */
		"DO $$ BEGIN FOR k IN 1..3000 LOOP INSERT INTO n VALUES (k); END LOOP; END $$;\n"  /* 2 */
		"SELECT count(*) FROM n a, n b, n c;\n";                                 /* 3 */
	OxBreakpointSpec spec = { .line = 3 };
	g_autoptr (GArray) r = set_bps (&fx, "/work/scripts/long.sql", 0, &spec, 1);
	fx_start (&fx, sql, "/work/scripts/long.sql");
	step (&fx, OX_STOP_BREAKPOINT, 3, 0, OX_RESUME_CONTINUE);
	/* 27e9 rows: it runs until paused */
	g_usleep (50000);
	g_assert_true (ox_debugger_pause (fx.dbg));
	StopEv *ev = expect_stop (&fx, OX_STOP_PAUSE, 3, 0);
	g_assert_cmpint (ev->kind, ==, OX_FRAME_STATEMENT);
	stop_ev_free (ev);
	ox_debugger_terminate (fx.dbg);
	g_assert_cmpint (fx_finish (&fx), ==, OX_ERROR);
	g_assert_cmpstr (fx.err.sqlstate, ==, "57014");
	fx_clear (&fx);
}

/* Terminate at a breakpoint inside the loop: the statement fails and the
 * breakpoint, reached again and again before the cancel lands, never
 * stops again. */
static void
test_terminate (void)
{
	Fx fx;
	fx_init (&fx, FALSE);
	OxBreakpointSpec spec = { .line = 7 };
	g_autoptr (GArray) r = set_bps (&fx, FOREVER, 0, &spec, 1);
	fx_start (&fx, forever_sql, FOREVER);
	StopEv *ev = expect_stop (&fx, OX_STOP_BREAKPOINT, 7, 1);
	stop_ev_free (ev);
	ox_debugger_terminate (fx.dbg);
	g_assert_cmpint (fx_finish (&fx), ==, OX_ERROR);
	g_assert_cmpstr (fx.err.sqlstate, ==, "57014");
	g_assert_false (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
	fx_clear (&fx);

	/* at the script statement's own step the engine clears the cancel
	 * after us, when the statement starts: the re-armed cancel (at every
	 * later hook event) ends it in the routine's loop */
	fx_init (&fx, FALSE);
	OxBreakpointSpec call = { .line = 15 };
	g_autoptr (GArray) r2 = set_bps (&fx, FOREVER, 0, &call, 1);
	fx_start (&fx, forever_sql, FOREVER);
	ev = expect_stop (&fx, OX_STOP_BREAKPOINT, 15, 0);
	g_assert_cmpint (ev->kind, ==, OX_FRAME_STATEMENT);
	stop_ev_free (ev);
	ox_debugger_terminate (fx.dbg);
	g_assert_cmpint (fx_finish (&fx), ==, OX_ERROR);
	g_assert_cmpstr (fx.err.sqlstate, ==, "57014");
	fx_clear (&fx);
}

/* A stop nobody ends: after max_pause the statement is cancelled (57014),
 * with a note; the next statement stops again. */
static void
test_max_pause (void)
{
	Fx fx;
	fx_init (&fx, FALSE);
	ox_debugger_set_max_pause (fx.dbg, 50);
	OxBreakpointSpec spec = { .line = 7 };
	g_autoptr (GArray) r = set_bps (&fx, FOREVER, 0, &spec, 1);
	fx_start (&fx, forever_sql, FOREVER);
	StopEv *ev = expect_stop (&fx, OX_STOP_BREAKPOINT, 7, 1);
	stop_ev_free (ev);
	/* no command: the pause runs out */
	g_assert_cmpint (GPOINTER_TO_INT (g_async_queue_timeout_pop (fx.continued, HANG_GUARD_US)), ==, 2);
	g_assert_cmpint (fx_finish (&fx), ==, OX_ERROR);
	g_assert_cmpstr (fx.err.sqlstate, ==, "57014");
	g_autofree char *started = expect_output (&fx);
	g_assert_cmpstr (started, ==, "NOTICE started");
	g_autofree char *note = expect_output (&fx);
	g_assert_true (g_str_has_prefix (note, "dbg: the session was paused longer than 50 ms"));

	OxFunctionBreakpointSpec fb = { .name = "tiny" };
	g_autoptr (GArray) r2 = ox_debugger_set_function_breakpoints (fx.dbg, &fb, 1);
	ox_debugger_set_max_pause (fx.dbg, 0);
	fx_start (&fx, "CALL tiny();", FOREVER);
	step (&fx, OX_STOP_FUNCTION_BREAKPOINT, 11, 1, OX_RESUME_CONTINUE);
	g_assert_cmpint (GPOINTER_TO_INT (g_async_queue_timeout_pop (fx.continued, HANG_GUARD_US)), ==, 1);
	g_assert_cmpint (fx_finish (&fx), ==, OX_OK);

	/* the session's own setting, debug.max_pause, wins over the
	 * debugger's (which is "for ever" now) */
	fx_start (&fx, "SET debug.max_pause = '40ms';\nCALL forever();", FOREVER);
	ev = expect_stop (&fx, OX_STOP_BREAKPOINT, 7, 1);
	stop_ev_free (ev);
	g_assert_cmpint (GPOINTER_TO_INT (g_async_queue_timeout_pop (fx.continued, HANG_GUARD_US)), ==, 2);
	g_assert_cmpint (fx_finish (&fx), ==, OX_ERROR);
	g_assert_cmpstr (fx.err.sqlstate, ==, "57014");
	g_autofree char *started2 = expect_output (&fx);
	g_assert_cmpstr (started2, ==, "NOTICE started");
	g_autofree char *note2 = expect_output (&fx);
	g_assert_true (g_str_has_prefix (note2, "dbg: the session was paused longer than 40 ms"));
	fx_clear (&fx);
}

/* Stop on entry: the first step of the script, once. */
static void
test_stop_on_entry (void)
{
	Fx fx;
	fx_init (&fx, FALSE);
	ox_debugger_set_stop_on_entry (fx.dbg, TRUE);
	fx_start (&fx, "SELECT 1;\n\nSELECT 2;\nSELECT 3;\n", "/work/scripts/entry.sql");
	StopEv *ev = expect_stop (&fx, OX_STOP_ENTRY, 1, 0);
	g_assert_cmpint (ev->kind, ==, OX_FRAME_STATEMENT);
	g_assert_cmpstr (ev->name, ==, "SELECT 1;");
	stop_ev_free (ev);
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_NEXT));
	step (&fx, OX_STOP_STEP, 3, 0, OX_RESUME_CONTINUE);
	g_assert_cmpint (fx_finish (&fx), ==, OX_OK);
	fx_start (&fx, "SELECT 4;", "/work/scripts/entry.sql");
	g_assert_cmpint (fx_finish (&fx), ==, OX_OK);  /* one-shot */
	fx_clear (&fx);
}

/* A routine not from a file: breakpoints by source id, set while stopped. */
static void
test_source_id (void)
{
	Fx fx;
	fx_init (&fx, FALSE);
	OxFunctionBreakpointSpec fb = { .name = "inline_f" };
	g_autoptr (GArray) r = ox_debugger_set_function_breakpoints (fx.dbg, &fb, 1);
	fx_start (&fx,
	          "CREATE FUNCTION inline_f() RETURNS int LANGUAGE plsql AS $$\nBEGIN\n  RETURN 1;\nEND $$;\n"
	          "SELECT inline_f();\nSELECT inline_f();\n",
	          NULL);
	StopEv *ev = expect_stop (&fx, OX_STOP_FUNCTION_BREAKPOINT, 1, 1);
	guint32 oid = ev->source_id;
	g_assert_cmpuint (oid, !=, 0);
	stop_ev_free (ev);
	/* seen: verified at once; clear the function breakpoint meanwhile */
	OxBreakpointSpec spec = { .line = 3 };
	g_autoptr (GArray) r2 = set_bps (&fx, NULL, oid, &spec, 1);
	g_assert_true (g_array_index (r2, OxBreakpoint, 0).verified);
	g_autoptr (GArray) r3 = ox_debugger_set_function_breakpoints (fx.dbg, NULL, 0);
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
	step (&fx, OX_STOP_BREAKPOINT, 3, 1, OX_RESUME_CONTINUE);
	step (&fx, OX_STOP_BREAKPOINT, 3, 1, OX_RESUME_CONTINUE);  /* the second SELECT */
	g_assert_cmpint (fx_finish (&fx), ==, OX_OK);
	fx_clear (&fx);
}

/* ---- run_stopped ---- */

typedef struct {
	GArray  *stack;
	GThread *thread;
} StackProbe;

static void
read_stack (OxDebugger *dbg, OxFrame *top, gpointer data)
{
	StackProbe *p = data;
	p->stack = ox_debugger_stack (top);
	p->thread = g_thread_self ();
}

static void
push_line (OxDebugger *dbg, OxFrame *top, gpointer data)
{
	g_async_queue_push (data, GINT_TO_POINTER (ox_frame_line (top)));
}

static void
push_destroyed (gpointer data)
{
	g_async_queue_push (data, GINT_TO_POINTER (-1));
}

/* Closures run on the session's thread while it is stopped, in order,
 * and read the stack there; not stopped, they are refused. */
static void
test_run_stopped (void)
{
	Fx fx;
	fx_init (&fx, FALSE);
	OxBreakpointSpec spec = { .line = 8 };
	g_autoptr (GArray) r = set_bps (&fx, SHOP, 0, &spec, 1);
	fx_start (&fx, shop_sql, SHOP);
	StopEv *ev = expect_stop (&fx, OX_STOP_BREAKPOINT, 8, 2);
	stop_ev_free (ev);

	StackProbe p = { 0 };
	g_assert_true (ox_debugger_run_stopped_sync (fx.dbg, read_stack, &p));
	g_assert_true (p.thread == fx.worker);
	g_assert_cmpuint (p.stack->len, ==, 3);
	struct {
		OxFrameKind kind;
		const char *name;
		int line;
	} want[] = {
		{ OX_FRAME_TRIGGER, "t_audit BEFORE INSERT ON t FOR EACH ROW", 8 },
		{ OX_FRAME_ROUTINE, "put(integer)", 18 },
		{ OX_FRAME_STATEMENT, "CALL put(21);", 21 },
	};
	for (guint i = 0; i < 3; i++) {
		OxStackFrame *f = &g_array_index (p.stack, OxStackFrame, i);
		g_assert_cmpint (f->kind, ==, want[i].kind);
		g_assert_cmpstr (f->name, ==, want[i].name);
		g_assert_cmpint (f->line, ==, want[i].line);
		g_assert_cmpint (f->depth, ==, 2 - (int) i);
		g_assert_cmpstr (f->source_path, ==, SHOP);
		g_assert_cmpstr (f->source_name, ==, "shop.sql");
		g_assert_cmpuint (f->source_id, ==, 0);
	}
	g_array_unref (p.stack);

	/* asynchronous: both run, in order, each followed by its destroy,
	 * before the resume queued after them takes effect */
	g_autoptr (GAsyncQueue) q = g_async_queue_new ();
	g_assert_true (ox_debugger_run_stopped (fx.dbg, push_line, q, push_destroyed));
	g_assert_true (ox_debugger_run_stopped (fx.dbg, push_line, q, push_destroyed));
	g_assert_true (ox_debugger_resume (fx.dbg, OX_RESUME_CONTINUE));
	int seen[] = { 8, -1, 8, -1 };
	for (guint i = 0; i < G_N_ELEMENTS (seen); i++)
		g_assert_cmpint (GPOINTER_TO_INT (g_async_queue_timeout_pop (q, HANG_GUARD_US)), ==, seen[i]);
	g_assert_cmpint (fx_finish (&fx), ==, OX_OK);

	/* not stopped: refused, data handed back through destroy */
	g_assert_false (ox_debugger_run_stopped (fx.dbg, push_line, q, push_destroyed));
	g_assert_cmpint (GPOINTER_TO_INT (g_async_queue_try_pop (q)), ==, -1);
	g_assert_false (ox_debugger_run_stopped_sync (fx.dbg, read_stack, &p));
	g_autofree char *out = expect_output (&fx);
	g_assert_cmpstr (out, ==, "NOTICE audit 21");
	fx_clear (&fx);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/debugger/breakpoint/line-and-steps", test_line_and_steps);
	g_test_add_func ("/debugger/breakpoint/hit-conditions", test_hit_conditions);
	g_test_add_func ("/debugger/breakpoint/conditions", test_conditions);
	g_test_add_func ("/debugger/breakpoint/engine-evaluation", test_engine_evaluation);
	g_test_add_func ("/debugger/breakpoint/logpoints", test_logpoints);
	g_test_add_func ("/debugger/breakpoint/source-id", test_source_id);
	g_test_add_func ("/debugger/breakpoint/function", test_function_breakpoints);
	g_test_add_func ("/debugger/breakpoint/exceptions", test_exceptions);
	g_test_add_func ("/debugger/breakpoint/exception-after-caught", test_exception_after_caught);
	g_test_add_func ("/debugger/breakpoint/exceptions-lua", test_exceptions_lua);
	g_test_add_func ("/debugger/control/pause-terminate", test_pause_terminate);
	g_test_add_func ("/debugger/control/terminate", test_terminate);
	g_test_add_func ("/debugger/control/max-pause", test_max_pause);
	g_test_add_func ("/debugger/control/stop-on-entry", test_stop_on_entry);
	g_test_add_func ("/debugger/control/breakpoint-while-running", test_breakpoint_while_running);
	g_test_add_func ("/debugger/control/terminate-rolls-back", test_terminate_rolls_back);
	g_test_add_func ("/debugger/control/pause-long-query", test_pause_long_query);
	g_test_add_func ("/debugger/stopped/run-stopped", test_run_stopped);
	g_test_add_func ("/debugger/stopped/evaluate-set-variable", test_evaluate_set_variable);
	g_test_add_func ("/debugger/step/query-operators", test_query_steps);
	return g_test_run ();
}

/*
 * debugger.h — the debugger's policy over the engine's hooks: breakpoints,
 * stepping by call depth, pause, terminate, and the stopped state in which
 * other threads inspect the session on its own thread.
 *
 * An OxDebugger attaches to one OxSession by installing its hooks
 * (engine/debug.h).  From then on the session's thread calls into the
 * debugger at every frame entry, step, error and output line; when a stop
 * condition holds, that thread blocks inside the hook until a command
 * (ox_debugger_resume, ox_debugger_terminate) arrives from another thread,
 * or until max_pause runs out.  While it blocks it runs the closures other
 * threads queue with ox_debugger_run_stopped: that is the only safe way to
 * read frames (and, later, variables), since engine state belongs to the
 * session's thread.
 *
 * No protocol here: the DAP layer (dap/) turns the callbacks below into
 * events and its requests into these calls.
 *
 * NOTE: threads.  Every function below may be called from any thread
 * except where noted.  The callbacks run on the session's thread, with no
 * lock held, so they may call back into the debugger; but "stopped" runs
 * while the session is stopped, and a callback that waits for another
 * thread's ox_debugger_resume blocks the session, which is the point.
 *
 * NOTE: what can go wrong.
 *  - ox_debugger_new and ox_debugger_free install and remove the engine's
 *    hooks; call them while the session runs nothing (the engine reads its
 *    hooks without a lock).  To end a debugging run while a statement is
 *    running: ox_debugger_terminate, wait for ox_exec to return, then free.
 *  - Cancellation is the only way to make a running statement fail from
 *    outside (the hooks cannot raise into the engine).  The engine clears a
 *    session's cancel flag when a top-level statement starts, which is
 *    *after* the on_step of that statement's script frame; so a statement
 *    terminated (or whose pause expired) while stopped at its own script
 *    step is not cancelled unless it later enters a routine or checks for
 *    interrupts in a scan or loop: the debugger re-arms the cancel at
 *    every later hook event, and DDL that never checks runs to its end.
 *  - Condition and logpoint expressions are evaluated by the callbacks
 *    condition_eval and eval_to_text; ox_debugger_engine_condition and
 *    ox_debugger_engine_eval_to_text evaluate them in the engine.
 */
#ifndef OXIBASE_DEBUGGER_H
#define OXIBASE_DEBUGGER_H

#include <glib.h>

#include "oxibase.h"
#include "debug.h"

G_BEGIN_DECLS

typedef struct OxDebugger OxDebugger;

/* Why a session stopped (DAP's "stopped" reasons). */
typedef enum OxStopReason {
	OX_STOP_ENTRY = 1,           /* stop-on-entry: the first step event */
	OX_STOP_BREAKPOINT,          /* a line breakpoint (hit_ids say which) */
	OX_STOP_STEP,                /* a next / step in / step out finished */
	OX_STOP_PAUSE,               /* ox_debugger_pause */
	OX_STOP_FUNCTION_BREAKPOINT, /* a routine or trigger named by one was entered */
	OX_STOP_EXCEPTION,           /* an exception breakpoint filter matched */
} OxStopReason;

/* What ox_debugger_resume does next. */
typedef enum OxResumeKind {
	OX_RESUME_CONTINUE = 1,  /* run to the next breakpoint */
	OX_RESUME_NEXT,          /* step over: next step event at depth <= the stop's */
	OX_RESUME_STEP_IN,       /* next step event at any depth */
	OX_RESUME_STEP_OUT,      /* next step event at depth < the stop's */
} OxResumeKind;

/* Exception breakpoint filters (DAP's exceptionBreakpointFilters). */
typedef enum OxExceptionFilter {
	OX_EXCEPTION_RAISED   = 1 << 0,  /* every error, in the innermost frame it is reported in */
	OX_EXCEPTION_UNCAUGHT = 1 << 1,  /* an error that fails the statement */
} OxExceptionFilter;

/* Where output comes from. */
typedef enum OxOutputSource {
	OX_OUTPUT_ENGINE = 1,  /* RAISE, NOTICE, ox.log: level is the engine's ("NOTICE") */
	OX_OUTPUT_LOGPOINT,    /* a logpoint's message: level is "LOG" */
	OX_OUTPUT_DEBUGGER,    /* the debugger's own notes (max_pause expired): level "WARNING" */
} OxOutputSource;

/* A stop, as the "stopped" callback sees it.  Valid for the duration of
 * the callback only; frame may be read there (the callback runs on the
 * session's thread) and nowhere else. */
typedef struct OxDebuggerStop {
	guint64       stop_id;      /* 1, 2, ... per debugger: names this stop (frame ids
	                               can be built from it and a depth) */
	OxStopReason  reason;
	OxFrame      *frame;        /* the frame the stop happened in: the top of the stack */
	const int    *hit_ids;      /* breakpoint ids (line or function) that caused it */
	guint         n_hit_ids;    /* 0 unless reason is a breakpoint */
	const char   *description;  /* "23505: duplicate key ...", a condition's error,
	                               or NULL */
	gboolean      uncaught;     /* OX_STOP_EXCEPTION: the error fails the statement */
} OxDebuggerStop;

/* One requested line breakpoint (DAP's SourceBreakpoint).  Strings are
 * copied; NULL or "" means none. */
typedef struct OxBreakpointSpec {
	int         line;           /* 1-based, in the source */
	const char *condition;      /* an expression, stop when true */
	const char *hit_condition;  /* "== 5", ">= 3", "% 2", "> n", "< n", "<= n", or "n" (>= n) */
	const char *log_message;    /* a logpoint: print this, never stop; {expr} placeholders */
} OxBreakpointSpec;

/* One requested function breakpoint: name is "routine" or "schema.routine"
 * (a trigger frame matches by the trigger's name). */
typedef struct OxFunctionBreakpointSpec {
	const char *name;
	const char *condition;
	const char *hit_condition;
} OxFunctionBreakpointSpec;

/* A breakpoint as set (DAP's Breakpoint). */
typedef struct OxBreakpoint {
	int       id;        /* unique per debugger, > 0 */
	gboolean  verified;  /* see ox_debugger_set_breakpoints */
	int       line;      /* where it ended up (0 for function breakpoints) */
	char     *message;   /* why it is not verified, or NULL; owned */
} OxBreakpoint;

typedef enum OxConditionResult {
	OX_CONDITION_FALSE = 0,
	OX_CONDITION_TRUE,
	OX_CONDITION_ERROR,  /* *error set (g_malloc'd) */
} OxConditionResult;

/* Callbacks; any may be NULL.  All run on the session's thread with no
 * lock held. */
typedef struct OxDebuggerCallbacks {
	/* The session stopped and waits; return promptly (the commands come
	 * from other threads). */
	void (*stopped) (OxDebugger *dbg, const OxDebuggerStop *stop, gpointer user);
	/* The stop ended: by a command, or (expired) by max_pause, after which
	 * the statement is being cancelled. */
	void (*continued) (OxDebugger *dbg, guint64 stop_id, gboolean expired, gpointer user);
	void (*output) (OxDebugger *dbg, OxOutputSource source, const char *level, const char *text,
	                gpointer user);
	/* A breakpoint changed (it became verified when its source was first
	 * seen: DAP's "breakpoint" event with reason "changed"). */
	void (*breakpoint_changed) (OxDebugger *dbg, const OxBreakpoint *bp, gpointer user);
	/* Evaluate a breakpoint condition in frame.  NULL: every condition is
	 * true (ox_debugger_engine_condition evaluates it in the engine). */
	OxConditionResult (*condition_eval) (OxDebugger *dbg, OxFrame *frame, const char *expr, char **error,
	                                     gpointer user);
	/* Evaluate a logpoint placeholder's expression to text (g_malloc'd), or
	 * return NULL and set *error.  NULL: placeholders are printed as written
	 * (ox_debugger_engine_eval_to_text evaluates them in the engine). */
	char *(*eval_to_text) (OxDebugger *dbg, OxFrame *frame, const char *expr, char **error, gpointer user);
} OxDebuggerCallbacks;

#define OX_DEBUGGER_DEFAULT_MAX_PAUSE_MS (10 * 60 * 1000)

/* Attach to s (installs its debug hooks; see the NOTE above).  callbacks is
 * copied. */
OxDebugger *ox_debugger_new (OxSession *s, const OxDebuggerCallbacks *callbacks, gpointer user);
/* Detach and free.  The session must not be running a statement. */
void        ox_debugger_free (OxDebugger *dbg);
OxSession  *ox_debugger_get_session (OxDebugger *dbg);

/* ---- breakpoints ---- */

/* Replace every line breakpoint of one source (DAP's setBreakpoints): a
 * file path (as given to ox_session_set_script_source), or, when path is
 * NULL, a routine's source_id (ox_frame_source_id).  Returns one
 * OxBreakpoint per spec, in order (free with g_array_unref).
 *
 * Verification (this version): a breakpoint keeps its requested line; it
 * is verified when its source has been seen in a frame since the debugger
 * attached, otherwise unverified until it is, when breakpoint_changed
 * reports it verified.  An unverified breakpoint still stops.  A
 * breakpoint with an invalid hit condition is unverified for good and
 * never stops.  Line numbers are not moved to executable lines: the engine
 * does not tell which lines can stop, only which did. */
GArray     *ox_debugger_set_breakpoints (OxDebugger *dbg, const char *path, guint32 source_id,
                                         const OxBreakpointSpec *specs, guint n);
/* Replace every function breakpoint (DAP's setFunctionBreakpoints).  A
 * match stops in on_enter of the routine or trigger frame, at the line
 * the frame starts on (before its first step).  Returns one OxBreakpoint
 * per spec (always verified unless the hit condition is invalid). */
GArray     *ox_debugger_set_function_breakpoints (OxDebugger *dbg, const OxFunctionBreakpointSpec *specs,
                                                  guint n);
/* NOTE: the engine reports an error in the frame it is raised in (a
 * PL/SQL EXCEPTION block that catches it still counts: "raised" stops
 * there before the handler runs), again in each frame it leaves, and,
 * uncaught, at the statement's frame.  An error propagating through
 * several frames stops once. */
void        ox_debugger_set_exception_filters (OxDebugger *dbg, OxExceptionFilter filters);

/* Forget every breakpoint, function breakpoint and exception filter,
 * and a pending pause, step or stop-on-entry: the debugger stays
 * attached and never stops again until told to (a remote client left). */
void        ox_debugger_clear (OxDebugger *dbg);
/* Would a breakpoint take this hit condition ("== 5", ">= 3", "% 2", "7")? */
gboolean    ox_debugger_hit_condition_valid (const char *hit_condition);

/* ---- execution control ---- */

/* Stop at the first step event of the next statement run (one-shot). */
void        ox_debugger_set_stop_on_entry (OxDebugger *dbg, gboolean stop_on_entry);
/* How long a stop may last before the debugger cancels the statement
 * (57014) and lets it run to its failure; 0 means for ever. */
void        ox_debugger_set_max_pause (OxDebugger *dbg, gint64 max_pause_ms);
/* End the current stop.  FALSE when the session is not stopped. */
gboolean    ox_debugger_resume (OxDebugger *dbg, OxResumeKind how);
/* Stop at the next step event (now, if a statement runs; else in the next
 * one).  FALSE when already stopped or terminated. */
gboolean    ox_debugger_pause (OxDebugger *dbg);
/* Make the running statement fail with 57014 and never stop again (see
 * the NOTE on cancellation above).  Ends a stop in progress. */
void        ox_debugger_terminate (OxDebugger *dbg);
gboolean    ox_debugger_is_stopped (OxDebugger *dbg);

/* ---- inspection while stopped ---- */

typedef void (*OxStoppedFunc) (OxDebugger *dbg, OxFrame *top, gpointer data);

/* Queue fn to run on the session's thread while it is stopped, with the
 * frame it stopped in.  Returns TRUE when queued: fn then runs before the
 * stop ends (queued closures run in order, all of them before a resume,
 * a terminate or max_pause takes effect), and destroy (if any) is called
 * after it.  Returns FALSE when the session is not stopped: fn never runs
 * and destroy is called at once (ownership of data always passes in). */
gboolean    ox_debugger_run_stopped (OxDebugger *dbg, OxStoppedFunc fn, gpointer data, GDestroyNotify destroy);
/* Run fn on the session's thread and wait until it ran.  FALSE (fn not
 * run) when the session is not stopped.  Called on the session's thread
 * during a stop (from the stopped callback or a stopped closure), runs fn
 * at once. */
gboolean    ox_debugger_run_stopped_sync (OxDebugger *dbg, OxStoppedFunc fn, gpointer data);

/* A frame of a stack snapshot; strings are copies. */
typedef struct OxStackFrame {
	int          depth;        /* 0 for the outermost */
	OxFrameKind  kind;
	char        *name;
	char        *source_path;  /* nullable */
	char        *source_name;
	guint32      source_id;    /* 0 for a file */
	int          line;
	int          column;
} OxStackFrame;

/* The stack from top to its outermost frame, top first, as a GArray of
 * OxStackFrame (free with g_array_unref).  Reads frames: call it only on
 * the session's thread (in a stopped closure or callback). */
GArray     *ox_debugger_stack (OxFrame *top);

/* ---- evaluation through the engine ---- */

/* Callbacks for OxDebuggerCallbacks that evaluate in the frame's scope
 * with ox_frame_evaluate (engine/debug.h): a condition is true when it is
 * boolean true, false when false or NULL, and an error (which stops, with
 * the message) when it fails or is not boolean; a logpoint placeholder
 * prints as the value's text form. */
OxConditionResult ox_debugger_engine_condition (OxDebugger *dbg, OxFrame *frame, const char *expr, char **error,
                                                gpointer user);
char             *ox_debugger_engine_eval_to_text (OxDebugger *dbg, OxFrame *frame, const char *expr,
                                                   char **error, gpointer user);

G_END_DECLS

#endif

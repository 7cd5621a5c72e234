/*
 * debugger-private.h — what debugger.c and breakpoints.c share: the
 * debugger's state, which lock guards which field, and the breakpoint
 * helpers.
 *
 * NOTE: the lock order is trivial — there is one lock (OxDebugger.lock)
 * and no callback, engine call that may block, or user closure runs while
 * it is held.  Fields marked "session thread" are touched only by the hooks
 * and need no lock.
 */
#ifndef OXIBASE_DEBUGGER_PRIVATE_H
#define OXIBASE_DEBUGGER_PRIVATE_H

#include "debugger.h"

/* "Put( int )" -> "put(integer)": a signature as the engine prints it,
 * spaces after commas dropped (breakpoints.c). */
char *ox_bp_normalize_signature (const char *sig);

/* A hit condition, parsed. */
typedef enum {
	HIT_ANY = 0,  /* no hit condition */
	HIT_EQ,
	HIT_GE,
	HIT_GT,
	HIT_LE,
	HIT_LT,
	HIT_MOD,
} HitOp;

/* A line or function breakpoint. */
typedef struct {
	int       id;           /* > 0, unique per debugger */
	int       line;         /* 1-based; 0 for a function breakpoint */
	char     *condition;    /* NULL: none */
	HitOp     hit_op;
	gint64    hit_n;        /* operand of hit_op */
	gboolean  invalid;      /* the hit condition did not parse: never stops */
	char     *log_message;  /* NULL: not a logpoint */
	gint64    hits;         /* times reached with its condition true */
	gboolean  verified;
	char     *fn_schema;    /* function breakpoints: NULL for any schema */
	char     *fn_name;      /* function breakpoints: routine or trigger name, or a signature */
} Bp;

typedef enum {
	STEP_NONE = 0,
	STEP_NEXT,
	STEP_IN,
	STEP_OUT,
} StepMode;

/* A closure queued by ox_debugger_run_stopped[_sync]. */
typedef struct {
	OxStoppedFunc   fn;
	gpointer        data;
	GDestroyNotify  destroy;
	gboolean        sync;  /* lives on the waiting thread's stack; it frees nothing */
	gboolean        done;  /* sync: fn ran (under lock) */
} Work;

struct OxDebugger {
	OxSession           *session;    /* not owned; set for our lifetime */
	gboolean             stop_uncaught; /* session thread: the exception stop's error is uncaught */
	OxDebuggerCallbacks  cb;
	gpointer             user;

	GMutex               lock;
	GCond                cond;       /* broadcast on: a command, a queued closure, a
	                                    closure done, the end of a stop */

	/* ---- under lock ---- */
	GHashTable  *bps_by_path;        /* path (owned) -> GPtrArray of Bp* (owned) */
	GHashTable  *bps_by_id;          /* source id -> GPtrArray of Bp* (owned) */
	GPtrArray   *fn_bps;             /* of Bp* (owned) */
	GHashTable  *seen_paths;         /* set of paths (owned) seen in a frame */
	GHashTable  *seen_ids;           /* set of source ids seen in a frame */
	int          next_bp_id;         /* last id given out */
	OxExceptionFilter filters;
	gboolean     stop_on_entry;      /* one-shot */
	gint64       max_pause_ms;       /* 0: for ever */
	StepMode     step;               /* the pending step, STEP_NONE when running free */
	int          step_depth;         /* depth of the frame the step started in */
	gboolean     pause_requested;
	gboolean     terminated;         /* sticky: re-arm the cancel, never stop */
	gboolean     aborting;           /* max_pause expired: as terminated, until the
	                                    outermost frame leaves */
	gboolean     stopped;
	guint64      stop_id;            /* of the current or last stop; 0 before any */
	OxFrame     *stop_frame;         /* while stopped; read only on the session thread */
	GThread     *stop_thread;        /* while stopped: the session's thread */
	OxResumeKind resume;             /* while stopped: the command, 0 until one came */
	GQueue       work;               /* of Work*, while stopped */

	/* ---- session thread ---- */
	int          err_depth;          /* depth of the last on_error, -1 once anything
	                                    ran since: tells an error propagating outward */
	gboolean     err_stopped;        /* the propagating error already stopped */
	char        *err_key;            /* "SQLSTATE:message" of the last on_error */
};

/* breakpoints.c */
Bp         *ox_bp_new (int id, int line, const char *condition, const char *hit_condition,
                       const char *log_message);
void        ox_bp_free (gpointer bp);
gboolean    ox_bp_hit_ok (const Bp *bp);
gboolean    ox_bp_matches_routine (const Bp *bp, OxFrame *frame);
char       *ox_bp_format_log (OxDebugger *dbg, OxFrame *frame, const char *message);
void        ox_bp_result_clear (gpointer p);

#endif

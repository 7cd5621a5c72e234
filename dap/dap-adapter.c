/*
 * dap-adapter.c — DAP requests over debugger/ and the engine (see
 * dap-adapter.h for what it offers and what can go wrong).
 *
 * Threads.  Handlers run on the dispatcher's context (the main thread).
 * The script runs on the worker thread, which is the session's thread:
 * the debugger's callbacks (stopped, output, ...) arrive there and send
 * events, which the dispatcher carries over in order.  A request that
 * reads the paused session becomes a Job: the handler defers its reply
 * and queues the job with ox_debugger_run_stopped; the job runs on the
 * session's thread and answers from there.  A job the stop ended before it
 * ran answers "notStopped" from its destroy function.
 *
 * Identifiers handed to the client.  Frame ids and variables references
 * are indexes into tables of the current stop (cleared when a new stop
 * begins), so they stay small and an id from an earlier stop is refused
 * rather than misread.  Source references name a source for the whole
 * connection: a routine not created from a file, or a plan; its text is
 * kept when first seen, so `source` can answer after the frame is gone.
 *
 * Ordering.  A step or continue answers first and resumes after, so its
 * response always precedes the `stopped` event its resumption causes.
 * `initialized` follows the `launch` response: configuration requests
 * need the debugger that launch creates.
 */
#include "dap-adapter.h"
#include "dap-dispatch.h"

#include <string.h>

#include "oxibase.h"
#include "debug.h"
#include "debugger.h"

#define THREAD_ID 1
#define MAX_PRINT_ROWS 1000

typedef struct {
	int      ref;          /* sourceReference, >= 1 */
	guint32  engine_id;    /* routine oid or plan id */
	char    *database;     /* attach mode: the database the id belongs to */
	char    *name;
	char    *text;
	int     *lines;        /* where a step can happen (ox_frame_source_lines) */
	int      nlines;
	/* a routine created from a file that is gone: its body, served here
	 * in body lines; the engine still counts in the file's lines, so
	 * breakpoints go to it by file path, shifted by line_offset */
	char    *file;         /* that file, or NULL */
	int      line_offset;  /* file line = body line + line_offset */
} Source;

typedef struct {
	int      depth;
	OxScope  scope;
	char   **path;         /* NULL-terminated; empty for a scope */
	int      named;        /* the parent's named children (filter "indexed") */
} VarRef;

/* A frame id or variables reference of some thread's stop: valid while
 * that thread is in that stop. */
typedef struct {
	gint64   thread;
	guint64  stop_id;
	int      depth;
} FrameRef;

typedef struct {
	gint64   thread;
	guint64  stop_id;
	VarRef   v;
} VarRefEntry;

/* One protocol thread: the launched script's session, or a server
 * session in attach mode. */
typedef struct {
	gint64       id;
	char        *name;
	char        *database;       /* attach mode */
	OxDebugger  *dbg;            /* identity only in attach mode (borrow to use) */
	gboolean     pause_pending;  /* attach: pause asked before the debugger came */
	GHashTable  *bp_ids;         /* the debugger's breakpoint id -> ours */
	/* the current stop */
	gboolean     stopped;
	guint64      stop_id;
	char        *exc_state, *exc_message;
	gboolean     exc_uncaught;
} DapThread;

/* What the client asked for with setBreakpoints (one source) or
 * setFunctionBreakpoints (path and engine_id unset); applied to every
 * thread's debugger, now and when one comes. */
typedef struct {
	gboolean  function;
	char     *path;
	guint32   engine_id;
	char     *database;
	guint     n;
	OxBreakpointSpec *specs;          /* strings owned */
	OxFunctionBreakpointSpec *fspecs; /* strings owned */
	int      *ids;                    /* ours, per spec */
} BpSet;

struct _DapAdapter {
	DapDispatch *dispatch;
	GMainLoop   *loop;
	GMutex       lock;           /* guards everything below that threads share */

	/* launch */
	gboolean     launched, configured, no_debug;
	char        *program;        /* path, or NULL for inline sql */
	char        *script;         /* the text to run */
	OxDatabase  *db;
	OxDatabase  *shared_db;      /* EMBEDDED HOOK: borrowed, see dap_adapter_share_database */
	OxSession   *s;
	OxDebugger  *dbg;
	GThread     *worker;
	int          exit_code;
	gboolean     finished;       /* the script ended: exited/terminated sent */

	/* attach */
	OxDebugHub  *hub;            /* not owned; NULL in launch mode */
	DapAuthFunc  auth;
	char        *only_user;      /* the client may debug this user's sessions only */
	gpointer     auth_data;
	OxDebugClient *client;       /* after a successful attach */
	gint64       max_pause_ms;   /* -1: the debugger's default */

	/* threads and what applies to all of them */
	GPtrArray   *threads;        /* DapThread* */
	GPtrArray   *bp_sets;        /* BpSet* */
	int          next_bp_id;
	OxExceptionFilter filters;

	/* stops */
	GArray      *frames;         /* FrameRef, index + 1 = frame id */
	GArray      *varrefs;        /* VarRefEntry, index + 1 = variablesReference */

	/* sources */
	GPtrArray   *sources;        /* Source*, index + 1 = sourceReference */
	GHashTable  *seen_files;     /* file paths reported as loaded */
	GHashTable  *request_texts;  /* attach: path -> text of scripts a client ran under a
	                                path of its own (X-Oxibase-Source), newest; under lock */
};

/* ---- JSON helpers --------------------------------------------------------------------------- */

static const char *
arg_string (JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member (o, name) : NULL;
	if (!n || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string (n);
}

static gboolean
arg_bool (JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member (o, name) : NULL;
	return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_BOOLEAN &&
	       json_node_get_boolean (n);
}

/* An integer argument; FALSE when absent or not a number. */
static gboolean
arg_int (JsonObject *o, const char *name, gint64 *out)
{
	JsonNode *n = o ? json_object_get_member (o, name) : NULL;
	if (!n || !JSON_NODE_HOLDS_VALUE (n))
		return FALSE;
	GType t = json_node_get_value_type (n);
	if (t == G_TYPE_INT64)
		*out = json_node_get_int (n);
	else if (t == G_TYPE_DOUBLE) {
		/* out of range or not a number: not an integer argument (a cast
		 * would be undefined behaviour) */
		double d = json_node_get_double (n);
		if (!(d >= -9.0e15 && d <= 9.0e15))
			return FALSE;
		*out = (gint64) d;
	} else
		return FALSE;
	return TRUE;
}

static JsonObject *
arg_object (JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member (o, name) : NULL;
	return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static JsonArray *
arg_array (JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member (o, name) : NULL;
	return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

static GError *
invalid (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

static GError *
invalid (const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	char *m = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	GError *e = g_error_new_literal (DAP_ERROR, DAP_ERROR_INVALID_REQUEST, m);
	g_free (m);
	return e;
}

static GError *
failed (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

static GError *
failed (const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	char *m = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	GError *e = g_error_new_literal (DAP_ERROR, DAP_ERROR_FAILED, m);
	g_free (m);
	return e;
}

static GError *
not_stopped (void)
{
	return g_error_new_literal (DAP_ERROR, DAP_ERROR_NOT_STOPPED, "notStopped");
}

/* ---- events ----------------------------------------------------------------------------------- */

static void
send_output (DapAdapter *self, const char *category, const char *text)
{
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "category");
	json_builder_add_string_value (b, category);
	json_builder_set_member_name (b, "output");
	json_builder_add_string_value (b, text);
	json_builder_end_object (b);
	dap_dispatch_send_event (self->dispatch, "output", json_builder_get_root (b));
	g_object_unref (b);
}

/* Source JSON for a frame's source: a file path, or a reference. */
static void
add_source (JsonBuilder *b, const char *name, const char *path, int ref)
{
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "name");
	json_builder_add_string_value (b, name ? name : "?");
	if (path) {
		json_builder_set_member_name (b, "path");
		json_builder_add_string_value (b, path);
	} else if (ref > 0) {
		json_builder_set_member_name (b, "sourceReference");
		json_builder_add_int_value (b, ref);
		json_builder_set_member_name (b, "presentationHint");
		json_builder_add_string_value (b, "deemphasize");
	}
	json_builder_end_object (b);
}

static void
send_loaded_source (DapAdapter *self, const char *name, const char *path, int ref)
{
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "reason");
	json_builder_add_string_value (b, "new");
	json_builder_set_member_name (b, "source");
	add_source (b, name, path, ref);
	json_builder_end_object (b);
	dap_dispatch_send_event (self->dispatch, "loadedSource", json_builder_get_root (b));
	g_object_unref (b);
}

/* ---- sources ------------------------------------------------------------------------------------ */

static void
source_free (gpointer p)
{
	Source *src = p;
	g_free (src->database);
	g_free (src->name);
	g_free (src->text);
	g_free (src->lines);
	g_free (src->file);
	g_free (src);
}

/* The reference of a frame's non-file source, registered (with its text)
 * the first time it is seen; session thread. */
static DapThread *thread_by_id_locked (DapAdapter *self, gint64 id);

static int
source_ref_for (DapAdapter *self, gint64 thread, OxFrame *f)
{
	guint32 id = ox_frame_source_id (f);
	g_mutex_lock (&self->lock);
	DapThread *th = thread_by_id_locked (self, thread);
	const char *database = th ? th->database : NULL;
	for (guint i = 0; i < self->sources->len; i++) {
		Source *src = self->sources->pdata[i];
		if (src->engine_id == id && !g_strcmp0 (src->database, database)) {
			g_mutex_unlock (&self->lock);
			return src->ref;
		}
	}
	Source *src = g_new0 (Source, 1);
	src->engine_id = id;
	src->database = g_strdup (database);
	src->name = g_strdup (ox_frame_source_name (f));
	src->text = g_strdup (ox_frame_source_text (f) ? ox_frame_source_text (f) : "");
	src->nlines = ox_frame_source_lines (f, &src->lines);
	g_ptr_array_add (self->sources, src);
	src->ref = (int) self->sources->len;
	int ref = src->ref;
	char *name = g_strdup (src->name);
	g_mutex_unlock (&self->lock);
	send_loaded_source (self, name, NULL, ref);
	g_free (name);
	return ref;
}

/* A routine frame whose file is gone (the workstation debugs from a
 * temporary file and deletes it; a database outlives its scripts):
 * true with the reference of a source holding the routine's body, and
 * the body-relative line.  Session thread. */
static gboolean
body_source_for (DapAdapter *self, gint64 thread, OxFrame *f, int *ref, int *line)
{
	const char *path = ox_frame_source_path (f);
	const char *body = NULL;
	int offset = 0;
	guint32 oid = 0;
	if (!path || g_file_test (path, G_FILE_TEST_EXISTS) || !ox_frame_routine_body (f, &body, &offset, &oid))
		return FALSE;
	*line = ox_frame_line (f) - offset;
	g_mutex_lock (&self->lock);
	DapThread *th = thread_by_id_locked (self, thread);
	const char *database = th ? th->database : NULL;
	for (guint i = 0; i < self->sources->len; i++) {
		Source *src = self->sources->pdata[i];
		if (src->file && src->engine_id == oid && !g_strcmp0 (src->database, database)) {
			*ref = src->ref;
			g_mutex_unlock (&self->lock);
			return TRUE;
		}
	}
	Source *src = g_new0 (Source, 1);
	src->engine_id = oid;
	src->database = g_strdup (database);
	const char *schema = ox_frame_routine_schema (f);
	src->name = g_strdup_printf ("%s%s%s (%s)", schema ? schema : "", schema ? "." : "", ox_frame_routine_name (f),
	                             ox_frame_kind (f) == OX_FRAME_TRIGGER ? "trigger function" : "routine");
	src->text = g_strdup (body ? body : "");
	src->nlines = ox_debug_body_lines (ox_frame_routine_language (f), src->text, &src->lines);
	src->file = g_strdup (path);
	src->line_offset = offset;
	g_ptr_array_add (self->sources, src);
	src->ref = (int) self->sources->len;
	*ref = src->ref;
	char *name = g_strdup (src->name);
	g_mutex_unlock (&self->lock);
	send_loaded_source (self, name, NULL, *ref);
	g_free (name);
	return TRUE;
}

static Source *
source_by_ref_locked (DapAdapter *self, gint64 ref)
{
	if (ref < 1 || ref > (gint64) self->sources->len)
		return NULL;
	return self->sources->pdata[ref - 1];
}

static void
note_file (DapAdapter *self, const char *path)
{
	g_mutex_lock (&self->lock);
	gboolean fresh = !g_hash_table_contains (self->seen_files, path);
	if (fresh)
		g_hash_table_add (self->seen_files, g_strdup (path));
	g_mutex_unlock (&self->lock);
	if (fresh) {
		char *base = g_path_get_basename (path);
		send_loaded_source (self, base, path, 0);
		g_free (base);
	}
}

/* ---- debugger callbacks (session thread) ---------------------------------------------------------- */

static const char *
reason_name (OxStopReason r)
{
	switch (r) {
	case OX_STOP_ENTRY: return "entry";
	case OX_STOP_BREAKPOINT: return "breakpoint";
	case OX_STOP_STEP: return "step";
	case OX_STOP_PAUSE: return "pause";
	case OX_STOP_FUNCTION_BREAKPOINT: return "function breakpoint";
	case OX_STOP_EXCEPTION: return "exception";
	}
	return "pause";
}

static void
varref_clear (gpointer p)
{
	VarRefEntry *e = p;
	g_strfreev (e->v.path);
}

/* ---- threads ---------------------------------------------------------------------------------------- */

static void
thread_free (gpointer p)
{
	DapThread *th = p;
	g_free (th->name);
	g_free (th->database);
	g_free (th->exc_state);
	g_free (th->exc_message);
	g_hash_table_unref (th->bp_ids);
	g_free (th);
}

static DapThread *
thread_new (gint64 id, const char *name, const char *database)
{
	DapThread *th = g_new0 (DapThread, 1);
	th->id = id;
	th->name = g_strdup (name);
	th->database = g_strdup (database);
	th->bp_ids = g_hash_table_new (g_direct_hash, g_direct_equal);
	return th;
}

static DapThread *
thread_by_id_locked (DapAdapter *self, gint64 id)
{
	for (guint i = 0; i < self->threads->len; i++) {
		DapThread *th = self->threads->pdata[i];
		if (th->id == id)
			return th;
	}
	return NULL;
}

static DapThread *
thread_by_dbg_locked (DapAdapter *self, OxDebugger *dbg)
{
	for (guint i = 0; i < self->threads->len; i++) {
		DapThread *th = self->threads->pdata[i];
		if (th->dbg == dbg)
			return th;
	}
	return NULL;
}

/* The debugger of thread id, to use now (main thread); give it back with
 * unborrow.  In attach mode the hub keeps it alive meanwhile. */
static OxDebugger *
borrow (DapAdapter *self, gint64 id, OxDebugTarget **t)
{
	*t = NULL;
	if (!self->hub)
		return id == THREAD_ID ? self->dbg : NULL;
	return self->client ? ox_debug_client_borrow (self->client, (guint64) id, t) : NULL;
}

static void
unborrow (OxDebugTarget *t)
{
	if (t)
		ox_debug_target_release (t);
}

/* A client's breakpoint id for the debugger's, or 0. */
static int
our_bp_id_locked (DapThread *th, int dbg_id)
{
	return GPOINTER_TO_INT (g_hash_table_lookup (th->bp_ids, GINT_TO_POINTER (dbg_id)));
}

static gboolean
set_applies (const BpSet *set, const DapThread *th)
{
	return set->function || !set->database || !g_strcmp0 (set->database, th->database);
}

/* Apply one breakpoint set to a thread's debugger, remembering the ids;
 * under self->lock.  Returns the debugger's answer (g_array_unref). */
static GArray *
apply_set_locked (DapThread *th, OxDebugger *dbg, const BpSet *set)
{
	GArray *r = set->function ? ox_debugger_set_function_breakpoints (dbg, set->fspecs, set->n)
	                          : ox_debugger_set_breakpoints (dbg, set->path, set->engine_id, set->specs, set->n);
	for (guint i = 0; i < r->len; i++)
		g_hash_table_insert (th->bp_ids, GINT_TO_POINTER (g_array_index (r, OxBreakpoint, i).id),
		                     GINT_TO_POINTER (set->ids[i]));
	return r;
}

static void
bp_set_free (gpointer p)
{
	BpSet *set = p;
	for (guint i = 0; i < set->n; i++) {
		if (set->specs) {
			g_free ((char *) set->specs[i].condition);
			g_free ((char *) set->specs[i].hit_condition);
			g_free ((char *) set->specs[i].log_message);
		}
		if (set->fspecs) {
			g_free ((char *) set->fspecs[i].name);
			g_free ((char *) set->fspecs[i].condition);
			g_free ((char *) set->fspecs[i].hit_condition);
		}
	}
	g_free (set->specs);
	g_free (set->fspecs);
	g_free (set->ids);
	g_free (set->path);
	g_free (set->database);
	g_free (set);
}

/* Replace the set for the same source (or the function breakpoints) by
 * set; under self->lock. */
static void
store_set_locked (DapAdapter *self, BpSet *set)
{
	for (guint i = 0; i < self->bp_sets->len; i++) {
		BpSet *o = self->bp_sets->pdata[i];
		if (o->function == set->function && o->engine_id == set->engine_id && !g_strcmp0 (o->path, set->path) &&
		    !g_strcmp0 (o->database, set->database)) {
			g_ptr_array_remove_index (self->bp_sets, i);
			break;
		}
	}
	g_ptr_array_add (self->bp_sets, set);
}

/* ---- debugger callbacks (session thread) ---------------------------------------------------------- */

static void on_breakpoint_changed (OxDebugger *dbg, const OxBreakpoint *bp, gpointer user);

/* Is some thread other than th stopped?  Under self->lock. */
static gboolean
others_stopped_locked (DapAdapter *self, DapThread *th)
{
	for (guint i = 0; i < self->threads->len; i++) {
		DapThread *o = self->threads->pdata[i];
		if (o != th && o->stopped)
			return TRUE;
	}
	return FALSE;
}

static void
on_stopped (OxDebugger *dbg, const OxDebuggerStop *stop, gpointer user)
{
	DapAdapter *self = user;
	g_mutex_lock (&self->lock);
	DapThread *th = thread_by_dbg_locked (self, dbg);
	if (!th) {
		/* not ours (any more): nobody would resume it */
		g_mutex_unlock (&self->lock);
		ox_debugger_resume (dbg, OX_RESUME_CONTINUE);
		return;
	}
	gint64 thread_id = th->id;
	th->stopped = TRUE;
	th->stop_id = stop->stop_id;
	/* ids of earlier stops are refused from now on; when no other thread
	 * holds ids, the tables start over so the numbers stay small */
	if (!others_stopped_locked (self, th)) {
		g_array_set_size (self->frames, 0);
		g_array_set_size (self->varrefs, 0);
	}
	g_clear_pointer (&th->exc_state, g_free);
	g_clear_pointer (&th->exc_message, g_free);
	th->exc_uncaught = stop->uncaught;
	if (stop->reason == OX_STOP_EXCEPTION && stop->description) {
		/* "SQLSTATE: message" */
		const char *colon = strstr (stop->description, ": ");
		if (colon && colon - stop->description == 5) {
			th->exc_state = g_strndup (stop->description, 5);
			th->exc_message = g_strdup (colon + 2);
		} else
			th->exc_message = g_strdup (stop->description);
	}
	int *hits = g_new0 (int, stop->n_hit_ids + 1);
	for (guint i = 0; i < stop->n_hit_ids; i++)
		hits[i] = our_bp_id_locked (th, stop->hit_ids[i]);
	g_mutex_unlock (&self->lock);
	if (ox_frame_source_path (stop->frame) && g_file_test (ox_frame_source_path (stop->frame), G_FILE_TEST_EXISTS))
		note_file (self, ox_frame_source_path (stop->frame));

	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "reason");
	json_builder_add_string_value (b, reason_name (stop->reason));
	json_builder_set_member_name (b, "threadId");
	json_builder_add_int_value (b, thread_id);
	json_builder_set_member_name (b, "allThreadsStopped");
	json_builder_add_boolean_value (b, self->hub == NULL);
	if (stop->description) {
		json_builder_set_member_name (b, "description");
		json_builder_add_string_value (b, stop->description);
		if (stop->reason == OX_STOP_EXCEPTION) {
			json_builder_set_member_name (b, "text");
			json_builder_add_string_value (b, stop->description);
		}
	}
	if (stop->n_hit_ids > 0) {
		json_builder_set_member_name (b, "hitBreakpointIds");
		json_builder_begin_array (b);
		for (guint i = 0; i < stop->n_hit_ids; i++)
			if (hits[i])
				json_builder_add_int_value (b, hits[i]);
		json_builder_end_array (b);
	}
	json_builder_end_object (b);
	/* a function breakpoint on a routine the script created has now
	 * proved itself: say so before the stop */
	for (guint i = 0; stop->reason == OX_STOP_FUNCTION_BREAKPOINT && i < stop->n_hit_ids; i++) {
		OxBreakpoint bp = { stop->hit_ids[i], TRUE, 0, NULL };
		on_breakpoint_changed (dbg, &bp, self);
	}
	g_free (hits);
	dap_dispatch_send_event (self->dispatch, "stopped", json_builder_get_root (b));
	g_object_unref (b);
}

/* The stop of dbg's thread ended; returns its id (0 if none). */
static gint64
stop_ended (DapAdapter *self, OxDebugger *dbg)
{
	g_mutex_lock (&self->lock);
	DapThread *th = thread_by_dbg_locked (self, dbg);
	gint64 id = 0;
	if (th) {
		th->stopped = FALSE;
		id = th->id;
	}
	g_mutex_unlock (&self->lock);
	return id;
}

static void
on_continued (OxDebugger *dbg, guint64 stop_id, gboolean expired, gpointer user)
{
	DapAdapter *self = user;
	(void) stop_id;
	gint64 id = stop_ended (self, dbg);
	if (!expired || !id)
		return;  /* the client asked: it knows */
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "threadId");
	json_builder_add_int_value (b, id);
	json_builder_set_member_name (b, "allThreadsContinued");
	json_builder_add_boolean_value (b, self->hub == NULL);
	json_builder_end_object (b);
	dap_dispatch_send_event (self->dispatch, "continued", json_builder_get_root (b));
	g_object_unref (b);
}

static void
on_output (OxDebugger *dbg, OxOutputSource source, const char *level, const char *text, gpointer user)
{
	DapAdapter *self = user;
	(void) dbg;
	/* one line each, however the text ends */
	gsize n = strlen (text);
	while (n > 0 && text[n - 1] == '\n')
		n--;
	char *line = source == OX_OUTPUT_LOGPOINT ? g_strdup_printf ("%.*s\n", (int) n, text)
	                                          : g_strdup_printf ("%s:  %.*s\n", level ? level : "NOTICE", (int) n, text);
	send_output (self, source == OX_OUTPUT_DEBUGGER ? "important" : "console", line);
	g_free (line);
}

static void
ox_bp_answer_clear (gpointer p)
{
	OxBreakpoint *bp = p;
	g_clear_pointer (&bp->message, g_free);
}

static void
add_breakpoint (JsonBuilder *b, const OxBreakpoint *bp)
{
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "id");
	json_builder_add_int_value (b, bp->id);
	json_builder_set_member_name (b, "verified");
	json_builder_add_boolean_value (b, bp->verified);
	if (bp->line > 0) {
		json_builder_set_member_name (b, "line");
		json_builder_add_int_value (b, bp->line);
	}
	if (bp->message) {
		json_builder_set_member_name (b, "message");
		json_builder_add_string_value (b, bp->message);
	}
	json_builder_end_object (b);
}

static void
on_breakpoint_changed (OxDebugger *dbg, const OxBreakpoint *bp, gpointer user)
{
	DapAdapter *self = user;
	g_mutex_lock (&self->lock);
	DapThread *th = thread_by_dbg_locked (self, dbg);
	int id = th ? our_bp_id_locked (th, bp->id) : 0;
	g_mutex_unlock (&self->lock);
	if (!id)
		return;
	OxBreakpoint ours = *bp;
	ours.id = id;
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "reason");
	json_builder_add_string_value (b, "changed");
	json_builder_set_member_name (b, "breakpoint");
	add_breakpoint (b, &ours);
	json_builder_end_object (b);
	dap_dispatch_send_event (self->dispatch, "breakpoint", json_builder_get_root (b));
	g_object_unref (b);
}

/* ---- jobs on the stopped session ---------------------------------------------------------------- */

typedef struct Job Job;
typedef JsonNode *(*JobFunc) (DapAdapter *self, gint64 thread, OxFrame *top, JsonObject *args, GError **error);

struct Job {
	DapAdapter *self;
	DapReply   *reply;   /* owned until answered */
	JsonObject *args;
	JobFunc     fn;
	gint64      thread;
	OxSession  *session;
};

/* The client's `cancel` of a running job: cancel what the session runs
 * (an evaluation or a console statement; the engine keeps the paused
 * statement out of it).  Any thread. */
static void
cancel_session (GCancellable *c, gpointer data)
{
	(void) c;
	ox_session_cancel (data);
}

static JsonNode *job_evaluate (DapAdapter *self, gint64 thread, OxFrame *top, JsonObject *args, GError **error);
static JsonNode *job_set_variable (DapAdapter *self, gint64 thread, OxFrame *top, JsonObject *args, GError **error);

static void
job_run (OxDebugger *dbg, OxFrame *top, gpointer data)
{
	Job *j = data;
	(void) dbg;
	GError *error = NULL;
	GCancellable *c = dap_reply_get_cancellable (j->reply);
	if (c && g_cancellable_is_cancelled (c)) {
		/* cancelled before it ran (or the client is gone): do not run it,
		 * since cancelling the session now would reach the paused
		 * statement once it resumes */
		dap_reply_fail (j->reply, g_error_new_literal (DAP_ERROR, DAP_ERROR_CANCELLED, "cancelled"));
		j->reply = NULL;
		return;
	}
	/* only evaluations and assignments run statements that a cancel must
	 * reach; the engine drops a cancel that arrives during one, but one
	 * arriving between the inspection calls of a stack trace would stay
	 * and fail the paused statement when it resumes */
	gboolean runs_sql = j->fn == job_evaluate || j->fn == job_set_variable;
	gulong id = c && runs_sql ? g_cancellable_connect (c, G_CALLBACK (cancel_session), j->session, NULL) : 0;
	JsonNode *body = j->fn (j->self, j->thread, top, j->args, &error);
	if (id)
		g_cancellable_disconnect (c, id);
	if (c && g_cancellable_is_cancelled (c)) {
		/* the spec's answer to a cancelled request */
		g_clear_error (&error);
		if (body)
			json_node_unref (body);
		dap_reply_fail (j->reply, g_error_new_literal (DAP_ERROR, DAP_ERROR_CANCELLED, "cancelled"));
	} else if (error)
		dap_reply_fail (j->reply, error);
	else
		dap_reply_finish (j->reply, body);
	j->reply = NULL;
}

static void
job_free (gpointer data)
{
	Job *j = data;
	if (j->reply)
		dap_reply_fail (j->reply, not_stopped ());
	json_object_unref (j->args);
	g_free (j);
}

/* Defer reply and run fn on the stopped session of thread. */
static JsonNode *
run_job (DapAdapter *self, gint64 thread, JsonObject *args, DapReply *reply, JobFunc fn, GError **error)
{
	OxDebugTarget *t;
	OxDebugger *dbg = borrow (self, thread, &t);
	if (!dbg) {
		g_set_error_literal (error, DAP_ERROR, DAP_ERROR_NOT_STOPPED, "notStopped");
		return NULL;
	}
	Job *j = g_new0 (Job, 1);
	j->self = self;
	j->args = json_object_ref (args);
	j->fn = fn;
	j->thread = thread;
	j->session = ox_debugger_get_session (dbg);
	j->reply = dap_reply_defer (reply);
	ox_debugger_run_stopped (dbg, job_run, j, job_free);
	unborrow (t);
	return NULL;
}

/* The current stop of thread, or 0; under self->lock. */
static guint64
stop_of_locked (DapAdapter *self, gint64 thread)
{
	DapThread *th = thread_by_id_locked (self, thread);
	return th && th->stopped ? th->stop_id : 0;
}

/* The thread a frame id belongs to, or 0. */
static gint64
thread_of_frame (DapAdapter *self, gint64 id)
{
	g_mutex_lock (&self->lock);
	gint64 t = id >= 1 && id <= (gint64) self->frames->len ? g_array_index (self->frames, FrameRef, id - 1).thread : 0;
	g_mutex_unlock (&self->lock);
	return t;
}

static gint64
thread_of_varref (DapAdapter *self, gint64 ref)
{
	g_mutex_lock (&self->lock);
	gint64 t = ref >= 1 && ref <= (gint64) self->varrefs->len ? g_array_index (self->varrefs, VarRefEntry, ref - 1).thread
	                                                          : 0;
	g_mutex_unlock (&self->lock);
	return t;
}

/* The frame with a client's frame id, or NULL (error set). */
static OxFrame *
frame_for (DapAdapter *self, gint64 thread, OxFrame *top, JsonObject *args, gboolean required, GError **error)
{
	gint64 id;
	if (!arg_int (args, "frameId", &id)) {
		if (required) {
			*error = invalid ("frameId is required");
			return NULL;
		}
		return top;
	}
	g_mutex_lock (&self->lock);
	int depth = -1;
	if (id >= 1 && id <= (gint64) self->frames->len) {
		FrameRef *r = &g_array_index (self->frames, FrameRef, id - 1);
		if (r->thread == thread && r->stop_id == stop_of_locked (self, thread))
			depth = r->depth;
	}
	g_mutex_unlock (&self->lock);
	for (OxFrame *f = top; f && depth >= 0; f = ox_frame_parent (f))
		if (ox_frame_depth (f) == depth)
			return f;
	*error = invalid ("frame %" G_GINT64_FORMAT " is not a frame of the current stop", id);
	return NULL;
}

static int
new_varref (DapAdapter *self, gint64 thread, int depth, OxScope scope, char **path, int named)
{
	g_mutex_lock (&self->lock);
	VarRefEntry e = { thread, stop_of_locked (self, thread), { depth, scope, path, named } };
	g_array_append_val (self->varrefs, e);
	int ref = (int) self->varrefs->len;
	g_mutex_unlock (&self->lock);
	return ref;
}

static gboolean
varref_get (DapAdapter *self, gint64 thread, gint64 ref, VarRef *out)
{
	g_mutex_lock (&self->lock);
	gboolean ok = ref >= 1 && ref <= (gint64) self->varrefs->len;
	if (ok) {
		VarRefEntry *e = &g_array_index (self->varrefs, VarRefEntry, ref - 1);
		ok = e->thread == thread && e->stop_id == stop_of_locked (self, thread);
		if (ok) {
			out->depth = e->v.depth;
			out->scope = e->v.scope;
			out->path = g_strdupv (e->v.path);
			out->named = e->v.named;
		}
	}
	g_mutex_unlock (&self->lock);
	return ok;
}

static OxFrame *
frame_at_depth (OxFrame *top, int depth)
{
	for (OxFrame *f = top; f; f = ox_frame_parent (f))
		if (ox_frame_depth (f) == depth)
			return f;
	return NULL;
}

static GError *
engine_error (const OxError *e)
{
	GString *m = g_string_new (NULL);
	g_string_append_printf (m, "%s: %s", e->sqlstate, e->message ? e->message : "");
	if (e->detail)
		g_string_append_printf (m, "\nDETAIL:  %s", e->detail);
	if (e->hint)
		g_string_append_printf (m, "\nHINT:  %s", e->hint);
	GError *r = g_error_new_literal (DAP_ERROR, DAP_ERROR_FAILED, m->str);
	g_string_free (m, TRUE);
	return r;
}

/* ---- stackTrace, scopes, variables ---------------------------------------------------------------- */

/* A routine frame as a call with its argument values, "place(100, 1, 4)"
 * or "greet('Ann')" (long values cut); other frames by their name. */
static char *
frame_title (OxFrame *f)
{
	const char *name = ox_frame_name (f);
	if (ox_frame_kind (f) != OX_FRAME_ROUTINE)
		return g_strdup (name);
	const char *paren = strchr (name, '(');
	GString *g = g_string_new_len (name, paren ? paren - name : (gssize) strlen (name));
	OxVariable *v = NULL;
	int n = ox_frame_variables (f, OX_SCOPE_ARGUMENTS, NULL, 0, 0, 0, &v, NULL);
	g_string_append_c (g, '(');
	for (int i = 0; i < n; i++) {
		if (i)
			g_string_append (g, ", ");
		const char *t = v[i].type ? v[i].type : "";
		gboolean quote = !v[i].is_null && !g_str_has_prefix (t, "integer") && !g_str_has_prefix (t, "bigint") &&
		                 !g_str_has_prefix (t, "smallint") && !g_str_has_prefix (t, "numeric") &&
		                 !g_str_has_prefix (t, "real") && !g_str_has_prefix (t, "double") &&
		                 !g_str_has_prefix (t, "boolean") && strcmp (t, "number") != 0;
		glong len = g_utf8_strlen (v[i].value, -1);
		char *cut = len > 24 ? g_utf8_substring (v[i].value, 0, 21) : NULL;
		g_string_append_printf (g, "%s%s%s%s", quote ? "'" : "", cut ? cut : v[i].value, cut ? "..." : "",
		                        quote ? "'" : "");
		g_free (cut);
	}
	g_string_append_c (g, ')');
	ox_variables_free (v, n > 0 ? n : 0);  /* an empty list is still an allocation */
	return g_string_free (g, FALSE);
}

static JsonNode *
job_stack (DapAdapter *self, gint64 thread, OxFrame *top, JsonObject *args, GError **error)
{
	(void) error;
	gint64 start = 0, levels = 0;
	arg_int (args, "startFrame", &start);
	arg_int (args, "levels", &levels);
	int total = top ? ox_frame_depth (top) + 1 : 0;
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "stackFrames");
	json_builder_begin_array (b);
	int i = 0;
	for (OxFrame *f = top; f; f = ox_frame_parent (f), i++) {
		if (i < start || (levels > 0 && i >= start + levels))
			continue;
		int depth = ox_frame_depth (f);
		g_mutex_lock (&self->lock);
		guint64 stop = stop_of_locked (self, thread);
		int id = 0;
		for (guint k = 0; k < self->frames->len && !id; k++) {
			FrameRef *r = &g_array_index (self->frames, FrameRef, k);
			if (r->thread == thread && r->stop_id == stop && r->depth == depth)
				id = (int) k + 1;
		}
		if (!id) {
			FrameRef r = { thread, stop, depth };
			g_array_append_val (self->frames, r);
			id = (int) self->frames->len;
		}
		g_mutex_unlock (&self->lock);
		json_builder_begin_object (b);
		json_builder_set_member_name (b, "id");
		json_builder_add_int_value (b, id);
		json_builder_set_member_name (b, "name");
		char *shown = frame_title (f);
		json_builder_add_string_value (b, shown);
		g_free (shown);
		/* a routine whose file is gone: its body, in body lines */
		int body_ref = 0, body_line = 0;
		gboolean gone = body_source_for (self, thread, f, &body_ref, &body_line);
		json_builder_set_member_name (b, "line");
		json_builder_add_int_value (b, gone ? body_line : ox_frame_line (f));
		json_builder_set_member_name (b, "column");
		json_builder_add_int_value (b, ox_frame_column (f));
		json_builder_set_member_name (b, "source");
		const char *path = ox_frame_source_path (f);
		if (gone) {
			g_mutex_lock (&self->lock);
			Source *bs = source_by_ref_locked (self, body_ref);
			char *bname = g_strdup (bs ? bs->name : NULL);
			g_mutex_unlock (&self->lock);
			add_source (b, bname, NULL, body_ref);
			g_free (bname);
		} else if (path) {
			if (self->hub && ox_frame_kind (f) == OX_FRAME_STATEMENT && ox_frame_source_text (f) &&
			    !g_file_test (path, G_FILE_TEST_EXISTS)) {
				/* a request's script, named by its client: the file
				 * is the client's, the text is served by `source' */
				g_mutex_lock (&self->lock);
				g_hash_table_replace (self->request_texts, g_strdup (path), g_strdup (ox_frame_source_text (f)));
				g_mutex_unlock (&self->lock);
			}
			note_file (self, path);
			add_source (b, ox_frame_source_name (f), path, 0);
		} else
			add_source (b, ox_frame_source_name (f), NULL, source_ref_for (self, thread, f));
		if (ox_frame_kind (f) == OX_FRAME_OPERATOR) {
			json_builder_set_member_name (b, "presentationHint");
			json_builder_add_string_value (b, "subtle");
		}
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
	json_builder_set_member_name (b, "totalFrames");
	json_builder_add_int_value (b, total);
	json_builder_end_object (b);
	JsonNode *r = json_builder_get_root (b);
	g_object_unref (b);
	return r;
}

static const char *
scope_hint (OxScope s)
{
	switch (s) {
	case OX_SCOPE_ARGUMENTS: return "arguments";
	case OX_SCOPE_LOCALS: return "locals";
	case OX_SCOPE_SPECIAL:
	case OX_SCOPE_OPERATOR: return "registers";
	default: return NULL;
	}
}

static JsonNode *
job_scopes (DapAdapter *self, gint64 thread, OxFrame *top, JsonObject *args, GError **error)
{
	OxFrame *f = frame_for (self, thread, top, args, TRUE, error);
	if (!f)
		return NULL;
	OxScope sc[OX_MAX_SCOPES];
	int n = ox_frame_scopes (f, sc);
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "scopes");
	json_builder_begin_array (b);
	for (int i = 0; i < n; i++) {
		int ref = new_varref (self, thread, ox_frame_depth (f), sc[i], g_new0 (char *, 1), 0);
		json_builder_begin_object (b);
		json_builder_set_member_name (b, "name");
		json_builder_add_string_value (b, ox_scope_name (sc[i]));
		if (scope_hint (sc[i])) {
			json_builder_set_member_name (b, "presentationHint");
			json_builder_add_string_value (b, scope_hint (sc[i]));
		}
		json_builder_set_member_name (b, "variablesReference");
		json_builder_add_int_value (b, ref);
		json_builder_set_member_name (b, "expensive");
		json_builder_add_boolean_value (b, FALSE);
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
	json_builder_end_object (b);
	JsonNode *r = json_builder_get_root (b);
	g_object_unref (b);
	return r;
}

static void
add_variable (DapAdapter *self, gint64 thread, JsonBuilder *b, const OxVariable *v, int depth, OxScope scope, char **parent)
{
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "name");
	json_builder_add_string_value (b, v->name);
	json_builder_set_member_name (b, "value");
	json_builder_add_string_value (b, v->value);
	json_builder_set_member_name (b, "type");
	json_builder_add_string_value (b, v->type);
	int ref = 0;
	if (v->named_children > 0 || v->indexed_children > 0) {
		guint n = parent ? g_strv_length (parent) : 0;
		char **path = g_new0 (char *, n + 2);
		for (guint i = 0; i < n; i++)
			path[i] = g_strdup (parent[i]);
		path[n] = g_strdup (v->name);
		ref = new_varref (self, thread, depth, scope, path, v->named_children);
		if (v->named_children > 0) {
			json_builder_set_member_name (b, "namedVariables");
			json_builder_add_int_value (b, v->named_children);
		}
		if (v->indexed_children > 0) {
			json_builder_set_member_name (b, "indexedVariables");
			json_builder_add_int_value (b, v->indexed_children);
		}
	}
	json_builder_set_member_name (b, "variablesReference");
	json_builder_add_int_value (b, ref);
	json_builder_end_object (b);
}

static JsonNode *
job_variables (DapAdapter *self, gint64 thread, OxFrame *top, JsonObject *args, GError **error)
{
	gint64 ref, start = 0, count = 0;
	if (!arg_int (args, "variablesReference", &ref)) {
		*error = invalid ("variablesReference is required");
		return NULL;
	}
	arg_int (args, "start", &start);
	arg_int (args, "count", &count);
	VarRef v;
	if (!varref_get (self, thread, ref, &v)) {
		*error = invalid ("variables reference %" G_GINT64_FORMAT " does not belong to the current stop", ref);
		return NULL;
	}
	const char *filter = arg_string (args, "filter");
	/* named children come first, then indexed ones */
	if (filter && !strcmp (filter, "indexed"))
		start += v.named;
	else if (filter && !strcmp (filter, "named") && (count == 0 || count > v.named - start))
		count = v.named - start > 0 ? v.named - start : -1;
	JsonNode *r = NULL;
	OxFrame *f = frame_at_depth (top, v.depth);
	if (!f)
		*error = invalid ("the frame of variables reference %" G_GINT64_FORMAT " is gone", ref);
	else {
		OxVariable *vars = NULL;
		OxError e = { 0 };
		int n = count < 0 ? 0
		                  : ox_frame_variables (f, v.scope, (const char *const *) v.path, (int) g_strv_length (v.path),
		                                        (int) start, (int) count, &vars, &e);
		if (n < 0) {
			*error = engine_error (&e);
			ox_error_clear (&e);
		} else {
			JsonBuilder *b = json_builder_new ();
			json_builder_begin_object (b);
			json_builder_set_member_name (b, "variables");
			json_builder_begin_array (b);
			for (int i = 0; i < n; i++)
				add_variable (self, thread, b, &vars[i], v.depth, v.scope, v.path);
			json_builder_end_array (b);
			json_builder_end_object (b);
			r = json_builder_get_root (b);
			g_object_unref (b);
			ox_variables_free (vars, n);
		}
	}
	g_strfreev (v.path);
	return r;
}

/* ---- evaluate, setVariable -------------------------------------------------------------------------- */

/* Does the text read as an SQL statement (the console) rather than an
 * expression? */
static gboolean
looks_like_statement (const char *text)
{
	static const char *const verbs[] = { "select", "insert", "update", "delete", "with", "call", "values",
		                             "table", "show", "set", "explain", "create", "drop", "alter",
		                             "truncate", "do", "reset", "merge", NULL };
	while (g_ascii_isspace (*text))
		text++;
	for (int i = 0; verbs[i]; i++) {
		size_t n = strlen (verbs[i]);
		if (!g_ascii_strncasecmp (text, verbs[i], n) && (text[n] == '\0' || !g_ascii_isalnum (text[n])) &&
		    text[n] != '_')
			return TRUE;
	}
	return FALSE;
}

static JsonNode *
job_evaluate (DapAdapter *self, gint64 thread, OxFrame *top, JsonObject *args, GError **error)
{
	const char *expr = arg_string (args, "expression");
	const char *context = arg_string (args, "context");
	if (!expr) {
		*error = invalid ("expression is required");
		return NULL;
	}
	OxFrame *f = frame_for (self, thread, top, args, FALSE, error);
	if (!f)
		return NULL;
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	OxError e = { 0 };
	if (context && !strcmp (context, "repl") && looks_like_statement (expr)) {
		char *out = NULL;
		gboolean ok = ox_frame_execute (f, expr, &out, &e);
		if (!ok) {
			GError *ge = engine_error (&e);
			if (out && *out) {
				/* what ran before the failing statement stays visible */
				char *m = g_strdup_printf ("%s%s", out, ge->message);
				g_free (ge->message);
				ge->message = m;
			}
			*error = ge;
			ox_error_clear (&e);
			g_free (out);
			g_object_unref (b);
			return NULL;
		}
		gsize len = strlen (out);
		while (len > 0 && out[len - 1] == '\n')
			out[--len] = '\0';
		json_builder_set_member_name (b, "result");
		json_builder_add_string_value (b, out);
		g_free (out);
	} else {
		OxVariable v;
		if (!ox_frame_evaluate (f, expr, &v, &e)) {
			*error = engine_error (&e);
			ox_error_clear (&e);
			g_object_unref (b);
			return NULL;
		}
		json_builder_set_member_name (b, "result");
		json_builder_add_string_value (b, v.value);
		json_builder_set_member_name (b, "type");
		json_builder_add_string_value (b, v.type);
		ox_variable_clear (&v);
	}
	json_builder_set_member_name (b, "variablesReference");
	json_builder_add_int_value (b, 0);
	json_builder_end_object (b);
	JsonNode *r = json_builder_get_root (b);
	g_object_unref (b);
	return r;
}

static JsonNode *
job_set_variable (DapAdapter *self, gint64 thread, OxFrame *top, JsonObject *args, GError **error)
{
	gint64 ref;
	const char *name = arg_string (args, "name");
	const char *value = arg_string (args, "value");
	if (!arg_int (args, "variablesReference", &ref) || !name || !value) {
		*error = invalid ("variablesReference, name and value are required");
		return NULL;
	}
	VarRef v;
	if (!varref_get (self, thread, ref, &v)) {
		*error = invalid ("variables reference %" G_GINT64_FORMAT " does not belong to the current stop", ref);
		return NULL;
	}
	JsonNode *r = NULL;
	OxFrame *f = frame_at_depth (top, v.depth);
	guint n = g_strv_length (v.path);
	const char **path = g_new0 (const char *, n + 2);
	for (guint i = 0; i < n; i++)
		path[i] = v.path[i];
	path[n] = name;
	OxVariable out;
	OxError e = { 0 };
	if (!f)
		*error = invalid ("the frame of variables reference %" G_GINT64_FORMAT " is gone", ref);
	else if (!ox_frame_set_variable (f, v.scope, path, (int) n + 1, value, &out, &e)) {
		*error = engine_error (&e);
		ox_error_clear (&e);
	} else {
		JsonBuilder *b = json_builder_new ();
		json_builder_begin_object (b);
		json_builder_set_member_name (b, "value");
		json_builder_add_string_value (b, out.value);
		json_builder_set_member_name (b, "type");
		json_builder_add_string_value (b, out.type);
		json_builder_set_member_name (b, "variablesReference");
		json_builder_add_int_value (b, 0);
		json_builder_end_object (b);
		r = json_builder_get_root (b);
		g_object_unref (b);
		ox_variable_clear (&out);
	}
	g_free (path);
	g_strfreev (v.path);
	return r;
}

/* ---- the script -------------------------------------------------------------------------------------- */

static void
print_stdout (const char *text, void *user)
{
	send_output (user, "stdout", text);
}

static gpointer
worker_main (gpointer data)
{
	DapAdapter *self = data;
	OxError e = { 0 };
	int rc = ox_exec_print (self->s, self->script, MAX_PRINT_ROWS, print_stdout, self, &e);
	if (rc != OX_OK) {
		GString *m = g_string_new (NULL);
		g_string_append_printf (m, "ERROR:  %s: %s\n", e.sqlstate, e.message ? e.message : "");
		if (e.detail)
			g_string_append_printf (m, "DETAIL:  %s\n", e.detail);
		if (e.hint)
			g_string_append_printf (m, "HINT:  %s\n", e.hint);
		if (e.context)
			g_string_append_printf (m, "CONTEXT:  %s\n", e.context);
		send_output (self, "stderr", m->str);
		g_string_free (m, TRUE);
		ox_error_clear (&e);
	}
	g_mutex_lock (&self->lock);
	self->exit_code = rc == OX_OK ? 0 : 1;
	self->finished = TRUE;
	g_mutex_unlock (&self->lock);
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "exitCode");
	json_builder_add_int_value (b, rc == OX_OK ? 0 : 1);
	json_builder_end_object (b);
	dap_dispatch_send_event (self->dispatch, "exited", json_builder_get_root (b));
	g_object_unref (b);
	dap_dispatch_send_event (self->dispatch, "terminated", NULL);
	return NULL;
}

/* ---- EMBEDDED HOOK (dap-adapter-embedded.c) ------------------------------------------------------ */

/* A database handle the process already holds (the workstation's): launch
 * uses it instead of opening "database" (a directory is locked by the
 * process that opened it, and ":memory:" would be a new, empty one), and
 * the adapter never closes it. */
void
dap_adapter_share_database (DapAdapter *self, OxDatabase *db)
{
	self->shared_db = db;
}

static void
release_db (DapAdapter *self)
{
	if (self->db != self->shared_db)
		g_clear_pointer (&self->db, ox_db_close);
	self->db = NULL;
}

/* ---- END EMBEDDED HOOK ---------------------------------------------------------------------------- */

/* Stop the script (if it runs) and close the database; main thread. */
static void detach (DapAdapter *self);

static void
shut_down (DapAdapter *self)
{
	detach (self);
	if (self->worker) {
		if (self->dbg)
			ox_debugger_terminate (self->dbg);
		else if (self->s)
			ox_session_cancel (self->s);
		g_thread_join (self->worker);
		self->worker = NULL;
	}
	g_clear_pointer (&self->dbg, ox_debugger_free);
	g_clear_pointer (&self->s, ox_session_free);
	release_db (self);
}

/* ---- handlers ------------------------------------------------------------------------------------------ */

static JsonNode *
h_initialize (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	(void) args;
	(void) reply;
	(void) user;
	(void) error;
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "exceptionBreakpointFilters");
	json_builder_begin_array (b);
	const char *filters[][3] = {
		{ "raised", "Raised Exceptions", "Stop where any error is raised, even one an EXCEPTION block catches" },
		{ "uncaught", "Uncaught Exceptions", "Stop where an error is about to fail the statement" },
	};
	for (int i = 0; i < 2; i++) {
		json_builder_begin_object (b);
		json_builder_set_member_name (b, "filter");
		json_builder_add_string_value (b, filters[i][0]);
		json_builder_set_member_name (b, "label");
		json_builder_add_string_value (b, filters[i][1]);
		json_builder_set_member_name (b, "description");
		json_builder_add_string_value (b, filters[i][2]);
		json_builder_set_member_name (b, "default");
		json_builder_add_boolean_value (b, i == 1);
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
	json_builder_end_object (b);
	JsonNode *r = json_builder_get_root (b);
	g_object_unref (b);
	return r;
}

static void
send_initialized (gpointer data)
{
	DapAdapter *self = data;
	dap_dispatch_send_event (self->dispatch, "initialized", NULL);
}

static JsonNode *
h_launch (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	DapAdapter *self = user;
	(void) d;
	if (self->hub) {
		*error = failed ("this is a server's debug port: attach to its sessions (launch runs a script locally, "
		                 "with oxibase-dap)");
		return NULL;
	}
	if (self->launched) {
		*error = invalid ("the session was already launched");
		return NULL;
	}
	const char *program = arg_string (args, "program");
	const char *sql = arg_string (args, "sql");
	const char *database = arg_string (args, "database");
	if (!program == !sql) {
		*error = invalid ("launch needs either \"program\" (a .sql file) or \"sql\" (the text to run)");
		return NULL;
	}
	char *text = NULL;
	if (program) {
		GError *e = NULL;
		if (!g_file_get_contents (program, &text, NULL, &e)) {
			*error = failed ("cannot read program \"%s\": %s", program, e->message);
			g_error_free (e);
			return NULL;
		}
		if (!g_utf8_validate (text, -1, NULL)) {
			g_free (text);
			*error = failed ("program \"%s\" is not UTF-8 text", program);
			return NULL;
		}
	} else
		text = g_strdup (sql);
	OxError e = { 0 };
	if (self->shared_db)  /* EMBEDDED HOOK */
		self->db = self->shared_db;
	if ((!self->db && ox_db_open (database && *database ? database : ":memory:", &self->db, &e) != OX_OK) ||
	    ox_session_new (self->db, &self->s, &e) != OX_OK) {
		*error = failed ("cannot open database \"%s\": %s: %s", database ? database : ":memory:", e.sqlstate,
		                 e.message ? e.message : "");
		ox_error_clear (&e);
		release_db (self);
		g_free (text);
		return NULL;
	}
	self->script = text;
	if (program) {
		char *abs = g_canonicalize_filename (program, NULL);
		self->program = abs;
		ox_session_set_script_source (self->s, abs, 1);
	}
	self->no_debug = arg_bool (args, "noDebug");
	if (!self->no_debug) {
		OxDebuggerCallbacks cb = {
			.stopped = on_stopped,
			.continued = on_continued,
			.output = on_output,
			.breakpoint_changed = on_breakpoint_changed,
			.condition_eval = ox_debugger_engine_condition,
			.eval_to_text = ox_debugger_engine_eval_to_text,
		};
		self->dbg = ox_debugger_new (self->s, &cb, self);
		ox_debugger_set_stop_on_entry (self->dbg, arg_bool (args, "stopOnEntry"));
		gint64 max_pause;
		if (arg_int (args, "maxPauseMs", &max_pause)) {
			if (max_pause < 0) {
				*error = invalid ("maxPauseMs must be 0 (for ever) or a number of milliseconds");
				g_clear_pointer (&self->dbg, ox_debugger_free);
				g_clear_pointer (&self->s, ox_session_free);
				release_db (self);
				g_clear_pointer (&self->script, g_free);
				g_clear_pointer (&self->program, g_free);
				return NULL;
			}
			ox_debugger_set_max_pause (self->dbg, max_pause);
		}
		if (arg_bool (args, "stepIntoQueries"))
			ox_session_set_debug_queries (self->s, true);
	}
	self->launched = TRUE;
	DapThread *th = thread_new (THREAD_ID, "session", NULL);
	th->dbg = self->dbg;
	g_mutex_lock (&self->lock);
	g_ptr_array_add (self->threads, th);
	g_mutex_unlock (&self->lock);
	/* answer, then say the adapter takes configuration */
	DapReply *r = dap_reply_defer (reply);
	dap_reply_finish (r, NULL);
	send_initialized (self);
	return NULL;
}

/* ---- attach mode: the hub's client ---------------------------------------------------------------- */

static void
send_thread_event (DapAdapter *self, const char *reason, gint64 id)
{
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "reason");
	json_builder_add_string_value (b, reason);
	json_builder_set_member_name (b, "threadId");
	json_builder_add_int_value (b, id);
	json_builder_end_object (b);
	dap_dispatch_send_event (self->dispatch, "thread", json_builder_get_root (b));
	g_object_unref (b);
}

static void
client_target_added (OxDebugClient *c, const OxDebugTargetInfo *info, gpointer user)
{
	DapAdapter *self = user;
	(void) c;
	char *name = info->application_name && *info->application_name
	                     ? g_strdup_printf ("%s@%s: %s (session %" G_GUINT64_FORMAT ")", info->user, info->database,
	                                        info->application_name, info->id)
	                     : g_strdup_printf ("%s@%s (session %" G_GUINT64_FORMAT ")", info->user, info->database,
	                                        info->id);
	DapThread *th = thread_new ((gint64) info->id, name, info->database);
	g_free (name);
	g_mutex_lock (&self->lock);
	g_ptr_array_add (self->threads, th);
	g_mutex_unlock (&self->lock);
	send_thread_event (self, "started", (gint64) info->id);
}

static void
client_target_removed (OxDebugClient *c, guint64 id, gpointer user)
{
	DapAdapter *self = user;
	(void) c;
	g_mutex_lock (&self->lock);
	DapThread *th = thread_by_id_locked (self, (gint64) id);
	if (th)
		g_ptr_array_remove (self->threads, th);
	g_mutex_unlock (&self->lock);
	if (th)
		send_thread_event (self, "exited", (gint64) id);
}

/* On the session's thread, before its statement: its debugger came (or
 * was handed over cleared): give it what the client asked for. */
static void
client_debugger_ready (OxDebugClient *c, guint64 id, OxDebugger *dbg, gpointer user)
{
	DapAdapter *self = user;
	(void) c;
	g_mutex_lock (&self->lock);
	DapThread *th = thread_by_id_locked (self, (gint64) id);
	if (th) {
		th->dbg = dbg;
		g_hash_table_remove_all (th->bp_ids);
		for (guint i = 0; i < self->bp_sets->len; i++) {
			BpSet *bs = self->bp_sets->pdata[i];
			if (set_applies (bs, th))
				g_array_unref (apply_set_locked (th, dbg, bs));
		}
		ox_debugger_set_exception_filters (dbg, self->filters);
		if (self->max_pause_ms >= 0)
			ox_debugger_set_max_pause (dbg, self->max_pause_ms);
		if (th->pause_pending) {
			th->pause_pending = FALSE;
			ox_debugger_pause (dbg);
		}
	}
	g_mutex_unlock (&self->lock);
}

static void
noop_stopped (OxDebugger *dbg, OxFrame *top, gpointer data)
{
	(void) dbg;
	(void) top;
	(void) data;
}

/* Leave the hub: the jobs queued on stopped sessions run first (they
 * answer through this adapter), then the hub resumes the sessions and
 * clears their breakpoints.  Main thread. */
static void
detach (DapAdapter *self)
{
	if (!self->client)
		return;
	GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_mutex_lock (&self->lock);
	for (guint i = 0; i < self->threads->len; i++) {
		DapThread *th = self->threads->pdata[i];
		if (th->stopped)
			g_array_append_val (ids, th->id);
	}
	g_mutex_unlock (&self->lock);
	for (guint i = 0; i < ids->len; i++) {
		OxDebugTarget *t;
		OxDebugger *dbg = borrow (self, g_array_index (ids, gint64, i), &t);
		if (dbg)
			ox_debugger_run_stopped_sync (dbg, noop_stopped, NULL);
		unborrow (t);
	}
	g_array_unref (ids);
	ox_debug_hub_detach (self->client);
	self->client = NULL;
	g_mutex_lock (&self->lock);
	g_ptr_array_set_size (self->threads, 0);
	g_mutex_unlock (&self->lock);
}

static JsonNode *
h_attach (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	DapAdapter *self = user;
	(void) d;
	if (!self->hub) {
		*error = failed ("attach needs a server (oxibase-server --dap-port, or oxibase-dap --attach); "
		                 "this adapter only launches");
		return NULL;
	}
	if (self->client) {
		*error = invalid ("already attached");
		return NULL;
	}
	if (self->auth) {
		const char *token = arg_string (args, "token");
		GError *e = NULL;
		if (!token || !*token) {
			*error = failed ("attach needs \"token\": log in with POST /api/auth/login and pass the token");
			return NULL;
		}
		char *only = NULL;
		if (self->auth (token, self->auth_data, &only, &e)) {
			if (only) {
				g_free (self->only_user);
				self->only_user = only;
			}
		} else {
			*error = failed ("%s", e ? e->message : "the token was refused");
			g_clear_error (&e);
			return NULL;
		}
	}
	OxDebugFilter filter = { NULL, NULL };
	JsonNode *sn = json_object_get_member (args, "sessions");
	if (sn && JSON_NODE_HOLDS_OBJECT (sn)) {
		JsonObject *so = json_node_get_object (sn);
		filter.user = arg_string (so, "user");
		if (self->only_user && filter.user && g_ascii_strcasecmp (filter.user, self->only_user)) {
			*error = failed ("role \"%s\" may debug only its own sessions; it is not a superuser", self->only_user);
			return NULL;
		}
		filter.application_name = arg_string (so, "application_name");
		if (!filter.application_name)
			filter.application_name = arg_string (so, "applicationName");
	} else if (sn && !(JSON_NODE_HOLDS_VALUE (sn) && json_node_get_value_type (sn) == G_TYPE_STRING &&
	                   !strcmp (json_node_get_string (sn), "all")) &&
	           !JSON_NODE_HOLDS_NULL (sn)) {
		*error = invalid ("sessions is \"all\" or {\"user\": ..., \"application_name\": ...}");
		return NULL;
	}
	if (self->only_user)
		filter.user = self->only_user;
	gint64 max_pause;
	self->max_pause_ms = -1;
	if (arg_int (args, "maxPauseMs", &max_pause)) {
		if (max_pause < 0) {
			*error = invalid ("maxPauseMs must be 0 (for ever) or a number of milliseconds");
			return NULL;
		}
		self->max_pause_ms = max_pause;
	}
	static const OxDebugClientFuncs funcs = {
		.target_added = client_target_added,
		.target_removed = client_target_removed,
		.debugger_ready = client_debugger_ready,
		.debugger = {
			.stopped = on_stopped,
			.continued = on_continued,
			.output = on_output,
			.breakpoint_changed = on_breakpoint_changed,
			.condition_eval = ox_debugger_engine_condition,
			.eval_to_text = ox_debugger_engine_eval_to_text,
		},
	};
	self->client = ox_debug_hub_attach (self->hub, &filter, &funcs, self);
	self->launched = TRUE;
	DapReply *r = dap_reply_defer (reply);
	dap_reply_finish (r, NULL);
	send_initialized (self);
	return NULL;
}

/* In attach mode nothing but initialize, attach and disconnect is served
 * before an attach succeeded. */
static gboolean
gate (const char *command, gpointer user, GError **error)
{
	DapAdapter *self = user;
	if (!self->hub || self->client || !strcmp (command, "attach") || !strcmp (command, "disconnect") ||
	    !strcmp (command, "cancel"))
		return TRUE;
	g_set_error (error, DAP_ERROR, DAP_ERROR_FAILED, "\"%s\" before a successful \"attach\"", command);
	return FALSE;
}

static JsonNode *
h_configuration_done (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	DapAdapter *self = user;
	(void) d;
	(void) args;
	(void) reply;
	if (!self->launched) {
		*error = invalid ("configurationDone before launch");
		return NULL;
	}
	if (self->configured) {
		*error = invalid ("configurationDone was already received");
		return NULL;
	}
	self->configured = TRUE;
	if (self->hub)
		return NULL;  /* the sessions run already */
	if (self->program)
		note_file (self, self->program);
	self->worker = g_thread_new ("oxibase-session", worker_main, self);
	return NULL;
}

/* A launch with noDebug takes breakpoints and never stops at them. */
static JsonNode *
no_debug_breakpoints (JsonArray *bps)
{
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "breakpoints");
	json_builder_begin_array (b);
	for (guint i = 0; bps && i < json_array_get_length (bps); i++) {
		json_builder_begin_object (b);
		json_builder_set_member_name (b, "verified");
		json_builder_add_boolean_value (b, FALSE);
		json_builder_set_member_name (b, "message");
		json_builder_add_string_value (b, "the session runs without debugging (noDebug)");
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
	json_builder_end_object (b);
	JsonNode *r = json_builder_get_root (b);
	g_object_unref (b);
	return r;
}

/* Store a breakpoint set (ids given here) and apply it to every thread
 * that has a debugger; returns the answer per spec, ids still the
 * debugger's (g_array_unref).  In launch mode that is the script's
 * debugger's answer; in attach mode a breakpoint is verified when it can
 * stop at all (the routine exists: its source came from a stack or
 * loadedSources), whatever the sessions have run. */
static GArray *
apply_everywhere (DapAdapter *self, BpSet *bs)
{
	GArray *answer = NULL;
	g_mutex_lock (&self->lock);
	for (guint i = 0; i < bs->n; i++)
		bs->ids[i] = ++self->next_bp_id;
	store_set_locked (self, bs);
	for (guint i = 0; i < self->threads->len; i++) {
		DapThread *th = self->threads->pdata[i];
		if (!th->dbg || !set_applies (bs, th))
			continue;
		OxDebugTarget *t;
		OxDebugger *dbg = borrow (self, th->id, &t);
		if (!dbg)
			continue;
		GArray *r = apply_set_locked (th, dbg, bs);
		unborrow (t);
		if (!answer && !self->hub)
			answer = r;
		else
			g_array_unref (r);
	}
	g_mutex_unlock (&self->lock);
	if (!answer) {
		answer = g_array_sized_new (FALSE, TRUE, sizeof (OxBreakpoint), bs->n);
		g_array_set_clear_func (answer, ox_bp_answer_clear);
		for (guint i = 0; i < bs->n; i++) {
			const char *hit = bs->function ? bs->fspecs[i].hit_condition : bs->specs[i].hit_condition;
			gboolean ok = !hit || !*hit || ox_debugger_hit_condition_valid (hit);
			if (bs->function && ok && !*bs->fspecs[i].name)
				ok = FALSE;
			OxBreakpoint bp = {
				.id = bs->ids[i],
				.verified = ok,
				.line = bs->function ? 0 : bs->specs[i].line,
				.message = ok ? NULL
				           : bs->function && !*bs->fspecs[i].name ? g_strdup ("a function breakpoint needs a name")
				           : g_strdup ("invalid hit condition: expected \"== n\", \">= n\", \"% n\" or a number"),
			};
			g_array_append_val (answer, bp);
		}
	}
	return answer;
}

/* Lines a source can stop at: a file's, a routine body's or a plan's. */
static int
source_lines (DapAdapter *self, const char *path, gint64 ref, int **lines)
{
	if (path) {
		char *text = NULL;
		if (!g_file_get_contents (path, &text, NULL, NULL))
			return -1;
		int n = ox_debug_script_lines (text, 1, lines);
		g_free (text);
		return n;
	}
	g_mutex_lock (&self->lock);
	Source *src = source_by_ref_locked (self, ref);
	int n = -1;
	if (src) {
		n = src->nlines;
		*lines = g_memdup2 (src->lines, sizeof (int) * (gsize) (n > 0 ? n : 1));
	}
	g_mutex_unlock (&self->lock);
	return n;
}

static JsonNode *
h_set_breakpoints (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	DapAdapter *self = user;
	(void) d;
	(void) reply;
	JsonObject *source = arg_object (args, "source");
	if (!source) {
		*error = invalid ("source is required");
		return NULL;
	}
	if (!self->hub && !self->dbg && self->launched)
		return no_debug_breakpoints (arg_array (args, "breakpoints"));
	if (!self->hub && !self->dbg) {
		*error = invalid ("setBreakpoints before launch");
		return NULL;
	}
	const char *path = arg_string (source, "path");
	gint64 ref = 0;
	arg_int (source, "sourceReference", &ref);
	guint32 engine_id = 0;
	char *database = NULL;
	char *gone_file = NULL;   /* a body served for a file that is gone: set by that file */
	int offset = 0;
	int *body_lines = NULL, n_body_lines = -1;
	if (!path || ref > 0) {
		path = NULL;
		g_mutex_lock (&self->lock);
		Source *src = source_by_ref_locked (self, ref);
		engine_id = src ? src->engine_id : 0;
		database = src ? g_strdup (src->database) : NULL;
		if (src && src->file) {
			gone_file = g_strdup (src->file);
			offset = src->line_offset;
			n_body_lines = src->nlines;
			body_lines = g_new (int, n_body_lines > 0 ? n_body_lines : 1);
			for (int k = 0; k < n_body_lines; k++)
				body_lines[k] = src->lines[k] + offset;
		}
		g_mutex_unlock (&self->lock);
		if (gone_file) {
			path = gone_file;
			engine_id = 0;
		} else if (!engine_id) {
			*error = invalid ("unknown source: give a path or a sourceReference from a stack trace");
			return NULL;
		}
	}
	char *abs = path ? g_canonicalize_filename (path, NULL) : NULL;
	JsonArray *bps = arg_array (args, "breakpoints");
	guint n = bps ? json_array_get_length (bps) : 0;
	OxBreakpointSpec *specs = g_new0 (OxBreakpointSpec, n ? n : 1);
	int *asked = g_new0 (int, n ? n : 1);
	int *lines = NULL;
	int nlines = gone_file ? n_body_lines : source_lines (self, abs, ref, &lines);
	if (gone_file)
		lines = g_steal_pointer (&body_lines);
	g_free (gone_file);
	for (guint i = 0; i < n; i++) {
		JsonNode *bn = json_array_get_element (bps, i);
		JsonObject *bo = JSON_NODE_HOLDS_OBJECT (bn) ? json_node_get_object (bn) : NULL;
		gint64 line = 0;
		if (!bo || !arg_int (bo, "line", &line) || line < 1) {
			*error = invalid ("breakpoint %u has no line", i);
			g_free (database);
			g_free (specs);
			g_free (asked);
			g_free (lines);
			g_free (abs);
			return NULL;
		}
		line += offset;  /* a gone file's body: the engine counts in file lines */
		asked[i] = (int) line;
		/* move it to the first line at or after it that can stop */
		int at = (int) line;
		for (int k = 0; k < nlines; k++)
			if (lines[k] >= line) {
				at = lines[k];
				break;
			}
		specs[i].line = at;
		specs[i].condition = arg_string (bo, "condition");
		specs[i].hit_condition = arg_string (bo, "hitCondition");
		specs[i].log_message = arg_string (bo, "logMessage");
	}
	BpSet *bs = g_new0 (BpSet, 1);
	bs->path = g_strdup (abs);
	bs->engine_id = engine_id;
	bs->database = database;
	bs->n = n;
	bs->specs = g_new0 (OxBreakpointSpec, n ? n : 1);
	bs->ids = g_new0 (int, n ? n : 1);
	for (guint i = 0; i < n; i++) {
		bs->specs[i].line = specs[i].line;
		bs->specs[i].condition = g_strdup (specs[i].condition);
		bs->specs[i].hit_condition = g_strdup (specs[i].hit_condition);
		bs->specs[i].log_message = g_strdup (specs[i].log_message);
	}
	GArray *set = apply_everywhere (self, bs);
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "breakpoints");
	json_builder_begin_array (b);
	for (guint i = 0; i < set->len; i++) {
		OxBreakpoint bp = g_array_index (set, OxBreakpoint, i);
		bp.id = bs->ids[i];
		gboolean beyond = nlines >= 0 && (nlines == 0 || asked[i] > lines[nlines - 1]);
		char *msg = NULL;
		if (!beyond && abs && self->program && !strcmp (abs, self->program) && !bp.verified && nlines > 0 &&
		    bp.message && strstr (bp.message, "has not run yet")) {
			/* the launched script: its lines are known before it runs */
			bp.verified = TRUE;
			bp.message = NULL;
		}
		if (beyond && !bp.message) {
			/* nothing can stop there (past the last statement) */
			bp.verified = FALSE;
			msg = g_strdup ("no statement starts at or after this line");
			bp.message = msg;
		}
		if (bp.line > 0)
			bp.line -= offset;  /* back in the body's lines for the client */
		add_breakpoint (b, &bp);
		g_free (msg);
	}
	json_builder_end_array (b);
	json_builder_end_object (b);
	JsonNode *r = json_builder_get_root (b);
	g_object_unref (b);
	g_array_unref (set);
	g_free (specs);
	g_free (asked);
	g_free (lines);
	g_free (abs);
	return r;
}

static JsonNode *
h_breakpoint_locations (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	DapAdapter *self = user;
	(void) d;
	(void) reply;
	JsonObject *source = arg_object (args, "source");
	gint64 line, end;
	if (!source || !arg_int (args, "line", &line)) {
		*error = invalid ("source and line are required");
		return NULL;
	}
	if (!arg_int (args, "endLine", &end))
		end = line;
	const char *path = arg_string (source, "path");
	gint64 ref = 0;
	arg_int (source, "sourceReference", &ref);
	char *abs = path && ref <= 0 ? g_canonicalize_filename (path, NULL) : NULL;
	int *lines = NULL;
	int n = source_lines (self, abs, ref, &lines);
	g_free (abs);
	if (n < 0) {
		*error = invalid ("unknown source");
		return NULL;
	}
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "breakpoints");
	json_builder_begin_array (b);
	for (int i = 0; i < n; i++)
		if (lines[i] >= line && lines[i] <= end) {
			json_builder_begin_object (b);
			json_builder_set_member_name (b, "line");
			json_builder_add_int_value (b, lines[i]);
			json_builder_end_object (b);
		}
	json_builder_end_array (b);
	json_builder_end_object (b);
	g_free (lines);
	JsonNode *r = json_builder_get_root (b);
	g_object_unref (b);
	return r;
}

/* Is there a committed routine or trigger that a function breakpoint's
 * name ("name", "schema.name", "name(types)") can mean?  Asked on a
 * session of its own, so the paused one is not disturbed; something the
 * script creates later is not there yet (the breakpoint still stops). */
static gboolean
named_routine_exists (DapAdapter *self, const char *spec)
{
	if (!self->db)
		return FALSE;
	OxSession *s = NULL;
	OxError e = { 0 };
	if (ox_session_new (self->db, &s, &e) != OX_OK) {
		ox_error_clear (&e);
		return TRUE;  /* cannot tell: do not claim it is missing */
	}
	size_t n = strcspn (spec, "(");
	char *head = g_strndup (spec, n);
	char *dot = strchr (head, '.');
	const char *schema = dot ? head : NULL;
	const char *name = dot ? dot + 1 : head;
	if (dot)
		*dot = '\0';
	OxStmt *st = NULL;
	gboolean found = TRUE;
	if (ox_prepare (s,
	                "SELECT count(*) FROM (SELECT routine_schema AS s, routine_name AS n FROM information_schema.routines"
	                " UNION ALL SELECT trigger_schema, trigger_name FROM information_schema.triggers) x"
	                " WHERE lower(n) = lower($1) AND ($2::text IS NULL OR lower(s) = lower($2::text))",
	                -1, &st, NULL, &e) == OX_OK &&
	    ox_bind_text (st, 1, name, -1, &e) == OX_OK &&
	    (schema ? ox_bind_text (st, 2, schema, -1, &e) : ox_bind_null (st, 2, &e)) == OX_OK &&
	    ox_step (st, &e) == OX_ROW)
		found = ox_column_int64 (st, 0) > 0;
	ox_error_clear (&e);
	ox_finalize (st);
	ox_session_free (s);
	g_free (head);
	return found;
}

static JsonNode *
h_set_function_breakpoints (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	DapAdapter *self = user;
	(void) d;
	(void) reply;
	if (!self->hub && !self->dbg && self->launched)
		return no_debug_breakpoints (arg_array (args, "breakpoints"));
	if (!self->hub && !self->dbg) {
		*error = invalid ("setFunctionBreakpoints before launch");
		return NULL;
	}
	JsonArray *bps = arg_array (args, "breakpoints");
	guint n = bps ? json_array_get_length (bps) : 0;
	OxFunctionBreakpointSpec *specs = g_new0 (OxFunctionBreakpointSpec, n ? n : 1);
	for (guint i = 0; i < n; i++) {
		JsonNode *bn = json_array_get_element (bps, i);
		JsonObject *bo = JSON_NODE_HOLDS_OBJECT (bn) ? json_node_get_object (bn) : NULL;
		specs[i].name = arg_string (bo, "name");
		specs[i].condition = arg_string (bo, "condition");
		specs[i].hit_condition = arg_string (bo, "hitCondition");
		if (!specs[i].name)
			specs[i].name = "";
	}
	BpSet *bs = g_new0 (BpSet, 1);
	bs->function = TRUE;
	bs->n = n;
	bs->fspecs = g_new0 (OxFunctionBreakpointSpec, n ? n : 1);
	bs->ids = g_new0 (int, n ? n : 1);
	for (guint i = 0; i < n; i++) {
		bs->fspecs[i].name = g_strdup (specs[i].name);
		bs->fspecs[i].condition = g_strdup (specs[i].condition);
		bs->fspecs[i].hit_condition = g_strdup (specs[i].hit_condition);
	}
	GArray *set = apply_everywhere (self, bs);
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "breakpoints");
	json_builder_begin_array (b);
	for (guint i = 0; i < set->len; i++) {
		OxBreakpoint bp = g_array_index (set, OxBreakpoint, i);
		bp.id = bs->ids[i];
		char *msg = NULL;
		if (bp.verified && !self->hub && !named_routine_exists (self, specs[i].name)) {
			bp.verified = FALSE;
			msg = g_strdup_printf ("no routine or trigger named %s exists yet", specs[i].name);
			bp.message = msg;
		}
		add_breakpoint (b, &bp);
		g_free (msg);
	}
	json_builder_end_array (b);
	json_builder_end_object (b);
	JsonNode *r = json_builder_get_root (b);
	g_object_unref (b);
	g_array_unref (set);
	g_free (specs);
	return r;
}

static JsonNode *
h_set_exception_breakpoints (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	DapAdapter *self = user;
	(void) d;
	(void) reply;
	if (!self->hub && !self->dbg && self->launched)
		return NULL;  /* noDebug: nothing will stop */
	if (!self->hub && !self->dbg) {
		*error = invalid ("setExceptionBreakpoints before launch");
		return NULL;
	}
	JsonArray *filters = arg_array (args, "filters");
	OxExceptionFilter f = 0;
	for (guint i = 0; filters && i < json_array_get_length (filters); i++) {
		const char *name = json_array_get_string_element (filters, i);
		if (!g_strcmp0 (name, "raised"))
			f |= OX_EXCEPTION_RAISED;
		else if (!g_strcmp0 (name, "uncaught"))
			f |= OX_EXCEPTION_UNCAUGHT;
		else {
			*error = invalid ("unknown exception filter \"%s\" (raised, uncaught)", name ? name : "");
			return NULL;
		}
	}
	g_mutex_lock (&self->lock);
	self->filters = f;
	for (guint i = 0; i < self->threads->len; i++) {
		DapThread *th = self->threads->pdata[i];
		OxDebugTarget *t;
		OxDebugger *dbg = th->dbg ? borrow (self, th->id, &t) : NULL;
		if (dbg) {
			ox_debugger_set_exception_filters (dbg, f);
			unborrow (t);
		}
	}
	g_mutex_unlock (&self->lock);
	return NULL;
}

static JsonNode *
h_threads (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	DapAdapter *self = user;
	(void) d;
	(void) args;
	(void) reply;
	(void) error;
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "threads");
	json_builder_begin_array (b);
	g_mutex_lock (&self->lock);
	for (guint i = 0; i < self->threads->len; i++) {
		DapThread *th = self->threads->pdata[i];
		json_builder_begin_object (b);
		json_builder_set_member_name (b, "id");
		json_builder_add_int_value (b, th->id);
		json_builder_set_member_name (b, "name");
		json_builder_add_string_value (b, th->name);
		json_builder_end_object (b);
	}
	g_mutex_unlock (&self->lock);
	json_builder_end_array (b);
	json_builder_end_object (b);
	JsonNode *r = json_builder_get_root (b);
	g_object_unref (b);
	return r;
}

/* The thread a request names with "threadId"; in launch mode the one
 * thread when it names none.  0 (error set) when unknown. */
static gint64
thread_arg (DapAdapter *self, JsonObject *args, GError **error)
{
	gint64 id = 0;
	if (!arg_int (args, "threadId", &id)) {
		if (!self->hub)
			return THREAD_ID;
		*error = invalid ("threadId is required");
		return 0;
	}
	g_mutex_lock (&self->lock);
	gboolean known = thread_by_id_locked (self, id) != NULL;
	g_mutex_unlock (&self->lock);
	if (!known && (self->hub || id != THREAD_ID)) {
		*error = invalid ("no thread %" G_GINT64_FORMAT, id);
		return 0;
	}
	return id;
}

/* The thread of a request's frameId (or, without one, the only stopped
 * thread); 0 with error set. */
static gint64
thread_of_request (DapAdapter *self, JsonObject *args, const char *ref_name, GError **error)
{
	gint64 id;
	if (arg_int (args, ref_name, &id)) {
		gint64 t = !strcmp (ref_name, "frameId") ? thread_of_frame (self, id) : thread_of_varref (self, id);
		if (!t) {
			*error = !strcmp (ref_name, "frameId")
			                 ? invalid ("frame %" G_GINT64_FORMAT " is not a frame of the current stop", id)
			                 : invalid ("variables reference %" G_GINT64_FORMAT
			                            " does not belong to the current stop", id);
		}
		return t;
	}
	if (!self->hub)
		return THREAD_ID;
	gint64 found = 0;
	int n = 0;
	g_mutex_lock (&self->lock);
	for (guint i = 0; i < self->threads->len; i++) {
		DapThread *th = self->threads->pdata[i];
		if (th->stopped) {
			found = th->id;
			n++;
		}
	}
	g_mutex_unlock (&self->lock);
	if (n != 1) {
		if (n == 0)
			*error = not_stopped ();
		else
			*error = invalid ("several sessions are stopped: give a frameId");
		return 0;
	}
	return found;
}

static JsonNode *
h_stack_trace (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	gint64 thread = thread_arg (user, args, error);
	return thread ? run_job (user, thread, args, reply, job_stack, error) : NULL;
}

static JsonNode *
h_scopes (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	gint64 thread = thread_of_request (user, args, "frameId", error);
	return thread ? run_job (user, thread, args, reply, job_scopes, error) : NULL;
}

static JsonNode *
h_variables (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	gint64 thread = thread_of_request (user, args, "variablesReference", error);
	return thread ? run_job (user, thread, args, reply, job_variables, error) : NULL;
}

static JsonNode *
h_evaluate (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	gint64 thread = thread_of_request (user, args, "frameId", error);
	return thread ? run_job (user, thread, args, reply, job_evaluate, error) : NULL;
}

static JsonNode *
h_set_variable (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	gint64 thread = thread_of_request (user, args, "variablesReference", error);
	return thread ? run_job (user, thread, args, reply, job_set_variable, error) : NULL;
}

static JsonNode *
h_source (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	DapAdapter *self = user;
	(void) d;
	(void) reply;
	gint64 ref = 0;
	JsonObject *source = arg_object (args, "source");
	if (!(source && arg_int (source, "sourceReference", &ref) && ref > 0))
		arg_int (args, "sourceReference", &ref);
	char *text = NULL;
	if (ref > 0) {
		g_mutex_lock (&self->lock);
		Source *src = source_by_ref_locked (self, ref);
		text = src ? g_strdup (src->text) : NULL;
		g_mutex_unlock (&self->lock);
	} else if (source && arg_string (source, "path")) {
		g_mutex_lock (&self->lock);
		text = g_strdup (g_hash_table_lookup (self->request_texts, arg_string (source, "path")));
		g_mutex_unlock (&self->lock);
		if (!text)
			g_file_get_contents (arg_string (source, "path"), &text, NULL, NULL);
	}
	if (!text) {
		*error = invalid ("no source with reference %" G_GINT64_FORMAT, ref);
		return NULL;
	}
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "content");
	json_builder_add_string_value (b, text);
	json_builder_set_member_name (b, "mimeType");
	json_builder_add_string_value (b, "text/x-sql");
	json_builder_end_object (b);
	g_free (text);
	JsonNode *r = json_builder_get_root (b);
	g_object_unref (b);
	return r;
}

static JsonNode *
h_loaded_sources (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	DapAdapter *self = user;
	(void) d;
	(void) args;
	(void) reply;
	(void) error;
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "sources");
	json_builder_begin_array (b);
	g_mutex_lock (&self->lock);
	GHashTableIter it;
	gpointer key;
	g_hash_table_iter_init (&it, self->seen_files);
	while (g_hash_table_iter_next (&it, &key, NULL)) {
		char *base = g_path_get_basename (key);
		add_source (b, base, key, 0);
		g_free (base);
	}
	for (guint i = 0; i < self->sources->len; i++) {
		Source *src = self->sources->pdata[i];
		add_source (b, src->name, NULL, src->ref);
	}
	g_mutex_unlock (&self->lock);
	json_builder_end_array (b);
	json_builder_end_object (b);
	JsonNode *r = json_builder_get_root (b);
	g_object_unref (b);
	return r;
}

static JsonNode *
h_exception_info (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	DapAdapter *self = user;
	(void) d;
	(void) reply;
	gint64 id = thread_arg (self, args, error);
	if (!id)
		return NULL;
	g_mutex_lock (&self->lock);
	DapThread *th = thread_by_id_locked (self, id);
	if (!th || !th->stopped || !th->exc_message) {
		g_mutex_unlock (&self->lock);
		*error = invalid ("the session is not stopped at an exception");
		return NULL;
	}
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "exceptionId");
	json_builder_add_string_value (b, th->exc_state ? th->exc_state : "XX000");
	json_builder_set_member_name (b, "description");
	json_builder_add_string_value (b, th->exc_message);
	json_builder_set_member_name (b, "breakMode");
	/* DAP's modes: "unhandled" for an error failing the statement,
	 * "always" for one stopped at where it was raised */
	json_builder_add_string_value (b, th->exc_uncaught ? "unhandled" : "always");
	json_builder_set_member_name (b, "details");
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "message");
	json_builder_add_string_value (b, th->exc_message);
	json_builder_set_member_name (b, "typeName");
	char *tn = g_strdup_printf ("SQLSTATE %s", th->exc_state ? th->exc_state : "XX000");
	json_builder_add_string_value (b, tn);
	g_free (tn);
	json_builder_end_object (b);
	json_builder_end_object (b);
	g_mutex_unlock (&self->lock);
	JsonNode *r = json_builder_get_root (b);
	g_object_unref (b);
	return r;
}

/* continue, next, stepIn, stepOut: answer, then resume. */
static JsonNode *
resume (DapAdapter *self, JsonObject *args, DapReply *reply, OxResumeKind how, GError **error)
{
	gint64 id = thread_arg (self, args, error);
	if (!id)
		return NULL;
	OxDebugTarget *t;
	OxDebugger *dbg = borrow (self, id, &t);
	if (!dbg || !ox_debugger_is_stopped (dbg)) {
		unborrow (t);
		*error = not_stopped ();
		return NULL;
	}
	JsonNode *body = NULL;
	if (how == OX_RESUME_CONTINUE) {
		JsonBuilder *b = json_builder_new ();
		json_builder_begin_object (b);
		json_builder_set_member_name (b, "allThreadsContinued");
		json_builder_add_boolean_value (b, self->hub == NULL);
		json_builder_end_object (b);
		body = json_builder_get_root (b);
		g_object_unref (b);
	}
	DapReply *r = dap_reply_defer (reply);
	dap_reply_finish (r, body);
	ox_debugger_resume (dbg, how);
	unborrow (t);
	return NULL;
}

static JsonNode *
h_continue (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	return resume (user, args, reply, OX_RESUME_CONTINUE, error);
}

static JsonNode *
h_next (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	return resume (user, args, reply, OX_RESUME_NEXT, error);
}

static JsonNode *
h_step_in (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	return resume (user, args, reply, OX_RESUME_STEP_IN, error);
}

static JsonNode *
h_step_out (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	return resume (user, args, reply, OX_RESUME_STEP_OUT, error);
}

static JsonNode *
h_pause (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	DapAdapter *self = user;
	(void) d;
	(void) reply;
	if (!self->hub && !self->dbg) {
		*error = invalid ("pause before launch");
		return NULL;
	}
	gint64 id = thread_arg (self, args, error);
	if (!id)
		return NULL;
	OxDebugTarget *t;
	OxDebugger *dbg = borrow (self, id, &t);
	if (dbg)
		ox_debugger_pause (dbg);  /* already stopped: nothing to do */
	else {
		/* attach: the session gets its debugger at its next statement */
		g_mutex_lock (&self->lock);
		DapThread *th = thread_by_id_locked (self, id);
		if (th)
			th->pause_pending = TRUE;
		g_mutex_unlock (&self->lock);
	}
	unborrow (t);
	return NULL;
}

static JsonNode *
h_terminate (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	DapAdapter *self = user;
	(void) d;
	(void) args;
	(void) reply;
	if (self->hub) {
		*error = failed ("the sessions are the server's: disconnect to stop debugging them, or end one with "
		                 "pg_cancel_backend / POST /api/sessions/{id}/terminate");
		return NULL;
	}
	if (self->dbg)
		ox_debugger_terminate (self->dbg);
	else if (self->s)
		ox_session_cancel (self->s);
	if (!self->worker) {
		/* nothing ran yet: the end is now */
		dap_dispatch_send_event (self->dispatch, "terminated", NULL);
	}
	return NULL;
}

static gboolean
quit_idle (gpointer data)
{
	DapAdapter *self = data;
	g_main_loop_quit (self->loop);
	return G_SOURCE_REMOVE;
}

/* Quit once what is queued now (the last response) has been written; on
 * the adapter's own context, which need not be the global default. */
static void
quit_soon (DapAdapter *self)
{
	GSource *src = g_idle_source_new ();
	g_source_set_callback (src, quit_idle, self, NULL);
	g_source_attach (src, g_main_loop_get_context (self->loop));
	g_source_unref (src);
}

static JsonNode *
h_disconnect (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	DapAdapter *self = user;
	(void) d;
	(void) args;
	(void) reply;
	(void) error;
	shut_down (self);
	quit_soon (self);
	return NULL;
}

static const DapHandlerEntry handlers[] = {
	{ "initialize", NULL, h_initialize },
	{ "launch", NULL, h_launch },
	{ "attach", NULL, h_attach },
	{ "configurationDone", "supportsConfigurationDoneRequest", h_configuration_done },
	{ "setBreakpoints", NULL, h_set_breakpoints },
	{ "setFunctionBreakpoints", "supportsFunctionBreakpoints", h_set_function_breakpoints },
	{ "setExceptionBreakpoints", NULL, h_set_exception_breakpoints },
	{ "breakpointLocations", "supportsBreakpointLocationsRequest", h_breakpoint_locations },
	{ "threads", NULL, h_threads },
	{ "stackTrace", "supportsDelayedStackTraceLoading", h_stack_trace },
	{ "scopes", NULL, h_scopes },
	{ "variables", NULL, h_variables },
	{ "evaluate", "supportsEvaluateForHovers", h_evaluate },
	{ "setVariable", "supportsSetVariable", h_set_variable },
	{ "source", NULL, h_source },
	{ "loadedSources", "supportsLoadedSourcesRequest", h_loaded_sources },
	{ "exceptionInfo", "supportsExceptionInfoRequest", h_exception_info },
	{ "continue", NULL, h_continue },
	{ "next", NULL, h_next },
	{ "stepIn", NULL, h_step_in },
	{ "stepOut", NULL, h_step_out },
	{ "pause", NULL, h_pause },
	{ "terminate", "supportsTerminateRequest", h_terminate },
	{ "disconnect", NULL, h_disconnect },
};

/* ---- life ------------------------------------------------------------------------------------------------ */

static void
on_closed (DapDispatch *d, const GError *error, gpointer user)
{
	DapAdapter *self = user;
	(void) d;
	(void) error;
	/* the client went away, perhaps mid-step: end the run */
	quit_soon (self);
}

static DapAdapter *
adapter_new (GIOStream *stream, OxDebugHub *hub, DapAuthFunc auth, gpointer auth_data)
{
	DapAdapter *self = g_new0 (DapAdapter, 1);
	self->hub = hub;
	self->auth = auth;
	self->auth_data = auth_data;
	self->max_pause_ms = -1;
	self->threads = g_ptr_array_new_with_free_func (thread_free);
	self->bp_sets = g_ptr_array_new_with_free_func (bp_set_free);
	g_mutex_init (&self->lock);
	self->dispatch = dap_dispatch_new (stream);
	self->loop = g_main_loop_new (g_main_context_get_thread_default (), FALSE);
	self->frames = g_array_new (FALSE, FALSE, sizeof (FrameRef));
	self->varrefs = g_array_new (FALSE, FALSE, sizeof (VarRefEntry));
	g_array_set_clear_func (self->varrefs, varref_clear);
	self->sources = g_ptr_array_new_with_free_func (source_free);
	self->seen_files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	self->request_texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	self->exit_code = 1;
	dap_dispatch_add_handlers (self->dispatch, handlers, G_N_ELEMENTS (handlers), self);
	/* conditions, hit counts and logpoints are part of setBreakpoints */
	dap_dispatch_set_capability (self->dispatch, "supportsConditionalBreakpoints", TRUE);
	dap_dispatch_set_capability (self->dispatch, "supportsHitConditionalBreakpoints", TRUE);
	dap_dispatch_set_capability (self->dispatch, "supportsLogPoints", TRUE);
	dap_dispatch_set_capability (self->dispatch, "supportsCancelRequest", TRUE);
	g_signal_connect (self->dispatch, "closed", G_CALLBACK (on_closed), self);
	if (hub)
		dap_dispatch_set_gate (self->dispatch, gate, self);
	return self;
}

DapAdapter *
dap_adapter_new (GIOStream *stream)
{
	return adapter_new (stream, NULL, NULL, NULL);
}

DapAdapter *
dap_adapter_new_attach (GIOStream *stream, OxDebugHub *hub, DapAuthFunc auth, gpointer auth_data)
{
	g_return_val_if_fail (hub != NULL, NULL);
	return adapter_new (stream, hub, auth, auth_data);
}

int
dap_adapter_run (DapAdapter *self)
{
	dap_dispatch_start (self->dispatch);
	g_main_loop_run (self->loop);
	shut_down (self);
	g_mutex_lock (&self->lock);
	int code = self->finished ? self->exit_code : 1;
	g_mutex_unlock (&self->lock);
	return code;
}

void
dap_adapter_set_only_user (DapAdapter *self, const char *user)
{
	g_free (self->only_user);
	self->only_user = g_strdup (user);
}

void
dap_adapter_quit (DapAdapter *self)
{
	quit_soon (self);
}

void
dap_adapter_free (DapAdapter *self)
{
	if (!self)
		return;
	shut_down (self);
	dap_dispatch_close (self->dispatch);
	g_object_unref (self->dispatch);
	g_main_loop_unref (self->loop);
	g_array_unref (self->frames);
	g_array_unref (self->varrefs);
	g_ptr_array_unref (self->sources);
	g_hash_table_unref (self->seen_files);
	g_hash_table_unref (self->request_texts);
	g_free (self->program);
	g_free (self->script);
	g_ptr_array_unref (self->threads);
	g_ptr_array_unref (self->bp_sets);
	g_free (self->only_user);
	g_mutex_clear (&self->lock);
	g_free (self);
}

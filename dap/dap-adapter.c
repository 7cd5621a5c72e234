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
	char    *name;
	char    *text;
	int     *lines;        /* where a step can happen (ox_frame_source_lines) */
	int      nlines;
} Source;

typedef struct {
	int      depth;
	OxScope  scope;
	char   **path;         /* NULL-terminated; empty for a scope */
	int      named;        /* the parent's named children (filter "indexed") */
} VarRef;

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

	/* the current stop */
	guint64      stop_id;
	GArray      *frames;         /* int depth, index + 1 = frame id */
	GArray      *varrefs;        /* VarRef, index + 1 = variablesReference */
	char        *exc_state, *exc_message, *exc_context;
	gboolean     exc_uncaught;

	/* sources */
	GPtrArray   *sources;        /* Source*, index + 1 = sourceReference */
	GHashTable  *seen_files;     /* file paths reported as loaded */
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
	g_free (src->name);
	g_free (src->text);
	g_free (src->lines);
	g_free (src);
}

/* The reference of a frame's non-file source, registered (with its text)
 * the first time it is seen; session thread. */
static int
source_ref_for (DapAdapter *self, OxFrame *f)
{
	guint32 id = ox_frame_source_id (f);
	g_mutex_lock (&self->lock);
	for (guint i = 0; i < self->sources->len; i++) {
		Source *src = self->sources->pdata[i];
		if (src->engine_id == id) {
			g_mutex_unlock (&self->lock);
			return src->ref;
		}
	}
	Source *src = g_new0 (Source, 1);
	src->engine_id = id;
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
	VarRef *v = p;
	g_strfreev (v->path);
}

static void on_breakpoint_changed (OxDebugger *dbg, const OxBreakpoint *bp, gpointer user);

static void
on_stopped (OxDebugger *dbg, const OxDebuggerStop *stop, gpointer user)
{
	DapAdapter *self = user;
	g_mutex_lock (&self->lock);
	self->stop_id = stop->stop_id;
	g_array_set_size (self->frames, 0);
	g_array_set_size (self->varrefs, 0);
	g_clear_pointer (&self->exc_state, g_free);
	g_clear_pointer (&self->exc_message, g_free);
	g_clear_pointer (&self->exc_context, g_free);
	self->exc_uncaught = stop->uncaught;
	if (stop->reason == OX_STOP_EXCEPTION && stop->description) {
		/* "SQLSTATE: message" */
		const char *colon = strstr (stop->description, ": ");
		if (colon && colon - stop->description == 5) {
			self->exc_state = g_strndup (stop->description, 5);
			self->exc_message = g_strdup (colon + 2);
		} else
			self->exc_message = g_strdup (stop->description);
	}
	g_mutex_unlock (&self->lock);
	if (ox_frame_source_path (stop->frame))
		note_file (self, ox_frame_source_path (stop->frame));

	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "reason");
	json_builder_add_string_value (b, reason_name (stop->reason));
	json_builder_set_member_name (b, "threadId");
	json_builder_add_int_value (b, THREAD_ID);
	json_builder_set_member_name (b, "allThreadsStopped");
	json_builder_add_boolean_value (b, TRUE);
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
			json_builder_add_int_value (b, stop->hit_ids[i]);
		json_builder_end_array (b);
	}
	json_builder_end_object (b);
	/* a function breakpoint on a routine the script created has now
	 * proved itself: say so before the stop */
	for (guint i = 0; stop->reason == OX_STOP_FUNCTION_BREAKPOINT && i < stop->n_hit_ids; i++) {
		OxBreakpoint bp = { stop->hit_ids[i], TRUE, 0, NULL };
		on_breakpoint_changed (dbg, &bp, self);
	}
	dap_dispatch_send_event (self->dispatch, "stopped", json_builder_get_root (b));
	g_object_unref (b);
}

static void
on_continued (OxDebugger *dbg, guint64 stop_id, gboolean expired, gpointer user)
{
	DapAdapter *self = user;
	(void) dbg;
	(void) stop_id;
	if (!expired)
		return;  /* the client asked: it knows */
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "threadId");
	json_builder_add_int_value (b, THREAD_ID);
	json_builder_set_member_name (b, "allThreadsContinued");
	json_builder_add_boolean_value (b, TRUE);
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
	(void) dbg;
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "reason");
	json_builder_add_string_value (b, "changed");
	json_builder_set_member_name (b, "breakpoint");
	add_breakpoint (b, bp);
	json_builder_end_object (b);
	dap_dispatch_send_event (self->dispatch, "breakpoint", json_builder_get_root (b));
	g_object_unref (b);
}

/* ---- jobs on the stopped session ---------------------------------------------------------------- */

typedef struct Job Job;
typedef JsonNode *(*JobFunc) (DapAdapter *self, OxFrame *top, JsonObject *args, GError **error);

struct Job {
	DapAdapter *self;
	DapReply   *reply;   /* owned until answered */
	JsonObject *args;
	JobFunc     fn;
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

static void
job_run (OxDebugger *dbg, OxFrame *top, gpointer data)
{
	Job *j = data;
	(void) dbg;
	GError *error = NULL;
	GCancellable *c = dap_reply_get_cancellable (j->reply);
	gulong id = c ? g_cancellable_connect (c, G_CALLBACK (cancel_session), j->self->s, NULL) : 0;
	JsonNode *body = j->fn (j->self, top, j->args, &error);
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

/* Defer reply and run fn on the stopped session. */
static JsonNode *
run_job (DapAdapter *self, JsonObject *args, DapReply *reply, JobFunc fn, GError **error)
{
	if (!self->dbg) {
		g_set_error_literal (error, DAP_ERROR, DAP_ERROR_NOT_STOPPED, "notStopped");
		return NULL;
	}
	Job *j = g_new0 (Job, 1);
	j->self = self;
	j->args = json_object_ref (args);
	j->fn = fn;
	j->reply = dap_reply_defer (reply);
	ox_debugger_run_stopped (self->dbg, job_run, j, job_free);
	return NULL;
}

/* The frame with a client's frame id, or NULL (error set). */
static OxFrame *
frame_for (DapAdapter *self, OxFrame *top, JsonObject *args, gboolean required, GError **error)
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
	int depth = id >= 1 && id <= (gint64) self->frames->len ? g_array_index (self->frames, int, id - 1) : -1;
	g_mutex_unlock (&self->lock);
	for (OxFrame *f = top; f && depth >= 0; f = ox_frame_parent (f))
		if (ox_frame_depth (f) == depth)
			return f;
	*error = invalid ("frame %" G_GINT64_FORMAT " is not a frame of the current stop", id);
	return NULL;
}

static int
new_varref (DapAdapter *self, int depth, OxScope scope, char **path, int named)
{
	VarRef v = { depth, scope, path, named };
	g_mutex_lock (&self->lock);
	g_array_append_val (self->varrefs, v);
	int ref = (int) self->varrefs->len;
	g_mutex_unlock (&self->lock);
	return ref;
}

static gboolean
varref_get (DapAdapter *self, gint64 ref, VarRef *out)
{
	g_mutex_lock (&self->lock);
	gboolean ok = ref >= 1 && ref <= (gint64) self->varrefs->len;
	if (ok) {
		VarRef *v = &g_array_index (self->varrefs, VarRef, ref - 1);
		out->depth = v->depth;
		out->scope = v->scope;
		out->path = g_strdupv (v->path);
		out->named = v->named;
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
job_stack (DapAdapter *self, OxFrame *top, JsonObject *args, GError **error)
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
		int id = 0;
		for (guint k = 0; k < self->frames->len && !id; k++)
			if (g_array_index (self->frames, int, k) == depth)
				id = (int) k + 1;
		if (!id) {
			g_array_append_val (self->frames, depth);
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
		json_builder_set_member_name (b, "line");
		json_builder_add_int_value (b, ox_frame_line (f));
		json_builder_set_member_name (b, "column");
		json_builder_add_int_value (b, ox_frame_column (f));
		json_builder_set_member_name (b, "source");
		const char *path = ox_frame_source_path (f);
		if (path) {
			note_file (self, path);
			add_source (b, ox_frame_source_name (f), path, 0);
		} else
			add_source (b, ox_frame_source_name (f), NULL, source_ref_for (self, f));
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
job_scopes (DapAdapter *self, OxFrame *top, JsonObject *args, GError **error)
{
	OxFrame *f = frame_for (self, top, args, TRUE, error);
	if (!f)
		return NULL;
	OxScope sc[OX_MAX_SCOPES];
	int n = ox_frame_scopes (f, sc);
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "scopes");
	json_builder_begin_array (b);
	for (int i = 0; i < n; i++) {
		int ref = new_varref (self, ox_frame_depth (f), sc[i], g_new0 (char *, 1), 0);
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
add_variable (DapAdapter *self, JsonBuilder *b, const OxVariable *v, int depth, OxScope scope, char **parent)
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
		ref = new_varref (self, depth, scope, path, v->named_children);
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
job_variables (DapAdapter *self, OxFrame *top, JsonObject *args, GError **error)
{
	gint64 ref, start = 0, count = 0;
	if (!arg_int (args, "variablesReference", &ref)) {
		*error = invalid ("variablesReference is required");
		return NULL;
	}
	arg_int (args, "start", &start);
	arg_int (args, "count", &count);
	VarRef v;
	if (!varref_get (self, ref, &v)) {
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
				add_variable (self, b, &vars[i], v.depth, v.scope, v.path);
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
job_evaluate (DapAdapter *self, OxFrame *top, JsonObject *args, GError **error)
{
	const char *expr = arg_string (args, "expression");
	const char *context = arg_string (args, "context");
	if (!expr) {
		*error = invalid ("expression is required");
		return NULL;
	}
	OxFrame *f = frame_for (self, top, args, FALSE, error);
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
job_set_variable (DapAdapter *self, OxFrame *top, JsonObject *args, GError **error)
{
	gint64 ref;
	const char *name = arg_string (args, "name");
	const char *value = arg_string (args, "value");
	if (!arg_int (args, "variablesReference", &ref) || !name || !value) {
		*error = invalid ("variablesReference, name and value are required");
		return NULL;
	}
	VarRef v;
	if (!varref_get (self, ref, &v)) {
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
static void
shut_down (DapAdapter *self)
{
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
	/* answer, then say the adapter takes configuration */
	DapReply *r = dap_reply_defer (reply);
	dap_reply_finish (r, NULL);
	send_initialized (self);
	return NULL;
}

static JsonNode *
h_attach (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	(void) args;
	(void) reply;
	(void) user;
	*error = failed ("attach needs a server (oxibase-server --dap-port); this adapter only launches");
	return NULL;
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
	if (!self->dbg && self->launched)
		return no_debug_breakpoints (arg_array (args, "breakpoints"));
	if (!self->dbg) {
		*error = invalid ("setBreakpoints before launch");
		return NULL;
	}
	const char *path = arg_string (source, "path");
	gint64 ref = 0;
	arg_int (source, "sourceReference", &ref);
	guint32 engine_id = 0;
	if (!path || ref > 0) {
		path = NULL;
		g_mutex_lock (&self->lock);
		Source *src = source_by_ref_locked (self, ref);
		engine_id = src ? src->engine_id : 0;
		g_mutex_unlock (&self->lock);
		if (!engine_id) {
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
	int nlines = source_lines (self, abs, ref, &lines);
	for (guint i = 0; i < n; i++) {
		JsonNode *bn = json_array_get_element (bps, i);
		JsonObject *bo = JSON_NODE_HOLDS_OBJECT (bn) ? json_node_get_object (bn) : NULL;
		gint64 line = 0;
		if (!bo || !arg_int (bo, "line", &line) || line < 1) {
			*error = invalid ("breakpoint %u has no line", i);
			g_free (specs);
			g_free (asked);
			g_free (lines);
			g_free (abs);
			return NULL;
		}
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
	GArray *set = ox_debugger_set_breakpoints (self->dbg, abs, engine_id, specs, n);
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "breakpoints");
	json_builder_begin_array (b);
	for (guint i = 0; i < set->len; i++) {
		OxBreakpoint bp = g_array_index (set, OxBreakpoint, i);
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
	if (!self->dbg && self->launched)
		return no_debug_breakpoints (arg_array (args, "breakpoints"));
	if (!self->dbg) {
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
	GArray *set = ox_debugger_set_function_breakpoints (self->dbg, specs, n);
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "breakpoints");
	json_builder_begin_array (b);
	for (guint i = 0; i < set->len; i++) {
		OxBreakpoint bp = g_array_index (set, OxBreakpoint, i);
		char *msg = NULL;
		if (bp.verified && !named_routine_exists (self, specs[i].name)) {
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
	if (!self->dbg && self->launched)
		return NULL;  /* noDebug: nothing will stop */
	if (!self->dbg) {
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
	ox_debugger_set_exception_filters (self->dbg, f);
	return NULL;
}

static JsonNode *
h_threads (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	(void) args;
	(void) reply;
	(void) user;
	(void) error;
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "threads");
	json_builder_begin_array (b);
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "id");
	json_builder_add_int_value (b, THREAD_ID);
	json_builder_set_member_name (b, "name");
	json_builder_add_string_value (b, "session");
	json_builder_end_object (b);
	json_builder_end_array (b);
	json_builder_end_object (b);
	JsonNode *r = json_builder_get_root (b);
	g_object_unref (b);
	return r;
}

static JsonNode *
h_stack_trace (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	return run_job (user, args, reply, job_stack, error);
}

static JsonNode *
h_scopes (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	return run_job (user, args, reply, job_scopes, error);
}

static JsonNode *
h_variables (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	return run_job (user, args, reply, job_variables, error);
}

static JsonNode *
h_evaluate (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	return run_job (user, args, reply, job_evaluate, error);
}

static JsonNode *
h_set_variable (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	return run_job (user, args, reply, job_set_variable, error);
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
	} else if (source && arg_string (source, "path"))
		g_file_get_contents (arg_string (source, "path"), &text, NULL, NULL);
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
	(void) args;
	(void) reply;
	g_mutex_lock (&self->lock);
	if (!self->exc_message) {
		g_mutex_unlock (&self->lock);
		*error = invalid ("the session is not stopped at an exception");
		return NULL;
	}
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "exceptionId");
	json_builder_add_string_value (b, self->exc_state ? self->exc_state : "XX000");
	json_builder_set_member_name (b, "description");
	json_builder_add_string_value (b, self->exc_message);
	json_builder_set_member_name (b, "breakMode");
	/* DAP's modes: "unhandled" for an error failing the statement,
	 * "always" for one stopped at where it was raised */
	json_builder_add_string_value (b, self->exc_uncaught ? "unhandled" : "always");
	json_builder_set_member_name (b, "details");
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "message");
	json_builder_add_string_value (b, self->exc_message);
	json_builder_set_member_name (b, "typeName");
	char *tn = g_strdup_printf ("SQLSTATE %s", self->exc_state ? self->exc_state : "XX000");
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
resume (DapAdapter *self, DapReply *reply, OxResumeKind how, GError **error)
{
	if (!self->dbg || !ox_debugger_is_stopped (self->dbg)) {
		*error = not_stopped ();
		return NULL;
	}
	JsonNode *body = NULL;
	if (how == OX_RESUME_CONTINUE) {
		JsonBuilder *b = json_builder_new ();
		json_builder_begin_object (b);
		json_builder_set_member_name (b, "allThreadsContinued");
		json_builder_add_boolean_value (b, TRUE);
		json_builder_end_object (b);
		body = json_builder_get_root (b);
		g_object_unref (b);
	}
	DapReply *r = dap_reply_defer (reply);
	dap_reply_finish (r, body);
	ox_debugger_resume (self->dbg, how);
	return NULL;
}

static JsonNode *
h_continue (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	(void) args;
	return resume (user, reply, OX_RESUME_CONTINUE, error);
}

static JsonNode *
h_next (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	(void) args;
	return resume (user, reply, OX_RESUME_NEXT, error);
}

static JsonNode *
h_step_in (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	(void) args;
	return resume (user, reply, OX_RESUME_STEP_IN, error);
}

static JsonNode *
h_step_out (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	(void) d;
	(void) args;
	return resume (user, reply, OX_RESUME_STEP_OUT, error);
}

static JsonNode *
h_pause (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	DapAdapter *self = user;
	(void) d;
	(void) args;
	(void) reply;
	if (!self->dbg) {
		*error = invalid ("pause before launch");
		return NULL;
	}
	ox_debugger_pause (self->dbg);  /* already stopped: nothing to do */
	return NULL;
}

static JsonNode *
h_terminate (DapDispatch *d, JsonObject *args, DapReply *reply, gpointer user, GError **error)
{
	DapAdapter *self = user;
	(void) d;
	(void) args;
	(void) reply;
	(void) error;
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

DapAdapter *
dap_adapter_new (GIOStream *stream)
{
	DapAdapter *self = g_new0 (DapAdapter, 1);
	g_mutex_init (&self->lock);
	self->dispatch = dap_dispatch_new (stream);
	self->loop = g_main_loop_new (g_main_context_get_thread_default (), FALSE);
	self->frames = g_array_new (FALSE, FALSE, sizeof (int));
	self->varrefs = g_array_new (FALSE, FALSE, sizeof (VarRef));
	g_array_set_clear_func (self->varrefs, varref_clear);
	self->sources = g_ptr_array_new_with_free_func (source_free);
	self->seen_files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	self->exit_code = 1;
	dap_dispatch_add_handlers (self->dispatch, handlers, G_N_ELEMENTS (handlers), self);
	/* conditions, hit counts and logpoints are part of setBreakpoints */
	dap_dispatch_set_capability (self->dispatch, "supportsConditionalBreakpoints", TRUE);
	dap_dispatch_set_capability (self->dispatch, "supportsHitConditionalBreakpoints", TRUE);
	dap_dispatch_set_capability (self->dispatch, "supportsLogPoints", TRUE);
	dap_dispatch_set_capability (self->dispatch, "supportsCancelRequest", TRUE);
	g_signal_connect (self->dispatch, "closed", G_CALLBACK (on_closed), self);
	return self;
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
	g_free (self->program);
	g_free (self->script);
	g_free (self->exc_state);
	g_free (self->exc_message);
	g_free (self->exc_context);
	g_mutex_clear (&self->lock);
	g_free (self);
}

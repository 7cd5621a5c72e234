/*
 * ox-debug-session.c — breakpoints and one DAP session at a time (see the
 * header).
 *
 * Every request holds a reference on the session until its reply, and
 * carries the session's generation: a reply from an earlier session (the
 * user stopped and started again) is ignored rather than applied to the
 * new one.  The temporary program file is removed when the session ends.
 *
 * NOTE: breakpoints are sent for the debugged buffer (by the program
 * path) and for read-only routine tabs the area registered with
 * ox_debug_session_set_buffer_source (by sourceReference, lines in the
 * body as the adapter serves it).  References last one session: a tab
 * still open from an earlier session sends nothing until a new stop
 * opens it again.
 *
 * Remote connections (an oxibase-server) debug in attach mode ("remote"
 * below): the server's adapter cannot launch a file of ours, so the
 * session attaches to the sessions carrying an application name of its
 * own, runs the text through the connection under that name, and maps
 * the buffer's breakpoints onto the routines the text creates: a
 * function breakpoint on each such routine stops its first call, whose
 * frame names the routine's source by sourceReference; the breakpoints
 * then go to that source (routine line 1 is the buffer line of the
 * body's opening dollar quote), the stop is resumed unseen, and frames
 * in mapped routines are shown at their buffer lines, as in a launch.
 * The script's own lines are the program path's, as in a launch: the
 * run names its text by that path (X-Oxibase-Source), so the server's
 * adapter reports its statements as frames of that path.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-debug-session.h"
#include "ox-remote-connection.h"
#include "ox-sql-split.h"

#include <glib/gstdio.h>
#include <unistd.h>
#include <string.h>

/* ---- OxDebugBp ------------------------------------------------------------------------ */

struct _OxDebugBp {
	GObject        parent_instance;
	GWeakRef       buffer;
	GtkTextMark   *mark;
	gboolean       enabled, verified;
	char          *condition, *hit_condition, *log_message, *message;
};

G_DEFINE_FINAL_TYPE (OxDebugBp, ox_debug_bp, G_TYPE_OBJECT)

static guint bp_changed_signal;

static void
ox_debug_bp_finalize (GObject *object)
{
	OxDebugBp *self = OX_DEBUG_BP (object);
	GtkTextBuffer *buf = g_weak_ref_get (&self->buffer);
	if (buf && self->mark && !gtk_text_mark_get_deleted (self->mark))
		gtk_text_buffer_delete_mark (buf, self->mark);
	g_clear_object (&buf);
	g_clear_object (&self->mark);
	g_weak_ref_clear (&self->buffer);
	g_free (self->condition);
	g_free (self->hit_condition);
	g_free (self->log_message);
	g_free (self->message);
	G_OBJECT_CLASS (ox_debug_bp_parent_class)->finalize (object);
}

static void
ox_debug_bp_class_init (OxDebugBpClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = ox_debug_bp_finalize;
	bp_changed_signal = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
	                                  NULL, G_TYPE_NONE, 0);
}

static void
ox_debug_bp_init (OxDebugBp *self)
{
	g_weak_ref_init (&self->buffer, NULL);
	self->enabled = TRUE;
}

OxDebugBp *
ox_debug_bp_new (GtkTextBuffer *buffer, int line)
{
	OxDebugBp *self = g_object_new (OX_TYPE_DEBUG_BP, NULL);
	g_weak_ref_set (&self->buffer, buffer);
	GtkTextIter it;
	gtk_text_buffer_get_iter_at_line (buffer, &it, line - 1);
	self->mark = g_object_ref (gtk_text_buffer_create_mark (buffer, NULL, &it, TRUE));
	return self;
}

GtkTextBuffer *
ox_debug_bp_get_buffer (OxDebugBp *self)
{
	GtkTextBuffer *b = g_weak_ref_get (&self->buffer);
	if (b)
		g_object_unref (b);  /* the buffer's tab holds it; borrowed */
	return b;
}

int
ox_debug_bp_get_line (OxDebugBp *self)
{
	GtkTextBuffer *b = ox_debug_bp_get_buffer (self);
	if (!b || gtk_text_mark_get_deleted (self->mark))
		return 0;
	GtkTextIter it;
	gtk_text_buffer_get_iter_at_mark (b, &it, self->mark);
	return gtk_text_iter_get_line (&it) + 1;
}

gboolean ox_debug_bp_get_enabled (OxDebugBp *self) { return self->enabled; }
gboolean ox_debug_bp_get_verified (OxDebugBp *self) { return self->verified; }
const char *ox_debug_bp_get_condition (OxDebugBp *self) { return self->condition; }
const char *ox_debug_bp_get_hit_condition (OxDebugBp *self) { return self->hit_condition; }
const char *ox_debug_bp_get_log_message (OxDebugBp *self) { return self->log_message; }
const char *ox_debug_bp_get_message (OxDebugBp *self) { return self->message; }

void
ox_debug_bp_set_enabled (OxDebugBp *self, gboolean enabled)
{
	if (self->enabled == !!enabled)
		return;
	self->enabled = !!enabled;
	g_signal_emit (self, bp_changed_signal, 0);
}

static char *
nonempty (const char *s)
{
	return s && *s ? g_strdup (s) : NULL;
}

void
ox_debug_bp_set_options (OxDebugBp *self, const char *condition, const char *hit_condition, const char *log_message)
{
	g_free (self->condition);
	g_free (self->hit_condition);
	g_free (self->log_message);
	self->condition = nonempty (condition);
	self->hit_condition = nonempty (hit_condition);
	self->log_message = nonempty (log_message);
	g_signal_emit (self, bp_changed_signal, 0);
}

static void
bp_set_verified (OxDebugBp *self, gboolean verified, const char *message)
{
	self->verified = verified;
	g_free (self->message);
	self->message = nonempty (message);
	g_signal_emit (self, bp_changed_signal, 0);
}

/* ---- OxDebugSession ------------------------------------------------------------------------ */

struct _OxDebugSession {
	GObject        parent_instance;
	GListStore    *breakpoints;
	OxDebugState   state;
	guint          generation;    /* bumped per session */
	DapClient     *client;
	GWeakRef       buffer;
	char          *program;       /* the temporary file */
	GPtrArray     *old_programs;  /* earlier sessions' files, removed at dispose */
	JsonArray     *frames;
	gint64         frame_id;
	gboolean       step_into_queries;  /* launch argument stepIntoQueries */
	GHashTable    *ref_buffers;   /* GtkTextBuffer* (compared only) -> RefSource*: routine tabs */
	/* remote (attach mode); see the NOTE at the top */
	OxConnection  *remote;        /* the server connection, or NULL */
	char          *script;        /* the text at buffer line numbers */
	char          *app_name;      /* the run's application name */
	GCancellable  *run_cancel;
	GArray        *routines;      /* Routine: what the text creates */
	gint64         thread_id;     /* the stopped thread: 1 in a launch */
};

/* A read-only tab's source for the adapter. */
typedef struct {
	gint64  ref;
	char   *name;
} RefSource;

static void
ref_source_free (gpointer p)
{
	RefSource *r = p;
	g_free (r->name);
	g_free (r);
}

typedef struct {
	char   *name;       /* as written after CREATE ... FUNCTION/PROCEDURE */
	int     body_line;  /* buffer line of the body's opening dollar quote */
	int     end_line;   /* buffer line of its closing one */
	gint64  ref;        /* the adapter's sourceReference once seen, else 0 */
} Routine;

G_DEFINE_FINAL_TYPE (OxDebugSession, ox_debug_session, G_TYPE_OBJECT)

enum { SIG_STATE, SIG_FRAME, SIG_OUTPUT, SIG_FAILED, N_SIGNALS };

static void remote_initialized (OxDebugSession *self);
static gboolean remote_stopped (OxDebugSession *self, JsonObject *body);
static void remote_rewrite_frames (OxDebugSession *self, JsonArray *frames);
static void remote_send_breakpoints (OxDebugSession *self);
static void remote_end (OxDebugSession *self);
static guint signals[N_SIGNALS];

typedef struct {
	OxDebugSession *self;
	guint           generation;
} Pending;

static Pending *
pending_new (OxDebugSession *self)
{
	Pending *p = g_new (Pending, 1);
	p->self = g_object_ref (self);
	p->generation = self->generation;
	return p;
}

/* The reply's body if it belongs to the live session, else NULL (errors
 * of the live session go to "failed" unless quiet). */
static JsonNode *
pending_finish (Pending *p, GObject *source, GAsyncResult *result, gboolean quiet)
{
	GError *error = NULL;
	JsonNode *body = dap_client_request_finish (DAP_CLIENT (source), result, &error);
	gboolean live = p->generation == p->self->generation && p->self->client;
	if (!body && live && !quiet && !g_error_matches (error, DAP_CLIENT_ERROR, DAP_CLIENT_ERROR_CLOSED))
		g_signal_emit (p->self, signals[SIG_FAILED], 0, error->message);
	g_clear_error (&error);
	if (body && !live)
		g_clear_pointer (&body, json_node_unref);
	return body;
}

static void
pending_free (Pending *p)
{
	g_object_unref (p->self);
	g_free (p);
}

static void
set_state (OxDebugSession *self, OxDebugState state)
{
	if (self->state == state)
		return;
	self->state = state;
	g_signal_emit (self, signals[SIG_STATE], 0);
}

static void
simple_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Pending *p = data;
	JsonNode *b = pending_finish (p, source, result, FALSE);
	if (b)
		json_node_unref (b);
	pending_free (p);
}

static void
send (OxDebugSession *self, const char *command, JsonNode *args, GAsyncReadyCallback cb)
{
	if (!self->client) {
		if (args)
			json_node_unref (args);
		return;
	}
	dap_client_request_async (self->client, command, args, NULL, cb ? cb : simple_cb, pending_new (self));
}

/* The session is over: forget the client and the stop. */
static void
end_session (OxDebugSession *self)
{
	self->generation++;
	if (self->client) {
		g_signal_handlers_disconnect_by_data (self->client, self);
		dap_client_close (self->client);
		g_clear_object (&self->client);
	}
	/* NOTE: kept until the window closes: routines the text created
	 * remember this path (the engine stores it with the routine), and
	 * stepping into them later shows this file */
	if (self->program)
		g_ptr_array_add (self->old_programs, g_steal_pointer (&self->program));
	g_clear_pointer (&self->frames, json_array_unref);
	self->frame_id = 0;
	remote_end (self);
	g_weak_ref_set (&self->buffer, NULL);
	if (self->ref_buffers)
		g_hash_table_remove_all (self->ref_buffers);
	set_state (self, OX_DEBUG_IDLE);
	g_signal_emit (self, signals[SIG_FRAME], 0);
}

/* ---- breakpoints ------------------------------------------------------------------------------- */

GListModel *
ox_debug_session_get_breakpoints (OxDebugSession *self)
{
	return G_LIST_MODEL (self->breakpoints);
}

OxDebugBp *
ox_debug_session_find_breakpoint (OxDebugSession *self, GtkTextBuffer *buffer, int line)
{
	guint n = g_list_model_get_n_items (G_LIST_MODEL (self->breakpoints));
	for (guint i = 0; i < n; i++) {
		g_autoptr (OxDebugBp) bp = g_list_model_get_item (G_LIST_MODEL (self->breakpoints), i);
		if (ox_debug_bp_get_buffer (bp) == buffer && ox_debug_bp_get_line (bp) == line)
			return bp;  /* the store keeps it alive */
	}
	return NULL;
}

void
ox_debug_session_add_breakpoint (OxDebugSession *self, OxDebugBp *bp)
{
	g_list_store_append (self->breakpoints, bp);
	ox_debug_session_breakpoints_changed (self, ox_debug_bp_get_buffer (bp));
}

void
ox_debug_session_remove_breakpoint (OxDebugSession *self, OxDebugBp *bp)
{
	guint pos;
	if (!g_list_store_find (self->breakpoints, bp, &pos))
		return;
	GtkTextBuffer *buf = ox_debug_bp_get_buffer (bp);
	g_object_ref (bp);
	g_list_store_remove (self->breakpoints, pos);
	ox_debug_session_breakpoints_changed (self, buf);
	g_object_unref (bp);
}

typedef struct {
	Pending   *p;
	GPtrArray *sent;   /* OxDebugBp*, in the order sent */
} BpReq;

static void
set_breakpoints_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	BpReq *r = data;
	JsonNode *body = pending_finish (r->p, source, result, FALSE);
	if (body && JSON_NODE_HOLDS_OBJECT (body)) {
		JsonArray *a = json_object_get_array_member (json_node_get_object (body), "breakpoints");
		for (guint i = 0; a && i < json_array_get_length (a) && i < r->sent->len; i++) {
			JsonObject *o = json_array_get_object_element (a, i);
			bp_set_verified (r->sent->pdata[i], json_object_get_boolean_member_with_default (o, "verified", FALSE),
			                 json_object_get_string_member_with_default (o, "message", NULL));
		}
	}
	if (body)
		json_node_unref (body);
	pending_free (r->p);
	g_ptr_array_unref (r->sent);
	g_free (r);
}

/* The breakpoints of buffer: the debugged text's by its path, a routine
 * tab's by its sourceReference (src). */
static void
send_breakpoints_of (OxDebugSession *self, GtkTextBuffer *buffer, RefSource *src, GAsyncReadyCallback then,
                     gpointer then_data)
{
	if (buffer)
		g_object_ref (buffer);
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "source");
	json_builder_begin_object (b);
	if (src) {
		json_builder_set_member_name (b, "name");
		json_builder_add_string_value (b, src->name);
		json_builder_set_member_name (b, "sourceReference");
		json_builder_add_int_value (b, src->ref);
	} else {
		json_builder_set_member_name (b, "path");
		json_builder_add_string_value (b, self->program);
	}
	json_builder_end_object (b);
	json_builder_set_member_name (b, "breakpoints");
	json_builder_begin_array (b);
	GPtrArray *sent = g_ptr_array_new_with_free_func (g_object_unref);
	guint n = g_list_model_get_n_items (G_LIST_MODEL (self->breakpoints));
	for (guint i = 0; i < n; i++) {
		OxDebugBp *bp = g_list_model_get_item (G_LIST_MODEL (self->breakpoints), i);
		if (!buffer || ox_debug_bp_get_buffer (bp) != buffer || !bp->enabled || !ox_debug_bp_get_line (bp)) {
			g_object_unref (bp);
			continue;
		}
		json_builder_begin_object (b);
		json_builder_set_member_name (b, "line");
		json_builder_add_int_value (b, ox_debug_bp_get_line (bp));
		if (bp->condition) {
			json_builder_set_member_name (b, "condition");
			json_builder_add_string_value (b, bp->condition);
		}
		if (bp->hit_condition) {
			json_builder_set_member_name (b, "hitCondition");
			json_builder_add_string_value (b, bp->hit_condition);
		}
		if (bp->log_message) {
			json_builder_set_member_name (b, "logMessage");
			json_builder_add_string_value (b, bp->log_message);
		}
		json_builder_end_object (b);
		g_ptr_array_add (sent, bp);
	}
	json_builder_end_array (b);
	json_builder_end_object (b);
	JsonNode *args = json_builder_get_root (b);
	g_object_unref (b);
	g_clear_object (&buffer);
	BpReq *r = g_new (BpReq, 1);
	r->p = pending_new (self);
	r->sent = sent;
	dap_client_request_async (self->client, "setBreakpoints", args, NULL, set_breakpoints_cb, r);
	if (then)
		dap_client_request_async (self->client, "setExceptionBreakpoints",
		                          dap_client_args ("{\"filters\":[\"uncaught\"]}"), NULL, then, then_data);
}

static void
send_breakpoints (OxDebugSession *self, GAsyncReadyCallback then, gpointer then_data)
{
	if (self->remote) {
		remote_send_breakpoints (self);
		if (then)
			dap_client_request_async (self->client, "setExceptionBreakpoints",
			                          dap_client_args ("{\"filters\":[\"uncaught\"]}"), NULL, then, then_data);
		return;
	}
	GtkTextBuffer *buffer = g_weak_ref_get (&self->buffer);
	send_breakpoints_of (self, buffer, NULL, then, then_data);
	g_clear_object (&buffer);
}

void
ox_debug_session_set_buffer_source (OxDebugSession *self, GtkTextBuffer *buffer, gint64 ref, const char *name)
{
	g_return_if_fail (OX_IS_DEBUG_SESSION (self));
	if (self->state == OX_DEBUG_IDLE || ref <= 0)
		return;
	RefSource *r = g_new0 (RefSource, 1);
	r->ref = ref;
	r->name = g_strdup (name ? name : "routine");
	g_hash_table_replace (self->ref_buffers, buffer, r);
}

void
ox_debug_session_breakpoints_changed (OxDebugSession *self, GtkTextBuffer *buffer)
{
	if (self->state == OX_DEBUG_IDLE || self->state == OX_DEBUG_STARTING || !self->client)
		return;
	GtkTextBuffer *mine = g_weak_ref_get (&self->buffer);
	RefSource *src = buffer ? g_hash_table_lookup (self->ref_buffers, buffer) : NULL;
	if (mine && mine == buffer)
		send_breakpoints (self, NULL, NULL);
	else if (src)
		send_breakpoints_of (self, buffer, src, NULL, NULL);
	g_clear_object (&mine);
}

/* ---- the stop --------------------------------------------------------------------------------- */

static void
stack_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Pending *p = data;
	OxDebugSession *self = p->self;
	JsonNode *body = pending_finish (p, source, result, FALSE);
	if (body && JSON_NODE_HOLDS_OBJECT (body) && self->state == OX_DEBUG_STOPPED) {
		JsonArray *frames = json_object_get_array_member (json_node_get_object (body), "stackFrames");
		g_clear_pointer (&self->frames, json_array_unref);
		self->frames = frames ? json_array_ref (frames) : json_array_new ();
		if (self->remote)
			remote_rewrite_frames (self, self->frames);
		self->frame_id = json_array_get_length (self->frames)
			? json_object_get_int_member (json_array_get_object_element (self->frames, 0), "id") : 0;
		g_signal_emit (self, signals[SIG_FRAME], 0);
	}
	if (body)
		json_node_unref (body);
	pending_free (p);
}

static void
event_cb (DapClient *client, const char *name, JsonNode *body, OxDebugSession *self)
{
	(void) client;
	JsonObject *o = body && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;
	if (!strcmp (name, "initialized") && self->remote) {
		remote_initialized (self);
	} else if (!strcmp (name, "thread") && self->remote && o) {
		/* the run's session on the server: what Pause stops */
		if (!g_strcmp0 (json_object_get_string_member_with_default (o, "reason", ""), "started"))
			self->thread_id = json_object_get_int_member_with_default (o, "threadId", self->thread_id);
	} else if (!strcmp (name, "stopped") && self->remote && o && remote_stopped (self, o)) {
		/* a stop of the mapping, resumed unseen */
	} else if (!strcmp (name, "initialized")) {
		/* configuration: breakpoints, then go */
		send_breakpoints (self, simple_cb, pending_new (self));
		send (self, "configurationDone", NULL, NULL);
		set_state (self, OX_DEBUG_RUNNING);
	} else if (!strcmp (name, "stopped")) {
		if (o && json_object_has_member (o, "threadId"))
			self->thread_id = json_object_get_int_member (o, "threadId");
		g_clear_pointer (&self->frames, json_array_unref);
		self->frame_id = 0;
		set_state (self, OX_DEBUG_STOPPED);
		send (self, "stackTrace", dap_client_args ("{\"threadId\":%" G_GINT64_FORMAT "}", self->thread_id), stack_cb);
	} else if (!strcmp (name, "continued")) {
		g_clear_pointer (&self->frames, json_array_unref);
		self->frame_id = 0;
		set_state (self, OX_DEBUG_RUNNING);
		g_signal_emit (self, signals[SIG_FRAME], 0);
	} else if (!strcmp (name, "output") && o) {
		g_signal_emit (self, signals[SIG_OUTPUT], 0, json_object_get_string_member_with_default (o, "category", "console"),
		               json_object_get_string_member_with_default (o, "output", ""));
	} else if (!strcmp (name, "exited") && o) {
		char *m = g_strdup_printf ("The script %s.\n", json_object_get_int_member_with_default (o, "exitCode", 1) == 0
		                           ? "finished" : "failed");
		g_signal_emit (self, signals[SIG_OUTPUT], 0, "console", m);
		g_free (m);
	} else if (!strcmp (name, "terminated")) {
		/* the adapter is done: let it go */
		send (self, "disconnect", NULL, NULL);
	}
}

static void
closed_cb (DapClient *client, const GError *error, OxDebugSession *self)
{
	(void) client;
	(void) error;
	g_object_ref (self);
	end_session (self);
	g_object_unref (self);
}

static void
launch_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Pending *p = data;
	JsonNode *b = pending_finish (p, source, result, FALSE);
	if (b)
		json_node_unref (b);
	else if (p->generation == p->self->generation)
		end_session (p->self);
	pending_free (p);
}

static void
initialize_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Pending *p = data;
	OxDebugSession *self = p->self;
	JsonNode *b = pending_finish (p, source, result, FALSE);
	if (b && self->remote) {
		/* attach to the sessions of our own runs only */
		json_node_unref (b);
		char *q = dap_json_quote (self->app_name);
		send (self, "attach", dap_client_args ("{\"sessions\":{\"application_name\":%s}}", q), launch_cb);
		g_free (q);
	} else if (b) {
		json_node_unref (b);
		char *q = dap_json_quote (self->program);
		send (self, "launch", dap_client_args ("{\"program\":%s,\"stepIntoQueries\":%s}", q,
		                                       self->step_into_queries ? "true" : "false"), launch_cb);
		g_free (q);
	} else if (p->generation == self->generation)
		end_session (self);
	pending_free (p);
}

static void
open_dap_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Pending *p = data;
	OxDebugSession *self = p->self;
	GError *error = NULL;
	DapClient *client = ox_connection_open_dap_finish (OX_CONNECTION (source), result, &error);
	if (p->generation != self->generation) {
		g_clear_object (&client);
		g_clear_error (&error);
		pending_free (p);
		return;
	}
	if (!client) {
		g_signal_emit (self, signals[SIG_FAILED], 0, error->message);
		g_error_free (error);
		end_session (self);
		pending_free (p);
		return;
	}
	self->client = client;
	g_signal_connect (client, "event", G_CALLBACK (event_cb), self);
	g_signal_connect (client, "closed", G_CALLBACK (closed_cb), self);
	send (self, "initialize",
	      dap_client_args ("{\"clientID\":\"oxibase-workstation\",\"adapterID\":\"oxibase\",\"linesStartAt1\":true,"
	                       "\"columnsStartAt1\":true,\"pathFormat\":\"path\"}"), initialize_cb);
	pending_free (p);
}

void
ox_debug_session_start (OxDebugSession *self, OxConnection *connection, GtkTextBuffer *buffer, const char *text,
                        int first_line)
{
	if (self->state != OX_DEBUG_IDLE) {
		g_signal_emit (self, signals[SIG_FAILED], 0, "A debug session is already running: stop it first.");
		return;
	}
	/* the text at its own line numbers: blank lines stand for what precedes it */
	GError *error = NULL;
	char *path = NULL;
	int fd = g_file_open_tmp ("oxibase-debug-XXXXXX.sql", &path, &error);
	if (fd < 0) {
		g_signal_emit (self, signals[SIG_FAILED], 0, error->message);
		g_error_free (error);
		return;
	}
	close (fd);
	GString *s = g_string_new (NULL);
	for (int i = 1; i < first_line; i++)
		g_string_append_c (s, '\n');
	g_string_append (s, text);
	if (!g_file_set_contents (path, s->str, (gssize) s->len, &error)) {
		g_signal_emit (self, signals[SIG_FAILED], 0, error->message);
		g_error_free (error);
		g_unlink (path);
		g_free (path);
		g_string_free (s, TRUE);
		return;
	}
	if (OX_IS_REMOTE_CONNECTION (connection)) {
		/* remote: attach mode (see the NOTE at the top) */
		self->remote = g_object_ref (connection);
		self->script = g_strdup (s->str);
		self->app_name = ox_remote_connection_new_application_name (OX_REMOTE_CONNECTION (connection));
	}
	self->thread_id = 1;
	g_string_free (s, TRUE);
	self->generation++;
	/* the adapter canonicalizes paths; so do we, to compare frames */
	self->program = g_canonicalize_filename (path, NULL);
	g_free (path);
	g_weak_ref_set (&self->buffer, buffer);
	set_state (self, OX_DEBUG_STARTING);
	ox_connection_open_dap_async (connection, NULL, open_dap_cb, pending_new (self));
}

OxDebugState
ox_debug_session_get_state (OxDebugSession *self)
{
	return self->state;
}

GtkTextBuffer *
ox_debug_session_get_buffer (OxDebugSession *self)
{
	GtkTextBuffer *b = g_weak_ref_get (&self->buffer);
	if (b)
		g_object_unref (b);
	return b;
}

static void
resume (OxDebugSession *self, const char *command)
{
	if (self->state != OX_DEBUG_STOPPED)
		return;
	send (self, command, dap_client_args ("{\"threadId\":%" G_GINT64_FORMAT "}", self->thread_id), NULL);
}

void ox_debug_session_continue (OxDebugSession *self) { resume (self, "continue"); }
void ox_debug_session_step_over (OxDebugSession *self) { resume (self, "next"); }
void ox_debug_session_step_into (OxDebugSession *self) { resume (self, "stepIn"); }
void ox_debug_session_step_out (OxDebugSession *self) { resume (self, "stepOut"); }

void
ox_debug_session_pause (OxDebugSession *self)
{
	if (self->state == OX_DEBUG_RUNNING)
		send (self, "pause", dap_client_args ("{\"threadId\":%" G_GINT64_FORMAT "}", self->thread_id), NULL);
}

void
ox_debug_session_stop (OxDebugSession *self)
{
	if (self->state == OX_DEBUG_IDLE)
		return;
	if (self->run_cancel)
		g_cancellable_cancel (self->run_cancel);  /* remote: the run ends with 57014 */
	if (self->client && self->remote)
		/* attach mode: disconnecting resumes the session, the cancel ends it */
		send (self, "disconnect", NULL, NULL);
	else if (self->client)
		/* the adapter terminates the script (rolling back a paused
		 * transaction) and ends; "closed" then ends the session */
		send (self, "disconnect", dap_client_args ("{\"terminateDebuggee\":true}"), NULL);
	else
		end_session (self);
}

JsonArray *
ox_debug_session_get_frames (OxDebugSession *self)
{
	return self->frames;
}

gint64
ox_debug_session_get_frame_id (OxDebugSession *self)
{
	return self->frame_id;
}

void
ox_debug_session_select_frame (OxDebugSession *self, gint64 frame_id)
{
	if (self->state != OX_DEBUG_STOPPED || frame_id == self->frame_id)
		return;
	self->frame_id = frame_id;
	g_signal_emit (self, signals[SIG_FRAME], 0);
}

void
ox_debug_session_reselect_frame (OxDebugSession *self)
{
	if (self->state == OX_DEBUG_STOPPED && self->frame_id)
		g_signal_emit (self, signals[SIG_FRAME], 0);
}

gboolean
ox_debug_session_frame_in_buffer (OxDebugSession *self, JsonObject *frame)
{
	JsonObject *src = json_object_has_member (frame, "source") ? json_object_get_object_member (frame, "source") : NULL;
	const char *path = src ? json_object_get_string_member_with_default (src, "path", NULL) : NULL;
	return path && self->program && !strcmp (path, self->program);
}

void
ox_debug_session_request (OxDebugSession *self, const char *command, JsonNode *arguments, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
	if (!self->client) {
		if (arguments)
			json_node_unref (arguments);
		g_task_report_new_error (self, callback, user_data, ox_debug_session_request, DAP_CLIENT_ERROR,
		                         DAP_CLIENT_ERROR_CLOSED, "no debug session");
		return;
	}
	dap_client_request_async (self->client, command, arguments, cancellable, callback, user_data);
}

JsonNode *
ox_debug_session_request_finish (OxDebugSession *self, GAsyncResult *result, GError **error)
{
	if (g_async_result_is_tagged (result, ox_debug_session_request))
		return g_task_propagate_pointer (G_TASK (result), error);
	GObject *src = g_async_result_get_source_object (result);
	JsonNode *n = dap_client_request_finish (DAP_CLIENT (src), result, error);
	g_object_unref (src);
	(void) self;
	return n;
}

/* ---- remote (attach mode) ------------------------------------------------------------------- */

static void
routine_clear (gpointer p)
{
	g_free (((Routine *) p)->name);
}

static int
line_at (const char *text, gsize offset)
{
	int line = 1;
	for (gsize i = 0; i < offset && text[i]; i++)
		line += text[i] == '\n';
	return line;
}

/* The routines the script creates, with the lines of their bodies. */
static void
remote_find_routines (OxDebugSession *self)
{
	if (self->routines)
		g_array_unref (self->routines);
	self->routines = g_array_new (FALSE, TRUE, sizeof (Routine));
	g_array_set_clear_func (self->routines, routine_clear);
	g_autoptr (GRegex) create = g_regex_new (
		"CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:FUNCTION|PROCEDURE)\\s+"
		"((?:\"[^\"]+\"|[A-Za-z_][A-Za-z0-9_$]*)(?:\\.(?:\"[^\"]+\"|[A-Za-z_][A-Za-z0-9_$]*))?)",
		G_REGEX_CASELESS, 0, NULL);
	g_autoptr (GRegex) dollar = g_regex_new ("\\$(?:[A-Za-z_][A-Za-z0-9_]*)?\\$", 0, 0, NULL);
	g_autoptr (GArray) ranges = ox_sql_split (self->script);
	for (guint i = 0; i < ranges->len; i++) {
		OxSqlRange *r = &g_array_index (ranges, OxSqlRange, i);
		g_autofree char *stmt = g_strndup (self->script + r->start, r->end - r->start);
		g_autoptr (GMatchInfo) m = NULL;
		if (!g_regex_match (create, stmt, 0, &m))
			continue;
		int name_end = 0;
		g_match_info_fetch_pos (m, 1, NULL, &name_end);
		g_autoptr (GMatchInfo) d = NULL;
		if (!g_regex_match_full (dollar, stmt, -1, name_end, 0, &d, NULL))
			continue;
		int open_start = 0, open_end = 0;
		g_match_info_fetch_pos (d, 0, &open_start, &open_end);
		g_autofree char *tag = g_match_info_fetch (d, 0);
		const char *close = strstr (stmt + open_end, tag);
		Routine rt = { 0 };
		rt.name = g_match_info_fetch (m, 1);
		rt.body_line = line_at (self->script, r->start + (gsize) open_start);
		rt.end_line = line_at (self->script, r->start + (gsize) (close ? close - stmt : (long) strlen (stmt)));
		g_array_append_val (self->routines, rt);
	}
}

/* The routine a buffer line lies in, or NULL. */
static Routine *
routine_at (OxDebugSession *self, int line)
{
	for (guint i = 0; self->routines && i < self->routines->len; i++) {
		Routine *r = &g_array_index (self->routines, Routine, i);
		if (line > r->body_line && line <= r->end_line)
			return r;
	}
	return NULL;
}

static void
bp_spec (JsonBuilder *b, OxDebugBp *bp, int line)
{
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "line");
	json_builder_add_int_value (b, line);
	if (bp->condition) {
		json_builder_set_member_name (b, "condition");
		json_builder_add_string_value (b, bp->condition);
	}
	if (bp->hit_condition) {
		json_builder_set_member_name (b, "hitCondition");
		json_builder_add_string_value (b, bp->hit_condition);
	}
	if (bp->log_message) {
		json_builder_set_member_name (b, "logMessage");
		json_builder_add_string_value (b, bp->log_message);
	}
	json_builder_end_object (b);
}

/* The buffer line where the script's first statement at or after line
 * starts (its first line that is not blank or a -- comment, as the
 * engine counts it), or 0 past the last: the server's adapter cannot
 * read our file to move a breakpoint there itself, as a launch does. */
static int
remote_statement_line (OxDebugSession *self, int line)
{
	g_autoptr (GArray) ranges = ox_sql_split (self->script);
	for (guint i = 0; i < ranges->len; i++) {
		OxSqlRange *r = &g_array_index (ranges, OxSqlRange, i);
		const char *p = self->script + r->start, *end = self->script + r->end;
		while (p < end && (g_ascii_isspace (*p) || (p[0] == '-' && p[1] == '-'))) {
			if (*p == '-')
				while (p < end && *p != '\n')
					p++;
			else
				p++;
		}
		int at = line_at (self->script, (gsize) (p - self->script));
		if (at >= line && p < end)
			return at;
	}
	return 0;
}

/* Function breakpoints on routines with breakpoints but no source yet;
 * line breakpoints on the sources of those seen; the others by the
 * program's path (the script's statements). */
static void
remote_send_breakpoints (OxDebugSession *self)
{
	if (!self->client || !self->routines)
		return;
	GtkTextBuffer *buffer = g_weak_ref_get (&self->buffer);
	guint n = g_list_model_get_n_items (G_LIST_MODEL (self->breakpoints));
	JsonBuilder *fb = json_builder_new ();
	json_builder_begin_object (fb);
	json_builder_set_member_name (fb, "breakpoints");
	json_builder_begin_array (fb);
	for (guint ri = 0; ri < self->routines->len; ri++) {
		Routine *r = &g_array_index (self->routines, Routine, ri);
		JsonBuilder *b = json_builder_new ();
		json_builder_begin_object (b);
		json_builder_set_member_name (b, "source");
		json_builder_begin_object (b);
		json_builder_set_member_name (b, "sourceReference");
		json_builder_add_int_value (b, r->ref);
		json_builder_end_object (b);
		json_builder_set_member_name (b, "breakpoints");
		json_builder_begin_array (b);
		GPtrArray *sent = g_ptr_array_new_with_free_func (g_object_unref);
		for (guint i = 0; i < n; i++) {
			OxDebugBp *bp = g_list_model_get_item (G_LIST_MODEL (self->breakpoints), i);
			int line = ox_debug_bp_get_line (bp);
			if (!buffer || ox_debug_bp_get_buffer (bp) != buffer || !bp->enabled || routine_at (self, line) != r) {
				g_object_unref (bp);
				continue;
			}
			bp_spec (b, bp, line - r->body_line + 1);
			g_ptr_array_add (sent, bp);
		}
		json_builder_end_array (b);
		json_builder_end_object (b);
		JsonNode *args = json_builder_get_root (b);
		g_object_unref (b);
		if (!r->ref) {
			if (sent->len > 0) {
				json_builder_begin_object (fb);
				json_builder_set_member_name (fb, "name");
				json_builder_add_string_value (fb, r->name);
				json_builder_end_object (fb);
			}
			json_node_unref (args);
			g_ptr_array_unref (sent);
			continue;
		}
		BpReq *req = g_new (BpReq, 1);
		req->p = pending_new (self);
		req->sent = sent;
		dap_client_request_async (self->client, "setBreakpoints", args, NULL, set_breakpoints_cb, req);
	}
	json_builder_end_array (fb);
	json_builder_end_object (fb);
	JsonNode *fargs = json_builder_get_root (fb);
	g_object_unref (fb);
	send (self, "setFunctionBreakpoints", fargs, NULL);
	/* the script's own lines go by the program's path, as in a launch:
	 * the run names its text so (X-Oxibase-Source), and the server's
	 * statements stop there */
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "source");
	json_builder_begin_object (b);
	json_builder_set_member_name (b, "path");
	json_builder_add_string_value (b, self->program);
	json_builder_end_object (b);
	json_builder_set_member_name (b, "breakpoints");
	json_builder_begin_array (b);
	GPtrArray *sent = g_ptr_array_new_with_free_func (g_object_unref);
	for (guint i = 0; i < n; i++) {
		OxDebugBp *bp = g_list_model_get_item (G_LIST_MODEL (self->breakpoints), i);
		int line = ox_debug_bp_get_line (bp);
		if (!buffer || ox_debug_bp_get_buffer (bp) != buffer || !bp->enabled || !line || routine_at (self, line)) {
			g_object_unref (bp);
			continue;
		}
		int at = remote_statement_line (self, line);
		if (!at) {
			bp_set_verified (bp, FALSE, "No statement starts at or after this line");
			g_object_unref (bp);
			continue;
		}
		bp_spec (b, bp, at);
		g_ptr_array_add (sent, bp);
	}
	json_builder_end_array (b);
	json_builder_end_object (b);
	JsonNode *args = json_builder_get_root (b);
	g_object_unref (b);
	BpReq *req = g_new (BpReq, 1);
	req->p = pending_new (self);
	req->sent = sent;
	dap_client_request_async (self->client, "setBreakpoints", args, NULL, set_breakpoints_cb, req);
	g_clear_object (&buffer);
}

static void
remote_batch_cb (OxBatch *b, gpointer data)
{
	Pending *p = data;
	OxDebugSession *self = p->self;
	/* after Stop the run's last words (its 57014) still belong to the
	 * tab, unless another session started since */
	if (p->generation != self->generation && self->state != OX_DEBUG_IDLE)
		return;
	for (guint i = 0; i < b->notices->len; i++) {
		OxNotice *n = b->notices->pdata[i];
		g_autofree char *t = g_strdup_printf ("%s:  %s\n", n->severity, n->message);
		g_signal_emit (self, signals[SIG_OUTPUT], 0, "stdout", t);
	}
	if (b->kind == OX_BATCH_DONE && b->command_tag) {
		g_autofree char *t = g_strdup_printf ("%s\n", b->command_tag);
		g_signal_emit (self, signals[SIG_OUTPUT], 0, "stdout", t);
	} else if (b->kind == OX_BATCH_ERROR) {
		g_autofree char *t = g_strdup_printf ("ERROR:  %s: %s\n", b->error->sqlstate, b->error->message);
		g_signal_emit (self, signals[SIG_OUTPUT], 0, "stderr", t);
	}
}

/* The server's adapter may keep the WebSocket open after disconnect. */
static void
remote_disconnected_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Pending *p = data;
	JsonNode *b = pending_finish (p, source, result, TRUE);
	if (b)
		json_node_unref (b);
	if (p->generation == p->self->generation)
		end_session (p->self);
	pending_free (p);
}

static void
remote_run_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Pending *p = data;
	OxDebugSession *self = p->self;
	g_autoptr (GError) error = NULL;
	gboolean ok = ox_connection_run_finish (OX_CONNECTION (source), result, &error);
	if (p->generation == self->generation) {
		g_signal_emit (self, signals[SIG_OUTPUT], 0, "console", ok ? "The script finished.\n" : "The script failed.\n");
		/* the run is over: leave the server's adapter */
		send (self, "disconnect", NULL, remote_disconnected_cb);
	}
	pending_free (p);
}

/* configurationDone answered: the breakpoints are in place, run. */
static void
remote_configured_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Pending *p = data;
	OxDebugSession *self = p->self;
	JsonNode *b = pending_finish (p, source, result, FALSE);
	if (b)
		json_node_unref (b);
	if (p->generation == self->generation && self->client) {
		g_clear_object (&self->run_cancel);
		self->run_cancel = g_cancellable_new ();
		ox_remote_connection_set_next_application_name (OX_REMOTE_CONNECTION (self->remote), self->app_name);
		ox_remote_connection_set_next_source (OX_REMOTE_CONNECTION (self->remote), self->program);
		ox_connection_run_async (self->remote, self->script, remote_batch_cb, pending_new (self),
		                         (GDestroyNotify) pending_free, self->run_cancel, remote_run_done_cb,
		                         pending_new (self));
	}
	pending_free (p);
}

static void
remote_initialized (OxDebugSession *self)
{
	remote_find_routines (self);
	remote_send_breakpoints (self);
	send (self, "configurationDone", NULL, remote_configured_cb);
	set_state (self, OX_DEBUG_RUNNING);
}

static Routine *
routine_named (OxDebugSession *self, const char *source_name)
{
	/* "public.r_tally (procedure)" */
	g_autofree char *n = g_strdup (source_name ? source_name : "");
	char *paren = strstr (n, " (");
	if (paren)
		*paren = '\0';
	const char *dot = strrchr (n, '.');
	const char *bare = dot ? dot + 1 : n;
	for (guint i = 0; self->routines && i < self->routines->len; i++) {
		Routine *r = &g_array_index (self->routines, Routine, i);
		const char *rdot = strrchr (r->name, '.');
		g_autofree char *rn = g_strdup (rdot ? rdot + 1 : r->name);
		if (rn[0] == '"') {
			memmove (rn, rn + 1, strlen (rn));
			rn[strlen (rn) - 1] = '\0';
		} else {
			char *low = g_ascii_strdown (rn, -1);
			g_free (rn);
			rn = low;
		}
		if (!strcmp (rn, bare))
			return r;
	}
	return NULL;
}

/* The stack of a function-breakpoint stop: learn the routine's source,
 * place the breakpoints in it, go on. */
static void
remote_entry_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Pending *p = data;
	OxDebugSession *self = p->self;
	JsonNode *body = pending_finish (p, source, result, FALSE);
	if (body && JSON_NODE_HOLDS_OBJECT (body)) {
		JsonArray *frames = json_object_get_array_member (json_node_get_object (body), "stackFrames");
		JsonObject *top = frames && json_array_get_length (frames) ? json_array_get_object_element (frames, 0) : NULL;
		JsonObject *src = top && json_object_has_member (top, "source") ? json_object_get_object_member (top, "source")
		                                                               : NULL;
		Routine *r = src ? routine_named (self, json_object_get_string_member_with_default (src, "name", NULL)) : NULL;
		if (r && !r->ref) {
			r->ref = json_object_get_int_member_with_default (src, "sourceReference", 0);
			remote_send_breakpoints (self);
		}
		send (self, "continue", dap_client_args ("{\"threadId\":%" G_GINT64_FORMAT "}", self->thread_id), NULL);
	}
	if (body)
		json_node_unref (body);
	pending_free (p);
}

static gboolean
remote_stopped (OxDebugSession *self, JsonObject *body)
{
	self->thread_id = json_object_get_int_member_with_default (body, "threadId", self->thread_id);
	if (g_strcmp0 (json_object_get_string_member_with_default (body, "reason", ""), "function breakpoint"))
		return FALSE;
	send (self, "stackTrace", dap_client_args ("{\"threadId\":%" G_GINT64_FORMAT "}", self->thread_id),
	      remote_entry_cb);
	return TRUE;
}

/* Frames in routines of the buffer point into it, at buffer lines. */
static void
remote_rewrite_frames (OxDebugSession *self, JsonArray *frames)
{
	for (guint i = 0; i < json_array_get_length (frames); i++) {
		JsonObject *f = json_array_get_object_element (frames, i);
		JsonObject *src = json_object_has_member (f, "source") ? json_object_get_object_member (f, "source") : NULL;
		gint64 ref = src ? json_object_get_int_member_with_default (src, "sourceReference", 0) : 0;
		for (guint k = 0; ref && self->routines && k < self->routines->len; k++) {
			Routine *r = &g_array_index (self->routines, Routine, k);
			if (r->ref != ref)
				continue;
			JsonObject *ns = json_object_new ();
			json_object_set_string_member (ns, "name", r->name);
			json_object_set_string_member (ns, "path", self->program);
			json_object_set_object_member (f, "source", ns);
			json_object_set_int_member (f, "line", json_object_get_int_member (f, "line") + r->body_line - 1);
			break;
		}
	}
}

static void
remote_end (OxDebugSession *self)
{
	g_clear_object (&self->remote);
	g_clear_object (&self->run_cancel);
	g_clear_pointer (&self->script, g_free);
	g_clear_pointer (&self->app_name, g_free);
	g_clear_pointer (&self->routines, g_array_unref);
	self->thread_id = 1;
}

static void
ox_debug_session_dispose (GObject *object)
{
	OxDebugSession *self = OX_DEBUG_SESSION (object);
	if (self->client || self->program)
		end_session (self);
	g_clear_object (&self->breakpoints);
	g_clear_pointer (&self->ref_buffers, g_hash_table_unref);
	for (guint i = 0; self->old_programs && i < self->old_programs->len; i++)
		g_unlink (self->old_programs->pdata[i]);
	g_clear_pointer (&self->old_programs, g_ptr_array_unref);
	G_OBJECT_CLASS (ox_debug_session_parent_class)->dispose (object);
}

static void
ox_debug_session_finalize (GObject *object)
{
	OxDebugSession *self = OX_DEBUG_SESSION (object);
	g_weak_ref_clear (&self->buffer);
	G_OBJECT_CLASS (ox_debug_session_parent_class)->finalize (object);
}

static void
ox_debug_session_class_init (OxDebugSessionClass *klass)
{
	GObjectClass *oc = G_OBJECT_CLASS (klass);
	oc->dispose = ox_debug_session_dispose;
	oc->finalize = ox_debug_session_finalize;
	signals[SIG_STATE] = g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
	                                   NULL, G_TYPE_NONE, 0);
	signals[SIG_FRAME] = g_signal_new ("frame-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
	                                   NULL, G_TYPE_NONE, 0);
	signals[SIG_OUTPUT] = g_signal_new ("output", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
	                                    G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
	signals[SIG_FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
	                                    G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
ox_debug_session_init (OxDebugSession *self)
{
	self->breakpoints = g_list_store_new (OX_TYPE_DEBUG_BP);
	self->old_programs = g_ptr_array_new_with_free_func (g_free);
	self->ref_buffers = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, ref_source_free);
	g_weak_ref_init (&self->buffer, NULL);
}

void
ox_debug_session_set_step_into_queries (OxDebugSession *self, gboolean on)
{
	g_return_if_fail (OX_IS_DEBUG_SESSION (self));
	self->step_into_queries = on;
}

gboolean
ox_debug_session_get_step_into_queries (OxDebugSession *self)
{
	g_return_val_if_fail (OX_IS_DEBUG_SESSION (self), FALSE);
	return self->step_into_queries;
}

OxDebugSession *
ox_debug_session_new (void)
{
	return g_object_new (OX_TYPE_DEBUG_SESSION, NULL);
}

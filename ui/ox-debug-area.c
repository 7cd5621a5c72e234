/*
 * ox-debug-area.c — the debugger area (see the header).
 *
 * On each "frame-selected" the selected frame decides where the current
 * line is shown: in the debugged tab when the frame's source is the
 * debugged text (its path is the session's program), else in a read-only
 * tab opened for its sourceReference (asked for with `source`, cached per
 * reference for the session).  Toolbar buttons are sensitive according
 * to the session's state.  The read-only source tabs close when the
 * session ends (uifix).
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-debug-area.h"
#include "ox-debug-gutter.h"
#include "ox-debug-panels.h"

#include <adwaita.h>
#include <string.h>

struct _OxDebugArea {
	GtkBox          parent_instance;
	OxDebugSession *session;
	GtkNotebook    *notebook;
	GtkWidget      *buttons[7];
	GHashTable     *panels;          /* name -> widget (unowned: the notebook holds them) */
	GWeakRef        page;            /* the debugged tab */
	GWeakRef        marked_view;     /* where the current line is shown */
	GHashTable     *sources;         /* sourceReference -> GWeakRef* of an OxEditorPage */
	GHashTable     *files;           /* other files' paths -> GWeakRef* of an OxEditorPage */
	OxDebugAreaOpenSource open_source;
	gpointer        open_source_data;
	guint           generation;      /* of source requests */
};

G_DEFINE_FINAL_TYPE (OxDebugArea, ox_debug_area, GTK_TYPE_BOX)

enum { SIG_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

enum { B_DEBUG, B_CONTINUE, B_OVER, B_INTO, B_OUT, B_PAUSE, B_STOP };

static void
weak_free (gpointer p)
{
	g_weak_ref_clear (p);
	g_free (p);
}

static void
mark_line (OxDebugArea *self, GtkSourceView *view, int line)
{
	GtkSourceView *old = g_weak_ref_get (&self->marked_view);
	if (old && old != view)
		ox_debug_gutter_set_current_line (old, 0);
	g_clear_object (&old);
	g_weak_ref_set (&self->marked_view, view);
	if (view)
		ox_debug_gutter_set_current_line (view, line);
}

typedef struct {
	OxDebugArea *self;
	guint       generation;
	gint64      ref;
	int         line;
	char       *name;
} SourceReq;

static void
source_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	(void) source;
	SourceReq *r = data;
	OxDebugArea *self = r->self;
	JsonNode *body = ox_debug_session_request_finish (self->session, result, NULL);
	if (body && JSON_NODE_HOLDS_OBJECT (body) && r->generation == self->generation && self->open_source) {
		const char *text = json_object_get_string_member_with_default (json_node_get_object (body), "content", "");
		OxEditorPage *page = self->open_source (r->name, text, self->open_source_data);
		if (page) {
			GWeakRef *w = g_new0 (GWeakRef, 1);
			g_weak_ref_init (w, page);
			g_hash_table_replace (self->sources, g_memdup2 (&r->ref, sizeof r->ref), w);
			mark_line (self, GTK_SOURCE_VIEW (ox_editor_page_get_source_view (page)), r->line);
			/* its gutter's breakpoints go to the adapter by this reference */
			ox_debug_session_set_buffer_source (self->session, ox_editor_page_get_buffer (page), r->ref, r->name);
		}
	}
	if (body)
		json_node_unref (body);
	g_object_unref (self);
	g_free (r->name);
	g_free (r);
}

typedef struct {
	OxDebugArea *self;
	guint        generation;
	int          line;
	char        *path;
} FileReq;

static void
file_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	FileReq *r = data;
	OxDebugArea *self = r->self;
	char *contents = NULL;
	gsize len = 0;
	GError *error = NULL;
	if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &len, NULL, &error)) {
		char *m = g_strdup_printf ("Cannot show the source %s: %s\n", r->path, error->message);
		ox_debug_console_append (ox_debug_area_get_panel (self, "Debug Console"), "stderr", m);
		g_free (m);
		g_error_free (error);
	} else if (r->generation == self->generation && self->open_source && g_utf8_validate (contents, (gssize) len, NULL)) {
		char *title = g_path_get_basename (r->path);
		OxEditorPage *page = self->open_source (title, contents, self->open_source_data);
		g_free (title);
		if (page) {
			GWeakRef *w = g_new0 (GWeakRef, 1);
			g_weak_ref_init (w, page);
			g_hash_table_replace (self->files, g_strdup (r->path), w);
			mark_line (self, GTK_SOURCE_VIEW (ox_editor_page_get_source_view (page)), r->line);
		}
	}
	g_free (contents);
	g_object_unref (self);
	g_free (r->path);
	g_free (r);
}

/* A frame in a file other than the debugged text (a routine created from
 * a file, or by an earlier debug session): the file, read-only. */
static void
show_file (OxDebugArea *self, const char *path, int line)
{
	GWeakRef *w = g_hash_table_lookup (self->files, path);
	OxEditorPage *page = w ? g_weak_ref_get (w) : NULL;
	if (page) {
		mark_line (self, GTK_SOURCE_VIEW (ox_editor_page_get_source_view (page)), line);
		g_object_unref (page);
		return;
	}
	mark_line (self, NULL, 0);
	FileReq *r = g_new0 (FileReq, 1);
	r->self = g_object_ref (self);
	r->generation = self->generation;
	r->line = line;
	r->path = g_strdup (path);
	GFile *f = g_file_new_for_path (path);
	g_file_load_contents_async (f, NULL, file_cb, r);
	g_object_unref (f);
}

static void
show_frame (OxDebugArea *self)
{
	self->generation++;
	gint64 id = ox_debug_session_get_frame_id (self->session);
	JsonArray *frames = ox_debug_session_get_frames (self->session);
	JsonObject *frame = NULL;
	for (guint i = 0; frames && i < json_array_get_length (frames); i++)
		if (json_object_get_int_member (json_array_get_object_element (frames, i), "id") == id)
			frame = json_array_get_object_element (frames, i);
	if (!frame) {
		mark_line (self, NULL, 0);
		return;
	}
	int line = (int) json_object_get_int_member_with_default (frame, "line", 0);
	/* plan: a query's operator: the Plan panel shows it (ox-debug-plan.c) */
	if (ox_debug_frame_is_operator (frame))
		gtk_notebook_set_current_page (self->notebook,
			gtk_notebook_page_num (self->notebook, ox_debug_area_get_panel (self, "Plan")));
	if (ox_debug_session_frame_in_buffer (self->session, frame)) {
		OxEditorPage *page = g_weak_ref_get (&self->page);
		mark_line (self, page ? GTK_SOURCE_VIEW (ox_editor_page_get_source_view (page)) : NULL, line);
		g_clear_object (&page);
		return;
	}
	JsonObject *src = json_object_has_member (frame, "source") ? json_object_get_object_member (frame, "source") : NULL;
	const char *path = src ? json_object_get_string_member_with_default (src, "path", NULL) : NULL;
	if (path) {
		show_file (self, path, line);
		return;
	}
	gint64 ref = src ? json_object_get_int_member_with_default (src, "sourceReference", 0) : 0;
	if (!ref) {
		mark_line (self, NULL, 0);
		return;
	}
	GWeakRef *w = g_hash_table_lookup (self->sources, &ref);
	OxEditorPage *page = w ? g_weak_ref_get (w) : NULL;
	if (page) {
		mark_line (self, GTK_SOURCE_VIEW (ox_editor_page_get_source_view (page)), line);
		g_object_unref (page);
		return;
	}
	SourceReq *r = g_new0 (SourceReq, 1);
	r->self = g_object_ref (self);
	r->generation = self->generation;
	r->ref = ref;
	r->line = line;
	r->name = g_strdup (json_object_get_string_member_with_default (src, "name", "routine"));
	ox_debug_session_request (self->session, "source",
	                          dap_client_args ("{\"sourceReference\":%" G_GINT64_FORMAT "}", ref), NULL, source_cb, r);
}

/* uifix: the read-only source tabs are the session's (their sourceReferences
 * and the breakpoints sent by them mean nothing to the next one, which
 * opens its own): they close when it ends. */
static void
close_source_tabs (GHashTable *table)
{
	GHashTableIter it;
	gpointer key, value;
	g_hash_table_iter_init (&it, table);
	while (g_hash_table_iter_next (&it, &key, &value)) {
		OxEditorPage *page = g_weak_ref_get (value);
		if (!page)
			continue;
		GtkWidget *view = gtk_widget_get_ancestor (GTK_WIDGET (page), ADW_TYPE_TAB_VIEW);
		AdwTabPage *tp = view ? adw_tab_view_get_page (ADW_TAB_VIEW (view), GTK_WIDGET (page)) : NULL;
		if (tp)
			adw_tab_view_close_page (ADW_TAB_VIEW (view), tp);
		g_object_unref (page);
	}
}

static void
update_buttons (OxDebugArea *self)
{
	OxDebugState st = ox_debug_session_get_state (self->session);
	gtk_widget_set_sensitive (self->buttons[B_DEBUG], st == OX_DEBUG_IDLE);
	gtk_widget_set_sensitive (self->buttons[B_CONTINUE], st == OX_DEBUG_STOPPED);
	gtk_widget_set_sensitive (self->buttons[B_OVER], st == OX_DEBUG_STOPPED);
	gtk_widget_set_sensitive (self->buttons[B_INTO], st == OX_DEBUG_STOPPED);
	gtk_widget_set_sensitive (self->buttons[B_OUT], st == OX_DEBUG_STOPPED);
	gtk_widget_set_sensitive (self->buttons[B_PAUSE], st == OX_DEBUG_RUNNING);
	gtk_widget_set_sensitive (self->buttons[B_STOP], st != OX_DEBUG_IDLE);
	if (st == OX_DEBUG_IDLE) {
		mark_line (self, NULL, 0);
		close_source_tabs (self->sources);  /* uifix */
		close_source_tabs (self->files);
		g_hash_table_remove_all (self->sources);
		g_hash_table_remove_all (self->files);
	}
}

static void
failed_cb (OxDebugSession *session, const char *message, OxDebugArea *self)
{
	(void) session;
	GtkWidget *console = ox_debug_area_get_panel (self, "Debug Console");
	ox_debug_console_append (console, "stderr", message);
	g_signal_emit (self, signals[SIG_FAILED], 0, message);
}

/* A "console" line that is the script's own notice, as the adapter
 * words it ("NOTICE:  text", dap-adapter.c's on_output), rather than a
 * logpoint's message (no level) or the adapter's notes ("important"). */
static gboolean
is_notice (const char *category, const char *text)
{
	static const char *const levels[] = { "DEBUG:  ", "LOG:  ", "INFO:  ", "NOTICE:  ", "WARNING:  " };
	if (g_strcmp0 (category, "console"))
		return FALSE;
	for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
		if (g_str_has_prefix (text, levels[i]))
			return TRUE;
	return FALSE;
}

static void
output_cb (OxDebugSession *session, const char *category, const char *text, OxDebugArea *self)
{
	(void) session;
	/* the script's results and notices also go to the debugged tab's
	 * Messages, as when it runs without the debugger (on a server the
	 * CALL's notices come there by the run itself) */
	if (g_strcmp0 (category, "stdout") && g_strcmp0 (category, "stderr") && !is_notice (category, text))
		return;
	OxEditorPage *page = g_weak_ref_get (&self->page);
	if (page)
		ox_editor_page_append_output (page, text, !g_strcmp0 (category, "stderr"));
	g_clear_object (&page);
}

/* ---- toolbar ---------------------------------------------------------------------------------- */

static void
button_cb (GtkButton *button, OxDebugArea *self)
{
	int which = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "ox-button"));
	switch (which) {
	case B_DEBUG:
		gtk_widget_activate_action (GTK_WIDGET (self), "workstation.debug", NULL);
		break;
	case B_CONTINUE: ox_debug_session_continue (self->session); break;
	case B_OVER: ox_debug_session_step_over (self->session); break;
	case B_INTO: ox_debug_session_step_into (self->session); break;
	case B_OUT: ox_debug_session_step_out (self->session); break;
	case B_PAUSE: ox_debug_session_pause (self->session); break;
	case B_STOP: ox_debug_session_stop (self->session); break;
	}
}

static void
queries_toggled_cb (GtkToggleButton *button, OxDebugArea *self)
{
	ox_debug_session_set_step_into_queries (self->session, gtk_toggle_button_get_active (button));
}

static void
add_panel (OxDebugArea *self, const char *name, GtkWidget *panel)
{
	gtk_notebook_append_page (self->notebook, panel, gtk_label_new (name));
	g_hash_table_insert (self->panels, (gpointer) name, panel);
}

static void
ox_debug_area_dispose (GObject *object)
{
	OxDebugArea *self = OX_DEBUG_AREA (object);
	if (self->session) {
		g_signal_handlers_disconnect_by_data (self->session, self);
		ox_debug_session_stop (self->session);
	}
	g_clear_pointer (&self->panels, g_hash_table_unref);
	g_clear_pointer (&self->sources, g_hash_table_unref);
	g_clear_pointer (&self->files, g_hash_table_unref);
	G_OBJECT_CLASS (ox_debug_area_parent_class)->dispose (object);
}

static void
ox_debug_area_finalize (GObject *object)
{
	OxDebugArea *self = OX_DEBUG_AREA (object);
	g_clear_object (&self->session);
	g_weak_ref_clear (&self->page);
	g_weak_ref_clear (&self->marked_view);
	G_OBJECT_CLASS (ox_debug_area_parent_class)->finalize (object);
}

static void
ox_debug_area_class_init (OxDebugAreaClass *klass)
{
	G_OBJECT_CLASS (klass)->dispose = ox_debug_area_dispose;
	G_OBJECT_CLASS (klass)->finalize = ox_debug_area_finalize;
	signals[SIG_FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
	                                    G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
ox_debug_area_init (OxDebugArea *self)
{
	gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
	self->session = ox_debug_session_new ();
	self->panels = g_hash_table_new (g_str_hash, g_str_equal);
	self->sources = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, weak_free);
	self->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, weak_free);
	g_weak_ref_init (&self->page, NULL);
	g_weak_ref_init (&self->marked_view, NULL);

	static const struct { const char *tip, *label; } defs[] = {
		{ "Debug the Script or Selection (F5)", "Debug" },
		{ "Continue (F5)", "Continue" },
		{ "Step Over (F10)", "Step Over" },
		{ "Step Into (F11)", "Step Into" },
		{ "Step Out (Shift+F11)", "Step Out" },
		{ "Pause", "Pause" },
		{ "Stop Debugging (Shift+F5)", "Stop" },
	};
	GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
	gtk_widget_add_css_class (bar, "toolbar");
	for (guint i = 0; i < G_N_ELEMENTS (defs); i++) {
		/* a text button where the icon theme lacks the debug icons */
		GtkWidget *b = gtk_button_new_with_label (defs[i].label);
		gtk_widget_set_tooltip_text (b, defs[i].tip);
		gtk_widget_add_css_class (b, "flat");
		gtk_accessible_update_property (GTK_ACCESSIBLE (b), GTK_ACCESSIBLE_PROPERTY_LABEL, defs[i].label, -1);
		g_object_set_data (G_OBJECT (b), "ox-button", GINT_TO_POINTER (i));
		g_signal_connect (b, "clicked", G_CALLBACK (button_cb), self);
		gtk_box_append (GTK_BOX (bar), b);
		self->buttons[i] = b;
	}
	/* plan: Step In at a query walks its plan (the launch's stepIntoQueries) */
	GtkWidget *queries = gtk_toggle_button_new_with_label ("Step into Queries");
	gtk_widget_set_tooltip_text (queries, "Step Into a query walks its plan, operator by operator, row by row "
	                                      "(from the next Debug)");
	gtk_widget_add_css_class (queries, "flat");
	gtk_accessible_update_property (GTK_ACCESSIBLE (queries), GTK_ACCESSIBLE_PROPERTY_LABEL, "Step into Queries", -1);
	g_signal_connect (queries, "toggled", G_CALLBACK (queries_toggled_cb), self);
	gtk_box_append (GTK_BOX (bar), queries);
	g_object_set_data (G_OBJECT (self), "ox-step-into-queries", queries);
	gtk_box_append (GTK_BOX (self), bar);
	self->notebook = GTK_NOTEBOOK (gtk_notebook_new ());
	gtk_widget_set_vexpand (GTK_WIDGET (self->notebook), TRUE);
	gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->notebook));
	add_panel (self, "Call Stack", ox_debug_call_stack_new (self->session));
	add_panel (self, "Variables", ox_debug_variables_new (self->session));
	add_panel (self, "Watch", ox_debug_watch_new (self->session));
	add_panel (self, "Breakpoints", ox_debug_breakpoints_new (self->session));
	add_panel (self, "Debug Console", ox_debug_console_new (self->session));
	add_panel (self, "Plan", ox_debug_plan_new (self->session));  /* plan */
	/* NOTE: no gtk_notebook_set_current_page here: GTK 4.8 asks the
	 * (not yet existing) root for the focus; ox_debug_area_start does it */
	g_signal_connect_swapped (self->session, "state-changed", G_CALLBACK (update_buttons), self);
	g_signal_connect_swapped (self->session, "frame-selected", G_CALLBACK (show_frame), self);
	g_signal_connect (self->session, "failed", G_CALLBACK (failed_cb), self);
	g_signal_connect (self->session, "output", G_CALLBACK (output_cb), self);
	update_buttons (self);
}

OxDebugArea *
ox_debug_area_new (void)
{
	return g_object_new (OX_TYPE_DEBUG_AREA, NULL);
}

void
ox_debug_area_set_open_source (OxDebugArea *self, OxDebugAreaOpenSource func, gpointer user_data)
{
	self->open_source = func;
	self->open_source_data = user_data;
}

OxDebugSession *
ox_debug_area_get_session (OxDebugArea *self)
{
	return self->session;
}

void
ox_debug_area_attach_page (OxDebugArea *self, OxEditorPage *page)
{
	ox_debug_gutter_attach (GTK_SOURCE_VIEW (ox_editor_page_get_source_view (page)), self->session);
	/* uifix: the Breakpoints panel names the tab a breakpoint is in */
	GWeakRef *w = g_new0 (GWeakRef, 1);
	g_weak_ref_init (w, page);
	g_object_set_data_full (G_OBJECT (ox_editor_page_get_buffer (page)), "ox-editor-page", w,
	                        weak_free);
}

void
ox_debug_area_start (OxDebugArea *self, OxConnection *connection, OxEditorPage *page)
{
	GtkTextBuffer *buf = ox_editor_page_get_buffer (page);
	GtkTextIter s, e;
	int first_line = 1;
	if (!gtk_text_buffer_get_selection_bounds (buf, &s, &e))
		gtk_text_buffer_get_bounds (buf, &s, &e);
	else {
		/* whole lines, so the breakpoints' lines are the file's */
		gtk_text_iter_set_line_offset (&s, 0);
		first_line = gtk_text_iter_get_line (&s) + 1;
	}
	char *text = gtk_text_buffer_get_text (buf, &s, &e, FALSE);
	g_weak_ref_set (&self->page, page);
	gtk_notebook_set_current_page (self->notebook, 1);
	ox_debug_session_start (self->session, connection, buf, text, first_line);
	g_free (text);
}

void
ox_debug_area_debug_or_continue (OxDebugArea *self, OxConnection *connection, OxEditorPage *page)
{
	switch (ox_debug_session_get_state (self->session)) {
	case OX_DEBUG_STOPPED:
		ox_debug_session_continue (self->session);
		break;
	case OX_DEBUG_IDLE:
		if (page && connection)
			ox_debug_area_start (self, connection, page);
		break;
	default:
		break;
	}
}

GtkWidget *
ox_debug_area_get_panel (OxDebugArea *self, const char *name)
{
	return g_hash_table_lookup (self->panels, name);
}

int
ox_debug_area_get_current_line (OxDebugArea *self, OxEditorPage **page)
{
	GtkSourceView *view = g_weak_ref_get (&self->marked_view);
	int line = 0;
	if (page)
		*page = NULL;
	if (view) {
		line = ox_debug_gutter_get_current_line (view);
		if (page)
			*page = OX_EDITOR_PAGE (gtk_widget_get_ancestor (GTK_WIDGET (view), OX_TYPE_EDITOR_PAGE));
		g_object_unref (view);
	}
	return line;
}

GtkWidget *
ox_debug_area_get_step_into_queries (OxDebugArea *self)
{
	return g_object_get_data (G_OBJECT (self), "ox-step-into-queries");
}

/*
 * ox-debug-console.c — the Debug Console: the script's output and the
 * adapter's messages as they come, and an entry evaluated with context
 * "repl" in the selected frame: an expression gives its value, an SQL
 * statement runs inside the paused transaction and prints its result.
 * Evaluating needs a stop; otherwise the console says so.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-debug-panels.h"

#include <string.h>

typedef struct {
	OxDebugSession *session;
	GtkTextView    *view;
	GtkEntry       *entry;
} Console;

void
ox_debug_console_append (GtkWidget *panel, const char *category, const char *text)
{
	Console *c = g_object_get_data (G_OBJECT (panel), "ox-panel");
	GtkTextBuffer *buf = gtk_text_view_get_buffer (c->view);
	GtkTextIter end;
	gtk_text_buffer_get_end_iter (buf, &end);
	const char *tag = !g_strcmp0 (category, "stderr") ? "error"
	                  : !g_strcmp0 (category, "input") ? "input" : NULL;
	if (tag)
		gtk_text_buffer_insert_with_tags_by_name (buf, &end, text, -1, tag, NULL);
	else
		gtk_text_buffer_insert (buf, &end, text, -1);
	if (*text && text[strlen (text) - 1] != '\n') {
		gtk_text_buffer_get_end_iter (buf, &end);
		gtk_text_buffer_insert (buf, &end, "\n", 1);
	}
	gtk_text_buffer_get_end_iter (buf, &end);
	gtk_text_view_scroll_to_iter (c->view, &end, 0, FALSE, 0, 0);
}

typedef struct {
	GWeakRef panel;
} Eval;

static void
eval_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	(void) source;
	Eval *e = data;
	GtkWidget *panel = g_weak_ref_get (&e->panel);
	GError *error = NULL;
	JsonNode *body = NULL;
	if (panel) {
		Console *c = g_object_get_data (G_OBJECT (panel), "ox-panel");
		body = ox_debug_session_request_finish (c->session, result, &error);
		if (body && JSON_NODE_HOLDS_OBJECT (body))
			ox_debug_console_append (panel, "stdout",
			                         json_object_get_string_member_with_default (json_node_get_object (body), "result", ""));
		else
			ox_debug_console_append (panel, "stderr", error ? error->message : "no result");
	} else {
		GObject *src = g_async_result_get_source_object (result);
		if (DAP_IS_CLIENT (src))
			body = dap_client_request_finish (DAP_CLIENT (src), result, NULL);
		g_clear_object (&src);
	}
	g_clear_error (&error);
	if (body)
		json_node_unref (body);
	g_clear_object (&panel);
	g_weak_ref_clear (&e->panel);
	g_free (e);
}

void
ox_debug_console_evaluate (GtkWidget *panel, const char *text)
{
	Console *c = g_object_get_data (G_OBJECT (panel), "ox-panel");
	if (!text || !*text)
		return;
	char *echo = g_strdup_printf ("> %s", text);
	ox_debug_console_append (panel, "input", echo);
	g_free (echo);
	gint64 frame = ox_debug_session_get_frame_id (c->session);
	if (ox_debug_session_get_state (c->session) != OX_DEBUG_STOPPED || !frame) {
		ox_debug_console_append (panel, "stderr", "The debugger is not stopped: evaluate at a breakpoint or after Pause.");
		return;
	}
	Eval *e = g_new0 (Eval, 1);
	g_weak_ref_init (&e->panel, panel);
	char *q = dap_json_quote (text);
	ox_debug_session_request (c->session, "evaluate",
	                          dap_client_args ("{\"expression\":%s,\"frameId\":%" G_GINT64_FORMAT ",\"context\":\"repl\"}",
	                                           q, frame), NULL, eval_cb, e);
	g_free (q);
}

char *
ox_debug_console_get_text (GtkWidget *panel)
{
	Console *c = g_object_get_data (G_OBJECT (panel), "ox-panel");
	GtkTextBuffer *buf = gtk_text_view_get_buffer (c->view);
	GtkTextIter s, e;
	gtk_text_buffer_get_bounds (buf, &s, &e);
	return gtk_text_buffer_get_text (buf, &s, &e, FALSE);
}

static void
activate_cb (GtkEntry *entry, GtkWidget *panel)
{
	char *t = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
	gtk_editable_set_text (GTK_EDITABLE (entry), "");
	ox_debug_console_evaluate (panel, t);
	g_free (t);
}

static void
output_cb (OxDebugSession *session, const char *category, const char *text, GtkWidget *panel)
{
	(void) session;
	ox_debug_console_append (panel, category, text);
}

static void
free_console (gpointer data)
{
	Console *c = data;
	g_object_unref (c->session);
	g_free (c);
}

GtkWidget *
ox_debug_console_new (OxDebugSession *session)
{
	Console *c = g_new0 (Console, 1);
	c->session = g_object_ref (session);
	GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
	GtkWidget *scroll = gtk_scrolled_window_new ();
	gtk_widget_set_vexpand (scroll, TRUE);
	c->view = GTK_TEXT_VIEW (gtk_text_view_new ());
	gtk_text_view_set_editable (c->view, FALSE);
	gtk_text_view_set_monospace (c->view, TRUE);
	gtk_accessible_update_property (GTK_ACCESSIBLE (c->view), GTK_ACCESSIBLE_PROPERTY_LABEL, "Debug Console", -1);
	GtkTextBuffer *buf = gtk_text_view_get_buffer (c->view);
	gtk_text_buffer_create_tag (buf, "error", "foreground", "#e01b24", NULL);
	gtk_text_buffer_create_tag (buf, "input", "weight", PANGO_WEIGHT_BOLD, NULL);
	gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), GTK_WIDGET (c->view));
	c->entry = GTK_ENTRY (gtk_entry_new ());
	gtk_entry_set_placeholder_text (c->entry, "Evaluate an expression or run SQL in the paused transaction");
	gtk_accessible_update_property (GTK_ACCESSIBLE (c->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
	                                "Debug Console input", -1);
	gtk_box_append (GTK_BOX (box), scroll);
	gtk_box_append (GTK_BOX (box), GTK_WIDGET (c->entry));
	g_object_set_data_full (G_OBJECT (box), "ox-panel", c, free_console);
	g_signal_connect (c->entry, "activate", G_CALLBACK (activate_cb), box);
	g_signal_connect_object (session, "output", G_CALLBACK (output_cb), box, 0);
	return box;
}

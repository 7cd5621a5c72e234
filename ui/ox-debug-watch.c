/*
 * ox-debug-watch.c — the Watch panel: expressions evaluated in the
 * selected frame (`evaluate`, context "watch") at every stop, each shown
 * with its value or the adapter's error; typed into the entry, removed
 * with their button.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-debug-panels.h"

typedef struct {
	OxDebugSession *session;
	GtkListBox     *list;
	GPtrArray      *expressions;   /* char* */
	guint           generation;
} Watch;

typedef struct {
	GWeakRef  label;
	Watch    *watch;      /* valid while label lives */
	guint     generation;
	char     *expression;
} Eval;

static void
eval_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	(void) source;
	Eval *e = data;
	GtkWidget *label = g_weak_ref_get (&e->label);
	GError *error = NULL;
	JsonNode *body = NULL;
	if (label)
		body = ox_debug_session_request_finish (e->watch->session, result, &error);
	else {
		GObject *src = g_async_result_get_source_object (result);
		if (DAP_IS_CLIENT (src))
			body = dap_client_request_finish (DAP_CLIENT (src), result, NULL);
		g_clear_object (&src);
	}
	if (label && e->generation == e->watch->generation) {
		char *t = body && JSON_NODE_HOLDS_OBJECT (body)
			? g_strdup_printf ("%s = %s", e->expression,
			                   json_object_get_string_member_with_default (json_node_get_object (body), "result", ""))
			: g_strdup_printf ("%s: %s", e->expression, error ? error->message : "no value");
		gtk_label_set_text (GTK_LABEL (label), t);
		g_free (t);
	}
	g_clear_error (&error);
	if (body)
		json_node_unref (body);
	g_clear_object (&label);
	g_weak_ref_clear (&e->label);
	g_free (e->expression);
	g_free (e);
}

static void remove_cb (GtkButton *button, Watch *w);

static void
refresh (Watch *w)
{
	w->generation++;
	ox_list_box_clear (w->list);
	gint64 frame = ox_debug_session_get_frame_id (w->session);
	gboolean stopped = ox_debug_session_get_state (w->session) == OX_DEBUG_STOPPED && frame;
	for (guint i = 0; i < w->expressions->len; i++) {
		const char *expr = w->expressions->pdata[i];
		GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
		GtkWidget *label = gtk_label_new (expr);
		gtk_label_set_xalign (GTK_LABEL (label), 0);
		gtk_label_set_selectable (GTK_LABEL (label), TRUE);
		gtk_widget_set_hexpand (label, TRUE);
		gtk_widget_add_css_class (label, "monospace");
		GtkWidget *remove = gtk_button_new_from_icon_name ("edit-delete-symbolic");
		gtk_widget_add_css_class (remove, "flat");
		gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
		                                "Remove the watch expression", -1);
		g_object_set_data (G_OBJECT (remove), "ox-index", GUINT_TO_POINTER (i));
		g_signal_connect (remove, "clicked", G_CALLBACK (remove_cb), w);
		gtk_box_append (GTK_BOX (box), label);
		gtk_box_append (GTK_BOX (box), remove);
		gtk_list_box_append (w->list, box);
		if (!stopped)
			continue;
		Eval *e = g_new0 (Eval, 1);
		g_weak_ref_init (&e->label, label);
		e->watch = w;
		e->generation = w->generation;
		e->expression = g_strdup (expr);
		char *q = dap_json_quote (expr);
		ox_debug_session_request (w->session, "evaluate",
		                          dap_client_args ("{\"expression\":%s,\"frameId\":%" G_GINT64_FORMAT ",\"context\":\"watch\"}",
		                                           q, frame), NULL, eval_cb, e);
		g_free (q);
	}
}

static void
remove_cb (GtkButton *button, Watch *w)
{
	guint i = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "ox-index"));
	if (i < w->expressions->len)
		g_ptr_array_remove_index (w->expressions, i);
	refresh (w);
}

static void
activate_cb (GtkEntry *entry, Watch *w)
{
	const char *t = gtk_editable_get_text (GTK_EDITABLE (entry));
	if (!*t)
		return;
	g_ptr_array_add (w->expressions, g_strdup (t));
	gtk_editable_set_text (GTK_EDITABLE (entry), "");
	refresh (w);
}

static void
refresh_panel (GtkWidget *box)
{
	refresh (g_object_get_data (G_OBJECT (box), "ox-panel"));
}

static void
free_watch (gpointer data)
{
	Watch *w = data;
	g_object_unref (w->session);
	g_ptr_array_unref (w->expressions);
	g_free (w);
}

GtkWidget *
ox_debug_watch_new (OxDebugSession *session)
{
	Watch *w = g_new0 (Watch, 1);
	w->session = g_object_ref (session);
	w->expressions = g_ptr_array_new_with_free_func (g_free);
	GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
	GtkWidget *entry = gtk_entry_new ();
	gtk_entry_set_placeholder_text (GTK_ENTRY (entry), "Add an expression to watch");
	gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, "Add a watch expression", -1);
	g_signal_connect (entry, "activate", G_CALLBACK (activate_cb), w);
	GtkWidget *scroll = gtk_scrolled_window_new ();
	gtk_widget_set_vexpand (scroll, TRUE);
	w->list = GTK_LIST_BOX (gtk_list_box_new ());
	gtk_list_box_set_selection_mode (w->list, GTK_SELECTION_NONE);
	gtk_accessible_update_property (GTK_ACCESSIBLE (w->list), GTK_ACCESSIBLE_PROPERTY_LABEL, "Watch", -1);
	gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), GTK_WIDGET (w->list));
	gtk_box_append (GTK_BOX (box), entry);
	gtk_box_append (GTK_BOX (box), scroll);
	g_object_set_data_full (G_OBJECT (box), "ox-panel", w, free_watch);
	g_object_set_data (G_OBJECT (box), "ox-entry", entry);
	g_signal_connect_object (session, "frame-selected", G_CALLBACK (refresh_panel), box, G_CONNECT_SWAPPED);
	return box;
}

void
ox_debug_watch_add (GtkWidget *panel, const char *expression)
{
	GtkWidget *entry = g_object_get_data (G_OBJECT (panel), "ox-entry");
	gtk_editable_set_text (GTK_EDITABLE (entry), expression);
	g_signal_emit_by_name (entry, "activate");
}

char *
ox_debug_watch_get_text (GtkWidget *panel)
{
	Watch *w = g_object_get_data (G_OBJECT (panel), "ox-panel");
	GString *s = g_string_new (NULL);
	for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (w->list)); row;
	     row = gtk_widget_get_next_sibling (row)) {
		GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
		g_string_append_printf (s, "%s\n", gtk_label_get_text (GTK_LABEL (gtk_widget_get_first_child (box))));
	}
	return g_string_free (s, FALSE);
}

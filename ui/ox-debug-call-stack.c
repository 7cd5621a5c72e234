/*
 * ox-debug-call-stack.c — the Call Stack panel: the frames of the current
 * stop, innermost first; activating a row makes it the frame the other
 * panels (and the highlighted line) show.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-debug-panels.h"

typedef struct {
	OxDebugSession *session;
	GtkListBox     *list;
	gboolean        filling;
} CallStack;

static void
fill (CallStack *cs)
{
	cs->filling = TRUE;
	ox_list_box_clear (cs->list);
	JsonArray *frames = ox_debug_session_get_frames (cs->session);
	gint64 current = ox_debug_session_get_frame_id (cs->session);
	for (guint i = 0; frames && i < json_array_get_length (frames); i++) {
		JsonObject *f = json_array_get_object_element (frames, i);
		JsonObject *src = json_object_has_member (f, "source") ? json_object_get_object_member (f, "source") : NULL;
		const char *where = src ? json_object_get_string_member_with_default (src, "name", "") : "";
		char *text = g_strdup_printf ("%s    %s:%" G_GINT64_FORMAT,
		                              json_object_get_string_member_with_default (f, "name", "?"), where,
		                              json_object_get_int_member_with_default (f, "line", 0));
		GtkWidget *label = gtk_label_new (text);
		gtk_label_set_xalign (GTK_LABEL (label), 0);
		gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
		gtk_widget_add_css_class (label, "monospace");
		GtkWidget *row = gtk_list_box_row_new ();
		gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
		gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
		gint64 id = json_object_get_int_member (f, "id");
		g_object_set_data (G_OBJECT (row), "ox-frame-id", GINT_TO_POINTER ((int) id));
		gtk_list_box_append (cs->list, row);
		if (id == current)
			gtk_list_box_select_row (cs->list, GTK_LIST_BOX_ROW (row));
		g_free (text);
	}
	cs->filling = FALSE;
}

static void
fill_panel (GtkWidget *panel)
{
	fill (g_object_get_data (G_OBJECT (panel), "ox-panel"));
}

static void
selected_cb (GtkListBox *list, GtkListBoxRow *row, CallStack *cs)
{
	(void) list;
	if (cs->filling || !row)
		return;
	ox_debug_session_select_frame (cs->session, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "ox-frame-id")));
}

static void
free_cs (gpointer data)
{
	CallStack *cs = data;
	g_object_unref (cs->session);
	g_free (cs);
}

GtkWidget *
ox_debug_call_stack_new (OxDebugSession *session)
{
	CallStack *cs = g_new0 (CallStack, 1);
	cs->session = g_object_ref (session);
	GtkWidget *scroll = gtk_scrolled_window_new ();
	cs->list = GTK_LIST_BOX (gtk_list_box_new ());
	gtk_list_box_set_selection_mode (cs->list, GTK_SELECTION_SINGLE);
	gtk_accessible_update_property (GTK_ACCESSIBLE (cs->list), GTK_ACCESSIBLE_PROPERTY_LABEL, "Call Stack", -1);
	gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), GTK_WIDGET (cs->list));
	g_object_set_data_full (G_OBJECT (scroll), "ox-panel", cs, free_cs);
	g_signal_connect (cs->list, "row-selected", G_CALLBACK (selected_cb), cs);
	g_signal_connect_object (session, "frame-selected", G_CALLBACK (fill_panel), scroll, G_CONNECT_SWAPPED);
	return scroll;
}

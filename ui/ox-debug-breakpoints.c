/*
 * ox-debug-breakpoints.c — the Breakpoints panel: every breakpoint of the
 * window with where it is, its options and whether the adapter verified
 * it; a check box enables or disables it, a button removes it (the gutter
 * follows, both read the session's list).
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-debug-panels.h"
#include "ox-file-io.h"

#include <adwaita.h>

/* Where a breakpoint is: the title of the tab its buffer is in (the
 * buffer knows its page through ox_debug_area_attach_page), or NULL once
 * the tab is gone. (transfer full) */
char *
ox_debug_breakpoints_where (OxDebugBp *bp)
{
	GtkTextBuffer *buf = ox_debug_bp_get_buffer (bp);
	GWeakRef *w = buf ? g_object_get_data (G_OBJECT (buf), "ox-editor-page") : NULL;
	g_autoptr (OxEditorPage) page = w ? g_weak_ref_get (w) : NULL;
	if (!page)
		return NULL;
	const char *title = ox_file_io_get_base_title (page);
	if (!title) {
		GtkWidget *view = gtk_widget_get_ancestor (GTK_WIDGET (page), ADW_TYPE_TAB_VIEW);
		AdwTabPage *tp = view ? adw_tab_view_get_page (ADW_TAB_VIEW (view), GTK_WIDGET (page)) : NULL;
		title = tp ? adw_tab_page_get_title (tp) : NULL;
	}
	return g_strdup (title);
}

static char *
describe (OxDebugBp *bp)
{
	GString *s = g_string_new (NULL);
	g_autofree char *where = ox_debug_breakpoints_where (bp);
	if (where)
		g_string_append_printf (s, "%s, line %d", where, ox_debug_bp_get_line (bp));
	else
		g_string_append_printf (s, "Line %d", ox_debug_bp_get_line (bp));
	if (ox_debug_bp_get_condition (bp))
		g_string_append_printf (s, "  if %s", ox_debug_bp_get_condition (bp));
	if (ox_debug_bp_get_hit_condition (bp))
		g_string_append_printf (s, "  hits %s", ox_debug_bp_get_hit_condition (bp));
	if (ox_debug_bp_get_log_message (bp))
		g_string_append_printf (s, "  logs \"%s\"", ox_debug_bp_get_log_message (bp));
	if (ox_debug_bp_get_message (bp))
		g_string_append_printf (s, "  (%s)", ox_debug_bp_get_message (bp));
	return g_string_free (s, FALSE);
}

static void
update_label (OxDebugBp *bp, GtkLabel *label)
{
	char *t = describe (bp);
	gtk_label_set_text (label, t);
	g_free (t);
}

static void
toggled_cb (GtkCheckButton *check, OxDebugBp *bp)
{
	ox_debug_bp_set_enabled (bp, gtk_check_button_get_active (check));
	OxDebugSession *session = g_object_get_data (G_OBJECT (check), "ox-session");
	ox_debug_session_breakpoints_changed (session, ox_debug_bp_get_buffer (bp));
}

static void
remove_cb (GtkButton *button, OxDebugBp *bp)
{
	OxDebugSession *session = g_object_get_data (G_OBJECT (button), "ox-session");
	ox_debug_session_remove_breakpoint (session, bp);
}

static GtkWidget *
create_row (gpointer item, gpointer data)
{
	OxDebugBp *bp = item;
	OxDebugSession *session = data;
	GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
	GtkWidget *check = gtk_check_button_new ();
	gtk_check_button_set_active (GTK_CHECK_BUTTON (check), ox_debug_bp_get_enabled (bp));
	gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, "Enabled", -1);
	g_object_set_data (G_OBJECT (check), "ox-session", session);
	g_signal_connect_object (check, "toggled", G_CALLBACK (toggled_cb), bp, 0);
	GtkWidget *label = gtk_label_new (NULL);
	gtk_label_set_xalign (GTK_LABEL (label), 0);
	gtk_widget_set_hexpand (label, TRUE);
	update_label (bp, GTK_LABEL (label));
	g_signal_connect_object (bp, "changed", G_CALLBACK (update_label), label, 0);
	GtkWidget *remove = gtk_button_new_from_icon_name ("edit-delete-symbolic");
	gtk_widget_add_css_class (remove, "flat");
	gtk_widget_set_tooltip_text (remove, "Remove the breakpoint");
	gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, "Remove the breakpoint", -1);
	g_object_set_data (G_OBJECT (remove), "ox-session", session);
	g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_cb), bp, 0);
	gtk_box_append (GTK_BOX (box), check);
	gtk_box_append (GTK_BOX (box), label);
	gtk_box_append (GTK_BOX (box), remove);
	return box;
}

GtkWidget *
ox_debug_breakpoints_new (OxDebugSession *session)
{
	GtkWidget *scroll = gtk_scrolled_window_new ();
	GtkWidget *list = gtk_list_box_new ();
	gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
	gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, "Breakpoints", -1);
	gtk_list_box_bind_model (GTK_LIST_BOX (list), ox_debug_session_get_breakpoints (session), create_row,
	                         g_object_ref (session), g_object_unref);
	gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), list);
	return scroll;
}

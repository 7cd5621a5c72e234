/*
 * ox-debug-gutter.c — breakpoint and current-line marks (see the header).
 *
 * The view keeps its session in object data ("ox-debug-session"); marks
 * are rebuilt whenever the breakpoint list or a breakpoint changes, which
 * is cheap (a handful of marks) and means a breakpoint removed from the
 * panel disappears from the gutter too.
 *
 * NOTE: at most one of our marks per line.  GtkSourceView 5.6's marks
 * renderer sorts the list of a line's marks and frees it from its old
 * head, leaking a list node whenever a line has two marks (LeakSanitizer
 * sees it); the current line on a breakpoint is therefore one mark of its
 * own category, OX_MARK_CURRENT_BREAKPOINT.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-debug-gutter.h"

#define SESSION_KEY "ox-debug-session"
#define CURRENT_KEY "ox-debug-current-line"

static OxDebugSession *
session_of (GtkSourceView *view)
{
	return g_object_get_data (G_OBJECT (view), SESSION_KEY);
}

static GtkSourceBuffer *
buffer_of (GtkSourceView *view)
{
	return GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
}

static void
put_mark (GtkSourceBuffer *buf, int line, const char *category)
{
	GtkTextIter it;
	gtk_text_buffer_get_iter_at_line (GTK_TEXT_BUFFER (buf), &it, line - 1);
	gtk_source_buffer_create_source_mark (buf, NULL, category, &it);
}

static void
redraw (GtkSourceView *view)
{
	OxDebugSession *session = session_of (view);
	GtkSourceBuffer *buf = buffer_of (view);
	int current = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (view), CURRENT_KEY));
	GtkTextIter start, end;
	gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (buf), &start, &end);
	static const char *const ours[] = { OX_MARK_BREAKPOINT, OX_MARK_BREAKPOINT_DISABLED, OX_MARK_CURRENT_LINE,
	                                    OX_MARK_CURRENT_BREAKPOINT };
	for (guint i = 0; i < G_N_ELEMENTS (ours); i++)
		gtk_source_buffer_remove_source_marks (buf, &start, &end, ours[i]);
	gboolean current_on_breakpoint = FALSE;
	GListModel *bps = ox_debug_session_get_breakpoints (session);
	for (guint i = 0; i < g_list_model_get_n_items (bps); i++) {
		g_autoptr (OxDebugBp) bp = g_list_model_get_item (bps, i);
		int line = ox_debug_bp_get_line (bp);
		if (ox_debug_bp_get_buffer (bp) != GTK_TEXT_BUFFER (buf) || !line)
			continue;
		if (line == current)
			current_on_breakpoint = TRUE;
		else
			put_mark (buf, line, ox_debug_bp_get_enabled (bp) ? OX_MARK_BREAKPOINT : OX_MARK_BREAKPOINT_DISABLED);
	}
	if (current > 0)
		put_mark (buf, current, current_on_breakpoint ? OX_MARK_CURRENT_BREAKPOINT : OX_MARK_CURRENT_LINE);
}

static void
bp_changed_cb (OxDebugBp *bp, GtkSourceView *view)
{
	(void) bp;
	redraw (view);
}

static void
items_changed_cb (GListModel *model, guint pos, guint removed, guint added, GtkSourceView *view)
{
	(void) removed;
	for (guint i = pos; i < pos + added; i++) {
		g_autoptr (OxDebugBp) bp = g_list_model_get_item (model, i);
		if (ox_debug_bp_get_buffer (bp) == GTK_TEXT_BUFFER (buffer_of (view)))
			g_signal_connect_object (bp, "changed", G_CALLBACK (bp_changed_cb), view, 0);
	}
	redraw (view);
}

void
ox_debug_gutter_toggle (GtkSourceView *view, int line)
{
	OxDebugSession *session = session_of (view);
	g_return_if_fail (session != NULL);
	GtkTextBuffer *buf = GTK_TEXT_BUFFER (buffer_of (view));
	OxDebugBp *bp = ox_debug_session_find_breakpoint (session, buf, line);
	if (bp)
		ox_debug_session_remove_breakpoint (session, bp);
	else {
		g_autoptr (OxDebugBp) nbp = ox_debug_bp_new (buf, line);
		ox_debug_session_add_breakpoint (session, nbp);
	}
}

/* ---- the options popover ------------------------------------------------------------------------ */

typedef struct {
	GtkSourceView *view;
	OxDebugBp     *bp;
	GtkEntry      *condition, *hits, *log;
} Edit;

static void
edit_free (gpointer data)
{
	Edit *e = data;
	g_object_unref (e->bp);
	g_free (e);
}

static void
apply_cb (GtkWidget *button, Edit *e)
{
	ox_debug_bp_set_options (e->bp, gtk_editable_get_text (GTK_EDITABLE (e->condition)),
	                         gtk_editable_get_text (GTK_EDITABLE (e->hits)),
	                         gtk_editable_get_text (GTK_EDITABLE (e->log)));
	ox_debug_session_breakpoints_changed (session_of (e->view), ox_debug_bp_get_buffer (e->bp));
	gtk_popover_popdown (GTK_POPOVER (gtk_widget_get_ancestor (button, GTK_TYPE_POPOVER)));
}

static GtkEntry *
option_row (GtkGrid *grid, int row, const char *label, const char *hint, const char *value)
{
	GtkWidget *l = gtk_label_new (label);
	gtk_label_set_xalign (GTK_LABEL (l), 1);
	GtkWidget *entry = gtk_entry_new ();
	gtk_entry_set_placeholder_text (GTK_ENTRY (entry), hint);
	gtk_editable_set_text (GTK_EDITABLE (entry), value ? value : "");
	gtk_widget_set_hexpand (entry, TRUE);
	gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
	gtk_grid_attach (grid, l, 0, row, 1, 1);
	gtk_grid_attach (grid, entry, 1, row, 1, 1);
	return GTK_ENTRY (entry);
}

static void
popover_closed_cb (GtkPopover *popover)
{
	gtk_widget_unparent (GTK_WIDGET (popover));
}

GtkPopover *
ox_debug_gutter_edit (GtkSourceView *view, int line)
{
	OxDebugSession *session = session_of (view);
	GtkTextBuffer *buf = GTK_TEXT_BUFFER (buffer_of (view));
	OxDebugBp *bp = ox_debug_session_find_breakpoint (session, buf, line);
	if (!bp) {
		ox_debug_gutter_toggle (view, line);
		bp = ox_debug_session_find_breakpoint (session, buf, line);
	}
	Edit *e = g_new0 (Edit, 1);
	e->view = view;
	e->bp = g_object_ref (bp);
	GtkWidget *grid = gtk_grid_new ();
	gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
	gtk_grid_set_column_spacing (GTK_GRID (grid), 6);
	e->condition = option_row (GTK_GRID (grid), 0, "Condition", "stop when this is true, e.g. i > 10",
	                           ox_debug_bp_get_condition (bp));
	e->hits = option_row (GTK_GRID (grid), 1, "Hit count", "e.g. 5, >= 5 or % 3", ox_debug_bp_get_hit_condition (bp));
	e->log = option_row (GTK_GRID (grid), 2, "Log message", "log instead of stopping: i is {i}",
	                     ox_debug_bp_get_log_message (bp));
	GtkWidget *apply = gtk_button_new_with_label ("Apply");
	gtk_widget_add_css_class (apply, "suggested-action");
	gtk_grid_attach (GTK_GRID (grid), apply, 1, 3, 1, 1);
	g_object_set_data_full (G_OBJECT (apply), "ox-edit", e, edit_free);
	g_signal_connect (apply, "clicked", G_CALLBACK (apply_cb), e);
	GtkWidget *popover = gtk_popover_new ();
	gtk_popover_set_child (GTK_POPOVER (popover), grid);
	gtk_widget_set_parent (popover, GTK_WIDGET (view));
	GtkTextIter it;
	gtk_text_buffer_get_iter_at_line (buf, &it, line - 1);
	GdkRectangle r;
	gtk_text_view_get_iter_location (GTK_TEXT_VIEW (view), &it, &r);
	int wx, wy;
	gtk_text_view_buffer_to_window_coords (GTK_TEXT_VIEW (view), GTK_TEXT_WINDOW_WIDGET, r.x, r.y, &wx, &wy);
	gtk_popover_set_pointing_to (GTK_POPOVER (popover), &(GdkRectangle) { wx, wy, 1, r.height });
	g_signal_connect (popover, "closed", G_CALLBACK (popover_closed_cb), NULL);
	gtk_popover_popup (GTK_POPOVER (popover));
	return GTK_POPOVER (popover);
}

static void
mark_activated_cb (GtkSourceView *view, const GtkTextIter *iter, guint button, GdkModifierType state, int n_presses)
{
	(void) state;
	(void) n_presses;
	int line = gtk_text_iter_get_line (iter) + 1;
	if (button == GDK_BUTTON_SECONDARY)
		ox_debug_gutter_edit (view, line);
	else if (button == GDK_BUTTON_PRIMARY)
		ox_debug_gutter_toggle (view, line);
}

/* ---- the current line ---------------------------------------------------------------------------- */

void
ox_debug_gutter_set_current_line (GtkSourceView *view, int line)
{
	g_object_set_data (G_OBJECT (view), CURRENT_KEY, GINT_TO_POINTER (MAX (line, 0)));
	redraw (view);
	if (line <= 0)
		return;
	GtkTextIter it;
	gtk_text_buffer_get_iter_at_line (GTK_TEXT_BUFFER (buffer_of (view)), &it, line - 1);
	gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (view), &it, 0.1, FALSE, 0, 0);
}

int
ox_debug_gutter_get_current_line (GtkSourceView *view)
{
	return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (view), CURRENT_KEY));
}

void
ox_debug_gutter_attach (GtkSourceView *view, OxDebugSession *session)
{
	g_object_set_data_full (G_OBJECT (view), SESSION_KEY, g_object_ref (session), g_object_unref);
	gtk_source_view_set_show_line_marks (view, TRUE);
	static const struct { const char *category, *icon; int priority; gboolean background; } kinds[] = {
		{ OX_MARK_BREAKPOINT, "media-record-symbolic", 1, FALSE },
		{ OX_MARK_BREAKPOINT_DISABLED, "radio-symbolic", 1, FALSE },
		{ OX_MARK_CURRENT_LINE, "go-next-symbolic", 2, TRUE },
		{ OX_MARK_CURRENT_BREAKPOINT, "go-next-symbolic", 2, TRUE },
	};
	for (guint i = 0; i < G_N_ELEMENTS (kinds); i++) {
		GtkSourceMarkAttributes *a = gtk_source_mark_attributes_new ();
		gtk_source_mark_attributes_set_icon_name (a, kinds[i].icon);
		if (kinds[i].background)
			gtk_source_mark_attributes_set_background (a, &(GdkRGBA) { 0.96, 0.83, 0.18, 0.35 });
		gtk_source_view_set_mark_attributes (view, kinds[i].category, a, kinds[i].priority);
		g_object_unref (a);
	}
	g_signal_connect (view, "line-mark-activated", G_CALLBACK (mark_activated_cb), NULL);
	g_signal_connect_object (ox_debug_session_get_breakpoints (session), "items-changed",
	                         G_CALLBACK (items_changed_cb), view, 0);
}

/*
 * ox-search-bar.c — find and replace in an editor tab (see ox-search-bar.h).
 *
 * A GtkSourceSearchContext does the work: it highlights every match (it
 * scans the buffer in idle steps, so the "n matches" label can lag a big
 * buffer a little), finds the next one, and replaces.  The search is
 * literal text (no regular expressions) and wraps around.  Replace-all
 * is one user action: a single Undo takes it back.
 *
 * What can go wrong: replacing fails only for a regular expression's bad
 * back-reference, which a literal search cannot have; the error is then
 * shown in the label, never swallowed.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-search-bar.h"

struct _OxSearchBar {
	GtkBox                   parent_instance;

	GtkSourceView           *view;       /* unowned: the bar lives inside the view's page */
	GtkSourceSearchSettings *settings;
	GtkSourceSearchContext  *context;
	GtkSearchEntry          *search_entry;
	GtkEntry                *replace_entry;
	GtkCheckButton          *match_case;
	GtkLabel                *count_label;
};

G_DEFINE_FINAL_TYPE (OxSearchBar, ox_search_bar, GTK_TYPE_BOX)

static void
update_count (OxSearchBar *self)
{
	int n = gtk_source_search_context_get_occurrences_count (self->context);
	const char *text = gtk_source_search_settings_get_search_text (self->settings);
	g_autofree char *label = NULL;
	if (!text || !*text)
		label = g_strdup ("");
	else if (n < 0)
		label = g_strdup ("…");
	else if (n == 0)
		label = g_strdup ("No matches");
	else
		label = g_strdup_printf (n == 1 ? "%d match" : "%d matches", n);
	gtk_label_set_text (self->count_label, label);
}

/* The entry's text as the search: GtkSearchEntry reports changes after a
 * pause, and Enter or a button can come before that. */
static void
sync_search (OxSearchBar *self)
{
	const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
	if (g_strcmp0 (*text ? text : NULL, gtk_source_search_settings_get_search_text (self->settings)) != 0) {
		gtk_source_search_settings_set_search_text (self->settings, *text ? text : NULL);
		update_count (self);
	}
}

static void
select_range (OxSearchBar *self, GtkTextIter *start, GtkTextIter *end)
{
	GtkTextBuffer *buf = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->view));
	gtk_text_buffer_select_range (buf, start, end);
	gtk_text_view_scroll_to_mark (GTK_TEXT_VIEW (self->view), gtk_text_buffer_get_insert (buf), 0.1, FALSE, 0, 0);
}

gboolean
ox_search_bar_next (OxSearchBar *self, gboolean backward)
{
	g_return_val_if_fail (OX_IS_SEARCH_BAR (self), FALSE);
	sync_search (self);
	GtkTextBuffer *buf = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->view));
	GtkTextIter sel_start, sel_end, start, end;
	gtk_text_buffer_get_selection_bounds (buf, &sel_start, &sel_end);
	gboolean found = backward
		? gtk_source_search_context_backward (self->context, &sel_start, &start, &end, NULL)
		: gtk_source_search_context_forward (self->context, &sel_end, &start, &end, NULL);
	if (found)
		select_range (self, &start, &end);
	return found;
}

gboolean
ox_search_bar_replace (OxSearchBar *self)
{
	g_return_val_if_fail (OX_IS_SEARCH_BAR (self), FALSE);
	sync_search (self);
	GtkTextBuffer *buf = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->view));
	GtkTextIter start, end;
	gtk_text_buffer_get_selection_bounds (buf, &start, &end);
	/* only a selection that is a match is replaced; otherwise go to the next match first */
	if (gtk_source_search_context_get_occurrence_position (self->context, &start, &end) <= 0) {
		ox_search_bar_next (self, FALSE);
		return FALSE;
	}
	g_autoptr (GError) error = NULL;
	if (!gtk_source_search_context_replace (self->context, &start, &end,
	                                        gtk_editable_get_text (GTK_EDITABLE (self->replace_entry)), -1,
	                                        &error)) {
		gtk_label_set_text (self->count_label, error->message);
		return FALSE;
	}
	/* start and end now surround the replacement: search on from there */
	gtk_text_buffer_select_range (buf, &end, &end);
	ox_search_bar_next (self, FALSE);
	return TRUE;
}

guint
ox_search_bar_replace_all (OxSearchBar *self)
{
	g_return_val_if_fail (OX_IS_SEARCH_BAR (self), 0);
	sync_search (self);
	g_autoptr (GError) error = NULL;
	guint n = gtk_source_search_context_replace_all (self->context,
		gtk_editable_get_text (GTK_EDITABLE (self->replace_entry)), -1, &error);
	if (error)
		gtk_label_set_text (self->count_label, error->message);
	return n;
}

void
ox_search_bar_set_search (OxSearchBar *self, const char *text, gboolean match_case)
{
	g_return_if_fail (OX_IS_SEARCH_BAR (self));
	gtk_check_button_set_active (self->match_case, match_case);
	gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
}

void
ox_search_bar_set_replacement (OxSearchBar *self, const char *text)
{
	g_return_if_fail (OX_IS_SEARCH_BAR (self));
	gtk_editable_set_text (GTK_EDITABLE (self->replace_entry), text ? text : "");
}

void
ox_search_bar_show (OxSearchBar *self)
{
	g_return_if_fail (OX_IS_SEARCH_BAR (self));
	GtkTextBuffer *buf = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->view));
	GtkTextIter start, end;
	if (gtk_text_buffer_get_selection_bounds (buf, &start, &end) &&
	    gtk_text_iter_get_line (&start) == gtk_text_iter_get_line (&end)) {
		g_autofree char *sel = gtk_text_buffer_get_text (buf, &start, &end, FALSE);
		gtk_editable_set_text (GTK_EDITABLE (self->search_entry), sel);
	}
	gtk_source_search_context_set_highlight (self->context, TRUE);
	gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
	gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
	gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

static void
hide_bar (OxSearchBar *self)
{
	gtk_source_search_context_set_highlight (self->context, FALSE);
	gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
	gtk_widget_grab_focus (GTK_WIDGET (self->view));
}

static gboolean
hide_bar_shortcut (GtkWidget *widget, GVariant *args, gpointer data)
{
	(void) args;
	(void) data;
	hide_bar (OX_SEARCH_BAR (widget));
	return TRUE;
}

static void
search_changed_cb (OxSearchBar *self)
{
	sync_search (self);
}

static void
match_case_cb (OxSearchBar *self)
{
	gtk_source_search_settings_set_case_sensitive (self->settings,
	                                               gtk_check_button_get_active (self->match_case));
}

static void next_cb (OxSearchBar *self) { ox_search_bar_next (self, FALSE); }
static void previous_cb (OxSearchBar *self) { ox_search_bar_next (self, TRUE); }

static gboolean
previous_shortcut (GtkWidget *entry, GVariant *args, gpointer data)
{
	(void) args;
	(void) data;
	GtkWidget *bar = gtk_widget_get_ancestor (entry, OX_TYPE_SEARCH_BAR);
	if (bar)
		ox_search_bar_next (OX_SEARCH_BAR (bar), TRUE);
	return TRUE;
}
static void replace_cb (OxSearchBar *self) { ox_search_bar_replace (self); }
static void replace_all_cb (OxSearchBar *self) { ox_search_bar_replace_all (self); }

static GtkWidget *
button (OxSearchBar *self, const char *icon, const char *label, const char *name, GCallback cb)
{
	GtkWidget *b = icon ? gtk_button_new_from_icon_name (icon) : gtk_button_new_with_mnemonic (label);
	gtk_widget_set_tooltip_text (b, name);
	gtk_accessible_update_property (GTK_ACCESSIBLE (b), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
	g_signal_connect_swapped (b, "clicked", cb, self);
	return b;
}

static void
ox_search_bar_dispose (GObject *object)
{
	OxSearchBar *self = OX_SEARCH_BAR (object);
	g_clear_object (&self->context);
	g_clear_object (&self->settings);
	G_OBJECT_CLASS (ox_search_bar_parent_class)->dispose (object);
}

static void
ox_search_bar_class_init (OxSearchBarClass *klass)
{
	G_OBJECT_CLASS (klass)->dispose = ox_search_bar_dispose;
	gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "oxsearchbar");
}

static void
ox_search_bar_init (OxSearchBar *self)
{
	gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_HORIZONTAL);
	gtk_box_set_spacing (GTK_BOX (self), 6);
	gtk_widget_set_margin_start (GTK_WIDGET (self), 6);
	gtk_widget_set_margin_end (GTK_WIDGET (self), 6);
	gtk_widget_set_margin_top (GTK_WIDGET (self), 3);
	gtk_widget_set_margin_bottom (GTK_WIDGET (self), 3);
	gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, "Find and Replace", -1);

	self->search_entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
	gtk_widget_set_hexpand (GTK_WIDGET (self->search_entry), TRUE);
	g_object_set (self->search_entry, "placeholder-text", "Find", NULL);  /* a setter only since GTK 4.10 */
	gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry), GTK_ACCESSIBLE_PROPERTY_LABEL, "Find", -1);
	g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb), self);
	g_signal_connect_swapped (self->search_entry, "activate", G_CALLBACK (next_cb), self);
	g_signal_connect_swapped (self->search_entry, "next-match", G_CALLBACK (next_cb), self);
	g_signal_connect_swapped (self->search_entry, "previous-match", G_CALLBACK (previous_cb), self);
	g_signal_connect_swapped (self->search_entry, "stop-search", G_CALLBACK (hide_bar), self);
	gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->search_entry));

	gtk_box_append (GTK_BOX (self), button (self, "go-up-symbolic", NULL, "Previous match", G_CALLBACK (previous_cb)));
	gtk_box_append (GTK_BOX (self), button (self, "go-down-symbolic", NULL, "Next match", G_CALLBACK (next_cb)));

	self->match_case = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic ("Match _case"));
	gtk_accessible_update_property (GTK_ACCESSIBLE (self->match_case), GTK_ACCESSIBLE_PROPERTY_LABEL, "Match case", -1);
	g_signal_connect_swapped (self->match_case, "toggled", G_CALLBACK (match_case_cb), self);
	gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->match_case));

	self->replace_entry = GTK_ENTRY (gtk_entry_new ());
	gtk_widget_set_hexpand (GTK_WIDGET (self->replace_entry), TRUE);
	gtk_entry_set_placeholder_text (self->replace_entry, "Replace with");
	gtk_accessible_update_property (GTK_ACCESSIBLE (self->replace_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
	                                "Replace with", -1);
	g_signal_connect_swapped (self->replace_entry, "activate", G_CALLBACK (replace_cb), self);
	gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->replace_entry));
	gtk_box_append (GTK_BOX (self), button (self, NULL, "_Replace", "Replace this match", G_CALLBACK (replace_cb)));
	gtk_box_append (GTK_BOX (self), button (self, NULL, "Replace _All", "Replace all matches", G_CALLBACK (replace_all_cb)));

	self->count_label = GTK_LABEL (gtk_label_new (""));
	gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "dim-label");
	gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->count_label));
	gtk_box_append (GTK_BOX (self), button (self, "window-close-symbolic", NULL, "Close find and replace",
	                                        G_CALLBACK (hide_bar)));

	/* Escape anywhere in the bar closes it */
	GtkEventController *keys = gtk_shortcut_controller_new ();
	gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
		gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
		                  gtk_callback_action_new (hide_bar_shortcut, NULL, NULL)));
	gtk_widget_add_controller (GTK_WIDGET (self), keys);
	/* uifix: Shift+Enter in the search box finds the previous match (Enter
	 * the next); in capture, before the entry takes it as "activate" */
	GtkEventController *back = gtk_shortcut_controller_new ();
	gtk_event_controller_set_propagation_phase (back, GTK_PHASE_CAPTURE);
	gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (back),
		gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Return, GDK_SHIFT_MASK),
		                                               gtk_keyval_trigger_new (GDK_KEY_KP_Enter, GDK_SHIFT_MASK)),
		                  gtk_callback_action_new (previous_shortcut, NULL, NULL)));
	gtk_widget_add_controller (GTK_WIDGET (self->search_entry), back);
	gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
ox_search_bar_new (GtkSourceView *view)
{
	g_return_val_if_fail (GTK_SOURCE_IS_VIEW (view), NULL);
	OxSearchBar *self = g_object_new (OX_TYPE_SEARCH_BAR, NULL);
	self->view = view;
	self->settings = gtk_source_search_settings_new ();
	gtk_source_search_settings_set_wrap_around (self->settings, TRUE);
	self->context = gtk_source_search_context_new (
		GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view))), self->settings);
	gtk_source_search_context_set_highlight (self->context, FALSE);
	g_signal_connect_object (self->context, "notify::occurrences-count", G_CALLBACK (update_count), self,
	                         G_CONNECT_SWAPPED);
	return GTK_WIDGET (self);
}

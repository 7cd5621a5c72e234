/*
 * ui-test-util.c — helpers shared by the workstation's UI test programs
 * (see ui-test-util.h).
 */
#include "ui-test-util.h"
#include "ox-debug-panels.h"

#include <stdlib.h>
#include <string.h>

extern const char ox_cli_demo_sql[];

char *tmpdir;
OxSettingsStore *store;

static gboolean
tick_cb (gpointer data)
{
	(void) data;
	return G_SOURCE_CONTINUE;
}

void
wait_until (CondFunc cond, gpointer data, const char *what)
{
	gint64 end = g_get_monotonic_time () + DEADLINE_S * G_TIME_SPAN_SECOND;
	guint tick = g_timeout_add (50, tick_cb, NULL);
	while (!cond (data)) {
		if (g_get_monotonic_time () > end)
			g_error ("timed out waiting for %s", what);
		g_main_context_iteration (NULL, TRUE);
	}
	g_source_remove (tick);
}

gboolean
connected (gpointer data)
{
	return ox_window_get_connection (data) != NULL;
}

AdwMessageDialog *
find_message_dialog (GtkWindow *parent, const char *heading)
{
	GListModel *tops = gtk_window_get_toplevels ();  /* (transfer none) */
	for (guint i = 0; i < g_list_model_get_n_items (tops); i++) {
		g_autoptr (GObject) w = g_list_model_get_item (tops, i);
		if (!ADW_IS_MESSAGE_DIALOG (w) || !gtk_widget_get_visible (GTK_WIDGET (w)))
			continue;
		if (parent && gtk_window_get_transient_for (GTK_WINDOW (w)) != parent)
			continue;
		if (heading && !g_str_has_prefix (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (w)), heading))
			continue;
		return ADW_MESSAGE_DIALOG (w);
	}
	return NULL;
}

gboolean
message_dialog_shown (gpointer data)
{
	(void) data;
	return find_message_dialog (NULL, NULL) != NULL;
}

gboolean
page_idle (gpointer data)
{
	return !ox_editor_page_is_running (data);
}

/* ---- the object browser's tree ------------------------------------------------ */

/* The row whose node is called name, below parent (NULL: the top level);
 * NULL when it is not there. */
GtkTreeListRow *
find_row (GtkTreeListModel *tree, GtkTreeListRow *parent, const char *name)
{
	guint n = g_list_model_get_n_items (G_LIST_MODEL (tree));
	for (guint i = 0; i < n; i++) {
		GtkTreeListRow *row = gtk_tree_list_model_get_row (tree, i);
		g_autoptr (GtkTreeListRow) p = gtk_tree_list_row_get_parent (row);
		g_autoptr (OxBrowserNode) node = gtk_tree_list_row_get_item (row);
		if (p == parent && !strcmp (ox_browser_node_get_name (node), name))
			return row;
		g_object_unref (row);
	}
	return NULL;
}


gboolean
row_present (gpointer data)
{
	FindData *f = data;
	g_autoptr (GtkTreeListRow) row = find_row (f->tree, f->parent, f->name);
	return (row != NULL) == f->want;
}

GtkTreeListRow *
wait_row (GtkTreeListModel *tree, GtkTreeListRow *parent, const char *name)
{
	FindData f = { tree, parent, name, TRUE };
	wait_until (row_present, &f, name);
	return find_row (tree, parent, name);
}

/* ---- widgets -------------------------------------------------------------------- */

/* A GtkLabel below root showing text (with css_class, if given). */
GtkWidget *
find_label (GtkWidget *root, const char *text, const char *css_class)
{
	if (GTK_IS_LABEL (root) && !g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) &&
	    (!css_class || gtk_widget_has_css_class (root, css_class)))
		return root;
	for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c)) {
		GtkWidget *hit = find_label (c, text, css_class);
		if (hit)
			return hit;
	}
	return NULL;
}


gboolean
label_shown (gpointer data)
{
	LabelData *l = data;
	return find_label (l->root, l->text, l->css_class) != NULL;
}

void
set_text (OxEditorPage *page, const char *text, const char *cursor_at)
{
	GtkTextBuffer *buf = ox_editor_page_get_buffer (page);
	gtk_text_buffer_set_text (buf, text, -1);
	GtkTextIter it;
	gtk_text_buffer_get_iter_at_offset (buf, &it, cursor_at ? g_utf8_strlen (text, strstr (text, cursor_at) - text) : 0);
	gtk_text_buffer_place_cursor (buf, &it);
}

void
run (OxEditorPage *page, const char *action)
{
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), action, NULL));
	wait_until (page_idle, page, action);
}

/* Popovers shown in the window (the completion list, menus) are surfaces
 * of their own: draw each over the window's picture where it is. */
static void
snapshot_popovers (GtkWidget *win, GtkWidget *root, GtkSnapshot *snap)
{
	for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c)) {
		if (GTK_IS_POPOVER (c) && gtk_widget_get_mapped (c)) {
			GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (c));
			double wx, wy, px, py;
			gtk_native_get_surface_transform (GTK_NATIVE (win), &wx, &wy);
			gtk_native_get_surface_transform (GTK_NATIVE (c), &px, &py);
			int x = gdk_popup_get_position_x (GDK_POPUP (surface));
			int y = gdk_popup_get_position_y (GDK_POPUP (surface));
			g_autoptr (GdkPaintable) p = gtk_widget_paintable_new (c);
			gtk_snapshot_save (snap);
			gtk_snapshot_translate (snap, &GRAPHENE_POINT_INIT ((float) (x + px - wx), (float) (y + py - wy)));
			gdk_paintable_snapshot (p, snap, gtk_widget_get_width (c), gtk_widget_get_height (c));
			gtk_snapshot_restore (snap);
		}
		snapshot_popovers (win, c, snap);
	}
}

/* With OX_SCREENSHOT_DIR set, write the window as NAME.png there (the
 * README's pictures come from here), popovers shown in it included. */
void
screenshot (OxWindow *win, const char *name)
{
	const char *dir = g_getenv ("OX_SCREENSHOT_DIR");
	if (!dir)
		return;
	g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
	/* let layout and drawing catch up */
	for (int i = 0; i < 20; i++)
		while (g_main_context_iteration (NULL, FALSE))
			;
	GtkWidget *w = GTK_WIDGET (win);
	g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (w);
	int width = 0, height = 0;
	g_autoptr (GskRenderNode) node = NULL;
	/* under load the window may not have drawn its first frame yet (an
	 * empty paintable gives no node): wait for one, with the deadline */
	gint64 end = g_get_monotonic_time () + DEADLINE_S * G_TIME_SPAN_SECOND;
	guint tick = g_timeout_add (50, tick_cb, NULL);
	while (!node) {
		width = gtk_widget_get_width (w);
		height = gtk_widget_get_height (w);
		GtkSnapshot *snap = gtk_snapshot_new ();
		gdk_paintable_snapshot (paintable, snap, width, height);
		snapshot_popovers (w, w, snap);
		node = gtk_snapshot_free_to_node (snap);
		if (!node) {
			if (g_get_monotonic_time () > end)
				g_error ("screenshot %s: the window drew nothing", name);
			g_main_context_iteration (NULL, TRUE);
		}
	}
	g_source_remove (tick);
	GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (win));
	g_autoptr (GdkTexture) texture = gsk_renderer_render_texture (renderer, node,
		&GRAPHENE_RECT_INIT (0, 0, width, height));
	g_autofree char *file = g_strdup_printf ("%s/%s.png", dir, name);
	g_assert_true (gdk_texture_save_to_png (texture, file));
}

/* An entry's or drop-down's name: an explicit label, or a labelled-by
 * relation to the label shown beside it. */
static gboolean
has_name (GtkWidget *w)
{
	return gtk_test_accessible_has_property (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_PROPERTY_LABEL) ||
	       gtk_test_accessible_has_relation (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

/* An entry or a drop-down of ours: not the inner text of another
 * editable, not a drop-down's own search entry (GTK's).  Checked where
 * shown (mapped): a closed search bar's entry is not reachable. */
static gboolean
needs_name (GtkWidget *w)
{
	GtkWidget *parent = gtk_widget_get_parent (w);
	if (parent && gtk_widget_get_ancestor (parent, GTK_TYPE_DROP_DOWN))
		return FALSE;
	if (GTK_IS_DROP_DOWN (w))
		return TRUE;
	if (!GTK_IS_EDITABLE (w) || GTK_IS_EDITABLE_LABEL (w))
		return FALSE;
	return !(GTK_IS_TEXT (w) && parent && gtk_widget_get_ancestor (parent, GTK_TYPE_EDITABLE));
}

/* Every button below root has an accessible name: its label, or an
 * explicit one (icon buttons; GTK's labelled-by relation to the icon
 * does not count).  The tab bar's and view switcher's own buttons are
 * libadwaita's.  Every
 * entry (a GtkEditable that is not the inner text of another) and drop-down
 * has a name too (has_name).  Every image below root showing a named
 * icon finds it in the icon theme. */
void
check_buttons_named (GtkWidget *root)
{
	if (ADW_IS_TAB_BAR (root) || ADW_IS_VIEW_SWITCHER (root))  /* libadwaita's own buttons */
		return;
	if (gtk_widget_get_mapped (root) && needs_name (root) && !has_name (root))
	{
		g_autofree char *hint = NULL;
		if (g_object_class_find_property (G_OBJECT_GET_CLASS (root), "placeholder-text"))
			g_object_get (root, "placeholder-text", &hint, NULL);
		g_error ("a %s (placeholder %s, in a %s) has no accessible name", G_OBJECT_TYPE_NAME (root),
		         hint ? hint : "none", G_OBJECT_TYPE_NAME (gtk_widget_get_parent (root)));
	}
	if (GTK_IS_BUTTON (root) && gtk_widget_get_visible (root) && !gtk_button_get_label (GTK_BUTTON (root)) &&
	    !gtk_test_accessible_has_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL) &&
	    !GTK_IS_MENU_BUTTON (gtk_widget_get_parent (root)))
		g_error ("a %s button (%s, in a %s) has no accessible name", G_OBJECT_TYPE_NAME (root),
		         gtk_widget_get_tooltip_text (root) ? gtk_widget_get_tooltip_text (root) : "no tooltip",
		         G_OBJECT_TYPE_NAME (gtk_widget_get_parent (root)));
	/* and every named icon it shows exists (a missing one draws as a
	 * broken image, which no other check notices) */
	if (GTK_IS_IMAGE (root) && gtk_image_get_storage_type (GTK_IMAGE (root)) == GTK_IMAGE_ICON_NAME) {
		const char *icon = gtk_image_get_icon_name (GTK_IMAGE (root));
		if (icon && !gtk_icon_theme_has_icon (gtk_icon_theme_get_for_display (gtk_widget_get_display (root)), icon))
			g_error ("the icon %s is not in the icon theme", icon);
	}
	for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
		check_buttons_named (c);
}

void
check_label (GtkWidget *w, const char *label)
{
	g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_PROPERTY_LABEL));
	char *err = gtk_test_accessible_check_property (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_PROPERTY_LABEL, label);
	if (err)
		g_error ("accessible label of %s: %s", G_OBJECT_TYPE_NAME (w), err);
}

OxWindow *
open_demo_window (void)
{
	OxWindow *win = ox_window_new (NULL, store, ox_cli_demo_sql);
	gtk_window_present (GTK_WINDOW (win));
	ox_window_open_demo (win);
	wait_until (connected, win, "the demo database");
	return win;
}

/* Point XDG_CONFIG_HOME and XDG_DATA_HOME into a fresh temporary directory,
 * initialise GTK's test mode, libadwaita and the workstation's resources,
 * and open the settings store there (tmpdir, store). */
void
ui_test_init (int *argc, char ***argv)
{
	tmpdir = g_dir_make_tmp ("ox-ui-XXXXXX", NULL);
	g_autofree char *config = g_build_filename (tmpdir, "config", NULL);
	g_autofree char *data = g_build_filename (tmpdir, "data", NULL);
	g_setenv ("XDG_CONFIG_HOME", config, TRUE);
	g_setenv ("XDG_DATA_HOME", data, TRUE);

	gtk_test_init (argc, argv, NULL);
	adw_init ();
	ox_ui_init ();
	g_autofree char *path = g_build_filename (config, "oxibase", "workstation.db", NULL);
	g_autoptr (GError) error = NULL;
	store = ox_settings_store_open (path, &error);
	g_assert_no_error (error);
}

/* Close the store and remove the temporary directory. */
void
ui_test_finish (void)
{
	ox_settings_store_close (store);
	g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
	if (system (cmd) != 0)
		g_printerr ("could not remove %s\n", tmpdir);
	g_free (tmpdir);
}

/*
 * test-uifix.c — the workstation features a review found partial, driven
 * through their real widgets under Xvfb:
 *   - the header bar's primary menu (Open…, Save, Save As…, Preferences,
 *     Keyboard Shortcuts, About) and its EXPLAIN and Debug buttons;
 *   - the shortcuts window lists every key the app binds (the window's,
 *     its tabs', the browser's, the find bar's, the data editor's and the
 *     Administration window's shortcut controllers and the application's
 *     accelerators, against resources/gtk/help-overlay.ui);
 *   - a routine tab comes back after a restart as a routine tab of the same
 *     routine, re-read from the catalog, and saves with CREATE OR REPLACE;
 *     the debugger's read-only source tabs are not saved and close when
 *     its session ends; the Breakpoints
 *     panel says which tab a breakpoint is in; the debugger pane's height
 *     is kept;
 *   - Rename on a column in the object browser, and the browser follows;
 *   - the query history popover searches every connection when asked.
 *
 * What can go wrong: a wait that never comes true fails after DEADLINE_S
 * naming what it waited for; nothing sleeps.
 */
#include "ui-test-util.h"
#include "ox-debug-gutter.h"
#include "ox-debug-panels.h"
#include "ox-object-actions.h"
#include "ox-routine-editor.h"
#include "ox-result-row.h"

#include <stdlib.h>
#include <string.h>

extern const char ox_cli_demo_sql[];

static GtkApplication *app;  /* so the window has its help overlay and accelerators */

/* ---- helpers ----------------------------------------------------------------------- */

static OxWindow *
open_app_window (void)
{
	OxWindow *win = ox_window_new (app, store, ox_cli_demo_sql);
	gtk_window_present (GTK_WINDOW (win));
	ox_window_open_demo (win);
	wait_until (connected, win, "the demo database");
	return win;
}

/* The first widget below root for which match holds. */
static GtkWidget *
find_widget (GtkWidget *root, gboolean (*match) (GtkWidget *w, gconstpointer data), gconstpointer data)
{
	if (match (root, data))
		return root;
	for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c)) {
		GtkWidget *hit = find_widget (c, match, data);
		if (hit)
			return hit;
	}
	return NULL;
}

static gboolean
has_action (GtkWidget *w, gconstpointer name)
{
	return GTK_IS_BUTTON (w) && !g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (w)), name);
}

static gboolean
is_primary_menu (GtkWidget *w, gconstpointer data)
{
	(void) data;
	return GTK_IS_MENU_BUTTON (w) && !g_strcmp0 (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (w)),
	                                             "open-menu-symbolic");
}

/* A visible toplevel of type (and transient for win, when win is given). */
static GtkWindow *
find_toplevel (GType type, GtkWindow *win)
{
	GListModel *tops = gtk_window_get_toplevels ();
	for (guint i = 0; i < g_list_model_get_n_items (tops); i++) {
		g_autoptr (GObject) w = g_list_model_get_item (tops, i);
		if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (GTK_WIDGET (w)) &&
		    (!win || gtk_window_get_transient_for (GTK_WINDOW (w)) == win))
			return GTK_WINDOW (w);
	}
	return NULL;
}

typedef struct {
	GType      type;
	GtkWindow *win;
} TopWait;

static gboolean
toplevel_shown (gpointer data)
{
	TopWait *t = data;
	return find_toplevel (t->type, t->win) != NULL;
}

static gboolean
widget_mapped (gpointer data)
{
	return gtk_widget_get_mapped (data);
}

static gboolean
widget_visible (gpointer data)
{
	return gtk_widget_get_visible (data);
}

static char *
buffer_text (OxEditorPage *page)
{
	GtkTextBuffer *buf = ox_editor_page_get_buffer (page);
	GtkTextIter s, e;
	gtk_text_buffer_get_bounds (buf, &s, &e);
	return gtk_text_buffer_get_text (buf, &s, &e, TRUE);
}

static char *
scalar (OxEditorPage *page, const char *sql)
{
	set_text (page, sql, NULL);
	run (page, "editor.run-script");
	GtkColumnView *grid = ox_editor_page_get_grid (page, 0);
	g_assert_nonnull (grid);
	GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (grid));
	g_assert_cmpuint (g_list_model_get_n_items (rows), >=, 1);
	g_autoptr (OxResultRow) row = g_list_model_get_item (rows, 0);
	return g_strdup (ox_result_row_get_cell (row, 0));
}

static GtkTreeListRow *
object_row (OxWindow *win, const char *folder, const char *name)
{
	GtkTreeListModel *tree = ox_object_browser_get_tree (ox_window_get_browser (win));
	g_autoptr (GtkTreeListRow) pub = wait_row (tree, NULL, "public");
	gtk_tree_list_row_set_expanded (pub, TRUE);
	g_autoptr (GtkTreeListRow) f = wait_row (tree, pub, folder);
	gtk_tree_list_row_set_expanded (f, TRUE);
	return wait_row (tree, f, name);
}

static gboolean
row_gone (gpointer data)
{
	FindData *f = data;
	g_autoptr (GtkTreeListRow) row = find_row (f->tree, f->parent, f->name);
	return row == NULL;
}

static AdwTabView *
tab_view_of (OxWindow *win)
{
	OxEditorPage *page = ox_window_get_current_page (win);
	g_assert_nonnull (page);
	return ADW_TAB_VIEW (gtk_widget_get_ancestor (GTK_WIDGET (page), ADW_TYPE_TAB_VIEW));
}

/* The tab whose title starts with title, or NULL. */
static OxEditorPage *
find_tab (OxWindow *win, const char *title)
{
	AdwTabView *view = tab_view_of (win);
	for (int i = 0; i < adw_tab_view_get_n_pages (view); i++) {
		AdwTabPage *tp = adw_tab_view_get_nth_page (view, i);
		if (g_str_has_prefix (adw_tab_page_get_title (tp), title))
			return OX_EDITOR_PAGE (adw_tab_page_get_child (tp));
	}
	return NULL;
}

typedef struct {
	OxWindow   *win;
	const char *title;
} TabWait;

static gboolean
tab_present (gpointer data)
{
	TabWait *w = data;
	return find_tab (w->win, w->title) != NULL;
}

static gboolean
not_saving (gpointer data)
{
	return !ox_routine_editor_is_saving (data);
}

static gboolean
messages_contain (gpointer data)
{
	OxEditorPage *page = g_object_get_data (G_OBJECT (data), "test-page");
	const char *needle = g_object_get_data (G_OBJECT (data), "test-needle");
	g_autofree char *m = ox_editor_page_get_messages_text (page);
	return strstr (m, needle) != NULL;
}

static void
wait_messages (OxEditorPage *page, const char *needle)
{
	g_object_set_data (G_OBJECT (page), "test-page", page);
	g_object_set_data (G_OBJECT (page), "test-needle", (gpointer) needle);
	wait_until (messages_contain, page, needle);
}

/* ---- 1. the primary menu and the toolbar's EXPLAIN and Debug ------------------------------ */

/* Click the primary menu's item labelled text (its GtkModelButton). */
static void
click_menu_item (GtkWidget *menu_button, const char *text)
{
	gtk_menu_button_popup (GTK_MENU_BUTTON (menu_button));
	GtkPopover *pop = gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu_button));
	g_assert_nonnull (pop);
	wait_until (widget_mapped, pop, "the primary menu open");
	GtkWidget *label = find_label (GTK_WIDGET (pop), text, NULL);
	if (!label)
		g_error ("the primary menu has no item \"%s\"", text);
	GtkWidget *item = gtk_widget_get_ancestor (label, g_type_from_name ("GtkModelButton"));
	g_assert_nonnull (item);
	g_assert_true (gtk_widget_is_sensitive (item));
	g_signal_emit_by_name (item, "clicked");
}

static void
test_primary_menu (void)
{
	OxWindow *win = open_app_window ();
	GtkWidget *menu_button = find_widget (GTK_WIDGET (win), is_primary_menu, NULL);
	g_assert_nonnull (menu_button);
	check_label (menu_button, "Main menu");
	check_buttons_named (GTK_WIDGET (win));

	/* the menu: every item and the action it runs */
	static const struct { const char *label, *action; } want[] = {
		{ "_Open…", "workstation.open-file" }, { "_Save", "workstation.save" },
		{ "Save _As…", "workstation.save-as" }, { "_Preferences", "workstation.preferences" },
		{ "_Keyboard Shortcuts", "win.show-help-overlay" },
		{ "_About Oxibase Workstation", "workstation.about" },
	};
	GMenuModel *model = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button));
	g_assert_nonnull (model);
	guint found = 0;
	for (int s = 0; s < g_menu_model_get_n_items (model); s++) {
		g_autoptr (GMenuModel) section = g_menu_model_get_item_link (model, s, G_MENU_LINK_SECTION);
		for (int i = 0; section && i < g_menu_model_get_n_items (section); i++, found++) {
			g_autofree char *label = NULL, *action = NULL;
			g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_LABEL, "s", &label);
			g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_ACTION, "s", &action);
			g_assert_cmpuint (found, <, G_N_ELEMENTS (want));
			g_assert_cmpstr (label, ==, want[found].label);
			g_assert_cmpstr (action, ==, want[found].action);
		}
	}
	g_assert_cmpuint (found, ==, G_N_ELEMENTS (want));

	/* Keyboard Shortcuts shows the shortcuts window */
	GtkWindow *overlay = GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (win)));
	g_assert_nonnull (overlay);
	click_menu_item (menu_button, "Keyboard Shortcuts");
	wait_until (widget_visible, overlay, "the shortcuts window");
	gtk_widget_set_visible (GTK_WIDGET (overlay), FALSE);

	/* About: libadwaita's About window, with the engine's version */
	click_menu_item (menu_button, "About Oxibase Workstation");
	TopWait tw = { ADW_TYPE_ABOUT_WINDOW, GTK_WINDOW (win) };
	wait_until (toplevel_shown, &tw, "the About window");
	GtkWindow *about = find_toplevel (ADW_TYPE_ABOUT_WINDOW, GTK_WINDOW (win));
	g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "Oxibase Workstation");
	g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, "0.1.0");
	gtk_window_destroy (about);

	/* Preferences */
	click_menu_item (menu_button, "Preferences");
	tw.type = ADW_TYPE_PREFERENCES_WINDOW;
	wait_until (toplevel_shown, &tw, "the Preferences window");
	gtk_window_destroy (find_toplevel (ADW_TYPE_PREFERENCES_WINDOW, GTK_WINDOW (win)));

	/* Save As… and Open… are there and enabled with a tab open (their
	 * file choosers are the files tests') */
	gtk_menu_button_popup (GTK_MENU_BUTTON (menu_button));
	GtkPopover *pop = gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu_button));
	wait_until (widget_mapped, pop, "the primary menu open");
	screenshot (win, "uifix-primary-menu");
	const char *items[] = { "Open…", "Save", "Save As…" };
	for (guint i = 0; i < G_N_ELEMENTS (items); i++) {
		GtkWidget *label = find_label (GTK_WIDGET (pop), items[i], NULL);
		g_assert_nonnull (label);
		g_assert_true (gtk_widget_is_sensitive (gtk_widget_get_ancestor (label, g_type_from_name ("GtkModelButton"))));
	}
	gtk_popover_popdown (pop);

	/* the header bar's EXPLAIN button: the plan of the statement at the cursor */
	OxEditorPage *page = ox_window_get_current_page (win);
	GtkWidget *explain = find_widget (GTK_WIDGET (win), has_action, "workstation.explain");
	GtkWidget *debug = find_widget (GTK_WIDGET (win), has_action, "workstation.debug");
	g_assert_nonnull (explain);
	g_assert_nonnull (debug);
	check_label (explain, "EXPLAIN the statement at the cursor");
	check_label (debug, "Debug the script, or continue when stopped");
	set_text (page, "SELECT name FROM customers WHERE id = 3;\n", NULL);
	g_assert_null (ox_editor_page_get_plan_view (page));
	g_assert_true (gtk_widget_is_sensitive (explain));
	g_signal_emit_by_name (explain, "clicked");
	wait_until (page_idle, page, "the EXPLAIN");
	g_assert_nonnull (ox_editor_page_get_plan_view (page));
	g_autofree char *msgs = ox_editor_page_get_messages_text (page);
	g_assert_nonnull (strstr (msgs, "EXPLAIN"));

	/* Debug: the debugger shows and runs the script to its end */
	OxDebugArea *area = ox_window_get_debugger (win);
	g_assert_false (gtk_widget_get_visible (GTK_WIDGET (area)));
	set_text (page, "SELECT 40 + 2 AS answer;\n", NULL);
	g_signal_emit_by_name (debug, "clicked");
	g_assert_true (gtk_widget_get_visible (GTK_WIDGET (area)));
	wait_messages (page, "answer");
	screenshot (win, "uifix-toolbar");
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- 2. the shortcuts window lists every key ------------------------------------------ */

#define MODS (GDK_CONTROL_MASK | GDK_SHIFT_MASK | GDK_ALT_MASK | GDK_SUPER_MASK | GDK_META_MASK)

static char *
key_name (guint keyval, GdkModifierType mods)
{
	return gtk_accelerator_name (gdk_keyval_to_lower (keyval), mods & MODS);
}

/* The keys the shortcuts window lists, as gtk_accelerator_name () spells them. */
static void
collect_listed (GtkWidget *w, GHashTable *listed)
{
	if (GTK_IS_SHORTCUTS_SHORTCUT (w)) {
		g_autofree char *accel = NULL;
		g_object_get (w, "accelerator", &accel, NULL);
		g_auto (GStrv) parts = g_strsplit (accel ? accel : "", " ", -1);
		for (guint i = 0; parts[i]; i++) {
			guint key = 0;
			GdkModifierType mods = 0;
			if (!*parts[i] || strstr (parts[i], "..."))
				continue;  /* a range ("<Alt>1...<Alt>9"): libadwaita's tab keys, not ours */
			if (!gtk_accelerator_parse (parts[i], &key, &mods))
				g_error ("the shortcuts window lists \"%s\", which is not an accelerator", parts[i]);
			g_hash_table_add (listed, key_name (key, mods));
		}
	}
	for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
		collect_listed (c, listed);
}

static void
add_trigger (GtkShortcutTrigger *t, GHashTable *bound, const char *where)
{
	if (GTK_IS_KEYVAL_TRIGGER (t))
		g_hash_table_insert (bound, key_name (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (t)),
		                                      gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (t))),
		                     g_strdup (where));
	else if (GTK_IS_ALTERNATIVE_TRIGGER (t)) {
		add_trigger (gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (t)), bound, where);
		add_trigger (gtk_alternative_trigger_get_second (GTK_ALTERNATIVE_TRIGGER (t)), bound, where);
	}
}

/* Our own widgets' keys below w: every shortcut controller we add (on our
 * widgets and on GTK's, e.g. the grid's Ctrl+C), and the class bindings
 * of our classes that run our actions (a class's list also holds its GTK
 * parents' bindings, which run signals or GTK's callbacks). */
static void
collect_controllers (GtkWidget *w, GHashTable *bound)
{
	gboolean ours = g_str_has_prefix (G_OBJECT_TYPE_NAME (w), "Ox");
	g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (w);
	for (guint i = 0; i < g_list_model_get_n_items (controllers); i++) {
		g_autoptr (GtkEventController) c = g_list_model_get_item (controllers, i);
		if (!GTK_IS_SHORTCUT_CONTROLLER (c))
			continue;
		const char *name = gtk_event_controller_get_name (c);
		gboolean class_keys = !g_strcmp0 (name, "gtk-widget-class-shortcuts");
		if (name && !class_keys)
			continue;  /* GTK's own, named (mnemonics, the application's: below) */
		if (class_keys && !ours)
			continue;
		for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (c)); j++) {
			g_autoptr (GtkShortcut) sc = g_list_model_get_item (G_LIST_MODEL (c), j);
			GtkShortcutAction *action = gtk_shortcut_get_action (sc);
			if (class_keys && !GTK_IS_NAMED_ACTION (action))
				continue;
			if (!class_keys && !ours && !GTK_IS_NAMED_ACTION (action) && !GTK_IS_CALLBACK_ACTION (action))
				continue;  /* a GTK widget's own controller (signals) */
			g_autofree char *where = g_strdup_printf ("%s (%s)", G_OBJECT_TYPE_NAME (w),
			                                          GTK_IS_NAMED_ACTION (action)
			                                          ? gtk_named_action_get_action_name (GTK_NAMED_ACTION (action))
			                                          : "callback");
			add_trigger (gtk_shortcut_get_trigger (sc), bound, where);
		}
	}
}

static void
collect_bound (GtkWidget *w, GHashTable *bound)
{
	/* libadwaita's own keys (AdwTabView's tab switching) are its own */
	if (!g_str_has_prefix (G_OBJECT_TYPE_NAME (w), "Adw"))
		collect_controllers (w, bound);
	for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
		collect_bound (c, bound);
}

static void
test_shortcuts_listed (void)
{
	OxWindow *win = open_app_window ();
	OxEditorPage *page = ox_window_get_current_page (win);
	/* a result grid (Ctrl+C) and the find bar (Escape, Shift+Enter) */
	set_text (page, "SELECT 1 AS one;\n", NULL);
	run (page, "editor.run-statement");
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "editor.find", NULL));

	g_autoptr (GHashTable) bound = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	collect_bound (GTK_WIDGET (win), bound);
	/* the table data editor's and the Administration window's keys */
	GtkWidget *data = GTK_WIDGET (ox_window_open_table_data (win, "public", "customers"));
	collect_bound (data, bound);
	gtk_window_destroy (GTK_WINDOW (data));
	GtkWidget *admin = GTK_WIDGET (ox_window_show_administration (win));
	collect_bound (admin, bound);
	gtk_window_destroy (GTK_WINDOW (admin));
	/* the application's accelerators (Ctrl+? for this very window) */
	g_auto (GStrv) actions = gtk_application_list_action_descriptions (app);
	for (guint i = 0; actions[i]; i++) {
		g_auto (GStrv) accels = gtk_application_get_accels_for_action (app, actions[i]);
		for (guint j = 0; accels[j]; j++) {
			guint key = 0;
			GdkModifierType mods = 0;
			gtk_accelerator_parse (accels[j], &key, &mods);
			g_hash_table_insert (bound, key_name (key, mods), g_strdup (actions[i]));
		}
	}
	/* what this test must have found, or it proves nothing */
	static const char *const sure[] = {
		"<Control>Return", "<Control>KP_Enter", "<Control>e", "<Control>t", "F5", "F6", "<Shift>F11",
		"<Control>c", "<Control>s", "Escape", "<Shift>Return", "Menu", "<Control>question",
	};
	for (guint i = 0; i < G_N_ELEMENTS (sure); i++) {
		guint key = 0;
		GdkModifierType mods = 0;
		g_assert_true (gtk_accelerator_parse (sure[i], &key, &mods));
		g_autofree char *k = key_name (key, mods);
		if (!g_hash_table_contains (bound, k))
			g_error ("the test did not find the binding %s", sure[i]);
	}

	GtkWidget *overlay = GTK_WIDGET (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (win)));
	g_assert_nonnull (overlay);
	g_autoptr (GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	collect_listed (overlay, listed);
	GString *missing = g_string_new (NULL);
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init (&it, bound);
	while (g_hash_table_iter_next (&it, &k, &v))
		if (!g_hash_table_contains (listed, k))
			g_string_append_printf (missing, "\n  %s, bound by %s", (char *) k, (char *) v);
	if (missing->len)
		g_error ("keys the shortcuts window does not list:%s", missing->str);
	g_string_free (missing, TRUE);
	g_test_message ("%u keys bound, all listed", g_hash_table_size (bound));

	gtk_window_present (GTK_WINDOW (overlay));
	wait_until (widget_mapped, overlay, "the shortcuts window");
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- 3. restored tabs keep their kind --------------------------------------------------- */

static const char twice_v1[] =
	"CREATE OR REPLACE FUNCTION uifix_twice(x integer) RETURNS integer LANGUAGE plsql AS $$\n"
	"BEGIN\n  RETURN x * 2;\nEND $$;";
static const char twice_v2[] =
	"CREATE OR REPLACE FUNCTION uifix_twice(x integer) RETURNS integer LANGUAGE plsql AS $$\n"
	"BEGIN\n  RETURN x * 2 + 1;\nEND $$;";

static gboolean
routine_reread (gpointer data)
{
	OxEditorPage *page = data;
	g_autofree char *t = buffer_text (page);
	return strstr (t, "x * 2 + 1") != NULL && !ox_routine_editor_is_modified (page);
}

static void
test_routine_tab_restored (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *sql = ox_window_new_tab (win, "setup", NULL);
	set_text (sql, twice_v1, NULL);
	run (sql, "editor.run-script");
	/* the routine's definition from the browser: a routine tab */
	g_autoptr (GtkTreeListRow) row = object_row (win, "Functions", "uifix_twice");
	ox_object_browser_select (ox_window_get_browser (win), row);
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.open-definition", NULL));
	TabWait tw = { win, "uifix_twice" };
	wait_until (tab_present, &tw, "the routine tab");
	OxEditorPage *rt = find_tab (win, "uifix_twice");
	g_assert_true (ox_routine_editor_is_routine (rt));
	g_assert_nonnull (ox_routine_editor_get_object (rt));
	ox_window_save_state (win);
	/* the routine changes in the database after the tabs were saved */
	set_text (sql, twice_v2, NULL);
	run (sql, "editor.run-script");
	gtk_window_destroy (GTK_WINDOW (win));

	/* in the store: a routine tab, naming its routine */
	g_autofree char *demo = ox_window_demo_path ();
	g_autoptr (GPtrArray) saved = ox_settings_store_load_tabs (store, demo);
	gboolean seen = FALSE;
	for (guint i = 0; i < saved->len; i++) {
		OxSavedTab *t = saved->pdata[i];
		if (!strcmp (t->title, "uifix_twice")) {
			g_assert_cmpstr (t->kind, ==, "routine");
			g_assert_nonnull (strstr (t->routine, "'uifix_twice'"));
			g_assert_false (t->modified);
			seen = TRUE;
		} else
			g_assert_cmpstr (t->kind, ==, "sql");
	}
	g_assert_true (seen);

	/* after the restart: a routine tab of the same routine, with the
	 * database's text of now */
	win = open_demo_window ();
	rt = find_tab (win, "uifix_twice");
	g_assert_nonnull (rt);
	g_assert_true (ox_routine_editor_is_routine (rt));
	OxCatalogObject *o = ox_routine_editor_get_object (rt);
	g_assert_nonnull (o);
	g_assert_cmpstr (ox_catalog_object_get_name (o), ==, "uifix_twice");
	g_assert_cmpint (ox_catalog_object_get_kind (o), ==, OX_OBJECT_FUNCTION);
	wait_until (routine_reread, rt, "the routine re-read from the catalog");

	/* its Save is CREATE OR REPLACE */
	adw_tab_view_set_selected_page (tab_view_of (win), adw_tab_view_get_page (tab_view_of (win), GTK_WIDGET (rt)));
	GtkTextBuffer *buf = ox_editor_page_get_buffer (rt);
	g_autofree char *text = buffer_text (rt);
	char *at = strstr (text, "x * 2 + 1");
	g_assert_nonnull (at);
	GtkTextIter s, e;
	gtk_text_buffer_get_iter_at_offset (buf, &s, g_utf8_pointer_to_offset (text, at));
	gtk_text_buffer_get_iter_at_offset (buf, &e, g_utf8_pointer_to_offset (text, at) + strlen ("x * 2 + 1"));
	gtk_text_buffer_delete (buf, &s, &e);
	gtk_text_buffer_insert (buf, &s, "x * 3", -1);
	g_assert_true (ox_routine_editor_is_modified (rt));
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "workstation.save", NULL));
	wait_until (not_saving, rt, "the routine saved");
	g_assert_false (ox_routine_editor_is_modified (rt));
	OxEditorPage *q = ox_window_new_tab (win, "check", NULL);
	g_autofree char *v = scalar (q, "SELECT uifix_twice(5);");
	g_assert_cmpstr (v, ==, "15");

	/* a routine tab with unsaved edits keeps them over a restart */
	adw_tab_view_set_selected_page (tab_view_of (win), adw_tab_view_get_page (tab_view_of (win), GTK_WIDGET (rt)));
	gtk_text_buffer_get_end_iter (buf, &e);
	gtk_text_buffer_insert (buf, &e, "\n-- not yet saved", -1);
	ox_window_save_state (win);
	gtk_window_destroy (GTK_WINDOW (win));
	win = open_demo_window ();
	rt = find_tab (win, "uifix_twice");
	g_assert_nonnull (rt);
	g_assert_true (ox_routine_editor_is_routine (rt));
	wait_until ((CondFunc) ox_routine_editor_is_modified, rt, "the unsaved edit marked against the database");
	g_autofree char *kept = buffer_text (rt);
	g_assert_nonnull (strstr (kept, "-- not yet saved"));
	/* the next tests start without saved tabs (destroying saves nothing) */
	gtk_window_destroy (GTK_WINDOW (win));
	g_autoptr (GPtrArray) none = g_ptr_array_new ();
	g_assert_true (ox_settings_store_save_tabs (store, demo, none, NULL));
}

/* ---- 3 and 5: the debugger's tabs, its Breakpoints panel and its height ------------------ */

typedef struct {
	OxDebugArea  *area;
	OxEditorPage *page;
	int           state;
} DebugWait;

static gboolean
in_other_tab (gpointer data)
{
	DebugWait *w = data;
	OxEditorPage *where = NULL;
	return ox_debug_area_get_current_line (w->area, &where) > 0 && where && where != w->page;
}

static gboolean
at_a_line (gpointer data)
{
	DebugWait *w = data;
	return ox_debug_area_get_current_line (w->area, NULL) > 0;
}

static gboolean
state_is (gpointer data)
{
	DebugWait *w = data;
	return ox_debug_session_get_state (ox_debug_area_get_session (w->area)) == (OxDebugState) w->state;
}

static gboolean
allocated (gpointer data)
{
	return gtk_widget_get_height (data) > 0;
}

static void
test_debugger_tabs (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *def = ox_window_new_tab (win, "def", NULL);
	set_text (def, "CREATE OR REPLACE FUNCTION uifix_half(x int) RETURNS int\n"
	               "LANGUAGE plsql AS $$\nBEGIN\n  RETURN x / 2;\nEND $$;", NULL);
	run (def, "editor.run-script");
	OxEditorPage *page = ox_window_new_tab (win, "call", "SELECT 1 AS one;\nSELECT uifix_half(42) AS h;\n");
	GtkWidget *view = ox_editor_page_get_source_view (page);
	OxDebugArea *area = ox_window_get_debugger (win);
	OxDebugSession *session = ox_debug_area_get_session (area);
	ox_debug_gutter_toggle (GTK_SOURCE_VIEW (view), 2);

	/* the Breakpoints panel says which tab the breakpoint is in */
	GtkWidget *panel = ox_debug_area_get_panel (area, "Breakpoints");
	LabelData ld = { panel, "call, line 2", NULL };
	wait_until (label_shown, &ld, "the breakpoint's tab and line in the Breakpoints panel");
	g_autoptr (OxDebugBp) bp = g_list_model_get_item (ox_debug_session_get_breakpoints (session), 0);
	g_autofree char *where = ox_debug_breakpoints_where (bp);
	g_assert_cmpstr (where, ==, "call");

	/* stopped inside uifix_half: its source in a read-only tab */
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
	DebugWait dw = { area, page, 0 };
	wait_until (at_a_line, &dw, "the stop at the breakpoint");
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.step-into", NULL);
	wait_until (in_other_tab, &dw, "a step into uifix_half, in a tab of its own");
	AdwTabView *tabs = tab_view_of (win);
	int n_tabs = adw_tab_view_get_n_pages (tabs);
	OxEditorPage *ro = NULL;
	ox_debug_area_get_current_line (area, &ro);
	AdwTabPage *ro_tab = adw_tab_view_get_page (tabs, GTK_WIDGET (ro));
	g_assert_nonnull (strstr (adw_tab_page_get_title (ro_tab), "uifix_half"));
	g_assert_nonnull (strstr (adw_tab_page_get_title (ro_tab), "(read-only)"));

	/* the debugger pane's height goes with the geometry */
	GtkWidget *paned = gtk_widget_get_parent (GTK_WIDGET (area));
	g_assert_true (GTK_IS_PANED (paned));
	wait_until (allocated, paned, "the debugger pane laid out");
	int h = gtk_widget_get_height (paned);
	gtk_paned_set_position (GTK_PANED (paned), h - 300);
	g_assert_cmpint (ox_window_get_debug_height (win), ==, 300);
	screenshot (win, "uifix-debugger");

	/* saving the state leaves the read-only tab out */
	ox_window_save_state (win);
	g_autofree char *demo = ox_window_demo_path ();
	g_autoptr (GPtrArray) saved = ox_settings_store_load_tabs (store, demo);
	g_assert_cmpuint (saved->len, ==, (guint) n_tabs - 1);
	for (guint i = 0; i < saved->len; i++)
		g_assert_null (strstr (((OxSavedTab *) saved->pdata[i])->title, "read-only"));
	OxWindowState ws;
	g_assert_true (ox_settings_store_load_window (store, "main", &ws));
	g_assert_cmpint (ws.debug_height, ==, 300);

	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug-stop", NULL);
	dw.state = OX_DEBUG_IDLE;
	wait_until (state_is, &dw, "the end of the debug session");
	/* the session's read-only tab closed with it; the others stay */
	g_assert_cmpint (adw_tab_view_get_n_pages (tabs), ==, n_tabs - 1);
	for (int i = 0; i < adw_tab_view_get_n_pages (tabs); i++)
		g_assert_null (strstr (adw_tab_page_get_title (adw_tab_view_get_nth_page (tabs, i)), "read-only"));
	gtk_window_destroy (GTK_WINDOW (win));

	/* a new window: the debugger opens at the saved height */
	win = open_demo_window ();
	AdwTabView *tabs2 = tab_view_of (win);
	for (int i = 0; i < adw_tab_view_get_n_pages (tabs2); i++)
		g_assert_null (strstr (adw_tab_page_get_title (adw_tab_view_get_nth_page (tabs2, i)), "read-only"));
	area = ox_window_get_debugger (win);
	paned = gtk_widget_get_parent (GTK_WIDGET (area));
	wait_until (allocated, paned, "the editor pane laid out");
	OxEditorPage *cur = ox_window_get_current_page (win);
	set_text (cur, "SELECT 1 AS one;\n", NULL);
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.debug", NULL);
	g_assert_true (gtk_widget_get_visible (GTK_WIDGET (area)));
	wait_until (allocated, area, "the debugger laid out");
	g_assert_cmpint (gtk_widget_get_height (paned) - gtk_paned_get_position (GTK_PANED (paned)), ==, 300);
	dw = (DebugWait) { area, cur, OX_DEBUG_IDLE };
	wait_until (state_is, &dw, "the debug run's end");
	g_autoptr (GPtrArray) none = g_ptr_array_new ();
	g_assert_true (ox_settings_store_save_tabs (store, demo, none, NULL));
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- 4. Rename a column from the browser's context actions ------------------------------- */

static void
test_rename_column (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_get_current_page (win);
	set_text (page, "CREATE TABLE uifix_t (id integer PRIMARY KEY, note text);", NULL);
	run (page, "editor.run-script");
	GtkTreeListModel *tree = ox_object_browser_get_tree (ox_window_get_browser (win));
	g_autoptr (GtkTreeListRow) t = object_row (win, "Tables", "uifix_t");
	gtk_tree_list_row_set_expanded (t, TRUE);
	g_autoptr (GtkTreeListRow) cols = wait_row (tree, t, "Columns");
	gtk_tree_list_row_set_expanded (cols, TRUE);
	g_autoptr (GtkTreeListRow) note = wait_row (tree, cols, "note");
	ox_object_browser_select (ox_window_get_browser (win), note);

	GActionGroup *actions = g_object_get_data (G_OBJECT (win), "ox-object-actions");
	g_assert_true (g_action_group_get_action_enabled (actions, "rename"));
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.rename", NULL));
	wait_until (message_dialog_shown, NULL, "the rename dialog");
	AdwMessageDialog *dialog = find_message_dialog (NULL, NULL);
	gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "remark");
	g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==,
	                 "ALTER TABLE public.uifix_t RENAME COLUMN note TO remark;");
	adw_message_dialog_response (dialog, "rename");
	gtk_window_destroy (GTK_WINDOW (dialog));
	g_object_unref (wait_row (tree, cols, "remark"));
	FindData gone = { tree, cols, "note", FALSE };
	wait_until (row_gone, &gone, "the old column name gone from the browser");

	/* a constraint: Rename is offered too */
	g_autoptr (GtkTreeListRow) cons = wait_row (tree, t, "Constraints");
	gtk_tree_list_row_set_expanded (cons, TRUE);
	g_autoptr (GtkTreeListRow) pk = wait_row (tree, cons, "uifix_t_pkey");
	ox_object_browser_select (ox_window_get_browser (win), pk);
	g_assert_true (g_action_group_get_action_enabled (actions, "rename"));

	/* roles: ALTER ROLE ... RENAME TO and DROP ROLE (no CASCADE) */
	g_autoptr (OxCatalogObject) role = ox_catalog_object_new (OX_OBJECT_ROLE, NULL, NULL, "Clerk", NULL);
	g_autofree char *rn = ox_object_rename_sql (role, "cashier");
	g_assert_cmpstr (rn, ==, "ALTER ROLE \"Clerk\" RENAME TO cashier;");
	g_autofree char *dr = ox_object_drop_sql (role, TRUE);
	g_assert_cmpstr (dr, ==, "DROP ROLE \"Clerk\";");
	set_text (page, "CREATE ROLE uifix_role;", NULL);
	run (page, "editor.run-script");
	g_autoptr (GtkTreeListRow) roles = wait_row (tree, NULL, "Roles");
	gtk_tree_list_row_set_expanded (roles, TRUE);
	g_autoptr (GtkTreeListRow) r = wait_row (tree, roles, "uifix_role");
	ox_object_browser_select (ox_window_get_browser (win), r);
	g_assert_true (g_action_group_get_action_enabled (actions, "rename"));
	g_assert_true (g_action_group_get_action_enabled (actions, "drop"));
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.rename", NULL));
	wait_until (message_dialog_shown, NULL, "the role's rename dialog");
	dialog = find_message_dialog (NULL, NULL);
	gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "uifix_renamed");
	adw_message_dialog_response (dialog, "rename");
	gtk_window_destroy (GTK_WINDOW (dialog));
	g_autoptr (GtkTreeListRow) r2 = wait_row (tree, roles, "uifix_renamed");
	ox_object_browser_select (ox_window_get_browser (win), r2);
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.drop", NULL));
	wait_until (message_dialog_shown, NULL, "the role's drop dialog");
	dialog = find_message_dialog (NULL, NULL);
	g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, "DROP ROLE uifix_renamed;");
	adw_message_dialog_response (dialog, "drop");
	gtk_window_destroy (GTK_WINDOW (dialog));
	FindData rgone = { tree, roles, "uifix_renamed", FALSE };
	wait_until (row_gone, &rgone, "the dropped role gone from the browser");
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- 5. the history of every connection --------------------------------------------------- */

static guint
n_rows (GtkListBox *list)
{
	guint n = 0;
	for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (list)); c; c = gtk_widget_get_next_sibling (c))
		n += GTK_IS_LIST_BOX_ROW (c);
	return n;
}

static void
test_history_all_connections (void)
{
	OxHistoryEntry h = { 0, "/elsewhere/db", "SELECT 'uifix from elsewhere'", g_get_real_time (), 1000, 1, NULL };
	g_assert_true (ox_settings_store_add_history (store, &h, NULL));
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_get_current_page (win);
	set_text (page, "SELECT 'uifix from here';", NULL);
	run (page, "editor.run-statement");

	ox_window_show_history (win, "uifix from");
	GtkListBox *list = ox_window_get_history_list (win);
	g_assert_cmpuint (n_rows (list), ==, 1);  /* this database's only */
	GtkWidget *pop = gtk_widget_get_ancestor (GTK_WIDGET (list), GTK_TYPE_POPOVER);
	GtkWidget *label = find_label (pop, "All connections", NULL);
	g_assert_nonnull (label);
	GtkWidget *all = gtk_widget_get_ancestor (label, GTK_TYPE_CHECK_BUTTON);
	g_assert_nonnull (all);
	check_label (all, "Search the history of all connections");
	gtk_widget_activate (all);  /* as a click or Space does */
	g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (all)));
	g_assert_cmpuint (n_rows (list), ==, 2);
	LabelData ld = { GTK_WIDGET (list), "SELECT 'uifix from elsewhere'", NULL };
	g_assert_true (label_shown (&ld));
	/* each row says where it ran */
	gboolean where = FALSE;
	for (GtkWidget *r = gtk_widget_get_first_child (GTK_WIDGET (list)); r; r = gtk_widget_get_next_sibling (r)) {
		GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (r));
		GtkWidget *meta = gtk_widget_get_last_child (box);
		where |= g_str_has_suffix (gtk_label_get_text (GTK_LABEL (meta)), "/elsewhere/db");
	}
	g_assert_true (where);
	screenshot (win, "uifix-history");
	gtk_widget_activate (all);
	g_assert_cmpuint (n_rows (list), ==, 1);
	gtk_window_destroy (GTK_WINDOW (win));
}

int
main (int argc, char **argv)
{
	ui_test_init (&argc, &argv);
	/* a real application, so windows get the help overlay and "win.show-help-overlay";
	 * without an id (so not on the session bus: only g_application_run
	 * unregisters), the resources found by their path instead */
	app = GTK_APPLICATION (ox_application_new (ox_cli_demo_sql));
	g_application_set_application_id (G_APPLICATION (app), NULL);
	g_application_set_resource_base_path (G_APPLICATION (app), "/org/oxibase/Workstation");
	g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
	g_autoptr (GError) error = NULL;
	g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
	g_assert_no_error (error);
	g_application_hold (G_APPLICATION (app));

	g_test_add_func ("/ui/uifix/primary-menu", test_primary_menu);
	g_test_add_func ("/ui/uifix/shortcuts-listed", test_shortcuts_listed);
	g_test_add_func ("/ui/uifix/routine-tab-restored", test_routine_tab_restored);
	g_test_add_func ("/ui/uifix/debugger-tabs", test_debugger_tabs);
	g_test_add_func ("/ui/uifix/rename-column", test_rename_column);
	g_test_add_func ("/ui/uifix/history-all-connections", test_history_all_connections);
	int rc = g_test_run ();

	g_application_release (G_APPLICATION (app));
	g_signal_emit_by_name (app, "shutdown");  /* closes the application's settings store */
	/* app is not finalized: a GtkApplication registered without
	 * g_application_run () warns then (it cannot unregister from D-Bus) */
	ui_test_finish ();
	return rc;
}

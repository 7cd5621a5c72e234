/*
 * test-editor.c — editing objects in the workstation (Xvfb under meson
 * test): completion proposals (columns after "alias." of the statement's
 * FROM, a schema's tables and routines, routines with their signatures)
 * and the completion popup; Lua highlighting inside LANGUAGE lua bodies;
 * the routine editor (open a demo function's definition, edit, Save runs
 * CREATE OR REPLACE, a compile error is underlined on its line); the
 * browser's context actions (Drop and Rename show and run their DDL and
 * the browser follows, Open Definition of a table runs back into an equal
 * table, New Function saves a new routine, Copy Name); the Roles node.
 *
 * Every test opens the same demo database (the program's own temporary
 * XDG home), so a test leaves behind only objects no later test minds.
 */
#include "ui-test-util.h"
#include "ox-data-editor.h"
#include "ox-completion.h"
#include "ox-object-actions.h"
#include "ox-routine-editor.h"
#include "ox-result-row.h"

#include <gtksourceview/gtksource.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------------------ */

typedef struct {
	OxCompletion *completion;
	const char   *text;
	const char   *want;  /* a proposal's name */
} ProposeWait;

static gboolean
has_item (GListModel *model, const char *name, const char **detail)
{
	for (guint i = 0; i < g_list_model_get_n_items (model); i++) {
		g_autoptr (OxCompletionItem) item = g_list_model_get_item (model, i);
		if (!strcmp (ox_completion_item_get_name (item), name)) {
			if (detail)
				*detail = ox_completion_item_get_detail (item);
			return TRUE;
		}
	}
	return FALSE;
}

static GListModel *
propose (OxCompletion *c, const char *text)
{
	/* the cursor is at the '|' */
	const char *bar = strchr (text, '|');
	g_assert_nonnull (bar);
	g_autofree char *head = g_strndup (text, bar - text);
	g_autofree char *t = g_strconcat (head, bar + 1, NULL);
	return ox_completion_propose (c, t, bar - text);
}

static gboolean
proposes (gpointer data)
{
	ProposeWait *w = data;
	g_autoptr (GListModel) m = propose (w->completion, w->text);
	return has_item (m, w->want, NULL);
}

/* Run one statement in page and return the first cell of its result. */
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

typedef struct {
	OxWindow   *win;
	const char *title;
} TabWait;

static gboolean
tab_titled (gpointer data)
{
	TabWait *w = data;
	OxEditorPage *page = ox_window_get_current_page (w->win);
	if (!page)
		return FALSE;
	GtkWidget *view = gtk_widget_get_ancestor (GTK_WIDGET (page), ADW_TYPE_TAB_VIEW);
	AdwTabPage *tp = adw_tab_view_get_page (ADW_TAB_VIEW (view), GTK_WIDGET (page));
	return g_str_has_prefix (adw_tab_page_get_title (tp), w->title);
}

static OxEditorPage *
wait_tab (OxWindow *win, const char *title)
{
	TabWait w = { win, title };
	wait_until (tab_titled, &w, title);
	return ox_window_get_current_page (win);
}

static char *
buffer_text (OxEditorPage *page)
{
	GtkTextBuffer *buf = ox_editor_page_get_buffer (page);
	GtkTextIter s, e;
	gtk_text_buffer_get_bounds (buf, &s, &e);
	return gtk_text_buffer_get_text (buf, &s, &e, TRUE);
}

static void
replace_in_buffer (OxEditorPage *page, const char *from, const char *to)
{
	g_autofree char *text = buffer_text (page);
	const char *at = strstr (text, from);
	g_assert_nonnull (at);
	GtkTextBuffer *buf = ox_editor_page_get_buffer (page);
	GtkTextIter s, e;
	gtk_text_buffer_get_iter_at_offset (buf, &s, g_utf8_strlen (text, at - text));
	gtk_text_buffer_get_iter_at_offset (buf, &e, g_utf8_strlen (text, at - text) + g_utf8_strlen (from, -1));
	gtk_text_buffer_delete (buf, &s, &e);
	gtk_text_buffer_insert (buf, &s, to, -1);
}

static gboolean
not_saving (gpointer data)
{
	return !ox_routine_editor_is_saving (data);
}

/* Let the window draw a few frames (a screenshot needs one drawn). */
static gboolean
count_frame_cb (GtkWidget *w, GdkFrameClock *clock, gpointer data)
{
	(void) w;
	(void) clock;
	return ++*(int *) data < 3 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
frames_drawn (gpointer data)
{
	return *(int *) data >= 3;
}

static void
settle (OxWindow *win)
{
	int frames = 0;
	gtk_widget_queue_draw (GTK_WIDGET (win));
	gtk_widget_add_tick_callback (GTK_WIDGET (win), count_frame_cb, &frames, NULL);
	wait_until (frames_drawn, &frames, "the window drawn");
}

static gboolean
no_dialog (gpointer data)
{
	(void) data;
	return find_message_dialog (NULL, NULL) == NULL;
}

/* ---- completion ------------------------------------------------------------------------- */

static GtkWidget *
find_visible_popover (GtkWidget *root)
{
	if (GTK_IS_POPOVER (root) && gtk_widget_get_mapped (root))
		return root;
	for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c)) {
		GtkWidget *hit = find_visible_popover (c);
		if (hit)
			return hit;
	}
	return NULL;
}

static gboolean
popup_shown (gpointer data)
{
	return find_visible_popover (data) != NULL;
}

static gboolean
no_popup (gpointer data)
{
	return find_visible_popover (data) == NULL;
}

static void
test_completion (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_get_current_page (win);
	GtkSourceView *view = GTK_SOURCE_VIEW (ox_editor_page_get_source_view (page));
	OxCompletion *c = ox_completion_get_for_view (view);
	g_assert_nonnull (c);

	/* a routine of our own, to see its signature */
	set_text (page, "CREATE FUNCTION line_total(qty integer, price numeric) RETURNS numeric "
	                "LANGUAGE sql IMMUTABLE AS $$ SELECT qty * price $$;", NULL);
	run (page, "editor.run-script");
	ProposeWait w = { c, "SELECT line|", "line_total" };
	wait_until (proposes, &w, "line_total among the proposals");

	/* functions show their signature and insert parentheses */
	g_autoptr (GListModel) m = propose (c, "SELECT line|");
	const char *detail = NULL;
	g_assert_true (has_item (m, "line_total", &detail));
	g_assert_cmpstr (detail, ==, "(qty integer, price numeric) → numeric");
	for (guint i = 0; i < g_list_model_get_n_items (m); i++) {
		g_autoptr (OxCompletionItem) item = g_list_model_get_item (m, i);
		if (!strcmp (ox_completion_item_get_name (item), "line_total")) {
			g_autofree char *ins = ox_completion_item_get_insert_text (item);
			g_assert_cmpstr (ins, ==, "line_total()");
		}
	}

	/* after "c." with FROM customers c: the columns of customers, not others' */
	g_autoptr (GListModel) cols = propose (c, "SELECT c.| FROM customers c WHERE c.id = 1;");
	g_assert_true (has_item (cols, "id", NULL));
	g_assert_true (has_item (cols, "name", NULL));
	g_assert_true (has_item (cols, "email", NULL));
	g_assert_false (has_item (cols, "sku", NULL));
	g_assert_false (has_item (cols, "SELECT", NULL));
	/* a prefix narrows them */
	g_autoptr (GListModel) em = propose (c, "SELECT c.em| FROM customers c;");
	g_assert_true (has_item (em, "email", NULL));
	g_assert_false (has_item (em, "id", NULL));
	/* an alias of a JOIN, and a table's own name */
	g_autoptr (GListModel) joined = propose (c, "SELECT * FROM orders o JOIN customers AS cu ON cu.id = o.|");
	g_assert_true (has_item (joined, "customer_id", NULL));
	g_assert_false (has_item (joined, "email", NULL));
	g_autoptr (GListModel) named = propose (c, "SELECT products.| FROM products;");
	g_assert_true (has_item (named, "sku", NULL));
	/* unqualified: the FROM table's columns, tables, keywords */
	g_autoptr (GListModel) plain = propose (c, "SELECT na| FROM customers;");
	g_assert_true (has_item (plain, "name", NULL));
	g_autoptr (GListModel) kw = propose (c, "sel|");
	g_assert_true (has_item (kw, "SELECT", NULL));
	/* after "schema.": its tables, views and routines */
	g_autoptr (GListModel) schema = propose (c, "SELECT * FROM public.|");
	g_assert_true (has_item (schema, "customers", NULL));
	g_assert_true (has_item (schema, "order_totals", NULL));
	g_assert_true (has_item (schema, "order_total", NULL));
	g_assert_false (has_item (schema, "id", NULL));

	/* the popup opens (Ctrl+Space's signal) with the proposals */
	set_text (page, "SELECT c. FROM customers c;", " FROM");
	gtk_widget_grab_focus (GTK_WIDGET (view));
	g_signal_emit_by_name (view, "show-completion");
	wait_until (popup_shown, view, "the completion popup");
	settle (win);
	screenshot (win, "workstation-completion");
	gtk_source_completion_hide (gtk_source_view_get_completion (view));
	/* typing a '.' opens it by itself (interactive completion) */
	wait_until (no_popup, view, "the completion popup closed");
	set_text (page, "SELECT  FROM customers c;", " FROM");
	gtk_widget_grab_focus (GTK_WIDGET (view));
	GtkTextBuffer *buf = ox_editor_page_get_buffer (page);
	gtk_text_buffer_insert_interactive_at_cursor (buf, "c", -1, TRUE);
	gtk_text_buffer_insert_interactive_at_cursor (buf, ".", -1, TRUE);
	wait_until (popup_shown, view, "the completion popup after typing c.");
	gtk_source_completion_hide (gtk_source_view_get_completion (view));
	/* the shortcuts window lists completion and the object menu */
	g_autoptr (GBytes) ui = g_resources_lookup_data ("/org/oxibase/Workstation/gtk/help-overlay.ui", 0, NULL);
	g_assert_nonnull (g_strstr_len (g_bytes_get_data (ui, NULL), g_bytes_get_size (ui), "&lt;Control&gt;space"));
	g_assert_nonnull (g_strstr_len (g_bytes_get_data (ui, NULL), g_bytes_get_size (ui), "Menu &lt;Shift&gt;F10"));
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- Lua highlighting ------------------------------------------------------------------ */

static gboolean
class_at (GtkSourceBuffer *buf, const char *text, const char *needle, const char *klass)
{
	const char *at = strstr (text, needle);
	g_assert_nonnull (at);
	GtkTextIter it;
	gtk_text_buffer_get_iter_at_offset (GTK_TEXT_BUFFER (buf), &it, g_utf8_strlen (text, at - text) + 1);
	return gtk_source_buffer_iter_has_context_class (buf, &it, klass);
}

static void
test_lua_highlight (void)
{
	OxWindow *win = open_demo_window ();
	static const char text[] =
		"CREATE FUNCTION lua_f(n integer) RETURNS text LANGUAGE lua AS $$\n"
		"local s = [[long text]]\n"
		"return s -- a Lua comment\n"
		"$$;\n"
		"CREATE FUNCTION pl_f() RETURNS text LANGUAGE plpgsql AS $$\n"
		"BEGIN\n"
		"  RETURN [[not lua]];\n"
		"END\n"
		"$$;\n"
		"CREATE OR REPLACE FUNCTION public.lua_g()\n"
		" RETURNS text\n"
		" LANGUAGE lua\n"
		"AS $function$\n"
		"return [[from functiondef]]\n"
		"$function$\n;\n"
		"CREATE FUNCTION lua_h() RETURNS text AS $lua$ return [[tagged]] $lua$ LANGUAGE lua;\n"
		"SELECT '[[after]]';\n";
	OxEditorPage *page = ox_window_new_tab (win, "lua", text);
	GtkSourceBuffer *buf = GTK_SOURCE_BUFFER (ox_editor_page_get_buffer (page));
	GtkTextIter s, e;
	gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (buf), &s, &e);
	gtk_source_buffer_ensure_highlight (buf, &s, &e);

	/* Lua's long string is a string only where Lua highlights */
	g_assert_true (class_at (buf, text, "long text", "string"));
	g_assert_true (class_at (buf, text, "long text", "lua-body"));
	g_assert_true (class_at (buf, text, "a Lua comment", "comment"));
	g_assert_false (class_at (buf, text, "not lua", "string"));
	g_assert_false (class_at (buf, text, "not lua", "lua-body"));
	/* pg_get_functiondef's layout (LANGUAGE on its own line before AS) */
	g_assert_true (class_at (buf, text, "from functiondef", "string"));
	/* a $lua$ body whose LANGUAGE comes after it */
	g_assert_true (class_at (buf, text, "tagged", "string"));
	/* the clause ends with its body: the next statement is SQL again */
	g_assert_false (class_at (buf, text, "SELECT", "lua-body"));
	g_assert_true (class_at (buf, text, "[[after]]", "string"));
	g_assert_false (class_at (buf, text, "[[after]]", "lua-body"));
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- the routine editor ----------------------------------------------------------------------- */

static void
test_routine_editor (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *query = ox_window_get_current_page (win);
	g_autofree char *before = scalar (query, "SELECT order_total(1);");
	g_assert_nonnull (before);

	/* the browser's Open Definition on public → Functions → order_total */
	g_autoptr (GtkTreeListRow) fn = object_row (win, "Functions", "order_total");
	ox_object_browser_select (ox_window_get_browser (win), fn);
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.open-definition", NULL));
	OxEditorPage *page = wait_tab (win, "order_total");
	g_assert_true (ox_routine_editor_is_routine (page));
	g_autofree char *def = buffer_text (page);
	g_assert_true (g_str_has_prefix (def, "CREATE OR REPLACE FUNCTION public.order_total(p_order integer)\n"
	                                      " RETURNS numeric\n LANGUAGE plpgsql\n STABLE\nAS $function$\n"));
	g_assert_true (g_str_has_suffix (def, "END\n$function$\n"));
	g_assert_false (ox_routine_editor_is_modified (page));

	/* edit and Save (Ctrl+S): the function returns something else */
	replace_in_buffer (page, "RETURN total;", "RETURN total + 1000;");
	g_assert_true (ox_routine_editor_is_modified (page));
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "workstation.save", NULL));
	wait_until (not_saving, page, "the routine saved");
	g_assert_false (ox_routine_editor_is_modified (page));
	g_autofree char *msgs = ox_editor_page_get_messages_text (page);
	g_assert_nonnull (strstr (msgs, "CREATE FUNCTION"));
	g_autofree char *after = scalar (query, "SELECT order_total(1) - 1000;");
	g_assert_cmpstr (after, ==, before);

	/* a compile error is underlined on its line of the body, explained in Messages */
	adw_tab_view_set_selected_page (ADW_TAB_VIEW (gtk_widget_get_ancestor (GTK_WIDGET (page), ADW_TYPE_TAB_VIEW)),
	                                adw_tab_view_get_page (ADW_TAB_VIEW (gtk_widget_get_ancestor (GTK_WIDGET (page),
	                                                       ADW_TYPE_TAB_VIEW)), GTK_WIDGET (page)));
	replace_in_buffer (page, "RETURN total + 1000;", "no_such_variable := 1;");
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "workstation.save", NULL));
	wait_until (not_saving, page, "the failed save");
	g_assert_true (ox_routine_editor_is_modified (page));
	g_autofree char *text = buffer_text (page);
	int want_line = 0;
	for (const char *p = text; p < strstr (text, "no_such_variable"); p++)
		want_line += *p == '\n';
	GtkTextBuffer *buf = ox_editor_page_get_buffer (page);
	GtkTextIter it;
	gtk_text_buffer_get_start_iter (buf, &it);
	g_assert_true (gtk_text_iter_forward_to_tag_toggle (&it, ox_editor_page_get_error_tag (page)));
	g_assert_cmpint (gtk_text_iter_get_line (&it), ==, want_line);
	g_autofree char *errs = ox_editor_page_get_messages_text (page);
	g_assert_nonnull (strstr (errs, "no_such_variable"));
	settle (win);
	screenshot (win, "workstation-routine-editor");
	/* the function was left as it was */
	g_autofree char *still = scalar (query, "SELECT order_total(1) - 1000;");
	g_assert_cmpstr (still, ==, before);

	/* closing the tab with changes not in the database asks first: Save
	 * that fails to compile keeps the tab open, Discard closes it */
	AdwTabView *tabs = ADW_TAB_VIEW (gtk_widget_get_ancestor (GTK_WIDGET (page), ADW_TYPE_TAB_VIEW));
	AdwTabPage *tp = adw_tab_view_get_page (tabs, GTK_WIDGET (page));
	adw_tab_view_close_page (tabs, tp);
	wait_until (message_dialog_shown, NULL, "the close prompt");
	AdwMessageDialog *ask = find_message_dialog (NULL, NULL);
	g_assert_nonnull (strstr (adw_message_dialog_get_body (ask), "not saved to the database"));
	adw_message_dialog_response (ask, "save");
	gtk_window_destroy (GTK_WINDOW (ask));
	wait_until (not_saving, page, "the save asked for by the close prompt");
	g_assert_true (adw_tab_view_get_page (tabs, GTK_WIDGET (page)) == tp);  /* still open */
	guint n_before = adw_tab_view_get_n_pages (tabs);
	adw_tab_view_close_page (tabs, tp);
	wait_until (message_dialog_shown, NULL, "the close prompt again");
	ask = find_message_dialog (NULL, NULL);
	adw_message_dialog_response (ask, "discard");
	gtk_window_destroy (GTK_WINDOW (ask));
	g_assert_cmpuint (adw_tab_view_get_n_pages (tabs), ==, n_before - 1);
	gtk_window_destroy (GTK_WINDOW (win));
}

/* ---- context actions ------------------------------------------------------------------------ */

static void
test_drop_and_rename (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_get_current_page (win);
	set_text (page, "CREATE TABLE scratch_t (id integer PRIMARY KEY);", NULL);
	run (page, "editor.run-script");
	GtkTreeListModel *tree = ox_object_browser_get_tree (ox_window_get_browser (win));
	g_autoptr (GtkTreeListRow) row = object_row (win, "Tables", "scratch_t");
	g_autoptr (GtkTreeListRow) tables = gtk_tree_list_row_get_parent (row);
	ox_object_browser_select (ox_window_get_browser (win), row);

	/* Rename shows the statement it will run */
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.rename", NULL));
	wait_until (message_dialog_shown, NULL, "the rename dialog");
	AdwMessageDialog *dialog = find_message_dialog (NULL, NULL);
	GtkWidget *entry = adw_message_dialog_get_extra_child (dialog);
	gtk_editable_set_text (GTK_EDITABLE (entry), "renamed_t");
	g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, "ALTER TABLE public.scratch_t RENAME TO renamed_t;");
	/* (a button closes the dialog after its response; here the test does) */
	adw_message_dialog_response (dialog, "cancel");
	gtk_window_destroy (GTK_WINDOW (dialog));
	wait_until (no_dialog, NULL, "the rename dialog closed");

	/* the context menu's actions follow the selected row */
	GActionGroup *actions = g_object_get_data (G_OBJECT (win), "ox-object-actions");
	g_assert_nonnull (actions);
	g_assert_nonnull (ox_object_browser_get_menu (ox_window_get_browser (win)));
	g_assert_true (g_action_group_get_action_enabled (actions, "open-data"));
	g_assert_true (g_action_group_get_action_enabled (actions, "drop"));

	/* a rename the engine has: the demo's schedule, and the browser follows */
	g_autoptr (GtkTreeListRow) sch = object_row (win, "Schedules", "nightly_restock");
	g_autoptr (GtkTreeListRow) schedules = gtk_tree_list_row_get_parent (sch);
	ox_object_browser_select (ox_window_get_browser (win), sch);
	g_assert_false (g_action_group_get_action_enabled (actions, "open-data"));
	g_assert_true (g_action_group_get_action_enabled (actions, "open-definition"));
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.rename", NULL));
	wait_until (message_dialog_shown, NULL, "the rename dialog");
	dialog = find_message_dialog (NULL, NULL);
	gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "nightly_renamed");
	g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==,
	                 "ALTER SCHEDULE public.nightly_restock RENAME TO nightly_renamed;");
	adw_message_dialog_response (dialog, "rename");
	gtk_window_destroy (GTK_WINDOW (dialog));
	g_object_unref (wait_row (tree, schedules, "nightly_renamed"));
	FindData old_gone = { tree, schedules, "nightly_restock", FALSE };
	wait_until (row_gone, &old_gone, "nightly_restock renamed in the browser");
	ox_object_browser_select (ox_window_get_browser (win), row);

	/* Edit Data opens the table's data editor on it */
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.edit-data", NULL));
	OxDataEditor *editor = NULL;
	GListModel *tops = gtk_window_get_toplevels ();  /* (transfer none) */
	for (guint i = 0; !editor && i < g_list_model_get_n_items (tops); i++) {
		g_autoptr (GObject) w = g_list_model_get_item (tops, i);
		if (OX_IS_DATA_EDITOR (w))
			editor = OX_DATA_EDITOR (w);
	}
	g_assert_nonnull (editor);
	g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (editor)), "scratch_t"));
	gtk_window_destroy (GTK_WINDOW (editor));

	/* Copy Name puts the name on the clipboard */
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.copy-name", NULL));
	GdkContentProvider *content = gdk_clipboard_get_content (gtk_widget_get_clipboard (GTK_WIDGET (win)));
	g_assert_nonnull (content);
	GValue v = G_VALUE_INIT;
	g_value_init (&v, G_TYPE_STRING);
	g_assert_true (gdk_content_provider_get_value (content, &v, NULL));
	g_assert_cmpstr (g_value_get_string (&v), ==, "scratch_t");
	g_value_unset (&v);

	/* Drop shows the exact DDL, CASCADE changes it, and it runs */
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.drop", NULL));
	wait_until (message_dialog_shown, NULL, "the drop dialog");
	dialog = find_message_dialog (NULL, NULL);
	g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, "DROP TABLE public.scratch_t;");
	GtkWidget *cascade = adw_message_dialog_get_extra_child (dialog);
	gtk_check_button_set_active (GTK_CHECK_BUTTON (cascade), TRUE);
	g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, "DROP TABLE public.scratch_t CASCADE;");
	gtk_check_button_set_active (GTK_CHECK_BUTTON (cascade), FALSE);
	adw_message_dialog_response (dialog, "drop");
	gtk_window_destroy (GTK_WINDOW (dialog));
	FindData gone = { tree, tables, "scratch_t", FALSE };
	wait_until (row_gone, &gone, "scratch_t gone from the browser");

	/* routines are named with their arguments (overloads), without defaults */
	g_autoptr (GtkTreeListRow) proc = object_row (win, "Procedures", "restock");
	g_autoptr (OxBrowserNode) node = gtk_tree_list_row_get_item (proc);
	g_autofree char *drop = ox_object_drop_sql (ox_browser_node_get_object (node), FALSE);
	g_assert_cmpstr (drop, ==, "DROP PROCEDURE public.restock(p_minimum integer);");
	/* a trigger from the schema's list is named with its table */
	g_autoptr (GtkTreeListRow) trg = object_row (win, "Triggers", "order_lines_take_stock");
	g_autoptr (OxBrowserNode) tnode = gtk_tree_list_row_get_item (trg);
	g_autofree char *trename = ox_object_rename_sql (ox_browser_node_get_object (tnode), "Take Stock");
	g_assert_cmpstr (trename, ==, "ALTER TRIGGER order_lines_take_stock ON public.order_lines RENAME TO \"Take Stock\";");
	g_autofree char *tdrop = ox_object_drop_sql (ox_browser_node_get_object (tnode), TRUE);
	g_assert_cmpstr (tdrop, ==, "DROP TRIGGER order_lines_take_stock ON public.order_lines CASCADE;");
	gtk_window_destroy (GTK_WINDOW (win));
}

typedef struct {
	OxConnection *conn;
	const char   *sql;
	GPtrArray    *rows;
	gboolean      done;
} QueryWait;

static void
query_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	QueryWait *q = data;
	g_autoptr (GError) error = NULL;
	q->rows = ox_connection_query_finish (OX_CONNECTION (source), result, &error);
	g_assert_no_error (error);
	q->done = TRUE;
}

static gboolean
query_done (gpointer data)
{
	return ((QueryWait *) data)->done;
}

/* The rows of sql, one string a row (cells joined by |). */
static char *
query_text (OxConnection *conn, const char *sql)
{
	QueryWait q = { conn, sql, NULL, FALSE };
	ox_connection_query_async (conn, sql, NULL, query_cb, &q);
	wait_until (query_done, &q, sql);
	GString *g = g_string_new (NULL);
	for (guint i = 0; i < q.rows->len; i++) {
		GPtrArray *row = q.rows->pdata[i];
		for (guint j = 0; j < row->len; j++)
			g_string_append_printf (g, "%s%s", j ? "|" : "", row->pdata[j] ? (char *) row->pdata[j] : "NULL");
		g_string_append_c (g, '\n');
	}
	g_ptr_array_unref (q.rows);
	return g_string_free (g, FALSE);
}

static char *
table_shape (OxConnection *conn, const char *table)
{
	g_autofree char *cols = g_strdup_printf (
		"SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid) "
		"FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid "
		"AND d.adnum = a.attnum WHERE a.attrelid = 'public.%s'::regclass AND a.attnum > 0 ORDER BY a.attnum", table);
	g_autofree char *cons = g_strdup_printf (
		"SELECT contype, pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint "
		"WHERE conrelid = 'public.%s'::regclass ORDER BY 1, 2", table);
	g_autofree char *idx = g_strdup_printf (
		"SELECT replace(indexdef, '%s', 'T') FROM pg_catalog.pg_indexes WHERE tablename = '%s' ORDER BY 1",
		table, table);
	g_autofree char *a = query_text (conn, cols);
	g_autofree char *b = query_text (conn, cons);
	g_autofree char *c = query_text (conn, idx);
	return g_strconcat (a, "--\n", b, "--\n", c, NULL);
}

static GtkWidget *
find_list_view (GtkWidget *root)
{
	if (GTK_IS_LIST_VIEW (root))
		return root;
	for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c)) {
		GtkWidget *hit = find_list_view (c);
		if (hit)
			return hit;
	}
	return NULL;
}

static void
test_definition_round_trip (void)
{
	OxWindow *win = open_demo_window ();
	g_autoptr (GtkTreeListRow) row = object_row (win, "Tables", "orders");
	ox_object_browser_select (ox_window_get_browser (win), row);
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.open-definition", NULL));
	OxEditorPage *page = wait_tab (win, "orders");
	g_autofree char *def = buffer_text (page);
	g_assert_true (g_str_has_prefix (def, "CREATE TABLE public.orders (\n    id integer NOT NULL,\n"));
	g_assert_nonnull (strstr (def, "CONSTRAINT orders_pkey PRIMARY KEY (id)"));
	g_assert_nonnull (strstr (def, "CREATE INDEX orders_customer_idx ON public.orders USING btree (customer_id);"));

	/* the same text under another name makes an equal table */
	g_auto (GStrv) parts = g_strsplit (def, "orders", -1);
	g_autofree char *copy = g_strjoinv ("orders_copy", parts);
	set_text (page, copy, NULL);
	run (page, "editor.run-script");
	g_autofree char *msgs = ox_editor_page_get_messages_text (page);
	g_assert_null (strstr (msgs, "ERROR"));
	OxConnection *conn = ox_window_get_connection (win);
	g_autofree char *orig = table_shape (conn, "orders");
	g_autofree char *dup = table_shape (conn, "orders_copy");
	g_auto (GStrv) orig_parts = g_strsplit (orig, "orders", -1);
	g_auto (GStrv) dup_parts = g_strsplit (dup, "orders_copy", -1);
	g_autofree char *orig_n = g_strjoinv ("X", orig_parts);
	g_autofree char *dup_n = g_strjoinv ("X", dup_parts);
	g_assert_cmpstr (dup_n, ==, orig_n);

	/* a trigger's: its function, then CREATE OR REPLACE TRIGGER; it saves back */
	g_autoptr (GtkTreeListRow) trg = object_row (win, "Triggers", "order_lines_take_stock");
	ox_object_browser_select (ox_window_get_browser (win), trg);
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.open-definition", NULL));
	OxEditorPage *tp = wait_tab (win, "order_lines_take_stock");
	g_assert_true (ox_routine_editor_is_routine (tp));
	g_autofree char *tdef = buffer_text (tp);
	g_assert_true (g_str_has_prefix (tdef, "CREATE OR REPLACE FUNCTION public.take_stock()\n RETURNS trigger\n"));
	g_assert_nonnull (strstr (tdef, "$function$;\n\nCREATE OR REPLACE TRIGGER order_lines_take_stock AFTER INSERT "
	                                "ON public.order_lines FOR EACH ROW EXECUTE FUNCTION take_stock();\n"));
	replace_in_buffer (tp, "RETURN NEW;", "RETURN NEW; -- saved again");
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "workstation.save", NULL));
	wait_until (not_saving, tp, "the trigger saved");
	g_assert_false (ox_routine_editor_is_modified (tp));

	/* double-click / Enter on a procedure (the list view's activation) opens it too */
	g_autoptr (GtkTreeListRow) pr = object_row (win, "Procedures", "place_order");
	GtkWidget *list = find_list_view (GTK_WIDGET (ox_window_get_browser (win)));
	g_assert_nonnull (list);
	g_signal_emit_by_name (list, "activate", gtk_tree_list_row_get_position (pr));
	OxEditorPage *pp = wait_tab (win, "place_order");
	g_assert_true (ox_routine_editor_is_routine (pp));
	g_autofree char *pdef = buffer_text (pp);
	g_assert_true (g_str_has_prefix (pdef, "CREATE OR REPLACE PROCEDURE public.place_order("));

	/* a view's definition is CREATE OR REPLACE VIEW with its query */
	g_autoptr (GtkTreeListRow) v = object_row (win, "Views", "order_totals");
	ox_object_browser_select (ox_window_get_browser (win), v);
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.open-definition", NULL));
	OxEditorPage *vp = wait_tab (win, "order_totals");
	g_autofree char *vdef = buffer_text (vp);
	g_assert_true (g_str_has_prefix (vdef, "CREATE OR REPLACE VIEW public.order_totals AS\n"));
	gtk_window_destroy (GTK_WINDOW (win));
}

static void
test_new_function_and_roles (void)
{
	OxWindow *win = open_demo_window ();
	GtkTreeListModel *tree = ox_object_browser_get_tree (ox_window_get_browser (win));
	g_autoptr (GtkTreeListRow) pub = wait_row (tree, NULL, "public");
	gtk_tree_list_row_set_expanded (pub, TRUE);
	g_autoptr (GtkTreeListRow) funcs = wait_row (tree, pub, "Functions");
	ox_object_browser_select (ox_window_get_browser (win), funcs);
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.new-function", NULL));
	OxEditorPage *page = wait_tab (win, "New function");
	g_assert_true (ox_routine_editor_is_routine (page));
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "workstation.save", NULL));
	wait_until (not_saving, page, "the new function saved");
	gtk_tree_list_row_set_expanded (funcs, TRUE);
	g_object_unref (wait_row (tree, funcs, "new_function"));

	/* Roles: the database's roles, with login and superuser shown */
	g_autoptr (GtkTreeListRow) roles = wait_row (tree, NULL, "Roles");
	gtk_tree_list_row_set_expanded (roles, TRUE);
	g_autoptr (GtkTreeListRow) me = wait_row (tree, roles, "oxibase");
	g_autoptr (OxBrowserNode) node = gtk_tree_list_row_get_item (me);
	g_assert_cmpstr (ox_catalog_object_get_detail (ox_browser_node_get_object (node)), ==, "login, superuser");
	gtk_window_destroy (GTK_WINDOW (win));
}

int
main (int argc, char **argv)
{
	ui_test_init (&argc, &argv);
	g_test_add_func ("/ui/editor/completion", test_completion);
	g_test_add_func ("/ui/editor/lua-highlight", test_lua_highlight);
	g_test_add_func ("/ui/editor/routine-editor", test_routine_editor);
	g_test_add_func ("/ui/editor/drop-rename", test_drop_and_rename);
	g_test_add_func ("/ui/editor/definition-round-trip", test_definition_round_trip);
	g_test_add_func ("/ui/editor/new-function-roles", test_new_function_and_roles);
	int rc = g_test_run ();
	ui_test_finish ();
	return rc;
}

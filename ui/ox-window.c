/*
 * ox-window.c — the main window (see the header).
 *
 * Opening a database happens on a worker thread (recovery can replay a
 * long log); the start page stays responsive and says what is going on.
 * The window remembers, per connection, its editor tabs (restored when the
 * same database is opened again) and its geometry, in the settings store.
 *
 * NOTE: the window's actions are "workstation.*" and forward to the
 * selected editor tab's "editor.*" actions: header bar buttons are not
 * inside the tab, so they cannot reach its actions directly.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-window.h"
#include "ox-file-io.h"  /* files */
#include "ox-embedded-connection.h"
#include "ox-debug-area.h"
#include "ox-data-editor.h"  /* data */
#include "ox-preferences.h"  /* data: preferences */
#include "ox-bench.h"        /* data: benchmarks */
#include "ox-admin-window.h"  /* administration */
#include "ox-connect-dialog.h"  /* remote */
#include "ox-object-actions.h"   /* object actions */
#include "ox-routine-editor.h"   /* object actions: routine tabs save to the database */
#include "ox-window-menu.h"      /* uifix: the primary menu's About */

#include <errno.h>
#include <string.h>

struct _OxWindow {
	AdwApplicationWindow parent_instance;

	/* template children */
	AdwToastOverlay *toast_overlay;
	AdwWindowTitle  *window_title;
	GtkStack        *stack;
	AdwStatusPage   *start_page;
	GtkListBox      *recent_list;
	GtkWidget       *recent_label;
	GtkPaned        *main_paned;
	OxObjectBrowser *browser;
	AdwTabView      *tab_view;
	GtkMenuButton   *history_button;
	GtkPopover      *history_popover;
	GtkSearchEntry  *history_search;
	GtkListBox      *history_list;
	GtkCheckButton  *history_all;   /* uifix: every connection's history */
	GtkPaned        *debug_paned;   /* uifix: its end child's height is saved */
	int              debug_height;  /* uifix: restored debugger pane height, 0: default */
	OxDebugArea      *debugger;     /* debugger: below the tabs, shown on first Debug */

	OxSettingsStore *store;        /* unowned, may be NULL */
	char            *demo_sql;
	OxConnection    *connection;   /* owned, NULL on the start page */
	char            *location;     /* the connection's path, key of its saved tabs */
	GCancellable    *cancellable;  /* for the open under way; cancelled at dispose */
	gboolean         opening;
	guint            next_query;   /* number of the next "Query N" tab */
	int              results_height; /* data: restored results pane height for new tabs, 0: default */
	OxAdminWindow   *admin;        /* administration: weak, NULL until opened */
};

G_DEFINE_FINAL_TYPE (OxWindow, ox_window, ADW_TYPE_APPLICATION_WINDOW)

static const char demo_intro[] =
	"-- The demo shop: customers, products, orders, order_lines, the view\n"
	"-- order_totals and routines. Ctrl+Enter runs the statement at the\n"
	"-- cursor, Ctrl+Shift+Enter the whole script.\n"
	"SELECT * FROM order_totals;\n"
	"\n"
	"SELECT c.name, count(o.id) AS orders\n"
	"FROM customers c LEFT JOIN orders o ON o.customer_id = c.id\n"
	"GROUP BY c.name\n"
	"ORDER BY orders DESC, c.name;\n"
	"\n"
	"SELECT order_total(13);\n";

/* ---- tabs --------------------------------------------------------------------- */

static void
update_actions (OxWindow *self)
{
	gboolean open = self->connection != NULL;
	OxEditorPage *page = ox_window_get_current_page (self);
	gboolean running = page && ox_editor_page_is_running (page);
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "workstation.new-tab", open);
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "workstation.run-statement", page && !running);
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "workstation.run-script", page && !running);
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "workstation.cancel", running);
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "workstation.explain", page && !running);  /* uifix */
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "workstation.debug", open);  /* uifix: the Debug button */
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "workstation.refresh", open);
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "workstation.open-file", open);  /* files */
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "workstation.save", page != NULL);
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "workstation.save-as", page != NULL);
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "workstation.show-history", open && self->store);
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "workstation.administration", open);
	gtk_widget_set_sensitive (GTK_WIDGET (self->history_button), open && self->store);
	gboolean idle = !self->opening;
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "workstation.open-demo", idle && self->demo_sql);
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "workstation.open-database", idle);
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "workstation.create-database", idle);
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "workstation.open-scratch", idle);
	/* remote: one window, one connection; the start page connects */
	gtk_widget_action_set_enabled (GTK_WIDGET (self), "workstation.connect-server", idle && !open);
}

static void
page_running_cb (OxWindow *self)
{
	update_actions (self);
}

OxEditorPage *
ox_window_new_tab (OxWindow *self, const char *title, const char *text)
{
	g_return_val_if_fail (OX_IS_WINDOW (self), NULL);
	g_return_val_if_fail (self->connection != NULL, NULL);
	OxEditorPage *page = ox_editor_page_new (self->connection, self->store, self->location);
	if (text)
		gtk_text_buffer_set_text (ox_editor_page_get_buffer (page), text, -1);
	if (self->results_height > 0)
		ox_editor_page_set_results_height (page, self->results_height);  /* data */
	/* the header bar's Run / Cancel follow the tab's state */
	g_signal_connect_object (page, "notify::running", G_CALLBACK (page_running_cb), self, G_CONNECT_SWAPPED);
	ox_debug_area_attach_page (self->debugger, page);  /* debugger: breakpoints in its gutter */
	g_autofree char *auto_title = NULL;
	if (!title)
		title = auto_title = g_strdup_printf ("Query %u", ++self->next_query);
	AdwTabPage *tp = adw_tab_view_append (self->tab_view, GTK_WIDGET (page));
	adw_tab_page_set_title (tp, title);
	ox_file_io_attach (page, tp, title);  /* files: the title follows the file and its changes */
	adw_tab_view_set_selected_page (self->tab_view, tp);
	gtk_widget_grab_focus (ox_editor_page_get_source_view (page));
	update_actions (self);
	return page;
}

OxEditorPage *
ox_window_get_current_page (OxWindow *self)
{
	g_return_val_if_fail (OX_IS_WINDOW (self), NULL);
	AdwTabPage *tp = adw_tab_view_get_selected_page (self->tab_view);
	return tp ? OX_EDITOR_PAGE (adw_tab_page_get_child (tp)) : NULL;
}

/* An object was activated in the browser: a table's or view's first rows
 * in a new tab, a routine's source in a routine tab. */
static void
open_object_cb (OxObjectBrowser *browser, OxCatalogObject *object, OxWindow *self)
{
	(void) browser;
	ox_object_actions_activate (self, object);  /* object actions: data, or a routine's source */
}

/* ---- state ------------------------------------------------------------------------- */

void
ox_window_save_state (OxWindow *self)
{
	g_return_if_fail (OX_IS_WINDOW (self));
	if (!self->store)
		return;
	g_autoptr (GError) error = NULL;
	OxWindowState ws = { 0 };
	gtk_window_get_default_size (GTK_WINDOW (self), &ws.width, &ws.height);
	ws.maximized = gtk_window_is_maximized (GTK_WINDOW (self));
	ws.sidebar_width = gtk_paned_get_position (self->main_paned);
	OxEditorPage *cur = ox_window_get_current_page (self);  /* data: the editor / results divider */
	ws.results_height = cur ? ox_editor_page_get_results_height (cur) : self->results_height;
	ws.debug_height = ox_window_get_debug_height (self);  /* uifix */
	if (!ox_settings_store_save_window (self->store, "main", &ws, &error)) {
		g_warning ("saving the window's geometry: %s", error->message);
		g_clear_error (&error);
	}
	if (!self->location)
		return;
	g_autoptr (GPtrArray) tabs = g_ptr_array_new_with_free_func ((GDestroyNotify) ox_saved_tab_free);
	for (int i = 0; i < adw_tab_view_get_n_pages (self->tab_view); i++) {
		AdwTabPage *tp = adw_tab_view_get_nth_page (self->tab_view, i);
		OxEditorPage *pg = OX_EDITOR_PAGE (adw_tab_page_get_child (tp));
		if (g_object_get_data (G_OBJECT (pg), "ox-debug-source"))
			continue;  /* uifix: the debugger's read-only sources belong to its session */
		GtkTextBuffer *buf = ox_editor_page_get_buffer (pg);
		GtkTextIter s, e;
		gtk_text_buffer_get_bounds (buf, &s, &e);
		OxSavedTab *t = g_new0 (OxSavedTab, 1);
		if (ox_routine_editor_is_routine (pg)) {  /* uifix: routine tabs come back as routine tabs */
			t->kind = g_strdup ("routine");
			t->routine = ox_routine_editor_get_identity (pg);
			t->modified = ox_routine_editor_is_modified (pg);
		}
		t->title = g_strdup (ox_file_io_get_base_title (OX_EDITOR_PAGE (adw_tab_page_get_child (tp))));  /* files: no " •" */
		t->text = gtk_text_buffer_get_text (buf, &s, &e, TRUE);
		g_ptr_array_add (tabs, t);
	}
	if (!ox_settings_store_save_tabs (self->store, self->location, tabs, &error))
		g_warning ("saving the open tabs: %s", error->message);
}

static gboolean
close_request_cb (GtkWindow *window, gpointer data)
{
	(void) data;
	if (ox_window_files_confirm_close (OX_WINDOW (window)))  /* files: modified tabs ask first */
		return TRUE;
	ox_window_save_state (OX_WINDOW (window));
	return FALSE;
}

/* ---- opening ------------------------------------------------------------------------- */

typedef struct {
	OxWindow *window;  /* strong */
	char     *kind;
	char     *location;
} OpenData;

static void
toast (OxWindow *self, const char *text)
{
	AdwToast *t = adw_toast_new (text);
	adw_toast_set_timeout (t, 8);
	adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static void
set_opening (OxWindow *self, gboolean opening, const char *what)
{
	self->opening = opening;
	adw_status_page_set_description (self->start_page,
	                                 what ? what : "Open a database to browse, edit and run SQL");
	update_actions (self);
}

static void
opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	(void) source;
	OpenData *od = user_data;
	OxWindow *self = od->window;
	g_autoptr (GError) error = NULL;
	OxEmbeddedConnection *conn = ox_embedded_connection_open_finish (result, &error);
	if (!conn) {
		if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
			set_opening (self, FALSE, NULL);
			toast (self, error->message);
		}
		goto out;
	}
	ox_window_adopt_connection (self, OX_CONNECTION (conn), od->kind, od->location);
out:
	g_object_unref (od->window);
	g_free (od->kind);
	g_free (od->location);
	g_free (od);
}

void
ox_window_set_busy (OxWindow *self, const char *what)
{
	g_return_if_fail (OX_IS_WINDOW (self));
	set_opening (self, what != NULL, what);
}

void
ox_window_adopt_connection (OxWindow *self, OxConnection *connection, const char *kind, const char *location)
{
	g_return_if_fail (OX_IS_WINDOW (self));
	g_return_if_fail (self->connection == NULL);
	g_autofree char *subtitle = NULL;
	self->connection = connection;
	self->location = g_strdup (location);
	set_opening (self, FALSE, NULL);
	ox_object_browser_set_connection (self->browser, self->connection);
	if (self->admin)  /* administration */
		ox_admin_window_set_connection (self->admin, self->connection);
	adw_window_title_set_title (self->window_title, ox_connection_get_title (self->connection));
	if (!strcmp (kind, "demo"))
		subtitle = g_strdup ("demo database");
	else if (!strcmp (kind, "memory"))
		subtitle = g_strdup ("in memory, gone when the window closes");
	else if (!strcmp (kind, "server"))  /* remote */
		subtitle = g_strdup ("oxibase-server");
	else if (g_str_has_prefix (location, g_get_home_dir ()) &&
	         location[strlen (g_get_home_dir ())] == G_DIR_SEPARATOR)
		subtitle = g_strconcat ("~", location + strlen (g_get_home_dir ()), NULL);
	else
		subtitle = g_strdup (location);
	adw_window_title_set_subtitle (self->window_title, subtitle);

	gboolean restored = FALSE;
	if (self->store) {
		g_autoptr (GError) e2 = NULL;
		if (!ox_settings_store_add_recent (self->store, kind, location,
		                                   ox_connection_get_title (self->connection), &e2))
			g_warning ("recording a recent database: %s", e2->message);
		g_autoptr (GPtrArray) tabs = ox_settings_store_load_tabs (self->store, location);
		for (guint i = 0; i < tabs->len; i++) {
			OxSavedTab *t = tabs->pdata[i];
			if (!g_strcmp0 (t->kind, "routine"))  /* uifix */
				ox_routine_editor_restore_tab (self, t->title, t->text, t->routine, t->modified);
			else
				ox_window_new_tab (self, t->title, t->text);
			restored = TRUE;
		}
		if (restored)
			adw_tab_view_set_selected_page (self->tab_view, adw_tab_view_get_nth_page (self->tab_view, 0));
	}
	if (!restored)
		ox_window_new_tab (self, NULL, !strcmp (kind, "demo") ? demo_intro : NULL);
	gtk_stack_set_visible_child_name (self->stack, "main");
	update_actions (self);
}

static void
open_location (OxWindow *self, const char *kind, const char *location, const char *init_sql)
{
	if (self->opening)
		return;
	if (self->connection) {
		/* one window, one connection: another database opens beside it */
		GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
		OxWindow *other = ox_window_new (app, self->store, self->demo_sql);
		gtk_window_present (GTK_WINDOW (other));
		open_location (other, kind, location, init_sql);
		return;
	}
	g_autofree char *what = g_strdup_printf ("Opening %s…", location);
	set_opening (self, TRUE, what);
	OpenData *od = g_new0 (OpenData, 1);
	od->window = g_object_ref (self);
	od->kind = g_strdup (kind);
	od->location = g_strdup (location);
	ox_embedded_connection_open_async (location, init_sql, init_sql ? "customers" : NULL, self->cancellable,
	                                   opened_cb, od);
}

char *
ox_window_demo_path (void)
{
	return g_build_filename (g_get_user_data_dir (), "oxibase", "demo", NULL);
}

void
ox_window_open_demo (OxWindow *self)
{
	g_return_if_fail (OX_IS_WINDOW (self));
	g_return_if_fail (self->demo_sql != NULL);
	g_autofree char *path = ox_window_demo_path ();
	g_autofree char *parent = g_path_get_dirname (path);
	if (g_mkdir_with_parents (parent, 0700) != 0) {
		g_autofree char *msg = g_strdup_printf ("Cannot create %s: %s", parent, g_strerror (errno));
		toast (self, msg);
		return;
	}
	open_location (self, "demo", path, self->demo_sql);
}

void
ox_window_open_path (OxWindow *self, const char *path)
{
	g_return_if_fail (OX_IS_WINDOW (self));
	g_return_if_fail (path != NULL);
	open_location (self, strcmp (path, ":memory:") ? "directory" : "memory", path, NULL);
}

OxConnection *
ox_window_get_connection (OxWindow *self)
{
	g_return_val_if_fail (OX_IS_WINDOW (self), NULL);
	return self->connection;
}

OxObjectBrowser *
ox_window_get_browser (OxWindow *self)
{
	g_return_val_if_fail (OX_IS_WINDOW (self), NULL);
	return self->browser;
}

/* ---- the start page's recent list ------------------------------------------------------ */

static void
recent_activated_cb (AdwActionRow *row, OxWindow *self)
{
	const char *kind = g_object_get_data (G_OBJECT (row), "ox-kind");
	const char *location = g_object_get_data (G_OBJECT (row), "ox-location");
	if (!strcmp (kind, "demo") && self->demo_sql)
		ox_window_open_demo (self);
	else if (!strcmp (kind, "server"))  /* remote: the keyring, or the dialog */
		ox_window_open_recent_server (self, location);
	else
		ox_window_open_path (self, location);
}

static void
fill_recent (OxWindow *self)
{
	GtkWidget *child;
	while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))))
		gtk_list_box_remove (self->recent_list, child);
	g_autoptr (GPtrArray) recent = self->store ? ox_settings_store_list_recent (self->store, 10) : NULL;
	guint n = 0;
	for (guint i = 0; recent && i < recent->len; i++) {
		OxRecentConnection *r = recent->pdata[i];
		if (!strcmp (r->kind, "memory"))
			continue;  /* nothing to reopen */
		GtkWidget *row = adw_action_row_new ();
		adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), r->title);
		adw_action_row_set_subtitle (ADW_ACTION_ROW (row), r->location);
		gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
		g_object_set_data_full (G_OBJECT (row), "ox-kind", g_strdup (r->kind), g_free);
		g_object_set_data_full (G_OBJECT (row), "ox-location", g_strdup (r->location), g_free);
		g_signal_connect (row, "activated", G_CALLBACK (recent_activated_cb), self);
		g_autofree char *acc = g_strdup_printf ("Open %s", r->location);
		gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, acc, -1);
		gtk_list_box_append (self->recent_list, row);
		n++;
	}
	gtk_widget_set_visible (self->recent_label, n > 0);
	gtk_widget_set_visible (GTK_WIDGET (self->recent_list), n > 0);
}

/* ---- query history ---------------------------------------------------------------------------- */

/* The history of this window's database, newest first, filtered by the
 * search box: at most HISTORY_ROWS rows (the store searches, not GTK). */
#define HISTORY_ROWS 200

static void
fill_history (OxWindow *self)
{
	GtkWidget *child;
	while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->history_list))))
		gtk_list_box_remove (self->history_list, child);
	if (!self->store || !self->location)
		return;
	const char *text = gtk_editable_get_text (GTK_EDITABLE (self->history_search));
	gboolean all = gtk_check_button_get_active (self->history_all);  /* uifix */
	g_autoptr (GPtrArray) hist = ox_settings_store_search_history (self->store, all ? NULL : self->location, text,
	                                                               HISTORY_ROWS);
	for (guint i = 0; i < hist->len; i++) {
		OxHistoryEntry *h = hist->pdata[i];
		GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
		gtk_widget_set_margin_start (box, 6);
		gtk_widget_set_margin_end (box, 6);
		gtk_widget_set_margin_top (box, 4);
		gtk_widget_set_margin_bottom (box, 4);
		GtkWidget *stmt = gtk_label_new (h->statement);
		gtk_label_set_xalign (GTK_LABEL (stmt), 0);
		gtk_label_set_ellipsize (GTK_LABEL (stmt), PANGO_ELLIPSIZE_END);
		gtk_label_set_single_line_mode (GTK_LABEL (stmt), TRUE);
		gtk_widget_add_css_class (stmt, "monospace");
		g_autoptr (GDateTime) when = g_date_time_new_from_unix_local (h->started / G_USEC_PER_SEC);
		g_autofree char *stamp = when ? g_date_time_format (when, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
		g_autofree char *info = h->sqlstate
			? g_strdup_printf ("%s · %.1f ms · failed with %s", stamp, h->duration_us / 1000.0, h->sqlstate)
			: g_strdup_printf ("%s · %.1f ms · %" G_GINT64_FORMAT " row%s", stamp, h->duration_us / 1000.0,
			                   h->rows, h->rows == 1 ? "" : "s");
		if (all) {  /* uifix: where it ran */
			char *with = g_strdup_printf ("%s · %s", info, h->connection);
			g_free (info);
			info = with;
		}
		GtkWidget *meta = gtk_label_new (info);
		gtk_label_set_xalign (GTK_LABEL (meta), 0);
		gtk_widget_add_css_class (meta, "dim-label");
		gtk_widget_add_css_class (meta, "caption");
		gtk_box_append (GTK_BOX (box), stmt);
		gtk_box_append (GTK_BOX (box), meta);
		GtkWidget *row = gtk_list_box_row_new ();
		gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
		gtk_widget_set_tooltip_text (row, h->statement);
		gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, h->statement, -1);
		g_object_set_data_full (G_OBJECT (row), "ox-statement", g_strdup (h->statement), g_free);
		gtk_list_box_append (self->history_list, row);
	}
}

/* A statement from the history goes into the current tab, ready to run. */
static void
history_row_activated_cb (GtkListBox *list, GtkListBoxRow *row, OxWindow *self)
{
	(void) list;
	const char *stmt = g_object_get_data (G_OBJECT (row), "ox-statement");
	OxEditorPage *page = ox_window_get_current_page (self);
	if (!page && self->connection)
		page = ox_window_new_tab (self, NULL, NULL);
	if (page && stmt)
		ox_editor_page_insert_statement (page, stmt);
	gtk_popover_popdown (self->history_popover);
}

void
ox_window_show_history (OxWindow *self, const char *search)
{
	g_return_if_fail (OX_IS_WINDOW (self));
	gtk_editable_set_text (GTK_EDITABLE (self->history_search), search ? search : "");
	gtk_menu_button_popup (self->history_button);
	fill_history (self);
}

GtkListBox *
ox_window_get_history_list (OxWindow *self)
{
	g_return_val_if_fail (OX_IS_WINDOW (self), NULL);
	return self->history_list;
}

static void
show_history_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) name;
	(void) param;
	ox_window_show_history (OX_WINDOW (widget), NULL);
}

/* ---- actions ------------------------------------------------------------------------------ */

static void
forward_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) param;
	OxEditorPage *page = ox_window_get_current_page (OX_WINDOW (widget));
	if (!page)
		return;
	if (!strcmp (name, "workstation.run-statement"))
		ox_editor_page_run_statement (page);
	else if (!strcmp (name, "workstation.run-script"))
		ox_editor_page_run_script (page);
	else if (!strcmp (name, "workstation.cancel"))
		ox_editor_page_cancel (page);
	else if (!strcmp (name, "workstation.explain"))  /* uifix: the header bar's EXPLAIN */
		ox_editor_page_explain (page);
	update_actions (OX_WINDOW (widget));
}

static void
new_tab_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) name;
	(void) param;
	OxWindow *self = OX_WINDOW (widget);
	if (self->connection)
		ox_window_new_tab (self, NULL, NULL);
}

static void
refresh_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) name;
	(void) param;
	OxWindow *self = OX_WINDOW (widget);
	if (self->connection)
		ox_connection_objects_changed (self->connection);
}

static void
open_demo_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) name;
	(void) param;
	ox_window_open_demo (OX_WINDOW (widget));
}

static void
open_scratch_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) name;
	(void) param;
	ox_window_open_path (OX_WINDOW (widget), ":memory:");
}

static void
chooser_response_cb (GtkNativeDialog *dialog, int response, gpointer data)
{
	OxWindow *self = data;
	if (response == GTK_RESPONSE_ACCEPT) {
		g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
		g_autofree char *path = file ? g_file_get_path (file) : NULL;
		if (path)
			ox_window_open_path (self, path);
	}
	g_object_unref (dialog);
	g_object_unref (self);
}

static void
choose_directory (OxWindow *self, gboolean create)
{
	G_GNUC_BEGIN_IGNORE_DEPRECATIONS
	GtkFileChooserNative *dialog = gtk_file_chooser_native_new (
		create ? "Create a Database" : "Open a Database Directory", GTK_WINDOW (self),
		create ? GTK_FILE_CHOOSER_ACTION_SAVE : GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
		create ? "_Create" : "_Open", "_Cancel");
	if (create)
		gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "database");
	G_GNUC_END_IGNORE_DEPRECATIONS
	g_signal_connect (dialog, "response", G_CALLBACK (chooser_response_cb), g_object_ref (self));
	gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_database_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) name;
	(void) param;
	choose_directory (OX_WINDOW (widget), FALSE);
}

static void
create_database_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) name;
	(void) param;
	choose_directory (OX_WINDOW (widget), TRUE);
}

static void
connect_server_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) name;
	(void) param;
	ox_window_connect_server (OX_WINDOW (widget), NULL, NULL, NULL);  /* remote */
}

static void
selected_page_cb (OxWindow *self)
{
	update_actions (self);
}

/* ---- files (ox-window-files.c) ---- */

static void
file_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) param;
	OxWindow *self = OX_WINDOW (widget);
	OxEditorPage *page = ox_window_get_current_page (self);
	if (!strcmp (name, "workstation.open-file"))
		ox_window_files_open (self);
	else if (!strcmp (name, "workstation.save") && page && ox_routine_editor_is_routine (page))
		ox_routine_editor_save (page);  /* object actions: CREATE OR REPLACE, not a file */
	else
		ox_window_files_save (self, ox_window_get_current_page (self), !strcmp (name, "workstation.save-as"));
}

/* ---- debugger ------------------------------------------------------------------------------------ */

/* uifix: the debugger pane's height is the paned's height below its
 * divider; shown the first time, it takes the saved height. */
int
ox_window_get_debug_height (OxWindow *self)
{
	g_return_val_if_fail (OX_IS_WINDOW (self), 0);
	int h = gtk_widget_get_height (GTK_WIDGET (self->debug_paned));
	if (!gtk_widget_get_visible (GTK_WIDGET (self->debugger)) || h <= 0)
		return self->debug_height;
	return h - gtk_paned_get_position (self->debug_paned);
}

static void
show_debugger (OxWindow *self)
{
	if (gtk_widget_get_visible (GTK_WIDGET (self->debugger)))
		return;
	gtk_widget_set_visible (GTK_WIDGET (self->debugger), TRUE);
	int h = gtk_widget_get_height (GTK_WIDGET (self->debug_paned));
	if (self->debug_height > 0 && h > self->debug_height)
		gtk_paned_set_position (self->debug_paned, h - self->debug_height);
}

static void
debug_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) param;
	OxWindow *self = OX_WINDOW (widget);
	OxDebugSession *session = ox_debug_area_get_session (self->debugger);
	if (!strcmp (name, "workstation.debug")) {
		if (!self->connection)
			return;
		show_debugger (self);  /* uifix: at its saved height */
		ox_debug_area_debug_or_continue (self->debugger, self->connection, ox_window_get_current_page (self));
	} else if (!strcmp (name, "workstation.debug-stop"))
		ox_debug_session_stop (session);
	else if (!strcmp (name, "workstation.step-over"))
		ox_debug_session_step_over (session);
	else if (!strcmp (name, "workstation.step-into"))
		ox_debug_session_step_into (session);
	else if (!strcmp (name, "workstation.step-out"))
		ox_debug_session_step_out (session);
	else if (!strcmp (name, "workstation.debug-pause"))
		ox_debug_session_pause (session);
}

/* A routine's source, served by the adapter: a read-only tab. */
static OxEditorPage *
open_source_cb (const char *title, const char *text, gpointer data)
{
	OxWindow *self = data;
	if (!self->connection)
		return NULL;
	g_autofree char *t = g_strdup_printf ("%s (read-only)", title);
	OxEditorPage *page = ox_window_new_tab (self, t, text);
	gtk_text_view_set_editable (GTK_TEXT_VIEW (ox_editor_page_get_source_view (page)), FALSE);
	g_object_set_data (G_OBJECT (page), "ox-debug-source", GINT_TO_POINTER (TRUE));  /* uifix: not saved */
	return page;
}

static void
debug_failed_cb (OxDebugArea *debugger, const char *message, OxWindow *self)
{
	(void) debugger;
	adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

OxDebugArea *
ox_window_get_debugger (OxWindow *self)
{
	g_return_val_if_fail (OX_IS_WINDOW (self), NULL);
	return self->debugger;
}

/* ---- administration (ox-admin-window.c) ---------------------------------------------------------- */

OxAdminWindow *
ox_window_show_administration (OxWindow *self)
{
	g_return_val_if_fail (OX_IS_WINDOW (self), NULL);
	if (!self->connection)
		return NULL;
	if (!self->admin) {
		self->admin = ox_admin_window_new (GTK_WINDOW (self), self->connection);
		g_object_add_weak_pointer (G_OBJECT (self->admin), (gpointer *) &self->admin);
	}
	gtk_window_present (GTK_WINDOW (self->admin));
	return self->admin;
}

static void
administration_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) name;
	(void) param;
	ox_window_show_administration (OX_WINDOW (widget));
}

/* ---- GObject ---------------------------------------------------------------------------------- */

static void
ox_window_dispose (GObject *object)
{
	OxWindow *self = OX_WINDOW (object);
	g_cancellable_cancel (self->cancellable);
	if (self->admin)  /* administration */
		gtk_window_destroy (GTK_WINDOW (self->admin));
	gtk_widget_dispose_template (GTK_WIDGET (self), OX_TYPE_WINDOW);
	if (self->connection)
		ox_connection_close (self->connection);
	g_clear_object (&self->connection);
	G_OBJECT_CLASS (ox_window_parent_class)->dispose (object);
}

static void
ox_window_finalize (GObject *object)
{
	OxWindow *self = OX_WINDOW (object);
	g_clear_object (&self->cancellable);
	g_free (self->demo_sql);
	g_free (self->location);
	G_OBJECT_CLASS (ox_window_parent_class)->finalize (object);
}

/* data: below ox_window_new */
static void open_table_data_action (GtkWidget *widget, const char *name, GVariant *param);
static void preferences_action (GtkWidget *widget, const char *name, GVariant *param);

static void
ox_window_class_init (OxWindowClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
	object_class->dispose = ox_window_dispose;
	object_class->finalize = ox_window_finalize;

	g_type_ensure (OX_TYPE_OBJECT_BROWSER);
	g_type_ensure (OX_TYPE_DEBUG_AREA);
	gtk_widget_class_set_template_from_resource (widget_class, "/org/oxibase/Workstation/ui/ox-window.ui");
	gtk_widget_class_bind_template_child (widget_class, OxWindow, toast_overlay);
	gtk_widget_class_bind_template_child (widget_class, OxWindow, window_title);
	gtk_widget_class_bind_template_child (widget_class, OxWindow, stack);
	gtk_widget_class_bind_template_child (widget_class, OxWindow, start_page);
	gtk_widget_class_bind_template_child (widget_class, OxWindow, recent_list);
	gtk_widget_class_bind_template_child (widget_class, OxWindow, recent_label);
	gtk_widget_class_bind_template_child (widget_class, OxWindow, main_paned);
	gtk_widget_class_bind_template_child (widget_class, OxWindow, browser);
	gtk_widget_class_bind_template_child (widget_class, OxWindow, tab_view);
	gtk_widget_class_bind_template_child (widget_class, OxWindow, history_button);
	gtk_widget_class_bind_template_child (widget_class, OxWindow, history_popover);
	gtk_widget_class_bind_template_child (widget_class, OxWindow, history_search);
	gtk_widget_class_bind_template_child (widget_class, OxWindow, history_list);
	gtk_widget_class_bind_template_child (widget_class, OxWindow, history_all);  /* uifix */
	gtk_widget_class_bind_template_child (widget_class, OxWindow, debug_paned);  /* uifix */
	gtk_widget_class_bind_template_child (widget_class, OxWindow, debugger);

	gtk_widget_class_install_action (widget_class, "workstation.run-statement", NULL, forward_action);
	gtk_widget_class_install_action (widget_class, "workstation.run-script", NULL, forward_action);
	gtk_widget_class_install_action (widget_class, "workstation.cancel", NULL, forward_action);
	gtk_widget_class_install_action (widget_class, "workstation.explain", NULL, forward_action);  /* uifix */
	gtk_widget_class_install_action (widget_class, "workstation.about", NULL, ox_window_about_action);  /* uifix */
	gtk_widget_class_install_action (widget_class, "workstation.new-tab", NULL, new_tab_action);
	gtk_widget_class_install_action (widget_class, "workstation.refresh", NULL, refresh_action);
	gtk_widget_class_install_action (widget_class, "workstation.open-demo", NULL, open_demo_action);
	gtk_widget_class_install_action (widget_class, "workstation.open-scratch", NULL, open_scratch_action);
	gtk_widget_class_install_action (widget_class, "workstation.open-database", NULL, open_database_action);
	gtk_widget_class_install_action (widget_class, "workstation.create-database", NULL, create_database_action);
	gtk_widget_class_install_action (widget_class, "workstation.connect-server", NULL, connect_server_action);
	gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "workstation.new-tab", NULL);
	/* F5 belongs to the debugger (Debug / Continue): refresh is Ctrl+R */
	gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "workstation.refresh", NULL);
	/* debugger */
	static const struct { const char *name; guint key; GdkModifierType mods; } debug_keys[] = {
		{ "workstation.debug", GDK_KEY_F5, 0 },
		{ "workstation.debug-stop", GDK_KEY_F5, GDK_SHIFT_MASK },
		{ "workstation.step-over", GDK_KEY_F10, 0 },
		{ "workstation.step-into", GDK_KEY_F11, 0 },
		{ "workstation.step-out", GDK_KEY_F11, GDK_SHIFT_MASK },
		{ "workstation.debug-pause", GDK_KEY_F6, 0 },  /* uifix: as VS Code */
	};
	for (guint i = 0; i < G_N_ELEMENTS (debug_keys); i++) {
		gtk_widget_class_install_action (widget_class, debug_keys[i].name, NULL, debug_action);
		if (debug_keys[i].key)
			gtk_widget_class_add_binding_action (widget_class, debug_keys[i].key, debug_keys[i].mods,
			                                     debug_keys[i].name, NULL);
	}
	/* files */
	gtk_widget_class_install_action (widget_class, "workstation.open-file", NULL, file_action);
	gtk_widget_class_install_action (widget_class, "workstation.save", NULL, file_action);
	gtk_widget_class_install_action (widget_class, "workstation.save-as", NULL, file_action);
	gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "workstation.open-file", NULL);
	gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "workstation.save", NULL);
	gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
	                                     "workstation.save-as", NULL);
	gtk_widget_class_install_action (widget_class, "workstation.show-history", NULL, show_history_action);
	/* data: the table data editor (for the browser's menu) and preferences */
	gtk_widget_class_install_action (widget_class, "workstation.open-table-data", "(ss)", open_table_data_action);
	gtk_widget_class_install_action (widget_class, "workstation.preferences", NULL, preferences_action);
	gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK, "workstation.preferences", NULL);
	gtk_widget_class_install_action (widget_class, "workstation.administration", NULL, administration_action);
	gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
	                                     "workstation.administration", NULL);
	gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h, GDK_CONTROL_MASK, "workstation.show-history", NULL);
}

static void
ox_window_init (OxWindow *self)
{
	gtk_widget_init_template (GTK_WIDGET (self));
	self->cancellable = g_cancellable_new ();
	g_signal_connect (self->browser, "open-object", G_CALLBACK (open_object_cb), self);
	g_signal_connect_object (self->tab_view, "notify::selected-page", G_CALLBACK (selected_page_cb), self,
	                         G_CONNECT_SWAPPED);
	g_signal_connect (self, "close-request", G_CALLBACK (close_request_cb), NULL);
	g_signal_connect (self->tab_view, "close-page", G_CALLBACK (ox_window_files_close_page_cb), self);  /* files */
	g_signal_connect_swapped (self->history_search, "search-changed", G_CALLBACK (fill_history), self);
	g_signal_connect_swapped (self->history_popover, "show", G_CALLBACK (fill_history), self);
	g_signal_connect_swapped (self->history_all, "toggled", G_CALLBACK (fill_history), self);  /* uifix */
	g_signal_connect (self->history_list, "row-activated", G_CALLBACK (history_row_activated_cb), self);
	ox_debug_area_set_open_source (self->debugger, open_source_cb, self);  /* debugger */
	g_signal_connect_object (self->debugger, "failed", G_CALLBACK (debug_failed_cb), self, 0);
	ox_object_actions_install (self);  /* object actions: the browser's context menu */
}

OxWindow *
ox_window_new (GtkApplication *app, OxSettingsStore *store, const char *demo_sql)
{
	OxWindow *self = g_object_new (OX_TYPE_WINDOW, "application", app, NULL);
	self->store = store;
	self->demo_sql = g_strdup (demo_sql);
	if (store) {
		OxWindowState ws;
		if (ox_settings_store_load_window (store, "main", &ws)) {
			if (ws.width > 0 && ws.height > 0)
				gtk_window_set_default_size (GTK_WINDOW (self), ws.width, ws.height);
			if (ws.maximized)
				gtk_window_maximize (GTK_WINDOW (self));
			if (ws.sidebar_width > 0)
				gtk_paned_set_position (self->main_paned, ws.sidebar_width);
			self->results_height = ws.results_height;  /* data */
			self->debug_height = ws.debug_height;  /* uifix: applied when the debugger shows */
		}
	}
	fill_recent (self);
	update_actions (self);
	ox_bench_attach (self);  /* data: $OX_WORKSTATION_BENCH, bench/README.md */
	return self;
}

/* ---- data: the table data editor, preferences ------------------------------------------- */

OxDataEditor *
ox_window_open_table_data (OxWindow *self, const char *schema, const char *table)
{
	g_return_val_if_fail (OX_IS_WINDOW (self), NULL);
	g_return_val_if_fail (schema && table, NULL);
	if (!self->connection)
		return NULL;
	OxDataEditor *ed = ox_data_editor_new (self->connection, schema, table);
	gtk_window_set_transient_for (GTK_WINDOW (ed), GTK_WINDOW (self));
	gtk_window_set_destroy_with_parent (GTK_WINDOW (ed), TRUE);
	gtk_window_present (GTK_WINDOW (ed));
	return ed;
}

static void
open_table_data_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) name;
	const char *schema = NULL, *table = NULL;
	g_variant_get (param, "(&s&s)", &schema, &table);
	ox_window_open_table_data (OX_WINDOW (widget), schema, table);
}

static void
preferences_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) name;
	(void) param;
	GtkWindow *prefs = ox_preferences_window_new (GTK_WINDOW (widget));
	gtk_window_set_destroy_with_parent (prefs, TRUE);
	gtk_window_present (prefs);
}

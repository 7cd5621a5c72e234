/*
 * ox-application.c — the workstation's application object.
 *
 *   oxibase-workstation            a start page (recent, open, create, scratch, demo)
 *   oxibase-workstation --demo     the demo database, in $XDG_DATA_HOME/oxibase/demo
 *   oxibase-workstation PATH       the database directory PATH (created if missing)
 *
 * The command line is handled in the primary instance, so running the
 * command again opens another window in the running workstation.
 *
 * NOTE: when the settings file cannot be used (read-only home, corrupt,
 * from a newer version) the workstation still starts, with an in-memory
 * store, and says so on stderr: losing recent files is better than not
 * starting at all.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-application.h"
#include "ox-keyring.h"
#include "ox-resources.h"
#include "ox-settings-store.h"
#include "ox-window.h"
#include "ox-preferences.h"

#include <gtksourceview/gtksource.h>
#include <string.h>

struct _OxApplication {
	AdwApplication   parent_instance;
	const char      *demo_sql;  /* static, from the binary */
	OxSettingsStore *store;     /* owned; opened at startup */
};

G_DEFINE_FINAL_TYPE (OxApplication, ox_application, ADW_TYPE_APPLICATION)

void
ox_ui_init (void)
{
	static gsize done = 0;
	if (g_once_init_enter (&done)) {
		/* referencing the resource keeps its object file (and the
		 * constructor that registers it) in the link from a static
		 * library */
		g_assert (ox_workstation_get_resource () != NULL);
		gtk_source_init ();
		/* our language definition lives in the GResource */
		gtk_source_language_manager_append_search_path (gtk_source_language_manager_get_default (),
		                                                "resource:///org/oxibase/Workstation/language-specs");
		GtkCssProvider *css = gtk_css_provider_new ();
		gtk_css_provider_load_from_resource (css, "/org/oxibase/Workstation/style.css");
		GdkDisplay *display = gdk_display_get_default ();
		if (display)
			gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (css),
			                                            GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
		g_object_unref (css);
		/* resource paths count as part of hicolor: icons are looked up
		 * at PATH/scalable/apps/NAME.svg */
		gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (display),
		                                  "/org/oxibase/Workstation/icons/hicolor");
		g_once_init_leave (&done, 1);
	}
}

static void
ox_application_startup (GApplication *app)
{
	OxApplication *self = OX_APPLICATION (app);
	G_APPLICATION_CLASS (ox_application_parent_class)->startup (app);
	ox_ui_init ();
	g_autofree char *path = ox_settings_store_default_path ();
	g_autoptr (GError) error = NULL;
	self->store = ox_settings_store_open (path, &error);
	if (!self->store) {
		g_printerr ("oxibase-workstation: settings are not kept this time: %s\n", error->message);
		self->store = ox_settings_store_open (":memory:", NULL);
	}
	ox_preferences_load (ox_preferences_get_default (), self->store);  /* editor font and scheme */
}

static void
ox_application_shutdown (GApplication *app)
{
	OxApplication *self = OX_APPLICATION (app);
	G_APPLICATION_CLASS (ox_application_parent_class)->shutdown (app);
	ox_preferences_load (ox_preferences_get_default (), NULL);  /* stop writing to the store */
	g_clear_pointer (&self->store, ox_settings_store_close);
	ox_keyring_shutdown ();
}

static int
ox_application_command_line (GApplication *app, GApplicationCommandLine *cmdline)
{
	OxApplication *self = OX_APPLICATION (app);
	GVariantDict *options = g_application_command_line_get_options_dict (cmdline);
	gboolean demo = FALSE;
	g_autofree const char **paths = NULL;
	g_variant_dict_lookup (options, "demo", "b", &demo);
	g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&ay", &paths);

	if (!demo && (!paths || !paths[0])) {
		OxWindow *w = ox_window_new (GTK_APPLICATION (app), self->store, self->demo_sql);
		gtk_window_present (GTK_WINDOW (w));
		return 0;
	}
	if (demo) {
		OxWindow *w = ox_window_new (GTK_APPLICATION (app), self->store, self->demo_sql);
		gtk_window_present (GTK_WINDOW (w));
		ox_window_open_demo (w);
	}
	for (guint i = 0; paths && paths[i]; i++) {
		/* relative to where the command ran, not to the primary instance */
		g_autoptr (GFile) f = g_application_command_line_create_file_for_arg (cmdline, paths[i]);
		g_autofree char *path = g_file_get_path (f);
		OxWindow *w = ox_window_new (GTK_APPLICATION (app), self->store, self->demo_sql);
		gtk_window_present (GTK_WINDOW (w));
		ox_window_open_path (w, !strcmp (paths[i], ":memory:") ? ":memory:" : path);
	}
	return 0;
}

static void
ox_application_class_init (OxApplicationClass *klass)
{
	GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
	app_class->startup = ox_application_startup;
	app_class->shutdown = ox_application_shutdown;
	app_class->command_line = ox_application_command_line;
}

static const GOptionEntry entries[] = {
	{ "demo", 0, 0, G_OPTION_ARG_NONE, NULL, "Open the demo database (created on first use)", NULL },
	{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL, "[DATABASE-DIRECTORY…]" },
	{ NULL },
};

static void
ox_application_init (OxApplication *self)
{
	g_application_add_main_option_entries (G_APPLICATION (self), entries);
	g_application_set_option_context_summary (G_APPLICATION (self),
		"The Oxibase workstation: browse a database's objects, edit and run SQL.");
}

OxApplication *
ox_application_new (const char *demo_sql)
{
	OxApplication *self = g_object_new (OX_TYPE_APPLICATION, "application-id", OX_APPLICATION_ID,
	                                    "flags", G_APPLICATION_HANDLES_COMMAND_LINE, NULL);
	self->demo_sql = demo_sql;
	return self;
}

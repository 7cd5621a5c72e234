/*
 * ox-window-menu.c — the About window of the primary menu (see the header).
 *
 * The version is the engine's (ox_version), so the window never claims a
 * release the binary is not.  Nothing here can fail at run time: the
 * window is built from constant strings.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-window-menu.h"
#include "ox-application.h"
#include "oxibase.h"

GtkWindow *
ox_window_show_about (OxWindow *win)
{
	g_return_val_if_fail (OX_IS_WINDOW (win), NULL);
	static const char *developers[] = { "The Oxibase developers", NULL };
	GtkWidget *about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
		"transient-for", win,
		"modal", TRUE,
		"destroy-with-parent", TRUE,
		"application-icon", OX_APPLICATION_ID,
		"application-name", "Oxibase Workstation",
		"developer-name", "The Oxibase developers",
		"version", ox_version (),
		"comments", "Browse, edit, run and debug an Oxibase database, on this computer or on a server.",
		"license-type", GTK_LICENSE_APACHE_2_0,
		"developers", developers,
		NULL);
	gtk_window_present (GTK_WINDOW (about));
	return GTK_WINDOW (about);
}

void
ox_window_about_action (GtkWidget *widget, const char *name, GVariant *param)
{
	(void) name;
	(void) param;
	ox_window_show_about (OX_WINDOW (widget));
}

/*
 * ox-admin-window.c — the Administration window (see the header).
 *
 * The pages poll only while they are on screen (a hidden page or a closed
 * window costs nothing); the window holds the connection only through its
 * pages, so closing the main window's database while this window is open
 * leaves them showing the last answer and an error line.
 */
#define G_LOG_DOMAIN "ox-admin"

#include "ox-admin-window.h"
#include "ox-admin-private.h"

#include <string.h>

struct _OxAdminWindow {
	AdwWindow parent_instance;

	/* template children */
	AdwViewStack     *stack;
	GtkWidget        *switcher_title;
	GtkWidget        *switcher_bar;
	OxAdminSessions  *sessions;
	OxAdminLogs      *logs;
	OxAdminSchedules *schedules;
	OxAdminMetrics   *metrics;
};

G_DEFINE_FINAL_TYPE (OxAdminWindow, ox_admin_window, ADW_TYPE_WINDOW)

static void
ox_admin_window_class_init (OxAdminWindowClass *klass)
{
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
	g_type_ensure (OX_TYPE_ADMIN_SESSIONS);
	g_type_ensure (OX_TYPE_ADMIN_LOGS);
	g_type_ensure (OX_TYPE_ADMIN_SCHEDULES);
	g_type_ensure (OX_TYPE_ADMIN_METRICS);
	gtk_widget_class_set_template_from_resource (widget_class, "/org/oxibase/Workstation/ui/ox-admin-window.ui");
	gtk_widget_class_bind_template_child (widget_class, OxAdminWindow, stack);
	gtk_widget_class_bind_template_child (widget_class, OxAdminWindow, switcher_title);
	gtk_widget_class_bind_template_child (widget_class, OxAdminWindow, switcher_bar);
	gtk_widget_class_bind_template_child (widget_class, OxAdminWindow, sessions);
	gtk_widget_class_bind_template_child (widget_class, OxAdminWindow, logs);
	gtk_widget_class_bind_template_child (widget_class, OxAdminWindow, schedules);
	gtk_widget_class_bind_template_child (widget_class, OxAdminWindow, metrics);
	gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

/* The first non-empty label text below w, or NULL. */
static const char *
label_text_below (GtkWidget *w)
{
	if (GTK_IS_LABEL (w) && *gtk_label_get_text (GTK_LABEL (w)))
		return gtk_label_get_text (GTK_LABEL (w));
	for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c)) {
		const char *t = label_text_below (c);
		if (t)
			return t;
	}
	return NULL;
}

/* libadwaita 1.2's view switcher buttons name themselves only through
 * their label child, which GTK does not pass on as the button's own
 * accessible name: give them their page's title. */
static void
name_switcher_buttons (GtkWidget *w)
{
	if (GTK_IS_BUTTON (w) && !gtk_button_get_label (GTK_BUTTON (w))) {
		const char *t = label_text_below (w);
		if (t)
			gtk_accessible_update_property (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_PROPERTY_LABEL, t, -1);
	}
	for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
		name_switcher_buttons (c);
}

static void
ox_admin_window_init (OxAdminWindow *self)
{
	gtk_widget_init_template (GTK_WIDGET (self));
	name_switcher_buttons (GTK_WIDGET (self->switcher_title));
	name_switcher_buttons (GTK_WIDGET (self->switcher_bar));
}

void
ox_admin_window_set_connection (OxAdminWindow *self, OxConnection *connection)
{
	g_return_if_fail (OX_IS_ADMIN_WINDOW (self));
	ox_admin_sessions_set_connection (self->sessions, connection);
	ox_admin_logs_set_connection (self->logs, connection);
	ox_admin_schedules_set_connection (self->schedules, connection);
	ox_admin_metrics_set_connection (self->metrics, connection);
	g_autofree char *title = connection ? g_strdup_printf ("Administration — %s",
	                                                       ox_connection_get_title (connection))
	                                    : g_strdup ("Administration");
	gtk_window_set_title (GTK_WINDOW (self), title);
}

OxAdminWindow *
ox_admin_window_new (GtkWindow *parent, OxConnection *connection)
{
	OxAdminWindow *self = g_object_new (OX_TYPE_ADMIN_WINDOW, "transient-for", parent, NULL);
	ox_admin_window_set_connection (self, connection);
	return self;
}

void
ox_admin_window_show_page (OxAdminWindow *self, const char *name)
{
	g_return_if_fail (OX_IS_ADMIN_WINDOW (self));
	adw_view_stack_set_visible_child_name (self->stack, name);
}

GtkWidget *
ox_admin_window_get_page (OxAdminWindow *self, const char *name)
{
	g_return_val_if_fail (OX_IS_ADMIN_WINDOW (self), NULL);
	return adw_view_stack_get_child_by_name (self->stack, name);
}

/*
 * ox-debug-panels.h — the debugger's panels, one file each
 * (ox-debug-call-stack.c, ox-debug-variables.c, ox-debug-watch.c,
 * ox-debug-breakpoints.c, ox-debug-console.c).  Each follows an
 * OxDebugSession: it refreshes on "frame-selected" (a stop, or another
 * frame chosen in the Call Stack) and clears when the session ends.  Each
 * panel's main widget carries the accessible name the issue gives it
 * ("Call Stack", "Variables", "Watch", "Breakpoints", "Debug Console").
 *
 * Replies are matched to the stop they were asked for (a per-panel
 * generation): a slow reply for an earlier stop never overwrites a newer
 * one.
 */
#pragma once

#include <gtk/gtk.h>

#include "ox-debug-session.h"

G_BEGIN_DECLS

/* gtk_list_box_remove_all is GTK 4.12; Debian 12 has 4.8. */
static inline void
ox_list_box_clear (GtkListBox *list)
{
	GtkWidget *child;
	while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))))
		gtk_list_box_remove (list, child);
}

GtkWidget *ox_debug_call_stack_new (OxDebugSession *session);
GtkWidget *ox_debug_variables_new (OxDebugSession *session);
GtkWidget *ox_debug_watch_new (OxDebugSession *session);
GtkWidget *ox_debug_breakpoints_new (OxDebugSession *session);
/* The title of the tab bp is in, or NULL once it closed (transfer full). */
char      *ox_debug_breakpoints_where (OxDebugBp *bp);
GtkWidget *ox_debug_console_new (OxDebugSession *session);
/* The Plan panel (ox-debug-plan.c): an OxPlanView of the selected operator
 * frame's plan, its operator selected, its row beside it. */
GtkWidget *ox_debug_plan_new (OxDebugSession *session);
/* A frame of a query's plan (stepIntoQueries), from its stackFrames object. */
gboolean   ox_debug_frame_is_operator (JsonObject *frame);

/* For tests and automation. */
/* Every row of the Variables panel as shown, "name = value" per line,
 * nested rows indented by two spaces per level. */
char      *ox_debug_variables_get_text (GtkWidget *panel);
/* Edit the value of the variable named name as typing it in its row and
 * pressing Enter does (DAP setVariable); FALSE when no such row shows. */
gboolean   ox_debug_variables_edit (GtkWidget *panel, const char *name, const char *value);
/* Add a watch expression (as typing it in the Watch panel's entry does). */
void       ox_debug_watch_add (GtkWidget *panel, const char *expression);
char      *ox_debug_watch_get_text (GtkWidget *panel);
/* Evaluate in the Debug Console (as pressing Enter in its entry does). */
void       ox_debug_console_evaluate (GtkWidget *panel, const char *text);
char      *ox_debug_console_get_text (GtkWidget *panel);
void       ox_debug_console_append (GtkWidget *panel, const char *category, const char *text);

G_END_DECLS

/*
 * ox-window-menu.h — what the header bar's primary menu needs besides
 * the window's existing actions: the About window ("workstation.about").
 * The menu itself is primary_menu in resources/ui/ox-window.ui (Open…,
 * Save, Save As…, Preferences, Keyboard Shortcuts, About).
 */
#pragma once

#include "ox-window.h"

G_BEGIN_DECLS

/* The About window, transient for win (transfer none: it is shown and
 * destroyed with win). */
GtkWindow *ox_window_show_about (OxWindow *win);
/* The "workstation.about" action's handler (GtkWidgetActionActivateFunc). */
void       ox_window_about_action (GtkWidget *widget, const char *name, GVariant *param);

G_END_DECLS

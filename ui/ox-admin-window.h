/*
 * ox-admin-window.h — the Administration window: the Sessions, Logs,
 * Schedules and Metrics of one connection (embedded or a server), read
 * with SQL (pg_stat_activity, system.log, system.schedules and
 * system.schedule_runs, system.metrics).  Opened from the main window's
 * header bar (Ctrl+Shift+A); one per main window.
 */
#pragma once

#include <adwaita.h>

#include "ox-connection.h"

G_BEGIN_DECLS

#define OX_TYPE_ADMIN_WINDOW (ox_admin_window_get_type ())
G_DECLARE_FINAL_TYPE (OxAdminWindow, ox_admin_window, OX, ADMIN_WINDOW, AdwWindow)

/* A window over connection (a reference is taken), transient for parent. */
OxAdminWindow *ox_admin_window_new (GtkWindow *parent, OxConnection *connection);
/* Point every page at another connection (NULL: none). */
void           ox_admin_window_set_connection (OxAdminWindow *self, OxConnection *connection);
/* Show a page: "sessions", "logs", "schedules" or "metrics". */
void           ox_admin_window_show_page (OxAdminWindow *self, const char *name);
/* The page widget of that name (ox-admin-private.h has its accessors). (transfer none) */
GtkWidget     *ox_admin_window_get_page (OxAdminWindow *self, const char *name);

G_END_DECLS

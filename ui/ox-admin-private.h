/*
 * ox-admin-private.h — what the Administration window's pages share: a
 * row object holding a query result's cells, a read-only table
 * (GtkColumnView) over a list of them, replacing a list's rows in one
 * items-changed, and a poll that runs while a page is on screen.
 *
 * Every page reads through OxConnection's query_async only, so it works
 * the same on an embedded database and on a server.
 */
#pragma once

#include <adwaita.h>

#include "ox-connection.h"

G_BEGIN_DECLS

/* ---- OxAdminRow: one result row ---- */

#define OX_TYPE_ADMIN_ROW (ox_admin_row_get_type ())
G_DECLARE_FINAL_TYPE (OxAdminRow, ox_admin_row, OX, ADMIN_ROW, GObject)

/* cells: a row as query_finish returns it (a GPtrArray of char*, NULL for
 * SQL NULL); copied. */
OxAdminRow *ox_admin_row_new (GPtrArray *cells);
/* Cell i, or NULL (SQL NULL, or no such column). */
const char *ox_admin_row_get (OxAdminRow *row, guint i);

/* ---- tables ---- */

/* A column: its title and the cell it shows. */
typedef struct {
	const char *title;
	guint       cell;
	gboolean    expand;   /* takes the spare width (the query, the message) */
} OxAdminColumn;

/* A column view over model (a GListModel of OxAdminRow) with a single
 * selection (returned in *selection, unowned), named for assistive
 * technology. */
GtkColumnView *ox_admin_table_new (GListModel *model, const OxAdminColumn *cols, guint n_cols,
                                   const char *accessible_name, GtkSingleSelection **selection);
/* Replace the rows of store by rows (a GPtrArray of rows as query_finish
 * gives them) in one splice. */
void           ox_admin_store_replace (GListStore *store, GPtrArray *rows);

/* ---- polling while shown ---- */

/* Call fn (widget) now and every interval_ms while widget is mapped;
 * stops when it is unmapped or destroyed. */
void           ox_admin_poll_while_mapped (GtkWidget *widget, guint interval_ms, void (*fn) (GtkWidget *));

/* A short, one-line timestamp ("2026-11-26 15:20:01") from a timestamptz's text. */
char          *ox_admin_short_time (const char *ts);

/* ---- the pages (ox-admin-sessions.c ...) ---- */

#define OX_TYPE_ADMIN_SESSIONS (ox_admin_sessions_get_type ())
G_DECLARE_FINAL_TYPE (OxAdminSessions, ox_admin_sessions, OX, ADMIN_SESSIONS, GtkBox)
#define OX_TYPE_ADMIN_LOGS (ox_admin_logs_get_type ())
G_DECLARE_FINAL_TYPE (OxAdminLogs, ox_admin_logs, OX, ADMIN_LOGS, GtkBox)
#define OX_TYPE_ADMIN_SCHEDULES (ox_admin_schedules_get_type ())
G_DECLARE_FINAL_TYPE (OxAdminSchedules, ox_admin_schedules, OX, ADMIN_SCHEDULES, GtkBox)
#define OX_TYPE_ADMIN_METRICS (ox_admin_metrics_get_type ())
G_DECLARE_FINAL_TYPE (OxAdminMetrics, ox_admin_metrics, OX, ADMIN_METRICS, GtkBox)

void ox_admin_sessions_set_connection (OxAdminSessions *self, OxConnection *connection);
void ox_admin_logs_set_connection (OxAdminLogs *self, OxConnection *connection);
void ox_admin_schedules_set_connection (OxAdminSchedules *self, OxConnection *connection);
void ox_admin_metrics_set_connection (OxAdminMetrics *self, OxConnection *connection);

/* For tests: the pages' rows and controls. */
GListModel *ox_admin_sessions_get_model (OxAdminSessions *self);
void        ox_admin_sessions_select_pid (OxAdminSessions *self, gint32 pid);
GListModel *ox_admin_logs_get_model (OxAdminLogs *self);          /* the rows shown (filtered) */
gboolean    ox_admin_logs_get_follow (OxAdminLogs *self);
void        ox_admin_logs_set_min_level (OxAdminLogs *self, const char *level);
GtkAdjustment *ox_admin_logs_get_vadjustment (OxAdminLogs *self);
GListModel *ox_admin_schedules_get_model (OxAdminSchedules *self);
GListModel *ox_admin_schedules_get_runs (OxAdminSchedules *self);
void        ox_admin_schedules_select (OxAdminSchedules *self, guint position);
GListModel *ox_admin_metrics_get_model (OxAdminMetrics *self);

G_END_DECLS

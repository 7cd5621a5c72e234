/*
 * ox-window.h — the workstation's main window: a start page (recent
 * databases, open, create, scratch, demo) until a database is open, then
 * the object browser beside SQL editor tabs.  One window, one connection.
 */
#pragma once

#include <adwaita.h>

#include "ox-connection.h"
#include "ox-editor-page.h"
#include "ox-debug-area.h"
#include "ox-object-browser.h"
#include "ox-settings-store.h"
#include "ox-admin-window.h"

G_BEGIN_DECLS

#define OX_TYPE_WINDOW (ox_window_get_type ())
G_DECLARE_FINAL_TYPE (OxWindow, ox_window, OX, WINDOW, AdwApplicationWindow)

/* app may be NULL (tests); store (unowned, must outlive the window) may be
 * NULL: nothing is remembered; demo_sql is the demo database's script. */
OxWindow        *ox_window_new (GtkApplication *app, OxSettingsStore *store, const char *demo_sql);

/* Where --demo keeps its database: $XDG_DATA_HOME/oxibase/demo. */
char            *ox_window_demo_path (void);
/* Open the demo database (created from demo_sql on first use). */
void             ox_window_open_demo (OxWindow *self);
/* Open a database directory (created if missing) or ":memory:". */
void             ox_window_open_path (OxWindow *self, const char *path);

/* Take connection (adopted) as the window's database: the browser, the
 * tabs saved for location, the recent list under kind ("demo",
 * "directory", "memory", "server").  The window must have none yet. */
void             ox_window_adopt_connection (OxWindow *self, OxConnection *connection, const char *kind,
                                             const char *location);
/* The start page says what (an open or a login under way) and disables
 * its actions; NULL: done. */
void             ox_window_set_busy (OxWindow *self, const char *what);

/* NULL until a database is open. (transfer none) */
OxConnection    *ox_window_get_connection (OxWindow *self);
OxObjectBrowser *ox_window_get_browser (OxWindow *self);
/* The selected editor tab, or NULL. (transfer none) */
OxEditorPage    *ox_window_get_current_page (OxWindow *self);
/* A new editor tab holding text (may be NULL), selected. (transfer none) */
OxEditorPage    *ox_window_new_tab (OxWindow *self, const char *title, const char *text);
/* Pop up the query history of this database, searched for search (NULL:
 * everything); activating an entry puts it into the current tab. */
void             ox_window_show_history (OxWindow *self, const char *search);
/* The history popover's list, for tests. (transfer none) */
GtkListBox      *ox_window_get_history_list (OxWindow *self);
/* The debugger area (toolbar and panels). (transfer none) */
OxDebugArea      *ox_window_get_debugger (OxWindow *self);
/* The table data editor on schema.table, in a window of its own (NULL when
 * no database is open). (transfer none) */
struct _OxDataEditor;
struct _OxDataEditor *ox_window_open_table_data (OxWindow *self, const char *schema, const char *table);
/* Open (or raise) the Administration window of this connection; NULL on
 * the start page. (transfer none) */
OxAdminWindow   *ox_window_show_administration (OxWindow *self);
/* Write open tabs and geometry to the settings store (also done on close). */
void             ox_window_save_state (OxWindow *self);
/* uifix: the debugger pane's height in pixels (the saved one while hidden). */
int              ox_window_get_debug_height (OxWindow *self);

G_END_DECLS

/*
 * ox-debug-area.h — the debugger area of a window: the toolbar (Debug,
 * Continue, Step Over, Step Into, Step Out, Pause, Stop) and the panels
 * (Call Stack, Variables, Watch, Breakpoints, Debug Console, Plan) over one
 * OxDebugSession, and the glue to the editor tabs: gutters for
 * breakpoints, the current line highlighted in the right tab, read-only
 * tabs for routine sources served by sourceReference.
 *
 * What can go wrong: Debug while a session runs, a connection that cannot
 * debug, a launch the adapter refuses — each ends in the "failed" signal
 * with a message (the window shows a toast) and the session back to idle.
 */
#pragma once

#include <gtk/gtk.h>

#include "ox-debug-session.h"
#include "ox-editor-page.h"

G_BEGIN_DECLS

#define OX_TYPE_DEBUG_AREA (ox_debug_area_get_type ())
G_DECLARE_FINAL_TYPE (OxDebugArea, ox_debug_area, OX, DEBUG_AREA, GtkBox)

/* Opens a read-only tab holding a routine's source; returns its page.
 * (transfer none) */
typedef OxEditorPage *(*OxDebugAreaOpenSource) (const char *title, const char *text, gpointer user_data);

OxDebugArea     *ox_debug_area_new (void);
void            ox_debug_area_set_open_source (OxDebugArea *self, OxDebugAreaOpenSource func, gpointer user_data);
OxDebugSession *ox_debug_area_get_session (OxDebugArea *self);
/* Breakpoints in page's gutter. */
void            ox_debug_area_attach_page (OxDebugArea *self, OxEditorPage *page);
/* Debug the selection of page, or its whole text, on connection. */
void            ox_debug_area_start (OxDebugArea *self, OxConnection *connection, OxEditorPage *page);
/* F5: Continue when stopped, else Debug. */
void            ox_debug_area_debug_or_continue (OxDebugArea *self, OxConnection *connection, OxEditorPage *page);

/* The panel named name ("Call Stack", "Variables", "Watch", "Breakpoints",
 * "Debug Console"). (transfer none) */
GtkWidget      *ox_debug_area_get_panel (OxDebugArea *self, const char *name);
/* The toolbar's "Step into Queries" toggle. (transfer none) */
GtkWidget      *ox_debug_area_get_step_into_queries (OxDebugArea *self);
/* Where the highlighted line is: its page and line (0 and NULL: none). */
int             ox_debug_area_get_current_line (OxDebugArea *self, OxEditorPage **page);

G_END_DECLS

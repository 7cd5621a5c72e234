/*
 * ox-editor-page.h — one SQL editor tab: a GtkSourceView with Oxibase's SQL
 * language, and below it the results of what it ran (one grid per result
 * set, a Messages tab) with elapsed time and a Cancel button.
 */
#pragma once

#include <gtk/gtk.h>

#include "ox-connection.h"
#include "ox-settings-store.h"
#include "ox-search-bar.h"

G_BEGIN_DECLS

#define OX_TYPE_EDITOR_PAGE (ox_editor_page_get_type ())
G_DECLARE_FINAL_TYPE (OxEditorPage, ox_editor_page, OX, EDITOR_PAGE, GtkWidget)

/* store may be NULL (no history is kept); history_key names the database
 * in the history (its location; NULL: the connection's title). */
OxEditorPage  *ox_editor_page_new (OxConnection *connection, OxSettingsStore *store, const char *history_key);
/* Insert text at the cursor, on a line of its own. */
void           ox_editor_page_insert_statement (OxEditorPage *self, const char *text);
GtkTextBuffer *ox_editor_page_get_buffer (OxEditorPage *self);
GtkWidget     *ox_editor_page_get_source_view (OxEditorPage *self);

/* Run the selection, or else the statement at the cursor (Ctrl+Enter). */
void      ox_editor_page_run_statement (OxEditorPage *self);
/* EXPLAIN the selection or the statement at the cursor (Ctrl+E). */
void      ox_editor_page_explain (OxEditorPage *self);
/* plan: EXPLAIN ANALYZE of the statement at the cursor (Ctrl+Shift+E);
 * both EXPLAINs show their plan in a "Plan" results tab (ox-plan-view.h),
 * returned here (NULL: none). (transfer none) */
void      ox_editor_page_explain_analyze (OxEditorPage *self);
GtkWidget *ox_editor_page_get_plan_view (OxEditorPage *self);
/* Run the whole text (Ctrl+Shift+Enter). */
void      ox_editor_page_run_script (OxEditorPage *self);
void      ox_editor_page_cancel (OxEditorPage *self);
gboolean  ox_editor_page_is_running (OxEditorPage *self);

/* For tests and automation: the results notebook, its grids (the n-th
 * result set's GtkColumnView, or NULL), and the Messages text. */
GtkWidget *ox_editor_page_get_results (OxEditorPage *self);
GtkColumnView *ox_editor_page_get_grid (OxEditorPage *self, guint n);
char      *ox_editor_page_get_messages_text (OxEditorPage *self);
/* The find and replace bar (Ctrl+F). (transfer none) */
OxSearchBar *ox_editor_page_get_search_bar (OxEditorPage *self);
/* The tag that underlines an error in the editor's buffer. */
GtkTextTag *ox_editor_page_get_error_tag (OxEditorPage *self);
const char *ox_editor_page_get_tooltip_at (OxEditorPage *self, const GtkTextIter *iter);

/* The results pane's height in pixels (the window keeps it across restarts). */
int        ox_editor_page_get_results_height (OxEditorPage *self);
void       ox_editor_page_set_results_height (OxEditorPage *self, int height);

/* Debugger hook: the output of a script run under the debugger goes to
 * Messages (error: in the error style). */
void       ox_editor_page_append_output (OxEditorPage *self, const char *text, gboolean error);

G_END_DECLS

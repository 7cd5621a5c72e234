/*
 * ox-routine-editor.h — a function, procedure or trigger opened for
 * editing: an editor tab holding its CREATE OR REPLACE text (as
 * pg_get_functiondef prints it), whose Save (Ctrl+S) runs that text
 * through the connection instead of writing a file.  A compile error is
 * underlined where it is in the tab and explained in Messages.
 */
#pragma once

#include "ox-window.h"

G_BEGIN_DECLS

/* A new routine tab called title holding text, as last saved. */
OxEditorPage *ox_routine_editor_new_tab (OxWindow *win, const char *title, const char *text);
gboolean      ox_routine_editor_is_routine (OxEditorPage *page);
/* TRUE while the text differs from what was last opened or saved. */
gboolean      ox_routine_editor_is_modified (OxEditorPage *page);
/* TRUE while a Save runs. */
gboolean      ox_routine_editor_is_saving (OxEditorPage *page);
/* Run the tab's text (CREATE OR REPLACE ...); on success the tab is
 * clean, on failure the error is underlined and shown in Messages. */
void          ox_routine_editor_save (OxEditorPage *page);
/* The same, then done (saved, data): saved is FALSE when the text did not
 * compile or run (the tab shows why), or a Save already ran. */
void          ox_routine_editor_save_then (OxEditorPage *page, void (*done) (gboolean saved, gpointer data),
                                           gpointer data);

/* Restored tabs (uifix): the routine a tab edits, as its OxCatalogObject
 * (NULL for a new routine's template).  The identity is that object as
 * text, for the settings store; restore_tab opens a routine tab from a
 * saved one and re-reads the routine's definition from the catalog: an
 * unmodified tab shows the database's text, a modified one keeps its
 * text and stays marked as modified against the database's. */
void             ox_routine_editor_set_object (OxEditorPage *page, OxCatalogObject *object);
OxCatalogObject *ox_routine_editor_get_object (OxEditorPage *page);
char            *ox_routine_editor_get_identity (OxEditorPage *page);
OxEditorPage    *ox_routine_editor_restore_tab (OxWindow *win, const char *title, const char *text,
                                                const char *identity, gboolean modified);

G_END_DECLS

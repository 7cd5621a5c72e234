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

G_END_DECLS

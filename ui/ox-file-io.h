/*
 * ox-file-io.h — an editor tab's .sql file: reading and writing it with
 * GFile's asynchronous calls (the main loop never waits on the disk), and
 * the tab's title (the file's name, " •" while the buffer differs from the
 * text last read or written).
 *
 * A tab without a file (a "Query N" tab) is never "modified": its text is
 * kept in the settings store when the window closes, so nothing is lost.
 */
#pragma once

#include <adwaita.h>

#include "ox-editor-page.h"
#include "ox-window.h"

G_BEGIN_DECLS

/* The tab's title follows page's file and modified state from now on;
 * title is its name while it has no file. */
void      ox_file_io_attach (OxEditorPage *page, AdwTabPage *tab, const char *title);
/* The title without the modified marker (what the settings store keeps). */
const char *ox_file_io_get_base_title (OxEditorPage *page);
/* The file the page was read from or last saved to, or NULL. (transfer none) */
GFile    *ox_file_io_get_file (OxEditorPage *page);
gboolean  ox_file_io_is_modified (OxEditorPage *page);
/* The page now shows file, whose contents are saved_text. */
void      ox_file_io_set_file (OxEditorPage *page, GFile *file, const char *saved_text);

/* Write the buffer's text to file (replacing it; a backup is not kept);
 * on success the page's file is file and it is no longer modified. */
void      ox_file_io_save_async (OxEditorPage *page, GFile *file, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean  ox_file_io_save_finish (OxEditorPage *page, GAsyncResult *result, GError **error);

/* Read a file as UTF-8 text (an error if it is not valid UTF-8). */
void      ox_file_io_read_async (GFile *file, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
char     *ox_file_io_read_finish (GAsyncResult *result, GError **error);


/* ---- the window's side (ox-window-files.c) ---- */


/* Open (Ctrl+O): choose .sql files, each opens in a new tab. */
void      ox_window_files_open (OxWindow *win);
/* Read file into a new tab (what Open does for each chosen file). */
void      ox_window_files_open_file (OxWindow *win, GFile *file);
/* Save (Ctrl+S) / Save As (Ctrl+Shift+S) the page: a file chooser when
 * it has no file yet or save_as; errors are shown as a toast. */
void      ox_window_files_save (OxWindow *win, OxEditorPage *page, gboolean save_as);
/* AdwTabView::close-page: a modified tab asks Save / Discard / Cancel. */
gboolean  ox_window_files_close_page_cb (AdwTabView *view, AdwTabPage *tab, OxWindow *win);
/* The window's close-request: TRUE (stop) while modified tabs are asked
 * about; Save saves them all and closes, Discard closes. */
gboolean  ox_window_files_confirm_close (OxWindow *win);

G_END_DECLS

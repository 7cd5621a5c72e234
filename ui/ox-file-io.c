/*
 * ox-file-io.c — an editor tab's .sql file (see ox-file-io.h).
 *
 * The page's file state (its GFile, the text last read or written, the
 * tab it names) hangs on the page as object data, so the editor page
 * itself knows nothing about files.  "Modified" compares the buffer with
 * the saved text on every change: SQL files are small, and a comparison
 * cannot get out of step the way a dirty flag can (an edit undone is not
 * a modification).
 *
 * What can go wrong: a save that fails (disk full, no permission) leaves
 * the page modified and its file unchanged, and the caller shows the
 * error; a page closed while its save runs still gets its file written
 * (the task holds the page), the title update then lands on a dead tab
 * only through a weak pointer.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-file-io.h"

#include <string.h>

typedef struct {
	AdwTabPage *tab;          /* weak pointer: the tab view owns it */
	char       *title;        /* without a file: the tab's name */
	GFile      *file;         /* or NULL */
	char       *saved_text;   /* the file's contents as last read or written */
	gboolean    modified;
} FileState;

static void
file_state_free (gpointer data)
{
	FileState *fs = data;
	if (fs->tab)
		g_object_remove_weak_pointer (G_OBJECT (fs->tab), (gpointer *) &fs->tab);
	g_free (fs->title);
	g_clear_object (&fs->file);
	g_free (fs->saved_text);
	g_free (fs);
}

static FileState *
state (OxEditorPage *page)
{
	FileState *fs = g_object_get_data (G_OBJECT (page), "ox-file-io");
	if (!fs) {
		fs = g_new0 (FileState, 1);
		g_object_set_data_full (G_OBJECT (page), "ox-file-io", fs, file_state_free);
	}
	return fs;
}

static char *
buffer_text (OxEditorPage *page)
{
	GtkTextBuffer *buf = ox_editor_page_get_buffer (page);
	GtkTextIter s, e;
	gtk_text_buffer_get_bounds (buf, &s, &e);
	return gtk_text_buffer_get_text (buf, &s, &e, TRUE);
}

static void
update (OxEditorPage *page)
{
	FileState *fs = state (page);
	if (fs->file) {
		g_autofree char *text = buffer_text (page);
		fs->modified = g_strcmp0 (text, fs->saved_text) != 0;
	} else
		fs->modified = FALSE;
	if (!fs->tab)
		return;
	const char *base = ox_file_io_get_base_title (page);
	g_autofree char *title = fs->modified ? g_strdup_printf ("%s •", base) : g_strdup (base);
	adw_tab_page_set_title (fs->tab, title);
	g_autofree char *tip = fs->file ? g_file_get_parse_name (fs->file) : NULL;
	adw_tab_page_set_tooltip (fs->tab, tip);
}

void
ox_file_io_attach (OxEditorPage *page, AdwTabPage *tab, const char *title)
{
	g_return_if_fail (OX_IS_EDITOR_PAGE (page));
	FileState *fs = state (page);
	g_return_if_fail (fs->tab == NULL);
	fs->tab = tab;
	g_object_add_weak_pointer (G_OBJECT (tab), (gpointer *) &fs->tab);
	g_free (fs->title);
	fs->title = g_strdup (title);
	g_signal_connect_object (ox_editor_page_get_buffer (page), "changed", G_CALLBACK (update), page,
	                         G_CONNECT_SWAPPED);
	update (page);
}

const char *
ox_file_io_get_base_title (OxEditorPage *page)
{
	FileState *fs = state (page);
	return fs->title ? fs->title : "";
}

GFile *
ox_file_io_get_file (OxEditorPage *page)
{
	g_return_val_if_fail (OX_IS_EDITOR_PAGE (page), NULL);
	return state (page)->file;
}

gboolean
ox_file_io_is_modified (OxEditorPage *page)
{
	g_return_val_if_fail (OX_IS_EDITOR_PAGE (page), FALSE);
	return state (page)->modified;
}

void
ox_file_io_set_file (OxEditorPage *page, GFile *file, const char *saved_text)
{
	g_return_if_fail (OX_IS_EDITOR_PAGE (page));
	g_return_if_fail (G_IS_FILE (file));
	FileState *fs = state (page);
	g_set_object (&fs->file, file);
	/* the file's name as it is shown to people (not the raw bytes) */
	g_autofree char *name = g_file_get_basename (file);
	g_free (fs->title);
	fs->title = g_filename_display_name (name);
	g_free (fs->saved_text);
	fs->saved_text = g_strdup (saved_text);
	update (page);
}

/* ---- saving ------------------------------------------------------------------------ */

typedef struct {
	GFile *file;
	char  *text;
} SaveData;

static void
save_data_free (gpointer data)
{
	SaveData *sd = data;
	g_object_unref (sd->file);
	g_free (sd->text);
	g_free (sd);
}

static void
replace_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (GTask) task = user_data;
	GError *error = NULL;
	if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error)) {
		g_task_return_error (task, error);
		return;
	}
	SaveData *sd = g_task_get_task_data (task);
	ox_file_io_set_file (OX_EDITOR_PAGE (g_task_get_source_object (task)), sd->file, sd->text);
	g_task_return_boolean (task, TRUE);
}

void
ox_file_io_save_async (OxEditorPage *page, GFile *file, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
	g_return_if_fail (OX_IS_EDITOR_PAGE (page));
	g_return_if_fail (G_IS_FILE (file));
	GTask *task = g_task_new (page, cancellable, callback, user_data);
	g_task_set_source_tag (task, ox_file_io_save_async);
	SaveData *sd = g_new0 (SaveData, 1);
	sd->file = g_object_ref (file);
	sd->text = buffer_text (page);
	g_task_set_task_data (task, sd, save_data_free);
	/* the text is what was in the buffer now: edits made while the write
	 * runs leave the page modified afterwards, as they should */
	g_autoptr (GBytes) bytes = g_bytes_new (sd->text, strlen (sd->text));
	g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE, cancellable,
	                                     replace_done_cb, task);
}

gboolean
ox_file_io_save_finish (OxEditorPage *page, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (g_task_is_valid (result, page), FALSE);
	return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- reading ------------------------------------------------------------------------ */

static void
load_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (GTask) task = user_data;
	GError *error = NULL;
	char *contents = NULL;
	gsize length = 0;
	if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error)) {
		g_task_return_error (task, error);
		return;
	}
	const char *end = NULL;
	if (!g_utf8_validate_len (contents, length, &end) || memchr (contents, '\0', length)) {
		g_autofree char *name = g_file_get_parse_name (G_FILE (source));
		g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
		                         "%s is not a UTF-8 text file (invalid byte at offset %" G_GSIZE_FORMAT ")",
		                         name, (gsize) ((end ? end : contents) - contents));
		g_free (contents);
		return;
	}
	g_task_return_pointer (task, contents, g_free);
}

void
ox_file_io_read_async (GFile *file, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
	g_return_if_fail (G_IS_FILE (file));
	GTask *task = g_task_new (file, cancellable, callback, user_data);
	g_task_set_source_tag (task, ox_file_io_read_async);
	g_file_load_contents_async (file, cancellable, load_done_cb, task);
}

char *
ox_file_io_read_finish (GAsyncResult *result, GError **error)
{
	return g_task_propagate_pointer (G_TASK (result), error);
}

/*
 * ox-window-files.c — the main window's File actions: Open, Save, Save As
 * (GtkFileChooserNative: GTK 4.8 has no GtkFileDialog), and the questions
 * asked before a modified tab or the window closes (AdwMessageDialog:
 * Save / Discard / Cancel).
 *
 * Only tabs with a file can be modified (ox-file-io.h), so saving on close
 * never needs a file chooser.  What can go wrong: a failed read or write
 * shows a toast and changes nothing (the tab stays open, the window too);
 * the window is destroyed while a dialog is up: every callback holds a
 * reference on the window and the dialog is modal to it.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-file-io.h"
#include "ox-routine-editor.h"  /* routine tabs: changes not yet in the database */

static void
toast (OxWindow *win, const char *text)
{
	GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (ox_window_get_browser (win)),
	                                              ADW_TYPE_TOAST_OVERLAY);
	if (!overlay) {
		g_warning ("%s", text);
		return;
	}
	AdwToast *t = adw_toast_new (text);
	adw_toast_set_timeout (t, 8);
	adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), t);
}

static GtkFileFilter *
sql_filter (void)
{
	GtkFileFilter *f = gtk_file_filter_new ();
	gtk_file_filter_set_name (f, "SQL scripts");
	gtk_file_filter_add_pattern (f, "*.sql");
	gtk_file_filter_add_mime_type (f, "application/sql");
	return f;
}

/* ---- Open ------------------------------------------------------------------------- */

typedef struct {
	OxWindow *win;   /* strong */
	GFile    *file;
} OpenData;

static void
read_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	(void) source;
	OpenData *od = user_data;
	g_autoptr (GError) error = NULL;
	g_autofree char *text = ox_file_io_read_finish (result, &error);
	if (!text)
		toast (od->win, error->message);
	else if (!ox_window_get_connection (od->win))
		toast (od->win, "Open a database before opening SQL files");
	else {
		OxEditorPage *page = ox_window_new_tab (od->win, NULL, text);
		ox_file_io_set_file (page, od->file, text);
	}
	g_object_unref (od->win);
	g_object_unref (od->file);
	g_free (od);
}

void
ox_window_files_open_file (OxWindow *win, GFile *file)
{
	g_return_if_fail (OX_IS_WINDOW (win));
	OpenData *od = g_new0 (OpenData, 1);
	od->win = g_object_ref (win);
	od->file = g_object_ref (file);
	ox_file_io_read_async (od->file, NULL, read_done_cb, od);
}

static void
open_response_cb (GtkNativeDialog *dialog, int response, gpointer data)
{
	OxWindow *win = data;
	if (response == GTK_RESPONSE_ACCEPT) {
		G_GNUC_BEGIN_IGNORE_DEPRECATIONS
		g_autoptr (GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
		G_GNUC_END_IGNORE_DEPRECATIONS
		for (guint i = 0; i < g_list_model_get_n_items (files); i++) {
			g_autoptr (GFile) file = g_list_model_get_item (files, i);
			ox_window_files_open_file (win, file);
		}
	}
	g_object_unref (dialog);
	g_object_unref (win);
}

void
ox_window_files_open (OxWindow *win)
{
	G_GNUC_BEGIN_IGNORE_DEPRECATIONS
	GtkFileChooserNative *dialog = gtk_file_chooser_native_new ("Open SQL Files", GTK_WINDOW (win),
		GTK_FILE_CHOOSER_ACTION_OPEN, "_Open", "_Cancel");
	gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);
	gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), sql_filter ());
	G_GNUC_END_IGNORE_DEPRECATIONS
	g_signal_connect (dialog, "response", G_CALLBACK (open_response_cb), g_object_ref (win));
	gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- Save -------------------------------------------------------------------------- */

typedef void (*SavedFunc) (gboolean saved, gpointer data);

typedef struct {
	OxWindow     *win;    /* strong */
	OxEditorPage *page;   /* strong */
	SavedFunc     done;
	gpointer      data;
} SaveData;

static void
save_data_finish (SaveData *sd, gboolean saved)
{
	if (sd->done)
		sd->done (saved, sd->data);
	g_object_unref (sd->win);
	g_object_unref (sd->page);
	g_free (sd);
}

static void
saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	SaveData *sd = user_data;
	g_autoptr (GError) error = NULL;
	gboolean ok = ox_file_io_save_finish (OX_EDITOR_PAGE (source), result, &error);
	if (!ok)
		toast (sd->win, error->message);
	save_data_finish (sd, ok);
}

static void
save_response_cb (GtkNativeDialog *dialog, int response, gpointer data)
{
	SaveData *sd = data;
	g_autoptr (GFile) file = NULL;
	if (response == GTK_RESPONSE_ACCEPT) {
		G_GNUC_BEGIN_IGNORE_DEPRECATIONS
		file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
		G_GNUC_END_IGNORE_DEPRECATIONS
	}
	g_object_unref (dialog);
	if (file)
		ox_file_io_save_async (sd->page, file, NULL, saved_cb, sd);
	else
		save_data_finish (sd, FALSE);
}

static void
save_page (OxWindow *win, OxEditorPage *page, gboolean save_as, SavedFunc done, gpointer data)
{
	SaveData *sd = g_new0 (SaveData, 1);
	sd->win = g_object_ref (win);
	sd->page = g_object_ref (page);
	sd->done = done;
	sd->data = data;
	GFile *file = ox_file_io_get_file (page);
	if (file && !save_as) {
		ox_file_io_save_async (page, file, NULL, saved_cb, sd);
		return;
	}
	G_GNUC_BEGIN_IGNORE_DEPRECATIONS
	GtkFileChooserNative *dialog = gtk_file_chooser_native_new ("Save SQL File", GTK_WINDOW (win),
		GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");
	gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), sql_filter ());
	if (file)
		gtk_file_chooser_set_file (GTK_FILE_CHOOSER (dialog), file, NULL);
	else {
		g_autofree char *name = g_strdup_printf ("%s.sql", ox_file_io_get_base_title (page));
		gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
	}
	G_GNUC_END_IGNORE_DEPRECATIONS
	g_signal_connect (dialog, "response", G_CALLBACK (save_response_cb), sd);
	gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

void
ox_window_files_save (OxWindow *win, OxEditorPage *page, gboolean save_as)
{
	g_return_if_fail (OX_IS_WINDOW (win));
	if (page)
		save_page (win, page, save_as, NULL, NULL);
}

/* ---- closing ------------------------------------------------------------------------ */

static AdwMessageDialog *
ask (OxWindow *win, const char *heading, const char *body)
{
	AdwMessageDialog *d = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (win), heading, body));
	adw_message_dialog_add_responses (d, "cancel", "_Cancel", "discard", "_Discard", "save", "_Save", NULL);
	adw_message_dialog_set_response_appearance (d, "discard", ADW_RESPONSE_DESTRUCTIVE);
	adw_message_dialog_set_response_appearance (d, "save", ADW_RESPONSE_SUGGESTED);
	adw_message_dialog_set_default_response (d, "save");
	adw_message_dialog_set_close_response (d, "cancel");
	return d;
}

typedef struct {
	OxWindow   *win;   /* strong */
	AdwTabView *view;  /* strong */
	AdwTabPage *tab;   /* strong */
} CloseData;

static void
close_data_free (CloseData *cd)
{
	g_object_unref (cd->win);
	g_object_unref (cd->view);
	g_object_unref (cd->tab);
	g_free (cd);
}

/* A tab with changes to lose: a file's text not written, or a routine
 * tab's text not yet run against the database. */
static gboolean
page_is_modified (OxEditorPage *page)
{
	return ox_file_io_is_modified (page) || ox_routine_editor_is_modified (page);
}

/* Save what the tab is: a routine tab runs its CREATE OR REPLACE, any
 * other writes its file. */
static void
save_any (OxWindow *win, OxEditorPage *page, SavedFunc done, gpointer data)
{
	if (ox_routine_editor_is_routine (page))
		ox_routine_editor_save_then (page, done, data);
	else
		save_page (win, page, FALSE, done, data);
}

static void
close_saved (gboolean saved, gpointer data)
{
	CloseData *cd = data;
	adw_tab_view_close_page_finish (cd->view, cd->tab, saved);
	close_data_free (cd);
}

static void
close_page_response_cb (AdwMessageDialog *d, const char *response, CloseData *cd)
{
	/* one answer only: closing the dialog afterwards emits its close response too */
	g_signal_handlers_disconnect_by_data (d, cd);
	if (!g_strcmp0 (response, "save"))
		save_any (cd->win, OX_EDITOR_PAGE (adw_tab_page_get_child (cd->tab)), close_saved, cd);
	else {
		adw_tab_view_close_page_finish (cd->view, cd->tab, !g_strcmp0 (response, "discard"));
		close_data_free (cd);
	}
}

gboolean
ox_window_files_close_page_cb (AdwTabView *view, AdwTabPage *tab, OxWindow *win)
{
	OxEditorPage *page = OX_EDITOR_PAGE (adw_tab_page_get_child (tab));
	if (!page_is_modified (page))
		return GDK_EVENT_PROPAGATE;   /* the default handler closes it */
	g_autofree char *body = ox_routine_editor_is_routine (page)
		? g_strdup_printf ("%s has changes that are not saved to the database.", ox_file_io_get_base_title (page))
		: g_strdup_printf ("%s has changes that are not saved.", ox_file_io_get_base_title (page));
	AdwMessageDialog *d = ask (win, "Save Changes?", body);
	CloseData *cd = g_new0 (CloseData, 1);
	cd->win = g_object_ref (win);
	cd->view = g_object_ref (view);
	cd->tab = g_object_ref (tab);
	g_signal_connect (d, "response", G_CALLBACK (close_page_response_cb), cd);
	gtk_window_present (GTK_WINDOW (d));
	return GDK_EVENT_STOP;
}

/* The window's close: every modified tab saved, then the window closes. */
typedef struct {
	OxWindow *win;     /* strong */
	guint     pending;
	gboolean  failed;
} CloseAll;

static void
close_all_saved (gboolean saved, gpointer data)
{
	CloseAll *ca = data;
	if (!saved)
		ca->failed = TRUE;
	if (--ca->pending > 0)
		return;
	if (!ca->failed) {
		g_object_set_data (G_OBJECT (ca->win), "ox-files-confirmed", GINT_TO_POINTER (1));
		gtk_window_close (GTK_WINDOW (ca->win));
	}
	g_object_unref (ca->win);
	g_free (ca);
}

static GPtrArray *
modified_pages (OxWindow *win)
{
	GPtrArray *pages = g_ptr_array_new ();
	OxEditorPage *cur = ox_window_get_current_page (win);
	if (!cur)
		return pages;
	AdwTabView *view = ADW_TAB_VIEW (gtk_widget_get_ancestor (GTK_WIDGET (cur), ADW_TYPE_TAB_VIEW));
	for (int i = 0; view && i < adw_tab_view_get_n_pages (view); i++) {
		OxEditorPage *p = OX_EDITOR_PAGE (adw_tab_page_get_child (adw_tab_view_get_nth_page (view, i)));
		if (page_is_modified (p))
			g_ptr_array_add (pages, p);
	}
	return pages;
}

static void
close_window_response_cb (AdwMessageDialog *d, const char *response, OxWindow *win)
{
	g_signal_handlers_disconnect_by_data (d, win);  /* one answer only (see above) */
	if (!g_strcmp0 (response, "discard")) {
		g_object_set_data (G_OBJECT (win), "ox-files-confirmed", GINT_TO_POINTER (1));
		gtk_window_close (GTK_WINDOW (win));
	} else if (!g_strcmp0 (response, "save")) {
		g_autoptr (GPtrArray) pages = modified_pages (win);
		CloseAll *ca = g_new0 (CloseAll, 1);
		ca->win = g_object_ref (win);
		ca->pending = pages->len;
		for (guint i = 0; i < pages->len; i++)
			save_any (win, pages->pdata[i], close_all_saved, ca);
	}
	g_object_unref (win);
}

gboolean
ox_window_files_confirm_close (OxWindow *win)
{
	if (g_object_get_data (G_OBJECT (win), "ox-files-confirmed"))
		return FALSE;
	g_autoptr (GPtrArray) pages = modified_pages (win);
	if (pages->len == 0)
		return FALSE;
	g_autofree char *body = pages->len == 1
		? g_strdup_printf ("%s has changes that are not saved.", ox_file_io_get_base_title (pages->pdata[0]))
		: g_strdup_printf ("%u tabs have changes that are not saved.", pages->len);
	AdwMessageDialog *d = ask (win, "Save Changes?", body);
	g_signal_connect (d, "response", G_CALLBACK (close_window_response_cb), g_object_ref (win));
	gtk_window_present (GTK_WINDOW (d));
	return TRUE;
}

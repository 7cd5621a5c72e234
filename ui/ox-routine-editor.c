/*
 * ox-routine-editor.c — routine tabs (see the header).
 *
 * A routine tab is an ordinary editor tab with a RoutineState on it
 * (object data): the connection, the text last saved, and the Save under
 * way.  Save runs the whole text as a script, so an error's position is
 * already a position in the tab; PL/SQL and Lua compile errors carry the
 * position of the offending token in the body (the engine adds the body's
 * offset), so the underline lands on the right line of the body.
 *
 * NOTE: the tab's title is set by ox-file-io on every change (a tab
 * without a file is never modified there); our "changed" handler runs
 * after it and adds the " •" marker while the text differs from the
 * saved one.
 * What can go wrong: the tab is closed while Save runs (the run holds a
 * weak reference and its results fall on the floor); a Save while one
 * runs is ignored.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-routine-editor.h"
#include "ox-file-io.h"
#include "ox-object-actions.h"  /* uifix: restored tabs re-read their definition */

#include <adwaita.h>
#include <string.h>

typedef struct {
	OxConnection *connection;  /* owned */
	char         *title;       /* without the marker */
	char         *saved_text;
	gboolean      saving;
	OxCatalogObject *object;   /* uifix: the routine edited, or NULL (a new one) */
} RoutineState;

static void
routine_state_free (gpointer data)
{
	RoutineState *rs = data;
	g_clear_object (&rs->connection);
	g_free (rs->title);
	g_free (rs->saved_text);
	g_clear_object (&rs->object);
	g_free (rs);
}

static RoutineState *
state (OxEditorPage *page)
{
	return g_object_get_data (G_OBJECT (page), "ox-routine-editor");
}

static char *
buffer_text (OxEditorPage *page)
{
	GtkTextBuffer *buf = ox_editor_page_get_buffer (page);
	GtkTextIter s, e;
	gtk_text_buffer_get_bounds (buf, &s, &e);
	return gtk_text_buffer_get_text (buf, &s, &e, TRUE);
}

gboolean
ox_routine_editor_is_routine (OxEditorPage *page)
{
	g_return_val_if_fail (OX_IS_EDITOR_PAGE (page), FALSE);
	return state (page) != NULL;
}

gboolean
ox_routine_editor_is_modified (OxEditorPage *page)
{
	g_return_val_if_fail (OX_IS_EDITOR_PAGE (page), FALSE);
	RoutineState *rs = state (page);
	if (!rs)
		return FALSE;
	g_autofree char *text = buffer_text (page);
	return g_strcmp0 (text, rs->saved_text) != 0;
}

gboolean
ox_routine_editor_is_saving (OxEditorPage *page)
{
	g_return_val_if_fail (OX_IS_EDITOR_PAGE (page), FALSE);
	RoutineState *rs = state (page);
	return rs && rs->saving;
}

static void
update_title (OxEditorPage *page)
{
	RoutineState *rs = state (page);
	GtkWidget *view = gtk_widget_get_ancestor (GTK_WIDGET (page), ADW_TYPE_TAB_VIEW);
	AdwTabPage *tab = view ? adw_tab_view_get_page (ADW_TAB_VIEW (view), GTK_WIDGET (page)) : NULL;
	if (!rs || !tab)
		return;
	g_autofree char *title = ox_routine_editor_is_modified (page) ? g_strdup_printf ("%s •", rs->title)
	                                                              : g_strdup (rs->title);
	adw_tab_page_set_title (tab, title);
}

OxEditorPage *
ox_routine_editor_new_tab (OxWindow *win, const char *title, const char *text)
{
	g_return_val_if_fail (OX_IS_WINDOW (win), NULL);
	OxEditorPage *page = ox_window_new_tab (win, title, text);
	RoutineState *rs = g_new0 (RoutineState, 1);
	rs->connection = g_object_ref (ox_window_get_connection (win));
	rs->title = g_strdup (title);
	rs->saved_text = g_strdup (text);
	g_object_set_data_full (G_OBJECT (page), "ox-routine-editor", rs, routine_state_free);
	/* after ox-file-io's handler, which resets the title */
	g_signal_connect_object (ox_editor_page_get_buffer (page), "changed", G_CALLBACK (update_title), page,
	                         G_CONNECT_SWAPPED);
	/* the opened text is not an edit to undo */
	GtkTextBuffer *buf = ox_editor_page_get_buffer (page);
	gtk_text_buffer_begin_irreversible_action (buf);
	gtk_text_buffer_end_irreversible_action (buf);
	GtkTextIter start;
	gtk_text_buffer_get_start_iter (buf, &start);
	gtk_text_buffer_place_cursor (buf, &start);
	update_title (page);
	return page;
}

/* ---- Save ------------------------------------------------------------------------- */

typedef struct {
	GWeakRef       page;
	char          *text;    /* what ran */
	OxServerError *error;   /* the first error, or NULL */
	char          *tags;    /* command tags of what succeeded, one a line */
	void         (*done) (gboolean saved, gpointer data);  /* or NULL */
	gpointer       done_data;
} SaveRun;

static void
save_run_free (gpointer data)
{
	SaveRun *sr = data;
	g_weak_ref_clear (&sr->page);
	g_free (sr->text);
	g_clear_pointer (&sr->error, ox_server_error_free);
	g_free (sr->tags);
	g_free (sr);
}

static void
save_batch_cb (OxBatch *batch, gpointer user_data)
{
	SaveRun *sr = user_data;
	if (batch->kind == OX_BATCH_ERROR && !sr->error)
		sr->error = ox_server_error_copy (batch->error);
	else if (batch->kind == OX_BATCH_DONE) {
		char *t = g_strconcat (sr->tags ? sr->tags : "", sr->tags ? "\n" : "", batch->command_tag, NULL);
		g_free (sr->tags);
		sr->tags = t;
	}
}

/* Underline the token at the error's position (1-based characters). */
static void
underline (OxEditorPage *page, int position)
{
	GtkTextBuffer *buf = ox_editor_page_get_buffer (page);
	GtkTextTag *tag = ox_editor_page_get_error_tag (page);
	GtkTextIter s, e;
	gtk_text_buffer_get_bounds (buf, &s, &e);
	gtk_text_buffer_remove_tag (buf, tag, &s, &e);
	if (position <= 0)
		return;
	int n = gtk_text_buffer_get_char_count (buf);
	gtk_text_buffer_get_iter_at_offset (buf, &s, CLAMP (position - 1, 0, n));
	e = s;
	if (gtk_text_iter_inside_word (&e) && !gtk_text_iter_ends_word (&e))
		gtk_text_iter_forward_word_end (&e);
	else
		gtk_text_iter_forward_char (&e);
	if (gtk_text_iter_equal (&s, &e))
		gtk_text_iter_backward_char (&s);
	gtk_text_buffer_apply_tag (buf, tag, &s, &e);
	gtk_text_buffer_place_cursor (buf, &s);
}

static void
save_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	SaveRun *sr = user_data;
	g_autoptr (GError) error = NULL;
	gboolean ok = ox_connection_run_finish (OX_CONNECTION (source), result, &error);
	g_autoptr (OxEditorPage) page = g_weak_ref_get (&sr->page);
	RoutineState *rs = page ? state (page) : NULL;
	if (rs) {
		rs->saving = FALSE;
		if (ok && !sr->error) {
			g_free (rs->saved_text);
			rs->saved_text = g_strdup (sr->text);
			underline (page, 0);
			ox_editor_page_append_output (page, sr->tags ? sr->tags : "saved", FALSE);
		} else if (sr->error) {
			OxServerError *e = sr->error;
			int line = 1;
			const char *p = sr->text;
			for (int i = 1; i < e->position && *p; i++, p = g_utf8_next_char (p))
				if (*p == '\n')
					line++;
			g_autofree char *msg = g_strdup_printf ("ERROR:  %s: %s%s%s%s%s\nLINE %d of the tab", e->sqlstate,
				e->message, e->hint ? "\nHINT:  " : "", e->hint ? e->hint : "",
				e->context ? "\nCONTEXT:  " : "", e->context ? e->context : "", line);
			ox_editor_page_append_output (page, msg, TRUE);
			underline (page, e->position);
			GtkNotebook *results = GTK_NOTEBOOK (ox_editor_page_get_results (page));
			gtk_notebook_set_current_page (results, gtk_notebook_get_n_pages (results) - 1);
		} else if (error)
			ox_editor_page_append_output (page, error->message, TRUE);
		update_title (page);
	}
	if (sr->done)
		sr->done (rs && ok && !sr->error, sr->done_data);
	save_run_free (sr);
}

void
ox_routine_editor_save_then (OxEditorPage *page, void (*done) (gboolean saved, gpointer data), gpointer data)
{
	g_return_if_fail (OX_IS_EDITOR_PAGE (page));
	RoutineState *rs = state (page);
	if (!rs || rs->saving) {
		if (done)
			done (FALSE, data);
		return;
	}
	rs->saving = TRUE;
	SaveRun *sr = g_new0 (SaveRun, 1);
	g_weak_ref_init (&sr->page, page);
	sr->text = buffer_text (page);
	sr->done = done;
	sr->done_data = data;
	ox_connection_run_async (rs->connection, sr->text, save_batch_cb, sr, NULL, NULL, save_done_cb, sr);
}

void
ox_routine_editor_save (OxEditorPage *page)
{
	ox_routine_editor_save_then (page, NULL, NULL);
}

/* ---- restored tabs (uifix) ---------------------------------------------------------------- */

void
ox_routine_editor_set_object (OxEditorPage *page, OxCatalogObject *object)
{
	g_return_if_fail (OX_IS_EDITOR_PAGE (page));
	RoutineState *rs = state (page);
	g_return_if_fail (rs != NULL);
	g_set_object (&rs->object, object);
}

OxCatalogObject *
ox_routine_editor_get_object (OxEditorPage *page)
{
	g_return_val_if_fail (OX_IS_EDITOR_PAGE (page), NULL);
	RoutineState *rs = state (page);
	return rs ? rs->object : NULL;
}

/* (kind, schema, table, name, detail) in GVariant text: the kind by its
 * name, so the text does not depend on the enum's numbering. */
char *
ox_routine_editor_get_identity (OxEditorPage *page)
{
	OxCatalogObject *o = ox_routine_editor_get_object (page);
	if (!o)
		return NULL;
	const char *t = ox_catalog_object_get_table (o), *d = ox_catalog_object_get_detail (o);
	g_autoptr (GVariant) v = g_variant_ref_sink (g_variant_new ("(ssssss)", "routine",
		ox_object_kind_name (ox_catalog_object_get_kind (o)), ox_catalog_object_get_schema (o),
		t ? t : "", ox_catalog_object_get_name (o), d ? d : ""));
	return g_variant_print (v, FALSE);
}

static OxCatalogObject *
object_from_identity (const char *identity)
{
	g_autoptr (GVariant) v = identity ? g_variant_parse (G_VARIANT_TYPE ("(ssssss)"), identity, NULL, NULL, NULL) : NULL;
	if (!v)
		return NULL;
	const char *tag, *kind, *schema, *table, *name, *detail;
	g_variant_get (v, "(&s&s&s&s&s&s)", &tag, &kind, &schema, &table, &name, &detail);
	static const OxObjectKind kinds[] = { OX_OBJECT_FUNCTION, OX_OBJECT_PROCEDURE, OX_OBJECT_TRIGGER };
	for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
		if (!strcmp (kind, ox_object_kind_name (kinds[i])))
			return ox_catalog_object_new (kinds[i], schema, *table ? table : NULL, name, *detail ? detail : NULL);
	return NULL;  /* not a routine: the tab stays a routine tab without one */
}

typedef struct {
	GWeakRef page;
	gboolean modified;
} Reread;

static void
reread_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	(void) source;
	Reread *rr = data;
	g_autoptr (GError) error = NULL;
	g_autofree char *text = ox_object_definition_finish (result, &error);
	g_autoptr (OxEditorPage) page = g_weak_ref_get (&rr->page);
	RoutineState *rs = page ? state (page) : NULL;
	if (rs && text) {
		g_free (rs->saved_text);
		rs->saved_text = g_strdup (text);
		if (!rr->modified) {
			/* the database's text, which may have changed since */
			GtkTextBuffer *buf = ox_editor_page_get_buffer (page);
			gtk_text_buffer_begin_irreversible_action (buf);
			gtk_text_buffer_set_text (buf, text, -1);
			gtk_text_buffer_end_irreversible_action (buf);
			GtkTextIter start;
			gtk_text_buffer_get_start_iter (buf, &start);
			gtk_text_buffer_place_cursor (buf, &start);
		}
		update_title (page);
	} else if (rs && error)
		ox_editor_page_append_output (page, error->message, TRUE);  /* dropped meanwhile: said in Messages */
	g_weak_ref_clear (&rr->page);
	g_free (rr);
}

OxEditorPage *
ox_routine_editor_restore_tab (OxWindow *win, const char *title, const char *text, const char *identity,
                               gboolean modified)
{
	g_return_val_if_fail (OX_IS_WINDOW (win), NULL);
	OxEditorPage *page = ox_routine_editor_new_tab (win, title, text);
	g_autoptr (OxCatalogObject) o = object_from_identity (identity);
	if (!o)
		return page;
	ox_routine_editor_set_object (page, o);
	Reread *rr = g_new0 (Reread, 1);
	g_weak_ref_init (&rr->page, page);
	rr->modified = modified;
	ox_object_definition_async (ox_window_get_connection (win), o, NULL, reread_cb, rr);
	return page;
}

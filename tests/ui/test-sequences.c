/*
 * test-sequences.c — sequences in the workstation: the object browser's
 * Sequences folder lists them (after DDL run from the editor), Open
 * Definition writes a CREATE SEQUENCE that runs back into an equal
 * sequence (and ALTER SEQUENCE ... OWNED BY for a serial column's), and
 * Drop shows DROP SEQUENCE and removes the row; a table's definition
 * keeps its identity column.
 *
 * What this catches: the catalog reader's sequence query failing or
 * missing (the folder stays empty), a definition that loses an option or
 * does not parse, the drop dialog naming the wrong statement.
 */
#include "ui-test-util.h"
#include "ox-object-actions.h"

#include <string.h>

typedef struct {
	OxWindow   *win;
	const char *title;
} TabWait;

static gboolean
tab_titled (gpointer data)
{
	TabWait *w = data;
	OxEditorPage *page = ox_window_get_current_page (w->win);
	if (!page)
		return FALSE;
	GtkWidget *view = gtk_widget_get_ancestor (GTK_WIDGET (page), ADW_TYPE_TAB_VIEW);
	AdwTabPage *tp = adw_tab_view_get_page (ADW_TAB_VIEW (view), GTK_WIDGET (page));
	return g_str_has_prefix (adw_tab_page_get_title (tp), w->title);
}

static char *
buffer_text (OxEditorPage *page)
{
	GtkTextBuffer *buf = ox_editor_page_get_buffer (page);
	GtkTextIter s, e;
	gtk_text_buffer_get_bounds (buf, &s, &e);
	return gtk_text_buffer_get_text (buf, &s, &e, TRUE);
}

static gboolean
row_gone (gpointer data)
{
	void **d = data;
	g_autoptr (GtkTreeListRow) row = find_row (d[0], d[1], d[2]);
	return row == NULL;
}

static void
test_sequences (void)
{
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_get_current_page (win);
	set_text (page, "CREATE SEQUENCE ticket_no AS integer INCREMENT BY 5 MINVALUE 10 MAXVALUE 5000 START 20 CYCLE;\n"
	                "CREATE TABLE notes (id serial PRIMARY KEY, body text);\n"
	                "CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY, what text);\n", NULL);
	run (page, "editor.run-script");
	g_autofree char *msgs = ox_editor_page_get_messages_text (page);
	g_assert_null (strstr (msgs, "ERROR"));

	GtkTreeListModel *tree = ox_object_browser_get_tree (ox_window_get_browser (win));
	g_autoptr (GtkTreeListRow) pub = wait_row (tree, NULL, "public");
	gtk_tree_list_row_set_expanded (pub, TRUE);
	g_autoptr (GtkTreeListRow) folder = wait_row (tree, pub, "Sequences");
	gtk_tree_list_row_set_expanded (folder, TRUE);
	g_autoptr (GtkTreeListRow) serial = wait_row (tree, folder, "notes_id_seq");
	g_autoptr (GtkTreeListRow) row = wait_row (tree, folder, "ticket_no");
	screenshot (win, "sequences");

	/* Open Definition: every option spelled out */
	ox_object_browser_select (ox_window_get_browser (win), row);
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.open-definition", NULL));
	TabWait tw = { win, "ticket_no" };
	wait_until (tab_titled, &tw, "the definition tab");
	OxEditorPage *dp = ox_window_get_current_page (win);
	g_autofree char *def = buffer_text (dp);
	g_assert_cmpstr (def, ==, "CREATE SEQUENCE public.ticket_no\n    AS integer\n    START WITH 20\n    INCREMENT BY 5\n"
	                          "    MINVALUE 10\n    MAXVALUE 5000\n    CACHE 1\n    CYCLE;\n");

	/* ... and a serial column's sequence says which column owns it */
	ox_object_browser_select (ox_window_get_browser (win), serial);
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.open-definition", NULL));
	TabWait tw2 = { win, "notes_id_seq" };
	wait_until (tab_titled, &tw2, "the serial sequence's definition tab");
	g_autofree char *sdef = buffer_text (ox_window_get_current_page (win));
	g_assert_nonnull (strstr (sdef, "CREATE SEQUENCE public.notes_id_seq\n    AS integer\n"));
	g_assert_nonnull (strstr (sdef, "\nALTER SEQUENCE public.notes_id_seq OWNED BY public.notes.id;\n"));

	/* the definition runs back: the same text under another name */
	g_auto (GStrv) parts = g_strsplit (def, "ticket_no", -1);
	g_autofree char *copy = g_strjoinv ("ticket_copy", parts);
	set_text (dp, copy, NULL);
	run (dp, "editor.run-script");
	g_autofree char *msgs2 = ox_editor_page_get_messages_text (dp);
	g_assert_null (strstr (msgs2, "ERROR"));
	g_object_unref (wait_row (tree, folder, "ticket_copy"));

	/* a table's definition keeps its identity column */
	g_autoptr (GtkTreeListRow) tables = wait_row (tree, pub, "Tables");
	gtk_tree_list_row_set_expanded (tables, TRUE);
	g_autoptr (GtkTreeListRow) ev = wait_row (tree, tables, "events");
	ox_object_browser_select (ox_window_get_browser (win), ev);
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.open-definition", NULL));
	TabWait tw3 = { win, "events" };
	wait_until (tab_titled, &tw3, "the table's definition tab");
	g_autofree char *edef = buffer_text (ox_window_get_current_page (win));
	g_assert_true (g_str_has_prefix (edef, "CREATE TABLE public.events (\n"
	                                       "    id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,\n"));

	/* Drop shows DROP SEQUENCE and removes the row */
	ox_object_browser_select (ox_window_get_browser (win), row);
	g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "objects.drop", NULL));
	wait_until (message_dialog_shown, NULL, "the drop dialog");
	AdwMessageDialog *dialog = find_message_dialog (NULL, NULL);
	g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, "DROP SEQUENCE public.ticket_no;");
	adw_message_dialog_response (dialog, "drop");
	gtk_window_destroy (GTK_WINDOW (dialog));
	void *gone[3] = { tree, folder, (void *) "ticket_no" };
	wait_until (row_gone, gone, "ticket_no gone from the browser");
	gtk_window_destroy (GTK_WINDOW (win));
}

int
main (int argc, char **argv)
{
	ui_test_init (&argc, &argv);
	g_test_add_func ("/ui/sequences/browse-define-drop", test_sequences);
	int rc = g_test_run ();
	ui_test_finish ();
	return rc;
}

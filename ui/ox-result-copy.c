/*
 * ox-result-copy.c — copy cells, rows and selections of a result grid
 * (see the header).
 *
 * NOTE: a list item's widget is recycled as the view scrolls, so the menu
 * reads the item's position when it opens, not when the cell was set up.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-result-copy.h"
#include "ox-export.h"
#include "ox-result-row.h"

char *
ox_result_copy_cell_text (GtkColumnView *grid, guint row, guint col)
{
	OxExportSource src;
	if (!ox_export_source_from_grid (grid, &src) || col >= src.n_columns ||
	    row >= g_list_model_get_n_items (src.rows))
		return NULL;
	g_autoptr (OxResultRow) r = g_list_model_get_item (src.rows, row);
	const char *v = ox_result_row_get_cell (r, col);
	return g_strdup (v ? v : "");
}

gboolean
ox_result_copy_cell (GtkColumnView *grid, guint row, guint col)
{
	g_autofree char *text = ox_result_copy_cell_text (grid, row, col);
	if (!text)
		return FALSE;
	gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (grid)), text);
	return TRUE;
}

gboolean
ox_result_copy_row (GtkColumnView *grid, guint row)
{
	OxExportSource src;
	if (!ox_export_source_from_grid (grid, &src) || row >= g_list_model_get_n_items (src.rows))
		return FALSE;
	g_autofree char *text = ox_export_tsv (&src, &row, 1);
	gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (grid)), text);
	return TRUE;
}

gboolean
ox_result_copy_selection (GtkColumnView *grid)
{
	return ox_export_copy_selection (grid);
}

/* ---- the context menu ------------------------------------------------------------ */

typedef enum { COPY_CELL, COPY_ROW, COPY_SELECTION } CopyWhat;

static void
menu_clicked_cb (GtkButton *button, gpointer data)
{
	CopyWhat what = GPOINTER_TO_INT (data);
	GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_POPOVER);
	GtkColumnView *grid = g_object_get_data (G_OBJECT (popover), "ox-grid");
	guint row = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (popover), "ox-row"));
	guint col = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (popover), "ox-col"));
	if (grid) {
		if (what == COPY_CELL)
			ox_result_copy_cell (grid, row, col);
		else if (what == COPY_ROW)
			ox_result_copy_row (grid, row);
		else
			ox_result_copy_selection (grid);
	}
	gtk_popover_popdown (GTK_POPOVER (popover));
}

static void
popover_closed_cb (GtkPopover *popover)
{
	/* after the click is handled: unparenting inside it would free the button */
	g_idle_add_once ((GSourceOnceFunc) gtk_widget_unparent, popover);
}

static void
pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, gpointer data)
{
	(void) n_press;
	GtkListItem *item = data;
	GtkWidget *cell = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
	GtkWidget *grid = gtk_widget_get_ancestor (cell, GTK_TYPE_COLUMN_VIEW);
	guint pos = gtk_list_item_get_position (item);
	if (!grid || pos == GTK_INVALID_LIST_POSITION)
		return;
	GtkWidget *popover = gtk_popover_new ();
	GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
	static const char *const labels[] = { "Copy _Cell", "Copy _Row", "Copy _Selection" };
	for (guint i = 0; i < G_N_ELEMENTS (labels); i++) {
		GtkWidget *b = gtk_button_new_with_mnemonic (labels[i]);
		gtk_widget_add_css_class (b, "flat");
		g_signal_connect (b, "clicked", G_CALLBACK (menu_clicked_cb), GINT_TO_POINTER (i));
		gtk_box_append (GTK_BOX (box), b);
	}
	gtk_popover_set_child (GTK_POPOVER (popover), box);
	g_object_set_data (G_OBJECT (popover), "ox-grid", grid);
	g_object_set_data (G_OBJECT (popover), "ox-row", GUINT_TO_POINTER (pos));
	g_object_set_data (G_OBJECT (popover), "ox-col", g_object_get_data (G_OBJECT (cell), "ox-col"));
	gtk_widget_set_parent (popover, cell);
	gtk_popover_set_pointing_to (GTK_POPOVER (popover), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
	g_signal_connect (popover, "closed", G_CALLBACK (popover_closed_cb), NULL);
	gtk_popover_popup (GTK_POPOVER (popover));
	gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

void
ox_result_copy_attach_cell (GtkWidget *cell, GtkListItem *item, guint col)
{
	g_object_set_data (G_OBJECT (cell), "ox-col", GUINT_TO_POINTER (col));
	GtkGesture *click = gtk_gesture_click_new ();
	gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
	/* the list item outlives its widget's gesture: both die with the row */
	g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), item);
	gtk_widget_add_controller (cell, GTK_EVENT_CONTROLLER (click));
}

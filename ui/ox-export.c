/*
 * ox-export.c — a result set as CSV, JSON or tab-separated text (see
 * ox-export.h), and the asynchronous write of it.
 *
 * Rows are read through the grid's model, so rows the model moved to its
 * temporary file (ox-result-model.h) are read back like the rest.  The
 * whole text is built in memory before it is written, so exporting a
 * result larger than the model's memory budget costs its text in memory
 * for the time of the export.  What can go wrong: a cell that is not valid UTF-8 cannot
 * come from the connection (it validates), JSON escapes every control
 * character so the file always parses; duplicate column names give
 * objects with duplicate keys (JSON allows it, readers keep the last).
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-export.h"
#include "ox-result-row.h"

#include <adwaita.h>

#include <string.h>

static const char *
cell (const OxExportSource *src, guint row, guint col)
{
	g_autoptr (OxResultRow) r = g_list_model_get_item (src->rows, row);
	return ox_result_row_get_cell (r, col);
}

gboolean
ox_export_source_from_grid (GtkColumnView *grid, OxExportSource *src)
{
	g_return_val_if_fail (GTK_IS_COLUMN_VIEW (grid), FALSE);
	char **names = g_object_get_data (G_OBJECT (grid), "ox-column-names");
	char **types = g_object_get_data (G_OBJECT (grid), "ox-column-types");
	GtkSelectionModel *sel = gtk_column_view_get_model (grid);
	if (!names || !types || !GTK_IS_MULTI_SELECTION (sel))
		return FALSE;
	src->n_columns = g_strv_length (names);
	src->names = (const char *const *) names;
	src->types = (const char *const *) types;
	src->rows = gtk_multi_selection_get_model (GTK_MULTI_SELECTION (sel));
	return TRUE;
}

/* ---- CSV --------------------------------------------------------------------------- */

static void
csv_field (GString *out, const char *v)
{
	if (!v)
		return;  /* NULL: nothing between the commas */
	if (*v && !strpbrk (v, ",\"\r\n")) {
		g_string_append (out, v);
		return;
	}
	g_string_append_c (out, '"');
	for (const char *p = v; *p; p++) {
		if (*p == '"')
			g_string_append_c (out, '"');
		g_string_append_c (out, *p);
	}
	g_string_append_c (out, '"');
}

char *
ox_export_csv (const OxExportSource *src)
{
	GString *out = g_string_new (NULL);
	for (guint c = 0; c < src->n_columns; c++) {
		if (c)
			g_string_append_c (out, ',');
		csv_field (out, src->names[c]);
	}
	g_string_append (out, "\r\n");
	guint n = g_list_model_get_n_items (src->rows);
	for (guint r = 0; r < n; r++) {
		for (guint c = 0; c < src->n_columns; c++) {
			if (c)
				g_string_append_c (out, ',');
			csv_field (out, cell (src, r, c));
		}
		g_string_append (out, "\r\n");
	}
	return g_string_free (out, FALSE);
}

/* ---- JSON -------------------------------------------------------------------------- */

static void
json_string (GString *out, const char *v)
{
	g_string_append_c (out, '"');
	for (const unsigned char *p = (const unsigned char *) v; *p; p++) {
		switch (*p) {
		case '"':  g_string_append (out, "\\\""); break;
		case '\\': g_string_append (out, "\\\\"); break;
		case '\n': g_string_append (out, "\\n"); break;
		case '\r': g_string_append (out, "\\r"); break;
		case '\t': g_string_append (out, "\\t"); break;
		default:
			if (*p < 0x20)
				g_string_append_printf (out, "\\u%04x", *p);
			else
				g_string_append_c (out, (char) *p);
		}
	}
	g_string_append_c (out, '"');
}

static gboolean
numeric_type (const char *type)
{
	if (!type)
		return FALSE;
	static const char *const names[] = {
		"smallint", "integer", "bigint", "int2", "int4", "int8", "real", "double precision",
		"float4", "float8", "numeric", "decimal",
	};
	for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
		gsize len = strlen (names[i]);
		/* "numeric(10,2)": the name, then nothing or a type modifier */
		if (!strncmp (type, names[i], len) && (type[len] == '\0' || type[len] == '('))
			return TRUE;
	}
	return FALSE;
}

/* A JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static gboolean
json_number (const char *v)
{
	const char *p = v;
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (g_ascii_isdigit (*p))
			p++;
	else
		return FALSE;
	if (*p == '.') {
		p++;
		if (!g_ascii_isdigit (*p))
			return FALSE;
		while (g_ascii_isdigit (*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!g_ascii_isdigit (*p))
			return FALSE;
		while (g_ascii_isdigit (*p))
			p++;
	}
	return *p == '\0';
}

char *
ox_export_json (const OxExportSource *src)
{
	GString *out = g_string_new ("[");
	g_autofree gboolean *numeric = g_new0 (gboolean, src->n_columns + 1);
	for (guint c = 0; c < src->n_columns; c++)
		numeric[c] = numeric_type (src->types ? src->types[c] : NULL);
	guint n = g_list_model_get_n_items (src->rows);
	for (guint r = 0; r < n; r++) {
		g_string_append (out, r ? ",\n  {" : "\n  {");
		for (guint c = 0; c < src->n_columns; c++) {
			if (c)
				g_string_append (out, ", ");
			json_string (out, src->names[c]);
			g_string_append (out, ": ");
			const char *v = cell (src, r, c);
			if (!v)
				g_string_append (out, "null");
			else if (numeric[c] && json_number (v))
				g_string_append (out, v);
			else
				json_string (out, v);
		}
		g_string_append_c (out, '}');
	}
	g_string_append (out, n ? "\n]\n" : "]\n");
	return g_string_free (out, FALSE);
}

/* ---- tab-separated ----------------------------------------------------------------- */

char *
ox_export_tsv (const OxExportSource *src, const guint *positions, guint n)
{
	GString *out = g_string_new (NULL);
	if (!positions)
		n = g_list_model_get_n_items (src->rows);
	for (guint i = 0; i < n; i++) {
		guint r = positions ? positions[i] : i;
		for (guint c = 0; c < src->n_columns; c++) {
			if (c)
				g_string_append_c (out, '\t');
			const char *v = cell (src, r, c);
			for (const char *p = v ? v : ""; *p; p++)
				g_string_append_c (out, (*p == '\t' || *p == '\n' || *p == '\r') ? ' ' : *p);
		}
		g_string_append_c (out, '\n');
	}
	return g_string_free (out, FALSE);
}

/* ---- writing ------------------------------------------------------------------------ */

static void
written_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr (GTask) task = user_data;
	GError *error = NULL;
	if (g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
		g_task_return_boolean (task, TRUE);
	else
		g_task_return_error (task, error);
}

void
ox_export_write_async (GFile *file, const char *text, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
	g_return_if_fail (G_IS_FILE (file));
	GTask *task = g_task_new (file, cancellable, callback, user_data);
	g_task_set_source_tag (task, ox_export_write_async);
	g_autoptr (GBytes) bytes = g_bytes_new (text, strlen (text));
	g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE, cancellable,
	                                     written_cb, task);
}

gboolean
ox_export_write_finish (GFile *file, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (g_task_is_valid (result, file), FALSE);
	return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- the grid's actions: copy, export ----------------------------------------------- */

/* The selected rows of grid, tab-separated, on the clipboard; FALSE when
 * nothing is selected. */
gboolean
ox_export_copy_selection (GtkColumnView *grid)
{
	OxExportSource src;
	if (!ox_export_source_from_grid (grid, &src))
		return FALSE;
	g_autoptr (GtkBitset) set = gtk_selection_model_get_selection (gtk_column_view_get_model (grid));
	guint n = (guint) gtk_bitset_get_size (set);
	if (n == 0)
		return FALSE;
	g_autofree guint *positions = g_new (guint, n);
	for (guint i = 0; i < n; i++)
		positions[i] = gtk_bitset_get_nth (set, i);
	g_autofree char *text = ox_export_tsv (&src, positions, n);
	gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (grid)), text);
	return TRUE;
}

static void
report (GtkWidget *widget, const char *text)
{
	GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
	if (overlay)
		adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
	else
		g_warning ("%s", text);
}

static void
export_written_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	GtkWidget *grid = user_data;   /* strong */
	g_autoptr (GError) error = NULL;
	g_autofree char *name = g_file_get_parse_name (G_FILE (source));
	if (!ox_export_write_finish (G_FILE (source), result, &error))
		report (grid, error->message);
	else {
		g_autofree char *msg = g_strdup_printf ("Exported to %s", name);
		report (grid, msg);
	}
	g_object_unref (grid);
}

void
ox_export_to_file (GtkColumnView *grid, GFile *file, gboolean json)
{
	OxExportSource src;
	if (!ox_export_source_from_grid (grid, &src))
		return;
	g_autofree char *text = json ? ox_export_json (&src) : ox_export_csv (&src);
	ox_export_write_async (file, text, NULL, export_written_cb, g_object_ref (grid));
}

static void
export_response_cb (GtkNativeDialog *dialog, int response, gpointer data)
{
	GtkColumnView *grid = data;   /* strong */
	if (response == GTK_RESPONSE_ACCEPT) {
		G_GNUC_BEGIN_IGNORE_DEPRECATIONS
		g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
		G_GNUC_END_IGNORE_DEPRECATIONS
		if (file)
			ox_export_to_file (grid, file, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "json")));
	}
	g_object_unref (dialog);
	g_object_unref (grid);
}

void
ox_export_choose_file (GtkColumnView *grid, gboolean json)
{
	GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (grid));
	G_GNUC_BEGIN_IGNORE_DEPRECATIONS
	GtkFileChooserNative *dialog = gtk_file_chooser_native_new (json ? "Export as JSON" : "Export as CSV",
		GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, GTK_FILE_CHOOSER_ACTION_SAVE, "_Export", "_Cancel");
	gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), json ? "result.json" : "result.csv");
	G_GNUC_END_IGNORE_DEPRECATIONS
	g_object_set_data (G_OBJECT (dialog), "json", GINT_TO_POINTER (json));
	g_signal_connect (dialog, "response", G_CALLBACK (export_response_cb), g_object_ref (grid));
	gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/*
 * test-spill.c — results in bounded memory (ox-result-model.c and
 * ox-result-spill.c), in a real window under Xvfb, with the budget made
 * small by the model's test hook so a few thousand rows exceed it:
 *
 *  - scrolled end to end through the grid's own scrollbar, a SELECT i,
 *    md5(i::text) keeps the model's blocks in memory under the budget while
 *    the rest goes to the temporary file; the grid draws the rows it
 *    scrolls to, and again the first row after scrolling back to the top
 *    (read back, the query is not run again); every row read through the
 *    model equals the generator's; Copy Cell of a row that went to the file
 *    and the Export action's CSV of the whole result are exact;
 *  - no temporary directory: nothing is lost, the rows stay in memory and
 *    the Messages tab says so, once;
 *  - the disk fills up half way (a file-size limit, so writes fail with
 *    EFBIG as on a full disk): the blocks written before stay readable,
 *    those after stay in memory, every row is still right, one message.
 *
 * What can go wrong here: the expected row of a scroll position is
 * computed from the adjustment (rows have one height in this grid); the
 * deadline of every wait turns a wrong guess into a named failure, not a
 * hang.
 */
#include "ui-test-util.h"
#include "ox-export.h"
#include "ox-result-copy.h"
#include "ox-result-model.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>

/* ---- helpers ------------------------------------------------------------------------ */

static gboolean
have_result (gpointer data)
{
	return *(GAsyncResult **) data != NULL;
}

static void
async_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	(void) source;
	*(GAsyncResult **) data = g_object_ref (result);
}

static char *
clipboard_text (GtkWidget *w)
{
	GAsyncResult *res = NULL;
	GdkClipboard *clip = gtk_widget_get_clipboard (w);
	gdk_clipboard_read_text_async (clip, NULL, async_done_cb, &res);
	wait_until (have_result, &res, "the clipboard");
	char *text = gdk_clipboard_read_text_finish (clip, res, NULL);
	g_object_unref (res);
	return text;
}

static GListModel *
grid_rows (GtkColumnView *grid)
{
	return gtk_multi_selection_get_model (GTK_MULTI_SELECTION (gtk_column_view_get_model (grid)));
}

/* What the query's generator makes for row i (1-based): md5(i::text). */
static char *
md5_of (guint i)
{
	g_autofree char *s = g_strdup_printf ("%u", i);
	return g_compute_checksum_for_string (G_CHECKSUM_MD5, s, -1);
}

typedef struct {
	GListModel *model;
	guint       n;
} CountWait;

static gboolean
more_or_complete (gpointer data)
{
	CountWait *w = data;
	return g_list_model_get_n_items (w->model) > w->n || ox_result_model_is_complete (OX_RESULT_MODEL (w->model));
}

/* Ask for the last row until every row is there (what dragging the
 * scrollbar to the end does, without the drawing). */
static void
fetch_all (GListModel *model)
{
	while (!ox_result_model_is_complete (OX_RESULT_MODEL (model))) {
		CountWait w = { model, g_list_model_get_n_items (model) };
		if (w.n > 0)
			g_object_unref (g_list_model_get_item (model, w.n - 1));
		wait_until (more_or_complete, &w, "more rows");
	}
}

/* Every row read through the model equals the generator's. */
static void
check_all_rows (GListModel *model, guint n)
{
	g_assert_cmpuint (g_list_model_get_n_items (model), ==, n);
	for (guint i = 0; i < n; i++) {
		g_autoptr (OxResultRow) r = g_list_model_get_item (model, i);
		g_autofree char *want_i = g_strdup_printf ("%u", i + 1);
		g_autofree char *want_h = md5_of (i + 1);
		g_assert_cmpstr (ox_result_row_get_cell (r, 0), ==, want_i);
		g_assert_cmpstr (ox_result_row_get_cell (r, 1), ==, want_h);
	}
}

/* The CSV the Export action writes for rows 1..n. */
static char *
expected_csv (guint n)
{
	GString *out = g_string_new ("i,h\r\n");
	for (guint i = 1; i <= n; i++) {
		g_autofree char *h = md5_of (i);
		g_string_append_printf (out, "%u,%s\r\n", i, h);
	}
	return g_string_free (out, FALSE);
}

static gboolean
file_holds (gpointer data)
{
	const char **want = data;
	g_autofree char *contents = NULL;
	return g_file_get_contents (want[0], &contents, NULL, NULL) && !strcmp (contents, want[1]);
}

static guint
count (const char *haystack, const char *needle)
{
	guint n = 0;
	for (const char *p = strstr (haystack, needle); p; p = strstr (p + 1, needle))
		n++;
	return n;
}

typedef struct {
	OxEditorPage *page;
	const char   *text;
} MessageWait;

static gboolean
message_shown (gpointer data)
{
	MessageWait *m = data;
	g_autofree char *msgs = ox_editor_page_get_messages_text (m->page);
	return strstr (msgs, m->text) != NULL;
}

static gboolean
adjustment_set (gpointer data)
{
	GtkAdjustment *adj = data;
	return gtk_adjustment_get_page_size (adj) > 0 && gtk_adjustment_get_upper (adj) > gtk_adjustment_get_page_size (adj);
}

static void
collect_labels (GtkWidget *w, GPtrArray *out)
{
	if (GTK_IS_LABEL (w) && gtk_widget_get_mapped (w))
		g_ptr_array_add (out, (gpointer) gtk_label_get_text (GTK_LABEL (w)));
	for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
		collect_labels (c, out);
}

/* The rows the grid draws: each "i" cell followed by its "h" cell, which
 * must be md5(i).  *max: the largest i drawn; returns how many rows. */
static guint
check_drawn_rows (GtkWidget *grid, guint *max)
{
	g_autoptr (GPtrArray) labels = g_ptr_array_new ();
	collect_labels (grid, labels);
	guint rows = 0;
	for (guint k = 0; k + 1 < labels->len; k++) {
		const char *t = labels->pdata[k];
		char *endp;
		guint64 i = g_ascii_strtoull (t, &endp, 10);
		if (!*t || *endp || i == 0)
			continue;  /* a header or an md5 */
		g_autofree char *want = md5_of ((guint) i);
		g_assert_cmpstr (labels->pdata[k + 1], ==, want);
		rows++;
		*max = MAX (*max, (guint) i);
		k++;
	}
	return rows;
}

typedef struct {
	GtkWidget *grid;
	guint      max;  /* the largest row number drawn so far */
} DrawnWait;

/* A screenful of rows drawn (a relayout in progress draws none). */
static gboolean
rows_drawn (gpointer data)
{
	DrawnWait *d = data;
	return check_drawn_rows (d->grid, &d->max) >= 5;
}

static void
frame_cb (GdkFrameClock *clock, gpointer data)
{
	(void) clock;
	(*(guint *) data)++;
}

static gboolean
frames_reached (gpointer data)
{
	guint *f = data;
	return f[0] >= f[1];
}

/* Wait until the widget's window has drawn n more frames. */
static void
wait_frames (GtkWidget *w, guint n)
{
	guint f[2] = { 0, n };
	GdkFrameClock *clock = gtk_widget_get_frame_clock (w);
	gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (frame_cb), &f[0]);
	gtk_widget_queue_draw (w);
	wait_until (frames_reached, f, "frames drawn");
	g_signal_handler_disconnect (clock, id);
}

typedef struct {
	GtkAdjustment *adj;
	double         upper;
} UpperWait;

static gboolean
upper_grew (gpointer data)
{
	UpperWait *u = data;
	return gtk_adjustment_get_upper (u->adj) > u->upper;
}

/* Run the SELECT of n rows in a new window; the grid once its first row is drawn. */
static GtkColumnView *
run_md5 (OxWindow *win, guint n)
{
	OxEditorPage *page = ox_window_get_current_page (win);
	g_autofree char *sql = g_strdup_printf ("SELECT i, md5(i::text) AS h FROM generate_series(1, %u) i;\n", n);
	set_text (page, sql, NULL);
	run (page, "editor.run-statement");
	GtkColumnView *grid = ox_editor_page_get_grid (page, 0);
	g_assert_nonnull (grid);
	g_autofree char *first = md5_of (1);
	LabelData ld = { GTK_WIDGET (grid), first, NULL };
	wait_until (label_shown, &ld, "the first row drawn");
	return grid;
}

/* ---- scrolled end to end under a small budget ------------------------------------------- */

#define ROWS   12000
#define BUDGET (200 * 1024)  /* about four blocks of 1,000 rows of (i, md5) */

static void
test_scroll_end_to_end (void)
{
	ox_result_model_set_spill_dir (tmpdir);
	ox_result_model_set_budget (BUDGET);
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_get_current_page (win);
	GtkColumnView *grid = run_md5 (win, ROWS);
	OxResultModel *model = OX_RESULT_MODEL (grid_rows (grid));
	GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (grid));
	wait_until ((CondFunc) gtk_widget_get_mapped, grid, "the grid mapped");
	wait_until (adjustment_set, adj, "the grid's scrollbar set up");

	/* the scrollbar moved down ~1,000 rows at a time: each position
	 * draws its rows, fetching more near the end, and the model's
	 * memory stays under the budget all the way */
	guint steps = 0;
	DrawnWait drawn = { GTK_WIDGET (grid), 0 };
	for (;;) {
		guint n = g_list_model_get_n_items (G_LIST_MODEL (model));
		double end = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);
		if (gtk_adjustment_get_value (adj) >= end - 1) {
			if (ox_result_model_is_complete (model) && drawn.max == ROWS)
				break;
			/* at the end of what is loaded: the view draws its last
			 * rows and, doing so, asks for more */
			wait_frames (GTK_WIDGET (grid), 2);
			wait_until (rows_drawn, &drawn, "rows drawn");
			CountWait w = { G_LIST_MODEL (model), n };
			wait_until (more_or_complete, &w, "more rows at the end of the grid");
			if (g_list_model_get_n_items (G_LIST_MODEL (model)) > n) {
				UpperWait u = { adj, gtk_adjustment_get_upper (adj) };
				wait_until (upper_grew, &u, "the scrollbar to follow the new rows");
			}
		} else {
			/* a page and a half down (GTK estimates the heights of rows
			 * it has not measured, so pages, not rows) */
			double v = MIN (gtk_adjustment_get_value (adj) + 1.5 * gtk_adjustment_get_page_size (adj) + 997 * 24, end);
			gtk_adjustment_set_value (adj, v);
			wait_frames (GTK_WIDGET (grid), 2);
			wait_until (rows_drawn, &drawn, "rows drawn");
		}
		g_assert_cmpuint (ox_result_model_get_resident_bytes (model), <=, BUDGET);
		g_assert_cmpuint (ox_result_model_get_total_resident_bytes (), <=, BUDGET);
		g_assert_cmpuint (++steps, <, 1000);
	}
	g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, ROWS);
	screenshot (win, "workstation-spilled-result");

	/* most of it went to the file; the memory holds a few blocks */
	g_assert_cmpuint (ox_result_model_get_spilled_bytes (model), >, ox_result_model_get_bytes (model) / 2);
	g_assert_cmpuint (ox_result_model_get_resident_bytes (model), <=, BUDGET);
	g_assert_cmpuint (ox_result_model_get_bytes (model), >, 2 * BUDGET);

	/* every row read back equals what the query produced */
	check_all_rows (G_LIST_MODEL (model), ROWS);
	g_assert_cmpuint (ox_result_model_get_resident_bytes (model), <=, BUDGET);

	/* scrolled back to the top: the first row again, read from the file
	 * (reading every row left the last blocks in memory) */
	gtk_adjustment_set_value (adj, 0);
	g_autofree char *first = md5_of (1);
	LabelData ld_first = { GTK_WIDGET (grid), first, NULL };
	wait_until (label_shown, &ld_first, "the first row drawn again");
	g_assert_cmpuint (ox_result_model_get_resident_bytes (model), <=, BUDGET);

	/* copy a cell of a row far from the view (its block is in the file) */
	g_assert_true (ox_result_copy_cell (grid, ROWS / 2 - 1, 1));
	g_autofree char *cell = clipboard_text (GTK_WIDGET (grid));
	g_autofree char *want_cell = md5_of (ROWS / 2);
	g_assert_cmpstr (cell, ==, want_cell);

	/* the Export action's CSV: every row, exact */
	g_autofree char *path = g_build_filename (tmpdir, "spilled.csv", NULL);
	g_autoptr (GFile) file = g_file_new_for_path (path);
	ox_export_to_file (grid, file, FALSE);
	g_autofree char *csv = expected_csv (ROWS);
	const char *want[2] = { path, csv };
	wait_until (file_holds, want, "the exported CSV");
	g_autofree char *toast = g_strdup_printf ("Exported to %s", path);
	LabelData lt = { GTK_WIDGET (win), toast, NULL };
	wait_until (label_shown, &lt, "the export's toast");
	g_assert_cmpuint (ox_result_model_get_resident_bytes (model), <=, BUDGET);

	/* nothing went wrong, so nothing was said */
	g_autofree char *msgs = ox_editor_page_get_messages_text (page);
	g_assert_null (strstr (msgs, "WARNING"));
	gtk_window_destroy (GTK_WINDOW (win));
	ox_result_model_set_budget (0);
}

/* ---- no temporary directory ------------------------------------------------------------- */

static void
test_no_tmp_dir (void)
{
	g_autofree char *missing = g_build_filename (tmpdir, "no-such-dir", NULL);
	ox_result_model_set_spill_dir (missing);
	ox_result_model_set_budget (64 * 1024);
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_get_current_page (win);
	GtkColumnView *grid = run_md5 (win, 5000);
	GListModel *model = grid_rows (grid);
	fetch_all (model);

	MessageWait mw = { page, "cannot be moved out of memory" };
	wait_until (message_shown, &mw, "the warning in Messages");
	g_autofree char *msgs = ox_editor_page_get_messages_text (page);
	g_assert_cmpuint (count (msgs, "WARNING:"), ==, 1);
	g_assert_nonnull (strstr (msgs, missing));  /* where it tried */
	/* nothing lost: kept in memory, every row right */
	g_assert_cmpuint (ox_result_model_get_spilled_bytes (OX_RESULT_MODEL (model)), ==, 0);
	g_assert_cmpuint (ox_result_model_get_resident_bytes (OX_RESULT_MODEL (model)), ==,
	                  ox_result_model_get_bytes (OX_RESULT_MODEL (model)));
	check_all_rows (model, 5000);
	screenshot (win, "workstation-spill-warning");
	gtk_window_destroy (GTK_WINDOW (win));
	ox_result_model_set_budget (0);
	ox_result_model_set_spill_dir (NULL);
}

/* ---- the disk fills up -------------------------------------------------------------------- */

static void
test_disk_full (void)
{
	ox_result_model_set_spill_dir (tmpdir);
	ox_result_model_set_budget (64 * 1024);
	OxWindow *win = open_demo_window ();
	OxEditorPage *page = ox_window_get_current_page (win);
	/* files of this process may not grow past 512 KB from now: the spill
	 * file's write past it fails with EFBIG, as ENOSPC on a full disk
	 * would (SIGXFSZ ignored, as the workstation would not want to die) */
	struct rlimit old, small;
	g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old), ==, 0);
	small = old;
	small.rlim_cur = 512 * 1024;
	void (*old_handler) (int) = signal (SIGXFSZ, SIG_IGN);
	g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);

	GtkColumnView *grid = run_md5 (win, 20000);  /* about 0.9 MB of blocks */
	GListModel *model = grid_rows (grid);
	fetch_all (model);
	MessageWait mw = { page, "cannot be moved out of memory" };
	wait_until (message_shown, &mw, "the warning in Messages");
	g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old), ==, 0);
	signal (SIGXFSZ, old_handler);

	g_autofree char *msgs = ox_editor_page_get_messages_text (page);
	g_assert_cmpuint (count (msgs, "WARNING:"), ==, 1);
	/* some blocks made it to the file before it filled up, the rest is in memory */
	guint64 spilled = ox_result_model_get_spilled_bytes (OX_RESULT_MODEL (model));
	g_assert_cmpuint (spilled, >, 0);
	g_assert_cmpuint (spilled, <=, 512 * 1024);
	g_assert_cmpuint (ox_result_model_get_resident_bytes (OX_RESULT_MODEL (model)), >, 64 * 1024);
	check_all_rows (model, 20000);
	gtk_window_destroy (GTK_WINDOW (win));
	ox_result_model_set_budget (0);
	ox_result_model_set_spill_dir (NULL);
}

int
main (int argc, char **argv)
{
	ui_test_init (&argc, &argv);
	g_test_add_func ("/ui/spill/scroll-end-to-end", test_scroll_end_to_end);
	g_test_add_func ("/ui/spill/no-tmp-dir", test_no_tmp_dir);
	g_test_add_func ("/ui/spill/disk-full", test_disk_full);
	int rc = g_test_run ();
	ui_test_finish ();
	return rc;
}

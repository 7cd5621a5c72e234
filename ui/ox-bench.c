/*
 * ox-bench.c — the benchmark hook (see the header).
 *
 * "First frame" is the frame clock's first after-paint of the window: the
 * moment the compositor was handed pixels.  Process start comes from
 * /proc/self/stat (starttime, in clock ticks since boot, so 10 ms
 * resolution at HZ=100); the line also gives the wall clock of the paint
 * so the script can measure from its own timestamp with finer grain.
 *
 * NOTE: what can go wrong: without /proc (not Linux) the start-relative
 * figures are -1; a database that never opens leaves the rows benchmark
 * waiting, so it gives up after BENCH_TIMEOUT_S with an error line.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-bench.h"
#include "ox-result-model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BENCH_TIMEOUT_S 480  /* the wide case writes 840 MB on a loaded machine */

/* Milliseconds since this process started, or -1. */
static double
ms_since_process_start (void)
{
	g_autofree char *stat = NULL;
	if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL))
		return -1;
	const char *p = strrchr (stat, ')');  /* the command name may hold spaces */
	if (!p)
		return -1;
	g_auto (GStrv) f = g_strsplit (p + 2, " ", 0);
	if (g_strv_length (f) < 20)
		return -1;
	/* fields after the name start at 3 (state); starttime is field 22 */
	double start_s = g_ascii_strtod (f[22 - 3], NULL) / (double) sysconf (_SC_CLK_TCK);
	struct timespec now;
	clock_gettime (CLOCK_BOOTTIME, &now);
	return (now.tv_sec + now.tv_nsec / 1e9 - start_s) * 1000.0;
}

/* A field of /proc/self/status in kB ("VmRSS", "VmHWM"), or -1. */
static gint64
status_kb (const char *field)
{
	g_autofree char *status = NULL;
	if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
		return -1;
	g_autofree char *key = g_strdup_printf ("\n%s:", field);
	const char *p = strstr (status, key);
	return p ? g_ascii_strtoll (p + strlen (key), NULL, 10) : -1;
}

static void
quit (void)
{
	fflush (stdout);
	GApplication *app = g_application_get_default ();
	if (app)
		g_application_quit (app);
	else
		exit (0);
}

/* ---- first frame ---------------------------------------------------------------- */

static void
first_paint_cb (GdkFrameClock *clock, gpointer data)
{
	g_signal_handlers_disconnect_by_func (clock, first_paint_cb, data);
	printf ("bench first-frame %.1f ms\n", ms_since_process_start ());
	printf ("bench first-frame-epoch %" G_GINT64_FORMAT " us\n", g_get_real_time ());
	quit ();
}

static void
realize_cb (GtkWidget *widget)
{
	GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
	g_signal_connect (clock, "after-paint", G_CALLBACK (first_paint_cb), NULL);
}

/* ---- a large result ---------------------------------------------------------------- */

typedef struct {
	OxWindow      *win;       /* strong */
	guint64        rows;
	gboolean       wide;      /* 8 text columns of 100 bytes, not (int, short text) */
	gboolean       back;      /* scrolled to the end; now back at the top */
	guint          back_frames;  /* frames drawn since scrolling back */
	gint64         t_run;     /* monotonic, when the statement started */
	gint64         rss_before;
	gint64         t_first;
	gint64         t_scroll;
	gboolean       scrolling;
	gint64         t_last_frame;   /* while scrolling: the previous after-paint */
	gint64         longest_frame;  /* the longest gap between two frames, us */
	guint          slow_frames;    /* gaps over 50 ms */
	guint          frames;
	guint          timer;
	gint64         deadline;
} RowsBench;

static GtkColumnView *
grid_of (RowsBench *b)
{
	OxEditorPage *page = ox_window_get_current_page (b->win);
	return page ? ox_editor_page_get_grid (page, 0) : NULL;
}

static gboolean
rows_tick_cb (gpointer data)
{
	RowsBench *b = data;
	if (g_get_monotonic_time () > b->deadline) {
		printf ("bench error timed out\n");
		quit ();
		return G_SOURCE_REMOVE;
	}
	if (!ox_window_get_connection (b->win))
		return G_SOURCE_CONTINUE;
	OxEditorPage *page = ox_window_get_current_page (b->win);
	if (!page)
		return G_SOURCE_CONTINUE;
	if (!b->t_run) {
		b->rss_before = status_kb ("VmRSS");
		g_autofree char *sql = b->wide
			? g_strdup_printf ("SELECT rpad(g::text, 100, 'a') AS c1, rpad(g::text, 100, 'b') AS c2, "
			                   "rpad(g::text, 100, 'c') AS c3, rpad(g::text, 100, 'd') AS c4, "
			                   "rpad(g::text, 100, 'e') AS c5, rpad(g::text, 100, 'f') AS c6, "
			                   "rpad(g::text, 100, 'g') AS c7, rpad(g::text, 100, 'h') AS c8 "
			                   "FROM generate_series(1, %" G_GUINT64_FORMAT ") g", b->rows)
			: g_strdup_printf ("SELECT g, 'row ' || g AS label FROM generate_series(1, %"
			                   G_GUINT64_FORMAT ") g", b->rows);
		gtk_text_buffer_set_text (ox_editor_page_get_buffer (page), sql, -1);
		b->t_run = g_get_monotonic_time ();
		ox_editor_page_run_script (page);
		return G_SOURCE_CONTINUE;
	}
	if (!b->scrolling)
		return G_SOURCE_CONTINUE;  /* the after-paint handler takes the first rows */
	GtkColumnView *grid = grid_of (b);
	GListModel *model = gtk_multi_selection_get_model (GTK_MULTI_SELECTION (gtk_column_view_get_model (grid)));
	guint n = g_list_model_get_n_items (model);
	GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (grid));
	if (ox_result_model_is_complete (OX_RESULT_MODEL (model)) && !b->back) {
		/* at the end: scroll back to the top, whose rows went to the
		 * temporary file long ago if the result is over the budget */
		printf ("bench scroll-to-end %.1f ms\n", (g_get_monotonic_time () - b->t_scroll) / 1000.0);
		printf ("bench scroll-frames %u frames\n", b->frames);
		printf ("bench scroll-longest-frame %.1f ms\n", b->longest_frame / 1000.0);
		printf ("bench scroll-slow-frames %u frames\n", b->slow_frames);
		printf ("bench rss-at-end %.1f MB\n", status_kb ("VmRSS") / 1024.0);
		b->back = TRUE;
		b->back_frames = b->frames;
		gtk_adjustment_set_value (adj, 0);
		return G_SOURCE_CONTINUE;
	}
	if (b->back) {
		if (b->frames < b->back_frames + 2)
			return G_SOURCE_CONTINUE;  /* the top drawn */
		printf ("bench rows-loaded %u rows\n", n);
		printf ("bench row-storage %.1f MB\n", ox_result_model_get_bytes (OX_RESULT_MODEL (model)) / 1e6);
		printf ("bench row-storage-resident %.1f MB\n", ox_result_model_get_resident_bytes (OX_RESULT_MODEL (model)) / 1e6);
		printf ("bench row-storage-spilled %.1f MB\n", ox_result_model_get_spilled_bytes (OX_RESULT_MODEL (model)) / 1e6);
		printf ("bench rss-before %.1f MB\n", b->rss_before / 1024.0);
		printf ("bench rss-after %.1f MB\n", status_kb ("VmRSS") / 1024.0);
		printf ("bench rss-growth %.1f MB\n", (status_kb ("VmRSS") - b->rss_before) / 1024.0);
		printf ("bench vmhwm %.1f MB\n", status_kb ("VmHWM") / 1024.0);
		quit ();
		return G_SOURCE_REMOVE;
	}
	/* what dragging the scrollbar to the bottom does: the view asks for the last items */
	gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
	if (n > 0)
		g_object_unref (g_list_model_get_item (model, n - 1));
	return G_SOURCE_CONTINUE;
}

/* While scrolling: how long the main loop went between frames.  A stall
 * (rows appended, widgets made, a batch decoded on the main thread) shows
 * as a long gap; the view asks for a frame on every scroll step, so
 * gaps are the stalls a user would see. */
static void
scroll_frame_cb (GdkFrameClock *clock, gpointer data)
{
	RowsBench *b = data;
	(void) clock;
	if (!b->scrolling)
		return;
	gint64 now = g_get_monotonic_time ();
	if (b->t_last_frame) {
		gint64 gap = now - b->t_last_frame;
		if (gap > b->longest_frame)
			b->longest_frame = gap;
		if (gap > 50 * 1000)
			b->slow_frames++;
	}
	b->t_last_frame = now;
	b->frames++;
}

static void
rows_paint_cb (GdkFrameClock *clock, gpointer data)
{
	RowsBench *b = data;
	GtkColumnView *grid = b->t_run ? grid_of (b) : NULL;
	if (!grid || g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (grid))) == 0)
		return;
	g_signal_handlers_disconnect_by_func (clock, rows_paint_cb, data);
	b->t_first = g_get_monotonic_time ();
	printf ("bench first-rows %.1f ms\n", (b->t_first - b->t_run) / 1000.0);
	GListModel *model = gtk_multi_selection_get_model (GTK_MULTI_SELECTION (gtk_column_view_get_model (grid)));
	printf ("bench rows-before-scroll %u rows\n", g_list_model_get_n_items (model));
	b->scrolling = TRUE;
	b->t_scroll = g_get_monotonic_time ();
	g_signal_connect (clock, "after-paint", G_CALLBACK (scroll_frame_cb), b);
}

static void
rows_realize_cb (GtkWidget *widget, RowsBench *b)
{
	g_signal_connect (gtk_widget_get_frame_clock (widget), "after-paint", G_CALLBACK (rows_paint_cb), b);
}

void
ox_bench_attach (OxWindow *win)
{
	g_return_if_fail (OX_IS_WINDOW (win));
	const char *what = g_getenv ("OX_WORKSTATION_BENCH");
	if (!what || !*what)
		return;
	if (!strcmp (what, "first-frame")) {
		g_signal_connect (win, "realize", G_CALLBACK (realize_cb), NULL);
	} else if (g_str_has_prefix (what, "rows:") || g_str_has_prefix (what, "wide:")) {
		RowsBench *b = g_new0 (RowsBench, 1);  /* lives until the process quits */
		b->win = g_object_ref (win);
		b->wide = g_str_has_prefix (what, "wide:");
		b->rows = g_ascii_strtoull (what + 5, NULL, 10);
		b->deadline = g_get_monotonic_time () + BENCH_TIMEOUT_S * G_TIME_SPAN_SECOND;
		g_signal_connect (win, "realize", G_CALLBACK (rows_realize_cb), b);
		b->timer = g_timeout_add (5, rows_tick_cb, b);
	} else
		g_printerr ("OX_WORKSTATION_BENCH=%s: expected first-frame, rows:N or wide:N\n", what);
}

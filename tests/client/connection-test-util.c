/*
 * connection-test-util.c — waits and run records for the OxConnection
 * tests (see connection-test-util.h).
 */
#include "connection-test-util.h"

static gboolean
tick_cb (gpointer data)
{
	(void) data;
	return G_SOURCE_CONTINUE;
}

void
wait_until (CondFunc cond, gpointer data, const char *what)
{
	gint64 end = g_get_monotonic_time () + DEADLINE_S * G_TIME_SPAN_SECOND;
	/* a tick, so a blocking iteration wakes up to look at the clock */
	guint tick = g_timeout_add (100, tick_cb, NULL);
	while (!cond (data)) {
		if (g_get_monotonic_time () > end)
			g_error ("timed out waiting for %s", what);
		g_main_context_iteration (NULL, TRUE);
	}
	g_source_remove (tick);
}

void
run_batch_cb (OxBatch *batch, gpointer user_data)
{
	Run *r = user_data;
	/* delivered on the caller's thread, never the worker's */
	g_assert_true (g_thread_self () == r->main_thread);
	g_assert_false (r->finished);
	g_ptr_array_add (r->batches, ox_batch_ref (batch));
}

void
run_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	Run *r = user_data;
	r->ok = ox_connection_run_finish (OX_CONNECTION (source), result, &r->error);
	r->finished = TRUE;
}

gboolean
run_finished (gpointer data)
{
	return ((Run *) data)->finished;
}

Run *
run_new (void)
{
	Run *r = g_new0 (Run, 1);
	r->batches = g_ptr_array_new_with_free_func ((GDestroyNotify) ox_batch_unref);
	r->main_thread = g_thread_self ();
	return r;
}

void
run_free (Run *r)
{
	g_ptr_array_unref (r->batches);
	g_clear_error (&r->error);
	g_free (r);
}

Run *
run_sync (OxConnection *c, const char *sql, GCancellable *cancellable)
{
	Run *r = run_new ();
	ox_connection_run_async (c, sql, run_batch_cb, r, NULL, cancellable, run_done_cb, r);
	wait_until (run_finished, r, sql);
	return r;
}

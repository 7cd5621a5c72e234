/*
 * ox-embedded-connection.c — OxConnection over the engine in this process.
 *
 * Two workers, each a thread with a job queue and its own engine session:
 * "run" executes the user's scripts statement by statement, "catalog" the
 * catalog reader's queries.  A job carries a GTask created on the caller's
 * thread; batches, the "objects-changed" signal and the task's completion
 * are posted to the task's main context in that order (idle sources of one
 * priority run in the order they were added).
 *
 * NOTE (lifetimes): the worker never drops the last reference to a job,
 * task or connection itself: it posts those unrefs to the caller's context.
 * Otherwise the connection could be finalized on its own worker thread,
 * which would then try to join itself.
 * NOTE (flow control): at most MAX_IN_FLIGHT batches wait for delivery;
 * the run worker sleeps until the main loop has taken some, so a million
 * rows cannot pile up in the main context's queue.
 * NOTE (demand): a run with an OxRowDemand fetches only the rows wanted,
 * then waits on the demand between two ox_fetch_batch calls (the cursor
 * stays open; timed waits, so cancel, close and a newly queued job are
 * noticed within DEMAND_POLL_MS).  A queued job or a close makes the
 * paused result set end early (DONE with truncated): one session runs one
 * statement at a time, and a cursor nobody scrolls must not hold every
 * other tab's statements back.
 * NOTE (cancel): the engine clears its cancel flag when a statement starts,
 * so a cancel that lands just before that would be lost.  A cancelled job
 * therefore repeats ox_session_cancel every CANCEL_REPEAT_MS on the
 * caller's context until it ends.
 */
#define G_LOG_DOMAIN "ox-client"

#include "ox-embedded-connection.h"
#include "ox-catalog-reader.h"

#include "oxibase.h"

#include <string.h>

#define MAX_IN_FLIGHT    8     /* batches posted but not yet delivered */
#define FIRST_BATCH_ROWS 100   /* small, so the first rows show at once */
#define BATCH_ROWS       1000
#define CANCEL_REPEAT_MS 50
#define DEMAND_POLL_MS   50    /* a paused run checks cancel, close and its queue */

typedef enum { JOB_RUN, JOB_QUERY, JOB_STOP } JobKind;

typedef struct Job {
	gint          ref_count;
	JobKind       kind;
	GTask        *task;            /* owned until returned; NULL for JOB_STOP */
	char         *sql;
	OxBatchFunc   batch_func;      /* JOB_RUN; called on context */
	gpointer      batch_data;
	GDestroyNotify batch_destroy;  /* called on context when the job is freed */
	GMainContext *context;         /* the caller's, where everything is delivered */
	GCancellable *cancellable;     /* the caller's or our own; never NULL for RUN/QUERY */
	gulong        cancel_id;
	gint          done;            /* atomic: the worker finished the job */
	OxRowDemand  *demand;          /* JOB_RUN with flow control, or NULL (owned) */
	guint64       delivered;       /* rows posted so far, all result sets (worker only) */
	gboolean      timer_armed;     /* main context only */
} Job;

typedef struct Worker {
	GThread              *thread;
	GAsyncQueue          *queue;    /* of Job* */
	OxSession            *session;  /* used by the thread only, after start */
	OxEmbeddedConnection *conn;     /* unowned: the connection owns the worker */
	GPtrArray            *notices;  /* OxNotice* raised since the last batch (thread only) */
	gboolean              ddl_pending; /* DDL ran since the transaction began (thread only) */
} Worker;

struct _OxEmbeddedConnection {
	GObject     parent_instance;
	char       *path;
	char       *title;
	OxDatabase *db;
	Worker      run;
	Worker      catalog;
	GMutex      lock;        /* guards in_flight, closed, current */
	GCond       cond;        /* in_flight went down, or closed */
	guint       in_flight;
	gboolean    closed;
	Job        *current;     /* the run job under way (a ref), for cancel() */
};

static void ox_embedded_connection_iface_init (OxConnectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OxEmbeddedConnection, ox_embedded_connection, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (OX_TYPE_CONNECTION, ox_embedded_connection_iface_init))

/* ---- jobs ------------------------------------------------------------------ */

static Job *
job_ref (Job *job)
{
	g_atomic_int_inc (&job->ref_count);
	return job;
}

static void
job_unref (Job *job)
{
	if (!g_atomic_int_dec_and_test (&job->ref_count))
		return;
	g_assert (job->task == NULL);
	if (job->batch_destroy)
		job->batch_destroy (job->batch_data);
	g_free (job->sql);
	g_clear_pointer (&job->demand, ox_row_demand_unref);
	g_clear_object (&job->cancellable);
	if (job->context)
		g_main_context_unref (job->context);
	g_free (job);
}

/* Run func on context from any thread, always through an idle source:
 * g_main_context_invoke would run it at once on the calling thread when
 * that thread can acquire the context (for instance while the main thread
 * sleeps between two iterations), and the worker must never do that. */
static void
post (GMainContext *context, GSourceFunc func, gpointer data, GDestroyNotify destroy)
{
	GSource *src = g_idle_source_new ();
	g_source_set_priority (src, G_PRIORITY_DEFAULT);
	g_source_set_callback (src, func, data, destroy);
	g_source_attach (src, context);
	g_source_unref (src);
}

/* Drop a reference on the job's context (see NOTE on lifetimes). */
typedef struct {
	GDestroyNotify free_func;
	gpointer       data;
} Deferred;

static gboolean
deferred_free_cb (gpointer user_data)
{
	(void) user_data;
	return G_SOURCE_REMOVE;
}

static void
deferred_destroy (gpointer user_data)
{
	Deferred *d = user_data;
	d->free_func (d->data);
	g_free (d);
}

static void
free_on_context (GMainContext *context, GDestroyNotify free_func, gpointer data)
{
	Deferred *d = g_new (Deferred, 1);
	d->free_func = free_func;
	d->data = data;
	post (context, deferred_free_cb, d, deferred_destroy);
}

typedef struct {
	Job                  *job;
	OxEmbeddedConnection *conn;  /* strong */
} CancelData;

static gboolean
cancel_tick_cb (gpointer user_data)
{
	CancelData *cd = user_data;
	if (g_atomic_int_get (&cd->job->done))
		return G_SOURCE_REMOVE;
	ox_session_cancel (cd->conn->run.session);
	return G_SOURCE_CONTINUE;
}

static void
cancel_data_free (gpointer user_data)
{
	CancelData *cd = user_data;
	job_unref (cd->job);
	g_object_unref (cd->conn);
	g_free (cd);
}

/* On the context: keep cancelling until the job ends. */
static gboolean
arm_cancel_timer_cb (gpointer user_data)
{
	CancelData *cd = user_data;
	if (!cd->job->timer_armed && !g_atomic_int_get (&cd->job->done)) {
		cd->job->timer_armed = TRUE;
		CancelData *tick = g_new0 (CancelData, 1);
		tick->job = job_ref (cd->job);
		tick->conn = g_object_ref (cd->conn);
		GSource *src = g_timeout_source_new (CANCEL_REPEAT_MS);
		g_source_set_callback (src, cancel_tick_cb, tick, cancel_data_free);
		g_source_attach (src, cd->job->context);
		g_source_unref (src);
	}
	return G_SOURCE_REMOVE;
}

/* GCancellable::cancelled, on whatever thread cancelled. */
static void
job_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
	Job *job = user_data;
	(void) cancellable;
	if (job->kind != JOB_RUN || g_atomic_int_get (&job->done))
		return;
	OxEmbeddedConnection *self = g_task_get_source_object (job->task);
	ox_session_cancel (self->run.session);
	CancelData *cd = g_new0 (CancelData, 1);
	cd->job = job_ref (job);
	cd->conn = g_object_ref (self);
	post (job->context, arm_cancel_timer_cb, cd, cancel_data_free);
}

static Job *
job_new (OxEmbeddedConnection *self, JobKind kind, const char *sql, GCancellable *cancellable,
         GAsyncReadyCallback callback, gpointer user_data, gpointer source_tag)
{
	Job *job = g_new0 (Job, 1);
	job->ref_count = 1;
	job->kind = kind;
	job->sql = g_strdup (sql);
	job->context = g_main_context_ref_thread_default ();
	job->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
	job->task = g_task_new (self, job->cancellable, callback, user_data);
	g_task_set_source_tag (job->task, source_tag);
	/* We report cancellation ourselves, with what the engine said. */
	g_task_set_check_cancellable (job->task, FALSE);
	return job;
}

/* Hand the finished task to the context; the worker's job ref goes too. */
static void
job_finish (Job *job)
{
	if (job->cancel_id)
		g_cancellable_disconnect (job->cancellable, job->cancel_id);
	job->cancel_id = 0;
	g_atomic_int_set (&job->done, 1);
	GTask *task = g_steal_pointer (&job->task);
	free_on_context (job->context, g_object_unref, task);
	free_on_context (job->context, (GDestroyNotify) job_unref, job);
}

/* ---- batches --------------------------------------------------------------- */

typedef struct {
	Job                  *job;
	OxEmbeddedConnection *conn;   /* strong */
	OxBatch              *batch;
} Delivery;

static gboolean
deliver_cb (gpointer user_data)
{
	Delivery *d = user_data;
	if (d->job->batch_func)
		d->job->batch_func (d->batch, d->job->batch_data);
	return G_SOURCE_REMOVE;
}

static void
delivery_free (gpointer user_data)
{
	Delivery *d = user_data;
	OxEmbeddedConnection *self = d->conn;
	g_mutex_lock (&self->lock);
	self->in_flight--;
	g_cond_broadcast (&self->cond);
	g_mutex_unlock (&self->lock);
	ox_batch_unref (d->batch);
	job_unref (d->job);
	g_object_unref (d->conn);
	g_free (d);
}

/* Worker side: post a batch (adopted) after the pending notices, waiting
 * while too many are undelivered. */
static void
post_batch (Worker *w, Job *job, OxBatch *batch)
{
	OxEmbeddedConnection *self = w->conn;

	while (w->notices->len > 0)
		g_ptr_array_add (batch->notices, g_ptr_array_steal_index (w->notices, 0));

	g_mutex_lock (&self->lock);
	while (self->in_flight >= MAX_IN_FLIGHT && !self->closed) {
		/* a timed wait: cancellation does not signal the condition */
		gint64 until = g_get_monotonic_time () + 50 * G_TIME_SPAN_MILLISECOND;
		g_cond_wait_until (&self->cond, &self->lock, until);
	}
	self->in_flight++;
	g_mutex_unlock (&self->lock);

	Delivery *d = g_new0 (Delivery, 1);
	d->job = job_ref (job);
	d->conn = g_object_ref (self);
	d->batch = batch;
	post (job->context, deliver_cb, d, delivery_free);
}

static void
notice_cb (void *user, const char *severity, const char *sqlstate, const char *message)
{
	Worker *w = user;
	OxNotice *n = g_new0 (OxNotice, 1);
	n->severity = g_strdup (severity);
	n->sqlstate = g_strdup (sqlstate);
	n->message = g_strdup (message);
	g_ptr_array_add (w->notices, n);
}

static OxServerError *
server_error_from (const OxError *err, int offset)
{
	OxServerError *e = g_new0 (OxServerError, 1);
	e->sqlstate = g_strdup (err->sqlstate[0] ? err->sqlstate : "XX000");
	e->message = g_strdup (err->message ? err->message : "unknown error");
	e->detail = g_strdup (err->detail);
	e->hint = g_strdup (err->hint);
	e->context = g_strdup (err->context);
	e->position = err->position > 0 ? err->position + offset : 0;
	return e;
}

static gboolean
emit_objects_changed_cb (gpointer user_data)
{
	ox_connection_objects_changed (OX_CONNECTION (user_data));
	return G_SOURCE_REMOVE;
}

/* ---- the run worker ----------------------------------------------------------- */

typedef enum { DEMAND_FETCH, DEMAND_GIVE_WAY, DEMAND_CANCELLED } DemandOutcome;

/* A run with flow control, before fetching: wait until rows are wanted
 * (*allowed: how many), or until the run must give way or was cancelled. */
static DemandOutcome
await_demand (Worker *w, Job *job, guint64 *allowed)
{
	for (;;) {
		guint64 wanted = ox_row_demand_wait (job->demand, job->delivered,
		                                     DEMAND_POLL_MS * G_TIME_SPAN_MILLISECOND);
		if (g_cancellable_is_cancelled (job->cancellable))
			return DEMAND_CANCELLED;
		if (wanted > job->delivered) {
			*allowed = wanted - job->delivered;
			return DEMAND_FETCH;
		}
		g_mutex_lock (&w->conn->lock);
		gboolean closed = w->conn->closed;
		g_mutex_unlock (&w->conn->lock);
		if (closed || g_async_queue_length (w->queue) > 0)
			return DEMAND_GIVE_WAY;
	}
}

/* Run one prepared statement, posting its batches.  Returns OX_OK or
 * OX_ERROR (err filled); *truncated: the result set gave way to another
 * job (see NOTE on demand). */
static int
execute (Worker *w, Job *job, OxStmt *st, OxBatch *proto, OxError *err, gboolean *truncated, gint64 *rows)
{
	int ncol = ox_column_count (st);
	if (ncol > 0) {
		OxBatch *b = ox_batch_new (OX_BATCH_COLUMNS);
		b->statement = proto->statement;
		b->stmt_start = proto->stmt_start;
		b->stmt_length = proto->stmt_length;
		b->n_columns = ncol;
		b->column_names = g_new0 (char *, ncol + 1);
		b->column_types = g_new0 (char *, ncol + 1);
		for (int c = 0; c < ncol; c++) {
			b->column_names[c] = g_strdup (ox_column_name (st, c));
			b->column_types[c] = g_strdup (ox_column_type_name (st, c));
		}
		post_batch (w, job, b);
	}

	int max = FIRST_BATCH_ROWS;
	for (;;) {
		int n = 0;
		int want = max;
		if (job->demand && ncol > 0) {
			guint64 allowed = 0;
			switch (await_demand (w, job, &allowed)) {
			case DEMAND_CANCELLED:
				g_strlcpy (err->sqlstate, "57014", sizeof err->sqlstate);
				err->message = g_strdup ("canceling statement due to user request");
				return OX_ERROR;
			case DEMAND_GIVE_WAY:
				*truncated = TRUE;
				return OX_OK;
			case DEMAND_FETCH:
				want = (int) MIN ((guint64) max, allowed);
				break;
			}
		}
		int rc = ox_fetch_batch (st, want, &n, err);
		if (rc == OX_ERROR)
			return OX_ERROR;
		if (rc == OX_DONE)
			return OX_OK;
		OxBatch *b = ox_batch_new (OX_BATCH_ROWS);
		b->statement = proto->statement;
		b->stmt_start = proto->stmt_start;
		b->stmt_length = proto->stmt_length;
		b->n_columns = ncol;
		b->n_rows = n;
		b->cells = g_new (char *, (gsize) n * ncol);
		for (int r = 0; r < n; r++)
			for (int c = 0; c < ncol; c++)
				b->cells[(gsize) r * ncol + c] =
					ox_batch_is_null (st, r, c) ? NULL : g_strdup (ox_batch_text (st, r, c));
		job->delivered += n;
		*rows += n;
		post_batch (w, job, b);
		max = BATCH_ROWS;
	}
}

static void
run_script (Worker *w, Job *job)
{
	OxEmbeddedConnection *self = w->conn;
	const char *text = job->sql;
	const char *p = text;
	guint index = 0;
	gboolean failed = FALSE, cancelled = FALSE;
	char *fail_message = NULL;
	gboolean closed_seen = FALSE;  /* the connection closed between statements */

	g_mutex_lock (&self->lock);
	self->current = job_ref (job);
	g_mutex_unlock (&self->lock);
	job->cancel_id = g_cancellable_connect (job->cancellable, G_CALLBACK (job_cancelled_cb), job, NULL);

	while (*p) {
		if (g_cancellable_is_cancelled (job->cancellable)) {
			cancelled = TRUE;
			break;
		}
		g_mutex_lock (&self->lock);
		gboolean closed = self->closed;
		g_mutex_unlock (&self->lock);
		if (closed) {
			closed_seen = TRUE;
			break;
		}
		OxStmt *st = NULL;
		const char *tail = NULL;
		OxError err = { 0 };
		int before = (int) g_utf8_strlen (text, p - text);
		gint64 t0 = g_get_monotonic_time ();

		int rc = ox_prepare (w->session, p, -1, &st, &tail, &err);
		if (rc == OX_OK && !st)
			break;  /* only whitespace and comments were left */

		/* the statement's span: from its first non-blank character to
		 * the end of what prepare consumed, for the editor to mark */
		const char *s = p;
		while (*s && g_ascii_isspace (*s))
			s++;
		const char *e = tail && tail > s ? tail : s + strlen (s);
		OxBatch proto = { 0 };
		proto.statement = index;
		proto.stmt_start = (int) g_utf8_strlen (text, s - text);
		proto.stmt_length = (int) g_utf8_strlen (s, e - s);

		gboolean truncated = FALSE;
		gint64 rows = 0;
		if (rc == OX_OK)
			rc = execute (w, job, st, &proto, &err, &truncated, &rows);

		OxBatch *b;
		if (rc == OX_OK) {
			b = ox_batch_new (OX_BATCH_DONE);
			b->truncated = truncated;
			/* a result set closed early counts what it delivered */
			b->command_tag = truncated ? g_strdup_printf ("SELECT %" G_GINT64_FORMAT, rows)
			                           : g_strdup (ox_command_tag (st));
			b->row_count = truncated ? rows : ox_changes (st);
			/* DO and CALL may run DDL inside; reading the catalog
			 * again costs a few small queries */
			if (ox_command_tag_is_ddl (b->command_tag) || !g_strcmp0 (b->command_tag, "DO") ||
			    !g_strcmp0 (b->command_tag, "CALL"))
				w->ddl_pending = TRUE;
		} else {
			b = ox_batch_new (OX_BATCH_ERROR);
			b->error = server_error_from (&err, before);
			if (!strcmp (b->error->sqlstate, "57014") && g_cancellable_is_cancelled (job->cancellable))
				cancelled = TRUE;
			else
				fail_message = g_strdup (b->error->message);
			failed = TRUE;
		}
		b->statement = index;
		b->stmt_start = proto.stmt_start;
		b->stmt_length = proto.stmt_length;
		b->elapsed_us = g_get_monotonic_time () - t0;
		ox_finalize (st);
		ox_error_clear (&err);
		post_batch (w, job, b);

		/* DDL is transactional: the catalog reader sees it after commit */
		if (w->ddl_pending && ox_session_txn_status (w->session) == 'I') {
			w->ddl_pending = FALSE;
			post (job->context, emit_objects_changed_cb, g_object_ref (self), g_object_unref);
		}
		if (failed)
			break;
		index++;
		p = tail ? tail : p + strlen (p);
	}

	g_mutex_lock (&self->lock);
	Job *cur = g_steal_pointer (&self->current);
	g_mutex_unlock (&self->lock);
	free_on_context (job->context, (GDestroyNotify) job_unref, cur);

	if (cancelled)
		g_task_return_new_error (job->task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "canceling statement due to user request");
	else if (closed_seen)
		g_task_return_new_error (job->task, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_CLOSED, "the connection was closed");
	else if (failed)
		g_task_return_new_error (job->task, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_STATEMENT, "%s", fail_message);
	else
		g_task_return_boolean (job->task, TRUE);
	g_free (fail_message);
	job_finish (job);
}

/* ---- the catalog worker --------------------------------------------------------- */

static void
rows_free (gpointer p)
{
	g_ptr_array_unref (p);
}

static void
run_query (Worker *w, Job *job)
{
	OxStmt *st = NULL;
	OxError err = { 0 };
	GPtrArray *rows = g_ptr_array_new_with_free_func (rows_free);
	int rc = ox_prepare (w->session, job->sql, -1, &st, NULL, &err);
	if (rc == OX_OK && st) {
		int ncol = ox_column_count (st);
		while ((rc = ox_step (st, &err)) == OX_ROW) {
			GPtrArray *row = g_ptr_array_new_full (ncol, g_free);
			for (int c = 0; c < ncol; c++)
				g_ptr_array_add (row, g_strdup (ox_column_text (st, c)));
			g_ptr_array_add (rows, row);
		}
	}
	ox_finalize (st);
	g_ptr_array_set_size (w->notices, 0);
	if (rc == OX_ERROR) {
		g_task_return_new_error (job->task, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_STATEMENT,
		                         "%s: %s", err.sqlstate, err.message ? err.message : "failed");
		g_ptr_array_unref (rows);
	} else if (g_cancellable_is_cancelled (job->cancellable)) {
		g_task_return_new_error (job->task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
		g_ptr_array_unref (rows);
	} else {
		g_task_return_pointer (job->task, rows, (GDestroyNotify) g_ptr_array_unref);
	}
	ox_error_clear (&err);
	job_finish (job);
}

static gpointer
worker_main (gpointer user_data)
{
	Worker *w = user_data;
	for (;;) {
		Job *job = g_async_queue_pop (w->queue);
		if (job->kind == JOB_STOP) {
			g_free (job);
			return NULL;
		}
		g_mutex_lock (&w->conn->lock);
		gboolean closed = w->conn->closed;
		g_mutex_unlock (&w->conn->lock);
		if (closed) {
			g_task_return_new_error (job->task, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_CLOSED,
			                         "the connection was closed");
			job_finish (job);
			continue;
		}
		if (job->kind == JOB_RUN)
			run_script (w, job);
		else
			run_query (w, job);
	}
}

static gboolean
worker_start (OxEmbeddedConnection *self, Worker *w, const char *name, GError **error)
{
	OxError err = { 0 };
	w->conn = self;
	w->notices = g_ptr_array_new_with_free_func ((GDestroyNotify) ox_notice_free);
	if (ox_session_new (self->db, &w->session, &err) != OX_OK) {
		g_set_error (error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED, "%s", err.message);
		ox_error_clear (&err);
		return FALSE;
	}
	ox_session_set_notice_func (w->session, notice_cb, w);
	w->queue = g_async_queue_new ();
	w->thread = g_thread_new (name, worker_main, w);
	return TRUE;
}

/* Stop the thread; jobs still queued fail with CLOSED. */
static void
worker_stop (Worker *w)
{
	if (w->thread) {
		Job *stop = g_new0 (Job, 1);
		stop->kind = JOB_STOP;
		g_async_queue_push (w->queue, stop);
		g_thread_join (w->thread);
		w->thread = NULL;
	}
	if (w->queue) {
		Job *job;
		while ((job = g_async_queue_try_pop (w->queue))) {
			g_task_return_new_error (job->task, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_CLOSED,
			                         "the connection was closed");
			g_clear_object (&job->task);
			job_unref (job);
		}
		g_clear_pointer (&w->queue, g_async_queue_unref);
	}
	g_clear_pointer (&w->session, ox_session_free);
	g_clear_pointer (&w->notices, g_ptr_array_unref);
}

static void
submit (OxEmbeddedConnection *self, Worker *w, Job *job)
{
	g_mutex_lock (&self->lock);
	gboolean closed = self->closed;
	g_mutex_unlock (&self->lock);
	if (closed || !w->queue) {
		g_task_return_new_error (job->task, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_CLOSED,
		                         "the connection is closed");
		g_clear_object (&job->task);
		job_unref (job);
		return;
	}
	g_async_queue_push (w->queue, job);
}

/* ---- OxConnection ---------------------------------------------------------------- */

static const char *
embedded_get_title (OxConnection *conn)
{
	return OX_EMBEDDED_CONNECTION (conn)->title;
}

static void
embedded_run_async (OxConnection *conn, const char *sql, OxBatchFunc batch_func, gpointer batch_data,
                    GDestroyNotify batch_destroy, GCancellable *cancellable, GAsyncReadyCallback callback,
                    gpointer user_data)
{
	OxEmbeddedConnection *self = OX_EMBEDDED_CONNECTION (conn);
	Job *job = job_new (self, JOB_RUN, sql, cancellable, callback, user_data, embedded_run_async);
	job->batch_func = batch_func;
	job->batch_data = batch_data;
	job->batch_destroy = batch_destroy;
	submit (self, &self->run, job);
}

static void
embedded_run_with_demand_async (OxConnection *conn, const char *sql, OxRowDemand *demand, OxBatchFunc batch_func,
                                gpointer batch_data, GDestroyNotify batch_destroy, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
	OxEmbeddedConnection *self = OX_EMBEDDED_CONNECTION (conn);
	/* tagged as a plain run: run_finish is the same */
	Job *job = job_new (self, JOB_RUN, sql, cancellable, callback, user_data, embedded_run_async);
	job->demand = ox_row_demand_ref (demand);
	job->batch_func = batch_func;
	job->batch_data = batch_data;
	job->batch_destroy = batch_destroy;
	submit (self, &self->run, job);
}

static gboolean
embedded_run_finish (OxConnection *conn, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (g_task_is_valid (result, conn), FALSE);
	return g_task_propagate_boolean (G_TASK (result), error);
}

static void
embedded_cancel (OxConnection *conn)
{
	OxEmbeddedConnection *self = OX_EMBEDDED_CONNECTION (conn);
	g_autoptr (GCancellable) c = NULL;
	g_mutex_lock (&self->lock);
	if (self->current)
		c = g_object_ref (self->current->cancellable);
	g_mutex_unlock (&self->lock);
	if (c)
		g_cancellable_cancel (c);
}

static void
embedded_query_async (OxConnection *conn, const char *sql, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
	OxEmbeddedConnection *self = OX_EMBEDDED_CONNECTION (conn);
	Job *job = job_new (self, JOB_QUERY, sql, cancellable, callback, user_data, embedded_query_async);
	submit (self, &self->catalog, job);
}

static GPtrArray *
embedded_query_finish (OxConnection *conn, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (g_task_is_valid (result, conn), NULL);
	return g_task_propagate_pointer (G_TASK (result), error);
}

static void
embedded_close (OxConnection *conn)
{
	OxEmbeddedConnection *self = OX_EMBEDDED_CONNECTION (conn);
	g_mutex_lock (&self->lock);
	if (self->closed) {
		g_mutex_unlock (&self->lock);
		return;
	}
	self->closed = TRUE;
	g_cond_broadcast (&self->cond);
	g_mutex_unlock (&self->lock);
	/* Debug sessions borrow the database: end them first (their paused
	 * transactions roll back, so a run waiting on their locks can end). */
	ox_embedded_dap_stop_all (self);
	/* Stop the run under way before joining its thread, cancelling
	 * again and again: a single cancel can land just before the engine
	 * clears its flag at the start of a statement (see NOTE on cancel),
	 * and nothing else would end a statement that never finishes. */
	for (;;) {
		g_mutex_lock (&self->lock);
		gboolean busy = self->current != NULL;
		g_mutex_unlock (&self->lock);
		if (!busy || !self->run.session)
			break;
		ox_session_cancel (self->run.session);
		g_usleep (5 * 1000);
	}
	worker_stop (&self->run);
	worker_stop (&self->catalog);
	g_clear_pointer (&self->db, ox_db_close);
}

static void
ox_embedded_connection_iface_init (OxConnectionInterface *iface)
{
	iface->get_title = embedded_get_title;
	iface->run_async = embedded_run_async;
	iface->run_finish = embedded_run_finish;
	iface->run_with_demand_async = embedded_run_with_demand_async;
	iface->cancel = embedded_cancel;
	iface->query_async = embedded_query_async;
	iface->query_finish = embedded_query_finish;
	iface->close = embedded_close;
	iface->open_dap_async = ox_embedded_dap_open_async;  /* ox-embedded-dap.c */
	iface->open_dap_finish = ox_embedded_dap_open_finish;
}

/* ---- GObject --------------------------------------------------------------------- */

static void
ox_embedded_connection_dispose (GObject *object)
{
	embedded_close (OX_CONNECTION (object));
	G_OBJECT_CLASS (ox_embedded_connection_parent_class)->dispose (object);
}

static void
ox_embedded_connection_finalize (GObject *object)
{
	OxEmbeddedConnection *self = OX_EMBEDDED_CONNECTION (object);
	g_free (self->path);
	g_free (self->title);
	g_mutex_clear (&self->lock);
	g_cond_clear (&self->cond);
	G_OBJECT_CLASS (ox_embedded_connection_parent_class)->finalize (object);
}

static void
ox_embedded_connection_class_init (OxEmbeddedConnectionClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	object_class->dispose = ox_embedded_connection_dispose;
	object_class->finalize = ox_embedded_connection_finalize;
}

static void
ox_embedded_connection_init (OxEmbeddedConnection *self)
{
	g_mutex_init (&self->lock);
	g_cond_init (&self->cond);
}

OxDatabase *
ox_embedded_connection_get_database (OxEmbeddedConnection *self)
{
	g_return_val_if_fail (OX_IS_EMBEDDED_CONNECTION (self), NULL);
	g_mutex_lock (&self->lock);
	OxDatabase *db = self->closed ? NULL : self->db;
	g_mutex_unlock (&self->lock);
	return db;
}

const char *
ox_embedded_connection_get_path (OxEmbeddedConnection *self)
{
	g_return_val_if_fail (OX_IS_EMBEDDED_CONNECTION (self), NULL);
	return self->path;
}

/* ---- opening ---------------------------------------------------------------------- */

typedef struct {
	char *path;
	char *init_sql;
	char *probe_table;
} OpenData;

static void
open_data_free (OpenData *od)
{
	g_free (od->path);
	g_free (od->init_sql);
	g_free (od->probe_table);
	g_free (od);
}

static gboolean
table_exists (OxSession *s, const char *table, GError **error)
{
	OxStmt *st = NULL;
	OxError err = { 0 };
	gboolean found = FALSE;
	int rc = ox_prepare (s, "SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' "
	                        "AND table_name = $1", -1, &st, NULL, &err);
	if (rc == OX_OK)
		rc = ox_bind_text (st, 1, table, -1, &err);
	if (rc == OX_OK) {
		rc = ox_step (st, &err);
		found = rc == OX_ROW;
		if (rc != OX_ERROR)
			rc = OX_OK;
	}
	ox_finalize (st);
	if (rc == OX_ERROR) {
		g_set_error (error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED, "%s", err.message);
		ox_error_clear (&err);
		return FALSE;
	}
	return found;
}

static OxEmbeddedConnection *
open_sync (const OpenData *od, GError **error)
{
	OxError err = { 0 };
	g_autoptr (OxEmbeddedConnection) self = g_object_new (OX_TYPE_EMBEDDED_CONNECTION, NULL);
	self->path = g_strdup (od->path);
	if (!strcmp (od->path, ":memory:"))
		self->title = g_strdup ("in-memory database");
	else
		self->title = g_path_get_basename (od->path);

	if (ox_db_open (od->path, &self->db, &err) != OX_OK) {
		g_set_error (error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED, "%s: %s", od->path,
		             err.message ? err.message : "cannot open");
		ox_error_clear (&err);
		self->closed = TRUE;
		return NULL;
	}
	if (od->init_sql) {
		OxSession *s = NULL;
		if (ox_session_new (self->db, &s, &err) != OX_OK) {
			g_set_error (error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED, "%s", err.message);
			ox_error_clear (&err);
			return NULL;
		}
		GError *local = NULL;
		gboolean have = od->probe_table && table_exists (s, od->probe_table, &local);
		if (!local && !have && ox_exec (s, od->init_sql, &err) != OX_OK) {
			g_set_error (&local, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED,
			             "the initial script failed: %s: %s (position %d)", err.sqlstate, err.message,
			             err.position);
			ox_error_clear (&err);
		}
		ox_session_free (s);
		if (local) {
			g_propagate_error (error, local);
			return NULL;
		}
	}
	if (!worker_start (self, &self->run, "ox-run", error) ||
	    !worker_start (self, &self->catalog, "ox-catalog", error))
		return NULL;
	return g_steal_pointer (&self);
}

OxEmbeddedConnection *
ox_embedded_connection_open (const char *path, const char *init_sql, const char *probe_table, GError **error)
{
	g_return_val_if_fail (path != NULL, NULL);
	OpenData od = { (char *) path, (char *) init_sql, (char *) probe_table };
	return open_sync (&od, error);
}

static void
open_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
	(void) source;
	(void) cancellable;
	GError *error = NULL;
	OxEmbeddedConnection *conn = open_sync (task_data, &error);
	if (conn)
		g_task_return_pointer (task, conn, g_object_unref);
	else
		g_task_return_error (task, error);
}

void
ox_embedded_connection_open_async (const char *path, const char *init_sql, const char *probe_table,
                                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
	g_return_if_fail (path != NULL);
	OpenData *od = g_new0 (OpenData, 1);
	od->path = g_strdup (path);
	od->init_sql = g_strdup (init_sql);
	od->probe_table = g_strdup (probe_table);
	g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
	g_task_set_source_tag (task, ox_embedded_connection_open_async);
	g_task_set_task_data (task, od, (GDestroyNotify) open_data_free);
	g_task_run_in_thread (task, open_thread);
}

OxEmbeddedConnection *
ox_embedded_connection_open_finish (GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
	return g_task_propagate_pointer (G_TASK (result), error);
}

/*
 * connection-test-util.h — what the OxConnection test programs share: a
 * wait that iterates the default main context until a condition holds
 * (with a deadline, so a hang fails the test instead of blocking it), and
 * a run's record: every batch in order of arrival, checked to arrive on
 * the caller's thread and never after the run finished.
 */
#pragma once

#include "ox-connection.h"

G_BEGIN_DECLS

#define DEADLINE_S 30

typedef gboolean (*CondFunc) (gpointer data);

void wait_until (CondFunc cond, gpointer data, const char *what);

typedef struct {
	GPtrArray *batches;  /* OxBatch*, in order of arrival */
	gboolean   finished;
	gboolean   ok;
	GError    *error;
	GThread   *main_thread;
} Run;

void      run_batch_cb (OxBatch *batch, gpointer user_data);  /* an OxBatchFunc recording into a Run */
void      run_done_cb (GObject *source, GAsyncResult *result, gpointer user_data);
gboolean  run_finished (gpointer data);
Run      *run_new (void);
void      run_free (Run *r);
/* Run sql to its end and return its record. */
Run      *run_sync (OxConnection *c, const char *sql, GCancellable *cancellable);

G_END_DECLS

/*
 * dap-test-sessions.h — sessions that run as a server's do, for the
 * remote-debugging tests: each on its own thread, registered with a debug
 * hub, a checkpoint before each statement, statements handed in through a
 * queue and results handed back ("ok: <first value>" or "error: SQLSTATE"),
 * so a test can see that a session is stopped (no result yet) or ran on.
 */
#pragma once

#include <string.h>

#include "debug-hub.h"
#include "dap-test-util.h"

/* ---- server-like sessions -------------------------------------------------------------------------- */

typedef struct {
	OxDebugHub  *hub;
	OxDatabase  *db;
	guint64      id;
	const char  *user, *app;
	GThread     *thread;
	GAsyncQueue *in;    /* char*: a statement to run; "" ends the session */
	GAsyncQueue *out;   /* char*: "ok: <first value>" or "error: SQLSTATE" per statement */
	OxDebugTarget *target;  /* set before the first result is pushed */
} Sess;

static inline gpointer
sess_main (gpointer data)
{
	Sess *ss = data;
	OxSession *s = NULL;
	OxError e = { 0 };
	g_assert_cmpint (ox_session_new (ss->db, &s, &e), ==, OX_OK);
	OxDebugTargetInfo info = { ss->id, ss->user, ss->app, "oxibase" };
	OxDebugTarget *t = ox_debug_hub_register (ss->hub, s, &info);
	ss->target = t;
	for (;;) {
		char *sql = g_async_queue_pop (ss->in);
		if (!*sql) {
			g_free (sql);
			break;
		}
		ox_debug_target_checkpoint (t);
		OxStmt *st = NULL;
		char *result = NULL;
		if (ox_prepare (s, sql, -1, &st, NULL, &e) == OX_OK) {
			int rc = ox_step (st, &e);
			if (rc == OX_ROW)
				result = g_strdup_printf ("ok: %s", ox_column_text (st, 0) ? (const char *) ox_column_text (st, 0)
				                                                            : "NULL");
			else if (rc == OX_DONE)
				result = g_strdup ("ok: done");
		}
		if (!result)
			result = g_strdup_printf ("error: %s", e.sqlstate);
		ox_error_clear (&e);
		ox_finalize (st);
		g_async_queue_push (ss->out, result);
		g_free (sql);
	}
	ox_debug_hub_unregister (t);
	ox_session_free (s);
	return NULL;
}

static inline void
sess_start (Sess *ss, OxDebugHub *hub, OxDatabase *db, guint64 id, const char *user, const char *app)
{
	memset (ss, 0, sizeof *ss);
	ss->hub = hub;
	ss->db = db;
	ss->id = id;
	ss->user = user;
	ss->app = app;
	ss->in = g_async_queue_new_full (g_free);
	ss->out = g_async_queue_new_full (g_free);
	ss->thread = g_thread_new ("session", sess_main, ss);
}

static inline void
sess_send (Sess *ss, const char *sql)
{
	g_async_queue_push (ss->in, g_strdup (sql));
}

/* The next statement's result, or NULL if none came within ms. */
static inline char *
sess_result (Sess *ss, int ms)
{
	return g_async_queue_timeout_pop (ss->out, (guint64) ms * 1000);
}

static inline void
sess_expect (Sess *ss, const char *want)
{
	char *got = sess_result (ss, TEST_DEADLINE_S * 1000);
	g_assert_nonnull (got);
	g_assert_cmpstr (got, ==, want);
	g_free (got);
}

static inline void
sess_stop (Sess *ss)
{
	sess_send (ss, "");
	g_thread_join (ss->thread);
	g_async_queue_unref (ss->in);
	g_async_queue_unref (ss->out);
}

static inline OxDatabase *
demo_db (void)
{
	OxDatabase *db = NULL;
	OxSession *s = NULL;
	OxError e = { 0 };
	g_assert_cmpint (ox_db_open (":memory:", &db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (db, &s, &e), ==, OX_OK);
	g_assert_cmpint (ox_exec (s,
	                          "CREATE FUNCTION bump(n int) RETURNS int LANGUAGE plsql AS $$\n"
	                          "DECLARE r int;\n"      /* body line 2 */
	                          "BEGIN\n"               /* 3 */
	                          "  r := n + 1;\n"       /* 4 */
	                          "  RETURN r;\n"         /* 5 */
	                          "END $$",
	                          &e),
	                 ==, OX_OK);
	ox_session_free (s);
	return db;
}

/* The server's token check, as a test stands it in: "good-token" debugs
 * every session, "bob-token" bob's only, anything else is refused. */
static inline gboolean
check_token (const char *token, gpointer data, char **only_user, GError **error)
{
	(void) data;
	if (!strcmp (token, "good-token"))
		return TRUE;
	if (!strcmp (token, "bob-token")) {
		*only_user = g_strdup ("bob");
		return TRUE;
	}
	g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "the token is not valid (expired or revoked?)");
	return FALSE;
}

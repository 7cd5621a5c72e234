/*
 * test-dap-attach.c — the adapter in attach mode (remote debugging) over
 * the debug hub, against the real engine: sessions that run like a
 * server's (each on its own thread, registered with the hub, a checkpoint
 * before each statement), a client that attaches over a real socket.
 *
 * What it pins down: nothing but initialize/attach/disconnect before a
 * successful attach, a bad token refused, the session filter, a session
 * that hits a breakpoint stops alone while another runs on, two sessions
 * stopped at once and resumed one by one, breakpoints set by source
 * reference, sessions that come and go as thread events, and a client
 * that vanishes while a session is stopped: the session finishes its
 * statement and never stops again.
 */
#include <string.h>

#include "dap-adapter.h"
#include "dap-test-client.h"
#include "dap-test-sessions.h"

/* ---- the adapter --------------------------------------------------------------------------------------- */

typedef struct {
	Fx          fx;
	OxDebugHub *hub;
} Att;

static gpointer
attach_main (gpointer data)
{
	Att *a = data;
	GMainContext *ctx = g_main_context_new ();
	g_main_context_push_thread_default (ctx);
	DapAdapter *ad = dap_adapter_new_attach (G_IO_STREAM (a->fx.server), a->hub, check_token, NULL);
	a->fx.exit_code = dap_adapter_run (ad);
	dap_adapter_free (ad);
	g_main_context_pop_thread_default (ctx);
	g_main_context_unref (ctx);
	return NULL;
}

static void
att_start (Att *a, OxDebugHub *hub)
{
	memset (a, 0, sizeof *a);
	a->hub = hub;
	test_socket_pair (&a->fx.server, &a->fx.client);
	a->fx.seq = 1;
	a->fx.buf = g_string_new (NULL);
	a->fx.backlog = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
	g_socket_set_timeout (g_socket_connection_get_socket (a->fx.client), TEST_DEADLINE_S);
	a->fx.thread = g_thread_new ("adapter", attach_main, a);
}

static void
att_stop (Att *a)
{
	g_thread_join (a->fx.thread);
	g_object_unref (a->fx.client);
	g_object_unref (a->fx.server);
	g_string_free (a->fx.buf, TRUE);
	g_ptr_array_unref (a->fx.backlog);
}

static void
attach (Fx *fx, const char *args)
{
	json_object_unref (fx_call (fx, "initialize", "{\"adapterID\":\"oxibase\"}", TRUE));
	json_object_unref (fx_call (fx, "attach", args, TRUE));
	json_object_unref (fx_event (fx, "initialized"));
	json_object_unref (fx_call (fx, "configurationDone", NULL, TRUE));
}

static void
disconnect (Fx *fx)
{
	json_object_unref (fx_call (fx, "disconnect", NULL, TRUE));
}

/* The ids of `threads`, sorted, as "101,102". */
static char *
thread_ids (Fx *fx)
{
	JsonObject *r = fx_call (fx, "threads", NULL, TRUE);
	JsonArray *ts = json_object_get_array_member (body (r), "threads");
	GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	for (guint i = 0; i < json_array_get_length (ts); i++) {
		gint64 id = json_object_get_int_member (json_array_get_object_element (ts, i), "id");
		g_array_append_val (ids, id);
	}
	GString *g = g_string_new (NULL);
	for (guint i = 0; i < ids->len; i++) {
		gint64 min = G_MAXINT64;
		guint at = 0;
		for (guint k = 0; k < ids->len; k++)
			if (g_array_index (ids, gint64, k) < min) {
				min = g_array_index (ids, gint64, k);
				at = k;
			}
		g_string_append_printf (g, "%s%" G_GINT64_FORMAT, g->len ? "," : "", min);
		g_array_index (ids, gint64, at) = G_MAXINT64;
	}
	g_array_unref (ids);
	json_object_unref (r);
	return g_string_free (g, FALSE);
}

/* Wait for a stopped event; returns its threadId. */
static gint64
stopped_thread (Fx *fx, const char *reason)
{
	JsonObject *e = fx_event (fx, "stopped");
	JsonObject *b = body (e);
	g_assert_cmpstr (json_object_get_string_member (b, "reason"), ==, reason);
	g_assert_false (json_object_get_boolean_member (b, "allThreadsStopped"));
	gint64 id = json_object_get_int_member (b, "threadId");
	json_object_unref (e);
	return id;
}

/* The top frame of thread's stop: its title and source reference. */
static char *
top_title (Fx *fx, gint64 thread, gint64 *sref, gint64 *line)
{
	char *args = g_strdup_printf ("{\"threadId\":%" G_GINT64_FORMAT ",\"startFrame\":0,\"levels\":1}", thread);
	JsonObject *r = fx_call (fx, "stackTrace", args, TRUE);
	g_free (args);
	JsonObject *f = json_array_get_object_element (json_object_get_array_member (body (r), "stackFrames"), 0);
	char *name = g_strdup (json_object_get_string_member (f, "name"));
	JsonObject *src = json_object_get_object_member (f, "source");
	if (sref)
		*sref = json_object_has_member (src, "sourceReference") ? json_object_get_int_member (src, "sourceReference") : 0;
	if (line)
		*line = json_object_get_int_member (f, "line");
	json_object_unref (r);
	return name;
}

static void
cont (Fx *fx, gint64 thread)
{
	char *args = g_strdup_printf ("{\"threadId\":%" G_GINT64_FORMAT "}", thread);
	JsonObject *r = fx_call (fx, "continue", args, TRUE);
	g_assert_false (json_object_get_boolean_member (body (r), "allThreadsContinued"));
	json_object_unref (r);
	g_free (args);
}

/* ---- tests ---------------------------------------------------------------------------------------------- */

static void
test_gate_and_token (void)
{
	OxDebugHub *hub = ox_debug_hub_new ();
	Att a;
	att_start (&a, hub);
	Fx *fx = &a.fx;
	json_object_unref (fx_call (fx, "initialize", "{\"adapterID\":\"oxibase\"}", TRUE));
	JsonObject *r = fx_call (fx, "threads", NULL, FALSE);
	g_assert_nonnull (strstr (json_object_get_string_member (r, "message"), "before a successful \"attach\""));
	json_object_unref (r);
	r = fx_call (fx, "setFunctionBreakpoints", "{\"breakpoints\":[{\"name\":\"bump\"}]}", FALSE);
	json_object_unref (r);
	r = fx_call (fx, "attach", "{}", FALSE);
	g_assert_nonnull (strstr (json_object_get_string_member (r, "message"), "token"));
	json_object_unref (r);
	r = fx_call (fx, "attach", "{\"token\":\"forged\"}", FALSE);
	g_assert_nonnull (strstr (json_object_get_string_member (r, "message"), "not valid"));
	json_object_unref (r);
	r = fx_call (fx, "launch", "{\"sql\":\"SELECT 1\"}", FALSE);
	json_object_unref (r);
	json_object_unref (fx_call (fx, "attach", "{\"token\":\"good-token\"}", TRUE));
	json_object_unref (fx_event (fx, "initialized"));
	r = fx_call (fx, "launch", "{\"sql\":\"SELECT 1\"}", FALSE);
	g_assert_nonnull (strstr (json_object_get_string_member (r, "message"), "attach"));
	json_object_unref (r);
	r = fx_call (fx, "terminate", NULL, FALSE);
	json_object_unref (r);
	char *ids = thread_ids (fx);
	g_assert_cmpstr (ids, ==, "");
	g_free (ids);
	disconnect (fx);
	att_stop (&a);
	ox_debug_hub_free (hub);
}

/* A breakpoint hit in one session stops that session only; another
 * session runs on, then stops at the same breakpoint; each resumes on its
 * own.  A breakpoint set by source reference applies to every session. */
static void
test_sessions_stop_alone (void)
{
	OxDatabase *db = demo_db ();
	OxDebugHub *hub = ox_debug_hub_new ();
	Sess s1, s2;
	sess_start (&s1, hub, db, 101, "alice", "psql");
	sess_start (&s2, hub, db, 102, "bob", "billing");
	/* both are registered once they answered a statement */
	sess_send (&s1, "SELECT 1");
	sess_expect (&s1, "ok: 1");
	sess_send (&s2, "SELECT 1");
	sess_expect (&s2, "ok: 1");

	Att a;
	att_start (&a, hub);
	Fx *fx = &a.fx;
	attach (fx, "{\"token\":\"good-token\",\"sessions\":\"all\"}");
	char *ids = thread_ids (fx);
	g_assert_cmpstr (ids, ==, "101,102");
	g_free (ids);
	JsonObject *r = fx_call (fx, "setFunctionBreakpoints", "{\"breakpoints\":[{\"name\":\"bump\"}]}", TRUE);
	JsonObject *bp = json_array_get_object_element (json_object_get_array_member (body (r), "breakpoints"), 0);
	g_assert_true (json_object_get_boolean_member (bp, "verified"));
	gint64 fn_bp = json_object_get_int_member (bp, "id");
	json_object_unref (r);

	/* alice calls bump: she stops, bob goes on */
	sess_send (&s1, "SELECT bump(1)");
	JsonObject *e = fx_event (fx, "stopped");
	g_assert_cmpint (json_object_get_int_member (body (e), "threadId"), ==, 101);
	g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (body (e), "hitBreakpointIds"), 0), ==,
	                 fn_bp);
	json_object_unref (e);
	sess_send (&s2, "SELECT 40 + 2");
	sess_expect (&s2, "ok: 42");
	char *none = sess_result (&s1, 200);
	g_assert_null (none);  /* still stopped */

	gint64 sref = 0, line = 0;
	char *title = top_title (fx, 101, &sref, &line);
	g_assert_cmpstr (title, ==, "bump(1)");
	g_free (title);
	g_assert_cmpint (sref, >, 0);

	/* a line breakpoint in bump's body, by reference, for everyone */
	char *args = g_strdup_printf ("{\"source\":{\"sourceReference\":%" G_GINT64_FORMAT "},"
	                              "\"breakpoints\":[{\"line\":5}]}", sref);
	r = fx_call (fx, "setBreakpoints", args, TRUE);
	g_free (args);
	bp = json_array_get_object_element (json_object_get_array_member (body (r), "breakpoints"), 0);
	g_assert_true (json_object_get_boolean_member (bp, "verified"));
	gint64 line_bp = json_object_get_int_member (bp, "id");
	json_object_unref (r);
	json_object_unref (fx_call (fx, "setFunctionBreakpoints", "{\"breakpoints\":[]}", TRUE));

	/* bob calls bump too: he stops at line 5 while alice is still stopped */
	sess_send (&s2, "SELECT bump(5)");
	e = fx_event (fx, "stopped");
	g_assert_cmpint (json_object_get_int_member (body (e), "threadId"), ==, 102);
	g_assert_cmpstr (json_object_get_string_member (body (e), "reason"), ==, "breakpoint");
	g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (body (e), "hitBreakpointIds"), 0), ==,
	                 line_bp);
	json_object_unref (e);
	title = top_title (fx, 102, NULL, &line);
	g_assert_cmpstr (title, ==, "bump(5)");
	g_free (title);
	g_assert_cmpint (line, ==, 5);

	/* evaluate needs a frame now that two are stopped */
	r = fx_call (fx, "evaluate", "{\"expression\":\"1\"}", FALSE);
	json_object_unref (r);

	/* bob's r is 6; resume bob alone */
	cont (fx, 102);
	sess_expect (&s2, "ok: 6");
	g_assert_null (sess_result (&s1, 100));
	/* alice goes on to line 5 (the line breakpoint), then finishes */
	cont (fx, 101);
	g_assert_cmpint (stopped_thread (fx, "breakpoint"), ==, 101);
	cont (fx, 101);
	sess_expect (&s1, "ok: 2");

	disconnect (fx);
	att_stop (&a);
	sess_stop (&s1);
	sess_stop (&s2);
	ox_debug_hub_free (hub);
	ox_db_close (db);
}

/* The filter takes only matching sessions, including one that connects
 * after the attach (a thread event says so). */
static void
test_filter_and_new_sessions (void)
{
	OxDatabase *db = demo_db ();
	OxDebugHub *hub = ox_debug_hub_new ();
	Sess s1, s2, s3;
	sess_start (&s1, hub, db, 201, "alice", "psql");
	sess_send (&s1, "SELECT 1");
	sess_expect (&s1, "ok: 1");

	Att a;
	att_start (&a, hub);
	Fx *fx = &a.fx;
	attach (fx, "{\"token\":\"good-token\",\"sessions\":{\"user\":\"bob\"}}");
	char *ids = thread_ids (fx);
	g_assert_cmpstr (ids, ==, "");
	g_free (ids);
	json_object_unref (fx_call (fx, "setFunctionBreakpoints", "{\"breakpoints\":[{\"name\":\"bump\"}]}", TRUE));
	/* alice is not taken: her call runs through */
	sess_send (&s1, "SELECT bump(1)");
	sess_expect (&s1, "ok: 2");

	sess_start (&s2, hub, db, 202, "bob", "billing");
	JsonObject *e = fx_event (fx, "thread");
	g_assert_cmpstr (json_object_get_string_member (body (e), "reason"), ==, "started");
	g_assert_cmpint (json_object_get_int_member (body (e), "threadId"), ==, 202);
	json_object_unref (e);
	ids = thread_ids (fx);
	g_assert_cmpstr (ids, ==, "202");
	g_free (ids);
	JsonObject *r = fx_call (fx, "threads", NULL, TRUE);
	const char *name = json_object_get_string_member (
		json_array_get_object_element (json_object_get_array_member (body (r), "threads"), 0), "name");
	g_assert_nonnull (strstr (name, "bob"));
	g_assert_nonnull (strstr (name, "billing"));
	json_object_unref (r);

	/* a pause asked before bob's session has its debugger stops his
	 * first statement that has a step */
	json_object_unref (fx_call (fx, "setFunctionBreakpoints", "{\"breakpoints\":[]}", TRUE));
	json_object_unref (fx_call (fx, "pause", "{\"threadId\":202}", TRUE));
	sess_send (&s2, "SELECT bump(6)");
	g_assert_cmpint (stopped_thread (fx, "pause"), ==, 202);
	cont (fx, 202);
	sess_expect (&s2, "ok: 7");
	json_object_unref (fx_call (fx, "setFunctionBreakpoints", "{\"breakpoints\":[{\"name\":\"bump\"}]}", TRUE));
	sess_send (&s2, "SELECT bump(2)");
	g_assert_cmpint (stopped_thread (fx, "function breakpoint"), ==, 202);
	cont (fx, 202);
	sess_expect (&s2, "ok: 3");

	/* a third session of bob's comes and goes */
	sess_start (&s3, hub, db, 203, "bob", "cron");
	e = fx_event (fx, "thread");
	g_assert_cmpint (json_object_get_int_member (body (e), "threadId"), ==, 203);
	json_object_unref (e);
	sess_stop (&s3);
	e = fx_event (fx, "thread");
	g_assert_cmpstr (json_object_get_string_member (body (e), "reason"), ==, "exited");
	g_assert_cmpint (json_object_get_int_member (body (e), "threadId"), ==, 203);
	json_object_unref (e);

	disconnect (fx);
	att_stop (&a);
	sess_stop (&s1);
	sess_stop (&s2);
	ox_debug_hub_free (hub);
	ox_db_close (db);
}

/* The client vanishes while a session is stopped: the session finishes
 * its statement, and its next call does not stop (the debugger is gone
 * at its next statement).  A new client can attach afterwards. */
static void
test_client_vanishes (void)
{
	OxDatabase *db = demo_db ();
	OxDebugHub *hub = ox_debug_hub_new ();
	Sess s1;
	sess_start (&s1, hub, db, 301, "alice", "psql");
	sess_send (&s1, "SELECT 1");
	sess_expect (&s1, "ok: 1");

	Att a;
	att_start (&a, hub);
	attach (&a.fx, "{\"token\":\"good-token\"}");
	json_object_unref (fx_call (&a.fx, "setFunctionBreakpoints", "{\"breakpoints\":[{\"name\":\"bump\"}]}", TRUE));
	sess_send (&s1, "SELECT bump(10)");
	g_assert_cmpint (stopped_thread (&a.fx, "function breakpoint"), ==, 301);
	/* queue a request the adapter must answer (or drop) before it lets go */
	fx_send (&a.fx, "stackTrace", "{\"threadId\":301}");
	g_io_stream_close (G_IO_STREAM (a.fx.client), NULL, NULL);
	sess_expect (&s1, "ok: 11");
	att_stop (&a);
	sess_send (&s1, "SELECT bump(20)");
	sess_expect (&s1, "ok: 21");

	/* a second client takes the session again */
	Att b;
	att_start (&b, hub);
	attach (&b.fx, "{\"token\":\"good-token\"}");
	char *ids = thread_ids (&b.fx);
	g_assert_cmpstr (ids, ==, "301");
	g_free (ids);
	json_object_unref (fx_call (&b.fx, "setFunctionBreakpoints", "{\"breakpoints\":[{\"name\":\"bump\"}]}", TRUE));
	sess_send (&s1, "SELECT bump(30)");
	g_assert_cmpint (stopped_thread (&b.fx, "function breakpoint"), ==, 301);
	/* disconnect resumes it */
	disconnect (&b.fx);
	sess_expect (&s1, "ok: 31");
	att_stop (&b);

	sess_stop (&s1);
	ox_debug_hub_free (hub);
	ox_db_close (db);
}

/* A token of a role that is not a superuser debugs that role's sessions
 * only, and may not ask for another's. */
static void
test_only_own_sessions (void)
{
	OxDatabase *db = demo_db ();
	OxDebugHub *hub = ox_debug_hub_new ();
	Sess s1, s2;
	sess_start (&s1, hub, db, 501, "alice", "psql");
	sess_start (&s2, hub, db, 502, "bob", "psql");
	sess_send (&s1, "SELECT 1");
	sess_expect (&s1, "ok: 1");
	sess_send (&s2, "SELECT 1");
	sess_expect (&s2, "ok: 1");
	Att a;
	att_start (&a, hub);
	json_object_unref (fx_call (&a.fx, "initialize", "{\"adapterID\":\"oxibase\"}", TRUE));
	JsonObject *r = fx_call (&a.fx, "attach", "{\"token\":\"bob-token\",\"sessions\":{\"user\":\"alice\"}}", FALSE);
	g_assert_nonnull (strstr (json_object_get_string_member (r, "message"), "only its own sessions"));
	json_object_unref (r);
	json_object_unref (fx_call (&a.fx, "attach", "{\"token\":\"bob-token\",\"sessions\":\"all\"}", TRUE));
	json_object_unref (fx_event (&a.fx, "initialized"));
	char *ids = thread_ids (&a.fx);
	g_assert_cmpstr (ids, ==, "502");
	g_free (ids);
	disconnect (&a.fx);
	att_stop (&a);
	sess_stop (&s1);
	sess_stop (&s2);
	ox_debug_hub_free (hub);
	ox_db_close (db);
}

/* A cancel while a session is stopped (a server's CancelRequest, its
 * shutdown) ends the stop with 57014; the session's next statements run
 * normally and stop again at the client's breakpoints (a terminated
 * debugger would fail them all: the hub gives it a fresh one). */
static void
test_terminate_a_stop (void)
{
	OxDatabase *db = demo_db ();
	OxDebugHub *hub = ox_debug_hub_new ();
	Sess s1;
	sess_start (&s1, hub, db, 601, "alice", "psql");
	sess_send (&s1, "SELECT 1");
	sess_expect (&s1, "ok: 1");
	Att a;
	att_start (&a, hub);
	attach (&a.fx, "{\"token\":\"good-token\"}");
	json_object_unref (fx_call (&a.fx, "setFunctionBreakpoints", "{\"breakpoints\":[{\"name\":\"bump\"}]}", TRUE));
	sess_send (&s1, "SELECT bump(1)");
	g_assert_cmpint (stopped_thread (&a.fx, "function breakpoint"), ==, 601);
	ox_debug_target_terminate (s1.target);
	sess_expect (&s1, "error: 57014");
	sess_send (&s1, "SELECT 2 + 2");
	sess_expect (&s1, "ok: 4");
	sess_send (&s1, "SELECT bump(7)");
	g_assert_cmpint (stopped_thread (&a.fx, "function breakpoint"), ==, 601);
	cont (&a.fx, 601);
	sess_expect (&s1, "ok: 8");
	disconnect (&a.fx);
	att_stop (&a);
	sess_stop (&s1);
	ox_debug_hub_free (hub);
	ox_db_close (db);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/dap/attach/gate-and-token", test_gate_and_token);
	g_test_add_func ("/dap/attach/sessions-stop-alone", test_sessions_stop_alone);
	g_test_add_func ("/dap/attach/filter-and-new-sessions", test_filter_and_new_sessions);
	g_test_add_func ("/dap/attach/client-vanishes", test_client_vanishes);
	g_test_add_func ("/dap/attach/only-own-sessions", test_only_own_sessions);
	g_test_add_func ("/dap/attach/terminate-a-stop", test_terminate_a_stop);
	return g_test_run ();
}

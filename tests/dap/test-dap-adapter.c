/*
 * test-dap-adapter.c — the debug adapter (dap/dap-adapter.c) over a real
 * socket pair, driven as a client would, against the real engine and
 * debugger: sources by reference (also for a routine whose file is gone),
 * setVariable seen by the script, pause
 * from the client, a client that vanishes mid-step, and requests that
 * must fail (out of order, stale ids, unknown sources).
 *
 * The adapter runs on a thread of its own with its own main context (as
 * oxibase-dap runs it on its main thread); the test thread is the client
 * and reads with blocking I/O.  Every read has a deadline: a hang fails.
 */
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "dap-adapter.h"
#include "dap-test-client.h"

static gpointer
adapter_main (gpointer data)
{
	Fx *fx = data;
	GMainContext *ctx = g_main_context_new ();
	g_main_context_push_thread_default (ctx);
	DapAdapter *a = dap_adapter_new (G_IO_STREAM (fx->server));
	fx->exit_code = dap_adapter_run (a);
	dap_adapter_free (a);
	g_main_context_pop_thread_default (ctx);
	g_main_context_unref (ctx);
	return NULL;
}

static void
fx_start (Fx *fx)
{
	memset (fx, 0, sizeof *fx);
	test_socket_pair (&fx->server, &fx->client);
	fx->seq = 1;
	fx->buf = g_string_new (NULL);
	fx->backlog = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
	/* reads time out instead of hanging the test */
	g_socket_set_timeout (g_socket_connection_get_socket (fx->client), TEST_DEADLINE_S);
	fx->thread = g_thread_new ("adapter", adapter_main, fx);
}

static int
fx_stop (Fx *fx)
{
	g_thread_join (fx->thread);
	g_object_unref (fx->client);
	g_object_unref (fx->server);
	g_string_free (fx->buf, TRUE);
	g_ptr_array_unref (fx->backlog);
	return fx->exit_code;
}

/* The top frame's id, name and line of the current stop. */
static void
top_frame (Fx *fx, gint64 *id, char **name, gint64 *line, gint64 *sref)
{
	JsonObject *r = fx_call (fx, "stackTrace", "{\"threadId\":1,\"startFrame\":0,\"levels\":1}", TRUE);
	JsonArray *frames = json_object_get_array_member (body (r), "stackFrames");
	g_assert_cmpuint (json_array_get_length (frames), ==, 1);
	JsonObject *f = json_array_get_object_element (frames, 0);
	if (id)
		*id = json_object_get_int_member (f, "id");
	if (name)
		*name = g_strdup (json_object_get_string_member (f, "name"));
	if (line)
		*line = json_object_get_int_member (f, "line");
	if (sref) {
		JsonObject *src = json_object_get_object_member (f, "source");
		*sref = json_object_has_member (src, "sourceReference") ? json_object_get_int_member (src, "sourceReference") : 0;
	}
	json_object_unref (r);
}

static void
step (Fx *fx, const char *how)
{
	json_object_unref (fx_call (fx, how, "{\"threadId\":1}", TRUE));
	JsonObject *e = fx_event (fx, "stopped");
	json_object_unref (e);
}

static void
launch (Fx *fx, const char *launch_args)
{
	json_object_unref (fx_call (fx, "initialize", "{\"adapterID\":\"oxibase\"}", TRUE));
	json_object_unref (fx_call (fx, "launch", launch_args, TRUE));
	json_object_unref (fx_event (fx, "initialized"));
}

/* A routine not created from a file: its body is served by reference,
 * a breakpoint set there stops the next call, setVariable changes what
 * the script computes. */
static void
test_source_reference (void)
{
	Fx fx;
	fx_start (&fx);
	launch (&fx, "{\"sql\":\"CREATE FUNCTION tally(n int) RETURNS int LANGUAGE plsql AS $$\\n"
	             "DECLARE s int := 0;\\n"              /* body line 2 */
	             "BEGIN\\n"                           /* 3 */
	             "  FOR i IN 1..n LOOP\\n"            /* 4 */
	             "    s := s + i;\\n"                 /* 5 */
	             "  END LOOP;\\n"                     /* 6 */
	             "  RETURN s;\\n"                     /* 7 */
	             "END $$;\\n"
	             "SELECT tally(3) AS first;\\n"
	             "SELECT tally(4) AS second;\","
	             "\"stopOnEntry\":true}");
	json_object_unref (fx_call (&fx, "configurationDone", NULL, TRUE));
	json_object_unref (fx_event (&fx, "stopped"));
	/* entry is the CREATE; over it, then into tally */
	step (&fx, "next");
	step (&fx, "stepIn");
	gint64 id, line, sref;
	char *name;
	top_frame (&fx, &id, &name, &line, &sref);
	g_assert_cmpstr (name, ==, "tally(3)");  /* the call, with its argument values */
	g_free (name);
	g_assert_cmpint (sref, >, 0);
	char *args = g_strdup_printf ("{\"sourceReference\":%" G_GINT64_FORMAT "}", sref);
	JsonObject *r = fx_call (&fx, "source", args, TRUE);
	g_assert_nonnull (strstr (json_object_get_string_member (body (r), "content"), "s := s + i;"));
	json_object_unref (r);
	g_free (args);
	/* breakpoint on the RETURN, by reference; a blank-free line 6 (END
	 * LOOP) moves to 7 */
	args = g_strdup_printf ("{\"source\":{\"sourceReference\":%" G_GINT64_FORMAT "},"
	                        "\"breakpoints\":[{\"line\":6}]}", sref);
	r = fx_call (&fx, "setBreakpoints", args, TRUE);
	JsonObject *bp = json_array_get_object_element (json_object_get_array_member (body (r), "breakpoints"), 0);
	g_assert_cmpint (json_object_get_int_member (bp, "line"), ==, 7);
	json_object_unref (r);
	g_free (args);
	json_object_unref (fx_call (&fx, "continue", "{\"threadId\":1}", TRUE));
	r = fx_event (&fx, "stopped");
	g_assert_cmpstr (json_object_get_string_member (body (r), "reason"), ==, "breakpoint");
	json_object_unref (r);
	top_frame (&fx, &id, NULL, &line, NULL);
	g_assert_cmpint (line, ==, 7);
	/* s is 6: make it 100 through the Locals scope */
	args = g_strdup_printf ("{\"frameId\":%" G_GINT64_FORMAT "}", id);
	r = fx_call (&fx, "scopes", args, TRUE);
	g_free (args);
	JsonArray *scopes = json_object_get_array_member (body (r), "scopes");
	gint64 locals = 0;
	for (guint i = 0; i < json_array_get_length (scopes); i++) {
		JsonObject *sc = json_array_get_object_element (scopes, i);
		if (!strcmp (json_object_get_string_member (sc, "name"), "Locals"))
			locals = json_object_get_int_member (sc, "variablesReference");
	}
	json_object_unref (r);
	g_assert_cmpint (locals, >, 0);
	args = g_strdup_printf ("{\"variablesReference\":%" G_GINT64_FORMAT ",\"name\":\"s\",\"value\":\"s * 100 / 6\"}",
	                        locals);
	r = fx_call (&fx, "setVariable", args, TRUE);
	g_assert_cmpstr (json_object_get_string_member (body (r), "value"), ==, "100");
	json_object_unref (r);
	g_free (args);
	/* a stale reference is refused, not misread */
	json_object_unref (fx_call (&fx, "variables", "{\"variablesReference\":999}", FALSE));
	json_object_unref (fx_call (&fx, "scopes", "{\"frameId\":999}", FALSE));
	args = g_strdup_printf ("{\"expression\":\"s + n\",\"frameId\":%" G_GINT64_FORMAT ",\"context\":\"watch\"}", id);
	r = fx_call (&fx, "evaluate", args, TRUE);
	g_assert_cmpstr (json_object_get_string_member (body (r), "result"), ==, "103");
	json_object_unref (r);
	g_free (args);
	/* the first result is the changed one */
	json_object_unref (fx_call (&fx, "continue", "{\"threadId\":1}", TRUE));
	r = fx_event (&fx, "stopped");  /* the second call hits it too */
	json_object_unref (r);
	args = g_strdup_printf ("{\"source\":{\"sourceReference\":%" G_GINT64_FORMAT "},\"breakpoints\":[]}", sref);
	json_object_unref (fx_call (&fx, "setBreakpoints", args, TRUE));
	g_free (args);
	json_object_unref (fx_call (&fx, "continue", "{\"threadId\":1}", TRUE));
	r = fx_event (&fx, "exited");
	g_assert_cmpint (json_object_get_int_member (body (r), "exitCode"), ==, 0);
	json_object_unref (r);
	json_object_unref (fx_event (&fx, "terminated"));
	/* the outputs, in order: CREATE FUNCTION, 100, 10 */
	GString *out = g_string_new (NULL);
	for (guint i = 0; i < fx.backlog->len; i++) {
		JsonObject *m = fx.backlog->pdata[i];
		if (is_event (m, "output") && !strcmp (json_object_get_string_member (body (m), "category"), "stdout"))
			g_string_append (out, json_object_get_string_member (body (m), "output"));
	}
	g_assert_cmpstr (out->str, ==, "CREATE FUNCTION\n first \n-------\n   100\n(1 row)\n\n second \n--------\n     10\n(1 row)\n\n");
	g_string_free (out, TRUE);
	json_object_unref (fx_call (&fx, "disconnect", NULL, TRUE));
	g_assert_cmpint (fx_stop (&fx), ==, 0);
}

/* A routine created from a file that is gone by the time it runs (the
 * workstation debugs from a temporary file and deletes it): its frames
 * fall back to its body, served by sourceReference in body lines, and a
 * breakpoint set there by that reference stops it. */
static void
test_source_file_gone (void)
{
	g_autofree char *path = NULL;
	int fd = g_file_open_tmp ("dap-gone-XXXXXX.sql", &path, NULL);
	g_assert_cmpint (fd, >=, 0);
	close (fd);
	const char *script =
		"-- two lines before the routine, so body lines and file lines differ\n"  /* 1 */
		"\n"                                                                      /* 2 */
		"CREATE FUNCTION gone_twice(n int) RETURNS int LANGUAGE plsql AS $$\n"    /* 3: body line 1 */
		"DECLARE s int := 0;\n"                                                   /* 4: 2 */
		"BEGIN\n"                                                                 /* 5: 3 */
		"  s := n * 2;\n"                                                         /* 6: 4 */
		"  RETURN s;\n"                                                           /* 7: 5 */
		"END $$;\n"                                                               /* 8 */
		"SELECT gone_twice(3) AS first;\n"                                        /* 9 */
		"SELECT gone_twice(4) AS second;\n";                                      /* 10 */
	g_assert_true (g_file_set_contents (path, script, -1, NULL));
	Fx fx;
	fx_start (&fx);
	char *q = g_strescape (path, NULL);
	char *args = g_strdup_printf ("{\"program\":\"%s\",\"stopOnEntry\":true}", q);
	launch (&fx, args);
	g_free (args);
	g_free (q);
	json_object_unref (fx_call (&fx, "configurationDone", NULL, TRUE));
	json_object_unref (fx_event (&fx, "stopped"));
	/* the file goes away after the launch read it */
	g_assert_cmpint (g_unlink (path), ==, 0);
	step (&fx, "next");    /* over the CREATE */
	step (&fx, "stepIn");  /* into gone_twice(3) */
	gint64 id, line, sref;
	top_frame (&fx, &id, NULL, &line, &sref);
	g_assert_cmpint (sref, >, 0);
	args = g_strdup_printf ("{\"sourceReference\":%" G_GINT64_FORMAT "}", sref);
	JsonObject *r = fx_call (&fx, "source", args, TRUE);
	g_free (args);
	g_auto (GStrv) body_lines = g_strsplit (json_object_get_string_member (body (r), "content"), "\n", -1);
	json_object_unref (r);
	g_assert_cmpint (line, >=, 1);
	g_assert_cmpint (line, <=, (gint64) g_strv_length (body_lines));
	/* the line is the body's (body line 2 is file line 4) */
	g_test_message ("line %d: %s", (int) line, body_lines[line - 1]);
	g_assert_nonnull (strstr (body_lines[line - 1], "DECLARE s int := 0;"));  /* its initializer: the first step */
	g_assert_nonnull (strstr (body_lines[4], "RETURN s;"));
	/* a breakpoint by that reference, in body lines */
	args = g_strdup_printf ("{\"source\":{\"sourceReference\":%" G_GINT64_FORMAT "},"
	                        "\"breakpoints\":[{\"line\":5}]}", sref);
	r = fx_call (&fx, "setBreakpoints", args, TRUE);
	JsonObject *bp = json_array_get_object_element (json_object_get_array_member (body (r), "breakpoints"), 0);
	g_assert_cmpint (json_object_get_int_member (bp, "line"), ==, 5);
	json_object_unref (r);
	for (int call = 0; call < 2; call++) {
		json_object_unref (fx_call (&fx, "continue", "{\"threadId\":1}", TRUE));
		r = fx_event (&fx, "stopped");
		g_assert_cmpstr (json_object_get_string_member (body (r), "reason"), ==, "breakpoint");
		json_object_unref (r);
		gint64 at_ref = 0;
		top_frame (&fx, &id, NULL, &line, &at_ref);
		g_assert_cmpint (line, ==, 5);
		g_assert_cmpint (at_ref, ==, sref);
	}
	g_free (args);
	args = g_strdup_printf ("{\"source\":{\"sourceReference\":%" G_GINT64_FORMAT "},\"breakpoints\":[]}", sref);
	json_object_unref (fx_call (&fx, "setBreakpoints", args, TRUE));
	g_free (args);
	json_object_unref (fx_call (&fx, "continue", "{\"threadId\":1}", TRUE));
	r = fx_event (&fx, "exited");
	g_assert_cmpint (json_object_get_int_member (body (r), "exitCode"), ==, 0);
	json_object_unref (r);
	json_object_unref (fx_event (&fx, "terminated"));
	json_object_unref (fx_call (&fx, "disconnect", NULL, TRUE));
	g_assert_cmpint (fx_stop (&fx), ==, 0);
}

/* Pause an endless loop from the client, then terminate it. */
static void
test_pause_terminate (void)
{
	Fx fx;
	fx_start (&fx);
	launch (&fx, "{\"sql\":\"DO $$ BEGIN LOOP PERFORM 1; END LOOP; END $$;\"}");
	json_object_unref (fx_call (&fx, "configurationDone", NULL, TRUE));
	/* running: inspection is refused as notStopped */
	JsonObject *r = fx_call (&fx, "stackTrace", "{\"threadId\":1}", FALSE);
	g_assert_cmpstr (json_object_get_string_member (r, "message"), ==, "notStopped");
	json_object_unref (r);
	json_object_unref (fx_call (&fx, "pause", "{\"threadId\":1}", TRUE));
	r = fx_event (&fx, "stopped");
	g_assert_cmpstr (json_object_get_string_member (body (r), "reason"), ==, "pause");
	json_object_unref (r);
	char *name;
	top_frame (&fx, NULL, &name, NULL, NULL);
	/* in the loop, or (if the pause came first) at the statement */
	if (strcmp (name, "inline_code_block()") != 0)
		g_assert_cmpstr (name, ==, "DO $$ BEGIN LOOP PERFORM 1; END LOOP; END $$;");
	g_free (name);
	json_object_unref (fx_call (&fx, "terminate", NULL, TRUE));
	r = fx_event (&fx, "exited");
	g_assert_cmpint (json_object_get_int_member (body (r), "exitCode"), ==, 1);
	json_object_unref (r);
	json_object_unref (fx_call (&fx, "disconnect", NULL, TRUE));
	g_assert_cmpint (fx_stop (&fx), ==, 1);
}

/* A slow console statement, cancelled by the client: it answers
 * "cancelled", and the paused routine goes on unharmed. */
static void
test_cancel_console (void)
{
	Fx fx;
	fx_start (&fx);
	launch (&fx, "{\"sql\":\"CREATE TABLE n (i int);\\n"
	             "DO $$ BEGIN FOR k IN 1..2000 LOOP INSERT INTO n VALUES (k); END LOOP; END $$;\\n"
	             "DO $$ BEGIN\\n  PERFORM 1;\\n  RAISE NOTICE 'still here';\\nEND $$;\",\"stopOnEntry\":true}");
	json_object_unref (fx_call (&fx, "configurationDone", NULL, TRUE));
	json_object_unref (fx_event (&fx, "stopped"));
	step (&fx, "next");
	step (&fx, "next");
	step (&fx, "stepIn");     /* into the second DO block */
	gint64 seq = fx_send (&fx, "evaluate", "{\"expression\":\"SELECT count(*) FROM n a, n b, n c\",\"context\":\"repl\"}");
	g_usleep (100000);
	char *args = g_strdup_printf ("{\"requestId\":%" G_GINT64_FORMAT "}", seq);
	json_object_unref (fx_call (&fx, "cancel", args, TRUE));
	g_free (args);
	JsonObject *r = fx_wait (&fx, is_response, &seq);
	g_assert_false (json_object_get_boolean_member (r, "success"));
	g_assert_cmpstr (json_object_get_string_member (r, "message"), ==, "cancelled");
	json_object_unref (r);
	/* the session is still stopped and well */
	r = fx_call (&fx, "evaluate", "{\"expression\":\"1 + 1\",\"context\":\"watch\"}", TRUE);
	g_assert_cmpstr (json_object_get_string_member (body (r), "result"), ==, "2");
	json_object_unref (r);
	json_object_unref (fx_call (&fx, "continue", "{\"threadId\":1}", TRUE));
	r = fx_event (&fx, "exited");
	g_assert_cmpint (json_object_get_int_member (body (r), "exitCode"), ==, 0);
	json_object_unref (r);
	json_object_unref (fx_call (&fx, "disconnect", NULL, TRUE));
	g_assert_cmpint (fx_stop (&fx), ==, 0);
}

/* The client vanishes while the session is stopped: the adapter ends the
 * run and returns instead of waiting for ever. */
static void
test_client_vanishes (void)
{
	Fx fx;
	fx_start (&fx);
	launch (&fx, "{\"sql\":\"SELECT 1;\\nSELECT 2;\",\"stopOnEntry\":true}");
	json_object_unref (fx_call (&fx, "configurationDone", NULL, TRUE));
	json_object_unref (fx_event (&fx, "stopped"));
	json_object_unref (fx_call (&fx, "next", "{\"threadId\":1}", TRUE));
	GError *error = NULL;
	g_io_stream_close (G_IO_STREAM (fx.client), NULL, &error);
	g_assert_no_error (error);
	/* the thread returns: a hang would be caught by meson's timeout */
	fx_stop (&fx);
}

/* Requests out of order or with bad arguments fail with a message. */
static void
test_bad_requests (void)
{
	Fx fx;
	fx_start (&fx);
	JsonObject *r = fx_call (&fx, "launch", "{\"sql\":\"SELECT 1\"}", FALSE);  /* before initialize */
	json_object_unref (r);
	json_object_unref (fx_call (&fx, "initialize", "{\"adapterID\":\"oxibase\"}", TRUE));
	json_object_unref (fx_call (&fx, "setBreakpoints", "{\"source\":{\"path\":\"/nope.sql\"},\"breakpoints\":[]}", FALSE));
	json_object_unref (fx_call (&fx, "configurationDone", NULL, FALSE));
	r = fx_call (&fx, "launch", "{\"program\":\"/no/such/file.sql\"}", FALSE);
	g_assert_nonnull (strstr (json_object_get_string_member (r, "message"), "cannot read program"));
	json_object_unref (r);
	json_object_unref (fx_call (&fx, "launch", "{}", FALSE));
	json_object_unref (fx_call (&fx, "launch", "{\"sql\":\"SELECT 1\",\"program\":\"x.sql\"}", FALSE));
	json_object_unref (fx_call (&fx, "launch", "{\"sql\":\"SELECT 1;\",\"database\":\"/proc/no-such-dir/db\"}", FALSE));
	json_object_unref (fx_call (&fx, "launch", "{\"sql\":\"SELECT 1;\"}", TRUE));
	json_object_unref (fx_event (&fx, "initialized"));
	json_object_unref (fx_call (&fx, "launch", "{\"sql\":\"SELECT 1;\"}", FALSE));  /* twice */
	json_object_unref (fx_call (&fx, "setBreakpoints", "{\"source\":{\"sourceReference\":77},\"breakpoints\":[{\"line\":1}]}", FALSE));
	json_object_unref (fx_call (&fx, "setExceptionBreakpoints", "{\"filters\":[\"sometimes\"]}", FALSE));
	json_object_unref (fx_call (&fx, "source", "{\"sourceReference\":77}", FALSE));
	json_object_unref (fx_call (&fx, "exceptionInfo", "{\"threadId\":1}", FALSE));
	json_object_unref (fx_call (&fx, "next", "{\"threadId\":1}", FALSE));
	json_object_unref (fx_call (&fx, "configurationDone", NULL, TRUE));
	r = fx_event (&fx, "exited");
	g_assert_cmpint (json_object_get_int_member (body (r), "exitCode"), ==, 0);
	json_object_unref (r);
	json_object_unref (fx_call (&fx, "disconnect", NULL, TRUE));
	g_assert_cmpint (fx_stop (&fx), ==, 0);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/dap/adapter/source-reference", test_source_reference);
	g_test_add_func ("/dap/adapter/source-file-gone", test_source_file_gone);
	g_test_add_func ("/dap/adapter/pause-terminate", test_pause_terminate);
	g_test_add_func ("/dap/adapter/client-vanishes", test_client_vanishes);
	g_test_add_func ("/dap/adapter/cancel-console", test_cancel_console);
	g_test_add_func ("/dap/adapter/bad-requests", test_bad_requests);
	return g_test_run ();
}

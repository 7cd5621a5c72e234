/*
 * test-debug-hooks.c — the engine's debugger hooks (debug.h): frames for
 * script statements, routines and triggers, steps with lines in the
 * script file a routine came from (or in its body), errors, output, and
 * that a session without hooks sees none of it.
 */
#include <glib.h>
#include <string.h>

#include "oxibase.h"
#include "debug.h"
#include "test-util.h"

typedef struct {
	GString *log;
} Rec;

static const char *
kind_name (OxFrameKind k)
{
	switch (k) {
	case OX_FRAME_STATEMENT: return "statement";
	case OX_FRAME_ROUTINE: return "routine";
	case OX_FRAME_TRIGGER: return "trigger";
	default: return "operator";
	}
}

static void
on_enter (void *user, OxFrame *f)
{
	Rec *r = user;
	g_string_append_printf (r->log, "%*senter %s \"%s\" %s%s\n", ox_frame_depth (f) * 2, "",
	                        kind_name (ox_frame_kind (f)), ox_frame_name (f),
	                        ox_frame_source_path (f) ? "file " : "", ox_frame_source_name (f));
}

static void
on_leave (void *user, OxFrame *f)
{
	Rec *r = user;
	g_string_append_printf (r->log, "%*sleave %s\n", ox_frame_depth (f) * 2, "", kind_name (ox_frame_kind (f)));
}

static void
on_step (void *user, OxFrame *f)
{
	Rec *r = user;
	g_string_append_printf (r->log, "%*sstep %d:%d\n", ox_frame_depth (f) * 2, "", ox_frame_line (f),
	                        ox_frame_column (f));
}

static void
on_error (void *user, OxFrame *f, const OxError *e, bool uncaught)
{
	Rec *r = user;
	g_string_append_printf (r->log, "%*serror %s %s%s\n", ox_frame_depth (f) * 2, "", e->sqlstate, e->message,
	                        uncaught ? " (uncaught)" : "");
}

static void
on_output (void *user, const char *level, const char *text)
{
	Rec *r = user;
	g_string_append_printf (r->log, "output %s %s\n", level, text);
}

static const char *script =
	"CREATE TABLE t (id int PRIMARY KEY, v int);\n"                                  /* 1 */
	"CREATE FUNCTION twice(x int) RETURNS int LANGUAGE plsql AS $$\n"                /* 2 */
	"BEGIN\n"                                                                        /* 3 */
	"  RETURN x * 2;\n"                                                              /* 4 */
	"END $$;\n"                                                                      /* 5 */
	"CREATE FUNCTION audit() RETURNS trigger LANGUAGE plsql AS $$\n"                 /* 6 */
	"BEGIN\n"                                                                        /* 7 */
	"  RAISE NOTICE 'audit %', NEW.id;\n"                                            /* 8 */
	"  RETURN NEW;\n"                                                                /* 9 */
	"END $$;\n"                                                                      /* 10 */
	"CREATE TRIGGER t_audit BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION audit();\n" /* 11 */
	"CREATE PROCEDURE put(k int) LANGUAGE plsql AS $$\n"                             /* 12 */
	"BEGIN\n"                                                                        /* 13 */
	"  INSERT INTO t VALUES (k, twice(k));\n"                                        /* 14 */
	"END $$;\n"                                                                      /* 15 */
	"\n"                                                                             /* 16 */
	"CALL put(21);\n";                                                               /* 17 */

static void
test_script_routine_trigger (void)
{
	OxDatabase *db;
	OxSession *s;
	OxError e = { 0 };
	g_assert_cmpint (ox_db_open (":memory:", &db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (db, &s, &e), ==, OX_OK);
	Rec r = { g_string_new (NULL) };
	OxDebugHooks h = { on_enter, on_leave, on_step, on_error, on_output, &r };
	ox_session_set_debug_hooks (s, &h);
	ox_session_set_script_source (s, "/work/scripts/shop.sql", 1);
	g_assert_cmpint (ox_exec (s, script, &e), ==, OX_OK);
	/* only the last statement's events: the CREATEs are one step each */
	const char *last = strstr (r.log->str, "enter statement \"CALL put(21);\"");
	g_assert_nonnull (last);
	g_assert_cmpstr (last, ==,
		"enter statement \"CALL put(21);\" file shop.sql\n"
		"step 17:1\n"
		"  enter routine \"put(integer)\" file shop.sql\n"
		"  step 13:1\n"   /* the body's block */
		"  step 14:3\n"
		"    enter routine \"twice(integer)\" file shop.sql\n"
		"    step 3:1\n"
		"    step 4:3\n"
		"    leave routine\n"
		"    enter trigger \"t_audit BEFORE INSERT ON t FOR EACH ROW\" file shop.sql\n"
		"    step 7:1\n"
		"    step 8:3\n"
		"output NOTICE audit 21\n"
		"    step 9:3\n"
		"    leave trigger\n"
		"  leave routine\n"
		"leave statement\n");
	/* every script statement was a frame with its line */
	g_assert_nonnull (strstr (r.log->str, "enter statement \"CREATE TABLE t (id int PRIMARY KEY, v int);\" file shop.sql\nstep 1:1\nleave statement\n"));
	g_assert_nonnull (strstr (r.log->str, "enter statement \"CREATE TRIGGER t_audit BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION audit();\" file shop.sql\nstep 11:1\n"));

	/* an error inside a routine: reported in its frame, then uncaught at
	 * the statement's */
	g_string_truncate (r.log, 0);
	ox_session_set_script_source (s, NULL, 1);
	g_assert_cmpint (ox_exec (s, "CALL put(21)", &e), ==, OX_ERROR);
	g_assert_cmpstr (e.sqlstate, ==, "23505");
	ox_error_clear (&e);
	g_assert_nonnull (strstr (r.log->str, "  error 23505 duplicate key value violates unique constraint \"t_pkey\"\n"
	                                      "  leave routine\n"
	                                      "error 23505 duplicate key value violates unique constraint \"t_pkey\" (uncaught)\n"
	                                      "leave statement\n"));
	/* a routine not created by a file: lines of its body, a readable name
	 * (run through ox_prepare here, so there is no statement frame) */
	g_string_truncate (r.log, 0);
	ox_test_exec (s, "CREATE FUNCTION inline_f() RETURNS int LANGUAGE plsql AS $$\nBEGIN\n  RETURN 1;\nEND $$");
	g_string_truncate (r.log, 0);
	g_free (ox_test_query (s, "SELECT inline_f()"));
	g_assert_nonnull (strstr (r.log->str, "enter routine \"inline_f()\" public.inline_f (function)\nstep 2:1\nstep 3:3\n"));

	/* no hooks, no events */
	ox_session_set_debug_hooks (s, NULL);
	g_string_truncate (r.log, 0);
	g_free (ox_test_query (s, "SELECT inline_f()"));
	g_assert_cmpstr (r.log->str, ==, "");
	g_string_free (r.log, TRUE);
	ox_session_free (s);
	ox_db_close (db);
}

/* Lua routines step line by line too. */
static void
test_lua_lines (void)
{
	OxDatabase *db;
	OxSession *s;
	OxError e = { 0 };
	g_assert_cmpint (ox_db_open (":memory:", &db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (db, &s, &e), ==, OX_OK);
	ox_test_exec (s, "CREATE FUNCTION lsum(n int) RETURNS int LANGUAGE lua AS $$\nlocal t = 0\nfor i = 1, n do\n  t = t + i\nend\nreturn t\n$$");
	Rec r = { g_string_new (NULL) };
	OxDebugHooks h = { on_enter, on_leave, on_step, on_error, on_output, &r };
	ox_session_set_debug_hooks (s, &h);
	char *got = ox_test_query (s, "SELECT lsum(2)");
	g_assert_cmpstr (got, ==, "3\n");
	g_free (got);
	g_assert_nonnull (strstr (r.log->str, "enter routine \"lsum(integer)\" public.lsum (function)\n"
	                                      "step 2:1\nstep 3:1\nstep 4:1\nstep 3:1\nstep 4:1\nstep 3:1\nstep 6:1\n"));
	g_string_free (r.log, TRUE);
	ox_session_free (s);
	ox_db_close (db);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/engine/debug-hooks/script-routine-trigger", test_script_routine_trigger);
	g_test_add_func ("/engine/debug-hooks/lua-lines", test_lua_lines);
	return g_test_run ();
}

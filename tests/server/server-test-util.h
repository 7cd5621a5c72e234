/*
 * server-test-util.h — start a real oxibase-server for a test program: a
 * fresh data directory (oxibase-server init), a free port (--pg-port 0,
 * read back from its log line "listening on ADDR:PORT"), and a clean stop
 * (SIGTERM, which must end in exit status 0).
 *
 * No sleeps as synchronisation: waiting is polling with a deadline.
 * The server's stderr goes to a file in the temporary directory (a pipe
 * nobody drains could block it) and is printed when a test fails.
 */
#pragma once

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

typedef struct {
	char        *tmpdir;   /* owned; removed by test_server_stop */
	char        *logpath;  /* tmpdir/server.log */
	GSubprocess *proc;
	guint16      port;
} TestServer;

static char *
test_server_log (TestServer *ts)
{
	char *text = NULL;
	g_file_get_contents (ts->logpath, &text, NULL, NULL);
	return text ? text : g_strdup ("");
}

static const char *
test_server_exe (void)
{
	const char *exe = g_getenv ("OXIBASE_SERVER");
	g_assert_nonnull (exe);
	return exe;
}

/* Poll the server's log until it holds needle; FALSE after timeout_ms. */
static gboolean
test_server_wait_log (TestServer *ts, const char *needle, int timeout_ms)
{
	gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
	do {
		g_autofree char *log = test_server_log (ts);
		if (strstr (log, needle))
			return TRUE;
		g_usleep (10 * 1000);
	} while (g_get_monotonic_time () < deadline);
	return FALSE;
}

/* A test that fails aborts without stopping the server: the kernel then
 * sends it SIGTERM, so no server outlives its test program. */
static void
die_with_parent (gpointer data)
{
	prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
test_server_start (TestServer *ts, const char *const *extra_args)
{
	g_autoptr (GError) error = NULL;
	memset (ts, 0, sizeof *ts);
	ts->tmpdir = g_dir_make_tmp ("oxibase-server-test-XXXXXX", &error);
	g_assert_no_error (error);
	g_autofree char *data = g_build_filename (ts->tmpdir, "data", NULL);
	ts->logpath = g_build_filename (ts->tmpdir, "server.log", NULL);

	int status = -1;
	const char *init[] = { test_server_exe (), "init", data, "--superuser", "tester", NULL };
	g_spawn_sync (NULL, (char **) init, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error);
	g_assert_no_error (error);
	g_assert_true (g_spawn_check_wait_status (status, NULL));

	GPtrArray *argv = g_ptr_array_new ();
	g_ptr_array_add (argv, (char *) test_server_exe ());
	g_ptr_array_add (argv, data);
	g_ptr_array_add (argv, (char *) "--pg-port");
	g_ptr_array_add (argv, (char *) "0");
	g_ptr_array_add (argv, (char *) "--http-port");  /* not the fixed default: tests run in parallel */
	g_ptr_array_add (argv, (char *) "0");
	for (const char *const *a = extra_args; a && *a; a++)
		g_ptr_array_add (argv, (char *) *a);
	g_ptr_array_add (argv, NULL);
	g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
	g_subprocess_launcher_set_stderr_file_path (l, ts->logpath);
	g_subprocess_launcher_set_child_setup (l, die_with_parent, NULL, NULL);
	ts->proc = g_subprocess_launcher_spawnv (l, (const char *const *) argv->pdata, &error);
	g_ptr_array_free (argv, TRUE);
	g_assert_no_error (error);

	if (!test_server_wait_log (ts, "ready to accept connections", 20000)) {
		g_autofree char *log = test_server_log (ts);
		g_printerr ("%s", log);
		g_error ("oxibase-server did not start");
	}
	g_autofree char *log = test_server_log (ts);
	const char *p = strstr (log, "listening on ");
	g_assert_nonnull (p);
	p = strchr (p + 13, ' ');
	while (p[-1] != ':')
		p--;
	ts->port = (guint16) g_ascii_strtoull (p, NULL, 10);
	g_assert_cmpuint (ts->port, >, 0);
}

static void
rm_rf (const char *path)
{
	GDir *d = g_dir_open (path, 0, NULL);
	if (d) {
		const char *n;
		while ((n = g_dir_read_name (d))) {
			g_autofree char *c = g_build_filename (path, n, NULL);
			rm_rf (c);
		}
		g_dir_close (d);
	}
	g_remove (path);
}

/* SIGTERM, then wait (with a deadline) for exit status 0. */
static void
test_server_stop (TestServer *ts)
{
	g_autoptr (GError) error = NULL;
	g_subprocess_send_signal (ts->proc, SIGTERM);
	gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
	while (g_get_monotonic_time () < deadline) {
		if (g_subprocess_get_identifier (ts->proc) == NULL)
			break;  /* reaped */
		g_main_context_iteration (NULL, FALSE);
		g_usleep (10 * 1000);
	}
	if (g_subprocess_get_identifier (ts->proc) != NULL) {
		g_subprocess_force_exit (ts->proc);
		g_subprocess_wait (ts->proc, NULL, NULL);
		g_autofree char *log = test_server_log (ts);
		g_printerr ("%s", log);
		g_error ("oxibase-server did not stop within 30 s of SIGTERM");
	}
	g_subprocess_wait (ts->proc, NULL, &error);
	g_assert_no_error (error);
	if (!g_subprocess_get_if_exited (ts->proc) || g_subprocess_get_exit_status (ts->proc) != 0) {
		g_autofree char *log = test_server_log (ts);
		g_printerr ("%s", log);
		g_error ("oxibase-server did not exit with status 0 after SIGTERM");
	}
	g_clear_object (&ts->proc);
	rm_rf (ts->tmpdir);
	g_free (ts->tmpdir);
	g_free (ts->logpath);
}

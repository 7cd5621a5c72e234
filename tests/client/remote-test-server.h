/*
 * remote-test-server.h — a real oxibase-server for the remote
 * connection's tests (client, CLI and UI): a fresh data directory whose
 * superuser "tester" has a password (the HTTP API always needs one), a
 * free port for each protocol (--pg-port 0 --http-port 0, read back from
 * the log line "http listening on ADDR:PORT"), and a clean stop.
 *
 * Built on tests/server/server-test-util.h's habits: polling with a
 * deadline, never a sleep as synchronisation; the server dies with the
 * test program (PR_SET_PDEATHSIG) when an assertion aborts it.
 */
#pragma once

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#define REMOTE_TEST_USER     "tester"
#define REMOTE_TEST_PASSWORD "s3cret pw"

typedef struct {
	char        *tmpdir;   /* owned; removed by remote_server_stop */
	char        *logpath;  /* tmpdir/server.log */
	GSubprocess *proc;
	guint16      http_port;
	char        *url;      /* http://127.0.0.1:PORT */
} RemoteServer;

static char *
remote_server_log (RemoteServer *ts)
{
	char *text = NULL;
	g_file_get_contents (ts->logpath, &text, NULL, NULL);
	return text ? text : g_strdup ("");
}

static void
remote_server_die_with_parent (gpointer data)
{
	(void) data;
	prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* The port in the log line that starts with prefix ("... ADDR:PORT"). */
static guint16
remote_server_port_in_log (const char *log, const char *prefix)
{
	const char *p = strstr (log, prefix);
	if (!p)
		return 0;
	const char *eol = strchr (p, '\n');
	const char *colon = NULL;
	for (const char *q = p; *q && (!eol || q < eol); q++)
		if (*q == ':')
			colon = q;
	return colon ? (guint16) g_ascii_strtoull (colon + 1, NULL, 10) : 0;
}

static void
remote_server_start (RemoteServer *ts)
{
	g_autoptr (GError) error = NULL;
	memset (ts, 0, sizeof *ts);
	const char *exe = g_getenv ("OXIBASE_SERVER");
	g_assert_nonnull (exe);
	ts->tmpdir = g_dir_make_tmp ("oxibase-remote-test-XXXXXX", &error);
	g_assert_no_error (error);
	g_autofree char *data = g_build_filename (ts->tmpdir, "data", NULL);
	g_autofree char *pwfile = g_build_filename (ts->tmpdir, "pw", NULL);
	ts->logpath = g_build_filename (ts->tmpdir, "server.log", NULL);
	g_assert_true (g_file_set_contents (pwfile, REMOTE_TEST_PASSWORD "\n", -1, NULL));

	int status = -1;
	const char *init[] = { exe, "init", data, "--superuser", REMOTE_TEST_USER, "--password-file", pwfile, NULL };
	g_spawn_sync (NULL, (char **) init, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error);
	g_assert_no_error (error);
	g_assert_true (g_spawn_check_wait_status (status, NULL));

	/* a short failure delay: the wrong-password tests wait for it */
	g_autofree char *conf = g_build_filename (data, "oxibase.conf", NULL);
	g_autofree char *text = NULL;
	g_assert_true (g_file_get_contents (conf, &text, NULL, NULL));
	g_autofree char *more = g_strconcat (text, "\nauth_failure_delay_ms = 50\n", NULL);
	g_assert_true (g_file_set_contents (conf, more, -1, NULL));

	const char *argv[] = { exe, data, "--pg-port", "0", "--http-port", "0", NULL };
	g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
	g_subprocess_launcher_set_stderr_file_path (l, ts->logpath);
	g_subprocess_launcher_set_child_setup (l, remote_server_die_with_parent, NULL, NULL);
	ts->proc = g_subprocess_launcher_spawnv (l, argv, &error);
	g_assert_no_error (error);

	gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
	for (;;) {
		g_autofree char *log = remote_server_log (ts);
		if (strstr (log, "ready to accept connections")) {
			ts->http_port = remote_server_port_in_log (log, "http listening on ");
			break;
		}
		if (g_get_monotonic_time () > deadline) {
			g_printerr ("%s", log);
			g_error ("oxibase-server did not start");
		}
		g_usleep (10 * 1000);
	}
	g_assert_cmpuint (ts->http_port, >, 0);
	ts->url = g_strdup_printf ("http://127.0.0.1:%u", ts->http_port);
}

static void
remote_server_rm_rf (const char *path)
{
	GDir *d = g_dir_open (path, 0, NULL);
	if (d) {
		const char *n;
		while ((n = g_dir_read_name (d))) {
			g_autofree char *c = g_build_filename (path, n, NULL);
			remote_server_rm_rf (c);
		}
		g_dir_close (d);
	}
	g_remove (path);
}

/* SIGTERM, then wait (with a deadline) for exit status 0. */
static void
remote_server_stop (RemoteServer *ts)
{
	g_subprocess_send_signal (ts->proc, SIGTERM);
	gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
	while (g_subprocess_get_identifier (ts->proc) != NULL && g_get_monotonic_time () < deadline) {
		g_main_context_iteration (NULL, FALSE);
		g_usleep (10 * 1000);
	}
	if (g_subprocess_get_identifier (ts->proc) != NULL) {
		g_subprocess_force_exit (ts->proc);
		g_subprocess_wait (ts->proc, NULL, NULL);
		g_autofree char *log = remote_server_log (ts);
		g_printerr ("%s", log);
		g_error ("oxibase-server did not stop within 30 s of SIGTERM");
	}
	g_subprocess_wait (ts->proc, NULL, NULL);
	if (!g_subprocess_get_if_exited (ts->proc) || g_subprocess_get_exit_status (ts->proc) != 0) {
		g_autofree char *log = remote_server_log (ts);
		g_printerr ("%s", log);
		g_error ("oxibase-server did not exit with status 0 after SIGTERM");
	}
	g_clear_object (&ts->proc);
	/* OX_KEEP_SERVER_LOG=1 keeps the directory and its server.log, to
	 * read what the server did in a failed run */
	if (!g_getenv ("OX_KEEP_SERVER_LOG"))
		remote_server_rm_rf (ts->tmpdir);
	g_free (ts->tmpdir);
	g_free (ts->logpath);
	g_free (ts->url);
}

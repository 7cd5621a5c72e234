/*
 * test-cli-remote.c — `oxibase --connect URL -U USER` against a real
 * oxibase-server the test starts (tests/client/remote-test-server.h).
 *
 * The judge is the client itself on a local database: the same script
 * through --connect must print the same stdout and stderr and exit with
 * the same status as on ":memory:" (tables, NULLs, numeric text, tags,
 * notices, errors with SQLSTATE, LINE and caret), for -c, -f and piped
 * stdin; backslash commands read the server's catalog; a wrong password
 * and an unreachable server exit with status 2 and say why; the password
 * never appears on the command line (OXIBASE_PASSWORD).
 */
#include "remote-test-server.h"

#include <glib.h>
#include <string.h>

static RemoteServer server;
static const char *cli_path;

typedef struct {
	char *out, *err;
	int   status;
} Out;

static void
out_free (Out *o)
{
	g_free (o->out);
	g_free (o->err);
	g_free (o);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Out, out_free)

/* Run the client with args (NULL-terminated), stdin from input, the
 * password in the environment (NULL: none). */
static Out *
run_cli (const char *password, const char *input, const char *const *args)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
	                                                               G_SUBPROCESS_FLAGS_STDOUT_PIPE |
	                                                               G_SUBPROCESS_FLAGS_STDERR_PIPE);
	if (password)
		g_subprocess_launcher_setenv (l, "OXIBASE_PASSWORD", password, TRUE);
	else
		g_subprocess_launcher_unsetenv (l, "OXIBASE_PASSWORD");
	g_subprocess_launcher_setenv (l, "OXIBASE_HISTORY", "/dev/null", TRUE);
	GPtrArray *argv = g_ptr_array_new ();
	g_ptr_array_add (argv, (char *) cli_path);
	for (const char *const *a = args; *a; a++)
		g_ptr_array_add (argv, (char *) *a);
	g_ptr_array_add (argv, NULL);
	g_autoptr (GSubprocess) p = g_subprocess_launcher_spawnv (l, (const char *const *) argv->pdata, &error);
	g_ptr_array_free (argv, TRUE);
	g_assert_no_error (error);
	Out *o = g_new0 (Out, 1);
	g_subprocess_communicate_utf8 (p, input ? input : "", NULL, &o->out, &o->err, &error);
	g_assert_no_error (error);
	o->status = g_subprocess_get_if_exited (p) ? g_subprocess_get_exit_status (p) : -1;
	return o;
}

/* The same args on a local database and through --connect must agree. */
static void
check_same (const char *input, const char *const *args)
{
	GPtrArray *local = g_ptr_array_new ();
	GPtrArray *remote = g_ptr_array_new ();
	g_ptr_array_add (remote, (char *) "--connect");
	g_ptr_array_add (remote, server.url);
	g_ptr_array_add (remote, (char *) "-U");
	g_ptr_array_add (remote, (char *) REMOTE_TEST_USER);
	for (const char *const *a = args; *a; a++) {
		g_ptr_array_add (local, (char *) *a);
		g_ptr_array_add (remote, (char *) *a);
	}
	g_ptr_array_add (local, NULL);
	g_ptr_array_add (remote, NULL);
	g_autoptr (Out) l = run_cli (NULL, input, (const char *const *) local->pdata);
	g_autoptr (Out) r = run_cli (REMOTE_TEST_PASSWORD, input, (const char *const *) remote->pdata);
	g_ptr_array_free (local, TRUE);
	g_ptr_array_free (remote, TRUE);
	if (strcmp (l->out, r->out) || strcmp (l->err, r->err) || l->status != r->status) {
		g_printerr ("local (status %d):\n%s\n--- stderr:\n%s\nremote (status %d):\n%s\n--- stderr:\n%s\n", l->status,
		            l->out, l->err, r->status, r->out, r->err);
		g_error ("--connect printed something else than the local database");
	}
}

static const char script[] =
	"CREATE TABLE shop (id integer, name text, price numeric(8,2), ok boolean);\n"
	"INSERT INTO shop VALUES (1, 'tea', 3.50, true), (2, NULL, NULL, false), (10, 'ünï', 0, NULL);\n"
	"SELECT * FROM shop ORDER BY id;\n"
	"UPDATE shop SET price = price + 1 WHERE id < 10 RETURNING id, price;\n"
	"DROP TABLE IF EXISTS not_there;\n"
	"DO $$ BEGIN RAISE NOTICE 'counted %', (SELECT count(*) FROM shop); END $$;\n"
	"SELECT name, 1 / (id - 2) AS boom FROM shop ORDER BY id;\n";

static void
test_same_output (void)
{
	/* -c with several statements and an error in the middle */
	const char *c1[] = { "-c", script, NULL };
	check_same (NULL, c1);
	/* the server keeps the table of the first run: drop it between runs */
	const char *drop[] = { "--connect", server.url, "-U", REMOTE_TEST_USER, "-c", "DROP TABLE shop", NULL };
	g_autoptr (Out) d = run_cli (REMOTE_TEST_PASSWORD, NULL, drop);
	g_assert_cmpint (d->status, ==, 0);

	/* -f: errors carry the file and line, the run goes on after them */
	g_autofree char *file = g_build_filename (server.tmpdir, "script.sql", NULL);
	g_assert_true (g_file_set_contents (file, script, -1, NULL));
	const char *f1[] = { "-f", file, NULL };
	check_same (NULL, f1);
	g_autoptr (Out) d2 = run_cli (REMOTE_TEST_PASSWORD, NULL, drop);
	g_assert_cmpint (d2->status, ==, 0);

	/* piped stdin, CSV and JSON, a syntax error with its caret */
	const char *s1[] = { "--csv", NULL };
	check_same ("SELECT 1 AS a, 'x,y' AS b, NULL AS c;\nSELEC 2;\nSELECT 3 AS three;\n", s1);
	const char *j1[] = { "--json", "-c", "SELECT 1 AS n, 2.50::numeric AS p, 'q' AS s, true AS t", NULL };
	check_same (NULL, j1);
}

static void
test_backslash (void)
{
	const char *mk[] = { "--connect", server.url, "-U", REMOTE_TEST_USER, "-c", "CREATE TABLE seen_by_dt (x int)",
		             NULL };
	g_autoptr (Out) a = run_cli (REMOTE_TEST_PASSWORD, NULL, mk);
	g_assert_cmpint (a->status, ==, 0);
	const char *dt[] = { "--connect", server.url, "-U", REMOTE_TEST_USER, "-c", "\\d seen_by_dt", NULL };
	g_autoptr (Out) b = run_cli (REMOTE_TEST_PASSWORD, NULL, dt);
	g_assert_cmpint (b->status, ==, 0);
	g_assert_nonnull (strstr (b->out, "Table \"public.seen_by_dt\""));
	g_assert_nonnull (strstr (b->out, " x      | integer"));
	/* \copy needs a local session */
	const char *cp[] = { "--connect", server.url, "-U", REMOTE_TEST_USER, "-c", "\\copy seen_by_dt from stdin", NULL };
	g_autoptr (Out) c = run_cli (REMOTE_TEST_PASSWORD, NULL, cp);
	g_assert_cmpint (c->status, ==, 1);
	g_assert_nonnull (strstr (c->err, "not available with --connect"));
}

typedef struct {
	gboolean done;
	char   **out, **err;
} Comm;

static void
communicated_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Comm *c = data;
	g_autoptr (GError) error = NULL;
	g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, c->out, c->err, &error);
	g_assert_no_error (error);
	c->done = TRUE;
}

static gboolean
interrupt_cb (gpointer data)
{
	g_subprocess_send_signal (data, SIGINT);
	return G_SOURCE_REMOVE;
}

/* Ctrl-C (SIGINT) cancels the statement on the server: 57014, exit 1,
 * long before the statement would have ended. */
static void
test_interrupt (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
	                                                               G_SUBPROCESS_FLAGS_STDERR_PIPE);
	g_subprocess_launcher_setenv (l, "OXIBASE_PASSWORD", REMOTE_TEST_PASSWORD, TRUE);
	const char *argv[] = { cli_path, "--connect", server.url, "-U", REMOTE_TEST_USER, "-c",
		               "SELECT pg_sleep(30)", NULL };
	g_autoptr (GSubprocess) p = g_subprocess_launcher_spawnv (l, argv, &error);
	g_assert_no_error (error);
	gint64 t0 = g_get_monotonic_time ();
	g_timeout_add (1000, interrupt_cb, p);
	g_autofree char *out = NULL, *err = NULL;
	Comm c = { FALSE, &out, &err };
	g_subprocess_communicate_utf8_async (p, NULL, NULL, communicated_cb, &c);
	while (!c.done)
		g_main_context_iteration (NULL, TRUE);
	g_assert_cmpint (g_get_monotonic_time () - t0, <, 15 * G_USEC_PER_SEC);
	g_assert_true (g_subprocess_get_if_exited (p));
	g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 1);
	g_assert_nonnull (strstr (err, "57014"));
}

static void
test_login_errors (void)
{
	const char *args[] = { "--connect", server.url, "-U", REMOTE_TEST_USER, "-c", "SELECT 1", NULL };
	g_autoptr (Out) bad = run_cli ("wrong", NULL, args);
	g_assert_cmpint (bad->status, ==, 2);
	g_assert_nonnull (strstr (bad->err, "wrong user name or password for \"" REMOTE_TEST_USER "\""));
	g_assert_cmpstr (bad->out, ==, "");

	const char *gone[] = { "--connect", "http://127.0.0.1:1", "-U", REMOTE_TEST_USER, "-c", "SELECT 1", NULL };
	g_autoptr (Out) g = run_cli ("x", NULL, gone);
	g_assert_cmpint (g->status, ==, 2);
	g_assert_nonnull (strstr (g->err, "Cannot reach the server at http://127.0.0.1:1"));

	const char *both[] = { "--connect", server.url, "/tmp/somedb", NULL };
	g_autoptr (Out) u = run_cli ("x", NULL, both);
	g_assert_cmpint (u->status, ==, 2);
	g_assert_nonnull (strstr (u->err, "cannot be used together"));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	cli_path = g_getenv ("OXIBASE_CLI");
	g_assert_nonnull (cli_path);
	remote_server_start (&server);
	g_test_add_func ("/cli/remote/same-output", test_same_output);
	g_test_add_func ("/cli/remote/backslash", test_backslash);
	g_test_add_func ("/cli/remote/login-errors", test_login_errors);
	g_test_add_func ("/cli/remote/interrupt", test_interrupt);
	int rc = g_test_run ();
	remote_server_stop (&server);
	return rc;
}

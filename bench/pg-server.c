/*
 * pg-server.c — the throwaway PostgreSQL server that oxibase-bench compares against.
 *
 * When a selected workload runs on PostgreSQL, the harness makes a cluster
 * of its own: initdb into a private temporary directory, the server
 * started with pg_ctl on a free loopback port with its unix socket in that
 * same directory, every connection through that socket
 * (bench_pg_conninfo), and at the end pg_ctl stop and the directory
 * removed.  Nothing of the machine's own PostgreSQL (its clusters, its
 * port 5432, its configuration) is touched.
 *
 * NOTE: initdb refuses to run as root.  As root, every server command runs
 * as the `postgres` user: the spawned child drops to its uid and gid
 * before exec (no runuser or su needed), and the directory is chowned to
 * it.  Otherwise everything runs as the current user.
 *
 * NOTE: cleanup goes through one path, whatever ends the harness.  Before
 * anything is made, a reaper process is forked; it waits for end of file
 * on a pipe whose write end only the harness holds, and then stops the
 * server (pg_ctl stop -m immediate) and removes the directory.  A normal
 * end (bench_pg_stop closes the pipe), Ctrl-C, a crash and even SIGKILL
 * all close that pipe.  The reaper ignores SIGINT, SIGTERM and SIGHUP,
 * which a Ctrl-C or a closed terminal sends to the whole process group.
 *
 * NOTE: the reaper is forked before the harness opens any database, while
 * the process still has one thread: a child forked from a threaded
 * process may inherit a lock (malloc's, GLib's) that another thread held,
 * and the reaper calls malloc and GLib after the fork.  bench-main.c
 * calls bench_pg_start first for that reason.  The pipe is close-on-exec,
 * so the harness's other children (memory, recovery) never hold it open.
 *
 * NOTE: the server runs with fsync, synchronous_commit and
 * full_page_writes off, no parallel workers and no autovacuum
 * (bench/README.md, "Method", says why each); its figures are therefore
 * those of a PostgreSQL that keeps nothing durable, which is what a
 * :memory: Oxibase is compared with.
 *
 * What can go wrong: the binaries are missing (bench_pg_start fails with
 * the path it looked at: the workloads are then skipped, not failed);
 * the free port is taken between our probe and the server's bind (pg_ctl
 * start fails; we try three ports); TMPDIR is not reachable by the
 * postgres user when running as root (initdb fails and says so).
 */
#define G_LOG_DOMAIN "oxibase-bench"

#ifndef _GNU_SOURCE
#define _GNU_SOURCE  /* pipe2 */
#endif
#include "bench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The one server of this process; all zero while none is running. */
static struct {
	char  *bindir;      /* where initdb, pg_ctl and postgres are; owned */
	char  *dir;         /* the private directory: socket, log, data/; owned */
	char  *datadir;     /* dir/data; owned */
	char  *conninfo;    /* libpq connection string; owned; NULL until started */
	int    port;        /* TCP port on 127.0.0.1 (also names the socket) */
	bool   as_postgres; /* we are root: server commands run as postgres */
	uid_t  uid;         /* as_postgres: the postgres user's ids */
	gid_t  gid;
	int    reaper_fd;   /* write end of the reaper's pipe; -1 when none */
	pid_t  reaper;      /* the reaper's pid; 0 when none */
} srv = { .reaper_fd = -1 };

/* The lines appended to postgresql.conf (bench/README.md, "Method"). */
static const char SERVER_SETTINGS[] =
	"\n# oxibase-bench: a throwaway server compared with :memory: engines\n"
	"fsync = off\n"
	"synchronous_commit = off\n"
	"full_page_writes = off\n"
	/* One core per query, as Oxibase and SQLite have. */
	"max_parallel_workers_per_gather = 0\n"
	/* Never in the middle of someone else's run; the harness ANALYZEs
	 * and VACUUMs outside the clock instead (workloads.c). */
	"autovacuum = off\n"
	/* Room for every data set (t, d, lineitem: about 250 MB) in the
	 * buffer pool, as they are in the :memory: engines' heaps. */
	"shared_buffers = 1GB\n"
	/* No checkpoint during a bulk load of a million rows. */
	"max_wal_size = 8GB\n"
	"checkpoint_timeout = 1h\n"
	"logging_collector = off\n";

/* child_setup of g_spawn_sync: become postgres.  Runs between fork and
 * exec, so only async-signal-safe calls: setgroups, setgid, setuid. */
static void
drop_to_postgres (gpointer data)
{
	if (!srv.as_postgres)
		return;
	gid_t g = srv.gid;
	if (setgroups (1, &g) != 0 || setgid (srv.gid) != 0 || setuid (srv.uid) != 0)
		_exit (126);
}

/* Run argv (argv[0] a program of bindir) as the server's user; true when
 * it exits with 0.  On failure *why says so, with its output. */
static bool
run_pg_tool (const char *const *argv, char **why)
{
	g_autofree char *out = NULL, *err = NULL;
	g_autoptr (GError) gerr = NULL;
	int status = 0;
	/* LC_ALL=C: initdb's --locale=C covers the cluster; this keeps the
	 * tools' own messages plain. */
	g_auto (GStrv) env = g_environ_setenv (g_get_environ (), "LC_ALL", "C", TRUE);
	if (g_spawn_sync (srv.dir, (char **) argv, env, G_SPAWN_DEFAULT, drop_to_postgres, NULL,
	                  &out, &err, &status, &gerr)
	    && g_spawn_check_wait_status (status, &gerr))
		return true;
	if (why)
		*why = g_strdup_printf ("%s: %s\n%s%s", argv[0], gerr->message, out ? out : "",
		                        err ? err : "");
	return false;
}

/* A TCP port on 127.0.0.1 that nobody holds right now (the kernel's
 * choice for port 0).  Another process may take it before the server
 * binds it; bench_pg_start then tries again. */
static int
free_port (void)
{
	int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
	a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
	socklen_t len = sizeof a;
	int port = -1;
	if (bind (fd, (struct sockaddr *) &a, sizeof a) == 0
	    && getsockname (fd, (struct sockaddr *) &a, &len) == 0)
		port = ntohs (a.sin_port);
	close (fd);
	return port;
}

/* pg_ctl stop (immediate: nothing in the cluster is worth a clean
 * shutdown) and remove the directory.  Used by the reaper only. */
static void
stop_and_remove (void)
{
	g_autofree char *pg_ctl = g_build_filename (srv.bindir, "pg_ctl", NULL);
	g_autofree char *pidfile = g_build_filename (srv.datadir, "postmaster.pid", NULL);
	if (g_file_test (pidfile, G_FILE_TEST_EXISTS)) {
		const char *argv[] = { pg_ctl, "stop", "-D", srv.datadir, "-m", "immediate", "-w", "-s", NULL };
		char *why = NULL;
		if (!run_pg_tool (argv, &why)) {
			g_printerr ("oxibase-bench: stopping the PostgreSQL server: %s\n", why);
			g_free (why);
		}
	}
	if (!bench_remove_tree (srv.dir))
		g_printerr ("oxibase-bench: could not remove all of %s\n", srv.dir);
}

/* The reaper: wait until the harness closes the pipe, by bench_pg_stop
 * or by ending, then clean up. */
G_GNUC_NORETURN static void
reaper_main (int fd)
{
	signal (SIGINT, SIG_IGN);
	signal (SIGTERM, SIG_IGN);
	signal (SIGHUP, SIG_IGN);
	char b;
	for (;;) {
		ssize_t n = read (fd, &b, 1);
		if (n == 0 || (n < 0 && errno != EINTR))
			break;
	}
	stop_and_remove ();
	_exit (0);
}

static bool
start_reaper (char **why)
{
	int fds[2];
	if (pipe2 (fds, O_CLOEXEC) != 0) {
		*why = g_strdup_printf ("pipe: %s", g_strerror (errno));
		return false;
	}
	fflush (NULL);
	pid_t pid = fork ();
	if (pid < 0) {
		*why = g_strdup_printf ("fork: %s", g_strerror (errno));
		close (fds[0]);
		close (fds[1]);
		return false;
	}
	if (pid == 0) {
		close (fds[1]);
		reaper_main (fds[0]);
	}
	close (fds[0]);
	srv.reaper_fd = fds[1];
	srv.reaper = pid;
	return true;
}

bool
bench_pg_start (const char *bindir, char **why)
{
	g_return_val_if_fail (srv.conninfo == NULL && srv.reaper == 0, false);
	g_autofree char *initdb = g_build_filename (bindir, "initdb", NULL);
	g_autofree char *pg_ctl = g_build_filename (bindir, "pg_ctl", NULL);
	g_autofree char *postgres = g_build_filename (bindir, "postgres", NULL);
	/* Declared before the first goto, which must not jump over them. */
	g_autofree char *log = NULL, *conf = NULL, *old = NULL;
	for (const char *const *p = (const char *const[]) { initdb, pg_ctl, postgres, NULL }; *p; p++)
		if (!g_file_test (*p, G_FILE_TEST_IS_EXECUTABLE)) {
			*why = g_strdup_printf ("no %s (PostgreSQL 15's server binaries; --pg-bin DIR)", *p);
			return false;
		}
	if (geteuid () == 0) {
		struct passwd *pw = getpwnam ("postgres");
		if (pw == NULL) {
			*why = g_strdup ("running as root, and there is no postgres user to run the server as");
			return false;
		}
		srv.as_postgres = true;
		srv.uid = pw->pw_uid;
		srv.gid = pw->pw_gid;
	}
	g_autoptr (GError) gerr = NULL;
	srv.dir = g_dir_make_tmp ("oxibase-bench-pg-XXXXXX", &gerr);
	if (srv.dir == NULL) {
		*why = g_strdup_printf ("temporary directory: %s", gerr->message);
		return false;
	}
	srv.bindir = g_strdup (bindir);
	srv.datadir = g_build_filename (srv.dir, "data", NULL);
	if (srv.as_postgres && chown (srv.dir, srv.uid, srv.gid) != 0) {
		*why = g_strdup_printf ("chown %s to postgres: %s", srv.dir, g_strerror (errno));
		bench_remove_tree (srv.dir);
		return false;
	}
	/* From here on the reaper removes the directory, whatever happens. */
	if (!start_reaper (why)) {
		bench_remove_tree (srv.dir);
		return false;
	}

	/* --no-sync: the cluster is thrown away; --locale=C: text compares
	 * byte by byte, as it does in Oxibase and SQLite. */
	const char *init_argv[] = {
		initdb, "-D", srv.datadir, "-U", "bench", "-A", "trust", "-E", "UTF8", "--locale=C",
		"--no-sync", "--no-instructions", NULL,
	};
	if (!run_pg_tool (init_argv, why))
		goto fail;

	log = g_build_filename (srv.dir, "server.log", NULL);
	conf = g_build_filename (srv.datadir, "postgresql.conf", NULL);
	if (!g_file_get_contents (conf, &old, NULL, &gerr)) {
		*why = g_strdup_printf ("reading %s: %s", conf, gerr->message);
		goto fail;
	}
	for (int attempt = 0; attempt < 3; attempt++) {
		srv.port = free_port ();
		if (srv.port < 0) {
			*why = g_strdup_printf ("no free port on 127.0.0.1: %s", g_strerror (errno));
			goto fail;
		}
		g_autofree char *text = g_strdup_printf ("%s%slisten_addresses = '127.0.0.1'\nport = %d\n"
		                                         "unix_socket_directories = '%s'\n",
		                                         old, SERVER_SETTINGS, srv.port, srv.dir);
		/* g_file_set_contents would replace the file by one owned by
		 * root; rewriting it in place keeps postgres its owner. */
		FILE *f = fopen (conf, "w");
		if (f == NULL || fputs (text, f) < 0 || fclose (f) != 0) {
			*why = g_strdup_printf ("writing %s: %s", conf, g_strerror (errno));
			goto fail;
		}
		const char *start_argv[] = {
			pg_ctl, "start", "-D", srv.datadir, "-l", log, "-w", "-t", "60", "-s", NULL,
		};
		g_free (*why);
		*why = NULL;
		if (run_pg_tool (start_argv, why))
			break;
		g_autofree char *tail = NULL;
		if (g_file_get_contents (log, &tail, NULL, NULL)) {
			char *msg = g_strdup_printf ("%s\nserver log:\n%s", *why, tail);
			g_free (*why);
			*why = msg;
		}
		if (attempt == 2)
			goto fail;
	}
	g_free (*why);
	*why = NULL;
	srv.conninfo = g_strdup_printf ("host=%s port=%d user=bench dbname=postgres", srv.dir, srv.port);
	return true;
fail:
	bench_pg_stop ();
	return false;
}

const char *
bench_pg_conninfo (void)
{
	return srv.conninfo;
}

char *
bench_pg_describe (void)
{
	if (srv.conninfo == NULL)
		return NULL;
	return g_strdup_printf ("a private cluster in %s (unix socket there, port %d%s), fsync, "
	                        "synchronous_commit and full_page_writes off",
	                        srv.dir, srv.port, srv.as_postgres ? ", run as user postgres" : "");
}

void
bench_pg_stop (void)
{
	if (srv.reaper == 0)
		return;
	/* End of file for the reaper, which stops the server and removes the
	 * directory; wait for it, so that it is all gone when we return. */
	close (srv.reaper_fd);
	int status;
	while (waitpid (srv.reaper, &status, 0) < 0 && errno == EINTR)
		;
	srv.reaper_fd = -1;
	srv.reaper = 0;
	g_clear_pointer (&srv.conninfo, g_free);
	g_clear_pointer (&srv.dir, g_free);
	g_clear_pointer (&srv.datadir, g_free);
	g_clear_pointer (&srv.bindir, g_free);
}

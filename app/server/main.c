/*
 * main.c — oxibase-server: the engine behind the PostgreSQL wire protocol
 * and the HTTP API.
 *
 *   oxibase-server init DIR
 *   oxibase-server DIR [--listen ADDR] [--pg-port N] [--http-port N]
 *                      [--max-connections N] [--shutdown-grace-ms N]
 *                      [--http-request-timeout MS] [--http-max-body BYTES]
 *                      [--http-token-ttl S] [--http-workers N]
 *                      [--http-password-file F]
 *
 * A data directory holds one database for now, DIR/oxibase, named
 * "oxibase" to clients.  --pg-port 0 and --http-port 0 pick free ports
 * (the log lines "listening on ADDR:PORT" and "http listening on
 * ADDR:PORT" say which; the tests use that).  Both protocols share one
 * session registry (GET /api/sessions lists and cancels pgwire backends).
 *
 * Shutdown on SIGTERM or SIGINT, in phases polled from the main loop:
 *   1. stop accepting; idle clients are told 57P01 and closed;
 *   2. after the grace period, cancel statements still running (57014);
 *   3. a second later, cut the sockets of clients still there;
 *   4. once no backend is left, close the database and exit 0.
 * If backends are still there 10 s after phase 3 (a statement that does
 * not check for cancellation), exit 1 without closing: the write-ahead
 * log keeps what was committed.
 */
#define G_LOG_DOMAIN "oxibase-server"

#include <glib.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <stdlib.h>

#include "oxibase.h"
#include "pg-server.h"
#include "http-server.h"
#include "session-registry.h"

typedef struct {
	GMainLoop *loop;
	PgServer  *server;
	OxHttpServer *http;
	gint64     stop_at;      /* monotonic µs of the signal; 0 while running */
	gint64     grace_us;
	int        phase;        /* 0 running, 1 draining, 2 cancelled, 3 aborted */
	int        exit_code;
} Server;

static gboolean
shutdown_tick_cb (gpointer data)
{
	Server *s = data;
	gint64 now = g_get_monotonic_time ();
	guint left = pg_server_n_backends (s->server) + ox_http_server_n_running (s->http);

	if (left == 0) {
		g_main_loop_quit (s->loop);
		return G_SOURCE_REMOVE;
	}
	if (s->phase == 1 && now - s->stop_at >= s->grace_us) {
		pg_log ("LOG", "cancelling the statements of %u remaining connection(s)", left);
		pg_server_cancel_all (s->server);
		ox_http_server_cancel_all (s->http);
		s->phase = 2;
	} else if (s->phase == 2 && now - s->stop_at >= s->grace_us + G_USEC_PER_SEC) {
		pg_log ("LOG", "closing %u remaining connection(s)", left);
		pg_server_abort_all (s->server);
		s->phase = 3;
	} else if (s->phase == 3 && now - s->stop_at >= s->grace_us + 11 * G_USEC_PER_SEC) {
		pg_log ("WARNING", "%u connection(s) did not end; exiting without closing the database", left);
		s->exit_code = 1;
		g_main_loop_quit (s->loop);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static gboolean
signal_cb (gpointer data)
{
	Server *s = data;
	if (s->phase != 0)
		return G_SOURCE_CONTINUE;
	pg_log ("LOG", "received shutdown request; %u connection(s) open", pg_server_n_backends (s->server));
	s->phase = 1;
	s->stop_at = g_get_monotonic_time ();
	pg_server_stop_accepting (s->server);
	ox_http_server_stop_accepting (s->http);
	g_timeout_add (20, shutdown_tick_cb, s);
	return G_SOURCE_CONTINUE;
}

static int
cmd_init (const char *dir)
{
	g_autofree char *dbdir = g_build_filename (dir, "oxibase", NULL);
	if (g_file_test (dbdir, G_FILE_TEST_EXISTS)) {
		g_printerr ("oxibase-server: %s already holds a database (%s)\n", dir, dbdir);
		return 1;
	}
	if (g_mkdir_with_parents (dir, 0700) != 0) {
		g_printerr ("oxibase-server: could not create %s: %s\n", dir, g_strerror (errno));
		return 1;
	}
	OxDatabase *db = NULL;
	OxError err = { 0 };
	if (ox_db_open (dbdir, &db, &err) != OX_OK) {
		g_printerr ("oxibase-server: could not create the database in %s: %s\n", dbdir, err.message);
		ox_error_clear (&err);
		return 1;
	}
	ox_db_close (db);
	g_print ("oxibase-server: data directory %s created, with the database \"oxibase\"\n"
	         "start the server with: oxibase-server %s\n", dir, dir);
	return 0;
}

int
main (int argc, char **argv)
{
	g_autofree char *listen = NULL;
	int pg_port = 5433;
	int max_connections = 100;
	int grace_ms = 5000;
	int http_port = 8433;
	int http_timeout_ms = 30000;
	gint64 http_max_body = 1024 * 1024;
	int http_token_ttl = 3600;
	int http_workers = 16;
	g_autofree char *http_password_file = NULL;
	GOptionEntry entries[] = {
		{ "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "Address to listen on (default 127.0.0.1)", "ADDR" },
		{ "pg-port", 0, 0, G_OPTION_ARG_INT, &pg_port, "PostgreSQL protocol port (default 5433; 0 picks one)", "N" },
		{ "max-connections", 0, 0, G_OPTION_ARG_INT, &max_connections, "Clients served at once (default 100)", "N" },
		{ "shutdown-grace-ms", 0, 0, G_OPTION_ARG_INT, &grace_ms,
		  "On SIGTERM, how long running statements may go on before they are cancelled (default 5000)", "MS" },
		{ "http-port", 0, 0, G_OPTION_ARG_INT, &http_port, "HTTP API port (default 8433; 0 picks one)", "N" },
		{ "http-request-timeout", 0, 0, G_OPTION_ARG_INT, &http_timeout_ms,
		  "Cancel an HTTP request's statements after this long (default 30000)", "MS" },
		{ "http-max-body", 0, 0, G_OPTION_ARG_INT64, &http_max_body,
		  "Largest HTTP request body accepted; larger ones get 413 (default 1048576)", "BYTES" },
		{ "http-token-ttl", 0, 0, G_OPTION_ARG_INT, &http_token_ttl, "Lifetime of HTTP bearer tokens (default 3600)", "S" },
		{ "http-workers", 0, 0, G_OPTION_ARG_INT, &http_workers, "HTTP requests run at once (default 16)", "N" },
		{ "http-password-file", 0, 0, G_OPTION_ARG_FILENAME, &http_password_file,
		  "INTERIM until roles exist: \"user:password\" lines that POST /api/auth/login accepts", "FILE" },
		{ NULL }
	};
	g_autoptr (GOptionContext) ctx = g_option_context_new ("DIR | init DIR");
	g_option_context_set_summary (ctx, "The Oxibase database server (PostgreSQL wire protocol 3.0).\n\n"
	                                   "  oxibase-server init DIR   create a data directory\n"
	                                   "  oxibase-server DIR        serve it");
	g_option_context_add_main_entries (ctx, entries, NULL);
	g_autoptr (GError) error = NULL;
	if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
		g_printerr ("oxibase-server: %s\n", error->message);
		return 2;
	}
	if (argc == 3 && !g_strcmp0 (argv[1], "init"))
		return cmd_init (argv[2]);
	if (argc != 2) {
		g_autofree char *help = g_option_context_get_help (ctx, TRUE, NULL);
		g_printerr ("%s", help);
		return 2;
	}
	if (pg_port < 0 || pg_port > 65535 || max_connections < 1 || grace_ms < 0) {
		g_printerr ("oxibase-server: --pg-port, --max-connections or --shutdown-grace-ms out of range\n");
		return 2;
	}
	if (http_port < 0 || http_port > 65535 || http_timeout_ms < 1 || http_max_body < 1 || http_token_ttl < 1
	    || http_workers < 1) {
		g_printerr ("oxibase-server: an --http-* option is out of range\n");
		return 2;
	}

	const char *dir = argv[1];
	g_autofree char *dbdir = g_build_filename (dir, "oxibase", NULL);
	if (!g_file_test (dbdir, G_FILE_TEST_IS_DIR)) {
		g_printerr ("oxibase-server: %s is not a data directory (create one with: oxibase-server init %s)\n",
		            dir, dir);
		return 1;
	}
	OxDatabase *db = NULL;
	OxError err = { 0 };
	if (ox_db_open (dbdir, &db, &err) != OX_OK) {
		pg_log ("FATAL", "could not open the database %s: %s", dbdir, err.message);
		ox_error_clear (&err);
		return 1;
	}
	g_autofree char *status = ox_db_status (db);
	if (status) {
		g_auto (GStrv) lines = g_strsplit (status, "\n", -1);
		for (char **l = lines; *l; l++)
			if (**l)
				pg_log ("LOG", "%s", *l);
	}
	ox_free (g_steal_pointer (&status));

	Server s = { 0 };
	s.grace_us = (gint64) grace_ms * 1000;
	OxSessionRegistry *registry = ox_session_registry_new ();
	PgServerConfig cfg = { (guint) max_connections, "oxibase", registry };
	s.server = pg_server_new (db, &cfg);
	OxHttpConfig hcfg = {
		.database = "oxibase",
		.registry = registry,
		.max_body = (gsize) http_max_body,
		.request_timeout_ms = (guint) http_timeout_ms,
		.token_ttl_s = http_token_ttl,
		.max_workers = (guint) http_workers,
		.password_file = http_password_file,
	};
	s.http = ox_http_server_new (db, &hcfg);
	const char *addr = listen ? listen : "127.0.0.1";
	if (!pg_server_listen (s.server, addr, (guint16) pg_port, NULL, &error)
	    || !ox_http_server_listen (s.http, addr, (guint16) http_port, NULL, &error)) {
		pg_log ("FATAL", "could not listen: %s", error->message);
		ox_http_server_free (s.http);
		pg_server_free (s.server);
		ox_session_registry_free (registry);
		ox_db_close (db);
		return 1;
	}
	if (!http_password_file)
		pg_log ("LOG", "http: no --http-password-file given: POST /api/auth/login refuses every login");
	s.loop = g_main_loop_new (NULL, FALSE);
	guint sig_term = g_unix_signal_add (SIGTERM, signal_cb, &s);
	guint sig_int = g_unix_signal_add (SIGINT, signal_cb, &s);
	pg_log ("LOG", "database system is ready to accept connections");
	g_main_loop_run (s.loop);
	g_source_remove (sig_term);
	g_source_remove (sig_int);
	g_main_loop_unref (s.loop);

	if (s.exit_code != 0)
		return s.exit_code;  /* backends still hold sessions: no close */
	ox_http_server_free (s.http);
	pg_server_free (s.server);
	ox_session_registry_free (registry);
	ox_db_close (db);
	pg_log ("LOG", "database system is shut down");
	return 0;
}

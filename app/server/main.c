/*
 * main.c — oxibase-server: the engine behind the PostgreSQL wire protocol
 * and the HTTP API.
 *
 *   oxibase-server init DIR [--superuser NAME] [--password-file F]
 *   oxibase-server DIR [--config FILE] [--listen ADDR] [--pg-port N]
 *                      [--http-port N] [--dap-port N] [--tls-cert F --tls-key F]
 *                      [--max-connections N] [--shutdown-grace-ms N]
 *                      [--http-request-timeout MS] [--http-max-body BYTES]
 *                      [--http-token-ttl S] [--http-workers N]
 *
 * A data directory holds one database for now, DIR/oxibase, named
 * "oxibase" to clients, and the configuration DIR/oxibase.conf (see
 * server/config/server-config.h; flags override it).  --pg-port 0 picks a
 * free port (the log line "listening on ADDR:PORT" says which; the tests
 * use that).
 *
 * init renames the bootstrap superuser to --superuser (default "oxibase")
 * and gives it the password in --password-file (its first line).  The
 * configuration it writes trusts loopback connections when no password
 * was given and asks for scram-sha-256 when one was, as initdb's
 * --auth-host does.
 *
 * SIGHUP re-reads the configuration: the authentication rules, the log
 * level and the timeouts apply to new connections; listen, ports, TLS
 * files and max_connections need a restart (a log line says so).  A
 * configuration that does not parse is refused and the old one kept.
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
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "oxibase.h"
#include "pg-server.h"
#include "server-config.h"
#include "http-server.h"
#include "session-registry.h"
#include "dap-listener.h"
#include "debug-hub.h"

#define DEFAULT_HTTP_PORT 8433

/* Command-line values; NULL / -1 when not given (the file decides).
 * The strings are borrowed from main's option variables. */
typedef struct {
	char *config;
	char *listen;
	int   pg_port, http_port, dap_port;
	char *tls_cert, *tls_key;
	int   max_connections;
	int   grace_ms;
	int   http_timeout_ms;
	gint64 http_max_body;
	int   http_token_ttl;
	int   http_workers;
	int   http_session_idle_s;  /* -1: from the configuration */
} Flags;

typedef struct {
	GMainLoop      *loop;
	PgServer       *server;
	OxHttpServer   *http;
	DapListener    *dap;           /* remote debugging: /api/dap and --dap-port */
	OxDatabase     *db;            /* the main database */
	Flags          *flags;
	char           *config_path;   /* file to re-read on SIGHUP (NULL: none) */
	OxServerConfig *config;        /* what is in force */
	gint64          stop_at;       /* monotonic µs of the signal; 0 while running */
	gint64          grace_us;
	int             phase;         /* 0 running, 1 draining, 2 cancelled, 3 aborted */
	int             exit_code;
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
	pg_log ("LOG", "received shutdown request; %u connection(s) and %u HTTP request(s) open",
	        pg_server_n_backends (s->server), ox_http_server_n_running (s->http));
	s->phase = 1;
	s->stop_at = g_get_monotonic_time ();
	pg_server_stop_accepting (s->server);
	ox_http_server_stop_accepting (s->http);
	/* debuggers first: their clients go, stopped sessions resume and run
	 * to their end (or to the grace period's cancel) */
	g_clear_pointer (&s->dap, dap_listener_free);
	g_timeout_add (20, shutdown_tick_cb, s);
	return G_SOURCE_CONTINUE;
}

/* A debugger's token (attach's on the debug port, the upgrade's on
 * /api/dap): one the HTTP API issued (POST /api/auth/login); a role that
 * is not a superuser debugs its own sessions only.  On the debugger
 * client's thread. */
static gboolean
dap_token_ok (const char *token, gpointer data, char **only_user, GError **error)
{
	Server *s = data;
	g_autofree char *user = s->http ? ox_http_server_token_user (s->http, token) : NULL;
	if (!user) {
		g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
		                     "the token is not valid (expired or revoked?): log in with POST /api/auth/login");
		return FALSE;
	}
	*only_user = ox_http_server_debug_scope (s->http, user);
	pg_log ("LOG", "debugger attached: user=%s%s", user, *only_user ? " (own sessions only)" : "");
	return TRUE;
}

/* The configuration: the file (if any), then the flags over it. */
static OxServerConfig *
load_config (const char *path, const Flags *f, GError **error)
{
	OxServerConfig *c = path ? ox_server_config_load (path, error) : ox_server_config_new ();
	if (!c)
		return NULL;
	if (f->listen) {
		g_free (c->listen);
		c->listen = g_strdup (f->listen);
	}
	if (f->pg_port >= 0)
		c->pg_port = f->pg_port;
	if (f->http_port >= 0)
		c->http_port = f->http_port;
	if (f->dap_port >= 0)
		c->dap_port = f->dap_port;
	if (f->tls_cert) {
		g_free (c->tls_cert);
		c->tls_cert = g_strdup (f->tls_cert);
	}
	if (f->tls_key) {
		g_free (c->tls_key);
		c->tls_key = g_strdup (f->tls_key);
	}
	if (f->max_connections > 0)
		c->max_connections = f->max_connections;
	if (f->grace_ms >= 0)
		c->shutdown_grace_ms = f->grace_ms;
	if ((c->tls_cert == NULL) != (c->tls_key == NULL)) {
		g_set_error (error, OX_SERVER_CONFIG_ERROR, 0, "tls_cert and tls_key must be set together");
		ox_server_config_unref (c);
		return NULL;
	}
	return c;
}

static void
note_restart (const char *what, gboolean changed)
{
	if (changed)
		pg_log ("LOG", "%s changed in the configuration file; it takes effect at the next restart", what);
}

static gboolean
reload_cb (gpointer data)
{
	Server *s = data;
	if (!s->config_path) {
		pg_log ("LOG", "received SIGHUP; no configuration file to reload");
		return G_SOURCE_CONTINUE;
	}
	g_autoptr (GError) error = NULL;
	OxServerConfig *c = load_config (s->config_path, s->flags, &error);
	if (!c) {
		pg_log ("LOG", "received SIGHUP; configuration file contains errors, nothing was applied: %s",
		        error->message);
		return G_SOURCE_CONTINUE;
	}
	OxServerConfig *old = s->config;
	note_restart ("listen", g_strcmp0 (old->listen, c->listen) != 0);
	note_restart ("pg_port", old->pg_port != c->pg_port);
	note_restart ("http_port", old->http_port != c->http_port);
	note_restart ("dap_port", old->dap_port != c->dap_port);
	note_restart ("tls_cert/tls_key", g_strcmp0 (old->tls_cert, c->tls_cert) || g_strcmp0 (old->tls_key, c->tls_key));
	note_restart ("max_connections", old->max_connections != c->max_connections);
	pg_log_set_level (c->log_level);
	s->grace_us = (gint64) c->shutdown_grace_ms * 1000;
	pg_server_set_config (s->server, c);
	s->config = c;
	ox_server_config_unref (old);
	pg_log ("LOG", "received SIGHUP, reloaded %s (%u authentication rule(s))", s->config_path, c->hba->len);
	return G_SOURCE_CONTINUE;
}

static char *
read_password_file (const char *path)
{
	g_autofree char *text = NULL;
	g_autoptr (GError) error = NULL;
	if (!g_file_get_contents (path, &text, NULL, &error)) {
		g_printerr ("oxibase-server: could not read the password file: %s\n", error->message);
		return NULL;
	}
	char *nl = strpbrk (text, "\r\n");
	if (nl)
		*nl = '\0';
	if (!*text) {
		g_printerr ("oxibase-server: the password file %s is empty\n", path);
		return NULL;
	}
	return g_steal_pointer (&text);
}

static int
cmd_init (const char *dir, const char *superuser, const char *password_file)
{
	g_autofree char *dbdir = g_build_filename (dir, "oxibase", NULL);
	g_autofree char *conf = g_build_filename (dir, "oxibase.conf", NULL);
	if (g_file_test (dbdir, G_FILE_TEST_EXISTS)) {
		g_printerr ("oxibase-server: %s already holds a database (%s)\n", dir, dbdir);
		return 1;
	}
	g_autofree char *password = NULL;
	if (password_file && !(password = read_password_file (password_file)))
		return 1;
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
	const char *su = superuser ? superuser : "oxibase";
	if (ox_role_setup_superuser (db, su, password, &err) != OX_OK) {
		g_printerr ("oxibase-server: could not create the superuser \"%s\": %s\n", su, err.message);
		ox_error_clear (&err);
		ox_db_close (db);
		return 1;
	}
	ox_db_close (db);
	g_autofree char *text = ox_server_config_default_text (su, password != NULL);
	g_autoptr (GError) error = NULL;
	if (!g_file_set_contents_full (conf, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error)) {
		g_printerr ("oxibase-server: could not write %s: %s\n", conf, error->message);
		return 1;
	}
	if (password)
		memset (password, 0, strlen (password));
	g_print ("oxibase-server: data directory %s created, with the database \"oxibase\" and the superuser \"%s\"\n"
	         "%s\n"
	         "start the server with: oxibase-server %s\n", dir, su,
	         password_file ? "connections from this host need the superuser's password (scram-sha-256)"
	                       : "connections from this host are trusted (no password): edit oxibase.conf to change that",
	         dir);
	return 0;
}

static GTlsCertificate *
load_certificate (const OxServerConfig *c)
{
	if (!c->tls_cert)
		return NULL;
	g_autoptr (GError) error = NULL;
	GTlsCertificate *cert = g_tls_certificate_new_from_files (c->tls_cert, c->tls_key, &error);
	if (!cert)
		pg_log ("FATAL", "could not load the TLS certificate %s / key %s: %s", c->tls_cert, c->tls_key,
		        error->message);
	return cert;
}

int
main (int argc, char **argv)
{
	Flags f = { .pg_port = -1, .http_port = -1, .dap_port = -1, .max_connections = -1, .grace_ms = -1,
	            .http_timeout_ms = 30000, .http_max_body = 1024 * 1024, .http_token_ttl = 3600, .http_workers = 16,
	            .http_session_idle_s = -1 };
	/* the option parser's strings, owned here; f borrows them */
	g_autofree char *opt_config = NULL, *opt_listen = NULL, *opt_tls_cert = NULL, *opt_tls_key = NULL;
	g_autofree char *superuser = NULL;
	g_autofree char *password_file = NULL;
	GOptionEntry entries[] = {
		{ "config", 0, 0, G_OPTION_ARG_FILENAME, &opt_config, "Configuration file (default DIR/oxibase.conf)", "FILE" },
		{ "listen", 0, 0, G_OPTION_ARG_STRING, &opt_listen, "Address to listen on (default 127.0.0.1)", "ADDR" },
		{ "pg-port", 0, 0, G_OPTION_ARG_INT, &f.pg_port, "PostgreSQL protocol port (default 5433; 0 picks one)", "N" },
		{ "http-port", 0, 0, G_OPTION_ARG_INT, &f.http_port, "HTTP API port (default 8433; 0 picks one)", "N" },
		{ "http-request-timeout", 0, 0, G_OPTION_ARG_INT, &f.http_timeout_ms,
		  "Cancel an HTTP request's statements after this long (default 30000)", "MS" },
		{ "http-max-body", 0, 0, G_OPTION_ARG_INT64, &f.http_max_body,
		  "Largest HTTP request body accepted; larger ones get 413 (default 1048576)", "BYTES" },
		{ "http-token-ttl", 0, 0, G_OPTION_ARG_INT, &f.http_token_ttl, "Lifetime of HTTP bearer tokens (default 3600)", "S" },
		{ "http-workers", 0, 0, G_OPTION_ARG_INT, &f.http_workers, "HTTP requests run at once (default 16)", "N" },
		{ "http-session-idle-timeout", 0, 0, G_OPTION_ARG_INT, &f.http_session_idle_s,
		  "Close persistent HTTP sessions idle this long, 0 never (default 600, or http_session_idle_timeout)", "S" },
		{ "dap-port", 0, 0, G_OPTION_ARG_INT, &f.dap_port, "Debug Adapter Protocol port", "N" },
		{ "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &opt_tls_cert, "TLS certificate (PEM)", "FILE" },
		{ "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &opt_tls_key, "TLS private key (PEM)", "FILE" },
		{ "max-connections", 0, 0, G_OPTION_ARG_INT, &f.max_connections, "Clients served at once (default 100)", "N" },
		{ "shutdown-grace-ms", 0, 0, G_OPTION_ARG_INT, &f.grace_ms,
		  "On SIGTERM, how long running statements may go on before they are cancelled (default 5000)", "MS" },
		{ "superuser", 0, 0, G_OPTION_ARG_STRING, &superuser, "init: name of the superuser (default oxibase)", "NAME" },
		{ "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
		  "init: file whose first line is the superuser's password", "FILE" },
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
	f.config = opt_config;
	f.listen = opt_listen;
	f.tls_cert = opt_tls_cert;
	f.tls_key = opt_tls_key;
	if (argc == 3 && !g_strcmp0 (argv[1], "init"))
		return cmd_init (argv[2], superuser, password_file);
	if (argc != 2) {
		g_autofree char *help = g_option_context_get_help (ctx, TRUE, NULL);
		g_printerr ("%s", help);
		return 2;
	}
	if (superuser || password_file) {
		g_printerr ("oxibase-server: --superuser and --password-file belong to init\n");
		return 2;
	}
	if (f.pg_port > 65535 || f.http_port > 65535 || f.dap_port > 65535 || f.max_connections == 0 ||
	    f.max_connections < -1 || f.grace_ms < -1 || f.pg_port < -1 || f.http_port < -1 || f.dap_port < -1) {
		g_printerr ("oxibase-server: a port, --max-connections or --shutdown-grace-ms is out of range\n");
		return 2;
	}
	if (f.http_timeout_ms < 1 || f.http_max_body < 1 || f.http_token_ttl < 1 || f.http_workers < 1 ||
	    f.http_session_idle_s < -1) {
		g_printerr ("oxibase-server: an --http-* option is out of range\n");
		return 2;
	}

	const char *dir = argv[1];
	int rc = 1;
	g_autofree char *dbdir = g_build_filename (dir, "oxibase", NULL);
	g_autofree char *default_conf = g_build_filename (dir, "oxibase.conf", NULL);
	g_autoptr (GTlsCertificate) cert = NULL;
	OxDatabase *db = NULL;
	char *status = NULL;
	gboolean tls_used = FALSE;
	OxSessionRegistry *registry = NULL;
	OxDebugHub *hub = NULL;
	Server s = { 0 };
	s.flags = &f;
	if (!g_file_test (dbdir, G_FILE_TEST_IS_DIR)) {
		g_printerr ("oxibase-server: %s is not a data directory (create one with: oxibase-server init %s)\n",
		            dir, dir);
		goto done;
	}
	if (f.config)
		s.config_path = g_strdup (f.config);
	else if (g_file_test (default_conf, G_FILE_TEST_EXISTS))
		s.config_path = g_strdup (default_conf);
	s.config = load_config (s.config_path, &f, &error);
	if (!s.config) {
		g_printerr ("oxibase-server: %s\n", error->message);
		goto done;
	}
	pg_log_set_level (s.config->log_level);
	if (!s.config_path)
		pg_log ("LOG", "no configuration file (%s): defaults, trust for connections from this host", default_conf);
	cert = load_certificate (s.config);
	if (s.config->tls_cert && !cert)
		goto done;

	OxError err = { 0 };
	if (ox_db_open (dbdir, &db, &err) != OX_OK) {
		pg_log ("FATAL", "could not open the database %s: %s", dbdir, err.message);
		ox_error_clear (&err);
		db = NULL;
		goto done;
	}
	status = ox_db_status (db);
	if (status) {
		g_auto (GStrv) lines = g_strsplit (status, "\n", -1);
		for (char **l = lines; *l; l++)
			if (**l)
				pg_log ("LOG", "%s", *l);
	}
	ox_free (status);
	/* from here every line is kept in system.log too */
	pg_log_set_database (db);

	s.grace_us = (gint64) s.config->shutdown_grace_ms * 1000;
	registry = ox_session_registry_new ();
	hub = ox_debug_hub_new ();
	PgServerConfig cfg = { (guint) s.config->max_connections, "oxibase", registry, s.config, cert, dir };
	cfg.hub = hub;
	s.server = pg_server_new (db, &cfg);
	OxHttpConfig hcfg = {
		.database = "oxibase",
		.registry = registry,
		.max_body = (gsize) f.http_max_body,
		.request_timeout_ms = (guint) f.http_timeout_ms,
		.token_ttl_s = f.http_token_ttl,
		.max_workers = (guint) f.http_workers,
		/* the flag wins over the file; 0 means never (-1 for the HTTP server) */
		.session_idle_ms = f.http_session_idle_s >= 0 ? (f.http_session_idle_s ? (gint64) f.http_session_idle_s * 1000 : -1)
		                   : (s.config->http_session_idle_timeout_ms ? s.config->http_session_idle_timeout_ms : -1),
		.idle_in_txn_ms = s.config->idle_in_transaction_session_timeout_ms,
		.auth_failure_delay_ms = (guint) s.config->auth_failure_delay_ms,
		.hub = hub,
	};
	/* the debug port takes the HTTP API's tokens: it is made first (the
	 * WebSocket endpoint serves its clients) and asks the HTTP server */
	s.dap = dap_listener_new (hub, dap_token_ok, &s, 16);
	hcfg.dap = s.dap;
	s.http = ox_http_server_new (db, &hcfg);
	int http_port = s.config->http_port >= 0 ? s.config->http_port : DEFAULT_HTTP_PORT;
	if (!pg_server_listen (s.server, s.config->listen, (guint16) s.config->pg_port, NULL, &error)
	    || !ox_http_server_listen (s.http, s.config->listen, (guint16) http_port, NULL, &error)) {
		pg_log ("FATAL", "could not listen: %s", error->message);
		goto done;
	}
	if (s.config->dap_port >= 0) {
		guint16 bound = 0;
		if (!dap_listener_listen (s.dap, s.config->listen, (guint16) s.config->dap_port, &bound, &error)) {
			pg_log ("FATAL", "could not listen for debuggers: %s", error->message);
			goto done;
		}
		pg_log ("LOG", "dap listening on %s:%u", s.config->listen, bound);
	}
	if (cert)
		pg_log ("LOG", "TLS enabled (certificate %s)", s.config->tls_cert);
	s.loop = g_main_loop_new (NULL, FALSE);
	guint sig_term = g_unix_signal_add (SIGTERM, signal_cb, &s);
	guint sig_int = g_unix_signal_add (SIGINT, signal_cb, &s);
	guint sig_hup = g_unix_signal_add (SIGHUP, reload_cb, &s);
	s.db = db;
	pg_log ("LOG", "database system is ready to accept connections");
	g_main_loop_run (s.loop);
	g_source_remove (sig_term);
	g_source_remove (sig_int);
	g_source_remove (sig_hup);
	g_main_loop_unref (s.loop);

	if (s.exit_code != 0)
		return s.exit_code;  /* backends still hold sessions: no close */
	rc = 0;
	tls_used = cert != NULL;
done:
	g_clear_pointer (&s.dap, dap_listener_free);
	if (s.http)
		ox_http_server_free (s.http);
	if (s.server)
		pg_server_free (s.server);
	ox_session_registry_free (registry);
	ox_debug_hub_free (hub);
	pg_log_set_database (NULL);
	if (db)
		ox_db_close (db);
	if (s.config)
		ox_server_config_unref (s.config);
	g_free (s.config_path);
	if (rc != 0)
		return rc;
	if (tls_used) {
		/* Let the threads GLib keeps for reuse end before exit: GnuTLS
		 * handshakes run on GTask's pool threads (glib-networking), and
		 * LeakSanitizer's exit-time scan crashes on the thread-local
		 * storage GnuTLS leaves in them (a sanitizer bug with dlopen'ed
		 * TLS; the server itself is fine).  An idle thread of a shared
		 * pool waits 0.5 s for work before it joins the unused ones. */
		g_thread_pool_set_max_unused_threads (0);
		gint64 until = g_get_monotonic_time () + 700 * 1000;
		while (g_get_monotonic_time () < until || g_thread_pool_get_num_unused_threads () > 0) {
			g_thread_pool_stop_unused_threads ();
			g_usleep (20 * 1000);
			if (g_get_monotonic_time () > until + 2 * G_USEC_PER_SEC)
				break;
		}
		g_usleep (20 * 1000);
	}
	pg_log ("LOG", "database system is shut down");
	return 0;
}

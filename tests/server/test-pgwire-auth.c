/*
 * test-pgwire-auth.c — SCRAM-SHA-256 and TLS judged by libpq itself:
 * right and wrong passwords (libpq verifies the server's signature, so a
 * wrong ServerSignature would fail the right password too), a missing
 * role answered like a wrong password, sslmode=require over TLS with a
 * certificate made by the openssl CLI at test time, sslmode=disable, and
 * the configuration's hostssl rule.
 */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "server-test-util.h"

static TestServer server;

static PGconn *
connect_as (const char *user, const char *password, const char *sslmode)
{
	g_autofree char *ci = g_strdup_printf ("host=127.0.0.1 port=%u user=%s dbname=oxibase connect_timeout=10 "
	                                       "sslmode=%s%s%s", server.port, user, sslmode,
	                                       password ? " password=" : "", password ? password : "");
	return PQconnectdb (ci);
}

static void
exec_ok (PGconn *c, const char *sql)
{
	PGresult *r = PQexec (c, sql);
	ExecStatusType s = PQresultStatus (r);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		g_error ("%s: %s", sql, PQresultErrorMessage (r));
	PQclear (r);
}

static void
test_scram (void)
{
	/* tester is trusted (see main); it creates a role with a password */
	PGconn *c = connect_as ("tester", NULL, "disable");
	g_assert_cmpint (PQstatus (c), ==, CONNECTION_OK);
	exec_ok (c, "CREATE ROLE alice LOGIN PASSWORD 'correct horse'");
	PQfinish (c);

	c = connect_as ("alice", "'correct horse'", "disable");
	if (PQstatus (c) != CONNECTION_OK)
		g_error ("alice: %s", PQerrorMessage (c));
	PGresult *r = PQexec (c, "SELECT current_user, session_user");
	g_assert_cmpstr (PQgetvalue (r, 0, 0), ==, "alice");
	g_assert_cmpstr (PQgetvalue (r, 0, 1), ==, "alice");
	PQclear (r);
	g_assert_cmpstr (PQparameterStatus (c, "session_authorization"), ==, "alice");
	g_assert_cmpstr (PQparameterStatus (c, "is_superuser"), ==, "off");
	PQfinish (c);

	c = connect_as ("alice", "wrong", "disable");
	g_assert_cmpint (PQstatus (c), ==, CONNECTION_BAD);
	g_assert_nonnull (strstr (PQerrorMessage (c), "FATAL:  password authentication failed for user \"alice\""));
	PQfinish (c);

	c = connect_as ("ghost", "wrong", "disable");
	g_assert_cmpint (PQstatus (c), ==, CONNECTION_BAD);
	g_assert_nonnull (strstr (PQerrorMessage (c), "FATAL:  password authentication failed for user \"ghost\""));
	PQfinish (c);

	/* no password at all: libpq gives up before answering the SASL request */
	c = connect_as ("alice", NULL, "disable");
	g_assert_cmpint (PQstatus (c), ==, CONNECTION_BAD);
	g_assert_nonnull (strstr (PQerrorMessage (c), "no password supplied"));
	PQfinish (c);
}

static void
test_tls (void)
{
	PGconn *c = connect_as ("alice", "'correct horse'", "require");
	if (PQstatus (c) != CONNECTION_OK)
		g_error ("alice over TLS: %s", PQerrorMessage (c));
	g_assert_true (PQsslInUse (c));
	g_assert_nonnull (PQsslAttribute (c, "protocol"));
	PGresult *r = PQexec (c, "SELECT 40 + 2");
	g_assert_cmpstr (PQgetvalue (r, 0, 0), ==, "42");
	PQclear (r);
	PQfinish (c);

	c = connect_as ("alice", "'correct horse'", "disable");
	g_assert_cmpint (PQstatus (c), ==, CONNECTION_OK);
	g_assert_false (PQsslInUse (c));
	PQfinish (c);

	/* secure is allowed over TLS only (hostssl) */
	c = connect_as ("tester", NULL, "disable");
	exec_ok (c, "CREATE ROLE secure LOGIN");
	PQfinish (c);
	c = connect_as ("secure", NULL, "require");
	g_assert_cmpint (PQstatus (c), ==, CONNECTION_OK);
	PQfinish (c);
	c = connect_as ("secure", NULL, "disable");
	g_assert_cmpint (PQstatus (c), ==, CONNECTION_BAD);
	g_assert_nonnull (strstr (PQerrorMessage (c), "no pg_hba.conf entry for host \"127.0.0.1\", user \"secure\""));
	PQfinish (c);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_autoptr (GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp ("oxibase-auth-conf-XXXXXX", &error);
	g_assert_no_error (error);
	g_autofree char *cert = g_build_filename (dir, "server.crt", NULL);
	g_autofree char *key = g_build_filename (dir, "server.key", NULL);
	g_autofree char *cmd = g_strdup_printf ("openssl req -x509 -newkey rsa:2048 -nodes -keyout %s -out %s "
	                                        "-days 1 -subj /CN=localhost >/dev/null 2>&1", key, cert);
	g_assert_cmpint (system (cmd), ==, 0);
	g_autofree char *conf = g_build_filename (dir, "oxibase.conf", NULL);
	g_autofree char *text = g_strdup_printf ("tls_cert = %s\ntls_key = %s\nauth_failure_delay_ms = 50\n"
	                                         "hba = host all tester 127.0.0.1/32 trust\n"
	                                         "hba = hostssl all secure 127.0.0.1/32 trust\n"
	                                         "hba = host all alice,ghost 127.0.0.1/32 scram-sha-256\n",
	                                         cert, key);
	g_assert_true (g_file_set_contents (conf, text, -1, NULL));
	const char *args[] = { "--config", conf, NULL };
	test_server_start (&server, args);
	g_test_add_func ("/server/pgwire/auth/scram", test_scram);
	g_test_add_func ("/server/pgwire/auth/tls", test_tls);
	int rc = g_test_run ();
	test_server_stop (&server);
	g_unlink (cert);
	g_unlink (key);
	g_unlink (conf);
	g_rmdir (dir);
	return rc;
}

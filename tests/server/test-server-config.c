/*
 * test-server-config.c — oxibase.conf parsing and the authentication
 * rules' matching (server/config): first match wins, connection types,
 * name lists, CIDR masks, an IPv4 client of an IPv6 listener, the
 * loopback default without rules, and errors naming file and line.
 */
#include "oxibase.h"
#include "server-config.h"

static GInetAddress *
ip (const char *s)
{
	GInetAddress *a = g_inet_address_new_from_string (s);
	g_assert_nonnull (a);
	return a;
}

static int
method_for (OxServerConfig *c, gboolean ssl, const char *db, const char *user, const char *addr)
{
	g_autoptr (GInetAddress) a = ip (addr);
	const OxHbaRule *r = ox_server_config_match (c, ssl, db, user, a);
	return r ? (int) r->method : -1;
}

static void
test_match (void)
{
	g_autoptr (OxServerConfig) c = ox_server_config_new ();
	g_autoptr (GError) error = NULL;
	const char *text =
		"# rules\n"
		"hba = hostssl all all 10.0.0.0/8 scram-sha-256\n"
		"hba = hostnossl all all 10.0.0.0/8 reject\n"
		"hba = host shop,stock alice,bob 192.168.1.0/24 trust\n"
		"hba = host all all 192.168.1.7 reject   # one address\n"
		"hba = host all all 192.168.0.0/16 scram-sha-256\n"
		"hba = host all all ::1/128 trust\n";
	g_assert_true (ox_server_config_parse (c, text, "t.conf", &error));
	g_assert_no_error (error);
	g_assert_cmpuint (c->hba->len, ==, 6);
	g_assert_cmpint (method_for (c, TRUE, "x", "u", "10.1.2.3"), ==, OX_AUTH_SCRAM);
	g_assert_cmpint (method_for (c, FALSE, "x", "u", "10.1.2.3"), ==, OX_AUTH_REJECT);
	g_assert_cmpint (method_for (c, FALSE, "shop", "bob", "192.168.1.7"), ==, OX_AUTH_TRUST);
	g_assert_cmpint (method_for (c, FALSE, "other", "bob", "192.168.1.7"), ==, OX_AUTH_REJECT);
	g_assert_cmpint (method_for (c, FALSE, "shop", "carol", "192.168.1.8"), ==, OX_AUTH_SCRAM);
	g_assert_cmpint (method_for (c, FALSE, "shop", "carol", "192.168.2.8"), ==, OX_AUTH_SCRAM);
	/* an IPv4 client seen through an IPv6 socket */
	g_assert_cmpint (method_for (c, FALSE, "shop", "alice", "::ffff:192.168.1.9"), ==, OX_AUTH_TRUST);
	g_assert_cmpint (method_for (c, FALSE, "x", "u", "::1"), ==, OX_AUTH_TRUST);
	g_assert_cmpint (method_for (c, FALSE, "x", "u", "172.16.0.1"), ==, -1);
	g_assert_cmpint (method_for (c, FALSE, "x", "u", "127.0.0.1"), ==, -1);

	/* no rules: loopback only, trusted */
	g_autoptr (OxServerConfig) d = ox_server_config_new ();
	g_assert_cmpint (method_for (d, FALSE, "x", "u", "127.0.0.1"), ==, OX_AUTH_TRUST);
	g_assert_cmpint (method_for (d, FALSE, "x", "u", "::1"), ==, OX_AUTH_TRUST);
	g_assert_cmpint (method_for (d, FALSE, "x", "u", "::ffff:127.0.0.1"), ==, OX_AUTH_TRUST);
	g_assert_cmpint (method_for (d, FALSE, "x", "u", "10.0.0.1"), ==, -1);
}

static void
test_keys (void)
{
	g_autoptr (OxServerConfig) c = ox_server_config_new ();
	g_autoptr (GError) error = NULL;
	g_assert_true (ox_server_config_parse (c,
		"listen = ::\npg_port = 6000\nhttp_port = 0\nmax_connections = 7\n"
		"statement_timeout = 2s\nidle_in_transaction_session_timeout = '1min'\nlog_level = WARNING\n"
		"tls_cert = certs/a.pem\ntls_key = /k.pem\nshutdown_grace_ms = 10\n", "/etc/ox/x.conf", &error));
	g_assert_no_error (error);
	g_assert_cmpstr (c->listen, ==, "::");
	g_assert_cmpint (c->pg_port, ==, 6000);
	g_assert_cmpint (c->http_port, ==, 0);
	g_assert_cmpint (c->dap_port, ==, -1);
	g_assert_cmpint (c->max_connections, ==, 7);
	g_assert_cmpint (c->statement_timeout_ms, ==, 2000);
	g_assert_cmpint (c->idle_in_transaction_session_timeout_ms, ==, 60000);
	g_assert_cmpstr (c->log_level, ==, "warning");
	g_assert_cmpstr (c->tls_cert, ==, "/etc/ox/certs/a.pem");
	g_assert_cmpstr (c->tls_key, ==, "/k.pem");
	g_assert_cmpint (c->shutdown_grace_ms, ==, 10);

	static const char *const bad[][2] = {
		{ "x = 1\n", "t.conf:1: unknown configuration key \"x\"" },
		{ "\n\nmax_connections = 0\n", "t.conf:3: invalid max_connections \"0\" (1 to 10000)" },
		{ "listen = localhost\n", "t.conf:1: invalid listen address \"localhost\" (an IPv4 or IPv6 address)" },
		{ "hba = host all all all password\n", "t.conf:1: invalid authentication method \"password\" "
		                                       "(scram-sha-256, trust or reject)" },
		{ "hba = local all all all trust\n", "t.conf:1: invalid connection type \"local\" "
		                                     "(host, hostssl or hostnossl)" },
		{ "hba = host all all all trust extra\n", "t.conf:1: hba rule has more than 5 fields: "
		                                          "host all all all trust extra" },
		{ "log_level = loud\n", "t.conf:1: invalid log_level \"loud\" (debug, log, warning, error, fatal)" },
		{ "pg_port\n", "t.conf:1: expected \"key = value\": pg_port" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autoptr (OxServerConfig) b = ox_server_config_new ();
		g_autoptr (GError) e = NULL;
		g_assert_false (ox_server_config_parse (b, bad[i][0], "t.conf", &e));
		g_assert_cmpstr (e->message, ==, bad[i][1]);
	}
	g_assert_cmpint (ox_parse_duration_ms ("250"), ==, 250);
	g_assert_cmpint (ox_parse_duration_ms ("1.5s"), ==, 1500);
	g_assert_cmpint (ox_parse_duration_ms ("1h"), ==, 3600000);
	g_assert_cmpint (ox_parse_duration_ms ("soon"), ==, -1);
	g_assert_cmpint (ox_parse_duration_ms ("-1"), ==, -1);

	/* what init writes parses, with the method it chose */
	for (int pw = 0; pw < 2; pw++) {
		g_autofree char *t = ox_server_config_default_text ("boss", pw);
		g_autoptr (OxServerConfig) d = ox_server_config_new ();
		g_assert_true (ox_server_config_parse (d, t, "init", NULL));
		g_assert_cmpint (method_for (d, FALSE, "oxibase", "boss", "127.0.0.1"), ==,
		                 pw ? OX_AUTH_SCRAM : OX_AUTH_TRUST);
		g_assert_cmpint (method_for (d, FALSE, "oxibase", "boss", "192.0.2.1"), ==, -1);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/server/config/hba-match", test_match);
	g_test_add_func ("/server/config/keys-and-errors", test_keys);
	return g_test_run ();
}

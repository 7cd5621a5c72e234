/*
 * server-config.c — parsing oxibase.conf and matching the authentication
 * rules (see server-config.h).
 *
 * NOTE: an IPv4 client reaching an IPv6 listener appears as ::ffff:a.b.c.d;
 * rules are matched against the plain IPv4 address then, so that
 * "127.0.0.1/32" means what it says whatever the server listens on.
 * NOTE: relative tls_cert / tls_key paths are taken relative to the
 * directory of the configuration file, not the working directory.
 */
#define G_LOG_DOMAIN "oxibase-server"

#include "server-config.h"
#include "oxibase.h"

#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (oxibase-server-config-error, ox_server_config_error)

static void
rule_free (OxHbaRule *r)
{
	g_strfreev (r->databases);
	g_strfreev (r->users);
	g_clear_object (&r->address);
	g_free (r);
}

OxServerConfig *
ox_server_config_new (void)
{
	OxServerConfig *c = g_new0 (OxServerConfig, 1);
	c->refs = 1;
	c->listen = g_strdup ("127.0.0.1");
	c->pg_port = 5433;
	c->http_port = -1;
	c->dap_port = -1;
	c->max_connections = 100;
	c->log_level = g_strdup ("log");
	c->log_min_duration_statement_ms = -1;
	c->http_session_idle_timeout_ms = 600000;
	c->shutdown_grace_ms = 5000;
	c->auth_failure_delay_ms = 1000;
	c->hba = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
	return c;
}

OxServerConfig *
ox_server_config_ref (OxServerConfig *c)
{
	g_atomic_int_inc (&c->refs);
	return c;
}

void
ox_server_config_unref (OxServerConfig *c)
{
	if (!c || !g_atomic_int_dec_and_test (&c->refs))
		return;
	g_free (c->path);
	g_free (c->listen);
	g_free (c->tls_cert);
	g_free (c->tls_key);
	g_free (c->log_level);
	g_ptr_array_unref (c->hba);
	g_free (c);
}

int
ox_log_level_rank (const char *level)
{
	static const char *const names[] = { "debug", "log", "warning", "error", "fatal" };
	for (int i = 0; i < 5; i++)
		if (!g_ascii_strcasecmp (level, names[i]))
			return i;
	return -1;
}

const char *
ox_auth_method_name (OxAuthMethod m)
{
	switch (m) {
	case OX_AUTH_TRUST: return "trust";
	case OX_AUTH_SCRAM: return "scram-sha-256";
	case OX_AUTH_REJECT: return "reject";
	}
	return "?";
}

static gboolean G_GNUC_PRINTF (4, 5)
fail (GError **error, const char *origin, int line, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	g_autofree char *m = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	g_set_error (error, OX_SERVER_CONFIG_ERROR, 0, "%s:%d: %s", origin, line, m);
	return FALSE;
}

static gboolean
parse_int (const char *v, int min, int max, int *out)
{
	char *end = NULL;
	gint64 n = g_ascii_strtoll (v, &end, 10);
	if (!end || end == v || *end || n < min || n > max)
		return FALSE;
	*out = (int) n;
	return TRUE;
}

static char **
name_list (const char *field)
{
	if (!strcmp (field, "all"))
		return NULL;
	return g_strsplit (field, ",", -1);
}

static gboolean
parse_rule (OxServerConfig *c, const char *v, const char *origin, int line, GError **error)
{
	g_auto (GStrv) f = g_strsplit_set (v, " \t", -1);
	const char *w[5];
	int n = 0;
	for (char **p = f; *p; p++) {
		if (!**p)
			continue;
		if (n == 5)
			return fail (error, origin, line, "hba rule has more than 5 fields: %s", v);
		w[n++] = *p;
	}
	if (n != 5)
		return fail (error, origin, line, "hba rule needs 5 fields (TYPE DATABASE USER ADDRESS METHOD): %s", v);
	OxHbaRule *r = g_new0 (OxHbaRule, 1);
	r->line = line;
	if (!strcmp (w[0], "host"))
		r->type = OX_HBA_HOST;
	else if (!strcmp (w[0], "hostssl"))
		r->type = OX_HBA_HOSTSSL;
	else if (!strcmp (w[0], "hostnossl"))
		r->type = OX_HBA_HOSTNOSSL;
	else {
		rule_free (r);
		return fail (error, origin, line, "invalid connection type \"%s\" (host, hostssl or hostnossl)", w[0]);
	}
	r->databases = name_list (w[1]);
	r->users = name_list (w[2]);
	if (strcmp (w[3], "all")) {
		g_autoptr (GError) e = NULL;
		r->address = g_inet_address_mask_new_from_string (w[3], &e);
		if (!r->address) {
			rule_free (r);
			return fail (error, origin, line, "invalid address \"%s\" (an IP address, CIDR, or all)", w[3]);
		}
	}
	if (!strcmp (w[4], "trust"))
		r->method = OX_AUTH_TRUST;
	else if (!strcmp (w[4], "scram-sha-256"))
		r->method = OX_AUTH_SCRAM;
	else if (!strcmp (w[4], "reject"))
		r->method = OX_AUTH_REJECT;
	else {
		rule_free (r);
		return fail (error, origin, line, "invalid authentication method \"%s\" (scram-sha-256, trust or reject)",
		             w[4]);
	}
	g_ptr_array_add (c->hba, r);
	return TRUE;
}

static char *
file_path (const char *origin, const char *v)
{
	if (g_path_is_absolute (v) || !origin || !strchr (origin, '/'))
		return g_strdup (v);
	g_autofree char *dir = g_path_get_dirname (origin);
	return g_build_filename (dir, v, NULL);
}

gboolean
ox_server_config_parse (OxServerConfig *c, const char *text, const char *origin, GError **error)
{
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	int lineno = 0, tls_line = 0;
	for (char **lp = lines; *lp; lp++) {
		lineno++;
		g_autofree char *l = g_strdup (*lp);
		char *hash = strchr (l, '#');
		/* a '#' inside quotes is part of the value */
		char *q = strchr (l, '\'');
		if (hash && (!q || hash < q))
			*hash = '\0';
		g_strstrip (l);
		if (!*l)
			continue;
		char *eq = strchr (l, '=');
		if (!eq)
			return fail (error, origin, lineno, "expected \"key = value\": %s", l);
		*eq = '\0';
		char *key = g_strstrip (l);
		char *val = g_strstrip (eq + 1);
		size_t vl = strlen (val);
		if (vl >= 2 && val[0] == '\'' && val[vl - 1] == '\'') {
			val[vl - 1] = '\0';
			val++;
		}
		if (!strcmp (key, "hba")) {
			if (!parse_rule (c, val, origin, lineno, error))
				return FALSE;
		} else if (!strcmp (key, "listen")) {
			g_autoptr (GInetAddress) ia = g_inet_address_new_from_string (val);
			if (!ia)
				return fail (error, origin, lineno, "invalid listen address \"%s\" (an IPv4 or IPv6 address)", val);
			g_free (c->listen);
			c->listen = g_strdup (val);
			c->set_keys |= OX_CONF_LISTEN;
		} else if (!strcmp (key, "pg_port") || !strcmp (key, "http_port") || !strcmp (key, "dap_port")) {
			int *dst = key[0] == 'p' ? &c->pg_port : key[0] == 'h' ? &c->http_port : &c->dap_port;
			if (!parse_int (val, 0, 65535, dst))
				return fail (error, origin, lineno, "invalid %s \"%s\" (0 to 65535)", key, val);
			c->set_keys |= key[0] == 'p' ? OX_CONF_PG_PORT : key[0] == 'h' ? OX_CONF_HTTP_PORT : OX_CONF_DAP_PORT;
		} else if (!strcmp (key, "tls_cert") || !strcmp (key, "tls_key")) {
			char **dst = !strcmp (key, "tls_cert") ? &c->tls_cert : &c->tls_key;
			g_free (*dst);
			*dst = *val ? file_path (origin, val) : NULL;
			c->set_keys |= !strcmp (key, "tls_cert") ? OX_CONF_TLS_CERT : OX_CONF_TLS_KEY;
			tls_line = lineno;
		} else if (!strcmp (key, "max_connections")) {
			if (!parse_int (val, 1, 10000, &c->max_connections))
				return fail (error, origin, lineno, "invalid max_connections \"%s\" (1 to 10000)", val);
			c->set_keys |= OX_CONF_MAX_CONNECTIONS;
		} else if (!strcmp (key, "statement_timeout") || !strcmp (key, "idle_in_transaction_session_timeout")) {
			gint64 ms = ox_parse_duration_ms (val);
			if (ms < 0)
				return fail (error, origin, lineno, "invalid %s \"%s\" (a duration: 500, 500ms, 2s, 1min, 1h)",
				             key, val);
			if (key[0] == 's') {
				c->statement_timeout_ms = ms;
				c->set_keys |= OX_CONF_STATEMENT_TIMEOUT;
			} else {
				c->idle_in_transaction_session_timeout_ms = ms;
				c->set_keys |= OX_CONF_IDLE_TIMEOUT;
			}
		} else if (!strcmp (key, "http_session_idle_timeout")) {
			gint64 ms = ox_parse_duration_ms (val);
			if (ms < 0)
				return fail (error, origin, lineno, "invalid %s \"%s\" (a duration: 0 for never, 30s, 10min)",
				             key, val);
			c->http_session_idle_timeout_ms = ms;
			c->set_keys |= OX_CONF_HTTP_SESSION_IDLE;
		} else if (!strcmp (key, "log_min_duration_statement")) {
			/* as PostgreSQL's: -1 off, 0 every statement, else a duration */
			gint64 ms = !strcmp (val, "-1") ? -1 : ox_parse_duration_ms (val);
			if (ms < -1 || (ms == -1 && strcmp (val, "-1")))
				return fail (error, origin, lineno, "invalid %s \"%s\" (-1 for off, or a duration: 0, 250ms, 2s)",
				             key, val);
			c->log_min_duration_statement_ms = ms;
			c->set_keys |= OX_CONF_LOG_MIN_DURATION;
		} else if (!strcmp (key, "log_level")) {
			if (ox_log_level_rank (val) < 0)
				return fail (error, origin, lineno, "invalid log_level \"%s\" (debug, log, warning, error, fatal)",
				             val);
			g_free (c->log_level);
			c->log_level = g_ascii_strdown (val, -1);
			c->set_keys |= OX_CONF_LOG_LEVEL;
		} else if (!strcmp (key, "shutdown_grace_ms") || !strcmp (key, "auth_failure_delay_ms")) {
			int *dst = key[0] == 's' ? &c->shutdown_grace_ms : &c->auth_failure_delay_ms;
			if (!parse_int (val, 0, 3600000, dst))
				return fail (error, origin, lineno, "invalid %s \"%s\" (0 to 3600000)", key, val);
			c->set_keys |= key[0] == 's' ? OX_CONF_SHUTDOWN_GRACE : OX_CONF_AUTH_DELAY;
		} else
			return fail (error, origin, lineno, "unknown configuration key \"%s\"", key);
	}
	if ((c->tls_cert == NULL) != (c->tls_key == NULL))
		return fail (error, origin, tls_line, "tls_cert and tls_key must be set together");
	return TRUE;
}

OxServerConfig *
ox_server_config_load (const char *path, GError **error)
{
	g_autofree char *text = NULL;
	if (!g_file_get_contents (path, &text, NULL, error))
		return NULL;
	OxServerConfig *c = ox_server_config_new ();
	c->path = g_strdup (path);
	if (!ox_server_config_parse (c, text, path, error)) {
		ox_server_config_unref (c);
		return NULL;
	}
	return c;
}

static gboolean
name_in (char **list, const char *name)
{
	if (!list)
		return TRUE;
	for (char **p = list; *p; p++)
		if (!strcmp (*p, name))
			return TRUE;
	return FALSE;
}

/* 127.0.0.1 for ::ffff:127.0.0.1, else addr itself (a new reference). */
static GInetAddress *
unmapped (GInetAddress *addr)
{
	if (g_inet_address_get_family (addr) == G_SOCKET_FAMILY_IPV6) {
		const guint8 *b = g_inet_address_to_bytes (addr);
		static const guint8 prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (!memcmp (b, prefix, 12))
			return g_inet_address_new_from_bytes (b + 12, G_SOCKET_FAMILY_IPV4);
	}
	return g_object_ref (addr);
}

static gboolean
address_matches (GInetAddressMask *mask, GInetAddress *addr)
{
	if (!mask)
		return TRUE;
	if (!addr)
		return FALSE;
	g_autoptr (GInetAddress) a = unmapped (addr);
	return g_inet_address_get_family (a) == g_inet_address_mask_get_family (mask) &&
	       g_inet_address_mask_matches (mask, a);
}

const OxHbaRule *
ox_server_config_match (const OxServerConfig *c, gboolean ssl, const char *database, const char *user,
                        GInetAddress *addr)
{
	static OxHbaRule loopback_v4, loopback_v6;
	static gsize once;
	if (g_once_init_enter (&once)) {
		loopback_v4.address = g_inet_address_mask_new_from_string ("127.0.0.1/32", NULL);
		loopback_v6.address = g_inet_address_mask_new_from_string ("::1/128", NULL);
		loopback_v4.method = loopback_v6.method = OX_AUTH_TRUST;
		g_once_init_leave (&once, 1);
	}
	if (c->hba->len == 0) {
		/* no rules at all: trust on loopback, as before rules existed */
		if (address_matches (loopback_v4.address, addr))
			return &loopback_v4;
		if (address_matches (loopback_v6.address, addr))
			return &loopback_v6;
		return NULL;
	}
	for (guint i = 0; i < c->hba->len; i++) {
		const OxHbaRule *r = g_ptr_array_index (c->hba, i);
		if ((r->type == OX_HBA_HOSTSSL && !ssl) || (r->type == OX_HBA_HOSTNOSSL && ssl))
			continue;
		if (!name_in (r->databases, database) || !name_in (r->users, user))
			continue;
		if (!address_matches (r->address, addr))
			continue;
		return r;
	}
	return NULL;
}

char *
ox_server_config_default_text (const char *superuser, gboolean with_password)
{
	const char *method = with_password ? "scram-sha-256" : "trust";
	return g_strdup_printf (
		"# oxibase.conf — written by oxibase-server init; see docs/server.md.\n"
		"# key = value; command-line flags override; SIGHUP reloads (ports need a restart).\n"
		"listen = 127.0.0.1\n"
		"pg_port = 5433\n"
		"# http_port = 8433\n"
		"# dap_port = 4711\n"
		"# tls_cert = server.crt\n"
		"# tls_key = server.key\n"
		"max_connections = 100\n"
		"statement_timeout = 0\n"
		"idle_in_transaction_session_timeout = 0\n"
		"# persistent HTTP sessions (POST /api/sessions) idle this long are closed (0: never)\n"
		"http_session_idle_timeout = 10min\n"
		"log_level = log\n"
		"# statements that run at least this long are logged (-1: none)\n"
		"log_min_duration_statement = -1\n"
		"shutdown_grace_ms = 5000\n"
		"\n"
		"# Authentication rules, first match wins:\n"
		"#   hba = TYPE DATABASE USER ADDRESS METHOD\n"
		"# TYPE host | hostssl | hostnossl; DATABASE and USER all or names (a,b);\n"
		"# ADDRESS all or an address with an optional /prefix; METHOD\n"
		"# scram-sha-256 | trust | reject.  The superuser is \"%s\"%s.\n"
		"hba = host all all 127.0.0.1/32 %s\n"
		"hba = host all all ::1/128 %s\n",
		superuser, with_password ? " (password from --password-file)" : ", without a password: only trust lets it in",
		method, method);
}

/*
 * server-config.h — oxibase-server's configuration: DIR/oxibase.conf (or
 * --config FILE), `key = value` lines, with the authentication rules as
 * `hba = TYPE DATABASE USER ADDRESS METHOD` lines (PostgreSQL's
 * pg_hba.conf, one rule per line, first match wins).
 *
 * A loaded configuration is immutable and reference-counted: a reload
 * (SIGHUP) builds a new one and swaps it in, and a connection keeps the
 * one it started with.
 *
 * What can go wrong: any unknown key, malformed value or rule is an error
 * naming the file and line; the caller refuses to start, or on reload
 * keeps the old configuration and logs why.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
	OX_HBA_HOST,       /* TCP, with or without TLS */
	OX_HBA_HOSTSSL,    /* TCP over TLS only */
	OX_HBA_HOSTNOSSL,  /* TCP without TLS only */
} OxHbaType;

typedef enum {
	OX_AUTH_TRUST,
	OX_AUTH_SCRAM,     /* scram-sha-256 */
	OX_AUTH_REJECT,
} OxAuthMethod;

typedef struct {
	OxHbaType         type;
	char            **databases;  /* NULL = all */
	char            **users;      /* NULL = all */
	GInetAddressMask *address;    /* NULL = all */
	OxAuthMethod      method;
	int               line;       /* in the file, for logs */
} OxHbaRule;

typedef struct {
	gint       refs;
	char      *path;                 /* the file it came from, or NULL (defaults) */
	char      *listen;               /* address to bind */
	int        pg_port;              /* 0..65535 (0: any free port) */
	int        http_port;            /* -1: not set (the server uses 8433) */
	int        dap_port;             /* -1: not set */
	char      *tls_cert;             /* PEM files (absolute paths), or NULL */
	char      *tls_key;
	int        max_connections;      /* >= 1 */
	gint64     statement_timeout_ms; /* 0 = none */
	gint64     idle_in_transaction_session_timeout_ms; /* 0 = none */
	gint64     log_min_duration_statement_ms; /* log statements that ran this long; -1 = off */
	gint64     http_session_idle_timeout_ms;  /* idle persistent HTTP sessions close; 0 = never */
	char      *log_level;            /* debug | log | warning | error | fatal */
	int        shutdown_grace_ms;
	int        auth_failure_delay_ms;/* how long a failed login waits before its answer */
	GPtrArray *hba;                  /* OxHbaRule*, in file order */
	guint      set_keys;             /* bit per key set in the file (flags override) */
} OxServerConfig;

/* Keys as bits of set_keys. */
enum {
	OX_CONF_LISTEN = 1 << 0, OX_CONF_PG_PORT = 1 << 1, OX_CONF_HTTP_PORT = 1 << 2, OX_CONF_DAP_PORT = 1 << 3,
	OX_CONF_TLS_CERT = 1 << 4, OX_CONF_TLS_KEY = 1 << 5, OX_CONF_MAX_CONNECTIONS = 1 << 6,
	OX_CONF_STATEMENT_TIMEOUT = 1 << 7, OX_CONF_IDLE_TIMEOUT = 1 << 8, OX_CONF_LOG_LEVEL = 1 << 9,
	OX_CONF_SHUTDOWN_GRACE = 1 << 10, OX_CONF_AUTH_DELAY = 1 << 11, OX_CONF_LOG_MIN_DURATION = 1 << 12,
	OX_CONF_HTTP_SESSION_IDLE = 1 << 13,
};

#define OX_SERVER_CONFIG_ERROR (ox_server_config_error_quark ())
GQuark ox_server_config_error_quark (void);

/* Defaults: listen 127.0.0.1, pg_port 5433, no HTTP/DAP port, 100
 * connections, no timeouts, log level "log", 5000 ms grace, 1000 ms
 * failure delay, and — when there are no hba lines — trust for 127.0.0.1
 * and ::1 only. */
OxServerConfig *ox_server_config_new (void);
/* Parse text (origin names it in errors).  FALSE with error (file:line:
 * what) on the first bad line. */
gboolean        ox_server_config_parse (OxServerConfig *cfg, const char *text, const char *origin, GError **error);
/* Read and parse a file; NULL with error when missing or bad. */
OxServerConfig *ox_server_config_load (const char *path, GError **error);
OxServerConfig *ox_server_config_ref (OxServerConfig *cfg);
void            ox_server_config_unref (OxServerConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OxServerConfig, ox_server_config_unref)

/* The first rule matching a connection, or NULL. */
const OxHbaRule *ox_server_config_match (const OxServerConfig *cfg, gboolean ssl, const char *database,
                                         const char *user, GInetAddress *addr);
const char      *ox_auth_method_name (OxAuthMethod m);
/* Rank of a log level name (debug 0 .. fatal 4), -1 when unknown. */
int              ox_log_level_rank (const char *level);

/* The text `oxibase-server init` writes into DIR/oxibase.conf. */
char            *ox_server_config_default_text (const char *superuser, gboolean with_password);

G_END_DECLS

/*
 * server-observe.c — the engine's observation hooks over the server's
 * session registry (see server-observe.h).
 *
 * NOTE: a session stopped in the debugger is, to PostgreSQL's eyes, a
 * backend in the middle of a statement that waits for something outside
 * the database: state "active", wait_event_type "Extension" (the type
 * PostgreSQL gives waits that extensions define, as its own debugger
 * extension is one) and wait_event "DebuggerPaused".  /api/sessions keeps
 * its own spelling, "paused in debugger".
 */
#include "server-observe.h"
#include "pgwire/pg-server.h"

#include <string.h>

struct _OxServerObserve {
	OxSessionRegistry *registry;  /* not owned */
	OxDebugHub        *hub;       /* not owned; may be NULL */
};

OxServerObserve *
ox_server_observe_new (OxSessionRegistry *registry, OxDebugHub *hub)
{
	g_return_val_if_fail (registry != NULL, NULL);
	OxServerObserve *o = g_new0 (OxServerObserve, 1);
	o->registry = registry;
	o->hub = hub;
	return o;
}

void
ox_server_observe_free (OxServerObserve *o)
{
	g_free (o);
}

char *
ox_server_observe_split_addr (const char *peer, int *port)
{
	*port = -1;
	if (!peer || !*peer)
		return NULL;
	const char *colon = strrchr (peer, ':');
	const char *end = peer + strlen (peer);
	if (peer[0] == '[') {
		const char *close = strchr (peer, ']');
		if (close) {
			if (close[1] == ':')
				*port = atoi (close + 2);
			return g_strndup (peer + 1, (gsize) (close - peer - 1));
		}
	}
	/* one colon: "host:port"; more: an IPv6 address without a port */
	if (colon && strchr (peer, ':') == colon) {
		*port = atoi (colon + 1);
		end = colon;
	}
	return g_strndup (peer, (gsize) (end - peer));
}

static OxSessionState
state_of (OxServerObserve *o, const OxSessionInfo *s)
{
	if (o->hub && s->id > 0 && ox_debug_hub_is_stopped (o->hub, (guint64) s->id))
		return OX_SESSION_PAUSED;
	return s->state;
}

static void
list_cb (void *user, OxActivityAdd add, void *list)
{
	OxServerObserve *o = user;
	g_autoptr (GPtrArray) sessions = ox_session_registry_list (o->registry);
	for (guint i = 0; i < sessions->len; i++) {
		OxSessionInfo *s = sessions->pdata[i];
		int port;
		g_autofree char *addr = ox_server_observe_split_addr (s->client_addr, &port);
		OxSessionState st = state_of (o, s);
		OxActivity a = {
			.pid = s->id,
			.usename = s->user,
			.datname = s->database,
			.application_name = s->application_name,
			.client_addr = addr,
			.client_port = port,
			.backend_type = "client backend",
			.state = st == OX_SESSION_PAUSED ? "active" : ox_session_state_name (st),
			.query = s->query,
			.backend_start = s->backend_start,
			.xact_start = s->xact_start,
			.query_start = s->query_start,
			.state_change = s->state_change,
		};
		if (st == OX_SESSION_PAUSED) {
			a.wait_event_type = "Extension";
			a.wait_event = "DebuggerPaused";
		} else if (st != OX_SESSION_ACTIVE) {
			/* an idle backend waits for its client's next message */
			a.wait_event_type = "Client";
			a.wait_event = "ClientRead";
		}
		add (list, &a);
	}
}

static bool
signal_cb (void *user, int32_t pid, bool terminate)
{
	OxServerObserve *o = user;
	/* what POST /api/sessions/{id}/cancel and /terminate do */
	pg_log ("LOG", "%s of session %d requested through SQL", terminate ? "termination" : "cancel", pid);
	return terminate ? ox_session_registry_terminate (o->registry, pid)
	                 : ox_session_registry_cancel (o->registry, pid);
}

static void
metrics_cb (void *user, OxMetricAdd add, void *list)
{
	OxServerObserve *o = user;
	OxMetric m = { "oxibase_connections", "oxibase_connections", "gauge",
		       "Sessions open now: PostgreSQL protocol connections and HTTP requests running.",
		       (double) ox_session_registry_count (o->registry) };
	add (list, &m);
}

static void
log_cb (void *user, const char *level, const char *sqlstate, const char *user_name, const char *database,
        const char *message)
{
	pg_log_print (level, message);
}

static const OxActivityHooks activity_hooks = { list_cb, signal_cb };

void
ox_server_observe_attach (OxServerObserve *o, OxDatabase *db)
{
	ox_db_set_activity_hooks (db, &activity_hooks, o);
	ox_db_set_metrics_hook (db, metrics_cb, o);
	ox_db_set_log_hook (db, log_cb, NULL);
}

void
ox_server_observe_detach (OxServerObserve *o, OxDatabase *db)
{
	(void) o;
	ox_db_set_activity_hooks (db, NULL, NULL);
	ox_db_set_metrics_hook (db, NULL, NULL);
}

/*
 * http-sessions.c — persistent HTTP sessions: an engine session that
 * lives across requests, so SET, temporary tables and an open
 * transaction (BEGIN in one request, COMMIT in the next) last as they do
 * on a PostgreSQL connection.
 *
 *   POST   /api/sessions        creates one, owned by the token's role,
 *                               and answers its id (the registry's, as
 *                               GET /api/sessions and pg_stat_activity
 *                               show it).
 *   POST   /api/sql with the header X-Oxibase-Session: ID runs in it.
 *   DELETE /api/sessions/ID     closes it (an open transaction is rolled
 *                               back).
 *
 * A session serves one request at a time: a second one while the first
 * runs gets 409 (55006).  A token of another role gets 403 (42501); an
 * unknown or closed id 404 (08003).  An idle session is closed after
 * the server's idle timeout (--http-session-idle-timeout), or after
 * idle_in_transaction_session_timeout when a transaction is open (as on
 * pgwire); revoking the token that created it (DELETE /api/auth/token)
 * closes it too.
 *
 * NOTE (threads): the table and each session's busy / closing / idle
 * fields are guarded by srv->lock.  The engine session is touched by the
 * worker that holds it busy, or — once it is out of the table and not
 * busy — by whoever closes it.  Nobody holding srv->lock calls into the
 * registry (its callbacks run under the registry's lock and only cancel
 * or flag).
 * NOTE: the token is kept as its SHA-256 only, to find the sessions a
 * revocation closes.
 */
#define G_LOG_DOMAIN "oxibase-http"

#include "http-private.h"

#include <string.h>

#include "pg-server.h"  /* pg_log */

#define SWEEP_INTERVAL_MS 500

struct _HttpSess {
	gint32         id;           /* in the registry; the API's session id */
	char          *user;         /* the owner role */
	char          *token_sha;    /* SHA-256 of the creating token, hex */
	OxSession     *s;            /* the engine session (see NOTE (threads)) */
	OxDebugTarget *target;       /* remote debugging, or NULL */
	gint           terminated;   /* atomic: /api/sessions/ID/terminate asked */
	/* under srv->lock */
	gboolean       busy;         /* a request runs in it */
	gboolean       closing;      /* close when the running request ends */
	gint64         idle_since;   /* monotonic µs the last request ended */
	gint64         idle_limit_ms;/* the timeout that applies while idle; 0: none */
};

static char *
token_sha (const char *token)
{
	return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token ? token : "", -1);
}

/* Registry callbacks: under the registry's lock, only cancel or flag. */
static void
sess_cancel (gpointer data)
{
	HttpSess *ps = data;
	ox_session_cancel (ps->s);
}

static void
sess_terminate (gpointer data)
{
	HttpSess *ps = data;
	g_atomic_int_set (&ps->terminated, 1);
	ox_session_cancel (ps->s);
}

static const OxSessionOps sess_ops = { sess_cancel, sess_terminate };

/* Free a session that is out of the table and not busy: its transaction
 * rolls back with it. */
static void
sess_free (OxHttpServer *srv, HttpSess *ps, const char *why)
{
	ox_session_registry_remove (srv->registry, ps->id);  /* no callback after this */
	if (ps->target)
		ox_debug_hub_unregister (ps->target);
	ox_session_free (ps->s);
	pg_log ("LOG", "http: session %d of user \"%s\" closed (%s)", ps->id, ps->user, why);
	g_free (ps->user);
	g_free (ps->token_sha);
	g_free (ps);
}

/* The idle limit of a session that just went idle, in ms (0: none). */
static gint64
idle_limit (OxHttpServer *srv, HttpSess *ps)
{
	if (ox_session_txn_status (ps->s) != 'I') {
		g_autofree char *v = ox_session_setting (ps->s, "idle_in_transaction_session_timeout");
		gint64 ms = v ? ox_parse_duration_ms (v) : 0;
		if (ms > 0)
			return srv->session_idle_ms > 0 ? MIN (ms, srv->session_idle_ms) : ms;
	}
	return srv->session_idle_ms;
}

static void
report_idle (OxHttpServer *srv, HttpSess *ps)
{
	char st = ox_session_txn_status (ps->s);
	ox_session_registry_set_state (srv->registry, ps->id,
	                               st == 'T' ? OX_SESSION_IDLE_IN_TRANSACTION
	                               : st == 'E' ? OX_SESSION_IDLE_IN_FAILED_TRANSACTION : OX_SESSION_IDLE,
	                               NULL, NULL);
}

/* Main thread: close idle sessions past their limit, and terminated ones. */
static gboolean
sweep_cb (gpointer data)
{
	OxHttpServer *srv = data;
	gint64 now = g_get_monotonic_time ();
	GPtrArray *gone = g_ptr_array_new ();
	GPtrArray *why = g_ptr_array_new ();
	g_mutex_lock (&srv->lock);
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init (&it, srv->sessions);
	while (g_hash_table_iter_next (&it, &k, &v)) {
		HttpSess *ps = v;
		if (ps->busy)
			continue;
		if (g_atomic_int_get (&ps->terminated)) {
			g_ptr_array_add (gone, ps);
			g_ptr_array_add (why, "terminated");
			g_hash_table_iter_steal (&it);
		} else if (ps->idle_limit_ms > 0 && now - ps->idle_since >= ps->idle_limit_ms * 1000) {
			g_ptr_array_add (gone, ps);
			g_ptr_array_add (why, "idle timeout");
			g_hash_table_iter_steal (&it);
		}
	}
	g_mutex_unlock (&srv->lock);
	for (guint i = 0; i < gone->len; i++)
		sess_free (srv, gone->pdata[i], why->pdata[i]);
	g_ptr_array_unref (gone);
	g_ptr_array_unref (why);
	return G_SOURCE_CONTINUE;
}

void
http_sessions_init (OxHttpServer *srv)
{
	srv->sessions = g_hash_table_new (g_direct_hash, g_direct_equal);
	srv->sweep = g_timeout_source_new (SWEEP_INTERVAL_MS);
	g_source_set_callback (srv->sweep, sweep_cb, srv, NULL);
	g_source_attach (srv->sweep, srv->main_ctx);
}

void
http_sessions_free_all (OxHttpServer *srv)
{
	if (srv->sweep) {
		g_source_destroy (srv->sweep);
		g_clear_pointer (&srv->sweep, g_source_unref);
	}
	if (!srv->sessions)
		return;
	GList *all = g_hash_table_get_values (srv->sessions);
	g_hash_table_steal_all (srv->sessions);
	for (GList *l = all; l; l = l->next)
		sess_free (srv, l->data, "server shutdown");
	g_list_free (all);
	g_clear_pointer (&srv->sessions, g_hash_table_unref);
}

gboolean
http_sessions_create (OxHttpServer *srv, const char *user, const char *token, const char *app_name,
                      const char *client_addr, GString *out, guint *status)
{
	OxError err = { 0 };
	OxSession *s = NULL;
	if (ox_session_new (srv->db, &s, &err) != OX_OK || ox_session_set_user (s, user, &err) != OX_OK) {
		/* the role was dropped after the token was issued */
		ox_session_free (s);
		ox_http_json_error (out, err.sqlstate[0] ? err.sqlstate : "XX000", err.message ? err.message : "failed",
		                    NULL, NULL, 0);
		*status = ox_http_status_for_sqlstate (err.sqlstate, OX_HTTP_CTX_SQL);
		ox_error_clear (&err);
		return FALSE;
	}
	if (srv->idle_in_txn_ms > 0) {
		/* the server's default, as a pgwire backend applies it; SET
		 * in the session changes it */
		g_autofree char *sql = g_strdup_printf ("SET idle_in_transaction_session_timeout = %" G_GINT64_FORMAT,
		                                        srv->idle_in_txn_ms);
		OxStmt *st = NULL;
		if (ox_prepare (s, sql, -1, &st, NULL, &err) == OX_OK && st)
			ox_step (st, &err);
		ox_finalize (st);
		ox_error_clear (&err);
	}
	HttpSess *ps = g_new0 (HttpSess, 1);
	ps->s = s;
	ps->user = g_strdup (user);
	ps->token_sha = token_sha (token);
	ps->id = ox_session_registry_add (srv->registry, 0, "http", user, srv->database, app_name, client_addr,
	                                  &sess_ops, ps);
	if (!ps->id) {
		/* no registry (tests of the HTTP server alone): ids of our own */
		static gint next_id = 1;
		ps->id = g_atomic_int_add (&next_id, 1);
	}
	ox_session_set_backend_pid (s, ps->id);
	if (srv->hub) {
		OxDebugTargetInfo info = { (guint64) ps->id, user, app_name, srv->database };
		ps->target = ox_debug_hub_register (srv->hub, s, &info);
	}
	report_idle (srv, ps);
	ps->idle_since = g_get_monotonic_time ();
	ps->idle_limit_ms = idle_limit (srv, ps);
	g_mutex_lock (&srv->lock);
	g_hash_table_insert (srv->sessions, GINT_TO_POINTER (ps->id), ps);
	g_mutex_unlock (&srv->lock);
	pg_log ("LOG", "http: session %d opened for user \"%s\" from %s", ps->id, user, client_addr);
	g_string_append_printf (out, "{\"id\":%d,\"user\":", ps->id);
	ox_http_json_string (out, user);
	g_string_append_printf (out, ",\"idle_timeout_ms\":%" G_GINT64_FORMAT "}", srv->session_idle_ms);
	*status = 201;
	return TRUE;
}

/* Parse "ID"; 0 when it is not a positive int32. */
static gint32
parse_id (const char *text)
{
	char *end = NULL;
	gint64 id = text ? g_ascii_strtoll (text, &end, 10) : 0;
	if (!end || *end || end == text || id <= 0 || id > G_MAXINT32)
		return 0;
	return (gint32) id;
}

HttpSess *
http_sessions_acquire (OxHttpServer *srv, const char *id_text, const char *user, GString *out, guint *status)
{
	gint32 id = parse_id (id_text);
	g_mutex_lock (&srv->lock);
	HttpSess *ps = id ? g_hash_table_lookup (srv->sessions, GINT_TO_POINTER (id)) : NULL;
	if (ps && (ps->closing || g_atomic_int_get (&ps->terminated)))
		ps = NULL;
	if (!ps) {
		g_mutex_unlock (&srv->lock);
		g_autofree char *m = g_strdup_printf ("no HTTP session with id \"%s\": it was closed (DELETE, idle "
		                                      "timeout, terminate, logout) or never existed", id_text);
		ox_http_json_error (out, "08003", m, NULL, "Open a new one with POST /api/sessions.", 0);
		*status = 404;
		return NULL;
	}
	if (strcmp (ps->user, user)) {
		g_mutex_unlock (&srv->lock);
		ox_http_json_error (out, "42501", "this HTTP session belongs to another role", NULL,
		                    "Use a token of the role that opened it.", 0);
		*status = 403;
		return NULL;
	}
	if (ps->busy) {
		g_mutex_unlock (&srv->lock);
		ox_http_json_error (out, "55006", "this HTTP session is running another request",
		                    "A session runs one request at a time.",
		                    "Wait for the running request's answer (or cancel it with POST "
		                    "/api/sessions/ID/cancel), then send this one again.", 0);
		*status = 409;
		return NULL;
	}
	ps->busy = TRUE;
	g_mutex_unlock (&srv->lock);
	return ps;
}

OxSession *
http_sess_session (HttpSess *ps)
{
	return ps->s;
}

gint32
http_sess_id (HttpSess *ps)
{
	return ps->id;
}

/* pg_terminate_backend or /api/sessions/ID/terminate reached the session:
 * its running statement reports 57P01, not a plain cancel */
gboolean
http_sess_terminated (HttpSess *ps)
{
	return g_atomic_int_get (&ps->terminated) != 0;
}

OxDebugTarget *
http_sess_target (HttpSess *ps)
{
	return ps->target;
}

void
http_sessions_release (OxHttpServer *srv, HttpSess *ps)
{
	report_idle (srv, ps);
	gint64 limit = idle_limit (srv, ps);
	g_mutex_lock (&srv->lock);
	g_assert (ps->busy);
	ps->busy = FALSE;
	ps->idle_since = g_get_monotonic_time ();
	ps->idle_limit_ms = limit;
	gboolean close = ps->closing;
	g_mutex_unlock (&srv->lock);
	if (close)
		sess_free (srv, ps, "closed after its request");  /* out of the table already */
}

gboolean
http_sessions_close (OxHttpServer *srv, const char *id_text, const char *user, GString *out, guint *status)
{
	gint32 id = parse_id (id_text);
	g_mutex_lock (&srv->lock);
	HttpSess *ps = id ? g_hash_table_lookup (srv->sessions, GINT_TO_POINTER (id)) : NULL;
	if (!ps) {
		g_mutex_unlock (&srv->lock);
		ox_http_json_error (out, "08003", "no such HTTP session", NULL, "GET /api/sessions lists the sessions.", 0);
		*status = 404;
		return FALSE;
	}
	if (strcmp (ps->user, user)) {
		g_mutex_unlock (&srv->lock);
		ox_http_json_error (out, "42501", "this HTTP session belongs to another role", NULL, NULL, 0);
		*status = 403;
		return FALSE;
	}
	g_hash_table_remove (srv->sessions, GINT_TO_POINTER (id));
	gboolean busy = ps->busy;
	if (busy) {
		ps->closing = TRUE;  /* the request's worker frees it */
		ox_session_cancel (ps->s);
	}
	g_mutex_unlock (&srv->lock);
	if (!busy)
		sess_free (srv, ps, "DELETE");
	g_string_append_printf (out, "{\"id\":%d,\"closed\":true}", id);
	*status = 200;
	return TRUE;
}

void
http_sessions_revoke_token (OxHttpServer *srv, const char *token)
{
	g_autofree char *sha = token_sha (token);
	GPtrArray *gone = g_ptr_array_new ();
	g_mutex_lock (&srv->lock);
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init (&it, srv->sessions);
	while (g_hash_table_iter_next (&it, &k, &v)) {
		HttpSess *ps = v;
		if (strcmp (ps->token_sha, sha))
			continue;
		g_hash_table_iter_steal (&it);
		if (ps->busy) {
			ps->closing = TRUE;
			ox_session_cancel (ps->s);
		} else
			g_ptr_array_add (gone, ps);
	}
	g_mutex_unlock (&srv->lock);
	for (guint i = 0; i < gone->len; i++)
		sess_free (srv, gone->pdata[i], "token revoked");
	g_ptr_array_unref (gone);
}

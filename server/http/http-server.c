/*
 * http-server.c — the HTTP API's main-loop side: the SoupServer, routing,
 * bearer-token checks, the body limit, the endpoints that need no engine
 * session (/health, /metrics, /api/sessions, DELETE /api/auth/token), and
 * the hand-over of chunks from workers to libsoup (see http-private.h).
 *
 * NOTE: errors never carry paths, stack traces or internal detail: the
 * engine's messages are PostgreSQL-style user messages, and everything
 * this file says itself is written here.
 *
 * NOTE: the body limit is enforced twice: an early handler refuses a
 * Content-Length over the limit before a byte of the body is read, and a
 * got-chunk handler stops a chunked upload once it passes the limit.
 */
#define G_LOG_DOMAIN "oxibase-http"

#include "http-private.h"

#include <string.h>

#include "pg-server.h"  /* pg_log */

/* ---- requests ------------------------------------------------------------------ */

HttpReq *
http_req_ref (HttpReq *req)
{
	g_atomic_int_inc (&req->refs);
	return req;
}

void
http_req_unref (HttpReq *req)
{
	if (!g_atomic_int_dec_and_test (&req->refs))
		return;
	OxHttpServer *srv = req->srv;
	g_mutex_lock (&srv->lock);
	g_ptr_array_remove_fast (srv->reqs, req);
	g_mutex_unlock (&srv->lock);
	g_assert (req->msg == NULL);
	g_free (req->user);
	g_free (req->client_addr);
	g_free (req->app_name);
	if (req->headers)
		g_ptr_array_unref (req->headers);
	ox_http_login_clear (&req->login);
	ox_http_sql_clear (&req->sql);
	ox_http_rpc_clear (&req->rpc);
	g_strfreev (req->meta);
	if (req->psess)
		http_sessions_release (srv, req->psess);  /* the worker never ran it */
	if (req->out)
		g_string_free (req->out, TRUE);
	if (req->notices)
		g_ptr_array_unref (req->notices);
	g_queue_clear_full (&req->chunks, (GDestroyNotify) g_bytes_unref);
	g_mutex_clear (&req->lock);
	g_cond_clear (&req->cond);
	g_free (req);
	g_atomic_int_dec_and_test (&srv->n_live);
}

/* Main thread: give queued chunks to the message. */
static gboolean
drain_cb (gpointer data)
{
	HttpReq *req = data;
	g_mutex_lock (&req->lock);
	req->drain_queued = FALSE;
	if (req->finished || !req->msg) {
		g_queue_clear_full (&req->chunks, (GDestroyNotify) g_bytes_unref);
		g_cond_broadcast (&req->cond);
		g_mutex_unlock (&req->lock);
		return G_SOURCE_REMOVE;
	}
	SoupServerMessage *msg = req->msg;
	SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);
	SoupMessageBody *body = soup_server_message_get_response_body (msg);
	if (!req->headers_sent) {
		req->headers_sent = TRUE;
		if (req->extra_header)
			soup_message_headers_replace (h, req->extra_header, req->extra_value);
		soup_message_headers_set_content_type (h, "application/json", NULL);
		if (req->streaming) {
			soup_server_message_set_status (msg, 200, NULL);
			soup_message_headers_set_encoding (h, SOUP_ENCODING_CHUNKED);
			soup_message_body_set_accumulate (body, FALSE);
		} else {
			soup_server_message_set_status (msg, req->status, NULL);
		}
	}
	GBytes *b;
	while ((b = g_queue_pop_head (&req->chunks))) {
		if (g_bytes_get_size (b) > 0) {
			soup_message_body_append_bytes (body, b);
			if (req->streaming)
				req->in_flight++;
		}
		g_bytes_unref (b);
	}
	gboolean final = req->final;
	if (final) {
		soup_message_body_complete (body);
		if (req->timeout) {
			g_source_destroy (req->timeout);
			g_clear_pointer (&req->timeout, g_source_unref);
		}
	}
	g_mutex_unlock (&req->lock);
	soup_server_message_unpause (msg);
	return G_SOURCE_REMOVE;
}

/* Worker: queue req->out (under req->lock) and make sure a drain runs. */
static void
queue_out_locked (HttpReq *req)
{
	if (req->out->len > 0) {
		gsize len = req->out->len;
		g_queue_push_tail (&req->chunks, g_bytes_new_take (g_string_free (req->out, FALSE), len));
		req->out = g_string_sized_new (HTTP_FLUSH_AT + 1024);
	}
	if (!req->drain_queued) {
		req->drain_queued = TRUE;
		g_main_context_invoke_full (req->srv->main_ctx, G_PRIORITY_DEFAULT, drain_cb, http_req_ref (req),
		                            (GDestroyNotify) http_req_unref);
	}
}

gboolean
http_req_flush (HttpReq *req)
{
	g_mutex_lock (&req->lock);
	if (req->finished) {
		g_mutex_unlock (&req->lock);
		return FALSE;
	}
	req->streaming = TRUE;
	queue_out_locked (req);
	/* back-pressure: a slow reader holds the worker here, not memory */
	while (!req->finished && req->in_flight + g_queue_get_length (&req->chunks) > HTTP_MAX_IN_FLIGHT)
		g_cond_wait (&req->cond, &req->lock);
	gboolean ok = !req->finished;
	g_mutex_unlock (&req->lock);
	return ok;
}

void
http_req_end (HttpReq *req, guint status)
{
	g_mutex_lock (&req->lock);
	if (!req->streaming)
		req->status = status;
	req->final = TRUE;
	queue_out_locked (req);
	g_mutex_unlock (&req->lock);
}

gboolean
http_req_stopped (HttpReq *req)
{
	g_mutex_lock (&req->lock);
	gboolean r = req->finished || req->timed_out || req->terminated;
	g_mutex_unlock (&req->lock);
	return r;
}

static void
wrote_chunk_cb (SoupServerMessage *msg, gpointer data)
{
	HttpReq *req = data;
	g_mutex_lock (&req->lock);
	if (req->in_flight > 0)
		req->in_flight--;
	g_cond_broadcast (&req->cond);
	g_mutex_unlock (&req->lock);
}

/* The response is written, or the client is gone: the worker must stop
 * writing, and a statement still running for it is cancelled. */
static void
finished_cb (SoupServerMessage *msg, gpointer data)
{
	HttpReq *req = data;
	g_signal_handlers_disconnect_by_data (msg, req);
	g_mutex_lock (&req->lock);
	req->finished = TRUE;
	if (req->session)
		ox_session_cancel (req->session);
	if (req->timeout) {
		g_source_destroy (req->timeout);
		g_clear_pointer (&req->timeout, g_source_unref);
	}
	g_cond_broadcast (&req->cond);
	g_mutex_unlock (&req->lock);
	g_clear_object (&req->msg);
	http_req_unref (req);  /* the message's reference */
}

static gboolean
timeout_cb (gpointer data)
{
	HttpReq *req = data;
	g_mutex_lock (&req->lock);
	if (req->target && ox_debug_target_is_debugged (req->target)) {
		/* a request under a debugger is not timed out: its stops have
		 * their own bound (max_pause) */
		g_mutex_unlock (&req->lock);
		return G_SOURCE_CONTINUE;
	}
	req->timed_out = TRUE;
	if (req->session)
		ox_session_cancel (req->session);
	g_mutex_unlock (&req->lock);
	return G_SOURCE_REMOVE;
}

/* ---- responses from the main thread -------------------------------------------- */

static void
respond (SoupServerMessage *msg, guint status, GString *body)
{
	SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);
	soup_message_headers_set_content_type (h, "application/json", NULL);
	soup_server_message_set_status (msg, status, NULL);
	gsize len = body->len;
	soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, g_string_free (body, FALSE), len);
}

static void
respond_error (SoupServerMessage *msg, guint status, const char *sqlstate, const char *message, const char *hint)
{
	GString *b = g_string_new (NULL);
	ox_http_json_error (b, sqlstate, message, NULL, hint, 0);
	respond (msg, status, b);
}

static void
respond_unauthorized (SoupServerMessage *msg, gboolean had_token)
{
	soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
	                              had_token ? "Bearer error=\"invalid_token\"" : "Bearer");
	respond_error (msg, 401, "28000",
	               had_token ? "the bearer token is invalid, expired or revoked"
	                         : "authentication required: send Authorization: Bearer TOKEN",
	               "Get a token with POST /api/auth/login {\"user\": ..., \"password\": ...}.");
}

/* ---- /health, /metrics, /api/sessions, DELETE /api/auth/token --------------------- */

static void
handle_health (OxHttpServer *srv, SoupServerMessage *msg)
{
	GString *b = g_string_new ("{\"status\":\"ok\",\"version\":");
	ox_http_json_string (b, ox_version ());
	g_string_append_c (b, '}');
	respond (msg, 200, b);
}

/* the numbers system.metrics shows too: one list (ox_db_metrics) for both */
static void
handle_metrics (OxHttpServer *srv, SoupServerMessage *msg)
{
	char *text = ox_db_metrics_text (srv->db);
	soup_server_message_set_status (msg, 200, NULL);
	soup_server_message_set_response (msg, "text/plain; version=0.0.4; charset=utf-8", SOUP_MEMORY_TAKE, text,
	                                  strlen (text));
}

static void
handle_sessions_list (OxHttpServer *srv, SoupServerMessage *msg)
{
	g_autoptr (GPtrArray) list = ox_session_registry_list (srv->registry);
	GString *b = g_string_new ("{\"sessions\":[");
	for (guint i = 0; i < list->len; i++) {
		OxSessionInfo *s = list->pdata[i];
		g_string_append_printf (b, "%s{\"id\":%d,\"protocol\":", i ? "," : "", s->id);
		ox_http_json_string (b, s->protocol);
		g_string_append (b, ",\"user\":");
		ox_http_json_string (b, s->user);
		g_string_append (b, ",\"database\":");
		ox_http_json_string (b, s->database);
		g_string_append (b, ",\"application_name\":");
		ox_http_json_string (b, s->application_name);
		g_string_append (b, ",\"client_addr\":");
		ox_http_json_string (b, s->client_addr);
		g_string_append (b, ",\"state\":");
		gboolean paused = srv->hub && s->id > 0 && ox_debug_hub_is_stopped (srv->hub, (guint64) s->id);
		ox_http_json_string (b, ox_session_state_name (paused ? OX_SESSION_PAUSED : s->state));
		g_string_append (b, ",\"query\":");
		if (s->query)
			ox_http_json_string (b, s->query);
		else
			g_string_append (b, "null");
		g_string_append (b, ",\"query_start\":");
		ox_http_json_time (b, s->query_start);
		g_string_append (b, ",\"backend_start\":");
		ox_http_json_time (b, s->backend_start);
		g_string_append_c (b, '}');
	}
	g_string_append (b, "]}");
	respond (msg, 200, b);
}

static void
handle_session_action (OxHttpServer *srv, SoupServerMessage *msg, const char *id_text, const char *action)
{
	char *end = NULL;
	gint64 id = g_ascii_strtoll (id_text, &end, 10);
	if (!end || *end || end == id_text || id <= 0 || id > G_MAXINT32) {
		respond_error (msg, 404, "42704", "no such session", NULL);
		return;
	}
	gboolean terminate = !strcmp (action, "terminate");
	gboolean ok = terminate ? ox_session_registry_terminate (srv->registry, (gint32) id)
	                        : ox_session_registry_cancel (srv->registry, (gint32) id);
	if (!ok) {
		g_autofree char *m = g_strdup_printf ("no session with id %" G_GINT64_FORMAT, id);
		respond_error (msg, 404, "42704", m, "GET /api/sessions lists the sessions.");
		return;
	}
	pg_log ("LOG", "http: %s of session %" G_GINT64_FORMAT " requested", terminate ? "termination" : "cancel", id);
	GString *b = g_string_new (NULL);
	g_string_append_printf (b, "{\"id\":%" G_GINT64_FORMAT ",\"%s\":true}", id, terminate ? "terminated" : "cancelled");
	respond (msg, 200, b);
}

/* ---- routing ------------------------------------------------------------------- */

static char *
bearer_token (SoupServerMessage *msg, gboolean *present)
{
	const char *a = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
	*present = a != NULL;
	if (!a || g_ascii_strncasecmp (a, "Bearer ", 7) != 0)
		return NULL;
	a += 7;
	while (*a == ' ')
		a++;
	return g_strstrip (g_strdup (a));
}

static char *
client_address (SoupServerMessage *msg)
{
	GSocketAddress *sa = soup_server_message_get_remote_address (msg);
	if (!G_IS_INET_SOCKET_ADDRESS (sa))
		return g_strdup ("[local]");
	g_autofree char *ip = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (sa)));
	return g_strdup_printf ("%s:%u", ip, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (sa)));
}

static void
collect_header (const char *name, const char *value, gpointer data)
{
	GPtrArray *a = data;
	if (!g_ascii_strcasecmp (name, "Authorization") || !g_ascii_strcasecmp (name, "Cookie"))
		return;  /* credentials never become visible to SQL */
	g_ptr_array_add (a, g_ascii_strdown (name, -1));
	g_ptr_array_add (a, g_strdup (value));
}

/* Queue a job; the message stays paused until the worker is done. */
static void
start_job (OxHttpServer *srv, SoupServerMessage *msg, HttpReq *req)
{
	req->srv = srv;
	req->refs = 2;  /* the worker's and the message's */
	req->msg = g_object_ref (msg);
	req->out = g_string_sized_new (HTTP_FLUSH_AT + 1024);
	g_mutex_init (&req->lock);
	g_cond_init (&req->cond);
	g_queue_init (&req->chunks);
	req->client_addr = client_address (msg);
	const char *app = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
	                                                "X-Application-Name");
	req->app_name = g_strdup (app && *app ? app : "http");
	req->headers = g_ptr_array_new_with_free_func (g_free);
	soup_message_headers_foreach (soup_server_message_get_request_headers (msg), collect_header, req->headers);
	g_atomic_int_inc (&srv->n_live);
	g_mutex_lock (&srv->lock);
	g_ptr_array_add (srv->reqs, req);
	g_mutex_unlock (&srv->lock);

	soup_server_message_pause (msg);
	g_signal_connect (msg, "finished", G_CALLBACK (finished_cb), req);
	g_signal_connect (msg, "wrote-chunk", G_CALLBACK (wrote_chunk_cb), req);
	if (req->kind != HTTP_JOB_LOGIN) {
		req->timeout = g_timeout_source_new (srv->request_timeout_ms);
		g_source_set_callback (req->timeout, timeout_cb, http_req_ref (req), (GDestroyNotify) http_req_unref);
		g_source_attach (req->timeout, srv->main_ctx);
	}
	g_thread_pool_push (srv->pool, req, NULL);
}

static gboolean
method_is (SoupServerMessage *msg, const char *method, const char *allow)
{
	if (!strcmp (soup_server_message_get_method (msg), method))
		return TRUE;
	soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allow);
	g_autofree char *m = g_strdup_printf ("method %s is not allowed here (use %s)",
	                                      soup_server_message_get_method (msg), allow);
	respond_error (msg, 405, "0A000", m, NULL);
	return FALSE;
}

static GBytes *
request_body (SoupServerMessage *msg)
{
	return soup_message_body_flatten (soup_server_message_get_request_body (msg));
}

static void
server_cb (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
	OxHttpServer *srv = data;

	if (!strcmp (path, "/health")) {
		if (method_is (msg, "GET", "GET"))
			handle_health (srv, msg);
		return;
	}
	if (!srv->accepting) {
		respond_error (msg, 503, "57P03", "the database system is shutting down", NULL);
		return;
	}
	if (!strcmp (path, "/api/auth/login")) {
		if (!method_is (msg, "POST", "POST"))
			return;
		g_autoptr (GBytes) body = request_body (msg);
		HttpReq *req = g_new0 (HttpReq, 1);
		req->kind = HTTP_JOB_LOGIN;
		g_autoptr (GError) error = NULL;
		gsize len;
		const char *data_ = g_bytes_get_data (body, &len);
		if (!ox_http_decode_login (data_, len, &req->login, &error)) {
			g_free (req);
			respond_error (msg, 400, "22P02", error->message, NULL);
			return;
		}
		start_job (srv, msg, req);
		return;
	}

	/* everything below needs a token */
	gboolean had_auth;
	g_autofree char *token = bearer_token (msg, &had_auth);
	g_autofree char *user = NULL;
	if (!token || !ox_http_tokens_check (srv->tokens, token, &user)) {
		respond_unauthorized (msg, had_auth);
		return;
	}

	if (!strcmp (path, "/api/auth/token")) {
		if (method_is (msg, "DELETE", "DELETE")) {
			ox_http_tokens_revoke (srv->tokens, token);
			http_sessions_revoke_token (srv, token);  /* logout closes the token's sessions */
			respond (msg, 200, g_string_new ("{\"revoked\":true}"));
		}
		return;
	}
	if (!strcmp (path, "/metrics")) {
		if (method_is (msg, "GET", "GET"))
			handle_metrics (srv, msg);
		return;
	}
	if (!strcmp (path, "/api/sessions")) {
		if (!strcmp (soup_server_message_get_method (msg), "POST")) {
			GString *b = g_string_new (NULL);
			guint status = 500;
			const char *app = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
			                                                "X-Application-Name");
			g_autofree char *addr = client_address (msg);
			http_sessions_create (srv, user, token, app && *app ? app : "http", addr, b, &status);
			respond (msg, status, b);
		} else if (method_is (msg, "GET", "GET, POST"))
			handle_sessions_list (srv, msg);
		return;
	}
	if (g_str_has_prefix (path, "/api/sessions/")) {
		g_auto (GStrv) parts = g_strsplit (path + strlen ("/api/sessions/"), "/", -1);
		if (g_strv_length (parts) == 1 && !strcmp (soup_server_message_get_method (msg), "DELETE")) {
			GString *b = g_string_new (NULL);
			guint status = 500;
			http_sessions_close (srv, parts[0], user, b, &status);
			respond (msg, status, b);
			return;
		}
		if (g_strv_length (parts) == 2 && (!strcmp (parts[1], "cancel") || !strcmp (parts[1], "terminate"))) {
			if (method_is (msg, "POST", "POST"))
				handle_session_action (srv, msg, parts[0], parts[1]);
			return;
		}
	}
	if (!strcmp (path, "/api/sql")) {
		if (!method_is (msg, "POST", "POST"))
			return;
		g_autoptr (GBytes) body = request_body (msg);
		HttpReq *req = g_new0 (HttpReq, 1);
		req->kind = HTTP_JOB_SQL;
		g_autoptr (GError) error = NULL;
		gsize len;
		const char *b = g_bytes_get_data (body, &len);
		if (!ox_http_decode_sql (b, len, &req->sql, &error)) {
			g_free (req);
			respond_error (msg, 400, "22P02", error->message, NULL);
			return;
		}
		const char *sid = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
		                                                "X-Oxibase-Session");
		if (sid) {
			GString *eb = g_string_new (NULL);
			guint status = 500;
			req->psess = http_sessions_acquire (srv, sid, user, eb, &status);
			if (!req->psess) {
				ox_http_sql_clear (&req->sql);
				g_free (req);
				if (status == 409)  /* tells "busy, send again" from a statement's 409 (23505) */
					soup_message_headers_replace (soup_server_message_get_response_headers (msg),
					                              "X-Oxibase-Session-Busy", "1");
				respond (msg, status, eb);
				return;
			}
			g_string_free (eb, TRUE);
		}
		req->user = g_steal_pointer (&user);
		start_job (srv, msg, req);
		return;
	}
	if (g_str_has_prefix (path, "/api/rpc/")) {
		if (!method_is (msg, "POST", "POST"))
			return;
		g_autoptr (GBytes) body = request_body (msg);
		HttpReq *req = g_new0 (HttpReq, 1);
		req->kind = HTTP_JOB_RPC;
		g_autoptr (GError) error = NULL;
		gsize len;
		const char *b = g_bytes_get_data (body, &len);
		/* names in the path are percent-decoded ("My%20Schema.f"); an
		 * escape of NUL or a broken one leaves target NULL */
		g_autofree char *target = g_uri_unescape_string (path + strlen ("/api/rpc/"), NULL);
		if (!ox_http_decode_rpc (target ? target : "", b, len, &req->rpc, &error)) {
			g_free (req);
			respond_error (msg, 400, "22P02", error->message, NULL);
			return;
		}
		req->user = g_steal_pointer (&user);
		start_job (srv, msg, req);
		return;
	}
	if (g_str_has_prefix (path, "/api/meta/")) {
		if (!method_is (msg, "GET", "GET"))
			return;
		char **parts = g_strsplit (path + strlen ("/api/meta/"), "/", -1);
		guint n = g_strv_length (parts);
		gboolean ok = n >= 1 && n <= 3;
		for (guint i = 0; ok && i < n; i++) {
			char *plain = g_uri_unescape_string (parts[i], NULL);
			ok = plain && *plain && g_utf8_validate (plain, -1, NULL);
			g_free (parts[i]);
			parts[i] = plain ? plain : g_strdup ("");
		}
		if (!ok) {
			g_strfreev (parts);
			respond_error (msg, 404, "42704", "no such catalog path",
			               "GET /api/meta/schemas or /api/meta/SCHEMA/tables (views, routines, triggers, schedules, sequences) or /api/meta/SCHEMA/tables/TABLE.");
			return;
		}
		HttpReq *req = g_new0 (HttpReq, 1);
		req->kind = HTTP_JOB_META;
		req->meta = parts;
		req->user = g_steal_pointer (&user);
		start_job (srv, msg, req);
		return;
	}
	g_autofree char *m = g_strdup_printf ("no such endpoint: %s %s", soup_server_message_get_method (msg), path);
	respond_error (msg, 404, "42704", m, "See docs/server.md, \"HTTP API\", for the endpoints.");
}

/* ---- the body limit ---------------------------------------------------------- */

static void
too_large (OxHttpServer *srv, SoupServerMessage *msg)
{
	g_autofree char *m = g_strdup_printf ("the request body is larger than %" G_GSIZE_FORMAT " bytes", srv->max_body);
	soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
	respond_error (msg, 413, "54000", m, "Send less per request (the limit is --http-max-body).");
}

static void
got_chunk_cb (SoupServerMessage *msg, GBytes *chunk, gpointer data)
{
	OxHttpServer *srv = data;
	SoupMessageBody *body = soup_server_message_get_request_body (msg);
	if ((gsize) body->length > srv->max_body && soup_server_message_get_status (msg) == 0) {
		soup_message_body_set_accumulate (body, FALSE);
		too_large (srv, msg);
	}
}

/* libsoup before 3.3 keeps one reference too many to every socket it
 * accepts (soup-listener.c's listen_watch never unrefs what
 * g_socket_accept returned; fixed upstream by commit b545d5f "soup-listener:
 * Plug a leak"), so each connection leaks its GSocket — and its file
 * descriptor stays open until the process exits.  Debian 12 ships 3.2.3.
 * That reference belongs to nobody, so dropping it once per socket is safe
 * at any time after accept: the connection holds its own.  Only for the
 * versions with the bug, checked at build and at run time. */
static void
compensate_listener_leak (SoupServerMessage *msg)
{
#if !SOUP_CHECK_VERSION (3, 3, 0)
	if (soup_get_major_version () != 3 || soup_get_minor_version () >= 3)
		return;
	GSocket *sock = soup_server_message_get_socket (msg);
	if (sock && !g_object_get_data (G_OBJECT (sock), "oxibase-listener-ref-dropped")) {
		g_object_set_data (G_OBJECT (sock), "oxibase-listener-ref-dropped", GINT_TO_POINTER (1));
		g_object_unref (sock);
	}
#endif
}

/* /api/dap: DAP over WebSocket, the token in the upgrade request's
 * Authorization header.  libsoup 3.2 completes the handshake before any
 * handler can refuse it (a status set by an early handler does not stop
 * the upgrade), so a missing or bad token gets the WebSocket closed at
 * once with 1008, before a DAP message is read.  A token of a role that is
 * not a superuser debugs that role's sessions only. */
static void
dap_ws_cb (SoupServer *server, SoupServerMessage *msg, const char *path, SoupWebsocketConnection *ws, gpointer data)
{
	OxHttpServer *srv = data;
	(void) server;
	(void) path;
	gboolean present = FALSE;
	g_autofree char *token = bearer_token (msg, &present);
	g_autofree char *user = NULL;
	if (!token || !ox_http_tokens_check (srv->tokens, token, &user)) {
		soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
		                                 "the token is not valid: log in with POST /api/auth/login");
		return;
	}
	/* the listener checks it again on the client's thread, where it also
	 * finds (with the role catalog) whose sessions the client may debug */
	dap_listener_serve_websocket (srv->dap, ws, token);
}

/* "request-started" comes as soon as a connection is accepted, before a
 * byte of the request is read: the one place that sees connections whose
 * request never comes (a client that connects and goes away, a poll cut
 * short as a window closes), which no handler ever does */
static void
request_started_cb (SoupServer *server, SoupServerMessage *msg, gpointer data)
{
	(void) server;
	(void) data;
	compensate_listener_leak (msg);
}

static void
early_cb (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
	OxHttpServer *srv = data;
	if (srv->dap && !strcmp (path, "/api/dap"))
		return;  /* the upgrade needs its own Connection header (the token is checked in dap_ws_cb) */
	/* one request per connection: libsoup before 3.3 keeps a kept-alive
	 * connection that the client closes while it is idle until the server
	 * is freed (upstream commit d20c660), file descriptor included; a
	 * connection the server closes after its response is freed at once */
	soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
	SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
	if (soup_message_headers_get_encoding (h) == SOUP_ENCODING_CONTENT_LENGTH
	    && soup_message_headers_get_content_length (h) > (goffset) srv->max_body) {
		too_large (srv, msg);
		return;
	}
	g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), srv);
}

/* ---- the server ------------------------------------------------------------------ */

OxHttpServer *
ox_http_server_new (OxDatabase *db, const OxHttpConfig *config)
{
	g_return_val_if_fail (db != NULL && config != NULL, NULL);
	OxHttpServer *srv = g_new0 (OxHttpServer, 1);
	srv->db = db;
	srv->registry = config->registry;
	srv->database = g_strdup (config->database ? config->database : "oxibase");
	srv->max_body = config->max_body ? config->max_body : 1024 * 1024;
	srv->request_timeout_ms = config->request_timeout_ms ? config->request_timeout_ms : 30000;
	srv->auth_failure_delay_ms = config->auth_failure_delay_ms;
	srv->tokens = ox_http_tokens_new (config->token_ttl_s ? config->token_ttl_s : 3600);
	srv->main_ctx = g_main_context_ref_thread_default ();
	srv->reqs = g_ptr_array_new ();
	g_mutex_init (&srv->lock);
	srv->pool = g_thread_pool_new (http_work_run, srv, (gint) (config->max_workers ? config->max_workers : 16),
	                               FALSE, NULL);
	srv->soup = soup_server_new ("server-header", "oxibase ", NULL);
	srv->hub = config->hub;
	srv->dap = config->dap;
	g_signal_connect (srv->soup, "request-started", G_CALLBACK (request_started_cb), srv);
	soup_server_add_early_handler (srv->soup, NULL, early_cb, srv, NULL);
	if (srv->dap)
		soup_server_add_websocket_handler (srv->soup, "/api/dap", NULL, NULL, dap_ws_cb, srv, NULL);
	soup_server_add_handler (srv->soup, NULL, server_cb, srv, NULL);
	srv->session_idle_ms = config->session_idle_ms == 0 ? 600000 : MAX (config->session_idle_ms, 0);
	srv->idle_in_txn_ms = config->idle_in_txn_ms;
	http_sessions_init (srv);
	srv->accepting = TRUE;
	return srv;
}

gboolean
ox_http_server_listen (OxHttpServer *self, const char *addr, guint16 port, guint16 *bound_port, GError **error)
{
	g_autoptr (GInetAddress) ia = g_inet_address_new_from_string (addr);
	if (!ia) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
		             "invalid listen address \"%s\" (an IPv4 or IPv6 address)", addr);
		return FALSE;
	}
	g_autoptr (GSocketAddress) sa = g_inet_socket_address_new (ia, port);
	if (!soup_server_listen (self->soup, sa, 0, error))
		return FALSE;
	/* the port from the listening socket itself: soup_server_get_uris
	 * (libsoup 3.2.3) leaks a GSocketAddress per listener */
	guint16 p = port;
	GSList *ls = soup_server_get_listeners (self->soup);
	for (GSList *l = ls; l; l = l->next) {
		g_autoptr (GSocketAddress) local = g_socket_get_local_address (l->data, NULL);
		if (G_IS_INET_SOCKET_ADDRESS (local))
			p = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
	}
	g_slist_free (ls);
	if (bound_port)
		*bound_port = p;
	pg_log ("LOG", "http listening on %s:%u", addr, p);
	return TRUE;
}

void
ox_http_server_stop_accepting (OxHttpServer *self)
{
	self->accepting = FALSE;
	/* the listeners go; connections (and their responses) stay */
	GSList *ls = soup_server_get_listeners (self->soup);
	for (GSList *l = ls; l; l = l->next)
		g_socket_close (l->data, NULL);
	g_slist_free (ls);
}

void
ox_http_server_cancel_all (OxHttpServer *self)
{
	g_mutex_lock (&self->lock);
	for (guint i = 0; i < self->reqs->len; i++) {
		HttpReq *req = self->reqs->pdata[i];
		g_mutex_lock (&req->lock);
		req->terminated = TRUE;
		if (req->session)
			ox_session_cancel (req->session);
		if (req->target)
			ox_debug_target_terminate (req->target);
		g_cond_broadcast (&req->cond);
		g_mutex_unlock (&req->lock);
	}
	g_mutex_unlock (&self->lock);
}

guint
ox_http_server_n_running (OxHttpServer *self)
{
	return (guint) g_atomic_int_get (&self->n_live);
}

void
ox_http_server_free (OxHttpServer *self)
{
	if (!self)
		return;
	/* closes every connection: a message still open finishes (and lets
	 * go of its request) here */
	soup_server_disconnect (self->soup);
	g_thread_pool_free (self->pool, FALSE, TRUE);
	http_sessions_free_all (self);
	g_object_unref (self->soup);
	g_warn_if_fail (self->reqs->len == 0);
	g_ptr_array_free (self->reqs, TRUE);
	g_mutex_clear (&self->lock);
	ox_http_tokens_free (self->tokens);
	g_main_context_unref (self->main_ctx);
	g_free (self->database);
	g_free (self);
}

char *
ox_http_server_token_user (OxHttpServer *self, const char *token)
{
	char *user = NULL;
	if (!token || !ox_http_tokens_check (self->tokens, token, &user))
		return NULL;
	return user;
}

char *
ox_http_server_debug_scope (OxHttpServer *self, const char *user)
{
	/* one row of the role catalog: quick, and the roles live in this
	 * database (docs/server.md) */
	OxSession *s = NULL;
	OxStmt *st = NULL;
	OxError err = { 0 };
	gboolean super = FALSE;
	if (ox_session_new (self->db, &s, &err) == OX_OK &&
	    ox_prepare (s, "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = $1", -1, &st, NULL, &err) == OX_OK &&
	    ox_bind_text (st, 1, user, -1, &err) == OX_OK && ox_step (st, &err) == OX_ROW)
		super = ox_column_text (st, 0) && !strcmp (ox_column_text (st, 0), "t");
	ox_error_clear (&err);
	ox_finalize (st);
	ox_session_free (s);
	return super ? NULL : g_strdup (user);
}

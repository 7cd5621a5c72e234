/*
 * http-work.c — the HTTP API's worker side: each request runs here, on a
 * thread of the server's pool, in an engine session of its own that is
 * registered in the session registry (so /api/sessions lists it and can
 * cancel it) and freed when the request ends.  A transaction left open
 * by a request's SQL is rolled back with its session.
 *
 *   login  — the role's password (ox_role_check_password, SCRAM
 *            verifiers in the catalog), then a token; a failure is
 *            answered after the configured auth_failure_delay_ms, with no
 *            hint of which part was wrong (the reason goes to the log).
 *   Every other request's session runs as the token's role
 *   (ox_session_set_user), so current_user is who logged in.
 *   sql    — every statement of the text in turn, results streamed as
 *            they are produced; the first error ends the request.
 *   rpc    — one call of a function or procedure with named arguments
 *            bound as parameters.
 *   meta   — catalog listings through information_schema, pg_catalog
 *            and system views, with parameters for every name.
 *
 * NOTE: the request headers are set as custom settings
 * request.header.<name> through ox_session_set_custom, never as SQL text.
 * NOTE: names from the URL (schema, routine, argument names) become
 * quoted identifiers in SQL text (ox_http_quote_ident); values are always
 * parameters.
 */
#define G_LOG_DOMAIN "oxibase-http"

#include "http-private.h"

#include <string.h>

#include "pg-server.h"  /* pg_log */

/* ---- sessions ------------------------------------------------------------------ */

static void
notice_cb (void *user, const char *severity, const char *sqlstate, const char *message)
{
	HttpReq *req = user;
	GString *n = g_string_new ("{\"severity\":");
	ox_http_json_string (n, severity ? severity : "NOTICE");
	g_string_append (n, ",\"sqlstate\":");
	ox_http_json_string (n, sqlstate && *sqlstate ? sqlstate : "00000");
	g_string_append (n, ",\"message\":");
	ox_http_json_string (n, message ? message : "");
	g_string_append_c (n, '}');
	g_ptr_array_add (req->notices, g_string_free (n, FALSE));
}

static void
reg_cancel (gpointer data)
{
	HttpReq *req = data;
	g_mutex_lock (&req->lock);
	if (req->session)
		ox_session_cancel (req->session);
	if (req->target)
		ox_debug_target_terminate (req->target);  /* stopped in a remote debugger */
	g_mutex_unlock (&req->lock);
}

static void
reg_terminate (gpointer data)
{
	HttpReq *req = data;
	g_mutex_lock (&req->lock);
	req->terminated = TRUE;
	if (req->session)
		ox_session_cancel (req->session);
	if (req->target)
		ox_debug_target_terminate (req->target);
	g_mutex_unlock (&req->lock);
}

static const OxSessionOps reg_ops = { reg_cancel, reg_terminate };

typedef struct {
	OxSession *s;
	gint32     id;   /* in the registry */
} Sess;

static gboolean
session_open (HttpReq *req, Sess *ss, OxError *err)
{
	memset (ss, 0, sizeof *ss);
	if (ox_session_new (req->srv->db, &ss->s, err) != OX_OK)
		return FALSE;
	if (req->user && ox_session_set_user (ss->s, req->user, err) != OX_OK) {
		/* the role was dropped after the token was issued */
		ox_session_free (ss->s);
		ss->s = NULL;
		return FALSE;
	}
	req->notices = g_ptr_array_new_with_free_func (g_free);
	ox_session_set_notice_func (ss->s, notice_cb, req);
	for (guint i = 0; i + 1 < req->headers->len; i += 2) {
		g_autofree char *name = g_strconcat ("request.header.", (char *) req->headers->pdata[i], NULL);
		OxError e = { 0 };
		ox_session_set_custom (ss->s, name, req->headers->pdata[i + 1], &e);
		ox_error_clear (&e);  /* a header name the engine refuses is just not visible */
	}
	g_mutex_lock (&req->lock);
	req->session = ss->s;
	gboolean stop = req->finished || req->timed_out || req->terminated;
	g_mutex_unlock (&req->lock);
	ss->id = ox_session_registry_add (req->srv->registry, 0, "http", req->user, req->srv->database, req->app_name,
	                                  req->client_addr, &reg_ops, req);
	if (ss->id)
		ox_session_set_backend_pid (ss->s, ss->id);  /* as /api/sessions shows it */
	if (stop)
		ox_session_cancel (ss->s);
	if (req->srv->hub) {
		/* a remote debugger may take this session (its id is the
		 * registry's, as /api/sessions shows it) */
		OxDebugTargetInfo info = { (guint64) ss->id, req->user ? req->user : "", req->app_name,
			                   req->srv->database };
		OxDebugTarget *t = ox_debug_hub_register (req->srv->hub, ss->s, &info);
		g_mutex_lock (&req->lock);
		req->target = t;
		g_mutex_unlock (&req->lock);
	}
	return TRUE;
}

/* A request with X-Oxibase-Session runs in that persistent session
 * (http-sessions.c), held busy for it since the request was accepted:
 * the same hooks as session_open, but the engine session, its registry
 * entry and its debug target stay when the request ends. */
static void
session_borrow (HttpReq *req, Sess *ss)
{
	memset (ss, 0, sizeof *ss);
	ss->s = http_sess_session (req->psess);
	ss->id = http_sess_id (req->psess);
	req->notices = g_ptr_array_new_with_free_func (g_free);
	ox_session_set_notice_func (ss->s, notice_cb, req);
	for (guint i = 0; i + 1 < req->headers->len; i += 2) {
		g_autofree char *name = g_strconcat ("request.header.", (char *) req->headers->pdata[i], NULL);
		OxError e = { 0 };
		ox_session_set_custom (ss->s, name, req->headers->pdata[i + 1], &e);
		ox_error_clear (&e);
	}
	/* this request's X-Application-Name: what a cancel (the workstation
	 * finds its run by it) and a debugger's attach filter look for */
	ox_session_registry_set_state (req->srv->registry, ss->id, OX_SESSION_IDLE, NULL, req->app_name);
	if (http_sess_target (req->psess))
		ox_debug_target_set_application_name (http_sess_target (req->psess), req->app_name);
	g_mutex_lock (&req->lock);
	req->session = ss->s;
	req->target = http_sess_target (req->psess);
	gboolean stop = req->finished || req->timed_out || req->terminated;
	g_mutex_unlock (&req->lock);
	if (stop)
		ox_session_cancel (ss->s);
}

static void
session_give_back (HttpReq *req, Sess *ss)
{
	g_mutex_lock (&req->lock);
	req->session = NULL;
	req->target = NULL;
	g_mutex_unlock (&req->lock);
	ox_session_set_notice_func (ss->s, NULL, NULL);
	HttpSess *ps = g_steal_pointer (&req->psess);
	ss->s = NULL;
	http_sessions_release (req->srv, ps);
}

static void
session_close (HttpReq *req, Sess *ss)
{
	if (req->psess) {
		session_give_back (req, ss);
		return;
	}
	if (!ss->s)
		return;
	ox_session_registry_remove (req->srv->registry, ss->id);  /* no cancel reaches us after this */
	g_mutex_lock (&req->lock);
	req->session = NULL;
	OxDebugTarget *t = req->target;
	req->target = NULL;
	g_mutex_unlock (&req->lock);
	if (t)
		ox_debug_hub_unregister (t);
	ox_session_free (ss->s);
	ss->s = NULL;
}

static void
session_active (HttpReq *req, Sess *ss, const char *query)
{
	ox_session_registry_set_state (req->srv->registry, ss->id, OX_SESSION_ACTIVE, query, NULL);
	/* the debugger comes and goes between statements (debug-hub.h) */
	if (req->target)
		ox_debug_target_checkpoint (req->target);
}

/* Rewrite a cancellation into what actually happened. */
static void
explain_stop (HttpReq *req, OxError *err)
{
	g_mutex_lock (&req->lock);
	gboolean timed_out = req->timed_out, terminated = req->terminated;
	g_mutex_unlock (&req->lock);
	if (req->psess && http_sess_terminated (req->psess))
		terminated = TRUE;
	if (terminated) {
		ox_error_clear (err);
		g_strlcpy (err->sqlstate, "57P01", sizeof err->sqlstate);
		err->message = g_strdup ("terminating connection due to administrator command");
	} else if (timed_out) {
		ox_error_clear (err);
		g_strlcpy (err->sqlstate, "57014", sizeof err->sqlstate);
		err->message = g_strdup ("canceling statement due to request timeout");
		err->hint = g_strdup_printf ("The HTTP API gives a request %u ms (--http-request-timeout).",
		                             req->srv->request_timeout_ms);
	}
}

static void
error_body (GString *out, OxError *err, int position_base)
{
	ox_http_json_error_fields (out, err->sqlstate, err->message, err->detail, err->hint,
	                           err->position > 0 ? err->position + position_base : 0);
}

static void
respond_error (HttpReq *req, OxError *err, OxHttpContext ctx)
{
	g_string_truncate (req->out, 0);
	g_string_append (req->out, "{\"error\":");
	error_body (req->out, err, 0);
	g_string_append_c (req->out, '}');
	http_req_end (req, ox_http_status_for_sqlstate (err->sqlstate, ctx));
}

static void
set_err (OxError *err, const char *sqlstate, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
static void
set_err (OxError *err, const char *sqlstate, const char *fmt, ...)
{
	ox_error_clear (err);
	va_list ap;
	va_start (ap, fmt);
	err->message = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	g_strlcpy (err->sqlstate, sqlstate, sizeof err->sqlstate);
}

/* Bind one JSON value to $idx: numbers as numbers, strings as text (the
 * engine converts text to the type it infers), arrays and objects as
 * their JSON text. */
static int
bind_json (OxStmt *st, int idx, JsonNode *v, OxError *err)
{
	if (!v || JSON_NODE_HOLDS_NULL (v))
		return ox_bind_null (st, idx, err);
	if (JSON_NODE_HOLDS_VALUE (v)) {
		GType t = json_node_get_value_type (v);
		if (t == G_TYPE_BOOLEAN)
			return ox_bind_bool (st, idx, json_node_get_boolean (v), err);
		if (t == G_TYPE_INT64)
			return ox_bind_int64 (st, idx, json_node_get_int (v), err);
		if (t == G_TYPE_DOUBLE)
			return ox_bind_double (st, idx, json_node_get_double (v), err);
		return ox_bind_text (st, idx, json_node_get_string (v), -1, err);
	}
	g_autofree char *text = json_to_string (v, FALSE);
	return ox_bind_text (st, idx, text, -1, err);
}

/* ---- login ------------------------------------------------------------------- */

static void
run_login (HttpReq *req)
{
	OxHttpServer *srv = req->srv;
	OxError err = { 0 };
	if (!ox_role_check_password (srv->db, req->login.user, req->login.password, &err)) {
		/* the detail (missing role, wrong password, expired ...) is for
		 * the log only: the client learns nothing about which */
		pg_log ("FATAL", "http: %s (%s) from %s%s%s", err.message ? err.message : "authentication failed",
		        err.sqlstate, req->client_addr, err.detail ? ": " : "", err.detail ? err.detail : "");
		g_usleep ((gulong) srv->auth_failure_delay_ms * 1000);
		g_autofree char *msg = g_strdup_printf ("password authentication failed for user \"%s\"", req->login.user);
		ox_http_json_error (req->out, "28P01", msg, NULL, NULL, 0);
		ox_error_clear (&err);
		g_mutex_lock (&req->lock);
		req->extra_header = "WWW-Authenticate";
		req->extra_value = "Bearer";
		g_mutex_unlock (&req->lock);
		http_req_end (req, 401);
		return;
	}
	gint64 expires = 0;
	g_autofree char *token = ox_http_tokens_issue (srv->tokens, req->login.user, &expires);
	if (!token) {
		ox_http_json_error (req->out, "58000", "could not generate a token (no random bytes available)", NULL,
		                    NULL, 0);
		http_req_end (req, 500);
		return;
	}
	pg_log ("LOG", "http: token issued for user \"%s\" from %s", req->login.user, req->client_addr);
	g_string_append (req->out, "{\"token\":");
	ox_http_json_string (req->out, token);
	g_string_append (req->out, ",\"expires_at\":");
	ox_http_json_time (req->out, expires);
	g_string_append_c (req->out, '}');
	explicit_bzero (token, strlen (token));
	http_req_end (req, 200);
}

/* ---- /api/sql ------------------------------------------------------------------ */

static void
append_columns (GString *out, OxStmt *st, int n)
{
	g_string_append (out, "\"columns\":[");
	for (int c = 0; c < n; c++) {
		const char *name = ox_column_name (st, c);
		const char *type = ox_column_type_name (st, c);
		g_string_append (out, c ? ",{\"name\":" : "{\"name\":");
		ox_http_json_string (out, name ? name : "?column?");
		g_string_append (out, ",\"type\":");
		ox_http_json_string (out, type ? type : "unknown");
		g_string_append_c (out, '}');
	}
	g_string_append_c (out, ']');
}

static void
append_notices (HttpReq *req)
{
	g_string_append (req->out, "\"notices\":[");
	for (guint i = 0; i < req->notices->len; i++) {
		if (i)
			g_string_append_c (req->out, ',');
		g_string_append (req->out, req->notices->pdata[i]);
	}
	g_string_append_c (req->out, ']');
	g_ptr_array_set_size (req->notices, 0);
}

/* Step st to the end, appending each row as a JSON array.  Returns
 * OX_DONE, or OX_ERROR with err set (also when the client went away). */
static int
stream_rows (HttpReq *req, OxStmt *st, int n, const OxColumnType *types, gint64 *rows, gboolean *flushed,
             OxError *err)
{
	for (;;) {
		int rc = ox_step (st, err);
		if (rc != OX_ROW)
			return rc;
		if (n > 0) {
			GString *out = req->out;
			g_string_append (out, *rows ? ",[" : "[");
			for (int c = 0; c < n; c++) {
				if (c)
					g_string_append_c (out, ',');
				ox_http_json_value (out, types[c], ox_column_text (st, c));
			}
			g_string_append_c (out, ']');
		}
		(*rows)++;
		if (req->out->len >= HTTP_FLUSH_AT) {
			*flushed = TRUE;
			if (!http_req_flush (req)) {
				set_err (err, "57014", "canceling statement: the client went away");
				return OX_ERROR;
			}
		}
	}
}

/* X-Oxibase-Source: the path the client debugs the request's text under
 * (canonicalized as the adapter canonicalizes breakpoint paths), or NULL. */
static char *
request_source (HttpReq *req)
{
	for (guint i = 0; i + 1 < req->headers->len; i += 2)
		if (!strcmp (req->headers->pdata[i], "x-oxibase-source") && *(char *) req->headers->pdata[i + 1])
			return g_canonicalize_filename (req->headers->pdata[i + 1], NULL);
	return NULL;
}

/* The statement at stmt of sql as a frame of the script `source', when a
 * debugger has the session (else NULL: nothing changes). */
static OxScriptFrame *
script_frame_begin (OxSession *s, const char *sql, const char *source, const char *stmt, gboolean *cancelled)
{
	bool c = false;
	OxScriptFrame *f = ox_debug_script_statement_begin (s, sql, source, (size_t) (stmt - sql), &c);
	*cancelled = c;
	return f;
}

static void
run_sql (HttpReq *req)
{
	OxError err = { 0 };
	Sess ss;
	if (req->psess)
		session_borrow (req, &ss);
	else if (!session_open (req, &ss, &err)) {
		respond_error (req, &err, OX_HTTP_CTX_SQL);
		ox_error_clear (&err);
		return;
	}
	const char *sql = req->sql.sql;
	const char *rest = sql;
	g_autofree char *source = request_source (req);
	guint n_params = req->sql.params ? json_array_get_length (req->sql.params) : 0;
	gboolean failed = FALSE;
	int position_base = 0;
	int n_results = 0;
	g_string_append (req->out, "{\"results\":[");

	while (rest && *rest) {
		OxStmt *st = NULL;
		const char *tail = NULL;
		position_base = (int) g_utf8_strlen (sql, rest - sql);
		if (http_req_stopped (req)) {
			set_err (&err, "57014", "canceling statement due to user request");
			failed = TRUE;
			break;
		}
		if (ox_prepare (ss.s, rest, -1, &st, &tail, &err) != OX_OK) {
			failed = TRUE;
			break;
		}
		if (!st)
			break;
		int np = ox_param_count (st);
		if ((guint) np > n_params) {
			set_err (&err, "08P01", "the statement uses $%d, but \"params\" has %u value%s", np, n_params,
			         n_params == 1 ? "" : "s");
			ox_finalize (st);
			failed = TRUE;
			break;
		}
		for (int i = 1; i <= np && !failed; i++)
			failed = bind_json (st, i, json_array_get_element (req->sql.params, (guint) (i - 1)), &err) != OX_OK;
		if (failed) {
			ox_finalize (st);
			break;
		}
		session_active (req, &ss, ox_stmt_sql (st));
		/* under a debugger, the statement is a step of the script the
		 * client named with X-Oxibase-Source (docs/server.md, "Remote
		 * debugging"): its breakpoints by that path stop here */
		gboolean cancelled = FALSE;
		OxScriptFrame *frame = source ? script_frame_begin (ss.s, sql, source, rest, &cancelled) : NULL;
		if (cancelled) {
			set_err (&err, "57014", "canceling statement due to user request");
			ox_debug_script_statement_end (frame, &err);
			ox_finalize (st);
			failed = TRUE;
			break;
		}
		gsize mark = req->out->len;  /* where this statement's object starts */
		gboolean flushed = FALSE;
		int n = ox_column_count (st);
		OxColumnType *types = g_new0 (OxColumnType, n > 0 ? n : 1);
		for (int c = 0; c < n; c++)
			types[c] = ox_column_type (st, c);
		if (n_results)
			g_string_append_c (req->out, ',');
		g_string_append_c (req->out, '{');
		append_columns (req->out, st, n);
		g_string_append (req->out, ",\"rows\":[");
		gint64 rows = 0;
		int rc = stream_rows (req, st, n, types, &rows, &flushed, &err);
		g_free (types);
		ox_debug_script_statement_end (frame, rc == OX_ERROR ? &err : NULL);
		if (rc == OX_ERROR) {
			if (!flushed)
				g_string_truncate (req->out, mark);  /* the failed statement leaves no result */
			else {
				/* its rows are already out: close the object so the
				 * body stays one JSON document */
				g_string_append_printf (req->out, "],\"row_count\":%" G_GINT64_FORMAT ",\"command\":null,", rows);
				append_notices (req);
				g_string_append_c (req->out, '}');
			}
			ox_finalize (st);
			failed = TRUE;
			break;
		}
		g_string_append_printf (req->out, "],\"row_count\":%" G_GINT64_FORMAT ",\"command\":",
		                        ox_stmt_returns_rows (st) ? rows : ox_changes (st));
		ox_http_json_string (req->out, ox_command_tag (st));
		g_string_append_c (req->out, ',');
		append_notices (req);
		g_string_append_c (req->out, '}');
		n_results++;
		ox_finalize (st);
		rest = tail;
	}
	g_string_append_c (req->out, ']');
	guint status = 200;
	if (failed) {
		if (!strcmp (err.sqlstate, "57014") || !err.sqlstate[0])
			explain_stop (req, &err);
		/* the log line a pgwire backend writes for a failed statement
		 * (and with it system.log's entry) */
		pg_log_full ("ERROR", err.sqlstate[0] ? err.sqlstate : "XX000", req->user, req->srv->database,
		             "%s (SQLSTATE %s) user=%s database=%s", err.message ? err.message : "unknown error",
		             err.sqlstate[0] ? err.sqlstate : "XX000", req->user ? req->user : "",
		             req->srv->database ? req->srv->database : "");
		g_string_append (req->out, ",\"error\":");
		error_body (req->out, &err, position_base);
		if (req->notices->len) {
			/* notices of the failed statement (RAISE before the error) */
			g_string_append_c (req->out, ',');
			append_notices (req);
		}
		status = ox_http_status_for_sqlstate (err.sqlstate, OX_HTTP_CTX_SQL);
	}
	g_string_append_c (req->out, '}');
	session_close (req, &ss);
	http_req_end (req, status);
	ox_error_clear (&err);
}

/* ---- queries for rpc and meta --------------------------------------------------- */

/* A whole (small) result: rows of text cells. */
typedef struct {
	int           ncols;
	char        **names;
	OxColumnType *types;
	char        **type_names;
	GPtrArray    *rows;   /* char*[ncols] each (a NULL cell is SQL NULL) */
} Result;

static void
result_free (Result *r)
{
	if (!r)
		return;
	g_strfreev (r->names);
	g_strfreev (r->type_names);
	g_free (r->types);
	for (guint i = 0; i < r->rows->len; i++) {
		char **row = r->rows->pdata[i];
		for (int c = 0; c < r->ncols; c++)
			g_free (row[c]);
		g_free (row);
	}
	g_ptr_array_unref (r->rows);
	g_free (r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Result, result_free)

static const char *
cell (Result *r, guint row, const char *col)
{
	for (int c = 0; c < r->ncols; c++)
		if (!strcmp (r->names[c], col))
			return ((char **) r->rows->pdata[row])[c];
	g_assert_not_reached ();
}

/* Run one statement with text parameters (NULL entries are SQL NULL).
 * NULL with err set on failure. */
static Result *
query (HttpReq *req, Sess *ss, const char *sql, const char *const *params, int nparams, OxError *err)
{
	OxStmt *st = NULL;
	if (ox_prepare (ss->s, sql, -1, &st, NULL, err) != OX_OK)
		return NULL;
	g_assert (st != NULL);
	for (int i = 0; i < nparams; i++) {
		int rc = params[i] ? ox_bind_text (st, i + 1, params[i], -1, err) : ox_bind_null (st, i + 1, err);
		if (rc != OX_OK) {
			ox_finalize (st);
			return NULL;
		}
	}
	session_active (req, ss, sql);
	Result *r = g_new0 (Result, 1);
	r->ncols = ox_column_count (st);
	r->names = g_new0 (char *, r->ncols + 1);
	r->type_names = g_new0 (char *, r->ncols + 1);
	r->types = g_new0 (OxColumnType, r->ncols + 1);
	for (int c = 0; c < r->ncols; c++) {
		r->names[c] = g_strdup (ox_column_name (st, c));
		r->type_names[c] = g_strdup (ox_column_type_name (st, c));
		r->types[c] = ox_column_type (st, c);
	}
	int ncols = r->ncols;
	r->rows = g_ptr_array_new ();
	int rc;
	while ((rc = ox_step (st, err)) == OX_ROW) {
		char **row = g_new0 (char *, ncols + 1);
		for (int c = 0; c < ncols; c++) {
			const char *t = ox_column_text (st, c);
			row[c] = t ? g_strdup (t) : NULL;
		}
		g_ptr_array_add (r->rows, row);
	}
	ox_finalize (st);
	if (rc == OX_ERROR) {
		result_free (r);
		return NULL;
	}
	return r;
}

/* Append [{"col": value, ...}, ...] (columns in order, typed). */
static void
append_objects (GString *out, Result *r, guint from_row, guint n_rows)
{
	g_string_append_c (out, '[');
	for (guint i = from_row; i < from_row + n_rows && i < r->rows->len; i++) {
		char **row = r->rows->pdata[i];
		g_string_append (out, i > from_row ? ",{" : "{");
		for (int c = 0; c < r->ncols; c++) {
			if (c)
				g_string_append_c (out, ',');
			ox_http_json_string (out, r->names[c]);
			g_string_append_c (out, ':');
			ox_http_json_value (out, r->types[c], row[c]);
		}
		g_string_append_c (out, '}');
	}
	g_string_append_c (out, ']');
}

/* ---- /api/rpc ------------------------------------------------------------------ */

static void
run_rpc (HttpReq *req)
{
	OxHttpRpc *rpc = &req->rpc;
	OxError err = { 0 };
	Sess ss;
	if (!session_open (req, &ss, &err)) {
		respond_error (req, &err, OX_HTTP_CTX_RPC);
		ox_error_clear (&err);
		return;
	}
	const char *names[] = { rpc->schema, rpc->routine };
	g_autoptr (GString) sql = NULL;
	g_autoptr (Result) ptypes = NULL;
	g_autoptr (Result) kind = query (req, &ss,
		"SELECT p.prokind, p.proretset FROM pg_catalog.pg_proc p "
		"JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
		"WHERE n.nspname = $1 AND p.proname = $2", names, 2, &err);
	if (!kind)
		goto fail;
	if (kind->rows->len == 0) {
		g_strlcpy (err.sqlstate, "42883", sizeof err.sqlstate);
		err.message = g_strdup_printf ("function %s.%s does not exist", rpc->schema, rpc->routine);
		err.hint = g_strdup ("GET /api/meta/SCHEMA/routines lists the routines of a schema.");
		g_string_truncate (req->out, 0);
		ox_http_json_error (req->out, err.sqlstate, err.message, NULL, err.hint, 0);
		session_close (req, &ss);
		http_req_end (req, 404);
		ox_error_clear (&err);
		return;
	}
	/* the declared type of each argument name, so that a parameter is
	 * typed as the routine expects (the engine types an untyped
	 * parameter of CALL as text); a name two overloads type differently
	 * gets no cast, and overload resolution decides */
	ptypes = query (req, &ss,
		"SELECT p.parameter_name AS name, p.data_type AS type FROM information_schema.parameters p "
		"JOIN information_schema.routines r ON r.specific_schema = p.specific_schema "
		"AND r.specific_name = p.specific_name "
		"WHERE r.routine_schema = $1 AND r.routine_name = $2 AND p.parameter_mode IN ('IN', 'INOUT')",
		names, 2, &err);
	if (!ptypes)
		goto fail;
	const char *prokind = cell (kind, 0, "prokind");
	const char *retset = cell (kind, 0, "proretset");
	gboolean is_proc = prokind && !strcmp (prokind, "p");
	gboolean is_set = retset && !strcmp (retset, "t");

	/* CALL s.r(a => $1, ...) / SELECT * FROM s.r(...) / SELECT s.r(...) AS result */
	sql = g_string_new (is_proc ? "CALL " : is_set ? "SELECT * FROM " : "SELECT ");
	ox_http_quote_ident (sql, rpc->schema);
	g_string_append_c (sql, '.');
	ox_http_quote_ident (sql, rpc->routine);
	g_string_append_c (sql, '(');
	GList *members = json_object_get_members (rpc->args);
	int i = 0;
	for (GList *l = members; l; l = l->next) {
		if (i)
			g_string_append (sql, ", ");
		ox_http_quote_ident (sql, l->data);
		g_string_append_printf (sql, " => $%d", ++i);
		const char *type = NULL;
		gboolean ambiguous = FALSE;
		for (guint k = 0; k < ptypes->rows->len; k++) {
			if (g_strcmp0 (cell (ptypes, k, "name"), l->data))
				continue;
			const char *t = cell (ptypes, k, "type");
			if (type && g_strcmp0 (type, t))
				ambiguous = TRUE;
			type = t;
		}
		/* only plain type names: "ARRAY" and "USER-DEFINED" are not casts */
		if (type && !ambiguous && strspn (type, "abcdefghijklmnopqrstuvwxyz ") == strlen (type))
			g_string_append_printf (sql, "::%s", type);
	}
	g_string_append_c (sql, ')');
	if (!is_proc && !is_set)
		g_string_append (sql, " AS result");

	OxStmt *st = NULL;
	if (ox_prepare (ss.s, sql->str, -1, &st, NULL, &err) != OX_OK) {
		g_list_free (members);
		goto fail;
	}
	i = 0;
	for (GList *l = members; l; l = l->next)
		if (bind_json (st, ++i, json_object_get_member (rpc->args, l->data), &err) != OX_OK)
			break;
	g_list_free (members);
	if (err.sqlstate[0]) {
		ox_finalize (st);
		goto fail;
	}
	session_active (req, &ss, sql->str);
	int n = ox_column_count (st);
	OxColumnType *types = g_new0 (OxColumnType, n > 0 ? n : 1);
	for (int c = 0; c < n; c++)
		types[c] = ox_column_type (st, c);
	GString *out = req->out;
	if (is_set) {
		g_string_append_c (out, '{');
		append_columns (out, st, n);
		g_string_append (out, ",\"rows\":[");
		gint64 rows = 0;
		gboolean flushed = FALSE;
		int rc = stream_rows (req, st, n, types, &rows, &flushed, &err);
		if (rc == OX_ERROR && !flushed) {
			g_free (types);
			ox_finalize (st);
			goto fail;
		}
		g_string_append_printf (out, "],\"row_count\":%" G_GINT64_FORMAT, rows);
		if (rc == OX_ERROR) {
			explain_stop (req, &err);
			g_string_append (out, ",\"error\":");
			error_body (out, &err, 0);
		}
		g_string_append (out, ",");
		append_notices (req);
		g_string_append_c (out, '}');
	} else {
		int rc = ox_step (st, &err);
		if (rc == OX_ERROR) {
			g_free (types);
			ox_finalize (st);
			goto fail;
		}
		if (is_proc) {
			g_string_append (out, "{\"out\":{");
			for (int c = 0; rc == OX_ROW && c < n; c++) {
				if (c)
					g_string_append_c (out, ',');
				ox_http_json_string (out, ox_column_name (st, c));
				g_string_append_c (out, ':');
				ox_http_json_value (out, types[c], ox_column_text (st, c));
			}
			g_string_append (out, "},");
		} else {
			g_string_append (out, "{\"result\":");
			ox_http_json_value (out, n > 0 ? types[0] : OX_TYPE_NULL, rc == OX_ROW ? ox_column_text (st, 0) : NULL);
			g_string_append (out, ",\"type\":");
			const char *tn = n > 0 ? ox_column_type_name (st, 0) : NULL;
			ox_http_json_string (out, tn ? tn : "unknown");
			g_string_append_c (out, ',');
		}
		/* run to the end, so the call commits */
		while (rc == OX_ROW)
			rc = ox_step (st, &err);
		if (rc == OX_ERROR) {
			g_free (types);
			ox_finalize (st);
			goto fail;
		}
		append_notices (req);
		g_string_append_c (out, '}');
	}
	g_free (types);
	ox_finalize (st);
	session_close (req, &ss);
	http_req_end (req, 200);
	ox_error_clear (&err);
	return;

fail:
	if (!strcmp (err.sqlstate, "57014"))
		explain_stop (req, &err);
	err.position = 0;  /* a place in SQL text the server wrote, not the client */
	session_close (req, &ss);
	respond_error (req, &err, OX_HTTP_CTX_RPC);
	ox_error_clear (&err);
}

/* ---- /api/meta ----------------------------------------------------------------- */

/* The listings of GET /api/meta/{schema}/{kind}: each row has "name"
 * first; docs/server.md shows the other members. */
static const struct {
	const char *kind;
	const char *sql;
} listings[] = {
	{ "tables",
	  "SELECT table_name AS name FROM information_schema.tables "
	  "WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name" },
	{ "views",
	  "SELECT table_name AS name, view_definition AS definition FROM information_schema.views "
	  "WHERE table_schema = $1 ORDER BY table_name" },
	{ "routines",
	  "SELECT p.proname AS name, CASE WHEN p.prokind = 'p' THEN 'procedure' ELSE 'function' END AS kind, "
	  "pg_get_function_arguments(p.oid) AS arguments, pg_get_function_result(p.oid) AS result, "
	  "p.proretset AS returns_set, l.language AS language "
	  "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
	  "LEFT JOIN (SELECT oid, language FROM system.functions UNION ALL "
	  "           SELECT oid, language FROM system.procedures) l ON l.oid = p.oid "
	  "WHERE n.nspname = $1 ORDER BY 1, 3" },
	{ "triggers",
	  "SELECT name, table_name AS \"table\", timing, events, level, enabled, condition, action, language "
	  "FROM system.triggers WHERE schema = $1 ORDER BY table_name, name" },
	{ "schedules",
	  "SELECT name, cron, timezone, enabled, next_run, last_run, action, language "
	  "FROM system.schedules WHERE schema = $1 ORDER BY name" },
	{ "sequences",
	  "SELECT c.relname AS name FROM pg_catalog.pg_class c "
	  "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	  "WHERE n.nspname = $1 AND c.relkind = 'S' ORDER BY 1" },
};

static gboolean
simple_ident (const char *s)
{
	if (!*s || !(g_ascii_islower (*s) || *s == '_'))
		return FALSE;
	for (const char *p = s; *p; p++)
		if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '_' || *p == '$'))
			return FALSE;
	return TRUE;
}

static void
ddl_ident (GString *out, const char *s)
{
	if (simple_ident (s))
		g_string_append (out, s);
	else
		ox_http_quote_ident (out, s);
}

/* CREATE TABLE text from the catalog rows, as pg_dump would write it:
 * columns, then table constraints, then the indexes that no constraint
 * owns. */
static char *
table_ddl (const char *schema, const char *table, Result *cols, Result *cons, Result *idx)
{
	GString *d = g_string_new ("CREATE TABLE ");
	ddl_ident (d, schema);
	g_string_append_c (d, '.');
	ddl_ident (d, table);
	g_string_append (d, " (");
	guint items = 0;
	for (guint i = 0; i < cols->rows->len; i++, items++) {
		g_string_append (d, items ? ",\n    " : "\n    ");
		ddl_ident (d, cell (cols, i, "name"));
		g_string_append_printf (d, " %s", cell (cols, i, "type"));
		const char *dflt = cell (cols, i, "default");
		if (dflt)
			g_string_append_printf (d, " DEFAULT %s", dflt);
		if (!g_strcmp0 (cell (cols, i, "nullable"), "f"))
			g_string_append (d, " NOT NULL");
	}
	for (guint i = 0; i < cons->rows->len; i++, items++) {
		g_string_append (d, items ? ",\n    CONSTRAINT " : "\n    CONSTRAINT ");
		ddl_ident (d, cell (cons, i, "name"));
		g_string_append_printf (d, " %s", cell (cons, i, "definition"));
	}
	g_string_append (d, "\n);\n");
	for (guint i = 0; i < idx->rows->len; i++) {
		const char *name = cell (idx, i, "name");
		gboolean owned = FALSE;
		for (guint k = 0; k < cons->rows->len && !owned; k++)
			owned = !g_strcmp0 (cell (cons, k, "name"), name);
		if (!owned)
			g_string_append_printf (d, "%s;\n", cell (idx, i, "definition"));
	}
	return g_string_free (d, FALSE);
}

static void
run_meta (HttpReq *req)
{
	char **p = req->meta;
	guint n = g_strv_length (p);
	OxError err = { 0 };
	Sess ss;
	g_autoptr (Result) sch = NULL;
	g_autoptr (Result) t = NULL;
	g_autoptr (Result) cols = NULL;
	g_autoptr (Result) cons = NULL;
	g_autoptr (Result) idx = NULL;
	g_autoptr (Result) trg = NULL;
	const char *schema_args[] = { p[0] };
	const char *args[] = { p[0], n > 2 ? p[2] : NULL };
	GString *out = req->out;
	if (!session_open (req, &ss, &err))
		goto fail;

	if (n == 1 && !strcmp (p[0], "schemas")) {
		g_autoptr (Result) r = query (req, &ss,
			"SELECT schema_name AS name, schema_owner AS owner FROM information_schema.schemata "
			"ORDER BY schema_name", NULL, 0, &err);
		if (!r)
			goto fail;
		g_string_append (out, "{\"kind\":\"schemas\",\"items\":");
		append_objects (out, r, 0, r->rows->len);
		g_string_append_c (out, '}');
		goto done;
	}
	if (n < 2)
		goto not_found;

	sch = query (req, &ss,
		"SELECT schema_name FROM information_schema.schemata WHERE schema_name = $1", schema_args, 1, &err);
	if (!sch)
		goto fail;
	if (sch->rows->len == 0) {
		set_err (&err, "3F000", "schema \"%s\" does not exist", p[0]);
		goto fail;
	}

	if (n == 2) {
		for (gsize i = 0; i < G_N_ELEMENTS (listings); i++) {
			if (strcmp (listings[i].kind, p[1]))
				continue;
			g_autoptr (Result) r = query (req, &ss, listings[i].sql, schema_args, 1, &err);
			if (!r)
				goto fail;
			g_string_append (out, "{\"schema\":");
			ox_http_json_string (out, p[0]);
			g_string_append (out, ",\"kind\":");
			ox_http_json_string (out, p[1]);
			g_string_append (out, ",\"items\":");
			append_objects (out, r, 0, r->rows->len);
			g_string_append_c (out, '}');
			goto done;
		}
		goto not_found;
	}

	if (n == 3 && !strcmp (p[1], "tables")) {
		t = query (req, &ss,
			"SELECT table_name FROM information_schema.tables "
			"WHERE table_schema = $1 AND table_name = $2 AND table_type = 'BASE TABLE'", args, 2, &err);
		if (!t)
			goto fail;
		if (t->rows->len == 0) {
			set_err (&err, "42P01", "relation \"%s.%s\" does not exist", p[0], p[2]);
			goto fail;
		}
		cols = query (req, &ss,
			"SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, "
			"NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS \"default\", "
			"a.attnum AS position "
			"FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
			"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
			"LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
			"WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p') "
			"AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", args, 2, &err);
		if (!cols)
			goto fail;
		cons = query (req, &ss,
			"SELECT co.conname AS name, CASE co.contype WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE' "
			"WHEN 'c' THEN 'CHECK' WHEN 'f' THEN 'FOREIGN KEY' WHEN 'x' THEN 'EXCLUDE' ELSE 'OTHER' END AS type, "
			"pg_get_constraintdef(co.oid) AS definition "
			"FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_class c ON c.oid = co.conrelid "
			"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
			"WHERE n.nspname = $1 AND c.relname = $2 ORDER BY co.conname", args, 2, &err);
		if (!cons)
			goto fail;
		idx = query (req, &ss,
			"SELECT indexname AS name, indexdef AS definition FROM pg_catalog.pg_indexes "
			"WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname", args, 2, &err);
		if (!idx)
			goto fail;
		trg = query (req, &ss,
			"SELECT name, timing, events, level, enabled, condition, action, language "
			"FROM system.triggers WHERE schema = $1 AND table_name = $2 ORDER BY name", args, 2, &err);
		if (!trg)
			goto fail;
		g_string_append (out, "{\"schema\":");
		ox_http_json_string (out, p[0]);
		g_string_append (out, ",\"name\":");
		ox_http_json_string (out, p[2]);
		g_string_append (out, ",\"kind\":\"table\",\"columns\":");
		append_objects (out, cols, 0, cols->rows->len);
		g_string_append (out, ",\"constraints\":");
		append_objects (out, cons, 0, cons->rows->len);
		g_string_append (out, ",\"indexes\":[");
		for (guint i = 0; i < idx->rows->len; i++) {
			const char *name = cell (idx, i, "name");
			const char *owner = NULL;
			for (guint k = 0; k < cons->rows->len && !owner; k++)
				if (!g_strcmp0 (cell (cons, k, "name"), name))
					owner = name;
			g_string_append (out, i ? ",{\"name\":" : "{\"name\":");
			ox_http_json_string (out, name);
			g_string_append (out, ",\"definition\":");
			ox_http_json_string (out, cell (idx, i, "definition"));
			g_string_append (out, ",\"unique\":");
			g_string_append (out, strstr (cell (idx, i, "definition"), "UNIQUE INDEX") ? "true" : "false");
			g_string_append (out, ",\"constraint\":");
			if (owner)
				ox_http_json_string (out, owner);
			else
				g_string_append (out, "null");
			g_string_append_c (out, '}');
		}
		g_string_append (out, "],\"triggers\":");
		append_objects (out, trg, 0, trg->rows->len);
		g_autofree char *ddl = table_ddl (p[0], p[2], cols, cons, idx);
		g_string_append (out, ",\"ddl\":");
		ox_http_json_string (out, ddl);
		g_string_append_c (out, '}');
		goto done;
	}

not_found:
	set_err (&err, "42704", "no such catalog listing: /api/meta/%s", p[n - 1]);
	err.hint = g_strdup ("GET /api/meta/schemas, /api/meta/SCHEMA/tables (views, routines, triggers, schedules, "
	                     "sequences) or /api/meta/SCHEMA/tables/TABLE.");
fail:
	if (!strcmp (err.sqlstate, "57014"))
		explain_stop (req, &err);
	session_close (req, &ss);
	respond_error (req, &err, OX_HTTP_CTX_SQL);
	ox_error_clear (&err);
	return;
done:
	session_close (req, &ss);
	http_req_end (req, 200);
	ox_error_clear (&err);
}

/* ---- the pool's function --------------------------------------------------------- */

void
http_work_run (gpointer data, gpointer user_data)
{
	HttpReq *req = data;
	if (http_req_stopped (req) && req->kind != HTTP_JOB_LOGIN) {
		OxError err = { 0 };
		set_err (&err, "57014", "canceling statement due to user request");
		explain_stop (req, &err);
		respond_error (req, &err, OX_HTTP_CTX_SQL);
		ox_error_clear (&err);
	} else {
		switch (req->kind) {
		case HTTP_JOB_LOGIN: run_login (req); break;
		case HTTP_JOB_SQL: run_sql (req); break;
		case HTTP_JOB_RPC: run_rpc (req); break;
		case HTTP_JOB_META: run_meta (req); break;
		}
	}
	http_req_unref (req);
}

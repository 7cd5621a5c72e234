/*
 * http-private.h — what http-server.c (the main loop side) and
 * http-work.c (the worker side) share: the server and one request.
 *
 * A request's life: the handler on the main thread decodes it, pauses
 * the SoupServerMessage and pushes an HttpReq onto the worker pool.  The
 * worker writes JSON into req->out and hands it over with
 * http_req_flush (a chunk of a streamed response, after which it waits
 * while more than MAX_IN_FLIGHT chunks are unwritten) or http_req_end
 * (the last chunk, or the whole body with its status when nothing was
 * streamed yet).  The main thread appends the chunks to the message and
 * unpauses it.
 *
 * NOTE: only the main thread touches req->msg.  The worker learns that
 * the client is gone (the message "finished" early) through
 * req->finished, under req->lock, and stops at its next flush or row.
 *
 * NOTE: lock order: registry lock, then req->lock (the registry's cancel
 * callbacks take req->lock).  Nobody holding req->lock calls into the
 * registry.
 */
#pragma once

#include <libsoup/soup.h>

#include "http-server.h"
#include "http-auth.h"
#include "http-codec.h"

#define HTTP_FLUSH_AT     (64 * 1024)  /* bytes of output before a chunk is handed over */
#define HTTP_MAX_IN_FLIGHT 4           /* chunks handed over and not yet written */

struct _OxHttpServer {
	OxDatabase        *db;             /* not owned */
	OxSessionRegistry *registry;       /* not owned; may be NULL */
	char              *database;
	gsize              max_body;
	guint              request_timeout_ms;
	guint              auth_failure_delay_ms;
	SoupServer        *soup;
	GMainContext      *main_ctx;       /* where soup lives; chunks are drained there */
	GThreadPool       *pool;           /* of HttpReq* */
	OxHttpTokens      *tokens;
	OxDebugHub        *hub;            /* not owned; may be NULL */
	DapListener       *dap;            /* not owned; may be NULL */
	GMutex             lock;           /* guards reqs */
	GPtrArray         *reqs;           /* live HttpReq*, for cancel_all */
	gint               n_live;         /* atomic: requests not yet freed */
	gboolean           accepting;
	GHashTable        *sessions;       /* id -> HttpSess*, persistent sessions (http-sessions.c); under lock */
	GSource           *sweep;          /* main context: closes idle sessions */
	gint64             session_idle_ms;/* an idle persistent session closes after this; 0: never */
	gint64             idle_in_txn_ms; /* idle_in_transaction_session_timeout default; 0: none */
};

typedef struct _HttpSess HttpSess;

typedef enum {
	HTTP_JOB_LOGIN,
	HTTP_JOB_SQL,
	HTTP_JOB_RPC,
	HTTP_JOB_META,
} HttpJobKind;

typedef struct {
	gint               refs;           /* atomic */
	OxHttpServer      *srv;
	SoupServerMessage *msg;            /* main thread only; NULL once finished */
	HttpJobKind        kind;

	/* the request, read-only once queued */
	char              *user;           /* the token's user (NULL for login) */
	char              *client_addr;
	char              *app_name;       /* X-Application-Name, else "http" */
	GPtrArray         *headers;        /* lower-cased name, value, name, value ... */
	OxHttpLogin        login;
	OxHttpSql          sql;
	OxHttpRpc          rpc;
	char             **meta;           /* path segments after /api/meta/ */
	HttpSess          *psess;          /* X-Oxibase-Session: held busy until released; or NULL */

	/* worker output, worker only */
	GString           *out;
	GPtrArray         *notices;        /* JSON objects (char*) of the current statement */

	GMutex             lock;           /* guards what follows */
	GCond              cond;
	OxDebugTarget     *target;         /* remote debugging of the request's session */
	GQueue             chunks;         /* GBytes* not yet given to the message */
	gboolean           drain_queued;   /* a drain_cb is scheduled */
	gboolean           final;          /* the last chunk is queued */
	guint              status;         /* for an unstreamed response */
	const char        *extra_header;   /* a response header name (WWW-Authenticate) or NULL */
	const char        *extra_value;
	gboolean           streaming;      /* a chunk went out: status 200 is sent */
	gboolean           headers_sent;   /* main thread: status and headers are set */
	guint              in_flight;      /* chunks appended and not yet written */
	gboolean           finished;       /* the message is done or the client gone */
	OxSession         *session;        /* while the worker has one */
	gboolean           timed_out;      /* the request timeout fired */
	gboolean           terminated;     /* /api/sessions/{id}/terminate */
	GSource           *timeout;        /* main thread: the request timeout */
} HttpReq;

HttpReq *http_req_ref (HttpReq *req);
void     http_req_unref (HttpReq *req);

/* Worker side (http-work.c). */
void     http_work_run (gpointer data, gpointer user_data);  /* GThreadPool func; adopts one ref */

/* Hand req->out over as a chunk of a streamed (200) response; waits
 * while the client lags.  FALSE when the client is gone. */
gboolean http_req_flush (HttpReq *req);
/* Hand the rest over and end the response: with status when nothing was
 * streamed yet (then req->out is the whole body). */
void     http_req_end (HttpReq *req, guint status);
/* The client went away, the request timed out or was terminated. */
gboolean http_req_stopped (HttpReq *req);

/* Persistent sessions (http-sessions.c).  Main thread: init, create,
 * acquire (NULL with an error body and status: 404, 403, 409), close,
 * revoke_token, free_all.  Worker: release (the request is done with
 * it; also from http_req_unref if the worker never got to it). */
void       http_sessions_init (OxHttpServer *srv);
void       http_sessions_free_all (OxHttpServer *srv);
gboolean   http_sessions_create (OxHttpServer *srv, const char *user, const char *token, const char *app_name,
                                 const char *client_addr, GString *out, guint *status);
HttpSess  *http_sessions_acquire (OxHttpServer *srv, const char *id_text, const char *user, GString *out,
                                  guint *status);
void       http_sessions_release (OxHttpServer *srv, HttpSess *ps);
gboolean   http_sessions_close (OxHttpServer *srv, const char *id_text, const char *user, GString *out,
                                guint *status);
void       http_sessions_revoke_token (OxHttpServer *srv, const char *token);
OxSession     *http_sess_session (HttpSess *ps);
gint32         http_sess_id (HttpSess *ps);
gboolean       http_sess_terminated (HttpSess *ps);
OxDebugTarget *http_sess_target (HttpSess *ps);

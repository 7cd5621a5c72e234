/*
 * pg-backend.c — one client connection: the protocol 3.0 state machine
 * over an engine session (see the PostgreSQL documentation, "Frontend/
 * Backend Protocol", chapters "Message Flow" and "Message Formats").
 *
 * Phases: startup packet (SSLRequest answered 'S' and TLS started when the
 * server has a certificate, 'N' otherwise; GSSENCRequest 'N'; CancelRequest
 * served), authentication by the first matching hba rule (trust, reject
 * or SCRAM-SHA-256), then the message loop.
 *
 * NOTE: authentication failures.  A wrong password, a missing role and an
 * expired or absent password all answer the same 28P01 after the same
 * delay (auth_failure_delay_ms); the reason is logged on the server only.
 * A missing role still goes through a whole (simulated) SCRAM exchange.
 *
 * NOTE: everything here runs on the connection's own thread; the only
 * state other threads touch is `running` and the socket (cancel, wake,
 * abort), behind `lock`.
 *
 * NOTE: output is buffered in `out` and written at ReadyForQuery, Flush,
 * after a notice, and whenever it passes FLUSH_AT bytes — as PostgreSQL
 * does — so a result set does not cost one write per row.  A write that
 * fails means the client is gone: the backend stops at the next message
 * boundary and the session (and its transaction) is freed.
 *
 * NOTE: transactions.  The engine autocommits each statement outside a
 * transaction block.  PostgreSQL instead runs a multi-statement Query
 * message, or the extended-query messages up to a Sync, as one implicit
 * transaction; here each statement commits on its own.  Inside BEGIN ...
 * COMMIT both behave the same.
 */
#define G_LOG_DOMAIN "oxibase-pgwire"

#include "pg-backend.h"
#include "pg-message.h"
#include "pg-types.h"
#include "server-config.h"

#include <string.h>
#include <unistd.h>
#include <sys/random.h>

#define FLUSH_AT (64 * 1024)        /* bytes of output buffered before a write */
#define READ_CHUNK (64 * 1024)      /* a message body grows by at most this per read */
#define STARTUP_TIMEOUT_S 60        /* for the startup packet, as authentication_timeout */

/* A prepared statement (Parse). */
typedef struct {
	gint     refs;         /* the statement table + portals borrowing st */
	char    *name;         /* "" for the unnamed statement */
	OxStmt  *st;           /* NULL for an empty query */
	gboolean st_busy;      /* a portal is using st (others prepare their own) */
	guint32 *param_types;  /* n_params OIDs; 0 = unspecified */
	int      n_params;     /* max of $n used and types sent */
} PgPrepared;

/* A portal (Bind). */
typedef struct {
	char        *name;
	PgPrepared  *from;        /* a reference */
	OxStmt      *st;          /* from->st when borrowed, else owned; NULL: empty query */
	gboolean     borrowed;
	int          n_cols;
	PgColumnType *types;      /* n_cols */
	gint16      *formats;     /* n_cols: 0 text, 1 binary */
	gboolean     done;        /* ran to completion: Execute only repeats the tag */
	gboolean     started;     /* executed at least once */
	char        *tag;         /* the command tag once done */
} PgPortal;

struct _PgBackend {
	const PgBackendHost *host;
	GSocketConnection   *conn;
	GSocket             *socket;
	GInputStream        *in;
	GOutputStream       *outs;
	GCancellable        *cancellable;  /* cancels waiting reads (shutdown) */
	GByteArray          *out;          /* output not yet written */
	gboolean             out_broken;   /* a write failed: the client is gone */
	char                *peer;         /* "127.0.0.1:4711" for logs */
	GInetAddress        *peer_addr;    /* for the hba rules; NULL if not IP */
	GIOStream           *tls;          /* the TLS connection over conn, or NULL */
	OxServerConfig      *config;       /* the configuration this connection started with */

	OxSession  *session;
	OxDatabase *db;                    /* the database connected to (open_database), or NULL */
	gint32      pid, secret;           /* BackendKeyData; pid 0 until admitted */
	char       *user;
	char       *database;
	GHashTable *statements;            /* name -> PgPrepared */
	GHashTable *portals;               /* name -> PgPortal */
	gboolean    skip_to_sync;          /* an extended-query message failed */
	GHashTable *reported;              /* ParameterStatus name -> last value sent */

	gboolean    copy_out;              /* COPY TO STDOUT began: CopyDone is due */
	GByteArray *copy_pending;          /* CopyData bytes not yet handed to the engine */
	guint       copy_pending_at;       /* ... from this offset */

	GMutex      lock;                  /* guards running and socket shutdown */
	gboolean    running;               /* a statement is inside the engine */
	gboolean    aborted;               /* pg_backend_abort was called */
	OxDebugTarget *target;             /* remote debugging; under lock for other threads */
	char       *app_name;              /* application_name as the hub knows it */
};

/* ---- output ----------------------------------------------------------------- */

static void
flush_out (PgBackend *b)
{
	if (b->out->len == 0 || b->out_broken) {
		g_byte_array_set_size (b->out, 0);
		return;
	}
	g_autoptr (GError) error = NULL;
	if (!g_output_stream_write_all (b->outs, b->out->data, b->out->len, NULL, NULL, &error)) {
		b->out_broken = TRUE;
		pg_log ("LOG", "could not send data to client %s: %s", b->peer, error->message);
	}
	g_byte_array_set_size (b->out, 0);
}

static void
maybe_flush (PgBackend *b)
{
	if (b->out->len >= FLUSH_AT)
		flush_out (b);
}

static void
send_error_fields (PgBackend *b, const char *severity, const char *sqlstate, const char *message,
                   const char *detail, const char *hint, int position, const char *context)
{
	PgErrorFields f = { severity, sqlstate, message, detail, hint, position, context };
	pg_put_error (b->out, 'E', &f);
	if (!strcmp (severity, "FATAL"))
		pg_log ("FATAL", "%s: %s (%s)", b->peer, message, sqlstate);
}

static void
send_error (PgBackend *b, const char *sqlstate, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
static void
send_error (PgBackend *b, const char *sqlstate, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	g_autofree char *msg = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	send_error_fields (b, "ERROR", sqlstate, msg, NULL, NULL, 0, NULL);
}

static void
send_fatal (PgBackend *b, const char *sqlstate, const char *message)
{
	send_error_fields (b, "FATAL", sqlstate, message, NULL, NULL, 0, NULL);
	flush_out (b);
}

/* An engine error; position_base is the number of characters of the
 * message text before the text ox_prepare saw. */
static void
send_ox_error (PgBackend *b, OxError *err, int position_base)
{
	/* one log line per failed statement, as PostgreSQL's log_min_error_statement */
	pg_log_full ("ERROR", err->sqlstate[0] ? err->sqlstate : "XX000", b->user, b->database,
	             "%s (SQLSTATE %s) user=%s database=%s", err->message ? err->message : "unknown error",
	             err->sqlstate[0] ? err->sqlstate : "XX000", b->user ? b->user : "", b->database ? b->database : "");
	send_error_fields (b, "ERROR", err->sqlstate[0] ? err->sqlstate : "XX000",
	                   err->message ? err->message : "unknown error", err->detail, err->hint,
	                   err->position > 0 ? err->position + position_base : 0, err->context);
	ox_error_clear (err);
}

static void
send_parameter_status (PgBackend *b, const char *name, const char *value)
{
	const char *old = g_hash_table_lookup (b->reported, name);
	if (old && !strcmp (old, value))
		return;
	g_hash_table_insert (b->reported, g_strdup (name), g_strdup (value));
	gsize m = pg_msg_begin (b->out, 'S');
	pg_put_str (b->out, name);
	pg_put_str (b->out, value);
	pg_msg_end (b->out, m);
}

/* The settings PostgreSQL 15 reports (GUC_REPORT), in its spelling, with
 * the engine's name for each (NULL: a fixed value). */
static const struct {
	const char *name;
	const char *setting;
	const char *fixed;
} reported_settings[] = {
	{ "application_name", "application_name", NULL },
	{ "client_encoding", NULL, "UTF8" },
	{ "DateStyle", "datestyle", NULL },
	{ "default_transaction_read_only", NULL, "off" },
	{ "in_hot_standby", NULL, "off" },
	{ "integer_datetimes", NULL, "on" },
	{ "IntervalStyle", "intervalstyle", NULL },
	{ "is_superuser", "is_superuser", NULL },
	{ "server_encoding", NULL, "UTF8" },
	{ "server_version", NULL, "15.0 (Oxibase " PACKAGE_VERSION ")" },
	{ "standard_conforming_strings", "standard_conforming_strings", NULL },
	{ "TimeZone", "timezone", NULL },
};

/* Send ParameterStatus for every reported setting whose value changed
 * since it was last sent (all of them the first time). */
static void
report_settings (PgBackend *b)
{
	for (gsize i = 0; i < G_N_ELEMENTS (reported_settings); i++) {
		if (reported_settings[i].fixed) {
			send_parameter_status (b, reported_settings[i].name, reported_settings[i].fixed);
			continue;
		}
		g_autofree char *v = ox_session_setting (b->session, reported_settings[i].setting);
		send_parameter_status (b, reported_settings[i].name, v ? v : "");
	}
	g_autofree char *sa = ox_session_setting (b->session, "session_authorization");
	send_parameter_status (b, "session_authorization", sa ? sa : b->user);
}

/* Tell the server's session registry what this backend is doing now
 * (GET /api/sessions): at ReadyForQuery, and when a statement starts. */
static void
report_state (PgBackend *b, OxStmt *running)
{
	if (!b->host->registry || !b->pid)
		return;
	if (running) {
		ox_session_registry_set_state (b->host->registry, b->pid, OX_SESSION_ACTIVE, ox_stmt_sql (running), NULL);
		return;
	}
	char st = ox_session_txn_status (b->session);
	g_autofree char *app = ox_session_setting (b->session, "application_name");
	ox_session_registry_set_state (b->host->registry, b->pid,
	                               st == 'T' ? OX_SESSION_IDLE_IN_TRANSACTION
	                               : st == 'E' ? OX_SESSION_IDLE_IN_FAILED_TRANSACTION : OX_SESSION_IDLE,
	                               NULL, app ? app : "");
}

static void
send_ready (PgBackend *b)
{
	gsize m = pg_msg_begin (b->out, 'Z');
	pg_put_u8 (b->out, (guint8) ox_session_txn_status (b->session));
	pg_msg_end (b->out, m);
	report_state (b, NULL);  /* before the client can see ReadyForQuery */
	flush_out (b);
}

static void
send_empty_message (PgBackend *b, guint8 type)
{
	gsize m = pg_msg_begin (b->out, type);
	pg_msg_end (b->out, m);
}

/* NoticeResponse for RAISE NOTICE / WARNING and the engine's notices;
 * written at once, as PostgreSQL does, so a client sees progress. */
static void
notice_cb (void *user, const char *severity, const char *sqlstate, const char *message)
{
	PgBackend *b = user;
	PgErrorFields f = { severity ? severity : "NOTICE", sqlstate && *sqlstate ? sqlstate : "00000",
	                    message, NULL, NULL, 0, NULL };
	pg_put_error (b->out, 'N', &f);
	flush_out (b);
}

/* ---- input ------------------------------------------------------------------ */

typedef enum { READ_OK, READ_EOF, READ_FAILED } ReadResult;

static ReadResult
read_exact (PgBackend *b, void *buf, gsize n, GError **error)
{
	gsize got = 0;
	if (!g_input_stream_read_all (b->in, buf, n, &got, b->cancellable, error))
		return READ_FAILED;
	return got == n ? READ_OK : READ_EOF;
}

/* Read len bytes into a fresh buffer that grows as they arrive, so a
 * peer that announces 1 GB and sends nothing costs nothing. */
static ReadResult
read_body (PgBackend *b, gsize len, GByteArray **out, GError **error)
{
	GByteArray *body = g_byte_array_sized_new ((guint) MIN (len, READ_CHUNK) + 1);
	while (body->len < len) {
		gsize chunk = MIN (len - body->len, READ_CHUNK);
		guint at = body->len;
		g_byte_array_set_size (body, at + (guint) chunk);
		ReadResult r = read_exact (b, body->data + at, chunk, error);
		if (r != READ_OK) {
			g_byte_array_unref (body);
			return r;
		}
	}
	*out = body;
	return READ_OK;
}

static guint32
be32 (const guint8 *p)
{
	return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* ---- prepared statements and portals ---------------------------------------- */

static PgPrepared *
prepared_ref (PgPrepared *p)
{
	p->refs++;
	return p;
}

static void
prepared_unref (PgPrepared *p)
{
	if (--p->refs > 0)
		return;
	ox_finalize (p->st);
	g_free (p->name);
	g_free (p->param_types);
	g_free (p);
}

static void
portal_free (PgPortal *p)
{
	if (p->borrowed) {
		ox_reset (p->st);
		p->from->st_busy = FALSE;
	} else {
		ox_finalize (p->st);
	}
	prepared_unref (p->from);
	g_free (p->name);
	g_free (p->types);
	g_free (p->formats);
	g_free (p->tag);
	g_free (p);
}

/* ---- COPY ------------------------------------------------------------------ */

/* The engine's COPY data channel (OxCopyIO): CopyInResponse / CopyOutResponse
 * when the statement starts, then CopyData messages either way.  See the
 * protocol's "COPY Operations": during COPY FROM STDIN, Flush and Sync are
 * ignored, CopyDone ends the data, CopyFail aborts the statement (57014),
 * anything else is a protocol violation.  After an error the client may
 * still be sending: serve() drops CopyData / CopyDone / CopyFail that
 * arrive outside COPY, as PostgreSQL does. */
static int
copy_begin_cb (void *user, bool copy_in, int ncols, OxError *err)
{
	PgBackend *b = user;
	(void) err;
	gsize m = pg_msg_begin (b->out, copy_in ? 'G' : 'H');
	pg_put_u8 (b->out, 0);  /* text */
	pg_put_i16 (b->out, (gint16) ncols);
	for (int i = 0; i < ncols; i++)
		pg_put_i16 (b->out, 0);
	pg_msg_end (b->out, m);
	if (copy_in)
		flush_out (b);  /* the client waits for it before sending data */
	else
		b->copy_out = TRUE;
	return OX_OK;
}

static void
copy_set_error (OxError *err, const char *sqlstate, char *message)
{
	g_strlcpy (err->sqlstate, sqlstate, sizeof err->sqlstate);
	err->message = message;
}

static ptrdiff_t
copy_read_cb (void *user, char *buf, size_t cap, OxError *err)
{
	PgBackend *b = user;
	for (;;) {
		if (b->copy_pending) {
			guint left = b->copy_pending->len - b->copy_pending_at;
			size_t n = MIN ((size_t) left, cap);
			memcpy (buf, b->copy_pending->data + b->copy_pending_at, n);
			b->copy_pending_at += (guint) n;
			if (b->copy_pending_at >= b->copy_pending->len)
				g_clear_pointer (&b->copy_pending, g_byte_array_unref);
			if (n > 0)
				return (ptrdiff_t) n;
		}
		if (b->out_broken) {
			copy_set_error (err, "08006", g_strdup ("connection to client lost"));
			return -1;
		}
		guint8 hdr[5];
		g_autoptr (GError) error = NULL;
		GByteArray *body = NULL;
		ReadResult r = read_exact (b, hdr, 5, &error);
		if (r == READ_OK && !pg_message_check_header (hdr[0], be32 (hdr + 1), &error)) {
			b->out_broken = TRUE;  /* the stream is out of step: end the connection */
			copy_set_error (err, "08P01", g_strdup (error->message));
			return -1;
		}
		if (r == READ_OK)
			r = read_body (b, be32 (hdr + 1) - 4, &body, &error);
		if (r != READ_OK) {
			pg_log ("LOG", "%s: unexpected EOF on client connection during COPY", b->peer);
			b->out_broken = TRUE;
			copy_set_error (err, "08006", g_strdup ("unexpected EOF on client connection during COPY"));
			return -1;
		}
		switch (hdr[0]) {
		case 'd':
			b->copy_pending = body;
			b->copy_pending_at = 0;
			continue;
		case 'c':
			g_byte_array_unref (body);
			return 0;
		case 'f': {
			g_autofree char *msg = g_strndup ((const char *) body->data, body->len);
			g_byte_array_unref (body);
			copy_set_error (err, "57014", g_strdup_printf ("COPY from stdin failed: %s", msg));
			return -1;
		}
		case 'H':
		case 'S':
			g_byte_array_unref (body);
			continue;
		default:
			g_byte_array_unref (body);
			copy_set_error (err, "08P01", g_strdup_printf ("unexpected message type 0x%02X during COPY from stdin", hdr[0]));
			return -1;
		}
	}
}

static int
copy_write_cb (void *user, const char *data, size_t len, OxError *err)
{
	PgBackend *b = user;
	if (b->out_broken) {
		copy_set_error (err, "08006", g_strdup ("connection to client lost"));
		return OX_ERROR;
	}
	gsize m = pg_msg_begin (b->out, 'd');
	pg_put_bytes (b->out, data, len);
	pg_msg_end (b->out, m);
	maybe_flush (b);
	return OX_OK;
}

static void
copy_install (PgBackend *b)
{
	OxCopyIO io = { copy_begin_cb, copy_read_cb, copy_write_cb, b };
	ox_session_set_copy_io (b->session, &io);
}

/* A statement ended: a COPY it ran is over. */
static void
copy_end (PgBackend *b)
{
	b->copy_out = FALSE;
	g_clear_pointer (&b->copy_pending, g_byte_array_unref);
}

/* ---- running statements ----------------------------------------------------- */

static void
set_running (PgBackend *b, gboolean running)
{
	g_mutex_lock (&b->lock);
	b->running = running;
	g_mutex_unlock (&b->lock);
}

static void
put_row_description (PgBackend *b, OxStmt *st, const PgColumnType *types, const gint16 *formats)
{
	int n = ox_column_count (st);
	gsize m = pg_msg_begin (b->out, 'T');
	pg_put_i16 (b->out, (gint16) n);
	for (int c = 0; c < n; c++) {
		PgColumnType t = types ? types[c] : pg_column_type (st, c);
		const char *name = ox_column_name (st, c);
		pg_put_str (b->out, name ? name : "?column?");
		pg_put_i32 (b->out, 0);   /* table OID: none yet (pg_catalog is a later step) */
		pg_put_i16 (b->out, 0);   /* column number */
		pg_put_i32 (b->out, (gint32) t.oid);
		pg_put_i16 (b->out, t.size);
		pg_put_i32 (b->out, t.typmod);
		pg_put_i16 (b->out, formats ? formats[c] : 0);
	}
	pg_msg_end (b->out, m);
}

static void
put_data_row (PgBackend *b, OxStmt *st, int n, const PgColumnType *types, const gint16 *formats)
{
	gsize m = pg_msg_begin (b->out, 'D');
	pg_put_i16 (b->out, (gint16) n);
	for (int c = 0; c < n; c++) {
		if (formats && formats[c] == 1) {
			pg_put_binary_value (b->out, st, c, types[c].oid);
			continue;
		}
		const char *v = ox_column_text (st, c);
		if (!v) {
			pg_put_i32 (b->out, -1);
			continue;
		}
		gsize len = strlen (v);
		pg_put_i32 (b->out, (gint32) len);
		pg_put_bytes (b->out, v, len);
	}
	pg_msg_end (b->out, m);
}

static void
put_command_complete (PgBackend *b, const char *tag)
{
	gsize m = pg_msg_begin (b->out, 'C');
	pg_put_str (b->out, tag ? tag : "");
	pg_msg_end (b->out, m);
}

/* Remote debugging: the debugger comes and goes only between statements
 * (debug-hub.h); call before a statement starts. */
static void
debug_checkpoint (PgBackend *b)
{
	if (b->target)
		ox_debug_target_checkpoint (b->target);
}

/* The hub's filters match on application_name: keep it current. */
static void
debug_note_app_name (PgBackend *b)
{
	if (!b->target)
		return;
	g_autofree char *app = ox_session_setting (b->session, "application_name");
	if (g_strcmp0 (app, b->app_name)) {
		g_free (b->app_name);
		b->app_name = g_strdup (app ? app : "");
		ox_debug_target_set_application_name (b->target, b->app_name);
	}
}

/* A statement that changed settings may have changed reported ones. */
static void
after_statement (PgBackend *b, const char *tag)
{
	if (tag && (g_str_has_prefix (tag, "SET") || g_str_has_prefix (tag, "RESET")
	            || !strcmp (tag, "COMMIT") || !strcmp (tag, "ROLLBACK") || !strcmp (tag, "DISCARD ALL"))) {
		report_settings (b);
		debug_note_app_name (b);
	}
}

/* Step st, sending DataRows, up to max_rows rows (0 = all).  Returns
 * OX_DONE (CommandComplete sent), OX_ROW (stopped at max_rows) or OX_ERROR
 * (*err filled, nothing sent for it). */
static int
run_rows (PgBackend *b, OxStmt *st, int max_rows, const PgColumnType *types, const gint16 *formats,
          char **tag_out, OxError *err)
{
	int n = ox_column_count (st);
	int rows = 0;
	int rc;
	gint64 started = g_get_monotonic_time ();

	set_running (b, TRUE);
	report_state (b, st);
	for (;;) {
		if (max_rows > 0 && rows >= max_rows) {
			rc = OX_ROW;
			break;
		}
		rc = ox_step (st, err);
		if (rc != OX_ROW)
			break;
		if (n > 0) {
			put_data_row (b, st, n, types, formats);
			maybe_flush (b);
		}
		rows++;
	}
	set_running (b, FALSE);
	gint64 slow = b->config->log_min_duration_statement_ms;
	gint64 took = g_get_monotonic_time () - started;
	if (slow >= 0 && took >= slow * 1000)
		pg_log_full ("LOG", NULL, b->user, b->database, "duration: %.3f ms  user=%s database=%s statement: %s",
		             (double) took / 1000.0, b->user, b->database, ox_stmt_sql (st) ? ox_stmt_sql (st) : "");
	if (rc == OX_DONE && b->copy_out)
		send_empty_message (b, 'c');  /* CopyDone */
	copy_end (b);
	if (rc == OX_DONE) {
		const char *tag = ox_command_tag (st);
		put_command_complete (b, tag);
		if (tag_out)
			*tag_out = g_strdup (tag);
		after_statement (b, tag);
	}
	return rc;
}

/* ---- simple query ----------------------------------------------------------- */

/* 'Q': every statement of the text in turn; the first error ends it. */
static void
handle_query (PgBackend *b, const char *sql)
{
	const char *rest = sql;
	gboolean any = FALSE;     /* a statement was found */
	gboolean failed = FALSE;  /* an error was sent */

	/* a Query message drops the unnamed statement and portal */
	g_hash_table_remove (b->portals, "");
	g_hash_table_remove (b->statements, "");

	while (rest && *rest) {
		OxError err = { 0 };
		OxStmt *st = NULL;
		const char *tail = NULL;
		int base = (int) g_utf8_strlen (sql, rest - sql);

		if (ox_prepare (b->session, rest, -1, &st, &tail, &err) != OX_OK) {
			send_ox_error (b, &err, base);
			failed = TRUE;
			break;
		}
		if (!st)
			break;  /* only white space and comments were left */
		any = TRUE;
		if (ox_stmt_returns_rows (st))
			put_row_description (b, st, NULL, NULL);
		debug_checkpoint (b);
		int rc = run_rows (b, st, 0, NULL, NULL, NULL, &err);
		ox_finalize (st);
		if (rc == OX_ERROR) {
			send_ox_error (b, &err, base);
			failed = TRUE;
			break;
		}
		if (b->out_broken)
			break;
		rest = tail;
	}
	if (!any && !failed)
		send_empty_message (b, 'I');  /* EmptyQueryResponse */
}

/* ---- extended query --------------------------------------------------------- */

/* 'P' */
static gboolean
handle_parse (PgBackend *b, const PgMessage *m)
{
	if (*m->name && g_hash_table_contains (b->statements, m->name)) {
		send_error (b, "42P05", "prepared statement \"%s\" already exists", m->name);
		return FALSE;
	}
	OxError err = { 0 };
	OxStmt *st = NULL;
	const char *tail = NULL;
	if (ox_prepare (b->session, m->sql, -1, &st, &tail, &err) != OX_OK) {
		send_ox_error (b, &err, 0);
		return FALSE;
	}
	if (st && tail && *tail) {
		OxStmt *more = NULL;
		if (ox_prepare (b->session, tail, -1, &more, NULL, &err) != OX_OK || more) {
			ox_finalize (more);
			ox_finalize (st);
			ox_error_clear (&err);
			send_error (b, "42601", "cannot insert multiple commands into a prepared statement");
			return FALSE;
		}
	}
	PgPrepared *p = g_new0 (PgPrepared, 1);
	p->refs = 1;
	p->name = g_strdup (m->name);
	p->st = st;
	p->n_params = MAX (st ? ox_param_count (st) : 0, (int) m->n_param_types);
	p->param_types = g_new0 (guint32, p->n_params + 1);
	for (guint i = 0; i < m->n_param_types; i++)
		p->param_types[i] = m->param_types[i];
	g_hash_table_replace (b->statements, g_strdup (m->name), p);
	send_empty_message (b, '1');
	return TRUE;
}

/* 'B' */
static gboolean
handle_bind (PgBackend *b, const PgMessage *m)
{
	PgPrepared *p = g_hash_table_lookup (b->statements, m->name2);
	if (!p) {
		if (*m->name2)
			send_error (b, "26000", "prepared statement \"%s\" does not exist", m->name2);
		else
			send_error (b, "26000", "unnamed prepared statement does not exist");
		return FALSE;
	}
	if (*m->name && g_hash_table_contains (b->portals, m->name)) {
		send_error (b, "42P03", "cursor \"%s\" already exists", m->name);
		return FALSE;
	}
	if (m->n_params != p->n_params) {
		send_error (b, "08P01", "bind message supplies %u parameters, but prepared statement \"%s\" requires %d",
		            m->n_params, p->name, p->n_params);
		return FALSE;
	}
	/* the unnamed portal is replaced (and must let go of its statement first) */
	if (!*m->name)
		g_hash_table_remove (b->portals, "");

	PgPortal *portal = g_new0 (PgPortal, 1);
	portal->name = g_strdup (m->name);
	portal->from = prepared_ref (p);
	if (p->st && !p->st_busy) {
		portal->st = p->st;
		portal->borrowed = TRUE;
		p->st_busy = TRUE;
		ox_reset (portal->st);
	} else if (p->st) {
		OxError err = { 0 };
		if (ox_prepare (b->session, ox_stmt_sql (p->st), -1, &portal->st, NULL, &err) != OX_OK) {
			portal_free (portal);
			send_ox_error (b, &err, 0);
			return FALSE;
		}
	}
	/* Parse may declare more parameter types than the text uses; values
	 * for those are accepted and not bound, as PostgreSQL ignores them */
	guint n_used = portal->st ? (guint) ox_param_count (portal->st) : 0;
	for (guint i = 0; i < m->n_params && i < n_used; i++) {
		const char *sqlstate = NULL;
		g_autofree char *message = NULL;
		gint16 fmt = pg_format_for (m->param_formats, m->n_param_formats, i);
		if (!pg_bind_param (portal->st, (int) i + 1, m->params[i].data, m->params[i].len, fmt,
		                    p->param_types[i], &sqlstate, &message)) {
			portal_free (portal);
			send_error (b, sqlstate, "%s", message);
			return FALSE;
		}
	}
	portal->n_cols = portal->st ? ox_column_count (portal->st) : 0;
	if (m->n_result_formats > 1 && m->n_result_formats != portal->n_cols) {
		portal_free (portal);
		send_error (b, "08P01", "bind message has %u result formats but query has %d columns",
		            m->n_result_formats, portal->n_cols);
		return FALSE;
	}
	portal->types = g_new0 (PgColumnType, portal->n_cols + 1);
	portal->formats = g_new0 (gint16, portal->n_cols + 1);
	for (int c = 0; c < portal->n_cols; c++) {
		portal->types[c] = pg_column_type (portal->st, c);
		portal->formats[c] = pg_format_for (m->result_formats, m->n_result_formats, (guint) c);
		if (portal->formats[c] == 1 && !pg_type_has_binary (portal->types[c].oid)) {
			guint32 oid = portal->types[c].oid;
			portal_free (portal);
			send_error (b, "0A000", "binary format for result column %d of type %u is not supported",
			            c + 1, oid);
			return FALSE;
		}
	}
	g_hash_table_replace (b->portals, g_strdup (m->name), portal);
	send_empty_message (b, '2');
	return TRUE;
}

/* 'D' */
static gboolean
handle_describe (PgBackend *b, const PgMessage *m)
{
	if (m->what == 'S') {
		PgPrepared *p = g_hash_table_lookup (b->statements, m->name);
		if (!p) {
			send_error (b, "26000", "prepared statement \"%s\" does not exist", m->name);
			return FALSE;
		}
		gsize t = pg_msg_begin (b->out, 't');
		pg_put_i16 (b->out, (gint16) p->n_params);
		/* an unspecified parameter is described as text: the engine
		 * converts text to whatever type it inferred */
		for (int i = 0; i < p->n_params; i++)
			pg_put_i32 (b->out, (gint32) (p->param_types[i] ? p->param_types[i] : PG_OID_TEXT));
		pg_msg_end (b->out, t);
		if (p->st && ox_stmt_returns_rows (p->st))
			put_row_description (b, p->st, NULL, NULL);
		else
			send_empty_message (b, 'n');
		return TRUE;
	}
	PgPortal *portal = g_hash_table_lookup (b->portals, m->name);
	if (!portal) {
		send_error (b, "34000", "portal \"%s\" does not exist", m->name);
		return FALSE;
	}
	if (portal->st && ox_stmt_returns_rows (portal->st))
		put_row_description (b, portal->st, portal->types, portal->formats);
	else
		send_empty_message (b, 'n');
	return TRUE;
}

/* 'E' */
static gboolean
handle_execute (PgBackend *b, const PgMessage *m)
{
	PgPortal *portal = g_hash_table_lookup (b->portals, m->name);
	if (!portal) {
		send_error (b, "34000", "portal \"%s\" does not exist", m->name);
		return FALSE;
	}
	if (!portal->st) {
		send_empty_message (b, 'I');
		return TRUE;
	}
	if (portal->done) {
		/* PostgreSQL runs a finished portal's plan no further either */
		put_command_complete (b, portal->tag);
		return TRUE;
	}
	OxError err = { 0 };
	if (!portal->started) {
		/* not between two Executes of one portal: its frames are open */
		portal->started = TRUE;
		debug_checkpoint (b);
	}
	int rc = run_rows (b, portal->st, m->max_rows, portal->types, portal->formats, &portal->tag, &err);
	if (rc == OX_ERROR) {
		send_ox_error (b, &err, 0);
		portal->done = TRUE;
		return FALSE;
	}
	if (rc == OX_ROW)
		send_empty_message (b, 's');  /* PortalSuspended */
	else
		portal->done = TRUE;
	return TRUE;
}

/* 'C' */
static void
handle_close (PgBackend *b, const PgMessage *m)
{
	/* closing something that does not exist is not an error */
	if (m->what == 'S')
		g_hash_table_remove (b->statements, m->name);
	else
		g_hash_table_remove (b->portals, m->name);
	send_empty_message (b, '3');
}

/* 'S': ends an implicit transaction, which also ends its portals. */
static void
handle_sync (PgBackend *b)
{
	b->skip_to_sync = FALSE;
	if (ox_session_txn_status (b->session) == 'I')
		g_hash_table_remove_all (b->portals);
	send_ready (b);
}

/* ---- startup ---------------------------------------------------------------- */

/* Apply one startup parameter as a SET; FALSE (FATAL sent) on failure. */
static gboolean
apply_setting (PgBackend *b, const char *name, const char *value)
{
	if (!g_ascii_strcasecmp (name, "client_encoding")) {
		/* we speak UTF-8 only; SQL_ASCII means "no conversion", which is
		 * also what we do; "auto" is libpq asking for the locale's */
		if (g_ascii_strcasecmp (value, "UTF8") && g_ascii_strcasecmp (value, "UTF-8")
		    && g_ascii_strcasecmp (value, "UNICODE") && g_ascii_strcasecmp (value, "SQL_ASCII")
		    && g_ascii_strcasecmp (value, "auto")) {
			g_autofree char *msg = g_strdup_printf ("client_encoding \"%s\" is not supported: "
			                                        "oxibase-server speaks UTF8", value);
			send_fatal (b, "0A000", msg);
			return FALSE;
		}
		return TRUE;
	}
	GString *sql = g_string_new ("SET ");
	for (const char *p = name; *p; p++)
		if (g_ascii_isalnum (*p) || *p == '_' || *p == '.')
			g_string_append_c (sql, *p);
	g_string_append (sql, " TO '");
	for (const char *p = value; *p; p++) {
		if (*p == '\'')
			g_string_append_c (sql, '\'');
		g_string_append_c (sql, *p);
	}
	g_string_append_c (sql, '\'');
	OxError err = { 0 };
	int rc = ox_exec (b->session, sql->str, &err);
	g_string_free (sql, TRUE);
	if (rc != OX_OK) {
		send_fatal (b, err.sqlstate[0] ? err.sqlstate : "22023", err.message ? err.message : "invalid setting");
		ox_error_clear (&err);
		return FALSE;
	}
	return TRUE;
}

/* "options": "-c name=value --name=value", backslash escapes a space. */
static gboolean
apply_options (PgBackend *b, const char *options)
{
	g_autoptr (GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
	GString *w = NULL;
	for (const char *p = options; ; p++) {
		if (*p == '\0' || g_ascii_isspace (*p)) {
			if (w)
				g_ptr_array_add (words, g_string_free (w, FALSE));
			w = NULL;
			if (!*p)
				break;
			continue;
		}
		if (!w)
			w = g_string_new (NULL);
		if (*p == '\\' && p[1])
			p++;
		g_string_append_c (w, *p);
	}
	for (guint i = 0; i < words->len; i++) {
		const char *word = g_ptr_array_index (words, i);
		const char *kv = NULL;
		if (!strcmp (word, "-c") && i + 1 < words->len)
			kv = g_ptr_array_index (words, ++i);
		else if (g_str_has_prefix (word, "-c"))
			kv = word + 2;
		else if (g_str_has_prefix (word, "--"))
			kv = word + 2;
		const char *eq = kv ? strchr (kv, '=') : NULL;
		if (!eq) {
			g_autofree char *msg = g_strdup_printf ("invalid command-line argument for server process: %s", word);
			send_fatal (b, "42601", msg);
			return FALSE;
		}
		g_autofree char *name = g_strndup (kv, (gsize) (eq - kv));
		for (char *c = name; *c; c++)
			if (*c == '-')
				*c = '_';
		if (!apply_setting (b, name, eq + 1))
			return FALSE;
	}
	return TRUE;
}

/* ---- authentication --------------------------------------------------------- */

/* Read one 'p' message (SASLInitialResponse / SASLResponse) during
 * authentication; FALSE when the client left or sent something else
 * (FATAL sent for the latter). */
static gboolean
read_auth_message (PgBackend *b, GByteArray **body)
{
	guint8 hdr[5];
	g_autoptr (GError) error = NULL;
	ReadResult r = read_exact (b, hdr, 5, &error);
	if (r != READ_OK) {
		/* libpq hangs up when asked for a password it does not have (psql
		 * then prompts and reconnects): not worth more than a LOG line */
		pg_log ("LOG", "%s: connection closed during authentication for user \"%s\"", b->peer, b->user);
		return FALSE;
	}
	guint32 len = be32 (hdr + 1);
	if (hdr[0] != 'p') {
		g_autofree char *msg = g_strdup_printf ("expected SASL response, got message type %d", hdr[0]);
		send_fatal (b, "08P01", msg);
		return FALSE;
	}
	if (!pg_message_check_header (hdr[0], len, &error)) {
		send_fatal (b, "08P01", error->message);
		return FALSE;
	}
	if (read_body (b, len - 4, body, &error) != READ_OK) {
		pg_log ("LOG", "%s: unexpected EOF within message", b->peer);
		return FALSE;
	}
	return TRUE;
}

/* 28P01 after the configured delay; the reason only in the server's log. */
static gboolean
auth_failed (PgBackend *b, OxError *err)
{
	int delay = b->config->auth_failure_delay_ms;
	if (delay > 0)
		g_usleep ((gulong) delay * 1000);
	/* the client gets the message alone; the log line has the reason */
	PgErrorFields f = { "FATAL", err->sqlstate, err->message, NULL, NULL, 0, NULL };
	pg_put_error (b->out, 'E', &f);
	flush_out (b);
	pg_log ("FATAL", "%s: %s (%s): %s", b->peer, err->message, err->sqlstate, err->detail ? err->detail : "");
	ox_error_clear (err);
	return FALSE;
}

static void
send_auth_request (PgBackend *b, gint32 code, const void *data, gsize len)
{
	gsize m = pg_msg_begin (b->out, 'R');
	pg_put_i32 (b->out, code);
	if (data)
		g_byte_array_append (b->out, data, (guint) len);
	pg_msg_end (b->out, m);
	flush_out (b);
}

/* SCRAM-SHA-256 (the "SASL Authentication" section of the protocol
 * chapter): AuthenticationSASL naming the one mechanism (no -PLUS: no
 * channel binding), SASLInitialResponse with client-first, SASLContinue
 * with server-first, SASLResponse with client-final, SASLFinal with
 * server-final. */
static gboolean
authenticate_scram (PgBackend *b)
{
	static const char mechs[] = "SCRAM-SHA-256\0";  /* list ends with an empty name */
	send_auth_request (b, 10, mechs, sizeof mechs);
	if (b->out_broken)
		return FALSE;
	GByteArray *body = NULL;
	if (!read_auth_message (b, &body))
		return FALSE;
	PgReader r;
	pg_reader_init (&r, body->data, body->len);
	const char *mech = pg_read_str (&r);
	gint32 n = pg_read_i32 (&r);
	const guint8 *data = n >= 0 ? pg_read_bytes (&r, (gsize) n) : NULL;
	if (!mech || !data || !pg_reader_done (&r)) {
		g_byte_array_unref (body);
		send_fatal (b, "08P01", "malformed SASLInitialResponse message");
		return FALSE;
	}
	if (strcmp (mech, "SCRAM-SHA-256") != 0) {
		g_byte_array_unref (body);
		send_fatal (b, "08P01", "client selected an invalid SASL authentication mechanism");
		return FALSE;
	}
	OxScramAuth *a = ox_scram_auth_begin (b->host->db, b->user);
	OxError err = { 0 };
	char *first = ox_scram_auth_first (a, (const char *) data, (gsize) n, &err);
	g_byte_array_unref (body);
	gboolean ok = FALSE;
	if (!first) {
		send_fatal (b, err.sqlstate, err.message);
		goto out;
	}
	send_auth_request (b, 11, first, strlen (first));
	ox_free (first);
	if (b->out_broken || !read_auth_message (b, &body))
		goto out;
	char *final = ox_scram_auth_final (a, (const char *) body->data, body->len, &err);
	g_byte_array_unref (body);
	if (!final) {
		if (!strcmp (err.sqlstate, "28P01"))
			auth_failed (b, &err);
		else
			send_fatal (b, err.sqlstate, err.message);
		goto out;
	}
	send_auth_request (b, 12, final, strlen (final));
	ox_free (final);
	ok = !b->out_broken;
out:
	ox_error_clear (&err);
	ox_scram_auth_free (a);
	return ok;
}

/* The rule for this connection decides: FALSE (FATAL sent) when it
 * rejects, there is none, or the client fails it. */
static gboolean
authenticate (PgBackend *b)
{
	const char *enc = b->tls ? "SSL encryption" : "no encryption";
	g_autofree char *host = b->peer_addr ? g_inet_address_to_string (b->peer_addr) : g_strdup ("[local]");
	const OxHbaRule *rule = ox_server_config_match (b->config, b->tls != NULL, b->database, b->user, b->peer_addr);
	if (!rule || rule->method == OX_AUTH_REJECT) {
		g_autofree char *msg = g_strdup_printf ("%s for host \"%s\", user \"%s\", database \"%s\", %s",
		                                        rule ? "pg_hba.conf rejects connection" : "no pg_hba.conf entry",
		                                        host, b->user, b->database, enc);
		send_fatal (b, "28000", msg);
		return FALSE;
	}
	if (rule->method == OX_AUTH_SCRAM && !authenticate_scram (b))
		return FALSE;
	OxError err = { 0 };
	if (ox_role_check_login (b->host->db, b->user, &err) != OX_OK) {
		send_fatal (b, err.sqlstate, err.message);
		ox_error_clear (&err);
		return FALSE;
	}
	send_auth_request (b, 0, NULL, 0);  /* AuthenticationOk */
	return !b->out_broken;
}

/* Switch the connection to TLS after answering 'S' to an SSLRequest. */
static gboolean
start_tls (PgBackend *b)
{
	g_autoptr (GError) error = NULL;
	GIOStream *tls = g_tls_server_connection_new (G_IO_STREAM (b->conn), b->host->tls_certificate, &error);
	if (!tls) {
		pg_log ("LOG", "%s: could not start TLS: %s", b->peer, error->message);
		return FALSE;
	}
	if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), b->cancellable, &error)) {
		pg_log ("LOG", "%s: could not accept SSL connection: %s", b->peer, error->message);
		g_object_unref (tls);
		return FALSE;
	}
	b->tls = tls;
	b->in = g_io_stream_get_input_stream (tls);
	b->outs = g_io_stream_get_output_stream (tls);
	return TRUE;
}

/* Read startup packets until a real one (an SSL request starts TLS when
 * the server has a certificate; otherwise it and GSSENC requests are
 * answered 'N' and the client goes on in plain text).  FALSE when the
 * connection should close (a cancel request was served, or an error). */
static gboolean
read_startup (PgBackend *b, PgStartup *su)
{
	for (;;) {
		guint8 hdr[4];
		g_autoptr (GError) error = NULL;
		ReadResult r = read_exact (b, hdr, 4, &error);
		if (r != READ_OK) {
			if (r == READ_FAILED)
				pg_log ("LOG", "%s: incomplete startup packet: %s", b->peer, error->message);
			return FALSE;
		}
		guint32 len = be32 (hdr);
		if (!pg_startup_check_length (len, &error)) {
			send_fatal (b, "08P01", error->message);
			return FALSE;
		}
		GByteArray *body = NULL;
		if (read_body (b, len - 4, &body, &error) != READ_OK) {
			pg_log ("LOG", "%s: incomplete startup packet", b->peer);
			return FALSE;
		}
		gboolean ok = pg_startup_parse (body->data, body->len, su, &error);
		g_byte_array_unref (body);
		if (!ok) {
			send_fatal (b, pg_wire_error_sqlstate (error), error->message);
			return FALSE;
		}
		switch (su->kind) {
		case PG_STARTUP_SSL:
			if (b->tls) {
				send_fatal (b, "08P01", "SSL request on an SSL connection");
				return FALSE;
			}
			if (b->host->tls_certificate) {
				g_byte_array_append (b->out, (const guint8 *) "S", 1);
				flush_out (b);
				if (b->out_broken || !start_tls (b))
					return FALSE;
				continue;
			}
			/* no certificate, no TLS */
			G_GNUC_FALLTHROUGH;
		case PG_STARTUP_GSSENC:
			/* GSSAPI encryption is not offered */
			g_byte_array_append (b->out, (const guint8 *) "N", 1);
			flush_out (b);
			if (b->out_broken)
				return FALSE;
			continue;
		case PG_STARTUP_CANCEL:
			b->host->cancel (b->host->server, su->cancel_pid, su->cancel_secret);
			return FALSE;
		case PG_STARTUP_NORMAL:
		default:
			return TRUE;
		}
	}
}

/* Startup up to ReadyForQuery; FALSE when the connection should close. */
static gboolean
start_session (PgBackend *b)
{
	PgStartup su = { 0 };
	gboolean ok = FALSE;

	g_socket_set_timeout (b->socket, STARTUP_TIMEOUT_S);
	if (!read_startup (b, &su))
		goto out;

	b->user = g_strdup (pg_startup_param (&su, "user"));
	const char *db = pg_startup_param (&su, "database");
	b->database = g_strdup (db && *db ? db : b->user);
	const char *app = pg_startup_param (&su, "application_name");

	if (su.version != PG_PROTOCOL_3_0) {
		/* a newer 3.x client: tell it we speak 3.0 (NegotiateProtocolVersion)
		 * and which of its _pq_ options we do not know */
		gsize m = pg_msg_begin (b->out, 'v');
		pg_put_i32 (b->out, (gint32) PG_PROTOCOL_3_0);
		guint n = 0;
		for (guint i = 0; i < su.params->len; i += 2)
			n += g_str_has_prefix (g_ptr_array_index (su.params, i), "_pq_.");
		pg_put_i32 (b->out, (gint32) n);
		for (guint i = 0; i < su.params->len; i += 2)
			if (g_str_has_prefix (g_ptr_array_index (su.params, i), "_pq_."))
				pg_put_str (b->out, g_ptr_array_index (su.params, i));
		pg_msg_end (b->out, m);
	}

	if (!b->user || !*b->user) {
		send_fatal (b, "28000", "no PostgreSQL user name specified in startup packet");
		goto out;
	}
	if (b->host->shutting_down (b->host->server)) {
		send_fatal (b, "57P03", "the database system is shutting down");
		goto out;
	}
	if (!b->host->admit (b->host->server, b, &b->pid, &b->secret)) {
		send_fatal (b, "53300", "sorry, too many clients already");
		goto out;
	}
	/* as PostgreSQL: authenticate first, then look for the database */
	if (!authenticate (b))
		goto out;
	g_socket_set_timeout (b->socket, 0);
	b->db = b->host->open_database (b->host->server, b->database);
	if (!b->db) {
		g_autofree char *msg = g_strdup_printf ("database \"%s\" does not exist", b->database);
		send_fatal (b, "3D000", msg);
		goto out;
	}

	OxError err = { 0 };
	if (ox_session_new (b->db, &b->session, &err) != OX_OK ||
	    ox_session_set_user (b->session, b->user, &err) != OX_OK) {
		send_fatal (b, err.sqlstate[0] ? err.sqlstate : "XX000", err.message ? err.message : "no session");
		ox_error_clear (&err);
		goto out;
	}
	ox_session_set_notice_func (b->session, notice_cb, b);
	/* pg_backend_pid() and pg_stat_activity agree with BackendKeyData */
	ox_session_set_backend_pid (b->session, b->pid);
	copy_install (b);
	pg_log ("LOG", "connection authorized: host=%s user=%s database=%s%s%s%s", b->peer, b->user,
	        b->database, b->tls ? " SSL enabled" : "", app ? " application_name=" : "", app ? app : "");

	/* the configuration's timeouts, before the client's own settings */
	if (b->config->statement_timeout_ms > 0) {
		g_autofree char *v = g_strdup_printf ("%" G_GINT64_FORMAT, b->config->statement_timeout_ms);
		if (!apply_setting (b, "statement_timeout", v))
			goto out;
	}
	if (b->config->idle_in_transaction_session_timeout_ms > 0) {
		g_autofree char *v = g_strdup_printf ("%" G_GINT64_FORMAT, b->config->idle_in_transaction_session_timeout_ms);
		if (!apply_setting (b, "idle_in_transaction_session_timeout", v))
			goto out;
	}

	for (guint i = 0; i < su.params->len; i += 2) {
		const char *name = g_ptr_array_index (su.params, i);
		const char *value = g_ptr_array_index (su.params, i + 1);
		if (!strcmp (name, "user") || !strcmp (name, "database") || !strcmp (name, "replication")
		    || g_str_has_prefix (name, "_pq_."))
			continue;
		if (!strcmp (name, "options")) {
			if (!apply_options (b, value))
				goto out;
			continue;
		}
		if (!apply_setting (b, name, value))
			goto out;
	}

	report_settings (b);
	if (b->host->hub) {
		b->app_name = ox_session_setting (b->session, "application_name");
		OxDebugTargetInfo info = { (guint64) (guint32) b->pid, b->user, b->app_name ? b->app_name : "", b->database };
		OxDebugTarget *t = ox_debug_hub_register (b->host->hub, b->session, &info);
		g_mutex_lock (&b->lock);
		b->target = t;
		g_mutex_unlock (&b->lock);
	}
	gsize m = pg_msg_begin (b->out, 'K');
	pg_put_i32 (b->out, b->pid);
	pg_put_i32 (b->out, b->secret);
	pg_msg_end (b->out, m);
	send_ready (b);
	ok = !b->out_broken;

out:
	pg_startup_clear (&su);
	return ok;
}

/* ---- the message loop ------------------------------------------------------- */

/* idle_in_transaction_session_timeout in ms (0: none), read from the
 * session each time so that SET changes it. */
static gint64
idle_in_txn_timeout (PgBackend *b)
{
	if (ox_session_txn_status (b->session) == 'I')
		return 0;
	g_autofree char *v = ox_session_setting (b->session, "idle_in_transaction_session_timeout");
	gint64 ms = v ? ox_parse_duration_ms (v) : 0;
	return ms > 0 ? ms : 0;
}

/* Wait up to ms for the client's next message; FALSE when it did not
 * come in time.  (Errors are left for the read that follows.) */
static gboolean
wait_for_message (PgBackend *b, gint64 ms)
{
	if (b->tls && g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (b->in)))
		return TRUE;
	g_autoptr (GError) error = NULL;
	if (g_socket_condition_timed_wait (b->socket, G_IO_IN, ms * 1000, b->cancellable, &error))
		return TRUE;
	return !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

static void
serve (PgBackend *b)
{
	while (!b->out_broken) {
		guint8 hdr[5];
		g_autoptr (GError) error = NULL;
		gint64 idle_ms = idle_in_txn_timeout (b);
		if (idle_ms > 0 && !wait_for_message (b, idle_ms)) {
			send_fatal (b, "25P03", "terminating connection due to idle-in-transaction timeout");
			return;
		}
		ReadResult r = read_exact (b, hdr, 5, &error);
		if (r == READ_FAILED && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
			send_fatal (b, "57P01", "terminating connection due to administrator command");
			return;
		}
		if (r != READ_OK) {
			if (r == READ_EOF)
				pg_log ("LOG", "%s: unexpected EOF on client connection", b->peer);
			else
				pg_log ("LOG", "%s: could not receive data from client: %s", b->peer, error->message);
			return;
		}
		guint8 type = hdr[0];
		guint32 len = be32 (hdr + 1);
		if (!pg_message_check_header (type, len, &error)) {
			send_fatal (b, "08P01", error->message);
			return;
		}
		GByteArray *body = NULL;
		r = read_body (b, len - 4, &body, &error);
		if (r != READ_OK) {
			pg_log ("LOG", "%s: unexpected EOF within message", b->peer);
			return;
		}
		PgMessage m;
		if (!pg_message_decode (type, body->data, body->len, &m, &error)) {
			g_byte_array_unref (body);
			send_fatal (b, pg_wire_error_sqlstate (error), error->message);
			return;
		}

		if (type == 'X') {
			pg_message_clear (&m);
			g_byte_array_unref (body);
			return;
		}
		if (b->skip_to_sync && type != 'S') {
			/* discard until Sync (extended-query error recovery) */
			pg_message_clear (&m);
			g_byte_array_unref (body);
			continue;
		}

		gboolean fatal = FALSE;
		switch (type) {
		case 'Q':
			handle_query (b, m.sql);
			send_ready (b);
			break;
		case 'P':
			b->skip_to_sync = !handle_parse (b, &m);
			break;
		case 'B':
			b->skip_to_sync = !handle_bind (b, &m);
			break;
		case 'D':
			b->skip_to_sync = !handle_describe (b, &m);
			break;
		case 'E':
			b->skip_to_sync = !handle_execute (b, &m);
			break;
		case 'C':
			handle_close (b, &m);
			break;
		case 'S':
			handle_sync (b);
			break;
		case 'H':
			flush_out (b);
			break;
		case 'F':
			send_error (b, "0A000", "function call messages are not supported");
			b->skip_to_sync = TRUE;
			break;
		case 'd': case 'c': case 'f':
			/* CopyData / CopyDone / CopyFail outside COPY: ignored, as
			 * PostgreSQL does */
			break;
		default:
			/* 'p' (a password or SASL message) after authentication */
			send_fatal (b, "08P01", "unexpected message type during the session");
			fatal = TRUE;
			break;
		}
		pg_message_clear (&m);
		g_byte_array_unref (body);
		maybe_flush (b);
		if (fatal)
			return;
	}
}

void
pg_backend_run (const PgBackendHost *host, GSocketConnection *conn, GCancellable *cancellable)
{
	PgBackend *b = g_new0 (PgBackend, 1);
	b->host = host;
	b->conn = g_object_ref (conn);
	b->socket = g_socket_connection_get_socket (conn);
	b->in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
	b->outs = g_io_stream_get_output_stream (G_IO_STREAM (conn));
	b->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
	b->out = g_byte_array_new ();
	b->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) prepared_unref);
	b->portals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) portal_free);
	b->reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	g_mutex_init (&b->lock);

	b->config = host->config (host->server);
	g_autoptr (GSocketAddress) addr = g_socket_connection_get_remote_address (conn, NULL);
	if (G_IS_INET_SOCKET_ADDRESS (addr)) {
		b->peer_addr = g_object_ref (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (addr)));
		g_autofree char *ip = g_inet_address_to_string (
			g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (addr)));
		b->peer = g_strdup_printf ("%s:%u", ip, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (addr)));
	} else {
		b->peer = g_strdup ("[local]");
	}

	if (start_session (b))
		serve (b);

	/* portals before statements (they borrow), both before the session */
	g_hash_table_destroy (b->portals);
	g_hash_table_destroy (b->statements);
	if (b->pid)
		host->forget (host->server, b);  /* no cancel can reach us from here on */
	if (b->target) {
		g_mutex_lock (&b->lock);
		OxDebugTarget *t = b->target;
		b->target = NULL;
		g_mutex_unlock (&b->lock);
		ox_debug_hub_unregister (t);
	}
	g_free (b->app_name);
	if (b->session) {
		ox_session_free (b->session);
		pg_log ("LOG", "disconnection: host=%s user=%s database=%s", b->peer, b->user, b->database);
	}
	if (b->db)
		host->close_database (host->server, b->database);
	if (b->tls) {
		g_io_stream_close (b->tls, NULL, NULL);
		g_object_unref (b->tls);
	}
	g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
	g_clear_object (&b->peer_addr);
	ox_server_config_unref (b->config);
	g_mutex_clear (&b->lock);
	g_hash_table_destroy (b->reported);
	g_byte_array_unref (b->out);
	g_object_unref (b->cancellable);
	g_object_unref (b->conn);
	g_clear_pointer (&b->copy_pending, g_byte_array_unref);
	g_free (b->peer);
	g_free (b->user);
	g_free (b->database);
	g_free (b);
}

void
pg_backend_cancel_statement (PgBackend *b)
{
	g_mutex_lock (&b->lock);
	if (b->running && b->session) {
		ox_session_cancel (b->session);
		/* stopped in a remote debugger: the cancel alone would wait for
		 * the client to resume it */
		if (b->target)
			ox_debug_target_terminate (b->target);
	}
	g_mutex_unlock (&b->lock);
}

gboolean
pg_backend_cancel_if (PgBackend *b, gint32 secret)
{
	if (b->secret != secret)
		return FALSE;
	pg_backend_cancel_statement (b);
	return TRUE;
}

void
pg_backend_abort (PgBackend *b)
{
	g_mutex_lock (&b->lock);
	if (!b->aborted) {
		b->aborted = TRUE;
		g_socket_shutdown (b->socket, TRUE, TRUE, NULL);
	}
	g_mutex_unlock (&b->lock);
}

void
pg_backend_terminate (PgBackend *b)
{
	g_mutex_lock (&b->lock);
	if (b->running && b->session) {
		ox_session_cancel (b->session);
		if (b->target)
			ox_debug_target_terminate (b->target);  /* stopped in a remote debugger */
	}
	/* a backend waiting for a message answers 57P01 and closes, as at
	 * shutdown; one inside a statement does so once it is cancelled */
	g_cancellable_cancel (b->cancellable);
	g_mutex_unlock (&b->lock);
}

void
pg_backend_describe (PgBackend *b, const char **user, const char **database, const char **peer)
{
	*user = b->user;
	*database = b->database;
	*peer = b->peer;
}

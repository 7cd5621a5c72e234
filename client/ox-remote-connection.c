/*
 * ox-remote-connection.c — OxConnection over oxibase-server's HTTP API
 * (see the header; the formats are in docs/server.md, "HTTP API").
 *
 * Everything runs on the thread-default main context of the caller (the
 * UI's main loop): libsoup's asynchronous calls, the parsing, the batch
 * callbacks.  Nothing here blocks but the explicitly blocking
 * ox_remote_connection_connect.
 *
 * A run is one POST /api/sql.  Its answer is one JSON document that the
 * server writes as the statements produce rows, in chunks of about 64 KB:
 *
 *   {"results": [{"columns": [{"name", "type"}...], "rows": [[v...]...],
 *                 "row_count": N, "command": "SELECT 3" | null,
 *                 "notices": [...]}, ...],
 *    "error": {"sqlstate", "message", "detail", "hint", "position"},
 *    "notices": [...]}
 *
 * json-glib only parses whole documents, so a small pull scanner below
 * reads tokens as bytes arrive and the handlers turn them into batches
 * by their place in the document: COLUMNS when a result's "columns" end,
 * ROWS every BATCH_ROWS rows (and at the end of each read), DONE at the
 * end of a result, ERROR at the end of the document.
 *
 * NOTE (flow control): the next read is only started after the batches
 * of the previous one were delivered, so at most one read's worth (64 KB
 * of JSON) waits in memory; TCP holds the server back meanwhile, and the
 * server's worker waits for its socket (docs/server.md, "Streaming").
 * Under run_with_demand_async the scanner also stops before a row the
 * demand does not want yet (the rest of the read waits in its buffer)
 * and no further read starts until the demand grows, so the server's
 * statement waits; COLUMNS, DONE and ERROR only follow rows, never wait
 * for demand.  A paused run that is cancelled or gives way drops its
 * exchange (the server then cancels the statement): a cancel sent by
 * /api/sessions would not reach a worker that waits for its socket.
 * The server's request timeout (--http-request-timeout) still runs
 * while a run is paused: a run left paused longer ends with its 57014.
 * NOTE (values): cells keep the text the engine printed: numbers are
 * kept as their JSON lexeme (the server writes the engine's text there),
 * booleans become "t"/"f" as the engine prints them, null is SQL NULL.
 * NOTE (statements): the server does not say where each statement of the
 * script lies; the client cuts the script with ox_sql_split (psql's
 * rules) to fill stmt_start/stmt_length, and counts results in order.
 * NOTE (cancel): a request is cancelled through /api/sessions, by the
 * session whose application_name is the run's own X-Application-Name;
 * the session exists only once a worker took the request, and the
 * engine clears its cancel flag when a statement starts, so the cancel
 * is repeated every CANCEL_REPEAT_MS until the answer ends, and the
 * connection itself is dropped after CANCEL_GIVE_UP_MS.
 */
#define G_LOG_DOMAIN "ox-client"

#include "ox-remote-connection.h"
#include "ox-sql-split.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_SIZE         65536
#define FIRST_BATCH_ROWS  100    /* small, so the first rows show at once */
#define BATCH_ROWS        1000
#define CANCEL_REPEAT_MS  100
#define CANCEL_GIVE_UP_MS 5000
#define DEFAULT_PORT      8433
#define BUSY_RETRY_MS     50     /* a 409 from the session is asked again after this */
#define BUSY_RETRIES      200    /* ... this many times (10 s) */

struct _OxRemoteConnection {
	GObject      parent_instance;
	SoupSession *soup;
	char        *url;          /* "http://host:port", no trailing slash */
	char        *user;
	char        *token;        /* NULL once closed */
	char        *title;        /* "user@host:port" */
	gboolean     closed;
	GPtrArray   *runs;         /* Run* under way (refs), for cancel and close */
	char        *next_app;     /* application name of the next run, or NULL */
	char        *next_source;  /* X-Oxibase-Source of the next run, or NULL */
	char        *app_prefix;   /* "oxibase-<pid>-<random>" */
	guint        app_counter;
	gint64       session_id;   /* the server session runs go to (POST /api/sessions); 0: none */
	gboolean     session_opening; /* a POST /api/sessions is under way */
	struct Run  *active;       /* the run the session serves now (not a ref), or NULL */
	GQueue       waiting;      /* Run* (refs) queued behind it, oldest first */
};

static void ox_remote_connection_iface_init (OxConnectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OxRemoteConnection, ox_remote_connection, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (OX_TYPE_CONNECTION, ox_remote_connection_iface_init))

/* ---- the JSON scanner ------------------------------------------------------------ */

typedef enum {
	TOK_LBRACE, TOK_RBRACE, TOK_LBRACK, TOK_RBRACK, TOK_COLON, TOK_COMMA,
	TOK_STRING, TOK_NUMBER, TOK_TRUE, TOK_FALSE, TOK_NULL,
} TokKind;

typedef enum { NEED_MORE = 0, GOT = 1, BAD = -1 } ScanResult;

/* Where a container stands.  Objects: KEY (a key or '}' next), COLON,
 * VALUE, NEXT (',' or '}').  Arrays: VALUE (first value or ']'), NEXT. */
typedef enum { ST_KEY, ST_COLON, ST_VALUE, ST_NEXT, ST_KEY_AFTER_COMMA, ST_VALUE_AFTER_COMMA } FrameState;

typedef struct {
	char       kind;    /* '{' or '[' */
	FrameState state;
	char      *key;     /* objects: the member being read; owned */
} Frame;

typedef struct {
	GString *buf;       /* bytes not yet consumed */
	gsize    pos;
	GArray  *stack;     /* of Frame */
	gboolean started;   /* the top-level value began */
	gboolean finished;  /* ... and ended */
	GString *text;      /* the last string or number token */
} Scanner;

static void
frame_clear (gpointer p)
{
	g_free (((Frame *) p)->key);
}

static void
scanner_init (Scanner *s)
{
	s->buf = g_string_new (NULL);
	s->stack = g_array_new (FALSE, TRUE, sizeof (Frame));
	g_array_set_clear_func (s->stack, frame_clear);
	s->text = g_string_new (NULL);
}

static void
scanner_clear (Scanner *s)
{
	if (s->buf)
		g_string_free (s->buf, TRUE);
	if (s->stack)
		g_array_unref (s->stack);
	if (s->text)
		g_string_free (s->text, TRUE);
	memset (s, 0, sizeof *s);
}

static int
hexval (char c)
{
	return g_ascii_xdigit_value (c);
}

/* One token at s->pos; the text of strings (decoded) and numbers (as
 * written) goes to s->text.  NEED_MORE when the buffer ends inside it. */
static ScanResult
next_token (Scanner *s, gboolean eof, TokKind *kind)
{
	const char *b = s->buf->str;
	gsize n = s->buf->len, i = s->pos;
	while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r'))
		i++;
	s->pos = i;
	if (i >= n)
		return NEED_MORE;
	switch (b[i]) {
	case '{': *kind = TOK_LBRACE; s->pos = i + 1; return GOT;
	case '}': *kind = TOK_RBRACE; s->pos = i + 1; return GOT;
	case '[': *kind = TOK_LBRACK; s->pos = i + 1; return GOT;
	case ']': *kind = TOK_RBRACK; s->pos = i + 1; return GOT;
	case ':': *kind = TOK_COLON; s->pos = i + 1; return GOT;
	case ',': *kind = TOK_COMMA; s->pos = i + 1; return GOT;
	case '"': {
		g_string_truncate (s->text, 0);
		gsize j = i + 1;
		while (j < n) {
			char c = b[j];
			if (c == '"') {
				*kind = TOK_STRING;
				s->pos = j + 1;
				return GOT;
			}
			if ((unsigned char) c < 0x20)
				return BAD;
			if (c != '\\') {
				g_string_append_c (s->text, c);
				j++;
				continue;
			}
			if (j + 1 >= n)
				return NEED_MORE;
			char e = b[j + 1];
			switch (e) {
			case '"': case '\\': case '/': g_string_append_c (s->text, e); j += 2; continue;
			case 'b': g_string_append_c (s->text, '\b'); j += 2; continue;
			case 'f': g_string_append_c (s->text, '\f'); j += 2; continue;
			case 'n': g_string_append_c (s->text, '\n'); j += 2; continue;
			case 'r': g_string_append_c (s->text, '\r'); j += 2; continue;
			case 't': g_string_append_c (s->text, '\t'); j += 2; continue;
			case 'u': break;
			default: return BAD;
			}
			if (j + 6 > n)
				return NEED_MORE;
			gunichar u = 0;
			for (int k = 0; k < 4; k++) {
				int h = hexval (b[j + 2 + k]);
				if (h < 0)
					return BAD;
				u = u * 16 + (gunichar) h;
			}
			j += 6;
			if (u >= 0xD800 && u <= 0xDBFF) {
				/* a surrogate pair: the low half follows as \uDC00.. */
				if (j + 6 > n)
					return NEED_MORE;
				if (b[j] != '\\' || b[j + 1] != 'u')
					return BAD;
				gunichar lo = 0;
				for (int k = 0; k < 4; k++) {
					int h = hexval (b[j + 2 + k]);
					if (h < 0)
						return BAD;
					lo = lo * 16 + (gunichar) h;
				}
				if (lo < 0xDC00 || lo > 0xDFFF)
					return BAD;
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				j += 6;
			} else if (u >= 0xDC00 && u <= 0xDFFF)
				return BAD;
			g_string_append_unichar (s->text, u);
		}
		return NEED_MORE;
	}
	case 't': case 'f': case 'n': {
		const char *word = b[i] == 't' ? "true" : b[i] == 'f' ? "false" : "null";
		gsize len = strlen (word);
		if (n - i < len)
			return eof ? BAD : NEED_MORE;
		if (memcmp (b + i, word, len) != 0)
			return BAD;
		*kind = b[i] == 't' ? TOK_TRUE : b[i] == 'f' ? TOK_FALSE : TOK_NULL;
		s->pos = i + len;
		return GOT;
	}
	default:
		if (b[i] != '-' && !g_ascii_isdigit (b[i]))
			return BAD;
		gsize j = i;
		while (j < n && (g_ascii_isdigit (b[j]) || b[j] == '-' || b[j] == '+' || b[j] == '.' || b[j] == 'e' ||
		                 b[j] == 'E'))
			j++;
		if (j >= n && !eof)
			return NEED_MORE;  /* more digits may follow */
		g_string_truncate (s->text, 0);
		g_string_append_len (s->text, b + i, (gssize) (j - i));
		*kind = TOK_NUMBER;
		s->pos = j;
		return GOT;
	}
}

/* ---- runs ---------------------------------------------------------------------------- */

typedef struct Run {
	gint                ref_count;
	OxRemoteConnection *conn;          /* strong */
	GTask              *task;          /* until completed */
	gboolean            collect;       /* query_async: rows into `rows`, no batches */
	GPtrArray          *rows;          /* collect: of GPtrArray of char* */
	char               *sql;
	GArray             *ranges;        /* OxSqlRange of the script's statements */
	OxBatchFunc         batch_func;
	gpointer            batch_data;
	GDestroyNotify      batch_destroy;
	GCancellable       *user_cancellable;
	gulong              cancel_id;
	GCancellable       *io;            /* ours: cancels the HTTP exchange */
	GMainContext       *context;       /* the caller's */
	SoupMessage        *msg;
	GInputStream       *body;
	char               *app_name;      /* X-Application-Name of the request */
	char               *source;        /* X-Oxibase-Source of the request, or NULL */
	Scanner             scan;
	gboolean            done;          /* completed (task returned) */

	/* what the document said so far */
	guint               statement;     /* index of the result being read */
	GPtrArray          *col_names;     /* of char*, the current result's */
	GPtrArray          *col_types;
	char               *cur_name, *cur_type;
	GPtrArray          *cells;         /* of char*, rows not yet delivered */
	guint               pending_rows;
	gboolean            first_rows_out;
	GPtrArray          *row;           /* collect: the row being read */
	gint64              row_count;
	char               *command;
	GPtrArray          *notices;       /* of OxNotice*, for the next batch */
	OxNotice           *cur_notice;
	OxServerError      *error;         /* the document's "error" */
	gboolean            any_ddl;
	gint64              t_stmt;        /* when the current statement began (as seen here) */

	gboolean            cancel_requested;
	gint64              cancel_since;
	guint               cancel_source;
	gboolean            lookup_busy;   /* a /api/sessions exchange is under way */

	/* flow control (run_with_demand_async) */
	OxRowDemand        *demand;        /* or NULL: every row as it comes */
	guint64             delivered;     /* rows delivered over the whole run */
	gint64              result_delivered; /* ... of the current result set */
	gboolean            paused;        /* held back by the demand: no read in flight */
	gboolean            reading;       /* a read of the body is in flight */
	gboolean            eof;           /* the body ended (its rest waits in scan.buf) */

	/* the connection's server session */
	gint64              session_id;    /* the X-Oxibase-Session it was sent with; 0: none */
	gboolean            queued;        /* waiting in conn->waiting */
	guint               busy_retries;  /* 409 answers retried so far */
} Run;

static Run *
run_ref (Run *run)
{
	g_atomic_int_inc (&run->ref_count);
	return run;
}

static void
run_unref (Run *run)
{
	if (!g_atomic_int_dec_and_test (&run->ref_count))
		return;
	g_assert (run->task == NULL);
	if (run->batch_destroy)
		run->batch_destroy (run->batch_data);
	if (run->rows)
		g_ptr_array_unref (run->rows);
	if (run->row)
		g_ptr_array_unref (run->row);
	g_free (run->sql);
	if (run->ranges)
		g_array_unref (run->ranges);
	g_clear_object (&run->user_cancellable);
	g_clear_object (&run->io);
	g_clear_object (&run->msg);
	g_clear_object (&run->body);
	if (run->context)
		g_main_context_unref (run->context);
	g_free (run->app_name);
	g_free (run->source);
	if (run->demand)
		ox_row_demand_unref (run->demand);
	scanner_clear (&run->scan);
	g_clear_pointer (&run->col_names, g_ptr_array_unref);
	g_clear_pointer (&run->col_types, g_ptr_array_unref);
	g_free (run->cur_name);
	g_free (run->cur_type);
	/* cells of a row cut off by an error or a close (delivered ones
	 * moved to their batch) */
	for (guint i = 0; i < run->cells->len; i++)
		g_free (run->cells->pdata[i]);
	g_clear_pointer (&run->cells, g_ptr_array_unref);
	g_free (run->command);
	g_clear_pointer (&run->notices, g_ptr_array_unref);
	ox_notice_free (run->cur_notice);
	ox_server_error_free (run->error);
	g_object_unref (run->conn);
	g_free (run);
}

static void
rows_free (gpointer p)
{
	g_ptr_array_unref (p);
}

/* Fill the batch's statement index and span (in characters). */
static void
batch_place (Run *run, OxBatch *b)
{
	b->statement = run->statement;
	if (run->ranges && run->statement < run->ranges->len) {
		OxSqlRange *r = &g_array_index (run->ranges, OxSqlRange, run->statement);
		b->stmt_start = (int) g_utf8_pointer_to_offset (run->sql, run->sql + r->start);
		b->stmt_length = (int) g_utf8_pointer_to_offset (run->sql + r->start, run->sql + r->end);
	}
}

static void
deliver (Run *run, OxBatch *b)
{
	while (run->notices->len > 0)
		g_ptr_array_add (b->notices, g_ptr_array_steal_index (run->notices, 0));
	if (!run->collect && run->batch_func && !run->done)
		run->batch_func (b, run->batch_data);
	ox_batch_unref (b);
}

static char **
strv_of (GPtrArray *a)
{
	char **v = g_new0 (char *, a->len + 1);
	for (guint i = 0; i < a->len; i++)
		v[i] = g_strdup (a->pdata[i]);
	return v;
}

static void
flush_rows (Run *run)
{
	if (run->collect || run->pending_rows == 0)
		return;
	OxBatch *b = ox_batch_new (OX_BATCH_ROWS);
	batch_place (run, b);
	b->n_columns = run->col_names->len;
	b->column_names = strv_of (run->col_names);
	b->column_types = strv_of (run->col_types);
	b->n_rows = run->pending_rows;
	/* the read may have ended inside a row: its cells stay for later */
	guint whole = run->pending_rows * run->col_names->len;
	g_assert (whole <= run->cells->len);
	b->cells = g_new (char *, whole > 0 ? whole : 1);
	if (whole)
		memcpy (b->cells, run->cells->pdata, whole * sizeof (char *));
	g_ptr_array_remove_range (run->cells, 0, whole);
	run->delivered += run->pending_rows;
	run->result_delivered += run->pending_rows;
	run->pending_rows = 0;
	run->first_rows_out = TRUE;
	deliver (run, b);
}

static void
result_reset (Run *run)
{
	g_ptr_array_set_size (run->col_names, 0);
	g_ptr_array_set_size (run->col_types, 0);
	run->row_count = 0;
	run->result_delivered = 0;
	g_clear_pointer (&run->command, g_free);
	run->first_rows_out = FALSE;
}

/* The frame at depth i, and its key ("" when none). */
#define FR(i) (&g_array_index (run->scan.stack, Frame, (i)))
static const char *
key_at (Run *run, guint i)
{
	if (i >= run->scan.stack->len)
		return "";
	Frame *f = FR (i);
	return f->key ? f->key : "";
}

/* The cell text for a scalar token. */
static char *
cell_text (Run *run, TokKind kind)
{
	switch (kind) {
	case TOK_STRING:
	case TOK_NUMBER:
		return g_strdup (run->scan.text->str);
	case TOK_TRUE:
		return g_strdup ("t");
	case TOK_FALSE:
		return g_strdup ("f");
	default:
		return NULL;
	}
}

/* A notice's member. */
static void
notice_field (Run *run, const char *key, TokKind kind)
{
	if (!run->cur_notice)
		return;
	char **slot = !strcmp (key, "severity") ? &run->cur_notice->severity
	            : !strcmp (key, "sqlstate") ? &run->cur_notice->sqlstate
	            : !strcmp (key, "message")  ? &run->cur_notice->message
	                                        : NULL;
	if (slot) {
		g_free (*slot);
		*slot = cell_text (run, kind);
	}
}

/* A scalar at depth d (the stack holds its containers). */
static void
on_value (Run *run, TokKind kind)
{
	guint d = run->scan.stack->len;
	const char *top = key_at (run, 0);
	if (d == 2 && !strcmp (top, "error") && FR (1)->kind == '{') {
		const char *k = key_at (run, 1);
		OxServerError *e = run->error;
		if (!strcmp (k, "position"))
			e->position = kind == TOK_NUMBER ? atoi (run->scan.text->str) : 0;
		else {
			char **slot = !strcmp (k, "sqlstate") ? &e->sqlstate
			            : !strcmp (k, "message")  ? &e->message
			            : !strcmp (k, "detail")   ? &e->detail
			            : !strcmp (k, "hint")     ? &e->hint
			            : !strcmp (k, "context")  ? &e->context
			                                      : NULL;
			if (slot) {
				g_free (*slot);
				*slot = cell_text (run, kind);
			}
		}
	} else if (d == 3 && !strcmp (top, "notices") && FR (2)->kind == '{') {
		notice_field (run, key_at (run, 2), kind);
	} else if (d == 3 && !strcmp (top, "results") && FR (2)->kind == '{') {
		const char *k = key_at (run, 2);
		if (!strcmp (k, "row_count"))
			run->row_count = kind == TOK_NUMBER ? g_ascii_strtoll (run->scan.text->str, NULL, 10) : 0;
		else if (!strcmp (k, "command")) {
			g_free (run->command);
			run->command = cell_text (run, kind);
		}
	} else if (d == 5 && !strcmp (top, "results")) {
		const char *k2 = key_at (run, 2);
		if (!strcmp (k2, "columns") && FR (4)->kind == '{') {
			const char *k = key_at (run, 4);
			if (!strcmp (k, "name")) {
				g_free (run->cur_name);
				run->cur_name = cell_text (run, kind);
			} else if (!strcmp (k, "type")) {
				g_free (run->cur_type);
				run->cur_type = cell_text (run, kind);
			}
		} else if (!strcmp (k2, "rows") && FR (4)->kind == '[') {
			if (run->collect)
				g_ptr_array_add (run->row, cell_text (run, kind));
			else
				g_ptr_array_add (run->cells, cell_text (run, kind));
		} else if (!strcmp (k2, "notices") && FR (4)->kind == '{')
			notice_field (run, key_at (run, 4), kind);
	}
}

/* A container opens; it is already on the stack at depth d-1. */
static void
on_begin (Run *run)
{
	guint d = run->scan.stack->len;
	const char *top = key_at (run, 0);
	char kind = FR (d - 1)->kind;
	if (d == 2 && !strcmp (top, "error") && kind == '{') {
		ox_server_error_free (run->error);
		run->error = g_new0 (OxServerError, 1);
	} else if (d == 3 && !strcmp (top, "notices") && kind == '{') {
		ox_notice_free (run->cur_notice);
		run->cur_notice = g_new0 (OxNotice, 1);
	} else if (d == 5 && !strcmp (top, "results") && !strcmp (key_at (run, 2), "notices") && kind == '{') {
		ox_notice_free (run->cur_notice);
		run->cur_notice = g_new0 (OxNotice, 1);
	} else if (d == 5 && !strcmp (top, "results") && !strcmp (key_at (run, 2), "rows") && kind == '[' &&
	           run->collect) {
		if (run->row)
			g_ptr_array_unref (run->row);
		run->row = g_ptr_array_new_with_free_func (g_free);
	}
}

static void
emit_done (Run *run)
{
	OxBatch *b = ox_batch_new (OX_BATCH_DONE);
	batch_place (run, b);
	b->command_tag = g_strdup (run->command);
	b->row_count = run->row_count;
	gint64 now = g_get_monotonic_time ();
	b->elapsed_us = now - run->t_stmt;
	run->t_stmt = now;
	/* DO and CALL may run DDL inside, as in the embedded connection */
	if (ox_command_tag_is_ddl (run->command) || !g_strcmp0 (run->command, "DO") ||
	    !g_strcmp0 (run->command, "CALL"))
		run->any_ddl = TRUE;
	deliver (run, b);
}

/* A container closed: it was at depth d (already popped). */
static void
on_end (Run *run, guint d, char kind)
{
	const char *top = key_at (run, 0);
	if (d == 0) {
		if (run->error) {
			OxBatch *b = ox_batch_new (OX_BATCH_ERROR);
			batch_place (run, b);
			b->error = ox_server_error_copy (run->error);
			if (!b->error->sqlstate)
				b->error->sqlstate = g_strdup ("XX000");
			if (!b->error->message)
				b->error->message = g_strdup ("unknown error");
			b->elapsed_us = g_get_monotonic_time () - run->t_stmt;
			deliver (run, b);
		}
		return;
	}
	if (d == 2 && !strcmp (top, "notices") && kind == '{') {
		if (run->cur_notice)
			g_ptr_array_add (run->notices, g_steal_pointer (&run->cur_notice));
		return;
	}
	if (strcmp (top, "results"))
		return;
	const char *k2 = key_at (run, 2);
	if (d == 4 && kind == '{' && !strcmp (k2, "columns")) {
		g_ptr_array_add (run->col_names, g_strdup (run->cur_name ? run->cur_name : "?column?"));
		g_ptr_array_add (run->col_types, g_strdup (run->cur_type ? run->cur_type : "unknown"));
		g_clear_pointer (&run->cur_name, g_free);
		g_clear_pointer (&run->cur_type, g_free);
	} else if (d == 3 && kind == '[' && !strcmp (k2, "columns")) {
		if (run->col_names->len > 0 && !run->collect) {
			OxBatch *b = ox_batch_new (OX_BATCH_COLUMNS);
			batch_place (run, b);
			b->n_columns = run->col_names->len;
			b->column_names = strv_of (run->col_names);
			b->column_types = strv_of (run->col_types);
			deliver (run, b);
		}
	} else if (d == 4 && kind == '[' && !strcmp (k2, "rows")) {
		if (run->collect) {
			g_ptr_array_add (run->rows, g_steal_pointer (&run->row));
			return;
		}
		run->pending_rows++;
		if (run->pending_rows >= (run->first_rows_out ? BATCH_ROWS : FIRST_BATCH_ROWS))
			flush_rows (run);
	} else if (d == 3 && kind == '[' && !strcmp (k2, "rows")) {
		flush_rows (run);
	} else if (d == 4 && kind == '{' && !strcmp (k2, "notices")) {
		if (run->cur_notice)
			g_ptr_array_add (run->notices, g_steal_pointer (&run->cur_notice));
	} else if (d == 2 && kind == '{') {
		/* a result ends; "command": null marks rows cut off by the
		 * error that follows (its notices go with that error) */
		gboolean complete = run->command != NULL;
		if (complete)
			emit_done (run);
		result_reset (run);
		if (complete)
			run->statement++;
	}
}

/* Flow control: TRUE when the scanner stands before a row (a '[' inside
 * a result's "rows") and the demand is met by the rows delivered and
 * pending.  Only rows wait: COLUMNS, DONE and ERROR are never held. */
static gboolean
run_row_unwanted (Run *run)
{
	if (!run->demand || run->collect || run->done || run->scan.stack->len != 4 || FR (3)->kind != '[' ||
	    strcmp (key_at (run, 0), "results") || strcmp (key_at (run, 2), "rows"))
		return FALSE;
	return run->delivered + run->pending_rows >= ox_row_demand_get_wanted (run->demand);
}

/* Consume what the buffer holds (up to a row the demand does not want
 * yet).  FALSE when the document is malformed. */
static gboolean
scan_feed (Run *run, gboolean eof)
{
	Scanner *s = &run->scan;
	for (;;) {
		if (run->done)
			return TRUE;  /* closed from a batch callback */
		if (s->finished) {
			/* only whitespace may follow the document */
			TokKind k;
			ScanResult r = next_token (s, eof, &k);
			return r == NEED_MORE;
		}
		TokKind k;
		gsize before = s->pos;
		ScanResult r = next_token (s, eof, &k);
		if (r == BAD)
			return FALSE;
		if (r == NEED_MORE) {
			s->pos = before;
			break;
		}
		if (k == TOK_LBRACK && run_row_unwanted (run)) {
			/* the next row is more than the consumer asked for: it
			 * and the rest of the document wait in the buffer */
			s->pos = before;
			run->paused = TRUE;
			break;
		}
		guint d = s->stack->len;
		Frame *f = d ? &g_array_index (s->stack, Frame, d - 1) : NULL;
		if (!f) {
			if (s->started || (k != TOK_LBRACE && k != TOK_LBRACK))
				return FALSE;
			s->started = TRUE;
		} else if (f->kind == '{') {
			switch (f->state) {
			case ST_KEY:
			case ST_KEY_AFTER_COMMA:
				if (k == TOK_RBRACE && f->state == ST_KEY)
					break;  /* handled below as the end */
				if (k != TOK_STRING)
					return FALSE;
				g_free (f->key);
				f->key = g_strdup (s->text->str);
				f->state = ST_COLON;
				continue;
			case ST_COLON:
				if (k != TOK_COLON)
					return FALSE;
				f->state = ST_VALUE;
				continue;
			case ST_NEXT:
				if (k == TOK_COMMA) {
					f->state = ST_KEY_AFTER_COMMA;
					continue;
				}
				if (k != TOK_RBRACE)
					return FALSE;
				break;
			default:  /* ST_VALUE: a value follows */
				if (k == TOK_RBRACE || k == TOK_RBRACK || k == TOK_COLON || k == TOK_COMMA)
					return FALSE;
				f->state = ST_NEXT;
				break;
			}
		} else {
			switch (f->state) {
			case ST_VALUE:
			case ST_VALUE_AFTER_COMMA:
				if (k == TOK_RBRACK && f->state == ST_VALUE)
					break;
				if (k == TOK_RBRACE || k == TOK_RBRACK || k == TOK_COLON || k == TOK_COMMA)
					return FALSE;
				f->state = ST_NEXT;
				break;
			case ST_NEXT:
				if (k == TOK_COMMA) {
					f->state = ST_VALUE_AFTER_COMMA;
					continue;
				}
				if (k != TOK_RBRACK)
					return FALSE;
				break;
			default:
				return FALSE;
			}
		}
		/* k is a value, or the end of f */
		if (k == TOK_LBRACE || k == TOK_LBRACK) {
			if (s->stack->len >= 16)
				return FALSE;  /* deeper than any answer of ours */
			Frame nf = { k == TOK_LBRACE ? '{' : '[', k == TOK_LBRACE ? ST_KEY : ST_VALUE, NULL };
			g_array_append_val (s->stack, nf);
			on_begin (run);
		} else if (k == TOK_RBRACE || k == TOK_RBRACK) {
			char kind = f->kind;
			g_array_set_size (s->stack, d - 1);
			if (d - 1 == 0)
				s->finished = TRUE;
			on_end (run, d - 1, kind);
		} else {
			if (!f)
				return FALSE;
			on_value (run, k);
		}
	}
	/* keep only what was not consumed */
	g_string_erase (s->buf, 0, (gssize) s->pos);
	s->pos = 0;
	return TRUE;
}

/* ---- completing a run ------------------------------------------------------------ */

static void run_stop_cancelling (Run *run);
static void run_send (Run *run);
static void ox_remote_connection_open_session_async (OxRemoteConnection *self);

static void
run_detach (Run *run)
{
	run->done = TRUE;
	run_stop_cancelling (run);
	if (run->cancel_id)
		g_cancellable_disconnect (run->user_cancellable, run->cancel_id);
	run->cancel_id = 0;
	if (run->demand)
		ox_row_demand_set_notify (run->demand, NULL, NULL, NULL);  /* drops its ref of us */
	OxRemoteConnection *conn = run->conn;
	if (run->queued) {
		run->queued = FALSE;
		if (g_queue_remove (&conn->waiting, run))
			run_unref (run);  /* the queue's */
	}
	gboolean was_active = conn->active == run;
	if (was_active)
		conn->active = NULL;
	g_ptr_array_remove (conn->runs, run);  /* drops the list's ref */
	if (was_active && !conn->closed && !g_queue_is_empty (&conn->waiting)) {
		/* the session is free: the next run in line goes */
		Run *next = g_queue_pop_head (&conn->waiting);
		next->queued = FALSE;
		conn->active = next;
		run_send (next);  /* adopts the queue's ref */
	}
}

/* Complete the task with error (adopted), or success when NULL. */
static void
run_complete (Run *run, GError *error)
{
	if (run->done) {
		g_clear_error (&error);
		return;
	}
	run_ref (run);
	if (run->any_ddl && !run->conn->closed)
		ox_connection_objects_changed (OX_CONNECTION (run->conn));
	GTask *task = g_steal_pointer (&run->task);
	gboolean collect = run->collect;
	GPtrArray *rows = collect ? g_steal_pointer (&run->rows) : NULL;
	run_detach (run);
	if (error) {
		g_task_return_error (task, error);
		if (rows)
			g_ptr_array_unref (rows);
	} else if (collect)
		g_task_return_pointer (task, rows, (GDestroyNotify) g_ptr_array_unref);
	else
		g_task_return_boolean (task, TRUE);
	g_object_unref (task);
	run_unref (run);
}

/* A 57014 the run itself asked for: an ERROR batch like the embedded
 * connection's, then G_IO_ERROR_CANCELLED. */
static void
run_cancelled (Run *run)
{
	if (!run->collect) {
		flush_rows (run);
		OxBatch *b = ox_batch_new (OX_BATCH_ERROR);
		batch_place (run, b);
		b->error = g_new0 (OxServerError, 1);
		b->error->sqlstate = g_strdup ("57014");
		b->error->message = g_strdup ("canceling statement due to user request");
		deliver (run, b);
	}
	run_complete (run, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "canceling statement due to user request"));
}

static void
run_fail_io (Run *run, const GError *error)
{
	if (run->done)
		return;
	if (run->conn->closed) {
		run_complete (run, g_error_new (OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_CLOSED, "the connection was closed"));
		return;
	}
	if (run->cancel_requested) {
		run_cancelled (run);
		return;
	}
	run_complete (run, g_error_new (OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED,
	                                "Lost the connection to the server at %s: %s. Check that oxibase-server "
	                                "still runs, then run the statement again.",
	                                run->conn->url, error ? error->message : "the answer ended early"));
}

/* The whole document was read. */
static void
run_end (Run *run)
{
	if (run->done)
		return;
	if (!run->scan.finished) {
		run_fail_io (run, NULL);
		return;
	}
	if (!run->error) {
		run_complete (run, NULL);
		return;
	}
	if (!g_strcmp0 (run->error->sqlstate, "57014") && run->cancel_requested) {
		run_complete (run, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", run->error->message));
		return;
	}
	if (run->collect)
		run_complete (run, g_error_new (OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_STATEMENT, "%s: %s",
		                                run->error->sqlstate ? run->error->sqlstate : "XX000",
		                                run->error->message ? run->error->message : "failed"));
	else
		run_complete (run, g_error_new (OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_STATEMENT, "%s",
		                                run->error->message ? run->error->message : "failed"));
}

/* ---- reading the answer ------------------------------------------------------------ */

static void read_cb (GObject *source, GAsyncResult *result, gpointer data);

/* A paused run was cancelled: the server's worker waits for us to read,
 * so no cancel reaches its statement; dropping the exchange does. */
static void
run_drop_cancelled (Run *run)
{
	g_cancellable_cancel (run->io);
	run_cancelled (run);
}

/* A paused run gives way (another run starts, or the connection closes):
 * drop the exchange, which cancels the statement on the server, and end
 * the cut-off result set with a truncated DONE counting the rows
 * delivered.  The statements after it in the script do not run: they
 * were in the same request. */
static void
run_give_way (Run *run)
{
	g_assert (run->paused && !run->done);
	g_cancellable_cancel (run->io);
	if (run->col_names->len > 0 || run->result_delivered > 0) {
		OxBatch *b = ox_batch_new (OX_BATCH_DONE);
		batch_place (run, b);
		b->command_tag = g_strdup_printf ("SELECT %" G_GINT64_FORMAT, run->result_delivered);
		b->row_count = run->result_delivered;
		b->truncated = TRUE;
		b->elapsed_us = g_get_monotonic_time () - run->t_stmt;
		deliver (run, b);
	}
	run_complete (run, NULL);
}

static void
run_fail_malformed (Run *run)
{
	run_complete (run, g_error_new (OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED,
	                                "The server at %s sent an answer that is not the JSON of "
	                                "oxibase-server's HTTP API (is it an oxibase-server?)",
	                                run->conn->url));
}

/* After the buffer was scanned: read on, end, or wait for the demand. */
static void
run_continue (Run *run)
{
	if (run->done)
		return;
	if (run->paused) {
		if (run->cancel_requested)
			run_drop_cancelled (run);
		return;
	}
	if (run->eof)
		run_end (run);
	else if (!run->reading) {
		run->reading = TRUE;
		g_input_stream_read_bytes_async (run->body, READ_SIZE, G_PRIORITY_DEFAULT, run->io, read_cb,
		                                 run_ref (run));
	}
}

static void
read_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Run *run = data;
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
	run->reading = FALSE;
	if (run->done) {
		run_unref (run);
		return;
	}
	if (!bytes) {
		run_fail_io (run, error);
		run_unref (run);
		return;
	}
	gsize len = 0;
	const char *p = g_bytes_get_data (bytes, &len);
	if (len)
		g_string_append_len (run->scan.buf, p, (gssize) len);
	else
		run->eof = TRUE;
	if (!scan_feed (run, run->eof)) {
		run_fail_malformed (run);
		run_unref (run);
		return;
	}
	/* rows read so far show now, not only once BATCH_ROWS piled up */
	flush_rows (run);
	run_continue (run);
	run_unref (run);
}

/* The demand grew (on the run's context): scan on from where the
 * scanner stopped. */
static gboolean
resume_idle_cb (gpointer data)
{
	Run *run = data;
	if (run->done || !run->paused || ox_row_demand_get_wanted (run->demand) <= run->delivered)
		return G_SOURCE_REMOVE;
	run->paused = FALSE;
	if (!scan_feed (run, run->eof)) {
		run_fail_malformed (run);
		return G_SOURCE_REMOVE;
	}
	flush_rows (run);
	run_continue (run);
	return G_SOURCE_REMOVE;
}

/* OxRowDemand's notify: on whatever thread raised the demand. */
static void
demand_grew_cb (gpointer demand, gpointer data)
{
	Run *run = data;
	(void) demand;
	GSource *src = g_idle_source_new ();
	g_source_set_callback (src, resume_idle_cb, run_ref (run), (GDestroyNotify) run_unref);
	g_source_attach (src, run->context);
	g_source_unref (src);
}

static gboolean
resend_cb (gpointer data)
{
	Run *run = data;
	if (!run->done)
		run_send (run_ref (run));
	return G_SOURCE_REMOVE;
}

static void
sent_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Run *run = data;
	g_autoptr (GError) error = NULL;
	GInputStream *body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
	if (run->done) {
		g_clear_object (&body);
		run_unref (run);
		return;
	}
	if (!body) {
		if (run->conn->closed || run->cancel_requested)
			run_fail_io (run, error);
		else
			run_complete (run, g_error_new (OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED,
			                                "Cannot reach the server at %s: %s", run->conn->url,
			                                error->message));
		run_unref (run);
		return;
	}
	guint status = soup_message_get_status (run->msg);
	if (status == SOUP_STATUS_CONFLICT && run->session_id && run->busy_retries < BUSY_RETRIES &&
	    soup_message_headers_get_one (soup_message_get_response_headers (run->msg), "X-Oxibase-Session-Busy")) {
		/* the session still ends the request of a run that just gave
		 * way (its worker notices the dropped exchange soon): again */
		g_object_unref (body);
		run->busy_retries++;
		GSource *src = g_timeout_source_new (BUSY_RETRY_MS);
		g_source_set_callback (src, resend_cb, run, (GDestroyNotify) run_unref);  /* adopts our ref */
		g_source_attach (src, run->context);
		g_source_unref (src);
		return;
	}
	if (status == SOUP_STATUS_NOT_FOUND && run->session_id && run->session_id == run->conn->session_id) {
		/* the server closed the session (idle timeout, terminate):
		 * this run reports the server's error (08003), the next one
		 * runs in a new session */
		run->conn->session_id = 0;
		ox_remote_connection_open_session_async (run->conn);
	}
	run->body = body;
	if (status == SOUP_STATUS_UNAUTHORIZED) {
		const char *m = "The server no longer accepts this connection's login: the token expired "
		                "(oxibase-server --http-token-ttl) or the server restarted. Connect again.";
		if (!run->collect) {
			OxBatch *b = ox_batch_new (OX_BATCH_ERROR);
			batch_place (run, b);
			b->error = g_new0 (OxServerError, 1);
			b->error->sqlstate = g_strdup ("28000");
			b->error->message = g_strdup (m);
			deliver (run, b);
		}
		run_complete (run, g_error_new (OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED, "%s", m));
		run_unref (run);
		return;
	}
	/* every other status carries the JSON document (an error one
	 * included): read it */
	run->reading = TRUE;
	g_input_stream_read_bytes_async (run->body, READ_SIZE, G_PRIORITY_DEFAULT, run->io, read_cb, run);
}

/* ---- cancelling ---------------------------------------------------------------------- */

static void
cancel_posted_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Run *run = data;
	g_autoptr (GBytes) b = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
	run->lookup_busy = FALSE;
	run_unref (run);
}

static SoupMessage *
new_message (OxRemoteConnection *self, const char *method, const char *path)
{
	g_autofree char *uri = g_strconcat (self->url, path, NULL);
	SoupMessage *msg = soup_message_new (method, uri);
	if (msg && self->token) {
		g_autofree char *auth = g_strdup_printf ("Bearer %s", self->token);
		soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
	}
	return msg;
}

static void
sessions_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Run *run = data;
	g_autoptr (GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
	gint64 id = -1;
	if (bytes && !run->done) {
		g_autoptr (JsonParser) p = json_parser_new ();
		gsize len = 0;
		const char *data_ = g_bytes_get_data (bytes, &len);
		if (json_parser_load_from_data (p, data_, (gssize) len, NULL) &&
		    JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p))) {
			JsonObject *o = json_node_get_object (json_parser_get_root (p));
			JsonArray *a = json_object_has_member (o, "sessions") ? json_object_get_array_member (o, "sessions")
			                                                      : NULL;
			for (guint i = 0; a && i < json_array_get_length (a); i++) {
				JsonObject *s = json_array_get_object_element (a, i);
				if (s && !g_strcmp0 (json_object_get_string_member_with_default (s, "application_name", ""),
				                     run->app_name))
					id = json_object_get_int_member_with_default (s, "id", -1);
			}
		}
	}
	if (id < 0 || run->done) {
		run->lookup_busy = FALSE;
		run_unref (run);
		return;  /* not taken by a worker yet: the next tick looks again */
	}
	g_autofree char *path = g_strdup_printf ("/api/sessions/%" G_GINT64_FORMAT "/cancel", id);
	g_autoptr (SoupMessage) msg = new_message (run->conn, "POST", path);
	soup_session_send_and_read_async (run->conn->soup, msg, G_PRIORITY_DEFAULT, NULL, cancel_posted_cb, run);
}

static gboolean
cancel_tick_cb (gpointer data)
{
	Run *run = data;
	if (run->done) {
		run->cancel_source = 0;
		return G_SOURCE_REMOVE;
	}
	if (g_get_monotonic_time () - run->cancel_since > CANCEL_GIVE_UP_MS * 1000) {
		/* the server does not answer the cancel: drop the request */
		run->cancel_source = 0;
		g_cancellable_cancel (run->io);
		return G_SOURCE_REMOVE;
	}
	if (!run->lookup_busy) {
		run->lookup_busy = TRUE;
		g_autoptr (SoupMessage) msg = new_message (run->conn, "GET", "/api/sessions");
		soup_session_send_and_read_async (run->conn->soup, msg, G_PRIORITY_DEFAULT, NULL, sessions_cb,
		                                  run_ref (run));
	}
	return G_SOURCE_CONTINUE;
}

static void
run_request_cancel (Run *run)
{
	if (run->done || run->cancel_requested)
		return;
	run->cancel_requested = TRUE;
	if (run->paused) {
		run_drop_cancelled (run);
		return;
	}
	if (run->queued) {
		run_cancelled (run);  /* never sent: nothing to stop on the server */
		return;
	}
	run->cancel_since = g_get_monotonic_time ();
	cancel_tick_cb (run);
	GSource *src = g_timeout_source_new (CANCEL_REPEAT_MS);
	g_source_set_callback (src, cancel_tick_cb, run_ref (run), (GDestroyNotify) run_unref);
	g_source_attach (src, run->context);
	run->cancel_source = g_source_get_id (src);
	g_source_unref (src);
}

static void
run_stop_cancelling (Run *run)
{
	if (run->cancel_source) {
		GSource *src = g_main_context_find_source_by_id (run->context, run->cancel_source);
		if (src)
			g_source_destroy (src);
		run->cancel_source = 0;
	}
}

static gboolean
user_cancel_idle_cb (gpointer data)
{
	run_request_cancel (data);
	return G_SOURCE_REMOVE;
}

/* GCancellable::cancelled, on whatever thread cancelled. */
static void
user_cancelled_cb (GCancellable *cancellable, gpointer data)
{
	Run *run = data;
	(void) cancellable;
	GSource *src = g_idle_source_new ();
	g_source_set_callback (src, user_cancel_idle_cb, run_ref (run), (GDestroyNotify) run_unref);
	g_source_attach (src, run->context);
	g_source_unref (src);
}

/* ---- starting a run ------------------------------------------------------------------ */

static Run *
run_new (OxRemoteConnection *self, const char *sql, gboolean collect, GCancellable *cancellable,
         GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
	Run *run = g_new0 (Run, 1);
	run->ref_count = 1;
	run->conn = g_object_ref (self);
	run->collect = collect;
	run->sql = g_strdup (sql);
	run->context = g_main_context_ref_thread_default ();
	run->io = g_cancellable_new ();
	run->user_cancellable = cancellable ? g_object_ref (cancellable) : NULL;
	run->task = g_task_new (self, cancellable, callback, user_data);
	g_task_set_source_tag (run->task, tag);
	g_task_set_check_cancellable (run->task, FALSE);  /* we say what the server said */
	scanner_init (&run->scan);
	run->col_names = g_ptr_array_new_with_free_func (g_free);
	run->col_types = g_ptr_array_new_with_free_func (g_free);
	run->cells = g_ptr_array_new ();
	run->notices = g_ptr_array_new_with_free_func ((GDestroyNotify) ox_notice_free);
	if (collect)
		run->rows = g_ptr_array_new_with_free_func (rows_free);
	return run;
}

static void
run_start (OxRemoteConnection *self, Run *run)
{
	if (self->closed) {
		run_complete (run, g_error_new (OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_CLOSED, "the connection is closed"));
		run_unref (run);
		return;
	}
	if (!run->collect) {
		/* a paused result set gives way to the new run (flow control
		 * in ox-connection.h) */
		for (guint i = 0; i < self->runs->len;) {
			Run *other = self->runs->pdata[i];
			if (other->paused && !other->done) {
				run_ref (other);
				run_give_way (other);  /* removes it from runs */
				run_unref (other);
			} else
				i++;
		}
	}
	g_ptr_array_add (self->runs, run_ref (run));
	if (self->next_app && !run->collect) {  /* catalog reads never take it */
		run->app_name = g_steal_pointer (&self->next_app);
		run->source = g_steal_pointer (&self->next_source);
	} else
		run->app_name = ox_remote_connection_new_application_name (self);
	if (run->user_cancellable)
		run->cancel_id = g_cancellable_connect (run->user_cancellable, G_CALLBACK (user_cancelled_cb), run, NULL);
	if (!run->collect && self->session_id) {
		/* one request at a time per server session, as the embedded
		 * connection's one worker: later runs wait their turn */
		if (self->active) {
			run->queued = TRUE;
			g_queue_push_tail (&self->waiting, run);  /* adopts our ref */
			return;
		}
		self->active = run;
	}
	run_send (run);
}

/* POST the run's script (again, after a 409). */
static void
run_send (Run *run)
{
	OxRemoteConnection *self = run->conn;
	g_autoptr (JsonBuilder) jb = json_builder_new ();
	json_builder_begin_object (jb);
	json_builder_set_member_name (jb, "sql");
	json_builder_add_string_value (jb, run->sql);
	json_builder_end_object (jb);
	g_autoptr (JsonGenerator) gen = json_generator_new ();
	g_autoptr (JsonNode) root = json_builder_get_root (jb);
	json_generator_set_root (gen, root);
	gsize len = 0;
	char *text = json_generator_to_data (gen, &len);
	g_autoptr (GBytes) body = g_bytes_new_take (text, len);

	g_clear_object (&run->msg);
	run->msg = new_message (self, "POST", "/api/sql");
	soup_message_set_request_body_from_bytes (run->msg, "application/json", body);
	SoupMessageHeaders *h = soup_message_get_request_headers (run->msg);
	soup_message_headers_replace (h, "X-Application-Name", run->app_name);
	if (run->source)
		soup_message_headers_replace (h, "X-Oxibase-Source", run->source);
	run->session_id = run->collect ? 0 : self->session_id;
	if (run->session_id) {
		g_autofree char *sid = g_strdup_printf ("%" G_GINT64_FORMAT, run->session_id);
		soup_message_headers_replace (h, "X-Oxibase-Session", sid);
	}
	run->t_stmt = g_get_monotonic_time ();
	soup_session_send_async (self->soup, run->msg, G_PRIORITY_DEFAULT, run->io, sent_cb, run);  /* adopts our ref */
}

/* ---- OxConnection --------------------------------------------------------------------- */

static const char *
remote_get_title (OxConnection *conn)
{
	return OX_REMOTE_CONNECTION (conn)->title;
}

static void
remote_run_async (OxConnection *conn, const char *sql, OxBatchFunc batch_func, gpointer batch_data,
                  GDestroyNotify batch_destroy, GCancellable *cancellable, GAsyncReadyCallback callback,
                  gpointer user_data)
{
	OxRemoteConnection *self = OX_REMOTE_CONNECTION (conn);
	Run *run = run_new (self, sql, FALSE, cancellable, callback, user_data, remote_run_async);
	run->batch_func = batch_func;
	run->batch_data = batch_data;
	run->batch_destroy = batch_destroy;
	run->ranges = ox_sql_split (sql);
	run_start (self, run);
}

static void
remote_run_with_demand_async (OxConnection *conn, const char *sql, OxRowDemand *demand, OxBatchFunc batch_func,
                              gpointer batch_data, GDestroyNotify batch_destroy, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
	OxRemoteConnection *self = OX_REMOTE_CONNECTION (conn);
	Run *run = run_new (self, sql, FALSE, cancellable, callback, user_data, remote_run_async);
	run->batch_func = batch_func;
	run->batch_data = batch_data;
	run->batch_destroy = batch_destroy;
	run->ranges = ox_sql_split (sql);
	run->demand = ox_row_demand_ref (demand);
	ox_row_demand_set_notify (demand, demand_grew_cb, run_ref (run), (GDestroyNotify) run_unref);
	run_start (self, run);
}

static gboolean
remote_run_finish (OxConnection *conn, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (g_task_is_valid (result, conn), FALSE);
	return g_task_propagate_boolean (G_TASK (result), error);
}

static void
remote_cancel (OxConnection *conn)
{
	OxRemoteConnection *self = OX_REMOTE_CONNECTION (conn);
	for (guint i = 0; i < self->runs->len; i++) {
		Run *run = self->runs->pdata[i];
		if (!run->collect)
			run_request_cancel (run);
	}
}

static void
remote_query_async (OxConnection *conn, const char *sql, GCancellable *cancellable, GAsyncReadyCallback callback,
                    gpointer user_data)
{
	OxRemoteConnection *self = OX_REMOTE_CONNECTION (conn);
	Run *run = run_new (self, sql, TRUE, cancellable, callback, user_data, remote_query_async);
	run_start (self, run);
}

static GPtrArray *
remote_query_finish (OxConnection *conn, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (g_task_is_valid (result, conn), NULL);
	return g_task_propagate_pointer (G_TASK (result), error);
}

static gint revokes_in_flight;  /* atomic */

static void
revoked_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	(void) data;
	g_autoptr (GBytes) b = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
	g_object_unref (source);  /* the session, held for this exchange */
	g_atomic_int_dec_and_test (&revokes_in_flight);
}

guint
ox_remote_connection_revokes_in_flight (void)
{
	return (guint) g_atomic_int_get (&revokes_in_flight);
}

static void
remote_close (OxConnection *conn)
{
	OxRemoteConnection *self = OX_REMOTE_CONNECTION (conn);
	if (self->closed)
		return;
	self->closed = TRUE;
	ox_remote_dap_stop_all (self);
	/* paused runs give way (a truncated DONE); the others end with CLOSED
	 * (the token's revocation below closes the server session: an open
	 * transaction rolls back) */
	while (self->runs->len > 0) {
		Run *run = g_ptr_array_index (self->runs, 0);
		run_ref (run);
		if (run->paused && !run->done)
			run_give_way (run);
		else {
			g_cancellable_cancel (run->io);
			run_complete (run, g_error_new (OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_CLOSED,
			                                "the connection was closed"));
		}
		run_unref (run);
	}
	if (self->token && self->soup) {
		/* revoke the token; nobody waits for the answer */
		SoupMessage *msg = new_message (self, "DELETE", "/api/auth/token");
		g_atomic_int_inc (&revokes_in_flight);
		soup_session_send_and_read_async (self->soup, msg, G_PRIORITY_DEFAULT, NULL, revoked_cb,
		                                  NULL);
		g_object_ref (self->soup);
		g_object_unref (msg);
	}
	if (self->token)
		explicit_bzero (self->token, strlen (self->token));
	g_clear_pointer (&self->token, g_free);
}

static void
ox_remote_connection_iface_init (OxConnectionInterface *iface)
{
	iface->get_title = remote_get_title;
	iface->run_async = remote_run_async;
	iface->run_finish = remote_run_finish;
	iface->run_with_demand_async = remote_run_with_demand_async;
	iface->cancel = remote_cancel;
	iface->query_async = remote_query_async;
	iface->query_finish = remote_query_finish;
	iface->close = remote_close;
	iface->open_dap_async = ox_remote_dap_open_async;  /* ox-remote-dap.c */
	iface->open_dap_finish = ox_remote_dap_open_finish;
}

/* ---- GObject ----------------------------------------------------------------------- */

static void
ox_remote_connection_dispose (GObject *object)
{
	remote_close (OX_CONNECTION (object));
	G_OBJECT_CLASS (ox_remote_connection_parent_class)->dispose (object);
}

static void
ox_remote_connection_finalize (GObject *object)
{
	OxRemoteConnection *self = OX_REMOTE_CONNECTION (object);
	g_clear_object (&self->soup);
	g_free (self->url);
	g_free (self->user);
	g_free (self->title);
	g_free (self->next_app);
	g_free (self->next_source);
	g_free (self->app_prefix);
	g_ptr_array_unref (self->runs);
	g_assert (g_queue_is_empty (&self->waiting));
	G_OBJECT_CLASS (ox_remote_connection_parent_class)->finalize (object);
}

static void
ox_remote_connection_class_init (OxRemoteConnectionClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	object_class->dispose = ox_remote_connection_dispose;
	object_class->finalize = ox_remote_connection_finalize;
}

static void
ox_remote_connection_init (OxRemoteConnection *self)
{
	self->runs = g_ptr_array_new_with_free_func ((GDestroyNotify) run_unref);
	self->app_prefix = g_strdup_printf ("oxibase-%d-%08x", (int) getpid (), g_random_int ());
}

const char *
ox_remote_connection_get_url (OxRemoteConnection *self)
{
	g_return_val_if_fail (OX_IS_REMOTE_CONNECTION (self), NULL);
	return self->url;
}

const char *
ox_remote_connection_get_user (OxRemoteConnection *self)
{
	g_return_val_if_fail (OX_IS_REMOTE_CONNECTION (self), NULL);
	return self->user;
}

const char *
ox_remote_connection_get_token (OxRemoteConnection *self)
{
	g_return_val_if_fail (OX_IS_REMOTE_CONNECTION (self), NULL);
	return self->token;
}

void
ox_remote_connection_set_next_application_name (OxRemoteConnection *self, const char *name)
{
	g_return_if_fail (OX_IS_REMOTE_CONNECTION (self));
	g_free (self->next_app);
	self->next_app = g_strdup (name);
}

void
ox_remote_connection_set_next_source (OxRemoteConnection *self, const char *path)
{
	g_return_if_fail (OX_IS_REMOTE_CONNECTION (self));
	g_free (self->next_source);
	self->next_source = g_strdup (path);
}

char *
ox_remote_connection_new_application_name (OxRemoteConnection *self)
{
	g_return_val_if_fail (OX_IS_REMOTE_CONNECTION (self), NULL);
	return g_strdup_printf ("%s-%u", self->app_prefix, ++self->app_counter);
}

/* ---- connecting ------------------------------------------------------------------------ */

char *
ox_remote_connection_normalize_url (const char *text, GError **error)
{
	g_autofree char *t = g_strstrip (g_strdup (text ? text : ""));
	if (!*t) {
		g_set_error (error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED,
		             "No server given: type its address, for example http://localhost:8433");
		return NULL;
	}
	g_autofree char *full = strstr (t, "://") ? g_strdup (t) : g_strconcat ("http://", t, NULL);
	g_autoptr (GUri) uri = g_uri_parse (full, G_URI_FLAGS_NONE, NULL);
	const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;
	if (!uri || !g_uri_get_host (uri) || !*g_uri_get_host (uri) ||
	    (g_ascii_strcasecmp (scheme, "http") && g_ascii_strcasecmp (scheme, "https")) ||
	    (*g_uri_get_path (uri) && strcmp (g_uri_get_path (uri), "/")) || g_uri_get_query (uri)) {
		g_set_error (error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED,
		             "\"%s\" is not a server address: write host:port or http://host:port", t);
		return NULL;
	}
	int port = g_uri_get_port (uri);
	if (port <= 0)
		port = DEFAULT_PORT;
	const char *host = g_uri_get_host (uri);
	gboolean v6 = strchr (host, ':') != NULL;
	return g_strdup_printf ("%s://%s%s%s:%d", !g_ascii_strcasecmp (scheme, "https") ? "https" : "http", v6 ? "[" : "",
	                        host, v6 ? "]" : "", port);
}

static OxRemoteConnection *
remote_new (const char *url, const char *user)
{
	OxRemoteConnection *self = g_object_new (OX_TYPE_REMOTE_CONNECTION, NULL);
	self->url = g_strdup (url);
	self->user = g_strdup (user);
	/* one connection per request, as the server answers (docs/server.md) */
	self->soup = soup_session_new_with_options ("max-conns-per-host", 16, "user-agent", "oxibase/" "0.1", NULL);
	const char *hostport = strstr (url, "://") + 3;
	self->title = g_strdup_printf ("%s@%s", user, hostport);
	return self;
}

static GBytes *
login_body (const char *user, const char *password)
{
	g_autoptr (JsonBuilder) jb = json_builder_new ();
	json_builder_begin_object (jb);
	json_builder_set_member_name (jb, "user");
	json_builder_add_string_value (jb, user);
	json_builder_set_member_name (jb, "password");
	json_builder_add_string_value (jb, password ? password : "");
	json_builder_end_object (jb);
	g_autoptr (JsonGenerator) gen = json_generator_new ();
	g_autoptr (JsonNode) root = json_builder_get_root (jb);
	json_generator_set_root (gen, root);
	gsize len = 0;
	char *text = json_generator_to_data (gen, &len);
	return g_bytes_new_take (text, len);
}

/* The login's answer: the token, or an error a person can act on. */
static gboolean
login_answer (OxRemoteConnection *self, SoupMessage *msg, GBytes *bytes, const GError *io_error, GError **error)
{
	if (!bytes) {
		g_set_error (error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED,
		             "Cannot reach the server at %s: %s. Check the address and that oxibase-server runs "
		             "with its HTTP API on that port (--http-port).",
		             self->url, io_error ? io_error->message : "no answer");
		return FALSE;
	}
	guint status = soup_message_get_status (msg);
	gsize len = 0;
	const char *data = g_bytes_get_data (bytes, &len);
	g_autoptr (JsonParser) p = json_parser_new ();
	JsonObject *o = NULL;
	if (json_parser_load_from_data (p, data ? data : "", (gssize) len, NULL) &&
	    JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)))
		o = json_node_get_object (json_parser_get_root (p));
	if (status == SOUP_STATUS_UNAUTHORIZED) {
		g_set_error (error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED,
		             "The server at %s refused the login: wrong user name or password for \"%s\" "
		             "(the role needs LOGIN and a password).", self->url, self->user);
		return FALSE;
	}
	const char *token = o ? json_object_get_string_member_with_default (o, "token", NULL) : NULL;
	if (status != SOUP_STATUS_OK || !token) {
		JsonObject *e = o && json_object_has_member (o, "error") ? json_object_get_object_member (o, "error") : NULL;
		const char *m = e ? json_object_get_string_member_with_default (e, "message", NULL) : NULL;
		g_set_error (error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED,
		             "The server at %s did not log in (HTTP %u%s%s). Is it an oxibase-server?", self->url, status,
		             m ? ": " : "", m ? m : "");
		return FALSE;
	}
	self->token = g_strdup (token);
	return TRUE;
}

/* ---- the server session -------------------------------------------------------------- */

/* The answer to POST /api/sessions: its id, or 0 (an older server without
 * sessions answers 405: runs then go one request each, as before). */
static gint64
session_answer (SoupMessage *msg, GBytes *bytes)
{
	if (!bytes || soup_message_get_status (msg) != 201)
		return 0;
	gsize len = 0;
	const char *data = g_bytes_get_data (bytes, &len);
	g_autoptr (JsonParser) p = json_parser_new ();
	if (!json_parser_load_from_data (p, data ? data : "", (gssize) len, NULL) ||
	    !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)))
		return 0;
	return json_object_get_int_member_with_default (json_node_get_object (json_parser_get_root (p)), "id", 0);
}

static SoupMessage *
session_message (OxRemoteConnection *self)
{
	SoupMessage *msg = new_message (self, "POST", "/api/sessions");
	g_autofree char *app = g_strdup_printf ("%s-session", self->app_prefix);
	soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Application-Name", app);
	return msg;
}

static void
session_opened_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	OxRemoteConnection *self = data;
	SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
	g_autoptr (GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
	self->session_opening = FALSE;
	if (!self->closed)
		self->session_id = session_answer (msg, bytes);
	g_object_unref (self);
}

/* Open a new server session for the runs that follow (the last one was
 * closed by the server); runs started before it answers go one request
 * each. */
static void
ox_remote_connection_open_session_async (OxRemoteConnection *self)
{
	if (self->closed || self->session_opening || !self->token)
		return;
	self->session_opening = TRUE;
	g_autoptr (SoupMessage) msg = session_message (self);
	soup_session_send_and_read_async (self->soup, msg, G_PRIORITY_DEFAULT, NULL, session_opened_cb,
	                                  g_object_ref (self));
}

gint64
ox_remote_connection_get_session_id (OxRemoteConnection *self)
{
	g_return_val_if_fail (OX_IS_REMOTE_CONNECTION (self), 0);
	return self->session_id;
}

typedef struct {
	OxRemoteConnection *conn;
	SoupMessage        *msg;
} LoginData;

static void
login_data_free (LoginData *ld)
{
	g_clear_object (&ld->conn);
	g_clear_object (&ld->msg);
	g_free (ld);
}

static void
login_session_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	GTask *task = data;
	LoginData *ld = g_task_get_task_data (task);
	g_autoptr (GError) io_error = NULL;
	g_autoptr (GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &io_error);
	if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		g_task_return_error (task, g_steal_pointer (&io_error));  /* the connection's dispose revokes the token */
	else {
		ld->conn->session_id = session_answer (ld->msg, bytes);
		g_task_return_pointer (task, g_steal_pointer (&ld->conn), g_object_unref);
	}
	g_object_unref (task);
}

static void
login_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	GTask *task = data;
	LoginData *ld = g_task_get_task_data (task);
	g_autoptr (GError) io_error = NULL;
	g_autoptr (GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &io_error);
	GError *error = NULL;
	if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		g_task_return_error (task, g_steal_pointer (&io_error));
	else if (login_answer (ld->conn, ld->msg, bytes, io_error, &error)) {
		/* then the session the runs go to */
		g_clear_object (&ld->msg);
		ld->msg = session_message (ld->conn);
		soup_session_send_and_read_async (ld->conn->soup, ld->msg, G_PRIORITY_DEFAULT,
		                                  g_task_get_cancellable (task), login_session_cb, task);
		return;
	} else
		g_task_return_error (task, error);
	g_object_unref (task);
}

static SoupMessage *
login_message (OxRemoteConnection *self, const char *password)
{
	SoupMessage *msg = new_message (self, "POST", "/api/auth/login");
	g_autoptr (GBytes) body = login_body (self->user, password);
	soup_message_set_request_body_from_bytes (msg, "application/json", body);
	return msg;
}

void
ox_remote_connection_connect_async (const char *url, const char *user, const char *password,
                                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
	g_return_if_fail (url != NULL && user != NULL);
	GTask *task = g_task_new (NULL, cancellable, callback, user_data);
	g_task_set_source_tag (task, ox_remote_connection_connect_async);
	GError *error = NULL;
	g_autofree char *norm = ox_remote_connection_normalize_url (url, &error);
	if (!norm) {
		g_task_return_error (task, error);
		g_object_unref (task);
		return;
	}
	LoginData *ld = g_new0 (LoginData, 1);
	ld->conn = remote_new (norm, user);
	ld->msg = login_message (ld->conn, password);
	g_task_set_task_data (task, ld, (GDestroyNotify) login_data_free);
	soup_session_send_and_read_async (ld->conn->soup, ld->msg, G_PRIORITY_DEFAULT, cancellable, login_cb, task);
}

OxRemoteConnection *
ox_remote_connection_connect_finish (GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
	return g_task_propagate_pointer (G_TASK (result), error);
}

OxRemoteConnection *
ox_remote_connection_connect (const char *url, const char *user, const char *password, GError **error)
{
	g_return_val_if_fail (url != NULL && user != NULL, NULL);
	g_autofree char *norm = ox_remote_connection_normalize_url (url, error);
	if (!norm)
		return NULL;
	g_autoptr (OxRemoteConnection) self = remote_new (norm, user);
	g_autoptr (SoupMessage) msg = login_message (self, password);
	g_autoptr (GError) io_error = NULL;
	g_autoptr (GBytes) bytes = soup_session_send_and_read (self->soup, msg, NULL, &io_error);
	if (!login_answer (self, msg, bytes, io_error, error))
		return NULL;
	g_autoptr (SoupMessage) smsg = session_message (self);
	g_autoptr (GBytes) sbytes = soup_session_send_and_read (self->soup, smsg, NULL, NULL);
	self->session_id = session_answer (smsg, sbytes);
	return g_steal_pointer (&self);
}

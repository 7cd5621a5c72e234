/*
 * http-codec.h — the HTTP API's JSON in and out, as pure functions:
 * decoding request bodies into plain structs, encoding values, rows and
 * errors, and choosing the HTTP status for an SQLSTATE.
 *
 * Nothing here touches sockets, sessions or libsoup, which is what lets
 * tests/fuzz/fuzz-http.c drive the decoders with arbitrary bytes.
 *
 * What can go wrong: a body that is not JSON, not UTF-8, nested absurdly
 * deep, or of the wrong shape.  Every decoder then returns FALSE with a
 * GError in OX_HTTP_ERROR whose code is the HTTP status (400) and whose
 * message says what was expected; the SQLSTATE for such errors is
 * 22P02 ("invalid_text_representation" — PostgreSQL's code for input it
 * cannot read) unless the error names another.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "oxibase.h"

G_BEGIN_DECLS

#define OX_HTTP_ERROR (ox_http_error_quark ())
GQuark ox_http_error_quark (void);

/* Nesting depth past which a body is refused (json-glib recurses). */
#define OX_HTTP_MAX_JSON_DEPTH 64

/* POST /api/auth/login */
typedef struct {
	char *user;
	char *password;
} OxHttpLogin;

/* POST /api/sql */
typedef struct {
	char      *sql;
	JsonArray *params;  /* NULL when absent; elements are scalars, or
	                       arrays/objects (bound as their JSON text) */
} OxHttpSql;

/* POST /api/rpc/{schema}.{routine} */
typedef struct {
	char       *schema;
	char       *routine;
	JsonObject *args;     /* named arguments (never NULL after decoding) */
} OxHttpRpc;

void ox_http_login_clear (OxHttpLogin *r);
void ox_http_sql_clear (OxHttpSql *r);
void ox_http_rpc_clear (OxHttpRpc *r);

/* Parse body (len bytes, not NUL-terminated) as one JSON value.  FALSE
 * for invalid UTF-8, invalid JSON, nesting past OX_HTTP_MAX_JSON_DEPTH,
 * or a top-level value that is not an object. */
JsonNode *ox_http_parse_object (const char *body, gsize len, GError **error);
gboolean ox_http_decode_login (const char *body, gsize len, OxHttpLogin *out, GError **error);
gboolean ox_http_decode_sql (const char *body, gsize len, OxHttpSql *out, GError **error);
/* target is the path after /api/rpc/: "schema.routine" ("routine" alone
 * means schema public; identifiers as written, case kept). */
gboolean ox_http_decode_rpc (const char *target, const char *body, gsize len, OxHttpRpc *out, GError **error);

/* Append s as a JSON string (quoted, escaped; invalid UTF-8 is replaced
 * by U+FFFD so the output is always valid JSON). */
void ox_http_json_string (GString *out, const char *s);
/* Append a cell: text is the engine's text form (NULL for SQL NULL),
 * typed by the column type: integers and floats as JSON numbers (NaN and
 * infinities as strings), booleans as true/false, numeric and the rest
 * as strings. */
void ox_http_json_value (GString *out, OxColumnType type, const char *text);
/* {"error": {"sqlstate", "message", "detail", "hint", "position"}} —
 * the body, without a trailing newline; position 0 is null. */
void ox_http_json_error (GString *out, const char *sqlstate, const char *message, const char *detail,
                         const char *hint, int position);
/* Only the inner object {"sqlstate": ...}. */
void ox_http_json_error_fields (GString *out, const char *sqlstate, const char *message, const char *detail,
                                const char *hint, int position);

/* Where the request came from, for the status mapping. */
typedef enum {
	OX_HTTP_CTX_SQL,   /* /api/sql and /api/meta */
	OX_HTTP_CTX_RPC,   /* /api/rpc: the routine exists, so 42883 means wrong arguments (400) */
} OxHttpContext;

/* The HTTP status for an SQLSTATE (docs/server.md has the table). */
guint ox_http_status_for_sqlstate (const char *sqlstate, OxHttpContext ctx);

/* A real time (µs since the epoch) as an ISO 8601 UTC string
 * ("2024-05-01T12:00:00.123456Z"); null for 0. */
void ox_http_json_time (GString *out, gint64 real_us);

/* An identifier quoted for SQL text ("a""b"). */
void ox_http_quote_ident (GString *out, const char *ident);

G_END_DECLS

/*
 * fuzz-http.c — libFuzzer target for the HTTP API's request decoding and
 * JSON encoding (server/http/http-codec.c).
 *
 * Each input is a request body.  It is decoded as every request kind
 * (login, sql, rpc with a target taken from the input's first line), and
 * encoded back as a JSON string and as a cell of every column type.  What
 * must never happen: a crash or a read past the input; a decoder that
 * fails without an OX_HTTP_ERROR 400 or succeeds with a missing field; an
 * encoding that is not valid JSON (json-glib must parse it back), or a
 * JSON string that does not round-trip text that was valid UTF-8.
 *
 * NOTE: built only with -Dfuzz=true under clang (tests/fuzz/meson.build);
 * the codec's source is compiled into the target for coverage.  Crashers
 * belong in tests/server/test-http.py or a unit test of the codec.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http-codec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check (gboolean ok, const char *what)
{
	if (!ok) {
		fprintf (stderr, "fuzz-http: %s\n", what);
		abort ();
	}
}

static void
check_failure (GError *error)
{
	check (error != NULL, "a decoder failed without an error");
	check (error->domain == OX_HTTP_ERROR && error->code == 400, "a decoder failed outside OX_HTTP_ERROR 400");
	check (error->message && *error->message, "an error without a message");
}

/* json-glib parses text as one JSON value; returns it (or NULL). */
static JsonNode *
parse (const char *text)
{
	g_autoptr (JsonParser) p = json_parser_new ();
	if (!json_parser_load_from_data (p, text, -1, NULL))
		return NULL;
	JsonNode *root = json_parser_get_root (p);
	return root ? json_node_copy (root) : NULL;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	const char *body = (const char *) data;
	GError *error = NULL;

	OxHttpLogin login;
	if (ox_http_decode_login (body, size, &login, &error)) {
		check (login.user && *login.user && login.password, "login decoded without user or password");
		ox_http_login_clear (&login);
	} else {
		check_failure (error);
		g_clear_error (&error);
	}

	OxHttpSql sql;
	if (ox_http_decode_sql (body, size, &sql, &error)) {
		check (sql.sql != NULL, "sql decoded without sql");
		ox_http_sql_clear (&sql);
	} else {
		check_failure (error);
		g_clear_error (&error);
	}

	/* the rpc target is the input up to its first newline, the body the rest */
	const char *nl = memchr (body, '\n', size);
	g_autofree char *target = g_strndup (body, nl ? (gsize) (nl - body) : size);
	const char *rest = nl ? nl + 1 : body + size;
	OxHttpRpc rpc;
	if (ox_http_decode_rpc (target, rest, size - (gsize) (rest - body), &rpc, &error)) {
		check (rpc.schema && *rpc.schema && rpc.routine && *rpc.routine && rpc.args, "rpc decoded incompletely");
		g_autoptr (GString) q = g_string_new (NULL);
		ox_http_quote_ident (q, rpc.routine);
		check (q->len >= 2 && q->str[0] == '"' && q->str[q->len - 1] == '"', "a quoted identifier is not quoted");
		ox_http_rpc_clear (&rpc);
	} else {
		check_failure (error);
		g_clear_error (&error);
	}

	/* encoding: the input as text (cut at its first NUL) */
	g_autofree char *text = g_strndup (body, size);
	g_autoptr (GString) out = g_string_new (NULL);
	ox_http_json_string (out, text);
	g_autoptr (JsonNode) s = parse (out->str);
	check (s && JSON_NODE_HOLDS_VALUE (s) && json_node_get_value_type (s) == G_TYPE_STRING,
	       "ox_http_json_string did not make a JSON string");
	if (g_utf8_validate (text, -1, NULL))
		check (!strcmp (json_node_get_string (s), text), "ox_http_json_string does not round-trip");

	static const OxColumnType types[] = { OX_TYPE_NULL, OX_TYPE_BOOLEAN, OX_TYPE_SMALLINT, OX_TYPE_INTEGER,
	                                      OX_TYPE_BIGINT, OX_TYPE_NUMERIC, OX_TYPE_REAL, OX_TYPE_DOUBLE,
	                                      OX_TYPE_TEXT, OX_TYPE_BYTEA, OX_TYPE_TIMESTAMPTZ };
	for (gsize i = 0; i < G_N_ELEMENTS (types); i++) {
		g_string_truncate (out, 0);
		g_string_append (out, "[");
		ox_http_json_value (out, types[i], text);
		g_string_append (out, "]");
		g_autoptr (JsonNode) v = parse (out->str);
		check (v && JSON_NODE_HOLDS_ARRAY (v) && json_array_get_length (json_node_get_array (v)) == 1,
		       "ox_http_json_value did not make one JSON value");
	}

	g_string_truncate (out, 0);
	ox_http_json_error (out, text, text, text, NULL, (int) size);
	g_autoptr (JsonNode) e = parse (out->str);
	check (e && JSON_NODE_HOLDS_OBJECT (e), "ox_http_json_error did not make a JSON object");
	return 0;
}

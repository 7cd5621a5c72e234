/*
 * http-codec.c — JSON request decoding and response encoding for the
 * HTTP API (see http-codec.h).
 *
 * NOTE: json-glib's parser recurses once per nesting level and has no
 * depth limit of its own, so a 1 MiB body of "[[[[..." would take a
 * million frames: the nesting depth is measured by a plain scan (strings
 * skipped) before the parser sees the body.
 *
 * NOTE: output JSON is written by hand rather than through JsonBuilder,
 * because /api/sql streams rows as they come and never holds a result
 * set as a tree.
 */
#define G_LOG_DOMAIN "oxibase-http"

#include "http-codec.h"

#include <string.h>

G_DEFINE_QUARK (oxibase-http-error-quark, ox_http_error)

static gboolean
bad_request (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
static gboolean
bad_request (GError **error, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	g_autofree char *msg = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	g_set_error_literal (error, OX_HTTP_ERROR, 400, msg);
	return FALSE;
}

/* Deepest nesting of [ and { outside strings, or G_MAXINT once past max. */
static int
json_depth (const char *s, gsize len, int max)
{
	int depth = 0, deepest = 0;
	gboolean in_str = FALSE;
	for (gsize i = 0; i < len; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = FALSE;
			continue;
		}
		if (c == '"')
			in_str = TRUE;
		else if (c == '[' || c == '{') {
			if (++depth > deepest)
				deepest = depth;
			if (deepest > max)
				return G_MAXINT;
		} else if (c == ']' || c == '}')
			depth--;
	}
	return deepest;
}

JsonNode *
ox_http_parse_object (const char *body, gsize len, GError **error)
{
	if (!body || len == 0) {
		bad_request (error, "the request body is empty; a JSON object was expected");
		return NULL;
	}
	if (!g_utf8_validate_len (body, len, NULL)) {
		bad_request (error, "the request body is not valid UTF-8");
		return NULL;
	}
	if (json_depth (body, len, OX_HTTP_MAX_JSON_DEPTH) > OX_HTTP_MAX_JSON_DEPTH) {
		bad_request (error, "the request body nests deeper than %d levels", OX_HTTP_MAX_JSON_DEPTH);
		return NULL;
	}
	g_autoptr (JsonParser) parser = json_parser_new_immutable ();
	g_autoptr (GError) perr = NULL;
	if (!json_parser_load_from_data (parser, body, (gssize) len, &perr)) {
		/* json-glib's message carries "<data>:1:5: Parse error: ..." — a
		 * position in the body, never a file of ours */
		bad_request (error, "the request body is not valid JSON: %s", perr->message);
		return NULL;
	}
	JsonNode *root = json_parser_get_root (parser);
	if (!root || !JSON_NODE_HOLDS_OBJECT (root)) {
		bad_request (error, "the request body must be a JSON object");
		return NULL;
	}
	return json_node_copy (root);
}

/* A member that must be a string (or may be absent when optional). */
static gboolean
get_string (JsonObject *o, const char *name, gboolean required, char **out, GError **error)
{
	JsonNode *n = json_object_get_member (o, name);
	if (!n || JSON_NODE_HOLDS_NULL (n)) {
		if (required)
			return bad_request (error, "\"%s\" is missing (a string)", name);
		*out = NULL;
		return TRUE;
	}
	if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
		return bad_request (error, "\"%s\" must be a string", name);
	/* a \u0000 in the JSON ends the C string json-glib gives back: the
	 * text is cut there, never read past */
	*out = g_strdup (json_node_get_string (n));
	return TRUE;
}

void
ox_http_login_clear (OxHttpLogin *r)
{
	g_clear_pointer (&r->user, g_free);
	if (r->password) {
		explicit_bzero (r->password, strlen (r->password));
		g_clear_pointer (&r->password, g_free);
	}
}

void
ox_http_sql_clear (OxHttpSql *r)
{
	g_clear_pointer (&r->sql, g_free);
	g_clear_pointer (&r->params, json_array_unref);
}

void
ox_http_rpc_clear (OxHttpRpc *r)
{
	g_clear_pointer (&r->schema, g_free);
	g_clear_pointer (&r->routine, g_free);
	g_clear_pointer (&r->args, json_object_unref);
}

gboolean
ox_http_decode_login (const char *body, gsize len, OxHttpLogin *out, GError **error)
{
	memset (out, 0, sizeof *out);
	g_autoptr (JsonNode) root = ox_http_parse_object (body, len, error);
	if (!root)
		return FALSE;
	JsonObject *o = json_node_get_object (root);
	if (!get_string (o, "user", TRUE, &out->user, error) || !get_string (o, "password", TRUE, &out->password, error)) {
		ox_http_login_clear (out);
		return FALSE;
	}
	if (!*out->user) {
		ox_http_login_clear (out);
		return bad_request (error, "\"user\" must not be empty");
	}
	return TRUE;
}

gboolean
ox_http_decode_sql (const char *body, gsize len, OxHttpSql *out, GError **error)
{
	memset (out, 0, sizeof *out);
	g_autoptr (JsonNode) root = ox_http_parse_object (body, len, error);
	if (!root)
		return FALSE;
	JsonObject *o = json_node_get_object (root);
	if (!get_string (o, "sql", TRUE, &out->sql, error))
		return FALSE;
	JsonNode *p = json_object_get_member (o, "params");
	if (p && !JSON_NODE_HOLDS_NULL (p)) {
		if (!JSON_NODE_HOLDS_ARRAY (p)) {
			ox_http_sql_clear (out);
			return bad_request (error, "\"params\" must be an array");
		}
		out->params = json_array_ref (json_node_get_array (p));
	}
	return TRUE;
}

gboolean
ox_http_decode_rpc (const char *target, const char *body, gsize len, OxHttpRpc *out, GError **error)
{
	memset (out, 0, sizeof *out);
	if (!target || !*target)
		return bad_request (error, "the routine is missing: POST /api/rpc/SCHEMA.ROUTINE");
	if (!g_utf8_validate (target, -1, NULL))
		return bad_request (error, "the routine name is not valid UTF-8");
	const char *dot = strchr (target, '.');
	if (dot) {
		if (dot == target || !dot[1] || strchr (dot + 1, '.'))
			return bad_request (error, "\"%s\" is not SCHEMA.ROUTINE", target);
		out->schema = g_strndup (target, (gsize) (dot - target));
		out->routine = g_strdup (dot + 1);
	} else {
		out->schema = g_strdup ("public");
		out->routine = g_strdup (target);
	}
	if (body && len > 0) {
		g_autoptr (JsonNode) root = ox_http_parse_object (body, len, error);
		if (!root) {
			ox_http_rpc_clear (out);
			return FALSE;
		}
		out->args = json_object_ref (json_node_get_object (root));
	} else
		out->args = json_object_new ();
	GList *names = json_object_get_members (out->args);
	for (GList *l = names; l; l = l->next) {
		const char *n = l->data;
		gboolean ok = *n != '\0';
		for (const char *c = n; *c && ok; c++)
			ok = (guchar) *c >= 0x20;
		if (!ok) {
			g_list_free (names);
			ox_http_rpc_clear (out);
			return bad_request (error, "argument names must be non-empty and free of control characters");
		}
	}
	g_list_free (names);
	return TRUE;
}

void
ox_http_json_string (GString *out, const char *s)
{
	g_string_append_c (out, '"');
	const char *p = s;
	while (*p) {
		gunichar c = g_utf8_get_char_validated (p, -1);
		if (c == (gunichar) -1 || c == (gunichar) -2) {
			g_string_append (out, "\\ufffd");
			p++;
			continue;
		}
		const char *next = g_utf8_next_char (p);
		switch (c) {
		case '"': g_string_append (out, "\\\""); break;
		case '\\': g_string_append (out, "\\\\"); break;
		case '\n': g_string_append (out, "\\n"); break;
		case '\r': g_string_append (out, "\\r"); break;
		case '\t': g_string_append (out, "\\t"); break;
		case '\b': g_string_append (out, "\\b"); break;
		case '\f': g_string_append (out, "\\f"); break;
		default:
			if (c < 0x20)
				g_string_append_printf (out, "\\u%04x", c);
			else
				g_string_append_len (out, p, next - p);
		}
		p = next;
	}
	g_string_append_c (out, '"');
}

/* Does text look like a JSON number (the engine's float output is
 * "1.5e+20", "-0", "Infinity", "NaN": only the last two are not)? */
static gboolean
json_number_ok (const char *t)
{
	const char *p = t;
	if (*p == '-')
		p++;
	if (!g_ascii_isdigit (*p))
		return FALSE;
	if (*p == '0' && g_ascii_isdigit (p[1]))
		return FALSE;
	while (g_ascii_isdigit (*p))
		p++;
	if (*p == '.') {
		p++;
		if (!g_ascii_isdigit (*p))
			return FALSE;
		while (g_ascii_isdigit (*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!g_ascii_isdigit (*p))
			return FALSE;
		while (g_ascii_isdigit (*p))
			p++;
	}
	return *p == '\0';
}

void
ox_http_json_value (GString *out, OxColumnType type, const char *text)
{
	if (!text) {
		g_string_append (out, "null");
		return;
	}
	switch (type) {
	case OX_TYPE_BOOLEAN:
		g_string_append (out, !strcmp (text, "t") || !strcmp (text, "true") ? "true" : "false");
		return;
	case OX_TYPE_SMALLINT:
	case OX_TYPE_INTEGER:
	case OX_TYPE_BIGINT:
	case OX_TYPE_REAL:
	case OX_TYPE_DOUBLE:
		if (json_number_ok (text)) {
			g_string_append (out, text);
			return;
		}
		break;  /* NaN, Infinity: a string */
	default:
		break;
	}
	ox_http_json_string (out, text);
}

static void
opt_string (GString *out, const char *s)
{
	if (s)
		ox_http_json_string (out, s);
	else
		g_string_append (out, "null");
}

void
ox_http_json_error_fields (GString *out, const char *sqlstate, const char *message, const char *detail,
                           const char *hint, int position)
{
	g_string_append (out, "{\"sqlstate\":");
	ox_http_json_string (out, sqlstate && *sqlstate ? sqlstate : "XX000");
	g_string_append (out, ",\"message\":");
	ox_http_json_string (out, message ? message : "unknown error");
	g_string_append (out, ",\"detail\":");
	opt_string (out, detail);
	g_string_append (out, ",\"hint\":");
	opt_string (out, hint);
	if (position > 0)
		g_string_append_printf (out, ",\"position\":%d}", position);
	else
		g_string_append (out, ",\"position\":null}");
}

void
ox_http_json_error (GString *out, const char *sqlstate, const char *message, const char *detail,
                    const char *hint, int position)
{
	g_string_append (out, "{\"error\":");
	ox_http_json_error_fields (out, sqlstate, message, detail, hint, position);
	g_string_append_c (out, '}');
}

guint
ox_http_status_for_sqlstate (const char *sqlstate, OxHttpContext ctx)
{
	if (!sqlstate || strlen (sqlstate) != 5)
		return 500;
	/* exact codes first */
	static const struct { const char *code; guint status; } exact[] = {
		{ "42501", 403 },  /* insufficient_privilege */
		{ "42P01", 404 },  /* undefined_table */
		{ "42704", 404 },  /* undefined_object */
		{ "3F000", 404 },  /* invalid_schema_name */
		{ "3D000", 404 },  /* invalid_catalog_name */
		{ "57014", 503 },  /* query_canceled: statement/request timeout or cancel */
		{ "57P01", 503 },  /* admin_shutdown: terminated or shutting down */
		{ "57P03", 503 },  /* cannot_connect_now */
	};
	for (gsize i = 0; i < G_N_ELEMENTS (exact); i++)
		if (!strcmp (sqlstate, exact[i].code))
			return exact[i].status;
	if (!strcmp (sqlstate, "42883"))  /* undefined_function */
		return ctx == OX_HTTP_CTX_RPC ? 400 : 404;
	if (g_str_has_prefix (sqlstate, "28"))
		return 401;  /* invalid authorization */
	if (g_str_has_prefix (sqlstate, "40") || g_str_has_prefix (sqlstate, "23") || g_str_has_prefix (sqlstate, "55"))
		return 409;  /* serialization, deadlock, integrity, object in use */
	if (g_str_has_prefix (sqlstate, "53") || g_str_has_prefix (sqlstate, "57"))
		return 503;  /* insufficient resources, operator intervention */
	if (g_str_has_prefix (sqlstate, "XX") || g_str_has_prefix (sqlstate, "58"))
		return 500;  /* internal, system errors */
	return 400;
}

void
ox_http_quote_ident (GString *out, const char *ident)
{
	g_string_append_c (out, '"');
	for (const char *p = ident; *p; p++) {
		if (*p == '"')
			g_string_append_c (out, '"');
		g_string_append_c (out, *p);
	}
	g_string_append_c (out, '"');
}

void
ox_http_json_time (GString *out, gint64 real_us)
{
	if (!real_us) {
		g_string_append (out, "null");
		return;
	}
	g_autoptr (GDateTime) t = g_date_time_new_from_unix_utc (real_us / G_USEC_PER_SEC);
	g_autofree char *s = g_date_time_format (t, "%Y-%m-%dT%H:%M:%S");
	g_string_append_printf (out, "\"%s.%06dZ\"", s, (int) (real_us % G_USEC_PER_SEC));
}

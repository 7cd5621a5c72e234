/*
 * breakpoints.c — one breakpoint on its own: parsing a hit condition,
 * deciding whether a hit counts, matching a function breakpoint to a
 * routine frame, and formatting a logpoint's message.
 *
 * The tables of breakpoints, and when they are consulted, are debugger.c's.
 *
 * NOTE: hit conditions follow what VS Code users type: "== 5", ">= 3",
 * "% 2", and a plain number meaning ">= n" (as VS Code's js-debug does).
 * One that does not parse makes the breakpoint unverified and inert,
 * rather than stopping every time: a wrong stop costs more than none.
 * NOTE: ox_bp_format_log calls the user's eval_to_text callback; call it
 * without the debugger's lock.
 */
#define G_LOG_DOMAIN "oxibase-debugger"

#include "debugger-private.h"

#include <string.h>

/* Parse "op n" into bp; FALSE if it is not a hit condition. */
static gboolean
parse_hit_condition (Bp *bp, const char *text)
{
	const char *p = text;
	while (g_ascii_isspace (*p))
		p++;
	static const struct {
		const char *op;
		HitOp       kind;
	} ops[] = {
		/* two-character operators before their prefixes */
		{ "==", HIT_EQ }, { ">=", HIT_GE }, { "<=", HIT_LE },
		{ "=", HIT_EQ }, { ">", HIT_GT }, { "<", HIT_LT }, { "%", HIT_MOD },
	};
	bp->hit_op = HIT_GE;  /* a plain number */
	for (guint i = 0; i < G_N_ELEMENTS (ops); i++) {
		size_t n = strlen (ops[i].op);
		if (strncmp (p, ops[i].op, n) == 0) {
			bp->hit_op = ops[i].kind;
			p += n;
			break;
		}
	}
	while (g_ascii_isspace (*p))
		p++;
	char *end = NULL;
	if (!g_ascii_isdigit (*p))
		return FALSE;
	guint64 n = g_ascii_strtoull (p, &end, 10);
	while (end && g_ascii_isspace (*end))
		end++;
	if (!end || *end || n > G_MAXINT32)
		return FALSE;
	if (bp->hit_op == HIT_MOD && n == 0)
		return FALSE;
	bp->hit_n = (gint64) n;
	return TRUE;
}

Bp *
ox_bp_new (int id, int line, const char *condition, const char *hit_condition, const char *log_message)
{
	Bp *bp = g_new0 (Bp, 1);
	bp->id = id;
	bp->line = line;
	bp->condition = condition && *condition ? g_strdup (condition) : NULL;
	bp->log_message = log_message && *log_message ? g_strdup (log_message) : NULL;
	if (hit_condition && *hit_condition && !parse_hit_condition (bp, hit_condition))
		bp->invalid = TRUE;
	return bp;
}

void
ox_bp_free (gpointer p)
{
	Bp *bp = p;
	g_free (bp->condition);
	g_free (bp->log_message);
	g_free (bp->fn_schema);
	g_free (bp->fn_name);
	g_free (bp);
}

void
ox_bp_result_clear (gpointer p)
{
	OxBreakpoint *r = p;
	g_clear_pointer (&r->message, g_free);
}

/* Does the hit just counted (bp->hits) stop?  Call under the lock. */
gboolean
ox_bp_hit_ok (const Bp *bp)
{
	switch (bp->hit_op) {
	case HIT_ANY: return TRUE;
	case HIT_EQ: return bp->hits == bp->hit_n;
	case HIT_GE: return bp->hits >= bp->hit_n;
	case HIT_GT: return bp->hits > bp->hit_n;
	case HIT_LE: return bp->hits <= bp->hit_n;
	case HIT_LT: return bp->hits < bp->hit_n;
	case HIT_MOD: return bp->hits % bp->hit_n == 0;
	}
	g_assert_not_reached ();
}

/* A signature as the engine prints it, whatever the user typed:
 * "Put( int ,VARCHAR)" -> "put(integer,character varying)" (spaces after
 * commas dropped on both sides of the comparison). */
char *
ox_bp_normalize_signature (const char *sig)
{
	static const char *const alias[][2] = {
		{ "int", "integer" }, { "int4", "integer" }, { "int8", "bigint" }, { "int2", "smallint" },
		{ "bool", "boolean" }, { "float8", "double precision" }, { "float", "double precision" },
		{ "float4", "real" }, { "varchar", "character varying" }, { "decimal", "numeric" },
		{ "char", "character" }, { "bpchar", "character" }, { "timestamptz", "timestamp with time zone" },
	};
	GString *out = g_string_new (NULL);
	const char *p = sig;
	const char *open = strchr (sig, '(');
	if (!open) {
		g_string_free (out, TRUE);
		return g_ascii_strdown (sig, -1);
	}
	g_string_append_len (out, sig, open - sig + 1);
	p = open + 1;
	while (*p) {
		while (*p == ' ')
			p++;
		size_t n = strcspn (p, ",)");
		size_t m = n;
		while (m > 0 && p[m - 1] == ' ')
			m--;
		char *t = g_ascii_strdown (p, (gssize) m);
		const char *use = t;
		for (size_t i = 0; i < G_N_ELEMENTS (alias); i++)
			if (!strcmp (t, alias[i][0]))
				use = alias[i][1];
		g_string_append (out, use);
		g_free (t);
		p += n;
		if (*p)
			g_string_append_c (out, *p++);
	}
	char *r = g_ascii_strdown (out->str, -1);
	g_string_free (out, TRUE);
	return r;
}

/*
 * Does function breakpoint bp name the routine frame runs?  A ROUTINE
 * frame is named by its signature ("put(integer)"): the breakpoint matches
 * the name before "(" or, if it has one, the whole signature (type names
 * normalized: "int" is "integer").  A TRIGGER frame matches by the
 * trigger's name or by its function's.  Unquoted SQL names fold to lower
 * case, so the comparison ignores ASCII case.
 */
gboolean
ox_bp_matches_routine (const Bp *bp, OxFrame *frame)
{
	OxFrameKind kind = ox_frame_kind (frame);
	if (kind != OX_FRAME_ROUTINE && kind != OX_FRAME_TRIGGER)
		return FALSE;
	if (bp->fn_schema) {
		const char *schema = ox_frame_routine_schema (frame);
		if (!schema || g_ascii_strcasecmp (schema, bp->fn_schema) != 0)
			return FALSE;
	}
	const char *name = ox_frame_name (frame);
	if (!name)
		return FALSE;
	if (kind == OX_FRAME_ROUTINE && strchr (bp->fn_name, '(')) {
		char *a = ox_bp_normalize_signature (name);
		gboolean eq = strcmp (a, bp->fn_name) == 0;  /* fn_name is normalized when set */
		g_free (a);
		return eq;
	}
	if (kind == OX_FRAME_TRIGGER && ox_frame_routine_name (frame) &&
	    g_ascii_strcasecmp (ox_frame_routine_name (frame), bp->fn_name) == 0)
		return TRUE;  /* the trigger's function, by its name */
	size_t n = strcspn (name, kind == OX_FRAME_ROUTINE ? "(" : " ");
	return strlen (bp->fn_name) == n && g_ascii_strncasecmp (name, bp->fn_name, n) == 0;
}

/*
 * A logpoint's text: every "{expr}" replaced by eval_to_text's answer, or
 * "{expr: error}" when it fails; "{{" and "}}" stand for braces.  Without
 * an eval_to_text callback the
 * placeholders stay as written.  An unmatched "{" is kept literally.
 */
char *
ox_bp_format_log (OxDebugger *dbg, OxFrame *frame, const char *message)
{
	GString *out = g_string_new (NULL);
	const char *p = message;
	while (*p) {
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			g_string_append_c (out, p[0]);
			p += 2;
			continue;
		}
		const char *close = p[0] == '{' ? strchr (p + 1, '}') : NULL;
		if (!close) {
			g_string_append_c (out, *p++);
			continue;
		}
		g_autofree char *expr = g_strndup (p + 1, (gsize) (close - p - 1));
		if (!dbg->cb.eval_to_text) {
			g_string_append_len (out, p, close - p + 1);
		} else {
			char *error = NULL;
			char *val = dbg->cb.eval_to_text (dbg, frame, expr, &error, dbg->user);
			if (val)
				g_string_append (out, val);
			else
				g_string_append_printf (out, "{%s: %s}", expr, error ? error : "error");
			g_free (val);
			g_free (error);
		}
		p = close + 1;
	}
	return g_string_free (out, FALSE);
}

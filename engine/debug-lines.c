/*
 * debug-lines.c — where a debugger can stop in a script or a routine body
 * (debug.h: ox_debug_script_lines, ox_debug_body_lines), so that a
 * breakpoint set on a blank line, a comment or the middle of a statement
 * can be moved to the line that will really be reached.
 *
 * A script's stops are the first lines of its statements (after blanks and
 * comments, as ox_exec reports them), and inside the PL/SQL and Lua bodies
 * of the routines and DO blocks it creates, their statements' lines (Lua:
 * every line holding code, which is where its line hook fires).
 *
 * NOTE: what can go wrong: a body that does not parse contributes no lines
 * (CREATE will report the error when it runs); Lua lines are found
 * lexically (a line inside a long string or comment counts as code, which
 * only means a breakpoint there never stops).
 */
#include "debug-internal.h"
#include "pl/plsql.h"
#include "sql/ast.h"
#include "session.h"

#include <string.h>

const char *
ox_debug_skip_blanks (const char *p, const char *end)
{
	for (;;) {
		while (p < end && g_ascii_isspace (*p))
			p++;
		if (p + 1 < end && p[0] == '-' && p[1] == '-') {
			while (p < end && *p != '\n')
				p++;
			continue;
		}
		if (p + 1 < end && p[0] == '/' && p[1] == '*') {
			/* comments nest, as in PostgreSQL */
			int depth = 0;
			while (p < end) {
				if (p + 1 < end && p[0] == '/' && p[1] == '*') {
					depth++;
					p += 2;
				} else if (p + 1 < end && p[0] == '*' && p[1] == '/') {
					p += 2;
					if (--depth == 0)
						break;
				} else
					p++;
			}
			continue;
		}
		return p;
	}
}

static int
line_at (const char *text, size_t off)
{
	int l = 1;
	for (size_t i = 0; i < off && text[i]; i++)
		if (text[i] == '\n')
			l++;
	return l;
}

static int
cmp_int (const void *a, const void *b)
{
	int x = *(const int *) a, y = *(const int *) b;
	return x < y ? -1 : x > y;
}

static int
finish (GArray *lines, int **out)
{
	g_array_sort (lines, cmp_int);
	guint k = 0;
	for (guint i = 0; i < lines->len; i++)
		if (k == 0 || g_array_index (lines, int, i) != g_array_index (lines, int, k - 1))
			g_array_index (lines, int, k++) = g_array_index (lines, int, i);
	g_array_set_size (lines, k);
	*out = (int *) (void *) g_array_free (lines, FALSE);
	return (int) k;
}

/* Lines (1-based, in the body) of a body's statements, added at +offset.
 * tmpl, when given, is the routine (or a sketch of it: argument names and
 * modes, trigger or not) the body belongs to: PL/SQL resolves assignment
 * targets while parsing, so "x := ..." needs the argument x, and
 * "NEW.f := ..." a trigger. */
static void
body_lines (const char *language, const char *body, const OxRoutine *tmpl, int offset, GArray *out)
{
	if (!language || !body)
		return;
	if (!g_ascii_strcasecmp (language, "plsql") || !g_ascii_strcasecmp (language, "plpgsql")) {
		OxRoutine r = { 0 };
		if (tmpl)
			r = *tmpl;
		r.body = body;
		r.language = "plsql";
		PlsqlFunction *volatile fn = NULL;
		OX_TRY {
			fn = plsql_parse (&r);
		} OX_CATCH {
			OxErrorData e;
			ox_error_take (&e);
			ox_error_data_clear (&e);
		} OX_END_TRY;
		if (!fn)
			return;
		for (int i = 0; i < fn->nstmts; i++) {
			int l = fn->stmts[i]->line + offset;
			g_array_append_val (out, l);
		}
		plsql_function_free (fn);
	} else if (!g_ascii_strcasecmp (language, "lua")) {
		int line = 1;
		const char *p = body;
		while (*p) {
			const char *e = strchr (p, '\n');
			size_t n = e ? (size_t) (e - p) : strlen (p);
			size_t i = 0;
			while (i < n && g_ascii_isspace (p[i]))
				i++;
			if (i < n && !(i + 1 < n && p[i] == '-' && p[i + 1] == '-')) {
				int l = line + offset;
				g_array_append_val (out, l);
			}
			if (!e)
				break;
			p = e + 1;
			line++;
		}
	}
}

/* What PL/SQL's parser needs of a routine that does not exist yet. */
static void
sketch_routine (OxRoutine *r, OxCreateFunctionStmt *cf, OxArena *a)
{
	int n = (cf->params ? cf->params->n : 0) + (cf->table_cols ? cf->table_cols->n : 0);
	r->args = ox_arena_alloc0 (a, sizeof (OxRoutineArg) * (size_t) (n > 0 ? n : 1));
	int k = 0;
	for (int i = 0; cf->params && i < cf->params->n; i++) {
		OxFuncParam *fp = cf->params->items[i];
		r->args[k].name = fp->name;
		r->args[k].mode = (OxArgMode) fp->mode;
		r->args[k].type = (OxType) { OX_T_UNKNOWN, -1 };
		k++;
	}
	for (int i = 0; cf->table_cols && i < cf->table_cols->n; i++) {
		OxFuncParam *fp = cf->table_cols->items[i];
		r->args[k].name = fp->name;
		r->args[k].mode = OX_ARG_TABLE;
		r->args[k].type = (OxType) { OX_T_UNKNOWN, -1 };
		k++;
	}
	r->nargs = k;
	r->rkind = cf->is_procedure ? OX_ROUTINE_PROCEDURE : OX_ROUTINE_FUNCTION;
	if (cf->returns && cf->returns->name && !g_ascii_strcasecmp (cf->returns->name, "trigger"))
		r->retkind = OX_RET_TRIGGER;
	else if (cf->returns && cf->returns->name && !g_ascii_strcasecmp (cf->returns->name, "event_trigger"))
		r->retkind = OX_RET_EVENT_TRIGGER;
}

int
ox_frame_source_lines (OxFrame *f, int **lines)
{
	GArray *out = g_array_new (FALSE, FALSE, sizeof (int));
	switch (f->kind) {
	case OX_FRAME_STATEMENT: {
		g_array_free (out, TRUE);
		if (!f->source_text) {
			*lines = NULL;
			return 0;
		}
		return ox_debug_script_lines (f->source_text, f->s->script_first_line, lines);
	}
	case OX_FRAME_ROUTINE:
	case OX_FRAME_TRIGGER:
		if (f->routine)
			body_lines (f->routine->language, f->routine->body, f->routine, f->line_offset, out);
		break;
	case OX_FRAME_OPERATOR: {
		int k = 1;
		for (const char *p = f->source_text ? f->source_text : ""; *p; p++)
			k += *p == '\n';
		for (int i = 1; i <= k; i++)
			g_array_append_val (out, i);
		break;
	}
	}
	return finish (out, lines);
}

int
ox_debug_body_lines (const char *language, const char *body, int **lines)
{
	GArray *out = g_array_new (FALSE, FALSE, sizeof (int));
	body_lines (language, body, NULL, 0, out);
	return finish (out, lines);
}

int
ox_debug_script_lines (const char *sql, int first_line, int **lines)
{
	GArray *out = g_array_new (FALSE, FALSE, sizeof (int));
	size_t len = strlen (sql), off = 0;
	int base = (first_line > 0 ? first_line : 1) - 1;
	OxArena *a = ox_arena_new ();
	while (off < len) {
		const char *start = ox_debug_skip_blanks (sql + off, sql + len);
		if (start >= sql + len)
			break;
		size_t end = 0;
		OxNode *volatile n = NULL;
		volatile bool bad = false;
		OX_TRY {
			n = ox_parse_one (a, sql + off, len - off, &end);
		} OX_CATCH {
			OxErrorData e;
			ox_error_take (&e);
			ox_error_data_clear (&e);
			bad = true;
		} OX_END_TRY;
		/* a statement that does not parse ends the script where ox_exec
		 * would stop; its line can still hold a breakpoint */
		int l = line_at (sql, (size_t) (start - sql)) + base;
		g_array_append_val (out, l);
		if (bad || !n || end == 0)
			break;
		const char *lang = NULL, *body = NULL;
		int body_loc = 0;
		OxRoutine sketch = { 0 };
		if (n->tag == OX_N_CREATE_FUNCTION) {
			OxCreateFunctionStmt *cf = (OxCreateFunctionStmt *) n;
			lang = cf->language;
			body = cf->body;
			body_loc = cf->body_loc;
			sketch_routine (&sketch, cf, a);
		} else if (n->tag == OX_N_DO) {
			OxDoStmt *ds = (OxDoStmt *) n;
			lang = ds->language ? ds->language : "plsql";
			body = ds->body;
			body_loc = ds->body_loc;
		}
		if (body)
			body_lines (lang, body, &sketch, line_at (sql, off + (size_t) body_loc) - 1 + base, out);
		off += end;
		ox_arena_reset (a);
	}
	ox_arena_free (a);
	return finish (out, lines);
}

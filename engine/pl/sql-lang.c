/*
 * sql-lang.c — LANGUAGE sql: a routine whose body is SQL statements.
 *
 * The statements run in order through the SPI; the last one's rows are the
 * result (its first row for a scalar function, every row for a set-
 * returning one, nothing for void functions and procedures).  Arguments
 * are referred to by name or as $n and bind as parameters; a name that is
 * also a column of a table in the statement means the column, as in
 * PostgreSQL.
 *
 * Statements are parsed when the routine is created (a syntax error names
 * its position in the body) and each is prepared on its first run in a
 * session, so that a body may create a table and then use it.  A result
 * that does not fit the declared type is 42P13 at the first call.
 */
#include "pl/pl.h"
#include "session.h"
#include "base/error.h"
#include "base/cast.h"
#include "sql/lexer.h"
#include "exec/functions.h"

#include <string.h>

typedef struct SqlFunc {
	OxSession  *s;
	OxRoutine  *r;
	int         nstmts;
	char      **texts;     /* each statement's text */
	int        *offsets;   /* its byte offset in the body */
	OxSpiPlan **plans;     /* prepared on first run */
	int        *argpos;    /* callable argument k (0-based) -> index in r->args */
	int         nin;
	OxSpiParamHook hook;
	bool        checked;   /* the result shape was checked against the declaration */
} SqlFunc;

static int
resolve_arg (void *user, const char *const *fields, int nfields, OxType *type)
{
	SqlFunc *f = user;
	OxRoutine *r = f->r;
	const char *name = fields[nfields - 1];
	if (nfields == 2 && strcmp (fields[0], r->obj.name))
		return 0;
	if (nfields > 2)
		return 0;
	if (nfields == 1 && name[0] == '$') {
		int n = atoi (name + 1);
		if (n < 1 || n > f->nin)
			ox_raise (OX_ERR_UNDEFINED_PARAMETER, 0, "there is no parameter %s", name);
		*type = r->args[f->argpos[n - 1]].type;
		return n;
	}
	for (int k = 0; k < f->nin; k++) {
		OxRoutineArg *a = &r->args[f->argpos[k]];
		if (a->name && !strcmp (a->name, name)) {
			*type = a->type;
			return k + 1;
		}
	}
	return 0;
}

static void
sql_free (void *p)
{
	SqlFunc *f = p;
	if (!f)
		return;
	for (int i = 0; i < f->nstmts; i++) {
		g_free (f->texts[i]);
		ox_spi_free (f->plans[i]);
	}
	g_free (f->texts);
	g_free (f->offsets);
	g_free (f->plans);
	g_free (f->argpos);
	g_free (f);
}

static void check_result (SqlFunc *f, OxSpiPlan *p);

static void *
sql_compile (OxSession *s, OxRoutine *r)
{
	if (r->retkind == OX_RET_TRIGGER || r->retkind == OX_RET_EVENT_TRIGGER)
		ox_raise ("42P13", 0, "SQL functions cannot return type %s",
		          r->retkind == OX_RET_TRIGGER ? "trigger" : "event_trigger");
	SqlFunc *f = g_new0 (SqlFunc, 1);
	f->s = s;
	f->r = r;
	f->argpos = g_new0 (int, r->nargs + 1);
	for (int i = 0; i < r->nargs; i++) {
		OxArgMode m = r->args[i].mode;
		if (m == OX_ARG_IN || m == OX_ARG_INOUT)
			f->argpos[f->nin++] = i;
	}
	f->hook.resolve = resolve_arg;
	f->hook.user = f;
	f->hook.columns_win = true;
	GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
	GArray *offs = g_array_new (FALSE, FALSE, sizeof (int));
	OxArena *a = ox_arena_new ();
	const char *body = r->body;
	size_t len = strlen (body);
	volatile size_t pos = 0;
	OX_TRY {
		for (;;) {
			size_t end = 0;
			OxNode *n = ox_parse_one (a, body + pos, len - pos, &end);
			if (!n)
				break;
			/* the statement starts at its first token (a WITH statement's
			 * node points at its SELECT, past the WITH clause) */
			OxLexer lx;
			OxToken tok;
			ox_lexer_init (&lx, a, body + pos, len - pos);
			do
				ox_lex (&lx, &tok);
			while (tok.kind == OX_TOK_CHAR && tok.ch == ';');
			size_t start = pos + (size_t) tok.loc;
			size_t stop = pos + end;
			while (stop > start && (body[stop - 1] == ';' || g_ascii_isspace (body[stop - 1])))
				stop--;
			g_ptr_array_add (texts, g_strndup (body + start, stop - start));
			int o = (int) start;
			g_array_append_val (offs, o);
			pos += end;
		}
	} OX_CATCH {
		/* positions from ox_parse_one are relative to body + pos */
		OxErrorData *e = ox_error_current ();
		if (e->position > 0 && pos > 0)
			e->position += (int) pos;
		ox_arena_free (a);
		g_ptr_array_free (texts, TRUE);
		g_array_unref (offs);
		sql_free (f);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	ox_arena_free (a);
	f->nstmts = (int) texts->len;
	f->texts = g_new0 (char *, f->nstmts + 1);
	for (int i = 0; i < f->nstmts; i++)
		f->texts[i] = g_ptr_array_steal_index (texts, 0);
	g_ptr_array_free (texts, TRUE);
	f->offsets = (int *) g_array_free (offs, FALSE);
	f->plans = g_new0 (OxSpiPlan *, f->nstmts + 1);
	/* Bind every statement now, as PostgreSQL checks a SQL function's body
	 * when it is created: unknown tables and columns, and a last statement
	 * that does not produce the declared result, are errors at CREATE. */
	OX_TRY {
		if (f->nstmts == 0 && r->retkind != OX_RET_VOID)
			ox_raise_full ("42P13", 0, "Function's final statement must be SELECT or INSERT/UPDATE/DELETE RETURNING.",
			               NULL, "return type mismatch in function declared to return %s",
			               r->retkind == OX_RET_VALUE ? ox_type_name (r->rettype.id) : "record");
		for (int i = 0; i < f->nstmts; i++) {
			f->plans[i] = ox_spi_prepare (s, f->texts[i], &f->hook, 0, NULL);
			const char *verb = ox_spi_verb (f->plans[i]);
			if (!strcmp (verb, "COMMIT") || !strcmp (verb, "ROLLBACK"))
				ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "transaction control is not allowed in SQL functions");
		}
		if (f->nstmts > 0 && r->retkind != OX_RET_VOID)
			check_result (f, f->plans[f->nstmts - 1]);
	} OX_CATCH {
		OxErrorData *e = ox_error_current ();
		e->position = 0;
		sql_free (f);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	return f;
}

/* The last statement must produce what the routine declares. */
static void
check_result (SqlFunc *f, OxSpiPlan *p)
{
	OxRoutine *r = f->r;
	if (r->retkind == OX_RET_VOID || f->checked) {
		f->checked = true;
		return;
	}
	const char *want = r->retkind == OX_RET_VALUE ? ox_type_name (r->rettype.id) : "record";
	if (!ox_spi_returns_rows (p))
		ox_raise_full ("42P13", 0, "Function's final statement must be SELECT or INSERT/UPDATE/DELETE RETURNING.",
		               NULL, "return type mismatch in function declared to return %s", want);
	int n = ox_spi_ncols (p);
	if (n != r->nresult)
		ox_raise_full ("42P13", 0, n > r->nresult ? "Final statement must return exactly one column." :
		               "Final statement returns too few columns.", NULL,
		               "return type mismatch in function declared to return %s", want);
	for (int i = 0; i < n; i++) {
		OxTypeId have = ox_spi_coltype (p, i).id, need = r->result_types[i].id;
		if (have != need && have != OX_T_UNKNOWN && ox_cast_context (have, need) != 'i' &&
		    ox_cast_context (have, need) != 'a') {
			char detail[160];
			g_snprintf (detail, sizeof detail, "Actual return type is %s.", ox_type_name (have));
			ox_raise_full ("42P13", 0, detail, NULL, "return type mismatch in function declared to return %s", want);
		}
	}
	f->checked = true;
}

static void
sql_call (void *form, OxPlCall *c)
{
	SqlFunc *f = form;
	OxSession *s = c->session;
	OxRoutine *r = f->r;
	OxValue params[128];
	int np = f->nin < 128 ? f->nin : 128;
	for (int k = 0; k < np; k++)
		params[k] = c->args[f->argpos[k]];
	for (int i = 0; i < f->nstmts; i++) {
		bool last = i == f->nstmts - 1;
		OxSpiCursor *volatile cur = NULL;
		OX_TRY {
			if (!f->plans[i])
				f->plans[i] = ox_spi_prepare (s, f->texts[i], &f->hook, 0, NULL);
			OxSpiPlan *p = f->plans[i];
			if (r->volatility != OX_VOLATILE) {
				const char *verb = ox_spi_verb (p);
				if (strcmp (verb, "SELECT") && strcmp (verb, "SHOW"))
					ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "%s is not allowed in a non-volatile function", verb);
			}
			if (!last || r->retkind == OX_RET_VOID) {
				ox_spi_exec (p, params, np);
			} else {
				check_result (f, p);
				cur = ox_spi_open (p, params, np);
				const OxValue *row;
				bool got = false;
				while ((row = ox_spi_fetch (cur)) != NULL) {
					if (r->retset) {
						OxValue out[64];
						int n = r->nresult < 64 ? r->nresult : 64;
						for (int k = 0; k < n; k++)
							out[k] = ox_spi_cast (s, &row[k], r->result_types[k], c->arena);
						c->emit (c, out);
						continue;
					}
					if (!got) {
						if (r->retkind == OX_RET_VALUE)
							c->result = ox_value_copy (c->arena, &row[0]);
						else
							for (int k = 0; k < r->nresult; k++)
								c->out[k] = ox_value_copy (c->arena, &row[k]);
						got = true;
					}
				}
				ox_spi_close (cur);
				cur = NULL;
				if (got && r->retkind == OX_RET_VALUE)
					c->result = ox_spi_cast (s, &c->result, r->rettype, c->arena);
				if (got && r->retkind == OX_RET_RECORD)
					for (int k = 0; k < r->nresult; k++)
						c->out[k] = ox_spi_cast (s, &c->out[k], r->result_types[k], c->arena);
			}
		} OX_CATCH {
			if (cur)
				ox_spi_close (cur);
			ox_error_add_context ("SQL %s \"%s\" statement %d", r->rkind == OX_ROUTINE_PROCEDURE ? "procedure" : "function",
			                      r->obj.name, i + 1);
			ox_error_rethrow_current ();
		} OX_END_TRY;
	}
}

const OxLanguage ox_lang_sql = {
	.name = "sql",
	.display = "SQL",
	.compile = sql_compile,
	.call = sql_call,
	.free = sql_free,
};

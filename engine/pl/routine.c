/*
 * routine.c — stored functions and procedures: the language registry,
 * CREATE / DROP FUNCTION and PROCEDURE, CALL, DO, and calling a routine.
 *
 * A routine is a catalog object (OxRoutine, catalog.h) holding its source;
 * the language compiles it on a session's first call and the compiled form
 * stays in the session's cache under the object's address (objects never
 * change; CREATE OR REPLACE makes a new one and drops the old).  Entries of
 * dropped routines are released when the session is freed or when the cache
 * is cleared at the end of a transaction that saw a catalog change.
 *
 * What can go wrong, and what the user sees:
 *   - a body that does not parse: 42601 at CREATE, with the position inside
 *     the CREATE statement and the line/column inside the body;
 *   - a call nobody declared: 42883 with the candidates in the hint;
 *   - recursion past max_stack_depth routine levels (default 1000): 54001;
 *   - errors inside the body: the language's SQLSTATE and message, with one
 *     context line per routine level (ox_error_add_context).
 */
#define _GNU_SOURCE 1  /* pthread_getattr_np */
#include "pl/routine.h"
#include "pl/trigger.h"
#include "sched/schedule.h"
#include "debug-internal.h"
#include "session.h"
#include "base/error.h"
#include "base/cast.h"
#include "plan/plan.h"
#include "exec/functions.h"

#include <string.h>
#include <pthread.h>

/* From binder.c */
OxType ox_resolve_typename (OxExec *x, OxArena *a, OxTypeName *tn);

/* ---- languages ------------------------------------------------------------------------- */

#define MAX_LANGUAGES 8

static const OxLanguage *languages[MAX_LANGUAGES];
static int nlanguages;
static GMutex lang_lock;

/* The built-in languages (sql-lang.c, plsql-exec.c, lua.c).  Strong
 * references: they also pull those objects out of the static library. */
extern const OxLanguage ox_lang_sql;
extern const OxLanguage ox_lang_plsql;
extern const OxLanguage ox_lang_lua;

void
ox_language_register (const OxLanguage *lang)
{
	g_mutex_lock (&lang_lock);
	for (int i = 0; i < nlanguages; i++)
		if (!strcmp (languages[i]->name, lang->name)) {
			languages[i] = lang;
			g_mutex_unlock (&lang_lock);
			return;
		}
	if (nlanguages < MAX_LANGUAGES)
		languages[nlanguages++] = lang;
	g_mutex_unlock (&lang_lock);
}

static void
languages_init (void)
{
	static gsize done = 0;
	if (g_once_init_enter (&done)) {
		ox_language_register (&ox_lang_sql);
		ox_language_register (&ox_lang_plsql);
		ox_language_register (&ox_lang_lua);
		g_once_init_leave (&done, 1);
	}
}

const OxLanguage *
ox_language_find (const char *name)
{
	languages_init ();
	if (!g_ascii_strcasecmp (name, "plpgsql"))
		name = "plsql";
	const OxLanguage *found = NULL;
	g_mutex_lock (&lang_lock);
	for (int i = 0; i < nlanguages; i++)
		if (!g_ascii_strcasecmp (languages[i]->name, name))
			found = languages[i];
	g_mutex_unlock (&lang_lock);
	return found;
}

static const OxLanguage *
language_or_raise (const char *name, int loc)
{
	const OxLanguage *l = ox_language_find (name);
	if (!l)
		ox_raise_full (OX_ERR_UNDEFINED_OBJECT, loc, NULL, "The languages are sql, plsql (or plpgsql) and lua.",
		               "language \"%s\" does not exist", name);
	return l;
}

/* ---- errors ----------------------------------------------------------------------------- */

void
ox_error_add_context (const char *fmt, ...)
{
	OxErrorData *e = ox_error_current ();
	va_list ap;
	va_start (ap, fmt);
	char *line = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	if (e->context) {
		char *c = g_strconcat (e->context, "\n", line, NULL);
		g_free (e->context);
		g_free (line);
		e->context = c;
	} else
		e->context = line;
}

/* ---- the session's compiled forms ---------------------------------------------------------- */

typedef struct Compiled {
	const OxLanguage *lang;
	void             *form;
} Compiled;

static void
compiled_free (gpointer p)
{
	Compiled *c = p;
	if (c->form && c->lang->free)
		c->lang->free (c->form);
	g_free (c);
}

void
ox_routine_cache_clear (OxSession *s)
{
	g_clear_pointer (&s->routine_cache, g_hash_table_unref);
	g_clear_pointer (&s->trigger_when, g_hash_table_unref);
	g_clear_pointer (&s->trigger_hooks, g_ptr_array_unref);
}

void *
ox_routine_compiled (OxSession *s, OxRoutine *r, const OxLanguage **lang)
{
	if (!s->routine_cache)
		s->routine_cache = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, compiled_free);
	Compiled *c = g_hash_table_lookup (s->routine_cache, r);
	if (!c) {
		const OxLanguage *l = language_or_raise (r->language, 0);
		void *form = l->compile (s, r);
		c = g_new0 (Compiled, 1);
		c->lang = l;
		c->form = form;
		g_hash_table_insert (s->routine_cache, r, c);
	}
	if (lang)
		*lang = c->lang;
	return c->form;
}

/* ---- calls -------------------------------------------------------------------------------- */

/* The real stack: routines nest statements, plans and expressions, and a
 * deep enough recursion (or a small thread stack) would overflow it long
 * before any count of calls says so.  Like PostgreSQL's max_stack_depth
 * check, measure how far the stack pointer went and stop with 54001 while
 * a safety margin is left. */
static _Thread_local char  *stack_top;
static _Thread_local size_t stack_size;

void
ox_check_stack_depth (void)
{
	char here;
	if (!stack_top) {
		pthread_attr_t at;
		void *addr = NULL;
		size_t size = 0;
		if (pthread_getattr_np (pthread_self (), &at) == 0) {
			pthread_attr_getstack (&at, &addr, &size);
			pthread_attr_destroy (&at);
		}
		if (!addr || size == 0) {
			/* unknown: assume 1 MiB above this frame */
			stack_top = (char *) ((uintptr_t) &here + 4096);
			stack_size = 1 << 20;
		} else {
			stack_top = (char *) addr + size;
			stack_size = size;
		}
	}
	size_t used = (size_t) (stack_top - &here);
	size_t margin = stack_size / 4 > (512u << 10) ? stack_size / 4 : (512u << 10);
	if (used + margin > stack_size)
		ox_raise_full (OX_ERR_STATEMENT_TOO_COMPLEX, 0, NULL,
		               "Routines nest too deeply for this thread's stack; check the recursion's exit condition.",
		               "stack depth limit exceeded");
}

static int
max_depth (OxSession *s)
{
	char *v = ox_session_setting (s, "max_stack_depth_routines");
	int d = v ? atoi (v) : 0;
	g_free (v);
	return d > 0 ? d : 1000;
}

void
ox_routine_call (OxPlCall *c)
{
	OxSession *s = c->session;
	OxRoutine *r = c->routine;
	if (r->strict && r->rkind == OX_ROUTINE_FUNCTION && !c->trigger && !c->event) {
		for (int i = 0; i < r->nargs; i++) {
			OxArgMode m = r->args[i].mode;
			if ((m == OX_ARG_IN || m == OX_ARG_INOUT) && c->args[i].null) {
				c->result = ox_null (r->rettype.id);
				return;  /* STRICT: NULL in, NULL out, the body never runs */
			}
		}
	}
	if (s->call_depth >= max_depth (s))
		ox_raise_full (OX_ERR_STATEMENT_TOO_COMPLEX, 0, NULL,
		               "A routine called itself (directly or through others) more than 1000 levels deep; check its exit condition.",
		               "stack depth limit exceeded");
	ox_check_stack_depth ();
	ox_spi_check_interrupts (s);
	const OxLanguage *lang = NULL;
	void *form = ox_routine_compiled (s, r, &lang);
	c->depth = ++s->call_depth;
	if (r->retkind == OX_RET_VALUE)
		c->result = ox_null (r->rettype.id);
	OxFrame frame;
	volatile bool framed = false;
	if (ox_debug_active (s)) {
		char *tname = NULL;
		if (c->trigger)
			tname = g_strdup_printf ("%s %s %s ON %s FOR EACH %s", c->trigger->name, c->trigger->when,
			                         c->trigger->op, c->trigger->table->obj.name, c->trigger->level);
		ox_debug_frame_routine (&frame, r, tname);
		frame.call = c;
		g_free (tname);
		ox_debug_push (s, &frame);
		framed = true;
	}
	OX_TRY {
		lang->call (form, c);
	} OX_CATCH {
		s->call_depth--;
		/* a position inside the body's statements means nothing to the
		 * caller's text */
		ox_error_current ()->position = 0;
		if (framed) {
			if (!frame.error_reported)
				ox_debug_error (s, ox_error_current (), false);
			ox_debug_pop (s, &frame);
			ox_debug_frame_clear (&frame);
		}
		ox_error_rethrow_current ();
	} OX_END_TRY;
	s->call_depth--;
	if (framed) {
		ox_debug_pop (s, &frame);
		ox_debug_frame_clear (&frame);
	}
}

/* ---- CREATE FUNCTION / PROCEDURE --------------------------------------------------------- */

static OxSchema *
target_schema (OxSession *s, const char *schema, int loc)
{
	return ox_session_schema (s, schema, loc);
}

/* 1-based line and column of byte offset off in text. */
static void
line_col (const char *text, int off, int *line, int *col)
{
	int l = 1, c = 1;
	for (int i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char) text[i] & 0xC0) != 0x80)
			c++;
	}
	*line = l;
	*col = c;
}

static bool
same_in_types (OxRoutine *a, OxRoutine *b)
{
	if (a->nin != b->nin)
		return false;
	int i = 0, j = 0;
	bool pa = a->rkind == OX_ROUTINE_PROCEDURE, pb = b->rkind == OX_ROUTINE_PROCEDURE;
	for (;;) {
		while (i < a->nargs && !(a->args[i].mode == OX_ARG_IN || a->args[i].mode == OX_ARG_INOUT ||
		                          (pa && a->args[i].mode == OX_ARG_OUT)))
			i++;
		while (j < b->nargs && !(b->args[j].mode == OX_ARG_IN || b->args[j].mode == OX_ARG_INOUT ||
		                          (pb && b->args[j].mode == OX_ARG_OUT)))
			j++;
		if (i >= a->nargs || j >= b->nargs)
			return i >= a->nargs && j >= b->nargs;
		if (a->args[i].type.id != b->args[j].type.id)
			return false;
		i++;
		j++;
	}
}

static bool
same_result (OxRoutine *a, OxRoutine *b)
{
	if (a->retkind != b->retkind || a->retset != b->retset || a->nresult != b->nresult)
		return false;
	for (int i = 0; i < a->nresult; i++)
		if (a->result_types[i].id != b->result_types[i].id)
			return false;
	return true;
}

static OxRetKind
special_return (OxTypeName *tn)
{
	if (!tn)
		return OX_RET_VALUE;
	if (!strcmp (tn->name, "void"))
		return OX_RET_VOID;
	if (!strcmp (tn->name, "trigger"))
		return OX_RET_TRIGGER;
	if (!strcmp (tn->name, "event_trigger"))
		return OX_RET_EVENT_TRIGGER;
	if (!strcmp (tn->name, "record"))
		return OX_RET_RECORD;
	return OX_RET_VALUE;
}

/* Compile once to report syntax errors at CREATE / DO time, with the
 * position moved into the statement's text. */
static void *
compile_checked (OxSession *s, const OxLanguage *lang, OxRoutine *r, int body_loc, const char *what)
{
	void *volatile form = NULL;
	OX_TRY {
		form = lang->compile (s, r);
	} OX_CATCH {
		OxErrorData *e = ox_error_current ();
		if (e->position > 0 && !strcmp (e->sqlstate, OX_ERR_SYNTAX)) {
			int bl, bc;
			line_col (r->body, e->position - 1, &bl, &bc);
			e->position += body_loc;
			ox_error_add_context ("compilation of %s %s \"%s\" near line %d", lang->display, what,
			                      r->obj.name, bl);
		} else
			e->position = 0;
		ox_error_rethrow_current ();
	} OX_END_TRY;
	return form;
}

static void
check_body (OxSession *s, const OxLanguage *lang, OxRoutine *r, int body_loc, const char *what)
{
	void *form = compile_checked (s, lang, r, body_loc, what);
	if (form && lang->free)
		lang->free (form);
}

static OxValue eval_default (OxSession *s, OxExec *x, OxRoutineArg *ar, OxArena *a);

static void
check_default (OxSession *s, OxExec *x, OxRoutineArg *ar)
{
	OxSpiExpr *volatile e = ox_spi_prepare_expr (s, ar->default_src, NULL);
	OX_TRY {
		OxTypeId have = ox_spi_expr_type (e).id;
		OxNode *dn = ar->default_expr;
		bool literal = OX_IS (dn, OX_N_CONST) && (((OxConst *) dn)->kind == OX_CONST_STRING ||
		                                          ((OxConst *) dn)->kind == OX_CONST_NULL);
		if (have == OX_T_UNKNOWN || literal) {
			OxValue v = ox_spi_eval (e, NULL, 0, x->arena);
			ox_spi_cast (s, &v, ar->type, x->arena);
		} else if (have != ar->type.id && ox_cast_context (have, ar->type.id) != 'i' &&
		           ox_cast_context (have, ar->type.id) != 'a')
			ox_raise (OX_ERR_DATATYPE_MISMATCH, 0, "argument of type %s cannot be given a default of type %s",
			          ox_type_name (ar->type.id), ox_type_name (have));
	} OX_CATCH {
		ox_spi_expr_free (e);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	ox_spi_expr_free (e);
}

static bool
is_builtin_type (OxExec *x, OxArena *a, OxTypeName *tn)
{
	volatile bool ok = true;
	OX_TRY {
		ox_resolve_typename (x, a, tn);
	} OX_CATCH {
		OxErrorData e;
		ox_error_take (&e);
		ox_error_data_clear (&e);
		ok = false;
	} OX_END_TRY;
	return ok;
}

void
ox_ddl_create_function (OxSession *s, OxExec *x, OxCreateFunctionStmt *cf, const char *sql)
{
	OxTxn *t = s->txn;
	OxCatalog *cat = s->db->catalog;
	const char *what = cf->is_procedure ? "procedure" : "function";
	ox_txn_lock_ddl (t);
	OxSchema *sc = target_schema (s, cf->schema, cf->node.loc + 1);
	if (!cf->language)
		ox_raise ("42P13", cf->node.loc + 1, "no language specified");
	const OxLanguage *lang = language_or_raise (cf->language, cf->node.loc + 1);
	if (!cf->body)
		ox_raise ("42P13", cf->node.loc + 1, "no function body specified");
	if (cf->is_procedure && (cf->volatility >= 0 || cf->strict >= 0))
		ox_raise ("42P13", cf->node.loc + 1, "invalid attribute in procedure definition");
	if (!cf->is_procedure && !cf->returns && !cf->table_cols) {
		bool has_out = false;
		for (int i = 0; i < cf->params->n; i++)
			if (((OxFuncParam *) cf->params->items[i])->mode != 0)
				has_out = true;
		if (!has_out)
			ox_raise ("42P13", cf->node.loc + 1, "function result type must be specified");
	}

	OxArena *a = ox_catalog_arena_new ();
	OxRoutine *volatile r = OX_NEW (a, OxRoutine);
	volatile bool registered = false;
	OX_TRY {
		r->obj.kind = OX_KIND_ROUTINE;
		r->obj.name = g_strdup (cf->name);
		r->obj.schema = sc;
		r->obj.arena = a;
		r->rkind = cf->is_procedure ? OX_ROUTINE_PROCEDURE : OX_ROUTINE_FUNCTION;
		int np = cf->params->n, nt = OX_LIST_N (cf->table_cols);
		r->nargs = np + nt;
		r->args = OX_NEW_N (a, OxRoutineArg, r->nargs > 0 ? r->nargs : 1);
		bool seen_default = false, has_out = false;
		for (int i = 0; i < r->nargs; i++) {
			OxFuncParam *fp = i < np ? cf->params->items[i] : cf->table_cols->items[i - np];
			OxRoutineArg *ar = &r->args[i];
			if (fp->variadic)
				ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, fp->node.loc + 1, "VARIADIC parameters are not supported yet");
			ar->name = fp->name ? ox_arena_strdup (a, fp->name) : NULL;
			ar->mode = (OxArgMode) fp->mode;
			if (!strcmp (fp->type->name, "void") || !strcmp (fp->type->name, "trigger") ||
			    !strcmp (fp->type->name, "record"))
				ox_raise ("42P13", fp->node.loc + 1, "%s functions cannot accept type %s", cf->language,
				          fp->type->name);
			ar->type = ox_resolve_typename (x, a, fp->type);
			ar->type.typmod = -1;  /* as PostgreSQL: argument typmods are not kept */
			if (ar->mode != OX_ARG_IN)
				has_out = true;
			if (ar->name)
				for (int j = 0; j < i; j++)
					if (r->args[j].name && !strcmp (r->args[j].name, ar->name) &&
					    !(ar->mode == OX_ARG_TABLE) == !(r->args[j].mode == OX_ARG_TABLE))
						ox_raise ("42P13", fp->node.loc + 1, "parameter name \"%s\" used more than once",
						          ar->name);
			if (fp->defexpr) {
				if (ar->mode == OX_ARG_OUT)
					ox_raise ("42P13", fp->node.loc + 1, "only input parameters can have default values");
				ar->default_src = ox_arena_strdup (a, fp->default_src);
				ar->default_expr = ox_parse_expr_src (a, ar->default_src);
				seen_default = true;
			} else if (seen_default && (ar->mode == OX_ARG_IN || ar->mode == OX_ARG_INOUT))
				ox_raise ("42P13", fp->node.loc + 1,
				          "input parameters after one with a default value must also have defaults");
		}
		/* RETURNS [SETOF] tablename: the table's row type, as if written
		 * RETURNS TABLE (its columns) */
		OxTable *rowtype = NULL;
		if (cf->returns && special_return (cf->returns) == OX_RET_VALUE && cf->returns->nmods == 0 &&
		    !cf->returns->is_array) {
			OxTable *tab = ox_session_relation (s, NULL, cf->returns->name);
			if (tab && !cf->table_cols) {
				if (!is_builtin_type (x, a, cf->returns))
					rowtype = tab;
			}
		}
		if (rowtype) {
			if (has_out)
				ox_raise ("42P13", cf->node.loc + 1, "function result type must be record because of OUT parameters");
			OxRoutineArg *na = OX_NEW_N (a, OxRoutineArg, r->nargs + rowtype->ncols);
			memcpy (na, r->args, sizeof (OxRoutineArg) * (size_t) r->nargs);
			for (int i = 0; i < rowtype->ncols; i++) {
				na[r->nargs + i].name = ox_arena_strdup (a, rowtype->cols[i].name);
				na[r->nargs + i].type = rowtype->cols[i].type;
				na[r->nargs + i].mode = OX_ARG_TABLE;
			}
			r->args = na;
			r->nargs += rowtype->ncols;
			has_out = true;
		}
		OxRetKind rk = rowtype ? OX_RET_RECORD : special_return (cf->returns);
		if (cf->is_procedure)
			rk = has_out ? OX_RET_RECORD : OX_RET_VOID;
		else if (cf->table_cols)
			rk = OX_RET_RECORD;
		else if (rowtype)
			rk = OX_RET_RECORD;
		else if (rk == OX_RET_VALUE && cf->returns) {
			r->rettype = ox_resolve_typename (x, a, cf->returns);
			r->rettype.typmod = -1;
			if (has_out) {
				/* RETURNS int with one OUT int is fine in PostgreSQL; with
				 * several OUT arguments the result must be record */
				int nout = 0;
				OxType ot = { 0, -1 };
				for (int i = 0; i < r->nargs; i++)
					if (r->args[i].mode != OX_ARG_IN) {
						nout++;
						ot = r->args[i].type;
					}
				if (nout > 1 || ot.id != r->rettype.id)
					ox_raise ("42P13", cf->node.loc + 1, "function result type must be %s because of OUT parameters",
					          nout > 1 ? "record" : ox_type_name (ot.id));
				rk = OX_RET_RECORD;
			}
		} else if (!cf->returns && has_out)
			rk = OX_RET_RECORD;
		if (rk == OX_RET_RECORD && !has_out)
			ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, cf->node.loc + 1,
			          "a function returning record needs OUT parameters or RETURNS TABLE (anonymous records are not supported)");
		if ((rk == OX_RET_TRIGGER || rk == OX_RET_EVENT_TRIGGER) && (cf->params->n > 0 || cf->returns_setof))
			ox_raise ("42P13", cf->node.loc + 1, "trigger functions cannot have declared arguments");
		if (rk == OX_RET_VOID && cf->returns_setof)
			ox_raise ("42P13", cf->node.loc + 1, "functions cannot return setof void");
		r->retkind = rk;
		r->retset = cf->returns_setof;
		r->rowtype_result = rowtype != NULL;
		r->rowtype_oid = rowtype ? rowtype->obj.oid : 0;
		r->language = ox_arena_strdup (a, lang->name);
		r->body = ox_arena_strdup (a, cf->body);
		line_col (sql, cf->body_loc, &r->body_line, &r->body_col);
		if (s->script_path) {
			/* created by a script file: its frames point back into the file */
			r->src_file = ox_arena_strdup (a, s->script_path);
			r->body_line += s->stmt_line0 + s->script_first_line - 1;
		}
		r->volatility = cf->volatility >= 0 ? cf->volatility : OX_VOLATILE;
		r->strict = cf->strict == 1;
		r->owner = "oxibase";
		ox_routine_finish (r);
		/* defaults must bind and fit their argument's type now (an untyped
		 * literal is converted, as PostgreSQL coerces it when parsing) */
		for (int i = 0; i < r->nargs; i++)
			if (r->args[i].default_src)
				check_default (s, x, &r->args[i]);

		/* The same name and input types: replace or refuse. */
		GPtrArray *same = ox_catalog_routines (cat, t, sc, cf->name, true);
		OxRoutine *volatile old = NULL;
		for (guint i = 0; i < same->len; i++)
			if (same_in_types (same->pdata[i], r))
				old = same->pdata[i];
		g_ptr_array_unref (same);
		if (old) {
			if (!cf->or_replace)
				ox_raise ("42723", cf->node.loc + 1, "%s \"%s\" already exists with same argument types",
				          old->rkind == OX_ROUTINE_PROCEDURE ? "procedure" : "function", cf->name);
			if (old->rkind != r->rkind)
				ox_raise (OX_ERR_WRONG_OBJECT_TYPE, cf->node.loc + 1, "cannot change routine kind");
			for (int i = 0, j = 0; i < old->nargs && j < r->nargs; i++, j++) {
				OxRoutineArg *oa = &old->args[i], *na = &r->args[j];
				if (oa->mode == OX_ARG_TABLE || na->mode == OX_ARG_TABLE)
					break;
				if (oa->name && (!na->name || strcmp (oa->name, na->name))) {
					char hint[300];
					g_snprintf (hint, sizeof hint, "Use DROP %s %s first.", cf->is_procedure ? "PROCEDURE" : "FUNCTION",
					            old->signature);
					ox_raise_full ("42P13", cf->node.loc + 1, NULL, hint, "cannot change name of input parameter \"%s\"",
					               oa->name);
				}
				if (oa->default_src && !na->default_src)
					ox_raise ("42P13", cf->node.loc + 1, "cannot remove parameter defaults from existing function");
			}
			if (!same_result (old, r)) {
				char hint[300];
				g_snprintf (hint, sizeof hint, "Use DROP %s %s first.", cf->is_procedure ? "PROCEDURE" : "FUNCTION",
				            old->signature);
				ox_raise_full ("42P13", cf->node.loc + 1, NULL, hint, "cannot change return type of existing function");
			}
		}
		if (old) {
			ox_catalog_drop (cat, t, &old->obj);
			r->obj.oid = old->obj.oid;  /* the same routine, as PostgreSQL keeps its oid */
		}
		ox_catalog_register (cat, t, &r->obj);
		registered = true;
		/* Check the body now (PostgreSQL's check_function_bodies), with the
		 * routine registered so that a recursive body finds itself; an
		 * error fails the statement, and its transaction takes the
		 * registration back. */
		check_body (s, lang, r, cf->body_loc, what);
	} OX_CATCH {
		if (!registered) {
			g_free (r->obj.name);
			ox_arena_free (a);
		}
		ox_error_rethrow_current ();
	} OX_END_TRY;
}

/* ---- DROP FUNCTION / PROCEDURE / ROUTINE ------------------------------------------------- */

static bool
kind_matches (OxRoutine *r, OxObjectType type)
{
	return type == OX_OBJ_ROUTINE || (type == OX_OBJ_FUNCTION) == (r->rkind == OX_ROUTINE_FUNCTION);
}

void
ox_ddl_drop_routines (OxSession *s, OxExec *x, OxDropStmt *ds)
{
	OxTxn *t = s->txn;
	OxCatalog *cat = s->db->catalog;
	ox_txn_lock_ddl (t);
	const char *kw = ds->type == OX_OBJ_FUNCTION ? "function" : ds->type == OX_OBJ_PROCEDURE ? "procedure" : "routine";
	for (int i = 0; i < ds->names->n; i++) {
		OxRangeVar *rv = ds->names->items[i];
		OxList *args = ds->argtypes->items[i];
		OxArena *tmp = x->arena;
		GPtrArray *cands;
		if (rv->schema) {
			OxSchema *sc = ox_catalog_schema (cat, t, rv->schema);
			if (!sc) {
				if (ds->if_exists) {
					ox_session_notice (s, "00000", "schema \"%s\" does not exist, skipping", rv->schema);
					continue;
				}
				ox_raise (OX_ERR_UNDEFINED_SCHEMA, rv->node.loc + 1, "schema \"%s\" does not exist", rv->schema);
			}
			cands = ox_catalog_routines (cat, t, sc, rv->name, true);
		} else {
			cands = g_ptr_array_new ();
			for (char **p = s->search_path; p && *p; p++) {
				OxSchema *sc = ox_catalog_schema (cat, t, *p);
				if (!sc)
					continue;
				GPtrArray *c = ox_catalog_routines (cat, t, sc, rv->name, true);
				if (c->len) {
					g_ptr_array_extend_and_steal (cands, c);
					break;
				}
				g_ptr_array_unref (c);
			}
		}
		/* filter by kind and, when given, by input argument types */
		GPtrArray *match = g_ptr_array_new ();
		for (guint k = 0; k < cands->len; k++) {
			OxRoutine *r = cands->pdata[k];
			if (args) {
				OxType want[64];
				int nw = 0;
				for (int j = 0; j < args->n && nw < 64; j++) {
					OxFuncParam *fp = args->items[j];
					if (fp->mode == OX_ARG_OUT && r->rkind == OX_ROUTINE_FUNCTION)
						continue;
					want[nw++] = ox_resolve_typename (x, tmp, fp->type);
				}
				if (nw != r->nin)
					continue;
				bool ok = true;
				int w = 0;
				for (int j = 0; j < r->nargs && ok; j++) {
					OxArgMode m = r->args[j].mode;
					if (!(m == OX_ARG_IN || m == OX_ARG_INOUT || (r->rkind == OX_ROUTINE_PROCEDURE && m == OX_ARG_OUT)))
						continue;
					if (r->args[j].type.id != want[w++].id)
						ok = false;
				}
				if (!ok)
					continue;
			}
			g_ptr_array_add (match, r);
		}
		g_ptr_array_unref (cands);
		if (match->len == 0) {
			g_ptr_array_unref (match);
			/* name(types) as written, as PostgreSQL's message has it */
			GString *sig = g_string_new (rv->name);
			if (args) {
				g_string_append_c (sig, '(');
				for (int j = 0; j < args->n; j++) {
					OxFuncParam *fp = args->items[j];
					OxType ty = ox_resolve_typename (x, x->arena, fp->type);
					g_string_append_printf (sig, "%s%s", j ? ", " : "", ox_type_name (ty.id));
				}
				g_string_append_c (sig, ')');
			}
			char *what = ox_arena_strdup (x->arena, sig->str);
			g_string_free (sig, TRUE);
			if (ds->if_exists) {
				ox_session_notice (s, "00000", "%s %s does not exist, skipping", kw, what);
				continue;
			}
			ox_raise (OX_ERR_UNDEFINED_FUNCTION, rv->node.loc + 1, "%s %s does not exist", kw, what);
		}
		if (!args && match->len > 1) {
			g_ptr_array_unref (match);
			ox_raise_full ("42725", rv->node.loc + 1, NULL, "Specify the argument list to select the routine unambiguously.",
			               "%s name \"%s\" is not unique", kw, rv->name);
		}
		OxRoutine *r = match->pdata[0];
		g_ptr_array_unref (match);
		if (!kind_matches (r, ds->type)) {
			if (!args)
				ox_raise (OX_ERR_UNDEFINED_FUNCTION, rv->node.loc + 1, "%s %s() does not exist", kw, rv->name);
			ox_raise (OX_ERR_WRONG_OBJECT_TYPE, rv->node.loc + 1, "%s is not a %s", r->signature,
			          ds->type == OX_OBJ_FUNCTION ? "function" : "procedure");
		}
		GPtrArray *deps = ox_triggers_using_function (s, r);
		if (deps->len && !ds->cascade) {
			GString *dg = g_string_new (NULL);
			for (guint k = 0; k < deps->len; k++) {
				OxTrigger *tg = deps->pdata[k];
				g_string_append_printf (dg, "%strigger %s on table %s depends on function %s", k ? "\n" : "",
				                        tg->obj.name, tg->table->obj.name, r->signature);
			}
			char *detail = ox_arena_strdup (x->arena, dg->str);
			g_string_free (dg, TRUE);
			g_ptr_array_unref (deps);
			ox_raise_full (OX_ERR_DEPENDENT_OBJECTS, rv->node.loc + 1, detail,
			               "Use DROP ... CASCADE to drop the dependent objects too.",
			               "cannot drop function %s because other objects depend on it", r->signature);
		}
		for (guint k = 0; k < deps->len; k++) {
			OxTrigger *tg = deps->pdata[k];
			ox_session_notice (s, "00000", "drop cascades to trigger %s on table %s", tg->obj.name,
			                   tg->table->obj.name);
			ox_catalog_drop (cat, t, deps->pdata[k]);
		}
		g_ptr_array_unref (deps);
		GPtrArray *scheds = ox_schedules_calling (s, r);
		if (scheds->len && !ds->cascade) {
			OxSchedule *sch = scheds->pdata[0];
			char detail[300];
			g_snprintf (detail, sizeof detail, "schedule %s calls procedure %s", sch->obj.name, r->signature);
			g_ptr_array_unref (scheds);
			ox_raise_full (OX_ERR_DEPENDENT_OBJECTS, rv->node.loc + 1, detail,
			               "Use DROP ... CASCADE to drop the dependent objects too.",
			               "cannot drop procedure %s because other objects depend on it", r->signature);
		}
		for (guint k = 0; k < scheds->len; k++) {
			OxSchedule *sch = scheds->pdata[k];
			ox_session_notice (s, "00000", "drop cascades to schedule %s", sch->obj.name);
			ox_catalog_drop (cat, t, &sch->obj);
			s->schedules_touched = true;
		}
		g_ptr_array_unref (scheds);
		ox_session_drop_dependent_views (s, x, &r->obj, ds->cascade, rv->node.loc + 1);
		ox_catalog_drop (cat, t, &r->obj);
	}
}

/* ---- resolving a call ----------------------------------------------------------------------- */

/* Score a candidate for argument types at[] (nargs given, names[] for
 * named ones): -1 when it cannot take them; else how many exact matches. */
static int
candidate_score (OxRoutine *r, int nargs, const OxTypeId *at, const char *const *names, int *map)
{
	bool proc = r->rkind == OX_ROUTINE_PROCEDURE;
	/* positions of the callable arguments */
	int pos[128], np = 0;
	for (int i = 0; i < r->nargs && np < 128; i++) {
		OxArgMode m = r->args[i].mode;
		if (m == OX_ARG_IN || m == OX_ARG_INOUT || (proc && m == OX_ARG_OUT))
			pos[np++] = i;
	}
	if (nargs > np)
		return -1;
	for (int i = 0; i < np; i++)
		map[i] = -1;
	for (int k = 0; k < nargs; k++) {
		int slot;
		if (names && names[k]) {
			slot = -1;
			for (int i = 0; i < np; i++)
				if (r->args[pos[i]].name && !strcmp (r->args[pos[i]].name, names[k]))
					slot = i;
			if (slot < 0 || map[slot] >= 0)
				return -1;
		} else
			slot = k;
		map[slot] = k;
	}
	for (int i = 0; i < np; i++)
		if (map[i] < 0 && !r->args[pos[i]].default_expr && !(proc && r->args[pos[i]].mode == OX_ARG_OUT && names))
			return -1;
	/* PostgreSQL's order: most exact matches, then (for untyped literals)
	 * the string category */
	int exact = 0, stringy = 0;
	for (int i = 0; i < np; i++) {
		if (map[i] < 0)
			continue;
		OxTypeId have = at[map[i]], want = r->args[pos[i]].type.id;
		if (have == want)
			exact++;
		else if (have == OX_T_UNKNOWN) {
			if (ox_type_is_string (want))
				stringy++;
		} else if (ox_cast_context (have, want) != 'i')
			return -1;
	}
	return exact * 256 + stringy;
}

OxRoutine *
ox_routine_resolve (OxSession *s, OxTxn *t, const char *schema, const char *name, int nargs,
                    const OxTypeId *at, const char *const *names, int *map, bool want_procedure, int loc,
                    bool missing_ok)
{
	OxCatalog *cat = s->db->catalog;
	GPtrArray *cands = g_ptr_array_new ();
	if (schema) {
		OxSchema *sc = ox_catalog_schema (cat, t, schema);
		if (!sc) {
			g_ptr_array_unref (cands);
			ox_raise (OX_ERR_UNDEFINED_SCHEMA, loc, "schema \"%s\" does not exist", schema);
		}
		GPtrArray *c = ox_catalog_routines (cat, t, sc, name, false);
		g_ptr_array_extend_and_steal (cands, c);
	} else {
		GPtrArray *seen = g_ptr_array_new ();
		for (char **p = s->search_path; p && *p; p++) {
			OxSchema *sc = ox_catalog_schema (cat, t, *p);
			if (sc && !g_ptr_array_find (seen, sc, NULL)) {
				g_ptr_array_add (seen, sc);
				g_ptr_array_extend_and_steal (cands, ox_catalog_routines (cat, t, sc, name, false));
			}
		}
		g_ptr_array_unref (seen);
	}
	OxRoutine *best = NULL;
	int best_score = -1, nbest = 0;
	int tmp[128];
	for (guint i = 0; i < cands->len; i++) {
		OxRoutine *r = cands->pdata[i];
		if ((r->rkind == OX_ROUTINE_PROCEDURE) != want_procedure)
			continue;
		int sc = candidate_score (r, nargs, at, names, tmp);
		if (sc < 0)
			continue;
		if (sc > best_score) {
			best = r;
			best_score = sc;
			nbest = 1;
			memcpy (map, tmp, sizeof tmp);
		} else if (sc == best_score && best && best->obj.schema == r->obj.schema)
			nbest++;
	}
	if (best && nbest == 1) {
		g_ptr_array_unref (cands);
		return best;
	}
	GString *sig = g_string_new (NULL);
	for (int k = 0; k < nargs; k++) {
		if (k)
			g_string_append (sig, ", ");
		if (names && names[k])
			g_string_append_printf (sig, "%s => ", names[k]);
		g_string_append (sig, at[k] == OX_T_UNKNOWN ? "unknown" : ox_type_name (at[k]));
	}
	if (best && nbest > 1) {
		g_ptr_array_unref (cands);
		OxErrorData e = { 0 };
		g_strlcpy (e.sqlstate, "42725", sizeof e.sqlstate);
		e.message = g_strdup_printf ("%s %s(%s) is not unique", want_procedure ? "procedure" : "function", name, sig->str);
		e.hint = g_strdup ("Could not choose a best candidate function. You might need to add explicit type casts.");
		e.position = loc;
		g_string_free (sig, TRUE);
		ox_error_rethrow (&e);
	}
	/* the other kind of routine fits: say so (42809), as PostgreSQL does */
	for (guint i = 0; i < cands->len && !(missing_ok && cands->len == 0); i++) {
		OxRoutine *r = cands->pdata[i];
		if ((r->rkind == OX_ROUTINE_PROCEDURE) == want_procedure || candidate_score (r, nargs, at, names, tmp) < 0)
			continue;
		char msg[300];
		g_snprintf (msg, sizeof msg, "%s is %s", r->signature, want_procedure ? "not a procedure" : "a procedure");
		g_ptr_array_unref (cands);
		g_string_free (sig, TRUE);
		ox_raise_full (OX_ERR_WRONG_OBJECT_TYPE, loc, NULL,
		               want_procedure ? "To call a function, use SELECT." : "To call a procedure, use CALL.", "%s", msg);
	}
	if (missing_ok && cands->len == 0) {
		g_ptr_array_unref (cands);
		g_string_free (sig, TRUE);
		return NULL;
	}
	GString *hint = g_string_new (NULL);
	int shown = 0;
	for (guint i = 0; i < cands->len; i++) {
		OxRoutine *r = cands->pdata[i];
		g_string_append (hint, shown ? ", " : "Candidates: ");
		g_string_append (hint, r->signature);
		if ((r->rkind == OX_ROUTINE_PROCEDURE) != want_procedure)
			g_string_append (hint, r->rkind == OX_ROUTINE_PROCEDURE ? " (a procedure: use CALL)" : " (a function)");
		shown++;
	}
	if (!shown)
		g_string_append (hint, "No function matches the given name and argument types. You might need to add explicit type casts.");
	else
		g_string_append (hint, ". You might need to add explicit type casts.");
	g_ptr_array_unref (cands);
	OxErrorData e = { 0 };
	g_strlcpy (e.sqlstate, OX_ERR_UNDEFINED_FUNCTION, sizeof e.sqlstate);
	e.message = g_strdup_printf ("%s %s%s%s(%s) does not exist", want_procedure ? "procedure" : "function",
	                             schema ? schema : "", schema ? "." : "", name, sig->str);
	e.hint = g_string_free (hint, FALSE);
	e.position = loc;
	g_string_free (sig, TRUE);
	ox_error_rethrow (&e);
}

/* ---- CALL and DO -------------------------------------------------------------------------- */

/* Bind a CALL's arguments (as a FROM-less SELECT of them, so $n and every
 * expression form work) and find the procedure. */
OxRoutine *
ox_call_bind (OxSession *s, OxExec *x, OxCallStmt *cs, OxType *ptypes, int *nparams, OxExpr ***args_out)
{
	OxFuncCall *fc = cs->call;
	OxArena *a = x->arena;
	int nargs = OX_LIST_N (fc->args);
	OxExpr **bound = OX_NEW_N (a, OxExpr *, nargs > 0 ? nargs : 1);
	OxTypeId at[128];
	if (nargs > 100)
		ox_raise (OX_ERR_PROGRAM_LIMIT, fc->node.loc + 1, "cannot pass more than 100 arguments to a procedure");
	if (nargs > 0) {
		OxSelectStmt *sel = OX_NEW (a, OxSelectStmt);
		sel->node.tag = OX_N_SELECT;
		sel->node.loc = fc->node.loc;
		sel->targets = ox_list_new (a);
		sel->from = ox_list_new (a);
		for (int i = 0; i < nargs; i++) {
			OxResTarget *rt = OX_NEW (a, OxResTarget);
			rt->node.tag = OX_N_RESTARGET;
			rt->node.loc = ((OxNode *) fc->args->items[i])->loc;
			rt->val = fc->args->items[i];
			ox_list_push (a, sel->targets, rt);
		}
		OxQuery *q = ox_bind_select (x, s, sel, a, ptypes, nparams);
		if (q->rtable->len || q->has_aggs)
			ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, fc->node.loc + 1, "aggregates are not allowed in CALL arguments");
		for (int i = 0; i < nargs; i++) {
			bound[i] = ((OxTarget *) q->targets->pdata[i])->expr;
			at[i] = (OxTypeId) bound[i]->type.id;
			/* an untyped literal or NULL stays untyped for resolution (the
			 * SELECT that bound it made it text) */
			OxNode *an = fc->args->items[i];
			if (OX_IS (an, OX_N_CONST) && (((OxConst *) an)->kind == OX_CONST_STRING ||
			                                ((OxConst *) an)->kind == OX_CONST_NULL))
				at[i] = OX_T_UNKNOWN;
		}
	}
	int nn = fc->name->n;
	const char *schema = nn == 2 ? fc->name->items[0] : NULL;
	const char *name = fc->name->items[nn - 1];
	int map[128];
	const char *names[128];
	for (int i = 0; i < nargs; i++)
		names[i] = fc->argnames ? fc->argnames->items[i] : NULL;
	OxRoutine *r = ox_routine_resolve (s, x->txn, schema, name, nargs, at, fc->argnames ? names : NULL, map, true,
	                                   fc->node.loc + 1, false);
	/* arguments in declaration order, NULL where a default or OUT goes */
	OxExpr **args = OX_NEW_N (a, OxExpr *, r->nargs > 0 ? r->nargs : 1);
	int slot = 0;
	for (int i = 0; i < r->nargs; i++) {
		OxArgMode m = r->args[i].mode;
		if (m == OX_ARG_TABLE)
			continue;
		args[i] = map[slot] >= 0 ? bound[map[slot]] : NULL;
		slot++;
	}
	*args_out = args;
	return r;
}

/* Evaluate a default argument (its text was parsed at CREATE). */
static OxValue
eval_default (OxSession *s, OxExec *x, OxRoutineArg *ar, OxArena *a)
{
	OxSpiExpr *volatile e = ox_spi_prepare_expr (s, ar->default_src, NULL);
	OxValue v;
	OX_TRY {
		v = ox_spi_eval (e, NULL, 0, a);
		v = ox_value_copy (a, &v);  /* constants live in e, freed below */
	} OX_CATCH {
		ox_spi_expr_free (e);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	ox_spi_expr_free (e);
	(void) x;
	return v;
}

/* Run a CALL: returns the OUT/INOUT row (in x->arena) or NULL. */
OxValue *
ox_call_run (OxSession *s, OxExec *x, OxRoutine *r, OxExpr **args, bool nonatomic)
{
	OxArena *a = x->arena;
	OxValue *vals = OX_NEW_N (a, OxValue, r->nargs > 0 ? r->nargs : 1);
	for (int i = 0; i < r->nargs; i++) {
		OxRoutineArg *ar = &r->args[i];
		OxValue v;
		if (ar->mode == OX_ARG_OUT || ar->mode == OX_ARG_TABLE)
			v = ox_null (ar->type.id);
		else if (args[i])
			v = ox_eval (args[i], x, NULL, a);
		else
			v = eval_default (s, x, ar, a);
		vals[i] = ox_spi_cast (s, &v, ar->type, a);
	}
	OxPlCall c = { .session = s, .routine = r, .args = vals, .arena = a, .nonatomic = nonatomic };
	if (r->nresult > 0) {
		c.out = OX_NEW_N (a, OxValue, r->nresult);
		for (int i = 0; i < r->nresult; i++)
			c.out[i] = ox_null (r->result_types[i].id);
	}
	OxPlCall *volatile saved = s->nonatomic_call;
	if (nonatomic)
		s->nonatomic_call = &c;
	OX_TRY {
		ox_routine_call (&c);
	} OX_CATCH {
		s->nonatomic_call = saved;
		ox_error_rethrow_current ();
	} OX_END_TRY;
	s->nonatomic_call = saved;
	return r->nresult > 0 ? c.out : NULL;
}

static void
call_form (OxSession *s, const OxLanguage *lang, void *form, OxPlCall *c)
{
	if (s->call_depth >= max_depth (s))
		ox_raise (OX_ERR_STATEMENT_TOO_COMPLEX, 0, "stack depth limit exceeded");
	c->depth = ++s->call_depth;
	OxFrame frame;
	volatile bool framed = false;
	if (ox_debug_active (s)) {
		ox_debug_frame_routine (&frame, c->routine, NULL);
		frame.call = c;
		ox_debug_push (s, &frame);
		framed = true;
	}
	OX_TRY {
		lang->call (form, c);
	} OX_CATCH {
		s->call_depth--;
		ox_error_current ()->position = 0;
		if (framed) {
			if (!frame.error_reported)
				ox_debug_error (s, ox_error_current (), false);
			ox_debug_pop (s, &frame);
			ox_debug_frame_clear (&frame);
		}
		ox_error_rethrow_current ();
	} OX_END_TRY;
	s->call_depth--;
	if (framed) {
		ox_debug_pop (s, &frame);
		ox_debug_frame_clear (&frame);
	}
}

void
ox_do_run (OxSession *s, OxExec *x, OxDoStmt *ds, const char *sql, bool nonatomic)
{
	const OxLanguage *lang = language_or_raise (ds->language ? ds->language : "plsql", ds->node.loc + 1);
	if (!strcmp (lang->name, "sql"))
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, ds->node.loc + 1, "language \"sql\" does not support inline code execution");
	/* a transient routine: never registered, compiled for this run only */
	OxArena *a = x->arena;
	OxRoutine *r = OX_NEW (a, OxRoutine);
	r->obj.kind = OX_KIND_ROUTINE;
	r->obj.name = (char *) "inline_code_block";
	r->obj.arena = a;
	r->rkind = OX_ROUTINE_PROCEDURE;
	r->retkind = OX_RET_VOID;
	r->language = lang->name;
	r->body = ds->body;
	line_col (sql, ds->body_loc, &r->body_line, &r->body_col);
	if (s->script_path) {
		r->src_file = s->script_path;
		r->body_line += s->stmt_line0 + s->script_first_line - 1;
	}
	r->volatility = OX_VOLATILE;
	r->owner = "oxibase";
	ox_routine_finish (r);
	void *volatile form = compile_checked (s, lang, r, ds->body_loc, "DO block");
	OxPlCall c = { .session = s, .routine = r, .args = NULL, .arena = a, .nonatomic = nonatomic };
	OxPlCall *volatile saved = s->nonatomic_call;
	if (nonatomic)
		s->nonatomic_call = &c;
	OX_TRY {
		call_form (s, lang, form, &c);
	} OX_CATCH {
		s->nonatomic_call = saved;
		if (lang->free)
			lang->free (form);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	s->nonatomic_call = saved;
	if (lang->free)
		lang->free (form);
}

/*
 * debug-inspect.c — what a paused session shows a debugger: the scopes
 * and variables of a frame, evaluation in its scope, setting a variable,
 * and the console that runs SQL inside the paused transaction (debug.h).
 *
 * Languages describe their own frames through OxFrameOps (debug-internal.h);
 * this file supplies what every frame shares: the Session scope, TG_*, NEW
 * and OLD of trigger frames, the arguments of routines whose language has
 * no ops (SQL), SQL evaluation with those names bound, paging of children,
 * and the turning of raised errors into OxErrors.
 *
 * NOTE: inspection runs inside a hook, in the middle of whatever the
 * session was doing.  Two rules keep that safe:
 *  - hooks are switched off while an inspection runs, so a routine called
 *    by an evaluated expression neither stops nor pushes frames;
 *  - anything that may write runs in a subtransaction (or, between the
 *    statements of a script with no transaction open, as its own
 *    autocommitted statement), so a failed evaluation leaves the paused
 *    transaction as it was.
 * NOTE: what can go wrong: an evaluated expression may run for ever (a
 * looping function); statement_timeout and cancellation still apply to it.
 */
#include "debug-internal.h"
#include "session.h"
#include "pl/pl.h"
#include "sql/ast.h"
#include "format-table.h"

#include <string.h>

const char *
ox_scope_name (OxScope scope)
{
	switch (scope) {
	case OX_SCOPE_ARGUMENTS: return "Arguments";
	case OX_SCOPE_LOCALS: return "Locals";
	case OX_SCOPE_SPECIAL: return "Special";
	case OX_SCOPE_SESSION: return "Session";
	case OX_SCOPE_ROW: return "Current row";
	case OX_SCOPE_OPERATOR: return "Operator";
	}
	return "?";
}

int
ox_frame_scopes (OxFrame *f, OxScope *out)
{
	unsigned bits = 0;
	if (f->ops && f->ops->scopes)
		bits = f->ops->scopes (f);
	else if (f->kind == OX_FRAME_ROUTINE || f->kind == OX_FRAME_TRIGGER)
		bits = 1u << OX_SCOPE_ARGUMENTS;
	if (f->kind == OX_FRAME_TRIGGER)
		bits |= 1u << OX_SCOPE_SPECIAL;
	bits |= 1u << OX_SCOPE_SESSION;
	static const OxScope order[] = { OX_SCOPE_ROW, OX_SCOPE_OPERATOR, OX_SCOPE_ARGUMENTS, OX_SCOPE_LOCALS,
		                         OX_SCOPE_SPECIAL, OX_SCOPE_SESSION };
	int n = 0;
	for (size_t i = 0; i < G_N_ELEMENTS (order); i++)
		if (bits & (1u << order[i]))
			out[n++] = order[i];
	return n;
}

/* ---- variables ----------------------------------------------------------------------------- */

void
ox_variable_clear (OxVariable *v)
{
	if (!v)
		return;
	g_free (v->name);
	g_free (v->type);
	g_free (v->value);
	memset (v, 0, sizeof *v);
}

void
ox_variables_free (OxVariable *v, int n)
{
	for (int i = 0; i < n; i++)
		ox_variable_clear (&v[i]);
	g_free (v);
}

char *
ox_debug_type_name (OxType t)
{
	OxArena *a = ox_arena_new ();
	char *r = g_strdup (ox_type_format (a, t));
	ox_arena_free (a);
	return r;
}

void
ox_debug_var_text (OxVariable *v, const char *name, const char *type, const char *text)
{
	memset (v, 0, sizeof *v);
	v->name = g_strdup (name);
	v->type = g_strdup (type ? type : "");
	v->is_null = text == NULL;
	v->value = g_strdup (text ? text : "NULL");
}

void
ox_debug_var_set (OxVariable *v, OxSession *s, const char *name, const OxValue *val)
{
	OxArena *a = ox_arena_new ();
	const char *text = ox_spi_value_text (s, val, a);
	char *type = val->null && val->type == OX_T_UNKNOWN ? g_strdup ("unknown")
	             : ox_debug_type_name ((OxType) { val->type, -1 });
	ox_debug_var_text (v, name, type, text);
	g_free (type);
	ox_arena_free (a);
}

void
ox_debug_append_field (GString *g, const char *text)
{
	if (!text)
		return;  /* NULL: nothing between the commas */
	if (*text && !strpbrk (text, ",()\" \\")) {
		g_string_append (g, text);
		return;
	}
	g_string_append_c (g, '"');
	for (const char *p = text; *p; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_c (g, *p);
		g_string_append_c (g, *p);
	}
	g_string_append_c (g, '"');
}

static void
add_text (GArray *out, const char *name, const char *type, const char *text)
{
	OxVariable v;
	ox_debug_var_text (&v, name, type, text);
	g_array_append_val (out, v);
}

static void
session_scope (OxSession *s, GArray *out)
{
	char buf[64];
	const char *iso;
	switch (s->txn ? s->txn->iso : s->default_iso) {
	case OX_ISO_READ_UNCOMMITTED: iso = "read uncommitted"; break;
	case OX_ISO_REPEATABLE_READ: iso = "repeatable read"; break;
	case OX_ISO_SERIALIZABLE: iso = "serializable"; break;
	default: iso = "read committed"; break;
	}
	add_text (out, "transaction_isolation", "text", iso);
	if (s->txn) {
		g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, s->txn->id - OX_TXN_ID_BASE);
		add_text (out, "transaction_id", "bigint", buf);
	} else
		add_text (out, "transaction_id", "bigint", NULL);
	add_text (out, "in_transaction_block", "boolean", s->in_block ? "true" : "false");
	add_text (out, "search_path", "text", s->search_path_text ? s->search_path_text : "public");
	g_snprintf (buf, sizeof buf, "%d", s->call_depth);
	add_text (out, "routine_depth", "integer", buf);
	g_snprintf (buf, sizeof buf, "%u", s->id);
	add_text (out, "session_id", "integer", buf);
}

/* A row of a table as a record variable (name "new"), or its fields. */
static void
row_var (OxSession *s, GArray *out, const char *name, OxTable *t, const OxValue *row)
{
	OxVariable v = { 0 };
	if (!row) {
		ox_debug_var_text (&v, name, t->obj.name, NULL);
		g_array_append_val (out, v);
		return;
	}
	OxArena *a = ox_arena_new ();
	GString *g = g_string_new ("(");
	for (int i = 0; i < t->ncols; i++) {
		if (i)
			g_string_append_c (g, ',');
		ox_debug_append_field (g, ox_spi_value_text (s, &row[i], a));
	}
	g_string_append_c (g, ')');
	ox_debug_var_text (&v, name, t->obj.name, g->str);
	v.named_children = t->ncols;
	g_string_free (g, TRUE);
	ox_arena_free (a);
	g_array_append_val (out, v);
}

static void
row_fields (OxSession *s, GArray *out, OxTable *t, const OxValue *row)
{
	for (int i = 0; i < t->ncols; i++) {
		OxVariable v;
		ox_debug_var_set (&v, s, t->cols[i].name, &row[i]);
		g_free (v.type);
		v.type = ox_debug_type_name (t->cols[i].type);
		g_array_append_val (out, v);
	}
}

static const char *
row_name (const char *p)
{
	return !g_ascii_strcasecmp (p, "new") ? "new" : !g_ascii_strcasecmp (p, "old") ? "old" : NULL;
}

/* TG_* and NEW/OLD of a trigger frame. */
static void
trigger_special (OxFrame *f, const char *const *path, int npath, GArray *out)
{
	OxTriggerData *td = f->call ? f->call->trigger : NULL;
	if (!td)
		return;
	OxSession *s = f->s;
	if (npath > 0) {
		const char *rn = row_name (path[0]);
		const OxValue *row = rn && rn[0] == 'n' ? td->new_row : rn ? td->old_row : NULL;
		if (!rn || !row || npath > 1)
			ox_raise (OX_ERR_UNDEFINED_OBJECT, 0, "no variable \"%s\" with fields in this scope", path[npath - 1]);
		row_fields (s, out, td->table, row);
		return;
	}
	add_text (out, "tg_name", "name", td->name);
	add_text (out, "tg_when", "text", td->when);
	add_text (out, "tg_level", "text", td->level);
	add_text (out, "tg_op", "text", td->op);
	add_text (out, "tg_table_name", "name", td->table->obj.name);
	add_text (out, "tg_table_schema", "name", td->table->obj.schema ? td->table->obj.schema->obj.name : NULL);
	char buf[16];
	g_snprintf (buf, sizeof buf, "%d", td->nargs);
	add_text (out, "tg_nargs", "integer", buf);
	if (!strcmp (td->level, "ROW")) {
		row_var (s, out, "new", td->table, td->new_row);
		row_var (s, out, "old", td->table, td->old_row);
	}
}

/* Arguments of a routine from its call (languages without ops: SQL). */
static void
call_arguments (OxFrame *f, const char *const *path, int npath, GArray *out)
{
	OxPlCall *c = f->call;
	if (npath > 0)
		ox_raise (OX_ERR_UNDEFINED_OBJECT, 0, "\"%s\" has no fields", path[0]);
	if (!c || !f->routine)
		return;
	OxRoutine *r = f->routine;
	for (int i = 0; i < r->nargs; i++) {
		if (r->args[i].mode == OX_ARG_OUT || r->args[i].mode == OX_ARG_TABLE)
			continue;
		char pos[16];
		g_snprintf (pos, sizeof pos, "$%d", i + 1);
		OxVariable v;
		ox_debug_var_set (&v, f->s, r->args[i].name ? r->args[i].name : pos, &c->args[i]);
		g_free (v.type);
		v.type = ox_debug_type_name (r->args[i].type);
		g_array_append_val (out, v);
	}
}

static void
collect (OxFrame *f, OxScope scope, const char *const *path, int npath, GArray *out)
{
	if (f->ops && f->ops->variables && f->ops->variables (f, scope, path, npath, out))
		return;
	switch (scope) {
	case OX_SCOPE_SESSION:
		if (npath > 0)
			ox_raise (OX_ERR_UNDEFINED_OBJECT, 0, "\"%s\" has no fields", path[0]);
		session_scope (f->s, out);
		return;
	case OX_SCOPE_SPECIAL:
		if (f->kind == OX_FRAME_TRIGGER) {
			trigger_special (f, path, npath, out);
			return;
		}
		break;
	case OX_SCOPE_ARGUMENTS:
		if (f->kind == OX_FRAME_ROUTINE || f->kind == OX_FRAME_TRIGGER) {
			call_arguments (f, path, npath, out);
			return;
		}
		break;
	default:
		break;
	}
	ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "this frame has no %s scope", ox_scope_name (scope));
}

/* Inspection runs with the hooks off and turns a raised error into err. */
typedef struct Guard {
	OxSession *s;
	bool       active;
	int        cancel;  /* the session's cancel request before the inspection */
} Guard;

static Guard
guard_begin (OxFrame *f)
{
	Guard g = { f->s, f->s->debug_active, __atomic_load_n (&f->s->cancel, __ATOMIC_RELAXED) };
	f->s->debug_active = false;
	return g;
}

/* A cancel that arrived during the inspection was aimed at it (the client
 * cancelled a slow evaluation): it must not fail the paused statement. */
static void
guard_end (Guard g)
{
	g.s->debug_active = g.active;
	if (!g.cancel)
		__atomic_store_n (&g.s->cancel, 0, __ATOMIC_RELAXED);
}

static void
take (OxError *err)
{
	OxErrorData e;
	ox_error_take (&e);
	if (!err) {
		ox_error_data_clear (&e);
		return;
	}
	ox_error_clear (err);
	g_strlcpy (err->sqlstate, e.sqlstate[0] ? e.sqlstate : "XX000", sizeof err->sqlstate);
	err->message = e.message ? e.message : g_strdup ("unknown error");
	err->detail = e.detail;
	err->hint = e.hint;
	err->context = e.context;
	err->position = 0;
}

static bool
collect_guarded (OxFrame *f, OxScope scope, const char *const *path, int npath, GArray *all, OxError *err)
{
	Guard g = guard_begin (f);
	volatile bool ok = true;
	OX_TRY {
		collect (f, scope, path, npath, all);
	} OX_CATCH {
		take (err);
		ok = false;
	} OX_END_TRY;
	guard_end (g);
	return ok;
}

int
ox_frame_variables (OxFrame *f, OxScope scope, const char *const *path, int npath, int start, int count,
                    OxVariable **out, OxError *err)
{
	*out = NULL;
	GArray *all = g_array_new (FALSE, TRUE, sizeof (OxVariable));
	if (!collect_guarded (f, scope, path, npath, all, err)) {
		int k = (int) all->len;
		ox_variables_free ((OxVariable *) (void *) g_array_free (all, FALSE), k);
		return -1;
	}
	int n = (int) all->len;
	if (start < 0)
		start = 0;
	if (start > n)
		start = n;
	int m = count > 0 && count < n - start ? count : n - start;
	OxVariable *r = g_new0 (OxVariable, m > 0 ? m : 1);
	OxVariable *v = (OxVariable *) (void *) all->data;
	for (int i = 0; i < n; i++) {
		if (i >= start && i < start + m)
			r[i - start] = v[i];
		else
			ox_variable_clear (&v[i]);
	}
	g_array_free (all, TRUE);
	*out = r;
	return m;
}

/* ---- SQL evaluation with names bound --------------------------------------------------------- */

/* Names an SQL expression may use: routine arguments by name and $n,
 * NEW.x and OLD.x and TG_* in trigger frames. */
typedef struct Names {
	GPtrArray *names;   /* char*, folded; "new.price" for fields */
	GArray    *vals;    /* OxValue */
	GArray    *types;   /* OxType */
} Names;

static void
names_add (Names *n, const char *name, OxValue v, OxType t)
{
	g_ptr_array_add (n->names, g_ascii_strdown (name, -1));
	g_array_append_val (n->vals, v);
	g_array_append_val (n->types, t);
}

static int
names_resolve (void *user, const char *const *fields, int nfields, OxType *type)
{
	Names *n = user;
	GString *j = g_string_new (NULL);
	for (int i = 0; i < nfields; i++)
		g_string_append_printf (j, "%s%s", i ? "." : "", fields[i]);
	char *k = g_ascii_strdown (j->str, -1);
	g_string_free (j, TRUE);
	int r = 0;
	for (guint i = 0; i < n->names->len && !r; i++)
		if (!strcmp (k, n->names->pdata[i])) {
			*type = g_array_index (n->types, OxType, i);
			r = (int) i + 1;
		}
	g_free (k);
	return r;
}

static OxValue
text_value (const char *s)
{
	if (!s)
		return ox_null (OX_T_TEXT);
	return ox_text (OX_T_TEXT, s, strlen (s));
}

static void
frame_names (OxFrame *f, Names *n, OxArena *a)
{
	OxRoutine *r = f->routine;
	OxPlCall *c = f->call;
	if (r && c && c->args) {
		for (int i = 0; i < r->nargs; i++) {
			char pos[16];
			g_snprintf (pos, sizeof pos, "$%d", i + 1);
			names_add (n, pos, c->args[i], r->args[i].type);
			if (r->args[i].name)
				names_add (n, r->args[i].name, c->args[i], r->args[i].type);
		}
	}
	OxTriggerData *td = c ? c->trigger : NULL;
	if (td) {
		names_add (n, "tg_name", text_value (td->name), (OxType) { OX_T_TEXT, -1 });
		names_add (n, "tg_op", text_value (td->op), (OxType) { OX_T_TEXT, -1 });
		names_add (n, "tg_when", text_value (td->when), (OxType) { OX_T_TEXT, -1 });
		names_add (n, "tg_level", text_value (td->level), (OxType) { OX_T_TEXT, -1 });
		names_add (n, "tg_table_name", text_value (td->table->obj.name), (OxType) { OX_T_TEXT, -1 });
		for (int k = 0; k < 2; k++) {
			const OxValue *row = k ? td->old_row : td->new_row;
			if (!row)
				continue;
			for (int i = 0; i < td->table->ncols; i++) {
				char *nm = g_strdup_printf ("%s.%s", k ? "old" : "new", td->table->cols[i].name);
				names_add (n, nm, row[i], td->table->cols[i].type);
				g_free (nm);
			}
		}
	}
}

/* Evaluate expr as SQL with names bound; the value lands in *out.  Runs
 * in a subtransaction when a transaction is open. */
static void
sql_evaluate (OxFrame *f, const char *expr, const OxSpiParamHook *hook, const OxValue *params, int nparams,
              OxVariable *out)
{
	OxSession *s = f->s;
	OxArena *a = ox_arena_new ();
	OxSpiExpr *volatile e = NULL;
	volatile guint mark = 0;
	volatile bool sub = s->txn != NULL;
	if (sub)
		mark = ox_spi_subxact_begin (s);
	OX_TRY {
		e = ox_spi_prepare_expr (s, expr, hook);
		OxValue v = ox_spi_eval (e, params, nparams, a);
		ox_debug_var_set (out, s, expr, &v);
		g_free (out->type);
		out->type = ox_debug_type_name (ox_spi_expr_type (e));
	} OX_CATCH {
		ox_spi_expr_free (e);
		ox_arena_free (a);
		if (sub)
			ox_spi_subxact_rollback (s, mark);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	ox_spi_expr_free (e);
	ox_arena_free (a);
}

/* Outside any transaction (between a script's statements): run the
 * expression as its own autocommitted statement. */
static bool
toplevel_evaluate (OxSession *s, const char *expr, OxVariable *out, OxError *err)
{
	char *sql = g_strdup_printf ("SELECT %s", expr);
	OxStmt *st = NULL;
	const char *tail = NULL;
	bool ok = false;
	if (ox_prepare (s, sql, -1, &st, &tail, err) == OX_OK && st) {
		if (tail && *tail && strspn (tail, " \t\r\n;") != strlen (tail)) {
			ox_error_clear (err);
			g_strlcpy (err->sqlstate, "42601", sizeof err->sqlstate);
			err->message = g_strdup ("only one expression can be evaluated");
		} else if (ox_column_count (st) != 1) {
			ox_error_clear (err);
			g_strlcpy (err->sqlstate, "42601", sizeof err->sqlstate);
			err->message = g_strdup ("the expression must yield one column");
		} else {
			int rc = ox_step (st, err);
			if (rc == OX_ROW) {
				ox_debug_var_text (out, expr, ox_column_type_name (st, 0), ox_column_text (st, 0));
				ok = true;
				if (ox_step (st, err) == OX_ROW) {
					ox_variable_clear (out);
					ox_error_clear (err);
					g_strlcpy (err->sqlstate, "21000", sizeof err->sqlstate);
					err->message = g_strdup ("more than one row returned by a subquery used as an expression");
					ok = false;
				}
			}
		}
	}
	ox_finalize (st);
	g_free (sql);
	return ok;
}

bool
ox_frame_evaluate (OxFrame *f, const char *expr, OxVariable *out, OxError *err)
{
	memset (out, 0, sizeof *out);
	OxSession *s = f->s;
	if (!s->txn && !(f->ops && f->ops->evaluate)) {
		Guard g = guard_begin (f);
		bool ok = toplevel_evaluate (s, expr, out, err);
		guard_end (g);
		return ok;
	}
	Guard g = guard_begin (f);
	volatile bool ok = true;
	OxArena *a = ox_arena_new ();
	Names n = { g_ptr_array_new_with_free_func (g_free), g_array_new (FALSE, FALSE, sizeof (OxValue)),
		    g_array_new (FALSE, FALSE, sizeof (OxType)) };
	OX_TRY {
		if (f->ops && f->ops->evaluate)
			f->ops->evaluate (f, expr, out);
		else {
			frame_names (f, &n, a);
			OxSpiParamHook hook = { .resolve = names_resolve, .user = &n, .columns_win = true };
			sql_evaluate (f, expr, &hook, (const OxValue *) (void *) n.vals->data, (int) n.vals->len, out);
		}
	} OX_CATCH {
		ox_variable_clear (out);
		take (err);
		ok = false;
	} OX_END_TRY;
	g_ptr_array_free (n.names, TRUE);
	g_array_free (n.vals, TRUE);
	g_array_free (n.types, TRUE);
	ox_arena_free (a);
	guard_end (g);
	return ok;
}

bool
ox_frame_set_variable (OxFrame *f, OxScope scope, const char *const *path, int npath, const char *value,
                       OxVariable *out, OxError *err)
{
	memset (out, 0, sizeof *out);
	Guard g = guard_begin (f);
	volatile bool ok = true;
	OX_TRY {
		if (npath < 1)
			ox_raise (OX_ERR_UNDEFINED_OBJECT, 0, "no variable named");
		if (!f->ops || !f->ops->assign)
			ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0,
			          "variables of this frame cannot be set; only PL/SQL and Lua variables can");
		f->ops->assign (f, scope, path, npath, value, out);
	} OX_CATCH {
		ox_variable_clear (out);
		take (err);
		ok = false;
	} OX_END_TRY;
	guard_end (g);
	return ok;
}

/* ---- the console ------------------------------------------------------------------------------ */

static bool
numeric_type (OxType t)
{
	return ox_type_is_numeric_family (t.id);
}

static void
free_row (gpointer p)
{
	g_strfreev (p);
}

/* One statement through the SPI, in a subtransaction. */
static void
spi_statement (OxSession *s, const char *sql, GString *o)
{
	OxSpiPlan *volatile p = NULL;
	OxSpiCursor *volatile cur = NULL;
	GPtrArray *volatile rows = g_ptr_array_new_with_free_func (free_row);
	OxArena *a = ox_arena_new ();
	guint mark = ox_spi_subxact_begin (s);
	OX_TRY {
		p = ox_spi_prepare (s, sql, NULL, 0, NULL);
		cur = ox_spi_open (p, NULL, 0);
		int ncols = ox_spi_returns_rows (p) ? ox_spi_ncols (p) : 0;
		const OxValue *row;
		while ((row = ox_spi_fetch (cur)) != NULL) {
			if (!ncols)
				continue;
			char **r = g_new0 (char *, ncols + 1);
			for (int c = 0; c < ncols; c++)
				r[c] = g_strdup (ox_spi_value_text (s, &row[c], a));
			g_ptr_array_add (rows, r);
		}
		int64_t n = ox_spi_close (cur);
		cur = NULL;
		const char *verb = ox_spi_verb (p);
		if (ncols) {
			char **names = g_new0 (char *, ncols + 1);
			bool *right = g_new0 (bool, ncols);
			for (int c = 0; c < ncols; c++) {
				names[c] = g_strdup (ox_spi_colname (p, c));
				right[c] = numeric_type (ox_spi_coltype (p, c));
			}
			ox_format_table (o, ncols, names, rows, right);
			g_strfreev (names);
			g_free (right);
		} else if (!strcmp (verb, "INSERT"))
			g_string_append_printf (o, "INSERT 0 %" G_GINT64_FORMAT "\n", n);
		else if (!strcmp (verb, "UPDATE") || !strcmp (verb, "DELETE") || !strcmp (verb, "MERGE"))
			g_string_append_printf (o, "%s %" G_GINT64_FORMAT "\n", verb, n);
		else
			g_string_append_printf (o, "%s\n", verb);
	} OX_CATCH {
		if (cur)
			ox_spi_close (cur);
		ox_spi_free (p);
		g_ptr_array_free (rows, TRUE);
		ox_arena_free (a);
		ox_spi_subxact_rollback (s, mark);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	ox_spi_free (p);
	g_ptr_array_free (rows, TRUE);
	ox_arena_free (a);
}

/* One statement on its own (no transaction open): the public API. */
static bool
toplevel_statement (OxSession *s, OxStmt *st, GString *o, OxError *err)
{
	int ncols = ox_column_count (st);
	GPtrArray *rows = g_ptr_array_new_with_free_func (free_row);
	int rc;
	while ((rc = ox_step (st, err)) == OX_ROW) {
		char **r = g_new0 (char *, ncols + 1);
		for (int c = 0; c < ncols; c++)
			r[c] = g_strdup (ox_column_text (st, c));
		g_ptr_array_add (rows, r);
	}
	if (rc == OX_DONE) {
		if (ox_stmt_returns_rows (st) && ncols > 0) {
			char **names = g_new0 (char *, ncols + 1);
			bool *right = g_new0 (bool, ncols);
			for (int c = 0; c < ncols; c++) {
				names[c] = g_strdup (ox_column_name (st, c));
				OxColumnType t = ox_column_type (st, c);
				right[c] = t == OX_TYPE_SMALLINT || t == OX_TYPE_INTEGER || t == OX_TYPE_BIGINT || t == OX_TYPE_NUMERIC ||
				           t == OX_TYPE_REAL || t == OX_TYPE_DOUBLE;
			}
			ox_format_table (o, ncols, names, rows, right);
			g_strfreev (names);
			g_free (right);
		} else
			g_string_append_printf (o, "%s\n", ox_command_tag (st));
	}
	g_ptr_array_free (rows, TRUE);
	(void) s;
	return rc == OX_DONE;
}

/* Parse and run the next statement of text; returns the bytes it took
 * (0 when only blanks were left). */
static size_t
console_one (OxSession *s, const char *text, size_t len, OxArena *a, GString *o)
{
	size_t end = 0;
	OxNode *n = ox_parse_one (a, text, len, &end);
	if (!n)
		return 0;
	char *one = g_strndup (text, end);
	OX_TRY {
		spi_statement (s, one, o);
	} OX_CATCH {
		g_free (one);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	g_free (one);
	return end;
}

bool
ox_frame_execute (OxFrame *f, const char *sql, char **output, OxError *err)
{
	OxSession *s = f->s;
	GString *o = g_string_new (NULL);
	Guard g = guard_begin (f);
	volatile bool ok = true;
	size_t len = strlen (sql), off = 0;
	while (ok && off < len) {
		if (!s->txn) {
			OxStmt *st = NULL;
			const char *tail = NULL;
			if (ox_prepare (s, sql + off, (int) (len - off), &st, &tail, err) != OX_OK) {
				ok = false;
				break;
			}
			if (!st)
				break;
			ok = toplevel_statement (s, st, o, err);
			ox_finalize (st);
			off = (size_t) (tail - sql);
			continue;
		}
		/* inside the paused transaction: one statement at a time through
		 * the SPI, each in a subtransaction */
		OxArena *a = ox_arena_new ();
		volatile size_t end = 0;
		OX_TRY {
			end = console_one (s, sql + off, len - off, a, o);
		} OX_CATCH {
			take (err);
			ok = false;
		} OX_END_TRY;
		ox_arena_free (a);
		if (end == 0)
			break;
		off += end;
	}
	guard_end (g);
	*output = g_string_free (o, FALSE);
	return ok;
}

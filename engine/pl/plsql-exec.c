/*
 * plsql-exec.c — the PL/SQL interpreter and the language object
 * ox_lang_plsql (compile, call, free; see pl.h).
 *
 * A call runs the tree of plsql.h over a frame: one flat array of values
 * indexed like the routine's datums, plus one scratch arena per statement
 * nesting depth.  Statements return a completion code (OK, EXIT, CONTINUE,
 * RETURN) rather than jumping, so only errors unwind with longjmp.
 *
 * SQL sites.  Every expression and statement is prepared through SPI on
 * its first execution and keeps its plan in the compiled form (which the
 * session caches per routine version), so a loop parses and plans its
 * statements once.  The binder asks hook_resolve about the names it meets;
 * each site records, in order, the variables it handed out as parameters,
 * and each execution fills the parameter array from the frame.  A site is
 * prepared again when a variable it reads changed type since: a RECORD
 * that now holds a row of another shape, or the hidden selector of a
 * simple CASE.
 *
 * Memory.  Scalars own a malloc'd buffer for their out-of-line bytes
 * (text, numeric), grown as needed and reused: an assignment in a loop
 * allocates nothing once the buffer is large enough.  Records keep their
 * fields in two arenas used in turn (a new row is copied into the idle one,
 * which may read the old row while it does).  Expression results live in
 * the scratch arena of the statement's depth, reset when a statement at
 * that depth starts (and at each iteration of a loop statement); a loop
 * over a query keeps its parameters in its own depth's arena, which the
 * statements of its body (one level deeper) never reset.
 *
 * Errors.  A block with EXCEPTION handlers is a subtransaction: on error
 * its writes are rolled back (ox_spi_subxact_rollback) and the handler
 * runs; variables keep the values they had.  Anything that holds a cursor
 * (FOR over a query, RETURN QUERY, SELECT INTO) closes it in its own
 * OX_CATCH before the error travels on.  When an error leaves the routine,
 * plsql_call adds PostgreSQL's context lines: the SQL site being evaluated
 * (if any) and "PL/SQL function f(integer) line N at KIND" for the
 * statement that was running.
 *
 * NOTE: locals written inside OX_TRY and read in OX_CATCH are volatile
 * (error.h); never return from inside an OX_TRY body.
 */
#include "pl/plsql.h"
#include "pl/pl.h"

#include <string.h>

#include "base/cast.h"
#include "base/error.h"
#include "session.h"
#include "debug-internal.h"
#include "sql/lexer.h"

/* ---- frames ----------------------------------------------------------------------------- */

typedef struct PlsqlVal {
	OxValue     v;        /* scalar value; for NULL still of the variable's type */
	void       *buf;      /* owned storage for v's out-of-line bytes (g_malloc) */
	size_t      cap;
	/* records */
	PlsqlShape *shape;    /* NULL: not assigned yet */
	bool        rownull;  /* a NULL row of a known shape (NEW in a DELETE
	                         trigger): fields read as NULL, RETURN gives NULL */
	OxValue    *fields;   /* [shape->n], in arenas[cur] */
	OxArena    *rarena[2];
	int         rcur;
} PlsqlVal;

typedef enum Rc { RC_OK, RC_EXIT, RC_CONTINUE, RC_RETURN } Rc;

typedef struct PlsqlFrame {
	PlsqlFunction   *fn;
	OxPlCall        *call;
	OxSession       *s;
	PlsqlVal        *vals;       /* [fn->ndatums] */
	OxArena        **arenas;     /* [fn->max_depth + 1], created on demand */
	OxArena         *call_arena; /* lives for the call (trigger shapes ...) */
	const PlsqlStmt *cur;        /* statement running (context lines) */
	PlsqlExpr       *cur_expr;   /* SQL site being evaluated, or NULL */
	const char      *exit_label; /* EXIT/CONTINUE label travelling outwards */
	OxErrorData     *handled;    /* the error an active handler caught */
	int64_t          rowcount;   /* GET DIAGNOSTICS ROW_COUNT */
	int              subxacts;   /* BEGIN ... EXCEPTION blocks running */
	int              level;      /* recursion level of this routine: 0 outermost */
	unsigned         ticks;      /* loop iterations, for interrupt checks */
	bool             returned;
} PlsqlFrame;

/* The frame whose SQL is being prepared or run: hook_resolve needs the
 * current record shapes, and SPI may re-bind a site (after a catalog
 * change) from inside any call that reaches it. */
static _Thread_local PlsqlFrame *cur_frame;

static uint64_t shape_counter;

static const char *routine_label (PlsqlFunction *fn);
static const OxFrameOps plsql_frame_ops;

#define INTERRUPT_EVERY 64  /* loop iterations between ox_spi_check_interrupts */

static OxArena *
frame_arena (PlsqlFrame *f, int depth)
{
	if (!f->arenas[depth])
		f->arenas[depth] = ox_arena_new ();
	return f->arenas[depth];
}

static inline PlsqlDatum *
D (PlsqlFrame *f, int dno)
{
	return f->fn->datums[dno];
}

static OxCastCtx
cast_ctx (OxSession *s)
{
	OxCastCtx cx = { .tz = s->tz, .now = s->txn ? s->txn->start_time : 0 };
	return cx;
}

/*
 * Convert v to t as PL/pgSQL assigns: an implicit or assignment cast when
 * one exists (so varchar(3) := 'abcd' fails with 22001, numeric rounds to
 * integer), else through the text forms (int 1 -> boolean true, text '42'
 * -> integer), which raises the target type's input error.
 */
static OxValue
plsql_cast (PlsqlFrame *f, OxValue v, OxType t, OxArena *a)
{
	if (v.null)
		return ox_null (t.id);
	if (v.type == t.id && t.typmod < 0)
		return v;
	OxCastCtx cx = cast_ctx (f->s);
	char ctx = ox_cast_context ((OxTypeId) v.type, t.id);
	if (ctx == 'i' || ctx == 'a' || v.type == t.id)
		return ox_value_cast (a, &cx, &v, t, false);
	size_t len;
	const char *txt = ox_value_out (a, &cx, &v, &len);
	OxValue tv = ox_text (OX_T_UNKNOWN, txt, len);
	return ox_value_cast (a, &cx, &tv, t, false);
}

/* ---- variables ----------------------------------------------------------------------- */

static bool
value_has_pointer (const OxValue *v)
{
	return !v->null && (ox_type_is_string ((OxTypeId) v->type) || v->type == OX_T_BYTEA ||
	                    v->type == OX_T_NUMERIC);
}

/* Keep v in the variable's own buffer. */
static void
store_value (PlsqlVal *pv, OxValue v)
{
	if (!value_has_pointer (&v)) {
		pv->v = v;
		return;
	}
	size_t n = ox_value_extra_size (&v);
	const char *p = (const char *) v.v.str;
	void *tmp = NULL;
	if (pv->buf && p >= (const char *) pv->buf && p < (const char *) pv->buf + pv->cap) {
		if (p == pv->v.v.str && v.len == pv->v.len && v.type == pv->v.type) {
			pv->v = v;  /* x := x */
			return;
		}
		tmp = g_malloc (n ? n : 1);
		v = ox_value_copy_to (&v, tmp);
	}
	if (n > pv->cap) {
		g_free (pv->buf);
		pv->cap = n < 32 ? 32 : n + n / 2;
		pv->buf = g_malloc (pv->cap);
	}
	pv->v = ox_value_copy_to (&v, pv->buf);
	g_free (tmp);
}

static void __attribute__ ((noreturn))
rec_not_assigned (PlsqlFrame *f, int dno)
{
	ox_raise_full ("55000", 0, "The tuple structure of a not-yet-assigned record is indeterminate.", NULL,
	               "record \"%s\" is not assigned yet", D (f, dno)->refname);
}

static int
shape_field (const PlsqlShape *sh, const char *name)
{
	for (int i = 0; i < sh->n; i++)
		if (strcmp (sh->names[i], name) == 0)
			return i;
	return -1;
}

static int
rec_field_or_raise (PlsqlFrame *f, int dno, const char *field)
{
	PlsqlVal *pv = &f->vals[dno];
	if (!pv->shape)
		rec_not_assigned (f, dno);
	int k = shape_field (pv->shape, field);
	if (k < 0)
		ox_raise (OX_ERR_UNDEFINED_COLUMN, 0, "record \"%s\" has no field \"%s\"", D (f, dno)->refname, field);
	return k;
}

static PlsqlShape *
shape_new (OxArena *a, int n)
{
	PlsqlShape *sh = OX_NEW (a, PlsqlShape);
	sh->id = __atomic_add_fetch (&shape_counter, 1, __ATOMIC_RELAXED);
	sh->n = n;
	sh->names = OX_NEW_N (a, const char *, n > 0 ? n : 1);
	sh->types = OX_NEW_N (a, OxType, n > 0 ? n : 1);
	return sh;
}

/* Put a whole row into record dno.  A %ROWTYPE record keeps its shape and
 * takes the values by position (missing ones NULL); others take 'shape'. */
static void
rec_assign (PlsqlFrame *f, int dno, PlsqlShape *shape, const OxValue *vals, int nvals, OxArena *tmp)
{
	PlsqlDatum *d = D (f, dno);
	PlsqlVal *pv = &f->vals[dno];
	if (d->fixed_shape)
		shape = d->fixed_shape;
	int next = pv->rcur ^ 1;
	if (!pv->rarena[next])
		pv->rarena[next] = ox_arena_new ();
	OxArena *a = pv->rarena[next];
	ox_arena_reset (a);
	OxValue *fields = OX_NEW_N (a, OxValue, shape->n > 0 ? shape->n : 1);
	for (int i = 0; i < shape->n; i++) {
		OxValue v = i < nvals ? vals[i] : ox_null (shape->types[i].id);
		if (d->fixed_shape)
			v = plsql_cast (f, v, shape->types[i], tmp);
		fields[i] = ox_value_copy (a, &v);
	}
	pv->rcur = next;
	pv->shape = shape;
	pv->fields = fields;
	pv->rownull = false;
}

static void
rec_clear (PlsqlFrame *f, int dno)
{
	PlsqlDatum *d = D (f, dno);
	PlsqlVal *pv = &f->vals[dno];
	if (d->fixed_shape) {
		rec_assign (f, dno, d->fixed_shape, NULL, 0, frame_arena (f, 0));
		return;
	}
	pv->shape = NULL;
	pv->fields = NULL;
	pv->rownull = false;
}

static void
rec_set_field (PlsqlFrame *f, int dno, const char *field, OxValue v, OxArena *tmp)
{
	int k = rec_field_or_raise (f, dno, field);
	PlsqlVal *pv = &f->vals[dno];
	v = plsql_cast (f, v, pv->shape->types[k], tmp);
	pv->fields[k] = ox_value_copy (pv->rarena[pv->rcur], &v);
}

static void
assign_scalar (PlsqlFrame *f, int dno, OxValue v, OxArena *tmp)
{
	PlsqlDatum *d = D (f, dno);
	if (!d->type_dynamic)
		v = plsql_cast (f, v, d->type, tmp);
	if (v.null && d->notnull)
		ox_raise ("22004", 0, "null value cannot be assigned to variable \"%s\" declared NOT NULL", d->refname);
	store_value (&f->vals[dno], v);
}

/* Assign one value to a target item: a scalar, or a record's field. */
static void
assign_item (PlsqlFrame *f, int dno, const char *field, OxValue v, OxArena *tmp)
{
	if (field)
		rec_set_field (f, dno, field, v, tmp);
	else if (D (f, dno)->kind == PLSQL_DTYPE_REC)
		ox_raise ("42804", 0, "cannot assign non-composite value to a record variable");
	else
		assign_scalar (f, dno, v, tmp);
}

static void
set_found (PlsqlFrame *f, bool found)
{
	f->vals[f->fn->found_dno].v = ox_bool (found);
}

static void
set_text (PlsqlFrame *f, int dno, const char *s)
{
	if (dno < 0)
		return;
	store_value (&f->vals[dno], s ? ox_text (OX_T_TEXT, s, strlen (s)) : ox_null (OX_T_TEXT));
}

/* ---- SQL sites --------------------------------------------------------------------------- */

static int
hook_resolve (void *user, const char *const *fields, int nfields, OxType *type)
{
	PlsqlExpr *e = user;
	PlsqlFrame *f = cur_frame;
	if (!f)
		return 0;
	const char *field;
	int used;
	int dno = plsql_ns_lookup (e->ns, fields, nfields, &field, &used);
	if (dno < 0 || used != nfields)
		return 0;
	PlsqlDatum *d = D (f, dno);
	PlsqlParam prm = { .dno = dno, .field = field, .fieldno = -1 };
	if (d->kind == PLSQL_DTYPE_REC) {
		if (!field)
			return 0;  /* a whole record is no SQL value (there are no composite types) */
		prm.fieldno = rec_field_or_raise (f, dno, field);
		prm.shape_id = f->vals[dno].shape->id;
		prm.type = f->vals[dno].shape->types[prm.fieldno];
	} else {
		if (field)
			return 0;  /* x.y with a scalar x: a column of table x, not us */
		prm.type = d->type_dynamic ? (OxType) { (OxTypeId) f->vals[dno].v.type, -1 } : d->type;
	}
	for (guint i = 0; i < e->params->len; i++) {
		PlsqlParam *q = &g_array_index (e->params, PlsqlParam, i);
		if (q->dno == dno && g_strcmp0 (q->field, field) == 0) {
			prm.field = q->field;
			*q = prm;
			*type = prm.type;
			return (int) i + 1;
		}
	}
	/* 'field' belongs to the binder's parse of the statement, which a
	 * re-bind frees: the parameter list keeps its own copy. */
	if (prm.field)
		prm.field = ox_arena_strdup (f->fn->arena, prm.field);
	g_array_append_val (e->params, prm);
	*type = prm.type;
	return (int) e->params->len;
}

static void
site_retire (PlsqlFunction *fn, PlsqlExpr *e)
{
	if (e->clones) {
		for (guint i = 0; i < e->clones->len; i++)
			if (e->clones->pdata[i]) {
				if (!fn->retired)
					fn->retired = g_ptr_array_new ();
				g_ptr_array_add (fn->retired, (void *) ((uintptr_t) e->clones->pdata[i] | 1));
			}
		g_ptr_array_free (e->clones, TRUE);
		e->clones = NULL;
	}
	if (e->spi) {
		if (!fn->retired)
			fn->retired = g_ptr_array_new ();
		/* Tag expressions apart from plans with the low bit. */
		g_ptr_array_add (fn->retired, e->is_query ? e->spi : (void *) ((uintptr_t) e->spi | 1));
		e->spi = NULL;
	}
}

static void
site_prepare (PlsqlFrame *f, PlsqlExpr *e)
{
	site_retire (f->fn, e);
	if (!e->params)
		e->params = g_array_new (FALSE, FALSE, sizeof (PlsqlParam));
	g_array_set_size (e->params, 0);
	OxSpiParamHook h = { .resolve = hook_resolve, .user = e, .columns_win = false };
	if (e->is_query)
		e->spi = ox_spi_prepare (f->s, e->text, &h, 0, NULL);
	else
		e->spi = ox_spi_prepare_expr (f->s, e->text, &h);
}

/* Fill params from the frame; false when a variable no longer has the
 * type the site was prepared with (the caller prepares it again). */
static bool
site_fill (PlsqlFrame *f, PlsqlExpr *e, OxValue *params)
{
	PlsqlParam *ps = (PlsqlParam *) e->params->data;
	for (guint i = 0; i < e->params->len; i++) {
		PlsqlParam *p = &ps[i];
		PlsqlVal *pv = &f->vals[p->dno];
		if (!p->field) {
			if (D (f, p->dno)->type_dynamic && pv->v.type != p->type.id)
				return false;
			params[i] = pv->v;
			continue;
		}
		PlsqlShape *sh = pv->shape;
		if (!sh)
			rec_not_assigned (f, p->dno);
		if (sh->id != p->shape_id) {
			int k = shape_field (sh, p->field);
			if (k < 0)
				ox_raise (OX_ERR_UNDEFINED_COLUMN, 0, "record \"%s\" has no field \"%s\"",
				          D (f, p->dno)->refname, p->field);
			if (sh->types[k].id != p->type.id || sh->types[k].typmod != p->type.typmod)
				return false;
			p->fieldno = k;
			p->shape_id = sh->id;
		}
		params[i] = pv->fields[p->fieldno];
	}
	return true;
}

/* Prepare if needed and fill the parameters (allocated in a when more
 * than fit in 'stack').  Returns the parameter array. */
static OxValue *
site_params (PlsqlFrame *f, PlsqlExpr *e, OxValue *stack, int nstack, OxArena *a, int *n)
{
	if (!e->spi)
		site_prepare (f, e);
	for (int attempt = 0;; attempt++) {
		int np = (int) e->params->len;
		OxValue *params = np <= nstack ? stack : OX_NEW_N (a, OxValue, np);
		if (site_fill (f, e, params)) {
			*n = np;
			return params;
		}
		if (attempt > 0)
			OX_INTERNAL ("PL/SQL site \"%s\" keeps changing parameter types", e->text);
		site_prepare (f, e);
	}
}

/*
 * The prepared expression a frame evaluates with.  An OxSpiExpr keeps its
 * parameters in itself while it runs, so the same expression evaluated
 * again by a recursive call before the outer evaluation finished
 * ("RETURN fib(n - 1) + fib(n - 2)") would overwrite the outer one's:
 * each recursion level gets its own copy, prepared on first use.
 */
static OxSpiExpr *
site_expr_for (PlsqlFrame *f, PlsqlExpr *e)
{
	if (f->level == 0)
		return e->spi;
	if (!e->clones)
		e->clones = g_ptr_array_new ();
	while ((int) e->clones->len < f->level)
		g_ptr_array_add (e->clones, NULL);
	OxSpiExpr *x = e->clones->pdata[f->level - 1];
	if (!x) {
		OxSpiParamHook h = { .resolve = hook_resolve, .user = e, .columns_win = false };
		x = ox_spi_prepare_expr (f->s, e->text, &h);
		e->clones->pdata[f->level - 1] = x;
	}
	return x;
}

static OxValue
eval_expr (PlsqlFrame *f, PlsqlExpr *e, OxArena *a)
{
	OxValue stack[16];
	int n;
	f->cur_expr = e;
	OxValue *params = site_params (f, e, stack, 16, a, &n);
	OxValue v = ox_spi_eval (site_expr_for (f, e), params, n, a);
	f->cur_expr = NULL;
	return v;
}

static bool
eval_bool (PlsqlFrame *f, PlsqlExpr *e, OxArena *a)
{
	OxValue v = eval_expr (f, e, a);
	if (v.null)
		return false;
	if (v.type != OX_T_BOOL) {
		OxCastCtx cx = cast_ctx (f->s);
		v = ox_value_cast (a, &cx, &v, (OxType) { OX_T_BOOL, -1 }, false);
		if (v.null)
			return false;
	}
	return v.v.b;
}

/* The shape of the rows plan returns, kept on the site while it holds. */
static PlsqlShape *
plan_shape (PlsqlFunction *fn, PlsqlExpr *e, OxSpiPlan *plan, OxArena *a)
{
	int n = ox_spi_ncols (plan);
	PlsqlShape *sh = e ? e->shape : NULL;
	if (sh && sh->n == n) {
		int i;
		for (i = 0; i < n; i++)
			if (sh->types[i].id != ox_spi_coltype (plan, i).id || strcmp (sh->names[i], ox_spi_colname (plan, i)))
				break;
		if (i == n)
			return sh;
	}
	sh = shape_new (e ? fn->arena : a, n);
	for (int i = 0; i < n; i++) {
		sh->names[i] = ox_arena_strdup (e ? fn->arena : a, ox_spi_colname (plan, i));
		sh->types[i] = ox_spi_coltype (plan, i);
	}
	if (e)
		e->shape = sh;
	return sh;
}

/* Assign a fetched row to a target. */
static void
assign_row (PlsqlFrame *f, const PlsqlTarget *t, PlsqlShape *sh, const OxValue *row, OxArena *tmp)
{
	if (t->is_rec) {
		if (row)
			rec_assign (f, t->dnos[0], sh, row, sh->n, tmp);
		else if (D (f, t->dnos[0])->fixed_shape)
			rec_clear (f, t->dnos[0]);
		else
			rec_assign (f, t->dnos[0], sh, NULL, 0, tmp);  /* all fields NULL */
		return;
	}
	for (int i = 0; i < t->n; i++) {
		OxValue v = row && i < sh->n ? row[i] : ox_null (OX_T_TEXT);
		if (v.null && i < sh->n)
			v = ox_null (sh->types[i].id);
		assign_item (f, t->dnos[i], t->fields[i], v, tmp);
	}
}

/* ---- statements --------------------------------------------------------------------------- */

static Rc exec_stmts (PlsqlFrame *f, const PlsqlStmtList *l);
static Rc exec_block (PlsqlFrame *f, PlsqlBlock *b);

/*
 * Called before every statement runs.  DEBUGGER HOOK: the debugger's
 * on_step(frame) belongs here — f->cur is the statement about to run
 * (its line and column), f->vals the variables of the frame.
 */
static inline OxArena *
stmt_enter (PlsqlFrame *f, const PlsqlStmt *s)
{
	f->cur = s;
	if (ox_debug_active (f->s)) {
		ox_debug_step (f->s, s->line, s->col);
		/* a terminate (or an expired pause) while the hook held us:
		 * fail here, before the statement runs */
		if (G_UNLIKELY (__atomic_load_n (&f->s->cancel, __ATOMIC_RELAXED)))
			ox_spi_check_interrupts (f->s);
	}
	OxArena *a = frame_arena (f, s->depth);
	ox_arena_reset (a);
	return a;
}

static inline void
loop_tick (PlsqlFrame *f)
{
	if (++f->ticks % INTERRUPT_EVERY == 0)
		ox_spi_check_interrupts (f->s);
}

/* What a loop does with its body's completion: true to leave the loop
 * with *rc, false to go on. */
static bool
loop_control (PlsqlFrame *f, const char *label, Rc *rc)
{
	switch (*rc) {
	case RC_OK:
		return false;
	case RC_EXIT:
		if (!f->exit_label || (label && strcmp (f->exit_label, label) == 0)) {
			f->exit_label = NULL;
			*rc = RC_OK;
		}
		return true;
	case RC_CONTINUE:
		if (!f->exit_label || (label && strcmp (f->exit_label, label) == 0)) {
			f->exit_label = NULL;
			*rc = RC_OK;
			return false;
		}
		return true;
	case RC_RETURN:
		return true;
	}
	return true;
}

static Rc
exec_assign (PlsqlFrame *f, PlsqlAssign *s, OxArena *a)
{
	PlsqlDatum *d = D (f, s->dno);
	if (d->kind == PLSQL_DTYPE_REC && !s->field) {
		/* r := other_record (there are no composite values to assign) */
		const char *name = s->expr->text;
		while (g_ascii_isspace (*name))
			name++;
		char *nm = g_ascii_strdown (name, -1);
		g_strstrip (nm);
		const char *field;
		int used;
		const char *names[1] = { nm };
		int src = plsql_ns_lookup (s->expr->ns, names, 1, &field, &used);
		g_free (nm);
		if (src < 0 || D (f, src)->kind != PLSQL_DTYPE_REC) {
			OxValue v = eval_expr (f, s->expr, a);
			if (v.null) {
				rec_clear (f, s->dno);
				return RC_OK;
			}
			ox_raise ("42804", 0, "cannot assign non-composite value to a record variable");
		}
		PlsqlVal *sv = &f->vals[src];
		if (!sv->shape)
			rec_clear (f, s->dno);
		else
			rec_assign (f, s->dno, sv->shape, sv->fields, sv->shape->n, a);
		return RC_OK;
	}
	OxValue v = eval_expr (f, s->expr, a);
	f->cur_expr = s->expr;  /* casting errors belong to the assignment too */
	assign_item (f, s->dno, s->field, v, a);
	f->cur_expr = NULL;
	return RC_OK;
}

static Rc
exec_if (PlsqlFrame *f, PlsqlIf *s, OxArena *a)
{
	if (eval_bool (f, s->cond, a))
		return exec_stmts (f, &s->then_body);
	for (int i = 0; i < s->nelsif; i++) {
		f->cur = &s->stmt;
		if (eval_bool (f, s->elsifs[i].cond, a))
			return exec_stmts (f, &s->elsifs[i].body);
	}
	return exec_stmts (f, &s->else_body);
}

static Rc
exec_case (PlsqlFrame *f, PlsqlCase *s, OxArena *a)
{
	if (s->t_expr) {
		OxValue v = eval_expr (f, s->t_expr, a);
		store_value (&f->vals[s->t_dno], v);
	}
	for (int i = 0; i < s->nwhens; i++) {
		f->cur = &s->stmt;
		if (eval_bool (f, s->whens[i].expr, a))
			return exec_stmts (f, &s->whens[i].body);
	}
	if (!s->have_else)
		ox_raise_full ("20000", 0, NULL, "CASE statement is missing ELSE part.", "case not found");
	return exec_stmts (f, &s->else_body);
}

static Rc
exec_loop (PlsqlFrame *f, PlsqlLoop *s, OxArena *a)
{
	for (;;) {
		loop_tick (f);
		if (s->cond) {
			f->cur = &s->stmt;
			ox_arena_reset (a);
			if (!eval_bool (f, s->cond, a))
				return RC_OK;
		}
		Rc rc = exec_stmts (f, &s->body);
		if (loop_control (f, s->label, &rc))
			return rc;
	}
}

static int64_t
eval_int4 (PlsqlFrame *f, PlsqlExpr *e, OxArena *a, const char *what)
{
	OxValue v = eval_expr (f, e, a);
	if (v.null)
		ox_raise ("22004", 0, "%s of FOR loop cannot be null", what);
	v = plsql_cast (f, v, (OxType) { OX_T_INT4, -1 }, a);
	return v.v.i;
}

static Rc
exec_fori (PlsqlFrame *f, PlsqlForI *s, OxArena *a)
{
	int64_t lo = eval_int4 (f, s->lower, a, "lower bound");
	int64_t hi = eval_int4 (f, s->upper, a, "upper bound");
	int64_t step = 1;
	if (s->step) {
		step = eval_int4 (f, s->step, a, "BY value");
		if (step <= 0)
			ox_raise (OX_ERR_INVALID_PARAMETER, 0, "BY value of FOR loop must be greater than zero");
	}
	PlsqlVal *var = &f->vals[s->dno];
	bool found = false;
	Rc rc = RC_OK;
	/* int64 arithmetic: i + step cannot overflow for int4 bounds. */
	for (int64_t i = lo; s->reverse ? i >= hi : i <= hi; i += s->reverse ? -step : step) {
		var->v = ox_int (OX_T_INT4, i);
		found = true;
		loop_tick (f);
		rc = exec_stmts (f, &s->body);
		if (loop_control (f, s->label, &rc))
			break;
	}
	set_found (f, found);
	return rc;
}

/* Evaluate USING expressions into values (and their types). */
static OxValue *
eval_usings (PlsqlFrame *f, PlsqlExpr **usings, int n, OxArena *a, OxType **types)
{
	OxValue *vals = OX_NEW_N (a, OxValue, n > 0 ? n : 1);
	OxType *ts = OX_NEW_N (a, OxType, n > 0 ? n : 1);
	for (int i = 0; i < n; i++) {
		vals[i] = eval_expr (f, usings[i], a);
		ts[i] = (OxType) { (OxTypeId) vals[i].type, -1 };
		if (vals[i].null && vals[i].type == OX_T_UNKNOWN)
			ts[i] = (OxType) { OX_T_TEXT, -1 };
	}
	*types = ts;
	return vals;
}

static const char *
eval_query_text (PlsqlFrame *f, PlsqlExpr *e, OxArena *a)
{
	OxValue v = eval_expr (f, e, a);
	if (v.null)
		ox_raise ("22004", 0, "query string argument of EXECUTE is null");
	if (!ox_type_is_string ((OxTypeId) v.type))
		v = plsql_cast (f, v, (OxType) { OX_T_TEXT, -1 }, a);
	return ox_arena_strndup (a, v.v.str, v.len);
}

/* FOR target IN query / EXECUTE: run the loop over an open cursor. */
static Rc
fors_loop (PlsqlFrame *f, PlsqlForS *s, OxSpiPlan *plan, OxSpiCursor *cur, PlsqlShape *sh, OxArena *a,
           bool *found)
{
	Rc rc = RC_OK;
	const OxValue *row;
	while ((row = ox_spi_fetch (cur)) != NULL) {
		*found = true;
		f->cur = &s->stmt;
		assign_row (f, &s->target, sh, row, a);
		loop_tick (f);
		rc = exec_stmts (f, &s->body);
		if (loop_control (f, s->label, &rc))
			break;
	}
	(void) plan;
	return rc;
}

static Rc
exec_fors (PlsqlFrame *f, PlsqlForS *s, OxArena *a)
{
	OxSpiPlan *volatile dyn = NULL;
	OxSpiCursor *volatile cur = NULL;
	volatile Rc rc = RC_OK;
	volatile bool found = false;
	OX_TRY {
		OxSpiPlan *plan;
		PlsqlShape *sh;
		if (s->stmt.kind == PLSQL_STMT_FORS) {
			OxValue stack[16];
			int n;
			f->cur_expr = s->query;
			OxValue *params = site_params (f, s->query, stack, 16, a, &n);
			/* the cursor may read params while the body runs: keep them in a */
			if (params == stack)
				params = ox_arena_memdup (a, stack, sizeof (OxValue) * (size_t) (n > 0 ? n : 1));
			plan = s->query->spi;
			cur = ox_spi_open (plan, params, n);
			f->cur_expr = NULL;
			sh = plan_shape (f->fn, s->query, plan, a);
		} else {
			const char *sql = eval_query_text (f, s->query, a);
			OxType *types;
			OxValue *vals = eval_usings (f, s->usings, s->nusing, a, &types);
			dyn = ox_spi_prepare (f->s, sql, NULL, s->nusing, types);
			plan = dyn;
			cur = ox_spi_open (plan, vals, s->nusing);
			sh = plan_shape (f->fn, NULL, plan, a);
		}
		bool fnd = false;
		rc = fors_loop (f, s, plan, cur, sh, a, &fnd);
		found = fnd;
	} OX_CATCH {
		if (cur)
			ox_spi_close (cur);
		if (dyn)
			ox_spi_free (dyn);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	ox_spi_close (cur);
	if (dyn)
		ox_spi_free (dyn);
	set_found (f, found);
	return rc;
}

static Rc
exec_exit (PlsqlFrame *f, PlsqlExit *s, OxArena *a)
{
	if (s->cond && !eval_bool (f, s->cond, a))
		return RC_OK;
	f->exit_label = s->label;
	return s->is_exit ? RC_EXIT : RC_CONTINUE;
}

/* The OUT/INOUT/TABLE variables as a result row, cast to the result types. */
static OxValue *
out_row (PlsqlFrame *f, OxArena *a)
{
	OxRoutine *r = f->fn->routine;
	int n = r->nresult;
	OxValue *row = OX_NEW_N (a, OxValue, n > 0 ? n : 1);
	for (int k = 0; k < n; k++) {
		OxValue v = f->vals[f->fn->out_dnos[k]].v;
		row[k] = plsql_cast (f, v, r->result_types[k], a);
	}
	return row;
}

/* Hand the function's result to the caller (non-set functions). */
static void
finish_out (PlsqlFrame *f)
{
	OxPlCall *c = f->call;
	OxRoutine *r = f->fn->routine;
	if (!f->fn->has_out || r->retset)
		return;
	OxValue *row = out_row (f, c->arena);
	if (c->out) {
		for (int k = 0; k < r->nresult; k++)
			c->out[k] = ox_value_copy (c->arena, &row[k]);
	} else if (r->retkind == OX_RET_VALUE && r->nresult >= 1)
		c->result = ox_value_copy (c->arena, &row[0]);
}

static void
emit (PlsqlFrame *f, const OxValue *row)
{
	OxPlCall *c = f->call;
	if (!c->emit)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "set-valued function called in context that cannot accept a set");
	c->emit (c, row);
}

static void
trigger_return_rec (PlsqlFrame *f, int dno)
{
	OxTriggerData *td = f->call->trigger;
	PlsqlVal *pv = &f->vals[dno];
	if (!td)
		return;
	if (!pv->shape || pv->rownull) {
		td->result_row = NULL;
		return;
	}
	if (pv->shape->n != td->ncols)
		ox_raise_full ("42804", 0, "Number of returned columns does not match the table.", NULL,
		               "returned row structure does not match the structure of the triggering table");
	OxValue *row = OX_NEW_N (f->call->arena, OxValue, td->ncols > 0 ? td->ncols : 1);
	for (int i = 0; i < td->ncols; i++) {
		OxValue v = plsql_cast (f, pv->fields[i], td->table->cols[i].type, f->call->arena);
		row[i] = ox_value_copy (f->call->arena, &v);
	}
	td->result_row = row;
}

static Rc
exec_return (PlsqlFrame *f, PlsqlReturn *s, OxArena *a)
{
	PlsqlFunction *fn = f->fn;
	OxRoutine *r = fn->routine;
	OxPlCall *c = f->call;
	f->returned = true;
	if (fn->is_trigger) {
		if (s->rec_dno >= 0) {
			trigger_return_rec (f, s->rec_dno);
			return RC_RETURN;
		}
		OxValue v = eval_expr (f, s->expr, a);
		if (!v.null)
			ox_raise ("42804", 0, "cannot return non-composite value from function returning composite type");
		if (c->trigger)
			c->trigger->result_row = NULL;
		return RC_RETURN;
	}
	if (!s->expr) {
		finish_out (f);
		return RC_RETURN;
	}
	if (s->rec_dno >= 0 && r->rowtype_result && c->out) {
		/* RETURNS tablename: the record's fields are the row */
		PlsqlVal *pv = &f->vals[s->rec_dno];
		if (!pv->shape)
			rec_not_assigned (f, s->rec_dno);
		if (pv->shape->n != r->nresult)
			ox_raise ("42804", 0, "returned record type does not match expected record type");
		for (int k = 0; k < r->nresult; k++) {
			OxValue v = pv->rownull ? ox_null (r->result_types[k].id)
			                        : plsql_cast (f, pv->fields[k], r->result_types[k], a);
			c->out[k] = ox_value_copy (c->arena, &v);  /* the record dies with the frame */
		}
		return RC_RETURN;
	}
	if (s->rec_dno >= 0)
		ox_raise ("42804", 0, "cannot return a record from a function returning %s",
		          ox_type_name (r->rettype.id));
	if (r->rowtype_result)
		ox_raise ("42804", 0, "cannot return non-composite value from function returning composite type");
	OxValue v = eval_expr (f, s->expr, a);
	f->cur_expr = s->expr;
	v = plsql_cast (f, v, r->rettype, a);
	f->cur_expr = NULL;
	c->result = ox_value_copy (c->arena, &v);
	return RC_RETURN;
}

static Rc
exec_return_next (PlsqlFrame *f, PlsqlReturn *s, OxArena *a)
{
	OxRoutine *r = f->fn->routine;
	if (s->rec_dno >= 0) {
		PlsqlVal *pv = &f->vals[s->rec_dno];
		if (!pv->shape)
			rec_not_assigned (f, s->rec_dno);
		if (pv->shape->n != r->nresult)
			ox_raise_full ("42804", 0,
			               ox_arena_printf (a, "Number of returned columns (%d) does not match expected column count (%d).",
			                                pv->shape->n, r->nresult),
			               NULL, "wrong record type supplied in RETURN NEXT");
		OxValue *row = OX_NEW_N (a, OxValue, r->nresult > 0 ? r->nresult : 1);
		for (int k = 0; k < r->nresult; k++)
			row[k] = pv->rownull ? ox_null (r->result_types[k].id)
			                     : plsql_cast (f, pv->fields[k], r->result_types[k], a);
		emit (f, row);
		return RC_OK;
	}
	if (f->fn->has_out) {
		emit (f, out_row (f, a));
		return RC_OK;
	}
	OxValue v = eval_expr (f, s->expr, a);
	v = plsql_cast (f, v, r->rettype, a);
	emit (f, &v);
	return RC_OK;
}

static Rc
exec_return_query (PlsqlFrame *f, PlsqlReturnQuery *s, OxArena *a)
{
	OxRoutine *r = f->fn->routine;
	OxSpiPlan *volatile dyn = NULL;
	OxSpiCursor *volatile cur = NULL;
	volatile int64_t n = 0;
	OxArena *volatile rowa = NULL;
	OX_TRY {
		OxSpiPlan *plan;
		if (s->query) {
			OxValue stack[16];
			int np;
			f->cur_expr = s->query;
			OxValue *params = site_params (f, s->query, stack, 16, a, &np);
			plan = s->query->spi;
			cur = ox_spi_open (plan, params, np);
			f->cur_expr = NULL;
		} else {
			const char *sql = eval_query_text (f, s->dynquery, a);
			OxType *types;
			OxValue *vals = eval_usings (f, s->usings, s->nusing, a, &types);
			dyn = ox_spi_prepare (f->s, sql, NULL, s->nusing, types);
			plan = dyn;
			cur = ox_spi_open (plan, vals, s->nusing);
		}
		int ncols = ox_spi_ncols (plan);
		if (ncols != r->nresult)
			ox_raise_full ("42804", 0,
			               ox_arena_printf (a, "Number of returned columns (%d) does not match expected column count (%d).",
			                                ncols, r->nresult),
			               NULL, "structure of query does not match function result type");
		rowa = ox_arena_new ();
		OxValue *row = OX_NEW_N (a, OxValue, ncols > 0 ? ncols : 1);
		const OxValue *in;
		while ((in = ox_spi_fetch (cur)) != NULL) {
			ox_arena_reset (rowa);
			for (int i = 0; i < ncols; i++)
				row[i] = plsql_cast (f, in[i], r->result_types[i], rowa);
			emit (f, row);
			n = n + 1;
		}
	} OX_CATCH {
		if (cur)
			ox_spi_close (cur);
		if (dyn)
			ox_spi_free (dyn);
		if (rowa)
			ox_arena_free (rowa);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	ox_spi_close (cur);
	if (dyn)
		ox_spi_free (dyn);
	ox_arena_free (rowa);
	f->rowcount = n;
	set_found (f, n > 0);
	return RC_OK;
}

/* --- RAISE --- */

static const char *
value_text (PlsqlFrame *f, OxValue v, OxArena *a)
{
	if (v.null)
		return NULL;
	return ox_spi_value_text (f->s, &v, a);
}

static bool
valid_sqlstate (const char *s)
{
	return strlen (s) == 5 && strspn (s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 5;
}

static void
dup_error (const OxErrorData *src, OxErrorData *dst)
{
	memcpy (dst->sqlstate, src->sqlstate, sizeof dst->sqlstate);
	dst->message = g_strdup (src->message);
	dst->detail = g_strdup (src->detail);
	dst->hint = g_strdup (src->hint);
	dst->context = g_strdup (src->context);
	dst->position = src->position;
}

static Rc
exec_raise (PlsqlFrame *f, PlsqlRaise *s, OxArena *a)
{
	if (s->rethrow) {
		if (!f->handled)
			ox_raise ("0Z002", 0, "RAISE without parameters cannot be used outside an exception handler");
		OxErrorData copy;
		dup_error (f->handled, &copy);
		ox_error_rethrow (&copy);
	}
	char sqlstate[6];
	memcpy (sqlstate, s->sqlstate, sizeof sqlstate);
	const char *condname = s->condname ? s->condname : (s->sqlstate[0] ? s->sqlstate : NULL);
	const char *message = NULL, *detail = NULL, *hint = NULL;
	if (s->message) {
		GString *g = g_string_new (NULL);
		int k = 0;
		for (const char *c = s->message; *c; c++) {
			if (*c == '%') {
				if (c[1] == '%') {
					g_string_append_c (g, '%');
					c++;
					continue;
				}
				OxValue v = eval_expr (f, s->params[k++], a);
				const char *t = value_text (f, v, a);
				g_string_append (g, t ? t : "<NULL>");
			} else
				g_string_append_c (g, *c);
		}
		message = ox_arena_strndup (a, g->str, g->len);
		g_string_free (g, TRUE);
	}
	for (int i = 0; i < s->noptions; i++) {
		PlsqlRaiseOption *o = &s->options[i];
		OxValue v = eval_expr (f, o->expr, a);
		const char *t = value_text (f, v, a);
		if (!t)
			ox_raise ("22004", 0, "RAISE statement option cannot be null");
		switch (o->kind) {
		case PLSQL_RAISE_ERRCODE: {
			if (s->sqlstate[0])
				ox_raise (OX_ERR_SYNTAX, 0, "RAISE option already specified: ERRCODE");
			const char *st = plsql_condition_sqlstate (t);
			if (!st && valid_sqlstate (t))
				st = t;
			if (!st)
				ox_raise (OX_ERR_UNDEFINED_OBJECT, 0, "unrecognized exception condition \"%s\"", t);
			memcpy (sqlstate, st, 6);
			condname = t;
			break;
		}
		case PLSQL_RAISE_MESSAGE:
			if (message)
				ox_raise (OX_ERR_SYNTAX, 0, "RAISE option already specified: MESSAGE");
			message = t;
			break;
		case PLSQL_RAISE_DETAIL:
			if (detail)
				ox_raise (OX_ERR_SYNTAX, 0, "RAISE option already specified: DETAIL");
			detail = t;
			break;
		case PLSQL_RAISE_HINT:
			if (hint)
				ox_raise (OX_ERR_SYNTAX, 0, "RAISE option already specified: HINT");
			hint = t;
			break;
		default:
			break;  /* COLUMN, CONSTRAINT ...: no field for them in OxErrorData */
		}
	}
	if (!message)
		message = condname ? condname : "unrecognized";
	if (s->elevel == PLSQL_EXCEPTION) {
		if (!sqlstate[0])
			memcpy (sqlstate, "P0001", 6);
		f->cur_expr = NULL;
		ox_raise_full (sqlstate, 0, detail, hint, "%s", message);
	}
	static const char *const levels[] = { "DEBUG", "LOG", "INFO", "NOTICE", "WARNING" };
	if (!sqlstate[0])
		memcpy (sqlstate, s->elevel == PLSQL_WARNING ? "01000" : "00000", 6);
	ox_spi_message (f->s, levels[s->elevel], routine_label (f->fn), s->stmt.line, sqlstate, message, detail,
	                hint);
	return RC_OK;
}

static Rc
exec_assert (PlsqlFrame *f, PlsqlAssert *s, OxArena *a)
{
	const char *chk = ox_spi_setting (f->s, "plpgsql.check_asserts");
	if (chk && (!g_ascii_strcasecmp (chk, "off") || !g_ascii_strcasecmp (chk, "false")))
		return RC_OK;
	OxValue v = eval_expr (f, s->cond, a);
	if (!v.null && v.type != OX_T_BOOL)
		v = plsql_cast (f, v, (OxType) { OX_T_BOOL, -1 }, a);
	if (!v.null && v.v.b)
		return RC_OK;
	const char *msg = "assertion failed";
	if (s->message) {
		OxValue m = eval_expr (f, s->message, a);
		const char *t = value_text (f, m, a);
		if (t)
			msg = t;
	}
	ox_raise ("P0004", 0, "%s", msg);
}

/* --- SQL statements --- */

static bool
verb_is_mod (const char *verb)
{
	return verb && (!strcmp (verb, "INSERT") || !strcmp (verb, "UPDATE") || !strcmp (verb, "DELETE") ||
	                !strcmp (verb, "MERGE"));
}

/*
 * Run plan with params; with an INTO target, assign the first row (STRICT:
 * exactly one row, P0002/P0003; an INSERT/UPDATE/DELETE ... RETURNING INTO
 * always refuses a second row).  Returns the rows processed and whether a
 * row was assigned.
 */
static int64_t
run_into (PlsqlFrame *f, OxSpiPlan *plan, PlsqlExpr *site, const OxValue *params, int n, bool into,
          bool strict, const PlsqlTarget *target, OxArena *a, bool *got, bool select_needs_into)
{
	bool returns = ox_spi_returns_rows (plan);
	bool mod = verb_is_mod (ox_spi_verb (plan));
	*got = false;
	if (!into) {
		if (returns && select_needs_into && !mod)
			ox_raise_full (OX_ERR_SYNTAX, 0, NULL, "If you want to discard the results of a SELECT, use PERFORM instead.",
			               "query has no destination for result data");
		return ox_spi_exec (plan, params, n);
	}
	if (!returns)
		ox_raise (OX_ERR_SYNTAX, 0, "INTO used with a command that cannot return data");
	OxSpiCursor *volatile cur = NULL;
	volatile int64_t count = 0;
	OX_TRY {
		cur = ox_spi_open (plan, params, n);
		PlsqlShape *sh = plan_shape (f->fn, site, plan, a);
		const OxValue *row = ox_spi_fetch (cur);
		if (row) {
			count = 1;
			assign_row (f, target, sh, row, a);
			if (strict || mod) {
				while (ox_spi_fetch (cur)) {
					count = count + 1;
					if (!mod)
						break;
				}
				if (count > 1)
					ox_raise_full ("P0003", 0, NULL,
					               strict ? "Make sure the query returns a single row, or use LIMIT 1." : NULL,
					               "query returned more than one row");
			}
		} else {
			if (strict)
				ox_raise ("P0002", 0, "query returned no rows");
			assign_row (f, target, sh, NULL, a);
		}
	} OX_CATCH {
		if (cur)
			ox_spi_close (cur);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	int64_t processed = ox_spi_close (cur);
	*got = count > 0;
	return mod ? processed : count;
}

static Rc
exec_execsql (PlsqlFrame *f, PlsqlExecSql *s, OxArena *a)
{
	OxValue stack[16];
	int n;
	f->cur_expr = s->sql;
	OxValue *params = site_params (f, s->sql, stack, 16, a, &n);
	OxSpiPlan *plan = s->sql->spi;
	bool got;
	int64_t rows = run_into (f, plan, s->sql, params, n, s->into, s->strict, &s->target, a, &got,
	                         s->stmt.kind == PLSQL_STMT_EXECSQL);
	f->cur_expr = NULL;
	f->rowcount = rows;
	if (s->into)
		set_found (f, got);
	else if (s->stmt.kind == PLSQL_STMT_PERFORM || verb_is_mod (ox_spi_verb (plan)))
		set_found (f, rows > 0);
	return RC_OK;
}

static Rc
exec_dynexecute (PlsqlFrame *f, PlsqlDynExecute *s, OxArena *a)
{
	const char *sql = eval_query_text (f, s->query, a);
	OxType *types;
	OxValue *vals = eval_usings (f, s->usings, s->nusing, a, &types);
	OxSpiPlan *volatile plan = NULL;
	volatile int64_t rows = 0;
	OX_TRY {
		plan = ox_spi_prepare (f->s, sql, NULL, s->nusing, types);
		bool got;
		rows = run_into (f, plan, NULL, vals, s->nusing, s->into, s->strict, &s->target, a, &got, false);
	} OX_CATCH {
		ox_error_add_context ("SQL statement \"%s\"", sql);
		if (plan)
			ox_spi_free (plan);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	ox_spi_free (plan);
	f->rowcount = rows;  /* EXECUTE sets ROW_COUNT, not FOUND (PostgreSQL) */
	return RC_OK;
}

static Rc
exec_getdiag (PlsqlFrame *f, PlsqlGetDiag *s, OxArena *a)
{
	if (s->stacked && !f->handled)
		ox_raise ("0Z002", 0, "GET STACKED DIAGNOSTICS cannot be used outside an exception handler");
	for (int i = 0; i < s->nitems; i++) {
		PlsqlDiag *d = &s->items[i];
		OxErrorData *e = f->handled;
		const char *t = NULL;
		OxValue v;
		switch (d->item) {
		case PLSQL_DIAG_ROW_COUNT:
			v = ox_int (OX_T_INT8, f->rowcount);
			assign_scalar (f, d->dno, v, a);
			continue;
		case PLSQL_DIAG_CONTEXT:
			t = ox_arena_printf (a, "PL/SQL function %s line %d at %s", routine_label (f->fn), s->stmt.line,
			                     plsql_stmt_kind_name (&s->stmt));
			break;
		case PLSQL_DIAG_RETURNED_SQLSTATE: t = e->sqlstate; break;
		case PLSQL_DIAG_MESSAGE_TEXT: t = e->message; break;
		case PLSQL_DIAG_EXCEPTION_DETAIL: t = e->detail ? e->detail : ""; break;
		case PLSQL_DIAG_EXCEPTION_HINT: t = e->hint ? e->hint : ""; break;
		case PLSQL_DIAG_EXCEPTION_CONTEXT: t = e->context ? e->context : ""; break;
		default: t = ""; break;
		}
		v = ox_text (OX_T_TEXT, t, strlen (t));
		assign_scalar (f, d->dno, v, a);
	}
	return RC_OK;
}

static Rc
exec_txn (PlsqlFrame *f, bool commit)
{
	if (f->subxacts > 0)
		ox_raise ("2D000", 0, "cannot %s while a subtransaction is active", commit ? "commit" : "roll back");
	if (commit)
		ox_spi_commit (f->call);
	else
		ox_spi_rollback (f->call);
	return RC_OK;
}

static Rc
exec_stmt (PlsqlFrame *f, PlsqlStmt *s)
{
	OxArena *a = stmt_enter (f, s);
	switch (s->kind) {
	case PLSQL_STMT_BLOCK: return exec_block (f, (PlsqlBlock *) s);
	case PLSQL_STMT_ASSIGN: return exec_assign (f, (PlsqlAssign *) s, a);
	case PLSQL_STMT_IF: return exec_if (f, (PlsqlIf *) s, a);
	case PLSQL_STMT_CASE: return exec_case (f, (PlsqlCase *) s, a);
	case PLSQL_STMT_LOOP:
	case PLSQL_STMT_WHILE: return exec_loop (f, (PlsqlLoop *) s, a);
	case PLSQL_STMT_FORI: return exec_fori (f, (PlsqlForI *) s, a);
	case PLSQL_STMT_FORS:
	case PLSQL_STMT_DYNFORS: return exec_fors (f, (PlsqlForS *) s, a);
	case PLSQL_STMT_EXIT: return exec_exit (f, (PlsqlExit *) s, a);
	case PLSQL_STMT_RETURN: return exec_return (f, (PlsqlReturn *) s, a);
	case PLSQL_STMT_RETURN_NEXT: return exec_return_next (f, (PlsqlReturn *) s, a);
	case PLSQL_STMT_RETURN_QUERY: return exec_return_query (f, (PlsqlReturnQuery *) s, a);
	case PLSQL_STMT_RAISE: return exec_raise (f, (PlsqlRaise *) s, a);
	case PLSQL_STMT_ASSERT: return exec_assert (f, (PlsqlAssert *) s, a);
	case PLSQL_STMT_EXECSQL:
	case PLSQL_STMT_PERFORM: return exec_execsql (f, (PlsqlExecSql *) s, a);
	case PLSQL_STMT_DYNEXECUTE: return exec_dynexecute (f, (PlsqlDynExecute *) s, a);
	case PLSQL_STMT_GETDIAG: return exec_getdiag (f, (PlsqlGetDiag *) s, a);
	case PLSQL_STMT_NULL: return RC_OK;
	case PLSQL_STMT_COMMIT: return exec_txn (f, true);
	case PLSQL_STMT_ROLLBACK: return exec_txn (f, false);
	case PLSQL_STMT__COUNT: break;
	}
	OX_INTERNAL ("PL/SQL statement kind %d", (int) s->kind);
}

static Rc
exec_stmts (PlsqlFrame *f, const PlsqlStmtList *l)
{
	for (int i = 0; i < l->n; i++) {
		Rc rc = exec_stmt (f, l->items[i]);
		if (rc != RC_OK)
			return rc;
	}
	return RC_OK;
}

/* --- blocks and exception handlers --- */

static bool
condition_matches (const PlsqlCondition *c, const char *state)
{
	for (; c; c = c->next) {
		if (c->others) {
			/* OTHERS leaves cancellation and failed assertions alone. */
			if (strcmp (state, OX_ERR_QUERY_CANCELED) && strcmp (state, "P0004"))
				return true;
			continue;
		}
		if (strcmp (c->sqlstate + 2, "000") == 0) {  /* a class: 22000 catches 22xxx */
			if (strncmp (c->sqlstate, state, 2) == 0)
				return true;
		} else if (strcmp (c->sqlstate, state) == 0)
			return true;
	}
	return false;
}

static void
block_init (PlsqlFrame *f, PlsqlBlock *b)
{
	for (int i = 0; i < b->ninit; i++) {
		int dno = b->initdnos[i];
		PlsqlDatum *d = D (f, dno);
		if (d->kind == PLSQL_DTYPE_REC) {
			rec_clear (f, dno);
			continue;
		}
		OxArena *a = frame_arena (f, b->stmt.depth);
		if (d->defexpr) {
			OxValue v = eval_expr (f, d->defexpr, a);
			f->cur_expr = d->defexpr;
			v = plsql_cast (f, v, d->type, a);
			if (v.null && d->notnull)
				ox_raise ("22004", 0, "null value cannot be assigned to variable \"%s\" declared NOT NULL",
				          d->refname);
			f->cur_expr = NULL;
			store_value (&f->vals[dno], v);
		} else
			store_value (&f->vals[dno], ox_null (d->type.id));
	}
}

static Rc
exec_block (PlsqlFrame *f, PlsqlBlock *b)
{
	block_init (f, b);
	volatile Rc rc = RC_OK;
	if (b->nhandlers == 0)
		rc = exec_stmts (f, &b->body);
	else {
		volatile bool caught = false;
		guint mark = ox_spi_subxact_begin (f->s);
		f->subxacts++;
		OX_TRY {
			rc = exec_stmts (f, &b->body);
		} OX_CATCH {
			caught = true;
		} OX_END_TRY;
		f->subxacts--;
		if (caught) {
			OxErrorData err;
			ox_error_take (&err);
			ox_spi_subxact_rollback (f->s, mark);
			f->cur = &b->stmt;
			f->cur_expr = NULL;
			PlsqlHandler *volatile h = NULL;
			for (int i = 0; i < b->nhandlers && !h; i++)
				if (condition_matches (b->handlers[i].conds, err.sqlstate))
					h = &b->handlers[i];
			if (!h)
				ox_error_rethrow (&err);
			/* a caught error is still "raised" for the debugger */
			if (ox_debug_active (f->s))
				ox_debug_error (f->s, &err, false);
			set_text (f, b->sqlstate_dno, err.sqlstate);
			set_text (f, b->sqlerrm_dno, err.message);
			OxErrorData *volatile prev = f->handled;
			f->handled = &err;
			OX_TRY {
				rc = exec_stmts (f, &h->body);
			} OX_CATCH {
				f->handled = prev;
				ox_error_data_clear (&err);
				ox_error_rethrow_current ();
			} OX_END_TRY;
			f->handled = prev;
			ox_error_data_clear (&err);
		}
	}
	if (rc == RC_EXIT && f->exit_label && b->label && strcmp (f->exit_label, b->label) == 0) {
		f->exit_label = NULL;
		rc = RC_OK;
	}
	return rc;
}

/* ---- calls ------------------------------------------------------------------------------- */

static void
frame_init (PlsqlFrame *f, PlsqlFunction *fn, OxPlCall *c)
{
	memset (f, 0, sizeof *f);
	f->fn = fn;
	f->call = c;
	f->s = c->session;
	f->vals = g_new0 (PlsqlVal, fn->ndatums > 0 ? fn->ndatums : 1);
	f->arenas = g_new0 (OxArena *, fn->max_depth + 2);
	for (int i = 0; i < fn->ndatums; i++)
		f->vals[i].v = ox_null (fn->datums[i]->type.id);
}

static void
frame_free (PlsqlFrame *f)
{
	for (int i = 0; i < f->fn->ndatums; i++) {
		g_free (f->vals[i].buf);
		if (f->vals[i].rarena[0])
			ox_arena_free (f->vals[i].rarena[0]);
		if (f->vals[i].rarena[1])
			ox_arena_free (f->vals[i].rarena[1]);
	}
	g_free (f->vals);
	for (int i = 0; i <= f->fn->max_depth + 1; i++)
		if (f->arenas[i])
			ox_arena_free (f->arenas[i]);
	g_free (f->arenas);
	if (f->call_arena)
		ox_arena_free (f->call_arena);
}

static PlsqlShape *
table_shape (OxArena *a, OxTable *t)
{
	PlsqlShape *sh = shape_new (a, t->ncols);
	for (int i = 0; i < t->ncols; i++) {
		sh->names[i] = t->cols[i].name;
		sh->types[i] = t->cols[i].type;
	}
	return sh;
}

static void
setup_trigger (PlsqlFrame *f)
{
	PlsqlFunction *fn = f->fn;
	OxTriggerData *td = f->call->trigger;
	if (!td)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "trigger functions can only be called as triggers");
	f->call_arena = ox_arena_new ();
	OxArena *a = f->call_arena;
	PlsqlShape *sh = table_shape (a, td->table);
	/* NEW and OLD always have the table's shape; the one the operation
	 * lacks (OLD for INSERT ...) is a NULL row, as in PostgreSQL 11+. */
	rec_assign (f, fn->new_dno, sh, td->new_row, td->new_row ? td->ncols : 0, a);
	f->vals[fn->new_dno].rownull = td->new_row == NULL;
	rec_assign (f, fn->old_dno, sh, td->old_row, td->old_row ? td->ncols : 0, a);
	f->vals[fn->old_dno].rownull = td->old_row == NULL;
	set_text (f, fn->tg_name_dno, td->name);
	set_text (f, fn->tg_when_dno, td->when);
	set_text (f, fn->tg_level_dno, td->level);
	set_text (f, fn->tg_op_dno, td->op);
	set_text (f, fn->tg_table_name_dno, td->table->obj.name);
	set_text (f, fn->tg_relname_dno, td->table->obj.name);
	set_text (f, fn->tg_table_schema_dno, td->table->obj.schema ? td->table->obj.schema->obj.name : NULL);
	f->vals[fn->tg_nargs_dno].v = ox_int (OX_T_INT4, td->nargs);
	for (int i = 0; i < PLSQL_TG_ARGV_MAX; i++)
		set_text (f, fn->tg_argv_dno + i, i < td->nargs ? td->argv[i] : NULL);
}

static void
run_function (PlsqlFrame *f)
{
	PlsqlFunction *fn = f->fn;
	OxPlCall *c = f->call;
	OxRoutine *r = fn->routine;
	for (int i = 0; i < r->nargs; i++) {
		OxArgMode m = r->args[i].mode;
		OxValue v = (m == OX_ARG_IN || m == OX_ARG_INOUT || (fn->is_procedure && m == OX_ARG_OUT)) && c->args
		                ? c->args[i] : ox_null (r->args[i].type.id);
		if (v.null)
			v = ox_null (r->args[i].type.id);
		store_value (&f->vals[fn->arg_dnos[i]], v);
	}
	set_found (f, false);
	if (fn->is_trigger)
		setup_trigger (f);
	if (fn->is_event_trigger && c->event) {
		set_text (f, fn->tg_event_dno, c->event->event);
		set_text (f, fn->tg_tag_dno, c->event->tag);
	}
	Rc rc = exec_stmt (f, &fn->action->stmt);
	(void) rc;
	if (f->returned)
		return;
	f->cur = NULL;
	if (fn->is_trigger)
		ox_raise ("2F005", 0, "control reached end of trigger procedure without RETURN");
	if (r->retkind == OX_RET_VALUE && !r->retset && !fn->has_out)
		ox_raise ("2F005", 0, "control reached end of function without RETURN");
	finish_out (f);
}

/* "f(integer)"; a DO block (a transient routine, never registered, oid 0)
 * is "inline_code_block" as in PostgreSQL. */
static const char *
routine_label (PlsqlFunction *fn)
{
	OxRoutine *r = fn->routine;
	return r->signature && r->obj.oid != 0 ? r->signature : r->obj.name;
}

static void
plsql_call (void *form, OxPlCall *c)
{
	PlsqlFunction *fn = form;
	PlsqlFrame frame;
	PlsqlFrame *volatile f = &frame;
	frame_init (f, fn, c);
	PlsqlFrame *volatile prev = cur_frame;
	cur_frame = f;
	f->level = fn->active++;
	/* the debugger's frame of this call (pushed by ox_routine_call) */
	OxFrame *volatile dbg = NULL;
	if (ox_debug_active (c->session) && c->session->top_frame && c->session->top_frame->call == c) {
		dbg = c->session->top_frame;
		dbg->ops = &plsql_frame_ops;
		dbg->ops_data = f;
	}
	OX_TRY {
		run_function (f);
	} OX_CATCH {
		cur_frame = prev;
		fn->active--;
		if (f->cur_expr) {
			PlsqlExpr *e = f->cur_expr;
			if (f->cur && f->cur->kind == PLSQL_STMT_ASSIGN)
				ox_error_add_context ("PL/SQL assignment \"%.*s\"", e->loc + e->srclen - f->cur->loc,
				                      fn->body + f->cur->loc);
			else if (e->is_query)
				ox_error_add_context ("SQL statement \"%s\"", e->text);
			else
				ox_error_add_context ("SQL expression \"%s\"", e->text);
		}
		if (f->cur) {
			/* the line and column of the error itself when it came from a
			 * position inside the statement's SQL ("column b does not
			 * exist"), else of the statement */
			int line = f->cur->line, col = f->cur->col;
			OxErrorData *err = ox_error_current ();
			PlsqlExpr *e = f->cur_expr;
			if (e && err->position > 0 && (size_t) err->position <= strlen (e->text) &&
			    e->loc + err->position - 1 < (int) strlen (fn->body))
				plsql_line_col (fn->body, e->loc + err->position - 1, &line, &col);
			ox_error_add_context ("PL/SQL function %s line %d, column %d at %s", routine_label (fn), line, col,
			                      plsql_stmt_kind_name (f->cur));
		} else
			ox_error_add_context ("PL/SQL function %s", routine_label (fn));
		if (dbg) {
			/* report it while the variables can still be read */
			ox_debug_error (f->s, ox_error_current (), false);
			dbg->error_reported = true;
			dbg->ops = NULL;
		}
		frame_free (f);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	cur_frame = prev;
	fn->active--;
	if (dbg)
		dbg->ops = NULL;
	frame_free (f);
}

/* ---- compile ----------------------------------------------------------------------------- */

/* Split "a.b.c" (folding unquoted parts) into names; false if it is not
 * a dotted name. */
static int
split_name (OxArena *a, const char *text, const char **names, int max)
{
	int n = 0;
	const char *p = text;
	while (*p) {
		while (g_ascii_isspace (*p))
			p++;
		if (n == max)
			return 0;
		if (*p == '"') {
			const char *q = strchr (p + 1, '"');
			if (!q)
				return 0;
			names[n++] = ox_arena_strndup (a, p + 1, (size_t) (q - p - 1));
			p = q + 1;
		} else {
			const char *q = p;
			while (*q && (g_ascii_isalnum (*q) || *q == '_' || *q == '$' || (unsigned char) *q >= 0x80))
				q++;
			if (q == p)
				return 0;
			names[n++] = ox_ident_fold (a, p, (size_t) (q - p));
			p = q;
		}
		while (g_ascii_isspace (*p))
			p++;
		if (*p == '.')
			p++;
		else if (*p)
			return 0;
	}
	return n;
}

static void
resolve_datum_type (OxSession *s, PlsqlFunction *fn, PlsqlDatum *d)
{
	OxArena *a = fn->arena;
	if (d->typeref == 0) {
		if (d->kind == PLSQL_DTYPE_REC)
			return;
		char *sql = ox_arena_printf (a, "NULL::%s", d->typetext);
		OxSpiExpr *e = ox_spi_prepare_expr (s, sql, NULL);
		d->type = ox_spi_expr_type (e);
		ox_spi_expr_free (e);
		return;
	}
	const char *names[4];
	int n = split_name (a, d->typetext, names, 3);
	if (n == 0)
		ox_raise (OX_ERR_SYNTAX, d->type_loc + 1, "syntax error at or near \"%s\"", d->typetext);
	if (d->typeref == 1) {
		/* var%TYPE (perhaps label-qualified) first, then table.column%TYPE */
		const char *field;
		int used;
		int dno = plsql_ns_lookup (d->ns, names, n, &field, &used);
		if (dno >= 0 && used == n && !field) {
			PlsqlDatum *src = fn->datums[dno];
			if (src->kind == PLSQL_DTYPE_REC)
				ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, d->type_loc + 1, "%%TYPE of a record variable is not supported");
			d->type = src->type;
			return;
		}
		if (n < 2)
			ox_raise (OX_ERR_UNDEFINED_OBJECT, d->type_loc + 1, "type \"%s%%TYPE\" does not exist", d->typetext);
		char *sql = n == 3 ? ox_arena_printf (a, "SELECT \"%s\" FROM \"%s\".\"%s\"", names[2], names[0], names[1])
		                   : ox_arena_printf (a, "SELECT \"%s\" FROM \"%s\"", names[1], names[0]);
		OxSpiPlan *p = ox_spi_prepare (s, sql, NULL, 0, NULL);
		d->type = ox_spi_coltype (p, 0);
		ox_spi_free (p);
		return;
	}
	char *sql = n == 2 ? ox_arena_printf (a, "SELECT * FROM \"%s\".\"%s\"", names[0], names[1])
	                   : ox_arena_printf (a, "SELECT * FROM \"%s\"", names[0]);
	if (d->typeref == 3 && !(n == 2 ? ox_session_relation (s, names[0], names[1])
	                                : ox_session_relation (s, NULL, names[0])))
		ox_raise (OX_ERR_UNDEFINED_OBJECT, d->type_loc + 1, "type \"%s\" does not exist", d->typetext);
	OxSpiPlan *p = ox_spi_prepare (s, sql, NULL, 0, NULL);
	d->fixed_shape = shape_new (a, ox_spi_ncols (p));
	for (int i = 0; i < d->fixed_shape->n; i++) {
		d->fixed_shape->names[i] = ox_arena_strdup (a, ox_spi_colname (p, i));
		d->fixed_shape->types[i] = ox_spi_coltype (p, i);
	}
	ox_spi_free (p);
}

/* Resolve every declared type through SPI (the engine's own type names
 * and catalog), in declaration order so that var%TYPE sees the types of
 * the variables before it.  Errors point at the type in the body. */
static void
resolve_types (OxSession *s, PlsqlFunction *fn)
{
	for (int i = 0; i < fn->ndatums; i++) {
		PlsqlDatum *d = fn->datums[i];
		if (!d->typetext)
			continue;
		OX_TRY {
			resolve_datum_type (s, fn, d);
		} OX_CATCH {
			OxErrorData *e = ox_error_current ();
			e->position = d->type_loc + 1;
			ox_error_rethrow_current ();
		} OX_END_TRY;
	}
}

static void
plsql_free (void *form)
{
	PlsqlFunction *fn = form;
	if (!fn)
		return;
	for (int i = 0; i < fn->nexprs; i++) {
		PlsqlExpr *e = fn->exprs[i];
		site_retire (fn, e);
		if (e->params)
			g_array_free (e->params, TRUE);
	}
	if (fn->retired) {
		for (guint i = 0; i < fn->retired->len; i++) {
			uintptr_t p = (uintptr_t) fn->retired->pdata[i];
			if (p & 1)
				ox_spi_expr_free ((OxSpiExpr *) (p & ~(uintptr_t) 1));
			else
				ox_spi_free ((OxSpiPlan *) p);
		}
		g_ptr_array_free (fn->retired, TRUE);
	}
	plsql_function_free (fn);
}

static void *
plsql_compile (OxSession *s, OxRoutine *r)
{
	PlsqlFunction *fn = NULL;
	OX_TRY {
		fn = plsql_parse (r);
	} OX_CATCH {
		OxErrorData *e = ox_error_current ();
		if (e->position > 0) {
			int line, col;
			plsql_line_col (r->body, e->position - 1, &line, &col);
			ox_error_add_context ("line %d, column %d of the body", line, col);
		}
		ox_error_rethrow_current ();
	} OX_END_TRY;
	PlsqlFunction *volatile vfn = fn;
	OX_TRY {
		resolve_types (s, vfn);
	} OX_CATCH {
		plsql_free (vfn);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	return fn;
}

const OxLanguage ox_lang_plsql = {
	.name = "plsql",
	.display = "PL/SQL",
	.compile = plsql_compile,
	.call = plsql_call,
	.free = plsql_free,
};

/* ---- the debugger's view of a frame (debug-internal.h: OxFrameOps) ------------------------------
 *
 * Arguments are the routine's argument variables; Locals every declared
 * variable (blocks not yet entered show their variables as NULL, as
 * PostgreSQL's pldebugger does); Special FOUND, ROW_COUNT, the error an
 * active handler caught, and a trigger's TG_* and NEW/OLD.  Expressions
 * are bound against every variable, innermost declaration first.
 */

static bool
dbg_is_local (PlsqlFunction *fn, int dno)
{
	PlsqlDatum *d = fn->datums[dno];
	return d->loc >= 0 && d->argno < 0 && !d->type_dynamic;
}

static bool
dbg_is_special (PlsqlFunction *fn, int dno)
{
	if (dno == fn->found_dno || dno == fn->new_dno || dno == fn->old_dno)
		return true;
	int tg[] = { fn->tg_name_dno, fn->tg_when_dno, fn->tg_level_dno, fn->tg_op_dno, fn->tg_table_name_dno,
		     fn->tg_table_schema_dno, fn->tg_relname_dno, fn->tg_nargs_dno, fn->tg_event_dno, fn->tg_tag_dno };
	for (size_t i = 0; i < G_N_ELEMENTS (tg); i++)
		if (tg[i] == dno)
			return true;
	return false;
}

static void
dbg_record_text (PlsqlFrame *f, PlsqlVal *pv, GString *g, OxArena *a)
{
	g_string_append_c (g, '(');
	for (int i = 0; i < pv->shape->n; i++) {
		if (i)
			g_string_append_c (g, ',');
		if (pv->rownull)
			continue;
		ox_debug_append_field (g, ox_spi_value_text (f->s, &pv->fields[i], a));
	}
	g_string_append_c (g, ')');
}

static void
dbg_datum_var (PlsqlFrame *f, int dno, const char *name, GArray *out)
{
	PlsqlDatum *d = D (f, dno);
	PlsqlVal *pv = &f->vals[dno];
	OxVariable v = { 0 };
	if (d->kind == PLSQL_DTYPE_REC) {
		const char *type = d->fixed_shape && d->typetext ? d->typetext : "record";
		if ((dno == f->fn->new_dno || dno == f->fn->old_dno) && f->call->trigger)
			type = f->call->trigger->table->obj.name;
		if (!pv->shape || pv->rownull)
			ox_debug_var_text (&v, name, type, NULL);
		else {
			OxArena *a = ox_arena_new ();
			GString *g = g_string_new (NULL);
			dbg_record_text (f, pv, g, a);
			ox_debug_var_text (&v, name, type, g->str);
			g_string_free (g, TRUE);
			ox_arena_free (a);
		}
		if (pv->shape && !pv->rownull)
			v.named_children = pv->shape->n;
	} else {
		ox_debug_var_set (&v, f->s, name, &pv->v);
		if (!d->type_dynamic && d->type.id != OX_T_UNKNOWN) {
			g_free (v.type);
			v.type = ox_debug_type_name (d->type);
		}
	}
	g_array_append_val (out, v);
}

/* The variable a name means here: the innermost (highest) declaration. */
static int
dbg_find (PlsqlFrame *f, const char *name, OxScope scope)
{
	PlsqlFunction *fn = f->fn;
	for (int dno = fn->ndatums - 1; dno >= 0; dno--) {
		PlsqlDatum *d = fn->datums[dno];
		if (!d->refname || g_ascii_strcasecmp (d->refname, name) != 0)
			continue;
		bool arg = d->argno >= 0;
		bool ok = scope == OX_SCOPE_ARGUMENTS ? arg
		          : scope == OX_SCOPE_LOCALS  ? dbg_is_local (fn, dno)
		          : scope == OX_SCOPE_SPECIAL ? dbg_is_special (fn, dno)
		                                      : true;
		if (ok)
			return dno;
	}
	return -1;
}

static bool
dbg_variables (OxFrame *of, OxScope scope, const char *const *path, int npath, GArray *out)
{
	PlsqlFrame *f = of->ops_data;
	PlsqlFunction *fn = f->fn;
	if (scope != OX_SCOPE_ARGUMENTS && scope != OX_SCOPE_LOCALS && scope != OX_SCOPE_SPECIAL)
		return false;
	if (npath > 0) {
		int dno = dbg_find (f, path[0], scope);
		if (dno < 0)
			ox_raise (OX_ERR_UNDEFINED_OBJECT, 0, "no variable \"%s\" in %s", path[0], ox_scope_name (scope));
		PlsqlVal *pv = &f->vals[dno];
		if (D (f, dno)->kind != PLSQL_DTYPE_REC || npath > 1 || !pv->shape)
			ox_raise (OX_ERR_UNDEFINED_OBJECT, 0, "\"%s\" has no fields", path[npath - 1]);
		for (int i = 0; i < pv->shape->n; i++) {
			OxVariable v;
			OxValue x = pv->rownull ? ox_null (pv->shape->types[i].id) : pv->fields[i];
			ox_debug_var_set (&v, f->s, pv->shape->names[i], &x);
			g_free (v.type);
			v.type = ox_debug_type_name (pv->shape->types[i]);
			g_array_append_val (out, v);
		}
		return true;
	}
	switch (scope) {
	case OX_SCOPE_ARGUMENTS:
		for (int i = 0; i < fn->routine->nargs; i++)
			dbg_datum_var (f, fn->arg_dnos[i], D (f, fn->arg_dnos[i])->refname, out);
		break;
	case OX_SCOPE_LOCALS:
		for (int dno = 0; dno < fn->ndatums; dno++)
			if (dbg_is_local (fn, dno))
				dbg_datum_var (f, dno, D (f, dno)->refname, out);
		break;
	default: {
		dbg_datum_var (f, fn->found_dno, "found", out);
		char buf[32];
		g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, f->rowcount);
		OxVariable v;
		ox_debug_var_text (&v, "row_count", "bigint", buf);
		g_array_append_val (out, v);
		if (f->handled) {
			ox_debug_var_text (&v, "sqlstate", "text", f->handled->sqlstate);
			g_array_append_val (out, v);
			ox_debug_var_text (&v, "sqlerrm", "text", f->handled->message);
			g_array_append_val (out, v);
		}
		for (int dno = 0; dno < fn->ndatums; dno++)
			if (dno != fn->found_dno && dbg_is_special (fn, dno))
				dbg_datum_var (f, dno, D (f, dno)->refname, out);
		break;
	}
	}
	return true;
}

static unsigned
dbg_scopes (OxFrame *of)
{
	(void) of;
	return 1u << OX_SCOPE_ARGUMENTS | 1u << OX_SCOPE_LOCALS | 1u << OX_SCOPE_SPECIAL;
}

/* A name space over every variable, the innermost declaration first. */
static PlsqlNsItem *
dbg_ns (PlsqlFunction *fn, OxArena *a)
{
	PlsqlNsItem *ns = NULL;
	for (int dno = 0; dno < fn->ndatums; dno++) {
		PlsqlDatum *d = fn->datums[dno];
		if (!d->refname || d->type_dynamic)
			continue;
		PlsqlNsItem *it = OX_NEW (a, PlsqlNsItem);
		it->kind = PLSQL_NS_VAR;
		it->name = d->refname;
		it->dno = dno;
		it->prev = ns;
		ns = it;
	}
	return ns;
}

/* Evaluate text in frame f: the value is allocated in a.  Writes made by
 * the evaluation are rolled back if it fails. */
static OxValue
dbg_eval (PlsqlFrame *f, const char *text, OxArena *a, OxType *type)
{
	PlsqlExpr *volatile e = OX_NEW (a, PlsqlExpr);
	e->text = ox_arena_strdup (a, text);
	e->ns = dbg_ns (f->fn, a);
	PlsqlFrame *volatile prev = cur_frame;
	cur_frame = f;
	guint mark = ox_spi_subxact_begin (f->s);
	OxValue v = { 0 };
	OX_TRY {
		OxValue stack[16];
		int n;
		site_prepare (f, e);
		OxValue *params = site_params (f, e, stack, 16, a, &n);
		OxValue r = ox_spi_eval (e->spi, params, n, a);
		v = ox_value_copy (a, &r);
		*type = ox_spi_expr_type (e->spi);
	} OX_CATCH {
		cur_frame = prev;
		ox_spi_expr_free (e->spi);
		if (e->params)
			g_array_free (e->params, TRUE);
		ox_spi_subxact_rollback (f->s, mark);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	cur_frame = prev;
	ox_spi_expr_free (e->spi);
	g_array_free (e->params, TRUE);
	return v;
}

static void
dbg_evaluate (OxFrame *of, const char *expr, OxVariable *out)
{
	PlsqlFrame *f = of->ops_data;
	/* a whole record ("it", "new") is no SQL value: show it as the
	 * Variables view does, fields and all */
	char *name = g_strstrip (g_strdup (expr));
	int rec = -1;
	for (int dno = f->fn->ndatums - 1; dno >= 0 && rec < 0 && *name; dno--)
		if (D (f, dno)->kind == PLSQL_DTYPE_REC && D (f, dno)->refname &&
		    !g_ascii_strcasecmp (D (f, dno)->refname, name))
			rec = dno;
	if (rec >= 0) {
		GArray *one = g_array_new (FALSE, TRUE, sizeof (OxVariable));
		dbg_datum_var (f, rec, expr, one);
		*out = g_array_index (one, OxVariable, 0);
		g_array_free (one, TRUE);
		g_free (name);
		return;
	}
	g_free (name);
	OxArena *a = ox_arena_new ();
	OxType t;
	OX_TRY {
		OxValue v = dbg_eval (f, expr, a, &t);
		ox_debug_var_set (out, f->s, expr, &v);
		g_free (out->type);
		out->type = ox_debug_type_name (t);
	} OX_CATCH {
		ox_arena_free (a);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	ox_arena_free (a);
}

static void
dbg_assign (OxFrame *of, OxScope scope, const char *const *path, int npath, const char *expr, OxVariable *out)
{
	PlsqlFrame *f = of->ops_data;
	/* arguments, locals, and the fields of a trigger's NEW */
	bool new_field = scope == OX_SCOPE_SPECIAL && npath == 2 && f->fn->new_dno >= 0 &&
	                 !g_ascii_strcasecmp (path[0], "new");
	if (scope != OX_SCOPE_ARGUMENTS && scope != OX_SCOPE_LOCALS && !new_field)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "only arguments, local variables and fields of NEW can be set");
	int dno = new_field ? f->fn->new_dno : dbg_find (f, path[0], scope);
	if (dno < 0)
		ox_raise (OX_ERR_UNDEFINED_OBJECT, 0, "no variable \"%s\" in %s", path[0], ox_scope_name (scope));
	PlsqlDatum *d = D (f, dno);
	if (npath > 2 || (npath == 2 && d->kind != PLSQL_DTYPE_REC))
		ox_raise (OX_ERR_UNDEFINED_OBJECT, 0, "\"%s\" has no fields", path[npath - 2]);
	if (d->isconst)
		ox_raise ("22005", 0, "variable \"%s\" is declared CONSTANT", d->refname);
	OxArena *a = ox_arena_new ();
	OX_TRY {
		OxType t;
		OxValue v = dbg_eval (f, expr, a, &t);
		assign_item (f, dno, npath == 2 ? path[1] : NULL, v, a);
		GArray *one = g_array_new (FALSE, TRUE, sizeof (OxVariable));
		if (npath == 2) {
			int k = rec_field_or_raise (f, dno, path[1]);
			PlsqlVal *pv = &f->vals[dno];
			OxVariable x;
			ox_debug_var_set (&x, f->s, pv->shape->names[k], &pv->fields[k]);
			g_array_append_val (one, x);
		} else
			dbg_datum_var (f, dno, d->refname, one);
		*out = g_array_index (one, OxVariable, 0);
		g_array_free (one, TRUE);
	} OX_CATCH {
		ox_arena_free (a);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	ox_arena_free (a);
}

static const OxFrameOps plsql_frame_ops = {
	.variables = dbg_variables,
	.evaluate = dbg_evaluate,
	.assign = dbg_assign,
	.scopes = dbg_scopes,
};

/*
 * exec-debug.c — query debugging: the operators of a plan as debugger
 * frames, one step per row each produces (debug.h, OX_FRAME_OPERATOR).
 *
 * Operators are pulled one row at a time, so the call stack of a row on
 * its way up is already the plan's nesting: Sort.next calls Project.next
 * calls HashJoin.next calls SeqScan.next.  Attaching a plan replaces each
 * operator's next() with a trampoline that pushes a frame for the call,
 * runs the real next(), and when a row comes out reports a step at the
 * operator's line in the plan's text (its EXPLAIN output, served to the
 * client as the frame's source) before the row travels on.  "Step over"
 * at a scan's row thus moves to its next row or to the row its parent
 * makes of it; "step out" to the parent's row.
 *
 * Scopes: Current row (the row just produced, columns named after the
 * scanned table or the statement's result where known) and Operator (rows
 * in, rows out, loops, time spent in it and below).
 *
 * NOTE: only sessions that asked for it (ox_session_set_debug_queries)
 * attach plans; a plan attached once stays attached (cached plans are
 * reused) and then costs one test per row while the session is not
 * debugging queries.
 * NOTE: what can go wrong: an error raised below a trampoline unwinds
 * through it; the trampoline pops its frame in its OX_CATCH, as every
 * frame owner must (debug.c).
 */
#include "exec/exec.h"
#include "debug-internal.h"
#include "session.h"
#include "pl/pl.h"

#include <string.h>

/* One plan's debugging state: its text and its source id. */
typedef struct OxDebugPlan {
	char      *text;       /* EXPLAIN lines, '\n'-separated */
	char      *name;       /* "plan: SELECT ..." */
	uint32_t   source_id;  /* OX_DEBUG_PLAN_SOURCE_BIT | n */
	const char *const *colnames; /* the statement's result columns (top operator) */
	int        ncols;
} OxDebugPlan;

typedef struct OxDebugOp {
	OxValue   *(*inner_next) (OxOp *op, OxExec *x);
	OxDebugPlan *plan;
	OxOp       *op;
	bool        top;       /* the plan's root: its rows are the statement's */
	int         line;      /* 1-based line in plan->text */
	char       *name;      /* "Hash Join", "Seq Scan on item" */
	int64_t     usec;      /* time spent in next(), children included */
	uint64_t    rows;      /* rows produced while debugged */
} OxDebugOp;

/* What an operator frame's inspection reads. */
typedef struct OpFrame {
	OxDebugOp *d;
	OxExec    *x;
	OxValue   *row;
} OpFrame;

static uint32_t plan_counter;

/* ---- inspection --------------------------------------------------------------------------------- */

/* A name for column i of op's rows: the scanned table's column (qualified
 * by its alias under a join), the statement's result column at the top,
 * a join's sides in order, the input's names through operators that pass
 * rows on unchanged; else "columnN". */
static char *
op_col_name (OxOp *op, int i, bool qualify)
{
	if (op->kind == OX_OP_SEQSCAN || op->kind == OX_OP_INDEXSCAN) {
		OxScanCommon *sc = (OxScanCommon *) op;
		OxTable *t = sc->table;
		const char *col = i < t->ncols ? t->cols[i].name : i == t->ncols ? "ctid" : "version";
		if (qualify)
			return g_strdup_printf ("%s.%s", sc->alias ? sc->alias : t->obj.name, col);
		return g_strdup (col);
	}
	if (op->dbg && op->dbg->top && op->dbg->plan->colnames && i < op->dbg->plan->ncols)
		return g_strdup (op->dbg->plan->colnames[i]);
	switch (op->kind) {
	case OX_OP_HASHJOIN:
	case OX_OP_NESTLOOP:
		if (op->left && op->right && op->left->ncols + op->right->ncols == op->ncols)
			return i < op->left->ncols ? op_col_name (op->left, i, true)
			                           : op_col_name (op->right, i - op->left->ncols, true);
		break;
	case OX_OP_FILTER:
	case OX_OP_SORT:
	case OX_OP_LIMIT:
	case OX_OP_DISTINCT:
	case OX_OP_MATERIAL:
		if (op->left && op->left->ncols == op->ncols)
			return op_col_name (op->left, i, qualify);
		break;
	default:
		break;
	}
	return g_strdup_printf ("column%d", i + 1);
}

static char *
col_name (OxDebugOp *d, int i)
{
	return op_col_name (d->op, i, false);
}

static uint64_t
rows_in (OxOp *op)
{
	uint64_t n = 0;
	if (op->left)
		n += op->left->rows_out;
	if (op->right)
		n += op->right->rows_out;
	return n;
}

static bool
op_variables (OxFrame *f, OxScope scope, const char *const *path, int npath, GArray *out)
{
	OpFrame *of = f->ops_data;
	OxDebugOp *d = of->d;
	if (scope != OX_SCOPE_ROW && scope != OX_SCOPE_OPERATOR)
		return false;
	if (npath > 0)
		ox_raise (OX_ERR_UNDEFINED_OBJECT, 0, "\"%s\" has no fields", path[0]);
	OxVariable v;
	if (scope == OX_SCOPE_ROW) {
		for (int i = 0; of->row && i < d->op->ncols; i++) {
			char *n = col_name (d, i);
			ox_debug_var_set (&v, f->s, n, &of->row[i]);
			g_free (n);
			g_array_append_val (out, v);
		}
		return true;
	}
	char buf[64];
	ox_debug_var_text (&v, "operator", "text", d->name);
	g_array_append_val (out, v);
	g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, rows_in (d->op));
	ox_debug_var_text (&v, "rows_in", "bigint", buf);
	g_array_append_val (out, v);
	g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, d->op->rows_out);
	ox_debug_var_text (&v, "rows_out", "bigint", buf);
	g_array_append_val (out, v);
	g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, d->op->loops);
	ox_debug_var_text (&v, "loops", "bigint", buf);
	g_array_append_val (out, v);
	g_snprintf (buf, sizeof buf, "%.3f", (double) d->usec / 1000.0);
	ox_debug_var_text (&v, "time_ms", "double precision", buf);
	g_array_append_val (out, v);
	return true;
}

static unsigned
op_scopes (OxFrame *f)
{
	(void) f;
	return 1u << OX_SCOPE_ROW | 1u << OX_SCOPE_OPERATOR;
}

/* Names of the current row's columns, for evaluation. */
static int
row_resolve (void *user, const char *const *fields, int nfields, OxType *type)
{
	OpFrame *of = user;
	if (nfields < 1 || nfields > 2 || !of->row)
		return 0;
	char *want = nfields == 2 ? g_strdup_printf ("%s.%s", fields[0], fields[1]) : g_strdup (fields[0]);
	for (int i = 0; i < of->d->op->ncols; i++) {
		char *n = col_name (of->d, i);
		bool hit = g_ascii_strcasecmp (n, want) == 0;
		g_free (n);
		if (hit) {
			*type = (OxType) { (OxTypeId) of->row[i].type, -1 };
			if (of->row[i].null)
				*type = (OxType) { OX_T_TEXT, -1 };
			g_free (want);
			return i + 1;
		}
	}
	g_free (want);
	return 0;
}

static void
op_evaluate (OxFrame *f, const char *expr, OxVariable *out)
{
	OpFrame *of = f->ops_data;
	OxSpiParamHook hook = { .resolve = row_resolve, .user = of, .columns_win = true };
	OxArena *a = ox_arena_new ();
	OxSpiExpr *volatile e = NULL;
	int n = of->row ? of->d->op->ncols : 0;
	OX_TRY {
		e = ox_spi_prepare_expr (f->s, expr, &hook);
		/* NULL columns were declared text: give them that type */
		OxValue *params = OX_NEW_N (a, OxValue, n > 0 ? n : 1);
		for (int i = 0; i < n; i++)
			params[i] = of->row[i].null ? ox_null (OX_T_TEXT) : of->row[i];
		OxValue v = ox_spi_eval (e, params, n, a);
		ox_debug_var_set (out, f->s, expr, &v);
		g_free (out->type);
		out->type = ox_debug_type_name (ox_spi_expr_type (e));
	} OX_CATCH {
		ox_spi_expr_free (e);
		ox_arena_free (a);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	ox_spi_expr_free (e);
	ox_arena_free (a);
}

static const OxFrameOps op_frame_ops = {
	.variables = op_variables,
	.evaluate = op_evaluate,
	.scopes = op_scopes,
};

/* ---- the trampoline ------------------------------------------------------------------------------ */

static OxValue *
debug_next (OxOp *op, OxExec *x)
{
	OxDebugOp *d = op->dbg;
	OxSession *s = x->session;
	if (!s || !ox_debug_active (s) || !s->debug_queries)
		return d->inner_next (op, x);
	OxFrame f;
	memset (&f, 0, sizeof f);
	f.kind = OX_FRAME_OPERATOR;
	f.name = g_strdup (d->name);
	f.source_name = d->plan->name;
	f.source_id = d->plan->source_id;
	f.source_text = d->plan->text;
	f.line = d->line;
	f.column = 1;
	OpFrame of = { d, x, NULL };
	f.ops = &op_frame_ops;
	f.ops_data = &of;
	ox_debug_push (s, &f);
	int64_t t0 = g_get_monotonic_time ();
	OxValue *volatile row = NULL;
	OX_TRY {
		row = d->inner_next (op, x);
	} OX_CATCH {
		d->usec += g_get_monotonic_time () - t0;
		ox_debug_pop (s, &f);
		ox_debug_frame_clear (&f);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	d->usec += g_get_monotonic_time () - t0;
	if (row) {
		d->rows++;
		of.row = row;
		f.line = d->line;
		f.column = 1;
		if (s->debug_hooks.on_step && ox_debug_step_wanted (s))
			s->debug_hooks.on_step (s->debug_hooks.user, &f);
		if (G_UNLIKELY (__atomic_load_n (&s->cancel, __ATOMIC_RELAXED))) {
			/* terminated while stopped at this row */
			ox_debug_pop (s, &f);
			ox_debug_frame_clear (&f);
			ox_spi_check_interrupts (s);
		}
	}
	ox_debug_pop (s, &f);
	ox_debug_frame_clear (&f);
	return row;
}

/* ---- attaching -------------------------------------------------------------------------------- */

static char *
short_name (const char *label)
{
	/* "Seq Scan on b (filter: ...)" -> "Seq Scan on b" */
	const char *p = strstr (label, " (");
	return p ? g_strndup (label, (size_t) (p - label)) : g_strdup (label);
}

static void
attach_rec (OxOp *op, OxExec *x, OxDebugPlan *plan, GString *text, int *line, int depth, const char *prefix,
            bool top)
{
	for (int i = 0; depth > 0 && i < (depth - 1) * 6 + 2; i++)
		g_string_append_c (text, ' ');
	if (depth > 0)
		g_string_append (text, "->  ");
	if (prefix)
		g_string_append (text, prefix);
	const char *label = ox_op_label (op, x->arena);
	g_string_append (text, label);
	g_string_append_c (text, '\n');
	++*line;
	if (!op->dbg) {
		OxDebugOp *d = ox_arena_alloc0 (x->arena, sizeof *d);
		d->inner_next = op->next;
		d->op = op;
		char *sn = short_name (label);
		d->name = ox_arena_strdup (x->arena, sn);
		g_free (sn);
		op->dbg = d;
		op->next = debug_next;
	}
	/* the Current row scope shows every column of a scanned table */
	if (op->kind == OX_OP_SEQSCAN || op->kind == OX_OP_INDEXSCAN)
		((OxScanCommon *) op)->need = NULL;
	op->dbg->plan = plan;
	op->dbg->line = *line;
	op->dbg->top = top;
	OxSubPlan *sq = ox_op_subquery_plan (op);
	if (sq)
		attach_rec (sq->plan, x, plan, text, line, depth + 1, NULL, false);
	else {
		if (op->left)
			attach_rec (op->left, x, plan, text, line, depth + 1, NULL, false);
		if (op->right)
			attach_rec (op->right, x, plan, text, line, depth + 1, NULL, false);
	}
	GPtrArray *subs = g_ptr_array_new ();
	ox_op_subplans (op, subs);
	for (guint i = 0; i < subs->len; i++) {
		OxSubPlan *sp = subs->pdata[i];
		char *pre = g_strdup_printf ("SubPlan %d: ", sp->id);
		attach_rec (sp->plan, x, plan, text, line, depth + 1, pre, false);
		g_free (pre);
	}
	g_ptr_array_unref (subs);
}

void
ox_debug_plan_attach (OxOp *root, OxExec *x, const char *sql, const char *const *colnames, int ncols)
{
	if (root->dbg)
		return;  /* attached when it first ran (a reused plan) */
	OxDebugPlan *plan = ox_arena_alloc0 (x->arena, sizeof *plan);
	GString *text = g_string_new (NULL);
	int line = 0;
	attach_rec (root, x, plan, text, &line, 0, NULL, true);
	if (text->len && text->str[text->len - 1] == '\n')
		g_string_truncate (text, text->len - 1);
	plan->text = ox_arena_strdup (x->arena, text->str);
	g_string_free (text, TRUE);
	/* "plan: SELECT ... " from the statement's first line */
	while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r')
		sql++;
	size_t n = strcspn (sql, "\n");
	if (n > 60)
		n = 60;
	char *nm = g_strdup_printf ("plan: %.*s%s", (int) n, sql, sql[n] ? "..." : "");
	plan->name = ox_arena_strdup (x->arena, nm);
	g_free (nm);
	plan->source_id = OX_DEBUG_PLAN_SOURCE_BIT | (__atomic_add_fetch (&plan_counter, 1, __ATOMIC_RELAXED) &
	                                              ~OX_DEBUG_PLAN_SOURCE_BIT);
	if (colnames && ncols > 0) {
		const char **c = ox_arena_alloc0 (x->arena, sizeof (char *) * (size_t) ncols);
		for (int i = 0; i < ncols; i++)
			c[i] = ox_arena_strdup (x->arena, colnames[i] ? colnames[i] : "?column?");
		plan->colnames = c;
		plan->ncols = ncols;
	}
}

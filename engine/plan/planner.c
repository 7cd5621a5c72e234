/*
 * planner.c — from a bound OxQuery to a tree of physical operators.
 *
 * Decisions made here:
 *   - WHERE and inner-join ON conditions are split into conjuncts; those
 *     over one relation go down into its scan, the rest become join
 *     conditions or filters as soon as their relations are joined.
 *   - Join order is greedy: start from the smallest relation (estimated
 *     from row counts and pushed filters), then repeatedly add the
 *     smallest relation connected to the joined set by an equality, with a
 *     hash join (build side = the new relation); a relation connected by
 *     nothing is joined by a nested loop over a materialized inner side.
 *     Outer joins keep their written order.
 *   - An equality or range on the leading columns of an index turns a
 *     sequential scan into an index scan.
 *   - VARs become SLOTs (positions in the row an operator receives);
 *     references to enclosing queries become exec params that a SubPlan
 *     sets before each run.
 *
 * NOTE: the planner never changes results, only their order where no
 * ORDER BY asks for one; sqllogictest's rowsort/valuesort and our own
 * tests depend on that.
 */
#include "plan.h"
#include "pl/trigger.h"
#include "exec/exec.h"
#include "base/error.h"

#include <string.h>

typedef struct LEntry {
	int     rt, col;   /* a column of range table entry rt (rt < 0: not a column) */
	OxExpr *expr;      /* a grouping expression (aggregate layouts) */
	struct Layout *src_layout; /* layout below the aggregation, for naming */
	int     aggno;     /* an aggregate result (aggregate layouts), -1 otherwise */
} LEntry;

typedef struct Layout {
	int     n;
	LEntry *e;
	bool    is_agg;    /* above aggregation: bare columns must be grouped */
} Layout;

typedef struct OuterRef {
	int    levelsup;   /* relative to the query being planned */
	int    rt, col;
	OxType type;
	int    id;         /* exec param id */
} OuterRef;

typedef struct Planner Planner;
struct Planner {
	OxExec    *x;
	OxArena   *a;
	OxQuery   *q;
	Planner   *parent;
	GPtrArray *outer;   /* OuterRef* this query takes from enclosing ones */
	int        shift;   /* 1 for sublinks (levelsup 1 = parent), 0 for FROM subqueries */
	int       *subplan_counter;
	GHashTable *need;   /* OxRte* of a base table -> uint8_t[ncols]: 1 for each
	                       column some expression reads (fix), so its scans
	                       decode only those (exec.c scan_emit); shared by
	                       every level of one planning, NULL: none kept */
};

static OxOp *plan_query (Planner *p, OxQuery *q);

/* A GPtrArray freed with the plan's arena: planning may raise at any
 * point, and nothing must leak when it does. */
static GPtrArray *
parr (Planner *p)
{
	GPtrArray *a = g_ptr_array_new ();
	ox_arena_on_free (p->a, (void (*) (void *)) g_ptr_array_unref, a);
	return a;
}
static OxExpr *fix (Planner *p, OxExpr *e, Layout *L);

/* ---- layouts ---------------------------------------------------------------------- */

static Layout *
layout_new (Planner *p, int n)
{
	Layout *L = OX_NEW (p->a, Layout);
	L->n = n;
	L->e = OX_NEW_N (p->a, LEntry, n > 0 ? n : 1);
	return L;
}

static Layout *
layout_rte (Planner *p, int rt, int ncols)
{
	Layout *L = layout_new (p, ncols);
	for (int i = 0; i < ncols; i++) {
		L->e[i].rt = rt;
		L->e[i].col = i;
		L->e[i].aggno = -1;
	}
	return L;
}

static Layout *
layout_concat (Planner *p, Layout *l, Layout *r)
{
	Layout *L = layout_new (p, l->n + r->n);
	memcpy (L->e, l->e, sizeof (LEntry) * (size_t) l->n);
	memcpy (L->e + l->n, r->e, sizeof (LEntry) * (size_t) r->n);
	return L;
}

static Layout *
layout_empty (Planner *p)
{
	return layout_new (p, 0);
}

/* ---- expression fixing ---------------------------------------------------------------- */

static OxExpr *
copy_node (Planner *p, OxExpr *e)
{
	OxExpr *c = OX_NEW (p->a, OxExpr);
	*c = *e;
	if (e->nargs) {
		c->args = OX_NEW_N (p->a, OxExpr *, e->nargs);
		memcpy (c->args, e->args, sizeof (OxExpr *) * (size_t) e->nargs);
	}
	return c;
}

static OxExpr *
mk_slot (Planner *p, int slot, OxType t, int loc)
{
	OxExpr *e = OX_NEW (p->a, OxExpr);
	e->kind = OX_E_SLOT;
	e->slot = slot;
	e->type = t;
	e->loc = loc;
	return e;
}

/* Display name of a column for EXPLAIN: alias.column. */
static const char *
col_dname (Planner *p, int rt, int col)
{
	OxRte *r = p->q->rtable->pdata[rt];
	if (col >= r->ncols)
		return col == r->ncols ? "ctid" : "ctid_ptr";
	return ox_arena_printf (p->a, "%s.%s", r->alias ? r->alias : r->relname, r->colnames[col]);
}

static int
outer_param (Planner *p, OxExpr *v)
{
	for (guint i = 0; i < p->outer->len; i++) {
		OuterRef *o = p->outer->pdata[i];
		if (o->levelsup == v->levelsup && o->rt == v->rt && o->col == v->col)
			return o->id;
	}
	OuterRef *o = OX_NEW (p->a, OuterRef);
	o->levelsup = v->levelsup;
	o->rt = v->rt;
	o->col = v->col;
	o->type = v->type;
	o->id = p->x->nxparams++;
	g_ptr_array_add (p->outer, o);
	return o->id;
}

bool ox_expr_equal (const OxExpr *a, const OxExpr *b);

/* The columns-read marks of base table r (made on first use). */
static uint8_t *
need_of (Planner *p, OxRte *r)
{
	uint8_t *n = g_hash_table_lookup (p->need, r);
	if (!n) {
		n = ox_arena_alloc0 (p->a, (size_t) r->ncols + 1);
		g_hash_table_insert (p->need, r, n);
	}
	return n;
}

static OxSubPlan *
plan_sublink (Planner *p, OxQuery *sub, Layout *L, int shift)
{
	Planner cp = { .x = p->x, .a = p->a, .q = sub, .parent = p, .outer = parr (p),
	               .shift = shift, .subplan_counter = p->subplan_counter, .need = p->need };
	OxSubPlan *sp = OX_NEW (p->a, OxSubPlan);
	sp->plan = plan_query (&cp, sub);
	sp->id = ++*p->subplan_counter;
	sp->nparams = (int) cp.outer->len;
	sp->paramids = OX_NEW_N (p->a, int, sp->nparams > 0 ? sp->nparams : 1);
	sp->args = OX_NEW_N (p->a, OxExpr *, sp->nparams > 0 ? sp->nparams : 1);
	for (int i = 0; i < sp->nparams; i++) {
		OuterRef *o = cp.outer->pdata[i];
		sp->paramids[i] = o->id;
		OxExpr v = { .kind = OX_E_VAR, .type = o->type, .levelsup = o->levelsup - shift, .rt = o->rt,
		             .col = o->col, .loc = -1 };
		sp->args[i] = fix (p, &v, L);
	}
	sp->correlated = sp->nparams > 0;
	return sp;
}

/* Rewrite e for an operator whose input rows have layout L. */
static OxExpr *
fix (Planner *p, OxExpr *e, Layout *L)
{
	if (!e)
		return NULL;
	if (L->is_agg && e->kind != OX_E_CONST) {
		for (int i = 0; i < L->n; i++)
			if (L->e[i].expr && ox_expr_equal (L->e[i].expr, e)) {
				OxExpr *s = mk_slot (p, i, e->type, e->loc);
				s->dname = ox_expr_deparse (p->a, fix (p, e, L->e[i].src_layout), NULL);
				return s;
			}
	}
	switch (e->kind) {
	case OX_E_VAR:
		if (e->levelsup > 0) {
			OxExpr *o = copy_node (p, e);
			o->kind = OX_E_OUTER;
			o->paramno = outer_param (p, e);
			return o;
		}
		for (int i = 0; i < L->n; i++)
			if (L->e[i].rt == e->rt && L->e[i].col == e->col && !L->e[i].expr && L->e[i].aggno < 0) {
				OxExpr *s = mk_slot (p, i, e->type, e->loc);
				s->dname = col_dname (p, e->rt, e->col);
				if (p->need && e->rt >= 0 && (guint) e->rt < p->q->rtable->len) {
					OxRte *r = p->q->rtable->pdata[e->rt];
					if (r->kind == OX_RTE_TABLE && e->col >= 0 && e->col < r->ncols)
						need_of (p, r)[e->col] = 1;
				}
				return s;
			}
		if (L->is_agg) {
			OxRte *r = p->q->rtable->pdata[e->rt];
			ox_raise (OX_ERR_GROUPING, e->loc + 1,
			          "column \"%s.%s\" must appear in the GROUP BY clause or be used in an aggregate function",
			          r->alias ? r->alias : r->relname, r->colnames[e->col]);
		}
		OX_INTERNAL ("column %d.%d not found in operator input", e->rt, e->col);
	case OX_E_AGG:
		for (int i = 0; i < L->n; i++)
			if (L->e[i].aggno == e->aggno) {
				OxExpr *s = mk_slot (p, i, e->type, e->loc);
				OxAggref *ag = p->q->aggs->pdata[e->aggno];
				s->dname = ag->kind == OX_AGG_COUNT_STAR ? "count(*)"
				           : ox_arena_printf (p->a, "%s(%s%s)", ag->name, ag->distinct ? "DISTINCT " : "",
				                              ox_expr_deparse (p->a, ag->arg, p->q));
				return s;
			}
		ox_raise (OX_ERR_GROUPING, e->loc + 1, "aggregate functions are not allowed here");
	case OX_E_SUBLINK: {
		OxExpr *c = copy_node (p, e);
		for (int i = 0; i < c->nargs; i++)
			c->args[i] = fix (p, c->args[i], L);
		c->subplan = plan_sublink (p, e->subquery, L, 1);
		return c;
	}
	default: {
		if (e->nargs == 0)
			return e;
		OxExpr *c = copy_node (p, e);
		for (int i = 0; i < c->nargs; i++)
			c->args[i] = fix (p, e->args[i], L);
		return c;
	}
	}
}

/* ---- conjuncts and relation sets --------------------------------------------------------- */

typedef uint64_t RelSet;  /* bit per range table entry (first 64) */

static RelSet
expr_rels (OxExpr *e, bool *has_sublink)
{
	if (!e)
		return 0;
	RelSet s = 0;
	if (e->kind == OX_E_VAR && e->levelsup == 0)
		s |= e->rt < 64 ? (RelSet) 1 << e->rt : ~(RelSet) 0;
	if (e->kind == OX_E_SUBLINK) {
		*has_sublink = true;
		/* Correlated references inside the subquery to this level count as
		 * uses of those relations; find them by walking the subquery. */
		s |= ~(RelSet) 0;  /* conservative: evaluate after every join */
	}
	for (int i = 0; i < e->nargs; i++)
		s |= expr_rels (e->args[i], has_sublink);
	return s;
}

/* Relations a sublink's subquery references at our level (levelsup == depth). */
static RelSet query_outer_rels (OxQuery *q, int depth);

static RelSet
expr_outer_rels (OxExpr *e, int depth)
{
	if (!e)
		return 0;
	RelSet s = 0;
	if (e->kind == OX_E_VAR && e->levelsup == depth)
		s |= e->rt < 64 ? (RelSet) 1 << e->rt : ~(RelSet) 0;
	if (e->kind == OX_E_SUBLINK)
		s |= query_outer_rels (e->subquery, depth + 1);
	for (int i = 0; i < e->nargs; i++)
		s |= expr_outer_rels (e->args[i], depth);
	return s;
}

static RelSet
from_outer_rels (OxQuery *q, OxFromNode *f, int depth)
{
	if (!f->is_join) {
		OxRte *r = q->rtable->pdata[f->rt];
		if (r->kind == OX_RTE_SUBQUERY)  /* FROM subqueries skip a level, LATERAL ones do not */
			return query_outer_rels (r->subquery, r->lateral ? depth + 1 : depth);
		if (r->kind == OX_RTE_FUNCTION)
			return r->funcexpr ? expr_outer_rels (r->funcexpr, depth) : 0;
		return 0;
	}
	return from_outer_rels (q, f->left, depth) | from_outer_rels (q, f->right, depth) |
	       expr_outer_rels (f->quals, depth);
}

static RelSet
query_outer_rels (OxQuery *q, int depth)
{
	if (!q)
		return 0;
	RelSet s = 0;
	if (q->setop)
		return query_outer_rels (q->larg, depth) | query_outer_rels (q->rarg, depth);
	for (guint i = 0; i < q->from->len; i++)
		s |= from_outer_rels (q, q->from->pdata[i], depth);
	s |= expr_outer_rels (q->where, depth);
	s |= expr_outer_rels (q->having, depth);
	for (guint i = 0; i < q->targets->len; i++)
		s |= expr_outer_rels (((OxTarget *) q->targets->pdata[i])->expr, depth);
	if (q->group_by)
		for (guint i = 0; i < q->group_by->len; i++)
			s |= expr_outer_rels (q->group_by->pdata[i], depth);
	if (q->aggs)
		for (guint i = 0; i < q->aggs->len; i++) {
			OxAggref *ag = q->aggs->pdata[i];
			s |= expr_outer_rels (ag->arg, depth) | expr_outer_rels (ag->arg2, depth);
		}
	if (q->values)
		for (guint r = 0; r < q->values->len; r++) {
			GPtrArray *row = q->values->pdata[r];
			for (guint c = 0; c < row->len; c++)
				s |= expr_outer_rels (row->pdata[c], depth);
		}
	return s;
}

static RelSet
rels_of (OxExpr *e)
{
	RelSet s = 0;
	if (!e)
		return 0;
	if (e->kind == OX_E_VAR && e->levelsup == 0)
		s |= e->rt < 64 ? (RelSet) 1 << e->rt : ~(RelSet) 0;
	if (e->kind == OX_E_SUBLINK)
		s |= query_outer_rels (e->subquery, 1);
	for (int i = 0; i < e->nargs; i++)
		s |= rels_of (e->args[i]);
	return s;
}

typedef struct Conj {
	OxExpr *e;
	RelSet  rels;
	bool    used;
} Conj;

static void
split_and (Planner *p, OxExpr *e, GPtrArray *out)
{
	if (!e)
		return;
	if (e->kind == OX_E_CONST && e->cval.type == OX_T_BOOL && !e->cval.null && e->cval.v.b)
		return;  /* ON true, WHERE true: nothing to check */
	if (e->kind == OX_E_AND) {
		for (int i = 0; i < e->nargs; i++)
			split_and (p, e->args[i], out);
		return;
	}
	Conj *c = OX_NEW (p->a, Conj);
	c->e = e;
	c->rels = rels_of (e);
	g_ptr_array_add (out, c);
}

static OxExpr *
and_of (Planner *p, GPtrArray *exprs)
{
	if (!exprs || exprs->len == 0)
		return NULL;
	if (exprs->len == 1)
		return exprs->pdata[0];
	OxExpr *e = OX_NEW (p->a, OxExpr);
	e->kind = OX_E_AND;
	e->type = (OxType) { OX_T_BOOL, -1 };
	e->loc = -1;
	e->nargs = (int) exprs->len;
	e->args = OX_NEW_N (p->a, OxExpr *, e->nargs);
	memcpy (e->args, exprs->pdata, sizeof (OxExpr *) * exprs->len);
	return e;
}

/* ---- relations ------------------------------------------------------------------------ */

typedef struct Rel {
	OxOp   *op;
	Layout *L;
	RelSet  rels;
	double  rows;       /* estimate */
	int     rt;         /* base relation, or -1 */
	GPtrArray *filters; /* pending single-relation conjuncts (bound exprs) */
	bool    emit_ctid;
} Rel;

static bool
is_simple_col (OxExpr *e, int rt, int *col)
{
	while (e->kind == OX_E_CAST && e->args[0]->kind == OX_E_VAR && e->args[0]->type.id == e->type.id)
		e = e->args[0];
	if (e->kind == OX_E_VAR && e->levelsup == 0 && e->rt == rt) {
		*col = e->col;
		return true;
	}
	return false;
}

static bool
is_runtime_const (OxExpr *e)
{
	/* constants, params and outer references: fixed for one scan */
	if (e->kind == OX_E_CONST || e->kind == OX_E_PARAM)
		return true;
	if (e->kind == OX_E_VAR)
		return e->levelsup > 0;
	if (e->kind == OX_E_SUBLINK || e->kind == OX_E_AGG)
		return false;
	if (e->kind == OX_E_FUNC && e->fn->volatility == OX_VOLATILE)
		return false;
	if (e->kind == OX_E_UFUNC && e->routine->volatility == OX_VOLATILE)
		return false;
	for (int i = 0; i < e->nargs; i++)
		if (!is_runtime_const (e->args[i]))
			return false;
	return true;
}

/* Can a condition the index scan enforces through its bounds be left out
 * of the scan's filter?  ox_index_scan_next emits a row only through the
 * entry that matches its visible key, and only entries within the bounds
 * by the B+tree's order; for these types that order is exactly the one
 * of =, <, <=, >, >= (no collation, no NaN, no equal values that print
 * differently), so re-checking the condition on every row is wasted. */
static bool
bound_is_exact (OxType t)
{
	return ox_type_is_integer (t.id) || t.id == OX_T_DATE || t.id == OX_T_TIMESTAMP ||
	       t.id == OX_T_TIMESTAMPTZ || t.id == OX_T_BOOL;
}

/* Try to use an index for the filters on base relation rt.  Returns the
 * index scan operator or NULL.  *exact gets the conditions the scan's
 * bounds enforce exactly (left out of its filter), or NULL. */
static OxOp *
try_index_scan (Planner *p, int rt, OxRte *r, GPtrArray *filters, Layout *L, bool emit_ctid, GPtrArray **exact)
{
	*exact = NULL;
	if (!filters || filters->len == 0)
		return NULL;
	*exact = g_ptr_array_new ();
	ox_arena_on_free (p->a, (void (*) (void *)) g_ptr_array_unref, *exact);
	GPtrArray *ixs = ox_catalog_table_indexes (p->x->catalog, p->x->txn, r->table);
	ox_arena_on_free (p->a, (void (*) (void *)) g_ptr_array_unref, ixs);
	OxOp *best = NULL;
	int best_eq = -1;
	for (guint i = 0; i < ixs->len; i++) {
		OxIndex *ix = ixs->pdata[i];
		if (!ix->data || !ix->data->valid)
			continue;
		/* equality on a prefix of the key, then optionally a range on the next column */
		OxExpr *eqv[16], *eq_src[16];
		int neq = 0;
		OxExpr *lo = NULL, *hi = NULL, *lo_src = NULL, *hi_src = NULL;
		bool lo_incl = false, hi_incl = false;
		for (int k = 0; k < ix->nkeys && k < 16; k++) {
			int col = ix->colnos[k];
			OxExpr *found_eq = NULL, *found_src = NULL;
			for (guint f = 0; f < filters->len; f++) {
				OxExpr *c = filters->pdata[f];
				if (c->kind != OX_E_OP || c->nargs != 2)
					continue;
				int cc;
				OxExpr *other = NULL;
				const char *op = c->opname;
				bool flipped = false;
				if (is_simple_col (c->args[0], rt, &cc) && cc == col && is_runtime_const (c->args[1]))
					other = c->args[1];
				else if (is_simple_col (c->args[1], rt, &cc) && cc == col && is_runtime_const (c->args[0])) {
					other = c->args[0];
					flipped = true;
				}
				if (!other)
					continue;
				/* the comparison must be in the column's own type */
				if (other->type.id != r->coltypes[col].id)
					continue;
				if (!strcmp (op, "=")) {
					found_eq = other;
					found_src = c;
					break;
				}
				if (ix->desc[k])
					continue;
				bool less = (!strcmp (op, "<") || !strcmp (op, "<=")) != flipped;
				bool incl = !strcmp (op, "<=") || !strcmp (op, ">=");
				if (!strcmp (op, "<") || !strcmp (op, "<=") || !strcmp (op, ">") || !strcmp (op, ">=")) {
					if (less) {
						hi = other;
						hi_src = c;
						hi_incl = incl;
					} else {
						lo = other;
						lo_src = c;
						lo_incl = incl;
					}
				}
			}
			if (found_eq) {
				eq_src[neq] = found_src;
				eqv[neq++] = found_eq;
				lo = hi = lo_src = hi_src = NULL;
				continue;
			}
			break;
		}
		if (neq == 0 && !lo && !hi)
			continue;
		int score = neq * 2 + (lo ? 1 : 0) + (hi ? 1 : 0) + (ix->unique && neq == ix->nkeys ? 10 : 0);
		if (score <= best_eq)
			continue;
		best_eq = score;
		best = ox_op_indexscan_new (p->x, p->a, r->table, ix, r->alias, neq, lo != NULL, lo_incl,
		                            hi != NULL, hi_incl, emit_ctid);
		/* bounds are fixed against an empty layout (they are run-time constants) */
		OxIndexScanOp *s = (OxIndexScanOp *) best;
		for (int k = 0; k < s->neq; k++)
			s->eq[k] = fix (p, eqv[k], layout_empty (p));
		s->lo = fix (p, lo, layout_empty (p));
		s->hi = fix (p, hi, layout_empty (p));
		/* Exact conditions: equalities, an upper bound, and a lower bound
		 * when there is also an upper one (NULL keys sort last, so only a
		 * scan without an upper bound reaches them). */
		g_ptr_array_set_size (*exact, 0);
		for (int k = 0; k < neq; k++)
			if (bound_is_exact (r->coltypes[ix->colnos[k]]))
				g_ptr_array_add (*exact, eq_src[k]);
		if (neq < ix->nkeys && bound_is_exact (r->coltypes[ix->colnos[neq]])) {
			if (hi)
				g_ptr_array_add (*exact, hi_src);
			if (lo && hi)
				g_ptr_array_add (*exact, lo_src);
		}
	}
	(void) L;
	return best;
}

static Rel *
plan_base_rel (Planner *p, int rt, GPtrArray *filters, bool emit_ctid)
{
	OxRte *r = p->q->rtable->pdata[rt];
	Rel *rel = OX_NEW (p->a, Rel);
	rel->rt = rt;
	rel->rels = rt < 64 ? (RelSet) 1 << rt : ~(RelSet) 0;
	rel->emit_ctid = emit_ctid;
	if (r->kind == OX_RTE_TABLE) {
		int ncols = r->ncols + (emit_ctid ? 2 : 0);
		rel->L = layout_rte (p, rt, ncols);
		GPtrArray *exact = NULL;
		OxOp *op = try_index_scan (p, rt, r, filters, rel->L, emit_ctid, &exact);
		if (!op)
			op = ox_op_seqscan_new (p->x, p->a, r->table, r->alias, emit_ctid);
		OxExpr *qual = and_of (p, filters);
		if (op->kind == OX_OP_INDEXSCAN && exact && exact->len > 0) {
			GPtrArray *rest = g_ptr_array_new ();
			for (guint i = 0; i < filters->len; i++)
				if (!g_ptr_array_find (exact, filters->pdata[i], NULL))
					g_ptr_array_add (rest, filters->pdata[i]);
			qual = and_of (p, rest);
			g_ptr_array_unref (rest);
		}
		OxScanCommon *sc = (OxScanCommon *) op;
		/* a DML target's rows are read whole (modify_next) */
		if (p->need && !emit_ctid)
			sc->need = need_of (p, r);
		sc->filter = fix (p, qual, rel->L);
		sc->qual = ox_qual_compile (sc->filter, p->a);
		sc->qual_arena = ox_qual_uses_arena (sc->qual);
		sc->qual_batch = sc->qual && !sc->qual_arena && !emit_ctid && op->kind == OX_OP_SEQSCAN;
		if (sc->qual_batch)
			sc->cterms = ox_qual_col_terms (sc->qual, p->a, &sc->ncterms);
		if (p->x->txn->read_tables && r->table->data)
			g_hash_table_add (p->x->txn->read_tables, r->table->data);
		if (p->x->scanned && r->table->data)
			g_ptr_array_add (p->x->scanned, r->table->data);
		rel->op = op;
		double rows = r->table->data ? (double) r->table->data->live_rows : 1000;
		for (guint i = 0; filters && i < filters->len; i++)
			rows *= 0.2;
		if (op->kind == OX_OP_INDEXSCAN)
			rows = rows < 1 ? 1 : rows * 0.1;
		rel->rows = rows < 1 ? 1 : rows;
	} else if (r->kind == OX_RTE_FUNCTION) {
		OxExpr *call = r->funcexpr ? fix (p, r->funcexpr, layout_empty (p)) : NULL;
		OxOp *op = r->srf_builtin ? ox_op_funcscan_builtin_new (p->x, p->a, r->srf_builtin, call, r->ncols, r->alias)
		                          : ox_op_funcscan_new (p->x, p->a, call, r->ncols, r->alias);
		rel->L = layout_rte (p, rt, r->ncols);
		if (filters && filters->len)
			op = ox_op_filter_new (p->x, p->a, op, fix (p, and_of (p, filters), rel->L));
		rel->op = op;
		rel->rows = 1000;
	} else {
		/* derived table / view / CTE: its VARs at level >= 1 refer to our
		 * enclosing levels unchanged (a FROM subquery does not see us);
		 * a LATERAL one first in its join sees nothing of ours either
		 * (plan_lateral plans the others) */
		OxSubPlan *sp = plan_sublink (p, r->subquery, layout_empty (p), r->lateral ? 1 : 0);
		OxOp *op = ox_op_subquery_new (p->x, p->a, sp, r->ncols, r->alias, r->is_view ? r->relname : NULL);
		rel->L = layout_rte (p, rt, r->ncols);
		if (filters && filters->len)
			op = ox_op_filter_new (p->x, p->a, op, fix (p, and_of (p, filters), rel->L));
		rel->op = op;
		rel->rows = 100;
	}
	return rel;
}

static OxExpr *
eq_side_ok (OxExpr *c, RelSet a, RelSet b, OxExpr **left, OxExpr **right)
{
	if (c->kind != OX_E_OP || c->nargs != 2 || strcmp (c->opname, "="))
		return NULL;
	bool hs = false;
	RelSet l = expr_rels (c->args[0], &hs), r = expr_rels (c->args[1], &hs);
	if (hs || l == 0 || r == 0)
		return NULL;
	if ((l & ~a) == 0 && (r & ~b) == 0) {
		*left = c->args[0];
		*right = c->args[1];
		return c;
	}
	if ((l & ~b) == 0 && (r & ~a) == 0) {
		*left = c->args[1];
		*right = c->args[0];
		return c;
	}
	return NULL;
}

/* Join two relations with the given conjuncts (all over l ∪ r). */
static Rel *
join_rels (Planner *p, Rel *l, Rel *r, OxJoinType jt, GPtrArray *conjs)
{
	/* The right side is the one a hash join builds its table from (and a
	 * nested loop materializes): for an inner join, make it the smaller.
	 * bench join (1,000,000 x 10,000 after the filter) builds on the
	 * 10,000 this way. */
	if (jt == OX_JOIN_INNER && r->rows > l->rows) {
		Rel *t = l;
		l = r;
		r = t;
	}
	Rel *j = OX_NEW (p->a, Rel);
	j->rels = l->rels | r->rels;
	j->rt = -1;
	j->L = layout_concat (p, l->L, r->L);
	GPtrArray *lk = parr (p), *rk = parr (p), *rest = parr (p);
	for (guint i = 0; conjs && i < conjs->len; i++) {
		OxExpr *c = conjs->pdata[i], *le, *re;
		if (eq_side_ok (c, l->rels, r->rels, &le, &re) && le->type.id == re->type.id) {
			g_ptr_array_add (lk, fix (p, le, l->L));
			g_ptr_array_add (rk, fix (p, re, r->L));
		} else
			g_ptr_array_add (rest, c);
	}
	OxExpr *residual = fix (p, and_of (p, rest), j->L);
	if (lk->len > 0) {
		j->op = ox_op_hashjoin_new (p->x, p->a, l->op, r->op, jt, (OxExpr **) lk->pdata,
		                            (OxExpr **) rk->pdata, (int) lk->len, residual, l->L->n, r->L->n);
		j->rows = l->rows > r->rows ? l->rows : r->rows;
	} else {
		j->op = ox_op_nestloop_new (p->x, p->a, l->op, ox_op_material_new (p->x, p->a, r->op), jt, residual,
		                            l->L->n, r->L->n);
		j->rows = l->rows * r->rows;
		if (residual)
			j->rows *= 0.2;
	}
	return j;
}

static Rel *plan_from_tree (Planner *p, OxFromNode *f, GPtrArray *conjs, int ctid_rt);

/* Gather the units of an inner-join tree, moving its ON conditions into conjs. */
static bool
lateral_join (Planner *p, OxFromNode *f)
{
	return f->is_join && (f->jointype == OX_JOIN_INNER || f->jointype == OX_JOIN_LEFT) && !f->right->is_join &&
	       ((OxRte *) p->q->rtable->pdata[f->right->rt])->lateral;
}

/* A join whose right side is a LATERAL subquery: a nested loop that runs
 * the subquery for each row of the left side, with its references to our
 * level bound to that row (plan_sublink with the left layout). */
static Rel *
plan_lateral (Planner *p, OxFromNode *f, int ctid_rt)
{
	GPtrArray *lc = parr (p), *rest = parr (p);
	Rel *l = plan_from_tree (p, f->left, lc, ctid_rt);
	for (guint i = 0; i < lc->len; i++) {
		Conj *c = lc->pdata[i];
		if (!c->used)
			g_ptr_array_add (rest, c->e);
	}
	if (rest->len)
		l->op = ox_op_filter_new (p->x, p->a, l->op, fix (p, and_of (p, rest), l->L));
	int rt = f->right->rt;
	OxRte *r = p->q->rtable->pdata[rt];
	Rel *rr = OX_NEW (p->a, Rel);
	rr->rt = rt;
	rr->rels = rt < 64 ? (RelSet) 1 << rt : ~(RelSet) 0;
	rr->L = layout_rte (p, rt, r->ncols);
	OxSubPlan *sp = plan_sublink (p, r->subquery, l->L, 1);
	OxOp *rop = ox_op_subquery_new (p->x, p->a, sp, r->ncols, r->alias, NULL);
	Rel *j = OX_NEW (p->a, Rel);
	j->rels = l->rels | rr->rels;
	j->rt = -1;
	j->L = layout_concat (p, l->L, rr->L);
	j->op = ox_op_lateral_new (p->x, p->a, l->op, rop, f->jointype, fix (p, f->quals, j->L), l->L->n, rr->L->n);
	j->rows = l->rows * 10;
	return j;
}

static void
flatten_inner (Planner *p, OxFromNode *f, GPtrArray *units, GPtrArray *conjs)
{
	if (f->is_join && f->jointype == OX_JOIN_INNER && !lateral_join (p, f)) {
		flatten_inner (p, f->left, units, conjs);
		flatten_inner (p, f->right, units, conjs);
		split_and (p, f->quals, conjs);
		return;
	}
	g_ptr_array_add (units, f);
}

static RelSet
from_rels (OxFromNode *f)
{
	if (!f->is_join)
		return f->rt < 64 ? (RelSet) 1 << f->rt : ~(RelSet) 0;
	return from_rels (f->left) | from_rels (f->right);
}

/* Plan a set of units joined by inner joins, consuming the conjuncts whose
 * relations are all inside. */
static Rel *
plan_pool (Planner *p, GPtrArray *units, GPtrArray *conjs, int ctid_rt)
{
	int n = (int) units->len;
	Rel **rels = OX_NEW_N (p->a, Rel *, n);
	for (int i = 0; i < n; i++) {
		OxFromNode *f = units->pdata[i];
		RelSet rs = from_rels (f);
		GPtrArray *mine = parr (p);
		for (guint k = 0; k < conjs->len; k++) {
			Conj *c = conjs->pdata[k];
			if (!c->used && c->rels != 0 && (c->rels & ~rs) == 0) {
				g_ptr_array_add (mine, c->e);
				c->used = true;
			}
		}
		if (!f->is_join)
			rels[i] = plan_base_rel (p, f->rt, mine, f->rt == ctid_rt);
		else {
			GPtrArray *sub = parr (p);
			rels[i] = plan_from_tree (p, f, sub, ctid_rt);
			if (mine->len)
				rels[i]->op = ox_op_filter_new (p->x, p->a, rels[i]->op, fix (p, and_of (p, mine), rels[i]->L));
		}
	}
	/* greedy join order */
	bool *done = OX_NEW_N (p->a, bool, n);
	int start = 0;
	for (int i = 1; i < n; i++)
		if (rels[i]->rows < rels[start]->rows)
			start = i;
	Rel *cur = rels[start];
	done[start] = true;
	for (int step = 1; step < n; step++) {
		int pick = -1;
		bool pick_conn = false;
		for (int i = 0; i < n; i++) {
			if (done[i])
				continue;
			bool conn = false;
			for (guint k = 0; k < conjs->len && !conn; k++) {
				Conj *c = conjs->pdata[k];
				OxExpr *le, *re;
				if (!c->used && eq_side_ok (c->e, cur->rels, rels[i]->rels, &le, &re))
					conn = true;
			}
			if (pick < 0 || (conn && !pick_conn) || (conn == pick_conn && rels[i]->rows < rels[pick]->rows)) {
				pick = i;
				pick_conn = conn;
			}
		}
		done[pick] = true;
		RelSet all = cur->rels | rels[pick]->rels;
		GPtrArray *jc = parr (p);
		for (guint k = 0; k < conjs->len; k++) {
			Conj *c = conjs->pdata[k];
			if (!c->used && c->rels != 0 && (c->rels & ~all) == 0) {
				g_ptr_array_add (jc, c->e);
				c->used = true;
			}
		}
		cur = join_rels (p, cur, rels[pick], OX_JOIN_INNER, jc);
	}
	return cur;
}

static Rel *
plan_from_tree (Planner *p, OxFromNode *f, GPtrArray *conjs, int ctid_rt)
{
	if (lateral_join (p, f))
		return plan_lateral (p, f, ctid_rt);
	if (!f->is_join || f->jointype == OX_JOIN_INNER) {
		GPtrArray *units = parr (p);
		flatten_inner (p, f, units, conjs);
		Rel *r = plan_pool (p, units, conjs, ctid_rt);
		return r;
	}
	/* outer join: both sides planned separately; ON conditions stay here */
	GPtrArray *lc = parr (p), *rc = parr (p);
	Rel *l = plan_from_tree (p, f->left, lc, ctid_rt);
	Rel *r = plan_from_tree (p, f->right, rc, ctid_rt);
	/* leftover conjuncts of the sides (those referencing outer levels only) */
	GPtrArray *onq = parr (p);
	GPtrArray *split = parr (p);
	split_and (p, f->quals, split);
	for (guint i = 0; i < split->len; i++)
		g_ptr_array_add (onq, ((Conj *) split->pdata[i])->e);
	OxJoinType jt = f->jointype;
	Rel *j;
	if (jt == OX_JOIN_RIGHT) {
		/* a RIGHT join is a LEFT join with the sides swapped; the layout
		 * order changes, which fix() handles by (rt, col) lookup */
		j = join_rels (p, r, l, OX_JOIN_LEFT, onq);
	} else
		j = join_rels (p, l, r, jt, onq);
	for (GPtrArray *side = lc; side; side = side == lc ? rc : NULL) {
		GPtrArray *left = parr (p);
		for (guint i = 0; i < side->len; i++) {
			Conj *c = side->pdata[i];
			if (!c->used)
				g_ptr_array_add (left, c->e);
		}
		if (left->len)
			j->op = ox_op_filter_new (p->x, p->a, j->op, fix (p, and_of (p, left), j->L));
	}
	return j;
}

/* ---- queries --------------------------------------------------------------------------- */

static OxOp *
plan_limit (Planner *p, OxQuery *q, OxOp *op)
{
	if (!q->limit && !q->offset)
		return op;
	/* A Sort under a LIMIT of constants keeps only the rows it will hand
	 * out (top-N): bench order_by_limit, 1,000,000 rows, LIMIT 100. */
	if (op->kind == OX_OP_SORT && q->limit && q->limit->kind == OX_E_CONST && !q->limit->cval.null &&
	    (!q->offset || (q->offset->kind == OX_E_CONST && !q->offset->cval.null))) {
		int64_t n = q->limit->cval.v.i, off = q->offset ? q->offset->cval.v.i : 0;
		if (n >= 0 && off >= 0 && n <= 100000 && off <= 100000)
			ox_op_sort_set_bound (op, n + off);
	}
	return ox_op_limit_new (p->x, p->a, op, fix (p, q->limit, layout_empty (p)),
	                        fix (p, q->offset, layout_empty (p)));
}

static int
visible_count (OxQuery *q)
{
	int n = 0;
	for (guint i = 0; i < q->targets->len; i++)
		if (!((OxTarget *) q->targets->pdata[i])->resjunk)
			n++;
	return n;
}

static OxOp *
plan_sort (Planner *p, OxQuery *q, OxOp *op)
{
	if (!q->sort || q->sort->len == 0)
		return op;
	int n = (int) q->sort->len;
	int *cols = OX_NEW_N (p->a, int, n);
	bool *desc = OX_NEW_N (p->a, bool, n), *nf = OX_NEW_N (p->a, bool, n);
	for (int i = 0; i < n; i++) {
		OxSortKey *k = q->sort->pdata[i];
		cols[i] = k->target;
		desc[i] = k->desc;
		nf[i] = k->nulls_first;
	}
	return ox_op_sort_new (p->x, p->a, op, cols, desc, nf, n, q);
}

static OxOp *
strip_junk (Planner *p, OxQuery *q, OxOp *op)
{
	int nv = visible_count (q);
	if (nv == (int) q->targets->len)
		return op;
	Layout *L = layout_new (p, (int) q->targets->len);
	for (int i = 0; i < L->n; i++) {
		L->e[i].rt = -2;
		L->e[i].col = i;
		L->e[i].aggno = -1;
	}
	OxExpr **exprs = OX_NEW_N (p->a, OxExpr *, nv);
	int j = 0;
	for (guint i = 0; i < q->targets->len; i++) {
		OxTarget *t = q->targets->pdata[i];
		if (!t->resjunk) {
			exprs[j] = mk_slot (p, (int) i, t->expr->type, -1);
			exprs[j++]->dname = q->setop || q->values ? t->name : ox_expr_deparse (p->a, t->expr, q);
		}
	}
	return ox_op_project_new (p->x, p->a, op, exprs, nv, true);
}

static OxOp *
plan_setop_query (Planner *p, OxQuery *q)
{
	OxSubPlan *l = plan_sublink (p, q->larg, layout_empty (p), 0);
	OxSubPlan *r = plan_sublink (p, q->rarg, layout_empty (p), 0);
	int ncols = visible_count (q);
	OxOp *op;
	if (q->setop == OX_SETOP_UNION) {
		op = ox_op_append_new (p->x, p->a, ox_op_subquery_new (p->x, p->a, l, ncols, NULL, NULL),
		                       ox_op_subquery_new (p->x, p->a, r, ncols, NULL, NULL), ncols);
		if (!q->setop_all)
			op = ox_op_distinct_new (p->x, p->a, op, ncols);
	} else {
		op = ox_op_setop_new (p->x, p->a, ox_op_subquery_new (p->x, p->a, l, ncols, NULL, NULL),
		                      ox_op_subquery_new (p->x, p->a, r, ncols, NULL, NULL), q->setop, q->setop_all, ncols);
	}
	op = plan_sort (p, q, op);
	return plan_limit (p, q, op);
}

static OxOp *
plan_values_query (Planner *p, OxQuery *q)
{
	int nrows = (int) q->values->len;
	int ncols = visible_count (q);
	OxExpr ***rows = OX_NEW_N (p->a, OxExpr **, nrows);
	Layout *E = layout_empty (p);
	for (int r = 0; r < nrows; r++) {
		GPtrArray *row = q->values->pdata[r];
		rows[r] = OX_NEW_N (p->a, OxExpr *, ncols);
		for (int c = 0; c < ncols; c++) {
			OxExpr *e = row->pdata[c];
			OxTarget *t = q->targets->pdata[c];
			/* a column whose rows were all NULL/unknown became text */
			if (e->type.id == OX_T_UNKNOWN && t->expr->type.id != OX_T_UNKNOWN) {
				OxValue v = ox_null ((OxTypeId) t->expr->type.id);
				if (e->kind == OX_E_CONST && !e->cval.null)
					v = ox_value_cast (p->a, &p->x->cx, &e->cval, t->expr->type, false);
				OxExpr *c2 = OX_NEW (p->a, OxExpr);
				c2->kind = OX_E_CONST;
				c2->cval = v;
				c2->type = t->expr->type;
				e = c2;
			}
			rows[r][c] = fix (p, e, E);
		}
	}
	OxOp *op = ox_op_values_new (p->x, p->a, rows, nrows, ncols);
	op = plan_sort (p, q, op);
	return plan_limit (p, q, op);
}

static OxOp *
plan_select (Planner *p, OxQuery *q, int ctid_rt, Layout **out_layout)
{
	GPtrArray *conjs = parr (p);
	split_and (p, q->where, conjs);
	Rel *rel;
	if (q->from->len == 0) {
		rel = OX_NEW (p->a, Rel);
		rel->op = ox_op_result_new (p->x, p->a);
		rel->L = layout_empty (p);
		rel->rows = 1;
	} else {
		GPtrArray *units = parr (p);
		for (guint i = 0; i < q->from->len; i++)
			flatten_inner (p, q->from->pdata[i], units, conjs);
		rel = plan_pool (p, units, conjs, ctid_rt);
	}
	/* conjuncts over no relation of ours (constants, outer refs) or left over */
	GPtrArray *rest = parr (p);
	for (guint i = 0; i < conjs->len; i++) {
		Conj *c = conjs->pdata[i];
		if (!c->used)
			g_ptr_array_add (rest, c->e);
	}
	OxOp *op = rel->op;
	Layout *L = rel->L;
	if (rest->len)
		op = ox_op_filter_new (p->x, p->a, op, fix (p, and_of (p, rest), L));
	if (out_layout)
		*out_layout = L;
	return op;
}

/* PostgreSQL lets a query grouped by a table's primary key use any other
 * column of that table (they are functionally dependent on the key).  We
 * get the same by grouping by those columns too: it cannot split a group. */
static void
add_pk_dependents (Planner *p, OxQuery *q)
{
	guint ng = q->group_by->len;
	for (guint r = 0; r < q->rtable->len; r++) {
		OxRte *rte = q->rtable->pdata[r];
		if (rte->kind != OX_RTE_TABLE || !rte->table)
			continue;
		GPtrArray *ixs = ox_catalog_table_indexes (p->x->catalog, p->x->txn, rte->table);
		ox_arena_on_free (p->a, (void (*) (void *)) g_ptr_array_unref, ixs);
		OxIndex *pk = NULL;
		for (guint i = 0; i < ixs->len; i++)
			if (((OxIndex *) ixs->pdata[i])->primary)
				pk = ixs->pdata[i];
		if (!pk)
			continue;
		bool covered = true;
		for (int k = 0; k < pk->nkeys && covered; k++) {
			bool found = false;
			for (guint g = 0; g < ng && !found; g++) {
				OxExpr *e = q->group_by->pdata[g];
				found = e->kind == OX_E_VAR && e->levelsup == 0 && e->rt == (int) r && e->col == pk->colnos[k];
			}
			covered = found;
		}
		if (!covered)
			continue;
		for (int c = 0; c < rte->ncols; c++) {
			bool have = false;
			for (guint g = 0; g < q->group_by->len && !have; g++) {
				OxExpr *e = q->group_by->pdata[g];
				have = e->kind == OX_E_VAR && e->levelsup == 0 && e->rt == (int) r && e->col == c;
			}
			if (have)
				continue;
			OxExpr *v = OX_NEW (p->a, OxExpr);
			v->kind = OX_E_VAR;
			v->rt = (int) r;
			v->col = c;
			v->type = rte->coltypes[c];
			v->loc = -1;
			g_ptr_array_add (q->group_by, v);
		}
	}
}

static OxOp *
plan_query (Planner *p, OxQuery *q)
{
	if (q->setop)
		return plan_setop_query (p, q);
	if (q->values)
		return plan_values_query (p, q);
	Layout *L;
	OxOp *op = plan_select (p, q, -1, &L);
	if (q->has_aggs && q->group_by)
		add_pk_dependents (p, q);
	if (q->has_aggs) {
		int ng = q->group_by ? (int) q->group_by->len : 0;
		int na = q->aggs ? (int) q->aggs->len : 0;
		OxExpr **keys = OX_NEW_N (p->a, OxExpr *, ng > 0 ? ng : 1);
		Layout *AL = layout_new (p, ng + na);
		AL->is_agg = true;
		for (int i = 0; i < ng; i++) {
			OxExpr *g = q->group_by->pdata[i];
			keys[i] = fix (p, g, L);
			AL->e[i].rt = -1;
			AL->e[i].expr = g;
			AL->e[i].src_layout = L;
			AL->e[i].aggno = -1;
		}
		OxAggref **aggs = OX_NEW_N (p->a, OxAggref *, na > 0 ? na : 1);
		for (int i = 0; i < na; i++) {
			OxAggref *ag = q->aggs->pdata[i];
			OxAggref *c = OX_NEW (p->a, OxAggref);
			*c = *ag;
			c->arg = fix (p, ag->arg, L);
			c->arg2 = fix (p, ag->arg2, L);
			c->filter = fix (p, ag->filter, L);
			if (ag->norder) {
				c->order = OX_NEW_N (p->a, OxExpr *, ag->norder);
				for (int k = 0; k < ag->norder; k++)
					c->order[k] = fix (p, ag->order[k], L);
			}
			aggs[i] = c;
			AL->e[ng + i].rt = -1;
			AL->e[ng + i].aggno = i;
		}
		op = ox_op_agg_new (p->x, p->a, op, keys, ng, aggs, na);
		L = AL;
		if (q->having)
			op = ox_op_filter_new (p->x, p->a, op, fix (p, q->having, L));
	}
	int nt = (int) q->targets->len;
	OxExpr **exprs = OX_NEW_N (p->a, OxExpr *, nt > 0 ? nt : 1);
	for (int i = 0; i < nt; i++)
		exprs[i] = fix (p, ((OxTarget *) q->targets->pdata[i])->expr, L);
	op = ox_op_project_new (p->x, p->a, op, exprs, nt, false);
	if (q->distinct)
		op = ox_op_distinct_new (p->x, p->a, op, nt);
	op = plan_sort (p, q, op);
	op = plan_limit (p, q, op);
	op = strip_junk (p, q, op);
	return op;
}

static OxOp *
plan_dml (Planner *p, OxQuery *q)
{
	OxTable *t = q->result_table;
	OxExpr **checks = OX_NEW_N (p->a, OxExpr *, t->nchecks > 0 ? t->nchecks : 1);
	Layout *TL = layout_rte (p, q->result_rt, t->ncols);
	for (int i = 0; i < t->nchecks; i++) {
		OxExpr *e = ox_bind_table_expr (p->x, p->x->session, t, t->checks[i].expr, p->a);
		/* table exprs are bound with the table as rt 0 */
		Layout *L0 = layout_rte (p, 0, t->ncols);
		checks[i] = fix (p, e, L0);
	}
	OxExpr **ret = NULL;
	int nret = q->returning ? (int) q->returning->len : 0;
	if (nret && q->cmd == OX_CMD_INSERT) {
		ret = OX_NEW_N (p->a, OxExpr *, nret);
		for (int i = 0; i < nret; i++)
			ret[i] = fix (p, ((OxTarget *) q->returning->pdata[i])->expr, TL);
	}
	if (q->cmd == OX_CMD_INSERT) {
		OxOp *src = NULL;
		if (q->source) {
			Planner cp = *p;
			cp.q = q->source;
			src = plan_query (&cp, q->source);
		}
		OxExpr **defaults = OX_NEW_N (p->a, OxExpr *, t->ncols);
		for (int c = 0; c < t->ncols; c++)
			defaults[c] = fix (p, q->set_exprs[c], layout_empty (p));
		OxOp *ins = ox_op_insert_new (p->x, p->a, t, src, q->insert_cols, q->ninsert_cols, defaults, checks, ret, nret);
		ox_op_modify_set_triggers (ins, ox_triggers_for (p->x, t, OX_TRIG_INSERT, p->a), NULL);
		return ins;
	}
	Layout *L;
	OxOp *src = plan_select (p, q, q->result_rt, &L);
	/* UPDATE/DELETE RETURNING may name the FROM/USING tables too: it is
	 * evaluated over the input row, with the result table's columns
	 * replaced by the new values (see modify_next) */
	if (nret) {
		ret = OX_NEW_N (p->a, OxExpr *, nret);
		for (int i = 0; i < nret; i++)
			ret[i] = fix (p, ((OxTarget *) q->returning->pdata[i])->expr, L);
	}
	/* positions of the result table's columns and ctid in the input row */
	int *colpos = OX_NEW_N (p->a, int, t->ncols + 2);
	for (int c = 0; c < t->ncols + 2; c++) {
		colpos[c] = -1;
		for (int i = 0; i < L->n; i++)
			if (L->e[i].rt == q->result_rt && L->e[i].col == c)
				colpos[c] = i;
	}
	OxExpr **sets = NULL;
	OxExpr *recheck = NULL;
	bool single = q->from->len == 1;
	if (q->cmd == OX_CMD_UPDATE) {
		sets = OX_NEW_N (p->a, OxExpr *, t->ncols);
		for (int c = 0; c < t->ncols; c++)
			sets[c] = fix (p, q->set_exprs[c], L);
	}
	if (single && q->where) {
		/* READ COMMITTED re-check of a row changed under us: WHERE over the
		 * table row alone (the input row is then the table row + ctid). */
		recheck = fix (p, q->where, layout_rte (p, q->result_rt, t->ncols + 2));
	}
	OxExpr **sets_single = NULL;
	if (single && sets) {
		sets_single = OX_NEW_N (p->a, OxExpr *, t->ncols);
		Layout *SL = layout_rte (p, q->result_rt, t->ncols + 2);
		for (int c = 0; c < t->ncols; c++)
			sets_single[c] = fix (p, q->set_exprs[c], SL);
	}
	OxOp *mod = ox_op_modify_new (p->x, p->a, q->cmd == OX_CMD_UPDATE ? OX_OP_UPDATE : OX_OP_DELETE, t, src, colpos,
	                              sets, checks, ret, nret, single, recheck, sets_single);
	OxTrigSet *ts = ox_triggers_for (p->x, t, q->cmd == OX_CMD_UPDATE ? OX_TRIG_UPDATE : OX_TRIG_DELETE, p->a);
	bool *set_cols = NULL;
	if (ts && q->cmd == OX_CMD_UPDATE) {
		set_cols = OX_NEW_N (p->a, bool, t->ncols);
		for (int c = 0; c < t->ncols; c++)
			set_cols[c] = q->set_exprs[c] != NULL;
	}
	ox_op_modify_set_triggers (mod, ts, set_cols);
	return mod;
}

OxOp *
ox_plan_query (OxExec *x, OxQuery *q, OxArena *a)
{
	static _Thread_local int counter;
	counter = 0;
	GPtrArray *outer = g_ptr_array_new ();
	ox_arena_on_free (a, (void (*) (void *)) g_ptr_array_unref, outer);
	GHashTable *need = g_hash_table_new (NULL, NULL);
	ox_arena_on_free (a, (void (*) (void *)) g_hash_table_unref, need);
	Planner p = { .x = x, .a = a, .q = q, .outer = outer, .shift = 1,
	              .subplan_counter = &counter, .need = need };
	OxOp *op;
	if (q->cmd == OX_CMD_SELECT)
		op = plan_query (&p, q);
	else
		op = plan_dml (&p, q);
	if (p.outer->len)
		OX_INTERNAL ("top-level query references an outer query");
	return op;
}

/* An expression bound by ox_bind_table_expr, made evaluable over one row
 * of table t (ALTER TABLE's USING, defaults and checks over rows it
 * rewrites: engine/alter.c). */
OxExpr *
ox_plan_table_expr (OxExec *x, OxTable *t, OxExpr *e, OxArena *a)
{
	static _Thread_local int counter;
	counter = 0;
	GPtrArray *outer = g_ptr_array_new ();
	ox_arena_on_free (a, (void (*) (void *)) g_ptr_array_unref, outer);
	OxQuery *q = OX_NEW (a, OxQuery);
	/* rt 0 is the table, as ox_bind_table_expr binds it (for EXPLAIN names) */
	OxRte *r = OX_NEW (a, OxRte);
	r->relname = t->obj.name;
	r->ncols = t->ncols;
	r->colnames = OX_NEW_N (a, const char *, t->ncols + 1);
	for (int i = 0; i < t->ncols; i++)
		r->colnames[i] = t->cols[i].name;
	q->rtable = g_ptr_array_new ();
	ox_arena_on_free (a, (void (*) (void *)) g_ptr_array_unref, q->rtable);
	g_ptr_array_add (q->rtable, r);
	Planner p = { .x = x, .a = a, .q = q, .outer = outer, .shift = 1, .subplan_counter = &counter };
	return fix (&p, e, layout_rte (&p, 0, t->ncols));
}

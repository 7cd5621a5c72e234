/*
 * exec.c — the physical operators: scans, joins, aggregation, sorting,
 * set operations and the DML operators, plus EXPLAIN's rendering of them.
 *
 * Every operator is pulled one row at a time (Volcano): open() prepares,
 * next() returns the next row or NULL at the end, rescan() starts over
 * (correlated subqueries rerun their plan per outer row), close() frees.
 *
 * NOTE: row lifetime — a row from next() is valid until the following
 * next() on the same operator.  Operators that keep rows across calls
 * (hash join build side, sort, aggregation, materialize, distinct, set
 * operations) deep-copy them into their own arena.
 * NOTE: DML operators wait for other transactions (write-write conflicts,
 * unique checks) without holding any latch; see storage/table.h.
 */
#define _GNU_SOURCE 1
#include "exec.h"
#include "functions.h"
#include "pl/pl.h"
#include "pl/trigger.h"
#include "pl/event-trigger.h"
#include "base/error.h"
#include "base/numeric.h"
#include "session.h"

#include <stdlib.h>
#include <string.h>
#include <math.h>

#define RETURN_ROW(op, r)                       \
	do {                                    \
		OxValue *r__ = (r);             \
		if (r__)                        \
			(op)->rows_out++;       \
		return r__;                     \
	} while (0)

static void noop_close (OxOp *op, OxExec *x) { }

/* ox_eval, with an input column or a constant read in place: grouping
 * keys and aggregate arguments are mostly plain columns. */
static inline OxValue
eval_leaf (OxExpr *e, OxExec *x, const OxValue *row, OxArena *a)
{
	if (e->kind == OX_E_SLOT)
		return row[e->slot];
	if (e->kind == OX_E_CONST)
		return e->cval;
	return ox_eval (e, x, row, a);
}

static OxValue *
copy_row (OxArena *a, const OxValue *row, int n)
{
	OxValue *r = ox_arena_alloc (a, sizeof (OxValue) * (size_t) (n > 0 ? n : 1));
	for (int i = 0; i < n; i++)
		r[i] = ox_value_copy (a, &row[i]);
	return r;
}

/* ---- row hash table ------------------------------------------------------------------- */

typedef struct HEntry {
	struct HEntry *next;      /* bucket chain */
	struct HEntry *order;     /* insertion order */
	uint32_t       hash;
	OxValue       *key;       /* key values (nkeys) */
	OxValue       *row;       /* payload row (hash join) */
	bool           matched;
	int64_t        cnt[2];    /* set operations: counts per side */
	void          *state;     /* aggregation: per-group state */
} HEntry;

typedef struct HTable {
	HEntry **b;
	size_t   nb, n;
	int      nkeys;
	HEntry  *first, *last;
} HTable;

static void
ht_init (HTable *h, int nkeys)
{
	memset (h, 0, sizeof *h);
	h->nb = 64;
	h->b = g_new0 (HEntry *, h->nb);
	h->nkeys = nkeys;
}

static void
ht_free (HTable *h)
{
	g_free (h->b);
	memset (h, 0, sizeof *h);
}

static void
ht_grow (HTable *h)
{
	size_t nb = h->nb * 2;
	HEntry **b = g_new0 (HEntry *, nb);
	for (HEntry *e = h->first; e; e = e->order) {
		e->next = b[e->hash & (nb - 1)];
		b[e->hash & (nb - 1)] = e;
	}
	g_free (h->b);
	h->b = b;
	h->nb = nb;
}

static HEntry *
ht_find (HTable *h, uint32_t hash, const OxValue *key)
{
	for (HEntry *e = h->b[hash & (h->nb - 1)]; e; e = e->next)
		if (e->hash == hash && ox_row_equal (e->key, key, NULL, h->nkeys))
			return e;
	return NULL;
}

static HEntry *
ht_insert (HTable *h, OxArena *a, uint32_t hash, OxValue *key)
{
	if (h->n >= h->nb)
		ht_grow (h);
	HEntry *e = OX_NEW (a, HEntry);
	e->hash = hash;
	e->key = key;
	e->next = h->b[hash & (h->nb - 1)];
	h->b[hash & (h->nb - 1)] = e;
	if (h->last)
		h->last->order = e;
	else
		h->first = e;
	h->last = e;
	h->n++;
	return e;
}

/* ---- scans ------------------------------------------------------------------------------ */

#define SCAN_RING 16  /* rows decoded a row at a time are kept this long */

static void
scan_open (OxOp *op, OxExec *x)
{
	OxScanCommon *s = (OxScanCommon *) op;
	s->pos = 0;
	s->nbuf = s->ibuf = 0;
	s->done = false;
	op->loops++;
	if (s->table->data && !s->rowbuf) {
		/* columns a scan does not decode stay NULL in every row: the rows
		 * are copied whole by some operators (materialize, sort, hash
		 * join), so none may hold a stale pointer.  A batch-filtered scan
		 * decodes its whole batch before filtering; the others a row at a
		 * time into a ring of SCAN_RING rows (a plan made for one run
		 * would otherwise fill 256 rows it never uses) */
		const OxRowFormat *f = s->table->data->fmt;
		int n = s->table->ncols;
		s->nrowbuf = s->qual_batch ? 256 : SCAN_RING;
		s->rowbuf = g_new (OxValue, (size_t) s->nrowbuf * (size_t) s->roww);
		for (int r = 0; r < s->nrowbuf; r++)
			for (int c = 0; c < s->roww; c++)
				s->rowbuf[(size_t) r * (size_t) s->roww + (size_t) c] =
					ox_null (c < n ? (OxTypeId) f->decl[c] : OX_T_INT8);
		s->steps = g_new (OxColStep, n + 1);
		s->nsteps = -1;
	}
	if (s->rowbuf && (s->nsteps < 0 || s->steps_need != s->need)) {
		/* the debugger may have cleared need since (exec-debug.c) */
		int n = s->table->ncols, k = 0;
		int *cols = g_newa (int, n + 1);
		for (int c = 0; c < n; c++)
			if (!s->need || s->need[c])
				cols[k++] = c;
		ox_tuple_steps (s->table->data->fmt, cols, k, s->steps);
		s->nsteps = k;
		s->steps_need = s->need;
	}
	/* the scratch arena only for a filter that evaluates through ox_eval
	 * (an index scan whose bounds do all the work has none) */
	if (!s->tmp && s->filter && (!s->qual || s->qual_arena))
		s->tmp = ox_arena_new ();
}

static void
scan_close (OxOp *op, OxExec *x)
{
	OxScanCommon *s = (OxScanCommon *) op;
	g_clear_pointer (&s->tmp, ox_arena_free);
}

/* Free a scan's row buffer with the plan's arena. */
static void
scan_free_rowbuf (void *p)
{
	OxScanCommon *s = p;
	g_clear_pointer (&s->rowbuf, g_free);
	g_clear_pointer (&s->steps, g_free);
}

/* Decode buffered version i into a row of rowbuf (the tuple's packed
 * form, storage/tuple.h), with the ctid columns when asked.  A row stays
 * valid until the scan decodes into the same position again (SCAN_RING
 * rows later at the least: operators keep a child's row only until they
 * ask for the next), and its strings as long as the version. */
static inline OxValue *
scan_emit (OxScanCommon *s, int i)
{
	OxValue *row = s->rowbuf + (size_t) (i & (s->nrowbuf - 1)) * (size_t) s->roww;  /* 256 or 16 */
	OxRow t = s->buf[i];
	ox_tuple_decode_steps (s->table->data->fmt, t, row, s->steps, s->nsteps);
	if (s->emit_ctid) {
		int n = s->table->ncols;
		row[n] = ox_int (OX_T_INT8, (int64_t) s->rowids[i]);
		row[n + 1] = ox_int (OX_T_INT8, (int64_t) (intptr_t) t);
	}
	return row;
}

/* The next buffered version as a row, or NULL when the scan's filter
 * rejects it (the caller moves on to the next one). */
static inline OxValue *
scan_take (OxScanCommon *s, OxExec *x)
{
	int i = s->ibuf++;
	if (s->qual_batch)
		return s->rows[i];  /* decoded and filtered with its batch (seqscan_next) */
	OxValue *row = scan_emit (s, i);
	if (s->qual) {
		/* the arena only when some conjunct is left to ox_eval */
		if (s->qual_arena)
			ox_arena_reset (s->tmp);
		if (!ox_qual_eval (s->qual, x, row, s->tmp))
			return NULL;
	} else if (s->filter) {
		ox_arena_reset (s->tmp);
		if (!ox_eval_qual (s->filter, x, row, s->tmp))
			return NULL;
	}
	return row;
}

static OxValue *
seqscan_next (OxOp *op, OxExec *x)
{
	OxScanCommon *s = (OxScanCommon *) op;
	for (;;) {
		if (s->ibuf == s->nbuf) {
			if (s->done)
				return NULL;
			ox_exec_check_cancel (x);
			s->ibuf = 0;
			if (s->ncterms > 0) {
				/* column vectors pre-filter what they can; the whole
				 * filter still runs on what passes */
				bool end;
				s->nbuf = ox_table_scan_cols (x->txn, s->table->data, &s->pos, s->cterms, s->ncterms,
				                              s->buf, s->rowids, 256, &end);
				if (s->nbuf == 0) {
					if (!end)
						continue;
					s->done = true;
					return NULL;
				}
			} else {
				s->nbuf = ox_table_scan (x->txn, s->table->data, &s->pos, s->buf, s->rowids, 256);
				if (s->nbuf == 0) {
					s->done = true;
					return NULL;
				}
			}
			if (s->qual_batch) {
				/* the filter over the whole batch, a conjunct at a time;
				 * the versions that pass are moved to the front */
				int sel[256];
				for (int i = 0; i < s->nbuf; i++) {
					s->rows[i] = scan_emit (s, i);
					sel[i] = i;
				}
				int n = ox_qual_select (s->qual, (const OxValue **) s->rows, s->nbuf, sel);
				for (int i = 0; i < n; i++) {
					s->buf[i] = s->buf[sel[i]];
					s->rowids[i] = s->rowids[sel[i]];
					s->rows[i] = s->rows[sel[i]];
				}
				s->nbuf = n;
				if (n == 0)
					continue;
			}
		}
		OxValue *row = scan_take (s, x);
		if (row)
			RETURN_ROW (op, row);
	}
}

static void
seqscan_rescan (OxOp *op, OxExec *x)
{
	scan_open (op, x);
}

OxOp *
ox_op_seqscan_new (OxExec *x, OxArena *a, OxTable *t, const char *alias, bool emit_ctid)
{
	OxScanCommon *s = OX_NEW (a, OxScanCommon);
	s->op.kind = OX_OP_SEQSCAN;
	s->op.ncols = t->ncols + (emit_ctid ? 2 : 0);
	s->op.open = scan_open;
	s->op.next = seqscan_next;
	s->op.close = scan_close;
	s->op.rescan = seqscan_rescan;
	s->table = t;
	s->alias = alias;
	s->emit_ctid = emit_ctid;
	s->roww = t->ncols + (emit_ctid ? 2 : 0) + 1;  /* never 0: a row of no columns is not NULL */
	ox_arena_on_free (a, scan_free_rowbuf, s);
	return &s->op;
}

static void
indexscan_open (OxOp *op, OxExec *x)
{
	OxIndexScanOp *s = (OxIndexScanOp *) op;
	scan_open (op, x);
	if (s->scan_open) {
		ox_index_scan_end (&s->scan);
		s->scan_open = false;
	}
	s->empty = false;
	/* the bound arrays are the operator's (allocated with it); the values'
	 * out-of-line bytes are per run: the plan may be reused */
	OxArena *a = x->run_arena;
	for (int i = 0; i < s->neq; i++) {
		OxValue v = ox_eval (s->eq[i], x, NULL, a);
		if (v.null)
			s->empty = true;
		s->bounds_lo[i] = s->bounds_hi[i] = ox_value_copy (a, &v);
	}
	int nlo = s->neq, nhi = s->neq;
	if (s->lo) {
		OxValue v = ox_eval (s->lo, x, NULL, a);
		if (v.null)
			s->empty = true;
		s->bounds_lo[nlo++] = ox_value_copy (a, &v);
	}
	if (s->hi) {
		OxValue v = ox_eval (s->hi, x, NULL, a);
		if (v.null)
			s->empty = true;
		s->bounds_hi[nhi++] = ox_value_copy (a, &v);
	}
	ox_index_scan_begin (&s->scan, s->sc.table->data, s->index->data,
	                     nlo ? s->bounds_lo : NULL, nlo, s->lo ? s->lo_incl : true,
	                     nhi ? s->bounds_hi : NULL, nhi, s->hi ? s->hi_incl : true);
	s->scan.single = s->index->data->unique && !s->lo && !s->hi && s->neq == s->index->data->nkeys;
	s->scan_open = true;
	/* NULL keys sort last: a range with only a lower bound must not
	 * return rows whose key is NULL. */
}

static OxValue *
indexscan_next (OxOp *op, OxExec *x)
{
	OxIndexScanOp *s = (OxIndexScanOp *) op;
	OxScanCommon *sc = &s->sc;
	if (s->empty)
		return NULL;
	for (;;) {
		if (sc->ibuf == sc->nbuf) {
			if (sc->done)
				return NULL;
			ox_exec_check_cancel (x);
			sc->nbuf = ox_index_scan_next (x->txn, &s->scan, sc->buf, sc->rowids, 256);
			sc->ibuf = 0;
			if (sc->nbuf == 0) {
				sc->done = true;
				return NULL;
			}
		}
		/* the filter re-checks every condition, including the bounds, so
		 * NULL keys and stale entries never leak through */
		OxValue *row = scan_take (sc, x);
		if (row)
			RETURN_ROW (op, row);
	}
}

static void
indexscan_close (OxOp *op, OxExec *x)
{
	OxIndexScanOp *s = (OxIndexScanOp *) op;
	if (s->scan_open) {
		ox_index_scan_end (&s->scan);
		s->scan_open = false;
	}
	scan_close (op, x);
}

OxOp *
ox_op_indexscan_new (OxExec *x, OxArena *a, OxTable *t, OxIndex *ix, const char *alias, int neq, bool has_lo,
                     bool lo_incl, bool has_hi, bool hi_incl, bool emit_ctid)
{
	OxIndexScanOp *s = OX_NEW (a, OxIndexScanOp);
	s->sc.op.kind = OX_OP_INDEXSCAN;
	s->sc.op.ncols = t->ncols + (emit_ctid ? 2 : 0);
	s->sc.op.open = indexscan_open;
	s->sc.op.next = indexscan_next;
	s->sc.op.close = indexscan_close;
	s->sc.op.rescan = indexscan_open;
	s->sc.table = t;
	s->sc.alias = alias;
	s->sc.emit_ctid = emit_ctid;
	s->sc.roww = t->ncols + (emit_ctid ? 2 : 0) + 1;
	ox_arena_on_free (a, scan_free_rowbuf, &s->sc);
	s->index = ix;
	s->neq = neq;
	s->eq = OX_NEW_N (a, OxExpr *, neq > 0 ? neq : 1);
	s->bounds_lo = OX_NEW_N (a, OxValue, neq + 1);
	s->bounds_hi = OX_NEW_N (a, OxValue, neq + 1);
	s->has_lo = has_lo;
	s->has_hi = has_hi;
	s->lo_incl = lo_incl;
	s->hi_incl = hi_incl;
	return &s->sc.op;
}

/* ---- subquery scan ---------------------------------------------------------------------- */

typedef struct SubqueryOp {
	OxOp        op;
	OxSubPlan  *sp;
	const char *alias;
	const char *view;
	const OxValue *outer_row; /* LATERAL: the row its parameters come from */
} SubqueryOp;

static void
subquery_bind (SubqueryOp *s, OxExec *x)
{
	for (int i = 0; i < s->sp->nparams; i++) {
		OxValue v = ox_eval (s->sp->args[i], x, s->outer_row, x->run_arena);
		x->xparams[s->sp->paramids[i]] = ox_value_copy (x->run_arena, &v);
	}
}

static void
subquery_open (OxOp *op, OxExec *x)
{
	SubqueryOp *s = (SubqueryOp *) op;
	op->loops++;
	subquery_bind (s, x);
	s->sp->plan->open (s->sp->plan, x);
}

static void
subquery_rescan (OxOp *op, OxExec *x)
{
	SubqueryOp *s = (SubqueryOp *) op;
	op->loops++;
	subquery_bind (s, x);
	s->sp->plan->rescan (s->sp->plan, x);
}

static OxValue *
subquery_next (OxOp *op, OxExec *x)
{
	SubqueryOp *s = (SubqueryOp *) op;
	RETURN_ROW (op, s->sp->plan->next (s->sp->plan, x));
}

static void
subquery_close (OxOp *op, OxExec *x)
{
	SubqueryOp *s = (SubqueryOp *) op;
	ox_op_close_tree (s->sp->plan, x);
}

OxOp *
ox_op_subquery_new (OxExec *x, OxArena *a, OxSubPlan *sp, int ncols, const char *alias, const char *view)
{
	SubqueryOp *s = OX_NEW (a, SubqueryOp);
	s->op.kind = OX_OP_SUBQUERY;
	s->op.ncols = ncols;
	s->op.open = subquery_open;
	s->op.next = subquery_next;
	s->op.close = subquery_close;
	s->op.rescan = subquery_rescan;
	s->op.left = sp->plan;
	s->sp = sp;
	s->alias = alias;
	s->view = view;
	return &s->op;
}

/* ---- function scan --------------------------------------------------------------------------- *
 * The function runs to completion at open and its rows are kept (as
 * PostgreSQL materializes a function scan's result); rescan runs it again
 * because its arguments may refer to an outer row that changed.
 * generate_series is the exception: its rows are counted out one at a
 * time by next, so generate_series (1, 1e9) costs no memory. */

typedef struct FuncScanOp {
	OxOp       op;
	int        builtin;    /* 0: call; an OX_SRF_* */
	OxExpr    *call;       /* OX_E_UFUNC; OX_E_FUNC for generate_series */
	const char *alias;
	OxArena   *rows_arena;
	GPtrArray *rows;       /* OxValue[ncols] */
	guint      pos;
	/* built-in SRFs: generate_series's next value, last one and step;
	 * unnest's elements (cur the next one) */
	int64_t    cur, stop, step;
	GPtrArray *elems;
	bool       done;       /* no more values (or a NULL argument) */
	int64_t    ord;        /* WITH ORDINALITY: the rows returned so far */
	OxValue    value[2];   /* the row returned (value, ordinality) */
} FuncScanOp;

/* generate_series's arguments; PostgreSQL's error for a zero step */
static void
series_start (FuncScanOp *f, OxExec *x)
{
	OxExpr *e = f->call;
	int64_t v[3] = { 0, 0, 1 };
	f->done = f->builtin == OX_SRF_PARTITION_ANCESTORS;  /* no rows */
	f->ord = 0;
	g_clear_pointer (&f->elems, g_ptr_array_unref);
	if (f->done)
		return;
	f->rows_arena = f->rows_arena ? f->rows_arena : ox_arena_new ();
	ox_arena_reset (f->rows_arena);
	if (f->builtin == OX_SRF_UNNEST) {
		OxValue arr = ox_eval (e->args[0], x, NULL, f->rows_arena);
		f->done = arr.null;
		if (!arr.null)
			f->elems = ox_text_array_elements (f->rows_arena, arr.v.str, arr.len);
		f->cur = 0;
		return;
	}
	for (int i = 0; i < e->nargs; i++) {
		OxValue a = ox_eval (e->args[i], x, NULL, f->rows_arena);
		if (a.null)
			f->done = true;
		else
			v[i] = a.v.i;
	}
	if (!f->done && v[2] == 0)
		ox_raise (OX_ERR_INVALID_PARAMETER, 0, "step size cannot equal zero");
	f->cur = v[0];
	f->stop = v[1];
	f->step = v[2];
}

static OxValue *
series_next (FuncScanOp *f)
{
	if (f->elems) {
		if (f->cur >= (int64_t) f->elems->len)
			return NULL;
		const char *el = f->elems->pdata[f->cur++];
		f->value[0] = el ? ox_text (OX_T_TEXT, el, strlen (el)) : ox_null (OX_T_TEXT);
		f->value[1] = ox_int (OX_T_INT8, ++f->ord);
		return f->value;
	}
	if (f->done || (f->step > 0 ? f->cur > f->stop : f->cur < f->stop))
		return NULL;
	f->value[0] = ox_int ((OxTypeId) f->call->type.id, f->cur);
	f->value[1] = ox_int (OX_T_INT8, ++f->ord);
	/* stop after the type's last value instead of overflowing, as PG */
	int64_t next;
	if (__builtin_add_overflow (f->cur, f->step, &next) ||
	    (f->call->type.id == OX_T_INT4 && (next > G_MAXINT32 || next < G_MININT32)))
		f->done = true;
	f->cur = next;
	return f->value;
}

static void
funcscan_emit (OxPlCall *c, const OxValue *row)
{
	FuncScanOp *f = c->emit_user;
	int n = f->op.ncols;
	OxValue *copy = OX_NEW_N (f->rows_arena, OxValue, n);
	for (int i = 0; i < n; i++)
		copy[i] = ox_value_copy (f->rows_arena, &row[i]);
	g_ptr_array_add (f->rows, copy);
}

static void
funcscan_run (FuncScanOp *f, OxExec *x)
{
	f->op.loops++;
	if (f->rows_arena)
		ox_arena_reset (f->rows_arena);
	else
		f->rows_arena = ox_arena_new ();
	if (f->rows)
		g_ptr_array_set_size (f->rows, 0);
	else
		f->rows = g_ptr_array_new ();
	f->pos = 0;
	if (f->builtin) {
		GPtrArray *src = ox_event_rows (x->session, f->builtin);
		for (guint i = 0; i < src->len; i++)
			funcscan_emit (&(OxPlCall) { .emit_user = f }, src->pdata[i]);
		return;
	}
	OxExpr *e = f->call;
	OxRoutine *r = e->routine;
	OxArena *a = f->rows_arena;
	OxValue *args = OX_NEW_N (a, OxValue, r->nargs > 0 ? r->nargs : 1);
	for (int i = 0; i < r->nargs; i++) {
		OxValue v = ox_eval (e->args[i], x, NULL, a);
		args[i] = v.null ? ox_null (r->args[i].type.id)
		                 : (v.type == r->args[i].type.id ? v : ox_value_cast (a, &x->cx, &v, r->args[i].type, false));
	}
	OxPlCall c = { .session = x->session, .routine = r, .args = args, .arena = a };
	if (r->retset) {
		c.emit = funcscan_emit;
		c.emit_user = f;
	} else if (r->retkind == OX_RET_RECORD) {
		c.out = OX_NEW_N (a, OxValue, r->nresult);
		for (int i = 0; i < r->nresult; i++)
			c.out[i] = ox_null (r->result_types[i].id);
	}
	ox_routine_call (&c);
	if (!r->retset) {
		/* one row; a STRICT function given a NULL returns no row... no:
		 * PostgreSQL returns one all-NULL row, and so do we */
		OxValue *row = OX_NEW_N (a, OxValue, f->op.ncols);
		if (r->retkind == OX_RET_VALUE)
			row[0] = c.result;
		else
			for (int i = 0; i < f->op.ncols; i++)
				row[i] = c.out[i];
		g_ptr_array_add (f->rows, row);
	}
}

static void
funcscan_open (OxOp *op, OxExec *x)
{
	FuncScanOp *f = (FuncScanOp *) op;
	if (f->builtin >= OX_SRF_GENERATE_SERIES) {
		op->loops++;
		series_start (f, x);
	} else
		funcscan_run (f, x);
}

static void
funcscan_rescan (OxOp *op, OxExec *x)
{
	funcscan_open (op, x);
}

static OxValue *
funcscan_next (OxOp *op, OxExec *x)
{
	FuncScanOp *f = (FuncScanOp *) op;
	(void) x;
	if (f->builtin >= OX_SRF_GENERATE_SERIES) {
		OxValue *r = series_next (f);
		if (!r)
			return NULL;
		RETURN_ROW (op, r);
	}
	if (!f->rows || f->pos >= f->rows->len)
		return NULL;
	RETURN_ROW (op, f->rows->pdata[f->pos++]);
}

static void
funcscan_close (OxOp *op, OxExec *x)
{
	FuncScanOp *f = (FuncScanOp *) op;
	(void) x;
	g_clear_pointer (&f->rows, g_ptr_array_unref);
	g_clear_pointer (&f->elems, g_ptr_array_unref);
	g_clear_pointer (&f->rows_arena, ox_arena_free);
}

OxOp *
ox_op_funcscan_new (OxExec *x, OxArena *a, OxExpr *call, int ncols, const char *alias)
{
	(void) x;
	FuncScanOp *f = OX_NEW (a, FuncScanOp);
	f->op.kind = OX_OP_FUNCSCAN;
	f->op.ncols = ncols;
	f->op.open = funcscan_open;
	f->op.next = funcscan_next;
	f->op.close = funcscan_close;
	f->op.rescan = funcscan_rescan;
	f->call = call;
	f->alias = alias;
	return &f->op;
}

OxOp *
ox_op_funcscan_builtin_new (OxExec *x, OxArena *a, int kind, OxExpr *call, int ncols, const char *alias)
{
	g_return_val_if_fail ((kind >= OX_SRF_GENERATE_SERIES) == (call != NULL), NULL);
	FuncScanOp *f = (FuncScanOp *) ox_op_funcscan_new (x, a, call, ncols, alias);
	f->builtin = kind;
	return &f->op;
}

/* ---- filter / project / result / values ------------------------------------------------------- */

typedef struct FilterOp {
	OxOp     op;
	OxExpr  *qual;
	OxArena *tmp;
} FilterOp;

static void
child_open (OxOp *op, OxExec *x)
{
	op->loops++;
	if (op->left)
		op->left->open (op->left, x);
	if (op->right)
		op->right->open (op->right, x);
}

static void
child_rescan (OxOp *op, OxExec *x)
{
	op->loops++;
	if (op->left)
		op->left->rescan (op->left, x);
	if (op->right)
		op->right->rescan (op->right, x);
}

static OxValue *
filter_next (OxOp *op, OxExec *x)
{
	FilterOp *f = (FilterOp *) op;
	if (!f->tmp)
		f->tmp = ox_arena_new ();
	OxValue *row;
	while ((row = op->left->next (op->left, x)) != NULL) {
		ox_arena_reset (f->tmp);
		if (ox_eval_qual (f->qual, x, row, f->tmp))
			RETURN_ROW (op, row);
	}
	return NULL;
}

static void
filter_close (OxOp *op, OxExec *x)
{
	FilterOp *f = (FilterOp *) op;
	g_clear_pointer (&f->tmp, ox_arena_free);
}

OxOp *
ox_op_filter_new (OxExec *x, OxArena *a, OxOp *child, OxExpr *qual)
{
	FilterOp *f = OX_NEW (a, FilterOp);
	f->op.kind = OX_OP_FILTER;
	f->op.ncols = child->ncols;
	f->op.left = child;
	f->op.open = child_open;
	f->op.next = filter_next;
	f->op.close = filter_close;
	f->op.rescan = child_rescan;
	f->qual = qual;
	return &f->op;
}

typedef struct ProjectOp {
	OxOp     op;
	OxExpr **exprs;
	int      n;
	bool     strip;
	OxValue *out;
	OxArena *tmp;
	int      plain;    /* 1: every expression is a column or a constant (no arena,
	                      no call); 0: not; -1: not looked at yet */
} ProjectOp;

static OxValue *
project_next (OxOp *op, OxExec *x)
{
	ProjectOp *p = (ProjectOp *) op;
	OxValue *row = op->left->next (op->left, x);
	if (!row)
		return NULL;
	if (G_UNLIKELY (p->plain < 0)) {
		/* a plan's expressions are final once it runs: look once */
		p->plain = 1;
		for (int i = 0; i < p->n; i++)
			if (p->exprs[i]->kind != OX_E_SLOT && p->exprs[i]->kind != OX_E_CONST)
				p->plain = 0;
	}
	if (p->plain) {
		for (int i = 0; i < p->n; i++) {
			const OxExpr *e = p->exprs[i];
			p->out[i] = e->kind == OX_E_SLOT ? row[e->slot] : e->cval;
		}
		RETURN_ROW (op, p->out);
	}
	if (!p->tmp)
		p->tmp = ox_arena_new ();
	ox_arena_reset (p->tmp);
	for (int i = 0; i < p->n; i++)
		p->out[i] = ox_eval (p->exprs[i], x, row, p->tmp);
	RETURN_ROW (op, p->out);
}

static void
project_close (OxOp *op, OxExec *x)
{
	ProjectOp *p = (ProjectOp *) op;
	g_clear_pointer (&p->tmp, ox_arena_free);
}

OxOp *
ox_op_project_new (OxExec *x, OxArena *a, OxOp *child, OxExpr **exprs, int n, bool strip)
{
	ProjectOp *p = OX_NEW (a, ProjectOp);
	p->op.kind = OX_OP_PROJECT;
	p->op.ncols = n;
	p->op.left = child;
	p->op.open = child_open;
	p->op.next = project_next;
	p->op.close = project_close;
	p->op.rescan = child_rescan;
	p->exprs = exprs;
	p->n = n;
	p->strip = strip;
	p->out = OX_NEW_N (a, OxValue, n > 0 ? n : 1);
	p->plain = -1;
	return &p->op;
}

typedef struct ResultOp {
	OxOp op;
	bool done;
	OxValue dummy;
} ResultOp;

static void
result_open (OxOp *op, OxExec *x)
{
	op->loops++;
	((ResultOp *) op)->done = false;
}

static OxValue *
result_next (OxOp *op, OxExec *x)
{
	ResultOp *r = (ResultOp *) op;
	if (r->done)
		return NULL;
	r->done = true;
	RETURN_ROW (op, &r->dummy);
}

OxOp *
ox_op_result_new (OxExec *x, OxArena *a)
{
	ResultOp *r = OX_NEW (a, ResultOp);
	r->op.kind = OX_OP_RESULT;
	r->op.open = result_open;
	r->op.next = result_next;
	r->op.close = noop_close;
	r->op.rescan = result_open;
	return &r->op;
}

typedef struct ValuesOp {
	OxOp      op;
	OxExpr ***rows;
	int       nrows, ncols, cur;
	OxValue  *out;
	OxArena  *tmp;
} ValuesOp;

static void
values_open (OxOp *op, OxExec *x)
{
	op->loops++;
	((ValuesOp *) op)->cur = 0;
}

static OxValue *
values_next (OxOp *op, OxExec *x)
{
	ValuesOp *v = (ValuesOp *) op;
	if (v->cur >= v->nrows)
		return NULL;
	if (!v->tmp)
		v->tmp = ox_arena_new ();
	ox_arena_reset (v->tmp);
	OxExpr **row = v->rows[v->cur++];
	for (int i = 0; i < v->ncols; i++)
		v->out[i] = ox_eval (row[i], x, NULL, v->tmp);
	RETURN_ROW (op, v->out);
}

static void
values_close (OxOp *op, OxExec *x)
{
	g_clear_pointer (&((ValuesOp *) op)->tmp, ox_arena_free);
}

OxOp *
ox_op_values_new (OxExec *x, OxArena *a, OxExpr ***rows, int nrows, int ncols)
{
	ValuesOp *v = OX_NEW (a, ValuesOp);
	v->op.kind = OX_OP_VALUES;
	v->op.ncols = ncols;
	v->op.open = values_open;
	v->op.next = values_next;
	v->op.close = values_close;
	v->op.rescan = values_open;
	v->rows = rows;
	v->nrows = nrows;
	v->ncols = ncols;
	v->out = OX_NEW_N (a, OxValue, ncols > 0 ? ncols : 1);
	return &v->op;
}

/* ---- materialize -------------------------------------------------------------------------------- */

typedef struct MaterialOp {
	OxOp      op;
	GPtrArray *rows;   /* OxValue* in arena */
	OxArena  *arena;
	bool      filled;
	guint     cur;
	bool     *matched; /* FULL nested loop: inner rows matched */
} MaterialOp;

static void
material_fill (MaterialOp *m, OxExec *x)
{
	if (m->filled)
		return;
	if (!m->arena)
		m->arena = ox_arena_new ();
	if (!m->rows)
		m->rows = g_ptr_array_new ();
	OxValue *r;
	while ((r = m->op.left->next (m->op.left, x)) != NULL)
		g_ptr_array_add (m->rows, copy_row (m->arena, r, m->op.ncols));
	m->filled = true;
}

static void
material_open (OxOp *op, OxExec *x)
{
	MaterialOp *m = (MaterialOp *) op;
	op->loops++;
	op->left->open (op->left, x);
	m->filled = false;
	m->cur = 0;
	if (m->rows)
		g_ptr_array_set_size (m->rows, 0);
	if (m->arena)
		ox_arena_reset (m->arena);
}

static void
material_rescan (OxOp *op, OxExec *x)
{
	MaterialOp *m = (MaterialOp *) op;
	op->loops++;
	op->left->rescan (op->left, x);
	m->filled = false;
	m->cur = 0;
	if (m->rows)
		g_ptr_array_set_size (m->rows, 0);
	if (m->arena)
		ox_arena_reset (m->arena);
}

static OxValue *
material_next (OxOp *op, OxExec *x)
{
	MaterialOp *m = (MaterialOp *) op;
	material_fill (m, x);
	if (m->cur >= m->rows->len)
		return NULL;
	RETURN_ROW (op, m->rows->pdata[m->cur++]);
}

static void
material_close (OxOp *op, OxExec *x)
{
	MaterialOp *m = (MaterialOp *) op;
	g_clear_pointer (&m->rows, g_ptr_array_unref);
	g_clear_pointer (&m->arena, ox_arena_free);
	g_clear_pointer (&m->matched, g_free);
}

OxOp *
ox_op_material_new (OxExec *x, OxArena *a, OxOp *child)
{
	MaterialOp *m = OX_NEW (a, MaterialOp);
	m->op.kind = OX_OP_MATERIAL;
	m->op.ncols = child->ncols;
	m->op.left = child;
	m->op.open = material_open;
	m->op.next = material_next;
	m->op.close = material_close;
	m->op.rescan = material_rescan;
	return &m->op;
}

/* ---- joins -------------------------------------------------------------------------------------- */

typedef struct NestLoopOp {
	OxOp       op;
	bool       lateral;  /* right: a SubqueryOp run again for each left row */
	bool       ropened;
	OxJoinType jt;
	OxExpr    *qual;
	int        lw, rw;
	OxValue   *out;
	OxValue   *lrow;
	bool       lmatched;
	bool       ldone;
	guint      full_i;   /* FULL: emitting unmatched inner rows */
	OxArena   *tmp;
} NestLoopOp;

static void
nl_open (OxOp *op, OxExec *x)
{
	NestLoopOp *n = (NestLoopOp *) op;
	if (n->lateral) {
		/* the right side opens at the first left row, which it needs */
		op->loops++;
		op->left->open (op->left, x);
	} else
		child_open (op, x);
	n->lrow = NULL;
	n->ldone = false;
	n->full_i = 0;
	if (!n->tmp)
		n->tmp = ox_arena_new ();
}

static void
nl_rescan (OxOp *op, OxExec *x)
{
	NestLoopOp *n = (NestLoopOp *) op;
	if (n->lateral) {
		op->loops++;
		op->left->rescan (op->left, x);
	} else
		child_rescan (op, x);
	n->lrow = NULL;
	n->ldone = false;
	n->full_i = 0;
}

static void
pad_nulls (OxValue *dst, int n)
{
	for (int i = 0; i < n; i++)
		dst[i] = ox_null (OX_T_UNKNOWN);
}

/* LATERAL: for each left row, the right subquery is bound to it and run */
static OxValue *
lateral_next (OxOp *op, OxExec *x)
{
	NestLoopOp *n = (NestLoopOp *) op;
	SubqueryOp *s = (SubqueryOp *) op->right;
	for (;;) {
		if (!n->lrow) {
			n->lrow = op->left->next (op->left, x);
			if (!n->lrow)
				return NULL;
			memcpy (n->out, n->lrow, sizeof (OxValue) * (size_t) n->lw);
			n->lmatched = false;
			s->outer_row = n->out;
			if (!n->ropened) {
				op->right->open (op->right, x);
				n->ropened = true;
			} else
				op->right->rescan (op->right, x);
			s->outer_row = NULL;
		}
		OxValue *r = op->right->next (op->right, x);
		if (r) {
			if ((++x->tick & 4095) == 0)
				ox_exec_check_cancel (x);
			memcpy (n->out + n->lw, r, sizeof (OxValue) * (size_t) n->rw);
			ox_arena_reset (n->tmp);
			if (ox_eval_qual (n->qual, x, n->out, n->tmp)) {
				n->lmatched = true;
				RETURN_ROW (op, n->out);
			}
			continue;
		}
		n->lrow = NULL;
		if (!n->lmatched && n->jt == OX_JOIN_LEFT) {
			pad_nulls (n->out + n->lw, n->rw);
			RETURN_ROW (op, n->out);
		}
	}
}

static OxValue *
nl_next (OxOp *op, OxExec *x)
{
	NestLoopOp *n = (NestLoopOp *) op;
	if (n->lateral)
		return lateral_next (op, x);
	MaterialOp *m = (MaterialOp *) op->right;
	for (;;) {
		if (!n->lrow) {
			if (n->ldone)
				break;
			n->lrow = op->left->next (op->left, x);
			if (!n->lrow) {
				n->ldone = true;
				break;
			}
			memcpy (n->out, n->lrow, sizeof (OxValue) * (size_t) n->lw);
			n->lmatched = false;
			material_fill (m, x);
			m->cur = 0;
			if (n->jt == OX_JOIN_FULL && !m->matched)
				m->matched = g_new0 (bool, m->rows->len + 1);
		}
		if (m->cur < m->rows->len) {
			guint idx = m->cur++;
			if ((++x->tick & 4095) == 0)
				ox_exec_check_cancel (x);
			OxValue *r = m->rows->pdata[idx];
			memcpy (n->out + n->lw, r, sizeof (OxValue) * (size_t) n->rw);
			ox_arena_reset (n->tmp);
			if (ox_eval_qual (n->qual, x, n->out, n->tmp)) {
				n->lmatched = true;
				if (m->matched)
					m->matched[idx] = true;
				RETURN_ROW (op, n->out);
			}
			continue;
		}
		/* inner exhausted for this outer row */
		OxValue *l = n->lrow;
		n->lrow = NULL;
		if (!n->lmatched && (n->jt == OX_JOIN_LEFT || n->jt == OX_JOIN_FULL)) {
			memcpy (n->out, l, sizeof (OxValue) * (size_t) n->lw);
			pad_nulls (n->out + n->lw, n->rw);
			RETURN_ROW (op, n->out);
		}
	}
	if (n->jt == OX_JOIN_FULL) {
		material_fill (m, x);
		while (n->full_i < m->rows->len) {
			guint i = n->full_i++;
			if (m->matched && m->matched[i])
				continue;
			pad_nulls (n->out, n->lw);
			memcpy (n->out + n->lw, m->rows->pdata[i], sizeof (OxValue) * (size_t) n->rw);
			RETURN_ROW (op, n->out);
		}
	}
	return NULL;
}

static void
nl_close (OxOp *op, OxExec *x)
{
	((NestLoopOp *) op)->ropened = false;
	g_clear_pointer (&((NestLoopOp *) op)->tmp, ox_arena_free);
}

OxOp *
ox_op_lateral_new (OxExec *x, OxArena *a, OxOp *l, OxOp *r, OxJoinType jt, OxExpr *qual, int lw, int rw)
{
	g_return_val_if_fail (r->kind == OX_OP_SUBQUERY && (jt == OX_JOIN_INNER || jt == OX_JOIN_LEFT), NULL);
	NestLoopOp *n = (NestLoopOp *) ox_op_nestloop_new (x, a, l, r, jt, qual, lw, rw);
	n->lateral = true;
	return &n->op;
}

OxOp *
ox_op_nestloop_new (OxExec *x, OxArena *a, OxOp *l, OxOp *r, OxJoinType jt, OxExpr *qual, int lw, int rw)
{
	NestLoopOp *n = OX_NEW (a, NestLoopOp);
	n->op.kind = OX_OP_NESTLOOP;
	n->op.ncols = lw + rw;
	n->op.left = l;
	n->op.right = r;
	n->op.open = nl_open;
	n->op.next = nl_next;
	n->op.close = nl_close;
	n->op.rescan = nl_rescan;
	n->jt = jt;
	n->qual = qual;
	n->lw = lw;
	n->rw = rw;
	n->out = OX_NEW_N (a, OxValue, lw + rw > 0 ? lw + rw : 1);
	return &n->op;
}

typedef struct HashJoinOp {
	OxOp       op;
	OxJoinType jt;
	OxExpr   **lkeys, **rkeys;
	int        nkeys;
	OxExpr    *residual;
	int        lw, rw;
	OxValue   *out;
	HTable     ht;
	bool       built;
	OxArena   *arena;      /* build side rows */
	OxArena   *tmp;
	GPtrArray *nullkey;    /* build rows with a NULL key (RIGHT/FULL emit them) */
	OxValue   *lrow;
	HEntry    *cand;
	uint32_t   lhash;
	OxValue   *lkey;
	bool       lmatched;
	bool       ldone;
	HEntry    *unmatched_it;
	guint      nullkey_i;
	bool       unmatched_started;
} HashJoinOp;

static void
hj_reset (HashJoinOp *h)
{
	h->built = false;
	h->lrow = NULL;
	h->ldone = false;
	h->unmatched_it = NULL;
	h->unmatched_started = false;
	h->nullkey_i = 0;
	if (h->ht.b)
		ht_free (&h->ht);
	if (h->arena)
		ox_arena_reset (h->arena);
	if (h->nullkey)
		g_ptr_array_set_size (h->nullkey, 0);
}

static void
hj_open (OxOp *op, OxExec *x)
{
	HashJoinOp *h = (HashJoinOp *) op;
	child_open (op, x);
	if (!h->arena) {
		h->arena = ox_arena_new ();
		h->tmp = ox_arena_new ();
		h->nullkey = g_ptr_array_new ();
	}
	hj_reset (h);
}

static void
hj_rescan (OxOp *op, OxExec *x)
{
	HashJoinOp *h = (HashJoinOp *) op;
	child_rescan (op, x);
	hj_reset (h);
}

static void
hj_build (HashJoinOp *h, OxExec *x)
{
	ht_init (&h->ht, h->nkeys);
	OxValue *r;
	OxOp *in = h->op.right;
	OxValue key[32];
	while ((r = in->next (in, x)) != NULL) {
		ox_arena_reset (h->tmp);
		bool has_null = false;
		for (int i = 0; i < h->nkeys; i++) {
			key[i] = ox_eval (h->rkeys[i], x, r, h->tmp);
			if (key[i].null)
				has_null = true;
		}
		OxValue *row = copy_row (h->arena, r, h->rw);
		if (has_null) {
			if (h->jt == OX_JOIN_FULL)
				g_ptr_array_add (h->nullkey, row);
			continue;
		}
		OxValue *k = copy_row (h->arena, key, h->nkeys);
		uint32_t hash = ox_row_hash (k, NULL, h->nkeys);
		/* duplicates get their own entries: ht_insert never merges */
		HEntry *e = ht_insert (&h->ht, h->arena, hash, k);
		e->row = row;
	}
	h->built = true;
}

static OxValue *
hj_next (OxOp *op, OxExec *x)
{
	HashJoinOp *h = (HashJoinOp *) op;
	if (!h->built)
		hj_build (h, x);
	OxValue key[32];
	for (;;) {
		if (!h->lrow) {
			if (h->ldone)
				break;
			h->lrow = op->left->next (op->left, x);
			if (!h->lrow) {
				h->ldone = true;
				break;
			}
			h->lmatched = false;
			h->cand = NULL;
			ox_arena_reset (h->tmp);
			bool has_null = false;
			for (int i = 0; i < h->nkeys; i++) {
				key[i] = ox_eval (h->lkeys[i], x, h->lrow, h->tmp);
				if (key[i].null)
					has_null = true;
			}
			if (!has_null && h->ht.n) {
				h->lkey = copy_row (h->tmp, key, h->nkeys);
				h->lhash = ox_row_hash (h->lkey, NULL, h->nkeys);
				h->cand = h->ht.b[h->lhash & (h->ht.nb - 1)];
			}
			memcpy (h->out, h->lrow, sizeof (OxValue) * (size_t) h->lw);
		}
		while (h->cand) {
			HEntry *e = h->cand;
			h->cand = e->next;
			if ((++x->tick & 4095) == 0)
				ox_exec_check_cancel (x);
			if (e->hash != h->lhash || !ox_row_equal (e->key, h->lkey, NULL, h->nkeys))
				continue;
			memcpy (h->out + h->lw, e->row, sizeof (OxValue) * (size_t) h->rw);
			if (h->residual && !ox_eval_qual (h->residual, x, h->out, h->tmp))
				continue;
			h->lmatched = true;
			e->matched = true;
			RETURN_ROW (op, h->out);
		}
		OxValue *l = h->lrow;
		h->lrow = NULL;
		if (!h->lmatched && (h->jt == OX_JOIN_LEFT || h->jt == OX_JOIN_FULL)) {
			memcpy (h->out, l, sizeof (OxValue) * (size_t) h->lw);
			pad_nulls (h->out + h->lw, h->rw);
			RETURN_ROW (op, h->out);
		}
	}
	if (h->jt == OX_JOIN_FULL) {
		if (!h->unmatched_started) {
			h->unmatched_it = h->ht.first;
			h->unmatched_started = true;
		}
		while (h->unmatched_it) {
			HEntry *e = h->unmatched_it;
			h->unmatched_it = e->order;
			if (e->matched)
				continue;
			pad_nulls (h->out, h->lw);
			memcpy (h->out + h->lw, e->row, sizeof (OxValue) * (size_t) h->rw);
			RETURN_ROW (op, h->out);
		}
		if (h->nullkey_i < h->nullkey->len) {
			pad_nulls (h->out, h->lw);
			memcpy (h->out + h->lw, h->nullkey->pdata[h->nullkey_i++], sizeof (OxValue) * (size_t) h->rw);
			RETURN_ROW (op, h->out);
		}
	}
	return NULL;
}

static void
hj_close (OxOp *op, OxExec *x)
{
	HashJoinOp *h = (HashJoinOp *) op;
	if (h->ht.b)
		ht_free (&h->ht);
	g_clear_pointer (&h->arena, ox_arena_free);
	g_clear_pointer (&h->tmp, ox_arena_free);
	g_clear_pointer (&h->nullkey, g_ptr_array_unref);
}

OxOp *
ox_op_hashjoin_new (OxExec *x, OxArena *a, OxOp *l, OxOp *r, OxJoinType jt, OxExpr **lkeys, OxExpr **rkeys,
                    int nkeys, OxExpr *residual, int lw, int rw)
{
	if (nkeys > 32)
		nkeys = 32;
	HashJoinOp *h = OX_NEW (a, HashJoinOp);
	h->op.kind = OX_OP_HASHJOIN;
	h->op.ncols = lw + rw;
	h->op.left = l;
	h->op.right = r;
	h->op.open = hj_open;
	h->op.next = hj_next;
	h->op.close = hj_close;
	h->op.rescan = hj_rescan;
	h->jt = jt;
	h->lkeys = ox_arena_memdup (a, lkeys, sizeof (OxExpr *) * (size_t) nkeys);
	h->rkeys = ox_arena_memdup (a, rkeys, sizeof (OxExpr *) * (size_t) nkeys);
	h->nkeys = nkeys;
	h->residual = residual;
	h->lw = lw;
	h->rw = rw;
	h->out = OX_NEW_N (a, OxValue, lw + rw > 0 ? lw + rw : 1);
	return &h->op;
}

/* ---- aggregation ------------------------------------------------------------------------------- */

typedef struct AggState {
	GPtrArray *rows;   /* ORDER BY inside the call: (arg, arg2, keys...) rows to sort at the end */
	int64_t  count;
	OxValue  acc;      /* sum / min / max / bool */
	bool     has;
	GString *str;      /* string_agg */
	HTable  *seen;     /* DISTINCT: values seen */
	int64_t  isum;     /* numeric sum/avg of integers: the part not yet in acc */
	bool     iacc;     /* isum holds something */
	__int128 nsum;     /* numeric sum/avg of small numerics: nsum * 10000^nexp, */
	int      nexp;     /* with display scale ndscale, not yet in acc */
	int      ndscale;
	bool     nacc;     /* nsum holds something */
	void    *buf;      /* out-of-line bytes of a numeric acc, reused row after row */
	size_t   cap;      /* bytes at buf */
} AggState;

typedef struct AggOp {
	OxOp       op;
	OxExpr   **keys;
	int        nkeys;
	OxAggref **aggs;
	int        naggs;
	HTable     ht;
	OxArena   *arena;
	OxArena   *tmp;
	HEntry    *it;
	bool       done_input;
	OxValue   *out;
	AggState  *plain;  /* no GROUP BY: the single group */
	bool       plain_emitted;
} AggOp;

static void
agg_state_free (AggOp *g, AggState *st)
{
	for (int i = 0; i < g->naggs; i++) {
		if (st[i].rows)
			g_ptr_array_unref (st[i].rows);
		if (st[i].str)
			g_string_free (st[i].str, TRUE);
		if (st[i].seen) {
			ht_free (st[i].seen);
			g_free (st[i].seen);
		}
	}
}

static void
agg_free_all (AggOp *g)
{
	if (g->plain)
		agg_state_free (g, g->plain);
	g->plain = NULL;
	if (g->ht.b) {
		for (HEntry *e = g->ht.first; e; e = e->order)
			agg_state_free (g, e->state);
		ht_free (&g->ht);
	}
}

static OxValue
to_acc_type (OxArena *a, const OxValue *v, OxTypeId acc)
{
	if (v->type == acc)
		return *v;
	if (acc == OX_T_INT8 && ox_type_is_integer ((OxTypeId) v->type))
		return ox_int (OX_T_INT8, v->v.i);
	if (acc == OX_T_NUMERIC) {
		OxValue r = { .type = OX_T_NUMERIC };
		r.v.num = ox_type_is_integer ((OxTypeId) v->type) ? ox_numeric_from_int64 (a, v->v.i)
		                                                    : ox_numeric_from_double (a, v->v.f);
		return r;
	}
	if (acc == OX_T_FLOAT8)
		return ox_float (OX_T_FLOAT8, v->v.f);
	return *v;
}

/* Set a sum's accumulator: out-of-line bytes (a numeric's) go to the
 * state's own buffer, reused from row to row, instead of a new copy in
 * the group arena for every row. */
static void
agg_set_acc (AggOp *g, AggState *s, const OxValue *v)
{
	size_t need = ox_value_extra_size (v);
	if (need == 0 || (const void *) v->v.bytes == s->buf) {  /* x + 0 may return x itself */
		s->acc = *v;
		return;
	}
	if (need > s->cap) {
		s->cap = need < 64 ? 64 : need * 2;
		s->buf = ox_arena_alloc (g->arena, s->cap);
	}
	s->acc = ox_value_copy_to (v, s->buf);
}

/* Add m * 10000^e (display scale ds) to the state's integer sum of
 * numerics; false when that would overflow (the value then goes the
 * numeric way: the sum is exact either way). */
static bool
agg_nsum_add (AggState *s, int64_t m, int e, int ds)
{
	if (!s->nacc) {
		s->nsum = m;
		s->nexp = e;
		s->ndscale = ds;
		s->nacc = true;
		return true;
	}
	__int128 v = m, sum = s->nsum;
	int ne = s->nexp;
	if (e > ne) {
		if (e - ne > 4)
			return false;
		for (int k = e - ne; k > 0; k--)
			v *= 10000;  /* |m| < 10^16: at most 10^32 */
	} else if (e < ne) {
		if (ne - e > 4)
			return false;
		for (int k = ne - e; k > 0; k--)
			if (__builtin_mul_overflow (sum, (__int128) 10000, &sum))
				return false;
		ne = e;
	}
	if (__builtin_add_overflow (sum, v, &sum))
		return false;
	s->nsum = sum;
	s->nexp = ne;
	if (ds > s->ndscale)
		s->ndscale = ds;
	return true;
}

/* Move the integer partial sums into the numeric accumulator. */
static void
agg_fold_isum (AggOp *g, OxExec *x, AggState *s)
{
	if (s->nacc) {
		OxValue nv = { .type = OX_T_NUMERIC };
		nv.v.num = ox_numeric_from_scaled (g->tmp, s->nsum, s->nexp, s->ndscale);
		s->nacc = false;
		if (!s->has) {
			agg_set_acc (g, s, &nv);
			s->has = true;
		} else {
			OxValue sum = { .type = OX_T_NUMERIC };
			sum.v.num = ox_numeric_add (g->tmp, s->acc.v.num, nv.v.num);
			agg_set_acc (g, s, &sum);
		}
	}
	if (!s->iacc)
		return;
	OxValue iv = { .type = OX_T_NUMERIC };
	iv.v.num = ox_numeric_from_int64 (g->tmp, s->isum);
	if (!s->has) {
		agg_set_acc (g, s, &iv);
		s->has = true;
	} else {
		OxValue sum = { .type = OX_T_NUMERIC };
		sum.v.num = ox_numeric_add (g->tmp, s->acc.v.num, iv.v.num);
		agg_set_acc (g, s, &sum);
	}
	s->iacc = false;
	s->isum = 0;
}

/* Fold one (non-NULL) argument value into an aggregate's state; d is the
 * second argument (string_agg's delimiter). */
static void
agg_accum (AggOp *g, OxExec *x, OxAggref *ag, AggState *s, OxValue v, OxValue d)
{
	if (ag->distinct) {
		if (!s->seen) {
			s->seen = g_new0 (HTable, 1);
			ht_init (s->seen, 1);
		}
		uint32_t h = ox_row_hash (&v, NULL, 1);
		if (ht_find (s->seen, h, &v))
			return;
		ht_insert (s->seen, g->arena, h, copy_row (g->arena, &v, 1));
	}
	s->count++;
	switch (ag->kind) {
	case OX_AGG_COUNT:
		break;
	case OX_AGG_SUM:
	case OX_AGG_AVG: {
		OxTypeId acc = ag->kind == OX_AGG_SUM ? (OxTypeId) ag->type.id
		               : (ag->type.id == OX_T_FLOAT8 ? OX_T_FLOAT8 : OX_T_NUMERIC);
		if (acc == OX_T_NUMERIC && ox_type_is_integer ((OxTypeId) v.type)) {
			/* integers summed into a numeric (avg of int, sum of bigint):
			 * in an int64 until it would overflow, then folded into acc
			 * (exact either way, and the numeric keeps scale 0) */
			int64_t t;
			if (!s->iacc) {
				s->isum = v.v.i;
				s->iacc = true;
				break;
			}
			if (!__builtin_add_overflow (s->isum, v.v.i, &t)) {
				s->isum = t;
				break;
			}
			agg_fold_isum (g, x, s);
			s->isum = v.v.i;
			s->iacc = true;
			break;
		}
		if (acc == OX_T_NUMERIC && v.type == OX_T_NUMERIC) {
			/* small numerics (NUMERIC(12,2) prices ...) summed in an
			 * int128 with a common exponent, folded in at the end */
			int64_t m;
			int e, ds;
			if (ox_numeric_small (v.v.num, &m, &e, &ds) && agg_nsum_add (s, m, e, ds))
				break;
		}
		OxValue cv = to_acc_type (g->tmp, &v, acc);
		if (!s->has) {
			agg_set_acc (g, s, &cv);
			s->has = true;
		} else {
			OxTypeId res;
			OxOpFn add = acc == (OxTypeId) ag->type.id && ag->add ? ag->add : ox_op_lookup ("+", acc, acc, &res);
			OxValue sum = add (x, g->tmp, &s->acc, &cv);
			agg_set_acc (g, s, &sum);
		}
		break;
	}
	case OX_AGG_MIN:
	case OX_AGG_MAX:
		if (!s->has || (ag->kind == OX_AGG_MIN ? ox_value_cmp (&v, &s->acc) < 0 : ox_value_cmp (&v, &s->acc) > 0)) {
			s->acc = ox_value_copy (g->arena, &v);
			s->has = true;
		}
		break;
	case OX_AGG_BOOL_AND:
		s->acc = ox_bool (s->has ? (s->acc.v.b && v.v.b) : v.v.b);
		s->has = true;
		break;
	case OX_AGG_BOOL_OR:
		s->acc = ox_bool (s->has ? (s->acc.v.b || v.v.b) : v.v.b);
		s->has = true;
		break;
	case OX_AGG_STRING_AGG:
		if (!s->str)
			s->str = g_string_new (NULL);
		else if (!d.null)
			g_string_append_len (s->str, d.v.str, d.len);
		g_string_append_len (s->str, v.v.str, v.len);
		s->has = true;
		break;
	default:
		break;
	}
}

static void
agg_advance (AggOp *g, OxExec *x, AggState *st, const OxValue *row)
{
	for (int i = 0; i < g->naggs; i++) {
		OxAggref *ag = g->aggs[i];
		AggState *s = &st[i];
		if (ag->filter && !ox_eval_qual (ag->filter, x, row, g->tmp))
			continue;
		if (ag->kind == OX_AGG_COUNT_STAR) {
			s->count++;
			continue;
		}
		OxValue v = eval_leaf (ag->arg, x, row, g->tmp);
		if (v.null)
			continue;
		OxValue d = ag->arg2 ? ox_eval (ag->arg2, x, row, g->tmp) : ox_null (OX_T_TEXT);
		if (ag->norder) {
			/* keep the row; the values are folded in sorted order at the end */
			OxValue *r = ox_arena_alloc (g->arena, sizeof (OxValue) * (size_t) (2 + ag->norder));
			r[0] = ox_value_copy (g->arena, &v);
			r[1] = ox_value_copy (g->arena, &d);
			for (int k = 0; k < ag->norder; k++) {
				OxValue kv = ox_eval (ag->order[k], x, row, g->tmp);
				r[2 + k] = ox_value_copy (g->arena, &kv);
			}
			if (!s->rows)
				s->rows = g_ptr_array_new ();
			g_ptr_array_add (s->rows, r);
			continue;
		}
		agg_accum (g, x, ag, s, v, d);
	}
}

static int
agg_order_cmp (const void *pa, const void *pb, void *user)
{
	OxAggref *ag = user;
	const OxValue *a = *(OxValue *const *) pa, *b = *(OxValue *const *) pb;
	for (int k = 0; k < ag->norder; k++) {
		int c = ox_sort_cmp (&a[2 + k], &b[2 + k], ag->order_desc[k], ag->order_nulls_first[k]);
		if (c)
			return c;
	}
	return 0;
}

static OxValue
agg_final (AggOp *g, OxExec *x, OxAggref *ag, AggState *s, OxArena *a)
{
	if (ag->norder && s->rows) {
		if (s->rows->len > 1)
			qsort_r (s->rows->pdata, s->rows->len, sizeof (gpointer), agg_order_cmp, ag);
		for (guint i = 0; i < s->rows->len; i++) {
			OxValue *r = s->rows->pdata[i];
			agg_accum (g, x, ag, s, r[0], r[1]);
		}
		g_ptr_array_set_size (s->rows, 0);
	}
	agg_fold_isum (g, x, s);
	switch (ag->kind) {
	case OX_AGG_COUNT_STAR:
	case OX_AGG_COUNT:
		return ox_int (OX_T_INT8, s->count);
	case OX_AGG_AVG:
		if (!s->has)
			return ox_null ((OxTypeId) ag->type.id);
		if (ag->type.id == OX_T_FLOAT8)
			return ox_float (OX_T_FLOAT8, s->acc.v.f / (double) s->count);
		{
			OxValue r = { .type = OX_T_NUMERIC };
			r.v.num = ox_numeric_div_int (a, s->acc.v.num, s->count);
			return r;
		}
	case OX_AGG_STRING_AGG:
		if (!s->has)
			return ox_null (OX_T_TEXT);
		return ox_text (OX_T_TEXT, ox_arena_strndup (a, s->str->str, s->str->len), s->str->len);
	default:
		if (!s->has)
			return ox_null ((OxTypeId) ag->type.id);
		return s->acc;
	}
}

static void
agg_consume (AggOp *g, OxExec *x)
{
	OxOp *in = g->op.left;
	OxValue *row;
	OxValue key[64];
	if (g->nkeys == 0)
		g->plain = OX_NEW_N (g->arena, AggState, g->naggs > 0 ? g->naggs : 1);
	else
		ht_init (&g->ht, g->nkeys);
	while ((row = in->next (in, x)) != NULL) {
		ox_arena_reset (g->tmp);
		AggState *st;
		if (g->nkeys == 0)
			st = g->plain;
		else {
			for (int i = 0; i < g->nkeys; i++)
				key[i] = eval_leaf (g->keys[i], x, row, g->tmp);
			uint32_t h = ox_row_hash (key, NULL, g->nkeys);
			HEntry *e = ht_find (&g->ht, h, key);
			if (!e) {
				e = ht_insert (&g->ht, g->arena, h, copy_row (g->arena, key, g->nkeys));
				e->state = OX_NEW_N (g->arena, AggState, g->naggs > 0 ? g->naggs : 1);
			}
			st = e->state;
		}
		agg_advance (g, x, st, row);
	}
	g->done_input = true;
	g->it = g->ht.first;
}

static void
agg_open (OxOp *op, OxExec *x)
{
	AggOp *g = (AggOp *) op;
	child_open (op, x);
	if (!g->arena) {
		g->arena = ox_arena_new ();
		g->tmp = ox_arena_new ();
	}
	agg_free_all (g);
	ox_arena_reset (g->arena);
	g->done_input = false;
	g->plain_emitted = false;
	g->it = NULL;
}

static void
agg_rescan (OxOp *op, OxExec *x)
{
	AggOp *g = (AggOp *) op;
	child_rescan (op, x);
	agg_free_all (g);
	ox_arena_reset (g->arena);
	g->done_input = false;
	g->plain_emitted = false;
	g->it = NULL;
}

static OxValue *
agg_next (OxOp *op, OxExec *x)
{
	AggOp *g = (AggOp *) op;
	if (!g->done_input)
		agg_consume (g, x);
	ox_arena_reset (g->tmp);
	if (g->nkeys == 0) {
		if (g->plain_emitted)
			return NULL;
		g->plain_emitted = true;
		for (int i = 0; i < g->naggs; i++)
			g->out[i] = agg_final (g, x, g->aggs[i], &g->plain[i], g->tmp);
		RETURN_ROW (op, g->out);
	}
	if (!g->it)
		return NULL;
	HEntry *e = g->it;
	g->it = e->order;
	memcpy (g->out, e->key, sizeof (OxValue) * (size_t) g->nkeys);
	AggState *st = e->state;
	for (int i = 0; i < g->naggs; i++)
		g->out[g->nkeys + i] = agg_final (g, x, g->aggs[i], &st[i], g->tmp);
	RETURN_ROW (op, g->out);
}

static void
agg_close (OxOp *op, OxExec *x)
{
	AggOp *g = (AggOp *) op;
	agg_free_all (g);
	g_clear_pointer (&g->arena, ox_arena_free);
	g_clear_pointer (&g->tmp, ox_arena_free);
}

OxOp *
ox_op_agg_new (OxExec *x, OxArena *a, OxOp *child, OxExpr **keys, int nkeys, OxAggref **aggs, int naggs)
{
	if (nkeys > 64)
		ox_raise (OX_ERR_PROGRAM_LIMIT, 0, "too many GROUP BY expressions");
	AggOp *g = OX_NEW (a, AggOp);
	g->op.kind = OX_OP_AGG;
	g->op.ncols = nkeys + naggs;
	g->op.left = child;
	g->op.open = agg_open;
	g->op.next = agg_next;
	g->op.close = agg_close;
	g->op.rescan = agg_rescan;
	g->keys = keys;
	g->nkeys = nkeys;
	g->aggs = aggs;
	g->naggs = naggs;
	g->out = OX_NEW_N (a, OxValue, nkeys + naggs > 0 ? nkeys + naggs : 1);
	return &g->op;
}

/* ---- sort / limit / distinct / append / setop ------------------------------------------------------ */

typedef struct SortOp {
	OxOp       op;
	int64_t    bound;    /* > 0: top-N, keep only this many rows (LIMIT above) */
	const char **names;  /* sort key display names for EXPLAIN, or NULL */
	int       *cols;
	bool      *desc, *nf;
	int        n;
	GPtrArray *rows;
	OxArena   *arena;
	guint      cur;
	bool       sorted;
} SortOp;

static int
sort_cmp (const void *pa, const void *pb, void *user)
{
	SortOp *s = user;
	const OxValue *a = *(OxValue *const *) pa, *b = *(OxValue *const *) pb;
	for (int i = 0; i < s->n; i++) {
		int c = ox_sort_cmp (&a[s->cols[i]], &b[s->cols[i]], s->desc[i], s->nf[i]);
		if (c)
			return c;
	}
	return 0;
}

static void
sort_free_heap (SortOp *s);

static void
sort_reset (SortOp *s)
{
	sort_free_heap (s);
	s->sorted = false;
	s->cur = 0;
	if (s->rows)
		g_ptr_array_set_size (s->rows, 0);
	if (s->arena)
		ox_arena_reset (s->arena);
}

static void
sort_open (OxOp *op, OxExec *x)
{
	SortOp *s = (SortOp *) op;
	child_open (op, x);
	if (!s->arena) {
		s->arena = ox_arena_new ();
		s->rows = g_ptr_array_new ();
	}
	sort_reset (s);
}

static void
sort_rescan (OxOp *op, OxExec *x)
{
	child_rescan (op, x);
	sort_reset ((SortOp *) op);
}

/* Top-N: s->rows is a max-heap (worst row on top) of at most s->bound
 * g_malloc'd rows; a new row enters only if it sorts before the worst. */
static OxValue *
malloc_row (const OxValue *row, int n)
{
	size_t extra = 0;
	for (int i = 0; i < n; i++)
		extra += (ox_value_extra_size (&row[i]) + 7) & ~(size_t) 7;
	OxValue *r = g_malloc (sizeof (OxValue) * (size_t) (n > 0 ? n : 1) + extra);
	char *p = (char *) (r + (n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		size_t e = ox_value_extra_size (&row[i]);
		r[i] = ox_value_copy_to (&row[i], p);
		p += (e + 7) & ~(size_t) 7;
	}
	return r;
}

static void
heap_sift_down (SortOp *s, guint i)
{
	gpointer *h = s->rows->pdata;
	guint n = s->rows->len;
	for (;;) {
		guint l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && sort_cmp (&h[l], &h[m], s) > 0)
			m = l;
		if (r < n && sort_cmp (&h[r], &h[m], s) > 0)
			m = r;
		if (m == i)
			return;
		gpointer t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void
heap_push (SortOp *s, OxValue *row)
{
	g_ptr_array_add (s->rows, row);
	gpointer *h = s->rows->pdata;
	guint i = s->rows->len - 1;
	while (i > 0) {
		guint parent = (i - 1) / 2;
		if (sort_cmp (&h[i], &h[parent], s) <= 0)
			break;
		gpointer t = h[i];
		h[i] = h[parent];
		h[parent] = t;
		i = parent;
	}
}

static void
sort_top_n (SortOp *s, OxOp *op, OxExec *x)
{
	OxValue *r;
	while ((r = op->left->next (op->left, x)) != NULL) {
		if ((int64_t) s->rows->len < s->bound) {
			heap_push (s, malloc_row (r, op->ncols));
			continue;
		}
		gpointer top = s->rows->pdata[0];
		OxValue *cand = r;
		if (sort_cmp (&cand, &top, s) >= 0)
			continue;  /* not better than the worst kept row */
		g_free (top);
		s->rows->pdata[0] = malloc_row (r, op->ncols);
		heap_sift_down (s, 0);
	}
}

static void
sort_free_heap (SortOp *s)
{
	if (s->bound > 0 && s->rows)
		for (guint i = 0; i < s->rows->len; i++)
			g_free (s->rows->pdata[i]);
}

static OxValue *
sort_next (OxOp *op, OxExec *x)
{
	SortOp *s = (SortOp *) op;
	if (!s->sorted && s->bound > 0) {
		sort_top_n (s, op, x);
		ox_exec_check_cancel (x);
		if (s->rows->len > 1)
			qsort_r (s->rows->pdata, s->rows->len, sizeof (gpointer), sort_cmp, s);
		s->sorted = true;
	}
	if (!s->sorted) {
		OxValue *r;
		while ((r = op->left->next (op->left, x)) != NULL)
			g_ptr_array_add (s->rows, copy_row (s->arena, r, op->ncols));
		ox_exec_check_cancel (x);
		if (s->rows->len > 1)
			qsort_r (s->rows->pdata, s->rows->len, sizeof (gpointer), sort_cmp, s);
		s->sorted = true;
	}
	if (s->cur >= s->rows->len)
		return NULL;
	RETURN_ROW (op, s->rows->pdata[s->cur++]);
}

static void
sort_close (OxOp *op, OxExec *x)
{
	SortOp *s = (SortOp *) op;
	sort_free_heap (s);
	g_clear_pointer (&s->rows, g_ptr_array_unref);
	g_clear_pointer (&s->arena, ox_arena_free);
}

void
ox_op_sort_set_bound (OxOp *sort, int64_t n)
{
	((SortOp *) sort)->bound = n > 0 ? n : -1;  /* LIMIT 0: keep nothing */
}

OxOp *
ox_op_sort_new (OxExec *x, OxArena *a, OxOp *child, int *cols, bool *desc, bool *nulls_first, int n, OxQuery *q)
{
	SortOp *s = OX_NEW (a, SortOp);
	s->op.kind = OX_OP_SORT;
	s->op.ncols = child->ncols;
	s->op.left = child;
	s->op.open = sort_open;
	s->op.next = sort_next;
	s->op.close = sort_close;
	s->op.rescan = sort_rescan;
	s->cols = cols;
	s->desc = desc;
	s->nf = nulls_first;
	s->n = n;
	if (q && q->targets) {
		s->names = OX_NEW_N (a, const char *, n);
		for (int i = 0; i < n; i++) {
			if (cols[i] < (int) q->targets->len) {
				OxTarget *t = q->targets->pdata[cols[i]];
				s->names[i] = q->setop || q->values ? t->name : ox_expr_deparse (a, t->expr, q);
			} else
				s->names[i] = NULL;
		}
	}
	return &s->op;
}

typedef struct LimitOp {
	OxOp    op;
	OxExpr *limit, *offset;
	int64_t lim, off, seen;
} LimitOp;

static void
limit_start (LimitOp *l, OxExec *x)
{
	l->lim = -1;
	l->off = 0;
	l->seen = 0;
	if (l->limit) {
		OxValue v = ox_eval (l->limit, x, NULL, x->run_arena);
		if (!v.null) {
			if (v.v.i < 0)
				ox_raise ("2201W", 0, "LIMIT must not be negative");
			l->lim = v.v.i;
		}
	}
	if (l->offset) {
		OxValue v = ox_eval (l->offset, x, NULL, x->run_arena);
		if (!v.null) {
			if (v.v.i < 0)
				ox_raise ("2201X", 0, "OFFSET must not be negative");
			l->off = v.v.i;
		}
	}
}

static void
limit_open (OxOp *op, OxExec *x)
{
	child_open (op, x);
	limit_start ((LimitOp *) op, x);
}

static void
limit_rescan (OxOp *op, OxExec *x)
{
	child_rescan (op, x);
	limit_start ((LimitOp *) op, x);
}

static OxValue *
limit_next (OxOp *op, OxExec *x)
{
	LimitOp *l = (LimitOp *) op;
	while (l->off > 0) {
		if (!op->left->next (op->left, x))
			return NULL;
		l->off--;
	}
	if (l->lim >= 0 && l->seen >= l->lim)
		return NULL;
	OxValue *r = op->left->next (op->left, x);
	if (r)
		l->seen++;
	RETURN_ROW (op, r);
}

OxOp *
ox_op_limit_new (OxExec *x, OxArena *a, OxOp *child, OxExpr *limit, OxExpr *offset)
{
	LimitOp *l = OX_NEW (a, LimitOp);
	l->op.kind = OX_OP_LIMIT;
	l->op.ncols = child->ncols;
	l->op.left = child;
	l->op.open = limit_open;
	l->op.next = limit_next;
	l->op.close = noop_close;
	l->op.rescan = limit_rescan;
	l->limit = limit;
	l->offset = offset;
	return &l->op;
}

typedef struct DistinctOp {
	OxOp     op;
	HTable   ht;
	OxArena *arena;
} DistinctOp;

static void
distinct_reset (DistinctOp *d)
{
	if (d->ht.b)
		ht_free (&d->ht);
	if (!d->arena)
		d->arena = ox_arena_new ();
	ox_arena_reset (d->arena);
	ht_init (&d->ht, d->op.ncols);
}

static void
distinct_open (OxOp *op, OxExec *x)
{
	child_open (op, x);
	distinct_reset ((DistinctOp *) op);
}

static void
distinct_rescan (OxOp *op, OxExec *x)
{
	child_rescan (op, x);
	distinct_reset ((DistinctOp *) op);
}

static OxValue *
distinct_next (OxOp *op, OxExec *x)
{
	DistinctOp *d = (DistinctOp *) op;
	OxValue *r;
	while ((r = op->left->next (op->left, x)) != NULL) {
		uint32_t h = ox_row_hash (r, NULL, op->ncols);
		if (ht_find (&d->ht, h, r))
			continue;
		OxValue *c = copy_row (d->arena, r, op->ncols);
		ht_insert (&d->ht, d->arena, h, c);
		RETURN_ROW (op, c);
	}
	return NULL;
}

static void
distinct_close (OxOp *op, OxExec *x)
{
	DistinctOp *d = (DistinctOp *) op;
	if (d->ht.b)
		ht_free (&d->ht);
	g_clear_pointer (&d->arena, ox_arena_free);
}

OxOp *
ox_op_distinct_new (OxExec *x, OxArena *a, OxOp *child, int ncols)
{
	DistinctOp *d = OX_NEW (a, DistinctOp);
	d->op.kind = OX_OP_DISTINCT;
	d->op.ncols = ncols;
	d->op.left = child;
	d->op.open = distinct_open;
	d->op.next = distinct_next;
	d->op.close = distinct_close;
	d->op.rescan = distinct_rescan;
	return &d->op;
}

typedef struct AppendOp {
	OxOp op;
	bool on_right;
} AppendOp;

static void
append_open (OxOp *op, OxExec *x)
{
	child_open (op, x);
	((AppendOp *) op)->on_right = false;
}

static void
append_rescan (OxOp *op, OxExec *x)
{
	child_rescan (op, x);
	((AppendOp *) op)->on_right = false;
}

static OxValue *
append_next (OxOp *op, OxExec *x)
{
	AppendOp *ap = (AppendOp *) op;
	if (!ap->on_right) {
		OxValue *r = op->left->next (op->left, x);
		if (r)
			RETURN_ROW (op, r);
		ap->on_right = true;
	}
	RETURN_ROW (op, op->right->next (op->right, x));
}

OxOp *
ox_op_append_new (OxExec *x, OxArena *a, OxOp *l, OxOp *r, int ncols)
{
	AppendOp *ap = OX_NEW (a, AppendOp);
	ap->op.kind = OX_OP_APPEND;
	ap->op.ncols = ncols;
	ap->op.left = l;
	ap->op.right = r;
	ap->op.open = append_open;
	ap->op.next = append_next;
	ap->op.close = noop_close;
	ap->op.rescan = append_rescan;
	return &ap->op;
}

typedef struct SetOpOp {
	OxOp     op;
	OxSetOp  kind;
	bool     all;
	HTable   ht;
	OxArena *arena;
	bool     built;
	HEntry  *it;
	int64_t  emit_left;  /* copies of it still to emit */
} SetOpOp;

static void
setop_reset (SetOpOp *s)
{
	if (s->ht.b)
		ht_free (&s->ht);
	if (!s->arena)
		s->arena = ox_arena_new ();
	ox_arena_reset (s->arena);
	s->built = false;
	s->it = NULL;
	s->emit_left = 0;
}

static void
setop_open (OxOp *op, OxExec *x)
{
	child_open (op, x);
	setop_reset ((SetOpOp *) op);
}

static void
setop_rescan (OxOp *op, OxExec *x)
{
	child_rescan (op, x);
	setop_reset ((SetOpOp *) op);
}

static OxValue *
setop_next (OxOp *op, OxExec *x)
{
	SetOpOp *s = (SetOpOp *) op;
	if (!s->built) {
		ht_init (&s->ht, op->ncols);
		for (int side = 0; side < 2; side++) {
			OxOp *in = side ? op->right : op->left;
			OxValue *r;
			while ((r = in->next (in, x)) != NULL) {
				uint32_t h = ox_row_hash (r, NULL, op->ncols);
				HEntry *e = ht_find (&s->ht, h, r);
				if (!e) {
					if (side == 1)
						continue;  /* rows only on the right never appear */
					e = ht_insert (&s->ht, s->arena, h, copy_row (s->arena, r, op->ncols));
				}
				e->cnt[side]++;
			}
		}
		s->built = true;
		s->it = s->ht.first;
		s->emit_left = 0;
	}
	for (;;) {
		if (s->emit_left > 0 && s->it) {
			s->emit_left--;
			OxValue *row = s->it->key;
			if (s->emit_left == 0)
				s->it = s->it->order;
			RETURN_ROW (op, row);
		}
		if (!s->it)
			return NULL;
		HEntry *e = s->it;
		int64_t n;
		if (s->kind == OX_SETOP_INTERSECT)
			n = s->all ? MIN (e->cnt[0], e->cnt[1]) : (e->cnt[0] > 0 && e->cnt[1] > 0);
		else
			n = s->all ? MAX (e->cnt[0] - e->cnt[1], 0) : (e->cnt[0] > 0 && e->cnt[1] == 0);
		if (n == 0) {
			s->it = e->order;
			continue;
		}
		s->emit_left = n;
	}
}

static void
setop_close (OxOp *op, OxExec *x)
{
	SetOpOp *s = (SetOpOp *) op;
	if (s->ht.b)
		ht_free (&s->ht);
	g_clear_pointer (&s->arena, ox_arena_free);
}

OxOp *
ox_op_setop_new (OxExec *x, OxArena *a, OxOp *l, OxOp *r, OxSetOp kind, bool all, int ncols)
{
	SetOpOp *s = OX_NEW (a, SetOpOp);
	s->op.kind = OX_OP_SETOP;
	s->op.ncols = ncols;
	s->op.left = l;
	s->op.right = r;
	s->op.open = setop_open;
	s->op.next = setop_next;
	s->op.close = setop_close;
	s->op.rescan = setop_rescan;
	s->kind = kind;
	s->all = all;
	return &s->op;
}

/* ---- DML ------------------------------------------------------------------------------------------ */

typedef struct ModifyOp {
	OxOp      op;
	OxTable  *table;
	int      *cols;      /* INSERT: source column -> table column */
	int       ncols_src;
	OxExpr  **defaults;  /* INSERT */
	int      *colpos;    /* UPDATE/DELETE: table column (and ctid) -> input position */
	OxExpr  **sets;      /* UPDATE */
	OxExpr  **checks;
	OxExpr  **ret;
	int       nret;
	bool      single;
	OxExpr   *recheck;
	OxExpr  **sets_single;
	OxValue  *newrow;
	OxValue  *retrow;
	OxValue  *retin;     /* UPDATE/DELETE: input row with new values, for RETURNING */
	OxValue  *tmprow;
	OxValue  *oldrow;    /* UPDATE/DELETE: the version changed, decoded (for triggers, RETURNING) */
	OxArena  *tmp;
	bool      done;
	OxTrigSet *trig;     /* NULL: the table has no triggers for this event */
	bool     *set_cols;  /* UPDATE: columns assigned (UPDATE OF triggers) */
	bool      after_row; /* AFTER ROW triggers exist: queue rows */
	bool      finished;  /* AFTER STATEMENT triggers have run */
} ModifyOp;

void
ox_op_modify_set_triggers (OxOp *op, OxTrigSet *ts, bool *set_cols)
{
	ModifyOp *m = (ModifyOp *) op;
	m->trig = ts;
	m->set_cols = set_cols;
	m->after_row = ox_trigset_has_row (ts, false);
}

/* The statement's rows are all written: AFTER triggers. */
static void
modify_finish (ModifyOp *m, OxExec *x)
{
	if (m->trig && !m->finished) {
		m->finished = true;
		ox_trigset_after_statement (x, m->trig, m->set_cols);
	}
}

static void
failing_row (GString *s, OxArena *a, OxExec *x, const OxValue *row, int n)
{
	g_string_append (s, "Failing row contains (");
	for (int i = 0; i < n; i++) {
		if (i)
			g_string_append (s, ", ");
		g_string_append (s, row[i].null ? "null" : ox_value_out (a, &x->cx, &row[i], NULL));
	}
	g_string_append (s, ").");
}

static void
check_row (ModifyOp *m, OxExec *x, const OxValue *row)
{
	OxTable *t = m->table;
	for (int c = 0; c < t->ncols; c++) {
		if (t->cols[c].notnull && row[c].null) {
			GString *d = g_string_new (NULL);
			failing_row (d, m->tmp, x, row, t->ncols);
			char *detail = g_string_free (d, FALSE);
			char *msg = g_strdup_printf ("null value in column \"%s\" of relation \"%s\" violates not-null constraint",
			                             t->cols[c].name, t->obj.name);
			OxErrorData e = { 0 };
			g_strlcpy (e.sqlstate, OX_ERR_NOT_NULL_VIOLATION, sizeof e.sqlstate);
			e.message = msg;
			e.detail = detail;
			ox_error_rethrow (&e);
		}
	}
	for (int i = 0; i < t->nchecks; i++) {
		OxValue v = ox_eval (m->checks[i], x, row, m->tmp);
		if (!v.null && !v.v.b) {
			GString *d = g_string_new (NULL);
			failing_row (d, m->tmp, x, row, t->ncols);
			char *detail = g_string_free (d, FALSE);
			OxErrorData e = { 0 };
			g_strlcpy (e.sqlstate, OX_ERR_CHECK_VIOLATION, sizeof e.sqlstate);
			e.message = g_strdup_printf ("new row for relation \"%s\" violates check constraint \"%s\"",
			                             t->obj.name, t->checks[i].name);
			e.detail = detail;
			ox_error_rethrow (&e);
		}
	}
}

static OxValue *
returning_row (ModifyOp *m, OxExec *x, const OxValue *row)
{
	for (int i = 0; i < m->nret; i++)
		m->retrow[i] = ox_eval (m->ret[i], x, row, m->tmp);
	return m->retrow;
}

static void
modify_open (OxOp *op, OxExec *x)
{
	ModifyOp *m = (ModifyOp *) op;
	op->loops++;
	if (op->left)
		op->left->open (op->left, x);
	if (!m->tmp)
		m->tmp = ox_arena_new ();
	m->done = false;
	m->finished = false;
	x->in_dml = true;
	if (m->trig) {
		ox_trigset_reset (m->trig);
		ox_trigset_before_statement (x, m->trig, m->set_cols);
	}
}

static void
modify_close (OxOp *op, OxExec *x)
{
	ModifyOp *m = (ModifyOp *) op;
	g_clear_pointer (&m->tmp, ox_arena_free);
	ox_trigset_reset (m->trig);
}

static OxValue *
insert_next (OxOp *op, OxExec *x)
{
	ModifyOp *m = (ModifyOp *) op;
	OxTable *t = m->table;
	while (!m->done) {
		OxValue *src = NULL;
		if (op->left) {
			src = op->left->next (op->left, x);
			if (!src) {
				m->done = true;
				break;
			}
		} else
			m->done = true;  /* DEFAULT VALUES: one row */
		ox_arena_reset (m->tmp);
		bool *given = ox_arena_alloc0 (m->tmp, sizeof (bool) * (size_t) t->ncols);
		for (int i = 0; src && i < m->ncols_src; i++) {
			m->newrow[m->cols[i]] = src[i];
			given[m->cols[i]] = true;
		}
		for (int c = 0; c < t->ncols; c++)
			if (!given[c])
				m->newrow[c] = ox_eval (m->defaults[c], x, NULL, m->tmp);
		/* values typed by assignment in the binder; a NULL may still carry
		 * the source's type id, which storage does not care about */
		for (int c = 0; c < t->ncols; c++)
			if (m->newrow[c].null)
				m->newrow[c] = ox_null (t->cols[c].type.id);
		if (t->view_query) {
			/* INSERT into a view: its INSTEAD OF trigger does the work */
			OxValue *r = ox_trigset_instead_row (x, m->trig, m->newrow, NULL, m->tmp);
			if (!r)
				continue;
			x->changes++;
			if (m->nret)
				RETURN_ROW (op, returning_row (m, x, r));
			continue;
		}
		if (m->trig && ox_trigset_has_row (m->trig, true)) {
			OxValue *r = ox_trigset_before_row (x, m->trig, m->newrow, NULL, NULL, m->tmp);
			if (!r)
				continue;  /* a BEFORE trigger skipped the row */
			if (r != m->newrow)
				memcpy (m->newrow, r, sizeof (OxValue) * (size_t) t->ncols);
		}
		check_row (m, x, m->newrow);
		uint64_t rowid, wait_id = 0;
		for (;;) {
			OxWriteResult r = ox_table_insert (x->txn, t->data, m->newrow, &rowid, &wait_id);
			if (r == OX_WRITE_OK)
				break;
			ox_txn_wait_for (x->txn, wait_id);
		}
		x->changes++;
		if (m->after_row)
			ox_trigset_queue_after_row (x, m->trig, m->newrow, NULL);
		if (m->nret)
			RETURN_ROW (op, returning_row (m, x, m->newrow));
	}
	modify_finish (m, x);
	return NULL;
}

OxOp *
ox_op_insert_new (OxExec *x, OxArena *a, OxTable *t, OxOp *src, int *cols, int ncols, OxExpr **defaults,
                  OxExpr **checks, OxExpr **ret, int nret)
{
	ModifyOp *m = OX_NEW (a, ModifyOp);
	m->op.kind = OX_OP_INSERT;
	m->op.ncols = nret;
	m->op.left = src;
	m->op.open = modify_open;
	m->op.next = insert_next;
	m->op.close = modify_close;
	m->op.rescan = modify_open;
	m->table = t;
	m->cols = cols;
	m->ncols_src = ncols;
	m->defaults = defaults;
	m->checks = checks;
	m->ret = ret;
	m->nret = nret;
	m->newrow = OX_NEW_N (a, OxValue, t->ncols + 2);
	m->retrow = OX_NEW_N (a, OxValue, nret > 0 ? nret : 1);
	return &m->op;
}

/* UPDATE or DELETE of a view row: OLD is the view's row, NEW the updated
 * one; the INSTEAD OF trigger writes (or not: NULL skips the row). */
static OxValue *
instead_of_row (ModifyOp *m, OxOp *op, OxExec *x, OxValue *row)
{
	OxTable *t = m->table;
	bool is_update = op->kind == OX_OP_UPDATE;
	OxValue *old = OX_NEW_N (m->tmp, OxValue, t->ncols);
	for (int c = 0; c < t->ncols; c++)
		old[c] = m->colpos[c] >= 0 ? row[m->colpos[c]] : ox_null (t->cols[c].type.id);
	OxValue *nw = NULL;
	if (is_update) {
		nw = m->newrow;
		for (int c = 0; c < t->ncols; c++)
			nw[c] = m->sets[c] ? ox_eval (m->sets[c], x, row, m->tmp) : old[c];
	}
	OxValue *res = ox_trigset_instead_row (x, m->trig, nw, old, m->tmp);
	if (!res)
		return NULL;
	x->changes++;
	if (!m->nret)
		return NULL;
	int w = op->left->ncols;
	memcpy (m->retin, row, sizeof (OxValue) * (size_t) w);
	for (int c = 0; c < t->ncols; c++)
		if (m->colpos[c] >= 0)
			m->retin[m->colpos[c]] = is_update ? res[c] : old[c];
	return returning_row (m, x, m->retin);
}

static OxValue *
modify_next (OxOp *op, OxExec *x)
{
	ModifyOp *m = (ModifyOp *) op;
	OxTable *t = m->table;
	bool is_update = op->kind == OX_OP_UPDATE;
	for (;;) {
		OxValue *row = op->left->next (op->left, x);
		if (!row) {
			modify_finish (m, x);
			return NULL;
		}
		ox_arena_reset (m->tmp);
		if (t->view_query) {
			OxValue *ret = instead_of_row (m, op, x, row);
			if (ret)
				RETURN_ROW (op, ret);
			continue;
		}
		uint64_t rowid = (uint64_t) row[m->colpos[t->ncols]].v.i;
		OxRow seen = (OxRow) (intptr_t) row[m->colpos[t->ncols + 1]].v.i;
		OxValue *old = NULL;  /* seen decoded into m->oldrow, when first needed */
#define OLD_ROW() (old ? old : (ox_tuple_decode (t->data->fmt, seen, m->oldrow), old = m->oldrow))
		OxExpr **sets = m->sets;
		const OxValue *cur = row;
		bool by_pos = true;  /* cur is an input row (positions via colpos) vs a table row */
		for (;;) {
			const OxValue *vals = NULL;
			if (is_update) {
				for (int c = 0; c < t->ncols; c++) {
					if (sets[c])
						m->newrow[c] = ox_eval (sets[c], x, cur, m->tmp);
					else
						m->newrow[c] = cur[by_pos ? m->colpos[c] : c];
					if (m->newrow[c].null)
						m->newrow[c] = ox_null (t->cols[c].type.id);
				}
				if (m->trig && ox_trigset_has_row (m->trig, true)) {
					OxValue *r = ox_trigset_before_row (x, m->trig, m->newrow, OLD_ROW (), m->set_cols, m->tmp);
					if (!r)
						break;  /* skipped by a BEFORE trigger */
					if (r != m->newrow)
						memcpy (m->newrow, r, sizeof (OxValue) * (size_t) t->ncols);
				}
				check_row (m, x, m->newrow);
				vals = m->newrow;
			} else if (m->trig && ox_trigset_has_row (m->trig, true)) {
				if (!ox_trigset_before_row (x, m->trig, NULL, OLD_ROW (), NULL, m->tmp))
					break;
			}
			uint64_t wait_id = 0;
			OxRow latest = NULL;
			OxWriteResult r = ox_table_update (x->txn, t->data, rowid, seen, vals, &wait_id, &latest);
			if (r == OX_WRITE_OK) {
				x->changes++;
				if (m->after_row)
					ox_trigset_queue_after_row (x, m->trig, is_update ? m->newrow : NULL, OLD_ROW ());
				if (m->nret) {
					/* RETURNING sees the input row (FROM/USING tables
					 * included) with the result table's columns holding
					 * the new row (UPDATE) or the deleted one (DELETE) */
					int w = op->left->ncols;
					if (by_pos)
						memcpy (m->retin, cur, sizeof (OxValue) * (size_t) w);
					for (int c = 0; c < t->ncols; c++) {
						int pos = by_pos ? m->colpos[c] : c;
						if (pos >= 0)
							m->retin[pos] = is_update ? m->newrow[c] : OLD_ROW ()[c];
					}
					RETURN_ROW (op, returning_row (m, x, m->retin));
				}
				break;
			}
			if (r == OX_WRITE_SELF_UPDATED) {
				/* changed earlier by this same command (a join naming the row
				 * twice): nothing more to do, as in PostgreSQL.  Changed by a
				 * command this one set off (a BEFORE trigger, a function):
				 * the result would depend on the order rows are visited */
				if (ox_table_head_cid (t->data, rowid) > x->txn->cid)
					ox_raise_full ("27000", 0, NULL,
					               "Consider using an AFTER trigger instead of a BEFORE trigger to propagate changes to other rows.",
					               "tuple to be %s was already modified by an operation triggered by the current command",
					               is_update ? "updated" : "deleted");
				break;
			}
			if (r == OX_WRITE_WAIT) {
				ox_txn_wait_for (x->txn, wait_id);
				continue;
			}
			/* OX_WRITE_CONCURRENT */
			if (x->txn->iso != OX_ISO_READ_COMMITTED)
				ox_raise (OX_ERR_SERIALIZATION, 0, "could not serialize access due to concurrent %s",
				          latest ? "update" : "delete");
			if (!latest)
				break;  /* deleted meanwhile: nothing to do, as in PostgreSQL */
			if (!m->single)
				ox_raise (OX_ERR_SERIALIZATION, 0,
				          "could not serialize access due to concurrent update (joined UPDATE/DELETE)");
			/* EvalPlanQual: re-check the newest version against WHERE and
			 * recompute the new values from it. */
			ox_tuple_decode (t->data->fmt, latest, m->tmprow);
			m->tmprow[t->ncols] = ox_int (OX_T_INT8, (int64_t) rowid);
			m->tmprow[t->ncols + 1] = ox_int (OX_T_INT8, (int64_t) (intptr_t) latest);
			if (m->recheck && !ox_eval_qual (m->recheck, x, m->tmprow, m->tmp))
				break;
			seen = latest;
			old = NULL;
			cur = m->tmprow;
			by_pos = false;
			sets = m->sets_single;
		}
	}
}
#undef OLD_ROW

OxOp *
ox_op_modify_new (OxExec *x, OxArena *a, OxOpKind kind, OxTable *t, OxOp *src, int *colpos, OxExpr **sets,
                  OxExpr **checks, OxExpr **ret, int nret, bool single, OxExpr *recheck, OxExpr **sets_single)
{
	ModifyOp *m = OX_NEW (a, ModifyOp);
	m->op.kind = kind;
	m->op.ncols = nret;
	m->op.left = src;
	m->op.open = modify_open;
	m->op.next = modify_next;
	m->op.close = modify_close;
	m->op.rescan = modify_open;
	m->table = t;
	m->colpos = colpos;
	m->sets = sets;
	m->checks = checks;
	m->ret = ret;
	m->nret = nret;
	m->single = single;
	m->recheck = recheck;
	m->sets_single = sets_single;
	m->newrow = OX_NEW_N (a, OxValue, t->ncols + 2);
	m->tmprow = OX_NEW_N (a, OxValue, t->ncols + 2);
	m->oldrow = OX_NEW_N (a, OxValue, t->ncols + 1);
	m->retrow = OX_NEW_N (a, OxValue, nret > 0 ? nret : 1);
	m->retin = OX_NEW_N (a, OxValue, (src->ncols > t->ncols + 2 ? src->ncols : t->ncols + 2));
	return &m->op;
}

/* ---- tree helpers and EXPLAIN ------------------------------------------------------------------------ */

/* The subplans of an operator's expressions, appended to *out, which is
 * made by the first one: most operators have none, and closing a plan
 * after every run should not allocate. */
static void
collect_subplans (OxExpr *e, GPtrArray **out)
{
	if (!e)
		return;
	if (e->kind == OX_E_SUBLINK && e->subplan) {
		if (!*out)
			*out = g_ptr_array_new ();
		g_ptr_array_add (*out, e->subplan);
	}
	for (int i = 0; i < e->nargs; i++)
		collect_subplans (e->args[i], out);
}

static void
op_subplans (OxOp *op, GPtrArray **out)
{
	switch (op->kind) {
	case OX_OP_SEQSCAN:
	case OX_OP_INDEXSCAN:
		collect_subplans (((OxScanCommon *) op)->filter, out);
		break;
	case OX_OP_FILTER:
		collect_subplans (((FilterOp *) op)->qual, out);
		break;
	case OX_OP_PROJECT: {
		ProjectOp *p = (ProjectOp *) op;
		for (int i = 0; i < p->n; i++)
			collect_subplans (p->exprs[i], out);
		break;
	}
	case OX_OP_NESTLOOP:
		collect_subplans (((NestLoopOp *) op)->qual, out);
		break;
	case OX_OP_HASHJOIN:
		collect_subplans (((HashJoinOp *) op)->residual, out);
		break;
	case OX_OP_AGG: {
		AggOp *g = (AggOp *) op;
		for (int i = 0; i < g->naggs; i++)
			collect_subplans (g->aggs[i]->arg, out);
		for (int i = 0; i < g->nkeys; i++)
			collect_subplans (g->keys[i], out);
		break;
	}
	case OX_OP_VALUES: {
		ValuesOp *v = (ValuesOp *) op;
		for (int r = 0; r < v->nrows; r++)
			for (int c = 0; c < v->ncols; c++)
				collect_subplans (v->rows[r][c], out);
		break;
	}
	case OX_OP_UPDATE: {
		ModifyOp *m = (ModifyOp *) op;
		for (int c = 0; c < m->table->ncols; c++)
			collect_subplans (m->sets[c], out);
		break;
	}
	default:
		break;
	}
}

void
ox_op_close_tree (OxOp *op, OxExec *x)
{
	if (!op)
		return;
	GPtrArray *subs = NULL;
	if (!op->no_subplans) {
		op_subplans (op, &subs);
		/* a plan's expressions never change: look once */
		op->no_subplans = subs == NULL;
	}
	for (guint i = 0; subs && i < subs->len; i++) {
		OxSubPlan *sp = subs->pdata[i];
		ox_op_close_tree (sp->plan, x);
		g_clear_pointer (&sp->arena, ox_arena_free);
		/* a reused plan starts its subplans afresh: opened again, and no
		 * cached result from another snapshot */
		sp->opened = false;
		sp->cached = false;
	}
	if (subs)
		g_ptr_array_unref (subs);
	if (op->kind != OX_OP_SUBQUERY) {
		ox_op_close_tree (op->left, x);
		ox_op_close_tree (op->right, x);
	}
	op->close (op, x);
}

static const char *
jt_name (OxJoinType jt)
{
	switch (jt) {
	case OX_JOIN_LEFT: return " Left";
	case OX_JOIN_RIGHT: return " Right";
	case OX_JOIN_FULL: return " Full";
	default: return "";
	}
}

/* An index scan's bounds: "k = 3 AND v >= 2". */
static void
index_cond (GString *s, OxIndexScanOp *is, OxArena *a)
{
	OxScanCommon *sc = &is->sc;
	const char *sep = "";
	for (int i = 0; i < is->neq; i++) {
		g_string_append_printf (s, "%s%s = %s", sep, sc->table->cols[is->index->colnos[i]].name,
		                        ox_expr_deparse (a, is->eq[i], NULL));
		sep = " AND ";
	}
	if (is->lo) {
		g_string_append_printf (s, "%s%s %s %s", sep, sc->table->cols[is->index->colnos[is->neq]].name,
		                        is->lo_incl ? ">=" : ">", ox_expr_deparse (a, is->lo, NULL));
		sep = " AND ";
	}
	if (is->hi)
		g_string_append_printf (s, "%s%s %s %s", sep, sc->table->cols[is->index->colnos[is->neq]].name,
		                        is->hi_incl ? "<=" : "<", ox_expr_deparse (a, is->hi, NULL));
}

static char *
op_label (OxOp *op, OxArena *a)
{
	GString *s = g_string_new (NULL);
	switch (op->kind) {
	case OX_OP_SEQSCAN:
	case OX_OP_INDEXSCAN: {
		OxScanCommon *sc = (OxScanCommon *) op;
		if (op->kind == OX_OP_SEQSCAN)
			g_string_append_printf (s, "Seq Scan on %s", sc->table->obj.name);
		else
			g_string_append_printf (s, "Index Scan using %s on %s", ((OxIndexScanOp *) op)->index->obj.name,
			                        sc->table->obj.name);
		if (sc->alias && strcmp (sc->alias, sc->table->obj.name))
			g_string_append_printf (s, " %s", sc->alias);
		if (op->kind == OX_OP_INDEXSCAN) {
			g_string_append (s, " (index cond: ");
			index_cond (s, (OxIndexScanOp *) op, a);
			g_string_append_c (s, ')');
		}
		if (sc->filter)
			g_string_append_printf (s, " (filter: %s)", ox_expr_deparse (a, sc->filter, NULL));
		break;
	}
	case OX_OP_SUBQUERY: {
		SubqueryOp *sq = (SubqueryOp *) op;
		if (sq->view)
			g_string_append_printf (s, "Subquery Scan on %s (view %s)", sq->alias, sq->view);
		else if (sq->alias)
			g_string_append_printf (s, "Subquery Scan on %s", sq->alias);
		else
			g_string_append (s, "Subquery Scan");
		break;
	}
	case OX_OP_FILTER:
		g_string_append_printf (s, "Filter (%s)", ox_expr_deparse (a, ((FilterOp *) op)->qual, NULL));
		break;
	case OX_OP_COPY:
		g_string_append (s, "COPY source");
		break;
	case OX_OP_FUNCSCAN: {
		FuncScanOp *f = (FuncScanOp *) op;
		const char *fname = f->builtin == OX_SRF_DDL_COMMANDS ? "ox_event_trigger_ddl_commands"
		                    : f->builtin == OX_SRF_DROPPED_OBJECTS ? "ox_event_trigger_dropped_objects"
		                    : f->builtin >= OX_SRF_GENERATE_SERIES ? f->call->fn->name : f->call->routine->obj.name;
		g_string_append_printf (s, "Function Scan on %s", fname);
		if (f->alias && strcmp (f->alias, fname))
			g_string_append_printf (s, " %s", f->alias);
		break;
	}
	case OX_OP_PROJECT: {
		ProjectOp *p = (ProjectOp *) op;
		g_string_append (s, "Project (");
		for (int i = 0; i < p->n; i++) {
			if (i)
				g_string_append (s, ", ");
			g_string_append (s, ox_expr_deparse (a, p->exprs[i], NULL));
		}
		g_string_append_c (s, ')');
		break;
	}
	case OX_OP_RESULT:
		g_string_append (s, "Result");
		break;
	case OX_OP_VALUES:
		g_string_append_printf (s, "Values Scan (%d row%s)", ((ValuesOp *) op)->nrows,
		                        ((ValuesOp *) op)->nrows == 1 ? "" : "s");
		break;
	case OX_OP_MATERIAL:
		g_string_append (s, "Materialize");
		break;
	case OX_OP_NESTLOOP: {
		NestLoopOp *n = (NestLoopOp *) op;
		g_string_append_printf (s, "Nested Loop%s%s%s", jt_name (n->jt), n->jt == OX_JOIN_INNER ? "" : " Join",
		                        n->lateral ? " (lateral)" : "");
		if (n->qual)
			g_string_append_printf (s, " (join filter: %s)", ox_expr_deparse (a, n->qual, NULL));
		break;
	}
	case OX_OP_HASHJOIN: {
		HashJoinOp *h = (HashJoinOp *) op;
		g_string_append_printf (s, "Hash%s Join (hash cond:", jt_name (h->jt));
		for (int i = 0; i < h->nkeys; i++)
			g_string_append_printf (s, "%s %s = %s", i ? " AND" : "", ox_expr_deparse (a, h->lkeys[i], NULL),
			                        ox_expr_deparse (a, h->rkeys[i], NULL));
		g_string_append_c (s, ')');
		if (h->residual)
			g_string_append_printf (s, " (join filter: %s)", ox_expr_deparse (a, h->residual, NULL));
		break;
	}
	case OX_OP_AGG: {
		AggOp *g = (AggOp *) op;
		if (g->nkeys == 0)
			g_string_append (s, "Aggregate");
		else {
			g_string_append (s, "HashAggregate (group key:");
			for (int i = 0; i < g->nkeys; i++)
				g_string_append_printf (s, "%s %s", i ? "," : "", ox_expr_deparse (a, g->keys[i], NULL));
			g_string_append_c (s, ')');
		}
		break;
	}
	case OX_OP_SORT: {
		SortOp *so = (SortOp *) op;
		g_string_append (s, "Sort (key:");
		for (int i = 0; i < so->n; i++) {
			if (so->names && so->names[i])
				g_string_append_printf (s, "%s %s", i ? "," : "", so->names[i]);
			else
				g_string_append_printf (s, "%s $%d", i ? "," : "", so->cols[i] + 1);
			g_string_append_printf (s, "%s%s", so->desc[i] ? " DESC" : "",
			                        so->nf[i] != so->desc[i] ? (so->nf[i] ? " NULLS FIRST" : " NULLS LAST") : "");
		}
		g_string_append_c (s, ')');
		if (so->bound > 0)
			g_string_append_printf (s, " (top %" G_GINT64_FORMAT ")", so->bound);
		break;
	}
	case OX_OP_LIMIT: {
		LimitOp *l = (LimitOp *) op;
		g_string_append (s, "Limit");
		if (l->limit)
			g_string_append_printf (s, " (limit: %s)", ox_expr_deparse (a, l->limit, NULL));
		if (l->offset)
			g_string_append_printf (s, " (offset: %s)", ox_expr_deparse (a, l->offset, NULL));
		break;
	}
	case OX_OP_DISTINCT:
		g_string_append (s, "HashDistinct");
		break;
	case OX_OP_APPEND:
		g_string_append (s, "Append");
		break;
	case OX_OP_SETOP: {
		SetOpOp *so = (SetOpOp *) op;
		g_string_append_printf (s, "HashSetOp %s%s", so->kind == OX_SETOP_INTERSECT ? "Intersect" : "Except",
		                        so->all ? " All" : "");
		break;
	}
	case OX_OP_INSERT:
		g_string_append_printf (s, "Insert on %s", ((ModifyOp *) op)->table->obj.name);
		break;
	case OX_OP_UPDATE:
		g_string_append_printf (s, "Update on %s", ((ModifyOp *) op)->table->obj.name);
		break;
	case OX_OP_DELETE:
		g_string_append_printf (s, "Delete on %s", ((ModifyOp *) op)->table->obj.name);
		break;
	}
	char *r = ox_arena_strdup (a, s->str);
	g_string_free (s, TRUE);
	return r;
}

const char *
ox_op_label (OxOp *op, OxArena *a)
{
	return op_label (op, a);
}

void
ox_op_subplans (OxOp *op, GPtrArray *out)
{
	op_subplans (op, &out);
}

OxSubPlan *
ox_op_subquery_plan (OxOp *op)
{
	return op->kind == OX_OP_SUBQUERY ? ((SubqueryOp *) op)->sp : NULL;
}

/* "(actual time=0.010..0.012 rows=3 loops=1)", as PostgreSQL prints it:
 * times and rows are averages per loop. */
static void
explain_actual (GString *s, OxOp *op, const OxExplainOpts *o)
{
	if (op->loops == 0) {
		g_string_append (s, " (never executed)");
		return;
	}
	double st, tt;
	if (o->timing && ox_explain_timing_get (op, &st, &tt))
		g_string_append_printf (s, " (actual time=%.3f..%.3f rows=%" G_GUINT64_FORMAT " loops=%" G_GUINT64_FORMAT ")",
		                        st, tt, op->rows_out / op->loops, op->loops);
	else
		g_string_append_printf (s, " (actual rows=%" G_GUINT64_FORMAT " loops=%" G_GUINT64_FORMAT ")",
		                        op->rows_out / op->loops, op->loops);
}

static void
explain_rec (OxOp *op, OxExec *x, const OxExplainOpts *o, int depth, GPtrArray *lines, const char *prefix)
{
	GString *s = g_string_new (NULL);
	if (depth > 0) {
		for (int i = 0; i < (depth - 1) * 6 + 2; i++)
			g_string_append_c (s, ' ');
		g_string_append (s, "->  ");
	}
	if (prefix)
		g_string_append (s, prefix);
	g_string_append (s, op_label (op, x->arena));
	if (o->analyze)
		explain_actual (s, op, o);
	g_ptr_array_add (lines, g_string_free (s, FALSE));
	if (op->kind == OX_OP_SUBQUERY)
		explain_rec (((SubqueryOp *) op)->sp->plan, x, o, depth + 1, lines, NULL);
	else {
		if (op->left)
			explain_rec (op->left, x, o, depth + 1, lines, NULL);
		if (op->right)
			explain_rec (op->right, x, o, depth + 1, lines, NULL);
	}
	GPtrArray *subs = g_ptr_array_new ();
	op_subplans (op, &subs);
	for (guint i = 0; i < subs->len; i++) {
		OxSubPlan *sp = subs->pdata[i];
		char *pre = g_strdup_printf ("SubPlan %d: ", sp->id);
		explain_rec (sp->plan, x, o, depth + 1, lines, pre);
		g_free (pre);
	}
	g_ptr_array_unref (subs);
}

/* ---- EXPLAIN (FORMAT JSON) ---- */

/* JSON output follows PostgreSQL's (explain.c's ExplainProperty* with
 * EXPLAIN_FORMAT_JSON): two spaces per level, one key per line, a
 * comma before each key but the first of an object.  The key names are
 * PostgreSQL's for what we have; node types are PostgreSQL's where an
 * operator is one of its nodes, else the text format's name (Project,
 * Filter, HashDistinct). */
typedef struct JsonOut {
	GString *s;
	int      indent;  /* current nesting, in levels */
	bool     first;   /* no key written yet in the open object or array */
} JsonOut;

static void
json_escape (GString *s, const char *v)
{
	g_string_append_c (s, '"');
	for (const unsigned char *p = (const unsigned char *) v; *p; p++) {
		switch (*p) {
		case '"': g_string_append (s, "\\\""); break;
		case '\\': g_string_append (s, "\\\\"); break;
		case '\n': g_string_append (s, "\\n"); break;
		case '\r': g_string_append (s, "\\r"); break;
		case '\t': g_string_append (s, "\\t"); break;
		default:
			if (*p < 0x20)
				g_string_append_printf (s, "\\u%04x", *p);
			else
				g_string_append_c (s, (char) *p);
		}
	}
	g_string_append_c (s, '"');
}

static void
json_sep (JsonOut *j)
{
	if (!j->first)
		g_string_append_c (j->s, ',');
	g_string_append_c (j->s, '\n');
	for (int i = 0; i < j->indent * 2; i++)
		g_string_append_c (j->s, ' ');
	j->first = false;
}

static void
json_key (JsonOut *j, const char *key)
{
	json_sep (j);
	json_escape (j->s, key);
	g_string_append (j->s, ": ");
}

static void
json_str (JsonOut *j, const char *key, const char *v)
{
	json_key (j, key);
	json_escape (j->s, v);
}

static void
json_raw (JsonOut *j, const char *key, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
json_raw (JsonOut *j, const char *key, const char *fmt, ...)
{
	json_key (j, key);
	va_list ap;
	va_start (ap, fmt);
	g_string_append_vprintf (j->s, fmt, ap);
	va_end (ap);
}

/* Open "key": [ or "key": { (key NULL: an element of an array). */
static void
json_open (JsonOut *j, const char *key, char bracket)
{
	if (key)
		json_key (j, key);
	else
		json_sep (j);
	g_string_append_c (j->s, bracket);
	j->indent++;
	j->first = true;
}

static void
json_close (JsonOut *j, char bracket)
{
	j->indent--;
	j->first = true;  /* no comma: the closing bracket goes on its own line */
	json_sep (j);
	g_string_append_c (j->s, bracket);
}

static const char *
jt_json (OxJoinType jt)
{
	switch (jt) {
	case OX_JOIN_LEFT: return "Left";
	case OX_JOIN_RIGHT: return "Right";
	case OX_JOIN_FULL: return "Full";
	default: return "Inner";
	}
}

static void
json_expr (JsonOut *j, const char *key, OxExpr *e, OxArena *a)
{
	if (e)
		json_str (j, key, ox_expr_deparse (a, e, NULL));
}

static void explain_json_rec (OxOp *op, OxExec *x, const OxExplainOpts *o, JsonOut *j, const char *rel,
                              const char *subplan);

static void
explain_json_rec (OxOp *op, OxExec *x, const OxExplainOpts *o, JsonOut *j, const char *rel, const char *subplan)
{
	OxArena *a = x->arena;
	const char *type = NULL;
	switch (op->kind) {
	case OX_OP_SEQSCAN: type = "Seq Scan"; break;
	case OX_OP_INDEXSCAN: type = "Index Scan"; break;
	case OX_OP_SUBQUERY: type = "Subquery Scan"; break;
	case OX_OP_FILTER: type = "Filter"; break;
	case OX_OP_COPY: type = "COPY source"; break;
	case OX_OP_FUNCSCAN: type = "Function Scan"; break;
	case OX_OP_PROJECT: type = "Project"; break;
	case OX_OP_RESULT: type = "Result"; break;
	case OX_OP_VALUES: type = "Values Scan"; break;
	case OX_OP_MATERIAL: type = "Materialize"; break;
	case OX_OP_NESTLOOP: type = "Nested Loop"; break;
	case OX_OP_HASHJOIN: type = "Hash Join"; break;
	case OX_OP_AGG: type = "Aggregate"; break;
	case OX_OP_SORT: type = "Sort"; break;
	case OX_OP_LIMIT: type = "Limit"; break;
	case OX_OP_DISTINCT: type = "HashDistinct"; break;
	case OX_OP_APPEND: type = "Append"; break;
	case OX_OP_SETOP: type = "SetOp"; break;
	case OX_OP_INSERT:
	case OX_OP_UPDATE:
	case OX_OP_DELETE: type = "ModifyTable"; break;
	}
	json_str (j, "Node Type", type);
	if (rel)
		json_str (j, "Parent Relationship", rel);
	if (subplan)
		json_str (j, "Subplan Name", subplan);
	/* what the operator works on */
	switch (op->kind) {
	case OX_OP_SEQSCAN:
	case OX_OP_INDEXSCAN: {
		OxScanCommon *sc = (OxScanCommon *) op;
		if (op->kind == OX_OP_INDEXSCAN)
			json_str (j, "Index Name", ((OxIndexScanOp *) op)->index->obj.name);
		json_str (j, "Relation Name", sc->table->obj.name);
		json_str (j, "Alias", sc->alias ? sc->alias : sc->table->obj.name);
		break;
	}
	case OX_OP_SUBQUERY: {
		SubqueryOp *sq = (SubqueryOp *) op;
		if (sq->alias)
			json_str (j, "Alias", sq->alias);
		break;
	}
	case OX_OP_FUNCSCAN: {
		FuncScanOp *f = (FuncScanOp *) op;
		const char *fname = f->builtin == OX_SRF_DDL_COMMANDS ? "ox_event_trigger_ddl_commands"
		                    : f->builtin == OX_SRF_DROPPED_OBJECTS ? "ox_event_trigger_dropped_objects"
		                    : f->builtin >= OX_SRF_GENERATE_SERIES ? f->call->fn->name : f->call->routine->obj.name;
		json_str (j, "Function Name", fname);
		json_str (j, "Alias", f->alias ? f->alias : fname);
		break;
	}
	case OX_OP_NESTLOOP:
		json_str (j, "Join Type", jt_json (((NestLoopOp *) op)->jt));
		break;
	case OX_OP_HASHJOIN:
		json_str (j, "Join Type", jt_json (((HashJoinOp *) op)->jt));
		break;
	case OX_OP_AGG:
		json_str (j, "Strategy", ((AggOp *) op)->nkeys ? "Hashed" : "Plain");
		break;
	case OX_OP_SETOP: {
		SetOpOp *so = (SetOpOp *) op;
		json_str (j, "Command", so->kind == OX_SETOP_INTERSECT ? (so->all ? "Intersect All" : "Intersect")
		                                                       : (so->all ? "Except All" : "Except"));
		json_str (j, "Strategy", "Hashed");
		break;
	}
	case OX_OP_INSERT:
	case OX_OP_UPDATE:
	case OX_OP_DELETE:
		json_str (j, "Operation", op->kind == OX_OP_INSERT ? "Insert" : op->kind == OX_OP_UPDATE ? "Update" : "Delete");
		json_str (j, "Relation Name", ((ModifyOp *) op)->table->obj.name);
		json_str (j, "Alias", ((ModifyOp *) op)->table->obj.name);
		break;
	default:
		break;
	}
	if (o->analyze) {
		double st = 0, tt = 0;
		if (o->timing && op->loops > 0 && ox_explain_timing_get (op, &st, &tt)) {
			json_raw (j, "Actual Startup Time", "%.3f", st);
			json_raw (j, "Actual Total Time", "%.3f", tt);
		} else if (o->timing) {
			json_raw (j, "Actual Startup Time", "0.000");
			json_raw (j, "Actual Total Time", "0.000");
		}
		json_raw (j, "Actual Rows", "%" G_GUINT64_FORMAT, op->loops ? op->rows_out / op->loops : 0);
		json_raw (j, "Actual Loops", "%" G_GUINT64_FORMAT, op->loops);
	}
	/* its conditions and keys */
	switch (op->kind) {
	case OX_OP_SEQSCAN:
	case OX_OP_INDEXSCAN:
		if (op->kind == OX_OP_INDEXSCAN) {
			GString *c = g_string_new ("(");
			index_cond (c, (OxIndexScanOp *) op, a);
			g_string_append_c (c, ')');
			json_str (j, "Index Cond", c->str);
			g_string_free (c, TRUE);
		}
		json_expr (j, "Filter", ((OxScanCommon *) op)->filter, a);
		break;
	case OX_OP_FILTER:
		json_expr (j, "Filter", ((FilterOp *) op)->qual, a);
		break;
	case OX_OP_PROJECT: {
		ProjectOp *p = (ProjectOp *) op;
		json_open (j, "Output", '[');
		for (int i = 0; i < p->n; i++) {
			json_sep (j);
			json_escape (j->s, ox_expr_deparse (a, p->exprs[i], NULL));
		}
		json_close (j, ']');
		break;
	}
	case OX_OP_NESTLOOP:
		json_expr (j, "Join Filter", ((NestLoopOp *) op)->qual, a);
		break;
	case OX_OP_HASHJOIN: {
		HashJoinOp *h = (HashJoinOp *) op;
		GString *c = g_string_new ("(");
		for (int i = 0; i < h->nkeys; i++)
			g_string_append_printf (c, "%s%s = %s", i ? " AND " : "", ox_expr_deparse (a, h->lkeys[i], NULL),
			                        ox_expr_deparse (a, h->rkeys[i], NULL));
		g_string_append_c (c, ')');
		json_str (j, "Hash Cond", c->str);
		g_string_free (c, TRUE);
		json_expr (j, "Join Filter", h->residual, a);
		break;
	}
	case OX_OP_AGG: {
		AggOp *g = (AggOp *) op;
		if (g->nkeys) {
			json_open (j, "Group Key", '[');
			for (int i = 0; i < g->nkeys; i++) {
				json_sep (j);
				json_escape (j->s, ox_expr_deparse (a, g->keys[i], NULL));
			}
			json_close (j, ']');
		}
		break;
	}
	case OX_OP_SORT: {
		SortOp *so = (SortOp *) op;
		json_open (j, "Sort Key", '[');
		for (int i = 0; i < so->n; i++) {
			char *k = so->names && so->names[i] ? g_strdup (so->names[i]) : g_strdup_printf ("$%d", so->cols[i] + 1);
			char *key = g_strdup_printf ("%s%s%s", k, so->desc[i] ? " DESC" : "",
			                             so->nf[i] != so->desc[i] ? (so->nf[i] ? " NULLS FIRST" : " NULLS LAST") : "");
			json_sep (j);
			json_escape (j->s, key);
			g_free (key);
			g_free (k);
		}
		json_close (j, ']');
		break;
	}
	case OX_OP_LIMIT: {
		LimitOp *l = (LimitOp *) op;
		json_expr (j, "Limit", l->limit, a);
		json_expr (j, "Offset", l->offset, a);
		break;
	}
	default:
		break;
	}
	/* children: inputs (outer, inner), a subquery's plan, subplans */
	GPtrArray *subs = g_ptr_array_new ();
	op_subplans (op, &subs);
	bool has_children = op->kind == OX_OP_SUBQUERY || op->left || op->right || subs->len;
	if (has_children) {
		json_open (j, "Plans", '[');
		bool member = op->kind == OX_OP_APPEND || op->kind == OX_OP_SETOP;
		if (op->kind == OX_OP_SUBQUERY) {
			json_open (j, NULL, '{');
			explain_json_rec (((SubqueryOp *) op)->sp->plan, x, o, j, "Subquery", NULL);
			json_close (j, '}');
		} else {
			if (op->left) {
				json_open (j, NULL, '{');
				explain_json_rec (op->left, x, o, j, member ? "Member" : "Outer", NULL);
				json_close (j, '}');
			}
			if (op->right) {
				json_open (j, NULL, '{');
				explain_json_rec (op->right, x, o, j, member ? "Member" : "Inner", NULL);
				json_close (j, '}');
			}
		}
		for (guint i = 0; i < subs->len; i++) {
			OxSubPlan *sp = subs->pdata[i];
			char *name = g_strdup_printf ("SubPlan %d", sp->id);
			json_open (j, NULL, '{');
			explain_json_rec (sp->plan, x, o, j, "SubPlan", name);
			json_close (j, '}');
			g_free (name);
		}
		json_close (j, ']');
	}
	g_ptr_array_unref (subs);
}

GPtrArray *
ox_explain_render (OxOp *op, OxExec *x, const OxExplainOpts *o)
{
	GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
	if (!o->json) {
		explain_rec (op, x, o, 0, lines, NULL);
		if (o->summary)
			g_ptr_array_add (lines, g_strdup_printf ("Planning Time: %.3f ms", o->planning_ms));
		if (o->summary && o->analyze)
			g_ptr_array_add (lines, g_strdup_printf ("Execution Time: %.3f ms", o->execution_ms));
		return lines;
	}
	JsonOut j = { .s = g_string_new ("["), .indent = 1, .first = true };
	json_open (&j, NULL, '{');
	json_open (&j, "Plan", '{');
	explain_json_rec (op, x, o, &j, NULL, NULL);
	json_close (&j, '}');
	if (o->summary)
		json_raw (&j, "Planning Time", "%.3f", o->planning_ms);
	if (o->analyze) {
		json_open (&j, "Triggers", '[');
		json_close (&j, ']');
	}
	if (o->summary && o->analyze)
		json_raw (&j, "Execution Time", "%.3f", o->execution_ms);
	json_close (&j, '}');
	j.indent = 0;
	j.first = true;
	json_sep (&j);
	g_string_append_c (j.s, ']');
	g_ptr_array_add (lines, g_string_free (j.s, FALSE));
	return lines;
}

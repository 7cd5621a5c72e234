/*
 * exec.h — constructors of the physical operators (exec.c) and EXPLAIN.
 *
 * Every operator embeds OxOp first (plan.h).  The planner builds them and
 * fills the expressions; exec.c runs them.
 */
#ifndef OX_EXEC_H
#define OX_EXEC_H

#include "plan/plan.h"

typedef struct OxScanCommon {
	OxOp        op;
	OxTable    *table;
	const char *alias;
	OxExpr     *filter;     /* over the scan's own row (plus ctid columns) */
	OxQual     *qual;       /* filter compiled (ox_qual_compile), or NULL: then filter is used */
	bool        qual_arena; /* qual needs tmp reset per row */
	bool        qual_batch; /* seqscan: qual filters each batch of versions (ox_qual_select) */
	OxColTerm  *cterms;     /* seqscan with qual_batch: conjuncts the column vectors pre-filter */
	int         ncterms;
	bool        emit_ctid;  /* append rowid and version pointer (DML targets) */
	OxArena    *tmp;        /* per-row scratch */
	OxValue    *rowbuf;     /* [nrowbuf * roww]: versions of buf decoded (g_malloc'd
	                           at the first open, freed with the operator's arena) */
	int         nrowbuf;    /* rows in it: 256 (qual_batch: a row per buf entry)
	                           or a ring of 16 */
	int         roww;       /* values a row: the table's columns (+ 2 with ctid) + 1 */
	const uint8_t *need;    /* per column: 1 = read above the scan (the planner's
	                           marks); NULL = every column (DML targets, debugging) */
	OxColStep  *steps;      /* how to decode the columns read (from need, at the
	                           first open and when need changes) */
	int         nsteps;
	const uint8_t *steps_need; /* the need the steps were made for */
	OxValue    *rows[256];  /* qual_batch: the decoded row of each buf entry */
	OxRow       buf[256];
	uint64_t    rowids[256];
	int         nbuf, ibuf;
	uint64_t    pos;
	bool        done;
} OxScanCommon;

typedef struct OxIndexScanOp {
	OxScanCommon sc;
	OxIndex     *index;
	OxExpr     **eq;       /* equality bounds on the first neq key columns */
	int          neq;
	OxExpr      *lo, *hi;  /* range on key column neq (NULL = open) */
	bool         lo_incl, hi_incl;
	bool         has_lo, has_hi;
	OxIndexScan  scan;
	bool         scan_open;
	OxValue     *bounds_lo, *bounds_hi;
	bool         empty;    /* a NULL bound: no row can match */
} OxIndexScanOp;

OxOp *ox_op_seqscan_new (OxExec *x, OxArena *a, OxTable *t, const char *alias, bool emit_ctid);
OxOp *ox_op_indexscan_new (OxExec *x, OxArena *a, OxTable *t, OxIndex *ix, const char *alias, int neq,
                           bool has_lo, bool lo_incl, bool has_hi, bool hi_incl, bool emit_ctid);
OxOp *ox_op_subquery_new (OxExec *x, OxArena *a, OxSubPlan *sp, int ncols, const char *alias, const char *view);
/* Triggers for an INSERT/UPDATE/DELETE operator (NULL: none). */
struct OxTrigSet;
void  ox_op_modify_set_triggers (OxOp *op, struct OxTrigSet *ts, bool *set_cols);
/* A stored function in FROM: calls it at open (and rescan) and returns
 * the rows it produced. */
OxOp *ox_op_funcscan_new (OxExec *x, OxArena *a, OxExpr *call, int ncols, const char *alias);
/* A built-in set-returning function (kind: an OX_SRF_*): the listing
 * functions of event triggers over the session's rows (call NULL), or
 * generate_series, computed a row at a time from call's arguments. */
OxOp *ox_op_funcscan_builtin_new (OxExec *x, OxArena *a, int kind, OxExpr *call, int ncols, const char *alias);
OxOp *ox_op_filter_new (OxExec *x, OxArena *a, OxOp *child, OxExpr *qual);
/* LATERAL: a nested loop (INNER or LEFT) whose right side, a subquery op
 * (ox_op_subquery_new), is bound to each left row and run again. */
OxOp *ox_op_lateral_new (OxExec *x, OxArena *a, OxOp *l, OxOp *r, OxJoinType jt, OxExpr *qual, int lw, int rw);
OxOp *ox_op_hashjoin_new (OxExec *x, OxArena *a, OxOp *l, OxOp *r, OxJoinType jt, OxExpr **lkeys,
                          OxExpr **rkeys, int nkeys, OxExpr *residual, int lw, int rw);
OxOp *ox_op_nestloop_new (OxExec *x, OxArena *a, OxOp *l, OxOp *r, OxJoinType jt, OxExpr *qual, int lw, int rw);
OxOp *ox_op_material_new (OxExec *x, OxArena *a, OxOp *child);
OxOp *ox_op_limit_new (OxExec *x, OxArena *a, OxOp *child, OxExpr *limit, OxExpr *offset);
OxOp *ox_op_sort_new (OxExec *x, OxArena *a, OxOp *child, int *cols, bool *desc, bool *nulls_first, int n,
                      OxQuery *q);
/* Only the first n rows of the sort will be read (a LIMIT above it). */
void  ox_op_sort_set_bound (OxOp *sort, int64_t n);
OxOp *ox_op_project_new (OxExec *x, OxArena *a, OxOp *child, OxExpr **exprs, int n, bool strip);
OxOp *ox_op_append_new (OxExec *x, OxArena *a, OxOp *l, OxOp *r, int ncols);
OxOp *ox_op_distinct_new (OxExec *x, OxArena *a, OxOp *child, int ncols);
OxOp *ox_op_setop_new (OxExec *x, OxArena *a, OxOp *l, OxOp *r, OxSetOp op, bool all, int ncols);
OxOp *ox_op_values_new (OxExec *x, OxArena *a, OxExpr ***rows, int nrows, int ncols);
OxOp *ox_op_result_new (OxExec *x, OxArena *a);
OxOp *ox_op_agg_new (OxExec *x, OxArena *a, OxOp *child, OxExpr **keys, int nkeys, OxAggref **aggs, int naggs);
OxOp *ox_op_insert_new (OxExec *x, OxArena *a, OxTable *t, OxOp *src, int *cols, int ncols, OxExpr **defaults,
                        OxExpr **checks, OxExpr **ret, int nret);
OxOp *ox_op_modify_new (OxExec *x, OxArena *a, OxOpKind kind, OxTable *t, OxOp *src, int *colpos,
                        OxExpr **sets, OxExpr **checks, OxExpr **ret, int nret, bool single,
                        OxExpr *recheck, OxExpr **sets_single);

/* Close every operator of a tree (idempotent; used on error paths too). */
void ox_op_close_tree (OxOp *op, OxExec *x);

/* What EXPLAIN shows (its options, and the summary's times). */
typedef struct OxExplainOpts {
	bool   analyze;       /* rows and loops (the plan has run) */
	bool   timing;        /* and times (ox_explain_timing_attach before it ran) */
	bool   summary;       /* Planning Time, and Execution Time when analyze */
	bool   json;          /* FORMAT JSON: one string, else one line per operator */
	double planning_ms;
	double execution_ms;
} OxExplainOpts;

/* EXPLAIN: one line per operator, children indented under "->", then the
 * summary; or (json) a single element, the whole document, with
 * PostgreSQL's key names. */
GPtrArray *ox_explain_render (OxOp *op, OxExec *x, const OxExplainOpts *o);

/* EXPLAIN (ANALYZE, TIMING) (exec-timing.c): clocks around every
 * operator's calls, before the plan is opened; then an operator's average
 * startup and total times per loop, in milliseconds (false: not timed). */
typedef struct OxOpTiming OxOpTiming;
void ox_explain_timing_attach (OxOp *plan, OxArena *a);
bool ox_explain_timing_get (OxOp *op, double *startup_ms, double *total_ms);
extern uint64_t ox_explain_clock_reads;  /* for tests: clock reads of the trampolines */

/* EXPLAIN's pieces, for the debugger's plan sources (exec-debug.c). */
const char *ox_op_label (OxOp *op, OxArena *a);
void        ox_op_subplans (OxOp *op, GPtrArray *out);   /* OxSubPlan* of op's expressions */
OxSubPlan  *ox_op_subquery_plan (OxOp *op);              /* the plan a SUBQUERY op runs */

/* Query debugging (exec-debug.c): make every operator of a plan report
 * the rows it produces to the session's debugger, as frames whose source
 * is the plan's EXPLAIN text.  Idempotent; a plan attached once keeps
 * costing one branch per row when the session stops debugging queries. */
void        ox_debug_plan_attach (OxOp *plan, OxExec *x, const char *sql, const char *const *colnames,
                                  int ncols);

#endif

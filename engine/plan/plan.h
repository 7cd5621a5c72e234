/*
 * plan.h — bound expressions, queries and the physical operator tree.
 *
 * Three stages turn a parse tree into rows:
 *
 *   binder.c   OxNode (ast.h)  ──►  OxQuery: names resolved to catalog
 *              objects, types resolved, expressions as OxExpr with VAR
 *              nodes naming (range table entry, column).
 *   planner.c  OxQuery  ──►  OxOp tree: join order chosen, filters pushed
 *              down, VARs rewritten to SLOTs (positions in the operator's
 *              input row), subqueries planned into OxSubPlans.
 *   exec.c     OxOp tree  ──►  rows, pulled one at a time through
 *              open / next / close (Volcano style).
 *
 * NOTE: a row returned by an operator's next() stays valid only until the
 * next call of next() on that operator, or its close(); operators that keep
 * rows (sort, hash join, aggregation) copy them into their own arena.
 * NOTE: plans are built per execution and own their state; an OxOp tree is
 * not shared between threads or executions.
 */
#ifndef OX_PLAN_H
#define OX_PLAN_H

#include <glib.h>

#include "base/arena.h"
#include "base/value.h"
#include "base/cast.h"
#include "sql/ast.h"
#include "catalog/catalog.h"
#include "exec/functions.h"

typedef struct OxExec OxExec;
typedef struct OxQuery OxQuery;
typedef struct OxOp OxOp;
typedef struct OxExpr OxExpr;

/* ---- expressions ------------------------------------------------------------ */

typedef enum OxExprKind {
	OX_E_CONST,
	OX_E_VAR,       /* binder: (levelsup, rt, col) */
	OX_E_SLOT,      /* planner: position in the input row */
	OX_E_PARAM,     /* $n of the statement (1-based) */
	OX_E_OUTER,     /* value of an enclosing query's column, via exec params */
	OX_E_OP,        /* built-in operator: fn over args[0], args[1] (unary: args[0]) */
	OX_E_FUNC,      /* built-in function call */
	OX_E_AGG,       /* reference to aggregate #aggno of the query */
	OX_E_AND,
	OX_E_OR,
	OX_E_NOT,
	OX_E_CASE,      /* args: cond0, res0, cond1, res1, ..., [else]; has_else */
	OX_E_COALESCE,
	OX_E_NULLIF,
	OX_E_GREATEST,
	OX_E_LEAST,
	OX_E_NULLTEST,  /* is_not: IS NOT NULL */
	OX_E_BOOLTEST,
	OX_E_CAST,
	OX_E_SUBLINK,
	OX_E_INLIST,    /* args[0] IN (args[1..]) via eq operator */
	OX_E_LIKE,      /* args: value, pattern[, escape] */
	OX_E_DISTINCT,  /* IS DISTINCT FROM via eq operator (is_not: IS NOT DISTINCT) */
	OX_E_TYPEOF,    /* pg_typeof(x): text name of args[0]'s type */
	OX_E_UFUNC,     /* a stored function: routine; args[i] per declared argument
	                   (NULL constants for OUT and TABLE ones) */
} OxExprKind;

typedef OxValue (*OxOpFn) (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r);

typedef enum OxAggKind {
	OX_AGG_COUNT_STAR, OX_AGG_COUNT, OX_AGG_SUM, OX_AGG_AVG, OX_AGG_MIN, OX_AGG_MAX,
	OX_AGG_BOOL_AND, OX_AGG_BOOL_OR, OX_AGG_STRING_AGG, OX_AGG_TOTAL, OX_AGG_GROUP_CONCAT,
} OxAggKind;

typedef struct OxSubPlan OxSubPlan;

struct OxExpr {
	OxExprKind kind;
	OxType     type;      /* result type */
	int        loc;       /* byte offset in the statement, -1 unknown */
	int        nargs;
	OxExpr   **args;
	/* kind-specific */
	OxValue          cval;       /* CONST */
	int              levelsup;   /* VAR: 0 = this query, 1 = parent ... */
	int              rt, col;    /* VAR: range table index (0-based), column */
	int              slot;       /* SLOT */
	const char      *dname;      /* SLOT: display name for EXPLAIN ("t.a") */
	int              paramno;    /* PARAM: $n; OUTER: exec param id */
	OxOpFn           op;         /* OP, INLIST/DISTINCT (equality), CASE-with-arg */
	const char      *opname;     /* OP: "+", "=", ... (for EXPLAIN and errors) */
	const OxBuiltin *fn;         /* FUNC */
	struct OxRoutine *routine;   /* UFUNC */
	int              aggno;      /* AGG */
	bool             is_not;     /* NULLTEST, DISTINCT, INLIST, LIKE */
	bool             has_else;   /* CASE */
	bool             ilike;      /* LIKE */
	OxBoolTestKind   btkind;     /* BOOLTEST */
	bool             explicit_cast; /* CAST */
	/* SUBLINK */
	OxSubLinkKind    sublink_kind;
	OxQuery         *subquery;   /* binder */
	OxSubPlan       *subplan;    /* planner */
	OxOpFn           sub_cmp;    /* ANY/ALL comparison */
	const char      *sub_opname;
};

/* ---- queries ------------------------------------------------------------------ */

/* The built-in set-returning functions a function scan computes itself. */
enum {
	OX_SRF_DDL_COMMANDS = 1,     /* ox_event_trigger_ddl_commands () */
	OX_SRF_DROPPED_OBJECTS = 2,  /* ox_event_trigger_dropped_objects () */
	OX_SRF_GENERATE_SERIES = 3,  /* generate_series (start, stop [, step]): funcexpr */
	OX_SRF_PARTITION_ANCESTORS = 4, /* pg_partition_ancestors (rel): no rows (no partitions) */
	OX_SRF_UNNEST = 5,           /* unnest (arr): its elements, as text */
};

typedef enum OxRteKind { OX_RTE_TABLE, OX_RTE_SUBQUERY, OX_RTE_JOIN, OX_RTE_FUNCTION } OxRteKind;

typedef struct OxRte {
	OxRteKind   kind;
	OxTable    *table;     /* TABLE */
	OxQuery    *subquery;  /* SUBQUERY (derived tables, views, VALUES) */
	const char *alias;     /* name used to qualify columns */
	const char *relname;   /* table or view name for EXPLAIN */
	int         ncols;
	const char **colnames;
	OxType     *coltypes;
	bool        visible;   /* may be referenced by name (false: hidden by a join alias) */
	bool        nullable;  /* on the nullable side of an outer join (for EXPLAIN) */
	/* JOIN RTEs (for USING / NATURAL merged columns): expressions per column */
	OxExpr    **joinvars;
	bool        is_view;
	bool        lateral;   /* SUBQUERY: LATERAL, bound one level below this
	                          query (its VARs at level 1 are our columns) */
	OxTable    *view;      /* the view this subquery expands, or NULL */
	OxExpr     *funcexpr;  /* FUNCTION: the call (OX_E_UFUNC; OX_E_FUNC for
	                          generate_series), or NULL for a built-in listing
	                          function: */
	int         srf_builtin; /* 0 the call, or an OX_SRF_* */
} OxRte;

/* The FROM clause as a tree. */
typedef struct OxFromNode {
	bool               is_join;
	int                rt;        /* leaf: range table index */
	OxJoinType         jointype;  /* join */
	struct OxFromNode *left, *right;
	OxExpr            *quals;     /* ON condition (NULL = true) */
} OxFromNode;

typedef struct OxTarget {
	OxExpr     *expr;
	const char *name;
	bool        resjunk;   /* computed for ORDER BY only, not returned */
} OxTarget;

typedef struct OxSortKey {
	int  target;       /* index into targets */
	bool desc;
	bool nulls_first;
} OxSortKey;

typedef struct OxAggref {
	OxAggKind kind;
	OxExpr   *arg;       /* NULL for count(*) */
	OxExpr   *arg2;      /* string_agg delimiter */
	bool      distinct;
	OxType    type;      /* result type */
	OxOpFn    add;       /* sum/avg accumulation operator */
	const char *name;
	OxExpr   *filter;    /* FILTER (WHERE ...), or NULL */
	OxExpr  **order;     /* ORDER BY inside the call */
	bool     *order_desc, *order_nulls_first;
	int       norder;
} OxAggref;

typedef enum OxCmdType { OX_CMD_SELECT, OX_CMD_INSERT, OX_CMD_UPDATE, OX_CMD_DELETE } OxCmdType;

struct OxQuery {
	OxCmdType   cmd;
	GPtrArray  *rtable;      /* OxRte* */
	GPtrArray  *from;        /* OxFromNode* (comma-separated items) */
	OxExpr     *where;
	GPtrArray  *targets;     /* OxTarget* */
	GPtrArray  *group_by;    /* OxExpr* */
	OxExpr     *having;
	GPtrArray  *aggs;        /* OxAggref* */
	bool        has_aggs;    /* aggregates or GROUP BY present */
	bool        distinct;
	GPtrArray  *distinct_on; /* OxExpr* (DISTINCT ON) or NULL */
	GPtrArray  *sort;        /* OxSortKey* */
	OxExpr     *limit, *offset;
	/* set operations: larg/rarg, targets describe the output columns */
	OxSetOp     setop;
	bool        setop_all;
	OxQuery    *larg, *rarg;
	/* VALUES: rows of OxExpr* (GPtrArray of GPtrArray) */
	GPtrArray  *values;
	/* DML */
	OxTable    *result_table;
	int         result_rt;
	OxQuery    *source;      /* INSERT: the query producing rows (NULL: DEFAULT VALUES) */
	int        *insert_cols; /* INSERT: source column i goes to table column insert_cols[i] */
	int         ninsert_cols;
	OxExpr    **set_exprs;   /* UPDATE: new value per table column (NULL = unchanged) */
	GPtrArray  *returning;   /* OxTarget* */
	int         nparams_outer; /* unused */
	bool        is_values_only;
};

/* ---- physical operators ---------------------------------------------------------- */

typedef enum OxOpKind {
	OX_OP_RESULT, OX_OP_SEQSCAN, OX_OP_INDEXSCAN, OX_OP_VALUES, OX_OP_FILTER, OX_OP_PROJECT,
	OX_OP_NESTLOOP, OX_OP_HASHJOIN, OX_OP_AGG, OX_OP_SORT, OX_OP_LIMIT, OX_OP_DISTINCT,
	OX_OP_APPEND, OX_OP_SETOP, OX_OP_MATERIAL, OX_OP_SUBQUERY, OX_OP_INSERT, OX_OP_UPDATE,
	OX_OP_DELETE, OX_OP_FUNCSCAN,
	OX_OP_COPY,       /* COPY FROM's row source (exec/copy.c) */
} OxOpKind;

struct OxOp {
	OxOpKind kind;
	int      ncols;           /* width of output rows */
	OxOp    *left, *right;    /* children (right: inner side of joins) */
	void   (*open) (OxOp *op, OxExec *x);
	OxValue *(*next) (OxOp *op, OxExec *x);
	void   (*close) (OxOp *op, OxExec *x);
	void   (*rescan) (OxOp *op, OxExec *x);  /* restart from the first row */
	char    *label;           /* EXPLAIN line (without indentation) */
	uint64_t rows_out;        /* EXPLAIN ANALYZE counters */
	uint64_t loops;
	GPtrArray *extra_children; /* APPEND: more inputs; subplans shown in EXPLAIN */
	struct OxDebugOp *dbg;    /* query debugging (exec-debug.c), or NULL */
	struct OxOpTiming *timing; /* EXPLAIN ANALYZE's clocks (exec-timing.c), or NULL */
	bool     no_subplans;     /* its expressions hold no subplan (ox_op_close_tree) */
};

struct OxSubPlan {
	OxOp    *plan;
	int      nparams;
	int     *paramids;     /* exec params set before each run */
	OxExpr **args;         /* their values, in the enclosing query's terms */
	bool     correlated;
	bool     opened;       /* plan opened at least once (later runs rescan) */
	/* runtime cache for uncorrelated subplans */
	bool     cached;
	OxValue  cache_val;
	GHashTable *cache_set; /* for ANY: hashed result set (uncorrelated) */
	bool     cache_has_null;
	int      id;           /* for EXPLAIN: SubPlan 1 ... */
	OxArena *arena;        /* cache memory */
};

/* Execution state of one statement. */
struct OxExec {
	OxTxn       *txn;
	OxCatalog   *catalog;
	OxCastCtx    cx;
	OxFuncCtx    fcx;
	OxArena     *arena;        /* statement lifetime */
	OxValue     *params;       /* $1.. (index 0 = $1) */
	int          nparams;
	OxValue     *xparams;      /* exec params for correlated subqueries */
	int          nxparams;
	volatile int *cancel;
	int64_t      changes;      /* rows affected by DML */
	uint64_t     tick;         /* for periodic cancel checks */
	struct OxSession *session;
	bool         analyze;      /* EXPLAIN ANALYZE: count rows */
	bool         in_dml;       /* statement modifies data */
	/* plan reuse (session.c): what a cached plan needs again on each run */
	OxArena     *run_arena;    /* per-run values (index bounds, LIMIT ...);
	                              reset at each run, unlike 'arena' (the plan) */
	GArray      *locks;        /* OxLockTaken: relation locks taken while binding */
	GPtrArray   *scanned;      /* OxTableData* read (SERIALIZABLE read set) */
	bool         volatile_rows;/* read a view whose rows change without DDL
	                              (pg_stat_activity ...): never reuse the plan */
	/* a routine's embedded statement: names the binder cannot resolve as
	 * columns are offered to the routine's language (pl.h) */
	const struct OxSpiParamHook *param_hook;
};

typedef struct OxLockTaken {
	uint32_t oid;
	int      mode;  /* OxLockMode */
} OxLockTaken;

/* binder.c */
OxQuery *ox_bind_select (OxExec *x, struct OxSession *s, OxSelectStmt *sel, OxArena *a,
                         OxType *param_types, int *nparams);
OxQuery *ox_bind_dml (OxExec *x, struct OxSession *s, OxNode *stmt, OxArena *a,
                      OxType *param_types, int *nparams);
/* Bind a standalone expression over one table's row (CHECK, DEFAULT). */
OxExpr  *ox_bind_table_expr (OxExec *x, struct OxSession *s, OxTable *t, OxNode *expr, OxArena *a);

/* planner.c */
OxOp    *ox_plan_query (OxExec *x, OxQuery *q, OxArena *a);
char    *ox_expr_deparse (OxArena *a, OxExpr *e, OxQuery *q);
/* A table expression (ox_bind_table_expr) ready for ox_eval over t's rows. */
OxExpr  *ox_plan_table_expr (OxExec *x, OxTable *t, OxExpr *e, OxArena *a);

/* exec.c / expr.c */
OxValue  ox_eval (OxExpr *e, OxExec *x, const OxValue *row, OxArena *a);
bool     ox_eval_qual (OxExpr *e, OxExec *x, const OxValue *row, OxArena *a);
/* A WHERE clause prepared for a scan's rows: the AND of its conjuncts, the
 * comparisons of input columns and constants among them checked without
 * the expression tree (no calls, no arena), the rest by ox_eval.  The same
 * answer as ox_eval_qual, conjuncts evaluated in the same order and as far.
 * NULL for no clause (every row passes). */
typedef struct OxQual OxQual;
OxQual  *ox_qual_compile (OxExpr *e, OxArena *a);
/* Does the clause need the scratch arena (any conjunct left to ox_eval)? */
bool     ox_qual_uses_arena (const OxQual *q);
bool     ox_qual_eval (const OxQual *q, OxExec *x, const OxValue *row, OxArena *a);
/* A batch at a time, for a clause that does not use the arena: sel holds
 * indexes into rows (0..n-1 at first); returns how many passed, their
 * indexes first in sel, in order. */
int      ox_qual_select (const OxQual *q, const OxValue *const *rows, int n, int *sel);
/* The conjuncts a table's column vectors can pre-filter (storage/table.h),
 * in arena a; *n of them (NULL when none). */
OxColTerm *ox_qual_col_terms (const OxQual *q, OxArena *a, int *n);
void     ox_exec_check_cancel (OxExec *x);
/* Operator lookup for the binder: returns the implementation for op over
 * the given (already coerced) operand type, and the result type. */
OxOpFn   ox_op_lookup (const char *name, OxTypeId l, OxTypeId r, OxTypeId *result);
/* Compare two non-NULL values for sorting etc. */
int      ox_sort_cmp (const OxValue *a, const OxValue *b, bool desc, bool nulls_first);
uint32_t ox_row_hash (const OxValue *row, const int *cols, int n);
bool     ox_row_equal (const OxValue *a, const OxValue *b, const int *cols, int n);

#endif

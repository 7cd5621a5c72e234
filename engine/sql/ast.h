/*
 * ast.h — the raw parse tree of Oxibase's SQL dialect (PostgreSQL's).
 *
 * The parser (parser.c) produces these nodes; the binder (plan/binder.c)
 * resolves names and types and never modifies them.  Every node starts
 * with OxNode (tag + location), in the spirit of PostgreSQL's Node.
 *
 * Conventions:
 *   - All memory comes from the statement's parse arena.
 *   - Identifiers are already case-folded (unquoted → lower case); quoted
 *     identifiers keep their case.  Strings are NUL-terminated.
 *   - 'loc' is a 0-based byte offset into the statement text, -1 when
 *     unknown; errors report it as a 1-based character position.
 *   - Optional children are NULL when absent; lists are OxList (never NULL
 *     for "empty": use n == 0, except where a comment says NULL is absent).
 */
#ifndef OX_AST_H
#define OX_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"

/* ---- lists --------------------------------------------------------------- */

typedef struct OxList {
	int    n;      /* number of items */
	int    cap;    /* allocated slots */
	void **items;  /* arena-allocated */
} OxList;

OxList *ox_list_new (OxArena *a);
void    ox_list_push (OxArena *a, OxList *l, void *item);
#define OX_LIST_N(l) ((l) ? (l)->n : 0)
#define OX_LIST_AT(l, i) ((l)->items[(i)])

/* ---- nodes --------------------------------------------------------------- */

typedef enum OxNodeTag {
	/* expressions */
	OX_N_CONST = 1,
	OX_N_COLUMNREF,
	OX_N_PARAMREF,
	OX_N_AEXPR,
	OX_N_BOOLEXPR,
	OX_N_FUNCCALL,
	OX_N_TYPECAST,
	OX_N_CASE,
	OX_N_SUBLINK,
	OX_N_NULLTEST,
	OX_N_BOOLTEST,
	OX_N_BETWEEN,
	OX_N_INLIST,
	OX_N_LIKE,
	OX_N_STAR,        /* a bare '*' in a target list or count(*) */
	OX_N_DEFAULT,     /* DEFAULT in INSERT VALUES / UPDATE SET */
	/* clauses */
	OX_N_RESTARGET,
	OX_N_SORTBY,
	OX_N_RANGEVAR,
	OX_N_RANGESUBSELECT,
	OX_N_JOINEXPR,
	OX_N_TYPENAME,
	OX_N_COLUMNDEF,
	OX_N_CONSTRAINT,
	OX_N_INDEXELEM,
	OX_N_SETCLAUSE,
	/* statements */
	OX_N_SELECT,
	OX_N_INSERT,
	OX_N_UPDATE,
	OX_N_DELETE,
	OX_N_CREATE_TABLE,
	OX_N_CREATE_SCHEMA,
	OX_N_CREATE_INDEX,
	OX_N_CREATE_VIEW,
	OX_N_DROP,
	OX_N_TRUNCATE,
	OX_N_TRANSACTION,
	OX_N_SET,
	OX_N_SHOW,
	OX_N_EXPLAIN,
	OX_N_CHECKPOINT,  /* CHECKPOINT: a bare OxNode */
	OX_N_FUNCPARAM,
	OX_N_CREATE_FUNCTION,
	OX_N_CALL,
	OX_N_DO,
	OX_N_RANGEFUNCTION,
	OX_N_CREATE_TRIGGER,
	OX_N_ALTER_TRIGGER,   /* ALTER TABLE t ENABLE|DISABLE TRIGGER ... */
	OX_N_CREATE_SCHEDULE,
	OX_N_ALTER_SCHEDULE,
	OX_N_CREATE_EVENT_TRIGGER,
	OX_N_ALTER_EVENT_TRIGGER,
	OX_N_COPY,            /* COPY ... FROM STDIN / TO STDOUT (exec/copy.c) */
	OX_N_VACUUM,          /* VACUUM / ANALYZE */
	OX_N_ALTER_TABLE_ADD, /* ALTER TABLE t ADD [CONSTRAINT n] PRIMARY KEY | UNIQUE ... */
	OX_N_CREATE_ROLE,     /* CREATE ROLE / CREATE USER */
	OX_N_ALTER_ROLE,      /* ALTER ROLE / ALTER USER */
	OX_N_CREATE_DATABASE,
	OX_N_CREATE_SEQUENCE, /* CREATE SEQUENCE (OxCreateSequenceStmt) */
	OX_N_ALTER_SEQUENCE,  /* ALTER SEQUENCE (OxCreateSequenceStmt, is_alter) */
	OX_N_ALTER_TABLE,     /* ALTER TABLE|VIEW|INDEX t action [, ...] (engine/alter.c) */
	OX_N_ALTER_RENAME,    /* ALTER SCHEMA|FUNCTION|PROCEDURE|ROUTINE x RENAME TO y */
} OxNodeTag;

typedef struct OxNode {
	OxNodeTag tag;
	int       loc;  /* byte offset in the statement text, -1 unknown */
} OxNode;

#define OX_IS(node, t) ((node) != NULL && ((OxNode *) (node))->tag == (t))

/* A literal.  Numbers keep their text so the binder can pick int4, int8 or
 * numeric as PostgreSQL does. */
typedef enum OxConstKind {
	OX_CONST_NULL,
	OX_CONST_INTEGER,  /* text: decimal digits only, e.g. "42", "99999999999999999999" */
	OX_CONST_DECIMAL,  /* text: "1.5", ".5", "1e10", "2.5E-3" */
	OX_CONST_STRING,   /* text: the string's bytes after unescaping; type unknown */
	OX_CONST_BOOL,     /* bval */
} OxConstKind;

typedef struct OxConst {
	OxNode      node;
	OxConstKind kind;
	const char *text;  /* for INTEGER, DECIMAL, STRING */
	int         len;   /* byte length of text (strings may contain NUL? no: E'\0' is rejected) */
	bool        bval;
} OxConst;

/* a, t.a, s.t.a; 'star' set for t.* and s.t.* (fields then holds the prefix). */
typedef struct OxColumnRef {
	OxNode  node;
	OxList *fields;  /* of char*; 1 to 3 names */
	bool    star;
} OxColumnRef;

typedef struct OxParamRef {
	OxNode node;
	int    number;  /* $number, >= 1 */
} OxParamRef;

/* A binary or unary operator.  name is the operator text: "+", "-", "*",
 * "/", "%", "^", "=", "<>" (also for "!="), "<", ">", "<=", ">=", "||",
 * "~~" (LIKE is OxLike, not this), "|/", "@", "&", "|", "#", "~", "<<", ">>".
 * Unary: lexpr NULL (prefix -x, +x, ~x, |/x, @x).
 * kind IS_DISTINCT / IS_NOT_DISTINCT use name "=".
 * kind OP_ANY / OP_ALL: "x op ANY (array)" — not used until arrays exist. */
typedef enum OxAExprKind {
	OX_AEXPR_OP,
	OX_AEXPR_DISTINCT,      /* lexpr IS DISTINCT FROM rexpr */
	OX_AEXPR_NOT_DISTINCT,  /* lexpr IS NOT DISTINCT FROM rexpr */
} OxAExprKind;

typedef struct OxAExpr {
	OxNode      node;
	OxAExprKind kind;
	const char *name;
	OxNode     *lexpr;  /* NULL for prefix operators */
	OxNode     *rexpr;
} OxAExpr;

typedef enum OxBoolOp { OX_BOOL_AND, OX_BOOL_OR, OX_BOOL_NOT } OxBoolOp;

typedef struct OxBoolExpr {
	OxNode   node;
	OxBoolOp op;
	OxList  *args;  /* 2+ for AND/OR (flattened), 1 for NOT */
} OxBoolExpr;

/* f(args), schema.f(args), count(*), count(DISTINCT x).
 * Special SQL syntax is mapped to plain calls by the parser:
 *   EXTRACT(field FROM x)        -> date_part('field', x)
 *   POSITION(a IN b)             -> position(a, b)   (binder maps to strpos(b, a))
 *   SUBSTRING(x FROM a FOR b)    -> substring(x, a, b)
 *   TRIM([BOTH|LEADING|TRAILING] [c] FROM x) -> btrim/ltrim/rtrim(x [, c])
 *   OVERLAY, COALESCE(...), NULLIF(a,b), GREATEST(...), LEAST(...) -> calls of those names
 *   CURRENT_DATE, CURRENT_TIMESTAMP, LOCALTIMESTAMP, CURRENT_TIME,
 *   CURRENT_USER, SESSION_USER, CURRENT_SCHEMA, CURRENT_CATALOG
 *                                -> call of that name (lower case), no args,
 *                                   'no_parens' set. */
typedef struct OxFuncCall {
	OxNode  node;
	OxList *name;         /* of char*: 1 or 2 parts (schema.func) */
	OxList *args;         /* of OxNode* */
	bool    agg_star;     /* count(*) */
	bool    agg_distinct; /* f(DISTINCT ...) */
	bool    no_parens;    /* CURRENT_DATE & co. */
	OxList *agg_order;    /* ORDER BY inside the call (string_agg); NULL if absent */
	OxNode *agg_filter;   /* FILTER (WHERE ...); NULL if absent */
	OxList *argnames;     /* NULL when every argument is positional; else one
	                         char* per argument, NULL for positional ones
	                         (f(1, y => 2)) */
} OxFuncCall;

/* A type as written: name is canonical lower case ("integer", "bigint",
 * "smallint", "numeric", "real", "double precision", "boolean", "text",
 * "varchar", "char", "bytea", "date", "timestamp", "timestamptz", or any
 * other identifier the binder will reject).  Aliases are mapped by the
 * parser: int/int4 -> integer, int8 -> bigint, int2 -> smallint,
 * decimal -> numeric, float4 -> real, float8/float -> double precision
 * (float(p) with p <= 24 -> real), bool -> boolean, character varying ->
 * varchar, character/bpchar -> char, timestamp with time zone -> timestamptz,
 * timestamp without time zone -> timestamp. */
typedef struct OxTypeName {
	OxNode      node;
	const char *name;
	int         mods[2];  /* type modifiers, e.g. numeric(10,2) -> {10,2} */
	int         nmods;    /* 0, 1 or 2 */
	bool        is_array; /* name[]: text in array_out's format (a cast to it changes nothing) */
} OxTypeName;

typedef struct OxTypeCast {
	OxNode      node;
	OxNode     *arg;
	OxTypeName *type;
} OxTypeCast;

typedef struct OxCaseWhen {
	OxNode *cond;    /* WHEN expression (a value when the CASE has an arg) */
	OxNode *result;
} OxCaseWhen;

typedef struct OxCase {
	OxNode  node;
	OxNode *arg;      /* CASE arg WHEN ...; NULL for searched CASE */
	OxList *whens;    /* of OxCaseWhen* (arena-allocated, no OxNode header) */
	OxNode *defresult;/* ELSE; NULL if absent */
} OxCase;

typedef enum OxSubLinkKind {
	OX_SUBLINK_EXISTS,  /* EXISTS (sel) */
	OX_SUBLINK_ANY,     /* testexpr op ANY/SOME (sel); x IN (sel) is ANY with "=" */
	OX_SUBLINK_ALL,     /* testexpr op ALL (sel); x NOT IN (sel) is NOT(ANY "=") */
	OX_SUBLINK_EXPR,    /* (sel) as a scalar */
	OX_SUBLINK_ARRAY,   /* ARRAY(sel): its rows as an array literal (text) */
} OxSubLinkKind;

typedef struct OxSubLink {
	OxNode        node;
	OxSubLinkKind kind;
	OxNode       *testexpr;  /* for ANY/ALL */
	const char   *op;        /* for ANY/ALL: "=", "<", ... */
	OxNode       *subselect; /* an OxSelectStmt */
} OxSubLink;

typedef struct OxNullTest {
	OxNode  node;
	OxNode *arg;
	bool    is_not;  /* IS NOT NULL */
} OxNullTest;

typedef enum OxBoolTestKind {
	OX_BT_TRUE, OX_BT_NOT_TRUE, OX_BT_FALSE, OX_BT_NOT_FALSE, OX_BT_UNKNOWN, OX_BT_NOT_UNKNOWN
} OxBoolTestKind;

typedef struct OxBoolTest {
	OxNode         node;
	OxNode        *arg;
	OxBoolTestKind kind;
} OxBoolTest;

typedef struct OxBetween {
	OxNode  node;
	OxNode *arg, *low, *high;
	bool    is_not;
	bool    symmetric;
} OxBetween;

typedef struct OxInList {
	OxNode  node;
	OxNode *arg;
	OxList *list;  /* of OxNode*; n >= 1 (empty "IN ()" is a syntax error, as in PG) */
	bool    is_not;
} OxInList;

typedef struct OxLike {
	OxNode  node;
	OxNode *arg, *pattern, *escape;  /* escape NULL if absent */
	bool    is_not;
	bool    ilike;
} OxLike;

typedef struct OxStar {
	OxNode node;
} OxStar;

typedef struct OxDefault {
	OxNode node;
} OxDefault;

/* ---- clauses ------------------------------------------------------------- */

typedef struct OxResTarget {
	OxNode      node;
	OxNode     *val;   /* expression, OxStar, or OxColumnRef with star */
	const char *name;  /* AS alias; NULL if absent */
} OxResTarget;

typedef enum OxSortDir { OX_SORT_DEFAULT, OX_SORT_ASC, OX_SORT_DESC } OxSortDir;
typedef enum OxSortNulls { OX_NULLS_DEFAULT, OX_NULLS_FIRST, OX_NULLS_LAST } OxSortNulls;

typedef struct OxSortBy {
	OxNode      node;
	OxNode     *expr;
	OxSortDir   dir;
	OxSortNulls nulls;
} OxSortBy;

/* A table reference: [schema.]name [AS] [alias [(colaliases)]] */
typedef struct OxRangeVar {
	OxNode      node;
	const char *schema;    /* NULL if unqualified */
	const char *name;
	const char *alias;     /* NULL if absent */
	OxList     *colnames;  /* column aliases (char*); NULL if absent */
	bool        only;      /* ONLY t — accepted and ignored (no inheritance) */
} OxRangeVar;

typedef struct OxRangeSubselect {
	OxNode      node;
	OxNode     *subquery;  /* OxSelectStmt */
	const char *alias;     /* required by PG 15 (42601 "subquery in FROM must have an alias") */
	OxList     *colnames;  /* NULL if absent */
	bool        lateral;
} OxRangeSubselect;

/* A function call in FROM: f(args) [AS] alias [(colnames)] */
typedef struct OxRangeFunction {
	OxNode             node;
	struct OxFuncCall *call;
	const char        *alias;     /* NULL if absent */
	OxList            *colnames;  /* NULL if absent */
	bool               ordinality; /* WITH ORDINALITY */
} OxRangeFunction;

typedef enum OxJoinType { OX_JOIN_INNER, OX_JOIN_LEFT, OX_JOIN_RIGHT, OX_JOIN_FULL, OX_JOIN_CROSS } OxJoinType;

typedef struct OxJoinExpr {
	OxNode      node;
	OxJoinType  type;
	bool        natural;
	OxNode     *larg, *rarg;  /* RangeVar, RangeSubselect or JoinExpr */
	OxNode     *quals;        /* ON; NULL if absent */
	OxList     *using_cols;   /* USING (char*); NULL if absent */
	const char *alias;        /* (a JOIN b) AS x — NULL if absent */
} OxJoinExpr;

/* ---- SELECT -------------------------------------------------------------- */

typedef enum OxSetOp { OX_SETOP_NONE, OX_SETOP_UNION, OX_SETOP_INTERSECT, OX_SETOP_EXCEPT } OxSetOp;

typedef struct OxCommonTableExpr {
	const char *name;
	OxList     *colnames;  /* NULL if absent */
	OxNode     *query;     /* OxSelectStmt */
	int         loc;
} OxCommonTableExpr;

/* One SELECT, a VALUES list, or a set operation of two.
 *   plain:   op == NONE, values == NULL
 *   VALUES:  op == NONE, values != NULL (list of OxList* rows of OxNode*)
 *   setop:   op != NONE, larg/rarg set, 'all' for UNION ALL etc.
 * sort/limit/offset may be present on any of them (they apply to the whole
 * set operation when on a setop node). */
typedef struct OxSelectStmt {
	OxNode   node;
	bool     distinct;
	OxList  *distinct_on;  /* DISTINCT ON (exprs); NULL if absent */
	OxList  *targets;      /* of OxResTarget* */
	OxList  *from;         /* of RangeVar/RangeSubselect/JoinExpr; n == 0 when no FROM */
	OxNode  *where;
	OxList  *group_by;     /* of OxNode*; NULL if absent */
	OxNode  *having;
	OxList  *values;       /* VALUES rows: OxList* of OxList* */
	OxList  *sort;         /* of OxSortBy*; NULL if absent */
	OxNode  *limit;        /* NULL if absent; LIMIT ALL -> NULL */
	OxNode  *offset;
	OxSetOp  op;
	bool     all;
	struct OxSelectStmt *larg, *rarg;
	OxList  *with;         /* of OxCommonTableExpr*; NULL if absent */
	bool     with_recursive;
} OxSelectStmt;

/* ---- DML ----------------------------------------------------------------- */

typedef struct OxInsertStmt {
	OxNode        node;
	OxRangeVar   *table;    /* alias allowed: INSERT INTO t AS x */
	OxList       *columns;  /* of char*; NULL if absent */
	OxSelectStmt *select;   /* VALUES or SELECT; NULL for DEFAULT VALUES */
	OxList       *returning;/* of OxResTarget*; NULL if absent */
	int           overriding; /* OVERRIDING: 0 none, 1 SYSTEM VALUE, 2 USER VALUE */
} OxInsertStmt;

typedef struct OxSetClause {
	OxNode      node;
	const char *column;
	OxNode     *value;  /* expression or OxDefault */
} OxSetClause;

typedef struct OxUpdateStmt {
	OxNode      node;
	OxRangeVar *table;
	OxList     *set;       /* of OxSetClause* */
	OxList     *from;      /* NULL if absent */
	OxNode     *where;
	OxList     *returning;
} OxUpdateStmt;

typedef struct OxDeleteStmt {
	OxNode      node;
	OxRangeVar *table;
	OxList     *using_;    /* NULL if absent */
	OxNode     *where;
	OxList     *returning;
} OxDeleteStmt;

/* ---- DDL ----------------------------------------------------------------- */

typedef enum OxConstrType {
	OX_CONSTR_NULL,      /* NULL (explicitly nullable) */
	OX_CONSTR_NOTNULL,
	OX_CONSTR_DEFAULT,
	OX_CONSTR_CHECK,
	OX_CONSTR_PRIMARY,
	OX_CONSTR_UNIQUE,
	OX_CONSTR_FOREIGN,   /* parsed; the binder reports 0A000 until supported */
	OX_CONSTR_IDENTITY,  /* GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY [(options)] */
} OxConstrType;

typedef struct OxConstraint {
	OxNode       node;
	OxConstrType type;
	const char  *name;      /* CONSTRAINT name; NULL if absent */
	OxNode      *expr;      /* DEFAULT / CHECK expression */
	const char  *expr_src;  /* source text of expr (for catalog display); NULL if absent */
	OxList      *keys;      /* table-level PK/UNIQUE columns (char*); NULL for column-level */
	OxRangeVar  *fk_table;  /* FOREIGN KEY ... REFERENCES t */
	OxList      *fk_cols;   /* referenced columns; NULL if absent */
	char         identity;  /* IDENTITY: 'a' ALWAYS, 'd' BY DEFAULT */
	struct OxSeqOptions *seq_opts; /* IDENTITY: its sequence's options, or NULL */
} OxConstraint;

typedef struct OxColumnDef {
	OxNode      node;
	const char *name;
	OxTypeName *type;
	OxList     *constraints;  /* of OxConstraint* (column-level) */
} OxColumnDef;

/* Sequence options, as given (CREATE SEQUENCE, ALTER SEQUENCE, and the
 * parenthesised options of an identity column).  "has_" flags tell what
 * was written; 2 in has_min/has_max means NO MINVALUE / NO MAXVALUE. */
typedef struct OxSeqOptions {
	const char *as_type;      /* AS typename, or NULL */
	int         as_loc;
	bool        has_increment, has_start, has_cache, has_restart, restart_with;
	int         has_min, has_max;
	int         cycle;        /* 0 not given, 1 CYCLE, 2 NO CYCLE */
	int64_t     increment, start, cache, restart, min, max;
	bool        has_owned;    /* OWNED BY ... */
	OxList     *owned_by;     /* of char*: [schema.]table.column; NULL = NONE */
	int         owned_loc;
} OxSeqOptions;

typedef struct OxCreateSequenceStmt {
	OxNode       node;
	OxRangeVar  *name;
	bool         if_not_exists;  /* CREATE */
	bool         if_exists;      /* ALTER */
	bool         is_alter;
	OxSeqOptions opts;
} OxCreateSequenceStmt;

typedef struct OxCreateTableStmt {
	OxNode        node;
	OxRangeVar   *table;
	bool          if_not_exists;
	bool          temporary;     /* TEMP/TEMPORARY — accepted, treated as regular */
	OxList       *columns;       /* of OxColumnDef* */
	OxList       *constraints;   /* table-level OxConstraint* */
	OxSelectStmt *as_select;     /* CREATE TABLE ... AS SELECT; NULL otherwise */
	OxList       *as_colnames;   /* added: CREATE TABLE t (a, b) AS SELECT — the column
	                                names (char*); NULL if absent */
	OxList       *with_options;  /* added: WITH (fillfactor = 100, ...): OxCopyOption*
	                                (name, value); NULL if absent */
} OxCreateTableStmt;

typedef struct OxCreateSchemaStmt {
	OxNode      node;
	const char *name;
	bool        if_not_exists;
} OxCreateSchemaStmt;

typedef struct OxIndexElem {
	OxNode      node;
	const char *column;  /* NULL when expr is set */
	OxNode     *expr;    /* (expression) — binder may reject for now */
	OxSortDir   dir;
	OxSortNulls nulls;
} OxIndexElem;

typedef struct OxCreateIndexStmt {
	OxNode      node;
	const char *name;     /* NULL: the binder picks t_col_idx as PG does */
	OxRangeVar *table;
	OxList     *elems;    /* of OxIndexElem* */
	bool        unique;
	bool        if_not_exists;
	const char *method;   /* USING btree|hash; NULL if absent */
} OxCreateIndexStmt;

typedef struct OxCreateViewStmt {
	OxNode        node;
	OxRangeVar   *view;
	OxList       *colnames;   /* NULL if absent */
	OxSelectStmt *query;
	const char   *query_src;  /* the query's source text, as written */
	bool          or_replace;
} OxCreateViewStmt;

typedef enum OxObjectType {
	OX_OBJ_TABLE, OX_OBJ_VIEW, OX_OBJ_INDEX, OX_OBJ_SCHEMA,
	OX_OBJ_FUNCTION, OX_OBJ_PROCEDURE, OX_OBJ_ROUTINE, OX_OBJ_TRIGGER, OX_OBJ_SCHEDULE,
	OX_OBJ_EVENT_TRIGGER, OX_OBJ_ROLE, OX_OBJ_DATABASE, OX_OBJ_SEQUENCE,
} OxObjectType;

typedef struct OxDropStmt {
	OxNode       node;
	OxObjectType type;
	OxList      *names;     /* of OxRangeVar* (schema-qualified names; for SCHEMA only name is set) */
	OxRangeVar  *on_table;  /* TRIGGER: DROP TRIGGER name ON table */
	OxList      *argtypes;  /* FUNCTION/PROCEDURE/ROUTINE: per name, an OxList* of
	                           OxFuncParam* (argument list as written), or NULL when
	                           the name had no parentheses */
	bool         if_exists;
	bool         cascade;
} OxDropStmt;

typedef struct OxTruncateStmt {
	OxNode  node;
	OxList *tables;  /* of OxRangeVar* */
	bool    restart_identity;
	bool    cascade;
} OxTruncateStmt;

/* ---- routines -------------------------------------------------------------
 * CREATE FUNCTION / PROCEDURE, CALL, DO.  Argument modes use the values of
 * OxArgMode (catalog.h): 0 IN, 1 OUT, 2 INOUT, 3 TABLE. */

typedef struct OxFuncParam {
	OxNode      node;
	const char *name;         /* NULL when unnamed */
	OxTypeName *type;
	int         mode;         /* OxArgMode */
	bool        variadic;     /* VARIADIC (parsed; refused by the binder) */
	OxNode     *defexpr;      /* DEFAULT / = expression, or NULL */
	const char *default_src;  /* its source text */
} OxFuncParam;

typedef struct OxCreateFunctionStmt {
	OxNode      node;
	bool        or_replace;
	bool        is_procedure;
	const char *schema;       /* NULL if unqualified */
	const char *name;
	OxList     *params;       /* of OxFuncParam* */
	OxTypeName *returns;      /* RETURNS type; NULL for procedures and RETURNS TABLE */
	bool        returns_setof;
	OxList     *table_cols;   /* RETURNS TABLE (...): OxFuncParam* with mode TABLE; else NULL */
	const char *language;     /* lower case; NULL if absent */
	const char *body;         /* AS '...' / $$...$$ (decoded); NULL if absent */
	int         body_loc;     /* byte offset of the body's first character in the
	                             statement text (exact for dollar quotes) */
	int         volatility;   /* OxVolatility, -1 when not given */
	int         strict;       /* 1 STRICT / RETURNS NULL ON NULL INPUT, 0 CALLED ON
	                             NULL INPUT, -1 when not given */
	bool        security_definer;
} OxCreateFunctionStmt;

/* Trigger events (bit mask) and timings. */
enum { OX_TRIG_INSERT = 1, OX_TRIG_UPDATE = 2, OX_TRIG_DELETE = 4, OX_TRIG_TRUNCATE = 8 };
typedef enum OxTrigTiming { OX_TRIG_BEFORE, OX_TRIG_AFTER, OX_TRIG_INSTEAD } OxTrigTiming;

typedef struct OxCreateTriggerStmt {
	OxNode        node;
	bool          or_replace;
	const char   *name;
	OxTrigTiming  timing;
	int           events;      /* OX_TRIG_* bits */
	OxList       *update_cols; /* UPDATE OF a, b (char*); NULL if absent */
	OxRangeVar   *table;
	bool          for_each_row;
	OxNode       *when;        /* WHEN (cond); NULL if absent */
	const char   *when_src;
	OxList       *func_name;   /* char*: 1 or 2 parts */
	OxList       *args;        /* char*: the arguments as text (TG_ARGV) */
} OxCreateTriggerStmt;

/* ALTER TABLE t {ENABLE | DISABLE} TRIGGER {name | ALL | USER}, and
 * ALTER TRIGGER name ON t RENAME TO new_name */
typedef struct OxAlterTriggerStmt {
	OxNode      node;
	OxRangeVar *table;
	const char *name;          /* NULL for ALL / USER */
	bool        enable;
	const char *rename_to;     /* RENAME TO: the new name (enable unused), else NULL */
} OxAlterTriggerStmt;

/* CREATE SCHEDULE name CRON 'expr' [TIMEZONE 'tz'] DO CALL p(...) |
 * DO [LANGUAGE l] $$ ... $$ */
typedef struct OxCreateScheduleStmt {
	OxNode      node;
	OxRangeVar *name;
	const char *cron;
	int         cron_loc;
	const char *timezone;    /* NULL: UTC */
	int         tz_loc;
	OxNode     *action;      /* an OxCallStmt or an OxDoStmt */
	const char *action_src;  /* its text: "CALL p(1)" or "DO $$ ... $$" */
} OxCreateScheduleStmt;

/* ALTER SCHEDULE name ENABLE | DISABLE | RENAME TO new_name */
typedef struct OxAlterScheduleStmt {
	OxNode      node;
	OxRangeVar *name;
	bool        enable;
	const char *rename_to;     /* RENAME TO: the new name (enable unused), else NULL */
} OxAlterScheduleStmt;

/* CREATE EVENT TRIGGER name ON event [WHEN TAG IN ('...', ...)]
 * EXECUTE FUNCTION f() */
typedef struct OxCreateEventTriggerStmt {
	OxNode      node;
	const char *name;
	const char *event;       /* "ddl_command_start", "ddl_command_end", "sql_drop" */
	int         event_loc;
	OxList     *tags;        /* char* (upper case), NULL: every command */
	OxList     *func_name;   /* char*: 1 or 2 parts */
} OxCreateEventTriggerStmt;

/* ALTER EVENT TRIGGER name ENABLE | DISABLE */
typedef struct OxAlterEventTriggerStmt {
	OxNode      node;
	const char *name;
	bool        enable;
} OxAlterEventTriggerStmt;

/* The options of CREATE ROLE and ALTER ROLE; each int is -1 when absent,
 * else 0 or 1. */
typedef struct OxRoleOptions {
	int         superuser, createdb, createrole, inherit, login, replication, bypassrls;
	bool        has_connlimit;
	int         connlimit;
	bool        has_password;
	const char *password;      /* NULL: PASSWORD NULL */
	bool        has_valid_until;
	const char *valid_until;   /* timestamptz text */
	int         valid_until_loc;
} OxRoleOptions;

/* CREATE ROLE | USER name [WITH] options */
typedef struct OxCreateRoleStmt {
	OxNode        node;
	const char   *name;
	bool          is_user;     /* CREATE USER: LOGIN by default */
	OxRoleOptions opts;
} OxCreateRoleStmt;

/* ALTER ROLE | USER name [WITH] options | RENAME TO new_name */
typedef struct OxAlterRoleStmt {
	OxNode        node;
	const char   *name;
	const char   *new_name;    /* RENAME TO, else NULL */
	OxRoleOptions opts;
} OxAlterRoleStmt;

/* CREATE DATABASE name [[WITH] option [=] value ...] (options accepted
 * and ignored: one encoding, one locale) */
typedef struct OxCreateDatabaseStmt {
	OxNode      node;
	const char *name;
} OxCreateDatabaseStmt;

typedef struct OxCallStmt {
	OxNode      node;
	struct OxFuncCall *call;
} OxCallStmt;

typedef struct OxDoStmt {
	OxNode      node;
	const char *language;     /* lower case; NULL: plsql */
	const char *body;
	int         body_loc;
} OxDoStmt;

/* ---- transactions, settings, EXPLAIN -------------------------------------- */

typedef enum OxTxnKind {
	OX_TXN_BEGIN,        /* BEGIN [WORK|TRANSACTION] / START TRANSACTION */
	OX_TXN_COMMIT,       /* COMMIT / END */
	OX_TXN_ROLLBACK,     /* ROLLBACK / ABORT */
	OX_TXN_SAVEPOINT,
	OX_TXN_RELEASE,      /* RELEASE [SAVEPOINT] name */
	OX_TXN_ROLLBACK_TO,  /* ROLLBACK [WORK|TRANSACTION] TO [SAVEPOINT] name */
} OxTxnKind;

typedef enum OxIsolation {
	OX_ISO_DEFAULT = 0,
	OX_ISO_READ_UNCOMMITTED,  /* behaves as READ COMMITTED, as in PG */
	OX_ISO_READ_COMMITTED,
	OX_ISO_REPEATABLE_READ,
	OX_ISO_SERIALIZABLE,
} OxIsolation;

typedef struct OxTransactionStmt {
	OxNode      node;
	OxTxnKind   kind;
	OxIsolation isolation;  /* BEGIN ISOLATION LEVEL ...; DEFAULT if absent */
	int         read_only;  /* -1 absent, 0 READ WRITE, 1 READ ONLY */
	const char *savepoint;
	bool        chain;      /* COMMIT AND CHAIN */
} OxTransactionStmt;

/* SET [SESSION|LOCAL] name {TO|=} value[, ...] | SET name TO DEFAULT |
 * SET TIME ZONE value | RESET name | RESET ALL |
 * SET [SESSION CHARACTERISTICS AS] TRANSACTION ISOLATION LEVEL ... */
typedef struct OxSetStmt {
	OxNode      node;
	const char *name;       /* lower-cased; "timezone" for SET TIME ZONE;
	                           "transaction_isolation" for SET TRANSACTION ...;
	                           "default_transaction_isolation" for SESSION CHARACTERISTICS;
	                           NULL for RESET ALL */
	OxList     *values;     /* of OxNode* (OxConst or OxColumnRef for bare words); NULL for DEFAULT/RESET */
	bool        is_local;
	bool        reset;
	OxIsolation isolation;  /* for the TRANSACTION forms */
	int         read_only;  /* added: TRANSACTION forms' READ ONLY (1) / READ WRITE (0);
	                           -1 when absent (always -1 for other SET/RESET forms) */
} OxSetStmt;

typedef struct OxShowStmt {
	OxNode      node;
	const char *name;  /* lower-cased; "all" for SHOW ALL; "timezone" for SHOW TIME ZONE */
} OxShowStmt;

typedef struct OxExplainStmt {
	OxNode  node;
	OxNode *stmt;
	bool    analyze;
	bool    verbose;
	bool    costs;  /* accepted (COSTS OFF); we print no costs */
	bool    timing;  /* ANALYZE: per-operator clocks (default: = analyze) */
	bool    summary; /* Planning Time / Execution Time lines (default: = analyze) */
	bool    json;    /* FORMAT JSON (else TEXT) */
} OxExplainStmt;

/* One option of COPY's WITH (...) list, of its legacy spellings (CSV,
 * HEADER, DELIMITER 'x' ...), or of CREATE TABLE's WITH (...).  Names are
 * lower case; the executor (exec/copy.c) checks names and values, as
 * PostgreSQL's ProcessCopyOptions does. */
typedef struct OxCopyOption {
	const char *name;   /* "format", "delimiter", "null", "header", "freeze" ... */
	const char *value;  /* the value as text ("csv", ",", "true" ...); NULL when absent */
	OxList     *cols;   /* FORCE_QUOTE (a, b): column names (char*); NULL otherwise */
	bool        star;   /* FORCE_QUOTE *, FORCE QUOTE * */
	int         loc;    /* byte offset of the name */
} OxCopyOption;

/* COPY t [(cols)] FROM {STDIN | 'file'} [[WITH] (options) | legacy options]
 * COPY {t [(cols)] | (query)} TO {STDOUT | 'file'} [...] */
typedef struct OxCopyStmt {
	OxNode        node;
	OxRangeVar   *table;     /* NULL for COPY (query) TO */
	OxList       *columns;   /* of char*; NULL if absent */
	OxSelectStmt *query;     /* COPY (query) TO; NULL otherwise */
	bool          is_from;   /* FROM: rows go into the table */
	const char   *filename;  /* a server-side file; NULL for STDIN / STDOUT */
	bool          program;   /* FROM/TO PROGRAM 'command' */
	OxList       *options;   /* of OxCopyOption*, in the order written */
	bool          has_where; /* COPY ... FROM ... WHERE (refused) */
} OxCopyStmt;

/* VACUUM [FULL] [FREEZE] [VERBOSE] [ANALYZE] [t [(cols)], ...] |
 * VACUUM (options) [...] | ANALYZE [VERBOSE] [t [(cols)], ...] */
typedef struct OxVacuumStmt {
	OxNode  node;
	bool    vacuum;   /* VACUUM (else a bare ANALYZE) */
	bool    analyze;  /* ANALYZE, alone or in VACUUM ANALYZE */
	OxList *tables;   /* of OxRangeVar*; empty for every table */
} OxVacuumStmt;

/* ALTER TABLE [IF EXISTS] [ONLY] t ADD table_constraint */
typedef struct OxAlterTableAddStmt {
	OxNode        node;
	OxRangeVar   *table;
	bool          if_exists;
	OxConstraint *constraint;
} OxAlterTableAddStmt;

/* One action of ALTER TABLE (engine/alter.c runs them). */
typedef enum OxAlterKind {
	OX_AT_RENAME,             /* RENAME TO new_name */
	OX_AT_RENAME_COLUMN,      /* RENAME [COLUMN] name TO new_name */
	OX_AT_RENAME_CONSTRAINT,  /* RENAME CONSTRAINT name TO new_name */
	OX_AT_ADD_COLUMN,         /* ADD [COLUMN] [IF NOT EXISTS] coldef */
	OX_AT_DROP_COLUMN,        /* DROP [COLUMN] [IF EXISTS] name [CASCADE|RESTRICT] */
	OX_AT_SET_DEFAULT,        /* ALTER [COLUMN] name SET DEFAULT expr */
	OX_AT_DROP_DEFAULT,       /* ALTER [COLUMN] name DROP DEFAULT */
	OX_AT_SET_NOT_NULL,       /* ALTER [COLUMN] name SET NOT NULL */
	OX_AT_DROP_NOT_NULL,      /* ALTER [COLUMN] name DROP NOT NULL */
	OX_AT_TYPE,               /* ALTER [COLUMN] name [SET DATA] TYPE type [USING expr] */
	OX_AT_DROP_CONSTRAINT,    /* DROP CONSTRAINT [IF EXISTS] name [CASCADE|RESTRICT] */
} OxAlterKind;

typedef struct OxAlterCmd {
	OxNode       node;
	OxAlterKind  kind;
	const char  *name;       /* the column / constraint acted on */
	const char  *new_name;   /* RENAME */
	OxColumnDef *coldef;     /* ADD COLUMN */
	bool         missing_ok; /* IF [NOT] EXISTS of ADD / DROP COLUMN, DROP CONSTRAINT */
	bool         cascade;    /* DROP COLUMN / CONSTRAINT ... CASCADE */
	OxNode      *expr;       /* SET DEFAULT / USING expression */
	const char  *expr_src;   /* its source text */
	OxTypeName  *type;       /* TYPE */
} OxAlterCmd;

/* ALTER TABLE|VIEW|INDEX [IF EXISTS] [ONLY] name action [, ...] */
typedef struct OxAlterTableStmt {
	OxNode        node;
	OxObjectType  objtype;   /* OX_OBJ_TABLE, OX_OBJ_VIEW or OX_OBJ_INDEX (as written) */
	OxRangeVar   *table;
	bool          if_exists;
	OxList       *cmds;      /* of OxAlterCmd* */
} OxAlterTableStmt;

/* ALTER SCHEMA s RENAME TO n | ALTER FUNCTION|PROCEDURE|ROUTINE f[(args)] RENAME TO n */
typedef struct OxAlterRenameStmt {
	OxNode        node;
	OxObjectType  objtype;   /* OX_OBJ_SCHEMA / FUNCTION / PROCEDURE / ROUTINE */
	OxRangeVar   *name;      /* schema: name only */
	OxList       *args;      /* routines: OxFuncParam* as written, NULL without parentheses */
	const char   *new_name;
} OxAlterRenameStmt;

/* ---- entry points (parser.c) ---------------------------------------------- */

/* Parse the first statement of sql[0..len).  Returns NULL when only
 * whitespace, comments and semicolons remain.  *end receives the byte
 * offset just past the statement (past its ';' if any).  Raises 42601
 * (syntax error, with position), 22021 (invalid UTF-8), 54001 (nesting too
 * deep).  All nodes live in arena a; 'loc's are offsets into sql. */
OxNode *ox_parse_one (OxArena *a, const char *sql, size_t len, size_t *end);

/* Human name of a node tag, for errors and tests: "SELECT", "CREATE TABLE". */
const char *ox_node_tag_name (OxNodeTag tag);

#endif

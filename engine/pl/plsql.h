/*
 * plsql.h — the compiled form of a PL/SQL routine: statements, variables
 * (datums) and the name space the embedded SQL is bound against.
 *
 * PL/SQL is PL/pgSQL's language.  plsql-parse.c turns a routine body into
 * the tree below; plsql-exec.c interprets it.  The tree is built once per
 * session and routine version (pl.h: the engine caches compiled forms under
 * the OxRoutine) and is never changed by running it, except for the
 * run-time caches of each SQL site (PlsqlExpr's prepared statement and
 * parameter list), which belong to the session like the compiled form.
 *
 * Layout of a compiled routine:
 *
 *   PlsqlFunction
 *     datums[ndatums]   every variable: arguments, FOUND, TG_*, NEW/OLD,
 *                       declared variables of every block, loop variables,
 *                       SQLSTATE/SQLERRM of exception handlers.  A call
 *                       keeps one flat array of values indexed like this
 *                       one ("dno"), so variable access is an index.
 *     body              the outermost BEGIN ... END block
 *     stmts[nstmts]     every statement in source order, with its line and
 *                       column: the debugger's list of places to stop.
 *
 *   Names.  Each SQL site (PlsqlExpr) keeps the name-space item that was
 *   innermost where it appeared; its names are resolved when the site is
 *   first prepared, by walking that chain outwards (PlsqlNsItem.prev).  A
 *   block pushes a LABEL item (its label, or NULL) and then one VAR item
 *   per declaration, so walking back from a site meets the variables of the
 *   innermost block first, then that block's label, then the enclosing
 *   block's variables, and so on.
 *
 * Positions.  'loc' fields are 0-based byte offsets into the body; 'line'
 * and 'col' are 1-based and relative to the body (OxRoutine.body_line and
 * body_col place the body in its defining file).  Columns count characters.
 *
 * NOTE: every pointer in the tree points into PlsqlFunction.arena, except
 * the run-time caches of PlsqlExpr (SPI objects, g_malloc'd parameter
 * lists), which plsql_function_free releases.
 */
#ifndef OX_PLSQL_H
#define OX_PLSQL_H

#include <glib.h>

#include "base/arena.h"
#include "base/value.h"
#include "catalog/catalog.h"

typedef struct PlsqlNsItem PlsqlNsItem;
typedef struct PlsqlStmt PlsqlStmt;

/* ---- name space ----------------------------------------------------------------- */

typedef enum PlsqlNsKind {
	PLSQL_NS_LABEL,  /* start of a block or loop scope; name may be NULL */
	PLSQL_NS_VAR,    /* a variable (or an ALIAS naming one) */
} PlsqlNsKind;

struct PlsqlNsItem {
	PlsqlNsKind  kind;
	const char  *name;   /* folded name; NULL for an unlabelled scope */
	int          dno;    /* VAR: index into datums; LABEL: -1 */
	PlsqlNsItem *prev;   /* next item outwards; NULL after the outermost */
};

/* ---- variables -------------------------------------------------------------------- */

typedef enum PlsqlDatumKind {
	PLSQL_DTYPE_VAR,  /* a scalar of one type */
	PLSQL_DTYPE_REC,  /* RECORD, %ROWTYPE, NEW, OLD: fields by name */
} PlsqlDatumKind;

/* The columns of a record value.  Shapes are immutable once built; 'id'
 * is unique in the process (never reused), so an SQL site can tell with
 * one comparison that a record still has the shape it was prepared for. */
typedef struct PlsqlShape {
	uint64_t     id;
	int          n;
	const char **names;   /* [n], folded */
	OxType      *types;   /* [n] */
} PlsqlShape;

typedef struct PlsqlExpr PlsqlExpr;

typedef struct PlsqlDatum {
	PlsqlDatumKind kind;
	const char    *refname;   /* name for messages ("x", "new", "$1") */
	int            loc;       /* declaration, or -1 for implicit ones */
	OxType         type;      /* VAR: declared type, set by plsql_resolve_types
	                             (before that { OX_T_UNKNOWN, -1 }) */
	bool           type_dynamic; /* VAR: takes the type of each value stored
	                                (the hidden selector of a simple CASE) */
	const char    *typetext;  /* declared type as written ("numeric(10,2)",
	                             "t.c%TYPE"), NULL for implicit types */
	int            type_loc;  /* where typetext starts */
	int            typeref;   /* 0: plain type; 1: %TYPE; 2: %ROWTYPE */
	bool           isconst;
	bool           notnull;
	PlsqlExpr     *defexpr;   /* DEFAULT / := initial value, or NULL */
	int            argno;     /* 0-based routine argument, or -1 */
	PlsqlShape    *fixed_shape; /* REC: %ROWTYPE shape (resolved at compile), or NULL */
	PlsqlNsItem   *ns;        /* names visible at the declaration (for var%TYPE) */
} PlsqlDatum;

/* ---- SQL sites ------------------------------------------------------------------- */

/* One variable a prepared site reads, in parameter order. */
typedef struct PlsqlParam {
	int         dno;       /* the datum */
	const char *field;     /* record field name, or NULL for a scalar */
	int         fieldno;   /* field's index in the shape seen at preparation */
	uint64_t    shape_id;  /* that shape's id (records) */
	OxType      type;      /* the type the statement was prepared with */
} PlsqlParam;

struct PlsqlExpr {
	char        *text;      /* SQL handed to SPI (INTO clause blanked out) */
	int          loc;       /* byte offset of text[0] in the body */
	int          srclen;    /* bytes of body the site spans (text may differ) */
	PlsqlNsItem *ns;        /* innermost name-space item at the site */
	bool         is_query;  /* a statement (ox_spi_prepare) rather than an expression */
	int          maxdollar; /* highest $n it uses (routine arguments), 0 if none */
	/* ---- run-time cache, filled on first use (plsql-exec.c) */
	void        *spi;       /* OxSpiExpr* or OxSpiPlan*, NULL until prepared */
	GArray      *params;    /* of PlsqlParam, NULL until prepared */
	PlsqlShape  *shape;     /* shape of the rows the statement returns, or NULL */
	GPtrArray   *clones;    /* OxSpiExpr* for recursive calls: [k] serves the
	                           routine's (k+2)th active frame (NULL until used) */
};

/* An INTO / FOR target: one record, or a list of scalars and fields. */
typedef struct PlsqlTarget {
	int          n;
	int         *dnos;      /* [n] */
	const char **fields;    /* [n]: field of a record target item, or NULL */
	bool         is_rec;    /* n == 1 and dnos[0] is a whole record */
} PlsqlTarget;

/* ---- statements ------------------------------------------------------------------ */

typedef enum PlsqlStmtKind {
	PLSQL_STMT_BLOCK,
	PLSQL_STMT_ASSIGN,
	PLSQL_STMT_IF,
	PLSQL_STMT_CASE,
	PLSQL_STMT_LOOP,
	PLSQL_STMT_WHILE,
	PLSQL_STMT_FORI,        /* FOR i IN [REVERSE] a..b [BY s] */
	PLSQL_STMT_FORS,        /* FOR target IN query */
	PLSQL_STMT_DYNFORS,     /* FOR target IN EXECUTE text [USING ...] */
	PLSQL_STMT_EXIT,        /* EXIT and CONTINUE */
	PLSQL_STMT_RETURN,
	PLSQL_STMT_RETURN_NEXT,
	PLSQL_STMT_RETURN_QUERY,
	PLSQL_STMT_RAISE,
	PLSQL_STMT_ASSERT,
	PLSQL_STMT_EXECSQL,     /* an SQL statement, perhaps with INTO */
	PLSQL_STMT_PERFORM,
	PLSQL_STMT_DYNEXECUTE,  /* EXECUTE text [INTO ...] [USING ...] */
	PLSQL_STMT_GETDIAG,
	PLSQL_STMT_NULL,
	PLSQL_STMT_COMMIT,
	PLSQL_STMT_ROLLBACK,
	PLSQL_STMT__COUNT
} PlsqlStmtKind;

/* Every statement starts with this (node inheritance by first member). */
struct PlsqlStmt {
	PlsqlStmtKind kind;
	int           id;     /* index in PlsqlFunction.stmts */
	int           loc;    /* byte offset of the statement's first token */
	int           line;   /* 1-based, relative to the body */
	int           col;    /* 1-based, in characters */
	int           depth;  /* nesting depth: the outermost block is 0 */
};

typedef struct PlsqlStmtList {
	int         n;
	PlsqlStmt **items;
} PlsqlStmtList;

typedef struct PlsqlCondition {
	char  sqlstate[6];      /* "22012"; "" for OTHERS */
	bool  others;
	struct PlsqlCondition *next;
} PlsqlCondition;

typedef struct PlsqlHandler {
	PlsqlCondition *conds;  /* WHEN a OR b ... */
	PlsqlStmtList   body;
	int             loc;
} PlsqlHandler;

typedef struct PlsqlBlock {
	PlsqlStmt      stmt;
	const char    *label;     /* <<label>>, or NULL */
	int            ninit;     /* variables declared here, initialised at entry */
	int           *initdnos;
	PlsqlStmtList  body;
	int            nhandlers; /* > 0: the block is a subtransaction */
	PlsqlHandler  *handlers;
	int            sqlstate_dno, sqlerrm_dno;  /* handler variables, or -1 */
} PlsqlBlock;

typedef struct PlsqlAssign {
	PlsqlStmt   stmt;
	int         dno;
	const char *field;        /* r.f := ..., or NULL */
	PlsqlExpr  *expr;
} PlsqlAssign;

typedef struct PlsqlElsif {
	PlsqlExpr    *cond;
	PlsqlStmtList body;
} PlsqlElsif;

typedef struct PlsqlIf {
	PlsqlStmt     stmt;
	PlsqlExpr    *cond;
	PlsqlStmtList then_body;
	int           nelsif;
	PlsqlElsif   *elsifs;
	PlsqlStmtList else_body;
} PlsqlIf;

typedef struct PlsqlCaseWhen {
	PlsqlExpr    *expr;       /* searched: the condition; simple: "sel IN (list)" */
	PlsqlStmtList body;
	int           loc;
} PlsqlCaseWhen;

typedef struct PlsqlCase {
	PlsqlStmt      stmt;
	PlsqlExpr     *t_expr;    /* CASE selector, NULL for a searched CASE */
	int            t_dno;     /* hidden variable holding the selector, or -1 */
	int            nwhens;
	PlsqlCaseWhen *whens;
	bool           have_else;
	PlsqlStmtList  else_body;
} PlsqlCase;

typedef struct PlsqlLoop {       /* LOOP and WHILE */
	PlsqlStmt     stmt;
	const char   *label;
	PlsqlExpr    *cond;          /* WHILE only */
	PlsqlStmtList body;
} PlsqlLoop;

typedef struct PlsqlForI {
	PlsqlStmt     stmt;
	const char   *label;
	int           dno;           /* the integer loop variable */
	bool          reverse;
	PlsqlExpr    *lower, *upper, *step;  /* step may be NULL */
	PlsqlStmtList body;
} PlsqlForI;

typedef struct PlsqlForS {       /* FORS and DYNFORS */
	PlsqlStmt     stmt;
	const char   *label;
	PlsqlTarget   target;
	PlsqlExpr    *query;         /* the query, or the text expression (DYNFORS) */
	int           nusing;        /* DYNFORS: USING expressions */
	PlsqlExpr   **usings;
	PlsqlStmtList body;
} PlsqlForS;

typedef struct PlsqlExit {
	PlsqlStmt   stmt;
	bool        is_exit;         /* EXIT, or CONTINUE */
	const char *label;           /* or NULL: innermost loop */
	PlsqlExpr  *cond;            /* WHEN, or NULL */
} PlsqlExit;

typedef struct PlsqlReturn {     /* RETURN and RETURN NEXT */
	PlsqlStmt   stmt;
	PlsqlExpr  *expr;            /* or NULL */
	int         rec_dno;         /* RETURN rec (a record variable), or -1 */
} PlsqlReturn;

typedef struct PlsqlReturnQuery {
	PlsqlStmt   stmt;
	PlsqlExpr  *query;           /* static query */
	PlsqlExpr  *dynquery;        /* RETURN QUERY EXECUTE text */
	int         nusing;
	PlsqlExpr **usings;
} PlsqlReturnQuery;

typedef enum PlsqlRaiseOpt {
	PLSQL_RAISE_ERRCODE,
	PLSQL_RAISE_MESSAGE,
	PLSQL_RAISE_DETAIL,
	PLSQL_RAISE_HINT,
	PLSQL_RAISE_COLUMN,
	PLSQL_RAISE_CONSTRAINT,
	PLSQL_RAISE_DATATYPE,
	PLSQL_RAISE_TABLE,
	PLSQL_RAISE_SCHEMA,
} PlsqlRaiseOpt;

typedef struct PlsqlRaiseOption {
	PlsqlRaiseOpt kind;
	PlsqlExpr    *expr;
} PlsqlRaiseOption;

typedef enum PlsqlElevel {
	PLSQL_DEBUG, PLSQL_LOG, PLSQL_INFO, PLSQL_NOTICE, PLSQL_WARNING, PLSQL_EXCEPTION,
} PlsqlElevel;

typedef struct PlsqlRaise {
	PlsqlStmt         stmt;
	PlsqlElevel       elevel;
	bool              rethrow;    /* bare RAISE; */
	char              sqlstate[6];/* from condition name / SQLSTATE '...', or "" */
	const char       *condname;   /* the condition name given, for the default message */
	const char       *message;    /* format string (decoded literal), or NULL */
	int               nparams;
	PlsqlExpr       **params;
	int               noptions;
	PlsqlRaiseOption *options;
} PlsqlRaise;

typedef struct PlsqlAssert {
	PlsqlStmt   stmt;
	PlsqlExpr  *cond;
	PlsqlExpr  *message;         /* or NULL */
} PlsqlAssert;

typedef struct PlsqlExecSql {    /* EXECSQL and PERFORM */
	PlsqlStmt   stmt;
	PlsqlExpr  *sql;
	bool        into;            /* has an INTO clause */
	bool        strict;
	bool        mod_stmt;        /* INSERT/UPDATE/DELETE (RETURNING INTO is always strict about > 1 row) */
	PlsqlTarget target;
} PlsqlExecSql;

typedef struct PlsqlDynExecute {
	PlsqlStmt   stmt;
	PlsqlExpr  *query;           /* expression giving the statement text */
	bool        into;
	bool        strict;
	PlsqlTarget target;
	int         nusing;
	PlsqlExpr **usings;
} PlsqlDynExecute;

typedef enum PlsqlDiagItem {
	PLSQL_DIAG_ROW_COUNT,
	PLSQL_DIAG_CONTEXT,          /* PG_CONTEXT */
	PLSQL_DIAG_RETURNED_SQLSTATE,
	PLSQL_DIAG_MESSAGE_TEXT,
	PLSQL_DIAG_EXCEPTION_DETAIL,
	PLSQL_DIAG_EXCEPTION_HINT,
	PLSQL_DIAG_EXCEPTION_CONTEXT,
	PLSQL_DIAG_COLUMN_NAME,
	PLSQL_DIAG_CONSTRAINT_NAME,
	PLSQL_DIAG_DATATYPE_NAME,
	PLSQL_DIAG_TABLE_NAME,
	PLSQL_DIAG_SCHEMA_NAME,
} PlsqlDiagItem;

typedef struct PlsqlDiag {
	int           dno;
	PlsqlDiagItem item;
} PlsqlDiag;

typedef struct PlsqlGetDiag {
	PlsqlStmt   stmt;
	bool        stacked;
	int         nitems;
	PlsqlDiag  *items;
} PlsqlGetDiag;

/* ---- the routine ------------------------------------------------------------------ */

typedef struct PlsqlFunction {
	OxArena     *arena;       /* owns the tree */
	OxRoutine   *routine;
	const char  *body;        /* the routine's body (routine->body) */
	int          ndatums;
	PlsqlDatum **datums;      /* [ndatums] */
	PlsqlBlock  *action;      /* the outermost block */
	int          nstmts;
	PlsqlStmt  **stmts;       /* [nstmts], in source order (debugger) */
	int          max_depth;   /* deepest PlsqlStmt.depth */
	int          nexprs;
	PlsqlExpr  **exprs;       /* [nexprs]: every SQL site, to free their caches */
	int          found_dno;
	int         *arg_dnos;    /* [routine->nargs] */
	int         *out_dnos;    /* [routine->nresult] for OX_RET_RECORD, else NULL */
	/* triggers (-1 when not a trigger function) */
	int          new_dno, old_dno;
	int          tg_name_dno, tg_when_dno, tg_level_dno, tg_op_dno, tg_table_name_dno,
	             tg_table_schema_dno, tg_relname_dno, tg_nargs_dno;
	int          tg_argv_dno;     /* first of PLSQL_TG_ARGV_MAX text variables */
	int          tg_event_dno, tg_tag_dno;
	bool         is_trigger, is_event_trigger, is_procedure;
	bool         has_out;     /* OUT, INOUT or TABLE arguments make the result */
	int          active;      /* frames of this routine running (recursion level) */
	GPtrArray   *retired;     /* SPI objects replaced by a re-preparation, freed
	                             with the function: a recursive call may still
	                             be running one (plsql-exec.c) */
} PlsqlFunction;

/* TG_ARGV[i] is rewritten to a CASE over hidden variables (the engine has
 * no arrays yet); indexes past this bound read as NULL. */
#define PLSQL_TG_ARGV_MAX 16

/* Parse r->body into a new PlsqlFunction (types not resolved: see
 * plsql_resolve_types in plsql-exec.c).  Raises 42601 with the position
 * (1-based byte offset into the body) of the offending token; other
 * compile errors carry their own SQLSTATE (42704 unknown condition name,
 * 22005 assignment to a CONSTANT, 0Z002 bare RAISE outside a handler). */
PlsqlFunction *plsql_parse (OxRoutine *r);
void           plsql_function_free (PlsqlFunction *f);

/* Line and column (1-based, columns in characters) of byte offset 'loc'
 * in body. */
void           plsql_line_col (const char *body, int loc, int *line, int *col);

/* Resolve a dotted name (a; label.a; rec.field; label.rec.field) against
 * the name space from 'ns' outwards: the datum, or -1.  *field is set to
 * the record field named (or NULL) and *used to the names consumed. */
int            plsql_ns_lookup (PlsqlNsItem *ns, const char *const *names, int n, const char **field,
                                int *used);

/* "assignment", "IF", "FOR with integer loop variable" ... as in
 * PostgreSQL's context lines. */
const char    *plsql_stmt_kind_name (const PlsqlStmt *s);

/* SQLSTATE of a condition name ("division_by_zero" -> "22012"), NULL if
 * unknown.  "others" is not in the table. */
const char    *plsql_condition_sqlstate (const char *name);

#endif

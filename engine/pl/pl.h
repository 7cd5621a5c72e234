/*
 * pl.h — routine languages and the SPI they use to run SQL.
 *
 * A language (sql, plsql, lua) is a vtable registered under its name.
 * The engine calls it in three situations:
 *
 *   compile   at CREATE FUNCTION / PROCEDURE / DO time, to report syntax
 *             errors with a position inside the body, and again on a
 *             session's first call of a routine version (the result is
 *             cached per session under the OxRoutine's address: objects
 *             are immutable, CREATE OR REPLACE makes a new one);
 *   call      for each call, with the argument values already cast to the
 *             declared types;
 *   free      when the session's cache drops the compiled form.
 *
 * Languages reach the database only through the SPI below: they prepare
 * statements in the caller's session (plans are kept and reused), run them
 * inside the caller's transaction and see its uncommitted changes, as
 * PostgreSQL's SPI does.
 *
 * Errors.  Everything here raises with ox_raise (error.h); a language that
 * must clean up (close a cursor, roll back a subtransaction) catches with
 * OX_TRY and rethrows.  Before rethrowing, a language adds one line of
 * context naming the routine, line and statement with ox_error_add_context
 * ("PL/SQL function add_one(integer) line 3 at RETURN"), as PostgreSQL's
 * CONTEXT field does.
 *
 * Positions.  A compile error inside a body is raised with the 1-based
 * byte offset into the body as its position and a context line "line L,
 * column C of the body"; the CREATE statement turns the position into one
 * inside its own text.
 *
 * Threads.  A session runs on one thread at a time; compiled forms and SPI
 * plans belong to the session and are never shared.
 */
#ifndef OX_PL_H
#define OX_PL_H

#include <glib.h>

#include "base/arena.h"
#include "base/value.h"
#include "catalog/catalog.h"

struct OxSession;

/* ---- calls ------------------------------------------------------------------ */

/* What a trigger function sees (TG_* variables, NEW, OLD). */
typedef struct OxTriggerData {
	const char *name;          /* TG_NAME */
	const char *when;          /* TG_WHEN: "BEFORE", "AFTER", "INSTEAD OF" */
	const char *level;         /* TG_LEVEL: "ROW", "STATEMENT" */
	const char *op;            /* TG_OP: "INSERT", "UPDATE", "DELETE", "TRUNCATE" */
	OxTable    *table;         /* TG_TABLE_NAME = table->obj.name, TG_TABLE_SCHEMA */
	int         ncols;         /* table->ncols */
	OxValue    *new_row;       /* NEW (ROW level INSERT/UPDATE), else NULL */
	OxValue    *old_row;       /* OLD (ROW level UPDATE/DELETE), else NULL */
	int         nargs;         /* TG_NARGS */
	const char **argv;         /* TG_ARGV[] (text) */
	/* Result of a ROW-level BEFORE or INSTEAD OF trigger: the row to use
	 * (ncols values in the call's arena), or NULL to skip the operation.
	 * The engine sets it to new_row (or old_row for DELETE) before the
	 * call; a language replaces it with what the function returned. */
	OxValue    *result_row;
} OxTriggerData;

/* Event triggers (ddl_command_start, ddl_command_end, sql_drop). */
typedef struct OxEventTriggerData {
	const char *event;         /* TG_EVENT */
	const char *tag;           /* TG_TAG: "CREATE TABLE" ... */
} OxEventTriggerData;

typedef struct OxPlCall OxPlCall;

struct OxPlCall {
	struct OxSession   *session;
	OxRoutine          *routine;    /* for DO blocks a transient object, never registered */
	OxValue            *args;       /* [routine->nargs]: IN/INOUT values; OUT/TABLE slots
	                                   are NULLs of their type */
	OxArena            *arena;      /* results (text, numeric) go here */
	OxTriggerData      *trigger;    /* non-NULL for a trigger call */
	OxEventTriggerData *event;      /* non-NULL for an event trigger call */
	bool                nonatomic;  /* a procedure called by CALL (or a DO block) outside a
	                                   transaction block: COMMIT and ROLLBACK are allowed */
	int                 depth;      /* routine call depth (1 = outermost) */
	/* results */
	OxValue             result;     /* a function's value (OX_RET_VALUE, not set-returning) */
	OxValue            *out;        /* OX_RET_RECORD, not set-returning: [routine->nresult]
	                                   values for the OUT/INOUT/TABLE arguments, NULLs before */
	/* Set-returning functions emit rows of routine->nresult values, already
	 * of the result types (copied by the callee). */
	void              (*emit) (OxPlCall *c, const OxValue *row);
	void               *emit_user;
};

typedef struct OxLanguage {
	const char *name;          /* "sql", "plsql", "lua" */
	const char *display;       /* "SQL", "PL/SQL", "Lua" — for context lines */
	/* Parse and check r->body; raise 42601 (position inside the body) on a
	 * syntax error.  Returns the compiled form (g_malloc'd or an arena the
	 * language owns), freed by free(). */
	void *(*compile) (struct OxSession *s, OxRoutine *r);
	void  (*call) (void *compiled, OxPlCall *c);
	void  (*free) (void *compiled);
} OxLanguage;

void              ox_language_register (const OxLanguage *lang);
/* "plpgsql" finds plsql.  NULL if unknown. */
const OxLanguage *ox_language_find (const char *name);

/* The session's compiled form of r (compiling it on first use). */
void *ox_routine_compiled (struct OxSession *s, OxRoutine *r, const OxLanguage **lang);

/* Call a routine with args[r->nargs] (IN values cast to the declared
 * types); the engine's own entry point, also used by languages to call
 * each other directly. Raises 54001 past the depth limit. */
void ox_routine_call (OxPlCall *c);

/* Append a context line to the error being handled (inside OX_CATCH). */
void ox_error_add_context (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

/* ---- SPI: statements in the caller's session ------------------------------------ */

/* How the binder asks a language about names it meets in an embedded
 * statement.  resolve() gets the dotted name of a column reference
 * ("v_total", "r.id", "new.price") and returns the parameter number
 * (>= 1) that stands for it, filling *type, or 0 when it names no
 * variable.  A name that is both a column and a variable is an error
 * (42702, "could refer to either a PL/SQL variable or a table column"),
 * as in PL/pgSQL's default. */
typedef struct OxSpiParamHook {
	int  (*resolve) (void *user, const char *const *fields, int nfields, OxType *type);
	void  *user;
	bool   columns_win;  /* a name that is a column and a variable means the
	                        column, silently (SQL-language functions) */
} OxSpiParamHook;
/* With a hook, a $n in the statement is offered to resolve() too, as the
 * single field "$n", so that it can mean the routine's n-th argument. */

typedef struct OxSpiPlan OxSpiPlan;
typedef struct OxSpiCursor OxSpiCursor;

/* Parse and bind one SQL statement (no trailing statements).  $n
 * parameters take their types from ptypes[n-1] when n <= nptypes (others
 * are inferred, as ox_prepare does); variables come through hook (may be
 * NULL).  Raises parse and bind errors with positions in sql. */
OxSpiPlan  *ox_spi_prepare (struct OxSession *s, const char *sql, const OxSpiParamHook *hook,
                            int nptypes, const OxType *ptypes);
void        ox_spi_free (OxSpiPlan *p);
/* Number of parameters the statement uses ($n and variables alike). */
int         ox_spi_nparams (OxSpiPlan *p);
OxType      ox_spi_param_type (OxSpiPlan *p, int i);  /* 0-based */
bool        ox_spi_returns_rows (OxSpiPlan *p);
int         ox_spi_ncols (OxSpiPlan *p);
const char *ox_spi_colname (OxSpiPlan *p, int i);
OxType      ox_spi_coltype (OxSpiPlan *p, int i);
/* "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE TABLE", ... */
const char *ox_spi_verb (OxSpiPlan *p);

/* Run a statement: params[nparams] in the statement's parameter order.
 * The cursor's rows are valid until the next fetch; close returns the
 * number of rows processed (fetched, or affected by DML).  Close is safe
 * (and required) after an error raised by fetch.  A plan may be opened
 * again while one of its cursors is open (recursion): each open cursor
 * runs its own copy. */
OxSpiCursor    *ox_spi_open (OxSpiPlan *p, const OxValue *params, int nparams);
const OxValue  *ox_spi_fetch (OxSpiCursor *c);
int64_t         ox_spi_close (OxSpiCursor *c);
/* Run to completion, discarding rows; returns rows processed. */
int64_t         ox_spi_exec (OxSpiPlan *p, const OxValue *params, int nparams);

/* Expressions: "a + 1", "x > 0 AND y IS NULL".  Prepared as SELECT expr;
 * when the expression reads no table (the usual case in PL code) it is
 * evaluated directly, without an executor run.  Raises 42601 for text
 * that is not one expression. */
typedef struct OxSpiExpr OxSpiExpr;
OxSpiExpr  *ox_spi_prepare_expr (struct OxSession *s, const char *expr, const OxSpiParamHook *hook);
OxType      ox_spi_expr_type (OxSpiExpr *e);
int         ox_spi_expr_nparams (OxSpiExpr *e);
/* The value: allocated in a, or pointing into params or into the
 * expression itself (a constant) — copy it before ox_spi_expr_free. */
OxValue     ox_spi_eval (OxSpiExpr *e, const OxValue *params, int nparams, OxArena *a);
void        ox_spi_expr_free (OxSpiExpr *e);

/* Cast v to type t as PL/pgSQL assignments do: any cast, including text
 * I/O conversion, is allowed (22P02, 22003, 22001 ... when the value does
 * not fit). */
OxValue     ox_spi_cast (struct OxSession *s, const OxValue *v, OxType t, OxArena *a);
/* PostgreSQL's text form of v in the session's settings (allocated in a). */
const char *ox_spi_value_text (struct OxSession *s, const OxValue *v, OxArena *a);

/* Subtransactions (BEGIN ... EXCEPTION blocks): begin returns a mark;
 * rollback undoes every write made since it and releases nothing else. */
guint       ox_spi_subxact_begin (struct OxSession *s);
void        ox_spi_subxact_rollback (struct OxSession *s, guint mark);

/* Transaction control inside a procedure called non-atomically (raises
 * 2D000 "invalid transaction termination" otherwise): end the current
 * transaction and start a new one with the same characteristics. */
void        ox_spi_commit (OxPlCall *c);
void        ox_spi_rollback (OxPlCall *c);

/* Messages: RAISE below EXCEPTION, ox.log.  level is one of "DEBUG",
 * "LOG", "INFO", "NOTICE", "WARNING"; it reaches the client per
 * client_min_messages and is recorded in system.logs with the routine and
 * line. */
void        ox_spi_message (struct OxSession *s, const char *level, const char *routine, int line,
                            const char *sqlstate, const char *message, const char *detail, const char *hint);

/* Cancellation and statement_timeout: raises 57014 when due.  Languages
 * call it in loops that run no SQL. */
void        ox_spi_check_interrupts (struct OxSession *s);

/* How many statements and expressions were prepared, process-wide (a
 * statistic; tests use it to check that routines reuse their plans). */
guint64     ox_spi_prepares (void);

/* A setting's current text (lua.max_instructions ...), or NULL. */
const char *ox_spi_setting (struct OxSession *s, const char *name);

#endif

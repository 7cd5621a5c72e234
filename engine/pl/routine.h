/*
 * routine.h — the engine's side of routines (routine.c), for session.c,
 * the binder and the executor.  Languages use pl.h only.
 */
#ifndef OX_ROUTINE_H
#define OX_ROUTINE_H

#include "pl/pl.h"
#include "plan/plan.h"

struct OxSession;

void       ox_ddl_create_function (struct OxSession *s, OxExec *x, OxCreateFunctionStmt *cf, const char *sql);
void       ox_ddl_drop_routines (struct OxSession *s, OxExec *x, OxDropStmt *ds);

/* Find the routine a call names.  at[nargs] are the argument types
 * (OX_T_UNKNOWN for untyped literals), names[] the argument names of a
 * call with named arguments (or NULL).  On success map[i] tells which
 * given argument goes to the routine's i-th callable argument (-1: its
 * default).  Raises 42883 (with the candidates in the hint) or 42725;
 * with missing_ok, returns NULL when no routine has that name at all. */
OxRoutine *ox_routine_resolve (struct OxSession *s, OxTxn *t, const char *schema, const char *name, int nargs,
                               const OxTypeId *at, const char *const *names, int *map, bool want_procedure,
                               int loc, bool missing_ok);

/* CALL: bind arguments and find the procedure; args_out[r->nargs] holds
 * the bound argument per declared argument (NULL: default or OUT). */
OxRoutine *ox_call_bind (struct OxSession *s, OxExec *x, OxCallStmt *cs, OxType *ptypes, int *nparams,
                         OxExpr ***args_out);
OxValue   *ox_call_run (struct OxSession *s, OxExec *x, OxRoutine *r, OxExpr **args, bool nonatomic);
void       ox_do_run (struct OxSession *s, OxExec *x, OxDoStmt *ds, const char *sql, bool nonatomic);

/* Raise 54001 when the thread's stack is nearly used up. */
void       ox_check_stack_depth (void);

/* Drop every compiled form the session holds. */
void       ox_routine_cache_clear (struct OxSession *s);

#endif

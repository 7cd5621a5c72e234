/*
 * functions.h — the table of built-in scalar functions and how a call
 * f(args) is resolved against it.
 *
 * Operators (+, =, ||, ...) and the special forms (COALESCE, NULLIF,
 * GREATEST, LEAST, CASE) are compiled by the binder directly; everything
 * called by name lives here.  Resolution follows PostgreSQL's rules
 * (func_select_candidate, simplified): an exact match of argument types
 * wins; otherwise the candidate needing only implicit casts with the most
 * exact matches; untyped literals (OX_T_UNKNOWN) match any type, preferring
 * the string category (text).  Ambiguity is reported, not guessed.
 */
#ifndef OX_FUNCTIONS_H
#define OX_FUNCTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

#include "base/arena.h"
#include "base/value.h"
#include "base/cast.h"

typedef struct OxFuncCtx {
	OxArena         *arena;  /* where results (text, numeric) are allocated */
	const OxCastCtx *cx;     /* session time zone and statement timestamp */
	struct OxExec   *x;      /* the statement (catalog functions read its
	                            catalog, transaction and session); NULL
	                            when constant-folding */
} OxFuncCtx;

/* Compute result from args (nargs values, already of the declared types).
 * For strict functions the caller guarantees no argument is NULL.  Errors
 * are raised with ox_raise. */
typedef void (*OxBuiltinFn) (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result);

#define OX_BUILTIN_MAX_ARGS 4

typedef enum OxVolatility { OX_IMMUTABLE, OX_STABLE, OX_VOLATILE } OxVolatility;

typedef struct OxBuiltin {
	const char  *name;      /* lower case, as called: "abs", "substr" */
	int          nargs;     /* fixed count; variadic functions (concat) use -1 */
	OxTypeId     args[OX_BUILTIN_MAX_ARGS];  /* declared argument types; for variadic, args[0] is the element type */
	OxTypeId     ret;       /* result type */
	bool         strict;    /* NULL in -> NULL out without calling fn */
	OxVolatility volatility;
	OxBuiltinFn  fn;
} OxBuiltin;

typedef enum OxResolveStatus {
	OX_RESOLVE_OK,
	OX_RESOLVE_NO_SUCH_NAME,   /* no function of that name at all */
	OX_RESOLVE_NO_MATCH,       /* name exists, no candidate fits the argument types */
	OX_RESOLVE_AMBIGUOUS,      /* several candidates fit equally well */
} OxResolveStatus;

/* Resolve a call.  argtypes[i] is the argument's type (OX_T_UNKNOWN for an
 * untyped literal or NULL).  On OX_RESOLVE_OK, *out is the chosen builtin;
 * the caller casts each argument to (*out)->args[i] (or args[0] for
 * variadic) where the types differ. */
OxResolveStatus ox_builtin_resolve (const char *name, int nargs, const OxTypeId *argtypes,
                                    const OxBuiltin **out);

/* Is 'name' a built-in aggregate (count, sum, avg, min, max, ...)?  The
 * aggregates themselves are implemented by the executor. */
bool ox_is_aggregate_name (const char *name);

/* Additions (not part of the first API draft): */

/* Variadic entries (nargs == -1) take "any" arguments: every argument
 * type matches, and the caller casts each to args[0].  concat takes one
 * or more, concat_ws a text separator and one or more, make_timestamp
 * exactly six (year, month, day, hour, min as integers, sec as float8:
 * OX_BUILTIN_MAX_ARGS is too small for it; its arguments arrive as
 * float8). */

/* The same resolution against an explicit table, so that tests can pin
 * down tie-breaking on tables built for the purpose. */
OxResolveStatus ox_builtin_resolve_in (const OxBuiltin *table, size_t n_table, const char *name,
                                       int nargs, const OxTypeId *argtypes, const OxBuiltin **out);

/* The functions over the catalog (pg_get_indexdef, format_type, ...):
 * catalog-functions.c.  ox_builtin_resolve looks here for names its own
 * table lacks. */
const OxBuiltin *ox_catalog_builtins (size_t *n_out);

/* The functions over arrays held as text (subscripts as "[]",
 * array_upper, cardinality, "=any" ...) and generate_series:
 * text-arrays.c, looked in after the catalog's. */
const OxBuiltin *ox_text_array_builtins (size_t *n_out);

/* nextval, currval, setval, lastval, pg_get_serial_sequence:
 * sequences.c, looked in last. */
const OxBuiltin *ox_sequence_builtins (size_t *n_out);

/* Does bi return a set?  0 if not, else its OX_SRF_* (plan/plan.h):
 * generate_series, pg_partition_ancestors.  Such a call is bound only
 * in FROM (or as the one item of a select list without FROM, which the
 * binder moves there), where the function scan computes its rows. */
int ox_builtin_srf_kind (const OxBuiltin *bi);

/* Append s[0..len) (NULL: a NULL element) to buf as an element of an
 * array literal, quoted as array_out quotes: when empty, equal to NULL
 * in any case, or containing , { } " \ or white space. */
void ox_text_array_append (GString *buf, const char *s, size_t len);

/* The elements of a one-dimensional array's text (char *, NULL for a
 * NULL element), allocated in a; the caller unrefs the array. */
GPtrArray *ox_text_array_elements (OxArena *a, const char *s, size_t len);

/* Every built-in, in table order (for listings such as \df). */
const OxBuiltin *ox_builtin_table (size_t *n_out);

#endif

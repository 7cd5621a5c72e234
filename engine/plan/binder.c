/*
 * binder.c — name and type resolution: parse tree (ast.h) to OxQuery (plan.h).
 *
 * The binder decides everything PostgreSQL's parse analysis decides: which
 * table a column belongs to (searching outer query levels for correlated
 * subqueries), the type of every expression, which implicit casts apply,
 * which operator and function implement a call, and what the output
 * columns are called.  It does not choose join order or access paths.
 *
 * NOTE: untyped literals ('abc', NULL) stay OX_T_UNKNOWN until context
 * gives them a type, as in PostgreSQL; a literal that still has no type
 * when it reaches the output becomes text.
 * NOTE: errors carry the byte offset of the offending node; the session
 * converts it to a character position.
 */
#include "auth/role.h"
#include "plan.h"
#include "pl/routine.h"
#include "pl/trigger.h"
#include "session.h"
#include "base/error.h"
#include "base/numeric.h"
#include "catalog/system_views.h"

#include <string.h>
#include <stdlib.h>
#include <errno.h>

typedef struct Scope Scope;

typedef struct Merged {
	const char *name;
	OxExpr     *expr;   /* VAR or COALESCE of the two sides */
} Merged;

struct Scope {
	OxQuery   *q;
	Scope     *parent;
	GPtrArray *merged;     /* Merged* from USING/NATURAL joins */
	GPtrArray *ctes;       /* CteDef* visible at this level */
	bool       in_agg;     /* binding an aggregate's argument */
	bool       agg_allowed;
	const char *agg_context; /* "WHERE", "JOIN conditions", ... when not allowed */
	OxTable   *table_only; /* bind over a single table row (CHECK/DEFAULT) */
};

typedef struct CteDef {
	const char        *name;
	OxCommonTableExpr *def;
	OxQuery           *bound;    /* bound once, reused */
	bool               binding;  /* being bound: invisible to itself */
} CteDef;

typedef struct Binder {
	OxExec    *x;
	OxSession *s;
	OxArena   *a;
	OxType    *ptypes;   /* [OX_MAX_PARAMS] inferred $n types */
	bool       setop_branch; /* the next bind_select is a UNION/INTERSECT/EXCEPT
	                            branch: leave unknown outputs for the set
	                            operation to resolve, as PostgreSQL does */
	int       *nparams;
	int        depth;
} Binder;

#define OX_MAX_PARAMS 65535

static OxExpr *bind_expr (Binder *b, Scope *sc, OxNode *n);
static OxQuery *bind_select (Binder *b, Scope *parent, OxSelectStmt *sel, GPtrArray *ctes);
static void add_target (Binder *b, OxQuery *q, OxExpr *e, const char *name, bool junk);
static OxQuery *new_query (Binder *b);
bool ox_expr_equal (const OxExpr *a, const OxExpr *b);

/* ---- small helpers ------------------------------------------------------------ */

/* A GPtrArray that lives (and dies) with the binder's arena. */
static GPtrArray *
parr (Binder *b)
{
	GPtrArray *p = g_ptr_array_new ();
	ox_arena_on_free (b->a, (void (*) (void *)) g_ptr_array_unref, p);
	return p;
}

static OxExpr *
mk (Binder *b, OxExprKind k, OxTypeId t, int loc)
{
	OxExpr *e = OX_NEW (b->a, OxExpr);
	e->kind = k;
	e->type.id = t;
	e->type.typmod = -1;
	e->loc = loc;
	return e;
}

static OxExpr *
mk_args (Binder *b, OxExprKind k, OxTypeId t, int loc, int nargs)
{
	OxExpr *e = mk (b, k, t, loc);
	e->nargs = nargs;
	e->args = OX_NEW_N (b->a, OxExpr *, nargs);
	return e;
}

static OxExpr *
mk_const (Binder *b, OxValue v, int loc)
{
	OxExpr *e = mk (b, OX_E_CONST, (OxTypeId) v.type, loc);
	e->cval = v;
	return e;
}

static const char *
tname (Binder *b, OxType t)
{
	return ox_type_format (b->a, t);
}

static int
type_rank (OxTypeId t)
{
	switch (t) {
	case OX_T_INT2: return 1;
	case OX_T_INT4: return 2;
	case OX_T_INT8: return 3;
	case OX_T_NUMERIC: return 4;
	case OX_T_FLOAT4: return 5;
	case OX_T_FLOAT8: return 6;
	case OX_T_DATE: return 1;
	case OX_T_TIMESTAMP: return 2;
	case OX_T_TIMESTAMPTZ: return 3;
	case OX_T_BPCHAR: return 1;
	case OX_T_VARCHAR: return 2;
	case OX_T_TEXT: return 3;
	default: return 0;
	}
}

static int
type_category (OxTypeId t)
{
	if (ox_type_is_numeric_family (t))
		return 'N';
	if (t == OX_T_TEXT || t == OX_T_VARCHAR || t == OX_T_BPCHAR)
		return 'S';
	if (ox_type_is_datetime (t))
		return 'D';
	if (t == OX_T_BOOL)
		return 'B';
	if (t == OX_T_BYTEA)
		return 'U';
	return 'X';
}

/* PostgreSQL's select_common_type, reduced to our types.  Returns
 * OX_T__COUNT when the types cannot be matched. */
static OxTypeId
common_type2 (OxTypeId a, OxTypeId b)
{
	if (a == OX_T_UNKNOWN)
		return b;
	if (b == OX_T_UNKNOWN)
		return a;
	if (a == b)
		return a;
	int ca = type_category (a), cb = type_category (b);
	if (ca != cb)
		return OX_T__COUNT;
	if (ca == 'S') {
		/* varchar and text resolve to text; bpchar with text to text */
		return OX_T_TEXT;
	}
	return type_rank (a) >= type_rank (b) ? a : b;
}

/* Constant-fold a cast of a constant, attaching loc to errors. */
static OxValue
fold_cast (Binder *b, OxValue v, OxType t, bool explicit_cast, int loc)
{
	OxValue r;
	OX_TRY {
		r = ox_value_cast (b->a, &b->x->cx, &v, t, explicit_cast);
	} OX_CATCH {
		OxErrorData *e = ox_error_current ();
		if (e->position == 0 && loc >= 0)
			e->position = loc + 1;
		ox_error_rethrow_current ();
	} OX_END_TRY;
	return r;
}

/* Coerce e to type t.  ctx: 'e' explicit, 'a' assignment, 'i' implicit. */
static OxExpr *
coerce_to (Binder *b, OxExpr *e, OxType t, char ctx, const char *what)
{
	if (e->type.id == t.id && (t.typmod < 0 || e->type.typmod == t.typmod))
		return e;
	if (e->kind == OX_E_PARAM && e->type.id == OX_T_UNKNOWN) {
		/* the parameter takes the type without its modifier, which then
		 * applies as a cast (numeric(10,2) rounds, varchar(3) checks the
		 * length), as in PostgreSQL */
		OxType base = { t.id, -1 };
		b->ptypes[e->paramno - 1] = base;
		e->type = base;
		if (t.typmod < 0)
			return e;
	}
	if (e->type.id != t.id) {
		char c = ox_cast_context ((OxTypeId) e->type.id, t.id);
		bool ok = c != 0 && (ctx == 'e' || c == 'i' || (ctx == 'a' && c == 'a'));
		if (e->type.id == OX_T_UNKNOWN)
			ok = true;
		if (!ok) {
			if (ctx == 'e' || (c == 0 && ctx != 'a'))
				ox_raise ("42846", e->loc + 1, "cannot cast type %s to %s",
				          tname (b, e->type), tname (b, t));
			ox_raise_full (OX_ERR_DATATYPE_MISMATCH, e->loc + 1, NULL,
			               "You will need to rewrite or cast the expression.",
			               "%s is of type %s but expression is of type %s", what ? what : "expression",
			               tname (b, t), tname (b, e->type));
		}
	}
	if (e->kind == OX_E_CONST) {
		OxExpr *c = mk_const (b, fold_cast (b, e->cval, t, ctx != 'i' || e->type.id == OX_T_UNKNOWN ? ctx == 'e' : false, e->loc), e->loc);
		c->type = t;
		return c;
	}
	OxExpr *c = mk_args (b, OX_E_CAST, t.id, e->loc, 1);
	c->type = t;
	c->args[0] = e;
	/* an unknown-typed value that is not a literal (an element of a text
	 * array, text-arrays.c) is read by the type's input, as a literal is */
	c->explicit_cast = ctx == 'e' || e->type.id == OX_T_UNKNOWN;
	return c;
}

static OxExpr *
coerce_id (Binder *b, OxExpr *e, OxTypeId t)
{
	OxType ty = { t, -1 };
	return coerce_to (b, e, ty, 'i', NULL);
}

/* Unknown literals that reach an output column become text. */
static OxExpr *
resolve_unknown (Binder *b, OxExpr *e)
{
	if (e->type.id == OX_T_UNKNOWN)
		return coerce_id (b, e, OX_T_TEXT);
	return e;
}

static OxExpr *
coerce_bool (Binder *b, OxExpr *e, const char *clause)
{
	if (e->type.id == OX_T_BOOL)
		return e;
	if (e->type.id == OX_T_UNKNOWN)
		return coerce_id (b, e, OX_T_BOOL);
	ox_raise (OX_ERR_DATATYPE_MISMATCH, e->loc + 1, "argument of %s must be type boolean, not type %s",
	          clause, tname (b, e->type));
}

/* ---- type names ------------------------------------------------------------------ */

static OxType
resolve_typename (Binder *b, OxTypeName *tn)
{
	OxType t = { OX_T_UNKNOWN, -1 };
	const char *n = tn->name;
	if (tn->is_array)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, tn->node.loc + 1, "array types are not supported yet");
	if (!strcmp (n, "integer") || !strcmp (n, "int") || !strcmp (n, "int4"))
		t.id = OX_T_INT4;
	else if (!strcmp (n, "bigint") || !strcmp (n, "int8"))
		t.id = OX_T_INT8;
	else if (!strcmp (n, "smallint") || !strcmp (n, "int2"))
		t.id = OX_T_INT2;
	else if (!strcmp (n, "numeric") || !strcmp (n, "decimal")) {
		t.id = OX_T_NUMERIC;
		if (tn->nmods >= 1) {
			int p = tn->mods[0], s = tn->nmods > 1 ? tn->mods[1] : 0;
			if (p < 1 || p > 1000)
				ox_raise (OX_ERR_INVALID_PARAMETER, tn->node.loc + 1,
				          "NUMERIC precision %d must be between 1 and 1000", p);
			if (s < -1000 || s > 1000)
				ox_raise (OX_ERR_INVALID_PARAMETER, tn->node.loc + 1,
				          "NUMERIC scale %d must be between -1000 and 1000", s);
			t.typmod = OX_TYPMOD_NUMERIC (p, s);
		}
	} else if (!strcmp (n, "real") || !strcmp (n, "float4"))
		t.id = OX_T_FLOAT4;
	else if (!strcmp (n, "double precision") || !strcmp (n, "float8") || !strcmp (n, "float"))
		t.id = OX_T_FLOAT8;
	else if (!strcmp (n, "boolean") || !strcmp (n, "bool"))
		t.id = OX_T_BOOL;
	else if (!strcmp (n, "text"))
		t.id = OX_T_TEXT;
	else if (!strcmp (n, "varchar") || !strcmp (n, "character varying")) {
		t.id = OX_T_VARCHAR;
		if (tn->nmods >= 1)
			t.typmod = tn->mods[0];
	} else if (!strcmp (n, "char") || !strcmp (n, "character") || !strcmp (n, "bpchar")) {
		t.id = OX_T_BPCHAR;
		t.typmod = tn->nmods >= 1 ? tn->mods[0] : (!strcmp (n, "bpchar") ? -1 : 1);
	} else if (!strcmp (n, "bytea"))
		t.id = OX_T_BYTEA;
	else if (!strcmp (n, "date"))
		t.id = OX_T_DATE;
	else if (!strcmp (n, "timestamp") || !strcmp (n, "timestamp without time zone"))
		t.id = OX_T_TIMESTAMP;
	else if (!strcmp (n, "timestamptz") || !strcmp (n, "timestamp with time zone"))
		t.id = OX_T_TIMESTAMPTZ;
	else
		ox_raise (OX_ERR_UNDEFINED_OBJECT, tn->node.loc + 1, "type \"%s\" does not exist", n);
	if ((t.id == OX_T_VARCHAR || t.id == OX_T_BPCHAR) && tn->nmods >= 1 && tn->mods[0] < 1)
		ox_raise (OX_ERR_INVALID_PARAMETER, tn->node.loc + 1, "length for type %s must be at least 1",
		          t.id == OX_T_VARCHAR ? "varchar" : "char");
	return t;
}

/* The element type of an array type name (int2 for int2[]); UNKNOWN
 * for the catalog types that have no type of ours (oid[] is int8[],
 * name[] text[]; the reg* types are read as unknown). */
static OxType
array_element_type (Binder *b, OxTypeName *tn)
{
	static const char *const catalog_types[] = { "oid", "name", "regclass", "regtype", "regnamespace",
	                                             "regproc", "regprocedure", "regrole", "xid", "aclitem" };
	for (size_t i = 0; i < G_N_ELEMENTS (catalog_types); i++)
		if (!strcmp (tn->name, catalog_types[i]))
			return (OxType) { i == 0 ? OX_T_INT8 : i == 1 ? OX_T_TEXT : OX_T_UNKNOWN, -1 };
	OxTypeName elem = *tn;
	elem.is_array = false;
	return resolve_typename (b, &elem);
}

OxType ox_bind_typename (Binder *b, OxTypeName *tn);
OxType
ox_bind_typename (Binder *b, OxTypeName *tn)
{
	return resolve_typename (b, tn);
}

/* Exposed for DDL (session.c) with a throwaway binder. */
OxType ox_resolve_typename (OxExec *x, OxArena *a, OxTypeName *tn);
OxType
ox_resolve_typename (OxExec *x, OxArena *a, OxTypeName *tn)
{
	Binder b = { .x = x, .a = a };
	return resolve_typename (&b, tn);
}

/* ---- column references ----------------------------------------------------------- */

static OxExpr *
var_for (Binder *b, Scope *sc, int levelsup, int rt, int col, int loc)
{
	OxRte *r = sc->q->rtable->pdata[rt];
	OxExpr *e = mk (b, OX_E_VAR, r->coltypes[col].id, loc);
	e->type = r->coltypes[col];
	e->levelsup = levelsup;
	e->rt = rt;
	e->col = col;
	return e;
}

static int
rte_col (OxRte *r, const char *name)
{
	for (int i = 0; i < r->ncols; i++)
		if (r->colnames[i] && !strcmp (r->colnames[i], name))
			return i;
	return -1;
}

/* Shift an expression's VAR levels up by 'by' (used when a merged-column
 * expression bound at one level is referenced from a deeper one). */
static OxExpr *
shift_levels (Binder *b, OxExpr *e, int by)
{
	if (by == 0 || !e)
		return e;
	OxExpr *c = OX_NEW (b->a, OxExpr);
	*c = *e;
	if (c->kind == OX_E_VAR)
		c->levelsup += by;
	if (e->nargs) {
		c->args = OX_NEW_N (b->a, OxExpr *, e->nargs);
		for (int i = 0; i < e->nargs; i++)
			c->args[i] = shift_levels (b, e->args[i], by);
	}
	return c;
}

/* A routine's variable standing for a name (pl.h's param hook), or NULL. */
static OxExpr *
hook_param (Binder *b, const char *const *fields, int nf, int loc)
{
	const OxSpiParamHook *h = b->x ? b->x->param_hook : NULL;
	if (!h || !b->ptypes)
		return NULL;
	OxType ty = { OX_T_UNKNOWN, -1 };
	int n = h->resolve (h->user, fields, nf, &ty);
	if (n <= 0)
		return NULL;
	if (n > OX_MAX_PARAMS)
		ox_raise (OX_ERR_PROGRAM_LIMIT, loc + 1, "too many variables in one statement");
	if (n > *b->nparams)
		*b->nparams = n;
	b->ptypes[n - 1] = ty;
	OxExpr *e = mk (b, OX_E_PARAM, ty.id, loc);
	e->type = ty;
	e->paramno = n;
	return e;
}

static OxExpr *bind_columnref_inner (Binder *b, Scope *sc, OxColumnRef *cr);

static OxExpr *
bind_columnref (Binder *b, Scope *sc, OxColumnRef *cr)
{
	const OxSpiParamHook *h = b->x ? b->x->param_hook : NULL;
	if (!h)
		return bind_columnref_inner (b, sc, cr);
	const char *fields[4];
	int nf = cr->fields->n < 4 ? cr->fields->n : 4;
	for (int i = 0; i < nf; i++)
		fields[i] = cr->fields->items[i];
	OxExpr *volatile col = NULL;
	OX_TRY {
		col = bind_columnref_inner (b, sc, cr);
	} OX_CATCH {
		OxErrorData *e = ox_error_current ();
		if (strcmp (e->sqlstate, OX_ERR_UNDEFINED_COLUMN) && strcmp (e->sqlstate, OX_ERR_UNDEFINED_TABLE))
			ox_error_rethrow_current ();
		OxExpr *p = hook_param (b, fields, nf, cr->node.loc);
		if (!p)
			ox_error_rethrow_current ();
		OxErrorData tmp;
		ox_error_take (&tmp);
		ox_error_data_clear (&tmp);
		return p;
	} OX_END_TRY;
	if (!h->columns_win) {
		OxType ty;
		if (h->resolve (h->user, fields, nf, &ty) > 0) {
			GString *g = g_string_new (NULL);
			for (int i = 0; i < nf; i++)
				g_string_append_printf (g, "%s%s", i ? "." : "", fields[i]);
			char msg[300];
			g_snprintf (msg, sizeof msg, "column reference \"%s\" is ambiguous", g->str);
			g_string_free (g, TRUE);
			ox_raise_full (OX_ERR_AMBIGUOUS_COLUMN, cr->node.loc + 1,
			               "It could refer to either a PL/SQL variable or a table column.", NULL, "%s", msg);
		}
	}
	return col;
}

static OxExpr *
bind_columnref_inner (Binder *b, Scope *sc, OxColumnRef *cr)
{
	int nf = cr->fields->n;
	const char *col = cr->fields->items[nf - 1];
	const char *rel = nf >= 2 ? cr->fields->items[nf - 2] : NULL;
	const char *sch = nf >= 3 ? cr->fields->items[nf - 3] : NULL;
	int loc = cr->node.loc;
	if (nf > 3)
		ox_raise (OX_ERR_SYNTAX, loc + 1, "improper qualified name (too many dotted names)");
	int level = -1;
	for (Scope *s = sc; s; s = s->parent) {
		if (!s->q)
			continue;  /* a WITH scope: not a query level */
		level++;
		if (!rel && s->merged) {
			for (guint i = 0; i < s->merged->len; i++) {
				Merged *m = s->merged->pdata[i];
				if (!strcmp (m->name, col))
					return shift_levels (b, m->expr, level);
			}
		}
		int found_rt = -1, found_col = -1;
		bool rel_seen = false;
		for (guint i = 0; i < s->q->rtable->len; i++) {
			OxRte *r = s->q->rtable->pdata[i];
			if (!r->visible)
				continue;
			if (rel) {
				if (!r->alias || strcmp (r->alias, rel))
					continue;
				if (sch && (!r->table || strcmp (r->table->obj.schema->obj.name, sch)))
					continue;
				rel_seen = true;
			}
			int c = rte_col (r, col);
			if (c < 0)
				continue;
			if (found_rt >= 0) {
				if (rel)
					ox_raise (OX_ERR_AMBIGUOUS_COLUMN, loc + 1, "table reference \"%s\" is ambiguous", rel);
				ox_raise (OX_ERR_AMBIGUOUS_COLUMN, loc + 1, "column reference \"%s\" is ambiguous", col);
			}
			found_rt = (int) i;
			found_col = c;
		}
		if (found_rt >= 0) {
			Scope tmp = *s;
			OxExpr *v = var_for (b, &tmp, level, found_rt, found_col, loc);
			return v;
		}
		if (rel && rel_seen)
			ox_raise (OX_ERR_UNDEFINED_COLUMN, loc + 1, "column %s.%s does not exist", rel, col);
	}
	if (rel) {
		/* PostgreSQL distinguishes a missing table from a missing column. */
		ox_raise (OX_ERR_UNDEFINED_TABLE, loc + 1, "missing FROM-clause entry for table \"%s\"", rel);
	}
	ox_raise (OX_ERR_UNDEFINED_COLUMN, loc + 1, "column \"%s\" does not exist", col);
}

/* ---- operators -------------------------------------------------------------------- */

/* Set by bind_expr when the operand of a prefix '-' is a numeric literal
 * token (PostgreSQL's grammar folds exactly that case, doNegate). */
static _Thread_local bool negate_literal;

/* A call of built-in 'name' on bound arguments, cast as it declares. */
static OxExpr *
builtin_call (Binder *b, const char *name, OxExpr **args, int nargs, int loc)
{
	OxTypeId at[OX_BUILTIN_MAX_ARGS];
	for (int i = 0; i < nargs; i++)
		at[i] = (OxTypeId) args[i]->type.id;
	const OxBuiltin *bi = NULL;
	if (ox_builtin_resolve (name, nargs, at, &bi) != OX_RESOLVE_OK)
		ox_raise_full (OX_ERR_UNDEFINED_FUNCTION, loc + 1, NULL, NULL, "function %s does not exist", name);
	OxExpr *e = mk_args (b, OX_E_FUNC, bi->ret, loc, nargs);
	e->fn = bi;
	for (int i = 0; i < nargs; i++) {
		/* variadic "any" (nargs -1) takes its arguments as they are */
		OxTypeId want = bi->nargs < 0 ? (OxTypeId) args[i]->type.id : bi->args[i];
		e->args[i] = args[i]->type.id == want ? args[i] : coerce_id (b, args[i], want);
	}
	return e;
}

static OxExpr *
make_op (Binder *b, const char *name, OxExpr *l, OxExpr *r, int loc)
{
	/* the regular expression matches are functions, as in PostgreSQL */
	static const char *const regex_ops[][2] = { { "~", "textregexeq" }, { "!~", "textregexne" },
	                                            { "~*", "texticregexeq" }, { "!~*", "texticregexne" } };
	for (size_t i = 0; l && i < G_N_ELEMENTS (regex_ops); i++)
		if (!strcmp (name, regex_ops[i][0])) {
			OxExpr *args[2] = { l, r };
			return builtin_call (b, regex_ops[i][1], args, 2, loc);
		}
	OxTypeId lt = l ? (OxTypeId) l->type.id : OX_T_UNKNOWN;
	OxTypeId rt = (OxTypeId) r->type.id;
	OxTypeId target_l, target_r;
	bool is_concat = !strcmp (name, "||");
	if (!l && negate_literal && !strcmp (name, "-") && r->kind == OX_E_CONST && !r->cval.null &&
	    (r->cval.type == OX_T_INT4 || r->cval.type == OX_T_INT8 || r->cval.type == OX_T_NUMERIC)) {
		/* A negative literal is one constant, as in PostgreSQL:
		 * -2147483648 is an integer and -9223372036854775808 a bigint. */
		OxValue v = r->cval;
		if (v.type == OX_T_NUMERIC) {
			const OxNumeric *neg = ox_numeric_neg (b->a, v.v.num);
			int64_t i;
			if (ox_numeric_scale (neg) == 0 && ox_numeric_to_int64 (neg, &i))
				v = ox_int (i >= INT32_MIN ? OX_T_INT4 : OX_T_INT8, i);
			else
				v.v.num = neg;
		} else {
			int64_t i = -v.v.i;  /* v.v.i > INT64_MIN: literals are non-negative */
			v = ox_int (i >= INT32_MIN ? OX_T_INT4 : OX_T_INT8, i);
		}
		return mk_const (b, v, loc);
	}
	if (!l) {
		/* prefix operator */
		if (!strcmp (name, "|/") && rt != OX_T_FLOAT8) {
			r = coerce_id (b, r, OX_T_FLOAT8);  /* |/ exists only as dsqrt (double precision) */
			rt = OX_T_FLOAT8;
		}
		if (rt == OX_T_UNKNOWN) {
			r = coerce_id (b, r, !strcmp (name, "~") ? OX_T_INT4 : OX_T_NUMERIC);
			rt = (OxTypeId) r->type.id;
		}
		OxTypeId res;
		OxOpFn fn = ox_op_lookup (name, OX_T_UNKNOWN, rt, &res);
		if (!fn)
			ox_raise_full (OX_ERR_UNDEFINED_FUNCTION, loc + 1, NULL,
			               "No operator matches the given name and argument type. You might need to add an explicit type cast.",
			               "operator does not exist: %s %s", name, tname (b, r->type));
		OxExpr *e = mk_args (b, OX_E_OP, res, loc, 1);
		e->args[0] = r;
		e->op = fn;
		e->opname = name;
		return e;
	}
	if (is_concat) {
		/* anynonarray || text: whatever is not a string becomes text */
		bool ls = ox_type_is_string (lt), rs = ox_type_is_string (rt);
		if (lt == OX_T_BYTEA && (rt == OX_T_BYTEA || rt == OX_T_UNKNOWN)) {
			target_l = target_r = OX_T_BYTEA;
		} else if (ls || rs) {
			target_l = target_r = OX_T_TEXT;
		} else {
			ox_raise_full (OX_ERR_UNDEFINED_FUNCTION, loc + 1, NULL,
			               "No operator matches the given name and argument types. You might need to add explicit type casts.",
			               "operator does not exist: %s || %s", tname (b, l->type), tname (b, r->type));
		}
		if (lt != target_l)
			l = coerce_to (b, l, (OxType) { target_l, -1 }, ls || lt == OX_T_UNKNOWN ? 'i' : 'e', NULL);
		if (rt != target_r)
			r = coerce_to (b, r, (OxType) { target_r, -1 }, rs || rt == OX_T_UNKNOWN ? 'i' : 'e', NULL);
		OxTypeId res;
		OxOpFn fn = ox_op_lookup (name, target_l, target_r, &res);
		OxExpr *e = mk_args (b, OX_E_OP, res, loc, 2);
		e->args[0] = l;
		e->args[1] = r;
		e->op = fn;
		e->opname = name;
		return e;
	}
	/* exponentiation has no integer form: ints (and unknowns) go to
	 * double precision, as PostgreSQL's dpow is the preferred candidate */
	if (!strcmp (name, "^") && lt != OX_T_NUMERIC && rt != OX_T_NUMERIC) {
		l = coerce_id (b, l, OX_T_FLOAT8);
		r = coerce_id (b, r, OX_T_FLOAT8);
		lt = rt = OX_T_FLOAT8;
	}
	/* date arithmetic: date +/- integer, date - date */
	bool is_arith = !strcmp (name, "+") || !strcmp (name, "-");
	if (is_arith && (lt == OX_T_DATE || lt == OX_T_TIMESTAMP || lt == OX_T_TIMESTAMPTZ) &&
	    (ox_type_is_integer (rt) || rt == OX_T_UNKNOWN)) {
		target_l = lt;
		target_r = OX_T_INT4;
	} else if (!strcmp (name, "+") && ox_type_is_integer (lt) && rt == OX_T_DATE) {
		target_l = OX_T_INT4;
		target_r = OX_T_DATE;
	} else {
		OxTypeId ct;
		bool arith = !strcmp (name, "+") || !strcmp (name, "-") || !strcmp (name, "*") || !strcmp (name, "/") ||
		             !strcmp (name, "%") || !strcmp (name, "^");
		if (lt == OX_T_UNKNOWN && rt == OX_T_UNKNOWN && arith)
			/* no string category candidate: several numeric ones tie */
			ox_raise_full ("42725", loc + 1, NULL,
			               "Could not choose a best candidate operator. You might need to add explicit type casts.",
			               "operator is not unique: unknown %s unknown", name);
		if (lt == OX_T_UNKNOWN && rt == OX_T_UNKNOWN)
			ct = OX_T_TEXT;
		else
			ct = common_type2 (lt, rt);
		if (ct == OX_T__COUNT) {
			/* timestamp vs date and friends are in one category; anything
			 * else across categories has no operator. */
			ox_raise_full (OX_ERR_UNDEFINED_FUNCTION, loc + 1, NULL,
			               "No operator matches the given name and argument types. You might need to add explicit type casts.",
			               "operator does not exist: %s %s %s", tname (b, l->type), name, tname (b, r->type));
		}
		/* Integer arithmetic keeps the wider integer type; PostgreSQL has
		 * int2+int2 -> int2 but int2+int4 -> int4.  real mixed with an
		 * integer or numeric operand computes in double precision (the
		 * float48 operators win over float4 ones in PG's resolution). */
		if (ct == OX_T_FLOAT4 && lt != rt && lt != OX_T_UNKNOWN && rt != OX_T_UNKNOWN)
			ct = OX_T_FLOAT8;
		target_l = target_r = ct;
	}
	if (lt != target_l)
		l = coerce_id (b, l, target_l);
	if (rt != target_r)
		r = coerce_id (b, r, target_r);
	OxTypeId res;
	OxOpFn fn = ox_op_lookup (name, target_l, target_r, &res);
	if (!fn)
		ox_raise_full (OX_ERR_UNDEFINED_FUNCTION, loc + 1, NULL,
		               "No operator matches the given name and argument types. You might need to add explicit type casts.",
		               "operator does not exist: %s %s %s", tname (b, l->type), name, tname (b, r->type));
	OxExpr *e = mk_args (b, OX_E_OP, res, loc, 2);
	e->args[0] = l;
	e->args[1] = r;
	e->op = fn;
	e->opname = name;
	return e;
}

static OxExpr *
make_bool (Binder *b, OxExprKind k, OxExpr *l, OxExpr *r)
{
	OxExpr *e = mk_args (b, k, OX_T_BOOL, l->loc, 2);
	e->args[0] = l;
	e->args[1] = r;
	return e;
}

/* ---- aggregates and functions ------------------------------------------------------ */

static int
agg_kind (const char *name)
{
	static const struct { const char *n; OxAggKind k; } t[] = {
		{ "count", OX_AGG_COUNT }, { "sum", OX_AGG_SUM }, { "avg", OX_AGG_AVG },
		{ "min", OX_AGG_MIN }, { "max", OX_AGG_MAX }, { "bool_and", OX_AGG_BOOL_AND },
		{ "every", OX_AGG_BOOL_AND }, { "bool_or", OX_AGG_BOOL_OR },
		{ "string_agg", OX_AGG_STRING_AGG },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (t); i++)
		if (!strcmp (t[i].n, name))
			return (int) t[i].k;
	return -1;
}

static OxExpr *
bind_aggregate (Binder *b, Scope *sc, OxFuncCall *fc, const char *name, int kind)
{
	int loc = fc->node.loc;
	if (!sc->agg_allowed || !sc->q)
		ox_raise (OX_ERR_GROUPING, loc + 1, "aggregate functions are not allowed in %s",
		          sc->agg_context ? sc->agg_context : "this context");
	if (sc->in_agg)
		ox_raise (OX_ERR_GROUPING, loc + 1, "aggregate function calls cannot be nested");
	OxAggref *ag = OX_NEW (b->a, OxAggref);
	ag->kind = (OxAggKind) kind;
	ag->distinct = fc->agg_distinct;
	ag->name = name;
	int nargs = OX_LIST_N (fc->args);
	if (fc->agg_star) {
		if (kind != OX_AGG_COUNT)
			ox_raise (OX_ERR_SYNTAX, loc + 1, "%s(*) must be used to call a parameterless aggregate function", name);
		ag->kind = OX_AGG_COUNT_STAR;
		ag->type = (OxType) { OX_T_INT8, -1 };
	} else {
		int want = kind == OX_AGG_STRING_AGG ? 2 : 1;
		if (nargs != want)
			ox_raise_full (OX_ERR_UNDEFINED_FUNCTION, loc + 1, NULL,
			               "No function matches the given name and argument types. You might need to add explicit type casts.",
			               "function %s with %d argument%s does not exist", name, nargs, nargs == 1 ? "" : "s");
		sc->in_agg = true;
		ag->arg = bind_expr (b, sc, fc->args->items[0]);
		if (want == 2)
			ag->arg2 = bind_expr (b, sc, fc->args->items[1]);
		sc->in_agg = false;
		OxTypeId at = (OxTypeId) ag->arg->type.id;
		switch (ag->kind) {
		case OX_AGG_COUNT:
			ag->type = (OxType) { OX_T_INT8, -1 };
			break;
		case OX_AGG_SUM:
		case OX_AGG_AVG:
			if (at == OX_T_UNKNOWN) {
				ag->arg = coerce_id (b, ag->arg, OX_T_FLOAT8);
				at = OX_T_FLOAT8;
			}
			if (!ox_type_is_numeric_family (at))
				ox_raise_full (OX_ERR_UNDEFINED_FUNCTION, loc + 1, NULL,
				               "No function matches the given name and argument types. You might need to add explicit type casts.",
				               "function %s(%s) does not exist", name, tname (b, ag->arg->type));
			if (ag->kind == OX_AGG_SUM) {
				if (at == OX_T_INT2 || at == OX_T_INT4)
					ag->type.id = OX_T_INT8;
				else if (at == OX_T_INT8 || at == OX_T_NUMERIC)
					ag->type.id = OX_T_NUMERIC;
				else
					ag->type.id = at;
			} else {
				ag->type.id = (at == OX_T_FLOAT4 || at == OX_T_FLOAT8) ? OX_T_FLOAT8 : OX_T_NUMERIC;
			}
			ag->type.typmod = -1;
			/* accumulate in the result type (sum) or numeric/float8 (avg) */
			{
				OxTypeId acc = ag->type.id;
				OxTypeId res;
				ag->add = ox_op_lookup ("+", acc, acc, &res);
			}
			break;
		case OX_AGG_MIN:
		case OX_AGG_MAX:
			ag->arg = resolve_unknown (b, ag->arg);
			ag->type = ag->arg->type;
			break;
		case OX_AGG_BOOL_AND:
		case OX_AGG_BOOL_OR:
			ag->arg = coerce_bool (b, ag->arg, name);
			ag->type = (OxType) { OX_T_BOOL, -1 };
			break;
		case OX_AGG_STRING_AGG:
			ag->arg = coerce_id (b, ag->arg, OX_T_TEXT);
			ag->arg2 = coerce_id (b, ag->arg2, OX_T_TEXT);
			ag->type = (OxType) { OX_T_TEXT, -1 };
			break;
		default:
			break;
		}
	}
	if (fc->agg_filter) {
		sc->in_agg = true;
		ag->filter = coerce_bool (b, bind_expr (b, sc, fc->agg_filter), "FILTER");
		sc->in_agg = false;
	}
	if (fc->agg_order && fc->agg_order->n > 0) {
		int n = fc->agg_order->n;
		ag->norder = n;
		ag->order = OX_NEW_N (b->a, OxExpr *, n);
		ag->order_desc = OX_NEW_N (b->a, bool, n);
		ag->order_nulls_first = OX_NEW_N (b->a, bool, n);
		sc->in_agg = true;
		for (int i = 0; i < n; i++) {
			OxSortBy *sb = fc->agg_order->items[i];
			ag->order[i] = resolve_unknown (b, bind_expr (b, sc, sb->expr));
			ag->order_desc[i] = sb->dir == OX_SORT_DESC;
			ag->order_nulls_first[i] = sb->nulls == OX_NULLS_DEFAULT ? ag->order_desc[i] : sb->nulls == OX_NULLS_FIRST;
		}
		sc->in_agg = false;
		if (ag->distinct) {
			/* PostgreSQL: with DISTINCT, the ORDER BY must sort by the argument */
			for (int i = 0; i < n; i++)
				if (!ox_expr_equal (ag->order[i], ag->arg))
					ox_raise (OX_ERR_INVALID_COLUMN_REF, loc + 1,
					          "in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list");
		}
	}
	if (!sc->q->aggs)
		sc->q->aggs = parr (b);
	g_ptr_array_add (sc->q->aggs, ag);
	sc->q->has_aggs = true;
	OxExpr *e = mk (b, OX_E_AGG, ag->type.id, loc);
	e->type = ag->type;
	e->aggno = (int) sc->q->aggs->len - 1;
	return e;
}

static OxTypeId
common_type_list (Binder *b, OxExpr **es, int n, const char *ctx, int loc)
{
	OxTypeId t = OX_T_UNKNOWN;
	for (int i = 0; i < n; i++) {
		OxTypeId nt = common_type2 (t, (OxTypeId) es[i]->type.id);
		if (nt == OX_T__COUNT)
			ox_raise (OX_ERR_DATATYPE_MISMATCH, es[i]->loc + 1, "%s types %s and %s cannot be matched",
			          ctx, ox_type_name (t), ox_type_name ((OxTypeId) es[i]->type.id));
		t = nt;
	}
	if (t == OX_T_UNKNOWN)
		t = OX_T_TEXT;
	(void) loc;
	return t;
}

/* A call of a stored function: arguments in declaration order, cast to
 * the declared types; defaults bound from their source; OUT and TABLE
 * arguments as NULL constants. */
/* Set while binding a FROM-clause function call, where set-returning
 * functions are allowed.  Binding runs on one thread per statement. */
static _Thread_local bool allow_srf;

static OxExpr *
bind_routine_call (Binder *b, OxRoutine *r, OxExpr **given, const int *map, int loc)
{
	bool srf_ok = allow_srf;
	allow_srf = false;  /* not for calls nested in the arguments */
	if (r->retset && !srf_ok)
		ox_raise_full (OX_ERR_FEATURE_NOT_SUPPORTED, loc + 1, NULL,
		               "Call it in FROM: SELECT * FROM f(...).",
		               "set-returning function %s is only supported in FROM", r->obj.name);
	if (r->retkind == OX_RET_TRIGGER || r->retkind == OX_RET_EVENT_TRIGGER)
		ox_raise ("0A000", loc + 1, "trigger functions can only be called as triggers");
	bool one_out = r->retkind == OX_RET_RECORD && r->nresult == 1;
	OxTypeId rt = r->retkind == OX_RET_VALUE ? r->rettype.id : one_out ? r->result_types[0].id : OX_T_TEXT;
	OxExpr *e = mk_args (b, OX_E_UFUNC, rt, loc, r->nargs);
	if (r->retkind == OX_RET_VALUE)
		e->type = r->rettype;
	else if (one_out)
		e->type = r->result_types[0];
	e->routine = r;
	int slot = 0;
	for (int i = 0; i < r->nargs; i++) {
		OxRoutineArg *ar = &r->args[i];
		if (ar->mode == OX_ARG_OUT || ar->mode == OX_ARG_TABLE) {
			e->args[i] = mk (b, OX_E_CONST, ar->type.id, loc);
			e->args[i]->cval = ox_null (ar->type.id);
			continue;
		}
		OxExpr *a;
		if (map[slot] >= 0)
			a = given[map[slot]];
		else {
			Scope empty = { 0 };
			a = bind_expr (b, &empty, ar->default_expr);
		}
		slot++;
		if (a->type.id != ar->type.id)
			a = coerce_id (b, a, ar->type.id);
		e->args[i] = a;
	}
	return e;
}

/* arr[i] over a text array: the builtin "[]" (exec/text-arrays.c).  Its
 * value is the element's text; typed as the element type when the array
 * is a cast ((x::int2[])[1] is int2), else unknown like a quoted literal,
 * so that context types it (attnum = indkey[0]). */
static OxExpr *
bind_subscript (Binder *b, OxFuncCall *fc, OxExpr **args, int loc)
{
	OxExpr *arr = args[0];
	if (!ox_type_is_string ((OxTypeId) arr->type.id) && arr->type.id != OX_T_UNKNOWN)
		ox_raise_full ("42804", arr->loc + 1, NULL, NULL,
		               "cannot subscript type %s because it does not support subscripting", tname (b, arr->type));
	if (!ox_type_is_integer ((OxTypeId) args[1]->type.id) && args[1]->type.id != OX_T_UNKNOWN)
		ox_raise_full (OX_ERR_DATATYPE_MISMATCH, args[1]->loc + 1, NULL, NULL,
		               "array subscript must have type integer");
	const OxBuiltin *bi = NULL;
	OxTypeId at[2] = { OX_T_TEXT, OX_T_INT4 };
	ox_builtin_resolve ("[]", 2, at, &bi);
	g_assert (bi != NULL);
	OxExpr *e = mk_args (b, OX_E_FUNC, OX_T_TEXT, loc, 2);
	e->fn = bi;
	e->args[0] = coerce_id (b, arr, OX_T_TEXT);
	e->args[1] = coerce_id (b, args[1], OX_T_INT4);
	OxNode *base = fc->args->items[0];
	OxType el = { OX_T_UNKNOWN, -1 };
	if (OX_IS (base, OX_N_TYPECAST) && ((OxTypeCast *) base)->type->is_array)
		el = array_element_type (b, ((OxTypeCast *) base)->type);
	if (el.id == OX_T_UNKNOWN) {
		e->type.id = OX_T_UNKNOWN;
		return e;
	}
	return coerce_to (b, e, el, 'e', NULL);
}

static OxExpr *
bind_funccall (Binder *b, Scope *sc, OxFuncCall *fc)
{
	int loc = fc->node.loc;
	int nn = fc->name->n;
	const char *name = fc->name->items[nn - 1];
	const char *user_schema = nn == 2 && strcmp (fc->name->items[0], "pg_catalog") ? fc->name->items[0] : NULL;
	int ak = agg_kind (name);
	if (ak >= 0)
		return bind_aggregate (b, sc, fc, name, ak);
	if (fc->agg_star)
		ox_raise (OX_ERR_WRONG_OBJECT_TYPE, loc + 1, "%s(*) specified, but %s is not an aggregate function", name, name);
	if (fc->agg_distinct)
		ox_raise (OX_ERR_WRONG_OBJECT_TYPE, loc + 1, "DISTINCT specified, but %s is not an aggregate function", name);
	int nargs = OX_LIST_N (fc->args);
	OxExpr **args = OX_NEW_N (b->a, OxExpr *, nargs > 0 ? nargs : 1);
	bool srf_ok = allow_srf;
	allow_srf = false;  /* not for calls nested in the arguments */
	for (int i = 0; i < nargs; i++)
		args[i] = bind_expr (b, sc, fc->args->items[i]);
	if (!strcmp (name, "[]") && nargs == 2)
		return bind_subscript (b, fc, args, loc);
	/* x = ANY (arr): integers compare as integers, other non-strings by
	 * their output text, as the elements are written (bool t, not true) */
	if (!strcmp (name, "=any") && nargs == 2 && args[0]->type.id != OX_T_UNKNOWN &&
	    !ox_type_is_string ((OxTypeId) args[0]->type.id) && !ox_type_is_integer ((OxTypeId) args[0]->type.id))
		args[0] = builtin_call (b, "ox_array_elem_out", &args[0], 1, loc);
	allow_srf = srf_ok;

	if (!strcmp (name, "coalesce") || !strcmp (name, "greatest") || !strcmp (name, "least")) {
		if (nargs < 1)
			ox_raise (OX_ERR_SYNTAX, loc + 1, "syntax error at or near \")\"");
		OxTypeId t = common_type_list (b, args, nargs, !strcmp (name, "coalesce") ? "COALESCE" : (!strcmp (name, "greatest") ? "GREATEST" : "LEAST"), loc);
		OxExprKind k = name[0] == 'c' ? OX_E_COALESCE : (name[0] == 'g' ? OX_E_GREATEST : OX_E_LEAST);
		OxExpr *e = mk_args (b, k, t, loc, nargs);
		for (int i = 0; i < nargs; i++)
			e->args[i] = coerce_id (b, args[i], t);
		return e;
	}
	if (!strcmp (name, "nullif") && nargs == 2) {
		OxTypeId t = common_type_list (b, args, 2, "NULLIF", loc);
		OxExpr *e = mk_args (b, OX_E_NULLIF, t, loc, 2);
		e->args[0] = coerce_id (b, args[0], t);
		e->args[1] = coerce_id (b, args[1], t);
		OxTypeId res;
		e->op = ox_op_lookup ("=", t, t, &res);
		return e;
	}
	if (!strcmp (name, "pg_typeof") && nargs == 1) {
		OxExpr *e = mk_args (b, OX_E_TYPEOF, OX_T_TEXT, loc, 1);
		e->args[0] = args[0];
		return e;
	}
	if (!strcmp (name, "position") && nargs == 2) {
		/* POSITION(a IN b) is strpos(b, a) */
		OxExpr *t = args[0];
		args[0] = args[1];
		args[1] = t;
		name = "strpos";
	}
	if (!strcmp (name, "substring"))
		name = "substr";
	OxTypeId at[16];
	if (nargs > 16)
		ox_raise (OX_ERR_PROGRAM_LIMIT, loc + 1, "cannot pass more than 16 arguments to a function");
	for (int i = 0; i < nargs; i++)
		at[i] = (OxTypeId) args[i]->type.id;
	const OxBuiltin *bi = NULL;
	OxResolveStatus st = user_schema ? OX_RESOLVE_NO_SUCH_NAME : ox_builtin_resolve (name, nargs, at, &bi);
	if (st != OX_RESOLVE_OK && b->s) {
		/* not a built-in: a stored function? */
		const char *names[16];
		for (int i = 0; i < nargs; i++)
			names[i] = fc->argnames ? fc->argnames->items[i] : NULL;
		int map[128];
		OxRoutine *r = ox_routine_resolve (b->s, b->x->txn, user_schema, name, nargs, at,
		                                   fc->argnames ? names : NULL, map, false, loc + 1,
		                                   st != OX_RESOLVE_NO_SUCH_NAME);
		if (r)
			return bind_routine_call (b, r, args, map, loc);
	}
	if (fc->argnames)
		ox_raise (OX_ERR_UNDEFINED_FUNCTION, loc + 1, "function %s does not accept named arguments", name);
	if (st != OX_RESOLVE_OK) {
		GString *sig = g_string_new (NULL);
		for (int i = 0; i < nargs; i++) {
			if (i)
				g_string_append (sig, ", ");
			g_string_append (sig, at[i] == OX_T_UNKNOWN ? "unknown" : ox_type_name (at[i]));
		}
		char *s = ox_arena_strdup (b->a, sig->str);
		g_string_free (sig, TRUE);
		if (st == OX_RESOLVE_AMBIGUOUS)
			ox_raise_full ("42725", loc + 1, NULL,
			               "Could not choose a best candidate function. You might need to add explicit type casts.",
			               "function %s(%s) is not unique", name, s);
		ox_raise_full (OX_ERR_UNDEFINED_FUNCTION, loc + 1, NULL,
		               "No function matches the given name and argument types. You might need to add explicit type casts.",
		               "function %s(%s) does not exist", name, s);
	}
	allow_srf = false;
	if (ox_builtin_srf_kind (bi) && !srf_ok)
		ox_raise_full (OX_ERR_FEATURE_NOT_SUPPORTED, loc + 1, NULL,
		               "Call it in FROM: SELECT * FROM f(...).",
		               "set-returning function %s is only supported in FROM", name);
	OxExpr *e = mk_args (b, OX_E_FUNC, bi->ret, loc, nargs);
	e->fn = bi;
	for (int i = 0; i < nargs; i++) {
		OxTypeId want = bi->nargs < 0 ? bi->args[0] : bi->args[i];
		OxExpr *a = args[i];
		if (a->type.id != want) {
			if (bi->nargs < 0 && want == OX_T_TEXT) {
				/* variadic "any" (concat, concat_ws): the function prints
				 * each argument with its type's output function itself, so
				 * only untyped literals need a type */
				if (a->type.id == OX_T_UNKNOWN)
					a = coerce_to (b, a, (OxType) { OX_T_TEXT, -1 }, 'e', NULL);
			} else
				a = coerce_id (b, a, want);
		}
		e->args[i] = a;
	}
	return e;
}

/* ---- sublinks ------------------------------------------------------------------------ */

static OxExpr *
bind_sublink (Binder *b, Scope *sc, OxSubLink *sl)
{
	int loc = sl->node.loc;
	OxQuery *sub = bind_select (b, sc, (OxSelectStmt *) sl->subselect, sc->ctes);
	int ncols = 0;
	OxTarget *first = NULL;
	for (guint i = 0; i < sub->targets->len; i++) {
		OxTarget *t = sub->targets->pdata[i];
		if (t->resjunk)
			continue;
		if (!first)
			first = t;
		ncols++;
	}
	OxExpr *e;
	switch (sl->kind) {
	case OX_SUBLINK_EXISTS:
		e = mk (b, OX_E_SUBLINK, OX_T_BOOL, loc);
		break;
	case OX_SUBLINK_ARRAY:
		/* PostgreSQL's result is an array of the column's type; ours is
		 * its text (exec/text-arrays.c) */
		if (ncols != 1)
			ox_raise (OX_ERR_SYNTAX, loc + 1, "subquery must return only one column");
		first->expr = resolve_unknown (b, first->expr);
		e = mk (b, OX_E_SUBLINK, OX_T_TEXT, loc);
		break;
	case OX_SUBLINK_EXPR:
		if (ncols != 1)
			ox_raise (OX_ERR_SYNTAX, loc + 1, "subquery must return only one column");
		first->expr = resolve_unknown (b, first->expr);
		e = mk (b, OX_E_SUBLINK, first->expr->type.id, loc);
		e->type = first->expr->type;
		break;
	default: {
		if (ncols != 1)
			ox_raise (OX_ERR_SYNTAX, loc + 1, "subquery has too many columns");
		OxExpr *test = bind_expr (b, sc, sl->testexpr);
		OxTypeId lt = (OxTypeId) test->type.id, rt = (OxTypeId) first->expr->type.id;
		OxTypeId ct = (lt == OX_T_UNKNOWN && rt == OX_T_UNKNOWN) ? OX_T_TEXT : common_type2 (lt, rt);
		if (ct == OX_T__COUNT)
			ox_raise_full (OX_ERR_UNDEFINED_FUNCTION, loc + 1, NULL,
			               "No operator matches the given name and argument types. You might need to add explicit type casts.",
			               "operator does not exist: %s %s %s", ox_type_name (lt), sl->op, ox_type_name (rt));
		test = coerce_id (b, test, ct);
		first->expr = coerce_id (b, first->expr, ct);
		/* keep setop branches in sync: a coerced target of a UNION is fine
		 * because the planner reads types from targets. */
		OxTypeId res;
		OxOpFn fn = ox_op_lookup (sl->op, ct, ct, &res);
		if (!fn || res != OX_T_BOOL)
			ox_raise (OX_ERR_UNDEFINED_FUNCTION, loc + 1, "operator does not exist: %s %s %s",
			          ox_type_name (ct), sl->op, ox_type_name (ct));
		e = mk_args (b, OX_E_SUBLINK, OX_T_BOOL, loc, 1);
		e->args[0] = test;
		e->sub_cmp = fn;
		e->sub_opname = sl->op;
		break;
	}
	}
	e->sublink_kind = sl->kind;
	e->subquery = sub;
	return e;
}

/* ---- expressions ----------------------------------------------------------------------- */

static OxExpr *
bind_const (Binder *b, OxConst *c)
{
	int loc = c->node.loc;
	switch (c->kind) {
	case OX_CONST_NULL:
		return mk_const (b, ox_null (OX_T_UNKNOWN), loc);
	case OX_CONST_BOOL:
		return mk_const (b, ox_bool (c->bval), loc);
	case OX_CONST_STRING: {
		OxValue v = ox_text (OX_T_UNKNOWN, c->text, (size_t) c->len);
		return mk_const (b, v, loc);
	}
	case OX_CONST_INTEGER: {
		errno = 0;
		char *end;
		long long v = strtoll (c->text, &end, 10);
		if (errno == 0 && *end == '\0') {
			if (v >= INT32_MIN && v <= INT32_MAX)
				return mk_const (b, ox_int (OX_T_INT4, v), loc);
			return mk_const (b, ox_int (OX_T_INT8, v), loc);
		}
	}
		/* too big for bigint, so numeric */
		/* fall through */
	case OX_CONST_DECIMAL: {
		OxValue v = { .type = OX_T_NUMERIC };
		v.v.num = ox_numeric_parse (b->a, c->text, strlen (c->text));
		return mk_const (b, v, loc);
	}
	}
	OX_INTERNAL ("unexpected constant kind %d", c->kind);
}

static OxExpr *
bind_like (Binder *b, Scope *sc, OxLike *lk)
{
	OxExpr *v = bind_expr (b, sc, lk->arg);
	OxExpr *p = bind_expr (b, sc, lk->pattern);
	if (!ox_type_is_string ((OxTypeId) v->type.id) || !ox_type_is_string ((OxTypeId) p->type.id))
		ox_raise_full (OX_ERR_UNDEFINED_FUNCTION, lk->node.loc + 1, NULL,
		               "No operator matches the given name and argument types. You might need to add explicit type casts.",
		               "operator does not exist: %s %s %s", tname (b, v->type), lk->ilike ? "~~*" : "~~",
		               tname (b, p->type));
	int n = lk->escape ? 3 : 2;
	OxExpr *e = mk_args (b, OX_E_LIKE, OX_T_BOOL, lk->node.loc, n);
	e->args[0] = coerce_id (b, v, OX_T_TEXT);
	e->args[1] = coerce_id (b, p, OX_T_TEXT);
	if (lk->escape)
		e->args[2] = coerce_id (b, bind_expr (b, sc, lk->escape), OX_T_TEXT);
	e->is_not = lk->is_not;
	e->ilike = lk->ilike;
	return e;
}

static OxExpr *
bind_case (Binder *b, Scope *sc, OxCase *cs)
{
	int nw = cs->whens->n;
	int loc = cs->node.loc;
	OxExpr *arg = cs->arg ? bind_expr (b, sc, cs->arg) : NULL;
	OxExpr **conds = OX_NEW_N (b->a, OxExpr *, nw);
	OxExpr **res = OX_NEW_N (b->a, OxExpr *, nw + 1);
	for (int i = 0; i < nw; i++) {
		OxCaseWhen *w = cs->whens->items[i];
		OxExpr *c = bind_expr (b, sc, w->cond);
		if (arg)
			c = make_op (b, "=", arg, c, c->loc);
		else
			c = coerce_bool (b, c, "CASE/WHEN");
		conds[i] = c;
		res[i] = bind_expr (b, sc, w->result);
	}
	int nres = nw;
	if (cs->defresult)
		res[nres++] = bind_expr (b, sc, cs->defresult);
	OxTypeId t = common_type_list (b, res, nres, "CASE", loc);
	OxExpr *e = mk_args (b, OX_E_CASE, t, loc, nw * 2 + (cs->defresult ? 1 : 0));
	for (int i = 0; i < nw; i++) {
		e->args[2 * i] = conds[i];
		e->args[2 * i + 1] = coerce_id (b, res[i], t);
	}
	if (cs->defresult) {
		e->args[nw * 2] = coerce_id (b, res[nw], t);
		e->has_else = true;
	}
	return e;
}

/* Casts to PostgreSQL's catalog types: oid is bigint here; a reg* type
 * turns an oid into the object's name (regclassout ...) and a name into
 * an oid (regclassin); name is text.  NULL for any other type. */
static OxExpr *
bind_catalog_cast (Binder *b, OxExpr *a, OxTypeName *tn, int loc)
{
	const char *n = tn->name;
	if (tn->is_array)
		return NULL;
	if (!strcmp (n, "oid"))
		return coerce_to (b, a, (OxType) { OX_T_INT8, -1 }, 'e', NULL);
	if (!strcmp (n, "name"))
		return coerce_to (b, a, (OxType) { OX_T_TEXT, -1 }, 'e', NULL);
	static const char *const regs[] = { "regclass", "regtype", "regnamespace", "regproc", "regprocedure", "regrole" };
	for (size_t i = 0; i < G_N_ELEMENTS (regs); i++) {
		if (strcmp (n, regs[i]))
			continue;
		bool from_text = ox_type_is_string (a->type.id);
		if (from_text && i != 0)
			ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, loc + 1, "a cast from text to %s is not supported yet", n);
		char fname[32];
		g_snprintf (fname, sizeof fname, "%s%s", i == 4 ? "regproc" : n, from_text ? "in" : "out");
		return builtin_call (b, fname, &a, 1, loc);
	}
	return NULL;
}

/* Is n an array by its syntax: ARRAY[...], ARRAY(sel), x::type[]?  (Our
 * arrays are text, so || looks at the syntax to tell array_cat from
 * string concatenation.) */
static bool
is_array_node (OxNode *n)
{
	if (OX_IS (n, OX_N_SUBLINK))
		return ((OxSubLink *) n)->kind == OX_SUBLINK_ARRAY;
	if (OX_IS (n, OX_N_TYPECAST))
		return ((OxTypeCast *) n)->type->is_array;
	if (OX_IS (n, OX_N_FUNCCALL)) {
		OxFuncCall *fc = (OxFuncCall *) n;
		return !strcmp (fc->name->items[fc->name->n - 1], "{}");
	}
	return false;
}

/* A cast to type[]: arrays are text in array_out's format
 * (exec/text-arrays.c), so a string keeps its text and only the element
 * type is checked to exist; other types cannot become arrays, as in
 * PostgreSQL ("cannot cast type integer to integer[]"). */
static OxExpr *
bind_array_cast (Binder *b, OxExpr *a, OxTypeName *tn, int loc)
{
	OxType el = array_element_type (b, tn);
	if (!ox_type_is_string ((OxTypeId) a->type.id) && a->type.id != OX_T_UNKNOWN)
		ox_raise ("42846", loc + 1, "cannot cast type %s to %s[]", tname (b, a->type),
		          el.id == OX_T_UNKNOWN ? tn->name : tname (b, el));
	return coerce_to (b, a, (OxType) { OX_T_TEXT, -1 }, 'e', NULL);
}

static OxExpr *
bind_expr (Binder *b, Scope *sc, OxNode *n)
{
	if (++b->depth > 2000)
		ox_raise (OX_ERR_STATEMENT_TOO_COMPLEX, n->loc + 1, "stack depth limit exceeded");
	OxExpr *r = NULL;
	switch (n->tag) {
	case OX_N_CONST:
		r = bind_const (b, (OxConst *) n);
		break;
	case OX_N_COLUMNREF: {
		OxColumnRef *cr = (OxColumnRef *) n;
		if (cr->star)
			ox_raise (OX_ERR_SYNTAX, n->loc + 1, "row expansion via \"*\" is not supported here");
		r = bind_columnref (b, sc, cr);
		break;
	}
	case OX_N_PARAMREF: {
		OxParamRef *p = (OxParamRef *) n;
		if (b->x && b->x->param_hook) {
			char nm[16];
			g_snprintf (nm, sizeof nm, "$%d", p->number);
			const char *f[1] = { nm };
			r = hook_param (b, f, 1, n->loc);
			if (r)
				break;
		}
		if (p->number < 1 || p->number > OX_MAX_PARAMS || !b->ptypes)
			ox_raise (OX_ERR_UNDEFINED_PARAMETER, n->loc + 1, "there is no parameter $%d", p->number);
		if (p->number > *b->nparams)
			*b->nparams = p->number;
		r = mk (b, OX_E_PARAM, (OxTypeId) b->ptypes[p->number - 1].id, n->loc);
		r->type = b->ptypes[p->number - 1];
		r->paramno = p->number;
		break;
	}
	case OX_N_AEXPR: {
		OxAExpr *ae = (OxAExpr *) n;
		OxExpr *l = ae->lexpr ? bind_expr (b, sc, ae->lexpr) : NULL;
		OxExpr *rr = bind_expr (b, sc, ae->rexpr);
		if (ae->kind == OX_AEXPR_OP) {
			const char *name = !strcmp (ae->name, "!=") ? "<>" : ae->name;
			negate_literal = !ae->lexpr && ae->rexpr->tag == OX_N_CONST &&
			                 (((OxConst *) ae->rexpr)->kind == OX_CONST_INTEGER ||
			                  ((OxConst *) ae->rexpr)->kind == OX_CONST_DECIMAL);
			if (!strcmp (name, "||") && l && (is_array_node (ae->lexpr) || is_array_node (ae->rexpr))) {
				/* arr || arr, arr || elem, elem || arr: array_cat over the
				 * text arrays (text-arrays.c) */
				OxExpr *args[2] = { coerce_to (b, l, (OxType) { OX_T_TEXT, -1 }, 'e', NULL),
				                    coerce_to (b, rr, (OxType) { OX_T_TEXT, -1 }, 'e', NULL) };
				r = builtin_call (b, "array_cat", args, 2, n->loc);
			} else
				r = make_op (b, name, l, rr, n->loc);
			negate_literal = false;
		} else {
			OxExpr *eq = make_op (b, "=", l, rr, n->loc);
			r = mk_args (b, OX_E_DISTINCT, OX_T_BOOL, n->loc, 2);
			r->args[0] = eq->args[0];
			r->args[1] = eq->args[1];
			r->op = eq->op;
			r->is_not = ae->kind == OX_AEXPR_NOT_DISTINCT;
		}
		break;
	}
	case OX_N_BOOLEXPR: {
		OxBoolExpr *be = (OxBoolExpr *) n;
		if (be->op == OX_BOOL_NOT) {
			r = mk_args (b, OX_E_NOT, OX_T_BOOL, n->loc, 1);
			r->args[0] = coerce_bool (b, bind_expr (b, sc, be->args->items[0]), "NOT");
		} else {
			r = mk_args (b, be->op == OX_BOOL_AND ? OX_E_AND : OX_E_OR, OX_T_BOOL, n->loc, be->args->n);
			for (int i = 0; i < be->args->n; i++)
				r->args[i] = coerce_bool (b, bind_expr (b, sc, be->args->items[i]),
				                          be->op == OX_BOOL_AND ? "AND" : "OR");
		}
		break;
	}
	case OX_N_FUNCCALL:
		r = bind_funccall (b, sc, (OxFuncCall *) n);
		break;
	case OX_N_TYPECAST: {
		OxTypeCast *tc = (OxTypeCast *) n;
		OxExpr *a = bind_expr (b, sc, tc->arg);
		if (tc->type->is_array) {
			r = bind_array_cast (b, a, tc->type, n->loc);
			break;
		}
		r = bind_catalog_cast (b, a, tc->type, n->loc);
		if (r)
			break;
		OxType t = resolve_typename (b, tc->type);
		if (a->type.id == t.id && a->type.typmod == t.typmod)
			r = a;
		else {
			r = coerce_to (b, a, t, 'e', NULL);
			if (r == a) {
				/* same type id, different typmod: an explicit length coercion */
				r = mk_args (b, OX_E_CAST, t.id, n->loc, 1);
				r->type = t;
				r->args[0] = a;
				r->explicit_cast = true;
			}
		}
		break;
	}
	case OX_N_CASE:
		r = bind_case (b, sc, (OxCase *) n);
		break;
	case OX_N_SUBLINK:
		r = bind_sublink (b, sc, (OxSubLink *) n);
		break;
	case OX_N_NULLTEST: {
		OxNullTest *nt = (OxNullTest *) n;
		r = mk_args (b, OX_E_NULLTEST, OX_T_BOOL, n->loc, 1);
		r->args[0] = bind_expr (b, sc, nt->arg);
		r->is_not = nt->is_not;
		break;
	}
	case OX_N_BOOLTEST: {
		OxBoolTest *bt = (OxBoolTest *) n;
		r = mk_args (b, OX_E_BOOLTEST, OX_T_BOOL, n->loc, 1);
		r->args[0] = coerce_bool (b, bind_expr (b, sc, bt->arg), "IS TRUE");
		r->btkind = bt->kind;
		break;
	}
	case OX_N_BETWEEN: {
		OxBetween *bw = (OxBetween *) n;
		OxExpr *x = bind_expr (b, sc, bw->arg);
		OxExpr *lo = bind_expr (b, sc, bw->low);
		OxExpr *hi = bind_expr (b, sc, bw->high);
		if (!bw->is_not) {
			r = make_bool (b, OX_E_AND, make_op (b, ">=", x, lo, n->loc), make_op (b, "<=", x, hi, n->loc));
			if (bw->symmetric)
				r = make_bool (b, OX_E_OR, r,
				               make_bool (b, OX_E_AND, make_op (b, ">=", x, hi, n->loc), make_op (b, "<=", x, lo, n->loc)));
		} else {
			r = make_bool (b, OX_E_OR, make_op (b, "<", x, lo, n->loc), make_op (b, ">", x, hi, n->loc));
			if (bw->symmetric)
				r = make_bool (b, OX_E_AND, r,
				               make_bool (b, OX_E_OR, make_op (b, "<", x, hi, n->loc), make_op (b, ">", x, lo, n->loc)));
		}
		break;
	}
	case OX_N_INLIST: {
		OxInList *il = (OxInList *) n;
		int cnt = il->list->n;
		OxExpr **all = OX_NEW_N (b->a, OxExpr *, cnt + 1);
		all[0] = bind_expr (b, sc, il->arg);
		for (int i = 0; i < cnt; i++)
			all[i + 1] = bind_expr (b, sc, il->list->items[i]);
		OxTypeId t;
		{
			t = OX_T_UNKNOWN;
			for (int i = 0; i <= cnt; i++) {
				OxTypeId nt = common_type2 (t, (OxTypeId) all[i]->type.id);
				if (nt == OX_T__COUNT)
					ox_raise_full (OX_ERR_UNDEFINED_FUNCTION, all[i]->loc + 1, NULL,
					               "No operator matches the given name and argument types. You might need to add explicit type casts.",
					               "operator does not exist: %s = %s", ox_type_name ((OxTypeId) all[0]->type.id),
					               ox_type_name ((OxTypeId) all[i]->type.id));
				t = nt;
			}
			if (t == OX_T_UNKNOWN)
				t = OX_T_TEXT;
		}
		r = mk_args (b, OX_E_INLIST, OX_T_BOOL, n->loc, cnt + 1);
		for (int i = 0; i <= cnt; i++)
			r->args[i] = coerce_id (b, all[i], t);
		OxTypeId res;
		r->op = ox_op_lookup ("=", t, t, &res);
		if (!r->op)
			ox_raise (OX_ERR_UNDEFINED_FUNCTION, n->loc + 1, "operator does not exist: %s = %s",
			          ox_type_name (t), ox_type_name (t));
		r->is_not = il->is_not;
		break;
	}
	case OX_N_LIKE:
		r = bind_like (b, sc, (OxLike *) n);
		break;
	case OX_N_STAR:
		ox_raise (OX_ERR_SYNTAX, n->loc + 1, "syntax error at or near \"*\"");
	case OX_N_DEFAULT:
		ox_raise (OX_ERR_SYNTAX, n->loc + 1, "DEFAULT is not allowed in this context");
	default:
		ox_raise (OX_ERR_SYNTAX, n->loc + 1, "unexpected %s in expression", ox_node_tag_name (n->tag));
	}
	b->depth--;
	return r;
}

/* ---- FROM clause ------------------------------------------------------------------------ */

static OxRte *
add_rte (Binder *b, OxQuery *q, OxRteKind k, const char *alias)
{
	OxRte *r = OX_NEW (b->a, OxRte);
	r->kind = k;
	r->alias = alias;
	r->visible = true;
	g_ptr_array_add (q->rtable, r);
	return r;
}

static void
check_alias_unique (Binder *b, OxQuery *q, const char *alias, int loc)
{
	for (guint i = 0; i < q->rtable->len; i++) {
		OxRte *r = q->rtable->pdata[i];
		if (r->visible && r->alias && alias && !strcmp (r->alias, alias) && r->kind != OX_RTE_JOIN)
			ox_raise ("42712", loc + 1, "table name \"%s\" specified more than once", alias);
	}
}

static void
apply_colaliases (Binder *b, OxRte *r, OxList *colnames, int loc)
{
	if (!colnames)
		return;
	if (colnames->n > r->ncols)
		ox_raise (OX_ERR_INVALID_COLUMN_REF, loc + 1,
		          "table \"%s\" has %d columns available but %d columns specified", r->alias, r->ncols, colnames->n);
	const char **names = OX_NEW_N (b->a, const char *, r->ncols);
	for (int i = 0; i < r->ncols; i++)
		names[i] = i < colnames->n ? colnames->items[i] : r->colnames[i];
	r->colnames = names;
}

static void
rte_from_query (Binder *b, OxRte *r, OxQuery *sub)
{
	int n = 0;
	for (guint i = 0; i < sub->targets->len; i++)
		if (!((OxTarget *) sub->targets->pdata[i])->resjunk)
			n++;
	r->ncols = n;
	r->colnames = OX_NEW_N (b->a, const char *, n);
	r->coltypes = OX_NEW_N (b->a, OxType, n);
	int j = 0;
	for (guint i = 0; i < sub->targets->len; i++) {
		OxTarget *t = sub->targets->pdata[i];
		if (t->resjunk)
			continue;
		t->expr = resolve_unknown (b, t->expr);
		r->colnames[j] = t->name;
		r->coltypes[j] = t->expr->type;
		j++;
	}
}

static CteDef *
find_cte (Scope *sc, const char *name, int *levels)
{
	int lv = 0;
	for (Scope *s = sc; s; s = s->parent, lv++) {
		if (!s->ctes)
			continue;
		for (guint i = s->ctes->len; i-- > 0;) {
			CteDef *c = s->ctes->pdata[i];
			if (!c->binding && !strcmp (c->name, name)) {
				*levels = lv;
				return c;
			}
		}
	}
	return NULL;
}

static OxFromNode *bind_from_item (Binder *b, Scope *sc, OxNode *n);

static OxFromNode *
leaf (Binder *b, int rt)
{
	OxFromNode *f = OX_NEW (b->a, OxFromNode);
	f->rt = rt;
	return f;
}

/* A system view: its rows, computed now, as a VALUES subquery. */
static OxFromNode *
bind_sysview (Binder *b, Scope *sc, const OxSysView *sv, OxRangeVar *rv)
{
	OxQuery *q = sc->q;
	const char *alias = rv->alias ? rv->alias : rv->name;
	check_alias_unique (b, q, alias, rv->node.loc);
	OxQuery *vq = new_query (b);
	vq->values = parr (b);
	GPtrArray *rows = ox_sysview_rows (sv, b->s, b->s->db->catalog, b->x->txn, b->a);
	if (sv->volatile_rows)
		b->x->volatile_rows = true;
	for (guint r = 0; r < rows->len; r++) {
		OxValue *vals = rows->pdata[r];
		GPtrArray *er = parr (b);
		for (int c = 0; c < sv->ncols; c++) {
			OxExpr *e = mk_const (b, vals[c], -1);
			e->type.id = sv->types[c];
			e->cval.type = (uint8_t) sv->types[c];
			g_ptr_array_add (er, e);
		}
		g_ptr_array_add (vq->values, er);
	}
	g_ptr_array_unref (rows);
	for (int c = 0; c < sv->ncols; c++) {
		OxExpr *ref = mk (b, OX_E_SLOT, sv->types[c], -1);
		ref->slot = c;
		add_target (b, vq, ref, sv->colnames[c], false);
	}
	vq->is_values_only = true;
	OxRte *r = add_rte (b, q, OX_RTE_SUBQUERY, alias);
	r->subquery = vq;
	r->relname = sv->name;
	rte_from_query (b, r, vq);
	apply_colaliases (b, r, rv->colnames, rv->node.loc);
	return leaf (b, (int) q->rtable->len - 1);
}

/* Take a relation lock for the statement's transaction; if we had to wait
 * for a DROP that then committed, the table is gone. */
static void
lock_table (Binder *b, OxTable *t, OxLockMode mode, int loc)
{
	ox_txn_lock_relation (b->x->txn, t->obj.oid, mode);
	if (b->x->locks) {
		OxLockTaken lt = { .oid = t->obj.oid, .mode = (int) mode };
		g_array_append_val (b->x->locks, lt);
	}
	if (ox_cat_dropped_latest (&t->obj, b->x->txn)) {
		/* ALTER TABLE (engine/alter.c) replaced it with a version of the
		 * same oid while we waited: this statement was bound to the old
		 * one, so it cannot go on (PostgreSQL would bind it again). */
		OxCatObject *now = ox_catalog_by_oid (b->s->db->catalog, t->obj.oid);
		if (now && now != &t->obj && !ox_cat_dropped_latest (now, b->x->txn))
			ox_raise_full (OX_ERR_SERIALIZATION, loc + 1, NULL, "Retry the statement.",
			               "relation \"%s\" was altered by a concurrent transaction", t->obj.name);
		ox_raise (OX_ERR_UNDEFINED_TABLE, loc + 1, "relation \"%s\" does not exist", t->obj.name);
	}
}

static OxFromNode *
bind_rangevar (Binder *b, Scope *sc, OxRangeVar *rv)
{
	OxQuery *q = sc->q;
	const char *alias = rv->alias ? rv->alias : rv->name;
	int loc = rv->node.loc;
	if (!rv->schema) {
		int lv;
		CteDef *cte = find_cte (sc, rv->name, &lv);
		if (cte) {
			if (!cte->bound) {
				Scope *defscope = sc;
				for (int i = 0; i < lv; i++)
					defscope = defscope->parent;
				/* a CTE sees the other CTEs of its WITH (not itself) */
				cte->binding = true;
				cte->bound = bind_select (b, defscope, (OxSelectStmt *) cte->def->query, NULL);
				cte->binding = false;
			}
			check_alias_unique (b, q, alias, loc);
			OxRte *r = add_rte (b, q, OX_RTE_SUBQUERY, alias);
			r->subquery = cte->bound;
			r->relname = cte->name;
			rte_from_query (b, r, cte->bound);
			apply_colaliases (b, r, cte->def->colnames, cte->def->loc);
			apply_colaliases (b, r, rv->colnames, loc);
			return leaf (b, (int) q->rtable->len - 1);
		}
	}
	OxTable *t = NULL;
	if (rv->schema) {
		/* PostgreSQL reports a missing schema here as a missing relation */
		OxSchema *s = ox_catalog_schema (b->s->db->catalog, b->x->txn, rv->schema);
		t = s ? ox_catalog_relation (b->s->db->catalog, b->x->txn, s, rv->name) : NULL;
	} else
		t = ox_session_relation (b->s, NULL, rv->name);
	if (!t) {
		const OxSysView *sv = ox_sysview_lookup (rv->schema, rv->name);
		if (sv && !strcmp (sv->name, "pg_authid"))
			ox_role_check_authid_access (b->s, loc + 1);
		if (sv)
			return bind_sysview (b, sc, sv, rv);
	}
	if (!t)
		ox_raise (OX_ERR_UNDEFINED_TABLE, loc + 1, "relation \"%s%s%s\" does not exist",
		          rv->schema ? rv->schema : "", rv->schema ? "." : "", rv->name);
	check_alias_unique (b, q, alias, loc);
	OxRte *r;
	if (t->view_query) {
		if (b->depth > 200)
			ox_raise (OX_ERR_STATEMENT_TOO_COMPLEX, loc + 1, "infinite recursion detected in rules for relation \"%s\"", t->obj.name);
		b->depth += 10;
		OxQuery *sub = bind_select (b, NULL, t->view_query, NULL);
		b->depth -= 10;
		r = add_rte (b, q, OX_RTE_SUBQUERY, alias);
		r->subquery = sub;
		r->is_view = true;
		r->view = t;
		rte_from_query (b, r, sub);
		/* a view's column names are the catalog's */
		r->colnames = OX_NEW_N (b->a, const char *, t->ncols);
		for (int i = 0; i < t->ncols && i < r->ncols; i++)
			r->colnames[i] = t->cols[i].name;
	} else {
		lock_table (b, t, OX_LOCK_ACCESS_SHARE, loc);
		r = add_rte (b, q, OX_RTE_TABLE, alias);
		r->table = t;
		r->ncols = t->ncols;
		r->colnames = OX_NEW_N (b->a, const char *, t->ncols);
		r->coltypes = OX_NEW_N (b->a, OxType, t->ncols);
		for (int i = 0; i < t->ncols; i++) {
			r->colnames[i] = t->cols[i].name;
			r->coltypes[i] = t->cols[i].type;
		}
	}
	r->relname = t->obj.name;
	apply_colaliases (b, r, rv->colnames, loc);
	return leaf (b, (int) q->rtable->len - 1);
}

static void
collect_rtes (OxFromNode *f, GArray *out)
{
	if (!f->is_join) {
		g_array_append_val (out, f->rt);
		return;
	}
	collect_rtes (f->left, out);
	collect_rtes (f->right, out);
}

/* Find column 'name' among the RTEs under f (sets rt and col); error if ambiguous. */
static bool
find_in_tree (Binder *b, Scope *sc, OxFromNode *f, const char *name, int *rt, int *col, int loc)
{
	GArray *rts = g_array_new (FALSE, FALSE, sizeof (int));
	collect_rtes (f, rts);
	bool found = false;
	for (guint i = 0; i < rts->len; i++) {
		int r = g_array_index (rts, int, i);
		OxRte *rte = sc->q->rtable->pdata[r];
		int c = rte_col (rte, name);
		if (c >= 0) {
			if (found) {
				g_array_unref (rts);
				ox_raise (OX_ERR_AMBIGUOUS_COLUMN, loc + 1, "common column name \"%s\" appears more than once in left table", name);
			}
			found = true;
			*rt = r;
			*col = c;
		}
	}
	g_array_unref (rts);
	return found;
}

static bool
is_lateral_leaf (OxQuery *q, OxFromNode *f)
{
	return !f->is_join && ((OxRte *) q->rtable->pdata[f->rt])->lateral;
}

static OxFromNode *
cross_join (Binder *b, OxFromNode *l, OxFromNode *r)
{
	OxFromNode *f = OX_NEW (b->a, OxFromNode);
	f->is_join = true;
	f->jointype = OX_JOIN_INNER;
	f->left = l;
	f->right = r;
	return f;
}

static OxFromNode *
bind_join (Binder *b, Scope *sc, OxJoinExpr *j)
{
	OxFromNode *l = bind_from_item (b, sc, j->larg);
	OxFromNode *r = bind_from_item (b, sc, j->rarg);
	OxFromNode *f = OX_NEW (b->a, OxFromNode);
	f->is_join = true;
	f->jointype = j->type;
	f->left = l;
	f->right = r;
	if (j->alias)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, j->node.loc + 1, "aliases on joins are not supported yet");
	OxList *using_cols = j->using_cols;
	if (j->natural) {
		/* the common column names, in left order */
		using_cols = ox_list_new (b->a);
		GArray *rts = g_array_new (FALSE, FALSE, sizeof (int));
		collect_rtes (l, rts);
		for (guint i = 0; i < rts->len; i++) {
			OxRte *rte = sc->q->rtable->pdata[g_array_index (rts, int, i)];
			for (int c = 0; c < rte->ncols; c++) {
				int rt2, col2;
				if (find_in_tree (b, sc, r, rte->colnames[c], &rt2, &col2, j->node.loc))
					ox_list_push (b->a, using_cols, (void *) rte->colnames[c]);
			}
		}
		g_array_unref (rts);
	}
	if (using_cols) {
		OxExpr *quals = NULL;
		for (int i = 0; i < using_cols->n; i++) {
			const char *name = using_cols->items[i];
			int lrt, lcol, rrt, rcol;
			if (!find_in_tree (b, sc, l, name, &lrt, &lcol, j->node.loc))
				ox_raise (OX_ERR_UNDEFINED_COLUMN, j->node.loc + 1,
				          "column \"%s\" specified in USING clause does not exist in left table", name);
			if (!find_in_tree (b, sc, r, name, &rrt, &rcol, j->node.loc))
				ox_raise (OX_ERR_UNDEFINED_COLUMN, j->node.loc + 1,
				          "column \"%s\" specified in USING clause does not exist in right table", name);
			OxExpr *lv = var_for (b, sc, 0, lrt, lcol, j->node.loc);
			OxExpr *rv = var_for (b, sc, 0, rrt, rcol, j->node.loc);
			OxExpr *eq = make_op (b, "=", lv, rv, j->node.loc);
			quals = quals ? make_bool (b, OX_E_AND, quals, eq) : eq;
			Merged *m = OX_NEW (b->a, Merged);
			m->name = name;
			if (j->type == OX_JOIN_FULL) {
				OxTypeId t = common_type2 ((OxTypeId) lv->type.id, (OxTypeId) rv->type.id);
				OxExpr *co = mk_args (b, OX_E_COALESCE, t, j->node.loc, 2);
				co->args[0] = coerce_id (b, lv, t);
				co->args[1] = coerce_id (b, rv, t);
				m->expr = co;
			} else
				m->expr = j->type == OX_JOIN_RIGHT ? rv : lv;
			if (!sc->merged)
				sc->merged = parr (b);
			/* a later USING on the same name replaces the earlier merge */
			for (guint k = 0; k < sc->merged->len; k++)
				if (!strcmp (((Merged *) sc->merged->pdata[k])->name, name))
					g_ptr_array_remove_index (sc->merged, k--);
			g_ptr_array_add (sc->merged, m);
		}
		f->quals = quals;
	} else if (j->quals) {
		bool saved = sc->agg_allowed;
		const char *savedctx = sc->agg_context;
		sc->agg_allowed = false;
		sc->agg_context = "JOIN conditions";
		f->quals = coerce_bool (b, bind_expr (b, sc, j->quals), "JOIN/ON");
		sc->agg_allowed = saved;
		sc->agg_context = savedctx;
	} else if (j->type != OX_JOIN_CROSS && j->type != OX_JOIN_INNER)
		ox_raise (OX_ERR_SYNTAX, j->node.loc + 1, "syntax error: JOIN requires ON or USING");
	if (j->type == OX_JOIN_CROSS)
		f->jointype = OX_JOIN_INNER;
	if (is_lateral_leaf (sc->q, r) && (j->type == OX_JOIN_RIGHT || j->type == OX_JOIN_FULL))
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, j->node.loc + 1,
		          "a LATERAL subquery on the right of a RIGHT or FULL join is not supported");
	return f;
}

static OxFromNode *
bind_from_item (Binder *b, Scope *sc, OxNode *n)
{
	switch (n->tag) {
	case OX_N_RANGEVAR:
		return bind_rangevar (b, sc, (OxRangeVar *) n);
	case OX_N_RANGESUBSELECT: {
		OxRangeSubselect *rs = (OxRangeSubselect *) n;
		if (!rs->alias)
			ox_raise (OX_ERR_SYNTAX, n->loc + 1, "subquery in FROM must have an alias");
		/* A derived table sees outer query levels but not its siblings;
		 * a LATERAL one is bound below this level, so that it sees the
		 * FROM items before it (the planner runs it once per their row). */
		Scope *parent = rs->lateral ? sc : sc->parent;
		OxQuery *sub = bind_select (b, parent, (OxSelectStmt *) rs->subquery, sc->ctes);
		check_alias_unique (b, sc->q, rs->alias, n->loc);
		OxRte *r = add_rte (b, sc->q, OX_RTE_SUBQUERY, rs->alias);
		r->subquery = sub;
		r->lateral = rs->lateral;
		r->relname = rs->alias;
		rte_from_query (b, r, sub);
		apply_colaliases (b, r, rs->colnames, n->loc);
		return leaf (b, (int) sc->q->rtable->len - 1);
	}
	case OX_N_JOINEXPR:
		return bind_join (b, sc, (OxJoinExpr *) n);
	case OX_N_RANGEFUNCTION: {
		OxRangeFunction *rf = (OxRangeFunction *) n;
		const char *fn0 = rf->call->name->items[rf->call->name->n - 1];
		int builtin = !strcmp (fn0, "ox_event_trigger_ddl_commands") || !strcmp (fn0, "pg_event_trigger_ddl_commands") ? 1
		              : !strcmp (fn0, "ox_event_trigger_dropped_objects") || !strcmp (fn0, "pg_event_trigger_dropped_objects") ? 2 : 0;
		if (builtin && OX_LIST_N (rf->call->args) == 0) {
			static const char *const cmd_cols[] = { "objid", "command_tag", "object_type", "schema_name", "object_identity" };
			static const char *const drop_cols[] = { "objid", "object_name", "object_type", "schema_name", "object_identity" };
			const char *alias = rf->alias ? rf->alias : fn0;
			check_alias_unique (b, sc->q, alias, n->loc);
			OxRte *r = add_rte (b, sc->q, OX_RTE_FUNCTION, alias);
			r->srf_builtin = builtin;
			r->relname = fn0;
			r->ncols = 5;
			r->colnames = OX_NEW_N (b->a, const char *, 5);
			r->coltypes = OX_NEW_N (b->a, OxType, 5);
			for (int i = 0; i < 5; i++) {
				r->colnames[i] = builtin == 1 ? cmd_cols[i] : drop_cols[i];
				r->coltypes[i] = (OxType) { i == 0 ? OX_T_INT8 : OX_T_TEXT, -1 };
			}
			apply_colaliases (b, r, rf->colnames, n->loc);
			return leaf (b, (int) sc->q->rtable->len - 1);
		}
		/* arguments see enclosing query levels but not sibling FROM items
		 * (that would be LATERAL) */
		Scope fs = { .q = new_query (b), .parent = sc->parent, .ctes = sc->ctes };
		allow_srf = true;
		OxExpr *volatile fe = NULL;
		OX_TRY {
			fe = bind_expr (b, &fs, &rf->call->node);
		} OX_CATCH {
			allow_srf = false;
			ox_error_rethrow_current ();
		} OX_END_TRY;
		allow_srf = false;
		if (fe->kind == OX_E_FUNC && ox_builtin_srf_kind (fe->fn)) {
			/* generate_series, pg_partition_ancestors: one column named
			 * after the alias, as in PG, and WITH ORDINALITY's counter */
			const char *alias = rf->alias ? rf->alias : fe->fn->name;
			check_alias_unique (b, sc->q, alias, n->loc);
			OxRte *r = add_rte (b, sc->q, OX_RTE_FUNCTION, alias);
			r->srf_builtin = ox_builtin_srf_kind (fe->fn);
			r->funcexpr = fe;
			r->relname = fe->fn->name;
			r->ncols = rf->ordinality ? 2 : 1;
			r->colnames = OX_NEW_N (b->a, const char *, 2);
			r->coltypes = OX_NEW_N (b->a, OxType, 2);
			r->colnames[0] = alias;
			r->coltypes[0] = fe->type;
			r->colnames[1] = "ordinality";
			r->coltypes[1] = (OxType) { OX_T_INT8, -1 };
			apply_colaliases (b, r, rf->colnames, n->loc);
			return leaf (b, (int) sc->q->rtable->len - 1);
		}
		if (fe->kind != OX_E_UFUNC)
			ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, n->loc + 1,
			          "only stored functions, generate_series and pg_partition_ancestors can be called in FROM");
		if (rf->ordinality)
			ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, n->loc + 1, "WITH ORDINALITY is supported only for built-in functions");
		OxRoutine *rt = fe->routine;
		const char *fname = rt->obj.name;
		const char *alias = rf->alias ? rf->alias : fname;
		check_alias_unique (b, sc->q, alias, n->loc);
		OxRte *r = add_rte (b, sc->q, OX_RTE_FUNCTION, alias);
		r->funcexpr = fe;
		r->relname = fname;
		if (rt->retkind == OX_RET_VALUE) {
			r->ncols = 1;
			r->colnames = OX_NEW_N (b->a, const char *, 1);
			r->coltypes = OX_NEW_N (b->a, OxType, 1);
			/* a scalar function's column is named after the alias, as in PG */
			r->colnames[0] = rf->alias ? rf->alias : fname;
			r->coltypes[0] = rt->rettype;
		} else if (rt->retkind == OX_RET_RECORD) {
			r->ncols = rt->nresult;
			r->colnames = OX_NEW_N (b->a, const char *, rt->nresult);
			r->coltypes = OX_NEW_N (b->a, OxType, rt->nresult);
			for (int i = 0; i < rt->nresult; i++) {
				r->colnames[i] = rt->result_names[i];
				r->coltypes[i] = rt->result_types[i];
			}
		} else
			ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, n->loc + 1, "function %s returning void cannot be used in FROM",
			          fname);
		apply_colaliases (b, r, rf->colnames, n->loc);
		return leaf (b, (int) sc->q->rtable->len - 1);
	}
	default:
		OX_INTERNAL ("unexpected FROM item %d", n->tag);
	}
}

/* ---- target lists ------------------------------------------------------------------------- */

/* SELECT srf (args) without FROM (psql: SELECT pg_partition_ancestors (x)
 * UNION ALL ...) is SELECT srf FROM srf (args): the same rows and column
 * name as PostgreSQL's.  Set-returning functions elsewhere in a select
 * list are not supported.  Returns sel, or a rewritten copy. */
static OxSelectStmt *
srf_select_to_from (Binder *b, OxSelectStmt *sel)
{
	if (OX_LIST_N (sel->from) != 0 || OX_LIST_N (sel->targets) != 1 || sel->where || sel->group_by ||
	    sel->having)
		return sel;
	OxResTarget *rt = sel->targets->items[0];
	if (!OX_IS (rt->val, OX_N_FUNCCALL))
		return sel;
	OxFuncCall *fc = (OxFuncCall *) rt->val;
	const char *nm = fc->name->items[fc->name->n - 1];
	if (fc->name->n > 2 || (fc->name->n == 2 && strcmp (fc->name->items[0], "pg_catalog")) ||
	    (strcmp (nm, "generate_series") && strcmp (nm, "pg_partition_ancestors") && strcmp (nm, "unnest")))
		return sel;
	OxRangeFunction *rf = OX_NEW (b->a, OxRangeFunction);
	rf->node.tag = OX_N_RANGEFUNCTION;
	rf->node.loc = fc->node.loc;
	rf->call = fc;
	OxColumnRef *cr = OX_NEW (b->a, OxColumnRef);
	cr->node.tag = OX_N_COLUMNREF;
	cr->node.loc = fc->node.loc;
	cr->fields = ox_list_new (b->a);
	ox_list_push (b->a, cr->fields, (void *) nm);
	OxResTarget *nrt = OX_NEW (b->a, OxResTarget);
	*nrt = *rt;
	nrt->val = &cr->node;
	OxSelectStmt *copy = OX_NEW (b->a, OxSelectStmt);
	*copy = *sel;
	copy->from = ox_list_new (b->a);
	ox_list_push (b->a, copy->from, rf);
	copy->targets = ox_list_new (b->a);
	ox_list_push (b->a, copy->targets, nrt);
	return copy;
}

static const char *
expr_name (OxNode *n)
{
	switch (n->tag) {
	case OX_N_COLUMNREF: {
		OxColumnRef *cr = (OxColumnRef *) n;
		return cr->fields->items[cr->fields->n - 1];
	}
	case OX_N_FUNCCALL: {
		OxFuncCall *fc = (OxFuncCall *) n;
		const char *nm = fc->name->items[fc->name->n - 1];
		if (!strcmp (nm, "date_part") && fc->args && fc->args->n == 2 && OX_IS (fc->args->items[0], OX_N_CONST))
			return nm;
		/* the parser's spellings: x = ANY (arr) is an operator, ARRAY[...]
		 * is named "array" and arr[i] after arr, as in PostgreSQL */
		if (!strcmp (nm, "=any"))
			return "?column?";
		if (!strcmp (nm, "{}"))
			return "array";
		if (!strcmp (nm, "[]"))
			return expr_name (fc->args->items[0]);
		return nm;
	}
	case OX_N_TYPECAST: {
		OxTypeCast *tc = (OxTypeCast *) n;
		const char *inner = expr_name (tc->arg);
		if (strcmp (inner, "?column?"))
			return inner;
		const char *tn = tc->type->name;
		if (!strcmp (tn, "integer")) return "int4";
		if (!strcmp (tn, "bigint")) return "int8";
		if (!strcmp (tn, "smallint")) return "int2";
		if (!strcmp (tn, "real")) return "float4";
		if (!strcmp (tn, "double precision")) return "float8";
		if (!strcmp (tn, "boolean")) return "bool";
		if (!strcmp (tn, "char")) return "bpchar";
		if (!strcmp (tn, "timestamp with time zone")) return "timestamptz";
		if (!strcmp (tn, "timestamp without time zone")) return "timestamp";
		return tn;
	}
	case OX_N_CASE: {
		/* PostgreSQL names a CASE after its ELSE when that has a name of
		 * its own (a column, a function), not just a type's */
		OxNode *d = ((OxCase *) n)->defresult;
		while (d && OX_IS (d, OX_N_TYPECAST))
			d = ((OxTypeCast *) d)->arg;
		const char *inner = d ? expr_name (d) : "?column?";
		return strcmp (inner, "?column?") ? inner : "case";
	}
	case OX_N_SUBLINK: {
		OxSubLink *sl = (OxSubLink *) n;
		if (sl->kind == OX_SUBLINK_EXISTS)
			return "exists";
		if (sl->kind == OX_SUBLINK_ARRAY)
			return "array";
		if (sl->kind == OX_SUBLINK_EXPR) {
			OxSelectStmt *s = (OxSelectStmt *) sl->subselect;
			while (s->op != OX_SETOP_NONE)
				s = s->larg;
			if (s->targets && s->targets->n >= 1) {
				OxResTarget *rt = s->targets->items[0];
				if (rt->name)
					return rt->name;
				return expr_name (rt->val);
			}
		}
		return "?column?";
	}
	default:
		return "?column?";
	}
}

static void
add_target (Binder *b, OxQuery *q, OxExpr *e, const char *name, bool junk)
{
	OxTarget *t = OX_NEW (b->a, OxTarget);
	t->expr = e;
	t->name = name;
	t->resjunk = junk;
	g_ptr_array_add (q->targets, t);
}

static void
expand_star_tree (Binder *b, Scope *sc, OxFromNode *f, GPtrArray *skip_names, int loc)
{
	if (!f->is_join) {
		OxRte *r = sc->q->rtable->pdata[f->rt];
		for (int c = 0; c < r->ncols; c++) {
			bool skip = false;
			for (guint k = 0; skip_names && k < skip_names->len; k++)
				if (!strcmp (skip_names->pdata[k], r->colnames[c]))
					skip = true;
			if (!skip)
				add_target (b, sc->q, var_for (b, sc, 0, f->rt, c, loc), r->colnames[c], false);
		}
		return;
	}
	expand_star_tree (b, sc, f->left, skip_names, loc);
	expand_star_tree (b, sc, f->right, skip_names, loc);
}

static void
expand_star (Binder *b, Scope *sc, int loc)
{
	OxQuery *q = sc->q;
	if (q->from->len == 0)
		ox_raise (OX_ERR_SYNTAX, loc + 1, "SELECT * with no tables specified is not valid");
	/* merged (USING) columns come first, once */
	GPtrArray *skip = g_ptr_array_new ();
	if (sc->merged) {
		for (guint i = 0; i < sc->merged->len; i++) {
			Merged *m = sc->merged->pdata[i];
			add_target (b, q, m->expr, m->name, false);
			g_ptr_array_add (skip, (gpointer) m->name);
		}
	}
	for (guint i = 0; i < q->from->len; i++)
		expand_star_tree (b, sc, q->from->pdata[i], skip->len ? skip : NULL, loc);
	g_ptr_array_unref (skip);
}

static void
bind_targets (Binder *b, Scope *sc, OxList *targets)
{
	OxQuery *q = sc->q;
	for (int i = 0; i < OX_LIST_N (targets); i++) {
		OxResTarget *rt = targets->items[i];
		OxNode *v = rt->val;
		if (v->tag == OX_N_STAR) {
			expand_star (b, sc, v->loc);
			continue;
		}
		if (v->tag == OX_N_COLUMNREF && ((OxColumnRef *) v)->star) {
			OxColumnRef *cr = (OxColumnRef *) v;
			const char *rel = cr->fields->items[cr->fields->n - 1];
			bool found = false;
			for (guint k = 0; k < q->rtable->len; k++) {
				OxRte *r = q->rtable->pdata[k];
				if (!r->visible || !r->alias || strcmp (r->alias, rel))
					continue;
				for (int c = 0; c < r->ncols; c++)
					add_target (b, q, var_for (b, sc, 0, (int) k, c, v->loc), r->colnames[c], false);
				found = true;
				break;
			}
			if (!found)
				ox_raise (OX_ERR_UNDEFINED_TABLE, v->loc + 1, "missing FROM-clause entry for table \"%s\"", rel);
			continue;
		}
		OxExpr *e = bind_expr (b, sc, v);
		add_target (b, q, e, rt->name ? rt->name : expr_name (v), false);
	}
}

/* ---- GROUP BY / ORDER BY ---------------------------------------------------------------- */

bool ox_expr_equal (const OxExpr *a, const OxExpr *b);
bool
ox_expr_equal (const OxExpr *a, const OxExpr *b)
{
	if (a == b)
		return true;
	if (!a || !b || a->kind != b->kind || a->type.id != b->type.id || a->nargs != b->nargs)
		return false;
	switch (a->kind) {
	case OX_E_CONST:
		if (a->cval.null != b->cval.null)
			return false;
		if (a->cval.null)
			return true;
		if (a->cval.type != b->cval.type)
			return false;
		if (a->cval.type == OX_T_UNKNOWN)
			return a->cval.len == b->cval.len && !memcmp (a->cval.v.str, b->cval.v.str, a->cval.len);
		return ox_value_cmp (&a->cval, &b->cval) == 0;
	case OX_E_VAR:
		return a->levelsup == b->levelsup && a->rt == b->rt && a->col == b->col;
	case OX_E_SLOT:
		return a->slot == b->slot;
	case OX_E_PARAM:
	case OX_E_OUTER:
		return a->paramno == b->paramno;
	case OX_E_OP:
		if (a->op != b->op)
			return false;
		break;
	case OX_E_FUNC:
		if (a->fn != b->fn)
			return false;
		break;
	case OX_E_AGG:
		return a->aggno == b->aggno;
	case OX_E_SUBLINK:
		return false;
	case OX_E_NULLTEST:
	case OX_E_DISTINCT:
	case OX_E_INLIST:
	case OX_E_LIKE:
		if (a->is_not != b->is_not || a->ilike != b->ilike)
			return false;
		break;
	case OX_E_BOOLTEST:
		if (a->btkind != b->btkind)
			return false;
		break;
	case OX_E_CAST:
		if (a->type.typmod != b->type.typmod)
			return false;
		break;
	default:
		break;
	}
	for (int i = 0; i < a->nargs; i++)
		if (!ox_expr_equal (a->args[i], b->args[i]))
			return false;
	return true;
}

static bool
is_ordinal (OxNode *n, long *out)
{
	if (n->tag != OX_N_CONST || ((OxConst *) n)->kind != OX_CONST_INTEGER)
		return false;
	*out = strtol (((OxConst *) n)->text, NULL, 10);
	return true;
}

static int
visible_target_count (OxQuery *q)
{
	int n = 0;
	for (guint i = 0; i < q->targets->len; i++)
		if (!((OxTarget *) q->targets->pdata[i])->resjunk)
			n++;
	return n;
}

static void
bind_group_by (Binder *b, Scope *sc, OxList *group)
{
	OxQuery *q = sc->q;
	q->group_by = parr (b);
	q->has_aggs = true;
	for (int i = 0; i < group->n; i++) {
		OxNode *n = group->items[i];
		long ord;
		OxExpr *e = NULL;
		if (is_ordinal (n, &ord)) {
			if (ord < 1 || ord > visible_target_count (q))
				ox_raise (OX_ERR_INVALID_COLUMN_REF, n->loc + 1, "GROUP BY position %ld is not in select list", ord);
			e = ((OxTarget *) q->targets->pdata[ord - 1])->expr;
		} else if (n->tag == OX_N_COLUMNREF && ((OxColumnRef *) n)->fields->n == 1) {
			/* An input column wins over an output name, as in PostgreSQL. */
			const char *nm = ((OxColumnRef *) n)->fields->items[0];
			OX_TRY {
				e = bind_expr (b, sc, n);
			} OX_CATCH {
				OxErrorData *ed = ox_error_current ();
				if (strcmp (ed->sqlstate, OX_ERR_UNDEFINED_COLUMN))
					ox_error_rethrow_current ();
				e = NULL;
			} OX_END_TRY;
			if (!e) {
				for (guint k = 0; k < q->targets->len; k++) {
					OxTarget *t = q->targets->pdata[k];
					if (!t->resjunk && t->name && !strcmp (t->name, nm)) {
						e = t->expr;
						break;
					}
				}
				if (!e)
					ox_raise (OX_ERR_UNDEFINED_COLUMN, n->loc + 1, "column \"%s\" does not exist", nm);
			}
		} else {
			e = bind_expr (b, sc, n);
		}
		g_ptr_array_add (q->group_by, e);
	}
}

static void
bind_order_by (Binder *b, Scope *sc, OxList *sort, bool setop)
{
	OxQuery *q = sc->q;
	q->sort = parr (b);
	for (int i = 0; i < sort->n; i++) {
		OxSortBy *sb = sort->items[i];
		OxNode *n = sb->expr;
		int idx = -1;
		long ord;
		if (is_ordinal (n, &ord)) {
			if (ord < 1 || ord > visible_target_count (q))
				ox_raise (OX_ERR_INVALID_COLUMN_REF, n->loc + 1, "ORDER BY position %ld is not in select list", ord);
			idx = (int) ord - 1;
		} else if (n->tag == OX_N_COLUMNREF && ((OxColumnRef *) n)->fields->n == 1) {
			const char *nm = ((OxColumnRef *) n)->fields->items[0];
			for (guint k = 0; k < q->targets->len; k++) {
				OxTarget *t = q->targets->pdata[k];
				if (!t->resjunk && t->name && !strcmp (t->name, nm)) {
					if (idx >= 0 && !ox_expr_equal (((OxTarget *) q->targets->pdata[idx])->expr, t->expr))
						ox_raise (OX_ERR_AMBIGUOUS_COLUMN, n->loc + 1, "ORDER BY \"%s\" is ambiguous", nm);
					idx = (int) k;
				}
			}
		}
		if (idx < 0) {
			if (setop && n->tag == OX_N_COLUMNREF && ((OxColumnRef *) n)->fields->n == 1)
				ox_raise (OX_ERR_UNDEFINED_COLUMN, n->loc + 1, "column \"%s\" does not exist",
				          (const char *) ((OxColumnRef *) n)->fields->items[0]);
			if (setop)
				ox_raise_full (OX_ERR_FEATURE_NOT_SUPPORTED, n->loc + 1,
				               "Only result column names can be used, not expressions or functions.",
				               "Add the expression/function to every SELECT, or move the UNION into a FROM clause.",
				               "invalid UNION/INTERSECT/EXCEPT ORDER BY clause");
			OxExpr *e = bind_expr (b, sc, n);
			for (guint k = 0; k < q->targets->len; k++) {
				OxTarget *t = q->targets->pdata[k];
				if (ox_expr_equal (t->expr, e)) {
					idx = (int) k;
					break;
				}
			}
			if (idx < 0) {
				if (q->distinct)
					ox_raise (OX_ERR_INVALID_COLUMN_REF, n->loc + 1,
					          "for SELECT DISTINCT, ORDER BY expressions must appear in select list");
				add_target (b, q, resolve_unknown (b, e), "?column?", true);
				idx = (int) q->targets->len - 1;
			}
		}
		OxSortKey *k = OX_NEW (b->a, OxSortKey);
		k->target = idx;
		k->desc = sb->dir == OX_SORT_DESC;
		k->nulls_first = sb->nulls == OX_NULLS_DEFAULT ? k->desc : sb->nulls == OX_NULLS_FIRST;
		g_ptr_array_add (q->sort, k);
	}
}

static OxExpr *
bind_limit (Binder *b, Scope *sc, OxNode *n, const char *what)
{
	if (!n)
		return NULL;
	bool saved = sc->agg_allowed;
	sc->agg_allowed = false;
	sc->agg_context = what;
	/* LIMIT may not reference the query's own columns */
	OxQuery *q = sc->q;
	GPtrArray *rt = q->rtable;
	q->rtable = g_ptr_array_new ();
	OxExpr *e = bind_expr (b, sc, n);
	g_ptr_array_unref (q->rtable);
	q->rtable = rt;
	sc->agg_allowed = saved;
	return coerce_id (b, e, OX_T_INT8);
}

/* ---- SELECT ------------------------------------------------------------------------------- */

static OxQuery *
new_query (Binder *b)
{
	OxQuery *q = OX_NEW (b->a, OxQuery);
	q->cmd = OX_CMD_SELECT;
	q->rtable = parr (b);
	q->from = parr (b);
	q->targets = parr (b);
	return q;
}

static OxQuery *
bind_values (Binder *b, Scope *sc, OxSelectStmt *sel)
{
	OxQuery *q = sc->q;
	int nrows = sel->values->n;
	int ncols = ((OxList *) sel->values->items[0])->n;
	q->values = parr (b);
	for (int r = 0; r < nrows; r++) {
		OxList *row = sel->values->items[r];
		if (row->n != ncols)
			ox_raise (OX_ERR_SYNTAX, ((OxNode *) row->items[0])->loc + 1, "VALUES lists must all be the same length");
		GPtrArray *er = parr (b);
		for (int c = 0; c < ncols; c++) {
			OxNode *n = row->items[c];
			if (n->tag == OX_N_DEFAULT) {
				/* DEFAULT in INSERT ... VALUES: marked as a NULL const with
				 * a flag the insert binder replaces. */
				OxExpr *d = mk (b, OX_E_CONST, OX_T_UNKNOWN, n->loc);
				d->cval = ox_null (OX_T_UNKNOWN);
				d->cval.flags = 1;
				g_ptr_array_add (er, d);
			} else
				g_ptr_array_add (er, bind_expr (b, sc, n));
		}
		g_ptr_array_add (q->values, er);
	}
	/* column types: common type per column */
	for (int c = 0; c < ncols; c++) {
		OxTypeId t = OX_T_UNKNOWN;
		for (int r = 0; r < nrows; r++) {
			OxExpr *e = ((GPtrArray *) q->values->pdata[r])->pdata[c];
			OxTypeId nt = common_type2 (t, (OxTypeId) e->type.id);
			if (nt == OX_T__COUNT)
				ox_raise (OX_ERR_DATATYPE_MISMATCH, e->loc + 1, "VALUES types %s and %s cannot be matched",
				          ox_type_name (t), ox_type_name ((OxTypeId) e->type.id));
			t = nt;
		}
		OxType ty = { t, -1 };
		if (t != OX_T_UNKNOWN) {
			for (int r = 0; r < nrows; r++) {
				GPtrArray *er = q->values->pdata[r];
				OxExpr *e = er->pdata[c];
				if (!(e->kind == OX_E_CONST && e->cval.flags == 1))
					er->pdata[c] = coerce_id (b, e, t);
				else
					e->type = ty;
			}
		}
		OxExpr *ref = mk (b, OX_E_SLOT, t, -1);
		ref->slot = c;
		if (nrows == 1)
			ty = ((OxExpr *) ((GPtrArray *) q->values->pdata[0])->pdata[c])->type;
		ref->type = ty;
		ref->type.id = t;
		add_target (b, q, ref, ox_arena_printf (b->a, "column%d", c + 1), false);
	}
	q->is_values_only = true;
	return q;
}

static OxQuery *
bind_setop (Binder *b, Scope *parent, OxSelectStmt *sel, GPtrArray *ctes)
{
	OxQuery *q = new_query (b);
	q->setop = sel->op;
	q->setop_all = sel->all;
	b->setop_branch = true;
	q->larg = bind_select (b, parent, sel->larg, ctes);
	b->setop_branch = true;
	q->rarg = bind_select (b, parent, sel->rarg, ctes);
	int nl = visible_target_count (q->larg), nr = visible_target_count (q->rarg);
	const char *opn = sel->op == OX_SETOP_UNION ? "UNION" : sel->op == OX_SETOP_INTERSECT ? "INTERSECT" : "EXCEPT";
	if (nl != nr)
		ox_raise (OX_ERR_SYNTAX, sel->node.loc + 1, "each %s query must have the same number of columns", opn);
	for (int c = 0; c < nl; c++) {
		OxTarget *lt = q->larg->targets->pdata[c], *rt = q->rarg->targets->pdata[c];
		OxTypeId t;
		if (lt->expr->type.id == OX_T_UNKNOWN && rt->expr->type.id == OX_T_UNKNOWN)
			t = OX_T_TEXT;
		else
			t = common_type2 ((OxTypeId) lt->expr->type.id, (OxTypeId) rt->expr->type.id);
		if (t == OX_T__COUNT)
			ox_raise (OX_ERR_DATATYPE_MISMATCH, rt->expr->loc + 1, "%s types %s and %s cannot be matched", opn,
			          tname (b, lt->expr->type), tname (b, rt->expr->type));
		OxType ty = { t, -1 };
		if (lt->expr->type.id == t && rt->expr->type.id == t && lt->expr->type.typmod == rt->expr->type.typmod)
			ty.typmod = lt->expr->type.typmod;
		lt->expr = coerce_id (b, lt->expr, t);
		rt->expr = coerce_id (b, rt->expr, t);
		OxExpr *ref = mk (b, OX_E_SLOT, t, -1);
		ref->slot = c;
		ref->type = ty;
		add_target (b, q, ref, lt->name, false);
	}
	return q;
}

static void
setup_ctes (Binder *b, Scope *sc, OxSelectStmt *sel)
{
	if (!sel->with)
		return;
	if (sel->with_recursive)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, sel->node.loc + 1, "WITH RECURSIVE is not supported yet");
	sc->ctes = parr (b);
	for (int i = 0; i < sel->with->n; i++) {
		OxCommonTableExpr *c = sel->with->items[i];
		CteDef *d = OX_NEW (b->a, CteDef);
		d->name = c->name;
		d->def = c;
		g_ptr_array_add (sc->ctes, d);
	}
}

static OxQuery *
bind_select (Binder *b, Scope *parent, OxSelectStmt *sel, GPtrArray *ctes)
{
	if (++b->depth > 1000)
		ox_raise (OX_ERR_STATEMENT_TOO_COMPLEX, sel->node.loc + 1, "stack depth limit exceeded");
	bool keep_unknown = b->setop_branch;
	b->setop_branch = false;
	Scope sc = { .parent = parent, .agg_allowed = true };
	OxQuery *q;
	/* CTEs of this statement level are bound in a scope wrapping it. */
	Scope ctescope = { .parent = parent, .agg_allowed = false };
	if (sel->with) {
		setup_ctes (b, &ctescope, sel);
		sc.parent = &ctescope;
		parent = &ctescope;
	}
	if (sel->op != OX_SETOP_NONE) {
		q = bind_setop (b, parent, sel, ctes);
		sc.q = q;
		if (sel->sort)
			bind_order_by (b, &sc, sel->sort, true);
	} else {
		q = new_query (b);
		sc.q = q;
		if (sel->values) {
			bind_values (b, &sc, sel);
			if (sel->sort)
				bind_order_by (b, &sc, sel->sort, true);
		} else {
			sel = srf_select_to_from (b, sel);
			for (int i = 0; i < OX_LIST_N (sel->from); i++) {
				OxFromNode *f = bind_from_item (b, &sc, sel->from->items[i]);
				if (is_lateral_leaf (q, f) && q->from->len > 0) {
					/* FROM a, b, LATERAL (...) s: the items before it
					 * cross-joined, then joined to it */
					OxFromNode *left = q->from->pdata[0];
					for (guint k = 1; k < q->from->len; k++)
						left = cross_join (b, left, q->from->pdata[k]);
					g_ptr_array_set_size (q->from, 0);
					f = cross_join (b, left, f);
				}
				g_ptr_array_add (q->from, f);
			}
			if (sel->where) {
				sc.agg_allowed = false;
				sc.agg_context = "WHERE";
				q->where = coerce_bool (b, bind_expr (b, &sc, sel->where), "WHERE");
				sc.agg_allowed = true;
			}
			q->distinct = sel->distinct;
			bind_targets (b, &sc, sel->targets);
			if (sel->group_by) {
				sc.agg_allowed = false;
				sc.agg_context = "GROUP BY";
				bind_group_by (b, &sc, sel->group_by);
				sc.agg_allowed = true;
			}
			if (sel->having) {
				q->having = coerce_bool (b, bind_expr (b, &sc, sel->having), "HAVING");
				q->has_aggs = true;
			}
			if (sel->distinct_on) {
				q->distinct_on = parr (b);
				for (int i = 0; i < sel->distinct_on->n; i++)
					g_ptr_array_add (q->distinct_on, bind_expr (b, &sc, sel->distinct_on->items[i]));
				ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, sel->node.loc + 1, "DISTINCT ON is not supported yet");
			}
			if (sel->sort)
				bind_order_by (b, &sc, sel->sort, false);
			/* unknown-typed outputs become text (a set operation
			 * resolves its branches' unknowns itself) */
			for (guint i = 0; !keep_unknown && i < q->targets->len; i++) {
				OxTarget *t = q->targets->pdata[i];
				t->expr = resolve_unknown (b, t->expr);
			}
		}
	}
	q->limit = bind_limit (b, &sc, sel->limit, "LIMIT");
	q->offset = bind_limit (b, &sc, sel->offset, "OFFSET");
	b->depth--;
	return q;
}

OxQuery *
ox_bind_select (OxExec *x, OxSession *s, OxSelectStmt *sel, OxArena *a, OxType *param_types, int *nparams)
{
	Binder b = { .x = x, .s = s, .a = a, .ptypes = param_types, .nparams = nparams };
	return bind_select (&b, NULL, sel, NULL);
}

/* ---- DML ---------------------------------------------------------------------------------- */

static OxTable *
dml_target (Binder *b, OxRangeVar *rv, const char *verb)
{
	OxTable *t;
	if (rv->schema) {
		OxSchema *s = ox_session_schema (b->s, rv->schema, rv->node.loc);
		t = ox_catalog_relation (b->s->db->catalog, b->x->txn, s, rv->name);
	} else
		t = ox_session_relation (b->s, NULL, rv->name);
	if (!t)
		ox_raise (OX_ERR_UNDEFINED_TABLE, rv->node.loc + 1, "relation \"%s\" does not exist", rv->name);
	if (t->view_query) {
		/* writable only through an INSTEAD OF trigger for this event */
		int event = verb[0] == 'i' ? OX_TRIG_INSERT : verb[0] == 'u' ? OX_TRIG_UPDATE : OX_TRIG_DELETE;
		GPtrArray *trigs = ox_catalog_table_triggers (b->s->db->catalog, b->x->txn, t, false);
		bool ok = false;
		for (guint i = 0; i < trigs->len; i++) {
			OxTrigger *tg = trigs->pdata[i];
			if (tg->timing == OX_TRIG_INSTEAD && tg->enabled && (tg->events & event))
				ok = true;
		}
		g_ptr_array_unref (trigs);
		if (!ok)
			ox_raise_full ("55000", rv->node.loc + 1, NULL,
			               ox_arena_printf (b->a, "To enable %s the view, provide an INSTEAD OF %s trigger.",
			                                event == OX_TRIG_INSERT ? "inserting into" : event == OX_TRIG_UPDATE ? "updating" : "deleting from",
			                                event == OX_TRIG_INSERT ? "INSERT" : event == OX_TRIG_UPDATE ? "UPDATE" : "DELETE"),
			               "cannot %s view \"%s\"", verb, t->obj.name);
	}
	lock_table (b, t, OX_LOCK_ROW_EXCLUSIVE, rv->node.loc);
	return t;
}

static OxExpr *
column_default (Binder *b, OxTable *t, int c)
{
	OxColumn *col = &t->cols[c];
	if (!col->default_expr)
		return mk_const (b, ox_null (col->type.id), -1);
	Scope sc = { .agg_allowed = false, .agg_context = "DEFAULT expressions" };
	OxExpr *e = bind_expr (b, &sc, col->default_expr);
	return coerce_to (b, e, col->type, 'a', ox_arena_printf (b->a, "column \"%s\"", col->name));
}

static void
bind_returning (Binder *b, Scope *sc, OxQuery *q, OxList *ret)
{
	if (!ret)
		return;
	GPtrArray *saved = q->targets;
	q->targets = parr (b);
	/* RETURNING * expands over the result table (INSERT has no FROM) */
	GPtrArray *saved_from = q->from;
	if (q->from->len == 0) {
		q->from = parr (b);
		g_ptr_array_add (q->from, leaf (b, q->result_rt));
	}
	bool agg = sc->agg_allowed;
	sc->agg_allowed = false;
	sc->agg_context = "RETURNING";
	bind_targets (b, sc, ret);
	sc->agg_allowed = agg;
	for (guint i = 0; i < q->targets->len; i++) {
		OxTarget *t = q->targets->pdata[i];
		t->expr = resolve_unknown (b, t->expr);
	}
	q->returning = q->targets;
	q->targets = saved;
	q->from = saved_from;
}

static void
add_result_rte (Binder *b, OxQuery *q, OxTable *t, OxRangeVar *rv)
{
	if (t->view_query) {
		/* a view written through INSTEAD OF triggers: its rows come from
		 * its query, and the triggers do the writing */
		OxQuery *sub = bind_select (b, NULL, t->view_query, NULL);
		OxRte *r = add_rte (b, q, OX_RTE_SUBQUERY, rv->alias ? rv->alias : t->obj.name);
		r->subquery = sub;
		r->relname = t->obj.name;
		r->is_view = true;
		r->view = t;
		rte_from_query (b, r, sub);
		q->result_table = t;
		q->result_rt = (int) q->rtable->len - 1;
		return;
	}
	OxRte *r = add_rte (b, q, OX_RTE_TABLE, rv->alias ? rv->alias : t->obj.name);
	r->table = t;
	r->relname = t->obj.name;
	r->ncols = t->ncols;
	r->colnames = OX_NEW_N (b->a, const char *, t->ncols);
	r->coltypes = OX_NEW_N (b->a, OxType, t->ncols);
	for (int i = 0; i < t->ncols; i++) {
		r->colnames[i] = t->cols[i].name;
		r->coltypes[i] = t->cols[i].type;
	}
	q->result_table = t;
	q->result_rt = (int) q->rtable->len - 1;
}

static int
table_col (OxTable *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (!strcmp (t->cols[i].name, name))
			return i;
	return -1;
}

/* Identity column c of t ('a' ALWAYS, 'd' BY DEFAULT) or 0. */
static char
column_identity (Binder *b, OxTable *t, int c)
{
	if (!t->data)
		return 0;
	OxSequence *sq = ox_catalog_column_sequence (b->x->catalog, b->x->txn, t, c);
	return sq ? sq->identity : 0;
}

static void G_GNUC_NORETURN
identity_always_error (OxColumn *col, int loc, bool update)
{
	char detail[200];
	g_snprintf (detail, sizeof detail, "Column \"%s\" is an identity column defined as GENERATED ALWAYS.", col->name);
	if (update)
		ox_raise_full ("428C9", loc, detail, NULL, "column \"%s\" can only be updated to DEFAULT", col->name);
	ox_raise_full ("428C9", loc, detail, "Use OVERRIDING SYSTEM VALUE to override.",
	               "cannot insert a non-DEFAULT value into column \"%s\"", col->name);
}

/* INSERT into identity columns: a value for a GENERATED ALWAYS column is
 * refused unless OVERRIDING SYSTEM VALUE; OVERRIDING USER VALUE replaces
 * the values given for any identity column by the column's default. */
static void
bind_insert_identity (Binder *b, OxInsertStmt *ins, OxQuery *q, OxQuery *src, OxTable *t, int nsrc)
{
	for (int i = 0; i < nsrc; i++) {
		int c = q->insert_cols[i];
		char id = column_identity (b, t, c);
		if (!id)
			continue;
		if (src->values) {
			for (guint r = 0; r < src->values->len; r++) {
				GPtrArray *row = src->values->pdata[r];
				if (row->pdata[i] == q->set_exprs[c])
					continue;  /* DEFAULT */
				if (ins->overriding == 2)
					row->pdata[i] = q->set_exprs[c];
				else if (id == 'a' && ins->overriding != 1)
					identity_always_error (&t->cols[c], ins->node.loc + 1, false);
			}
		} else if (ins->overriding == 2) {
			OxTarget *tg = src->targets->pdata[i];
			tg->expr = q->set_exprs[c];
		} else if (id == 'a' && ins->overriding != 1)
			identity_always_error (&t->cols[c], ins->node.loc + 1, false);
	}
}

static OxQuery *
bind_insert (Binder *b, OxInsertStmt *ins)
{
	OxTable *t = dml_target (b, ins->table, "insert into");
	OxQuery *q = new_query (b);
	q->cmd = OX_CMD_INSERT;
	Scope sc = { .q = q, .agg_allowed = false };
	int ncols = ins->columns ? ins->columns->n : t->ncols;
	q->insert_cols = OX_NEW_N (b->a, int, ncols > 0 ? ncols : 1);
	q->ninsert_cols = ncols;
	bool *seen = OX_NEW_N (b->a, bool, t->ncols);
	for (int i = 0; i < ncols; i++) {
		if (ins->columns) {
			const char *nm = ins->columns->items[i];
			int c = table_col (t, nm);
			if (c < 0)
				ox_raise (OX_ERR_UNDEFINED_COLUMN, ins->table->node.loc + 1,
				          "column \"%s\" of relation \"%s\" does not exist", nm, t->obj.name);
			if (seen[c])
				ox_raise (OX_ERR_DUPLICATE_COLUMN, ins->table->node.loc + 1, "column \"%s\" specified more than once", nm);
			seen[c] = true;
			q->insert_cols[i] = c;
		} else
			q->insert_cols[i] = i;
	}
	/* defaults for every column (used for the ones not supplied) */
	q->set_exprs = OX_NEW_N (b->a, OxExpr *, t->ncols);
	for (int c = 0; c < t->ncols; c++)
		q->set_exprs[c] = column_default (b, t, c);
	if (ins->select) {
		OxQuery *src = bind_select (b, NULL, ins->select, NULL);
		int nsrc = visible_target_count (src);
		if (nsrc > ncols)
			ox_raise (OX_ERR_SYNTAX, ins->node.loc + 1, "INSERT has more expressions than target columns");
		if (nsrc < ncols && ins->columns)
			ox_raise (OX_ERR_SYNTAX, ins->node.loc + 1, "INSERT has more target columns than expressions");
		q->ninsert_cols = nsrc;
		/* coerce: for VALUES, each row's expression; else each target */
		for (int i = 0; i < nsrc; i++) {
			OxColumn *col = &t->cols[q->insert_cols[i]];
			const char *what = ox_arena_printf (b->a, "column \"%s\"", col->name);
			if (src->values) {
				for (guint r = 0; r < src->values->len; r++) {
					GPtrArray *row = src->values->pdata[r];
					OxExpr *e = row->pdata[i];
					if (e->kind == OX_E_CONST && e->cval.flags == 1)
						row->pdata[i] = q->set_exprs[q->insert_cols[i]];
					else
						row->pdata[i] = coerce_to (b, e, col->type, 'a', what);
				}
				OxTarget *tg = src->targets->pdata[i];
				tg->expr->type = col->type;
			} else {
				OxTarget *tg = src->targets->pdata[i];
				tg->expr = coerce_to (b, tg->expr, col->type, 'a', what);
			}
		}
		bind_insert_identity (b, ins, q, src, t, nsrc);
		q->source = src;
	}
	add_result_rte (b, q, t, ins->table);
	bind_returning (b, &sc, q, ins->returning);
	return q;
}

static OxQuery *
bind_update (Binder *b, OxUpdateStmt *up)
{
	OxTable *t = dml_target (b, up->table, "update");
	OxQuery *q = new_query (b);
	q->cmd = OX_CMD_UPDATE;
	Scope sc = { .q = q, .agg_allowed = false, .agg_context = "UPDATE" };
	add_result_rte (b, q, t, up->table);
	g_ptr_array_add (q->from, leaf (b, 0));
	for (int i = 0; i < OX_LIST_N (up->from); i++)
		g_ptr_array_add (q->from, bind_from_item (b, &sc, up->from->items[i]));
	q->set_exprs = OX_NEW_N (b->a, OxExpr *, t->ncols);
	for (int i = 0; i < up->set->n; i++) {
		OxSetClause *s = up->set->items[i];
		int c = table_col (t, s->column);
		if (c < 0)
			ox_raise (OX_ERR_UNDEFINED_COLUMN, s->node.loc + 1, "column \"%s\" of relation \"%s\" does not exist",
			          s->column, t->obj.name);
		if (q->set_exprs[c])
			ox_raise (OX_ERR_SYNTAX, s->node.loc + 1, "multiple assignments to same column \"%s\"", s->column);
		if (s->value->tag == OX_N_DEFAULT)
			q->set_exprs[c] = column_default (b, t, c);
		else if (column_identity (b, t, c) == 'a')
			identity_always_error (&t->cols[c], s->node.loc + 1, true);
		else
			q->set_exprs[c] = coerce_to (b, bind_expr (b, &sc, s->value), t->cols[c].type, 'a',
			                             ox_arena_printf (b->a, "column \"%s\"", t->cols[c].name));
	}
	if (up->where)
		q->where = coerce_bool (b, bind_expr (b, &sc, up->where), "WHERE");
	bind_returning (b, &sc, q, up->returning);
	return q;
}

static OxQuery *
bind_delete (Binder *b, OxDeleteStmt *del)
{
	OxTable *t = dml_target (b, del->table, "delete from");
	OxQuery *q = new_query (b);
	q->cmd = OX_CMD_DELETE;
	Scope sc = { .q = q, .agg_allowed = false, .agg_context = "DELETE" };
	add_result_rte (b, q, t, del->table);
	g_ptr_array_add (q->from, leaf (b, 0));
	for (int i = 0; i < OX_LIST_N (del->using_); i++)
		g_ptr_array_add (q->from, bind_from_item (b, &sc, del->using_->items[i]));
	if (del->where)
		q->where = coerce_bool (b, bind_expr (b, &sc, del->where), "WHERE");
	bind_returning (b, &sc, q, del->returning);
	return q;
}

OxQuery *
ox_bind_dml (OxExec *x, OxSession *s, OxNode *stmt, OxArena *a, OxType *param_types, int *nparams)
{
	Binder b = { .x = x, .s = s, .a = a, .ptypes = param_types, .nparams = nparams };
	switch (stmt->tag) {
	case OX_N_INSERT:
		return bind_insert (&b, (OxInsertStmt *) stmt);
	case OX_N_UPDATE:
		return bind_update (&b, (OxUpdateStmt *) stmt);
	case OX_N_DELETE:
		return bind_delete (&b, (OxDeleteStmt *) stmt);
	default:
		OX_INTERNAL ("not a DML statement");
	}
}

OxExpr *
ox_bind_table_expr (OxExec *x, OxSession *s, OxTable *t, OxNode *expr, OxArena *a)
{
	Binder b = { .x = x, .s = s, .a = a };
	OxQuery *q = new_query (&b);
	OxRangeVar rv = { .name = t->obj.name };
	add_result_rte (&b, q, t, &rv);
	Scope sc = { .q = q, .agg_allowed = false, .agg_context = "check constraints" };
	return bind_expr (&b, &sc, expr);
}

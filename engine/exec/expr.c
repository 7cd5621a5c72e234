/*
 * expr.c — evaluating bound expressions, the built-in operators, LIKE, and
 * the deparser EXPLAIN uses.
 *
 * Evaluation is a tree walk over OxExpr (plan.h) with SQL's three-valued
 * logic: operators and strict functions return NULL for a NULL input; AND
 * and OR follow Kleene logic; IN and comparisons with ANY/ALL return NULL
 * rather than false when a NULL made the answer unknowable.
 *
 * NOTE: integer arithmetic checks overflow with the compiler's builtins and
 * raises 22003 with PostgreSQL's message ("integer out of range"); division
 * and modulo by zero raise 22012.  INT64_MIN / -1 overflows too.
 * NOTE: results that need memory (text, numeric) come from the arena the
 * caller passes; they live as long as that arena's current generation.
 */
#include "plan/plan.h"
#include "exec.h"
#include "base/error.h"
#include "base/numeric.h"
#include "base/datetime.h"
#include "session.h"
#include "debug-internal.h"
#include "pl/pl.h"
#include "base/cast.h"

#include <math.h>
#include <string.h>

/* ---- operators ------------------------------------------------------------------------ */

static const char *
int_range_msg (OxTypeId t)
{
	return t == OX_T_INT2 ? "smallint out of range" : t == OX_T_INT4 ? "integer out of range" : "bigint out of range";
}

static inline OxValue
int_result (OxTypeId t, int64_t v)
{
	if ((t == OX_T_INT4 && (v < INT32_MIN || v > INT32_MAX)) ||
	    (t == OX_T_INT2 && (v < INT16_MIN || v > INT16_MAX)))
		ox_raise (OX_ERR_NUMERIC_OUT_OF_RANGE, 0, "%s", int_range_msg (t));
	return ox_int (t, v);
}

#define INT_OP(name, expr_overflow)                                                        \
	static OxValue name (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)    \
	{                                                                                  \
		int64_t v;                                                                 \
		if (expr_overflow)                                                         \
			ox_raise (OX_ERR_NUMERIC_OUT_OF_RANGE, 0, "%s", int_range_msg ((OxTypeId) l->type)); \
		return int_result ((OxTypeId) l->type, v);                                 \
	}

INT_OP (op_int_add, __builtin_add_overflow (l->v.i, r->v.i, &v))
INT_OP (op_int_sub, __builtin_sub_overflow (l->v.i, r->v.i, &v))
INT_OP (op_int_mul, __builtin_mul_overflow (l->v.i, r->v.i, &v))

static OxValue
op_int_div (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)
{
	if (r->v.i == 0)
		ox_raise (OX_ERR_DIVISION_BY_ZERO, 0, "division by zero");
	if (r->v.i == -1) {
		if (l->v.i == INT64_MIN)
			ox_raise (OX_ERR_NUMERIC_OUT_OF_RANGE, 0, "%s", int_range_msg ((OxTypeId) l->type));
		return int_result ((OxTypeId) l->type, -l->v.i);
	}
	return ox_int ((OxTypeId) l->type, l->v.i / r->v.i);
}

static OxValue
op_int_mod (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)
{
	if (r->v.i == 0)
		ox_raise (OX_ERR_DIVISION_BY_ZERO, 0, "division by zero");
	if (r->v.i == -1)
		return ox_int ((OxTypeId) l->type, 0);
	return ox_int ((OxTypeId) l->type, l->v.i % r->v.i);
}

static OxValue
op_int_neg (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)
{
	if (r->v.i == INT64_MIN)
		ox_raise (OX_ERR_NUMERIC_OUT_OF_RANGE, 0, "%s", int_range_msg ((OxTypeId) r->type));
	return int_result ((OxTypeId) r->type, -r->v.i);
}

static OxValue
op_int_abs (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)
{
	if (r->v.i == INT64_MIN)
		ox_raise (OX_ERR_NUMERIC_OUT_OF_RANGE, 0, "%s", int_range_msg ((OxTypeId) r->type));
	return int_result ((OxTypeId) r->type, r->v.i < 0 ? -r->v.i : r->v.i);
}

static OxValue op_ident (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return *r; }

static OxValue op_int_and (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return ox_int ((OxTypeId) l->type, l->v.i & r->v.i); }
static OxValue op_int_or (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return ox_int ((OxTypeId) l->type, l->v.i | r->v.i); }
static OxValue op_int_xor (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return ox_int ((OxTypeId) l->type, l->v.i ^ r->v.i); }
static OxValue op_int_not (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return ox_int ((OxTypeId) r->type, ~r->v.i); }

static OxValue
op_int_shl (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)
{
	int bits = l->type == OX_T_INT8 ? 64 : l->type == OX_T_INT4 ? 32 : 16;
	int64_t s = r->v.i % bits;
	if (s < 0)
		s += bits;
	uint64_t u = (uint64_t) l->v.i << s;
	int64_t v = l->type == OX_T_INT8 ? (int64_t) u : l->type == OX_T_INT4 ? (int32_t) u : (int16_t) u;
	return ox_int ((OxTypeId) l->type, v);
}

static OxValue
op_int_shr (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)
{
	int bits = l->type == OX_T_INT8 ? 64 : l->type == OX_T_INT4 ? 32 : 16;
	int64_t s = r->v.i % bits;
	if (s < 0)
		s += bits;
	return ox_int ((OxTypeId) l->type, l->v.i >> s);
}

static OxValue
float_result (OxTypeId t, double v, bool inf_ok)
{
	if (isinf (v) && !inf_ok)
		ox_raise (OX_ERR_NUMERIC_OUT_OF_RANGE, 0, "value out of range: overflow");
	if (t == OX_T_FLOAT4) {
		float f = (float) v;
		if (isinf (f) && !isinf (v))
			ox_raise (OX_ERR_NUMERIC_OUT_OF_RANGE, 0, "value out of range: overflow");
		return ox_float (t, f);
	}
	return ox_float (t, v);
}

static OxValue
op_flt_add (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)
{
	return float_result ((OxTypeId) l->type, l->v.f + r->v.f, isinf (l->v.f) || isinf (r->v.f));
}
static OxValue
op_flt_sub (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)
{
	return float_result ((OxTypeId) l->type, l->v.f - r->v.f, isinf (l->v.f) || isinf (r->v.f));
}
static OxValue
op_flt_mul (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)
{
	return float_result ((OxTypeId) l->type, l->v.f * r->v.f, isinf (l->v.f) || isinf (r->v.f));
}
static OxValue
op_flt_div (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)
{
	if (r->v.f == 0.0)
		ox_raise (OX_ERR_DIVISION_BY_ZERO, 0, "division by zero");
	return float_result ((OxTypeId) l->type, l->v.f / r->v.f, isinf (l->v.f));
}
static OxValue
op_flt_neg (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)
{
	return ox_float ((OxTypeId) r->type, -r->v.f);
}
static OxValue
op_flt_abs (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)
{
	return ox_float ((OxTypeId) r->type, fabs (r->v.f));
}
static OxValue
op_flt_pow (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)
{
	if (l->v.f == 0 && r->v.f < 0)
		ox_raise ("2201F", 0, "zero raised to a negative power is undefined");
	if (l->v.f < 0 && floor (r->v.f) != r->v.f)
		ox_raise ("2201F", 0, "a negative number raised to a non-integer power yields a complex result");
	return float_result (OX_T_FLOAT8, pow (l->v.f, r->v.f), isinf (l->v.f) || isinf (r->v.f));
}
static OxValue
op_flt_sqrt (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)
{
	if (r->v.f < 0)
		ox_raise ("2201F", 0, "cannot take square root of a negative number");
	return ox_float (OX_T_FLOAT8, sqrt (r->v.f));
}
static OxValue
op_flt_mod (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)
{
	if (r->v.f == 0)
		ox_raise (OX_ERR_DIVISION_BY_ZERO, 0, "division by zero");
	return ox_float ((OxTypeId) l->type, fmod (l->v.f, r->v.f));
}

static OxValue
num_val (const OxNumeric *n)
{
	OxValue v = { .type = OX_T_NUMERIC };
	v.v.num = n;
	return v;
}

static OxValue op_num_add (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return num_val (ox_numeric_add (a, l->v.num, r->v.num)); }
static OxValue op_num_sub (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return num_val (ox_numeric_sub (a, l->v.num, r->v.num)); }
static OxValue op_num_mul (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return num_val (ox_numeric_mul (a, l->v.num, r->v.num)); }
static OxValue op_num_div (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return num_val (ox_numeric_div (a, l->v.num, r->v.num)); }
static OxValue op_num_mod (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return num_val (ox_numeric_mod (a, l->v.num, r->v.num)); }
static OxValue op_num_neg (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return num_val (ox_numeric_neg (a, r->v.num)); }
static OxValue op_num_abs (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return num_val (ox_numeric_abs (a, r->v.num)); }
static OxValue op_num_pow (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return num_val (ox_numeric_power (a, l->v.num, r->v.num)); }
static OxValue op_num_sqrt (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return num_val (ox_numeric_sqrt (a, r->v.num)); }

/* comparisons */
static OxValue op_int_eq (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return ox_bool (l->v.i == r->v.i); }
static OxValue op_int_ne (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return ox_bool (l->v.i != r->v.i); }
static OxValue op_int_lt (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return ox_bool (l->v.i < r->v.i); }
static OxValue op_int_le (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return ox_bool (l->v.i <= r->v.i); }
static OxValue op_int_gt (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return ox_bool (l->v.i > r->v.i); }
static OxValue op_int_ge (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return ox_bool (l->v.i >= r->v.i); }
static OxValue op_eq (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return ox_bool (ox_value_cmp (l, r) == 0); }
static OxValue op_ne (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return ox_bool (ox_value_cmp (l, r) != 0); }
static OxValue op_lt (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return ox_bool (ox_value_cmp (l, r) < 0); }
static OxValue op_le (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return ox_bool (ox_value_cmp (l, r) <= 0); }
static OxValue op_gt (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return ox_bool (ox_value_cmp (l, r) > 0); }
static OxValue op_ge (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r) { return ox_bool (ox_value_cmp (l, r) >= 0); }

static OxValue
op_concat (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)
{
	size_t n = (size_t) l->len + r->len;
	if (n > 0x3fffffff)
		ox_raise (OX_ERR_PROGRAM_LIMIT, 0, "out of memory");
	char *s = ox_arena_alloc (a, n + 1);
	memcpy (s, l->v.str, l->len);
	memcpy (s + l->len, r->v.str, r->len);
	s[n] = '\0';
	OxValue v = ox_text ((OxTypeId) l->type == OX_T_BYTEA ? OX_T_BYTEA : OX_T_TEXT, s, n);
	return v;
}

static OxValue
op_date_pli (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)
{
	int64_t v = l->v.i + r->v.i;
	if (v < -2451545 || v > 2147483494LL - 2451545)
		ox_raise (OX_ERR_DATETIME_OVERFLOW, 0, "date out of range");
	return ox_int (OX_T_DATE, v);
}
static OxValue
op_int_pl_date (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)
{
	return op_date_pli (x, a, r, l);
}
static OxValue
op_date_mii (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)
{
	OxValue n = ox_int (OX_T_INT4, -r->v.i);
	return op_date_pli (x, a, l, &n);
}
static OxValue
op_date_mi (OxExec *x, OxArena *a, const OxValue *l, const OxValue *r)
{
	return ox_int (OX_T_INT4, l->v.i - r->v.i);
}

OxOpFn
ox_op_lookup (const char *name, OxTypeId l, OxTypeId r, OxTypeId *result)
{
	bool unary = l == OX_T_UNKNOWN;
	OxTypeId t = unary ? r : l;
	bool isint = ox_type_is_integer (t), isflt = t == OX_T_FLOAT4 || t == OX_T_FLOAT8, isnum = t == OX_T_NUMERIC;
	*result = t;
	if (unary) {
		if (!strcmp (name, "-"))
			return isint ? op_int_neg : isflt ? op_flt_neg : isnum ? op_num_neg : NULL;
		if (!strcmp (name, "+"))
			return (isint || isflt || isnum) ? op_ident : NULL;
		if (!strcmp (name, "@"))
			return isint ? op_int_abs : isflt ? op_flt_abs : isnum ? op_num_abs : NULL;
		if (!strcmp (name, "~"))
			return isint ? op_int_not : NULL;
		if (!strcmp (name, "|/")) {
			if (isnum)
				return op_num_sqrt;
			*result = OX_T_FLOAT8;
			return (isint || isflt) ? op_flt_sqrt : NULL;
		}
		return NULL;
	}
	if (!strcmp (name, "=") || !strcmp (name, "<>") || !strcmp (name, "<") || !strcmp (name, "<=") ||
	    !strcmp (name, ">") || !strcmp (name, ">=")) {
		*result = OX_T_BOOL;
		if (l != r && !(ox_type_is_string (l) && ox_type_is_string (r)) && !(isint && ox_type_is_integer (r)))
			return NULL;
		if (l == OX_T_BYTEA && r != OX_T_BYTEA)
			return NULL;
		if (isint || l == OX_T_DATE || l == OX_T_TIMESTAMP || l == OX_T_TIMESTAMPTZ) {
			switch (name[0]) {
			case '=': return op_int_eq;
			case '<': return name[1] == '>' ? op_int_ne : name[1] == '=' ? op_int_le : op_int_lt;
			case '>': return name[1] == '=' ? op_int_ge : op_int_gt;
			}
		}
		switch (name[0]) {
		case '=': return op_eq;
		case '<': return name[1] == '>' ? op_ne : name[1] == '=' ? op_le : op_lt;
		case '>': return name[1] == '=' ? op_ge : op_gt;
		}
		return NULL;
	}
	if (!strcmp (name, "||")) {
		if (l == OX_T_BYTEA && r == OX_T_BYTEA) {
			*result = OX_T_BYTEA;
			return op_concat;
		}
		*result = OX_T_TEXT;
		return op_concat;
	}
	if (l == OX_T_DATE && ox_type_is_integer (r)) {
		*result = OX_T_DATE;
		if (!strcmp (name, "+"))
			return op_date_pli;
		if (!strcmp (name, "-"))
			return op_date_mii;
		return NULL;
	}
	if (ox_type_is_integer (l) && r == OX_T_DATE && !strcmp (name, "+")) {
		*result = OX_T_DATE;
		return op_int_pl_date;
	}
	if (l == OX_T_DATE && r == OX_T_DATE && !strcmp (name, "-")) {
		*result = OX_T_INT4;
		return op_date_mi;
	}
	if (l != r)
		return NULL;
	if (isint) {
		if (!strcmp (name, "+")) return op_int_add;
		if (!strcmp (name, "-")) return op_int_sub;
		if (!strcmp (name, "*")) return op_int_mul;
		if (!strcmp (name, "/")) return op_int_div;
		if (!strcmp (name, "%")) return op_int_mod;
		if (!strcmp (name, "&")) return op_int_and;
		if (!strcmp (name, "|")) return op_int_or;
		if (!strcmp (name, "#")) return op_int_xor;
		if (!strcmp (name, "<<")) return op_int_shl;
		if (!strcmp (name, ">>")) return op_int_shr;
		if (!strcmp (name, "^")) {
			*result = OX_T_FLOAT8;
			return NULL;
		}
	}
	if (isflt) {
		if (!strcmp (name, "+")) return op_flt_add;
		if (!strcmp (name, "-")) return op_flt_sub;
		if (!strcmp (name, "*")) return op_flt_mul;
		if (!strcmp (name, "/")) return op_flt_div;
		if (!strcmp (name, "%")) return NULL;
		if (!strcmp (name, "^") && t == OX_T_FLOAT8) return op_flt_pow;
	}
	if (isnum) {
		if (!strcmp (name, "+")) return op_num_add;
		if (!strcmp (name, "-")) return op_num_sub;
		if (!strcmp (name, "*")) return op_num_mul;
		if (!strcmp (name, "/")) return op_num_div;
		if (!strcmp (name, "%")) return op_num_mod;
		if (!strcmp (name, "^")) return op_num_pow;
	}
	(void) op_flt_mod;
	return NULL;
}

/* ---- LIKE ------------------------------------------------------------------------------- */

/* Match s against a LIKE pattern; '%' any run, '_' one character, esc
 * quotes the next character.  Works on UTF-8 by whole characters.
 * Iterative with backtracking to the last '%', so no recursion depth. */
static bool
like_match (const char *s, const char *se, const char *p, const char *pe, gunichar esc, bool has_esc)
{
	const char *star_p = NULL, *star_s = NULL;
	while (s < se) {
		if (p < pe) {
			gunichar pc = g_utf8_get_char (p);
			const char *pn = g_utf8_next_char (p);
			if (pc == '%' && !(has_esc && false)) {
				while (p < pe && *p == '%')
					p++;
				if (p == pe)
					return true;
				star_p = p;
				star_s = s;
				continue;
			}
			if (has_esc && pc == esc) {
				if (pn >= pe)
					ox_raise (OX_ERR_INVALID_ESCAPE, 0, "LIKE pattern must not end with escape character");
				gunichar lit = g_utf8_get_char (pn);
				if (g_utf8_get_char (s) == lit) {
					p = g_utf8_next_char (pn);
					s = g_utf8_next_char (s);
					continue;
				}
			} else if (pc == '_' || pc == g_utf8_get_char (s)) {
				p = pn;
				s = g_utf8_next_char (s);
				continue;
			}
		}
		if (!star_p)
			return false;
		star_s = g_utf8_next_char (star_s);
		s = star_s;
		p = star_p;
	}
	while (p < pe && *p == '%')
		p++;
	return p == pe;
}

static bool
eval_like (OxExpr *e, const OxValue *v, const OxValue *pat, const OxValue *escv, OxArena *a)
{
	gunichar esc = '\\';
	bool has_esc = true;
	if (escv) {
		if (escv->len == 0)
			has_esc = false;
		else {
			if (g_utf8_strlen (escv->v.str, escv->len) != 1)
				ox_raise (OX_ERR_INVALID_ESCAPE, 0, "invalid escape string");
			esc = g_utf8_get_char (escv->v.str);
		}
	}
	const char *s = v->v.str, *p = pat->v.str;
	size_t sl = v->len, pl = pat->len;
	if (e->ilike) {
		char *ls = g_utf8_strdown (s, (gssize) sl), *lp = g_utf8_strdown (p, (gssize) pl);
		bool r = like_match (ls, ls + strlen (ls), lp, lp + strlen (lp), esc, has_esc);
		g_free (ls);
		g_free (lp);
		return r;
	}
	return like_match (s, s + sl, p, p + pl, esc, has_esc);
}

/* ---- evaluation ------------------------------------------------------------------------- */

static OxValue eval_sublink (OxExpr *e, OxExec *x, const OxValue *row, OxArena *a);

static inline bool
truthy (const OxValue *v)
{
	return !v->null && v->v.b;
}

OxValue ox_eval (OxExpr *e, OxExec *x, const OxValue *row, OxArena *a);

/* An operand: the leaves every expression is made of (constants, input
 * columns, parameters of the right type) without a call of ox_eval, whose
 * big frame costs more than the leaf itself.  In a PL/SQL loop's "s := s +
 * i" this halves the instructions spent evaluating. */
static inline OxValue
eval_arg (OxExpr *e, OxExec *x, const OxValue *row, OxArena *a)
{
	switch (e->kind) {
	case OX_E_CONST:
		return e->cval;
	case OX_E_SLOT:
		return row[e->slot];
	case OX_E_PARAM:
		if (e->paramno <= x->nparams) {
			OxValue v = x->params[e->paramno - 1];
			if (v.type == e->type.id && v.flags != OX_VALUE_UNBOUND)
				return v;
		}
		break;
	case OX_E_CAST:
		/* integer widening (int4 -> int8 ...): no conversion work at all */
		if (ox_type_is_integer ((OxTypeId) e->type.id) && e->args[0]->kind != OX_E_CAST) {
			OxValue v = eval_arg (e->args[0], x, row, a);
			if (v.null)
				return ox_null ((OxTypeId) e->type.id);
			if (ox_type_is_integer ((OxTypeId) v.type) &&
			    (e->type.id == OX_T_INT8 || (e->type.id == OX_T_INT4 && v.type == OX_T_INT2))) {
				v.type = (uint8_t) e->type.id;
				return v;
			}
			return ox_value_cast (a, &x->cx, &v, e->type, e->explicit_cast);
		}
		break;
	default:
		break;
	}
	return ox_eval (e, x, row, a);
}

/* PostgreSQL's text form of a row value: (1,abc,"a b",) */
static OxValue
row_text (OxExec *x, OxArena *a, const OxValue *vals, int n)
{
	GString *g = g_string_new ("(");
	for (int i = 0; i < n; i++) {
		if (i)
			g_string_append_c (g, ',');
		if (vals[i].null)
			continue;
		const char *t = ox_value_out (a, &x->cx, &vals[i], NULL);
		bool quote = !*t;
		for (const char *p = t; *p && !quote; p++)
			if (*p == ',' || *p == '(' || *p == ')' || *p == '"' || *p == '\\' || g_ascii_isspace (*p))
				quote = true;
		if (!quote) {
			g_string_append (g, t);
			continue;
		}
		g_string_append_c (g, '"');
		for (const char *p = t; *p; p++) {
			if (*p == '"' || *p == '\\')
				g_string_append_c (g, *p);
			g_string_append_c (g, *p);
		}
		g_string_append_c (g, '"');
	}
	g_string_append_c (g, ')');
	char *txt = ox_arena_strdup (a, g->str);
	size_t len = g->len;
	g_string_free (g, TRUE);
	return ox_text (OX_T_TEXT, txt, len);
}

/* A call of a stored function (not set-returning: those are FROM items). */
static OxValue
ox_eval_routine (OxExpr *e, OxExec *x, const OxValue *row, OxArena *a)
{
	OxRoutine *r = e->routine;
	OxValue *args = OX_NEW_N (a, OxValue, r->nargs > 0 ? r->nargs : 1);
	for (int i = 0; i < r->nargs; i++) {
		OxValue v = ox_eval (e->args[i], x, row, a);
		args[i] = v.type == r->args[i].type.id || v.null ? v : ox_value_cast (a, &x->cx, &v, r->args[i].type, false);
		if (args[i].null)
			args[i].type = (uint8_t) r->args[i].type.id;
	}
	OxPlCall c = { .session = x->session, .routine = r, .args = args, .arena = a };
	if (r->retkind == OX_RET_RECORD) {
		c.out = OX_NEW_N (a, OxValue, r->nresult);
		for (int i = 0; i < r->nresult; i++)
			c.out[i] = ox_null (r->result_types[i].id);
	}
	ox_routine_call (&c);
	switch (r->retkind) {
	case OX_RET_VALUE:
		return c.result;
	case OX_RET_RECORD: {
		if (r->nresult == 1)
			return c.out[0];  /* one OUT argument: its value, as in PostgreSQL */
		/* STRICT on a NULL argument: the whole row is NULL */
		bool all_null = true;
		for (int i = 0; i < r->nresult; i++)
			if (!c.out[i].null)
				all_null = false;
		if (all_null && r->strict)
			return ox_null (OX_T_TEXT);
		return row_text (x, a, c.out, r->nresult);
	}
	default:
		return ox_null (OX_T_TEXT);  /* void: clients see NULL, as from PostgreSQL */
	}
}

static OxValue eval_node (OxExpr *e, OxExec *x, const OxValue *row, OxArena *a);

/* The nodes a WHERE clause or an aggregate's argument is mostly made of
 * (binary operators over leaves, AND, OR), evaluated in a function with a
 * small frame; everything else goes to eval_node, whose frame (OX_TRY, the
 * argument array of a function call) cost more than these nodes' own work:
 * in TPC-H Q6's WHERE clause ox_eval spent about 80 instructions a call on
 * itself. */
OxValue
ox_eval (OxExpr *e, OxExec *x, const OxValue *row, OxArena *a)
{
	switch (e->kind) {
	case OX_E_CONST:
		return e->cval;
	case OX_E_SLOT:
		return row[e->slot];
	case OX_E_OP:
		if (e->nargs == 2) {
			OxValue l = eval_arg (e->args[0], x, row, a);
			if (l.null)
				return ox_null ((OxTypeId) e->type.id);
			OxValue r = eval_arg (e->args[1], x, row, a);
			if (r.null)
				return ox_null ((OxTypeId) e->type.id);
			return e->op (x, a, &l, &r);
		}
		break;
	case OX_E_AND: {
		bool saw_null = false;
		for (int i = 0; i < e->nargs; i++) {
			OxValue v = ox_eval (e->args[i], x, row, a);
			if (v.null)
				saw_null = true;
			else if (!v.v.b)
				return ox_bool (false);
		}
		return saw_null ? ox_null (OX_T_BOOL) : ox_bool (true);
	}
	case OX_E_OR: {
		bool saw_null = false;
		for (int i = 0; i < e->nargs; i++) {
			OxValue v = ox_eval (e->args[i], x, row, a);
			if (v.null)
				saw_null = true;
			else if (v.v.b)
				return ox_bool (true);
		}
		return saw_null ? ox_null (OX_T_BOOL) : ox_bool (false);
	}
	default:
		break;
	}
	return eval_node (e, x, row, a);
}

static __attribute__ ((noinline)) OxValue
eval_node (OxExpr *e, OxExec *x, const OxValue *row, OxArena *a)
{
	switch (e->kind) {
	case OX_E_CONST:
		return e->cval;
	case OX_E_SLOT:
		return row[e->slot];
	case OX_E_PARAM: {
		if (e->paramno > x->nparams)
			ox_raise ("08P01", 0, "there is no parameter $%d", e->paramno);
		OxValue v = x->params[e->paramno - 1];
		if (v.flags == OX_VALUE_UNBOUND)
			ox_raise ("08P01", 0, "no value was bound to parameter $%d", e->paramno);
		if (v.type != e->type.id && !(v.null && e->type.id == OX_T_UNKNOWN))
			v = ox_value_cast (a, &x->cx, &v, e->type, false);
		return v;
	}
	case OX_E_OUTER:
		return x->xparams[e->paramno];
	case OX_E_OP: {
		if (e->nargs == 1) {
			OxValue r = ox_eval (e->args[0], x, row, a);
			if (r.null)
				return ox_null ((OxTypeId) e->type.id);
			OxValue res;
			OX_TRY {
				res = e->op (x, a, NULL, &r);
			} OX_CATCH {
				OxErrorData *ed = ox_error_current ();
				if (!ed->position && e->loc >= 0 && x->in_dml == false)
					ed->position = 0;
				ox_error_rethrow_current ();
			} OX_END_TRY;
			return res;
		}
		OxValue l = eval_arg (e->args[0], x, row, a);
		if (l.null)
			return ox_null ((OxTypeId) e->type.id);
		OxValue r = eval_arg (e->args[1], x, row, a);
		if (r.null)
			return ox_null ((OxTypeId) e->type.id);
		return e->op (x, a, &l, &r);
	}
	case OX_E_FUNC: {
		OxValue args[16];
		for (int i = 0; i < e->nargs; i++) {
			args[i] = eval_arg (e->args[i], x, row, a);
			if (args[i].null && e->fn->strict)
				return ox_null ((OxTypeId) e->type.id);
		}
		OxValue res = ox_null ((OxTypeId) e->type.id);
		OxFuncCtx fc = { .arena = a, .cx = &x->cx, .x = x };
		e->fn->fn (&fc, e->nargs, args, &res);
		return res;
	}
	case OX_E_UFUNC:
		return ox_eval_routine (e, x, row, a);
	case OX_E_AND: {
		bool saw_null = false;
		for (int i = 0; i < e->nargs; i++) {
			OxValue v = ox_eval (e->args[i], x, row, a);
			if (v.null)
				saw_null = true;
			else if (!v.v.b)
				return ox_bool (false);
		}
		return saw_null ? ox_null (OX_T_BOOL) : ox_bool (true);
	}
	case OX_E_OR: {
		bool saw_null = false;
		for (int i = 0; i < e->nargs; i++) {
			OxValue v = ox_eval (e->args[i], x, row, a);
			if (v.null)
				saw_null = true;
			else if (v.v.b)
				return ox_bool (true);
		}
		return saw_null ? ox_null (OX_T_BOOL) : ox_bool (false);
	}
	case OX_E_NOT: {
		OxValue v = ox_eval (e->args[0], x, row, a);
		if (v.null)
			return v;
		return ox_bool (!v.v.b);
	}
	case OX_E_CASE: {
		int nw = (e->nargs - (e->has_else ? 1 : 0)) / 2;
		for (int i = 0; i < nw; i++) {
			OxValue c = ox_eval (e->args[2 * i], x, row, a);
			if (truthy (&c))
				return ox_eval (e->args[2 * i + 1], x, row, a);
		}
		if (e->has_else)
			return ox_eval (e->args[e->nargs - 1], x, row, a);
		return ox_null ((OxTypeId) e->type.id);
	}
	case OX_E_COALESCE:
		for (int i = 0; i < e->nargs; i++) {
			OxValue v = ox_eval (e->args[i], x, row, a);
			if (!v.null)
				return v;
		}
		return ox_null ((OxTypeId) e->type.id);
	case OX_E_NULLIF: {
		OxValue l = ox_eval (e->args[0], x, row, a);
		OxValue r = ox_eval (e->args[1], x, row, a);
		if (!l.null && !r.null && e->op (x, a, &l, &r).v.b)
			return ox_null ((OxTypeId) e->type.id);
		return l;
	}
	case OX_E_GREATEST:
	case OX_E_LEAST: {
		OxValue best = ox_null ((OxTypeId) e->type.id);
		for (int i = 0; i < e->nargs; i++) {
			OxValue v = ox_eval (e->args[i], x, row, a);
			if (v.null)
				continue;
			if (best.null)
				best = v;
			else {
				int c = ox_value_cmp (&v, &best);
				if ((e->kind == OX_E_GREATEST && c > 0) || (e->kind == OX_E_LEAST && c < 0))
					best = v;
			}
		}
		return best;
	}
	case OX_E_NULLTEST: {
		OxValue v = ox_eval (e->args[0], x, row, a);
		return ox_bool (v.null != e->is_not);
	}
	case OX_E_BOOLTEST: {
		OxValue v = ox_eval (e->args[0], x, row, a);
		switch (e->btkind) {
		case OX_BT_TRUE: return ox_bool (!v.null && v.v.b);
		case OX_BT_NOT_TRUE: return ox_bool (v.null || !v.v.b);
		case OX_BT_FALSE: return ox_bool (!v.null && !v.v.b);
		case OX_BT_NOT_FALSE: return ox_bool (v.null || v.v.b);
		case OX_BT_UNKNOWN: return ox_bool (v.null);
		case OX_BT_NOT_UNKNOWN: return ox_bool (!v.null);
		}
		return ox_null (OX_T_BOOL);
	}
	case OX_E_CAST: {
		OxValue v = eval_arg (e->args[0], x, row, a);
		if (v.null)
			return ox_null ((OxTypeId) e->type.id);
		return ox_value_cast (a, &x->cx, &v, e->type, e->explicit_cast);
	}
	case OX_E_SUBLINK:
		return eval_sublink (e, x, row, a);
	case OX_E_INLIST: {
		OxValue v = ox_eval (e->args[0], x, row, a);
		if (v.null)
			return ox_null (OX_T_BOOL);
		bool saw_null = false;
		for (int i = 1; i < e->nargs; i++) {
			OxValue w = ox_eval (e->args[i], x, row, a);
			if (w.null) {
				saw_null = true;
				continue;
			}
			if (e->op (x, a, &v, &w).v.b)
				return ox_bool (!e->is_not);
		}
		return saw_null ? ox_null (OX_T_BOOL) : ox_bool (e->is_not);
	}
	case OX_E_LIKE: {
		OxValue v = ox_eval (e->args[0], x, row, a);
		OxValue p = ox_eval (e->args[1], x, row, a);
		OxValue esc = { .null = 0 };
		if (e->nargs > 2) {
			esc = ox_eval (e->args[2], x, row, a);
			if (esc.null)
				return ox_null (OX_T_BOOL);
		}
		if (v.null || p.null)
			return ox_null (OX_T_BOOL);
		bool m = eval_like (e, &v, &p, e->nargs > 2 ? &esc : NULL, a);
		return ox_bool (m != e->is_not);
	}
	case OX_E_DISTINCT: {
		OxValue l = ox_eval (e->args[0], x, row, a);
		OxValue r = ox_eval (e->args[1], x, row, a);
		bool same;
		if (l.null || r.null)
			same = l.null && r.null;
		else
			same = e->op (x, a, &l, &r).v.b;
		return ox_bool (e->is_not ? same : !same);
	}
	case OX_E_TYPEOF: {
		OxExpr *arg = e->args[0];
		(void) ox_eval (arg, x, row, a);  /* errors and side effects happen, as in PG */
		const char *n = ox_type_name ((OxTypeId) arg->type.id);
		return ox_text (OX_T_TEXT, n, strlen (n));
	}
	case OX_E_VAR:
	case OX_E_AGG:
		OX_INTERNAL ("unplanned expression node %d", e->kind);
	}
	OX_INTERNAL ("unknown expression node %d", e->kind);
}

bool
ox_eval_qual (OxExpr *e, OxExec *x, const OxValue *row, OxArena *a)
{
	if (!e)
		return true;
	OxValue v = ox_eval (e, x, row, a);
	return !v.null && v.v.b;
}

/* ---- compiled scan filters ---------------------------------------------------------- */

typedef enum { QT_EXPR, QT_INT, QT_VALUE } QualTermKind;
typedef enum { QR_EQ, QR_NE, QR_LT, QR_LE, QR_GT, QR_GE } QualRel;

typedef struct QualTerm {
	QualTermKind kind;
	QualRel      rel;
	int          lslot, rslot;  /* input column, or -1 for the constant */
	OxValue      lconst, rconst;
	OxExpr      *expr;          /* QT_EXPR: evaluated by ox_eval */
} QualTerm;

struct OxQual {
	int       n;
	bool      uses_arena;
	QualTerm *terms;
};

/* The comparison an operator function makes, if it is one of ours: the
 * integer ones compare v.i (integers, dates, timestamps), the others
 * ox_value_cmp. */
static bool
qual_rel_of (OxOpFn f, QualTermKind *kind, QualRel *rel)
{
	static const struct { OxOpFn f; QualTermKind k; QualRel r; } ops[] = {
		{ op_int_eq, QT_INT, QR_EQ }, { op_int_ne, QT_INT, QR_NE }, { op_int_lt, QT_INT, QR_LT },
		{ op_int_le, QT_INT, QR_LE }, { op_int_gt, QT_INT, QR_GT }, { op_int_ge, QT_INT, QR_GE },
		{ op_eq, QT_VALUE, QR_EQ }, { op_ne, QT_VALUE, QR_NE }, { op_lt, QT_VALUE, QR_LT },
		{ op_le, QT_VALUE, QR_LE }, { op_gt, QT_VALUE, QR_GT }, { op_ge, QT_VALUE, QR_GE },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (ops); i++)
		if (ops[i].f == f) {
			*kind = ops[i].k;
			*rel = ops[i].r;
			return true;
		}
	return false;
}

static bool
qual_leaf (OxExpr *e, int *slot, OxValue *cval)
{
	if (e->kind == OX_E_SLOT) {
		*slot = e->slot;
		return true;
	}
	if (e->kind == OX_E_CONST) {
		*slot = -1;
		*cval = e->cval;
		return true;
	}
	return false;
}

OxQual *
ox_qual_compile (OxExpr *e, OxArena *a)
{
	if (!e)
		return NULL;
	OxQual *q = OX_NEW (a, OxQual);
	OxExpr **conj = e->kind == OX_E_AND ? e->args : &e;
	q->n = e->kind == OX_E_AND ? e->nargs : 1;
	q->terms = OX_NEW_N (a, QualTerm, q->n > 0 ? q->n : 1);
	for (int i = 0; i < q->n; i++) {
		OxExpr *c = conj[i];
		QualTerm *t = &q->terms[i];
		t->expr = c;
		t->kind = QT_EXPR;
		if (c->kind == OX_E_OP && c->nargs == 2 && qual_rel_of (c->op, &t->kind, &t->rel) &&
		    qual_leaf (c->args[0], &t->lslot, &t->lconst) && qual_leaf (c->args[1], &t->rslot, &t->rconst)) {
			if (t->lslot < 0 && t->lconst.null)
				t->kind = QT_EXPR;  /* constant NULL: leave it to ox_eval */
			if (t->rslot < 0 && t->rconst.null)
				t->kind = QT_EXPR;
		} else
			t->kind = QT_EXPR;
		if (t->kind == QT_EXPR)
			q->uses_arena = true;
	}
	return q;
}

/* Filter a batch: sel[0..n) (indexes into rows) keeps the rows for which
 * every conjunct is true; returns how many.  Only for a clause with no
 * conjunct left to ox_eval (!ox_qual_uses_arena): comparisons raise no
 * errors, so a row can be dropped at its first NULL or false conjunct
 * without changing anything but the work done.  Each conjunct runs over
 * the whole batch in a loop of its own (column at a time). */
int
ox_qual_select (const OxQual *q, const OxValue *const *rows, int n, int *sel)
{
	for (int t = 0; t < q->n && n > 0; t++) {
		const QualTerm *qt = &q->terms[t];
		int m = 0;
		if (qt->kind == QT_INT && qt->lslot >= 0 && qt->rslot < 0) {
			const int col = qt->lslot;
			const int64_t b = qt->rconst.v.i;
#define QUAL_INT_LOOP(OP)                                                   \
			for (int k = 0; k < n; k++) {                       \
				const OxValue *v = &rows[sel[k]][col];      \
				if (!v->null && v->v.i OP b)                \
					sel[m++] = sel[k];                  \
			}                                                   \
			break;
			switch (qt->rel) {
			case QR_EQ: QUAL_INT_LOOP (==)
			case QR_NE: QUAL_INT_LOOP (!=)
			case QR_LT: QUAL_INT_LOOP (<)
			case QR_LE: QUAL_INT_LOOP (<=)
			case QR_GT: QUAL_INT_LOOP (>)
			case QR_GE: QUAL_INT_LOOP (>=)
			}
#undef QUAL_INT_LOOP
		} else {
			for (int k = 0; k < n; k++) {
				const OxValue *row = rows[sel[k]];
				const OxValue *l = qt->lslot >= 0 ? &row[qt->lslot] : &qt->lconst;
				const OxValue *r = qt->rslot >= 0 ? &row[qt->rslot] : &qt->rconst;
				if (l->null || r->null)
					continue;
				int c = qt->kind == QT_INT ? (l->v.i > r->v.i) - (l->v.i < r->v.i) : ox_value_cmp (l, r);
				bool ok;
				switch (qt->rel) {
				case QR_EQ: ok = c == 0; break;
				case QR_NE: ok = c != 0; break;
				case QR_LT: ok = c < 0; break;
				case QR_LE: ok = c <= 0; break;
				case QR_GT: ok = c > 0; break;
				default: ok = c >= 0; break;
				}
				if (ok)
					sel[m++] = sel[k];
			}
		}
		n = m;
	}
	return n;
}

/* The conjuncts the table's column vectors can pre-filter (table.h):
 * a column compared with a constant, by an integer comparison (integers,
 * dates, timestamps: OX_COLVEC_INT) or by ox_value_cmp of two numerics
 * whose constant has an exact × 10^8 form (OX_COLVEC_FIX).  Constant on
 * the left: the relation is mirrored. */
OxColTerm *
ox_qual_col_terms (const OxQual *q, OxArena *a, int *n)
{
	*n = 0;
	if (!q || q->n == 0)
		return NULL;
	OxColTerm *out = OX_NEW_N (a, OxColTerm, q->n);
	static const int rel_of[] = {
		[QR_EQ] = OX_COLREL_EQ, [QR_NE] = OX_COLREL_NE, [QR_LT] = OX_COLREL_LT,
		[QR_LE] = OX_COLREL_LE, [QR_GT] = OX_COLREL_GT, [QR_GE] = OX_COLREL_GE,
	};
	static const int mirror[] = {
		[QR_EQ] = OX_COLREL_EQ, [QR_NE] = OX_COLREL_NE, [QR_LT] = OX_COLREL_GT,
		[QR_LE] = OX_COLREL_GE, [QR_GT] = OX_COLREL_LT, [QR_GE] = OX_COLREL_LE,
	};
	for (int i = 0; i < q->n; i++) {
		const QualTerm *t = &q->terms[i];
		if (t->kind == QT_EXPR || (t->lslot >= 0) == (t->rslot >= 0))
			continue;  /* not column-against-constant */
		bool left = t->lslot >= 0;
		const OxValue *k = left ? &t->rconst : &t->lconst;
		OxColTerm *ct = &out[*n];
		ct->col = left ? t->lslot : t->rslot;
		ct->rel = left ? rel_of[t->rel] : mirror[t->rel];
		if (t->kind == QT_INT) {
			ct->kind = OX_COLVEC_INT;
			ct->c = k->v.i;
		} else if (k->type == OX_T_NUMERIC && ox_colvec_fix_of (k, &ct->c))
			ct->kind = OX_COLVEC_FIX;
		else
			continue;
		(*n)++;
	}
	return *n > 0 ? out : NULL;
}

bool
ox_qual_uses_arena (const OxQual *q)
{
	return q && q->uses_arena;
}

bool
ox_qual_eval (const OxQual *q, OxExec *x, const OxValue *row, OxArena *a)
{
	if (!q)
		return true;
	/* as OX_E_AND: false ends it, NULL is remembered and the rest still
	 * evaluated (their errors are raised as ox_eval would) */
	bool saw_null = false;
	for (int i = 0; i < q->n; i++) {
		const QualTerm *t = &q->terms[i];
		if (t->kind == QT_EXPR) {
			OxValue v = ox_eval (t->expr, x, row, a);
			if (v.null)
				saw_null = true;
			else if (!v.v.b)
				return false;
			continue;
		}
		const OxValue *l = t->lslot >= 0 ? &row[t->lslot] : &t->lconst;
		const OxValue *r = t->rslot >= 0 ? &row[t->rslot] : &t->rconst;
		if (l->null || r->null) {
			saw_null = true;
			continue;
		}
		int c;
		if (t->kind == QT_INT)
			c = (l->v.i > r->v.i) - (l->v.i < r->v.i);
		else
			c = ox_value_cmp (l, r);
		bool ok;
		switch (t->rel) {
		case QR_EQ: ok = c == 0; break;
		case QR_NE: ok = c != 0; break;
		case QR_LT: ok = c < 0; break;
		case QR_LE: ok = c <= 0; break;
		case QR_GT: ok = c > 0; break;
		default: ok = c >= 0; break;
		}
		if (!ok)
			return false;
	}
	return !saw_null;
}

/* Run a subplan with its parameters set from the current row. */
static void
subplan_bind (OxSubPlan *sp, OxExec *x, const OxValue *row, OxArena *a)
{
	for (int i = 0; i < sp->nparams; i++) {
		OxValue v = ox_eval (sp->args[i], x, row, a);
		x->xparams[sp->paramids[i]] = ox_value_copy (a, &v);
	}
}

static OxValue
eval_sublink (OxExpr *e, OxExec *x, const OxValue *row, OxArena *a)
{
	OxSubPlan *sp = e->subplan;
	OxOp *op = sp->plan;
	if (!sp->correlated && sp->cached && e->sublink_kind != OX_SUBLINK_ANY && e->sublink_kind != OX_SUBLINK_ALL)
		return sp->cache_val;
	subplan_bind (sp, x, row, a);
	ox_exec_check_cancel (x);
	OxValue result;
	if (!sp->arena)
		sp->arena = ox_arena_new ();
	if (!sp->opened) {
		op->open (op, x);
		sp->opened = true;
	} else
		op->rescan (op, x);
	switch (e->sublink_kind) {
	case OX_SUBLINK_EXISTS: {
		OxValue *r = op->next (op, x);
		result = ox_bool (r != NULL);
		break;
	}
	case OX_SUBLINK_EXPR:
	case OX_SUBLINK_ARRAY: {
		OxValue *r;
		if (e->sublink_kind == OX_SUBLINK_ARRAY) {
			/* the rows as an array literal, each value in its type's
			 * output format (text-arrays.c) */
			GString *g = g_string_new ("{");
			while ((r = op->next (op, x)) != NULL) {
				size_t len = 0;
				const char *s = r[0].null ? NULL : ox_value_out (a, &x->cx, &r[0], &len);
				if (g->len > 1)
					g_string_append_c (g, ',');
				ox_text_array_append (g, s, len);
			}
			g_string_append_c (g, '}');
			result = ox_text (OX_T_TEXT, ox_arena_strndup (a, g->str, g->len), g->len);
			g_string_free (g, TRUE);
		} else if (!(r = op->next (op, x)))
			result = ox_null ((OxTypeId) e->type.id);
		else {
			result = r[0];
			if (op->next (op, x))
				ox_raise (OX_ERR_CARDINALITY, 0, "more than one row returned by a subquery used as an expression");
		}
		if (!sp->correlated) {
			ox_arena_reset (sp->arena);
			sp->cache_val = ox_value_copy (sp->arena, &result);
			sp->cached = true;
			return sp->cache_val;
		}
		result = ox_value_copy (a, &result);
		break;
	}
	default: {
		OxValue test = ox_eval (e->args[0], x, row, a);
		bool any = e->sublink_kind == OX_SUBLINK_ANY;
		bool saw_null = false, decided = false, answer = !any;
		OxValue *r;
		while ((r = op->next (op, x)) != NULL) {
			if (test.null || r[0].null) {
				saw_null = true;
				continue;
			}
			bool c = e->sub_cmp (x, a, &test, &r[0]).v.b;
			if (any && c) {
				answer = true;
				decided = true;
				break;
			}
			if (!any && !c) {
				answer = false;
				decided = true;
				break;
			}
		}
		if (!decided && saw_null)
			result = ox_null (OX_T_BOOL);
		else
			result = ox_bool (answer);
		if (test.null && !decided) {
			/* NULL op ANY(empty) is false; NULL op ALL(empty) is true */
			result = saw_null || op->rows_out ? ox_null (OX_T_BOOL) : ox_bool (!any);
		}
		break;
	}
	}
	return result;
}

/* ---- deparse ------------------------------------------------------------------------------- */

static void deparse (GString *s, OxArena *a, OxExpr *e, OxQuery *q);

static void
deparse_args (GString *s, OxArena *a, OxExpr *e, OxQuery *q, int from, const char *sep)
{
	for (int i = from; i < e->nargs; i++) {
		if (i > from)
			g_string_append (s, sep);
		deparse (s, a, e->args[i], q);
	}
}

static void
deparse (GString *s, OxArena *a, OxExpr *e, OxQuery *q)
{
	if (!e) {
		g_string_append (s, "true");
		return;
	}
	switch (e->kind) {
	case OX_E_CONST:
		if (e->cval.null)
			g_string_append (s, "NULL");
		else if (e->cval.type == OX_T_BOOL)
			g_string_append (s, e->cval.v.b ? "true" : "false");
		else {
			OxCastCtx cx = { .tz = ox_timezone_utc (), .now = 0 };
			const char *t = ox_value_out (a, &cx, &e->cval, NULL);
			if (ox_type_is_string ((OxTypeId) e->cval.type) || ox_type_is_datetime ((OxTypeId) e->cval.type) ||
			    e->cval.type == OX_T_BYTEA) {
				g_string_append_c (s, '\'');
				for (const char *p = t; *p; p++) {
					if (*p == '\'')
						g_string_append_c (s, '\'');
					g_string_append_c (s, *p);
				}
				g_string_append_c (s, '\'');
				if (e->cval.type != OX_T_UNKNOWN && e->cval.type != OX_T_TEXT)
					g_string_append_printf (s, "::%s", ox_type_name ((OxTypeId) e->cval.type));
			} else
				g_string_append (s, t);
		}
		break;
	case OX_E_VAR:
		if (q && e->levelsup == 0 && e->rt < (int) q->rtable->len) {
			OxRte *r = q->rtable->pdata[e->rt];
			g_string_append_printf (s, "%s.%s", r->alias ? r->alias : r->relname,
			                        e->col < r->ncols ? r->colnames[e->col] : "ctid");
		} else
			g_string_append_printf (s, "$var%d_%d", e->rt, e->col);
		break;
	case OX_E_SLOT:
		if (e->dname)
			g_string_append (s, e->dname);
		else
			g_string_append_printf (s, "$%d", e->slot + 1);
		break;
	case OX_E_PARAM:
		g_string_append_printf (s, "$%d", e->paramno);
		break;
	case OX_E_OUTER:
		g_string_append_printf (s, "$outer%d", e->paramno);
		break;
	case OX_E_OP:
		g_string_append_c (s, '(');
		if (e->nargs == 1) {
			g_string_append (s, e->opname);
			deparse (s, a, e->args[0], q);
		} else {
			deparse (s, a, e->args[0], q);
			g_string_append_printf (s, " %s ", e->opname);
			deparse (s, a, e->args[1], q);
		}
		g_string_append_c (s, ')');
		break;
	case OX_E_FUNC:
		/* the array syntax the parser spells as functions (text-arrays.c) */
		if (!strcmp (e->fn->name, "{}")) {
			g_string_append (s, "ARRAY[");
			deparse_args (s, a, e, q, 0, ", ");
			g_string_append_c (s, ']');
		} else if (!strcmp (e->fn->name, "[]")) {
			g_string_append_c (s, '(');
			deparse (s, a, e->args[0], q);
			g_string_append (s, ")[");
			deparse (s, a, e->args[1], q);
			g_string_append_c (s, ']');
		} else if (!strcmp (e->fn->name, "=any")) {
			g_string_append_c (s, '(');
			deparse (s, a, e->args[0], q);
			g_string_append (s, " = ANY (");
			deparse (s, a, e->args[1], q);
			g_string_append (s, "))");
		} else {
			g_string_append_printf (s, "%s(", e->fn->name);
			deparse_args (s, a, e, q, 0, ", ");
			g_string_append_c (s, ')');
		}
		break;
	case OX_E_AGG:
		if (q && q->aggs && e->aggno < (int) q->aggs->len) {
			OxAggref *ag = q->aggs->pdata[e->aggno];
			if (ag->kind == OX_AGG_COUNT_STAR)
				g_string_append (s, "count(*)");
			else {
				g_string_append_printf (s, "%s(%s", ag->name, ag->distinct ? "DISTINCT " : "");
				deparse (s, a, ag->arg, q);
				g_string_append_c (s, ')');
			}
		} else
			g_string_append_printf (s, "agg%d", e->aggno);
		break;
	case OX_E_AND:
	case OX_E_OR:
		g_string_append_c (s, '(');
		deparse_args (s, a, e, q, 0, e->kind == OX_E_AND ? " AND " : " OR ");
		g_string_append_c (s, ')');
		break;
	case OX_E_NOT:
		g_string_append (s, "(NOT ");
		deparse (s, a, e->args[0], q);
		g_string_append_c (s, ')');
		break;
	case OX_E_CASE: {
		g_string_append (s, "CASE");
		int nw = (e->nargs - (e->has_else ? 1 : 0)) / 2;
		for (int i = 0; i < nw; i++) {
			g_string_append (s, " WHEN ");
			deparse (s, a, e->args[2 * i], q);
			g_string_append (s, " THEN ");
			deparse (s, a, e->args[2 * i + 1], q);
		}
		if (e->has_else) {
			g_string_append (s, " ELSE ");
			deparse (s, a, e->args[e->nargs - 1], q);
		}
		g_string_append (s, " END");
		break;
	}
	case OX_E_COALESCE:
	case OX_E_GREATEST:
	case OX_E_LEAST:
	case OX_E_NULLIF:
		g_string_append (s, e->kind == OX_E_COALESCE ? "COALESCE(" : e->kind == OX_E_GREATEST ? "GREATEST(" :
		                    e->kind == OX_E_LEAST ? "LEAST(" : "NULLIF(");
		deparse_args (s, a, e, q, 0, ", ");
		g_string_append_c (s, ')');
		break;
	case OX_E_NULLTEST:
		g_string_append_c (s, '(');
		deparse (s, a, e->args[0], q);
		g_string_append (s, e->is_not ? " IS NOT NULL)" : " IS NULL)");
		break;
	case OX_E_BOOLTEST: {
		static const char *const n[] = { " IS TRUE", " IS NOT TRUE", " IS FALSE", " IS NOT FALSE", " IS UNKNOWN",
		                                 " IS NOT UNKNOWN" };
		g_string_append_c (s, '(');
		deparse (s, a, e->args[0], q);
		g_string_append (s, n[e->btkind]);
		g_string_append_c (s, ')');
		break;
	}
	case OX_E_CAST:
		g_string_append_c (s, '(');
		deparse (s, a, e->args[0], q);
		g_string_append_printf (s, ")::%s", ox_type_format (a, e->type));
		break;
	case OX_E_SUBLINK:
		if (e->sublink_kind == OX_SUBLINK_EXISTS)
			g_string_append (s, "EXISTS(");
		else if (e->sublink_kind == OX_SUBLINK_ARRAY)
			g_string_append (s, "ARRAY(");
		else if (e->sublink_kind != OX_SUBLINK_EXPR) {
			g_string_append_c (s, '(');
			deparse (s, a, e->args[0], q);
			g_string_append_printf (s, " %s %s (", e->sub_opname, e->sublink_kind == OX_SUBLINK_ANY ? "ANY" : "ALL");
		} else
			g_string_append_c (s, '(');
		if (e->subplan)
			g_string_append_printf (s, "SubPlan %d", e->subplan->id);
		else
			g_string_append (s, "subquery");
		g_string_append_c (s, ')');
		if (e->sublink_kind == OX_SUBLINK_ANY || e->sublink_kind == OX_SUBLINK_ALL)
			g_string_append_c (s, ')');
		break;
	case OX_E_INLIST:
		g_string_append_c (s, '(');
		deparse (s, a, e->args[0], q);
		g_string_append (s, e->is_not ? " NOT IN (" : " IN (");
		deparse_args (s, a, e, q, 1, ", ");
		g_string_append (s, "))");
		break;
	case OX_E_LIKE:
		g_string_append_c (s, '(');
		deparse (s, a, e->args[0], q);
		g_string_append_printf (s, " %s%s ", e->is_not ? "NOT " : "", e->ilike ? "ILIKE" : "LIKE");
		deparse (s, a, e->args[1], q);
		g_string_append_c (s, ')');
		break;
	case OX_E_DISTINCT:
		g_string_append_c (s, '(');
		deparse (s, a, e->args[0], q);
		g_string_append (s, e->is_not ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ");
		deparse (s, a, e->args[1], q);
		g_string_append_c (s, ')');
		break;
	case OX_E_UFUNC:
		g_string_append_printf (s, "%s(", e->routine->obj.name);
		{
			bool first = true;
			for (int i = 0; i < e->nargs; i++) {
				OxArgMode m = e->routine->args[i].mode;
				if (m == OX_ARG_OUT || m == OX_ARG_TABLE)
					continue;
				if (!first)
					g_string_append (s, ", ");
				first = false;
				deparse (s, a, e->args[i], q);
			}
		}
		g_string_append_c (s, ')');
		break;
	case OX_E_TYPEOF:
		g_string_append (s, "pg_typeof(");
		deparse (s, a, e->args[0], q);
		g_string_append_c (s, ')');
		break;
	}
}

char *
ox_expr_deparse (OxArena *a, OxExpr *e, OxQuery *q)
{
	GString *s = g_string_new (NULL);
	deparse (s, a, e, q);
	char *r = ox_arena_strdup (a, s->str);
	g_string_free (s, TRUE);
	return r;
}

/* ---- row helpers --------------------------------------------------------------------------- */

int
ox_sort_cmp (const OxValue *a, const OxValue *b, bool desc, bool nulls_first)
{
	if (a->null || b->null) {
		if (a->null && b->null)
			return 0;
		return (a->null ? -1 : 1) * (nulls_first ? 1 : -1);
	}
	int c = ox_value_cmp (a, b);
	return desc ? -c : c;
}

uint32_t
ox_row_hash (const OxValue *row, const int *cols, int n)
{
	uint32_t h = 0x9e3779b9u;
	for (int i = 0; i < n; i++) {
		const OxValue *v = &row[cols ? cols[i] : i];
		uint32_t k = v->null ? 0x5bd1e995u : ox_value_hash (v);
		h ^= k + 0x9e3779b9u + (h << 6) + (h >> 2);
	}
	return h;
}

bool
ox_row_equal (const OxValue *a, const OxValue *b, const int *cols, int n)
{
	for (int i = 0; i < n; i++) {
		int c = cols ? cols[i] : i;
		if (a[c].null || b[c].null) {
			if (a[c].null != b[c].null)
				return false;
			continue;
		}
		if (ox_value_cmp (&a[c], &b[c]) != 0)
			return false;
	}
	return true;
}

void
ox_exec_check_cancel (OxExec *x)
{
	if (x->session && ox_debug_interrupt_pending (x->session))
		ox_debug_poll (x->session);  /* a pause in the middle of a long statement */
	if (x->cancel && __atomic_load_n (x->cancel, __ATOMIC_RELAXED)) {
		__atomic_store_n (x->cancel, 0, __ATOMIC_RELAXED);
		ox_raise (OX_ERR_QUERY_CANCELED, 0, "canceling statement due to user request");
	}
	if (x->session && x->session->stmt_deadline)
		ox_session_check_timeout (x->session);
}

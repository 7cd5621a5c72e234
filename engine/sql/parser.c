/*
 * parser.c — hand-written recursive-descent parser for PostgreSQL's SQL.
 *
 * Statements are parsed top-down; expressions by precedence climbing over
 * PostgreSQL's operator precedence table (gram.y's %left/%right/%nonassoc
 * lines), lowest first:
 *
 *   OR < AND < NOT < IS ISNULL NOTNULL < comparisons (< > = <= >= <>)
 *   < BETWEEN IN LIKE ILIKE SIMILAR (and NOT before them) < other operators
 *   (incl. ||) < + - < * / % < ^ < AT TIME ZONE < unary + - < [ ] < ::
 *
 * The comparisons, IS and the BETWEEN/LIKE group are non-associative:
 * "a < b < c" is a syntax error at the second '<', exactly where bison's
 * %nonassoc reports it.  Constructs that end in a fixed token (IS NULL,
 * IN (...), op ANY (...)) leave nothing to conflict with, so "a IN (1) IN
 * (true)" is valid, as in PostgreSQL.
 *
 * Where PostgreSQL needs grammar lookahead tricks we peek at tokens:
 * NOT BETWEEN/IN/LIKE (NOT_LA), NULLS FIRST/LAST, WITH TIME ZONE.  A
 * parenthesis is ambiguous in three places, resolved as follows:
 *   - in an expression, "((SELECT 1) UNION (SELECT 2))": the inner part is
 *     parsed as an expression; if it is exactly a parenthesized SELECT and a
 *     set operation, ORDER BY or LIMIT follows, parsing continues as a
 *     SELECT (parse_paren_expr);
 *   - after IN, "((SELECT 1))" is a subquery, not a one-element list;
 *   - in FROM, "((SELECT 1) x JOIN y ON ...)" versus "((SELECT 1) UNION
 *     ...) AS x": parse_from_paren returns either a SELECT or a join.
 *
 * Positions in errors are 1-based BYTE offsets into the text handed to
 * ox_parse_one() (PostgreSQL counts characters; the caller converts).
 * "syntax error at end of input" points one past the last byte.
 *
 * NOTE: errors longjmp out of any depth (ox_raise).  Everything is in the
 * arena, so nothing leaks; but no code here may hold a resource across a
 * call that can raise.
 * NOTE: recursion is bounded by counting nesting in 'depth' (every
 * expression, SELECT and FROM nesting level); deeper than OX_PARSE_MAX_DEPTH
 * (1000) raises 54001 instead of overflowing the C stack.  Measured with
 * inputs nested 10,000 deep (parentheses, subqueries in FROM, CASE): the
 * limit is reached within a 256 KiB stack at -O2 and within 1 MiB under
 * ASan, so any thread that parses needs at least that.
 * NOTE: left-deep chains ("1+1+...+1", UNION after UNION, JOIN after JOIN)
 * cost the parser no recursion but build trees as deep as they are long,
 * which the binder and planner walk recursively.  'tree' counts them on top
 * of 'depth' and OX_PARSE_MAX_TREE (4000) bounds the lot, so that no tree we
 * return is much deeper than that (a level of parsing makes at most two
 * levels of tree).  PostgreSQL takes a 1000-term sum and refuses a
 * 5000-term one (stack depth, at analysis); so do we, at parse time.
 * Flattened AND/OR lists and IN lists are flat and cost nothing.
 * NOTE: lookahead tokens live in a small ring (LA_SIZE).  A pointer from
 * peek() is valid only until the next advance(); copy the token when it
 * must survive one.
 */
#include "ast.h"
#include "lexer.h"

#include <glib.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "base/error.h"

#define OX_PARSE_MAX_DEPTH 1000  /* parser recursion: nesting as written */
#define OX_PARSE_MAX_TREE  4000  /* depth of the tree built, chains included */
#define LA_SIZE 4  /* a power of two */

typedef struct Parser {
	OxLexer     lx;
	OxArena    *a;
	const char *sql;
	size_t      len;
	OxToken     la[LA_SIZE];  /* lookahead ring; la[la_head] is the current token */
	int         la_head;
	int         la_n;         /* tokens scanned but not consumed */
	int         prev_end;     /* offset just past the last consumed token */
	int         depth;        /* recursion depth, see the NOTE above */
	int         tree;         /* depth plus the links of open left-deep chains */
} Parser;

/* ---- tokens -------------------------------------------------------------- */

static const OxToken *
peek_slow (Parser *p, int k)
{
	g_assert (k < LA_SIZE);
	while (p->la_n <= k) {
		ox_lex (&p->lx, &p->la[(p->la_head + p->la_n) & (LA_SIZE - 1)]);
		p->la_n++;
	}
	return &p->la[(p->la_head + k) & (LA_SIZE - 1)];
}

/* The parser asks for the current token several times per token; the fast
 * path keeps that to a compare and an index. */
static inline const OxToken *
peek (Parser *p, int k)
{
	if (G_LIKELY (k < p->la_n))
		return &p->la[(p->la_head + k) & (LA_SIZE - 1)];
	return peek_slow (p, k);
}

#define CUR(p) peek ((p), 0)

static void
advance (Parser *p)
{
	const OxToken *t = CUR (p);
	if (t->kind == OX_TOK_EOF)
		return;
	p->prev_end = t->loc + t->len;
	p->la_head = (p->la_head + 1) & (LA_SIZE - 1);
	p->la_n--;
}

static inline bool
is_kw (const OxToken *t, OxKeyword kw)
{
	return t->kind == OX_TOK_IDENT && t->kw == (int) kw;
}

static inline bool
is_ch (const OxToken *t, int ch)
{
	return t->kind == OX_TOK_CHAR && t->ch == ch;
}

static void __attribute__ ((noreturn))
syntax_error_tok (Parser *p, const OxToken *t)
{
	if (t->kind == OX_TOK_EOF)
		ox_raise (OX_ERR_SYNTAX, t->loc + 1, "syntax error at end of input");
	ox_raise (OX_ERR_SYNTAX, t->loc + 1, "syntax error at or near \"%.*s\"",
	          t->len, p->sql + t->loc);
}

static void __attribute__ ((noreturn))
syntax_error (Parser *p)
{
	syntax_error_tok (p, CUR (p));
}

static void __attribute__ ((noreturn))
not_supported (int loc, const char *what)
{
	ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, loc + 1, "%s is not supported", what);
}

static bool
accept_kw (Parser *p, OxKeyword kw)
{
	if (!is_kw (CUR (p), kw))
		return false;
	advance (p);
	return true;
}

static void
expect_kw (Parser *p, OxKeyword kw)
{
	if (!accept_kw (p, kw))
		syntax_error (p);
}

static bool
accept_ch (Parser *p, int ch)
{
	if (!is_ch (CUR (p), ch))
		return false;
	advance (p);
	return true;
}

static void
expect_ch (Parser *p, int ch)
{
	if (!accept_ch (p, ch))
		syntax_error (p);
}

static void __attribute__ ((noreturn))
too_deep (const char *what)
{
	ox_raise_full (OX_ERR_STATEMENT_TOO_COMPLEX, 0, what, NULL, "stack depth limit exceeded");
}

static void
enter (Parser *p)
{
	if (++p->depth > OX_PARSE_MAX_DEPTH)
		too_deep ("The statement nests more than 1000 levels of parentheses, "
		          "expressions or subqueries.");
	p->tree++;
}

static inline void
leave (Parser *p)
{
	p->depth--;
	p->tree--;
}

/* One more link of a left-deep chain (a + b + c, UNION, JOIN): no parser
 * recursion, but one more level of tree for whoever walks it.  The caller
 * gives the links back with p->tree -= links when the chain ends. */
static void
chain_link (Parser *p)
{
	if (++p->tree > OX_PARSE_MAX_TREE)
		too_deep ("The statement's expressions are nested more than 4000 levels deep.");
}

/* ---- names --------------------------------------------------------------- */

static OxKwCategory
tok_cat (const OxToken *t)
{
	return ox_keyword_category ((OxKeyword) t->kw);
}

/* ColId: identifiers, unreserved and column-name keywords. */
static bool
tok_is_colid (const OxToken *t)
{
	if (t->kind == OX_TOK_QIDENT)
		return true;
	if (t->kind != OX_TOK_IDENT)
		return false;
	if (t->kw == OX_KW_NONE)
		return true;
	OxKwCategory c = tok_cat (t);
	return c == OX_KWC_UNRESERVED || c == OX_KWC_COLNAME;
}

/* type_function_name: identifiers, unreserved and type/function keywords. */
static bool
tok_is_typefunc (const OxToken *t)
{
	if (t->kind == OX_TOK_QIDENT)
		return true;
	if (t->kind != OX_TOK_IDENT)
		return false;
	if (t->kw == OX_KW_NONE)
		return true;
	OxKwCategory c = tok_cat (t);
	return c == OX_KWC_UNRESERVED || c == OX_KWC_TYPEFUNC;
}

/* ColLabel: any identifier or keyword (after AS, after a dot). */
static bool
tok_is_collabel (const OxToken *t)
{
	return t->kind == OX_TOK_IDENT || t->kind == OX_TOK_QIDENT;
}

/* A column label without AS.  Reserved keywords are refused even where
 * PostgreSQL 15 would take some of them ("SELECT 1 asc"): telling those
 * apart needs its LALR lookahead, and nobody writes them. */
static bool
tok_is_bare_label (const OxToken *t)
{
	if (t->kind == OX_TOK_QIDENT)
		return true;
	if (t->kind != OX_TOK_IDENT)
		return false;
	if (t->kw == OX_KW_NONE)
		return true;
	return tok_cat (t) != OX_KWC_RESERVED && ox_keyword_bare_label ((OxKeyword) t->kw);
}

/* The name a token stands for.  Keywords return their static text (already
 * lower case): no allocation for the common case. */
static const char *
tok_name (Parser *p, const OxToken *t)
{
	if (t->kind == OX_TOK_QIDENT)
		return t->str;
	if (t->kw != OX_KW_NONE)
		return ox_keyword_text ((OxKeyword) t->kw);
	return ox_ident_fold (p->a, p->sql + t->loc, (size_t) t->len);
}

/* Is t the unquoted, non-keyword word w (lower case)?  For the few words
 * we recognise without making them keywords (MATERIALIZED, INHERITS). */
static bool
is_word (Parser *p, const OxToken *t, const char *w)
{
	size_t n = strlen (w);
	return t->kind == OX_TOK_IDENT && t->kw == OX_KW_NONE && (size_t) t->len == n &&
	       g_ascii_strncasecmp (p->sql + t->loc, w, n) == 0;
}

static const char *
parse_colid (Parser *p)
{
	const OxToken *t = CUR (p);
	if (!tok_is_colid (t))
		syntax_error (p);
	const char *s = tok_name (p, t);
	advance (p);
	return s;
}

static const char *
parse_collabel (Parser *p)
{
	const OxToken *t = CUR (p);
	if (!tok_is_collabel (t))
		syntax_error (p);
	const char *s = tok_name (p, t);
	advance (p);
	return s;
}

/* '(' ColId [, ...] ')' */
static OxList *
parse_name_list (Parser *p)
{
	OxList *l = ox_list_new (p->a);
	expect_ch (p, '(');
	do
		ox_list_push (p->a, l, (void *) parse_colid (p));
	while (accept_ch (p, ','));
	expect_ch (p, ')');
	return l;
}

/* ColId [, ...] without parentheses (COPY's FORCE QUOTE a, b) */
static OxList *
parse_name_list_bare (Parser *p)
{
	OxList *l = ox_list_new (p->a);
	do
		ox_list_push (p->a, l, (void *) parse_colid (p));
	while (accept_ch (p, ','));
	return l;
}

/* ---- nodes --------------------------------------------------------------- */

static void *
new_node (Parser *p, size_t size, OxNodeTag tag, int loc)
{
	OxNode *n = ox_arena_alloc0 (p->a, size);
	n->tag = tag;
	n->loc = loc;
	return n;
}

#define NEW(p, T, TAG, L) ((T *) new_node ((p), sizeof (T), (TAG), (L)))

static OxList *
list1 (Parser *p, void *x)
{
	OxList *l = ox_list_new (p->a);
	ox_list_push (p->a, l, x);
	return l;
}

static OxList *
list2 (Parser *p, void *x, void *y)
{
	OxList *l = list1 (p, x);
	ox_list_push (p->a, l, y);
	return l;
}

static OxNode *
make_string_const (Parser *p, const char *s, int len, int loc)
{
	OxConst *c = NEW (p, OxConst, OX_N_CONST, loc);
	c->kind = OX_CONST_STRING;
	c->text = s;
	c->len = len;
	return &c->node;
}

static OxNode *
make_int_const (Parser *p, int v, int loc)
{
	OxConst *c = NEW (p, OxConst, OX_N_CONST, loc);
	c->kind = OX_CONST_INTEGER;
	c->text = ox_arena_printf (p->a, "%d", v);
	c->len = (int) strlen (c->text);
	return &c->node;
}

static OxNode *
make_bool_const (Parser *p, bool v, int loc)
{
	OxConst *c = NEW (p, OxConst, OX_N_CONST, loc);
	c->kind = OX_CONST_BOOL;
	c->bval = v;
	return &c->node;
}

static OxNode *
make_aexpr (Parser *p, OxAExprKind kind, const char *name, OxNode *l, OxNode *r, int loc)
{
	OxAExpr *e = NEW (p, OxAExpr, OX_N_AEXPR, loc);
	e->kind = kind;
	e->name = name;
	e->lexpr = l;
	e->rexpr = r;
	return &e->node;
}

/* AND/OR flatten into the left operand's list when it is the same op, as
 * PostgreSQL's makeAndExpr does: a AND b AND c has three args. */
static OxNode *
make_bool (Parser *p, OxBoolOp op, OxNode *l, OxNode *r, int loc)
{
	if (OX_IS (l, OX_N_BOOLEXPR) && ((OxBoolExpr *) l)->op == op && op != OX_BOOL_NOT) {
		ox_list_push (p->a, ((OxBoolExpr *) l)->args, r);
		return l;
	}
	OxBoolExpr *b = NEW (p, OxBoolExpr, OX_N_BOOLEXPR, loc);
	b->op = op;
	b->args = r ? list2 (p, l, r) : list1 (p, l);
	return &b->node;
}

static OxFuncCall *
make_func (Parser *p, const char *name, OxList *args, int loc)
{
	OxFuncCall *f = NEW (p, OxFuncCall, OX_N_FUNCCALL, loc);
	f->name = list1 (p, (void *) name);
	f->args = args ? args : ox_list_new (p->a);
	return f;
}

static OxNode *
make_sublink (Parser *p, OxSubLinkKind kind, OxNode *test, const char *op,
              OxSelectStmt *sel, int loc)
{
	OxSubLink *s = NEW (p, OxSubLink, OX_N_SUBLINK, loc);
	s->kind = kind;
	s->testexpr = test;
	s->op = op;
	s->subselect = &sel->node;
	return &s->node;
}

static OxSelectStmt *
new_select (Parser *p, int loc)
{
	OxSelectStmt *s = NEW (p, OxSelectStmt, OX_N_SELECT, loc);
	s->targets = ox_list_new (p->a);
	s->from = ox_list_new (p->a);
	return s;
}

/* A parenthesized SELECT used as a value and nothing more: "(SELECT 1)"
 * and not "(SELECT 1) + 1".  Only such a node can continue as a set
 * operation or become an IN subquery (see the file header). */
static bool
is_bare_sublink (OxNode *n)
{
	return OX_IS (n, OX_N_SUBLINK) && ((OxSubLink *) n)->kind == OX_SUBLINK_EXPR;
}

enum {
	PREC_OR = 1,
	PREC_AND,
	PREC_NOT,
	PREC_IS,
	PREC_CMP,
	PREC_LIKE,     /* BETWEEN IN LIKE ILIKE SIMILAR, NOT before them */
	PREC_ESCAPE,
	PREC_OP,       /* any other operator */
	PREC_ADD,
	PREC_MUL,
	PREC_EXP,
	PREC_AT,       /* AT TIME ZONE */
	PREC_COLLATE,  /* expr COLLATE name */
	PREC_UMINUS,
	PREC_SUBSCRIPT,
	PREC_CAST,
};

/* EF_B: PostgreSQL's b_expr, the restricted expression of BETWEEN's lower
 * bound, DEFAULT and POSITION: no AND, OR, NOT, IS (except IS [NOT]
 * DISTINCT FROM), ISNULL, NOTNULL, BETWEEN, IN, LIKE, ILIKE, SIMILAR. */
#define EF_B 1

/* ---- forward declarations ------------------------------------------------ */

static OxNode *parse_expr_prec (Parser *p, int min_prec, int flags);
static OxSelectStmt *parse_select_stmt (Parser *p);
static OxSelectStmt *parse_select_with_parens (Parser *p);
static OxSelectStmt *parse_select_rest (Parser *p, OxSelectStmt *first);
static OxTypeName *parse_typename (Parser *p);
static OxList *parse_target_list (Parser *p);
static OxList *parse_sort_list (Parser *p);
static OxNode *parse_stmt (Parser *p);
static OxNode *parse_func_call (Parser *p, OxList *name, int loc);
static OxNode *parse_create_function (Parser *p, int loc, bool or_replace);
static OxNode *parse_create_trigger (Parser *p, int loc, bool or_replace);
static OxNode *parse_create_schedule (Parser *p, int loc);
static OxNode *parse_create_event_trigger (Parser *p, int loc);
static OxNode *parse_call (Parser *p);
static OxNode *parse_do (Parser *p);
static const char *source_since (Parser *p, int start);

static OxNode *
parse_expr (Parser *p)
{
	return parse_expr_prec (p, 0, 0);
}

static bool
starts_select (const OxToken *t)
{
	return is_kw (t, OX_KW_SELECT) || is_kw (t, OX_KW_VALUES) || is_kw (t, OX_KW_WITH) ||
	       is_kw (t, OX_KW_TABLE);
}

/* Tokens that continue a parenthesized SELECT into a bigger one. */
static bool
continues_select (const OxToken *t)
{
	return is_kw (t, OX_KW_UNION) || is_kw (t, OX_KW_INTERSECT) || is_kw (t, OX_KW_EXCEPT) ||
	       is_kw (t, OX_KW_ORDER) || is_kw (t, OX_KW_LIMIT) || is_kw (t, OX_KW_OFFSET) ||
	       is_kw (t, OX_KW_FETCH);
}

/* ---- types --------------------------------------------------------------- */

/* A type modifier: a (possibly signed) integer that fits an int. */
static int
parse_int_mod (Parser *p)
{
	bool neg = false;
	if (is_ch (CUR (p), '-') || is_ch (CUR (p), '+')) {
		neg = CUR (p)->ch == '-';
		advance (p);
	}
	const OxToken *t = CUR (p);
	if (t->kind != OX_TOK_INTEGER)
		syntax_error (p);
	gint64 v = 0;
	for (int i = 0; i < t->len; i++) {
		v = v * 10 + (p->sql[t->loc + i] - '0');
		if (v > INT_MAX)
			ox_raise (OX_ERR_INVALID_PARAMETER, t->loc + 1, "type modifier is out of range");
	}
	advance (p);
	return neg ? (int) -v : (int) v;
}

/* [ '(' n [, m] ')' ] */
static void
parse_type_mods (Parser *p, OxTypeName *tn, int max)
{
	if (!is_ch (CUR (p), '('))
		return;
	advance (p);
	do {
		if (tn->nmods == max)
			syntax_error (p);
		tn->mods[tn->nmods++] = parse_int_mod (p);
	} while (accept_ch (p, ','));
	expect_ch (p, ')');
}

/* Catalog spellings that PostgreSQL resolves to the SQL names. */
static const char *
canonical_type_name (const char *n)
{
	static const char *const map[][2] = {
		{ "int", "integer" },     { "int4", "integer" },  { "int8", "bigint" },
		{ "int2", "smallint" },   { "float4", "real" },   { "float8", "double precision" },
		{ "bool", "boolean" },    { "bpchar", "char" },   { "decimal", "numeric" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (map); i++)
		if (strcmp (n, map[i][0]) == 0)
			return map[i][1];
	return n;
}

/* TIMESTAMP / TIME: [ '(' p ')' ] [ WITH | WITHOUT TIME ZONE ] */
static void
parse_datetime_type (Parser *p, OxTypeName *tn, const char *plain, const char *tz)
{
	parse_type_mods (p, tn, 1);
	tn->name = plain;
	if ((is_kw (CUR (p), OX_KW_WITH) || is_kw (CUR (p), OX_KW_WITHOUT)) &&
	    is_kw (peek (p, 1), OX_KW_TIME)) {
		bool with = is_kw (CUR (p), OX_KW_WITH);
		advance (p);
		advance (p);
		expect_kw (p, OX_KW_ZONE);
		if (with)
			tn->name = tz;
	}
}

static OxTypeName *
parse_typename (Parser *p)
{
	const OxToken *t = CUR (p);
	OxTypeName *tn = NEW (p, OxTypeName, OX_N_TYPENAME, t->loc);
	bool generic = false;
	if (t->kind == OX_TOK_IDENT && t->kw != OX_KW_NONE) {
		int kw = t->kw;  /* t may be recycled once we advance */
		switch (kw) {
		case OX_KW_INT:
		case OX_KW_INTEGER:
			advance (p);
			tn->name = "integer";
			break;
		case OX_KW_SMALLINT:
			advance (p);
			tn->name = "smallint";
			break;
		case OX_KW_BIGINT:
			advance (p);
			tn->name = "bigint";
			break;
		case OX_KW_REAL:
			advance (p);
			tn->name = "real";
			break;
		case OX_KW_BOOLEAN:
			advance (p);
			tn->name = "boolean";
			break;
		case OX_KW_FLOAT:
			advance (p);
			tn->name = "double precision";
			if (is_ch (CUR (p), '(')) {
				advance (p);
				int at = CUR (p)->loc;
				int prec = parse_int_mod (p);
				expect_ch (p, ')');
				if (prec < 1)
					ox_raise (OX_ERR_INVALID_PARAMETER, at + 1,
					          "precision for type float must be at least 1 bit");
				if (prec > 53)
					ox_raise (OX_ERR_INVALID_PARAMETER, at + 1,
					          "precision for type float must be less than 54 bits");
				if (prec <= 24)
					tn->name = "real";
			}
			break;
		case OX_KW_DOUBLE:
			if (!is_kw (peek (p, 1), OX_KW_PRECISION)) {
				generic = true;
				break;
			}
			advance (p);
			advance (p);
			tn->name = "double precision";
			break;
		case OX_KW_DECIMAL:
		case OX_KW_DEC:
		case OX_KW_NUMERIC:
			advance (p);
			tn->name = "numeric";
			parse_type_mods (p, tn, 2);
			break;
		case OX_KW_NATIONAL:
			advance (p);
			if (!accept_kw (p, OX_KW_CHARACTER))
				expect_kw (p, OX_KW_CHAR);
			G_GNUC_FALLTHROUGH;
		case OX_KW_CHARACTER:
		case OX_KW_CHAR:
		case OX_KW_NCHAR:
			if (kw != OX_KW_NATIONAL)
				advance (p);
			tn->name = accept_kw (p, OX_KW_VARYING) ? "varchar" : "char";
			parse_type_mods (p, tn, 1);
			break;
		case OX_KW_VARCHAR:
			advance (p);
			tn->name = "varchar";
			parse_type_mods (p, tn, 1);
			break;
		case OX_KW_BIT:
			advance (p);
			tn->name = accept_kw (p, OX_KW_VARYING) ? "varbit" : "bit";
			parse_type_mods (p, tn, 1);
			break;
		case OX_KW_TIMESTAMP:
			advance (p);
			parse_datetime_type (p, tn, "timestamp", "timestamptz");
			break;
		case OX_KW_TIME:
			advance (p);
			parse_datetime_type (p, tn, "time", "timetz");
			break;
		case OX_KW_INTERVAL:
			advance (p);
			tn->name = "interval";
			parse_type_mods (p, tn, 1);
			break;
		default:
			if (!tok_is_typefunc (t))
				syntax_error (p);
			generic = true;
			break;
		}
	} else if (t->kind == OX_TOK_IDENT || t->kind == OX_TOK_QIDENT)
		generic = true;
	else
		syntax_error (p);

	if (generic) {
		const char *name = tok_name (p, CUR (p));
		advance (p);
		if (is_ch (CUR (p), '.')) {
			advance (p);
			const char *n2 = parse_collabel (p);
			/* pg_catalog.int4 is int4; other schemas name types we do not
			 * have, and the binder reports them by their full name. */
			name = strcmp (name, "pg_catalog") == 0 ? n2 : ox_arena_printf (p->a, "%s.%s", name, n2);
		}
		tn->name = canonical_type_name (name);
		parse_type_mods (p, tn, 2);
	}

	/* Array bounds: int[], int[3][], int ARRAY, int ARRAY[3]. */
	for (;;) {
		if (is_ch (CUR (p), '[')) {
			advance (p);
			if (CUR (p)->kind == OX_TOK_INTEGER)
				advance (p);
			expect_ch (p, ']');
			tn->is_array = true;
		} else if (is_kw (CUR (p), OX_KW_ARRAY)) {
			advance (p);
			if (accept_ch (p, '[')) {
				if (CUR (p)->kind == OX_TOK_INTEGER)
					advance (p);
				expect_ch (p, ']');
			}
			tn->is_array = true;
		} else
			break;
	}
	return tn;
}

/* Keyword types that can start a typed literal (INTEGER '5'). */
static bool
is_type_keyword (int kw)
{
	switch (kw) {
	case OX_KW_INT: case OX_KW_INTEGER: case OX_KW_SMALLINT: case OX_KW_BIGINT:
	case OX_KW_REAL: case OX_KW_FLOAT: case OX_KW_DECIMAL: case OX_KW_DEC:
	case OX_KW_NUMERIC: case OX_KW_BOOLEAN: case OX_KW_CHAR: case OX_KW_CHARACTER:
	case OX_KW_VARCHAR: case OX_KW_NCHAR: case OX_KW_NATIONAL: case OX_KW_BIT:
	case OX_KW_TIMESTAMP: case OX_KW_TIME: case OX_KW_INTERVAL:
		return true;
	}
	return false;
}

/* Does the type keyword at the current token start a typed literal rather
 * than name a column ("SELECT timestamp FROM t" is a column)? */
static bool
type_keyword_starts_literal (Parser *p)
{
	const OxToken *n = peek (p, 1);
	if (n->kind == OX_TOK_STRING || is_ch (n, '('))
		return true;
	if (n->kind != OX_TOK_IDENT)
		return false;
	switch (n->kw) {
	case OX_KW_VARYING:
	case OX_KW_PRECISION:
	case OX_KW_CHARACTER:
	case OX_KW_CHAR:
		return true;
	case OX_KW_WITH:
	case OX_KW_WITHOUT:
		return is_kw (peek (p, 2), OX_KW_TIME);
	}
	return false;
}

/* type 'string' -> TypeCast (Const string, type). */
static OxNode *
parse_typed_literal (Parser *p)
{
	int loc = CUR (p)->loc;
	OxTypeName *tn = parse_typename (p);
	const OxToken *t = CUR (p);
	if (t->kind != OX_TOK_STRING)
		syntax_error (p);
	OxTypeCast *c = NEW (p, OxTypeCast, OX_N_TYPECAST, loc);
	c->arg = make_string_const (p, t->str, t->str_len, t->loc);
	c->type = tn;
	advance (p);
	if (strcmp (tn->name, "interval") == 0) {
		const OxToken *f = CUR (p);
		if (is_kw (f, OX_KW_YEAR) || is_kw (f, OX_KW_MONTH) || is_kw (f, OX_KW_DAY) ||
		    is_kw (f, OX_KW_HOUR) || is_kw (f, OX_KW_MINUTE) || is_kw (f, OX_KW_SECOND))
			not_supported (f->loc, "an interval field qualifier");
	}
	return &c->node;
}

/* ---- expressions: primaries ---------------------------------------------- */

static OxList *
parse_expr_list (Parser *p)
{
	OxList *l = ox_list_new (p->a);
	do
		ox_list_push (p->a, l, parse_expr (p));
	while (accept_ch (p, ','));
	return l;
}

/* At '(' of a call: args, DISTINCT, ORDER BY, '*', then FILTER. */
static OxNode *
parse_func_call (Parser *p, OxList *name, int loc)
{
	OxFuncCall *f = NEW (p, OxFuncCall, OX_N_FUNCCALL, loc);
	f->name = name;
	f->args = ox_list_new (p->a);
	enter (p);
	expect_ch (p, '(');
	if (is_ch (CUR (p), '*')) {
		advance (p);
		f->agg_star = true;
	} else if (!is_ch (CUR (p), ')')) {
		if (accept_kw (p, OX_KW_DISTINCT))
			f->agg_distinct = true;
		else if (is_kw (CUR (p), OX_KW_VARIADIC))
			not_supported (CUR (p)->loc, "VARIADIC");
		else
			accept_kw (p, OX_KW_ALL);
		do {
			const char *argname = NULL;
			if (tok_is_collabel (CUR (p)) &&
			    (peek (p, 1)->kind == OX_TOK_EQUALS_GREATER ||
			     peek (p, 1)->kind == OX_TOK_COLON_EQUALS)) {
				argname = tok_name (p, CUR (p));
				for (int k = 0; f->argnames && k < f->argnames->n; k++)
					if (f->argnames->items[k] && !strcmp (f->argnames->items[k], argname))
						ox_raise (OX_ERR_SYNTAX, CUR (p)->loc + 1, "argument name \"%s\" used more than once",
						          argname);
				advance (p);
				advance (p);
				if (!f->argnames) {
					f->argnames = ox_list_new (p->a);
					for (int i = 0; i < f->args->n; i++)
						ox_list_push (p->a, f->argnames, NULL);
				}
			} else if (f->argnames && f->argnames->n > 0 &&
			           f->argnames->items[f->argnames->n - 1])
				ox_raise (OX_ERR_SYNTAX, CUR (p)->loc + 1,
				          "positional argument cannot follow named argument");
			ox_list_push (p->a, f->args, parse_expr (p));
			if (f->argnames)
				ox_list_push (p->a, f->argnames, (void *) argname);
		} while (accept_ch (p, ','));
		if (is_kw (CUR (p), OX_KW_ORDER)) {
			advance (p);
			expect_kw (p, OX_KW_BY);
			f->agg_order = parse_sort_list (p);
		}
	}
	expect_ch (p, ')');
	if (is_kw (CUR (p), OX_KW_WITHIN) && is_kw (peek (p, 1), OX_KW_GROUP))
		not_supported (CUR (p)->loc, "WITHIN GROUP");
	if (is_kw (CUR (p), OX_KW_FILTER) && is_ch (peek (p, 1), '(')) {
		advance (p);
		advance (p);
		expect_kw (p, OX_KW_WHERE);
		f->agg_filter = parse_expr (p);
		expect_ch (p, ')');
	}
	if (is_kw (CUR (p), OX_KW_OVER))
		not_supported (CUR (p)->loc, "a window function call (OVER)");
	leave (p);
	return &f->node;
}

/* name, t.name, s.t.name, t.*, f(...), s.f(...), and "name 'literal'". */
static OxNode *
parse_columnref (Parser *p)
{
	OxToken first = *CUR (p);
	int loc = first.loc;
	OxList *fields = list1 (p, (void *) tok_name (p, &first));
	advance (p);
	bool star = false;
	while (is_ch (CUR (p), '.')) {
		advance (p);
		if (accept_ch (p, '*')) {
			star = true;
			break;
		}
		ox_list_push (p->a, fields, (void *) parse_collabel (p));
	}
	if (!star && is_ch (CUR (p), '(')) {
		/* Column-name keywords are not function names (PostgreSQL's
		 * type_function_name), except the special forms handled before. */
		if (fields->n == 1 && first.kind == OX_TOK_IDENT && first.kw != OX_KW_NONE &&
		    tok_cat (&first) == OX_KWC_COLNAME)
			syntax_error (p);
		if (fields->n > 2)
			ox_raise (OX_ERR_SYNTAX, loc + 1,
			          "improper qualified name (too many dotted names)");
		OxFuncCall *f = (OxFuncCall *) parse_func_call (p, fields, loc);
		/* numeric(10,2) '1.5' as written with a generic type name: PG reads
		 * a call followed by a string as a typed literal. */
		if (CUR (p)->kind == OX_TOK_STRING && !f->agg_star && !f->agg_distinct &&
		    !f->agg_order && !f->agg_filter && f->args->n <= 2) {
			OxTypeName *tn = NEW (p, OxTypeName, OX_N_TYPENAME, loc);
			const char *n0 = OX_LIST_AT (fields, 0);
			tn->name = fields->n == 1 ? canonical_type_name (n0)
			           : ox_arena_printf (p->a, "%s.%s", n0, (char *) OX_LIST_AT (fields, 1));
			for (int i = 0; i < f->args->n; i++) {
				OxConst *c = OX_LIST_AT (f->args, i);
				if (!OX_IS (c, OX_N_CONST) || c->kind != OX_CONST_INTEGER || c->len > 9)
					ox_raise (OX_ERR_SYNTAX, c->node.loc + 1,
					          "type modifiers must be simple constants or identifiers");
				tn->mods[tn->nmods++] = atoi (c->text);
			}
			OxTypeCast *tc = NEW (p, OxTypeCast, OX_N_TYPECAST, loc);
			tc->arg = make_string_const (p, CUR (p)->str, CUR (p)->str_len, CUR (p)->loc);
			tc->type = tn;
			advance (p);
			return &tc->node;
		}
		return &f->node;
	}
	if (!star && fields->n == 1 && CUR (p)->kind == OX_TOK_STRING) {
		/* date '2024-01-01': a generic type name followed by a literal. */
		OxTypeName *tn = NEW (p, OxTypeName, OX_N_TYPENAME, loc);
		tn->name = canonical_type_name (OX_LIST_AT (fields, 0));
		OxTypeCast *tc = NEW (p, OxTypeCast, OX_N_TYPECAST, loc);
		tc->arg = make_string_const (p, CUR (p)->str, CUR (p)->str_len, CUR (p)->loc);
		tc->type = tn;
		advance (p);
		return &tc->node;
	}
	int parts = fields->n + (star ? 1 : 0);
	if (parts == 4)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, loc + 1,
		          "cross-database references are not implemented");
	if (parts > 4)
		ox_raise (OX_ERR_SYNTAX, loc + 1, "improper qualified name (too many dotted names)");
	OxColumnRef *c = NEW (p, OxColumnRef, OX_N_COLUMNREF, loc);
	c->fields = fields;
	c->star = star;
	return &c->node;
}

static OxNode *
parse_case (Parser *p)
{
	OxCase *c = NEW (p, OxCase, OX_N_CASE, CUR (p)->loc);
	enter (p);
	advance (p);
	if (!is_kw (CUR (p), OX_KW_WHEN))
		c->arg = parse_expr (p);
	c->whens = ox_list_new (p->a);
	while (accept_kw (p, OX_KW_WHEN)) {
		OxCaseWhen *w = OX_NEW (p->a, OxCaseWhen);
		w->cond = parse_expr (p);
		expect_kw (p, OX_KW_THEN);
		w->result = parse_expr (p);
		ox_list_push (p->a, c->whens, w);
	}
	if (c->whens->n == 0)
		syntax_error (p);
	if (accept_kw (p, OX_KW_ELSE))
		c->defresult = parse_expr (p);
	expect_kw (p, OX_KW_END);
	leave (p);
	return &c->node;
}

/* CURRENT_DATE and friends: calls without parentheses.  A precision, as in
 * CURRENT_TIMESTAMP(3), becomes the only argument (no_parens still set). */
static OxNode *
parse_sql_value_function (Parser *p, const char *name, bool precision)
{
	OxFuncCall *f = make_func (p, name, NULL, CUR (p)->loc);
	f->no_parens = true;
	advance (p);
	if (precision && is_ch (CUR (p), '(')) {
		advance (p);
		int at = CUR (p)->loc;
		ox_list_push (p->a, f->args, make_int_const (p, parse_int_mod (p), at));
		expect_ch (p, ')');
	}
	return &f->node;
}

/* EXTRACT, POSITION, SUBSTRING, TRIM, OVERLAY, COALESCE, NULLIF, GREATEST,
 * LEAST: the SQL-syntax calls, mapped as ast.h describes.  At the keyword,
 * '(' known to follow. */
static OxNode *
parse_special_func (Parser *p, int kw)
{
	int loc = CUR (p)->loc;
	advance (p);
	expect_ch (p, '(');
	enter (p);
	OxFuncCall *f = NULL;
	switch (kw) {
	case OX_KW_EXTRACT: {
		const OxToken *t = CUR (p);
		OxNode *field;
		if (t->kind == OX_TOK_STRING)
			field = make_string_const (p, t->str, t->str_len, t->loc);
		else if ((t->kind == OX_TOK_IDENT &&
		          (t->kw == OX_KW_NONE || t->kw == OX_KW_YEAR || t->kw == OX_KW_MONTH ||
		           t->kw == OX_KW_DAY || t->kw == OX_KW_HOUR || t->kw == OX_KW_MINUTE ||
		           t->kw == OX_KW_SECOND)) ||
		         t->kind == OX_TOK_QIDENT) {
			const char *n = tok_name (p, t);
			field = make_string_const (p, n, (int) strlen (n), t->loc);
		} else
			syntax_error (p);
		advance (p);
		expect_kw (p, OX_KW_FROM);
		OxNode *arg = parse_expr (p);
		f = make_func (p, "date_part", list2 (p, field, arg), loc);
		break;
	}
	case OX_KW_POSITION: {
		f = make_func (p, "position", NULL, loc);
		if (is_ch (CUR (p), ')'))
			break;
		/* b_expr: IN would otherwise be read as the IN operator. */
		OxNode *needle = parse_expr_prec (p, 0, EF_B);
		expect_kw (p, OX_KW_IN);
		OxNode *hay = parse_expr_prec (p, 0, EF_B);
		f->args = list2 (p, needle, hay);
		break;
	}
	case OX_KW_SUBSTRING: {
		f = make_func (p, "substring", NULL, loc);
		if (is_ch (CUR (p), ')'))
			break;
		OxNode *s = parse_expr (p);
		ox_list_push (p->a, f->args, s);
		if (is_kw (CUR (p), OX_KW_FROM) || is_kw (CUR (p), OX_KW_FOR)) {
			OxNode *from = NULL, *len = NULL;
			for (int i = 0; i < 2; i++) {
				if (!from && accept_kw (p, OX_KW_FROM))
					from = parse_expr (p);
				else if (!len && accept_kw (p, OX_KW_FOR))
					len = parse_expr (p);
			}
			ox_list_push (p->a, f->args, from ? from : make_int_const (p, 1, -1));
			if (len)
				ox_list_push (p->a, f->args, len);
		} else if (is_kw (CUR (p), OX_KW_SIMILAR))
			not_supported (CUR (p)->loc, "SUBSTRING ... SIMILAR");
		else
			while (accept_ch (p, ','))
				ox_list_push (p->a, f->args, parse_expr (p));
		break;
	}
	case OX_KW_TRIM: {
		const char *name = "btrim";
		if (accept_kw (p, OX_KW_LEADING))
			name = "ltrim";
		else if (accept_kw (p, OX_KW_TRAILING))
			name = "rtrim";
		else
			accept_kw (p, OX_KW_BOTH);
		f = make_func (p, name, NULL, loc);
		if (accept_kw (p, OX_KW_FROM)) {
			f->args = parse_expr_list (p);
			break;
		}
		OxList *first = parse_expr_list (p);
		if (accept_kw (p, OX_KW_FROM)) {
			/* TRIM(chars FROM s): the string comes first in the call. */
			f->args = parse_expr_list (p);
			for (int i = 0; i < first->n; i++)
				ox_list_push (p->a, f->args, OX_LIST_AT (first, i));
		} else
			f->args = first;
		break;
	}
	case OX_KW_OVERLAY: {
		f = make_func (p, "overlay", parse_expr_list (p), loc);
		if (f->args->n == 1 && accept_kw (p, OX_KW_PLACING)) {
			ox_list_push (p->a, f->args, parse_expr (p));
			expect_kw (p, OX_KW_FROM);
			ox_list_push (p->a, f->args, parse_expr (p));
			if (accept_kw (p, OX_KW_FOR))
				ox_list_push (p->a, f->args, parse_expr (p));
		}
		break;
	}
	case OX_KW_NULLIF: {
		OxNode *a1 = parse_expr (p);
		expect_ch (p, ',');
		OxNode *a2 = parse_expr (p);
		f = make_func (p, "nullif", list2 (p, a1, a2), loc);
		break;
	}
	case OX_KW_COALESCE:
		f = make_func (p, "coalesce", parse_expr_list (p), loc);
		break;
	case OX_KW_GREATEST:
		f = make_func (p, "greatest", parse_expr_list (p), loc);
		break;
	case OX_KW_LEAST:
		f = make_func (p, "least", parse_expr_list (p), loc);
		break;
	default:
		g_assert_not_reached ();
	}
	expect_ch (p, ')');
	leave (p);
	return &f->node;
}

/* At '(' in an expression: a scalar subquery, a parenthesized expression,
 * or a parenthesized SELECT that goes on as a set operation. */
static OxNode *
parse_paren_expr (Parser *p)
{
	int loc = CUR (p)->loc;
	if (starts_select (peek (p, 1))) {
		OxSelectStmt *s = parse_select_with_parens (p);
		return make_sublink (p, OX_SUBLINK_EXPR, NULL, NULL, s, loc);
	}
	advance (p);
	OxNode *e = parse_expr (p);
	if (is_bare_sublink (e) && continues_select (CUR (p))) {
		enter (p);
		OxSelectStmt *s = parse_select_rest (p, (OxSelectStmt *) ((OxSubLink *) e)->subselect);
		leave (p);
		expect_ch (p, ')');
		return make_sublink (p, OX_SUBLINK_EXPR, NULL, NULL, s, loc);
	}
	if (is_ch (CUR (p), ','))
		not_supported (loc, "a row constructor");
	expect_ch (p, ')');
	return e;
}

static OxNode *
parse_primary (Parser *p)
{
	const OxToken *t = CUR (p);
	int loc = t->loc;
	switch (t->kind) {
	case OX_TOK_INTEGER:
	case OX_TOK_DECIMAL: {
		OxConst *c = NEW (p, OxConst, OX_N_CONST, loc);
		c->kind = t->kind == OX_TOK_INTEGER ? OX_CONST_INTEGER : OX_CONST_DECIMAL;
		c->text = ox_arena_strndup (p->a, p->sql + t->loc, (size_t) t->len);
		c->len = t->len;
		advance (p);
		return &c->node;
	}
	case OX_TOK_STRING: {
		OxNode *c = make_string_const (p, t->str, t->str_len, loc);
		advance (p);
		return c;
	}
	case OX_TOK_BITSTRING:
		not_supported (loc, "a bit-string constant");
	case OX_TOK_PARAM: {
		if (t->ival < 1)
			ox_raise (OX_ERR_UNDEFINED_PARAMETER, loc + 1, "there is no parameter $%d", t->ival);
		OxParamRef *r = NEW (p, OxParamRef, OX_N_PARAMREF, loc);
		r->number = t->ival;
		advance (p);
		return &r->node;
	}
	case OX_TOK_CHAR:
		if (t->ch == '(')
			return parse_paren_expr (p);
		syntax_error (p);
	case OX_TOK_QIDENT:
		return parse_columnref (p);
	case OX_TOK_IDENT:
		break;
	default:
		syntax_error (p);
	}

	bool paren_next = is_ch (peek (p, 1), '(');
	switch (t->kw) {
	case OX_KW_NONE:
		return parse_columnref (p);
	case OX_KW_TRUE:
	case OX_KW_FALSE: {
		OxNode *c = make_bool_const (p, t->kw == OX_KW_TRUE, loc);
		advance (p);
		return c;
	}
	case OX_KW_NULL: {
		OxConst *c = NEW (p, OxConst, OX_N_CONST, loc);
		c->kind = OX_CONST_NULL;
		advance (p);
		return &c->node;
	}
	case OX_KW_DEFAULT: {
		/* As in PostgreSQL's a_expr: the binder refuses it outside INSERT
		 * VALUES and UPDATE SET. */
		OxDefault *d = NEW (p, OxDefault, OX_N_DEFAULT, loc);
		advance (p);
		return &d->node;
	}
	case OX_KW_CASE:
		return parse_case (p);
	case OX_KW_CAST: {
		advance (p);
		expect_ch (p, '(');
		enter (p);
		OxTypeCast *c = NEW (p, OxTypeCast, OX_N_TYPECAST, loc);
		c->arg = parse_expr (p);
		expect_kw (p, OX_KW_AS);
		c->type = parse_typename (p);
		expect_ch (p, ')');
		leave (p);
		return &c->node;
	}
	case OX_KW_EXISTS:
		if (!paren_next)
			break;
		advance (p);
		return make_sublink (p, OX_SUBLINK_EXISTS, NULL, NULL, parse_select_with_parens (p), loc);
	case OX_KW_ARRAY:
		/* Arrays are text in array_out's format (exec/text-arrays.c):
		 * ARRAY(sel) is a sublink, ARRAY[a, b] the function "{}". */
		if (paren_next) {
			advance (p);
			return make_sublink (p, OX_SUBLINK_ARRAY, NULL, NULL, parse_select_with_parens (p), loc);
		}
		if (is_ch (peek (p, 1), '[')) {
			advance (p);
			advance (p);
			if (is_ch (CUR (p), ']') || is_ch (CUR (p), '['))
				not_supported (loc, "an empty or multi-dimensional ARRAY constructor");
			enter (p);
			OxList *els = ox_list_new (p->a);
			do
				ox_list_push (p->a, els, parse_expr (p));
			while (accept_ch (p, ','));
			expect_ch (p, ']');
			leave (p);
			return &make_func (p, "{}", els, loc)->node;
		}
		break;
	case OX_KW_ROW:
		if (paren_next)
			not_supported (loc, "a row constructor");
		break;
	case OX_KW_GROUPING:
		if (paren_next)
			not_supported (loc, "GROUPING");
		break;
	case OX_KW_CURRENT_DATE:
		return parse_sql_value_function (p, "current_date", false);
	case OX_KW_CURRENT_TIME:
		return parse_sql_value_function (p, "current_time", true);
	case OX_KW_CURRENT_TIMESTAMP:
		return parse_sql_value_function (p, "current_timestamp", true);
	case OX_KW_LOCALTIME:
		return parse_sql_value_function (p, "localtime", true);
	case OX_KW_LOCALTIMESTAMP:
		return parse_sql_value_function (p, "localtimestamp", true);
	case OX_KW_CURRENT_ROLE:
		return parse_sql_value_function (p, "current_role", false);
	case OX_KW_CURRENT_USER:
		return parse_sql_value_function (p, "current_user", false);
	case OX_KW_USER:
		return parse_sql_value_function (p, "user", false);
	case OX_KW_SESSION_USER:
		return parse_sql_value_function (p, "session_user", false);
	case OX_KW_CURRENT_CATALOG:
		return parse_sql_value_function (p, "current_catalog", false);
	case OX_KW_CURRENT_SCHEMA:
		if (paren_next)
			return parse_columnref (p);
		return parse_sql_value_function (p, "current_schema", false);
	case OX_KW_COALESCE:
	case OX_KW_NULLIF:
	case OX_KW_GREATEST:
	case OX_KW_LEAST:
	case OX_KW_EXTRACT:
	case OX_KW_POSITION:
	case OX_KW_SUBSTRING:
	case OX_KW_TRIM:
	case OX_KW_OVERLAY:
		if (paren_next)
			return parse_special_func (p, t->kw);
		break;
	case OX_KW_DOUBLE:
		if (is_kw (peek (p, 1), OX_KW_PRECISION))
			return parse_typed_literal (p);
		break;
	default:
		if (is_type_keyword (t->kw) && type_keyword_starts_literal (p))
			return parse_typed_literal (p);
		break;
	}
	switch (tok_cat (t)) {
	case OX_KWC_UNRESERVED:
	case OX_KWC_COLNAME:
		return parse_columnref (p);
	case OX_KWC_TYPEFUNC:
		if (paren_next)
			return parse_columnref (p);
		break;
	case OX_KWC_RESERVED:
		break;
	}
	syntax_error (p);
}

/* ---- expressions: operators ---------------------------------------------- */


static bool
is_like_group (const OxToken *t)
{
	return is_kw (t, OX_KW_BETWEEN) || is_kw (t, OX_KW_IN) || is_kw (t, OX_KW_LIKE) ||
	       is_kw (t, OX_KW_ILIKE) || is_kw (t, OX_KW_SIMILAR);
}

static const char *op_name (Parser *p, const OxToken *t);

/* "OPERATOR (" at t: the explicit operator syntax (an unreserved word
 * followed by a parenthesis cannot continue an expression otherwise). */
static bool
is_operator_call (Parser *p, const OxToken *t)
{
	return t->kind == OX_TOK_IDENT && t->len == 8 && !g_ascii_strncasecmp (p->sql + t->loc, "operator", 8) &&
	       is_ch (peek (p, 1), '(');
}

/* OPERATOR ( [schema .] op ), at OPERATOR: the operator's name.  Only
 * pg_catalog's operators exist. */
static const char *
parse_operator_call (Parser *p)
{
	advance (p);
	expect_ch (p, '(');
	if (CUR (p)->kind == OX_TOK_IDENT || CUR (p)->kind == OX_TOK_QIDENT) {
		const char *schema = parse_collabel (p);
		if (strcmp (schema, "pg_catalog"))
			ox_raise (OX_ERR_UNDEFINED_SCHEMA, CUR (p)->loc + 1, "schema \"%s\" does not exist", schema);
		expect_ch (p, '.');
	}
	const OxToken *o = CUR (p);
	if (o->kind != OX_TOK_OP && o->kind != OX_TOK_CHAR && o->kind != OX_TOK_LESS_EQUALS &&
	    o->kind != OX_TOK_GREATER_EQUALS && o->kind != OX_TOK_NOT_EQUALS)
		syntax_error (p);
	const char *name = op_name (p, o);
	advance (p);
	expect_ch (p, ')');
	return name;
}

/* Precedence of the current token as an infix or postfix operator, 0 if it
 * is none (then the expression ends before it). */
static int
infix_prec (Parser *p, int flags)
{
	const OxToken *t = CUR (p);
	bool b = flags & EF_B;
	switch (t->kind) {
	case OX_TOK_CHAR:
		switch (t->ch) {
		case '<': case '>': case '=': return PREC_CMP;
		case '+': case '-': return PREC_ADD;
		case '*': case '/': case '%': return PREC_MUL;
		case '^': return PREC_EXP;
		case '[': return PREC_SUBSCRIPT;
		}
		return 0;
	case OX_TOK_LESS_EQUALS:
	case OX_TOK_GREATER_EQUALS:
	case OX_TOK_NOT_EQUALS:
		return PREC_CMP;
	case OX_TOK_OP:
		return PREC_OP;
	case OX_TOK_TYPECAST:
		return PREC_CAST;
	case OX_TOK_IDENT:
		switch (t->kw) {
		case OX_KW_OR: return b ? 0 : PREC_OR;
		case OX_KW_AND: return b ? 0 : PREC_AND;
		case OX_KW_IS:
			if (b) {
				const OxToken *n = peek (p, 1);
				if (is_kw (n, OX_KW_DISTINCT) ||
				    (is_kw (n, OX_KW_NOT) && is_kw (peek (p, 2), OX_KW_DISTINCT)))
					return PREC_IS;
				return 0;
			}
			return PREC_IS;
		case OX_KW_ISNULL:
		case OX_KW_NOTNULL:
			return b ? 0 : PREC_IS;
		case OX_KW_BETWEEN:
		case OX_KW_IN:
		case OX_KW_LIKE:
		case OX_KW_ILIKE:
		case OX_KW_SIMILAR:
			return b ? 0 : PREC_LIKE;
		case OX_KW_NOT:
			return !b && is_like_group (peek (p, 1)) ? PREC_LIKE : 0;
		case OX_KW_AT:
			return is_kw (peek (p, 1), OX_KW_TIME) && is_kw (peek (p, 2), OX_KW_ZONE) ? PREC_AT : 0;
		case OX_KW_COLLATE:
			return PREC_COLLATE;
		}
		/* OPERATOR(schema.op): psql writes its regex matches so */
		if (is_operator_call (p, t))
			return PREC_OP;
		return 0;
	default:
		return 0;
	}
}

/* %nonassoc: after "a OP b", another operator of the same level is a
 * syntax error at that operator. */
static void
check_nonassoc (Parser *p, int prec, int flags)
{
	if (infix_prec (p, flags) == prec)
		syntax_error (p);
}

static const char *
op_name (Parser *p, const OxToken *t)
{
	switch (t->kind) {
	case OX_TOK_CHAR:
		switch (t->ch) {
		case '<': return "<";
		case '>': return ">";
		case '=': return "=";
		case '+': return "+";
		case '-': return "-";
		case '*': return "*";
		case '/': return "/";
		case '%': return "%";
		case '^': return "^";
		}
		break;
	case OX_TOK_LESS_EQUALS: return "<=";
	case OX_TOK_GREATER_EQUALS: return ">=";
	case OX_TOK_NOT_EQUALS: return "<>";
	case OX_TOK_OP:
		if (t->len == 2 && p->sql[t->loc] == '|' && p->sql[t->loc + 1] == '|')
			return "||";
		return ox_arena_strndup (p->a, p->sql + t->loc, (size_t) t->len);
	default:
		break;
	}
	g_assert_not_reached ();
	return NULL;
}

static bool
is_any_all (const OxToken *t)
{
	return is_kw (t, OX_KW_ANY) || is_kw (t, OX_KW_SOME) || is_kw (t, OX_KW_ALL);
}

/* left op ANY|SOME|ALL (SELECT ...), at ANY. */
static OxNode *
parse_sublink_op (Parser *p, OxNode *left, const char *op, int loc)
{
	bool all = is_kw (CUR (p), OX_KW_ALL);
	int kwloc = CUR (p)->loc;
	advance (p);
	if (!is_ch (CUR (p), '('))
		syntax_error (p);
	const OxToken *n = peek (p, 1);
	if (!starts_select (n) && !is_ch (n, '(')) {
		/* x = ANY (array): only over the text-typed array columns of
		 * pg_catalog (catalog-functions.c), as psql writes it */
		if (all || strcmp (op, "="))
			not_supported (kwloc, "ANY/ALL over an array");
		advance (p);
		OxNode *arr = parse_expr (p);
		expect_ch (p, ')');
		return &make_func (p, "=any", list2 (p, left, arr), loc)->node;
	}
	OxSelectStmt *s = parse_select_with_parens (p);
	return make_sublink (p, all ? OX_SUBLINK_ALL : OX_SUBLINK_ANY, left, op, s, loc);
}

static OxNode *
in_sublink (Parser *p, OxNode *left, OxSelectStmt *s, bool is_not, int loc)
{
	OxNode *n = make_sublink (p, OX_SUBLINK_ANY, left, "=", s, loc);
	return is_not ? make_bool (p, OX_BOOL_NOT, n, NULL, loc) : n;
}

/* left [NOT] IN, at '('. */
static OxNode *
parse_in (Parser *p, OxNode *left, bool is_not, int loc)
{
	if (!is_ch (CUR (p), '('))
		syntax_error (p);
	if (starts_select (peek (p, 1)))
		return in_sublink (p, left, parse_select_with_parens (p), is_not, loc);
	advance (p);
	enter (p);
	OxList *list = ox_list_new (p->a);
	ox_list_push (p->a, list, parse_expr (p));
	OxNode *first = OX_LIST_AT (list, 0);
	if (is_bare_sublink (first) && continues_select (CUR (p))) {
		OxSelectStmt *s = parse_select_rest (p, (OxSelectStmt *) ((OxSubLink *) first)->subselect);
		expect_ch (p, ')');
		leave (p);
		return in_sublink (p, left, s, is_not, loc);
	}
	while (accept_ch (p, ','))
		ox_list_push (p->a, list, parse_expr (p));
	expect_ch (p, ')');
	leave (p);
	if (list->n == 1 && is_bare_sublink (first))
		return in_sublink (p, left, (OxSelectStmt *) ((OxSubLink *) first)->subselect, is_not, loc);
	OxInList *in = NEW (p, OxInList, OX_N_INLIST, loc);
	in->arg = left;
	in->list = list;
	in->is_not = is_not;
	return &in->node;
}

/* The BETWEEN/IN/LIKE/ILIKE/SIMILAR group, at the keyword (NOT consumed). */
static OxNode *
parse_like_group (Parser *p, OxNode *left, bool is_not, int flags)
{
	OxToken t = *CUR (p);
	int loc = t.loc;
	advance (p);
	switch (t.kw) {
	case OX_KW_BETWEEN: {
		OxBetween *b = NEW (p, OxBetween, OX_N_BETWEEN, loc);
		b->arg = left;
		b->is_not = is_not;
		if (accept_kw (p, OX_KW_SYMMETRIC))
			b->symmetric = true;
		else
			accept_kw (p, OX_KW_ASYMMETRIC);
		b->low = parse_expr_prec (p, 0, EF_B);
		expect_kw (p, OX_KW_AND);
		b->high = parse_expr_prec (p, PREC_LIKE + 1, flags);
		check_nonassoc (p, PREC_LIKE, flags);
		return &b->node;
	}
	case OX_KW_IN:
		return parse_in (p, left, is_not, loc);
	case OX_KW_LIKE:
	case OX_KW_ILIKE: {
		bool ilike = t.kw == OX_KW_ILIKE;
		if (is_any_all (CUR (p))) {
			static const char *const ops[2][2] = { { "~~", "!~~" }, { "~~*", "!~~*" } };
			return parse_sublink_op (p, left, ops[ilike][is_not], loc);
		}
		OxLike *l = NEW (p, OxLike, OX_N_LIKE, loc);
		l->arg = left;
		l->is_not = is_not;
		l->ilike = ilike;
		l->pattern = parse_expr_prec (p, PREC_LIKE + 1, flags);
		if (accept_kw (p, OX_KW_ESCAPE))
			l->escape = parse_expr_prec (p, PREC_LIKE + 1, flags);
		check_nonassoc (p, PREC_LIKE, flags);
		return &l->node;
	}
	case OX_KW_SIMILAR: {
		/* a SIMILAR TO b [ESCAPE c] is a ~ similar_to_escape(b [, c]), as in
		 * PostgreSQL. */
		expect_kw (p, OX_KW_TO);
		OxNode *pat = parse_expr_prec (p, PREC_LIKE + 1, flags);
		OxList *args = list1 (p, pat);
		if (accept_kw (p, OX_KW_ESCAPE))
			ox_list_push (p->a, args, parse_expr_prec (p, PREC_LIKE + 1, flags));
		OxFuncCall *f = make_func (p, "similar_to_escape", args, loc);
		check_nonassoc (p, PREC_LIKE, flags);
		return make_aexpr (p, OX_AEXPR_OP, is_not ? "!~" : "~", left, &f->node, loc);
	}
	}
	g_assert_not_reached ();
	return NULL;
}

static OxNode *
parse_is (Parser *p, OxNode *left, int flags)
{
	OxToken t = *CUR (p);
	advance (p);
	if (t.kw == OX_KW_ISNULL || t.kw == OX_KW_NOTNULL) {
		OxNullTest *n = NEW (p, OxNullTest, OX_N_NULLTEST, t.loc);
		n->arg = left;
		n->is_not = t.kw == OX_KW_NOTNULL;
		return &n->node;
	}
	bool not = accept_kw (p, OX_KW_NOT);
	const OxToken *k = CUR (p);
	if (is_kw (k, OX_KW_NULL)) {
		advance (p);
		OxNullTest *n = NEW (p, OxNullTest, OX_N_NULLTEST, t.loc);
		n->arg = left;
		n->is_not = not;
		return &n->node;
	}
	if (is_kw (k, OX_KW_TRUE) || is_kw (k, OX_KW_FALSE) || is_kw (k, OX_KW_UNKNOWN)) {
		OxBoolTestKind kind = is_kw (k, OX_KW_TRUE) ? OX_BT_TRUE
		                      : is_kw (k, OX_KW_FALSE) ? OX_BT_FALSE : OX_BT_UNKNOWN;
		advance (p);
		OxBoolTest *b = NEW (p, OxBoolTest, OX_N_BOOLTEST, t.loc);
		b->arg = left;
		b->kind = (OxBoolTestKind) (kind + (not ? 1 : 0));
		return &b->node;
	}
	if (is_kw (k, OX_KW_DISTINCT)) {
		advance (p);
		expect_kw (p, OX_KW_FROM);
		OxNode *r = parse_expr_prec (p, PREC_IS + 1, flags);
		check_nonassoc (p, PREC_IS, flags);
		return make_aexpr (p, not ? OX_AEXPR_NOT_DISTINCT : OX_AEXPR_DISTINCT, "=", left, r, t.loc);
	}
	syntax_error (p);
}

static OxNode *
parse_infix (Parser *p, OxNode *left, int prec, int flags)
{
	OxToken t = *CUR (p);
	switch (prec) {
	case PREC_OR:
	case PREC_AND: {
		advance (p);
		OxNode *r = parse_expr_prec (p, prec + 1, flags);
		return make_bool (p, prec == PREC_OR ? OX_BOOL_OR : OX_BOOL_AND, left, r, t.loc);
	}
	case PREC_IS:
		return parse_is (p, left, flags);
	case PREC_LIKE: {
		bool is_not = accept_kw (p, OX_KW_NOT);
		return parse_like_group (p, left, is_not, flags);
	}
	case PREC_AT: {
		advance (p);
		advance (p);
		advance (p);
		OxNode *zone = parse_expr_prec (p, PREC_AT + 1, flags);
		return &make_func (p, "timezone", list2 (p, zone, left), t.loc)->node;
	}
	case PREC_CAST: {
		advance (p);
		OxTypeCast *c = NEW (p, OxTypeCast, OX_N_TYPECAST, t.loc);
		c->arg = left;
		c->type = parse_typename (p);
		return &c->node;
	}
	case PREC_SUBSCRIPT: {
		/* arr[i] is the function "[]" over the text array (slices
		 * arr[a:b] are not supported) */
		advance (p);
		enter (p);
		OxNode *idx = parse_expr (p);
		if (is_ch (CUR (p), ':'))
			not_supported (CUR (p)->loc, "an array slice");
		expect_ch (p, ']');
		leave (p);
		return &make_func (p, "[]", list2 (p, left, idx), t.loc)->node;
	}
	case PREC_COLLATE: {
		/* The default collation, and C (which it is: text compares
		 * bytewise), are accepted and change nothing; there are no
		 * others yet. */
		advance (p);
		int nloc = CUR (p)->loc;
		const char *coll = parse_collabel (p);
		if (accept_ch (p, '.')) {
			if (strcmp (coll, "pg_catalog"))
				not_supported (nloc, "COLLATE");
			coll = parse_collabel (p);
		}
		if (strcmp (coll, "default") && strcmp (coll, "C") && strcmp (coll, "POSIX"))
			not_supported (nloc, "COLLATE");
		return left;
	}
	default: {
		const char *name = t.kind == OX_TOK_IDENT ? parse_operator_call (p) : op_name (p, &t);
		if (t.kind != OX_TOK_IDENT)
			advance (p);
		if (is_any_all (CUR (p)) && !(flags & EF_B))
			return parse_sublink_op (p, left, name, t.loc);
		OxNode *r = parse_expr_prec (p, prec + 1, flags);
		OxNode *e = make_aexpr (p, OX_AEXPR_OP, name, left, r, t.loc);
		if (prec == PREC_CMP)
			check_nonassoc (p, PREC_CMP, flags);
		return e;
	}
	}
}

static OxNode *
parse_unary (Parser *p, int flags)
{
	const OxToken *t = CUR (p);
	int loc = t->loc;
	if (is_kw (t, OX_KW_NOT)) {
		if (flags & EF_B)
			syntax_error (p);
		advance (p);
		OxNode *arg = parse_expr_prec (p, PREC_NOT, flags);
		return make_bool (p, OX_BOOL_NOT, arg, NULL, loc);
	}
	if (is_ch (t, '+') || is_ch (t, '-')) {
		const char *name = t->ch == '+' ? "+" : "-";
		advance (p);
		OxNode *arg = parse_expr_prec (p, PREC_UMINUS, flags);
		return make_aexpr (p, OX_AEXPR_OP, name, NULL, arg, loc);
	}
	if (t->kind == OX_TOK_OP) {
		const char *name = op_name (p, t);
		advance (p);
		OxNode *arg = parse_expr_prec (p, PREC_OP + 1, flags);
		return make_aexpr (p, OX_AEXPR_OP, name, NULL, arg, loc);
	}
	return parse_primary (p);
}

static OxNode *
parse_expr_prec (Parser *p, int min_prec, int flags)
{
	enter (p);
	int links = 0;
	OxNode *left = parse_unary (p, flags);
	for (;;) {
		int prec = infix_prec (p, flags);
		if (prec == 0 || prec < min_prec)
			break;
		OxNode *n = parse_infix (p, left, prec, flags);
		if (n != left) {  /* not an AND/OR flattened into 'left' */
			chain_link (p);
			links++;
		}
		left = n;
	}
	p->tree -= links;
	leave (p);
	return left;
}

/* ---- target lists and ORDER BY ------------------------------------------- */

static OxResTarget *
parse_target (Parser *p)
{
	const OxToken *t = CUR (p);
	OxResTarget *r = NEW (p, OxResTarget, OX_N_RESTARGET, t->loc);
	if (is_ch (t, '*')) {
		r->val = &NEW (p, OxStar, OX_N_STAR, t->loc)->node;
		advance (p);
		return r;
	}
	r->val = parse_expr (p);
	if (accept_kw (p, OX_KW_AS))
		r->name = parse_collabel (p);
	else if (tok_is_bare_label (CUR (p))) {
		r->name = tok_name (p, CUR (p));
		advance (p);
	}
	return r;
}

static OxList *
parse_target_list (Parser *p)
{
	OxList *l = ox_list_new (p->a);
	do
		ox_list_push (p->a, l, parse_target (p));
	while (accept_ch (p, ','));
	return l;
}

static OxList *
parse_sort_list (Parser *p)
{
	OxList *l = ox_list_new (p->a);
	do {
		OxSortBy *s = NEW (p, OxSortBy, OX_N_SORTBY, CUR (p)->loc);
		s->expr = parse_expr (p);
		if (accept_kw (p, OX_KW_ASC))
			s->dir = OX_SORT_ASC;
		else if (accept_kw (p, OX_KW_DESC))
			s->dir = OX_SORT_DESC;
		else if (is_kw (CUR (p), OX_KW_USING))
			not_supported (CUR (p)->loc, "ORDER BY ... USING");
		if (is_kw (CUR (p), OX_KW_NULLS) &&
		    (is_kw (peek (p, 1), OX_KW_FIRST) || is_kw (peek (p, 1), OX_KW_LAST))) {
			advance (p);
			s->nulls = accept_kw (p, OX_KW_FIRST) ? OX_NULLS_FIRST : OX_NULLS_LAST;
			if (s->nulls == OX_NULLS_LAST)
				advance (p);
		}
		ox_list_push (p->a, l, s);
	} while (accept_ch (p, ','));
	return l;
}

/* ---- FROM ---------------------------------------------------------------- */

/* [schema.]name; catalog.schema.name is refused as PostgreSQL refuses
 * references to other databases. */
static OxRangeVar *
parse_qualified_name (Parser *p)
{
	int loc = CUR (p)->loc;
	OxRangeVar *r = NEW (p, OxRangeVar, OX_N_RANGEVAR, loc);
	r->name = parse_colid (p);
	int parts = 1;
	while (is_ch (CUR (p), '.')) {
		advance (p);
		const char *n = parse_collabel (p);
		parts++;
		r->schema = r->name;
		r->name = n;
	}
	if (parts == 3)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, loc + 1,
		          "cross-database references are not implemented");
	if (parts > 3)
		ox_raise (OX_ERR_SYNTAX, loc + 1, "improper qualified name (too many dotted names)");
	return r;
}

/* [AS] alias [(cols)].  'bare' allows the alias without AS; UPDATE passes
 * false for SET, which would otherwise read as an alias. */
static bool
parse_alias (Parser *p, const char **alias, OxList **cols, bool bare)
{
	if (accept_kw (p, OX_KW_AS))
		*alias = parse_colid (p);
	else if (bare && tok_is_colid (CUR (p))) {
		*alias = tok_name (p, CUR (p));
		advance (p);
	} else
		return false;
	if (cols && is_ch (CUR (p), '('))
		*cols = parse_name_list (p);
	return true;
}

/* [ONLY] name [*] [[AS] alias [(cols)]] */
static OxRangeVar *
parse_relation_expr (Parser *p)
{
	bool only = false;
	bool paren = false;
	if (accept_kw (p, OX_KW_ONLY)) {
		only = true;
		paren = accept_ch (p, '(');
	}
	OxRangeVar *r = parse_qualified_name (p);
	r->only = only;
	if (paren)
		expect_ch (p, ')');
	else if (!only)
		accept_ch (p, '*');  /* inheritance marker: no inheritance here */
	return r;
}

static OxNode *parse_table_ref (Parser *p);
static OxNode *parse_join_tail (Parser *p, OxNode *left);

static OxNode *
finish_subselect (Parser *p, OxSelectStmt *s, int loc, bool lateral)
{
	OxRangeSubselect *r = NEW (p, OxRangeSubselect, OX_N_RANGESUBSELECT, loc);
	r->subquery = &s->node;
	r->lateral = lateral;
	if (!parse_alias (p, &r->alias, &r->colnames, true))
		ox_raise_full (OX_ERR_SYNTAX, loc + 1, NULL, "For example, FROM (SELECT ...) [AS] foo.",
		               "subquery in FROM must have an alias");
	return &r->node;
}

static void
finish_join_alias (Parser *p, OxJoinExpr *j)
{
	OxList *cols = NULL;
	int at = CUR (p)->loc;
	if (parse_alias (p, &j->alias, &cols, true) && cols)
		not_supported (at, "a column alias list on a join");
}

typedef struct FromParen {
	OxSelectStmt *sel;   /* set when the parentheses held a SELECT */
	OxNode       *join;  /* set when they held a joined table */
	int           loc;   /* of the '(' */
} FromParen;

/* At '(' in FROM: "(SELECT ...)" (possibly nested and continued by set
 * operations) or "(a JOIN b ...)".  PostgreSQL refuses "(t)" alone. */
static FromParen
parse_from_paren (Parser *p)
{
	FromParen r = { NULL, NULL, CUR (p)->loc };
	if (starts_select (peek (p, 1))) {
		r.sel = parse_select_with_parens (p);
		return r;
	}
	advance (p);
	enter (p);
	OxNode *t;
	if (is_ch (CUR (p), '(')) {
		FromParen in = parse_from_paren (p);
		if (in.sel) {
			if (accept_ch (p, ')')) {
				leave (p);
				r.sel = in.sel;
				return r;
			}
			if (continues_select (CUR (p))) {
				r.sel = parse_select_rest (p, in.sel);
				expect_ch (p, ')');
				leave (p);
				return r;
			}
			t = finish_subselect (p, in.sel, in.loc, false);
		} else {
			t = in.join;
			finish_join_alias (p, (OxJoinExpr *) t);
		}
		t = parse_join_tail (p, t);
	} else
		t = parse_table_ref (p);
	if (!OX_IS (t, OX_N_JOINEXPR))
		syntax_error (p);
	expect_ch (p, ')');
	leave (p);
	r.join = t;
	return r;
}

static OxNode *
parse_table_primary (Parser *p)
{
	const OxToken *t = CUR (p);
	int loc = t->loc;
	if (is_kw (t, OX_KW_LATERAL)) {
		advance (p);
		if (!is_ch (CUR (p), '('))
			not_supported (loc, "LATERAL with a function");
		FromParen in = parse_from_paren (p);
		if (!in.sel)
			syntax_error (p);
		return finish_subselect (p, in.sel, in.loc, true);
	}
	if (is_ch (t, '(')) {
		FromParen in = parse_from_paren (p);
		if (in.sel)
			return finish_subselect (p, in.sel, in.loc, false);
		finish_join_alias (p, (OxJoinExpr *) in.join);
		return in.join;
	}
	OxRangeVar *r = parse_relation_expr (p);
	if (is_ch (CUR (p), '(')) {
		if (r->only)
			syntax_error (p);
		OxList *name = ox_list_new (p->a);
		if (r->schema)
			ox_list_push (p->a, name, (void *) r->schema);
		ox_list_push (p->a, name, (void *) r->name);
		OxRangeFunction *rf = NEW (p, OxRangeFunction, OX_N_RANGEFUNCTION, loc);
		rf->call = (OxFuncCall *) parse_func_call (p, name, loc);
		if (is_kw (CUR (p), OX_KW_WITH)) {
			/* WITH ORDINALITY: a last column numbering the rows */
			advance (p);
			if (!is_word (p, CUR (p), "ordinality"))
				syntax_error (p);
			advance (p);
			rf->ordinality = true;
		}
		parse_alias (p, &rf->alias, &rf->colnames, true);
		return &rf->node;
	}
	if (is_kw (CUR (p), OX_KW_TABLESAMPLE))
		not_supported (CUR (p)->loc, "TABLESAMPLE");
	parse_alias (p, &r->alias, &r->colnames, true);
	return &r->node;
}

/* Joins after 'left', left-associative.  A qualified join whose right side
 * is followed by another join before its ON/USING takes that join as its
 * right side: "a JOIN b JOIN c ON x ON y" is a JOIN (b JOIN c ON x) ON y,
 * as bison reads it. */
static OxNode *
parse_join_tail (Parser *p, OxNode *left)
{
	int links = 0;
	for (;;) {
		const OxToken *t = CUR (p);
		int loc = t->loc;
		OxJoinType type = OX_JOIN_INNER;
		bool natural = false;
		if (is_kw (t, OX_KW_CROSS)) {
			advance (p);
			expect_kw (p, OX_KW_JOIN);
			OxJoinExpr *j = NEW (p, OxJoinExpr, OX_N_JOINEXPR, loc);
			j->type = OX_JOIN_CROSS;
			j->larg = left;
			j->rarg = parse_table_primary (p);
			left = &j->node;
			chain_link (p);
			links++;
			continue;
		}
		if (is_kw (t, OX_KW_NATURAL)) {
			natural = true;
			advance (p);
			t = CUR (p);
		}
		if (is_kw (t, OX_KW_JOIN))
			advance (p);
		else if (is_kw (t, OX_KW_INNER)) {
			advance (p);
			expect_kw (p, OX_KW_JOIN);
		} else if (is_kw (t, OX_KW_LEFT) || is_kw (t, OX_KW_RIGHT) || is_kw (t, OX_KW_FULL)) {
			type = is_kw (t, OX_KW_LEFT) ? OX_JOIN_LEFT
			       : is_kw (t, OX_KW_RIGHT) ? OX_JOIN_RIGHT : OX_JOIN_FULL;
			advance (p);
			accept_kw (p, OX_KW_OUTER);
			expect_kw (p, OX_KW_JOIN);
		} else {
			if (natural)
				syntax_error (p);
			p->tree -= links;
			return left;
		}
		OxJoinExpr *j = NEW (p, OxJoinExpr, OX_N_JOINEXPR, loc);
		j->type = type;
		j->natural = natural;
		j->larg = left;
		j->rarg = parse_table_primary (p);
		if (!natural) {
			enter (p);
			j->rarg = parse_join_tail (p, j->rarg);
			leave (p);
			if (accept_kw (p, OX_KW_ON))
				j->quals = parse_expr (p);
			else if (is_kw (CUR (p), OX_KW_USING)) {
				advance (p);
				j->using_cols = parse_name_list (p);
				if (is_kw (CUR (p), OX_KW_AS))
					not_supported (CUR (p)->loc, "an alias for JOIN USING");
			} else
				syntax_error (p);
		}
		left = &j->node;
		chain_link (p);
		links++;
	}
}

static OxNode *
parse_table_ref (Parser *p)
{
	enter (p);
	OxNode *t = parse_join_tail (p, parse_table_primary (p));
	leave (p);
	return t;
}

static OxList *
parse_from_list (Parser *p)
{
	OxList *l = ox_list_new (p->a);
	do
		ox_list_push (p->a, l, parse_table_ref (p));
	while (accept_ch (p, ','));
	return l;
}

/* ---- SELECT -------------------------------------------------------------- */

/* Where an empty target list ends ("SELECT FROM t", "SELECT;"). */
static bool
ends_target_list (const OxToken *t)
{
	if (t->kind == OX_TOK_EOF || is_ch (t, ';') || is_ch (t, ')'))
		return true;
	if (t->kind != OX_TOK_IDENT)
		return false;
	switch (t->kw) {
	case OX_KW_FROM: case OX_KW_WHERE: case OX_KW_GROUP: case OX_KW_HAVING:
	case OX_KW_WINDOW: case OX_KW_ORDER: case OX_KW_LIMIT: case OX_KW_OFFSET:
	case OX_KW_FETCH: case OX_KW_FOR: case OX_KW_UNION: case OX_KW_INTERSECT:
	case OX_KW_EXCEPT: case OX_KW_INTO: case OX_KW_ON: case OX_KW_RETURNING:
		return true;
	}
	return false;
}

static OxSelectStmt *
parse_select_core (Parser *p)
{
	OxSelectStmt *s = new_select (p, CUR (p)->loc);
	advance (p);  /* SELECT */
	bool need_targets = false;
	if (accept_kw (p, OX_KW_DISTINCT)) {
		s->distinct = true;
		need_targets = true;
		if (accept_kw (p, OX_KW_ON)) {
			expect_ch (p, '(');
			s->distinct_on = parse_expr_list (p);
			expect_ch (p, ')');
		}
	} else
		accept_kw (p, OX_KW_ALL);
	if (need_targets || !ends_target_list (CUR (p)))
		s->targets = parse_target_list (p);
	if (is_kw (CUR (p), OX_KW_INTO))
		not_supported (CUR (p)->loc, "SELECT INTO");
	if (accept_kw (p, OX_KW_FROM))
		s->from = parse_from_list (p);
	if (accept_kw (p, OX_KW_WHERE))
		s->where = parse_expr (p);
	if (accept_kw (p, OX_KW_GROUP)) {
		expect_kw (p, OX_KW_BY);
		if (is_kw (CUR (p), OX_KW_DISTINCT))
			not_supported (CUR (p)->loc, "GROUP BY DISTINCT");
		accept_kw (p, OX_KW_ALL);
		s->group_by = ox_list_new (p->a);
		do {
			if (is_ch (CUR (p), '(') && is_ch (peek (p, 1), ')'))
				not_supported (CUR (p)->loc, "an empty grouping set");
			ox_list_push (p->a, s->group_by, parse_expr (p));
		} while (accept_ch (p, ','));
	}
	if (accept_kw (p, OX_KW_HAVING))
		s->having = parse_expr (p);
	if (is_kw (CUR (p), OX_KW_WINDOW))
		not_supported (CUR (p)->loc, "WINDOW");
	return s;
}

static OxSelectStmt *
parse_values (Parser *p)
{
	OxSelectStmt *s = new_select (p, CUR (p)->loc);
	advance (p);  /* VALUES */
	s->values = ox_list_new (p->a);
	do {
		expect_ch (p, '(');
		enter (p);
		ox_list_push (p->a, s->values, parse_expr_list (p));
		expect_ch (p, ')');
		leave (p);
	} while (accept_ch (p, ','));
	return s;
}

/* A set-operation operand: SELECT core, VALUES, TABLE t, or (select). */
static OxSelectStmt *
parse_select_operand (Parser *p)
{
	const OxToken *t = CUR (p);
	if (is_ch (t, '('))
		return parse_select_with_parens (p);
	if (is_kw (t, OX_KW_SELECT))
		return parse_select_core (p);
	if (is_kw (t, OX_KW_VALUES))
		return parse_values (p);
	if (is_kw (t, OX_KW_TABLE)) {
		/* TABLE t is SELECT * FROM t. */
		OxSelectStmt *s = new_select (p, t->loc);
		advance (p);
		OxResTarget *r = NEW (p, OxResTarget, OX_N_RESTARGET, s->node.loc);
		r->val = &NEW (p, OxStar, OX_N_STAR, s->node.loc)->node;
		ox_list_push (p->a, s->targets, r);
		ox_list_push (p->a, s->from, parse_relation_expr (p));
		return s;
	}
	syntax_error (p);
}

/* Set operations from 'left' on: INTERSECT binds tighter than UNION and
 * EXCEPT; all are left-associative. */
static OxSelectStmt *
parse_setops (Parser *p, OxSelectStmt *left, int min_prec, int *links)
{
	for (;;) {
		const OxToken *t = CUR (p);
		OxSetOp op;
		int prec;
		if (is_kw (t, OX_KW_UNION)) {
			op = OX_SETOP_UNION;
			prec = 1;
		} else if (is_kw (t, OX_KW_EXCEPT)) {
			op = OX_SETOP_EXCEPT;
			prec = 1;
		} else if (is_kw (t, OX_KW_INTERSECT)) {
			op = OX_SETOP_INTERSECT;
			prec = 2;
		} else
			return left;
		if (prec < min_prec)
			return left;
		int loc = t->loc;
		advance (p);
		bool all = accept_kw (p, OX_KW_ALL);
		if (!all)
			accept_kw (p, OX_KW_DISTINCT);
		OxSelectStmt *right = parse_select_operand (p);
		right = parse_setops (p, right, prec + 1, links);
		OxSelectStmt *n = new_select (p, loc);
		n->op = op;
		n->all = all;
		n->larg = left;
		n->rarg = right;
		left = n;
		chain_link (p);
		(*links)++;
	}
}

static void
parse_select_tail (Parser *p, OxSelectStmt *s)
{
	if (is_kw (CUR (p), OX_KW_ORDER)) {
		int loc = CUR (p)->loc;
		advance (p);
		expect_kw (p, OX_KW_BY);
		if (s->sort)
			ox_raise (OX_ERR_SYNTAX, loc + 1, "multiple ORDER BY clauses not allowed");
		s->sort = parse_sort_list (p);
	}
	bool seen_limit = false, seen_offset = false;
	for (;;) {
		const OxToken *t = CUR (p);
		int loc = t->loc;
		if (is_kw (t, OX_KW_LIMIT) && !seen_limit) {
			advance (p);
			seen_limit = true;
			if (s->limit)
				ox_raise (OX_ERR_SYNTAX, loc + 1, "multiple LIMIT clauses not allowed");
			if (accept_kw (p, OX_KW_ALL))
				continue;
			s->limit = parse_expr (p);
			if (is_ch (CUR (p), ','))
				ox_raise_full (OX_ERR_SYNTAX, loc + 1, NULL, "Use separate LIMIT and OFFSET clauses.",
				               "LIMIT #,# syntax is not supported");
		} else if (is_kw (t, OX_KW_FETCH) && !seen_limit) {
			advance (p);
			seen_limit = true;
			if (s->limit)
				ox_raise (OX_ERR_SYNTAX, loc + 1, "multiple LIMIT clauses not allowed");
			if (!accept_kw (p, OX_KW_FIRST))
				expect_kw (p, OX_KW_NEXT);
			if (is_kw (CUR (p), OX_KW_ROW) || is_kw (CUR (p), OX_KW_ROWS))
				s->limit = make_int_const (p, 1, CUR (p)->loc);
			else
				s->limit = parse_expr (p);
			if (!accept_kw (p, OX_KW_ROW))
				expect_kw (p, OX_KW_ROWS);
			if (is_kw (CUR (p), OX_KW_WITH))
				not_supported (CUR (p)->loc, "FETCH ... WITH TIES");
			expect_kw (p, OX_KW_ONLY);
		} else if (is_kw (t, OX_KW_OFFSET) && !seen_offset) {
			advance (p);
			seen_offset = true;
			if (s->offset)
				ox_raise (OX_ERR_SYNTAX, loc + 1, "multiple OFFSET clauses not allowed");
			s->offset = parse_expr (p);
			if (!accept_kw (p, OX_KW_ROW))
				accept_kw (p, OX_KW_ROWS);
		} else
			break;
	}
	if (is_kw (CUR (p), OX_KW_FOR))
		not_supported (CUR (p)->loc, "SELECT FOR UPDATE/SHARE");
}

static OxSelectStmt *
parse_select_rest (Parser *p, OxSelectStmt *first)
{
	int links = 0;
	OxSelectStmt *s = parse_setops (p, first, 1, &links);
	p->tree -= links;
	parse_select_tail (p, s);
	return s;
}

static OxList *
parse_with (Parser *p, bool *recursive)
{
	advance (p);  /* WITH */
	*recursive = accept_kw (p, OX_KW_RECURSIVE);
	OxList *l = ox_list_new (p->a);
	do {
		OxCommonTableExpr *c = OX_NEW (p->a, OxCommonTableExpr);
		c->loc = CUR (p)->loc;
		c->name = parse_colid (p);
		if (is_ch (CUR (p), '('))
			c->colnames = parse_name_list (p);
		expect_kw (p, OX_KW_AS);
		/* [NOT] MATERIALIZED is a planner hint: accepted, ignored. */
		if (is_kw (CUR (p), OX_KW_NOT) && is_word (p, peek (p, 1), "materialized")) {
			advance (p);
			advance (p);
		} else if (is_word (p, CUR (p), "materialized"))
			advance (p);
		if (!is_ch (CUR (p), '('))
			syntax_error (p);
		const OxToken *n = peek (p, 1);
		if (is_kw (n, OX_KW_INSERT) || is_kw (n, OX_KW_UPDATE) || is_kw (n, OX_KW_DELETE))
			not_supported (n->loc, "a data-modifying statement in WITH");
		c->query = &parse_select_with_parens (p)->node;
		ox_list_push (p->a, l, c);
	} while (accept_ch (p, ','));
	return l;
}

static OxSelectStmt *
parse_select_stmt (Parser *p)
{
	enter (p);
	int loc = CUR (p)->loc;
	OxList *with = NULL;
	bool recursive = false;
	if (is_kw (CUR (p), OX_KW_WITH)) {
		with = parse_with (p, &recursive);
		const OxToken *t = CUR (p);
		if (is_kw (t, OX_KW_INSERT) || is_kw (t, OX_KW_UPDATE) || is_kw (t, OX_KW_DELETE))
			not_supported (t->loc, "WITH before INSERT, UPDATE or DELETE");
	}
	OxSelectStmt *s = parse_select_rest (p, parse_select_operand (p));
	if (with) {
		if (s->with)
			ox_raise (OX_ERR_SYNTAX, loc + 1, "multiple WITH clauses not allowed");
		s->with = with;
		s->with_recursive = recursive;
	}
	leave (p);
	return s;
}

static OxSelectStmt *
parse_select_with_parens (Parser *p)
{
	expect_ch (p, '(');
	OxSelectStmt *s = parse_select_stmt (p);
	expect_ch (p, ')');
	return s;
}

/* ---- INSERT, UPDATE, DELETE ---------------------------------------------- */

static OxList *
parse_returning (Parser *p)
{
	if (!accept_kw (p, OX_KW_RETURNING))
		return NULL;
	return parse_target_list (p);
}

static OxNode *
parse_insert (Parser *p)
{
	OxInsertStmt *s = NEW (p, OxInsertStmt, OX_N_INSERT, CUR (p)->loc);
	advance (p);
	expect_kw (p, OX_KW_INTO);
	s->table = parse_qualified_name (p);
	if (accept_kw (p, OX_KW_AS))
		s->table->alias = parse_colid (p);
	/* "(a, b) VALUES" versus "(SELECT ...)": a column name cannot start a
	 * query, nor a '(' a column name. */
	if (is_ch (CUR (p), '(') && !starts_select (peek (p, 1)) && !is_ch (peek (p, 1), '(')) {
		s->columns = parse_name_list (p);
	}
	if (accept_kw (p, OX_KW_OVERRIDING)) {
		/* OVERRIDING {SYSTEM | USER} VALUE */
		if (is_word (p, CUR (p), "system"))
			s->overriding = 1;
		else if (is_kw (CUR (p), OX_KW_USER))
			s->overriding = 2;
		else
			syntax_error (p);
		advance (p);
		if (!is_word (p, CUR (p), "value"))
			syntax_error (p);
		advance (p);
	}
	if (is_kw (CUR (p), OX_KW_DEFAULT)) {
		advance (p);
		expect_kw (p, OX_KW_VALUES);
	} else {
		const OxToken *t = CUR (p);
		if (!starts_select (t) && !is_ch (t, '('))
			syntax_error (p);
		s->select = parse_select_stmt (p);
	}
	if (is_kw (CUR (p), OX_KW_ON))
		not_supported (CUR (p)->loc, "ON CONFLICT");
	s->returning = parse_returning (p);
	return &s->node;
}

static OxNode *
parse_update (Parser *p)
{
	OxUpdateStmt *s = NEW (p, OxUpdateStmt, OX_N_UPDATE, CUR (p)->loc);
	advance (p);
	s->table = parse_relation_expr (p);
	/* PostgreSQL gives SET a precedence so that "UPDATE t SET" never takes
	 * SET as the alias; we just refuse it as a bare alias. */
	parse_alias (p, &s->table->alias, NULL, !is_kw (CUR (p), OX_KW_SET));
	expect_kw (p, OX_KW_SET);
	s->set = ox_list_new (p->a);
	do {
		int loc = CUR (p)->loc;
		if (is_ch (CUR (p), '(')) {
			/* (a, b) = (x, y) becomes a = x, b = y. */
			OxList *cols = parse_name_list (p);
			if (!is_ch (CUR (p), '='))
				syntax_error (p);
			advance (p);
			if (is_kw (CUR (p), OX_KW_ROW))
				advance (p);
			if (!is_ch (CUR (p), '('))
				syntax_error (p);
			if (starts_select (peek (p, 1)))
				not_supported (CUR (p)->loc, "a multiple-column assignment from a subquery");
			advance (p);
			enter (p);
			OxList *vals = parse_expr_list (p);
			expect_ch (p, ')');
			leave (p);
			if (vals->n != cols->n)
				ox_raise (OX_ERR_SYNTAX, loc + 1, "number of columns does not match number of values");
			for (int i = 0; i < cols->n; i++) {
				OxSetClause *c = NEW (p, OxSetClause, OX_N_SETCLAUSE, loc);
				c->column = OX_LIST_AT (cols, i);
				c->value = OX_LIST_AT (vals, i);
				ox_list_push (p->a, s->set, c);
			}
			continue;
		}
		OxSetClause *c = NEW (p, OxSetClause, OX_N_SETCLAUSE, loc);
		c->column = parse_colid (p);
		if (is_ch (CUR (p), '.') || is_ch (CUR (p), '['))
			not_supported (CUR (p)->loc, "assignment to a field or array element");
		if (!is_ch (CUR (p), '='))
			syntax_error (p);
		advance (p);
		c->value = parse_expr (p);
		ox_list_push (p->a, s->set, c);
	} while (accept_ch (p, ','));
	if (accept_kw (p, OX_KW_FROM))
		s->from = parse_from_list (p);
	if (accept_kw (p, OX_KW_WHERE)) {
		if (is_kw (CUR (p), OX_KW_CURRENT) && is_kw (peek (p, 1), OX_KW_OF))
			not_supported (CUR (p)->loc, "WHERE CURRENT OF");
		s->where = parse_expr (p);
	}
	s->returning = parse_returning (p);
	return &s->node;
}

static OxNode *
parse_delete (Parser *p)
{
	OxDeleteStmt *s = NEW (p, OxDeleteStmt, OX_N_DELETE, CUR (p)->loc);
	advance (p);
	expect_kw (p, OX_KW_FROM);
	s->table = parse_relation_expr (p);
	parse_alias (p, &s->table->alias, NULL, true);
	if (accept_kw (p, OX_KW_USING))
		s->using_ = parse_from_list (p);
	if (accept_kw (p, OX_KW_WHERE)) {
		if (is_kw (CUR (p), OX_KW_CURRENT) && is_kw (peek (p, 1), OX_KW_OF))
			not_supported (CUR (p)->loc, "WHERE CURRENT OF");
		s->where = parse_expr (p);
	}
	s->returning = parse_returning (p);
	return &s->node;
}

/* ---- CREATE TABLE -------------------------------------------------------- */

static const char *
source_since (Parser *p, int start)
{
	int end = p->prev_end;
	if (end < start)
		end = start;
	return ox_arena_strndup (p->a, p->sql + start, (size_t) (end - start));
}

/* CHECK '(' expr ')' with its source text (without the parentheses). */
static void
parse_check_expr (Parser *p, OxConstraint *c)
{
	expect_ch (p, '(');
	int start = CUR (p)->loc;
	c->expr = parse_expr (p);
	c->expr_src = source_since (p, start);
	expect_ch (p, ')');
	if (is_kw (CUR (p), OX_KW_NO) && is_kw (peek (p, 1), OX_KW_INHERIT)) {
		advance (p);
		advance (p);
	}
}

/* REFERENCES t [(cols)] [MATCH ...] [ON DELETE|UPDATE action]...: the
 * actions are parsed and dropped (the binder refuses foreign keys). */
static void
parse_references (Parser *p, OxConstraint *c)
{
	c->fk_table = parse_qualified_name (p);
	if (is_ch (CUR (p), '('))
		c->fk_cols = parse_name_list (p);
	if (accept_kw (p, OX_KW_MATCH)) {
		if (!accept_kw (p, OX_KW_FULL) && !accept_kw (p, OX_KW_PARTIAL))
			expect_kw (p, OX_KW_SIMPLE);
	}
	while (is_kw (CUR (p), OX_KW_ON) &&
	       (is_kw (peek (p, 1), OX_KW_DELETE) || is_kw (peek (p, 1), OX_KW_UPDATE))) {
		advance (p);
		advance (p);
		if (accept_kw (p, OX_KW_NO))
			expect_kw (p, OX_KW_ACTION);
		else if (accept_kw (p, OX_KW_SET)) {
			if (!accept_kw (p, OX_KW_NULL))
				expect_kw (p, OX_KW_DEFAULT);
		} else if (!accept_kw (p, OX_KW_RESTRICT))
			expect_kw (p, OX_KW_CASCADE);
	}
}

/* DEFERRABLE, NOT DEFERRABLE, INITIALLY DEFERRED|IMMEDIATE: accepted and
 * ignored (every constraint is checked immediately).  True if one was read. */
static bool
parse_constraint_attr (Parser *p)
{
	if (accept_kw (p, OX_KW_DEFERRABLE))
		return true;
	if (is_kw (CUR (p), OX_KW_NOT) && is_kw (peek (p, 1), OX_KW_DEFERRABLE)) {
		advance (p);
		advance (p);
		return true;
	}
	if (accept_kw (p, OX_KW_INITIALLY)) {
		if (!accept_kw (p, OX_KW_DEFERRED))
			expect_kw (p, OX_KW_IMMEDIATE);
		return true;
	}
	return false;
}

static void parse_seq_options (Parser *p, OxSeqOptions *o, bool alter, bool in_parens);

/* GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY [( sequence options )];
 * other GENERATED forms (stored generated columns) are not supported. */
static void
parse_identity_constraint (Parser *p, OxConstraint *c)
{
	int loc = CUR (p)->loc;
	advance (p);  /* GENERATED */
	if (is_word (p, CUR (p), "always")) {
		advance (p);
		c->identity = 'a';
	} else if (is_kw (CUR (p), OX_KW_BY)) {
		advance (p);
		expect_kw (p, OX_KW_DEFAULT);
		c->identity = 'd';
	} else
		syntax_error (p);
	expect_kw (p, OX_KW_AS);
	if (!is_kw (CUR (p), OX_KW_IDENTITY))
		not_supported (loc, "a generated column");
	advance (p);
	c->type = OX_CONSTR_IDENTITY;
	if (accept_ch (p, '(')) {
		c->seq_opts = ox_arena_alloc0 (p->a, sizeof (OxSeqOptions));
		parse_seq_options (p, c->seq_opts, false, true);
		expect_ch (p, ')');
	}
}

static OxList *
parse_column_constraints (Parser *p)
{
	OxList *l = ox_list_new (p->a);
	for (;;) {
		if (parse_constraint_attr (p))
			continue;
		const OxToken *t = CUR (p);
		int loc = t->loc;
		const char *name = NULL;
		if (is_kw (t, OX_KW_CONSTRAINT)) {
			advance (p);
			name = parse_colid (p);
			t = CUR (p);
		}
		OxConstraint *c = NEW (p, OxConstraint, OX_N_CONSTRAINT, loc);
		c->name = name;
		if (is_kw (t, OX_KW_NOT) && is_kw (peek (p, 1), OX_KW_NULL)) {
			advance (p);
			advance (p);
			c->type = OX_CONSTR_NOTNULL;
		} else if (is_kw (t, OX_KW_NULL)) {
			advance (p);
			c->type = OX_CONSTR_NULL;
		} else if (is_kw (t, OX_KW_UNIQUE)) {
			advance (p);
			c->type = OX_CONSTR_UNIQUE;
		} else if (is_kw (t, OX_KW_PRIMARY)) {
			advance (p);
			expect_kw (p, OX_KW_KEY);
			c->type = OX_CONSTR_PRIMARY;
		} else if (is_kw (t, OX_KW_CHECK)) {
			advance (p);
			c->type = OX_CONSTR_CHECK;
			parse_check_expr (p, c);
		} else if (is_kw (t, OX_KW_DEFAULT)) {
			advance (p);
			c->type = OX_CONSTR_DEFAULT;
			int start = CUR (p)->loc;
			c->expr = parse_expr_prec (p, 0, EF_B);
			c->expr_src = source_since (p, start);
		} else if (is_kw (t, OX_KW_REFERENCES)) {
			advance (p);
			c->type = OX_CONSTR_FOREIGN;
			parse_references (p, c);
		} else if (is_kw (t, OX_KW_GENERATED)) {
			parse_identity_constraint (p, c);
		} else if (is_kw (t, OX_KW_COLLATE)) {
			not_supported (loc, "COLLATE");
		} else {
			if (name)
				syntax_error (p);
			return l;
		}
		ox_list_push (p->a, l, c);
	}
}

/* [CONSTRAINT name] CHECK (...) | UNIQUE (...) | PRIMARY KEY (...) |
 * FOREIGN KEY (...) REFERENCES ... */
static OxConstraint *
parse_table_constraint (Parser *p)
{
	int loc = CUR (p)->loc;
	OxConstraint *c = NEW (p, OxConstraint, OX_N_CONSTRAINT, loc);
	if (accept_kw (p, OX_KW_CONSTRAINT))
		c->name = parse_colid (p);
	const OxToken *t = CUR (p);
	if (is_kw (t, OX_KW_CHECK)) {
		advance (p);
		c->type = OX_CONSTR_CHECK;
		parse_check_expr (p, c);
	} else if (is_kw (t, OX_KW_UNIQUE)) {
		advance (p);
		c->type = OX_CONSTR_UNIQUE;
		c->keys = parse_name_list (p);
	} else if (is_kw (t, OX_KW_PRIMARY)) {
		advance (p);
		expect_kw (p, OX_KW_KEY);
		c->type = OX_CONSTR_PRIMARY;
		c->keys = parse_name_list (p);
	} else if (is_kw (t, OX_KW_FOREIGN)) {
		advance (p);
		expect_kw (p, OX_KW_KEY);
		c->type = OX_CONSTR_FOREIGN;
		c->keys = parse_name_list (p);
		expect_kw (p, OX_KW_REFERENCES);
		parse_references (p, c);
	} else
		syntax_error (p);
	while (parse_constraint_attr (p))
		;
	return c;
}

static bool
accept_if_not_exists (Parser *p)
{
	if (!is_kw (CUR (p), OX_KW_IF) || !is_kw (peek (p, 1), OX_KW_NOT))
		return false;
	advance (p);
	advance (p);
	expect_kw (p, OX_KW_EXISTS);
	return true;
}

static bool
accept_if_exists (Parser *p)
{
	if (!is_kw (CUR (p), OX_KW_IF) || !is_kw (peek (p, 1), OX_KW_EXISTS))
		return false;
	advance (p);
	advance (p);
	return true;
}

/* One option value of COPY's WITH (...) (PostgreSQL's copy_generic_opt_arg:
 * a Boolean, a string, a number, a word, '*' or a parenthesised list of
 * names) or of CREATE TABLE's WITH (name = value).  */
static void
parse_option_value (Parser *p, OxCopyOption *o)
{
	const OxToken *t = CUR (p);
	if (is_ch (t, ',') || is_ch (t, ')'))
		return;  /* no value */
	if (is_ch (t, '*')) {
		o->star = true;
		o->value = "*";
		advance (p);
	} else if (is_ch (t, '(')) {
		o->cols = parse_name_list (p);
	} else if (is_kw (t, OX_KW_TRUE) || is_kw (t, OX_KW_FALSE) || is_kw (t, OX_KW_ON)) {
		o->value = is_kw (t, OX_KW_TRUE) ? "true" : is_kw (t, OX_KW_FALSE) ? "false" : "on";
		advance (p);
	} else if (t->kind == OX_TOK_STRING) {
		o->value = t->str;
		advance (p);
	} else if (is_ch (t, '-') || is_ch (t, '+')) {
		bool neg = is_ch (t, '-');
		advance (p);
		const OxToken *n = CUR (p);
		if (n->kind != OX_TOK_INTEGER && n->kind != OX_TOK_DECIMAL)
			syntax_error (p);
		o->value = ox_arena_printf (p->a, "%s%.*s", neg ? "-" : "", n->len, p->sql + n->loc);
		advance (p);
	} else if (t->kind == OX_TOK_INTEGER || t->kind == OX_TOK_DECIMAL) {
		o->value = ox_arena_strndup (p->a, p->sql + t->loc, (size_t) t->len);
		advance (p);
	} else if (tok_is_collabel (t)) {
		o->value = tok_name (p, t);
		advance (p);
	} else
		syntax_error (p);
}

/* ( name [value], ... ) for COPY, or ( name [= value], ... ) for CREATE
 * TABLE ... WITH (storage parameters). */
static OxList *
parse_option_list (Parser *p, bool with_equals)
{
	OxList *l = ox_list_new (p->a);
	expect_ch (p, '(');
	do {
		const OxToken *t = CUR (p);
		if (!tok_is_collabel (t))
			syntax_error (p);
		OxCopyOption *o = ox_arena_alloc0 (p->a, sizeof *o);
		o->loc = t->loc;
		o->name = tok_name (p, t);
		advance (p);
		while (with_equals && accept_ch (p, '.'))  /* toast.autovacuum_enabled */
			o->name = ox_arena_printf (p->a, "%s.%s", o->name, parse_collabel (p));
		if (with_equals && !accept_ch (p, '=')) {
			if (!is_ch (CUR (p), ',') && !is_ch (CUR (p), ')'))
				syntax_error (p);
		} else
			parse_option_value (p, o);
		ox_list_push (p->a, l, o);
	} while (accept_ch (p, ','));
	expect_ch (p, ')');
	return l;
}

static OxNode *
parse_create_table (Parser *p, int loc, bool temp)
{
	OxCreateTableStmt *s = NEW (p, OxCreateTableStmt, OX_N_CREATE_TABLE, loc);
	s->temporary = temp;
	s->if_not_exists = accept_if_not_exists (p);
	s->table = parse_qualified_name (p);
	s->columns = ox_list_new (p->a);
	s->constraints = ox_list_new (p->a);
	if (is_ch (CUR (p), '(')) {
		const OxToken *n1 = peek (p, 1), *n2 = peek (p, 2);
		if (tok_is_colid (n1) && (is_ch (n2, ',') || is_ch (n2, ')'))) {
			/* CREATE TABLE t (a, b) AS SELECT: names only. */
			s->as_colnames = parse_name_list (p);
			if (!is_kw (CUR (p), OX_KW_AS))
				syntax_error (p);
		} else {
			advance (p);
			if (!is_ch (CUR (p), ')')) {
				do {
					const OxToken *t = CUR (p);
					if (is_kw (t, OX_KW_CONSTRAINT) || is_kw (t, OX_KW_CHECK) ||
					    is_kw (t, OX_KW_UNIQUE) || is_kw (t, OX_KW_PRIMARY) ||
					    is_kw (t, OX_KW_FOREIGN)) {
						ox_list_push (p->a, s->constraints, parse_table_constraint (p));
						continue;
					}
					if (is_kw (t, OX_KW_LIKE))
						not_supported (t->loc, "CREATE TABLE ... (LIKE ...)");
					OxColumnDef *d = NEW (p, OxColumnDef, OX_N_COLUMNDEF, t->loc);
					d->name = parse_colid (p);
					d->type = parse_typename (p);
					d->constraints = parse_column_constraints (p);
					ox_list_push (p->a, s->columns, d);
				} while (accept_ch (p, ','));
			}
			expect_ch (p, ')');
			if (is_kw (CUR (p), OX_KW_INHERIT) || is_word (p, CUR (p), "inherits"))
				not_supported (CUR (p)->loc, "INHERITS");
			if (is_kw (CUR (p), OX_KW_WITH) && is_ch (peek (p, 1), '(')) {
				advance (p);
				s->with_options = parse_option_list (p, true);
			}
			return &s->node;
		}
	}
	expect_kw (p, OX_KW_AS);
	const OxToken *t = CUR (p);
	if (!starts_select (t) && !is_ch (t, '('))
		syntax_error (p);
	s->as_select = parse_select_stmt (p);
	if (is_kw (CUR (p), OX_KW_WITH) &&
	    (is_kw (peek (p, 1), OX_KW_DATA) || is_kw (peek (p, 1), OX_KW_NO)))
		not_supported (CUR (p)->loc, "WITH [NO] DATA");
	return &s->node;
}

/* ---- other DDL ----------------------------------------------------------- */

static OxNode *
parse_create_index (Parser *p, int loc, bool unique)
{
	OxCreateIndexStmt *s = NEW (p, OxCreateIndexStmt, OX_N_CREATE_INDEX, loc);
	s->unique = unique;
	expect_kw (p, OX_KW_INDEX);
	accept_kw (p, OX_KW_CONCURRENTLY);
	if (accept_if_not_exists (p)) {
		s->if_not_exists = true;
		s->name = parse_colid (p);
	} else if (!is_kw (CUR (p), OX_KW_ON))
		s->name = parse_colid (p);
	expect_kw (p, OX_KW_ON);
	s->table = parse_relation_expr (p);
	if (accept_kw (p, OX_KW_USING))
		s->method = parse_colid (p);
	expect_ch (p, '(');
	s->elems = ox_list_new (p->a);
	do {
		const OxToken *t = CUR (p);
		OxIndexElem *e = NEW (p, OxIndexElem, OX_N_INDEXELEM, t->loc);
		if (is_ch (t, '(')) {
			advance (p);
			e->expr = parse_expr (p);
			expect_ch (p, ')');
		} else if (is_ch (peek (p, 1), '(') || is_ch (peek (p, 1), '.'))
			e->expr = parse_primary (p);  /* lower(name), s.f(x) */
		else
			e->column = parse_colid (p);
		if (is_kw (CUR (p), OX_KW_COLLATE))
			not_supported (CUR (p)->loc, "COLLATE");
		/* An operator class (text_pattern_ops) only guides the planner. */
		if (CUR (p)->kind == OX_TOK_IDENT && CUR (p)->kw == OX_KW_NONE)
			advance (p);
		if (accept_kw (p, OX_KW_ASC))
			e->dir = OX_SORT_ASC;
		else if (accept_kw (p, OX_KW_DESC))
			e->dir = OX_SORT_DESC;
		if (is_kw (CUR (p), OX_KW_NULLS)) {
			advance (p);
			if (accept_kw (p, OX_KW_FIRST))
				e->nulls = OX_NULLS_FIRST;
			else {
				expect_kw (p, OX_KW_LAST);
				e->nulls = OX_NULLS_LAST;
			}
		}
		ox_list_push (p->a, s->elems, e);
	} while (accept_ch (p, ','));
	expect_ch (p, ')');
	const OxToken *t = CUR (p);
	if (is_kw (t, OX_KW_INCLUDE))
		not_supported (t->loc, "INCLUDE");
	if (is_kw (t, OX_KW_WITH))
		not_supported (t->loc, "index storage parameters");
	if (is_kw (t, OX_KW_WHERE))
		not_supported (t->loc, "a partial index");
	return &s->node;
}

static OxNode *
parse_create_view (Parser *p, int loc, bool or_replace)
{
	OxCreateViewStmt *s = NEW (p, OxCreateViewStmt, OX_N_CREATE_VIEW, loc);
	s->or_replace = or_replace;
	expect_kw (p, OX_KW_VIEW);
	s->view = parse_qualified_name (p);
	if (is_ch (CUR (p), '('))
		s->colnames = parse_name_list (p);
	if (is_kw (CUR (p), OX_KW_WITH))
		not_supported (CUR (p)->loc, "view options");
	expect_kw (p, OX_KW_AS);
	const OxToken *t = CUR (p);
	if (!starts_select (t) && !is_ch (t, '('))
		syntax_error (p);
	int start = t->loc;
	s->query = parse_select_stmt (p);
	s->query_src = source_since (p, start);
	if (is_kw (CUR (p), OX_KW_WITH))
		not_supported (CUR (p)->loc, "WITH CHECK OPTION");
	return &s->node;
}

/* ---- routines ------------------------------------------------------------ */

/* A string constant (quoted or dollar-quoted) and where its value starts
 * in the text: for $tag$...$tag$ that is exact; for '...' it is one past
 * the quote (escapes inside shift later columns, which only matters for
 * error positions inside such bodies). */
static const char *
parse_body_string (Parser *p, int *body_loc)
{
	const OxToken *t = CUR (p);
	if (t->kind != OX_TOK_STRING)
		syntax_error (p);
	const char *src = p->sql + t->loc;
	int off = 1;
	if (src[0] == '$') {
		while (off < t->len && src[off] != '$')
			off++;
		off++;
	} else if (src[0] == 'E' || src[0] == 'e')
		off = 2;
	*body_loc = t->loc + off;
	const char *body = t->str;
	advance (p);
	return body;
}

/* Is the current token the start of an unnamed parameter's type?  In
 * "f(a integer)" 'a' is a name; in "f(integer)", "f(double precision)",
 * "f(numeric(10,2))", "f(s.t)" the first word is already the type. */
static bool
param_starts_with_type (Parser *p)
{
	const OxToken *t = CUR (p);
	if (t->kind == OX_TOK_IDENT && t->kw != OX_KW_NONE && is_type_keyword (t->kw))
		return true;
	if (is_kw (t, OX_KW_DOUBLE))
		return true;
	const OxToken *n = peek (p, 1);
	return is_ch (n, ',') || is_ch (n, ')') || is_ch (n, '=') || is_ch (n, '.') || is_ch (n, '(') ||
	       is_ch (n, '[') || is_kw (n, OX_KW_DEFAULT) || n->kind == OX_TOK_EOF;
}

/* [mode] [name] type [{DEFAULT | =} expr] */
static OxFuncParam *
parse_func_param (Parser *p, bool allow_default)
{
	OxFuncParam *fp = NEW (p, OxFuncParam, OX_N_FUNCPARAM, CUR (p)->loc);
	fp->mode = 0;
	const OxToken *t = CUR (p);
	/* A mode word followed by something that is not a type end: a mode. */
	if ((is_kw (t, OX_KW_IN) || is_kw (t, OX_KW_OUT) || is_kw (t, OX_KW_INOUT) ||
	     is_kw (t, OX_KW_VARIADIC)) && !is_ch (peek (p, 1), ',') && !is_ch (peek (p, 1), ')')) {
		if (is_kw (t, OX_KW_IN)) {
			advance (p);
			if (accept_kw (p, OX_KW_OUT))
				fp->mode = 2;
		} else if (is_kw (t, OX_KW_OUT)) {
			advance (p);
			fp->mode = 1;
		} else if (is_kw (t, OX_KW_INOUT)) {
			advance (p);
			fp->mode = 2;
		} else {
			advance (p);
			fp->variadic = true;
		}
	}
	if (!param_starts_with_type (p))
		fp->name = parse_colid (p);
	fp->type = parse_typename (p);
	if (allow_default && (is_kw (CUR (p), OX_KW_DEFAULT) || is_ch (CUR (p), '='))) {
		advance (p);
		int start = CUR (p)->loc;
		fp->defexpr = parse_expr (p);
		fp->default_src = source_since (p, start);
	}
	return fp;
}

/* CREATE [OR REPLACE] {FUNCTION | PROCEDURE} name ([params]) [RETURNS ...]
 * options..., in any order as PostgreSQL allows. */
static OxNode *
parse_create_function (Parser *p, int loc, bool or_replace)
{
	OxCreateFunctionStmt *s = NEW (p, OxCreateFunctionStmt, OX_N_CREATE_FUNCTION, loc);
	s->or_replace = or_replace;
	s->is_procedure = is_word (p, CUR (p), "procedure");
	s->volatility = -1;
	s->strict = -1;
	advance (p);
	OxRangeVar *rv = parse_qualified_name (p);
	s->schema = rv->schema;
	s->name = rv->name;
	s->params = ox_list_new (p->a);
	expect_ch (p, '(');
	if (!is_ch (CUR (p), ')')) {
		do
			ox_list_push (p->a, s->params, parse_func_param (p, true));
		while (accept_ch (p, ','));
	}
	expect_ch (p, ')');
	if (!s->is_procedure && is_word (p, CUR (p), "returns")) {
		advance (p);
		if (is_kw (CUR (p), OX_KW_TABLE) && is_ch (peek (p, 1), '(')) {
			advance (p);
			advance (p);
			s->table_cols = ox_list_new (p->a);
			do {
				OxFuncParam *fp = NEW (p, OxFuncParam, OX_N_FUNCPARAM, CUR (p)->loc);
				fp->mode = 3;
				fp->name = parse_colid (p);
				fp->type = parse_typename (p);
				ox_list_push (p->a, s->table_cols, fp);
			} while (accept_ch (p, ','));
			expect_ch (p, ')');
			s->returns_setof = true;
		} else {
			if (accept_kw (p, OX_KW_SETOF))
				s->returns_setof = true;
			s->returns = parse_typename (p);
		}
	}
	for (;;) {
		const OxToken *t = CUR (p);
		if (is_word (p, t, "language")) {
			advance (p);
			t = CUR (p);
			if (t->kind == OX_TOK_STRING) {
				s->language = ox_ident_fold (p->a, t->str, (size_t) t->str_len);
				advance (p);
			} else
				s->language = parse_colid (p);
		} else if (is_kw (t, OX_KW_AS)) {
			advance (p);
			s->body = parse_body_string (p, &s->body_loc);
			if (accept_ch (p, ','))
				not_supported (CUR (p)->loc, "a C-language routine (AS 'file', 'symbol')");
		} else if (is_word (p, t, "immutable") || is_word (p, t, "stable") || is_word (p, t, "volatile")) {
			if (s->volatility >= 0)
				ox_raise (OX_ERR_SYNTAX, t->loc + 1, "conflicting or redundant options");
			s->volatility = is_word (p, t, "immutable") ? 0 : is_word (p, t, "stable") ? 1 : 2;
			advance (p);
		} else if (is_word (p, t, "strict")) {
			if (s->strict >= 0)
				ox_raise (OX_ERR_SYNTAX, t->loc + 1, "conflicting or redundant options");
			advance (p);
			s->strict = 1;
		} else if (is_word (p, t, "called") || is_word (p, t, "returns")) {
			/* CALLED ON NULL INPUT | RETURNS NULL ON NULL INPUT */
			bool called = is_word (p, t, "called");
			advance (p);
			if (!called && !accept_kw (p, OX_KW_NULL))
				syntax_error (p);
			if (s->strict >= 0)
				ox_raise (OX_ERR_SYNTAX, CUR (p)->loc + 1, "conflicting or redundant options");
			expect_kw (p, OX_KW_ON);
			expect_kw (p, OX_KW_NULL);
			if (!is_word (p, CUR (p), "input"))
				syntax_error (p);
			advance (p);
			s->strict = called ? 0 : 1;
		} else if (is_word (p, t, "security") || (is_word (p, t, "external") && is_word (p, peek (p, 1), "security"))) {
			if (is_word (p, t, "external"))
				advance (p);
			advance (p);
			if (is_word (p, CUR (p), "definer"))
				s->security_definer = true;
			else if (!is_word (p, CUR (p), "invoker"))
				syntax_error (p);
			advance (p);
		} else if (is_word (p, t, "leakproof") || (is_kw (t, OX_KW_NOT) && is_word (p, peek (p, 1), "leakproof"))) {
			if (is_kw (t, OX_KW_NOT))
				advance (p);
			advance (p);
		} else if (is_word (p, t, "parallel")) {
			advance (p);
			if (!is_word (p, CUR (p), "safe") && !is_word (p, CUR (p), "unsafe") &&
			    !is_word (p, CUR (p), "restricted"))
				syntax_error (p);
			advance (p);
		} else if (is_word (p, t, "cost") || is_kw (t, OX_KW_ROWS)) {
			/* planner hints: accepted, we have no cost model to feed */
			advance (p);
			if (CUR (p)->kind != OX_TOK_INTEGER && CUR (p)->kind != OX_TOK_DECIMAL)
				syntax_error (p);
			advance (p);
		} else if (is_kw (t, OX_KW_SET)) {
			not_supported (t->loc, "SET in a routine definition");
		} else if (is_word (p, t, "return") || (is_kw (t, OX_KW_BEGIN) && is_word (p, peek (p, 1), "atomic"))) {
			not_supported (t->loc, "a SQL-standard routine body (RETURN / BEGIN ATOMIC); use AS $$ ... $$");
		} else
			break;
	}
	return &s->node;
}

/* CREATE [OR REPLACE] TRIGGER name {BEFORE | AFTER | INSTEAD OF}
 *   event [OR ...] ON table [FOR [EACH] {ROW | STATEMENT}] [WHEN (cond)]
 *   EXECUTE {FUNCTION | PROCEDURE} f(args) */
static OxNode *
parse_create_trigger (Parser *p, int loc, bool or_replace)
{
	OxCreateTriggerStmt *s = NEW (p, OxCreateTriggerStmt, OX_N_CREATE_TRIGGER, loc);
	s->or_replace = or_replace;
	advance (p);  /* TRIGGER */
	s->name = parse_colid (p);
	const OxToken *t = CUR (p);
	if (is_word (p, t, "before"))
		s->timing = OX_TRIG_BEFORE;
	else if (is_word (p, t, "after"))
		s->timing = OX_TRIG_AFTER;
	else if (is_word (p, t, "instead")) {
		advance (p);
		expect_kw (p, OX_KW_OF);
		s->timing = OX_TRIG_INSTEAD;
		goto events;
	} else
		syntax_error (p);
	advance (p);
events:
	do {
		t = CUR (p);
		int ev;
		if (is_kw (t, OX_KW_INSERT))
			ev = OX_TRIG_INSERT;
		else if (is_kw (t, OX_KW_UPDATE))
			ev = OX_TRIG_UPDATE;
		else if (is_kw (t, OX_KW_DELETE))
			ev = OX_TRIG_DELETE;
		else if (is_kw (t, OX_KW_TRUNCATE))
			ev = OX_TRIG_TRUNCATE;
		else
			syntax_error (p);
		if (s->events & ev)
			ox_raise (OX_ERR_SYNTAX, t->loc + 1, "duplicate trigger events specified at or near \"%s\"",
			          tok_name (p, t));
		advance (p);
		s->events |= ev;
		if (ev == OX_TRIG_UPDATE && accept_kw (p, OX_KW_OF)) {
			s->update_cols = ox_list_new (p->a);
			do
				ox_list_push (p->a, s->update_cols, (void *) parse_colid (p));
			while (accept_ch (p, ','));
		}
	} while (accept_kw (p, OX_KW_OR));
	expect_kw (p, OX_KW_ON);
	s->table = parse_qualified_name (p);
	if (is_word (p, CUR (p), "referencing"))
		not_supported (CUR (p)->loc, "REFERENCING (transition tables)");
	if (accept_kw (p, OX_KW_FOR)) {
		if (is_word (p, CUR (p), "each"))
			advance (p);
		if (accept_kw (p, OX_KW_ROW))
			s->for_each_row = true;
		else if (is_word (p, CUR (p), "statement"))
			advance (p);
		else
			syntax_error (p);
	}
	if (accept_kw (p, OX_KW_WHEN)) {
		expect_ch (p, '(');
		int start = CUR (p)->loc;
		s->when = parse_expr (p);
		s->when_src = source_since (p, start);
		expect_ch (p, ')');
	}
	if (!is_word (p, CUR (p), "execute"))
		syntax_error (p);
	advance (p);
	if (!is_word (p, CUR (p), "function") && !is_word (p, CUR (p), "procedure"))
		syntax_error (p);
	advance (p);
	OxRangeVar *fn = parse_qualified_name (p);
	s->func_name = ox_list_new (p->a);
	if (fn->schema)
		ox_list_push (p->a, s->func_name, (void *) fn->schema);
	ox_list_push (p->a, s->func_name, (void *) fn->name);
	expect_ch (p, '(');
	s->args = ox_list_new (p->a);
	if (!is_ch (CUR (p), ')')) {
		do {
			/* arguments are literals, passed to the function as text */
			const OxToken *a = CUR (p);
			if (a->kind == OX_TOK_STRING)
				ox_list_push (p->a, s->args, (void *) a->str);
			else if (a->kind == OX_TOK_INTEGER || a->kind == OX_TOK_DECIMAL || a->kind == OX_TOK_IDENT ||
			         a->kind == OX_TOK_QIDENT)
				ox_list_push (p->a, s->args, (void *) (a->kind == OX_TOK_QIDENT || a->kind == OX_TOK_IDENT
				                                         ? tok_name (p, a)
				                                         : ox_arena_strndup (p->a, p->sql + a->loc, (size_t) a->len)));
			else
				syntax_error (p);
			advance (p);
		} while (accept_ch (p, ','));
	}
	expect_ch (p, ')');
	return &s->node;
}

/* CREATE SCHEDULE name CRON 'expr' [TIMEZONE 'tz'] DO {CALL p(...) | [LANGUAGE l] 'body'} */
static OxNode *
parse_create_schedule (Parser *p, int loc)
{
	OxCreateScheduleStmt *s = NEW (p, OxCreateScheduleStmt, OX_N_CREATE_SCHEDULE, loc);
	advance (p);  /* SCHEDULE */
	s->name = parse_qualified_name (p);
	if (!is_word (p, CUR (p), "cron"))
		syntax_error (p);
	advance (p);
	if (CUR (p)->kind != OX_TOK_STRING)
		syntax_error (p);
	s->cron_loc = CUR (p)->loc;
	s->cron = CUR (p)->str;
	advance (p);
	if (is_word (p, CUR (p), "timezone") || (is_kw (CUR (p), OX_KW_TIME) && is_word (p, peek (p, 1), "zone"))) {
		if (is_kw (CUR (p), OX_KW_TIME))
			advance (p);
		advance (p);
		if (CUR (p)->kind != OX_TOK_STRING)
			syntax_error (p);
		s->tz_loc = CUR (p)->loc;
		s->timezone = CUR (p)->str;
		advance (p);
	}
	if (!is_kw (CUR (p), OX_KW_DO))
		syntax_error (p);
	if (is_word (p, peek (p, 1), "call")) {
		advance (p);
		int start = CUR (p)->loc;
		s->action = parse_call (p);
		s->action_src = source_since (p, start);
	} else {
		int start = CUR (p)->loc;
		s->action = parse_do (p);
		s->action_src = source_since (p, start);
	}
	return &s->node;
}

/* CREATE EVENT TRIGGER name ON event [WHEN TAG IN ('...' [, ...])]
 *   EXECUTE {FUNCTION | PROCEDURE} f() */
static OxNode *
parse_create_event_trigger (Parser *p, int loc)
{
	OxCreateEventTriggerStmt *s = NEW (p, OxCreateEventTriggerStmt, OX_N_CREATE_EVENT_TRIGGER, loc);
	advance (p);  /* EVENT */
	advance (p);  /* TRIGGER */
	s->name = parse_colid (p);
	expect_kw (p, OX_KW_ON);
	s->event_loc = CUR (p)->loc;
	s->event = parse_colid (p);
	if (accept_kw (p, OX_KW_WHEN)) {
		if (!is_word (p, CUR (p), "tag"))
			ox_raise (OX_ERR_SYNTAX, CUR (p)->loc + 1, "only TAG filters are supported in event triggers");
		advance (p);
		expect_kw (p, OX_KW_IN);
		expect_ch (p, '(');
		s->tags = ox_list_new (p->a);
		do {
			if (CUR (p)->kind != OX_TOK_STRING)
				syntax_error (p);
			ox_list_push (p->a, s->tags, (void *) g_ascii_strup (CUR (p)->str, -1));
			/* g_ascii_strup allocates: keep it in the arena instead */
			char *up = s->tags->items[s->tags->n - 1];
			s->tags->items[s->tags->n - 1] = ox_arena_strdup (p->a, up);
			g_free (up);
			advance (p);
		} while (accept_ch (p, ','));
		expect_ch (p, ')');
	}
	if (!is_word (p, CUR (p), "execute"))
		syntax_error (p);
	advance (p);
	if (!is_word (p, CUR (p), "function") && !is_word (p, CUR (p), "procedure"))
		syntax_error (p);
	advance (p);
	OxRangeVar *fn = parse_qualified_name (p);
	s->func_name = ox_list_new (p->a);
	if (fn->schema)
		ox_list_push (p->a, s->func_name, (void *) fn->schema);
	ox_list_push (p->a, s->func_name, (void *) fn->name);
	expect_ch (p, '(');
	expect_ch (p, ')');
	return &s->node;
}

/* ---- roles ---------------------------------------------------------------- */

static void __attribute__ ((noreturn))
redundant_option (const OxToken *t)
{
	ox_raise (OX_ERR_SYNTAX, t->loc + 1, "conflicting or redundant options");
}

static void
set_role_flag (int *flag, int value, const OxToken *t)
{
	if (*flag >= 0)
		redundant_option (t);
	*flag = value;
}

/* [WITH] option ...: SUPERUSER | NOSUPERUSER | CREATEDB | NOCREATEDB |
 * CREATEROLE | NOCREATEROLE | INHERIT | NOINHERIT | LOGIN | NOLOGIN |
 * REPLICATION | NOREPLICATION | BYPASSRLS | NOBYPASSRLS | CONNECTION LIMIT n |
 * [ENCRYPTED] PASSWORD 'p' | PASSWORD NULL | VALID UNTIL 'ts' */
static void
parse_role_options (Parser *p, OxRoleOptions *o)
{
	o->superuser = o->createdb = o->createrole = o->inherit = o->login = o->replication = o->bypassrls = -1;
	accept_kw (p, OX_KW_WITH);
	static const struct { const char *word; size_t off; } flags[] = {
		{ "superuser", offsetof (OxRoleOptions, superuser) },
		{ "createdb", offsetof (OxRoleOptions, createdb) },
		{ "createrole", offsetof (OxRoleOptions, createrole) },
		{ "inherit", offsetof (OxRoleOptions, inherit) },
		{ "login", offsetof (OxRoleOptions, login) },
		{ "replication", offsetof (OxRoleOptions, replication) },
		{ "bypassrls", offsetof (OxRoleOptions, bypassrls) },
	};
	for (;;) {
		const OxToken *t = CUR (p);
		if (t->kind == OX_TOK_EOF || is_ch (t, ';'))
			return;
		bool done = false;
		for (size_t i = 0; i < G_N_ELEMENTS (flags) && !done; i++) {
			char no[32];
			g_snprintf (no, sizeof no, "no%s", flags[i].word);
			int *f = (int *) ((char *) o + flags[i].off);
			if (is_word (p, t, flags[i].word)) {
				set_role_flag (f, 1, t);
				done = true;
			} else if (is_word (p, t, no)) {
				set_role_flag (f, 0, t);
				done = true;
			}
		}
		if (done) {
			advance (p);
			continue;
		}
		if (is_word (p, t, "connection") && is_kw (peek (p, 1), OX_KW_LIMIT)) {
			if (o->has_connlimit)
				redundant_option (t);
			advance (p);
			advance (p);
			bool neg = accept_ch (p, '-');
			const OxToken *n = CUR (p);
			if (n->kind != OX_TOK_INTEGER)
				syntax_error (p);
			o->has_connlimit = true;
			o->connlimit = (int) g_ascii_strtoll (p->sql + n->loc, NULL, 10) * (neg ? -1 : 1);
			advance (p);
			continue;
		}
		if (is_word (p, t, "encrypted") || is_word (p, t, "unencrypted")) {
			if (is_word (p, t, "unencrypted"))
				not_supported (t->loc, "UNENCRYPTED PASSWORD");
			advance (p);
			if (!is_word (p, CUR (p), "password"))
				syntax_error (p);
			t = CUR (p);
		}
		if (is_word (p, t, "password")) {
			if (o->has_password)
				redundant_option (t);
			advance (p);
			o->has_password = true;
			if (accept_kw (p, OX_KW_NULL))
				o->password = NULL;
			else if (CUR (p)->kind == OX_TOK_STRING) {
				o->password = ox_arena_strndup (p->a, CUR (p)->str, (size_t) CUR (p)->str_len);
				advance (p);
			} else
				syntax_error (p);
			continue;
		}
		if (is_word (p, t, "valid") && is_word (p, peek (p, 1), "until")) {
			if (o->has_valid_until)
				redundant_option (t);
			advance (p);
			advance (p);
			if (CUR (p)->kind != OX_TOK_STRING)
				syntax_error (p);
			o->has_valid_until = true;
			o->valid_until = CUR (p)->str;
			o->valid_until_loc = CUR (p)->loc;
			advance (p);
			continue;
		}
		if (is_kw (t, OX_KW_IN) || is_word (p, t, "role") || is_word (p, t, "admin") || is_word (p, t, "sysid"))
			not_supported (t->loc, "role membership (IN ROLE, ROLE, ADMIN) and SYSID");
		syntax_error (p);
	}
}

/* CREATE ROLE | USER | GROUP name [WITH] options (at ROLE/USER/GROUP) */
static OxNode *
parse_create_role (Parser *p, int loc)
{
	OxCreateRoleStmt *s = NEW (p, OxCreateRoleStmt, OX_N_CREATE_ROLE, loc);
	s->is_user = is_kw (CUR (p), OX_KW_USER);
	advance (p);
	s->name = parse_colid (p);
	parse_role_options (p, &s->opts);
	return &s->node;
}

/* ALTER ROLE | USER name [WITH] options | RENAME TO name (at ROLE/USER) */
static OxNode *
parse_alter_role (Parser *p, int loc)
{
	OxAlterRoleStmt *s = NEW (p, OxAlterRoleStmt, OX_N_ALTER_ROLE, loc);
	advance (p);
	s->name = parse_colid (p);
	if (is_word (p, CUR (p), "rename")) {
		advance (p);
		expect_kw (p, OX_KW_TO);
		s->new_name = parse_colid (p);
		s->opts.superuser = s->opts.createdb = s->opts.createrole = s->opts.inherit = s->opts.login =
			s->opts.replication = s->opts.bypassrls = -1;
		return &s->node;
	}
	if (is_kw (CUR (p), OX_KW_SET) || is_kw (CUR (p), OX_KW_RESET))
		not_supported (CUR (p)->loc, "ALTER ROLE ... SET");
	parse_role_options (p, &s->opts);
	return &s->node;
}

/* ---- sequences ------------------------------------------------------------ */

/* An unquoted word, keyword or not (START, CYCLE, BY ...). */
static bool
is_seq_word (Parser *p, const OxToken *t, const char *w)
{
	size_t n = strlen (w);
	return t->kind == OX_TOK_IDENT && (size_t) t->len == n && g_ascii_strncasecmp (p->sql + t->loc, w, n) == 0;
}

/* [+|-] integer, as a bigint. */
static int64_t
parse_seq_int (Parser *p)
{
	bool neg = false;
	if (is_ch (CUR (p), '-') || is_ch (CUR (p), '+')) {
		neg = CUR (p)->ch == '-';
		advance (p);
	}
	const OxToken *t = CUR (p);
	if (t->kind != OX_TOK_INTEGER)
		syntax_error (p);
	uint64_t v = 0;
	for (int i = 0; i < t->len; i++) {
		uint64_t d = (uint64_t) (p->sql[t->loc + i] - '0');
		if (v > (UINT64_C (9223372036854775808) - d) / 10)
			ox_raise (OX_ERR_NUMERIC_OUT_OF_RANGE, t->loc + 1, "value \"%.*s\" is out of range for type bigint",
			          t->len, p->sql + t->loc);
		v = v * 10 + d;
	}
	if (!neg && v > (uint64_t) G_MAXINT64)
		ox_raise (OX_ERR_NUMERIC_OUT_OF_RANGE, t->loc + 1, "value \"%.*s\" is out of range for type bigint", t->len,
		          p->sql + t->loc);
	advance (p);
	return neg ? (int64_t) (0 - v) : (int64_t) v;
}

static void __attribute__ ((noreturn))
seq_conflict (Parser *p, const OxToken *t)
{
	(void) p;
	ox_raise (OX_ERR_SYNTAX, t->loc + 1, "conflicting or redundant options");
}

/* The options of CREATE/ALTER SEQUENCE (and of an identity column, in
 * parentheses: 'in_parens' stops at ')'). */
static void
parse_seq_options (Parser *p, OxSeqOptions *o, bool alter, bool in_parens)
{
	for (;;) {
		const OxToken *t = CUR (p);
		if (t->kind == OX_TOK_EOF || is_ch (t, ';') || (in_parens && is_ch (t, ')')))
			return;
		if (is_kw (t, OX_KW_AS)) {
			if (o->as_type)
				seq_conflict (p, t);
			advance (p);
			o->as_loc = CUR (p)->loc;
			o->as_type = parse_typename (p)->name;
		} else if (is_seq_word (p, t, "increment")) {
			if (o->has_increment)
				seq_conflict (p, t);
			advance (p);
			accept_kw (p, OX_KW_BY);
			o->has_increment = true;
			o->increment = parse_seq_int (p);
		} else if (is_seq_word (p, t, "minvalue")) {
			if (o->has_min)
				seq_conflict (p, t);
			advance (p);
			o->has_min = 1;
			o->min = parse_seq_int (p);
		} else if (is_seq_word (p, t, "maxvalue")) {
			if (o->has_max)
				seq_conflict (p, t);
			advance (p);
			o->has_max = 1;
			o->max = parse_seq_int (p);
		} else if (is_seq_word (p, t, "no")) {
			const OxToken *w = peek (p, 1);
			if (is_seq_word (p, w, "minvalue")) {
				if (o->has_min)
					seq_conflict (p, t);
				o->has_min = 2;
			} else if (is_seq_word (p, w, "maxvalue")) {
				if (o->has_max)
					seq_conflict (p, t);
				o->has_max = 2;
			} else if (is_seq_word (p, w, "cycle")) {
				if (o->cycle)
					seq_conflict (p, t);
				o->cycle = 2;
			} else
				syntax_error_tok (p, w);
			advance (p);
			advance (p);
		} else if (is_seq_word (p, t, "cycle")) {
			if (o->cycle)
				seq_conflict (p, t);
			advance (p);
			o->cycle = 1;
		} else if (is_seq_word (p, t, "start")) {
			if (o->has_start)
				seq_conflict (p, t);
			advance (p);
			accept_kw (p, OX_KW_WITH);
			o->has_start = true;
			o->start = parse_seq_int (p);
		} else if (alter && is_seq_word (p, t, "restart")) {
			if (o->has_restart)
				seq_conflict (p, t);
			advance (p);
			o->has_restart = true;
			if (accept_kw (p, OX_KW_WITH) || CUR (p)->kind == OX_TOK_INTEGER || is_ch (CUR (p), '-') ||
			    is_ch (CUR (p), '+')) {
				o->restart_with = true;
				o->restart = parse_seq_int (p);
			}
		} else if (is_seq_word (p, t, "cache")) {
			if (o->has_cache)
				seq_conflict (p, t);
			advance (p);
			o->has_cache = true;
			o->cache = parse_seq_int (p);
		} else if (!in_parens && is_seq_word (p, t, "owned")) {
			if (o->has_owned)
				seq_conflict (p, t);
			advance (p);
			expect_kw (p, OX_KW_BY);
			o->has_owned = true;
			o->owned_loc = CUR (p)->loc;
			if (is_seq_word (p, CUR (p), "none") && !is_ch (peek (p, 1), '.')) {
				advance (p);
				o->owned_by = NULL;
			} else {
				o->owned_by = ox_list_new (p->a);
				do
					ox_list_push (p->a, o->owned_by, (void *) parse_colid (p));
				while (accept_ch (p, '.'));
			}
		} else
			syntax_error (p);
	}
}

/* CREATE SEQUENCE [IF NOT EXISTS] name [options] (CREATE consumed up to
 * SEQUENCE). */
static OxNode *
parse_create_sequence (Parser *p, int loc)
{
	advance (p);  /* SEQUENCE */
	OxCreateSequenceStmt *s = NEW (p, OxCreateSequenceStmt, OX_N_CREATE_SEQUENCE, loc);
	s->if_not_exists = accept_if_not_exists (p);
	s->name = parse_qualified_name (p);
	parse_seq_options (p, &s->opts, false, false);
	return &s->node;
}

/* ALTER SEQUENCE [IF EXISTS] name options (ALTER consumed). */
static OxNode *
parse_alter_sequence (Parser *p, int loc)
{
	advance (p);  /* SEQUENCE */
	OxCreateSequenceStmt *s = NEW (p, OxCreateSequenceStmt, OX_N_ALTER_SEQUENCE, loc);
	s->is_alter = true;
	s->if_exists = accept_if_exists (p);
	s->name = parse_qualified_name (p);
	if (is_seq_word (p, CUR (p), "rename") || is_seq_word (p, CUR (p), "set") || is_seq_word (p, CUR (p), "owner"))
		not_supported (CUR (p)->loc, "this form of ALTER SEQUENCE");
	parse_seq_options (p, &s->opts, true, false);
	return &s->node;
}

/* ---- ALTER TABLE actions and renames (run by engine/alter.c) ---- */

/* ALTER TABLE t ADD followed by a table constraint (the older path)? */
static bool
alter_add_is_constraint (Parser *p)
{
	const OxToken *c = peek (p, 1);
	return is_kw (c, OX_KW_CONSTRAINT) || is_kw (c, OX_KW_CHECK) || is_kw (c, OX_KW_UNIQUE) ||
	       is_kw (c, OX_KW_PRIMARY) || is_kw (c, OX_KW_FOREIGN);
}

/* One ALTER TABLE action after the table name (the ones alter.c runs). */
static OxAlterCmd *
parse_alter_cmd (Parser *p)
{
	const OxToken *t = CUR (p);
	OxAlterCmd *c = NEW (p, OxAlterCmd, OX_N_ALTER_TABLE, t->loc);
	if (is_word (p, t, "rename")) {
		advance (p);
		if (accept_kw (p, OX_KW_TO)) {
			c->kind = OX_AT_RENAME;
			c->new_name = parse_colid (p);
			return c;
		}
		if (accept_kw (p, OX_KW_CONSTRAINT))
			c->kind = OX_AT_RENAME_CONSTRAINT;
		else {
			accept_kw (p, OX_KW_COLUMN);
			c->kind = OX_AT_RENAME_COLUMN;
		}
		c->name = parse_colid (p);
		expect_kw (p, OX_KW_TO);
		c->new_name = parse_colid (p);
		return c;
	}
	if (is_word (p, t, "add")) {
		advance (p);
		accept_kw (p, OX_KW_COLUMN);
		c->kind = OX_AT_ADD_COLUMN;
		c->missing_ok = accept_if_not_exists (p);
		OxColumnDef *d = NEW (p, OxColumnDef, OX_N_COLUMNDEF, CUR (p)->loc);
		d->name = parse_colid (p);
		d->type = parse_typename (p);
		d->constraints = parse_column_constraints (p);
		c->coldef = d;
		return c;
	}
	if (accept_kw (p, OX_KW_DROP)) {
		if (accept_kw (p, OX_KW_CONSTRAINT)) {
			c->kind = OX_AT_DROP_CONSTRAINT;
			c->missing_ok = accept_if_exists (p);
			c->name = parse_colid (p);
			if (accept_kw (p, OX_KW_CASCADE))
				c->cascade = true;
			else
				accept_kw (p, OX_KW_RESTRICT);
			return c;
		}
		accept_kw (p, OX_KW_COLUMN);
		c->kind = OX_AT_DROP_COLUMN;
		c->missing_ok = accept_if_exists (p);
		c->name = parse_colid (p);
		if (accept_kw (p, OX_KW_CASCADE))
			c->cascade = true;
		else
			accept_kw (p, OX_KW_RESTRICT);
		return c;
	}
	if (is_word (p, t, "alter")) {
		advance (p);
		accept_kw (p, OX_KW_COLUMN);
		c->name = parse_colid (p);
		const OxToken *u = CUR (p);
		if (accept_kw (p, OX_KW_SET)) {
			if (accept_kw (p, OX_KW_DEFAULT)) {
				c->kind = OX_AT_SET_DEFAULT;
				int start = CUR (p)->loc;
				c->expr = parse_expr_prec (p, 0, EF_B);
				c->expr_src = source_since (p, start);
				return c;
			}
			if (accept_kw (p, OX_KW_NOT)) {
				expect_kw (p, OX_KW_NULL);
				c->kind = OX_AT_SET_NOT_NULL;
				return c;
			}
			if (!accept_kw (p, OX_KW_DATA))
				not_supported (CUR (p)->loc, "this form of ALTER COLUMN");
			u = CUR (p);
		} else if (accept_kw (p, OX_KW_DROP)) {
			if (accept_kw (p, OX_KW_DEFAULT)) {
				c->kind = OX_AT_DROP_DEFAULT;
				return c;
			}
			if (accept_kw (p, OX_KW_NOT)) {
				expect_kw (p, OX_KW_NULL);
				c->kind = OX_AT_DROP_NOT_NULL;
				return c;
			}
			not_supported (CUR (p)->loc, "this form of ALTER COLUMN");
		}
		if (!is_word (p, u, "type"))
			not_supported (u->loc, "this form of ALTER COLUMN");
		advance (p);
		c->kind = OX_AT_TYPE;
		c->type = parse_typename (p);
		if (is_kw (CUR (p), OX_KW_COLLATE))
			not_supported (CUR (p)->loc, "COLLATE");
		if (accept_kw (p, OX_KW_USING)) {
			int start = CUR (p)->loc;
			c->expr = parse_expr (p);
			c->expr_src = source_since (p, start);
		}
		return c;
	}
	not_supported (t->loc, "this form of ALTER TABLE");
	return NULL;
}

/* ALTER TABLE ... action [, ...] after the name; VIEW and INDEX take
 * renames only (as PostgreSQL's grammar for the ones we have). */
static OxNode *
parse_alter_table_cmds (Parser *p, int loc, OxObjectType objtype, OxRangeVar *table, bool if_exists)
{
	OxAlterTableStmt *s = NEW (p, OxAlterTableStmt, OX_N_ALTER_TABLE, loc);
	s->objtype = objtype;
	s->table = table;
	s->if_exists = if_exists;
	s->cmds = ox_list_new (p->a);
	do {
		if (OX_LIST_N (s->cmds) > 0 && is_word (p, CUR (p), "rename"))
			syntax_error (p);  /* a rename stands alone, as in PostgreSQL's grammar */
		OxAlterCmd *c = parse_alter_cmd (p);
		if (objtype == OX_OBJ_INDEX && c->kind != OX_AT_RENAME)
			not_supported (c->node.loc, "this form of ALTER INDEX");
		if (objtype == OX_OBJ_VIEW && c->kind != OX_AT_RENAME && c->kind != OX_AT_RENAME_COLUMN)
			not_supported (c->node.loc, "this form of ALTER VIEW");
		ox_list_push (p->a, s->cmds, c);
		if (c->kind <= OX_AT_RENAME_CONSTRAINT)
			break;  /* a rename stands alone, as in PostgreSQL's grammar */
	} while (accept_ch (p, ','));
	return &s->node;
}

/* ALTER VIEW | INDEX | SCHEMA | FUNCTION | PROCEDURE | ROUTINE ... RENAME */
static OxNode *
parse_alter_rename_other (Parser *p, int loc)
{
	const OxToken *t = CUR (p);
	if (is_kw (t, OX_KW_VIEW) || is_kw (t, OX_KW_INDEX)) {
		OxObjectType ty = is_kw (t, OX_KW_VIEW) ? OX_OBJ_VIEW : OX_OBJ_INDEX;
		advance (p);
		bool if_exists = accept_if_exists (p);
		OxRangeVar *rv = parse_qualified_name (p);
		return parse_alter_table_cmds (p, loc, ty, rv, if_exists);
	}
	OxAlterRenameStmt *s = NEW (p, OxAlterRenameStmt, OX_N_ALTER_RENAME, loc);
	if (is_kw (t, OX_KW_SCHEMA))
		s->objtype = OX_OBJ_SCHEMA;
	else if (is_word (p, t, "function"))
		s->objtype = OX_OBJ_FUNCTION;
	else if (is_word (p, t, "procedure"))
		s->objtype = OX_OBJ_PROCEDURE;
	else
		s->objtype = OX_OBJ_ROUTINE;
	advance (p);
	if (s->objtype == OX_OBJ_SCHEMA) {
		s->name = NEW (p, OxRangeVar, OX_N_RANGEVAR, CUR (p)->loc);
		s->name->name = parse_colid (p);
	} else {
		s->name = parse_qualified_name (p);
		if (accept_ch (p, '(')) {
			s->args = ox_list_new (p->a);
			if (!is_ch (CUR (p), ')')) {
				do
					ox_list_push (p->a, s->args, parse_func_param (p, false));
				while (accept_ch (p, ','));
			}
			expect_ch (p, ')');
		}
	}
	if (!is_word (p, CUR (p), "rename"))
		not_supported (CUR (p)->loc, "this ALTER statement");
	advance (p);
	expect_kw (p, OX_KW_TO);
	s->new_name = parse_colid (p);
	return &s->node;
}

/* ALTER ...: roles, event triggers, schedules, triggers; ALTER TABLE name
 * {ENABLE | DISABLE} TRIGGER {name | ALL | USER} and ADD table_constraint
 * here; the other ALTER TABLE actions and the renames in
 * parse_alter_table_cmds / parse_alter_rename_other. */
static OxNode *
parse_alter (Parser *p)
{
	int loc = CUR (p)->loc;
	advance (p);  /* ALTER */
	if (is_word (p, CUR (p), "role") || is_kw (CUR (p), OX_KW_USER))
		return parse_alter_role (p, loc);
	if (is_word (p, CUR (p), "sequence"))
		return parse_alter_sequence (p, loc);
	if (is_word (p, CUR (p), "event") && is_word (p, peek (p, 1), "trigger")) {
		advance (p);
		advance (p);
		OxAlterEventTriggerStmt *ae = NEW (p, OxAlterEventTriggerStmt, OX_N_ALTER_EVENT_TRIGGER, loc);
		ae->name = parse_colid (p);
		if (is_word (p, CUR (p), "enable"))
			ae->enable = true;
		else if (!is_word (p, CUR (p), "disable"))
			syntax_error (p);
		advance (p);
		return &ae->node;
	}
	if (is_word (p, CUR (p), "schedule")) {
		advance (p);
		OxAlterScheduleStmt *as = NEW (p, OxAlterScheduleStmt, OX_N_ALTER_SCHEDULE, loc);
		as->name = parse_qualified_name (p);
		if (is_word (p, CUR (p), "rename")) {
			advance (p);
			expect_kw (p, OX_KW_TO);
			as->rename_to = parse_colid (p);
			return &as->node;
		}
		if (is_word (p, CUR (p), "enable"))
			as->enable = true;
		else if (!is_word (p, CUR (p), "disable"))
			syntax_error (p);
		advance (p);
		return &as->node;
	}
	/* ALTER TRIGGER name ON table RENAME TO new_name */
	if (is_word (p, CUR (p), "trigger")) {
		advance (p);
		OxAlterTriggerStmt *at = NEW (p, OxAlterTriggerStmt, OX_N_ALTER_TRIGGER, loc);
		at->name = parse_colid (p);
		expect_kw (p, OX_KW_ON);
		at->table = parse_qualified_name (p);
		if (!is_word (p, CUR (p), "rename"))
			not_supported (CUR (p)->loc, "this form of ALTER TRIGGER");
		advance (p);
		expect_kw (p, OX_KW_TO);
		at->rename_to = parse_colid (p);
		return &at->node;
	}
	if (is_kw (CUR (p), OX_KW_VIEW) || is_kw (CUR (p), OX_KW_INDEX) || is_kw (CUR (p), OX_KW_SCHEMA) ||
	    is_word (p, CUR (p), "function") || is_word (p, CUR (p), "procedure") || is_word (p, CUR (p), "routine"))
		return parse_alter_rename_other (p, loc);
	if (!is_kw (CUR (p), OX_KW_TABLE))
		not_supported (loc, "this ALTER statement");
	advance (p);
	bool if_exists = accept_if_exists (p);
	accept_kw (p, OX_KW_ONLY);
	OxRangeVar *table = parse_qualified_name (p);
	if (!is_word (p, CUR (p), "enable") && !is_word (p, CUR (p), "disable") &&
	    !(is_word (p, CUR (p), "add") && alter_add_is_constraint (p)))
		return parse_alter_table_cmds (p, loc, OX_OBJ_TABLE, table, if_exists);
	if (is_word (p, CUR (p), "add") && !is_word (p, peek (p, 1), "column")) {
		/* ADD table_constraint (ADD [COLUMN] goes to parse_alter_table_cmds) */
		advance (p);
		const OxToken *c = CUR (p);
		if (!is_kw (c, OX_KW_CONSTRAINT) && !is_kw (c, OX_KW_CHECK) && !is_kw (c, OX_KW_UNIQUE) &&
		    !is_kw (c, OX_KW_PRIMARY) && !is_kw (c, OX_KW_FOREIGN))
			not_supported (c->loc, "this form of ALTER TABLE");
		OxAlterTableAddStmt *a = NEW (p, OxAlterTableAddStmt, OX_N_ALTER_TABLE_ADD, loc);
		a->table = table;
		a->if_exists = if_exists;
		a->constraint = parse_table_constraint (p);
		return &a->node;
	}
	if (if_exists)
		not_supported (loc, "ALTER TABLE IF EXISTS ... ENABLE / DISABLE TRIGGER");
	OxAlterTriggerStmt *s = NEW (p, OxAlterTriggerStmt, OX_N_ALTER_TRIGGER, loc);
	s->table = table;
	const OxToken *t = CUR (p);
	if (is_word (p, t, "enable"))
		s->enable = true;
	else if (!is_word (p, t, "disable"))
		not_supported (t->loc, "this form of ALTER TABLE");
	advance (p);
	if (!is_word (p, CUR (p), "trigger"))
		not_supported (CUR (p)->loc, "this form of ALTER TABLE");
	advance (p);
	if (accept_kw (p, OX_KW_ALL) || (is_kw (CUR (p), OX_KW_USER) && (advance (p), true)))
		s->name = NULL;
	else
		s->name = parse_colid (p);
	return &s->node;
}

/* CALL name(args) */
static OxNode *
parse_call (Parser *p)
{
	OxCallStmt *s = NEW (p, OxCallStmt, OX_N_CALL, CUR (p)->loc);
	advance (p);
	int loc = CUR (p)->loc;
	OxRangeVar *rv = parse_qualified_name (p);
	OxList *name = ox_list_new (p->a);
	if (rv->schema)
		ox_list_push (p->a, name, (void *) rv->schema);
	ox_list_push (p->a, name, (void *) rv->name);
	if (!is_ch (CUR (p), '('))
		syntax_error (p);
	s->call = (OxFuncCall *) parse_func_call (p, name, loc);
	if (s->call->agg_star || s->call->agg_distinct || s->call->agg_order || s->call->agg_filter)
		ox_raise (OX_ERR_SYNTAX, loc + 1, "syntax error in CALL");
	return &s->node;
}

/* DO [LANGUAGE lang] 'body' [LANGUAGE lang] */
static OxNode *
parse_do (Parser *p)
{
	OxDoStmt *s = NEW (p, OxDoStmt, OX_N_DO, CUR (p)->loc);
	advance (p);
	for (int i = 0; i < 3; i++) {
		const OxToken *t = CUR (p);
		if (is_word (p, t, "language") && !s->language) {
			advance (p);
			t = CUR (p);
			if (t->kind == OX_TOK_STRING) {
				s->language = ox_ident_fold (p->a, t->str, (size_t) t->str_len);
				advance (p);
			} else
				s->language = parse_colid (p);
		} else if (t->kind == OX_TOK_STRING && !s->body)
			s->body = parse_body_string (p, &s->body_loc);
		else
			break;
	}
	if (!s->body)
		ox_raise (OX_ERR_SYNTAX, s->node.loc + 1, "no inline code specified");
	return &s->node;
}

static OxNode *
parse_create (Parser *p)
{
	int loc = CUR (p)->loc;
	advance (p);  /* CREATE */
	bool or_replace = false, temp = false;
	if (accept_kw (p, OX_KW_OR)) {
		expect_kw (p, OX_KW_REPLACE);
		or_replace = true;
	}
	if (is_kw (CUR (p), OX_KW_GLOBAL) || is_kw (CUR (p), OX_KW_LOCAL)) {
		advance (p);
		if (!is_kw (CUR (p), OX_KW_TEMP) && !is_kw (CUR (p), OX_KW_TEMPORARY))
			syntax_error (p);
	}
	if (accept_kw (p, OX_KW_TEMP) || accept_kw (p, OX_KW_TEMPORARY))
		temp = true;
	else
		accept_kw (p, OX_KW_UNLOGGED);  /* no WAL is not our choice to make */
	const OxToken *t = CUR (p);
	if (is_kw (t, OX_KW_VIEW)) {
		if (temp)
			not_supported (t->loc, "CREATE TEMPORARY VIEW");
		return parse_create_view (p, loc, or_replace);
	}
	if (is_kw (t, OX_KW_RECURSIVE) && is_kw (peek (p, 1), OX_KW_VIEW))
		not_supported (t->loc, "CREATE RECURSIVE VIEW");
	if (!temp && (is_word (p, t, "function") || is_word (p, t, "procedure")))
		return parse_create_function (p, loc, or_replace);
	if (!temp && is_word (p, t, "trigger"))
		return parse_create_trigger (p, loc, or_replace);
	if (!temp && !or_replace && is_word (p, t, "schedule"))
		return parse_create_schedule (p, loc);
	if (!temp && !or_replace && is_word (p, t, "event") && is_word (p, peek (p, 1), "trigger"))
		return parse_create_event_trigger (p, loc);
	if (or_replace)
		syntax_error (p);
	if (is_kw (t, OX_KW_TABLE)) {
		advance (p);
		return parse_create_table (p, loc, temp);
	}
	if (temp)
		syntax_error (p);
	if (is_kw (t, OX_KW_UNIQUE)) {
		advance (p);
		return parse_create_index (p, loc, true);
	}
	if (is_kw (t, OX_KW_INDEX))
		return parse_create_index (p, loc, false);
	if (!or_replace && (is_word (p, t, "role") || is_kw (t, OX_KW_USER)))
		return parse_create_role (p, loc);
	if (!or_replace && is_word (p, t, "sequence"))
		return parse_create_sequence (p, loc);
	if (!or_replace && is_word (p, t, "database")) {
		/* CREATE DATABASE name [[WITH] option [=] value ...]: the options
		 * (OWNER, TEMPLATE, ENCODING, LOCALE ...) are accepted and ignored */
		advance (p);
		OxCreateDatabaseStmt *s = NEW (p, OxCreateDatabaseStmt, OX_N_CREATE_DATABASE, loc);
		s->name = parse_colid (p);
		accept_kw (p, OX_KW_WITH);
		while (CUR (p)->kind != OX_TOK_EOF && !is_ch (CUR (p), ';'))
			advance (p);
		return &s->node;
	}
	if (is_kw (t, OX_KW_SCHEMA)) {
		advance (p);
		OxCreateSchemaStmt *s = NEW (p, OxCreateSchemaStmt, OX_N_CREATE_SCHEMA, loc);
		s->if_not_exists = accept_if_not_exists (p);
		if (is_kw (CUR (p), OX_KW_AUTHORIZATION))
			not_supported (CUR (p)->loc, "CREATE SCHEMA AUTHORIZATION");
		s->name = parse_colid (p);
		if (is_kw (CUR (p), OX_KW_AUTHORIZATION))
			not_supported (CUR (p)->loc, "CREATE SCHEMA AUTHORIZATION");
		return &s->node;
	}
	syntax_error (p);
}

static OxNode *
parse_drop (Parser *p)
{
	OxDropStmt *s = NEW (p, OxDropStmt, OX_N_DROP, CUR (p)->loc);
	advance (p);
	const OxToken *t = CUR (p);
	if (is_kw (t, OX_KW_TABLE))
		s->type = OX_OBJ_TABLE;
	else if (is_kw (t, OX_KW_VIEW))
		s->type = OX_OBJ_VIEW;
	else if (is_kw (t, OX_KW_INDEX))
		s->type = OX_OBJ_INDEX;
	else if (is_kw (t, OX_KW_SCHEMA))
		s->type = OX_OBJ_SCHEMA;
	else if (is_word (p, t, "function"))
		s->type = OX_OBJ_FUNCTION;
	else if (is_word (p, t, "procedure"))
		s->type = OX_OBJ_PROCEDURE;
	else if (is_word (p, t, "routine"))
		s->type = OX_OBJ_ROUTINE;
	else if (is_word (p, t, "trigger"))
		s->type = OX_OBJ_TRIGGER;
	else if (is_word (p, t, "schedule"))
		s->type = OX_OBJ_SCHEDULE;
	else if (is_word (p, t, "event") && is_word (p, peek (p, 1), "trigger")) {
		advance (p);
		s->type = OX_OBJ_EVENT_TRIGGER;
	} else if (is_word (p, t, "role") || is_kw (t, OX_KW_USER))
		s->type = OX_OBJ_ROLE;
	else if (is_word (p, t, "database"))
		s->type = OX_OBJ_DATABASE;
	else if (is_word (p, t, "sequence"))
		s->type = OX_OBJ_SEQUENCE;
	else
		syntax_error (p);
	advance (p);
	bool routine = s->type == OX_OBJ_FUNCTION || s->type == OX_OBJ_PROCEDURE || s->type == OX_OBJ_ROUTINE;
	if (routine)
		s->argtypes = ox_list_new (p->a);
	if (s->type == OX_OBJ_INDEX)
		accept_kw (p, OX_KW_CONCURRENTLY);
	s->if_exists = accept_if_exists (p);
	s->names = ox_list_new (p->a);
	if (s->type == OX_OBJ_TRIGGER) {
		OxRangeVar *r = NEW (p, OxRangeVar, OX_N_RANGEVAR, CUR (p)->loc);
		r->name = parse_colid (p);
		ox_list_push (p->a, s->names, r);
		expect_kw (p, OX_KW_ON);
		s->on_table = parse_qualified_name (p);
		if (accept_kw (p, OX_KW_CASCADE))
			s->cascade = true;
		else
			accept_kw (p, OX_KW_RESTRICT);
		return &s->node;
	}
	do {
		if (s->type == OX_OBJ_DATABASE) {
			OxRangeVar *r = NEW (p, OxRangeVar, OX_N_RANGEVAR, CUR (p)->loc);
			r->name = parse_colid (p);
			ox_list_push (p->a, s->names, r);
			if (is_kw (CUR (p), OX_KW_WITH) || is_ch (CUR (p), '('))
				not_supported (CUR (p)->loc, "DROP DATABASE ... WITH (FORCE)");
			return &s->node;
		}
		if (s->type == OX_OBJ_SCHEMA || s->type == OX_OBJ_ROLE) {
			OxRangeVar *r = NEW (p, OxRangeVar, OX_N_RANGEVAR, CUR (p)->loc);
			r->name = parse_colid (p);
			ox_list_push (p->a, s->names, r);
		} else
			ox_list_push (p->a, s->names, parse_qualified_name (p));
		if (routine) {
			OxList *args = NULL;
			if (accept_ch (p, '(')) {
				args = ox_list_new (p->a);
				if (!is_ch (CUR (p), ')')) {
					do
						ox_list_push (p->a, args, parse_func_param (p, false));
					while (accept_ch (p, ','));
				}
				expect_ch (p, ')');
			}
			ox_list_push (p->a, s->argtypes, args);
		}
	} while (accept_ch (p, ','));
	if (accept_kw (p, OX_KW_CASCADE))
		s->cascade = true;
	else
		accept_kw (p, OX_KW_RESTRICT);
	return &s->node;
}

static OxNode *
parse_truncate (Parser *p)
{
	OxTruncateStmt *s = NEW (p, OxTruncateStmt, OX_N_TRUNCATE, CUR (p)->loc);
	advance (p);
	accept_kw (p, OX_KW_TABLE);
	s->tables = ox_list_new (p->a);
	do
		ox_list_push (p->a, s->tables, parse_relation_expr (p));
	while (accept_ch (p, ','));
	if (accept_kw (p, OX_KW_RESTART)) {
		expect_kw (p, OX_KW_IDENTITY);
		s->restart_identity = true;
	} else if (accept_kw (p, OX_KW_CONTINUE))
		expect_kw (p, OX_KW_IDENTITY);
	if (accept_kw (p, OX_KW_CASCADE))
		s->cascade = true;
	else
		accept_kw (p, OX_KW_RESTRICT);
	return &s->node;
}

/* ---- transactions -------------------------------------------------------- */

/* ISOLATION LEVEL ... | READ ONLY | READ WRITE | [NOT] DEFERRABLE, separated
 * by commas or nothing. */
static bool
parse_txn_mode (Parser *p, OxIsolation *iso, int *read_only)
{
	const OxToken *t = CUR (p);
	if (is_kw (t, OX_KW_ISOLATION)) {
		advance (p);
		expect_kw (p, OX_KW_LEVEL);
		if (accept_kw (p, OX_KW_SERIALIZABLE))
			*iso = OX_ISO_SERIALIZABLE;
		else if (accept_kw (p, OX_KW_REPEATABLE)) {
			expect_kw (p, OX_KW_READ);
			*iso = OX_ISO_REPEATABLE_READ;
		} else {
			expect_kw (p, OX_KW_READ);
			if (accept_kw (p, OX_KW_COMMITTED))
				*iso = OX_ISO_READ_COMMITTED;
			else {
				expect_kw (p, OX_KW_UNCOMMITTED);
				*iso = OX_ISO_READ_UNCOMMITTED;
			}
		}
	} else if (is_kw (t, OX_KW_READ)) {
		advance (p);
		if (accept_kw (p, OX_KW_ONLY))
			*read_only = 1;
		else {
			expect_kw (p, OX_KW_WRITE);
			*read_only = 0;
		}
	} else if (is_kw (t, OX_KW_DEFERRABLE))
		advance (p);  /* only matters for SERIALIZABLE READ ONLY: ignored */
	else if (is_kw (t, OX_KW_NOT) && is_kw (peek (p, 1), OX_KW_DEFERRABLE)) {
		advance (p);
		advance (p);
	} else
		return false;
	return true;
}

/* ISOLATION LEVEL ... | READ ONLY | READ WRITE | [NOT] DEFERRABLE, separated
 * by commas or by nothing; possibly none at all. */
static void
parse_txn_modes (Parser *p, OxIsolation *iso, int *read_only)
{
	if (!parse_txn_mode (p, iso, read_only))
		return;
	for (;;) {
		if (accept_ch (p, ',')) {
			if (!parse_txn_mode (p, iso, read_only))
				syntax_error (p);
		} else if (!parse_txn_mode (p, iso, read_only))
			return;
	}
}

static OxTransactionStmt *
new_txn (Parser *p, OxTxnKind kind, int loc)
{
	OxTransactionStmt *s = NEW (p, OxTransactionStmt, OX_N_TRANSACTION, loc);
	s->kind = kind;
	s->read_only = -1;
	return s;
}

static void
accept_and_chain (Parser *p, OxTransactionStmt *s)
{
	if (!accept_kw (p, OX_KW_AND))
		return;
	s->chain = !accept_kw (p, OX_KW_NO);
	expect_kw (p, OX_KW_CHAIN);
}

static OxNode *
parse_transaction (Parser *p)
{
	OxToken t = *CUR (p);
	advance (p);
	OxTransactionStmt *s;
	switch (t.kw) {
	case OX_KW_BEGIN:
	case OX_KW_START:
		s = new_txn (p, OX_TXN_BEGIN, t.loc);
		if (t.kw == OX_KW_START)
			expect_kw (p, OX_KW_TRANSACTION);
		else if (!accept_kw (p, OX_KW_WORK))
			accept_kw (p, OX_KW_TRANSACTION);
		parse_txn_modes (p, &s->isolation, &s->read_only);
		break;
	case OX_KW_COMMIT:
	case OX_KW_END:
		s = new_txn (p, OX_TXN_COMMIT, t.loc);
		if (!accept_kw (p, OX_KW_WORK))
			accept_kw (p, OX_KW_TRANSACTION);
		accept_and_chain (p, s);
		break;
	case OX_KW_ROLLBACK:
	case OX_KW_ABORT:
		s = new_txn (p, OX_TXN_ROLLBACK, t.loc);
		if (!accept_kw (p, OX_KW_WORK))
			accept_kw (p, OX_KW_TRANSACTION);
		if (t.kw == OX_KW_ROLLBACK && accept_kw (p, OX_KW_TO)) {
			s->kind = OX_TXN_ROLLBACK_TO;
			accept_kw (p, OX_KW_SAVEPOINT);
			s->savepoint = parse_colid (p);
		} else
			accept_and_chain (p, s);
		break;
	case OX_KW_SAVEPOINT:
		s = new_txn (p, OX_TXN_SAVEPOINT, t.loc);
		s->savepoint = parse_colid (p);
		break;
	case OX_KW_RELEASE:
		s = new_txn (p, OX_TXN_RELEASE, t.loc);
		accept_kw (p, OX_KW_SAVEPOINT);
		s->savepoint = parse_colid (p);
		break;
	default:
		g_assert_not_reached ();
	}
	return &s->node;
}

/* ---- SET, RESET, SHOW ---------------------------------------------------- */

/* var_name: ColId [. ColId ...], lower-cased (quoted parts keep case). */
static const char *
parse_var_name (Parser *p)
{
	const char *n = parse_colid (p);
	while (accept_ch (p, '.'))
		n = ox_arena_printf (p->a, "%s.%s", n, parse_colid (p));
	return n;
}

/* A SET value: TRUE/FALSE, ON, a string, a (signed) number, or a bare word
 * (an OxColumnRef of one field).  A negative number is unary minus over the
 * constant, as in expressions. */
static OxNode *
parse_var_value (Parser *p)
{
	const OxToken *t = CUR (p);
	int loc = t->loc;
	if (is_kw (t, OX_KW_TRUE) || is_kw (t, OX_KW_FALSE)) {
		OxNode *c = make_bool_const (p, is_kw (t, OX_KW_TRUE), loc);
		advance (p);
		return c;
	}
	if (t->kind == OX_TOK_STRING) {
		OxNode *c = make_string_const (p, t->str, t->str_len, loc);
		advance (p);
		return c;
	}
	if (is_ch (t, '+') || is_ch (t, '-')) {
		bool neg = t->ch == '-';
		advance (p);
		const OxToken *n = CUR (p);
		if (n->kind != OX_TOK_INTEGER && n->kind != OX_TOK_DECIMAL)
			syntax_error (p);
		OxNode *c = parse_primary (p);
		return neg ? make_aexpr (p, OX_AEXPR_OP, "-", NULL, c, loc) : c;
	}
	if (t->kind == OX_TOK_INTEGER || t->kind == OX_TOK_DECIMAL)
		return parse_primary (p);
	if (is_kw (t, OX_KW_ON) || (t->kind == OX_TOK_IDENT && tok_cat (t) != OX_KWC_RESERVED) ||
	    t->kind == OX_TOK_QIDENT) {
		OxColumnRef *c = NEW (p, OxColumnRef, OX_N_COLUMNREF, loc);
		c->fields = list1 (p, (void *) tok_name (p, t));
		advance (p);
		return &c->node;
	}
	syntax_error (p);
}

static OxSetStmt *
new_set (Parser *p, int loc)
{
	OxSetStmt *s = NEW (p, OxSetStmt, OX_N_SET, loc);
	s->read_only = -1;
	return s;
}

static OxNode *
parse_set (Parser *p)
{
	OxSetStmt *s = new_set (p, CUR (p)->loc);
	advance (p);
	if (accept_kw (p, OX_KW_LOCAL))
		s->is_local = true;
	else if (is_kw (CUR (p), OX_KW_SESSION)) {
		const OxToken *n = peek (p, 1);
		if (is_kw (n, OX_KW_CHARACTERISTICS)) {
			advance (p);
			advance (p);
			expect_kw (p, OX_KW_AS);
			expect_kw (p, OX_KW_TRANSACTION);
			s->name = "default_transaction_isolation";
			parse_txn_modes (p, &s->isolation, &s->read_only);
			if (s->isolation == OX_ISO_DEFAULT && s->read_only < 0)
				syntax_error (p);
			return &s->node;
		}
		if (is_kw (n, OX_KW_AUTHORIZATION)) {
			advance (p);
			advance (p);
			s->name = "session_authorization";
			if (accept_kw (p, OX_KW_DEFAULT))
				return &s->node;
			s->values = list1 (p, parse_var_value (p));
			return &s->node;
		}
		advance (p);
	}
	const OxToken *t = CUR (p);
	if (is_word (p, t, "role") && !is_kw (peek (p, 1), OX_KW_TO) && !is_ch (peek (p, 1), '=')) {
		/* SET ROLE name | NONE */
		advance (p);
		s->name = "role";
		s->values = list1 (p, parse_var_value (p));
		return &s->node;
	}
	if (is_kw (t, OX_KW_TRANSACTION)) {
		advance (p);
		s->name = "transaction_isolation";
		parse_txn_modes (p, &s->isolation, &s->read_only);
		if (s->isolation == OX_ISO_DEFAULT && s->read_only < 0)
			syntax_error (p);
		return &s->node;
	}
	if (is_kw (t, OX_KW_TIME) && is_kw (peek (p, 1), OX_KW_ZONE)) {
		advance (p);
		advance (p);
		s->name = "timezone";
		if (accept_kw (p, OX_KW_LOCAL) || accept_kw (p, OX_KW_DEFAULT))
			return &s->node;
		if (is_kw (CUR (p), OX_KW_INTERVAL))
			not_supported (CUR (p)->loc, "SET TIME ZONE INTERVAL");
		s->values = list1 (p, parse_var_value (p));
		return &s->node;
	}
	if (is_kw (t, OX_KW_NAMES) || (is_kw (t, OX_KW_SCHEMA) && peek (p, 1)->kind == OX_TOK_STRING)) {
		s->name = is_kw (t, OX_KW_NAMES) ? "client_encoding" : "search_path";
		advance (p);
		if (accept_kw (p, OX_KW_DEFAULT) || CUR (p)->kind == OX_TOK_EOF || is_ch (CUR (p), ';'))
			return &s->node;
		s->values = list1 (p, parse_var_value (p));
		return &s->node;
	}
	s->name = parse_var_name (p);
	if (!accept_kw (p, OX_KW_TO) && !accept_ch (p, '='))
		syntax_error (p);
	if (accept_kw (p, OX_KW_DEFAULT))
		return &s->node;
	s->values = ox_list_new (p->a);
	do
		ox_list_push (p->a, s->values, parse_var_value (p));
	while (accept_ch (p, ','));
	return &s->node;
}

/* RESET and SHOW share their names: TIME ZONE, TRANSACTION ISOLATION
 * LEVEL, ALL, or a variable. */
static const char *
parse_setting_name (Parser *p, bool *all)
{
	const OxToken *t = CUR (p);
	*all = false;
	if (is_kw (t, OX_KW_ALL)) {
		advance (p);
		*all = true;
		return NULL;
	}
	if (is_kw (t, OX_KW_TIME) && is_kw (peek (p, 1), OX_KW_ZONE)) {
		advance (p);
		advance (p);
		return "timezone";
	}
	if (is_kw (t, OX_KW_TRANSACTION) && is_kw (peek (p, 1), OX_KW_ISOLATION)) {
		advance (p);
		advance (p);
		expect_kw (p, OX_KW_LEVEL);
		return "transaction_isolation";
	}
	if (is_kw (t, OX_KW_SESSION) && is_kw (peek (p, 1), OX_KW_AUTHORIZATION)) {
		advance (p);
		advance (p);
		return "session_authorization";
	}
	return parse_var_name (p);
}

static OxNode *
parse_reset (Parser *p)
{
	OxSetStmt *s = new_set (p, CUR (p)->loc);
	advance (p);
	bool all;
	s->name = parse_setting_name (p, &all);
	s->reset = true;
	return &s->node;
}

static OxNode *
parse_show (Parser *p)
{
	OxShowStmt *s = NEW (p, OxShowStmt, OX_N_SHOW, CUR (p)->loc);
	advance (p);
	bool all;
	s->name = parse_setting_name (p, &all);
	if (all)
		s->name = "all";
	return &s->node;
}

/* ---- EXPLAIN ------------------------------------------------------------- */

/* An EXPLAIN option's boolean: absent (true), TRUE/FALSE/ON/OFF/1/0/... */
static bool
parse_explain_bool (Parser *p, const char *opt)
{
	const OxToken *t = CUR (p);
	if (is_ch (t, ',') || is_ch (t, ')'))
		return true;
	const char *w = NULL;
	if (is_kw (t, OX_KW_TRUE))
		w = "true";
	else if (is_kw (t, OX_KW_FALSE))
		w = "false";
	else if (is_kw (t, OX_KW_ON))
		w = "on";
	else if (t->kind == OX_TOK_IDENT || t->kind == OX_TOK_QIDENT)
		w = tok_name (p, t);
	else if (t->kind == OX_TOK_STRING)
		w = t->str;
	else if (t->kind == OX_TOK_INTEGER || t->kind == OX_TOK_DECIMAL)
		w = ox_arena_strndup (p->a, p->sql + t->loc, (size_t) t->len);
	else
		syntax_error (p);  /* no value token at all, as PostgreSQL's grammar says */
	static const char *const yes[] = { "true", "on", "yes", "1", "t", "y" };
	static const char *const no[] = { "false", "off", "no", "0", "f", "n" };
	if (w) {
		for (size_t i = 0; i < G_N_ELEMENTS (yes); i++)
			if (g_ascii_strcasecmp (w, yes[i]) == 0) {
				advance (p);
				return true;
			}
		for (size_t i = 0; i < G_N_ELEMENTS (no); i++)
			if (g_ascii_strcasecmp (w, no[i]) == 0) {
				advance (p);
				return false;
			}
	}
	ox_raise (OX_ERR_SYNTAX, t->loc + 1, "%s requires a Boolean value", opt);
}

static OxNode *
parse_explain (Parser *p)
{
	OxExplainStmt *s = NEW (p, OxExplainStmt, OX_N_EXPLAIN, CUR (p)->loc);
	advance (p);
	s->costs = true;
	bool timing_set = false, summary_set = false;
	if (is_ch (CUR (p), '(')) {
		advance (p);
		do {
			const OxToken *t = CUR (p);
			if (!tok_is_collabel (t))
				syntax_error (p);
			int at = t->loc;
			const char *opt = tok_name (p, t);
			advance (p);
			if (strcmp (opt, "analyze") == 0 || strcmp (opt, "analyse") == 0)
				s->analyze = parse_explain_bool (p, "analyze");
			else if (strcmp (opt, "verbose") == 0)
				s->verbose = parse_explain_bool (p, "verbose");
			else if (strcmp (opt, "costs") == 0)
				s->costs = parse_explain_bool (p, "costs");
			else if (strcmp (opt, "timing") == 0) {
				s->timing = parse_explain_bool (p, opt);
				timing_set = true;
			} else if (strcmp (opt, "summary") == 0) {
				s->summary = parse_explain_bool (p, opt);
				summary_set = true;
			} else if (strcmp (opt, "buffers") == 0 || strcmp (opt, "settings") == 0 ||
			           strcmp (opt, "wal") == 0)
				(void) parse_explain_bool (p, opt);  /* output detail we do not have */
			else if (strcmp (opt, "format") == 0) {
				const OxToken *v = CUR (p);
				if (!tok_is_collabel (v))
					syntax_error (p);
				const char *f = tok_name (p, v);
				if (strcmp (f, "json") == 0)
					s->json = true;
				else if (strcmp (f, "text") == 0)
					s->json = false;
				else if (strcmp (f, "xml") == 0 || strcmp (f, "yaml") == 0)
					not_supported (v->loc, "EXPLAIN formats other than TEXT and JSON");
				else
					ox_raise ("22023", v->loc + 1, "unrecognized value for EXPLAIN option \"format\": \"%s\"", f);
				advance (p);
			} else
				ox_raise (OX_ERR_SYNTAX, at + 1, "unrecognized EXPLAIN option \"%s\"", opt);
		} while (accept_ch (p, ','));
		expect_ch (p, ')');
	} else {
		if (accept_kw (p, OX_KW_ANALYZE) || accept_kw (p, OX_KW_ANALYSE))
			s->analyze = true;
		if (accept_kw (p, OX_KW_VERBOSE))
			s->verbose = true;
	}
	/* PostgreSQL's defaults and checks (ExplainQuery): clocks and the
	 * summary come with ANALYZE unless asked otherwise */
	if (!timing_set)
		s->timing = s->analyze;
	else if (s->timing && !s->analyze)
		ox_raise ("22023", 0, "EXPLAIN option TIMING requires ANALYZE");
	if (!summary_set)
		s->summary = s->analyze;
	OxToken t = *CUR (p);
	if (!starts_select (&t) && !is_ch (&t, '(') && !is_kw (&t, OX_KW_INSERT) &&
	    !is_kw (&t, OX_KW_UPDATE) && !is_kw (&t, OX_KW_DELETE) && !is_kw (&t, OX_KW_CREATE))
		syntax_error (p);
	s->stmt = parse_stmt (p);
	OxNodeTag tag = s->stmt->tag;
	bool ok = tag == OX_N_SELECT || tag == OX_N_INSERT || tag == OX_N_UPDATE || tag == OX_N_DELETE ||
	          (tag == OX_N_CREATE_TABLE && ((OxCreateTableStmt *) s->stmt)->as_select);
	if (!ok)
		syntax_error_tok (p, &t);
	return &s->node;
}

/* ---- COPY, VACUUM, ANALYZE ------------------------------------------------ */

/* A legacy COPY option (PostgreSQL's copy_opt_item): BINARY, FREEZE, CSV,
 * HEADER, DELIMITER [AS] 's', NULL [AS] 's', QUOTE [AS] 's', ESCAPE [AS]
 * 's', ENCODING 's', FORCE QUOTE {cols | *}, FORCE NOT NULL cols.
 * Returns false when the current token starts none. */
static bool
parse_copy_legacy_option (Parser *p, OxList *opts)
{
	const OxToken *t = CUR (p);
	if (t->kind != OX_TOK_IDENT)
		return false;
	OxCopyOption *o = ox_arena_alloc0 (p->a, sizeof *o);
	o->loc = t->loc;
	const char *w = tok_name (p, t);
	if (!strcmp (w, "binary")) {
		o->name = "format";
		o->value = "binary";
	} else if (!strcmp (w, "csv")) {
		o->name = "format";
		o->value = "csv";
	} else if (!strcmp (w, "freeze") || !strcmp (w, "header")) {
		o->name = w;
		o->value = "true";
	} else if (!strcmp (w, "delimiter") || !strcmp (w, "null") || !strcmp (w, "quote") ||
	           !strcmp (w, "escape") || !strcmp (w, "encoding")) {
		o->name = w;
		advance (p);
		accept_kw (p, OX_KW_AS);
		if (CUR (p)->kind != OX_TOK_STRING)
			syntax_error (p);
		o->value = CUR (p)->str;
	} else if (!strcmp (w, "force")) {
		advance (p);
		if (is_kw (CUR (p), OX_KW_NOT) && is_kw (peek (p, 1), OX_KW_NULL)) {
			advance (p);
			advance (p);
			o->name = "force_not_null";
			o->cols = parse_name_list_bare (p);
			ox_list_push (p->a, opts, o);
			return true;
		}
		if (!is_word (p, CUR (p), "quote"))
			syntax_error (p);
		advance (p);
		o->name = "force_quote";
		if (accept_ch (p, '*'))
			o->star = true;
		else
			o->cols = parse_name_list_bare (p);
		ox_list_push (p->a, opts, o);
		return true;
	} else
		return false;
	advance (p);
	ox_list_push (p->a, opts, o);
	return true;
}

static OxNode *
parse_copy (Parser *p)
{
	OxCopyStmt *s = NEW (p, OxCopyStmt, OX_N_COPY, CUR (p)->loc);
	advance (p);  /* COPY */
	s->options = ox_list_new (p->a);
	if (is_kw (CUR (p), OX_KW_BINARY)) {
		/* COPY BINARY t ... (the pre-7.3 spelling) */
		parse_copy_legacy_option (p, s->options);
	}
	if (is_ch (CUR (p), '(')) {
		advance (p);
		if (!starts_select (CUR (p)))
			syntax_error (p);
		s->query = parse_select_stmt (p);
		expect_ch (p, ')');
	} else {
		s->table = parse_qualified_name (p);
		if (is_ch (CUR (p), '('))
			s->columns = parse_name_list (p);
	}
	if (accept_kw (p, OX_KW_FROM))
		s->is_from = true;
	else if (!accept_kw (p, OX_KW_TO))
		syntax_error (p);
	if (s->query && s->is_from)
		syntax_error_tok (p, CUR (p));
	const OxToken *t = CUR (p);
	if (is_word (p, t, "program")) {
		s->program = true;
		advance (p);
		t = CUR (p);
	}
	if (t->kind == OX_TOK_STRING)
		s->filename = t->str;
	else if (!(s->is_from ? is_word (p, t, "stdin") : is_word (p, t, "stdout")) || s->program)
		syntax_error (p);
	advance (p);
	if (is_kw (CUR (p), OX_KW_USING) && is_word (p, peek (p, 1), "delimiters")) {
		/* USING DELIMITERS 'c' (the pre-7.3 spelling) */
		advance (p);
		advance (p);
		if (CUR (p)->kind != OX_TOK_STRING)
			syntax_error (p);
		OxCopyOption *o = ox_arena_alloc0 (p->a, sizeof *o);
		o->name = "delimiter";
		o->value = CUR (p)->str;
		o->loc = CUR (p)->loc;
		ox_list_push (p->a, s->options, o);
		advance (p);
	}
	accept_kw (p, OX_KW_WITH);
	if (is_ch (CUR (p), '(')) {
		OxList *l = parse_option_list (p, false);
		for (int i = 0; i < l->n; i++)
			ox_list_push (p->a, s->options, l->items[i]);
	} else {
		while (parse_copy_legacy_option (p, s->options))
			;
	}
	if (is_kw (CUR (p), OX_KW_WHERE)) {
		s->has_where = true;
		(void) parse_expr ((advance (p), p));
	}
	return &s->node;
}

/* VACUUM [FULL] [FREEZE] [VERBOSE] [ANALYZE] [t [(cols)], ...],
 * VACUUM (option [value], ...) [...], ANALYZE [VERBOSE] [...]: the options
 * are checked for their syntax only (nothing of them applies here). */
static OxNode *
parse_vacuum (Parser *p)
{
	OxVacuumStmt *s = NEW (p, OxVacuumStmt, OX_N_VACUUM, CUR (p)->loc);
	s->vacuum = is_word (p, CUR (p), "vacuum");
	s->analyze = !s->vacuum;
	advance (p);
	s->tables = ox_list_new (p->a);
	if (is_ch (CUR (p), '(')) {
		OxList *opts = parse_option_list (p, false);
		for (int i = 0; i < opts->n; i++) {
			OxCopyOption *o = opts->items[i];
			if (!strcmp (o->name, "analyze") || !strcmp (o->name, "analyse"))
				s->analyze = !o->value || g_ascii_strcasecmp (o->value, "false") != 0;
		}
	} else {
		for (;;) {
			const OxToken *t = CUR (p);
			if (is_kw (t, OX_KW_ANALYZE) || is_kw (t, OX_KW_ANALYSE))
				s->analyze = true;
			else if (!is_kw (t, OX_KW_VERBOSE) && !(s->vacuum && (is_kw (t, OX_KW_FREEZE) || is_kw (t, OX_KW_FULL))))
				break;
			advance (p);
		}
	}
	if (CUR (p)->kind == OX_TOK_IDENT || CUR (p)->kind == OX_TOK_QIDENT) {
		do {
			ox_list_push (p->a, s->tables, parse_qualified_name (p));
			if (is_ch (CUR (p), '('))
				(void) parse_name_list (p);
		} while (accept_ch (p, ','));
	}
	return &s->node;
}

/* ---- statements ---------------------------------------------------------- */

static OxNode *
parse_stmt (Parser *p)
{
	const OxToken *t = CUR (p);
	if (is_ch (t, '('))
		return &parse_select_stmt (p)->node;
	if (t->kind != OX_TOK_IDENT)
		syntax_error (p);
	switch (t->kw) {
	case OX_KW_SELECT:
	case OX_KW_VALUES:
	case OX_KW_WITH:
	case OX_KW_TABLE:
		return &parse_select_stmt (p)->node;
	case OX_KW_INSERT:
		return parse_insert (p);
	case OX_KW_UPDATE:
		return parse_update (p);
	case OX_KW_DELETE:
		return parse_delete (p);
	case OX_KW_CREATE:
		return parse_create (p);
	case OX_KW_DROP:
		return parse_drop (p);
	case OX_KW_TRUNCATE:
		return parse_truncate (p);
	case OX_KW_DO:
		return parse_do (p);
	case OX_KW_BEGIN:
	case OX_KW_START:
	case OX_KW_COMMIT:
	case OX_KW_END:
	case OX_KW_ROLLBACK:
	case OX_KW_ABORT:
	case OX_KW_SAVEPOINT:
	case OX_KW_RELEASE:
		return parse_transaction (p);
	case OX_KW_SET:
		return parse_set (p);
	case OX_KW_RESET:
		return parse_reset (p);
	case OX_KW_SHOW:
		return parse_show (p);
	case OX_KW_EXPLAIN:
		return parse_explain (p);
	case OX_KW_NONE:
		if (is_word (p, t, "call"))
			return parse_call (p);
		if (is_word (p, t, "alter"))
			return parse_alter (p);
		if (is_word (p, t, "copy"))
			return parse_copy (p);
		if (is_word (p, t, "vacuum"))
			return parse_vacuum (p);
		break;
	case OX_KW_ANALYZE:
	case OX_KW_ANALYSE:
		return parse_vacuum (p);
	case OX_KW_CHECKPOINT: {
		OxNode *n = NEW (p, OxNode, OX_N_CHECKPOINT, t->loc);
		advance (p);
		return n;
	}
	}
	syntax_error (p);
}

OxNode *
ox_parse_one (OxArena *a, const char *sql, size_t len, size_t *end)
{
	if (len > (size_t) INT_MAX - 2)
		ox_raise (OX_ERR_PROGRAM_LIMIT, 0, "statement is too long");
	Parser p;
	memset (&p, 0, sizeof p);
	p.a = a;
	p.sql = sql;
	p.len = len;
	ox_lexer_init (&p.lx, a, sql, len);
	while (is_ch (CUR (&p), ';'))
		advance (&p);
	if (CUR (&p)->kind == OX_TOK_EOF) {
		*end = len;
		return NULL;
	}
	OxNode *n = parse_stmt (&p);
	const OxToken *t = CUR (&p);
	if (is_ch (t, ';'))
		*end = (size_t) t->loc + 1;
	else if (t->kind == OX_TOK_EOF)
		*end = len;
	else
		syntax_error (&p);
	return n;
}

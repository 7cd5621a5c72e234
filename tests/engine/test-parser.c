/*
 * test-parser.c — tests of the SQL lexer and parser (engine/sql/).
 *
 * Expressions are checked through a compact S-expression dump of the tree
 * ("1+2*3" dumps as "(+ 1 (* 2 3))"), so a precedence test is one line.
 * Statements are checked field by field.  Errors are checked for SQLSTATE,
 * message and position (parser positions are 1-based byte offsets).
 *
 * The corpus test parses every statement of the sqllogictest files in
 * OX_SLT_DIR (default /work/shared/sqllogictest); it is skipped when the
 * directory is missing.
 *
 * Run "test-parser --dump 'sql' ..." to print the dump of statements.
 */
#include <glib.h>
#include <string.h>
#include <stdio.h>

#include "base/arena.h"
#include "base/error.h"
#include "sql/ast.h"
#include "sql/lexer.h"

/* ---- dumping ------------------------------------------------------------- */

static void dump (GString *s, const void *n);

static void
dump_list (GString *s, const OxList *l, const char *sep)
{
	for (int i = 0; i < OX_LIST_N (l); i++) {
		if (i)
			g_string_append (s, sep);
		dump (s, OX_LIST_AT (l, i));
	}
}

static void
dump_names (GString *s, const OxList *l, const char *sep)
{
	for (int i = 0; i < OX_LIST_N (l); i++) {
		if (i)
			g_string_append (s, sep);
		g_string_append (s, (const char *) OX_LIST_AT (l, i));
	}
}

static void
dump_type (GString *s, const OxTypeName *t)
{
	g_string_append (s, t->name);
	if (t->nmods == 1)
		g_string_append_printf (s, "(%d)", t->mods[0]);
	else if (t->nmods == 2)
		g_string_append_printf (s, "(%d,%d)", t->mods[0], t->mods[1]);
	if (t->is_array)
		g_string_append (s, "[]");
}

static void
dump_select (GString *s, const OxSelectStmt *q)
{
	if (q->with) {
		g_string_append (s, q->with_recursive ? "WITH RECURSIVE " : "WITH ");
		for (int i = 0; i < q->with->n; i++) {
			OxCommonTableExpr *c = OX_LIST_AT (q->with, i);
			if (i)
				g_string_append (s, ", ");
			g_string_append (s, c->name);
			if (c->colnames) {
				g_string_append (s, "(");
				dump_names (s, c->colnames, ",");
				g_string_append (s, ")");
			}
			g_string_append (s, " AS ");
			dump (s, c->query);
		}
		g_string_append (s, " ");
	}
	if (q->op != OX_SETOP_NONE) {
		static const char *const ops[] = { "", "UNION", "INTERSECT", "EXCEPT" };
		g_string_append_printf (s, "(%s%s ", ops[q->op], q->all ? " ALL" : "");
		dump (s, q->larg);
		g_string_append (s, " ");
		dump (s, q->rarg);
		g_string_append (s, ")");
	} else if (q->values) {
		g_string_append (s, "(VALUES");
		for (int i = 0; i < q->values->n; i++) {
			g_string_append (s, " (");
			dump_list (s, OX_LIST_AT (q->values, i), " ");
			g_string_append (s, ")");
		}
		g_string_append (s, ")");
	} else {
		g_string_append (s, "(SELECT");
		if (q->distinct)
			g_string_append (s, " DISTINCT");
		if (q->distinct_on) {
			g_string_append (s, " ON (");
			dump_list (s, q->distinct_on, " ");
			g_string_append (s, ")");
		}
		if (q->targets->n) {
			g_string_append (s, " ");
			dump_list (s, q->targets, ", ");
		}
		if (q->from->n) {
			g_string_append (s, " FROM ");
			dump_list (s, q->from, ", ");
		}
		if (q->where) {
			g_string_append (s, " WHERE ");
			dump (s, q->where);
		}
		if (q->group_by) {
			g_string_append (s, " GROUP BY ");
			dump_list (s, q->group_by, ", ");
		}
		if (q->having) {
			g_string_append (s, " HAVING ");
			dump (s, q->having);
		}
		g_string_append (s, ")");
	}
	if (q->sort) {
		g_string_append (s, " ORDER BY ");
		dump_list (s, q->sort, ", ");
	}
	if (q->limit) {
		g_string_append (s, " LIMIT ");
		dump (s, q->limit);
	}
	if (q->offset) {
		g_string_append (s, " OFFSET ");
		dump (s, q->offset);
	}
}

static void
dump (GString *s, const void *vn)
{
	const OxNode *n = vn;
	if (n == NULL) {
		g_string_append (s, "<null>");
		return;
	}
	switch (n->tag) {
	case OX_N_CONST: {
		const OxConst *c = vn;
		switch (c->kind) {
		case OX_CONST_NULL: g_string_append (s, "NULL"); break;
		case OX_CONST_BOOL: g_string_append (s, c->bval ? "TRUE" : "FALSE"); break;
		case OX_CONST_STRING: g_string_append_printf (s, "'%s'", c->text); break;
		case OX_CONST_INTEGER: g_string_append (s, c->text); break;
		case OX_CONST_DECIMAL: g_string_append_printf (s, "%s#", c->text); break;
		}
		break;
	}
	case OX_N_COLUMNREF: {
		const OxColumnRef *c = vn;
		dump_names (s, c->fields, ".");
		if (c->star)
			g_string_append (s, ".*");
		break;
	}
	case OX_N_PARAMREF:
		g_string_append_printf (s, "$%d", ((const OxParamRef *) vn)->number);
		break;
	case OX_N_AEXPR: {
		const OxAExpr *e = vn;
		const char *k = e->kind == OX_AEXPR_DISTINCT ? "DISTINCT"
		                : e->kind == OX_AEXPR_NOT_DISTINCT ? "NOT_DISTINCT" : e->name;
		g_string_append_printf (s, "(%s ", k);
		if (e->lexpr) {
			dump (s, e->lexpr);
			g_string_append (s, " ");
		}
		dump (s, e->rexpr);
		g_string_append (s, ")");
		break;
	}
	case OX_N_BOOLEXPR: {
		const OxBoolExpr *b = vn;
		static const char *const ops[] = { "AND", "OR", "NOT" };
		g_string_append_printf (s, "(%s ", ops[b->op]);
		dump_list (s, b->args, " ");
		g_string_append (s, ")");
		break;
	}
	case OX_N_FUNCCALL: {
		const OxFuncCall *f = vn;
		dump_names (s, f->name, ".");
		if (f->no_parens && f->args->n == 0)
			break;
		g_string_append (s, f->no_parens ? "[" : "(");
		if (f->agg_star)
			g_string_append (s, "*");
		if (f->agg_distinct)
			g_string_append (s, "DISTINCT ");
		dump_list (s, f->args, ", ");
		if (f->agg_order) {
			g_string_append (s, " ORDER BY ");
			dump_list (s, f->agg_order, ", ");
		}
		g_string_append (s, f->no_parens ? "]" : ")");
		if (f->agg_filter) {
			g_string_append (s, " FILTER ");
			dump (s, f->agg_filter);
		}
		break;
	}
	case OX_N_TYPECAST: {
		const OxTypeCast *c = vn;
		g_string_append (s, "(:: ");
		dump (s, c->arg);
		g_string_append (s, " ");
		dump_type (s, c->type);
		g_string_append (s, ")");
		break;
	}
	case OX_N_CASE: {
		const OxCase *c = vn;
		g_string_append (s, "(CASE");
		if (c->arg) {
			g_string_append (s, " ");
			dump (s, c->arg);
		}
		for (int i = 0; i < c->whens->n; i++) {
			const OxCaseWhen *w = OX_LIST_AT (c->whens, i);
			g_string_append (s, " (WHEN ");
			dump (s, w->cond);
			g_string_append (s, " ");
			dump (s, w->result);
			g_string_append (s, ")");
		}
		if (c->defresult) {
			g_string_append (s, " (ELSE ");
			dump (s, c->defresult);
			g_string_append (s, ")");
		}
		g_string_append (s, ")");
		break;
	}
	case OX_N_SUBLINK: {
		const OxSubLink *l = vn;
		switch (l->kind) {
		case OX_SUBLINK_EXISTS: g_string_append (s, "(EXISTS "); break;
		case OX_SUBLINK_EXPR: g_string_append (s, "(SUBLINK "); break;
		case OX_SUBLINK_ARRAY: g_string_append (s, "(ARRAY "); break;
		case OX_SUBLINK_ANY:
		case OX_SUBLINK_ALL:
			g_string_append_printf (s, "(%s %s ", l->kind == OX_SUBLINK_ANY ? "ANY" : "ALL", l->op);
			dump (s, l->testexpr);
			g_string_append (s, " ");
			break;
		}
		dump (s, l->subselect);
		g_string_append (s, ")");
		break;
	}
	case OX_N_NULLTEST: {
		const OxNullTest *t = vn;
		g_string_append (s, t->is_not ? "(IS_NOT_NULL " : "(IS_NULL ");
		dump (s, t->arg);
		g_string_append (s, ")");
		break;
	}
	case OX_N_BOOLTEST: {
		const OxBoolTest *t = vn;
		static const char *const k[] = { "IS_TRUE", "IS_NOT_TRUE", "IS_FALSE", "IS_NOT_FALSE",
		                                 "IS_UNKNOWN", "IS_NOT_UNKNOWN" };
		g_string_append_printf (s, "(%s ", k[t->kind]);
		dump (s, t->arg);
		g_string_append (s, ")");
		break;
	}
	case OX_N_BETWEEN: {
		const OxBetween *b = vn;
		g_string_append_printf (s, "(%sBETWEEN%s ", b->is_not ? "NOT_" : "",
		                        b->symmetric ? "_SYMMETRIC" : "");
		dump (s, b->arg);
		g_string_append (s, " ");
		dump (s, b->low);
		g_string_append (s, " ");
		dump (s, b->high);
		g_string_append (s, ")");
		break;
	}
	case OX_N_INLIST: {
		const OxInList *l = vn;
		g_string_append (s, l->is_not ? "(NOT_IN " : "(IN ");
		dump (s, l->arg);
		g_string_append (s, " ");
		dump_list (s, l->list, " ");
		g_string_append (s, ")");
		break;
	}
	case OX_N_LIKE: {
		const OxLike *l = vn;
		g_string_append_printf (s, "(%s%s ", l->is_not ? "NOT_" : "", l->ilike ? "ILIKE" : "LIKE");
		dump (s, l->arg);
		g_string_append (s, " ");
		dump (s, l->pattern);
		if (l->escape) {
			g_string_append (s, " ESCAPE ");
			dump (s, l->escape);
		}
		g_string_append (s, ")");
		break;
	}
	case OX_N_STAR:
		g_string_append (s, "*");
		break;
	case OX_N_DEFAULT:
		g_string_append (s, "DEFAULT");
		break;
	case OX_N_RESTARGET: {
		const OxResTarget *r = vn;
		dump (s, r->val);
		if (r->name)
			g_string_append_printf (s, " AS %s", r->name);
		break;
	}
	case OX_N_SORTBY: {
		const OxSortBy *b = vn;
		dump (s, b->expr);
		if (b->dir != OX_SORT_DEFAULT)
			g_string_append (s, b->dir == OX_SORT_ASC ? " ASC" : " DESC");
		if (b->nulls != OX_NULLS_DEFAULT)
			g_string_append (s, b->nulls == OX_NULLS_FIRST ? " NULLS FIRST" : " NULLS LAST");
		break;
	}
	case OX_N_RANGEVAR: {
		const OxRangeVar *r = vn;
		if (r->only)
			g_string_append (s, "ONLY ");
		if (r->schema)
			g_string_append_printf (s, "%s.", r->schema);
		g_string_append (s, r->name);
		if (r->alias)
			g_string_append_printf (s, " %s", r->alias);
		if (r->colnames) {
			g_string_append (s, "(");
			dump_names (s, r->colnames, ",");
			g_string_append (s, ")");
		}
		break;
	}
	case OX_N_RANGESUBSELECT: {
		const OxRangeSubselect *r = vn;
		if (r->lateral)
			g_string_append (s, "LATERAL ");
		dump (s, r->subquery);
		g_string_append_printf (s, " %s", r->alias);
		if (r->colnames) {
			g_string_append (s, "(");
			dump_names (s, r->colnames, ",");
			g_string_append (s, ")");
		}
		break;
	}
	case OX_N_JOINEXPR: {
		const OxJoinExpr *j = vn;
		static const char *const t[] = { "JOIN", "LEFT", "RIGHT", "FULL", "CROSS" };
		g_string_append_printf (s, "{%s%s ", j->natural ? "NATURAL " : "", t[j->type]);
		dump (s, j->larg);
		g_string_append (s, " ");
		dump (s, j->rarg);
		if (j->quals) {
			g_string_append (s, " ON ");
			dump (s, j->quals);
		}
		if (j->using_cols) {
			g_string_append (s, " USING ");
			dump_names (s, j->using_cols, ",");
		}
		g_string_append (s, "}");
		if (j->alias)
			g_string_append_printf (s, " %s", j->alias);
		break;
	}
	case OX_N_SELECT:
		dump_select (s, vn);
		break;
	default:
		g_string_append_printf (s, "<%s>", ox_node_tag_name (n->tag));
		break;
	}
}

/* ---- helpers ------------------------------------------------------------- */

static OxArena *arena;

static void
setup (void)
{
	if (arena)
		ox_arena_reset (arena);
	else
		arena = ox_arena_new ();
}

/* Parse the one statement in sql; fail the test on an error. */
static OxNode *
parse (const char *sql)
{
	setup ();
	OxNode *volatile n = NULL;
	size_t end = 0;
	OX_TRY {
		n = ox_parse_one (arena, sql, strlen (sql), &end);
	} OX_CATCH {
		OxErrorData *e = ox_error_current ();
		g_error ("parse of «%s» failed: %s %s (position %d)", sql, e->sqlstate, e->message,
		         e->position);
	} OX_END_TRY;
	g_assert_nonnull (n);
	return n;
}

static char *
dump_stmt (const char *sql)
{
	OxNode *n = parse (sql);
	GString *s = g_string_new (NULL);
	dump (s, n);
	return g_string_free (s, FALSE);
}

/* The dump of the single target of "SELECT <expr>". */
static char *
dump_expr (const char *expr)
{
	char *sql = g_strdup_printf ("SELECT %s", expr);
	OxSelectStmt *s = (OxSelectStmt *) parse (sql);
	g_free (sql);
	g_assert_cmpint (s->node.tag, ==, OX_N_SELECT);
	g_assert_cmpint (s->targets->n, ==, 1);
	GString *g = g_string_new (NULL);
	dump (g, ((OxResTarget *) OX_LIST_AT (s->targets, 0))->val);
	return g_string_free (g, FALSE);
}

#define assert_expr(expr, want)                           \
	do {                                                  \
		char *got_ = dump_expr (expr);                    \
		g_assert_cmpstr (got_, ==, want);                 \
		g_free (got_);                                    \
	} while (0)

#define assert_stmt(sql, want)                            \
	do {                                                  \
		char *got_ = dump_stmt (sql);                     \
		g_assert_cmpstr (got_, ==, want);                 \
		g_free (got_);                                    \
	} while (0)

typedef struct ParseError {
	char sqlstate[6];
	char *message;
	char *hint;
	int position;
} ParseError;

/* Parse sql[0..len) completely (all statements); return TRUE and fill
 * *err if it raised. */
static gboolean
parse_all_len (const char *sql, size_t len, ParseError *err, int *nstmts)
{
	setup ();
	volatile gboolean failed = FALSE;
	volatile int count = 0;
	OX_TRY {
		size_t off = 0;
		while (off <= len) {
			size_t end = 0;
			OxNode *n = ox_parse_one (arena, sql + off, len - off, &end);
			if (!n)
				break;
			count++;
			g_assert_cmpuint (end, >, 0);
			off += end;
		}
	} OX_CATCH {
		OxErrorData e;
		ox_error_take (&e);
		failed = TRUE;
		if (err) {
			memcpy (err->sqlstate, e.sqlstate, 6);
			err->message = g_strdup (e.message);
			err->hint = g_strdup (e.hint);
			err->position = e.position;
		}
		ox_error_data_clear (&e);
	} OX_END_TRY;
	if (nstmts)
		*nstmts = count;
	return failed;
}

static void
assert_error_len (const char *sql, size_t len, const char *sqlstate, const char *message, int position)
{
	ParseError e = { 0 };
	if (!parse_all_len (sql, len, &e, NULL))
		g_error ("«%.*s» parsed; expected %s %s", (int) MIN (len, 200), sql, sqlstate, message);
	if (strcmp (e.sqlstate, sqlstate) != 0 || (message && strcmp (e.message, message) != 0) ||
	    (position >= 0 && e.position != position))
		g_error ("«%.*s»: got %s «%s» at %d; expected %s «%s» at %d", (int) MIN (len, 200), sql,
		         e.sqlstate, e.message, e.position, sqlstate, message ? message : "*", position);
	g_free (e.message);
	g_free (e.hint);
}

/* position -1: do not check; message NULL: do not check. */
static void
assert_error (const char *sql, const char *sqlstate, const char *message, int position)
{
	assert_error_len (sql, strlen (sql), sqlstate, message, position);
}

static void
assert_syntax_error (const char *sql, int position)
{
	assert_error (sql, "42601", NULL, position);
}

/* ---- lexer --------------------------------------------------------------- */

static void
test_keywords_sorted (void)
{
	g_assert_true (ox_keyword_table_sorted ());
	g_assert_cmpint (ox_keyword_lookup ("SeLeCt", 6), ==, OX_KW_SELECT);
	g_assert_cmpint (ox_keyword_lookup ("abort", 5), ==, OX_KW_ABORT);
	g_assert_cmpint (ox_keyword_lookup ("zone", 4), ==, OX_KW_ZONE);
	g_assert_cmpint (ox_keyword_lookup ("selects", 7), ==, OX_KW_NONE);
	g_assert_cmpint (ox_keyword_lookup ("current_timestampx", 18), ==, OX_KW_NONE);
	for (int k = 1; k < OX_KW__COUNT; k++) {
		const char *t = ox_keyword_text ((OxKeyword) k);
		g_assert_cmpint (ox_keyword_lookup (t, strlen (t)), ==, k);
	}
}

static void
test_identifiers (void)
{
	assert_expr ("FooBar", "foobar");
	assert_expr ("\"FooBar\"", "FooBar");
	assert_expr ("\"a\"\"b\"", "a\"b");
	assert_expr ("a$b", "a$b");
	assert_expr ("_x1", "_x1");
	assert_expr ("t.A", "t.a");
	assert_expr ("S.T.c", "s.t.c");
	assert_expr ("t.*", "t.*");
	assert_expr ("s.t.*", "s.t.*");
	assert_expr ("t.\"select\"", "t.select");
	assert_expr ("t.select", "t.select");
	assert_expr ("\"été\"", "été");
	assert_expr ("ÉtÉ", "ÉtÉ");  /* only ASCII folds */
	/* 70 bytes -> 63 */
	char *longname = g_strnfill (70, 'a');
	char *want = g_strnfill (63, 'a');
	assert_expr (longname, want);
	char *q = g_strdup_printf ("\"%s\"", longname);
	assert_expr (q, want);
	g_free (q);
	g_free (longname);
	g_free (want);
	/* truncation keeps whole UTF-8 characters: 31 x "é" (62 bytes) + "é" */
	GString *g = g_string_new (NULL);
	for (int i = 0; i < 32; i++)
		g_string_append (g, "é");
	char *w62 = g_strndup (g->str, 62);
	assert_expr (g->str, w62);
	g_free (w62);
	g_string_free (g, TRUE);
}

static void
test_strings (void)
{
	assert_expr ("'abc'", "'abc'");
	assert_expr ("'it''s'", "'it's'");
	assert_expr ("''", "''");
	assert_expr ("'a\\nb'", "'a\\nb'");  /* standard strings keep backslashes */
	assert_expr ("'foo'\n'bar'", "'foobar'");
	assert_expr ("'foo' \n  'bar'\n'baz'", "'foobarbaz'");
	assert_expr ("'foo' -- comment\n 'bar'", "'foobar'");
	assert_expr ("E'a\\nb\\tc\\\\d\\'e'", "'a\nb\tc\\d'e'");
	assert_expr ("e'\\x41\\x4a\\101\\q'", "'AJAq'");
	assert_expr ("E'\\x'", "'x'");
	assert_expr ("E'\\u00e9\\U0001F600'", "'é😀'");
	assert_expr ("E'\\uD83D\\uDE00'", "'😀'");
	assert_expr ("E'\\xc3\\xa9'", "'é'");
	assert_expr ("E'it''s'", "'it's'");
	assert_expr ("E'a'\n'\\n'", "'a\n'");  /* a continuation keeps the E rules */
	assert_expr ("$$it's $ \\n$$", "'it's $ \\n'");
	assert_expr ("$tag$a$$b$ta$tag$", "'a$$b$ta'");
	assert_expr ("$a$$a$", "''");
	assert_expr ("N'abc'", "'abc'");
}

static void
test_numbers (void)
{
	assert_expr ("42", "42");
	assert_expr ("4.2", "4.2#");
	assert_expr (".5", ".5#");
	assert_expr ("5.", "5.#");
	assert_expr ("1e10", "1e10#");
	assert_expr ("1.5E-3", "1.5E-3#");
	assert_expr ("1e+3", "1e+3#");
	assert_expr ("99999999999999999999", "99999999999999999999");
	assert_expr ("$1", "$1");
	assert_expr ("$12", "$12");
	assert_expr ("1.5::int", "(:: 1.5# integer)");
	/* a 10,000-digit integer is just text */
	GString *g = g_string_new ("SELECT ");
	for (int i = 0; i < 10000; i++)
		g_string_append_c (g, (char) ('0' + (i % 10)));
	OxSelectStmt *s = (OxSelectStmt *) parse (g->str);
	OxConst *c = (OxConst *) ((OxResTarget *) OX_LIST_AT (s->targets, 0))->val;
	g_assert_cmpint (c->kind, ==, OX_CONST_INTEGER);
	g_assert_cmpint (c->len, ==, 10000);
	g_assert_cmpint ((int) strlen (c->text), ==, 10000);
	g_string_free (g, TRUE);
}

static void
test_huge_literal (void)
{
	/* 1 MiB of content, with a doubled quote every 1000 characters */
	size_t n = 1 << 20;
	GString *g = g_string_new ("SELECT '");
	for (size_t i = 0; i < n; i++)
		g_string_append (g, i % 1000 == 999 ? "''" : "x");
	g_string_append (g, "'");
	OxSelectStmt *s = (OxSelectStmt *) parse (g->str);
	OxConst *c = (OxConst *) ((OxResTarget *) OX_LIST_AT (s->targets, 0))->val;
	g_assert_cmpint (c->kind, ==, OX_CONST_STRING);
	g_assert_cmpint (c->len, ==, (int) n);
	g_assert_cmpint (c->text[999], ==, '\'');
	g_assert_cmpint (c->text[0], ==, 'x');
	g_assert_cmpint (c->text[n], ==, '\0');
	g_string_free (g, TRUE);
}

static void
test_comments (void)
{
	assert_stmt ("/* a /* nested */ comment */ SELECT -- x\n 1 /* y */",
	             "(SELECT 1)");
	assert_stmt ("SELECT 1--x", "(SELECT 1)");
	assert_expr ("1 +/* c */2", "(+ 1 2)");
	assert_expr ("1 --2", "1");
	assert_expr ("1+--x\n2", "(+ 1 2)");
}

static void
test_operators_lexing (void)
{
	assert_expr ("1 =- 2", "(= 1 (- 2))");
	assert_expr ("1 *- 2", "(* 1 (- 2))");
	assert_expr ("1 @- 2", "(@- 1 2)");
	assert_expr ("a != b", "(<> a b)");
	assert_expr ("a <> b", "(<> a b)");
	assert_expr ("a <= b", "(<= a b)");
	assert_expr ("a >= b", "(>= a b)");
	assert_expr ("a || b", "(|| a b)");
	assert_expr ("a !~~ b", "(!~~ a b)");
	assert_expr ("a << b", "(<< a b)");
	assert_expr ("|/ 25", "(|/ 25)");
	assert_expr ("@ -5", "(@ (- 5))");
	assert_expr ("~ a", "(~ a)");
	assert_expr ("a # b", "(# a b)");
	assert_expr ("a & b | c", "(| (& a b) c)");
}

/* ---- expressions --------------------------------------------------------- */

static void
test_precedence (void)
{
	assert_expr ("1+2*3", "(+ 1 (* 2 3))");
	assert_expr ("(1+2)*3", "(* (+ 1 2) 3)");
	assert_expr ("1-2-3", "(- (- 1 2) 3)");
	assert_expr ("2^3^2", "(^ (^ 2 3) 2)");
	assert_expr ("-2^2", "(^ (- 2) 2)");
	assert_expr ("- - 2", "(- (- 2))");
	assert_expr ("+x", "(+ x)");
	assert_expr ("-x::int", "(- (:: x integer))");
	assert_expr ("a OR b AND c", "(OR a (AND b c))");
	assert_expr ("a AND b OR c", "(OR (AND a b) c)");
	assert_expr ("a AND b AND c", "(AND a b c)");
	assert_expr ("a OR b OR c", "(OR a b c)");
	assert_expr ("NOT a = b", "(NOT (= a b))");
	assert_expr ("NOT a AND b", "(AND (NOT a) b)");
	assert_expr ("NOT NOT a", "(NOT (NOT a))");
	assert_expr ("a = b AND c < d", "(AND (= a b) (< c d))");
	assert_expr ("a || b = c", "(= (|| a b) c)");
	assert_expr ("a + b || c", "(|| (+ a b) c)");
	assert_expr ("3 || 4 ^ 2", "(|| 3 (^ 4 2))");
	assert_expr ("a * b % c / d", "(/ (% (* a b) c) d)");
	assert_expr ("a = b IS NULL", "(IS_NULL (= a b))");
	assert_expr ("NOT a IS NULL", "(NOT (IS_NULL a))");
	assert_expr ("a IS NULL IS NULL", "(IS_NULL (IS_NULL a))");
	assert_expr ("a LIKE b || c", "(LIKE a (|| b c))");
}

static void
test_typecasts (void)
{
	assert_expr ("x::int", "(:: x integer)");
	assert_expr ("x::int[]", "(:: x integer[])");
	assert_expr ("x::int::text", "(:: (:: x integer) text)");
	assert_expr ("x::numeric(10,2)", "(:: x numeric(10,2))");
	assert_expr ("x::decimal(5)", "(:: x numeric(5))");
	assert_expr ("x::varchar(3)", "(:: x varchar(3))");
	assert_expr ("x::character varying(3)", "(:: x varchar(3))");
	assert_expr ("x::char(2)", "(:: x char(2))");
	assert_expr ("x::character", "(:: x char)");
	assert_expr ("x::bpchar", "(:: x char)");
	assert_expr ("x::int4", "(:: x integer)");
	assert_expr ("x::int8", "(:: x bigint)");
	assert_expr ("x::int2", "(:: x smallint)");
	assert_expr ("x::bigint", "(:: x bigint)");
	assert_expr ("x::smallint", "(:: x smallint)");
	assert_expr ("x::float4", "(:: x real)");
	assert_expr ("x::float8", "(:: x double precision)");
	assert_expr ("x::float", "(:: x double precision)");
	assert_expr ("x::float(24)", "(:: x real)");
	assert_expr ("x::float(25)", "(:: x double precision)");
	assert_expr ("x::double precision", "(:: x double precision)");
	assert_expr ("x::real", "(:: x real)");
	assert_expr ("x::bool", "(:: x boolean)");
	assert_expr ("x::boolean", "(:: x boolean)");
	assert_expr ("x::text", "(:: x text)");
	assert_expr ("x::bytea", "(:: x bytea)");
	assert_expr ("x::date", "(:: x date)");
	assert_expr ("x::timestamp", "(:: x timestamp)");
	assert_expr ("x::timestamp(3)", "(:: x timestamp(3))");
	assert_expr ("x::timestamp with time zone", "(:: x timestamptz)");
	assert_expr ("x::timestamp(6) without time zone", "(:: x timestamp(6))");
	assert_expr ("x::timestamptz", "(:: x timestamptz)");
	assert_expr ("x::time", "(:: x time)");
	assert_expr ("x::interval", "(:: x interval)");
	assert_expr ("x::uuid", "(:: x uuid)");
	assert_expr ("x::json", "(:: x json)");
	assert_expr ("x::jsonb", "(:: x jsonb)");
	assert_expr ("x::pg_catalog.int4", "(:: x integer)");
	assert_expr ("x::int ARRAY", "(:: x integer[])");
	assert_expr ("CAST(x AS integer)", "(:: x integer)");
	assert_expr ("CAST(x + 1 AS numeric(3, 1))", "(:: (+ x 1) numeric(3,1))");
	assert_expr ("DATE '2024-01-01'", "(:: '2024-01-01' date)");
	assert_expr ("TIMESTAMP '2024-01-01 10:00'", "(:: '2024-01-01 10:00' timestamp)");
	assert_expr ("timestamp with time zone 'x'", "(:: 'x' timestamptz)");
	assert_expr ("INTEGER '5'", "(:: '5' integer)");
	assert_expr ("int '5'", "(:: '5' integer)");
	assert_expr ("int4 '5'", "(:: '5' integer)");
	assert_expr ("double precision '1.5'", "(:: '1.5' double precision)");
	assert_expr ("varchar(3) 'abcd'", "(:: 'abcd' varchar(3))");
	assert_expr ("numeric(5,2) '1.234'", "(:: '1.234' numeric(5,2))");
	assert_expr ("bool 't'", "(:: 't' boolean)");
	assert_expr ("interval '1 day'", "(:: '1 day' interval)");
	assert_expr ("foo(3) 'x'", "(:: 'x' foo(3))");
	assert_expr ("timestamp", "timestamp");  /* a column */
	assert_expr ("int", "int");
}

static void
test_predicates (void)
{
	assert_expr ("a IS NULL", "(IS_NULL a)");
	assert_expr ("a IS NOT NULL", "(IS_NOT_NULL a)");
	assert_expr ("a ISNULL", "(IS_NULL a)");
	assert_expr ("a NOTNULL", "(IS_NOT_NULL a)");
	assert_expr ("a IS TRUE", "(IS_TRUE a)");
	assert_expr ("a IS NOT TRUE", "(IS_NOT_TRUE a)");
	assert_expr ("a IS FALSE", "(IS_FALSE a)");
	assert_expr ("a IS NOT FALSE", "(IS_NOT_FALSE a)");
	assert_expr ("a IS UNKNOWN", "(IS_UNKNOWN a)");
	assert_expr ("a IS NOT UNKNOWN", "(IS_NOT_UNKNOWN a)");
	assert_expr ("a IS DISTINCT FROM b", "(DISTINCT a b)");
	assert_expr ("a IS NOT DISTINCT FROM b + 1", "(NOT_DISTINCT a (+ b 1))");
	assert_expr ("a BETWEEN 1 AND 2", "(BETWEEN a 1 2)");
	assert_expr ("a NOT BETWEEN 1 AND 2", "(NOT_BETWEEN a 1 2)");
	assert_expr ("a BETWEEN SYMMETRIC 2 AND 1", "(BETWEEN_SYMMETRIC a 2 1)");
	assert_expr ("a BETWEEN ASYMMETRIC 1 AND 2", "(BETWEEN a 1 2)");
	assert_expr ("a BETWEEN 1 AND 2 AND c", "(AND (BETWEEN a 1 2) c)");
	assert_expr ("a BETWEEN b + 1 AND c * 2", "(BETWEEN a (+ b 1) (* c 2))");
	assert_expr ("a BETWEEN 1 AND 2 = true", "(= (BETWEEN a 1 2) TRUE)");
	assert_expr ("a IN (1, 2, 3)", "(IN a 1 2 3)");
	assert_expr ("a NOT IN (1)", "(NOT_IN a 1)");
	assert_expr ("a IN (SELECT b FROM t)", "(ANY = a (SELECT b FROM t))");
	assert_expr ("a NOT IN (SELECT b FROM t)", "(NOT (ANY = a (SELECT b FROM t)))");
	assert_expr ("a IN ((SELECT 1))", "(ANY = a (SELECT 1))");
	assert_expr ("a IN ((SELECT 1), 2)", "(IN a (SUBLINK (SELECT 1)) 2)");
	assert_expr ("a IN ((SELECT 1) UNION (SELECT 2))", "(ANY = a (UNION (SELECT 1) (SELECT 2)))");
	assert_expr ("1 IN (1) IN (true)", "(IN (IN 1 1) TRUE)");
	assert_expr ("a LIKE 'x%'", "(LIKE a 'x%')");
	assert_expr ("a NOT LIKE 'x%'", "(NOT_LIKE a 'x%')");
	assert_expr ("a ILIKE 'x%'", "(ILIKE a 'x%')");
	assert_expr ("a NOT ILIKE 'x%' ESCAPE '!'", "(NOT_ILIKE a 'x%' ESCAPE '!')");
	assert_expr ("a LIKE b ESCAPE c || d", "(LIKE a b ESCAPE (|| c d))");
	assert_expr ("a SIMILAR TO 'x'", "(~ a similar_to_escape('x'))");
	assert_expr ("a NOT SIMILAR TO 'x' ESCAPE '#'", "(!~ a similar_to_escape('x', '#'))");
	assert_expr ("a = ANY (SELECT 1)", "(ANY = a (SELECT 1))");
	assert_expr ("a < SOME (SELECT 1)", "(ANY < a (SELECT 1))");
	assert_expr ("a <> ALL (SELECT 1)", "(ALL <> a (SELECT 1))");
	assert_expr ("a = ANY(SELECT 1) = true", "(= (ANY = a (SELECT 1)) TRUE)");
	assert_expr ("a LIKE ANY (SELECT 'x')", "(ANY ~~ a (SELECT 'x'))");
	assert_expr ("EXISTS (SELECT 1)", "(EXISTS (SELECT 1))");
	assert_expr ("NOT EXISTS (SELECT 1)", "(NOT (EXISTS (SELECT 1)))");
	assert_expr ("(SELECT 1)", "(SUBLINK (SELECT 1))");
	assert_expr ("((SELECT 1))", "(SUBLINK (SELECT 1))");
	assert_expr ("(SELECT 1) + 1", "(+ (SUBLINK (SELECT 1)) 1)");
	assert_expr ("((SELECT 1) UNION (SELECT 2))", "(SUBLINK (UNION (SELECT 1) (SELECT 2)))");
	assert_expr ("((SELECT 1) ORDER BY 1)", "(SUBLINK (SELECT 1) ORDER BY 1)");
	assert_expr ("(VALUES (1))", "(SUBLINK (VALUES (1)))");
	/* arrays (exec/text-arrays.c): ARRAY(sel) is a sublink, ARRAY[...],
	 * subscripts and = ANY (arr) are functions */
	assert_expr ("ARRAY(SELECT 1)", "(ARRAY (SELECT 1))");
	assert_expr ("ARRAY[1, a]", "{}(1, a)");
	assert_expr ("a[1] + 1", "(+ [](a, 1) 1)");
	assert_expr ("(a::int2[])[i]", "[]((:: a smallint[]), i)");
	assert_expr ("a = ANY (b)", "=any(a, b)");
	assert_expr ("x AT TIME ZONE 'UTC'", "timezone('UTC', x)");
}

static void
test_case_and_functions (void)
{
	assert_expr ("CASE WHEN a THEN 1 ELSE 2 END", "(CASE (WHEN a 1) (ELSE 2))");
	assert_expr ("CASE x WHEN 1 THEN 'a' WHEN 2 THEN 'b' END", "(CASE x (WHEN 1 'a') (WHEN 2 'b'))");
	assert_expr ("CASE WHEN CASE WHEN a THEN b END THEN 1 END",
	             "(CASE (WHEN (CASE (WHEN a b)) 1))");
	assert_expr ("count(*)", "count(*)");
	assert_expr ("count(DISTINCT x)", "count(DISTINCT x)");
	assert_expr ("count(ALL x)", "count(x)");
	assert_expr ("f()", "f()");
	assert_expr ("s.f(1, 2)", "s.f(1, 2)");
	assert_expr ("string_agg(a, ',' ORDER BY b DESC)", "string_agg(a, ',' ORDER BY b DESC)");
	assert_expr ("sum(x) FILTER (WHERE x > 0)", "sum(x) FILTER (> x 0)");
	assert_expr ("count(*) FILTER (WHERE a)", "count(*) FILTER a");
	assert_expr ("left('abc', 2)", "left('abc', 2)");
	assert_expr ("right('abc', 2)", "right('abc', 2)");
	assert_expr ("replace('a', 'b', 'c')", "replace('a', 'b', 'c')");
	assert_expr ("EXTRACT(YEAR FROM d)", "date_part('year', d)");
	assert_expr ("extract(epoch from d)", "date_part('epoch', d)");
	assert_expr ("extract('dow' from d)", "date_part('dow', d)");
	assert_expr ("POSITION('b' IN 'abc')", "position('b', 'abc')");
	assert_expr ("SUBSTRING(s FROM 2 FOR 3)", "substring(s, 2, 3)");
	assert_expr ("SUBSTRING(s FOR 3 FROM 2)", "substring(s, 2, 3)");
	assert_expr ("SUBSTRING(s FROM 2)", "substring(s, 2)");
	assert_expr ("SUBSTRING(s FOR 3)", "substring(s, 1, 3)");
	assert_expr ("substring(s, 2, 3)", "substring(s, 2, 3)");
	assert_expr ("TRIM(s)", "btrim(s)");
	assert_expr ("TRIM(BOTH 'x' FROM s)", "btrim(s, 'x')");
	assert_expr ("TRIM(LEADING FROM s)", "ltrim(s)");
	assert_expr ("TRIM(TRAILING 'x' FROM s)", "rtrim(s, 'x')");
	assert_expr ("OVERLAY(s PLACING 'x' FROM 2 FOR 1)", "overlay(s, 'x', 2, 1)");
	assert_expr ("COALESCE(a, b, 1)", "coalesce(a, b, 1)");
	assert_expr ("NULLIF(a, 0)", "nullif(a, 0)");
	assert_expr ("GREATEST(1, 2)", "greatest(1, 2)");
	assert_expr ("LEAST(1, 2)", "least(1, 2)");
	assert_expr ("CURRENT_DATE", "current_date");
	assert_expr ("current_timestamp", "current_timestamp");
	assert_expr ("CURRENT_TIMESTAMP(3)", "current_timestamp[3]");
	assert_expr ("LOCALTIMESTAMP", "localtimestamp");
	assert_expr ("CURRENT_TIME", "current_time");
	assert_expr ("CURRENT_USER", "current_user");
	assert_expr ("SESSION_USER", "session_user");
	assert_expr ("CURRENT_SCHEMA", "current_schema");
	assert_expr ("current_schema()", "current_schema()");
	assert_expr ("CURRENT_CATALOG", "current_catalog");
	assert_expr ("NULL", "NULL");
	assert_expr ("TRUE", "TRUE");
	assert_expr ("false", "FALSE");
	assert_expr ("DEFAULT", "DEFAULT");
	assert_expr ("coalesce", "coalesce");  /* a column */

	OxSelectStmt *s = (OxSelectStmt *) parse ("SELECT CURRENT_DATE, now()");
	OxFuncCall *f = (OxFuncCall *) ((OxResTarget *) OX_LIST_AT (s->targets, 0))->val;
	g_assert_true (f->no_parens);
	g_assert_cmpint (f->args->n, ==, 0);
	f = (OxFuncCall *) ((OxResTarget *) OX_LIST_AT (s->targets, 1))->val;
	g_assert_false (f->no_parens);
}

static void
test_locations (void)
{
	OxSelectStmt *s = (OxSelectStmt *) parse ("SELECT a + bb, f(x) AS y FROM t");
	OxResTarget *r = OX_LIST_AT (s->targets, 0);
	g_assert_cmpint (s->node.loc, ==, 0);
	g_assert_cmpint (r->node.loc, ==, 7);
	OxAExpr *e = (OxAExpr *) r->val;
	g_assert_cmpint (e->node.loc, ==, 9);
	g_assert_cmpint (e->lexpr->loc, ==, 7);
	g_assert_cmpint (e->rexpr->loc, ==, 11);
	r = OX_LIST_AT (s->targets, 1);
	g_assert_cmpint (r->val->loc, ==, 15);
	g_assert_cmpstr (r->name, ==, "y");
	g_assert_cmpint (((OxNode *) OX_LIST_AT (s->from, 0))->loc, ==, 30);
}

/* ---- SELECT -------------------------------------------------------------- */

static void
test_select (void)
{
	assert_stmt ("SELECT 1", "(SELECT 1)");
	assert_stmt ("select a, b as c, d e from t", "(SELECT a, b AS c, d AS e FROM t)");
	assert_stmt ("SELECT *, t.* FROM t", "(SELECT *, t.* FROM t)");
	assert_stmt ("SELECT 1 AS select", "(SELECT 1 AS select)");
	assert_stmt ("SELECT 1 value", "(SELECT 1 AS value)");
	assert_stmt ("SELECT 1 \"Day\"", "(SELECT 1 AS Day)");
	assert_stmt ("SELECT", "(SELECT)");
	assert_stmt ("SELECT FROM t", "(SELECT FROM t)");
	assert_stmt ("SELECT ALL a FROM t", "(SELECT a FROM t)");
	assert_stmt ("SELECT DISTINCT a FROM t", "(SELECT DISTINCT a FROM t)");
	assert_stmt ("SELECT DISTINCT ON (a, b) a, c FROM t", "(SELECT DISTINCT ON (a b) a, c FROM t)");
	assert_stmt ("SELECT a FROM t WHERE a > 1 GROUP BY a, b HAVING count(*) > 1",
	             "(SELECT a FROM t WHERE (> a 1) GROUP BY a, b HAVING (> count(*) 1))");
	assert_stmt ("SELECT a FROM t ORDER BY a DESC NULLS LAST, b ASC, c NULLS FIRST, d",
	             "(SELECT a FROM t) ORDER BY a DESC NULLS LAST, b ASC, c NULLS FIRST, d");
	assert_stmt ("SELECT a FROM t LIMIT 10 OFFSET 5", "(SELECT a FROM t) LIMIT 10 OFFSET 5");
	assert_stmt ("SELECT a FROM t OFFSET 5 ROWS LIMIT 10", "(SELECT a FROM t) LIMIT 10 OFFSET 5");
	assert_stmt ("SELECT a FROM t LIMIT ALL", "(SELECT a FROM t)");
	assert_stmt ("SELECT a FROM t OFFSET 2 ROW FETCH FIRST 3 ROWS ONLY",
	             "(SELECT a FROM t) LIMIT 3 OFFSET 2");
	assert_stmt ("SELECT a FROM t FETCH NEXT ROW ONLY", "(SELECT a FROM t) LIMIT 1");
	assert_stmt ("SELECT 1 UNION SELECT 2", "(UNION (SELECT 1) (SELECT 2))");
	assert_stmt ("SELECT 1 UNION ALL SELECT 2 UNION DISTINCT SELECT 3",
	             "(UNION (UNION ALL (SELECT 1) (SELECT 2)) (SELECT 3))");
	assert_stmt ("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3",
	             "(UNION (SELECT 1) (INTERSECT (SELECT 2) (SELECT 3)))");
	assert_stmt ("SELECT 1 INTERSECT SELECT 2 UNION SELECT 3",
	             "(UNION (INTERSECT (SELECT 1) (SELECT 2)) (SELECT 3))");
	assert_stmt ("SELECT 1 EXCEPT SELECT 2 EXCEPT ALL SELECT 3",
	             "(EXCEPT ALL (EXCEPT (SELECT 1) (SELECT 2)) (SELECT 3))");
	assert_stmt ("SELECT 1 UNION SELECT 2 ORDER BY 1 LIMIT 1",
	             "(UNION (SELECT 1) (SELECT 2)) ORDER BY 1 LIMIT 1");
	assert_stmt ("(SELECT 1 ORDER BY 1 LIMIT 1) UNION (SELECT 2) ORDER BY 1",
	             "(UNION (SELECT 1) ORDER BY 1 LIMIT 1 (SELECT 2)) ORDER BY 1");
	assert_stmt ("(SELECT 1)", "(SELECT 1)");
	assert_stmt ("((SELECT 1)) LIMIT 2", "(SELECT 1) LIMIT 2");
	assert_stmt ("SELECT 1 UNION (SELECT 2 UNION SELECT 3)",
	             "(UNION (SELECT 1) (UNION (SELECT 2) (SELECT 3)))");
	assert_stmt ("VALUES (1, 'a'), (2, DEFAULT)", "(VALUES (1 'a') (2 DEFAULT))");
	assert_stmt ("VALUES (1) ORDER BY 1", "(VALUES (1)) ORDER BY 1");
	assert_stmt ("TABLE t", "(SELECT * FROM t)");
	assert_stmt ("SELECT 1 UNION VALUES (2)", "(UNION (SELECT 1) (VALUES (2)))");
	assert_stmt ("WITH x AS (SELECT 1) SELECT * FROM x",
	             "WITH x AS (SELECT 1) (SELECT * FROM x)");
	assert_stmt ("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r WHERE n < 5), "
	             "s AS MATERIALIZED (SELECT 2) SELECT n FROM r",
	             "WITH RECURSIVE r(n) AS (UNION ALL (SELECT 1) (SELECT (+ n 1) FROM r WHERE (< n 5))), "
	             "s AS (SELECT 2) (SELECT n FROM r)");
	assert_stmt ("WITH x AS (SELECT 1) SELECT 1 UNION SELECT 2",
	             "WITH x AS (SELECT 1) (UNION (SELECT 1) (SELECT 2))");
	assert_stmt ("SELECT 1;", "(SELECT 1)");
}

static void
test_from (void)
{
	assert_stmt ("SELECT * FROM s.t", "(SELECT * FROM s.t)");
	assert_stmt ("SELECT * FROM t AS x", "(SELECT * FROM t x)");
	assert_stmt ("SELECT * FROM t x(a, b)", "(SELECT * FROM t x(a,b))");
	assert_stmt ("SELECT * FROM ONLY t", "(SELECT * FROM ONLY t)");
	assert_stmt ("SELECT * FROM t *", "(SELECT * FROM t)");
	assert_stmt ("SELECT * FROM a, b", "(SELECT * FROM a, b)");
	assert_stmt ("SELECT * FROM (SELECT 1) AS s", "(SELECT * FROM (SELECT 1) s)");
	assert_stmt ("SELECT * FROM (SELECT 1) s(x)", "(SELECT * FROM (SELECT 1) s(x))");
	assert_stmt ("SELECT * FROM (VALUES (1, 2)) AS t(a, b)",
	             "(SELECT * FROM (VALUES (1 2)) t(a,b))");
	assert_stmt ("SELECT * FROM ((SELECT 1)) x", "(SELECT * FROM (SELECT 1) x)");
	assert_stmt ("SELECT * FROM ((SELECT 1) UNION (SELECT 2)) x",
	             "(SELECT * FROM (UNION (SELECT 1) (SELECT 2)) x)");
	assert_stmt ("SELECT * FROM LATERAL (SELECT 1) x", "(SELECT * FROM LATERAL (SELECT 1) x)");
	assert_stmt ("SELECT * FROM a JOIN b ON a.x = b.x",
	             "(SELECT * FROM {JOIN a b ON (= a.x b.x)})");
	assert_stmt ("SELECT * FROM a INNER JOIN b USING (x, y)",
	             "(SELECT * FROM {JOIN a b USING x,y})");
	assert_stmt ("SELECT * FROM a LEFT JOIN b ON true", "(SELECT * FROM {LEFT a b ON TRUE})");
	assert_stmt ("SELECT * FROM a LEFT OUTER JOIN b ON true", "(SELECT * FROM {LEFT a b ON TRUE})");
	assert_stmt ("SELECT * FROM a RIGHT JOIN b ON true", "(SELECT * FROM {RIGHT a b ON TRUE})");
	assert_stmt ("SELECT * FROM a FULL OUTER JOIN b ON true", "(SELECT * FROM {FULL a b ON TRUE})");
	assert_stmt ("SELECT * FROM a CROSS JOIN b", "(SELECT * FROM {CROSS a b})");
	assert_stmt ("SELECT * FROM a NATURAL JOIN b", "(SELECT * FROM {NATURAL JOIN a b})");
	assert_stmt ("SELECT * FROM a NATURAL LEFT JOIN b", "(SELECT * FROM {NATURAL LEFT a b})");
	assert_stmt ("SELECT * FROM a JOIN b ON x JOIN c ON y",
	             "(SELECT * FROM {JOIN {JOIN a b ON x} c ON y})");
	assert_stmt ("SELECT * FROM a JOIN b JOIN c ON x ON y",
	             "(SELECT * FROM {JOIN a {JOIN b c ON x} ON y})");
	assert_stmt ("SELECT * FROM a CROSS JOIN b JOIN c ON y",
	             "(SELECT * FROM {JOIN {CROSS a b} c ON y})");
	assert_stmt ("SELECT * FROM a LEFT JOIN b CROSS JOIN c ON y",
	             "(SELECT * FROM {LEFT a {CROSS b c} ON y})");
	assert_stmt ("SELECT * FROM (a JOIN b ON x) j", "(SELECT * FROM {JOIN a b ON x} j)");
	assert_stmt ("SELECT * FROM ((a JOIN b ON x) JOIN c ON y)",
	             "(SELECT * FROM {JOIN {JOIN a b ON x} c ON y})");
	assert_stmt ("SELECT * FROM ((SELECT 1) s JOIN b ON x)",
	             "(SELECT * FROM {JOIN (SELECT 1) s b ON x})");
	assert_stmt ("SELECT * FROM a, b JOIN c ON x", "(SELECT * FROM a, {JOIN b c ON x})");
	assert_stmt ("SELECT * FROM t1 left join t2 on t1.a = t2.a where t2.a is null",
	             "(SELECT * FROM {LEFT t1 t2 ON (= t1.a t2.a)} WHERE (IS_NULL t2.a))");
}

/* ---- DML and DDL --------------------------------------------------------- */

static void
test_insert (void)
{
	OxInsertStmt *s = (OxInsertStmt *) parse ("INSERT INTO s.t AS x (a, \"B\") VALUES (1, DEFAULT), (2, 3) RETURNING *, a + 1 AS b");
	g_assert_cmpint (s->node.tag, ==, OX_N_INSERT);
	g_assert_cmpstr (s->table->schema, ==, "s");
	g_assert_cmpstr (s->table->name, ==, "t");
	g_assert_cmpstr (s->table->alias, ==, "x");
	g_assert_cmpint (s->columns->n, ==, 2);
	g_assert_cmpstr (OX_LIST_AT (s->columns, 1), ==, "B");
	g_assert_cmpint (s->select->values->n, ==, 2);
	g_assert_cmpint (s->returning->n, ==, 2);

	s = (OxInsertStmt *) parse ("INSERT INTO t SELECT * FROM u");
	g_assert_null (s->columns);
	g_assert_nonnull (s->select);
	g_assert_null (s->returning);
	s = (OxInsertStmt *) parse ("INSERT INTO t (SELECT * FROM u)");
	g_assert_null (s->columns);
	g_assert_nonnull (s->select);
	s = (OxInsertStmt *) parse ("INSERT INTO t (a) (SELECT 1)");
	g_assert_cmpint (s->columns->n, ==, 1);
	s = (OxInsertStmt *) parse ("INSERT INTO t DEFAULT VALUES RETURNING a");
	g_assert_null (s->select);
	g_assert_cmpint (s->returning->n, ==, 1);
	s = (OxInsertStmt *) parse ("INSERT INTO t(e,c,b,d,a) VALUES(103,102,100,101,104)");
	g_assert_cmpint (s->columns->n, ==, 5);
	s = (OxInsertStmt *) parse ("INSERT INTO t WITH x AS (SELECT 1) SELECT * FROM x");
	g_assert_nonnull (s->select->with);
}

static void
test_update_delete (void)
{
	OxUpdateStmt *u = (OxUpdateStmt *) parse ("UPDATE t AS x SET a = 1, b = DEFAULT, (c, d) = (2, 3) FROM u WHERE x.id = u.id RETURNING a");
	g_assert_cmpint (u->node.tag, ==, OX_N_UPDATE);
	g_assert_cmpstr (u->table->alias, ==, "x");
	g_assert_cmpint (u->set->n, ==, 4);
	OxSetClause *c = OX_LIST_AT (u->set, 1);
	g_assert_cmpstr (c->column, ==, "b");
	g_assert_true (OX_IS (c->value, OX_N_DEFAULT));
	c = OX_LIST_AT (u->set, 3);
	g_assert_cmpstr (c->column, ==, "d");
	g_assert_cmpint (u->from->n, ==, 1);
	g_assert_nonnull (u->where);
	g_assert_cmpint (u->returning->n, ==, 1);
	u = (OxUpdateStmt *) parse ("UPDATE t SET a = a + 1");
	g_assert_null (u->table->alias);
	g_assert_null (u->from);
	g_assert_null (u->where);
	u = (OxUpdateStmt *) parse ("UPDATE ONLY t x SET a = 1");
	g_assert_cmpstr (u->table->alias, ==, "x");
	g_assert_true (u->table->only);

	OxDeleteStmt *d = (OxDeleteStmt *) parse ("DELETE FROM t x USING u, v WHERE x.a = u.a RETURNING *");
	g_assert_cmpint (d->node.tag, ==, OX_N_DELETE);
	g_assert_cmpstr (d->table->alias, ==, "x");
	g_assert_cmpint (d->using_->n, ==, 2);
	g_assert_nonnull (d->where);
	g_assert_cmpint (d->returning->n, ==, 1);
	d = (OxDeleteStmt *) parse ("DELETE FROM t");
	g_assert_null (d->table->alias);
	g_assert_null (d->using_);
	g_assert_null (d->where);
	g_assert_null (d->returning);
}

static void
test_create_table (void)
{
	const char *sql =
		"CREATE TABLE IF NOT EXISTS s.t (\n"
		"  id integer PRIMARY KEY,\n"
		"  name varchar(20) NOT NULL UNIQUE,\n"
		"  price numeric(10,2) DEFAULT 1.5 * 2 CHECK (price > 0),\n"
		"  note text NULL DEFAULT 'x' NOT NULL,\n"
		"  ref int CONSTRAINT fk REFERENCES u (id) ON DELETE CASCADE,\n"
		"  d double precision DEFAULT -1,\n"
		"  CONSTRAINT pk2 UNIQUE (name, price),\n"
		"  CHECK (price < 100 AND id > 0),\n"
		"  PRIMARY KEY (id),\n"
		"  FOREIGN KEY (ref, id) REFERENCES u\n"
		")";
	OxCreateTableStmt *s = (OxCreateTableStmt *) parse (sql);
	g_assert_cmpint (s->node.tag, ==, OX_N_CREATE_TABLE);
	g_assert_true (s->if_not_exists);
	g_assert_false (s->temporary);
	g_assert_cmpstr (s->table->schema, ==, "s");
	g_assert_cmpint (s->columns->n, ==, 6);
	g_assert_cmpint (s->constraints->n, ==, 4);
	g_assert_null (s->as_select);

	OxColumnDef *d = OX_LIST_AT (s->columns, 0);
	g_assert_cmpstr (d->name, ==, "id");
	g_assert_cmpstr (d->type->name, ==, "integer");
	g_assert_cmpint (d->constraints->n, ==, 1);
	g_assert_cmpint (((OxConstraint *) OX_LIST_AT (d->constraints, 0))->type, ==, OX_CONSTR_PRIMARY);

	d = OX_LIST_AT (s->columns, 1);
	g_assert_cmpstr (d->type->name, ==, "varchar");
	g_assert_cmpint (d->type->mods[0], ==, 20);
	g_assert_cmpint (d->constraints->n, ==, 2);
	g_assert_cmpint (((OxConstraint *) OX_LIST_AT (d->constraints, 0))->type, ==, OX_CONSTR_NOTNULL);
	g_assert_cmpint (((OxConstraint *) OX_LIST_AT (d->constraints, 1))->type, ==, OX_CONSTR_UNIQUE);

	d = OX_LIST_AT (s->columns, 2);
	OxConstraint *c = OX_LIST_AT (d->constraints, 0);
	g_assert_cmpint (c->type, ==, OX_CONSTR_DEFAULT);
	g_assert_cmpstr (c->expr_src, ==, "1.5 * 2");
	g_assert_true (OX_IS (c->expr, OX_N_AEXPR));
	c = OX_LIST_AT (d->constraints, 1);
	g_assert_cmpint (c->type, ==, OX_CONSTR_CHECK);
	g_assert_cmpstr (c->expr_src, ==, "price > 0");

	d = OX_LIST_AT (s->columns, 3);
	g_assert_cmpint (d->constraints->n, ==, 3);
	g_assert_cmpint (((OxConstraint *) OX_LIST_AT (d->constraints, 0))->type, ==, OX_CONSTR_NULL);
	c = OX_LIST_AT (d->constraints, 1);
	g_assert_cmpstr (c->expr_src, ==, "'x'");
	g_assert_cmpint (((OxConstraint *) OX_LIST_AT (d->constraints, 2))->type, ==, OX_CONSTR_NOTNULL);

	d = OX_LIST_AT (s->columns, 4);
	c = OX_LIST_AT (d->constraints, 0);
	g_assert_cmpint (c->type, ==, OX_CONSTR_FOREIGN);
	g_assert_cmpstr (c->name, ==, "fk");
	g_assert_cmpstr (c->fk_table->name, ==, "u");
	g_assert_cmpstr (OX_LIST_AT (c->fk_cols, 0), ==, "id");

	d = OX_LIST_AT (s->columns, 5);
	g_assert_cmpstr (d->type->name, ==, "double precision");
	c = OX_LIST_AT (d->constraints, 0);
	g_assert_cmpstr (c->expr_src, ==, "-1");

	c = OX_LIST_AT (s->constraints, 0);
	g_assert_cmpint (c->type, ==, OX_CONSTR_UNIQUE);
	g_assert_cmpstr (c->name, ==, "pk2");
	g_assert_cmpint (c->keys->n, ==, 2);
	c = OX_LIST_AT (s->constraints, 1);
	g_assert_cmpint (c->type, ==, OX_CONSTR_CHECK);
	g_assert_cmpstr (c->expr_src, ==, "price < 100 AND id > 0");
	g_assert_null (c->keys);
	c = OX_LIST_AT (s->constraints, 2);
	g_assert_cmpint (c->type, ==, OX_CONSTR_PRIMARY);
	g_assert_cmpint (c->keys->n, ==, 1);
	c = OX_LIST_AT (s->constraints, 3);
	g_assert_cmpint (c->type, ==, OX_CONSTR_FOREIGN);
	g_assert_cmpint (c->keys->n, ==, 2);
	g_assert_null (c->fk_cols);

	s = (OxCreateTableStmt *) parse ("CREATE TEMP TABLE t ()");
	g_assert_true (s->temporary);
	g_assert_cmpint (s->columns->n, ==, 0);
	s = (OxCreateTableStmt *) parse ("CREATE TEMPORARY TABLE t1(x INTEGER, y VARCHAR(8))");
	g_assert_cmpint (s->columns->n, ==, 2);
	s = (OxCreateTableStmt *) parse ("CREATE TABLE t AS SELECT 1 AS a");
	g_assert_nonnull (s->as_select);
	g_assert_null (s->as_colnames);
	s = (OxCreateTableStmt *) parse ("CREATE TABLE t (x, y) AS VALUES (1, 2)");
	g_assert_nonnull (s->as_select);
	g_assert_cmpint (s->as_colnames->n, ==, 2);
	s = (OxCreateTableStmt *) parse ("CREATE TABLE t (a int DEFAULT 1 NOT NULL, b timestamptz DEFAULT now())");
	d = OX_LIST_AT (s->columns, 0);
	g_assert_cmpint (d->constraints->n, ==, 2);
	d = OX_LIST_AT (s->columns, 1);
	g_assert_cmpstr (((OxConstraint *) OX_LIST_AT (d->constraints, 0))->expr_src, ==, "now()");
}

static void
test_other_ddl (void)
{
	OxCreateSchemaStmt *sc = (OxCreateSchemaStmt *) parse ("CREATE SCHEMA IF NOT EXISTS app");
	g_assert_cmpint (sc->node.tag, ==, OX_N_CREATE_SCHEMA);
	g_assert_true (sc->if_not_exists);
	g_assert_cmpstr (sc->name, ==, "app");

	OxCreateIndexStmt *ix = (OxCreateIndexStmt *) parse ("CREATE UNIQUE INDEX IF NOT EXISTS i ON s.t USING btree (a DESC NULLS FIRST, (b + 1), lower(c), d text_pattern_ops)");
	g_assert_cmpint (ix->node.tag, ==, OX_N_CREATE_INDEX);
	g_assert_true (ix->unique);
	g_assert_true (ix->if_not_exists);
	g_assert_cmpstr (ix->name, ==, "i");
	g_assert_cmpstr (ix->table->schema, ==, "s");
	g_assert_cmpstr (ix->method, ==, "btree");
	g_assert_cmpint (ix->elems->n, ==, 4);
	OxIndexElem *e = OX_LIST_AT (ix->elems, 0);
	g_assert_cmpstr (e->column, ==, "a");
	g_assert_cmpint (e->dir, ==, OX_SORT_DESC);
	g_assert_cmpint (e->nulls, ==, OX_NULLS_FIRST);
	e = OX_LIST_AT (ix->elems, 1);
	g_assert_null (e->column);
	g_assert_true (OX_IS (e->expr, OX_N_AEXPR));
	e = OX_LIST_AT (ix->elems, 2);
	g_assert_true (OX_IS (e->expr, OX_N_FUNCCALL));
	e = OX_LIST_AT (ix->elems, 3);
	g_assert_cmpstr (e->column, ==, "d");
	ix = (OxCreateIndexStmt *) parse ("CREATE INDEX ON t (a)");
	g_assert_null (ix->name);
	g_assert_false (ix->unique);
	ix = (OxCreateIndexStmt *) parse ("CREATE INDEX t1i1 ON t1(x)");
	g_assert_cmpstr (ix->name, ==, "t1i1");

	const char *vsql = "CREATE OR REPLACE VIEW v (a, b) AS SELECT x, y FROM t WHERE x > 1 ;";
	OxCreateViewStmt *v = (OxCreateViewStmt *) parse (vsql);
	g_assert_cmpint (v->node.tag, ==, OX_N_CREATE_VIEW);
	g_assert_true (v->or_replace);
	g_assert_cmpstr (v->view->name, ==, "v");
	g_assert_cmpint (v->colnames->n, ==, 2);
	g_assert_cmpstr (v->query_src, ==, "SELECT x, y FROM t WHERE x > 1");
	v = (OxCreateViewStmt *) parse ("CREATE VIEW v AS (SELECT 1) UNION (SELECT 2)");
	g_assert_false (v->or_replace);
	g_assert_cmpstr (v->query_src, ==, "(SELECT 1) UNION (SELECT 2)");
	g_assert_cmpint (v->query->op, ==, OX_SETOP_UNION);

	OxDropStmt *d = (OxDropStmt *) parse ("DROP TABLE IF EXISTS a, s.b CASCADE");
	g_assert_cmpint (d->node.tag, ==, OX_N_DROP);
	g_assert_cmpint (d->type, ==, OX_OBJ_TABLE);
	g_assert_true (d->if_exists);
	g_assert_true (d->cascade);
	g_assert_cmpint (d->names->n, ==, 2);
	g_assert_cmpstr (((OxRangeVar *) OX_LIST_AT (d->names, 1))->schema, ==, "s");
	d = (OxDropStmt *) parse ("DROP VIEW v RESTRICT");
	g_assert_cmpint (d->type, ==, OX_OBJ_VIEW);
	g_assert_false (d->cascade);
	d = (OxDropStmt *) parse ("DROP INDEX i");
	g_assert_cmpint (d->type, ==, OX_OBJ_INDEX);
	d = (OxDropStmt *) parse ("DROP SCHEMA IF EXISTS app");
	g_assert_cmpint (d->type, ==, OX_OBJ_SCHEMA);
	g_assert_cmpstr (((OxRangeVar *) OX_LIST_AT (d->names, 0))->name, ==, "app");

	OxTruncateStmt *t = (OxTruncateStmt *) parse ("TRUNCATE TABLE a, ONLY b RESTART IDENTITY CASCADE");
	g_assert_cmpint (t->node.tag, ==, OX_N_TRUNCATE);
	g_assert_cmpint (t->tables->n, ==, 2);
	g_assert_true (t->restart_identity);
	g_assert_true (t->cascade);
	t = (OxTruncateStmt *) parse ("TRUNCATE a");
	g_assert_false (t->restart_identity);
	g_assert_false (t->cascade);
}

static OxTransactionStmt *
txn (const char *sql)
{
	OxTransactionStmt *t = (OxTransactionStmt *) parse (sql);
	g_assert_cmpint (t->node.tag, ==, OX_N_TRANSACTION);
	return t;
}

static void
test_transactions (void)
{
	OxTransactionStmt *t = txn ("BEGIN");
	g_assert_cmpint (t->kind, ==, OX_TXN_BEGIN);
	g_assert_cmpint (t->isolation, ==, OX_ISO_DEFAULT);
	g_assert_cmpint (t->read_only, ==, -1);
	t = txn ("BEGIN WORK ISOLATION LEVEL SERIALIZABLE, READ ONLY");
	g_assert_cmpint (t->isolation, ==, OX_ISO_SERIALIZABLE);
	g_assert_cmpint (t->read_only, ==, 1);
	t = txn ("begin transaction isolation level repeatable read read write");
	g_assert_cmpint (t->isolation, ==, OX_ISO_REPEATABLE_READ);
	g_assert_cmpint (t->read_only, ==, 0);
	t = txn ("START TRANSACTION ISOLATION LEVEL READ COMMITTED");
	g_assert_cmpint (t->kind, ==, OX_TXN_BEGIN);
	g_assert_cmpint (t->isolation, ==, OX_ISO_READ_COMMITTED);
	t = txn ("START TRANSACTION ISOLATION LEVEL READ UNCOMMITTED, NOT DEFERRABLE");
	g_assert_cmpint (t->isolation, ==, OX_ISO_READ_UNCOMMITTED);
	t = txn ("begin work isolation level serializable, read only, not deferrable");
	g_assert_cmpint (t->isolation, ==, OX_ISO_SERIALIZABLE);
	g_assert_cmpint (t->read_only, ==, 1);
	t = txn ("START TRANSACTION ISOLATION LEVEL READ UNCOMMITTED, NOT DEFERRABLE");
	g_assert_cmpint (t->isolation, ==, OX_ISO_READ_UNCOMMITTED);
	t = txn ("COMMIT");
	g_assert_cmpint (t->kind, ==, OX_TXN_COMMIT);
	g_assert_false (t->chain);
	t = txn ("END TRANSACTION AND CHAIN");
	g_assert_cmpint (t->kind, ==, OX_TXN_COMMIT);
	g_assert_true (t->chain);
	t = txn ("COMMIT WORK AND NO CHAIN");
	g_assert_false (t->chain);
	t = txn ("ROLLBACK");
	g_assert_cmpint (t->kind, ==, OX_TXN_ROLLBACK);
	t = txn ("ABORT WORK");
	g_assert_cmpint (t->kind, ==, OX_TXN_ROLLBACK);
	t = txn ("SAVEPOINT sp1");
	g_assert_cmpint (t->kind, ==, OX_TXN_SAVEPOINT);
	g_assert_cmpstr (t->savepoint, ==, "sp1");
	t = txn ("RELEASE SAVEPOINT sp1");
	g_assert_cmpint (t->kind, ==, OX_TXN_RELEASE);
	g_assert_cmpstr (t->savepoint, ==, "sp1");
	t = txn ("RELEASE sp2");
	g_assert_cmpstr (t->savepoint, ==, "sp2");
	t = txn ("ROLLBACK TO SAVEPOINT sp1");
	g_assert_cmpint (t->kind, ==, OX_TXN_ROLLBACK_TO);
	g_assert_cmpstr (t->savepoint, ==, "sp1");
	t = txn ("ROLLBACK WORK TO \"Sp\"");
	g_assert_cmpint (t->kind, ==, OX_TXN_ROLLBACK_TO);
	g_assert_cmpstr (t->savepoint, ==, "Sp");
	assert_syntax_error ("BEGIN READ ONLY,", 17);
	assert_syntax_error ("ABORT TO sp", 7);
}

static OxSetStmt *
setstmt (const char *sql)
{
	OxSetStmt *s = (OxSetStmt *) parse (sql);
	g_assert_cmpint (s->node.tag, ==, OX_N_SET);
	return s;
}

static void
test_set_show (void)
{
	OxSetStmt *s = setstmt ("SET search_path TO app, public");
	g_assert_cmpstr (s->name, ==, "search_path");
	g_assert_cmpint (s->values->n, ==, 2);
	g_assert_true (OX_IS (OX_LIST_AT (s->values, 0), OX_N_COLUMNREF));
	g_assert_false (s->is_local);
	g_assert_false (s->reset);
	g_assert_cmpint (s->read_only, ==, -1);
	s = setstmt ("SET LOCAL statement_timeout = '5s'");
	g_assert_true (s->is_local);
	g_assert_cmpint (((OxConst *) OX_LIST_AT (s->values, 0))->kind, ==, OX_CONST_STRING);
	s = setstmt ("SET SESSION extra_float_digits = -3");
	g_assert_cmpstr (s->name, ==, "extra_float_digits");
	g_assert_true (OX_IS (OX_LIST_AT (s->values, 0), OX_N_AEXPR));
	s = setstmt ("SET x.y = on");
	g_assert_cmpstr (s->name, ==, "x.y");
	s = setstmt ("SET enable_seqscan = false");
	g_assert_cmpint (((OxConst *) OX_LIST_AT (s->values, 0))->kind, ==, OX_CONST_BOOL);
	s = setstmt ("SET DateStyle TO DEFAULT");
	g_assert_cmpstr (s->name, ==, "datestyle");
	g_assert_null (s->values);
	s = setstmt ("SET TIME ZONE 'UTC'");
	g_assert_cmpstr (s->name, ==, "timezone");
	g_assert_cmpint (s->values->n, ==, 1);
	s = setstmt ("SET TIME ZONE LOCAL");
	g_assert_null (s->values);
	s = setstmt ("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
	g_assert_cmpstr (s->name, ==, "transaction_isolation");
	g_assert_cmpint (s->isolation, ==, OX_ISO_SERIALIZABLE);
	s = setstmt ("SET TRANSACTION READ ONLY");
	g_assert_cmpint (s->read_only, ==, 1);
	s = setstmt ("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ");
	g_assert_cmpstr (s->name, ==, "default_transaction_isolation");
	g_assert_cmpint (s->isolation, ==, OX_ISO_REPEATABLE_READ);
	s = setstmt ("SET NAMES 'UTF8'");
	g_assert_cmpstr (s->name, ==, "client_encoding");
	s = setstmt ("RESET ALL");
	g_assert_null (s->name);
	g_assert_true (s->reset);
	s = setstmt ("RESET search_path");
	g_assert_cmpstr (s->name, ==, "search_path");
	g_assert_true (s->reset);
	s = setstmt ("RESET TIME ZONE");
	g_assert_cmpstr (s->name, ==, "timezone");

	OxShowStmt *sh = (OxShowStmt *) parse ("SHOW ALL");
	g_assert_cmpint (sh->node.tag, ==, OX_N_SHOW);
	g_assert_cmpstr (sh->name, ==, "all");
	sh = (OxShowStmt *) parse ("SHOW TIME ZONE");
	g_assert_cmpstr (sh->name, ==, "timezone");
	sh = (OxShowStmt *) parse ("SHOW TRANSACTION ISOLATION LEVEL");
	g_assert_cmpstr (sh->name, ==, "transaction_isolation");
	sh = (OxShowStmt *) parse ("SHOW Search_Path");
	g_assert_cmpstr (sh->name, ==, "search_path");
}

static void
test_explain (void)
{
	OxExplainStmt *e = (OxExplainStmt *) parse ("EXPLAIN SELECT 1");
	g_assert_cmpint (e->node.tag, ==, OX_N_EXPLAIN);
	g_assert_false (e->analyze);
	g_assert_false (e->verbose);
	g_assert_true (e->costs);
	g_assert_true (OX_IS (e->stmt, OX_N_SELECT));
	e = (OxExplainStmt *) parse ("EXPLAIN ANALYZE VERBOSE DELETE FROM t");
	g_assert_true (e->analyze);
	g_assert_true (e->verbose);
	g_assert_true (OX_IS (e->stmt, OX_N_DELETE));
	e = (OxExplainStmt *) parse ("EXPLAIN (ANALYZE, VERBOSE, COSTS OFF) SELECT 1");
	g_assert_true (e->analyze);
	g_assert_true (e->verbose);
	g_assert_false (e->costs);
	e = (OxExplainStmt *) parse ("EXPLAIN (analyze false, buffers, format text) UPDATE t SET a = 1");
	g_assert_false (e->analyze);
	e = (OxExplainStmt *) parse ("EXPLAIN CREATE TABLE t AS SELECT 1");
	g_assert_true (OX_IS (e->stmt, OX_N_CREATE_TABLE));
	assert_error ("EXPLAIN (foo) SELECT 1", "42601", "unrecognized EXPLAIN option \"foo\"", 10);
	assert_error ("EXPLAIN (analyze maybe) SELECT 1", "42601", "analyze requires a Boolean value", 18);
	assert_syntax_error ("EXPLAIN CREATE TABLE t (a int)", 9);
	assert_syntax_error ("EXPLAIN BEGIN", 9);
	assert_error ("explain (analyze", "42601", "syntax error at end of input", 17);
	assert_error ("select extract(from x)", "42601", "syntax error at or near \"from\"", 16);
}

static void
test_multiple_statements (void)
{
	int n = 0;
	const char *sql = ";; SELECT 1; SELECT 'a;b' ; /* c; */ INSERT INTO t VALUES (1);\n-- end\n";
	g_assert_false (parse_all_len (sql, strlen (sql), NULL, &n));
	g_assert_cmpint (n, ==, 3);

	setup ();
	size_t end = 99;
	g_assert_null (ox_parse_one (arena, "  ; -- x\n ;", 11, &end));
	g_assert_cmpuint (end, ==, 11);
	g_assert_nonnull (ox_parse_one (arena, "SELECT 1; SELECT 2", 18, &end));
	g_assert_cmpuint (end, ==, 9);
	g_assert_nonnull (ox_parse_one (arena, "SELECT 1", 8, &end));
	g_assert_cmpuint (end, ==, 8);
	/* the text need not be NUL-terminated: only len bytes are read */
	g_assert_nonnull (ox_parse_one (arena, "SELECT 12345", 8, &end));
}

/* ---- errors -------------------------------------------------------------- */

static void
test_syntax_errors (void)
{
	assert_error ("select 1 +", "42601", "syntax error at end of input", 11);
	assert_error ("select 1 +   ", "42601", "syntax error at end of input", 14);
	assert_error ("selec 1", "42601", "syntax error at or near \"selec\"", 1);
	assert_error ("select 1 2", "42601", "syntax error at or near \"2\"", 10);
	assert_error ("select 'a' 'b'", "42601", "syntax error at or near \"'b'\"", 12);
	assert_error ("select 1 < 2 < 3", "42601", "syntax error at or near \"<\"", 14);
	assert_error ("select a < b = true", "42601", "syntax error at or near \"=\"", 14);
	assert_error ("select 1 where 1 = 1 = 1", "42601", "syntax error at or near \"=\"", 22);
	assert_error ("select 1 is distinct from 2 is null", "42601", "syntax error at or near \"is\"", 29);
	assert_error ("select 1 between 0 and 2 between true and true", "42601",
	              "syntax error at or near \"between\"", 26);
	assert_error ("select a like b like c", "42601", "syntax error at or near \"like\"", 17);
	assert_error ("select 1 in ()", "42601", "syntax error at or near \")\"", 14);
	assert_error ("select 1 in t1", "42601", "syntax error at or near \"t1\"", 13);
	assert_error ("select 1..2", "42601", "syntax error at or near \"..\"", 9);
	assert_error ("select 1 {", "42601", "syntax error at or near \"{\"", 10);
	assert_error ("select $", "42601", "syntax error at or near \"$\"", 8);
	assert_error ("select 2 !", "42601", "syntax error at end of input", 11);
	assert_error ("select 1 day", "42601", "syntax error at or near \"day\"", 10);
	assert_error ("select 1 = = 2", "42601", "syntax error at or near \"=\"", 12);
	assert_error ("select 1 from t1 cross", "42601", "syntax error at end of input", 23);
	assert_error ("select * from (t)", "42601", "syntax error at or near \")\"", 17);
	assert_error ("select (select 1) order by 1 order by 1", "42601",
	              "syntax error at or near \"order\"", 30);
	assert_error ("select 1 order by 1 union select 2", "42601",
	              "syntax error at or near \"union\"", 21);
	assert_error ("SELECT 1 SELECT 2", "42601", "syntax error at or near \"SELECT\"", 10);
	assert_error ("SELECT CASE END", "42601", "syntax error at or near \"END\"", 13);
	assert_error ("SELECT count(*", "42601", "syntax error at end of input", 15);
	assert_error ("CREATE TABLE user (a int)", "42601", "syntax error at or near \"user\"", 14);
	assert_error ("CREATE TABLE t (a)", "42601", "syntax error at end of input", 19);
	assert_error ("SELECT x BETWEEN NOT a AND b", "42601", "syntax error at or near \"NOT\"", 18);
	assert_error ("select * from (select 1)", "42601", "subquery in FROM must have an alias", 15);
	assert_error ("select 1 limit 1, 2", "42601", "LIMIT #,# syntax is not supported", 10);
	assert_error ("(select 1 limit 1) limit 2", "42601", "multiple LIMIT clauses not allowed", 20);
	assert_error ("(select 1 order by 1) order by 1", "42601", "multiple ORDER BY clauses not allowed", 23);
	assert_error ("with a as (select 1) (with b as (select 2) select 3)", "42601",
	              "multiple WITH clauses not allowed", 1);
	assert_error ("select $0", "42P02", "there is no parameter $0", 8);
	assert_error ("select a.b.c.d.e", "42601", NULL, 8);
	assert_error ("select a.b.c.d", "0A000", NULL, 8);
	assert_error ("select float(0) '1'", "22023", "precision for type float must be at least 1 bit", 14);
	assert_error ("select float(54) '1'", "22023", "precision for type float must be less than 54 bits", 14);
	assert_error ("select (1, 2)", "0A000", NULL, 8);
	/* subscripts parse (the function "[]"); slices do not */
	assert_error ("select a[1:2]", "0A000", NULL, 11);
	assert_error ("select count(*) over ()", "0A000", NULL, 17);
	/* the default collation and C are accepted (they change nothing); others are not */
	assert_error ("select 1 collate \"de_DE\"", "0A000", NULL, 18);
	assert_error ("select * from f(1, 3) with nosuch", "42601", NULL, 28);
	/* ARRAY[...] and ARRAY(sel) parse; empty and nested constructors do not */
	assert_error ("select array[]", "0A000", NULL, 8);
	assert_error ("select array[[1]]", "0A000", NULL, 8);
	assert_error ("UPDATE t SET (a, b) = (1)", "42601", "number of columns does not match number of values", 14);
	assert_error ("INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING", "0A000", NULL, 26);
	/* positions count from the start of the text given to ox_parse_one,
	 * here " SELECT +" after the first statement */
	assert_error ("SELECT 1; SELECT +", "42601", "syntax error at end of input", 10);
}

/* CREATE FUNCTION / PROCEDURE, CALL, DO, DROP FUNCTION, named arguments
 * and functions in FROM: the parts the engine reads from the tree. */
#define CF_TEXT "CREATE OR REPLACE FUNCTION s.f(a integer, IN b text DEFAULT 'x', OUT c numeric(10,2), " \
	"INOUT d double precision = 1.5, bigint) RETURNS SETOF integer " \
	"STRICT LANGUAGE plpgsql STABLE AS $body$\nBEGIN RETURN; END $body$ COST 10"

static void
test_routines (void)
{
	OxCreateFunctionStmt *cf = (OxCreateFunctionStmt *) parse (CF_TEXT);
	g_assert_cmpint (cf->node.tag, ==, OX_N_CREATE_FUNCTION);
	g_assert_true (cf->or_replace);
	g_assert_false (cf->is_procedure);
	g_assert_cmpstr (cf->schema, ==, "s");
	g_assert_cmpstr (cf->name, ==, "f");
	g_assert_cmpint (cf->params->n, ==, 5);
	OxFuncParam *p0 = cf->params->items[0], *p1 = cf->params->items[1], *p2 = cf->params->items[2];
	OxFuncParam *p3 = cf->params->items[3], *p4 = cf->params->items[4];
	g_assert_cmpstr (p0->name, ==, "a");
	g_assert_cmpstr (p0->type->name, ==, "integer");
	g_assert_cmpint (p1->mode, ==, 0);
	g_assert_cmpstr (p1->default_src, ==, "'x'");
	g_assert_cmpint (p2->mode, ==, 1);
	g_assert_cmpint (p2->type->mods[0], ==, 10);
	g_assert_cmpint (p3->mode, ==, 2);
	g_assert_cmpstr (p3->type->name, ==, "double precision");
	g_assert_cmpstr (p3->default_src, ==, "1.5");
	g_assert_null (p4->name);
	g_assert_cmpstr (p4->type->name, ==, "bigint");
	g_assert_true (cf->returns_setof);
	g_assert_cmpstr (cf->returns->name, ==, "integer");
	g_assert_cmpstr (cf->language, ==, "plpgsql");
	g_assert_cmpint (cf->volatility, ==, 1);
	g_assert_cmpint (cf->strict, ==, 1);
	g_assert_cmpstr (cf->body, ==, "\nBEGIN RETURN; END ");
	/* the body's offset points just past the opening $body$ */
	g_assert_cmpint (cf->body_loc, ==, (int) (strstr (CF_TEXT, "\nBEGIN") - CF_TEXT));

	cf = (OxCreateFunctionStmt *) parse ("create function g() returns table (k int, \"V\" text) language sql "
	                                     "as 'select 1, ''a''' called on null input");
	g_assert_cmpint (OX_LIST_N (cf->table_cols), ==, 2);
	g_assert_cmpstr (((OxFuncParam *) cf->table_cols->items[1])->name, ==, "V");
	g_assert_cmpint (((OxFuncParam *) cf->table_cols->items[1])->mode, ==, 3);
	g_assert_cmpint (cf->strict, ==, 0);
	g_assert_cmpstr (cf->body, ==, "select 1, 'a'");

	cf = (OxCreateFunctionStmt *) parse ("CREATE PROCEDURE p(INOUT x int, OUT y text) LANGUAGE sql AS $$ select 1 $$");
	g_assert_true (cf->is_procedure);
	g_assert_null (cf->returns);

	OxCallStmt *cs = (OxCallStmt *) parse ("CALL s.p(1, y => 'a', x := 2)");
	g_assert_cmpint (cs->node.tag, ==, OX_N_CALL);
	g_assert_cmpint (cs->call->name->n, ==, 2);
	g_assert_cmpint (cs->call->args->n, ==, 3);
	g_assert_null (cs->call->argnames->items[0]);
	g_assert_cmpstr (cs->call->argnames->items[1], ==, "y");
	g_assert_cmpstr (cs->call->argnames->items[2], ==, "x");

	OxDoStmt *ds = (OxDoStmt *) parse ("DO LANGUAGE lua $$ return 1 $$");
	g_assert_cmpstr (ds->language, ==, "lua");
	g_assert_cmpstr (ds->body, ==, " return 1 ");
	ds = (OxDoStmt *) parse ("DO $$ BEGIN END $$ LANGUAGE plsql");
	g_assert_cmpstr (ds->language, ==, "plsql");

	OxDropStmt *dr = (OxDropStmt *) parse ("DROP FUNCTION IF EXISTS f, g(int, OUT text), h() CASCADE");
	g_assert_cmpint (dr->type, ==, OX_OBJ_FUNCTION);
	g_assert_true (dr->if_exists);
	g_assert_cmpint (dr->names->n, ==, 3);
	g_assert_null (dr->argtypes->items[0]);
	g_assert_cmpint (((OxList *) dr->argtypes->items[1])->n, ==, 2);
	g_assert_cmpint (((OxList *) dr->argtypes->items[2])->n, ==, 0);
	dr = (OxDropStmt *) parse ("drop procedure p");
	g_assert_cmpint (dr->type, ==, OX_OBJ_PROCEDURE);
	dr = (OxDropStmt *) parse ("drop routine r(text)");
	g_assert_cmpint (dr->type, ==, OX_OBJ_ROUTINE);

	OxSelectStmt *sel = (OxSelectStmt *) parse ("select * from s.f(1, b => 2) as x (a, b) join t on true");
	OxJoinExpr *j = sel->from->items[0];
	OxRangeFunction *rf = (OxRangeFunction *) j->larg;
	g_assert_cmpint (rf->node.tag, ==, OX_N_RANGEFUNCTION);
	g_assert_cmpstr (rf->alias, ==, "x");
	g_assert_cmpint (rf->colnames->n, ==, 2);
	g_assert_cmpstr (rf->call->argnames->items[1], ==, "b");

	assert_error ("select f(a => 1, 2)", "42601", "positional argument cannot follow named argument", 18);
	assert_error ("DO LANGUAGE plsql", "42601", "no inline code specified", 1);
	assert_error ("CREATE FUNCTION f() RETURNS int AS 'a', 'b'", "0A000", NULL, 41);
	assert_error ("CREATE FUNCTION f() RETURNS int RETURN 1", "0A000", NULL, 33);
	/* routine words stay usable as names */
	parse ("select function, procedure, language, call, returns from t");
}

static void
test_lexical_errors (void)
{
	assert_error ("select 'abc", "42601", "unterminated quoted string at or near \"'abc\"", 8);
	assert_error ("select 'abc''", "42601", "unterminated quoted string at or near \"'abc''\"", 8);
	assert_error ("select E'abc\\'", "42601", "unterminated quoted string at or near \"E'abc\\'\"", 8);
	assert_error ("select 'a'\n'b", "42601", "unterminated quoted string at or near \"'a'\n'b\"", 8);
	assert_error ("select \"abc", "42601", "unterminated quoted identifier at or near \"\"abc\"", 8);
	assert_error ("select \"\"", "42601", "zero-length delimited identifier at or near \"\"\"\"", 8);
	assert_error ("select /* abc /* x */", "42601",
	              "unterminated /* comment at or near \"/* abc /* x */\"", 8);
	assert_error ("select $$abc", "42601", "unterminated dollar-quoted string at or near \"$$abc\"", 8);
	assert_error ("select $1abc", "42601", "trailing junk after parameter at or near \"$1abc\"", 8);
	assert_error ("select 123abc", "42601", "trailing junk after numeric literal at or near \"123abc\"", 8);
	assert_error ("select 123a+1", "42601", "trailing junk after numeric literal at or near \"123a\"", 8);
	assert_error ("select 1ea", "42601", "trailing junk after numeric literal at or near \"1ea\"", 8);
	assert_error ("select 1.5ea", "42601", "trailing junk after numeric literal at or near \"1.5ea\"", 8);
	assert_error ("select 0x1F", "42601", "trailing junk after numeric literal at or near \"0x1F\"", 8);
	assert_error ("select 1e", "42601", "trailing junk after numeric literal at or near \"1e\"", 8);
	assert_error ("select E'\\uD800'", "42601", "invalid Unicode surrogate pair at or near \"'\"", 16);
	assert_error ("select E'\\uD800x'", "42601", "invalid Unicode surrogate pair at or near \"x\"", 16);
	assert_error ("select E'\\uDC00'", "42601", "invalid Unicode surrogate pair at or near \"\\uDC00\"", 10);
	assert_error ("select E'\\U00110000'", "42601", "invalid Unicode escape value at or near \"\\U00110000\"", 10);
	assert_error ("select E'\\u12'", "22025", "invalid Unicode escape", 10);
	assert_error ("select E'\\xff'", "22021", "invalid byte sequence for encoding \"UTF8\": 0xff", 0);
	assert_error ("select U&'\\0041'", "0A000", NULL, 8);
	assert_error ("select E'\\0'", "22021", "invalid byte sequence for encoding \"UTF8\": 0x00", 0);
	assert_error ("select E'\\x00'", "22021", "invalid byte sequence for encoding \"UTF8\": 0x00", 0);
}

static void
test_invalid_utf8 (void)
{
	assert_error ("select '\xff'", "22021", "invalid byte sequence for encoding \"UTF8\": 0xff", 0);
	assert_error ("select \xff", "22021", "invalid byte sequence for encoding \"UTF8\": 0xff", 0);
	assert_error ("select a\xc3(", "22021", "invalid byte sequence for encoding \"UTF8\": 0xc3 0x28", 0);
	assert_error ("select \"\xe2\x82\"", "22021", "invalid byte sequence for encoding \"UTF8\": 0xe2 0x82 0x22", 0);
	assert_error ("select 1 -- \xc0\xaf\n", "22021", "invalid byte sequence for encoding \"UTF8\": 0xc0 0xaf", 0);
	assert_error ("select /* \xed\xa0\x80 */ 1", "22021", NULL, 0);  /* a surrogate */
	assert_error ("select $$\xf4\x90\x80\x80$$", "22021", NULL, 0);  /* > U+10FFFF */
	assert_error ("select '\xe2\x82", "22021", "invalid byte sequence for encoding \"UTF8\": 0xe2 0x82", 0);
	assert_error_len ("select 1\0", 9, "22021", "invalid byte sequence for encoding \"UTF8\": 0x00", 0);
	assert_error_len ("select 'a\0'", 11, "22021", NULL, 0);
	/* valid multi-byte text everywhere */
	assert_expr ("'日本語' || \"列\" /* ✓ */", "(|| '日本語' 列)");
}

static void
test_deep_nesting (void)
{
	/* 500 levels parse; 10,000 raise 54001 without crashing. */
	GString *g = g_string_new ("SELECT ");
	for (int i = 0; i < 400; i++)
		g_string_append_c (g, '(');
	g_string_append_c (g, '1');
	for (int i = 0; i < 400; i++)
		g_string_append_c (g, ')');
	parse (g->str);
	g_string_free (g, TRUE);

	const char *shapes[][3] = {
		{ "SELECT ", "(", ")" },
		{ "", "(", "SELECT 1)" },
		{ "SELECT ", "- ", "1" },
		{ "SELECT ", "NOT ", "true" },
		{ "SELECT ", "(SELECT ", "1)" },
		{ "SELECT * FROM ", "(", "SELECT 1) x" },
		{ "SELECT * FROM ", "(", "a JOIN b ON true) x" },
		{ "SELECT * FROM a", " JOIN a", " ON true" },
		{ "SELECT ", "f(", "1)" },
		{ "SELECT ", "CASE WHEN ", "true THEN 1 END" },
		{ "SELECT 1 IN ", "(1 IN ", "1)" },
		{ "SELECT ", "1::int[", "" },
		{ "SELECT ", "@ ", "1" },
	};
	for (size_t k = 0; k < G_N_ELEMENTS (shapes); k++) {
		g = g_string_new (shapes[k][0]);
		for (int i = 0; i < 10000; i++)
			g_string_append (g, shapes[k][1]);
		g_string_append (g, shapes[k][2]);
		ParseError e = { 0 };
		if (!parse_all_len (g->str, g->len, &e, NULL))
			g_error ("shape %zu parsed", k);
		if (strcmp (e.sqlstate, "54001") != 0 && strcmp (e.sqlstate, "0A000") != 0 &&
		    strcmp (e.sqlstate, "42601") != 0)
			g_error ("shape %zu: %s %s", k, e.sqlstate, e.message);
		if (k != 11)
			g_assert_cmpstr (e.sqlstate, ==, "54001");
		if (k == 0)
			g_assert_cmpstr (e.message, ==, "stack depth limit exceeded");
		g_free (e.message);
		g_free (e.hint);
		g_string_free (g, TRUE);
	}

	/* AND/OR flatten: 100,000 terms are one node. */
	g = g_string_new ("SELECT 1");
	for (int i = 0; i < 100000; i++)
		g_string_append (g, i % 2 ? " OR a" : " OR b = 1");
	OxSelectStmt *s = (OxSelectStmt *) parse (g->str);
	OxBoolExpr *b = (OxBoolExpr *) ((OxResTarget *) OX_LIST_AT (s->targets, 0))->val;
	g_assert_cmpint (b->args->n, ==, 100001);
	g_string_free (g, TRUE);

	/* Left-deep chains build deep trees: like PostgreSQL, take a
	 * 2000-term sum, refuse a 100,000-term one with 54001. */
	const char *chains[][3] = {
		{ "SELECT 1", " + 1", "" },
		{ "SELECT 'a'", " || 'a'", "" },
		{ "SELECT 1", "::int", "" },
		{ "SELECT 1", " UNION SELECT 1", "" },
		{ "SELECT * FROM a", " JOIN a ON true", "" },
		{ "SELECT * FROM a", " CROSS JOIN a", "" },
		{ "SELECT 1 WHERE a", " IS NULL", "" },
	};
	for (size_t k = 0; k < G_N_ELEMENTS (chains); k++) {
		for (int pass = 0; pass < 2; pass++) {
			int n = pass ? 100000 : 2000;
			g = g_string_new (chains[k][0]);
			for (int i = 0; i < n; i++)
				g_string_append (g, chains[k][1]);
			ParseError e = { 0 };
			gboolean failed = parse_all_len (g->str, g->len, &e, NULL);
			if (pass == 0 && failed)
				g_error ("chain %zu of %d failed: %s", k, n, e.message);
			if (pass == 1 && (!failed || strcmp (e.sqlstate, "54001") != 0))
				g_error ("chain %zu of %d: %s", k, n, failed ? e.sqlstate : "parsed");
			g_free (e.message);
			g_free (e.hint);
			g_string_free (g, TRUE);
		}
	}
}

/* SQLite-only syntax must fail cleanly with 42601. */
static void
test_sqlite_syntax_rejected (void)
{
	assert_syntax_error ("INSERT OR REPLACE INTO t VALUES (1)", 8);
	assert_syntax_error ("REPLACE INTO t VALUES (1)", 1);
	assert_syntax_error ("REINDEX t1i1", 1);
	assert_syntax_error ("CREATE TRIGGER t1r1 UPDATE ON t1 BEGIN SELECT 1; END;", 21);
	assert_syntax_error ("DROP TRIGGER t1r1", 18);
	assert_syntax_error ("SELECT 1 IN ()", 14);
	assert_syntax_error ("SELECT 1 IN t1", 13);
}

/* ---- the sqllogictest corpus --------------------------------------------- */

typedef struct Record {
	char *sql;
	char *file;
	int   line;
	bool  expect_error;  /* "statement error": failing is fine too */
} Record;

/* Records are separated by blank lines.  After "statement ok|error" or
 * "query TYPES SORT [label]", the SQL runs to a "----" line or the end of
 * the record.  A record behind "onlyif <db>" for another database is
 * skipped, as is one behind "skipif postgresql". */
static void
collect_records (const char *path, GPtrArray *out)
{
	char *text = NULL;
	if (!g_file_get_contents (path, &text, NULL, NULL))
		return;
	char **lines = g_strsplit (text, "\n", -1);
	g_free (text);
	char *base = g_path_get_basename (path);
	bool skip = false;
	for (int i = 0; lines[i]; i++) {
		char *l = lines[i];
		g_strchomp (l);
		if (l[0] == '\0') {
			skip = false;
			continue;
		}
		if (g_str_has_prefix (l, "onlyif ")) {
			char *db = g_strstrip (g_strdup (l + 7));
			char *sp = strpbrk (db, " \t#");
			if (sp)
				*sp = '\0';
			if (strcmp (db, "postgresql") != 0)
				skip = true;
			g_free (db);
			continue;
		}
		if (g_str_has_prefix (l, "skipif ")) {
			if (g_str_has_prefix (l + 7, "postgresql"))
				skip = true;
			continue;
		}
		if (!g_str_has_prefix (l, "statement ") && !g_str_has_prefix (l, "query "))
			continue;
		int start = i + 1;
		GString *sql = g_string_new (NULL);
		int j = start;
		for (; lines[j]; j++) {
			g_strchomp (lines[j]);
			if (lines[j][0] == '\0' || strcmp (lines[j], "----") == 0)
				break;
			if (sql->len)
				g_string_append_c (sql, '\n');
			g_string_append (sql, lines[j]);
		}
		if (!skip && sql->len) {
			Record *r = g_new0 (Record, 1);
			r->sql = g_string_free (sql, FALSE);
			r->file = g_strdup (base);
			r->line = start + 1;
			r->expect_error = g_str_has_prefix (l, "statement error");
			g_ptr_array_add (out, r);
		} else
			g_string_free (sql, TRUE);
		/* skip the rest of the record (results) */
		while (lines[j] && lines[j][0] != '\0')
			j++;
		i = j - 1 >= i ? j - 1 : i;
		skip = false;
	}
	g_free (base);
	g_strfreev (lines);
}

static void
record_free (gpointer p)
{
	Record *r = p;
	g_free (r->sql);
	g_free (r->file);
	g_free (r);
}

/* Syntax in records that carry no onlyif marker but that PostgreSQL does
 * not share with SQLite: the SQLSTATE we must raise for it, or NULL.
 * SQLite-only syntax is a syntax error; X'...' (a blob in SQLite, a bit
 * string in PostgreSQL) is a feature we do not support. */
static const char *
corpus_expected_error (const char *sql)
{
	static const char *const sqlite_only[] = {
		"\\bINSERT\\s+OR\\b", "\\bREPLACE\\s+INTO\\b", "^\\s*REINDEX\\b",
		"\\bCREATE\\s+TRIGGER\\b", "\\bDROP\\s+TRIGGER\\b", "\\bIN\\s*\\(\\s*\\)",
		"\\bIN\\s+t\\d", "\\bNOT\\s+INDEXED\\b", "\\bINDEXED\\s+BY\\b",
		"\\bWHERE\\b.*(?<!\\bIS)\\s+NOT\\s+NULL\\b",
	};
	for (size_t i = 0; i < G_N_ELEMENTS (sqlite_only); i++)
		if (g_regex_match_simple (sqlite_only[i], sql, G_REGEX_CASELESS | G_REGEX_DOTALL, 0))
			return "42601";
	if (g_regex_match_simple ("\\bX'", sql, G_REGEX_CASELESS, 0))
		return "0A000";
	return NULL;
}

static void
test_corpus (void)
{
	const char *dir = g_getenv ("OX_SLT_DIR");
	if (!dir)
		dir = "/work/shared/sqllogictest";
	if (!g_file_test (dir, G_FILE_TEST_IS_DIR)) {
		g_test_skip ("no sqllogictest corpus");
		return;
	}
	GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
	const char *subdirs[] = { "", "evidence" };
	for (size_t k = 0; k < G_N_ELEMENTS (subdirs); k++) {
		char *d = g_build_filename (dir, subdirs[k], NULL);
		GDir *gd = g_dir_open (d, 0, NULL);
		if (gd) {
			const char *name;
			while ((name = g_dir_read_name (gd)))
				if (g_str_has_suffix (name, ".test"))
					g_ptr_array_add (files, g_build_filename (d, name, NULL));
			g_dir_close (gd);
		}
		g_free (d);
	}
	GPtrArray *recs = g_ptr_array_new_with_free_func (record_free);
	for (guint i = 0; i < files->len; i++)
		collect_records (files->pdata[i], recs);
	int ok = 0, rejected = 0, failures = 0;
	for (guint i = 0; i < recs->len; i++) {
		Record *r = recs->pdata[i];
		ParseError e = { 0 };
		const char *want = corpus_expected_error (r->sql);
		gboolean failed = parse_all_len (r->sql, strlen (r->sql), &e, NULL);
		if (!failed && !want)
			ok++;
		else if (failed && want && strcmp (e.sqlstate, want) == 0)
			rejected++;
		else if (r->expect_error && failed && !want)
			rejected++;
		else {
			failures++;
			if (failures <= 30)
				g_printerr ("%s:%d: %s %s (pos %d): %.300s\n", r->file, r->line,
				            failed ? e.sqlstate : "parsed", failed ? e.message : "", e.position,
				            r->sql);
		}
		g_free (e.message);
		g_free (e.hint);
	}
	g_test_message ("corpus: %d parsed, %d rejected as expected, %d failures", ok, rejected, failures);
	g_assert_cmpint (failures, ==, 0);
	g_assert_cmpint (ok, >, 1000);
	g_ptr_array_free (recs, TRUE);
	g_ptr_array_free (files, TRUE);
}

/* ---- fuzzer regressions -------------------------------------------------- */

/* Crashers found by tests/fuzz/fuzz-parser.c go here.  The runs so far
 * (about 13 minutes, 11 million inputs, ASan and UBSan) found none; these
 * are the boundary cases it was seeded with: tokens cut off by the end of
 * an unterminated buffer.  Each must raise, never crash or read past its
 * length. */
static void
test_fuzz_regressions (void)
{
	static const struct { const char *data; size_t len; } cases[] = {
		{ "E'\\", 3 },
		{ "'", 1 },
		{ "$a", 2 },
		{ "$a$", 3 },
		{ "1e+", 3 },
		{ "\"", 1 },
		{ "/*", 2 },
		{ "select E'\\u", 11 },
		{ "select E'\\uD800\\u", 17 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
		/* copy into an exact-size heap buffer so ASan sees any overread */
		char *buf = g_memdup2 (cases[i].data, cases[i].len);
		parse_all_len (buf, cases[i].len, NULL, NULL);
		g_free (buf);
	}
}

/* ---- main ---------------------------------------------------------------- */

int
main (int argc, char **argv)
{
	if (argc > 1 && strcmp (argv[1], "--dump") == 0) {
		for (int i = 2; i < argc; i++) {
			OxArena *a = ox_arena_new ();
			OX_TRY {
				size_t off = 0, len = strlen (argv[i]);
				for (;;) {
					size_t end = 0;
					OxNode *n = ox_parse_one (a, argv[i] + off, len - off, &end);
					if (!n)
						break;
					GString *s = g_string_new (NULL);
					dump (s, n);
					printf ("%s\n", s->str);
					g_string_free (s, TRUE);
					off += end;
				}
			} OX_CATCH {
				OxErrorData *e = ox_error_current ();
				printf ("ERROR %s: %s (position %d)%s%s\n", e->sqlstate, e->message, e->position,
				        e->hint ? " HINT: " : "", e->hint ? e->hint : "");
			} OX_END_TRY;
			ox_arena_free (a);
		}
		return 0;
	}
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/engine/parser/lexer/keywords", test_keywords_sorted);
	g_test_add_func ("/engine/parser/lexer/identifiers", test_identifiers);
	g_test_add_func ("/engine/parser/lexer/strings", test_strings);
	g_test_add_func ("/engine/parser/lexer/numbers", test_numbers);
	g_test_add_func ("/engine/parser/lexer/huge-literal", test_huge_literal);
	g_test_add_func ("/engine/parser/lexer/comments", test_comments);
	g_test_add_func ("/engine/parser/lexer/operators", test_operators_lexing);
	g_test_add_func ("/engine/parser/expr/precedence", test_precedence);
	g_test_add_func ("/engine/parser/expr/typecasts", test_typecasts);
	g_test_add_func ("/engine/parser/expr/predicates", test_predicates);
	g_test_add_func ("/engine/parser/expr/case-and-functions", test_case_and_functions);
	g_test_add_func ("/engine/parser/expr/locations", test_locations);
	g_test_add_func ("/engine/parser/select/basic", test_select);
	g_test_add_func ("/engine/parser/select/from", test_from);
	g_test_add_func ("/engine/parser/dml/insert", test_insert);
	g_test_add_func ("/engine/parser/dml/update-delete", test_update_delete);
	g_test_add_func ("/engine/parser/ddl/create-table", test_create_table);
	g_test_add_func ("/engine/parser/ddl/other", test_other_ddl);
	g_test_add_func ("/engine/parser/utility/transactions", test_transactions);
	g_test_add_func ("/engine/parser/utility/set-show", test_set_show);
	g_test_add_func ("/engine/parser/utility/explain", test_explain);
	g_test_add_func ("/engine/parser/multiple-statements", test_multiple_statements);
	g_test_add_func ("/engine/parser/errors/syntax", test_syntax_errors);
	g_test_add_func ("/engine/parser/errors/lexical", test_lexical_errors);
	g_test_add_func ("/engine/parser/errors/invalid-utf8", test_invalid_utf8);
	g_test_add_func ("/engine/parser/errors/deep-nesting", test_deep_nesting);
	g_test_add_func ("/engine/parser/errors/sqlite-syntax", test_sqlite_syntax_rejected);
	g_test_add_func ("/engine/parser/corpus/sqllogictest", test_corpus);
	g_test_add_func ("/engine/parser/fuzz-regressions", test_fuzz_regressions);
	g_test_add_func ("/engine/parser/routines", test_routines);
	int rc = g_test_run ();
	if (arena)
		ox_arena_free (arena);
	return rc;
}

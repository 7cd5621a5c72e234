/*
 * catalog-functions.c — the built-in functions that read the catalog or
 * stand in for PostgreSQL's catalog machinery: format_type, pg_get_expr,
 * pg_get_indexdef, pg_get_constraintdef, pg_get_function_arguments and
 * _result, pg_get_functiondef, pg_table_is_visible and friends, pg_get_userbyid, the regex
 * match operators' functions (textregexeq ...), the reg* casts
 * (regclassout ...), and the session functions PostgreSQL keeps beside
 * them: current_setting and pg_sleep.  The functions over the text-typed
 * array columns of pg_catalog.c are in text-arrays.c.
 *
 * Each call looks objects up by oid in the statement's catalog
 * (OxFuncCtx.x), as PostgreSQL's functions read the syscache: a missing
 * oid gives NULL, not an error, as in PostgreSQL.
 *
 * NOTE: ox_catalog_by_oid finds the newest version of an object whatever
 * the statement's snapshot; an object dropped or replaced by a concurrent
 * transaction shows its newest state here while the pg_catalog views show
 * the snapshot's.  PostgreSQL's syscache lookups behave much the same.
 */
#include "functions.h"
#include "catalog/pg_catalog.h"
#include "plan/plan.h"
#include "session.h"
#include "auth/role.h"
#include "base/error.h"
#include "pl/pl.h"
#include "trace/activity.h"

#include <math.h>
#include <string.h>

static void
set_txt (OxFuncCtx *ctx, OxValue *r, const char *s)
{
	if (!s) {
		*r = ox_null (OX_T_TEXT);
		return;
	}
	size_t n = strlen (s);
	*r = ox_text (OX_T_TEXT, ox_arena_strndup (ctx->arena, s, n), n);
}

static const char *
arg_str (OxFuncCtx *ctx, const OxValue *v)
{
	return ox_arena_strndup (ctx->arena, v->v.str, v->len);
}

static OxCatalog *
catalog (OxFuncCtx *ctx)
{
	return ctx->x->catalog;
}

/* The object with that oid, of that kind, or NULL. */
static OxCatObject *
object (OxFuncCtx *ctx, int64_t oid, int kind)
{
	if (oid <= 0 || oid > G_MAXUINT32)
		return NULL;
	OxCatObject *o = ox_catalog_by_oid (catalog (ctx), (uint32_t) oid);
	return o && (kind < 0 || (int) o->kind == kind) && !o->aborted ? o : NULL;
}

/* ---- names -------------------------------------------------------------------- */

static void
fn_pg_get_userbyid (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	set_txt (ctx, result, ox_pg_role_name (ctx->arena, catalog (ctx), ctx->x ? ctx->x->txn : NULL, args[0].v.i));
}

/* current_user (also current_role and user) and session_user: the
 * session's roles by oid, named as they are now */
static void
fn_current_user (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs; (void) args;
	OxSession *s = ctx->x ? ctx->x->session : NULL;
	set_txt (ctx, result, s ? ox_session_current_user (s, ctx->arena) : "oxibase");
}

static void
fn_session_user (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs; (void) args;
	OxSession *s = ctx->x ? ctx->x->session : NULL;
	set_txt (ctx, result, s ? ox_session_user (s, ctx->arena) : "oxibase");
}

/* current_database() and current_catalog */
static void
fn_current_database (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs; (void) args;
	OxSession *s = ctx->x ? ctx->x->session : NULL;
	set_txt (ctx, result, s && s->db->name ? s->db->name : "oxibase");
}

static void
fn_pg_encoding_to_char (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	set_txt (ctx, result, args[0].v.i == 6 ? "UTF8" : args[0].v.i == 0 ? "SQL_ASCII" : "");
}

static void
fn_format_type (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	if (args[0].null) {
		*result = ox_null (OX_T_TEXT);
		return;
	}
	set_txt (ctx, result, ox_pg_format_type (ctx->arena, args[0].v.i, args[1].null ? -1 : (int32_t) args[1].v.i));
}

/* ---- visibility: is the object the one its bare name finds? ----------------------- */

/* First schema of the search path that has a relation (or index) of
 * that name; pg_catalog, implicitly first, holds none of ours. */
static bool
relation_visible (OxFuncCtx *ctx, OxCatObject *o)
{
	OxSession *s = ctx->x->session;
	if (!s || !o->schema)
		return false;
	for (char **p = s->search_path; p && *p; p++) {
		OxSchema *sch = ox_catalog_schema (catalog (ctx), ctx->x->txn, *p);
		if (!sch)
			continue;
		if (sch == o->schema)
			return true;
		if (ox_catalog_relation (catalog (ctx), ctx->x->txn, sch, o->name) ||
		    ox_catalog_index (catalog (ctx), ctx->x->txn, sch, o->name))
			return false;
	}
	return false;
}

static void
fn_pg_table_is_visible (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	OxCatObject *o = object (ctx, args[0].v.i, -1);
	if (!o || (o->kind != OX_KIND_TABLE && o->kind != OX_KIND_VIEW && o->kind != OX_KIND_INDEX &&
	           o->kind != OX_KIND_SEQUENCE)) {
		*result = ox_null (OX_T_BOOL);
		return;
	}
	*result = ox_bool (relation_visible (ctx, o));
}

/* pg_relation_is_publishable: true for a table (PostgreSQL: a permanent
 * table outside the system schemas; ours are all that), false for other
 * relations, NULL for a missing oid. */
static void
fn_pg_relation_is_publishable (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	OxCatObject *o = object (ctx, args[0].v.i, -1);
	if (!o || (o->kind != OX_KIND_TABLE && o->kind != OX_KIND_VIEW && o->kind != OX_KIND_INDEX &&
	           o->kind != OX_KIND_SEQUENCE)) {
		*result = ox_null (OX_T_BOOL);
		return;
	}
	*result = ox_bool (o->kind == OX_KIND_TABLE);
}

static void
fn_pg_function_is_visible (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	OxCatObject *o = object (ctx, args[0].v.i, OX_KIND_ROUTINE);
	OxSession *s = ctx->x->session;
	if (!o || !s) {
		*result = ox_null (OX_T_BOOL);
		return;
	}
	/* visible when its schema is on the path (overloads of the same name
	 * in an earlier schema would hide it; we do not look that far) */
	bool vis = false;
	for (char **p = s->search_path; p && *p && !vis; p++)
		vis = !strcmp (*p, o->schema->obj.name);
	*result = ox_bool (vis);
}

static void
fn_pg_type_is_visible (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) ctx; (void) nargs;
	*result = ox_bool (strcmp (ox_pg_format_type (ctx->arena, args[0].v.i, -1), "???") != 0);
}

/* ---- definitions ----------------------------------------------------------------- */

/* pg_get_expr (text, relation [, pretty]): our expression columns hold
 * source text already. */
static void
fn_pg_get_expr (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	set_txt (ctx, result, arg_str (ctx, &args[0]));
}

static void
fn_pg_get_indexdef (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	OxIndex *ix = (OxIndex *) object (ctx, args[0].v.i, OX_KIND_INDEX);
	if (!ix) {
		*result = ox_null (OX_T_TEXT);
		return;
	}
	/* (index, column, pretty): column > 0 asks for that key alone */
	if (nargs >= 2 && args[1].v.i > 0) {
		int k = (int) args[1].v.i - 1;
		set_txt (ctx, result, k < ix->nkeys ? ix->table->cols[ix->colnos[k]].name : "");
		return;
	}
	char *def = ox_index_definition (ctx->arena, ix);
	/* pretty: the table qualified only when its bare name would not find it */
	if (nargs == 3 && args[2].v.b && relation_visible (ctx, &ix->table->obj)) {
		const char *q = ox_arena_printf (ctx->arena, " ON %s.%s ", ix->table->obj.schema->obj.name, ix->table->obj.name);
		char *at = strstr (def, q);
		if (at)
			def = ox_arena_printf (ctx->arena, "%.*s ON %s %s", (int) (at - def), def, ix->table->obj.name,
			                       at + strlen (q));
	}
	set_txt (ctx, result, def);
}

static void
fn_pg_get_constraintdef (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	set_txt (ctx, result, ox_pg_constraintdef (catalog (ctx), ctx->arena, args[0].v.i));
}

static void
fn_pg_get_function_arguments (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	OxRoutine *r = (OxRoutine *) object (ctx, args[0].v.i, OX_KIND_ROUTINE);
	set_txt (ctx, result, r ? ox_pg_function_arguments (ctx->arena, r) : NULL);
}

static void
fn_pg_get_function_result (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	OxRoutine *r = (OxRoutine *) object (ctx, args[0].v.i, OX_KIND_ROUTINE);
	set_txt (ctx, result, r ? ox_pg_function_result (ctx->arena, r) : NULL);
}

static void
fn_pg_get_viewdef (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	OxTable *v = (OxTable *) object (ctx, args[0].v.i, OX_KIND_VIEW);
	set_txt (ctx, result, v ? v->view_src : NULL);
}

/* An identifier as PostgreSQL's quote_identifier writes it: bare when
 * it is lower case letters, digits, _ and $ not starting with a digit
 * (NOTE: keywords are not quoted, where PostgreSQL quotes them). */
static void
append_ident (GString *g, const char *s)
{
	bool plain = *s && (g_ascii_islower (*s) || *s == '_');
	for (const char *p = s; *p && plain; p++)
		plain = g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '_' || *p == '$';
	if (plain) {
		g_string_append (g, s);
		return;
	}
	g_string_append_c (g, '"');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			g_string_append_c (g, '"');
		g_string_append_c (g, *p);
	}
	g_string_append_c (g, '"');
}

/* pg_get_functiondef (oid): CREATE OR REPLACE FUNCTION / PROCEDURE as
 * PostgreSQL 15's ruleutils.c prints it: the qualified name and the
 * arguments with defaults, " RETURNS ..." (functions), " LANGUAGE ...",
 * the options on one line (volatility, STRICT; our routines have the
 * default cost and rows, which PostgreSQL leaves out), then the body in
 * $function$ (or $procedure$) quotes, lengthened with x while the body
 * contains the tag.  The workstation opens routines for editing with it,
 * so the text must run back unchanged.  Our plsql is PostgreSQL's
 * plpgsql by name. */
static void
fn_pg_get_functiondef (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	OxRoutine *r = (OxRoutine *) object (ctx, args[0].v.i, OX_KIND_ROUTINE);
	if (!r) {
		*result = ox_null (OX_T_TEXT);
		return;
	}
	bool func = r->rkind == OX_ROUTINE_FUNCTION;
	GString *g = g_string_new ("CREATE OR REPLACE ");
	g_string_append (g, func ? "FUNCTION " : "PROCEDURE ");
	append_ident (g, r->obj.schema->obj.name);
	g_string_append_c (g, '.');
	append_ident (g, r->obj.name);
	g_string_append_printf (g, "(%s)\n", ox_pg_function_arguments (ctx->arena, r));
	if (func)
		g_string_append_printf (g, " RETURNS %s\n", ox_pg_function_result (ctx->arena, r));
	const char *lang = r->language && !strcmp (r->language, "plsql") ? "plpgsql" : r->language;
	g_string_append (g, " LANGUAGE ");
	append_ident (g, lang ? lang : "sql");
	g_string_append_c (g, '\n');
	size_t before = g->len;
	if (r->volatility == OX_IMMUTABLE)
		g_string_append (g, " IMMUTABLE");
	else if (r->volatility == OX_STABLE)
		g_string_append (g, " STABLE");
	if (r->strict)
		g_string_append (g, " STRICT");
	if (g->len != before)
		g_string_append_c (g, '\n');
	const char *body = r->body ? r->body : "";
	GString *dq = g_string_new (func ? "$function" : "$procedure");
	while (strstr (body, dq->str))
		g_string_append_c (dq, 'x');
	g_string_append_c (dq, '$');
	g_string_append_printf (g, "AS %s%s%s\n", dq->str, body, dq->str);
	g_string_free (dq, TRUE);
	set_txt (ctx, result, g->str);
	g_string_free (g, TRUE);
}

/* pg_get_triggerdef (oid [, pretty]): the CREATE TRIGGER statement, in
 * PostgreSQL's layout; the table qualified unless pretty and visible. */
static void
fn_pg_get_triggerdef (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	OxTrigger *tg = (OxTrigger *) object (ctx, args[0].v.i, OX_KIND_TRIGGER);
	if (!tg) {
		*result = ox_null (OX_T_TEXT);
		return;
	}
	bool pretty = nargs > 1 && args[1].v.b;
	GString *g = g_string_new ("CREATE TRIGGER ");
	append_ident (g, tg->obj.name);
	g_string_append (g, tg->timing == OX_TRIG_BEFORE ? " BEFORE" : tg->timing == OX_TRIG_AFTER ? " AFTER" : " INSTEAD OF");
	static const struct { int bit; const char *name; } evs[] = {
		{ OX_TRIG_INSERT, "INSERT" }, { OX_TRIG_DELETE, "DELETE" },
		{ OX_TRIG_UPDATE, "UPDATE" }, { OX_TRIG_TRUNCATE, "TRUNCATE" },
	};
	bool first = true;
	for (size_t i = 0; i < G_N_ELEMENTS (evs); i++) {
		if (!(tg->events & evs[i].bit))
			continue;
		g_string_append (g, first ? " " : " OR ");
		g_string_append (g, evs[i].name);
		first = false;
		if (evs[i].bit == OX_TRIG_UPDATE && tg->nupdate_cols > 0) {
			g_string_append (g, " OF ");
			for (int c = 0; c < tg->nupdate_cols; c++) {
				if (c)
					g_string_append (g, ", ");
				append_ident (g, tg->table->cols[tg->update_cols[c]].name);
			}
		}
	}
	g_string_append (g, " ON ");
	if (!pretty || !relation_visible (ctx, &tg->table->obj)) {
		append_ident (g, tg->table->obj.schema->obj.name);
		g_string_append_c (g, '.');
	}
	append_ident (g, tg->table->obj.name);
	g_string_append (g, tg->for_each_row ? " FOR EACH ROW " : " FOR EACH STATEMENT ");
	if (tg->when_src)
		g_string_append_printf (g, "WHEN (%s) ", tg->when_src);
	g_string_append (g, "EXECUTE FUNCTION ");
	if (tg->func_schema && strcmp (tg->func_schema->obj.name, "public")) {
		append_ident (g, tg->func_schema->obj.name);
		g_string_append_c (g, '.');
	}
	append_ident (g, tg->func_name);
	g_string_append_c (g, '(');
	for (int i = 0; i < tg->nargs; i++) {
		if (i)
			g_string_append (g, ", ");
		g_string_append_c (g, '\'');
		for (const char *p = tg->args[i]; *p; p++) {
			if (*p == '\'')
				g_string_append_c (g, '\'');
			g_string_append_c (g, *p);
		}
		g_string_append_c (g, '\'');
	}
	g_string_append_c (g, ')');
	set_txt (ctx, result, g->str);
	g_string_free (g, TRUE);
}

/* obj_description (oid, catalog): there is no COMMENT yet; the one
 * comment is the one initdb gives the public schema. */
static void
fn_obj_description (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	*result = ox_null (OX_T_TEXT);
	if (nargs < 2 || args[0].null || args[1].null || strcmp (arg_str (ctx, &args[1]), "pg_namespace"))
		return;
	OxCatObject *o = object (ctx, args[0].v.i, OX_KIND_SCHEMA);
	if (o && !strcmp (o->name, "public"))
		set_txt (ctx, result, "standard public schema");
}

/* obj_description and friends: there are no comments yet. */
static void
fn_null_text (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) ctx; (void) nargs; (void) args;
	*result = ox_null (OX_T_TEXT);
}

/* has_*_privilege: everyone may use everything (issue 7) */
static void
fn_true (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) ctx; (void) nargs; (void) args;
	*result = ox_bool (true);
}

static void
fn_current_schemas (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	OxSession *s = ctx->x->session;
	GString *g = g_string_new ("{");
	if (args[0].v.b)
		g_string_append (g, "pg_catalog");
	for (char **p = s ? s->search_path : NULL; p && *p; p++)
		if (ox_catalog_schema (catalog (ctx), ctx->x->txn, *p))
			g_string_append_printf (g, "%s%s", g->len > 1 ? "," : "", *p);
	g_string_append_c (g, '}');
	set_txt (ctx, result, g->str);
	g_string_free (g, TRUE);
}

/* ---- the reg* casts ------------------------------------------------------------ */

/* oid::regclass: the relation's name, schema-qualified unless visible;
 * the number itself when no relation has it, as in PostgreSQL. */
static void
fn_regclassout (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	OxCatObject *o = object (ctx, args[0].v.i, -1);
	if (!o || (o->kind != OX_KIND_TABLE && o->kind != OX_KIND_VIEW && o->kind != OX_KIND_INDEX &&
	           o->kind != OX_KIND_SEQUENCE))
		set_txt (ctx, result, ox_arena_printf (ctx->arena, "%" G_GINT64_FORMAT, args[0].v.i));
	else if (relation_visible (ctx, o))
		set_txt (ctx, result, o->name);
	else
		set_txt (ctx, result, ox_arena_printf (ctx->arena, "%s.%s", o->schema->obj.name, o->name));
}

/* The oid of the sequence a regclass text names (0: none). */
static uint32_t
regclass_sequence (OxFuncCtx *ctx, const char *name, const char *dot)
{
	OxCatalog *c = catalog (ctx);
	OxTxn *t = ctx->x->txn;
	if (dot) {
		char *schema = ox_arena_strndup (ctx->arena, name, (size_t) (dot - name));
		OxSchema *s = ox_catalog_schema (c, t, schema);
		OxSequence *sq = s ? ox_catalog_sequence (c, t, s, dot + 1, false) : NULL;
		return sq ? sq->obj.oid : 0;
	}
	OxSession *ss = ctx->x->session;
	for (char **p = ss ? ss->search_path : NULL; p && *p; p++) {
		OxSchema *s = ox_catalog_schema (c, t, *p);
		OxSequence *sq = s ? ox_catalog_sequence (c, t, s, name, false) : NULL;
		if (sq)
			return sq->obj.oid;
	}
	return 0;
}

/* 'name'::regclass: the oid of the relation the name finds. */
static void
fn_regclassin (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	const char *name = arg_str (ctx, &args[0]);
	/* a number is an oid, taken as it is (PostgreSQL's regclassin: psql
	 * writes '16384'::pg_catalog.regclass) */
	if (*name && strspn (name, "0123456789") == strlen (name) && strlen (name) <= 10) {
		*result = ox_int (OX_T_INT8, g_ascii_strtoll (name, NULL, 10));
		return;
	}
	const char *dot = strchr (name, '.');
	/* the system catalogs psql names in its queries ('pg_catalog.pg_class'::regclass
	 * compared with pg_depend.classid): PostgreSQL's fixed oids */
	static const struct { const char *name; int64_t oid; } syscats[] = {
		{ "pg_class", 1259 }, { "pg_type", 1247 }, { "pg_proc", 1255 }, { "pg_attribute", 1249 },
		{ "pg_namespace", 2615 }, { "pg_constraint", 2606 }, { "pg_index", 2610 }, { "pg_trigger", 2620 },
		{ "pg_depend", 2608 },
	};
	const char *base = dot && !strncmp (name, "pg_catalog.", 11) ? dot + 1 : dot ? NULL : name;
	for (size_t i = 0; base && i < G_N_ELEMENTS (syscats); i++)
		if (!strcmp (base, syscats[i].name)) {
			*result = ox_int (OX_T_INT8, syscats[i].oid);
			return;
		}
	OxTable *t = NULL;
	if (dot) {
		char *schema = ox_arena_strndup (ctx->arena, name, (size_t) (dot - name));
		OxSchema *s = ox_catalog_schema (catalog (ctx), ctx->x->txn, schema);
		t = s ? ox_catalog_relation (catalog (ctx), ctx->x->txn, s, dot + 1) : NULL;
	} else if (ctx->x->session)
		t = ox_session_relation (ctx->x->session, NULL, name);
	if (!t) {
		/* sequences are relations too */
		uint32_t seq = regclass_sequence (ctx, name, dot);
		if (seq) {
			*result = ox_int (OX_T_INT8, seq);
			return;
		}
		ox_raise (OX_ERR_UNDEFINED_TABLE, 0, "relation \"%s\" does not exist", name);
	}
	*result = ox_int (OX_T_INT8, t->obj.oid);
}

static void
fn_regtypeout (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	set_txt (ctx, result, ox_pg_format_type (ctx->arena, args[0].v.i, -1));
}

static void
fn_regnamespaceout (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	int64_t oid = args[0].v.i;
	OxCatObject *o = object (ctx, oid, OX_KIND_SCHEMA);
	set_txt (ctx, result, oid == OX_PG_CATALOG_NSP_OID ? "pg_catalog" : oid == OX_PG_INFO_SCHEMA_NSP_OID
	         ? "information_schema" : o ? o->name : ox_arena_printf (ctx->arena, "%" G_GINT64_FORMAT, oid));
}

static void
fn_regprocout (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	OxCatObject *o = object (ctx, args[0].v.i, OX_KIND_ROUTINE);
	set_txt (ctx, result, o ? o->name : args[0].v.i == 0 ? "-"
	         : ox_arena_printf (ctx->arena, "%" G_GINT64_FORMAT, args[0].v.i));
}

static void
fn_regroleout (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	set_txt (ctx, result, ox_pg_role_name (ctx->arena, catalog (ctx), ctx->x ? ctx->x->txn : NULL, args[0].v.i));
}

/* ---- regular expressions (~ !~ ~* !~*) --------------------------------------------- */

static bool
regex_match (OxFuncCtx *ctx, const OxValue *args, bool icase)
{
	GError *err = NULL;
	const char *pat = arg_str (ctx, &args[1]);
	GRegex *re = g_regex_new (pat, icase ? G_REGEX_CASELESS : 0, 0, &err);
	if (!re) {
		char *msg = ox_arena_strdup (ctx->arena, err->message);
		g_error_free (err);
		ox_raise ("2201B", 0, "invalid regular expression: %s", msg);
	}
	bool m = g_regex_match_full (re, args[0].v.str, args[0].len, 0, 0, NULL, NULL);
	g_regex_unref (re);
	return m;
}

static void
fn_textregexeq (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	*result = ox_bool (regex_match (ctx, args, false));
}

static void
fn_textregexne (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	*result = ox_bool (!regex_match (ctx, args, false));
}

static void
fn_texticregexeq (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	*result = ox_bool (regex_match (ctx, args, true));
}

static void
fn_texticregexne (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	*result = ox_bool (!regex_match (ctx, args, true));
}

/* current_setting(name [, missing_ok]): the value SHOW prints; an unknown
 * name is 42704, or NULL with missing_ok, as in PostgreSQL.  Custom
 * (dotted) settings come from SET or ox_session_set_custom (the HTTP
 * server's request.header.* values). */
static void
fn_current_setting (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	const char *name = arg_str (ctx, &args[0]);
	bool missing_ok = nargs > 1 && !args[1].null && args[1].v.b;
	char *v = ctx->x && ctx->x->session ? ox_session_setting (ctx->x->session, name) : NULL;
	if (!v) {
		if (missing_ok) {
			*result = ox_null (OX_T_TEXT);
			return;
		}
		ox_raise (OX_ERR_UNDEFINED_OBJECT, 0, "unrecognized configuration parameter \"%s\"", name);
	}
	set_txt (ctx, result, v);
	g_free (v);
}

/* pg_sleep(seconds): sleeps in slices of at most 10 ms, checking for a
 * cancel request and statement_timeout between them (57014), so a
 * sleeping statement is as cancellable as a running one.  Returns ''
 * (PostgreSQL's void prints as an empty cell). */
static void
fn_pg_sleep (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	double secs = args[0].v.f;
	if (isnan (secs) || secs < 0)
		secs = 0;
	if (secs > 1e7)
		secs = 1e7;  /* about 115 days: the end stays a finite gint64 */
	gint64 end = g_get_monotonic_time () + (gint64) (secs * 1e6);
	OxSession *s = ctx->x ? ctx->x->session : NULL;
	/* pg_stat_activity shows the wait as PostgreSQL does */
	if (s)
		ox_activity_wait (s, "Timeout", "PgSleep");
	OX_TRY {
		for (;;) {
			if (s)
				ox_spi_check_interrupts (s);
			gint64 left = end - g_get_monotonic_time ();
			if (left <= 0)
				break;
			g_usleep (left < 10000 ? (gulong) left : 10000);
		}
	} OX_CATCH {
		if (s)
			ox_activity_wait (s, NULL, NULL);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	if (s)
		ox_activity_wait (s, NULL, NULL);
	set_txt (ctx, result, "");
}

/* ---- sessions: pg_backend_pid, pg_cancel_backend, pg_terminate_backend ----------- */

static void
fn_pg_backend_pid (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs; (void) args;
	OxSession *s = ctx->x ? ctx->x->session : NULL;
	*result = ox_int (OX_T_INT4, s ? ox_session_backend_pid (s) : 0);
}

static void
fn_pg_cancel_backend (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	OxSession *s = ctx->x ? ctx->x->session : NULL;
	*result = ox_bool (s && ox_activity_signal (s, (int32_t) args[0].v.i, false));
}

/* pg_terminate_backend(pid, timeout => 0): with a timeout (ms), wait that
 * long for the session to end, as PostgreSQL 14+ does */
static void
fn_pg_terminate_backend (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	OxSession *s = ctx->x ? ctx->x->session : NULL;
	int32_t pid = (int32_t) args[0].v.i;
	int64_t timeout = nargs > 1 ? args[1].v.i : 0;
	if (timeout < 0)
		ox_raise ("22023", 0, "\"timeout\" must not be negative");
	bool ok = s && ox_activity_signal (s, pid, true);
	if (ok && timeout > 0 && pid != ox_session_backend_pid (s)) {
		gint64 end = g_get_monotonic_time () + timeout * 1000;
		while (ox_activity_exists (s, pid)) {
			if (g_get_monotonic_time () >= end) {
				ox_session_notice (s, "01000", "backend with PID %d did not terminate within %" G_GINT64_FORMAT
				                   " milliseconds", pid, timeout);
				ok = false;
				break;
			}
			ox_spi_check_interrupts (s);
			g_usleep (5000);
		}
	}
	*result = ox_bool (ok);
}

#define I4   OX_T_INT4
#define I8   OX_T_INT8
#define TXT  OX_T_TEXT
#define BOOL OX_T_BOOL
#define S    true
#define NS   false
#define STA  OX_STABLE
#define IMM  OX_IMMUTABLE
#define VOL  OX_VOLATILE
#define F8   OX_T_FLOAT8

static const OxBuiltin catalog_builtins[] = {
	/* name                          nargs args               ret   strict vol  fn */
	{ "pg_get_userbyid",               1, { I8 },             TXT,  S,  STA, fn_pg_get_userbyid },
	{ "current_user",                  0, { 0 },              TXT,  S,  STA, fn_current_user },
	{ "current_role",                  0, { 0 },              TXT,  S,  STA, fn_current_user },
	{ "user",                          0, { 0 },              TXT,  S,  STA, fn_current_user },
	{ "session_user",                  0, { 0 },              TXT,  S,  STA, fn_session_user },
	{ "current_database",              0, { 0 },              TXT,  S,  STA, fn_current_database },
	{ "current_catalog",               0, { 0 },              TXT,  S,  STA, fn_current_database },
	{ "pg_encoding_to_char",           1, { I4 },             TXT,  S,  STA, fn_pg_encoding_to_char },
	{ "format_type",                   2, { I8, I4 },         TXT,  NS, STA, fn_format_type },
	{ "pg_table_is_visible",           1, { I8 },             BOOL, S,  STA, fn_pg_table_is_visible },
	{ "pg_function_is_visible",        1, { I8 },             BOOL, S,  STA, fn_pg_function_is_visible },
	{ "pg_type_is_visible",            1, { I8 },             BOOL, S,  STA, fn_pg_type_is_visible },
	{ "pg_get_expr",                   2, { TXT, I8 },        TXT,  S,  STA, fn_pg_get_expr },
	{ "pg_get_expr",                   3, { TXT, I8, BOOL },  TXT,  S,  STA, fn_pg_get_expr },
	{ "pg_get_indexdef",               1, { I8 },             TXT,  S,  STA, fn_pg_get_indexdef },
	{ "pg_get_triggerdef",             1, { I8 },             TXT,  S,  STA, fn_pg_get_triggerdef },
	{ "pg_get_triggerdef",             2, { I8, BOOL },       TXT,  S,  STA, fn_pg_get_triggerdef },
	{ "pg_get_indexdef",               3, { I8, I4, BOOL },   TXT,  S,  STA, fn_pg_get_indexdef },
	{ "pg_get_constraintdef",          1, { I8 },             TXT,  S,  STA, fn_pg_get_constraintdef },
	{ "pg_get_constraintdef",          2, { I8, BOOL },       TXT,  S,  STA, fn_pg_get_constraintdef },
	{ "pg_get_function_arguments",     1, { I8 },             TXT,  S,  STA, fn_pg_get_function_arguments },
	{ "pg_get_function_identity_arguments", 1, { I8 },        TXT,  S,  STA, fn_pg_get_function_arguments },
	{ "pg_get_function_result",        1, { I8 },             TXT,  S,  STA, fn_pg_get_function_result },
	{ "pg_get_functiondef",            1, { I8 },             TXT,  S,  STA, fn_pg_get_functiondef },
	{ "pg_get_viewdef",                1, { I8 },             TXT,  S,  STA, fn_pg_get_viewdef },
	{ "pg_get_viewdef",                2, { I8, BOOL },       TXT,  S,  STA, fn_pg_get_viewdef },
	{ "pg_get_statisticsobjdef_columns", 1, { I8 },           TXT,  S,  STA, fn_null_text },
	/* NULL: there are no rules (pg_rewrite is empty) */
	{ "pg_get_ruledef",                1, { I8 },             TXT,  S,  STA, fn_null_text },
	{ "pg_get_ruledef",                2, { I8, BOOL },       TXT,  S,  STA, fn_null_text },
	/* NULL: bodies are strings (prosrc), never BEGIN ATOMIC */
	{ "pg_get_function_sqlbody",       1, { I8 },             TXT,  S,  STA, fn_null_text },
	{ "obj_description",               1, { I8 },             TXT,  NS, STA, fn_null_text },
	{ "obj_description",               2, { I8, TXT },        TXT,  NS, STA, fn_obj_description },
	{ "col_description",               2, { I8, I4 },         TXT,  NS, STA, fn_null_text },
	{ "shobj_description",             2, { I8, TXT },        TXT,  NS, STA, fn_null_text },
	{ "pg_relation_is_publishable",    1, { I8 },             BOOL, S,  STA, fn_pg_relation_is_publishable },
	{ "has_table_privilege",           2, { TXT, TXT },       BOOL, S,  STA, fn_true },
	{ "has_table_privilege",           3, { TXT, TXT, TXT },  BOOL, S,  STA, fn_true },
	{ "has_schema_privilege",          2, { TXT, TXT },       BOOL, S,  STA, fn_true },
	{ "has_schema_privilege",          3, { TXT, TXT, TXT },  BOOL, S,  STA, fn_true },
	{ "has_database_privilege",        2, { TXT, TXT },       BOOL, S,  STA, fn_true },
	{ "has_database_privilege",        3, { TXT, TXT, TXT },  BOOL, S,  STA, fn_true },
	{ "has_function_privilege",        2, { TXT, TXT },       BOOL, S,  STA, fn_true },
	{ "has_function_privilege",        3, { TXT, TXT, TXT },  BOOL, S,  STA, fn_true },
	{ "current_schemas",               1, { BOOL },           TXT,  S,  STA, fn_current_schemas },
	{ "regclassout",                   1, { I8 },             TXT,  S,  STA, fn_regclassout },
	{ "regclassin",                    1, { TXT },            I8,   S,  STA, fn_regclassin },
	{ "regtypeout",                    1, { I8 },             TXT,  S,  STA, fn_regtypeout },
	{ "regnamespaceout",               1, { I8 },             TXT,  S,  STA, fn_regnamespaceout },
	{ "regprocout",                    1, { I8 },             TXT,  S,  STA, fn_regprocout },
	{ "regroleout",                    1, { I8 },             TXT,  S,  STA, fn_regroleout },
	{ "textregexeq",                   2, { TXT, TXT },       BOOL, S,  IMM, fn_textregexeq },
	{ "textregexne",                   2, { TXT, TXT },       BOOL, S,  IMM, fn_textregexne },
	{ "texticregexeq",                 2, { TXT, TXT },       BOOL, S,  IMM, fn_texticregexeq },
	{ "texticregexne",                 2, { TXT, TXT },       BOOL, S,  IMM, fn_texticregexne },
	{ "current_setting",               1, { TXT },            TXT,  S,  STA, fn_current_setting },
	{ "current_setting",               2, { TXT, BOOL },      TXT,  S,  STA, fn_current_setting },
	{ "pg_sleep",                      1, { F8 },             TXT,  S,  VOL, fn_pg_sleep },
	{ "pg_backend_pid",                0, { 0 },              I4,   S,  STA, fn_pg_backend_pid },
	{ "pg_cancel_backend",             1, { I4 },             BOOL, S,  VOL, fn_pg_cancel_backend },
	{ "pg_terminate_backend",          1, { I4 },             BOOL, S,  VOL, fn_pg_terminate_backend },
	{ "pg_terminate_backend",          2, { I4, I8 },         BOOL, S,  VOL, fn_pg_terminate_backend },
};

const OxBuiltin *
ox_catalog_builtins (size_t *n_out)
{
	*n_out = G_N_ELEMENTS (catalog_builtins);
	return catalog_builtins;
}

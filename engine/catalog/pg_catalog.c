/*
 * pg_catalog.c — PostgreSQL's system catalogs as views over our catalog,
 * enough of them, with enough columns, for psql's \d commands and for the
 * catalog queries drivers (JDBC, node-postgres) send.
 *
 * Like the views of system_views.c, each is computed when a statement
 * binds it, from the objects its transaction sees.  Column types: oid,
 * regproc and xid columns are bigint, "char" and name are text, and the
 * array columns (indkey, proargtypes, conkey, datacl ...) are text in
 * PostgreSQL's array output format ("{1,2}", or "1 2" for the int2vector
 * and oidvector ones), since we have no array types yet.
 *
 * NOTE: the objects of pg_catalog itself (its views, the built-in
 * functions) are not listed; PostgreSQL lists them, and queries filter them
 * out (psql's do), so only a query about them sees the difference.
 * NOTE: CHECK constraints and defaults print as their source text, where
 * PostgreSQL deparses them (and adds casts: "score >= 0::numeric").
 */
#include "pg_catalog.h"
#include "sequence.h"
#include "auth/role.h"
#include "session.h"

#include <string.h>

#define I2   OX_T_INT2
#define I4   OX_T_INT4
#define I8   OX_T_INT8
#define F4   OX_T_FLOAT4
#define TXT  OX_T_TEXT
#define BOOL OX_T_BOOL
#define TSTZ OX_T_TIMESTAMPTZ

/* ---- types ------------------------------------------------------------------- */

typedef struct PgType {
	int64_t     oid;
	const char *name;      /* typname */
	const char *format;    /* format_type's name */
	OxTypeId    ox;        /* ours, or OX_T_UNKNOWN for catalog-only types */
	int         len;       /* typlen */
	bool        byval;
	char        category;  /* typcategory */
	bool        preferred;
	int64_t     collation;
} PgType;

static const PgType pg_types[] = {
	{ 16,   "bool",        "boolean",                     OX_T_BOOL,        1,  true,  'B', true,  0 },
	{ 17,   "bytea",       "bytea",                       OX_T_BYTEA,       -1, false, 'U', false, 0 },
	{ 18,   "char",        "\"char\"",                    OX_T_UNKNOWN,     1,  true,  'Z', false, 0 },
	{ 19,   "name",        "name",                        OX_T_UNKNOWN,     64, false, 'S', false, 950 },
	{ 20,   "int8",        "bigint",                      OX_T_INT8,        8,  true,  'N', false, 0 },
	{ 21,   "int2",        "smallint",                    OX_T_INT2,        2,  true,  'N', false, 0 },
	{ 22,   "int2vector",  "int2vector",                  OX_T_UNKNOWN,     -1, false, 'A', false, 0 },
	{ 23,   "int4",        "integer",                     OX_T_INT4,        4,  true,  'N', false, 0 },
	{ 24,   "regproc",     "regproc",                     OX_T_UNKNOWN,     4,  true,  'N', false, 0 },
	{ 25,   "text",        "text",                        OX_T_TEXT,        -1, false, 'S', true,  100 },
	{ 26,   "oid",         "oid",                         OX_T_UNKNOWN,     4,  true,  'N', true,  0 },
	{ 30,   "oidvector",   "oidvector",                   OX_T_UNKNOWN,     -1, false, 'A', false, 0 },
	{ 700,  "float4",      "real",                        OX_T_FLOAT4,      4,  true,  'N', false, 0 },
	{ 701,  "float8",      "double precision",            OX_T_FLOAT8,      8,  true,  'N', true,  0 },
	{ 705,  "unknown",     "unknown",                     OX_T_UNKNOWN,     -2, false, 'X', false, 0 },
	{ 1042, "bpchar",      "character",                   OX_T_BPCHAR,      -1, false, 'S', false, 100 },
	{ 1043, "varchar",     "character varying",           OX_T_VARCHAR,     -1, false, 'S', false, 100 },
	{ 1082, "date",        "date",                        OX_T_DATE,        4,  true,  'D', false, 0 },
	{ 1114, "timestamp",   "timestamp without time zone", OX_T_TIMESTAMP,   8,  true,  'D', false, 0 },
	{ 1184, "timestamptz", "timestamp with time zone",    OX_T_TIMESTAMPTZ, 8,  true,  'D', true,  0 },
	{ 1700, "numeric",     "numeric",                     OX_T_NUMERIC,     -1, false, 'N', false, 0 },
	{ 2205, "regclass",    "regclass",                    OX_T_UNKNOWN,     4,  true,  'N', false, 0 },
	{ 2206, "regtype",     "regtype",                     OX_T_UNKNOWN,     4,  true,  'N', false, 0 },
	{ 2249, "record",      "record",                      OX_T_UNKNOWN,     -1, false, 'P', false, 0 },
	{ 2278, "void",        "void",                        OX_T_UNKNOWN,     4,  true,  'P', false, 0 },
	{ 2279, "trigger",     "trigger",                     OX_T_UNKNOWN,     4,  true,  'P', false, 0 },
	{ 3838, "event_trigger", "event_trigger",             OX_T_UNKNOWN,     4,  true,  'P', false, 0 },
	{ 4089, "regnamespace", "regnamespace",               OX_T_UNKNOWN,     4,  true,  'N', false, 0 },
};

static const PgType *
pg_type_by_oid (int64_t oid)
{
	for (size_t i = 0; i < G_N_ELEMENTS (pg_types); i++)
		if (pg_types[i].oid == oid)
			return &pg_types[i];
	return NULL;
}

int64_t
ox_pg_type_oid (OxTypeId t)
{
	for (size_t i = 0; i < G_N_ELEMENTS (pg_types); i++)
		if (pg_types[i].ox == t && t != OX_T_UNKNOWN)
			return pg_types[i].oid;
	return t == OX_T_UNKNOWN ? 705 : 0;
}

int32_t
ox_pg_typmod (OxType t)
{
	if ((t.id == OX_T_VARCHAR || t.id == OX_T_BPCHAR) && t.typmod >= 0)
		return t.typmod + 4;
	if (t.id == OX_T_NUMERIC && t.typmod >= 0)
		return ((OX_TYPMOD_NUMERIC_P (t.typmod) << 16) | (OX_TYPMOD_NUMERIC_S (t.typmod) & 0xffff)) + 4;
	return -1;
}

char *
ox_pg_format_type (OxArena *a, int64_t typoid, int32_t typmod)
{
	const PgType *pt = pg_type_by_oid (typoid);
	if (!pt)
		return ox_arena_strdup (a, "???");
	if (typmod >= 4 && (pt->oid == 1042 || pt->oid == 1043))
		return ox_arena_printf (a, "%s(%d)", pt->format, typmod - 4);
	if (typmod >= 4 && pt->oid == 1700)
		return ox_arena_printf (a, "numeric(%d,%d)", (typmod - 4) >> 16, (int) (int16_t) ((typmod - 4) & 0xffff));
	return ox_arena_strdup (a, pt->format);
}

const char *
ox_pg_role_name (OxArena *a, OxCatalog *c, OxTxn *t, int64_t oid)
{
	if (oid > 0 && oid <= UINT32_MAX && c) {
		OxRole *r = ox_role_by_oid_in (c, t, (uint32_t) oid);
		if (r)
			return ox_arena_strdup (a, r->obj.name);
	}
	if (oid == OX_PG_DATABASE_OWNER_OID)
		return "pg_database_owner";
	return ox_arena_printf (a, "unknown (OID=%" G_GINT64_FORMAT ")", oid);
}

/* ---- definitions ------------------------------------------------------------- */

static char *
key_list (OxArena *a, OxIndex *ix)
{
	GString *g = g_string_new (NULL);
	for (int k = 0; k < ix->nkeys; k++)
		g_string_append_printf (g, "%s%s", k ? ", " : "", ix->table->cols[ix->colnos[k]].name);
	char *r = ox_arena_strdup (a, g->str);
	g_string_free (g, TRUE);
	return r;
}

char *
ox_pg_constraintdef (OxCatalog *c, OxArena *a, int64_t oid)
{
	if (OX_PG_SYNTH_KIND (oid) == OX_PG_SYNTH_CHECK) {
		OxCatObject *o = ox_catalog_by_oid (c, OX_PG_SYNTH_REL (oid));
		int k = OX_PG_SYNTH_K (oid);
		if (!o || o->kind != OX_KIND_TABLE || k >= ((OxTable *) o)->nchecks)
			return NULL;
		return ox_arena_printf (a, "CHECK (%s)", ((OxTable *) o)->checks[k].src);
	}
	if (oid < 0 || oid > G_MAXUINT32)
		return NULL;
	OxCatObject *o = ox_catalog_by_oid (c, (uint32_t) oid);
	if (!o || o->kind != OX_KIND_INDEX || !((OxIndex *) o)->is_constraint)
		return NULL;
	OxIndex *ix = (OxIndex *) o;
	return ox_arena_printf (a, "%s (%s)", ix->primary ? "PRIMARY KEY" : "UNIQUE", key_list (a, ix));
}

char *
ox_pg_function_arguments (OxArena *a, OxRoutine *r)
{
	GString *g = g_string_new (NULL);
	for (int i = 0; i < r->nargs; i++) {
		OxRoutineArg *ar = &r->args[i];
		if (ar->mode == OX_ARG_TABLE)
			continue;
		if (g->len)
			g_string_append (g, ", ");
		/* PostgreSQL spells IN out for procedures only */
		if (ar->mode == OX_ARG_OUT)
			g_string_append (g, "OUT ");
		else if (ar->mode == OX_ARG_INOUT)
			g_string_append (g, "INOUT ");
		else if (r->rkind == OX_ROUTINE_PROCEDURE)
			g_string_append (g, "IN ");
		if (ar->name)
			g_string_append_printf (g, "%s ", ar->name);
		g_string_append (g, ox_pg_format_type (a, ox_pg_type_oid (ar->type.id), -1));
		if (ar->default_src)
			g_string_append_printf (g, " DEFAULT %s", ar->default_src);
	}
	char *out = ox_arena_strdup (a, g->str);
	g_string_free (g, TRUE);
	return out;
}

char *
ox_pg_function_result (OxArena *a, OxRoutine *r)
{
	if (r->rkind == OX_ROUTINE_PROCEDURE)
		return NULL;
	switch (r->retkind) {
	case OX_RET_VALUE:
		return ox_arena_printf (a, "%s%s", r->retset ? "SETOF " : "",
		                        ox_pg_format_type (a, ox_pg_type_oid (r->rettype.id), -1));
	case OX_RET_VOID: return ox_arena_strdup (a, "void");
	case OX_RET_TRIGGER: return ox_arena_strdup (a, "trigger");
	case OX_RET_EVENT_TRIGGER: return ox_arena_strdup (a, "event_trigger");
	default: break;
	}
	bool table = false;
	for (int i = 0; i < r->nargs; i++)
		table |= r->args[i].mode == OX_ARG_TABLE;
	if (table && !r->rowtype_result) {
		GString *g = g_string_new ("TABLE(");
		bool first = true;
		for (int i = 0; i < r->nargs; i++)
			if (r->args[i].mode == OX_ARG_TABLE) {
				g_string_append_printf (g, "%s%s %s", first ? "" : ", ", r->args[i].name,
				                        ox_pg_format_type (a, ox_pg_type_oid (r->args[i].type.id), -1));
				first = false;
			}
		g_string_append_c (g, ')');
		char *out = ox_arena_strdup (a, g->str);
		g_string_free (g, TRUE);
		return out;
	}
	if (r->nresult == 1)
		return ox_arena_printf (a, "%s%s", r->retset ? "SETOF " : "",
		                        ox_pg_format_type (a, ox_pg_type_oid (r->result_types[0].id), -1));
	return ox_arena_printf (a, "%srecord", r->retset ? "SETOF " : "");
}

/* ---- rows -------------------------------------------------------------------- */

static OxValue
txt (OxArena *a, const char *s)
{
	if (!s)
		return ox_null (OX_T_TEXT);
	size_t n = strlen (s);
	return ox_text (OX_T_TEXT, ox_arena_strndup (a, s, n), n);
}

static OxValue oid_v (int64_t o) { return ox_int (OX_T_INT8, o); }
static OxValue i2 (int v) { return ox_int (OX_T_INT2, v); }
static OxValue i4 (int v) { return ox_int (OX_T_INT4, v); }
static OxValue bl (bool v) { return ox_bool (v); }
static OxValue nul (OxTypeId t) { return ox_null (t); }

static OxValue *
row_add (OxArena *a, GPtrArray *rows, int n)
{
	OxValue *r = OX_NEW_N (a, OxValue, n);
	for (int i = 0; i < n; i++)
		r[i] = ox_null (OX_T_TEXT);
	g_ptr_array_add (rows, r);
	return r;
}

static int64_t
nsp_oid (OxCatObject *o)
{
	return o->schema ? o->schema->obj.oid : OX_PG_CATALOG_NSP_OID;
}

static bool
is_text_like (OxTypeId t)
{
	return t == OX_T_TEXT || t == OX_T_VARCHAR || t == OX_T_BPCHAR;
}

/* pg_namespace: oid nspname nspowner nspacl */
static void
fill_namespace (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	OxValue *r = row_add (a, rows, 4);
	r[0] = oid_v (OX_PG_CATALOG_NSP_OID); r[1] = txt (a, "pg_catalog"); r[2] = oid_v (OX_PG_ROLE_OID);
	r = row_add (a, rows, 4);
	r[0] = oid_v (OX_PG_INFO_SCHEMA_NSP_OID); r[1] = txt (a, "information_schema"); r[2] = oid_v (OX_PG_ROLE_OID);
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_SCHEMA);
	for (guint i = 0; i < objs->len; i++) {
		OxCatObject *o = objs->pdata[i];
		r = row_add (a, rows, 4);
		r[0] = oid_v (o->oid);
		r[1] = txt (a, o->name);
		/* as in PostgreSQL 15, public belongs to pg_database_owner, who
		 * may use and create in it, and everyone may use it */
		bool pub = !strcmp (o->name, "public");
		r[2] = oid_v (pub ? OX_PG_DATABASE_OWNER_OID : OX_PG_ROLE_OID);
		r[3] = pub ? txt (a, "{pg_database_owner=UC/pg_database_owner,=U/pg_database_owner}") : nul (TXT);
	}
	g_ptr_array_unref (objs);
}

static const char *const namespace_cols[] = { "oid", "nspname", "nspowner", "nspacl" };
static const OxTypeId namespace_types[] = { I8, TXT, I8, TXT };

/* pg_class */
static const char *const class_cols[] = { "oid", "relname", "relnamespace", "reltype", "reloftype", "relowner",
	"relam", "relfilenode", "reltablespace", "relpages", "reltuples", "relallvisible", "reltoastrelid",
	"relhasindex", "relisshared", "relpersistence", "relkind", "relnatts", "relchecks", "relhasrules",
	"relhastriggers", "relhassubclass", "relrowsecurity", "relforcerowsecurity", "relispopulated",
	"relreplident", "relispartition", "relrewrite", "relacl", "reloptions", "relpartbound" };
static const OxTypeId class_types[] = { I8, TXT, I8, I8, I8, I8, I8, I8, I8, I4, F4, I4, I8, BOOL, BOOL, TXT,
	TXT, I2, I2, BOOL, BOOL, BOOL, BOOL, BOOL, BOOL, TXT, BOOL, I8, TXT, TXT, TXT };

static bool
has_live_index (OxTable *tab, OxTxn *t)
{
	for (guint k = 0; tab->indexes && k < tab->indexes->len; k++)
		if (ox_cat_visible (tab->indexes->pdata[k], t))
			return true;
	return false;
}

static bool
has_live_trigger (OxTable *tab, OxTxn *t)
{
	for (guint k = 0; tab->triggers && k < tab->triggers->len; k++)
		if (ox_cat_visible (tab->triggers->pdata[k], t))
			return true;
	return false;
}

/* A sequence's pg_class row: relkind 'S', three columns as PostgreSQL's
 * (last_value, log_cnt, is_called). */
static void
add_sequence_class_row (OxArena *a, GPtrArray *rows, OxCatObject *o)
{
	OxValue *r = row_add (a, rows, G_N_ELEMENTS (class_cols));
	r[0] = oid_v (o->oid);
	r[1] = txt (a, o->name);
	r[2] = oid_v (nsp_oid (o));
	r[3] = oid_v (0);
	r[4] = oid_v (0);
	r[5] = oid_v (OX_PG_ROLE_OID);
	r[6] = oid_v (0);
	r[7] = oid_v (o->oid);
	r[8] = oid_v (0);
	r[9] = i4 (1);
	r[10] = ox_float (OX_T_FLOAT4, 1);
	r[11] = i4 (0);
	r[12] = oid_v (0);
	r[13] = bl (false);
	r[14] = bl (false);
	r[15] = txt (a, "p");
	r[16] = txt (a, "S");
	r[17] = i2 (3);
	r[18] = i2 (0);
	for (int k = 19; k <= 23; k++)
		r[k] = bl (false);
	r[24] = bl (true);
	r[25] = txt (a, "n");
	r[26] = bl (false);
	r[27] = oid_v (0);
}

static void
fill_class (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, -1);
	for (guint i = 0; i < objs->len; i++) {
		OxCatObject *o = objs->pdata[i];
		if (o->kind == OX_KIND_SEQUENCE)
			add_sequence_class_row (a, rows, o);
		if (o->kind != OX_KIND_TABLE && o->kind != OX_KIND_VIEW && o->kind != OX_KIND_INDEX)
			continue;
		OxTable *tab = o->kind == OX_KIND_INDEX ? NULL : (OxTable *) o;
		OxValue *r = row_add (a, rows, G_N_ELEMENTS (class_cols));
		r[0] = oid_v (o->oid);
		r[1] = txt (a, o->name);
		r[2] = oid_v (nsp_oid (o));
		r[3] = oid_v (0);
		r[4] = oid_v (0);
		r[5] = oid_v (OX_PG_ROLE_OID);
		r[6] = oid_v (o->kind == OX_KIND_TABLE ? 2 : o->kind == OX_KIND_INDEX ? 403 : 0);
		r[7] = oid_v (0);
		r[8] = oid_v (0);
		r[9] = i4 (0);
		r[10] = ox_float (OX_T_FLOAT4, -1);
		r[11] = i4 (0);
		r[12] = oid_v (0);
		r[13] = bl (o->kind == OX_KIND_TABLE && has_live_index (tab, t));
		r[14] = bl (false);
		r[15] = txt (a, "p");
		r[16] = txt (a, o->kind == OX_KIND_TABLE ? "r" : o->kind == OX_KIND_VIEW ? "v" : "i");
		r[17] = i2 (tab ? tab->ncols : ((OxIndex *) o)->nkeys);
		r[18] = i2 (tab ? tab->nchecks : 0);
		r[19] = bl (o->kind == OX_KIND_VIEW);  /* a view is a rule in PostgreSQL */
		r[20] = bl (tab && has_live_trigger (tab, t));
		r[21] = bl (false);
		r[22] = bl (false);
		r[23] = bl (false);
		r[24] = bl (true);
		r[25] = txt (a, o->kind == OX_KIND_TABLE ? "d" : "n");
		r[26] = bl (false);
		r[27] = oid_v (0);
	}
	g_ptr_array_unref (objs);
}

/* pg_attribute */
static const char *const attribute_cols[] = { "attrelid", "attname", "atttypid", "attstattarget", "attlen",
	"attnum", "attndims", "attcacheoff", "atttypmod", "attbyval", "attalign", "attstorage", "attcompression",
	"attnotnull", "atthasdef", "atthasmissing", "attidentity", "attgenerated", "attisdropped", "attislocal",
	"attinhcount", "attcollation", "attacl", "attoptions", "attfdwoptions" };
static const OxTypeId attribute_types[] = { I8, TXT, I8, I4, I2, I2, I4, I4, I4, BOOL, TXT, TXT, TXT, BOOL,
	BOOL, BOOL, TXT, TXT, BOOL, BOOL, I4, I8, TXT, TXT, TXT };

/* 'a' / 'd' for an identity column, else 0 */
static char
column_identity (OxCatalog *c, OxTxn *t, OxTable *tab, int col)
{
	if (!tab->data || !tab->cols[col].default_src)
		return 0;
	OxSequence *sq = ox_catalog_column_sequence (c, t, tab, col);
	return sq ? sq->identity : 0;
}

static void
add_attribute (OxArena *a, GPtrArray *rows, uint32_t rel, int num, OxColumn *col, bool is_index)
{
	OxValue *r = row_add (a, rows, G_N_ELEMENTS (attribute_cols));
	int64_t typ = ox_pg_type_oid (col->type.id);
	const PgType *pt = pg_type_by_oid (typ);
	r[0] = oid_v (rel);
	r[1] = txt (a, col->name);
	r[2] = oid_v (typ);
	r[3] = i4 (-1);
	r[4] = i2 (pt ? pt->len : -1);
	r[5] = i2 (num);
	r[6] = i4 (0);
	r[7] = i4 (-1);
	r[8] = i4 (ox_pg_typmod (col->type));
	r[9] = bl (pt && pt->byval);
	r[10] = txt (a, pt && pt->len == 8 ? "d" : pt && pt->len == 2 ? "s" : pt && pt->len == 1 ? "c" : "i");
	/* typstorage: fixed-length types plain, numeric main, the rest extended */
	r[11] = txt (a, pt && pt->len > 0 ? "p" : typ == 1700 ? "m" : "x");
	r[12] = txt (a, "");
	r[13] = bl (!is_index && col->notnull);
	r[14] = bl (!is_index && col->default_src != NULL);
	r[15] = bl (false);
	r[16] = txt (a, "");
	r[17] = txt (a, "");
	r[18] = bl (false);
	r[19] = bl (true);
	r[20] = i4 (0);
	r[21] = oid_v (is_text_like (col->type.id) ? 100 : 0);
}

static void
fill_attribute (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, -1);
	for (guint i = 0; i < objs->len; i++) {
		OxCatObject *o = objs->pdata[i];
		if (o->kind == OX_KIND_TABLE || o->kind == OX_KIND_VIEW) {
			OxTable *tab = (OxTable *) o;
			for (int k = 0; k < tab->ncols; k++) {
				add_attribute (a, rows, o->oid, k + 1, &tab->cols[k], false);
				char id = column_identity (c, t, tab, k);
				if (id) {
					/* an identity column has no default of its own in PostgreSQL */
					OxValue *r = rows->pdata[rows->len - 1];
					r[14] = bl (false);
					r[16] = txt (a, id == 'a' ? "a" : "d");
				}
			}
		} else if (o->kind == OX_KIND_INDEX) {
			OxIndex *ix = (OxIndex *) o;
			for (int k = 0; k < ix->nkeys; k++)
				add_attribute (a, rows, o->oid, k + 1, &ix->table->cols[ix->colnos[k]], true);
		}
	}
	g_ptr_array_unref (objs);
}

/* pg_type */
static const char *const type_cols[] = { "oid", "typname", "typnamespace", "typowner", "typlen", "typbyval",
	"typtype", "typcategory", "typispreferred", "typisdefined", "typdelim", "typrelid", "typelem", "typarray",
	"typnotnull", "typbasetype", "typtypmod", "typndims", "typcollation", "typdefault" };
static const OxTypeId type_types[] = { I8, TXT, I8, I8, I2, BOOL, TXT, TXT, BOOL, BOOL, TXT, I8, I8, I8, BOOL,
	I8, I4, I4, I8, TXT };

static void
fill_type (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	(void) c; (void) t;
	for (size_t i = 0; i < G_N_ELEMENTS (pg_types); i++) {
		const PgType *pt = &pg_types[i];
		OxValue *r = row_add (a, rows, G_N_ELEMENTS (type_cols));
		r[0] = oid_v (pt->oid);
		r[1] = txt (a, pt->name);
		r[2] = oid_v (OX_PG_CATALOG_NSP_OID);
		r[3] = oid_v (OX_PG_ROLE_OID);
		r[4] = i2 (pt->len);
		r[5] = bl (pt->byval);
		r[6] = txt (a, pt->category == 'P' ? "p" : "b");
		r[7] = txt (a, (char[]) { pt->category, 0 });
		r[8] = bl (pt->preferred);
		r[9] = bl (true);
		r[10] = txt (a, ",");
		r[11] = oid_v (0);
		r[12] = oid_v (0);
		r[13] = oid_v (0);
		r[14] = bl (false);
		r[15] = oid_v (0);
		r[16] = i4 (-1);
		r[17] = i4 (0);
		r[18] = oid_v (pt->collation);
	}
}

/* pg_index */
static const char *const index_cols[] = { "indexrelid", "indrelid", "indnatts", "indnkeyatts", "indisunique",
	"indnullsnotdistinct", "indisprimary", "indisexclusion", "indimmediate", "indisclustered", "indisvalid",
	"indcheckxmin", "indisready", "indislive", "indisreplident", "indkey", "indcollation", "indclass",
	"indoption", "indexprs", "indpred" };
static const OxTypeId index_types[] = { I8, I8, I2, I2, BOOL, BOOL, BOOL, BOOL, BOOL, BOOL, BOOL, BOOL, BOOL,
	BOOL, BOOL, TXT, TXT, TXT, TXT, TXT, TXT };

static void
fill_index (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_INDEX);
	for (guint i = 0; i < objs->len; i++) {
		OxIndex *ix = objs->pdata[i];
		OxValue *r = row_add (a, rows, G_N_ELEMENTS (index_cols));
		GString *key = g_string_new (NULL), *opt = g_string_new (NULL);
		for (int k = 0; k < ix->nkeys; k++) {
			g_string_append_printf (key, "%s%d", k ? " " : "", ix->colnos[k] + 1);
			g_string_append_printf (opt, "%s%d", k ? " " : "", ix->desc[k] ? 3 : 0);
		}
		r[0] = oid_v (ix->obj.oid);
		r[1] = oid_v (ix->table->obj.oid);
		r[2] = i2 (ix->nkeys);
		r[3] = i2 (ix->nkeys);
		r[4] = bl (ix->unique);
		r[5] = bl (false);
		r[6] = bl (ix->primary);
		r[7] = bl (false);
		r[8] = bl (true);
		r[9] = bl (false);
		r[10] = bl (true);
		r[11] = bl (false);
		r[12] = bl (true);
		r[13] = bl (true);
		r[14] = bl (false);
		r[15] = txt (a, key->str);
		r[18] = txt (a, opt->str);
		g_string_free (key, TRUE);
		g_string_free (opt, TRUE);
	}
	g_ptr_array_unref (objs);
}

/* pg_constraint: PRIMARY KEY and UNIQUE (the index's oid) and CHECK
 * (synthetic oids) */
static const char *const constraint_cols[] = { "oid", "conname", "connamespace", "contype", "condeferrable",
	"condeferred", "convalidated", "conrelid", "contypid", "conindid", "conparentid", "confrelid",
	"confupdtype", "confdeltype", "confmatchtype", "conislocal", "coninhcount", "connoinherit", "conkey",
	"confkey", "conbin" };
static const OxTypeId constraint_types[] = { I8, TXT, I8, TXT, BOOL, BOOL, BOOL, I8, I8, I8, I8, I8, TXT, TXT,
	TXT, BOOL, I4, BOOL, TXT, TXT, TXT };

static OxValue *
constraint_row (OxArena *a, GPtrArray *rows, int64_t oid, const char *name, OxTable *tab, const char *type)
{
	OxValue *r = row_add (a, rows, G_N_ELEMENTS (constraint_cols));
	r[0] = oid_v (oid);
	r[1] = txt (a, name);
	r[2] = oid_v (nsp_oid (&tab->obj));
	r[3] = txt (a, type);
	r[4] = bl (false);
	r[5] = bl (false);
	r[6] = bl (true);
	r[7] = oid_v (tab->obj.oid);
	r[8] = oid_v (0);
	r[9] = oid_v (0);
	r[10] = oid_v (0);
	r[11] = oid_v (0);
	r[12] = txt (a, " ");
	r[13] = txt (a, " ");
	r[14] = txt (a, " ");
	r[15] = bl (true);
	r[16] = i4 (0);
	r[17] = bl (false);
	return r;
}

static void
fill_constraint (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, -1);
	for (guint i = 0; i < objs->len; i++) {
		OxCatObject *o = objs->pdata[i];
		if (o->kind == OX_KIND_INDEX && ((OxIndex *) o)->is_constraint) {
			OxIndex *ix = (OxIndex *) o;
			OxValue *r = constraint_row (a, rows, o->oid, o->name, ix->table, ix->primary ? "p" : "u");
			GString *key = g_string_new ("{");
			for (int k = 0; k < ix->nkeys; k++)
				g_string_append_printf (key, "%s%d", k ? "," : "", ix->colnos[k] + 1);
			g_string_append_c (key, '}');
			r[9] = oid_v (o->oid);
			r[18] = txt (a, key->str);
			g_string_free (key, TRUE);
		} else if (o->kind == OX_KIND_TABLE) {
			OxTable *tab = (OxTable *) o;
			for (int k = 0; k < tab->nchecks; k++) {
				OxValue *r = constraint_row (a, rows, OX_PG_SYNTH_OID (OX_PG_SYNTH_CHECK, k, o->oid),
				                             tab->checks[k].name, tab, "c");
				r[20] = txt (a, tab->checks[k].src);
			}
		}
	}
	g_ptr_array_unref (objs);
}

/* pg_attrdef */
static const char *const attrdef_cols[] = { "oid", "adrelid", "adnum", "adbin" };
static const OxTypeId attrdef_types[] = { I8, I8, I2, TXT };

static void
fill_attrdef (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_TABLE);
	for (guint i = 0; i < objs->len; i++) {
		OxTable *tab = objs->pdata[i];
		for (int k = 0; k < tab->ncols; k++) {
			if (!tab->cols[k].default_src || column_identity (c, t, tab, k))
				continue;
			OxValue *r = row_add (a, rows, 4);
			r[0] = oid_v (OX_PG_SYNTH_OID (OX_PG_SYNTH_ATTRDEF, k, tab->obj.oid));
			r[1] = oid_v (tab->obj.oid);
			r[2] = i2 (k + 1);
			r[3] = txt (a, tab->cols[k].default_src);
		}
	}
	g_ptr_array_unref (objs);
}

/* pg_proc */
static const char *const proc_cols[] = { "oid", "proname", "pronamespace", "proowner", "prolang", "procost",
	"prorows", "provariadic", "prosupport", "prokind", "prosecdef", "proleakproof", "proisstrict", "proretset",
	"provolatile", "proparallel", "pronargs", "pronargdefaults", "prorettype", "proargtypes", "proallargtypes",
	"proargmodes", "proargnames", "proargdefaults", "prosrc", "probin", "proconfig", "proacl" };
static const OxTypeId proc_types[] = { I8, TXT, I8, I8, I8, F4, F4, I8, I8, TXT, BOOL, BOOL, BOOL, BOOL, TXT,
	TXT, I2, I2, I8, TXT, TXT, TXT, TXT, TXT, TXT, TXT, TXT, TXT };

/* pg_language: PostgreSQL 15's rows (plpgsql's oid as initdb makes it),
 * and lua, ours */
static const struct { int64_t oid; const char *name; bool pl, trusted; } languages[] = {
	{ 12, "internal", false, false }, { 13, "c", false, false }, { 14, "sql", false, true },
	{ 13563, "plpgsql", true, true }, { 13564, "lua", true, true },
};
static const char *const language_cols[] = { "oid", "lanname", "lanowner", "lanispl", "lanpltrusted",
	"lanplcallfoid", "laninline", "lanvalidator", "lanacl" };
static const OxTypeId language_types[] = { I8, TXT, I8, BOOL, BOOL, I8, I8, I8, TXT };

static int64_t
language_oid (const char *name)
{
	if (!strcmp (name, "plsql"))  /* how CREATE FUNCTION ... LANGUAGE plpgsql is stored */
		name = "plpgsql";
	for (size_t i = 0; i < G_N_ELEMENTS (languages); i++)
		if (!g_ascii_strcasecmp (name, languages[i].name))
			return languages[i].oid;
	return 13;
}

static void
fill_language (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	(void) c; (void) t;
	for (size_t i = 0; i < G_N_ELEMENTS (languages); i++) {
		OxValue *r = row_add (a, rows, G_N_ELEMENTS (language_cols));
		r[0] = oid_v (languages[i].oid);
		r[1] = txt (a, languages[i].name);
		r[2] = oid_v (OX_PG_ROLE_OID);
		r[3] = bl (languages[i].pl);
		r[4] = bl (languages[i].trusted);
		r[5] = oid_v (0);
		r[6] = oid_v (0);
		r[7] = oid_v (0);
	}
}

static int64_t
routine_rettype (OxRoutine *rt)
{
	switch (rt->retkind) {
	case OX_RET_VALUE: return ox_pg_type_oid (rt->rettype.id);
	case OX_RET_VOID: return 2278;
	case OX_RET_TRIGGER: return 2279;
	case OX_RET_EVENT_TRIGGER: return 3838;
	default: return rt->rkind == OX_ROUTINE_PROCEDURE ? 2249 : rt->nresult == 1 && !rt->retset
	                ? ox_pg_type_oid (rt->result_types[0].id) : 2249;
	}
}

static void
fill_proc (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_ROUTINE);
	for (guint i = 0; i < objs->len; i++) {
		OxRoutine *rt = objs->pdata[i];
		OxValue *r = row_add (a, rows, G_N_ELEMENTS (proc_cols));
		GString *types = g_string_new (NULL), *names = g_string_new ("{");
		int nin = 0, ndef = 0;
		bool named = false;
		for (int k = 0; k < rt->nargs; k++) {
			OxRoutineArg *ar = &rt->args[k];
			if (ar->mode == OX_ARG_IN || ar->mode == OX_ARG_INOUT) {
				g_string_append_printf (types, "%s%" G_GINT64_FORMAT, nin ? " " : "", ox_pg_type_oid (ar->type.id));
				nin++;
				ndef += ar->default_src != NULL;
			}
			g_string_append_printf (names, "%s%s", k ? "," : "", ar->name ? ar->name : "\"\"");
			named |= ar->name != NULL;
		}
		g_string_append_c (names, '}');
		r[0] = oid_v (rt->obj.oid);
		r[1] = txt (a, rt->obj.name);
		r[2] = oid_v (nsp_oid (&rt->obj));
		r[3] = oid_v (OX_PG_ROLE_OID);
		r[4] = oid_v (language_oid (rt->language));
		r[5] = ox_float (OX_T_FLOAT4, 100);
		r[6] = ox_float (OX_T_FLOAT4, rt->retset ? 1000 : 0);
		r[7] = oid_v (0);
		r[8] = oid_v (0);
		r[9] = txt (a, rt->rkind == OX_ROUTINE_PROCEDURE ? "p" : "f");
		r[10] = bl (false);
		r[11] = bl (false);
		r[12] = bl (rt->strict);
		r[13] = bl (rt->retset);
		r[14] = txt (a, rt->volatility == 0 ? "i" : rt->volatility == 1 ? "s" : "v");
		r[15] = txt (a, "u");
		r[16] = i2 (nin);
		r[17] = i2 (ndef);
		r[18] = oid_v (routine_rettype (rt));
		r[19] = txt (a, types->str);
		r[22] = named ? txt (a, names->str) : nul (TXT);
		r[24] = txt (a, rt->body);
		g_string_free (types, TRUE);
		g_string_free (names, TRUE);
	}
	g_ptr_array_unref (objs);
}

/* pg_roles, pg_authid, pg_user: the roles of the catalog (auth/role.c),
 * and pg_database_owner (owner of public), the one predefined role */
static const char *const roles_cols[] = { "rolname", "rolsuper", "rolinherit", "rolcreaterole", "rolcreatedb",
	"rolcanlogin", "rolreplication", "rolconnlimit", "rolpassword", "rolvaliduntil", "rolbypassrls",
	"rolconfig", "oid" };
static const OxTypeId roles_types[] = { TXT, BOOL, BOOL, BOOL, BOOL, BOOL, BOOL, I4, TXT, TSTZ, BOOL, TXT, I8 };

static OxValue
valid_until_v (const OxRole *r)
{
	return r->has_valid_until ? ox_int (OX_T_TIMESTAMPTZ, r->valid_until) : nul (TSTZ);
}

static void
fill_roles (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *roles = ox_role_list (c, t);
	for (guint i = 0; i < roles->len; i++) {
		OxRole *ro = roles->pdata[i];
		OxValue *r = row_add (a, rows, G_N_ELEMENTS (roles_cols));
		r[0] = txt (a, ro->obj.name);
		r[1] = bl (ro->superuser); r[2] = bl (ro->inherit); r[3] = bl (ro->createrole);
		r[4] = bl (ro->createdb); r[5] = bl (ro->canlogin); r[6] = bl (ro->replication);
		r[7] = i4 (ro->connlimit);
		r[8] = txt (a, "********");
		r[9] = valid_until_v (ro);
		r[10] = bl (ro->bypassrls);
		r[11] = nul (TXT);
		r[12] = oid_v (ro->obj.oid);
	}
	g_ptr_array_unref (roles);
	OxValue *r = row_add (a, rows, G_N_ELEMENTS (roles_cols));
	r[0] = txt (a, "pg_database_owner");
	r[1] = bl (false); r[2] = bl (true); r[3] = bl (false); r[4] = bl (false); r[5] = bl (false);
	r[6] = bl (false);
	r[7] = i4 (-1);
	r[8] = txt (a, "********");
	r[9] = nul (TSTZ);
	r[10] = bl (false);
	r[11] = nul (TXT);
	r[12] = oid_v (OX_PG_DATABASE_OWNER_OID);
}

/* pg_authid: superusers only (the binder checks), with the verifiers */
static const char *const authid_cols[] = { "oid", "rolname", "rolsuper", "rolinherit", "rolcreaterole",
	"rolcreatedb", "rolcanlogin", "rolreplication", "rolbypassrls", "rolconnlimit", "rolpassword",
	"rolvaliduntil" };
static const OxTypeId authid_types[] = { I8, TXT, BOOL, BOOL, BOOL, BOOL, BOOL, BOOL, BOOL, I4, TXT, TSTZ };

static void
fill_authid (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *roles = ox_role_list (c, t);
	for (guint i = 0; i < roles->len; i++) {
		OxRole *ro = roles->pdata[i];
		OxValue *r = row_add (a, rows, G_N_ELEMENTS (authid_cols));
		r[0] = oid_v (ro->obj.oid);
		r[1] = txt (a, ro->obj.name);
		r[2] = bl (ro->superuser); r[3] = bl (ro->inherit); r[4] = bl (ro->createrole);
		r[5] = bl (ro->createdb); r[6] = bl (ro->canlogin); r[7] = bl (ro->replication);
		r[8] = bl (ro->bypassrls);
		r[9] = i4 (ro->connlimit);
		r[10] = ro->password ? txt (a, ro->password) : nul (TXT);
		r[11] = valid_until_v (ro);
	}
	g_ptr_array_unref (roles);
	OxValue *r = row_add (a, rows, G_N_ELEMENTS (authid_cols));
	r[0] = oid_v (OX_PG_DATABASE_OWNER_OID);
	r[1] = txt (a, "pg_database_owner");
	r[2] = bl (false); r[3] = bl (true); r[4] = bl (false); r[5] = bl (false); r[6] = bl (false);
	r[7] = bl (false); r[8] = bl (false);
	r[9] = i4 (-1);
	r[10] = nul (TXT);
	r[11] = nul (TSTZ);
}

/* pg_user: the roles that can log in */
static const char *const user_cols[] = { "usename", "usesysid", "usecreatedb", "usesuper", "userepl",
	"usebypassrls", "passwd", "valuntil", "useconfig" };
static const OxTypeId user_types[] = { TXT, I8, BOOL, BOOL, BOOL, BOOL, TXT, TSTZ, TXT };

static void
fill_user (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *roles = ox_role_list (c, t);
	for (guint i = 0; i < roles->len; i++) {
		OxRole *ro = roles->pdata[i];
		if (!ro->canlogin)
			continue;
		OxValue *r = row_add (a, rows, G_N_ELEMENTS (user_cols));
		r[0] = txt (a, ro->obj.name);
		r[1] = oid_v (ro->obj.oid);
		r[2] = bl (ro->createdb); r[3] = bl (ro->superuser); r[4] = bl (ro->replication);
		r[5] = bl (ro->bypassrls);
		r[6] = txt (a, "********");
		r[7] = valid_until_v (ro);
		r[8] = nul (TXT);
	}
	g_ptr_array_unref (roles);
}

/* pg_database: the database the session is in */
static const char *const database_cols[] = { "oid", "datname", "datdba", "encoding", "datlocprovider",
	"datistemplate", "datallowconn", "datconnlimit", "dattablespace", "datcollate", "datctype",
	"daticulocale", "datcollversion", "datacl" };
static const OxTypeId database_types[] = { I8, TXT, I8, I4, TXT, BOOL, BOOL, I4, I8, TXT, TXT, TXT, TXT, TXT };

/* A database's oid: 5 for "oxibase" (PostgreSQL's postgres has 5), others
 * from a hash of the name, so that it is stable across restarts. */
int64_t
ox_pg_database_oid (const char *name)
{
	if (!strcmp (name, "oxibase"))
		return 5;
	return 16384 + (int64_t) (g_str_hash (name) % 1000000000u);
}

static void
fill_database (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	(void) t;
	OxDatabase *db = ox_catalog_owner (c);
	char *list = db && db->cluster.list_databases ? db->cluster.list_databases (db->cluster_user) : NULL;
	g_auto (GStrv) names = g_strsplit (list ? list : db && db->name ? db->name : "oxibase", "\n", -1);
	g_free (list);
	for (char **n = names; *n; n++) {
		if (!**n)
			continue;
		OxValue *r = row_add (a, rows, G_N_ELEMENTS (database_cols));
		r[0] = oid_v (ox_pg_database_oid (*n));
		r[1] = txt (a, *n);
		r[2] = oid_v (OX_PG_ROLE_OID);
		r[3] = i4 (6);  /* UTF8 */
		r[4] = txt (a, "c");
		r[5] = bl (false);
		r[6] = bl (true);
		r[7] = i4 (-1);
		r[8] = oid_v (1663);
		/* text compares bytewise, as in the C collation */
		r[9] = txt (a, "C");
		r[10] = txt (a, "C");
	}
}

/* pg_am, pg_collation, pg_tablespace: fixed rows */
static const char *const am_cols[] = { "oid", "amname", "amhandler", "amtype" };
static const OxTypeId am_types[] = { I8, TXT, TXT, TXT };

static void
fill_am (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	(void) c; (void) t;
	OxValue *r = row_add (a, rows, 4);
	r[0] = oid_v (2); r[1] = txt (a, "heap"); r[2] = txt (a, "heap_tableam_handler"); r[3] = txt (a, "t");
	r = row_add (a, rows, 4);
	r[0] = oid_v (403); r[1] = txt (a, "btree"); r[2] = txt (a, "bthandler"); r[3] = txt (a, "i");
}

static const char *const collation_cols[] = { "oid", "collname", "collnamespace", "collowner", "collprovider",
	"collisdeterministic", "collencoding", "collcollate", "collctype" };
static const OxTypeId collation_types[] = { I8, TXT, I8, I8, TXT, BOOL, I4, TXT, TXT };

static void
fill_collation (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	(void) c; (void) t;
	static const struct { int oid; const char *name, *prov; int enc; } colls[] = {
		{ 100, "default", "d", -1 }, { 950, "C", "c", -1 }, { 951, "POSIX", "c", -1 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS (colls); i++) {
		OxValue *r = row_add (a, rows, G_N_ELEMENTS (collation_cols));
		r[0] = oid_v (colls[i].oid);
		r[1] = txt (a, colls[i].name);
		r[2] = oid_v (OX_PG_CATALOG_NSP_OID);
		r[3] = oid_v (OX_PG_ROLE_OID);
		r[4] = txt (a, colls[i].prov);
		r[5] = bl (true);
		r[6] = i4 (colls[i].enc);
		if (i > 0) {
			r[7] = txt (a, colls[i].name);
			r[8] = txt (a, colls[i].name);
		}
	}
}

static const char *const tablespace_cols[] = { "oid", "spcname", "spcowner", "spcacl", "spcoptions" };
static const OxTypeId tablespace_types[] = { I8, TXT, I8, TXT, TXT };

static void
fill_tablespace (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	(void) c; (void) t;
	OxValue *r = row_add (a, rows, 5);
	r[0] = oid_v (1663); r[1] = txt (a, "pg_default"); r[2] = oid_v (OX_PG_ROLE_OID);
	r = row_add (a, rows, 5);
	r[0] = oid_v (1664); r[1] = txt (a, "pg_global"); r[2] = oid_v (OX_PG_ROLE_OID);
}

/* pg_trigger */
static const char *const trigger_cols[] = { "oid", "tgrelid", "tgparentid", "tgname", "tgfoid", "tgtype",
	"tgenabled", "tgisinternal", "tgconstrrelid", "tgconstrindid", "tgconstraint", "tgdeferrable",
	"tginitdeferred", "tgnargs", "tgattr", "tgargs", "tgqual", "tgoldtable", "tgnewtable" };
static const OxTypeId trigger_types[] = { I8, I8, I8, TXT, I8, I2, TXT, BOOL, I8, I8, I8, BOOL, BOOL, I2, TXT,
	TXT, TXT, TXT, TXT };

static void
fill_trigger (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_TRIGGER);
	for (guint i = 0; i < objs->len; i++) {
		OxTrigger *tg = objs->pdata[i];
		OxValue *r = row_add (a, rows, G_N_ELEMENTS (trigger_cols));
		/* tgtype bits as PostgreSQL's: ROW 1, BEFORE 2, INSERT 4, DELETE 8,
		 * UPDATE 16, TRUNCATE 32, INSTEAD 64 */
		int type = (tg->for_each_row ? 1 : 0) | (tg->timing == OX_TRIG_BEFORE ? 2 : 0) |
		           (tg->timing != OX_TRIG_BEFORE && tg->timing != OX_TRIG_AFTER ? 64 : 0) |
		           (tg->events & OX_TRIG_INSERT ? 4 : 0) | (tg->events & OX_TRIG_DELETE ? 8 : 0) |
		           (tg->events & OX_TRIG_UPDATE ? 16 : 0) | (tg->events & OX_TRIG_TRUNCATE ? 32 : 0);
		r[0] = oid_v (tg->obj.oid);
		r[1] = oid_v (tg->table->obj.oid);
		r[2] = oid_v (0);
		r[3] = txt (a, tg->obj.name);
		r[4] = oid_v (0);
		r[5] = i2 (type);
		r[6] = txt (a, tg->enabled ? "O" : "D");
		r[7] = bl (false);
		r[8] = oid_v (0);
		r[9] = oid_v (0);
		r[10] = oid_v (0);
		r[11] = bl (false);
		r[12] = bl (false);
		r[13] = i2 (tg->nargs);
		r[16] = txt (a, tg->when_src);
	}
	g_ptr_array_unref (objs);
}

/* Catalogs of things we do not have: always empty, but queries that
 * join them (psql's \d footers) must find their columns. */
static void
fill_empty (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	(void) c; (void) t; (void) a; (void) rows;
}

static const char *const inherits_cols[] = { "inhrelid", "inhparent", "inhseqno", "inhdetachpending" };
static const OxTypeId inherits_types[] = { I8, I8, I4, BOOL };
/* pgbench reads it at start to learn whether pgbench_accounts is partitioned */
static const char *const partitioned_cols[] = { "partrelid", "partstrat", "partnatts", "partdefid", "partattrs",
	"partclass", "partcollation", "partexprs" };
static const OxTypeId partitioned_types[] = { I8, TXT, I2, I8, TXT, TXT, TXT, TXT };
/* rules: none (a view's _RETURN rule is not listed: psql skips it) */
static const char *const rewrite_cols[] = { "oid", "rulename", "ev_class", "ev_type", "ev_enabled", "is_instead",
	"ev_qual", "ev_action" };
static const OxTypeId rewrite_types[] = { I8, TXT, I8, TXT, TXT, BOOL, TXT, TXT };
static const char *const description_cols[] = { "objoid", "classoid", "objsubid", "description" };
static const OxTypeId description_types[] = { I8, I8, I4, TXT };
static const char *const shdescription_cols[] = { "objoid", "classoid", "description" };
static const OxTypeId shdescription_types[] = { I8, I8, TXT };
static const char *const auth_members_cols[] = { "oid", "roleid", "member", "grantor", "admin_option" };
static const OxTypeId auth_members_types[] = { I8, I8, I8, I8, BOOL };
static const char *const policy_cols[] = { "oid", "polname", "polrelid", "polcmd", "polpermissive",
	"polroles", "polqual", "polwithcheck" };
static const OxTypeId policy_types[] = { I8, TXT, I8, TXT, BOOL, TXT, TXT, TXT };
static const char *const statistic_ext_cols[] = { "oid", "stxrelid", "stxname", "stxnamespace", "stxowner",
	"stxstattarget", "stxkeys", "stxkind", "stxexprs" };
static const OxTypeId statistic_ext_types[] = { I8, I8, TXT, I8, I8, I4, TXT, TXT, TXT };
static const char *const publication_cols[] = { "oid", "pubname", "pubowner", "puballtables", "pubinsert",
	"pubupdate", "pubdelete", "pubtruncate", "pubviaroot" };
static const OxTypeId publication_types[] = { I8, TXT, I8, BOOL, BOOL, BOOL, BOOL, BOOL, BOOL };
static const char *const publication_namespace_cols[] = { "oid", "pnpubid", "pnnspid" };
static const OxTypeId publication_namespace_types[] = { I8, I8, I8 };
static const char *const publication_rel_cols[] = { "oid", "prpubid", "prrelid", "prqual", "prattrs" };
static const OxTypeId publication_rel_types[] = { I8, I8, I8, TXT, TXT };
static const char *const extension_cols[] = { "oid", "extname", "extowner", "extnamespace", "extrelocatable",
	"extversion", "extconfig", "extcondition" };
static const OxTypeId extension_types[] = { I8, TXT, I8, I8, BOOL, TXT, TXT, TXT };

/* pg_sequence and the pg_sequences view */
static const char *const sequence_cols[] = { "seqrelid", "seqtypid", "seqstart", "seqincrement", "seqmax", "seqmin",
	"seqcache", "seqcycle" };
static const OxTypeId sequence_types[] = { I8, I8, I8, I8, I8, I8, I8, BOOL };

static void
fill_sequence (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_SEQUENCE);
	for (guint i = 0; i < objs->len; i++) {
		OxSequence *sq = objs->pdata[i];
		OxValue *r = row_add (a, rows, G_N_ELEMENTS (sequence_cols));
		r[0] = oid_v (sq->obj.oid);
		r[1] = oid_v (ox_pg_type_oid (sq->type));
		r[2] = ox_int (I8, sq->start);
		r[3] = ox_int (I8, sq->increment);
		r[4] = ox_int (I8, sq->max);
		r[5] = ox_int (I8, sq->min);
		r[6] = ox_int (I8, sq->cache);
		r[7] = bl (sq->cycle);
	}
	g_ptr_array_unref (objs);
}

static const char *const sequences_cols[] = { "schemaname", "sequencename", "sequenceowner", "data_type",
	"start_value", "min_value", "max_value", "increment_by", "cycle", "cache_size", "last_value" };
static const OxTypeId sequences_types[] = { TXT, TXT, TXT, TXT, I8, I8, I8, I8, BOOL, I8, I8 };

static void
fill_sequences (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_SEQUENCE);
	for (guint i = 0; i < objs->len; i++) {
		OxSequence *sq = objs->pdata[i];
		OxValue *r = row_add (a, rows, G_N_ELEMENTS (sequences_cols));
		r[0] = txt (a, sq->obj.schema->obj.name);
		r[1] = txt (a, sq->obj.name);
		r[2] = txt (a, ox_pg_role_name (a, c, t, OX_PG_ROLE_OID));
		r[3] = txt (a, ox_pg_format_type (a, ox_pg_type_oid (sq->type), -1));
		r[4] = ox_int (I8, sq->start);
		r[5] = ox_int (I8, sq->min);
		r[6] = ox_int (I8, sq->max);
		r[7] = ox_int (I8, sq->increment);
		r[8] = bl (sq->cycle);
		r[9] = ox_int (I8, sq->cache);
		int64_t last;
		bool called;
		ox_sequence_read (sq, &last, &called);
		r[10] = called ? ox_int (I8, last) : nul (I8);
	}
	g_ptr_array_unref (objs);
}

/* pg_depend: only what psql reads, a sequence's owner column ('a' for
 * serial and OWNED BY, 'i' for identity); 1259 is pg_class's oid. */
static const char *const depend_cols[] = { "classid", "objid", "objsubid", "refclassid", "refobjid", "refobjsubid",
	"deptype" };
static const OxTypeId depend_types[] = { I8, I8, I4, I8, I8, I4, TXT };

static void
fill_depend (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_SEQUENCE);
	for (guint i = 0; i < objs->len; i++) {
		OxSequence *sq = objs->pdata[i];
		if (!sq->owner_table)
			continue;
		OxValue *r = row_add (a, rows, G_N_ELEMENTS (depend_cols));
		r[0] = oid_v (1259);
		r[1] = oid_v (sq->obj.oid);
		r[2] = i4 (0);
		r[3] = oid_v (1259);
		r[4] = oid_v (sq->owner_table);
		r[5] = i4 (sq->owner_col + 1);
		r[6] = txt (a, sq->identity ? "i" : "a");
	}
	g_ptr_array_unref (objs);
}

#define VIEW(n, cols, types, fill) { "pg_catalog", n, G_N_ELEMENTS (cols), cols, types, fill }

static const OxSysView pg_views[] = {
	VIEW ("pg_namespace", namespace_cols, namespace_types, fill_namespace),
	VIEW ("pg_class", class_cols, class_types, fill_class),
	VIEW ("pg_attribute", attribute_cols, attribute_types, fill_attribute),
	VIEW ("pg_type", type_cols, type_types, fill_type),
	VIEW ("pg_index", index_cols, index_types, fill_index),
	VIEW ("pg_constraint", constraint_cols, constraint_types, fill_constraint),
	VIEW ("pg_attrdef", attrdef_cols, attrdef_types, fill_attrdef),
	VIEW ("pg_proc", proc_cols, proc_types, fill_proc),
	VIEW ("pg_sequence", sequence_cols, sequence_types, fill_sequence),
	VIEW ("pg_sequences", sequences_cols, sequences_types, fill_sequences),
	VIEW ("pg_depend", depend_cols, depend_types, fill_depend),
	VIEW ("pg_roles", roles_cols, roles_types, fill_roles),
	VIEW ("pg_authid", authid_cols, authid_types, fill_authid),
	VIEW ("pg_user", user_cols, user_types, fill_user),
	VIEW ("pg_database", database_cols, database_types, fill_database),
	VIEW ("pg_am", am_cols, am_types, fill_am),
	VIEW ("pg_language", language_cols, language_types, fill_language),
	VIEW ("pg_collation", collation_cols, collation_types, fill_collation),
	VIEW ("pg_tablespace", tablespace_cols, tablespace_types, fill_tablespace),
	VIEW ("pg_trigger", trigger_cols, trigger_types, fill_trigger),
	VIEW ("pg_inherits", inherits_cols, inherits_types, fill_empty),
	VIEW ("pg_partitioned_table", partitioned_cols, partitioned_types, fill_empty),
	VIEW ("pg_rewrite", rewrite_cols, rewrite_types, fill_empty),
	VIEW ("pg_description", description_cols, description_types, fill_empty),
	VIEW ("pg_shdescription", shdescription_cols, shdescription_types, fill_empty),
	VIEW ("pg_auth_members", auth_members_cols, auth_members_types, fill_empty),
	VIEW ("pg_policy", policy_cols, policy_types, fill_empty),
	VIEW ("pg_statistic_ext", statistic_ext_cols, statistic_ext_types, fill_empty),
	VIEW ("pg_publication", publication_cols, publication_types, fill_empty),
	VIEW ("pg_publication_namespace", publication_namespace_cols, publication_namespace_types, fill_empty),
	VIEW ("pg_publication_rel", publication_rel_cols, publication_rel_types, fill_empty),
	VIEW ("pg_extension", extension_cols, extension_types, fill_empty),
};

const OxSysView *
ox_pg_catalog_lookup (const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS (pg_views); i++)
		if (!strcmp (pg_views[i].name, name))
			return &pg_views[i];
	return NULL;
}

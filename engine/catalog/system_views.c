/*
 * system_views.c — information_schema and pg_catalog views over the catalog.
 *
 * Each view is computed when a statement binds it, from the objects the
 * statement's transaction can see, so DDL in an open transaction shows up
 * in its own listings and nowhere else.  The column names follow the SQL
 * standard's information_schema and PostgreSQL's pg_catalog, so tools
 * written for PostgreSQL (psql-style \d commands, ORMs) find what they
 * expect.
 *
 * NOTE: rows are materialized per statement; listing a catalog of many
 * thousands of objects costs that many rows each time.
 */
#include "system_views.h"
#include "base/error.h"

#include <string.h>

static OxValue
txt (OxArena *a, const char *s)
{
	if (!s)
		return ox_null (OX_T_TEXT);
	size_t n = strlen (s);
	return ox_text (OX_T_TEXT, ox_arena_strndup (a, s, n), n);
}

static OxValue
num (int64_t i)
{
	return ox_int (OX_T_INT4, i);
}

static const char *
data_type_name (OxType t)
{
	return ox_type_name (t.id);
}

static OxValue *
row_new (OxArena *a, int n)
{
	return OX_NEW_N (a, OxValue, n);
}

static const char *
schema_name (OxCatObject *o)
{
	return o->schema ? o->schema->obj.name : o->name;
}

static void
fill_tables (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, -1);
	for (guint i = 0; i < objs->len; i++) {
		OxCatObject *o = objs->pdata[i];
		if (o->kind != OX_KIND_TABLE && o->kind != OX_KIND_VIEW)
			continue;
		OxValue *r = row_new (a, 4);
		r[0] = txt (a, "oxibase");
		r[1] = txt (a, schema_name (o));
		r[2] = txt (a, o->name);
		r[3] = txt (a, o->kind == OX_KIND_TABLE ? "BASE TABLE" : "VIEW");
		g_ptr_array_add (rows, r);
	}
	g_ptr_array_unref (objs);
}

static void
fill_columns (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, -1);
	for (guint i = 0; i < objs->len; i++) {
		OxCatObject *o = objs->pdata[i];
		if (o->kind != OX_KIND_TABLE && o->kind != OX_KIND_VIEW)
			continue;
		OxTable *tab = (OxTable *) o;
		for (int k = 0; k < tab->ncols; k++) {
			OxColumn *col = &tab->cols[k];
			OxValue *r = row_new (a, 11);
			r[0] = txt (a, "oxibase");
			r[1] = txt (a, schema_name (o));
			r[2] = txt (a, o->name);
			r[3] = txt (a, col->name);
			r[4] = num (k + 1);
			r[5] = txt (a, col->default_src);
			r[6] = txt (a, col->notnull ? "NO" : "YES");
			r[7] = txt (a, data_type_name (col->type));
			r[8] = (col->type.id == OX_T_VARCHAR || col->type.id == OX_T_BPCHAR) && col->type.typmod >= 0
			       ? num (col->type.typmod) : ox_null (OX_T_INT4);
			/* numeric_precision as PostgreSQL reports it: bits for the
			 * integer and float types, digits for numeric(p,s) */
			int prec = col->type.id == OX_T_INT2 ? 16 : col->type.id == OX_T_INT4 ? 32 :
			           col->type.id == OX_T_INT8 ? 64 : col->type.id == OX_T_FLOAT4 ? 24 :
			           col->type.id == OX_T_FLOAT8 ? 53 : -1;
			int scale = ox_type_is_integer (col->type.id) ? 0 : -1;
			if (col->type.id == OX_T_NUMERIC && col->type.typmod >= 0) {
				prec = OX_TYPMOD_NUMERIC_P (col->type.typmod);
				scale = OX_TYPMOD_NUMERIC_S (col->type.typmod);
			}
			r[9] = prec >= 0 ? num (prec) : ox_null (OX_T_INT4);
			r[10] = scale >= 0 ? num (scale) : ox_null (OX_T_INT4);
			g_ptr_array_add (rows, r);
		}
	}
	g_ptr_array_unref (objs);
}

static void
fill_schemata (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_SCHEMA);
	for (guint i = 0; i < objs->len; i++) {
		OxCatObject *o = objs->pdata[i];
		OxValue *r = row_new (a, 3);
		r[0] = txt (a, "oxibase");
		r[1] = txt (a, o->name);
		r[2] = txt (a, "oxibase");
		g_ptr_array_add (rows, r);
	}
	g_ptr_array_unref (objs);
}

static void
fill_views (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_VIEW);
	for (guint i = 0; i < objs->len; i++) {
		OxTable *v = objs->pdata[i];
		OxValue *r = row_new (a, 4);
		r[0] = txt (a, "oxibase");
		r[1] = txt (a, schema_name (&v->obj));
		r[2] = txt (a, v->obj.name);
		r[3] = txt (a, v->view_src);
		g_ptr_array_add (rows, r);
	}
	g_ptr_array_unref (objs);
}

char *
ox_index_definition (OxArena *a, OxIndex *ix)
{
	GString *g = g_string_new (NULL);
	g_string_append_printf (g, "CREATE %sINDEX %s ON %s.%s USING btree (", ix->unique ? "UNIQUE " : "",
	                        ix->obj.name, ix->table->obj.schema->obj.name, ix->table->obj.name);
	for (int k = 0; k < ix->nkeys; k++)
		g_string_append_printf (g, "%s%s%s", k ? ", " : "", ix->table->cols[ix->colnos[k]].name,
		                        ix->desc[k] ? " DESC" : "");
	g_string_append_c (g, ')');
	char *r = ox_arena_strdup (a, g->str);
	g_string_free (g, TRUE);
	return r;
}

static void
fill_indexes (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_INDEX);
	for (guint i = 0; i < objs->len; i++) {
		OxIndex *ix = objs->pdata[i];
		OxValue *r = row_new (a, 5);
		r[0] = txt (a, schema_name (&ix->obj));
		r[1] = txt (a, ix->table->obj.name);
		r[2] = txt (a, ix->obj.name);
		r[3] = ox_null (OX_T_TEXT);
		r[4] = txt (a, ox_index_definition (a, ix));
		g_ptr_array_add (rows, r);
	}
	g_ptr_array_unref (objs);
}

static void
fill_pg_tables (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, OX_KIND_TABLE);
	for (guint i = 0; i < objs->len; i++) {
		OxTable *tab = objs->pdata[i];
		OxValue *r = row_new (a, 4);
		r[0] = txt (a, schema_name (&tab->obj));
		r[1] = txt (a, tab->obj.name);
		r[2] = txt (a, "oxibase");
		r[3] = ox_bool (tab->indexes->len > 0);
		g_ptr_array_add (rows, r);
	}
	g_ptr_array_unref (objs);
}

static void
fill_constraints (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows)
{
	GPtrArray *objs = ox_catalog_list (c, t, -1);
	for (guint i = 0; i < objs->len; i++) {
		OxCatObject *o = objs->pdata[i];
		if (o->kind == OX_KIND_INDEX && ((OxIndex *) o)->is_constraint) {
			OxIndex *ix = (OxIndex *) o;
			OxValue *r = row_new (a, 5);
			r[0] = txt (a, schema_name (o));
			r[1] = txt (a, o->name);
			r[2] = txt (a, ix->table->obj.name);
			r[3] = txt (a, ix->primary ? "PRIMARY KEY" : "UNIQUE");
			r[4] = txt (a, ox_index_definition (a, ix));
			g_ptr_array_add (rows, r);
		} else if (o->kind == OX_KIND_TABLE) {
			OxTable *tab = (OxTable *) o;
			for (int k = 0; k < tab->nchecks; k++) {
				OxValue *r = row_new (a, 5);
				r[0] = txt (a, schema_name (o));
				r[1] = txt (a, tab->checks[k].name);
				r[2] = txt (a, tab->obj.name);
				r[3] = txt (a, "CHECK");
				r[4] = txt (a, ox_arena_printf (a, "CHECK (%s)", tab->checks[k].src));
				g_ptr_array_add (rows, r);
			}
		}
	}
	g_ptr_array_unref (objs);
}

static const char *const tables_cols[] = { "table_catalog", "table_schema", "table_name", "table_type" };
static const OxTypeId tables_types[] = { OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT };
static const char *const columns_cols[] = { "table_catalog", "table_schema", "table_name", "column_name",
	                                    "ordinal_position", "column_default", "is_nullable", "data_type",
	                                    "character_maximum_length", "numeric_precision", "numeric_scale" };
static const OxTypeId columns_types[] = { OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_INT4, OX_T_TEXT,
	                                  OX_T_TEXT, OX_T_TEXT, OX_T_INT4, OX_T_INT4, OX_T_INT4 };
static const char *const schemata_cols[] = { "catalog_name", "schema_name", "schema_owner" };
static const OxTypeId schemata_types[] = { OX_T_TEXT, OX_T_TEXT, OX_T_TEXT };
static const char *const views_cols[] = { "table_catalog", "table_schema", "table_name", "view_definition" };
static const OxTypeId views_types[] = { OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT };
static const char *const indexes_cols[] = { "schemaname", "tablename", "indexname", "tablespace", "indexdef" };
static const OxTypeId indexes_types[] = { OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT };
static const char *const pgtables_cols[] = { "schemaname", "tablename", "tableowner", "hasindexes" };
static const OxTypeId pgtables_types[] = { OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_BOOL };
static const char *const constraints_cols[] = { "constraint_schema", "constraint_name", "table_name",
	                                        "constraint_type", "definition" };
static const OxTypeId constraints_types[] = { OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT, OX_T_TEXT };

#define VIEW(s, n, cols, types, fill) { s, n, G_N_ELEMENTS (cols), cols, types, fill }

static const OxSysView sysviews[] = {
	VIEW ("information_schema", "tables", tables_cols, tables_types, fill_tables),
	VIEW ("information_schema", "columns", columns_cols, columns_types, fill_columns),
	VIEW ("information_schema", "schemata", schemata_cols, schemata_types, fill_schemata),
	VIEW ("information_schema", "views", views_cols, views_types, fill_views),
	VIEW ("information_schema", "table_constraints", constraints_cols, constraints_types, fill_constraints),
	VIEW ("pg_catalog", "pg_indexes", indexes_cols, indexes_types, fill_indexes),
	VIEW ("pg_catalog", "pg_tables", pgtables_cols, pgtables_types, fill_pg_tables),
};

const OxSysView *
ox_sysview_lookup (const char *schema, const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS (sysviews); i++) {
		const OxSysView *v = &sysviews[i];
		if (strcmp (v->name, name))
			continue;
		if (schema ? !strcmp (schema, v->schema) : !strcmp (v->schema, "pg_catalog"))
			return v;
	}
	return NULL;
}

GPtrArray *
ox_sysview_rows (const OxSysView *v, OxCatalog *c, OxTxn *t, OxArena *a)
{
	GPtrArray *rows = g_ptr_array_new ();
	v->fill (c, t, a, rows);
	return rows;
}

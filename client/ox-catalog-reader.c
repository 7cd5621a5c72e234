/*
 * ox-catalog-reader.c — catalog models (see ox-catalog-reader.h): one SQL query per
 * (kind, schema, table), its rows turned into OxCatalogObjects, applied to
 * a GListStore as the smallest splice that makes it equal.
 *
 * NOTE: a refresh can overtake a read still under way; every list keeps a
 * generation number and a result for an older generation is dropped, so a
 * slow read can never overwrite a newer one.
 * NOTE: names are put into the queries as SQL literals (quotes doubled):
 * they come from the catalog itself, but a table may be called anything.
 * NOTE: roles (pg_roles) belong to no schema: their list has none.
 */
#define G_LOG_DOMAIN "ox-client"

#include "ox-catalog-reader.h"

#include <string.h>

/* ---- OxCatalogObject ------------------------------------------------------------ */

struct _OxCatalogObject {
	GObject      parent_instance;
	OxObjectKind kind;
	char        *schema;  /* owning schema; the name itself for a schema */
	char        *table;   /* owning table for table children, else NULL */
	char        *name;
	char        *detail;  /* may be NULL */
};

G_DEFINE_FINAL_TYPE (OxCatalogObject, ox_catalog_object, G_TYPE_OBJECT)

static void
ox_catalog_object_finalize (GObject *object)
{
	OxCatalogObject *self = OX_CATALOG_OBJECT (object);
	g_free (self->schema);
	g_free (self->table);
	g_free (self->name);
	g_free (self->detail);
	G_OBJECT_CLASS (ox_catalog_object_parent_class)->finalize (object);
}

static void
ox_catalog_object_class_init (OxCatalogObjectClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = ox_catalog_object_finalize;
}

static void
ox_catalog_object_init (OxCatalogObject *self)
{
	(void) self;
}

OxCatalogObject *
ox_catalog_object_new (OxObjectKind kind, const char *schema, const char *table, const char *name,
                       const char *detail)
{
	OxCatalogObject *self = g_object_new (OX_TYPE_CATALOG_OBJECT, NULL);
	self->kind = kind;
	self->schema = g_strdup (schema);
	self->table = g_strdup (table);
	self->name = g_strdup (name);
	self->detail = g_strdup (detail);
	return self;
}

OxObjectKind ox_catalog_object_get_kind (OxCatalogObject *self) { return self->kind; }
const char *ox_catalog_object_get_schema (OxCatalogObject *self) { return self->schema; }
const char *ox_catalog_object_get_table (OxCatalogObject *self) { return self->table; }
const char *ox_catalog_object_get_name (OxCatalogObject *self) { return self->name; }
const char *ox_catalog_object_get_detail (OxCatalogObject *self) { return self->detail; }

static gboolean
object_equal (OxCatalogObject *a, OxCatalogObject *b)
{
	return a->kind == b->kind && !g_strcmp0 (a->schema, b->schema) && !g_strcmp0 (a->table, b->table) &&
	       !g_strcmp0 (a->name, b->name) && !g_strcmp0 (a->detail, b->detail);
}

static const char *const kind_plural[OX_N_OBJECT_KINDS] = {
	"Schemas", "Tables", "Views", "Functions", "Procedures", "Sequences", "Triggers", "Schedules",
	"Columns", "Indexes", "Constraints", "Roles",
};
static const char *const kind_name[OX_N_OBJECT_KINDS] = {
	"schema", "table", "view", "function", "procedure", "sequence", "trigger", "schedule",
	"column", "index", "constraint", "role",
};

const char *
ox_object_kind_plural (OxObjectKind kind)
{
	g_return_val_if_fail (kind < OX_N_OBJECT_KINDS, NULL);
	return kind_plural[kind];
}

const char *
ox_object_kind_name (OxObjectKind kind)
{
	g_return_val_if_fail (kind < OX_N_OBJECT_KINDS, NULL);
	return kind_name[kind];
}

/* ---- OxCatalogReader --------------------------------------------------------------------- */

typedef struct {
	OxCatalogReader    *catalog;     /* unowned back pointer */
	OxObjectKind  kind;
	char         *schema;      /* NULL for the schema list */
	char         *table;       /* NULL unless kind is a table child */
	GListStore   *store;       /* of OxCatalogObject */
	guint         generation;  /* bumped by every read; older answers are dropped */
} CatalogList;

struct _OxCatalogReader {
	GObject       parent_instance;
	OxConnection *connection;  /* weak: the connection owns us */
	GHashTable   *lists;       /* key "kind\037schema\037table" -> CatalogList* (owned) */
	GCancellable *cancellable; /* cancelled at dispose */
	guint         pending;     /* reads under way */
	gulong        changed_id;  /* objects-changed handler */
};

G_DEFINE_FINAL_TYPE (OxCatalogReader, ox_catalog_reader, G_TYPE_OBJECT)

enum { PROP_0, PROP_PENDING, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
catalog_list_free (CatalogList *l)
{
	g_free (l->schema);
	g_free (l->table);
	g_object_unref (l->store);
	g_free (l);
}

static void
objects_changed_cb (OxConnection *connection, OxCatalogReader *self)
{
	(void) connection;
	ox_catalog_reader_refresh (self);
}

static void
ox_catalog_reader_dispose (GObject *object)
{
	OxCatalogReader *self = OX_CATALOG_READER (object);
	g_cancellable_cancel (self->cancellable);
	if (self->connection) {
		g_clear_signal_handler (&self->changed_id, self->connection);
		g_object_remove_weak_pointer (G_OBJECT (self->connection), (gpointer *) &self->connection);
		self->connection = NULL;
	}
	G_OBJECT_CLASS (ox_catalog_reader_parent_class)->dispose (object);
}

static void
ox_catalog_reader_finalize (GObject *object)
{
	OxCatalogReader *self = OX_CATALOG_READER (object);
	g_hash_table_unref (self->lists);
	g_object_unref (self->cancellable);
	G_OBJECT_CLASS (ox_catalog_reader_parent_class)->finalize (object);
}

static void
ox_catalog_reader_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	OxCatalogReader *self = OX_CATALOG_READER (object);
	switch (prop_id) {
	case PROP_PENDING:
		g_value_set_uint (value, self->pending);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
	}
}

static void
ox_catalog_reader_class_init (OxCatalogReaderClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	object_class->dispose = ox_catalog_reader_dispose;
	object_class->finalize = ox_catalog_reader_finalize;
	object_class->get_property = ox_catalog_reader_get_property;
	props[PROP_PENDING] = g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0,
	                                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
	g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
ox_catalog_reader_init (OxCatalogReader *self)
{
	self->lists = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) catalog_list_free);
	self->cancellable = g_cancellable_new ();
}

OxCatalogReader *
ox_catalog_reader_new (OxConnection *connection)
{
	g_return_val_if_fail (OX_IS_CONNECTION (connection), NULL);
	OxCatalogReader *self = g_object_new (OX_TYPE_CATALOG_READER, NULL);
	self->connection = connection;
	g_object_add_weak_pointer (G_OBJECT (connection), (gpointer *) &self->connection);
	self->changed_id = g_signal_connect (connection, "objects-changed", G_CALLBACK (objects_changed_cb), self);
	return self;
}

/* A SQL string literal for s: quotes doubled. */
static char *
literal (const char *s)
{
	GString *g = g_string_new ("'");
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			g_string_append_c (g, '\'');
		g_string_append_c (g, *p);
	}
	g_string_append_c (g, '\'');
	return g_string_free (g, FALSE);
}

/* The query reading a list: its rows are (name, detail).  NULL when the
 * engine has nothing of the kind. */
static char *
list_query (CatalogList *l)
{
	g_autofree char *s = l->schema ? literal (l->schema) : NULL;
	g_autofree char *t = l->table ? literal (l->table) : NULL;

	switch (l->kind) {
	case OX_OBJECT_SCHEMA:
		return g_strdup ("SELECT schema_name, NULL FROM information_schema.schemata ORDER BY 1");
	case OX_OBJECT_TABLE:
		return g_strdup_printf ("SELECT table_name, NULL FROM information_schema.tables "
		                        "WHERE table_schema = %s AND table_type = 'BASE TABLE' ORDER BY 1", s);
	case OX_OBJECT_VIEW:
		return g_strdup_printf ("SELECT table_name, NULL FROM information_schema.tables "
		                        "WHERE table_schema = %s AND table_type = 'VIEW' ORDER BY 1", s);
	case OX_OBJECT_FUNCTION:
		return g_strdup_printf ("SELECT name, '(' || arguments || ') → ' || return_type "
		                        "FROM system.functions WHERE schema = %s ORDER BY 1, 2", s);
	case OX_OBJECT_PROCEDURE:
		return g_strdup_printf ("SELECT name, '(' || arguments || ')' "
		                        "FROM system.procedures WHERE schema = %s ORDER BY 1, 2", s);
	case OX_OBJECT_SEQUENCE:
		return g_strdup_printf ("SELECT sequence_name, data_type FROM information_schema.sequences "
		                        "WHERE sequence_schema = %s ORDER BY 1", s);
	case OX_OBJECT_TRIGGER:
		if (t)
			return g_strdup_printf ("SELECT name, timing || ' ' || events FROM system.triggers "
			                        "WHERE schema = %s AND table_name = %s ORDER BY 1", s, t);
		return g_strdup_printf ("SELECT name, 'on ' || table_name FROM system.triggers "
		                        "WHERE schema = %s ORDER BY 1", s);
	case OX_OBJECT_SCHEDULE:
		return g_strdup_printf ("SELECT name, cron FROM system.schedules WHERE schema = %s ORDER BY 1", s);
	case OX_OBJECT_COLUMN:
		return g_strdup_printf ("SELECT column_name, data_type || "
		                        "CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END "
		                        "FROM information_schema.columns WHERE table_schema = %s "
		                        "AND table_name = %s ORDER BY ordinal_position", s, t);
	case OX_OBJECT_INDEX:
		return g_strdup_printf ("SELECT indexname, indexdef FROM pg_catalog.pg_indexes "
		                        "WHERE schemaname = %s AND tablename = %s ORDER BY 1", s, t);
	case OX_OBJECT_CONSTRAINT:
		return g_strdup_printf ("SELECT constraint_name, constraint_type FROM "
		                        "information_schema.table_constraints WHERE constraint_schema = %s "
		                        "AND table_name = %s ORDER BY 1", s, t);
	case OX_OBJECT_ROLE:
		return g_strdup ("SELECT rolname, CASE WHEN rolcanlogin THEN 'login' ELSE 'no login' END || "
		                 "CASE WHEN rolsuper THEN ', superuser' ELSE '' END FROM pg_catalog.pg_roles ORDER BY 1");
	case OX_N_OBJECT_KINDS:
		break;
	}
	g_return_val_if_reached (NULL);
}

/* Make store hold exactly items (of OxCatalogObject*) with one splice of
 * the part between the common prefix and the common suffix. */
static void
apply_items (GListStore *store, GPtrArray *items)
{
	guint old_n = g_list_model_get_n_items (G_LIST_MODEL (store));
	guint new_n = items->len;
	guint prefix = 0, suffix = 0;

	while (prefix < old_n && prefix < new_n) {
		g_autoptr (OxCatalogObject) o = g_list_model_get_item (G_LIST_MODEL (store), prefix);
		if (!object_equal (o, items->pdata[prefix]))
			break;
		prefix++;
	}
	while (suffix < old_n - prefix && suffix < new_n - prefix) {
		g_autoptr (OxCatalogObject) o = g_list_model_get_item (G_LIST_MODEL (store), old_n - 1 - suffix);
		if (!object_equal (o, items->pdata[new_n - 1 - suffix]))
			break;
		suffix++;
	}
	if (prefix + suffix == old_n && old_n == new_n)
		return;
	g_list_store_splice (store, prefix, old_n - prefix - suffix, items->pdata + prefix,
	                     new_n - prefix - suffix);
}

typedef struct {
	OxCatalogReader *catalog;   /* strong */
	char      *key;       /* of the list in catalog->lists */
	guint      generation;
} ReadData;

static void
set_pending (OxCatalogReader *self, guint pending)
{
	self->pending = pending;
	g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PENDING]);
}

static void
read_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	ReadData *rd = user_data;
	OxCatalogReader *self = rd->catalog;
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) rows = ox_connection_query_finish (OX_CONNECTION (source), result, &error);

	CatalogList *l = g_hash_table_lookup (self->lists, rd->key);
	if (!rows) {
		/* a closed connection has nothing left to show */
		if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
		    !g_error_matches (error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_CLOSED))
			g_warning ("reading the catalog (%s) failed: %s", rd->key, error->message);
	} else if (l && l->generation == rd->generation) {
		g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
		for (guint i = 0; i < rows->len; i++) {
			GPtrArray *row_array = rows->pdata[i];
			if (row_array->len < 2)
				continue;
			char **row = (char **) row_array->pdata;
			if (!row[0])
				continue;
			const char *schema = l->kind == OX_OBJECT_SCHEMA ? row[0] : l->schema;
			g_ptr_array_add (items, ox_catalog_object_new (l->kind, schema, l->table, row[0], row[1]));
		}
		apply_items (l->store, items);
	}
	set_pending (self, self->pending - 1);
	g_free (rd->key);
	g_object_unref (rd->catalog);
	g_free (rd);
}

static void
read_list (OxCatalogReader *self, const char *key, CatalogList *l)
{
	g_autofree char *sql = list_query (l);
	l->generation++;
	if (!sql || !self->connection)
		return;
	ReadData *rd = g_new0 (ReadData, 1);
	rd->catalog = g_object_ref (self);
	rd->key = g_strdup (key);
	rd->generation = l->generation;
	set_pending (self, self->pending + 1);
	ox_connection_query_async (self->connection, sql, self->cancellable, read_done_cb, rd);
}

static GListModel *
get_list (OxCatalogReader *self, OxObjectKind kind, const char *schema, const char *table)
{
	g_autofree char *key = g_strdup_printf ("%d\037%s\037%s", kind, schema ? schema : "", table ? table : "");
	CatalogList *l = g_hash_table_lookup (self->lists, key);
	if (!l) {
		l = g_new0 (CatalogList, 1);
		l->catalog = self;
		l->kind = kind;
		l->schema = g_strdup (schema);
		l->table = g_strdup (table);
		l->store = g_list_store_new (OX_TYPE_CATALOG_OBJECT);
		g_hash_table_insert (self->lists, g_strdup (key), l);
		read_list (self, key, l);
	}
	return G_LIST_MODEL (g_object_ref (l->store));
}

GListModel *
ox_catalog_reader_get_schemas (OxCatalogReader *self)
{
	g_return_val_if_fail (OX_IS_CATALOG_READER (self), NULL);
	return get_list (self, OX_OBJECT_SCHEMA, NULL, NULL);
}

GListModel *
ox_catalog_reader_get_objects (OxCatalogReader *self, OxObjectKind kind, const char *schema, const char *table)
{
	g_return_val_if_fail (OX_IS_CATALOG_READER (self), NULL);
	g_return_val_if_fail (kind > OX_OBJECT_SCHEMA && kind < OX_N_OBJECT_KINDS, NULL);
	g_return_val_if_fail (schema != NULL || kind == OX_OBJECT_ROLE, NULL);
	gboolean table_child = kind == OX_OBJECT_COLUMN || kind == OX_OBJECT_INDEX || kind == OX_OBJECT_CONSTRAINT;
	g_return_val_if_fail (!table_child || table != NULL, NULL);
	if (kind != OX_OBJECT_TRIGGER && !table_child)
		table = NULL;
	return get_list (self, kind, schema, table);
}

void
ox_catalog_reader_refresh (OxCatalogReader *self)
{
	g_return_if_fail (OX_IS_CATALOG_READER (self));
	GHashTableIter it;
	gpointer key, value;
	g_hash_table_iter_init (&it, self->lists);
	while (g_hash_table_iter_next (&it, &key, &value))
		read_list (self, key, value);
}

guint
ox_catalog_reader_get_pending (OxCatalogReader *self)
{
	g_return_val_if_fail (OX_IS_CATALOG_READER (self), 0);
	return self->pending;
}

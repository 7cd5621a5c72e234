/*
 * ox-catalog-reader.h — the catalog of a connection as GListModels of
 * OxCatalogObject: schemas; per schema its tables, views, functions,
 * procedures, sequences, triggers and schedules; per table its columns,
 * indexes, constraints and triggers.
 *
 * A model is created empty and filled asynchronously; it re-reads itself
 * when the connection emits "objects-changed" and changes by exact
 * items-changed splices, so a GtkTreeListModel on top keeps the expansion
 * of rows that did not change.
 *
 * NOTE: the catalog is read with plain SQL over information_schema and the
 * system.* views through ox_connection_query_async, so a remote connection
 * gets the same models by running the same queries on the server.
 */
#pragma once

#include "ox-connection.h"

G_BEGIN_DECLS

typedef enum {
	OX_OBJECT_SCHEMA,
	OX_OBJECT_TABLE,
	OX_OBJECT_VIEW,
	OX_OBJECT_FUNCTION,
	OX_OBJECT_PROCEDURE,
	OX_OBJECT_SEQUENCE,
	OX_OBJECT_TRIGGER,
	OX_OBJECT_SCHEDULE,
	OX_OBJECT_COLUMN,
	OX_OBJECT_INDEX,
	OX_OBJECT_CONSTRAINT,
	OX_OBJECT_ROLE,        /* of the database, not of a schema: schema is NULL */
	OX_N_OBJECT_KINDS
} OxObjectKind;

/* "Tables", "Views", ... for folder rows; "table", "view" ... singular. */
const char *ox_object_kind_plural (OxObjectKind kind);
const char *ox_object_kind_name (OxObjectKind kind);

#define OX_TYPE_CATALOG_OBJECT (ox_catalog_object_get_type ())
G_DECLARE_FINAL_TYPE (OxCatalogObject, ox_catalog_object, OX, CATALOG_OBJECT, GObject)

OxCatalogObject *ox_catalog_object_new (OxObjectKind kind, const char *schema, const char *table,
                                        const char *name, const char *detail);
OxObjectKind ox_catalog_object_get_kind   (OxCatalogObject *self);
const char  *ox_catalog_object_get_schema (OxCatalogObject *self);
/* The table a column, index, constraint or trigger belongs to, or NULL. */
const char  *ox_catalog_object_get_table  (OxCatalogObject *self);
const char  *ox_catalog_object_get_name   (OxCatalogObject *self);
/* A one-line description: a column's type, a routine's arguments and
 * result, an index's definition ...; may be NULL. */
const char  *ox_catalog_object_get_detail (OxCatalogObject *self);

#define OX_TYPE_CATALOG_READER (ox_catalog_reader_get_type ())
G_DECLARE_FINAL_TYPE (OxCatalogReader, ox_catalog_reader, OX, CATALOG_READER, GObject)

OxCatalogReader  *ox_catalog_reader_new (OxConnection *connection);
/* The schemas.  (transfer full) */
GListModel *ox_catalog_reader_get_schemas (OxCatalogReader *self);
/* Objects of kind in schema (table NULL), or belonging to table (kinds
 * COLUMN, INDEX, CONSTRAINT, TRIGGER); ROLE takes no schema.  The same model is returned for
 * the same arguments.  (transfer full) */
GListModel *ox_catalog_reader_get_objects (OxCatalogReader *self, OxObjectKind kind, const char *schema, const char *table);
/* Re-read every model handed out so far. */
void        ox_catalog_reader_refresh (OxCatalogReader *self);
/* Number of reads still running (0: every model is up to date). */
guint       ox_catalog_reader_get_pending (OxCatalogReader *self);

G_END_DECLS

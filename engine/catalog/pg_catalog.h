/*
 * pg_catalog.h — PostgreSQL's system catalogs (pg_class, pg_attribute, ...)
 * as views over our catalog, and the facts they share with the catalog
 * functions (exec/catalog-functions.c): type oids and names, synthetic oids.
 *
 * Oids are PostgreSQL's where PostgreSQL fixes them (types, pg_catalog = 11,
 * the bootstrap role = 10, btree = 403); user objects have the catalog's
 * own oids (from 16384 up, as in PostgreSQL).  Catalog rows that are no
 * objects of ours (a CHECK constraint, a column default) get a synthetic
 * oid above 2^32, which the oid columns (bigint here) can hold and no real
 * object has: OX_PG_SYNTH_OID (kind, k, table oid).
 */
#ifndef OX_PG_CATALOG_H
#define OX_PG_CATALOG_H

#include "catalog.h"
#include "system_views.h"

#define OX_PG_ROLE_OID            10    /* the bootstrap superuser (BOOTSTRAP_SUPERUSERID), owner of everything */
#define OX_PG_DATABASE_OWNER_OID  6171  /* pg_database_owner, owner of public */
#define OX_PG_CATALOG_NSP_OID     11
#define OX_PG_INFO_SCHEMA_NSP_OID 13000

enum { OX_PG_SYNTH_CHECK = 1, OX_PG_SYNTH_ATTRDEF = 2 };
#define OX_PG_SYNTH_OID(kind, k, rel) \
	(((int64_t) (kind) << 48) | ((int64_t) (k) << 32) | (int64_t) (rel))
#define OX_PG_SYNTH_KIND(oid) ((int) ((oid) >> 48))
#define OX_PG_SYNTH_K(oid)    ((int) (((oid) >> 32) & 0xffff))
#define OX_PG_SYNTH_REL(oid)  ((uint32_t) ((oid) & 0xffffffff))

/* PostgreSQL's oid of a type of ours, and back (0 / OX_T_UNKNOWN if none). */
int64_t     ox_pg_type_oid (OxTypeId t);
/* format_type (type oid, PostgreSQL typmod or -1): "character varying(100)" */
char       *ox_pg_format_type (OxArena *a, int64_t typoid, int32_t typmod);
/* PostgreSQL's atttypmod of one of our types (varchar(n): n + 4, ...) */
int32_t     ox_pg_typmod (OxType t);
/* A database's oid in pg_database (5 for "oxibase", a hash otherwise). */
int64_t     ox_pg_database_oid (const char *name);
/* A role name by oid (pg_get_userbyid), "unknown (OID=n)" otherwise. */
const char *ox_pg_role_name (OxArena *a, OxCatalog *c, OxTxn *t, int64_t oid);
/* Definitions as pg_get_constraintdef and pg_get_function_* print them;
 * NULL when the oid names nothing of that kind. */
char       *ox_pg_constraintdef (OxCatalog *c, OxArena *a, int64_t oid);
char       *ox_pg_function_arguments (OxArena *a, OxRoutine *r);
char       *ox_pg_function_result (OxArena *a, OxRoutine *r);

const OxSysView *ox_pg_catalog_lookup (const char *name);

#endif

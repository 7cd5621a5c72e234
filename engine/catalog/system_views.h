/*
 * system_views.h — the built-in information_schema and pg_catalog views.
 *
 * The binder asks ox_sysview_lookup for a relation name it did not find
 * among user objects (unqualified names reach pg_catalog's views, as
 * PostgreSQL's implicit pg_catalog search path does) and turns the rows
 * from ox_sysview_rows into a VALUES query.
 */
#ifndef OX_SYSTEM_VIEWS_H
#define OX_SYSTEM_VIEWS_H

#include "catalog.h"

struct OxSession;

typedef struct OxSysView {
	const char            *schema;   /* "information_schema" or "pg_catalog" */
	const char            *name;
	int                    ncols;
	const char *const     *colnames;
	const OxTypeId        *types;
	void (*fill) (OxCatalog *c, OxTxn *t, OxArena *a, GPtrArray *rows);
	/* instead of fill, for views that depend on who asks (pg_stat_activity,
	 * system.log): rows for session s; may raise (42501) */
	void (*fill_s) (struct OxSession *s, OxArena *a, GPtrArray *rows);
	/* rows change without DDL: a plan over the view is never reused */
	bool                   volatile_rows;
} OxSysView;

/* schema NULL: unqualified (pg_catalog views only). */
const OxSysView *ox_sysview_lookup (const char *schema, const char *name);
/* Rows (OxValue[ncols] in arena a) visible to t. */
GPtrArray       *ox_sysview_rows (const OxSysView *v, struct OxSession *s, OxCatalog *c, OxTxn *t, OxArena *a);
/* "CREATE UNIQUE INDEX name ON schema.table USING btree (a, b DESC)" */
char            *ox_index_definition (OxArena *a, OxIndex *ix);

#endif

/*
 * catalog.h — schemas, tables, views and indexes, versioned like rows.
 *
 * Every catalog object carries xmin/xmax stamps with the same meaning as
 * a row version's (mvcc.h): the creating transaction's id until it
 * commits, then its commit timestamp; xmax likewise for DROP.  So DDL is
 * transactional: a table created in an open transaction is invisible to
 * others, and vanishes on ROLLBACK; a DROP is undone by ROLLBACK.
 *
 * Objects are immutable once created, apart from their stamps and an
 * index list that only grows (CREATE INDEX adds; DROP INDEX stamps xmax).
 * ALTER will create a new version of the object (not yet needed).
 *
 * NOTE: lookups for reading use the transaction's snapshot; existence
 * checks for DDL ("relation already exists") use the newest committed
 * state instead, under the DDL lock, so that two transactions cannot both
 * create the same name.
 * NOTE: dropped objects stay allocated until the database closes: a
 * running statement may still be scanning a table another transaction
 * dropped.
 */
#ifndef OX_CATALOG_H
#define OX_CATALOG_H

#include <glib.h>

#include "base/value.h"
#include "sql/ast.h"
#include "storage/mvcc.h"
#include "storage/table.h"

typedef enum OxObjKind {
	OX_KIND_SCHEMA,
	OX_KIND_TABLE,
	OX_KIND_VIEW,
	OX_KIND_INDEX,
	OX_KIND_ROUTINE,   /* function or procedure (OxRoutine) */
	OX_KIND_TRIGGER,   /* OxTrigger */
	OX_KIND_SCHEDULE,  /* OxSchedule */
	OX_KIND_EVENT_TRIGGER, /* OxEventTrigger */
	OX_KIND_ROLE,      /* OxRole (auth/role.c) */
	OX_KIND_SEQUENCE,  /* OxSequence (sequence.c) */
} OxObjKind;

typedef struct OxSchema OxSchema;

typedef struct OxCatObject {
	OxObjKind kind;
	uint32_t  oid;
	char     *name;     /* g_malloc'd */
	OxSchema *schema;   /* containing schema; NULL for schemas */
	uint64_t  xmin;     /* creator: txn id or commit ts */
	uint64_t  xmax;     /* dropper: txn id or commit ts; 0 = not dropped */
	bool      aborted;  /* creation rolled back: never visible */
	OxArena  *arena;    /* owns the object's parsed expressions and strings */
} OxCatObject;

struct OxSchema {
	OxCatObject obj;
};

typedef struct OxColumn {
	char       *name;
	OxType      type;
	bool        notnull;
	const char *default_src;   /* DEFAULT expression source, or NULL */
	OxNode     *default_expr;  /* parsed DEFAULT (in obj.arena), or NULL */
} OxColumn;

typedef struct OxCheck {
	char       *name;  /* t_col_check / given name */
	const char *src;   /* expression source */
	OxNode     *expr;  /* parsed (in obj.arena) */
} OxCheck;

typedef struct OxIndex OxIndex;

typedef struct OxTable {
	OxCatObject  obj;
	int          ncols;
	OxColumn    *cols;       /* [ncols] in obj.arena */
	int          nchecks;
	OxCheck     *checks;
	OxTableData *data;       /* NULL for views */
	GPtrArray   *indexes;    /* OxIndex* (all versions; check visibility) */
	GPtrArray   *triggers;   /* OxTrigger* on it (live versions), NULL until the first */
	/* views */
	const char  *view_src;   /* SELECT text; NULL for tables */
	OxSelectStmt *view_query;/* parsed (obj.arena) */
	uint32_t    *deps;       /* views: oids of the tables and views it reads */
	int          ndeps;
} OxTable;

struct OxIndex {
	OxCatObject  obj;
	OxTable     *table;
	OxIndexData *data;
	int          nkeys;
	int         *colnos;
	bool        *desc;
	bool         unique;
	bool         primary;
	bool         is_constraint;  /* created by PRIMARY KEY / UNIQUE */
};

/* ---- routines ------------------------------------------------------------
 * A function or procedure.  Like every catalog object it is immutable:
 * CREATE OR REPLACE registers a new version and drops the old one, so a
 * language may cache what it compiled from a routine under the object's
 * address for as long as the object lives (the session's cache, pl.h). */

typedef enum OxRoutineKind { OX_ROUTINE_FUNCTION, OX_ROUTINE_PROCEDURE } OxRoutineKind;

typedef enum OxArgMode {
	OX_ARG_IN,
	OX_ARG_OUT,
	OX_ARG_INOUT,
	OX_ARG_TABLE,   /* a column of RETURNS TABLE (...) */
} OxArgMode;

typedef enum OxRetKind {
	OX_RET_VALUE,          /* RETURNS type (or SETOF type with retset) */
	OX_RET_VOID,           /* RETURNS void; every procedure without OUT arguments */
	OX_RET_RECORD,         /* OUT/INOUT/TABLE arguments describe the result row */
	OX_RET_TRIGGER,        /* RETURNS trigger */
	OX_RET_EVENT_TRIGGER,  /* RETURNS event_trigger */
} OxRetKind;

typedef struct OxRoutineArg {
	const char *name;         /* NULL when unnamed */
	OxType      type;
	OxArgMode   mode;
	const char *default_src;  /* DEFAULT expression source, or NULL */
	OxNode     *default_expr; /* parsed (obj.arena), or NULL */
} OxRoutineArg;

typedef struct OxRoutine {
	OxCatObject   obj;          /* kind OX_KIND_ROUTINE */
	OxRoutineKind rkind;
	int           nargs;        /* every declared argument, TABLE columns included */
	OxRoutineArg *args;
	int           nin;          /* IN and INOUT arguments: what a call passes */
	OxRetKind     retkind;
	OxType        rettype;      /* OX_RET_VALUE */
	bool          retset;       /* SETOF / TABLE */
	bool          rowtype_result; /* RETURNS [SETOF] tablename: the TABLE arguments
	                               describe the row and are not variables */
	uint32_t      rowtype_oid;  /* ... and that table's oid (DROP TABLE checks it) */
	/* The shape of one result row: OX_RET_VALUE gives one column named
	 * after the function; OX_RET_RECORD one per OUT/INOUT/TABLE argument. */
	int           nresult;
	const char  **result_names;
	OxType       *result_types;
	const char   *language;     /* "sql", "plsql" or "lua" (plpgsql is stored as plsql) */
	const char   *body;         /* the source between the dollar quotes */
	int           body_line;    /* 1-based line of body[0] in the defining text */
	int           body_col;     /* 1-based column of body[0] likewise */
	const char   *src_file;     /* script file that created it, or NULL */
	int           volatility;   /* OxVolatility (exec/functions.h) */
	bool          strict;
	const char   *owner;
	char         *signature;    /* "name(integer, text)" for messages (obj.arena) */
} OxRoutine;

/* A trigger on a table (or an INSTEAD OF trigger on a view).  The
 * function is found by name when the trigger fires, so CREATE OR REPLACE
 * FUNCTION changes what an existing trigger runs, as in PostgreSQL.
 * ALTER TABLE ... ENABLE/DISABLE TRIGGER registers a new version. */
typedef struct OxTrigger {
	OxCatObject  obj;          /* kind OX_KIND_TRIGGER; schema = the table's */
	OxTable     *table;
	int          timing;       /* OxTrigTiming (ast.h) */
	int          events;       /* OX_TRIG_* bits */
	bool         for_each_row;
	bool         enabled;
	int          nupdate_cols; /* UPDATE OF: table column numbers */
	int         *update_cols;
	const char  *when_src;     /* WHEN condition source, or NULL */
	OxNode      *when_expr;    /* parsed (obj.arena) */
	OxSchema    *func_schema;  /* NULL: search_path at firing time */
	const char  *func_name;
	int          nargs;        /* TG_ARGV */
	const char **args;
} OxTrigger;

/* A schedule: a cron expression and a statement (CALL or DO) the runner
 * executes in a session of its own.  ALTER SCHEDULE ... ENABLE/DISABLE
 * registers a new version with the same oid. */
typedef struct OxSchedule {
	OxCatObject  obj;        /* kind OX_KIND_SCHEDULE */
	const char  *cron;       /* canonical expression text */
	const char  *timezone;   /* zone name, or NULL for UTC */
	const char  *action;     /* "CALL p(1)" / "DO $$ ... $$" */
	const char  *language;   /* "sql" for CALL, the DO block's language */
	bool         enabled;
	const char  *owner;
} OxSchedule;

/* An event trigger: a function run around DDL commands. */
typedef struct OxEventTrigger {
	OxCatObject  obj;          /* kind OX_KIND_EVENT_TRIGGER; schema NULL (database-wide) */
	int          event;        /* 0 ddl_command_start, 1 ddl_command_end, 2 sql_drop */
	int          ntags;        /* WHEN TAG IN (...): command tags, upper case; 0 = all */
	const char **tags;
	OxSchema    *func_schema;  /* NULL: search_path when it fires */
	const char  *func_name;
	bool         enabled;
} OxEventTrigger;

/* A role (user or group), server-wide in PostgreSQL, here kept in the
 * catalog of the database that holds them (docs/server.md, "Roles").
 * ALTER ROLE registers a new version with the same oid. */
typedef struct OxRole {
	OxCatObject  obj;          /* kind OX_KIND_ROLE; schema NULL */
	bool         superuser;
	bool         inherit;
	bool         createrole;
	bool         createdb;
	bool         canlogin;
	bool         replication;
	bool         bypassrls;
	int          connlimit;    /* -1 = no limit */
	const char  *password;     /* SCRAM-SHA-256 verifier (obj.arena), or NULL */
	bool         has_valid_until;
	int64_t      valid_until;  /* timestamptz (microseconds since 2000-01-01 UTC) */
	bool         builtin;      /* the bootstrap superuser as created at open
	                              (not logged, not in checkpoints) */
} OxRole;

/* A sequence.  Its definition (the options) is immutable like every
 * catalog object's: ALTER SEQUENCE registers a new version with the same
 * oid.  Its value is not: nextval is not transactional, so every version
 * shares one OxSeqState (reference counted), changed under its mutex and
 * logged ahead (sequence.c). */
typedef struct OxSeqState {
	GMutex   lock;
	int64_t  last_value;   /* as pg_sequence_last_value / the sequence's last_value */
	bool     is_called;    /* false: the next nextval returns last_value itself */
	int      log_left;     /* values nextval may hand out before it logs again */
	uint64_t log_seqno;    /* bumped by every logged change: replay applies
	                          a value record only if it is newer than what it has */
} OxSeqState;

typedef struct OxSequence {
	OxCatObject  obj;          /* kind OX_KIND_SEQUENCE; in the relation namespace */
	OxTypeId     type;         /* INT2, INT4 or INT8 (AS ...) */
	int64_t      start, increment, min, max, cache;
	bool         cycle;
	uint32_t     owner_table;  /* OWNED BY: table oid (0 = none) ... */
	int          owner_col;    /* ... and its column number */
	char         identity;     /* owned by an identity column: 'a' ALWAYS, 'd' BY
	                              DEFAULT; 0 otherwise (serial, OWNED BY) */
	OxSeqState  *state;        /* shared by all versions (g_atomic_rc_box) */
} OxSequence;

#define OX_BOOTSTRAP_ROLE_OID 10  /* as PostgreSQL's BOOTSTRAP_SUPERUSERID */

typedef struct OxCatalog OxCatalog;

OxCatalog *ox_catalog_new (OxTxnMgr *mgr);
void       ox_catalog_free (OxCatalog *c);

/* Dropped by a committed transaction (whatever t's snapshot says)?  Used
 * after waiting for a relation lock, as PostgreSQL re-checks its catalog
 * then. */
bool ox_cat_dropped_latest (const OxCatObject *o, const OxTxn *t);

/* Visible to t?  (snapshot rules) */
bool ox_cat_visible (const OxCatObject *o, const OxTxn *t);

OxSchema *ox_catalog_schema (OxCatalog *c, OxTxn *t, const char *name);
/* A table or view by name in a schema (NULL if none visible). */
OxTable  *ox_catalog_relation (OxCatalog *c, OxTxn *t, OxSchema *s, const char *name);
OxIndex  *ox_catalog_index (OxCatalog *c, OxTxn *t, OxSchema *s, const char *name);
/* Any relation-namespace object (table, view, index) with that name,
 * visible under "newest committed or own" rules — for DDL checks. */
OxCatObject *ox_catalog_relname_taken (OxCatalog *c, OxTxn *t, OxSchema *s, const char *name);
OxSchema *ox_catalog_schema_latest (OxCatalog *c, OxTxn *t, const char *name);

/* Objects visible to t, in creation order (for \dt and system views).
 * kind < 0: all kinds.  Returns a new GPtrArray (free with g_ptr_array_unref). */
GPtrArray *ox_catalog_list (OxCatalog *c, OxTxn *t, int kind);
/* Routines named 'name' (in schema s, or any schema when s is NULL),
 * visible to t; 'latest' uses the DDL rules (newest committed or own). */
GPtrArray *ox_catalog_routines (OxCatalog *c, OxTxn *t, OxSchema *s, const char *name, bool latest);
/* A role by name or oid visible to t ('latest': DDL rules), or NULL. */
OxRole    *ox_catalog_role (OxCatalog *c, OxTxn *t, const char *name, bool latest);
OxRole    *ox_catalog_role_by_oid (OxCatalog *c, OxTxn *t, uint32_t oid, bool latest);
/* Schedules visible to t, any schema ('latest': DDL rules). */
GPtrArray *ox_catalog_schedules (OxCatalog *c, OxTxn *t, bool latest);
/* The database a catalog belongs to (for system views that show runtime
 * state); set once when the database opens. */
void       ox_catalog_set_owner (OxCatalog *c, void *db);
void      *ox_catalog_owner (OxCatalog *c);
/* Triggers of a table visible to t ('latest': DDL rules), sorted by name. */
GPtrArray *ox_catalog_table_triggers (OxCatalog *c, OxTxn *t, OxTable *tab, bool latest);
/* How many versions named 'name' the name index holds (tests: versions
 * nobody can see any more are pruned from it). */
guint ox_catalog_indexed_versions (OxCatalog *c, const char *name);
/* Fill a routine's derived fields (nin, result row shape, signature) from
 * its arguments and return kind; for CREATE and for replay alike. */
void ox_routine_finish (OxRoutine *r);
/* A sequence by name in a schema ('latest': DDL rules), or NULL. */
OxSequence *ox_catalog_sequence (OxCatalog *c, OxTxn *t, OxSchema *s, const char *name, bool latest);
/* The sequence owned by column col of table tab, visible to t, or NULL;
 * its 'identity' tells whether the column is an identity column. */
OxSequence *ox_catalog_column_sequence (OxCatalog *c, OxTxn *t, OxTable *tab, int col);
/* Visible indexes of a table. */
GPtrArray *ox_catalog_table_indexes (OxCatalog *c, OxTxn *t, OxTable *tab);

/* Creation: objects are built by the caller (arena from ox_catalog_arena_new),
 * then registered; registration stamps xmin with t and logs the undo. */
OxArena  *ox_catalog_arena_new (void);
OxSchema *ox_catalog_create_schema (OxCatalog *c, OxTxn *t, const char *name);
void      ox_catalog_register (OxCatalog *c, OxTxn *t, OxCatObject *o);
void      ox_catalog_drop (OxCatalog *c, OxTxn *t, OxCatObject *o);
uint32_t  ox_catalog_next_oid (OxCatalog *c);
/* Make sure later oids are above oid (recovery registers objects with
 * the oids they had). */
void      ox_catalog_bump_oid (OxCatalog *c, uint32_t oid);
/* Append the WAL/checkpoint operation describing object o (action 1:
 * created, 2: dropped); returns the number of operations written. */
uint32_t  ox_catalog_encode (void *o, int action, GByteArray *out);
/* The newest object with that oid (any visibility), or NULL. */
OxCatObject *ox_catalog_by_oid (OxCatalog *c, uint32_t oid);
/* Incremented by every committed or rolled-back DDL: plans cached across
 * statements are valid while it is unchanged. */
uint64_t  ox_catalog_version (OxCatalog *c);

#endif

/*
 * session.h — the engine-internal view of databases and sessions.
 *
 * The public handles of oxibase.h (OxDatabase, OxSession, OxStmt) are
 * defined here so that the binder and executor can read session settings
 * (search_path, TimeZone, isolation) without going through the API.
 *
 * NOTE: an OxSession belongs to one thread at a time; only 'cancel' is
 * written from other threads (atomically).
 */
#ifndef OX_SESSION_H
#define OX_SESSION_H

#include <glib.h>

#include "oxibase.h"
#include "debug.h"
#include "base/datetime.h"
#include "catalog/catalog.h"
#include "storage/mvcc.h"

struct OxDatabase {
	OxTxnMgr  *mgr;
	struct OxFile *lockf;   /* DIR/lock, held while open (directory databases) */
	struct OxWal  *wal;     /* NULL for :memory: */
	uint64_t   wal_segment_size;
	int        sync_mode;   /* OxSyncMode chosen at open */
	int64_t    recovery_us; /* time spent replaying the log at open */
	uint64_t   recovered_records;
	char      *wal_stop_reason; /* why replay stopped early (torn tail ...), or NULL */
	uint32_t   first_user_oid;  /* oids below belong to the built-in schemas */
	struct OxScheduleState *schedules; /* the schedule runner (sched/schedule.c) */
	struct OxLogRing *logs;     /* system.logs (trace/logs.c) */
	struct OxDbLog *dblog;      /* system.log (trace/dblog.c) */
	OxLogHook  log_hook;        /* the engine's own log lines go here too (NULL: ring only) */
	void      *log_user;
	GPtrArray *live_sessions;   /* OxSession*, guarded by lock: pg_stat_activity (trace/activity.c) */
	OxActivityHooks act_hooks;  /* zeroed: list live_sessions */
	void      *act_user;
	void     (*metrics_hook) (void *user, OxMetricAdd add, void *list);
	void      *metrics_user;
	uint32_t   next_session_id;
	/* checkpoints (checkpoint.c) */
	GMutex     ckpt_lock;       /* one checkpoint at a time */
	GMutex     ckpt_thread_lock;
	GCond      ckpt_cond;
	GThread   *ckpt_thread;     /* background checkpointer, NULL for :memory: */
	bool       ckpt_stop;
	uint64_t   ckpt_wal_size;   /* checkpoint after this many log bytes */
	int64_t    ckpt_interval_us;/* ... or this long since the last one */
	uint64_t   ckpt_count;
	uint64_t   ckpt_last_lsn;   /* redo LSN of the newest image */
	int64_t    ckpt_last_time;  /* monotonic time it finished */
	int64_t    ckpt_last_us;    /* how long it took */
	int64_t    ckpt_total_us;   /* how long all of them took (ox_db_stats) */
	uint64_t   wal_open_lsn;    /* end of the log at open: ox_db_stats counts bytes from here */
	uint64_t   n_statements;    /* statements started by ox_step (atomic; ox_db_stats) */
	uint64_t   n_errors;        /* ox_prepare / ox_step calls that failed (atomic) */
	uint64_t   n_commits;       /* session transactions committed (atomic) */
	uint64_t   n_rollbacks;     /* ... and rolled back */
	char      *ckpt_last_path;
	uint64_t   ckpt_loaded_ts;  /* snapshot of the image loaded at open (0: none) */
	OxCatalog *catalog;
	char      *path;        /* ":memory:" or the directory given */
	GMutex     lock;        /* guards nsessions */
	int        nsessions;
	OxSchema  *public_schema;
	/* clusters (ox_db_set_cluster) */
	char      *name;        /* "oxibase" unless set */
	struct OxDatabase *roles_db; /* where roles live; NULL: here */
	OxClusterHooks cluster; /* zeroed: no CREATE/DROP DATABASE */
	void      *cluster_user;
};

typedef struct OxSavepoint {
	char  *name;
	guint  undo_mark;       /* txn undo length when the savepoint was set */
} OxSavepoint;

typedef struct OxSession {
	OxDatabase  *db;
	OxTxn       *txn;          /* current transaction or NULL */
	bool         in_block;     /* inside BEGIN ... COMMIT */
	bool         failed;       /* block aborted by an error: only ROLLBACK works */
	GPtrArray   *savepoints;   /* OxSavepoint*, innermost last */
	char       **search_path;  /* schema names, NULL-terminated (g_strfreev) */
	char        *search_path_text;
	OxTimeZone  *tz;
	OxIsolation  default_iso;  /* default_transaction_isolation */
	OxIsolation  next_iso;     /* SET TRANSACTION before the first statement */
	GHashTable  *settings;     /* other GUCs: name -> value text */
	volatile int cancel;
	/* roles (auth/role.c), by oid so that renames show */
	uint32_t     session_role;  /* session_user */
	uint32_t     current_role;  /* SET ROLE; 0 = the session user */
	uint32_t     auth_role;     /* who authenticated (SET SESSION AUTHORIZATION DEFAULT) */
	bool         auth_superuser;/* ... and was a superuser then */
	OxNoticeFunc notice_fn;
	void        *notice_user;
	int64_t      stmt_start;   /* statement_timestamp */
	int64_t      stmt_deadline; /* monotonic time statement_timeout ends the
	                               running statement, 0 = none */
	uint32_t     id;            /* session number within the database (system.logs) */
	int          sync_mode;    /* synchronous_commit (OxSyncMode), -1 = database default */
	uint64_t     settings_gen; /* bumped by SET/RESET: cached plans depend on
	                              search_path and TimeZone */
	uint64_t     timeout_gen;   /* settings_gen + 1 when timeout_ms was read */
	int64_t      timeout_ms;    /* statement_timeout in ms, 0 = none */
	/* routines (pl/routine.c) */
	GHashTable  *routine_cache; /* OxRoutine* -> compiled form (per session) */
	int          call_depth;    /* routines running on this session now */
	struct OxPlCall *nonatomic_call; /* the CALL/DO that may COMMIT, or NULL */
	GPtrArray   *spi_cursors;   /* OxSpiCursor* open now (pl/spi.c): a COMMIT or
	                               ROLLBACK reads each to its end first */
	GHashTable  *spi_strings;   /* ox_spi_setting's answers, kept for the caller */
	int          trigger_depth; /* triggers firing on this session now */
	bool         schedules_touched; /* this transaction ran schedule DDL: resync at its end */
	bool         in_event_trigger;  /* an event trigger's function is running */
	GPtrArray   *event_rows;        /* what the running event trigger may list */
	OxArena     *event_arena;
	int          event_rows_kind;   /* 1 ddl_commands, 2 dropped_objects */
	GPtrArray   *open_stmts;        /* OxStmt* whose plans are open (set_opened): their
	                                   locks are the relations in use */
	/* debugger hooks (debug.c) */
	bool         debug_active;
	bool         debug_queries;     /* ox_session_set_debug_queries */
	int          debug_epoch;       /* ox_session_debug_changed (atomic) */
	int          debug_interrupt;   /* ox_session_debug_interrupt (atomic) */
	OxDebugHooks debug_hooks;
	struct OxFrame *top_frame;
	char        *script_path;       /* ox_session_set_script_source */
	int          script_first_line;
	int          stmt_line0;        /* lines before the running top-level statement
	                                   in its script (routines created by it remember
	                                   where their body is) */
	OxCopyIO     copy_io;       /* COPY's data channel (all NULL: none) */
	GHashTable  *trigger_when;  /* OxTrigger* -> OxSpiExpr* (WHEN conditions) */
	/* sequences (exec/sequences.c) */
	GHashTable  *seq_values;    /* oid -> int64_t*: currval; NULL until the first nextval */
	uint32_t     lastval_oid;   /* the sequence lastval reads (0: none yet) */
	GPtrArray   *trigger_hooks; /* their hook data */
	/* pg_stat_activity (trace/activity.c): written by the session's
	 * thread, read by any session's, both under act_lock */
	GMutex       act_lock;
	int          act_state;     /* OxActState */
	char        *act_query;     /* running or last top-level statement (g_malloc), NULL before one */
	int64_t      act_backend_start; /* timestamptz (µs since 2000); 0 = NULL */
	int64_t      act_xact_start;
	int64_t      act_query_start;
	int64_t      act_state_change;
	const char  *act_wait_type;  /* static strings ("Timeout", "PgSleep"); NULL: not waiting */
	const char  *act_wait_event;
	int32_t      backend_pid;   /* ox_session_set_backend_pid; 0 = id */
	int          terminated;    /* pg_terminate_backend reached it (atomic): every
	                               statement from now on fails with 57P01 */
} OxSession;

/* checkpoint.c */
int   ox_db_checkpoint (OxDatabase *db, OxError *err);
void  ox_checkpointer_start (OxDatabase *db);
void  ox_checkpointer_stop (OxDatabase *db);
/* The newest complete image in DIR/checkpoint (g_malloc'd path), or NULL;
 * *problem is set when the newest one is damaged. */
char *ox_checkpoint_newest (const char *dir, uint64_t *snapshot, uint64_t *redo_lsn, uint32_t *next_oid,
                            char **problem);

/* recovery.c: lock, version file, WAL replay, attach the WAL. */
int ox_db_recover (OxDatabase *db, const char *dir, OxError *err);
/* Parse an expression's source text (DEFAULT, CHECK) into arena a. */
OxNode *ox_parse_expr_src (OxArena *a, const char *src);

/* Raise a NOTICE through the session's notice callback. */
void ox_session_notice (OxSession *s, const char *sqlstate, const char *fmt, ...)
	__attribute__ ((format (printf, 3, 4)));

/* Resolve a schema name, or the first schema of search_path that exists
 * when name is NULL (creation target).  Raises 3F000 when missing. */
OxSchema *ox_session_schema (OxSession *s, const char *name, int loc);
/* Find a relation by optional schema + name (search_path when unqualified). */
OxTable  *ox_session_relation (OxSession *s, const char *schema, const char *name);

/* Is a relation read or written by a statement of this session that is
 * still running (one that called the routine or fired the trigger now
 * running)? */
bool    ox_session_relation_in_use (OxSession *s, uint32_t oid);
struct OxExec;
/* Views that read object o: 2BP01 naming them, or (cascade) dropped. */
void    ox_session_drop_dependent_views (OxSession *s, struct OxExec *x, OxCatObject *o, bool cascade, int loc);
/* Raise 57014 when statement_timeout has passed (called where work loops). */
void    ox_session_check_timeout (OxSession *s);

/* session.c: nested statements, for the SPI (pl/spi.c).  They run in the
 * session's current transaction and raise on error (with OX_TRY around,
 * callers must ox_stmt_nested_close after an error). */
struct OxSpiParamHook;
OxStmt        *ox_stmt_nested_new (OxSession *s, const char *sql, size_t len, const struct OxSpiParamHook *hook,
                                   int nptypes, const OxType *ptypes);
void           ox_stmt_nested_start (OxStmt *st, const OxValue *params, int nparams);
const OxValue *ox_stmt_nested_next (OxStmt *st);
int64_t        ox_stmt_nested_close (OxStmt *st);
int            ox_stmt_nparams (OxStmt *st);
OxType         ox_stmt_param_type (OxStmt *st, int i);
OxType         ox_stmt_coltype (OxStmt *st, int i);
bool           ox_stmt_is_running (OxStmt *st);
const char    *ox_stmt_verb (OxStmt *st);
/* End the session's transaction (commit or roll back) and begin a new one
 * with the session defaults: COMMIT / ROLLBACK inside procedures. */
void           ox_session_restart_txn (OxSession *s, bool commit);

#endif

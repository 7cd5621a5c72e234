/*
 * session.c — the public API (oxibase.h): databases, sessions, statements,
 * transaction control, settings, DDL and EXPLAIN.
 *
 * A statement's life: ox_prepare parses it (and binds it once, so column
 * names and types can be described before it runs); each run of ox_step
 * begins an implicit transaction when none is open (autocommit), binds and
 * plans afresh against the current catalog, pulls rows, and commits the
 * implicit transaction when the statement is done.
 *
 * NOTE: every entry point installs an OX_TRY handler; errors raised inside
 * the engine never escape as longjmps into the caller.
 * NOTE: an error inside a transaction block marks the block failed (25P02
 * for everything but ROLLBACK, COMMIT and ROLLBACK TO SAVEPOINT), as in
 * PostgreSQL; in autocommit the implicit transaction is rolled back.
 * NOTE: positions in errors are converted here from the engine's 1-based
 * byte offsets into 1-based character offsets of the caller's text.
 */
#include "session.h"
#include "base/error.h"
#include "base/cast.h"
#include "base/numeric.h"
#include "sql/ast.h"
#include "plan/plan.h"
#include "exec/exec.h"
#include "exec/copy.h"
#include "storage/file.h"
#include "storage/wal.h"
#include "pl/routine.h"
#include "pl/trigger.h"
#include "sched/schedule.h"
#include "exec/sequences.h"
#include "pl/event-trigger.h"
#include "alter.h"
#include "auth/role.h"
#include "trace/logs.h"
#include "trace/dblog.h"
#include "trace/activity.h"
#include "trace/observe.h"
#include "debug-internal.h"
#include "format-table.h"

#include <string.h>
#include <stdio.h>

/* From binder.c */
OxType ox_resolve_typename (OxExec *x, OxArena *a, OxTypeName *tn);

typedef enum StmtKind { SK_QUERY, SK_EXPLAIN, SK_UTILITY } StmtKind;

struct OxStmt {
	OxSession  *s;
	char       *sql;          /* this statement's text (g_malloc'd, NUL-terminated) */
	size_t      sql_len;
	int         script_chars; /* characters before this statement in the caller's text */
	OxArena    *parse_arena;
	OxNode     *ast;
	StmtKind    kind;
	/* parameters */
	int         nparams;
	OxType     *ptypes;       /* [OX_MAX_PARAMS_STMT] */
	OxValue    *pvals;        /* bound values (copies in param_arena) */
	OxArena    *param_arena;
	size_t      param_used;   /* bytes bound into param_arena since it was made */
	size_t      param_limit;  /* compact param_arena past this (0: the default) */
	/* description */
	int         ncols;
	char      **colnames;
	OxType     *coltypes;
	char      **coltypenames;
	bool        described;
	bool        returns_rows;
	/* execution */
	OxArena    *exec_arena;
	OxExec      x;
	OxOp       *plan;
	bool        running;
	bool        opened;
	bool        plan_cached;  /* plan and exec_arena kept for the next run */
	uint64_t    cache_catgen; /* catalog generation the plan was built in */
	uint64_t    cache_setgen; /* session settings generation likewise */
	bool        implicit;     /* this run began the transaction */
	OxValue    *row;          /* current row */
	OxArena    *row_arena;    /* text of the current row */
	const char **row_text;
	bool        *row_text_done;
	GPtrArray  *util_rows;    /* SHOW / EXPLAIN output (char*) */
	guint       util_i;
	char       *tag;
	/* A DML run leaves only its verb here ("INSERT 0", "UPDATE", ...) and
	 * the count in changes; ox_command_tag formats the text when someone
	 * asks.  Formatting it for every single-row statement cost 2-3% of a
	 * bulk load of prepared INSERTs, and most callers never read it. */
	const char *tag_verb;
	int64_t     changes;
	/* batches */
	GPtrArray  *batch;        /* BatchRow* of the last fetch_batch */
	int         batch_cols;
	bool        batch_done;   /* the last batch ended the statement: the next
	                             ox_fetch_batch returns OX_DONE */
	/* nested statements (a routine's, run through the SPI) */
	bool        nested;
	OxSpiParamHook hook;
	bool        has_hook;
	bool        cid_saved;    /* the outer command's id and snapshot, given back
	                             when this run ends */
	uint32_t    saved_cid;
	uint64_t    saved_snapshot;
	OxValue    *util_vals;    /* SHOW output as values, for nested runs */
	OxValue    *call_row;     /* CALL: the OUT/INOUT values, returned once */
};

#define OX_MAX_PARAMS_STMT 65535

/* A statement's plan is open (or closed): while it is, the relations it
 * reads and writes are in use by this session, and DROP or TRUNCATE of one
 * of them by a routine or trigger it runs is refused (55006), as in
 * PostgreSQL. */
static void
set_opened (OxStmt *st, bool on)
{
	if (st->opened == on)
		return;
	st->opened = on;
	/* The session's open statements, whose lock lists say which relations
	 * are in use: a list of a few entries, against a hash table of oids
	 * updated at every open and close (5-8% of a point select). */
	OxSession *s = st->s;
	if (on) {
		if (!s->open_stmts)
			s->open_stmts = g_ptr_array_new ();
		g_ptr_array_add (s->open_stmts, st);
	} else if (s->open_stmts)
		g_ptr_array_remove_fast (s->open_stmts, st);
}

bool
ox_session_relation_in_use (OxSession *s, uint32_t oid)
{
	if (!s->open_stmts)
		return false;
	for (guint i = 0; i < s->open_stmts->len; i++) {
		OxStmt *st = s->open_stmts->pdata[i];
		GArray *locks = st->x.locks;
		for (guint k = 0; locks && k < locks->len; k++)
			if (g_array_index (locks, OxLockTaken, k).oid == oid)
				return true;
	}
	return false;
}

/* ---- errors -------------------------------------------------------------------------------- */

void
ox_error_clear (OxError *err)
{
	if (!err)
		return;
	g_clear_pointer (&err->message, g_free);
	g_clear_pointer (&err->detail, g_free);
	g_clear_pointer (&err->hint, g_free);
	g_clear_pointer (&err->context, g_free);
	err->sqlstate[0] = '\0';
	err->position = 0;
}

void
ox_free (void *p)
{
	g_free (p);
}

const char *
ox_version (void)
{
	return "0.1.0";
}

/* Convert a 1-based byte offset into text to a 1-based character offset. */
static int
char_position (const char *text, size_t len, int bytepos)
{
	if (bytepos <= 0)
		return 0;
	size_t lim = (size_t) bytepos - 1;
	if (lim > len)
		lim = len;
	int chars = 0;
	for (size_t i = 0; i < lim; i++)
		if (((unsigned char) text[i] & 0xC0) != 0x80)
			chars++;
	return chars + 1;
}

/* Move the thread's current error into err (adjusting the position). */
static void
take_error (OxError *err, const char *text, size_t len, int script_chars)
{
	OxErrorData e;
	ox_error_take (&e);
	if (!err) {
		ox_error_data_clear (&e);
		return;
	}
	ox_error_clear (err);
	g_strlcpy (err->sqlstate, e.sqlstate[0] ? e.sqlstate : "XX000", sizeof err->sqlstate);
	err->message = e.message ? e.message : g_strdup ("unknown error");
	err->detail = e.detail;
	err->hint = e.hint;
	err->context = e.context;
	err->position = e.position > 0 && text ? char_position (text, len, e.position) + script_chars : 0;
}

static void
set_error (OxError *err, const char *state, const char *msg)
{
	if (!err)
		return;
	ox_error_clear (err);
	g_strlcpy (err->sqlstate, state, sizeof err->sqlstate);
	err->message = g_strdup (msg);
}

/* ---- databases ------------------------------------------------------------------------------ */

static int
parse_sync_mode (const char *v)
{
	if (!v || !g_ascii_strcasecmp (v, "full") || !g_ascii_strcasecmp (v, "on") || !g_ascii_strcasecmp (v, "local") ||
	    !g_ascii_strcasecmp (v, "remote_write") || !g_ascii_strcasecmp (v, "remote_apply") ||
	    !g_ascii_strcasecmp (v, "true") || !g_ascii_strcasecmp (v, "1"))
		return OX_SYNC_FULL;
	if (!g_ascii_strcasecmp (v, "normal"))
		return OX_SYNC_NORMAL;
	if (!g_ascii_strcasecmp (v, "off") || !g_ascii_strcasecmp (v, "false") || !g_ascii_strcasecmp (v, "0"))
		return OX_SYNC_OFF;
	return -1;
}

static const char *
sync_mode_name (int m)
{
	return m == OX_SYNC_OFF ? "off" : m == OX_SYNC_NORMAL ? "normal" : "full";
}

int
ox_db_open (const char *path, OxDatabase **out, OxError *err)
{
	return ox_db_open_with (path, NULL, out, err);
}

int
ox_db_open_with (const char *path, const OxDbOptions *opts, OxDatabase **out, OxError *err)
{
	*out = NULL;
	if (!path) {
		set_error (err, "58P01", "no database path given");
		return OX_ERROR;
	}
	int mode = parse_sync_mode (opts ? opts->synchronous_commit : NULL);
	if (mode < 0) {
		char *m = g_strdup_printf ("invalid value for synchronous_commit: \"%s\"", opts->synchronous_commit);
		set_error (err, OX_ERR_INVALID_PARAMETER, m);
		g_free (m);
		return OX_ERROR;
	}
	bool durable = strcmp (path, ":memory:") != 0;
	if (durable && g_mkdir_with_parents (path, 0700) != 0) {
		char *m = g_strdup_printf ("could not create directory \"%s\": %s", path, g_strerror (errno));
		set_error (err, "58P01", m);
		g_free (m);
		return OX_ERROR;
	}
	OxDatabase *db = g_new0 (OxDatabase, 1);
	db->path = g_strdup (path);
	db->sync_mode = mode;
	db->wal_segment_size = opts && opts->wal_segment_size ? opts->wal_segment_size : 16u << 20;
	db->ckpt_wal_size = opts && opts->checkpoint_wal_size ? opts->checkpoint_wal_size : 64u << 20;
	db->ckpt_interval_us = (int64_t) (opts && opts->checkpoint_interval ? opts->checkpoint_interval : 300) *
	                       G_TIME_SPAN_SECOND;
	g_mutex_init (&db->lock);
	g_mutex_init (&db->ckpt_lock);
	db->dblog = ox_dblog_new (10000);  /* first: recovery logs into it */
	db->mgr = ox_txn_mgr_new ();
	db->catalog = ox_catalog_new (db->mgr);
	OxTxn *t = ox_txn_begin (db->mgr, OX_ISO_READ_COMMITTED);
	OX_TRY {
		/* The built-in schemas come first, with the same oids every time,
		 * so that logged objects can refer to them. */
		db->public_schema = ox_catalog_create_schema (db->catalog, t, "public");
		ox_catalog_create_schema (db->catalog, t, "pg_catalog");
		ox_catalog_create_schema (db->catalog, t, "information_schema");
		ox_role_bootstrap (db->catalog, t);
		ox_txn_commit (t);
	} OX_CATCH {
		take_error (err, NULL, 0, 0);
		ox_txn_abort (t);
		ox_txn_free (t);
		ox_catalog_free (db->catalog);
		ox_txn_mgr_free (db->mgr);
		ox_dblog_free (db->dblog);
		g_free (db->path);
		g_free (db);
		return OX_ERROR;
	} OX_END_TRY;
	ox_txn_free (t);
	db->first_user_oid = ox_catalog_next_oid (db->catalog);
	if (durable) {
		if (ox_db_recover (db, path, err) != OX_OK) {
			ox_catalog_free (db->catalog);
			ox_txn_mgr_free (db->mgr);
			ox_dblog_free (db->dblog);
			g_free (db->path);
			g_free (db);
			return OX_ERROR;
		}
		ox_txn_mgr_set_sync (db->mgr, mode);
		ox_checkpointer_start (db);
		ox_db_event (db, "LOG", NULL, NULL, "database system was recovered: %" G_GUINT64_FORMAT
		             " WAL record(s) replayed in %.3f ms%s", db->recovered_records, db->recovery_us / 1000.0,
		             db->ckpt_loaded_ts ? ", starting from a checkpoint" : "");
		if (db->wal_stop_reason)
			ox_db_event (db, "WARNING", NULL, NULL, "WAL replay stopped early: %s; later bytes were never "
			             "acknowledged and were discarded", db->wal_stop_reason);
	}
	ox_catalog_set_owner (db->catalog, db);
	db->logs = ox_log_ring_new (100000);
	db->schedules = ox_schedules_new (db);
	ox_schedules_sync (db->schedules);
	*out = db;
	return OX_OK;
}

void
ox_db_set_cluster (OxDatabase *db, const char *name, OxDatabase *roles_db, const OxClusterHooks *hooks, void *user)
{
	g_free (db->name);
	db->name = g_strdup (name ? name : "oxibase");
	db->roles_db = roles_db == db ? NULL : roles_db;
	if (hooks)
		db->cluster = *hooks;
	else
		memset (&db->cluster, 0, sizeof db->cluster);
	db->cluster_user = user;
}

/* CREATE DATABASE / DROP DATABASE: not transactional, so never inside a
 * block; the server (ox_db_set_cluster) does the work. */
static void
exec_database_ddl (OxSession *s, OxNode *ast)
{
	bool create = ast->tag == OX_N_CREATE_DATABASE;
	OxDropStmt *ds = create ? NULL : (OxDropStmt *) ast;
	const char *name = create ? ((OxCreateDatabaseStmt *) ast)->name
	                          : ((OxRangeVar *) ds->names->items[0])->name;
	const char *verb = create ? "CREATE DATABASE" : "DROP DATABASE";
	if (s->in_block)
		ox_raise (OX_ERR_ACTIVE_TXN, 0, "%s cannot run inside a transaction block", verb);
	if (!(create ? s->db->cluster.create_database : s->db->cluster.drop_database))
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0,
		          "%s needs oxibase-server: an embedded database holds one database", verb);
	if (create && !ox_session_may_create_database (s))
		ox_raise ("42501", 0, "permission denied to create database");
	if (!create && !ox_session_is_superuser (s))
		ox_raise ("42501", 0, "must be owner of database %s", name);
	if (!create && !strcmp (name, s->db->name ? s->db->name : "oxibase"))
		ox_raise (OX_ERR_OBJECT_IN_USE, 0, "cannot drop the currently open database");
	OxError e = { 0 };
	int rc = create ? s->db->cluster.create_database (s->db->cluster_user, name, &e)
	                : s->db->cluster.drop_database (s->db->cluster_user, name, &e);
	if (rc == OX_OK)
		return;
	if (!create && ds->if_exists && !strcmp (e.sqlstate, "3D000")) {
		ox_error_clear (&e);
		ox_session_notice (s, "00000", "database \"%s\" does not exist, skipping", name);
		return;
	}
	OxErrorData ed = { 0 };
	g_strlcpy (ed.sqlstate, e.sqlstate[0] ? e.sqlstate : "XX000", sizeof ed.sqlstate);
	ed.message = e.message ? e.message : g_strdup ("database operation failed");
	ed.detail = e.detail;
	e.message = e.detail = NULL;
	ox_error_clear (&e);
	ox_error_rethrow (&ed);
}

char *
ox_db_status (OxDatabase *db)
{
	if (!db->wal)
		return NULL;
	GString *g = g_string_new (NULL);
	g_string_append_printf (g, "recovery: replayed %" G_GUINT64_FORMAT " WAL records in %.3f ms\n",
	                        db->recovered_records, db->recovery_us / 1000.0);
	if (db->wal_stop_reason)
		g_string_append_printf (g, "recovery: WAL replay stopped early: %s; later bytes were never acknowledged and were discarded\n",
		                        db->wal_stop_reason);
	g_string_append_printf (g, "synchronous_commit: %s\n", sync_mode_name (db->sync_mode));
	if (db->ckpt_loaded_ts)
		g_string_append_printf (g, "recovery: started from the checkpoint at commit %" G_GUINT64_FORMAT "\n",
		                        db->ckpt_loaded_ts);
	g_mutex_lock (&db->ckpt_lock);
	if (db->ckpt_count)
		g_string_append_printf (g, "checkpoints: %" G_GUINT64_FORMAT " written, the last in %.3f ms (%s)\n",
		                        db->ckpt_count, db->ckpt_last_us / 1000.0, db->ckpt_last_path);
	g_mutex_unlock (&db->ckpt_lock);
	return g_string_free (g, FALSE);
}

void
ox_db_stats (OxDatabase *db, OxDbStats *out)
{
	memset (out, 0, sizeof *out);
	out->statements = __atomic_load_n (&db->n_statements, __ATOMIC_RELAXED);
	out->errors = __atomic_load_n (&db->n_errors, __ATOMIC_RELAXED);
	out->commits = __atomic_load_n (&db->n_commits, __ATOMIC_RELAXED);
	out->rollbacks = __atomic_load_n (&db->n_rollbacks, __ATOMIC_RELAXED);
	if (db->wal) {
		uint64_t end = ox_wal_end_lsn (db->wal);
		out->wal_bytes = end > db->wal_open_lsn ? end - db->wal_open_lsn : 0;
	}
	g_mutex_lock (&db->ckpt_lock);
	out->checkpoints = db->ckpt_count;
	out->checkpoint_seconds = db->ckpt_total_us / 1e6;
	g_mutex_unlock (&db->ckpt_lock);
	g_mutex_lock (&db->lock);
	out->sessions = db->nsessions;
	g_mutex_unlock (&db->lock);
}

void
ox_db_close (OxDatabase *db)
{
	if (!db)
		return;
	/* the runner first: its runs open sessions of their own */
	g_clear_pointer (&db->schedules, ox_schedules_free);
	if (db->nsessions > 0)
		g_warning ("ox_db_close: %d sessions still open", db->nsessions);
	ox_checkpointer_stop (db);
	if (db->wal && !ox_wal_broken (db->wal, NULL) && ox_wal_end_lsn (db->wal) != db->ckpt_last_lsn) {
		/* a shutdown checkpoint: the next open starts from it instead of
		 * replaying the log (best effort: the log is complete anyway) */
		OxError e = { 0 };
		if (ox_db_checkpoint (db, &e) != OX_OK)
			g_warning ("checkpoint at close failed: %s", e.message);
		ox_error_clear (&e);
	}
	g_mutex_clear (&db->ckpt_lock);
	g_free (db->ckpt_last_path);
	if (db->wal) {
		ox_txn_mgr_set_wal (db->mgr, NULL, OX_SYNC_OFF);
		ox_wal_close (db->wal);
	}
	if (db->lockf)
		ox_file_close (db->lockf);
	g_free (db->wal_stop_reason);
	g_free (db->name);
	ox_log_ring_free (db->logs);
	ox_dblog_free (db->dblog);
	g_clear_pointer (&db->live_sessions, g_ptr_array_unref);
	ox_catalog_free (db->catalog);
	ox_txn_mgr_free (db->mgr);
	g_mutex_clear (&db->lock);
	g_free (db->path);
	g_free (db);
}

/* ---- sessions ------------------------------------------------------------------------------- */

static void
set_search_path (OxSession *s, const char *text)
{
	g_strfreev (s->search_path);
	g_free (s->search_path_text);
	s->search_path_text = g_strdup (text);
	char **parts = g_strsplit (text, ",", -1);
	GPtrArray *names = g_ptr_array_new ();
	for (char **p = parts; *p; p++) {
		char *n = g_strstrip (*p);
		size_t l = strlen (n);
		if (l >= 2 && n[0] == '"' && n[l - 1] == '"') {
			n[l - 1] = '\0';
			n++;
		} else {
			char *low = g_ascii_strdown (n, -1);
			strcpy (n, low);
			g_free (low);
		}
		if (*n)
			g_ptr_array_add (names, g_strdup (n));
	}
	g_ptr_array_add (names, NULL);
	s->search_path = (char **) g_ptr_array_free (names, FALSE);
	g_strfreev (parts);
}

int
ox_session_new (OxDatabase *db, OxSession **out, OxError *err)
{
	OxSession *s = g_new0 (OxSession, 1);
	s->db = db;
	s->savepoints = g_ptr_array_new ();
	s->tz = ox_timezone_new ("UTC");
	s->default_iso = OX_ISO_READ_COMMITTED;
	s->sync_mode = -1;
	s->session_role = s->auth_role = OX_BOOTSTRAP_ROLE_OID;
	s->auth_superuser = true;
	s->settings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	set_search_path (s, "\"$user\", public");
	g_mutex_lock (&db->lock);
	db->nsessions++;
	s->id = ++db->next_session_id;
	g_mutex_unlock (&db->lock);
	ox_activity_register (s);
	*out = s;
	return OX_OK;
}

static void
savepoints_clear (OxSession *s)
{
	for (guint i = 0; i < s->savepoints->len; i++) {
		OxSavepoint *sp = s->savepoints->pdata[i];
		g_free (sp->name);
		g_free (sp);
	}
	g_ptr_array_set_size (s->savepoints, 0);
}

static void
end_txn (OxSession *s, bool commit)
{
	if (!s->txn)
		return;
	/* ox_db_stats counts the transactions of sessions only (not the
	 * temporary ones of describe or the schedule runner's reads); a
	 * commit that raises is counted when it is rolled back */
	if (commit) {
		ox_txn_commit (s->txn);
		__atomic_add_fetch (&s->db->n_commits, 1, __ATOMIC_RELAXED);
	} else {
		ox_txn_abort (s->txn);
		__atomic_add_fetch (&s->db->n_rollbacks, 1, __ATOMIC_RELAXED);
	}
	ox_txn_free (s->txn);
	s->txn = NULL;
	s->in_block = false;
	s->failed = false;
	s->next_iso = OX_ISO_DEFAULT;
	savepoints_clear (s);
	if (s->schedules_touched) {
		s->schedules_touched = false;
		ox_schedules_sync (s->db->schedules);
	}
}

void
ox_session_free (OxSession *s)
{
	if (!s)
		return;
	ox_routine_cache_clear (s);
	ox_sequences_session_free (s);
	g_clear_pointer (&s->spi_strings, g_hash_table_unref);
	g_clear_pointer (&s->event_rows, g_ptr_array_unref);
	g_clear_pointer (&s->event_arena, ox_arena_free);
	g_clear_pointer (&s->open_stmts, g_ptr_array_unref);
	g_clear_pointer (&s->spi_cursors, g_ptr_array_unref);
	g_free (s->script_path);
	if (s->txn) {
		__atomic_add_fetch (&s->db->n_rollbacks, 1, __ATOMIC_RELAXED);
		ox_txn_abort (s->txn);
		ox_txn_free (s->txn);
		s->txn = NULL;
	}
	savepoints_clear (s);
	g_ptr_array_unref (s->savepoints);
	g_strfreev (s->search_path);
	g_free (s->search_path_text);
	ox_timezone_free (s->tz);
	g_hash_table_unref (s->settings);
	ox_activity_unregister (s);
	g_mutex_lock (&s->db->lock);
	s->db->nsessions--;
	g_mutex_unlock (&s->db->lock);
	g_free (s);
}

char
ox_session_txn_status (OxSession *s)
{
	if (!s->in_block)
		return 'I';
	return s->failed ? 'E' : 'T';
}

void
ox_session_cancel (OxSession *s)
{
	__atomic_store_n (&s->cancel, 1, __ATOMIC_RELAXED);
}

void
ox_session_set_copy_io (OxSession *s, const OxCopyIO *io)
{
	if (io)
		s->copy_io = *io;
	else
		memset (&s->copy_io, 0, sizeof s->copy_io);
}

void
ox_session_set_notice_func (OxSession *s, OxNoticeFunc fn, void *user)
{
	s->notice_fn = fn;
	s->notice_user = user;
}

void
ox_session_notice (OxSession *s, const char *sqlstate, const char *fmt, ...)
{
	if (!s->notice_fn)
		return;
	va_list ap;
	va_start (ap, fmt);
	char *m = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	const char *sev = sqlstate[0] == '0' && sqlstate[1] == '1' ? "WARNING" : "NOTICE";
	if (!strcmp (sqlstate, "25001") || !strcmp (sqlstate, "25P01"))
		sev = "WARNING";
	s->notice_fn (s->notice_user, sev, sqlstate, m);
	g_free (m);
}

static OxTxn *
cur_txn (OxSession *s)
{
	return s->txn;
}

OxSchema *
ox_session_schema (OxSession *s, const char *name, int loc)
{
	OxCatalog *c = s->db->catalog;
	OxTxn *t = cur_txn (s);
	if (name) {
		OxSchema *sc = ox_catalog_schema (c, t, name);
		if (!sc)
			ox_raise (OX_ERR_UNDEFINED_SCHEMA, loc > 0 ? loc : 0, "schema \"%s\" does not exist", name);
		return sc;
	}
	for (char **p = s->search_path; *p; p++) {
		if (!strcmp (*p, "$user"))
			continue;
		OxSchema *sc = ox_catalog_schema (c, t, *p);
		if (sc)
			return sc;
	}
	ox_raise (OX_ERR_UNDEFINED_SCHEMA, loc > 0 ? loc : 0, "no schema has been selected to create in");
}

OxTable *
ox_session_relation (OxSession *s, const char *schema, const char *name)
{
	OxCatalog *c = s->db->catalog;
	OxTxn *t = cur_txn (s);
	if (schema) {
		OxSchema *sc = ox_catalog_schema (c, t, schema);
		return sc ? ox_catalog_relation (c, t, sc, name) : NULL;
	}
	for (char **p = s->search_path; *p; p++) {
		OxSchema *sc = ox_catalog_schema (c, t, *p);
		if (!sc)
			continue;
		OxTable *r = ox_catalog_relation (c, t, sc, name);
		if (r)
			return r;
	}
	return NULL;
}

/* ---- settings ------------------------------------------------------------------------------- */

static const char *
iso_name (OxIsolation i)
{
	switch (i) {
	case OX_ISO_READ_UNCOMMITTED: return "read uncommitted";
	case OX_ISO_REPEATABLE_READ: return "repeatable read";
	case OX_ISO_SERIALIZABLE: return "serializable";
	default: return "read committed";
	}
}

static OxIsolation
iso_parse (const char *v)
{
	if (!g_ascii_strcasecmp (v, "read committed"))
		return OX_ISO_READ_COMMITTED;
	if (!g_ascii_strcasecmp (v, "read uncommitted"))
		return OX_ISO_READ_UNCOMMITTED;
	if (!g_ascii_strcasecmp (v, "repeatable read"))
		return OX_ISO_REPEATABLE_READ;
	if (!g_ascii_strcasecmp (v, "serializable"))
		return OX_ISO_SERIALIZABLE;
	return OX_ISO_DEFAULT;
}

static const char *const passive_settings[][2] = {
	{ "client_encoding", "UTF8" },
	{ "server_encoding", "UTF8" },
	{ "datestyle", "ISO, MDY" },
	{ "intervalstyle", "postgres" },
	{ "standard_conforming_strings", "on" },
	{ "integer_datetimes", "on" },
	{ "server_version", "15.0" },
	{ "server_version_num", "150000" },
	{ "application_name", "" },
	{ "extra_float_digits", "1" },
	{ "statement_timeout", "0" },
	{ "lock_timeout", "0" },
	{ "idle_in_transaction_session_timeout", "0" },
	{ "client_min_messages", "notice" },
	{ "max_connections", "100" },
	{ "default_transaction_read_only", "off" },
	{ "transaction_read_only", "off" },
	{ "lc_collate", "C" },
	{ "lc_ctype", "C" },
	{ "is_superuser", "on" },
	{ "row_security", "on" },
	/* routines */
	{ "max_stack_depth_routines", "1000" },
	{ "max_trigger_depth", "32" },
	{ "lua.max_instructions", "100000000" },
	{ "lua.max_memory", "67108864" },
	{ "log.capacity", "100000" },
};

static const char *
passive_default (const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS (passive_settings); i++)
		if (!strcmp (passive_settings[i][0], name))
			return passive_settings[i][1];
	return NULL;
}

static char *
setting_value (OxSession *s, const char *name)
{
	if (!strcmp (name, "search_path"))
		return g_strdup (s->search_path_text);
	if (!strcmp (name, "timezone"))
		return g_strdup (ox_timezone_name (s->tz));
	if (!strcmp (name, "transaction_isolation"))
		return g_strdup (iso_name (s->txn ? s->txn->iso : (s->next_iso ? s->next_iso : s->default_iso)));
	if (!strcmp (name, "default_transaction_isolation"))
		return g_strdup (iso_name (s->default_iso));
	if (!strcmp (name, "synchronous_commit"))
		return g_strdup (sync_mode_name (s->sync_mode >= 0 ? s->sync_mode : s->db->sync_mode));
	if (!strcmp (name, "role") || !strcmp (name, "session_authorization") || !strcmp (name, "is_superuser")) {
		if (!strcmp (name, "role") && !s->current_role)
			return g_strdup ("none");
		if (!strcmp (name, "is_superuser"))
			return g_strdup (ox_session_is_superuser (s) ? "on" : "off");
		OxArena *a = ox_arena_new ();
		char *v = g_strdup (!strcmp (name, "role") ? ox_session_current_user (s, a) : ox_session_user (s, a));
		ox_arena_free (a);
		return v;
	}
	const char *v = g_hash_table_lookup (s->settings, name);
	if (v)
		return g_strdup (v);
	v = passive_default (name);
	return v ? g_strdup (v) : NULL;
}

char *
ox_session_setting (OxSession *s, const char *name)
{
	char *low = g_ascii_strdown (name, -1);
	char *v = setting_value (s, low);
	g_free (low);
	return v;
}

int
ox_session_set_custom (OxSession *s, const char *name, const char *value, OxError *err)
{
	char *low = g_ascii_strdown (name, -1);
	/* the engine's own dotted settings check their values in exec_set */
	if (!strchr (low, '.') || low[0] == '.' || g_str_has_prefix (low, "lua.") || g_str_has_prefix (low, "log.")) {
		char *msg = g_strdup_printf ("\"%s\" is not a custom setting (a name with a dot, such as app.user)", name);
		set_error (err, OX_ERR_INVALID_PARAMETER, msg);
		g_free (msg);
		g_free (low);
		return OX_ERROR;
	}
	s->settings_gen++;
	if (value)
		g_hash_table_insert (s->settings, low, g_strdup (value));
	else {
		g_hash_table_remove (s->settings, low);
		g_free (low);
	}
	return OX_OK;
}

static char *
set_value_text (OxSetStmt *st)
{
	GString *g = g_string_new (NULL);
	for (int i = 0; i < OX_LIST_N (st->values); i++) {
		OxNode *n = st->values->items[i];
		if (i)
			g_string_append (g, ", ");
		if (n->tag == OX_N_CONST) {
			OxConst *c = (OxConst *) n;
			if (c->kind == OX_CONST_BOOL)
				g_string_append (g, c->bval ? "on" : "off");
			else if (c->text)
				g_string_append (g, c->text);
		} else if (n->tag == OX_N_COLUMNREF) {
			OxColumnRef *cr = (OxColumnRef *) n;
			for (int k = 0; k < cr->fields->n; k++) {
				if (k)
					g_string_append_c (g, '.');
				g_string_append (g, cr->fields->items[k]);
			}
		} else if (n->tag == OX_N_TYPECAST && ((OxTypeCast *) n)->arg->tag == OX_N_CONST) {
			g_string_append (g, ((OxConst *) ((OxTypeCast *) n)->arg)->text);
		} else if (n->tag == OX_N_AEXPR) {
			/* SET TIME ZONE -5 parses as a unary minus */
			OxAExpr *ae = (OxAExpr *) n;
			if (ae->rexpr && ae->rexpr->tag == OX_N_CONST)
				g_string_append_printf (g, "%s%s", ae->name, ((OxConst *) ae->rexpr)->text);
		}
	}
	return g_string_free (g, FALSE);
}

static void
exec_set (OxSession *s, OxSetStmt *st)
{
	s->settings_gen++;
	if (!st->name) {
		/* RESET ALL (the role too; the session authorization stays, as in PostgreSQL) */
		s->current_role = 0;
		set_search_path (s, "\"$user\", public");
		ox_timezone_free (s->tz);
		s->tz = ox_timezone_new ("UTC");
		s->default_iso = OX_ISO_READ_COMMITTED;
		g_hash_table_remove_all (s->settings);
		return;
	}
	const char *name = st->name;
	char *val = st->reset || !st->values ? NULL : set_value_text (st);
	if (!strcmp (name, "role") || !strcmp (name, "session_authorization")) {
		OX_TRY {
			if (!strcmp (name, "role"))
				ox_session_set_role (s, val, 0);
			else
				ox_session_set_authorization (s, val, 0);
		} OX_CATCH {
			g_free (val);
			ox_error_rethrow_current ();
		} OX_END_TRY;
		g_free (val);
		return;
	}
	if (!strcmp (name, "transaction_isolation") || !strcmp (name, "default_transaction_isolation")) {
		OxIsolation iso = st->isolation;
		if (!iso && val)
			iso = iso_parse (val);
		if (!strcmp (name, "default_transaction_isolation")) {
			s->default_iso = iso ? iso : OX_ISO_READ_COMMITTED;
		} else {
			if (s->txn && s->txn->cid > 1) {
				g_free (val);
				ox_raise (OX_ERR_ACTIVE_TXN, 0, "SET TRANSACTION ISOLATION LEVEL must be called before any query");
			}
			if (!s->in_block)
				ox_session_notice (s, "25P01", "SET TRANSACTION can only be used in transaction blocks");
			else if (s->txn && iso)
				ox_txn_set_isolation (s->txn, iso == OX_ISO_READ_UNCOMMITTED ? OX_ISO_READ_COMMITTED : iso);
		}
	} else if (!strcmp (name, "synchronous_commit")) {
		int m = val ? parse_sync_mode (val) : -1;
		if (val && m < 0) {
			char *msg = g_strdup_printf ("invalid value for parameter \"synchronous_commit\": \"%s\"", val);
			g_free (val);
			OxErrorData e = { 0 };
			g_strlcpy (e.sqlstate, OX_ERR_INVALID_PARAMETER, sizeof e.sqlstate);
			e.message = msg;
			e.hint = g_strdup ("Available values: full, normal, off (on, local, remote_write, remote_apply mean full).");
			ox_error_rethrow (&e);
		}
		s->sync_mode = m;
		if (s->txn)
			s->txn->sync_mode = m;
	} else if (!strcmp (name, "search_path")) {
		set_search_path (s, val ? val : "\"$user\", public");
	} else if (!strcmp (name, "timezone") || !strcmp (name, "time zone")) {
		const char *z = val ? val : "UTC";
		if (!g_ascii_strcasecmp (z, "local") || !g_ascii_strcasecmp (z, "default"))
			z = "UTC";
		/* A bare number is hours east of UTC in SET TIME ZONE (PostgreSQL
		 * reads it as an interval), unlike a zone string. */
		char *end = NULL;
		double hours = g_ascii_strtod (z, &end);
		bool numeric = end && end != z && *end == '\0';
		OxTimeZone *tz = numeric && hours >= -15 && hours <= 15 ? ox_timezone_new_offset ((int) (hours * 3600))
		                                                        : ox_timezone_new (z);
		if (!tz) {
			char *m = g_strdup_printf ("invalid value for parameter \"TimeZone\": \"%s\"", z);
			g_free (val);
			OxErrorData e = { 0 };
			g_strlcpy (e.sqlstate, OX_ERR_INVALID_PARAMETER, sizeof e.sqlstate);
			e.message = m;
			ox_error_rethrow (&e);
		}
		ox_timezone_free (s->tz);
		s->tz = tz;
	} else if (!strcmp (name, "statement_timeout") || !strcmp (name, "max_trigger_depth") ||
	           !strcmp (name, "max_stack_depth_routines") || !strcmp (name, "lua.max_instructions") ||
	           !strcmp (name, "lua.max_memory") || !strcmp (name, "log.capacity")) {
		/* numbers (statement_timeout with a time unit) checked now, as
		 * PostgreSQL checks its settings at SET */
		int64_t n = val ? (!strcmp (name, "statement_timeout") ? ox_parse_duration_ms (val) : g_ascii_strtoll (val, NULL, 10)) : 0;
		bool ok = !val || n >= 0;
		if (ok && val && strcmp (name, "statement_timeout")) {
			char *end = NULL;
			g_ascii_strtoll (val, &end, 10);
			ok = end && end != val;
			while (ok && *end == ' ')
				end++;
			/* lua.max_memory takes a unit, as PostgreSQL's memory settings */
			ok = ok && (*end == '\0' || (!strcmp (name, "lua.max_memory") &&
			                              (!strcmp (end, "kB") || !strcmp (end, "MB") || !strcmp (end, "GB") ||
			                               !strcmp (end, "TB"))));
		}
		if (!ok) {
			char *msg = g_strdup_printf ("invalid value for parameter \"%s\": \"%s\"", name, val);
			g_free (val);
			OxErrorData e = { 0 };
			g_strlcpy (e.sqlstate, OX_ERR_INVALID_PARAMETER, sizeof e.sqlstate);
			e.message = msg;
			if (!strcmp (name, "statement_timeout"))
				e.hint = g_strdup ("Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\".");
			ox_error_rethrow (&e);
		}
		if (!strcmp (name, "log.capacity") && val)
			ox_log_set_capacity (s->db->logs, (size_t) n);
		if (val)
			g_hash_table_insert (s->settings, g_strdup (name), g_strdup (val));
		else
			g_hash_table_remove (s->settings, name);
	} else if (passive_default (name)) {
		if (!strcmp (name, "server_version") || !strcmp (name, "server_version_num") ||
		    !strcmp (name, "server_encoding") || !strcmp (name, "integer_datetimes") ||
		    !strcmp (name, "lc_collate") || !strcmp (name, "lc_ctype") || !strcmp (name, "is_superuser")) {
			g_free (val);
			ox_raise (OX_ERR_CANT_CHANGE_RUNTIME_PARAM, 0, "parameter \"%s\" cannot be changed", name);
		}
		if (val)
			g_hash_table_insert (s->settings, g_strdup (name), g_strdup (val));
		else
			g_hash_table_remove (s->settings, name);
	} else if (strchr (name, '.')) {
		/* a custom (dotted) setting, as PostgreSQL's placeholder variables */
		if (val)
			g_hash_table_insert (s->settings, g_strdup (name), g_strdup (val));
		else
			g_hash_table_remove (s->settings, name);
	} else {
		g_free (val);
		ox_raise (OX_ERR_UNDEFINED_OBJECT, 0, "unrecognized configuration parameter \"%s\"", name);
	}
	g_free (val);
}

int64_t
ox_parse_duration_ms (const char *v)
{
	char *end = NULL;
	double n = g_ascii_strtod (v, &end);
	if (!end || end == v || n < 0)
		return -1;
	while (*end == ' ')
		end++;
	double mult;
	if (!*end || !strcmp (end, "ms"))
		mult = 1;
	else if (!strcmp (end, "us"))
		mult = 0.001;
	else if (!strcmp (end, "s"))
		mult = 1000;
	else if (!strcmp (end, "min"))
		mult = 60000;
	else if (!strcmp (end, "h"))
		mult = 3600000;
	else if (!strcmp (end, "d"))
		mult = 86400000;
	else
		return -1;
	double ms = n * mult;
	return ms > (double) INT32_MAX ? -1 : (int64_t) (ms + 0.5);
}

/* ---- statement preparation ------------------------------------------------------------------- */

/* End a run.  With keep_plan, a cached plan (and the arena holding it)
 * survives for the next run; otherwise everything goes. */
static void
stmt_reset_exec_keep (OxStmt *st, bool keep_plan)
{
	if (st->plan && st->opened) {
		OX_TRY {
			ox_op_close_tree (st->plan, &st->x);
		} OX_CATCH {
			OxErrorData e;
			ox_error_take (&e);
			ox_error_data_clear (&e);
		} OX_END_TRY;
	}
	set_opened (st, false);
	st->running = false;
	st->row = NULL;
	st->call_row = NULL;
	if (!keep_plan || !st->plan_cached) {
		st->plan = NULL;
		st->plan_cached = false;
		if (st->x.locks)
			g_array_unref (st->x.locks);
		if (st->x.scanned)
			g_ptr_array_unref (st->x.scanned);
		g_clear_pointer (&st->x.run_arena, ox_arena_free);
		st->x.locks = NULL;
		st->x.scanned = NULL;
		g_clear_pointer (&st->exec_arena, ox_arena_free);
		g_clear_pointer (&st->row_arena, ox_arena_free);
	}
	/* else the next run resets row_arena before its first row */
	if (st->util_rows) {
		g_ptr_array_unref (st->util_rows);
		st->util_rows = NULL;
	}
	st->util_i = 0;
}

static void
stmt_reset_exec (OxStmt *st)
{
	stmt_reset_exec_keep (st, false);
}

static void
init_exec (OxStmt *st)
{
	OxSession *s = st->s;
	st->exec_arena = ox_arena_new ();
	memset (&st->x, 0, sizeof st->x);
	OxExec *x = &st->x;
	x->txn = s->txn;
	x->catalog = s->db->catalog;
	x->arena = st->exec_arena;
	x->cx.tz = s->tz;
	x->cx.now = s->txn ? s->txn->start_time : ox_timestamp_now ();
	x->fcx.arena = st->exec_arena;
	x->fcx.cx = &x->cx;
	x->params = st->pvals;
	x->nparams = st->nparams;
	x->cancel = &s->cancel;
	x->session = s;
	x->param_hook = st->has_hook ? &st->hook : NULL;
	x->run_arena = ox_arena_new ();
	x->locks = g_array_new (FALSE, FALSE, sizeof (OxLockTaken));
	x->scanned = g_ptr_array_new ();
}

/* A new run of a cached plan: the same plan and exec arena, this run's
 * transaction, clock, parameters and counters. */
static void
refresh_exec (OxStmt *st)
{
	OxSession *s = st->s;
	OxExec *x = &st->x;
	x->txn = s->txn;
	x->cx.tz = s->tz;
	x->cx.now = s->txn ? s->txn->start_time : ox_timestamp_now ();
	x->params = st->pvals;
	x->nparams = st->nparams;
	x->changes = 0;
	x->tick = 0;
	x->analyze = false;
	x->in_dml = false;
	ox_arena_reset (x->run_arena);
}

/* Cast each bound parameter to the type binding gave it, once per run.
 * Without this OX_E_PARAM casts on every evaluation: an int8 bound by
 * ox_bind_int64 to an int4 parameter was cast twice a row in a range scan
 * (its bounds are re-checked as a filter).  Unbound slots, NULLs and
 * parameters whose type binding left open pass as they are; OX_E_PARAM
 * still casts any use whose type differs.  A value that does not fit now
 * fails when the run starts rather than at its first use, which is when
 * PostgreSQL reports it too (at Bind). */
static void
coerce_params (OxStmt *st)
{
	OxExec *x = &st->x;
	OxValue *v = NULL;
	for (int i = 0; i < st->nparams; i++) {
		OxValue p = st->pvals[i];
		OxTypeId want = st->ptypes[i].id;
		if (p.flags == OX_VALUE_UNBOUND || p.null || p.type == want || want == OX_T_UNKNOWN)
			continue;
		if (!v) {
			v = OX_NEW_N (x->run_arena, OxValue, st->nparams);
			memcpy (v, st->pvals, sizeof (OxValue) * (size_t) st->nparams);
		}
		if (ox_type_is_integer (want) && ox_type_is_integer ((OxTypeId) p.type)) {
			/* an integer bound for another integer type (a bigint bound
			 * for an integer column): in range, only the type changes;
			 * out of range, ox_value_cast raises 22003 */
			int64_t lo = want == OX_T_INT2 ? INT16_MIN : want == OX_T_INT4 ? INT32_MIN : INT64_MIN;
			int64_t hi = want == OX_T_INT2 ? INT16_MAX : want == OX_T_INT4 ? INT32_MAX : INT64_MAX;
			if (p.v.i >= lo && p.v.i <= hi) {
				v[i] = ox_int (want, p.v.i);
				continue;
			}
		}
		OxType ty = { .id = want, .typmod = -1 };
		v[i] = ox_value_cast (x->run_arena, &x->cx, &p, ty, false);
	}
	x->params = v ? v : st->pvals;
}

/* Reuse the cached plan if nothing it depends on changed: take the
 * relation locks its binding took (waiting as binding would), then check
 * the catalog again.  Returns false when the plan must be rebuilt. */
static bool
reuse_plan (OxStmt *st)
{
	OxSession *s = st->s;
	if (!st->plan_cached || st->cache_setgen != s->settings_gen ||
	    st->cache_catgen != ox_catalog_version (s->db->catalog))
		return false;
	refresh_exec (st);
	OxExec *x = &st->x;
	for (guint i = 0; i < x->locks->len; i++) {
		OxLockTaken *lt = &g_array_index (x->locks, OxLockTaken, i);
		ox_txn_lock_relation (s->txn, lt->oid, (OxLockMode) lt->mode);
	}
	if (st->cache_catgen != ox_catalog_version (s->db->catalog))
		return false;  /* something changed while we waited */
	if (s->txn->read_tables)
		for (guint i = 0; i < x->scanned->len; i++)
			g_hash_table_add (s->txn->read_tables, x->scanned->pdata[i]);
	return true;
}

static void
set_columns_from_query (OxStmt *st, OxQuery *q, GPtrArray *targets)
{
	int n = 0;
	for (guint i = 0; i < targets->len; i++)
		if (!((OxTarget *) targets->pdata[i])->resjunk)
			n++;
	st->ncols = n;
	st->colnames = g_new0 (char *, n + 1);
	st->coltypes = g_new0 (OxType, n + 1);
	st->coltypenames = g_new0 (char *, n + 1);
	OxArena *tmp = ox_arena_new ();
	int j = 0;
	for (guint i = 0; i < targets->len; i++) {
		OxTarget *t = targets->pdata[i];
		if (t->resjunk)
			continue;
		st->colnames[j] = g_strdup (t->name ? t->name : "?column?");
		st->coltypes[j] = t->expr->type;
		st->coltypenames[j] = g_strdup (ox_type_format (tmp, t->expr->type));
		j++;
	}
	ox_arena_free (tmp);
	(void) q;
}

static void
set_single_column (OxStmt *st, const char *name)
{
	st->ncols = 1;
	st->colnames = g_new0 (char *, 2);
	st->coltypes = g_new0 (OxType, 2);
	st->coltypenames = g_new0 (char *, 2);
	st->colnames[0] = g_strdup (name);
	st->coltypes[0] = (OxType) { OX_T_TEXT, -1 };
	st->coltypenames[0] = g_strdup ("text");
}

static void
free_columns (OxStmt *st)
{
	g_strfreev (st->colnames);
	g_strfreev (st->coltypenames);
	g_free (st->coltypes);
	st->colnames = st->coltypenames = NULL;
	st->coltypes = NULL;
	st->ncols = 0;
}

/* Bind a query statement into the exec arena; returns the query. */
static OxQuery *
bind_stmt (OxStmt *st, OxNode *ast)
{
	OxExec *x = &st->x;
	if (ast->tag == OX_N_SELECT)
		return ox_bind_select (x, st->s, (OxSelectStmt *) ast, x->arena, st->ptypes, &st->nparams);
	return ox_bind_dml (x, st->s, ast, x->arena, st->ptypes, &st->nparams);
}

static bool
is_query (OxNode *n)
{
	return n->tag == OX_N_SELECT || n->tag == OX_N_INSERT || n->tag == OX_N_UPDATE || n->tag == OX_N_DELETE;
}

/* A CALL's result row: the procedure's OUT and INOUT arguments. */
static void
describe_call (OxStmt *st)
{
	OxSession *s = st->s;
	if (s->failed)
		return;
	bool temp_txn = s->txn == NULL;
	if (temp_txn)
		s->txn = ox_txn_begin (s->db->mgr, OX_ISO_READ_COMMITTED);
	init_exec (st);
	volatile bool ok = true;
	OX_TRY {
		OxExpr **args;
		OxRoutine *r = ox_call_bind (s, &st->x, (OxCallStmt *) st->ast, st->ptypes, &st->nparams, &args);
		if (r->nresult > 0) {
			st->ncols = r->nresult;
			st->colnames = g_new0 (char *, r->nresult + 1);
			st->coltypes = g_new0 (OxType, r->nresult + 1);
			st->coltypenames = g_new0 (char *, r->nresult + 1);
			for (int i = 0; i < r->nresult; i++) {
				st->colnames[i] = g_strdup (r->result_names[i]);
				st->coltypes[i] = r->result_types[i];
				st->coltypenames[i] = g_strdup (ox_type_format (st->x.arena, r->result_types[i]));
			}
			st->returns_rows = true;
		}
	} OX_CATCH {
		ok = false;
	} OX_END_TRY;
	stmt_reset_exec (st);
	if (temp_txn) {
		ox_txn_abort (s->txn);
		ox_txn_free (s->txn);
		s->txn = NULL;
	}
	if (!ok)
		ox_error_rethrow_current ();
}

/* Describe result columns by binding in a throwaway execution state. */
static void
describe (OxStmt *st)
{
	OxSession *s = st->s;
	free_columns (st);
	st->described = true;
	OxNode *ast = st->ast;
	if (st->kind == SK_EXPLAIN) {
		set_single_column (st, "QUERY PLAN");
		st->returns_rows = true;
		return;
	}
	if (ast->tag == OX_N_SHOW) {
		OxShowStmt *sh = (OxShowStmt *) ast;
		if (!strcmp (sh->name, "all")) {
			st->ncols = 3;
			st->colnames = g_new0 (char *, 4);
			st->coltypes = g_new0 (OxType, 4);
			st->coltypenames = g_new0 (char *, 4);
			const char *n[] = { "name", "setting", "description" };
			for (int i = 0; i < 3; i++) {
				st->colnames[i] = g_strdup (n[i]);
				st->coltypes[i] = (OxType) { OX_T_TEXT, -1 };
				st->coltypenames[i] = g_strdup ("text");
			}
		} else
			set_single_column (st, !strcmp (sh->name, "timezone") ? "TimeZone" : sh->name);
		st->returns_rows = true;
		return;
	}
	if (ast->tag == OX_N_CALL) {
		describe_call (st);
		return;
	}
	if (!is_query (ast))
		return;
	bool has_ret = (ast->tag == OX_N_INSERT && ((OxInsertStmt *) ast)->returning) ||
	               (ast->tag == OX_N_UPDATE && ((OxUpdateStmt *) ast)->returning) ||
	               (ast->tag == OX_N_DELETE && ((OxDeleteStmt *) ast)->returning);
	st->returns_rows = ast->tag == OX_N_SELECT || has_ret;
	if (s->failed)
		return;
	bool temp_txn = s->txn == NULL;
	if (temp_txn)
		s->txn = ox_txn_begin (s->db->mgr, OX_ISO_READ_COMMITTED);
	init_exec (st);
	volatile bool ok = true;
	OX_TRY {
		OxQuery *q = bind_stmt (st, ast);
		if (ast->tag == OX_N_SELECT)
			set_columns_from_query (st, q, q->targets);
		else if (q->returning)
			set_columns_from_query (st, q, q->returning);
	} OX_CATCH {
		ok = false;
	} OX_END_TRY;
	stmt_reset_exec (st);
	if (temp_txn) {
		ox_txn_abort (s->txn);
		ox_txn_free (s->txn);
		s->txn = NULL;
	}
	if (!ok)
		ox_error_rethrow_current ();
}

/* A failed statement into system.log, as PostgreSQL's log_min_error_statement
 * (ERROR) logs it.  A server (which installs a log hook) logs failed
 * statements itself, with the connection's details: only an embedded
 * database does it here. */
static void
log_failed (OxSession *s, const OxError *err, const char *sql, size_t len)
{
	if (!err || s->db->log_hook || !s->db->dblog)
		return;
	OxArena *a = ox_arena_new ();
	/* the statement's start is enough to recognise it */
	int n = len > 200 ? 200 : (int) len;
	char *msg = g_strdup_printf ("%s (statement: %.*s%s)", err->message ? err->message : "unknown error", n,
	                             sql ? sql : "", (size_t) n < len ? "..." : "");
	ox_db_log_record (s->db, "ERROR", err->sqlstate, ox_session_user (s, a), s->db->name ? s->db->name : "oxibase",
	                  msg);
	g_free (msg);
	ox_arena_free (a);
}

static void
stmt_free_parse (OxStmt *st)
{
	g_clear_pointer (&st->parse_arena, ox_arena_free);
}

int
ox_prepare (OxSession *s, const char *sql, int nbytes, OxStmt **out, const char **tail, OxError *err)
{
	*out = NULL;
	size_t len = nbytes < 0 ? strlen (sql) : (size_t) nbytes;
	OxArena *a = ox_arena_new ();
	size_t end = 0;
	volatile OxNode *ast = NULL;
	OX_TRY {
		ast = ox_parse_one (a, sql, len, &end);
	} OX_CATCH {
		take_error (err, sql, len, 0);
		__atomic_add_fetch (&s->db->n_errors, 1, __ATOMIC_RELAXED);
		log_failed (s, err, sql, len);
		ox_arena_free (a);
		if (tail)
			*tail = sql + len;
		if (s->in_block)
			s->failed = true;  /* as PostgreSQL: any error aborts the block */
		return OX_ERROR;
	} OX_END_TRY;
	if (tail)
		*tail = sql + end;
	if (!ast) {
		ox_arena_free (a);
		return OX_OK;
	}
	OxStmt *st = g_new0 (OxStmt, 1);
	st->s = s;
	/* Keep the whole prefix so that node offsets stay valid. */
	st->sql = g_strndup (sql, end);
	st->sql_len = end;
	st->parse_arena = a;
	st->ast = (OxNode *) ast;
	st->ptypes = g_new0 (OxType, OX_MAX_PARAMS_STMT);
	st->param_arena = ox_arena_new ();
	if (st->ast->tag == OX_N_EXPLAIN)
		st->kind = SK_EXPLAIN;
	else if (is_query (st->ast))
		st->kind = SK_QUERY;
	else
		st->kind = SK_UTILITY;
	OX_TRY {
		describe (st);
	} OX_CATCH {
		take_error (err, st->sql, st->sql_len, 0);
		__atomic_add_fetch (&s->db->n_errors, 1, __ATOMIC_RELAXED);
		log_failed (s, err, st->sql, st->sql_len);
		ox_finalize (st);
		if (s->in_block)
			s->failed = true;
		return OX_ERROR;
	} OX_END_TRY;
	st->pvals = g_new0 (OxValue, st->nparams > 0 ? st->nparams : 1);
	for (int i = 0; i < st->nparams; i++) {
		st->pvals[i] = ox_null (OX_T_UNKNOWN);
		st->pvals[i].flags = OX_VALUE_UNBOUND;
	}
	*out = st;
	return OX_OK;
}

int
ox_param_count (OxStmt *st)
{
	return st->nparams;
}

void
ox_finalize (OxStmt *st)
{
	if (!st)
		return;
	ox_reset (st);
	stmt_reset_exec (st);  /* the cached plan too */
	stmt_free_parse (st);
	free_columns (st);
	g_free (st->ptypes);
	g_free (st->pvals);
	g_clear_pointer (&st->param_arena, ox_arena_free);
	g_free (st->sql);
	g_free (st->tag);
	g_free (st->row_text);
	g_free (st->row_text_done);
	if (st->batch)
		g_ptr_array_unref (st->batch);
	g_free (st);
}

const char *
ox_stmt_sql (OxStmt *st)
{
	return st->sql;
}

/* ---- binding ---------------------------------------------------------------------------------------- */

static int
bind_check (OxStmt *st, int idx, OxError *err)
{
	if (idx < 1 || idx > st->nparams) {
		char *m = g_strdup_printf ("bind index %d out of range (statement has %d parameters)", idx, st->nparams);
		set_error (err, "08P01", m);
		g_free (m);
		return OX_ERROR;
	}
	if (st->running)
		ox_reset (st);
	return OX_OK;
}

/* Copy a bound text or blob into the parameter arena.  The arena only
 * grows, and a statement rebound a million times (a bulk load's INSERT)
 * kept every value it was ever given until ox_finalize; when it has taken
 * much more than the values bound now, those are copied to a new arena
 * and the old one is freed (a bind never happens during a run: it resets
 * the statement first, so nothing else points into the arena). */
static void *
param_copy (OxStmt *st, const void *v, size_t n, bool text)
{
	size_t limit = st->param_limit ? st->param_limit : 65536;
	if (st->param_used + n > limit) {
		OxArena *na = ox_arena_new ();
		size_t live = 0;
		for (int i = 0; i < st->nparams; i++) {
			OxValue *p = &st->pvals[i];
			if (p->null || p->flags == OX_VALUE_UNBOUND)
				continue;
			if (p->type == OX_T_UNKNOWN) {
				p->v.str = ox_arena_strndup (na, p->v.str, p->len);
				live += p->len + 1;
			} else if (p->type == OX_T_BYTEA) {
				p->v.bytes = ox_arena_memdup (na, p->v.bytes, p->len);
				live += p->len;
			}
		}
		ox_arena_free (st->param_arena);
		st->param_arena = na;
		st->param_used = live;
		st->param_limit = MAX (65536, 4 * (live + n));
	}
	st->param_used += n + (text ? 1 : 0);
	return text ? (void *) ox_arena_strndup (st->param_arena, v, n) : ox_arena_memdup (st->param_arena, v, n);
}

int
ox_bind_null (OxStmt *st, int idx, OxError *err)
{
	if (bind_check (st, idx, err))
		return OX_ERROR;
	st->pvals[idx - 1] = ox_null (OX_T_UNKNOWN);
	return OX_OK;
}

int
ox_bind_int64 (OxStmt *st, int idx, int64_t v, OxError *err)
{
	if (bind_check (st, idx, err))
		return OX_ERROR;
	st->pvals[idx - 1] = ox_int (OX_T_INT8, v);
	return OX_OK;
}

int
ox_bind_double (OxStmt *st, int idx, double v, OxError *err)
{
	if (bind_check (st, idx, err))
		return OX_ERROR;
	st->pvals[idx - 1] = ox_float (OX_T_FLOAT8, v);
	return OX_OK;
}

int
ox_bind_bool (OxStmt *st, int idx, bool v, OxError *err)
{
	if (bind_check (st, idx, err))
		return OX_ERROR;
	st->pvals[idx - 1] = ox_bool (v);
	return OX_OK;
}

int
ox_bind_text (OxStmt *st, int idx, const char *v, int nbytes, OxError *err)
{
	if (bind_check (st, idx, err))
		return OX_ERROR;
	size_t n = nbytes < 0 ? strlen (v) : (size_t) nbytes;
	st->pvals[idx - 1] = ox_null (OX_T_UNKNOWN);  /* its old copy is not live any more */
	st->pvals[idx - 1] = ox_text (OX_T_UNKNOWN, param_copy (st, v, n, true), n);
	return OX_OK;
}

int
ox_bind_blob (OxStmt *st, int idx, const void *v, size_t n, OxError *err)
{
	if (bind_check (st, idx, err))
		return OX_ERROR;
	st->pvals[idx - 1] = ox_null (OX_T_BYTEA);  /* its old copy is not live any more */
	OxValue b = { .type = OX_T_BYTEA, .len = (uint32_t) n };
	b.v.bytes = param_copy (st, v, n, false);
	st->pvals[idx - 1] = b;
	return OX_OK;
}

/* ---- DDL ------------------------------------------------------------------------------------------ */

typedef struct Ddl {
	OxSession *s;
	OxTxn     *t;
	OxCatalog *c;
	OxExec    *x;
	const char *sql;
} Ddl;

/* Parse an expression's source text into the catalog object's arena. */
OxNode *
ox_parse_expr_src (OxArena *a, const char *src)
{
	char *text = ox_arena_printf (a, "SELECT %s", src);
	size_t end;
	OxSelectStmt *sel = (OxSelectStmt *) ox_parse_one (a, text, strlen (text), &end);
	OxResTarget *rt = sel->targets->items[0];
	return rt->val;
}

static OxSchema *
target_schema (Ddl *d, OxRangeVar *rv)
{
	return ox_session_schema (d->s, rv->schema, rv->node.loc + 1);
}

static char *
choose_name (Ddl *d, OxSchema *sc, const char *base)
{
	char *name = g_strdup (base);
	for (int i = 1; ox_catalog_relname_taken (d->c, d->t, sc, name); i++) {
		g_free (name);
		name = g_strdup_printf ("%s%d", base, i);
	}
	return name;
}

static OxIndex *
create_index_obj (Ddl *d, OxTable *tab, const char *name, int nkeys, const int *colnos, const bool *desc, bool unique,
                  bool primary, bool is_constraint)
{
	OxArena *a = ox_catalog_arena_new ();
	OxIndex *ix = OX_NEW (a, OxIndex);
	ix->obj.kind = OX_KIND_INDEX;
	ix->obj.name = g_strdup (name);
	ix->obj.schema = tab->obj.schema;
	ix->obj.arena = a;
	ix->table = tab;
	ix->nkeys = nkeys;
	ix->colnos = ox_arena_memdup (a, colnos, sizeof (int) * (size_t) nkeys);
	ix->desc = ox_arena_alloc0 (a, sizeof (bool) * (size_t) nkeys);
	if (desc)
		memcpy (ix->desc, desc, sizeof (bool) * (size_t) nkeys);
	ix->unique = unique;
	ix->primary = primary;
	ix->is_constraint = is_constraint;
	GString *cols = g_string_new (NULL);
	for (int i = 0; i < nkeys; i++)
		g_string_append_printf (cols, "%s%s", i ? ", " : "", tab->cols[colnos[i]].name);
	volatile bool failed = false;
	OX_TRY {
		ix->data = ox_table_add_index (tab->data, name, cols->str, nkeys, colnos, ix->desc, unique, primary, d->t);
	} OX_CATCH {
		failed = true;
	} OX_END_TRY;
	g_string_free (cols, TRUE);
	if (failed) {
		g_free (ix->obj.name);
		ox_arena_free (a);
		ox_error_rethrow_current ();
	}
	ox_catalog_register (d->c, d->t, &ix->obj);
	return ix;
}

static int
find_col (OxTable *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (!strcmp (t->cols[i].name, name))
			return i;
	return -1;
}

static char *
index_name_for (OxTable *t, const int *cols, int n, const char *suffix)
{
	GString *g = g_string_new (t->obj.name);
	for (int i = 0; i < n; i++)
		g_string_append_printf (g, "_%s", t->cols[cols[i]].name);
	g_string_append_printf (g, "_%s", suffix);
	if (g->len > 63)
		g_string_truncate (g, 63);
	return g_string_free (g, FALSE);
}

typedef struct PendingIndex {
	int   ncols;
	int   cols[32];
	bool  primary;
	const char *name;
	int   loc;
} PendingIndex;

static void
resolve_key_cols (OxTable *t, OxList *keys, PendingIndex *pi, int loc)
{
	if (keys->n > 32)
		ox_raise (OX_ERR_PROGRAM_LIMIT, loc, "cannot use more than 32 columns in an index");
	for (int i = 0; i < keys->n; i++) {
		int c = find_col (t, keys->items[i]);
		if (c < 0)
			ox_raise (OX_ERR_UNDEFINED_COLUMN, loc, "column \"%s\" named in key does not exist",
			          (char *) keys->items[i]);
		pi->cols[i] = c;
	}
	pi->ncols = keys->n;
}

/* The owned sequence of a serial or identity column, made once the table
 * has its oid (exec/sequences.c). */
typedef struct SerialCol {
	char               *name;      /* NULL: not such a column */
	char                identity;  /* 0 serial, 'a' ALWAYS, 'd' BY DEFAULT */
	const OxSeqOptions *opts;      /* identity's (options), or NULL */
} SerialCol;

/* A serial or identity column: NOT NULL, DEFAULT
 * nextval('<table>_<column>_seq') (named like PostgreSQL's sequence, made
 * unique).  For identity columns the default is the engine's mechanism
 * only: pg_attribute shows attidentity and no default, as PostgreSQL. */
static void
serial_column (Ddl *d, OxSchema *sc, OxTable *t, int i, SerialCol *serials)
{
	OxColumn *col = &t->cols[i];
	char *base = g_strdup_printf ("%s_%s_seq", t->obj.name, col->name);
	char *nm = choose_name (d, sc, base);
	for (int k = 0; k < i; k++)
		if (serials[k].name && !strcmp (serials[k].name, nm)) {
			/* two serial columns whose names give the same sequence name */
			g_free (nm);
			char *b2 = g_strdup_printf ("%s%d", base, i);
			nm = choose_name (d, sc, b2);
			g_free (b2);
		}
	g_free (base);
	serials[i].name = ox_arena_strdup (d->x->arena, nm);
	g_free (nm);
	col->notnull = true;
	/* qualified outside public, as PostgreSQL shows it with the default
	 * search_path, so that it finds the sequence whatever the path */
	char *src = sc == d->s->db->public_schema
	            ? g_strdup_printf ("nextval('%s'::regclass)", serials[i].name)
	            : g_strdup_printf ("nextval('%s.%s'::regclass)", sc->obj.name, serials[i].name);
	col->default_src = ox_arena_strdup (t->obj.arena, src);
	col->default_expr = ox_parse_expr_src (t->obj.arena, src);
	g_free (src);
}

static void
ddl_create_table (Ddl *d, OxCreateTableStmt *ct, OxQuery *as_query)
{
	OxSchema *sc = target_schema (d, ct->table);
	ox_txn_lock_ddl (d->t);
	if (ox_catalog_relname_taken (d->c, d->t, sc, ct->table->name)) {
		if (ct->if_not_exists) {
			ox_session_notice (d->s, "42P07", "relation \"%s\" already exists, skipping", ct->table->name);
			return;
		}
		ox_raise (OX_ERR_DUPLICATE_TABLE, ct->table->node.loc + 1, "relation \"%s\" already exists", ct->table->name);
	}
	OxArena *a = ox_catalog_arena_new ();
	OxTable *t = OX_NEW (a, OxTable);
	t->obj.kind = OX_KIND_TABLE;
	t->obj.name = g_strdup (ct->table->name);
	t->obj.schema = sc;
	t->obj.arena = a;
	t->indexes = g_ptr_array_new ();
	volatile bool registered = false;
	OX_TRY {
		int ncols = as_query ? 0 : OX_LIST_N (ct->columns);
		if (as_query) {
			for (guint i = 0; i < as_query->targets->len; i++)
				if (!((OxTarget *) as_query->targets->pdata[i])->resjunk)
					ncols++;
		}
		if (ncols > 1600)
			ox_raise (OX_ERR_PROGRAM_LIMIT, 0, "tables can have at most 1600 columns");
		t->ncols = ncols;
		t->cols = OX_NEW_N (a, OxColumn, ncols > 0 ? ncols : 1);
		/* owned by the statement's arena: the code below may raise */
		GPtrArray *pending = g_ptr_array_new_with_free_func (g_free);
		GPtrArray *checks = g_ptr_array_new ();
		ox_arena_on_free (d->x->arena, (void (*) (void *)) g_ptr_array_unref, pending);
		ox_arena_on_free (d->x->arena, (void (*) (void *)) g_ptr_array_unref, checks);
		/* the expressions as parsed from this statement: binding them (not
		 * the stored copies) makes error positions point into it */
		OxNode **orig_default = OX_NEW_N (d->x->arena, OxNode *, ncols > 0 ? ncols : 1);
		GPtrArray *orig_checks = g_ptr_array_new ();
		ox_arena_on_free (d->x->arena, (void (*) (void *)) g_ptr_array_unref, orig_checks);
		bool have_pk = false;
		/* serial and identity columns: each one's sequence */
		SerialCol *serials = OX_NEW_N (d->x->arena, SerialCol, ncols > 0 ? ncols : 1);
		for (int i = 0; i < ncols; i++) {
			OxColumn *col = &t->cols[i];
			if (as_query) {
				OxTarget *tg = as_query->targets->pdata[i];
				col->name = ox_arena_strdup (a, tg->name);
				col->type = tg->expr->type;
				if (col->type.id == OX_T_UNKNOWN)
					col->type.id = OX_T_TEXT;
				continue;
			}
			OxColumnDef *cd = ct->columns->items[i];
			for (int k = 0; k < i; k++)
				if (!strcmp (t->cols[k].name, cd->name))
					ox_raise (OX_ERR_DUPLICATE_COLUMN, cd->node.loc + 1, "column \"%s\" specified more than once", cd->name);
			col->name = ox_arena_strdup (a, cd->name);
			if (ox_serial_type (cd->type, &col->type))
				serial_column (d, sc, t, i, serials);
			else
				col->type = ox_resolve_typename (d->x, d->x->arena, cd->type);
			for (int k = 0; k < OX_LIST_N (cd->constraints); k++) {
				OxConstraint *c = cd->constraints->items[k];
				switch (c->type) {
				case OX_CONSTR_NOTNULL:
					col->notnull = true;
					break;
				case OX_CONSTR_NULL:
					break;
				case OX_CONSTR_DEFAULT:
					col->default_src = ox_arena_strdup (a, c->expr_src);
					col->default_expr = ox_parse_expr_src (a, c->expr_src);
					orig_default[i] = c->expr;
					break;
				case OX_CONSTR_CHECK: {
					OxCheck *ck = OX_NEW (a, OxCheck);
					ck->name = c->name ? ox_arena_strdup (a, c->name)
					                   : ox_arena_printf (a, "%s_%s_check", t->obj.name, col->name);
					ck->src = ox_arena_strdup (a, c->expr_src);
					ck->expr = ox_parse_expr_src (a, c->expr_src);
					g_ptr_array_add (checks, ck);
					g_ptr_array_add (orig_checks, c->expr);
					break;
				}
				case OX_CONSTR_PRIMARY:
				case OX_CONSTR_UNIQUE: {
					if (c->type == OX_CONSTR_PRIMARY) {
						if (have_pk)
							ox_raise ("42P16", c->node.loc + 1, "multiple primary keys for table \"%s\" are not allowed", t->obj.name);
						have_pk = true;
						col->notnull = true;
					}
					PendingIndex *pi = g_new0 (PendingIndex, 1);
					pi->ncols = 1;
					pi->cols[0] = i;
					pi->primary = c->type == OX_CONSTR_PRIMARY;
					pi->name = c->name;
					g_ptr_array_add (pending, pi);
					break;
				}
				case OX_CONSTR_FOREIGN:
					ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, c->node.loc + 1, "foreign keys are not supported yet");
				case OX_CONSTR_IDENTITY:
					ox_identity_check (t->obj.name, col, serials[i].identity != 0, serials[i].name != NULL,
					                   c->node.loc + 1);
					serial_column (d, sc, t, i, serials);
					serials[i].identity = c->identity;
					serials[i].opts = c->seq_opts;
					break;
				}
			}
			if (orig_default[i] && serials[i].name)
				ox_raise (OX_ERR_SYNTAX, cd->node.loc + 1, serials[i].identity
				          ? "both default and identity specified for column \"%s\" of table \"%s\""
				          : "multiple default values specified for column \"%s\" of table \"%s\"", col->name, t->obj.name);
		}
		for (int k = 0; k < OX_LIST_N (ct->constraints); k++) {
			OxConstraint *c = ct->constraints->items[k];
			switch (c->type) {
			case OX_CONSTR_CHECK: {
				OxCheck *ck = OX_NEW (a, OxCheck);
				ck->name = c->name ? ox_arena_strdup (a, c->name) : ox_arena_printf (a, "%s_check", t->obj.name);
				ck->src = ox_arena_strdup (a, c->expr_src);
				ck->expr = ox_parse_expr_src (a, c->expr_src);
				g_ptr_array_add (checks, ck);
				g_ptr_array_add (orig_checks, c->expr);
				break;
			}
			case OX_CONSTR_PRIMARY:
			case OX_CONSTR_UNIQUE: {
				PendingIndex *pi = g_new0 (PendingIndex, 1);
				g_ptr_array_add (pending, pi);  /* owned before anything can raise */
				resolve_key_cols (t, c->keys, pi, c->node.loc + 1);
				pi->primary = c->type == OX_CONSTR_PRIMARY;
				pi->name = c->name;
				if (pi->primary) {
					if (have_pk)
						ox_raise ("42P16", c->node.loc + 1, "multiple primary keys for table \"%s\" are not allowed", t->obj.name);
					have_pk = true;
					for (int i = 0; i < pi->ncols; i++)
						t->cols[pi->cols[i]].notnull = true;
				}
				break;
			}
			case OX_CONSTR_FOREIGN:
				ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, c->node.loc + 1, "foreign keys are not supported yet");
			default:
				break;
			}
		}
		t->nchecks = (int) checks->len;
		t->checks = OX_NEW_N (a, OxCheck, checks->len > 0 ? checks->len : 1);
		for (guint i = 0; i < checks->len; i++)
			t->checks[i] = *(OxCheck *) checks->pdata[i];
		/* bind defaults and checks once now so that errors show at CREATE */
		for (int i = 0; i < t->ncols; i++) {
			if (orig_default[i]) {
				/* a DEFAULT sees no columns */
				OxTable dummy = { .ncols = 0 };
				dummy.obj.name = t->obj.name;
				ox_bind_table_expr (d->x, d->s, &dummy, orig_default[i], d->x->arena);
			}
		}
		t->data = ox_table_data_new (t->ncols, t->obj.name);
		for (int i = 0; i < t->ncols; i++)  /* the rows' packed layout (storage/tuple.h) */
			ox_row_format_set_type (t->data->fmt, i, t->cols[i].type.id);
		for (guint i = 0; i < orig_checks->len; i++)
			ox_bind_table_expr (d->x, d->s, t, orig_checks->pdata[i], d->x->arena);
		ox_catalog_register (d->c, d->t, &t->obj);
		registered = true;
		for (int i = 0; i < ncols; i++)
			if (serials[i].name)
				ox_serial_create (d->s, t, i, serials[i].name, serials[i].identity, serials[i].opts);
		for (guint i = 0; i < pending->len; i++) {
			PendingIndex *pi = pending->pdata[i];
			char *nm;
			if (pi->name)
				nm = g_strdup (pi->name);
			else {
				char *base = pi->primary ? g_strdup_printf ("%s_pkey", t->obj.name) : index_name_for (t, pi->cols, pi->ncols, "key");
				nm = choose_name (d, sc, base);
				g_free (base);
			}
			if (ox_catalog_relname_taken (d->c, d->t, sc, nm)) {
				char *m = g_strdup_printf ("relation \"%s\" already exists", nm);
				g_free (nm);
				OxErrorData e = { 0 };
				g_strlcpy (e.sqlstate, OX_ERR_DUPLICATE_TABLE, sizeof e.sqlstate);
				e.message = m;
				ox_error_rethrow (&e);
			}
			create_index_obj (d, t, nm, pi->ncols, pi->cols, NULL, true, pi->primary, true);
			g_free (nm);
		}
	} OX_CATCH {
		if (!registered) {
			g_ptr_array_unref (t->indexes);
			ox_table_data_free (t->data);
			g_free (t->obj.name);
			ox_arena_free (a);
		}
		ox_error_rethrow_current ();
	} OX_END_TRY;
	if (as_query) {
		ox_txn_next_cid (d->x->txn);
		OxOp *plan = ox_plan_query (d->x, as_query, d->x->arena);
		d->x->xparams = OX_NEW_N (d->x->arena, OxValue, d->x->nxparams + 1);
		plan->open (plan, d->x);
		OxValue *row;
		int64_t n = 0;
		OxValue *vals = OX_NEW_N (d->x->arena, OxValue, t->ncols + 1);
		while ((row = plan->next (plan, d->x)) != NULL) {
			for (int c = 0; c < t->ncols; c++) {
				vals[c] = row[c];
				if (vals[c].type == OX_T_UNKNOWN && !vals[c].null)
					vals[c].type = OX_T_TEXT;
			}
			uint64_t rid, w;
			while (ox_table_insert (d->t, t->data, vals, &rid, &w) == OX_WRITE_WAIT)
				ox_txn_wait_for (d->t, w);
			n++;
		}
		ox_op_close_tree (plan, d->x);
		d->x->changes = n;
	}
}

static void
ddl_create_index (Ddl *d, OxCreateIndexStmt *ci)
{
	OxTable *t = ox_session_relation (d->s, ci->table->schema, ci->table->name);
	if (!t)
		ox_raise (OX_ERR_UNDEFINED_TABLE, ci->table->node.loc + 1, "relation \"%s\" does not exist", ci->table->name);
	if (t->view_query)
		ox_raise (OX_ERR_WRONG_OBJECT_TYPE, ci->table->node.loc + 1, "\"%s\" is not a table", t->obj.name);
	if (ci->method && strcmp (ci->method, "btree"))
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, ci->node.loc + 1, "access method \"%s\" is not supported yet", ci->method);
	ox_txn_lock_ddl (d->t);
	ox_txn_lock_relation (d->t, t->obj.oid, OX_LOCK_SHARE);
	if (ox_cat_dropped_latest (&t->obj, d->t))
		ox_raise (OX_ERR_UNDEFINED_TABLE, ci->table->node.loc + 1, "relation \"%s\" does not exist", ci->table->name);
	int n = ci->elems->n;
	if (n > 32)
		ox_raise (OX_ERR_PROGRAM_LIMIT, ci->node.loc + 1, "cannot use more than 32 columns in an index");
	int cols[32];
	bool desc[32];
	for (int i = 0; i < n; i++) {
		OxIndexElem *el = ci->elems->items[i];
		if (!el->column)
			ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, el->node.loc + 1, "indexes on expressions are not supported yet");
		cols[i] = find_col (t, el->column);
		if (cols[i] < 0)
			ox_raise (OX_ERR_UNDEFINED_COLUMN, el->node.loc + 1, "column \"%s\" does not exist", el->column);
		desc[i] = el->dir == OX_SORT_DESC;
	}
	OxSchema *sc = t->obj.schema;
	char *volatile name;
	if (ci->name) {
		if (ox_catalog_relname_taken (d->c, d->t, sc, ci->name)) {
			if (ci->if_not_exists) {
				ox_session_notice (d->s, "42P07", "relation \"%s\" already exists, skipping", ci->name);
				return;
			}
			ox_raise (OX_ERR_DUPLICATE_TABLE, ci->node.loc + 1, "relation \"%s\" already exists", ci->name);
		}
		name = g_strdup (ci->name);
	} else {
		char *base = index_name_for (t, cols, n, "idx");
		name = choose_name (d, sc, base);
		g_free (base);
	}
	volatile bool failed = false;
	OX_TRY {
		create_index_obj (d, t, name, n, cols, desc, ci->unique, false, false);
	} OX_CATCH {
		failed = true;
	} OX_END_TRY;
	g_free (name);
	if (failed)
		ox_error_rethrow_current ();
}

static void collect_deps_query (OxQuery *q, GArray *out);
static void add_dep (GArray *out, uint32_t oid);

static void
collect_deps_expr (OxExpr *e, GArray *out)
{
	if (!e)
		return;
	if (e->kind == OX_E_SUBLINK)
		collect_deps_query (e->subquery, out);
	if (e->kind == OX_E_UFUNC)
		add_dep (out, e->routine->obj.oid);  /* DROP FUNCTION must not break the view */
	for (int i = 0; i < e->nargs; i++)
		collect_deps_expr (e->args[i], out);
}

static void
add_dep (GArray *out, uint32_t oid)
{
	for (guint i = 0; i < out->len; i++)
		if (g_array_index (out, uint32_t, i) == oid)
			return;
	g_array_append_val (out, oid);
}

/* The tables and views a bound query reads (for DROP's dependency check). */
static void
collect_deps_query (OxQuery *q, GArray *out)
{
	if (!q)
		return;
	collect_deps_query (q->larg, out);
	collect_deps_query (q->rarg, out);
	for (guint i = 0; i < q->rtable->len; i++) {
		OxRte *r = q->rtable->pdata[i];
		if (r->kind == OX_RTE_TABLE && r->table)
			add_dep (out, r->table->obj.oid);
		else if (r->view)
			add_dep (out, r->view->obj.oid);
		else if (r->kind == OX_RTE_SUBQUERY)
			collect_deps_query (r->subquery, out);
	}
	for (guint i = 0; i < q->targets->len; i++)
		collect_deps_expr (((OxTarget *) q->targets->pdata[i])->expr, out);
	collect_deps_expr (q->where, out);
	collect_deps_expr (q->having, out);
	for (guint i = 0; q->values && i < q->values->len; i++) {
		GPtrArray *row = q->values->pdata[i];
		for (guint c = 0; c < row->len; c++)
			collect_deps_expr (row->pdata[c], out);
	}
}

static void
ddl_create_view (Ddl *d, OxCreateViewStmt *cv)
{
	OxSchema *sc = target_schema (d, cv->view);
	ox_txn_lock_ddl (d->t);
	OxCatObject *old = ox_catalog_relname_taken (d->c, d->t, sc, cv->view->name);
	if (old) {
		if (!cv->or_replace || old->kind != OX_KIND_VIEW)
			ox_raise (OX_ERR_DUPLICATE_TABLE, cv->view->node.loc + 1, "relation \"%s\" already exists", cv->view->name);
	}
	/* validate and learn the columns */
	int np = 0;
	OxType pt[4];
	OxQuery *q = ox_bind_select (d->x, d->s, cv->query, d->x->arena, NULL, &np);
	(void) pt;
	int n = 0;
	for (guint i = 0; i < q->targets->len; i++)
		if (!((OxTarget *) q->targets->pdata[i])->resjunk)
			n++;
	if (cv->colnames && cv->colnames->n > n)
		ox_raise (OX_ERR_SYNTAX, cv->node.loc + 1, "CREATE VIEW specifies more column names than columns");
	OxArena *a = ox_catalog_arena_new ();
	OxTable *v = OX_NEW (a, OxTable);
	v->obj.kind = OX_KIND_VIEW;
	v->obj.name = g_strdup (cv->view->name);
	v->obj.schema = sc;
	v->obj.arena = a;
	v->indexes = g_ptr_array_new ();
	v->ncols = n;
	v->cols = OX_NEW_N (a, OxColumn, n > 0 ? n : 1);
	int j = 0;
	for (guint i = 0; i < q->targets->len; i++) {
		OxTarget *tg = q->targets->pdata[i];
		if (tg->resjunk)
			continue;
		const char *nm = cv->colnames && j < cv->colnames->n ? cv->colnames->items[j] : tg->name;
		for (int k = 0; k < j; k++)
			if (!strcmp (v->cols[k].name, nm)) {
				g_ptr_array_unref (v->indexes);
				g_free (v->obj.name);
				ox_arena_free (a);
				ox_raise (OX_ERR_DUPLICATE_COLUMN, cv->node.loc + 1, "column \"%s\" specified more than once", nm);
			}
		v->cols[j].name = ox_arena_strdup (a, nm);
		v->cols[j].type = tg->expr->type;
		j++;
	}
	GArray *deps = g_array_new (FALSE, FALSE, sizeof (uint32_t));
	collect_deps_query (q, deps);
	v->ndeps = (int) deps->len;
	/* a view over no table (SELECT 1) has no dependencies, and an empty
	 * GArray's data is NULL: allocate rather than copy from it */
	v->deps = OX_NEW_N (a, uint32_t, deps->len ? deps->len : 1);
	if (deps->len)
		memcpy (v->deps, deps->data, sizeof (uint32_t) * deps->len);
	g_array_unref (deps);
	v->view_src = ox_arena_strdup (a, cv->query_src);
	size_t end;
	v->view_query = (OxSelectStmt *) ox_parse_one (a, v->view_src, strlen (v->view_src), &end);
	if (old)
		ox_catalog_drop (d->c, d->t, old);
	ox_catalog_register (d->c, d->t, &v->obj);
}

static const char *
objtype_name (OxObjectType t)
{
	switch (t) {
	case OX_OBJ_TABLE: return "table";
	case OX_OBJ_VIEW: return "view";
	case OX_OBJ_INDEX: return "index";
	default: return "schema";
	}
}

static void
drop_table_obj (Ddl *d, OxTable *t)
{
	GPtrArray *ixs = ox_catalog_table_indexes (d->c, d->t, t);
	for (guint i = 0; i < ixs->len; i++)
		ox_catalog_drop (d->c, d->t, ixs->pdata[i]);
	g_ptr_array_unref (ixs);
	ox_triggers_drop_for_table (d->s, t);
	ox_sequences_drop_owned (d->s, t);
	ox_catalog_drop (d->c, d->t, &t->obj);
}

/* Views (visible to us) that read object oid. */
static GPtrArray *
dependent_views (Ddl *d, uint32_t oid)
{
	GPtrArray *all = ox_catalog_list (d->c, d->t, OX_KIND_VIEW);
	GPtrArray *out = g_ptr_array_new ();
	for (guint i = 0; i < all->len; i++) {
		OxTable *v = all->pdata[i];
		for (int k = 0; k < v->ndeps; k++)
			if (v->deps[k] == oid) {
				g_ptr_array_add (out, v);
				break;
			}
	}
	g_ptr_array_unref (all);
	return out;
}

/* Refuse (2BP01) or, with CASCADE, drop the views that depend on o. */
static void
drop_dependents (Ddl *d, OxCatObject *o, bool cascade, int loc)
{
	GPtrArray *deps = dependent_views (d, o->oid);
	ox_arena_on_free (d->x->arena, (void (*) (void *)) g_ptr_array_unref, deps);
	if (deps->len == 0)
		return;
	const char *kind = o->kind == OX_KIND_VIEW ? "view" : o->kind == OX_KIND_ROUTINE ? "function" : "table";
	const char *oname = o->kind == OX_KIND_ROUTINE ? ((OxRoutine *) o)->signature : o->name;
	if (!cascade) {
		GString *detail = g_string_new (NULL);
		for (guint i = 0; i < deps->len; i++)
			g_string_append_printf (detail, "%sview %s depends on %s %s", i ? "\n" : "",
			                        ((OxTable *) deps->pdata[i])->obj.name, kind, oname);
		char *det = ox_arena_strdup (d->x->arena, detail->str);
		g_string_free (detail, TRUE);
		ox_raise_full (OX_ERR_DEPENDENT_OBJECTS, loc, det, "Use DROP ... CASCADE to drop the dependent objects too.",
		               "cannot drop %s %s because other objects depend on it", kind, oname);
	}
	for (guint i = 0; i < deps->len; i++) {
		OxTable *v = deps->pdata[i];
		if (__atomic_load_n (&v->obj.xmax, __ATOMIC_ACQUIRE) == d->t->id)
			continue;  /* already dropped through another dependency */
		drop_dependents (d, &v->obj, true, loc);
		ox_session_notice (d->s, "00000", "drop cascades to view %s", v->obj.name);
		ox_catalog_drop (d->c, d->t, &v->obj);
	}
}

/* Functions returning relation o's row type: 2BP01, or dropped (CASCADE). */
static void
drop_rowtype_routines (Ddl *d, OxCatObject *o, bool cascade, int loc)
{
	GPtrArray *all = ox_catalog_list (d->c, d->t, OX_KIND_ROUTINE);
	for (guint i = 0; i < all->len; i++) {
		OxRoutine *r = all->pdata[i];
		if (r->rowtype_oid != o->oid)
			continue;
		if (!cascade) {
			char detail[300];
			g_snprintf (detail, sizeof detail, "function %s depends on type %s", r->signature, o->name);
			g_ptr_array_unref (all);
			ox_raise_full (OX_ERR_DEPENDENT_OBJECTS, loc, detail, "Use DROP ... CASCADE to drop the dependent objects too.",
			               "cannot drop table %s because other objects depend on it", o->name);
		}
		ox_session_notice (d->s, "00000", "drop cascades to function %s", r->signature);
		ox_catalog_drop (d->c, d->t, &r->obj);
	}
	g_ptr_array_unref (all);
}

static void
ddl_drop (Ddl *d, OxDropStmt *ds)
{
	if (ds->type == OX_OBJ_FUNCTION || ds->type == OX_OBJ_PROCEDURE || ds->type == OX_OBJ_ROUTINE) {
		ox_ddl_drop_routines (d->s, d->x, ds);
		return;
	}
	if (ds->type == OX_OBJ_TRIGGER) {
		ox_ddl_drop_trigger (d->s, d->x, ds);
		return;
	}
	if (ds->type == OX_OBJ_SCHEDULE) {
		ox_ddl_drop_schedule (d->s, d->x, ds);
		return;
	}
	if (ds->type == OX_OBJ_EVENT_TRIGGER) {
		ox_ddl_drop_event_trigger (d->s, d->x, ds);
		return;
	}
	if (ds->type == OX_OBJ_ROLE) {
		ox_ddl_drop_role (d->s, ds);
		return;
	}
	if (ds->type == OX_OBJ_SEQUENCE) {
		ox_ddl_drop_sequence (d->s, d->x, ds);
		return;
	}
	ox_txn_lock_ddl (d->t);
	for (int i = 0; i < ds->names->n; i++) {
		OxRangeVar *rv = ds->names->items[i];
		if (ds->type == OX_OBJ_SCHEMA) {
			OxSchema *sc = ox_catalog_schema_latest (d->c, d->t, rv->name);
			if (!sc) {
				if (ds->if_exists) {
					ox_session_notice (d->s, "00000", "schema \"%s\" does not exist, skipping", rv->name);
					continue;
				}
				ox_raise (OX_ERR_UNDEFINED_SCHEMA, rv->node.loc + 1, "schema \"%s\" does not exist", rv->name);
			}
			GPtrArray *all = ox_catalog_list (d->c, d->t, -1);
			GPtrArray *inside = g_ptr_array_new ();
			for (guint k = 0; k < all->len; k++) {
				OxCatObject *o = all->pdata[k];
				if (o->schema == sc)
					g_ptr_array_add (inside, o);
			}
			g_ptr_array_unref (all);
			if (inside->len && !ds->cascade) {
				g_ptr_array_unref (inside);
				ox_raise_full (OX_ERR_DEPENDENT_OBJECTS, rv->node.loc + 1, NULL,
				               "Use DROP ... CASCADE to drop the dependent objects too.",
				               "cannot drop schema %s because other objects depend on it", rv->name);
			}
			for (guint k = 0; k < inside->len; k++)
				ox_catalog_drop (d->c, d->t, inside->pdata[k]);
			g_ptr_array_unref (inside);
			ox_catalog_drop (d->c, d->t, &sc->obj);
			continue;
		}
		OxSchema *sc = NULL;
		OxCatObject *o = NULL;
		if (rv->schema) {
			sc = ox_catalog_schema (d->c, d->t, rv->schema);
			if (sc)
				o = ox_catalog_relname_taken (d->c, d->t, sc, rv->name);
		} else {
			for (char **p = d->s->search_path; *p && !o; p++) {
				sc = ox_catalog_schema (d->c, d->t, *p);
				if (sc)
					o = ox_catalog_relname_taken (d->c, d->t, sc, rv->name);
			}
		}
		OxObjKind want = ds->type == OX_OBJ_TABLE ? OX_KIND_TABLE : ds->type == OX_OBJ_VIEW ? OX_KIND_VIEW : OX_KIND_INDEX;
		if (!o) {
			if (ds->if_exists) {
				ox_session_notice (d->s, "00000", "%s \"%s\" does not exist, skipping", objtype_name (ds->type), rv->name);
				continue;
			}
			ox_raise (ds->type == OX_OBJ_INDEX ? OX_ERR_UNDEFINED_OBJECT : OX_ERR_UNDEFINED_TABLE, rv->node.loc + 1,
			          "%s \"%s\" does not exist", objtype_name (ds->type), rv->name);
		}
		if (o->kind != want) {
			const char *hint = o->kind == OX_KIND_VIEW ? "Use DROP VIEW to remove a view."
			                   : o->kind == OX_KIND_SEQUENCE ? "Use DROP SEQUENCE to remove a sequence."
			                   : o->kind == OX_KIND_TABLE ? "Use DROP TABLE to remove a table."
			                   : "Use DROP INDEX to remove an index.";
			ox_raise_full (OX_ERR_WRONG_OBJECT_TYPE, rv->node.loc + 1, NULL, hint, "\"%s\" is not %s", rv->name,
			               ds->type == OX_OBJ_TABLE ? "a table" : ds->type == OX_OBJ_VIEW ? "a view" : "an index");
		}
		if (o->kind == OX_KIND_TABLE || o->kind == OX_KIND_VIEW)
			drop_rowtype_routines (d, o, ds->cascade, rv->node.loc + 1);
		if ((o->kind == OX_KIND_TABLE || o->kind == OX_KIND_VIEW) && ox_session_relation_in_use (d->s, o->oid))
			ox_raise (OX_ERR_OBJECT_IN_USE, rv->node.loc + 1,
			          "cannot DROP %s \"%s\" because it is being used by active queries in this session",
			          o->kind == OX_KIND_TABLE ? "TABLE" : "VIEW", o->name);
		if (o->kind == OX_KIND_TABLE || o->kind == OX_KIND_VIEW)
			drop_dependents (d, o, ds->cascade, 0);
		if (o->kind == OX_KIND_TABLE) {
			ox_txn_lock_relation (d->t, o->oid, OX_LOCK_ACCESS_EXCLUSIVE);
			drop_table_obj (d, (OxTable *) o);
		}
		else if (o->kind == OX_KIND_INDEX) {
			OxIndex *ix = (OxIndex *) o;
			if (ix->is_constraint)
				ox_raise_full (OX_ERR_DEPENDENT_OBJECTS, rv->node.loc + 1, NULL,
				               "You can drop constraint on table instead.",
				               "cannot drop index %s because constraint %s on table %s requires it", rv->name,
				               rv->name, ix->table->obj.name);
			ox_txn_lock_relation (d->t, ix->table->obj.oid, OX_LOCK_ACCESS_EXCLUSIVE);
			ox_catalog_drop (d->c, d->t, o);
		} else
			ox_catalog_drop (d->c, d->t, o);
	}
}

static void
ddl_truncate (Ddl *d, OxTruncateStmt *ts)
{
	ox_txn_lock_ddl (d->t);
	for (int i = 0; i < ts->tables->n; i++) {
		OxRangeVar *rv = ts->tables->items[i];
		OxTable *t = ox_session_relation (d->s, rv->schema, rv->name);
		if (!t)
			ox_raise (OX_ERR_UNDEFINED_TABLE, rv->node.loc + 1, "relation \"%s\" does not exist", rv->name);
		if (t->view_query)
			ox_raise (OX_ERR_WRONG_OBJECT_TYPE, rv->node.loc + 1, "\"%s\" is not a table", rv->name);
		ox_txn_lock_relation (d->t, t->obj.oid, OX_LOCK_ACCESS_EXCLUSIVE);
		if (ox_cat_dropped_latest (&t->obj, d->t))
			ox_raise (OX_ERR_UNDEFINED_TABLE, rv->node.loc + 1, "relation \"%s\" does not exist", rv->name);
		if (ox_session_relation_in_use (d->s, t->obj.oid))
			ox_raise (OX_ERR_OBJECT_IN_USE, rv->node.loc + 1,
			          "cannot TRUNCATE \"%s\" because it is being used by active queries in this session", t->obj.name);
		OxTrigSet *trig = ox_triggers_for (d->x, t, OX_TRIG_TRUNCATE, d->x->arena);
		ox_trigset_before_statement (d->x, trig, NULL);
		if (ts->restart_identity)
			ox_sequences_restart_owned (d->s, t);
		/* Delete every row version we can see, waiting for writers as any
		 * DELETE would: TRUNCATE stays transactional and MVCC-safe. */
		ox_txn_next_cid (d->t);
		uint64_t pos = 0;
		OxRow buf[256];
		uint64_t rids[256];
		int n;
		while ((n = ox_table_scan (d->t, t->data, &pos, buf, rids, 256)) > 0) {
			for (int k = 0; k < n; k++) {
				OxRow seen = buf[k];
				for (;;) {
					uint64_t w = 0;
					OxRow latest = NULL;
					OxWriteResult r = ox_table_update (d->t, t->data, rids[k], seen, NULL, &w, &latest);
					if (r == OX_WRITE_WAIT) {
						ox_txn_wait_for (d->t, w);
						continue;
					}
					if (r == OX_WRITE_CONCURRENT) {
						if (d->t->iso != OX_ISO_READ_COMMITTED)
							ox_raise (OX_ERR_SERIALIZATION, 0, "could not serialize access due to concurrent update");
						if (latest) {
							seen = latest;
							continue;
						}
					}
					break;
				}
			}
		}
		if (trig) {
			ox_trigset_after_statement (d->x, trig, NULL);
			ox_trigset_reset (trig);
		}
	}
}

/* ALTER TABLE t ADD [CONSTRAINT name] PRIMARY KEY (cols) | UNIQUE (cols):
 * a unique index that is the constraint, built over the rows there are
 * (23505 when they repeat a key).
 * NOTE: a primary key's columns must be NOT NULL already: making a column
 * NOT NULL after the fact (which PostgreSQL does here) needs a catalog
 * change of the table that is not there yet, so it is refused (0A000)
 * rather than leaving NULLs in a key.  pgbench declares its keys NOT NULL. */
static void
ddl_alter_table_add (Ddl *d, OxAlterTableAddStmt *as)
{
	OxRangeVar *rv = as->table;
	OxConstraint *c = as->constraint;
	OxTable *t = ox_session_relation (d->s, rv->schema, rv->name);
	if (!t) {
		if (as->if_exists) {
			ox_session_notice (d->s, "00000", "relation \"%s\" does not exist, skipping", rv->name);
			return;
		}
		ox_raise (OX_ERR_UNDEFINED_TABLE, rv->node.loc + 1, "relation \"%s\" does not exist", rv->name);
	}
	if (t->view_query)
		ox_raise (OX_ERR_WRONG_OBJECT_TYPE, rv->node.loc + 1, "\"%s\" is not a table", rv->name);
	if (c->type == OX_CONSTR_FOREIGN)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, c->node.loc + 1, "foreign keys are not supported yet");
	if (c->type != OX_CONSTR_PRIMARY && c->type != OX_CONSTR_UNIQUE)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, c->node.loc + 1, "ALTER TABLE ... ADD CHECK is not supported yet");
	ox_txn_lock_ddl (d->t);
	ox_txn_lock_relation (d->t, t->obj.oid, OX_LOCK_ACCESS_EXCLUSIVE);
	if (ox_cat_dropped_latest (&t->obj, d->t))
		ox_raise (OX_ERR_UNDEFINED_TABLE, rv->node.loc + 1, "relation \"%s\" does not exist", rv->name);
	PendingIndex pi = { 0 };
	resolve_key_cols (t, c->keys, &pi, c->node.loc + 1);
	bool primary = c->type == OX_CONSTR_PRIMARY;
	if (primary) {
		for (guint i = 0; i < t->indexes->len; i++) {
			OxIndex *ix = t->indexes->pdata[i];
			if (ix->primary && !ox_cat_dropped_latest (&ix->obj, d->t))
				ox_raise ("42P16", c->node.loc + 1, "multiple primary keys for table \"%s\" are not allowed",
				          t->obj.name);
		}
		for (int i = 0; i < pi.ncols; i++)
			if (!t->cols[pi.cols[i]].notnull)
				ox_raise_full (OX_ERR_FEATURE_NOT_SUPPORTED, c->node.loc + 1, NULL,
				               "Declare the column NOT NULL when creating the table.",
				               "ALTER TABLE ... ADD PRIMARY KEY on column \"%s\", which allows nulls, is not supported yet",
				               t->cols[pi.cols[i]].name);
	}
	OxSchema *sc = t->obj.schema;
	char *volatile nm;
	if (c->name)
		nm = g_strdup (c->name);
	else {
		char *base = primary ? g_strdup_printf ("%s_pkey", t->obj.name) : index_name_for (t, pi.cols, pi.ncols, "key");
		nm = choose_name (d, sc, base);
		g_free (base);
	}
	volatile bool failed = false;
	OX_TRY {
		if (ox_catalog_relname_taken (d->c, d->t, sc, nm))
			ox_raise (OX_ERR_DUPLICATE_TABLE, c->node.loc + 1, "relation \"%s\" already exists", nm);
		create_index_obj (d, t, nm, pi.ncols, pi.cols, NULL, true, primary, true);
	} OX_CATCH {
		failed = true;
	} OX_END_TRY;
	g_free (nm);
	if (failed)
		ox_error_rethrow_current ();
}

/* VACUUM and ANALYZE: storage here reclaims old row versions as soon as
 * no transaction can see them and the planner keeps no statistics, so
 * both only check their tables exist (and VACUUM that it runs outside a
 * transaction block, as PostgreSQL requires). */
static void
exec_vacuum (OxSession *s, OxVacuumStmt *vs)
{
	if (vs->vacuum && s->in_block)
		ox_raise ("25001", 0, "VACUUM cannot run inside a transaction block");
	for (int i = 0; i < OX_LIST_N (vs->tables); i++) {
		OxRangeVar *rv = vs->tables->items[i];
		if (!ox_session_relation (s, rv->schema, rv->name))
			ox_raise (OX_ERR_UNDEFINED_TABLE, rv->node.loc + 1, "relation \"%s\" does not exist", rv->name);
	}
}

/* CREATE TABLE ... WITH (storage parameters): the ones PostgreSQL knows
 * for tables are accepted (and mean nothing to in-memory storage);
 * fillfactor is range-checked as there. */
static void
check_table_options (OxList *opts)
{
	static const char *const known[] = {
		"fillfactor", "autovacuum_enabled", "toast_tuple_target", "parallel_workers",
		"autovacuum_vacuum_threshold", "autovacuum_vacuum_scale_factor", "autovacuum_analyze_threshold",
		"autovacuum_analyze_scale_factor", "autovacuum_vacuum_cost_delay", "autovacuum_vacuum_cost_limit",
		"autovacuum_freeze_min_age", "autovacuum_freeze_max_age", "autovacuum_freeze_table_age",
		"autovacuum_vacuum_insert_threshold", "autovacuum_vacuum_insert_scale_factor",
		"user_catalog_table", "log_autovacuum_min_duration", "vacuum_index_cleanup", "vacuum_truncate",
		"toast.autovacuum_enabled",
	};
	for (int i = 0; i < OX_LIST_N (opts); i++) {
		OxCopyOption *o = opts->items[i];
		bool ok = false;
		for (size_t k = 0; k < G_N_ELEMENTS (known); k++)
			ok |= !strcmp (o->name, known[k]);
		if (!ok)
			ox_raise ("22023", 0, "unrecognized parameter \"%s\"", o->name);
		if (!strcmp (o->name, "fillfactor")) {
			char *end = NULL;
			long v = o->value ? strtol (o->value, &end, 10) : 0;
			if (!o->value || *end)
				ox_raise ("22023", 0, "invalid value for integer option \"fillfactor\": %s",
				          o->value ? o->value : "true");
			if (v < 10 || v > 100)
				ox_raise_full ("22023", 0, "Valid values are between \"10\" and \"100\".", NULL,
				               "value %s out of bounds for option \"fillfactor\"", o->value);
		}
	}
}

/* ---- execution -------------------------------------------------------------------------------------- */

/* ALTER TABLE / VIEW / INDEX tags, as written (PostgreSQL's command tag) */
static const char *
alter_table_tag (OxAlterTableStmt *as)
{
	return as->objtype == OX_OBJ_VIEW ? "ALTER VIEW" : as->objtype == OX_OBJ_INDEX ? "ALTER INDEX" : "ALTER TABLE";
}

static const char *
alter_rename_tag (OxAlterRenameStmt *rs)
{
	switch (rs->objtype) {
	case OX_OBJ_SCHEMA: return "ALTER SCHEMA";
	case OX_OBJ_FUNCTION: return "ALTER FUNCTION";
	case OX_OBJ_PROCEDURE: return "ALTER PROCEDURE";
	default: return "ALTER ROUTINE";
	}
}

static const char *
utility_tag (OxNode *n)
{
	switch (n->tag) {
	case OX_N_CREATE_TABLE: return ((OxCreateTableStmt *) n)->as_select ? "SELECT" : "CREATE TABLE";
	case OX_N_CREATE_SCHEMA: return "CREATE SCHEMA";
	case OX_N_CREATE_INDEX: return "CREATE INDEX";
	case OX_N_CREATE_VIEW: return "CREATE VIEW";
	case OX_N_TRUNCATE: return "TRUNCATE TABLE";
	case OX_N_SET: return ((OxSetStmt *) n)->reset ? "RESET" : "SET";
	case OX_N_SHOW: return "SHOW";
	case OX_N_DROP:
		switch (((OxDropStmt *) n)->type) {
		case OX_OBJ_TABLE: return "DROP TABLE";
		case OX_OBJ_VIEW: return "DROP VIEW";
		case OX_OBJ_INDEX: return "DROP INDEX";
		case OX_OBJ_FUNCTION: return "DROP FUNCTION";
		case OX_OBJ_PROCEDURE: return "DROP PROCEDURE";
		case OX_OBJ_ROUTINE: return "DROP ROUTINE";
		case OX_OBJ_TRIGGER: return "DROP TRIGGER";
		case OX_OBJ_SCHEDULE: return "DROP SCHEDULE";
		case OX_OBJ_EVENT_TRIGGER: return "DROP EVENT TRIGGER";
		case OX_OBJ_ROLE: return "DROP ROLE";
		case OX_OBJ_DATABASE: return "DROP DATABASE";
		case OX_OBJ_SEQUENCE: return "DROP SEQUENCE";
		default: return "DROP SCHEMA";
		}
	case OX_N_CREATE_FUNCTION:
		return ((OxCreateFunctionStmt *) n)->is_procedure ? "CREATE PROCEDURE" : "CREATE FUNCTION";
	case OX_N_CALL: return "CALL";
	case OX_N_DO: return "DO";
	case OX_N_CREATE_TRIGGER: return "CREATE TRIGGER";
	case OX_N_ALTER_TRIGGER: return ((OxAlterTriggerStmt *) n)->rename_to ? "ALTER TRIGGER" : "ALTER TABLE";
	case OX_N_CREATE_SCHEDULE: return "CREATE SCHEDULE";
	case OX_N_ALTER_SCHEDULE: return "ALTER SCHEDULE";
	case OX_N_CREATE_EVENT_TRIGGER: return "CREATE EVENT TRIGGER";
	case OX_N_ALTER_EVENT_TRIGGER: return "ALTER EVENT TRIGGER";
	case OX_N_COPY: return "COPY";
	case OX_N_VACUUM: return ((OxVacuumStmt *) n)->vacuum ? "VACUUM" : "ANALYZE";
	case OX_N_ALTER_TABLE_ADD: return "ALTER TABLE";
	case OX_N_ALTER_TABLE: return alter_table_tag ((OxAlterTableStmt *) n);
	case OX_N_ALTER_RENAME: return alter_rename_tag ((OxAlterRenameStmt *) n);
	case OX_N_CREATE_ROLE: return "CREATE ROLE";
	case OX_N_ALTER_ROLE: return "ALTER ROLE";
	case OX_N_CREATE_DATABASE: return "CREATE DATABASE";
	case OX_N_CREATE_SEQUENCE: return "CREATE SEQUENCE";
	case OX_N_ALTER_SEQUENCE: return "ALTER SEQUENCE";
	default: return "???";
	}
}

static void
set_tag (OxStmt *st, const char *fmt, ...)
{
	g_free (st->tag);
	va_list ap;
	va_start (ap, fmt);
	st->tag = g_strdup_vprintf (fmt, ap);
	va_end (ap);
}

static OxSavepoint *
find_savepoint (OxSession *s, const char *name, guint *idx)
{
	for (guint i = s->savepoints->len; i-- > 0;) {
		OxSavepoint *sp = s->savepoints->pdata[i];
		if (!strcmp (sp->name, name)) {
			*idx = i;
			return sp;
		}
	}
	return NULL;
}

static void
pop_savepoints_after (OxSession *s, guint idx)
{
	while (s->savepoints->len > idx) {
		OxSavepoint *sp = g_ptr_array_steal_index (s->savepoints, s->savepoints->len - 1);
		g_free (sp->name);
		g_free (sp);
	}
}

static OxIsolation
effective_iso (OxSession *s, OxIsolation want)
{
	if (want)
		return want;
	if (s->next_iso)
		return s->next_iso;
	return s->default_iso;
}

static void
begin_block (OxSession *s, OxIsolation iso, bool read_only)
{
	s->txn = ox_txn_begin (s->db->mgr, iso);
	s->txn->cancel = &s->cancel;
	s->txn->sync_mode = s->sync_mode;
	s->txn->read_only = read_only;
	s->in_block = true;
	s->failed = false;
}

/* Transaction control; runs even in a failed block where allowed. */
static void
exec_transaction (OxStmt *st, OxTransactionStmt *ts)
{
	OxSession *s = st->s;
	switch (ts->kind) {
	case OX_TXN_BEGIN:
		set_tag (st, ts->node.loc >= 0 && g_ascii_strncasecmp (st->sql + ts->node.loc, "start", 5) == 0 ? "START TRANSACTION" : "BEGIN");
		if (s->in_block) {
			ox_session_notice (s, "25001", "there is already a transaction in progress");
			return;
		}
		begin_block (s, effective_iso (s, ts->isolation), ts->read_only == 1);
		return;
	case OX_TXN_COMMIT:
		if (!s->in_block) {
			ox_session_notice (s, "25P01", "there is no transaction in progress");
			set_tag (st, "COMMIT");
			return;
		}
		if (s->failed) {
			end_txn (s, false);
			set_tag (st, "ROLLBACK");
			return;
		}
		set_tag (st, "COMMIT");
		OX_TRY {
			OxIsolation iso = s->txn->iso;
			bool ro = s->txn->read_only;
			end_txn (s, true);
			if (ts->chain)
				begin_block (s, iso, ro);
		} OX_CATCH {
			/* validation failed: the transaction is rolled back */
			OxErrorData e;
			ox_error_take (&e);
			end_txn (s, false);
			ox_error_rethrow (&e);
		} OX_END_TRY;
		return;
	case OX_TXN_ROLLBACK: {
		set_tag (st, "ROLLBACK");
		if (!s->in_block) {
			ox_session_notice (s, "25P01", "there is no transaction in progress");
			return;
		}
		OxIsolation iso = s->txn->iso;
		bool ro = s->txn->read_only;
		end_txn (s, false);
		if (ts->chain)
			begin_block (s, iso, ro);
		return;
	}
	case OX_TXN_SAVEPOINT: {
		set_tag (st, "SAVEPOINT");
		if (!s->in_block)
			ox_raise (OX_ERR_NO_ACTIVE_TXN, 0, "SAVEPOINT can only be used in transaction blocks");
		if (s->failed)
			ox_raise (OX_ERR_IN_FAILED_TXN, 0, "current transaction is aborted, commands ignored until end of transaction block");
		OxSavepoint *sp = g_new0 (OxSavepoint, 1);
		sp->name = g_strdup (ts->savepoint);
		sp->undo_mark = ox_txn_undo_mark (s->txn);
		g_ptr_array_add (s->savepoints, sp);
		return;
	}
	case OX_TXN_RELEASE: {
		set_tag (st, "RELEASE");
		if (!s->in_block)
			ox_raise (OX_ERR_NO_ACTIVE_TXN, 0, "RELEASE SAVEPOINT can only be used in transaction blocks");
		if (s->failed)
			ox_raise (OX_ERR_IN_FAILED_TXN, 0, "current transaction is aborted, commands ignored until end of transaction block");
		guint idx;
		if (!find_savepoint (s, ts->savepoint, &idx))
			ox_raise (OX_ERR_INVALID_SAVEPOINT, 0, "savepoint \"%s\" does not exist", ts->savepoint);
		pop_savepoints_after (s, idx);
		return;
	}
	case OX_TXN_ROLLBACK_TO: {
		set_tag (st, "ROLLBACK");
		if (!s->in_block)
			ox_raise (OX_ERR_NO_ACTIVE_TXN, 0, "ROLLBACK TO SAVEPOINT can only be used in transaction blocks");
		guint idx;
		OxSavepoint *sp = find_savepoint (s, ts->savepoint, &idx);
		if (!sp)
			ox_raise (OX_ERR_INVALID_SAVEPOINT, 0, "savepoint \"%s\" does not exist", ts->savepoint);
		ox_txn_rollback_to (s->txn, sp->undo_mark);
		pop_savepoints_after (s, idx + 1);
		s->failed = false;
		return;
	}
	}
}

static void
show_rows (OxStmt *st, OxShowStmt *sh)
{
	OxSession *s = st->s;
	st->util_rows = g_ptr_array_new_with_free_func (g_free);
	if (!strcmp (sh->name, "all")) {
		const char *names[] = { "search_path", "timezone", "transaction_isolation", "default_transaction_isolation" };
		for (size_t i = 0; i < G_N_ELEMENTS (names); i++) {
			g_ptr_array_add (st->util_rows, g_strdup (names[i]));
			g_ptr_array_add (st->util_rows, setting_value (s, names[i]));
			g_ptr_array_add (st->util_rows, g_strdup (""));
		}
		for (size_t i = 0; i < G_N_ELEMENTS (passive_settings); i++) {
			g_ptr_array_add (st->util_rows, g_strdup (passive_settings[i][0]));
			g_ptr_array_add (st->util_rows, setting_value (s, passive_settings[i][0]));
			g_ptr_array_add (st->util_rows, g_strdup (""));
		}
		return;
	}
	char *v = setting_value (s, sh->name);
	if (!v)
		ox_raise (OX_ERR_UNDEFINED_OBJECT, 0, "unrecognized configuration parameter \"%s\"", sh->name);
	g_ptr_array_add (st->util_rows, v);
}

/* Begin the run of a statement: transaction, binding, planning, opening. */
static void
stmt_start (OxStmt *st)
{
	OxSession *s = st->s;
	OxNode *ast = st->ast;
	st->changes = 0;
	g_clear_pointer (&st->tag, g_free);
	st->tag_verb = NULL;
	if (ast->tag == OX_N_TRANSACTION) {
		OxTransactionStmt *ts = (OxTransactionStmt *) ast;
		if (s->failed && ts->kind != OX_TXN_COMMIT && ts->kind != OX_TXN_ROLLBACK && ts->kind != OX_TXN_ROLLBACK_TO)
			ox_raise (OX_ERR_IN_FAILED_TXN, 0, "current transaction is aborted, commands ignored until end of transaction block");
		exec_transaction (st, ts);
		return;
	}
	if (s->failed)
		ox_raise (OX_ERR_IN_FAILED_TXN, 0, "current transaction is aborted, commands ignored until end of transaction block");
	if (ast->tag == OX_N_SET && !((OxSetStmt *) ast)->name) {
		exec_set (s, (OxSetStmt *) ast);
		set_tag (st, "RESET");
		return;
	}
	if (ast->tag == OX_N_SET) {
		OxSetStmt *ss = (OxSetStmt *) ast;
		if (!strcmp (ss->name, "transaction_isolation") && !s->in_block && ss->isolation) {
			/* SET TRANSACTION outside a block affects nothing (warning) */
		}
		exec_set (s, ss);
		set_tag (st, "%s", utility_tag (ast));
		return;
	}
	if (ast->tag == OX_N_SHOW) {
		show_rows (st, (OxShowStmt *) ast);
		set_tag (st, "SHOW");
		return;
	}
	if (ast->tag == OX_N_CREATE_DATABASE || (ast->tag == OX_N_DROP && ((OxDropStmt *) ast)->type == OX_OBJ_DATABASE)) {
		exec_database_ddl (s, ast);
		set_tag (st, "%s", utility_tag (ast));
		return;
	}
	if (ast->tag == OX_N_CHECKPOINT) {
		OxError e = { 0 };
		if (ox_db_checkpoint (s->db, &e) != OX_OK) {
			OxErrorData ed = { 0 };
			g_strlcpy (ed.sqlstate, e.sqlstate, sizeof ed.sqlstate);
			ed.message = e.message;
			e.message = NULL;
			ox_error_clear (&e);
			ox_error_rethrow (&ed);
		}
		set_tag (st, "CHECKPOINT");
		return;
	}
	if (!s->txn) {
		s->txn = ox_txn_begin (s->db->mgr, effective_iso (s, OX_ISO_DEFAULT));
		s->txn->cancel = &s->cancel;
		s->txn->sync_mode = s->sync_mode;
		st->implicit = true;
	}
	OxTxn *t = s->txn;
	if (t->read_only) {
		OxNode *w = st->kind == SK_EXPLAIN ? ((OxExplainStmt *) ast)->stmt : ast;
		bool writes = st->kind == SK_UTILITY || w->tag == OX_N_INSERT || w->tag == OX_N_UPDATE ||
		              w->tag == OX_N_DELETE;
		if (st->kind == SK_EXPLAIN && !((OxExplainStmt *) ast)->analyze)
			writes = false;
		if ((w->tag == OX_N_COPY && !((OxCopyStmt *) w)->is_from) || w->tag == OX_N_VACUUM)
			writes = false;
		if (writes)
			ox_raise ("25006", 0, "cannot execute %s in a read-only transaction",
			          w->tag == OX_N_INSERT ? "INSERT" : w->tag == OX_N_UPDATE ? "UPDATE" :
			          w->tag == OX_N_DELETE ? "DELETE" : utility_tag (w));
	}
	if (st->nested) {
		st->saved_cid = t->cid;
		st->saved_snapshot = t->snapshot;
		st->cid_saved = true;
	}
	ox_txn_next_cid (t);
	if (t->iso == OX_ISO_READ_COMMITTED || t->cid == 2)
		ox_txn_refresh_snapshot (t);
	if (!st->nested) {
		s->cancel = 0;
		/* statement_timeout counts from here, for the statement and
		 * everything it runs (routines, triggers) */
		if (s->timeout_gen != s->settings_gen + 1) {
			/* parsed again only after a SET (a hash lookup and a parse
			 * at every statement were 5% of a point select) */
			const char *to = g_hash_table_lookup (s->settings, "statement_timeout");
			s->timeout_ms = to ? ox_parse_duration_ms (to) : 0;
			s->timeout_gen = s->settings_gen + 1;
		}
		int64_t ms = s->timeout_ms;
		s->stmt_deadline = ms > 0 ? g_get_monotonic_time () + ms * 1000 : 0;
	}
	if (st->kind == SK_QUERY && reuse_plan (st)) {
		coerce_params (st);
		set_opened (st, true);
		if (G_UNLIKELY (s->debug_queries) && ox_debug_active (s))
			ox_debug_plan_attach (st->plan, &st->x, st->sql, (const char *const *) st->colnames, st->ncols);
		st->plan->open (st->plan, &st->x);
		return;
	}
	if (st->plan_cached) {
		/* stale: rebuild from scratch */
		stmt_reset_exec (st);
		st->running = true;
	}
	uint64_t catgen = ox_catalog_version (s->db->catalog);
	init_exec (st);
	OxExec *x = &st->x;
	if (st->kind == SK_QUERY || st->kind == SK_EXPLAIN) {
		OxNode *inner = st->kind == SK_EXPLAIN ? ((OxExplainStmt *) ast)->stmt : ast;
		if (st->kind == SK_EXPLAIN && !is_query (inner))
			ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, inner->loc + 1, "EXPLAIN of %s is not supported",
			          ox_node_tag_name (inner->tag));
		int np = st->nparams;
		gint64 t_plan = st->kind == SK_EXPLAIN && ((OxExplainStmt *) ast)->summary ? g_get_monotonic_time () : 0;
		OxQuery *q = bind_stmt (st, inner);
		if (st->nparams > np && st->kind == SK_QUERY) {
			/* more parameters than at prepare time: only possible if the
			 * catalog changed; the new ones are unbound (NULL) */
			st->pvals = g_renew (OxValue, st->pvals, st->nparams);
			for (int i = np; i < st->nparams; i++) {
				st->pvals[i] = ox_null (OX_T_UNKNOWN);
				st->pvals[i].flags = OX_VALUE_UNBOUND;
			}
			x->params = st->pvals;
		}
		x->nparams = st->nparams;
		st->plan = ox_plan_query (x, q, x->arena);
		x->xparams = OX_NEW_N (x->arena, OxValue, x->nxparams + 1);
		if (st->kind == SK_EXPLAIN) {
			OxExplainStmt *ex = (OxExplainStmt *) ast;
			OxExplainOpts eo = { .analyze = ex->analyze, .timing = ex->timing, .summary = ex->summary,
			                     .json = ex->json };
			x->analyze = ex->analyze;
			/* the clock is read only when the summary or the timing shows it */
			gint64 t_run = 0;
			if (ex->summary) {
				t_run = g_get_monotonic_time ();
				eo.planning_ms = (t_run - t_plan) / 1000.0;
			}
			if (ex->analyze) {
				if (ex->timing)
					ox_explain_timing_attach (st->plan, x->arena);
				set_opened (st, true);
				st->plan->open (st->plan, x);
				while (st->plan->next (st->plan, x))
					;
				if (ex->summary)
					eo.execution_ms = (g_get_monotonic_time () - t_run) / 1000.0;
			}
			GPtrArray *lines = ox_explain_render (st->plan, x, &eo);
			st->util_rows = lines;
			set_tag (st, "EXPLAIN");
			return;
		}
		set_opened (st, true);
		st->plan_cached = !x->volatile_rows;
		st->cache_catgen = catgen;
		st->cache_setgen = s->settings_gen;
		coerce_params (st);
		if (G_UNLIKELY (s->debug_queries) && ox_debug_active (s))
			ox_debug_plan_attach (st->plan, x, st->sql, (const char *const *) st->colnames, st->ncols);
		st->plan->open (st->plan, x);
		return;
	}
	Ddl d = { .s = s, .t = t, .c = s->db->catalog, .x = x, .sql = st->sql };
	bool events = ox_event_triggers_apply (ast);
	guint event_mark = events ? ox_event_ddl_begin (s, utility_tag (ast)) : 0;
	bool ctas = false;
	switch (ast->tag) {
	case OX_N_CREATE_SCHEMA: {
		OxCreateSchemaStmt *cs = (OxCreateSchemaStmt *) ast;
		ox_txn_lock_ddl (t);
		if (ox_catalog_schema_latest (d.c, t, cs->name)) {
			if (cs->if_not_exists)
				ox_session_notice (s, "42P06", "schema \"%s\" already exists, skipping", cs->name);
			else
				ox_raise (OX_ERR_DUPLICATE_SCHEMA, cs->node.loc + 1, "schema \"%s\" already exists", cs->name);
		} else
			ox_catalog_create_schema (d.c, t, cs->name);
		break;
	}
	case OX_N_CREATE_TABLE: {
		OxCreateTableStmt *ct = (OxCreateTableStmt *) ast;
		OxQuery *q = NULL;
		check_table_options (ct->with_options);
		if (ct->as_select) {
			int np = 0;
			q = ox_bind_select (x, s, ct->as_select, x->arena, NULL, &np);
		}
		ddl_create_table (&d, ct, q);
		if (ct->as_select) {
			set_tag (st, "SELECT %" G_GINT64_FORMAT, x->changes);
			st->changes = x->changes;
			ctas = true;
		}
		break;
	}
	case OX_N_CREATE_INDEX:
		ddl_create_index (&d, (OxCreateIndexStmt *) ast);
		break;
	case OX_N_CREATE_VIEW:
		ddl_create_view (&d, (OxCreateViewStmt *) ast);
		break;
	case OX_N_DROP:
		ddl_drop (&d, (OxDropStmt *) ast);
		break;
	case OX_N_TRUNCATE:
		ddl_truncate (&d, (OxTruncateStmt *) ast);
		break;
	case OX_N_CREATE_FUNCTION:
		ox_ddl_create_function (s, x, (OxCreateFunctionStmt *) ast, st->sql);
		break;
	case OX_N_CREATE_TRIGGER:
		ox_ddl_create_trigger (s, x, (OxCreateTriggerStmt *) ast);
		break;
	case OX_N_ALTER_TRIGGER:
		ox_ddl_alter_trigger (s, x, (OxAlterTriggerStmt *) ast);
		break;
	case OX_N_CREATE_SCHEDULE:
		ox_ddl_create_schedule (s, x, (OxCreateScheduleStmt *) ast);
		break;
	case OX_N_CREATE_EVENT_TRIGGER:
		ox_ddl_create_event_trigger (s, x, (OxCreateEventTriggerStmt *) ast);
		break;
	case OX_N_ALTER_EVENT_TRIGGER:
		ox_ddl_alter_event_trigger (s, x, (OxAlterEventTriggerStmt *) ast);
		break;
	case OX_N_ALTER_SCHEDULE:
		ox_ddl_alter_schedule (s, x, (OxAlterScheduleStmt *) ast);
		break;
	case OX_N_CREATE_ROLE:
		ox_ddl_create_role (s, (OxCreateRoleStmt *) ast);
		break;
	case OX_N_ALTER_ROLE:
		ox_ddl_alter_role (s, (OxAlterRoleStmt *) ast);
		break;
	case OX_N_CALL: {
		OxExpr **args = NULL;
		int np = st->nparams;
		OxRoutine *r = ox_call_bind (s, x, (OxCallStmt *) ast, st->ptypes, &st->nparams, &args);
		if (st->nparams > np) {
			st->pvals = g_renew (OxValue, st->pvals, st->nparams);
			for (int i = np; i < st->nparams; i++) {
				st->pvals[i] = ox_null (OX_T_UNKNOWN);
				st->pvals[i].flags = OX_VALUE_UNBOUND;
			}
		}
		x->params = st->pvals;
		x->nparams = st->nparams;
		coerce_params (st);
		x->xparams = OX_NEW_N (x->arena, OxValue, x->nxparams + 1);
		st->call_row = ox_call_run (s, x, r, args, !s->in_block && !st->nested);
		st->returns_rows = st->call_row != NULL;
		break;
	}
	case OX_N_DO:
		ox_do_run (s, x, (OxDoStmt *) ast, st->sql, !s->in_block && !st->nested);
		break;
	case OX_N_COPY: {
		int64_t n = ox_copy_run (s, x, (OxCopyStmt *) ast);
		set_tag (st, "COPY %" G_GINT64_FORMAT, n);
		st->changes = n;
		ctas = true;  /* the tag is set */
		break;
	}
	case OX_N_VACUUM:
		exec_vacuum (s, (OxVacuumStmt *) ast);
		break;
	case OX_N_ALTER_TABLE_ADD:
		ddl_alter_table_add (&d, (OxAlterTableAddStmt *) ast);
		break;
	case OX_N_CREATE_SEQUENCE:
		ox_ddl_create_sequence (s, x, (OxCreateSequenceStmt *) ast);
		break;
	case OX_N_ALTER_SEQUENCE:
		ox_ddl_alter_sequence (s, x, (OxCreateSequenceStmt *) ast);
		break;
	case OX_N_ALTER_TABLE:
		ox_ddl_alter_table (s, x, (OxAlterTableStmt *) ast);
		break;
	case OX_N_ALTER_RENAME:
		ox_ddl_alter_rename (s, x, (OxAlterRenameStmt *) ast);
		break;
	default:
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, ast->loc + 1, "%s is not supported yet", ox_node_tag_name (ast->tag));
	}
	if (events)
		ox_event_ddl_end (s, utility_tag (ast), event_mark);
	if (!ctas)
		set_tag (st, "%s", utility_tag (ast));
}

/* The run finished: commit an implicit transaction. */
static void
stmt_finish (OxStmt *st)
{
	OxSession *s = st->s;
	if (st->plan && st->opened) {
		ox_op_close_tree (st->plan, &st->x);
		set_opened (st, false);
	}
	if (!st->tag && !st->tag_verb) {
		OxNode *ast = st->ast;
		int64_t n = st->x.changes;
		switch (ast->tag) {
		case OX_N_SELECT: st->tag_verb = "SELECT"; break;
		case OX_N_INSERT: st->tag_verb = "INSERT 0"; st->changes = n; break;
		case OX_N_UPDATE: st->tag_verb = "UPDATE"; st->changes = n; break;
		case OX_N_DELETE: st->tag_verb = "DELETE"; st->changes = n; break;
		default: set_tag (st, "%s", ox_node_tag_name (ast->tag)); break;
		}
	}
	if (st->implicit) {
		/* still implicit if the commit raises, so that stmt_fail aborts it */
		end_txn (s, true);
		st->implicit = false;
	}
}

static void
stmt_fail (OxStmt *st)
{
	OxSession *s = st->s;
	OxErrorData e;
	ox_error_take (&e);
	if (st->plan && st->opened) {
		OX_TRY {
			ox_op_close_tree (st->plan, &st->x);
		} OX_CATCH {
			OxErrorData e2;
			ox_error_take (&e2);
			ox_error_data_clear (&e2);
		} OX_END_TRY;
		set_opened (st, false);
	}
	if (st->implicit) {
		st->implicit = false;
		end_txn (s, false);
	} else if (s->in_block)
		s->failed = true;
	/* put the error back as current for take_error */
	OxErrorData *cur = ox_error_current ();
	ox_error_data_clear (cur);
	*cur = e;
}

static int
stmt_error (OxStmt *st, OxError *err)
{
	__atomic_add_fetch (&st->s->db->n_errors, 1, __ATOMIC_RELAXED);
	stmt_fail (st);
	take_error (err, st->sql, st->sql_len, st->script_chars);
	log_failed (st->s, err, st->sql, st->sql_len);
	/* after an error the plan is rebuilt next time */
	stmt_reset_exec (st);
	ox_activity_end (st->s);
	return OX_ERROR;
}

static void
ensure_row_buffers (OxStmt *st)
{
	if (!st->row_text) {
		st->row_text = g_new0 (const char *, st->ncols + 1);
		st->row_text_done = g_new0 (bool, st->ncols + 1);
	}
	if (!st->row_arena)
		st->row_arena = ox_arena_new ();
	ox_arena_reset (st->row_arena);
	memset (st->row_text_done, 0, sizeof (bool) * (size_t) (st->ncols + 1));
}

int
ox_step (OxStmt *st, OxError *err)
{
	if (!st) {
		set_error (err, "XX000", "no statement");
		return OX_ERROR;
	}
	if (!st->running) {
		stmt_reset_exec_keep (st, true);
		st->running = true;
		__atomic_add_fetch (&st->s->db->n_statements, 1, __ATOMIC_RELAXED);
		ox_activity_begin (st->s, st->sql, st->sql_len);
		OX_TRY {
			ox_activity_check_terminated (st->s);
			stmt_start (st);
		} OX_CATCH {
			return stmt_error (st, err);
		} OX_END_TRY;
	}
	if (st->util_rows) {
		int per = st->ncols > 0 ? st->ncols : 1;
		if (st->util_i + (guint) per <= st->util_rows->len) {
			ensure_row_buffers (st);
			for (int c = 0; c < per; c++) {
				st->row_text[c] = st->util_rows->pdata[st->util_i + (guint) c];
				st->row_text_done[c] = true;
			}
			st->util_i += (guint) per;
			st->row = NULL;
			st->changes++;
			return OX_ROW;
		}
		volatile int rc = OX_DONE;
		OX_TRY {
			stmt_finish (st);
		} OX_CATCH {
			rc = stmt_error (st, err);
		} OX_END_TRY;
		st->running = false;
		if (rc == OX_DONE)
			ox_activity_end (st->s);
		return rc;
	}
	if (st->call_row) {
		st->row = st->call_row;
		st->call_row = NULL;
		st->changes++;
		ensure_row_buffers (st);
		return OX_ROW;
	}
	if (st->plan && st->opened) {
		OxValue *volatile row = NULL;
		OX_TRY {
			row = st->plan->next (st->plan, &st->x);
		} OX_CATCH {
			return stmt_error (st, err);
		} OX_END_TRY;
		if (row && st->returns_rows) {
			st->row = row;
			st->changes++;
			ensure_row_buffers (st);
			return OX_ROW;
		}
		if (row) {
			/* a DML without RETURNING yields no rows; keep pulling */
			OX_TRY {
				while (st->plan->next (st->plan, &st->x))
					;
			} OX_CATCH {
				return stmt_error (st, err);
			} OX_END_TRY;
		}
	}
	volatile int rc = OX_DONE;
	OX_TRY {
		stmt_finish (st);
	} OX_CATCH {
		rc = stmt_error (st, err);
	} OX_END_TRY;
	st->running = false;
	st->row = NULL;
	if (rc == OX_DONE)
		ox_activity_end (st->s);
	return rc;
}

void
ox_reset (OxStmt *st)
{
	if (!st)
		return;
	st->batch_done = false;
	if (st->running) {
		OxSession *s = st->s;
		stmt_reset_exec_keep (st, true);
		if (st->implicit) {
			/* an abandoned autocommit SELECT: commit what it did (nothing) */
			st->implicit = false;
			OX_TRY {
				end_txn (s, true);
			} OX_CATCH {
				OxErrorData e;
				ox_error_take (&e);
				ox_error_data_clear (&e);
			} OX_END_TRY;
		}
		ox_activity_end (s);
	}
	st->running = false;
	stmt_reset_exec_keep (st, true);
}

typedef struct BatchRow {
	int    ncols;
	char **cells;  /* ncols entries; NULL for SQL NULL */
} BatchRow;

static void
batch_row_free (gpointer p)
{
	BatchRow *r = p;
	for (int c = 0; c < r->ncols; c++)
		g_free (r->cells[c]);
	g_free (r->cells);
	g_free (r);
}

int
ox_fetch_batch (OxStmt *st, int max, int *nrows, OxError *err)
{
	*nrows = 0;
	if (!st->batch)
		st->batch = g_ptr_array_new_with_free_func (batch_row_free);
	g_ptr_array_set_size (st->batch, 0);
	st->batch_cols = st->ncols;
	if (st->batch_done) {
		/* the previous call returned the last rows; now say so */
		st->batch_done = false;
		return OX_DONE;
	}
	if (max < 1)
		max = 1;
	while (*nrows < max) {
		int rc = ox_step (st, err);
		if (rc == OX_ERROR)
			return OX_ERROR;
		if (rc == OX_DONE) {
			st->batch_done = *nrows > 0;
			break;
		}
		BatchRow *row = g_new0 (BatchRow, 1);
		row->ncols = st->ncols;
		row->cells = g_new0 (char *, st->ncols > 0 ? st->ncols : 1);
		for (int c = 0; c < st->ncols; c++) {
			const char *t = ox_column_text (st, c);
			row->cells[c] = t ? g_strdup (t) : NULL;
		}
		g_ptr_array_add (st->batch, row);
		(*nrows)++;
	}
	return *nrows > 0 ? OX_ROW : OX_DONE;
}

const char *
ox_batch_text (OxStmt *st, int row, int col)
{
	if (!st->batch || row < 0 || (guint) row >= st->batch->len || col < 0 || col >= st->batch_cols)
		return NULL;
	return ((BatchRow *) st->batch->pdata[row])->cells[col];
}

bool
ox_batch_is_null (OxStmt *st, int row, int col)
{
	return ox_batch_text (st, row, col) == NULL;
}

/* ---- results --------------------------------------------------------------------------------------- */

const char *
ox_command_tag (OxStmt *st)
{
	if (!st->tag && st->tag_verb)
		set_tag (st, "%s %" G_GINT64_FORMAT, st->tag_verb, st->changes);
	return st->tag ? st->tag : "";
}

int64_t
ox_changes (OxStmt *st)
{
	return st->changes;
}

bool
ox_stmt_returns_rows (OxStmt *st)
{
	return st->returns_rows;
}

int
ox_column_count (OxStmt *st)
{
	return st->ncols;
}

const char *
ox_column_name (OxStmt *st, int col)
{
	return col >= 0 && col < st->ncols ? st->colnames[col] : NULL;
}

OxColumnType
ox_column_type (OxStmt *st, int col)
{
	if (col < 0 || col >= st->ncols)
		return OX_TYPE_NULL;
	switch (st->coltypes[col].id) {
	case OX_T_BOOL: return OX_TYPE_BOOLEAN;
	case OX_T_INT2: return OX_TYPE_SMALLINT;
	case OX_T_INT4: return OX_TYPE_INTEGER;
	case OX_T_INT8: return OX_TYPE_BIGINT;
	case OX_T_NUMERIC: return OX_TYPE_NUMERIC;
	case OX_T_FLOAT4: return OX_TYPE_REAL;
	case OX_T_FLOAT8: return OX_TYPE_DOUBLE;
	case OX_T_TEXT: return OX_TYPE_TEXT;
	case OX_T_VARCHAR: return OX_TYPE_VARCHAR;
	case OX_T_BPCHAR: return OX_TYPE_CHAR;
	case OX_T_BYTEA: return OX_TYPE_BYTEA;
	case OX_T_DATE: return OX_TYPE_DATE;
	case OX_T_TIMESTAMP: return OX_TYPE_TIMESTAMP;
	case OX_T_TIMESTAMPTZ: return OX_TYPE_TIMESTAMPTZ;
	default: return OX_TYPE_NULL;
	}
}

const char *
ox_column_type_name (OxStmt *st, int col)
{
	return col >= 0 && col < st->ncols ? st->coltypenames[col] : NULL;
}

static const OxValue *
cell (OxStmt *st, int col)
{
	if (!st->row || col < 0 || col >= st->ncols)
		return NULL;
	return &st->row[col];
}

bool
ox_column_is_null (OxStmt *st, int col)
{
	if (st->util_rows)
		return col < 0 || col >= st->ncols || st->row_text[col] == NULL;
	const OxValue *v = cell (st, col);
	return !v || v->null;
}

const char *
ox_column_text (OxStmt *st, int col)
{
	if (col < 0 || col >= st->ncols || !st->row_text)
		return NULL;
	if (st->row_text_done[col])
		return st->row_text[col];
	const OxValue *v = cell (st, col);
	const char *r = NULL;
	if (v && !v->null) {
		OX_TRY {
			r = ox_value_out (st->row_arena, &st->x.cx, v, NULL);
		} OX_CATCH {
			OxErrorData e;
			ox_error_take (&e);
			ox_error_data_clear (&e);
			r = NULL;
		} OX_END_TRY;
	}
	st->row_text[col] = r;
	st->row_text_done[col] = true;
	return r;
}

int64_t
ox_column_int64 (OxStmt *st, int col)
{
	const OxValue *v = cell (st, col);
	if (!v || v->null) {
		const char *t = st->util_rows ? ox_column_text (st, col) : NULL;
		return t ? g_ascii_strtoll (t, NULL, 10) : 0;
	}
	switch (v->type) {
	case OX_T_INT2: case OX_T_INT4: case OX_T_INT8: case OX_T_DATE: case OX_T_TIMESTAMP: case OX_T_TIMESTAMPTZ:
		return v->v.i;
	case OX_T_BOOL:
		return v->v.b;
	case OX_T_FLOAT4: case OX_T_FLOAT8:
		return (int64_t) v->v.f;
	case OX_T_NUMERIC: {
		int64_t r = 0;
		ox_numeric_to_int64 (v->v.num, &r);
		return r;
	}
	default: {
		const char *t = ox_column_text (st, col);
		return t ? g_ascii_strtoll (t, NULL, 10) : 0;
	}
	}
}

double
ox_column_double (OxStmt *st, int col)
{
	const OxValue *v = cell (st, col);
	if (!v || v->null) {
		const char *t = st->util_rows ? ox_column_text (st, col) : NULL;
		return t ? g_ascii_strtod (t, NULL) : 0;
	}
	switch (v->type) {
	case OX_T_INT2: case OX_T_INT4: case OX_T_INT8:
		return (double) v->v.i;
	case OX_T_FLOAT4: case OX_T_FLOAT8:
		return v->v.f;
	case OX_T_NUMERIC:
		return ox_numeric_to_double (v->v.num);
	case OX_T_BOOL:
		return v->v.b;
	default: {
		const char *t = ox_column_text (st, col);
		return t ? g_ascii_strtod (t, NULL) : 0;
	}
	}
}

bool
ox_column_bool (OxStmt *st, int col)
{
	const OxValue *v = cell (st, col);
	if (!v || v->null)
		return false;
	if (v->type == OX_T_BOOL)
		return v->v.b;
	return ox_column_int64 (st, col) != 0;
}

const void *
ox_column_blob (OxStmt *st, int col, size_t *len)
{
	const OxValue *v = cell (st, col);
	if (v && !v->null && v->type == OX_T_BYTEA) {
		if (len)
			*len = v->len;
		return v->v.bytes;
	}
	const char *t = ox_column_text (st, col);
	if (len)
		*len = t ? strlen (t) : 0;
	return t;
}

/* ---- scripts ------------------------------------------------------------------------------------------ */

/* Lines between a and b (the newlines in [a, b)). */
static int
count_lines (const char *a, const char *b)
{
	int n = 0;
	for (; a < b; a++)
		if (*a == '\n')
			n++;
	return n;
}

/* One finished statement's output, psql style (ox_exec_print). */
typedef struct Printer {
	OxPrintFunc print;
	void       *user;
	int         max_rows;
	GPtrArray  *rows;      /* char*[ncols + 1] */
	int64_t     more;      /* rows past max_rows */
} Printer;

static void
printer_row (Printer *pr, OxStmt *st)
{
	if ((int) pr->rows->len >= pr->max_rows) {
		pr->more++;
		return;
	}
	int n = ox_column_count (st);
	char **r = g_new0 (char *, n + 1);
	for (int c = 0; c < n; c++)
		r[c] = g_strdup (ox_column_text (st, c));
	g_ptr_array_add (pr->rows, r);
}

static void
printer_done (Printer *pr, OxStmt *st)
{
	GString *o = g_string_new (NULL);
	int n = ox_column_count (st);
	if (ox_stmt_returns_rows (st) && n > 0) {
		char **names = g_new0 (char *, n + 1);
		bool *right = g_new0 (bool, n);
		for (int c = 0; c < n; c++) {
			names[c] = g_strdup (ox_column_name (st, c));
			right[c] = ox_type_is_numeric_family (st->coltypes[c].id);
		}
		ox_format_table (o, n, names, pr->rows, right);
		if (pr->more > 0) {
			/* "(N rows)" counted only what was kept: count them all */
			char *last = g_strrstr (o->str, "\n(");
			if (last)
				g_string_truncate (o, (gsize) (last - o->str) + 1);
			g_string_append_printf (o, "(%" G_GINT64_FORMAT " rows, the first %u shown)\n\n",
			                        pr->more + pr->rows->len, pr->rows->len);
		}
		g_strfreev (names);
		g_free (right);
	} else
		g_string_append_printf (o, "%s\n", ox_command_tag (st));
	pr->print (o->str, pr->user);
	g_string_free (o, TRUE);
	g_ptr_array_set_size (pr->rows, 0);
	pr->more = 0;
}

static int exec_script (OxSession *s, const char *sql, Printer *pr, OxError *err);

int
ox_exec (OxSession *s, const char *sql, OxError *err)
{
	return exec_script (s, sql, NULL, err);
}

static void
free_strv (gpointer p)
{
	g_strfreev (p);
}

int
ox_exec_print (OxSession *s, const char *sql, int max_rows, OxPrintFunc print, void *user, OxError *err)
{
	Printer pr = { print, user, max_rows > 0 ? max_rows : 1000, g_ptr_array_new_with_free_func (free_strv), 0 };
	int rc = exec_script (s, sql, print ? &pr : NULL, err);
	g_ptr_array_free (pr.rows, TRUE);
	return rc;
}

static int
exec_script (OxSession *s, const char *sql, Printer *pr, OxError *err)
{
	const char *p = sql;
	const char *end = sql + strlen (sql);
	const char *counted = sql;  /* lines before p are counted incrementally */
	int lines = 0;
	while (p < end) {
		lines += count_lines (counted, p);
		counted = p;
		s->stmt_line0 = lines;
		OxStmt *st = NULL;
		const char *tail = NULL;
		OxError e2 = { 0 };
		int rc = ox_prepare (s, p, (int) (end - p), &st, &tail, &e2);
		int prefix_chars = g_utf8_strlen (sql, p - sql);
		if (rc != OX_OK) {
			if (err) {
				ox_error_clear (err);
				*err = e2;
				if (err->position > 0)
					err->position += prefix_chars;
			} else
				ox_error_clear (&e2);
			return OX_ERROR;
		}
		if (!st)
			break;
		st->script_chars = prefix_chars;
		OxFrame frame;
		bool framed = false;
		if (ox_debug_active (s) && !s->top_frame) {
			/* a script statement: skip the blanks and comments before it */
			const char *start = ox_debug_skip_blanks (p, tail);
			ox_debug_frame_statement (&frame, s, sql, (size_t) (start - sql), start);
			ox_debug_push (s, &frame);
			framed = true;
			ox_debug_step (s, frame.line, 1);
		}
		if (framed && s->cancel) {
			/* cancelled while the debugger held the statement at its
			 * first step (terminate): it never starts, since ox_step
			 * would clear the request */
			set_error (err, OX_ERR_QUERY_CANCELED, "canceling statement due to user request");
			rc = OX_ERROR;
		} else if (pr) {
			while ((rc = ox_step (st, err)) == OX_ROW)
				printer_row (pr, st);
			if (rc == OX_DONE)
				printer_done (pr, st);
			else
				g_ptr_array_set_size (pr->rows, 0);
		} else
			while ((rc = ox_step (st, err)) == OX_ROW)
				;
		ox_finalize (st);
		if (framed) {
			if (rc == OX_ERROR && err) {
				OxErrorData ed = { 0 };
				g_strlcpy (ed.sqlstate, err->sqlstate, sizeof ed.sqlstate);
				ed.message = err->message;
				ed.detail = err->detail;
				ed.hint = err->hint;
				ed.context = err->context;
				ox_debug_error (s, &ed, true);
			}
			ox_debug_pop (s, &frame);
			ox_debug_frame_clear (&frame);
		}
		if (rc == OX_ERROR)
			return OX_ERROR;
		p = tail;
	}
	return OX_OK;
}

/* ---- nested statements (the SPI's engine side; pl/spi.c) ------------------------------------ *
 *
 * A routine's statements are OxStmts flagged 'nested': they run inside the
 * caller's transaction (never beginning or ending one), raise instead of
 * returning error codes, and take a fresh command id for each run that
 * they give back when the run ends, so the statement that called the
 * routine does not see the routine's writes while it is still running
 * (PostgreSQL's command counter does the same).
 */

OxStmt *
ox_stmt_nested_new (OxSession *s, const char *sql, size_t len, const OxSpiParamHook *hook, int nptypes,
                    const OxType *ptypes)
{
	OxArena *a = ox_arena_new ();
	size_t end = 0;
	OxNode *volatile ast = NULL;
	OX_TRY {
		ast = ox_parse_one (a, sql, len, &end);
		if (ast) {
			size_t end2 = 0;
			if (ox_parse_one (a, sql + end, len - end, &end2))
				ox_raise (OX_ERR_SYNTAX, 0, "cannot insert multiple commands into a prepared statement");
		}
	} OX_CATCH {
		ox_arena_free (a);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	if (!ast) {
		ox_arena_free (a);
		ox_raise (OX_ERR_SYNTAX, 0, "empty statement");
	}
	if (ast->tag == OX_N_TRANSACTION) {
		ox_arena_free (a);
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0,
		          "transaction control statements are not allowed here; a procedure called by CALL outside a transaction block may use COMMIT and ROLLBACK");
	}
	OxStmt *st = g_new0 (OxStmt, 1);
	st->s = s;
	st->nested = true;
	st->sql = g_strndup (sql, len);
	st->sql_len = len;
	st->parse_arena = a;
	st->ast = ast;
	st->ptypes = g_new0 (OxType, OX_MAX_PARAMS_STMT);
	for (int i = 0; i < nptypes && i < OX_MAX_PARAMS_STMT; i++)
		st->ptypes[i] = ptypes[i];
	st->param_arena = ox_arena_new ();
	if (hook) {
		st->hook = *hook;
		st->has_hook = true;
	}
	if (ast->tag == OX_N_EXPLAIN)
		st->kind = SK_EXPLAIN;
	else if (is_query (ast))
		st->kind = SK_QUERY;
	else
		st->kind = SK_UTILITY;
	OX_TRY {
		describe (st);
	} OX_CATCH {
		OxErrorData e;
		ox_error_take (&e);
		ox_finalize (st);
		ox_error_rethrow (&e);
	} OX_END_TRY;
	st->pvals = g_new0 (OxValue, st->nparams > 0 ? st->nparams : 1);
	for (int i = 0; i < st->nparams; i++)
		st->pvals[i] = ox_null (st->ptypes[i].id);
	return st;
}

int
ox_stmt_nparams (OxStmt *st)
{
	return st->nparams;
}

OxType
ox_stmt_param_type (OxStmt *st, int i)
{
	return st->ptypes[i];
}

OxType
ox_stmt_coltype (OxStmt *st, int i)
{
	return st->coltypes[i];
}

bool
ox_stmt_is_running (OxStmt *st)
{
	return st->running;
}

/* Hand the outer command its id and snapshot back. */
static void
nested_restore (OxStmt *st)
{
	OxTxn *t = st->s->txn;
	if (st->cid_saved && t) {
		t->cid = st->saved_cid;
		t->snapshot = st->saved_snapshot;
	}
	st->cid_saved = false;
}

void
ox_stmt_nested_start (OxStmt *st, const OxValue *params, int nparams)
{
	OxSession *s = st->s;
	if (!s->txn)
		OX_INTERNAL ("a routine's statement ran outside a transaction");
	if (st->running)
		OX_INTERNAL ("nested statement is already running");
	if (st->nparams > 0) {
		if (nparams < st->nparams)
			OX_INTERNAL ("statement needs %d parameters, %d given", st->nparams, nparams);
		/* pvals may have grown when the catalog changed and binding found
		 * more parameters: stmt_start handles that for top-level runs */
		memcpy (st->pvals, params, sizeof (OxValue) * (size_t) st->nparams);
	}
	stmt_reset_exec_keep (st, true);
	st->running = true;
	st->util_vals = NULL;
	OX_TRY {
		stmt_start (st);
	} OX_CATCH {
		OxErrorData e;
		ox_error_take (&e);
		stmt_reset_exec (st);
		nested_restore (st);
		ox_error_rethrow (&e);
	} OX_END_TRY;
	st->changes = 0;
}

/* The run ends: close operators, give the command id back. */
static void
nested_end (OxStmt *st)
{
	if (st->plan && st->opened) {
		ox_op_close_tree (st->plan, &st->x);
		set_opened (st, false);
	}
	if (st->kind == SK_QUERY && st->ast->tag != OX_N_SELECT)
		st->changes = st->x.changes;
	else if (st->kind == SK_UTILITY && !st->util_rows)
		st->changes = st->x.changes;
	st->running = false;
	nested_restore (st);
}

const OxValue *
ox_stmt_nested_next (OxStmt *st)
{
	if (!st->running)
		return NULL;
	if (st->util_rows) {
		int per = st->ncols > 0 ? st->ncols : 1;
		if (st->util_i + (guint) per <= st->util_rows->len) {
			ensure_row_buffers (st);
			OxValue *vals = OX_NEW_N (st->row_arena, OxValue, per);
			for (int c = 0; c < per; c++) {
				const char *txt = st->util_rows->pdata[st->util_i + (guint) c];
				vals[c] = ox_text (OX_T_TEXT, txt, strlen (txt));
			}
			st->util_i += (guint) per;
			st->changes++;
			return vals;
		}
		nested_end (st);
		return NULL;
	}
	if (st->plan && st->opened) {
		/* a COMMIT or ROLLBACK in the loop reading us (a procedure's FOR
		 * over a query) ended the transaction we started in, and freed
		 * it: go on in the session's new one */
		st->x.txn = st->s->txn;
		OxValue *row = st->plan->next (st->plan, &st->x);
		if (row && st->returns_rows) {
			st->changes++;
			return row;
		}
		if (row)
			while (st->plan->next (st->plan, &st->x))
				;
	}
	nested_end (st);
	return NULL;
}

int64_t
ox_stmt_nested_close (OxStmt *st)
{
	if (st->running) {
		/* abandoned early or failed: drop the plan if it failed mid-run
		 * (its operators' state is unknown); a clean early close keeps it */
		OxErrorData *cur = ox_error_current ();
		bool failed = cur->message != NULL;
		stmt_reset_exec_keep (st, !failed);
		if (failed)
			stmt_reset_exec (st);
		nested_restore (st);
		st->running = false;
	}
	return st->changes;
}

const char *
ox_stmt_verb (OxStmt *st)
{
	OxNode *ast = st->ast;
	switch (ast->tag) {
	case OX_N_SELECT: return "SELECT";
	case OX_N_INSERT: return "INSERT";
	case OX_N_UPDATE: return "UPDATE";
	case OX_N_DELETE: return "DELETE";
	default: return utility_tag (ast);
	}
}

void
ox_session_restart_txn (OxSession *s, bool commit)
{
	if (!s->txn)
		OX_INTERNAL ("no transaction to end");
	if (s->in_block)
		ox_raise ("2D000", 0, "invalid transaction termination");
	OxTxn *t = s->txn;
	/* The next transaction begins before this one ends and holds this
	 * one's snapshot back from pruning: a loop over a query that commits
	 * goes on reading rows it read ahead (pointers into their versions),
	 * which a commit in between could otherwise free. */
	OxIsolation was_next = s->next_iso;
	s->next_iso = OX_ISO_DEFAULT;
	OxTxn *nt = ox_txn_begin_held (s->db->mgr, effective_iso (s, OX_ISO_DEFAULT), t->hold);
	OX_TRY {
		if (commit) {
			ox_txn_commit (t);  /* may raise (40001, a WAL failure): t stays ours to roll back */
			__atomic_add_fetch (&s->db->n_commits, 1, __ATOMIC_RELAXED);
		} else {
			ox_txn_abort (t);
			__atomic_add_fetch (&s->db->n_rollbacks, 1, __ATOMIC_RELAXED);
		}
	} OX_CATCH {
		ox_txn_abort (nt);
		ox_txn_free (nt);
		s->next_iso = was_next;
		ox_error_rethrow_current ();
	} OX_END_TRY;
	ox_txn_free (t);
	savepoints_clear (s);
	if (s->schedules_touched) {
		s->schedules_touched = false;
		ox_schedules_sync (s->db->schedules);
	}
	s->txn = nt;
	s->txn->cancel = &s->cancel;
	s->txn->sync_mode = s->sync_mode;
	ox_txn_next_cid (s->txn);
	ox_txn_refresh_snapshot (s->txn);
}

void
ox_session_check_timeout (OxSession *s)
{
	/* the deadline stays set: an exception handler that goes on looping
	 * meets it again at its next check */
	if (s->stmt_deadline && g_get_monotonic_time () >= s->stmt_deadline) {
		ox_raise (OX_ERR_QUERY_CANCELED, 0, "canceling statement due to statement timeout");
	}
}

void
ox_session_drop_dependent_views (OxSession *s, OxExec *x, OxCatObject *o, bool cascade, int loc)
{
	Ddl d = { .s = s, .t = s->txn, .c = s->db->catalog, .x = x };
	drop_dependents (&d, o, cascade, loc);
}

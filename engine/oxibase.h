/*
 * oxibase.h — the public C API of the Oxibase SQL engine.
 *
 * This is the only engine header that code outside engine/ may include.
 * Handles are opaque.  Every call that can fail returns an int result code
 * (OX_OK on success) and fills the OxError the caller passes in (which may
 * be NULL when the caller does not care).
 *
 * Threads: an OxDatabase may be shared by any number of threads.  An
 * OxSession (one per connection) and its statements must be used by one
 * thread at a time; different sessions run concurrently.
 *
 * Typical use:
 *
 *   OxDatabase *db; OxSession *s; OxStmt *st; OxError err = {0};
 *   ox_db_open (":memory:", &db, &err);
 *   ox_session_new (db, &s, &err);
 *   ox_prepare (s, "SELECT name FROM customers WHERE id = $1", -1, &st, NULL, &err);
 *   ox_bind_int64 (st, 1, 42, &err);
 *   while (ox_step (st, &err) == OX_ROW)
 *       printf ("%s\n", ox_column_text (st, 0));
 *   ox_finalize (st);
 *   ox_session_free (s);
 *   ox_db_close (db);
 *   ox_error_clear (&err);
 */
#ifndef OXIBASE_H
#define OXIBASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Result codes. */
#define OX_OK     0    /* success */
#define OX_ERROR  1    /* failed; the OxError says why */
#define OX_ROW    100  /* ox_step produced a row */
#define OX_DONE   101  /* ox_step finished the statement */

/* An error as PostgreSQL reports it.  Strings are owned by the struct and
 * released by ox_error_clear; a zero-initialised OxError is empty. */
typedef struct OxError {
	char  sqlstate[6];  /* e.g. "42601"; "" when no error */
	char *message;      /* primary message, one line */
	char *detail;       /* optional secondary message, or NULL */
	char *hint;         /* optional suggestion, or NULL */
	int   position;     /* 1-based character offset into the statement text
	                       passed to ox_prepare/ox_exec, 0 when not applicable */
	char *context;      /* where inside routines the error happened, one line
	                       per call level, innermost first ("PL/SQL function
	                       f(integer) line 3 at RETURN"), or NULL */
} OxError;

/* Release the strings of an error and reset it to empty. */
void ox_error_clear (OxError *err);

typedef struct OxDatabase OxDatabase;
typedef struct OxSession  OxSession;
typedef struct OxStmt     OxStmt;

/* Column and parameter types as PostgreSQL names them. */
typedef enum OxColumnType {
	OX_TYPE_NULL = 0,  /* type not known (untyped NULL or literal) */
	OX_TYPE_BOOLEAN,
	OX_TYPE_SMALLINT,
	OX_TYPE_INTEGER,
	OX_TYPE_BIGINT,
	OX_TYPE_NUMERIC,
	OX_TYPE_REAL,
	OX_TYPE_DOUBLE,
	OX_TYPE_TEXT,
	OX_TYPE_VARCHAR,
	OX_TYPE_CHAR,
	OX_TYPE_BYTEA,
	OX_TYPE_DATE,
	OX_TYPE_TIMESTAMP,
	OX_TYPE_TIMESTAMPTZ
} OxColumnType;

/* ---- databases ---------------------------------------------------------- */

/* Open a database.  path is ":memory:" for a private in-memory database, or
 * a directory (created if missing) holding a durable database: its
 * write-ahead log is replayed, and the directory is locked against other
 * processes (55006 "database is locked by process N").  *out receives the
 * handle on success.  Returns OX_OK or OX_ERROR. */
int  ox_db_open (const char *path, OxDatabase **out, OxError *err);
/* Options for ox_db_open_with; zero-initialise and set what you need. */
typedef struct OxDbOptions {
	const char *synchronous_commit;  /* "full" (default), "normal" or "off":
	                                    see README, "Durability" */
	uint64_t    wal_segment_size;    /* bytes per WAL segment; 0 = 16 MiB */
	uint64_t    checkpoint_wal_size; /* background checkpoint after this many
	                                    bytes of log; 0 = 64 MiB */
	uint32_t    checkpoint_interval; /* ... or after this many seconds with
	                                    new commits; 0 = 300 */
} OxDbOptions;

/* ox_db_open with options (opts may be NULL). */
int  ox_db_open_with (const char *path, const OxDbOptions *opts, OxDatabase **out, OxError *err);
/* What opening found, as lines of text for a log: recovery time, records
 * replayed, and where and why the write-ahead log replay stopped early
 * (a torn tail after a crash, a damaged record).  Free with ox_free.
 * Returns NULL for :memory: databases. */
char *ox_db_status (OxDatabase *db);
/* Inspect a database directory without opening it (no lock is taken, and
 * nothing is written): ox_db_check verifies the checksum of every WAL
 * record and checkpoint block and says what it found; ox_db_info reports
 * the format version, file sizes, the last checkpoint and the WAL length.
 * *report receives text lines (free with ox_free).  ox_db_check returns
 * OX_OK when everything verified, OX_ERROR when something is damaged or
 * unreadable (the report says what and where). */
int  ox_db_check (const char *path, char **report);
int  ox_db_info (const char *path, char **report);
/* Counters since the database was opened, for monitoring (a server's
 * /metrics).  Each is read atomically; together they are not one
 * snapshot. */
typedef struct OxDbStats {
	uint64_t statements;          /* statements started (ox_step, ox_exec ...) */
	uint64_t errors;              /* statements that failed to prepare or run */
	uint64_t commits;             /* session transactions committed (autocommit ones too) */
	uint64_t rollbacks;           /* ... rolled back (ROLLBACK, errors, sessions closed mid-transaction) */
	uint64_t wal_bytes;           /* bytes appended to the write-ahead log; 0 for :memory: */
	uint64_t checkpoints;         /* checkpoints written */
	double   checkpoint_seconds;  /* time spent writing them, in seconds */
	int      sessions;            /* sessions open now */
} OxDbStats;
void ox_db_stats (OxDatabase *db, OxDbStats *out);
/* Close a database.  Every session must have been freed first. */
void ox_db_close (OxDatabase *db);

/* ---- clusters: many databases behind one server ---------------------------
 *
 * A server that keeps several databases tells each one its name, which
 * database holds the roles (they are cluster-wide, as in PostgreSQL), and
 * how to create, drop and list databases: CREATE DATABASE and DROP
 * DATABASE call these hooks (without them they fail with 0A000, since an
 * embedded database is one database), and pg_database lists what
 * list_databases returns.  Hooks are called from the session's thread,
 * outside any transaction; they return OX_OK or OX_ERROR with err set
 * (42P04 duplicate, 3D000 missing, 55006 in use, ...). */
typedef struct OxClusterHooks {
	int   (*create_database) (void *user, const char *name, OxError *err);
	int   (*drop_database) (void *user, const char *name, OxError *err);
	/* Names of every database, one per line (free with ox_free). */
	char *(*list_databases) (void *user);
} OxClusterHooks;

/* name: this database's name (default "oxibase"); roles_db: where roles
 * live (NULL: here); hooks may be NULL.  Call before sessions exist. */
void ox_db_set_cluster (OxDatabase *db, const char *name, OxDatabase *roles_db, const OxClusterHooks *hooks,
                        void *user);

/* ---- sessions ----------------------------------------------------------- */

/* Create a session (a connection's state: transaction, search_path,
 * settings).  Returns OX_OK or OX_ERROR. */
int  ox_session_new (OxDatabase *db, OxSession **out, OxError *err);
/* Free a session; an open transaction is rolled back. */
void ox_session_free (OxSession *s);
/* Transaction status as PostgreSQL's ReadyForQuery reports it:
 * 'I' idle, 'T' in a transaction block, 'E' in a failed block. */
char ox_session_txn_status (OxSession *s);
/* Run every statement of a script in order, discarding result rows.  Stops
 * at the first failing statement and returns OX_ERROR (the error position
 * is relative to the whole script).  Returns OX_OK when all succeeded. */
int  ox_exec (OxSession *s, const char *sql, OxError *err);
/* As ox_exec, and print each statement's result as psql does: an aligned
 * table with "(N rows)" for statements that return rows (the first
 * max_rows rows, then a line saying how many more), the command tag for
 * the others.  print gets one statement's text at a time. */
typedef void (*OxPrintFunc) (const char *text, void *user);
int  ox_exec_print (OxSession *s, const char *sql, int max_rows, OxPrintFunc print, void *user, OxError *err);
/* Ask the statement running in this session to stop with 57014
 * (query_canceled).  Safe to call from any thread. */
void ox_session_cancel (OxSession *s);
/* Current value of a setting (search_path, TimeZone, transaction_isolation,
 * ...), as SHOW prints it; a newly allocated string (free with ox_free), or
 * NULL for an unknown name. */
char *ox_session_setting (OxSession *s, const char *name);

/* Set a custom setting (a name with a dot, as PostgreSQL's placeholder
 * variables: "request.header.x-request-id") to value (NULL removes it)
 * for the rest of the session, as SET would, without building SQL text
 * from it; current_setting() reads it back.  Names are case-insensitive.
 * OX_ERROR (22023) for a name without a dot or one of the engine's own
 * dotted settings (lua.*, log.*). */
int  ox_session_set_custom (OxSession *s, const char *name, const char *value, OxError *err);
/* A duration as the engine's settings take it (statement_timeout ...):
 * "500" (ms), "250ms", "100us", "2s", "1.5min", "1h", "1d" ->
 * milliseconds, rounded; -1 when invalid, negative or over 2^31-1 ms.
 * The server's configuration file reads its durations with it too. */
int64_t ox_parse_duration_ms (const char *v);

/* ---- roles and authentication -------------------------------------------
 *
 * Roles live in the database's catalog (CREATE ROLE ...).  A new session
 * runs as the bootstrap superuser (oid 10, named "oxibase" unless renamed,
 * e.g. by `oxibase-server init --superuser NAME`); a server makes it the
 * authenticated client's role with ox_session_set_user.
 *
 * Failed authentications answer like PostgreSQL: 28P01 "password
 * authentication failed for user "x"" whatever the reason, with the reason
 * in err->detail FOR THE SERVER'S LOG ONLY: never send that detail to the
 * client (it tells a missing role from a wrong password). */

/* Run the session as role (session_user and current_user), after the
 * client authenticated as it.  28000 when the role does not exist. */
int   ox_session_set_user (OxSession *s, const char *role, OxError *err);
/* May role log in now?  28000 "role "x" does not exist" or "role "x" is
 * not permitted to log in" (NOLOGIN).  PostgreSQL checks this after any
 * authentication method, trust included. */
int   ox_role_check_login (OxDatabase *db, const char *role, OxError *err);
/* Does password belong to role?  False (28P01, reason in detail) when the
 * role is missing, NOLOGIN, has no password, its VALID UNTIL has passed,
 * or the password is wrong.  Takes one key derivation (~ms) either way. */
bool  ox_role_check_password (OxDatabase *db, const char *role, const char *password, OxError *err);
/* The role's stored verifier, "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>"
 * (free with ox_free), or NULL when the role is missing or has no password. */
char *ox_role_get_scram_verifier (OxDatabase *db, const char *role);
/* Rename the bootstrap superuser to name and set its password (NULL: none),
 * logged like ALTER ROLE (for `oxibase-server init`). */
int   ox_role_setup_superuser (OxDatabase *db, const char *name, const char *password, OxError *err);

/* The server side of a SCRAM-SHA-256 exchange (RFC 5802/7677, no channel
 * binding) for role.  A missing role, one without a password or with an
 * expired one gets a simulated exchange that fails at the end, so that
 * neither messages nor timing tell it apart.  first/final return the
 * server-first / server-final message (free with ox_free), or NULL with
 * err set: 08P01 for a malformed message, 28P01 (reason in detail, see
 * above) for a failed proof. */
typedef struct OxScramAuth OxScramAuth;
OxScramAuth *ox_scram_auth_begin (OxDatabase *db, const char *role);
char        *ox_scram_auth_first (OxScramAuth *a, const char *client_first, size_t len, OxError *err);
char        *ox_scram_auth_final (OxScramAuth *a, const char *client_final, size_t len, OxError *err);
void         ox_scram_auth_free (OxScramAuth *a);

/* ---- statements --------------------------------------------------------- */

/* Prepare the first statement of sql (nbytes < 0: NUL-terminated).
 * *tail (if not NULL) points past the statement, at the rest of the text,
 * so a caller can loop over a script.  *out is NULL when sql held only
 * whitespace and comments.  Returns OX_OK or OX_ERROR. */
int  ox_prepare (OxSession *s, const char *sql, int nbytes, OxStmt **out,
                 const char **tail, OxError *err);
/* Number of $n parameters the statement uses. */
int  ox_param_count (OxStmt *st);
/* Bind parameter idx (1-based, $idx).  Values are copied, and converted
 * to the type the statement infers for $idx when it runs (an integer
 * bound to a numeric parameter becomes numeric; 22003 if it does not fit
 * a smallint parameter ...).  Binding after a step resets the statement
 * first.  Each returns OX_OK, or OX_ERROR (08P01) for an idx out of
 * range.  A parameter left unbound makes the statement fail with 08P01. */
/* SQL NULL. */
int  ox_bind_null (OxStmt *st, int idx, OxError *err);
/* A bigint value. */
int  ox_bind_int64 (OxStmt *st, int idx, int64_t v, OxError *err);
/* A double precision value. */
int  ox_bind_double (OxStmt *st, int idx, double v, OxError *err);
/* A boolean value. */
int  ox_bind_bool (OxStmt *st, int idx, bool v, OxError *err);
/* Text is converted to the parameter's inferred type when the statement
 * runs, as PostgreSQL does for text-format parameters. */
int  ox_bind_text (OxStmt *st, int idx, const char *v, int nbytes, OxError *err);
int  ox_bind_blob (OxStmt *st, int idx, const void *v, size_t n, OxError *err);
/* Run the statement up to its next row.  Returns OX_ROW (a row is ready for
 * the column accessors), OX_DONE (finished; for DML, ox_changes tells the
 * count) or OX_ERROR.  In autocommit the statement commits when it returns
 * OX_DONE.  After OX_DONE or OX_ERROR, the next step re-runs it. */
int  ox_step (OxStmt *st, OxError *err);
/* Fetch up to max rows at once (max < 1 counts as 1).  Returns OX_ROW with
 * *nrows (>= 1) rows available through ox_batch_text / ox_batch_is_null
 * until the next fetch, reset or finalize; OX_DONE (with *nrows = 0) once
 * the statement has no more rows — the call after the one that returned
 * the last rows; OX_ERROR on failure.  The statement is then finished
 * exactly as by ox_step (autocommit commits); fetching again re-runs it. */
int  ox_fetch_batch (OxStmt *st, int max, int *nrows, OxError *err);
/* Reset to run again with the same bindings. */
void ox_reset (OxStmt *st);
/* Destroy the statement (NULL is allowed). */
void ox_finalize (OxStmt *st);

/* The command tag PostgreSQL would send: "SELECT 3", "INSERT 0 1",
 * "CREATE TABLE", "BEGIN" ...; valid after OX_DONE. */
const char *ox_command_tag (OxStmt *st);
/* Rows affected by the last INSERT/UPDATE/DELETE (or returned by SELECT). */
int64_t ox_changes (OxStmt *st);
/* True when the statement returns rows (SELECT, VALUES, ... RETURNING, EXPLAIN, SHOW). */
bool ox_stmt_returns_rows (OxStmt *st);
/* The statement's text as prepared. */
const char *ox_stmt_sql (OxStmt *st);

/* ---- result columns (valid after prepare; values after OX_ROW) ------------ */

/* Number of result columns (0 for statements that return no rows). */
int          ox_column_count (OxStmt *st);
/* Name of column col (0-based) as PostgreSQL would label it ("?column?"
 * for an unnamed expression); NULL when col is out of range.  Valid until
 * the statement is finalized. */
const char  *ox_column_name (OxStmt *st, int col);
/* Type of column col; OX_TYPE_NULL when col is out of range. */
OxColumnType ox_column_type (OxStmt *st, int col);
/* "integer", "numeric(10,2)", "character varying(20)" ... ; NULL when out
 * of range. */
const char  *ox_column_type_name (OxStmt *st, int col);
/* True when the current row's value is SQL NULL (also when there is no
 * current row or col is out of range). */
bool         ox_column_is_null (OxStmt *st, int col);
/* Text form exactly as psql prints it; NULL for SQL NULL.  Valid until the
 * next step/reset/finalize. */
const char  *ox_column_text (OxStmt *st, int col);
/* The value as a 64-bit integer: integers as they are, booleans as 0/1,
 * floats truncated toward zero, numerics rounded half away from zero (0
 * when out of range), dates and timestamps in their internal units (days /
 * microseconds since 2000-01-01), text parsed as a decimal integer (0 when
 * it is not one); 0 for NULL or out of range. */
int64_t      ox_column_int64 (OxStmt *st, int col);
/* The value as a double: numbers converted, booleans 0/1, text parsed
 * (0 when it is not a number); 0 for NULL or out of range. */
double       ox_column_double (OxStmt *st, int col);
/* A boolean value; other types are true when ox_column_int64 is not 0;
 * false for NULL or out of range. */
bool         ox_column_bool (OxStmt *st, int col);
/* Raw bytes of a BYTEA value (or the text of any other value), with the
 * length in *len; NULL for SQL NULL.  Valid until the next step. */
const void  *ox_column_blob (OxStmt *st, int col, size_t *len);

/* Text of cell (row, col) of the last ox_fetch_batch (row 0-based), as
 * ox_column_text prints it; NULL for SQL NULL or out of range.  Valid
 * until the next fetch, reset or finalize. */
const char  *ox_batch_text (OxStmt *st, int row, int col);
/* True for SQL NULL (and for a cell out of range). */
bool         ox_batch_is_null (OxStmt *st, int row, int col);

/* ---- notices ------------------------------------------------------------- */

/* Receive NOTICE/WARNING messages (e.g. "table t does not exist, skipping")
 * produced by this session's statements. */
typedef void (*OxNoticeFunc) (void *user, const char *severity, const char *sqlstate,
                              const char *message);
void ox_session_set_notice_func (OxSession *s, OxNoticeFunc fn, void *user);

/* ---- COPY FROM STDIN / TO STDOUT ------------------------------------------ */

/* The data channel of COPY ... FROM STDIN and COPY ... TO STDOUT: whoever
 * carries the bytes (the wire protocol's CopyData messages) sets it on the
 * session.  Without one, those statements fail with 0A000.  Each call gets
 * user; an error return fills err (SQLSTATE and message), which becomes
 * the statement's error. */
typedef struct OxCopyIO {
	/* The statement is valid and starts: copy_in (FROM STDIN) or out,
	 * ncols columns, text format.  Returns OX_OK or OX_ERROR. */
	int       (*begin) (void *user, bool copy_in, int ncols, OxError *err);
	/* FROM STDIN: put up to cap bytes into buf.  Returns the count (> 0),
	 * 0 at the end of the data, or -1 (err filled: the client gave up,
	 * e.g. 57014 "COPY from stdin failed: ...", or went away). */
	ptrdiff_t (*read) (void *user, char *buf, size_t cap, OxError *err);
	/* TO STDOUT: one row's bytes (or the header line).  OX_OK or OX_ERROR. */
	int       (*write) (void *user, const char *data, size_t len, OxError *err);
	void       *user;
} OxCopyIO;

/* Set (io copied) or clear (io NULL) the session's COPY data channel. */
void ox_session_set_copy_io (OxSession *s, const OxCopyIO *io);

/* ---- observing a database: sessions, the log, metrics ---------------------
 *
 * pg_stat_activity lists the database's own sessions (an embedded database)
 * unless a server installs activity hooks: then it lists what the hooks
 * give (its connections and requests, which it knows better: client
 * addresses, the debugger's pauses), and pg_cancel_backend /
 * pg_terminate_backend reach sessions through them.  Hooks are called on
 * the session's thread, outside the engine's locks. */
typedef struct OxActivity {
	int32_t     pid;
	const char *usename;           /* role name */
	const char *datname;
	const char *application_name;  /* NULL: "" */
	const char *client_addr;       /* an address without the port; NULL: a local session */
	int         client_port;       /* -1: none */
	const char *backend_type;      /* NULL: "client backend" */
	const char *state;             /* "active", "idle", "idle in transaction", ... */
	const char *wait_event_type;   /* NULL: not waiting */
	const char *wait_event;
	const char *query;             /* the running or last statement, NULL: none yet */
	int64_t     backend_start;     /* real time, microseconds since the Unix epoch; 0: NULL */
	int64_t     xact_start;
	int64_t     query_start;
	int64_t     state_change;
} OxActivity;

typedef void (*OxActivityAdd) (void *list, const OxActivity *row);
typedef struct OxActivityHooks {
	/* Call add (list, row) once per session (rows are copied). */
	void (*list) (void *user, OxActivityAdd add, void *list);
	/* Cancel the running statement of session pid (terminate false) or end
	 * the session; false when there is no such session. */
	bool (*signal) (void *user, int32_t pid, bool terminate);
} OxActivityHooks;

/* hooks NULL: back to the database's own sessions.  Set before sessions run. */
void ox_db_set_activity_hooks (OxDatabase *db, const OxActivityHooks *hooks, void *user);
/* The pid pg_backend_pid() and pg_stat_activity give this session (a
 * server's BackendKeyData pid); 0: the engine's own session number. */
void ox_session_set_backend_pid (OxSession *s, int32_t pid);

/* The log (system.log): a bounded ring of recent lines.  The engine adds
 * its own events (checkpoints, recovery, failed schedule runs) and hands
 * each to the log hook too (a server prints them); ox_db_log_record adds a
 * line the caller has printed itself.  level: "LOG", "WARNING", "ERROR",
 * ...; sqlstate, user and database may be NULL.  Thread-safe. */
typedef void (*OxLogHook) (void *user, const char *level, const char *sqlstate, const char *user_name,
                           const char *database, const char *message);
void ox_db_set_log_hook (OxDatabase *db, OxLogHook fn, void *user);
void ox_db_log_record (OxDatabase *db, const char *level, const char *sqlstate, const char *user_name,
                       const char *database, const char *message);
/* Keep at most this many lines (default 10,000; the oldest go first). */
void ox_db_set_log_capacity (OxDatabase *db, size_t lines);

/* Metrics (system.metrics and a server's /metrics): one sample each.
 * family names the HELP/TYPE group a sample belongs to (a summary's _sum
 * and _count samples share one). */
typedef struct OxMetric {
	const char *family;
	const char *name;
	const char *type;   /* "counter", "gauge", "summary" */
	const char *help;
	double      value;
} OxMetric;
typedef void (*OxMetricAdd) (void *list, const OxMetric *m);
/* A server's own metrics, listed before the engine's. */
void  ox_db_set_metrics_hook (OxDatabase *db, void (*collect) (void *user, OxMetricAdd add, void *list), void *user);
/* Every metric: the hook's, then the engine's counters (ox_db_stats). */
void  ox_db_metrics (OxDatabase *db, OxMetricAdd add, void *list);
/* The same in Prometheus' text format 0.0.4 (free with ox_free). */
char *ox_db_metrics_text (OxDatabase *db);

/* Free a string returned by the API. */
void ox_free (void *p);

/* Version string, e.g. "0.1.0". */
const char *ox_version (void);

#ifdef __cplusplus
}
#endif

#endif

/*
 * engines.c — the driver interface of oxibase-bench over oxibase.h, sqlite3.h and libpq.
 *
 * Each engine is a small vtable; the bench_* wrappers add the one thing
 * all need, an error text that names the failing SQL.  A call costs the
 * same indirect call on every side, a few nanoseconds against the
 * microsecond or more of the cheapest statement any engine runs, so
 * the harness does not tilt the comparison.
 *
 * NOTE: statements are written once, in PostgreSQL's $n notation.  The
 * SQLite driver rewrites $n to ?n (SQLite's numbered ? parameter; a bare
 * $1 would be a *named* parameter there).  The rewrite does not look
 * inside string literals: no statement of the harness has a '$' in one.
 *
 * NOTE: SQLite is opened with SQLITE_OPEN_NOMUTEX.  An OxSession may be
 * used by one thread at a time, which is SQLite's multi-thread mode; the
 * default (serialized) mode would make SQLite pay for mutexes that
 * Oxibase does not take, and the comparison would flatter us.  The
 * durable workloads keep to that: every committer thread has its own
 * connection (its own session on our side).
 *
 * NOTE: durable databases.  Oxibase gets a directory with
 * synchronous_commit full (a commit returns once its log record is
 * fsynced); SQLite a file in WAL mode with synchronous=FULL (it fsyncs
 * the WAL at every commit), the closest match SQLite has.  Both check
 * that the setting took, since a silently ignored PRAGMA would turn the
 * comparison into one against a database that does not sync.
 *
 * NOTE: PostgreSQL is a server (pg-server.c starts one of our own), so
 * every statement it runs costs a round trip over its unix socket, and
 * its work is done in another process: --cpu-time cannot see it
 * (bench-main.c times PostgreSQL on the wall clock always).  Statements
 * are prepared with PQprepare (the $n text as written, parameter types
 * left to the server to infer from where they stand: an INTEGER column's
 * $1 is an int4, as it is for us) and run with
 * PQexecPrepared, parameters and results in text format: a libpq program
 * that does not hand-encode the binary format does exactly this.  A
 * result is fetched whole by the step that runs the statement; the
 * harness's statements return at most a few hundred rows.
 */
#define G_LOG_DOMAIN "oxibase-bench"

#include "bench.h"

#include <libpq-fe.h>
#include <oxibase.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

struct BenchDriver {
	BenchEngine engine;
	const char *name;   /* as the table prints it */
	const char *key;    /* as --memory-child and the JSON spell it */
	/* Each returns NULL / false / BENCH_ERROR on failure and then leaves
	 * a newly allocated message in *msg. */
	bool     (*open) (BenchConn *c, char **msg);
	/* c->path is set; another: a further connection to from's database */
	bool     (*open_durable) (BenchConn *c, char **msg);
	bool     (*open_another) (BenchConn *c, BenchConn *from, char **msg);
	void     (*close) (BenchConn *c);
	bool     (*exec) (BenchConn *c, const char *sql, char **msg);
	void    *(*prepare) (BenchConn *c, const char *sql, char **msg);
	bool     (*bind_int64) (void *st, int idx, int64_t v, char **msg);
	bool     (*bind_text) (void *st, int idx, const char *v, char **msg);
	bool     (*bind_cents) (void *st, int idx, int64_t cents, char **msg);
	BenchRc  (*step) (BenchConn *c, void *st, char **msg);
	int64_t  (*changes) (BenchConn *c, void *st);
	void     (*reset) (void *st);
	void     (*finalize) (void *st);
	int64_t  (*column_int64) (void *st, int col);
	double   (*column_double) (void *st, int col);
	const char *(*column_text) (void *st, int col);
};

/* ---- Oxibase -------------------------------------------------------------- */

/* "ERROR 42601: message (detail) at character N" */
static char *
ox_message (OxError *err)
{
	GString *s = g_string_new (NULL);
	g_string_append_printf (s, "ERROR %s: %s", err->sqlstate[0] ? err->sqlstate : "?????",
	                        err->message ? err->message : "(no message)");
	if (err->detail)
		g_string_append_printf (s, "\nDETAIL: %s", err->detail);
	if (err->hint)
		g_string_append_printf (s, "\nHINT: %s", err->hint);
	if (err->position > 0)
		g_string_append_printf (s, "\nat character %d", err->position);
	ox_error_clear (err);
	return g_string_free (s, FALSE);
}

static bool
ox_open (BenchConn *c, char **msg)
{
	OxError err = {0};
	OxDatabase *db = NULL;
	OxSession *s = NULL;
	if (ox_db_open (":memory:", &db, &err) != OX_OK) {
		*msg = ox_message (&err);
		return false;
	}
	if (ox_session_new (db, &s, &err) != OX_OK) {
		*msg = ox_message (&err);
		ox_db_close (db);
		return false;
	}
	c->db = db;
	c->session = s;
	return true;
}

/* The session's synchronous_commit must say full: a typo in the option
 * would fail the open, but an engine that fell back to another mode
 * silently would not. */
static bool
ox_check_full (OxSession *s, char **msg)
{
	char *v = ox_session_setting (s, "synchronous_commit");
	bool ok = v && g_str_equal (v, "full");
	if (!ok)
		*msg = g_strdup_printf ("synchronous_commit is \"%s\", not \"full\"", v ? v : "(unknown)");
	ox_free (v);
	return ok;
}

static bool
ox_open_durable (BenchConn *c, char **msg)
{
	OxError err = {0};
	OxDatabase *db = NULL;
	OxSession *s = NULL;
	/* Checkpoints stay at their defaults (64 MiB of log or 300 s): a
	 * commit workload writes under 1 MiB in seconds, so none starts while
	 * it runs, and the one ox_db_close writes is outside the clock. */
	OxDbOptions opts = { .synchronous_commit = "full" };
	if (ox_db_open_with (c->path, &opts, &db, &err) != OX_OK) {
		*msg = ox_message (&err);
		return false;
	}
	if (ox_session_new (db, &s, &err) != OX_OK) {
		*msg = ox_message (&err);
		ox_db_close (db);
		return false;
	}
	if (!ox_check_full (s, msg)) {
		ox_session_free (s);
		ox_db_close (db);
		return false;
	}
	c->db = db;
	c->session = s;
	return true;
}

static bool
ox_open_another (BenchConn *c, BenchConn *from, char **msg)
{
	OxError err = {0};
	OxSession *s = NULL;
	if (ox_session_new (from->db, &s, &err) != OX_OK) {
		*msg = ox_message (&err);
		return false;
	}
	if (!ox_check_full (s, msg)) {
		ox_session_free (s);
		return false;
	}
	c->db = from->db;
	c->shares_db = true;
	c->session = s;
	return true;
}

static void
ox_close (BenchConn *c)
{
	ox_session_free (c->session);
	if (!c->shares_db)
		ox_db_close (c->db);
}

static bool
ox_exec_ (BenchConn *c, const char *sql, char **msg)
{
	OxError err = {0};
	if (ox_exec (c->session, sql, &err) != OX_OK) {
		*msg = ox_message (&err);
		return false;
	}
	return true;
}

static void *
ox_prepare_ (BenchConn *c, const char *sql, char **msg)
{
	OxError err = {0};
	OxStmt *st = NULL;
	if (ox_prepare (c->session, sql, -1, &st, NULL, &err) != OX_OK) {
		*msg = ox_message (&err);
		return NULL;
	}
	if (st == NULL)
		*msg = g_strdup ("empty statement");
	return st;
}

static bool
ox_bind_int64_ (void *st, int idx, int64_t v, char **msg)
{
	OxError err = {0};
	if (ox_bind_int64 (st, idx, v, &err) != OX_OK) {
		*msg = ox_message (&err);
		return false;
	}
	return true;
}

static bool
ox_bind_text_ (void *st, int idx, const char *v, char **msg)
{
	OxError err = {0};
	if (ox_bind_text (st, idx, v, -1, &err) != OX_OK) {
		*msg = ox_message (&err);
		return false;
	}
	return true;
}

/* Text, so that NUMERIC(12,2) receives the exact decimal: a double such
 * as 0.07 is not exactly 7 hundredths, and the engine would have to round
 * it back. */
static bool
ox_bind_cents (void *st, int idx, int64_t cents, char **msg)
{
	char buf[32];
	int64_t a = cents < 0 ? -cents : cents;
	g_snprintf (buf, sizeof buf, "%s%" G_GINT64_FORMAT ".%02d", cents < 0 ? "-" : "",
	            a / 100, (int) (a % 100));
	return ox_bind_text_ (st, idx, buf, msg);
}

static BenchRc
ox_step_ (BenchConn *c, void *st, char **msg)
{
	OxError err = {0};
	int rc = ox_step (st, &err);
	if (rc == OX_ROW)
		return BENCH_ROW;
	if (rc == OX_DONE)
		return BENCH_DONE;
	*msg = ox_message (&err);
	return BENCH_ERROR;
}

static int64_t
ox_changes_ (BenchConn *c, void *st)
{
	return ox_changes (st);
}

static void
ox_reset_ (void *st)
{
	ox_reset (st);
}

static void
ox_finalize_ (void *st)
{
	ox_finalize (st);
}

static int64_t
ox_column_int64_ (void *st, int col)
{
	return ox_column_int64 (st, col);
}

static double
ox_column_double_ (void *st, int col)
{
	return ox_column_double (st, col);
}

static const char *
ox_column_text_ (void *st, int col)
{
	return ox_column_text (st, col);
}

static const BenchDriver ox_driver = {
	.engine = BENCH_OXIBASE,
	.name = "Oxibase",
	.key = "oxibase",
	.open = ox_open,
	.open_durable = ox_open_durable,
	.open_another = ox_open_another,
	.close = ox_close,
	.exec = ox_exec_,
	.prepare = ox_prepare_,
	.bind_int64 = ox_bind_int64_,
	.bind_text = ox_bind_text_,
	.bind_cents = ox_bind_cents,
	.step = ox_step_,
	.changes = ox_changes_,
	.reset = ox_reset_,
	.finalize = ox_finalize_,
	.column_int64 = ox_column_int64_,
	.column_double = ox_column_double_,
	.column_text = ox_column_text_,
};

/* ---- SQLite ----------------------------------------------------------------- */

static char *
lite_message (sqlite3 *db, int rc)
{
	return g_strdup_printf ("SQLite error %d (%s): %s", rc, sqlite3_errstr (rc),
	                        db ? sqlite3_errmsg (db) : "(no database)");
}

static bool
lite_open (BenchConn *c, char **msg)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2 (":memory:", &db,
	                          SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                          NULL);
	if (rc != SQLITE_OK) {
		*msg = lite_message (db, rc);
		sqlite3_close (db);
		return false;
	}
	c->db = db;
	return true;
}

/* The integer or text the one-row PRAGMA sql returns, into *out (owned). */
static bool
lite_pragma (sqlite3 *db, const char *sql, char **out, char **msg)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2 (db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step (st)) == SQLITE_ROW) {
		*out = g_strdup ((const char *) sqlite3_column_text (st, 0));
		sqlite3_finalize (st);
		return true;
	}
	*msg = g_strdup_printf ("%s: %s", sql, sqlite3_errmsg (db));
	sqlite3_finalize (st);
	return false;
}

/* One connection to the durable file c->path.  The busy timeout comes
 * first: the journal_mode PRAGMA itself needs a lock that another
 * connection may hold.  synchronous is per connection, so every
 * connection sets it; journal_mode=WAL is stored in the file, and asking
 * again is how to learn that it holds. */
static bool
lite_open_durable (BenchConn *c, char **msg)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2 (c->path, &db,
	                          SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                          NULL);
	if (rc != SQLITE_OK) {
		*msg = lite_message (db, rc);
		sqlite3_close (db);
		return false;
	}
	/* A minute: SQLite serializes writers, and with 16 of them a
	 * connection may queue for a while; only a hang should fail. */
	sqlite3_busy_timeout (db, 60000);
	g_autofree char *mode = NULL, *sync = NULL;
	if (!lite_pragma (db, "PRAGMA journal_mode = WAL", &mode, msg)
	    || (rc = sqlite3_exec (db, "PRAGMA synchronous = FULL", NULL, NULL, NULL)) != SQLITE_OK
	    || !lite_pragma (db, "PRAGMA synchronous", &sync, msg)) {
		if (rc != SQLITE_OK)
			*msg = lite_message (db, rc);
		sqlite3_close (db);
		return false;
	}
	if (g_ascii_strcasecmp (mode, "wal") != 0 || !g_str_equal (sync, "2")) {
		*msg = g_strdup_printf ("journal_mode is %s and synchronous %s, not wal and 2 (FULL)", mode,
		                        sync);
		sqlite3_close (db);
		return false;
	}
	c->db = db;
	return true;
}

static bool
lite_open_another (BenchConn *c, BenchConn *from, char **msg)
{
	return lite_open_durable (c, msg);
}

static void
lite_close (BenchConn *c)
{
	sqlite3_close (c->db);
}

/* $n → ?n (see the NOTE at the top). */
static char *
lite_sql (const char *sql)
{
	char *s = g_strdup (sql);
	for (char *p = s; *p; p++)
		if (p[0] == '$' && g_ascii_isdigit (p[1]))
			p[0] = '?';
	return s;
}

static bool
lite_exec (BenchConn *c, const char *sql, char **msg)
{
	g_autofree char *q = lite_sql (sql);
	int rc = sqlite3_exec (c->db, q, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		*msg = lite_message (c->db, rc);
		return false;
	}
	return true;
}

static void *
lite_prepare (BenchConn *c, const char *sql, char **msg)
{
	g_autofree char *q = lite_sql (sql);
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2 (c->db, q, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		*msg = lite_message (c->db, rc);
		return NULL;
	}
	if (st == NULL)
		*msg = g_strdup ("empty statement");
	return st;
}

static bool
lite_bind_int64 (void *st, int idx, int64_t v, char **msg)
{
	int rc = sqlite3_bind_int64 (st, idx, v);
	if (rc != SQLITE_OK) {
		*msg = lite_message (sqlite3_db_handle (st), rc);
		return false;
	}
	return true;
}

static bool
lite_bind_text (void *st, int idx, const char *v, char **msg)
{
	int rc = sqlite3_bind_text (st, idx, v, -1, SQLITE_TRANSIENT);
	if (rc != SQLITE_OK) {
		*msg = lite_message (sqlite3_db_handle (st), rc);
		return false;
	}
	return true;
}

/* REAL is what a NUMERIC(12,2) column holds in SQLite anyway (its
 * NUMERIC affinity stores 0.07 as the nearest double). */
static bool
lite_bind_cents (void *st, int idx, int64_t cents, char **msg)
{
	int rc = sqlite3_bind_double (st, idx, (double) cents / 100.0);
	if (rc != SQLITE_OK) {
		*msg = lite_message (sqlite3_db_handle (st), rc);
		return false;
	}
	return true;
}

static BenchRc
lite_step (BenchConn *c, void *st, char **msg)
{
	int rc = sqlite3_step (st);
	if (rc == SQLITE_ROW)
		return BENCH_ROW;
	if (rc == SQLITE_DONE)
		return BENCH_DONE;
	*msg = lite_message (c->db, rc);
	return BENCH_ERROR;
}

static int64_t
lite_changes (BenchConn *c, void *st)
{
	return sqlite3_changes64 (c->db);
}

static void
lite_reset (void *st)
{
	sqlite3_reset (st);
}

static void
lite_finalize (void *st)
{
	sqlite3_finalize (st);
}

static int64_t
lite_column_int64 (void *st, int col)
{
	return sqlite3_column_int64 (st, col);
}

static double
lite_column_double (void *st, int col)
{
	return sqlite3_column_double (st, col);
}

static const char *
lite_column_text (void *st, int col)
{
	return (const char *) sqlite3_column_text (st, col);
}

static const BenchDriver lite_driver = {
	.engine = BENCH_SQLITE,
	.name = "SQLite",
	.key = "sqlite",
	.open = lite_open,
	.open_durable = lite_open_durable,
	.open_another = lite_open_another,
	.close = lite_close,
	.exec = lite_exec,
	.prepare = lite_prepare,
	.bind_int64 = lite_bind_int64,
	.bind_text = lite_bind_text,
	.bind_cents = lite_bind_cents,
	.step = lite_step,
	.changes = lite_changes,
	.reset = lite_reset,
	.finalize = lite_finalize,
	.column_int64 = lite_column_int64,
	.column_double = lite_column_double,
	.column_text = lite_column_text,
};

/* ---- PostgreSQL --------------------------------------------------------------- */

/* One PQprepare'd statement and the result of its last execution. */
typedef struct PgStmt {
	PGconn   *conn;       /* the connection it was prepared on (not owned) */
	char      name[24];   /* its server-side name, "bench_N" */
	int       nparams;    /* parameters the server found in the text */
	char    **values;     /* nparams bound values as text, owned; NULL = SQL NULL */
	PGresult *res;        /* the last execution's result until reset; NULL before */
	int       row;        /* rows handed out by step so far (1-based current) */
	int       nrows;      /* rows in res; 0 for a command */
} PgStmt;

/* The server's version ("15.18"), from the first connection. */
static char pg_version[32] = "15 (not connected)";

/* "ERROR 42P01: relation "x" does not exist" from a failed result, or
 * the connection's message when there is no result. */
static char *
pg_message (PGconn *conn, PGresult *res)
{
	const char *state = res ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
	const char *text = res ? PQresultErrorMessage (res) : PQerrorMessage (conn);
	char *msg = g_strdup_printf ("ERROR %s: %s", state ? state : "?????",
	                             text && *text ? text : PQerrorMessage (conn));
	return g_strchomp (msg);
}

/* NOTICEs (DROP ... IF EXISTS "skipping", ROLLBACK outside a
 * transaction) would otherwise go to stderr between the progress lines. */
static void
pg_quiet (void *arg, const char *message)
{
}

static bool
pg_open (BenchConn *c, char **msg)
{
	const char *conninfo = bench_pg_conninfo ();
	if (conninfo == NULL) {
		*msg = g_strdup ("no PostgreSQL server is running (bench_pg_start)");
		return false;
	}
	PGconn *conn = PQconnectdb (conninfo);
	if (PQstatus (conn) != CONNECTION_OK) {
		*msg = g_strchomp (g_strdup_printf ("connecting to %s: %s", conninfo, PQerrorMessage (conn)));
		PQfinish (conn);
		return false;
	}
	PQsetNoticeProcessor (conn, pg_quiet, NULL);
	const char *v = PQparameterStatus (conn, "server_version");
	if (v) {
		/* "15.18 (Debian 15.18-0+deb12u1)": the number is enough. */
		g_strlcpy (pg_version, v, sizeof pg_version);
		pg_version[strcspn (pg_version, " ")] = '\0';
	}
	c->db = conn;
	return true;
}

static bool
pg_open_durable (BenchConn *c, char **msg)
{
	*msg = g_strdup ("PostgreSQL runs no durable workloads here (its server has fsync off)");
	return false;
}

static bool
pg_open_another (BenchConn *c, BenchConn *from, char **msg)
{
	return pg_open_durable (c, msg);
}

static void
pg_close (BenchConn *c)
{
	PQfinish (c->db);
}

static bool
pg_result_ok (PGresult *res)
{
	ExecStatusType st = PQresultStatus (res);
	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
}

static bool
pg_exec (BenchConn *c, const char *sql, char **msg)
{
	PGresult *res = PQexec (c->db, sql);
	bool ok = pg_result_ok (res);
	if (!ok)
		*msg = pg_message (c->db, res);
	PQclear (res);
	return ok;
}

static void *
pg_prepare (BenchConn *c, const char *sql, char **msg)
{
	/* Names only need to be unique among the live statements of one
	 * connection; one counter for all of them is simplest. */
	static guint counter;
	PgStmt *ps = g_new0 (PgStmt, 1);
	ps->conn = c->db;
	g_snprintf (ps->name, sizeof ps->name, "bench_%u", ++counter);
	PGresult *res = PQprepare (ps->conn, ps->name, sql, 0, NULL);
	bool ok = pg_result_ok (res);
	if (!ok)
		*msg = pg_message (ps->conn, res);
	PQclear (res);
	if (ok) {
		res = PQdescribePrepared (ps->conn, ps->name);
		if (!(ok = pg_result_ok (res)))
			*msg = pg_message (ps->conn, res);
		else
			ps->nparams = PQnparams (res);
		PQclear (res);
	}
	if (!ok) {
		g_free (ps);
		return NULL;
	}
	ps->values = g_new0 (char *, MAX (ps->nparams, 1));
	return ps;
}

static bool
pg_bind_owned (PgStmt *ps, int idx, char *v, char **msg)
{
	if (idx < 1 || idx > ps->nparams) {
		*msg = g_strdup_printf ("no parameter $%d (the statement has %d)", idx, ps->nparams);
		g_free (v);
		return false;
	}
	g_free (ps->values[idx - 1]);
	ps->values[idx - 1] = v;
	return true;
}

static bool
pg_bind_int64 (void *st, int idx, int64_t v, char **msg)
{
	return pg_bind_owned (st, idx, g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) v), msg);
}

static bool
pg_bind_text (void *st, int idx, const char *v, char **msg)
{
	return pg_bind_owned (st, idx, g_strdup (v), msg);
}

/* Exact decimal text, as for Oxibase (ox_bind_cents). */
static bool
pg_bind_cents (void *st, int idx, int64_t cents, char **msg)
{
	int64_t a = cents < 0 ? -cents : cents;
	return pg_bind_owned (st, idx, g_strdup_printf ("%s%" G_GINT64_FORMAT ".%02d",
	                                                cents < 0 ? "-" : "", (gint64) (a / 100),
	                                                (int) (a % 100)), msg);
}

/* The first step runs the statement and fetches its whole result; every
 * step then hands out one row of it. */
static BenchRc
pg_step (BenchConn *c, void *st, char **msg)
{
	PgStmt *ps = st;
	if (ps->res == NULL) {
		ps->res = PQexecPrepared (ps->conn, ps->name, ps->nparams, (const char *const *) ps->values,
		                          NULL, NULL, 0);
		ExecStatusType status = PQresultStatus (ps->res);
		if (status == PGRES_TUPLES_OK)
			ps->nrows = PQntuples (ps->res);
		else if (status == PGRES_COMMAND_OK)
			ps->nrows = 0;
		else {
			*msg = pg_message (ps->conn, ps->res);
			PQclear (ps->res);
			ps->res = NULL;
			return BENCH_ERROR;
		}
		ps->row = 0;
	}
	if (ps->row < ps->nrows) {
		ps->row++;
		return BENCH_ROW;
	}
	return BENCH_DONE;
}

static int64_t
pg_changes (BenchConn *c, void *st)
{
	PgStmt *ps = st;
	const char *n = ps->res ? PQcmdTuples (ps->res) : "";
	return *n ? g_ascii_strtoll (n, NULL, 10) : 0;
}

static void
pg_reset (void *st)
{
	PgStmt *ps = st;
	PQclear (ps->res);
	ps->res = NULL;
	ps->row = ps->nrows = 0;
}

static void
pg_finalize (void *st)
{
	PgStmt *ps = st;
	pg_reset (ps);
	/* PQclosePrepared is libpq 17's; DEALLOCATE is the way before it.  A
	 * failure (a broken connection) leaves nothing worth reporting. */
	g_autofree char *sql = g_strdup_printf ("DEALLOCATE %s", ps->name);
	PQclear (PQexec (ps->conn, sql));
	for (int i = 0; i < ps->nparams; i++)
		g_free (ps->values[i]);
	g_free (ps->values);
	g_free (ps);
}

/* The current row's column, or NULL for SQL NULL (as SQLite's is). */
static const char *
pg_value (PgStmt *ps, int col)
{
	g_assert (ps->res != NULL && ps->row >= 1 && ps->row <= ps->nrows);
	if (PQgetisnull (ps->res, ps->row - 1, col))
		return NULL;
	return PQgetvalue (ps->res, ps->row - 1, col);
}

static int64_t
pg_column_int64 (void *st, int col)
{
	const char *v = pg_value (st, col);
	return v ? g_ascii_strtoll (v, NULL, 10) : 0;
}

static double
pg_column_double (void *st, int col)
{
	const char *v = pg_value (st, col);
	return v ? g_ascii_strtod (v, NULL) : 0.0;
}

static const char *
pg_column_text (void *st, int col)
{
	return pg_value (st, col);
}

static const BenchDriver pg_driver = {
	.engine = BENCH_POSTGRES,
	.name = "PostgreSQL",
	.key = "postgresql",
	.open = pg_open,
	.open_durable = pg_open_durable,
	.open_another = pg_open_another,
	.close = pg_close,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.bind_int64 = pg_bind_int64,
	.bind_text = pg_bind_text,
	.bind_cents = pg_bind_cents,
	.step = pg_step,
	.changes = pg_changes,
	.reset = pg_reset,
	.finalize = pg_finalize,
	.column_int64 = pg_column_int64,
	.column_double = pg_column_double,
	.column_text = pg_column_text,
};

/* ---- the wrappers ----------------------------------------------------------- */

static const BenchDriver *const drivers[BENCH_N_ENGINES] = {
	[BENCH_OXIBASE] = &ox_driver,
	[BENCH_SQLITE] = &lite_driver,
	[BENCH_POSTGRES] = &pg_driver,
};

const char *
bench_engine_name (BenchEngine e)
{
	g_return_val_if_fail (e < BENCH_N_ENGINES, NULL);
	return drivers[e]->name;
}

const char *
bench_engine_key (BenchEngine e)
{
	g_return_val_if_fail (e < BENCH_N_ENGINES, NULL);
	return drivers[e]->key;
}

const char *
bench_engine_version (BenchEngine e)
{
	g_return_val_if_fail (e < BENCH_N_ENGINES, NULL);
	switch (e) {
	case BENCH_OXIBASE: return ox_version ();
	case BENCH_SQLITE: return sqlite3_libversion ();
	default: return pg_version;
	}
}

BenchConn *
bench_conn_open (BenchEngine e, char **error)
{
	g_return_val_if_fail (e < BENCH_N_ENGINES, NULL);
	BenchConn *c = g_new0 (BenchConn, 1);
	c->drv = drivers[e];
	c->engine = e;
	if (!c->drv->open (c, error)) {
		g_free (c);
		return NULL;
	}
	return c;
}

BenchConn *
bench_conn_open_durable (BenchEngine e, const char *path, char **error)
{
	g_return_val_if_fail (e < BENCH_N_ENGINES, NULL);
	BenchConn *c = g_new0 (BenchConn, 1);
	c->drv = drivers[e];
	c->engine = e;
	c->path = g_strdup (path);
	if (!c->drv->open_durable (c, error)) {
		g_free (c->path);
		g_free (c);
		return NULL;
	}
	return c;
}

BenchConn *
bench_conn_another (BenchConn *from, char **error)
{
	g_return_val_if_fail (from->path != NULL, NULL);
	BenchConn *c = g_new0 (BenchConn, 1);
	c->drv = from->drv;
	c->engine = from->engine;
	c->path = g_strdup (from->path);
	if (!c->drv->open_another (c, from, error)) {
		g_free (c->path);
		g_free (c);
		return NULL;
	}
	return c;
}

void
bench_conn_close (BenchConn *c)
{
	if (c == NULL)
		return;
	c->drv->close (c);
	g_free (c->path);
	g_free (c->error);
	g_free (c);
}

const char *
bench_conn_error (BenchConn *c)
{
	return c->error ? c->error : "(no error recorded)";
}

/* Keep msg as the connection's error, prefixed with the statement. */
static void
set_error (BenchConn *c, const char *sql, char *msg)
{
	g_free (c->error);
	c->error = g_strdup_printf ("SQL: %s\n%s", sql, msg);
	g_free (msg);
}

bool
bench_exec (BenchConn *c, const char *sql)
{
	char *msg = NULL;
	if (c->drv->exec (c, sql, &msg))
		return true;
	set_error (c, sql, msg);
	return false;
}

BenchStmt *
bench_prepare (BenchConn *c, const char *sql)
{
	char *msg = NULL;
	void *h = c->drv->prepare (c, sql, &msg);
	if (h == NULL) {
		set_error (c, sql, msg);
		return NULL;
	}
	BenchStmt *st = g_new0 (BenchStmt, 1);
	st->conn = c;
	st->handle = h;
	st->sql = g_strdup (sql);
	return st;
}

bool
bench_bind_int64 (BenchStmt *st, int idx, int64_t v)
{
	char *msg = NULL;
	if (st->conn->drv->bind_int64 (st->handle, idx, v, &msg))
		return true;
	set_error (st->conn, st->sql, msg);
	return false;
}

bool
bench_bind_text (BenchStmt *st, int idx, const char *v)
{
	char *msg = NULL;
	if (st->conn->drv->bind_text (st->handle, idx, v, &msg))
		return true;
	set_error (st->conn, st->sql, msg);
	return false;
}

bool
bench_bind_cents (BenchStmt *st, int idx, int64_t cents)
{
	char *msg = NULL;
	if (st->conn->drv->bind_cents (st->handle, idx, cents, &msg))
		return true;
	set_error (st->conn, st->sql, msg);
	return false;
}

BenchRc
bench_step (BenchStmt *st)
{
	char *msg = NULL;
	BenchRc rc = st->conn->drv->step (st->conn, st->handle, &msg);
	if (rc == BENCH_ERROR)
		set_error (st->conn, st->sql, msg);
	return rc;
}

int64_t
bench_changes (BenchStmt *st)
{
	return st->conn->drv->changes (st->conn, st->handle);
}

void
bench_reset (BenchStmt *st)
{
	st->conn->drv->reset (st->handle);
}

void
bench_finalize (BenchStmt *st)
{
	if (st == NULL)
		return;
	st->conn->drv->finalize (st->handle);
	g_free (st->sql);
	g_free (st);
}

int64_t
bench_column_int64 (BenchStmt *st, int col)
{
	return st->conn->drv->column_int64 (st->handle, col);
}

double
bench_column_double (BenchStmt *st, int col)
{
	return st->conn->drv->column_double (st->handle, col);
}

const char *
bench_column_text (BenchStmt *st, int col)
{
	return st->conn->drv->column_text (st->handle, col);
}

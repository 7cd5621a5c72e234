/*
 * observe.c — the public observation API of oxibase.h: activity hooks,
 * the log ring behind system.log, and metrics (system.metrics and a
 * server's /metrics come from ox_db_metrics, so both always list the same
 * numbers under the same names).
 *
 * NOTE: the log hook is called on whatever thread logs (the checkpointer,
 * the schedule runner, a session's); it must not call back into the
 * database.  Hooks are set before sessions run and not changed after, so
 * they are read without a lock.
 */
#include "observe.h"
#include "trace/dblog.h"

#include <stdarg.h>
#include <string.h>

#define UNIX_EPOCH_IN_OURS INT64_C (946684800000000)

void
ox_db_set_activity_hooks (OxDatabase *db, const OxActivityHooks *hooks, void *user)
{
	if (hooks)
		db->act_hooks = *hooks;
	else
		memset (&db->act_hooks, 0, sizeof db->act_hooks);
	db->act_user = user;
}

void
ox_db_set_log_hook (OxDatabase *db, OxLogHook fn, void *user)
{
	db->log_hook = fn;
	db->log_user = user;
}

void
ox_db_log_record (OxDatabase *db, const char *level, const char *sqlstate, const char *user_name,
                  const char *database, const char *message)
{
	if (!db)
		return;
	ox_dblog_append (db->dblog, g_get_real_time () - UNIX_EPOCH_IN_OURS, level, message, sqlstate, user_name,
	                 database);
}

void
ox_db_set_log_capacity (OxDatabase *db, size_t lines)
{
	ox_dblog_set_capacity (db->dblog, lines);
}

void
ox_db_event (OxDatabase *db, const char *level, const char *sqlstate, const char *user, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	g_autofree char *msg = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	const char *dbname = db->name ? db->name : "oxibase";
	ox_db_log_record (db, level, sqlstate, user, dbname, msg);
	if (db->log_hook)
		db->log_hook (db->log_user, level, sqlstate, user, dbname, msg);
}

/* ---- metrics ---------------------------------------------------------------------- */

void
ox_db_set_metrics_hook (OxDatabase *db, void (*collect) (void *user, OxMetricAdd add, void *list), void *user)
{
	db->metrics_hook = collect;
	db->metrics_user = user;
}

static void
one (OxMetricAdd add, void *list, const char *name, const char *type, const char *help, double value)
{
	OxMetric m = { name, name, type, help, value };
	add (list, &m);
}

void
ox_db_metrics (OxDatabase *db, OxMetricAdd add, void *list)
{
	if (db->metrics_hook)
		db->metrics_hook (db->metrics_user, add, list);
	OxDbStats st;
	ox_db_stats (db, &st);
	/* a server counts its connections itself; an embedded database its sessions */
	if (!db->metrics_hook)
		one (add, list, "oxibase_sessions", "gauge", "Sessions open now.", st.sessions);
	one (add, list, "oxibase_statements_total", "counter", "Statements started.", (double) st.statements);
	one (add, list, "oxibase_errors_total", "counter", "Statements that failed to prepare or run.",
	     (double) st.errors);
	one (add, list, "oxibase_commits_total", "counter", "Transactions committed.", (double) st.commits);
	one (add, list, "oxibase_rollbacks_total", "counter", "Transactions rolled back.", (double) st.rollbacks);
	one (add, list, "oxibase_wal_bytes_total", "counter",
	     "Bytes appended to the write-ahead log since the server started.", (double) st.wal_bytes);
	static const char *ckpt = "oxibase_checkpoint_duration_seconds";
	static const char *ckpt_help = "Time spent writing checkpoints.";
	OxMetric sum = { ckpt, "oxibase_checkpoint_duration_seconds_sum", "summary", ckpt_help, st.checkpoint_seconds };
	add (list, &sum);
	OxMetric count = { ckpt, "oxibase_checkpoint_duration_seconds_count", "summary", ckpt_help,
	                   (double) st.checkpoints };
	add (list, &count);
}

typedef struct {
	GString    *out;
	const char *family;  /* of the previous sample: HELP/TYPE once per family */
	char       *family_copy;
} Text;

static void
text_add (void *list, const OxMetric *m)
{
	Text *t = list;
	if (!t->family_copy || strcmp (t->family_copy, m->family)) {
		g_string_append_printf (t->out, "# HELP %s %s\n# TYPE %s %s\n", m->family, m->help, m->family, m->type);
		g_free (t->family_copy);
		t->family_copy = g_strdup (m->family);
	}
	char v[G_ASCII_DTOSTR_BUF_SIZE];
	g_ascii_dtostr (v, sizeof v, m->value);
	g_string_append_printf (t->out, "%s %s\n", m->name, v);
}

char *
ox_db_metrics_text (OxDatabase *db)
{
	Text t = { g_string_new (NULL), NULL, NULL };
	ox_db_metrics (db, text_add, &t);
	g_free (t.family_copy);
	return g_string_free (t.out, FALSE);
}

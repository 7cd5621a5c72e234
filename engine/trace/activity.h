/*
 * activity.h — pg_stat_activity, pg_backend_pid(), pg_cancel_backend()
 * and pg_terminate_backend(): what each session of a database is doing,
 * and stopping it.
 *
 * An embedded database lists its own sessions (OxDatabase.live_sessions):
 * each session keeps its state, statement and times in its act_* fields,
 * written by its own thread at the start and end of every top-level
 * statement and read by other sessions, both under the session's
 * act_lock.  A server replaces the list with its hooks (oxibase.h:
 * OxActivityHooks), since it knows its connections better.
 *
 * NOTE: lock order is the database's lock, then a session's act_lock;
 * nothing else is taken under them.  Hooks are called with no engine lock
 * held (they take the server's own).
 * NOTE: terminating an embedded session cannot close a connection (there
 * is none): it cancels the running statement and makes every later one
 * fail with 57P01, which is what a client of a terminated backend sees.
 */
#ifndef OX_ACTIVITY_H
#define OX_ACTIVITY_H

#include "session.h"

typedef enum {
	OX_ACT_IDLE,
	OX_ACT_ACTIVE,
	OX_ACT_IDLE_IN_TXN,
	OX_ACT_IDLE_IN_FAILED_TXN,
} OxActState;

/* ox_session_new / ox_session_free */
void    ox_activity_register (OxSession *s);
void    ox_activity_unregister (OxSession *s);
/* A top-level statement starts (sql: its text, len bytes) / ends. */
void    ox_activity_begin (OxSession *s, const char *sql, size_t len);
void    ox_activity_end (OxSession *s);
/* What the session waits for (pg_sleep); NULLs: nothing. */
void    ox_activity_wait (OxSession *s, const char *type, const char *event);

int32_t ox_session_backend_pid (OxSession *s);
/* Rows of pg_stat_activity as s may see them (OxValue[22] in arena a). */
void    ox_activity_rows (OxSession *s, OxArena *a, GPtrArray *rows);
/* pg_cancel_backend (terminate false) / pg_terminate_backend: permission
 * checks (42501) and the warning for an unknown pid as PostgreSQL 15;
 * true when the session was signalled. */
bool    ox_activity_signal (OxSession *s, int32_t pid, bool terminate);
/* Is session pid still listed? (pg_terminate_backend's timeout) */
bool    ox_activity_exists (OxSession *s, int32_t pid);
/* 57P01 when the session was terminated (at each statement's start). */
void    ox_activity_check_terminated (OxSession *s);

#endif

/*
 * dblog.h — system.log: a bounded ring of the newest log lines of a
 * database (or of the server in front of it): the engine's own events
 * (checkpoints, recovery, failed schedule runs) and the lines a server
 * logs (failed and slow statements, connections ...).
 *
 * Same shape as system.logs' ring (logs.h): writers build the entry before
 * taking the lock and only swap a pointer under it; readers copy
 * references under the lock and build rows after.  When the ring is full
 * the oldest line goes (default 10,000 lines).
 */
#ifndef OX_DBLOG_H
#define OX_DBLOG_H

#include <glib.h>
#include <stdint.h>

#include "base/arena.h"

typedef struct OxDbLog OxDbLog;

OxDbLog *ox_dblog_new (size_t capacity);
void     ox_dblog_free (OxDbLog *l);
void     ox_dblog_set_capacity (OxDbLog *l, size_t capacity);
/* time: timestamptz (µs since 2000); any of the strings but level may be NULL */
void     ox_dblog_append (OxDbLog *l, int64_t time, const char *level, const char *message, const char *sqlstate,
                          const char *user, const char *database);
/* Rows (seq, time, level, message, sqlstate, user, database) as
 * OxValue[7] in arena a, oldest first. */
void     ox_dblog_rows (OxDbLog *l, OxArena *a, GPtrArray *rows);

#endif

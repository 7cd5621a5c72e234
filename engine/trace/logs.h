/*
 * logs.h — system.logs: a bounded ring of the newest messages routines
 * produced (RAISE below EXCEPTION, ox.log), per database.
 *
 * Writers build an entry before taking the ring's lock and hold it only to
 * swap a pointer, so a routine that logs never waits on a reader's work or
 * on I/O; readers take references to the entries under the lock and build
 * their rows after releasing it.  When the ring is full the oldest entry
 * goes (log.capacity, default 100,000 entries).
 */
#ifndef OX_LOGS_H
#define OX_LOGS_H

#include <glib.h>
#include <stdint.h>

#include "base/arena.h"

typedef struct OxLogRing OxLogRing;

OxLogRing *ox_log_ring_new (size_t capacity);
void       ox_log_ring_free (OxLogRing *r);
/* Change the capacity (keeps the newest entries that fit). */
void       ox_log_set_capacity (OxLogRing *r, size_t capacity);
/* Append one message; time is a timestamptz (microseconds since 2000). */
void       ox_log_append (OxLogRing *r, int64_t time, uint32_t session, const char *routine, int line,
                          const char *level, const char *message);
/* Rows (seq, time, session, routine, line, level, message) as OxValue[7]
 * in arena a, oldest first. */
void       ox_log_rows (OxLogRing *r, OxArena *a, GPtrArray *rows);

#endif

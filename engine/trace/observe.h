/*
 * observe.h — the engine's side of its public observation API (oxibase.h:
 * activity hooks, the log, metrics): the one function engine code calls to
 * log an event of its own.
 */
#ifndef OX_OBSERVE_H
#define OX_OBSERVE_H

#include "session.h"

/* Log an engine event: into system.log, and to the log hook if one is set
 * (a server prints it).  user may be NULL.  Safe from any thread. */
void ox_db_event (OxDatabase *db, const char *level, const char *sqlstate, const char *user, const char *fmt, ...)
	G_GNUC_PRINTF (5, 6);

#endif

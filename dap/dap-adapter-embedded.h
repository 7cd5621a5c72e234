/*
 * dap-adapter-embedded.h — a debug adapter on a database this process has
 * already opened (the workstation's embedded connection).
 *
 * A database directory is flock()ed by the handle that opened it, so a
 * second ox_db_open of the same directory fails even in the same process,
 * and ":memory:" would open a new, empty database: the adapter must borrow
 * the caller's handle.  `launch` then ignores its "database" argument.
 * The handle must outlive dap_adapter_run.
 */
#pragma once

#include "dap-adapter.h"
#include "oxibase.h"

G_BEGIN_DECLS

DapAdapter *dap_adapter_new_for_database (GIOStream *stream, OxDatabase *db);

/* The hook in dap-adapter.c this wrapper uses (not for other callers). */
void        dap_adapter_share_database (DapAdapter *self, OxDatabase *db);

G_END_DECLS

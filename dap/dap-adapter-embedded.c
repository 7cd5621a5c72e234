/*
 * dap-adapter-embedded.c — dap_adapter_new_for_database: the adapter over
 * a borrowed OxDatabase (see dap-adapter-embedded.h).  Kept apart from
 * dap-adapter.c, whose only change for it is the marked EMBEDDED HOOK.
 */
#include "dap-adapter-embedded.h"

DapAdapter *
dap_adapter_new_for_database (GIOStream *stream, OxDatabase *db)
{
	g_return_val_if_fail (db != NULL, NULL);
	DapAdapter *self = dap_adapter_new (stream);
	dap_adapter_share_database (self, db);
	return self;
}

/*
 * event-trigger.h — event triggers (event-trigger.c) for session.c, and
 * the rows behind ox_event_trigger_ddl_commands() and
 * ox_event_trigger_dropped_objects() for the executor.
 */
#ifndef OX_EVENT_TRIGGER_H
#define OX_EVENT_TRIGGER_H

#include "pl/pl.h"
#include "plan/plan.h"

struct OxSession;

void ox_ddl_create_event_trigger (struct OxSession *s, OxExec *x, OxCreateEventTriggerStmt *st);
void ox_ddl_alter_event_trigger (struct OxSession *s, OxExec *x, OxAlterEventTriggerStmt *st);
void ox_ddl_drop_event_trigger (struct OxSession *s, OxExec *x, OxDropStmt *ds);

/* Does this statement fire event triggers? */
bool  ox_event_triggers_apply (OxNode *ast);
/* Around a DDL command: begin fires ddl_command_start and returns the
 * position in the transaction's undo log where the command starts; end
 * fires sql_drop and ddl_command_end with what the command did. */
guint ox_event_ddl_begin (struct OxSession *s, const char *tag);
void  ox_event_ddl_end (struct OxSession *s, const char *tag, guint mark);

/* The rows of the listing functions while an event trigger runs: kind 1
 * ddl_commands (objid, command_tag, object_type, schema_name,
 * object_identity), kind 2 dropped_objects (objid, object_name,
 * object_type, schema_name, object_identity).  Raises 39P03 elsewhere. */
GPtrArray *ox_event_rows (struct OxSession *s, int kind);

#endif

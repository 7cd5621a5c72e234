/*
 * trigger.h — triggers: DDL (session.c) and firing (exec.c's DML operators).
 *
 * A DML operator asks once, when it is planned, for the triggers of its
 * table and event (ox_triggers_for: NULL when there are none, so a table
 * without triggers pays one pointer test per row), then calls:
 *
 *   ox_trigset_before_statement   before the first row (also with no rows)
 *   ox_trigset_before_row         per row: the row to write, or NULL to skip
 *   ox_trigset_queue_after_row    per row written, when AFTER ROW triggers exist
 *   ox_trigset_after_statement    after the last row: queued AFTER ROW
 *                                 triggers in row order, then AFTER STATEMENT
 *   ox_trigset_reset              when the operator closes (after errors too)
 *
 * set_cols (UPDATE only) marks the columns the statement assigns, for
 * UPDATE OF column lists; NULL for the other events.
 */
#ifndef OX_TRIGGER_H
#define OX_TRIGGER_H

#include "pl/pl.h"
#include "plan/plan.h"

struct OxSession;
typedef struct OxTrigSet OxTrigSet;

void       ox_ddl_create_trigger (struct OxSession *s, OxExec *x, OxCreateTriggerStmt *ct);
void       ox_ddl_drop_trigger (struct OxSession *s, OxExec *x, OxDropStmt *ds);
void       ox_ddl_alter_trigger (struct OxSession *s, OxExec *x, OxAlterTriggerStmt *at);
/* DROP TABLE takes its triggers along. */
void       ox_triggers_drop_for_table (struct OxSession *s, OxTable *tab);
/* Triggers that would run routine r (a trigger function), for DROP FUNCTION. */
GPtrArray *ox_triggers_using_function (struct OxSession *s, OxRoutine *r);

OxTrigSet *ox_triggers_for (OxExec *x, OxTable *tab, int event, OxArena *a);
bool       ox_trigset_has_row (const OxTrigSet *ts, bool before);
bool       ox_trigset_has_instead (const OxTrigSet *ts);
void       ox_trigset_before_statement (OxExec *x, OxTrigSet *ts, const bool *set_cols);
OxValue   *ox_trigset_before_row (OxExec *x, OxTrigSet *ts, OxValue *newrow, OxValue *oldrow, const bool *set_cols,
                                  OxArena *a);
void       ox_trigset_queue_after_row (OxExec *x, OxTrigSet *ts, const OxValue *newrow, const OxValue *oldrow);
void       ox_trigset_after_statement (OxExec *x, OxTrigSet *ts, const bool *set_cols);
OxValue   *ox_trigset_instead_row (OxExec *x, OxTrigSet *ts, OxValue *newrow, OxValue *oldrow, OxArena *a);
void       ox_trigset_reset (OxTrigSet *ts);

#endif

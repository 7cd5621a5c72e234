/*
 * sequences.h — sequences as SQL objects (sequences.c): CREATE / ALTER /
 * DROP SEQUENCE for session.c, serial columns for CREATE TABLE, and the
 * functions nextval, currval, setval, lastval, pg_get_serial_sequence.
 */
#ifndef OX_SEQUENCES_H
#define OX_SEQUENCES_H

#include "plan/plan.h"
#include "exec/functions.h"

struct OxSession;

void ox_ddl_create_sequence (struct OxSession *s, OxExec *x, OxCreateSequenceStmt *cs);
void ox_ddl_alter_sequence (struct OxSession *s, OxExec *x, OxCreateSequenceStmt *as);
void ox_ddl_drop_sequence (struct OxSession *s, OxExec *x, OxDropStmt *ds);

/* serial, bigserial, smallserial (and serial2/4/8)?  Sets *type to the
 * column's integer type. */
bool ox_serial_type (const OxTypeName *tn, OxType *type);
/* The owned sequence of serial column colno of table tab (just
 * registered): created under 'name' (the column's DEFAULT names it). */
void ox_serial_create (struct OxSession *s, OxTable *tab, int colno, const char *name, char identity,
                       const OxSeqOptions *opts);
/* An identity column's checks at CREATE TABLE: its type (22023) and no
 * other default (42601). */
void ox_identity_check (const char *table, const OxColumn *col, bool twice, bool serial, int loc);
/* TRUNCATE ... RESTART IDENTITY: the sequences the table owns start over
 * (at once, not at commit: see sequences.c). */
void ox_sequences_restart_owned (struct OxSession *s, OxTable *tab);
/* DROP TABLE: drop the sequences the table owns. */
void ox_sequences_drop_owned (struct OxSession *s, OxTable *tab);

/* Forget the session's currval/lastval state (session end). */
void ox_sequences_session_free (struct OxSession *s);

const OxBuiltin *ox_sequence_builtins (size_t *n_out);

#endif

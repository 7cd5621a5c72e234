/*
 * alter.h — ALTER TABLE / VIEW / INDEX actions and ALTER SCHEMA /
 * FUNCTION / PROCEDURE / ROUTINE ... RENAME TO (alter.c).
 *
 * Both run inside the session's transaction with the DDL lock held, like
 * the rest of the DDL in session.c; errors are raised (ox_raise) with
 * PostgreSQL's SQLSTATEs and leave the transaction to be rolled back.
 */
#ifndef OX_ALTER_H
#define OX_ALTER_H

#include "sql/ast.h"

struct OxSession;
struct OxExec;

void ox_ddl_alter_table (struct OxSession *s, struct OxExec *x, OxAlterTableStmt *as);
void ox_ddl_alter_rename (struct OxSession *s, struct OxExec *x, OxAlterRenameStmt *rs);

#endif

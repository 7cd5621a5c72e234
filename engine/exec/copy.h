/*
 * copy.h — COPY FROM STDIN / TO STDOUT inside a statement (copy.c).
 *
 * The data travels through the session's OxCopyIO (oxibase.h); without
 * one, COPY is refused with 0A000.
 */
#ifndef OX_COPY_H
#define OX_COPY_H

#include <stdint.h>

#include "plan/plan.h"
#include "sql/ast.h"

struct OxSession;

/* Run a COPY statement in x's transaction.  Returns the number of rows
 * copied (the n of the tag "COPY n"); raises on any error, after which
 * the caller's statement machinery rolls back what was inserted. */
int64_t ox_copy_run (struct OxSession *s, OxExec *x, OxCopyStmt *cs);

#endif

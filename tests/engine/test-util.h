/*
 * test-util.h — helpers shared by the engine's g_test programs.
 *
 * Each failure here ends the test with g_error and the SQL, SQLSTATE and
 * message, so a broken fixture reads as what broke, not as a later
 * assertion on empty output.
 */
#pragma once

#include "oxibase.h"

/* Step st to its end and return its rows as "a|b\n" lines (NULL printed
 * as "NULL"); *rc is OX_DONE, or OX_ERROR with e filled. */
char *ox_test_step_rows (OxStmt *st, OxError *e, int *rc);

/* Run one query on s and return its rows as ox_test_step_rows does; any
 * error is fatal. */
char *ox_test_query (OxSession *s, const char *sql);

/* Run a script on s; any error is fatal. */
void ox_test_exec (OxSession *s, const char *sql);

/* Remove a file or a directory tree, ignoring what is not there. */
void ox_test_rm_rf (const char *path);

/*
 * ox-sql-split.h — find the statements of an editor's text, so Ctrl+Enter
 * can run the one under the cursor.  No GTK: tested on its own.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
	gsize start;  /* byte offset of the statement's first non-blank character */
	gsize end;    /* byte offset just past its ';' (or the text's end) */
} OxSqlRange;

/* The statements of text (element-type OxSqlRange), in order.  A ';' ends a
 * statement outside quotes ('...', E'...', "..."), dollar quotes ($tag$),
 * comments (-- and nested block comments) and parentheses, as psql cuts
 * its input.  Blank pieces (whitespace only) are left out. */
GArray  *ox_sql_split (const char *text);

/* The statement for a cursor at byte offset: the one that contains it, or,
 * between statements, the nearest one before it (the one just typed), or
 * the first after it.  FALSE when the text holds no statement. */
gboolean ox_sql_statement_at (const char *text, gsize offset, OxSqlRange *range);

G_END_DECLS

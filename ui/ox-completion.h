/*
 * ox-completion.h — completion in the SQL editor: a GtkSourceCompletion
 * provider offering keywords, schemas, tables and views (schema-qualified
 * after "schema."), the columns of the tables in the statement's FROM
 * (also after "alias." and "table."), and functions and procedures with
 * their signatures (parentheses inserted).
 *
 * Names come from a per-connection cache (OxCompletionCatalog) read with a
 * few catalog queries through OxConnection, asynchronously, and read again
 * when the connection emits "objects-changed".  Until the first read is
 * done the provider offers keywords only.
 */
#pragma once

#include <gtksourceview/gtksource.h>

#include "ox-connection.h"

G_BEGIN_DECLS

typedef enum {
	OX_COMPLETION_KEYWORD,
	OX_COMPLETION_SCHEMA,
	OX_COMPLETION_TABLE,
	OX_COMPLETION_VIEW,
	OX_COMPLETION_COLUMN,
	OX_COMPLETION_FUNCTION,
	OX_COMPLETION_PROCEDURE,
} OxCompletionKind;

/* One proposal: what is typed (the name), a detail shown after it
 * ("(qty integer, price numeric) → numeric", a column's type). */
#define OX_TYPE_COMPLETION_ITEM (ox_completion_item_get_type ())
G_DECLARE_FINAL_TYPE (OxCompletionItem, ox_completion_item, OX, COMPLETION_ITEM, GObject)

OxCompletionKind ox_completion_item_get_kind (OxCompletionItem *self);
const char      *ox_completion_item_get_name (OxCompletionItem *self);
/* may be NULL */
const char      *ox_completion_item_get_detail (OxCompletionItem *self);
/* What activation inserts in place of the typed word ("line_total()"). */
char            *ox_completion_item_get_insert_text (OxCompletionItem *self);

#define OX_TYPE_COMPLETION (ox_completion_get_type ())
G_DECLARE_FINAL_TYPE (OxCompletion, ox_completion, OX, COMPLETION, GObject)

/* A provider for connection's editors (one per view is fine: the catalog
 * cache is shared per connection). */
OxCompletion *ox_completion_new (OxConnection *connection);
/* Add a provider to view's completion (Ctrl+Space, and interactive after
 * two characters or a '.'). */
void          ox_completion_attach (GtkSourceView *view, OxConnection *connection);

/* The provider ox_completion_attach gave view, or NULL. (transfer none) */
OxCompletion *ox_completion_get_for_view (GtkSourceView *view);

/* The proposals for a cursor at byte offset cursor in text (the word
 * before the cursor is the prefix they match), unfiltered by activation:
 * what populate would offer.  (transfer full) of OxCompletionItem. */
GListModel   *ox_completion_propose (OxCompletion *self, const char *text, gsize cursor);
/* TRUE once the catalog cache has been read (tests wait for it). */
gboolean      ox_completion_is_ready (OxCompletion *self);

G_END_DECLS

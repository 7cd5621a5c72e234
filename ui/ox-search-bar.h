/*
 * ox-search-bar.h — find and replace over an editor tab's GtkSourceView:
 * a bar above the text (Ctrl+F) with the search text, previous / next,
 * match case, and a replacement with Replace and Replace All.
 */
#pragma once

#include <gtksourceview/gtksource.h>

G_BEGIN_DECLS

#define OX_TYPE_SEARCH_BAR (ox_search_bar_get_type ())
G_DECLARE_FINAL_TYPE (OxSearchBar, ox_search_bar, OX, SEARCH_BAR, GtkBox)

/* Hidden until shown; Escape in it hides it and gives the view the focus. */
GtkWidget *ox_search_bar_new (GtkSourceView *view);
/* Show it, the search text taken from a one-line selection, focused. */
void       ox_search_bar_show (OxSearchBar *self);

/* For tests and automation (what the controls do). */
void       ox_search_bar_set_search (OxSearchBar *self, const char *text, gboolean match_case);
void       ox_search_bar_set_replacement (OxSearchBar *self, const char *text);
/* Select the next / previous match (wrapping); FALSE: none. */
gboolean   ox_search_bar_next (OxSearchBar *self, gboolean backward);
/* Replace the selected match and select the next; FALSE: no match was selected. */
gboolean   ox_search_bar_replace (OxSearchBar *self);
/* Replace every match; the number replaced. */
guint      ox_search_bar_replace_all (OxSearchBar *self);

G_END_DECLS

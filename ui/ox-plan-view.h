/*
 * ox-plan-view.h — a query plan drawn as a tree: one row per operator
 * with its relation, rows (actual, and estimated when the plan has
 * them), loops, time, and a bar for the time spent in the operator
 * itself (its children's time taken out).
 *
 * Two sources: EXPLAIN (FORMAT JSON) output, from the editor's EXPLAIN
 * and EXPLAIN ANALYZE, and the text plan the query debugger serves as an
 * operator frame's source, whose line N is operator N (then no counts,
 * but a current operator and the row it produced, shown beside the tree).
 *
 * What can go wrong: JSON that is not an EXPLAIN document (a server of
 * another kind, a truncated result) fails the load with a message and
 * leaves the view empty.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define OX_TYPE_PLAN_VIEW (ox_plan_view_get_type ())
G_DECLARE_FINAL_TYPE (OxPlanView, ox_plan_view, OX, PLAN_VIEW, GtkWidget)

GtkWidget *ox_plan_view_new (void);
/* EXPLAIN (FORMAT JSON) output: [ { "Plan": {...}, ... } ]. */
gboolean   ox_plan_view_load_json (OxPlanView *self, const char *json, GError **error);
/* A text plan, one operator a line, children indented under "->". */
void       ox_plan_view_load_text (OxPlanView *self, const char *text);
/* The plan as indented text (EXPLAIN's layout, with the counts and
 * times the plan has), for the Messages tab. (transfer full) */
char      *ox_plan_view_to_text (OxPlanView *self);

/* The current operator: line (1-based, operators in pre-order) or 0 for
 * none; it is selected, and the side pane shows side_text (the operator's
 * current row, NULL: no pane). */
void       ox_plan_view_set_current (OxPlanView *self, int line, const char *side_text);
/* For tests and automation: the current operator's label (NULL: none),
 * and every row as shown, "operator | relation | rows | loops | time"
 * per line, indented two spaces per level. (transfer full) */
char      *ox_plan_view_get_current (OxPlanView *self);
char      *ox_plan_view_get_text (OxPlanView *self);
char      *ox_plan_view_get_side_text (OxPlanView *self);

G_END_DECLS

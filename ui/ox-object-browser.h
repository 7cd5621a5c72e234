/*
 * ox-object-browser.h — the object browser: a tree over a connection's
 * catalog (schemas → folders of tables, views, routines ... → tables →
 * folders of columns, indexes ...), loaded lazily as rows are expanded,
 * with a filter box that matches object names.
 */
#pragma once

#include <gtk/gtk.h>

#include "ox-catalog-reader.h"

G_BEGIN_DECLS

/* A row of the tree: a catalog object or a folder ("Tables"). */
#define OX_TYPE_BROWSER_NODE (ox_browser_node_get_type ())
G_DECLARE_FINAL_TYPE (OxBrowserNode, ox_browser_node, OX, BROWSER_NODE, GObject)

/* The object, or NULL for a folder. (transfer none) */
OxCatalogObject *ox_browser_node_get_object (OxBrowserNode *self);
/* The name shown: the object's name or the folder's title. */
const char      *ox_browser_node_get_name (OxBrowserNode *self);

#define OX_TYPE_OBJECT_BROWSER (ox_object_browser_get_type ())
G_DECLARE_FINAL_TYPE (OxObjectBrowser, ox_object_browser, OX, OBJECT_BROWSER, GtkWidget)

GtkWidget       *ox_object_browser_new (void);
void             ox_object_browser_set_connection (OxObjectBrowser *self, OxConnection *connection);
/* The tree's rows (of GtkTreeListRow), for tests. (transfer none) */
GtkTreeListModel *ox_object_browser_get_tree (OxObjectBrowser *self);
void             ox_object_browser_set_filter (OxObjectBrowser *self, const char *text);

/* ---- object actions (ox-object-actions.c) ---- */

/* A folder's schema, or the object's (NULL for roles and their folder). */
const char      *ox_browser_node_get_schema (OxBrowserNode *self);
const char      *ox_browser_node_get_table (OxBrowserNode *self);
/* The selected row's node, or NULL. (transfer full) */
OxBrowserNode   *ox_object_browser_get_selected (OxObjectBrowser *self);
void             ox_object_browser_select (OxObjectBrowser *self, GtkTreeListRow *row);
/* The context menu (right click, Menu, Shift+F10) shows menu. */
void             ox_object_browser_set_menu (OxObjectBrowser *self, GMenuModel *menu);
/* The menu's popover, or NULL. (transfer none) */
GtkWidget       *ox_object_browser_get_menu (OxObjectBrowser *self);

G_END_DECLS

/*
 * ox-object-actions.h — what can be done to an object of the browser:
 * its context menu (right click, the Menu key or Shift+F10) with Open Data,
 * Open Definition, New Table / View / Function / Procedure / Trigger /
 * Schedule, Rename, Drop and Copy Name, as "objects.*" actions on the
 * window working on the browser's selected row.
 *
 * Definitions are generated from the catalog (pg_get_functiondef,
 * pg_get_viewdef, pg_get_constraintdef, pg_indexes, pg_attribute ...):
 * the text runs back as it is.
 */
#pragma once

#include <adwaita.h>

#include "ox-window.h"

G_BEGIN_DECLS

/* Install the actions on win and the context menu on its browser. */
void  ox_object_actions_install (OxWindow *win);
/* Double-click / Enter in the browser: a table's or view's data, a
 * routine's or trigger's source in a routine tab. */
void  ox_object_actions_activate (OxWindow *win, OxCatalogObject *object);

void  ox_object_actions_open_data (OxWindow *win, OxCatalogObject *object);
void  ox_object_actions_open_definition (OxWindow *win, OxCatalogObject *object);
/* A tab with a template for a new object of kind in schema. */
OxEditorPage *ox_object_actions_new_object (OxWindow *win, OxObjectKind kind, const char *schema);
/* The confirmation dialogs (shown; returned so tests can answer them:
 * responses "rename" and "drop"). (transfer none) */
AdwMessageDialog *ox_object_actions_rename (OxWindow *win, OxCatalogObject *object);
AdwMessageDialog *ox_object_actions_drop (OxWindow *win, OxCatalogObject *object);
void  ox_object_actions_copy_name (OxWindow *win, OxCatalogObject *object);

/* The definition of object (CREATE ... text) read from the catalog. */
void  ox_object_definition_async (OxConnection *connection, OxCatalogObject *object, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
char *ox_object_definition_finish (GAsyncResult *result, GError **error);

/* The DDL the dialogs run. */
char *ox_object_drop_sql (OxCatalogObject *object, gboolean cascade);
char *ox_object_rename_sql (OxCatalogObject *object, const char *new_name);
char *ox_object_template (OxObjectKind kind, const char *schema);
/* name as an SQL identifier: bare when it may be, else in double quotes */
char *ox_quote_ident (const char *name);

G_END_DECLS

/*
 * ox-object-browser.c — the object browser (see the header).
 *
 * The top level is the schemas, then a "Roles" folder.
 * The tree is a GtkTreeListModel whose create function builds children
 * only when a row is asked for them (expanded, or its expander drawn):
 * a schema's folders, a folder's objects (the catalog reader's model for
 * that kind, mapped to nodes and filtered by name), a table's folders.
 * The catalog reader's models refresh themselves after DDL with exact
 * splices, so expanded rows stay expanded.
 *
 * NOTE: the filter matches objects inside folders, not schemas or
 * folders, so a match is never hidden by its parent being filtered out;
 * a collapsed folder still needs expanding to show its matches.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-object-browser.h"

#include <string.h>

/* ---- OxBrowserNode ---------------------------------------------------------------- */

struct _OxBrowserNode {
	GObject          parent_instance;
	OxCatalogObject *object;       /* NULL for a folder */
	OxObjectKind     folder_kind;  /* what a folder holds */
	char            *schema;       /* a folder's schema */
	char            *table;        /* a folder's table, or NULL */
	char            *name;         /* shown and filtered on */
};

G_DEFINE_FINAL_TYPE (OxBrowserNode, ox_browser_node, G_TYPE_OBJECT)

enum { NODE_PROP_0, NODE_PROP_NAME, NODE_N_PROPS };
static GParamSpec *node_props[NODE_N_PROPS];

static void
ox_browser_node_finalize (GObject *object)
{
	OxBrowserNode *self = OX_BROWSER_NODE (object);
	g_clear_object (&self->object);
	g_free (self->schema);
	g_free (self->table);
	g_free (self->name);
	G_OBJECT_CLASS (ox_browser_node_parent_class)->finalize (object);
}

static void
ox_browser_node_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
	OxBrowserNode *self = OX_BROWSER_NODE (object);
	if (id == NODE_PROP_NAME)
		g_value_set_string (value, self->name);
	else
		G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
ox_browser_node_class_init (OxBrowserNodeClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	object_class->finalize = ox_browser_node_finalize;
	object_class->get_property = ox_browser_node_get_property;
	node_props[NODE_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL,
	                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	g_object_class_install_properties (object_class, NODE_N_PROPS, node_props);
}

static void
ox_browser_node_init (OxBrowserNode *self)
{
	(void) self;
}

static OxBrowserNode *
node_for_object (OxCatalogObject *object)
{
	OxBrowserNode *n = g_object_new (OX_TYPE_BROWSER_NODE, NULL);
	n->object = g_object_ref (object);
	n->name = g_strdup (ox_catalog_object_get_name (object));
	return n;
}

static OxBrowserNode *
node_for_folder (OxObjectKind kind, const char *schema, const char *table)
{
	OxBrowserNode *n = g_object_new (OX_TYPE_BROWSER_NODE, NULL);
	n->folder_kind = kind;
	n->schema = g_strdup (schema);
	n->table = g_strdup (table);
	n->name = g_strdup (ox_object_kind_plural (kind));
	return n;
}

OxCatalogObject *
ox_browser_node_get_object (OxBrowserNode *self)
{
	g_return_val_if_fail (OX_IS_BROWSER_NODE (self), NULL);
	return self->object;
}

const char *
ox_browser_node_get_name (OxBrowserNode *self)
{
	g_return_val_if_fail (OX_IS_BROWSER_NODE (self), NULL);
	return self->name;
}

/* ---- OxObjectBrowser ------------------------------------------------------------------ */

struct _OxObjectBrowser {
	GtkWidget         parent_instance;
	GtkWidget        *box;           /* the only child: entry over the list */
	GtkSearchEntry   *filter_entry;
	GtkListView      *list_view;
	OxConnection     *connection;    /* owned, or NULL */
	GtkTreeListModel *tree;          /* owned, or NULL before a connection */
	GtkStringFilter  *filter;        /* shared by every folder's filter model */
	GtkWidget        *menu;          /* object actions: the context menu (a GtkPopoverMenu), or NULL */
};

G_DEFINE_FINAL_TYPE (OxObjectBrowser, ox_object_browser, GTK_TYPE_WIDGET)

enum { OPEN_OBJECT, SELECTION_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gpointer
map_object_cb (gpointer item, gpointer data)
{
	(void) data;
	OxBrowserNode *n = node_for_object (item);
	g_object_unref (item);
	return n;
}

static GListModel *
folders (const OxObjectKind *kinds, guint n, const char *schema, const char *table)
{
	GListStore *store = g_list_store_new (OX_TYPE_BROWSER_NODE);
	for (guint i = 0; i < n; i++) {
		g_autoptr (OxBrowserNode) f = node_for_folder (kinds[i], schema, table);
		g_list_store_append (store, f);
	}
	return G_LIST_MODEL (store);
}

/* A folder's objects: a schema's (or for Roles, the database's). */
static GListModel *
create_children_cb (gpointer item, gpointer data)
{
	OxObjectBrowser *self = data;
	OxBrowserNode *node = item;
	if (!self->connection)
		return NULL;
	OxCatalogReader *cat = ox_connection_get_catalog (self->connection);

	if (!node->object) {
		GListModel *objects = ox_catalog_reader_get_objects (cat, node->folder_kind, node->schema, node->table);
		GListModel *mapped = G_LIST_MODEL (gtk_map_list_model_new (objects, map_object_cb, NULL, NULL));
		return G_LIST_MODEL (gtk_filter_list_model_new (mapped, GTK_FILTER (g_object_ref (self->filter))));
	}
	OxCatalogObject *o = node->object;
	const char *schema = ox_catalog_object_get_schema (o);
	switch (ox_catalog_object_get_kind (o)) {
	case OX_OBJECT_SCHEMA: {
		static const OxObjectKind kinds[] = { OX_OBJECT_TABLE, OX_OBJECT_VIEW, OX_OBJECT_FUNCTION,
		                                      OX_OBJECT_PROCEDURE, OX_OBJECT_SEQUENCE, OX_OBJECT_TRIGGER,
		                                      OX_OBJECT_SCHEDULE };
		return folders (kinds, G_N_ELEMENTS (kinds), ox_catalog_object_get_name (o), NULL);
	}
	case OX_OBJECT_TABLE: {
		static const OxObjectKind kinds[] = { OX_OBJECT_COLUMN, OX_OBJECT_INDEX, OX_OBJECT_CONSTRAINT,
		                                      OX_OBJECT_TRIGGER };
		return folders (kinds, G_N_ELEMENTS (kinds), schema, ox_catalog_object_get_name (o));
	}
	case OX_OBJECT_VIEW: {
		static const OxObjectKind kinds[] = { OX_OBJECT_COLUMN };
		return folders (kinds, G_N_ELEMENTS (kinds), schema, ox_catalog_object_get_name (o));
	}
	default:
		return NULL;  /* a leaf */
	}
}

/* Schemas of the user first, the system's (pg_catalog, information_schema) last. */
static int
schema_order_cb (gconstpointer a, gconstpointer b, gpointer data)
{
	(void) data;
	const char *x = ox_browser_node_get_name ((OxBrowserNode *) a);
	const char *y = ox_browser_node_get_name ((OxBrowserNode *) b);
	gboolean sx = g_str_has_prefix (x, "pg_") || !strcmp (x, "information_schema");
	gboolean sy = g_str_has_prefix (y, "pg_") || !strcmp (y, "information_schema");
	if (sx != sy)
		return sx ? 1 : -1;
	return g_strcmp0 (x, y);
}

static const char *
icon_for (OxBrowserNode *node)
{
	if (!node->object)
		return "folder-symbolic";
	switch (ox_catalog_object_get_kind (node->object)) {
	case OX_OBJECT_SCHEMA: return "drive-harddisk-symbolic";
	case OX_OBJECT_TABLE: return "view-grid-symbolic";
	case OX_OBJECT_VIEW: return "view-reveal-symbolic";
	case OX_OBJECT_FUNCTION:
	case OX_OBJECT_PROCEDURE: return "system-run-symbolic";
	case OX_OBJECT_TRIGGER: return "emblem-synchronizing-symbolic";
	case OX_OBJECT_SCHEDULE: return "alarm-symbolic";
	case OX_OBJECT_COLUMN: return "format-justify-left-symbolic";
	case OX_OBJECT_INDEX: return "view-sort-ascending-symbolic";
	case OX_OBJECT_CONSTRAINT: return "dialog-warning-symbolic";
	case OX_OBJECT_ROLE: return "avatar-default-symbolic";
	default: return "text-x-generic-symbolic";
	}
}

static void
setup_row_cb (GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
	(void) f;
	(void) data;
	GtkWidget *expander = gtk_tree_expander_new ();
	GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
	GtkWidget *icon = gtk_image_new ();
	GtkWidget *name = gtk_label_new (NULL);
	GtkWidget *detail = gtk_label_new (NULL);
	gtk_label_set_xalign (GTK_LABEL (name), 0);
	gtk_label_set_xalign (GTK_LABEL (detail), 0);
	gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
	gtk_widget_set_hexpand (detail, TRUE);
	gtk_widget_add_css_class (detail, "dim-label");
	gtk_box_append (GTK_BOX (box), icon);
	gtk_box_append (GTK_BOX (box), name);
	gtk_box_append (GTK_BOX (box), detail);
	gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
	gtk_list_item_set_child (item, expander);
}

static void
bind_row_cb (GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
	(void) f;
	(void) data;
	GtkTreeListRow *row = gtk_list_item_get_item (item);
	GtkWidget *expander = gtk_list_item_get_child (item);
	gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
	OxBrowserNode *node = gtk_tree_list_row_get_item (row);
	GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
	GtkWidget *icon = gtk_widget_get_first_child (box);
	GtkWidget *name = gtk_widget_get_next_sibling (icon);
	GtkWidget *detail = gtk_widget_get_next_sibling (name);
	gtk_image_set_from_icon_name (GTK_IMAGE (icon), icon_for (node));
	gtk_label_set_text (GTK_LABEL (name), node->name);
	const char *d = node->object ? ox_catalog_object_get_detail (node->object) : NULL;
	gtk_label_set_text (GTK_LABEL (detail), d ? d : "");
	gtk_widget_set_tooltip_text (box, d);
	g_autofree char *acc = node->object
		? g_strdup_printf ("%s %s", ox_object_kind_name (ox_catalog_object_get_kind (node->object)), node->name)
		: g_strdup (node->name);
	gtk_accessible_update_property (GTK_ACCESSIBLE (expander), GTK_ACCESSIBLE_PROPERTY_LABEL, acc, -1);
	g_object_unref (node);
}

static void
unbind_row_cb (GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
	(void) f;
	(void) data;
	gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (gtk_list_item_get_child (item)), NULL);
}

static void
activate_cb (GtkListView *view, guint position, OxObjectBrowser *self)
{
	(void) view;
	g_autoptr (GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->tree), position);
	if (!row)
		return;
	g_autoptr (OxBrowserNode) node = gtk_tree_list_row_get_item (row);
	OxObjectKind kind = node->object ? ox_catalog_object_get_kind (node->object) : OX_N_OBJECT_KINDS;
	/* object actions: routines, triggers and schedules open their source */
	if (kind == OX_OBJECT_TABLE || kind == OX_OBJECT_VIEW || kind == OX_OBJECT_FUNCTION ||
	    kind == OX_OBJECT_PROCEDURE || kind == OX_OBJECT_TRIGGER || kind == OX_OBJECT_SCHEDULE)
		g_signal_emit (self, signals[OPEN_OBJECT], 0, node->object);
	else
		gtk_tree_list_row_set_expanded (row, !gtk_tree_list_row_get_expanded (row));
}

static void
search_changed_cb (GtkSearchEntry *entry, OxObjectBrowser *self)
{
	ox_object_browser_set_filter (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

void
ox_object_browser_set_filter (OxObjectBrowser *self, const char *text)
{
	g_return_if_fail (OX_IS_OBJECT_BROWSER (self));
	gtk_string_filter_set_search (self->filter, text && *text ? text : NULL);
}

static void
selection_changed_cb (OxObjectBrowser *self)
{
	g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

void
ox_object_browser_set_connection (OxObjectBrowser *self, OxConnection *connection)
{
	g_return_if_fail (OX_IS_OBJECT_BROWSER (self));
	g_set_object (&self->connection, connection);
	g_clear_object (&self->tree);
	if (!connection) {
		gtk_list_view_set_model (self->list_view, NULL);
		return;
	}
	GListModel *schemas = ox_catalog_reader_get_schemas (ox_connection_get_catalog (connection));
	GListModel *mapped = G_LIST_MODEL (gtk_map_list_model_new (schemas, map_object_cb, NULL, NULL));
	GListModel *sorted = G_LIST_MODEL (gtk_sort_list_model_new (
		mapped, GTK_SORTER (gtk_custom_sorter_new (schema_order_cb, NULL, NULL))));
	/* the schemas, then the database's roles */
	static const OxObjectKind roles[] = { OX_OBJECT_ROLE };
	GListStore *top = g_list_store_new (G_TYPE_LIST_MODEL);
	g_list_store_append (top, sorted);
	g_object_unref (sorted);
	GListModel *role_folder = folders (roles, 1, NULL, NULL);
	g_list_store_append (top, role_folder);
	g_object_unref (role_folder);
	GListModel *all = G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (top)));
	self->tree = gtk_tree_list_model_new (all, FALSE, FALSE, create_children_cb, self, NULL);
	GtkSelectionModel *sel = GTK_SELECTION_MODEL (gtk_single_selection_new (
		G_LIST_MODEL (g_object_ref (self->tree))));
	g_signal_connect_object (sel, "selection-changed", G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
	gtk_list_view_set_model (self->list_view, sel);
	g_object_unref (sel);
	selection_changed_cb (self);
}

GtkTreeListModel *
ox_object_browser_get_tree (OxObjectBrowser *self)
{
	g_return_val_if_fail (OX_IS_OBJECT_BROWSER (self), NULL);
	return self->tree;
}

static void
ox_object_browser_dispose (GObject *object)
{
	OxObjectBrowser *self = OX_OBJECT_BROWSER (object);
	if (self->list_view)
		gtk_list_view_set_model (self->list_view, NULL);
	g_clear_object (&self->tree);
	g_clear_object (&self->connection);
	g_clear_pointer (&self->menu, gtk_widget_unparent);
	g_clear_pointer (&self->box, gtk_widget_unparent);
	self->list_view = NULL;
	G_OBJECT_CLASS (ox_object_browser_parent_class)->dispose (object);
}

static void
ox_object_browser_finalize (GObject *object)
{
	OxObjectBrowser *self = OX_OBJECT_BROWSER (object);
	g_clear_object (&self->filter);
	G_OBJECT_CLASS (ox_object_browser_parent_class)->finalize (object);
}

static void
ox_object_browser_class_init (OxObjectBrowserClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);
	object_class->dispose = ox_object_browser_dispose;
	object_class->finalize = ox_object_browser_finalize;
	gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
	/**
	 * OxObjectBrowser::open-object:
	 * @object: the table or view
	 *
	 * A table or view was activated (double-click or Enter): show its data.
	 */
	signals[OPEN_OBJECT] = g_signal_new ("open-object", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
	                                     NULL, NULL, G_TYPE_NONE, 1, OX_TYPE_CATALOG_OBJECT);
	/* object actions: the selected row changed (ox_object_browser_get_selected) */
	signals[SELECTION_CHANGED] = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
	                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ox_object_browser_init (OxObjectBrowser *self)
{
	self->filter = gtk_string_filter_new (gtk_property_expression_new (OX_TYPE_BROWSER_NODE, NULL, "name"));
	gtk_string_filter_set_match_mode (self->filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
	gtk_string_filter_set_ignore_case (self->filter, TRUE);

	self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
	gtk_widget_set_parent (self->box, GTK_WIDGET (self));

	self->filter_entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
	gtk_widget_set_margin_start (GTK_WIDGET (self->filter_entry), 6);
	gtk_widget_set_margin_end (GTK_WIDGET (self->filter_entry), 6);
	gtk_widget_set_margin_top (GTK_WIDGET (self->filter_entry), 6);
	gtk_widget_set_margin_bottom (GTK_WIDGET (self->filter_entry), 6);
	g_object_set (self->filter_entry, "placeholder-text", "Filter objects", NULL);
	gtk_accessible_update_property (GTK_ACCESSIBLE (self->filter_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
	                                "Filter objects", -1);
	g_signal_connect (self->filter_entry, "search-changed", G_CALLBACK (search_changed_cb), self);
	gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->filter_entry));

	GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
	g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), NULL);
	g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), NULL);
	g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), NULL);
	self->list_view = GTK_LIST_VIEW (gtk_list_view_new (NULL, factory));
	gtk_widget_add_css_class (GTK_WIDGET (self->list_view), "navigation-sidebar");
	g_signal_connect (self->list_view, "activate", G_CALLBACK (activate_cb), self);
	gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
	                                "Database objects", -1);
	/* the area by name, for assistive technology and automation */
	gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, "Object Browser", -1);
	GtkWidget *scroller = gtk_scrolled_window_new ();
	gtk_widget_set_vexpand (scroller, TRUE);
	gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->list_view));
	gtk_box_append (GTK_BOX (self->box), scroller);
}

GtkWidget *
ox_object_browser_new (void)
{
	return g_object_new (OX_TYPE_OBJECT_BROWSER, NULL);
}

/* ---- object actions: the selection and the context menu ----------------------------- */

const char *
ox_browser_node_get_schema (OxBrowserNode *self)
{
	g_return_val_if_fail (OX_IS_BROWSER_NODE (self), NULL);
	if (!self->object)
		return self->schema;
	return ox_catalog_object_get_schema (self->object);
}

/* The table the node is or belongs to (a table, or a folder under one),
 * or NULL. */
const char *
ox_browser_node_get_table (OxBrowserNode *self)
{
	g_return_val_if_fail (OX_IS_BROWSER_NODE (self), NULL);
	if (self->object && ox_catalog_object_get_kind (self->object) == OX_OBJECT_TABLE)
		return ox_catalog_object_get_name (self->object);
	return self->object ? NULL : self->table;
}

OxBrowserNode *
ox_object_browser_get_selected (OxObjectBrowser *self)
{
	g_return_val_if_fail (OX_IS_OBJECT_BROWSER (self), NULL);
	GtkSelectionModel *sel = gtk_list_view_get_model (self->list_view);
	if (!sel)
		return NULL;
	GtkTreeListRow *row = gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (sel));
	return row ? gtk_tree_list_row_get_item (row) : NULL;
}

void
ox_object_browser_select (OxObjectBrowser *self, GtkTreeListRow *row)
{
	g_return_if_fail (OX_IS_OBJECT_BROWSER (self));
	GtkSelectionModel *sel = gtk_list_view_get_model (self->list_view);
	if (sel && row)
		gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (sel), gtk_tree_list_row_get_position (row));
}

/* Pop the menu up at (x, y) in the list view's coordinates. */
static void
popup_menu (OxObjectBrowser *self, double x, double y)
{
	if (!self->menu)
		return;
	graphene_point_t p;
	if (!gtk_widget_compute_point (GTK_WIDGET (self->list_view), self->box, &GRAPHENE_POINT_INIT (x, y), &p))
		p = GRAPHENE_POINT_INIT (0, 0);
	gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &(GdkRectangle) { (int) p.x, (int) p.y, 1, 1 });
	gtk_popover_popup (GTK_POPOVER (self->menu));
}

/* A right click selects the row under the pointer, then shows the menu. */
static void
right_click_cb (GtkGestureClick *gesture, int n_press, double x, double y, OxObjectBrowser *self)
{
	(void) n_press;
	GtkWidget *w = gtk_widget_pick (GTK_WIDGET (self->list_view), x, y, GTK_PICK_DEFAULT);
	while (w && !GTK_IS_TREE_EXPANDER (w) && w != GTK_WIDGET (self->list_view))
		w = gtk_widget_get_parent (w);
	if (w && GTK_IS_TREE_EXPANDER (w))
		ox_object_browser_select (self, gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (w)));
	gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
	popup_menu (self, x, y);
}

/* The Menu key or Shift+F10: the menu at the focused row. */
static gboolean
menu_key_cb (GtkWidget *widget, GVariant *args, gpointer data)
{
	(void) args;
	(void) data;
	OxObjectBrowser *self = OX_OBJECT_BROWSER (widget);
	GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));
	double x = 24, y = 24;
	if (focus && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list_view))) {
		graphene_point_t p;
		if (gtk_widget_compute_point (focus, GTK_WIDGET (self->list_view), &GRAPHENE_POINT_INIT (24, 12), &p)) {
			x = p.x;
			y = p.y;
		}
	}
	popup_menu (self, x, y);
	return TRUE;
}

void
ox_object_browser_set_menu (OxObjectBrowser *self, GMenuModel *menu)
{
	g_return_if_fail (OX_IS_OBJECT_BROWSER (self));
	g_clear_pointer (&self->menu, gtk_widget_unparent);
	self->menu = gtk_popover_menu_new_from_model (menu);
	gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
	gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
	gtk_widget_set_parent (self->menu, self->box);
	gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu), GTK_ACCESSIBLE_PROPERTY_LABEL, "Object actions", -1);

	GtkGesture *click = gtk_gesture_click_new ();
	gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
	g_signal_connect (click, "pressed", G_CALLBACK (right_click_cb), self);
	gtk_widget_add_controller (GTK_WIDGET (self->list_view), GTK_EVENT_CONTROLLER (click));

	GtkEventController *keys = gtk_shortcut_controller_new ();
	GtkShortcutAction *show = gtk_callback_action_new (menu_key_cb, NULL, NULL);
	gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
		gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Menu, 0),
		                                               gtk_keyval_trigger_new (GDK_KEY_F10, GDK_SHIFT_MASK)),
		                  show));
	gtk_widget_add_controller (GTK_WIDGET (self), keys);
}

GtkWidget *
ox_object_browser_get_menu (OxObjectBrowser *self)
{
	g_return_val_if_fail (OX_IS_OBJECT_BROWSER (self), NULL);
	return self->menu;
}

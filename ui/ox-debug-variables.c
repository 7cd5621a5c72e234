/*
 * ox-debug-variables.c — the Variables panel: the scopes of the selected
 * frame and their variables, records and arrays expandable, as a
 * GtkTreeListModel whose children are fetched (a `variables` request)
 * only when a row is expanded.  The scopes themselves start expanded.
 *
 * NOTE: a child model asked for after the stop ended stays empty (the
 * adapter refuses stale references, and the generation check drops late
 * replies).
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-debug-panels.h"

/* ---- one row's data ---------------------------------------------------------------------- */

#define OX_TYPE_DEBUG_VAR (ox_debug_var_get_type ())
G_DECLARE_FINAL_TYPE (OxDebugVar, ox_debug_var, OX, DEBUG_VAR, GObject)

struct _OxDebugVar {
	GObject parent_instance;
	char   *name, *value, *type;
	gint64  ref;
};

G_DEFINE_FINAL_TYPE (OxDebugVar, ox_debug_var, G_TYPE_OBJECT)

static void
ox_debug_var_finalize (GObject *o)
{
	OxDebugVar *v = OX_DEBUG_VAR (o);
	g_free (v->name);
	g_free (v->value);
	g_free (v->type);
	G_OBJECT_CLASS (ox_debug_var_parent_class)->finalize (o);
}

static void ox_debug_var_class_init (OxDebugVarClass *k) { G_OBJECT_CLASS (k)->finalize = ox_debug_var_finalize; }
static void ox_debug_var_init (OxDebugVar *v) { (void) v; }

static OxDebugVar *
var_new (const char *name, const char *value, const char *type, gint64 ref)
{
	OxDebugVar *v = g_object_new (OX_TYPE_DEBUG_VAR, NULL);
	v->name = g_strdup (name);
	v->value = g_strdup (value);
	v->type = g_strdup (type);
	v->ref = ref;
	return v;
}

/* ---- the panel ---------------------------------------------------------------------------- */

typedef struct {
	OxDebugSession  *session;
	GListStore      *root;
	GtkTreeListModel *tree;
	guint            generation;
} Panel;

typedef struct {
	Panel      *panel;
	GWeakRef    panel_widget;   /* the panel may go first */
	guint       generation;
	GListStore *store;
	gboolean    expand;         /* scopes: expand each row once filled */
} Fill;

static void
fill_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	Fill *f = data;
	GtkWidget *w = g_weak_ref_get (&f->panel_widget);
	OxDebugSession *session = w ? f->panel->session : NULL;
	JsonNode *body = session ? ox_debug_session_request_finish (session, result, NULL) : NULL;
	if (!w) {
		/* the panel is gone: only consume the reply */
		GObject *src = g_async_result_get_source_object (result);
		if (DAP_IS_CLIENT (src))
			body = dap_client_request_finish (DAP_CLIENT (src), result, NULL);
		g_clear_object (&src);
	}
	(void) source;
	if (body && w && f->generation == f->panel->generation && JSON_NODE_HOLDS_OBJECT (body)) {
		JsonObject *o = json_node_get_object (body);
		gboolean scopes = json_object_has_member (o, "scopes");
		JsonArray *a = json_object_get_array_member (o, scopes ? "scopes" : "variables");
		for (guint i = 0; a && i < json_array_get_length (a); i++) {
			JsonObject *v = json_array_get_object_element (a, i);
			OxDebugVar *var = var_new (json_object_get_string_member_with_default (v, "name", "?"),
			                           scopes ? NULL : json_object_get_string_member_with_default (v, "value", ""),
			                           json_object_get_string_member_with_default (v, "type", NULL),
			                           json_object_get_int_member_with_default (v, "variablesReference", 0));
			g_list_store_append (f->store, var);
			g_object_unref (var);
		}
		if (f->expand)
			for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (f->store)); i++) {
				GtkTreeListRow *row = gtk_tree_list_model_get_row (f->panel->tree, i);
				if (row)
					gtk_tree_list_row_set_expanded (row, TRUE);
				g_clear_object (&row);
			}
	}
	if (body)
		json_node_unref (body);
	g_clear_object (&w);
	g_weak_ref_clear (&f->panel_widget);
	g_object_unref (f->store);
	g_free (f);
}

static void
request_into (Panel *p, GtkWidget *w, GListStore *store, const char *command, JsonNode *args, gboolean expand)
{
	Fill *f = g_new0 (Fill, 1);
	f->panel = p;
	g_weak_ref_init (&f->panel_widget, w);
	f->generation = p->generation;
	f->store = g_object_ref (store);
	f->expand = expand;
	ox_debug_session_request (p->session, command, args, NULL, fill_cb, f);
}

static GListModel *
create_child (gpointer item, gpointer data)
{
	OxDebugVar *v = item;
	GtkWidget *w = data;
	Panel *p = g_object_get_data (G_OBJECT (w), "ox-panel");
	if (!v->ref)
		return NULL;
	GListStore *store = g_list_store_new (OX_TYPE_DEBUG_VAR);
	request_into (p, w, store, "variables",
	              dap_client_args ("{\"variablesReference\":%" G_GINT64_FORMAT "}", v->ref), FALSE);
	return G_LIST_MODEL (store);
}

static void
refresh (GtkWidget *w)
{
	Panel *p = g_object_get_data (G_OBJECT (w), "ox-panel");
	p->generation++;
	g_list_store_remove_all (p->root);
	gint64 frame = ox_debug_session_get_frame_id (p->session);
	if (ox_debug_session_get_state (p->session) != OX_DEBUG_STOPPED || !frame)
		return;
	request_into (p, w, p->root, "scopes", dap_client_args ("{\"frameId\":%" G_GINT64_FORMAT "}", frame), TRUE);
}

static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
	(void) factory;
	(void) data;
	GtkWidget *expander = gtk_tree_expander_new ();
	GtkWidget *label = gtk_label_new (NULL);
	gtk_label_set_xalign (GTK_LABEL (label), 0);
	gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
	gtk_widget_add_css_class (label, "monospace");
	gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), label);
	gtk_list_item_set_child (item, expander);
}

static char *
row_text (OxDebugVar *v)
{
	if (!v->value)
		return g_strdup (v->name);
	return g_strdup_printf ("%s = %s", v->name, v->value);
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
	(void) factory;
	(void) data;
	GtkTreeListRow *row = gtk_list_item_get_item (item);
	GtkWidget *expander = gtk_list_item_get_child (item);
	gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
	OxDebugVar *v = gtk_tree_list_row_get_item (row);
	char *t = row_text (v);
	GtkWidget *label = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
	gtk_label_set_text (GTK_LABEL (label), t);
	gtk_widget_set_tooltip_text (label, v->type);
	g_free (t);
	g_object_unref (v);
}

static void
free_panel (gpointer data)
{
	Panel *p = data;
	g_object_unref (p->session);
	g_object_unref (p->tree);
	g_free (p);
}

GtkWidget *
ox_debug_variables_new (OxDebugSession *session)
{
	GtkWidget *scroll = gtk_scrolled_window_new ();
	Panel *p = g_new0 (Panel, 1);
	p->session = g_object_ref (session);
	p->root = g_list_store_new (OX_TYPE_DEBUG_VAR);
	p->tree = gtk_tree_list_model_new (G_LIST_MODEL (p->root), FALSE, FALSE, create_child, scroll, NULL);
	g_object_set_data_full (G_OBJECT (scroll), "ox-panel", p, free_panel);
	GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
	g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
	g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
	GtkWidget *view = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_object_ref (p->tree)))),
	                                     factory);
	gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, "Variables", -1);
	gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), view);
	g_signal_connect_object (session, "frame-selected", G_CALLBACK (refresh), scroll, G_CONNECT_SWAPPED);
	return scroll;
}

char *
ox_debug_variables_get_text (GtkWidget *panel)
{
	Panel *p = g_object_get_data (G_OBJECT (panel), "ox-panel");
	GString *s = g_string_new (NULL);
	guint n = g_list_model_get_n_items (G_LIST_MODEL (p->tree));
	for (guint i = 0; i < n; i++) {
		GtkTreeListRow *row = g_list_model_get_item (G_LIST_MODEL (p->tree), i);
		OxDebugVar *v = gtk_tree_list_row_get_item (row);
		for (guint d = 0; d < gtk_tree_list_row_get_depth (row); d++)
			g_string_append (s, "  ");
		char *t = row_text (v);
		g_string_append_printf (s, "%s\n", t);
		g_free (t);
		g_object_unref (v);
		g_object_unref (row);
	}
	return g_string_free (s, FALSE);
}

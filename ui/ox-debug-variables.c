/*
 * ox-debug-variables.c — the Variables panel: the scopes of the selected
 * frame and their variables, records and arrays expandable, as a
 * GtkTreeListModel whose children are fetched (a `variables` request)
 * only when a row is expanded.  The scopes themselves start expanded.
 *
 * A value is edited in place (a GtkEditableLabel, named "Value of NAME"
 * for assistive technology): when the edit is committed the panel sends
 * DAP setVariable for it in its container (the scope or record it was
 * listed in), and on success every panel reads the frame again (the
 * session re-selects it), since one assignment can change other values.
 *
 * NOTE: a child model asked for after the stop ended stays empty (the
 * adapter refuses stale references, and the generation check drops late
 * replies).
 * NOTE: a refused assignment (a type error, a constant) leaves the old
 * value, with the adapter's message as the value's tooltip.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-debug-panels.h"

#include <string.h>

/* ---- one row's data ---------------------------------------------------------------------- */

#define OX_TYPE_DEBUG_VAR (ox_debug_var_get_type ())
G_DECLARE_FINAL_TYPE (OxDebugVar, ox_debug_var, OX, DEBUG_VAR, GObject)

struct _OxDebugVar {
	GObject parent_instance;
	char   *name, *value, *type;
	gint64  ref;
	gint64  container;   /* the variablesReference it was listed under; 0 for scopes */
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
	gint64      container;      /* the variablesReference asked for (0: scopes) */
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
			var->container = scopes ? 0 : f->container;
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
request_into (Panel *p, GtkWidget *w, GListStore *store, const char *command, JsonNode *args, gboolean expand,
              gint64 container)
{
	Fill *f = g_new0 (Fill, 1);
	f->container = container;
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
	              dap_client_args ("{\"variablesReference\":%" G_GINT64_FORMAT "}", v->ref), FALSE, v->ref);
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
	request_into (p, w, p->root, "scopes", dap_client_args ("{\"frameId\":%" G_GINT64_FORMAT "}", frame), TRUE, 0);
}

/* ---- editing a value (setVariable) ------------------------------------------------------------- */

typedef struct {
	OxDebugSession *session;
	GWeakRef        label;    /* the value's editable label */
	char           *old;      /* what it showed before */
} SetReq;

static void
set_variable_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	(void) source;
	SetReq *r = data;
	GError *error = NULL;
	JsonNode *body = ox_debug_session_request_finish (r->session, result, &error);
	GtkWidget *label = g_weak_ref_get (&r->label);
	if (body) {
		/* one assignment can change more than its own row (a record's
		 * field, a watch on it): every panel reads the frame again */
		ox_debug_session_reselect_frame (r->session);
		json_node_unref (body);
	} else {
		if (label) {
			gtk_editable_set_text (GTK_EDITABLE (label), r->old);
			gtk_widget_set_tooltip_text (label, error->message);
			gtk_widget_add_css_class (label, "error");
		}
		g_error_free (error);
	}
	g_clear_object (&label);
	g_object_unref (r->session);
	g_weak_ref_clear (&r->label);
	g_free (r->old);
	g_free (r);
}

/* A value's edit ended: committed with a new text, send setVariable. */
static void
editing_cb (GtkEditableLabel *label, GParamSpec *pspec, gpointer data)
{
	(void) pspec;
	GtkWidget *panel = data;
	Panel *p = g_object_get_data (G_OBJECT (panel), "ox-panel");
	OxDebugVar *v = g_object_get_data (G_OBJECT (label), "ox-var");
	if (gtk_editable_label_get_editing (label) || !v || !v->value || !v->container)
		return;
	const char *text = gtk_editable_get_text (GTK_EDITABLE (label));
	if (!strcmp (text, v->value))
		return;
	SetReq *r = g_new0 (SetReq, 1);
	r->session = g_object_ref (p->session);
	g_weak_ref_init (&r->label, label);
	r->old = g_strdup (v->value);
	g_autofree char *name = dap_json_quote (v->name);
	g_autofree char *value = dap_json_quote (text);
	ox_debug_session_request (p->session, "setVariable",
	                          dap_client_args ("{\"variablesReference\":%" G_GINT64_FORMAT ",\"name\":%s,\"value\":%s}",
	                                           v->container, name, value), NULL, set_variable_cb, r);
}

static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
	(void) factory;
	GtkWidget *expander = gtk_tree_expander_new ();
	GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
	GtkWidget *label = gtk_label_new (NULL);
	gtk_label_set_xalign (GTK_LABEL (label), 0);
	gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
	gtk_widget_add_css_class (label, "monospace");
	gtk_box_append (GTK_BOX (box), label);
	/* the value: click (or Enter on the row) to edit; Enter commits */
	GtkWidget *value = gtk_editable_label_new ("");
	gtk_widget_add_css_class (value, "monospace");
	gtk_widget_set_hexpand (value, TRUE);
	g_signal_connect (value, "notify::editing", G_CALLBACK (editing_cb), data);
	gtk_box_append (GTK_BOX (box), value);
	gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
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
	GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
	GtkWidget *label = gtk_widget_get_first_child (box);
	GtkWidget *value = gtk_widget_get_last_child (box);
	/* a value listed in a container can be assigned; scopes have none */
	char *t = v->value && v->container ? g_strdup_printf ("%s = ", v->name) : row_text (v);
	gtk_label_set_text (GTK_LABEL (label), t);
	gtk_widget_set_tooltip_text (label, v->type);
	g_free (t);
	g_object_set_data (G_OBJECT (value), "ox-var", NULL);  /* no edit while rebinding */
	gtk_editable_label_stop_editing (GTK_EDITABLE_LABEL (value), FALSE);
	gtk_editable_set_text (GTK_EDITABLE (value), v->value ? v->value : "");
	gtk_widget_set_visible (value, v->value && v->container);
	gtk_widget_set_tooltip_text (value, NULL);
	gtk_widget_remove_css_class (value, "error");
	g_autofree char *a11y = g_strdup_printf ("Value of %s", v->name);
	gtk_accessible_update_property (GTK_ACCESSIBLE (value), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
	g_object_set_data_full (G_OBJECT (value), "ox-var", g_object_ref (v), g_object_unref);
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
	g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), scroll);
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

/* The value label bound to the variable named name, below w. */
static GtkWidget *
find_value (GtkWidget *w, const char *name)
{
	if (GTK_IS_EDITABLE_LABEL (w)) {
		OxDebugVar *v = g_object_get_data (G_OBJECT (w), "ox-var");
		return v && !strcmp (v->name, name) && gtk_widget_get_mapped (w) ? w : NULL;
	}
	for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c)) {
		GtkWidget *r = find_value (c, name);
		if (r)
			return r;
	}
	return NULL;
}

gboolean
ox_debug_variables_edit (GtkWidget *panel, const char *name, const char *value)
{
	GtkWidget *label = find_value (panel, name);
	if (!label)
		return FALSE;
	/* the text, then the end of an edit as the label reports it: the
	 * path Enter takes, without moving the keyboard focus */
	gtk_editable_set_text (GTK_EDITABLE (label), value);
	g_object_notify (G_OBJECT (label), "editing");
	return TRUE;
}

/*
 * ox-plan-view.c — a query plan as a tree (see the header).
 *
 * The operators are OxPlanNode objects, each with a GListStore of its
 * children; a GtkTreeListModel (autoexpand: every node open) flattens
 * them for a GtkColumnView.  Times in EXPLAIN are averages per loop and
 * inclusive (a join's contains its inputs'), so the bar shows the
 * exclusive time: total × loops minus the children's total × loops, as a
 * fraction of the root's.  The current operator (query stepping) is the
 * single selection: it is drawn, and announced, as GTK draws a selection.
 *
 * NOTE: rounding: EXPLAIN prints three decimals, so a child can appear to
 * take a microsecond more than its parent; exclusive times are clamped
 * at zero.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-plan-view.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* ---- one operator ------------------------------------------------------------------------- */

#define OX_TYPE_PLAN_NODE (ox_plan_node_get_type ())
G_DECLARE_FINAL_TYPE (OxPlanNode, ox_plan_node, OX, PLAN_NODE, GObject)

struct _OxPlanNode {
	GObject     parent_instance;
	char       *op;         /* "Hash Join", "Seq Scan on t3" (text plans: the whole line) */
	char       *relation;   /* "orders o", or NULL */
	char       *detail;     /* conditions and keys, for the tooltip, or NULL */
	gint64      rows;       /* actual rows per loop; -1: not run */
	gint64      plan_rows;  /* estimated; -1: none */
	gint64      loops;      /* -1: not run */
	double      total_ms;   /* per loop, inclusive; < 0: not timed */
	double      self_ms;    /* over all loops, exclusive; < 0: not timed */
	double      fraction;   /* self_ms / the root's time, 0..1 */
	int         line;       /* 1-based, pre-order */
	guint       depth;
	GListStore *children;   /* OxPlanNode */
};

G_DEFINE_FINAL_TYPE (OxPlanNode, ox_plan_node, G_TYPE_OBJECT)

static void
ox_plan_node_finalize (GObject *o)
{
	OxPlanNode *n = OX_PLAN_NODE (o);
	g_free (n->op);
	g_free (n->relation);
	g_free (n->detail);
	g_clear_object (&n->children);
	G_OBJECT_CLASS (ox_plan_node_parent_class)->finalize (o);
}

static void ox_plan_node_class_init (OxPlanNodeClass *k) { G_OBJECT_CLASS (k)->finalize = ox_plan_node_finalize; }

static void
ox_plan_node_init (OxPlanNode *n)
{
	n->rows = n->plan_rows = n->loops = -1;
	n->total_ms = n->self_ms = -1;
	n->children = g_list_store_new (OX_TYPE_PLAN_NODE);
}

/* ---- the view -------------------------------------------------------------------------------- */

struct _OxPlanView {
	GtkWidget           parent_instance;
	GtkWidget          *paned;
	GtkColumnView      *columns;
	GtkWidget          *side;       /* the current row's pane */
	GtkLabel           *side_label;
	GListStore         *root;       /* the root operator */
	GtkTreeListModel   *tree;
	GtkSingleSelection *selection;
	int                 current;    /* line of the current operator, 0: none */
	GtkColumnViewColumn *cols[6];   /* by COL_*: the counts' columns hide for text plans */
};

G_DEFINE_FINAL_TYPE (OxPlanView, ox_plan_view, GTK_TYPE_WIDGET)

static GListModel *
create_child (gpointer item, gpointer data)
{
	(void) data;
	OxPlanNode *n = item;
	if (g_list_model_get_n_items (G_LIST_MODEL (n->children)) == 0)
		return NULL;
	return G_LIST_MODEL (g_object_ref (n->children));
}

enum { COL_OPERATOR, COL_RELATION, COL_ROWS, COL_LOOPS, COL_TIME, COL_SELF, N_COLS };

static char *
cell_text (OxPlanNode *n, int col)
{
	switch (col) {
	case COL_OPERATOR:
		return g_strdup (n->op);
	case COL_RELATION:
		return g_strdup (n->relation ? n->relation : "");
	case COL_ROWS:
		if (n->rows >= 0 && n->plan_rows >= 0)
			return g_strdup_printf ("%" G_GINT64_FORMAT " (est. %" G_GINT64_FORMAT ")", n->rows, n->plan_rows);
		if (n->rows >= 0)
			return g_strdup_printf ("%" G_GINT64_FORMAT, n->rows);
		if (n->plan_rows >= 0)
			return g_strdup_printf ("est. %" G_GINT64_FORMAT, n->plan_rows);
		return g_strdup ("");
	case COL_LOOPS:
		return n->loops >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, n->loops) : g_strdup ("");
	case COL_TIME:
		return n->total_ms >= 0 ? g_strdup_printf ("%.3f ms", n->total_ms) : g_strdup ("");
	case COL_SELF:
		return n->self_ms >= 0 ? g_strdup_printf ("%.3f ms", n->self_ms) : g_strdup ("");
	}
	return g_strdup ("");
}

static void
setup_cb (GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
	(void) f;
	int col = GPOINTER_TO_INT (data);
	if (col == COL_SELF) {
		/* the exclusive time as a bar, its value as the bar's text */
		GtkWidget *bar = gtk_progress_bar_new ();
		gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (bar), TRUE);
		gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
		gtk_widget_set_size_request (bar, 120, -1);
		gtk_widget_add_css_class (bar, "plan-time-bar");
		gtk_list_item_set_child (item, bar);
		return;
	}
	GtkWidget *label = gtk_label_new (NULL);
	gtk_label_set_xalign (GTK_LABEL (label), col == COL_ROWS || col == COL_LOOPS || col == COL_TIME ? 1 : 0);
	gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
	if (col == COL_OPERATOR) {
		GtkWidget *expander = gtk_tree_expander_new ();
		gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), label);
		gtk_list_item_set_child (item, expander);
	} else
		gtk_list_item_set_child (item, label);
}

static void
bind_cb (GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
	(void) f;
	int col = GPOINTER_TO_INT (data);
	GtkTreeListRow *row = gtk_list_item_get_item (item);
	OxPlanNode *n = gtk_tree_list_row_get_item (row);
	GtkWidget *w = gtk_list_item_get_child (item);
	g_autofree char *text = cell_text (n, col);
	if (col == COL_SELF) {
		gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (w), n->self_ms >= 0 ? n->fraction : 0);
		gtk_progress_bar_set_text (GTK_PROGRESS_BAR (w), text);
		gtk_widget_set_visible (w, n->self_ms >= 0);
	} else if (col == COL_OPERATOR) {
		gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (w), row);
		GtkWidget *label = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (w));
		gtk_label_set_text (GTK_LABEL (label), text);
		gtk_widget_set_tooltip_text (label, n->detail);
	} else
		gtk_label_set_text (GTK_LABEL (w), text);
	g_object_unref (n);
}

static void
add_column (OxPlanView *self, const char *title, int col, gboolean expand)
{
	GtkListItemFactory *f = gtk_signal_list_item_factory_new ();
	g_signal_connect (f, "setup", G_CALLBACK (setup_cb), GINT_TO_POINTER (col));
	g_signal_connect (f, "bind", G_CALLBACK (bind_cb), GINT_TO_POINTER (col));
	GtkColumnViewColumn *c = gtk_column_view_column_new (title, f);
	gtk_column_view_column_set_resizable (c, TRUE);
	gtk_column_view_column_set_expand (c, expand);
	gtk_column_view_append_column (self->columns, c);
	self->cols[col] = c;
	g_object_unref (c);
}

/* ---- loading ------------------------------------------------------------------------------- */

/* Text plans have no counts: only the operators' column shows. */
static void
show_counts (OxPlanView *self, gboolean on)
{
	for (int c = COL_RELATION; c < N_COLS; c++)
		gtk_column_view_column_set_visible (self->cols[c], on);
}

static void
clear (OxPlanView *self)
{
	self->current = 0;
	gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
	g_list_store_remove_all (self->root);
	gtk_widget_set_visible (self->side, FALSE);
}

static const char *
str_member (JsonObject *o, const char *key)
{
	JsonNode *n = json_object_get_member (o, key);
	return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n)
	                                                                                      : NULL;
}

static double
num_member (JsonObject *o, const char *key, double dflt)
{
	JsonNode *n = json_object_get_member (o, key);
	if (!n || !JSON_NODE_HOLDS_VALUE (n))
		return dflt;
	GType t = json_node_get_value_type (n);
	if (t == G_TYPE_INT64)
		return (double) json_node_get_int (n);
	if (t == G_TYPE_DOUBLE)
		return json_node_get_double (n);
	return dflt;
}

/* "Filter: (x > 1)", one line per condition or key list */
static char *
node_detail (JsonObject *o)
{
	static const char *const keys[] = { "Index Cond", "Hash Cond", "Join Filter", "Filter", "Sort Key",
	                                    "Group Key", "Output", "Limit", "Offset" };
	GString *s = g_string_new (NULL);
	for (guint i = 0; i < G_N_ELEMENTS (keys); i++) {
		JsonNode *n = json_object_get_member (o, keys[i]);
		if (!n)
			continue;
		if (s->len)
			g_string_append_c (s, '\n');
		g_string_append_printf (s, "%s: ", keys[i]);
		if (JSON_NODE_HOLDS_ARRAY (n)) {
			JsonArray *a = json_node_get_array (n);
			for (guint k = 0; k < json_array_get_length (a); k++)
				g_string_append_printf (s, "%s%s", k ? ", " : "", json_array_get_string_element (a, k));
		} else if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
			g_string_append (s, json_node_get_string (n));
	}
	return s->len ? g_string_free (s, FALSE) : (g_string_free (s, TRUE), NULL);
}

static OxPlanNode *
node_from_json (JsonObject *o, guint depth, int *line)
{
	OxPlanNode *n = g_object_new (OX_TYPE_PLAN_NODE, NULL);
	const char *type = str_member (o, "Node Type");
	const char *join = str_member (o, "Join Type");
	const char *strategy = str_member (o, "Strategy");
	const char *sub = str_member (o, "Subplan Name");
	GString *op = g_string_new (NULL);
	if (sub)
		g_string_append_printf (op, "%s: ", sub);
	if (join && strcmp (join, "Inner"))
		g_string_append_printf (op, "%s %s", type ? type : "?", join);
	else if (type && !strcmp (type, "Aggregate") && strategy && !strcmp (strategy, "Hashed"))
		g_string_append (op, "HashAggregate");
	else if (type && !strcmp (type, "ModifyTable") && str_member (o, "Operation"))
		g_string_append (op, str_member (o, "Operation"));
	else
		g_string_append (op, type ? type : "?");
	n->op = g_string_free (op, FALSE);
	const char *rel = str_member (o, "Relation Name");
	const char *fn = str_member (o, "Function Name");
	const char *alias = str_member (o, "Alias");
	const char *what = rel ? rel : fn;
	if (what && alias && strcmp (what, alias))
		n->relation = g_strdup_printf ("%s %s", what, alias);
	else if (what || alias)
		n->relation = g_strdup (what ? what : alias);
	if (str_member (o, "Index Name")) {
		char *r = g_strdup_printf ("%s using %s", n->relation ? n->relation : "", str_member (o, "Index Name"));
		g_free (n->relation);
		n->relation = r;
	}
	n->detail = node_detail (o);
	n->rows = (gint64) num_member (o, "Actual Rows", -1);
	n->plan_rows = (gint64) num_member (o, "Plan Rows", -1);
	n->loops = (gint64) num_member (o, "Actual Loops", -1);
	n->total_ms = num_member (o, "Actual Total Time", -1);
	n->line = ++*line;
	n->depth = depth;
	double children_ms = 0;
	JsonNode *plans = json_object_get_member (o, "Plans");
	if (plans && JSON_NODE_HOLDS_ARRAY (plans)) {
		JsonArray *a = json_node_get_array (plans);
		for (guint i = 0; i < json_array_get_length (a); i++) {
			JsonNode *e = json_array_get_element (a, i);
			if (!JSON_NODE_HOLDS_OBJECT (e))
				continue;
			g_autoptr (OxPlanNode) c = node_from_json (json_node_get_object (e), depth + 1, line);
			if (c->total_ms >= 0)
				children_ms += c->total_ms * (double) MAX (c->loops, 0);
			g_list_store_append (n->children, c);
		}
	}
	if (n->total_ms >= 0)
		n->self_ms = MAX (0, n->total_ms * (double) MAX (n->loops, 0) - children_ms);
	return n;
}

static void
set_fractions (OxPlanNode *n, double whole)
{
	n->fraction = whole > 0 && n->self_ms > 0 ? CLAMP (n->self_ms / whole, 0, 1) : 0;
	for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (n->children)); i++) {
		g_autoptr (OxPlanNode) c = g_list_model_get_item (G_LIST_MODEL (n->children), i);
		set_fractions (c, whole);
	}
}

gboolean
ox_plan_view_load_json (OxPlanView *self, const char *json, GError **error)
{
	g_return_val_if_fail (OX_IS_PLAN_VIEW (self), FALSE);
	clear (self);
	g_autoptr (JsonParser) p = json_parser_new ();
	if (!json_parser_load_from_data (p, json, -1, error))
		return FALSE;
	JsonNode *root = json_parser_get_root (p);
	JsonObject *doc = NULL;
	if (root && JSON_NODE_HOLDS_ARRAY (root) && json_array_get_length (json_node_get_array (root)) > 0) {
		JsonNode *first = json_array_get_element (json_node_get_array (root), 0);
		doc = JSON_NODE_HOLDS_OBJECT (first) ? json_node_get_object (first) : NULL;
	}
	JsonNode *plan = doc ? json_object_get_member (doc, "Plan") : NULL;
	if (!plan || !JSON_NODE_HOLDS_OBJECT (plan)) {
		g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not an EXPLAIN (FORMAT JSON) document");
		return FALSE;
	}
	int line = 0;
	g_autoptr (OxPlanNode) top = node_from_json (json_node_get_object (plan), 0, &line);
	double whole = top->total_ms >= 0 ? top->total_ms * (double) MAX (top->loops, 1) : 0;
	set_fractions (top, whole);
	show_counts (self, TRUE);
	g_list_store_append (self->root, top);
	return TRUE;
}

void
ox_plan_view_load_text (OxPlanView *self, const char *text)
{
	g_return_if_fail (OX_IS_PLAN_VIEW (self));
	clear (self);
	g_auto (GStrv) lines = g_strsplit (text ? text : "", "\n", -1);
	/* the open node at each depth, to hang children under; the roots go
	 * to the model last, whole (the tree model asks for a node's
	 * children once, when its row appears) */
	g_autoptr (GPtrArray) open = g_ptr_array_new_with_free_func (g_object_unref);
	g_autoptr (GPtrArray) roots = g_ptr_array_new_with_free_func (g_object_unref);
	for (int i = 0; lines[i]; i++) {
		const char *l = lines[i];
		if (!*l)
			continue;
		size_t sp = strspn (l, " ");
		guint depth = 0;
		if (g_str_has_prefix (l + sp, "->  ")) {
			depth = (guint) (sp >= 2 ? (sp - 2) / 6 + 1 : 1);
			l += sp + 4;
		} else if (i > 0)
			continue;  /* not an operator line */
		OxPlanNode *n = g_object_new (OX_TYPE_PLAN_NODE, NULL);
		n->op = g_strdup (l);
		n->line = i + 1;
		n->depth = depth;
		while (open->len > depth)
			g_ptr_array_remove_index (open, open->len - 1);
		if (open->len == 0)
			g_ptr_array_add (roots, g_object_ref (n));
		else
			g_list_store_append (((OxPlanNode *) open->pdata[open->len - 1])->children, n);
		g_ptr_array_add (open, n);
	}
	show_counts (self, FALSE);
	g_list_store_splice (self->root, 0, 0, roots->pdata, roots->len);
}

/* ---- text ------------------------------------------------------------------------------------ */

static void
to_text_rec (OxPlanNode *n, GString *s)
{
	if (n->depth > 0)
		g_string_append_printf (s, "%*s->  ", (int) ((n->depth - 1) * 6 + 2), "");
	g_string_append (s, n->op);
	if (n->relation)
		g_string_append_printf (s, " on %s", n->relation);
	if (n->loops == 0)
		g_string_append (s, " (never executed)");
	else if (n->loops > 0 && n->total_ms >= 0)
		g_string_append_printf (s, " (actual time=%.3f ms rows=%" G_GINT64_FORMAT " loops=%" G_GINT64_FORMAT ")",
		                        n->total_ms, n->rows, n->loops);
	else if (n->loops > 0)
		g_string_append_printf (s, " (actual rows=%" G_GINT64_FORMAT " loops=%" G_GINT64_FORMAT ")", n->rows,
		                        n->loops);
	g_string_append_c (s, '\n');
	if (n->detail) {
		g_auto (GStrv) d = g_strsplit (n->detail, "\n", -1);
		for (guint i = 0; d[i]; i++)
			g_string_append_printf (s, "%*s%s\n", (int) (n->depth * 6 + 2), "", d[i]);
	}
	for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (n->children)); i++) {
		g_autoptr (OxPlanNode) c = g_list_model_get_item (G_LIST_MODEL (n->children), i);
		to_text_rec (c, s);
	}
}

char *
ox_plan_view_to_text (OxPlanView *self)
{
	g_return_val_if_fail (OX_IS_PLAN_VIEW (self), NULL);
	GString *s = g_string_new (NULL);
	for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->root)); i++) {
		g_autoptr (OxPlanNode) n = g_list_model_get_item (G_LIST_MODEL (self->root), i);
		to_text_rec (n, s);
	}
	return g_string_free (s, FALSE);
}

/* ---- the current operator ------------------------------------------------------------------------ */

void
ox_plan_view_set_current (OxPlanView *self, int line, const char *side_text)
{
	g_return_if_fail (OX_IS_PLAN_VIEW (self));
	self->current = 0;
	guint pos = GTK_INVALID_LIST_POSITION;
	/* n re-read: autoexpanded rows appear as their parents are read */
	for (guint i = 0; line > 0 && i < g_list_model_get_n_items (G_LIST_MODEL (self->tree)); i++) {
		g_autoptr (GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->tree), i);
		g_autoptr (OxPlanNode) node = gtk_tree_list_row_get_item (row);
		if (node->line == line) {
			pos = i;
			self->current = line;
			break;
		}
	}
	gtk_single_selection_set_selected (self->selection, pos);
	gtk_label_set_text (self->side_label, side_text ? side_text : "");
	gtk_widget_set_visible (self->side, side_text != NULL);
}

char *
ox_plan_view_get_current (OxPlanView *self)
{
	g_return_val_if_fail (OX_IS_PLAN_VIEW (self), NULL);
	GtkTreeListRow *row = gtk_single_selection_get_selected_item (self->selection);
	if (!row || !self->current)
		return NULL;
	g_autoptr (OxPlanNode) node = gtk_tree_list_row_get_item (row);
	return g_strdup (node->op);
}

char *
ox_plan_view_get_text (OxPlanView *self)
{
	g_return_val_if_fail (OX_IS_PLAN_VIEW (self), NULL);
	GString *s = g_string_new (NULL);
	for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tree)); i++) {
		g_autoptr (GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->tree), i);
		g_autoptr (OxPlanNode) node = gtk_tree_list_row_get_item (row);
		for (guint d = 0; d < gtk_tree_list_row_get_depth (row); d++)
			g_string_append (s, "  ");
		for (int c = COL_OPERATOR; c <= COL_TIME; c++) {
			g_autofree char *t = cell_text (node, c);
			g_string_append_printf (s, "%s%s", c ? " | " : "", t);
		}
		g_string_append_c (s, '\n');
	}
	return g_string_free (s, FALSE);
}

char *
ox_plan_view_get_side_text (OxPlanView *self)
{
	g_return_val_if_fail (OX_IS_PLAN_VIEW (self), NULL);
	return gtk_widget_get_visible (self->side) ? g_strdup (gtk_label_get_text (self->side_label)) : NULL;
}

/* ---- GObject ----------------------------------------------------------------------------------- */

static void
ox_plan_view_dispose (GObject *object)
{
	OxPlanView *self = OX_PLAN_VIEW (object);
	g_clear_pointer (&self->paned, gtk_widget_unparent);
	g_clear_object (&self->selection);
	g_clear_object (&self->tree);
	g_clear_object (&self->root);
	G_OBJECT_CLASS (ox_plan_view_parent_class)->dispose (object);
}

static void
ox_plan_view_class_init (OxPlanViewClass *klass)
{
	G_OBJECT_CLASS (klass)->dispose = ox_plan_view_dispose;
	gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
	gtk_widget_class_set_accessible_role (GTK_WIDGET_CLASS (klass), GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
ox_plan_view_init (OxPlanView *self)
{
	self->root = g_list_store_new (OX_TYPE_PLAN_NODE);
	/* autoexpand: every operator open, as EXPLAIN prints them */
	self->tree = gtk_tree_list_model_new (G_LIST_MODEL (g_object_ref (self->root)), FALSE, TRUE, create_child, NULL,
	                                      NULL);
	self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->tree)));
	gtk_single_selection_set_autoselect (self->selection, FALSE);
	gtk_single_selection_set_can_unselect (self->selection, TRUE);

	self->columns = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection))));
	gtk_column_view_set_show_row_separators (self->columns, TRUE);
	gtk_column_view_set_show_column_separators (self->columns, TRUE);
	gtk_widget_add_css_class (GTK_WIDGET (self->columns), "data-table");
	add_column (self, "Operator", COL_OPERATOR, TRUE);
	add_column (self, "Relation", COL_RELATION, FALSE);
	add_column (self, "Rows", COL_ROWS, FALSE);
	add_column (self, "Loops", COL_LOOPS, FALSE);
	add_column (self, "Time", COL_TIME, FALSE);
	add_column (self, "Own Time", COL_SELF, FALSE);
	gtk_accessible_update_property (GTK_ACCESSIBLE (self->columns), GTK_ACCESSIBLE_PROPERTY_LABEL, "Plan", -1);
	gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, "Plan", -1);
	GtkWidget *scroll = gtk_scrolled_window_new ();
	gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), GTK_WIDGET (self->columns));
	gtk_widget_set_hexpand (scroll, TRUE);
	gtk_widget_set_vexpand (scroll, TRUE);

	/* the current row, beside the tree while stepping through a query */
	self->side = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
	GtkWidget *title = gtk_label_new ("Current Row");
	gtk_widget_add_css_class (title, "heading");
	gtk_label_set_xalign (GTK_LABEL (title), 0);
	gtk_box_append (GTK_BOX (self->side), title);
	self->side_label = GTK_LABEL (gtk_label_new (NULL));
	gtk_label_set_xalign (self->side_label, 0);
	gtk_label_set_yalign (self->side_label, 0);
	gtk_label_set_selectable (self->side_label, TRUE);
	gtk_label_set_wrap (self->side_label, TRUE);
	gtk_widget_add_css_class (GTK_WIDGET (self->side_label), "monospace");
	gtk_accessible_update_property (GTK_ACCESSIBLE (self->side_label), GTK_ACCESSIBLE_PROPERTY_LABEL, "Current Row", -1);
	GtkWidget *side_scroll = gtk_scrolled_window_new ();
	gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (side_scroll), GTK_WIDGET (self->side_label));
	gtk_widget_set_vexpand (side_scroll, TRUE);
	gtk_box_append (GTK_BOX (self->side), side_scroll);
	gtk_widget_set_margin_start (self->side, 6);
	gtk_widget_set_size_request (self->side, 180, -1);
	gtk_widget_set_visible (self->side, FALSE);

	self->paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
	gtk_paned_set_start_child (GTK_PANED (self->paned), scroll);
	gtk_paned_set_end_child (GTK_PANED (self->paned), self->side);
	gtk_paned_set_resize_end_child (GTK_PANED (self->paned), FALSE);
	gtk_paned_set_shrink_end_child (GTK_PANED (self->paned), FALSE);
	gtk_widget_set_parent (self->paned, GTK_WIDGET (self));
}

GtkWidget *
ox_plan_view_new (void)
{
	return g_object_new (OX_TYPE_PLAN_VIEW, NULL);
}

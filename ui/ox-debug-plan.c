/*
 * ox-debug-plan.c — the debugger's Plan panel: while stepping through a
 * query (launch argument stepIntoQueries), the plan of the statement as a
 * tree (ox-plan-view.c) with the operator of the selected frame selected,
 * and beside it the row that operator just produced and its counters.
 *
 * An operator frame's source is the plan's text, served by
 * sourceReference (one operator a line: the frame's line is its
 * operator); its scopes are "Current row" and "Operator".  On each
 * "frame-selected" the panel asks for the text (once per reference and
 * session), then for the two scopes' variables, and shows them together.
 *
 * NOTE: replies carry the panel's generation: a late reply for an earlier
 * stop is dropped.  A frame that is not an operator clears the panel.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-debug-panels.h"
#include "ox-plan-view.h"

#include <string.h>

typedef struct {
	OxDebugSession *session;
	OxPlanView     *view;
	GWeakRef        widget;
	guint           generation;
	gint64          loaded_ref;   /* the plan the view holds (0: none) */
	GHashTable     *texts;        /* sourceReference -> plan text, this session */
	/* the stop being shown */
	gint64          frame_id;
	int             line;
	GString        *side;         /* the row and counters, as they come */
	int             pending;      /* scope replies still to come */
} Panel;

/* A request's context: the panel may be gone by its reply (the window
 * closed), so the reply finds it through a weak reference. */
typedef struct {
	GWeakRef        widget;
	OxDebugSession *session;
	guint           generation;
	gint64          ref;
	char           *scope;        /* variables: which scope */
} Req;

static Req *
req_new (Panel *p, gint64 ref, const char *scope)
{
	Req *r = g_new0 (Req, 1);
	GtkWidget *w = g_weak_ref_get (&p->widget);
	g_weak_ref_init (&r->widget, w);
	g_clear_object (&w);
	r->session = g_object_ref (p->session);
	r->generation = p->generation;
	r->ref = ref;
	r->scope = g_strdup (scope);
	return r;
}

static void
req_free (Req *r)
{
	g_weak_ref_clear (&r->widget);
	g_object_unref (r->session);
	g_free (r->scope);
	g_free (r);
}

/* The reply's body and the live panel it is for (NULL: gone, or the
 * reply is for an earlier stop); the caller unrefs *w. */
static JsonNode *
req_finish (Req *r, GAsyncResult *result, GtkWidget **w, Panel **p)
{
	JsonNode *body = ox_debug_session_request_finish (r->session, result, NULL);
	*w = g_weak_ref_get (&r->widget);
	*p = *w ? g_object_get_data (G_OBJECT (*w), "ox-panel") : NULL;
	if (*p && r->generation != (*p)->generation)
		*p = NULL;
	return body;
}

/* An operator frame: the adapter marks them "subtle"; their source is a
 * plan ("plan: SELECT ..."). */
gboolean
ox_debug_frame_is_operator (JsonObject *frame)
{
	if (!frame)
		return FALSE;
	if (!g_strcmp0 (json_object_get_string_member_with_default (frame, "presentationHint", NULL), "subtle"))
		return TRUE;
	JsonObject *src = json_object_has_member (frame, "source") ? json_object_get_object_member (frame, "source") : NULL;
	const char *name = src ? json_object_get_string_member_with_default (src, "name", NULL) : NULL;
	return name && g_str_has_prefix (name, "plan:");
}

static JsonObject *
selected_frame (OxDebugSession *session)
{
	gint64 id = ox_debug_session_get_frame_id (session);
	JsonArray *frames = ox_debug_session_get_frames (session);
	for (guint i = 0; frames && i < json_array_get_length (frames); i++) {
		JsonObject *f = json_array_get_object_element (frames, i);
		if (json_object_get_int_member (f, "id") == id)
			return f;
	}
	return NULL;
}

static void
show_side (Panel *p)
{
	if (p->pending > 0)
		return;
	ox_plan_view_set_current (p->view, p->line, p->side->len ? p->side->str : "(no row)");
}

static void
variables_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	(void) source;
	Req *r = data;
	GtkWidget *w;
	Panel *p;
	JsonNode *body = req_finish (r, result, &w, &p);
	if (p && body && JSON_NODE_HOLDS_OBJECT (body)) {
		JsonArray *a = json_object_get_array_member (json_node_get_object (body), "variables");
		if (a && json_array_get_length (a)) {
			if (p->side->len)
				g_string_append_c (p->side, '\n');
			g_string_append_printf (p->side, "%s:\n", r->scope);
			for (guint i = 0; i < json_array_get_length (a); i++) {
				JsonObject *v = json_array_get_object_element (a, i);
				g_string_append_printf (p->side, "  %s = %s\n",
				                        json_object_get_string_member_with_default (v, "name", "?"),
				                        json_object_get_string_member_with_default (v, "value", ""));
			}
		}
	}
	if (p) {
		p->pending--;
		show_side (p);
	}
	if (body)
		json_node_unref (body);
	g_clear_object (&w);
	req_free (r);
}

static void
scopes_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	(void) source;
	Req *r = data;
	GtkWidget *w;
	Panel *p;
	JsonNode *body = req_finish (r, result, &w, &p);
	if (p && body && JSON_NODE_HOLDS_OBJECT (body)) {
		JsonArray *a = json_object_get_array_member (json_node_get_object (body), "scopes");
		/* the row first, then the operator's counters */
		static const char *const wanted[] = { "Current row", "Operator" };
		for (guint k = 0; k < G_N_ELEMENTS (wanted); k++)
			for (guint i = 0; a && i < json_array_get_length (a); i++) {
				JsonObject *s = json_array_get_object_element (a, i);
				gint64 ref = json_object_get_int_member_with_default (s, "variablesReference", 0);
				if (ref <= 0 || g_strcmp0 (json_object_get_string_member_with_default (s, "name", ""), wanted[k]))
					continue;
				p->pending++;
				ox_debug_session_request (p->session, "variables",
				                          dap_client_args ("{\"variablesReference\":%" G_GINT64_FORMAT "}", ref), NULL,
				                          variables_cb, req_new (p, ref, wanted[k]));
			}
	}
	if (p) {
		p->pending--;
		show_side (p);
	}
	if (body)
		json_node_unref (body);
	g_clear_object (&w);
	req_free (r);
}

static void
ask_scopes (Panel *p)
{
	g_string_truncate (p->side, 0);
	p->pending = 1;
	ox_debug_session_request (p->session, "scopes",
	                          dap_client_args ("{\"frameId\":%" G_GINT64_FORMAT "}", p->frame_id), NULL, scopes_cb,
	                          req_new (p, 0, NULL));
}

static void
load (Panel *p, gint64 ref)
{
	if (p->loaded_ref != ref) {
		ox_plan_view_load_text (p->view, g_hash_table_lookup (p->texts, &ref));
		p->loaded_ref = ref;
	}
	ask_scopes (p);
}

static void
source_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	(void) source;
	Req *r = data;
	GtkWidget *w;
	Panel *p;
	JsonNode *body = req_finish (r, result, &w, &p);
	if (p && body && JSON_NODE_HOLDS_OBJECT (body)) {
		const char *text = json_object_get_string_member_with_default (json_node_get_object (body), "content", "");
		g_hash_table_replace (p->texts, g_memdup2 (&r->ref, sizeof r->ref), g_strdup (text));
		load (p, r->ref);
	}
	if (body)
		json_node_unref (body);
	g_clear_object (&w);
	req_free (r);
}

static void
refresh (GtkWidget *w)
{
	Panel *p = g_object_get_data (G_OBJECT (w), "ox-panel");
	p->generation++;
	if (ox_debug_session_get_state (p->session) == OX_DEBUG_IDLE) {
		g_hash_table_remove_all (p->texts);
		p->loaded_ref = 0;
		ox_plan_view_load_text (p->view, NULL);
		return;
	}
	JsonObject *frame = ox_debug_session_get_state (p->session) == OX_DEBUG_STOPPED
	                    ? selected_frame (p->session) : NULL;
	if (!ox_debug_frame_is_operator (frame)) {
		ox_plan_view_set_current (p->view, 0, NULL);
		return;
	}
	JsonObject *src = json_object_get_object_member (frame, "source");
	gint64 ref = src ? json_object_get_int_member_with_default (src, "sourceReference", 0) : 0;
	if (ref <= 0)
		return;
	p->frame_id = json_object_get_int_member (frame, "id");
	p->line = (int) json_object_get_int_member_with_default (frame, "line", 0);
	if (g_hash_table_contains (p->texts, &ref)) {
		load (p, ref);
		return;
	}
	ox_debug_session_request (p->session, "source",
	                          dap_client_args ("{\"sourceReference\":%" G_GINT64_FORMAT "}", ref), NULL, source_cb,
	                          req_new (p, ref, NULL));
}

static void
free_panel (gpointer data)
{
	Panel *p = data;
	g_object_unref (p->session);
	g_weak_ref_clear (&p->widget);
	g_hash_table_unref (p->texts);
	g_string_free (p->side, TRUE);
	g_free (p);
}

GtkWidget *
ox_debug_plan_new (OxDebugSession *session)
{
	GtkWidget *view = ox_plan_view_new ();
	Panel *p = g_new0 (Panel, 1);
	p->session = g_object_ref (session);
	p->view = OX_PLAN_VIEW (view);
	g_weak_ref_init (&p->widget, view);
	p->texts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
	p->side = g_string_new (NULL);
	g_object_set_data_full (G_OBJECT (view), "ox-panel", p, free_panel);
	g_signal_connect_object (session, "frame-selected", G_CALLBACK (refresh), view, G_CONNECT_SWAPPED);
	return view;
}

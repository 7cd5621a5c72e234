/*
 * ox-admin-sessions.c — the Sessions page: pg_stat_activity as a table,
 * refreshed every 2 s while shown, with Cancel (pg_cancel_backend) and
 * Terminate (pg_terminate_backend) for the selected session after a
 * confirmation that names it.
 *
 * What can go wrong: the list changes between the click and the answer
 * (the session ended: the functions answer false and we say so); a role
 * that is not a superuser sees other roles' sessions without their
 * queries and gets 42501 when signalling them (shown as the error).
 * Terminating the window's own session ends this window's connection, as
 * in PostgreSQL: the confirmation says so.
 */
#define G_LOG_DOMAIN "ox-admin"

#include "ox-admin-private.h"

#include <string.h>

/* the query's columns */
enum { C_PID, C_USER, C_APP, C_CLIENT, C_STATE, C_WAIT, C_START, C_QUERY, C_OWN, C_DB };

static const char sessions_sql[] =
	"SELECT pid, usename, application_name, coalesce(client_addr, 'local'), state, "
	"wait_event_type || ': ' || wait_event, query_start, query, pid = pg_backend_pid(), datname "
	"FROM pg_stat_activity ORDER BY backend_start, pid";

struct _OxAdminSessions {
	GtkBox parent_instance;

	OxConnection       *connection;   /* owned */
	GCancellable       *cancellable;  /* cancelled at dispose */
	GListStore         *store;        /* OxAdminRow */
	GtkSingleSelection *selection;
	GtkWidget          *status;       /* "3 sessions" or the error */
	GtkWidget          *cancel_button;
	GtkWidget          *terminate_button;
	gboolean            busy;         /* a refresh is under way */
	gint32              selected_pid; /* kept across refreshes; 0 = none */
};

G_DEFINE_FINAL_TYPE (OxAdminSessions, ox_admin_sessions, GTK_TYPE_BOX)

static OxAdminRow *
selected_row (OxAdminSessions *self)
{
	return gtk_single_selection_get_selected_item (self->selection);
}

static void
update_buttons (OxAdminSessions *self)
{
	gboolean any = selected_row (self) != NULL;
	gtk_widget_set_sensitive (self->cancel_button, any);
	gtk_widget_set_sensitive (self->terminate_button, any);
}

static void
selection_cb (OxAdminSessions *self)
{
	OxAdminRow *row = selected_row (self);
	const char *pid = row ? ox_admin_row_get (row, C_PID) : NULL;
	self->selected_pid = pid ? atoi (pid) : 0;
	update_buttons (self);
}

/* Rows as shown: the own session marked, times short, waits readable. */
static GPtrArray *
present (GPtrArray *rows)
{
	for (guint i = 0; i < rows->len; i++) {
		GPtrArray *r = rows->pdata[i];
		if (r->len <= C_DB)
			continue;
		char *t = ox_admin_short_time (r->pdata[C_START]);
		g_free (r->pdata[C_START]);
		r->pdata[C_START] = t;
		if (r->pdata[C_OWN] && !strcmp (r->pdata[C_OWN], "t")) {
			char *u = g_strdup_printf ("%s (this window)", (char *) r->pdata[C_APP] && *(char *) r->pdata[C_APP]
			                           ? (char *) r->pdata[C_APP] : "workstation");
			g_free (r->pdata[C_APP]);
			r->pdata[C_APP] = u;
		}
	}
	return rows;
}

static void
refreshed_cb (GObject *source, GAsyncResult *res, gpointer data)
{
	g_autoptr (OxAdminSessions) self = data;
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) rows = ox_connection_query_finish (OX_CONNECTION (source), res, &error);
	self->busy = FALSE;
	if (!rows) {
		if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			gtk_label_set_text (GTK_LABEL (self->status), error->message);
		return;
	}
	gint32 keep = self->selected_pid;
	ox_admin_store_replace (self->store, present (rows));
	guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
	guint pos = GTK_INVALID_LIST_POSITION;
	for (guint i = 0; i < n && keep; i++) {
		g_autoptr (OxAdminRow) r = g_list_model_get_item (G_LIST_MODEL (self->store), i);
		const char *pid = ox_admin_row_get (r, C_PID);
		if (pid && atoi (pid) == keep)
			pos = i;
	}
	gtk_single_selection_set_selected (self->selection, pos);
	self->selected_pid = pos == GTK_INVALID_LIST_POSITION ? 0 : keep;
	g_autofree char *s = g_strdup_printf (n == 1 ? "%u session" : "%u sessions", n);
	gtk_label_set_text (GTK_LABEL (self->status), s);
	update_buttons (self);
}

static void
refresh (GtkWidget *widget)
{
	OxAdminSessions *self = OX_ADMIN_SESSIONS (widget);
	if (!self->connection || self->busy)
		return;
	self->busy = TRUE;
	ox_connection_query_async (self->connection, sessions_sql, self->cancellable, refreshed_cb,
	                           g_object_ref (self));
}

/* ---- cancel and terminate ---- */

static void
signalled_cb (GObject *source, GAsyncResult *res, gpointer data)
{
	g_autoptr (OxAdminSessions) self = data;
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) rows = ox_connection_query_finish (OX_CONNECTION (source), res, &error);
	if (!rows) {
		if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			gtk_label_set_text (GTK_LABEL (self->status), error->message);
		return;
	}
	GPtrArray *r = rows->len ? rows->pdata[0] : NULL;
	const char *ok = r && r->len ? r->pdata[0] : NULL;
	if (!ok || strcmp (ok, "t"))
		gtk_label_set_text (GTK_LABEL (self->status), "The session was not found: it has ended.");
	refresh (GTK_WIDGET (self));
}

typedef struct {
	OxAdminSessions *self;   /* ref */
	gint32           pid;
	gboolean         terminate;
} Confirm;

static void
confirm_response_cb (AdwMessageDialog *dialog, const char *response, gpointer data)
{
	(void) dialog;
	Confirm *c = data;
	if (!strcmp (response, "signal") && c->self->connection) {
		g_autofree char *sql = g_strdup_printf ("SELECT %s(%d)", c->terminate ? "pg_terminate_backend"
		                                                                      : "pg_cancel_backend", c->pid);
		ox_connection_query_async (c->self->connection, sql, c->self->cancellable, signalled_cb,
		                           g_object_ref (c->self));
	}
	g_object_unref (c->self);
	g_free (c);
}

static void
ask (OxAdminSessions *self, gboolean terminate)
{
	OxAdminRow *row = selected_row (self);
	if (!row)
		return;
	const char *pid = ox_admin_row_get (row, C_PID);
	const char *user = ox_admin_row_get (row, C_USER);
	const char *app = ox_admin_row_get (row, C_APP);
	const char *client = ox_admin_row_get (row, C_CLIENT);
	const char *query = ox_admin_row_get (row, C_QUERY);
	gboolean own = !g_strcmp0 (ox_admin_row_get (row, C_OWN), "t");
	g_autofree char *heading = g_strdup_printf (terminate ? "Terminate session %s?" : "Cancel the query of session %s?",
	                                            pid ? pid : "?");
	g_autofree char *body = g_strdup_printf (
		"%s%s, %s%s, from %s.\n\n%s%s%s",
		terminate ? "The session of " : "The running statement of ", user ? user : "an unknown role",
		app && *app ? "application " : "", app && *app ? app : "no application name",
		client ? client : "local",
		query && *query ? "Statement: " : "", query && *query ? query : "",
		own && terminate ? "\n\nThis is this window's own session: its connection ends too." : "");
	GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
	AdwMessageDialog *d = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
	                                                                  heading, body));
	adw_message_dialog_add_responses (d, "close", "_Keep It", "signal",
	                                  terminate ? "_Terminate Session" : "_Cancel Query", NULL);
	adw_message_dialog_set_response_appearance (d, "signal", ADW_RESPONSE_DESTRUCTIVE);
	adw_message_dialog_set_default_response (d, "close");
	adw_message_dialog_set_close_response (d, "close");
	Confirm *c = g_new0 (Confirm, 1);
	c->self = g_object_ref (self);
	c->pid = pid ? atoi (pid) : 0;
	c->terminate = terminate;
	g_signal_connect (d, "response", G_CALLBACK (confirm_response_cb), c);
	gtk_window_present (GTK_WINDOW (d));
}

static void
cancel_clicked_cb (OxAdminSessions *self)
{
	ask (self, FALSE);
}

static void
terminate_clicked_cb (OxAdminSessions *self)
{
	ask (self, TRUE);
}

/* ---- GObject ---- */

static void
ox_admin_sessions_dispose (GObject *object)
{
	OxAdminSessions *self = OX_ADMIN_SESSIONS (object);
	g_cancellable_cancel (self->cancellable);
	g_clear_object (&self->connection);
	g_clear_object (&self->store);
	G_OBJECT_CLASS (ox_admin_sessions_parent_class)->dispose (object);
}

static void
ox_admin_sessions_finalize (GObject *object)
{
	OxAdminSessions *self = OX_ADMIN_SESSIONS (object);
	g_clear_object (&self->cancellable);
	G_OBJECT_CLASS (ox_admin_sessions_parent_class)->finalize (object);
}

static void
ox_admin_sessions_class_init (OxAdminSessionsClass *klass)
{
	G_OBJECT_CLASS (klass)->dispose = ox_admin_sessions_dispose;
	G_OBJECT_CLASS (klass)->finalize = ox_admin_sessions_finalize;
}

static GtkWidget *
icon_button (const char *icon, const char *label, const char *tooltip)
{
	GtkWidget *b = gtk_button_new ();
	GtkWidget *content = adw_button_content_new ();
	adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), icon);
	adw_button_content_set_label (ADW_BUTTON_CONTENT (content), label);
	gtk_button_set_child (GTK_BUTTON (b), content);
	gtk_widget_set_tooltip_text (b, tooltip);
	gtk_accessible_update_property (GTK_ACCESSIBLE (b), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
	return b;
}

static void
ox_admin_sessions_init (OxAdminSessions *self)
{
	gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
	gtk_box_set_spacing (GTK_BOX (self), 6);
	self->cancellable = g_cancellable_new ();
	self->store = g_list_store_new (OX_TYPE_ADMIN_ROW);

	GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
	gtk_widget_set_margin_start (bar, 6);
	gtk_widget_set_margin_end (bar, 6);
	gtk_widget_set_margin_top (bar, 6);
	self->status = gtk_label_new ("");
	gtk_label_set_xalign (GTK_LABEL (self->status), 0);
	gtk_label_set_ellipsize (GTK_LABEL (self->status), PANGO_ELLIPSIZE_END);
	gtk_widget_set_hexpand (self->status, TRUE);
	gtk_box_append (GTK_BOX (bar), self->status);
	self->cancel_button = icon_button ("process-stop-symbolic", "Cancel Query",
	                                   "Cancel the selected session's running statement");
	self->terminate_button = icon_button ("window-close-symbolic", "Terminate Session", "End the selected session");
	gtk_widget_add_css_class (self->terminate_button, "destructive-action");
	g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (cancel_clicked_cb), self);
	g_signal_connect_swapped (self->terminate_button, "clicked", G_CALLBACK (terminate_clicked_cb), self);
	gtk_box_append (GTK_BOX (bar), self->cancel_button);
	gtk_box_append (GTK_BOX (bar), self->terminate_button);
	gtk_box_append (GTK_BOX (self), bar);

	static const OxAdminColumn cols[] = {
		{ "PID", C_PID, FALSE }, { "User", C_USER, FALSE }, { "Application", C_APP, FALSE },
		{ "Client", C_CLIENT, FALSE }, { "State", C_STATE, FALSE }, { "Waiting for", C_WAIT, FALSE },
		{ "Query Start", C_START, FALSE }, { "Query", C_QUERY, TRUE },
	};
	GtkColumnView *view = ox_admin_table_new (G_LIST_MODEL (self->store), cols, G_N_ELEMENTS (cols), "Sessions",
	                                          &self->selection);
	g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (selection_cb), self);
	GtkWidget *scroll = gtk_scrolled_window_new ();
	gtk_widget_set_vexpand (scroll, TRUE);
	gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), GTK_WIDGET (view));
	gtk_box_append (GTK_BOX (self), scroll);
	update_buttons (self);
	ox_admin_poll_while_mapped (GTK_WIDGET (self), 2000, refresh);
}

void
ox_admin_sessions_set_connection (OxAdminSessions *self, OxConnection *connection)
{
	g_return_if_fail (OX_IS_ADMIN_SESSIONS (self));
	g_set_object (&self->connection, connection);
	if (gtk_widget_get_mapped (GTK_WIDGET (self)))
		refresh (GTK_WIDGET (self));
}

GListModel *
ox_admin_sessions_get_model (OxAdminSessions *self)
{
	return G_LIST_MODEL (self->store);
}

void
ox_admin_sessions_select_pid (OxAdminSessions *self, gint32 pid)
{
	guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
	for (guint i = 0; i < n; i++) {
		g_autoptr (OxAdminRow) r = g_list_model_get_item (G_LIST_MODEL (self->store), i);
		const char *p = ox_admin_row_get (r, C_PID);
		if (p && atoi (p) == pid)
			gtk_single_selection_set_selected (self->selection, i);
	}
}

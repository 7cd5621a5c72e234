/*
 * ox-connect-dialog.c — connecting the window to an oxibase-server (see
 * the header).
 *
 * The dialog is an AdwMessageDialog with the fields as its extra child;
 * it closes on any response, so a failed login presents a new one with
 * the reason.  The login runs on the main loop (libsoup's asynchronous
 * API): the start page says "Connecting to …" meanwhile and its actions
 * are disabled, as while a database opens.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-connect-dialog.h"
#include "ox-keyring.h"
#include "ox-remote-connection.h"

#include <string.h>

char *
ox_server_location (const char *url, const char *user)
{
	const char *sep = strstr (url, "://");
	if (!sep || !user || !*user)
		return g_strdup (url);
	g_autofree char *scheme = g_strndup (url, (gsize) (sep - url));
	g_autofree char *u = g_uri_escape_string (user, NULL, FALSE);
	return g_strdup_printf ("%s://%s@%s", scheme, u, sep + 3);
}

char *
ox_server_location_split (const char *location, char **user)
{
	*user = NULL;
	const char *sep = strstr (location, "://");
	const char *at = sep ? strchr (sep + 3, '@') : NULL;
	if (!at)
		return g_strdup (location);
	g_autofree char *u = g_strndup (sep + 3, (gsize) (at - sep - 3));
	*user = g_uri_unescape_string (u, NULL);
	g_autofree char *scheme = g_strndup (location, (gsize) (sep - location));
	return g_strdup_printf ("%s://%s", scheme, at + 1);
}

/* ---- connecting ------------------------------------------------------------------ */

typedef struct {
	OxWindow *win;       /* strong */
	char     *url;
	char     *user;
	char     *password;  /* wiped when freed */
	gboolean  remember;
} Login;

static void
login_free (Login *l)
{
	g_object_unref (l->win);
	g_free (l->url);
	g_free (l->user);
	if (l->password)
		explicit_bzero (l->password, strlen (l->password));
	g_free (l->password);
	g_free (l);
}

static void
connected_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	(void) source;
	Login *l = data;
	g_autoptr (GError) error = NULL;
	OxRemoteConnection *conn = ox_remote_connection_connect_finish (result, &error);
	ox_window_set_busy (l->win, NULL);
	if (!conn) {
		ox_window_connect_server (l->win, l->url, l->user, error->message);
		login_free (l);
		return;
	}
	const char *url = ox_remote_connection_get_url (conn);
	if (l->remember)
		ox_keyring_store (url, l->user, l->password);
	g_autofree char *location = ox_server_location (url, l->user);
	ox_window_adopt_connection (l->win, OX_CONNECTION (conn), "server", location);
	login_free (l);
}

static void
start_login (OxWindow *win, const char *url, const char *user, const char *password, gboolean remember)
{
	Login *l = g_new0 (Login, 1);
	l->win = g_object_ref (win);
	l->url = g_strdup (url);
	l->user = g_strdup (user);
	l->password = g_strdup (password);
	l->remember = remember;
	g_autofree char *what = g_strdup_printf ("Connecting to %s…", url);
	ox_window_set_busy (win, what);
	ox_remote_connection_connect_async (url, user, password, NULL, connected_cb, l);
}

/* ---- the dialog ------------------------------------------------------------------ */

GtkWidget *
ox_connect_dialog_get_field (GtkWidget *dialog, const char *name)
{
	return g_object_get_data (G_OBJECT (dialog), name);
}

static void
response_cb (AdwMessageDialog *dialog, const char *response, OxWindow *win)
{
	if (strcmp (response, "connect"))
		return;
	GtkWidget *d = GTK_WIDGET (dialog);
	const char *url = gtk_editable_get_text (GTK_EDITABLE (ox_connect_dialog_get_field (d, "url")));
	const char *user = gtk_editable_get_text (GTK_EDITABLE (ox_connect_dialog_get_field (d, "user")));
	const char *pw = gtk_editable_get_text (GTK_EDITABLE (ox_connect_dialog_get_field (d, "password")));
	GtkWidget *remember = ox_connect_dialog_get_field (d, "remember");
	gboolean keep = gtk_widget_get_sensitive (remember) && gtk_check_button_get_active (GTK_CHECK_BUTTON (remember));
	g_autoptr (GError) error = NULL;
	g_autofree char *norm = ox_remote_connection_normalize_url (url, &error);
	if (!norm) {
		ox_window_connect_server (win, url, user, error->message);
		return;
	}
	if (!*user) {
		ox_window_connect_server (win, norm, user, "Type the user name to log in as.");
		return;
	}
	start_login (win, norm, user, pw, keep);
}

static void
probed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	(void) source;
	GtkWidget *remember = data;  /* strong */
	gboolean have = ox_keyring_probe_finish (result);
	gtk_widget_set_sensitive (remember, have);
	if (!have)
		gtk_widget_set_tooltip_text (remember, "No keyring (Secret Service) is running: the password will be "
		                                       "asked for each time");
	g_object_unref (remember);
}

static GtkWidget *
field (GtkWidget *box, GtkWidget *entry, const char *label)
{
	GtkWidget *l = gtk_label_new_with_mnemonic (label);
	gtk_label_set_xalign (GTK_LABEL (l), 0);
	gtk_label_set_mnemonic_widget (GTK_LABEL (l), entry);
	gtk_box_append (GTK_BOX (box), l);
	gtk_box_append (GTK_BOX (box), entry);
	return entry;
}

GtkWidget *
ox_window_connect_server (OxWindow *win, const char *url, const char *user, const char *message)
{
	g_return_val_if_fail (OX_IS_WINDOW (win), NULL);
	GtkWidget *d = adw_message_dialog_new (GTK_WINDOW (win), "Connect to Server",
	                                       message ? message
	                                               : "An oxibase-server's HTTP API (oxibase-server --http-port, "
	                                                 "8433 by default)");
	GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
	GtkWidget *e_url = field (box, gtk_entry_new (), "_Server");
	gtk_entry_set_placeholder_text (GTK_ENTRY (e_url), "http://localhost:8433");
	gtk_editable_set_text (GTK_EDITABLE (e_url), url ? url : "");
	gtk_accessible_update_property (GTK_ACCESSIBLE (e_url), GTK_ACCESSIBLE_PROPERTY_LABEL, "Server address", -1);
	GtkWidget *e_user = field (box, gtk_entry_new (), "_User");
	gtk_editable_set_text (GTK_EDITABLE (e_user), user ? user : g_get_user_name ());
	gtk_accessible_update_property (GTK_ACCESSIBLE (e_user), GTK_ACCESSIBLE_PROPERTY_LABEL, "User name", -1);
	/* NOTE: a GtkEntry, not a GtkPasswordEntry: GTK 4.8's keeps a
	 * caps-lock handler on the keyboard device after its dialog is
	 * destroyed, and the parent window's destruction then calls it */
	GtkWidget *e_pw = field (box, gtk_entry_new (), "_Password");
	gtk_entry_set_visibility (GTK_ENTRY (e_pw), FALSE);
	gtk_entry_set_input_purpose (GTK_ENTRY (e_pw), GTK_INPUT_PURPOSE_PASSWORD);
	gtk_accessible_update_property (GTK_ACCESSIBLE (e_pw), GTK_ACCESSIBLE_PROPERTY_LABEL, "Password", -1);
	g_object_set (e_pw, "activates-default", TRUE, NULL);
	GtkWidget *remember = gtk_check_button_new_with_mnemonic ("_Remember password");
	gtk_widget_set_sensitive (remember, FALSE);  /* until a keyring is found */
	gtk_box_append (GTK_BOX (box), remember);
	adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (d), box);
	adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (d), "cancel", "_Cancel", "connect", "C_onnect", NULL);
	adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (d), "connect", ADW_RESPONSE_SUGGESTED);
	adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (d), "connect");
	adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (d), "cancel");
	g_object_set_data (G_OBJECT (d), "url", e_url);
	g_object_set_data (G_OBJECT (d), "user", e_user);
	g_object_set_data (G_OBJECT (d), "password", e_pw);
	g_object_set_data (G_OBJECT (d), "remember", remember);
	g_signal_connect_object (d, "response", G_CALLBACK (response_cb), win, 0);
	ox_keyring_probe_async (NULL, probed_cb, g_object_ref (remember));
	gtk_window_present (GTK_WINDOW (d));
	gtk_widget_grab_focus (url && *url ? (user && *user ? e_pw : e_user) : e_url);
	return d;
}

/* ---- recent servers ----------------------------------------------------------------- */

typedef struct {
	OxWindow *win;  /* strong */
	char     *url;
	char     *user;
} Recent;

static void
recent_free (Recent *r)
{
	g_object_unref (r->win);
	g_free (r->url);
	g_free (r->user);
	g_free (r);
}

static void
recent_looked_up_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	(void) source;
	Recent *r = data;
	char *pw = ox_keyring_lookup_finish (result);
	if (pw) {
		start_login (r->win, r->url, r->user, pw, FALSE);
		explicit_bzero (pw, strlen (pw));
		g_free (pw);
	} else
		ox_window_connect_server (r->win, r->url, r->user, NULL);
	recent_free (r);
}

void
ox_window_open_recent_server (OxWindow *win, const char *location)
{
	g_return_if_fail (OX_IS_WINDOW (win));
	Recent *r = g_new0 (Recent, 1);
	r->win = g_object_ref (win);
	r->url = ox_server_location_split (location, &r->user);
	ox_keyring_lookup_async (r->url, r->user ? r->user : g_get_user_name (), NULL, recent_looked_up_cb, r);
}

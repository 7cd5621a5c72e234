/*
 * test-keyring.c — server passwords in a real system keyring.  The
 * program runs beside a gnome-keyring-daemon of its own (with-keyring.sh
 * on a private session bus) and an oxibase-server the test starts:
 *
 *  - the Connect to Server dialog finds the keyring ("Remember password"
 *    sensitive); connecting with it checked puts the password in the
 *    keyring under the server's URL and user (read back through
 *    libsecret), and nowhere in the settings file;
 *  - opening the server from the recent list logs in with the stored
 *    password, without a dialog;
 *  - a password changed on the server: the stored one fails, the dialog
 *    comes back with the reason, and connecting again replaces it.
 */
#include "ui-test-util.h"
#include "ox-connect-dialog.h"
#include "ox-keyring.h"
#include "ox-remote-connection.h"

#include "../client/remote-test-server.h"

#include <string.h>

static RemoteServer server;

static GtkWidget *
find_dialog (OxWindow *win)
{
	return (GtkWidget *) find_message_dialog (GTK_WINDOW (win), NULL);
}

static gboolean
dialog_up (gpointer data)
{
	return find_dialog (data) != NULL;
}

static gboolean
remember_sensitive (gpointer data)
{
	return gtk_widget_get_sensitive (ox_connect_dialog_get_field (data, "remember"));
}

typedef struct {
	gboolean done;
	char    *password;
} Lookup;

static void
looked_up_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	(void) source;
	Lookup *l = data;
	l->password = ox_keyring_lookup_finish (result);
	l->done = TRUE;
}

static gboolean
lookup_done (gpointer data)
{
	return ((Lookup *) data)->done;
}

/* The keyring's password for the test server, or NULL. */
static char *
stored_password (void)
{
	Lookup l = { 0 };
	ox_keyring_lookup_async (server.url, REMOTE_TEST_USER, NULL, looked_up_cb, &l);
	wait_until (lookup_done, &l, "the keyring lookup");
	return l.password;
}

typedef struct {
	const char *want;
} StoredWait;

static gboolean
stored_is (gpointer data)
{
	g_autofree char *pw = stored_password ();
	return !g_strcmp0 (pw, ((StoredWait *) data)->want);
}

static void
connect_remembering (OxWindow *win, const char *password)
{
	GtkWidget *d = find_dialog (win);
	g_assert_nonnull (d);
	wait_until (remember_sensitive, d, "the keyring found by the dialog");
	gtk_editable_set_text (GTK_EDITABLE (ox_connect_dialog_get_field (d, "url")), server.url);
	gtk_editable_set_text (GTK_EDITABLE (ox_connect_dialog_get_field (d, "user")), REMOTE_TEST_USER);
	gtk_editable_set_text (GTK_EDITABLE (ox_connect_dialog_get_field (d, "password")), password);
	gtk_check_button_set_active (GTK_CHECK_BUTTON (ox_connect_dialog_get_field (d, "remember")), TRUE);
	adw_message_dialog_response (ADW_MESSAGE_DIALOG (d), "connect");
}

static gboolean
bool_set (gpointer data)
{
	return *(gboolean *) data;
}

static void
run_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	g_autoptr (GError) error = NULL;
	g_assert_true (ox_connection_run_finish (OX_CONNECTION (source), result, &error));
	*(gboolean *) data = TRUE;
}

static void
test_remembered (void)
{
	g_autofree char *none = stored_password ();
	g_assert_null (none);

	OxWindow *win = ox_window_new (NULL, store, NULL);
	gtk_window_present (GTK_WINDOW (win));
	gtk_widget_activate_action (GTK_WIDGET (win), "workstation.connect-server", NULL);
	wait_until (dialog_up, win, "the Connect to Server dialog");
	connect_remembering (win, REMOTE_TEST_PASSWORD);
	wait_until (connected, win, "the login");
	StoredWait sw = { REMOTE_TEST_PASSWORD };
	wait_until (stored_is, &sw, "the password in the keyring");
	gtk_window_destroy (GTK_WINDOW (win));

	/* never in the settings file */
	g_autofree char *settings = g_build_filename (tmpdir, "config", "oxibase", "workstation.db", NULL);
	g_autofree char *bytes = NULL;
	gsize len = 0;
	g_assert_true (g_file_get_contents (settings, &bytes, &len, NULL));
	g_assert_null (g_strstr_len (bytes, (gssize) len, REMOTE_TEST_PASSWORD));

	/* the recent server logs in with the stored password: no dialog */
	g_autoptr (GPtrArray) recent = ox_settings_store_list_recent (store, 10);
	g_assert_cmpuint (recent->len, >=, 1);
	OxRecentConnection *r = recent->pdata[0];
	win = ox_window_new (NULL, store, NULL);
	gtk_window_present (GTK_WINDOW (win));
	ox_window_open_recent_server (win, r->location);
	wait_until (connected, win, "the login with the stored password");
	g_assert_null (find_dialog (win));
	g_assert_true (OX_IS_REMOTE_CONNECTION (ox_window_get_connection (win)));

	/* the password changes on the server: the stored one fails, the
	 * dialog asks, and the new one replaces it in the keyring */
	gboolean done = FALSE;
	ox_connection_run_async (ox_window_get_connection (win), "ALTER ROLE " REMOTE_TEST_USER " PASSWORD 'changed pw'",
	                         NULL, NULL, NULL, NULL, run_done_cb, &done);
	wait_until (bool_set, &done, "the password change");
	gtk_window_destroy (GTK_WINDOW (win));
	win = ox_window_new (NULL, store, NULL);
	gtk_window_present (GTK_WINDOW (win));
	ox_window_open_recent_server (win, r->location);
	wait_until (dialog_up, win, "the dialog after the stored password failed");
	const char *body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (find_dialog (win)));
	g_assert_nonnull (body && strstr (body, "wrong user name or password") ? body : NULL);
	connect_remembering (win, "changed pw");
	wait_until (connected, win, "the login with the new password");
	StoredWait sw2 = { "changed pw" };
	wait_until (stored_is, &sw2, "the new password in the keyring");
	gtk_window_destroy (GTK_WINDOW (win));
}

int
main (int argc, char **argv)
{
	g_unsetenv ("OXIBASE_NO_KEYRING");
	ui_test_init (&argc, &argv);
	remote_server_start (&server);
	g_test_add_func ("/ui/keyring/remembered", test_remembered);
	int rc = g_test_run ();
	ox_keyring_shutdown ();
	remote_server_stop (&server);
	ui_test_finish ();
	return rc;
}

/*
 * ox-keyring.c — server passwords in the Secret Service (see the header).
 *
 * The probe looks at the session bus without starting anything: with no
 * DBUS_SESSION_BUS_ADDRESS and no $XDG_RUNTIME_DIR/bus, GIO would try to
 * autolaunch a bus (dbus-launch under X11), which is the opposite of
 * "only when a Secret Service is available".
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-keyring.h"

#include <libsecret/secret.h>
#include <string.h>

static const SecretSchema *
server_schema (void)
{
	static const SecretSchema schema = {
		"org.oxibase.Workstation.Server", SECRET_SCHEMA_NONE,
		{
			{ "url", SECRET_SCHEMA_ATTRIBUTE_STRING },
			{ "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
			{ NULL, 0 },
		},
	};
	return &schema;
}

static int probed = -1;  /* -1 unknown, 0 no, 1 yes; main thread only */

static gboolean
bus_configured (void)
{
	if (g_getenv ("DBUS_SESSION_BUS_ADDRESS"))
		return TRUE;
	g_autofree char *sock = g_build_filename (g_get_user_runtime_dir (), "bus", NULL);
	return g_file_test (sock, G_FILE_TEST_EXISTS);
}

static void
list_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	GTask *task = data;
	g_autoptr (GVariant) v = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);
	gboolean found = FALSE;
	if (v) {
		g_autoptr (GVariant) names = g_variant_get_child_value (v, 0);
		GVariantIter it;
		const char *n;
		g_variant_iter_init (&it, names);
		while (g_variant_iter_next (&it, "&s", &n))
			if (!strcmp (n, "org.freedesktop.secrets"))
				found = TRUE;
	}
	probed = found;
	g_task_return_boolean (task, found);
	g_object_unref (task);
}

static void
owner_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	GTask *task = data;
	g_autoptr (GVariant) v = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);
	gboolean owned = FALSE;
	if (v)
		g_variant_get (v, "(b)", &owned);
	if (owned) {
		probed = 1;
		g_task_return_boolean (task, TRUE);
		g_object_unref (task);
		return;
	}
	/* not running: can the bus start it? */
	g_dbus_connection_call (G_DBUS_CONNECTION (source), "org.freedesktop.DBus", "/org/freedesktop/DBus",
	                        "org.freedesktop.DBus", "ListActivatableNames", NULL, G_VARIANT_TYPE ("(as)"),
	                        G_DBUS_CALL_FLAGS_NONE, 2000, g_task_get_cancellable (task), list_cb, task);
}

static void
bus_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	GTask *task = data;
	(void) source;
	g_autoptr (GDBusConnection) bus = g_bus_get_finish (result, NULL);
	if (!bus) {
		probed = 0;
		g_task_return_boolean (task, FALSE);
		g_object_unref (task);
		return;
	}
	g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
	                        "NameHasOwner", g_variant_new ("(s)", "org.freedesktop.secrets"), G_VARIANT_TYPE ("(b)"),
	                        G_DBUS_CALL_FLAGS_NONE, 2000, g_task_get_cancellable (task), owner_cb, task);
}

void
ox_keyring_probe_async (GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
	GTask *task = g_task_new (NULL, cancellable, callback, user_data);
	g_task_set_source_tag (task, ox_keyring_probe_async);
	if (probed < 0 && (g_strcmp0 (g_getenv ("OXIBASE_NO_KEYRING"), "1") == 0 || !bus_configured ()))
		probed = 0;
	if (probed >= 0) {
		g_task_return_boolean (task, probed == 1);
		g_object_unref (task);
		return;
	}
	g_bus_get (G_BUS_TYPE_SESSION, cancellable, bus_cb, task);
}

gboolean
ox_keyring_probe_finish (GAsyncResult *result)
{
	return g_task_propagate_boolean (G_TASK (result), NULL);
}

static void
stored_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	(void) source;
	(void) data;
	g_autoptr (GError) error = NULL;
	if (!secret_password_store_finish (result, &error))
		g_warning ("the keyring did not keep the password: %s", error->message);
}

void
ox_keyring_store (const char *url, const char *user, const char *password)
{
	if (probed != 1)
		return;
	g_autofree char *label = g_strdup_printf ("Oxibase server %s (%s)", url, user);
	secret_password_store (server_schema (), SECRET_COLLECTION_DEFAULT, label, password, NULL, stored_cb, NULL,
	                       "url", url, "user", user, NULL);
}

static void
looked_up_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	(void) source;
	GTask *task = data;
	g_autoptr (GError) error = NULL;
	char *pw = secret_password_lookup_finish (result, &error);
	if (error)
		g_debug ("keyring lookup: %s", error->message);
	char *copy = g_strdup (pw);
	if (pw)
		secret_password_free (pw);
	g_task_return_pointer (task, copy, g_free);
	g_object_unref (task);
}

static void
lookup_probed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
	(void) source;
	GTask *task = data;
	if (!ox_keyring_probe_finish (result)) {
		g_task_return_pointer (task, NULL, NULL);
		g_object_unref (task);
		return;
	}
	char **kv = g_task_get_task_data (task);
	secret_password_lookup (server_schema (), g_task_get_cancellable (task), looked_up_cb, task, "url", kv[0],
	                        "user", kv[1], NULL);
}

void
ox_keyring_lookup_async (const char *url, const char *user, GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
	GTask *task = g_task_new (NULL, cancellable, callback, user_data);
	g_task_set_source_tag (task, ox_keyring_lookup_async);
	char **kv = g_new0 (char *, 3);
	kv[0] = g_strdup (url);
	kv[1] = g_strdup (user);
	g_task_set_task_data (task, kv, (GDestroyNotify) g_strfreev);
	ox_keyring_probe_async (cancellable, lookup_probed_cb, task);
}

char *
ox_keyring_lookup_finish (GAsyncResult *result)
{
	return g_task_propagate_pointer (G_TASK (result), NULL);
}

void
ox_keyring_shutdown (void)
{
	if (probed == 1)
		secret_service_disconnect ();
}

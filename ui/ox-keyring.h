/*
 * ox-keyring.h — server passwords in the system keyring (the Secret
 * Service, through libsecret), keyed by server URL and user name.
 *
 * Passwords never go to the settings store or any file of ours: when no
 * Secret Service runs (no session bus, or nobody owns or can activate
 * org.freedesktop.secrets) nothing is stored and the password is asked
 * for each time.  OXIBASE_NO_KEYRING=1 forces that (tests).
 *
 * What can go wrong: the keyring is locked and the user refuses to unlock
 * it, or the service fails: lookups then find nothing and stores are
 * dropped with a warning; the caller asks for the password instead.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Is a Secret Service there?  Never blocks; the answer is cached after
 * the first probe. */
void      ox_keyring_probe_async  (GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean  ox_keyring_probe_finish (GAsyncResult *result);

/* Store the password for (url, user); fire and forget. */
void      ox_keyring_store (const char *url, const char *user, const char *password);

/* The stored password, or NULL (none, or no keyring). */
void      ox_keyring_lookup_async  (const char *url, const char *user, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
char     *ox_keyring_lookup_finish (GAsyncResult *result);

/* At exit: drop libsecret's connection to the Secret Service (its proxy
 * keeps the D-Bus messages it cached until then). */
void      ox_keyring_shutdown (void);

G_END_DECLS

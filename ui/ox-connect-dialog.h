/*
 * ox-connect-dialog.h — "Connect to Server…" on the start page: a small
 * dialog (server address, user, password, "Remember password"), the
 * login on the main loop, the keyring (ox-keyring.h), and the recent
 * servers of the start page.
 *
 * A recent server's location is its URL with the user in it
 * ("http://alice@db.example:8433"): what the settings store keeps, never
 * the password.  Opening one looks the password up in the keyring and
 * connects, or asks for it with the dialog.
 *
 * What can go wrong: the server cannot be reached, the password is wrong,
 * the keyring has nothing: the dialog comes back with the reason above
 * its fields, filled in but for the password.
 */
#pragma once

#include "ox-window.h"

G_BEGIN_DECLS

/* Present the dialog on win's start page; url, user and message (shown
 * above the fields) may be NULL.  (transfer none) the dialog */
GtkWidget   *ox_window_connect_server (OxWindow *win, const char *url, const char *user, const char *message);
/* Open a recent server (its location as above). */
void         ox_window_open_recent_server (OxWindow *win, const char *location);

/* The dialog's fields by name: "url", "user", "password"; and the
 * "Remember password" check button ("remember").  For tests. */
GtkWidget   *ox_connect_dialog_get_field (GtkWidget *dialog, const char *name);

/* "http://user@host:port" from the two halves, and back (the user is
 * NULL when the location has none). */
char        *ox_server_location (const char *url, const char *user);
char        *ox_server_location_split (const char *location, char **user);

G_END_DECLS

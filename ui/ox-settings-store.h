/*
 * ox-settings-store.h — the workstation's settings and history in an SQLite
 * file, $XDG_CONFIG_HOME/oxibase/workstation.db: recent connections, window
 * geometry, open editor tabs per connection, editor settings and a
 * searchable query history.
 *
 * The schema is versioned with PRAGMA user_version and brought up to date
 * by migrations when the file is opened (see ox-settings-store.c).  A file
 * written by a newer version of the workstation is refused, not altered.
 *
 * No GTK here: the store is tested without a display.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define OX_SETTINGS_ERROR (ox_settings_error_quark ())
GQuark ox_settings_error_quark (void);

typedef enum {
	OX_SETTINGS_ERROR_OPEN,     /* the file cannot be opened or is not a settings file */
	OX_SETTINGS_ERROR_NEWER,    /* written by a newer version (user_version too high) */
	OX_SETTINGS_ERROR_SQLITE,   /* a statement failed (disk full, locked, corrupt) */
} OxSettingsError;

/* The schema version this build writes. */
#define OX_SETTINGS_SCHEMA_VERSION 3

typedef struct _OxSettingsStore OxSettingsStore;

typedef struct {
	char   *kind;       /* "directory", "memory", "demo", "server" */
	char   *location;   /* a path, ":memory:", or a URL */
	char   *title;
	gint64  last_used;  /* unix time, microseconds (the order of use) */
} OxRecentConnection;

typedef struct {
	int      width, height;   /* pixels; 0 when unknown */
	gboolean maximized;
	int      sidebar_width;   /* object browser pane, pixels; 0: default (v2) */
	int      results_height;  /* results pane, pixels; 0: default (v2) */
	int      debug_height;    /* debugger pane, pixels; 0: default (v3) */
} OxWindowState;

typedef struct {
	char *title;
	char *text;      /* the editor's content */
	char *file;      /* the .sql file it was opened from, or NULL */
	char *kind;      /* "sql" (NULL: "sql") or "routine" (v3) */
	char *routine;   /* a routine tab's routine (ox-routine-editor.c's identity), or NULL (v3) */
	gboolean modified;  /* a routine tab's text differed from the database's (v3) */
} OxSavedTab;

typedef struct {
	gint64  id;
	char   *connection;  /* its location */
	char   *statement;
	gint64  started;     /* unix time, microseconds */
	gint64  duration_us;
	gint64  rows;        /* rows returned or affected; -1 on error */
	char   *sqlstate;    /* NULL on success (v2) */
} OxHistoryEntry;

/* "$XDG_CONFIG_HOME/oxibase/workstation.db" (transfer full). */
char            *ox_settings_store_default_path (void);
/* Open (creating the file and its folder if needed) and migrate.  path
 * ":memory:" gives a store that forgets everything at close. */
OxSettingsStore *ox_settings_store_open (const char *path, GError **error);
void             ox_settings_store_close (OxSettingsStore *self);
int              ox_settings_store_get_version (OxSettingsStore *self);

gboolean   ox_settings_store_add_recent (OxSettingsStore *self, const char *kind, const char *location,
                                         const char *title, GError **error);
gboolean   ox_settings_store_forget_recent (OxSettingsStore *self, const char *location, GError **error);
/* Newest first. (element-type OxRecentConnection) (transfer full) */
GPtrArray *ox_settings_store_list_recent (OxSettingsStore *self, guint limit);

gboolean   ox_settings_store_save_window (OxSettingsStore *self, const char *name, const OxWindowState *state,
                                          GError **error);
/* FALSE (state zeroed) when nothing was saved under name. */
gboolean   ox_settings_store_load_window (OxSettingsStore *self, const char *name, OxWindowState *state);

/* Replace the saved tabs of connection with tabs (element-type OxSavedTab). */
gboolean   ox_settings_store_save_tabs (OxSettingsStore *self, const char *connection, GPtrArray *tabs,
                                        GError **error);
/* (element-type OxSavedTab) (transfer full); empty when none. */
GPtrArray *ox_settings_store_load_tabs (OxSettingsStore *self, const char *connection);

gboolean   ox_settings_store_set (OxSettingsStore *self, const char *key, const char *value, GError **error);
/* (transfer full) or NULL when unset. */
char      *ox_settings_store_get (OxSettingsStore *self, const char *key);

gboolean   ox_settings_store_add_history (OxSettingsStore *self, const OxHistoryEntry *entry, GError **error);
/* Entries whose statement contains text (case-insensitive; NULL or "": all),
 * of connection (NULL: any), newest first. (element-type OxHistoryEntry) */
GPtrArray *ox_settings_store_search_history (OxSettingsStore *self, const char *connection, const char *text,
                                             guint limit);

void ox_recent_connection_free (OxRecentConnection *r);
void ox_saved_tab_free (OxSavedTab *t);
void ox_history_entry_free (OxHistoryEntry *h);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OxSettingsStore, ox_settings_store_close)

G_END_DECLS

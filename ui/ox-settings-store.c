/*
 * ox-settings-store.c — settings and history in SQLite (see the header).
 *
 * Migrations: migrations[i] takes the schema from version i to i + 1, in
 * one transaction together with the new PRAGMA user_version, so a crash
 * in the middle leaves the file at the old version, never half-migrated.
 * A new version appends an entry; an entry once released never changes
 * (files in the field were built by it).
 *
 * NOTE: the store runs on the main thread.  Its statements touch a few
 * rows of a small file in WAL mode with synchronous=NORMAL (no fsync per
 * commit), which costs microseconds; a history too large for that would
 * move it to a worker.
 * NOTE: a store that cannot be opened (read-only home, a corrupt file,
 * one from a newer version) is an error the caller reports; the
 * workstation then runs with an in-memory store rather than not at all.
 */
#define G_LOG_DOMAIN "ox-settings"

#include "ox-settings-store.h"

#include <errno.h>
#include <sqlite3.h>
#include <string.h>

G_DEFINE_QUARK (ox-settings-error-quark, ox_settings_error)

struct _OxSettingsStore {
	sqlite3 *db;
	int      version;  /* user_version after migration */
};

static const char *const migrations[] = {
	/* 0 -> 1: the first schema */
	"CREATE TABLE recent_connections ("
	"  location  TEXT PRIMARY KEY,"
	"  kind      TEXT NOT NULL,"
	"  title     TEXT NOT NULL,"
	"  last_used INTEGER NOT NULL);"
	"CREATE TABLE window_state ("
	"  name      TEXT PRIMARY KEY,"
	"  width     INTEGER NOT NULL,"
	"  height    INTEGER NOT NULL,"
	"  maximized INTEGER NOT NULL);"
	"CREATE TABLE open_tabs ("
	"  connection TEXT NOT NULL,"
	"  position   INTEGER NOT NULL,"
	"  title      TEXT NOT NULL,"
	"  content    TEXT NOT NULL,"
	"  file       TEXT,"
	"  PRIMARY KEY (connection, position));"
	"CREATE TABLE editor_settings ("
	"  key   TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL);"
	"CREATE TABLE query_history ("
	"  id          INTEGER PRIMARY KEY,"
	"  connection  TEXT NOT NULL,"
	"  statement   TEXT NOT NULL,"
	"  started     INTEGER NOT NULL,"
	"  duration_us INTEGER NOT NULL,"
	"  rows        INTEGER NOT NULL);",

	/* 1 -> 2: pane geometry; the SQLSTATE of failed statements; history
	 * read newest first per connection without a sort */
	"ALTER TABLE window_state ADD COLUMN sidebar_width INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE window_state ADD COLUMN results_height INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE query_history ADD COLUMN sqlstate TEXT;"
	"CREATE INDEX query_history_by_connection ON query_history (connection, started DESC);",

	/* 2 -> 3: a tab's kind ("sql" for the tabs saved before) and, for a
	 * routine tab, the routine it edits and whether it had unsaved edits;
	 * the debugger pane's height */
	"ALTER TABLE open_tabs ADD COLUMN kind TEXT NOT NULL DEFAULT 'sql';"
	"ALTER TABLE open_tabs ADD COLUMN routine TEXT;"
	"ALTER TABLE open_tabs ADD COLUMN modified INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE window_state ADD COLUMN debug_height INTEGER NOT NULL DEFAULT 0;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == OX_SETTINGS_SCHEMA_VERSION);

static gboolean
sql_error (OxSettingsStore *self, GError **error, const char *what)
{
	g_set_error (error, OX_SETTINGS_ERROR, OX_SETTINGS_ERROR_SQLITE, "%s: %s", what, sqlite3_errmsg (self->db));
	return FALSE;
}

static gboolean
exec (OxSettingsStore *self, const char *sql, GError **error)
{
	char *msg = NULL;
	if (sqlite3_exec (self->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		g_set_error (error, OX_SETTINGS_ERROR, OX_SETTINGS_ERROR_SQLITE, "%s", msg ? msg : "sqlite error");
		sqlite3_free (msg);
		return FALSE;
	}
	return TRUE;
}

static int
user_version (OxSettingsStore *self)
{
	sqlite3_stmt *st = NULL;
	int v = -1;
	if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step (st) == SQLITE_ROW)
		v = sqlite3_column_int (st, 0);
	sqlite3_finalize (st);
	return v;
}

static gboolean
migrate (OxSettingsStore *self, GError **error)
{
	int v = user_version (self);
	if (v < 0) {
		g_set_error (error, OX_SETTINGS_ERROR, OX_SETTINGS_ERROR_OPEN, "not a settings file: %s",
		             sqlite3_errmsg (self->db));
		return FALSE;
	}
	if (v > OX_SETTINGS_SCHEMA_VERSION) {
		g_set_error (error, OX_SETTINGS_ERROR, OX_SETTINGS_ERROR_NEWER,
		             "the settings file has schema version %d, newer than this workstation's %d; "
		             "it was left as it is", v, OX_SETTINGS_SCHEMA_VERSION);
		return FALSE;
	}
	for (; v < OX_SETTINGS_SCHEMA_VERSION; v++) {
		g_autofree char *sql = g_strdup_printf ("BEGIN IMMEDIATE; %s PRAGMA user_version = %d; COMMIT;",
		                                        migrations[v], v + 1);
		if (!exec (self, sql, error)) {
			sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
			g_prefix_error (error, "migrating the settings from version %d to %d: ", v, v + 1);
			return FALSE;
		}
	}
	self->version = v;
	return TRUE;
}

char *
ox_settings_store_default_path (void)
{
	return g_build_filename (g_get_user_config_dir (), "oxibase", "workstation.db", NULL);
}

OxSettingsStore *
ox_settings_store_open (const char *path, GError **error)
{
	g_return_val_if_fail (path != NULL, NULL);
	if (strcmp (path, ":memory:")) {
		g_autofree char *dir = g_path_get_dirname (path);
		if (g_mkdir_with_parents (dir, 0700) != 0) {
			int e = errno;
			g_set_error (error, OX_SETTINGS_ERROR, OX_SETTINGS_ERROR_OPEN, "cannot create %s: %s", dir,
			             g_strerror (e));
			return NULL;
		}
	}
	OxSettingsStore *self = g_new0 (OxSettingsStore, 1);
	if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		g_set_error (error, OX_SETTINGS_ERROR, OX_SETTINGS_ERROR_OPEN, "cannot open %s: %s", path,
		             self->db ? sqlite3_errmsg (self->db) : "out of memory");
		ox_settings_store_close (self);
		return NULL;
	}
	sqlite3_busy_timeout (self->db, 2000);  /* a second workstation may be writing */
	if (!exec (self, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", NULL))
		g_debug ("WAL mode not available for %s", path);
	if (!migrate (self, error)) {
		g_prefix_error (error, "%s: ", path);
		ox_settings_store_close (self);
		return NULL;
	}
	return self;
}

void
ox_settings_store_close (OxSettingsStore *self)
{
	if (!self)
		return;
	sqlite3_close (self->db);
	g_free (self);
}

int
ox_settings_store_get_version (OxSettingsStore *self)
{
	g_return_val_if_fail (self != NULL, -1);
	return self->version;
}

/* ---- statement helpers ---------------------------------------------------------- */

static sqlite3_stmt *
prepare (OxSettingsStore *self, const char *sql, GError **error)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2 (self->db, sql, -1, &st, NULL) != SQLITE_OK) {
		sql_error (self, error, "prepare");
		return NULL;
	}
	return st;
}

static gboolean
step_done (OxSettingsStore *self, sqlite3_stmt *st, GError **error)
{
	int rc = sqlite3_step (st);
	sqlite3_finalize (st);
	if (rc != SQLITE_DONE)
		return sql_error (self, error, "write");
	return TRUE;
}

static char *
column_dup (sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text (st, col);
	return t ? g_strdup ((const char *) t) : NULL;
}

/* ---- recent connections ----------------------------------------------------------- */

gboolean
ox_settings_store_add_recent (OxSettingsStore *self, const char *kind, const char *location, const char *title,
                              GError **error)
{
	g_return_val_if_fail (self && kind && location, FALSE);
	sqlite3_stmt *st = prepare (self,
	                            "INSERT INTO recent_connections (location, kind, title, last_used) "
	                            "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (location) DO UPDATE SET "
	                            "kind = excluded.kind, title = excluded.title, last_used = excluded.last_used",
	                            error);
	if (!st)
		return FALSE;
	sqlite3_bind_text (st, 1, location, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (st, 2, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (st, 3, title ? title : location, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (st, 4, g_get_real_time ());
	return step_done (self, st, error);
}

gboolean
ox_settings_store_forget_recent (OxSettingsStore *self, const char *location, GError **error)
{
	g_return_val_if_fail (self && location, FALSE);
	sqlite3_stmt *st = prepare (self, "DELETE FROM recent_connections WHERE location = ?1", error);
	if (!st)
		return FALSE;
	sqlite3_bind_text (st, 1, location, -1, SQLITE_TRANSIENT);
	return step_done (self, st, error);
}

GPtrArray *
ox_settings_store_list_recent (OxSettingsStore *self, guint limit)
{
	GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ox_recent_connection_free);
	g_return_val_if_fail (self != NULL, out);
	sqlite3_stmt *st = prepare (self,
	                            "SELECT kind, location, title, last_used FROM recent_connections "
	                            "ORDER BY last_used DESC, rowid DESC LIMIT ?1", NULL);
	if (!st)
		return out;
	sqlite3_bind_int64 (st, 1, limit ? limit : G_MAXINT);
	while (sqlite3_step (st) == SQLITE_ROW) {
		OxRecentConnection *r = g_new0 (OxRecentConnection, 1);
		r->kind = column_dup (st, 0);
		r->location = column_dup (st, 1);
		r->title = column_dup (st, 2);
		r->last_used = sqlite3_column_int64 (st, 3);
		g_ptr_array_add (out, r);
	}
	sqlite3_finalize (st);
	return out;
}

/* ---- window state --------------------------------------------------------------------- */

gboolean
ox_settings_store_save_window (OxSettingsStore *self, const char *name, const OxWindowState *s, GError **error)
{
	g_return_val_if_fail (self && name && s, FALSE);
	sqlite3_stmt *st = prepare (self,
	                            "INSERT OR REPLACE INTO window_state (name, width, height, maximized, "
	                            "sidebar_width, results_height, debug_height) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
	if (!st)
		return FALSE;
	sqlite3_bind_text (st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int (st, 2, s->width);
	sqlite3_bind_int (st, 3, s->height);
	sqlite3_bind_int (st, 4, s->maximized ? 1 : 0);
	sqlite3_bind_int (st, 5, s->sidebar_width);
	sqlite3_bind_int (st, 6, s->results_height);
	sqlite3_bind_int (st, 7, s->debug_height);
	return step_done (self, st, error);
}

gboolean
ox_settings_store_load_window (OxSettingsStore *self, const char *name, OxWindowState *s)
{
	g_return_val_if_fail (self && name && s, FALSE);
	memset (s, 0, sizeof *s);
	sqlite3_stmt *st = prepare (self,
	                            "SELECT width, height, maximized, sidebar_width, results_height, debug_height "
	                            "FROM window_state WHERE name = ?1", NULL);
	if (!st)
		return FALSE;
	sqlite3_bind_text (st, 1, name, -1, SQLITE_TRANSIENT);
	gboolean found = sqlite3_step (st) == SQLITE_ROW;
	if (found) {
		s->width = sqlite3_column_int (st, 0);
		s->height = sqlite3_column_int (st, 1);
		s->maximized = sqlite3_column_int (st, 2) != 0;
		s->sidebar_width = sqlite3_column_int (st, 3);
		s->results_height = sqlite3_column_int (st, 4);
		s->debug_height = sqlite3_column_int (st, 5);
	}
	sqlite3_finalize (st);
	return found;
}

/* ---- tabs ---------------------------------------------------------------------------- */

gboolean
ox_settings_store_save_tabs (OxSettingsStore *self, const char *connection, GPtrArray *tabs, GError **error)
{
	g_return_val_if_fail (self && connection && tabs, FALSE);
	if (!exec (self, "BEGIN IMMEDIATE", error))
		return FALSE;
	sqlite3_stmt *st = prepare (self, "DELETE FROM open_tabs WHERE connection = ?1", error);
	if (!st)
		goto fail;
	sqlite3_bind_text (st, 1, connection, -1, SQLITE_TRANSIENT);
	if (!step_done (self, st, error))
		goto fail;
	for (guint i = 0; i < tabs->len; i++) {
		OxSavedTab *t = tabs->pdata[i];
		st = prepare (self,
		              "INSERT INTO open_tabs (connection, position, title, content, file, kind, routine, modified) "
		              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", error);
		if (!st)
			goto fail;
		sqlite3_bind_text (st, 1, connection, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int (st, 2, (int) i);
		sqlite3_bind_text (st, 3, t->title ? t->title : "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (st, 4, t->text ? t->text : "", -1, SQLITE_TRANSIENT);
		if (t->file)
			sqlite3_bind_text (st, 5, t->file, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (st, 6, t->kind ? t->kind : "sql", -1, SQLITE_TRANSIENT);
		if (t->routine)
			sqlite3_bind_text (st, 7, t->routine, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int (st, 8, t->modified ? 1 : 0);
		if (!step_done (self, st, error))
			goto fail;
	}
	return exec (self, "COMMIT", error);
fail:
	sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
	return FALSE;
}

GPtrArray *
ox_settings_store_load_tabs (OxSettingsStore *self, const char *connection)
{
	GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ox_saved_tab_free);
	g_return_val_if_fail (self && connection, out);
	sqlite3_stmt *st = prepare (self,
	                            "SELECT title, content, file, kind, routine, modified FROM open_tabs WHERE connection = ?1 "
	                            "ORDER BY position", NULL);
	if (!st)
		return out;
	sqlite3_bind_text (st, 1, connection, -1, SQLITE_TRANSIENT);
	while (sqlite3_step (st) == SQLITE_ROW) {
		OxSavedTab *t = g_new0 (OxSavedTab, 1);
		t->title = column_dup (st, 0);
		t->text = column_dup (st, 1);
		t->file = column_dup (st, 2);
		t->kind = column_dup (st, 3);
		t->routine = column_dup (st, 4);
		t->modified = sqlite3_column_int (st, 5) != 0;
		g_ptr_array_add (out, t);
	}
	sqlite3_finalize (st);
	return out;
}

/* ---- editor settings ---------------------------------------------------------------------- */

gboolean
ox_settings_store_set (OxSettingsStore *self, const char *key, const char *value, GError **error)
{
	g_return_val_if_fail (self && key, FALSE);
	sqlite3_stmt *st = prepare (self, value ? "INSERT OR REPLACE INTO editor_settings (key, value) VALUES (?1, ?2)"
	                                        : "DELETE FROM editor_settings WHERE key = ?1", error);
	if (!st)
		return FALSE;
	sqlite3_bind_text (st, 1, key, -1, SQLITE_TRANSIENT);
	if (value)
		sqlite3_bind_text (st, 2, value, -1, SQLITE_TRANSIENT);
	return step_done (self, st, error);
}

char *
ox_settings_store_get (OxSettingsStore *self, const char *key)
{
	g_return_val_if_fail (self && key, NULL);
	sqlite3_stmt *st = prepare (self, "SELECT value FROM editor_settings WHERE key = ?1", NULL);
	if (!st)
		return NULL;
	sqlite3_bind_text (st, 1, key, -1, SQLITE_TRANSIENT);
	char *v = sqlite3_step (st) == SQLITE_ROW ? column_dup (st, 0) : NULL;
	sqlite3_finalize (st);
	return v;
}

/* ---- history --------------------------------------------------------------------------- */

gboolean
ox_settings_store_add_history (OxSettingsStore *self, const OxHistoryEntry *e, GError **error)
{
	g_return_val_if_fail (self && e && e->connection && e->statement, FALSE);
	sqlite3_stmt *st = prepare (self,
	                            "INSERT INTO query_history (connection, statement, started, duration_us, rows, "
	                            "sqlstate) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
	if (!st)
		return FALSE;
	sqlite3_bind_text (st, 1, e->connection, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (st, 2, e->statement, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (st, 3, e->started);
	sqlite3_bind_int64 (st, 4, e->duration_us);
	sqlite3_bind_int64 (st, 5, e->rows);
	if (e->sqlstate)
		sqlite3_bind_text (st, 6, e->sqlstate, -1, SQLITE_TRANSIENT);
	return step_done (self, st, error);
}

GPtrArray *
ox_settings_store_search_history (OxSettingsStore *self, const char *connection, const char *text, guint limit)
{
	GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ox_history_entry_free);
	g_return_val_if_fail (self != NULL, out);
	/* instr() on lower(): a plain substring match, so the user's % and _
	 * mean themselves (LIKE would need escaping) */
	sqlite3_stmt *st = prepare (self,
	                            "SELECT id, connection, statement, started, duration_us, rows, sqlstate "
	                            "FROM query_history WHERE (?1 IS NULL OR connection = ?1) "
	                            "AND (?2 IS NULL OR instr (lower (statement), lower (?2)) > 0) "
	                            "ORDER BY started DESC, id DESC LIMIT ?3", NULL);
	if (!st)
		return out;
	if (connection)
		sqlite3_bind_text (st, 1, connection, -1, SQLITE_TRANSIENT);
	if (text && *text)
		sqlite3_bind_text (st, 2, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (st, 3, limit ? limit : G_MAXINT);
	while (sqlite3_step (st) == SQLITE_ROW) {
		OxHistoryEntry *h = g_new0 (OxHistoryEntry, 1);
		h->id = sqlite3_column_int64 (st, 0);
		h->connection = column_dup (st, 1);
		h->statement = column_dup (st, 2);
		h->started = sqlite3_column_int64 (st, 3);
		h->duration_us = sqlite3_column_int64 (st, 4);
		h->rows = sqlite3_column_int64 (st, 5);
		h->sqlstate = column_dup (st, 6);
		g_ptr_array_add (out, h);
	}
	sqlite3_finalize (st);
	return out;
}

void
ox_recent_connection_free (OxRecentConnection *r)
{
	if (!r)
		return;
	g_free (r->kind);
	g_free (r->location);
	g_free (r->title);
	g_free (r);
}

void
ox_saved_tab_free (OxSavedTab *t)
{
	if (!t)
		return;
	g_free (t->title);
	g_free (t->text);
	g_free (t->file);
	g_free (t->kind);
	g_free (t->routine);
	g_free (t);
}

void
ox_history_entry_free (OxHistoryEntry *h)
{
	if (!h)
		return;
	g_free (h->connection);
	g_free (h->statement);
	g_free (h->sqlstate);
	g_free (h);
}

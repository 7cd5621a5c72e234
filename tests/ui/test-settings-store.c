/*
 * test-settings-store.c — the workstation's SQLite settings store: a fresh
 * file, round trips of every table, history search, the migration of a
 * version-1 file written here by hand (as the first release wrote it) and
 * of a version-2 file (tabs without a kind, no debugger pane height), and
 * refusal of files from a newer version or that are not SQLite at all.
 */
#include "ox-settings-store.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>

typedef struct {
	char *dir;
	char *path;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
	(void) data;
	f->dir = g_dir_make_tmp ("ox-settings-XXXXXX", NULL);
	g_assert_nonnull (f->dir);
	f->path = g_build_filename (f->dir, "sub", "workstation.db", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
	(void) data;
	g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);
	g_assert_cmpint (system (cmd), ==, 0);
	g_free (f->dir);
	g_free (f->path);
}

static void
test_default_path (void)
{
	g_autofree char *p = ox_settings_store_default_path ();
	g_autofree char *want = g_build_filename (g_get_user_config_dir (), "oxibase", "workstation.db", NULL);
	g_assert_cmpstr (p, ==, want);
}

static void
test_round_trip (Fixture *f, gconstpointer data)
{
	(void) data;
	g_autoptr (GError) error = NULL;
	OxSettingsStore *s = ox_settings_store_open (f->path, &error);
	g_assert_no_error (error);
	g_assert_cmpint (ox_settings_store_get_version (s), ==, OX_SETTINGS_SCHEMA_VERSION);

	g_assert_true (ox_settings_store_add_recent (s, "directory", "/data/a", "a", &error));
	g_assert_true (ox_settings_store_add_recent (s, "demo", "demo", "Demo", &error));
	g_assert_true (ox_settings_store_add_recent (s, "directory", "/data/a", "a again", &error));
	g_assert_no_error (error);

	OxWindowState w = { 1200, 800, TRUE, 280, 300, 260 };
	g_assert_true (ox_settings_store_save_window (s, "main", &w, &error));

	g_autoptr (GPtrArray) tabs = g_ptr_array_new ();
	OxSavedTab t1 = { "Query 1", "SELECT 1;", NULL }, t2 = { "report.sql", "SELECT 'ü';", "/tmp/report.sql" };
	OxSavedTab t3 = { "order_total", "CREATE OR REPLACE FUNCTION ...", NULL, "routine", "('function', 'public')", TRUE };
	g_ptr_array_add (tabs, &t1);
	g_ptr_array_add (tabs, &t2);
	g_ptr_array_add (tabs, &t3);
	g_assert_true (ox_settings_store_save_tabs (s, "demo", tabs, &error));
	g_assert_true (ox_settings_store_set (s, "editor.font", "Monospace 12", &error));

	OxHistoryEntry h = { 0, "demo", "SELECT * FROM customers", 1000, 250, 12, NULL };
	g_assert_true (ox_settings_store_add_history (s, &h, &error));
	h = (OxHistoryEntry) { 0, "demo", "SELECT 100% FROM orders", 2000, 50, -1, "42601" };
	g_assert_true (ox_settings_store_add_history (s, &h, &error));
	h = (OxHistoryEntry) { 0, "/data/a", "select * from Customers c", 3000, 70, 3, NULL };
	g_assert_true (ox_settings_store_add_history (s, &h, &error));
	g_assert_no_error (error);
	ox_settings_store_close (s);

	/* everything is there after reopening */
	s = ox_settings_store_open (f->path, &error);
	g_assert_no_error (error);
	g_autoptr (GPtrArray) recent = ox_settings_store_list_recent (s, 10);
	g_assert_cmpuint (recent->len, ==, 2);
	OxRecentConnection *r0 = recent->pdata[0], *r1 = recent->pdata[1];
	/* the re-added one counts as newest */
	g_assert_cmpstr (r0->location, ==, "/data/a");
	g_assert_cmpstr (r0->title, ==, "a again");
	g_assert_cmpstr (r1->kind, ==, "demo");

	OxWindowState w2;
	g_assert_true (ox_settings_store_load_window (s, "main", &w2));
	g_assert_cmpint (w2.width, ==, 1200);
	g_assert_cmpint (w2.height, ==, 800);
	g_assert_true (w2.maximized);
	g_assert_cmpint (w2.sidebar_width, ==, 280);
	g_assert_cmpint (w2.results_height, ==, 300);
	g_assert_cmpint (w2.debug_height, ==, 260);
	g_assert_false (ox_settings_store_load_window (s, "other", &w2));

	g_autoptr (GPtrArray) loaded = ox_settings_store_load_tabs (s, "demo");
	g_assert_cmpuint (loaded->len, ==, 3);
	OxSavedTab *l1 = loaded->pdata[1];
	OxSavedTab *l2 = loaded->pdata[2];
	g_assert_cmpstr (l1->kind, ==, "sql");
	g_assert_null (l1->routine);
	g_assert_false (l1->modified);
	g_assert_cmpstr (l2->kind, ==, "routine");
	g_assert_cmpstr (l2->routine, ==, "('function', 'public')");
	g_assert_true (l2->modified);
	g_assert_cmpstr (l1->title, ==, "report.sql");
	g_assert_cmpstr (l1->text, ==, "SELECT 'ü';");
	g_assert_cmpstr (l1->file, ==, "/tmp/report.sql");
	g_assert_null (((OxSavedTab *) loaded->pdata[0])->file);
	g_autoptr (GPtrArray) none = ox_settings_store_load_tabs (s, "/nowhere");
	g_assert_cmpuint (none->len, ==, 0);

	g_autofree char *font = ox_settings_store_get (s, "editor.font");
	g_assert_cmpstr (font, ==, "Monospace 12");
	g_assert_null (ox_settings_store_get (s, "editor.nothing"));

	/* search: case-insensitive substring, newest first; % is literal */
	g_autoptr (GPtrArray) hits = ox_settings_store_search_history (s, NULL, "customers", 0);
	g_assert_cmpuint (hits->len, ==, 2);
	g_assert_cmpstr (((OxHistoryEntry *) hits->pdata[0])->connection, ==, "/data/a");
	g_autoptr (GPtrArray) demo_only = ox_settings_store_search_history (s, "demo", NULL, 0);
	g_assert_cmpuint (demo_only->len, ==, 2);
	g_assert_cmpstr (((OxHistoryEntry *) demo_only->pdata[0])->sqlstate, ==, "42601");
	g_assert_cmpint (((OxHistoryEntry *) demo_only->pdata[0])->rows, ==, -1);
	g_autoptr (GPtrArray) pct = ox_settings_store_search_history (s, NULL, "0%", 0);
	g_assert_cmpuint (pct->len, ==, 1);
	g_autoptr (GPtrArray) limited = ox_settings_store_search_history (s, NULL, NULL, 1);
	g_assert_cmpuint (limited->len, ==, 1);

	g_assert_true (ox_settings_store_forget_recent (s, "demo", &error));
	g_autoptr (GPtrArray) recent2 = ox_settings_store_list_recent (s, 0);
	g_assert_cmpuint (recent2->len, ==, 1);
	ox_settings_store_close (s);
}

/* The schema as version 1 wrote it, spelled out here on purpose: the test
 * must not take it from the code under test. */
static const char v1_schema[] =
	"CREATE TABLE recent_connections (location TEXT PRIMARY KEY, kind TEXT NOT NULL,"
	"  title TEXT NOT NULL, last_used INTEGER NOT NULL);"
	"CREATE TABLE window_state (name TEXT PRIMARY KEY, width INTEGER NOT NULL,"
	"  height INTEGER NOT NULL, maximized INTEGER NOT NULL);"
	"CREATE TABLE open_tabs (connection TEXT NOT NULL, position INTEGER NOT NULL,"
	"  title TEXT NOT NULL, content TEXT NOT NULL, file TEXT, PRIMARY KEY (connection, position));"
	"CREATE TABLE editor_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE query_history (id INTEGER PRIMARY KEY, connection TEXT NOT NULL,"
	"  statement TEXT NOT NULL, started INTEGER NOT NULL, duration_us INTEGER NOT NULL,"
	"  rows INTEGER NOT NULL);"
	"INSERT INTO recent_connections VALUES ('/srv/db', 'directory', 'db', 1700000000);"
	"INSERT INTO window_state VALUES ('main', 1000, 700, 0);"
	"INSERT INTO open_tabs VALUES ('/srv/db', 0, 'Query 1', 'SELECT 42;', NULL);"
	"INSERT INTO editor_settings VALUES ('editor.style', 'classic');"
	"INSERT INTO query_history VALUES (1, '/srv/db', 'SELECT 42', 1700000000000000, 99, 1);"
	"PRAGMA user_version = 1;";

static void
write_file (const char *path, const char *sql)
{
	g_autofree char *dir = g_path_get_dirname (path);
	g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
	sqlite3 *db = NULL;
	g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
	char *msg = NULL;
	if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
		g_error ("writing the test file: %s", msg);
	sqlite3_close (db);
}

static int
pragma_int (const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
	int v = sqlite3_step (st) == SQLITE_ROW ? sqlite3_column_int (st, 0) : -1;
	sqlite3_finalize (st);
	sqlite3_close (db);
	return v;
}

static void
test_migrate_v1 (Fixture *f, gconstpointer data)
{
	(void) data;
	write_file (f->path, v1_schema);
	g_assert_cmpint (pragma_int (f->path, "PRAGMA user_version"), ==, 1);

	g_autoptr (GError) error = NULL;
	OxSettingsStore *s = ox_settings_store_open (f->path, &error);
	g_assert_no_error (error);
	g_assert_cmpint (ox_settings_store_get_version (s), ==, OX_SETTINGS_SCHEMA_VERSION);

	/* version 1's data survived */
	g_autoptr (GPtrArray) recent = ox_settings_store_list_recent (s, 0);
	g_assert_cmpuint (recent->len, ==, 1);
	g_assert_cmpstr (((OxRecentConnection *) recent->pdata[0])->location, ==, "/srv/db");
	g_autoptr (GPtrArray) tabs = ox_settings_store_load_tabs (s, "/srv/db");
	g_assert_cmpuint (tabs->len, ==, 1);
	g_assert_cmpstr (((OxSavedTab *) tabs->pdata[0])->text, ==, "SELECT 42;");
	g_autofree char *style = ox_settings_store_get (s, "editor.style");
	g_assert_cmpstr (style, ==, "classic");

	/* version 2's columns exist, with their defaults for old rows */
	OxWindowState w;
	g_assert_true (ox_settings_store_load_window (s, "main", &w));
	g_assert_cmpint (w.width, ==, 1000);
	g_assert_cmpint (w.sidebar_width, ==, 0);
	g_assert_cmpint (w.results_height, ==, 0);
	w.sidebar_width = 310;
	g_assert_true (ox_settings_store_save_window (s, "main", &w, &error));
	OxHistoryEntry h = { 0, "/srv/db", "SELEC 1", 1800000000000000, 10, -1, "42601" };
	g_assert_true (ox_settings_store_add_history (s, &h, &error));
	g_autoptr (GPtrArray) hist = ox_settings_store_search_history (s, "/srv/db", NULL, 0);
	g_assert_cmpuint (hist->len, ==, 2);
	g_assert_cmpstr (((OxHistoryEntry *) hist->pdata[0])->sqlstate, ==, "42601");
	g_assert_null (((OxHistoryEntry *) hist->pdata[1])->sqlstate);
	ox_settings_store_close (s);

	/* on disk: the current version, and the index version 2 brought */
	g_assert_cmpint (pragma_int (f->path, "PRAGMA user_version"), ==, OX_SETTINGS_SCHEMA_VERSION);
	g_assert_cmpint (pragma_int (f->path, "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
	                                      "AND name = 'query_history_by_connection'"), ==, 1);
	/* opening again does not migrate twice */
	s = ox_settings_store_open (f->path, &error);
	g_assert_no_error (error);
	OxWindowState w3;
	g_assert_true (ox_settings_store_load_window (s, "main", &w3));
	g_assert_cmpint (w3.sidebar_width, ==, 310);
	ox_settings_store_close (s);
}

/* Version 2 as it was released (spelled out, as v1_schema): tabs had no
 * kind, window_state no debugger height. */
static const char v2_schema[] =
	"CREATE TABLE recent_connections (location TEXT PRIMARY KEY, kind TEXT NOT NULL,"
	"  title TEXT NOT NULL, last_used INTEGER NOT NULL);"
	"CREATE TABLE window_state (name TEXT PRIMARY KEY, width INTEGER NOT NULL,"
	"  height INTEGER NOT NULL, maximized INTEGER NOT NULL, sidebar_width INTEGER NOT NULL DEFAULT 0,"
	"  results_height INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE open_tabs (connection TEXT NOT NULL, position INTEGER NOT NULL,"
	"  title TEXT NOT NULL, content TEXT NOT NULL, file TEXT, PRIMARY KEY (connection, position));"
	"CREATE TABLE editor_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE query_history (id INTEGER PRIMARY KEY, connection TEXT NOT NULL,"
	"  statement TEXT NOT NULL, started INTEGER NOT NULL, duration_us INTEGER NOT NULL,"
	"  rows INTEGER NOT NULL, sqlstate TEXT);"
	"CREATE INDEX query_history_by_connection ON query_history (connection, started DESC);"
	"INSERT INTO window_state VALUES ('main', 1000, 700, 0, 300, 250);"
	"INSERT INTO open_tabs VALUES ('/srv/db', 0, 'Query 1', 'SELECT 42;', NULL);"
	"INSERT INTO open_tabs VALUES ('/srv/db', 1, 'order_total', 'CREATE OR REPLACE FUNCTION f() ...', NULL);"
	"PRAGMA user_version = 2;";

static void
test_migrate_v2 (Fixture *f, gconstpointer data)
{
	(void) data;
	write_file (f->path, v2_schema);
	g_autoptr (GError) error = NULL;
	OxSettingsStore *s = ox_settings_store_open (f->path, &error);
	g_assert_no_error (error);
	g_assert_cmpint (ox_settings_store_get_version (s), ==, 3);

	/* the old tabs are SQL tabs (version 2 restored every tab as one) */
	g_autoptr (GPtrArray) tabs = ox_settings_store_load_tabs (s, "/srv/db");
	g_assert_cmpuint (tabs->len, ==, 2);
	for (guint i = 0; i < tabs->len; i++) {
		OxSavedTab *t = tabs->pdata[i];
		g_assert_cmpstr (t->kind, ==, "sql");
		g_assert_null (t->routine);
		g_assert_false (t->modified);
	}
	g_assert_cmpstr (((OxSavedTab *) tabs->pdata[1])->title, ==, "order_total");
	/* the geometry kept, the debugger height at its default */
	OxWindowState w;
	g_assert_true (ox_settings_store_load_window (s, "main", &w));
	g_assert_cmpint (w.sidebar_width, ==, 300);
	g_assert_cmpint (w.results_height, ==, 250);
	g_assert_cmpint (w.debug_height, ==, 0);
	w.debug_height = 333;
	g_assert_true (ox_settings_store_save_window (s, "main", &w, &error));
	ox_settings_store_close (s);
	g_assert_cmpint (pragma_int (f->path, "PRAGMA user_version"), ==, 3);
	g_assert_cmpint (pragma_int (f->path, "SELECT debug_height FROM window_state WHERE name = 'main'"), ==, 333);
}

static void
test_newer_refused (Fixture *f, gconstpointer data)
{
	(void) data;
	write_file (f->path, "CREATE TABLE future (x); PRAGMA user_version = 99;");
	g_autoptr (GError) error = NULL;
	OxSettingsStore *s = ox_settings_store_open (f->path, &error);
	g_assert_null (s);
	g_assert_error (error, OX_SETTINGS_ERROR, OX_SETTINGS_ERROR_NEWER);
	/* and left alone */
	g_assert_cmpint (pragma_int (f->path, "PRAGMA user_version"), ==, 99);
}

static void
test_not_sqlite (Fixture *f, gconstpointer data)
{
	(void) data;
	g_autofree char *dir = g_path_get_dirname (f->path);
	g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
	g_assert_true (g_file_set_contents (f->path, "this is not a database, just text that is long enough "
	                                             "to fill SQLite's header and then some more bytes", -1, NULL));
	g_autoptr (GError) error = NULL;
	OxSettingsStore *s = ox_settings_store_open (f->path, &error);
	g_assert_null (s);
	g_assert_nonnull (error);
	g_assert_true (error->domain == OX_SETTINGS_ERROR);
}

static void
test_memory (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (OxSettingsStore) s = ox_settings_store_open (":memory:", &error);
	g_assert_no_error (error);
	g_assert_true (ox_settings_store_set (s, "k", "v", &error));
	g_autofree char *v = ox_settings_store_get (s, "k");
	g_assert_cmpstr (v, ==, "v");
	g_assert_true (ox_settings_store_set (s, "k", NULL, &error));
	g_assert_null (ox_settings_store_get (s, "k"));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/ui/settings/default-path", test_default_path);
	g_test_add ("/ui/settings/round-trip", Fixture, NULL, fixture_set_up, test_round_trip, fixture_tear_down);
	g_test_add ("/ui/settings/migrate/v1-to-v2", Fixture, NULL, fixture_set_up, test_migrate_v1, fixture_tear_down);
	g_test_add ("/ui/settings/migrate/v2-to-v3", Fixture, NULL, fixture_set_up, test_migrate_v2, fixture_tear_down);
	g_test_add ("/ui/settings/refuse/newer", Fixture, NULL, fixture_set_up, test_newer_refused, fixture_tear_down);
	g_test_add ("/ui/settings/refuse/not-sqlite", Fixture, NULL, fixture_set_up, test_not_sqlite, fixture_tear_down);
	g_test_add_func ("/ui/settings/memory", test_memory);
	return g_test_run ();
}

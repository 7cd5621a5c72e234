/*
 * test-embedded-connection.c — OxEmbeddedConnection on the demo database:
 * batches arrive in order on the main context, errors carry SQLSTATE and
 * a position in the whole script, cancel stops a long statement, big
 * results stream through the bounded batch queue, a run with an
 * OxRowDemand delivers only the rows wanted and pauses its cursor until
 * more are wanted (and gives way to a newer run), and the catalog models
 * list the demo's objects and follow committed DDL.
 *
 * Every wait iterates the default main context until a condition holds,
 * with a deadline, so a hang fails the test instead of blocking it.
 */
#include "ox-catalog-reader.h"
#include "ox-embedded-connection.h"
#include "connection-test-util.h"

#include <stdlib.h>
#include <string.h>

extern const char ox_cli_demo_sql[];

static gboolean
ptr_set (gpointer data)
{
	return *(gpointer *) data != NULL;
}

static OxConnection *
open_demo (void)
{
	g_autoptr (GError) error = NULL;
	OxEmbeddedConnection *c = ox_embedded_connection_open (":memory:", ox_cli_demo_sql, "customers", &error);
	g_assert_no_error (error);
	g_assert_nonnull (c);
	return OX_CONNECTION (c);
}

/* ---- a run's record ---------------------------------------------------------- */

static OxBatch *
batch (Run *r, guint i)
{
	g_assert_cmpuint (i, <, r->batches->len);
	return r->batches->pdata[i];
}

/* ---- tests ------------------------------------------------------------------ */

static void
test_batches (void)
{
	OxConnection *c = open_demo ();
	Run *r = run_sync (c, "SELECT id, name, city FROM customers ORDER BY id;\n"
	                      "SELECT NULL::text AS n, 1 AS one;\n"
	                      "DO $$ BEGIN RAISE NOTICE 'hello %', 42; END $$;\n"
	                      "UPDATE products SET price = price WHERE id <= 2", NULL);
	g_assert_no_error (r->error);
	g_assert_true (r->ok);

	/* statement 0: columns, rows, done */
	OxBatch *b = batch (r, 0);
	g_assert_cmpint (b->kind, ==, OX_BATCH_COLUMNS);
	g_assert_cmpuint (b->statement, ==, 0);
	g_assert_cmpuint (b->n_columns, ==, 3);
	g_assert_cmpstr (b->column_names[1], ==, "name");
	g_assert_cmpstr (b->column_types[0], ==, "integer");
	g_assert_cmpstr (b->column_types[1], ==, "character varying(100)");
	guint i = 1, rows = 0;
	while (batch (r, i)->kind == OX_BATCH_ROWS) {
		if (rows == 0)
			g_assert_cmpstr (ox_batch_get_cell (batch (r, i), 0, 1), ==, "Ada Lovelace");
		rows += batch (r, i)->n_rows;
		i++;
	}
	b = batch (r, i++);
	g_assert_cmpint (b->kind, ==, OX_BATCH_DONE);
	g_assert_cmpint (b->row_count, ==, rows);
	g_autofree char *tag = g_strdup_printf ("SELECT %u", rows);
	g_assert_cmpstr (b->command_tag, ==, tag);
	g_assert_cmpuint (rows, >, 5);

	/* statement 1: a NULL cell stays NULL (not "") */
	g_assert_cmpint (batch (r, i)->kind, ==, OX_BATCH_COLUMNS);
	g_assert_cmpuint (batch (r, i)->statement, ==, 1);
	i++;
	b = batch (r, i++);
	g_assert_cmpint (b->kind, ==, OX_BATCH_ROWS);
	g_assert_null (ox_batch_get_cell (b, 0, 0));
	g_assert_cmpstr (ox_batch_get_cell (b, 0, 1), ==, "1");
	g_assert_cmpint (batch (r, i++)->kind, ==, OX_BATCH_DONE);

	/* statement 2: the notice travels with its statement's DONE batch */
	b = batch (r, i++);
	g_assert_cmpint (b->kind, ==, OX_BATCH_DONE);
	g_assert_cmpstr (b->command_tag, ==, "DO");
	g_assert_cmpuint (b->notices->len, ==, 1);
	OxNotice *n = b->notices->pdata[0];
	g_assert_cmpstr (n->severity, ==, "NOTICE");
	g_assert_cmpstr (n->message, ==, "hello 42");

	/* statement 3: DML row count and its span in the script */
	b = batch (r, i++);
	g_assert_cmpint (b->kind, ==, OX_BATCH_DONE);
	g_assert_cmpstr (b->command_tag, ==, "UPDATE 2");
	g_assert_cmpint (b->row_count, ==, 2);
	g_assert_cmpuint (i, ==, r->batches->len);
	run_free (r);
	g_object_unref (c);
}

static void
test_error_position (void)
{
	OxConnection *c = open_demo ();
	/* "é" is two bytes and one character: positions count characters */
	const char *sql = "SELECT 'é';\nSELECT * FROM nosuch;\nSELECT 3";
	Run *r = run_sync (c, sql, NULL);
	g_assert_false (r->ok);
	g_assert_error (r->error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_STATEMENT);
	OxBatch *last = batch (r, r->batches->len - 1);
	g_assert_cmpint (last->kind, ==, OX_BATCH_ERROR);
	g_assert_cmpuint (last->statement, ==, 1);
	g_assert_cmpstr (last->error->sqlstate, ==, "42P01");
	g_assert_cmpstr (last->error->message, ==, "relation \"nosuch\" does not exist");
	const char *at = strstr (sql, "nosuch");
	g_assert_cmpint (last->error->position, ==, g_utf8_strlen (sql, at - sql) + 1);
	g_assert_cmpint (last->stmt_start, ==, g_utf8_strlen (sql, strstr (sql, "SELECT *") - sql));
	/* nothing ran after the error */
	for (guint i = 0; i < r->batches->len; i++)
		g_assert_cmpuint (batch (r, i)->statement, <=, 1);
	run_free (r);

	/* a syntax error carries a hint-free message and the position too */
	r = run_sync (c, "SELEC 1", NULL);
	last = batch (r, r->batches->len - 1);
	g_assert_cmpstr (last->error->sqlstate, ==, "42601");
	g_assert_cmpint (last->error->position, ==, 1);
	run_free (r);

	/* the session goes on after an error */
	r = run_sync (c, "SELECT 1", NULL);
	g_assert_true (r->ok);
	run_free (r);
	g_object_unref (c);
}

static gboolean
cancel_cb (gpointer data)
{
	g_cancellable_cancel (data);
	return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
	OxConnection *c = open_demo ();
	g_autoptr (GCancellable) cancellable = g_cancellable_new ();
	/* minutes of work if nothing stops it */
	const char *sql = "DO $$ DECLARE i bigint := 0; BEGIN WHILE i < 10000000000 LOOP i := i + 1; END LOOP; END $$;"
	                  "SELECT 'not reached'";
	g_timeout_add (300, cancel_cb, cancellable);
	gint64 t0 = g_get_monotonic_time ();
	Run *r = run_sync (c, sql, cancellable);
	gint64 took = g_get_monotonic_time () - t0;
	g_assert_error (r->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
	g_assert_cmpint (took, <, 10 * G_TIME_SPAN_SECOND);
	OxBatch *last = batch (r, r->batches->len - 1);
	g_assert_cmpint (last->kind, ==, OX_BATCH_ERROR);
	g_assert_cmpstr (last->error->sqlstate, ==, "57014");
	g_assert_cmpuint (last->statement, ==, 0);
	run_free (r);

	/* ox_connection_cancel stops the statement of a run it did not start */
	Run *r2 = run_new ();
	ox_connection_run_async (c, sql, run_batch_cb, r2, NULL, NULL, run_done_cb, r2);
	g_usleep (200 * 1000);
	ox_connection_cancel (c);
	wait_until (run_finished, r2, "ox_connection_cancel");
	g_assert_error (r2->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
	run_free (r2);

	/* and the connection still works */
	r = run_sync (c, "SELECT 2", NULL);
	g_assert_true (r->ok);
	run_free (r);
	g_object_unref (c);
}

static void
test_big_result (void)
{
	OxConnection *c = open_demo ();
	/* many batches, more than the in-flight bound */
	Run *r = run_sync (c, "SELECT a.id, b.id, d.id, e.id FROM customers a, customers b, customers d, customers e", NULL);
	g_assert_true (r->ok);
	guint rows = 0, nbatches = 0;
	for (guint i = 0; i < r->batches->len; i++)
		if (batch (r, i)->kind == OX_BATCH_ROWS) {
			rows += batch (r, i)->n_rows;
			nbatches++;
		}
	OxBatch *last = batch (r, r->batches->len - 1);
	g_assert_cmpint (last->row_count, ==, rows);
	g_assert_cmpuint (nbatches, >, 8);
	run_free (r);
	g_object_unref (c);
}

/* ---- catalog ------------------------------------------------------------------ */

static gboolean
model_has (GListModel *m, const char *name)
{
	for (guint i = 0; i < g_list_model_get_n_items (m); i++) {
		g_autoptr (OxCatalogObject) o = g_list_model_get_item (m, i);
		if (!strcmp (ox_catalog_object_get_name (o), name))
			return TRUE;
	}
	return FALSE;
}

static gboolean
catalog_idle (gpointer data)
{
	return ox_catalog_reader_get_pending (data) == 0;
}

typedef struct {
	GListModel *model;
	const char *name;
	gboolean    want;
} HasData;

static gboolean
has_cond (gpointer data)
{
	HasData *h = data;
	return model_has (h->model, h->name) == h->want;
}

static void
check_list (OxCatalogReader *cat, OxObjectKind kind, const char *table, const char *const *names)
{
	g_autoptr (GListModel) m = ox_catalog_reader_get_objects (cat, kind, "public", table);
	wait_until (catalog_idle, cat, "the catalog");
	for (guint i = 0; names[i]; i++)
		if (!model_has (m, names[i]))
			g_error ("%s list lacks %s", ox_object_kind_name (kind), names[i]);
}

/* ---- flow control ------------------------------------------------------------ */

static guint64
rows_in (Run *r)
{
	guint64 n = 0;
	for (guint i = 0; i < r->batches->len; i++)
		n += ((OxBatch *) r->batches->pdata[i])->n_rows;
	return n;
}

typedef struct {
	Run     *run;
	guint64  rows;
} RowsWait;

static gboolean
rows_at_least (gpointer data)
{
	RowsWait *w = data;
	return rows_in (w->run) >= w->rows;
}

/* Iterate for a while (the worker gets every chance to overrun). */
static void
settle (void)
{
	gint64 end = g_get_monotonic_time () + 300 * G_TIME_SPAN_MILLISECOND;
	while (g_get_monotonic_time () < end)
		g_main_context_iteration (NULL, FALSE);
}

static void
test_demand (void)
{
	g_autoptr (OxConnection) c = open_demo ();
	g_autoptr (OxRowDemand) d = ox_row_demand_new (250);
	Run *r = run_new ();
	ox_connection_run_with_demand_async (c, "SELECT g FROM generate_series(1, 1000000) g", d, run_batch_cb, r,
	                                     NULL, NULL, run_done_cb, r);
	RowsWait w = { r, 250 };
	wait_until (rows_at_least, &w, "the first 250 rows");
	settle ();
	/* exactly what was wanted: the cursor waits */
	g_assert_cmpuint (rows_in (r), ==, 250);
	g_assert_false (r->finished);

	/* more wanted: more come, and again no further */
	ox_row_demand_want (d, 3000);
	w.rows = 3000;
	wait_until (rows_at_least, &w, "3000 rows");
	settle ();
	g_assert_cmpuint (rows_in (r), ==, 3000);
	/* the rows are the first ones, in order */
	OxBatch *last = r->batches->pdata[r->batches->len - 1];
	g_assert_cmpstr (ox_batch_get_cell (last, last->n_rows - 1, 0), ==, "3000");

	/* another run makes the paused one give way: DONE, truncated, 3000 rows */
	Run *other = run_sync (c, "SELECT 42", NULL);
	g_assert_true (other->ok);
	wait_until (run_finished, r, "the paused run");
	g_assert_true (r->ok);
	OxBatch *done = r->batches->pdata[r->batches->len - 1];
	g_assert_cmpint (done->kind, ==, OX_BATCH_DONE);
	g_assert_true (done->truncated);
	g_assert_cmpint (done->row_count, ==, 3000);
	g_assert_cmpuint (rows_in (r), ==, 3000);
	run_free (other);
	run_free (r);

	/* a paused run that is cancelled ends with 57014 */
	g_autoptr (OxRowDemand) d2 = ox_row_demand_new (10);
	g_autoptr (GCancellable) cancel = g_cancellable_new ();
	r = run_new ();
	ox_connection_run_with_demand_async (c, "SELECT g FROM generate_series(1, 1000000) g", d2, run_batch_cb, r,
	                                     NULL, cancel, run_done_cb, r);
	w = (RowsWait) { r, 10 };
	wait_until (rows_at_least, &w, "10 rows");
	g_cancellable_cancel (cancel);
	wait_until (run_finished, r, "the cancelled paused run");
	g_assert_error (r->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
	OxBatch *err = r->batches->pdata[r->batches->len - 1];
	g_assert_cmpint (err->kind, ==, OX_BATCH_ERROR);
	g_assert_cmpstr (err->error->sqlstate, ==, "57014");
	run_free (r);

	/* the session is usable after both */
	Run *after = run_sync (c, "SELECT count(*) FROM customers", NULL);
	g_assert_true (after->ok);
	run_free (after);
	ox_connection_close (c);
}

static void
test_catalog (void)
{
	OxConnection *c = open_demo ();
	OxCatalogReader *cat = ox_connection_get_catalog (c);
	g_assert_true (cat == ox_connection_get_catalog (c));

	g_autoptr (GListModel) schemas = ox_catalog_reader_get_schemas (cat);
	g_assert_true (g_list_model_get_item_type (schemas) == OX_TYPE_CATALOG_OBJECT);
	wait_until (catalog_idle, cat, "schemas");
	g_assert_true (model_has (schemas, "public"));

	check_list (cat, OX_OBJECT_TABLE, NULL,
	            (const char *[]) { "customers", "products", "orders", "order_lines", "stock_moves", NULL });
	check_list (cat, OX_OBJECT_VIEW, NULL, (const char *[]) { "order_totals", NULL });
	check_list (cat, OX_OBJECT_FUNCTION, NULL, (const char *[]) { "order_total", NULL });
	check_list (cat, OX_OBJECT_PROCEDURE, NULL, (const char *[]) { "place_order", "restock", NULL });
	check_list (cat, OX_OBJECT_TRIGGER, NULL, (const char *[]) { "order_lines_take_stock", NULL });
	check_list (cat, OX_OBJECT_SCHEDULE, NULL, (const char *[]) { "nightly_restock", NULL });
	check_list (cat, OX_OBJECT_COLUMN, "orders",
	            (const char *[]) { "id", "customer_id", "ordered_on", "status", "note", NULL });
	check_list (cat, OX_OBJECT_INDEX, "orders", (const char *[]) { "orders_pkey", "orders_customer_idx", NULL });
	check_list (cat, OX_OBJECT_CONSTRAINT, "orders", (const char *[]) { "orders_pkey", "orders_status_check", NULL });
	check_list (cat, OX_OBJECT_TRIGGER, "order_lines", (const char *[]) { "order_lines_take_stock", NULL });

	/* a column's detail is its type */
	g_autoptr (GListModel) cols = ox_catalog_reader_get_objects (cat, OX_OBJECT_COLUMN, "public", "orders");
	g_autoptr (OxCatalogObject) id = g_list_model_get_item (cols, 0);
	g_assert_cmpstr (ox_catalog_object_get_detail (id), ==, "integer not null");
	g_assert_cmpstr (ox_catalog_object_get_table (id), ==, "orders");

	/* DDL in a transaction block shows after COMMIT, not before */
	g_autoptr (GListModel) tables = ox_catalog_reader_get_objects (cat, OX_OBJECT_TABLE, "public", NULL);
	guint before = g_list_model_get_n_items (tables);
	Run *r = run_sync (c, "BEGIN; CREATE TABLE aaa_new (a int)", NULL);
	g_assert_true (r->ok);
	run_free (r);
	ox_catalog_reader_refresh (cat);
	wait_until (catalog_idle, cat, "the catalog");
	g_assert_false (model_has (tables, "aaa_new"));
	r = run_sync (c, "COMMIT", NULL);
	run_free (r);
	HasData h = { tables, "aaa_new", TRUE };
	wait_until (has_cond, &h, "aaa_new in the table list");
	g_assert_cmpuint (g_list_model_get_n_items (tables), ==, before + 1);
	/* the splice was exact: the new table sorts first, the rest kept */
	g_autoptr (OxCatalogObject) first = g_list_model_get_item (tables, 0);
	g_assert_cmpstr (ox_catalog_object_get_name (first), ==, "aaa_new");

	/* autocommit DDL: the table's index list follows CREATE INDEX (the
	 * engine has no ALTER TABLE ... ADD COLUMN yet), DROP empties it */
	g_autoptr (GListModel) newcols = ox_catalog_reader_get_objects (cat, OX_OBJECT_INDEX, "public", "aaa_new");
	wait_until (catalog_idle, cat, "the catalog");
	g_assert_cmpuint (g_list_model_get_n_items (newcols), ==, 0);
	r = run_sync (c, "CREATE INDEX aaa_new_a ON aaa_new (a)", NULL);
	g_assert_true (r->ok);
	run_free (r);
	h = (HasData) { newcols, "aaa_new_a", TRUE };
	wait_until (has_cond, &h, "index aaa_new_a");
	run_free (run_sync (c, "DROP TABLE aaa_new", NULL));
	h = (HasData) { tables, "aaa_new", FALSE };
	wait_until (has_cond, &h, "aaa_new gone");
	wait_until (catalog_idle, cat, "the catalog");
	g_assert_cmpuint (g_list_model_get_n_items (newcols), ==, 0);

	/* DDL inside a DO block (its tag is just "DO") refreshes too */
	r = run_sync (c, "DO $$ BEGIN CREATE TABLE ab_in_do (a int); END $$", NULL);
	g_assert_true (r->ok);
	run_free (r);
	h = (HasData) { tables, "ab_in_do", TRUE };
	wait_until (has_cond, &h, "ab_in_do after DO");
	g_object_unref (c);
}

static void
test_closed (void)
{
	OxConnection *c = open_demo ();
	ox_connection_close (c);
	Run *r = run_sync (c, "SELECT 1", NULL);
	g_assert_error (r->error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_CLOSED);
	run_free (r);
	g_object_unref (c);

	/* closing while a statement runs (or is about to start: the cancel
	 * must not be lost) stops it; what was queued behind it fails */
	c = open_demo ();
	const char *endless = "DO $$ DECLARE i bigint := 0; BEGIN WHILE i < 10000000000 LOOP i := i + 1; END LOOP; END $$";
	Run *r1 = run_new (), *r2 = run_new ();
	ox_connection_run_async (c, endless, run_batch_cb, r1, NULL, NULL, run_done_cb, r1);
	ox_connection_run_async (c, "SELECT 1", run_batch_cb, r2, NULL, NULL, run_done_cb, r2);
	gint64 t0 = g_get_monotonic_time ();
	ox_connection_close (c);
	g_assert_cmpint (g_get_monotonic_time () - t0, <, 10 * G_TIME_SPAN_SECOND);
	wait_until (run_finished, r1, "the endless run");
	wait_until (run_finished, r2, "the queued run");
	g_assert_false (r1->ok);
	g_assert_error (r2->error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_CLOSED);
	run_free (r1);
	run_free (r2);
	g_object_unref (c);

	g_autoptr (GError) error = NULL;
	OxEmbeddedConnection *bad = ox_embedded_connection_open (":memory:", "CREATE TABLE", NULL, &error);
	g_assert_null (bad);
	g_assert_error (error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_FAILED);
}

static void
open_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	(void) source;
	g_autoptr (GError) error = NULL;
	*(OxEmbeddedConnection **) user_data = ox_embedded_connection_open_finish (result, &error);
	g_assert_no_error (error);
}

static void
test_open_async (void)
{
	g_autofree char *dir = g_dir_make_tmp ("ox-client-XXXXXX", NULL);
	g_autofree char *db = g_build_filename (dir, "db", NULL);
	OxEmbeddedConnection *c = NULL;
	ox_embedded_connection_open_async (db, ox_cli_demo_sql, "customers", NULL, open_cb, &c);
	wait_until (ptr_set, &c, "open");
	g_assert_cmpstr (ox_connection_get_title (OX_CONNECTION (c)), ==, "db");
	g_object_unref (c);
	/* the second open finds the demo tables and does not run the script
	 * again (it would fail on CREATE TABLE customers) */
	c = NULL;
	ox_embedded_connection_open_async (db, ox_cli_demo_sql, "customers", NULL, open_cb, &c);
	wait_until (ptr_set, &c, "reopen");
	Run *r = run_sync (OX_CONNECTION (c), "SELECT count(*) FROM customers", NULL);
	g_assert_true (r->ok);
	run_free (r);
	g_object_unref (c);
	g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
	g_assert_cmpint (system (cmd), ==, 0);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/client/embedded/batches", test_batches);
	g_test_add_func ("/client/embedded/error-position", test_error_position);
	g_test_add_func ("/client/embedded/cancel", test_cancel);
	g_test_add_func ("/client/embedded/big-result", test_big_result);
	g_test_add_func ("/client/embedded/catalog", test_catalog);
	g_test_add_func ("/client/embedded/demand", test_demand);
	g_test_add_func ("/client/embedded/closed", test_closed);
	g_test_add_func ("/client/embedded/open-async", test_open_async);
	return g_test_run ();
}

/*
 * ox-object-actions.c — the object browser's context actions (see the
 * header).
 *
 * Definitions are read with a few catalog queries run side by side
 * (DefRead), then assembled in C: a table from pg_attribute, pg_attrdef,
 * pg_constraint and pg_indexes as pg_dump would write it; a view from
 * pg_get_viewdef; a routine from pg_get_functiondef; a trigger as its
 * function's definition followed by CREATE OR REPLACE TRIGGER; a schedule
 * from system.schedules; a sequence from pg_sequences (and its OWNED BY
 * column from pg_depend) as pg_dump writes it.  Routines and triggers open as routine tabs
 * (Save runs them), the rest as ordinary query tabs.
 *
 * What can go wrong: the object was dropped or renamed since the browser
 * showed it (the definition query finds nothing: a toast says so); a DDL
 * statement fails (the engine's message in a toast, nothing else
 * changes); the window closes while a read runs (the read holds the
 * window and finds no connection).
 * NOTE: routines are told apart by their argument list, taken from the
 * browser row's detail (the catalog reader's "(arguments) → result"), so
 * overloads open, drop and rename the right one.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-object-actions.h"
#include "ox-routine-editor.h"

#include <string.h>

/* ---- names and text ------------------------------------------------------------- */

char *
ox_quote_ident (const char *s)
{
	gboolean plain = *s && (g_ascii_islower (*s) || *s == '_');
	for (const char *p = s; *p && plain; p++)
		plain = g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '_';
	if (plain)
		return g_strdup (s);
	GString *g = g_string_new ("\"");
	for (; *s; s++) {
		if (*s == '"')
			g_string_append_c (g, '"');
		g_string_append_c (g, *s);
	}
	g_string_append_c (g, '"');
	return g_string_free (g, FALSE);
}

static char *
literal (const char *s)
{
	GString *g = g_string_new ("'");
	for (; *s; s++) {
		if (*s == '\'')
			g_string_append_c (g, '\'');
		g_string_append_c (g, *s);
	}
	g_string_append_c (g, '\'');
	return g_string_free (g, FALSE);
}

static char *
qualified (const char *schema, const char *name)
{
	g_autofree char *s = ox_quote_ident (schema);
	g_autofree char *n = ox_quote_ident (name);
	return g_strdup_printf ("%s.%s", s, n);
}

/* The table a trigger is on: its own, or from the schema list's detail
 * ("on orders"). */
static const char *
trigger_table (OxCatalogObject *o)
{
	const char *t = ox_catalog_object_get_table (o);
	const char *d = ox_catalog_object_get_detail (o);
	if (t)
		return t;
	return d && g_str_has_prefix (d, "on ") ? d + 3 : "";
}

/* A routine's arguments for DROP / ALTER: the detail's list without
 * DEFAULT expressions ("p_minimum integer DEFAULT 5" → "p_minimum integer"). */
static char *
routine_args (OxCatalogObject *o)
{
	const char *d = ox_catalog_object_get_detail (o);
	if (!d || *d != '(')
		return g_strdup ("");
	const char *arrow = strstr (d, ") → ");
	gsize len = arrow ? (gsize) (arrow - d - 1) : strlen (d) - 2;
	g_autofree char *args = g_strndup (d + 1, len);
	GString *out = g_string_new (NULL);
	int depth = 0;
	gboolean skipping = FALSE;
	for (const char *p = args; *p; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		if (depth == 0 && *p == ',') {
			skipping = FALSE;
			g_string_append_c (out, ',');
			continue;
		}
		if (depth == 0 && !skipping && g_str_has_prefix (p, " DEFAULT "))
			skipping = TRUE;
		if (!skipping)
			g_string_append_c (out, *p);
	}
	return g_string_free (out, FALSE);
}

static char *
object_target (OxCatalogObject *o)
{
	const char *schema = ox_catalog_object_get_schema (o);
	const char *name = ox_catalog_object_get_name (o);
	switch (ox_catalog_object_get_kind (o)) {
	case OX_OBJECT_SCHEMA:
		return ox_quote_ident (name);
	case OX_OBJECT_FUNCTION:
	case OX_OBJECT_PROCEDURE: {
		g_autofree char *q = qualified (schema, name);
		g_autofree char *args = routine_args (o);
		return g_strdup_printf ("%s(%s)", q, args);
	}
	case OX_OBJECT_TRIGGER: {
		g_autofree char *n = ox_quote_ident (name);
		g_autofree char *t = qualified (schema, trigger_table (o));
		return g_strdup_printf ("%s ON %s", n, t);
	}
	default:
		return qualified (schema, name);
	}
}

static const char *
kind_keyword (OxObjectKind kind)
{
	switch (kind) {
	case OX_OBJECT_SCHEMA: return "SCHEMA";
	case OX_OBJECT_TABLE: return "TABLE";
	case OX_OBJECT_VIEW: return "VIEW";
	case OX_OBJECT_FUNCTION: return "FUNCTION";
	case OX_OBJECT_PROCEDURE: return "PROCEDURE";
	case OX_OBJECT_SEQUENCE: return "SEQUENCE";
	case OX_OBJECT_TRIGGER: return "TRIGGER";
	case OX_OBJECT_SCHEDULE: return "SCHEDULE";
	case OX_OBJECT_INDEX: return "INDEX";
	default: return NULL;
	}
}

char *
ox_object_drop_sql (OxCatalogObject *o, gboolean cascade)
{
	g_return_val_if_fail (OX_IS_CATALOG_OBJECT (o), NULL);
	OxObjectKind kind = ox_catalog_object_get_kind (o);
	const char *tail = cascade ? " CASCADE;" : ";";
	if (kind == OX_OBJECT_COLUMN || kind == OX_OBJECT_CONSTRAINT) {
		g_autofree char *t = qualified (ox_catalog_object_get_schema (o), ox_catalog_object_get_table (o));
		g_autofree char *n = ox_quote_ident (ox_catalog_object_get_name (o));
		return g_strdup_printf ("ALTER TABLE %s DROP %s %s%s", t, kind == OX_OBJECT_COLUMN ? "COLUMN" : "CONSTRAINT",
		                        n, tail);
	}
	if (kind == OX_OBJECT_ROLE) {  /* uifix: a role has no schema, nor dependents to cascade to */
		g_autofree char *n = ox_quote_ident (ox_catalog_object_get_name (o));
		return g_strdup_printf ("DROP ROLE %s;", n);
	}
	const char *kw = kind_keyword (kind);
	if (!kw)
		return NULL;
	g_autofree char *target = object_target (o);
	return g_strdup_printf ("DROP %s %s%s", kw, target, tail);
}

char *
ox_object_rename_sql (OxCatalogObject *o, const char *new_name)
{
	g_return_val_if_fail (OX_IS_CATALOG_OBJECT (o), NULL);
	g_return_val_if_fail (new_name != NULL, NULL);
	OxObjectKind kind = ox_catalog_object_get_kind (o);
	g_autofree char *to = ox_quote_ident (new_name);
	if (kind == OX_OBJECT_COLUMN || kind == OX_OBJECT_CONSTRAINT) {
		g_autofree char *t = qualified (ox_catalog_object_get_schema (o), ox_catalog_object_get_table (o));
		g_autofree char *n = ox_quote_ident (ox_catalog_object_get_name (o));
		return g_strdup_printf ("ALTER TABLE %s RENAME %s %s TO %s;", t,
		                        kind == OX_OBJECT_COLUMN ? "COLUMN" : "CONSTRAINT", n, to);
	}
	if (kind == OX_OBJECT_ROLE) {  /* uifix */
		g_autofree char *n = ox_quote_ident (ox_catalog_object_get_name (o));
		return g_strdup_printf ("ALTER ROLE %s RENAME TO %s;", n, to);
	}
	const char *kw = kind_keyword (kind);
	if (!kw)
		return NULL;
	g_autofree char *target = object_target (o);
	return g_strdup_printf ("ALTER %s %s RENAME TO %s;", kw, target, to);
}

char *
ox_object_template (OxObjectKind kind, const char *schema)
{
	g_autofree char *s = ox_quote_ident (schema ? schema : "public");
	switch (kind) {
	case OX_OBJECT_TABLE:
		return g_strdup_printf ("CREATE TABLE %s.new_table (\n    id integer PRIMARY KEY,\n"
		                        "    name text NOT NULL\n);\n", s);
	case OX_OBJECT_VIEW:
		return g_strdup_printf ("CREATE VIEW %s.new_view AS\nSELECT 1 AS one;\n", s);
	case OX_OBJECT_FUNCTION:
		return g_strdup_printf ("CREATE OR REPLACE FUNCTION %s.new_function(a integer)\n RETURNS integer\n"
		                        " LANGUAGE plpgsql\nAS $function$\nBEGIN\n    RETURN a;\nEND\n$function$\n", s);
	case OX_OBJECT_PROCEDURE:
		return g_strdup_printf ("CREATE OR REPLACE PROCEDURE %s.new_procedure(IN a integer)\n"
		                        " LANGUAGE plpgsql\nAS $procedure$\nBEGIN\n    RAISE NOTICE 'a is %%', a;\n"
		                        "END\n$procedure$\n", s);
	case OX_OBJECT_TRIGGER:
		return g_strdup_printf ("CREATE OR REPLACE FUNCTION %s.new_trigger_function()\n RETURNS trigger\n"
		                        " LANGUAGE plpgsql\nAS $function$\nBEGIN\n    RETURN NEW;\nEND\n$function$;\n\n"
		                        "CREATE OR REPLACE TRIGGER new_trigger BEFORE INSERT ON %s.table_name\n"
		                        "    FOR EACH ROW EXECUTE FUNCTION %s.new_trigger_function();\n", s, s, s);
	case OX_OBJECT_SCHEDULE:
		/* a body that runs as it is (a CALL would need a procedure) */
		return g_strdup_printf ("CREATE SCHEDULE %s.new_schedule CRON '0 3 * * *'\n    DO $$\nBEGIN\n"
		                        "    RAISE NOTICE 'new_schedule ran at %%', now();\nEND\n$$;\n", s);
	default:
		return NULL;
	}
}

/* ---- reading definitions ---------------------------------------------------------- */

typedef enum { D_ROWS_FIRST_CELL, D_TABLE, D_VIEW, D_TRIGGER, D_SCHEDULE, D_INDEX, D_SEQUENCE } DefShape;

typedef struct {
	OxCatalogObject *object;   /* owned */
	DefShape         shape;
	GPtrArray       *results;  /* per query: GPtrArray of rows, or NULL */
	guint            pending;
	GError          *error;    /* the first failure */
} DefRead;

static void
def_read_free (DefRead *dr)
{
	g_object_unref (dr->object);
	g_ptr_array_unref (dr->results);
	g_clear_error (&dr->error);
	g_free (dr);
}

static const char *
row_cell (GPtrArray *rows, guint r, guint c)
{
	if (!rows || r >= rows->len)
		return NULL;
	GPtrArray *row = rows->pdata[r];
	return c < row->len ? row->pdata[c] : NULL;
}

static char *
assemble_table (DefRead *dr)
{
	OxCatalogObject *o = dr->object;
	g_autofree char *q = qualified (ox_catalog_object_get_schema (o), ox_catalog_object_get_name (o));
	GPtrArray *cols = dr->results->pdata[0], *cons = dr->results->pdata[1], *idx = dr->results->pdata[2];
	if (!cols || cols->len == 0)
		return NULL;
	GString *g = g_string_new (NULL);
	g_string_append_printf (g, "CREATE TABLE %s (\n", q);
	for (guint i = 0; i < cols->len; i++) {
		g_autofree char *n = ox_quote_ident (row_cell (cols, i, 0));
		const char *def = row_cell (cols, i, 3);
		const char *ident = row_cell (cols, i, 4);  /* attidentity: 'a', 'd' or '' */
		g_string_append_printf (g, "%s    %s %s%s%s%s%s", i ? ",\n" : "", n, row_cell (cols, i, 1),
		                        def ? " DEFAULT " : "", def ? def : "",
		                        !g_strcmp0 (ident, "a") ? " GENERATED ALWAYS AS IDENTITY"
		                        : !g_strcmp0 (ident, "d") ? " GENERATED BY DEFAULT AS IDENTITY" : "",
		                        !g_strcmp0 (row_cell (cols, i, 2), "t") ? " NOT NULL" : "");
	}
	for (guint i = 0; cons && i < cons->len; i++) {
		g_autofree char *n = ox_quote_ident (row_cell (cons, i, 0));
		g_string_append_printf (g, ",\n    CONSTRAINT %s %s", n, row_cell (cons, i, 1));
	}
	g_string_append (g, "\n);\n");
	for (guint i = 0; idx && i < idx->len; i++)
		g_string_append_printf (g, "\n%s;\n", row_cell (idx, i, 0));
	return g_string_free (g, FALSE);
}

/* CREATE SEQUENCE with every option spelled out, then OWNED BY (serial
 * columns and OWNED BY; an identity column's sequence belongs to its
 * column's definition). */
static char *
assemble_sequence (DefRead *dr)
{
	OxCatalogObject *o = dr->object;
	GPtrArray *seq = dr->results->pdata[0], *owner = dr->results->pdata[1];
	if (!row_cell (seq, 0, 0))
		return NULL;
	g_autofree char *q = qualified (ox_catalog_object_get_schema (o), ox_catalog_object_get_name (o));
	GString *g = g_string_new (NULL);
	g_string_append_printf (g, "CREATE SEQUENCE %s\n    AS %s\n    START WITH %s\n    INCREMENT BY %s\n"
	                        "    MINVALUE %s\n    MAXVALUE %s\n    CACHE %s%s;\n", q, row_cell (seq, 0, 0),
	                        row_cell (seq, 0, 1), row_cell (seq, 0, 4), row_cell (seq, 0, 2), row_cell (seq, 0, 3),
	                        row_cell (seq, 0, 6), !g_strcmp0 (row_cell (seq, 0, 5), "t") ? "\n    CYCLE" : "");
	if (row_cell (owner, 0, 0)) {
		g_autofree char *t = qualified (row_cell (owner, 0, 0), row_cell (owner, 0, 1));
		g_autofree char *c = ox_quote_ident (row_cell (owner, 0, 2));
		g_string_append_printf (g, "\nALTER SEQUENCE %s OWNED BY %s.%s;\n", q, t, c);
	}
	return g_string_free (g, FALSE);
}

static char *
assemble (DefRead *dr)
{
	OxCatalogObject *o = dr->object;
	GPtrArray *first = dr->results->pdata[0];
	switch (dr->shape) {
	case D_TABLE:
		return assemble_table (dr);
	case D_VIEW: {
		const char *def = row_cell (first, 0, 0);
		g_autofree char *q = qualified (ox_catalog_object_get_schema (o), ox_catalog_object_get_name (o));
		if (!def)
			return NULL;
		g_autofree char *body = g_strchomp (g_strdup (def));
		return g_strdup_printf ("CREATE OR REPLACE VIEW %s AS\n%s;\n", q, body);
	}
	case D_TRIGGER: {
		const char *trig = row_cell (dr->results->pdata[1], 0, 0);
		if (!trig)
			return NULL;
		const char *func = row_cell (first, 0, 0);
		GString *g = g_string_new (NULL);
		if (func) {
			g_string_append (g, func);
			while (g->len && g->str[g->len - 1] == '\n')
				g_string_truncate (g, g->len - 1);
			g_string_append (g, ";\n\n");
		}
		if (g_str_has_prefix (trig, "CREATE TRIGGER "))
			g_string_append_printf (g, "CREATE OR REPLACE TRIGGER %s;\n", trig + strlen ("CREATE TRIGGER "));
		else
			g_string_append_printf (g, "%s;\n", trig);
		return g_string_free (g, FALSE);
	}
	case D_SCHEDULE: {
		if (!row_cell (first, 0, 0))
			return NULL;
		g_autofree char *q = qualified (ox_catalog_object_get_schema (o), ox_catalog_object_get_name (o));
		g_autofree char *cron = literal (row_cell (first, 0, 0));
		const char *tz = row_cell (first, 0, 1);
		g_autofree char *tzl = tz ? literal (tz) : NULL;
		GString *g = g_string_new (NULL);
		g_string_append_printf (g, "CREATE SCHEDULE %s CRON %s%s%s\n    DO %s;\n", q, cron, tz ? " TIMEZONE " : "",
		                        tz ? tzl : "", row_cell (first, 0, 2) ? row_cell (first, 0, 2) : "");
		if (!g_strcmp0 (row_cell (first, 0, 3), "f"))
			g_string_append_printf (g, "ALTER SCHEDULE %s DISABLE;\n", q);
		return g_string_free (g, FALSE);
	}
	case D_INDEX:
		return row_cell (first, 0, 0) ? g_strdup_printf ("%s;\n", row_cell (first, 0, 0)) : NULL;
	case D_SEQUENCE:
		return assemble_sequence (dr);
	case D_ROWS_FIRST_CELL:
	default:
		return g_strdup (row_cell (first, 0, 0));
	}
}

typedef struct {
	GTask *task;  /* strong */
	guint  index;
} DefQuery;

static void
def_query_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	DefQuery *dq = user_data;
	DefRead *dr = g_task_get_task_data (dq->task);
	GError *error = NULL;
	GPtrArray *rows = ox_connection_query_finish (OX_CONNECTION (source), result, &error);
	if (rows)
		dr->results->pdata[dq->index] = rows;
	else if (!dr->error)
		dr->error = error;
	else
		g_error_free (error);
	if (--dr->pending == 0) {
		if (dr->error)
			g_task_return_error (dq->task, g_steal_pointer (&dr->error));
		else {
			char *text = assemble (dr);
			if (text)
				g_task_return_pointer (dq->task, text, g_free);
			else
				g_task_return_new_error (dq->task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
				                         "The definition of %s %s was not found (dropped meanwhile?)",
				                         ox_object_kind_name (ox_catalog_object_get_kind (dr->object)),
				                         ox_catalog_object_get_name (dr->object));
		}
	}
	g_object_unref (dq->task);
	g_free (dq);
}

void
ox_object_definition_async (OxConnection *connection, OxCatalogObject *o, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
	g_return_if_fail (OX_IS_CONNECTION (connection));
	g_return_if_fail (OX_IS_CATALOG_OBJECT (o));
	GTask *task = g_task_new (NULL, cancellable, callback, user_data);
	g_task_set_source_tag (task, ox_object_definition_async);
	DefRead *dr = g_new0 (DefRead, 1);
	dr->object = g_object_ref (o);
	dr->results = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
	g_task_set_task_data (task, dr, (GDestroyNotify) def_read_free);

	const char *schema = ox_catalog_object_get_schema (o), *name = ox_catalog_object_get_name (o);
	g_autofree char *s = literal (schema);
	g_autofree char *n = literal (name);
	g_autofree char *q = qualified (schema, name);
	g_autofree char *rel = literal (q);
	const char *d = ox_catalog_object_get_detail (o);
	g_autofree char *det = literal (d ? d : "");
	g_autoptr (GPtrArray) sql = g_ptr_array_new_with_free_func (g_free);
	switch (ox_catalog_object_get_kind (o)) {
	case OX_OBJECT_TABLE:
		dr->shape = D_TABLE;
		g_ptr_array_add (sql, g_strdup_printf (
			"SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid), "
			"a.attidentity FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d "
			"ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
			"WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", rel));
		g_ptr_array_add (sql, g_strdup_printf (
			"SELECT conname, pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint WHERE conrelid = %s::regclass "
			"ORDER BY CASE contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 WHEN 'c' THEN 2 ELSE 3 END, conname", rel));
		g_ptr_array_add (sql, g_strdup_printf (
			"SELECT indexdef FROM pg_catalog.pg_indexes WHERE schemaname = %s AND tablename = %s "
			"AND indexname NOT IN (SELECT conname FROM pg_catalog.pg_constraint WHERE conrelid = %s::regclass) "
			"ORDER BY indexname", s, n, rel));
		break;
	case OX_OBJECT_VIEW:
		dr->shape = D_VIEW;
		g_ptr_array_add (sql, g_strdup_printf ("SELECT pg_get_viewdef(%s::regclass)", rel));
		break;
	case OX_OBJECT_FUNCTION:
		g_ptr_array_add (sql, g_strdup_printf (
			"SELECT pg_get_functiondef(oid) FROM system.functions WHERE schema = %s AND name = %s "
			"AND '(' || arguments || ') → ' || return_type = %s", s, n, det));
		break;
	case OX_OBJECT_PROCEDURE:
		g_ptr_array_add (sql, g_strdup_printf (
			"SELECT pg_get_functiondef(oid) FROM system.procedures WHERE schema = %s AND name = %s "
			"AND '(' || arguments || ')' = %s", s, n, det));
		break;
	case OX_OBJECT_TRIGGER:
		dr->shape = D_TRIGGER;
		g_ptr_array_add (sql, g_strdup_printf (
			"SELECT pg_get_functiondef(f.oid) FROM system.triggers t, system.functions f "
			"WHERE t.schema = %s AND t.name = %s AND (t.action = 'EXECUTE FUNCTION ' || f.name || '()' "
			"OR t.action = 'EXECUTE FUNCTION ' || f.schema || '.' || f.name || '()')", s, n));
		g_ptr_array_add (sql, g_strdup_printf (
			"SELECT pg_get_triggerdef(oid) FROM system.triggers WHERE schema = %s AND name = %s", s, n));
		break;
	case OX_OBJECT_SCHEDULE:
		dr->shape = D_SCHEDULE;
		g_ptr_array_add (sql, g_strdup_printf (
			"SELECT cron, timezone, action, enabled FROM system.schedules WHERE schema = %s AND name = %s", s, n));
		break;
	case OX_OBJECT_INDEX:
		dr->shape = D_INDEX;
		g_ptr_array_add (sql, g_strdup_printf (
			"SELECT indexdef FROM pg_catalog.pg_indexes WHERE schemaname = %s AND indexname = %s", s, n));
		break;
	case OX_OBJECT_SEQUENCE:
		dr->shape = D_SEQUENCE;
		g_ptr_array_add (sql, g_strdup_printf (
			"SELECT data_type, start_value, min_value, max_value, increment_by, cycle, cache_size "
			"FROM pg_catalog.pg_sequences WHERE schemaname = %s AND sequencename = %s", s, n));
		g_ptr_array_add (sql, g_strdup_printf (
			"SELECT n.nspname, t.relname, a.attname FROM pg_catalog.pg_depend d "
			"JOIN pg_catalog.pg_class t ON t.oid = d.refobjid "
			"JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
			"JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
			"WHERE d.objid = %s::regclass AND d.deptype = 'a'", rel));
		break;
	case OX_OBJECT_SCHEMA: {
		g_autofree char *ident = ox_quote_ident (name);
		g_autofree char *stmt = g_strdup_printf ("CREATE SCHEMA %s;\n", ident);
		g_autofree char *lit = literal (stmt);
		g_ptr_array_add (sql, g_strdup_printf ("SELECT %s", lit));
		break;
	}
	default:
		break;
	}
	if (sql->len == 0) {
		g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "A %s has no definition of its own",
		                         ox_object_kind_name (ox_catalog_object_get_kind (o)));
		g_object_unref (task);
		return;
	}
	dr->pending = sql->len;
	g_ptr_array_set_size (dr->results, sql->len);
	for (guint i = 0; i < sql->len; i++) {
		DefQuery *dq = g_new0 (DefQuery, 1);
		dq->task = g_object_ref (task);
		dq->index = i;
		ox_connection_query_async (connection, sql->pdata[i], cancellable, def_query_done_cb, dq);
	}
	g_object_unref (task);
}

char *
ox_object_definition_finish (GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
	return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- the actions --------------------------------------------------------------------- */

static void
toast (OxWindow *win, const char *text)
{
	GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (ox_window_get_browser (win)), ADW_TYPE_TOAST_OVERLAY);
	if (!overlay) {
		g_message ("%s", text);
		return;
	}
	AdwToast *t = adw_toast_new (text);
	adw_toast_set_timeout (t, 8);
	adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), t);
}

void
ox_object_actions_open_data (OxWindow *win, OxCatalogObject *object)
{
	g_return_if_fail (OX_IS_WINDOW (win));
	OxObjectKind kind = ox_catalog_object_get_kind (object);
	if ((kind != OX_OBJECT_TABLE && kind != OX_OBJECT_VIEW) || !ox_window_get_connection (win))
		return;
	g_autofree char *q = qualified (ox_catalog_object_get_schema (object), ox_catalog_object_get_name (object));
	g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s LIMIT 1000;\n", q);
	OxEditorPage *page = ox_window_new_tab (win, ox_catalog_object_get_name (object), sql);
	ox_editor_page_run_script (page);
}

typedef struct {
	OxWindow        *win;     /* strong */
	OxCatalogObject *object;  /* strong */
} OpenDef;

static void
definition_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	(void) source;
	OpenDef *od = user_data;
	g_autoptr (GError) error = NULL;
	g_autofree char *text = ox_object_definition_finish (result, &error);
	if (!text)
		toast (od->win, error->message);
	else if (ox_window_get_connection (od->win)) {
		OxObjectKind kind = ox_catalog_object_get_kind (od->object);
		const char *name = ox_catalog_object_get_name (od->object);
		if (kind == OX_OBJECT_FUNCTION || kind == OX_OBJECT_PROCEDURE || kind == OX_OBJECT_TRIGGER)
			ox_routine_editor_set_object (ox_routine_editor_new_tab (od->win, name, text), od->object);  /* uifix */
		else
			ox_window_new_tab (od->win, name, text);
	}
	g_object_unref (od->win);
	g_object_unref (od->object);
	g_free (od);
}

void
ox_object_actions_open_definition (OxWindow *win, OxCatalogObject *object)
{
	g_return_if_fail (OX_IS_WINDOW (win));
	OxConnection *conn = ox_window_get_connection (win);
	if (!conn)
		return;
	OpenDef *od = g_new0 (OpenDef, 1);
	od->win = g_object_ref (win);
	od->object = g_object_ref (object);
	ox_object_definition_async (conn, object, NULL, definition_read_cb, od);
}

void
ox_object_actions_activate (OxWindow *win, OxCatalogObject *object)
{
	switch (ox_catalog_object_get_kind (object)) {
	case OX_OBJECT_TABLE:
	case OX_OBJECT_VIEW:
		ox_object_actions_open_data (win, object);
		break;
	default:
		ox_object_actions_open_definition (win, object);
		break;
	}
}

OxEditorPage *
ox_object_actions_new_object (OxWindow *win, OxObjectKind kind, const char *schema)
{
	g_return_val_if_fail (OX_IS_WINDOW (win), NULL);
	g_autofree char *text = ox_object_template (kind, schema);
	if (!text || !ox_window_get_connection (win))
		return NULL;
	g_autofree char *title = g_strdup_printf ("New %s", ox_object_kind_name (kind));
	/* routines save with Ctrl+S like an opened one; the rest run with Ctrl+Enter */
	if (kind == OX_OBJECT_FUNCTION || kind == OX_OBJECT_PROCEDURE || kind == OX_OBJECT_TRIGGER)
		return ox_routine_editor_new_tab (win, title, text);
	return ox_window_new_tab (win, title, text);
}

/* Run DDL; failures become a toast.  The browser follows by itself: the
 * connection emits "objects-changed" after DDL. */
typedef struct {
	OxWindow *win;       /* strong */
	char     *message;   /* the first error's */
} DdlRun;

static void
ddl_batch_cb (OxBatch *batch, gpointer user_data)
{
	DdlRun *dr = user_data;
	if (batch->kind == OX_BATCH_ERROR && !dr->message)
		dr->message = g_strdup_printf ("%s: %s", batch->error->sqlstate, batch->error->message);
}

static void
ddl_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	DdlRun *dr = user_data;
	g_autoptr (GError) error = NULL;
	if (!ox_connection_run_finish (OX_CONNECTION (source), result, &error))
		toast (dr->win, dr->message ? dr->message : error->message);
	g_object_unref (dr->win);
	g_free (dr->message);
	g_free (dr);
}

static void
run_ddl (OxWindow *win, const char *sql)
{
	OxConnection *conn = ox_window_get_connection (win);
	if (!conn)
		return;
	DdlRun *dr = g_new0 (DdlRun, 1);
	dr->win = g_object_ref (win);
	ox_connection_run_async (conn, sql, ddl_batch_cb, dr, NULL, NULL, ddl_done_cb, dr);
}

static void
rename_response_cb (AdwMessageDialog *dialog, const char *response, gpointer data)
{
	OxWindow *win = data;
	if (!strcmp (response, "rename")) {
		GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "ox-entry");
		OxCatalogObject *o = g_object_get_data (G_OBJECT (dialog), "ox-object");
		const char *to = gtk_editable_get_text (entry);
		if (*to && strcmp (to, ox_catalog_object_get_name (o))) {
			g_autofree char *sql = ox_object_rename_sql (o, to);
			if (sql)
				run_ddl (win, sql);
		}
	}
}

/* The statement the dialog will run, shown as it changes. */
static void
rename_changed_cb (GtkEditable *entry, AdwMessageDialog *dialog)
{
	OxCatalogObject *o = g_object_get_data (G_OBJECT (dialog), "ox-object");
	const char *to = gtk_editable_get_text (entry);
	g_autofree char *sql = *to ? ox_object_rename_sql (o, to) : NULL;
	adw_message_dialog_set_body (dialog, sql ? sql : "");
	adw_message_dialog_set_response_enabled (dialog, "rename",
	                                         *to && strcmp (to, ox_catalog_object_get_name (o)) && sql);
}

AdwMessageDialog *
ox_object_actions_rename (OxWindow *win, OxCatalogObject *object)
{
	g_return_val_if_fail (OX_IS_WINDOW (win), NULL);
	g_autofree char *heading = g_strdup_printf ("Rename %s %s", ox_object_kind_name (ox_catalog_object_get_kind (object)),
	                                            ox_catalog_object_get_name (object));
	AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (win), heading, NULL));
	adw_message_dialog_add_responses (dialog, "cancel", "_Cancel", "rename", "_Rename", NULL);
	adw_message_dialog_set_response_appearance (dialog, "rename", ADW_RESPONSE_SUGGESTED);
	adw_message_dialog_set_default_response (dialog, "rename");
	adw_message_dialog_set_close_response (dialog, "cancel");
	GtkWidget *entry = gtk_entry_new ();
	gtk_editable_set_text (GTK_EDITABLE (entry), ox_catalog_object_get_name (object));
	gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
	gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, "New name", -1);
	adw_message_dialog_set_extra_child (dialog, entry);
	g_object_set_data_full (G_OBJECT (dialog), "ox-object", g_object_ref (object), g_object_unref);
	g_object_set_data (G_OBJECT (dialog), "ox-entry", entry);
	g_signal_connect (entry, "changed", G_CALLBACK (rename_changed_cb), dialog);
	rename_changed_cb (GTK_EDITABLE (entry), dialog);
	g_signal_connect_object (dialog, "response", G_CALLBACK (rename_response_cb), win, 0);
	gtk_window_present (GTK_WINDOW (dialog));
	return dialog;
}

static void
drop_cascade_cb (GtkCheckButton *check, AdwMessageDialog *dialog)
{
	OxCatalogObject *o = g_object_get_data (G_OBJECT (dialog), "ox-object");
	g_autofree char *sql = ox_object_drop_sql (o, gtk_check_button_get_active (check));
	adw_message_dialog_set_body (dialog, sql);
}

static void
drop_response_cb (AdwMessageDialog *dialog, const char *response, gpointer data)
{
	OxWindow *win = data;
	if (!strcmp (response, "drop"))
		/* exactly the text shown */
		run_ddl (win, adw_message_dialog_get_body (dialog));
}

AdwMessageDialog *
ox_object_actions_drop (OxWindow *win, OxCatalogObject *object)
{
	g_return_val_if_fail (OX_IS_WINDOW (win), NULL);
	g_autofree char *sql = ox_object_drop_sql (object, FALSE);
	if (!sql)
		return NULL;
	g_autofree char *heading = g_strdup_printf ("Drop %s %s?", ox_object_kind_name (ox_catalog_object_get_kind (object)),
	                                            ox_catalog_object_get_name (object));
	AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (win), heading, sql));
	adw_message_dialog_add_responses (dialog, "cancel", "_Cancel", "drop", "_Drop", NULL);
	adw_message_dialog_set_response_appearance (dialog, "drop", ADW_RESPONSE_DESTRUCTIVE);
	adw_message_dialog_set_default_response (dialog, "cancel");
	adw_message_dialog_set_close_response (dialog, "cancel");
	GtkWidget *cascade = gtk_check_button_new_with_mnemonic ("_Cascade: also drop the objects that depend on it");
	adw_message_dialog_set_extra_child (dialog, cascade);
	/* uifix: DROP ROLE has no CASCADE */
	gtk_widget_set_visible (cascade, ox_catalog_object_get_kind (object) != OX_OBJECT_ROLE);
	g_object_set_data_full (G_OBJECT (dialog), "ox-object", g_object_ref (object), g_object_unref);
	g_object_set_data (G_OBJECT (dialog), "ox-cascade", cascade);
	g_signal_connect (cascade, "toggled", G_CALLBACK (drop_cascade_cb), dialog);
	g_signal_connect_object (dialog, "response", G_CALLBACK (drop_response_cb), win, 0);
	gtk_window_present (GTK_WINDOW (dialog));
	return dialog;
}

void
ox_object_actions_copy_name (OxWindow *win, OxCatalogObject *object)
{
	g_return_if_fail (OX_IS_WINDOW (win));
	g_autofree char *name = ox_quote_ident (ox_catalog_object_get_name (object));
	gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (win)), name);
}

/* ---- "objects.*" on the browser's selection --------------------------------------- */

static OxBrowserNode *
selected (OxWindow *win)
{
	return ox_object_browser_get_selected (ox_window_get_browser (win));
}

/* New Trigger on a table (or one of its folders): the template names that
 * table instead of a placeholder, so it runs as it is. */
static OxEditorPage *
new_trigger_on (OxWindow *win, const char *schema, const char *table)
{
	g_autofree char *text = ox_object_template (OX_OBJECT_TRIGGER, schema);
	g_autofree char *quoted = ox_quote_ident (table);
	g_auto (GStrv) parts = g_strsplit (text, ".table_name\n", 2);
	if (g_strv_length (parts) != 2 || !ox_window_get_connection (win))
		return NULL;
	g_autofree char *with = g_strconcat (parts[0], ".", quoted, "\n", parts[1], NULL);
	return ox_routine_editor_new_tab (win, "New trigger", with);
}

static void
object_action_cb (GSimpleAction *action, GVariant *param, gpointer data)
{
	(void) param;
	OxWindow *win = data;
	const char *name = g_action_get_name (G_ACTION (action));
	g_autoptr (OxBrowserNode) node = selected (win);
	if (!node)
		return;
	OxCatalogObject *o = ox_browser_node_get_object (node);
	if (g_str_has_prefix (name, "new-")) {
		static const struct { const char *name; OxObjectKind kind; } kinds[] = {
			{ "new-table", OX_OBJECT_TABLE }, { "new-view", OX_OBJECT_VIEW },
			{ "new-function", OX_OBJECT_FUNCTION }, { "new-procedure", OX_OBJECT_PROCEDURE },
			{ "new-trigger", OX_OBJECT_TRIGGER }, { "new-schedule", OX_OBJECT_SCHEDULE },
		};
		for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
			if (!strcmp (name, kinds[i].name)) {
				const char *table = ox_browser_node_get_table (node);
				if (kinds[i].kind == OX_OBJECT_TRIGGER && table)
					new_trigger_on (win, ox_browser_node_get_schema (node), table);
				else
					ox_object_actions_new_object (win, kinds[i].kind, ox_browser_node_get_schema (node));
			}
		return;
	}
	if (!o)
		return;
	if (!strcmp (name, "open-data"))
		ox_object_actions_open_data (win, o);
	else if (!strcmp (name, "edit-data"))
		ox_window_open_table_data (win, ox_catalog_object_get_schema (o), ox_catalog_object_get_name (o));
	else if (!strcmp (name, "open-definition"))
		ox_object_actions_open_definition (win, o);
	else if (!strcmp (name, "rename"))
		ox_object_actions_rename (win, o);
	else if (!strcmp (name, "drop"))
		ox_object_actions_drop (win, o);
	else if (!strcmp (name, "copy-name"))
		ox_object_actions_copy_name (win, o);
}

/* Enable what makes sense for the selected row. */
static void
update_cb (OxWindow *win)
{
	GActionGroup *group = g_object_get_data (G_OBJECT (win), "ox-object-actions");
	if (!group)
		return;
	g_autoptr (OxBrowserNode) node = selected (win);
	OxCatalogObject *o = node ? ox_browser_node_get_object (node) : NULL;
	OxObjectKind kind = o ? ox_catalog_object_get_kind (o) : OX_N_OBJECT_KINDS;
	gboolean open = ox_window_get_connection (win) != NULL;
	gboolean in_schema = open && node && ox_browser_node_get_schema (node);
	struct { const char *name; gboolean on; } states[] = {
		{ "open-data", open && (kind == OX_OBJECT_TABLE || kind == OX_OBJECT_VIEW) },
		{ "edit-data", open && kind == OX_OBJECT_TABLE },
		{ "open-definition", open && o && kind != OX_OBJECT_COLUMN && kind != OX_OBJECT_CONSTRAINT &&
		                     kind != OX_OBJECT_ROLE },
		/* uifix: columns, constraints and roles too (ALTER TABLE ... RENAME COLUMN /
		 * CONSTRAINT, ALTER ROLE ... RENAME TO, DROP ROLE: the engine has them) */
		{ "rename", open && o && (kind_keyword (kind) != NULL || kind == OX_OBJECT_COLUMN ||
		                         kind == OX_OBJECT_CONSTRAINT || kind == OX_OBJECT_ROLE) },
		{ "drop", open && o && (kind_keyword (kind) != NULL || kind == OX_OBJECT_COLUMN || kind == OX_OBJECT_CONSTRAINT ||
		                       kind == OX_OBJECT_ROLE) },
		{ "copy-name", o != NULL },
		{ "new-table", in_schema }, { "new-view", in_schema }, { "new-function", in_schema },
		{ "new-procedure", in_schema }, { "new-trigger", in_schema }, { "new-schedule", in_schema },
	};
	for (guint i = 0; i < G_N_ELEMENTS (states); i++) {
		GAction *a = g_action_map_lookup_action (G_ACTION_MAP (group), states[i].name);
		if (a)
			g_simple_action_set_enabled (G_SIMPLE_ACTION (a), states[i].on);
	}
}

static GMenuModel *
build_menu (void)
{
	GMenu *menu = g_menu_new ();
	GMenu *open = g_menu_new ();
	g_menu_append (open, "Open _Data", "objects.open-data");
	g_menu_append (open, "_Edit Data", "objects.edit-data");
	g_menu_append (open, "Open _Definition", "objects.open-definition");
	g_menu_append_section (menu, NULL, G_MENU_MODEL (open));
	GMenu *create = g_menu_new ();
	g_menu_append (create, "New _Table", "objects.new-table");
	g_menu_append (create, "New _View", "objects.new-view");
	g_menu_append (create, "New _Function", "objects.new-function");
	g_menu_append (create, "New _Procedure", "objects.new-procedure");
	g_menu_append (create, "New T_rigger", "objects.new-trigger");
	g_menu_append (create, "New _Schedule", "objects.new-schedule");
	g_menu_append_submenu (menu, "_New", G_MENU_MODEL (create));
	GMenu *edit = g_menu_new ();
	g_menu_append (edit, "Re_name…", "objects.rename");
	g_menu_append (edit, "_Copy Name", "objects.copy-name");
	g_menu_append (edit, "Dr_op…", "objects.drop");
	g_menu_append_section (menu, NULL, G_MENU_MODEL (edit));
	g_object_unref (open);
	g_object_unref (create);
	g_object_unref (edit);
	return G_MENU_MODEL (menu);
}

void
ox_object_actions_install (OxWindow *win)
{
	g_return_if_fail (OX_IS_WINDOW (win));
	static const char *const names[] = {
		"open-data", "edit-data", "open-definition", "new-table", "new-view", "new-function", "new-procedure",
		"new-trigger", "new-schedule", "rename", "drop", "copy-name",
	};
	GSimpleActionGroup *group = g_simple_action_group_new ();
	for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
		GSimpleAction *a = g_simple_action_new (names[i], NULL);
		g_signal_connect_object (a, "activate", G_CALLBACK (object_action_cb), win, 0);
		g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (a));
		g_object_unref (a);
	}
	gtk_widget_insert_action_group (GTK_WIDGET (win), "objects", G_ACTION_GROUP (group));
	g_object_set_data_full (G_OBJECT (win), "ox-object-actions", group, g_object_unref);
	OxObjectBrowser *browser = ox_window_get_browser (win);
	g_autoptr (GMenuModel) menu = build_menu ();
	ox_object_browser_set_menu (browser, menu);
	g_signal_connect_object (browser, "selection-changed", G_CALLBACK (update_cb), win, G_CONNECT_SWAPPED);
	update_cb (win);
}

/*
 * ox-completion.c — the SQL editor's completion provider (see the header).
 *
 * Three parts: the per-connection catalog cache (four catalog queries,
 * read again after DDL), a small tokenizer that finds the table
 * references of the statement under the cursor (FROM / JOIN / UPDATE /
 * INTO name [[AS] alias], comma lists in FROM), and the provider itself.
 *
 * NOTE: the statement is tokenized, not parsed: a half-typed statement
 * must still give its FROM tables.  Subqueries in parentheses are skipped
 * as table references, so their aliases are not known; every FROM of
 * the statement (the subqueries' too) contributes its tables.
 * NOTE: a refresh can overtake a read under way; a generation number
 * drops the older answers, as the catalog reader does.
 */
#define G_LOG_DOMAIN "ox-ui"

#include "ox-completion.h"
#include "ox-sql-split.h"

#include <string.h>

/* ---- OxCompletionItem ------------------------------------------------------------ */

struct _OxCompletionItem {
	GObject          parent_instance;
	OxCompletionKind kind;
	char            *name;    /* as typed: quoted where it must be */
	char            *detail;  /* or NULL */
	gboolean         has_args; /* routines: the cursor goes between the parentheses */
};

static void ox_completion_item_proposal_init (GtkSourceCompletionProposalInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OxCompletionItem, ox_completion_item, G_TYPE_OBJECT,
	G_IMPLEMENT_INTERFACE (GTK_SOURCE_TYPE_COMPLETION_PROPOSAL, ox_completion_item_proposal_init))

static char *
item_get_typed_text (GtkSourceCompletionProposal *proposal)
{
	return g_strdup (OX_COMPLETION_ITEM (proposal)->name);
}

static void
ox_completion_item_proposal_init (GtkSourceCompletionProposalInterface *iface)
{
	iface->get_typed_text = item_get_typed_text;
}

static void
ox_completion_item_finalize (GObject *object)
{
	OxCompletionItem *self = OX_COMPLETION_ITEM (object);
	g_free (self->name);
	g_free (self->detail);
	G_OBJECT_CLASS (ox_completion_item_parent_class)->finalize (object);
}

static void
ox_completion_item_class_init (OxCompletionItemClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = ox_completion_item_finalize;
}

static void
ox_completion_item_init (OxCompletionItem *self)
{
	(void) self;
}

static gboolean
plain_identifier (const char *s)
{
	if (!*s || !(g_ascii_islower (*s) || *s == '_'))
		return FALSE;
	for (; *s; s++)
		if (!(g_ascii_islower (*s) || g_ascii_isdigit (*s) || *s == '_'))
			return FALSE;
	return TRUE;
}

static char *
quote_ident (const char *s)
{
	if (plain_identifier (s))
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

static OxCompletionItem *
item_new (OxCompletionKind kind, const char *name, const char *detail)
{
	OxCompletionItem *self = g_object_new (OX_TYPE_COMPLETION_ITEM, NULL);
	self->kind = kind;
	self->name = kind == OX_COMPLETION_KEYWORD ? g_strdup (name) : quote_ident (name);
	self->detail = g_strdup (detail);
	return self;
}

OxCompletionKind ox_completion_item_get_kind (OxCompletionItem *self) { return self->kind; }
const char *ox_completion_item_get_name (OxCompletionItem *self) { return self->name; }
const char *ox_completion_item_get_detail (OxCompletionItem *self) { return self->detail; }

char *
ox_completion_item_get_insert_text (OxCompletionItem *self)
{
	g_return_val_if_fail (OX_IS_COMPLETION_ITEM (self), NULL);
	if (self->kind == OX_COMPLETION_FUNCTION || self->kind == OX_COMPLETION_PROCEDURE)
		return g_strconcat (self->name, "()", NULL);
	return g_strdup (self->name);
}

/* ---- the catalog cache ------------------------------------------------------------ */

typedef struct {
	char    *schema;
	char    *name;
	gboolean view;
} Rel;

typedef struct {
	char    *schema;
	char    *name;
	char    *args;
	char    *result;  /* NULL: a procedure */
} Routine;

typedef struct {
	char *name;
	char *type;
} Col;

#define OX_TYPE_COMPLETION_CATALOG (ox_completion_catalog_get_type ())
G_DECLARE_FINAL_TYPE (OxCompletionCatalog, ox_completion_catalog, OX, COMPLETION_CATALOG, GObject)

enum { Q_SCHEMAS, Q_RELATIONS, Q_COLUMNS, Q_ROUTINES, N_QUERIES };

struct _OxCompletionCatalog {
	GObject       parent_instance;
	OxConnection *connection;  /* weak: the connection owns the cache */
	GCancellable *cancellable;
	guint         generation;  /* bumped by every refresh */
	guint         pending;     /* queries of this generation still out */
	gboolean      ready;       /* every query answered at least once */
	GPtrArray    *schemas;     /* char* */
	GPtrArray    *relations;   /* Rel* */
	GHashTable   *columns;     /* "schema\037table" -> GPtrArray of Col* */
	GPtrArray    *routines;    /* Routine* */
};

G_DEFINE_FINAL_TYPE (OxCompletionCatalog, ox_completion_catalog, G_TYPE_OBJECT)

static void
rel_free (Rel *r)
{
	g_free (r->schema);
	g_free (r->name);
	g_free (r);
}

static void
routine_free (Routine *r)
{
	g_free (r->schema);
	g_free (r->name);
	g_free (r->args);
	g_free (r->result);
	g_free (r);
}

static void
col_free (Col *c)
{
	g_free (c->name);
	g_free (c->type);
	g_free (c);
}

static void
ox_completion_catalog_dispose (GObject *object)
{
	OxCompletionCatalog *self = OX_COMPLETION_CATALOG (object);
	g_cancellable_cancel (self->cancellable);
	if (self->connection) {
		g_object_remove_weak_pointer (G_OBJECT (self->connection), (gpointer *) &self->connection);
		self->connection = NULL;
	}
	G_OBJECT_CLASS (ox_completion_catalog_parent_class)->dispose (object);
}

static void
ox_completion_catalog_finalize (GObject *object)
{
	OxCompletionCatalog *self = OX_COMPLETION_CATALOG (object);
	g_object_unref (self->cancellable);
	g_ptr_array_unref (self->schemas);
	g_ptr_array_unref (self->relations);
	g_hash_table_unref (self->columns);
	g_ptr_array_unref (self->routines);
	G_OBJECT_CLASS (ox_completion_catalog_parent_class)->finalize (object);
}

static void
ox_completion_catalog_class_init (OxCompletionCatalogClass *klass)
{
	G_OBJECT_CLASS (klass)->dispose = ox_completion_catalog_dispose;
	G_OBJECT_CLASS (klass)->finalize = ox_completion_catalog_finalize;
}

static void
ox_completion_catalog_init (OxCompletionCatalog *self)
{
	self->cancellable = g_cancellable_new ();
	self->schemas = g_ptr_array_new_with_free_func (g_free);
	self->relations = g_ptr_array_new_with_free_func ((GDestroyNotify) rel_free);
	self->columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
	self->routines = g_ptr_array_new_with_free_func ((GDestroyNotify) routine_free);
}

static const char *const queries[N_QUERIES] = {
	[Q_SCHEMAS] = "SELECT schema_name FROM information_schema.schemata ORDER BY 1",
	[Q_RELATIONS] = "SELECT table_schema, table_name, table_type FROM information_schema.tables ORDER BY 1, 2",
	[Q_COLUMNS] = "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
	              "ORDER BY table_schema, table_name, ordinal_position",
	[Q_ROUTINES] = "SELECT schema, name, arguments, return_type FROM system.functions "
	               "UNION ALL SELECT schema, name, arguments, NULL FROM system.procedures ORDER BY 1, 2",
};

typedef struct {
	OxCompletionCatalog *catalog;  /* strong */
	guint                query;
	guint                generation;
} QueryData;

static const char *
cell (GPtrArray *row, guint i)
{
	return i < row->len ? row->pdata[i] : NULL;
}

static void
query_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
	QueryData *qd = user_data;
	OxCompletionCatalog *self = qd->catalog;
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) rows = ox_connection_query_finish (OX_CONNECTION (source), result, &error);
	if (!rows) {
		if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
		    !g_error_matches (error, OX_CONNECTION_ERROR, OX_CONNECTION_ERROR_CLOSED))
			g_warning ("reading names for completion failed: %s", error->message);
	} else if (qd->generation == self->generation) {
		for (guint i = 0; i < rows->len; i++) {
			GPtrArray *row = rows->pdata[i];
			if (!cell (row, 0) || (!cell (row, 1) && qd->query != Q_SCHEMAS))
				continue;
			switch (qd->query) {
			case Q_SCHEMAS:
				g_ptr_array_add (self->schemas, g_strdup (cell (row, 0)));
				break;
			case Q_RELATIONS: {
				Rel *r = g_new0 (Rel, 1);
				r->schema = g_strdup (cell (row, 0));
				r->name = g_strdup (cell (row, 1));
				r->view = !g_strcmp0 (cell (row, 2), "VIEW");
				g_ptr_array_add (self->relations, r);
				break;
			}
			case Q_COLUMNS: {
				if (!cell (row, 2))
					break;
				char *key = g_strconcat (cell (row, 0), "\037", cell (row, 1), NULL);
				GPtrArray *cols = g_hash_table_lookup (self->columns, key);
				if (!cols) {
					cols = g_ptr_array_new_with_free_func ((GDestroyNotify) col_free);
					g_hash_table_insert (self->columns, key, cols);
				} else
					g_free (key);
				Col *c = g_new0 (Col, 1);
				c->name = g_strdup (cell (row, 2));
				c->type = g_strdup (cell (row, 3));
				g_ptr_array_add (cols, c);
				break;
			}
			case Q_ROUTINES: {
				Routine *r = g_new0 (Routine, 1);
				r->schema = g_strdup (cell (row, 0));
				r->name = g_strdup (cell (row, 1));
				r->args = g_strdup (cell (row, 2) ? cell (row, 2) : "");
				r->result = g_strdup (cell (row, 3));
				g_ptr_array_add (self->routines, r);
				break;
			}
			}
		}
	}
	if (qd->generation == self->generation && self->pending > 0 && --self->pending == 0)
		self->ready = TRUE;
	g_object_unref (qd->catalog);
	g_free (qd);
}

static void
catalog_refresh (OxCompletionCatalog *self)
{
	if (!self->connection)
		return;
	self->generation++;
	self->pending = N_QUERIES;
	self->ready = FALSE;
	g_ptr_array_set_size (self->schemas, 0);
	g_ptr_array_set_size (self->relations, 0);
	g_hash_table_remove_all (self->columns);
	g_ptr_array_set_size (self->routines, 0);
	for (guint q = 0; q < N_QUERIES; q++) {
		QueryData *qd = g_new0 (QueryData, 1);
		qd->catalog = g_object_ref (self);
		qd->query = q;
		qd->generation = self->generation;
		ox_connection_query_async (self->connection, queries[q], self->cancellable, query_done_cb, qd);
	}
}

/* The connection's cache, created (and read) on first use.  (transfer none) */
static OxCompletionCatalog *
catalog_for (OxConnection *connection)
{
	OxCompletionCatalog *self = g_object_get_data (G_OBJECT (connection), "ox-completion-catalog");
	if (self)
		return self;
	self = g_object_new (OX_TYPE_COMPLETION_CATALOG, NULL);
	self->connection = connection;
	g_object_add_weak_pointer (G_OBJECT (connection), (gpointer *) &self->connection);
	g_object_set_data_full (G_OBJECT (connection), "ox-completion-catalog", self, g_object_unref);
	g_signal_connect_object (connection, "objects-changed", G_CALLBACK (catalog_refresh), self,
	                         G_CONNECT_SWAPPED);
	catalog_refresh (self);
	return self;
}

static GPtrArray *
catalog_columns (OxCompletionCatalog *self, const char *schema, const char *table)
{
	g_autofree char *key = g_strconcat (schema, "\037", table, NULL);
	return g_hash_table_lookup (self->columns, key);
}

static gboolean
system_schema (const char *s)
{
	return g_str_has_prefix (s, "pg_") || !strcmp (s, "information_schema") || !strcmp (s, "system");
}

/* The relation called name: in schema when given, else in public, else
 * in the first user schema that has one.  NULL when there is none. */
static Rel *
find_relation (OxCompletionCatalog *self, const char *schema, const char *name)
{
	Rel *other = NULL;
	for (guint i = 0; i < self->relations->len; i++) {
		Rel *r = self->relations->pdata[i];
		if (strcmp (r->name, name))
			continue;
		if (schema ? !strcmp (r->schema, schema) : !strcmp (r->schema, "public"))
			return r;
		if (!schema && !other)
			other = r;
	}
	return other;
}

/* ---- the statement's table references ---------------------------------------- */

typedef enum { T_WORD, T_QUOTED, T_DOT, T_COMMA, T_OPEN, T_OTHER } TokKind;

typedef struct {
	TokKind kind;
	char   *text;  /* T_WORD lowered, T_QUOTED unquoted; else NULL */
} Tok;

static void
tok_clear (Tok *t)
{
	g_free (t->text);
}

/* Tokens of text[start, end): words, quoted identifiers and punctuation;
 * strings, dollar quotes, comments and numbers are skipped. */
static GArray *
tokenize (const char *text, gsize start, gsize end)
{
	GArray *toks = g_array_new (FALSE, TRUE, sizeof (Tok));
	g_array_set_clear_func (toks, (GDestroyNotify) tok_clear);
	const char *p = text + start, *e = text + end;
	while (p < e) {
		unsigned char c = (unsigned char) *p;
		if (g_ascii_isspace (c)) {
			p++;
		} else if (c == '-' && p + 1 < e && p[1] == '-') {
			while (p < e && *p != '\n')
				p++;
		} else if (c == '/' && p + 1 < e && p[1] == '*') {
			const char *q = g_strstr_len (p + 2, e - p - 2, "*/");
			p = q ? q + 2 : e;
		} else if (c == '\'') {
			for (p++; p < e; p++)
				if (*p == '\'') {
					if (p + 1 < e && p[1] == '\'')
						p++;
					else {
						p++;
						break;
					}
				}
		} else if (c == '$' && p + 1 < e && (p[1] == '$' || g_ascii_isalpha (p[1]) || p[1] == '_')) {
			const char *t = p + 1;
			while (t < e && (g_ascii_isalnum (*t) || *t == '_'))
				t++;
			if (t < e && *t == '$') {
				g_autofree char *tag = g_strndup (p, t - p + 1);
				const char *q = g_strstr_len (t + 1, e - t - 1, tag);
				p = q ? q + strlen (tag) : e;
			} else
				p = t;
		} else if (c == '"') {
			GString *g = g_string_new (NULL);
			for (p++; p < e; p++) {
				if (*p == '"') {
					if (p + 1 < e && p[1] == '"') {
						g_string_append_c (g, '"');
						p++;
					} else {
						p++;
						break;
					}
				} else
					g_string_append_c (g, *p);
			}
			Tok t = { T_QUOTED, g_string_free (g, FALSE) };
			g_array_append_val (toks, t);
		} else if (g_ascii_isalpha (c) || c == '_' || c >= 0x80) {
			const char *s = p;
			while (p < e && (g_ascii_isalnum (*p) || *p == '_' || *p == '$' || (unsigned char) *p >= 0x80))
				p++;
			Tok t = { T_WORD, g_ascii_strdown (s, p - s) };
			g_array_append_val (toks, t);
		} else if (g_ascii_isdigit (c)) {
			while (p < e && (g_ascii_isalnum (*p) || *p == '.'))
				p++;
			Tok t = { T_OTHER, NULL };
			g_array_append_val (toks, t);
		} else {
			Tok t = { c == '.' ? T_DOT : c == ',' ? T_COMMA : c == '(' ? T_OPEN : T_OTHER, NULL };
			g_array_append_val (toks, t);
			p++;
		}
	}
	return toks;
}

typedef struct {
	char *schema;  /* or NULL */
	char *table;
	char *alias;   /* or NULL */
} TableRef;

static void
table_ref_free (TableRef *r)
{
	g_free (r->schema);
	g_free (r->table);
	g_free (r->alias);
	g_free (r);
}

/* Words that end a table reference instead of naming its alias. */
static gboolean
ends_reference (const char *w)
{
	static const char *const stop[] = {
		"where", "join", "inner", "left", "right", "full", "cross", "natural", "on", "using", "group",
		"order", "limit", "offset", "having", "union", "except", "intersect", "set", "values",
		"returning", "window", "for", "lateral", "outer", "select", "default", "do", "fetch",
	};
	for (guint i = 0; i < G_N_ELEMENTS (stop); i++)
		if (!strcmp (w, stop[i]))
			return TRUE;
	return FALSE;
}

static gboolean
is_name (const Tok *t)
{
	return t->kind == T_WORD || t->kind == T_QUOTED;
}

/* The tables after FROM, JOIN, UPDATE and INTO (with their aliases). */
static GPtrArray *
table_refs (GArray *toks)
{
	GPtrArray *refs = g_ptr_array_new_with_free_func ((GDestroyNotify) table_ref_free);
	Tok *t = (Tok *) toks->data;
	guint n = toks->len;
	for (guint i = 0; i < n; i++) {
		if (t[i].kind != T_WORD)
			continue;
		const char *w = t[i].text;
		gboolean from = !strcmp (w, "from");
		if (!from && strcmp (w, "join") && strcmp (w, "update") && strcmp (w, "into"))
			continue;
		guint j = i + 1;
		for (;;) {
			if (j < n && t[j].kind == T_WORD && !strcmp (t[j].text, "only"))
				j++;
			if (j >= n || !is_name (&t[j]) || (t[j].kind == T_WORD && ends_reference (t[j].text)))
				break;
			TableRef *r = g_new0 (TableRef, 1);
			r->table = g_strdup (t[j].text);
			j++;
			if (j + 1 < n && t[j].kind == T_DOT && is_name (&t[j + 1])) {
				r->schema = r->table;
				r->table = g_strdup (t[j + 1].text);
				j += 2;
			}
			if (j < n && t[j].kind == T_WORD && !strcmp (t[j].text, "as"))
				j++;
			if (j < n && is_name (&t[j]) && !(t[j].kind == T_WORD && ends_reference (t[j].text))) {
				r->alias = g_strdup (t[j].text);
				j++;
			}
			g_ptr_array_add (refs, r);
			/* a comma list continues only in FROM */
			if (!from || j >= n || t[j].kind != T_COMMA)
				break;
			j++;
		}
		i = j > i ? j - 1 : i;
	}
	return refs;
}

/* ---- OxCompletion -------------------------------------------------------------------- */

struct _OxCompletion {
	GObject              parent_instance;
	OxConnection        *connection;  /* owned */
	OxCompletionCatalog *catalog;     /* owned (a reference on the connection's) */
};

static void ox_completion_provider_init (GtkSourceCompletionProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OxCompletion, ox_completion, G_TYPE_OBJECT,
	G_IMPLEMENT_INTERFACE (GTK_SOURCE_TYPE_COMPLETION_PROVIDER, ox_completion_provider_init))

static const char *const keywords[] = {
	"ALTER", "AND", "AS", "ASC", "BEGIN", "BETWEEN", "BY", "CALL", "CASCADE", "CASE", "CHECK", "COMMIT",
	"CONSTRAINT", "CREATE", "CROSS", "DEFAULT", "DELETE", "DESC", "DISTINCT", "DROP", "ELSE", "END",
	"EXISTS", "EXPLAIN", "FALSE", "FOREIGN", "FROM", "FULL", "FUNCTION", "GROUP", "HAVING", "ILIKE", "IN",
	"INDEX", "INNER", "INSERT", "INTO", "IS", "JOIN", "KEY", "LANGUAGE", "LEFT", "LIKE", "LIMIT", "NOT",
	"NULL", "OFFSET", "ON", "OR", "ORDER", "OUTER", "PRIMARY", "PROCEDURE", "REFERENCES", "RENAME",
	"REPLACE", "RETURNING", "RETURNS", "RIGHT", "ROLLBACK", "SCHEDULE", "SCHEMA", "SELECT", "SEQUENCE",
	"SET", "TABLE", "THEN", "TRIGGER", "TRUE", "TRUNCATE", "UNION", "UNIQUE", "UPDATE", "USING", "VALUES",
	"VIEW", "WHEN", "WHERE", "WITH",
};

/* Case-insensitive prefix match (of a name as typed: quotes ignored). */
static gboolean
matches (const char *name, const char *prefix)
{
	if (*name == '"')
		name++;
	return g_ascii_strncasecmp (name, prefix, strlen (prefix)) == 0;
}

static void
add (GListStore *store, const char *prefix, OxCompletionItem *item)
{
	if (matches (item->name, prefix))
		g_list_store_append (store, item);
	g_object_unref (item);
}

static void
add_columns (OxCompletionCatalog *cat, GListStore *store, const char *prefix, const char *schema,
             const char *table, const char *seen_key, GHashTable *seen)
{
	Rel *r = find_relation (cat, schema, table);
	if (!r)
		return;
	if (seen) {
		g_autofree char *key = g_strconcat (r->schema, "\037", r->name, seen_key, NULL);
		if (!g_hash_table_add (seen, g_steal_pointer (&key)))
			return;
	}
	GPtrArray *cols = catalog_columns (cat, r->schema, r->name);
	for (guint i = 0; cols && i < cols->len; i++) {
		Col *c = cols->pdata[i];
		g_autofree char *detail = g_strdup_printf ("%s · %s", c->type ? c->type : "", r->name);
		add (store, prefix, item_new (OX_COMPLETION_COLUMN, c->name, detail));
	}
}

static void
add_routine (GListStore *store, const char *prefix, Routine *rt)
{
	g_autofree char *detail = rt->result ? g_strdup_printf ("(%s) → %s", rt->args, rt->result)
	                                     : g_strdup_printf ("(%s)", rt->args);
	OxCompletionItem *item = item_new (rt->result ? OX_COMPLETION_FUNCTION : OX_COMPLETION_PROCEDURE,
	                                   rt->name, detail);
	item->has_args = *rt->args != '\0';
	add (store, prefix, item);
}

static void
add_relation (GListStore *store, const char *prefix, Rel *r)
{
	add (store, prefix, item_new (r->view ? OX_COMPLETION_VIEW : OX_COMPLETION_TABLE, r->name,
	                              r->view ? "view" : "table"));
}

/* An identifier as written before a '.': folded unless quoted. */
static char *
qualifier_before (const char *text, const char *dot)
{
	const char *e = dot;
	if (e > text && e[-1] == '"') {
		const char *s = e - 1;
		while (s > text && s[-1] != '"')
			s--;
		if (s == text)
			return NULL;
		return g_strndup (s, e - 1 - s);
	}
	const char *s = e;
	while (s > text && (g_ascii_isalnum (s[-1]) || s[-1] == '_' || (unsigned char) s[-1] >= 0x80))
		s--;
	return s < e ? g_ascii_strdown (s, e - s) : NULL;
}

GListModel *
ox_completion_propose (OxCompletion *self, const char *text, gsize cursor)
{
	g_return_val_if_fail (OX_IS_COMPLETION (self), NULL);
	GListStore *store = g_list_store_new (OX_TYPE_COMPLETION_ITEM);
	OxCompletionCatalog *cat = self->catalog;
	cursor = MIN (cursor, strlen (text));

	/* the word before the cursor, and the qualifier before its dot */
	const char *c = text + cursor, *w = c;
	while (w > text && (g_ascii_isalnum (w[-1]) || w[-1] == '_' || (unsigned char) w[-1] >= 0x80))
		w--;
	g_autofree char *prefix = g_strndup (w, c - w);
	g_autofree char *qualifier = w > text && w[-1] == '.' ? qualifier_before (text, w - 1) : NULL;

	OxSqlRange range = { 0, strlen (text) };
	ox_sql_statement_at (text, cursor, &range);
	g_autoptr (GArray) toks = tokenize (text, range.start, range.end);
	g_autoptr (GPtrArray) refs = table_refs (toks);

	if (qualifier) {
		gboolean found = FALSE;
		/* an alias or a table of the statement: its columns */
		for (guint i = 0; i < refs->len && !found; i++) {
			TableRef *r = refs->pdata[i];
			/* (a half-typed "FROM schema." names no table) */
			if ((r->alias ? !strcmp (r->alias, qualifier) : !strcmp (r->table, qualifier)) &&
			    find_relation (cat, r->schema, r->table)) {
				add_columns (cat, store, prefix, r->schema, r->table, NULL, NULL);
				found = TRUE;
			}
		}
		if (found)
			return G_LIST_MODEL (store);
		/* a schema: its tables, views and routines */
		for (guint i = 0; i < cat->schemas->len; i++)
			if (!strcmp (cat->schemas->pdata[i], qualifier))
				found = TRUE;
		if (found) {
			for (guint i = 0; i < cat->relations->len; i++) {
				Rel *r = cat->relations->pdata[i];
				if (!strcmp (r->schema, qualifier))
					add_relation (store, prefix, r);
			}
			for (guint i = 0; i < cat->routines->len; i++) {
				Routine *rt = cat->routines->pdata[i];
				if (!strcmp (rt->schema, qualifier))
					add_routine (store, prefix, rt);
			}
			return G_LIST_MODEL (store);
		}
		/* any table by that name */
		add_columns (cat, store, prefix, NULL, qualifier, NULL, NULL);
		return G_LIST_MODEL (store);
	}

	/* columns of the statement's tables first: they are what a query needs most */
	g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	for (guint i = 0; i < refs->len; i++) {
		TableRef *r = refs->pdata[i];
		add_columns (cat, store, prefix, r->schema, r->table, "", seen);
	}
	for (guint i = 0; i < cat->relations->len; i++) {
		Rel *r = cat->relations->pdata[i];
		if (!system_schema (r->schema))
			add_relation (store, prefix, r);
	}
	for (guint i = 0; i < cat->routines->len; i++) {
		Routine *rt = cat->routines->pdata[i];
		if (!system_schema (rt->schema))
			add_routine (store, prefix, rt);
	}
	for (guint i = 0; i < cat->schemas->len; i++)
		add (store, prefix, item_new (OX_COMPLETION_SCHEMA, cat->schemas->pdata[i], "schema"));
	for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
		add (store, prefix, item_new (OX_COMPLETION_KEYWORD, keywords[i], NULL));
	return G_LIST_MODEL (store);
}

gboolean
ox_completion_is_ready (OxCompletion *self)
{
	g_return_val_if_fail (OX_IS_COMPLETION (self), FALSE);
	return self->catalog->ready;
}

/* ---- the provider ------------------------------------------------------------------- */

/* The buffer's text and the cursor's byte offset in it. */
static char *
context_text (GtkSourceCompletionContext *context, gsize *cursor)
{
	GtkTextIter begin, end, s, e;
	gtk_source_completion_context_get_bounds (context, &begin, &end);
	GtkTextBuffer *buf = GTK_TEXT_BUFFER (gtk_source_completion_context_get_buffer (context));
	gtk_text_buffer_get_bounds (buf, &s, &e);
	g_autofree char *before = gtk_text_buffer_get_text (buf, &s, &end, TRUE);
	*cursor = strlen (before);
	return gtk_text_buffer_get_text (buf, &s, &e, TRUE);
}

static GListModel *
provider_populate (GtkSourceCompletionProvider *provider, GtkSourceCompletionContext *context, GError **error)
{
	(void) error;
	OxCompletion *self = OX_COMPLETION (provider);
	gsize cursor = 0;
	g_autofree char *text = context_text (context, &cursor);
	/* typing offers names after two characters or a '.'; Ctrl+Space always */
	if (gtk_source_completion_context_get_activation (context) == GTK_SOURCE_COMPLETION_ACTIVATION_INTERACTIVE) {
		gsize w = cursor;
		while (w > 0 && (g_ascii_isalnum (text[w - 1]) || text[w - 1] == '_' || (guchar) text[w - 1] >= 0x80))
			w--;
		gboolean dotted = w > 0 && text[w - 1] == '.';
		if (!dotted && cursor - w < 2)
			return G_LIST_MODEL (g_list_store_new (OX_TYPE_COMPLETION_ITEM));
	}
	return ox_completion_propose (self, text, cursor);
}

/* Narrow the proposals as the word grows; a shorter word (backspace)
 * makes the completion populate again. */
static void
provider_refilter (GtkSourceCompletionProvider *provider, GtkSourceCompletionContext *context, GListModel *model)
{
	(void) provider;
	g_autofree char *word = gtk_source_completion_context_get_word (context);
	if (!G_IS_LIST_STORE (model) || !word)
		return;
	for (guint i = g_list_model_get_n_items (model); i > 0; i--) {
		g_autoptr (OxCompletionItem) item = g_list_model_get_item (model, i - 1);
		if (!matches (item->name, word))
			g_list_store_remove (G_LIST_STORE (model), i - 1);
	}
}

static const char *
icon_for (OxCompletionKind kind)
{
	switch (kind) {
	case OX_COMPLETION_SCHEMA: return "drive-harddisk-symbolic";
	case OX_COMPLETION_TABLE: return "view-grid-symbolic";
	case OX_COMPLETION_VIEW: return "view-reveal-symbolic";
	case OX_COMPLETION_COLUMN: return "format-justify-left-symbolic";
	case OX_COMPLETION_FUNCTION:
	case OX_COMPLETION_PROCEDURE: return "system-run-symbolic";
	case OX_COMPLETION_KEYWORD:
	default: return "text-x-generic-symbolic";
	}
}

static void
provider_display (GtkSourceCompletionProvider *provider, GtkSourceCompletionContext *context,
                  GtkSourceCompletionProposal *proposal, GtkSourceCompletionCell *cell)
{
	(void) provider;
	(void) context;
	OxCompletionItem *item = OX_COMPLETION_ITEM (proposal);
	gboolean routine = item->kind == OX_COMPLETION_FUNCTION || item->kind == OX_COMPLETION_PROCEDURE;
	switch (gtk_source_completion_cell_get_column (cell)) {
	case GTK_SOURCE_COMPLETION_COLUMN_ICON:
		gtk_source_completion_cell_set_icon_name (cell, icon_for (item->kind));
		break;
	case GTK_SOURCE_COMPLETION_COLUMN_TYPED_TEXT:
		gtk_source_completion_cell_set_text (cell, item->name);
		break;
	case GTK_SOURCE_COMPLETION_COLUMN_AFTER:
		/* line_total(qty integer, price numeric) → numeric; a column's type, dimmed after its name */
		if (routine)
			gtk_source_completion_cell_set_text (cell, item->detail);
		else if (item->kind == OX_COMPLETION_COLUMN && item->detail) {
			const char *dot = strstr (item->detail, " · ");
			g_autofree char *type = g_strdup_printf ("  %.*s", dot ? (int) (dot - item->detail) : (int) strlen (item->detail),
			                                         item->detail);
			gtk_source_completion_cell_set_text (cell, type);
		} else
			gtk_source_completion_cell_set_text (cell, NULL);
		break;
	case GTK_SOURCE_COMPLETION_COLUMN_COMMENT:
		gtk_source_completion_cell_set_text (cell, routine ? (item->kind == OX_COMPLETION_FUNCTION ? "function" : "procedure")
		                                                   : item->detail);
		break;
	default:
		gtk_source_completion_cell_set_text (cell, NULL);
		break;
	}
}

static void
provider_activate (GtkSourceCompletionProvider *provider, GtkSourceCompletionContext *context,
                   GtkSourceCompletionProposal *proposal)
{
	(void) provider;
	OxCompletionItem *item = OX_COMPLETION_ITEM (proposal);
	GtkTextBuffer *buf = GTK_TEXT_BUFFER (gtk_source_completion_context_get_buffer (context));
	GtkTextIter begin, end;
	if (!gtk_source_completion_context_get_bounds (context, &begin, &end))
		return;
	g_autofree char *insert = ox_completion_item_get_insert_text (item);
	gtk_text_buffer_begin_user_action (buf);
	gtk_text_buffer_delete (buf, &begin, &end);
	gtk_text_buffer_insert (buf, &begin, insert, -1);
	/* arguments go between the parentheses */
	if (item->has_args) {
		gtk_text_iter_backward_char (&begin);
		gtk_text_buffer_place_cursor (buf, &begin);
	}
	gtk_text_buffer_end_user_action (buf);
}

static gboolean
provider_is_trigger (GtkSourceCompletionProvider *provider, const GtkTextIter *iter, gunichar ch)
{
	(void) provider;
	(void) iter;
	return ch == '.';
}

static char *
provider_get_title (GtkSourceCompletionProvider *provider)
{
	(void) provider;
	return g_strdup ("SQL");
}

static void
ox_completion_provider_init (GtkSourceCompletionProviderInterface *iface)
{
	iface->get_title = provider_get_title;
	iface->populate = provider_populate;
	iface->refilter = provider_refilter;
	iface->display = provider_display;
	iface->activate = provider_activate;
	iface->is_trigger = provider_is_trigger;
}

static void
ox_completion_dispose (GObject *object)
{
	OxCompletion *self = OX_COMPLETION (object);
	g_clear_object (&self->catalog);
	g_clear_object (&self->connection);
	G_OBJECT_CLASS (ox_completion_parent_class)->dispose (object);
}

static void
ox_completion_class_init (OxCompletionClass *klass)
{
	G_OBJECT_CLASS (klass)->dispose = ox_completion_dispose;
}

static void
ox_completion_init (OxCompletion *self)
{
	(void) self;
}

OxCompletion *
ox_completion_new (OxConnection *connection)
{
	g_return_val_if_fail (OX_IS_CONNECTION (connection), NULL);
	OxCompletion *self = g_object_new (OX_TYPE_COMPLETION, NULL);
	self->connection = g_object_ref (connection);
	self->catalog = g_object_ref (catalog_for (connection));
	return self;
}

void
ox_completion_attach (GtkSourceView *view, OxConnection *connection)
{
	g_return_if_fail (GTK_SOURCE_IS_VIEW (view));
	g_autoptr (OxCompletion) provider = ox_completion_new (connection);
	GtkSourceCompletion *completion = gtk_source_view_get_completion (view);
	gtk_source_completion_add_provider (completion, GTK_SOURCE_COMPLETION_PROVIDER (provider));
	g_object_set_data_full (G_OBJECT (view), "ox-completion", g_object_ref (provider), g_object_unref);
}

OxCompletion *
ox_completion_get_for_view (GtkSourceView *view)
{
	g_return_val_if_fail (GTK_SOURCE_IS_VIEW (view), NULL);
	return g_object_get_data (G_OBJECT (view), "ox-completion");
}

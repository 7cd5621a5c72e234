/*
 * sequences.c — sequences as SQL objects: CREATE / ALTER / DROP SEQUENCE,
 * serial columns, and the functions over them (nextval, currval, setval,
 * lastval, pg_get_serial_sequence), with PostgreSQL 15's checks and
 * messages (its sequence.c init_params).
 *
 * The value lives in an OxSeqState shared by every version of the
 * sequence (catalog/sequence.c logs it ahead); currval and lastval are the
 * session's (OxSession.seq_values, .lastval_oid).
 *
 * What can go wrong: bad options (22023), a name taken (42P07), an
 * unknown sequence (42P01), nextval at the end (2200H), currval before
 * nextval (55000).  DROP SEQUENCE of a sequence a column default uses is
 * refused (2BP01); CASCADE there is not supported yet (0A000) since the
 * engine cannot drop a column default.
 * NOTE: ALTER SEQUENCE ... RESTART and TRUNCATE ... RESTART IDENTITY
 * change the value at once, not at commit (PostgreSQL makes them
 * transactional with a new relfilenode): a rollback does not undo them.
 */
#include "sequences.h"
#include "catalog/sequence.h"
#include "session.h"
#include "base/error.h"
#include "storage/wal.h"

#include <string.h>

OxNode *ox_parse_expr_src (OxArena *a, const char *src);

static const char *
type_sql_name (OxTypeId t)
{
	return t == OX_T_INT2 ? "smallint" : t == OX_T_INT4 ? "integer" : "bigint";
}

static bool
sync_full (OxSession *s)
{
	int mode = s->sync_mode >= 0 ? s->sync_mode : s->db->sync_mode;
	return mode == OX_SYNC_FULL;
}

/* A sequence by name ('latest': DDL rules); *other set when the name is a
 * relation of another kind. */
static OxSequence *
find_sequence (OxSession *s, const char *schema, const char *name, bool latest, OxCatObject **other)
{
	OxCatalog *c = s->db->catalog;
	OxTxn *t = s->txn;
	if (other)
		*other = NULL;
	for (char **p = s->search_path; schema || *p; p++) {
		const char *sn = schema ? schema : *p;
		OxSchema *sc = latest ? ox_catalog_schema_latest (c, t, sn) : ox_catalog_schema (c, t, sn);
		if (sc) {
			OxSequence *sq = ox_catalog_sequence (c, t, sc, name, latest);
			if (sq)
				return sq;
			OxCatObject *o = latest ? ox_catalog_relname_taken (c, t, sc, name)
			                        : (OxCatObject *) ox_catalog_relation (c, t, sc, name);
			if (o && other) {
				*other = o;
				return NULL;
			}
		}
		if (schema)
			break;
	}
	return NULL;
}

/* Resolve the options into seq (whose fields hold the old definition for
 * ALTER, zeros for CREATE). */
static void
apply_options (OxSession *s, OxSequence *seq, const OxSeqOptions *o, bool alter, int64_t *restart_to, bool *restart)
{
	static const OxSeqOptions none = { 0 };
	if (!o)
		o = &none;
	OxTypeId old_type = seq->type;
	int64_t tmin, tmax;
	if (o->as_type) {
		const char *n = o->as_type;
		if (!strcmp (n, "int2") || !strcmp (n, "smallint"))
			seq->type = OX_T_INT2;
		else if (!strcmp (n, "int4") || !strcmp (n, "integer") || !strcmp (n, "int"))
			seq->type = OX_T_INT4;
		else if (!strcmp (n, "int8") || !strcmp (n, "bigint"))
			seq->type = OX_T_INT8;
		else
			ox_raise (OX_ERR_INVALID_PARAMETER, o->as_loc + 1, "sequence type must be smallint, integer, or bigint");
	} else if (!alter && !seq->type)
		seq->type = OX_T_INT8;  /* an identity column's sequence comes with its column's type */
	ox_sequence_type_bounds (seq->type, &tmin, &tmax);
	if (o->has_increment) {
		if (o->increment == 0)
			ox_raise (OX_ERR_INVALID_PARAMETER, 0, "INCREMENT must not be zero");
		seq->increment = o->increment;
	} else if (!alter)
		seq->increment = 1;
	bool reset_max = false, reset_min = false;
	if (alter && o->as_type && seq->type != old_type) {
		/* as PostgreSQL: bounds that were the old type's limits follow the type */
		int64_t omin, omax;
		ox_sequence_type_bounds (old_type, &omin, &omax);
		reset_max = seq->max == omax;
		reset_min = seq->min == omin;
	}
	if (o->has_max == 1)
		seq->max = o->max;
	else if (o->has_max == 2 || !alter || reset_max)
		seq->max = seq->increment > 0 || reset_max ? tmax : -1;
	if (o->has_min == 1)
		seq->min = o->min;
	else if (o->has_min == 2 || !alter || reset_min)
		seq->min = seq->increment < 0 || reset_min ? tmin : 1;
	if (seq->max < tmin || seq->max > tmax)
		ox_raise (OX_ERR_INVALID_PARAMETER, 0, "MAXVALUE (%" G_GINT64_FORMAT ") is out of range for sequence data type %s",
		          seq->max, type_sql_name (seq->type));
	if (seq->min < tmin || seq->min > tmax)
		ox_raise (OX_ERR_INVALID_PARAMETER, 0, "MINVALUE (%" G_GINT64_FORMAT ") is out of range for sequence data type %s",
		          seq->min, type_sql_name (seq->type));
	if (seq->min >= seq->max)
		ox_raise (OX_ERR_INVALID_PARAMETER, 0, "MINVALUE (%" G_GINT64_FORMAT ") must be less than MAXVALUE (%"
		          G_GINT64_FORMAT ")", seq->min, seq->max);
	if (o->has_start)
		seq->start = o->start;
	else if (!alter)
		seq->start = seq->increment > 0 ? seq->min : seq->max;
	if (seq->start < seq->min)
		ox_raise (OX_ERR_INVALID_PARAMETER, 0, "START value (%" G_GINT64_FORMAT ") cannot be less than MINVALUE (%"
		          G_GINT64_FORMAT ")", seq->start, seq->min);
	if (seq->start > seq->max)
		ox_raise (OX_ERR_INVALID_PARAMETER, 0, "START value (%" G_GINT64_FORMAT ") cannot be greater than MAXVALUE (%"
		          G_GINT64_FORMAT ")", seq->start, seq->max);
	*restart = o->has_restart;
	if (o->has_restart) {
		*restart_to = o->restart_with ? o->restart : seq->start;
		if (*restart_to < seq->min)
			ox_raise (OX_ERR_INVALID_PARAMETER, 0, "RESTART value (%" G_GINT64_FORMAT ") cannot be less than MINVALUE (%"
			          G_GINT64_FORMAT ")", *restart_to, seq->min);
		if (*restart_to > seq->max)
			ox_raise (OX_ERR_INVALID_PARAMETER, 0, "RESTART value (%" G_GINT64_FORMAT ") cannot be greater than MAXVALUE (%"
			          G_GINT64_FORMAT ")", *restart_to, seq->max);
	} else if (alter) {
		int64_t last;
		bool called;
		ox_sequence_read (seq, &last, &called);
		if (last < seq->min)
			ox_raise (OX_ERR_INVALID_PARAMETER, 0, "RESTART value (%" G_GINT64_FORMAT ") cannot be less than MINVALUE (%"
			          G_GINT64_FORMAT ")", last, seq->min);
		if (last > seq->max)
			ox_raise (OX_ERR_INVALID_PARAMETER, 0, "RESTART value (%" G_GINT64_FORMAT ") cannot be greater than MAXVALUE (%"
			          G_GINT64_FORMAT ")", last, seq->max);
	}
	if (o->has_cache) {
		if (o->cache <= 0)
			ox_raise (OX_ERR_INVALID_PARAMETER, 0, "CACHE (%" G_GINT64_FORMAT ") must be greater than zero", o->cache);
		seq->cache = o->cache;
	} else if (!alter)
		seq->cache = 1;
	if (o->cycle)
		seq->cycle = o->cycle == 1;
	if (o->has_owned) {
		seq->owner_table = 0;
		seq->owner_col = 0;
		OxList *l = o->owned_by;
		if (l) {
			if (l->n < 2 || l->n > 3)
				ox_raise_full (OX_ERR_SYNTAX, o->owned_loc + 1, NULL,
				               "Specify OWNED BY table.column or OWNED BY NONE.", "invalid OWNED BY option");
			const char *schema = l->n == 3 ? l->items[0] : NULL;
			const char *tname = l->items[l->n - 2], *cname = l->items[l->n - 1];
			OxTable *tab = ox_session_relation (s, schema, tname);
			if (!tab)
				ox_raise (OX_ERR_UNDEFINED_TABLE, o->owned_loc + 1, "relation \"%s\" does not exist", tname);
			if (tab->obj.kind != OX_KIND_TABLE)
				ox_raise (OX_ERR_WRONG_OBJECT_TYPE, o->owned_loc + 1,
				          "sequence cannot be owned by relation \"%s\"", tname);
			if (tab->obj.schema != seq->obj.schema)
				ox_raise ("55000", o->owned_loc + 1, "sequence must be in same schema as table it is linked to");
			int col = -1;
			for (int i = 0; i < tab->ncols; i++)
				if (!strcmp (tab->cols[i].name, cname))
					col = i;
			if (col < 0)
				ox_raise (OX_ERR_UNDEFINED_COLUMN, o->owned_loc + 1, "column \"%s\" of relation \"%s\" does not exist",
				          cname, tname);
			seq->owner_table = tab->obj.oid;
			seq->owner_col = col;
		}
	}
}

void
ox_ddl_create_sequence (OxSession *s, OxExec *x, OxCreateSequenceStmt *cs)
{
	(void) x;
	OxTxn *t = s->txn;
	OxSchema *sc = ox_session_schema (s, cs->name->schema, cs->name->node.loc + 1);
	ox_txn_lock_ddl (t);
	if (ox_catalog_relname_taken (s->db->catalog, t, sc, cs->name->name)) {
		if (cs->if_not_exists) {
			ox_session_notice (s, "42P07", "relation \"%s\" already exists, skipping", cs->name->name);
			return;
		}
		ox_raise (OX_ERR_DUPLICATE_TABLE, cs->name->node.loc + 1, "relation \"%s\" already exists", cs->name->name);
	}
	OxSequence tmp = { 0 };
	tmp.obj.schema = sc;
	int64_t restart_to = 0;
	bool restart = false;
	apply_options (s, &tmp, &cs->opts, false, &restart_to, &restart);
	OxArena *a = ox_catalog_arena_new ();
	OxSequence *sq = OX_NEW (a, OxSequence);
	*sq = tmp;
	sq->obj.kind = OX_KIND_SEQUENCE;
	sq->obj.name = g_strdup (cs->name->name);
	sq->obj.arena = a;
	sq->state = ox_seq_state_new (sq->start, false);
	ox_catalog_register (s->db->catalog, t, &sq->obj);
}

/* A new version of seq with the same oid and value state. */
static OxSequence *
new_version (OxSequence *old)
{
	OxArena *a = ox_catalog_arena_new ();
	OxSequence *sq = OX_NEW (a, OxSequence);
	*sq = *old;
	sq->obj.name = g_strdup (old->obj.name);
	sq->obj.arena = a;
	sq->obj.xmin = sq->obj.xmax = 0;
	sq->obj.aborted = false;
	sq->state = ox_seq_state_ref (old->state);
	return sq;
}

void
ox_ddl_alter_sequence (OxSession *s, OxExec *x, OxCreateSequenceStmt *as)
{
	(void) x;
	OxTxn *t = s->txn;
	ox_txn_lock_ddl (t);
	OxCatObject *other;
	OxSequence *old = find_sequence (s, as->name->schema, as->name->name, true, &other);
	if (!old) {
		if (other)
			ox_raise (OX_ERR_WRONG_OBJECT_TYPE, as->name->node.loc + 1, "\"%s\" is not a sequence", as->name->name);
		if (as->if_exists) {
			ox_session_notice (s, "00000", "relation \"%s\" does not exist, skipping", as->name->name);
			return;
		}
		ox_raise (OX_ERR_UNDEFINED_TABLE, as->name->node.loc + 1, "relation \"%s\" does not exist", as->name->name);
	}
	OxSequence tmp = *old;
	int64_t restart_to = 0;
	bool restart = false;
	apply_options (s, &tmp, &as->opts, true, &restart_to, &restart);
	OxSequence *sq = new_version (old);
	OxSeqState *st = sq->state;
	OxArena *a = sq->obj.arena;
	char *name = sq->obj.name;
	*sq = tmp;
	sq->obj.arena = a;
	sq->obj.name = name;
	sq->obj.xmin = sq->obj.xmax = 0;
	sq->obj.aborted = false;
	sq->state = st;
	ox_catalog_drop (s->db->catalog, t, &old->obj);
	ox_catalog_register (s->db->catalog, t, &sq->obj);
	if (restart)
		ox_sequence_setval (sq, s->db->wal, sync_full (s), restart_to, false);
}

/* Tables (visible, live) whose column defaults use sequence sq: its owner,
 * or any default that names it. */
static OxTable *
default_user (OxSession *s, OxSequence *sq, int *col)
{
	GPtrArray *all = ox_catalog_list (s->db->catalog, s->txn, OX_KIND_TABLE);
	OxTable *found = NULL;
	char *needle = g_strdup_printf ("'%s'", sq->obj.name);
	for (guint i = 0; i < all->len && !found; i++) {
		OxTable *tab = all->pdata[i];
		if (ox_cat_dropped_latest (&tab->obj, s->txn))
			continue;
		for (int c = 0; c < tab->ncols && !found; c++) {
			const char *d = tab->cols[c].default_src;
			if (d && strstr (d, "nextval(") && strstr (d, needle)) {
				found = tab;
				*col = c;
			}
		}
	}
	g_free (needle);
	g_ptr_array_unref (all);
	return found;
}

void
ox_ddl_drop_sequence (OxSession *s, OxExec *x, OxDropStmt *ds)
{
	(void) x;
	OxTxn *t = s->txn;
	ox_txn_lock_ddl (t);
	for (int i = 0; i < ds->names->n; i++) {
		OxRangeVar *rv = ds->names->items[i];
		OxCatObject *other;
		OxSequence *sq = find_sequence (s, rv->schema, rv->name, true, &other);
		if (!sq) {
			if (other) {
				const char *hint = other->kind == OX_KIND_VIEW ? "Use DROP VIEW to remove a view."
				                   : other->kind == OX_KIND_INDEX ? "Use DROP INDEX to remove an index."
				                   : "Use DROP TABLE to remove a table.";
				ox_raise_full (OX_ERR_WRONG_OBJECT_TYPE, rv->node.loc + 1, NULL, hint, "\"%s\" is not a sequence", rv->name);
			}
			if (ds->if_exists) {
				ox_session_notice (s, "00000", "sequence \"%s\" does not exist, skipping", rv->name);
				continue;
			}
			ox_raise (OX_ERR_UNDEFINED_TABLE, rv->node.loc + 1, "sequence \"%s\" does not exist", rv->name);
		}
		int col = 0;
		OxTable *user = default_user (s, sq, &col);
		if (user) {
			if (ds->cascade)
				ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, rv->node.loc + 1,
				          "DROP SEQUENCE ... CASCADE of a sequence a column default uses is not supported yet");
			char *detail = g_strdup_printf ("default value for column %s of table %s depends on sequence %s",
			                                user->cols[col].name, user->obj.name, sq->obj.name);
			char *d2 = ox_arena_strdup (x->arena, detail);
			g_free (detail);
			ox_raise_full (OX_ERR_DEPENDENT_OBJECTS, rv->node.loc + 1, d2,
			               "Use DROP ... CASCADE to drop the dependent objects too.",
			               "cannot drop sequence %s because other objects depend on it", sq->obj.name);
		}
		ox_catalog_drop (s->db->catalog, t, &sq->obj);
	}
}

/* ---- serial columns ----------------------------------------------------------- */

bool
ox_serial_type (const OxTypeName *tn, OxType *type)
{
	if (!tn || tn->is_array || tn->nmods)
		return false;
	const char *n = tn->name;
	type->typmod = -1;
	if (!strcmp (n, "serial") || !strcmp (n, "serial4"))
		type->id = OX_T_INT4;
	else if (!strcmp (n, "bigserial") || !strcmp (n, "serial8"))
		type->id = OX_T_INT8;
	else if (!strcmp (n, "smallserial") || !strcmp (n, "serial2"))
		type->id = OX_T_INT2;
	else
		return false;
	return true;
}

void
ox_identity_check (const char *table, const OxColumn *col, bool twice, bool serial, int loc)
{
	if (twice)
		ox_raise (OX_ERR_SYNTAX, loc, "multiple identity specifications for column \"%s\" of table \"%s\"",
		          col->name, table);
	if (serial)
		ox_raise (OX_ERR_SYNTAX, loc, "both default and identity specified for column \"%s\" of table \"%s\"",
		          col->name, table);
	OxTypeId t = col->type.id;
	if (t != OX_T_INT2 && t != OX_T_INT4 && t != OX_T_INT8)
		ox_raise (OX_ERR_INVALID_PARAMETER, loc, "identity column type must be smallint, integer, or bigint");
}

void
ox_serial_create (OxSession *s, OxTable *tab, int colno, const char *name, char identity, const OxSeqOptions *opts)
{
	OxSequence tmp = { 0 };
	tmp.obj.schema = tab->obj.schema;
	tmp.type = tab->cols[colno].type.id;
	int64_t restart_to = 0;
	bool restart = false;
	if (opts && opts->has_owned)
		ox_raise (OX_ERR_SYNTAX, opts->owned_loc + 1, "conflicting or redundant options");
	apply_options (s, &tmp, opts, false, &restart_to, &restart);
	OxArena *a = ox_catalog_arena_new ();
	OxSequence *sq = OX_NEW (a, OxSequence);
	*sq = tmp;
	sq->obj.kind = OX_KIND_SEQUENCE;
	sq->obj.name = g_strdup (name);
	sq->obj.arena = a;
	sq->owner_table = tab->obj.oid;
	sq->owner_col = colno;
	sq->identity = identity;
	sq->state = ox_seq_state_new (sq->start, false);
	ox_catalog_register (s->db->catalog, s->txn, &sq->obj);
}

void
ox_sequences_restart_owned (OxSession *s, OxTable *tab)
{
	GPtrArray *all = ox_catalog_list (s->db->catalog, s->txn, OX_KIND_SEQUENCE);
	for (guint i = 0; i < all->len; i++) {
		OxSequence *sq = all->pdata[i];
		if (sq->owner_table == tab->obj.oid)
			ox_sequence_setval (sq, s->db->wal, sync_full (s), sq->start, false);
	}
	g_ptr_array_unref (all);
}

void
ox_sequences_drop_owned (OxSession *s, OxTable *tab)
{
	GPtrArray *all = ox_catalog_list (s->db->catalog, s->txn, OX_KIND_SEQUENCE);
	for (guint i = 0; i < all->len; i++) {
		OxSequence *sq = all->pdata[i];
		if (sq->owner_table == tab->obj.oid && !ox_cat_dropped_latest (&sq->obj, s->txn))
			ox_catalog_drop (s->db->catalog, s->txn, &sq->obj);
	}
	g_ptr_array_unref (all);
}

/* ---- functions ------------------------------------------------------------------ */

static OxSession *
fn_session (OxFuncCtx *ctx)
{
	if (!ctx->x || !ctx->x->session)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "sequence functions need a session");
	return ctx->x->session;
}

/* Split a regclass text ("a.b", "\"A\".b") into schema and name. */
static void
split_name (OxArena *a, const char *text, size_t len, const char **schema, const char **name)
{
	const char *parts[3] = { NULL, NULL, NULL };
	int n = 0;
	size_t i = 0;
	while (i <= len && n < 3) {
		GString *g = g_string_new (NULL);
		if (i < len && text[i] == '"') {
			i++;
			while (i < len) {
				if (text[i] == '"' && i + 1 < len && text[i + 1] == '"') {
					g_string_append_c (g, '"');
					i += 2;
				} else if (text[i] == '"') {
					i++;
					break;
				} else
					g_string_append_c (g, text[i++]);
			}
		} else {
			while (i < len && text[i] != '.')
				g_string_append_c (g, g_ascii_tolower (text[i++]));
		}
		parts[n++] = ox_arena_strdup (a, g->str);
		g_string_free (g, TRUE);
		if (i < len && text[i] == '.')
			i++;
		else
			break;
	}
	*schema = n >= 2 ? parts[n - 2] : NULL;
	*name = parts[n - 1] ? parts[n - 1] : "";
}

static OxSequence *
seq_arg (OxFuncCtx *ctx, const OxValue *v)
{
	OxSession *s = fn_session (ctx);
	if (v->type == OX_T_INT8 || v->type == OX_T_INT4) {
		OxCatObject *o = v->v.i > 0 && v->v.i <= G_MAXUINT32 ? ox_catalog_by_oid (ctx->x->catalog, (uint32_t) v->v.i) : NULL;
		if (o && o->kind == OX_KIND_SEQUENCE && !o->aborted) {
			/* the version this transaction sees */
			int64_t name_oid = o->oid;
			OxSequence *sq = find_sequence (s, o->schema->obj.name, o->name, false, NULL);
			if (sq && sq->obj.oid == name_oid)
				return sq;
			return (OxSequence *) o;
		}
		if (o && !o->aborted)
			ox_raise (OX_ERR_WRONG_OBJECT_TYPE, 0, "\"%s\" is not a sequence", o->name);
		ox_raise (OX_ERR_UNDEFINED_TABLE, 0, "could not open relation with OID %" G_GINT64_FORMAT, v->v.i);
	}
	const char *schema, *name;
	split_name (ctx->arena, v->v.str, v->len, &schema, &name);
	OxCatObject *other;
	OxSequence *sq = find_sequence (s, schema, name, false, &other);
	if (!sq) {
		if (other)
			ox_raise (OX_ERR_WRONG_OBJECT_TYPE, 0, "\"%s\" is not a sequence", name);
		ox_raise (OX_ERR_UNDEFINED_TABLE, 0, "relation \"%s%s%s\" does not exist", schema ? schema : "",
		          schema ? "." : "", name);
	}
	return sq;
}

static void
remember (OxSession *s, OxSequence *sq, int64_t v)
{
	if (!s->seq_values)
		s->seq_values = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
	int64_t *p = g_new (int64_t, 1);
	*p = v;
	g_hash_table_insert (s->seq_values, GUINT_TO_POINTER (sq->obj.oid), p);
	s->lastval_oid = sq->obj.oid;
}

/* nextval and setval change the sequence: not in a READ ONLY transaction */
static void
check_writable (OxFuncCtx *ctx, const char *fn)
{
	if (ctx->x->txn && ctx->x->txn->read_only)
		ox_raise ("25006", 0, "cannot execute %s() in a read-only transaction", fn);
}

static void
fn_nextval (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	OxSequence *sq = seq_arg (ctx, &args[0]);
	check_writable (ctx, "nextval");
	OxSession *s = fn_session (ctx);
	int64_t v = ox_sequence_nextval (sq, s->db->wal, sync_full (s));
	remember (s, sq, v);
	*result = ox_int (OX_T_INT8, v);
}

static void
fn_currval (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	OxSequence *sq = seq_arg (ctx, &args[0]);
	OxSession *s = fn_session (ctx);
	int64_t *p = s->seq_values ? g_hash_table_lookup (s->seq_values, GUINT_TO_POINTER (sq->obj.oid)) : NULL;
	if (!p)
		ox_raise ("55000", 0, "currval of sequence \"%s\" is not yet defined in this session", sq->obj.name);
	*result = ox_int (OX_T_INT8, *p);
}

static void
fn_lastval (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	(void) args;
	OxSession *s = fn_session (ctx);
	int64_t *p = s->seq_values && s->lastval_oid
	             ? g_hash_table_lookup (s->seq_values, GUINT_TO_POINTER (s->lastval_oid)) : NULL;
	OxCatObject *o = s->lastval_oid ? ox_catalog_by_oid (ctx->x->catalog, s->lastval_oid) : NULL;
	if (!p || !o || o->aborted || ox_cat_dropped_latest (o, ctx->x->txn))
		ox_raise ("55000", 0, "lastval is not yet defined in this session");
	*result = ox_int (OX_T_INT8, *p);
}

static void
fn_setval (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	OxSequence *sq = seq_arg (ctx, &args[0]);
	check_writable (ctx, "setval");
	OxSession *s = fn_session (ctx);
	bool called = nargs < 3 || args[2].v.b;
	ox_sequence_setval (sq, s->db->wal, sync_full (s), args[1].v.i, called);
	if (called)
		remember (s, sq, args[1].v.i);
	*result = ox_int (OX_T_INT8, args[1].v.i);
}

/* pg_get_serial_sequence('table', 'column'): the owned sequence's
 * schema-qualified name, or NULL. */
static void
fn_pg_get_serial_sequence (OxFuncCtx *ctx, int nargs, const OxValue *args, OxValue *result)
{
	(void) nargs;
	OxSession *s = fn_session (ctx);
	const char *schema, *name;
	split_name (ctx->arena, args[0].v.str, args[0].len, &schema, &name);
	OxTable *tab = ox_session_relation (s, schema, name);
	if (!tab)
		ox_raise (OX_ERR_UNDEFINED_TABLE, 0, "relation \"%s\" does not exist", name);
	char *col = ox_arena_strndup (ctx->arena, args[1].v.str, args[1].len);
	int colno = -1;
	for (int i = 0; i < tab->ncols; i++)
		if (!strcmp (tab->cols[i].name, col))
			colno = i;
	if (colno < 0)
		ox_raise (OX_ERR_UNDEFINED_COLUMN, 0, "column \"%s\" of relation \"%s\" does not exist", col, tab->obj.name);
	*result = ox_null (OX_T_TEXT);
	GPtrArray *all = ox_catalog_list (ctx->x->catalog, ctx->x->txn, OX_KIND_SEQUENCE);
	for (guint i = 0; i < all->len; i++) {
		OxSequence *sq = all->pdata[i];
		if (sq->owner_table == tab->obj.oid && sq->owner_col == colno) {
			char *t = ox_arena_printf (ctx->arena, "%s.%s", sq->obj.schema->obj.name, sq->obj.name);
			*result = ox_text (OX_T_TEXT, t, strlen (t));
			break;
		}
	}
	g_ptr_array_unref (all);
}

#define TXT OX_T_TEXT
#define I8 OX_T_INT8
#define BOOL OX_T_BOOL

static const OxBuiltin sequence_builtins[] = {
	{ "nextval",                1, { TXT },           I8,  true, OX_VOLATILE, fn_nextval },
	{ "nextval",                1, { I8 },            I8,  true, OX_VOLATILE, fn_nextval },
	{ "currval",                1, { TXT },           I8,  true, OX_VOLATILE, fn_currval },
	{ "currval",                1, { I8 },            I8,  true, OX_VOLATILE, fn_currval },
	{ "lastval",                0, { 0 },             I8,  true, OX_VOLATILE, fn_lastval },
	{ "setval",                 2, { TXT, I8 },       I8,  true, OX_VOLATILE, fn_setval },
	{ "setval",                 2, { I8, I8 },        I8,  true, OX_VOLATILE, fn_setval },
	{ "setval",                 3, { TXT, I8, BOOL }, I8,  true, OX_VOLATILE, fn_setval },
	{ "setval",                 3, { I8, I8, BOOL },  I8,  true, OX_VOLATILE, fn_setval },
	{ "pg_get_serial_sequence", 2, { TXT, TXT },      TXT, true, OX_STABLE,   fn_pg_get_serial_sequence },
};

const OxBuiltin *
ox_sequence_builtins (size_t *n_out)
{
	*n_out = G_N_ELEMENTS (sequence_builtins);
	return sequence_builtins;
}

void
ox_sequences_session_free (OxSession *s)
{
	if (s->seq_values)
		g_hash_table_unref (s->seq_values);
	s->seq_values = NULL;
	s->lastval_oid = 0;
}

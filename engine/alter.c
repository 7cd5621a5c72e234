/*
 * alter.c — ALTER TABLE (columns, renames), ALTER VIEW / INDEX ... RENAME,
 * ALTER FUNCTION / PROCEDURE / ROUTINE ... RENAME TO.
 *
 * Catalog objects are immutable (catalog.h), so every ALTER registers new
 * versions under the same oids and drops the old ones, in the statement's
 * transaction: ROLLBACK brings the old versions back, other transactions
 * go on seeing them until commit, and the WAL holds ordinary drop and
 * create operations that recovery already replays.
 *
 * ALTER TABLE builds the new table from a draft of the old one (columns,
 * checks, indexes) with every action applied in order, then drops the old
 * table with its indexes and triggers, registers the new one (same oid,
 * so views' and routines' dependencies stay valid), copies the rows this
 * transaction sees into new storage (computing added, dropped and retyped
 * columns, checking NOT NULL and CHECK constraints), rebuilds the indexes
 * over them and moves the triggers.  The rows are rewritten even for a
 * rename: it costs time and WAL in proportion to the table, and keeps a
 * single path through storage and recovery.
 *
 * What can go wrong, and what we do:
 * - Views store their SELECT text and re-parse it (catalog.h), where
 *   PostgreSQL binds them by oid.  Renaming a table or view rewrites the
 *   FROM-list references in the texts of the views that read it, checked
 *   by binding them again (see "views over a renamed relation" below);
 *   what cannot be rewritten safely is refused (0A000).  Renaming a column
 *   a view reads is refused (0A000); DROP COLUMN of a column a view reads is 2BP01 unless
 *   CASCADE (which drops the view), as in PostgreSQL; ADD COLUMN is
 *   refused under a view that selects '*' (it would widen the view).  A
 *   view "reads" a column when its text holds that identifier or a '*'
 *   (conservative: it may refuse what PostgreSQL allows, never the reverse).
 * - Functions returning the table's row type keep the row shape they were
 *   created with: column changes under them are refused (0A000).
 * - Routine bodies name tables; they fail at their next call after a
 *   rename, as PostgreSQL's do.
 * - CHECK and trigger WHEN sources name columns: renaming such a column is
 *   refused (0A000) rather than leaving a constraint that cannot be bound.
 * - Triggers, event triggers and schedules name their routine: renaming a
 *   function re-registers the triggers under the new name, and is refused
 *   (0A000) while an event trigger or a schedule calls it.
 * - ALTER SCHEMA RENAME is refused (0A000): objects point at their schema
 *   version, which a new version would orphan.
 */
#include "alter.h"
#include "session.h"
#include "catalog/catalog.h"
#include "plan/plan.h"
#include "pl/trigger.h"
#include "pl/routine.h"
#include "sched/schedule.h"
#include "exec/sequences.h"
#include "base/error.h"
#include "base/cast.h"
#include "sql/lexer.h"

#include <string.h>

OxType ox_resolve_typename (OxExec *x, OxArena *a, OxTypeName *tn);

/* ---- helpers ---------------------------------------------------------------------------------- */

/* Does source text src hold identifier 'name' (or a '*' when star)? */
static bool
src_mentions (const char *src, const char *name, bool star)
{
	if (!src)
		return false;
	OxArena *a = ox_arena_new ();
	OxLexer lx;
	ox_lexer_init (&lx, a, src, strlen (src));
	bool found = false;
	volatile bool bad = false;
	OX_TRY {
		for (;;) {
			OxToken tk;
			ox_lex (&lx, &tk);
			if (tk.kind == OX_TOK_EOF)
				break;
			if (tk.kind == OX_TOK_IDENT && !strcmp (ox_ident_fold (a, src + tk.loc, (size_t) tk.len), name))
				found = true;
			else if (tk.kind == OX_TOK_QIDENT && !strcmp (tk.str, name))
				found = true;
			else if (star && tk.kind == OX_TOK_CHAR && tk.ch == '*')
				found = true;
			if (found)
				break;
		}
	} OX_CATCH {
		bad = true;
	} OX_END_TRY;
	if (bad) {
		OxErrorData e;
		ox_error_take (&e);
		ox_error_data_clear (&e);
		found = true;  /* cannot tell: assume it does */
	}
	ox_arena_free (a);
	return found;
}

/* Views (visible to the DDL rules) that read relation oid. */
static GPtrArray *
views_on (OxSession *s, uint32_t oid)
{
	GPtrArray *all = ox_catalog_list (s->db->catalog, s->txn, OX_KIND_VIEW);
	GPtrArray *out = g_ptr_array_new ();
	for (guint i = 0; i < all->len; i++) {
		OxTable *v = all->pdata[i];
		for (int k = 0; k < v->ndeps; k++)
			if (v->deps[k] == oid) {
				g_ptr_array_add (out, v);
				break;
			}
	}
	g_ptr_array_unref (all);
	return out;
}

static void
refuse_if_views (OxSession *s, OxExec *x, OxTable *tab, const char *col, bool star, const char *what)
{
	GPtrArray *vs = views_on (s, tab->obj.oid);
	ox_arena_on_free (x->arena, (void (*) (void *)) g_ptr_array_unref, vs);
	for (guint i = 0; i < vs->len; i++) {
		OxTable *v = vs->pdata[i];
		if (col && !src_mentions (v->view_src, col, star))
			continue;
		ox_raise_full (OX_ERR_FEATURE_NOT_SUPPORTED, 0,
		               ox_arena_printf (x->arena, "view %s depends on %s %s", v->obj.name,
		                                tab->view_query ? "view" : "table", tab->obj.name),
		               "Drop the view, make the change, and create the view again.",
		               "cannot %s while view \"%s\" depends on it (not supported yet)", what, v->obj.name);
	}
}

static void
refuse_if_rowtype_routines (OxSession *s, OxTable *tab)
{
	GPtrArray *all = ox_catalog_list (s->db->catalog, s->txn, OX_KIND_ROUTINE);
	OxRoutine *hit = NULL;
	for (guint i = 0; i < all->len && !hit; i++)
		if (((OxRoutine *) all->pdata[i])->rowtype_oid == tab->obj.oid)
			hit = all->pdata[i];
	g_ptr_array_unref (all);
	if (hit)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0,
		          "cannot change the columns of table \"%s\" while function %s returns its row type (not supported yet)",
		          tab->obj.name, hit->signature);
}

/* ---- the draft of the new table ---------------------------------------------------------------- */

typedef struct DCol {
	const char *name;
	OxType      type;
	bool        notnull;
	const char *default_src;
	OxNode     *default_orig;  /* as parsed from this statement (binding, errors), or NULL */
	int         src;           /* old column number, -1 when added */
	bool        retype;        /* cast the old value (or USING) */
	OxNode     *using_expr;    /* USING, over the old row */
	const char *fill_src;      /* added: the DEFAULT it was added with, which existing
	                              rows get (not one SET later in the statement) */
	bool        dropped;
} DCol;

typedef struct DIdx {
	const char *name;
	int         nkeys;
	int        *cols;          /* draft column numbers */
	bool       *desc;
	bool        unique, primary, is_constraint;
	uint32_t    oid;           /* the old index's (kept), 0 = new */
	bool        dropped;
} DIdx;

typedef struct DChk {
	const char *name;
	const char *src;
	OxNode     *orig;          /* from this statement, or NULL */
	bool        dropped;
} DChk;

typedef struct Draft {
	OxTable    *old;
	const char *name;
	int         ncols, capcols;
	DCol       *cols;
	GPtrArray  *idx;           /* DIdx* (statement arena) */
	GPtrArray  *chk;           /* DChk* */
} Draft;

static int
draft_col (Draft *d, const char *name)
{
	for (int i = 0; i < d->ncols; i++)
		if (!d->cols[i].dropped && !strcmp (d->cols[i].name, name))
			return i;
	return -1;
}

static int
draft_col_or_raise (Draft *d, const char *name, int loc)
{
	int c = draft_col (d, name);
	if (c < 0)
		ox_raise (OX_ERR_UNDEFINED_COLUMN, loc, "column \"%s\" of relation \"%s\" does not exist", name, d->old->obj.name);
	return c;
}

static void
draft_init (Draft *d, OxSession *s, OxExec *x, OxTable *tab, int extra)
{
	OxArena *a = x->arena;
	d->old = tab;
	d->name = tab->obj.name;
	d->ncols = tab->ncols;
	d->capcols = tab->ncols + extra + 1;
	d->cols = OX_NEW_N (a, DCol, d->capcols);
	for (int i = 0; i < tab->ncols; i++) {
		DCol *c = &d->cols[i];
		c->name = tab->cols[i].name;
		c->type = tab->cols[i].type;
		c->notnull = tab->cols[i].notnull;
		c->default_src = tab->cols[i].default_src;
		c->src = i;
	}
	d->idx = g_ptr_array_new ();
	d->chk = g_ptr_array_new ();
	ox_arena_on_free (a, (void (*) (void *)) g_ptr_array_unref, d->idx);
	ox_arena_on_free (a, (void (*) (void *)) g_ptr_array_unref, d->chk);
	GPtrArray *ixs = ox_catalog_table_indexes (s->db->catalog, s->txn, tab);
	for (guint i = 0; i < ixs->len; i++) {
		OxIndex *ix = ixs->pdata[i];
		DIdx *di = OX_NEW (a, DIdx);
		di->name = ix->obj.name;
		di->nkeys = ix->nkeys;
		di->cols = ox_arena_memdup (a, ix->colnos, sizeof (int) * (size_t) ix->nkeys);
		di->desc = ox_arena_memdup (a, ix->desc, sizeof (bool) * (size_t) ix->nkeys);
		di->unique = ix->unique;
		di->primary = ix->primary;
		di->is_constraint = ix->is_constraint;
		di->oid = ix->obj.oid;
		g_ptr_array_add (d->idx, di);
	}
	g_ptr_array_unref (ixs);
	for (int i = 0; i < tab->nchecks; i++) {
		DChk *ck = OX_NEW (a, DChk);
		ck->name = tab->checks[i].name;
		ck->src = tab->checks[i].src;
		g_ptr_array_add (d->chk, ck);
	}
}

static bool
constraint_name_taken (Draft *d, const char *name)
{
	for (guint i = 0; i < d->chk->len; i++) {
		DChk *ck = d->chk->pdata[i];
		if (!ck->dropped && !strcmp (ck->name, name))
			return true;
	}
	for (guint i = 0; i < d->idx->len; i++) {
		DIdx *di = d->idx->pdata[i];
		if (!di->dropped && di->is_constraint && di->name && !strcmp (di->name, name))
			return true;
	}
	return false;
}

/* A relation name free in schema sc (DDL rules), other than the indexes
 * this draft drops or renames away. */
static bool
relname_free (OxSession *s, Draft *d, OxSchema *sc, const char *name)
{
	OxCatObject *o = ox_catalog_relname_taken (s->db->catalog, s->txn, sc, name);
	if (!o)
		return true;
	for (guint i = 0; i < d->idx->len; i++) {
		DIdx *di = d->idx->pdata[i];
		if (di->oid == o->oid)
			return di->dropped || strcmp (di->name, name) != 0;
	}
	return o->oid == d->old->obj.oid && strcmp (d->name, name) != 0;
}

static char *
choose_relname (OxSession *s, Draft *d, OxExec *x, const char *base)
{
	char *name = ox_arena_strdup (x->arena, base);
	for (int i = 1; !relname_free (s, d, d->old->obj.schema, name); i++)
		name = ox_arena_printf (x->arena, "%s%d", base, i);
	return name;
}

/* ---- the actions ------------------------------------------------------------------------------ */

static void
add_column (OxSession *s, OxExec *x, Draft *d, OxAlterCmd *cmd)
{
	OxColumnDef *cd = cmd->coldef;
	int loc = cd->node.loc + 1;
	if (draft_col (d, cd->name) >= 0) {
		if (cmd->missing_ok) {
			ox_session_notice (s, "42701", "column \"%s\" of relation \"%s\" already exists, skipping", cd->name,
			                   d->old->obj.name);
			return;
		}
		ox_raise (OX_ERR_DUPLICATE_COLUMN, 0, "column \"%s\" of relation \"%s\" already exists", cd->name,
		          d->old->obj.name);
	}
	if (d->ncols >= 1600)
		ox_raise (OX_ERR_PROGRAM_LIMIT, loc, "tables can have at most 1600 columns");
	refuse_if_views (s, x, d->old, "*", true, "add a column to a table");
	refuse_if_rowtype_routines (s, d->old);
	int n = d->ncols++;
	DCol *c = &d->cols[n];
	memset (c, 0, sizeof *c);
	c->name = cd->name;
	/* a new column with its own sequence (serial, identity) would need the
	 * sequence made and every existing row numbered from it: not yet */
	OxType serial_type;
	if (ox_serial_type (cd->type, &serial_type))
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, loc,
		          "adding a serial column with ALTER TABLE is not supported yet");
	c->type = ox_resolve_typename (x, x->arena, cd->type);
	c->src = -1;
	for (int k = 0; k < OX_LIST_N (cd->constraints); k++) {
		OxConstraint *cn = cd->constraints->items[k];
		switch (cn->type) {
		case OX_CONSTR_NOTNULL:
			c->notnull = true;
			break;
		case OX_CONSTR_NULL:
			break;
		case OX_CONSTR_DEFAULT:
			c->default_src = cn->expr_src;
			c->default_orig = cn->expr;
			c->fill_src = cn->expr_src;
			break;
		case OX_CONSTR_CHECK: {
			DChk *ck = OX_NEW (x->arena, DChk);
			ck->name = cn->name ? cn->name : ox_arena_printf (x->arena, "%s_%s_check", d->old->obj.name, c->name);
			if (constraint_name_taken (d, ck->name))
				ox_raise (OX_ERR_DUPLICATE_OBJECT, 0, "constraint \"%s\" for relation \"%s\" already exists", ck->name,
				          d->old->obj.name);
			ck->src = cn->expr_src;
			ck->orig = cn->expr;
			g_ptr_array_add (d->chk, ck);
			break;
		}
		case OX_CONSTR_PRIMARY:
		case OX_CONSTR_UNIQUE: {
			bool primary = cn->type == OX_CONSTR_PRIMARY;
			if (primary) {
				for (guint i = 0; i < d->idx->len; i++) {
					DIdx *o = d->idx->pdata[i];
					if (o->primary && !o->dropped)
						ox_raise ("42P16", cn->node.loc + 1, "multiple primary keys for table \"%s\" are not allowed",
						          d->old->obj.name);
				}
				c->notnull = true;
			}
			DIdx *di = OX_NEW (x->arena, DIdx);
			di->nkeys = 1;
			di->cols = OX_NEW_N (x->arena, int, 1);
			di->cols[0] = n;
			di->desc = OX_NEW_N (x->arena, bool, 1);
			di->unique = true;
			di->primary = primary;
			di->is_constraint = true;
			di->name = cn->name;  /* chosen when built when NULL */
			g_ptr_array_add (d->idx, di);
			break;
		}
		case OX_CONSTR_FOREIGN:
			ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, cn->node.loc + 1, "foreign keys are not supported yet");
		case OX_CONSTR_IDENTITY:
			ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, cn->node.loc + 1,
			          "adding an identity column with ALTER TABLE is not supported yet");
		}
	}
}

static void
drop_column (OxSession *s, OxExec *x, Draft *d, OxAlterCmd *cmd)
{
	int c = draft_col (d, cmd->name);
	if (c < 0) {
		if (cmd->missing_ok) {
			ox_session_notice (s, "00000", "column \"%s\" of relation \"%s\" does not exist, skipping", cmd->name,
			                   d->old->obj.name);
			return;
		}
		ox_raise (OX_ERR_UNDEFINED_COLUMN, 0, "column \"%s\" of relation \"%s\" does not exist", cmd->name,
		          d->old->obj.name);
	}
	refuse_if_rowtype_routines (s, d->old);
	/* views reading the column: 2BP01, or dropped with CASCADE */
	GPtrArray *vs = views_on (s, d->old->obj.oid);
	ox_arena_on_free (x->arena, (void (*) (void *)) g_ptr_array_unref, vs);
	for (guint i = 0; i < vs->len; i++) {
		OxTable *v = vs->pdata[i];
		if (!src_mentions (v->view_src, cmd->name, true))
			continue;
		if (!cmd->cascade)
			ox_raise_full (OX_ERR_DEPENDENT_OBJECTS, 0,
			               ox_arena_printf (x->arena, "view %s depends on column %s of table %s", v->obj.name,
			                                cmd->name, d->old->obj.name),
			               "Use DROP ... CASCADE to drop the dependent objects too.",
			               "cannot drop column %s of table %s because other objects depend on it", cmd->name,
			               d->old->obj.name);
		if (__atomic_load_n (&v->obj.xmax, __ATOMIC_ACQUIRE) == s->txn->id)
			continue;
		ox_session_drop_dependent_views (s, x, &v->obj, true, 0);
		ox_session_notice (s, "00000", "drop cascades to view %s", v->obj.name);
		ox_catalog_drop (s->db->catalog, s->txn, &v->obj);
	}
	d->cols[c].dropped = true;
	/* indexes and checks over the column go with it, as in PostgreSQL */
	for (guint i = 0; i < d->idx->len; i++) {
		DIdx *di = d->idx->pdata[i];
		for (int k = 0; k < di->nkeys; k++)
			if (di->cols[k] == c)
				di->dropped = true;
	}
	for (guint i = 0; i < d->chk->len; i++) {
		DChk *ck = d->chk->pdata[i];
		if (src_mentions (ck->src, cmd->name, false))
			ck->dropped = true;
	}
}

static void
rename_column (OxSession *s, OxExec *x, Draft *d, OxAlterCmd *cmd)
{
	int c = draft_col (d, cmd->name);
	if (c < 0)
		ox_raise (OX_ERR_UNDEFINED_COLUMN, 0, "column \"%s\" does not exist", cmd->name);
	if (draft_col (d, cmd->new_name) >= 0)
		ox_raise (OX_ERR_DUPLICATE_COLUMN, 0, "column \"%s\" of relation \"%s\" already exists", cmd->new_name,
		          d->old->obj.name);
	refuse_if_views (s, x, d->old, cmd->name, true, "rename a column");
	refuse_if_rowtype_routines (s, d->old);
	for (guint i = 0; i < d->chk->len; i++) {
		DChk *ck = d->chk->pdata[i];
		if (!ck->dropped && src_mentions (ck->src, cmd->name, false))
			ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0,
			          "cannot rename column \"%s\": check constraint \"%s\" uses it (not supported yet)", cmd->name,
			          ck->name);
	}
	GPtrArray *trigs = ox_catalog_table_triggers (s->db->catalog, s->txn, d->old, true);
	ox_arena_on_free (x->arena, (void (*) (void *)) g_ptr_array_unref, trigs);
	for (guint i = 0; i < trigs->len; i++) {
		OxTrigger *tg = trigs->pdata[i];
		if (src_mentions (tg->when_src, cmd->name, false))
			ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0,
			          "cannot rename column \"%s\": the WHEN condition of trigger \"%s\" uses it (not supported yet)",
			          cmd->name, tg->obj.name);
	}
	d->cols[c].name = cmd->new_name;
}

static void
rename_constraint (OxSession *s, Draft *d, OxAlterCmd *cmd)
{
	if (constraint_name_taken (d, cmd->new_name))
		ox_raise (OX_ERR_DUPLICATE_OBJECT, 0, "constraint \"%s\" for relation \"%s\" already exists", cmd->new_name,
		          d->old->obj.name);
	for (guint i = 0; i < d->chk->len; i++) {
		DChk *ck = d->chk->pdata[i];
		if (!ck->dropped && !strcmp (ck->name, cmd->name)) {
			ck->name = cmd->new_name;
			return;
		}
	}
	for (guint i = 0; i < d->idx->len; i++) {
		DIdx *di = d->idx->pdata[i];
		if (!di->dropped && di->is_constraint && di->name && !strcmp (di->name, cmd->name)) {
			/* the index is the constraint: it takes the new name too */
			if (!relname_free (s, d, d->old->obj.schema, cmd->new_name))
				ox_raise (OX_ERR_DUPLICATE_TABLE, 0, "relation \"%s\" already exists", cmd->new_name);
			di->name = cmd->new_name;
			return;
		}
	}
	ox_raise (OX_ERR_UNDEFINED_OBJECT, 0, "constraint \"%s\" for table \"%s\" does not exist", cmd->name,
	          d->old->obj.name);
}

/* DROP CONSTRAINT: a check goes from the table; a primary key or unique
 * constraint takes its index with it.  Nothing else can depend on one
 * (no foreign keys yet), so CASCADE and RESTRICT do the same.  The
 * columns of a dropped primary key stay NOT NULL, as in PostgreSQL. */
static void
drop_constraint (OxSession *s, Draft *d, OxAlterCmd *cmd)
{
	for (guint i = 0; i < d->chk->len; i++) {
		DChk *ck = d->chk->pdata[i];
		if (!ck->dropped && !strcmp (ck->name, cmd->name)) {
			ck->dropped = true;
			return;
		}
	}
	for (guint i = 0; i < d->idx->len; i++) {
		DIdx *di = d->idx->pdata[i];
		if (!di->dropped && di->is_constraint && di->name && !strcmp (di->name, cmd->name)) {
			di->dropped = true;
			return;
		}
	}
	if (cmd->missing_ok) {
		ox_session_notice (s, "00000", "constraint \"%s\" of relation \"%s\" does not exist, skipping", cmd->name,
		                   d->old->obj.name);
		return;
	}
	ox_raise (OX_ERR_UNDEFINED_OBJECT, 0, "constraint \"%s\" of relation \"%s\" does not exist", cmd->name,
	          d->old->obj.name);
}

static void
alter_type (OxSession *s, OxExec *x, Draft *d, OxAlterCmd *cmd)
{
	int c = draft_col_or_raise (d, cmd->name, 0);
	DCol *col = &d->cols[c];
	OxType ty = ox_resolve_typename (x, x->arena, cmd->type);
	GPtrArray *vs = views_on (s, d->old->obj.oid);
	ox_arena_on_free (x->arena, (void (*) (void *)) g_ptr_array_unref, vs);
	for (guint i = 0; i < vs->len; i++) {
		OxTable *v = vs->pdata[i];
		if (src_mentions (v->view_src, cmd->name, true))
			ox_raise_full (OX_ERR_FEATURE_NOT_SUPPORTED, 0,
			               ox_arena_printf (x->arena, "view %s depends on column \"%s\"", v->obj.name, cmd->name),
			               NULL, "cannot alter type of a column used by a view or rule");
	}
	refuse_if_rowtype_routines (s, d->old);
	if (col->src < 0 || col->retype)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0,
		          "cannot alter type of column \"%s\" twice or after adding it in the same statement", cmd->name);
	if (cmd->expr)
		col->using_expr = cmd->expr;
	else if (col->type.id != ty.id) {
		char ctx = ox_cast_context (col->type.id, ty.id);
		if (ctx != 'i' && ctx != 'a') {
			char *tn = ox_type_format (x->arena, ty);
			ox_raise_full (OX_ERR_DATATYPE_MISMATCH, 0, NULL,
			               ox_arena_printf (x->arena, "You might need to specify \"USING %s::%s\".", cmd->name, tn),
			               "column \"%s\" cannot be cast automatically to type %s", cmd->name, tn);
		}
	}
	if (col->default_src && col->type.id != ty.id) {
		/* the default must convert to the new type, as PostgreSQL checks */
		char ctx = ox_cast_context (col->type.id, ty.id);
		if (ctx != 'i' && ctx != 'a')
			ox_raise (OX_ERR_DATATYPE_MISMATCH, 0, "default for column \"%s\" cannot be cast automatically to type %s",
			          cmd->name, ox_type_format (x->arena, ty));
	}
	col->type = ty;
	col->retype = true;
}

static void
set_not_null (Draft *d, OxAlterCmd *cmd, bool on)
{
	int c = draft_col_or_raise (d, cmd->name, 0);
	if (!on) {
		for (guint i = 0; i < d->idx->len; i++) {
			DIdx *di = d->idx->pdata[i];
			if (!di->dropped && di->primary)
				for (int k = 0; k < di->nkeys; k++)
					if (di->cols[k] == c)
						ox_raise ("42P16", 0, "column \"%s\" is in a primary key", cmd->name);
		}
	}
	d->cols[c].notnull = on;
}

/* ---- building the new version ------------------------------------------------------------------ */

/* The trigger tg (of the old table) on table nt, its UPDATE OF columns
 * renumbered by map (old column -> new, -1 when gone; NULL: the same). */
static OxTrigger *
trigger_for (OxTrigger *src, OxTable *nt, const int *map)
{
	OxArena *a = ox_catalog_arena_new ();
	OxTrigger *tg = OX_NEW (a, OxTrigger);
	*tg = *src;  /* strings and parsed WHEN stay in the old version's arena, which lives as long */
	memset (&tg->obj, 0, sizeof tg->obj);
	tg->obj.kind = OX_KIND_TRIGGER;
	tg->obj.oid = src->obj.oid;
	tg->obj.name = g_strdup (src->obj.name);
	tg->obj.schema = nt->obj.schema;
	tg->obj.arena = a;
	tg->table = nt;
	tg->update_cols = OX_NEW_N (a, int, src->nupdate_cols + 1);
	int n = 0;
	for (int i = 0; i < src->nupdate_cols; i++)
		if (!map || map[src->update_cols[i]] >= 0)
			tg->update_cols[n++] = map ? map[src->update_cols[i]] : src->update_cols[i];
	tg->nupdate_cols = n;
	return tg;
}

/* Bind an expression parsed from stored source (a CHECK kept across a
 * retype): its positions are offsets into that source, not into this
 * statement, so an error loses them. */
static OxExpr *
bind_stored (OxExec *x, OxSession *s, OxTable *t, OxNode *expr)
{
	OxExpr *volatile e = NULL;
	volatile bool failed = false;
	OX_TRY {
		e = ox_bind_table_expr (x, s, t, expr, x->arena);
	} OX_CATCH {
		failed = true;
	} OX_END_TRY;
	if (failed) {
		OxErrorData err;
		ox_error_take (&err);
		err.position = 0;
		ox_error_rethrow (&err);
	}
	return e;
}

static void
fail_row (OxExec *x, const char *sqlstate, char *msg)
{
	OxErrorData e = { 0 };
	g_strlcpy (e.sqlstate, sqlstate, sizeof e.sqlstate);
	e.message = msg;
	(void) x;
	ox_error_rethrow (&e);
}

/* Index di of the draft on the new table nt (draft column numbers
 * mapped by pos), built over its rows and registered. */
static void
make_index (OxSession *s, OxExec *x, Draft *d, OxTable *nt, DIdx *di, const int *pos)
{
	OxCatalog *cat = s->db->catalog;
	OxTxn *t = s->txn;
	int keys[32];
	for (int k = 0; k < di->nkeys; k++)
		keys[k] = pos[di->cols[k]];
	const char *nm = di->name;
	if (!nm) {
		if (di->primary)
			nm = choose_relname (s, d, x, ox_arena_printf (x->arena, "%s_pkey", nt->obj.name));
		else {
			GString *g = g_string_new (nt->obj.name);
			for (int k = 0; k < di->nkeys; k++)
				g_string_append_printf (g, "_%s", nt->cols[keys[k]].name);
			g_string_append (g, "_key");
			if (g->len > 63)
				g_string_truncate (g, 63);
			nm = choose_relname (s, d, x, g->str);
			g_string_free (g, TRUE);
		}
	} else if (!di->oid && !relname_free (s, d, nt->obj.schema, nm))
		ox_raise (OX_ERR_DUPLICATE_TABLE, 0, "relation \"%s\" already exists", nm);
	OxArena *ia = ox_catalog_arena_new ();
	OxIndex *ix = OX_NEW (ia, OxIndex);
	ix->obj.kind = OX_KIND_INDEX;
	ix->obj.oid = di->oid;
	ix->obj.name = g_strdup (nm);
	ix->obj.schema = nt->obj.schema;
	ix->obj.arena = ia;
	ix->table = nt;
	ix->nkeys = di->nkeys;
	ix->colnos = ox_arena_memdup (ia, keys, sizeof (int) * (size_t) di->nkeys);
	ix->desc = ox_arena_memdup (ia, di->desc, sizeof (bool) * (size_t) di->nkeys);
	ix->unique = di->unique;
	ix->primary = di->primary;
	ix->is_constraint = di->is_constraint;
	GString *cols = g_string_new (NULL);
	for (int k = 0; k < di->nkeys; k++)
		g_string_append_printf (cols, "%s%s", k ? ", " : "", nt->cols[keys[k]].name);
	volatile bool failed = false;
	OX_TRY {
		ix->data = ox_table_add_index (nt->data, ix->obj.name, cols->str, di->nkeys, ix->colnos, ix->desc, ix->unique,
		                               ix->primary, t);
	} OX_CATCH {
		failed = true;
	} OX_END_TRY;
	g_string_free (cols, TRUE);
	if (failed) {
		g_free (ix->obj.name);
		ox_arena_free (ia);
		ox_error_rethrow_current ();
	}
	ox_catalog_register (cat, t, &ix->obj);
}

static void
build (OxSession *s, OxExec *x, Draft *d)
{
	OxCatalog *cat = s->db->catalog;
	OxTxn *t = s->txn;
	OxTable *old = d->old;
	/* the columns that remain, and old -> new column numbers */
	int *pos = OX_NEW_N (x->arena, int, d->ncols + 1);  /* draft -> new */
	int *map = OX_NEW_N (x->arena, int, old->ncols + 1); /* old -> new */
	for (int i = 0; i < old->ncols; i++)
		map[i] = -1;
	int ncols = 0;
	for (int i = 0; i < d->ncols; i++) {
		pos[i] = d->cols[i].dropped ? -1 : ncols++;
		if (!d->cols[i].dropped && d->cols[i].src >= 0)
			map[d->cols[i].src] = pos[i];
	}
	/* triggers whose UPDATE OF list loses every column cannot stay */
	GPtrArray *trigs = ox_catalog_table_triggers (cat, t, old, true);
	ox_arena_on_free (x->arena, (void (*) (void *)) g_ptr_array_unref, trigs);
	for (guint i = 0; i < trigs->len; i++) {
		OxTrigger *tg = trigs->pdata[i];
		for (int k = 0; k < tg->nupdate_cols; k++)
			if (map[tg->update_cols[k]] < 0)
				ox_raise_full (OX_ERR_DEPENDENT_OBJECTS, 0,
				               ox_arena_printf (x->arena, "trigger %s on table %s depends on column %s of table %s",
				                                tg->obj.name, old->obj.name, old->cols[tg->update_cols[k]].name,
				                                old->obj.name),
				               "Drop the trigger first.",
				               "cannot drop column %s of table %s because other objects depend on it",
				               old->cols[tg->update_cols[k]].name, old->obj.name);
	}

	OxArena *a = ox_catalog_arena_new ();
	OxTable *nt = OX_NEW (a, OxTable);
	nt->obj.kind = OX_KIND_TABLE;
	nt->obj.oid = old->obj.oid;
	nt->obj.name = g_strdup (d->name);
	nt->obj.schema = old->obj.schema;
	nt->obj.arena = a;
	nt->indexes = g_ptr_array_new ();
	nt->ncols = ncols;
	nt->cols = OX_NEW_N (a, OxColumn, ncols > 0 ? ncols : 1);
	OxExpr **fill = OX_NEW_N (x->arena, OxExpr *, ncols + 1);  /* per new column: value for existing rows */
	int *from = OX_NEW_N (x->arena, int, ncols + 1);            /* per new column: old column or -1 */
	bool *cast = OX_NEW_N (x->arena, bool, ncols + 1);
	volatile bool registered = false;
	OX_TRY {
		for (int i = 0; i < d->ncols; i++) {
			DCol *dc = &d->cols[i];
			if (dc->dropped)
				continue;
			int n = pos[i];
			OxColumn *c = &nt->cols[n];
			c->name = ox_arena_strdup (a, dc->name);
			c->type = dc->type;
			c->notnull = dc->notnull;
			if (dc->default_src) {
				c->default_src = ox_arena_strdup (a, dc->default_src);
				c->default_expr = ox_parse_expr_src (a, c->default_src);
			}
			from[n] = dc->src;
			cast[n] = dc->retype;
			OxTable dummy = { .ncols = 0 };
			dummy.obj.name = nt->obj.name;
			if (dc->default_orig) /* binding the statement's own parse puts errors at their position */
				ox_bind_table_expr (x, s, &dummy, dc->default_orig, x->arena);
			if (dc->src < 0 && dc->fill_src)
				fill[n] = ox_plan_table_expr (x, &dummy,
				                              ox_bind_table_expr (x, s, &dummy, ox_parse_expr_src (x->arena, dc->fill_src),
				                                                  x->arena), x->arena);
			else if (dc->using_expr)
				fill[n] = ox_plan_table_expr (x, old, ox_bind_table_expr (x, s, old, dc->using_expr, x->arena),
				                              x->arena);
		}
		GPtrArray *live = g_ptr_array_new ();
		ox_arena_on_free (x->arena, (void (*) (void *)) g_ptr_array_unref, live);
		for (guint i = 0; i < d->chk->len; i++)
			if (!((DChk *) d->chk->pdata[i])->dropped)
				g_ptr_array_add (live, d->chk->pdata[i]);
		nt->nchecks = (int) live->len;
		nt->checks = OX_NEW_N (a, OxCheck, live->len + 1);
		for (guint i = 0; i < live->len; i++) {
			DChk *ck = live->pdata[i];
			nt->checks[i].name = ox_arena_strdup (a, ck->name);
			nt->checks[i].src = ox_arena_strdup (a, ck->src);
			nt->checks[i].expr = ox_parse_expr_src (a, ck->src);
		}
		nt->data = ox_table_data_new (nt->ncols, nt->obj.name);
		for (int i = 0; i < nt->ncols; i++)  /* the rows' packed layout (storage/tuple.h) */
			ox_row_format_set_type (nt->data->fmt, i, nt->cols[i].type.id);
		OxExpr **checks = OX_NEW_N (x->arena, OxExpr *, nt->nchecks + 1);
		for (int i = 0; i < nt->nchecks; i++) {
			DChk *ck = live->pdata[i];
			checks[i] = ox_plan_table_expr (x, nt, ck->orig ? ox_bind_table_expr (x, s, nt, ck->orig, x->arena)
			                                                : bind_stored (x, s, nt, nt->checks[i].expr), x->arena);
		}

		/* out with the old version, in with the new (same oid) */
		GPtrArray *ixs = ox_catalog_table_indexes (cat, t, old);
		for (guint i = 0; i < ixs->len; i++)
			ox_catalog_drop (cat, t, ixs->pdata[i]);
		g_ptr_array_unref (ixs);
		ox_triggers_drop_for_table (s, old);
		ox_catalog_drop (cat, t, &old->obj);
		ox_catalog_register (cat, t, &nt->obj);
		registered = true;

		/* the rows */
		OxArena *tmp = ox_arena_new ();
		ox_arena_on_free (x->arena, (void (*) (void *)) ox_arena_free, tmp);
		OxValue *vals = OX_NEW_N (x->arena, OxValue, ncols + 1);
		OxValue *orow = OX_NEW_N (x->arena, OxValue, old->ncols + 1);
		OxRow buf[256];
		uint64_t rowids[256];
		uint64_t scanpos = 0;
		int got;
		while ((got = ox_table_scan (t, old->data, &scanpos, buf, rowids, 256)) > 0) {
			for (int r = 0; r < got; r++) {
				ox_arena_reset (tmp);
				ox_tuple_decode (old->data->fmt, buf[r], orow);
				for (int c = 0; c < ncols; c++) {
					OxValue v;
					if (fill[c])
						v = ox_eval (fill[c], x, orow, tmp);
					else if (from[c] >= 0)
						v = orow[from[c]];
					else
						v = ox_null (nt->cols[c].type.id);
					if (v.null)
						v = ox_null (nt->cols[c].type.id);
					else if (v.type != nt->cols[c].type.id || cast[c] || nt->cols[c].type.typmod >= 0)
						v = ox_value_cast (tmp, &x->cx, &v, nt->cols[c].type, false);
					vals[c] = v;
				}
				for (int c = 0; c < ncols; c++)
					if (nt->cols[c].notnull && vals[c].null)
						fail_row (x, OX_ERR_NOT_NULL_VIOLATION,
						          g_strdup_printf ("column \"%s\" of relation \"%s\" contains null values",
						                           nt->cols[c].name, nt->obj.name));
				for (int i = 0; i < nt->nchecks; i++) {
					OxValue v = ox_eval (checks[i], x, vals, tmp);
					if (!v.null && !v.v.b)
						fail_row (x, OX_ERR_CHECK_VIOLATION,
						          g_strdup_printf ("check constraint \"%s\" of relation \"%s\" is violated by some row",
						                           nt->checks[i].name, nt->obj.name));
				}
				uint64_t rid, w;
				while (ox_table_insert (t, nt->data, vals, &rid, &w) == OX_WRITE_WAIT)
					ox_txn_wait_for (t, w);
			}
			ox_session_check_timeout (s);
		}

		/* the indexes, over the new rows (made visible to this transaction's
		 * next command, which the unique checks read as) */
		ox_txn_next_cid (t);
		for (guint i = 0; i < d->idx->len; i++)
			if (!((DIdx *) d->idx->pdata[i])->dropped)
				make_index (s, x, d, nt, d->idx->pdata[i], pos);
		for (guint i = 0; i < trigs->len; i++)
			ox_catalog_register (cat, t, &trigger_for (trigs->pdata[i], nt, map)->obj);
	} OX_CATCH {
		if (!registered) {
			g_ptr_array_unref (nt->indexes);
			ox_table_data_free (nt->data);
			g_free (nt->obj.name);
			ox_arena_free (a);
		}
		ox_error_rethrow_current ();
	} OX_END_TRY;
}

/* ---- views and indexes: renames ------------------------------------------------------------------ */

/* A new version of view v (same oid, triggers moved) with other names
 * or source text; returns it. */
static OxTable *
replace_view (OxSession *s, OxExec *x, OxTable *v, const char *new_name, OxColumn *cols, const char *src)
{
	OxCatalog *cat = s->db->catalog;
	OxTxn *t = s->txn;
	size_t end;
	ox_parse_one (x->arena, src, strlen (src), &end);  /* raises before anything is allocated */
	OxArena *a = ox_catalog_arena_new ();
	OxTable *nv = OX_NEW (a, OxTable);
	*nv = *v;
	memset (&nv->obj, 0, sizeof nv->obj);
	nv->obj.kind = OX_KIND_VIEW;
	nv->obj.oid = v->obj.oid;
	nv->obj.name = g_strdup (new_name);
	nv->obj.schema = v->obj.schema;
	nv->obj.arena = a;
	nv->indexes = g_ptr_array_new ();
	nv->triggers = NULL;
	nv->cols = OX_NEW_N (a, OxColumn, v->ncols + 1);
	for (int i = 0; i < v->ncols; i++) {
		nv->cols[i] = cols[i];
		nv->cols[i].name = ox_arena_strdup (a, cols[i].name);
	}
	nv->view_src = ox_arena_strdup (a, src);
	nv->view_query = (OxSelectStmt *) ox_parse_one (a, nv->view_src, strlen (nv->view_src), &end);
	nv->deps = ox_arena_memdup (a, v->deps, sizeof (uint32_t) * (size_t) (v->ndeps + 1));
	GPtrArray *trigs = ox_catalog_table_triggers (cat, t, v, true);
	ox_arena_on_free (x->arena, (void (*) (void *)) g_ptr_array_unref, trigs);
	ox_triggers_drop_for_table (s, v);
	ox_catalog_drop (cat, t, &v->obj);
	ox_catalog_register (cat, t, &nv->obj);
	for (guint i = 0; i < trigs->len; i++)
		ox_catalog_register (cat, t, &trigger_for (trigs->pdata[i], nv, NULL)->obj);
	return nv;
}

/* ---- views over a renamed relation ----------------------------------------------------------------
 * A view's text names the relations it reads; when one is renamed, the
 * references in FROM lists are rewritten to the new, schema-qualified name,
 * keeping the old name as the alias when there was none ("FROM t" becomes
 * FROM "s"."n" t), so that qualified column references stay valid.  The
 * rewrite is checked by binding the new text after the rename: it must bind
 * and give the same columns with the same types, or the ALTER is refused
 * (0A000).  Texts with WITH (a CTE may share the name) and unqualified
 * names that resolve elsewhere under the current search_path are refused. */

static void
append_quoted (GString *g, const char *name)
{
	g_string_append_c (g, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			g_string_append_c (g, '"');
		g_string_append_c (g, *p);
	}
	g_string_append_c (g, '"');
}

typedef struct RwTok {
	OxToken     t;
	const char *name;  /* identifier as stored (folded / decoded), or NULL */
} RwTok;

/* src with its FROM-list references to relation rel (named old) replaced
 * by the new name; NULL when it cannot be done safely. */
static char *
rewrite_refs (OxSession *s, OxExec *x, const char *src, OxTable *rel, const char *old, const char *new_name)
{
	OxArena *a = x->arena;
	GArray *toks = g_array_new (FALSE, TRUE, sizeof (RwTok));
	ox_arena_on_free (a, (void (*) (void *)) g_array_unref, toks);
	OxLexer lx;
	ox_lexer_init (&lx, a, src, strlen (src));
	for (;;) {
		RwTok rt = { 0 };
		ox_lex (&lx, &rt.t);
		if (rt.t.kind == OX_TOK_IDENT)
			rt.name = ox_ident_fold (a, src + rt.t.loc, (size_t) rt.t.len);
		else if (rt.t.kind == OX_TOK_QIDENT)
			rt.name = rt.t.str;
		g_array_append_val (toks, rt);
		if (rt.t.kind == OX_TOK_EOF)
			break;
	}
	RwTok *tk = (RwTok *) toks->data;
	int n = (int) toks->len;
	bool in_from[256] = { false };
	int depth = 0;
	GString *out = g_string_new (NULL);
	int copied = 0;  /* bytes of src already in out */
	bool any = false, bad = false;
	for (int i = 0; i < n && !bad; i++) {
		OxToken *t = &tk[i].t;
		if (t->kind == OX_TOK_CHAR && t->ch == '(') {
			if (++depth >= 256)
				bad = true;
			else
				in_from[depth] = false;
			continue;
		}
		if (t->kind == OX_TOK_CHAR && t->ch == ')') {
			if (depth > 0)
				depth--;
			continue;
		}
		if (t->kind == OX_TOK_IDENT && t->kw != OX_KW_NONE) {
			switch (t->kw) {
			case OX_KW_WITH:
				bad = true;
				break;
			case OX_KW_FROM:
				in_from[depth] = true;
				break;
			case OX_KW_WHERE: case OX_KW_GROUP: case OX_KW_HAVING: case OX_KW_ORDER: case OX_KW_LIMIT:
			case OX_KW_OFFSET: case OX_KW_UNION: case OX_KW_INTERSECT: case OX_KW_EXCEPT: case OX_KW_WINDOW:
			case OX_KW_FETCH: case OX_KW_SELECT:
				in_from[depth] = false;
				break;
			default:
				break;
			}
		}
		if (!tk[i].name || strcmp (tk[i].name, old) || !in_from[depth])
			continue;
		if (t->kind == OX_TOK_IDENT && t->kw != OX_KW_NONE && ox_keyword_category ((OxKeyword) t->kw) == OX_KWC_RESERVED)
			continue;
		/* [schema .] name, after FROM / JOIN / ',' (ONLY allowed) */
		int j = i;
		bool qualified = false;
		if (i >= 2 && tk[i - 1].t.kind == OX_TOK_CHAR && tk[i - 1].t.ch == '.' && tk[i - 2].name) {
			if (strcmp (tk[i - 2].name, rel->obj.schema->obj.name))
				continue;  /* another schema's relation (or a column reference) */
			j = i - 2;
			qualified = true;
		}
		int k = j - 1;
		if (k >= 0 && tk[k].t.kind == OX_TOK_IDENT && tk[k].t.kw == OX_KW_ONLY)
			k--;
		bool after = k >= 0 && ((tk[k].t.kind == OX_TOK_IDENT && (tk[k].t.kw == OX_KW_FROM || tk[k].t.kw == OX_KW_JOIN)) ||
		                        (tk[k].t.kind == OX_TOK_CHAR && tk[k].t.ch == ','));
		if (!after)
			continue;
		OxToken *nx = &tk[i + 1].t;
		if ((nx->kind == OX_TOK_CHAR && (nx->ch == '(' || nx->ch == '.')))
			continue;
		if (!qualified && ox_session_relation (s, NULL, old) != rel) {
			bad = true;  /* the unqualified name means something else here */
			break;
		}
		bool alias = (nx->kind == OX_TOK_IDENT && (nx->kw == OX_KW_AS || nx->kw == OX_KW_NONE)) || nx->kind == OX_TOK_QIDENT;
		g_string_append_len (out, src + copied, tk[j].t.loc - copied);
		append_quoted (out, rel->obj.schema->obj.name);
		g_string_append_c (out, '.');
		append_quoted (out, new_name);
		if (!alias) {
			g_string_append_c (out, ' ');
			append_quoted (out, old);
		}
		copied = t->loc + t->len;
		any = true;
	}
	if (bad || !any) {
		g_string_free (out, TRUE);
		return NULL;
	}
	g_string_append (out, src + copied);
	char *r = ox_arena_strdup (a, out->str);
	g_string_free (out, TRUE);
	return r;
}

/* rewrite_refs, NULL for any error (a text the lexer refuses). */
static char *
try_rewrite (OxSession *s, OxExec *x, OxTable *v, OxTable *rel, const char *new_name)
{
	char *volatile src = NULL;
	volatile bool failed = false;
	OX_TRY {
		src = rewrite_refs (s, x, v->view_src, rel, rel->obj.name, new_name);
	} OX_CATCH {
		failed = true;
	} OX_END_TRY;
	if (failed) {
		OxErrorData e;
		ox_error_take (&e);
		ox_error_data_clear (&e);
		return NULL;
	}
	return src;
}

/* Does view nv (rewritten) bind, with old version v's column types? */
static bool
view_reads_same (OxSession *s, OxExec *x, OxTable *nv, OxTable *v)
{
	volatile bool ok = true;
	OX_TRY {
		int np = 0;
		OxQuery *q = ox_bind_select (x, s, nv->view_query, x->arena, NULL, &np);
		int c = 0;
		for (guint k = 0; k < q->targets->len; k++) {
			OxTarget *tg = q->targets->pdata[k];
			if (tg->resjunk)
				continue;
			if (c >= v->ncols || tg->expr->type.id != v->cols[c].type.id)
				ok = false;
			c++;
		}
		if (c != v->ncols)
			ok = false;
	} OX_CATCH {
		OxErrorData e;
		ox_error_take (&e);
		ox_error_data_clear (&e);
		ok = false;
	} OX_END_TRY;
	return ok;
}

typedef struct Rewrite {
	OxTable    *view;
	const char *src;
} Rewrite;

/* Before renaming rel: the new texts of the views that read it (0A000 when
 * one cannot be rewritten).  Returns an array for rewrite_views_finish. */
static GArray *
rewrite_views_prepare (OxSession *s, OxExec *x, OxTable *rel, const char *new_name, const char *what)
{
	GArray *rw = g_array_new (FALSE, TRUE, sizeof (Rewrite));
	ox_arena_on_free (x->arena, (void (*) (void *)) g_array_unref, rw);
	GPtrArray *vs = views_on (s, rel->obj.oid);
	ox_arena_on_free (x->arena, (void (*) (void *)) g_ptr_array_unref, vs);
	for (guint i = 0; i < vs->len; i++) {
		OxTable *v = vs->pdata[i];
		char *src = try_rewrite (s, x, v, rel, new_name);
		if (!src)
			ox_raise_full (OX_ERR_FEATURE_NOT_SUPPORTED, 0,
			               ox_arena_printf (x->arena, "view %s depends on %s %s", v->obj.name,
			                                rel->view_query ? "view" : "table", rel->obj.name),
			               "Drop the view, make the change, and create the view again.",
			               "cannot %s: the text of view \"%s\" cannot be rewritten for the new name (not supported yet)",
			               what, v->obj.name);
		Rewrite r = { v, src };
		g_array_append_val (rw, r);
	}
	return rw;
}

/* After the rename: the views' new versions, each checked by binding it. */
static void
rewrite_views_finish (OxSession *s, OxExec *x, GArray *rw)
{
	if (!rw)
		return;
	for (guint i = 0; i < rw->len; i++) {
		Rewrite *r = &g_array_index (rw, Rewrite, i);
		OxTable *v = r->view;
		OxTable *nv = replace_view (s, x, v, v->obj.name, v->cols, r->src);
		if (!view_reads_same (s, x, nv, v))
			ox_raise_full (OX_ERR_FEATURE_NOT_SUPPORTED, 0, NULL,
			               "Drop the view, make the change, and create the view again.",
			               "cannot rename: view \"%s\" does not read the same after its text is rewritten (not supported yet)",
			               v->obj.name);
	}
}

static void
rename_view (OxSession *s, OxExec *x, OxTable *v, OxAlterCmd *cmd)
{
	OxCatalog *cat = s->db->catalog;
	OxTxn *t = s->txn;
	const char *new_name = v->obj.name;
	OxColumn *cols = v->cols;
	GArray *rw = NULL;
	if (cmd->kind == OX_AT_RENAME) {
		if (ox_catalog_relname_taken (cat, t, v->obj.schema, cmd->new_name))
			ox_raise (OX_ERR_DUPLICATE_TABLE, 0, "relation \"%s\" already exists", cmd->new_name);
		rw = rewrite_views_prepare (s, x, v, cmd->new_name, "rename a view");
		new_name = cmd->new_name;
	} else if (cmd->kind == OX_AT_RENAME_COLUMN) {
		int c = -1;
		for (int i = 0; i < v->ncols; i++) {
			if (!strcmp (v->cols[i].name, cmd->name))
				c = i;
			if (!strcmp (v->cols[i].name, cmd->new_name))
				ox_raise (OX_ERR_DUPLICATE_COLUMN, 0, "column \"%s\" of relation \"%s\" already exists",
				          cmd->new_name, v->obj.name);
		}
		if (c < 0)
			ox_raise (OX_ERR_UNDEFINED_COLUMN, 0, "column \"%s\" does not exist", cmd->name);
		refuse_if_views (s, x, v, cmd->name, true, "rename a column of a view");
		cols = OX_NEW_N (x->arena, OxColumn, v->ncols + 1);
		memcpy (cols, v->cols, sizeof (OxColumn) * (size_t) v->ncols);
		cols[c].name = (char *) cmd->new_name;
	} else
		ox_raise (OX_ERR_WRONG_OBJECT_TYPE, 0, "\"%s\" is not a table", v->obj.name);
	replace_view (s, x, v, new_name, cols, v->view_src);
	rewrite_views_finish (s, x, rw);
}

static OxIndex *
find_index (OxSession *s, OxRangeVar *rv)
{
	OxCatalog *c = s->db->catalog;
	if (rv->schema) {
		OxSchema *sc = ox_catalog_schema (c, s->txn, rv->schema);
		return sc ? ox_catalog_index (c, s->txn, sc, rv->name) : NULL;
	}
	for (char **p = s->search_path; p && *p; p++) {
		OxSchema *sc = ox_catalog_schema (c, s->txn, *p);
		OxIndex *ix = sc ? ox_catalog_index (c, s->txn, sc, rv->name) : NULL;
		if (ix)
			return ix;
	}
	return NULL;
}

/* ALTER INDEX i RENAME TO j (and ALTER TABLE i RENAME TO j): the table
 * is rebuilt with the index under its new name (see the file comment). */
static void
rename_index (OxSession *s, OxExec *x, OxIndex *ix, OxAlterCmd *cmd)
{
	OxTable *tab = ix->table;
	/* the newest version of the table the index belongs to */
	OxCatObject *o = ox_catalog_by_oid (s->db->catalog, tab->obj.oid);
	if (o && o->kind == OX_KIND_TABLE)
		tab = (OxTable *) o;
	ox_txn_lock_relation (s->txn, tab->obj.oid, OX_LOCK_ACCESS_EXCLUSIVE);
	Draft d = { 0 };
	draft_init (&d, s, x, tab, 0);
	if (ox_catalog_relname_taken (s->db->catalog, s->txn, tab->obj.schema, cmd->new_name))
		ox_raise (OX_ERR_DUPLICATE_TABLE, 0, "relation \"%s\" already exists", cmd->new_name);
	for (guint i = 0; i < d.idx->len; i++) {
		DIdx *di = d.idx->pdata[i];
		if (di->oid == ix->obj.oid)
			di->name = cmd->new_name;
	}
	build (s, x, &d);
}

/* ---- entry points ---------------------------------------------------------------------------- */

void
ox_ddl_alter_table (OxSession *s, OxExec *x, OxAlterTableStmt *as)
{
	OxRangeVar *rv = as->table;
	OxTxn *t = s->txn;
	ox_txn_lock_ddl (t);
	if (rv->schema && !ox_catalog_schema (s->db->catalog, t, rv->schema))
		ox_raise (OX_ERR_UNDEFINED_SCHEMA, rv->node.loc + 1, "schema \"%s\" does not exist", rv->schema);
	OxTable *tab = ox_session_relation (s, rv->schema, rv->name);
	OxIndex *ix = NULL;
	if (!tab && as->objtype != OX_OBJ_VIEW)
		ix = find_index (s, rv);
	if (!tab && !ix) {
		if (as->if_exists) {
			ox_session_notice (s, "00000", "relation \"%s\" does not exist, skipping", rv->name);
			return;
		}
		ox_raise (OX_ERR_UNDEFINED_TABLE, 0, "relation \"%s\" does not exist", rv->name);
	}
	OxAlterCmd *first = as->cmds->items[0];
	if (ix) {
		if (first->kind != OX_AT_RENAME)
			ox_raise (OX_ERR_WRONG_OBJECT_TYPE, 0, "\"%s\" is not a table, view, or foreign table", rv->name);
		rename_index (s, x, ix, first);
		return;
	}
	/* ALTER INDEX of a table or view: PostgreSQL renames it all the same */
	if (as->objtype == OX_OBJ_VIEW && !tab->view_query)
		ox_raise (OX_ERR_WRONG_OBJECT_TYPE, 0, "\"%s\" is not a view", rv->name);
	ox_txn_lock_relation (t, tab->obj.oid, OX_LOCK_ACCESS_EXCLUSIVE);
	if (ox_cat_dropped_latest (&tab->obj, t))
		ox_raise (OX_ERR_UNDEFINED_TABLE, 0, "relation \"%s\" does not exist", rv->name);
	if (ox_session_relation_in_use (s, tab->obj.oid))
		ox_raise (OX_ERR_OBJECT_IN_USE, 0,
		          "cannot ALTER TABLE \"%s\" because it is being used by active queries in this session", tab->obj.name);
	if (tab->view_query) {
		if (OX_LIST_N (as->cmds) != 1 || (first->kind != OX_AT_RENAME && first->kind != OX_AT_RENAME_COLUMN))
			ox_raise (OX_ERR_WRONG_OBJECT_TYPE, 0, "\"%s\" is not a table, composite type, or foreign table",
			          rv->name);
		rename_view (s, x, tab, first);
		return;
	}
	Draft d = { 0 };
	GArray *rw = NULL;  /* views over a renamed table: their new texts */
	draft_init (&d, s, x, tab, OX_LIST_N (as->cmds));
	for (int i = 0; i < OX_LIST_N (as->cmds); i++) {
		OxAlterCmd *cmd = as->cmds->items[i];
		switch (cmd->kind) {
		case OX_AT_RENAME:
			if (!relname_free (s, &d, tab->obj.schema, cmd->new_name))
				ox_raise (OX_ERR_DUPLICATE_TABLE, 0, "relation \"%s\" already exists", cmd->new_name);
			rw = rewrite_views_prepare (s, x, tab, cmd->new_name, "rename a table");
			d.name = cmd->new_name;
			break;
		case OX_AT_RENAME_COLUMN:
			rename_column (s, x, &d, cmd);
			break;
		case OX_AT_RENAME_CONSTRAINT:
			rename_constraint (s, &d, cmd);
			break;
		case OX_AT_ADD_COLUMN:
			add_column (s, x, &d, cmd);
			break;
		case OX_AT_DROP_COLUMN:
			drop_column (s, x, &d, cmd);
			break;
		case OX_AT_SET_DEFAULT: {
			int c = draft_col_or_raise (&d, cmd->name, 0);
			d.cols[c].default_src = cmd->expr_src;
			d.cols[c].default_orig = cmd->expr;
			break;
		}
		case OX_AT_DROP_DEFAULT: {
			int c = draft_col_or_raise (&d, cmd->name, 0);
			d.cols[c].default_src = NULL;
			d.cols[c].default_orig = NULL;
			break;
		}
		case OX_AT_SET_NOT_NULL:
			set_not_null (&d, cmd, true);
			break;
		case OX_AT_DROP_NOT_NULL:
			set_not_null (&d, cmd, false);
			break;
		case OX_AT_TYPE:
			alter_type (s, x, &d, cmd);
			break;
		case OX_AT_DROP_CONSTRAINT:
			drop_constraint (s, &d, cmd);
			break;
		}
	}
	build (s, x, &d);
	rewrite_views_finish (s, x, rw);
}

/* ---- schemas and routines ---------------------------------------------------------------------- */

static void
rename_routine (OxSession *s, OxExec *x, OxAlterRenameStmt *rs)
{
	OxCatalog *cat = s->db->catalog;
	OxTxn *t = s->txn;
	OxRangeVar *rv = rs->name;
	const char *kw = rs->objtype == OX_OBJ_FUNCTION ? "function" : rs->objtype == OX_OBJ_PROCEDURE ? "procedure" : "routine";
	GPtrArray *cands;
	if (rv->schema) {
		OxSchema *sc = ox_catalog_schema (cat, t, rv->schema);
		if (!sc)
			ox_raise (OX_ERR_UNDEFINED_SCHEMA, rv->node.loc + 1, "schema \"%s\" does not exist", rv->schema);
		cands = ox_catalog_routines (cat, t, sc, rv->name, true);
	} else {
		cands = g_ptr_array_new ();
		for (char **p = s->search_path; p && *p; p++) {
			OxSchema *sc = ox_catalog_schema (cat, t, *p);
			if (!sc)
				continue;
			GPtrArray *c = ox_catalog_routines (cat, t, sc, rv->name, true);
			if (c->len) {
				g_ptr_array_extend_and_steal (cands, c);
				break;
			}
			g_ptr_array_unref (c);
		}
	}
	ox_arena_on_free (x->arena, (void (*) (void *)) g_ptr_array_unref, cands);
	OxRoutine *found = NULL;
	int nfound = 0;
	for (guint k = 0; k < cands->len; k++) {
		OxRoutine *r = cands->pdata[k];
		if (rs->args) {
			OxType want[64];
			int nw = 0;
			for (int j = 0; j < rs->args->n && nw < 64; j++) {
				OxFuncParam *fp = rs->args->items[j];
				if (fp->mode == OX_ARG_OUT && r->rkind == OX_ROUTINE_FUNCTION)
					continue;
				want[nw++] = ox_resolve_typename (x, x->arena, fp->type);
			}
			if (nw != r->nin)
				continue;
			bool ok = true;
			int w = 0;
			for (int j = 0; j < r->nargs && ok; j++) {
				OxArgMode m = r->args[j].mode;
				if (!(m == OX_ARG_IN || m == OX_ARG_INOUT || (r->rkind == OX_ROUTINE_PROCEDURE && m == OX_ARG_OUT)))
					continue;
				if (r->args[j].type.id != want[w++].id)
					ok = false;
			}
			if (!ok)
				continue;
		}
		found = r;
		nfound++;
	}
	if (!found) {
		GString *sig = g_string_new (rv->name);
		if (rs->args) {
			g_string_append_c (sig, '(');
			for (int j = 0; j < rs->args->n; j++) {
				OxFuncParam *fp = rs->args->items[j];
				OxType ty = ox_resolve_typename (x, x->arena, fp->type);
				g_string_append_printf (sig, "%s%s", j ? ", " : "", ox_type_name (ty.id));
			}
			g_string_append_c (sig, ')');
		}
		char *what = ox_arena_strdup (x->arena, sig->str);
		g_string_free (sig, TRUE);
		ox_raise (OX_ERR_UNDEFINED_FUNCTION, rv->node.loc + 1, "%s %s does not exist", kw, what);
	}
	if (nfound > 1)
		ox_raise_full ("42725", rv->node.loc + 1, NULL, "Specify the argument list to select the routine unambiguously.",
		               "%s name \"%s\" is not unique", kw, rv->name);
	OxRoutine *r = found;
	if (rs->objtype == OX_OBJ_FUNCTION && r->rkind != OX_ROUTINE_FUNCTION)
		ox_raise (OX_ERR_WRONG_OBJECT_TYPE, rv->node.loc + 1, "%s is not a function", r->signature);
	if (rs->objtype == OX_OBJ_PROCEDURE && r->rkind != OX_ROUTINE_PROCEDURE)
		ox_raise (OX_ERR_WRONG_OBJECT_TYPE, rv->node.loc + 1, "%s is not a procedure", r->signature);
	/* the same argument types under the new name must be free */
	GPtrArray *same = ox_catalog_routines (cat, t, r->obj.schema, rs->new_name, true);
	ox_arena_on_free (x->arena, (void (*) (void *)) g_ptr_array_unref, same);
	for (guint k = 0; k < same->len; k++) {
		OxRoutine *o = same->pdata[k];
		bool eq = o->nin == r->nin;
		int a = 0, b = 0;
		while (eq && a < r->nargs && b < o->nargs) {
			OxArgMode ma = r->args[a].mode, mb = o->args[b].mode;
			if (!(ma == OX_ARG_IN || ma == OX_ARG_INOUT)) { a++; continue; }
			if (!(mb == OX_ARG_IN || mb == OX_ARG_INOUT)) { b++; continue; }
			eq = r->args[a].type.id == o->args[b].type.id;
			a++;
			b++;
		}
		if (eq) {
			char *sig = ox_arena_strdup (x->arena, r->signature);
			char *paren = strchr (sig, '(');
			ox_raise ("42723", 0, "%s %s%s already exists in schema \"%s\"",
			          r->rkind == OX_ROUTINE_PROCEDURE ? "procedure" : "function", rs->new_name, paren ? paren : "()",
			          r->obj.schema->obj.name);
		}
	}
	/* event triggers and schedules find their routine by name: refused */
	GPtrArray *ets = ox_catalog_list (cat, t, OX_KIND_EVENT_TRIGGER);
	ox_arena_on_free (x->arena, (void (*) (void *)) g_ptr_array_unref, ets);
	for (guint k = 0; k < ets->len; k++) {
		OxEventTrigger *et = ets->pdata[k];
		if (!strcmp (et->func_name, r->obj.name) && (!et->func_schema || et->func_schema == r->obj.schema))
			ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0,
			          "cannot rename function %s while event trigger \"%s\" calls it (not supported yet)", r->signature,
			          et->obj.name);
	}
	GPtrArray *scheds = ox_schedules_calling (s, r);
	ox_arena_on_free (x->arena, (void (*) (void *)) g_ptr_array_unref, scheds);
	if (scheds->len)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "cannot rename procedure %s while schedule \"%s\" calls it (not supported yet)",
		          r->signature, ((OxSchedule *) scheds->pdata[0])->obj.name);
	/* triggers name their function: they get versions naming the new one */
	GPtrArray *trigs = ox_triggers_using_function (s, r);
	ox_arena_on_free (x->arena, (void (*) (void *)) g_ptr_array_unref, trigs);
	/* a copy under the new name; its strings stay in the old version's arena,
	 * which lives as long (dropped objects are freed with the catalog) */
	OxArena *a = ox_catalog_arena_new ();
	OxRoutine *nr = OX_NEW (a, OxRoutine);
	*nr = *r;
	memset (&nr->obj, 0, sizeof nr->obj);
	nr->obj.kind = OX_KIND_ROUTINE;
	nr->obj.oid = r->obj.oid;
	nr->obj.name = g_strdup (rs->new_name);
	nr->obj.schema = r->obj.schema;
	nr->obj.arena = a;
	ox_routine_finish (nr);
	ox_catalog_drop (cat, t, &r->obj);
	ox_catalog_register (cat, t, &nr->obj);
	for (guint k = 0; k < trigs->len; k++) {
		OxTrigger *tg = trigs->pdata[k];
		OxTrigger *nt = trigger_for (tg, tg->table, NULL);
		nt->func_name = ox_arena_strdup (nt->obj.arena, rs->new_name);
		ox_catalog_drop (cat, t, &tg->obj);
		ox_catalog_register (cat, t, &nt->obj);
	}
}

void
ox_ddl_alter_rename (OxSession *s, OxExec *x, OxAlterRenameStmt *rs)
{
	ox_txn_lock_ddl (s->txn);
	if (rs->objtype == OX_OBJ_SCHEMA) {
		OxCatalog *cat = s->db->catalog;
		if (!ox_catalog_schema_latest (cat, s->txn, rs->name->name))
			ox_raise (OX_ERR_UNDEFINED_SCHEMA, 0, "schema \"%s\" does not exist", rs->name->name);
		if (ox_catalog_schema_latest (cat, s->txn, rs->new_name))
			ox_raise (OX_ERR_DUPLICATE_SCHEMA, 0, "schema \"%s\" already exists", rs->new_name);
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0, "ALTER SCHEMA ... RENAME is not supported yet");
	}
	rename_routine (s, x, rs);
}

/*
 * recovery.c — opening a database directory: the lock, the version file,
 * replaying the write-ahead log, and attaching the log for new commits.
 *
 * Replay applies each committed transaction's operations in log order:
 * catalog operations rebuild schemas, tables, views and indexes with the
 * oids they had (inside one recovery transaction per record, committed
 * before the next), row operations put row images at their original row
 * ids, visible to every snapshot.  Index entries are rebuilt as rows go
 * in.
 *
 * NOTE: replay stops at the first damaged record (see wal.c); everything
 * before it was acknowledged, nothing after it was.  The log is then cut
 * there before new records are appended.
 * NOTE: a record that checksums but does not decode (unknown opcode, a
 * table oid that does not exist) means the log was written by a different
 * version or is corrupt in a way checksums cannot see; opening fails with
 * XX001 (data_corrupted) rather than guessing.
 */
#include "session.h"
#include "base/error.h"
#include "storage/file.h"
#include "storage/redo.h"
#include "storage/wal.h"
#include "storage/wal-format.h"
#include "catalog/sequence.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdlib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <unistd.h>

#define VERSION_TEXT "oxibase 1\n"

OxNode *ox_parse_expr_src (OxArena *a, const char *src);

typedef struct Replay {
	OxDatabase *db;
	OxArena    *tmp;
	uint64_t    max_ts;
	uint64_t    ops;
	uint64_t    skip_upto; /* log records with a timestamp <= this are in the image */
	uint64_t    applied;   /* log records (not image blocks) replayed */
	char       *error;   /* first decoding error */
} Replay;

static OxTable *
table_by_oid (OxDatabase *db, uint32_t oid)
{
	OxCatObject *o = ox_catalog_by_oid (db->catalog, oid);
	return o && o->kind == OX_KIND_TABLE ? (OxTable *) o : NULL;
}

static OxSchema *
schema_by_oid (OxDatabase *db, uint32_t oid)
{
	OxCatObject *o = ox_catalog_by_oid (db->catalog, oid);
	return o && o->kind == OX_KIND_SCHEMA ? (OxSchema *) o : NULL;
}

static void
replay_table (Replay *rp, OxTxn *t, OxReader *r, bool is_view)
{
	uint32_t oid = ox_get_u32 (r);
	OxSchema *sc = schema_by_oid (rp->db, ox_get_u32 (r));
	OxArena *a = ox_catalog_arena_new ();
	OxTable *tab = OX_NEW (a, OxTable);
	tab->obj.kind = is_view ? OX_KIND_VIEW : OX_KIND_TABLE;
	tab->obj.oid = oid;
	tab->obj.name = g_strdup (ox_get_str (r, a));
	tab->obj.schema = sc;
	tab->obj.arena = a;
	tab->indexes = g_ptr_array_new ();
	tab->ncols = ox_get_u16 (r);
	tab->cols = OX_NEW_N (a, OxColumn, tab->ncols > 0 ? tab->ncols : 1);
	for (int i = 0; i < tab->ncols && !r->bad; i++) {
		OxColumn *c = &tab->cols[i];
		c->name = ox_get_str (r, a);
		c->type.id = (OxTypeId) ox_get_u8 (r);
		c->type.typmod = (int32_t) ox_get_u32 (r);
		if (!is_view) {
			c->notnull = ox_get_u8 (r) != 0;
			char *def = ox_get_str (r, a);
			if (*def) {
				c->default_src = def;
				c->default_expr = ox_parse_expr_src (a, def);
			}
		}
	}
	if (is_view) {
		tab->view_src = ox_get_str (r, a);
		tab->ndeps = ox_get_u16 (r);
		tab->deps = OX_NEW_N (a, uint32_t, tab->ndeps > 0 ? tab->ndeps : 1);
		for (int i = 0; i < tab->ndeps; i++)
			tab->deps[i] = ox_get_u32 (r);
		size_t end;
		if (!r->bad)
			tab->view_query = (OxSelectStmt *) ox_parse_one (a, tab->view_src, strlen (tab->view_src), &end);
	} else {
		tab->nchecks = ox_get_u16 (r);
		tab->checks = OX_NEW_N (a, OxCheck, tab->nchecks > 0 ? tab->nchecks : 1);
		for (int i = 0; i < tab->nchecks && !r->bad; i++) {
			tab->checks[i].name = ox_get_str (r, a);
			tab->checks[i].src = ox_get_str (r, a);
			tab->checks[i].expr = ox_parse_expr_src (a, tab->checks[i].src);
		}
		tab->data = ox_table_data_new (tab->ncols, tab->obj.name);
		for (int i = 0; i < tab->ncols; i++)  /* the rows' packed layout (storage/tuple.h) */
			ox_row_format_set_type (tab->data->fmt, i, tab->cols[i].type.id);
	}
	if (!sc || r->bad) {
		r->bad = true;
		g_ptr_array_unref (tab->indexes);
		ox_table_data_free (tab->data);
		g_free (tab->obj.name);
		ox_arena_free (a);
		return;
	}
	ox_catalog_register (rp->db->catalog, t, &tab->obj);
}

static void
replay_routine (Replay *rp, OxTxn *t, OxReader *r)
{
	uint32_t oid = ox_get_u32 (r);
	OxSchema *sc = schema_by_oid (rp->db, ox_get_u32 (r));
	OxArena *a = ox_catalog_arena_new ();
	OxRoutine *rt = OX_NEW (a, OxRoutine);
	rt->obj.kind = OX_KIND_ROUTINE;
	rt->obj.oid = oid;
	rt->obj.name = g_strdup (ox_get_str (r, a));
	rt->obj.schema = sc;
	rt->obj.arena = a;
	rt->rkind = (OxRoutineKind) ox_get_u8 (r);
	rt->retkind = (OxRetKind) ox_get_u8 (r);
	rt->rettype.id = (OxTypeId) ox_get_u8 (r);
	rt->rettype.typmod = (int32_t) ox_get_u32 (r);
	uint8_t rflags = ox_get_u8 (r);
	rt->retset = (rflags & 1) != 0;
	rt->rowtype_result = (rflags & 2) != 0;
	rt->volatility = ox_get_u8 (r);
	rt->strict = ox_get_u8 (r) != 0;
	rt->language = ox_get_str (r, a);
	rt->body = ox_get_str (r, a);
	rt->body_line = (int) ox_get_u32 (r);
	rt->body_col = (int) ox_get_u32 (r);
	char *f = ox_get_str (r, a);
	rt->src_file = *f ? f : NULL;
	rt->owner = ox_get_str (r, a);
	rt->nargs = ox_get_u16 (r);
	rt->args = OX_NEW_N (a, OxRoutineArg, rt->nargs > 0 ? rt->nargs : 1);
	for (int i = 0; i < rt->nargs && !r->bad; i++) {
		OxRoutineArg *ar = &rt->args[i];
		char *n = ox_get_str (r, a);
		ar->name = *n ? n : NULL;
		ar->type.id = (OxTypeId) ox_get_u8 (r);
		ar->type.typmod = (int32_t) ox_get_u32 (r);
		ar->mode = (OxArgMode) ox_get_u8 (r);
		char *d = ox_get_str (r, a);
		if (*d && !r->bad) {
			ar->default_src = d;
			ar->default_expr = ox_parse_expr_src (a, d);
		}
	}
	rt->rowtype_oid = ox_get_u32 (r);
	if (!sc || r->bad || rt->rkind > OX_ROUTINE_PROCEDURE || rt->retkind > OX_RET_EVENT_TRIGGER ||
	    rt->rettype.id >= OX_T__COUNT) {
		r->bad = true;
		g_free (rt->obj.name);
		ox_arena_free (a);
		return;
	}
	ox_routine_finish (rt);
	ox_catalog_register (rp->db->catalog, t, &rt->obj);
}

static void
replay_trigger (Replay *rp, OxTxn *t, OxReader *r)
{
	uint32_t oid = ox_get_u32 (r);
	OxTable *tab = table_by_oid (rp->db, ox_get_u32 (r));
	OxArena *a = ox_catalog_arena_new ();
	OxTrigger *tg = OX_NEW (a, OxTrigger);
	tg->obj.kind = OX_KIND_TRIGGER;
	tg->obj.oid = oid;
	tg->obj.name = g_strdup (ox_get_str (r, a));
	tg->obj.arena = a;
	tg->table = tab;
	tg->obj.schema = tab ? tab->obj.schema : NULL;
	tg->timing = ox_get_u8 (r);
	tg->events = ox_get_u8 (r);
	uint8_t flags = ox_get_u8 (r);
	tg->for_each_row = flags & 1;
	tg->enabled = (flags & 2) != 0;
	tg->nupdate_cols = ox_get_u16 (r);
	tg->update_cols = OX_NEW_N (a, int, tg->nupdate_cols + 1);
	for (int i = 0; i < tg->nupdate_cols; i++)
		tg->update_cols[i] = ox_get_u16 (r);
	char *w = ox_get_str (r, a);
	if (*w && !r->bad) {
		tg->when_src = w;
		tg->when_expr = ox_parse_expr_src (a, w);
	}
	uint32_t fs = ox_get_u32 (r);
	tg->func_schema = fs ? schema_by_oid (rp->db, fs) : NULL;
	tg->func_name = ox_get_str (r, a);
	tg->nargs = ox_get_u16 (r);
	tg->args = OX_NEW_N (a, const char *, tg->nargs + 1);
	for (int i = 0; i < tg->nargs; i++)
		tg->args[i] = ox_get_str (r, a);
	if (!tab || r->bad || (fs && !tg->func_schema)) {
		r->bad = true;
		g_free (tg->obj.name);
		ox_arena_free (a);
		return;
	}
	ox_catalog_register (rp->db->catalog, t, &tg->obj);
}

static void
replay_schedule (Replay *rp, OxTxn *t, OxReader *r)
{
	uint32_t oid = ox_get_u32 (r);
	OxSchema *sc = schema_by_oid (rp->db, ox_get_u32 (r));
	OxArena *a = ox_catalog_arena_new ();
	OxSchedule *sch = OX_NEW (a, OxSchedule);
	sch->obj.kind = OX_KIND_SCHEDULE;
	sch->obj.oid = oid;
	sch->obj.name = g_strdup (ox_get_str (r, a));
	sch->obj.schema = sc;
	sch->obj.arena = a;
	sch->cron = ox_get_str (r, a);
	char *tz = ox_get_str (r, a);
	sch->timezone = *tz ? tz : NULL;
	sch->action = ox_get_str (r, a);
	sch->language = ox_get_str (r, a);
	sch->enabled = ox_get_u8 (r) != 0;
	sch->owner = ox_get_str (r, a);
	if (!sc || r->bad) {
		r->bad = true;
		g_free (sch->obj.name);
		ox_arena_free (a);
		return;
	}
	ox_catalog_register (rp->db->catalog, t, &sch->obj);
}

static void
replay_event_trigger (Replay *rp, OxTxn *t, OxReader *r)
{
	uint32_t oid = ox_get_u32 (r);
	OxArena *a = ox_catalog_arena_new ();
	OxEventTrigger *et = OX_NEW (a, OxEventTrigger);
	et->obj.kind = OX_KIND_EVENT_TRIGGER;
	et->obj.oid = oid;
	et->obj.name = g_strdup (ox_get_str (r, a));
	et->obj.arena = a;
	et->event = ox_get_u8 (r);
	et->enabled = ox_get_u8 (r) != 0;
	uint32_t fs = ox_get_u32 (r);
	et->func_schema = fs ? schema_by_oid (rp->db, fs) : NULL;
	et->func_name = ox_get_str (r, a);
	et->ntags = ox_get_u16 (r);
	et->tags = OX_NEW_N (a, const char *, et->ntags + 1);
	for (int i = 0; i < et->ntags; i++)
		et->tags[i] = ox_get_str (r, a);
	if (r->bad || et->event > 2 || (fs && !et->func_schema)) {
		r->bad = true;
		g_free (et->obj.name);
		ox_arena_free (a);
		return;
	}
	ox_catalog_register (rp->db->catalog, t, &et->obj);
}

/* A role record whose oid names a live role replaces it: the bootstrap
 * superuser exists before replay starts, and a checkpoint image holds the
 * newest version of a role altered since. */
static void
replay_role (Replay *rp, OxTxn *t, OxReader *r)
{
	uint32_t oid = ox_get_u32 (r);
	OxArena *a = ox_catalog_arena_new ();
	OxRole *ro = OX_NEW (a, OxRole);
	ro->obj.kind = OX_KIND_ROLE;
	ro->obj.oid = oid;
	ro->obj.name = g_strdup (ox_get_str (r, a));
	ro->obj.arena = a;
	uint8_t f = ox_get_u8 (r);
	ro->superuser = f & 1;
	ro->inherit = f & 2;
	ro->createrole = f & 4;
	ro->createdb = f & 8;
	ro->canlogin = f & 16;
	ro->replication = f & 32;
	ro->bypassrls = f & 64;
	ro->has_valid_until = f & 128;
	ro->connlimit = (int32_t) ox_get_u32 (r);
	char *pw = ox_get_str (r, a);
	ro->password = *pw ? pw : NULL;
	ro->valid_until = (int64_t) ox_get_u64 (r);
	if (r->bad || oid == 0) {
		r->bad = true;
		g_free (ro->obj.name);
		ox_arena_free (a);
		return;
	}
	OxRole *old = ox_catalog_role_by_oid (rp->db->catalog, t, oid, true);
	if (old)
		ox_catalog_drop (rp->db->catalog, t, &old->obj);
	ox_catalog_register (rp->db->catalog, t, &ro->obj);
}

/* A sequence record whose oid names a sequence (live, or dropped just
 * before in the same record by ALTER SEQUENCE) shares that sequence's
 * value state, as the new version did when it was created. */
static void
replay_sequence (Replay *rp, OxTxn *t, OxReader *r)
{
	uint32_t oid = ox_get_u32 (r);
	OxSchema *sc = schema_by_oid (rp->db, ox_get_u32 (r));
	OxArena *a = ox_catalog_arena_new ();
	OxSequence *sq = OX_NEW (a, OxSequence);
	sq->obj.kind = OX_KIND_SEQUENCE;
	sq->obj.oid = oid;
	sq->obj.name = g_strdup (ox_get_str (r, a));
	sq->obj.schema = sc;
	sq->obj.arena = a;
	sq->type = (OxTypeId) ox_get_u8 (r);
	sq->start = (int64_t) ox_get_u64 (r);
	sq->increment = (int64_t) ox_get_u64 (r);
	sq->min = (int64_t) ox_get_u64 (r);
	sq->max = (int64_t) ox_get_u64 (r);
	sq->cache = (int64_t) ox_get_u64 (r);
	sq->cycle = ox_get_u8 (r) != 0;
	sq->owner_table = ox_get_u32 (r);
	sq->owner_col = ox_get_u16 (r);
	sq->identity = (char) ox_get_u8 (r);
	int64_t last = (int64_t) ox_get_u64 (r);
	bool called = ox_get_u8 (r) != 0;
	uint64_t seqno = ox_get_u64 (r);
	if (!sc || r->bad || sq->increment == 0) {
		r->bad = true;
		g_free (sq->obj.name);
		ox_arena_free (a);
		return;
	}
	OxCatObject *old = ox_catalog_by_oid (rp->db->catalog, oid);
	if (old && old->kind == OX_KIND_SEQUENCE) {
		sq->state = ox_seq_state_ref (((OxSequence *) old)->state);
		if (!old->xmax)
			ox_catalog_drop (rp->db->catalog, t, old);
		ox_sequence_redo_value (sq, last, called, seqno);
	} else {
		sq->state = ox_seq_state_new (last, called);
		sq->state->log_seqno = seqno;
	}
	ox_catalog_register (rp->db->catalog, t, &sq->obj);
}

static void
replay_seq_value (Replay *rp, OxReader *r)
{
	OxCatObject *o = ox_catalog_by_oid (rp->db->catalog, ox_get_u32 (r));
	int64_t last = (int64_t) ox_get_u64 (r);
	bool called = ox_get_u8 (r) != 0;
	uint64_t seqno = ox_get_u64 (r);
	/* an unknown oid: created by a transaction that never committed */
	if (!r->bad && o && o->kind == OX_KIND_SEQUENCE)
		ox_sequence_redo_value ((OxSequence *) o, last, called, seqno);
}

static void
replay_index (Replay *rp, OxTxn *t, OxReader *r)
{
	uint32_t oid = ox_get_u32 (r);
	OxTable *tab = table_by_oid (rp->db, ox_get_u32 (r));
	OxArena *a = ox_catalog_arena_new ();
	OxIndex *ix = OX_NEW (a, OxIndex);
	ix->obj.kind = OX_KIND_INDEX;
	ix->obj.oid = oid;
	ix->obj.name = g_strdup (ox_get_str (r, a));
	ix->obj.arena = a;
	uint8_t flags = ox_get_u8 (r);
	ix->unique = flags & 1;
	ix->primary = flags & 2;
	ix->is_constraint = flags & 4;
	ix->nkeys = ox_get_u16 (r);
	ix->colnos = OX_NEW_N (a, int, ix->nkeys > 0 ? ix->nkeys : 1);
	ix->desc = OX_NEW_N (a, bool, ix->nkeys > 0 ? ix->nkeys : 1);
	for (int k = 0; k < ix->nkeys; k++) {
		ix->colnos[k] = ox_get_u16 (r);
		ix->desc[k] = ox_get_u8 (r) != 0;
		if (tab && ix->colnos[k] >= tab->ncols)
			r->bad = true;
	}
	if (!tab || r->bad || ix->nkeys < 1) {
		r->bad = true;
		g_free (ix->obj.name);
		ox_arena_free (a);
		return;
	}
	ix->obj.schema = tab->obj.schema;
	ix->table = tab;
	GString *cols = g_string_new (NULL);
	for (int k = 0; k < ix->nkeys; k++)
		g_string_append_printf (cols, "%s%s", k ? ", " : "", tab->cols[ix->colnos[k]].name);
	ix->data = ox_table_add_index (tab->data, ix->obj.name, cols->str, ix->nkeys, ix->colnos, ix->desc, ix->unique,
	                               ix->primary, t);
	g_string_free (cols, TRUE);
	ox_catalog_register (rp->db->catalog, t, &ix->obj);
}

static void
replay_rows (Replay *rp, OxReader *r, uint8_t op)
{
	OxTable *tab = table_by_oid (rp->db, ox_get_u32 (r));
	uint64_t rowid = ox_get_u64 (r);
	if (!tab || rowid > (UINT64_C (1) << 40)) {
		r->bad = true;
		return;
	}
	if (op == OX_REDO_DELETE) {
		ox_table_redo_delete (tab->data, rowid);
		return;
	}
	int n = ox_get_u16 (r);
	if (n != tab->ncols) {
		r->bad = true;
		return;
	}
	OxValue *vals = OX_NEW_N (rp->tmp, OxValue, n > 0 ? n : 1);
	for (int i = 0; i < n; i++) {
		vals[i] = ox_get_value (r, rp->tmp);
		if (vals[i].null)
			vals[i] = ox_null (tab->cols[i].type.id);
	}
	if (!r->bad)
		ox_table_redo_put (tab->data, rowid, vals);
}

static void
replay_record (void *user, uint64_t lsn, uint8_t kind, const uint8_t *payload, size_t len)
{
	Replay *rp = user;
	if (rp->error)
		return;
	if (kind == OX_WAL_CKPT_END)
		return;  /* the end marker of a checkpoint image */
	if (kind != OX_WAL_COMMIT) {
		rp->error = g_strdup_printf ("unknown record kind %u at LSN %" G_GUINT64_FORMAT, kind, lsn);
		return;
	}
	OxReader r = { .p = payload, .end = payload + len };
	uint64_t ts = ox_get_u64 (&r);
	uint32_t nops = ox_get_u32 (&r);
	if (ts > rp->max_ts)
		rp->max_ts = ts;
	if (ts != 0 && ts <= rp->skip_upto)
		return;  /* already in the checkpoint image */
	if (ts != 0)
		rp->applied++;
	OxTxn *t = ox_txn_begin (rp->db->mgr, OX_ISO_READ_COMMITTED);
	volatile bool failed = false;
	OX_TRY {
		for (uint32_t i = 0; i < nops && !r.bad; i++) {
			uint8_t op = ox_get_u8 (&r);
			ox_arena_reset (rp->tmp);
			switch (op) {
			case OX_REDO_INSERT:
			case OX_REDO_UPDATE:
			case OX_REDO_DELETE:
				replay_rows (rp, &r, op);
				break;
			case OX_REDO_SCHEMA: {
				uint32_t oid = ox_get_u32 (&r);
				OxArena *a = ox_catalog_arena_new ();
				OxSchema *s = OX_NEW (a, OxSchema);
				s->obj.kind = OX_KIND_SCHEMA;
				s->obj.oid = oid;
				s->obj.name = g_strdup (ox_get_str (&r, a));
				s->obj.arena = a;
				ox_catalog_register (rp->db->catalog, t, &s->obj);
				break;
			}
			case OX_REDO_TABLE:
				replay_table (rp, t, &r, false);
				break;
			case OX_REDO_VIEW:
				replay_table (rp, t, &r, true);
				break;
			case OX_REDO_INDEX:
				replay_index (rp, t, &r);
				break;
			case OX_REDO_ROUTINE:
				replay_routine (rp, t, &r);
				break;
			case OX_REDO_TRIGGER:
				replay_trigger (rp, t, &r);
				break;
			case OX_REDO_SCHEDULE:
				replay_schedule (rp, t, &r);
				break;
			case OX_REDO_EVENT_TRIGGER:
				replay_event_trigger (rp, t, &r);
				break;
			case OX_REDO_ROLE:
				replay_role (rp, t, &r);
				break;
			case OX_REDO_SEQUENCE:
				replay_sequence (rp, t, &r);
				break;
			case OX_REDO_SEQ_VALUE:
				replay_seq_value (rp, &r);
				break;
			case OX_REDO_DROP: {
				OxCatObject *o = ox_catalog_by_oid (rp->db->catalog, ox_get_u32 (&r));
				if (!o)
					r.bad = true;
				else
					ox_catalog_drop (rp->db->catalog, t, o);
				break;
			}
			default:
				r.bad = true;
			}
			rp->ops++;
		}
		if (!r.bad)
			ox_txn_commit (t);
	} OX_CATCH {
		failed = true;
	} OX_END_TRY;
	if (failed) {
		OxErrorData e;
		ox_error_take (&e);
		rp->error = g_strdup_printf ("replaying the record at LSN %" G_GUINT64_FORMAT ": %s", lsn, e.message);
		ox_error_data_clear (&e);
		ox_txn_abort (t);
	} else if (r.bad) {
		rp->error = g_strdup_printf ("the record at LSN %" G_GUINT64_FORMAT " does not decode", lsn);
		ox_txn_abort (t);
	}
	ox_txn_free (t);
}

/* Write DIR/oxibase.version durably (temp file, fsync, rename, dir fsync). */
static int
write_version_file (const char *dir)
{
	char *tmp = g_build_filename (dir, "oxibase.version.tmp", NULL);
	char *path = g_build_filename (dir, "oxibase.version", NULL);
	int rc = -1;
	OxFile *f = ox_file_open (tmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (f && ox_file_append (f, VERSION_TEXT, strlen (VERSION_TEXT)) == 0 && ox_file_sync (f) == 0 &&
	    ox_file_close (f) == 0) {
		f = NULL;
		if (ox_file_rename (tmp, path) == 0 && ox_dir_sync (dir) == 0)
			rc = 0;
	}
	if (f)
		ox_file_close (f);
	g_free (tmp);
	g_free (path);
	return rc;
}

int
ox_db_recover (OxDatabase *db, const char *dir, OxError *err)
{
	int holder = 0;
	db->lockf = ox_file_lock_dir (dir, &holder);
	if (!db->lockf) {
		char *m = errno == EWOULDBLOCK ? g_strdup_printf ("database is locked by process %d", holder)
		                               : g_strdup_printf ("could not lock \"%s\": %s", dir, g_strerror (errno));
		ox_error_clear (err);
		if (err) {
			g_strlcpy (err->sqlstate, errno == EWOULDBLOCK ? "55006" : "58030", sizeof err->sqlstate);
			err->message = m;
		} else
			g_free (m);
		return OX_ERROR;
	}
	char *vpath = g_build_filename (dir, "oxibase.version", NULL);
	char *vdata = NULL;
	size_t vlen = 0;
	int rc = ox_file_read_all (vpath, &vdata, &vlen);
	g_free (vpath);
	const char *fail = NULL;
	char *failmsg = NULL;
	if (rc != 0) {
		if (errno != ENOENT || write_version_file (dir) != 0)
			failmsg = g_strdup_printf ("could not create the version file in \"%s\": %s", dir, g_strerror (errno));
	} else if (vlen != strlen (VERSION_TEXT) || memcmp (vdata, VERSION_TEXT, vlen)) {
		failmsg = g_strdup_printf ("\"%s\" holds a database of an unknown format version", dir);
		fail = "XX001";
	}
	g_free (vdata);
	if (!failmsg) {
		char *waldir = g_build_filename (dir, "wal", NULL);
		/* the directory entry is durable only once its parent is synced;
		 * sync even when it exists (an earlier open may have failed there) */
		if (ox_dir_create (waldir) != 0 && errno != EEXIST)
			failmsg = g_strdup_printf ("could not create \"%s\": %s", waldir, g_strerror (errno));
		else if (ox_dir_sync (dir) != 0)
			failmsg = g_strdup_printf ("could not sync \"%s\": %s", dir, g_strerror (errno));
		g_free (waldir);
	}
	if (!failmsg) {
		Replay rp = { .db = db, .tmp = ox_arena_new () };
		OxWalScan scan = { 0 };
		int64_t t0 = g_get_monotonic_time ();
		/* the newest checkpoint image first, then the log after it */
		uint64_t ck_ts = 0, ck_lsn = 0;
		uint32_t ck_oid = 0;
		char *problem = NULL;
		char *image = ox_checkpoint_newest (dir, &ck_ts, &ck_lsn, &ck_oid, &problem);
		if (problem) {
			failmsg = problem;
			fail = "XX001";
		} else if (image) {
			OxWalScan iscan;
			if (ox_wal_scan_file (image, replay_record, &rp, &iscan) != 0)
				failmsg = g_strdup_printf ("could not read \"%s\": %s", image, g_strerror (errno));
			g_free (iscan.stop_reason);
			ox_catalog_bump_oid (db->catalog, ck_oid ? ck_oid - 1 : 0);
			rp.skip_upto = ck_ts;
			if (ck_ts > rp.max_ts)
				rp.max_ts = ck_ts;
			db->ckpt_loaded_ts = ck_ts;
			db->ckpt_last_lsn = ck_lsn;
		}
		g_free (image);
		if (failmsg)
			;
		else if (ox_wal_scan (dir, replay_record, &rp, &scan) != 0)
			failmsg = g_strdup_printf ("could not read the write-ahead log: %s", g_strerror (errno));
		else if (rp.error) {
			failmsg = g_strdup_printf ("write-ahead log of \"%s\" is corrupt: %s", dir, rp.error);
			fail = "XX001";
		}
		ox_arena_free (rp.tmp);
		g_free (rp.error);
		if (!failmsg) {
			ox_txn_mgr_set_last_commit (db->mgr, rp.max_ts);
			db->recovery_us = g_get_monotonic_time () - t0;
			db->recovered_records = rp.applied;
			db->wal_stop_reason = scan.stop_reason;
			scan.stop_reason = NULL;
			db->wal = ox_wal_open (dir, scan.end_lsn, db->wal_segment_size);
			db->wal_open_lsn = scan.end_lsn;
			if (!db->wal)
				failmsg = g_strdup_printf ("could not open the write-ahead log: %s", g_strerror (errno));
			else
				ox_txn_mgr_set_wal (db->mgr, db->wal, OX_SYNC_FULL);
		}
		g_free (scan.stop_reason);
	}
	if (failmsg) {
		ox_error_clear (err);
		if (err) {
			g_strlcpy (err->sqlstate, fail ? fail : "58030", sizeof err->sqlstate);
			err->message = failmsg;
		} else
			g_free (failmsg);
		ox_file_close (db->lockf);
		db->lockf = NULL;
		return OX_ERROR;
	}
	return OX_OK;
}

/* ---- inspection (oxibase check / info) ------------------------------------------------ */

static void
count_record (void *user, uint64_t lsn, uint8_t kind, const uint8_t *payload, size_t len)
{
	uint64_t *n = user;
	if (kind == OX_WAL_COMMIT)
		n[0]++;
	else
		n[1]++;
}

static bool
read_version (const char *path, GString *out)
{
	char *vpath = g_build_filename (path, "oxibase.version", NULL);
	char *vdata = NULL;
	size_t vlen = 0;
	bool ok = ox_file_read_all (vpath, &vdata, &vlen) == 0;
	if (!ok)
		g_string_append_printf (out, "version file: missing or unreadable (%s)\n", g_strerror (errno));
	else if (vlen != strlen (VERSION_TEXT) || memcmp (vdata, VERSION_TEXT, vlen)) {
		g_string_append (out, "version file: unknown format\n");
		ok = false;
	} else
		g_string_append (out, "format version: 1\n");
	g_free (vdata);
	g_free (vpath);
	return ok;
}

int
ox_db_check (const char *path, char **report)
{
	GString *out = g_string_new (NULL);
	bool ok = read_version (path, out);
	uint64_t ts = 0, lsn = 0;
	uint32_t oid = 0;
	char *problem = NULL;
	char *image = ox_checkpoint_newest (path, &ts, &lsn, &oid, &problem);
	if (problem) {
		g_string_append_printf (out, "checkpoint: DAMAGED: %s\n", problem);
		ok = false;
	} else if (image) {
		uint64_t n[2] = { 0, 0 };
		OxWalScan sc;
		ox_wal_scan_file (image, count_record, n, &sc);
		g_string_append_printf (out, "checkpoint: %s: %" G_GUINT64_FORMAT " blocks verified (snapshot %" G_GUINT64_FORMAT
		                        ", log from LSN %" G_GUINT64_FORMAT ")\n", image, n[0], ts, lsn);
		g_free (sc.stop_reason);
	} else
		g_string_append (out, "checkpoint: none\n");
	uint64_t n[2] = { 0, 0 };
	OxWalScan scan;
	if (ox_wal_scan (path, count_record, n, &scan) != 0) {
		g_string_append_printf (out, "wal: unreadable: %s\n", g_strerror (errno));
		ok = false;
	} else {
		g_string_append_printf (out, "wal: %" G_GUINT64_FORMAT " segments, %" G_GUINT64_FORMAT " records verified, "
		                        "valid up to LSN %" G_GUINT64_FORMAT "\n", scan.nsegments, scan.nrecords, scan.end_lsn);
		if (scan.stop_reason) {
			/* a torn tail is what a crash leaves: expected, not damage —
			 * but anything else stopping the scan is */
			bool torn = strstr (scan.stop_reason, "torn") || strstr (scan.stop_reason, "zeroed tail");
			g_string_append_printf (out, "wal: %s: %s\n", torn ? "stops at a torn tail (left by a crash; "
			                        "recovery cuts it)" : "DAMAGED", scan.stop_reason);
			if (!torn)
				ok = false;
		}
		g_free (scan.stop_reason);
	}
	g_free (image);
	g_free (problem);
	g_string_append (out, ok ? "check: ok\n" : "check: FAILED\n");
	*report = g_string_free (out, FALSE);
	return ok ? OX_OK : OX_ERROR;
}

/* Bytes and number of the regular files in dir (whose names end with
 * suffix, unless NULL: wal/ also holds the spare segment). */
static uint64_t
dir_bytes (const char *dir, const char *suffix, int *nfiles)
{
	uint64_t total = 0;
	GDir *d = g_dir_open (dir, 0, NULL);
	const char *n;
	while (d && (n = g_dir_read_name (d)) != NULL) {
		if (suffix && !g_str_has_suffix (n, suffix))
			continue;
		char *p = g_build_filename (dir, n, NULL);
		GStatBuf st;
		if (g_stat (p, &st) == 0 && S_ISREG (st.st_mode)) {
			total += (uint64_t) st.st_size;
			(*nfiles)++;
		}
		g_free (p);
	}
	if (d)
		g_dir_close (d);
	return total;
}

int
ox_db_info (const char *path, char **report)
{
	GString *out = g_string_new (NULL);
	bool ok = read_version (path, out);
	char *wdir = g_build_filename (path, "wal", NULL), *cdir = g_build_filename (path, "checkpoint", NULL);
	int nw = 0, nc = 0;
	uint64_t wb = dir_bytes (wdir, ".wal", &nw), cb = dir_bytes (cdir, NULL, &nc);
	g_string_append_printf (out, "wal: %d segment files, %" G_GUINT64_FORMAT " bytes\n", nw, wb);
	uint64_t ts = 0, lsn = 0;
	uint32_t oid = 0;
	char *problem = NULL;
	char *image = ox_checkpoint_newest (path, &ts, &lsn, &oid, &problem);
	if (image)
		g_string_append_printf (out, "last checkpoint: %s (snapshot %" G_GUINT64_FORMAT ", log replayed from LSN %"
		                        G_GUINT64_FORMAT "), %" G_GUINT64_FORMAT " bytes in %d files\n", image, ts, lsn, cb, nc);
	else
		g_string_append_printf (out, "last checkpoint: %s\n", problem ? problem : "none");
	OxWalScan scan;
	if (ox_wal_scan (path, NULL, NULL, &scan) == 0) {
		g_string_append_printf (out, "wal length: %" G_GUINT64_FORMAT " records, ends at LSN %" G_GUINT64_FORMAT
		                        ", %" G_GUINT64_FORMAT " bytes to replay after the checkpoint\n", scan.nrecords,
		                        scan.end_lsn, !image ? scan.end_lsn : scan.end_lsn > lsn ? scan.end_lsn - lsn : 0);
		g_free (scan.stop_reason);
	}
	char *lpath = g_build_filename (path, "lock", NULL);
	int fd = open (lpath, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		g_string_append (out, "in use: no (no lock file)\n");
	else {
		/* probe the lock without taking it for long and without writing */
		if (flock (fd, LOCK_EX | LOCK_NB) == 0) {
			flock (fd, LOCK_UN);
			g_string_append (out, "in use: no\n");
		} else {
			char buf[32] = { 0 };
			ssize_t n = pread (fd, buf, sizeof buf - 1, 0);
			g_string_append_printf (out, "in use: yes, by process %d\n", n > 0 ? atoi (buf) : 0);
		}
		close (fd);
	}
	g_free (lpath);
	g_free (image);
	g_free (problem);
	g_free (wdir);
	g_free (cdir);
	*report = g_string_free (out, FALSE);
	return ok ? OX_OK : OX_ERROR;
}

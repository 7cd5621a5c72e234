/*
 * checkpoint.c — consistent images of a database, written in the
 * background while writers go on, so that recovery does not replay the
 * whole log and old log segments can be removed.
 *
 * An image is a file in the log's own format (wal-format.h: a segment
 * header with start LSN 0, then checksummed records):
 *   COMMIT records (timestamp 0) holding the catalog — every schema,
 *   table, view and index visible at the snapshot, in creation order, as
 *   the same operations the log uses — then the rows of each table as
 *   INSERT operations with their row ids, in records of about 1 MiB;
 *   one CKPT_END record: snapshot timestamp S, redo LSN B, next oid,
 *   number of records before it.
 * Every commit with timestamp <= S is in the image, every later one is in
 * the log at or after B; recovery loads the newest complete image, then
 * replays log records whose timestamp is above S.
 *
 * The image is taken from an MVCC snapshot, so nobody waits for it: the
 * writer reads versions as any REPEATABLE READ reader would.  To make S and
 * B agree, the checkpoint starts at a moment when no commit is between
 * "timestamp taken" and "published" (a few microseconds; it retries).
 *
 * Publication: write checkpoint/<S>.tmp, fsync it, rename to <S>.ckpt,
 * fsync the directory; only then remove older images and the log segments
 * that lie wholly before B.  A crash at any step leaves either the old
 * image with the full log, or the new image with at least the log it needs.
 *
 * NOTE: the image is built in memory before it is written; a database much
 * larger than memory would need streaming writes (planned with the
 * columnar storage of issue 3).
 */
#include "session.h"
#include "trace/observe.h"
#include "base/error.h"
#include "storage/file.h"
#include "storage/redo.h"
#include "storage/wal.h"
#include "storage/wal-format.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#define RECORD_TARGET (1u << 20)

typedef struct Image {
	GByteArray *file;     /* the whole image */
	GByteArray *payload;  /* the COMMIT record being filled */
	uint32_t    nops;
	uint64_t    nrecords;
} Image;

static void
payload_start (Image *im)
{
	g_byte_array_set_size (im->payload, 0);
	ox_put_u64 (im->payload, 0);  /* timestamp 0: part of the image */
	ox_put_u32 (im->payload, 0);  /* op count, patched */
	im->nops = 0;
}

static void
payload_flush (Image *im)
{
	if (im->nops == 0)
		return;
	for (int i = 0; i < 4; i++)
		im->payload->data[8 + i] = (uint8_t) (im->nops >> (8 * i));
	uint64_t lsn = im->file->len - OX_WAL_SEG_HEADER;
	ox_wal_frame_record (im->file, lsn, OX_WAL_COMMIT, im->payload->data, im->payload->len);
	im->nrecords++;
	payload_start (im);
}

static bool
is_builtin (OxDatabase *db, OxCatObject *o)
{
	if (o->kind == OX_KIND_ROLE)
		return ((OxRole *) o)->builtin;
	return o->oid < db->first_user_oid;
}

/* Start a snapshot at a moment when no commit is in flight. */
static OxTxn *
begin_quiet_snapshot (OxDatabase *db, uint64_t *redo_lsn)
{
	for (;;) {
		OxTxn *t = ox_txn_begin (db->mgr, OX_ISO_REPEATABLE_READ);
		uint64_t lsn = 0;
		if (ox_txn_mgr_quiet_point (db->mgr, t, &lsn)) {
			*redo_lsn = lsn;
			return t;
		}
		ox_txn_abort (t);
		ox_txn_free (t);
		g_usleep (200);
	}
}

static int
write_image (OxDatabase *db, OxTxn *t, uint64_t redo_lsn, char **path_out)
{
	Image im = { .file = g_byte_array_sized_new (1 << 16), .payload = g_byte_array_sized_new (RECORD_TARGET + 4096) };
	uint8_t h[OX_WAL_SEG_HEADER];
	ox_wal_segment_header (h, 0);
	g_byte_array_append (im.file, h, sizeof h);
	payload_start (&im);

	GPtrArray *objs = ox_catalog_list (db->catalog, t, -1);
	for (guint i = 0; i < objs->len; i++) {
		OxCatObject *o = objs->pdata[i];
		if (!is_builtin (db, o))
			im.nops += ox_catalog_encode (o, 1, im.payload);
	}
	payload_flush (&im);
	OxRow buf[256];
	uint64_t rowids[256];
	for (guint i = 0; i < objs->len; i++) {
		OxCatObject *o = objs->pdata[i];
		if (o->kind != OX_KIND_TABLE)
			continue;
		OxTableData *d = ((OxTable *) o)->data;
		uint64_t pos = 0;
		int n;
		OxValue *row = g_new (OxValue, d->ncols > 0 ? d->ncols : 1);
		while ((n = ox_table_scan (t, d, &pos, buf, rowids, 256)) > 0) {
			for (int k = 0; k < n; k++) {
				ox_put_u8 (im.payload, OX_REDO_INSERT);
				ox_put_u32 (im.payload, o->oid);
				ox_put_u64 (im.payload, rowids[k]);
				ox_put_u16 (im.payload, (uint16_t) d->ncols);
				ox_tuple_decode (d->fmt, buf[k], row);
				for (int c = 0; c < d->ncols; c++)
					ox_put_value (im.payload, &row[c]);
				im.nops++;
				if (im.payload->len >= RECORD_TARGET)
					payload_flush (&im);
			}
		}
		g_free (row);
	}
	payload_flush (&im);
	g_ptr_array_unref (objs);

	GByteArray *end = g_byte_array_new ();
	ox_put_u64 (end, t->snapshot);
	ox_put_u64 (end, redo_lsn);
	ox_put_u32 (end, ox_catalog_next_oid (db->catalog));
	ox_put_u64 (end, im.nrecords);
	ox_wal_frame_record (im.file, im.file->len - OX_WAL_SEG_HEADER, OX_WAL_CKPT_END, end->data, end->len);
	g_byte_array_unref (end);
	g_byte_array_unref (im.payload);

	char *cdir = g_build_filename (db->path, "checkpoint", NULL);
	char *name = g_strdup_printf ("%016" G_GINT64_MODIFIER "x", t->snapshot);
	char *tmp = g_strdup_printf ("%s/%s.tmp", cdir, name);
	char *final = g_strdup_printf ("%s/%s.ckpt", cdir, name);
	int rc = -1;
	if (ox_dir_create (cdir) != 0 && errno != EEXIST)
		goto out;
	if (ox_dir_sync (db->path) != 0)  /* even if it existed: see recovery.c */
		goto out;
	OxFile *f = ox_file_open (tmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (!f)
		goto out;
	if (ox_file_append (f, im.file->data, im.file->len) != 0 || ox_file_sync (f) != 0) {
		int e = errno;
		ox_file_close (f);
		errno = e;
		goto out;
	}
	if (ox_file_close (f) != 0 || ox_file_rename (tmp, final) != 0 || ox_dir_sync (cdir) != 0)
		goto out;
	rc = 0;
	*path_out = g_strdup (final);
out:;
	int e = errno;
	g_byte_array_unref (im.file);
	g_free (cdir);
	g_free (name);
	g_free (tmp);
	g_free (final);
	errno = e;
	return rc;
}

/* Remove images other than 'keep' and log segments before redo_lsn. */
static void
remove_old (OxDatabase *db, const char *keep, uint64_t redo_lsn)
{
	char *cdir = g_build_filename (db->path, "checkpoint", NULL);
	GDir *d = g_dir_open (cdir, 0, NULL);
	bool removed = false;
	if (d) {
		const char *n;
		while ((n = g_dir_read_name (d)) != NULL) {
			if (n[0] == '.')
				continue;
			char *p = g_build_filename (cdir, n, NULL);
			if (strcmp (p, keep) != 0 && (g_str_has_suffix (n, ".ckpt") || g_str_has_suffix (n, ".tmp"))) {
				ox_file_unlink (p);
				removed = true;
			}
			g_free (p);
		}
		g_dir_close (d);
	}
	if (removed)
		ox_dir_sync (cdir);
	g_free (cdir);
	ox_wal_remove_before (db->wal, redo_lsn);
}

int
ox_db_checkpoint (OxDatabase *db, OxError *err)
{
	if (!db->wal)
		return OX_OK;  /* :memory: — nothing to make durable */
	g_mutex_lock (&db->ckpt_lock);
	int64_t t0 = g_get_monotonic_time ();
	uint64_t redo_lsn = 0;
	OxTxn *t = begin_quiet_snapshot (db, &redo_lsn);
	char *path = NULL;
	volatile int rc = OX_OK;
	OX_TRY {
		if (write_image (db, t, redo_lsn, &path) != 0) {
			int e = errno;
			ox_raise (e == ENOSPC ? "53100" : "58030", 0, "could not write checkpoint: %s", g_strerror (e));
		}
	} OX_CATCH {
		OxErrorData e;
		ox_error_take (&e);
		if (err) {
			ox_error_clear (err);
			g_strlcpy (err->sqlstate, e.sqlstate, sizeof err->sqlstate);
			err->message = e.message;
			e.message = NULL;
		}
		ox_error_data_clear (&e);
		rc = OX_ERROR;
	} OX_END_TRY;
	ox_txn_commit (t);  /* read-only: just ends it */
	ox_txn_free (t);
	if (rc == OX_OK) {
		remove_old (db, path, redo_lsn);
		db->ckpt_count++;
		db->ckpt_last_lsn = redo_lsn;
		db->ckpt_last_time = g_get_monotonic_time ();
		db->ckpt_last_us = db->ckpt_last_time - t0;
		db->ckpt_total_us += db->ckpt_last_us;
		g_free (db->ckpt_last_path);
		db->ckpt_last_path = path;
	} else
		g_free (path);
	uint64_t count = db->ckpt_count;
	double secs = db->ckpt_last_us / 1e6;
	g_mutex_unlock (&db->ckpt_lock);
	if (rc == OX_OK) {
		uint64_t end = db->wal ? ox_wal_end_lsn (db->wal) : 0;
		ox_db_event (db, "LOG", NULL, NULL, "checkpoint complete: 1 written, %.3f s writing (%" G_GUINT64_FORMAT
		             " in all, WAL %" G_GUINT64_FORMAT " bytes)", secs, count,
		             end > db->wal_open_lsn ? end - db->wal_open_lsn : 0);
	} else
		ox_db_event (db, "WARNING", err && err->sqlstate[0] ? err->sqlstate : NULL, NULL, "checkpoint failed: %s",
		             err && err->message ? err->message : "unknown error");
	return rc;
}

/* ---- the background checkpointer ---------------------------------------------- */

static gpointer
checkpointer_main (gpointer data)
{
	OxDatabase *db = data;
	g_mutex_lock (&db->ckpt_thread_lock);
	while (!db->ckpt_stop) {
		gint64 until = g_get_monotonic_time () + G_TIME_SPAN_SECOND;
		g_cond_wait_until (&db->ckpt_cond, &db->ckpt_thread_lock, until);
		if (db->ckpt_stop)
			break;
		uint64_t end = ox_wal_end_lsn (db->wal);
		bool by_size = end - db->ckpt_last_lsn >= db->ckpt_wal_size;
		bool by_time = end != db->ckpt_last_lsn &&
		               g_get_monotonic_time () - db->ckpt_last_time >= db->ckpt_interval_us;
		if (!by_size && !by_time)
			continue;
		g_mutex_unlock (&db->ckpt_thread_lock);
		OxError e = { 0 };
		/* the failure is in system.log (and the server's log); without a
		 * log hook nobody would see it, so warn as before */
		if (ox_db_checkpoint (db, &e) != OX_OK && !db->log_hook)
			g_warning ("background checkpoint failed: %s", e.message);
		ox_error_clear (&e);
		g_mutex_lock (&db->ckpt_thread_lock);
	}
	g_mutex_unlock (&db->ckpt_thread_lock);
	return NULL;
}

void
ox_checkpointer_start (OxDatabase *db)
{
	g_mutex_init (&db->ckpt_thread_lock);
	g_cond_init (&db->ckpt_cond);
	db->ckpt_last_time = g_get_monotonic_time ();
	db->ckpt_thread = g_thread_new ("oxibase-ckpt", checkpointer_main, db);
}

void
ox_checkpointer_stop (OxDatabase *db)
{
	if (!db->ckpt_thread)
		return;
	g_mutex_lock (&db->ckpt_thread_lock);
	db->ckpt_stop = true;
	g_cond_signal (&db->ckpt_cond);
	g_mutex_unlock (&db->ckpt_thread_lock);
	g_thread_join (db->ckpt_thread);
	db->ckpt_thread = NULL;
	g_mutex_clear (&db->ckpt_thread_lock);
	g_cond_clear (&db->ckpt_cond);
}

/* ---- loading ------------------------------------------------------------------ */

typedef struct Found {
	bool     complete;
	uint64_t snapshot, redo_lsn, nrecords, seen;
	uint32_t next_oid;
} Found;

static void
probe_end (void *user, uint64_t lsn, uint8_t kind, const uint8_t *payload, size_t len)
{
	Found *f = user;
	if (kind == OX_WAL_CKPT_END) {
		OxReader r = { .p = payload, .end = payload + len };
		f->snapshot = ox_get_u64 (&r);
		f->redo_lsn = ox_get_u64 (&r);
		f->next_oid = ox_get_u32 (&r);
		f->nrecords = ox_get_u64 (&r);
		f->complete = !r.bad && f->nrecords == f->seen;
	} else
		f->seen++;
}

char *
ox_checkpoint_newest (const char *dir, uint64_t *snapshot, uint64_t *redo_lsn, uint32_t *next_oid, char **problem)
{
	char *cdir = g_build_filename (dir, "checkpoint", NULL);
	GDir *d = g_dir_open (cdir, 0, NULL);
	char *best = NULL;
	if (d) {
		const char *n;
		while ((n = g_dir_read_name (d)) != NULL)
			if (n[0] != '.' && g_str_has_suffix (n, ".ckpt") && (!best || strcmp (n, best) > 0)) {
				g_free (best);
				best = g_strdup (n);
			}
		g_dir_close (d);
	}
	char *path = NULL;
	if (best) {
		path = g_build_filename (cdir, best, NULL);
		Found f = { 0 };
		OxWalScan scan;
		if (ox_wal_scan_file (path, probe_end, &f, &scan) != 0 || !f.complete) {
			*problem = g_strdup_printf ("checkpoint image %s is damaged (%s)", path,
			                            scan.stop_reason ? scan.stop_reason : "incomplete");
			g_free (path);
			path = NULL;
		} else {
			*snapshot = f.snapshot;
			*redo_lsn = f.redo_lsn;
			*next_oid = f.next_oid;
		}
		g_free (scan.stop_reason);
	}
	g_free (best);
	g_free (cdir);
	return path;
}

/*
 * wal.c — WAL segments, group commit and the recovery scan (see wal.h and
 * the format drawing in wal-format.h).
 *
 * NOTE: the mutex protects the pending tail and the LSN counters only; the
 * leader of a group commit writes and fsyncs without it, so committers can
 * keep appending to the next group meanwhile.  Only one leader exists at a
 * time ('flushing'), which keeps the bytes on disk in LSN order.
 * NOTE: a record never spans segments; a record larger than the segment
 * size gets a segment of its own.
 * NOTE: segments are preallocated: made at their full size with real zeros
 * written and fsynced once, so that a commit overwrites bytes inside the
 * file and syncs with fdatasync — no inode write, the size never changes
 * (ext4 would otherwise write the inode synchronously at every commit).
 * The zeros after the last record end a segment cleanly; the scan goes on
 * in the next segment if it starts there.  A spare segment ("spare", zeros,
 * no header yet) is prepared once the open segment is half full, by the
 * committer whose flush noticed it, after its own commit is durable; a
 * switch renames it to its start LSN and writes the header, and only makes
 * a segment itself when no spare is ready.  The open zeroes whatever a
 * crash left after the last valid record (unacknowledged records the torn
 * write kept whole behind a hole must never follow new records).
 */
#include "wal.h"
#include "wal-format.h"
#include "file.h"
#include "base/crc32c.h"

#include <glib.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

enum { SPARE_NONE, SPARE_BUSY, SPARE_READY };

typedef struct Chunk {
	uint64_t    seg_start;  /* segment the bytes belong to */
	uint64_t    lsn;        /* LSN of the first byte */
	GByteArray *bytes;
} Chunk;

struct OxWal {
	GMutex     lock;
	GCond      done;         /* a flush finished */
	char      *dir;          /* DIR/wal */
	uint64_t   seg_size;     /* target segment size in bytes */
	/* appending (under lock) */
	uint64_t   next_lsn;     /* LSN for the next record */
	uint64_t   tail_seg;     /* start LSN of the segment being appended to */
	GPtrArray *pending;      /* Chunk*, in LSN order, not yet written */
	size_t     pending_bytes;
	uint64_t   written_lsn;  /* everything before is written to the OS */
	uint64_t   flushed_lsn;  /* everything before is fsynced */
	bool       flushing;     /* a leader is writing */
	int        broken_errno; /* 0 = healthy */
	uint64_t   fsyncs;
	int        spare;        /* SPARE_*: DIR/wal/spare being made, or ready */
	/* the open segment (used by the leader only) */
	OxFile    *seg;
	uint64_t   seg_start;
};

/* The prepared next segment: zeros, no header; never a name the scan
 * reads (not 16 hex digits + ".wal"). */
#define SPARE_NAME "spare"

static const uint8_t zeros[64 * 1024];

/* Write zeros over [from, to) of f. */
static int
zero_fill (OxFile *f, off_t from, off_t to)
{
	while (from < to) {
		size_t n = (size_t) MIN ((off_t) sizeof zeros, to - from);
		if (ox_file_pwrite (f, zeros, n, from) != 0)
			return -1;
		from += (off_t) n;
	}
	return 0;
}

/* Zero whatever is not zero in [from, size of f), then make f 'full' bytes
 * long with zeros, and fsync if anything changed (the size may have). */
static int
zero_tail (OxFile *f, off_t from, off_t full)
{
	off_t size = ox_file_size (f);
	if (size < 0)
		return -1;
	bool dirty = false;
	uint8_t *buf = g_malloc (sizeof zeros);
	for (off_t at = from; at < size;) {
		size_t n = (size_t) MIN ((off_t) sizeof zeros, size - at);
		ssize_t r = ox_file_pread (f, buf, n, at);
		if (r <= 0) {
			int e = r < 0 ? errno : EIO;
			g_free (buf);
			errno = e;
			return -1;
		}
		if (memcmp (buf, zeros, (size_t) r) != 0) {
			if (ox_file_pwrite (f, zeros, (size_t) r, at) != 0) {
				int e = errno;
				g_free (buf);
				errno = e;
				return -1;
			}
			dirty = true;
		}
		at += r;
	}
	g_free (buf);
	if (size < full) {
		/* (from past the end: a torn write took part of the last record's
		 * padding; the zeros put it back) */
		if (zero_fill (f, size, full) != 0)
			return -1;
		dirty = true;
	}
	return dirty ? ox_file_sync (f) : 0;
}

static char *
seg_path (const char *dir, uint64_t start)
{
	return g_strdup_printf ("%s/%016" G_GINT64_MODIFIER "x.wal", dir, start);
}

static void
put_u32 (uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t) (v >> (8 * i));
}

static void
put_u64 (uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t) (v >> (8 * i));
}

static uint32_t
get_u32 (const uint8_t *p)
{
	return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static uint64_t
get_u64 (const uint8_t *p)
{
	return (uint64_t) get_u32 (p) | (uint64_t) get_u32 (p + 4) << 32;
}

void
ox_wal_segment_header (uint8_t h[OX_WAL_SEG_HEADER], uint64_t start)
{
	memset (h, 0, OX_WAL_SEG_HEADER);
	memcpy (h, OX_WAL_MAGIC, 8);
	put_u32 (h + 8, OX_WAL_VERSION);
	put_u64 (h + 16, start);
	uint32_t crc = ox_crc32c (0, h, 12);
	crc = ox_crc32c (crc, h + 16, 16);
	put_u32 (h + 12, crc);
}

static bool
seg_header_ok (const uint8_t h[OX_WAL_SEG_HEADER], uint64_t *start)
{
	if (memcmp (h, OX_WAL_MAGIC, 8) || get_u32 (h + 8) != OX_WAL_VERSION)
		return false;
	uint32_t crc = ox_crc32c (0, h, 12);
	crc = ox_crc32c (crc, h + 16, 16);
	if (crc != get_u32 (h + 12))
		return false;
	*start = get_u64 (h + 16);
	return true;
}

static size_t
rec_size (size_t len)
{
	return (OX_WAL_REC_HEADER + len + OX_WAL_ALIGN - 1) & ~(size_t) (OX_WAL_ALIGN - 1);
}

/* ---- segment list ------------------------------------------------------------- */

static gint
cmp_u64 (gconstpointer a, gconstpointer b)
{
	uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
	return x < y ? -1 : x > y;
}

/* Sorted start LSNs of DIR's segment files. */
static GArray *
list_segments (const char *dir)
{
	GArray *segs = g_array_new (FALSE, FALSE, sizeof (uint64_t));
	GDir *d = g_dir_open (dir, 0, NULL);
	if (!d)
		return segs;
	const char *n;
	while ((n = g_dir_read_name (d)) != NULL) {
		size_t l = strlen (n);
		if (l != 20 || strcmp (n + 16, ".wal"))
			continue;
		char *end;
		uint64_t v = g_ascii_strtoull (n, &end, 16);
		if (end != n + 16)
			continue;
		g_array_append_val (segs, v);
	}
	g_dir_close (d);
	g_array_sort (segs, cmp_u64);
	return segs;
}

/* ---- scanning ------------------------------------------------------------------- */

static bool
all_zero (const uint8_t *p, size_t n)
{
	while (n >= sizeof zeros) {
		if (memcmp (p, zeros, sizeof zeros) != 0)
			return false;
		p += sizeof zeros;
		n -= sizeof zeros;
	}
	return memcmp (p, zeros, n) == 0;
}

/* Scan one file of WAL format (a segment, or a checkpoint image) whose
 * header must say 'start'.  Updates out (end_lsn, counts, stop_reason).
 * Zeros where the next record would start end the file cleanly: that is
 * the preallocated rest of a segment (or a crash's unwritten tail, which
 * holds nothing acknowledged either). */
static int
scan_file (const char *path, uint64_t start, OxWalRecordFn fn, void *user, OxWalScan *out)
{
	char *data = NULL;
	size_t len = 0;
	if (ox_file_read_all (path, &data, &len) != 0)
		return -1;
	out->nsegments++;
	out->bytes += len;
	uint64_t hstart;
	if (len < OX_WAL_SEG_HEADER || !seg_header_ok ((uint8_t *) data, &hstart) || hstart != start) {
		out->stop_reason = g_strdup_printf ("%s has a damaged header", path);
		g_free (data);
		return 0;
	}
	size_t off = OX_WAL_SEG_HEADER;
	out->end_lsn = start;
	while (off < len) {
		const uint8_t *r = (const uint8_t *) data + off;
		uint64_t lsn = start + (off - OX_WAL_SEG_HEADER);
		if (all_zero (r, MIN (len - off, (size_t) 16)))
			break;  /* zeros past the last record: preallocated, or unwritten */
		if (len - off < OX_WAL_REC_HEADER) {
			out->stop_reason = g_strdup_printf ("torn record header at LSN %" G_GUINT64_FORMAT, lsn);
			break;
		}
		uint32_t plen = get_u32 (r);
		if (plen > len - off - OX_WAL_REC_HEADER) {
			out->stop_reason = g_strdup_printf ("torn record at LSN %" G_GUINT64_FORMAT
			                                    " (length %u runs past the end of the segment)", lsn, plen);
			break;
		}
		uint32_t crc = ox_crc32c (0, r + 8, OX_WAL_REC_HEADER - 8 + plen);
		if (crc != get_u32 (r + 4)) {
			/* In a preallocated segment a write torn by a crash leaves
			 * a record that fails its checksum with only zeros after it;
			 * anything else after it means damage. */
			size_t next = off + rec_size (plen);
			if (next <= len && all_zero ((const uint8_t *) data + next, len - next))
				out->stop_reason = g_strdup_printf ("torn record at LSN %" G_GUINT64_FORMAT
				                                    " (checksum mismatch, only zeros after it)", lsn);
			else
				out->stop_reason = g_strdup_printf ("checksum mismatch at LSN %" G_GUINT64_FORMAT, lsn);
			break;
		}
		if (get_u64 (r + 8) != lsn) {
			out->stop_reason = g_strdup_printf ("record at LSN %" G_GUINT64_FORMAT " claims LSN %"
			                                    G_GUINT64_FORMAT, lsn, get_u64 (r + 8));
			break;
		}
		if (fn)
			fn (user, lsn, r[16], r + OX_WAL_REC_HEADER, plen);
		out->nrecords++;
		/* The padding carries nothing and no checksum covers it, so a
		 * record whose padding a torn write cut short is whole, and the
		 * log goes on at its padded end (ox_wal_open puts the lost zeros
		 * back).  Never at the last byte that survived: the next record
		 * would start one to seven bytes early, and once the file is
		 * longer every later scan, stepping over the whole padding, would
		 * read from the middle of it and lose it and all after it. */
		off += rec_size (plen);
		out->end_lsn = start + (off - OX_WAL_SEG_HEADER);
	}
	g_free (data);
	return 0;
}

int
ox_wal_scan_file (const char *path, OxWalRecordFn fn, void *user, OxWalScan *out)
{
	memset (out, 0, sizeof *out);
	return scan_file (path, 0, fn, user, out);
}

int
ox_wal_scan (const char *dbdir, OxWalRecordFn fn, void *user, OxWalScan *out)
{
	memset (out, 0, sizeof *out);
	char *dir = g_build_filename (dbdir, "wal", NULL);
	GArray *segs = list_segments (dir);
	uint64_t expect = segs->len ? g_array_index (segs, uint64_t, 0) : 0;
	out->end_lsn = expect;
	int rc = 0;
	for (guint i = 0; i < segs->len && !out->stop_reason; i++) {
		uint64_t start = g_array_index (segs, uint64_t, i);
		char *path = seg_path (dir, start);
		if (start != expect) {
			out->stop_reason = g_strdup_printf ("segment %s starts at LSN %" G_GUINT64_FORMAT
			                                    " but the log before it ends at %" G_GUINT64_FORMAT,
			                                    path, start, expect);
			g_free (path);
			break;
		}
		rc = scan_file (path, start, fn, user, out);
		g_free (path);
		if (rc != 0)
			break;
		expect = out->end_lsn;
	}
	g_array_unref (segs);
	g_free (dir);
	return rc;
}

int
ox_wal_remove_before (OxWal *w, uint64_t lsn)
{
	/* A segment can go when the next one starts at or before lsn: all of
	 * its records are older.  The segment being written is never removed. */
	GArray *segs = list_segments (w->dir);
	int rc = 0;
	bool removed = false;
	g_mutex_lock (&w->lock);
	uint64_t open_seg = w->seg_start;
	g_mutex_unlock (&w->lock);
	for (guint i = 0; i + 1 < segs->len; i++) {
		uint64_t s = g_array_index (segs, uint64_t, i), next = g_array_index (segs, uint64_t, i + 1);
		if (next > lsn || s >= open_seg)
			break;
		char *p = seg_path (w->dir, s);
		if (ox_file_unlink (p) != 0)
			rc = -1;
		else
			removed = true;
		g_free (p);
	}
	g_array_unref (segs);
	if (removed && ox_dir_sync (w->dir) != 0)
		rc = -1;
	return rc;
}

/* ---- writing --------------------------------------------------------------------- */

static void
close_keep_errno (OxFile *f)
{
	int e = errno;
	ox_file_close (f);
	errno = e;
}

/* Take the spare, if one is ready and big enough (need: record bytes the
 * segment must hold), as segment 'start': header, rename, directory sync.
 * Returns the file, or NULL with errno (ENOENT: no spare to take). */
static OxFile *
take_spare (OxWal *w, uint64_t start, uint64_t need)
{
	g_mutex_lock (&w->lock);
	bool ready = w->spare == SPARE_READY && need <= w->seg_size;
	if (ready)
		w->spare = SPARE_BUSY;
	g_mutex_unlock (&w->lock);
	if (!ready) {
		errno = ENOENT;
		return NULL;
	}
	char *sp = g_build_filename (w->dir, SPARE_NAME, NULL);
	char *path = seg_path (w->dir, start);
	uint8_t h[OX_WAL_SEG_HEADER];
	ox_wal_segment_header (h, start);
	/* The header goes out with the first records' fdatasync; until then
	 * a crash leaves a segment whose header does not read, which the open
	 * writes again (it holds no acknowledged record). */
	OxFile *f = ox_file_open (sp, O_RDWR, 0600);
	if (f && (ox_file_pwrite (f, h, sizeof h, 0) != 0 || ox_file_rename (sp, path) != 0
	          || ox_dir_sync (w->dir) != 0)) {
		close_keep_errno (f);
		f = NULL;
	}
	int e = errno;
	g_free (sp);
	g_free (path);
	g_mutex_lock (&w->lock);
	w->spare = SPARE_NONE;
	g_mutex_unlock (&w->lock);
	errno = e;
	return f;
}

/* Start segment 'start', to hold at least 'need' record bytes: the spare
 * renamed, or a new file written in full — header, zeros up to the segment
 * size — and fsynced with the directory (a new segment must survive a
 * crash along with its records). */
static int
open_new_segment (OxWal *w, uint64_t start, uint64_t need)
{
	OxFile *f = take_spare (w, start, need);
	if (!f && errno != ENOENT)
		return -1;
	if (!f) {
		char *path = seg_path (w->dir, start);
		f = ox_file_open (path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		g_free (path);
		if (!f)
			return -1;
		uint8_t h[OX_WAL_SEG_HEADER];
		ox_wal_segment_header (h, start);
		off_t full = (off_t) (OX_WAL_SEG_HEADER + MAX (w->seg_size, need));
		if (ox_file_pwrite (f, h, sizeof h, 0) != 0 || zero_fill (f, OX_WAL_SEG_HEADER, full) != 0
		    || ox_file_sync (f) != 0 || ox_dir_sync (w->dir) != 0) {
			close_keep_errno (f);
			return -1;
		}
	}
	w->seg = f;
	w->seg_start = start;
	return 0;
}

/* Make the spare: zeros for a whole segment, fsynced (so that its blocks
 * are allocated and later writes into it change no metadata).  The caller
 * set w->spare to SPARE_BUSY.  A failure is not the log's: the switch then
 * makes its segment itself (and meets the disk's trouble there, if any). */
static void
prepare_spare (OxWal *w)
{
	char *sp = g_build_filename (w->dir, SPARE_NAME, NULL);
	OxFile *f = ox_file_open (sp, O_RDWR | O_CREAT | O_TRUNC, 0600);
	bool ok = f && zero_fill (f, 0, (off_t) (OX_WAL_SEG_HEADER + w->seg_size)) == 0 && ox_file_sync (f) == 0;
	if (f)
		ox_file_close (f);
	if (!ok)
		ox_file_unlink (sp);
	g_free (sp);
	g_mutex_lock (&w->lock);
	w->spare = ok ? SPARE_READY : SPARE_NONE;
	g_mutex_unlock (&w->lock);
}

OxWal *
ox_wal_open (const char *dbdir, uint64_t end_lsn, uint64_t segment_size)
{
	OxWal *w = g_new0 (OxWal, 1);
	g_mutex_init (&w->lock);
	g_cond_init (&w->done);
	w->dir = g_build_filename (dbdir, "wal", NULL);
	w->seg_size = segment_size ? segment_size : 16u << 20;
	w->pending = g_ptr_array_new ();
	if (ox_dir_create (w->dir) != 0 && errno != EEXIST)
		goto fail;
	GArray *segs = list_segments (w->dir);
	/* keep the segment holding end_lsn, cut there; drop the ones after */
	uint64_t keep = UINT64_MAX;
	for (guint i = 0; i < segs->len; i++) {
		uint64_t s = g_array_index (segs, uint64_t, i);
		if (s <= end_lsn)
			keep = s;
	}
	for (guint i = 0; i < segs->len; i++) {
		uint64_t s = g_array_index (segs, uint64_t, i);
		if (s > end_lsn || (keep != UINT64_MAX && s > keep)) {
			char *p = seg_path (w->dir, s);
			ox_file_unlink (p);
			g_free (p);
		}
	}
	g_array_unref (segs);
	/* a spare left by the last run: whether it was finished is unknown */
	char *sp = g_build_filename (w->dir, SPARE_NAME, NULL);
	if (g_file_test (sp, G_FILE_TEST_EXISTS))
		ox_file_unlink (sp);
	g_free (sp);
	if (ox_dir_sync (w->dir) != 0)
		goto fail;
	if (keep != UINT64_MAX && keep == end_lsn) {
		/* no valid record in it: its header may be the torn part (a crash
		 * or a failed write while a new segment was started), so write it
		 * again rather than append after a header nobody can read */
		if (open_new_segment (w, keep, 0) != 0)
			goto fail;
	} else if (keep != UINT64_MAX) {
		char *p = seg_path (w->dir, keep);
		w->seg = ox_file_open (p, O_RDWR, 0600);
		g_free (p);
		if (!w->seg)
			goto fail;
		/* Zero what follows the last valid record: a torn tail, or whole
		 * records a torn write kept behind a hole, which new records must
		 * never come to precede.  Put back the zero padding a torn write
		 * took from the last record, so that the next record lands at its
		 * LSN, and preallocate a segment written by an older version (or
		 * cut by a failed write) to its full size.  Never cut it: that
		 * would bring back a growing file's inode write at every commit. */
		uint64_t used = end_lsn - keep;
		if (zero_tail (w->seg, (off_t) (OX_WAL_SEG_HEADER + used),
		               (off_t) (OX_WAL_SEG_HEADER + MAX (w->seg_size, used))) != 0)
			goto fail;
		w->seg_start = keep;
	} else if (open_new_segment (w, end_lsn, 0) != 0)
		goto fail;
	w->tail_seg = w->seg_start;
	w->next_lsn = w->written_lsn = w->flushed_lsn = end_lsn;
	return w;
fail:;
	int e = errno;
	ox_wal_close (w);
	errno = e;
	return NULL;
}

size_t
ox_wal_frame_record (GByteArray *out, uint64_t lsn, uint8_t kind, const void *payload, size_t len)
{
	size_t sz = rec_size (len);
	guint at = out->len;
	g_byte_array_set_size (out, at + (guint) sz);
	uint8_t *r = out->data + at;
	memset (r, 0, sz);
	put_u32 (r, (uint32_t) len);
	put_u64 (r + 8, lsn);
	r[16] = kind;
	memcpy (r + OX_WAL_REC_HEADER, payload, len);
	put_u32 (r + 4, ox_crc32c (0, r + 8, OX_WAL_REC_HEADER - 8 + len));
	return sz;
}

uint64_t
ox_wal_append (OxWal *w, uint8_t kind, const void *payload, size_t len)
{
	size_t sz = rec_size (len);
	g_mutex_lock (&w->lock);
	if (w->broken_errno) {
		errno = w->broken_errno;
		g_mutex_unlock (&w->lock);
		return 0;
	}
	uint64_t lsn = w->next_lsn;
	if (lsn > w->tail_seg && lsn - w->tail_seg + sz > w->seg_size)
		w->tail_seg = lsn;  /* this record starts a new segment */
	Chunk *c = w->pending->len ? w->pending->pdata[w->pending->len - 1] : NULL;
	if (!c || c->seg_start != w->tail_seg) {
		c = g_new0 (Chunk, 1);
		c->seg_start = w->tail_seg;
		c->lsn = lsn;
		c->bytes = g_byte_array_sized_new ((guint) (sz < 65536 ? 65536 : sz));
		g_ptr_array_add (w->pending, c);
	}
	ox_wal_frame_record (c->bytes, lsn, kind, payload, len);
	w->next_lsn = lsn + sz;
	w->pending_bytes += sz;
	uint64_t end = w->next_lsn;
	g_mutex_unlock (&w->lock);
	return end;
}

static void
chunk_free (gpointer p, gpointer unused)
{
	Chunk *c = p;
	g_byte_array_unref (c->bytes);
	g_free (c);
}

/* The leader's work: write chunks in order, switching segments.  On
 * return *durable / *written say how far the log got (a failure in the
 * middle of a batch still leaves the records before it written, and those
 * before a segment switch fsynced). */
static int
write_chunks (OxWal *w, GPtrArray *chunks, bool sync, uint64_t *durable, uint64_t *written)
{
	for (guint i = 0; i < chunks->len; i++) {
		Chunk *c = chunks->pdata[i];
		if (c->seg_start != w->seg_start) {
			/* finish the old segment durably before the log moves on */
			if (w->seg) {
				if (ox_file_datasync (w->seg) != 0)
					return -1;
				w->fsyncs++;
				*durable = c->lsn;
				ox_file_close (w->seg);
				w->seg = NULL;
			}
			if (open_new_segment (w, c->seg_start, c->bytes->len) != 0)
				return -1;
		}
		off_t at = (off_t) (OX_WAL_SEG_HEADER + (c->lsn - w->seg_start));
		if (ox_file_pwrite (w->seg, c->bytes->data, c->bytes->len, at) != 0)
			return -1;
		*written = c->lsn + c->bytes->len;
	}
	if (sync) {
		/* the segment is preallocated: the size does not change, so the
		 * data is durable without the inode */
		if (ox_file_datasync (w->seg) != 0)
			return -1;
		w->fsyncs++;
		*durable = *written;
	}
	return 0;
}

int
ox_wal_flush (OxWal *w, uint64_t upto, bool sync)
{
	g_mutex_lock (&w->lock);
	for (;;) {
		/* done first: a record the failed batch still made durable (or
		 * written, when that is all that was asked) was committed */
		if ((sync ? w->flushed_lsn : w->written_lsn) >= upto) {
			g_mutex_unlock (&w->lock);
			return 0;
		}
		if (w->broken_errno) {
			errno = w->broken_errno;
			g_mutex_unlock (&w->lock);
			return -1;
		}
		if (!w->flushing)
			break;
		g_cond_wait (&w->done, &w->lock);
	}
	/* become the leader for everything pending now */
	w->flushing = true;
	GPtrArray *chunks = w->pending;
	w->pending = g_ptr_array_new ();
	w->pending_bytes = 0;
	uint64_t durable = w->flushed_lsn, written = w->written_lsn;
	uint64_t written_before = written;
	g_mutex_unlock (&w->lock);

	int rc = write_chunks (w, chunks, sync, &durable, &written);
	int e = errno;
	if (rc != 0 && w->seg) {
		/* Best effort: cut what the failed batch left that nobody was told
		 * is committed, so that a reopen does not replay commits reported
		 * as failed.  Acknowledged means durable for a FULL batch, but
		 * records written earlier (NORMAL commits, acknowledged once
		 * written) and, for a NORMAL batch, everything it wrote, stay.
		 * (If the cut fails, recovery may find whole unacknowledged
		 * records, which is allowed.) */
		uint64_t keep = sync ? MAX (durable, written_before) : written;
		if (keep < w->seg_start)
			keep = w->seg_start;
		if (written > keep
		    && zero_fill (w->seg, (off_t) (OX_WAL_SEG_HEADER + (keep - w->seg_start)),
		                  (off_t) (OX_WAL_SEG_HEADER + (written - w->seg_start))) == 0)
			written = keep;
	}
	g_ptr_array_foreach (chunks, chunk_free, NULL);
	g_ptr_array_unref (chunks);

	g_mutex_lock (&w->lock);
	w->flushing = false;
	if (durable > w->flushed_lsn)
		w->flushed_lsn = durable;
	if (written > w->written_lsn)
		w->written_lsn = written;
	if (rc != 0)
		w->broken_errno = e ? e : EIO;
	bool ok = (sync ? w->flushed_lsn : w->written_lsn) >= upto;
	/* the open segment is half full: prepare the next one now, after this
	 * commit is durable, rather than in the commit that switches */
	bool prep = rc == 0 && w->spare == SPARE_NONE && w->next_lsn - w->tail_seg >= w->seg_size / 2;
	if (prep)
		w->spare = SPARE_BUSY;
	g_cond_broadcast (&w->done);
	g_mutex_unlock (&w->lock);
	if (prep)
		prepare_spare (w);
	if (!ok) {
		errno = e ? e : EIO;
		return -1;
	}
	return 0;
}

bool
ox_wal_broken (OxWal *w, int *err)
{
	g_mutex_lock (&w->lock);
	int e = w->broken_errno;
	g_mutex_unlock (&w->lock);
	if (err)
		*err = e;
	return e != 0;
}

uint64_t
ox_wal_end_lsn (OxWal *w)
{
	g_mutex_lock (&w->lock);
	uint64_t v = w->next_lsn;
	g_mutex_unlock (&w->lock);
	return v;
}

uint64_t
ox_wal_unwritten (OxWal *w)
{
	g_mutex_lock (&w->lock);
	uint64_t v = w->next_lsn - w->written_lsn;
	g_mutex_unlock (&w->lock);
	return v;
}

uint64_t
ox_wal_fsync_count (OxWal *w)
{
	return w->fsyncs;
}

void
ox_wal_close (OxWal *w)
{
	if (!w)
		return;
	if (w->seg && !w->broken_errno) {
		ox_wal_flush (w, w->next_lsn, true);
	}
	if (w->seg)
		ox_file_close (w->seg);
	if (w->pending) {
		g_ptr_array_foreach (w->pending, chunk_free, NULL);
		g_ptr_array_unref (w->pending);
	}
	g_mutex_clear (&w->lock);
	g_cond_clear (&w->done);
	g_free (w->dir);
	g_free (w);
}

/*
 * test-wal.c — the write-ahead log's segments at the OxWal level: they are
 * preallocated (full size, zeros) and stay so, the scan ends cleanly at the
 * zeros and goes on in the next segment, the open zeroes what a crash left
 * after the last valid record (whole records behind a hole, stale records
 * of an older segment), a group commit may switch segments in the middle,
 * the spare segment is prepared ahead and taken at the switch, and
 * simulated power losses (file.c's crash model) keep every record a synced
 * flush acknowledged.
 *
 * What can go wrong: a test leaves its temporary directory behind when it
 * fails (for inspection); the power-loss rounds install process-wide fault
 * and tracking state, cleared in the teardown.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-util.h"
#include "storage/file.h"
#include "storage/wal.h"
#include "storage/wal-format.h"

enum { SEG = 4096 };

typedef struct {
	char *dir;
} Fixture;

static void
fx_setup (Fixture *fx, gconstpointer data)
{
	fx->dir = g_dir_make_tmp ("oxibase-wal-XXXXXX", NULL);
	g_assert_nonnull (fx->dir);
}

static void
fx_teardown (Fixture *fx, gconstpointer data)
{
	ox_file_set_fault (NULL);
	ox_file_track_durability (FALSE);
	ox_test_rm_rf (fx->dir);
	g_free (fx->dir);
}

static char *
seg_file (Fixture *fx, uint64_t start)
{
	char *name = g_strdup_printf ("%016" G_GINT64_MODIFIER "x.wal", start);
	char *p = g_build_filename (fx->dir, "wal", name, NULL);
	g_free (name);
	return p;
}

static off_t
file_size (const char *path)
{
	struct stat st;
	g_assert_cmpint (g_stat (path, &st), ==, 0);
	return st.st_size;
}

static bool
exists (Fixture *fx, const char *name)
{
	char *p = g_build_filename (fx->dir, "wal", name, NULL);
	bool r = g_file_test (p, G_FILE_TEST_EXISTS);
	g_free (p);
	return r;
}

/* The number of segments; *last gets the newest one's start. */
static int
segments (Fixture *fx, uint64_t *last)
{
	char *waldir = g_build_filename (fx->dir, "wal", NULL);
	GDir *d = g_dir_open (waldir, 0, NULL);
	g_free (waldir);
	g_assert_nonnull (d);
	const char *name;
	int n = 0;
	uint64_t hi = 0;
	while ((name = g_dir_read_name (d)) != NULL) {
		if (strlen (name) != 20 || !g_str_has_suffix (name, ".wal"))
			continue;
		uint64_t s = g_ascii_strtoull (name, NULL, 16);
		hi = MAX (hi, s);
		n++;
	}
	g_dir_close (d);
	if (last)
		*last = hi;
	return n;
}

/* Record i's payload: "r<i>" and i % 50 filler bytes, so records differ in
 * size and padding. */
static GByteArray *
payload (int i)
{
	GByteArray *b = g_byte_array_new ();
	char head[16];
	int n = g_snprintf (head, sizeof head, "r%d:", i);
	g_byte_array_append (b, (const guint8 *) head, (guint) n);
	for (int k = 0; k < i % 50; k++)
		g_byte_array_append (b, (const guint8 *) "x", 1);
	return b;
}

static uint64_t
append (OxWal *w, int i)
{
	GByteArray *b = payload (i);
	uint64_t end = ox_wal_append (w, OX_WAL_COMMIT, b->data, b->len);
	g_assert_cmpuint (end, >, 0);
	g_byte_array_unref (b);
	return end;
}

/* Append records first..last, one synced flush each. */
static uint64_t
commit_each (OxWal *w, int first, int last)
{
	uint64_t end = 0;
	for (int i = first; i <= last; i++) {
		end = append (w, i);
		g_assert_cmpint (ox_wal_flush (w, end, true), ==, 0);
	}
	return end;
}

static void
collect (void *user, uint64_t lsn, uint8_t kind, const uint8_t *p, size_t len)
{
	GString *g = user;
	g_string_append_len (g, (const char *) p, (gssize) len);
	g_string_append_c (g, '\n');
}

/* What records first..last would scan as. */
static char *
expect (int first, int last)
{
	GString *g = g_string_new (NULL);
	for (int i = first; i <= last; i++) {
		GByteArray *b = payload (i);
		g_string_append_len (g, (const char *) b->data, b->len);
		g_string_append_c (g, '\n');
		g_byte_array_unref (b);
	}
	return g_string_free (g, FALSE);
}

/* Scan the log; returns the payloads, one a line; *scan filled. */
static char *
scan_all (Fixture *fx, OxWalScan *scan)
{
	GString *g = g_string_new (NULL);
	g_assert_cmpint (ox_wal_scan (fx->dir, collect, g, scan), ==, 0);
	return g_string_free (g, FALSE);
}

static void
assert_log (Fixture *fx, int first, int last, bool clean, uint64_t *end_lsn)
{
	OxWalScan scan;
	char *got = scan_all (fx, &scan);
	char *want = expect (first, last);
	g_assert_cmpstr (got, ==, want);
	if (clean)
		g_assert_null (scan.stop_reason);
	if (end_lsn)
		*end_lsn = scan.end_lsn;
	g_free (scan.stop_reason);
	g_free (got);
	g_free (want);
}

/* The bytes of [from, to) of path are all zero. */
static bool
zeros_in (const char *path, off_t from, off_t to)
{
	char *data = NULL;
	gsize len = 0;
	g_assert_true (g_file_get_contents (path, &data, &len, NULL));
	g_assert_cmpint ((off_t) len, >=, to);
	bool z = true;
	for (off_t i = from; i < to && z; i++)
		z = data[i] == 0;
	g_free (data);
	return z;
}

/* A segment is its full size from the start, holds zeros after the last
 * record, keeps its size when reopened (the open must not cut it to the
 * last record, which would make every commit grow the file again), and a
 * segment written by a version that let it grow is preallocated when the
 * log reopens on it. */
static void
test_preallocated (Fixture *fx, gconstpointer data)
{
	OxWal *w = ox_wal_open (fx->dir, 0, SEG);
	g_assert_nonnull (w);
	char *seg0 = seg_file (fx, 0);
	g_assert_cmpint (file_size (seg0), ==, OX_WAL_SEG_HEADER + SEG);
	uint64_t end = commit_each (w, 1, 5);
	g_assert_cmpint (file_size (seg0), ==, OX_WAL_SEG_HEADER + SEG);
	ox_wal_close (w);
	g_assert_true (zeros_in (seg0, (off_t) (OX_WAL_SEG_HEADER + end), OX_WAL_SEG_HEADER + SEG));
	uint64_t scanned;
	assert_log (fx, 1, 5, true, &scanned);
	g_assert_cmpuint (scanned, ==, end);

	w = ox_wal_open (fx->dir, scanned, SEG);
	g_assert_nonnull (w);
	g_assert_cmpint (file_size (seg0), ==, OX_WAL_SEG_HEADER + SEG);
	end = commit_each (w, 6, 8);
	ox_wal_close (w);
	assert_log (fx, 1, 8, true, &scanned);

	/* an older version's segment: cut at its last record */
	g_assert_cmpint (truncate (seg0, (off_t) (OX_WAL_SEG_HEADER + scanned)), ==, 0);
	assert_log (fx, 1, 8, true, &scanned);
	w = ox_wal_open (fx->dir, scanned, SEG);
	g_assert_nonnull (w);
	g_assert_cmpint (file_size (seg0), ==, OX_WAL_SEG_HEADER + SEG);
	commit_each (w, 9, 9);
	ox_wal_close (w);
	assert_log (fx, 1, 9, true, NULL);
	g_free (seg0);
}

/* A crash can keep a later unsynced write and lose an earlier one: whole
 * records behind a hole of zeros.  The scan ends at the hole; the open must
 * zero what lies behind it, or the first new records, filling the hole,
 * would be followed by those never-acknowledged ones and a later replay
 * would apply them. */
static void
test_records_behind_hole (Fixture *fx, gconstpointer data)
{
	OxWal *w = ox_wal_open (fx->dir, 0, SEG);
	uint64_t a = commit_each (w, 1, 3);
	uint64_t b = commit_each (w, 4, 4);
	commit_each (w, 5, 6);
	ox_wal_close (w);
	char *seg0 = seg_file (fx, 0);
	/* record 4 lost (zeros), 5 and 6 kept */
	int fd = open (seg0, O_WRONLY);
	g_assert_cmpint (fd, >=, 0);
	char hole[512] = { 0 };
	g_assert_cmpint (pwrite (fd, hole, (size_t) (b - a), (off_t) (OX_WAL_SEG_HEADER + a)), ==, (ssize_t) (b - a));
	close (fd);
	uint64_t end;
	assert_log (fx, 1, 3, true, &end);
	g_assert_cmpuint (end, ==, a);
	w = ox_wal_open (fx->dir, end, SEG);
	g_assert_nonnull (w);
	/* record 4 again, the same size as the lost one: it ends where the
	 * stale record 5 starts */
	g_assert_cmpuint (commit_each (w, 4, 4), ==, b);
	ox_wal_close (w);
	assert_log (fx, 1, 4, true, NULL);
	g_free (seg0);
}

/* Records of an older segment in the tail of the last one (what a recycled
 * segment holds): each carries its own LSN, which is not the one expected
 * there, so the scan stops at the first and replays only the new records;
 * the open zeroes them and the log continues. */
static void
test_stale_records (Fixture *fx, gconstpointer data)
{
	OxWal *w = ox_wal_open (fx->dir, 0, SEG);
	int n = 0;
	while (segments (fx, NULL) < 2 || n < 100) {
		n++;
		commit_each (w, n, n);
		g_assert_cmpint (n, <, 1000);
	}
	ox_wal_close (w);
	uint64_t end;
	assert_log (fx, 1, n, true, &end);
	/* copy the first segment's records behind the last segment's */
	uint64_t last;
	segments (fx, &last);
	g_assert_cmpuint (last, >, 0);
	char *seg0 = seg_file (fx, 0), *segl = seg_file (fx, last);
	char *old = NULL;
	gsize oldlen = 0;
	g_assert_true (g_file_get_contents (seg0, &old, &oldlen, NULL));
	off_t at = (off_t) (OX_WAL_SEG_HEADER + (end - last));
	size_t n_copy = MIN ((size_t) (OX_WAL_SEG_HEADER + SEG - at), oldlen - OX_WAL_SEG_HEADER);
	g_assert_cmpuint (n_copy, >, 64);
	int fd = open (segl, O_WRONLY);
	g_assert_cmpint (pwrite (fd, old + OX_WAL_SEG_HEADER, n_copy, at), ==, (ssize_t) n_copy);
	close (fd);
	g_free (old);
	OxWalScan scan;
	char *got = scan_all (fx, &scan);
	char *want = expect (1, n);
	g_assert_cmpstr (got, ==, want);
	g_assert_cmpuint (scan.end_lsn, ==, end);
	g_assert_nonnull (scan.stop_reason);
	g_assert_nonnull (strstr (scan.stop_reason, "claims LSN"));
	g_free (scan.stop_reason);
	g_free (got);
	g_free (want);
	w = ox_wal_open (fx->dir, end, SEG);
	g_assert_nonnull (w);
	g_assert_true (zeros_in (segl, at, OX_WAL_SEG_HEADER + SEG));
	commit_each (w, n + 1, n + 2);
	ox_wal_close (w);
	assert_log (fx, 1, n + 2, true, NULL);
	g_free (seg0);
	g_free (segl);
}

/* One group commit whose records fill three segments: the leader finishes
 * each segment durably, starts the next (preallocated) and syncs once at
 * the end; every record is there, in order, and every segment is full
 * size. */
static void
test_switch_in_group (Fixture *fx, gconstpointer data)
{
	OxWal *w = ox_wal_open (fx->dir, 0, SEG);
	uint64_t fsyncs = ox_wal_fsync_count (w);
	uint64_t end = 0;
	int n = 0;
	while (end < 2 * SEG + SEG / 2)
		end = append (w, ++n);
	g_assert_cmpint (ox_wal_flush (w, end, true), ==, 0);
	/* three segments: two datasyncs at the switches, one at the end */
	g_assert_cmpuint (ox_wal_fsync_count (w) - fsyncs, ==, 3);
	ox_wal_close (w);
	OxWalScan scan;
	char *got = scan_all (fx, &scan);
	char *want = expect (1, n);
	g_assert_cmpstr (got, ==, want);
	g_assert_null (scan.stop_reason);
	g_assert_cmpuint (scan.nsegments, ==, 3);
	g_assert_cmpuint (scan.end_lsn, ==, end);
	g_assert_cmpuint (scan.bytes, ==, 3 * (OX_WAL_SEG_HEADER + SEG));
	g_free (got);
	g_free (want);
	/* and the log reopens at its end in the third */
	w = ox_wal_open (fx->dir, end, SEG);
	commit_each (w, n + 1, n + 3);
	ox_wal_close (w);
	assert_log (fx, 1, n + 3, true, NULL);
}

/* Once the open segment is half full, a flush prepares the spare (zeros,
 * synced); the switch takes it, renamed to its start LSN with its header
 * written; the next half-full segment prepares another.  A record larger
 * than a segment gets a segment of its own, big enough. */
static void
test_spare (Fixture *fx, gconstpointer data)
{
	OxWal *w = ox_wal_open (fx->dir, 0, SEG);
	int n = 0;
	uint64_t end = 0;
	while (end < SEG / 2 - 200)
		end = commit_each (w, n + 1, n + 1), n++;
	g_assert_false (exists (fx, "spare"));
	while (end < SEG / 2 + 100)
		end = commit_each (w, n + 1, n + 1), n++;
	g_assert_true (exists (fx, "spare"));
	char *sp = g_build_filename (fx->dir, "wal", "spare", NULL);
	g_assert_cmpint (file_size (sp), ==, OX_WAL_SEG_HEADER + SEG);
	/* into the second segment: the spare became it */
	while (segments (fx, NULL) < 2)
		end = commit_each (w, n + 1, n + 1), n++;
	g_assert_false (exists (fx, "spare"));
	uint64_t second;
	segments (fx, &second);
	char *p2 = seg_file (fx, second);
	g_assert_cmpint (file_size (p2), ==, OX_WAL_SEG_HEADER + SEG);
	g_free (p2);
	/* an oversized record: a segment of its own, preallocated to its size */
	GByteArray *big = g_byte_array_new ();
	g_byte_array_set_size (big, 3 * SEG);
	memset (big->data, 'b', big->len);
	uint64_t bstart = ox_wal_end_lsn (w);
	end = ox_wal_append (w, OX_WAL_COMMIT, big->data, big->len);
	g_assert_cmpint (ox_wal_flush (w, end, true), ==, 0);
	char *bigseg = seg_file (fx, bstart);
	g_assert_cmpint (file_size (bigseg), >=, OX_WAL_SEG_HEADER + 3 * SEG + OX_WAL_REC_HEADER);
	n++;
	commit_each (w, n + 1, n + 2);
	ox_wal_close (w);
	OxWalScan scan;
	char *got = scan_all (fx, &scan);
	g_assert_null (scan.stop_reason);
	g_assert_cmpuint (scan.nrecords, ==, (uint64_t) n + 2);
	g_assert_nonnull (strstr (got, "bbbbbbbb"));
	g_free (scan.stop_reason);
	g_free (got);
	/* a spare left behind is not trusted: the open removes it */
	g_assert_true (g_file_set_contents (sp, "junk", 4, NULL));
	w = ox_wal_open (fx->dir, scan.end_lsn, SEG);
	g_assert_nonnull (w);
	g_assert_false (exists (fx, "spare"));
	ox_wal_close (w);
	g_byte_array_unref (big);
	g_free (bigseg);
	g_free (sp);
}

/* The spare's fsync fails: it is thrown away, the log is not broken, and
 * the switch makes its segment itself. */
static void
test_spare_fault (Fixture *fx, gconstpointer data)
{
	OxWal *w = ox_wal_open (fx->dir, 0, SEG);
	OxFaultPlan plan = { .kind = OX_FAULT_FSYNC_EIO, .path_substr = "wal/spare" };
	ox_file_set_fault (&plan);
	int n = 0;
	uint64_t end = 0;
	while (end < 3 * SEG)
		end = commit_each (w, n + 1, n + 1), n++;
	g_assert_false (ox_wal_broken (w, NULL));
	g_assert_false (exists (fx, "spare"));
	ox_file_set_fault (NULL);
	ox_wal_close (w);
	assert_log (fx, 1, n, true, NULL);
}

/* Power losses (file.c's crash model, torn or not) in the middle of
 * commits crossing segment switches and spare preparations: after each,
 * every record a synced flush acknowledged is there, in order, with
 * nothing after it that was never appended; and the log goes on. */
static void
test_power_loss (Fixture *fx, gconstpointer data)
{
	int acked = 0;
	uint64_t end = 0;
	/* (the database's open makes DIR/wal durable: recovery.c) */
	char *waldir = g_build_filename (fx->dir, "wal", NULL);
	g_assert_cmpint (g_mkdir (waldir, 0700), ==, 0);
	g_free (waldir);
	for (guint32 round = 1; round <= 40; round++) {
		ox_file_track_durability (TRUE);
		OxWal *w = ox_wal_open (fx->dir, end, SEG);
		g_assert_nonnull (w);
		/* some acknowledged commits, then some appended and written but
		 * not synced (the torn tail) */
		int k = 3 + (int) (round * 7 % 40);
		commit_each (w, acked + 1, acked + k);
		acked += k;
		for (int i = 1; i <= (int) (round % 4) * 5; i++)
			ox_wal_flush (w, append (w, acked + i), false);
		/* (no ox_file_halt: it lasts for the process, and nothing else
		 * runs here between the crash and the close) */
		ox_file_simulate_crash (round % 3 ? round : 0);
		ox_wal_close (w);
		ox_file_track_durability (FALSE);
		OxWalScan scan;
		char *got = scan_all (fx, &scan);
		/* the acknowledged ones, perhaps some unsynced ones after them */
		char *want = expect (1, acked);
		if (!g_str_has_prefix (got, want))
			g_error ("round %u: the log lost acknowledged records:\n%s\nwant a prefix\n%s", round, got, want);
		/* whatever came back after them is the unsynced records, in order */
		int extra = 0;
		for (const char *p = got + strlen (want); *p; p = strchr (p, '\n') + 1)
			extra++;
		char *with = expect (1, acked + extra);
		g_assert_cmpstr (got, ==, with);
		acked += extra;
		end = scan.end_lsn;
		g_free (scan.stop_reason);
		g_free (with);
		g_free (want);
		g_free (got);
	}
	OxWal *w = ox_wal_open (fx->dir, end, SEG);
	commit_each (w, acked + 1, acked + 1);
	ox_wal_close (w);
	assert_log (fx, 1, acked + 1, true, NULL);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fx_setup, fn, fx_teardown)
	ADD ("/engine/wal/preallocated", test_preallocated);
	ADD ("/engine/wal/records-behind-hole", test_records_behind_hole);
	ADD ("/engine/wal/stale-records", test_stale_records);
	ADD ("/engine/wal/switch-in-group", test_switch_in_group);
	ADD ("/engine/wal/spare", test_spare);
	ADD ("/engine/wal/spare-fault", test_spare_fault);
	ADD ("/engine/wal/power-loss", test_power_loss);
	return g_test_run ();
}

/*
 * test-file.c — the file I/O layer (engine/storage/file.c): POSIX round
 * trips, fault injection, the lock file and the crash simulation.
 *
 * What is tested, and what each group would catch when the layer is wrong:
 *
 *   io/      appends that do not land at the end, lost or doubled bytes,
 *            pwrite over existing data, truncate, read_all's NUL and length.
 *   fault/   a plan that fires too early or too late, a short write that
 *            writes the wrong amount, a fault on files the filter excludes,
 *            a failed fsync retried into a false success, a broken file that
 *            stops being readable.
 *   lock/    a second locker let through, a wrong or missing holder pid, a
 *            lock not released by close.
 *   crash/   unsynced bytes surviving a crash, durable bytes lost, a torn
 *            tail that is not a prefix, created/renamed/unlinked entries
 *            whose directory was never synced surviving (or durable ones
 *            undone), overwrites of durable data not put back, hidden
 *            .ox-unlinked-N files left behind, handles or locks outliving
 *            the "process".
 *
 * NOTE: every test runs in a fresh directory from g_dir_make_tmp, removed in
 * teardown, which also clears the fault plan and turns tracking off, so a
 * failing test does not leak its faults into the next.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/file.h"
#include "test-util.h"

typedef struct Fixture {
	char *dir;  /* the test's scratch directory (absolute) */
} Fixture;

static void
fx_setup (Fixture *fx, gconstpointer data)
{
	GError *err = NULL;
	/* g_dir_make_tmp makes it under g_get_tmp_dir (). */
	fx->dir = g_dir_make_tmp ("oxfile-XXXXXX", &err);
	g_assert_no_error (err);
}

static void
fx_teardown (Fixture *fx, gconstpointer data)
{
	ox_file_set_fault (NULL);
	ox_file_track_durability (false);
	ox_test_rm_rf (fx->dir);
	g_free (fx->dir);
}

static char *
fx_path (Fixture *fx, const char *name)
{
	return g_build_filename (fx->dir, name, NULL);
}

/* Create name holding text, fsynced, and its directory synced: durable. */
static void
make_durable (Fixture *fx, const char *name, const char *text)
{
	g_autofree char *p = fx_path (fx, name);
	OxFile *f = ox_file_open (p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	g_assert_nonnull (f);
	g_assert_cmpint (ox_file_append (f, text, strlen (text)), ==, 0);
	g_assert_cmpint (ox_file_sync (f), ==, 0);
	g_assert_cmpint (ox_file_close (f), ==, 0);
	g_assert_cmpint (ox_dir_sync (fx->dir), ==, 0);
}

/* Append text to name without any sync. */
static void
append_unsynced (Fixture *fx, const char *name, const char *text)
{
	g_autofree char *p = fx_path (fx, name);
	OxFile *f = ox_file_open (p, O_RDWR | O_CREAT, 0644);
	g_assert_nonnull (f);
	g_assert_cmpint (ox_file_append (f, text, strlen (text)), ==, 0);
	g_assert_cmpint (ox_file_close (f), ==, 0);
}

static void
assert_content (Fixture *fx, const char *name, const char *want)
{
	g_autofree char *p = fx_path (fx, name);
	char *data = NULL;
	size_t len = 0;
	g_assert_cmpint (ox_file_read_all (p, &data, &len), ==, 0);
	g_assert_cmpstr (data, ==, want);
	g_assert_cmpuint (len, ==, strlen (want));
	g_free (data);
}

static bool
exists (Fixture *fx, const char *name)
{
	g_autofree char *p = fx_path (fx, name);
	struct stat st;
	return lstat (p, &st) == 0;
}

/* No .ox-unlinked-N stash left in dir. */
static void
assert_no_stash (const char *dir)
{
	GDir *d = g_dir_open (dir, 0, NULL);
	g_assert_nonnull (d);
	const char *name;
	while ((name = g_dir_read_name (d)) != NULL)
		g_assert_false (g_str_has_prefix (name, ".ox-unlinked-"));
	g_dir_close (d);
}

/* ---- io/ -------------------------------------------------------------------- */

static void
test_io_roundtrip (Fixture *fx, gconstpointer data)
{
	g_autofree char *p = fx_path (fx, "data");
	OxFile *f = ox_file_open (p, O_RDWR | O_CREAT | O_APPEND, 0644);
	g_assert_nonnull (f);
	g_assert_cmpstr (ox_file_path (f), ==, p);
	g_assert_cmpint (ox_file_append (f, "hello", 5), ==, 0);
	g_assert_cmpint (ox_file_append (f, " world", 6), ==, 0);
	g_assert_cmpint (ox_file_sync (f), ==, 0);
	g_assert_cmpint (ox_file_size (f), ==, 11);
	g_assert_cmpint (ox_file_close (f), ==, 0);

	/* Reopened, append continues at the end; pwrite writes in place even
	 * though the file was opened O_APPEND. */
	f = ox_file_open (p, O_RDWR | O_APPEND, 0);
	g_assert_nonnull (f);
	g_assert_cmpint (ox_file_append (f, "!", 1), ==, 0);
	g_assert_cmpint (ox_file_pwrite (f, "J", 1, 0), ==, 0);
	char buf[64];
	g_assert_cmpint (ox_file_pread (f, buf, sizeof buf, 0), ==, 12);
	g_assert_cmpmem (buf, 12, "Jello world!", 12);
	g_assert_cmpint (ox_file_pread (f, buf, sizeof buf, 12), ==, 0);
	g_assert_cmpint (ox_file_pread (f, buf, 3, 6), ==, 3);
	g_assert_cmpmem (buf, 3, "wor", 3);

	g_assert_cmpint (ox_file_truncate (f, 5), ==, 0);
	g_assert_cmpint (ox_file_size (f), ==, 5);
	g_assert_cmpint (ox_file_append (f, "y", 1), ==, 0);
	g_assert_cmpint (ox_file_sync (f), ==, 0);
	g_assert_cmpint (ox_file_close (f), ==, 0);
	assert_content (fx, "data", "Jelloy");

	/* An empty file, a missing one. */
	make_durable (fx, "empty", "");
	assert_content (fx, "empty", "");
	g_autofree char *missing = fx_path (fx, "missing");
	char *d = NULL;
	g_assert_cmpint (ox_file_read_all (missing, &d, NULL), ==, -1);
	g_assert_cmpint (errno, ==, ENOENT);
	g_assert_null (ox_file_open (missing, O_RDONLY, 0));
	g_assert_cmpint (errno, ==, ENOENT);
}

/* read_all must not trust a size estimate: a file larger than one buffer. */
static void
test_io_read_all_large (Fixture *fx, gconstpointer data)
{
	g_autofree char *p = fx_path (fx, "big");
	OxFile *f = ox_file_open (p, O_RDWR | O_CREAT, 0644);
	g_assert_nonnull (f);
	GString *want = g_string_new (NULL);
	for (int i = 0; i < 20000; i++)
		g_string_append_printf (want, "%d,", i);
	g_assert_cmpint (ox_file_append (f, want->str, want->len), ==, 0);
	g_assert_cmpint (ox_file_close (f), ==, 0);
	assert_content (fx, "big", want->str);
	g_string_free (want, TRUE);
}

static void
test_io_dirs (Fixture *fx, gconstpointer data)
{
	g_autofree char *sub = fx_path (fx, "sub");
	g_assert_cmpint (ox_dir_create (sub), ==, 0);
	g_assert_cmpint (ox_dir_create (sub), ==, -1);
	g_assert_cmpint (errno, ==, EEXIST);
	g_assert_cmpint (ox_dir_sync (fx->dir), ==, 0);
	g_assert_cmpint (ox_dir_sync (sub), ==, 0);

	make_durable (fx, "a", "A");
	g_autofree char *a = fx_path (fx, "a");
	g_autofree char *b = fx_path (fx, "sub/b");
	g_assert_cmpint (ox_file_rename (a, b), ==, 0);
	assert_content (fx, "sub/b", "A");
	g_assert_cmpint (ox_file_unlink (b), ==, 0);
	g_assert_false (exists (fx, "sub/b"));
	g_assert_cmpint (ox_file_unlink (b), ==, -1);
	g_assert_cmpint (errno, ==, ENOENT);
	g_autofree char *nope = fx_path (fx, "nope");
	g_assert_cmpint (ox_dir_sync (nope), ==, -1);
	g_assert_cmpint (errno, ==, ENOENT);
}

/* ---- fault/ ----------------------------------------------------------------- */

static OxFile *
open_new (Fixture *fx, const char *name)
{
	g_autofree char *p = fx_path (fx, name);
	OxFile *f = ox_file_open (p, O_RDWR | O_CREAT, 0644);
	g_assert_nonnull (f);
	return f;
}

/* SHORT_WRITE by bytes: the crossing write stops exactly at the threshold
 * and says ENOSPC; later writes write nothing; clearing the plan heals. */
static void
test_fault_short_write (Fixture *fx, gconstpointer data)
{
	OxFile *f = open_new (fx, "wal");
	OxFaultPlan plan = { .kind = OX_FAULT_SHORT_WRITE, .after_bytes = 10 };
	ox_file_set_fault (&plan);
	g_assert_cmpint (ox_file_append (f, "abcd", 4), ==, 0);
	errno = 0;
	g_assert_cmpint (ox_file_append (f, "0123456789", 10), ==, -1);
	g_assert_cmpint (errno, ==, ENOSPC);
	g_assert_cmpint (ox_file_size (f), ==, 10);
	g_assert_cmpint (ox_file_append (f, "x", 1), ==, -1);
	g_assert_cmpint (errno, ==, ENOSPC);
	g_assert_cmpint (ox_file_size (f), ==, 10);

	ox_file_set_fault (NULL);
	g_assert_cmpint (ox_file_append (f, "!", 1), ==, 0);
	g_assert_cmpint (ox_file_close (f), ==, 0);
	assert_content (fx, "wal", "abcd012345!");

	/* By calls: two writes pass, the third writes half of its buffer. */
	f = open_new (fx, "wal2");
	plan = (OxFaultPlan) { .kind = OX_FAULT_SHORT_WRITE, .after_calls = 2 };
	ox_file_set_fault (&plan);
	g_assert_cmpint (ox_file_append (f, "aa", 2), ==, 0);
	g_assert_cmpint (ox_file_pwrite (f, "bb", 2, 2), ==, 0);
	g_assert_cmpint (ox_file_append (f, "cccccc", 6), ==, -1);
	g_assert_cmpint (errno, ==, ENOSPC);
	ox_file_set_fault (NULL);
	g_assert_cmpint (ox_file_close (f), ==, 0);
	assert_content (fx, "wal2", "aabbccc");
}

static void
test_fault_enospc (Fixture *fx, gconstpointer data)
{
	OxFile *f = open_new (fx, "wal");
	OxFaultPlan plan = { .kind = OX_FAULT_WRITE_ENOSPC, .after_calls = 1 };
	ox_file_set_fault (&plan);
	g_assert_cmpint (ox_file_append (f, "one", 3), ==, 0);
	g_assert_cmpint (ox_file_append (f, "two", 3), ==, -1);
	g_assert_cmpint (errno, ==, ENOSPC);
	g_assert_cmpint (ox_file_append (f, "three", 5), ==, -1);
	g_assert_cmpint (errno, ==, ENOSPC);
	/* Nothing of the failed writes reached the file; syncs still work. */
	g_assert_cmpint (ox_file_size (f), ==, 3);
	g_assert_cmpint (ox_file_sync (f), ==, 0);
	ox_file_set_fault (NULL);
	g_assert_cmpint (ox_file_close (f), ==, 0);
	assert_content (fx, "wal", "one");
}

/* WRITE_EIO with a path filter: only matching files fail. */
static void
test_fault_eio (Fixture *fx, gconstpointer data)
{
	OxFile *w = open_new (fx, "wal-0001");
	OxFile *c = open_new (fx, "checkpoint-0001");
	OxFaultPlan plan = { .kind = OX_FAULT_WRITE_EIO, .path_substr = "wal-" };
	ox_file_set_fault (&plan);
	g_assert_cmpint (ox_file_append (w, "x", 1), ==, -1);
	g_assert_cmpint (errno, ==, EIO);
	g_assert_cmpint (ox_file_pwrite (w, "x", 1, 0), ==, -1);
	g_assert_cmpint (errno, ==, EIO);
	g_assert_cmpint (ox_file_append (c, "ok", 2), ==, 0);
	g_assert_cmpint (ox_file_sync (c), ==, 0);
	g_assert_cmpint (ox_file_size (w), ==, 0);
	ox_file_set_fault (NULL);
	g_assert_cmpint (ox_file_append (w, "y", 1), ==, 0);
	g_assert_cmpint (ox_file_close (w), ==, 0);
	g_assert_cmpint (ox_file_close (c), ==, 0);
	assert_content (fx, "wal-0001", "y");
	assert_content (fx, "checkpoint-0001", "ok");
}

/* A failed fsync poisons the handle for good: a retry after the fault is
 * gone must still fail, writes too; reads go on; a new handle works. */
static void
test_fault_fsync_eio (Fixture *fx, gconstpointer data)
{
	OxFile *f = open_new (fx, "wal");
	g_assert_cmpint (ox_file_append (f, "abc", 3), ==, 0);
	OxFaultPlan plan = { .kind = OX_FAULT_FSYNC_EIO };
	ox_file_set_fault (&plan);
	g_assert_cmpint (ox_file_sync (f), ==, -1);
	g_assert_cmpint (errno, ==, EIO);
	ox_file_set_fault (NULL);
	g_assert_cmpint (ox_file_sync (f), ==, -1);
	g_assert_cmpint (errno, ==, EIO);
	g_assert_cmpint (ox_file_append (f, "d", 1), ==, -1);
	g_assert_cmpint (errno, ==, EIO);
	g_assert_cmpint (ox_file_pwrite (f, "d", 1, 0), ==, -1);
	g_assert_cmpint (errno, ==, EIO);
	g_assert_cmpint (ox_file_truncate (f, 0), ==, -1);
	g_assert_cmpint (errno, ==, EIO);
	char buf[8];
	g_assert_cmpint (ox_file_pread (f, buf, sizeof buf, 0), ==, 3);
	g_assert_cmpint (ox_file_close (f), ==, 0);

	f = open_new (fx, "wal");
	g_assert_cmpint (ox_file_append (f, "d", 1), ==, 0);
	g_assert_cmpint (ox_file_sync (f), ==, 0);
	g_assert_cmpint (ox_file_close (f), ==, 0);
	assert_content (fx, "wal", "abcd");
}

/* FSYNC_EIO thresholds: by calls, by bytes, and on directories. */
static void
test_fault_fsync_after (Fixture *fx, gconstpointer data)
{
	OxFile *f = open_new (fx, "wal");
	OxFaultPlan plan = { .kind = OX_FAULT_FSYNC_EIO, .after_calls = 2 };
	ox_file_set_fault (&plan);
	g_assert_cmpint (ox_file_sync (f), ==, 0);
	g_assert_cmpint (ox_file_sync (f), ==, 0);
	g_assert_cmpint (ox_file_sync (f), ==, -1);
	g_assert_cmpint (ox_file_close (f), ==, 0);

	f = open_new (fx, "wal2");
	plan = (OxFaultPlan) { .kind = OX_FAULT_FSYNC_EIO, .after_bytes = 8, .path_substr = "wal2" };
	ox_file_set_fault (&plan);
	g_assert_cmpint (ox_file_append (f, "1234", 4), ==, 0);
	g_assert_cmpint (ox_file_sync (f), ==, 0);
	g_assert_cmpint (ox_dir_sync (fx->dir), ==, 0);  /* filtered out */
	g_assert_cmpint (ox_file_append (f, "5678", 4), ==, 0);
	g_assert_cmpint (ox_file_sync (f), ==, -1);
	g_assert_cmpint (errno, ==, EIO);
	g_assert_cmpint (ox_file_close (f), ==, 0);

	plan = (OxFaultPlan) { .kind = OX_FAULT_FSYNC_EIO };
	ox_file_set_fault (&plan);
	g_assert_cmpint (ox_dir_sync (fx->dir), ==, -1);
	g_assert_cmpint (errno, ==, EIO);
}

/* ---- lock/ ------------------------------------------------------------------ */

/* flock locks belong to the open file description, so a second open and
 * flock in this same process conflicts just as another process would. */
static void
test_lock_dir (Fixture *fx, gconstpointer data)
{
	int holder = -1;
	OxFile *l = ox_file_lock_dir (fx->dir, &holder);
	g_assert_nonnull (l);
	g_assert_cmpint (holder, ==, 0);
	g_autofree char *want = g_strdup_printf ("%d\n", (int) getpid ());
	assert_content (fx, "lock", want);

	errno = 0;
	g_assert_null (ox_file_lock_dir (fx->dir, &holder));
	g_assert_cmpint (errno, ==, EWOULDBLOCK);
	g_assert_cmpint (holder, ==, (int) getpid ());
	g_assert_null (ox_file_lock_dir (fx->dir, NULL));
	g_assert_cmpint (errno, ==, EWOULDBLOCK);

	g_assert_cmpint (ox_file_close (l), ==, 0);
	l = ox_file_lock_dir (fx->dir, &holder);
	g_assert_nonnull (l);
	g_assert_cmpint (ox_file_close (l), ==, 0);

	g_autofree char *missing = fx_path (fx, "no-such-dir");
	g_assert_null (ox_file_lock_dir (missing, &holder));
	g_assert_cmpint (errno, ==, ENOENT);
}

/* A stale pid from a dead holder does not matter: the lock is the flock. */
static void
test_lock_stale_pid (Fixture *fx, gconstpointer data)
{
	make_durable (fx, "lock", "999999999\n");
	int holder = -1;
	OxFile *l = ox_file_lock_dir (fx->dir, &holder);
	g_assert_nonnull (l);
	g_assert_cmpint (holder, ==, 0);
	g_assert_cmpint (ox_file_close (l), ==, 0);
}

/* ---- crash/ ----------------------------------------------------------------- */

/* After ox_file_halt nothing may change the tree: a thread that was
 * waiting for the layer when the power went must not publish a file after
 * the crash.  halted is never cleared, so the test runs in a subprocess. */
static void
test_crash_halt (Fixture *fx, gconstpointer data)
{
	if (!g_test_subprocess ()) {
		g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
		g_test_trap_assert_passed ();
		return;
	}
	ox_file_track_durability (true);
	make_durable (fx, "image", "old");
	g_autofree char *img = fx_path (fx, "image");
	g_autofree char *tmp = fx_path (fx, "image.tmp");
	g_autofree char *fresh = fx_path (fx, "fresh");
	ox_file_halt ();
	errno = 0;
	g_assert_null (ox_file_open (fresh, O_RDWR | O_CREAT, 0644));
	g_assert_cmpint (errno, ==, EIO);
	g_assert_null (ox_file_open (img, O_RDWR, 0));
	g_assert_cmpint (rename (img, tmp), ==, 0);  /* behind the layer's back */
	errno = 0;
	g_assert_cmpint (ox_file_rename (tmp, img), ==, -1);
	g_assert_cmpint (errno, ==, EIO);
	errno = 0;
	g_assert_cmpint (ox_file_unlink (tmp), ==, -1);
	g_assert_cmpint (errno, ==, EIO);
	/* reading still works: a dead process's files can be inspected */
	OxFile *f = ox_file_open (tmp, O_RDONLY, 0);
	g_assert_nonnull (f);
	ox_file_close (f);
	g_assert_false (g_file_test (fresh, G_FILE_TEST_EXISTS));
}

static void
test_crash_unsynced_tail (Fixture *fx, gconstpointer data)
{
	ox_file_track_durability (true);
	make_durable (fx, "wal", "durable;");
	g_autofree char *p = fx_path (fx, "wal");
	OxFile *f = ox_file_open (p, O_RDWR, 0);
	g_assert_nonnull (f);
	g_assert_cmpint (ox_file_append (f, "lost", 4), ==, 0);
	ox_file_simulate_crash (0);
	assert_content (fx, "wal", "durable;");

	/* The handle died with the process. */
	char buf[4];
	g_assert_cmpint (ox_file_append (f, "x", 1), ==, -1);
	g_assert_cmpint (errno, ==, EIO);
	g_assert_cmpint (ox_file_sync (f), ==, -1);
	g_assert_cmpint (errno, ==, EIO);
	g_assert_cmpint (ox_file_pread (f, buf, sizeof buf, 0), ==, -1);
	g_assert_cmpint (errno, ==, EIO);
	g_assert_cmpint (ox_file_size (f), ==, -1);
	g_assert_cmpint (ox_file_truncate (f, 0), ==, -1);
	g_assert_cmpint (ox_file_close (f), ==, -1);
	g_assert_cmpint (errno, ==, EIO);

	/* After the crash the layer goes on: a synced append survives the next. */
	f = ox_file_open (p, O_RDWR, 0);
	g_assert_nonnull (f);
	g_assert_cmpint (ox_file_append (f, "more;", 5), ==, 0);
	g_assert_cmpint (ox_file_sync (f), ==, 0);
	g_assert_cmpint (ox_file_append (f, "lost", 4), ==, 0);
	ox_file_simulate_crash (0);
	ox_file_close (f);
	assert_content (fx, "wal", "durable;more;");
}

/* Data written before a failed fsync is not durable, and a later "retry"
 * through the same handle does not make it so. */
static void
test_crash_after_fsync_eio (Fixture *fx, gconstpointer data)
{
	ox_file_track_durability (true);
	make_durable (fx, "wal", "a;");
	g_autofree char *p = fx_path (fx, "wal");
	OxFile *f = ox_file_open (p, O_RDWR, 0);
	g_assert_cmpint (ox_file_append (f, "b;", 2), ==, 0);
	OxFaultPlan plan = { .kind = OX_FAULT_FSYNC_EIO };
	ox_file_set_fault (&plan);
	g_assert_cmpint (ox_file_sync (f), ==, -1);
	ox_file_set_fault (NULL);
	g_assert_cmpint (ox_file_sync (f), ==, -1);
	ox_file_simulate_crash (0);
	ox_file_close (f);
	assert_content (fx, "wal", "a;");
}

/* A torn tail keeps a prefix of the unsynced bytes, never more, never a
 * change to the durable part; the same seed tears the same way, and some
 * seed tears strictly inside the tail. */
static void
test_crash_torn_tail (Fixture *fx, gconstpointer data)
{
	const char *durable = "DURABLE|";
	char tail[4096];
	for (size_t i = 0; i < sizeof tail; i++)
		tail[i] = (char) ('a' + i % 26);
	g_autofree char *p = fx_path (fx, "wal");
	ox_file_track_durability (true);
	bool partial = false;
	off_t first = -1;
	for (uint32_t seed = 1; seed <= 20; seed++) {
		make_durable (fx, "wal", durable);
		OxFile *f = ox_file_open (p, O_RDWR, 0);
		g_assert_cmpint (ox_file_append (f, tail, sizeof tail), ==, 0);
		ox_file_simulate_crash (seed == 20 ? 1 : seed);
		ox_file_close (f);

		char *d = NULL;
		size_t len = 0;
		g_assert_cmpint (ox_file_read_all (p, &d, &len), ==, 0);
		g_assert_cmpuint (len, >=, strlen (durable));
		g_assert_cmpuint (len, <=, strlen (durable) + sizeof tail);
		g_assert_cmpmem (d, strlen (durable), durable, strlen (durable));
		g_assert_cmpmem (d + strlen (durable), len - strlen (durable),
		                 tail, len - strlen (durable));
		if (len > strlen (durable) && len < strlen (durable) + sizeof tail)
			partial = true;
		if (seed == 1)
			first = (off_t) len;
		if (seed == 20)
			g_assert_cmpint ((off_t) len, ==, first);
		g_free (d);
		g_assert_cmpint (g_unlink (p), ==, 0);
	}
	g_assert_true (partial);
}

/* A file created and even fsynced, but whose directory was never synced,
 * is gone; one whose directory was synced stays, with its synced length. */
static void
test_crash_create (Fixture *fx, gconstpointer data)
{
	ox_file_track_durability (true);
	g_autofree char *p = fx_path (fx, "new");
	OxFile *f = ox_file_open (p, O_RDWR | O_CREAT | O_EXCL, 0644);
	g_assert_nonnull (f);
	g_assert_cmpint (ox_file_append (f, "x", 1), ==, 0);
	g_assert_cmpint (ox_file_sync (f), ==, 0);
	g_assert_cmpint (ox_file_close (f), ==, 0);
	ox_file_simulate_crash (0);
	g_assert_false (exists (fx, "new"));

	f = ox_file_open (p, O_RDWR | O_CREAT | O_EXCL, 0644);
	g_assert_nonnull (f);
	g_assert_cmpint (ox_dir_sync (fx->dir), ==, 0);
	g_assert_cmpint (ox_file_append (f, "y", 1), ==, 0);
	ox_file_simulate_crash (0);
	ox_file_close (f);
	assert_content (fx, "new", "");
}

/* A directory made without syncing its parent vanishes with its content,
 * even content that was synced inside it. */
static void
test_crash_mkdir (Fixture *fx, gconstpointer data)
{
	ox_file_track_durability (true);
	g_autofree char *sub = fx_path (fx, "sub");
	g_autofree char *p = fx_path (fx, "sub/f");
	g_assert_cmpint (ox_dir_create (sub), ==, 0);
	OxFile *f = ox_file_open (p, O_RDWR | O_CREAT, 0644);
	g_assert_cmpint (ox_file_append (f, "x", 1), ==, 0);
	g_assert_cmpint (ox_file_sync (f), ==, 0);
	g_assert_cmpint (ox_dir_sync (sub), ==, 0);
	g_assert_cmpint (ox_file_close (f), ==, 0);
	ox_file_simulate_crash (0);
	g_assert_false (exists (fx, "sub"));

	g_assert_cmpint (ox_dir_create (sub), ==, 0);
	g_assert_cmpint (ox_dir_sync (fx->dir), ==, 0);
	f = ox_file_open (p, O_RDWR | O_CREAT, 0644);
	g_assert_cmpint (ox_file_append (f, "x", 1), ==, 0);
	g_assert_cmpint (ox_file_sync (f), ==, 0);
	g_assert_cmpint (ox_dir_sync (sub), ==, 0);
	g_assert_cmpint (ox_file_close (f), ==, 0);
	ox_file_simulate_crash (0);
	assert_content (fx, "sub/f", "x");
}

/* A rename without a directory sync is undone, and the target it replaced
 * comes back with its old content; a rename onto a new name is undone too. */
static void
test_crash_rename (Fixture *fx, gconstpointer data)
{
	ox_file_track_durability (true);
	make_durable (fx, "a", "old a");
	make_durable (fx, "b", "old b");
	g_autofree char *a = fx_path (fx, "a");
	g_autofree char *b = fx_path (fx, "b");
	g_autofree char *c = fx_path (fx, "c");
	g_assert_cmpint (ox_file_rename (a, b), ==, 0);
	g_assert_false (exists (fx, "a"));
	assert_content (fx, "b", "old a");
	ox_file_simulate_crash (0);
	assert_content (fx, "a", "old a");
	assert_content (fx, "b", "old b");
	assert_no_stash (fx->dir);

	g_assert_cmpint (ox_file_rename (a, c), ==, 0);
	ox_file_simulate_crash (0);
	assert_content (fx, "a", "old a");
	g_assert_false (exists (fx, "c"));

	/* Errors come back as rename's, and leave nothing behind. */
	g_autofree char *missing = fx_path (fx, "missing");
	g_assert_cmpint (ox_file_rename (missing, b), ==, -1);
	g_assert_cmpint (errno, ==, ENOENT);
	g_autofree char *sub = fx_path (fx, "sub");
	g_assert_cmpint (ox_dir_create (sub), ==, 0);
	g_assert_cmpint (ox_file_rename (a, sub), ==, -1);
	g_assert_cmpint (errno, ==, EISDIR);
	assert_content (fx, "a", "old a");
	assert_no_stash (fx->dir);
}

/* The checkpoint publication protocol, with the crash before the final
 * directory sync: the old image is what recovery finds, whole. */
static void
test_crash_rename_publish (Fixture *fx, gconstpointer data)
{
	ox_file_track_durability (true);
	make_durable (fx, "image", "image 1");
	g_autofree char *tmp = fx_path (fx, "image.tmp");
	g_autofree char *img = fx_path (fx, "image");
	OxFile *f = ox_file_open (tmp, O_RDWR | O_CREAT | O_TRUNC, 0644);
	g_assert_cmpint (ox_file_append (f, "image 2", 7), ==, 0);
	g_assert_cmpint (ox_file_sync (f), ==, 0);
	g_assert_cmpint (ox_file_close (f), ==, 0);
	g_assert_cmpint (ox_file_rename (tmp, img), ==, 0);
	ox_file_simulate_crash (0);
	assert_content (fx, "image", "image 1");
	g_assert_false (exists (fx, "image.tmp"));

	/* Now all the way: it survives. */
	f = ox_file_open (tmp, O_RDWR | O_CREAT | O_TRUNC, 0644);
	g_assert_cmpint (ox_file_append (f, "image 2", 7), ==, 0);
	g_assert_cmpint (ox_file_sync (f), ==, 0);
	g_assert_cmpint (ox_file_close (f), ==, 0);
	g_assert_cmpint (ox_file_rename (tmp, img), ==, 0);
	g_assert_cmpint (ox_dir_sync (fx->dir), ==, 0);
	ox_file_simulate_crash (0);
	assert_content (fx, "image", "image 2");
	assert_no_stash (fx->dir);
}

/* An unlink without a directory sync is undone with the file's content; a
 * synced one is final, and its stash is gone at once. */
static void
test_crash_unlink (Fixture *fx, gconstpointer data)
{
	ox_file_track_durability (true);
	make_durable (fx, "seg1", "segment one");
	make_durable (fx, "seg2", "segment two");
	g_autofree char *s1 = fx_path (fx, "seg1");
	g_autofree char *s2 = fx_path (fx, "seg2");
	g_assert_cmpint (ox_file_unlink (s1), ==, 0);
	g_assert_false (exists (fx, "seg1"));
	ox_file_simulate_crash (0);
	assert_content (fx, "seg1", "segment one");
	assert_no_stash (fx->dir);

	g_assert_cmpint (ox_file_unlink (s2), ==, 0);
	g_assert_cmpint (ox_dir_sync (fx->dir), ==, 0);
	assert_no_stash (fx->dir);
	ox_file_simulate_crash (0);
	g_assert_false (exists (fx, "seg2"));

	/* Unlink and recreate under the same name, then crash: the old file. */
	g_assert_cmpint (ox_file_unlink (s1), ==, 0);
	append_unsynced (fx, "seg1", "imposter");
	ox_file_simulate_crash (0);
	assert_content (fx, "seg1", "segment one");

	g_autofree char *sub = fx_path (fx, "sub");
	g_assert_cmpint (ox_dir_create (sub), ==, 0);
	g_assert_cmpint (ox_file_unlink (sub), ==, -1);
	g_assert_cmpint (errno, ==, EISDIR);
}

/* Durable bytes overwritten in place or cut off by a truncate since the
 * last fsync come back. */
static void
test_crash_overwrite (Fixture *fx, gconstpointer data)
{
	ox_file_track_durability (true);
	make_durable (fx, "version", "format 1\n");
	g_autofree char *p = fx_path (fx, "version");
	OxFile *f = ox_file_open (p, O_RDWR, 0);
	g_assert_cmpint (ox_file_truncate (f, 0), ==, 0);
	g_assert_cmpint (ox_file_pwrite (f, "format 22\n", 10, 0), ==, 0);
	g_assert_cmpint (ox_file_pwrite (f, "FORMAT", 6, 0), ==, 0);
	ox_file_simulate_crash (0);
	ox_file_close (f);
	assert_content (fx, "version", "format 1\n");

	f = ox_file_open (p, O_RDWR | O_TRUNC, 0);
	g_assert_nonnull (f);
	ox_file_simulate_crash (0);
	ox_file_close (f);
	assert_content (fx, "version", "format 1\n");

	f = ox_file_open (p, O_RDWR, 0);
	g_assert_cmpint (ox_file_pwrite (f, "FORMAT", 6, 0), ==, 0);
	g_assert_cmpint (ox_file_sync (f), ==, 0);
	g_assert_cmpint (ox_file_pwrite (f, "xxxxxx", 6, 0), ==, 0);
	ox_file_simulate_crash (0);
	ox_file_close (f);
	assert_content (fx, "version", "FORMAT 1\n");
}

/* The crash releases the lock with the process. */
static void
test_crash_lock (Fixture *fx, gconstpointer data)
{
	ox_file_track_durability (true);
	int holder = 0;
	OxFile *l = ox_file_lock_dir (fx->dir, &holder);
	g_assert_nonnull (l);
	/* Make the lock file's entry durable, or the crash would remove it and
	 * the next lock would be taken on a new inode whatever happened to the
	 * old flock. */
	g_assert_cmpint (ox_dir_sync (fx->dir), ==, 0);
	g_assert_null (ox_file_lock_dir (fx->dir, &holder));
	ox_file_simulate_crash (0);
	g_assert_true (exists (fx, "lock"));
	OxFile *l2 = ox_file_lock_dir (fx->dir, &holder);
	g_assert_nonnull (l2);
	g_assert_cmpint (ox_file_close (l), ==, -1);
	g_assert_cmpint (ox_file_close (l2), ==, 0);
}

/* A whole database-like directory made durable step by step survives a
 * crash exactly, in both crash modes, and leaves no stash behind. */
static void
test_crash_durable_survives (Fixture *fx, gconstpointer data)
{
	ox_file_track_durability (true);
	g_autofree char *wal = fx_path (fx, "wal");
	g_autofree char *seg = fx_path (fx, "wal/0001");
	g_autofree char *old = fx_path (fx, "wal/0000");
	g_assert_cmpint (ox_dir_create (wal), ==, 0);
	g_assert_cmpint (ox_dir_sync (fx->dir), ==, 0);
	make_durable (fx, "version", "1\n");
	OxFile *o = ox_file_open (old, O_RDWR | O_CREAT, 0644);
	g_assert_cmpint (ox_file_append (o, "old", 3), ==, 0);
	g_assert_cmpint (ox_file_sync (o), ==, 0);
	g_assert_cmpint (ox_file_close (o), ==, 0);
	OxFile *f = ox_file_open (seg, O_RDWR | O_CREAT, 0644);
	g_assert_cmpint (ox_dir_sync (wal), ==, 0);
	g_assert_cmpint (ox_file_append (f, "rec1;", 5), ==, 0);
	g_assert_cmpint (ox_file_append (f, "rec2;", 5), ==, 0);
	g_assert_cmpint (ox_file_sync (f), ==, 0);
	g_assert_cmpint (ox_file_unlink (old), ==, 0);
	g_assert_cmpint (ox_dir_sync (wal), ==, 0);

	ox_file_simulate_crash (7);
	ox_file_close (f);
	assert_content (fx, "version", "1\n");
	assert_content (fx, "wal/0001", "rec1;rec2;");
	g_assert_false (exists (fx, "wal/0000"));
	assert_no_stash (fx->dir);
	assert_no_stash (wal);

	ox_file_simulate_crash (0);
	assert_content (fx, "wal/0001", "rec1;rec2;");
}

/* Turning tracking off makes what is pending final and removes stashes. */
static void
test_crash_tracking_off (Fixture *fx, gconstpointer data)
{
	ox_file_track_durability (true);
	make_durable (fx, "a", "A");
	g_autofree char *a = fx_path (fx, "a");
	g_assert_cmpint (ox_file_unlink (a), ==, 0);
	append_unsynced (fx, "b", "B");
	ox_file_track_durability (false);
	assert_no_stash (fx->dir);
	ox_file_simulate_crash (0);
	g_assert_false (exists (fx, "a"));
	assert_content (fx, "b", "B");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
	g_test_add ("/engine/file/" path, Fixture, NULL, fx_setup, fn, fx_teardown)
	ADD ("io/roundtrip", test_io_roundtrip);
	ADD ("crash/halt", test_crash_halt);
	ADD ("io/read-all-large", test_io_read_all_large);
	ADD ("io/dirs", test_io_dirs);
	ADD ("fault/short-write", test_fault_short_write);
	ADD ("fault/enospc", test_fault_enospc);
	ADD ("fault/eio", test_fault_eio);
	ADD ("fault/fsync-eio", test_fault_fsync_eio);
	ADD ("fault/fsync-after", test_fault_fsync_after);
	ADD ("lock/dir", test_lock_dir);
	ADD ("lock/stale-pid", test_lock_stale_pid);
	ADD ("crash/unsynced-tail", test_crash_unsynced_tail);
	ADD ("crash/after-fsync-eio", test_crash_after_fsync_eio);
	ADD ("crash/torn-tail", test_crash_torn_tail);
	ADD ("crash/create", test_crash_create);
	ADD ("crash/mkdir", test_crash_mkdir);
	ADD ("crash/rename", test_crash_rename);
	ADD ("crash/rename-publish", test_crash_rename_publish);
	ADD ("crash/unlink", test_crash_unlink);
	ADD ("crash/overwrite", test_crash_overwrite);
	ADD ("crash/lock", test_crash_lock);
	ADD ("crash/durable-survives", test_crash_durable_survives);
	ADD ("crash/tracking-off", test_crash_tracking_off);
#undef ADD
	return g_test_run ();
}

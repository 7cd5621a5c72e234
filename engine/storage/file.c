/*
 * file.c — the file I/O layer: POSIX wrappers, fault injection and crash
 * simulation (the contract and the crash model are in file.h).
 *
 * Every call has two paths.  The hot path, taken when no fault plan is
 * installed, durability is not tracked and no crash was ever simulated, is
 * one relaxed atomic load (layer_slow) followed by the system call.  The
 * slow path takes layer_lock and holds it across the system call, so a fault
 * decision, the bytes it lets through and the durability bookkeeping happen
 * as one step; it serialises all I/O of the process, which is fine because
 * only tests go there.
 *
 * Durability tracking keeps two things (both under layer_lock):
 *   tracks   per file written while tracking: the length at its last
 *            successful fsync, and the durable bytes overwritten or cut off
 *            since (so a crash can put them back).  Keyed by canonical path;
 *            a rename moves the record with the file.
 *   journal  directory operations not yet made durable by ox_dir_sync, in
 *            the order they happened.  A crash undoes them newest first.
 * A file unlinked, or replaced by a rename, while tracking cannot be
 * resurrected once its inode is gone, so it is kept under a hidden name
 * (.ox-unlinked-N, same directory) until the directory is synced.
 *
 * NOTE: a simulated crash must release flock locks as a real process death
 * would, but it cannot close descriptors that other threads may be using
 * (the number could be reused under them).  It dup2s /dev/null over each
 * handle's descriptor instead: the lock goes, the number stays taken until
 * ox_file_close, and a call racing with the crash lands on /dev/null.  Such
 * a call may still return success for a write (harmless: the data was never
 * synced), never for a sync — ox_file_sync re-checks the handle afterwards.
 * NOTE: errno is the only error channel, so every path that cleans up after
 * a failure (close, free, unlock) saves errno first and restores it last.
 */
#define G_LOG_DOMAIN "oxibase-file"

#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct OxFile {
	int            fd;        /* the descriptor; /dev/null after a simulated crash */
	char          *path;      /* as given to ox_file_open (messages, fault filter) */
	char          *key;       /* canonical absolute path at open (tracking key) */
	off_t          end;       /* append position: file length as written through f */
	int            broken;    /* atomic bool: an fsync failed, writes and syncs get EIO */
	int            dead;      /* atomic bool: a crash was simulated, every call gets EIO */
	struct Track  *track;     /* durability record, attached lazily; NULL if none */
};

/* Durable bytes that an unsynced write or truncate replaced. */
typedef struct Extent {
	off_t          offset;    /* where the bytes lived */
	size_t         len;       /* bytes in data[] */
	unsigned char  data[];
} Extent;

typedef struct Track {
	int            refs;      /* the tracks table's entry plus each OxFile->track */
	char          *path;      /* current canonical path; NULL once forgotten */
	unsigned       gen;       /* track_gen when made; stale after tracking restarts */
	off_t          durable;   /* file length at the last successful fsync */
	GPtrArray     *saved;     /* Extent*, oldest first; emptied by each fsync */
} Track;

typedef enum OpKind {
	OP_CREATE,                /* path: a file created by ox_file_open */
	OP_MKDIR,                 /* path: a directory made by ox_dir_create */
	OP_RENAME,                /* path -> to, displaced target kept at stash */
	OP_UNLINK,                /* path, kept at stash */
} OpKind;

typedef struct DirOp {
	OpKind         kind;
	char          *path;      /* the entry (RENAME: the source); canonical */
	char          *to;        /* RENAME: the destination; else NULL */
	char          *stash;     /* UNLINK: the file; RENAME: the replaced target; or NULL */
	bool           to_was_dir;/* RENAME: the target was an empty directory, now gone */
	char          *dir[2];    /* directories whose syncs make this durable; dir[1] may be NULL */
	bool           synced[2]; /* dir[i] synced since the operation */
} DirOp;

enum {
	SLOW_FAULT   = 1 << 0,    /* a fault plan is installed */
	SLOW_TRACK   = 1 << 1,    /* durability is tracked */
	SLOW_CRASHED = 1 << 2,    /* a crash was simulated: handles may be dead (never cleared) */
};

static GMutex      layer_lock;     /* guards everything below, and the slow path */
static int         layer_slow;     /* SLOW_* bits; written under the lock, read relaxed */
static OxFaultPlan fault;          /* the plan; fault.path_substr is owned */
static uint64_t    fault_bytes;    /* bytes written to matching files under this plan */
static int         fault_calls;    /* matching calls let through under this plan */
static bool        tracking;       /* ox_file_track_durability (true) in force */
static unsigned    track_gen;      /* bumped whenever all tracks are forgotten */
static GHashTable *tracks;         /* canonical path -> Track* */
static GQueue      journal = G_QUEUE_INIT;  /* DirOp*, oldest first */
static GHashTable *handles;        /* set of open OxFile* (a crash kills them all) */
static unsigned    stash_seq;      /* last N used in .ox-unlinked-N */

static inline int
slow_bits (void)
{
	return __atomic_load_n (&layer_slow, __ATOMIC_RELAXED);
}

static void
set_slow_bit (int bit, bool on)
{
	int v = __atomic_load_n (&layer_slow, __ATOMIC_RELAXED);
	__atomic_store_n (&layer_slow, on ? v | bit : v & ~bit, __ATOMIC_SEQ_CST);
}

/* Set by ox_file_halt: the simulated process is dead.  Checked under
 * layer_lock by every call that would change the directory tree, so that a
 * thread already waiting for the lock when the power went (a checkpoint
 * about to rename its image into place, say) cannot act after the crash
 * in the moment before the test's _exit. */
static int halted;

static bool
halted_locked (void)
{
	return __atomic_load_n (&halted, __ATOMIC_SEQ_CST) != 0;
}

static inline bool
is_dead (OxFile *f)
{
	return __atomic_load_n (&f->dead, __ATOMIC_SEQ_CST) != 0;
}

static inline bool
is_broken (OxFile *f)
{
	return __atomic_load_n (&f->broken, __ATOMIC_RELAXED) != 0;
}

static void
ensure_tables (void)
{
	if (tracks == NULL)
		tracks = g_hash_table_new (g_str_hash, g_str_equal);
	if (handles == NULL)
		handles = g_hash_table_new (NULL, NULL);
}

/* ---- POSIX with EINTR and short transfers handled --------------------------- */

static int
open_retry (const char *path, int flags, int mode)
{
	int fd;
	do
		fd = open (path, flags, mode);
	while (fd < 0 && errno == EINTR);
	return fd;
}

static void
close_keep_errno (int fd)
{
	int err = errno;
	close (fd);
	errno = err;
}

/* Write all n bytes at offset; *done gets what reached the file either way. */
static int
write_all (int fd, const void *buf, size_t n, off_t offset, size_t *done)
{
	const char *p = buf;
	*done = 0;
	while (*done < n) {
		ssize_t w = pwrite (fd, p + *done, n - *done, offset + (off_t) *done);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			/* Not seen on regular files; a full device is the only plausible
			 * reason, and it must not spin. */
			errno = ENOSPC;
			return -1;
		}
		*done += (size_t) w;
	}
	return 0;
}

/* Read until n bytes or end of file; returns bytes read or -1. */
static ssize_t
read_all (int fd, void *buf, size_t n, off_t offset)
{
	char *p = buf;
	size_t done = 0;
	if (n > SSIZE_MAX)
		n = SSIZE_MAX;
	while (done < n) {
		ssize_t r = pread (fd, p + done, n - done, offset + (off_t) done);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		done += (size_t) r;
	}
	return (ssize_t) done;
}

static int
fsync_retry (int fd)
{
	/* EINTR from fsync means it did not finish, not that pages were lost,
	 * so retrying it is not the "retry after failure" file.h warns about. */
	int rc;
	do
		rc = fsync (fd);
	while (rc < 0 && errno == EINTR);
	return rc;
}

static int
fdatasync_retry (int fd)
{
	int rc;
	do
		rc = fdatasync (fd);
	while (rc < 0 && errno == EINTR);
	return rc;
}

static int
dir_fsync (const char *path)
{
	int fd = open_retry (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int rc = fsync_retry (fd);
	if (rc < 0)
		close_keep_errno (fd);
	else
		close (fd);
	return rc;
}

/* Remove a file or a whole tree (undoing a directory creation). */
static int
remove_tree (const char *path)
{
	struct stat st;
	if (lstat (path, &st) < 0)
		return -1;
	if (!S_ISDIR (st.st_mode))
		return unlink (path);
	GDir *d = g_dir_open (path, 0, NULL);
	if (d != NULL) {
		const char *name;
		while ((name = g_dir_read_name (d)) != NULL) {
			char *child = g_build_filename (path, name, NULL);
			remove_tree (child);
			g_free (child);
		}
		g_dir_close (d);
	}
	return rmdir (path);
}

/* ---- fault plan (caller holds layer_lock) ------------------------------------ */

static bool
fault_matches (const char *path, const char *key)
{
	if (fault.path_substr == NULL)
		return true;
	return strstr (path, fault.path_substr) != NULL
	       || (key != NULL && strstr (key, fault.path_substr) != NULL);
}

/* Decide a write of n bytes: *part gets how many may reach the file; the
 * result is the errno to fail with after writing them, or 0. */
static int
fault_write (OxFile *f, size_t n, size_t *part)
{
	*part = n;
	if (fault.kind == OX_FAULT_NONE || !fault_matches (f->path, f->key))
		return 0;
	if (fault.kind == OX_FAULT_FSYNC_EIO) {
		fault_bytes += n;  /* for an after_bytes threshold on fsync */
		return 0;
	}
	bool ok;
	size_t room;  /* what a short write lets through */
	if (fault.after_calls > 0) {
		ok = fault_calls < fault.after_calls;
		if (ok)
			fault_calls++;
		room = n / 2;
	} else {
		ok = fault_bytes + n <= fault.after_bytes;
		room = fault_bytes < fault.after_bytes ? (size_t) (fault.after_bytes - fault_bytes) : 0;
	}
	if (ok) {
		fault_bytes += n;
		return 0;
	}
	*part = fault.kind == OX_FAULT_SHORT_WRITE ? MIN (room, n) : 0;
	fault_bytes += *part;
	return fault.kind == OX_FAULT_WRITE_EIO ? EIO : ENOSPC;
}

/* Does this fsync (of a file or a directory) fail? */
static bool
fault_sync (const char *path, const char *key)
{
	if (fault.kind != OX_FAULT_FSYNC_EIO || !fault_matches (path, key))
		return false;
	if (fault.after_calls > 0) {
		if (fault_calls < fault.after_calls) {
			fault_calls++;
			return false;
		}
		return true;
	}
	return fault_bytes >= fault.after_bytes;
}

void
ox_file_set_fault (const OxFaultPlan *plan)
{
	g_mutex_lock (&layer_lock);
	g_free ((char *) fault.path_substr);
	memset (&fault, 0, sizeof fault);
	fault_bytes = 0;
	fault_calls = 0;
	if (plan != NULL && plan->kind != OX_FAULT_NONE) {
		fault = *plan;
		fault.path_substr = g_strdup (plan->path_substr);
	}
	set_slow_bit (SLOW_FAULT, fault.kind != OX_FAULT_NONE);
	g_mutex_unlock (&layer_lock);
}

/* ---- durability records (caller holds layer_lock) ---------------------------- */

static void
track_unref (Track *t)
{
	if (--t->refs > 0)
		return;
	g_free (t->path);
	g_ptr_array_unref (t->saved);
	g_free (t);
}

/* Take t out of the table; handles keep writing to it harmlessly. */
static void
track_forget (Track *t)
{
	g_hash_table_remove (tracks, t->path);
	g_clear_pointer (&t->path, g_free);
	track_unref (t);
}

static Track *
track_new (const char *key, off_t durable)
{
	Track *old = g_hash_table_lookup (tracks, key);
	if (old != NULL)
		track_forget (old);
	Track *t = g_new0 (Track, 1);
	t->refs = 1;
	t->path = g_strdup (key);
	t->gen = track_gen;
	t->durable = durable;
	t->saved = g_ptr_array_new_with_free_func (g_free);
	g_hash_table_insert (tracks, t->path, t);
	return t;
}

/* The record of the file behind f, made on first use: whatever the file
 * held before tracking reached it counts as durable. */
static Track *
handle_track (OxFile *f)
{
	if (!tracking)
		return NULL;
	if (f->track != NULL && f->track->gen == track_gen)
		return f->track;
	g_clear_pointer (&f->track, track_unref);
	Track *t = g_hash_table_lookup (tracks, f->key);
	if (t == NULL) {
		struct stat st;
		t = track_new (f->key, fstat (f->fd, &st) == 0 ? st.st_size : f->end);
	}
	t->refs++;
	f->track = t;
	return t;
}

/* Before [offset, offset+n) of the file is overwritten or cut off, keep the
 * durable bytes it holds so a crash can put them back. */
static void
track_save (Track *t, int fd, off_t offset, size_t n)
{
	off_t hi = MIN (offset + (off_t) n, t->durable);
	if (hi <= offset)
		return;
	size_t len = (size_t) (hi - offset);
	Extent *e = g_malloc (sizeof (Extent) + len);
	ssize_t r = read_all (fd, e->data, len, offset);
	if (r <= 0) {
		/* Already cut off by an earlier truncate, which saved it. */
		g_free (e);
		return;
	}
	e->offset = offset;
	e->len = (size_t) r;
	g_ptr_array_add (t->saved, e);
}

/* Is p the path 'top' or a path under it (when top is a directory)? */
static bool
path_at_or_under (const char *p, const char *top)
{
	size_t n = strlen (top);
	return p != NULL && strncmp (p, top, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

/* p with its prefix 'from' replaced by 'to', or NULL when p is not at or
 * under 'from'. */
static char *
path_rebase (const char *p, const char *from, const char *to)
{
	if (!path_at_or_under (p, from))
		return NULL;
	return g_strconcat (to, p + strlen (from), NULL);
}

/* A rename moved from -> to: the records of the file (or of everything
 * under the directory) follow it. */
static void
tracks_move (const char *from, const char *to)
{
	GPtrArray *moved = g_ptr_array_new ();
	GHashTableIter it;
	gpointer key, value;
	g_hash_table_iter_init (&it, tracks);
	while (g_hash_table_iter_next (&it, &key, &value)) {
		if (path_at_or_under (key, from)) {
			g_ptr_array_add (moved, value);
			g_hash_table_iter_steal (&it);
		}
	}
	for (unsigned i = 0; i < moved->len; i++) {
		Track *t = moved->pdata[i];
		char *p = path_rebase (t->path, from, to);
		g_free (t->path);
		t->path = p;
		Track *old = g_hash_table_lookup (tracks, p);
		if (old != NULL)
			track_forget (old);
		g_hash_table_insert (tracks, t->path, t);
	}
	g_ptr_array_unref (moved);
}

/* The file (or tree) at path is gone for good. */
static void
tracks_drop (const char *path)
{
	GPtrArray *gone = g_ptr_array_new ();
	GHashTableIter it;
	gpointer key, value;
	g_hash_table_iter_init (&it, tracks);
	while (g_hash_table_iter_next (&it, &key, &value)) {
		if (path_at_or_under (key, path))
			g_ptr_array_add (gone, value);
	}
	for (unsigned i = 0; i < gone->len; i++)
		track_forget (gone->pdata[i]);
	g_ptr_array_unref (gone);
}

static void
tracks_forget_all (void)
{
	GList *all = g_hash_table_get_values (tracks);
	for (GList *l = all; l != NULL; l = l->next)
		track_forget (l->data);
	g_list_free (all);
	track_gen++;
}

/* ---- directory journal (caller holds layer_lock) ----------------------------- */

static DirOp *
journal_add (OpKind kind, const char *path, const char *to)
{
	DirOp *op = g_new0 (DirOp, 1);
	op->kind = kind;
	op->path = g_strdup (path);
	op->to = g_strdup (to);
	op->dir[0] = g_path_get_dirname (path);
	if (to != NULL) {
		char *d = g_path_get_dirname (to);
		if (strcmp (d, op->dir[0]) != 0)
			op->dir[1] = d;
		else
			g_free (d);
	}
	g_queue_push_tail (&journal, op);
	return op;
}

static void
op_free (DirOp *op)
{
	g_free (op->path);
	g_free (op->to);
	g_free (op->stash);
	g_free (op->dir[0]);
	g_free (op->dir[1]);
	g_free (op);
}

/* A name in the directory of key for a file we keep until its unlink is
 * durable. */
static char *
stash_name (const char *key)
{
	char *dir = g_path_get_dirname (key);
	char *p = NULL;
	struct stat st;
	do {
		g_free (p);
		p = g_strdup_printf ("%s/.ox-unlinked-%u", dir, ++stash_seq);
	} while (lstat (p, &st) == 0);
	g_free (dir);
	return p;
}

static void
rebase_field (char **p, const char *from, const char *to)
{
	char *n = path_rebase (*p, from, to);
	if (n != NULL) {
		g_free (*p);
		*p = n;
	}
}

/* op is durable: drop what was kept to undo it. */
static void
op_settle (GList *link)
{
	DirOp *op = link->data;
	if (op->stash != NULL) {
		if (remove_tree (op->stash) < 0 && errno != ENOENT)
			g_warning ("cannot remove %s: %s", op->stash, g_strerror (errno));
		tracks_drop (op->stash);
	}
	/* A durable rename will never be undone, so older pending operations
	 * on paths under its source now live under its destination (a file
	 * created in a directory that was then renamed). */
	if (op->kind == OP_RENAME) {
		for (GList *l = link->prev; l != NULL; l = l->prev) {
			DirOp *o = l->data;
			rebase_field (&o->path, op->path, op->to);
			rebase_field (&o->to, op->path, op->to);
			rebase_field (&o->stash, op->path, op->to);
			rebase_field (&o->dir[0], op->path, op->to);
			rebase_field (&o->dir[1], op->path, op->to);
		}
	}
}

static void
journal_dir_synced (const char *dir)
{
	GList *l = journal.head;
	while (l != NULL) {
		GList *next = l->next;
		DirOp *op = l->data;
		for (int i = 0; i < 2; i++)
			if (op->dir[i] != NULL && strcmp (op->dir[i], dir) == 0)
				op->synced[i] = true;
		if (op->synced[0] && (op->dir[1] == NULL || op->synced[1])) {
			op_settle (l);
			op_free (op);
			g_queue_delete_link (&journal, l);
		}
		l = next;
	}
}

static void
undo_rename (const char *from, const char *to)
{
	if (rename (from, to) < 0)
		g_warning ("crash: cannot move %s back to %s: %s", from, to, g_strerror (errno));
	tracks_move (from, to);
}

/* Undo one operation that never became durable (newest first). */
static void
op_undo (DirOp *op)
{
	switch (op->kind) {
	case OP_CREATE:
	case OP_MKDIR:
		if (remove_tree (op->path) < 0 && errno != ENOENT)
			g_warning ("crash: cannot remove %s: %s", op->path, g_strerror (errno));
		tracks_drop (op->path);
		break;
	case OP_RENAME:
		undo_rename (op->to, op->path);
		if (op->to_was_dir && mkdir (op->to, 0777) < 0)
			g_warning ("crash: cannot recreate %s: %s", op->to, g_strerror (errno));
		if (op->stash != NULL)
			undo_rename (op->stash, op->to);
		break;
	case OP_UNLINK:
		undo_rename (op->stash, op->path);
		break;
	}
}

/* ---- files ------------------------------------------------------------------- */

static int
truncate_locked (OxFile *f, off_t len)
{
	Track *t = handle_track (f);
	if (t != NULL && len < t->durable)
		track_save (t, f->fd, len, (size_t) (t->durable - len));
	int rc;
	do
		rc = ftruncate (f->fd, len);
	while (rc < 0 && errno == EINTR);
	if (rc == 0)
		f->end = len;
	return rc;
}

OxFile *
ox_file_open (const char *path, int flags, int mode)
{
	g_return_val_if_fail (path != NULL, NULL);

	/* O_APPEND is ours to do (f->end): the kernel's would hide the write
	 * offset from fault accounting, and Linux would even make pwrite
	 * append. */
	int oflags = (flags & ~(O_APPEND | O_TRUNC)) | O_CLOEXEC;
	bool trunc = (flags & O_TRUNC) != 0;
	bool writable = (flags & O_ACCMODE) != O_RDONLY;
	char *key = g_canonicalize_filename (path, NULL);
	int err = 0;

	g_mutex_lock (&layer_lock);
	ensure_tables ();
	if (halted_locked () && (writable || (flags & O_CREAT))) {
		g_mutex_unlock (&layer_lock);
		g_free (key);
		errno = EIO;
		return NULL;
	}
	struct stat st;
	bool creating = tracking && (flags & O_CREAT) && lstat (path, &st) < 0 && errno == ENOENT;
	/* While tracking, an O_TRUNC goes through truncate_locked so the
	 * durable content it cuts off can come back in a crash. */
	int fd = open_retry (path, oflags | (trunc && !tracking ? O_TRUNC : 0), mode);
	if (fd < 0) {
		err = errno;
		g_mutex_unlock (&layer_lock);
		g_free (key);
		errno = err;
		return NULL;
	}
	OxFile *f = g_new0 (OxFile, 1);
	f->fd = fd;
	f->path = g_strdup (path);
	f->key = key;
	f->end = fstat (fd, &st) == 0 ? st.st_size : 0;
	if (creating)
		journal_add (OP_CREATE, key, NULL);
	g_hash_table_add (handles, f);
	/* Attach now, by the path just opened: a rename before the first write
	 * would otherwise leave f looking for its record under the old name. */
	if (tracking && writable)
		handle_track (f);
	if (trunc && tracking && writable && truncate_locked (f, 0) < 0)
		err = errno;
	g_mutex_unlock (&layer_lock);
	if (err != 0) {
		ox_file_close (f);
		errno = err;
		return NULL;
	}
	return f;
}

int
ox_file_close (OxFile *f)
{
	if (f == NULL)
		return 0;
	g_mutex_lock (&layer_lock);
	g_hash_table_remove (handles, f);
	g_clear_pointer (&f->track, track_unref);
	g_mutex_unlock (&layer_lock);

	bool dead = is_dead (f);
	int rc = close (f->fd);
	int err = errno;
	g_free (f->path);
	g_free (f->key);
	g_free (f);
	if (dead) {
		errno = EIO;
		return -1;
	}
	/* Linux releases the descriptor even when close fails (EINTR
	 * included), so there is nothing to retry. */
	errno = err;
	return rc < 0 ? -1 : 0;
}

static int
write_slow (OxFile *f, const void *buf, size_t n, off_t offset, bool append)
{
	int rc = -1, err = EIO;
	size_t done = 0;

	g_mutex_lock (&layer_lock);
	if (is_dead (f))
		goto out;
	if (append)
		offset = f->end;
	size_t part;
	int fail = fault_write (f, n, &part);
	Track *t = handle_track (f);
	if (t != NULL)
		track_save (t, f->fd, offset, part);
	rc = write_all (f->fd, buf, part, offset, &done);
	err = errno;
	if (offset + (off_t) done > f->end)
		f->end = offset + (off_t) done;
	if (rc == 0 && fail != 0) {
		rc = -1;
		err = fail;
	}
out:
	g_mutex_unlock (&layer_lock);
	if (rc < 0)
		errno = err;
	return rc;
}

static int
file_write (OxFile *f, const void *buf, size_t n, off_t offset, bool append)
{
	g_return_val_if_fail (f != NULL && (buf != NULL || n == 0), -1);
	if (is_broken (f)) {
		errno = EIO;
		return -1;
	}
	if (slow_bits () != 0)
		return write_slow (f, buf, n, offset, append);
	if (append)
		offset = f->end;
	size_t done;
	int rc = write_all (f->fd, buf, n, offset, &done);
	if (offset + (off_t) done > f->end)
		f->end = offset + (off_t) done;
	return rc;
}

int
ox_file_append (OxFile *f, const void *buf, size_t n)
{
	return file_write (f, buf, n, 0, true);
}

int
ox_file_pwrite (OxFile *f, const void *buf, size_t n, off_t offset)
{
	if (offset < 0) {
		errno = EINVAL;
		return -1;
	}
	return file_write (f, buf, n, offset, false);
}

ssize_t
ox_file_pread (OxFile *f, void *buf, size_t n, off_t offset)
{
	g_return_val_if_fail (f != NULL && (buf != NULL || n == 0), -1);
	if (slow_bits () != 0 && is_dead (f)) {
		errno = EIO;
		return -1;
	}
	return read_all (f->fd, buf, n, offset);
}

static int
sync_slow (OxFile *f, bool data_only)
{
	int rc = -1, err = EIO;
	g_mutex_lock (&layer_lock);
	if (is_dead (f))
		goto out;
	if (fault_sync (f->path, f->key)) {
		/* Do not fsync at all: the point is that the data is not safe. */
		__atomic_store_n (&f->broken, 1, __ATOMIC_RELAXED);
		goto out;
	}
	/* The crash model treats both alike: fdatasync makes the content and
	 * the length durable (Linux writes the size when it changed, as it is
	 * needed to read the data back); only timestamps may be lost. */
	rc = data_only ? fdatasync_retry (f->fd) : fsync_retry (f->fd);
	err = errno;
	if (rc < 0) {
		__atomic_store_n (&f->broken, 1, __ATOMIC_RELAXED);
		goto out;
	}
	Track *t = handle_track (f);
	if (t != NULL) {
		struct stat st;
		t->durable = fstat (f->fd, &st) == 0 ? st.st_size : f->end;
		g_ptr_array_set_size (t->saved, 0);
	}
out:
	g_mutex_unlock (&layer_lock);
	if (rc < 0)
		errno = err;
	return rc;
}

static int
file_sync (OxFile *f, bool data_only)
{
	g_return_val_if_fail (f != NULL, -1);
	if (is_broken (f)) {
		errno = EIO;
		return -1;
	}
	if (slow_bits () != 0)
		return sync_slow (f, data_only);
	if ((data_only ? fdatasync_retry (f->fd) : fsync_retry (f->fd)) < 0) {
		__atomic_store_n (&f->broken, 1, __ATOMIC_RELAXED);
		return -1;
	}
	/* A crash simulated while we were in fsync may have swapped /dev/null
	 * under us; that fsync proves nothing. */
	if (is_dead (f)) {
		errno = EIO;
		return -1;
	}
	return 0;
}

int
ox_file_sync (OxFile *f)
{
	return file_sync (f, false);
}

int
ox_file_datasync (OxFile *f)
{
	return file_sync (f, true);
}

int
ox_file_truncate (OxFile *f, off_t len)
{
	g_return_val_if_fail (f != NULL, -1);
	if (len < 0) {
		errno = EINVAL;
		return -1;
	}
	if (is_broken (f)) {
		errno = EIO;
		return -1;
	}
	if (slow_bits () == 0) {
		int rc;
		do
			rc = ftruncate (f->fd, len);
		while (rc < 0 && errno == EINTR);
		if (rc == 0)
			f->end = len;
		return rc;
	}
	int rc = -1, err = EIO;
	g_mutex_lock (&layer_lock);
	if (!is_dead (f)) {
		rc = truncate_locked (f, len);
		err = errno;
	}
	g_mutex_unlock (&layer_lock);
	if (rc < 0)
		errno = err;
	return rc;
}

off_t
ox_file_size (OxFile *f)
{
	g_return_val_if_fail (f != NULL, -1);
	if (slow_bits () != 0 && is_dead (f)) {
		errno = EIO;
		return -1;
	}
	/* fstat rather than f->end: another handle may be writing the file. */
	struct stat st;
	if (fstat (f->fd, &st) < 0)
		return -1;
	return st.st_size;
}

const char *
ox_file_path (OxFile *f)
{
	g_return_val_if_fail (f != NULL, NULL);
	return f->path;
}

int
ox_file_read_all (const char *path, char **data, size_t *len)
{
	g_return_val_if_fail (path != NULL && data != NULL, -1);
	OxFile *f = ox_file_open (path, O_RDONLY, 0);
	if (f == NULL)
		return -1;
	/* Read to end of file rather than trusting the size: the file may grow
	 * meanwhile, and a NUL after the data makes text easy to parse. */
	size_t cap = (size_t) MAX (f->end, 0) + 1, n = 0;
	char *buf = g_malloc (cap + 1);
	for (;;) {
		ssize_t r = ox_file_pread (f, buf + n, cap - n, (off_t) n);
		if (r < 0) {
			int err = errno;
			g_free (buf);
			ox_file_close (f);
			errno = err;
			return -1;
		}
		n += (size_t) r;
		if (n < cap)
			break;
		cap *= 2;
		buf = g_realloc (buf, cap + 1);
	}
	buf[n] = '\0';
	ox_file_close (f);
	*data = buf;
	if (len != NULL)
		*len = n;
	return 0;
}

/* ---- directories ------------------------------------------------------------- */

/* Tracking is on, re-checked under the lock (the bit was read without it). */
static bool
lock_if_tracking (void)
{
	if (!(slow_bits () & SLOW_TRACK))
		return false;
	g_mutex_lock (&layer_lock);
	if (tracking)
		return true;
	g_mutex_unlock (&layer_lock);
	return false;
}

int
ox_dir_create (const char *path)
{
	g_return_val_if_fail (path != NULL, -1);
	if (!lock_if_tracking ())
		return mkdir (path, 0777);
	int rc = mkdir (path, 0777);
	int err = errno;
	if (rc == 0) {
		char *key = g_canonicalize_filename (path, NULL);
		journal_add (OP_MKDIR, key, NULL);
		g_free (key);
	}
	g_mutex_unlock (&layer_lock);
	errno = err;
	return rc;
}

int
ox_dir_sync (const char *path)
{
	g_return_val_if_fail (path != NULL, -1);
	if (slow_bits () == 0)
		return dir_fsync (path);
	char *key = g_canonicalize_filename (path, NULL);
	int rc = -1, err = EIO;
	g_mutex_lock (&layer_lock);
	if (!fault_sync (path, key)) {
		rc = dir_fsync (path);
		err = errno;
		if (rc == 0 && tracking)
			journal_dir_synced (key);
	}
	g_mutex_unlock (&layer_lock);
	g_free (key);
	if (rc < 0)
		errno = err;
	return rc;
}

/* Caller holds layer_lock and tracking is on.  The replaced target, if any,
 * is kept at a stash name until the rename is durable. */
static int
rename_tracked (const char *from, const char *to)
{
	char *kfrom = g_canonicalize_filename (from, NULL);
	char *kto = g_canonicalize_filename (to, NULL);
	char *stash = NULL;
	bool linked = false, to_was_dir = false;
	int rc = -1;
	struct stat sf, st;

	if (lstat (from, &sf) < 0)
		goto out;
	if (strcmp (kfrom, kto) == 0) {
		rc = 0;
		goto out;
	}
	if (lstat (to, &st) == 0) {
		/* Give the errors rename would, before moving anything aside. */
		if (S_ISDIR (st.st_mode) && !S_ISDIR (sf.st_mode)) {
			errno = EISDIR;
			goto out;
		}
		if (!S_ISDIR (st.st_mode) && S_ISDIR (sf.st_mode)) {
			errno = ENOTDIR;
			goto out;
		}
		if (S_ISDIR (st.st_mode)) {
			/* rename replaces only an empty directory: nothing to keep. */
			to_was_dir = true;
		} else {
			stash = stash_name (kto);
			/* A hard link keeps the old target while rename still
			 * replaces it atomically; without hard links, move it. */
			if (link (to, stash) == 0)
				linked = true;
			else if (rename (to, stash) < 0)
				goto out;
		}
	}
	if (rename (from, to) < 0) {
		int err = errno;
		if (stash != NULL && (linked ? unlink (stash) : rename (stash, to)) < 0)
			g_warning ("cannot restore %s: %s", to, g_strerror (errno));
		errno = err;
		goto out;
	}
	if (stash != NULL)
		tracks_move (kto, stash);
	tracks_move (kfrom, kto);
	DirOp *op = journal_add (OP_RENAME, kfrom, kto);
	op->stash = g_steal_pointer (&stash);
	op->to_was_dir = to_was_dir;
	rc = 0;
out:;
	int err = errno;
	g_free (kfrom);
	g_free (kto);
	g_free (stash);
	errno = err;
	return rc;
}

int
ox_file_rename (const char *from, const char *to)
{
	g_return_val_if_fail (from != NULL && to != NULL, -1);
	if (!lock_if_tracking ())
		return rename (from, to);
	if (halted_locked ()) {
		g_mutex_unlock (&layer_lock);
		errno = EIO;
		return -1;
	}
	int rc = rename_tracked (from, to);
	int err = errno;
	g_mutex_unlock (&layer_lock);
	errno = err;
	return rc;
}

int
ox_file_unlink (const char *path)
{
	g_return_val_if_fail (path != NULL, -1);
	if (!lock_if_tracking ())
		return unlink (path);
	if (halted_locked ()) {
		g_mutex_unlock (&layer_lock);
		errno = EIO;
		return -1;
	}
	int rc = -1, err;
	struct stat st;
	if (lstat (path, &st) < 0) {
		err = errno;
	} else if (S_ISDIR (st.st_mode)) {
		err = EISDIR;  /* what unlink(2) says on Linux */
	} else {
		char *key = g_canonicalize_filename (path, NULL);
		char *stash = stash_name (key);
		rc = rename (path, stash);
		err = errno;
		if (rc == 0) {
			tracks_move (key, stash);
			DirOp *op = journal_add (OP_UNLINK, key, NULL);
			op->stash = g_steal_pointer (&stash);
		}
		g_free (stash);
		g_free (key);
	}
	g_mutex_unlock (&layer_lock);
	errno = err;
	return rc;
}

/* ---- the lock file ----------------------------------------------------------- */

static int
read_pid (OxFile *f)
{
	char buf[32];
	ssize_t r = ox_file_pread (f, buf, sizeof buf - 1, 0);
	if (r <= 0)
		return 0;
	buf[r] = '\0';
	char *end;
	gint64 pid = g_ascii_strtoll (buf, &end, 10);
	/* A holder between its truncate and its write leaves nothing to read:
	 * report "unknown" rather than garbage. */
	if (end == buf || pid <= 0 || pid > INT_MAX)
		return 0;
	return (int) pid;
}

OxFile *
ox_file_lock_dir (const char *dir, int *holder_pid)
{
	g_return_val_if_fail (dir != NULL, NULL);
	if (holder_pid != NULL)
		*holder_pid = 0;
	char *path = g_build_filename (dir, "lock", NULL);
	OxFile *f = ox_file_open (path, O_RDWR | O_CREAT, 0644);
	g_free (path);
	if (f == NULL)
		return NULL;

	int rc;
	do
		rc = flock (f->fd, LOCK_EX | LOCK_NB);
	while (rc < 0 && errno == EINTR);
	if (rc < 0) {
		int err = errno;
		if (err == EWOULDBLOCK && holder_pid != NULL)
			*holder_pid = read_pid (f);
		ox_file_close (f);
		errno = err;
		return NULL;
	}

	char buf[32];
	int len = g_snprintf (buf, sizeof buf, "%d\n", (int) getpid ());
	if (ox_file_truncate (f, 0) < 0 || ox_file_pwrite (f, buf, (size_t) len, 0) < 0
	    || ox_file_sync (f) < 0) {
		int err = errno;
		ox_file_close (f);
		errno = err;
		return NULL;
	}
	return f;
}

/* ---- durability tracking and crash simulation -------------------------------- */

void
ox_file_track_durability (bool on)
{
	g_mutex_lock (&layer_lock);
	ensure_tables ();
	if (!on && tracking) {
		/* Stop pretending: what is pending is as durable as it will ever
		 * be in this model, so kept files go for good. */
		DirOp *op;
		while ((op = g_queue_peek_head (&journal)) != NULL) {
			op_settle (journal.head);
			op_free (g_queue_pop_head (&journal));
		}
		tracks_forget_all ();
	}
	tracking = on;
	set_slow_bit (SLOW_TRACK, on);
	g_mutex_unlock (&layer_lock);
}

/* Cut one file back to what survived: durable bytes put back (all of them,
 * or a random subset when torn), then the length. */
static void
track_crash (Track *t, GRand *rand)
{
	int fd = open_retry (t->path, O_WRONLY | O_CLOEXEC, 0);
	if (fd < 0) {
		if (errno != ENOENT)
			g_warning ("crash: cannot open %s: %s", t->path, g_strerror (errno));
		return;
	}
	struct stat st;
	off_t cur = fstat (fd, &st) == 0 ? st.st_size : t->durable;
	/* Newest first, so where one range was saved twice the oldest copy,
	 * the durable one, is written last. */
	for (unsigned i = t->saved->len; i-- > 0;) {
		Extent *e = t->saved->pdata[i];
		size_t done;
		if ((rand == NULL || g_rand_boolean (rand))
		    && write_all (fd, e->data, e->len, e->offset, &done) < 0)
			g_warning ("crash: cannot restore %s: %s", t->path, g_strerror (errno));
	}
	off_t keep = t->durable;
	if (rand != NULL && cur > t->durable)
		keep += MIN ((off_t) (g_rand_double (rand) * (double) (cur - t->durable + 1)),
		             cur - t->durable);
	else if (rand != NULL && cur < t->durable && g_rand_boolean (rand))
		keep = cur;
	if (ftruncate (fd, keep) < 0)
		g_warning ("crash: cannot truncate %s: %s", t->path, g_strerror (errno));
	close (fd);
}

void
ox_file_halt (void)
{
	g_mutex_lock (&layer_lock);
	__atomic_store_n (&halted, 1, __ATOMIC_SEQ_CST);
	g_mutex_unlock (&layer_lock);
}

void
ox_file_simulate_crash (uint32_t torn_seed)
{
	g_mutex_lock (&layer_lock);
	ensure_tables ();
	set_slow_bit (SLOW_CRASHED, true);

	/* The process dies: descriptors and their flocks go. */
	int devnull = open_retry ("/dev/null", O_RDWR | O_CLOEXEC, 0);
	GHashTableIter it;
	gpointer key;
	g_hash_table_iter_init (&it, handles);
	while (g_hash_table_iter_next (&it, &key, NULL)) {
		OxFile *f = key;
		if (is_dead (f))
			continue;
		__atomic_store_n (&f->dead, 1, __ATOMIC_SEQ_CST);
		if (devnull < 0 || dup2 (devnull, f->fd) < 0)
			g_warning ("crash: cannot release %s: %s", f->path, g_strerror (errno));
	}
	if (devnull >= 0)
		close (devnull);

	/* Directory entries that were never made durable vanish. */
	DirOp *op;
	while ((op = g_queue_pop_tail (&journal)) != NULL) {
		op_undo (op);
		op_free (op);
	}

	/* File contents beyond the last fsync vanish; in path order, so that
	 * one seed always tears the same way. */
	GRand *rand = torn_seed != 0 ? g_rand_new_with_seed (torn_seed) : NULL;
	GList *paths = g_list_sort (g_hash_table_get_keys (tracks), (GCompareFunc) strcmp);
	for (GList *l = paths; l != NULL; l = l->next)
		track_crash (g_hash_table_lookup (tracks, l->data), rand);
	g_list_free (paths);
	if (rand != NULL)
		g_rand_free (rand);

	/* What is on disk now is the new durable state. */
	tracks_forget_all ();
	g_mutex_unlock (&layer_lock);
}

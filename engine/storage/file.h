/*
 * file.h — the one door every byte of a database directory goes through.
 *
 * The WAL, checkpoints, the version file and the lock file are read and
 * written only through these functions, so tests can make the disk
 * misbehave exactly where it matters: short writes, ENOSPC and EIO on write,
 * EIO on fsync, and a simulated crash that forgets everything that was not
 * made durable (file contents not fsynced, directory entries — creations,
 * renames, unlinks — whose directory was not fsynced).
 *
 * Functions return 0 on success and -1 with errno set on failure; they never
 * raise (the caller decides whether a failure is 53100 disk_full or 58030
 * io_error and what state the database enters).
 *
 * NOTE: a failed fsync must never be retried as if the data were safe: after
 * fsync fails, the kernel may have dropped the dirty pages, and a second
 * fsync would report success for data that is gone.  ox_file_sync therefore
 * marks the file broken; every later write or sync on it fails with EIO.
 * NOTE: fault injection is process-wide and meant for tests only; with no
 * fault plan installed the layer is a thin wrapper over POSIX calls.
 * NOTE: an OxFile appends at its own idea of the end (the length at open
 * plus what it wrote), so a file has one writing handle at a time; O_APPEND
 * in the open flags is accepted and ignored, and ox_file_pwrite writes at
 * the offset given.  Reads (ox_file_pread, ox_file_size) may run on several
 * threads at once; writes, truncates and syncs of one OxFile are the
 * caller's to serialise.  Descriptors are opened O_CLOEXEC.
 * NOTE: the crash model (ox_file_simulate_crash).  Modelled:
 *   - a file's content is durable up to its length at its last successful
 *     ox_file_sync; bytes appended since are lost (or, torn, a prefix of
 *     them survives), and durable bytes overwritten since by ox_file_pwrite,
 *     ox_file_truncate or O_TRUNC come back (torn: each overwrite comes back
 *     or not, at random).  Truncation counts as a data change, made durable
 *     by the file's fsync, like the size itself.
 *   - a creation (ox_file_open with O_CREAT of a missing file, ox_dir_create),
 *     rename or unlink is durable once ox_dir_sync of its directory succeeded
 *     after it (a rename across directories: of both).  Until then a crash
 *     undoes it, newest first: created files and directories (with all they
 *     hold) are removed, renames are moved back and the target they replaced
 *     reappears, unlinked files reappear with their content.
 *   - the process dies: every open OxFile fails with EIO from then on
 *     (ox_file_close still frees it) and flock locks are released.
 * Not modelled: loss of durable data (a disk that lies), reordering inside
 * the unsynced tail (torn keeps a prefix, never a hole), files changed
 * behind the layer's back or before tracking began (assumed durable),
 * operations pending inside a directory that is itself renamed and whose
 * rename is undone, and ox_dir_sync failures beyond reporting them (a failed
 * directory sync leaves its entries pending; the caller must not treat a
 * later success as covering an operation it already reported failed).
 * NOTE: while tracking, an unlinked file — or one replaced by a rename —
 * waits under a hidden name, DIR/.ox-unlinked-N, until DIR is synced, so
 * that a crash can bring it back.  Directory scans must skip names starting
 * with '.'.  Tracking serialises all I/O of the process on one mutex: it is
 * for tests only.
 */
#ifndef OX_FILE_H
#define OX_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct OxFile OxFile;

/* Open (flags as open(2): O_RDONLY, O_RDWR|O_CREAT, O_APPEND ...). */
OxFile  *ox_file_open (const char *path, int flags, int mode);
int      ox_file_close (OxFile *f);
/* Write all n bytes at the current end (append) or at offset (>= 0).
 * A short write is retried until done or an error occurs. */
int      ox_file_append (OxFile *f, const void *buf, size_t n);
int      ox_file_pwrite (OxFile *f, const void *buf, size_t n, off_t offset);
/* Read up to n bytes at offset; returns bytes read (0 at EOF) or -1. */
ssize_t  ox_file_pread (OxFile *f, void *buf, size_t n, off_t offset);
int      ox_file_sync (OxFile *f);
/* fdatasync: the content and, when it changed, the length, without the
 * inode's timestamps.  Cheaper than ox_file_sync when the writes overwrite
 * bytes inside the file (a preallocated WAL segment): no inode write.
 * Broken-file and fault rules as ox_file_sync (OX_FAULT_FSYNC_EIO too). */
int      ox_file_datasync (OxFile *f);
int      ox_file_truncate (OxFile *f, off_t len);
off_t    ox_file_size (OxFile *f);
const char *ox_file_path (OxFile *f);

/* Directory operations (their effects are durable only after
 * ox_dir_sync of the directory). */
int      ox_dir_create (const char *path);
int      ox_dir_sync (const char *path);
int      ox_file_rename (const char *from, const char *to);
int      ox_file_unlink (const char *path);
/* Whole-file helpers: read a small file into a g_malloc'd buffer. */
int      ox_file_read_all (const char *path, char **data, size_t *len);

/* flock-based exclusive lock on DIR/lock holding our pid.  On EWOULDBLOCK
 * *holder_pid gets the pid written by the holder (0 if unknown). */
OxFile  *ox_file_lock_dir (const char *dir, int *holder_pid);

/* ---- fault injection (tests) ---------------------------------------------------- */

typedef enum OxFaultKind {
	OX_FAULT_NONE = 0,
	OX_FAULT_WRITE_ENOSPC,  /* writes fail with ENOSPC */
	OX_FAULT_WRITE_EIO,     /* writes fail with EIO */
	OX_FAULT_SHORT_WRITE,   /* writes stop short (partial data written), then ENOSPC */
	OX_FAULT_FSYNC_EIO,     /* fsync fails with EIO */
} OxFaultKind;

typedef struct OxFaultPlan {
	OxFaultKind kind;
	const char *path_substr;  /* only files whose path contains this (NULL: all) */
	uint64_t    after_bytes;  /* writes succeed until this many bytes went through */
	int         after_calls;  /* or after this many matching calls (0: use bytes) */
} OxFaultPlan;

/* Install (plan != NULL) or clear (NULL) the process-wide fault plan.  The
 * plan is copied (path_substr too) and its counters start at zero.  It
 * applies to ox_file_append/ox_file_pwrite (write kinds) and to
 * ox_file_sync/ox_dir_sync (OX_FAULT_FSYNC_EIO) on paths that match, and
 * once it fires it keeps firing, like a full disk, until cleared:
 *   after_calls > 0  the first after_calls matching calls succeed, every
 *                    later one fails (a short write writes half its buffer);
 *   after_calls == 0 writes succeed while the bytes written to matching
 *                    files stay <= after_bytes; the write that would pass it
 *                    fails (a short write writes exactly up to it); an fsync
 *                    fails once after_bytes bytes went through (0: at once).
 * A failing write of the ENOSPC/EIO kinds writes nothing.  A failing
 * ox_file_sync does not call fsync and marks the file broken. */
void ox_file_set_fault (const OxFaultPlan *plan);

/* Track durability so that a crash can be simulated: while tracking is on,
 * the layer remembers for each path its durable length and the directory
 * entries not yet made durable. */
void ox_file_track_durability (bool on);
/* Simulate power loss: every tracked file is cut back to its durable
 * length (optionally keeping a random part of its unsynced tail, to model
 * torn writes, when torn_seed != 0), and undurable creations, renames and
 * unlinks are undone.  Open OxFiles become unusable (EIO). */
void ox_file_simulate_crash (uint32_t torn_seed);
/* Tests: the process is dead from now on.  Opening for writing, creating,
 * renaming and unlinking through this layer fail with EIO (checked under
 * the layer's lock), so call it before ox_file_simulate_crash when the
 * process is about to _exit and must not act in between. */
void ox_file_halt (void);

#endif

/*
 * wal.h — the write-ahead log: appending records with group commit, and
 * scanning them back for recovery and `oxibase check`.
 *
 * Committers append their record to an in-memory tail (under the log's
 * mutex, in commit-timestamp order), then call ox_wal_flush with the LSN
 * just past their record.  The first flusher becomes the leader: it takes
 * the whole tail, writes it and fsyncs once; everybody whose record was in
 * that tail returns when the leader is done.  So N concurrent committers
 * cost one write and one fsync, not N.
 *
 * Sync modes: FULL fsyncs before a commit returns; NORMAL writes to the
 * operating system at commit and fsyncs at segment switches and close (a
 * crash of the process loses nothing, a power loss may lose the last
 * commits); OFF writes when the tail grows past 1 MiB, at segment switches
 * and at close.
 *
 * NOTE: after any write or fsync failure the log is broken for good
 * (ox_wal_broken): every later append and flush fails with the saved errno.
 * The database then refuses writes until it is reopened; recovery decides
 * what survived.  A failed fsync is never retried (see file.h).
 */
#ifndef OX_WAL_H
#define OX_WAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum OxSyncMode {
	OX_SYNC_OFF,
	OX_SYNC_NORMAL,
	OX_SYNC_FULL,
} OxSyncMode;

typedef struct OxWal OxWal;

/* Open DIR/wal for appending at end_lsn (the end of the valid log found by
 * ox_wal_scan: a record's padded end).  Segments past end_lsn are deleted
 * and the segment holding end_lsn is cut there (or padded with zeros up to
 * it, when a torn write left the last record whole but not all of its
 * padding), so new records never follow a torn tail and always land at
 * their LSN.
 * Returns NULL with errno set on failure. */
OxWal   *ox_wal_open (const char *dir, uint64_t end_lsn, uint64_t segment_size);
/* Flush (per mode) and close. */
void     ox_wal_close (OxWal *w);
/* Append one record; returns the LSN just past it, or 0 (errno set) when
 * the log is broken.  Never waits for I/O. */
uint64_t ox_wal_append (OxWal *w, uint8_t kind, const void *payload, size_t len);
/* Make every record up to 'upto' written, and durable when 'sync'.
 * Returns 0, or -1 with errno (the log is then broken). */
int      ox_wal_flush (OxWal *w, uint64_t upto, bool sync);
bool     ox_wal_broken (OxWal *w, int *err);
uint64_t ox_wal_end_lsn (OxWal *w);
/* Bytes appended but not yet handed to the operating system. */
uint64_t ox_wal_unwritten (OxWal *w);
/* Statistics for `oxibase info` and tests. */
uint64_t ox_wal_fsync_count (OxWal *w);

/* Called for each valid record, in order. */
typedef void (*OxWalRecordFn) (void *user, uint64_t lsn, uint8_t kind, const uint8_t *payload, size_t len);

typedef struct OxWalScan {
	uint64_t end_lsn;      /* LSN just past the last valid record and its
	                          padding (which a torn write may have cut) */
	uint64_t nrecords;
	uint64_t nsegments;
	uint64_t bytes;        /* total size of the segment files */
	char    *stop_reason;  /* g_malloc'd: why the scan stopped before the end
	                          of the files ("checksum mismatch at LSN ..."),
	                          or NULL for a clean end */
} OxWalScan;

/* Scan DIR/wal.  Returns 0, or -1 with errno for an I/O error (a damaged
 * record is not an error: the scan stops there and says why). */
int      ox_wal_scan (const char *dir, OxWalRecordFn fn, void *user, OxWalScan *out);
/* Scan one file in WAL format whose header starts at LSN 0 (checkpoint
 * images use the log's framing: see checkpoint.c). */
int      ox_wal_scan_file (const char *path, OxWalRecordFn fn, void *user, OxWalScan *out);
/* Delete the segments whose records all lie before lsn (after a checkpoint
 * made them unnecessary), then sync the directory. */
int      ox_wal_remove_before (OxWal *w, uint64_t lsn);

/* Framing, shared with checkpoint images: append one record (header,
 * payload, padding) to out; returns the bytes added. */
#include <glib.h>
size_t   ox_wal_frame_record (GByteArray *out, uint64_t lsn, uint8_t kind, const void *payload, size_t len);
void     ox_wal_segment_header (uint8_t h[32], uint64_t start);

#endif

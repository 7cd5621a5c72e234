/*
 * wal-format.h — the on-disk format of the write-ahead log, drawn so that a
 * segment can be decoded by hand.  docs/file-format.md describes the same
 * format for readers who do not read C.
 *
 * A database directory:
 *
 *     DIR/oxibase.version      "oxibase 1\n" — format version
 *     DIR/lock                 flock(2)ed by the open process; holds its pid
 *     DIR/wal/<lsn>.wal        segments, named by the 16-hex-digit LSN of
 *                              their first byte
 *     DIR/wal/spare            the next segment, prepared ahead: zeros only
 *                              (no header); renamed to <lsn>.wal when the
 *                              log switches, deleted by the open
 *     DIR/checkpoint/          checkpoint images (planned)
 *
 * The log is one stream of bytes; an LSN is a byte offset in that stream.
 * Segments cut the stream into files; a record never spans two segments.
 *
 * A segment file is preallocated: made at its full size (header + the
 * segment size, or header + one larger record) with zeros written and
 * synced, before records go in.  So a segment is
 *
 *     +--------+--------+--------+- - -+--------+----------------------+
 *     | header | record | record | ... | record | zeros (the tail)     |
 *     +--------+--------+--------+- - -+--------+----------------------+
 *
 * and commits overwrite zeros in place and sync with fdatasync (the size
 * never changes, so no inode write).  Zeros where a record header would
 * start (16 zero bytes, or fewer up to the end of the file) end the
 * segment cleanly; the next segment, if any, starts at that LSN.
 *
 * Segment header (32 bytes, little-endian):
 *
 *     0       8      16      24      32
 *     +-------+---+---+-------+-------+
 *     | magic |ver|crc| start | 0     |
 *     +-------+---+---+-------+-------+
 *     magic  "OXIBWAL\0"
 *     ver    u32 format version (1)
 *     crc    u32 CRC32C of bytes 0-11 and 16-31
 *     start  u64 LSN of the first record byte after this header
 *
 * Record (little-endian; total length padded with zeros to a multiple of 8):
 *
 *     0       4       8               16  17      20
 *     +-------+-------+---------------+---+-------+------------- - -
 *     | len   | crc   | lsn           |knd| 0 0 0 | payload (len bytes)
 *     +-------+-------+---------------+---+-------+------------- - -
 *     len    u32 payload length
 *     crc    u32 CRC32C of bytes 8 .. 20+len (lsn, kind, padding, payload)
 *     lsn    u64 this record's own LSN (catches stale bytes from a recycled
 *            or misplaced block that happen to checksum)
 *     knd    u8 record kind (OX_WAL_*)
 *
 * Recovery reads records in order and stops at the first one whose length
 * runs past the end of the file, whose checksum fails, or whose lsn is not
 * the expected one: that is the torn tail of a crash, and nothing after it
 * was ever acknowledged (a commit returns only after its record and every
 * record before it are durable).  The open then zeroes everything after the
 * last valid record in its segment (a torn write can keep a later record
 * and lose an earlier one) and fills a short segment (an older version's,
 * which grew as it was written) up to its full size.  A record that is whole but lost some of
 * its trailing zero padding (no checksum covers it) is kept; the log goes
 * on at its padded end, so every record starts at a multiple of 8.
 *
 * OX_WAL_COMMIT payload — one committed transaction:
 *
 *     u64 commit_ts, u32 nops, then nops operations, each starting with a
 *     u8 opcode:
 *       OX_REDO_INSERT  u32 table oid, u64 rowid, u16 ncols, ncols values
 *       OX_REDO_UPDATE  same as INSERT (the new row image, whole)
 *       OX_REDO_DELETE  u32 table oid, u64 rowid
 *       OX_REDO_SCHEMA  u32 oid, str name
 *       OX_REDO_TABLE   u32 oid, u32 schema oid, str name, u16 ncols,
 *                       per column: str name, u8 type, i32 typmod,
 *                       u8 notnull, str default (empty = none),
 *                       u16 nchecks, per check: str name, str source
 *       OX_REDO_VIEW    u32 oid, u32 schema oid, str name, u16 ncols,
 *                       per column: str name, u8 type, i32 typmod; str source,
 *                       u16 ndeps, ndeps × u32 oid of a table/view it reads
 *       OX_REDO_INDEX   u32 oid, u32 table oid, str name, u8 flags
 *                       (1 unique, 2 primary, 4 constraint), u16 nkeys,
 *                       per key: u16 column, u8 desc
 *       OX_REDO_DROP    u32 oid
 *       OX_REDO_ROUTINE u32 oid, u32 schema oid, str name, u8 kind (0 function,
 *                       1 procedure), u8 retkind (OxRetKind), u8 ret type,
 *                       i32 ret typmod, u8 flags (1 set-returning, 2 the
 *                       result is a table's row type), u8 volatility, u8 strict,
 *                       str language, str body, u32 body line, u32 body
 *                       column, str source file, str owner, u16 nargs, per
 *                       argument: str name, u8 type, i32 typmod, u8 mode
 *                       (OxArgMode), str default (empty = none); u32 oid of
 *                       the table whose row type it returns (0 = none)
 *       OX_REDO_TRIGGER u32 oid, u32 table oid, str name, u8 timing
 *                       (OxTrigTiming), u8 events (OX_TRIG_* bits), u8 flags
 *                       (1 for each row, 2 enabled), u16 n, n × u16 UPDATE OF
 *                       column, str WHEN source, u32 function schema oid (0 =
 *                       search_path), str function name, u16 nargs, nargs × str
 *       OX_REDO_SCHEDULE u32 oid, u32 schema oid, str name, str cron, str time
 *                       zone (empty = UTC), str action, str language,
 *                       u8 enabled, str owner
 *       OX_REDO_EVENT_TRIGGER u32 oid, str name, u8 event (0 ddl_command_start,
 *                       1 ddl_command_end, 2 sql_drop), u8 enabled, u32
 *                       function schema oid (0 = search_path), str function
 *                       name, u16 ntags, ntags × str tag
 *       OX_REDO_ROLE    u32 oid, str name, u8 flags (1 superuser, 2 inherit,
 *                       4 createrole, 8 createdb, 16 login, 32 replication,
 *                       64 bypassrls, 128 has VALID UNTIL), i32 connection
 *                       limit (-1 none), str SCRAM verifier (empty = none),
 *                       i64 VALID UNTIL (timestamptz microseconds).  A role
 *                       record with the oid of a live role replaces it (the
 *                       bootstrap superuser, oid 10, exists before replay).
 *       OX_REDO_SEQUENCE u32 oid, u32 schema oid, str name, u8 type, i64 start,
 *                       i64 increment, i64 min, i64 max, i64 cache, u8 cycle,
 *                       u32 owner table oid (0 = none), u16 owner column,
 *                       u8 identity ('a' ALWAYS, 'd' BY DEFAULT, 0 none),
 *                       i64 last value, u8 is_called, u64 log seqno.  A
 *                       record with the oid of a live sequence replaces its
 *                       definition (ALTER SEQUENCE) and keeps its value
 *                       unless the record's seqno is newer.
 *       OX_REDO_SEQ_VALUE u32 oid, i64 last value, u8 is_called, u64 log
 *                       seqno: a sequence value logged ahead by nextval or
 *                       set by setval, outside any transaction (commit ts
 *                       0); applied only when seqno is newer than the
 *                       sequence's (so a record older than the checkpoint
 *                       image cannot move it back); unknown oids are skipped
 *                       (a sequence created by a transaction that never
 *                       committed).
 *     str = u32 length + bytes (no NUL).
 *     value = u8 type id (OxTypeId), 0xff for NULL, then:
 *       BOOL u8; INT2/INT4/INT8/DATE/TIMESTAMP/TIMESTAMPTZ i64;
 *       FLOAT4/FLOAT8 f64 bits; TEXT/VARCHAR/BPCHAR/BYTEA/UNKNOWN str;
 *       NUMERIC str holding its text form (portable across versions).
 */
#ifndef OX_WAL_FORMAT_H
#define OX_WAL_FORMAT_H

#include <stdint.h>

#define OX_WAL_MAGIC        "OXIBWAL"   /* 7 chars + NUL = 8 bytes */
#define OX_WAL_VERSION      1u
#define OX_WAL_SEG_HEADER   32
#define OX_WAL_REC_HEADER   20
#define OX_WAL_ALIGN        8

enum {
	OX_WAL_COMMIT = 1,
	OX_WAL_CKPT_END = 2,  /* last record of a checkpoint image:
	                         u64 snapshot ts, u64 redo LSN, u32 next oid,
	                         u64 records before this one */
};

enum {
	OX_REDO_INSERT = 1,
	OX_REDO_UPDATE = 2,
	OX_REDO_DELETE = 3,
	OX_REDO_SCHEMA = 4,
	OX_REDO_TABLE  = 5,
	OX_REDO_VIEW   = 6,
	OX_REDO_INDEX  = 7,
	OX_REDO_DROP   = 8,
	OX_REDO_ROUTINE = 9,
	OX_REDO_TRIGGER = 10,
	OX_REDO_SCHEDULE = 11,
	OX_REDO_EVENT_TRIGGER = 12,
	OX_REDO_ROLE = 13,
	OX_REDO_SEQUENCE = 14,
	OX_REDO_SEQ_VALUE = 15,
};

#define OX_REDO_NULL 0xff

#endif

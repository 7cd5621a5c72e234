/*
 * pg-types.h — PostgreSQL's view of our column types: type OIDs, sizes and
 * typmods for RowDescription, and the binary wire formats of values.
 *
 * Binary formats (PostgreSQL's send/recv functions, all big-endian):
 *   bool 1 byte 0/1; int2/int4/int8 two's complement; float4/float8 IEEE
 *   754; text/varchar/bpchar the UTF-8 bytes; bytea the raw bytes; date an
 *   int4 of days since 2000-01-01; timestamp/timestamptz an int8 of
 *   microseconds since 2000-01-01 00:00 (UTC for timestamptz).
 *
 * NOTE: numeric travels in text format only (both directions); asking for
 * it in binary is 0A000.  So is a binary parameter whose type the client
 * left unspecified (OID 0) in Parse: the engine's API does not tell us
 * which type it inferred, and guessing from the length would misread.
 */
#pragma once

#include <glib.h>

#include "oxibase.h"

G_BEGIN_DECLS

#define PG_OID_BOOL         16u
#define PG_OID_BYTEA        17u
#define PG_OID_INT8         20u
#define PG_OID_INT2         21u
#define PG_OID_INT4         23u
#define PG_OID_TEXT         25u
#define PG_OID_FLOAT4      700u
#define PG_OID_FLOAT8      701u
#define PG_OID_UNKNOWN     705u
#define PG_OID_BPCHAR     1042u
#define PG_OID_VARCHAR    1043u
#define PG_OID_DATE       1082u
#define PG_OID_TIMESTAMP  1114u
#define PG_OID_TIMESTAMPTZ 1184u
#define PG_OID_NUMERIC    1700u

/* A result column as RowDescription tells it. */
typedef struct {
	guint32 oid;     /* type OID */
	gint16  size;    /* typlen: bytes, or -1 for variable length */
	gint32  typmod;  /* -1, or varchar(n)/bpchar(n): n + 4, numeric(p,s): (p << 16 | s) + 4 */
} PgColumnType;

/* The wire type of column col of st (OX_TYPE_NULL reads as text, as
 * PostgreSQL resolves an untyped literal in a select list). */
PgColumnType pg_column_type (OxStmt *st, int col);

/* TRUE when values of the type have a binary format here. */
gboolean pg_type_has_binary (guint32 oid);

/* Append the current row's value of column col in binary format (length
 * word included, -1 for NULL), encoded as the type oid says. */
void pg_put_binary_value (GByteArray *out, OxStmt *st, int col, guint32 oid);

/* Bind parameter idx (1-based) from wire value v (len -1 = NULL) in format
 * fmt (0 text, 1 binary) for a parameter declared oid (0 = unspecified).
 * FALSE with *sqlstate and a message in *message (g_free) when the value
 * cannot be bound: 22P03 for a binary value of the wrong size, 22021 for
 * text that is not UTF-8, 0A000 for a binary value of an unsupported or
 * unspecified type. */
gboolean pg_bind_param (OxStmt *st, int idx, const guint8 *v, gint32 len, gint16 fmt,
                        guint32 oid, const char **sqlstate, char **message);

G_END_DECLS

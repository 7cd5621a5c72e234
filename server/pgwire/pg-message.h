/*
 * pg-message.h — PostgreSQL frontend/backend protocol 3.0: decoding what a
 * client sends and encoding what the server answers.  Pure functions over
 * byte buffers: no I/O, no engine, so the fuzz target drives exactly the
 * code a connection runs.
 *
 * Framing (every message after the startup packet):
 *
 *     +------+----------------+---------------------------+
 *     | type |  length (BE32) |  body: length - 4 bytes   |
 *     +------+----------------+---------------------------+
 *       1 B     counts itself     strings NUL-terminated,
 *               but not type      integers big-endian
 *
 * The startup packet has no type byte: a BE32 length (counting itself),
 * then a BE32 code — 196608 (3.0), or one of the special request codes
 * below — then, for 3.0, "name\0value\0" pairs ended by one more "\0".
 *
 * NOTE: every length and count read from the wire is checked against what
 * is left of the buffer before it is used; a decoder never reads past the
 * end, and a message with bytes left over is malformed too (PostgreSQL
 * says "invalid message format").  Errors are PG_WIRE_ERROR with the
 * SQLSTATE in the code's table (pg_wire_error_sqlstate).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The startup packet's codes: a protocol version (major << 16 | minor) or
 * one of three requests PostgreSQL reserves version 1234.x for. */
#define PG_PROTOCOL_3_0      196608u    /* 3 << 16 */
#define PG_CANCEL_REQUEST    80877102u  /* 1234 << 16 | 5678 */
#define PG_SSL_REQUEST       80877103u  /* 1234 << 16 | 5679 */
#define PG_GSSENC_REQUEST    80877104u  /* 1234 << 16 | 5680 */

/* Limits, as PostgreSQL has them (pqcomm.h / postgres.c): a startup packet
 * over 10000 bytes is refused; so is a message over 1 GB, or a message of
 * a type that is always small (Sync, Flush, Describe ...) over 10000. */
#define PG_MAX_STARTUP_PACKET  10000u
#define PG_MAX_MESSAGE         (1024u * 1024u * 1024u)
#define PG_MAX_SMALL_MESSAGE   10000u

#define PG_WIRE_ERROR (pg_wire_error_quark ())
GQuark pg_wire_error_quark (void);

typedef enum {
	PG_WIRE_ERROR_PROTOCOL,     /* 08P01: malformed, oversized, out of order */
	PG_WIRE_ERROR_UNSUPPORTED,  /* 0A000: a protocol version or feature we lack */
} PgWireError;

/* The SQLSTATE for an error of PG_WIRE_ERROR (08P01 for anything else). */
const char *pg_wire_error_sqlstate (const GError *error);

/* ---- reading ------------------------------------------------------------ */

/* A cursor over one message body.  Readers return 0 / NULL once anything
 * was out of bounds and set bad; callers check pg_reader_done at the end
 * instead of after every field. */
typedef struct {
	const guint8 *data;  /* the body, not owned */
	gsize         len;   /* bytes in data */
	gsize         pos;   /* next byte to read; <= len */
	gboolean      bad;   /* a read ran past the end or found no NUL */
} PgReader;

void          pg_reader_init (PgReader *r, const guint8 *data, gsize len);
guint8        pg_read_u8 (PgReader *r);
gint16        pg_read_i16 (PgReader *r);
gint32        pg_read_i32 (PgReader *r);
/* A NUL-terminated string inside the buffer (pointer into it), or NULL. */
const char   *pg_read_str (PgReader *r);
/* n bytes (pointer into the buffer), or NULL when fewer are left. */
const guint8 *pg_read_bytes (PgReader *r, gsize n);
/* TRUE when nothing went wrong and every byte was read. */
gboolean      pg_reader_done (const PgReader *r);

/* ---- the startup packet -------------------------------------------------- */

typedef enum {
	PG_STARTUP_NORMAL,  /* protocol 3.x: params hold the parameters */
	PG_STARTUP_SSL,     /* SSLRequest */
	PG_STARTUP_GSSENC,  /* GSSENCRequest */
	PG_STARTUP_CANCEL,  /* CancelRequest: cancel_pid, cancel_secret */
} PgStartupKind;

typedef struct {
	PgStartupKind kind;
	guint32       version;        /* the code as sent */
	GPtrArray    *params;         /* char *: name, value, name, value ... (owned);
	                                 NULL unless kind is PG_STARTUP_NORMAL */
	gint32        cancel_pid;     /* PG_STARTUP_CANCEL only */
	gint32        cancel_secret;  /* PG_STARTUP_CANCEL only */
} PgStartup;

/* Check the startup packet's length word (the 4 bytes as sent, counting
 * themselves): FALSE with 08P01 when under 8 or over PG_MAX_STARTUP_PACKET. */
gboolean pg_startup_check_length (guint32 length, GError **error);
/* Decode the body after the length word into *out (free with
 * pg_startup_clear).  Errors: 08P01 for a malformed packet (a parameter
 * without a value, no final NUL, a missing "user"), 0A000 for a protocol
 * other than 3.x. */
gboolean pg_startup_parse (const guint8 *body, gsize len, PgStartup *out, GError **error);
void     pg_startup_clear (PgStartup *s);
/* The value of a startup parameter, or NULL. */
const char *pg_startup_param (const PgStartup *s, const char *name);

/* ---- frontend messages after startup ----------------------------------- */

/* Check a message header: FALSE with 08P01 for an unknown type byte, a
 * length under 4, over PG_MAX_MESSAGE, or over PG_MAX_SMALL_MESSAGE for a
 * type that is always small. */
gboolean pg_message_check_header (guint8 type, guint32 length, GError **error);

typedef struct {
	const guint8 *data;  /* into the message body; NULL for SQL NULL */
	gint32        len;   /* bytes; -1 for SQL NULL */
} PgValue;

/* A decoded frontend message.  Strings and values point into the body
 * that was decoded, which must outlive the message; arrays are owned and
 * freed by pg_message_clear. */
typedef struct {
	guint8 type;                 /* 'Q' 'P' 'B' 'D' 'E' 'C' 'S' 'H' 'X' 'd' 'c' 'f' 'p' */
	const char *name;            /* P: statement; B, E: portal; D, C: the object */
	const char *name2;           /* B: the source statement */
	const char *sql;             /* Q, P */
	guint8  what;                /* D, C: 'S' statement or 'P' portal */
	gint32  max_rows;            /* E: 0 = all */
	guint16 n_param_types;       /* P */
	guint32 *param_types;        /* P: OIDs (0 = unspecified) */
	guint16 n_param_formats;     /* B: 0, 1 or n_params */
	gint16 *param_formats;
	guint16 n_params;            /* B */
	PgValue *params;
	guint16 n_result_formats;    /* B: 0, 1 or one per column */
	gint16 *result_formats;
} PgMessage;

/* Decode the body of a message of the given type (after
 * pg_message_check_header).  FALSE with 08P01 when the body does not
 * match the type's format; a format code other than 0 or 1 is 08P01 too. */
gboolean pg_message_decode (guint8 type, const guint8 *body, gsize len, PgMessage *out, GError **error);
void     pg_message_clear (PgMessage *m);
/* The format code for parameter (or column) i given n codes as Bind sent
 * them: 0 codes = text, 1 = the same for all, else one each. */
gint16   pg_format_for (const gint16 *codes, guint16 n, guint i);

/* ---- backend messages ---------------------------------------------------- */

/* Build a backend message in out: pg_msg_begin writes the type and a
 * length placeholder, pg_msg_end patches the length in. */
gsize pg_msg_begin (GByteArray *out, guint8 type);
void  pg_msg_end (GByteArray *out, gsize start);
void  pg_put_u8 (GByteArray *out, guint8 v);
void  pg_put_i16 (GByteArray *out, gint16 v);
void  pg_put_i32 (GByteArray *out, gint32 v);
void  pg_put_i64 (GByteArray *out, gint64 v);
void  pg_put_str (GByteArray *out, const char *s);  /* with its NUL */
void  pg_put_bytes (GByteArray *out, const void *p, gsize n);

/* Fields of ErrorResponse / NoticeResponse; NULL or "" fields are left out. */
typedef struct {
	const char *severity;  /* "ERROR", "FATAL", "NOTICE" ... (S and V) */
	const char *sqlstate;  /* C */
	const char *message;   /* M */
	const char *detail;    /* D */
	const char *hint;      /* H */
	int         position;  /* P; 0 = none */
	const char *context;   /* W */
} PgErrorFields;

/* An ErrorResponse ('E') or NoticeResponse ('N'). */
void pg_put_error (GByteArray *out, guint8 type, const PgErrorFields *f);

G_END_DECLS

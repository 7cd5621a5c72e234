/*
 * tuple.h — the packed row format of a stored version (OxTuple, mvcc.h)
 * and the decode step every reader goes through.
 *
 * A row's body (an OxRow: the bytes of a row in a table's block, or of a
 * newer version after an OxTuple's 24-byte MVCC header) is laid out by
 * its table's row format (OxRowFormat, one per OxTableData, fixed for the
 * table's life: ALTER TABLE builds new storage and rewrites the rows):
 *
 *   +-----------------+------------------------+------------------------+
 *   | bitmap          | fixed-width columns    | variable-width columns |
 *   | ceil((n+1)/8) B | in column order, each  | in column order, each  |
 *   | bit 0: generic  | at the same offset in  | after the previous one |
 *   | bit c+1: c NULL | every row              | (none when NULL)       |
 *   +-----------------+------------------------+------------------------+
 *
 * A body starts at an even address (block heaps align them; an OxTuple's
 * header is 24 bytes), which the numerics' 2-alignment below relies on.
 *
 * Each column is in its natural width, read with memcpy (no alignment
 * padding, except before a numeric):
 *
 *   BOOL                           1 byte
 *   INT2                           2 bytes
 *   INT4, DATE, FLOAT4             4 bytes (FLOAT4: the float's bits)
 *   INT8, FLOAT8, TIMESTAMP(TZ)    8 bytes
 *   TEXT, VARCHAR, BPCHAR          length, bytes, a NUL (OxValue's text
 *                                  contract: s[len] == '\0')
 *   BYTEA                          length, bytes
 *   NUMERIC                        0 or 1 zero byte so that the block
 *                                  starts at an even offset of the body,
 *                                  then the OxNumeric block itself (8-byte
 *                                  head + 2 bytes a base-10000 digit):
 *                                  readers use it in place, and its fields
 *                                  are 16-bit, so it must be 2-aligned
 *   length: 1 byte when under 128 (the byte is the length); else 4 bytes,
 *   big-endian, with the top bit set.
 *
 * A NULL fixed-width column keeps its bytes (zeros), so every fixed-width
 * column, and the first variable-width one, is at the same offset in
 * every row: the format caches those offsets, and reading such a column
 * (index keys, column vectors, the few columns a query reads) costs one
 * memcpy; a later variable-width column is found by stepping over the
 * variable-width ones before it.
 *
 * A row whose values do not all match the format (a value of another
 * type than its column's — CREATE TABLE AS over an untyped column stores
 * TEXT into UNKNOWN —, an INT2/INT4/DATE out of its width, a FLOAT4 that
 * is not a float, a NULL carrying another type id, or a table whose
 * column types were never set) is stored in the self-describing form and
 * flagged by bit 0 of the bitmap (OX_ROW_GENERIC): the bitmap, then per column a type byte and,
 * unless NULL, the value (every integer, date and float in 8 bytes,
 * strings, byte strings and numerics as above).  Decoding gives back
 * exactly the values stored, in either form.
 *
 * NOTE: decoded text, bytea and numeric values point into the body: they
 * live as long as the body (a block's bodies as long as the table's
 * storage, a version until it is pruned).
 * NOTE: decoded values carry flags 0 and len 0 for types without a
 * length, whatever the stored values had there.
 */
#ifndef OX_TUPLE_H
#define OX_TUPLE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "mvcc.h"

/* Column classes of the packed form (OxRowFormat.cls). */
enum {
	OX_TCLS_NONE,   /* column type not set: every value goes generic */
	OX_TCLS_BOOL,
	OX_TCLS_I2,
	OX_TCLS_I4,     /* INT4, DATE */
	OX_TCLS_I8,     /* INT8, TIMESTAMP, TIMESTAMPTZ */
	OX_TCLS_F4,
	OX_TCLS_F8,
	OX_TCLS_TEXT,   /* TEXT, VARCHAR, BPCHAR (UNKNOWN columns hold TEXT) */
	OX_TCLS_BYTEA,
	OX_TCLS_NUMERIC,
};

/* A row's body, as readers get it (see above). */
typedef const uint8_t *OxRow;
#define OX_ROW_GENERIC 1u  /* bit 0 of byte 0: the self-describing form */
static inline bool
ox_row_is_generic (OxRow r)
{
	return r[0] & OX_ROW_GENERIC;
}

typedef struct OxRowFormat {
	int      ncols;
	int      nullbytes;  /* bytes of the bitmap: (ncols + 8) / 8 */
	uint8_t *decl;       /* [ncols] the column's declared OxTypeId: NULLs decode as it */
	uint8_t *enc;        /* [ncols] the OxTypeId its non-NULL values carry */
	uint8_t *cls;        /* [ncols] OX_TCLS_* */
	uint8_t *width;      /* [ncols] bytes of a fixed-width column; 0 = variable */
	int32_t *off;        /* [ncols] a fixed-width column's offset in the body; -1 */
	int     *vrank;      /* [ncols] a variable-width column's place among them; -1 */
	int     *fixed;      /* [nfixed] the fixed-width columns, ascending */
	int     *var;        /* [nvar] the variable-width columns, ascending */
	int      nfixed, nvar;
	int      varstart;   /* body offset of the first variable-width column */
} OxRowFormat;

/* A format of ncols columns with no types set (every row generic until
 * ox_row_format_set_type sets them all). */
OxRowFormat *ox_row_format_new (int ncols);
void         ox_row_format_free (OxRowFormat *f);
/* Column col holds values of type t.  Only before the first row that is
 * not generic exists (table creation): rows stored under another format
 * would be misread. */
void         ox_row_format_set_type (OxRowFormat *f, int col, OxTypeId t);

/* Bytes of the body holding vals[0..f->ncols), and whether it takes the
 * generic form; ox_row_write then writes it at b (size bytes, b even). */
size_t   ox_row_size (const OxRowFormat *f, const OxValue *vals, bool *generic);
void     ox_row_write (const OxRowFormat *f, const OxValue *vals, bool generic, uint8_t *b, size_t size);
/* A version holding vals[0..f->ncols) (g_malloc'd; header zeroed). */
OxTuple *ox_tuple_new (const OxRowFormat *f, const OxValue *vals);
/* Every column into out[0..f->ncols). */
void     ox_tuple_decode (const OxRowFormat *f, OxRow t, OxValue *out);
/* Only columns cols[0..n) (ascending) into out[cols[i]]; the other
 * entries of out are left as they are. */
void     ox_tuple_decode_cols (const OxRowFormat *f, OxRow t, OxValue *out, const int *cols, int n);
/* ox_tuple_decode_cols for a scan that reads the same columns of many
 * rows: what each column needs, looked up once (ox_tuple_steps) instead
 * of from the format's arrays at every row. */
typedef struct OxColStep {
	int32_t off;    /* a fixed-width column's body offset; -1: variable width */
	int32_t vrank;  /* a variable-width column's place among them */
	int32_t col;
	uint8_t cls;    /* OX_TCLS_* */
	uint8_t type;   /* the OxTypeId of its values */
	uint8_t decl;   /* the OxTypeId of its NULLs */
	uint8_t nmask;  /* its bit in the null bitmap: mask ... */
	uint16_t nbyte; /* ... and byte */
} OxColStep;
/* Steps for cols[0..n) (ascending) into steps[0..n). */
void ox_tuple_steps (const OxRowFormat *f, const int *cols, int n, OxColStep *steps);
void ox_tuple_decode_steps_slow (const OxRowFormat *f, OxRow t, OxValue *out, const OxColStep *steps, int n);
/* Inline while the steps are integers at fixed offsets (the usual
 * leading columns), the rest out of line: a scan reading one or two
 * integer columns pays no call (callgrind, scale 0.05: range_scan
 * 154.6M -> 148.4M instructions, group_by 34.3M -> 32.4M). */
static inline void
ox_tuple_decode_steps (const OxRowFormat *f, OxRow t, OxValue *out, const OxColStep *steps, int n)
{
	const uint8_t *b = t;
	if (!(t[0] & OX_ROW_GENERIC)) {
		for (int k = 0; k < n; k++) {
			const OxColStep *s = &steps[k];
			if (s->off < 0 || (s->cls != OX_TCLS_I4 && s->cls != OX_TCLS_I8)) {
				ox_tuple_decode_steps_slow (f, t, out, s, n - k);
				return;
			}
			OxValue v = { .type = s->type };
			if (b[s->nbyte] & s->nmask)
				v = ox_null ((OxTypeId) s->decl);
			else if (s->cls == OX_TCLS_I4) {
				int32_t x;
				memcpy (&x, b + s->off, 4);
				v.v.i = x;
			} else
				memcpy (&v.v.i, b + s->off, 8);
			out[s->col] = v;
		}
		return;
	}
	ox_tuple_decode_steps_slow (f, t, out, steps, n);
}
/* Column col only, without decoding the ones before it when their
 * offsets are fixed (inline for the usual index key: an integer). */
OxValue  ox_tuple_get_slow (const OxRowFormat *f, OxRow t, int col);
static inline OxValue
ox_tuple_get (const OxRowFormat *f, OxRow t, int col)
{
	if (!(t[0] & OX_ROW_GENERIC) && !((t[(col + 1) >> 3] >> ((col + 1) & 7)) & 1)) {
		OxValue v = { .type = f->enc[col] };
		if (f->cls[col] == OX_TCLS_I4) {
			int32_t x;
			memcpy (&x, t + f->off[col], 4);
			v.v.i = x;
			return v;
		}
		if (f->cls[col] == OX_TCLS_I8) {
			memcpy (&v.v.i, t + f->off[col], 8);
			return v;
		}
	}
	return ox_tuple_get_slow (f, t, col);
}
/* Bytes of t's body (for tests and statistics). */
size_t   ox_tuple_body_size (const OxRowFormat *f, OxRow t);

#endif

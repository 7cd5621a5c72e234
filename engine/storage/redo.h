/*
 * redo.h — encoding and decoding the payload of WAL records (the format is
 * drawn in wal-format.h): little-endian integers, length-prefixed strings,
 * typed values.
 *
 * NOTE: decoding never trusts the input: every read checks the remaining
 * length and sets 'bad' instead of reading past the end, so a record that
 * passed its checksum but was written by a buggy or newer version is
 * reported, not followed into wild memory.
 */
#ifndef OX_REDO_H
#define OX_REDO_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/value.h"
#include "storage/mvcc.h"

void ox_put_u8 (GByteArray *b, uint8_t v);
void ox_put_u16 (GByteArray *b, uint16_t v);
void ox_put_u32 (GByteArray *b, uint32_t v);
void ox_put_u64 (GByteArray *b, uint64_t v);
void ox_put_str (GByteArray *b, const char *s);  /* NULL is written as "" */
void ox_put_value (GByteArray *b, const OxValue *v);

typedef struct OxReader {
	const uint8_t *p, *end;
	bool           bad;  /* a read ran past the end or met an unknown tag */
} OxReader;

uint8_t  ox_get_u8 (OxReader *r);
uint16_t ox_get_u16 (OxReader *r);
uint32_t ox_get_u32 (OxReader *r);
uint64_t ox_get_u64 (OxReader *r);
/* NUL-terminated copy in a. */
char    *ox_get_str (OxReader *r, OxArena *a);
OxValue  ox_get_value (OxReader *r, OxArena *a);

/* Encode the row writes of a committing transaction (catalog entries are
 * encoded through the catalog hook).  Returns the number of operations. */
uint32_t ox_redo_encode_txn (OxTxn *t, GByteArray *out,
                             uint32_t (*encode_catalog) (void *object, int action, GByteArray *out));

#endif

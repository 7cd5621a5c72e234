/*
 * sequence.h — a sequence's value: nextval, setval and how the value is
 * logged ahead so that no value handed out is handed out again after a
 * crash (the definition is the OxSequence catalog object, catalog.h).
 *
 * What can go wrong: nextval past MAXVALUE/MINVALUE without CYCLE raises
 * 2200H; a failing log write raises 58030 (the value is not handed out).
 * Not transactional, as in PostgreSQL: a rolled-back transaction's values
 * are gone for good.
 */
#ifndef OX_SEQUENCE_H
#define OX_SEQUENCE_H

#include "catalog.h"

struct OxWal;

/* How many values one log record covers (PostgreSQL's SEQ_LOG_VALS). */
#define OX_SEQ_LOG_VALS 32

OxSeqState *ox_seq_state_new (int64_t last_value, bool is_called);
OxSeqState *ox_seq_state_ref (OxSeqState *st);
void        ox_seq_state_unref (OxSeqState *st);

/* The next value (2200H at the end without CYCLE).  wal may be NULL (an
 * in-memory database); sync: fsync before returning when a record was
 * written. */
int64_t ox_sequence_nextval (OxSequence *seq, struct OxWal *wal, bool sync);
/* setval (is_called as given), logged at once.  22003 outside the bounds. */
void    ox_sequence_setval (OxSequence *seq, struct OxWal *wal, bool sync, int64_t value, bool is_called);
/* Read the state under its lock. */
void    ox_sequence_read (OxSequence *seq, int64_t *last_value, bool *is_called);

/* The OX_REDO_SEQUENCE operation (wal-format.h); returns 1. */
uint32_t ox_sequence_encode (OxSequence *seq, GByteArray *out);
/* Replay of OX_REDO_SEQ_VALUE: apply if newer. */
void     ox_sequence_redo_value (OxSequence *seq, int64_t last_value, bool is_called, uint64_t seqno);

/* Bounds of a sequence type (INT2/INT4/INT8). */
void ox_sequence_type_bounds (OxTypeId type, int64_t *min, int64_t *max);

#endif

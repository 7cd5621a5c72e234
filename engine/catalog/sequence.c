/*
 * sequence.c — sequence values (sequence.h): computing the next value and
 * logging values ahead.
 *
 * As PostgreSQL does, nextval logs a value OX_SEQ_LOG_VALS increments
 * ahead of the one it returns and then hands out the values up to it
 * without logging; after a crash the sequence restarts after the logged
 * value, so some values are skipped but none is reused.  The record is an
 * OX_WAL_COMMIT with timestamp 0 holding one OX_REDO_SEQ_VALUE, appended
 * under the sequence's mutex (records of one sequence reach the log in
 * the order of its changes) and flushed before the value is returned.
 *
 * NOTE: every logged change carries the state's log_seqno; replay applies
 * a value record only when its seqno is newer than the sequence's, since
 * the log kept after a checkpoint may start before the image was taken.
 * NOTE: a wrap-around (CYCLE) logs at once: the pre-logged bound is no
 * bound any more once the value restarts at the other end.
 */
#include "sequence.h"
#include "base/error.h"
#include "storage/redo.h"
#include "storage/wal.h"
#include "storage/wal-format.h"

#include <errno.h>
#include <string.h>

static void
state_clear (gpointer p)
{
	OxSeqState *st = p;
	g_mutex_clear (&st->lock);
}

OxSeqState *
ox_seq_state_new (int64_t last_value, bool is_called)
{
	OxSeqState *st = g_atomic_rc_box_new0 (OxSeqState);
	g_mutex_init (&st->lock);
	st->last_value = last_value;
	st->is_called = is_called;
	return st;
}

OxSeqState *
ox_seq_state_ref (OxSeqState *st)
{
	return g_atomic_rc_box_acquire (st);
}

void
ox_seq_state_unref (OxSeqState *st)
{
	if (st)
		g_atomic_rc_box_release_full (st, state_clear);
}

void
ox_sequence_type_bounds (OxTypeId type, int64_t *min, int64_t *max)
{
	switch (type) {
	case OX_T_INT2: *min = G_MININT16; *max = G_MAXINT16; break;
	case OX_T_INT4: *min = G_MININT32; *max = G_MAXINT32; break;
	default: *min = G_MININT64; *max = G_MAXINT64; break;
	}
}

/* Append and flush one value record; called with st->lock held. */
static void
log_value (OxSequence *seq, struct OxWal *wal, bool sync, int64_t last, bool called)
{
	OxSeqState *st = seq->state;
	st->log_seqno++;
	if (!wal)
		return;
	GByteArray *b = g_byte_array_sized_new (48);
	ox_put_u64 (b, 0);   /* no commit timestamp: outside any transaction */
	ox_put_u32 (b, 1);
	ox_put_u8 (b, OX_REDO_SEQ_VALUE);
	ox_put_u32 (b, seq->obj.oid);
	ox_put_u64 (b, (uint64_t) last);
	ox_put_u8 (b, called);
	ox_put_u64 (b, st->log_seqno);
	uint64_t lsn = ox_wal_append (wal, OX_WAL_COMMIT, b->data, b->len);
	g_byte_array_unref (b);
	int e = errno ? errno : EIO;
	if (lsn == 0 || ox_wal_flush (wal, lsn, sync) != 0) {
		if (lsn != 0)
			e = errno ? errno : EIO;
		g_mutex_unlock (&st->lock);
		ox_raise ("58030", 0, "could not write to the write-ahead log: %s", g_strerror (e));
	}
}

/* v + inc within [min, max]?  Sets *out. */
static bool
step (const OxSequence *seq, int64_t v, int64_t *out)
{
	int64_t n;
	if (__builtin_add_overflow (v, seq->increment, &n))
		return false;
	if (n > seq->max || n < seq->min)
		return false;
	*out = n;
	return true;
}

int64_t
ox_sequence_nextval (OxSequence *seq, struct OxWal *wal, bool sync)
{
	OxSeqState *st = seq->state;
	g_mutex_lock (&st->lock);
	int64_t next = st->last_value;
	bool wrapped = false;
	if (st->is_called && !step (seq, st->last_value, &next)) {
		if (!seq->cycle) {
			bool up = seq->increment > 0;
			int64_t bound = up ? seq->max : seq->min;
			g_mutex_unlock (&st->lock);
			ox_raise ("2200H", 0, "nextval: reached %s value of sequence \"%s\" (%" G_GINT64_FORMAT ")",
			          up ? "maximum" : "minimum", seq->obj.name, bound);
		}
		next = seq->increment > 0 ? seq->min : seq->max;
		wrapped = true;
	}
	if (st->log_left <= 0 || wrapped) {
		/* log a value up to OX_SEQ_LOG_VALS increments ahead, stopping at
		 * the bound (no wrap in the logged value) */
		int64_t ahead = next;
		int n = 0;
		while (n < OX_SEQ_LOG_VALS - 1 && step (seq, ahead, &ahead))
			n++;
		log_value (seq, wal, sync, ahead, true);
		st->log_left = n;
	} else
		st->log_left--;
	st->last_value = next;
	st->is_called = true;
	g_mutex_unlock (&st->lock);
	return next;
}

void
ox_sequence_setval (OxSequence *seq, struct OxWal *wal, bool sync, int64_t value, bool is_called)
{
	if (value < seq->min || value > seq->max)
		ox_raise ("22003", 0, "setval: value %" G_GINT64_FORMAT " is out of bounds for sequence \"%s\" (%"
		          G_GINT64_FORMAT "..%" G_GINT64_FORMAT ")", value, seq->obj.name, seq->min, seq->max);
	OxSeqState *st = seq->state;
	g_mutex_lock (&st->lock);
	log_value (seq, wal, sync, value, is_called);
	st->last_value = value;
	st->is_called = is_called;
	st->log_left = 0;
	g_mutex_unlock (&st->lock);
}

void
ox_sequence_read (OxSequence *seq, int64_t *last_value, bool *is_called)
{
	g_mutex_lock (&seq->state->lock);
	*last_value = seq->state->last_value;
	*is_called = seq->state->is_called;
	g_mutex_unlock (&seq->state->lock);
}

uint32_t
ox_sequence_encode (OxSequence *seq, GByteArray *out)
{
	OxCatObject *o = &seq->obj;
	ox_put_u8 (out, OX_REDO_SEQUENCE);
	ox_put_u32 (out, o->oid);
	ox_put_u32 (out, o->schema->obj.oid);
	ox_put_str (out, o->name);
	ox_put_u8 (out, (uint8_t) seq->type);
	ox_put_u64 (out, (uint64_t) seq->start);
	ox_put_u64 (out, (uint64_t) seq->increment);
	ox_put_u64 (out, (uint64_t) seq->min);
	ox_put_u64 (out, (uint64_t) seq->max);
	ox_put_u64 (out, (uint64_t) seq->cache);
	ox_put_u8 (out, seq->cycle);
	ox_put_u32 (out, seq->owner_table);
	ox_put_u16 (out, (uint16_t) seq->owner_col);
	ox_put_u8 (out, (uint8_t) seq->identity);
	/* the value recovery may resume after: the bound logged ahead when
	 * values are pre-logged (nextval hands out up to it unlogged) */
	OxSeqState *st = seq->state;
	g_mutex_lock (&st->lock);
	int64_t last = st->last_value;
	bool called = st->is_called;
	if (called && st->log_left > 0) {
		for (int i = 0; i < st->log_left; i++)
			if (!step (seq, last, &last))
				break;
	}
	ox_put_u64 (out, (uint64_t) last);
	ox_put_u8 (out, called);
	ox_put_u64 (out, st->log_seqno);
	g_mutex_unlock (&st->lock);
	return 1;
}

void
ox_sequence_redo_value (OxSequence *seq, int64_t last_value, bool is_called, uint64_t seqno)
{
	OxSeqState *st = seq->state;
	g_mutex_lock (&st->lock);
	if (seqno > st->log_seqno) {
		st->last_value = last_value;
		st->is_called = is_called;
		st->log_seqno = seqno;
		st->log_left = 0;
	}
	g_mutex_unlock (&st->lock);
}

/*
 * logs.c — the system.logs ring (see logs.h for the contract).
 *
 * NOTE: entries are reference counted so that a reader can keep using an
 * entry a writer has just pushed out of the ring; the last reference frees
 * it, outside the lock.
 */
#include "logs.h"
#include "base/value.h"

#include <string.h>

typedef struct Entry {
	gint     refs;
	uint64_t seq;
	int64_t  time;
	uint32_t session;
	int      line;
	char    *routine;
	char    *level;
	char    *message;
} Entry;

struct OxLogRing {
	GMutex   lock;
	Entry  **slots;
	size_t   capacity;
	size_t   head;     /* next slot to write */
	size_t   count;
	uint64_t seq;
};

static void
entry_unref (Entry *e)
{
	if (e && g_atomic_int_dec_and_test (&e->refs)) {
		g_free (e->routine);
		g_free (e->level);
		g_free (e->message);
		g_free (e);
	}
}

OxLogRing *
ox_log_ring_new (size_t capacity)
{
	OxLogRing *r = g_new0 (OxLogRing, 1);
	g_mutex_init (&r->lock);
	r->capacity = capacity > 0 ? capacity : 1;
	r->slots = g_new0 (Entry *, r->capacity);
	return r;
}

void
ox_log_ring_free (OxLogRing *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->capacity; i++)
		entry_unref (r->slots[i]);
	g_free (r->slots);
	g_mutex_clear (&r->lock);
	g_free (r);
}

/* The entries oldest first, referenced (caller unrefs). Lock held. */
static Entry **
snapshot_locked (OxLogRing *r, size_t *n)
{
	Entry **out = g_new (Entry *, r->count + 1);
	size_t start = (r->head + r->capacity - r->count) % r->capacity;
	for (size_t i = 0; i < r->count; i++) {
		Entry *e = r->slots[(start + i) % r->capacity];
		g_atomic_int_inc (&e->refs);
		out[i] = e;
	}
	*n = r->count;
	return out;
}

void
ox_log_set_capacity (OxLogRing *r, size_t capacity)
{
	if (capacity == 0)
		capacity = 1;
	g_mutex_lock (&r->lock);
	if (capacity == r->capacity) {
		g_mutex_unlock (&r->lock);
		return;
	}
	size_t n;
	Entry **old = snapshot_locked (r, &n);
	Entry **prev = r->slots;
	size_t prev_cap = r->capacity;
	r->slots = g_new0 (Entry *, capacity);
	r->capacity = capacity;
	size_t keep = n < capacity ? n : capacity;
	for (size_t i = 0; i < keep; i++) {
		r->slots[i] = old[n - keep + i];
		g_atomic_int_inc (&r->slots[i]->refs);
	}
	r->count = keep;
	r->head = keep % capacity;
	g_mutex_unlock (&r->lock);
	for (size_t i = 0; i < n; i++)
		entry_unref (old[i]);
	for (size_t i = 0; i < prev_cap; i++)
		entry_unref (prev[i]);
	g_free (old);
	g_free (prev);
}

void
ox_log_append (OxLogRing *r, int64_t time, uint32_t session, const char *routine, int line, const char *level,
               const char *message)
{
	if (!r)
		return;
	Entry *e = g_new0 (Entry, 1);
	e->refs = 1;
	e->time = time;
	e->session = session;
	e->line = line;
	e->routine = g_strdup (routine);
	e->level = g_ascii_strup (level ? level : "NOTICE", -1);
	e->message = g_strdup (message ? message : "");
	g_mutex_lock (&r->lock);
	e->seq = ++r->seq;
	Entry *out = r->slots[r->head];
	r->slots[r->head] = e;
	r->head = (r->head + 1) % r->capacity;
	if (r->count < r->capacity)
		r->count++;
	g_mutex_unlock (&r->lock);
	entry_unref (out);
}

static OxValue
text_value (OxArena *a, const char *s)
{
	if (!s)
		return ox_null (OX_T_TEXT);
	size_t n = strlen (s);
	return ox_text (OX_T_TEXT, ox_arena_strndup (a, s, n), n);
}

void
ox_log_rows (OxLogRing *r, OxArena *a, GPtrArray *rows)
{
	if (!r)
		return;
	g_mutex_lock (&r->lock);
	size_t n;
	Entry **es = snapshot_locked (r, &n);
	g_mutex_unlock (&r->lock);
	for (size_t i = 0; i < n; i++) {
		Entry *e = es[i];
		OxValue *v = OX_NEW_N (a, OxValue, 7);
		v[0] = ox_int (OX_T_INT8, (int64_t) e->seq);
		v[1] = ox_int (OX_T_TIMESTAMPTZ, e->time);
		v[2] = ox_int (OX_T_INT4, e->session);
		v[3] = text_value (a, e->routine);
		v[4] = e->line > 0 ? ox_int (OX_T_INT4, e->line) : ox_null (OX_T_INT4);
		v[5] = text_value (a, e->level);
		v[6] = text_value (a, e->message);
		g_ptr_array_add (rows, v);
		entry_unref (e);
	}
	g_free (es);
}

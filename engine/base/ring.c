/*
 * ring.c — bounded rings of reference-counted entries (see ring.h).
 *
 * NOTE: entries that fall out, and the old slots of a resize, are
 * unreferenced after the lock is released: an entry's free_fn may take
 * time (strings), and nothing under the lock should.
 */
#include "ring.h"

struct OxRing {
	GMutex        lock;
	OxRingEntry **slots;     /* capacity slots, a circle */
	size_t        capacity;
	size_t        head;      /* next slot to write */
	size_t        count;     /* slots in use */
	uint64_t      seq;       /* of the newest entry */
};

void
ox_ring_entry_unref (OxRingEntry *e)
{
	if (e && g_atomic_int_dec_and_test (&e->refs))
		e->free_fn (e);
}

OxRing *
ox_ring_new (size_t capacity)
{
	OxRing *r = g_new0 (OxRing, 1);
	g_mutex_init (&r->lock);
	r->capacity = capacity > 0 ? capacity : 1;
	r->slots = g_new0 (OxRingEntry *, r->capacity);
	return r;
}

void
ox_ring_free (OxRing *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->capacity; i++)
		ox_ring_entry_unref (r->slots[i]);
	g_free (r->slots);
	g_mutex_clear (&r->lock);
	g_free (r);
}

/* The entries oldest first, referenced.  Lock held. */
static OxRingEntry **
snapshot_locked (OxRing *r, size_t *n)
{
	OxRingEntry **out = g_new (OxRingEntry *, r->count + 1);
	size_t start = (r->head + r->capacity - r->count) % r->capacity;
	for (size_t i = 0; i < r->count; i++) {
		OxRingEntry *e = r->slots[(start + i) % r->capacity];
		g_atomic_int_inc (&e->refs);
		out[i] = e;
	}
	*n = r->count;
	return out;
}

OxRingEntry **
ox_ring_snapshot (OxRing *r, size_t *n)
{
	g_mutex_lock (&r->lock);
	OxRingEntry **out = snapshot_locked (r, n);
	g_mutex_unlock (&r->lock);
	return out;
}

void
ox_ring_set_capacity (OxRing *r, size_t capacity)
{
	if (capacity == 0)
		capacity = 1;
	g_mutex_lock (&r->lock);
	if (capacity == r->capacity) {
		g_mutex_unlock (&r->lock);
		return;
	}
	size_t n;
	OxRingEntry **old = snapshot_locked (r, &n);
	OxRingEntry **prev = r->slots;
	size_t prev_cap = r->capacity;
	r->slots = g_new0 (OxRingEntry *, capacity);
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
		ox_ring_entry_unref (old[i]);
	for (size_t i = 0; i < prev_cap; i++)
		ox_ring_entry_unref (prev[i]);
	g_free (old);
	g_free (prev);
}

void
ox_ring_push (OxRing *r, OxRingEntry *e)
{
	g_mutex_lock (&r->lock);
	e->seq = ++r->seq;
	OxRingEntry *out = r->slots[r->head];
	r->slots[r->head] = e;
	r->head = (r->head + 1) % r->capacity;
	if (r->count < r->capacity)
		r->count++;
	g_mutex_unlock (&r->lock);
	ox_ring_entry_unref (out);
}

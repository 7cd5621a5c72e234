/*
 * ring.h — a bounded, thread-safe ring of reference-counted entries, the
 * storage behind the log views (system.logs of routines' log calls,
 * system.log of the database's and server's log lines).
 *
 * Writers push; when the ring is full the oldest entry falls out.  Each
 * entry gets the next sequence number (1, 2, ...) as it is pushed, so a
 * reader can ask for "after N".  Readers take a snapshot: the entries
 * oldest first, each referenced, so a writer pushing them out meanwhile
 * frees nothing a reader holds; the last reference frees an entry, never
 * under the ring's lock.
 *
 * What can go wrong: an entry must start with an OxRingEntry whose
 * free_fn frees the whole entry; the ring takes the pusher's reference.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

typedef struct OxRingEntry OxRingEntry;
struct OxRingEntry {
	gint     refs;
	uint64_t seq;                        /* set by ox_ring_push */
	void   (*free_fn) (OxRingEntry *e);  /* frees the entry that embeds this */
};

typedef struct OxRing OxRing;

OxRing *ox_ring_new (size_t capacity);  /* 0 is taken as 1 */
void    ox_ring_free (OxRing *r);
/* Keep the newest min(count, capacity) entries. */
void    ox_ring_set_capacity (OxRing *r, size_t capacity);
/* Add e (refs 1, taken over by the ring) as the newest entry. */
void    ox_ring_push (OxRing *r, OxRingEntry *e);
/* The entries oldest first, each referenced: unref each, g_free the array. */
OxRingEntry **ox_ring_snapshot (OxRing *r, size_t *n);
void    ox_ring_entry_unref (OxRingEntry *e);  /* NULL is fine */

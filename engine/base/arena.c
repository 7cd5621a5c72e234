/*
 * arena.c — bump-pointer arenas (see arena.h for the lifetime rules).
 *
 * Blocks grow geometrically up to 1 MiB; a request larger than a quarter of
 * the block size gets a block of its own so that a huge value does not waste
 * the tail of the current block.
 */
#include "arena.h"

#include <glib.h>
#include <string.h>
#include <stdio.h>

struct OxArenaCleanup {
	OxArenaCleanup *next;
	void          (*fn) (void *);
	void           *data;
};

static void
run_cleanups (OxArena *a)
{
	/* the records live in the arena itself: read each before it goes */
	OxArenaCleanup *c = a->cleanups;
	a->cleanups = NULL;
	while (c) {
		OxArenaCleanup *n = c->next;
		c->fn (c->data);
		c = n;
	}
}

struct OxArenaBlock {
	OxArenaBlock *next;  /* older block */
	size_t        size;  /* usable bytes in data[] */
	size_t        used;  /* bytes handed out */
	_Alignas (16) unsigned char data[];
};

#define OX_ARENA_FIRST_BLOCK 8192
#define OX_ARENA_MAX_BLOCK   (1u << 20)

static OxArenaBlock *
block_new (size_t size)
{
	OxArenaBlock *b = g_malloc (sizeof (OxArenaBlock) + size);
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

/*
 * Spare arenas.  A prepared statement run many times creates and frees the
 * same few scratch arenas on every run (one per operator); an 8 KiB block
 * is past glibc's per-thread caches, so each pair cost a trip through
 * malloc's large bins, about 15% of a point select.  Each thread keeps up
 * to OX_ARENA_SPARES freed arenas, cut back to their first block, and
 * hands them out again.  Under AddressSanitizer the cache is off so that a
 * use after ox_arena_free is still reported.
 */
#if defined(__SANITIZE_ADDRESS__)
#define OX_ARENA_SPARES 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OX_ARENA_SPARES 0
#endif
#endif
#ifndef OX_ARENA_SPARES
#define OX_ARENA_SPARES 16
#endif

static void free_whole (OxArena *a);

#if OX_ARENA_SPARES > 0
typedef struct {
	int      n;
	OxArena *arena[OX_ARENA_SPARES];
} Spares;

static void
spares_destroy (void *p)
{
	Spares *sp = p;
	for (int i = 0; i < sp->n; i++)
		free_whole (sp->arena[i]);
	g_free (sp);
}

static GPrivate spares_key = G_PRIVATE_INIT (spares_destroy);

static Spares *
spares_get (void)
{
	Spares *sp = g_private_get (&spares_key);
	if (!sp) {
		sp = g_new0 (Spares, 1);
		g_private_set (&spares_key, sp);
	}
	return sp;
}
#endif

OxArena *
ox_arena_new (void)
{
#if OX_ARENA_SPARES > 0
	Spares *sp = spares_get ();
	if (sp->n > 0)
		return sp->arena[--sp->n];  /* already reset to its first block */
#endif
	OxArena *a = g_new0 (OxArena, 1);
	a->first = a->head = block_new (OX_ARENA_FIRST_BLOCK);
	a->total = OX_ARENA_FIRST_BLOCK;
	return a;
}

static void
free_whole (OxArena *a)
{
	OxArenaBlock *b = a->head;
	while (b) {
		OxArenaBlock *n = b->next;
		g_free (b);
		b = n;
	}
	g_free (a);
}

void
ox_arena_free (OxArena *a)
{
	if (a == NULL)
		return;
#if OX_ARENA_SPARES > 0
	/* Cleanups first: one may free other arenas, which fills the spares. */
	ox_arena_reset (a);  /* keeps only the first block */
	Spares *sp = spares_get ();
	if (sp->n < OX_ARENA_SPARES && a->first->size == OX_ARENA_FIRST_BLOCK) {
		sp->arena[sp->n++] = a;
		return;
	}
	free_whole (a);
#else
	run_cleanups (a);
	free_whole (a);
#endif
}

void
ox_arena_reset (OxArena *a)
{
	run_cleanups (a);
	/* Oversized blocks may sit anywhere in the list (see ox_arena_alloc),
	 * so walk all of it and keep only 'first'. */
	OxArenaBlock *b = a->head;
	while (b) {
		OxArenaBlock *n = b->next;
		if (b != a->first)
			g_free (b);
		b = n;
	}
	a->head = a->first;
	a->first->used = 0;
	a->first->next = NULL;
	a->total = a->first->size;
}

void *
ox_arena_alloc (OxArena *a, size_t n)
{
	n = (n + 15) & ~(size_t) 15;
	if (n == 0)
		n = 16;
	OxArenaBlock *h = a->head;
	if (h->size - h->used >= n) {
		void *p = h->data + h->used;
		h->used += n;
		return p;
	}
	size_t bsize = h->size * 2;
	if (bsize > OX_ARENA_MAX_BLOCK)
		bsize = OX_ARENA_MAX_BLOCK;
	if (n > bsize / 4) {
		/* Dedicated block, linked behind the head so the head keeps serving
		 * small requests. */
		OxArenaBlock *big = block_new (n);
		big->used = n;
		big->next = h->next;
		h->next = big;
		a->total += n;
		return big->data;
	}
	OxArenaBlock *nb = block_new (bsize);
	nb->next = h;
	a->head = nb;
	a->total += bsize;
	nb->used = n;
	return nb->data;
}

void *
ox_arena_alloc0 (OxArena *a, size_t n)
{
	void *p = ox_arena_alloc (a, n);
	memset (p, 0, n);
	return p;
}

void *
ox_arena_memdup (OxArena *a, const void *p, size_t n)
{
	void *d = ox_arena_alloc (a, n);
	if (n)
		memcpy (d, p, n);
	return d;
}

char *
ox_arena_strndup (OxArena *a, const char *s, size_t n)
{
	char *d = ox_arena_alloc (a, n + 1);
	if (n)
		memcpy (d, s, n);
	d[n] = '\0';
	return d;
}

char *
ox_arena_strdup (OxArena *a, const char *s)
{
	return s ? ox_arena_strndup (a, s, strlen (s)) : NULL;
}

/* gcc's -Wformat-truncation, with the sanitizers' inlining, claims a null
 * format string here: measuring with a NULL buffer is the point (C11
 * 7.21.6.12), and fmt is never NULL (callers pass literals). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-truncation"
char *
ox_arena_vprintf (OxArena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy (ap2, ap);
	int n = vsnprintf (NULL, 0, fmt, ap2);
	va_end (ap2);
	char *d = ox_arena_alloc (a, (size_t) n + 1);
	vsnprintf (d, (size_t) n + 1, fmt, ap);
	return d;
}
#pragma GCC diagnostic pop

char *
ox_arena_printf (OxArena *a, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	char *r = ox_arena_vprintf (a, fmt, ap);
	va_end (ap);
	return r;
}

void
ox_arena_on_free (OxArena *a, void (*fn) (void *), void *data)
{
	OxArenaCleanup *c = ox_arena_alloc (a, sizeof *c);
	c->fn = fn;
	c->data = data;
	c->next = a->cleanups;
	a->cleanups = c;
}

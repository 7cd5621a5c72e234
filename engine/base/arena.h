/*
 * arena.h — bump-pointer memory arenas, the engine's memory contexts.
 *
 * An arena owns every allocation made from it; nothing allocated from an
 * arena is freed piecemeal.  Lifetimes follow PostgreSQL's memory contexts:
 * a session arena outlives statement arenas, which outlive per-row scratch
 * arenas.  ox_arena_reset() keeps the first block for reuse, so a scratch
 * arena reset once per row costs no malloc in the steady state.
 *
 * NOTE: an arena is not thread-safe.  Each arena belongs to one thread at a
 * time (the thread running the statement that owns it).
 * NOTE: pointers into an arena dangle after reset/free.  Values copied into
 * table storage must be deep-copied (ox_value_copy_to in value.h).
 */
#ifndef OX_ARENA_H
#define OX_ARENA_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

typedef struct OxArenaBlock OxArenaBlock;
typedef struct OxArenaCleanup OxArenaCleanup;

typedef struct OxArena {
	OxArenaBlock   *head;     /* newest block; allocations come from here */
	OxArenaBlock   *first;    /* oldest block, kept across ox_arena_reset() */
	size_t          total;    /* bytes obtained from malloc, for accounting */
	OxArenaCleanup *cleanups; /* run (newest first) at reset and free */
} OxArena;

OxArena *ox_arena_new (void);
void     ox_arena_free (OxArena *a);
/* Forget every allocation but keep the first block for reuse. */
void     ox_arena_reset (OxArena *a);
/* 16-byte aligned, never NULL (aborts on out-of-memory like g_malloc). */
void    *ox_arena_alloc (OxArena *a, size_t n);
void    *ox_arena_alloc0 (OxArena *a, size_t n);
void    *ox_arena_memdup (OxArena *a, const void *p, size_t n);
/* NUL-terminated copies. */
char    *ox_arena_strdup (OxArena *a, const char *s);
char    *ox_arena_strndup (OxArena *a, const char *s, size_t n);
char    *ox_arena_printf (OxArena *a, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
char    *ox_arena_vprintf (OxArena *a, const char *fmt, va_list ap);

/* Run fn (data) when the arena is reset or freed: for objects that live
 * as long as the arena but own memory of their own (GPtrArray ...). */
void     ox_arena_on_free (OxArena *a, void (*fn) (void *), void *data);

#define OX_NEW(arena, T) ((T *) ox_arena_alloc0 ((arena), sizeof (T)))
#define OX_NEW_N(arena, T, n) ((T *) ox_arena_alloc0 ((arena), sizeof (T) * (size_t) (n)))

#endif

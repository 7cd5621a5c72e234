/*
 * logs.c — the system.logs ring (see logs.h for the contract).
 *
 * The ring itself (bounds, order, references that keep a pushed-out entry
 * alive for a reader) is base/ring.c; this file is the row shape.
 */
#include "logs.h"
#include "base/value.h"
#include "base/ring.h"

#include <string.h>

typedef struct Entry {
	OxRingEntry base;    /* first: refs, seq (the order lines arrived in) */
	int64_t  time;
	uint32_t session;
	int      line;
	char    *routine;
	char    *level;
	char    *message;
} Entry;

struct OxLogRing {
	OxRing *ring;
};

static void
entry_free (OxRingEntry *base)
{
	Entry *e = (Entry *) base;
	g_free (e->routine);
	g_free (e->level);
	g_free (e->message);
	g_free (e);
}

OxLogRing *
ox_log_ring_new (size_t capacity)
{
	OxLogRing *r = g_new0 (OxLogRing, 1);
	r->ring = ox_ring_new (capacity);
	return r;
}

void
ox_log_ring_free (OxLogRing *r)
{
	if (!r)
		return;
	ox_ring_free (r->ring);
	g_free (r);
}

void
ox_log_set_capacity (OxLogRing *r, size_t capacity)
{
	ox_ring_set_capacity (r->ring, capacity);
}

void
ox_log_append (OxLogRing *r, int64_t time, uint32_t session, const char *routine, int line, const char *level,
               const char *message)
{
	if (!r)
		return;
	Entry *e = g_new0 (Entry, 1);
	e->base.refs = 1;
	e->base.free_fn = entry_free;
	e->time = time;
	e->session = session;
	e->line = line;
	e->routine = g_strdup (routine);
	e->level = g_ascii_strup (level ? level : "NOTICE", -1);
	e->message = g_strdup (message ? message : "");
	ox_ring_push (r->ring, &e->base);
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
	size_t n;
	OxRingEntry **es = ox_ring_snapshot (r->ring, &n);
	for (size_t i = 0; i < n; i++) {
		Entry *e = (Entry *) es[i];
		OxValue *v = OX_NEW_N (a, OxValue, 7);
		v[0] = ox_int (OX_T_INT8, (int64_t) e->base.seq);
		v[1] = ox_int (OX_T_TIMESTAMPTZ, e->time);
		v[2] = ox_int (OX_T_INT4, e->session);
		v[3] = text_value (a, e->routine);
		v[4] = e->line > 0 ? ox_int (OX_T_INT4, e->line) : ox_null (OX_T_INT4);
		v[5] = text_value (a, e->level);
		v[6] = text_value (a, e->message);
		g_ptr_array_add (rows, v);
		ox_ring_entry_unref (es[i]);
	}
	g_free (es);
}

/*
 * dblog.c — the system.log ring (see dblog.h for the contract).
 *
 * The ring itself (bounds, order, references that keep a pushed-out entry
 * alive for a reader) is base/ring.c; this file is the row shape.
 */
#include "dblog.h"
#include "base/value.h"
#include "base/ring.h"

#include <string.h>

typedef struct Entry {
	OxRingEntry base;    /* first: refs, seq (the order lines arrived in) */
	int64_t  time;       /* timestamptz */
	char    *level;      /* "LOG", "WARNING", ... (upper case) */
	char    *message;
	char    *sqlstate;   /* NULL: none */
	char    *user;       /* NULL: none */
	char    *database;   /* NULL: none */
} Entry;

struct OxDbLog {
	OxRing *ring;
};

static void
entry_free (OxRingEntry *base)
{
	Entry *e = (Entry *) base;
	g_free (e->level);
	g_free (e->message);
	g_free (e->sqlstate);
	g_free (e->user);
	g_free (e->database);
	g_free (e);
}

OxDbLog *
ox_dblog_new (size_t capacity)
{
	OxDbLog *l = g_new0 (OxDbLog, 1);
	l->ring = ox_ring_new (capacity);
	return l;
}

void
ox_dblog_free (OxDbLog *l)
{
	if (!l)
		return;
	ox_ring_free (l->ring);
	g_free (l);
}

void
ox_dblog_set_capacity (OxDbLog *l, size_t capacity)
{
	ox_ring_set_capacity (l->ring, capacity);
}

void
ox_dblog_append (OxDbLog *l, int64_t time, const char *level, const char *message, const char *sqlstate,
                 const char *user, const char *database)
{
	if (!l)
		return;
	Entry *e = g_new0 (Entry, 1);
	e->base.refs = 1;
	e->base.free_fn = entry_free;
	e->time = time;
	e->level = g_ascii_strup (level ? level : "LOG", -1);
	e->message = g_strdup (message ? message : "");
	e->sqlstate = sqlstate && *sqlstate ? g_strdup (sqlstate) : NULL;
	e->user = user && *user ? g_strdup (user) : NULL;
	e->database = database && *database ? g_strdup (database) : NULL;
	ox_ring_push (l->ring, &e->base);
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
ox_dblog_rows (OxDbLog *l, OxArena *a, GPtrArray *rows)
{
	if (!l)
		return;
	size_t n;
	OxRingEntry **es = ox_ring_snapshot (l->ring, &n);
	for (size_t i = 0; i < n; i++) {
		Entry *e = (Entry *) es[i];
		OxValue *v = OX_NEW_N (a, OxValue, 7);
		v[0] = ox_int (OX_T_INT8, (int64_t) e->base.seq);
		v[1] = ox_int (OX_T_TIMESTAMPTZ, e->time);
		v[2] = text_value (a, e->level);
		v[3] = text_value (a, e->message);
		v[4] = text_value (a, e->sqlstate);
		v[5] = text_value (a, e->user);
		v[6] = text_value (a, e->database);
		g_ptr_array_add (rows, v);
		ox_ring_entry_unref (es[i]);
	}
	g_free (es);
}

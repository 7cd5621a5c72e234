/*
 * dblog.c — the system.log ring (see dblog.h for the contract).
 *
 * NOTE: entries are reference counted so that a reader can keep using an
 * entry a writer has just pushed out; the last reference frees it,
 * outside the lock.
 */
#include "dblog.h"
#include "base/value.h"

#include <string.h>

typedef struct Entry {
	gint     refs;
	uint64_t seq;        /* 1, 2, ...: the order lines arrived in */
	int64_t  time;       /* timestamptz */
	char    *level;      /* "LOG", "WARNING", ... (upper case) */
	char    *message;
	char    *sqlstate;   /* NULL: none */
	char    *user;       /* NULL: none */
	char    *database;   /* NULL: none */
} Entry;

struct OxDbLog {
	GMutex   lock;
	Entry  **slots;      /* capacity slots, a circle */
	size_t   capacity;
	size_t   head;       /* next slot to write */
	size_t   count;      /* slots in use */
	uint64_t seq;        /* of the newest entry */
};

static void
entry_unref (Entry *e)
{
	if (e && g_atomic_int_dec_and_test (&e->refs)) {
		g_free (e->level);
		g_free (e->message);
		g_free (e->sqlstate);
		g_free (e->user);
		g_free (e->database);
		g_free (e);
	}
}

OxDbLog *
ox_dblog_new (size_t capacity)
{
	OxDbLog *l = g_new0 (OxDbLog, 1);
	g_mutex_init (&l->lock);
	l->capacity = capacity > 0 ? capacity : 1;
	l->slots = g_new0 (Entry *, l->capacity);
	return l;
}

void
ox_dblog_free (OxDbLog *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->capacity; i++)
		entry_unref (l->slots[i]);
	g_free (l->slots);
	g_mutex_clear (&l->lock);
	g_free (l);
}

/* The entries oldest first, referenced (caller unrefs). Lock held. */
static Entry **
snapshot_locked (OxDbLog *l, size_t *n)
{
	Entry **out = g_new (Entry *, l->count + 1);
	size_t start = (l->head + l->capacity - l->count) % l->capacity;
	for (size_t i = 0; i < l->count; i++) {
		Entry *e = l->slots[(start + i) % l->capacity];
		g_atomic_int_inc (&e->refs);
		out[i] = e;
	}
	*n = l->count;
	return out;
}

void
ox_dblog_set_capacity (OxDbLog *l, size_t capacity)
{
	if (capacity == 0)
		capacity = 1;
	g_mutex_lock (&l->lock);
	size_t n;
	Entry **old = snapshot_locked (l, &n);
	Entry **prev = l->slots;
	size_t prev_cap = l->capacity;
	l->slots = g_new0 (Entry *, capacity);
	l->capacity = capacity;
	size_t keep = n < capacity ? n : capacity;
	for (size_t i = 0; i < keep; i++) {
		l->slots[i] = old[n - keep + i];
		g_atomic_int_inc (&l->slots[i]->refs);
	}
	l->count = keep;
	l->head = keep % capacity;
	g_mutex_unlock (&l->lock);
	for (size_t i = 0; i < n; i++)
		entry_unref (old[i]);
	for (size_t i = 0; i < prev_cap; i++)
		entry_unref (prev[i]);
	g_free (old);
	g_free (prev);
}

void
ox_dblog_append (OxDbLog *l, int64_t time, const char *level, const char *message, const char *sqlstate,
                 const char *user, const char *database)
{
	if (!l)
		return;
	Entry *e = g_new0 (Entry, 1);
	e->refs = 1;
	e->time = time;
	e->level = g_ascii_strup (level ? level : "LOG", -1);
	e->message = g_strdup (message ? message : "");
	e->sqlstate = sqlstate && *sqlstate ? g_strdup (sqlstate) : NULL;
	e->user = user && *user ? g_strdup (user) : NULL;
	e->database = database && *database ? g_strdup (database) : NULL;
	g_mutex_lock (&l->lock);
	e->seq = ++l->seq;
	Entry *out = l->slots[l->head];
	l->slots[l->head] = e;
	l->head = (l->head + 1) % l->capacity;
	if (l->count < l->capacity)
		l->count++;
	g_mutex_unlock (&l->lock);
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
ox_dblog_rows (OxDbLog *l, OxArena *a, GPtrArray *rows)
{
	if (!l)
		return;
	g_mutex_lock (&l->lock);
	size_t n;
	Entry **es = snapshot_locked (l, &n);
	g_mutex_unlock (&l->lock);
	for (size_t i = 0; i < n; i++) {
		Entry *e = es[i];
		OxValue *v = OX_NEW_N (a, OxValue, 7);
		v[0] = ox_int (OX_T_INT8, (int64_t) e->seq);
		v[1] = ox_int (OX_T_TIMESTAMPTZ, e->time);
		v[2] = text_value (a, e->level);
		v[3] = text_value (a, e->message);
		v[4] = text_value (a, e->sqlstate);
		v[5] = text_value (a, e->user);
		v[6] = text_value (a, e->database);
		g_ptr_array_add (rows, v);
		entry_unref (e);
	}
	g_free (es);
}

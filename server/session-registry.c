/*
 * session-registry.c — the server-wide table of sessions (see
 * session-registry.h).
 *
 * NOTE: one mutex guards the table and every entry; the callbacks run
 * under it (the header says why).  Entries are small and updates happen
 * once per statement, so contention is not a concern at the connection
 * counts a single server serves.
 */
#define G_LOG_DOMAIN "oxibase-server"

#include "session-registry.h"

#include <sys/random.h>

typedef struct {
	OxSessionInfo info;
	OxSessionOps  ops;
	gpointer      data;
} Entry;

struct _OxSessionRegistry {
	GMutex      lock;
	GHashTable *sessions;  /* id -> Entry* (owned) */
};

const char *
ox_session_state_name (OxSessionState state)
{
	switch (state) {
	case OX_SESSION_IDLE: return "idle";
	case OX_SESSION_ACTIVE: return "active";
	case OX_SESSION_IDLE_IN_TRANSACTION: return "idle in transaction";
	case OX_SESSION_IDLE_IN_FAILED_TRANSACTION: return "idle in transaction (aborted)";
	case OX_SESSION_PAUSED: return "paused in debugger";
	}
	return "unknown";
}

static void
info_clear (OxSessionInfo *i)
{
	g_free (i->protocol);
	g_free (i->user);
	g_free (i->database);
	g_free (i->application_name);
	g_free (i->client_addr);
	g_free (i->query);
}

void
ox_session_info_free (OxSessionInfo *info)
{
	if (!info)
		return;
	info_clear (info);
	g_free (info);
}

static void
entry_free (gpointer p)
{
	Entry *e = p;
	info_clear (&e->info);
	g_free (e);
}

OxSessionRegistry *
ox_session_registry_new (void)
{
	OxSessionRegistry *reg = g_new0 (OxSessionRegistry, 1);
	g_mutex_init (&reg->lock);
	reg->sessions = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, entry_free);
	return reg;
}

void
ox_session_registry_free (OxSessionRegistry *reg)
{
	if (!reg)
		return;
	g_warn_if_fail (g_hash_table_size (reg->sessions) == 0);
	g_hash_table_destroy (reg->sessions);
	g_mutex_clear (&reg->lock);
	g_free (reg);
}

static gint32
random_id (void)
{
	guint32 r;
	if (getrandom (&r, sizeof r, 0) != sizeof r)
		r = g_random_int ();
	return (gint32) (r & 0x7fffffff);
}

gint32
ox_session_registry_add (OxSessionRegistry *reg, gint32 id, const char *protocol, const char *user,
                         const char *database, const char *application_name, const char *client_addr,
                         const OxSessionOps *ops, gpointer data)
{
	if (!reg)
		return id ? id : random_id () | 1;
	g_mutex_lock (&reg->lock);
	if (id == 0) {
		do
			id = random_id ();
		while (id == 0 || g_hash_table_contains (reg->sessions, GINT_TO_POINTER (id)));
	} else if (id < 0 || g_hash_table_contains (reg->sessions, GINT_TO_POINTER (id))) {
		g_mutex_unlock (&reg->lock);
		return 0;
	}
	Entry *e = g_new0 (Entry, 1);
	e->info.id = id;
	e->info.protocol = g_strdup (protocol ? protocol : "");
	e->info.user = g_strdup (user ? user : "");
	e->info.database = g_strdup (database ? database : "");
	e->info.application_name = g_strdup (application_name ? application_name : "");
	e->info.client_addr = g_strdup (client_addr ? client_addr : "");
	e->info.state = OX_SESSION_IDLE;
	e->info.backend_start = e->info.state_change = g_get_real_time ();
	if (ops)
		e->ops = *ops;
	e->data = data;
	g_hash_table_insert (reg->sessions, GINT_TO_POINTER (id), e);
	g_mutex_unlock (&reg->lock);
	return id;
}

void
ox_session_registry_remove (OxSessionRegistry *reg, gint32 id)
{
	if (!reg)
		return;
	g_mutex_lock (&reg->lock);
	g_hash_table_remove (reg->sessions, GINT_TO_POINTER (id));
	g_mutex_unlock (&reg->lock);
}

gboolean
ox_session_registry_contains (OxSessionRegistry *reg, gint32 id)
{
	if (!reg)
		return FALSE;
	g_mutex_lock (&reg->lock);
	gboolean r = g_hash_table_contains (reg->sessions, GINT_TO_POINTER (id));
	g_mutex_unlock (&reg->lock);
	return r;
}

void
ox_session_registry_set_state (OxSessionRegistry *reg, gint32 id, OxSessionState state, const char *query,
                               const char *application_name)
{
	if (!reg)
		return;
	g_mutex_lock (&reg->lock);
	Entry *e = g_hash_table_lookup (reg->sessions, GINT_TO_POINTER (id));
	if (e) {
		gint64 now = g_get_real_time ();
		if (state != e->info.state)
			e->info.state_change = now;
		if (state == OX_SESSION_IDLE)
			e->info.xact_start = 0;
		else if (e->info.state == OX_SESSION_IDLE && state == OX_SESSION_ACTIVE)
			e->info.xact_start = now;
		e->info.state = state;
		if (state == OX_SESSION_ACTIVE && query) {
			g_free (e->info.query);
			e->info.query = g_strdup (query);
			e->info.query_start = g_get_real_time ();
		}
		if (application_name && g_strcmp0 (application_name, e->info.application_name)) {
			g_free (e->info.application_name);
			e->info.application_name = g_strdup (application_name);
		}
	}
	g_mutex_unlock (&reg->lock);
}

static gint
by_start (gconstpointer a, gconstpointer b)
{
	const OxSessionInfo *x = *(OxSessionInfo *const *) a;
	const OxSessionInfo *y = *(OxSessionInfo *const *) b;
	if (x->backend_start != y->backend_start)
		return x->backend_start < y->backend_start ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

GPtrArray *
ox_session_registry_list (OxSessionRegistry *reg)
{
	GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ox_session_info_free);
	if (!reg)
		return out;
	g_mutex_lock (&reg->lock);
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init (&it, reg->sessions);
	while (g_hash_table_iter_next (&it, &k, &v)) {
		Entry *e = v;
		OxSessionInfo *c = g_new0 (OxSessionInfo, 1);
		*c = e->info;
		c->protocol = g_strdup (e->info.protocol);
		c->user = g_strdup (e->info.user);
		c->database = g_strdup (e->info.database);
		c->application_name = g_strdup (e->info.application_name);
		c->client_addr = g_strdup (e->info.client_addr);
		c->query = g_strdup (e->info.query);
		g_ptr_array_add (out, c);
	}
	g_mutex_unlock (&reg->lock);
	g_ptr_array_sort (out, by_start);
	return out;
}

guint
ox_session_registry_count (OxSessionRegistry *reg)
{
	if (!reg)
		return 0;
	g_mutex_lock (&reg->lock);
	guint n = g_hash_table_size (reg->sessions);
	g_mutex_unlock (&reg->lock);
	return n;
}

static gboolean
call (OxSessionRegistry *reg, gint32 id, gboolean terminate)
{
	if (!reg)
		return FALSE;
	g_mutex_lock (&reg->lock);
	Entry *e = g_hash_table_lookup (reg->sessions, GINT_TO_POINTER (id));
	if (e) {
		void (*fn) (gpointer) = terminate ? e->ops.terminate : e->ops.cancel;
		if (fn)
			fn (e->data);
	}
	g_mutex_unlock (&reg->lock);
	return e != NULL;
}

gboolean
ox_session_registry_cancel (OxSessionRegistry *reg, gint32 id)
{
	return call (reg, id, FALSE);
}

gboolean
ox_session_registry_terminate (OxSessionRegistry *reg, gint32 id)
{
	return call (reg, id, TRUE);
}

/*
 * activity.c — pg_stat_activity and signalling sessions (see activity.h).
 *
 * NOTE: the permission rules are PostgreSQL 15's (signalfuncs.c,
 * pgstatfuncs.c): a superuser sees and signals everyone; another role sees
 * the details of its own role's sessions only ("<insufficient
 * privilege>" for the others) and may signal only those, never a
 * superuser's.  We have no pg_read_all_stats / pg_signal_backend roles, so
 * role membership does not widen that.
 * NOTE: the rows of other sessions are copied under their act_lock, so a
 * statement text can be up to one statement old, never torn.
 */
#include "activity.h"
#include "auth/role.h"
#include "base/error.h"
#include "catalog/pg_catalog.h"

#include <string.h>

/* PostgreSQL's track_activity_query_size default: longer texts are cut */
#define QUERY_MAX 1024
#define UNIX_EPOCH_IN_OURS INT64_C (946684800000000)

static int64_t
now_tstz (void)
{
	return g_get_real_time () - UNIX_EPOCH_IN_OURS;
}

void
ox_activity_register (OxSession *s)
{
	g_mutex_init (&s->act_lock);
	s->act_backend_start = s->act_state_change = now_tstz ();
	s->act_state = OX_ACT_IDLE;
	g_mutex_lock (&s->db->lock);
	if (!s->db->live_sessions)
		s->db->live_sessions = g_ptr_array_new ();
	g_ptr_array_add (s->db->live_sessions, s);
	g_mutex_unlock (&s->db->lock);
}

void
ox_activity_unregister (OxSession *s)
{
	g_mutex_lock (&s->db->lock);
	if (s->db->live_sessions)
		g_ptr_array_remove (s->db->live_sessions, s);
	g_mutex_unlock (&s->db->lock);
	g_free (s->act_query);
	s->act_query = NULL;
	g_mutex_clear (&s->act_lock);
}

void
ox_activity_begin (OxSession *s, const char *sql, size_t len)
{
	/* cut at a character boundary, as PostgreSQL's pgstat does */
	size_t n = len > QUERY_MAX ? QUERY_MAX : len;
	while (n > 0 && n < len && ((unsigned char) sql[n] & 0xC0) == 0x80)
		n--;
	/* the same statement again (a prepared one, a loop): keep the copy.
	 * Only this thread writes act_query, so reading it unlocked is safe. */
	char *q = NULL;
	if (!s->act_query || strncmp (s->act_query, sql, n) || s->act_query[n])
		q = g_strndup (sql, n);
	int64_t now = now_tstz ();
	g_mutex_lock (&s->act_lock);
	char *old = NULL;
	if (q) {
		old = s->act_query;
		s->act_query = q;
	}
	s->act_state = OX_ACT_ACTIVE;
	s->act_query_start = s->act_state_change = now;
	/* a statement outside a block starts a transaction (BEGIN included) */
	if (!s->in_block)
		s->act_xact_start = now;
	s->act_wait_type = s->act_wait_event = NULL;
	g_mutex_unlock (&s->act_lock);
	g_free (old);
}

void
ox_activity_end (OxSession *s)
{
	int64_t now = now_tstz ();
	g_mutex_lock (&s->act_lock);
	s->act_state = !s->in_block ? OX_ACT_IDLE : s->failed ? OX_ACT_IDLE_IN_FAILED_TXN : OX_ACT_IDLE_IN_TXN;
	if (!s->in_block)
		s->act_xact_start = 0;
	s->act_state_change = now;
	s->act_wait_type = s->act_wait_event = NULL;
	g_mutex_unlock (&s->act_lock);
}

void
ox_activity_wait (OxSession *s, const char *type, const char *event)
{
	g_mutex_lock (&s->act_lock);
	s->act_wait_type = type;
	s->act_wait_event = event;
	g_mutex_unlock (&s->act_lock);
}

int32_t
ox_session_backend_pid (OxSession *s)
{
	return s->backend_pid ? s->backend_pid : (int32_t) s->id;
}

void
ox_session_set_backend_pid (OxSession *s, int32_t pid)
{
	g_mutex_lock (&s->act_lock);
	s->backend_pid = pid;
	g_mutex_unlock (&s->act_lock);
}

void
ox_activity_check_terminated (OxSession *s)
{
	if (__atomic_load_n (&s->terminated, __ATOMIC_RELAXED))
		ox_raise ("57P01", 0, "terminating connection due to administrator command");
}

static const char *
state_name (int st)
{
	switch (st) {
	case OX_ACT_ACTIVE: return "active";
	case OX_ACT_IDLE_IN_TXN: return "idle in transaction";
	case OX_ACT_IDLE_IN_FAILED_TXN: return "idle in transaction (aborted)";
	default: return "idle";
	}
}

/* ---- collecting rows: ours or the hooks' ---------------------------------------------- */

/* One row, owned by the collection (strings g_malloc'd). */
typedef struct {
	OxActivity a;
	uint32_t   roleid;   /* 0: look the name up */
} Row;

static void
row_free (gpointer p)
{
	Row *r = p;
	g_free ((char *) r->a.usename);
	g_free ((char *) r->a.datname);
	g_free ((char *) r->a.application_name);
	g_free ((char *) r->a.client_addr);
	g_free ((char *) r->a.backend_type);
	g_free ((char *) r->a.state);
	g_free ((char *) r->a.wait_event_type);
	g_free ((char *) r->a.wait_event);
	g_free ((char *) r->a.query);
	g_free (r);
}

static void
add_row (void *list, const OxActivity *a)
{
	Row *r = g_new0 (Row, 1);
	r->a = *a;
	r->a.usename = g_strdup (a->usename);
	r->a.datname = g_strdup (a->datname);
	r->a.application_name = g_strdup (a->application_name);
	r->a.client_addr = g_strdup (a->client_addr);
	r->a.backend_type = g_strdup (a->backend_type);
	r->a.state = g_strdup (a->state);
	r->a.wait_event_type = g_strdup (a->wait_event_type);
	r->a.wait_event = g_strdup (a->wait_event);
	r->a.query = g_strdup (a->query);
	g_ptr_array_add (list, r);
}

/* The database's own sessions (no hooks); times converted to the Unix
 * epoch as the hooks give them. */
static void
own_rows (OxSession *me, GPtrArray *out)
{
	OxDatabase *db = me->db;
	g_mutex_lock (&db->lock);
	for (guint i = 0; db->live_sessions && i < db->live_sessions->len; i++) {
		OxSession *s = db->live_sessions->pdata[i];
		Row *r = g_new0 (Row, 1);
		/* the role as it is now (SET ROLE shows, as in PostgreSQL);
		 * written by its own thread only, so a torn read is impossible
		 * for an aligned uint32 */
		r->roleid = __atomic_load_n (&s->current_role, __ATOMIC_RELAXED);
		if (!r->roleid)
			r->roleid = __atomic_load_n (&s->session_role, __ATOMIC_RELAXED);
		g_mutex_lock (&s->act_lock);
		r->a.pid = s->backend_pid ? s->backend_pid : (int32_t) s->id;
		r->a.datname = g_strdup (db->name ? db->name : "oxibase");
		r->a.client_port = -1;
		r->a.state = g_strdup (state_name (s->act_state));
		r->a.query = g_strdup (s->act_query);
		r->a.backend_start = s->act_backend_start ? s->act_backend_start + UNIX_EPOCH_IN_OURS : 0;
		r->a.xact_start = s->act_xact_start ? s->act_xact_start + UNIX_EPOCH_IN_OURS : 0;
		r->a.query_start = s->act_query_start ? s->act_query_start + UNIX_EPOCH_IN_OURS : 0;
		r->a.state_change = s->act_state_change ? s->act_state_change + UNIX_EPOCH_IN_OURS : 0;
		if (s->act_wait_type) {
			r->a.wait_event_type = g_strdup (s->act_wait_type);
			r->a.wait_event = g_strdup (s->act_wait_event);
		} else if (s->act_state != OX_ACT_ACTIVE) {
			/* an idle backend waits for its client */
			r->a.wait_event_type = g_strdup ("Client");
			r->a.wait_event = g_strdup ("ClientRead");
		}
		g_mutex_unlock (&s->act_lock);
		g_ptr_array_add (out, r);
	}
	g_mutex_unlock (&db->lock);
}

static GPtrArray *
collect (OxSession *me)
{
	GPtrArray *rows = g_ptr_array_new_with_free_func (row_free);
	OxDatabase *db = me->db;
	if (db->act_hooks.list)
		db->act_hooks.list (db->act_user, add_row, rows);
	else
		own_rows (me, rows);
	return rows;
}

/* The role of a row, by oid or by name, or NULL when it is gone. */
static OxRole *
row_role (OxSession *me, Row *r)
{
	return ox_role_find (me, r->roleid, r->a.usename);
}

static uint32_t
my_role (OxSession *me)
{
	return me->current_role ? me->current_role : me->session_role;
}

static OxValue
txt (OxArena *a, const char *s)
{
	if (!s)
		return ox_null (OX_T_TEXT);
	size_t n = strlen (s);
	return ox_text (OX_T_TEXT, ox_arena_strndup (a, s, n), n);
}

static OxValue
tstz (int64_t unix_us)
{
	return unix_us ? ox_int (OX_T_TIMESTAMPTZ, unix_us - UNIX_EPOCH_IN_OURS) : ox_null (OX_T_TIMESTAMPTZ);
}

void
ox_activity_rows (OxSession *me, OxArena *a, GPtrArray *out)
{
	g_autoptr (GPtrArray) rows = collect (me);
	bool super = ox_session_is_superuser (me);
	uint32_t mine = my_role (me);
	for (guint i = 0; i < rows->len; i++) {
		Row *r = rows->pdata[i];
		OxRole *role = row_role (me, r);
		uint32_t roleid = role ? role->obj.oid : 0;
		const char *usename = role ? role->obj.name : r->a.usename;
		bool see = super || (roleid && roleid == mine);
		OxValue *v = OX_NEW_N (a, OxValue, 22);
		for (int k = 0; k < 22; k++)
			v[k] = ox_null (OX_T_TEXT);
		const char *dat = r->a.datname ? r->a.datname : "oxibase";
		v[0] = ox_int (OX_T_INT8, ox_pg_database_oid (dat));                 /* datid */
		v[1] = txt (a, dat);                                                 /* datname */
		v[2] = ox_int (OX_T_INT4, r->a.pid);                                 /* pid */
		v[3] = ox_null (OX_T_INT4);                                          /* leader_pid */
		v[4] = roleid ? ox_int (OX_T_INT8, roleid) : ox_null (OX_T_INT8);   /* usesysid */
		v[5] = txt (a, usename);                                             /* usename */
		v[6] = txt (a, r->a.application_name ? r->a.application_name : ""); /* application_name */
		v[7] = see ? txt (a, r->a.client_addr) : ox_null (OX_T_TEXT);        /* client_addr */
		v[8] = ox_null (OX_T_TEXT);                                          /* client_hostname */
		v[9] = see ? (r->a.client_addr && r->a.client_port >= 0 ? ox_int (OX_T_INT4, r->a.client_port)
		                                                        : ox_int (OX_T_INT4, -1))
		           : ox_null (OX_T_INT4);                                    /* client_port: -1 for a local session */
		v[10] = see ? tstz (r->a.backend_start) : ox_null (OX_T_TIMESTAMPTZ);
		v[11] = see ? tstz (r->a.xact_start) : ox_null (OX_T_TIMESTAMPTZ);
		v[12] = see ? tstz (r->a.query_start) : ox_null (OX_T_TIMESTAMPTZ);
		v[13] = see ? tstz (r->a.state_change) : ox_null (OX_T_TIMESTAMPTZ);
		v[14] = see ? txt (a, r->a.wait_event_type) : ox_null (OX_T_TEXT);
		v[15] = see ? txt (a, r->a.wait_event) : ox_null (OX_T_TEXT);
		v[16] = see ? txt (a, r->a.state) : ox_null (OX_T_TEXT);
		v[17] = ox_null (OX_T_INT8);                                         /* backend_xid */
		v[18] = ox_null (OX_T_INT8);                                         /* backend_xmin */
		v[19] = ox_null (OX_T_INT8);                                         /* query_id (compute_query_id off) */
		v[20] = see ? txt (a, r->a.query ? r->a.query : "") : txt (a, "<insufficient privilege>");
		v[21] = txt (a, r->a.backend_type ? r->a.backend_type : "client backend");
		g_ptr_array_add (out, v);
	}
}

bool
ox_activity_exists (OxSession *me, int32_t pid)
{
	g_autoptr (GPtrArray) rows = collect (me);
	for (guint i = 0; i < rows->len; i++)
		if (((Row *) rows->pdata[i])->a.pid == pid)
			return true;
	return false;
}

/* Signal one of our own sessions; the database's lock keeps it alive. */
static bool
signal_own (OxDatabase *db, int32_t pid, bool terminate)
{
	bool found = false;
	g_mutex_lock (&db->lock);
	for (guint i = 0; db->live_sessions && i < db->live_sessions->len; i++) {
		OxSession *s = db->live_sessions->pdata[i];
		if ((s->backend_pid ? s->backend_pid : (int32_t) s->id) != pid)
			continue;
		if (terminate)
			__atomic_store_n (&s->terminated, 1, __ATOMIC_RELAXED);
		__atomic_store_n (&s->cancel, 1, __ATOMIC_RELAXED);
		found = true;
		break;
	}
	g_mutex_unlock (&db->lock);
	return found;
}

bool
ox_activity_signal (OxSession *me, int32_t pid, bool terminate)
{
	/* what we need of the target, taken before anything can raise: a
	 * raise longjmps past the list's cleanup */
	GPtrArray *rows = collect (me);
	bool found = false;
	OxRole *role = NULL;
	for (guint i = 0; i < rows->len && !found; i++) {
		Row *r = rows->pdata[i];
		if (r->a.pid == pid) {
			found = true;
			role = row_role (me, r);
		}
	}
	g_ptr_array_unref (rows);
	if (!found) {
		ox_session_notice (me, "01000", "PID %d is not a PostgreSQL backend process", pid);
		return false;
	}
	if (!ox_session_is_superuser (me)) {
		if (role && role->superuser)
			ox_raise ("42501", 0, terminate ? "must be a superuser to terminate superuser process"
			                                : "must be a superuser to cancel superuser query");
		if (!role || role->obj.oid != my_role (me))
			ox_raise ("42501", 0, terminate
			          ? "must be a member of the role whose process is being terminated or member of pg_signal_backend"
			          : "must be a member of the role whose query is being canceled or member of pg_signal_backend");
	}
	OxDatabase *db = me->db;
	bool ok = db->act_hooks.signal ? db->act_hooks.signal (db->act_user, pid, terminate)
	                               : signal_own (db, pid, terminate);
	if (!ok) {
		/* it ended between the lookup and the signal */
		ox_session_notice (me, "01000", "could not send signal to process %d: %s", pid, "No such process");
		return false;
	}
	return true;
}

/*
 * debug-hub.c — targets, clients and the debuggers between them (see
 * debug-hub.h for the contract).
 *
 * One lock guards the hub.  A target's `client` says who debugs it;
 * `gen` counts changes of that, so a target's thread notices at its next
 * checkpoint with one atomic read that it must install, hand over or
 * remove its debugger.  A target's debugger is created and freed only on
 * the target's thread, under the lock, and never while a client borrows
 * it (`borrows`), so a client's command cannot meet a freed debugger.
 *
 * The debugger's callbacks go to the hub's forwarders, which find the
 * target's client under the lock, count the call in the client's `busy`,
 * and call it unlocked; detach waits for `busy` to drain, so a client is
 * never called after ox_debug_hub_detach returns.  A stop that begins
 * after its client left (its breakpoint was decided just before detach
 * cleared it) is resumed by the forwarder at once.
 */
#include "debug-hub.h"

#include <string.h>

struct OxDebugHub {
	GMutex     lock;
	GCond      cond;        /* broadcast when a client's busy or a target's borrows drop */
	GPtrArray *targets;     /* OxDebugTarget*, not owned (their threads own them) */
	GPtrArray *clients;     /* OxDebugClient*, not owned */
};

struct OxDebugTarget {
	OxDebugHub    *hub;
	OxSession     *session;
	guint64        id;
	char          *user, *application_name, *database;
	OxDebugClient *client;     /* under lock */
	gint           gen;        /* atomic; bumped (under lock) when client changes */
	int            seen_gen;   /* target's thread: gen at its last checkpoint */
	OxDebugger    *dbg;        /* under lock; created and freed on the target's thread */
	gboolean       dbg_dead;   /* under lock: terminated, replace it at the next checkpoint */
	int            borrows;    /* under lock */
};

struct OxDebugClient {
	OxDebugHub        *hub;
	OxDebugClientFuncs funcs;
	gpointer           user;
	char              *f_user, *f_app;
	gboolean           gone;   /* under lock: detached */
	int                busy;   /* under lock: calls into the client running */
};

OxDebugHub *
ox_debug_hub_new (void)
{
	OxDebugHub *hub = g_new0 (OxDebugHub, 1);
	g_mutex_init (&hub->lock);
	g_cond_init (&hub->cond);
	hub->targets = g_ptr_array_new ();
	hub->clients = g_ptr_array_new ();
	return hub;
}

void
ox_debug_hub_free (OxDebugHub *hub)
{
	if (!hub)
		return;
	g_warn_if_fail (hub->targets->len == 0 && hub->clients->len == 0);
	g_ptr_array_unref (hub->targets);
	g_ptr_array_unref (hub->clients);
	g_mutex_clear (&hub->lock);
	g_cond_clear (&hub->cond);
	g_free (hub);
}

static gboolean
matches (const OxDebugClient *c, const OxDebugTarget *t)
{
	return (!c->f_user || !g_ascii_strcasecmp (c->f_user, t->user)) &&
	       (!c->f_app || !strcmp (c->f_app, t->application_name));
}

static void
info_of (const OxDebugTarget *t, OxDebugTargetInfo *info)
{
	info->id = t->id;
	info->user = t->user;
	info->application_name = t->application_name;
	info->database = t->database;
}

/* Count a call into c; under lock. */
static OxDebugClient *
busy_locked (OxDebugClient *c)
{
	if (!c || c->gone)
		return NULL;
	c->busy++;
	return c;
}

static void
unbusy (OxDebugHub *hub, OxDebugClient *c)
{
	g_mutex_lock (&hub->lock);
	if (--c->busy == 0)
		g_cond_broadcast (&hub->cond);
	g_mutex_unlock (&hub->lock);
}

/* Give t to c (or to nobody); under lock. */
static void
assign_locked (OxDebugTarget *t, OxDebugClient *c)
{
	t->client = c;
	g_atomic_int_inc (&t->gen);
}

/* ---- forwarders (target's thread) ---------------------------------------------------------- */

static OxDebugClient *
enter (OxDebugTarget *t)
{
	g_mutex_lock (&t->hub->lock);
	OxDebugClient *c = busy_locked (t->client);
	g_mutex_unlock (&t->hub->lock);
	return c;
}

static void
fwd_stopped (OxDebugger *dbg, const OxDebuggerStop *stop, gpointer user)
{
	OxDebugTarget *t = user;
	OxDebugClient *c = enter (t);
	if (c && c->funcs.debugger.stopped)
		c->funcs.debugger.stopped (dbg, stop, c->user);
	else
		ox_debugger_resume (dbg, OX_RESUME_CONTINUE);  /* nobody to resume it */
	if (c)
		unbusy (t->hub, c);
}

static void
fwd_continued (OxDebugger *dbg, guint64 stop_id, gboolean expired, gpointer user)
{
	OxDebugTarget *t = user;
	OxDebugClient *c = enter (t);
	if (c && c->funcs.debugger.continued)
		c->funcs.debugger.continued (dbg, stop_id, expired, c->user);
	if (c)
		unbusy (t->hub, c);
}

static void
fwd_output (OxDebugger *dbg, OxOutputSource source, const char *level, const char *text, gpointer user)
{
	OxDebugTarget *t = user;
	OxDebugClient *c = enter (t);
	if (c && c->funcs.debugger.output)
		c->funcs.debugger.output (dbg, source, level, text, c->user);
	if (c)
		unbusy (t->hub, c);
}

static void
fwd_breakpoint_changed (OxDebugger *dbg, const OxBreakpoint *bp, gpointer user)
{
	OxDebugTarget *t = user;
	OxDebugClient *c = enter (t);
	if (c && c->funcs.debugger.breakpoint_changed)
		c->funcs.debugger.breakpoint_changed (dbg, bp, c->user);
	if (c)
		unbusy (t->hub, c);
}

static OxConditionResult
fwd_condition (OxDebugger *dbg, OxFrame *frame, const char *expr, char **error, gpointer user)
{
	OxDebugTarget *t = user;
	OxDebugClient *c = enter (t);
	OxConditionResult r = OX_CONDITION_FALSE;  /* no client: never stop */
	if (c && c->funcs.debugger.condition_eval)
		r = c->funcs.debugger.condition_eval (dbg, frame, expr, error, c->user);
	else if (c)
		r = OX_CONDITION_TRUE;
	if (c)
		unbusy (t->hub, c);
	return r;
}

static char *
fwd_eval_to_text (OxDebugger *dbg, OxFrame *frame, const char *expr, char **error, gpointer user)
{
	OxDebugTarget *t = user;
	OxDebugClient *c = enter (t);
	char *r = NULL;
	if (c && c->funcs.debugger.eval_to_text)
		r = c->funcs.debugger.eval_to_text (dbg, frame, expr, error, c->user);
	else
		r = g_strdup_printf ("{%s}", expr);
	if (c)
		unbusy (t->hub, c);
	return r;
}

static const OxDebuggerCallbacks forwarders = {
	.stopped = fwd_stopped,
	.continued = fwd_continued,
	.output = fwd_output,
	.breakpoint_changed = fwd_breakpoint_changed,
	.condition_eval = fwd_condition,
	.eval_to_text = fwd_eval_to_text,
};

/* ---- targets ----------------------------------------------------------------------------------------- */

OxDebugTarget *
ox_debug_hub_register (OxDebugHub *hub, OxSession *s, const OxDebugTargetInfo *info)
{
	g_return_val_if_fail (hub && s && info, NULL);
	OxDebugTarget *t = g_new0 (OxDebugTarget, 1);
	t->hub = hub;
	t->session = s;
	t->id = info->id;
	t->user = g_strdup (info->user ? info->user : "");
	t->application_name = g_strdup (info->application_name ? info->application_name : "");
	t->database = g_strdup (info->database ? info->database : "");
	g_mutex_lock (&hub->lock);
	g_ptr_array_add (hub->targets, t);
	OxDebugClient *c = NULL;
	for (guint i = 0; i < hub->clients->len && !c; i++) {
		OxDebugClient *k = hub->clients->pdata[i];
		if (!k->gone && matches (k, t))
			c = k;
	}
	if (c) {
		assign_locked (t, c);
		busy_locked (c);
	}
	t->seen_gen = 0;  /* a client taken now installs at the first checkpoint */
	g_mutex_unlock (&hub->lock);
	if (c) {
		OxDebugTargetInfo ti;
		info_of (t, &ti);
		if (c->funcs.target_added)
			c->funcs.target_added (c, &ti, c->user);
		unbusy (hub, c);
	}
	return t;
}

void
ox_debug_target_set_application_name (OxDebugTarget *t, const char *name)
{
	g_return_if_fail (t != NULL);
	OxDebugHub *hub = t->hub;
	OxDebugClient *removed = NULL, *added = NULL;
	g_mutex_lock (&hub->lock);
	g_free (t->application_name);
	t->application_name = g_strdup (name ? name : "");
	if (t->client && !matches (t->client, t)) {
		removed = busy_locked (t->client);
		assign_locked (t, NULL);
	}
	if (!t->client) {
		for (guint i = 0; i < hub->clients->len && !added; i++) {
			OxDebugClient *k = hub->clients->pdata[i];
			if (!k->gone && k != removed && matches (k, t))
				added = k;
		}
		if (added) {
			assign_locked (t, added);
			busy_locked (added);
		}
	}
	OxDebugTargetInfo ti;
	info_of (t, &ti);
	char *keep = g_strdup (ti.application_name);
	ti.application_name = keep;
	g_mutex_unlock (&hub->lock);
	if (removed) {
		if (removed->funcs.target_removed)
			removed->funcs.target_removed (removed, t->id, removed->user);
		unbusy (hub, removed);
	}
	if (added) {
		if (added->funcs.target_added)
			added->funcs.target_added (added, &ti, added->user);
		unbusy (hub, added);
	}
	g_free (keep);
}

/* Remove t's debugger; under lock, on t's thread, waiting out borrowers. */
static void
remove_debugger_locked (OxDebugTarget *t)
{
	while (t->borrows > 0)
		g_cond_wait (&t->hub->cond, &t->hub->lock);
	g_clear_pointer (&t->dbg, ox_debugger_free);
}

void
ox_debug_target_checkpoint (OxDebugTarget *t)
{
	g_return_if_fail (t != NULL);
	int gen = g_atomic_int_get (&t->gen);
	if (gen == t->seen_gen)
		return;
	OxDebugHub *hub = t->hub;
	g_mutex_lock (&hub->lock);
	t->seen_gen = g_atomic_int_get (&t->gen);
	if (t->dbg_dead) {
		/* a terminated debugger fails every later statement: a new one */
		remove_debugger_locked (t);
		t->dbg_dead = FALSE;
	}
	OxDebugClient *c = busy_locked (t->client);
	if (c && !t->dbg)
		t->dbg = ox_debugger_new (t->session, &forwarders, t);
	else if (!c && t->dbg)
		remove_debugger_locked (t);
	OxDebugger *dbg = t->dbg;
	g_mutex_unlock (&hub->lock);
	if (c) {
		/* a new client, or the same debugger handed over: it applies its
		 * breakpoints (a left client's were cleared) */
		if (c->funcs.debugger_ready)
			c->funcs.debugger_ready (c, t->id, dbg, c->user);
		unbusy (hub, c);
	}
}

gboolean
ox_debug_target_is_debugged (OxDebugTarget *t)
{
	g_mutex_lock (&t->hub->lock);
	gboolean r = t->dbg != NULL && t->client != NULL;
	g_mutex_unlock (&t->hub->lock);
	return r;
}

gboolean
ox_debug_hub_is_stopped (OxDebugHub *hub, guint64 id)
{
	gboolean r = FALSE;
	g_mutex_lock (&hub->lock);
	for (guint i = 0; i < hub->targets->len && !r; i++) {
		OxDebugTarget *t = hub->targets->pdata[i];
		r = t->id == id && t->dbg != NULL && ox_debugger_is_stopped (t->dbg);
	}
	g_mutex_unlock (&hub->lock);
	return r;
}

void
ox_debug_target_terminate (OxDebugTarget *t)
{
	g_return_if_fail (t != NULL);
	g_mutex_lock (&t->hub->lock);
	if (t->dbg && ox_debugger_is_stopped (t->dbg)) {
		ox_debugger_terminate (t->dbg);
		t->dbg_dead = TRUE;
		g_atomic_int_inc (&t->gen);
	}
	g_mutex_unlock (&t->hub->lock);
}

void
ox_debug_hub_unregister (OxDebugTarget *t)
{
	if (!t)
		return;
	OxDebugHub *hub = t->hub;
	g_mutex_lock (&hub->lock);
	g_ptr_array_remove (hub->targets, t);
	OxDebugClient *c = busy_locked (t->client);
	t->client = NULL;
	remove_debugger_locked (t);
	g_mutex_unlock (&hub->lock);
	if (c) {
		if (c->funcs.target_removed)
			c->funcs.target_removed (c, t->id, c->user);
		unbusy (hub, c);
	}
	g_free (t->user);
	g_free (t->application_name);
	g_free (t->database);
	g_free (t);
}

/* ---- clients ----------------------------------------------------------------------------------------- */

OxDebugClient *
ox_debug_hub_attach (OxDebugHub *hub, const OxDebugFilter *filter, const OxDebugClientFuncs *funcs, gpointer user)
{
	g_return_val_if_fail (hub && funcs, NULL);
	OxDebugClient *c = g_new0 (OxDebugClient, 1);
	c->hub = hub;
	c->funcs = *funcs;
	c->user = user;
	c->f_user = filter && filter->user && *filter->user ? g_strdup (filter->user) : NULL;
	c->f_app = filter && filter->application_name ? g_strdup (filter->application_name) : NULL;
	GArray *taken = g_array_new (FALSE, FALSE, sizeof (OxDebugTargetInfo));
	g_mutex_lock (&hub->lock);
	g_ptr_array_add (hub->clients, c);
	for (guint i = 0; i < hub->targets->len; i++) {
		OxDebugTarget *t = hub->targets->pdata[i];
		if (t->client || !matches (c, t))
			continue;
		assign_locked (t, c);
		OxDebugTargetInfo ti = { t->id, g_strdup (t->user), g_strdup (t->application_name), g_strdup (t->database) };
		g_array_append_val (taken, ti);
	}
	c->busy++;
	g_mutex_unlock (&hub->lock);
	for (guint i = 0; i < taken->len; i++) {
		OxDebugTargetInfo *ti = &g_array_index (taken, OxDebugTargetInfo, i);
		if (c->funcs.target_added)
			c->funcs.target_added (c, ti, c->user);
		g_free ((char *) ti->user);
		g_free ((char *) ti->application_name);
		g_free ((char *) ti->database);
	}
	g_array_unref (taken);
	unbusy (hub, c);
	return c;
}

void
ox_debug_hub_detach (OxDebugClient *c)
{
	if (!c)
		return;
	OxDebugHub *hub = c->hub;
	g_mutex_lock (&hub->lock);
	c->gone = TRUE;
	g_ptr_array_remove (hub->clients, c);
	for (guint i = 0; i < hub->targets->len; i++) {
		OxDebugTarget *t = hub->targets->pdata[i];
		if (t->client == c)
			assign_locked (t, NULL);
	}
	while (c->busy > 0)
		g_cond_wait (&hub->cond, &hub->lock);
	/* every debugger nobody owns now goes quiet and runs on; the lock
	 * keeps its target's thread from freeing it meanwhile */
	for (guint i = 0; i < hub->targets->len; i++) {
		OxDebugTarget *t = hub->targets->pdata[i];
		if (t->client || !t->dbg)
			continue;
		ox_debugger_clear (t->dbg);
		if (ox_debugger_is_stopped (t->dbg))
			ox_debugger_resume (t->dbg, OX_RESUME_CONTINUE);
	}
	/* targets left over wait for the next client that attaches */
	g_mutex_unlock (&hub->lock);
	g_free (c->f_user);
	g_free (c->f_app);
	g_free (c);
}

OxDebugger *
ox_debug_client_borrow (OxDebugClient *c, guint64 id, OxDebugTarget **target)
{
	OxDebugHub *hub = c->hub;
	OxDebugger *dbg = NULL;
	*target = NULL;
	g_mutex_lock (&hub->lock);
	for (guint i = 0; i < hub->targets->len; i++) {
		OxDebugTarget *t = hub->targets->pdata[i];
		if (t->id != id || t->client != c || !t->dbg)
			continue;
		t->borrows++;
		dbg = t->dbg;
		*target = t;
		break;
	}
	g_mutex_unlock (&hub->lock);
	return dbg;
}

void
ox_debug_target_release (OxDebugTarget *t)
{
	if (!t)
		return;
	g_mutex_lock (&t->hub->lock);
	if (--t->borrows == 0)
		g_cond_broadcast (&t->hub->cond);
	g_mutex_unlock (&t->hub->lock);
}

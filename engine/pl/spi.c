/*
 * spi.c — how routine languages run SQL in the calling session (pl.h).
 *
 * An OxSpiPlan is the text of one statement plus a small pool of nested
 * OxStmts (session.c) that run it: the first open uses the first, and a
 * recursive open while that one is still running (a function that calls
 * itself inside a FOR loop over a query) gets its own copy.  Each OxStmt
 * keeps its plan across runs, so a statement in a loop is parsed, bound
 * and planned once.
 *
 * Expressions (OxSpiExpr) are bound as "SELECT expr".  When that reads no
 * table and holds no subquery, the bound expression is evaluated directly
 * with ox_eval, which is what makes PL loops cheap; otherwise they run as
 * a one-row query.  Both re-bind when the catalog or the session settings
 * changed since they were bound.
 *
 * NOTE: every function may raise; cursors must be closed by the caller,
 * also after an error (ox_spi_close is safe then).
 */
#include "pl/pl.h"
#include "session.h"
#include "base/error.h"
#include "base/cast.h"
#include "plan/plan.h"
#include "trace/logs.h"
#include "debug-internal.h"
#include "base/datetime.h"

#include <string.h>

struct OxSpiPlan {
	OxSession      *s;
	char           *sql;
	size_t          len;
	OxSpiParamHook  hook;
	bool            has_hook;
	int             nptypes;
	OxType         *ptypes;
	GPtrArray      *stmts;   /* OxStmt*, [0] first; more for recursive opens */
};

struct OxSpiCursor {
	OxSpiPlan *p;
	OxStmt    *st;
	/* held: a COMMIT or ROLLBACK in the loop reading this cursor read its
	 * remaining rows first, as PostgreSQL makes such a cursor holdable;
	 * they are served from here, copied into the cursor's arena */
	OxArena   *held_arena;
	GPtrArray *held;       /* const OxValue* rows */
	guint      next;
};

static guint64 prepares;  /* statements and expressions prepared, process-wide */

guint64
ox_spi_prepares (void)
{
	return __atomic_load_n (&prepares, __ATOMIC_RELAXED);
}

OxSpiPlan *
ox_spi_prepare (OxSession *s, const char *sql, const OxSpiParamHook *hook, int nptypes, const OxType *ptypes)
{
	__atomic_fetch_add (&prepares, 1, __ATOMIC_RELAXED);
	size_t len = strlen (sql);
	OxStmt *st = ox_stmt_nested_new (s, sql, len, hook, nptypes, ptypes);
	OxSpiPlan *p = g_new0 (OxSpiPlan, 1);
	p->s = s;
	p->sql = g_strndup (sql, len);
	p->len = len;
	if (hook) {
		p->hook = *hook;
		p->has_hook = true;
	}
	p->nptypes = nptypes;
	p->ptypes = nptypes > 0 ? g_memdup2 (ptypes, sizeof (OxType) * (size_t) nptypes) : NULL;
	p->stmts = g_ptr_array_new ();
	g_ptr_array_add (p->stmts, st);
	return p;
}

void
ox_spi_free (OxSpiPlan *p)
{
	if (!p)
		return;
	for (guint i = 0; i < p->stmts->len; i++)
		ox_finalize (p->stmts->pdata[i]);
	g_ptr_array_unref (p->stmts);
	g_free (p->sql);
	g_free (p->ptypes);
	g_free (p);
}

static OxStmt *
first (OxSpiPlan *p)
{
	return p->stmts->pdata[0];
}

int
ox_spi_nparams (OxSpiPlan *p)
{
	return ox_stmt_nparams (first (p));
}

OxType
ox_spi_param_type (OxSpiPlan *p, int i)
{
	return ox_stmt_param_type (first (p), i);
}

bool
ox_spi_returns_rows (OxSpiPlan *p)
{
	return ox_stmt_returns_rows (first (p));
}

int
ox_spi_ncols (OxSpiPlan *p)
{
	return ox_column_count (first (p));
}

const char *
ox_spi_colname (OxSpiPlan *p, int i)
{
	return ox_column_name (first (p), i);
}

OxType
ox_spi_coltype (OxSpiPlan *p, int i)
{
	return ox_stmt_coltype (first (p), i);
}

const char *
ox_spi_verb (OxSpiPlan *p)
{
	return ox_stmt_verb (first (p));
}

static OxStmt *
idle_stmt (OxSpiPlan *p)
{
	for (guint i = 0; i < p->stmts->len; i++) {
		OxStmt *st = p->stmts->pdata[i];
		if (!ox_stmt_is_running (st))
			return st;
	}
	OxStmt *st = ox_stmt_nested_new (p->s, p->sql, p->len, p->has_hook ? &p->hook : NULL, p->nptypes,
	                                 p->ptypes);
	g_ptr_array_add (p->stmts, st);
	return st;
}

OxSpiCursor *
ox_spi_open (OxSpiPlan *p, const OxValue *params, int nparams)
{
	OxStmt *st = idle_stmt (p);
	ox_stmt_nested_start (st, params, nparams);
	OxSpiCursor *c = g_new0 (OxSpiCursor, 1);
	c->p = p;
	c->st = st;
	if (!p->s->spi_cursors)
		p->s->spi_cursors = g_ptr_array_new ();
	g_ptr_array_add (p->s->spi_cursors, c);
	return c;
}

const OxValue *
ox_spi_fetch (OxSpiCursor *c)
{
	if (c->held)
		return c->next < c->held->len ? c->held->pdata[c->next++] : NULL;
	return ox_stmt_nested_next (c->st);
}

int64_t
ox_spi_close (OxSpiCursor *c)
{
	if (!c)
		return 0;
	if (c->p->s->spi_cursors)
		g_ptr_array_remove_fast (c->p->s->spi_cursors, c);
	int64_t n = ox_stmt_nested_close (c->st);
	if (c->held) {
		g_ptr_array_unref (c->held);
		ox_arena_free (c->held_arena);
	}
	g_free (c);
	return n;
}

/* Read every open cursor of s to its end, keeping copies of the rows, in
 * the transaction about to end: the loops reading them go on over what
 * that transaction saw, not over what the next one sees (a loop that
 * inserts into the table it reads and commits would otherwise never
 * end).  PostgreSQL makes such a cursor holdable. */
static void
hold_cursor (OxSpiCursor *c)
{
	int n = ox_column_count (c->st);
	OxArena *a = ox_arena_new ();
	GPtrArray *rows = g_ptr_array_new ();
	OX_TRY {
		const OxValue *row;
		while ((row = ox_stmt_nested_next (c->st)) != NULL) {
			OxValue *copy = OX_NEW_N (a, OxValue, n > 0 ? n : 1);
			for (int k = 0; k < n; k++)
				copy[k] = ox_value_copy (a, &row[k]);
			g_ptr_array_add (rows, copy);
		}
	} OX_CATCH {
		g_ptr_array_unref (rows);
		ox_arena_free (a);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	c->held_arena = a;
	c->held = rows;
	c->next = 0;
}

static void
hold_cursors (OxSession *s)
{
	if (!s->spi_cursors)
		return;
	for (guint i = 0; i < s->spi_cursors->len; i++) {
		OxSpiCursor *c = s->spi_cursors->pdata[i];
		if (!c->held)  /* held at an earlier COMMIT: its rows are copies already */
			hold_cursor (c);
	}
}

int64_t
ox_spi_exec (OxSpiPlan *p, const OxValue *params, int nparams)
{
	OxStmt *st = idle_stmt (p);
	ox_stmt_nested_start (st, params, nparams);
	OX_TRY {
		while (ox_stmt_nested_next (st))
			;
	} OX_CATCH {
		ox_stmt_nested_close (st);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	return ox_stmt_nested_close (st);
}

/* ---- expressions ------------------------------------------------------------------ */

#define EXPR_PREFIX "SELECT "

struct OxSpiExpr {
	OxSession     *s;
	char          *sql;        /* "SELECT " + text */
	OxSpiParamHook hook;
	bool           has_hook;
	/* direct evaluation */
	OxArena       *arena;      /* the bound expression */
	OxExpr        *expr;       /* NULL: use plan */
	OxType        *ptypes;     /* [OX_SPI_EXPR_MAX_PARAMS] */
	int            nparams;
	OxType         type;
	uint64_t       catgen, setgen;
	OxExec         x;
	/* general case */
	OxSpiPlan     *plan;
};

#define OX_SPI_EXPR_MAX_PARAMS 65535

static bool
expr_is_simple (OxExpr *e)
{
	if (!e)
		return true;
	if (e->kind == OX_E_SUBLINK || e->kind == OX_E_AGG || e->kind == OX_E_VAR || e->kind == OX_E_OUTER)
		return false;
	for (int i = 0; i < e->nargs; i++)
		if (!expr_is_simple (e->args[i]))
			return false;
	return true;
}

static void
expr_unbind (OxSpiExpr *e)
{
	g_clear_pointer (&e->arena, ox_arena_free);
	e->expr = NULL;
	g_clear_pointer (&e->plan, ox_spi_free);
}

/* Bind (again): the fast form when possible, else a one-row query. */
static void
expr_bind (OxSpiExpr *e)
{
	OxSession *s = e->s;
	expr_unbind (e);
	e->catgen = ox_catalog_version (s->db->catalog);
	e->setgen = s->settings_gen;
	e->arena = ox_arena_new ();
	OxArena *a = e->arena;
	size_t end = 0;
	OxNode *ast = ox_parse_one (a, e->sql, strlen (e->sql), &end);
	if (!ast || ast->tag != OX_N_SELECT || end < strlen (e->sql))
		ox_raise (OX_ERR_SYNTAX, 0, "syntax error in expression \"%s\"", e->sql + strlen (EXPR_PREFIX));
	OxSelectStmt *sel = (OxSelectStmt *) ast;
	if (OX_LIST_N (sel->targets) != 1)
		ox_raise (OX_ERR_SYNTAX, 0, "query \"%s\" returned %d columns", e->sql, OX_LIST_N (sel->targets));
	memset (&e->x, 0, sizeof e->x);
	OxExec *x = &e->x;
	x->txn = s->txn;
	x->catalog = s->db->catalog;
	x->arena = a;
	x->cx.tz = s->tz;
	x->fcx.arena = a;
	x->fcx.cx = &x->cx;
	x->cancel = &s->cancel;
	x->session = s;
	x->param_hook = e->has_hook ? &e->hook : NULL;
	x->locks = g_array_new (FALSE, FALSE, sizeof (OxLockTaken));
	x->scanned = g_ptr_array_new ();
	e->nparams = 0;
	memset (e->ptypes, 0, sizeof (OxType) * OX_SPI_EXPR_MAX_PARAMS);
	OxQuery *volatile q = NULL;
	OX_TRY {
		q = ox_bind_select (x, s, sel, a, e->ptypes, &e->nparams);
	} OX_CATCH {
		g_array_unref (x->locks);
		g_ptr_array_unref (x->scanned);
		x->locks = NULL;
		x->scanned = NULL;
		ox_error_rethrow_current ();
	} OX_END_TRY;
	g_array_unref (x->locks);
	g_ptr_array_unref (x->scanned);
	x->locks = NULL;
	x->scanned = NULL;
	OxTarget *t = q->targets->pdata[0];
	e->type = t->expr->type;
	bool simple = q->rtable->len == 0 && !q->has_aggs && !q->sort && !q->limit && !q->offset &&
	              q->setop == OX_SETOP_NONE && !q->values && !q->where && !q->distinct &&
	              q->targets->len == 1 && expr_is_simple (t->expr);
	if (simple) {
		e->expr = t->expr;
		return;
	}
	e->plan = ox_spi_prepare (s, e->sql, e->has_hook ? &e->hook : NULL, 0, NULL);
	e->nparams = ox_spi_nparams (e->plan);
	e->type = ox_spi_coltype (e->plan, 0);
}

OxSpiExpr *
ox_spi_prepare_expr (OxSession *s, const char *text, const OxSpiParamHook *hook)
{
	__atomic_fetch_add (&prepares, 1, __ATOMIC_RELAXED);
	OxSpiExpr *e = g_new0 (OxSpiExpr, 1);
	e->s = s;
	e->sql = g_strconcat (EXPR_PREFIX, text, NULL);
	if (hook) {
		e->hook = *hook;
		e->has_hook = true;
	}
	e->ptypes = g_new0 (OxType, OX_SPI_EXPR_MAX_PARAMS);
	OX_TRY {
		expr_bind (e);
	} OX_CATCH {
		OxErrorData *cur = ox_error_current ();
		int pre = (int) strlen (EXPR_PREFIX);
		cur->position = cur->position > pre ? cur->position - pre : 0;
		OxErrorData err;
		ox_error_take (&err);
		ox_spi_expr_free (e);
		ox_error_rethrow (&err);
	} OX_END_TRY;
	return e;
}

void
ox_spi_expr_free (OxSpiExpr *e)
{
	if (!e)
		return;
	expr_unbind (e);
	g_free (e->ptypes);
	g_free (e->sql);
	g_free (e);
}

OxType
ox_spi_expr_type (OxSpiExpr *e)
{
	return e->type;
}

int
ox_spi_expr_nparams (OxSpiExpr *e)
{
	return e->nparams;
}

OxValue
ox_spi_eval (OxSpiExpr *e, const OxValue *params, int nparams, OxArena *a)
{
	OxSession *s = e->s;
	if (e->catgen != ox_catalog_version (s->db->catalog) || e->setgen != s->settings_gen)
		expr_bind (e);
	if (nparams < e->nparams)
		OX_INTERNAL ("expression needs %d parameters, %d given", e->nparams, nparams);
	if (e->expr) {
		/* a copy per evaluation: the expression may call a routine that
		 * evaluates this same expression again (recursion) */
		OxExec xl = e->x;
		xl.txn = s->txn;
		xl.cx.tz = s->tz;
		xl.cx.now = s->txn ? s->txn->start_time : 0;
		xl.fcx.arena = a;
		xl.fcx.cx = &xl.cx;
		xl.params = (OxValue *) params;
		xl.nparams = nparams;
		return ox_eval (e->expr, &xl, NULL, a);
	}
	OxSpiCursor *volatile c = ox_spi_open (e->plan, params, nparams);
	OxValue v = ox_null (e->type.id);
	OX_TRY {
		const OxValue *row = ox_spi_fetch (c);
		if (row) {
			v = ox_value_copy (a, &row[0]);
			if (ox_spi_fetch (c))
				ox_raise (OX_ERR_CARDINALITY, 0, "query \"%s\" returned more than one row", e->sql);
		}
	} OX_CATCH {
		ox_spi_close (c);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	ox_spi_close (c);
	return v;
}

/* ---- values, subtransactions, transactions, messages ------------------------------------- */

static OxCastCtx
cast_ctx (OxSession *s)
{
	OxCastCtx cx = { .tz = s->tz, .now = s->txn ? s->txn->start_time : 0 };
	return cx;
}

OxValue
ox_spi_cast (OxSession *s, const OxValue *v, OxType t, OxArena *a)
{
	if (v->type == t.id && t.typmod < 0)
		return *v;
	if (v->null)
		return ox_null (t.id);
	OxCastCtx cx = cast_ctx (s);
	return ox_value_cast (a, &cx, v, t, true);
}

const char *
ox_spi_value_text (OxSession *s, const OxValue *v, OxArena *a)
{
	if (v->null)
		return NULL;
	OxCastCtx cx = cast_ctx (s);
	return ox_value_out (a, &cx, v, NULL);
}

guint
ox_spi_subxact_begin (OxSession *s)
{
	if (!s->txn)
		OX_INTERNAL ("subtransaction outside a transaction");
	return ox_txn_undo_mark (s->txn);
}

void
ox_spi_subxact_rollback (OxSession *s, guint mark)
{
	if (s->txn)
		ox_txn_rollback_to (s->txn, mark);
}

static void
txn_control (OxPlCall *c, bool commit)
{
	OxSession *s = c->session;
	if (!c->nonatomic || s->nonatomic_call == NULL)
		ox_raise ("2D000", 0, "invalid transaction termination");
	hold_cursors (s);
	ox_session_restart_txn (s, commit);
}

void
ox_spi_commit (OxPlCall *c)
{
	txn_control (c, true);
}

void
ox_spi_rollback (OxPlCall *c)
{
	txn_control (c, false);
}

static int
level_rank (const char *level)
{
	if (!g_ascii_strncasecmp (level, "debug", 5))
		return 0;
	if (!g_ascii_strcasecmp (level, "log"))
		return 1;
	if (!g_ascii_strcasecmp (level, "notice"))
		return 2;
	if (!g_ascii_strcasecmp (level, "warning"))
		return 3;
	if (!g_ascii_strcasecmp (level, "error"))
		return 4;
	return 2;
}

void
ox_spi_message (OxSession *s, const char *level, const char *routine, int line, const char *sqlstate,
                const char *message, const char *detail, const char *hint)
{
	(void) detail;
	(void) hint;
	ox_log_append (s->db->logs, ox_timestamp_now (), s->id, routine, line, level, message);
	if (ox_debug_active (s))
		ox_debug_output (s, level, message);
	/* INFO always reaches the client; the others per client_min_messages
	 * (default NOTICE), as in PostgreSQL. */
	bool send = !g_ascii_strcasecmp (level, "info");
	if (!send) {
		char *min = ox_session_setting (s, "client_min_messages");
		send = level_rank (level) >= level_rank (min ? min : "notice");
		g_free (min);
	}
	if (send && s->notice_fn) {
		char *up = g_ascii_strup (level, -1);
		s->notice_fn (s->notice_user, up, sqlstate ? sqlstate : "00000", message);
		g_free (up);
	}
}

void
ox_spi_check_interrupts (OxSession *s)
{
	if (ox_debug_interrupt_pending (s))
		ox_debug_poll (s);  /* a pause: it may stop here */
	if (__atomic_load_n (&s->cancel, __ATOMIC_RELAXED)) {
		__atomic_store_n (&s->cancel, 0, __ATOMIC_RELAXED);
		if (__atomic_load_n (&s->terminated, __ATOMIC_RELAXED))
			ox_raise ("57P01", 0, "terminating connection due to administrator command");
		ox_raise (OX_ERR_QUERY_CANCELED, 0, "canceling statement due to user request");
	}
	if (s->stmt_deadline)
		ox_session_check_timeout (s);
}

const char *
ox_spi_setting (OxSession *s, const char *name)
{
	char *v = ox_session_setting (s, name);
	if (!v)
		return NULL;
	/* The caller borrows the text: keep the newest copy per name for the
	 * session's life. */
	if (!s->spi_strings)
		s->spi_strings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	g_hash_table_replace (s->spi_strings, g_strdup (name), v);
	return v;
}

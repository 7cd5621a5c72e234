/*
 * role.c — roles: CREATE / ALTER / DROP ROLE, SET ROLE, SET SESSION
 * AUTHORIZATION, current_user and session_user, and the public calls the
 * server authenticates clients with (ox_role_*, ox_scram_* in oxibase.h).
 *
 * Roles are catalog objects (OxRole, catalog.h), so their DDL is
 * transactional and logged like any other; ALTER ROLE registers a new
 * version with the same oid.  Passwords are stored only as SCRAM-SHA-256
 * verifiers (auth/scram.c); a PASSWORD that already is a verifier is
 * stored as given, as PostgreSQL does.
 *
 * What can go wrong: messages and SQLSTATEs follow PostgreSQL 15's (42501
 * for missing privileges, 42710 duplicate, 42704 missing, 55006 for
 * dropping one's own session's role, 2BP01 for the bootstrap superuser).
 * A failed login must not tell the client why it failed: the reason goes
 * into the error's detail, which the server logs and does not send.
 */
#include "auth/role.h"
#include "auth/scram.h"
#include "base/error.h"

#include <string.h>

/* Run f with a transaction: the session's, or a short read-only one. */
static OxTxn *
lookup_txn (OxDatabase *db, OxTxn *t, bool *own)
{
	*own = t == NULL;
	return t ? t : ox_txn_begin (db->mgr, OX_ISO_READ_COMMITTED);
}

static void
lookup_done (OxTxn *t, bool own)
{
	if (own) {
		ox_txn_abort (t);
		ox_txn_free (t);
	}
}

/* Roles are cluster-wide: a database of a server's cluster reads them
 * from the one that holds them (with a transaction of that database's). */
static OxDatabase *
roles_home (OxDatabase *db, OxTxn **t0)
{
	if (db->roles_db) {
		*t0 = NULL;
		return db->roles_db;
	}
	return db;
}

static OxRole *
role_by_name (OxDatabase *db, OxTxn *t0, const char *name)
{
	db = roles_home (db, &t0);
	bool own;
	OxTxn *t = lookup_txn (db, t0, &own);
	OxRole *r = ox_catalog_role (db->catalog, t, name, true);
	lookup_done (t, own);
	return r;
}

static OxRole *
role_by_oid (OxDatabase *db, OxTxn *t0, uint32_t oid)
{
	db = roles_home (db, &t0);
	bool own;
	OxTxn *t = lookup_txn (db, t0, &own);
	OxRole *r = ox_catalog_role_by_oid (db->catalog, t, oid, true);
	lookup_done (t, own);
	return r;
}

void
ox_role_bootstrap (OxCatalog *c, OxTxn *t)
{
	OxArena *a = ox_catalog_arena_new ();
	OxRole *r = OX_NEW (a, OxRole);
	r->obj.kind = OX_KIND_ROLE;
	r->obj.oid = OX_BOOTSTRAP_ROLE_OID;
	r->obj.name = g_strdup ("oxibase");
	r->obj.arena = a;
	r->superuser = r->inherit = r->createrole = r->createdb = r->canlogin = r->replication = r->bypassrls = true;
	r->connlimit = -1;
	r->builtin = true;
	ox_catalog_register (c, t, &r->obj);
}

/* ---- who the session is ----------------------------------------------------------- */

static uint32_t
current_oid (OxSession *s)
{
	return s->current_role ? s->current_role : s->session_role;
}

static const char *
role_name_or_cached (OxSession *s, uint32_t oid, OxArena *a)
{
	OxRole *r = role_by_oid (s->db, s->txn, oid);
	if (r)
		return ox_arena_strdup (a, r->obj.name);
	/* dropped by another session meanwhile, as PostgreSQL can show */
	return ox_arena_printf (a, "unknown (OID=%u)", oid);
}

const char *
ox_session_current_user (OxSession *s, OxArena *a)
{
	return role_name_or_cached (s, current_oid (s), a);
}

const char *
ox_session_user (OxSession *s, OxArena *a)
{
	return role_name_or_cached (s, s->session_role, a);
}

bool
ox_session_is_superuser (OxSession *s)
{
	OxRole *r = role_by_oid (s->db, s->txn, current_oid (s));
	return r && r->superuser;
}

OxRole *
ox_role_find (OxSession *s, uint32_t oid, const char *name)
{
	if (oid)
		return role_by_oid (s->db, s->txn, oid);
	return name ? role_by_name (s->db, s->txn, name) : NULL;
}

bool
ox_session_may_create_database (OxSession *s)
{
	OxRole *r = role_by_oid (s->db, s->txn, current_oid (s));
	return r && (r->superuser || r->createdb);
}

GPtrArray *
ox_role_list (OxCatalog *c, OxTxn *t)
{
	OxDatabase *db = ox_catalog_owner (c);
	if (!db || !db->roles_db)
		return ox_catalog_list (c, t, OX_KIND_ROLE);
	OxTxn *rt = ox_txn_begin (db->roles_db->mgr, OX_ISO_READ_COMMITTED);
	GPtrArray *r = ox_catalog_list (db->roles_db->catalog, rt, OX_KIND_ROLE);
	ox_txn_abort (rt);
	ox_txn_free (rt);
	return r;
}

OxRole *
ox_role_by_oid_in (OxCatalog *c, OxTxn *t, uint32_t oid)
{
	OxDatabase *db = ox_catalog_owner (c);
	if (!db || !db->roles_db)
		return t ? ox_catalog_role_by_oid (c, t, oid, false) : NULL;
	return role_by_oid (db, NULL, oid);
}

/* Role DDL changes the catalog of the database holding the roles, in
 * the session's transaction: only possible when that is this database. */
static void
require_roles_here (OxSession *s)
{
	if (s->db->roles_db)
		ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, 0,
		          "roles are kept in the database \"%s\": connect to it to create, alter or drop them",
		          s->db->roles_db->name ? s->db->roles_db->name : "oxibase");
}

void
ox_role_check_authid_access (OxSession *s, int loc)
{
	if (!ox_session_is_superuser (s))
		ox_raise ("42501", loc, "permission denied for table pg_authid");
}

void
ox_session_set_role (OxSession *s, const char *name, int loc)
{
	if (!name || !g_ascii_strcasecmp (name, "none")) {
		s->current_role = 0;
		return;
	}
	OxRole *r = role_by_name (s->db, s->txn, name);
	if (!r)
		ox_raise (OX_ERR_INVALID_PARAMETER, loc, "role \"%s\" does not exist", name);
	/* No memberships yet: a superuser session user may become anyone, the
	 * others only themselves (PostgreSQL checks the session user's
	 * memberships, not the current role's). */
	OxRole *su = role_by_oid (s->db, s->txn, s->session_role);
	if (r->obj.oid != s->session_role && !(su && su->superuser))
		ox_raise ("42501", loc, "permission denied to set role \"%s\"", name);
	s->current_role = r->obj.oid == s->session_role ? 0 : r->obj.oid;
}

void
ox_session_set_authorization (OxSession *s, const char *name, int loc)
{
	if (!name) {
		s->session_role = s->auth_role;
		s->current_role = 0;
		return;
	}
	OxRole *r = role_by_name (s->db, s->txn, name);
	if (!r)
		ox_raise (OX_ERR_INVALID_PARAMETER, loc, "role \"%s\" does not exist", name);
	/* allowed when the authenticated user was a superuser at login, or
	 * to go back to oneself */
	if (r->obj.oid != s->auth_role && !s->auth_superuser)
		ox_raise ("42501", loc, "permission denied to set session authorization");
	s->session_role = r->obj.oid;
	s->current_role = 0;
}

/* ---- DDL --------------------------------------------------------------------------- */

static void
check_reserved (const char *name, int loc)
{
	if (!strncmp (name, "pg_", 3))
		ox_raise_full ("42939", loc, "Role names starting with \"pg_\" are reserved.", NULL,
		               "role name \"%s\" is reserved", name);
	if (!strcmp (name, "public") || !strcmp (name, "none"))
		ox_raise ("42939", loc, "role name \"%s\" is reserved", name);
}

/* Store a PASSWORD option's value: a verifier as given, anything else
 * hashed.  NULL and '' clear it (PostgreSQL refuses to store an empty
 * password and says so with a NOTICE). */
static const char *
password_verifier (OxSession *s, OxArena *a, const OxRoleOptions *o)
{
	if (!o->password)
		return NULL;
	if (!*o->password) {
		ox_session_notice (s, "00000", "empty string is not a valid password, clearing password");
		return NULL;
	}
	if (ox_scram_is_verifier (o->password))
		return ox_arena_strdup (a, o->password);
	char *v = ox_scram_verifier_new (o->password);
	if (!v)
		ox_raise (OX_ERR_INTERNAL, 0, "could not generate a random salt");
	const char *r = ox_arena_strdup (a, v);
	g_free (v);
	return r;
}

static void
apply_options (OxSession *s, OxRole *r, const OxRoleOptions *o)
{
	if (o->superuser >= 0) r->superuser = o->superuser;
	if (o->createdb >= 0) r->createdb = o->createdb;
	if (o->createrole >= 0) r->createrole = o->createrole;
	if (o->inherit >= 0) r->inherit = o->inherit;
	if (o->login >= 0) r->canlogin = o->login;
	if (o->replication >= 0) r->replication = o->replication;
	if (o->bypassrls >= 0) r->bypassrls = o->bypassrls;
	if (o->has_connlimit) {
		if (o->connlimit < -1)
			ox_raise (OX_ERR_INVALID_PARAMETER, 0, "invalid connection limit: %d", o->connlimit);
		r->connlimit = o->connlimit;
	}
	if (o->has_password)
		r->password = password_verifier (s, r->obj.arena, o);
	if (o->has_valid_until) {
		int64_t now = s->txn ? s->txn->start_time : ox_timestamp_now ();
		r->has_valid_until = true;
		r->valid_until = ox_timestamptz_in (o->valid_until, strlen (o->valid_until), now, s->tz);
	}
}

static void
require_superuser (OxSession *s, const char *what, int loc)
{
	if (!ox_session_is_superuser (s))
		ox_raise ("42501", loc, "permission denied to %s", what);
}

void
ox_ddl_create_role (OxSession *s, OxCreateRoleStmt *st)
{
	OxTxn *t = s->txn;
	int loc = 0;  /* PostgreSQL reports no position for these */
	require_roles_here (s);
	require_superuser (s, "create role", loc);
	check_reserved (st->name, loc);
	ox_txn_lock_ddl (t);
	if (ox_catalog_role (s->db->catalog, t, st->name, true))
		ox_raise (OX_ERR_DUPLICATE_OBJECT, loc, "role \"%s\" already exists", st->name);
	OxArena *a = ox_catalog_arena_new ();
	OxRole *r = OX_NEW (a, OxRole);
	r->obj.kind = OX_KIND_ROLE;
	r->obj.name = g_strdup (st->name);
	r->obj.arena = a;
	r->inherit = true;
	r->canlogin = st->is_user;
	r->connlimit = -1;
	OX_TRY {
		apply_options (s, r, &st->opts);
	} OX_CATCH {
		g_free (r->obj.name);
		ox_arena_free (a);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	ox_catalog_register (s->db->catalog, t, &r->obj);
}

/* A new version of role old (same oid), for ALTER ROLE. */
static OxRole *
role_copy (OxRole *old, const char *new_name)
{
	OxArena *a = ox_catalog_arena_new ();
	OxRole *r = OX_NEW (a, OxRole);
	*r = *old;
	r->obj.name = g_strdup (new_name ? new_name : old->obj.name);
	r->obj.arena = a;
	r->obj.xmin = r->obj.xmax = 0;
	r->obj.aborted = false;
	r->password = old->password ? ox_arena_strdup (a, old->password) : NULL;
	r->builtin = false;
	return r;
}

static void
replace_role (OxSession *s, OxRole *old, OxRole *r)
{
	ox_catalog_drop (s->db->catalog, s->txn, &old->obj);
	ox_catalog_register (s->db->catalog, s->txn, &r->obj);
}

void
ox_ddl_alter_role (OxSession *s, OxAlterRoleStmt *st)
{
	OxTxn *t = s->txn;
	int loc = 0;  /* PostgreSQL reports no position for these */
	require_roles_here (s);
	ox_txn_lock_ddl (t);
	OxRole *old = ox_catalog_role (s->db->catalog, t, st->name, true);
	if (st->new_name) {
		if (!old)
			ox_raise (OX_ERR_UNDEFINED_OBJECT, loc, "role \"%s\" does not exist", st->name);
		if (old->obj.oid == s->session_role)
			ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, loc, "session user cannot be renamed");
		if (old->obj.oid == current_oid (s))
			ox_raise (OX_ERR_FEATURE_NOT_SUPPORTED, loc, "current user cannot be renamed");
		check_reserved (st->new_name, loc);
		if (ox_catalog_role (s->db->catalog, t, st->new_name, true))
			ox_raise (OX_ERR_DUPLICATE_OBJECT, loc, "role \"%s\" already exists", st->new_name);
		require_superuser (s, "rename role", loc);
		replace_role (s, old, role_copy (old, st->new_name));
		return;
	}
	if (!old)
		ox_raise (OX_ERR_UNDEFINED_OBJECT, loc, "role \"%s\" does not exist", st->name);
	/* Anyone may change their own password (and nothing else about
	 * themselves); everything else needs a superuser. */
	const OxRoleOptions *o = &st->opts;
	bool only_password = o->superuser < 0 && o->createdb < 0 && o->createrole < 0 && o->inherit < 0 &&
	                     o->login < 0 && o->replication < 0 && o->bypassrls < 0 && !o->has_connlimit &&
	                     !o->has_valid_until;
	if (!(only_password && old->obj.oid == current_oid (s)) && !ox_session_is_superuser (s))
		ox_raise ("42501", loc, "permission denied");
	if (old->obj.oid == OX_BOOTSTRAP_ROLE_OID && o->superuser == 0)
		ox_raise ("42501", loc, "permission denied");
	OxRole *r = role_copy (old, NULL);
	OX_TRY {
		apply_options (s, r, o);
	} OX_CATCH {
		g_free (r->obj.name);
		ox_arena_free (r->obj.arena);
		ox_error_rethrow_current ();
	} OX_END_TRY;
	replace_role (s, old, r);
}

void
ox_ddl_drop_role (OxSession *s, OxDropStmt *ds)
{
	OxTxn *t = s->txn;
	require_roles_here (s);
	require_superuser (s, "drop role", 0);
	ox_txn_lock_ddl (t);
	for (int i = 0; i < ds->names->n; i++) {
		OxRangeVar *rv = ds->names->items[i];
		int loc = 0;
		OxRole *r = ox_catalog_role (s->db->catalog, t, rv->name, true);
		if (!r) {
			if (ds->if_exists) {
				ox_session_notice (s, "00000", "role \"%s\" does not exist, skipping", rv->name);
				continue;
			}
			ox_raise (OX_ERR_UNDEFINED_OBJECT, loc, "role \"%s\" does not exist", rv->name);
		}
		if (r->obj.oid == current_oid (s))
			ox_raise (OX_ERR_OBJECT_IN_USE, loc, "current user cannot be dropped");
		if (r->obj.oid == s->session_role)
			ox_raise (OX_ERR_OBJECT_IN_USE, loc, "session user cannot be dropped");
		if (r->obj.oid == OX_BOOTSTRAP_ROLE_OID)
			ox_raise (OX_ERR_DEPENDENT_OBJECTS, loc,
			          "cannot drop role %s because it is required by the database system", rv->name);
		ox_catalog_drop (s->db->catalog, t, &r->obj);
	}
}

/* ---- the public calls (oxibase.h) ------------------------------------------------- */

static void
fill_error (OxError *err, const char *sqlstate, char *message, char *detail)
{
	if (!err) {
		g_free (message);
		g_free (detail);
		return;
	}
	ox_error_clear (err);
	g_strlcpy (err->sqlstate, sqlstate, sizeof err->sqlstate);
	err->message = message;
	err->detail = detail;
}

/* Why a role may not authenticate with a password now (a static-format
 * reason for the log), or NULL when it may. */
static char *
password_unusable (OxRole *r, const char *user)
{
	if (!r)
		return g_strdup_printf ("Role \"%s\" does not exist.", user);
	if (!r->password)
		return g_strdup_printf ("User \"%s\" has no password assigned.", user);
	if (r->has_valid_until && r->valid_until < ox_timestamp_now ())
		return g_strdup_printf ("User \"%s\" has an expired password.", user);
	return NULL;
}

int
ox_role_check_login (OxDatabase *db, const char *role, OxError *err)
{
	OxRole *r = role_by_name (db, NULL, role);
	if (!r) {
		fill_error (err, "28000", g_strdup_printf ("role \"%s\" does not exist", role), NULL);
		return OX_ERROR;
	}
	if (!r->canlogin) {
		fill_error (err, "28000", g_strdup_printf ("role \"%s\" is not permitted to log in", role), NULL);
		return OX_ERROR;
	}
	return OX_OK;
}

char *
ox_role_get_scram_verifier (OxDatabase *db, const char *role)
{
	OxRole *r = role_by_name (db, NULL, role);
	return r && r->password ? g_strdup (r->password) : NULL;
}

bool
ox_role_check_password (OxDatabase *db, const char *role, const char *password, OxError *err)
{
	OxRole *r = role_by_name (db, NULL, role);
	char *why = password_unusable (r, role);
	if (!why && !r->canlogin)
		why = g_strdup_printf ("Role \"%s\" is not permitted to log in.", role);
	/* A missing role still costs one key derivation, so that timing does
	 * not tell it from a wrong password. */
	bool match = ox_scram_verifier_matches (!why ? r->password : "SCRAM-SHA-256$4096:AAAAAAAAAAAAAAAAAAAAAA==$"
	                                        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:"
	                                        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", password ? password : "");
	if (!why && !match)
		why = g_strdup_printf ("Password does not match for user \"%s\".", role);
	if (why) {
		fill_error (err, "28P01", g_strdup_printf ("password authentication failed for user \"%s\"", role), why);
		return false;
	}
	return true;
}

int
ox_session_set_user (OxSession *s, const char *role, OxError *err)
{
	OxRole *r = role_by_name (s->db, s->txn, role);
	if (!r) {
		fill_error (err, "28000", g_strdup_printf ("role \"%s\" does not exist", role), NULL);
		return OX_ERROR;
	}
	s->session_role = s->auth_role = r->obj.oid;
	s->auth_superuser = r->superuser;
	s->current_role = 0;
	return OX_OK;
}

int
ox_role_setup_superuser (OxDatabase *db, const char *name, const char *password, OxError *err)
{
	OxSession *s = NULL;
	if (ox_session_new (db, &s, err) != OX_OK)
		return OX_ERROR;
	int rc = OX_OK;
	s->txn = ox_txn_begin (db->mgr, OX_ISO_READ_COMMITTED);
	OX_TRY {
		ox_txn_lock_ddl (s->txn);
		OxRole *old = ox_catalog_role_by_oid (db->catalog, s->txn, OX_BOOTSTRAP_ROLE_OID, true);
		if (!old)
			OX_INTERNAL ("the bootstrap superuser is missing");
		if (strcmp (old->obj.name, name)) {
			check_reserved (name, 0);
			if (ox_catalog_role (db->catalog, s->txn, name, true))
				ox_raise (OX_ERR_DUPLICATE_OBJECT, 0, "role \"%s\" already exists", name);
		}
		OxRole *r = role_copy (old, name);
		OxRoleOptions o = { .superuser = -1, .createdb = -1, .createrole = -1, .inherit = -1, .login = -1,
		                    .replication = -1, .bypassrls = -1, .has_password = true, .password = password };
		apply_options (s, r, &o);
		replace_role (s, old, r);
		ox_txn_commit (s->txn);
	} OX_CATCH {
		OxErrorData e;
		ox_error_take (&e);
		fill_error (err, e.sqlstate, e.message, e.detail);
		e.message = e.detail = NULL;
		ox_error_data_clear (&e);
		ox_txn_abort (s->txn);
		rc = OX_ERROR;
	} OX_END_TRY;
	ox_txn_free (s->txn);
	s->txn = NULL;
	ox_session_free (s);
	return rc;
}

/* ---- SCRAM exchanges against a role ---------------------------------------------- */

struct OxScramAuth {
	OxScramExchange *ex;
	char            *user;
	char            *unusable;  /* why the exchange is a mock, or NULL */
};

OxScramAuth *
ox_scram_auth_begin (OxDatabase *db, const char *role)
{
	OxScramAuth *a = g_new0 (OxScramAuth, 1);
	OxRole *r = role_by_name (db, NULL, role);
	a->user = g_strdup (role);
	a->unusable = password_unusable (r, role);
	a->ex = ox_scram_exchange_new (role, a->unusable ? NULL : r->password);
	return a;
}

char *
ox_scram_auth_first (OxScramAuth *a, const char *msg, size_t len, OxError *err)
{
	const char *why = NULL;
	char *out = ox_scram_exchange_first (a->ex, msg, len, &why);
	if (!out)
		fill_error (err, "08P01", g_strdup_printf ("malformed SCRAM message: %s", why), NULL);
	return out;
}

char *
ox_scram_auth_final (OxScramAuth *a, const char *msg, size_t len, OxError *err)
{
	const char *why = NULL;
	bool malformed = false;
	char *out = ox_scram_exchange_final (a->ex, msg, len, &malformed, &why);
	if (out)
		return out;
	if (malformed)
		fill_error (err, "08P01", g_strdup_printf ("malformed SCRAM message: %s", why), NULL);
	else
		fill_error (err, "28P01", g_strdup_printf ("password authentication failed for user \"%s\"", a->user),
		            a->unusable ? g_strdup (a->unusable)
		                        : g_strdup_printf ("Password does not match for user \"%s\".", a->user));
	return NULL;
}

void
ox_scram_auth_free (OxScramAuth *a)
{
	if (!a)
		return;
	ox_scram_exchange_free (a->ex);
	g_free (a->user);
	g_free (a->unusable);
	g_free (a);
}

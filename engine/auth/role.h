/*
 * role.h — roles (CREATE / ALTER / DROP ROLE, SET ROLE, SET SESSION
 * AUTHORIZATION) and who a session is (session_user, current_user).
 *
 * A session starts as the bootstrap superuser (oid 10, "oxibase" unless
 * renamed); the server changes that with ox_session_set_user after
 * authenticating a client.  Sessions remember roles by oid, so renaming a
 * role renames it for its sessions too, as in PostgreSQL.
 */
#ifndef OX_ROLE_H
#define OX_ROLE_H

#include "session.h"

struct OxExec;

void ox_ddl_create_role (OxSession *s, OxCreateRoleStmt *st);
void ox_ddl_alter_role (OxSession *s, OxAlterRoleStmt *st);
void ox_ddl_drop_role (OxSession *s, OxDropStmt *ds);

/* SET ROLE name | NONE (name NULL: RESET ROLE / NONE). */
void ox_session_set_role (OxSession *s, const char *name, int loc);
/* SET SESSION AUTHORIZATION name (NULL: DEFAULT). */
void ox_session_set_authorization (OxSession *s, const char *name, int loc);

/* Names for current_user / session_user (arena a); never NULL. */
const char *ox_session_current_user (OxSession *s, OxArena *a);
const char *ox_session_user (OxSession *s, OxArena *a);
/* Is the current role a superuser (newest committed state)? */
bool        ox_session_is_superuser (OxSession *s);
/* A role by oid (when not 0) or name, newest committed state, or NULL. */
OxRole     *ox_role_find (OxSession *s, uint32_t oid, const char *name);
/* May the current role CREATE DATABASE (superuser or CREATEDB)? */
bool        ox_session_may_create_database (OxSession *s);
/* The roles a catalog's sessions see (those of the database holding the
 * roles, in a cluster); free with g_ptr_array_unref. */
GPtrArray  *ox_role_list (OxCatalog *c, OxTxn *t);
/* A role by oid likewise (snapshot of t when local), or NULL. */
OxRole     *ox_role_by_oid_in (OxCatalog *c, OxTxn *t, uint32_t oid);
/* 42501 "permission denied for table pg_authid" for non-superusers. */
void        ox_role_check_authid_access (OxSession *s, int loc);

/* Create the bootstrap superuser (oid 10, "oxibase") at open, unlogged. */
void        ox_role_bootstrap (OxCatalog *c, OxTxn *t);

#endif

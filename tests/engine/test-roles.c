/*
 * test-roles.c — roles and SCRAM-SHA-256: the SCRAM math against RFC
 * 7677's worked example, role DDL and its PostgreSQL errors, who a session
 * is (current_user, session_user, SET ROLE, SET SESSION AUTHORIZATION),
 * roles surviving a reopen, a checkpoint and a crash, and the calls a
 * server authenticates with (ox_role_check_password, ox_scram_auth_*).
 *
 * NOTE: the durable tests work in a temporary directory each, removed at
 * the end.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "oxibase.h"
#include "test-util.h"
#include "auth/scram.h"

/* ---- SCRAM ------------------------------------------------------------------------- */

/* RFC 7677 section 3: user "user", password "pencil". */
#define RFC_SALT     "W22ZaJ0SNY7soEsUEjb6gQ=="
#define RFC_CNONCE   "rOprNGfwEbeRWgbNEkqO"
#define RFC_SNONCE   "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
#define RFC_CFIRST   "n,,n=user,r=" RFC_CNONCE
#define RFC_SFIRST   "r=" RFC_CNONCE RFC_SNONCE ",s=" RFC_SALT ",i=4096"
#define RFC_CFINAL   "c=biws,r=" RFC_CNONCE RFC_SNONCE ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
#define RFC_SFINAL   "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="

static char *
rfc_verifier (void)
{
	gsize n = 0;
	guchar *salt = g_base64_decode (RFC_SALT, &n);
	char *v = ox_scram_verifier_build ("pencil", salt, n, 4096);
	g_free (salt);
	return v;
}

static void
test_scram_rfc7677 (void)
{
	g_autofree char *v = rfc_verifier ();
	g_assert_true (g_str_has_prefix (v, "SCRAM-SHA-256$4096:" RFC_SALT "$"));
	g_assert_true (ox_scram_is_verifier (v));
	g_assert_true (ox_scram_verifier_matches (v, "pencil"));
	g_assert_false (ox_scram_verifier_matches (v, "pencil2"));

	OxScramExchange *e = ox_scram_exchange_new ("user", v);
	ox_scram_exchange_set_nonce (e, RFC_SNONCE);
	const char *why = NULL;
	g_autofree char *sfirst = ox_scram_exchange_first (e, RFC_CFIRST, strlen (RFC_CFIRST), &why);
	g_assert_cmpstr (sfirst, ==, RFC_SFIRST);
	bool malformed = true;
	g_autofree char *sfinal = ox_scram_exchange_final (e, RFC_CFINAL, strlen (RFC_CFINAL), &malformed, &why);
	g_assert_cmpstr (sfinal, ==, RFC_SFINAL);
	ox_scram_exchange_free (e);
}

static void
test_scram_wrong_and_malformed (void)
{
	g_autofree char *v = rfc_verifier ();
	const char *why = NULL;
	bool malformed = false;
	/* a proof for another password: a failure, not a protocol error */
	OxScramExchange *e = ox_scram_exchange_new ("user", v);
	ox_scram_exchange_set_nonce (e, RFC_SNONCE);
	g_free (ox_scram_exchange_first (e, RFC_CFIRST, strlen (RFC_CFIRST), &why));
	const char *bad = "c=biws,r=" RFC_CNONCE RFC_SNONCE ",p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
	g_assert_null (ox_scram_exchange_final (e, bad, strlen (bad), &malformed, &why));
	g_assert_false (malformed);
	ox_scram_exchange_free (e);

	/* a mock exchange answers like a real one, stable salt, and fails */
	OxScramExchange *m1 = ox_scram_exchange_new ("ghost", NULL);
	OxScramExchange *m2 = ox_scram_exchange_new ("ghost", NULL);
	g_autofree char *f1 = ox_scram_exchange_first (m1, RFC_CFIRST, strlen (RFC_CFIRST), &why);
	g_autofree char *f2 = ox_scram_exchange_first (m2, RFC_CFIRST, strlen (RFC_CFIRST), &why);
	g_assert_nonnull (strstr (f1, ",s="));
	g_assert_cmpstr (strstr (f1, ",s="), ==, strstr (f2, ",s="));
	g_assert_nonnull (strstr (f1, ",i=4096"));
	g_autofree char *fin = g_strdup_printf ("c=biws,r=%.*s,p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
	                                        (int) (strstr (f1, ",s=") - f1 - 2), f1 + 2);
	g_assert_null (ox_scram_exchange_final (m1, fin, strlen (fin), &malformed, &why));
	g_assert_false (malformed);
	ox_scram_exchange_free (m1);
	ox_scram_exchange_free (m2);

	/* protocol violations */
	static const char *const firsts[] = { "p=tls-server-end-point,,n=,r=abc", "n,a=bob,n=,r=abc", "n,,m=x,n=,r=abc",
	                                      "n,,n=,x=abc", "n,,n=,r=", "x,,n=,r=abc", "" };
	for (size_t i = 0; i < G_N_ELEMENTS (firsts); i++) {
		OxScramExchange *x = ox_scram_exchange_new ("user", v);
		why = NULL;
		g_assert_null (ox_scram_exchange_first (x, firsts[i], strlen (firsts[i]), &why));
		g_assert_nonnull (why);
		ox_scram_exchange_free (x);
	}
	static const char *const finals[] = { "c=eSws,r=" RFC_CNONCE RFC_SNONCE ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
	                                      "c=biws,r=other,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
	                                      "c=biws,r=" RFC_CNONCE RFC_SNONCE,
	                                      "c=biws,r=" RFC_CNONCE RFC_SNONCE ",p=short", "r=x" };
	for (size_t i = 0; i < G_N_ELEMENTS (finals); i++) {
		OxScramExchange *x = ox_scram_exchange_new ("user", v);
		ox_scram_exchange_set_nonce (x, RFC_SNONCE);
		g_free (ox_scram_exchange_first (x, RFC_CFIRST, strlen (RFC_CFIRST), &why));
		malformed = false;
		g_assert_null (ox_scram_exchange_final (x, finals[i], strlen (finals[i]), &malformed, &why));
		g_assert_true (malformed);
		ox_scram_exchange_free (x);
	}
	/* verifiers that are not */
	g_assert_false (ox_scram_is_verifier ("SCRAM-SHA-256$4096:abc$def:ghi"));
	g_assert_false (ox_scram_is_verifier ("md5abcdef"));
	g_assert_false (ox_scram_is_verifier ("SCRAM-SHA-256$x:" RFC_SALT "$a:b"));
	/* random verifiers differ (fresh salt) and both match */
	g_autofree char *r1 = ox_scram_verifier_new ("pw");
	g_autofree char *r2 = ox_scram_verifier_new ("pw");
	g_assert_cmpstr (r1, !=, r2);
	g_assert_true (ox_scram_verifier_matches (r1, "pw"));
	g_assert_true (ox_scram_verifier_matches (r2, "pw"));
}

/* ---- SQL ---------------------------------------------------------------------------- */

/* Run sql expecting an error with this SQLSTATE and message. */
static void
expect_error (OxSession *s, const char *sql, const char *state, const char *message)
{
	OxError e = { 0 };
	int rc = ox_exec (s, sql, &e);
	if (rc != OX_ERROR)
		g_error ("%s: succeeded, expected %s", sql, state);
	if (strcmp (e.sqlstate, state) || (message && strcmp (e.message, message)))
		g_error ("%s: got %s %s, expected %s %s", sql, e.sqlstate, e.message, state, message ? message : "");
	ox_error_clear (&e);
}

static void
test_role_ddl (void)
{
	OxDatabase *db;
	OxSession *s;
	OxError e = { 0 };
	g_assert_cmpint (ox_db_open (":memory:", &db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (db, &s, &e), ==, OX_OK);
	g_autofree char *who = ox_test_query (s, "SELECT current_user, session_user, current_role, user");
	g_assert_cmpstr (who, ==, "oxibase|oxibase|oxibase|oxibase\n");
	ox_test_exec (s, "CREATE ROLE alice LOGIN PASSWORD 'secret'; CREATE USER bob WITH CREATEDB;"
	                 "CREATE ROLE grp; CREATE ROLE old VALID UNTIL '2001-02-03 04:05:06+00' LOGIN");
	g_autofree char *roles = ox_test_query (s, "SELECT rolname, rolsuper, rolcanlogin, rolcreatedb, rolpassword, "
	                                           "rolvaliduntil FROM pg_roles ORDER BY rolname");
	g_assert_cmpstr (roles, ==,
	                 "alice|f|t|f|********|NULL\n"
	                 "bob|f|t|t|********|NULL\n"
	                 "grp|f|f|f|********|NULL\n"
	                 "old|f|t|f|********|2001-02-03 04:05:06+00\n"
	                 "oxibase|t|t|t|********|NULL\n"
	                 "pg_database_owner|f|f|f|********|NULL\n");
	g_autofree char *pw = ox_test_query (s, "SELECT rolname, rolpassword LIKE 'SCRAM-SHA-256$4096:%' FROM pg_authid "
	                                        "WHERE rolpassword IS NOT NULL");
	g_assert_cmpstr (pw, ==, "alice|t\n");
	g_autofree char *users = ox_test_query (s, "SELECT usename FROM pg_user ORDER BY 1");
	g_assert_cmpstr (users, ==, "alice\nbob\nold\noxibase\n");
	g_autofree char *byid = ox_test_query (s, "SELECT pg_get_userbyid(10), pg_get_userbyid(oid) FROM pg_roles "
	                                          "WHERE rolname = 'bob'");
	g_assert_cmpstr (byid, ==, "oxibase|bob\n");

	expect_error (s, "CREATE ROLE alice", "42710", "role \"alice\" already exists");
	expect_error (s, "CREATE ROLE pg_x", "42939", "role name \"pg_x\" is reserved");
	expect_error (s, "CREATE ROLE x LOGIN NOLOGIN", "42601", "conflicting or redundant options");
	expect_error (s, "DROP ROLE nobody", "42704", "role \"nobody\" does not exist");
	expect_error (s, "ALTER ROLE nobody LOGIN", "42704", "role \"nobody\" does not exist");
	expect_error (s, "ALTER ROLE bob RENAME TO alice", "42710", "role \"alice\" already exists");
	expect_error (s, "DROP ROLE oxibase", "55006", "current user cannot be dropped");
	expect_error (s, "CREATE ROLE x VALID UNTIL 'soon'", "22007", NULL);

	/* ALTER keeps what it does not change; a verifier is stored as given */
	ox_test_exec (s, "ALTER ROLE bob WITH SUPERUSER CONNECTION LIMIT 5; ALTER USER bob RENAME TO robert;"
	                 "ALTER ROLE grp PASSWORD 'SCRAM-SHA-256$4096:" RFC_SALT "$c2FsdHNhbHRzYWx0c2FsdHNhbHRzYWx0c2FsdHNhbHQ="
	                 ":c2FsdHNhbHRzYWx0c2FsdHNhbHRzYWx0c2FsdHNhbHQ='");
	g_autofree char *bob = ox_test_query (s, "SELECT rolname, rolsuper, rolcreatedb, rolconnlimit FROM pg_roles "
	                                         "WHERE rolname = 'robert'");
	g_assert_cmpstr (bob, ==, "robert|t|t|5\n");
	g_autofree char *grp = ox_test_query (s, "SELECT substr(rolpassword, 1, 44) FROM pg_authid WHERE rolname = 'grp'");
	g_assert_cmpstr (grp, ==, "SCRAM-SHA-256$4096:" RFC_SALT "$\n");
	ox_test_exec (s, "ALTER ROLE grp PASSWORD NULL");
	g_autofree char *grp2 = ox_test_query (s, "SELECT rolpassword IS NULL FROM pg_authid WHERE rolname = 'grp'");
	g_assert_cmpstr (grp2, ==, "t\n");

	/* transactional: a rolled-back CREATE ROLE leaves nothing */
	ox_test_exec (s, "BEGIN; CREATE ROLE temp1; ROLLBACK");
	g_autofree char *none = ox_test_query (s, "SELECT count(*) FROM pg_roles WHERE rolname = 'temp1'");
	g_assert_cmpstr (none, ==, "0\n");

	/* SET ROLE and a non-superuser's limits */
	ox_test_exec (s, "SET ROLE alice");
	g_autofree char *as = ox_test_query (s, "SELECT current_user, session_user, current_role");
	g_assert_cmpstr (as, ==, "alice|oxibase|alice\n");
	g_autofree char *shr = ox_test_query (s, "SHOW role");
	g_assert_cmpstr (shr, ==, "alice\n");
	g_autofree char *su = ox_test_query (s, "SHOW is_superuser");
	g_assert_cmpstr (su, ==, "off\n");
	expect_error (s, "CREATE ROLE x", "42501", "permission denied to create role");
	expect_error (s, "DROP ROLE grp", "42501", "permission denied to drop role");
	expect_error (s, "ALTER ROLE grp LOGIN", "42501", "permission denied");
	expect_error (s, "ALTER ROLE alice SUPERUSER", "42501", "permission denied");
	expect_error (s, "SELECT * FROM pg_authid", "42501", "permission denied for table pg_authid");
	ox_test_exec (s, "ALTER ROLE alice PASSWORD 'changed'");  /* one's own password */
	ox_test_exec (s, "RESET ROLE");
	g_autofree char *back = ox_test_query (s, "SELECT current_user");
	g_assert_cmpstr (back, ==, "oxibase\n");
	g_autofree char *back2 = ox_test_query (s, "SHOW role");
	g_assert_cmpstr (back2, ==, "none\n");
	expect_error (s, "SET ROLE nobody", "22023", "role \"nobody\" does not exist");
	expect_error (s, "DROP ROLE alice, nobody", "42704", "role \"nobody\" does not exist");
	ox_test_exec (s, "SET ROLE robert; SET ROLE NONE");

	/* SET SESSION AUTHORIZATION: session_user changes too */
	ox_test_exec (s, "SET SESSION AUTHORIZATION alice");
	g_autofree char *sa = ox_test_query (s, "SELECT current_user, session_user");
	g_assert_cmpstr (sa, ==, "alice|alice\n");
	expect_error (s, "SET ROLE robert", "42501", "permission denied to set role \"robert\"");
	ox_test_exec (s, "SET SESSION AUTHORIZATION DEFAULT");
	expect_error (s, "ALTER ROLE oxibase RENAME TO boss", "0A000", "session user cannot be renamed");
	/* an embedded database is one database */
	expect_error (s, "CREATE DATABASE other", "0A000",
	              "CREATE DATABASE needs oxibase-server: an embedded database holds one database");
	expect_error (s, "DROP DATABASE other", "0A000",
	              "DROP DATABASE needs oxibase-server: an embedded database holds one database");
	g_autofree char *cdb = ox_test_query (s, "SELECT current_database(), datname FROM pg_database");
	g_assert_cmpstr (cdb, ==, "oxibase|oxibase\n");
	ox_test_exec (s, "DROP ROLE IF EXISTS nobody, grp");
	g_autofree char *gone = ox_test_query (s, "SELECT count(*) FROM pg_roles WHERE rolname IN ('grp', 'nobody')");
	g_assert_cmpstr (gone, ==, "0\n");

	ox_session_free (s);
	ox_db_close (db);
}

/* ---- authentication calls ------------------------------------------------------------ */

static void
expect_auth_fail (OxDatabase *db, const char *user, const char *pw, const char *detail_part)
{
	OxError e = { 0 };
	g_assert_false (ox_role_check_password (db, user, pw, &e));
	g_assert_cmpstr (e.sqlstate, ==, "28P01");
	g_autofree char *msg = g_strdup_printf ("password authentication failed for user \"%s\"", user);
	g_assert_cmpstr (e.message, ==, msg);
	g_assert_nonnull (e.detail);
	if (!strstr (e.detail, detail_part))
		g_error ("detail \"%s\" lacks \"%s\"", e.detail, detail_part);
	ox_error_clear (&e);
}

/* A client's side of the exchange (RFC 5802), to drive ox_scram_auth_*. */
static char *
client_final (const char *password, const char *client_first_bare, const char *server_first)
{
	const char *r = strstr (server_first, "r=") + 2;
	const char *s = strstr (server_first, ",s=") + 3;
	const char *i = strstr (server_first, ",i=") + 3;
	g_autofree char *nonce = g_strndup (r, (gsize) (strstr (r, ",") - r));
	g_autofree char *salt64 = g_strndup (s, (gsize) (strstr (s, ",") - s));
	gsize sl;
	g_autofree guchar *salt = g_base64_decode (salt64, &sl);
	uint8_t salted[32], ck[32], sk[32], sig[32], proof[32];
	ox_scram_salted_password (password, salt, sl, atoi (i), salted);
	ox_hmac_sha256 (salted, 32, "Client Key", 10, ck);
	ox_sha256 (ck, 32, sk);
	g_autofree char *without = g_strdup_printf ("c=biws,r=%s", nonce);
	g_autofree char *auth = g_strdup_printf ("%s,%s,%s", client_first_bare, server_first, without);
	ox_hmac_sha256 (sk, 32, auth, strlen (auth), sig);
	for (int k = 0; k < 32; k++)
		proof[k] = ck[k] ^ sig[k];
	g_autofree char *p64 = g_base64_encode (proof, 32);
	return g_strdup_printf ("%s,p=%s", without, p64);
}

static int
scram_login (OxDatabase *db, const char *user, const char *password, OxError *e)
{
	OxScramAuth *a = ox_scram_auth_begin (db, user);
	const char *cfirst = "n,,n=,r=fyko+d2lbbFgONRv9qkxdawL";
	char *sfirst = ox_scram_auth_first (a, cfirst, strlen (cfirst), e);
	g_assert_nonnull (sfirst);
	char *cfinal = client_final (password, cfirst + 3, sfirst);
	char *sfinal = ox_scram_auth_final (a, cfinal, strlen (cfinal), e);
	int rc = sfinal ? OX_OK : OX_ERROR;
	if (sfinal)
		g_assert_true (g_str_has_prefix (sfinal, "v="));
	ox_free (sfirst);
	g_free (cfinal);
	ox_free (sfinal);
	ox_scram_auth_free (a);
	return rc;
}

static void
test_role_auth (void)
{
	OxDatabase *db;
	OxSession *s;
	OxError e = { 0 };
	g_assert_cmpint (ox_db_open (":memory:", &db, &e), ==, OX_OK);
	g_assert_cmpint (ox_session_new (db, &s, &e), ==, OX_OK);
	ox_test_exec (s, "CREATE ROLE alice LOGIN PASSWORD 'secret';"
	                 "CREATE ROLE locked NOLOGIN PASSWORD 'secret';"
	                 "CREATE ROLE expired LOGIN PASSWORD 'secret' VALID UNTIL '2000-01-01';"
	                 "CREATE ROLE later LOGIN PASSWORD 'secret' VALID UNTIL 'infinity';"
	                 "CREATE ROLE nopw LOGIN");
	g_assert_true (ox_role_check_password (db, "alice", "secret", &e));
	g_assert_true (ox_role_check_password (db, "later", "secret", &e));
	expect_auth_fail (db, "alice", "wrong", "Password does not match");
	expect_auth_fail (db, "ghost", "secret", "does not exist");
	expect_auth_fail (db, "locked", "secret", "not permitted to log in");
	expect_auth_fail (db, "expired", "secret", "expired password");
	expect_auth_fail (db, "nopw", "", "no password assigned");

	char *v = ox_role_get_scram_verifier (db, "alice");
	g_assert_true (v && g_str_has_prefix (v, "SCRAM-SHA-256$4096:"));
	ox_free (v);
	g_assert_null (ox_role_get_scram_verifier (db, "ghost"));
	g_assert_null (ox_role_get_scram_verifier (db, "nopw"));

	g_assert_cmpint (ox_role_check_login (db, "alice", &e), ==, OX_OK);
	g_assert_cmpint (ox_role_check_login (db, "locked", &e), ==, OX_ERROR);
	g_assert_cmpstr (e.message, ==, "role \"locked\" is not permitted to log in");
	g_assert_cmpint (ox_role_check_login (db, "ghost", &e), ==, OX_ERROR);
	g_assert_cmpstr (e.sqlstate, ==, "28000");
	ox_error_clear (&e);

	g_assert_cmpint (scram_login (db, "alice", "secret", &e), ==, OX_OK);
	static const char *const bad[][2] = { { "alice", "wrong" }, { "ghost", "secret" }, { "expired", "secret" },
	                                      { "nopw", "" } };
	for (size_t i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_assert_cmpint (scram_login (db, bad[i][0], bad[i][1], &e), ==, OX_ERROR);
		g_assert_cmpstr (e.sqlstate, ==, "28P01");
		ox_error_clear (&e);
	}

	/* a server's session runs as the client's role */
	g_assert_cmpint (ox_session_set_user (s, "alice", &e), ==, OX_OK);
	g_autofree char *who = ox_test_query (s, "SELECT current_user, session_user");
	g_assert_cmpstr (who, ==, "alice|alice\n");
	expect_error (s, "SET SESSION AUTHORIZATION oxibase", "42501", "permission denied to set session authorization");
	g_assert_cmpint (ox_session_set_user (s, "ghost", &e), ==, OX_ERROR);
	ox_error_clear (&e);
	ox_session_free (s);
	ox_db_close (db);
}

/* ---- durability ---------------------------------------------------------------------- */

static OxDatabase *
open_dir (const char *dir)
{
	OxDatabase *db;
	OxError e = { 0 };
	if (ox_db_open (dir, &db, &e) != OX_OK)
		g_error ("open %s: %s %s", dir, e.sqlstate, e.message);
	return db;
}

static char *
roles_of (OxDatabase *db)
{
	OxSession *s;
	OxError e = { 0 };
	g_assert_cmpint (ox_session_new (db, &s, &e), ==, OX_OK);
	char *r = ox_test_query (s, "SELECT oid = 10, rolname, rolsuper, rolcanlogin, rolconnlimit, rolvaliduntil "
	                            "FROM pg_roles WHERE rolname <> 'pg_database_owner' ORDER BY rolname");
	ox_session_free (s);
	return r;
}

static void
test_role_durable (void)
{
	g_autofree char *dir = g_dir_make_tmp ("oxibase-roles-XXXXXX", NULL);
	OxDatabase *db = open_dir (dir);
	OxError e = { 0 };
	g_assert_cmpint (ox_role_setup_superuser (db, "admin", "adminpw", &e), ==, OX_OK);
	OxSession *s;
	g_assert_cmpint (ox_session_new (db, &s, &e), ==, OX_OK);
	ox_test_exec (s, "CREATE ROLE alice LOGIN PASSWORD 'secret' VALID UNTIL '2100-01-01 00:00:00+00';"
	                 "CREATE ROLE bob; ALTER ROLE bob CONNECTION LIMIT 2; CREATE ROLE gone; DROP ROLE gone");
	ox_session_free (s);
	const char *want = "t|admin|t|t|-1|NULL\n"
	                   "f|alice|f|t|-1|2100-01-01 00:00:00+00\n"
	                   "f|bob|f|f|2|NULL\n";
	g_autofree char *r0 = roles_of (db);
	g_assert_cmpstr (r0, ==, want);
	ox_db_close (db);

	/* reopen: the log replays */
	db = open_dir (dir);
	g_autofree char *r1 = roles_of (db);
	g_assert_cmpstr (r1, ==, want);
	g_assert_true (ox_role_check_password (db, "alice", "secret", &e));
	g_assert_true (ox_role_check_password (db, "admin", "adminpw", &e));
	/* a checkpoint, then more changes, then a crash (copy of the files) */
	g_assert_cmpint (ox_session_new (db, &s, &e), ==, OX_OK);
	ox_test_exec (s, "CHECKPOINT; ALTER ROLE alice PASSWORD 'newpw'; CREATE ROLE carol");
	ox_session_free (s);
	g_autofree char *copy = g_strdup_printf ("%s.crash", dir);
	g_autofree char *cmd = g_strdup_printf ("cp -r %s %s", dir, copy);
	g_assert_cmpint (system (cmd), ==, 0);
	ox_db_close (db);
	ox_test_rm_rf (dir);
	g_assert_cmpint (g_rename (copy, dir), ==, 0);
	db = open_dir (dir);
	g_autofree char *r2 = roles_of (db);
	g_assert_cmpstr (r2, ==, "t|admin|t|t|-1|NULL\n"
	                         "f|alice|f|t|-1|2100-01-01 00:00:00+00\n"
	                         "f|bob|f|f|2|NULL\n"
	                         "f|carol|f|f|-1|NULL\n");
	g_assert_true (ox_role_check_password (db, "alice", "newpw", &e));
	g_assert_false (ox_role_check_password (db, "alice", "secret", &e));
	ox_error_clear (&e);
	/* a new session runs as the renamed bootstrap superuser */
	g_assert_cmpint (ox_session_new (db, &s, &e), ==, OX_OK);
	g_autofree char *who = ox_test_query (s, "SELECT current_user");
	g_assert_cmpstr (who, ==, "admin\n");
	expect_error (s, "DROP ROLE admin", "55006", "current user cannot be dropped");
	ox_test_exec (s, "SET ROLE alice; RESET ROLE; CREATE ROLE boss SUPERUSER; SET SESSION AUTHORIZATION boss");
	expect_error (s, "DROP ROLE admin", "2BP01", "cannot drop role admin because it is required by the database system");
	ox_session_free (s);
	ox_db_close (db);
	ox_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/engine/auth/scram/rfc7677", test_scram_rfc7677);
	g_test_add_func ("/engine/auth/scram/wrong-and-malformed", test_scram_wrong_and_malformed);
	g_test_add_func ("/engine/auth/roles/ddl", test_role_ddl);
	g_test_add_func ("/engine/auth/roles/authenticate", test_role_auth);
	g_test_add_func ("/engine/auth/roles/durable", test_role_durable);
	return g_test_run ();
}

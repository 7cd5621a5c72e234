/*
 * http-auth.h — bearer tokens of the HTTP API, and the password check
 * behind POST /api/auth/login.
 *
 * A token is 32 bytes from the kernel's CSPRNG (getrandom, else
 * /dev/urandom), sent to the client once as base64url and kept here only
 * as its SHA-256 digest with the user and an expiry time, so a memory
 * dump or a log line of this table never yields a usable token.
 *
 * What can go wrong: no randomness available (issue returns NULL and the
 * login answers 500, never a weak token); an expired token is removed
 * when it is presented and answered as unknown.  (Passwords are checked
 * by the engine, ox_role_check_password, against the role's SCRAM
 * verifier; nothing here sees a stored password.)
 */
#pragma once

#include <glib.h>

#include "oxibase.h"

G_BEGIN_DECLS

typedef struct _OxHttpTokens OxHttpTokens;

OxHttpTokens *ox_http_tokens_new (gint64 ttl_seconds);
void          ox_http_tokens_free (OxHttpTokens *tokens);
/* A new token for user (free with g_free), or NULL when no random bytes
 * could be had.  *expires_at gets its expiry in real time (µs since the
 * epoch). */
char    *ox_http_tokens_issue (OxHttpTokens *tokens, const char *user, gint64 *expires_at);
/* The user of a live token (copied into *user), FALSE for an unknown,
 * revoked or expired one. */
gboolean ox_http_tokens_check (OxHttpTokens *tokens, const char *token, char **user);
/* Forget a token; FALSE when it was not live. */
gboolean ox_http_tokens_revoke (OxHttpTokens *tokens, const char *token);
guint    ox_http_tokens_count (OxHttpTokens *tokens);


G_END_DECLS

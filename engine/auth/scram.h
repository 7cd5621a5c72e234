/*
 * scram.h — SCRAM-SHA-256 (RFC 5802, RFC 7677): password verifiers in
 * PostgreSQL's format and the server side of one authentication exchange.
 *
 * A verifier is the only form in which a password is stored:
 *
 *     SCRAM-SHA-256$<iterations>:<salt base64>$<StoredKey base64>:<ServerKey base64>
 *
 * NOTE: the password is not SASLprep'd (RFC 4013): ASCII passwords pass
 * through SASLprep unchanged, and PostgreSQL itself uses the raw bytes of
 * a password that SASLprep rejects, so only non-ASCII passwords whose
 * normalisation changes them (rare) would differ from a PostgreSQL
 * server's verifier.
 * NOTE: randomness (salts, nonces) comes from getrandom(2), never from
 * g_random; when the kernel cannot give any, the functions that need it
 * fail rather than fall back to something guessable.
 */
#ifndef OX_SCRAM_H
#define OX_SCRAM_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define OX_SCRAM_KEY_LEN     32    /* SHA-256 output */
#define OX_SCRAM_ITERATIONS  4096  /* PostgreSQL's scram_iterations default */
#define OX_SCRAM_SALT_LEN    16    /* bytes, as PostgreSQL */
#define OX_SCRAM_NONCE_LEN   18    /* random bytes in the server nonce, as PostgreSQL */

/* Fill buf with n bytes from the kernel's CSPRNG; false when it failed. */
bool  ox_random_bytes (void *buf, size_t n);

void  ox_sha256 (const void *data, size_t len, uint8_t out[OX_SCRAM_KEY_LEN]);
void  ox_hmac_sha256 (const void *key, size_t keylen, const void *data, size_t len,
                      uint8_t out[OX_SCRAM_KEY_LEN]);
/* Hi(password, salt, i) of RFC 5802: PBKDF2 with HMAC-SHA-256, one block. */
void  ox_scram_salted_password (const char *password, const uint8_t *salt, size_t saltlen, int iterations,
                                uint8_t out[OX_SCRAM_KEY_LEN]);

/* The verifier of password with this salt (g_malloc'd). */
char *ox_scram_verifier_build (const char *password, const uint8_t *salt, size_t saltlen, int iterations);
/* ... with a fresh random salt; NULL when no randomness was available. */
char *ox_scram_verifier_new (const char *password);
/* Does v look like a verifier (so PASSWORD 'SCRAM-SHA-256$...' is stored
 * as given, as PostgreSQL does)? */
bool  ox_scram_is_verifier (const char *v);
/* Split a verifier; false when it is malformed.  *salt is g_malloc'd. */
bool  ox_scram_verifier_parse (const char *v, int *iterations, uint8_t **salt, size_t *saltlen,
                               uint8_t stored_key[OX_SCRAM_KEY_LEN], uint8_t server_key[OX_SCRAM_KEY_LEN]);
/* Does password produce verifier v?  (Constant-time comparison.) */
bool  ox_scram_verifier_matches (const char *v, const char *password);

/* ---- the server side of an exchange ----------------------------------------
 *
 *   client-first  ->  ox_scram_exchange_first  ->  server-first
 *   client-final  ->  ox_scram_exchange_final  ->  server-final (success)
 *
 * An exchange made with verifier NULL is a mock: it answers like a real
 * one (a salt derived from the user name and a per-process secret, so that
 * asking twice shows the same salt), and its final step always fails. */
typedef struct OxScramExchange OxScramExchange;

OxScramExchange *ox_scram_exchange_new (const char *user, const char *verifier);
/* Tests: use this server nonce instead of a random one. */
void  ox_scram_exchange_set_nonce (OxScramExchange *e, const char *nonce);
/* Returns the server-first message (g_malloc'd), or NULL with *why set to
 * a static description of what was malformed. */
char *ox_scram_exchange_first (OxScramExchange *e, const char *msg, size_t len, const char **why);
/* Returns the server-final message (g_malloc'd) when the proof is right;
 * NULL otherwise, with *malformed telling a protocol violation (true) from
 * a wrong password or a mock exchange (false), and *why a static
 * description for the server's log. */
char *ox_scram_exchange_final (OxScramExchange *e, const char *msg, size_t len, bool *malformed,
                               const char **why);
void  ox_scram_exchange_free (OxScramExchange *e);

#endif

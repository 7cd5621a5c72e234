/*
 * scram.c — SCRAM-SHA-256 math and the server side of an exchange
 * (RFC 5802 section 3, RFC 7677); see scram.h.
 *
 * What can go wrong: a malformed client message must be refused, never
 * followed past its end (every field is parsed from a NUL-terminated copy
 * of its length); comparisons of keys run in constant time so that timing
 * reveals nothing about how much of a proof was right; a mock exchange
 * must look like a real one from outside (same message shapes, a stable
 * salt per user name).
 */
#include "auth/scram.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

bool
ox_random_bytes (void *buf, size_t n)
{
	uint8_t *p = buf;
	while (n > 0) {
		ssize_t got = getrandom (p, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += got;
		n -= (size_t) got;
	}
	return true;
}

void
ox_sha256 (const void *data, size_t len, uint8_t out[OX_SCRAM_KEY_LEN])
{
	GChecksum *c = g_checksum_new (G_CHECKSUM_SHA256);
	g_checksum_update (c, data, (gssize) len);
	gsize n = OX_SCRAM_KEY_LEN;
	g_checksum_get_digest (c, out, &n);
	g_checksum_free (c);
}

void
ox_hmac_sha256 (const void *key, size_t keylen, const void *data, size_t len, uint8_t out[OX_SCRAM_KEY_LEN])
{
	GHmac *h = g_hmac_new (G_CHECKSUM_SHA256, key, keylen);
	g_hmac_update (h, data, (gssize) len);
	gsize n = OX_SCRAM_KEY_LEN;
	g_hmac_get_digest (h, out, &n);
	g_hmac_unref (h);
}

void
ox_scram_salted_password (const char *password, const uint8_t *salt, size_t saltlen, int iterations,
                          uint8_t out[OX_SCRAM_KEY_LEN])
{
	/* U1 = HMAC(p, salt || INT(1)); Ui = HMAC(p, Ui-1); Hi = U1 ^ ... ^ Ui.
	 * The keyed HMAC is copied rather than re-keyed each round. */
	GHmac *base = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) password, strlen (password));
	uint8_t u[OX_SCRAM_KEY_LEN];
	GHmac *h = g_hmac_copy (base);
	g_hmac_update (h, salt, (gssize) saltlen);
	static const uint8_t one[4] = { 0, 0, 0, 1 };
	g_hmac_update (h, one, 4);
	gsize n = sizeof u;
	g_hmac_get_digest (h, u, &n);
	g_hmac_unref (h);
	memcpy (out, u, sizeof u);
	for (int i = 1; i < iterations; i++) {
		h = g_hmac_copy (base);
		g_hmac_update (h, u, sizeof u);
		n = sizeof u;
		g_hmac_get_digest (h, u, &n);
		g_hmac_unref (h);
		for (int k = 0; k < OX_SCRAM_KEY_LEN; k++)
			out[k] ^= u[k];
	}
	g_hmac_unref (base);
}

static void
keys_from_password (const char *password, const uint8_t *salt, size_t saltlen, int iterations,
                    uint8_t stored[OX_SCRAM_KEY_LEN], uint8_t server[OX_SCRAM_KEY_LEN])
{
	uint8_t salted[OX_SCRAM_KEY_LEN], client_key[OX_SCRAM_KEY_LEN];
	ox_scram_salted_password (password, salt, saltlen, iterations, salted);
	ox_hmac_sha256 (salted, sizeof salted, "Client Key", 10, client_key);
	ox_sha256 (client_key, sizeof client_key, stored);
	ox_hmac_sha256 (salted, sizeof salted, "Server Key", 10, server);
	memset (salted, 0, sizeof salted);
	memset (client_key, 0, sizeof client_key);
}

char *
ox_scram_verifier_build (const char *password, const uint8_t *salt, size_t saltlen, int iterations)
{
	uint8_t stored[OX_SCRAM_KEY_LEN], server[OX_SCRAM_KEY_LEN];
	keys_from_password (password, salt, saltlen, iterations, stored, server);
	char *s64 = g_base64_encode (salt, saltlen);
	char *k1 = g_base64_encode (stored, sizeof stored);
	char *k2 = g_base64_encode (server, sizeof server);
	char *v = g_strdup_printf ("SCRAM-SHA-256$%d:%s$%s:%s", iterations, s64, k1, k2);
	g_free (s64);
	g_free (k1);
	g_free (k2);
	return v;
}

char *
ox_scram_verifier_new (const char *password)
{
	uint8_t salt[OX_SCRAM_SALT_LEN];
	if (!ox_random_bytes (salt, sizeof salt))
		return NULL;
	return ox_scram_verifier_build (password, salt, sizeof salt, OX_SCRAM_ITERATIONS);
}

/* Decode base64 text strictly: only the alphabet and '=' padding, and the
 * decoded length must be what the text's length implies. */
static uint8_t *
b64_decode (const char *s, size_t len, size_t *out_len)
{
	if (len == 0 || len % 4 != 0)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool ok = g_ascii_isalnum (c) || c == '+' || c == '/' || (c == '=' && i >= len - 2);
		if (!ok)
			return NULL;
	}
	char *copy = g_strndup (s, len);
	gsize n = 0;
	uint8_t *d = g_base64_decode (copy, &n);
	g_free (copy);
	*out_len = n;
	return d;
}

static bool
b64_key (const char *s, size_t len, uint8_t key[OX_SCRAM_KEY_LEN])
{
	size_t n = 0;
	uint8_t *d = b64_decode (s, len, &n);
	bool ok = d && n == OX_SCRAM_KEY_LEN;
	if (ok)
		memcpy (key, d, OX_SCRAM_KEY_LEN);
	g_free (d);
	return ok;
}

bool
ox_scram_verifier_parse (const char *v, int *iterations, uint8_t **salt, size_t *saltlen,
                         uint8_t stored_key[OX_SCRAM_KEY_LEN], uint8_t server_key[OX_SCRAM_KEY_LEN])
{
	static const char prefix[] = "SCRAM-SHA-256$";
	if (!v || strncmp (v, prefix, sizeof prefix - 1) != 0)
		return false;
	const char *p = v + sizeof prefix - 1;
	char *end = NULL;
	errno = 0;
	long it = strtol (p, &end, 10);
	if (end == p || *end != ':' || errno || it < 1 || it > 100000000)
		return false;
	const char *salt_s = end + 1;
	const char *dollar = strchr (salt_s, '$');
	if (!dollar)
		return false;
	const char *k1 = dollar + 1;
	const char *colon = strchr (k1, ':');
	if (!colon)
		return false;
	const char *k2 = colon + 1;
	size_t sl = 0;
	uint8_t *sd = b64_decode (salt_s, (size_t) (dollar - salt_s), &sl);
	if (!sd)
		return false;
	if (!b64_key (k1, (size_t) (colon - k1), stored_key) || !b64_key (k2, strlen (k2), server_key)) {
		g_free (sd);
		return false;
	}
	*iterations = (int) it;
	*salt = sd;
	*saltlen = sl;
	return true;
}

bool
ox_scram_is_verifier (const char *v)
{
	int it;
	uint8_t *salt = NULL;
	size_t sl;
	uint8_t a[OX_SCRAM_KEY_LEN], b[OX_SCRAM_KEY_LEN];
	bool ok = ox_scram_verifier_parse (v, &it, &salt, &sl, a, b);
	g_free (salt);
	return ok;
}

static bool
equal_ct (const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t d = 0;
	for (size_t i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

bool
ox_scram_verifier_matches (const char *v, const char *password)
{
	int it;
	uint8_t *salt = NULL;
	size_t sl;
	uint8_t stored[OX_SCRAM_KEY_LEN], server[OX_SCRAM_KEY_LEN];
	if (!ox_scram_verifier_parse (v, &it, &salt, &sl, stored, server))
		return false;
	uint8_t s2[OX_SCRAM_KEY_LEN], k2[OX_SCRAM_KEY_LEN];
	keys_from_password (password, salt, sl, it, s2, k2);
	g_free (salt);
	/* both compared, always, so the time does not tell which differed */
	bool a = equal_ct (stored, s2, sizeof s2);
	bool b = equal_ct (server, k2, sizeof k2);
	return a & b;
}

/* ---- the exchange ----------------------------------------------------------------- */

struct OxScramExchange {
	int      state;             /* 0 before client-first, 1 before client-final, 2 done */
	bool     mock;              /* no usable verifier: fail at the end */
	int      iterations;
	char    *salt_b64;
	uint8_t  stored_key[OX_SCRAM_KEY_LEN];
	uint8_t  server_key[OX_SCRAM_KEY_LEN];
	char    *gs2_header;        /* "n,," or "y,," as the client sent it */
	char    *client_first_bare; /* "n=...,r=..." */
	char    *server_first;
	char    *nonce;             /* client nonce + server nonce */
	char    *server_nonce;      /* set by tests, else random */
};

/* A per-process secret for mock salts: the same user name gets the same
 * salt for the life of the server, whatever it asks, as a real one would. */
static uint8_t mock_secret[32];
static gsize mock_secret_once;

OxScramExchange *
ox_scram_exchange_new (const char *user, const char *verifier)
{
	OxScramExchange *e = g_new0 (OxScramExchange, 1);
	uint8_t *salt = NULL;
	size_t sl = 0;
	if (verifier && ox_scram_verifier_parse (verifier, &e->iterations, &salt, &sl, e->stored_key, e->server_key)) {
		e->salt_b64 = g_base64_encode (salt, sl);
		g_free (salt);
		return e;
	}
	e->mock = true;
	if (g_once_init_enter (&mock_secret_once)) {
		if (!ox_random_bytes (mock_secret, sizeof mock_secret))
			memset (mock_secret, 0x5a, sizeof mock_secret);  /* cannot happen on Linux >= 3.17 */
		g_once_init_leave (&mock_secret_once, 1);
	}
	uint8_t h[OX_SCRAM_KEY_LEN];
	ox_hmac_sha256 (mock_secret, sizeof mock_secret, user ? user : "", user ? strlen (user) : 0, h);
	e->salt_b64 = g_base64_encode (h, OX_SCRAM_SALT_LEN);
	e->iterations = OX_SCRAM_ITERATIONS;
	return e;
}

void
ox_scram_exchange_set_nonce (OxScramExchange *e, const char *nonce)
{
	g_free (e->server_nonce);
	e->server_nonce = g_strdup (nonce);
}

void
ox_scram_exchange_free (OxScramExchange *e)
{
	if (!e)
		return;
	g_free (e->salt_b64);
	g_free (e->gs2_header);
	g_free (e->client_first_bare);
	g_free (e->server_first);
	g_free (e->nonce);
	g_free (e->server_nonce);
	memset (e, 0, sizeof *e);
	g_free (e);
}

/* printable = %x21-2B / %x2D-7E (RFC 5802: any printable but ',') */
static bool
valid_nonce (const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < 0x21 || *s > 0x7e || *s == ',')
			return false;
	return true;
}

char *
ox_scram_exchange_first (OxScramExchange *e, const char *msg, size_t len, const char **why)
{
	if (e->state != 0) {
		*why = "client-first-message out of order";
		return NULL;
	}
	if (memchr (msg, '\0', len)) {
		*why = "NUL byte in client-first-message";
		return NULL;
	}
	g_autofree char *m = g_strndup (msg, len);
	/* gs2-header: cbind-flag "," [authzid] "," */
	if ((m[0] != 'n' && m[0] != 'y') || m[1] != ',') {
		*why = m[0] == 'p' ? "channel binding is not supported" : "malformed GS2 header";
		return NULL;
	}
	if (m[2] != ',') {
		*why = "authorization identities (a=) are not supported";
		return NULL;
	}
	e->gs2_header = g_strndup (m, 3);
	const char *bare = m + 3;
	/* client-first-message-bare: [reserved-mext ","] username "," nonce ["," extensions] */
	if (bare[0] == 'm' && bare[1] == '=') {
		*why = "mandatory extensions are not supported";
		return NULL;
	}
	if (bare[0] != 'n' || bare[1] != '=') {
		*why = "missing user name attribute";
		return NULL;
	}
	/* The name is ignored: the startup packet's user is authenticated, as
	 * PostgreSQL does (libpq sends an empty one). */
	const char *comma = strchr (bare, ',');
	if (!comma || comma[1] != 'r' || comma[2] != '=') {
		*why = "missing nonce attribute";
		return NULL;
	}
	const char *cn = comma + 3;
	const char *cn_end = strchr (cn, ',');
	g_autofree char *cnonce = cn_end ? g_strndup (cn, (size_t) (cn_end - cn)) : g_strdup (cn);
	if (!valid_nonce (cnonce)) {
		*why = "malformed client nonce";
		return NULL;
	}
	e->client_first_bare = g_strdup (bare);
	char *snonce = e->server_nonce ? g_strdup (e->server_nonce) : NULL;
	if (!snonce) {
		uint8_t raw[OX_SCRAM_NONCE_LEN];
		if (!ox_random_bytes (raw, sizeof raw)) {
			*why = "could not generate a random nonce";
			return NULL;
		}
		snonce = g_base64_encode (raw, sizeof raw);
	}
	e->nonce = g_strconcat (cnonce, snonce, NULL);
	g_free (snonce);
	e->server_first = g_strdup_printf ("r=%s,s=%s,i=%d", e->nonce, e->salt_b64, e->iterations);
	e->state = 1;
	return g_strdup (e->server_first);
}

char *
ox_scram_exchange_final (OxScramExchange *e, const char *msg, size_t len, bool *malformed, const char **why)
{
	*malformed = true;
	if (e->state != 1) {
		*why = "client-final-message out of order";
		return NULL;
	}
	e->state = 2;
	if (memchr (msg, '\0', len)) {
		*why = "NUL byte in client-final-message";
		return NULL;
	}
	g_autofree char *m = g_strndup (msg, len);
	/* channel-binding "," nonce ["," extensions] "," proof */
	if (strncmp (m, "c=", 2) != 0) {
		*why = "missing channel binding attribute";
		return NULL;
	}
	const char *c_end = strchr (m, ',');
	if (!c_end) {
		*why = "malformed client-final-message";
		return NULL;
	}
	g_autofree char *cbind = g_base64_encode ((const guchar *) e->gs2_header, strlen (e->gs2_header));
	if ((size_t) (c_end - (m + 2)) != strlen (cbind) || strncmp (m + 2, cbind, strlen (cbind)) != 0) {
		*why = "unexpected channel binding data";
		return NULL;
	}
	if (strncmp (c_end + 1, "r=", 2) != 0) {
		*why = "missing nonce attribute";
		return NULL;
	}
	const char *r = c_end + 3;
	const char *r_end = strchr (r, ',');
	if (!r_end || (size_t) (r_end - r) != strlen (e->nonce) || strncmp (r, e->nonce, strlen (e->nonce)) != 0) {
		*why = "nonce does not match";
		return NULL;
	}
	const char *p = strstr (r_end, ",p=");
	if (!p || strchr (p + 3, ',')) {
		*why = "missing proof attribute";
		return NULL;
	}
	uint8_t proof[OX_SCRAM_KEY_LEN];
	if (!b64_key (p + 3, strlen (p + 3), proof)) {
		*why = "malformed proof";
		return NULL;
	}
	*malformed = false;
	GString *auth = g_string_new (e->client_first_bare);
	g_string_append_c (auth, ',');
	g_string_append (auth, e->server_first);
	g_string_append_c (auth, ',');
	g_string_append_len (auth, m, p - m);
	uint8_t sig[OX_SCRAM_KEY_LEN], client_key[OX_SCRAM_KEY_LEN], h[OX_SCRAM_KEY_LEN];
	ox_hmac_sha256 (e->stored_key, OX_SCRAM_KEY_LEN, auth->str, auth->len, sig);
	for (int i = 0; i < OX_SCRAM_KEY_LEN; i++)
		client_key[i] = proof[i] ^ sig[i];
	ox_sha256 (client_key, sizeof client_key, h);
	bool ok = equal_ct (h, e->stored_key, OX_SCRAM_KEY_LEN) && !e->mock;
	char *out = NULL;
	if (ok) {
		uint8_t ssig[OX_SCRAM_KEY_LEN];
		ox_hmac_sha256 (e->server_key, OX_SCRAM_KEY_LEN, auth->str, auth->len, ssig);
		g_autofree char *s64 = g_base64_encode (ssig, sizeof ssig);
		out = g_strdup_printf ("v=%s", s64);
	} else
		*why = e->mock ? "no usable password for this role" : "the proof does not match the password";
	g_string_free (auth, TRUE);
	return out;
}

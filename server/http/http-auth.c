/*
 * http-auth.c — the token table of the HTTP API; see http-auth.h.
 *
 * NOTE: tokens are looked up by the hex SHA-256 of what the client sent.
 * The lookup itself is a hash-table probe whose timing depends only on
 * the digest, which an attacker cannot steer towards a live token.
 */
#define G_LOG_DOMAIN "oxibase-http"

#include "http-auth.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define TOKEN_BYTES 32

typedef struct {
	char  *user;
	gint64 expires_at;  /* real time, µs */
} Token;

struct _OxHttpTokens {
	GMutex      lock;
	GHashTable *by_hash;  /* hex SHA-256 of the token -> Token* */
	gint64      ttl_us;
};

static void
token_free (gpointer p)
{
	Token *t = p;
	g_free (t->user);
	g_free (t);
}

OxHttpTokens *
ox_http_tokens_new (gint64 ttl_seconds)
{
	OxHttpTokens *self = g_new0 (OxHttpTokens, 1);
	g_mutex_init (&self->lock);
	self->by_hash = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, token_free);
	self->ttl_us = (ttl_seconds > 0 ? ttl_seconds : 3600) * G_USEC_PER_SEC;
	return self;
}

void
ox_http_tokens_free (OxHttpTokens *self)
{
	if (!self)
		return;
	g_hash_table_destroy (self->by_hash);
	g_mutex_clear (&self->lock);
	g_free (self);
}

static gboolean
random_bytes (guint8 *buf, gsize n)
{
	gsize got = 0;
	while (got < n) {
		ssize_t r = getrandom (buf + got, n - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (gsize) r;
	}
	if (got == n)
		return TRUE;
	int fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return FALSE;
	got = 0;
	while (got < n) {
		ssize_t r = read (fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (gsize) r;
	}
	close (fd);
	return got == n;
}

static char *
digest (const char *token)
{
	return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

char *
ox_http_tokens_issue (OxHttpTokens *self, const char *user, gint64 *expires_at)
{
	guint8 raw[TOKEN_BYTES];
	if (!random_bytes (raw, sizeof raw))
		return NULL;
	char *tok = g_base64_encode (raw, sizeof raw);
	explicit_bzero (raw, sizeof raw);
	/* base64url without padding (RFC 4648 §5) */
	for (char *p = tok; *p; p++) {
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
		else if (*p == '=')
			*p = '\0';
	}
	Token *t = g_new0 (Token, 1);
	t->user = g_strdup (user);
	t->expires_at = g_get_real_time () + self->ttl_us;
	*expires_at = t->expires_at;
	g_mutex_lock (&self->lock);
	/* drop expired tokens now and then so the table cannot only grow */
	GHashTableIter it;
	gpointer k, v;
	gint64 now = g_get_real_time ();
	g_hash_table_iter_init (&it, self->by_hash);
	while (g_hash_table_iter_next (&it, &k, &v))
		if (((Token *) v)->expires_at <= now)
			g_hash_table_iter_remove (&it);
	g_hash_table_insert (self->by_hash, digest (tok), t);
	g_mutex_unlock (&self->lock);
	return tok;
}

gboolean
ox_http_tokens_check (OxHttpTokens *self, const char *token, char **user)
{
	if (!token || !*token)
		return FALSE;
	g_autofree char *h = digest (token);
	gboolean ok = FALSE;
	g_mutex_lock (&self->lock);
	Token *t = g_hash_table_lookup (self->by_hash, h);
	if (t && t->expires_at <= g_get_real_time ()) {
		g_hash_table_remove (self->by_hash, h);
		t = NULL;
	}
	if (t) {
		ok = TRUE;
		if (user)
			*user = g_strdup (t->user);
	}
	g_mutex_unlock (&self->lock);
	return ok;
}

gboolean
ox_http_tokens_revoke (OxHttpTokens *self, const char *token)
{
	if (!token)
		return FALSE;
	g_autofree char *h = digest (token);
	g_mutex_lock (&self->lock);
	gboolean r = g_hash_table_remove (self->by_hash, h);
	g_mutex_unlock (&self->lock);
	return r;
}

guint
ox_http_tokens_count (OxHttpTokens *self)
{
	g_mutex_lock (&self->lock);
	guint n = g_hash_table_size (self->by_hash);
	g_mutex_unlock (&self->lock);
	return n;
}

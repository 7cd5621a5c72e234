/*
 * pg-types.c — type OIDs, typmods and binary formats (see pg-types.h).
 *
 * NOTE: dates and timestamps need no calendar arithmetic on the way out:
 * ox_column_int64 gives them in PostgreSQL's own epoch and units (days /
 * microseconds since 2000-01-01).  On the way in they are formatted as
 * ISO text and bound as text, which the engine converts to the type it
 * inferred — the same path a text parameter takes.
 */
#define G_LOG_DOMAIN "oxibase-pgwire"

#include "pg-types.h"
#include "pg-message.h"

#include <stdlib.h>
#include <string.h>

/* Seconds from the Unix epoch to PostgreSQL's (2000-01-01 00:00 UTC). */
#define PG_EPOCH_UNIX 946684800

/* "numeric(10,2)" -> (10 << 16 | 2) + 4; "character varying(20)" -> 24. */
static gint32
typmod_from_name (const char *name, guint32 oid)
{
	const char *open = name ? strchr (name, '(') : NULL;
	if (!open)
		return -1;
	char *end;
	long a = strtol (open + 1, &end, 10);
	if (end == open + 1 || a < 0 || a > 0xffff)
		return -1;
	if (oid == PG_OID_NUMERIC) {
		long b = 0;
		if (*end == ',')
			b = strtol (end + 1, &end, 10);
		if (b < 0 || b > 0xffff)
			return -1;
		return (gint32) (((a << 16) | b) + 4);
	}
	if (oid == PG_OID_VARCHAR || oid == PG_OID_BPCHAR)
		return (gint32) a + 4;
	return -1;
}

PgColumnType
pg_column_type (OxStmt *st, int col)
{
	PgColumnType t = { PG_OID_TEXT, -1, -1 };

	switch (ox_column_type (st, col)) {
	case OX_TYPE_BOOLEAN:     t.oid = PG_OID_BOOL;        t.size = 1; break;
	case OX_TYPE_SMALLINT:    t.oid = PG_OID_INT2;        t.size = 2; break;
	case OX_TYPE_INTEGER:     t.oid = PG_OID_INT4;        t.size = 4; break;
	case OX_TYPE_BIGINT:      t.oid = PG_OID_INT8;        t.size = 8; break;
	case OX_TYPE_REAL:        t.oid = PG_OID_FLOAT4;      t.size = 4; break;
	case OX_TYPE_DOUBLE:      t.oid = PG_OID_FLOAT8;      t.size = 8; break;
	case OX_TYPE_NUMERIC:     t.oid = PG_OID_NUMERIC;     break;
	case OX_TYPE_VARCHAR:     t.oid = PG_OID_VARCHAR;     break;
	case OX_TYPE_CHAR:        t.oid = PG_OID_BPCHAR;      break;
	case OX_TYPE_BYTEA:       t.oid = PG_OID_BYTEA;       break;
	case OX_TYPE_DATE:        t.oid = PG_OID_DATE;        t.size = 4; break;
	case OX_TYPE_TIMESTAMP:   t.oid = PG_OID_TIMESTAMP;   t.size = 8; break;
	case OX_TYPE_TIMESTAMPTZ: t.oid = PG_OID_TIMESTAMPTZ; t.size = 8; break;
	case OX_TYPE_TEXT:
	case OX_TYPE_NULL:
	default:
		break;
	}
	t.typmod = typmod_from_name (ox_column_type_name (st, col), t.oid);
	return t;
}

gboolean
pg_type_has_binary (guint32 oid)
{
	switch (oid) {
	case PG_OID_BOOL: case PG_OID_BYTEA: case PG_OID_INT8: case PG_OID_INT2:
	case PG_OID_INT4: case PG_OID_TEXT: case PG_OID_FLOAT4: case PG_OID_FLOAT8:
	case PG_OID_BPCHAR: case PG_OID_VARCHAR: case PG_OID_DATE:
	case PG_OID_TIMESTAMP: case PG_OID_TIMESTAMPTZ: case PG_OID_NUMERIC:
		return TRUE;
	default:
		return FALSE;
	}
}

/* A numeric's text ("-123.4500", "NaN", "Infinity") in numeric_send's
 * format (see numeric_binary_to_text below for the layout): the digits
 * before the point padded on the left and those after it on the right to
 * whole base-10000 groups, leading and trailing zero groups dropped (the
 * weight counts the groups dropped in front), dscale the digits after
 * the point.  FALSE when text is not a plain decimal. */
static gboolean
put_numeric_binary (GByteArray *out, const char *text)
{
	guint16 sign = 0;
	const char *p = text;
	if (!strcmp (p, "NaN") || !strcmp (p, "Infinity") || !strcmp (p, "-Infinity")) {
		sign = p[0] == 'N' ? 0xC000 : p[0] == 'I' ? 0xD000 : 0xF000;
		pg_put_i32 (out, 8);
		pg_put_i16 (out, 0);
		pg_put_i16 (out, 0);
		pg_put_i16 (out, (gint16) sign);
		pg_put_i16 (out, 0);
		return TRUE;
	}
	if (*p == '-' || *p == '+')
		sign = *p++ == '-' ? 0x4000 : 0;
	size_t nint = strspn (p, "0123456789");
	const char *frac = p[nint] == '.' ? p + nint + 1 : p + nint;
	size_t nfrac = strspn (frac, "0123456789");
	if ((nint == 0 && nfrac == 0) || frac[nfrac] != '\0' || (p[nint] != '.' && p[nint] != '\0') || nfrac > 16383)
		return FALSE;
	/* digits, grouped: (nint + pad) / 4 integer groups, then the fraction's */
	size_t lead = (4 - nint % 4) % 4, ngi = (nint + lead) / 4, ngf = (nfrac + 3) / 4;
	GArray *g = g_array_sized_new (FALSE, TRUE, sizeof (gint16), (guint) (ngi + ngf));
	for (size_t i = 0; i < ngi + ngf; i++) {
		int v = 0;
		for (size_t k = 0; k < 4; k++) {
			char c = '0';
			if (i < ngi) {
				size_t pos = i * 4 + k;  /* in the left-padded integer digits */
				if (pos >= lead)
					c = p[pos - lead];
			} else {
				size_t f = (i - ngi) * 4 + k;
				if (f < nfrac)
					c = frac[f];
			}
			v = v * 10 + (c - '0');
		}
		gint16 d = (gint16) v;
		g_array_append_val (g, d);
	}
	int weight = (int) ngi - 1;
	guint first = 0, last = g->len;
	while (first < last && g_array_index (g, gint16, first) == 0) {
		first++;
		weight--;
	}
	while (last > first && g_array_index (g, gint16, last - 1) == 0)
		last--;
	guint n = last - first;
	if (n == 0) {
		weight = 0;  /* zero, as numeric_send writes it */
		sign = 0;
	}
	pg_put_i32 (out, (gint32) (8 + 2 * n));
	pg_put_i16 (out, (gint16) n);
	pg_put_i16 (out, (gint16) weight);
	pg_put_i16 (out, (gint16) sign);
	pg_put_i16 (out, (gint16) nfrac);
	for (guint i = first; i < last; i++)
		pg_put_i16 (out, g_array_index (g, gint16, i));
	g_array_unref (g);
	return TRUE;
}

void
pg_put_binary_value (GByteArray *out, OxStmt *st, int col, guint32 oid)
{
	if (ox_column_is_null (st, col)) {
		pg_put_i32 (out, -1);
		return;
	}
	switch (oid) {
	case PG_OID_BOOL:
		pg_put_i32 (out, 1);
		pg_put_u8 (out, ox_column_bool (st, col) ? 1 : 0);
		return;
	case PG_OID_INT2:
		pg_put_i32 (out, 2);
		pg_put_i16 (out, (gint16) ox_column_int64 (st, col));
		return;
	case PG_OID_INT4:
	case PG_OID_DATE:
		pg_put_i32 (out, 4);
		pg_put_i32 (out, (gint32) ox_column_int64 (st, col));
		return;
	case PG_OID_INT8:
	case PG_OID_TIMESTAMP:
	case PG_OID_TIMESTAMPTZ:
		pg_put_i32 (out, 8);
		pg_put_i64 (out, ox_column_int64 (st, col));
		return;
	case PG_OID_FLOAT4: {
		float f = (float) ox_column_double (st, col);
		guint32 u;
		memcpy (&u, &f, 4);
		pg_put_i32 (out, 4);
		pg_put_i32 (out, (gint32) u);
		return;
	}
	case PG_OID_NUMERIC: {
		const char *text = ox_column_text (st, col);
		if (put_numeric_binary (out, text ? text : ""))
			return;
		/* not a plain decimal (the engine's numeric output always is):
		 * NaN rather than bytes a client would misread */
		put_numeric_binary (out, "NaN");
		return;
	}
	case PG_OID_FLOAT8: {
		double d = ox_column_double (st, col);
		guint64 u;
		memcpy (&u, &d, 8);
		pg_put_i32 (out, 8);
		pg_put_i64 (out, (gint64) u);
		return;
	}
	default: {
		/* text, varchar, bpchar: the characters; bytea: the raw bytes
		 * (ox_column_blob gives the text of any non-bytea value) */
		size_t n = 0;
		const void *p = ox_column_blob (st, col, &n);
		pg_put_i32 (out, (gint32) n);
		pg_put_bytes (out, p, n);
		return;
	}
	}
}

static gint64
be_int (const guint8 *v, gint32 len)
{
	guint64 u = 0;
	for (gint32 i = 0; i < len; i++)
		u = u << 8 | v[i];
	/* sign-extend from len bytes */
	if (len < 8 && (v[0] & 0x80))
		u |= ~(guint64) 0 << (len * 8);
	return (gint64) u;
}

/* "2024-05-01" for days since 2000-01-01; NULL when out of GDate's range. */
static char *
format_date (gint64 days)
{
	if (days < -700000 || days > 2900000)
		return NULL;
	GDate d;
	g_date_clear (&d, 1);
	g_date_set_dmy (&d, 1, G_DATE_JANUARY, 2000);
	if (days >= 0)
		g_date_add_days (&d, (guint) days);
	else
		g_date_subtract_days (&d, (guint) -days);
	return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&d), g_date_get_month (&d), g_date_get_day (&d));
}

/* "2024-05-01 12:00:00.000001" (+ "+00") for microseconds since 2000. */
static char *
format_timestamp (gint64 us, gboolean tz)
{
	gint64 secs = us / G_USEC_PER_SEC, frac = us % G_USEC_PER_SEC;
	if (frac < 0) {
		frac += G_USEC_PER_SEC;
		secs -= 1;
	}
	g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (secs + PG_EPOCH_UNIX);
	if (!dt)
		return NULL;
	g_autofree char *base = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");
	return g_strdup_printf ("%s.%06d%s", base, (int) frac, tz ? "+00" : "");
}

/* PostgreSQL's binary numeric (numeric_send): ndigits, weight (of the
 * first digit, in base-10000 places), sign (0x0000, 0x4000 negative,
 * 0xC000 NaN, 0xD000 / 0xF000 infinities), dscale, then ndigits base-10000
 * digits, all big-endian int16.  Returns the decimal text, or NULL when
 * the bytes do not hold such a value. */
static char *
numeric_binary_to_text (const guint8 *v, gint32 len)
{
	if (len < 8)
		return NULL;
	int ndigits = (gint16) be_int (v, 2), weight = (gint16) be_int (v + 2, 2);
	guint16 sign = (guint16) be_int (v + 4, 2);
	int dscale = (gint16) be_int (v + 6, 2);
	if (ndigits < 0 || dscale < 0 || dscale > 16383 || len != 8 + 2 * ndigits)
		return NULL;
	if (sign == 0xC000)
		return g_strdup ("NaN");
	if (sign == 0xD000)
		return g_strdup ("Infinity");
	if (sign == 0xF000)
		return g_strdup ("-Infinity");
	if (sign != 0 && sign != 0x4000)
		return NULL;
	GString *s = g_string_new (sign == 0x4000 ? "-" : "");
	/* integer part: digit groups 0..weight */
	if (weight < 0)
		g_string_append_c (s, '0');
	for (int i = 0; i <= weight; i++) {
		int d = i < ndigits ? (int) be_int (v + 8 + 2 * i, 2) : 0;
		if (d < 0 || d > 9999) {
			g_string_free (s, TRUE);
			return NULL;
		}
		g_string_append_printf (s, i == 0 ? "%d" : "%04d", d);
	}
	if (dscale > 0) {
		g_string_append_c (s, '.');
		for (int k = 0; k < dscale; k++) {
			/* decimal place k+1 lives in group weight+1+k/4 */
			int g = weight + 1 + k / 4;
			int d = g >= 0 && g < ndigits ? (int) be_int (v + 8 + 2 * g, 2) : 0;
			if (d < 0 || d > 9999) {
				g_string_free (s, TRUE);
				return NULL;
			}
			static const int div[] = { 1000, 100, 10, 1 };
			g_string_append_c (s, (char) ('0' + d / div[k % 4] % 10));
		}
	}
	return g_string_free (s, FALSE);
}

gboolean
pg_bind_param (OxStmt *st, int idx, const guint8 *v, gint32 len, gint16 fmt,
               guint32 oid, const char **sqlstate, char **message)
{
	OxError err = { 0 };
	int rc;

	if (len < 0) {
		rc = ox_bind_null (st, idx, &err);
		goto done;
	}
	if (fmt == 0 || oid == PG_OID_BYTEA) {
		if (fmt == 1) {
			rc = ox_bind_blob (st, idx, v, (size_t) len, &err);
			goto done;
		}
		if (!g_utf8_validate ((const char *) v, len, NULL) || memchr (v, 0, (size_t) len)) {
			*sqlstate = "22021";
			*message = g_strdup_printf ("invalid byte sequence for encoding \"UTF8\" in parameter $%d", idx);
			return FALSE;
		}
		rc = ox_bind_text (st, idx, (const char *) v, len, &err);
		goto done;
	}

	/* binary */
	gint32 want = 0;
	switch (oid) {
	case PG_OID_BOOL: want = 1; break;
	case PG_OID_INT2: want = 2; break;
	case PG_OID_INT4: case PG_OID_FLOAT4: case PG_OID_DATE: want = 4; break;
	case PG_OID_INT8: case PG_OID_FLOAT8: case PG_OID_TIMESTAMP: case PG_OID_TIMESTAMPTZ: want = 8; break;
	case PG_OID_TEXT: case PG_OID_VARCHAR: case PG_OID_BPCHAR: want = -1; break;
	case PG_OID_NUMERIC: {
		/* JDBC sends BigDecimal parameters so: decoded to text, which
		 * the engine reads exactly */
		g_autofree char *text = numeric_binary_to_text (v, len);
		if (!text) {
			*sqlstate = "22P03";
			*message = g_strdup_printf ("invalid numeric value in binary bind parameter %d", idx);  /* PG: "invalid ... in external numeric value" */
			return FALSE;
		}
		rc = ox_bind_text (st, idx, text, -1, &err);
		goto done;
	}
	default:
		*sqlstate = "0A000";
		*message = oid == 0
		           ? g_strdup_printf ("binary format for parameter $%d needs its type in the Parse message", idx)
		           : g_strdup_printf ("binary format for parameter $%d of type %u is not supported", idx, oid);
		return FALSE;
	}
	if (want >= 0 && len != want) {
		*sqlstate = "22P03";
		*message = g_strdup_printf ("incorrect binary data format in bind parameter %d", idx);
		return FALSE;
	}
	switch (oid) {
	case PG_OID_BOOL:
		rc = ox_bind_bool (st, idx, v[0] != 0, &err);
		break;
	case PG_OID_INT2: case PG_OID_INT4: case PG_OID_INT8:
		rc = ox_bind_int64 (st, idx, be_int (v, len), &err);
		break;
	case PG_OID_FLOAT4: {
		guint32 u = (guint32) be_int (v, 4);
		float f;
		memcpy (&f, &u, 4);
		rc = ox_bind_double (st, idx, f, &err);
		break;
	}
	case PG_OID_FLOAT8: {
		guint64 u = (guint64) be_int (v, 8);
		double d;
		memcpy (&d, &u, 8);
		rc = ox_bind_double (st, idx, d, &err);
		break;
	}
	case PG_OID_DATE:
	case PG_OID_TIMESTAMP:
	case PG_OID_TIMESTAMPTZ: {
		gint64 n = be_int (v, len);
		g_autofree char *text = oid == PG_OID_DATE ? format_date (n)
		                        : format_timestamp (n, oid == PG_OID_TIMESTAMPTZ);
		if (!text) {
			*sqlstate = "22008";
			*message = g_strdup_printf ("parameter $%d is out of range", idx);
			return FALSE;
		}
		rc = ox_bind_text (st, idx, text, -1, &err);
		break;
	}
	default: /* text, varchar, bpchar */
		if (!g_utf8_validate ((const char *) v, len, NULL) || memchr (v, 0, (size_t) len)) {
			*sqlstate = "22021";
			*message = g_strdup_printf ("invalid byte sequence for encoding \"UTF8\" in parameter $%d", idx);
			return FALSE;
		}
		rc = ox_bind_text (st, idx, (const char *) v, len, &err);
		break;
	}

done:
	if (rc != OX_OK) {
		*sqlstate = "08P01";  /* ox_bind_* fails only for an index out of range */
		*message = g_strdup (err.message ? err.message : "could not bind parameter");
		ox_error_clear (&err);
		return FALSE;
	}
	return TRUE;
}

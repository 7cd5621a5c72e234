/*
 * redo.c — WAL payload encoding (see redo.h and wal-format.h).
 */
#include "redo.h"
#include "table.h"
#include "wal-format.h"
#include "base/numeric.h"
#include "base/error.h"

#include <string.h>

void
ox_put_u8 (GByteArray *b, uint8_t v)
{
	g_byte_array_append (b, &v, 1);
}

void
ox_put_u16 (GByteArray *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t) v, (uint8_t) (v >> 8) };
	g_byte_array_append (b, x, 2);
}

void
ox_put_u32 (GByteArray *b, uint32_t v)
{
	uint8_t x[4];
	for (int i = 0; i < 4; i++)
		x[i] = (uint8_t) (v >> (8 * i));
	g_byte_array_append (b, x, 4);
}

void
ox_put_u64 (GByteArray *b, uint64_t v)
{
	uint8_t x[8];
	for (int i = 0; i < 8; i++)
		x[i] = (uint8_t) (v >> (8 * i));
	g_byte_array_append (b, x, 8);
}

static void
put_bytes (GByteArray *b, const void *p, uint32_t n)
{
	ox_put_u32 (b, n);
	if (n)
		g_byte_array_append (b, p, n);
}

void
ox_put_str (GByteArray *b, const char *s)
{
	put_bytes (b, s ? s : "", s ? (uint32_t) strlen (s) : 0);
}

void
ox_put_value (GByteArray *b, const OxValue *v)
{
	if (v->null) {
		ox_put_u8 (b, OX_REDO_NULL);
		return;
	}
	ox_put_u8 (b, v->type);
	switch ((OxTypeId) v->type) {
	case OX_T_BOOL:
		ox_put_u8 (b, v->v.b);
		break;
	case OX_T_INT2:
	case OX_T_INT4:
	case OX_T_INT8:
	case OX_T_DATE:
	case OX_T_TIMESTAMP:
	case OX_T_TIMESTAMPTZ:
		ox_put_u64 (b, (uint64_t) v->v.i);
		break;
	case OX_T_FLOAT4:
	case OX_T_FLOAT8: {
		uint64_t bits;
		memcpy (&bits, &v->v.f, 8);
		ox_put_u64 (b, bits);
		break;
	}
	case OX_T_NUMERIC: {
		OxArena *a = ox_arena_new ();
		ox_put_str (b, ox_numeric_out (a, v->v.num));
		ox_arena_free (a);
		break;
	}
	default:
		put_bytes (b, v->v.str, v->len);
		break;
	}
}

static bool
need (OxReader *r, size_t n)
{
	if (r->bad || (size_t) (r->end - r->p) < n) {
		r->bad = true;
		return false;
	}
	return true;
}

uint8_t
ox_get_u8 (OxReader *r)
{
	if (!need (r, 1))
		return 0;
	return *r->p++;
}

uint16_t
ox_get_u16 (OxReader *r)
{
	if (!need (r, 2))
		return 0;
	uint16_t v = (uint16_t) (r->p[0] | r->p[1] << 8);
	r->p += 2;
	return v;
}

uint32_t
ox_get_u32 (OxReader *r)
{
	if (!need (r, 4))
		return 0;
	uint32_t v = (uint32_t) r->p[0] | (uint32_t) r->p[1] << 8 | (uint32_t) r->p[2] << 16 | (uint32_t) r->p[3] << 24;
	r->p += 4;
	return v;
}

uint64_t
ox_get_u64 (OxReader *r)
{
	uint64_t lo = ox_get_u32 (r);
	uint64_t hi = ox_get_u32 (r);
	return lo | hi << 32;
}

char *
ox_get_str (OxReader *r, OxArena *a)
{
	uint32_t n = ox_get_u32 (r);
	if (!need (r, n))
		return ox_arena_strdup (a, "");
	char *s = ox_arena_strndup (a, (const char *) r->p, n);
	r->p += n;
	return s;
}

OxValue
ox_get_value (OxReader *r, OxArena *a)
{
	uint8_t t = ox_get_u8 (r);
	if (t == OX_REDO_NULL)
		return ox_null (OX_T_UNKNOWN);
	switch ((OxTypeId) t) {
	case OX_T_BOOL:
		return ox_bool (ox_get_u8 (r) != 0);
	case OX_T_INT2:
	case OX_T_INT4:
	case OX_T_INT8:
	case OX_T_DATE:
	case OX_T_TIMESTAMP:
	case OX_T_TIMESTAMPTZ:
		return ox_int ((OxTypeId) t, (int64_t) ox_get_u64 (r));
	case OX_T_FLOAT4:
	case OX_T_FLOAT8: {
		uint64_t bits = ox_get_u64 (r);
		double d;
		memcpy (&d, &bits, 8);
		return ox_float ((OxTypeId) t, d);
	}
	case OX_T_NUMERIC: {
		char *s = ox_get_str (r, a);
		OxValue v = { .type = OX_T_NUMERIC };
		v.v.num = ox_numeric_parse (a, s, strlen (s));
		return v;
	}
	case OX_T_UNKNOWN:
	case OX_T_TEXT:
	case OX_T_VARCHAR:
	case OX_T_BPCHAR:
	case OX_T_BYTEA: {
		uint32_t n = ox_get_u32 (r);
		if (!need (r, n))
			return ox_null ((OxTypeId) t);
		OxValue v = { .type = t, .len = n };
		v.v.str = ox_arena_strndup (a, (const char *) r->p, n);
		r->p += n;
		return v;
	}
	default:
		r->bad = true;
		return ox_null (OX_T_UNKNOWN);
	}
}

uint32_t
ox_redo_encode_txn (OxTxn *t, GByteArray *out, uint32_t (*encode_catalog) (void *object, int action, GByteArray *out))
{
	uint32_t n = 0;
	for (guint i = 0; i < t->undo->len; i++) {
		OxUndo *u = &g_array_index (t->undo, OxUndo, i);
		if (OX_UNDO_KIND (u) == OX_UNDO_CATALOG) {
			if (encode_catalog)
				n += encode_catalog (u->object, u->action, out);
			continue;
		}
		if (u->data->oid == 0)
			continue;  /* not a catalog table (never logged) */
		if (OX_UNDO_KIND (u) == OX_UNDO_RANGE) {
			/* one INSERT per row, as single entries would give: recovery
			 * needs no new record kind.  The slots are read under the
			 * latch (another session's insert may move them), taken
			 * per batch of rows. */
			OxTableData *d = u->data;
			uint64_t count = OX_UNDO_COUNT (u);
			for (uint64_t done = 0; done < count;) {
				uint64_t stop = MIN (count, done + 4096);
				g_rw_lock_reader_lock (&d->latch);
				for (; done < stop; done++) {
					OxRow v = ox_table_inserted_version_latched (d, u->rowid + done);
					ox_put_u8 (out, OX_REDO_INSERT);
					ox_put_u32 (out, d->oid);
					ox_put_u64 (out, u->rowid + done);
					ox_put_u16 (out, (uint16_t) d->ncols);
					OxValue row[64];  /* wider rows a column at a time */
					if (d->ncols <= 64)
						ox_tuple_decode (d->fmt, v, row);
					for (int c = 0; c < d->ncols; c++) {
						OxValue cv = d->ncols <= 64 ? row[c] : ox_tuple_get (d->fmt, v, c);
						ox_put_value (out, &cv);
					}
				}
				g_rw_lock_reader_unlock (&d->latch);
			}
			n += (uint32_t) count;
			continue;
		}
		if (u->tuple->flags & OX_TUPLE_DELETED) {
			ox_put_u8 (out, OX_REDO_DELETE);
			ox_put_u32 (out, u->data->oid);
			ox_put_u64 (out, u->rowid);
		} else {
			/* inserts are RANGE entries: a version is an update */
			ox_put_u8 (out, OX_REDO_UPDATE);
			ox_put_u32 (out, u->data->oid);
			ox_put_u64 (out, u->rowid);
			ox_put_u16 (out, (uint16_t) u->data->ncols);
			OxValue row[64];  /* wider rows a column at a time */
			if (u->data->ncols <= 64)
				ox_tuple_decode (u->data->fmt, u->tuple->data, row);
			for (int c = 0; c < u->data->ncols; c++) {
				OxValue v = u->data->ncols <= 64 ? row[c] : ox_tuple_get (u->data->fmt, u->tuple->data, c);
				ox_put_value (out, &v);
			}
		}
		n++;
	}
	return n;
}

/*
 * tuple.c — packing rows into versions and decoding them (see tuple.h
 * for the format).
 *
 * What can go wrong: a row read with another format than the one it was
 * written with is garbage, so a table's format is set once, before its
 * first row (ox_row_format_set_type); rows that do not match it exactly
 * go to the self-describing generic form instead of being coerced.  The
 * decode loop is on the path of every scanned row: it is a switch per
 * column over memcpy's of fixed widths, with no allocation.
 */
#include "tuple.h"
#include "base/numeric.h"

#include <float.h>
#include <glib.h>
#include <math.h>

OxRowFormat *
ox_row_format_new (int ncols)
{
	OxRowFormat *f = g_new0 (OxRowFormat, 1);
	int n = ncols > 0 ? ncols : 1;
	f->ncols = ncols;
	f->nullbytes = (ncols + 8) / 8;  /* bit 0: the generic form; column c: bit c + 1 */
	f->decl = g_new0 (uint8_t, n);
	f->enc = g_new0 (uint8_t, n);
	f->cls = g_new0 (uint8_t, n);   /* OX_TCLS_NONE */
	f->width = g_new0 (uint8_t, n);
	f->off = g_new (int32_t, n);
	f->vrank = g_new (int, n);
	f->fixed = g_new (int, n);
	f->var = g_new (int, n);
	for (int c = 0; c < ncols; c++)
		f->enc[c] = 0xff;  /* matches no value's type: generic */
	ox_row_format_set_type (f, -1, OX_T_UNKNOWN);
	return f;
}

void
ox_row_format_free (OxRowFormat *f)
{
	if (!f)
		return;
	g_free (f->decl);
	g_free (f->enc);
	g_free (f->cls);
	g_free (f->width);
	g_free (f->off);
	g_free (f->vrank);
	g_free (f->fixed);
	g_free (f->var);
	g_free (f);
}

static int
class_of (OxTypeId t)
{
	switch (t) {
	case OX_T_BOOL: return OX_TCLS_BOOL;
	case OX_T_INT2: return OX_TCLS_I2;
	case OX_T_INT4:
	case OX_T_DATE: return OX_TCLS_I4;
	case OX_T_INT8:
	case OX_T_TIMESTAMP:
	case OX_T_TIMESTAMPTZ: return OX_TCLS_I8;
	case OX_T_FLOAT4: return OX_TCLS_F4;
	case OX_T_FLOAT8: return OX_TCLS_F8;
	case OX_T_UNKNOWN:
	case OX_T_TEXT:
	case OX_T_VARCHAR:
	case OX_T_BPCHAR: return OX_TCLS_TEXT;
	case OX_T_BYTEA: return OX_TCLS_BYTEA;
	case OX_T_NUMERIC: return OX_TCLS_NUMERIC;
	default: return OX_TCLS_NONE;
	}
}

/* The class a value of type t takes in the generic form: every scalar in
 * 8 bytes (v's own bits), so no range can be exceeded. */
static int
generic_class_of (OxTypeId t)
{
	switch (class_of (t)) {
	case OX_TCLS_BOOL: return OX_TCLS_BOOL;
	case OX_TCLS_F4:
	case OX_TCLS_F8: return OX_TCLS_F8;
	case OX_TCLS_TEXT: return OX_TCLS_TEXT;
	case OX_TCLS_BYTEA: return OX_TCLS_BYTEA;
	case OX_TCLS_NUMERIC: return OX_TCLS_NUMERIC;
	default: return OX_TCLS_I8;  /* integers, dates, and any type id we do not know */
	}
}

static const uint8_t class_width[] = {
	[OX_TCLS_NONE] = 0, [OX_TCLS_BOOL] = 1, [OX_TCLS_I2] = 2, [OX_TCLS_I4] = 4, [OX_TCLS_I8] = 8,
	[OX_TCLS_F4] = 4, [OX_TCLS_F8] = 8, [OX_TCLS_TEXT] = 0, [OX_TCLS_BYTEA] = 0, [OX_TCLS_NUMERIC] = 0,
};

void
ox_row_format_set_type (OxRowFormat *f, int col, OxTypeId t)
{
	if (col >= 0 && col < f->ncols) {
		int k = class_of (t);
		f->decl[col] = (uint8_t) t;
		/* an untyped column (CREATE TABLE AS over a literal) stores TEXT */
		f->enc[col] = (uint8_t) (t == OX_T_UNKNOWN ? OX_T_TEXT : t);
		f->cls[col] = (uint8_t) k;
		f->width[col] = class_width[k];
		if (k == OX_TCLS_NONE)
			f->enc[col] = 0xff;
	}
	/* the fixed-width columns first, each at its offset, then the others */
	int32_t off = f->nullbytes;
	f->nfixed = f->nvar = 0;
	for (int c = 0; c < f->ncols; c++) {
		f->off[c] = -1;
		f->vrank[c] = -1;
		if (f->width[c]) {
			f->fixed[f->nfixed++] = c;
			f->off[c] = off;
			off += f->width[c];
		} else {
			f->vrank[c] = f->nvar;
			f->var[f->nvar++] = c;
		}
	}
	f->varstart = off;
}

/* ---- lengths ------------------------------------------------------------------------------------ */

static inline size_t
len_size (uint32_t n)
{
	return n < 128 ? 1 : 4;
}

static inline uint8_t *
put_len (uint8_t *p, uint32_t n)
{
	if (n < 128) {
		*p = (uint8_t) n;
		return p + 1;
	}
	g_assert (n < UINT32_C (0x80000000));
	uint32_t be = GUINT32_TO_BE (n | UINT32_C (0x80000000));
	memcpy (p, &be, 4);
	return p + 4;
}

static inline const uint8_t *
get_len (const uint8_t *p, uint32_t *n)
{
	if (p[0] < 128) {
		*n = p[0];
		return p + 1;
	}
	uint32_t be;
	memcpy (&be, p, 4);
	*n = GUINT32_FROM_BE (be) & UINT32_C (0x7fffffff);
	return p + 4;
}

/* ---- encoding ----------------------------------------------------------------------------------- */

/* Does v fit column c of the packed form exactly? */
static inline bool
fits (const OxRowFormat *f, int c, const OxValue *v)
{
	if (v->null)
		return v->type == f->decl[c];
	if (v->type != f->enc[c])
		return false;
	switch (f->cls[c]) {
	case OX_TCLS_I2: return v->v.i == (int16_t) v->v.i;
	case OX_TCLS_I4: return v->v.i == (int32_t) v->v.i;
	case OX_TCLS_F4: {
		/* FLOAT4 values are kept rounded to float: exact unless some
		 * path forgot to round (then the bits are kept, generic) */
		if (isfinite (v->v.f) && fabs (v->v.f) > FLT_MAX)
			return false;  /* converting it to float would be undefined */
		double back = (double) (float) v->v.f;
		return memcmp (&back, &v->v.f, sizeof back) == 0;
	}
	case OX_TCLS_NONE: return false;
	default: return true;
	}
}

/* Bytes value v takes in class k, at body offset 'at' (numerics align). */
static inline size_t
var_size (int k, const OxValue *v, size_t at)
{
	switch (k) {
	case OX_TCLS_TEXT: return len_size (v->len) + v->len + 1;
	case OX_TCLS_BYTEA: return len_size (v->len) + v->len;
	case OX_TCLS_NUMERIC: return (at & 1) + ox_numeric_size (v->v.num);
	default: return class_width[k];
	}
}

/* Write v in class k at p (b: the body's start); returns the end. */
static inline uint8_t *
put_value (int k, const OxValue *v, uint8_t *b, uint8_t *p)
{
	switch (k) {
	case OX_TCLS_BOOL:
		*p = v->v.b ? 1 : 0;
		return p + 1;
	case OX_TCLS_I2: {
		int16_t x = (int16_t) v->v.i;
		memcpy (p, &x, 2);
		return p + 2;
	}
	case OX_TCLS_I4: {
		int32_t x = (int32_t) v->v.i;
		memcpy (p, &x, 4);
		return p + 4;
	}
	case OX_TCLS_I8:
		memcpy (p, &v->v.i, 8);
		return p + 8;
	case OX_TCLS_F4: {
		float x = (float) v->v.f;
		memcpy (p, &x, 4);
		return p + 4;
	}
	case OX_TCLS_F8:
		memcpy (p, &v->v.f, 8);
		return p + 8;
	case OX_TCLS_TEXT:
		p = put_len (p, v->len);
		if (v->len)
			memcpy (p, v->v.str, v->len);
		p[v->len] = '\0';
		return p + v->len + 1;
	case OX_TCLS_BYTEA:
		p = put_len (p, v->len);
		if (v->len)
			memcpy (p, v->v.bytes, v->len);
		return p + v->len;
	case OX_TCLS_NUMERIC: {
		if ((p - b) & 1)
			*p++ = 0;
		size_t n = ox_numeric_size (v->v.num);
		memcpy (p, v->v.num, n);
		return p + n;
	}
	default:
		g_assert_not_reached ();
	}
}

size_t
ox_row_size (const OxRowFormat *f, const OxValue *vals, bool *generic)
{
	int n = f->ncols;
	bool g = false;
	for (int c = 0; c < n && !g; c++)
		g = !fits (f, c, &vals[c]);
	size_t size;
	if (g) {
		size = (size_t) f->nullbytes;
		for (int c = 0; c < n; c++) {
			size += 1;  /* the type byte */
			if (!vals[c].null)
				size += var_size (generic_class_of ((OxTypeId) vals[c].type), &vals[c], size);
		}
	} else {
		size = (size_t) f->varstart;
		for (int k = 0; k < f->nvar; k++) {
			const OxValue *v = &vals[f->var[k]];
			if (!v->null)
				size += var_size (f->cls[f->var[k]], v, size);
		}
	}
	*generic = g;
	return size;
}

void
ox_row_write (const OxRowFormat *f, const OxValue *vals, bool generic, uint8_t *b, size_t size)
{
	int n = f->ncols;
	uint8_t *p = b + f->nullbytes;
	memset (b, 0, (size_t) f->nullbytes);
	if (generic)
		b[0] = OX_ROW_GENERIC;
	for (int c = 0; c < n; c++)
		if (vals[c].null)
			b[(c + 1) >> 3] |= (uint8_t) (1u << ((c + 1) & 7));
	if (generic) {
		for (int c = 0; c < n; c++) {
			const OxValue *v = &vals[c];
			*p++ = v->type;
			if (!v->null)
				p = put_value (generic_class_of ((OxTypeId) v->type), v, b, p);
		}
	} else {
		for (int k = 0; k < f->nfixed; k++) {
			int c = f->fixed[k];
			if (vals[c].null)
				memset (p, 0, f->width[c]);
			else
				put_value (f->cls[c], &vals[c], b, p);
			p += f->width[c];
		}
		for (int k = 0; k < f->nvar; k++) {
			int c = f->var[k];
			if (!vals[c].null)
				p = put_value (f->cls[c], &vals[c], b, p);
		}
	}
	g_assert ((size_t) (p - b) == size);
}

OxTuple *
ox_tuple_new (const OxRowFormat *f, const OxValue *vals)
{
	bool generic;
	size_t size = ox_row_size (f, vals, &generic);
	OxTuple *t = g_malloc (sizeof (OxTuple) + size);
	t->ts = 0;
	t->prev = NULL;
	t->cid = 0;
	t->flags = 0;
	ox_row_write (f, vals, generic, t->data, size);
	return t;
}

/* ---- decoding ----------------------------------------------------------------------------------- */

/* Size of the OxNumeric block at p (2-aligned), inline (numeric.h). */
static inline size_t
numeric_size (const uint8_t *p)
{
	uint16_t nd;
	memcpy (&nd, p + OX_NUMERIC_NDIGITS_AT, 2);
	return OX_NUMERIC_HEAD_SIZE + 2 * (size_t) nd;
}

/* Read a non-NULL value of class k and type id 'type' at p into *out;
 * returns the end. */
static inline const uint8_t *
get_value (int k, uint8_t type, const uint8_t *b, const uint8_t *p, OxValue *out)
{
	OxValue v = { .type = type };
	switch (k) {
	case OX_TCLS_BOOL:
		v.v.b = *p != 0;
		p += 1;
		break;
	case OX_TCLS_I2: {
		int16_t x;
		memcpy (&x, p, 2);
		v.v.i = x;
		p += 2;
		break;
	}
	case OX_TCLS_I4: {
		int32_t x;
		memcpy (&x, p, 4);
		v.v.i = x;
		p += 4;
		break;
	}
	case OX_TCLS_I8:
		memcpy (&v.v.i, p, 8);
		p += 8;
		break;
	case OX_TCLS_F4: {
		float x;
		memcpy (&x, p, 4);
		v.v.f = x;
		p += 4;
		break;
	}
	case OX_TCLS_F8:
		memcpy (&v.v.f, p, 8);
		p += 8;
		break;
	case OX_TCLS_TEXT: {
		uint32_t n;
		p = get_len (p, &n);
		v.len = n;
		v.v.str = (const char *) p;
		p += n + 1;
		break;
	}
	case OX_TCLS_BYTEA: {
		uint32_t n;
		p = get_len (p, &n);
		v.len = n;
		v.v.bytes = p;
		p += n;
		break;
	}
	case OX_TCLS_NUMERIC:
		p += (p - b) & 1;
		v.v.num = (const OxNumeric *) (const void *) p;
		p += numeric_size (p);
		break;
	default:
		g_assert_not_reached ();
	}
	*out = v;
	return p;
}

/* Step over variable-width column c (packed form, not NULL) at p. */
static inline const uint8_t *
skip_var (const OxRowFormat *f, int c, const uint8_t *b, const uint8_t *p)
{
	uint32_t n;
	switch (f->cls[c]) {
	case OX_TCLS_TEXT:
		p = get_len (p, &n);
		return p + n + 1;
	case OX_TCLS_BYTEA:
		p = get_len (p, &n);
		return p + n;
	default: /* OX_TCLS_NUMERIC */
		p += (p - b) & 1;
		return p + numeric_size (p);
	}
}

static inline bool
is_null (const uint8_t *b, int c)
{
	return (b[(c + 1) >> 3] >> ((c + 1) & 7)) & 1;
}

/* Column c of the generic form at p (its type byte, then the value
 * unless NULL) into *out; returns the end. */
static const uint8_t *
get_generic (const uint8_t *b, const uint8_t *p, int c, OxValue *out)
{
	uint8_t type = *p++;
	if (is_null (b, c)) {
		*out = ox_null ((OxTypeId) type);
		return p;
	}
	return get_value (generic_class_of ((OxTypeId) type), type, b, p, out);
}

void
ox_tuple_decode (const OxRowFormat *f, OxRow t, OxValue *restrict out)
{
	const uint8_t *restrict b = t, *p = b + f->nullbytes;
	if (G_UNLIKELY (t[0] & OX_ROW_GENERIC)) {
		for (int c = 0; c < f->ncols; c++)
			p = get_generic (b, p, c, &out[c]);
		return;
	}
	const uint8_t *restrict cls = f->cls, *restrict enc = f->enc, *restrict decl = f->decl;
	const int32_t *restrict off = f->off;
	const int *restrict fixed = f->fixed, *restrict var = f->var;
	int nfixed = f->nfixed, nvar = f->nvar;
	for (int k = 0; k < nfixed; k++) {
		int c = fixed[k];
		if (is_null (b, c))
			out[c] = ox_null ((OxTypeId) decl[c]);
		else
			get_value (cls[c], enc[c], b, b + off[c], &out[c]);
	}
	p = b + f->varstart;
	for (int k = 0; k < nvar; k++) {
		int c = var[k];
		if (is_null (b, c))
			out[c] = ox_null ((OxTypeId) decl[c]);
		else
			p = get_value (cls[c], enc[c], b, p, &out[c]);
	}
}

void
ox_tuple_decode_cols (const OxRowFormat *f, OxRow t, OxValue *restrict out, const int *restrict cols,
                      int n)
{
	const uint8_t *restrict b = t;
	if (G_UNLIKELY (t[0] & OX_ROW_GENERIC)) {
		const uint8_t *p = b + f->nullbytes;
		int c = 0;
		for (int k = 0; k < n; k++) {
			OxValue v;
			for (; c < cols[k]; c++)
				p = get_generic (b, p, c, &v);
			p = get_generic (b, p, c++, &out[cols[k]]);
		}
		return;
	}
	/* the format's arrays in restrict locals: the stores to out[] cannot
	 * change them, so they are not read again after each (measured:
	 * group_by's two columns a row went from 120 to 45 instructions) */
	const uint8_t *restrict cls = f->cls, *restrict enc = f->enc, *restrict decl = f->decl;
	const uint8_t *restrict width = f->width;
	const int32_t *restrict off = f->off;
	/* variable-width columns: a cursor steps forward (cols ascend, and
	 * so do their places among the variable-width ones) */
	int wk = 0;
	const uint8_t *wp = b + f->varstart;
	for (int k = 0; k < n; k++) {
		int c = cols[k];
		if (is_null (b, c)) {
			out[c] = ox_null ((OxTypeId) decl[c]);
			continue;
		}
		if (width[c]) {
			get_value (cls[c], enc[c], b, b + off[c], &out[c]);
			continue;
		}
		for (; wk < f->vrank[c]; wk++)
			if (!is_null (b, f->var[wk]))
				wp = skip_var (f, f->var[wk], b, wp);
		wp = get_value (cls[c], enc[c], b, wp, &out[c]);
		wk++;  /* the cursor past c */
	}
}

void
ox_tuple_steps (const OxRowFormat *f, const int *cols, int n, OxColStep *steps)
{
	for (int k = 0; k < n; k++) {
		int c = cols[k];
		OxColStep *s = &steps[k];
		s->off = f->width[c] ? f->off[c] : -1;
		s->vrank = f->vrank[c];
		s->col = c;
		s->cls = f->cls[c];
		s->type = f->enc[c];
		s->decl = f->decl[c];
		s->nbyte = (uint16_t) ((c + 1) >> 3);
		s->nmask = (uint8_t) (1u << ((c + 1) & 7));
	}
}

/* Measured (callgrind, release): group_by's two columns a row cost 120
 * instructions through ox_tuple_decode_cols, 55 this way. */
void
ox_tuple_decode_steps_slow (const OxRowFormat *f, OxRow t, OxValue *restrict out,
                            const OxColStep *restrict steps, int n)
{
	const uint8_t *b = t;
	if (G_UNLIKELY (t[0] & OX_ROW_GENERIC)) {
		const uint8_t *p = b + f->nullbytes;
		int c = 0;
		for (int k = 0; k < n; k++) {
			OxValue v;
			for (; c < steps[k].col; c++)
				p = get_generic (b, p, c, &v);
			p = get_generic (b, p, c++, &out[steps[k].col]);
		}
		return;
	}
	int wk = 0;
	const uint8_t *wp = b + f->varstart;
	for (int k = 0; k < n; k++) {
		const OxColStep *s = &steps[k];
		OxValue *o = &out[s->col];
		if (b[s->nbyte] & s->nmask) {
			*o = ox_null ((OxTypeId) s->decl);
			continue;
		}
		if (s->off >= 0) {
			get_value (s->cls, s->type, b, b + s->off, o);
			continue;
		}
		for (; wk < s->vrank; wk++)
			if (!is_null (b, f->var[wk]))
				wp = skip_var (f, f->var[wk], b, wp);
		wp = get_value (s->cls, s->type, b, wp, o);
		wk++;
	}
}

OxValue
ox_tuple_get_slow (const OxRowFormat *f, OxRow t, int col)
{
	const uint8_t *b = t, *p;
	OxValue v;
	if (G_UNLIKELY (t[0] & OX_ROW_GENERIC)) {
		p = b + f->nullbytes;
		for (int c = 0; c <= col; c++)
			p = get_generic (b, p, c, &v);
		return v;
	}
	if (is_null (b, col))
		return ox_null ((OxTypeId) f->decl[col]);
	if (f->width[col])
		p = b + f->off[col];
	else {
		p = b + f->varstart;
		for (int k = 0; k < f->vrank[col]; k++)
			if (!is_null (b, f->var[k]))
				p = skip_var (f, f->var[k], b, p);
	}
	get_value (f->cls[col], f->enc[col], b, p, &v);
	return v;
}

size_t
ox_tuple_body_size (const OxRowFormat *f, OxRow t)
{
	const uint8_t *b = t, *p = b + f->nullbytes;
	if (t[0] & OX_ROW_GENERIC) {
		OxValue v;
		for (int c = 0; c < f->ncols; c++)
			p = get_generic (b, p, c, &v);
		return (size_t) (p - b);
	}
	p = b + f->varstart;
	for (int k = 0; k < f->nvar; k++)
		if (!is_null (b, f->var[k]))
			p = skip_var (f, f->var[k], b, p);
	return (size_t) (p - b);
}

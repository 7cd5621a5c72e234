/*
 * cron.c — cron expressions: parsing, the next fire instant in a time
 * zone, canonical text.  The syntax and the rules are in cron.h.
 *
 * The next instant is found in wall-clock ("local") time first: a
 * calendar walk finds the next local minute the fields allow
 * (next_local_match), then fire_of_local turns that minute into the UTC
 * instant(s) it stands for in the zone — one normally, two in a repeated
 * hour, none in a gap (where a fixed-time expression fires at the gap's
 * end).  Local minutes are visited in order, but because a repeated hour
 * maps later local times to earlier instants, the first instant found is
 * not always the smallest; ox_cron_next keeps looking until no later local
 * minute can give an earlier instant (see the proof at its loop).
 *
 * NOTE: the calendar walk is a day-by-day loop bounded by SEARCH_DAYS, so
 * an impossible expression costs about 3000 cheap iterations and then
 * answers OX_CRON_NEVER instead of spinning.  Every other expression
 * finds a matching day within a year (most within a day).
 * NOTE: offsets come only from ox_timezone_offset_at_utc, which floors an
 * instant to whole seconds; zone transitions fall on whole seconds, so a
 * gap's end found by bisection over seconds is exact.
 * NOTE: nothing here raises (error.h) or allocates except the message
 * strings, so the scheduler may call it with its mutex held.
 */
#define G_LOG_DOMAIN "oxibase-sched"

#include "cron.h"

#include <glib.h>
#include <stdarg.h>
#include <string.h>

#define USECS_PER_SEC     INT64_C (1000000)
#define USECS_PER_MINUTE  INT64_C (60000000)
#define MINUTES_PER_DAY   1440
/* Eight years and two days of wall clock: Feb 29 can be eight years from
 * the previous one (2096 to 2104), and the search starts up to a day
 * before `after`. */
#define SEARCH_DAYS       2930

/* ---------------------------------------------------------------------
 * Fields
 * ------------------------------------------------------------------- */

typedef enum { F_MINUTE, F_HOUR, F_DOM, F_MONTH, F_DOW, N_FIELDS } FieldId;

static const char *const month_names[] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec", NULL
};
static const char *const dow_names[] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL
};

static const struct FieldSpec {
	const char        *name;       /* as the error messages call it */
	int                min, max;   /* values the text may use */
	int                star_max;   /* the last value "*" covers (dow: 6, since 7 is 0 again) */
	const char *const *names;      /* three-letter names for min.., or NULL */
	int                names_from; /* the value of names[0] */
	const char        *name_kind;  /* "a month name (jan-dec)" for messages */
} fields[N_FIELDS] = {
	[F_MINUTE] = { "minute",       0, 59, 59, NULL, 0, NULL },
	[F_HOUR]   = { "hour",         0, 23, 23, NULL, 0, NULL },
	[F_DOM]    = { "day-of-month", 1, 31, 31, NULL, 0, NULL },
	[F_MONTH]  = { "month",        1, 12, 12, month_names, 1, "a month name (jan-dec)" },
	[F_DOW]    = { "day-of-week",  0,  7,  6, dow_names, 0, "a day name (sun-sat)" },
};

/* The macros, each with the five fields it stands for. */
static const struct { const char *name; const char *fields; } macros[] = {
	{ "@yearly",   "0 0 1 1 *" },
	{ "@annually", "0 0 1 1 *" },
	{ "@monthly",  "0 0 1 * *" },
	{ "@weekly",   "0 0 * * 0" },
	{ "@daily",    "0 0 * * *" },
	{ "@midnight", "0 0 * * *" },
	{ "@hourly",   "0 * * * *" },
};

/* ---------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------- */

/* What a parse carries for its error messages. */
typedef struct {
	const char *text;    /* the whole expression, as given */
	char      **errmsg;  /* out, may be NULL */
} Parse;

static bool G_GNUC_PRINTF (2, 3)
fail (Parse *p, const char *fmt, ...)
{
	if (p->errmsg == NULL)
		return false;
	va_list ap;
	va_start (ap, fmt);
	g_autofree char *what = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	*p->errmsg = g_strdup_printf ("invalid cron expression \"%s\": %s", p->text, what);
	return false;
}

static bool
is_blank (char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* One value of field f: a number, or a name where the field has names.
 * s is not NUL-terminated at len.  Range-checks numbers. */
static bool
parse_value (Parse *p, FieldId f, const char *s, size_t len, int *out)
{
	const struct FieldSpec *fs = &fields[f];
	if (len > 0 && g_ascii_isdigit (s[0])) {
		size_t i = 0;
		int64_t v = 0;
		for (; i < len && g_ascii_isdigit (s[i]); i++)
			if (v < 1000000)  /* beyond any field; keeps v small */
				v = v * 10 + (s[i] - '0');
		if (i < len)
			return fail (p, "%s \"%.*s\" is not a number", fs->name, (int) len, s);
		if (v < fs->min || v > fs->max)
			return fail (p, "%s %.*s is out of range %d-%d", fs->name, (int) len, s,
			             fs->min, fs->max);
		*out = (int) v;
		return true;
	}
	if (fs->names != NULL) {
		for (int i = 0; len == 3 && fs->names[i]; i++)
			if (g_ascii_strncasecmp (s, fs->names[i], 3) == 0) {
				*out = fs->names_from + i;
				return true;
			}
		return fail (p, "%s \"%.*s\" is neither a number nor %s", fs->name, (int) len, s,
		             fs->name_kind);
	}
	return fail (p, "%s \"%.*s\" is not a number", fs->name, (int) len, s);
}

/* The step after a "/": 1 up to the span of the field (a larger step
 * would only ever give the first value). */
static bool
parse_step (Parse *p, FieldId f, const char *s, size_t len, int *out)
{
	const struct FieldSpec *fs = &fields[f];
	int span = fs->star_max - fs->min + 1;
	size_t i = 0;
	int64_t v = 0;
	for (; i < len && g_ascii_isdigit (s[i]); i++)
		if (v < 1000000)
			v = v * 10 + (s[i] - '0');
	if (len == 0 || i < len)
		return fail (p, "%s step \"%.*s\" is not a number", fs->name, (int) len, s);
	if (v < 1 || v > span)
		return fail (p, "%s step %.*s is out of range 1-%d", fs->name, (int) len, s, span);
	*out = (int) v;
	return true;
}

static uint64_t
bits_range (int lo, int hi, int step)
{
	uint64_t b = 0;
	for (int v = lo; v <= hi; v += step)
		b |= UINT64_C (1) << v;
	return b;
}

/* One field's text (s, len) into a bit set; *star when it starts with "*". */
static bool
parse_field (Parse *p, FieldId f, const char *s, size_t len, uint64_t *bits, bool *star)
{
	const struct FieldSpec *fs = &fields[f];
	*bits = 0;
	*star = false;
	if (s[0] == '*') {
		int step = 1;
		if (len > 1) {
			if (s[1] != '/' || memchr (s, ',', len) != NULL)
				return fail (p, "%s \"%.*s\": \"*\" must be the whole field, as \"*\" or \"*/n\"",
				             fs->name, (int) len, s);
			if (!parse_step (p, f, s + 2, len - 2, &step))
				return false;
		}
		*bits = bits_range (fs->min, fs->star_max, step);
		*star = true;
		return true;
	}
	if (memchr (s, '*', len) != NULL)
		return fail (p, "%s \"%.*s\": \"*\" must be the whole field, as \"*\" or \"*/n\"",
		             fs->name, (int) len, s);

	const char *end = s + len;
	for (const char *item = s; item <= end;) {
		const char *comma = memchr (item, ',', (size_t) (end - item));
		const char *item_end = comma ? comma : end;
		size_t ilen = (size_t) (item_end - item);
		if (ilen == 0)
			return fail (p, "%s \"%.*s\" has an empty list item", fs->name, (int) len, s);

		/* a, a-b, a-b/n or a/n */
		const char *slash = memchr (item, '/', ilen);
		const char *range_end = slash ? slash : item_end;
		const char *dash = memchr (item, '-', (size_t) (range_end - item));
		const char *a_end = dash ? dash : range_end;
		bool malformed = a_end == item || (dash && dash + 1 == range_end)
		                 || (dash && memchr (dash + 1, '-', (size_t) (range_end - dash - 1)))
		                 || (slash && memchr (slash + 1, '/', (size_t) (item_end - slash - 1)));
		if (malformed)
			return fail (p, "%s item \"%.*s\" is not of the form a, a-b, a-b/n or a/n",
			             fs->name, (int) ilen, item);
		int a, b, step = 1;
		if (!parse_value (p, f, item, (size_t) (a_end - item), &a))
			return false;
		if (dash) {
			if (!parse_value (p, f, dash + 1, (size_t) (range_end - dash - 1), &b))
				return false;
		} else {
			b = slash ? fs->max : a;  /* "a/n" runs to the end of the field */
		}
		if (slash && !parse_step (p, f, slash + 1, (size_t) (item_end - slash - 1), &step))
			return false;
		if (b < a)
			return fail (p, "%s range %.*s runs backwards; write %d-%d,%d-%d",
			             fs->name, (int) (range_end - item), item, a, fs->star_max, fs->min, b);
		*bits |= bits_range (a, b, step);
		item = item_end + 1;
	}
	return true;
}

static bool
parse_fields (Parse *p, const char *s, OxCron *out)
{
	const char *start[N_FIELDS + 1];
	size_t len[N_FIELDS + 1];
	int n = 0;
	for (const char *c = s; *c;) {
		while (is_blank (*c))
			c++;
		if (*c == '\0')
			break;
		const char *e = c;
		while (*e && !is_blank (*e))
			e++;
		if (n <= N_FIELDS) {
			start[n] = c;
			len[n] = (size_t) (e - c);
		}
		n++;
		c = e;
	}
	if (n != N_FIELDS)
		return fail (p, "expected 5 fields (minute hour day-of-month month day-of-week), found %d", n);

	uint64_t bits[N_FIELDS];
	bool star[N_FIELDS];
	for (int f = 0; f < N_FIELDS; f++)
		if (!parse_field (p, (FieldId) f, start[f], len[f], &bits[f], &star[f]))
			return false;
	memset (out, 0, sizeof *out);
	out->minutes = bits[F_MINUTE];
	out->hours = (uint32_t) bits[F_HOUR];
	out->days = (uint32_t) bits[F_DOM];
	out->months = (uint16_t) bits[F_MONTH];
	/* 7 is Sunday again */
	out->weekdays = (uint8_t) ((bits[F_DOW] | bits[F_DOW] >> 7) & 0x7f);
	out->flags = (star[F_HOUR] ? OX_CRON_HOUR_STAR : 0) | (star[F_DOM] ? OX_CRON_DOM_STAR : 0)
	             | (star[F_DOW] ? OX_CRON_DOW_STAR : 0);
	return true;
}

bool
ox_cron_parse (const char *text, OxCron *out, char **errmsg)
{
	g_return_val_if_fail (text != NULL && out != NULL, false);
	Parse p = { text, errmsg };
	const char *s = text;
	while (is_blank (*s))
		s++;
	if (*s != '@')
		return parse_fields (&p, s, out);

	size_t n = 0;
	while (s[n] && !is_blank (s[n]))
		n++;
	for (const char *rest = s + n; *rest; rest++)
		if (!is_blank (*rest))
			return fail (&p, "the macro %.*s must be the whole expression", (int) n, s);
	for (size_t i = 0; i < G_N_ELEMENTS (macros); i++)
		if (strlen (macros[i].name) == n && g_ascii_strncasecmp (s, macros[i].name, n) == 0)
			return parse_fields (&p, macros[i].fields, out);
	if (n == 7 && g_ascii_strncasecmp (s, "@reboot", n) == 0)
		return fail (&p, "@reboot is not supported: a schedule fires by the clock, not at startup");
	return fail (&p, "unknown macro \"%.*s\" (expected @yearly, @annually, @monthly, @weekly, "
	             "@daily, @midnight or @hourly)", (int) n, s);
}

bool
ox_cron_equal (const OxCron *a, const OxCron *b)
{
	return a->minutes == b->minutes && a->hours == b->hours && a->days == b->days
	       && a->months == b->months && a->weekdays == b->weekdays && a->flags == b->flags;
}

/* ---------------------------------------------------------------------
 * Canonical text
 * ------------------------------------------------------------------- */

/* If bits is exactly "*\/n" over [min, max] — every n-th value from min —
 * return n (n = max - min + 1 when it holds min alone); else 0. */
static int
star_step (uint64_t bits, int min, int max)
{
	if (!(bits >> min & 1))
		return 0;
	int second = min + 1;
	while (second <= max && !(bits >> second & 1))
		second++;
	int n = second - min;  /* max - min + 1 when min is alone */
	return bits == bits_range (min, max, n) ? n : 0;
}

/* Append one field.  star_flag: the field was written with "*" (hour,
 * day-of-month and day-of-week must keep that, see cron.h); has_flag:
 * the field has such a flag at all (minute and month do not, so their
 * full or stepped sets may print as "*" freely). */
static void
append_field (GString *out, uint64_t bits, int min, int max, bool has_flag, bool star_flag)
{
	int n = star_step (bits, min, max);
	int count = __builtin_popcountll (bits);
	if (n > 0 && ((has_flag && star_flag) || (!has_flag && (n == 1 || count >= 3)))) {
		if (n == 1)
			g_string_append_c (out, '*');
		else
			g_string_append_printf (out, "*/%d", n);
		return;
	}
	int vals[64], k = 0;
	for (int v = min; v <= max; v++)
		if (bits >> v & 1)
			vals[k++] = v;
	if (k == 0) {  /* cannot happen for a parsed OxCron: every field allows something */
		g_string_append_printf (out, "%d", min);
		return;
	}
	if (k >= 3) {
		int step = vals[1] - vals[0];
		bool even = step >= 2;
		for (int i = 2; even && i < k; i++)
			even = vals[i] - vals[i - 1] == step;
		if (even) {
			g_string_append_printf (out, "%d-%d/%d", vals[0], vals[k - 1], step);
			return;
		}
	}
	for (int i = 0; i < k;) {
		int j = i;
		while (j + 1 < k && vals[j + 1] == vals[j] + 1)
			j++;
		if (i > 0)
			g_string_append_c (out, ',');
		if (j - i >= 2)
			g_string_append_printf (out, "%d-%d", vals[i], vals[j]);
		else if (j == i)
			g_string_append_printf (out, "%d", vals[i]);
		else
			g_string_append_printf (out, "%d,%d", vals[i], vals[j]);
		i = j + 1;
	}
}

char *
ox_cron_to_string (const OxCron *c)
{
	g_return_val_if_fail (c != NULL, NULL);
	GString *s = g_string_new (NULL);
	append_field (s, c->minutes, 0, 59, false, false);
	g_string_append_c (s, ' ');
	append_field (s, c->hours, 0, 23, true, c->flags & OX_CRON_HOUR_STAR);
	g_string_append_c (s, ' ');
	append_field (s, c->days, 1, 31, true, c->flags & OX_CRON_DOM_STAR);
	g_string_append_c (s, ' ');
	append_field (s, c->months, 1, 12, false, false);
	g_string_append_c (s, ' ');
	append_field (s, c->weekdays, 0, 6, true, c->flags & OX_CRON_DOW_STAR);
	return g_string_free (s, FALSE);
}

/* ---------------------------------------------------------------------
 * Next fire instant
 * ------------------------------------------------------------------- */

static int64_t
floor_div (int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Does local day `day` (days since 2000-01-01) satisfy the month, the
 * day-of-month and the day-of-week fields, with Vixie's OR rule? */
static bool
day_matches (const OxCron *c, int64_t day)
{
	int y, m, d;
	ox_date_to_ymd ((int32_t) day, &y, &m, &d);
	if (!(c->months >> m & 1))
		return false;
	bool dom = c->days >> d & 1;
	bool dow = c->weekdays >> (int) ((day % 7 + 7 + 6) % 7) & 1;  /* 2000-01-01 was a Saturday */
	if (c->flags & (OX_CRON_DOM_STAR | OX_CRON_DOW_STAR))
		return dom && dow;
	return dom || dow;
}

/* The first local minute at or after `from` (local microseconds since
 * 2000-01-01) that c allows, looking no further than the day holding
 * `limit`; OX_CRON_NEVER if none. */
static int64_t
next_local_match (const OxCron *c, int64_t from, int64_t limit)
{
	int64_t minute = -floor_div (-from, USECS_PER_MINUTE);  /* round up */
	int64_t day = floor_div (minute, MINUTES_PER_DAY);
	int of_day = (int) (minute - day * MINUTES_PER_DAY);
	int64_t last_day = floor_div (limit, OX_USECS_PER_DAY);
	for (; day <= last_day; day++, of_day = 0) {
		if (!day_matches (c, day))
			continue;
		for (int h = of_day / 60; h < 24; h++) {
			if (!(c->hours >> h & 1))
				continue;
			int m0 = h == of_day / 60 ? of_day % 60 : 0;
			uint64_t rest = c->minutes >> m0;
			if (rest != 0) {
				int m = m0 + __builtin_ctzll (rest);
				return (day * MINUTES_PER_DAY + h * 60 + m) * USECS_PER_MINUTE;
			}
		}
	}
	return OX_CRON_NEVER;
}

/* tz's offset at UTC instant u, in microseconds. */
static int64_t
offset_at (const OxTimeZone *tz, int64_t u)
{
	return (int64_t) ox_timezone_offset_at_utc (tz, u) * USECS_PER_SEC;
}

/* The first instant with offset `to`, between lo (which has another
 * offset) and hi (which has `to`): a zone transition. */
static int64_t
transition_between (const OxTimeZone *tz, int64_t lo, int64_t hi, int64_t to)
{
	int64_t a = floor_div (lo, USECS_PER_SEC), b = floor_div (hi, USECS_PER_SEC);
	while (b - a > 1) {
		int64_t mid = a + (b - a) / 2;
		if (offset_at (tz, mid * USECS_PER_SEC) == to)
			b = mid;
		else
			a = mid;
	}
	return b * USECS_PER_SEC;
}

/* The smallest instant later than `after` at which local minute L fires
 * in tz, or OX_CRON_NEVER.  With at most one transition within a day of
 * L (cron.h), the offsets p a day before and q a day after are the only
 * candidates:
 *   p == q       no transition: L - p;
 *   both valid   a repeated hour (p > q): L - p is the first pass and
 *                L - q the second, which only wildcards fire in;
 *   one valid    L is near a transition but not in it;
 *   none valid   L is in a gap (q > p): fixed-time expressions fire at
 *                the transition, the gap's end. */
static int64_t
fire_of_local (const OxCron *c, const OxTimeZone *tz, int64_t L, int64_t after)
{
	int64_t p = offset_at (tz, L - OX_USECS_PER_DAY);
	int64_t q = offset_at (tz, L + OX_USECS_PER_DAY);
	int64_t u;
	bool wildcard = c->flags & OX_CRON_HOUR_STAR;
	if (p == q) {
		u = L - p;
	} else {
		int64_t up = L - p, uq = L - q;
		bool vp = offset_at (tz, up) == p, vq = offset_at (tz, uq) == q;
		if (vp && vq) {
			if (up > after)
				return up;
			u = wildcard ? uq : OX_CRON_NEVER;
		} else if (vp) {
			u = up;
		} else if (vq) {
			u = uq;
		} else {
			if (wildcard)
				return OX_CRON_NEVER;
			/* uq < up: uq still has the old offset p, up the new q */
			u = transition_between (tz, uq, up, q);
		}
	}
	return u > after ? u : OX_CRON_NEVER;
}

int64_t
ox_cron_next (const OxCron *c, const OxTimeZone *tz, int64_t after)
{
	g_return_val_if_fail (c != NULL, OX_CRON_NEVER);
	const int64_t lo = (int64_t) ox_date_from_ymd (1800, 1, 1) * OX_USECS_PER_DAY;
	const int64_t hi = (int64_t) ox_date_from_ymd (10000, 1, 1) * OX_USECS_PER_DAY;
	if (after < lo || after >= hi)
		return OX_CRON_NEVER;

	/* Where to start in local time.  An instant u > after that fires
	 * comes from a local minute L >= u + offset(u) (equality, or L in a
	 * gap ending at u, whose local times are past u's old offset), and
	 * only u within two days of `after` can have a local time below
	 * after's; with one transition at most there, the least offset in
	 * that window is at one of its ends. */
	int64_t local = after + MIN (offset_at (tz, after), offset_at (tz, after + 2 * OX_USECS_PER_DAY));
	int64_t limit = local + SEARCH_DAYS * OX_USECS_PER_DAY;
	int64_t best = OX_CRON_NEVER;
	int64_t stop = OX_CRON_NEVER;
	for (;;) {
		local = next_local_match (c, local, limit);
		/* An instant u' < best from local minute L' has L' < u' +
		 * offset(u') < best + (the largest offset in the two days
		 * before best, which is at one of the ends): past `stop`
		 * nothing can beat best. */
		if (local == OX_CRON_NEVER || local >= stop)
			break;
		int64_t u = fire_of_local (c, tz, local, after);
		if (u < best) {
			best = u;
			stop = best + MAX (offset_at (tz, best - 2 * OX_USECS_PER_DAY), offset_at (tz, best));
		}
		local += USECS_PER_MINUTE;
	}
	return best;
}

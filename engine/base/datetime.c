/*
 * datetime.c — DATE, TIMESTAMP and TIMESTAMPTZ: text input and output,
 * time zones, conversions, extract() and date_trunc(), giving
 * PostgreSQL 15's results (DateStyle ISO, MDY).
 *
 * Representation (see datetime.h): a date is int32 days and a timestamp
 * int64 microseconds, both counted from 2000-01-01 00:00; TIMESTAMPTZ is
 * stored in UTC and only printed in a zone.  Inside this file years are
 * astronomical (year 0 is 1 BC, year -1 is 2 BC) and the calendar is the
 * proleptic Gregorian one, as in PG; "BC" exists only in text.
 *
 * Input runs in three steps.  lex() cuts the string into typed fields (a
 * number, a punctuated date such as 2024-01-02 or Jan-02-2024, a clock
 * time, a signed offset, a word).  The decode_* functions give each field
 * a slot (date items, time, zone, era, AM/PM, special word) and refuse a
 * second claim on a slot.  resolve() then puts the date items in order
 * (finish_date: YMD when the first has more than two digits, else MDY;
 * with a month name the number that is not the year is the day), checks
 * ranges and builds the value.  The order of checks, and so which of PG's
 * messages a bad string gets, follows PG's: syntax, then field ranges,
 * then the range of the type.  PG's decoder is older than ISO 8601 and
 * full of precedents ('Tue 2024-01-02' is bad syntax, 'Tue Jan 2 2024'
 * is not); the ones kept here were each checked against the server.
 *
 * NOTE: DST gaps and overlaps.  A local time in a spring-forward gap does
 * not exist (02:30 on 2024-03-31 in Europe/Paris); PG reads it with the
 * offset in force before the gap, so it prints as 03:30+02.  A local time
 * in a fall-back overlap exists twice; PG takes the later instant (02:30
 * on 2024-10-27 is 02:30+01).  Both are "the later of the candidate
 * instants", which is all local_to_utc() implements; every local-to-UTC
 * conversion in the engine goes through it.
 * NOTE: GLib expands a zone's POSIX footer rule only to about year 3000
 * and then freezes on standard time, while PG applies the rule forever.
 * The Gregorian calendar repeats every 400 years (146097 days, a whole
 * number of weeks), so instants past 2800 are folded back by whole cycles
 * before GLib is asked (zone_fold).
 * NOTE: GLib 2.74 misreads a POSIX rule with an explicit DST offset of
 * zero, which is how Europe/Dublin spells its negative DST; such rules are
 * re-spelled for GLib (respell_rule), or Dublin winters are +02 from 2038.
 * NOTE: before a zone's first transition both GLib and PG use local mean
 * time: Paris in 1800 is +00:09:21, so offsets print with seconds.
 * NOTE: BC years.  '0001-01-01 BC' is astronomical year 0; a two-digit
 * year is widened to 19xx/20xx only in AD; year 0 itself is rejected as
 * input.  extract(century/decade/millennium) and date_trunc of those units
 * have PG's asymmetric BC rules, spelled out where they are computed.
 * NOTE: infinities are the INT32/INT64 extremes.  Every function tests for
 * them before doing arithmetic, since adding an offset to INT64_MAX
 * overflows; and every finite result is range-checked, so a finite value
 * never collides with a sentinel.
 * NOTE: errors longjmp (error.h).  The parser reports failures as codes
 * and parse_datetime() raises once, after dropping the OxTimeZone that a
 * zone-name field may have looked up.  The other raisers (conversions,
 * date_trunc) hold nothing when they raise.  Never raise with
 * zone_cache_lock held.
 */
#define G_LOG_DOMAIN "oxibase-datetime"

#include "datetime.h"
#include "error.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define USECS_PER_SEC    INT64_C (1000000)
#define USECS_PER_MINUTE INT64_C (60000000)
#define USECS_PER_HOUR   INT64_C (3600000000)
#define SECS_PER_DAY     86400
/* Julian day number of 2000-01-01, our day 0. */
#define JULIAN_2000      2451545
/* 1970-01-01 in our seconds is -UNIX_2000_SECS. */
#define UNIX_2000_SECS   INT64_C (946684800)

/* Valid finite ranges, as PG's: dates from Julian day 0 (4714-11-24 BC)
 * up to but excluding 5874898-01-01; timestamps from the same first day up
 * to but excluding 294277-01-01.  Checked with the server: 5874897-12-31
 * and 294276-12-31 23:59:59.999999 are the largest accepted values. */
#define DATE_MIN_DAYS    INT64_C (-2451545)
#define DATE_END_DAYS    INT64_C (2145031949)
#define TS_END_DAYS      INT64_C (106751983)
#define TS_MIN           (DATE_MIN_DAYS * OX_USECS_PER_DAY)
#define TS_END           (TS_END_DAYS * OX_USECS_PER_DAY)

/* 400 Gregorian years, in days and seconds. */
#define CYCLE_DAYS       INT64_C (146097)
#define CYCLE_SECS       (CYCLE_DAYS * SECS_PER_DAY)

/* PG's MAXDATELEN: longer input is a syntax error, not a parse. */
#define MAX_DATE_LEN     128
#define MAX_FIELDS       25

/* Not in error.h: only this file raises it. */
#define OX_ERR_TZ_DISPLACEMENT "22009"

/* ---------------------------------------------------------------------
 * Calendar arithmetic
 * ------------------------------------------------------------------- */

static inline int64_t
floor_div (int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static inline int64_t
floor_mod (int64_t a, int64_t b)
{
	return a - floor_div (a, b) * b;
}

static bool
is_leap (int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month (int64_t y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap (y) ? 29 : dim[m - 1];
}

/* Days from 2000-01-01 to y-m-d.  Counting years from March puts the leap
 * day last, so a year's length is the only thing that varies and the day
 * of the year follows from the month by the 153-days-per-5-months rule.
 * Whole 400-year cycles are split off first so negative years need no
 * special case.  Valid for any y whose day count fits in int64. */
static int64_t
days_from_ymd (int64_t y, int m, int d)
{
	if (m <= 2)
		y--;
	int64_t cycle = floor_div (y, 400);
	int64_t yc = y - cycle * 400;                      /* 0..399 */
	int64_t mar = (m + 9) % 12;                        /* March = 0 */
	int64_t doy = (153 * mar + 2) / 5 + d - 1;         /* 0..365 */
	int64_t dc = yc * 365 + yc / 4 - yc / 100 + doy;   /* 0..146096 */
	/* 730425 = days from 0000-03-01 to 2000-01-01. */
	return cycle * CYCLE_DAYS + dc - 730425;
}

static void
ymd_from_days (int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 730425;                         /* from 0000-03-01 */
	int64_t cycle = floor_div (z, CYCLE_DAYS);
	int64_t dc = z - cycle * CYCLE_DAYS;               /* 0..146096 */
	/* Year of the cycle: undo the 4/100/400 leap corrections.  The last
	 * day of a 400-year cycle (dc = 146096) is the only one that would
	 * land in year 400, hence the extra term. */
	int64_t yc = (dc - dc / 1460 + dc / 36524 - dc / 146096) / 365;
	int64_t doy = dc - (365 * yc + yc / 4 - yc / 100); /* 0..365 from March */
	int64_t mar = (5 * doy + 2) / 153;                 /* March = 0 */
	*d = (int) (doy - (153 * mar + 2) / 5 + 1);
	*m = (int) (mar < 10 ? mar + 3 : mar - 9);
	*y = yc + cycle * 400 + (*m <= 2);
}

int32_t
ox_date_from_ymd (int y, int m, int d)
{
	g_return_val_if_fail (m >= 1 && m <= 12, 0);
	int64_t days = days_from_ymd (y, m, d);
	g_return_val_if_fail (days >= INT32_MIN && days <= INT32_MAX, 0);
	return (int32_t) days;
}

void
ox_date_to_ymd (int32_t date, int *y, int *m, int *d)
{
	int64_t yy;
	ymd_from_days (date, &yy, m, d);
	*y = (int) yy;
}

bool
ox_date_valid_ymd (int y, int m, int d)
{
	if (m < 1 || m > 12 || d < 1 || d > days_in_month (y, m))
		return false;
	int64_t days = days_from_ymd (y, m, d);
	return days >= DATE_MIN_DAYS && days < DATE_END_DAYS;
}

/* 0 = Sunday, as extract(dow). 2000-01-01 was a Saturday. */
static int
dow_of_days (int64_t days)
{
	return (int) floor_mod (days + 6, 7);
}

/* ISO 8601 week and week-numbering year: the week belongs to the year
 * that contains its Thursday. */
static void
iso_week (int64_t days, int64_t *iso_year, int *week)
{
	int isodow = dow_of_days (days);
	if (isodow == 0)
		isodow = 7;
	int64_t thursday = days - (isodow - 1) + 3;
	int64_t y;
	int m, d;
	ymd_from_days (thursday, &y, &m, &d);
	*iso_year = y;
	*week = (int) ((thursday - days_from_ymd (y, 1, 1)) / 7 + 1);
}

/* Split a finite timestamp into days and microseconds of the day. */
static void
split_ts (int64_t ts, int64_t *days, int64_t *tod)
{
	*days = floor_div (ts, OX_USECS_PER_DAY);
	*tod = ts - *days * OX_USECS_PER_DAY;
}

static inline bool
ts_in_range (int64_t ts)
{
	return ts >= TS_MIN && ts < TS_END;
}

int64_t
ox_timestamp_now (void)
{
	return g_get_real_time () - UNIX_2000_SECS * USECS_PER_SEC;
}

/* ---------------------------------------------------------------------
 * Time zones
 * ------------------------------------------------------------------- */

struct OxTimeZone {
	GTimeZone *gtz;        /* owned ref; GTimeZone is immutable, its refcount atomic */
	GTimeZone *tail;       /* owned ref or NULL: the rule re-spelled for GLib (respell_rule); answers from tail_from on */
	int64_t    tail_from;  /* Unix seconds of the zone file's last transition; INT64_MIN for a bare rule */
	char      *name;       /* g_malloc'd; as given, or the on-disk spelling when matched case-insensitively */
};

/* Loading a zone reads and expands its tzfile (thousands of transitions
 * up to year ~3000), far too slow to repeat for every input string that
 * names a zone.  Zones are therefore kept per spelling for the life of
 * the process; only names that resolved are kept, so the table is bounded
 * by the tz database. */
static GMutex      zone_cache_lock;
static GHashTable *zone_cache;  /* char* name -> OxTimeZone* prototype, never freed */

static const char *
zoneinfo_dir (void)
{
	/* The same lookup GLib does, so that our file checks see its files. */
	const char *d = g_getenv ("TZDIR");
	return d && *d ? d : "/usr/share/zoneinfo";
}

/* GLib asserts (g_critical) when a name resolves to a file that is not a
 * tzfile, e.g. "zone.tab"; screen those out first.  Returns false only for
 * an existing non-tzfile; a missing file is left to GLib, which then reads
 * the name as a POSIX TZ string ("EST5EDT,M3.2.0,M11.1.0"). */
static bool
zone_file_ok (const char *name)
{
	g_autofree char *path = g_build_filename (zoneinfo_dir (), name, NULL);
	if (g_file_test (path, G_FILE_TEST_IS_DIR))
		return false;
	FILE *f = g_fopen (path, "rb");
	if (f == NULL)
		return true;
	char magic[4] = { 0 };
	size_t n = fread (magic, 1, sizeof magic, f);
	fclose (f);
	return n == 4 && memcmp (magic, "TZif", 4) == 0;
}

/* PG matches zone names case-insensitively ('europe/paris'); the file
 * system does not.  Walk TZDIR one component at a time looking for a
 * case-insensitive match.  Only for names made of the characters zone
 * files use.  Returns the on-disk spelling (g_free) or NULL. */
static char *
zone_name_fold_case (const char *name)
{
	for (const char *p = name; *p; p++)
		if (!g_ascii_isalnum (*p) && !strchr ("_+-/", *p))
			return NULL;
	g_auto (GStrv) parts = g_strsplit (name, "/", -1);
	g_autoptr (GString) rel = g_string_new (NULL);
	for (int i = 0; parts[i]; i++) {
		g_autofree char *dir = g_build_filename (zoneinfo_dir (), rel->str, NULL);
		GDir *dh = g_dir_open (dir, 0, NULL);
		if (dh == NULL)
			return NULL;
		const char *entry, *match = NULL;
		while ((entry = g_dir_read_name (dh)) != NULL)
			if (g_ascii_strcasecmp (entry, parts[i]) == 0) {
				match = entry;
				break;
			}
		if (match == NULL) {
			g_dir_close (dh);
			return NULL;
		}
		if (i > 0)
			g_string_append_c (rel, '/');
		g_string_append (rel, match);
		g_dir_close (dh);
	}
	return g_string_free (g_steal_pointer (&rel), FALSE);
}

static uint32_t
be32 (const unsigned char *p)
{
	return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

/* The end of a version 2+ TZif file (RFC 8536): the time of its last
 * transition and the POSIX TZ string ("footer") that rules after it.
 * False when the file is not one or is truncated. */
static bool
tzif_tail (const char *path, int64_t *last, char **footer)
{
	g_autofree char *raw = NULL;
	gsize len;
	if (!g_file_get_contents (path, &raw, &len, NULL))
		return false;
	const unsigned char *d = (const unsigned char *) raw;
	/* Header: magic, version, 15 reserved bytes, then six counts. */
	if (len < 44 || memcmp (d, "TZif", 4) != 0 || d[4] < '2')
		return false;
	size_t isut = be32 (d + 20), isstd = be32 (d + 24), leap = be32 (d + 28);
	size_t timecnt = be32 (d + 32), typecnt = be32 (d + 36), chars = be32 (d + 40);
	/* Skip the 32-bit block to the second header. */
	size_t h2 = 44 + timecnt * 5 + typecnt * 6 + chars + leap * 8 + isstd + isut;
	if (len < h2 + 44 || memcmp (d + h2, "TZif", 4) != 0)
		return false;
	isut = be32 (d + h2 + 20), isstd = be32 (d + h2 + 24), leap = be32 (d + h2 + 28);
	timecnt = be32 (d + h2 + 32), typecnt = be32 (d + h2 + 36), chars = be32 (d + h2 + 40);
	size_t body = h2 + 44;
	size_t foot = body + timecnt * 9 + typecnt * 6 + chars + leap * 12 + isstd + isut;
	if (len < foot + 2 || d[foot] != '\n')
		return false;
	const char *fs = raw + foot + 1, *fe = memchr (fs, '\n', len - foot - 1);
	if (fe == NULL)
		return false;
	*last = INT64_MIN;
	if (timecnt > 0) {
		const unsigned char *t = d + body + (timecnt - 1) * 8;
		*last = (int64_t) ((uint64_t) be32 (t) << 32 | be32 (t + 4));
	}
	*footer = g_strndup (fs, fe - fs);
	return true;
}

/* POSIX TZ pieces: a name is letters or <quoted>; an offset is
 * [+-]hh[:mm[:ss]].  Each returns the end of what it read, or NULL. */
static const char *
posix_name_end (const char *p)
{
	if (*p == '<') {
		const char *e = strchr (p, '>');
		return e ? e + 1 : NULL;
	}
	const char *s = p;
	while (g_ascii_isalpha (*p))
		p++;
	return p > s ? p : NULL;
}

static const char *
posix_offset_end (const char *p, bool *zero)
{
	if (*p == '+' || *p == '-')
		p++;
	if (!g_ascii_isdigit (*p))
		return NULL;
	*zero = true;
	while (g_ascii_isdigit (*p) || *p == ':') {
		if (*p != '0' && *p != ':')
			*zero = false;
		p++;
	}
	return p;
}

/* GLib (2.74) reads an explicit DST offset of zero in a POSIX rule as
 * "no offset given" and substitutes standard time plus an hour.  The one
 * rule in the tz database that says so is Europe/Dublin's
 * "IST-1GMT0,M10.5.0,M3.5.0/1" (Irish Standard Time in summer, "DST" GMT
 * in winter), which GLib then reads as +02 every winter after 2037.
 * Swapping the two halves names the same offsets at the same instants
 * (each transition time is in the local time in force before it, and
 * the swap keeps that so) without a zero DST offset:
 * "GMT0IST-1,M3.5.0/1,M10.5.0".  Returns NULL when the rule is fine. */
static char *
respell_rule (const char *rule)
{
	bool zero;
	const char *std = rule, *std_off = posix_name_end (std);
	if (std_off == NULL)
		return NULL;
	const char *dst = posix_offset_end (std_off, &zero);
	if (dst == NULL || *dst == '\0')
		return NULL;
	const char *dst_off = posix_name_end (dst);
	if (dst_off == NULL || *dst_off == ',' || *dst_off == '\0')
		return NULL;  /* implicit DST offset: GLib's default is right */
	const char *start = posix_offset_end (dst_off, &zero);
	if (start == NULL || !zero || *start != ',')
		return NULL;
	const char *end = strchr (start + 1, ',');
	if (end == NULL)
		return NULL;
	return g_strdup_printf ("%.*s%.*s,%s,%.*s",
	                        (int) (start - dst), dst,            /* new std: old dst name+offset */
	                        (int) (dst - std), std,              /* new dst: old std name+offset */
	                        end + 1,                             /* new start: old end rule */
	                        (int) (end - start - 1), start + 1); /* new end: old start rule */
}

/* Load name (already checked to be safe) into a new prototype, or NULL. */
static OxTimeZone *
zone_load (const char *name)
{
	if (!zone_file_ok (name))
		return NULL;
	GTimeZone *gtz = g_time_zone_new_identifier (name);
	if (gtz == NULL)
		return NULL;
	OxTimeZone *tz = g_new0 (OxTimeZone, 1);
	tz->gtz = gtz;
	tz->name = g_strdup (name);
	tz->tail_from = INT64_MIN;
	g_autofree char *path = g_build_filename (zoneinfo_dir (), name, NULL);
	g_autofree char *rule = NULL;
	if (!tzif_tail (path, &tz->tail_from, &rule)) {
		tz->tail_from = INT64_MIN;  /* not a file: name is the rule */
		rule = g_strdup (name);
	}
	g_autofree char *fixed = respell_rule (rule);
	if (fixed)
		tz->tail = g_time_zone_new_identifier (fixed);
	return tz;
}

static OxTimeZone *
zone_copy (const OxTimeZone *proto, const char *name)
{
	OxTimeZone *tz = g_new0 (OxTimeZone, 1);
	tz->gtz = g_time_zone_ref (proto->gtz);
	tz->tail = proto->tail ? g_time_zone_ref (proto->tail) : NULL;
	tz->tail_from = proto->tail_from;
	tz->name = g_strdup (name);
	return tz;
}

/* A bare "+02:00", "-3", "002": PG hands these to its POSIX TZ parser,
 * where the sign means hours WEST of Greenwich (AT TIME ZONE '+02:00' is
 * UTC-2).  GLib would read them as ISO offsets east, and would also take
 * "-0530", which PG rejects, so all names that start like a number are
 * settled here.  Returns 1 and the offset east in seconds; -1 for a
 * number PG would not take (or more than a day, which GLib cannot);
 * 0 when name does not start like a number. */
static int
parse_posix_offset (const char *s, int *east)
{
	if (!g_ascii_isdigit (s[0]) && !((s[0] == '+' || s[0] == '-') && g_ascii_isdigit (s[1])))
		return 0;
	int sign = 1;
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	int v[3] = { 0, 0, 0 }, nv = 0;
	while (nv < 3) {
		int nd = 0, x = 0, max_digits = nv == 0 ? 3 : 2;
		while (g_ascii_isdigit (*s) && nd < max_digits) {
			x = x * 10 + (*s++ - '0');
			nd++;
		}
		if (nd == 0)
			return -1;
		v[nv++] = x;
		if (*s != ':')
			break;
		s++;
	}
	if (*s != '\0' || v[0] > 24 || v[1] > 59 || v[2] > 59
	    || (v[0] == 24 && (v[1] || v[2])))
		return -1;
	*east = -sign * (v[0] * 3600 + v[1] * 60 + v[2]);
	return 1;
}

static OxTimeZone *
zone_fixed (int east_secs, const char *name)
{
	OxTimeZone *tz = g_new0 (OxTimeZone, 1);
	tz->gtz = g_time_zone_new_offset (east_secs);
	tz->tail_from = INT64_MIN;
	tz->name = g_strdup (name);
	return tz;
}

OxTimeZone *
ox_timezone_new (const char *name)
{
	g_return_val_if_fail (name != NULL, NULL);
	/* No paths: GLib would open any file it is given. */
	if (*name == '\0' || *name == '/' || strstr (name, "..") != NULL)
		return NULL;
	/* GLib takes "Z" for UTC; PG's TimeZone does not. */
	if (g_ascii_strcasecmp (name, "Z") == 0)
		return NULL;
	int east;
	switch (parse_posix_offset (name, &east)) {
	case 1:
		return zone_fixed (east, name);
	case -1:
		return NULL;
	}

	g_mutex_lock (&zone_cache_lock);
	if (zone_cache == NULL)
		zone_cache = g_hash_table_new (g_str_hash, g_str_equal);
	OxTimeZone *proto = g_hash_table_lookup (zone_cache, name);
	if (proto == NULL) {
		proto = zone_load (name);
		if (proto == NULL) {
			/* 'europe/paris': the prototype carries the on-disk
			 * spelling, which is what PG's SHOW TimeZone prints. */
			g_autofree char *canonical = zone_name_fold_case (name);
			if (canonical)
				proto = zone_load (canonical);
		}
		if (proto != NULL)
			g_hash_table_insert (zone_cache, g_strdup (name), proto);
	}
	OxTimeZone *tz = proto ? zone_copy (proto, proto->name) : NULL;
	g_mutex_unlock (&zone_cache_lock);
	return tz;
}

OxTimeZone *
ox_timezone_new_offset (int east_secs)
{
	g_return_val_if_fail (east_secs > -86400 && east_secs < 86400, NULL);
	/* Named like PG's SHOW TimeZone after SET TIME ZONE 2: a POSIX
	 * string whose number has the opposite sign. */
	int a = ABS (east_secs);
	char hm[16];
	if (a % 3600 == 0)
		g_snprintf (hm, sizeof hm, "%02d", a / 3600);
	else if (a % 60 == 0)
		g_snprintf (hm, sizeof hm, "%02d:%02d", a / 3600, a / 60 % 60);
	else
		g_snprintf (hm, sizeof hm, "%02d:%02d:%02d", a / 3600, a / 60 % 60, a % 60);
	char name[48];
	g_snprintf (name, sizeof name, "<%c%s>%c%s", east_secs < 0 ? '-' : '+', hm,
	            east_secs < 0 ? '+' : '-', hm);
	return zone_fixed (east_secs, name);
}

void
ox_timezone_free (OxTimeZone *tz)
{
	if (tz == NULL)
		return;
	g_time_zone_unref (tz->gtz);
	if (tz->tail)
		g_time_zone_unref (tz->tail);
	g_free (tz->name);
	g_free (tz);
}

const char *
ox_timezone_name (const OxTimeZone *tz)
{
	g_return_val_if_fail (tz != NULL, NULL);
	return tz->name;
}

/* Past 2800, move a Unix-seconds instant back by whole 400-year cycles
 * into [2400, 2800), where GLib still applies the zone's rule (see the
 * NOTE at the top).  Returns the number of cycles removed. */
static int64_t
zone_fold (int64_t *unix_secs)
{
	/* Unix seconds of 2400-01-01 and 2800-01-01. */
	const int64_t y2400 = INT64_C (13569465600);
	const int64_t y2800 = y2400 + CYCLE_SECS;
	if (*unix_secs < y2800)
		return 0;
	int64_t k = (*unix_secs - y2400) / CYCLE_SECS;
	*unix_secs -= k * CYCLE_SECS;
	return k;
}

/* Which GLib zone answers for (folded) Unix time t. */
static GTimeZone *
zone_for (const OxTimeZone *tz, int64_t t)
{
	return tz->tail && t >= tz->tail_from ? tz->tail : tz->gtz;
}

int
ox_timezone_offset_at_utc (const OxTimeZone *tz, int64_t ts_utc)
{
	if (tz == NULL)
		return 0;
	int64_t s = floor_div (ts_utc, USECS_PER_SEC) + UNIX_2000_SECS;
	zone_fold (&s);
	GTimeZone *g = zone_for (tz, s);
	return g_time_zone_get_offset (g, g_time_zone_find_interval (g, G_TIME_TYPE_UNIVERSAL, s));
}

/* The UTC instant of a local wall-clock time (finite, within a few days of
 * the timestamp range).  Every instant u with u + offset(u) = local is a
 * candidate; offsets stay well under a day, so the candidates lie within a
 * day of local and come from the intervals overlapping that window.  One
 * candidate: the usual case.  Two: a fall-back overlap; take the later.
 * None: a spring-forward gap; use the offset of the interval before the
 * gap, whose candidate lands past that interval's end — which is again the
 * later candidate, since offsets grow across a gap.
 *
 * g_time_zone_find_interval() scans GLib's interval list linearly (about
 * 160 intervals for a European zone in 2024; under perf it is over half
 * the time of TIMESTAMPTZ input and output); away from transitions this
 * makes two calls, near one four or five. */
static int64_t
local_to_utc (const OxTimeZone *tz, int64_t local)
{
	if (tz == NULL)
		return local;
	int64_t secs = floor_div (local, USECS_PER_SEC);
	int64_t sub = local - secs * USECS_PER_SEC;
	int64_t unix_local = secs + UNIX_2000_SECS;
	int64_t k = zone_fold (&unix_local);
	/* Near tail_from both zones agree (the file's last transitions come
	 * from the same rule), so choosing by the local time is safe. */
	GTimeZone *g = zone_for (tz, unix_local);

	int lo = g_time_zone_find_interval (g, G_TIME_TYPE_UNIVERSAL, unix_local - SECS_PER_DAY);
	int hi = g_time_zone_find_interval (g, G_TIME_TYPE_UNIVERSAL, unix_local + SECS_PER_DAY);
	if (lo == hi)  /* no transition within a day: the usual case */
		return (unix_local - g_time_zone_get_offset (g, lo) + k * CYCLE_SECS - UNIX_2000_SECS)
		       * USECS_PER_SEC + sub;
	bool found = false;
	int64_t best = 0;
	for (int i = lo; i <= hi; i++) {
		int64_t u = unix_local - g_time_zone_get_offset (g, i);
		if (g_time_zone_find_interval (g, G_TIME_TYPE_UNIVERSAL, u) == i && (!found || u > best)) {
			best = u;
			found = true;
		}
	}
	for (int i = hi; !found && i >= lo; i--) {
		int64_t u = unix_local - g_time_zone_get_offset (g, i);
		if (g_time_zone_find_interval (g, G_TIME_TYPE_UNIVERSAL, u) > i) {
			best = u;
			found = true;
		}
	}
	if (!found) {  /* cannot happen: a gap always has an interval before it */
		int i = g_time_zone_find_interval (g, G_TIME_TYPE_UNIVERSAL, unix_local);
		best = unix_local - g_time_zone_get_offset (g, i);
	}
	return (best + k * CYCLE_SECS - UNIX_2000_SECS) * USECS_PER_SEC + sub;
}

/* ---------------------------------------------------------------------
 * Input: lexing
 * ------------------------------------------------------------------- */

typedef enum {
	F_NUMBER,   /* digits, optionally ".digits" */
	F_DATE,     /* parts joined by one of - / . ; parts digits or letters */
	F_TIME,     /* digits and colons, optional fraction */
	F_OFFSET,   /* + or - then digits and colons */
	F_WORD,     /* letters; zone names may add digits _ / + - */
	F_ISO_T,    /* the T of 2024-01-02T03:04 */
	F_JULIAN,   /* the J of J2451545 */
} FieldKind;

typedef struct {
	FieldKind kind;
	int       start;  /* byte offset into the input copy */
	int       len;
} Field;

/* Outcomes of parsing, mapped to PG's messages by raise_parse_error(). */
typedef enum {
	DT_OK = 0,
	DT_BAD_FORMAT,     /* 22007 invalid input syntax for type %s */
	DT_FIELD_RANGE,    /* 22008 date/time field value out of range */
	DT_MD_RANGE,       /* the same, with PG's "datestyle" hint */
	DT_TZ_DISP,        /* 22009 time zone displacement out of range */
	DT_TZ_UNKNOWN,     /* 22023 time zone "%s" not recognized */
	DT_TYPE_RANGE,     /* 22008 date out of range / timestamp out of range */
} DtStatus;

static bool
is_sep (char c)
{
	return c == '-' || c == '/' || c == '.';
}

static bool
is_month_word (const char *s, int len);

/* Cut low[0..n) (lowercased input) into fields.  Whitespace and commas
 * separate fields and are otherwise ignored. */
static DtStatus
lex (const char *low, int n, Field *f, int *nf)
{
	int i = 0, k = 0;
	while (i < n) {
		char c = low[i];
		if (g_ascii_isspace (c) || c == ',') {
			i++;
			continue;
		}
		if (k == MAX_FIELDS)
			return DT_BAD_FORMAT;
		int start = i;
		FieldKind kind;
		if (g_ascii_isdigit (c)) {
			while (i < n && g_ascii_isdigit (low[i]))
				i++;
			if (i < n && low[i] == ':') {
				kind = F_TIME;
				while (i < n && (g_ascii_isdigit (low[i]) || low[i] == ':' || low[i] == '.'))
					i++;
			} else if (i < n && low[i] == '.') {
				/* 2024.01.02 is a date, 05.5 a number with a fraction:
				 * it takes a second dot to make a date. */
				int j = i + 1;
				while (j < n && g_ascii_isdigit (low[j]))
					j++;
				if (j < n && low[j] == '.') {
					kind = F_DATE;
					while (i < n && (g_ascii_isdigit (low[i]) || low[i] == '.'))
						i++;
				} else {
					kind = F_NUMBER;
					i = j;
				}
			} else if (i < n && (low[i] == '-' || low[i] == '/')) {
				/* 2024-01-02, 1/2/2024, 02-jan-2024.  A letter right
				 * after a digit starts a new field (2024-01-02bc,
				 * 2024-01-02t03:04). */
				kind = F_DATE;
				char sep = low[i];
				while (i < n) {
					if (low[i] == sep)
						i++;
					else if (g_ascii_isdigit (low[i]))
						while (i < n && g_ascii_isdigit (low[i]))
							i++;
					else if (g_ascii_isalpha (low[i]) && low[i - 1] == sep)
						while (i < n && g_ascii_isalpha (low[i]))
							i++;
					else
						break;
				}
			} else {
				kind = F_NUMBER;
			}
		} else if (g_ascii_isalpha (c)) {
			while (i < n && g_ascii_isalpha (low[i]))
				i++;
			int wl = i - start;
			if (wl == 1 && (c == 't' || c == 'j') && i < n && g_ascii_isdigit (low[i])) {
				kind = c == 't' ? F_ISO_T : F_JULIAN;
			} else if (i + 1 < n && is_sep (low[i]) && g_ascii_isdigit (low[i + 1])
			           && is_month_word (low + start, wl)) {
				/* jan-02-2024 */
				kind = F_DATE;
				char sep = low[i];
				while (i < n && (g_ascii_isdigit (low[i]) || low[i] == sep))
					i++;
			} else if (i < n && (low[i] == '/' || low[i] == '_' || g_ascii_isdigit (low[i])
			                     || ((low[i] == '+' || low[i] == '-')
			                         && i + 1 < n && g_ascii_isdigit (low[i + 1])))) {
				/* A zone name: europe/paris, est5edt, utc+2. */
				kind = F_WORD;
				while (i < n && (g_ascii_isalnum (low[i]) || strchr ("_/+-", low[i])))
					i++;
			} else {
				kind = F_WORD;
			}
		} else if (c == '+' || c == '-') {
			i++;
			if (i < n && g_ascii_isdigit (low[i])) {
				kind = F_OFFSET;
				while (i < n && (g_ascii_isdigit (low[i]) || low[i] == ':'))
					i++;
			} else if (i < n && g_ascii_isalpha (low[i])) {
				/* Only -infinity means anything; decode_word() judges. */
				kind = F_WORD;
				while (i < n && g_ascii_isalpha (low[i]))
					i++;
			} else {
				return DT_BAD_FORMAT;
			}
		} else {
			return DT_BAD_FORMAT;
		}
		f[k].kind = kind;
		f[k].start = start;
		f[k].len = i - start;
		k++;
	}
	*nf = k;
	return DT_OK;
}

/* ---------------------------------------------------------------------
 * Input: words
 * ------------------------------------------------------------------- */

typedef enum {
	W_MONTH, W_DOW, W_AMPM, W_ERA, W_ISO_T, W_JULIAN, W_IGNORE,
	W_SPECIAL, W_ALLBALLS, W_ZONE_ABBREV,
} WordKind;

typedef enum {
	SP_NONE, SP_EPOCH, SP_INFINITY, SP_NINFINITY, SP_NOW, SP_TODAY,
	SP_TOMORROW, SP_YESTERDAY,
} Special;

typedef struct {
	const char *word;
	WordKind    kind;
	int         value;  /* month 1..12, AM 1 / PM 2, AD 1 / BC 2, Special, offset east in seconds */
} Keyword;

/* Day names are accepted and ignored, as PG does.  The zone abbreviations
 * are a subset of PG's "Default" set: the fixed-offset ones people type.
 * Abbreviations PG defines through a zone's history (MSK, for one) are
 * left out rather than given a wrong offset for older dates; such words
 * then fall through to the zone-name lookup. */
static const Keyword keywords[] = {
	{ "jan", W_MONTH, 1 }, { "january", W_MONTH, 1 },
	{ "feb", W_MONTH, 2 }, { "february", W_MONTH, 2 },
	{ "mar", W_MONTH, 3 }, { "march", W_MONTH, 3 },
	{ "apr", W_MONTH, 4 }, { "april", W_MONTH, 4 },
	{ "may", W_MONTH, 5 },
	{ "jun", W_MONTH, 6 }, { "june", W_MONTH, 6 },
	{ "jul", W_MONTH, 7 }, { "july", W_MONTH, 7 },
	{ "aug", W_MONTH, 8 }, { "august", W_MONTH, 8 },
	{ "sep", W_MONTH, 9 }, { "sept", W_MONTH, 9 }, { "september", W_MONTH, 9 },
	{ "oct", W_MONTH, 10 }, { "october", W_MONTH, 10 },
	{ "nov", W_MONTH, 11 }, { "november", W_MONTH, 11 },
	{ "dec", W_MONTH, 12 }, { "december", W_MONTH, 12 },
	{ "sun", W_DOW, 0 }, { "sunday", W_DOW, 0 },
	{ "mon", W_DOW, 1 }, { "monday", W_DOW, 1 },
	{ "tue", W_DOW, 2 }, { "tues", W_DOW, 2 }, { "tuesday", W_DOW, 2 },
	{ "wed", W_DOW, 3 }, { "wednesday", W_DOW, 3 },
	{ "thu", W_DOW, 4 }, { "thur", W_DOW, 4 }, { "thurs", W_DOW, 4 }, { "thursday", W_DOW, 4 },
	{ "fri", W_DOW, 5 }, { "friday", W_DOW, 5 },
	{ "sat", W_DOW, 6 }, { "saturday", W_DOW, 6 },
	{ "am", W_AMPM, 1 }, { "pm", W_AMPM, 2 },
	{ "ad", W_ERA, 1 }, { "bc", W_ERA, 2 },
	{ "t", W_ISO_T, 0 }, { "j", W_JULIAN, 0 },
	{ "at", W_IGNORE, 0 }, { "on", W_IGNORE, 0 },
	{ "epoch", W_SPECIAL, SP_EPOCH },
	{ "infinity", W_SPECIAL, SP_INFINITY },
	{ "-infinity", W_SPECIAL, SP_NINFINITY },
	{ "now", W_SPECIAL, SP_NOW },
	{ "today", W_SPECIAL, SP_TODAY },
	{ "tomorrow", W_SPECIAL, SP_TOMORROW },
	{ "yesterday", W_SPECIAL, SP_YESTERDAY },
	{ "allballs", W_ALLBALLS, 0 },
	{ "z", W_ZONE_ABBREV, 0 }, { "zulu", W_ZONE_ABBREV, 0 },
	{ "utc", W_ZONE_ABBREV, 0 }, { "ut", W_ZONE_ABBREV, 0 },
	{ "uct", W_ZONE_ABBREV, 0 }, { "gmt", W_ZONE_ABBREV, 0 },
	{ "est", W_ZONE_ABBREV, -18000 }, { "edt", W_ZONE_ABBREV, -14400 },
	{ "cst", W_ZONE_ABBREV, -21600 }, { "cdt", W_ZONE_ABBREV, -18000 },
	{ "mst", W_ZONE_ABBREV, -25200 }, { "mdt", W_ZONE_ABBREV, -21600 },
	{ "pst", W_ZONE_ABBREV, -28800 }, { "pdt", W_ZONE_ABBREV, -25200 },
	{ "akst", W_ZONE_ABBREV, -32400 }, { "akdt", W_ZONE_ABBREV, -28800 },
	{ "hst", W_ZONE_ABBREV, -36000 },
	{ "ast", W_ZONE_ABBREV, -14400 }, { "adt", W_ZONE_ABBREV, -10800 },
	{ "nst", W_ZONE_ABBREV, -12600 }, { "ndt", W_ZONE_ABBREV, -9000 },
	{ "wet", W_ZONE_ABBREV, 0 }, { "wetdst", W_ZONE_ABBREV, 3600 },
	{ "bst", W_ZONE_ABBREV, 3600 },
	{ "cet", W_ZONE_ABBREV, 3600 }, { "cest", W_ZONE_ABBREV, 7200 },
	{ "cetdst", W_ZONE_ABBREV, 7200 },
	{ "met", W_ZONE_ABBREV, 3600 }, { "mest", W_ZONE_ABBREV, 7200 },
	{ "metdst", W_ZONE_ABBREV, 7200 },
	{ "mez", W_ZONE_ABBREV, 3600 }, { "mesz", W_ZONE_ABBREV, 7200 },
	{ "eet", W_ZONE_ABBREV, 7200 }, { "eest", W_ZONE_ABBREV, 10800 },
	{ "eetdst", W_ZONE_ABBREV, 10800 },
	{ "ist", W_ZONE_ABBREV, 7200 }, { "idt", W_ZONE_ABBREV, 10800 },
	{ "sast", W_ZONE_ABBREV, 7200 }, { "wat", W_ZONE_ABBREV, 3600 },
	{ "eat", W_ZONE_ABBREV, 10800 },
	{ "pkt", W_ZONE_ABBREV, 18000 }, { "ict", W_ZONE_ABBREV, 25200 },
	{ "hkt", W_ZONE_ABBREV, 28800 }, { "sgt", W_ZONE_ABBREV, 28800 },
	{ "pht", W_ZONE_ABBREV, 28800 }, { "awst", W_ZONE_ABBREV, 28800 },
	{ "jst", W_ZONE_ABBREV, 32400 }, { "kst", W_ZONE_ABBREV, 32400 },
	{ "acst", W_ZONE_ABBREV, 34200 }, { "acdt", W_ZONE_ABBREV, 37800 },
	{ "aest", W_ZONE_ABBREV, 36000 }, { "aedt", W_ZONE_ABBREV, 39600 },
	{ "nzst", W_ZONE_ABBREV, 43200 }, { "nzdt", W_ZONE_ABBREV, 46800 },
};

static const Keyword *
keyword_lookup (const char *s, int len)
{
	for (size_t i = 0; i < G_N_ELEMENTS (keywords); i++)
		if (keywords[i].word[0] == s[0] && (int) strlen (keywords[i].word) == len
		    && memcmp (keywords[i].word, s, len) == 0)
			return &keywords[i];
	return NULL;
}

static bool
is_month_word (const char *s, int len)
{
	const Keyword *kw = keyword_lookup (s, len);
	return kw && kw->kind == W_MONTH;
}

/* ---------------------------------------------------------------------
 * Input: decoding
 * ------------------------------------------------------------------- */

typedef struct {
	int64_t value;   /* number, or month 1..12 */
	int     ndigits; /* as typed; decides year-first order and 2-digit years */
	bool    month;   /* from a month name */
} DateItem;

typedef struct {
	DateItem    item[3];      /* date items in input order */
	int         nitems;
	bool        ymd;          /* compact yyyymmdd / yymmdd: order is fixed */
	bool        julian;       /* date given as a Julian day */
	int64_t     julian_day;
	double      julian_frac;  /* fraction of a day after J2451545. */
	bool        expect_time;  /* after a T */
	bool        expect_julian;/* after a J */
	bool        have_time;
	int64_t     hour, minute, second; /* as typed; checked in finish_time() */
	int64_t     usec;         /* rounded fraction of the second */
	int         ampm;         /* 0, 1 = AM, 2 = PM */
	int         era;          /* 0, 1 = AD, 2 = BC */
	bool        seen_dow;     /* a day name was read (and ignored) */
	bool        have_zone;
	int         zone_offset;  /* seconds east, when zone == NULL */
	OxTimeZone *zone;         /* owned; a zone named in the input */
	Special     marker;       /* epoch, infinity, -infinity: claims no field */
	Special     relative;     /* now, today, tomorrow, yesterday: claims the date */
	bool        marker_last;  /* the marker came after the relative word (PG: the last one wins) */
} Parse;

/* Parse up to 18 digits; more is out of range for any field. */
static DtStatus
parse_digits (const char *s, int len, int64_t *out)
{
	if (len == 0)
		return DT_BAD_FORMAT;
	if (len > 18)
		return DT_FIELD_RANGE;
	int64_t v = 0;
	for (int i = 0; i < len; i++) {
		if (!g_ascii_isdigit (s[i]))
			return DT_BAD_FORMAT;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return DT_OK;
}

/* ".123456789" -> microseconds, rounded to nearest.  PG reads the
 * fraction as a double and rounds with rint(), so .1234565 (just below
 * half in binary) gives 123456 and .1234575 gives 123458; doing the same
 * reproduces its digits exactly. */
static DtStatus
parse_fraction (const char *s, int len, int64_t *usec)
{
	char buf[MAX_DATE_LEN + 2];
	buf[0] = '0';
	memcpy (buf + 1, s, len);
	buf[len + 1] = '\0';
	for (int i = 1; i < len; i++)
		if (!g_ascii_isdigit (s[i]))
			return DT_BAD_FORMAT;
	*usec = (int64_t) rint (g_ascii_strtod (buf, NULL) * 1e6);
	return DT_OK;
}

static DtStatus
set_time (Parse *p, int64_t h, int64_t m, int64_t s, int64_t us)
{
	if (p->have_time)
		return DT_BAD_FORMAT;
	p->have_time = true;
	p->hour = h;
	p->minute = m;
	p->second = s;
	p->usec = us;
	return DT_OK;
}

/* hh:mm, hh:mm:ss[.f], and mm:ss.f (two parts, the second with a
 * fraction, as PG reads '03:04.5'). */
static DtStatus
decode_time (Parse *p, const char *s, int len)
{
	int64_t v[3] = { 0, 0, 0 };
	int nv = 0, i = 0;
	const char *frac = NULL;
	int frac_len = 0;
	while (i < len) {
		int b = i;
		while (i < len && g_ascii_isdigit (s[i]))
			i++;
		if (nv == 3)
			return DT_BAD_FORMAT;
		DtStatus st = parse_digits (s + b, i - b, &v[nv++]);
		if (st != DT_OK)
			return st;
		if (i < len && s[i] == '.') {
			frac = s + i;
			frac_len = len - i;
			break;
		}
		if (i < len) {
			if (s[i] != ':' || i + 1 == len)
				return DT_BAD_FORMAT;
			i++;
		}
	}
	int64_t us = 0;
	if (frac) {
		DtStatus st = parse_fraction (frac, frac_len, &us);
		if (st != DT_OK)
			return st;
		if (nv == 2)
			return set_time (p, 0, v[0], v[1], us);
	}
	if (nv < 2)
		return DT_BAD_FORMAT;
	return set_time (p, v[0], v[1], v[2], us);
}

/* hhmmss[.f] or hhmm, after a T or after a complete date. */
static DtStatus
decode_compact_time (Parse *p, const char *s, int len)
{
	int nd = 0;
	while (nd < len && g_ascii_isdigit (s[nd]))
		nd++;
	int64_t v, us = 0;
	DtStatus st = parse_digits (s, nd, &v);
	if (st != DT_OK)
		return st;
	if (nd < len) {
		if (nd != 6)
			return DT_BAD_FORMAT;
		if ((st = parse_fraction (s + nd, len - nd, &us)) != DT_OK)
			return st;
	}
	if (nd == 6)
		return set_time (p, v / 10000, v / 100 % 100, v % 100, us);
	if (nd == 4)
		return set_time (p, v / 100, v % 100, 0, 0);
	return DT_BAD_FORMAT;
}

/* Does anything stand for the date yet? */
static bool
date_claimed (const Parse *p)
{
	return p->nitems > 0 || p->julian || p->relative != SP_NONE;
}

/* Is the date complete, so that what follows may be a time or a zone? */
static bool
date_complete (const Parse *p)
{
	return p->nitems == 3 || p->julian || p->relative != SP_NONE;
}

static DtStatus
push_item (Parse *p, int64_t value, int ndigits, bool month)
{
	if (p->nitems == 3 || p->julian || p->relative != SP_NONE)
		return DT_BAD_FORMAT;
	if (month)
		for (int i = 0; i < p->nitems; i++)
			if (p->item[i].month)
				return DT_BAD_FORMAT;
	p->item[p->nitems++] = (DateItem) { value, ndigits, month };
	return DT_OK;
}

static DtStatus
decode_number (Parse *p, const char *s, int len)
{
	int nd = 0;
	while (nd < len && g_ascii_isdigit (s[nd]))
		nd++;
	bool frac = nd < len;
	int64_t v;
	DtStatus st;
	if (p->expect_julian) {
		p->expect_julian = false;
		if (date_claimed (p))
			return DT_BAD_FORMAT;
		if ((st = parse_digits (s, nd, &v)) != DT_OK)
			return st;
		if (v > INT32_MAX)  /* PG reads the day as an int */
			return DT_FIELD_RANGE;
		p->julian = true;
		p->julian_day = v;
		if (frac) {
			int64_t us;
			if ((st = parse_fraction (s + nd, len - nd, &us)) != DT_OK)
				return st;
			p->julian_frac = us / 1e6;
		}
		return DT_OK;
	}
	if (p->expect_time) {
		p->expect_time = false;
		return decode_compact_time (p, s, len);
	}
	if (date_complete (p) && !p->have_time)
		return decode_compact_time (p, s, len);
	if (frac)
		return DT_BAD_FORMAT;
	if ((st = parse_digits (s, nd, &v)) != DT_OK)
		return st;
	if (p->nitems == 0 && (nd == 8 || nd == 6)) {
		/* yyyymmdd, yymmdd */
		int yd = nd - 4;
		p->ymd = true;
		push_item (p, v / 10000, yd, false);
		push_item (p, v / 100 % 100, 2, false);
		return push_item (p, v % 100, 2, false);
	}
	return push_item (p, v, nd, false);
}

static DtStatus
decode_date_field (Parse *p, const char *s, int len)
{
	/* PG takes a punctuated date only before anything but a zone: 'Tue
	 * Jan 2 2024' and '2024-01-02 Tue' are dates, 'Tue 2024-01-02' and
	 * '03:04 2024-01-02' are not. */
	if (date_claimed (p) || p->seen_dow || p->ampm || p->era || p->have_time || p->expect_time
	    || p->marker != SP_NONE)
		return DT_BAD_FORMAT;
	char sep = 0;
	for (int i = 0; i < len && !sep; i++)
		if (is_sep (s[i]))
			sep = s[i];
	int i = 0;
	while (i < len) {
		if (s[i] == sep) {
			i++;  /* PG shrugs at an empty part: 2024--01-02 */
			continue;
		}
		int b = i;
		DtStatus st;
		if (g_ascii_isdigit (s[i])) {
			while (i < len && g_ascii_isdigit (s[i]))
				i++;
			int64_t v;
			if ((st = parse_digits (s + b, i - b, &v)) != DT_OK)
				return st;
			st = push_item (p, v, i - b, false);
		} else {
			while (i < len && g_ascii_isalpha (s[i]))
				i++;
			const Keyword *kw = keyword_lookup (s + b, i - b);
			if (kw == NULL || kw->kind != W_MONTH)
				return DT_BAD_FORMAT;
			st = push_item (p, kw->value, 0, true);
		}
		if (st != DT_OK)
			return st;
		if (i < len && s[i] != sep)
			return DT_BAD_FORMAT;
	}
	return DT_OK;
}

/* +hh, +hhmm, +hh:mm, +hh:mm:ss.  Without colons, more than two digits
 * are hhmm, so +155959 is hour 1559 and out of range, as in PG. */
static DtStatus
decode_offset (Parse *p, const char *s, int len)
{
	if (p->have_zone)
		return DT_BAD_FORMAT;
	int sign = s[0] == '-' ? -1 : 1;
	int64_t h = 0, m = 0, sec = 0;
	DtStatus st;
	const char *c1 = memchr (s + 1, ':', len - 1);
	if (c1 == NULL) {
		int64_t v;
		if ((st = parse_digits (s + 1, len - 1, &v)) != DT_OK)
			return st == DT_FIELD_RANGE ? DT_TZ_DISP : st;
		if (len - 1 <= 2) {
			h = v;
		} else {
			h = v / 100;
			m = v % 100;
		}
	} else {
		int64_t v[3] = { 0, 0, 0 };
		int nv = 0, i = 1;
		while (i <= len) {
			int b = i;
			while (i < len && g_ascii_isdigit (s[i]))
				i++;
			if (nv == 3)
				return DT_BAD_FORMAT;
			if ((st = parse_digits (s + b, i - b, &v[nv++])) != DT_OK)
				return st == DT_FIELD_RANGE ? DT_TZ_DISP : st;
			i++;  /* the colon, or one past the end */
		}
		h = v[0], m = v[1], sec = v[2];
	}
	if (h > 15 || m >= 60 || sec >= 60)
		return DT_TZ_DISP;
	p->have_zone = true;
	p->zone_offset = (int) (sign * (h * 3600 + m * 60 + sec));
	return DT_OK;
}

static DtStatus
decode_word (Parse *p, const char *low, const char *orig, int len)
{
	const Keyword *kw = keyword_lookup (low, len);
	if (kw == NULL) {
		/* A zone name.  Without a slash an unknown word is just bad
		 * syntax; with one PG names the zone in its complaint. */
		bool slash = memchr (low, '/', len) != NULL;
		bool letters_only = true;
		for (int i = 0; i < len; i++)
			letters_only &= g_ascii_isalpha (low[i]) != 0;
		/* PG's lexer reads a name with a slash, digit or sign as part
		 * of a date until the date is complete: 'Singapore 2024-01-02'
		 * is fine, 'Europe/Paris 2024-01-02' and 'UTC+2 2024-01-02' are
		 * bad syntax. */
		if (p->have_zone || (!letters_only && !date_complete (p)))
			return DT_BAD_FORMAT;
		char name[MAX_DATE_LEN + 1];
		memcpy (name, orig, len);
		name[len] = '\0';
		OxTimeZone *tz = ox_timezone_new (name);
		if (tz == NULL) {
			if (!slash)
				return DT_BAD_FORMAT;
			return DT_TZ_UNKNOWN;
		}
		p->have_zone = true;
		p->zone = tz;
		return DT_OK;
	}
	switch (kw->kind) {
	case W_MONTH:
		return push_item (p, kw->value, 0, true);
	case W_DOW:
		if (p->seen_dow)
			return DT_BAD_FORMAT;
		p->seen_dow = true;
		return DT_OK;
	case W_IGNORE:
		return DT_OK;
	case W_AMPM:
		if (p->ampm)
			return DT_BAD_FORMAT;
		p->ampm = kw->value;
		return DT_OK;
	case W_ERA:
		if (p->era)
			return DT_BAD_FORMAT;
		p->era = kw->value;
		return DT_OK;
	case W_ISO_T:
		if (p->expect_time || p->have_time)
			return DT_BAD_FORMAT;
		p->expect_time = true;
		return DT_OK;
	case W_JULIAN:
		if (p->expect_julian)
			return DT_BAD_FORMAT;
		p->expect_julian = true;
		return DT_OK;
	case W_SPECIAL:
		if (kw->value == SP_EPOCH || kw->value == SP_INFINITY || kw->value == SP_NINFINITY) {
			if (p->marker != SP_NONE)
				return DT_BAD_FORMAT;
			p->marker = (Special) kw->value;
			p->marker_last = true;
		} else {
			if (date_claimed (p))
				return DT_BAD_FORMAT;
			p->relative = (Special) kw->value;
			p->marker_last = false;
		}
		return DT_OK;
	case W_ALLBALLS:
		/* 00:00:00 UTC */
		if (p->have_zone)
			return DT_BAD_FORMAT;
		p->have_zone = true;
		p->zone_offset = 0;
		return set_time (p, 0, 0, 0, 0);
	case W_ZONE_ABBREV:
		if (p->have_zone)
			return DT_BAD_FORMAT;
		p->have_zone = true;
		p->zone_offset = kw->value;
		return DT_OK;
	}
	return DT_BAD_FORMAT;
}

/* Put the date items in order and check them.  Returns y (astronomical),
 * m, d.  With a month name, the number typed with more than two digits
 * (or else the second one) is the year and the other the day; without
 * one, a first item of more than two digits means Y-M-D, else M-D-Y
 * (DateStyle MDY).  Two-digit AD years land in 1970..2069.
 *
 * An incomplete date is still checked as far as it goes, because PG
 * checks each field as it reads it: '13' alone is a month out of range
 * (with the DateStyle hint), not bad syntax.  Then DT_BAD_FORMAT. */
static DtStatus
finish_date (const Parse *p, int64_t *y, int *m, int *d)
{
	const DateItem *it = p->item;
	int n = p->nitems;
	int mi = -1;
	for (int i = 0; i < n; i++)
		if (it[i].month)
			mi = i;
	const DateItem *yi = NULL, *mo = NULL, *di = NULL;
	if (mi >= 0) {
		mo = &it[mi];
		for (int i = 0; i < n; i++) {
			if (i == mi)
				continue;
			if (yi == NULL && (it[i].ndigits > 2 || di != NULL))
				yi = &it[i];
			else
				di = &it[i];
		}
	} else if (n > 0 && (p->ymd || it[0].ndigits > 2)) {
		yi = &it[0];
		mo = n > 1 ? &it[1] : NULL;
		di = n > 2 ? &it[2] : NULL;
	} else if (n > 0) {
		mo = &it[0];
		di = n > 1 ? &it[1] : NULL;
		yi = n > 2 ? &it[2] : NULL;
	}
	/* A month or day that fits no calendar may be a DateStyle mix-up:
	 * PG adds its hint then. */
	if ((mo && (mo->value < 1 || mo->value > 12)) || (di && (di->value < 1 || di->value > 31)))
		return DT_MD_RANGE;
	if (n != 3)
		return DT_BAD_FORMAT;
	int64_t year = yi->value;
	if (yi->ndigits <= 2 && p->era != 2)
		year += year < 70 ? 2000 : 1900;
	if (year == 0 || year > INT32_MAX)
		return DT_FIELD_RANGE;
	if (p->era == 2)
		year = 1 - year;
	if (di->value > days_in_month (year, (int) mo->value))
		return DT_FIELD_RANGE;
	*y = year;
	*m = (int) mo->value;
	*d = (int) di->value;
	return DT_OK;
}

static DtStatus
finish_time (const Parse *p, int64_t *tod)
{
	int64_t h = p->hour;
	if (p->ampm) {
		if (h > 12)
			return DT_FIELD_RANGE;
		if (h == 12)
			h = 0;
		if (p->ampm == 2)
			h += 12;
	}
	/* 24:00:00 is the end of the day; :60 is a leap second, which PG
	 * carries into the next minute. */
	if (h > 24 || p->minute > 59 || p->second > 60
	    || (h == 24 && (p->minute || p->second || p->usec)))
		return DT_FIELD_RANGE;
	*tod = ((h * 60 + p->minute) * 60 + p->second) * USECS_PER_SEC + p->usec;
	return DT_OK;
}

typedef enum { T_DATE, T_TIMESTAMP, T_TIMESTAMPTZ } DtType;

static const char *const type_names[] = {
	[T_DATE] = "date",
	[T_TIMESTAMP] = "timestamp",
	[T_TIMESTAMPTZ] = "timestamp with time zone",
};

static void __attribute__ ((noreturn))
raise_parse_error (DtStatus st, DtType type, const char *s, size_t len, const char *zone_low)
{
	int n = len > INT_MAX ? INT_MAX : (int) len;
	switch (st) {
	case DT_FIELD_RANGE:
		ox_raise (OX_ERR_DATETIME_OVERFLOW, 0,
		          "date/time field value out of range: \"%.*s\"", n, s);
	case DT_MD_RANGE:
		ox_raise_full (OX_ERR_DATETIME_OVERFLOW, 0, NULL,
		               "Perhaps you need a different \"datestyle\" setting.",
		               "date/time field value out of range: \"%.*s\"", n, s);
	case DT_TZ_DISP:
		ox_raise (OX_ERR_TZ_DISPLACEMENT, 0,
		          "time zone displacement out of range: \"%.*s\"", n, s);
	case DT_TZ_UNKNOWN:
		ox_raise (OX_ERR_INVALID_PARAMETER, 0, "time zone \"%s\" not recognized", zone_low);
	case DT_OK:
	case DT_BAD_FORMAT:
	case DT_TYPE_RANGE:  /* raised by the caller */
		break;
	}
	ox_raise (OX_ERR_DATETIME_FORMAT, 0, "invalid input syntax for type %s: \"%.*s\"",
	          type_names[type], n, s);
}

/* Turn the decoded fields into a value of the type: days for T_DATE,
 * microseconds for the timestamps.  Checks come in PG's order: the date
 * fields, the time fields, and only then whether a special word decides
 * the value (so 'infinity 25:00' is still out of range). */
static DtStatus
resolve (const Parse *p, DtType type, int64_t now, const OxTimeZone *session, int64_t *out)
{
	DtStatus st;
	int64_t days = 0, tod = 0;
	int64_t y;
	int m, d;

	if (p->nitems > 0 || (!p->julian && p->relative == SP_NONE && p->marker == SP_NONE)) {
		st = finish_date (p, &y, &m, &d);
		if (st != DT_OK && !(st == DT_BAD_FORMAT && p->marker != SP_NONE))
			return st;
		if (st == DT_OK)
			days = days_from_ymd (y, m, d);
	} else if (p->julian) {
		days = p->julian_day - JULIAN_2000;
		/* J2451545.5 is noon; with a clock time as well the input
		 * would name two times of day. */
		if (p->julian_frac > 0 && p->have_time)
			return DT_BAD_FORMAT;
		tod = (int64_t) rint (p->julian_frac * (double) OX_USECS_PER_DAY);
	}
	/* AM/PM alone speaks of hour 0: '2024-01-02 PM' is noon. */
	if ((p->have_time || p->ampm) && (st = finish_time (p, &tod)) != DT_OK)
		return st;
	/* 'now' is a whole timestamp with its zone. */
	if (p->relative == SP_NOW && (p->have_time || p->have_zone || p->era || p->ampm))
		return DT_BAD_FORMAT;

	Special sp = p->marker != SP_NONE && (p->marker_last || p->relative == SP_NONE)
	             ? p->marker : p->relative;
	int64_t local_now = 0;
	if (sp == SP_NOW || sp == SP_TODAY || sp == SP_TOMORROW || sp == SP_YESTERDAY)
		local_now = now + ox_timezone_offset_at_utc (session, now) * USECS_PER_SEC;
	switch (sp) {
	case SP_INFINITY:
		*out = type == T_DATE ? OX_DATE_NOEND : OX_TS_NOEND;
		return DT_OK;
	case SP_NINFINITY:
		*out = type == T_DATE ? OX_DATE_NOBEGIN : OX_TS_NOBEGIN;
		return DT_OK;
	case SP_EPOCH:
		*out = type == T_DATE ? -UNIX_2000_SECS / SECS_PER_DAY : -UNIX_2000_SECS * USECS_PER_SEC;
		return DT_OK;
	case SP_NOW:
		if (type == T_TIMESTAMPTZ)
			*out = now;
		else if (type == T_TIMESTAMP)
			*out = local_now;
		else
			*out = floor_div (local_now, OX_USECS_PER_DAY);
		return DT_OK;
	case SP_TODAY:
	case SP_TOMORROW:
	case SP_YESTERDAY:
		/* Today is the session's, whatever zone the input names. */
		days = floor_div (local_now, OX_USECS_PER_DAY)
		       + (sp == SP_TOMORROW) - (sp == SP_YESTERDAY);
		break;
	case SP_NONE:
		break;
	}

	if (type == T_DATE) {
		if (days < DATE_MIN_DAYS || days >= DATE_END_DAYS)
			return DT_TYPE_RANGE;
		*out = days;
		return DT_OK;
	}
	/* Keep the arithmetic in int64: a day or two of slack covers the
	 * zone offset still to come. */
	if (days < DATE_MIN_DAYS - 2 || days > TS_END_DAYS + 2)
		return DT_TYPE_RANGE;
	int64_t local = days * OX_USECS_PER_DAY + tod, r;
	if (type == T_TIMESTAMP)
		r = local;
	else if (p->have_zone && p->zone == NULL)
		r = local - p->zone_offset * USECS_PER_SEC;
	else
		r = local_to_utc (p->zone ? p->zone : session, local);
	if (!ts_in_range (r))
		return DT_TYPE_RANGE;
	*out = r;
	return DT_OK;
}

/* The shared worker of the three input functions.  Returns days (T_DATE)
 * or microseconds (timestamps); infinities as the type's sentinels. */
static int64_t
parse_datetime (const char *s, size_t len, DtType type, int64_t now, const OxTimeZone *tz)
{
	char orig[MAX_DATE_LEN + 1], low[MAX_DATE_LEN + 1];
	Field f[MAX_FIELDS];
	int nf = 0;
	Parse p = { 0 };
	DtStatus st = DT_OK;
	char zone_low[MAX_DATE_LEN + 1] = "";

	if (len > MAX_DATE_LEN || memchr (s, '\0', len) != NULL)
		raise_parse_error (DT_BAD_FORMAT, type, s, len, NULL);
	memcpy (orig, s, len);
	orig[len] = '\0';
	/* Inline, not g_ascii_tolower (): a call per byte showed in perf. */
	for (size_t i = 0; i <= len; i++)
		low[i] = orig[i] >= 'A' && orig[i] <= 'Z' ? orig[i] + ('a' - 'A') : orig[i];

	st = lex (low, (int) len, f, &nf);
	for (int i = 0; i < nf && st == DT_OK; i++) {
		const char *fl = low + f[i].start;
		switch (f[i].kind) {
		case F_NUMBER:
			st = decode_number (&p, fl, f[i].len);
			break;
		case F_DATE:
			st = decode_date_field (&p, fl, f[i].len);
			break;
		case F_TIME:
			p.expect_time = false;
			st = decode_time (&p, fl, f[i].len);
			break;
		case F_OFFSET:
			st = decode_offset (&p, fl, f[i].len);
			break;
		case F_WORD:
			st = decode_word (&p, fl, orig + f[i].start, f[i].len);
			if (st == DT_TZ_UNKNOWN) {
				memcpy (zone_low, fl, f[i].len);
				zone_low[f[i].len] = '\0';
			}
			break;
		case F_ISO_T:
			st = decode_word (&p, "t", "t", 1);
			break;
		case F_JULIAN:
			st = decode_word (&p, "j", "j", 1);
			break;
		}
		if (st == DT_OK && p.expect_time && f[i].kind != F_ISO_T
		    && !(f[i].kind == F_WORD && f[i].len == 1 && fl[0] == 't'))
			st = DT_BAD_FORMAT;  /* something other than a time after T */
	}
	if (st == DT_OK && (nf == 0 || p.expect_time || p.expect_julian))
		st = DT_BAD_FORMAT;
	int64_t result = 0;
	if (st == DT_OK)
		st = resolve (&p, type, now, tz, &result);
	ox_timezone_free (p.zone);
	if (st == DT_TYPE_RANGE) {
		int n = len > INT_MAX ? INT_MAX : (int) len;
		ox_raise (OX_ERR_DATETIME_OVERFLOW, 0, "%s out of range: \"%.*s\"",
		          type == T_DATE ? "date" : "timestamp", n, s);
	}
	if (st != DT_OK)
		raise_parse_error (st, type, s, len, zone_low);
	return result;
}

int32_t
ox_date_in_at (const char *s, size_t len, int64_t now, const OxTimeZone *tz)
{
	return (int32_t) parse_datetime (s, len, T_DATE, now, tz);
}

int32_t
ox_date_in (const char *s, size_t len)
{
	return ox_date_in_at (s, len, ox_timestamp_now (), NULL);
}

int64_t
ox_timestamp_in (const char *s, size_t len, int64_t now, const OxTimeZone *tz)
{
	return parse_datetime (s, len, T_TIMESTAMP, now, tz);
}

int64_t
ox_timestamptz_in (const char *s, size_t len, int64_t now, const OxTimeZone *tz)
{
	return parse_datetime (s, len, T_TIMESTAMPTZ, now, tz);
}

/* ---------------------------------------------------------------------
 * Output (DateStyle ISO)
 * ------------------------------------------------------------------- */

/* Digits of v, at least width of them, zero-padded; returns the count.
 * Written by hand because with snprintf, libc's printf machinery was a
 * fifth of the time of a TIMESTAMPTZ in/out benchmark under perf. */
static int
put_digits (char *p, uint64_t v, int width)
{
	char tmp[20];
	int n = 0;
	do {
		tmp[n++] = (char) ('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width)
		tmp[n++] = '0';
	for (int i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

/* "YYYY-MM-DD": at least four year digits, no sign; BC is a suffix the
 * caller adds, since for timestamptz it follows the offset. */
static int
format_date (char *buf, int64_t days, bool *bc)
{
	int64_t y;
	int m, d, n;
	ymd_from_days (days, &y, &m, &d);
	*bc = y <= 0;
	n = put_digits (buf, (uint64_t) (*bc ? 1 - y : y), 4);
	buf[n++] = '-';
	n += put_digits (buf + n, (uint64_t) m, 2);
	buf[n++] = '-';
	n += put_digits (buf + n, (uint64_t) d, 2);
	return n;
}

/* " HH:MM:SS[.ffffff]" with trailing zeros of the fraction dropped. */
static int
format_time (char *buf, int64_t tod)
{
	int64_t secs = tod / USECS_PER_SEC, us = tod % USECS_PER_SEC;
	int n = 0;
	buf[n++] = ' ';
	n += put_digits (buf + n, (uint64_t) (secs / 3600), 2);
	buf[n++] = ':';
	n += put_digits (buf + n, (uint64_t) (secs / 60 % 60), 2);
	buf[n++] = ':';
	n += put_digits (buf + n, (uint64_t) (secs % 60), 2);
	if (us) {
		buf[n++] = '.';
		n += put_digits (buf + n, (uint64_t) us, 6);
		while (buf[n - 1] == '0')
			n--;
	}
	return n;
}

char *
ox_date_out (OxArena *a, int32_t d)
{
	if (d == OX_DATE_NOBEGIN)
		return ox_arena_strdup (a, "-infinity");
	if (d == OX_DATE_NOEND)
		return ox_arena_strdup (a, "infinity");
	char buf[32];
	bool bc;
	int n = format_date (buf, d, &bc);
	if (bc) {
		memcpy (buf + n, " BC", 3);
		n += 3;
	}
	return ox_arena_strndup (a, buf, n);
}

/* Shared by both timestamp types; offset is NULL for plain TIMESTAMP. */
static char *
timestamp_out (OxArena *a, int64_t local, const int *offset)
{
	char buf[64];  /* "294277-01-01 00:59:59.999999+15:59:59 BC" is 41 */
	int64_t days, tod;
	bool bc;
	split_ts (local, &days, &tod);
	int n = format_date (buf, days, &bc);
	n += format_time (buf + n, tod);
	if (offset) {
		/* +HH, +HH:MM or +HH:MM:SS: only as long as needed. */
		int off = *offset, ao = ABS (off);
		buf[n++] = off < 0 ? '-' : '+';
		n += put_digits (buf + n, (uint64_t) (ao / 3600), 2);
		if (ao % 3600) {
			buf[n++] = ':';
			n += put_digits (buf + n, (uint64_t) (ao / 60 % 60), 2);
		}
		if (ao % 60) {
			buf[n++] = ':';
			n += put_digits (buf + n, (uint64_t) (ao % 60), 2);
		}
	}
	if (bc) {
		memcpy (buf + n, " BC", 3);
		n += 3;
	}
	return ox_arena_strndup (a, buf, n);
}

char *
ox_timestamp_out (OxArena *a, int64_t ts)
{
	if (ts == OX_TS_NOBEGIN)
		return ox_arena_strdup (a, "-infinity");
	if (ts == OX_TS_NOEND)
		return ox_arena_strdup (a, "infinity");
	return timestamp_out (a, ts, NULL);
}

char *
ox_timestamptz_out (OxArena *a, int64_t ts, const OxTimeZone *tz)
{
	if (ts == OX_TS_NOBEGIN)
		return ox_arena_strdup (a, "-infinity");
	if (ts == OX_TS_NOEND)
		return ox_arena_strdup (a, "infinity");
	int off = ox_timezone_offset_at_utc (tz, ts);
	return timestamp_out (a, ts + off * USECS_PER_SEC, &off);
}

/* ---------------------------------------------------------------------
 * Conversions
 * ------------------------------------------------------------------- */

int64_t
ox_date_to_timestamp (int32_t d)
{
	if (d == OX_DATE_NOBEGIN)
		return OX_TS_NOBEGIN;
	if (d == OX_DATE_NOEND)
		return OX_TS_NOEND;
	if (d >= TS_END_DAYS)
		ox_raise (OX_ERR_DATETIME_OVERFLOW, 0, "date out of range for timestamp");
	return d * OX_USECS_PER_DAY;
}

int32_t
ox_timestamp_to_date (int64_t ts)
{
	if (ts == OX_TS_NOBEGIN)
		return OX_DATE_NOBEGIN;
	if (ts == OX_TS_NOEND)
		return OX_DATE_NOEND;
	return (int32_t) floor_div (ts, OX_USECS_PER_DAY);
}

int64_t
ox_timestamp_to_timestamptz (int64_t ts, const OxTimeZone *tz)
{
	if (ts == OX_TS_NOBEGIN || ts == OX_TS_NOEND)
		return ts;
	int64_t r = local_to_utc (tz, ts);
	if (!ts_in_range (r))
		ox_raise (OX_ERR_DATETIME_OVERFLOW, 0, "timestamp out of range");
	return r;
}

int64_t
ox_timestamptz_to_timestamp (int64_t ts, const OxTimeZone *tz)
{
	if (ts == OX_TS_NOBEGIN || ts == OX_TS_NOEND)
		return ts;
	int64_t r = ts + ox_timezone_offset_at_utc (tz, ts) * USECS_PER_SEC;
	if (!ts_in_range (r))
		ox_raise (OX_ERR_DATETIME_OVERFLOW, 0, "timestamp out of range");
	return r;
}

/* ---------------------------------------------------------------------
 * extract() / date_part() and date_trunc()
 * ------------------------------------------------------------------- */

typedef enum {
	U_MICROSECONDS, U_MILLISECONDS, U_SECOND, U_MINUTE, U_HOUR, U_DAY,
	U_WEEK, U_MONTH, U_QUARTER, U_YEAR, U_DECADE, U_CENTURY, U_MILLENNIUM,
	U_DOW, U_ISODOW, U_DOY, U_EPOCH, U_JULIAN, U_ISOYEAR,
	U_TIMEZONE, U_TIMEZONE_HOUR, U_TIMEZONE_MINUTE,
	U_UNKNOWN,
} Unit;

/* PG compares unit names on their first ten characters only, which is
 * why 'millenniums' and 'timezone_minute' are accepted; the long names
 * here are those ten-character stems. */
static const struct { const char *name; Unit unit; } units[] = {
	{ "microsecon", U_MICROSECONDS }, { "us", U_MICROSECONDS },
	{ "usec", U_MICROSECONDS }, { "usecs", U_MICROSECONDS },
	{ "usecond", U_MICROSECONDS }, { "useconds", U_MICROSECONDS },
	{ "millisecon", U_MILLISECONDS }, { "ms", U_MILLISECONDS },
	{ "msec", U_MILLISECONDS }, { "msecs", U_MILLISECONDS },
	{ "msecond", U_MILLISECONDS }, { "mseconds", U_MILLISECONDS },
	{ "second", U_SECOND }, { "seconds", U_SECOND }, { "s", U_SECOND },
	{ "sec", U_SECOND }, { "secs", U_SECOND },
	{ "minute", U_MINUTE }, { "minutes", U_MINUTE }, { "m", U_MINUTE },
	{ "min", U_MINUTE }, { "mins", U_MINUTE },
	{ "hour", U_HOUR }, { "hours", U_HOUR }, { "h", U_HOUR },
	{ "hr", U_HOUR }, { "hrs", U_HOUR },
	{ "day", U_DAY }, { "days", U_DAY }, { "d", U_DAY },
	{ "week", U_WEEK }, { "weeks", U_WEEK }, { "w", U_WEEK },
	{ "month", U_MONTH }, { "months", U_MONTH }, { "mon", U_MONTH },
	{ "mons", U_MONTH },
	{ "quarter", U_QUARTER }, { "qtr", U_QUARTER },
	{ "year", U_YEAR }, { "years", U_YEAR }, { "y", U_YEAR },
	{ "yr", U_YEAR }, { "yrs", U_YEAR },
	{ "decade", U_DECADE }, { "decades", U_DECADE }, { "dec", U_DECADE },
	{ "century", U_CENTURY }, { "centuries", U_CENTURY }, { "c", U_CENTURY },
	{ "cent", U_CENTURY },
	{ "millennium", U_MILLENNIUM }, { "millennia", U_MILLENNIUM },
	{ "mil", U_MILLENNIUM }, { "mils", U_MILLENNIUM },
	{ "dow", U_DOW }, { "isodow", U_ISODOW }, { "doy", U_DOY },
	{ "epoch", U_EPOCH }, { "julian", U_JULIAN }, { "j", U_JULIAN },
	{ "isoyear", U_ISOYEAR },
	{ "timezone", U_TIMEZONE }, { "timezone_h", U_TIMEZONE_HOUR },
	{ "timezone_m", U_TIMEZONE_MINUTE },
};

static Unit
unit_lookup (const char *field)
{
	if (field == NULL)
		return U_UNKNOWN;
	char key[11];
	size_t n = 0;
	for (; field[n] && n < 10; n++)
		key[n] = g_ascii_tolower (field[n]);
	key[n] = '\0';
	for (size_t i = 0; i < G_N_ELEMENTS (units); i++)
		if (strcmp (units[i].name, key) == 0)
			return units[i].unit;
	return U_UNKNOWN;
}

bool
ox_datetime_unit_known (const char *field)
{
	return unit_lookup (field) != U_UNKNOWN;
}

/* Year as extract() shows it: no year 0, 1 BC is -1. */
static int64_t
display_year (int64_t y)
{
	return y > 0 ? y : y - 1;
}

/* ceil (a / b) for a >= 0, b > 0 */
static int64_t
ceil_div_pos (int64_t a, int64_t b)
{
	return (a + b - 1) / b;
}

/* The part of a finite local time.  utc is the instant for epoch (equal
 * to local for plain TIMESTAMP), offset the zone offset for the
 * timezone units (which only TIMESTAMPTZ may ask for). */
static double
part_of (int64_t local, int64_t utc, int offset, Unit u)
{
	int64_t days, tod, y;
	int m, d;
	split_ts (local, &days, &tod);
	ymd_from_days (days, &y, &m, &d);
	int64_t sec_us = tod % USECS_PER_MINUTE;
	switch (u) {
	case U_MICROSECONDS:
		return (double) sec_us;
	/* Whole seconds plus the fraction, in this order and in double, as
	 * PG computes them: 24 + 0.331766 is 24.331766000000002, one ulp
	 * away from 24331766 / 1e6, and PG prints the difference. */
	case U_MILLISECONDS:
		return (double) (sec_us / USECS_PER_SEC) * 1000.0 + (double) (sec_us % USECS_PER_SEC) / 1000.0;
	case U_SECOND:
		return (double) (sec_us / USECS_PER_SEC) + (double) (sec_us % USECS_PER_SEC) / 1e6;
	case U_MINUTE:
		return (double) (tod / USECS_PER_MINUTE % 60);
	case U_HOUR:
		return (double) (tod / USECS_PER_HOUR);
	case U_DAY:
		return d;
	case U_MONTH:
		return m;
	case U_QUARTER:
		return (m - 1) / 3 + 1;
	case U_YEAR:
		return (double) display_year (y);
	case U_DECADE:
		/* Astronomical years divided down: 1 BC (year 0) is in decade
		 * 0 along with 1..9 AD, 2..10 BC in decade -1. */
		return (double) floor_div (y, 10);
	case U_CENTURY:
		/* No century 0: 1..100 AD is the 1st, 100..1 BC the -1st. */
		return (double) (y > 0 ? ceil_div_pos (y, 100) : -ceil_div_pos (1 - y, 100));
	case U_MILLENNIUM:
		return (double) (y > 0 ? ceil_div_pos (y, 1000) : -ceil_div_pos (1 - y, 1000));
	case U_DOW:
		return dow_of_days (days);
	case U_ISODOW: {
		int w = dow_of_days (days);
		return w == 0 ? 7 : w;
	}
	case U_DOY:
		return (double) (days - days_from_ymd (y, 1, 1) + 1);
	case U_WEEK:
	case U_ISOYEAR: {
		int64_t iy;
		int wk;
		iso_week (days, &iy, &wk);
		return u == U_WEEK ? wk : (double) display_year (iy);
	}
	case U_EPOCH: {
		/* Shifting to 1970 overflows int64 in the last ~30000 years of
		 * the range; there PG shifts in double instead, and so do we,
		 * to give its digits (294276-12-31 is 9224318016000). */
		const int64_t shift = UNIX_2000_SECS * USECS_PER_SEC;
		if (utc < INT64_MAX - shift)
			return (double) (utc + shift) / 1e6;
		return ((double) utc + (double) shift) / 1e6;
	}
	case U_JULIAN:
		return (double) (days + JULIAN_2000) + (double) tod / (double) OX_USECS_PER_DAY;
	case U_TIMEZONE:
		return offset;
	case U_TIMEZONE_HOUR:
		return offset / 3600;
	case U_TIMEZONE_MINUTE:
		return offset / 60 % 60;
	case U_UNKNOWN:
		break;
	}
	g_assert_not_reached ();
}

/* The units that keep growing without bound are infinite for an infinite
 * timestamp; the rest have no value (SQL NULL, NaN here). */
static double
part_of_infinity (int64_t ts, Unit u)
{
	switch (u) {
	case U_YEAR: case U_DECADE: case U_CENTURY: case U_MILLENNIUM:
	case U_JULIAN: case U_ISOYEAR: case U_EPOCH:
		return ts == OX_TS_NOEND ? INFINITY : -INFINITY;
	default:
		return NAN;
	}
}

bool
ox_timestamp_part (int64_t ts, const char *field, double *out)
{
	Unit u = unit_lookup (field);
	if (u == U_UNKNOWN)
		return false;
	/* PG looks at infinity before asking whether the unit makes sense
	 * for the type: date_part('timezone', 'infinity'::timestamp) is NULL. */
	if (ts == OX_TS_NOBEGIN || ts == OX_TS_NOEND) {
		*out = part_of_infinity (ts, u);
		return true;
	}
	if (u >= U_TIMEZONE)
		return false;
	*out = part_of (ts, ts, 0, u);
	return true;
}

bool
ox_timestamptz_part (int64_t ts, const char *field, const OxTimeZone *tz, double *out)
{
	Unit u = unit_lookup (field);
	if (u == U_UNKNOWN)
		return false;
	if (ts == OX_TS_NOBEGIN || ts == OX_TS_NOEND) {
		*out = part_of_infinity (ts, u);
		return true;
	}
	int off = ox_timezone_offset_at_utc (tz, ts);
	*out = part_of (ts + off * USECS_PER_SEC, ts, off, u);
	return true;
}

/* Truncate a finite local time; false for units date_trunc lacks. */
static bool
trunc_local (int64_t local, Unit u, int64_t *out)
{
	int64_t days, tod, y;
	int m, d;
	split_ts (local, &days, &tod);
	switch (u) {
	case U_MICROSECONDS:
		*out = local;
		return true;
	case U_MILLISECONDS:
		*out = local - tod % 1000;
		return true;
	case U_SECOND:
		*out = local - tod % USECS_PER_SEC;
		return true;
	case U_MINUTE:
		*out = local - tod % USECS_PER_MINUTE;
		return true;
	case U_HOUR:
		*out = local - tod % USECS_PER_HOUR;
		return true;
	case U_DAY:
		*out = days * OX_USECS_PER_DAY;
		return true;
	case U_WEEK: {
		int w = dow_of_days (days);
		*out = (days - (w == 0 ? 6 : w - 1)) * OX_USECS_PER_DAY;  /* back to Monday */
		return true;
	}
	case U_MONTH: case U_QUARTER: case U_YEAR:
	case U_DECADE: case U_CENTURY: case U_MILLENNIUM:
		break;
	default:
		return false;
	}
	ymd_from_days (days, &y, &m, &d);
	switch (u) {
	case U_MONTH:
		break;
	case U_QUARTER:
		m = (m - 1) / 3 * 3 + 1;
		break;
	case U_YEAR:
		m = 1;
		break;
	case U_DECADE:
		/* Astronomical decades: 5 BC (year -4) goes to 11 BC (-10). */
		y = floor_div (y, 10) * 10;
		m = 1;
		break;
	case U_CENTURY:
		/* Centuries start at year 1 (2001, 1901 ...); BC ones at their
		 * earliest year, 100 BC for 5 BC. */
		y = y > 0 ? (y - 1) / 100 * 100 + 1 : 1 - ceil_div_pos (1 - y, 100) * 100;
		m = 1;
		break;
	case U_MILLENNIUM:
		y = y > 0 ? (y - 1) / 1000 * 1000 + 1 : 1 - ceil_div_pos (1 - y, 1000) * 1000;
		m = 1;
		break;
	default:
		g_assert_not_reached ();
	}
	int64_t r = days_from_ymd (y, m, 1) * OX_USECS_PER_DAY;
	if (!ts_in_range (r))
		ox_raise (OX_ERR_DATETIME_OVERFLOW, 0, "timestamp out of range");
	*out = r;
	return true;
}

bool
ox_timestamp_trunc (int64_t ts, const char *field, int64_t *out)
{
	/* PG returns an infinity before it even reads the unit. */
	if (ts == OX_TS_NOBEGIN || ts == OX_TS_NOEND) {
		*out = ts;
		return true;
	}
	return trunc_local (ts, unit_lookup (field), out);
}

bool
ox_timestamptz_trunc (int64_t ts, const char *field, const OxTimeZone *tz, int64_t *out)
{
	if (ts == OX_TS_NOBEGIN || ts == OX_TS_NOEND) {
		*out = ts;
		return true;
	}
	Unit u = unit_lookup (field);
	int off = ox_timezone_offset_at_utc (tz, ts);
	int64_t local;
	if (!trunc_local (ts + off * USECS_PER_SEC, u, &local))
		return false;
	/* Below a day the wall clock is cut in place, keeping the offset it
	 * had (02:30+02 in a fall-back overlap truncates to 02:00+02, not to
	 * the later 02:00+01).  From a day up the result is a new local
	 * midnight, placed with the zone's rules like any local input. */
	int64_t r = u < U_DAY ? local - off * USECS_PER_SEC : local_to_utc (tz, local);
	if (!ts_in_range (r))
		ox_raise (OX_ERR_DATETIME_OVERFLOW, 0, "timestamp out of range");
	*out = r;
	return true;
}

/*
 * datetime.h — DATE, TIMESTAMP and TIMESTAMPTZ input, output and arithmetic
 * with PostgreSQL's semantics (DateStyle ISO, MDY; IntervalStyle postgres).
 *
 * Representations are PostgreSQL's: a date is days since 2000-01-01, a
 * timestamp microseconds since 2000-01-01 00:00:00 (TIMESTAMPTZ in UTC).
 * Session time zones are OxTimeZone handles wrapping GLib's GTimeZone
 * (IANA names such as "Europe/Paris", "UTC", or offsets like "+02:00").
 * Special inputs 'infinity', '-infinity', 'epoch', 'now', 'today',
 * 'tomorrow', 'yesterday', 'allballs' are accepted where PG accepts them.
 *
 * Errors (ox_raise): 22007 invalid_datetime_format for unparsable text,
 * 22008 datetime_field_overflow for out-of-range fields or results.
 */
#ifndef OX_DATETIME_H
#define OX_DATETIME_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"

typedef struct OxTimeZone OxTimeZone;

#define OX_DATE_NOBEGIN  INT32_MIN  /* -infinity */
#define OX_DATE_NOEND    INT32_MAX  /* infinity */
#define OX_TS_NOBEGIN    INT64_MIN
#define OX_TS_NOEND      INT64_MAX
#define OX_USECS_PER_DAY INT64_C (86400000000)

/* Look a zone up by name or offset; NULL when unknown (caller raises). */
OxTimeZone *ox_timezone_new (const char *name);
void        ox_timezone_free (OxTimeZone *tz);
const char *ox_timezone_name (const OxTimeZone *tz);
/* Offset east of UTC in seconds at the given UTC instant. */
int         ox_timezone_offset_at_utc (const OxTimeZone *tz, int64_t ts_utc);
/* ox_timezone_new names follow PG's pg_tzset: IANA names match case-insensitively (the
 * name is then the on-disk spelling, "Europe/Paris"), POSIX TZ strings
 * are accepted, and a bare "+02:00" or "2" is POSIX too, i.e. hours WEST
 * (AT TIME ZONE '+02:00' is UTC-2).  For SET TIME ZONE 2 / INTERVAL, whose
 * number means hours east, use ox_timezone_new_offset.  A NULL zone is
 * accepted wherever a const OxTimeZone * is taken and means UTC. */
/* A fixed zone east_secs east of UTC, named as PG shows it ("<+02>-02"). */
OxTimeZone *ox_timezone_new_offset (int east_secs);

/* The current transaction's wall-clock time: microseconds since 2000-01-01 UTC. */
int64_t     ox_timestamp_now (void);

int32_t     ox_date_in (const char *s, size_t len);
/* ox_date_in with the statement time and session zone that 'now', 'today',
 * 'tomorrow' and 'yesterday' need; ox_date_in uses the wall clock in UTC. */
int32_t     ox_date_in_at (const char *s, size_t len, int64_t now, const OxTimeZone *tz);
char       *ox_date_out (OxArena *a, int32_t d);
/* now (a UTC timestamp) is used for 'now', 'today'...; tz for TIMESTAMPTZ
 * input without an explicit zone, and for 'today' and friends. */
int64_t     ox_timestamp_in (const char *s, size_t len, int64_t now, const OxTimeZone *tz);
char       *ox_timestamp_out (OxArena *a, int64_t ts);                    /* 2024-01-02 03:04:05.5 */
int64_t     ox_timestamptz_in (const char *s, size_t len, int64_t now, const OxTimeZone *tz);
char       *ox_timestamptz_out (OxArena *a, int64_t ts, const OxTimeZone *tz); /* ...05.5+01 */

/* Conversions between the three (22008 on overflow). */
int64_t     ox_date_to_timestamp (int32_t d);
int32_t     ox_timestamp_to_date (int64_t ts);
int64_t     ox_timestamp_to_timestamptz (int64_t ts, const OxTimeZone *tz);
int64_t     ox_timestamptz_to_timestamp (int64_t ts, const OxTimeZone *tz);

/* Broken-down fields, as extract()/date_part() need them.  field names are
 * PG's: year, month, day, hour, minute, second (with fraction), dow, doy,
 * epoch, quarter, week, isodow, microseconds, milliseconds, century,
 * decade, millennium.  Returns false for an unknown field name. */
bool        ox_timestamp_part (int64_t ts, const char *field, double *out);
/* date_trunc(field, ts) for field in microseconds..millennium. */
bool        ox_timestamp_trunc (int64_t ts, const char *field, int64_t *out);
/* Unit names match as in PG: case-insensitively, on their first ten
 * characters, with PG's abbreviations ('yrs', 'mon', 'us', ...).  For an
 * infinite timestamp the unbounded units (year, decade, century,
 * millennium, isoyear, julian, epoch) give +-INFINITY and the others NaN,
 * which stands for PG's NULL.  ox_timestamp_part is false for the
 * timezone units (but NaN for an infinity, as PG).  The trunc functions
 * return an infinity unchanged and true whatever the unit, as PG does;
 * they round BC decades/centuries as PG does.
 * Both trunc functions raise 22008 "timestamp out of range" when the
 * truncated value leaves the range (decade of 4714-11-24 BC). */
/* TIMESTAMPTZ: fields of the local time in tz; epoch is the absolute
 * instant; timezone, timezone_hour, timezone_minute give tz's offset. */
bool        ox_timestamptz_part (int64_t ts, const char *field, const OxTimeZone *tz, double *out);
/* TIMESTAMPTZ date_trunc in tz.  Below a day the local clock is cut and
 * keeps its offset; from day up the local result is placed by tz's rules
 * (a midnight in a DST gap becomes 01:00). */
bool        ox_timestamptz_trunc (int64_t ts, const char *field, const OxTimeZone *tz, int64_t *out);
/* Is field a unit PG knows at all?  Tells a caller whose part/trunc call
 * returned false whether to raise 22023 'unit "%s" not recognized for
 * type %s' or 0A000 'unit "%s" not supported for type %s'. */
bool        ox_datetime_unit_known (const char *field);

/* y/m/d <-> days since 2000-01-01 (proleptic Gregorian, as PG's date2j). */
/* (Years here are astronomical: 0 is 1 BC, -1 is 2 BC.) */
int32_t     ox_date_from_ymd (int y, int m, int d);
void        ox_date_to_ymd (int32_t date, int *y, int *m, int *d);
bool        ox_date_valid_ymd (int y, int m, int d);

#endif

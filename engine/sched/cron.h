/*
 * cron.h — cron expressions for CREATE SCHEDULE: parse the five-field
 * (Vixie cron) syntax, find the next instant one fires in a time zone,
 * print it back in canonical form.
 *
 * Syntax.  Five fields separated by blanks:
 *
 *     minute  hour  day-of-month  month  day-of-week
 *     0-59    0-23  1-31          1-12   0-7 (0 and 7 are Sunday)
 *
 * Each field is "*", "*\/n" (written so here and below only because the
 * two characters would end this comment), or a comma list of items; an item is a number
 * "a", a range "a-b", or a stepped range "a-b/n" or "a/n" (a to the end of
 * the field, every n).  Months may be named jan..dec and weekdays sun..sat,
 * case-insensitively, anywhere a number may stand.  Ranges run forwards
 * only (22-2 is refused; write 22-23,0-2).  "*" stands alone in its field:
 * "1,*" is refused, because whether a field starts with "*" changes what
 * the expression means (below).  The macros @yearly (@annually),
 * @monthly, @weekly, @daily (@midnight) and @hourly stand for
 * "0 0 1 1 *", "0 0 1 * *", "0 0 * * 0", "0 0 * * *" and "0 * * * *".
 * @reboot is refused: a schedule fires by the clock, not at startup.
 *
 * Day matching (Vixie's rule, also cronie's and POSIX's): when both
 * day-of-month and day-of-week are restricted — neither field starts with
 * "*" — a day matches if EITHER does ("0 0 13 * fri" is every 13th and
 * every Friday); otherwise both must ("0 0 *\/2 * mon" is odd-numbered
 * Mondays).
 *
 * Time.  Fire instants are timestamptz values (microseconds since
 * 2000-01-01 00:00 UTC, datetime.h); the fields are matched against the
 * wall clock of the schedule's zone (an OxTimeZone; NULL means UTC).
 *
 * NOTE: daylight saving.  Wall-clock times can be missing (spring forward)
 * or repeated (fall back).  We follow Vixie cron and cronie, which tell
 * "fixed-time" jobs from "wildcard" ones:
 *   - a fixed-time expression — its hour field does not start with "*" —
 *     whose wall-clock time falls in a gap fires once, at the first instant
 *     after the gap (30 2 * * * fires at 03:00 CEST on the day Berlin skips
 *     02:00-03:00, and "* 2 * * *" fires once there, not 60 times); in a
 *     repeated hour it fires only in the first pass (30 2 * * * fires at
 *     02:30 CEST, not again at 02:30 CET);
 *   - a wildcard expression — hour field starting with "*", so it means
 *     "every so much elapsed time" — simply has no instants in a gap and
 *     fires in both passes of a repeated hour (*\/15 * * * * keeps firing
 *     every 15 minutes of real time through both transitions).
 * Vixie also counts an expression whose minute field starts with "*" as a
 * wildcard; we do not: "*\/10 2 * * *" is tied to the hour 2 and should not
 * silently skip the day that hour is missing.
 * NOTE: impossible expressions ("0 0 30 2 *", "0 0 31 4 *") must not loop
 * forever.  ox_cron_next searches at most 2930 days (eight years and two
 * days) of wall clock ahead: the rarest possible day, Feb 29, can be eight
 * years apart (2096 to 2104, 2100 not being a leap year).  Beyond that the
 * answer is OX_CRON_NEVER.
 * NOTE: ox_cron_next assumes a zone changes its UTC offset at most once in
 * any two days, as every zone in the tz database has since 1900; an
 * odder zone may get an instant near such a cluster of changes wrong by
 * the size of the change, but the search still ends.
 *
 * Errors.  ox_cron_parse returns false and a message a person can act on:
 *     invalid cron expression "61 * * * *": minute 61 is out of range 0-59
 * The SQL layer raises it as 22023 (invalid_parameter_value).
 *
 * Threads: everything here is pure; an OxCron is a plain value that may be
 * copied with = and read from any thread.
 */
#ifndef OX_CRON_H
#define OX_CRON_H

#include <stdbool.h>
#include <stdint.h>

#include "base/datetime.h"

/* Which fields were written starting with "*" ("*" or "*\/n"): they decide
 * the day-matching rule and the DST behaviour above. */
#define OX_CRON_HOUR_STAR 0x01u
#define OX_CRON_DOM_STAR  0x02u
#define OX_CRON_DOW_STAR  0x04u

/* "No such instant": what ox_cron_next answers for an impossible
 * expression; the same value as timestamptz 'infinity'. */
#define OX_CRON_NEVER OX_TS_NOEND

/* A parsed expression: one bit per value each field allows. */
typedef struct OxCron {
	uint64_t minutes;   /* bit m (0-59): minute m matches */
	uint32_t hours;     /* bit h (0-23) */
	uint32_t days;      /* bit d (1-31): day of month d; bit 0 always clear */
	uint16_t months;    /* bit m (1-12); bit 0 always clear */
	uint8_t  weekdays;  /* bit w (0-6), 0 = Sunday; "7" in the text sets bit 0 */
	uint8_t  flags;     /* OX_CRON_*_STAR */
} OxCron;

/* Parse text into *out.  On error returns false, leaves *out unspecified,
 * and sets *errmsg (g_free) to the whole message, starting with
 * 'invalid cron expression "<text>": ' and naming the field and the bad
 * part of it.  errmsg may be NULL when the caller only wants a yes/no.
 * Leading and trailing blanks are ignored. */
bool    ox_cron_parse (const char *text, OxCron *out, char **errmsg);

/* The first instant strictly after `after` at which c fires, reading the
 * wall clock in tz (NULL: UTC); OX_CRON_NEVER when there is none within
 * the search bound (impossible expressions) or when `after` lies outside
 * the years 1800-9999, where we make no promises.  Instants are whole
 * minutes of wall-clock time, except for a DST gap's first instant.
 * Cost: a few offset lookups per call, plus a day-by-day calendar scan
 * when the next matching day is far away (at most 2930 days). */
int64_t ox_cron_next (const OxCron *c, const OxTimeZone *tz, int64_t after);

/* The canonical text (g_free): five fields, numbers only (Sunday is 0),
 * each field printed as "*", "*\/n", "a-b/n" (an evenly spaced set of three
 * or more values), or a list of "a" and "a-b" items; macros come back as
 * their five fields.  ox_cron_parse of the result gives an equal OxCron,
 * so it is safe to store and show in system.schedules. */
char   *ox_cron_to_string (const OxCron *c);

/* Do a and b allow the same instants with the same rules? */
bool    ox_cron_equal (const OxCron *a, const OxCron *b);

#endif

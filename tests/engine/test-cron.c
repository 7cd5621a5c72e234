/*
 * test-cron.c — cron expressions (engine/sched/cron.c): parsing, every
 * error, canonical text, and next fire instants across month and year
 * ends, leap days, the day-of-month/day-of-week OR rule, and DST gaps and
 * repeated hours in real zones.
 *
 * Where the expectations come from: calendars (which weekday a date is,
 * leap years) were checked with Python's calendar module, and every zone
 * transition used here with Python's zoneinfo over the same tz database
 * (listed at each DST case).  The DST behaviour itself — fixed-time
 * expressions fire once after a gap and once in a repeated hour, wildcard
 * ones follow elapsed time — is the rule cron.h states, after Vixie cron
 * and cronie.
 *
 * Instants are printed in the case's zone with the engine's timestamptz
 * output, so a failure shows readable wall-clock times and offsets.
 */
#include <glib.h>
#include <string.h>

#include "base/arena.h"
#include "base/datetime.h"
#include "sched/cron.h"

static OxTimeZone *
zone (const char *name)
{
	OxTimeZone *tz = ox_timezone_new (name);
	if (tz == NULL)
		g_error ("time zone %s is not in the tz database (is tzdata installed?)", name);
	return tz;
}

static OxCron
parse_ok (const char *text)
{
	OxCron c;
	g_autofree char *err = NULL;
	if (!ox_cron_parse (text, &c, &err))
		g_error ("\"%s\" did not parse: %s", text, err);
	g_assert_null (err);
	return c;
}

/* ---------------------------------------------------------------------
 * Parsing and canonical text
 * ------------------------------------------------------------------- */

static const struct { const char *in, *canonical; } good[] = {
	{ "* * * * *",                 "* * * * *" },
	{ "*/15 * * * *",              "*/15 * * * *" },
	{ "0,15,30,45 * * * *",        "*/15 * * * *" },   /* minute has no "*" rule */
	{ "0,30 * * * *",              "0,30 * * * *" },
	{ "5 4 * * sun",               "5 4 * * 0" },
	{ "0 0 * * 7",                 "0 0 * * 0" },      /* 7 is Sunday */
	{ "0 0 * * 1-7",               "0 0 * * 0-6" },
	{ "0 0 * * 5-7",               "0 0 * * 0,5,6" },
	{ "0 0 * * 0-7",               "0 0 * * 0-6" },    /* restricted: no star flag */
	{ "0 22 * * MON-fri",          "0 22 * * 1-5" },
	{ "0 0 1 jan,JUL *",           "0 0 1 1,7 *" },
	{ "0 0 1 jan-mar/2 *",         "0 0 1 1,3 *" },
	{ "23 0-20/2 * * *",           "23 0-20/2 * * *" },
	{ "0 */2 * * *",               "0 */2 * * *" },
	{ "0 0-23/2 * * *",            "0 0-22/2 * * *" },  /* not "*": keeps the DST and day rules */
	{ "0 */24 * * *",              "0 */24 * * *" },
	{ "5/20 * * * *",              "5-45/20 * * * *" },
	{ "0 0 */2 * *",               "0 0 */2 * *" },
	{ "0 0 */10 * *",              "0 0 */10 * *" },
	{ "0 0 * * */2",               "0 0 * * */2" },
	{ "0 0 * * sun/2",             "0 0 * * 0-6/2" },
	{ "0 0 * * mon/3",             "0 0 * * 0,1,4" },    /* 1, 4, 7 = Sunday */
	{ "0 0 1-5,10-12,20 * *",      "0 0 1-5,10-12,20 * *" },
	{ "1,2 * * * *",               "1,2 * * * *" },
	{ "59,0,30 * * * *",           "0,30,59 * * * *" },  /* not a progression */
	{ "0-59 0-23 1-31 1-12 0-6",   "* 0-23 1-31 * 0-6" },
	{ "*/1 * * */1 *",             "* * * * *" },
	{ "  1  2\t3 4 5  ",           "1 2 3 4 5" },
	{ "@yearly",                   "0 0 1 1 *" },
	{ "@annually",                 "0 0 1 1 *" },
	{ "@monthly",                  "0 0 1 * *" },
	{ "@weekly",                   "0 0 * * 0" },
	{ "@daily",                    "0 0 * * *" },
	{ " @MIDNIGHT ",               "0 0 * * *" },
	{ "@hourly",                   "0 * * * *" },
};

static void
test_parse_good (void)
{
	for (size_t i = 0; i < G_N_ELEMENTS (good); i++) {
		OxCron c = parse_ok (good[i].in);
		g_autofree char *out = ox_cron_to_string (&c);
		g_assert_cmpstr (out, ==, good[i].canonical);
		/* The canonical text means the same thing. */
		OxCron again = parse_ok (out);
		g_assert_true (ox_cron_equal (&c, &again));
	}
}

static void
test_parse_fields (void)
{
	OxCron c = parse_ok ("5,10-12 */6 13 feb fri");
	g_assert_cmphex (c.minutes, ==, (1 << 5) | (1 << 10) | (1 << 11) | (1 << 12));
	g_assert_cmphex (c.hours, ==, (1 << 0) | (1 << 6) | (1 << 12) | (1 << 18));
	g_assert_cmphex (c.days, ==, 1u << 13);
	g_assert_cmphex (c.months, ==, 1u << 2);
	g_assert_cmphex (c.weekdays, ==, 1u << 5);
	g_assert_cmphex (c.flags, ==, OX_CRON_HOUR_STAR);

	c = parse_ok ("* * * * *");
	g_assert_cmphex (c.minutes, ==, (UINT64_C (1) << 60) - 1);
	g_assert_cmphex (c.hours, ==, (1u << 24) - 1);
	g_assert_cmphex (c.days, ==, 0xfffffffeu);
	g_assert_cmphex (c.months, ==, 0x1ffeu);
	g_assert_cmphex (c.weekdays, ==, 0x7fu);
	g_assert_cmphex (c.flags, ==, OX_CRON_HOUR_STAR | OX_CRON_DOM_STAR | OX_CRON_DOW_STAR);

	/* Day-of-week 7 and 0 are the same day; "*" makes the field starred. */
	OxCron a = parse_ok ("0 0 1 * 7"), b = parse_ok ("0 0 1 * sun");
	g_assert_true (ox_cron_equal (&a, &b));
	a = parse_ok ("0 0 * * *");
	b = parse_ok ("0 0 1-31 * *");
	g_assert_false (ox_cron_equal (&a, &b));
}

#define PREFIX(text) "invalid cron expression \"" text "\": "

static const struct { const char *in, *message; } bad[] = {
	{ "",                  PREFIX ("") "expected 5 fields (minute hour day-of-month month day-of-week), found 0" },
	{ "   ",               PREFIX ("   ") "expected 5 fields (minute hour day-of-month month day-of-week), found 0" },
	{ "* * * *",           PREFIX ("* * * *") "expected 5 fields (minute hour day-of-month month day-of-week), found 4" },
	{ "* * * * * *",       PREFIX ("* * * * * *") "expected 5 fields (minute hour day-of-month month day-of-week), found 6" },
	{ "61 * * * *",        PREFIX ("61 * * * *") "minute 61 is out of range 0-59" },
	{ "99999999999 * * * *", PREFIX ("99999999999 * * * *") "minute 99999999999 is out of range 0-59" },
	{ "* 24 * * *",        PREFIX ("* 24 * * *") "hour 24 is out of range 0-23" },
	{ "* * 0 * *",         PREFIX ("* * 0 * *") "day-of-month 0 is out of range 1-31" },
	{ "* * 32 * *",        PREFIX ("* * 32 * *") "day-of-month 32 is out of range 1-31" },
	{ "* * * 0 *",         PREFIX ("* * * 0 *") "month 0 is out of range 1-12" },
	{ "* * * 13 *",        PREFIX ("* * * 13 *") "month 13 is out of range 1-12" },
	{ "* * * * 8",         PREFIX ("* * * * 8") "day-of-week 8 is out of range 0-7" },
	{ "0 0 1-40 * *",      PREFIX ("0 0 1-40 * *") "day-of-month 40 is out of range 1-31" },
	{ "x * * * *",         PREFIX ("x * * * *") "minute \"x\" is not a number" },
	{ "5x * * * *",        PREFIX ("5x * * * *") "minute \"5x\" is not a number" },
	{ "* mon * * *",       PREFIX ("* mon * * *") "hour \"mon\" is not a number" },
	{ "* * * foo *",       PREFIX ("* * * foo *") "month \"foo\" is neither a number nor a month name (jan-dec)" },
	{ "* * * january *",   PREFIX ("* * * january *") "month \"january\" is neither a number nor a month name (jan-dec)" },
	{ "* * * * funday",    PREFIX ("* * * * funday") "day-of-week \"funday\" is neither a number nor a day name (sun-sat)" },
	{ "* * * * jan",       PREFIX ("* * * * jan") "day-of-week \"jan\" is neither a number nor a day name (sun-sat)" },
	{ "5-2 * * * *",       PREFIX ("5-2 * * * *") "minute range 5-2 runs backwards; write 5-59,0-2" },
	{ "* 22-2 * * *",      PREFIX ("* 22-2 * * *") "hour range 22-2 runs backwards; write 22-23,0-2" },
	{ "* * * * fri-mon",   PREFIX ("* * * * fri-mon") "day-of-week range fri-mon runs backwards; write 5-6,0-1" },
	{ "*/0 * * * *",       PREFIX ("*/0 * * * *") "minute step 0 is out of range 1-60" },
	{ "*/61 * * * *",      PREFIX ("*/61 * * * *") "minute step 61 is out of range 1-60" },
	{ "* 1-5/25 * * *",    PREFIX ("* 1-5/25 * * *") "hour step 25 is out of range 1-24" },
	{ "* * * * */8",       PREFIX ("* * * * */8") "day-of-week step 8 is out of range 1-7" },
	{ "*/x * * * *",       PREFIX ("*/x * * * *") "minute step \"x\" is not a number" },
	{ "*/ * * * *",        PREFIX ("*/ * * * *") "minute step \"\" is not a number" },
	{ "5/ * * * *",        PREFIX ("5/ * * * *") "minute step \"\" is not a number" },
	{ "1,,2 * * * *",      PREFIX ("1,,2 * * * *") "minute \"1,,2\" has an empty list item" },
	{ "1, * * * *",        PREFIX ("1, * * * *") "minute \"1,\" has an empty list item" },
	{ "1,* * * * *",       PREFIX ("1,* * * * *") "minute \"1,*\": \"*\" must be the whole field, as \"*\" or \"*/n\"" },
	{ "*,1 * * * *",       PREFIX ("*,1 * * * *") "minute \"*,1\": \"*\" must be the whole field, as \"*\" or \"*/n\"" },
	{ "** * * * *",        PREFIX ("** * * * *") "minute \"**\": \"*\" must be the whole field, as \"*\" or \"*/n\"" },
	{ "* * */2,3 * *",     PREFIX ("* * */2,3 * *") "day-of-month \"*/2,3\": \"*\" must be the whole field, as \"*\" or \"*/n\"" },
	{ "1-2-3 * * * *",     PREFIX ("1-2-3 * * * *") "minute item \"1-2-3\" is not of the form a, a-b, a-b/n or a/n" },
	{ "-5 * * * *",        PREFIX ("-5 * * * *") "minute item \"-5\" is not of the form a, a-b, a-b/n or a/n" },
	{ "1- * * * *",        PREFIX ("1- * * * *") "minute item \"1-\" is not of the form a, a-b, a-b/n or a/n" },
	{ "1/2/3 * * * *",     PREFIX ("1/2/3 * * * *") "minute item \"1/2/3\" is not of the form a, a-b, a-b/n or a/n" },
	{ "@often",            PREFIX ("@often") "unknown macro \"@often\" (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)" },
	{ "@",                 PREFIX ("@") "unknown macro \"@\" (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)" },
	{ "@reboot",           PREFIX ("@reboot") "@reboot is not supported: a schedule fires by the clock, not at startup" },
	{ "@daily 5",          PREFIX ("@daily 5") "the macro @daily must be the whole expression" },
};

static void
test_parse_errors (void)
{
	for (size_t i = 0; i < G_N_ELEMENTS (bad); i++) {
		OxCron c;
		g_autofree char *err = NULL;
		g_assert_false (ox_cron_parse (bad[i].in, &c, &err));
		g_assert_cmpstr (err, ==, bad[i].message);
		/* Callers that only want yes or no may pass no message. */
		g_assert_false (ox_cron_parse (bad[i].in, &c, NULL));
	}
}

/* ---------------------------------------------------------------------
 * Next instants
 * ------------------------------------------------------------------- */

typedef struct {
	const char *expr;
	const char *tz;     /* the schedule's zone; `after` is read and results printed in it */
	const char *after;
	const char *want;   /* successive instants joined by " | ", "infinity" for never */
} NextCase;

/* Follow expr from `after` through as many instants as want lists. */
static char *
run_next (const NextCase *nc)
{
	OxTimeZone *tz = zone (nc->tz);
	OxArena *a = ox_arena_new ();
	OxCron c = parse_ok (nc->expr);
	int64_t t = ox_timestamptz_in (nc->after, strlen (nc->after), 0, tz);
	int n = 1;
	for (const char *p = nc->want; (p = strstr (p, " | ")) != NULL; p += 3)
		n++;
	GString *got = g_string_new (NULL);
	for (int i = 0; i < n; i++) {
		int64_t next = ox_cron_next (&c, tz, t);
		g_string_append_printf (got, "%s%s", i ? " | " : "", ox_timestamptz_out (a, next, tz));
		if (next == OX_CRON_NEVER)
			break;
		g_assert_cmpint (next, >, t);
		t = next;
	}
	ox_arena_free (a);
	ox_timezone_free (tz);
	return g_string_free (got, FALSE);
}

static void
check_next (const NextCase *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		g_autofree char *got = run_next (&cases[i]);
		if (strcmp (got, cases[i].want) != 0)
			g_error ("%s in %s after %s: got [%s] want [%s]", cases[i].expr, cases[i].tz,
			         cases[i].after, got, cases[i].want);
	}
}

static const NextCase calendar[] = {
	/* strictly after, and the ends of hours, days, months and years */
	{ "*/15 * * * *", "UTC", "2024-12-31 23:30:00+00",
	  "2024-12-31 23:45:00+00 | 2025-01-01 00:00:00+00 | 2025-01-01 00:15:00+00" },
	{ "*/15 * * * *", "UTC", "2024-12-31 23:31:07.25+00",
	  "2024-12-31 23:45:00+00 | 2025-01-01 00:00:00+00" },
	{ "0 0 1 1 *", "UTC", "2024-12-31 23:59:59.999999+00",
	  "2025-01-01 00:00:00+00 | 2026-01-01 00:00:00+00" },
	{ "59 23 31 12 *", "UTC", "2024-12-31 23:59:00+00",
	  "2025-12-31 23:59:00+00" },
	{ "@hourly", "UTC", "2024-02-29 23:00:00+00",
	  "2024-03-01 00:00:00+00 | 2024-03-01 01:00:00+00" },
	{ "0 0 1 * *", "UTC", "2024-01-31 12:00:00+00",
	  "2024-02-01 00:00:00+00 | 2024-03-01 00:00:00+00" },
	/* only the months that have a 31st */
	{ "0 0 31 * *", "UTC", "2024-01-31 01:00:00+00",
	  "2024-03-31 00:00:00+00 | 2024-05-31 00:00:00+00 | 2024-07-31 00:00:00+00 | "
	  "2024-08-31 00:00:00+00 | 2024-10-31 00:00:00+00 | 2024-12-31 00:00:00+00 | "
	  "2025-01-31 00:00:00+00" },
	/* leap days, including across 2100, which is not a leap year: the
	 * longest possible wait, eight years */
	{ "0 0 29 2 *", "UTC", "2024-03-01 00:00:00+00",
	  "2028-02-29 00:00:00+00 | 2032-02-29 00:00:00+00" },
	{ "0 0 29 2 *", "UTC", "2096-02-29 00:00:00+00",
	  "2104-02-29 00:00:00+00" },
	/* impossible: Feb 30, the 31st of 30-day months */
	{ "0 0 30 2 *", "UTC", "2024-01-01 00:00:00+00", "infinity" },
	{ "0 0 31 4,6,9,11 *", "UTC", "2024-01-01 00:00:00+00", "infinity" },
	{ "0 0 30,31 feb *", "UTC", "2024-01-01 00:00:00+00", "infinity" },
	/* Vixie's rule.  2024-09: Fridays 6, 13, 20, 27; 2024-10: Fridays 4,
	 * 11, 18, 25, and the 13th is a Sunday. */
	{ "0 0 13 * fri", "UTC", "2024-09-01 00:00:00+00",
	  "2024-09-06 00:00:00+00 | 2024-09-13 00:00:00+00 | 2024-09-20 00:00:00+00 | "
	  "2024-09-27 00:00:00+00 | 2024-10-04 00:00:00+00 | 2024-10-11 00:00:00+00 | "
	  "2024-10-13 00:00:00+00 | 2024-10-18 00:00:00+00" },
	{ "0 0 13 * *", "UTC", "2024-09-01 00:00:00+00",
	  "2024-09-13 00:00:00+00 | 2024-10-13 00:00:00+00" },
	{ "0 0 * * fri", "UTC", "2024-09-01 00:00:00+00",
	  "2024-09-06 00:00:00+00 | 2024-09-13 00:00:00+00" },
	/* a starred day-of-month, even stepped, means AND: odd-numbered
	 * Mondays (Mondays 2024-09: 2, 9, 16, 23, 30; 10: 7, 14, 21, 28;
	 * 11: 4, 11, 18, 25) */
	{ "0 0 */2 * mon", "UTC", "2024-09-01 00:00:00+00",
	  "2024-09-09 00:00:00+00 | 2024-09-23 00:00:00+00 | 2024-10-07 00:00:00+00 | "
	  "2024-10-21 00:00:00+00 | 2024-11-11 00:00:00+00" },
	/* a starred day-of-week, even written "*\/1", means AND with every
	 * day: just the 1st and the 15th */
	{ "0 0 1,15 * */1", "UTC", "2024-09-01 00:00:00+00",
	  "2024-09-15 00:00:00+00 | 2024-10-01 00:00:00+00" },
	{ "0 9 * * 1-5", "UTC", "2024-09-01 00:00:00+00",
	  "2024-09-02 09:00:00+00 | 2024-09-03 09:00:00+00" },
	{ "0 12 * * mon-fri", "UTC", "2024-01-05 13:00:00+00",
	  "2024-01-08 12:00:00+00" },
	/* Sunday as 0, 7 and sun; 2024-01-01 is a Monday */
	{ "@weekly", "UTC", "2024-01-01 00:00:00+00",
	  "2024-01-07 00:00:00+00 | 2024-01-14 00:00:00+00" },
	{ "0 0 * * 7", "UTC", "2024-01-01 00:00:00+00", "2024-01-07 00:00:00+00" },
	{ "0 0 * * SUN", "UTC", "2024-01-01 00:00:00+00", "2024-01-07 00:00:00+00" },
	{ "@monthly", "UTC", "2024-01-15 00:00:00+00", "2024-02-01 00:00:00+00" },
	{ "@yearly", "UTC", "2024-01-01 00:00:00+00", "2025-01-01 00:00:00+00" },
	{ "@daily", "UTC", "2024-01-01 00:00:00+00", "2024-01-02 00:00:00+00" },
	/* steps: the last step of an hour does not spill into the next */
	{ "*/7 * * * *", "UTC", "2024-01-01 00:50:00+00",
	  "2024-01-01 00:56:00+00 | 2024-01-01 01:00:00+00 | 2024-01-01 01:07:00+00" },
	{ "0 0-23/5 * * *", "UTC", "2024-01-01 20:00:00+00",
	  "2024-01-02 00:00:00+00 | 2024-01-02 05:00:00+00" },
	{ "0 0 */10 * *", "UTC", "2024-01-21 00:00:00+00",
	  "2024-01-31 00:00:00+00 | 2024-02-01 00:00:00+00 | 2024-02-11 00:00:00+00 | "
	  "2024-02-21 00:00:00+00 | 2024-03-01 00:00:00+00" },
	{ "5/20 * * * *", "UTC", "2024-01-01 10:00:00+00",
	  "2024-01-01 10:05:00+00 | 2024-01-01 10:25:00+00 | 2024-01-01 10:45:00+00 | "
	  "2024-01-01 11:05:00+00" },
	{ "*/59 * * * *", "UTC", "2024-01-01 10:00:00+00",
	  "2024-01-01 10:59:00+00 | 2024-01-01 11:00:00+00" },
	{ "0 0 1 */5 *", "UTC", "2024-01-01 00:00:00+00",
	  "2024-06-01 00:00:00+00 | 2024-11-01 00:00:00+00 | 2025-01-01 00:00:00+00" },
	/* before 2000 (negative instants) */
	{ "30 6 * * *", "UTC", "1999-12-31 12:00:00+00",
	  "2000-01-01 06:30:00+00" },
	{ "0 0 29 2 *", "UTC", "1896-03-01 00:00:00+00",
	  "1904-02-29 00:00:00+00" },
};

static void
test_next_calendar (void)
{
	check_next (calendar, G_N_ELEMENTS (calendar));
}

/* Zones without DST: a fixed offset, and a quarter-hour one. */
static const NextCase offsets[] = {
	{ "0 9 * * *", "Asia/Tokyo", "2023-12-31 23:00:00+00",
	  "2024-01-01 09:00:00+09 | 2024-01-02 09:00:00+09" },
	{ "0 0 * * *", "Asia/Kathmandu", "2024-01-01 00:00:00+00",
	  "2024-01-02 00:00:00+05:45" },
	/* a day is a local day: Monday 00:30 in Tokyo is Sunday in UTC */
	{ "30 0 * * mon", "Asia/Tokyo", "2024-01-06 00:00:00+00",
	  "2024-01-08 00:30:00+09" },
};

static void
test_next_offsets (void)
{
	check_next (offsets, G_N_ELEMENTS (offsets));
	/* NULL is UTC. */
	OxCron c = parse_ok ("0 12 * * *");
	OxTimeZone *utc = zone ("UTC");
	int64_t t = ox_timestamptz_in ("2024-05-05 13:00:00+00", 22, 0, NULL);
	g_assert_cmpint (ox_cron_next (&c, NULL, t), ==, ox_cron_next (&c, utc, t));
	g_assert_cmpint (ox_cron_next (&c, NULL, t) - t, ==, 23 * INT64_C (3600000000));
	ox_timezone_free (utc);
}

/* Spring forward.  Checked with zoneinfo: Europe/Berlin 2024-03-31
 * 01:00Z, 02:00 CET -> 03:00 CEST; America/New_York 2024-03-10 07:00Z,
 * 02:00 EST -> 03:00 EDT; Australia/Lord_Howe 2024-10-05 15:30Z, 02:00
 * +10:30 -> 02:30 +11; Pacific/Apia 2011-12-30 10:00Z, from the end of
 * Dec 29 at -10 to Dec 31 at +14 (Dec 30 never happened there). */
static const NextCase gaps[] = {
	/* fixed time in the gap: once, right after the jump */
	{ "30 2 * * *", "Europe/Berlin", "2024-03-30 12:00:00+01",
	  "2024-03-31 03:00:00+02 | 2024-04-01 02:30:00+02" },
	{ "* 2 * * *", "Europe/Berlin", "2024-03-31 01:58:00+01",
	  "2024-03-31 03:00:00+02 | 2024-04-01 02:00:00+02 | 2024-04-01 02:01:00+02" },
	{ "*/10 2 * * *", "Europe/Berlin", "2024-03-31 00:00:00+01",
	  "2024-03-31 03:00:00+02 | 2024-04-01 02:00:00+02" },
	/* once even when another instant is the same */
	{ "30 2,3 * * *", "Europe/Berlin", "2024-03-31 00:00:00+01",
	  "2024-03-31 03:00:00+02 | 2024-03-31 03:30:00+02 | 2024-04-01 02:30:00+02" },
	/* just after the jump, the gap's instant is past */
	{ "30 2 * * *", "Europe/Berlin", "2024-03-31 03:00:00+02",
	  "2024-04-01 02:30:00+02" },
	{ "0 3 * * *", "Europe/Berlin", "2024-03-30 12:00:00+01",
	  "2024-03-31 03:00:00+02" },
	/* wildcards follow elapsed time: no instants in the gap */
	{ "*/15 * * * *", "Europe/Berlin", "2024-03-31 01:30:00+01",
	  "2024-03-31 01:45:00+01 | 2024-03-31 03:00:00+02 | 2024-03-31 03:15:00+02" },
	{ "30 * * * *", "Europe/Berlin", "2024-03-31 00:45:00+01",
	  "2024-03-31 01:30:00+01 | 2024-03-31 03:30:00+02" },
	{ "0 2 * * *", "America/New_York", "2024-03-09 12:00:00-05",
	  "2024-03-10 03:00:00-04 | 2024-03-11 02:00:00-04" },
	/* a half-hour gap */
	{ "15 2 * * *", "Australia/Lord_Howe", "2024-10-05 12:00:00+10:30",
	  "2024-10-06 02:30:00+11 | 2024-10-07 02:15:00+11" },
	/* a whole missing day */
	{ "0 12 * * *", "Pacific/Apia", "2011-12-29 00:00:00-10",
	  "2011-12-29 12:00:00-10 | 2011-12-31 00:00:00+14 | 2011-12-31 12:00:00+14" },
	{ "0 * * * *", "Pacific/Apia", "2011-12-29 22:30:00-10",
	  "2011-12-29 23:00:00-10 | 2011-12-31 00:00:00+14 | 2011-12-31 01:00:00+14" },
};

static void
test_next_dst_gap (void)
{
	check_next (gaps, G_N_ELEMENTS (gaps));
}

/* Fall back.  Checked with zoneinfo: Europe/Berlin 2024-10-27 01:00Z,
 * 03:00 CEST -> 02:00 CET; America/New_York 2024-11-03 06:00Z, 02:00 EDT
 * -> 01:00 EST; Australia/Lord_Howe 2024-04-06 15:00Z, 02:00 +11 ->
 * 01:30 +10:30. */
static const NextCase overlaps[] = {
	/* fixed time in the repeated hour: the first pass only */
	{ "30 2 * * *", "Europe/Berlin", "2024-10-26 12:00:00+02",
	  "2024-10-27 02:30:00+02 | 2024-10-28 02:30:00+01" },
	{ "30 2 * * *", "Europe/Berlin", "2024-10-27 02:10:00+01",
	  "2024-10-28 02:30:00+01" },
	{ "*/20 2 * * *", "Europe/Berlin", "2024-10-27 01:00:00+02",
	  "2024-10-27 02:00:00+02 | 2024-10-27 02:20:00+02 | 2024-10-27 02:40:00+02 | "
	  "2024-10-28 02:00:00+01" },
	{ "30 1 * * *", "America/New_York", "2024-11-02 12:00:00-04",
	  "2024-11-03 01:30:00-04 | 2024-11-04 01:30:00-05" },
	{ "45 1 * * *", "Australia/Lord_Howe", "2024-04-06 12:00:00+11",
	  "2024-04-07 01:45:00+11 | 2024-04-08 01:45:00+10:30" },
	/* wildcards: both passes, by elapsed time */
	{ "*/30 * * * *", "Europe/Berlin", "2024-10-27 01:45:00+02",
	  "2024-10-27 02:00:00+02 | 2024-10-27 02:30:00+02 | 2024-10-27 02:00:00+01 | "
	  "2024-10-27 02:30:00+01 | 2024-10-27 03:00:00+01" },
	{ "0 * * * *", "Europe/Berlin", "2024-10-27 01:30:00+02",
	  "2024-10-27 02:00:00+02 | 2024-10-27 02:00:00+01 | 2024-10-27 03:00:00+01" },
	{ "45 * * * *", "America/New_York", "2024-11-03 00:50:00-04",
	  "2024-11-03 01:45:00-04 | 2024-11-03 01:45:00-05 | 2024-11-03 02:45:00-05" },
	/* from inside the second pass, a wildcard's next is in that pass */
	{ "*/30 * * * *", "Europe/Berlin", "2024-10-27 02:40:00+02",
	  "2024-10-27 02:00:00+01 | 2024-10-27 02:30:00+01" },
};

static void
test_next_dst_overlap (void)
{
	check_next (overlaps, G_N_ELEMENTS (overlaps));
}

/* Every instant a year of "*\/30 * * * *" gives in Berlin, stepped from
 * one to the next, is 30 minutes after the previous one in real time:
 * the DST rules neither lose nor repeat elapsed time for a wildcard. */
static void
test_next_wildcard_year (void)
{
	OxTimeZone *tz = zone ("Europe/Berlin");
	OxCron c = parse_ok ("*/30 * * * *");
	int64_t t = ox_timestamptz_in ("2024-01-01 00:00:00+01", 22, 0, tz);
	int64_t end = ox_timestamptz_in ("2025-01-01 00:00:00+01", 22, 0, tz);
	int n = 0;
	while (t < end) {
		int64_t next = ox_cron_next (&c, tz, t);
		g_assert_cmpint (next - t, ==, 30 * INT64_C (60000000));
		t = next;
		n++;
	}
	g_assert_cmpint (n, ==, 366 * 48);
	ox_timezone_free (tz);
}

/* A fixed daily time fires once every local day of the year, gap and
 * repeated hour included. */
static void
test_next_fixed_year (void)
{
	const char *zones[] = { "Europe/Berlin", "America/New_York", "Australia/Lord_Howe" };
	const char *exprs[] = { "30 2 * * *", "45 1 * * *", "0 0 * * *" };
	for (size_t z = 0; z < G_N_ELEMENTS (zones); z++)
		for (size_t x = 0; x < G_N_ELEMENTS (exprs); x++) {
			OxTimeZone *tz = zone (zones[z]);
			OxCron c = parse_ok (exprs[x]);
			int64_t t = ox_timestamp_to_timestamptz (ox_date_to_timestamp (ox_date_from_ymd (2024, 1, 1)), tz);
			int64_t end = ox_timestamp_to_timestamptz (ox_date_to_timestamp (ox_date_from_ymd (2025, 1, 1)), tz);
			int n = 0;
			int32_t last_day = INT32_MIN;
			/* from just before the first local midnight of 2024 */
			for (t = ox_cron_next (&c, tz, t - 1); t < end; t = ox_cron_next (&c, tz, t)) {
				int32_t day = ox_timestamp_to_date (ox_timestamptz_to_timestamp (t, tz));
				if (day == last_day)
					g_error ("%s in %s fired twice on local day %d", exprs[x], zones[z], day);
				last_day = day;
				n++;
			}
			g_assert_cmpint (n, ==, 366);
			ox_timezone_free (tz);
		}
}

static void
test_next_bounds (void)
{
	OxCron c = parse_ok ("* * * * *");
	g_assert_cmpint (ox_cron_next (&c, NULL, OX_TS_NOEND), ==, OX_CRON_NEVER);
	g_assert_cmpint (ox_cron_next (&c, NULL, OX_TS_NOBEGIN), ==, OX_CRON_NEVER);
	int64_t y9999 = ox_timestamptz_in ("9999-06-01 00:00:00+00", 22, 0, NULL);
	g_assert_cmpint (ox_cron_next (&c, NULL, y9999), ==, y9999 + 60000000);
	int64_t y10000 = ox_timestamptz_in ("10000-01-01 00:00:00+00", 23, 0, NULL);
	g_assert_cmpint (ox_cron_next (&c, NULL, y10000), ==, OX_CRON_NEVER);
	int64_t y1700 = ox_timestamptz_in ("1700-01-01 00:00:00+00", 22, 0, NULL);
	g_assert_cmpint (ox_cron_next (&c, NULL, y1700), ==, OX_CRON_NEVER);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/engine/cron/parse/good", test_parse_good);
	g_test_add_func ("/engine/cron/parse/fields", test_parse_fields);
	g_test_add_func ("/engine/cron/parse/errors", test_parse_errors);
	g_test_add_func ("/engine/cron/next/calendar", test_next_calendar);
	g_test_add_func ("/engine/cron/next/offsets", test_next_offsets);
	g_test_add_func ("/engine/cron/next/dst-gap", test_next_dst_gap);
	g_test_add_func ("/engine/cron/next/dst-overlap", test_next_dst_overlap);
	g_test_add_func ("/engine/cron/next/wildcard-year", test_next_wildcard_year);
	g_test_add_func ("/engine/cron/next/fixed-year", test_next_fixed_year);
	g_test_add_func ("/engine/cron/next/bounds", test_next_bounds);
	return g_test_run ();
}

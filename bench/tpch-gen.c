/*
 * tpch-gen.c — a deterministic generator of TPC-H's lineitem table.
 *
 * It follows the value rules of the TPC-H specification (4.2.3) and of
 * dbgen closely enough that Q1 and Q6 select what they select there: Q1
 * keeps about 98% of the rows in 4 groups, Q6 about 2%.  The scale factor
 * is rows / 6,000,000, so the 600,000 rows are SF 0.1.
 *
 * NOTE: this is not dbgen.  Its random streams differ, so the values (and
 * the query answers) differ from dbgen's at the same scale factor; only
 * the distributions match.  The answers are checked between the two
 * engines, never against TPC-H's published answer set.
 *
 * NOTE: every value comes from one splitmix64 stream seeded by the
 * caller, in a fixed order, so a given (rows, seed) produces the same
 * table on every machine and run; change the order of the draws and every
 * figure recorded in bench/README.md stops being comparable.
 */
#define G_LOG_DOMAIN "oxibase-bench"

#include "bench.h"

#include <stdio.h>
#include <string.h>

/* days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil); exact for every date the generator produces. */
int32_t
bench_date_days (int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
bench_date_format (int32_t days, char *buf)
{
	int z = days + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int y = yoe + era * 400;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	int d = doy - (153 * mp + 2) / 5 + 1;
	int m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	/* By hand rather than snprintf: y is four digits for every date the
	 * generator makes, which the compiler cannot know, and this runs
	 * three times per lineitem row. */
	g_assert (y >= 1000 && y <= 9999);
	buf[0] = (char) ('0' + y / 1000);
	buf[1] = (char) ('0' + y / 100 % 10);
	buf[2] = (char) ('0' + y / 10 % 10);
	buf[3] = (char) ('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char) ('0' + m / 10);
	buf[6] = (char) ('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char) ('0' + d / 10);
	buf[9] = (char) ('0' + d % 10);
	buf[10] = '\0';
}

static const char *const shipinstructs[] = {
	"DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN",
};

static const char *const shipmodes[] = {
	"REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB",
};

/* A few of dbgen's grammar words: comments only need a plausible length
 * and some variety, nothing queries them. */
static const char *const words[] = {
	"furiously", "sly", "careful", "blithely", "quickly", "fluffily", "slyly",
	"carefully", "ironic", "final", "regular", "express", "pending", "bold",
	"even", "special", "silent", "unusual", "deposits", "requests", "accounts",
	"packages", "theodolites", "instructions", "foxes", "pinto", "beans", "ideas",
	"sleep", "wake", "haggle", "nag", "use", "boost", "affix", "detect", "integrate",
	"among", "across", "above", "along", "the", "about", "against",
};

/* Dates of the specification (4.2.3): orders span STARTDATE .. ENDDATE -
 * 151 days, and CURRENTDATE splits shipped from open lines. */
#define START_DATE   bench_date_days (1992, 1, 1)
#define END_DATE     bench_date_days (1998, 12, 31)
#define CURRENT_DATE bench_date_days (1995, 6, 17)

void
bench_lineitem_gen_init (BenchLineitemGen *g, int64_t rows, uint64_t seed)
{
	memset (g, 0, sizeof *g);
	g->rng.state = seed;
	g->remaining = rows;
	double sf = (double) rows / 6000000.0;
	g->n_parts = MAX ((int64_t) (200000 * sf + 0.5), 1);
	g->n_supps = MAX ((int64_t) (10000 * sf + 0.5), 4);
}

/* dbgen's sparse order keys: of every 32 keys only the first 8 are used. */
static int64_t
sparse_key (int64_t i)
{
	return ((i - 1) / 8) * 32 + (i - 1) % 8 + 1;
}

/* Words until the drawn length (10..43) is reached, cut to it: TPC-H's
 * comments are variable text of that length.  The longest word is 12
 * characters, so 64 bytes hold the overshoot. */
static void
make_comment (BenchRng *r, char out[48])
{
	char buf[64];
	size_t target = (size_t) bench_rng_range (r, 10, 43);
	size_t len = 0;
	while (len < target) {
		const char *w = words[bench_rng_next (r) % G_N_ELEMENTS (words)];
		if (len > 0)
			buf[len++] = ' ';
		size_t wl = strlen (w);
		memcpy (buf + len, w, wl);
		len += wl;
	}
	memcpy (out, buf, target);
	out[target] = '\0';
}

bool
bench_lineitem_gen_next (BenchLineitemGen *g, BenchLineitem *out)
{
	if (g->remaining <= 0)
		return false;
	BenchRng *r = &g->rng;
	if (g->lines_left == 0) {
		g->orderkey++;
		g->lines_left = (int) bench_rng_range (r, 1, 7);
		g->linenumber = 0;
		g->orderdate = (int32_t) bench_rng_range (r, START_DATE, END_DATE - 151);
	}
	g->remaining--;
	g->lines_left--;

	out->orderkey = sparse_key (g->orderkey);
	out->linenumber = ++g->linenumber;
	out->partkey = bench_rng_range (r, 1, g->n_parts);
	/* dbgen: one of the part's four suppliers */
	int64_t s = g->n_supps;
	int64_t i = bench_rng_range (r, 0, 3);
	out->suppkey = (out->partkey + i * (s / 4 + (out->partkey - 1) / s)) % s + 1;
	out->quantity = bench_rng_range (r, 1, 50);
	int64_t p = out->partkey;
	int64_t retail = 90000 + (p / 10) % 20001 + 100 * (p % 1000);  /* cents */
	out->extendedprice = out->quantity * retail;
	out->discount = (int) bench_rng_range (r, 0, 10);
	out->tax = (int) bench_rng_range (r, 0, 8);
	out->shipdate = g->orderdate + (int32_t) bench_rng_range (r, 1, 121);
	out->commitdate = g->orderdate + (int32_t) bench_rng_range (r, 30, 90);
	out->receiptdate = out->shipdate + (int32_t) bench_rng_range (r, 1, 30);
	bool ra = bench_rng_next (r) & 1;  /* drawn always, so the stream does not depend on dates */
	out->returnflag = out->receiptdate <= CURRENT_DATE ? (ra ? 'R' : 'A') : 'N';
	out->linestatus = out->shipdate > CURRENT_DATE ? 'O' : 'F';
	out->shipinstruct = shipinstructs[bench_rng_next (r) % G_N_ELEMENTS (shipinstructs)];
	out->shipmode = shipmodes[bench_rng_next (r) % G_N_ELEMENTS (shipmodes)];
	make_comment (r, out->comment);
	return true;
}

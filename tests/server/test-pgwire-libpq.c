/*
 * test-pgwire-libpq.c — oxibase-server judged by libpq, PostgreSQL's own
 * client library: simple and extended query, text and binary formats,
 * single-row mode, cancel, notices, error fields, transaction status.
 */
#include <libpq-fe.h>
#include <string.h>

#include "server-test-util.h"

static TestServer server;

static PGconn *
connect_db (const char *dbname)
{
	g_autofree char *ci = g_strdup_printf ("host=127.0.0.1 port=%u user=tester dbname=%s connect_timeout=10",
	                                       server.port, dbname);
	return PQconnectdb (ci);
}

static PGconn *
connect_ok (void)
{
	PGconn *c = connect_db ("oxibase");
	if (PQstatus (c) != CONNECTION_OK)
		g_error ("connect: %s", PQerrorMessage (c));
	return c;
}

static void
exec_ok (PGconn *c, const char *sql)
{
	PGresult *r = PQexec (c, sql);
	ExecStatusType s = PQresultStatus (r);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		g_error ("%s: %s", sql, PQresultErrorMessage (r));
	PQclear (r);
}

static void
test_simple (void)
{
	PGconn *c = connect_ok ();
	g_assert_cmpstr (PQparameterStatus (c, "server_encoding"), ==, "UTF8");
	g_assert_cmpstr (PQparameterStatus (c, "integer_datetimes"), ==, "on");
	g_assert_cmpstr (PQparameterStatus (c, "standard_conforming_strings"), ==, "on");
	g_assert_nonnull (PQparameterStatus (c, "TimeZone"));
	g_assert_nonnull (PQparameterStatus (c, "DateStyle"));
	g_assert_cmpint (PQserverVersion (c), ==, 150000);
	g_assert_cmpint (PQbackendPID (c), >, 0);

	exec_ok (c, "CREATE TABLE simple_t (id int PRIMARY KEY, name text, price numeric(10,2), "
	            "code varchar(8), ok boolean, d date)");
	PGresult *r = PQexec (c, "INSERT INTO simple_t VALUES (1, 'one', 1.5, 'a', true, '2024-02-29'); "
	                         "INSERT INTO simple_t VALUES (2, NULL, 2, 'b', false, NULL); "
	                         "SELECT id, name, price, code, ok, d FROM simple_t ORDER BY id");
	/* PQexec keeps the last result of a multi-statement text */
	g_assert_cmpint (PQresultStatus (r), ==, PGRES_TUPLES_OK);
	g_assert_cmpint (PQntuples (r), ==, 2);
	g_assert_cmpint (PQnfields (r), ==, 6);
	g_assert_cmpstr (PQfname (r, 0), ==, "id");
	g_assert_cmpuint (PQftype (r, 0), ==, 23);
	g_assert_cmpuint (PQftype (r, 1), ==, 25);
	g_assert_cmpuint (PQftype (r, 2), ==, 1700);
	g_assert_cmpint (PQfmod (r, 2), ==, ((10 << 16) | 2) + 4);
	g_assert_cmpuint (PQftype (r, 3), ==, 1043);
	g_assert_cmpint (PQfmod (r, 3), ==, 12);
	g_assert_cmpuint (PQftype (r, 4), ==, 16);
	g_assert_cmpuint (PQftype (r, 5), ==, 1082);
	g_assert_cmpint (PQfsize (r, 0), ==, 4);
	g_assert_cmpstr (PQgetvalue (r, 0, 1), ==, "one");
	g_assert_cmpstr (PQgetvalue (r, 0, 2), ==, "1.50");
	g_assert_cmpstr (PQgetvalue (r, 0, 4), ==, "t");
	g_assert_cmpstr (PQgetvalue (r, 0, 5), ==, "2024-02-29");
	g_assert_true (PQgetisnull (r, 1, 1));
	PQclear (r);

	r = PQexec (c, "UPDATE simple_t SET name = 'x'");
	g_assert_cmpstr (PQcmdStatus (r), ==, "UPDATE 2");
	g_assert_cmpstr (PQcmdTuples (r), ==, "2");
	PQclear (r);

	r = PQexec (c, "  -- nothing\n ");
	g_assert_cmpint (PQresultStatus (r), ==, PGRES_EMPTY_QUERY);
	PQclear (r);

	/* SET reported back as ParameterStatus */
	exec_ok (c, "SET application_name = 'libpq-test'");
	g_assert_cmpstr (PQparameterStatus (c, "application_name"), ==, "libpq-test");
	PQfinish (c);
}

static void
test_prepared (void)
{
	PGconn *c = connect_ok ();
	exec_ok (c, "CREATE TABLE prep_t (i2 smallint, i4 int, i8 bigint, f4 real, f8 double precision, "
	            "b boolean, t text, v varchar(10), by bytea, n numeric)");

	/* text parameters */
	PGresult *r = PQprepare (c, "ins", "INSERT INTO prep_t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", 0, NULL);
	g_assert_cmpint (PQresultStatus (r), ==, PGRES_COMMAND_OK);
	PQclear (r);
	const char *tv[10] = { "1", "2", "3", "1.5", "2.25", "true", "héllo", "v1", "\\x00ff10", "12.345" };
	r = PQexecPrepared (c, "ins", 10, tv, NULL, NULL, 0);
	g_assert_cmpint (PQresultStatus (r), ==, PGRES_COMMAND_OK);
	g_assert_cmpstr (PQcmdStatus (r), ==, "INSERT 0 1");
	PQclear (r);

	/* binary parameters (types given, as libpq users must) */
	Oid types[9] = { 21, 23, 20, 700, 701, 16, 25, 1043, 17 };
	guint8 i2[2] = { 0xff, 0xfe };                          /* -2 */
	guint8 i4[4] = { 0x00, 0x01, 0x00, 0x00 };              /* 65536 */
	guint8 i8[8] = { 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 0 };  /* 2^32 */
	float f4 = -0.5f;
	double f8 = 1e100;
	guint32 f4u;
	guint64 f8u;
	memcpy (&f4u, &f4, 4);
	memcpy (&f8u, &f8, 8);
	f4u = GUINT32_TO_BE (f4u);
	f8u = GUINT64_TO_BE (f8u);
	guint8 bo = 1;
	const guint8 by[3] = { 0, 1, 2 };
	const char *bv[9] = { (char *) i2, (char *) i4, (char *) i8, (char *) &f4u, (char *) &f8u,
	                      (char *) &bo, "bin", "vv", (char *) by };
	int lens[9] = { 2, 4, 8, 4, 8, 1, 3, 2, 3 };
	int fmts[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
	r = PQexecParams (c, "INSERT INTO prep_t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL)",
	                  9, types, bv, lens, fmts, 0);
	if (PQresultStatus (r) != PGRES_COMMAND_OK)
		g_error ("binary insert: %s", PQresultErrorMessage (r));
	PQclear (r);

	/* text results */
	r = PQexecParams (c, "SELECT i2, i4, i8, f4, f8, b, t, v, by, n FROM prep_t WHERE i4 = $1", 1, NULL,
	                  (const char *[]) { "65536" }, NULL, NULL, 0);
	g_assert_cmpint (PQresultStatus (r), ==, PGRES_TUPLES_OK);
	g_assert_cmpint (PQntuples (r), ==, 1);
	g_assert_cmpstr (PQgetvalue (r, 0, 0), ==, "-2");
	g_assert_cmpstr (PQgetvalue (r, 0, 2), ==, "4294967296");
	g_assert_cmpstr (PQgetvalue (r, 0, 3), ==, "-0.5");
	g_assert_cmpstr (PQgetvalue (r, 0, 4), ==, "1e+100");
	g_assert_cmpstr (PQgetvalue (r, 0, 8), ==, "\\x000102");
	g_assert_true (PQgetisnull (r, 0, 9));
	PQclear (r);

	/* binary results */
	r = PQexecParams (c, "SELECT i2, i4, i8, f4, f8, b, t, by FROM prep_t WHERE i2 = $1", 1, NULL,
	                  (const char *[]) { "1" }, NULL, NULL, 1);
	g_assert_cmpint (PQresultStatus (r), ==, PGRES_TUPLES_OK);
	g_assert_cmpint (PQntuples (r), ==, 1);
	g_assert_cmpint (PQfformat (r, 0), ==, 1);
	g_assert_cmpint (PQgetlength (r, 0, 0), ==, 2);
	g_assert_cmpint ((gint16) GINT16_FROM_BE (*(gint16 *) PQgetvalue (r, 0, 0)), ==, 1);
	g_assert_cmpint (PQgetlength (r, 0, 1), ==, 4);
	g_assert_cmpint ((gint32) GINT32_FROM_BE (*(gint32 *) PQgetvalue (r, 0, 1)), ==, 2);
	g_assert_cmpint (PQgetlength (r, 0, 2), ==, 8);
	g_assert_cmpint ((gint64) GINT64_FROM_BE (*(gint64 *) PQgetvalue (r, 0, 2)), ==, 3);
	guint32 u4;
	memcpy (&u4, PQgetvalue (r, 0, 3), 4);
	u4 = GUINT32_FROM_BE (u4);
	float gf;
	memcpy (&gf, &u4, 4);
	g_assert_cmpfloat (gf, ==, 1.5f);
	guint64 u8;
	memcpy (&u8, PQgetvalue (r, 0, 4), 8);
	u8 = GUINT64_FROM_BE (u8);
	double gd;
	memcpy (&gd, &u8, 8);
	g_assert_cmpfloat (gd, ==, 2.25);
	g_assert_cmpint (PQgetlength (r, 0, 5), ==, 1);
	g_assert_cmpint (PQgetvalue (r, 0, 5)[0], ==, 1);
	g_assert_cmpint (PQgetlength (r, 0, 6), ==, 6);
	g_assert_cmpmem (PQgetvalue (r, 0, 6), 6, "héllo", 6);
	g_assert_cmpint (PQgetlength (r, 0, 7), ==, 3);
	g_assert_cmpmem (PQgetvalue (r, 0, 7), 3, "\x00\xff\x10", 3);
	PQclear (r);

	/* describe a prepared statement */
	r = PQprepare (c, "sel", "SELECT i4, t FROM prep_t WHERE i8 = $1", 1, (Oid[]) { 20 });
	PQclear (r);
	r = PQdescribePrepared (c, "sel");
	g_assert_cmpint (PQresultStatus (r), ==, PGRES_COMMAND_OK);
	g_assert_cmpint (PQnparams (r), ==, 1);
	g_assert_cmpuint (PQparamtype (r, 0), ==, 20);
	g_assert_cmpint (PQnfields (r), ==, 2);
	g_assert_cmpuint (PQftype (r, 0), ==, 23);
	PQclear (r);

	/* binary numeric results in numeric_send's format: ndigits, weight,
	 * sign, dscale, base-10000 digits (the bytes PostgreSQL 15 sends) */
	r = PQexecParams (c,
	                  "SELECT 0.01::numeric, -123.4500::numeric, 0::numeric, 10000::numeric, 0.00::numeric(5,2),"
	                  " 'NaN'::numeric, 12345678.9::numeric",
	                  0, NULL, NULL, NULL, NULL, 1);
	g_assert_cmpint (PQresultStatus (r), ==, PGRES_TUPLES_OK);
	{
		static const struct {
			int len;
			const char *bytes;
		} want[] = {
			{ 10, "\x00\x01\xff\xff\x00\x00\x00\x02\x00\x64" },
			{ 12, "\x00\x02\x00\x00\x40\x00\x00\x04\x00\x7b\x11\x94" },
			{ 8, "\x00\x00\x00\x00\x00\x00\x00\x00" },
			{ 10, "\x00\x01\x00\x01\x00\x00\x00\x00\x00\x01" },
			{ 8, "\x00\x00\x00\x00\x00\x00\x00\x02" },
			{ 8, "\x00\x00\x00\x00\xc0\x00\x00\x00" },
			{ 14, "\x00\x03\x00\x01\x00\x00\x00\x01\x04\xd2\x16\x2e\x23\x28" },
		};
		for (int i = 0; i < (int) G_N_ELEMENTS (want); i++) {
			g_assert_cmpuint (PQftype (r, i), ==, 1700);
			g_assert_cmpint (PQgetlength (r, 0, i), ==, want[i].len);
			if (memcmp (PQgetvalue (r, 0, i), want[i].bytes, (size_t) want[i].len) != 0)
				g_error ("binary numeric column %d differs from numeric_send's bytes", i);
		}
	}
	PQclear (r);

	/* a statement name used twice */
	r = PQprepare (c, "sel", "SELECT 1", 0, NULL);
	g_assert_cmpstr (PQresultErrorField (r, PG_DIAG_SQLSTATE), ==, "42P05");
	PQclear (r);
	/* wrong parameter count */
	r = PQexecPrepared (c, "sel", 0, NULL, NULL, NULL, 0);
	g_assert_cmpstr (PQresultErrorField (r, PG_DIAG_SQLSTATE), ==, "08P01");
	PQclear (r);
	/* several commands in one prepared statement */
	r = PQprepare (c, "two", "SELECT 1; SELECT 2", 0, NULL);
	g_assert_cmpstr (PQresultErrorField (r, PG_DIAG_SQLSTATE), ==, "42601");
	PQclear (r);
	exec_ok (c, "SELECT 1");
	PQfinish (c);
}

static void
test_single_row (void)
{
	PGconn *c = connect_ok ();
	exec_ok (c, "CREATE TABLE sr_t (i int)");
	exec_ok (c, "INSERT INTO sr_t VALUES (1), (2), (3), (4), (5)");
	g_assert_true (PQsendQuery (c, "SELECT i FROM sr_t ORDER BY i"));
	g_assert_true (PQsetSingleRowMode (c));
	int rows = 0;
	PGresult *r;
	gboolean got_tuples_ok = FALSE;
	while ((r = PQgetResult (c))) {
		if (PQresultStatus (r) == PGRES_SINGLE_TUPLE) {
			g_assert_cmpint (PQntuples (r), ==, 1);
			g_assert_cmpint (atoi (PQgetvalue (r, 0, 0)), ==, rows + 1);
			rows++;
		} else {
			g_assert_cmpint (PQresultStatus (r), ==, PGRES_TUPLES_OK);
			g_assert_cmpint (PQntuples (r), ==, 0);
			got_tuples_ok = TRUE;
		}
		PQclear (r);
	}
	g_assert_cmpint (rows, ==, 5);
	g_assert_true (got_tuples_ok);
	PQfinish (c);
}

#define LONG_QUERY "SELECT count(*) FROM cancel_big a, cancel_big b, cancel_big c WHERE a.i + b.i + c.i < 0"

static void
test_cancel (void)
{
	PGconn *c = connect_ok ();
	PGconn *other = connect_ok ();
	exec_ok (c, "CREATE TABLE cancel_n (i int)");
	exec_ok (c, "INSERT INTO cancel_n VALUES (1),(2),(3),(4),(5),(6),(7),(8),(9),(10)");
	exec_ok (c, "CREATE TABLE cancel_big AS SELECT a.i + 10*b.i + 100*c.i AS i FROM cancel_n a, cancel_n b, cancel_n c");

	gint64 start = g_get_monotonic_time ();
	g_assert_true (PQsendQuery (c, LONG_QUERY));
	PGcancel *cancel = PQgetCancel (c);
	char errbuf[256];
	/* A cancel that arrives before the statement started is lost (as in
	 * PostgreSQL), so send one every 200 ms until the query ends; the
	 * query takes ~30 s uncancelled, so the deadline tells. */
	gint64 next = 0;
	while (PQisBusy (c)) {
		gint64 now = g_get_monotonic_time ();
		g_assert_cmpint (now - start, <, 15 * G_USEC_PER_SEC);
		if (now >= next) {
			g_assert_true (PQcancel (cancel, errbuf, sizeof errbuf));
			next = now + 200 * 1000;
			/* the other connection is not disturbed meanwhile */
			PGresult *o = PQexec (other, "SELECT 42");
			g_assert_cmpint (PQresultStatus (o), ==, PGRES_TUPLES_OK);
			g_assert_cmpstr (PQgetvalue (o, 0, 0), ==, "42");
			PQclear (o);
		}
		g_assert_true (PQconsumeInput (c));
		g_usleep (5 * 1000);
	}
	PQfreeCancel (cancel);
	PGresult *r = PQgetResult (c);
	g_assert_cmpint (PQresultStatus (r), ==, PGRES_FATAL_ERROR);
	g_assert_cmpstr (PQresultErrorField (r, PG_DIAG_SQLSTATE), ==, "57014");
	PQclear (r);
	while ((r = PQgetResult (c)))
		PQclear (r);
	/* the cancelled connection goes on */
	exec_ok (c, "SELECT 1");
	PQfinish (other);
	PQfinish (c);
}

static void
notice_cb (void *arg, const char *message)
{
	GPtrArray *seen = arg;
	g_ptr_array_add (seen, g_strdup (message));
}

static void
test_notice (void)
{
	PGconn *c = connect_ok ();
	g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
	PQsetNoticeProcessor (c, notice_cb, seen);
	exec_ok (c, "DO $$ BEGIN RAISE NOTICE 'hello %', 42; RAISE WARNING 'careful'; END $$");
	g_assert_cmpuint (seen->len, ==, 2);
	g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, "NOTICE:  hello 42\n");
	g_assert_cmpstr (g_ptr_array_index (seen, 1), ==, "WARNING:  careful\n");
	exec_ok (c, "DROP TABLE IF EXISTS no_such_table_here");
	g_assert_cmpuint (seen->len, ==, 3);
	g_assert_nonnull (strstr (g_ptr_array_index (seen, 2), "does not exist, skipping"));
	PQfinish (c);
}

static void
test_errors (void)
{
	PGconn *c = connect_ok ();
	PGresult *r = PQexec (c, "SELECT 1; SELECT nosuch FROM nowhere_t");
	g_assert_cmpint (PQresultStatus (r), ==, PGRES_FATAL_ERROR);
	g_assert_cmpstr (PQresultErrorField (r, PG_DIAG_SQLSTATE), ==, "42P01");
	g_assert_cmpstr (PQresultErrorField (r, PG_DIAG_SEVERITY), ==, "ERROR");
	g_assert_cmpstr (PQresultErrorField (r, PG_DIAG_SEVERITY_NONLOCALIZED), ==, "ERROR");
	g_assert_cmpstr (PQresultErrorField (r, PG_DIAG_STATEMENT_POSITION), ==, "30");
	PQclear (r);

	r = PQexec (c, "SELEC 1");
	g_assert_cmpstr (PQresultErrorField (r, PG_DIAG_SQLSTATE), ==, "42601");
	g_assert_cmpstr (PQresultErrorField (r, PG_DIAG_STATEMENT_POSITION), ==, "1");
	PQclear (r);

	/* the context of an error raised inside a routine */
	exec_ok (c, "CREATE FUNCTION err_f () RETURNS int LANGUAGE plsql AS $$ BEGIN "
	            "RAISE EXCEPTION 'boom' USING HINT = 'a hint', DETAIL = 'a detail'; END $$");
	r = PQexec (c, "SELECT err_f ()");
	g_assert_cmpstr (PQresultErrorField (r, PG_DIAG_SQLSTATE), ==, "P0001");
	g_assert_cmpstr (PQresultErrorField (r, PG_DIAG_MESSAGE_PRIMARY), ==, "boom");
	g_assert_cmpstr (PQresultErrorField (r, PG_DIAG_MESSAGE_DETAIL), ==, "a detail");
	g_assert_cmpstr (PQresultErrorField (r, PG_DIAG_MESSAGE_HINT), ==, "a hint");
	g_assert_nonnull (PQresultErrorField (r, PG_DIAG_CONTEXT));
	PQclear (r);

	/* a database that does not exist */
	PGconn *bad = connect_db ("nope");
	g_assert_cmpint (PQstatus (bad), ==, CONNECTION_BAD);
	g_assert_nonnull (strstr (PQerrorMessage (bad), "database \"nope\" does not exist"));
	PQfinish (bad);
	PQfinish (c);
}

static void
test_txn_status (void)
{
	PGconn *c = connect_ok ();
	exec_ok (c, "CREATE TABLE txn_t (i int)");
	g_assert_cmpint (PQtransactionStatus (c), ==, PQTRANS_IDLE);
	exec_ok (c, "BEGIN");
	g_assert_cmpint (PQtransactionStatus (c), ==, PQTRANS_INTRANS);
	exec_ok (c, "INSERT INTO txn_t VALUES (1)");
	PGresult *r = PQexec (c, "SELECT 1/0");
	g_assert_cmpstr (PQresultErrorField (r, PG_DIAG_SQLSTATE), ==, "22012");
	PQclear (r);
	g_assert_cmpint (PQtransactionStatus (c), ==, PQTRANS_INERROR);
	r = PQexec (c, "SELECT 1");
	g_assert_cmpstr (PQresultErrorField (r, PG_DIAG_SQLSTATE), ==, "25P02");
	PQclear (r);
	exec_ok (c, "ROLLBACK");
	g_assert_cmpint (PQtransactionStatus (c), ==, PQTRANS_IDLE);
	r = PQexec (c, "SELECT count(*) FROM txn_t");
	g_assert_cmpstr (PQgetvalue (r, 0, 0), ==, "0");
	PQclear (r);
	PQfinish (c);
}

/* numeric parameters in binary (numeric_send's format), as JDBC sends
 * BigDecimal: decoded exactly. */
static void
test_binary_numeric_param (void)
{
	PGconn *c = connect_ok ();
	static const struct {
		guint8 bytes[16];
		int len;
		const char *want;
	} cases[] = {
		{ { 0, 2, 0, 0, 0, 0, 0, 2, 0, 123, 0x11, 0x94 }, 12, "123.45" },           /* 123 | 4500 */
		{ { 0, 1, 0xff, 0xff, 0x40, 0, 0, 3, 0, 10 }, 10, "-0.001" },              /* weight -1: 0.0010 */
		{ { 0, 1, 0, 1, 0, 0, 0, 0, 0, 1 }, 10, "10000" },                       /* weight 1 */
		{ { 0, 0, 0, 0, 0, 0, 0, 0 }, 8, "0" },
		{ { 0, 0, 0, 0, 0xc0, 0, 0, 0 }, 8, "NaN" },
	};
	Oid types[] = { 1700 };
	int formats[] = { 1 };
	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		const char *vals[] = { (const char *) cases[i].bytes };
		int lens[] = { cases[i].len };
		PGresult *r = PQexecParams (c, "SELECT $1::text", 1, types, vals, lens, formats, 0);
		if (PQresultStatus (r) != PGRES_TUPLES_OK)
			g_error ("case %u: %s", i, PQresultErrorMessage (r));
		g_assert_cmpstr (PQgetvalue (r, 0, 0), ==, cases[i].want);
		PQclear (r);
	}
	/* a digit out of range is refused */
	const guint8 bad[] = { 0, 1, 0, 0, 0, 0, 0, 0, 0x27, 0x10 };  /* 10000 as one digit */
	const char *vals[] = { (const char *) bad };
	int lens[] = { sizeof bad };
	PGresult *r = PQexecParams (c, "SELECT $1::text", 1, types, vals, lens, formats, 0);
	g_assert_cmpstr (PQresultErrorField (r, PG_DIAG_SQLSTATE), ==, "22P03");
	PQclear (r);
	PQfinish (c);
}

/* An untyped parameter stored into numeric(10,2) / varchar(3) gets the
 * column's modifier applied, as a literal would (node-postgres sends
 * every parameter so). */
static void
test_param_typmod (void)
{
	PGconn *c = connect_ok ();
	exec_ok (c, "CREATE TABLE typmod_t (p numeric(10,2), v varchar(3))");
	const char *vals[] = { "-3", "abc" };
	PGresult *r = PQexecParams (c, "INSERT INTO typmod_t VALUES ($1, $2)", 2, NULL, vals, NULL, NULL, 0);
	g_assert_cmpint (PQresultStatus (r), ==, PGRES_COMMAND_OK);
	PQclear (r);
	r = PQexec (c, "SELECT p, v FROM typmod_t");
	g_assert_cmpstr (PQgetvalue (r, 0, 0), ==, "-3.00");
	PQclear (r);
	const char *toolong[] = { "1.005", "abcd" };
	r = PQexecParams (c, "INSERT INTO typmod_t VALUES ($1, $2)", 2, NULL, toolong, NULL, NULL, 0);
	g_assert_cmpstr (PQresultErrorField (r, PG_DIAG_SQLSTATE), ==, "22001");
	PQclear (r);
	PQfinish (c);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	test_server_start (&server, NULL);
	g_test_add_func ("/server/pgwire/libpq/simple", test_simple);
	g_test_add_func ("/server/pgwire/libpq/prepared", test_prepared);
	g_test_add_func ("/server/pgwire/libpq/single-row", test_single_row);
	g_test_add_func ("/server/pgwire/libpq/cancel", test_cancel);
	g_test_add_func ("/server/pgwire/libpq/notice", test_notice);
	g_test_add_func ("/server/pgwire/libpq/errors", test_errors);
	g_test_add_func ("/server/pgwire/libpq/txn-status", test_txn_status);
	g_test_add_func ("/server/pgwire/libpq/binary-numeric-param", test_binary_numeric_param);
	g_test_add_func ("/server/pgwire/libpq/param-typmod", test_param_typmod);
	int rc = g_test_run ();
	test_server_stop (&server);
	return rc;
}

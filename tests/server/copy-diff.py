#!/usr/bin/env python3
# copy-diff.py — differential testing of COPY FROM STDIN: random inputs
# (valid rows, escapes, quotes, line ends, markers, invalid UTF-8, mixed
# and mutated) under random options, each sent to oxibase-server and to
# PostgreSQL 15; prints the inputs where the outcome differs (the rows
# stored, as COPY TO CSV, or the SQLSTATE, message and CONTEXT).  Not part
# of the test suite (it needs a PostgreSQL server); the cases it found
# are in test-pgwire-copy.c.  Usage:
#   copy-diff.py OXIBASE-DSN POSTGRESQL-DSN [N] [SEED]
# e.g. copy-diff.py "host=127.0.0.1 port=5433 dbname=oxibase" "host=127.0.0.1 port=54340 user=postgres" 3000
import io
import random
import sys

import psycopg2

SEEDS = [b'1\tx\t1.5\tab\n', b'\\N\t\\\\\t\\N\t\\x41\n', b'1,"a,""b",2,"c\nd"\n', b'\\.\n', b'\r\n', b'"', b'\\',
         b'\t', b',', b'\n', b'2\t\t\t\n', b'3,,,\n', b'\\101\\t\\n', b'"x"', b'\r', b'\xff', b'\xc3\xa9', b'x' * 120]
OPTIONS = ["", "(format csv)", "(format csv, header)", "(format csv, quote '''', escape '\\')",
           "(delimiter '|', null 'nil')", "(format csv, force_not_null (b), force_null (d))"]


def cursor(dsn):
    c = psycopg2.connect(dsn)
    c.autocommit = True
    cur = c.cursor()
    cur.execute("DROP TABLE IF EXISTS copy_diff")
    cur.execute("CREATE TABLE copy_diff (a int, b text, c numeric(6,2), d varchar(4))")
    return cur


def outcome(cur, data, opt):
    cur.execute("TRUNCATE copy_diff")
    try:
        cur.copy_expert("COPY copy_diff FROM STDIN " + opt, io.BytesIO(data))
        out = io.BytesIO()
        cur.copy_expert("COPY copy_diff TO STDOUT (FORMAT csv)", out)
        return ("ok", out.getvalue())
    except psycopg2.Error as e:
        return (e.pgcode, e.pgerror)


def main():
    ox, pg = cursor(sys.argv[1]), cursor(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 1500
    random.seed(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    diffs = 0
    for _ in range(n):
        data = bytearray(b"".join(random.choice(SEEDS) for _ in range(random.randint(0, 8))))
        for _ in range(random.randint(0, 2)):
            if data:
                data[random.randrange(len(data))] = random.choice(b'\\\t,"\r\n.x1N')
        opt = random.choice(OPTIONS)
        a, b = outcome(ox, bytes(data), opt), outcome(pg, bytes(data), opt)
        if a != b:
            diffs += 1
            print("%r %s\n  oxibase:    %r\n  postgresql: %r" % (bytes(data), opt, a, b))
    print("%d of %d inputs differ" % (diffs, n))
    return 1 if diffs else 0


sys.exit(main())

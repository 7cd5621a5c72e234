#!/usr/bin/env python3
# test-pgwire-clients.py — oxibase-server judged by psql (its aligned
# output and its verbose errors, compared with what PostgreSQL 15 prints)
# and by psycopg2 (parameterised queries).  Speaks TAP.
#
# The server runs on a free port (--pg-port 0; the port is read from its
# log) with a temporary data directory, and must exit 0 on SIGTERM.
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oxserver import Server, eq, run_tap  # noqa: E402

server = Server("oxibase-clients-test-")
port = server.port


def psql(*args, script=None, check=True):
    cmd = ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "tester", "-d", "oxibase",
           "-X", "-v", "ON_ERROR_STOP=1"] + list(args)
    env = dict(os.environ, PGCONNECT_TIMEOUT="10", PGTZ="UTC")
    r = subprocess.run(cmd, input=script, capture_output=True, text=True, timeout=60, env=env)
    if check and r.returncode != 0:
        raise AssertionError("psql failed (%d): %s" % (r.returncode, r.stderr))
    return r


def test_psql_aligned():
    psql("-c", "CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(8,2))",
         "-c", "INSERT INTO items VALUES (1, 'apple', 1.25), (2, 'pear', NULL), (3, 'fig', 10)")
    r = psql("-c", "SELECT id, name, price FROM items ORDER BY id")
    eq(r.stdout,
       " id | name  | price \n"
       "----+-------+-------\n"
       "  1 | apple |  1.25\n"
       "  2 | pear  |      \n"
       "  3 | fig   | 10.00\n"
       "(3 rows)\n\n")
    r = psql("-c", "SELECT count(*) AS n, sum(price) FROM items WHERE price > 1")
    eq(r.stdout,
       " n |  sum  \n"
       "---+-------\n"
       " 2 | 11.25\n"
       "(1 row)\n\n")
    r = psql("-c", "UPDATE items SET price = 2 WHERE id = 2")
    eq(r.stdout, "UPDATE 1\n")


def test_psql_script():
    # a script with \set variables, a transaction, several statements a line
    script = (
        "\\set n 5\n"
        "BEGIN;\n"
        "CREATE TABLE s (i int);\n"
        "INSERT INTO s VALUES (:n), (:n + 1); INSERT INTO s VALUES (0);\n"
        "COMMIT;\n"
        "SELECT sum(i) AS total FROM s;\n"
        "\\pset format unaligned\n"
        "SELECT i FROM s ORDER BY i;\n"
    )
    r = psql("-f", "-", script=script)
    eq(r.stdout,
       "BEGIN\nCREATE TABLE\nINSERT 0 2\nINSERT 0 1\nCOMMIT\n"
       " total \n-------\n    11\n(1 row)\n\n"
       "Output format is unaligned.\n"
       "i\n0\n5\n6\n(3 rows)\n")


def test_psql_errors():
    r = psql("-c", "\\set VERBOSITY verbose", "-c", "SELECT nosuch FROM items", check=False)
    eq(r.returncode, 1)
    eq(r.stderr,
       'ERROR:  42703: column "nosuch" does not exist\n'
       "LINE 1: SELECT nosuch FROM items\n"
       "               ^\n")
    r = psql("-c", "\\set VERBOSITY verbose", "-c", "INSERT INTO items VALUES (1, 'dup', 0)", check=False)
    eq(r.returncode, 1)
    if not r.stderr.startswith("ERROR:  23505: duplicate key value violates unique constraint"):
        raise AssertionError(r.stderr)
    # server-side files are refused (psql's \\copy sends them through STDIN)
    r = psql("-c", "COPY items FROM '/etc/hostname'", check=False)
    eq(r.returncode, 1)
    if "must be superuser" not in r.stderr:
        raise AssertionError(r.stderr)
    env = dict(os.environ, PGCONNECT_TIMEOUT="10")
    r = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "tester", "-d", "nope", "-X",
                        "-c", "SELECT 1"], capture_output=True, text=True, timeout=60, env=env)
    eq(r.returncode, 2)
    if 'FATAL:  database "nope" does not exist' not in r.stderr:
        raise AssertionError(r.stderr)


def test_psql_notice():
    r = psql("-c", "DO $$ BEGIN RAISE NOTICE 'n = %', 3; END $$")
    eq(r.stderr, "NOTICE:  n = 3\n")
    eq(r.stdout, "DO\n")


def test_psycopg2():
    import psycopg2
    conn = psycopg2.connect(host="127.0.0.1", port=port, user="tester", dbname="oxibase",
                            connect_timeout=10)
    cur = conn.cursor()
    cur.execute("CREATE TABLE py (id int, name text, amount numeric(10,2), ok boolean, at date)")
    cur.executemany("INSERT INTO py VALUES (%s, %s, %s, %s, %s)",
                    [(1, "it's", "1.50", True, "2024-01-02"), (2, None, None, False, None)])
    conn.commit()
    cur.execute("SELECT id, name, amount, ok, at FROM py WHERE id = %(id)s OR name = %(name)s ORDER BY id",
                {"id": 2, "name": "it's"})
    rows = cur.fetchall()
    import datetime
    import decimal
    eq(rows, [(1, "it's", decimal.Decimal("1.50"), True, datetime.date(2024, 1, 2)),
              (2, None, None, False, None)])
    eq([d.name for d in cur.description], ["id", "name", "amount", "ok", "at"])
    # an error inside the (psycopg2-opened) transaction, then rollback
    try:
        cur.execute("SELECT 1/0")
        raise AssertionError("no error")
    except psycopg2.Error as e:
        eq(e.pgcode, "22012")
    conn.rollback()
    cur.execute("SELECT count(*) FROM py")
    eq(cur.fetchone(), (2,))
    conn.close()


run_tap(server, [test_psql_aligned, test_psql_script, test_psql_errors, test_psql_notice, test_psycopg2])

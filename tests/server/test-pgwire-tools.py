#!/usr/bin/env python3
# test-pgwire-tools.py — oxibase-server driven by PostgreSQL's own tools:
#   - psql's \copy (client-side files through COPY FROM STDIN / TO STDOUT)
#     and COPY ... FROM STDIN with its data inline in a script;
#   - pgbench unmodified: -i (CREATE TABLE WITH (fillfactor), DROP and
#     TRUNCATE of several tables, COPY FREEZE, VACUUM, ADD PRIMARY KEY),
#     then the default TPC-B-like script and -S in simple and prepared
#     mode for a fixed number of transactions; after them the balances
#     agree: sum(abalance) = sum(bbalance) = sum(tbalance) = sum(delta);
#   - a load test: 50 clients moving amounts between 100 accounts in
#     REPEATABLE READ transactions; a transfer that loses a write-write
#     race gets 40001 and pgbench retries it (--max-tries); no other
#     error, and the total is unchanged at the end.
# Speaks TAP.
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oxserver import Server, Skip, eq, run_tap  # noqa: E402

server = Server("oxibase-tools-test-")
tmp = tempfile.mkdtemp(prefix="oxibase-tools-files-")


def psql(*args, script=None, check=True):
    cmd = ["psql", "-X", "-v", "ON_ERROR_STOP=1"] + list(args)
    r = subprocess.run(cmd, input=script, capture_output=True, text=True, timeout=120, env=server.env())
    if check and r.returncode != 0:
        raise AssertionError("psql failed (%d): %s" % (r.returncode, r.stderr))
    return r


def value(sql):
    return psql("-At", "-c", sql).stdout.strip()


def pgbench(*args):
    exe = shutil.which("pgbench") or "/usr/lib/postgresql/15/bin/pgbench"
    if not os.path.exists(exe):
        raise Skip("pgbench is not installed (Debian's postgresql-15 package)")
    r = subprocess.run([exe] + list(args), capture_output=True, text=True, timeout=600, env=server.env())
    if r.returncode != 0:
        raise AssertionError("pgbench %s exited %d\n%s\n%s\nserver log tail:\n%s"
                             % (" ".join(args), r.returncode, r.stdout, r.stderr, server.log()[-3000:]))
    return r.stdout


def test_psql_copy_script():
    # the data follows the command in the script, up to "\."
    r = psql(script="CREATE TABLE cs (id int, t text, n numeric);\n"
                    "COPY cs FROM STDIN;\n"
                    "1\tone\t1.5\n"
                    "2\t\\N\t\\N\n"
                    "3\ttab\\there\t-0\n"
                    "\\.\n"
                    "COPY cs (id, t) FROM STDIN WITH (FORMAT csv);\n"
                    "4,\"a,b\"\n"
                    "\\.\n"
                    "SELECT count(*) FROM cs;\n")
    if "COPY 3" not in r.stdout or "COPY 1" not in r.stdout:
        raise AssertionError(r.stdout)
    eq(value("SELECT string_agg(coalesce(t, '<null>'), '|' ORDER BY id) FROM cs"), "one|<null>|tab\there|a,b")
    r = psql("-c", "COPY cs TO STDOUT WITH (FORMAT csv, HEADER)")
    eq(r.stdout, "id,t,n\n1,one,1.5\n2,,\n3,tab\there,0\n4,\"a,b\",\n")
    # an error in the data: psql reports it with its line, nothing is kept
    r = psql(script="COPY cs FROM STDIN;\n5\tfive\t5\n6\tsix\tsix\n\\.\n", check=False)
    eq(r.returncode, 3)
    if 'invalid input syntax for type numeric: "six"' not in r.stderr or \
            'CONTEXT:  COPY cs, line 2, column n: "six"' not in r.stderr:
        raise AssertionError(r.stderr)
    eq(value("SELECT count(*) FROM cs"), "4")


def test_psql_backslash_copy():
    src = os.path.join(tmp, "in.csv")
    with open(src, "w") as f:
        f.write("id,name\n")
        for i in range(1, 1001):
            f.write('%d,"name ""%d"""\n' % (i, i))
    psql("-c", "CREATE TABLE bc (id int PRIMARY KEY, name text)")
    r = psql("-c", "\\copy bc FROM '%s' WITH (FORMAT csv, HEADER)" % src)
    eq(r.stdout, "COPY 1000\n")
    eq(value("SELECT count(*), sum(id), max(name) FROM bc"), '1000|500500|name "999"')
    out = os.path.join(tmp, "out.txt")
    r = psql("-c", "\\copy (SELECT id, name FROM bc WHERE id <= 3 ORDER BY id) TO '%s'" % out)
    eq(r.stdout, "COPY 3\n")
    with open(out) as f:
        eq(f.read(), '1\tname "1"\n2\tname "2"\n3\tname "3"\n')
    # and back in through \copy, text format
    psql("-c", "CREATE TABLE bc2 (id int, name text)")
    eq(psql("-c", "\\copy bc2 FROM '%s'" % out).stdout, "COPY 3\n")
    eq(value("SELECT string_agg(name, ',' ORDER BY id) FROM bc2"), 'name "1",name "2",name "3"')


def balances():
    return value("SELECT (SELECT sum(abalance) FROM pgbench_accounts), (SELECT sum(bbalance) FROM pgbench_branches), "
                 "(SELECT sum(tbalance) FROM pgbench_tellers), (SELECT coalesce(sum(delta), 0) FROM pgbench_history), "
                 "(SELECT count(*) FROM pgbench_history)").split("|")


def test_pgbench():
    out = pgbench("-i", "-s", "1")  # its progress goes to stderr
    eq(value("SELECT count(*) FROM pgbench_accounts"), "100000")
    eq(value("SELECT count(*) FROM pgbench_branches"), "1")
    eq(value("SELECT count(*) FROM pgbench_tellers"), "10")
    eq(value("SELECT indexname FROM pg_indexes WHERE tablename = 'pgbench_accounts'"), "pgbench_accounts_pkey")
    runs = 0
    for mode in ("simple", "prepared"):
        for script in ([], ["-S"]):
            # -n: no vacuum and no truncation of pgbench_history between
            # runs, so that the history keeps every delta
            out = pgbench("-n", "-M", mode, "-c", "4", "-j", "2", "-t", "100", *script)
            m = re.search(r"number of transactions actually processed: (\d+)/(\d+)", out)
            if not m or m.group(1) != "400" or m.group(2) != "400":
                raise AssertionError(out)
            if "number of failed transactions: 0 " not in out:
                raise AssertionError(out)
            if not script:
                runs += 1
    a, b, t, h, n = balances()
    eq(n, str(400 * runs))
    if not (a == b == t == h):
        raise AssertionError("balances disagree: accounts %s, branches %s, tellers %s, history %s" % (a, b, t, h))


TRANSFER = """\\set a random(1, 100)
\\set b random(1, 100)
\\set amount random(1, 100)
\\set lo least(:a, :b)
\\set hi greatest(:a, :b)
BEGIN ISOLATION LEVEL REPEATABLE READ;
UPDATE acct SET balance = balance - :amount WHERE id = :lo;
UPDATE acct SET balance = balance + :amount WHERE id = :hi;
END;
"""


def test_load_50_clients():
    psql("-c", "CREATE TABLE acct (id int PRIMARY KEY, balance int NOT NULL)")
    psql(script="COPY acct FROM STDIN;\n" + "".join("%d\t1000\n" % i for i in range(1, 101)) + "\\.\n")
    eq(value("SELECT sum(balance) FROM acct"), "100000")
    script = os.path.join(tmp, "transfer.sql")
    with open(script, "w") as f:
        f.write(TRANSFER)
    # rows are locked in id order, so there is no deadlock, only
    # serialization failures (40001), which pgbench retries
    log_before = len(server.log())
    out = pgbench("-n", "-M", "prepared", "-c", "50", "-j", "2", "-t", "40", "--max-tries=1000", "-f", script)
    m = re.search(r"number of transactions actually processed: (\d+)/(\d+)", out)
    if not m or m.group(1) != "2000" or m.group(2) != "2000":
        raise AssertionError(out)
    if "number of failed transactions: 0 " not in out:
        raise AssertionError(out)
    eq(value("SELECT sum(balance), count(*) FROM acct"), "100000|100")
    # the run logged no error but the retried serialization failures
    # (the server logs every failed statement; earlier tests' are before)
    for line in server.log()[log_before:].splitlines():
        if "ERROR" in line and "40001" not in line:
            raise AssertionError(line)


try:
    run_tap(server, [test_psql_copy_script, test_psql_backslash_copy, test_pgbench, test_load_50_clients])
finally:
    shutil.rmtree(tmp, ignore_errors=True)

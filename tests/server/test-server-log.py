#!/usr/bin/python3
# test-server-log.py — oxibase-server's log: one line per event.  A
# statement that fails is an ERROR line with its SQLSTATE and who ran it;
# log_min_duration_statement (from the configuration file, as in
# PostgreSQL: -1 off, 0 every statement, else a duration) logs slow
# statements with their duration and text, and SIGHUP changes it; a
# checkpoint the engine writes is a "checkpoint complete" line.
#
# The server runs on free ports (read back from its log) in a temporary
# data directory and stops with SIGTERM, which must end in exit 0.
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oxserver import Server, eq, run_tap  # noqa: E402

server = Server("oxibase-log-")
CONF = os.path.join(server.data, "oxibase.conf")


def psql(sql, ok=True):
    r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-c", sql], env=server.env(), capture_output=True, text=True,
                       timeout=60)
    if ok and r.returncode != 0:
        raise AssertionError("psql %s: %s" % (sql, r.stderr))
    return r


def wait_log(pattern, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = re.search(pattern, server.log(), re.M)
        if m:
            return m
        time.sleep(0.05)
    raise AssertionError("no log line matches %r in:\n%s" % (pattern, server.log()))


def reload_with(line):
    with open(CONF) as f:
        text = [ln for ln in f.read().splitlines() if not ln.startswith("log_min_duration_statement")]
    text.append(line)
    with open(CONF, "w") as f:
        f.write("\n".join(text) + "\n")
    n = server.log().count("received SIGHUP")
    server.proc.send_signal(signal.SIGHUP)
    deadline = time.time() + 10
    while time.time() < deadline and server.log().count("received SIGHUP") <= n:
        time.sleep(0.05)


def test_error_line():
    r = psql("SELECT * FROM no_such_table", ok=False)
    assert r.returncode != 0
    wait_log(r'ERROR:  relation "no_such_table" does not exist \(SQLSTATE 42P01\) user=tester database=oxibase')


def test_slow_statements():
    before = server.log().count("duration: ")
    psql("SELECT 1")
    eq(server.log().count("duration: "), before)  # off by default
    reload_with("log_min_duration_statement = 0")
    psql("SELECT 12345 AS logged")
    wait_log(r"LOG:  duration: \d+\.\d{3} ms  user=tester database=oxibase statement: SELECT 12345 AS logged")
    reload_with("log_min_duration_statement = 5s")
    psql("SELECT 67890 AS quick")
    time.sleep(0.3)
    assert "SELECT 67890" not in server.log(), server.log()
    psql("SELECT pg_sleep(0.3)")  # under 5 s: not logged either
    reload_with("log_min_duration_statement = 200ms")
    psql("SELECT pg_sleep(0.3) AS slow")
    wait_log(r"duration: (\d+)\.\d{3} ms .*statement: SELECT pg_sleep\(0\.3\) AS slow")
    ms = int(re.search(r"duration: (\d+)\.\d{3} ms .*AS slow", server.log()).group(1))
    assert ms >= 300, ms


def test_bad_value_refused_on_reload():
    reload_with("log_min_duration_statement = soon")
    wait_log(r"invalid log_min_duration_statement \"soon\"")


def test_checkpoint_line():
    psql("CREATE TABLE ck (i int); INSERT INTO ck VALUES (1); CHECKPOINT")
    wait_log(r"LOG:  checkpoint complete: 1 written, \d+\.\d{3} s writing", timeout=15)


run_tap(server, [test_error_line, test_slow_statements, test_bad_value_refused_on_reload, test_checkpoint_line])

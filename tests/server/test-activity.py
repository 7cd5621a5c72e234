#!/usr/bin/python3
# test-activity.py — remote administration in SQL, as PostgreSQL 15 has it:
# psql session A sees session B (psycopg2, application_name "session-b") in
# pg_stat_activity, cancels B's pg_sleep (B gets 57014) and terminates B
# (its connection ends with 57P01); a role that is not a superuser cannot
# cancel another role's session nor a superuser's (42501, PostgreSQL 15's
# messages) and sees "<insufficient privilege>" for their queries;
# pg_backend_pid() is the pid BackendKeyData and pg_stat_activity give;
# system.log has the failed statement with its SQLSTATE (superusers only);
# system.metrics lists what GET /metrics lists.
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oxserver import Server, eq, run_tap  # noqa: E402

import psycopg2  # noqa: E402

server = Server("oxibase-activity-")


def psql(sql, user="tester", ok=True):
    r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       env=dict(server.env(PGAPPNAME="session-a"), PGUSER=user), capture_output=True, text=True,
                       timeout=60)
    if ok and r.returncode != 0:
        raise AssertionError("psql %s: %s" % (sql, r.stderr))
    return r


def connect(user="tester", app="session-b"):
    return psycopg2.connect(host="127.0.0.1", port=server.port, user=user, dbname="oxibase",
                            application_name=app, connect_timeout=10)


def wait_until(what, cond, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


class Sleeper(threading.Thread):
    """Runs pg_sleep on conn and keeps the error it ends with."""

    def __init__(self, conn, secs=30):
        super().__init__(daemon=True)
        self.conn, self.secs, self.error = conn, secs, None

    def run(self):
        try:
            with self.conn.cursor() as c:
                c.execute("SELECT pg_sleep(%s)", (self.secs,))
        except Exception as e:  # noqa: BLE001 - the error is the result
            self.error = e


def activity_of(app):
    out = psql("SELECT pid, usename, state, wait_event_type, wait_event, query, backend_type, client_addr, "
               "client_port > 0, backend_start IS NOT NULL FROM pg_stat_activity "
               "WHERE application_name = '%s'" % app).stdout.strip()
    return [line.split("|") for line in out.splitlines()]


def test_columns_as_postgresql_15():
    cols = subprocess.run(["psql", "-X", "-A", "-c", "SELECT * FROM pg_stat_activity LIMIT 0"], env=server.env(),
                          capture_output=True, text=True, timeout=60).stdout.splitlines()[0]
    eq(cols, "datid|datname|pid|leader_pid|usesysid|usename|application_name|client_addr|client_hostname|"
             "client_port|backend_start|xact_start|query_start|state_change|wait_event_type|wait_event|state|"
             "backend_xid|backend_xmin|query_id|query|backend_type")


def test_a_sees_b_and_cancels_it():
    b = connect()
    with b.cursor() as c:
        c.execute("SELECT pg_backend_pid()")
        bpid = c.fetchone()[0]
    b.commit()
    rows = wait_until("session-b idle", lambda: [r for r in activity_of("session-b") if r[2] == "idle"])
    eq(rows[0][0], str(bpid))
    eq(rows[0][1], "tester")
    eq(rows[0][3:5], ["Client", "ClientRead"])
    eq(rows[0][6:10], ["client backend", "127.0.0.1", "t", "t"])
    # the pid is BackendKeyData's: libpq's PQbackendPID
    eq(b.get_backend_pid(), bpid)
    s = Sleeper(b)
    s.start()
    rows = wait_until("session-b sleeping",
                      lambda: [r for r in activity_of("session-b") if r[2] == "active" and "pg_sleep" in r[5]])
    eq(rows[0][5], "SELECT pg_sleep(30)")
    eq(psql("SELECT pg_cancel_backend(%d)" % bpid).stdout.strip(), "t")
    s.join(10)
    assert not s.is_alive(), "pg_sleep was not cancelled"
    eq(getattr(s.error, "pgcode", None), "57014")
    b.rollback()
    # still usable after a cancel
    with b.cursor() as c:
        c.execute("SELECT 1")
        eq(c.fetchone()[0], 1)
    b.commit()
    eq(psql("SELECT pg_terminate_backend(%d)" % bpid).stdout.strip(), "t")
    try:
        with b.cursor() as c:
            c.execute("SELECT 1")
        raise AssertionError("the terminated session still runs statements")
    except psycopg2.Error as e:
        assert e.pgcode in (None, "57P01"), e.pgcode
    wait_until("session-b gone", lambda: not activity_of("session-b"))
    b.close()


def test_unknown_pid_warns():
    r = psql("SELECT pg_cancel_backend(2147483000)")
    eq(r.stdout.strip(), "f")
    assert "WARNING:  PID 2147483000 is not a PostgreSQL backend process" in r.stderr, r.stderr


def test_non_superuser_cannot_signal_others():
    psql("CREATE ROLE bob LOGIN")
    psql("CREATE ROLE carol LOGIN")
    carol = connect(user="carol", app="carol-b")
    admin = connect(user="tester", app="admin-b")
    try:
        with carol.cursor() as c:
            c.execute("SELECT pg_backend_pid()")
            cpid = c.fetchone()[0]
        carol.commit()
        with admin.cursor() as c:
            c.execute("SELECT pg_backend_pid()")
            apid = c.fetchone()[0]
        admin.commit()
        r = psql("SELECT pg_cancel_backend(%d)" % cpid, user="bob", ok=False)
        assert r.returncode != 0
        assert "must be a member of the role whose query is being canceled or member of pg_signal_backend" \
            in r.stderr, r.stderr
        r = psql("SELECT pg_terminate_backend(%d)" % cpid, user="bob", ok=False)
        assert "must be a member of the role whose process is being terminated" in r.stderr, r.stderr
        r = psql("SELECT pg_cancel_backend(%d)" % apid, user="bob", ok=False)
        assert "must be a superuser to cancel superuser query" in r.stderr, r.stderr
        # bob sees that carol is there, not what she runs
        out = psql("SELECT usename, query, state IS NULL FROM pg_stat_activity WHERE pid = %d" % cpid,
                   user="bob").stdout.strip()
        eq(out, "carol|<insufficient privilege>|t")
        # carol may cancel her own session (nothing runs: true all the same)
        eq(psql("SELECT pg_cancel_backend(%d)" % cpid, user="carol").stdout.strip(), "t")
    finally:
        carol.close()
        admin.close()


def test_system_log_has_failed_statement():
    psql("SELECT * FROM no_such_table_for_log", ok=False)
    out = wait_until("the line in system.log", lambda: psql(
        "SELECT level, sqlstate, \"user\", database FROM system.log "
        "WHERE message LIKE '%no_such_table_for_log%'").stdout.strip())
    eq(out.splitlines()[0], "ERROR|42P01|tester|oxibase")
    # newest last: seq grows with time
    seqs = psql("SELECT seq FROM system.log").stdout.split()
    eq([int(x) for x in seqs], sorted(int(x) for x in seqs))
    r = psql("SELECT count(*) FROM system.log", user="bob", ok=False)
    assert "permission denied for view log" in r.stderr, r.stderr


def http_port():
    return int(re.search(r"http listening on [^ ]*:(\d+)", server.log()).group(1))


_token = []


def api(method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", http_port(), timeout=30)
    if not _token:
        psql("ALTER ROLE tester PASSWORD 'metrics-pw'")
        c.request("POST", "/api/auth/login", body=json.dumps({"user": "tester", "password": "metrics-pw"}),
                  headers={"Content-Type": "application/json"})
        _token.append(json.loads(c.getresponse().read().decode())["token"])
    headers = {"Authorization": "Bearer " + _token[0], "Content-Type": "application/json"}
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = c.getresponse()
    return r.status, r.read().decode()


def test_metrics_match_http():
    names = psql("SELECT name FROM system.metrics").stdout.split()
    assert names[0] == "oxibase_connections", names
    _, body = api("GET", "/metrics")
    samples = [ln.split()[0] for ln in body.splitlines() if ln and not ln.startswith("#")]
    eq(samples, names)


def test_http_failure_logged():
    status, _ = api("POST", "/api/sql", {"sql": "SELECT * FROM no_such_http_table"})
    assert status >= 400, status
    out = wait_until("the HTTP failure in system.log", lambda: psql(
        "SELECT level, sqlstate, \"user\" FROM system.log WHERE message LIKE '%no_such_http_table%'").stdout.strip())
    eq(out.splitlines()[0], "ERROR|42P01|tester")


run_tap(server, [test_columns_as_postgresql_15, test_a_sees_b_and_cancels_it, test_unknown_pid_warns,
                 test_non_superuser_cannot_signal_others, test_system_log_has_failed_statement,
                 test_metrics_match_http, test_http_failure_logged])

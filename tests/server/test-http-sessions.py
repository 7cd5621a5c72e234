#!/usr/bin/env python3
# test-http-sessions.py — persistent HTTP sessions (docs/server.md, "HTTP
# sessions"): POST /api/sessions, /api/sql with X-Oxibase-Session, DELETE
# /api/sessions/ID, driven by Python's http.client, with psycopg2 (libpq)
# as an outside observer of what was committed and of pg_stat_activity.
#
# Checked: BEGIN/INSERT in one request and ROLLBACK or COMMIT in the
# next; SET and temporary tables persisting; a second request while one
# runs gets 409; a token of another role gets 403 (its own token of the
# same role works); DELETE rolls an open transaction back; an idle session
# closes after --http-session-idle-timeout, one idle in a transaction
# after idle_in_transaction_session_timeout; logout closes the token's
# sessions; the session shows in /api/sessions and pg_stat_activity; a
# statement in a session pg_terminate_backend reaches ends with 57P01.
# Speaks TAP (tests/server/oxserver.py).
import http.client
import json
import os
import re
import sys
import threading
import time

import psycopg2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oxserver import Server, run_tap, eq  # noqa: E402

srv = Server("oxibase-http-sessions-", ["--http-session-idle-timeout", "2"])
HTTP_PORT = int(re.search(r"http listening on [^ ]*:(\d+)", srv.log()).group(1))

pg = psycopg2.connect(host="127.0.0.1", port=srv.port, user="tester", dbname="oxibase")
pg.autocommit = True
with pg.cursor() as c:
    c.execute("ALTER ROLE tester PASSWORD 's3cret'")
    c.execute("CREATE ROLE bob LOGIN PASSWORD 'hunter2'")
    c.execute("CREATE TABLE t (v int)")


def request(method, path, body=None, token=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=60)
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    data = json.dumps(body).encode() if body is not None else None
    if data is not None:
        h["Content-Type"] = "application/json"
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    text = r.read().decode()
    c.close()
    try:
        return r.status, json.loads(text)
    except ValueError:
        return r.status, text


def login(user="tester", password="s3cret"):
    st, b = request("POST", "/api/auth/login", {"user": user, "password": password})
    eq(st, 200)
    return b["token"]


def open_session(token):
    st, b = request("POST", "/api/sessions", None, token)
    eq(st, 201)
    assert isinstance(b["id"], int) and b["id"] > 0, b
    return b["id"]


def sql(token, sid, text):
    h = {"X-Oxibase-Session": str(sid)} if sid is not None else {}
    return request("POST", "/api/sql", {"sql": text}, token, h)


def sql_with_headers(token, sid, text):
    c = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=60)
    c.request("POST", "/api/sql", body=json.dumps({"sql": text}).encode(),
              headers={"Authorization": "Bearer " + token, "Content-Type": "application/json",
                       "X-Oxibase-Session": str(sid)})
    r = c.getresponse()
    b = json.loads(r.read().decode())
    h = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, b, h


def rows(token, sid, text):
    st, b = sql(token, sid, text)
    eq(st, 200)
    assert "error" not in b, b
    return b["results"][-1]["rows"]


def committed():
    with pg.cursor() as c:
        c.execute("SELECT v FROM t ORDER BY v")
        return [r[0] for r in c.fetchall()]


def wait_for(cond, what, seconds=10):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


TOKEN = login()


def test_transaction_across_requests():
    sid = open_session(TOKEN)
    rows(TOKEN, sid, "BEGIN; INSERT INTO t VALUES (1)")
    # not visible outside the open transaction, visible inside
    eq(committed(), [])
    eq(rows(TOKEN, sid, "SELECT count(*) FROM t"), [[1]])
    rows(TOKEN, sid, "ROLLBACK")
    eq(committed(), [])
    rows(TOKEN, sid, "BEGIN")
    rows(TOKEN, sid, "INSERT INTO t VALUES (2)")
    rows(TOKEN, sid, "COMMIT")
    eq(committed(), [2])
    # without the header each request is a session of its own, as before
    st, b = sql(TOKEN, None, "BEGIN; INSERT INTO t VALUES (99)")
    eq(st, 200)
    eq(committed(), [2])
    eq(request("DELETE", "/api/sessions/%d" % sid, None, TOKEN)[0], 200)


def test_set_and_temp_persist():
    sid = open_session(TOKEN)
    rows(TOKEN, sid, "SET search_path TO pg_catalog, public")
    eq(rows(TOKEN, sid, "SHOW search_path"), [["pg_catalog, public"]])
    rows(TOKEN, sid, "CREATE TEMP TABLE scratch (x int); INSERT INTO scratch VALUES (7)")
    eq(rows(TOKEN, sid, "SELECT x FROM scratch"), [[7]])
    # another session does not see either
    other = open_session(TOKEN)
    eq(rows(TOKEN, other, "SHOW search_path")[0][0] != "pg_catalog, public", True)
    st, b = sql(TOKEN, other, "SELECT x FROM scratch")
    eq(b["error"]["sqlstate"], "42P01")
    for s in (sid, other):
        eq(request("DELETE", "/api/sessions/%d" % s, None, TOKEN)[0], 200)


def test_one_request_at_a_time():
    sid = open_session(TOKEN)
    out = {}

    def slow():
        out["slow"] = sql(TOKEN, sid, "SELECT pg_sleep(1.5)")
    th = threading.Thread(target=slow)
    th.start()
    wait_for(lambda: any(s["id"] == sid and s["state"] == "active"
                         for s in request("GET", "/api/sessions", None, TOKEN)[1]["sessions"]),
             "the slow request to run")
    st, b, h = sql_with_headers(TOKEN, sid, "SELECT 1")
    eq(st, 409)
    eq(b["error"]["sqlstate"], "55006")
    eq(h.get("x-oxibase-session-busy"), "1")
    # a statement's own 409 (unique violation) carries no such header
    rows(TOKEN, None, "CREATE TABLE u (k int PRIMARY KEY); INSERT INTO u VALUES (1)")
    assert "one request at a time" in b["error"]["detail"], b
    th.join()
    eq(out["slow"][0], 200)
    st, b, h = sql_with_headers(TOKEN, sid, "INSERT INTO u VALUES (1)")
    eq((st, b["error"]["sqlstate"], h.get("x-oxibase-session-busy")), (409, "23505", None))
    # free again once the first is answered
    eq(rows(TOKEN, sid, "SELECT 1"), [[1]])
    eq(request("DELETE", "/api/sessions/%d" % sid, None, TOKEN)[0], 200)


def test_other_role_refused():
    sid = open_session(TOKEN)
    bob = login("bob", "hunter2")
    st, b = sql(bob, sid, "SELECT current_user")
    eq(st, 403)
    eq(b["error"]["sqlstate"], "42501")
    eq(request("DELETE", "/api/sessions/%d" % sid, None, bob)[0], 403)
    # a second token of the owner is fine
    again = login()
    eq(rows(again, sid, "SELECT current_user"), [["tester"]])
    # an unknown id
    st, b = sql(TOKEN, 2147480000, "SELECT 1")
    eq(st, 404)
    eq(b["error"]["sqlstate"], "08003")
    eq(request("DELETE", "/api/sessions/%d" % sid, None, TOKEN)[0], 200)


def test_delete_rolls_back():
    before = committed()
    sid = open_session(TOKEN)
    rows(TOKEN, sid, "BEGIN; INSERT INTO t VALUES (3)")
    st, b = request("DELETE", "/api/sessions/%d" % sid, None, TOKEN)
    eq(st, 200)
    eq(b, {"id": sid, "closed": True})
    eq(committed(), before)
    st, b = sql(TOKEN, sid, "COMMIT")
    eq(st, 404)
    # the rolled-back row lock is gone: others can write
    with pg.cursor() as c:
        c.execute("INSERT INTO t VALUES (4)")
    eq(committed(), before + [4])


def listed(sid):
    return any(s["id"] == sid for s in request("GET", "/api/sessions", None, TOKEN)[1]["sessions"])


def test_listed_in_sessions_and_pg_stat_activity():
    sid = open_session(TOKEN)
    ss = [s for s in request("GET", "/api/sessions", None, TOKEN)[1]["sessions"] if s["id"] == sid]
    eq(len(ss), 1)
    eq((ss[0]["protocol"], ss[0]["user"], ss[0]["state"]), ("http", "tester", "idle"))
    rows(TOKEN, sid, "BEGIN")
    with pg.cursor() as c:
        c.execute("SELECT state FROM pg_stat_activity WHERE pid = %s", (sid,))
        eq(c.fetchall(), [("idle in transaction",)])
    eq(request("DELETE", "/api/sessions/%d" % sid, None, TOKEN)[0], 200)
    assert not listed(sid)


def test_terminated_by_pg_terminate_backend():
    # a statement running in a session that pg_terminate_backend (or
    # /api/sessions/ID/terminate) reaches ends as PostgreSQL's does, with
    # 57P01, not as a plain cancel (57014); the session is gone after
    sid = open_session(TOKEN)
    out = {}
    t = threading.Thread(target=lambda: out.update(r=sql(TOKEN, sid, "SELECT pg_sleep(60)")))
    t.start()

    def sleeping():
        with pg.cursor() as c:
            c.execute("SELECT state FROM pg_stat_activity WHERE pid = %s", (sid,))
            return c.fetchall() == [("active",)]
    wait_for(sleeping, "the session's pg_sleep")
    with pg.cursor() as c:
        c.execute("SELECT pg_terminate_backend(%s)", (sid,))
        eq(c.fetchall(), [(True,)])
    t.join(30)
    assert not t.is_alive(), "the terminated statement still runs"
    st, b = out["r"]
    eq((st, b["error"]["sqlstate"]), (503, "57P01"))
    eq(b["error"]["message"], "terminating connection due to administrator command")
    wait_for(lambda: not listed(sid), "the terminated session to close", 5)
    eq(sql(TOKEN, sid, "SELECT 1")[0], 404)


def test_idle_timeout():
    # the server runs with --http-session-idle-timeout 2
    sid = open_session(TOKEN)
    rows(TOKEN, sid, "SELECT 1")
    time.sleep(1)
    rows(TOKEN, sid, "SELECT 1")  # a request restarts the clock
    time.sleep(1.2)
    assert listed(sid)
    wait_for(lambda: not listed(sid), "the idle session to close", 5)
    st, b = sql(TOKEN, sid, "SELECT 1")
    eq(st, 404)
    assert "idle timeout" in srv.log()


def test_idle_in_transaction_timeout():
    before = committed()
    sid = open_session(TOKEN)
    rows(TOKEN, sid, "SET idle_in_transaction_session_timeout = '500ms'")
    rows(TOKEN, sid, "BEGIN; INSERT INTO t VALUES (5)")
    wait_for(lambda: not listed(sid), "the idle-in-transaction session to close", 1.8)
    eq(committed(), before)


def test_logout_closes_sessions():
    tok = login()
    sid = open_session(tok)
    rows(tok, sid, "BEGIN; INSERT INTO t VALUES (6)")
    before = [v for v in committed() if v != 6]
    eq(request("DELETE", "/api/auth/token", None, tok)[0], 200)
    assert not listed(sid)
    eq(committed(), before)
    # the same id with a live token of the owner: gone
    eq(sql(TOKEN, sid, "SELECT 1")[0], 404)


run_tap(srv, [test_transaction_across_requests, test_set_and_temp_persist, test_one_request_at_a_time,
              test_other_role_refused, test_delete_rolls_back, test_listed_in_sessions_and_pg_stat_activity,
              test_terminated_by_pg_terminate_backend, test_idle_timeout, test_idle_in_transaction_timeout, test_logout_closes_sessions])

#!/usr/bin/env python3
# test-http.py — oxibase-server's HTTP API (docs/server.md, "HTTP API"),
# driven by Python's own HTTP client (http.client, nothing of ours), with
# psycopg2 (libpq) as the PostgreSQL-protocol session that /api/sessions
# lists, cancels and terminates.  Speaks TAP.
#
# Two servers run on free ports (--pg-port 0 --http-port 0, the ports read
# from the log) with temporary data directories: one with the defaults,
# one with a short request timeout and token lifetime.  Both must exit 0
# on SIGTERM.
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

import psycopg2
import psycopg2.errors

SERVER = os.environ["OXIBASE_SERVER"]
tmp = tempfile.mkdtemp(prefix="oxibase-http-test-")


def die_with_parent():
    import ctypes
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


class Server:
    def __init__(self, name, *extra):
        self.data = os.path.join(tmp, name)
        self.logpath = os.path.join(tmp, name + ".log")
        # the superuser alice, no password: connections from this host
        # are trusted over the PostgreSQL protocol; HTTP logins always
        # check the role's password
        subprocess.run([SERVER, "init", self.data, "--superuser", "alice"], check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(self.data, "oxibase.conf"), "a") as f:
            f.write("auth_failure_delay_ms = 300\n")
        self.log = open(self.logpath, "w")
        self.proc = subprocess.Popen([SERVER, self.data, "--pg-port", "0", "--http-port", "0"] + list(extra),
                                     stderr=self.log, preexec_fn=die_with_parent)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            text = self.text()
            pg = re.search(r"LOG:  listening on [^ ]*:(\d+)", text)
            hp = re.search(r"http listening on [^ ]*:(\d+)", text)
            if pg and hp and "ready to accept connections" in text:
                self.pg_port, self.http_port = int(pg.group(1)), int(hp.group(1))
                conn = psycopg2.connect(host="127.0.0.1", port=self.pg_port, user="alice", dbname="oxibase")
                conn.autocommit = True
                cur = conn.cursor()
                cur.execute("ALTER ROLE alice PASSWORD 's3cret'")
                cur.execute("CREATE ROLE bob LOGIN PASSWORD 'hunter2'")
                for r in ["carol", "dave", "erin"]:
                    cur.execute("CREATE ROLE %s LOGIN" % r)
                conn.close()
                return
            time.sleep(0.01)
        sys.stderr.write(self.text())
        self.proc.kill()
        print("Bail out! oxibase-server did not start")
        sys.exit(1)

    def text(self):
        with open(self.logpath, errors="replace") as f:
            return f.read()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=60)
        if rc != 0:
            sys.stderr.write(self.text())
        return rc


def request(srv, method, path, body=None, token=None, headers=None, raw=None):
    """(status, headers, parsed JSON or text)"""
    c = http.client.HTTPConnection("127.0.0.1", srv.http_port, timeout=60)
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    if data is not None:
        h.setdefault("Content-Type", "application/json")
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    text = r.read().decode()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    try:
        return r.status, hdrs, json.loads(text)
    except ValueError:
        return r.status, hdrs, text


def login(srv, user="alice", password="s3cret"):
    st, _, b = request(srv, "POST", "/api/auth/login", {"user": user, "password": password})
    eq(st, 200)
    return b["token"]


def sql(srv, token, text, params=None, headers=None):
    body = {"sql": text}
    if params is not None:
        body["params"] = params
    return request(srv, "POST", "/api/sql", body, token, headers)


def eq(got, want):
    if got != want:
        raise AssertionError("got:\n%r\nwant:\n%r" % (got, want))


def check_error(body, sqlstate):
    e = body["error"]
    eq(sorted(e.keys()), ["detail", "hint", "message", "position", "sqlstate"])
    eq(e["sqlstate"], sqlstate)
    # never a file path or a stack trace
    for v in e.values():
        if isinstance(v, str) and (re.search(r"\.[ch]:\d+", v) or "/work/" in v or "#0 " in v):
            raise AssertionError("internal detail in an error: %r" % v)


srv = Server("main")
TOKEN = None


def test_health_needs_no_token():
    st, h, b = request(srv, "GET", "/health")
    eq(st, 200)
    eq(b["status"], "ok")
    assert re.match(r"\d+\.\d+\.\d+", b["version"]), b
    assert h["content-type"].startswith("application/json"), h


def test_connections_do_not_pile_up():
    # libsoup 3.2 keeps kept-alive connections a client closed while idle
    # (and their descriptors): the server answers one request per
    # connection, so the count of open descriptors stays flat
    def fds():
        return len(os.listdir("/proc/%d/fd" % srv.proc.pid))
    st, h, _ = request(srv, "GET", "/health")
    eq(h.get("connection"), "close")
    before = fds()
    for _ in range(40):
        request(srv, "GET", "/health")
    time.sleep(0.3)
    assert fds() <= before + 3, (before, fds())



def test_silent_connections_are_freed():
    # a client that connects and closes before sending a request (the
    # workstation's polls cut short when a window closes): libsoup 3.2.3
    # keeps an extra reference to every socket it accepts, which the server
    # drops as the connection starts; without that, each leaves a GSocket
    # and its descriptor behind
    def fds():
        return len(os.listdir("/proc/%d/fd" % srv.proc.pid))
    request(srv, "GET", "/health")
    time.sleep(0.2)
    before = fds()
    for _ in range(40):
        s = socket.create_connection(("127.0.0.1", srv.http_port))
        time.sleep(0.01)
        s.close()
    for _ in range(40):
        s = socket.create_connection(("127.0.0.1", srv.http_port))
        s.sendall(b"GET /hea")  # half a request line, then gone
        s.close()
    deadline = time.monotonic() + 5
    while fds() > before + 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert fds() <= before + 3, (before, fds())
    st, _, _ = request(srv, "GET", "/health")
    eq(st, 200)

def test_login_ok_and_bad():
    global TOKEN
    TOKEN = login(srv)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", TOKEN), TOKEN  # 32 bytes, base64url
    st, _, b = request(srv, "POST", "/api/auth/login", {"user": "alice", "password": "s3cret"})
    assert re.match(r"\d{4}-\d\d-\d\dT", b["expires_at"]), b
    assert b["token"] != TOKEN  # fresh random bytes each time
    t0 = time.monotonic()
    st, h, b = request(srv, "POST", "/api/auth/login", {"user": "alice", "password": "wrong"})
    eq(st, 401)
    check_error(b, "28P01")
    assert time.monotonic() - t0 >= 0.25, "a failed login is answered after a fixed delay"
    st, _, b = request(srv, "POST", "/api/auth/login", {"user": "nobody", "password": "s3cret"})
    eq(st, 401)
    # the same answer for a missing role and a wrong password
    eq(b["error"], {"sqlstate": "28P01", "message": 'password authentication failed for user "nobody"',
                    "detail": None, "hint": None, "position": None})
    st, _, b = request(srv, "POST", "/api/auth/login", {"user": "carol", "password": ""})
    eq(st, 401)  # a role without a password cannot log in over HTTP
    st, _, b = request(srv, "POST", "/api/auth/login", {"user": "alice"})
    eq(st, 400)
    # the token is stored only as a hash: it never appears in the log
    assert TOKEN not in srv.text()


def test_no_token_is_401():
    for method, path in [("POST", "/api/sql"), ("GET", "/api/meta/schemas"), ("GET", "/api/sessions"),
                         ("GET", "/metrics"), ("POST", "/api/rpc/public.f"), ("GET", "/api/nowhere")]:
        st, h, b = request(srv, method, path, {"sql": "SELECT 1"})
        eq(st, 401)
        eq(h.get("www-authenticate"), "Bearer")
        check_error(b, "28000")
    st, h, b = request(srv, "POST", "/api/sql", {"sql": "SELECT 1"}, token="x" * 43)
    eq(st, 401)
    assert h["www-authenticate"].startswith("Bearer"), h


def test_revoked_token_is_401():
    t = login(srv, "bob", "hunter2")
    eq(sql(srv, t, "SELECT 1")[0], 200)
    st, _, b = request(srv, "DELETE", "/api/auth/token", token=t)
    eq((st, b), (200, {"revoked": True}))
    st, h, b = sql(srv, t, "SELECT 1")
    eq(st, 401)
    check_error(b, "28000")
    eq(sql(srv, TOKEN, "SELECT 1")[0], 200)  # other tokens live on
    # a request runs as the token's role
    st, _, b = sql(srv, login(srv, "bob", "hunter2"), "SELECT current_user AS u, session_user AS s")
    eq(b["results"][0]["rows"], [["bob", "bob"]])


def test_sql_several_statements():
    st, _, b = sql(srv, TOKEN,
                   "CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(8,2), ok boolean, "
                   "f double precision);\n"
                   "INSERT INTO items VALUES (1, 'apple', 1.25, true, 0.5), (2, NULL, NULL, false, -2);\n"
                   "SELECT id, name, price, ok, f FROM items ORDER BY id;\n"
                   "DROP TABLE IF EXISTS nothing_here")
    eq(st, 200)
    r = b["results"]
    eq(len(r), 4)
    eq((r[0]["command"], r[0]["columns"], r[0]["rows"]), ("CREATE TABLE", [], []))
    eq((r[1]["command"], r[1]["row_count"]), ("INSERT 0 2", 2))
    eq(r[2]["columns"], [{"name": "id", "type": "integer"}, {"name": "name", "type": "text"},
                         {"name": "price", "type": "numeric(8,2)"}, {"name": "ok", "type": "boolean"},
                         {"name": "f", "type": "double precision"}])
    # numbers for integers and floats, numeric as a string, booleans, null
    eq(r[2]["rows"], [[1, "apple", "1.25", True, 0.5], [2, None, None, False, -2]])
    eq((r[2]["row_count"], r[2]["command"]), (2, "SELECT 2"))
    eq(r[3]["command"], "DROP TABLE")
    eq(len(r[3]["notices"]), 1)
    eq(r[3]["notices"][0]["severity"], "NOTICE")
    assert "does not exist, skipping" in r[3]["notices"][0]["message"], r[3]
    assert "error" not in b


def test_sql_params():
    st, _, b = sql(srv, TOKEN, "SELECT $1::int + 1 AS a, $2::text AS b, $3::boolean AS c, $4::numeric * 2 AS d, "
                               "$5::text IS NULL AS e, $6::double precision AS f",
                   [41, "it's \"quoted\" \u00e9", True, "12345678901234567890.5", None, 1.5])
    eq(st, 200)
    eq(b["results"][0]["rows"], [[42, "it's \"quoted\" \u00e9", True, "24691357802469135781.0", True, 1.5]])
    # a parameter is a value, never SQL text
    st, _, b = sql(srv, TOKEN, "SELECT count(*) AS n FROM items WHERE name = $1", ["x' OR '1'='1"])
    eq(b["results"][0]["rows"], [[0]])
    st, _, b = sql(srv, TOKEN, "SELECT $1::int, $2::int", [1])
    eq(st, 400)
    check_error(b, "08P01")


def test_sql_error_with_position():
    text = "SELECT 1 AS one;\nSELECT 2 AS two;\nSELEC 3"
    st, _, b = sql(srv, TOKEN, text)
    eq(st, 400)
    check_error(b, "42601")
    eq(b["error"]["position"], text.index("SELEC 3") + 1)  # characters over the whole text, 1-based
    eq([r["rows"] for r in b["results"]], [[[1]], [[2]]])  # the results before the error
    st, _, b = sql(srv, TOKEN, "SELECT 1; SELECT * FROM no_such_table; SELECT 3")
    eq(st, 404)
    check_error(b, "42P01")
    eq(len(b["results"]), 1)  # it stopped at the error
    st, _, b = sql(srv, TOKEN, "INSERT INTO items VALUES (1, 'dup', 1, true, 1)")
    eq(st, 409)
    check_error(b, "23505")
    st, _, b = sql(srv, TOKEN, "SELECT 1/0")
    eq(st, 400)
    check_error(b, "22012")
    st, _, b = sql(srv, TOKEN, "")
    eq((st, b), (200, {"results": []}))


def test_sql_streams_100k_rows_chunked():
    sql(srv, TOKEN, "CREATE TABLE digits (d int); INSERT INTO digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)")
    q = ("SELECT a.d * 10000 + b.d * 1000 + c.d * 100 + e.d * 10 + f.d AS n, 'row' AS label "
         "FROM digits a, digits b, digits c, digits e, digits f ORDER BY 1")
    c = http.client.HTTPConnection("127.0.0.1", srv.http_port, timeout=120)
    c.request("POST", "/api/sql", body=json.dumps({"sql": q}),
              headers={"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"})
    r = c.getresponse()
    eq(r.status, 200)
    eq(r.getheader("Transfer-Encoding"), "chunked")  # streamed, not built whole
    eq(r.getheader("Content-Length"), None)
    b = json.loads(r.read())
    c.close()
    rows = b["results"][0]["rows"]
    eq(len(rows), 100000)
    eq(rows[0], [0, "row"])
    eq(rows[-1], [99999, "row"])
    eq(b["results"][0]["row_count"], 100000)


def test_error_after_streaming_began():
    q = ("SELECT 10 / (a.d * 10000 + b.d * 1000 + c.d * 100 + e.d * 10 + f.d - 99999) AS x "
         "FROM digits a, digits b, digits c, digits e, digits f")  # scan order: the zero comes last
    st, h, b = sql(srv, TOKEN, "SELECT 1 AS first; " + q)
    eq(st, 200)  # the status went out with the first chunk
    eq(h.get("transfer-encoding"), "chunked")
    check_error(b, "22012")
    eq(b["results"][0]["rows"], [[1]])
    cut = b["results"][1]
    eq(cut["command"], None)
    assert 0 < len(cut["rows"]) == cut["row_count"] < 100000, cut["row_count"]


def test_client_vanishing_mid_stream():
    q = "SELECT a.d FROM digits a, digits b, digits c, digits e, digits f, digits g"
    s = socket.create_connection(("127.0.0.1", srv.http_port))
    body = json.dumps({"sql": q}).encode()
    s.sendall(b"POST /api/sql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN.encode() +
              b"\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    got = s.recv(4096)
    assert got.startswith(b"HTTP/1.1 200"), got
    s.close()
    # the server goes on serving, and the abandoned statement ends
    eq(sql(srv, TOKEN, "SELECT 1")[2]["results"][0]["rows"], [[1]])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        _, _, b = request(srv, "GET", "/api/sessions", token=TOKEN)
        if not [x for x in b["sessions"] if x["protocol"] == "http"]:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the abandoned request's session is still there: %r" % b)


def test_meta():
    st, _, b = sql(srv, TOKEN, """
        CREATE SCHEMA shop;
        CREATE TABLE shop.orders (id int PRIMARY KEY, customer varchar(40) NOT NULL DEFAULT 'anon',
                                  total numeric(10,2) CHECK (total >= 0));
        CREATE INDEX orders_customer ON shop.orders (customer);
        CREATE VIEW shop.big_orders AS SELECT id, total FROM shop.orders WHERE total > 100;
        CREATE FUNCTION shop.add(a int, b int DEFAULT 1) RETURNS int LANGUAGE sql AS $$ SELECT a + b $$;
        CREATE FUNCTION shop.stamp() RETURNS trigger LANGUAGE plsql AS $$ BEGIN RETURN NEW; END $$;
        CREATE TRIGGER orders_stamp BEFORE INSERT ON shop.orders FOR EACH ROW EXECUTE FUNCTION shop.stamp();
        CREATE SEQUENCE shop.order_no;
    """)
    eq(st, 200)
    st, _, b = request(srv, "GET", "/api/meta/schemas", token=TOKEN)
    eq(st, 200)
    eq(b["kind"], "schemas")
    names = [s["name"] for s in b["items"]]
    assert "shop" in names and "public" in names, names
    st, _, b = request(srv, "GET", "/api/meta/shop/tables", token=TOKEN)
    eq(b, {"schema": "shop", "kind": "tables", "items": [{"name": "orders"}]})
    st, _, b = request(srv, "GET", "/api/meta/shop/views", token=TOKEN)
    eq([v["name"] for v in b["items"]], ["big_orders"])
    assert "total > 100" in b["items"][0]["definition"], b
    st, _, b = request(srv, "GET", "/api/meta/shop/routines", token=TOKEN)
    eq([(r["name"], r["kind"]) for r in b["items"]], [("add", "function"), ("stamp", "function")])
    eq(b["items"][0]["arguments"], "a integer, b integer DEFAULT 1")
    eq((b["items"][0]["result"], b["items"][0]["returns_set"], b["items"][0]["language"]), ("integer", False, "sql"))
    st, _, b = request(srv, "GET", "/api/meta/shop/triggers", token=TOKEN)
    eq([(t["name"], t["table"], t["timing"], t["events"]) for t in b["items"]],
       [("orders_stamp", "orders", "BEFORE", "INSERT")])
    st, _, b = request(srv, "GET", "/api/meta/shop/schedules", token=TOKEN)
    eq((st, b["items"]), (200, []))
    st, _, b = request(srv, "GET", "/api/meta/shop/sequences", token=TOKEN)
    eq((st, b["items"]), (200, [{"name": "order_no"}]))
    st, _, b = request(srv, "GET", "/api/meta/shop/tables/orders", token=TOKEN)
    eq(st, 200)
    eq(b["columns"], [
        {"name": "id", "type": "integer", "nullable": False, "default": None, "position": 1},
        {"name": "customer", "type": "character varying(40)", "nullable": False, "default": "'anon'", "position": 2},
        {"name": "total", "type": "numeric(10,2)", "nullable": True, "default": None, "position": 3}])
    eq(sorted((c["name"], c["type"]) for c in b["constraints"]),
       [("orders_pkey", "PRIMARY KEY"), ("orders_total_check", "CHECK")])
    eq(sorted((i["name"], i["unique"], i["constraint"]) for i in b["indexes"]),
       [("orders_customer", False, None), ("orders_pkey", True, "orders_pkey")])
    eq([t["name"] for t in b["triggers"]], ["orders_stamp"])
    assert b["ddl"].startswith("CREATE TABLE shop.orders (\n    id integer NOT NULL,"), b["ddl"]
    assert "CREATE INDEX orders_customer ON shop.orders" in b["ddl"], b["ddl"]
    # the DDL is real: it recreates the table elsewhere
    ddl = b["ddl"].replace("shop.orders", "public.orders_copy").replace("CONSTRAINT orders_", "CONSTRAINT oc_")
    ddl = ddl.replace("INDEX orders_customer", "INDEX oc_customer")
    st, _, r = sql(srv, TOKEN, ddl)
    eq(st, 200)
    # names in the path are percent-decoded
    sql(srv, TOKEN, 'CREATE SCHEMA "Odd Name"; CREATE TABLE "Odd Name"."T 1" (x int)')
    st, _, b = request(srv, "GET", "/api/meta/Odd%20Name/tables/T%201", token=TOKEN)
    eq((st, b["name"], b["ddl"].splitlines()[0]), (200, "T 1", 'CREATE TABLE "Odd Name"."T 1" ('))
    for path, code in [("/api/meta/nope/tables", "3F000"), ("/api/meta/shop/tables/nope", "42P01"),
                       ("/api/meta/shop/widgets", "42704")]:
        st, _, b = request(srv, "GET", path, token=TOKEN)
        eq(st, 404)
        check_error(b, code)


def test_rpc():
    st, _, b = sql(srv, TOKEN, """
        CREATE FUNCTION shop.series(n int) RETURNS TABLE (i int, sq int) LANGUAGE plsql AS $$
        BEGIN FOR k IN 1..n LOOP i := k; sq := k * k; RETURN NEXT; END LOOP; END $$;
        CREATE PROCEDURE shop.swap(INOUT x int, INOUT y int, OUT total int) LANGUAGE plsql AS $$
        BEGIN total := x + y; SELECT y, x INTO x, y; END $$;
        CREATE FUNCTION shop.whoami() RETURNS text LANGUAGE sql AS $$
          SELECT current_setting('request.header.x-request-id') $$;
        CREATE FUNCTION shop.greet(name text) RETURNS text LANGUAGE plsql AS $$
        BEGIN RAISE NOTICE 'greeting %', name; RETURN 'hello ' || name; END $$;
    """)
    eq(st, 200)
    st, _, b = request(srv, "POST", "/api/rpc/shop.add", {"a": 2, "b": 40}, TOKEN)
    eq((st, b["result"], b["type"]), (200, 42, "integer"))
    st, _, b = request(srv, "POST", "/api/rpc/shop.add", {"a": 2}, TOKEN)  # b has a default
    eq(b["result"], 3)
    st, _, b = request(srv, "POST", "/api/rpc/shop.series", {"n": 3}, TOKEN)
    eq(st, 200)
    eq(b["columns"], [{"name": "i", "type": "integer"}, {"name": "sq", "type": "integer"}])
    eq(b["rows"], [[1, 1], [2, 4], [3, 9]])
    st, _, b = request(srv, "POST", "/api/rpc/shop.swap", {"x": 1, "y": 2}, TOKEN)
    eq((st, b["out"]), (200, {"x": 2, "y": 1, "total": 3}))
    st, _, b = request(srv, "POST", "/api/rpc/shop.whoami", {}, TOKEN, {"X-Request-Id": "req-7f3a"})
    eq((st, b["result"]), (200, "req-7f3a"))
    # the bearer token is not among the visible headers
    st, _, b = sql(srv, TOKEN, "SELECT current_setting('request.header.authorization', true) AS a")
    eq(b["results"][0]["rows"], [[None]])
    st, _, b = request(srv, "POST", "/api/rpc/shop.greet", {"name": "x'); DROP TABLE items; --"}, TOKEN)
    eq(b["result"], "hello x'); DROP TABLE items; --")
    eq(b["notices"][0]["message"], "greeting x'); DROP TABLE items; --")
    eq(sql(srv, TOKEN, "SELECT count(*) FROM items")[0], 200)
    st, _, b = request(srv, "POST", "/api/rpc/shop.nothing", {}, TOKEN)
    eq(st, 404)
    check_error(b, "42883")
    st, _, b = request(srv, "POST", "/api/rpc/shop.add", {"zzz": 1}, TOKEN)
    eq(st, 400)
    check_error(b, "42883")
    st, _, b = request(srv, "POST", "/api/rpc/shop.add", {"a": "not a number"}, TOKEN)
    eq(st, 400)
    check_error(b, "22P02")
    st, _, b = request(srv, "POST", "/api/rpc/shop.add", raw=b"[1, 2]", token=TOKEN)
    eq(st, 400)


def test_sessions_cancel_a_libpq_statement():
    conn = psycopg2.connect(host="127.0.0.1", port=srv.pg_port, user="carol", dbname="oxibase",
                            application_name="sleeper")
    conn.autocommit = True
    outcome = {}

    def run():
        try:
            conn.cursor().execute("SELECT pg_sleep(10)")
            outcome["error"] = None
        except Exception as e:  # noqa
            outcome["error"] = e

    t = threading.Thread(target=run)
    t0 = time.monotonic()
    t.start()
    target = None
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and target is None:
        _, _, b = request(srv, "GET", "/api/sessions", token=TOKEN)
        for s in b["sessions"]:
            if s["application_name"] == "sleeper" and s["state"] == "active":
                target = s
        time.sleep(0.02)
    assert target, "the libpq session is not listed"
    eq((target["protocol"], target["user"], target["database"], target["query"]),
       ("pgwire", "carol", "oxibase", "SELECT pg_sleep(10)"))
    assert target["client_addr"].startswith("127.0.0.1:"), target
    assert target["query_start"] >= target["backend_start"], target
    st, _, b = request(srv, "POST", "/api/sessions/%d/cancel" % target["id"], token=TOKEN)
    eq((st, b), (200, {"id": target["id"], "cancelled": True}))
    t.join(20)
    assert time.monotonic() - t0 < 8, "the statement was not cancelled"
    assert isinstance(outcome["error"], psycopg2.errors.QueryCanceled), outcome
    eq(outcome["error"].pgcode, "57014")
    # the connection goes on, idle again
    cur = conn.cursor()
    cur.execute("SELECT 1")
    eq(cur.fetchall(), [(1,)])
    _, _, b = request(srv, "GET", "/api/sessions", token=TOKEN)
    eq([s["state"] for s in b["sessions"] if s["id"] == target["id"]], ["idle"])
    conn.close()
    st, _, b = request(srv, "POST", "/api/sessions/12345/cancel", token=TOKEN)
    eq(st, 404)


def test_sessions_terminate():
    conn = psycopg2.connect(host="127.0.0.1", port=srv.pg_port, user="dave", dbname="oxibase",
                            application_name="doomed")
    cur = conn.cursor()
    cur.execute("SELECT 1")  # opens a transaction block (psycopg2 is not autocommit)
    _, _, b = request(srv, "GET", "/api/sessions", token=TOKEN)
    mine = [s for s in b["sessions"] if s["application_name"] == "doomed"]
    eq(len(mine), 1)
    eq(mine[0]["state"], "idle in transaction")
    st, _, b = request(srv, "POST", "/api/sessions/%d/terminate" % mine[0]["id"], token=TOKEN)
    eq((st, b["terminated"]), (200, True))
    try:
        cur.execute("SELECT 2")
        raise AssertionError("the terminated connection still works")
    except psycopg2.OperationalError as e:
        # libpq shows the FATAL when it reads it before it notices the
        # closed socket, as with PostgreSQL's pg_terminate_backend
        assert "terminating connection" in str(e) or "closed the connection" in str(e), e
    assert "terminating connection due to administrator command (57P01)" in srv.text()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        _, _, b = request(srv, "GET", "/api/sessions", token=TOKEN)
        if not [s for s in b["sessions"] if s["application_name"] == "doomed"]:
            break
        time.sleep(0.02)
    else:
        raise AssertionError("the terminated session is still listed")
    conn.close()


def parse_metrics(text):
    values, types = {}, {}
    for line in text.splitlines():
        if not line:
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            types[name] = kind
            continue
        if line.startswith("#"):
            assert line.startswith("# HELP "), line
            continue
        m = re.fullmatch(r"([a-zA-Z_:][a-zA-Z0-9_:]*) (-?[0-9.eE+-]+|NaN|[+-]Inf)", line)
        assert m, "not Prometheus text format: %r" % line
        values[m.group(1)] = float(m.group(2))
    return values, types


def test_metrics():
    st, h, text = request(srv, "GET", "/metrics", token=TOKEN)
    eq(st, 200)
    assert h["content-type"].startswith("text/plain; version=0.0.4"), h
    before, types = parse_metrics(text)
    for name, kind in [("oxibase_connections", "gauge"), ("oxibase_statements_total", "counter"),
                       ("oxibase_errors_total", "counter"), ("oxibase_commits_total", "counter"),
                       ("oxibase_rollbacks_total", "counter"), ("oxibase_wal_bytes_total", "counter"),
                       ("oxibase_checkpoint_duration_seconds", "summary")]:
        eq(types.get(name), kind)
    assert "oxibase_checkpoint_duration_seconds_sum" in before and "oxibase_checkpoint_duration_seconds_count" in before
    sql(srv, TOKEN, "CREATE TABLE m (x int); INSERT INTO m VALUES (1); BEGIN; INSERT INTO m VALUES (2); ROLLBACK")
    sql(srv, TOKEN, "SELECT 1/0")
    conn = psycopg2.connect(host="127.0.0.1", port=srv.pg_port, user="erin", dbname="oxibase")
    _, _, text = request(srv, "GET", "/metrics", token=TOKEN)
    after, _ = parse_metrics(text)
    assert after["oxibase_statements_total"] >= before["oxibase_statements_total"] + 6, (before, after)
    assert after["oxibase_errors_total"] >= before["oxibase_errors_total"] + 1, (before, after)
    assert after["oxibase_commits_total"] >= before["oxibase_commits_total"] + 2, (before, after)
    assert after["oxibase_rollbacks_total"] >= before["oxibase_rollbacks_total"] + 2, (before, after)
    assert after["oxibase_wal_bytes_total"] > before["oxibase_wal_bytes_total"], (before, after)
    assert after["oxibase_connections"] >= 1, after  # the libpq connection
    conn.close()


def test_body_limits_and_bad_json():
    big = json.dumps({"sql": "SELECT '" + "x" * (1024 * 1024) + "'"}).encode()
    st, _, b = request(srv, "POST", "/api/sql", raw=big, token=TOKEN)
    eq(st, 413)
    check_error(b, "54000")
    # chunked, so no Content-Length announces it
    c = http.client.HTTPConnection("127.0.0.1", srv.http_port, timeout=60)
    c.request("POST", "/api/sql", body=iter([big[i:i + 65536] for i in range(0, len(big), 65536)]),
              headers={"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"},
              encode_chunked=True)
    r = c.getresponse()
    eq(r.status, 413)
    r.read()
    c.close()
    for raw in [b"{\"sql\": ", b"not json", b"[\"SELECT 1\"]", b"{\"sql\": 42}", b"{\"sql\": \"SELECT 1\", \"params\": 5}",
                b"\xff\xfe{}", b"[" * 100000, b""]:
        st, _, b = request(srv, "POST", "/api/sql", raw=raw, token=TOKEN)
        eq(st, 400)
        check_error(b, "22P02")
    st, h, b = request(srv, "GET", "/api/sql", token=TOKEN)
    eq(st, 405)
    eq(h["allow"], "POST")
    st, _, b = request(srv, "GET", "/api/nowhere", token=TOKEN)
    eq(st, 404)
    eq(sql(srv, TOKEN, "SELECT 1")[0], 200)


def test_request_timeout_and_token_expiry():
    s2 = Server("short", "--http-request-timeout", "300", "--http-token-ttl", "1")
    try:
        t = login(s2)
        t0 = time.monotonic()
        st, _, b = sql(s2, t, "SELECT 1 AS before; SELECT pg_sleep(20)")
        assert time.monotonic() - t0 < 10, "the request timeout did not fire"
        eq(st, 503)
        check_error(b, "57014")
        assert "timeout" in b["error"]["message"], b
        eq(b["results"][0]["rows"], [[1]])
        time.sleep(1.2)
        st, _, b = sql(s2, t, "SELECT 1")
        eq(st, 401)  # expired
    finally:
        eq(s2.stop(), 0)


TESTS = [v for k, v in list(globals().items()) if k.startswith("test_")]
print("1..%d" % (len(TESTS) + 1))
failed = 0
for i, t in enumerate(TESTS, 1):
    try:
        t()
        print("ok %d - %s" % (i, t.__name__))
    except Exception:
        failed += 1
        print("not ok %d - %s" % (i, t.__name__))
        for line in traceback.format_exc().splitlines():
            print("# " + line)
rc = srv.stop()
if rc == 0:
    print("ok %d - server exits 0 on SIGTERM" % (len(TESTS) + 1))
else:
    failed += 1
    print("not ok %d - server exits 0 on SIGTERM (exit %r)" % (len(TESTS) + 1, rc))
if failed:
    for line in srv.text().splitlines()[-60:]:
        print("# log: " + line)
shutil.rmtree(tmp, ignore_errors=True)
sys.exit(1 if failed else 0)

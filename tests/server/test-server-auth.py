#!/usr/bin/env python3
# test-server-auth.py — oxibase-server's roles, authentication rules,
# SCRAM-SHA-256, TLS, configuration file and reload, and timeouts, judged
# by libpq (through psycopg2 and psql).  Speaks TAP.
#
# Each test starts its own server (init with a superuser, a configuration
# file written here, --pg-port 0 read back from the log) in a temporary
# directory, and stops it with SIGTERM expecting exit status 0.
# The TLS certificate is made at test time with the openssl CLI.
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

import psycopg2

SERVER = os.environ["OXIBASE_SERVER"]
TMP = tempfile.mkdtemp(prefix="oxibase-auth-test-")
DELAY_MS = 300  # auth_failure_delay_ms in the tests' configurations


def die_with_parent():
    import ctypes
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


class Server:
    n = 0

    def __init__(self, conf_lines, password="sekret", superuser="admin", extra_args=()):
        Server.n += 1
        self.dir = os.path.join(TMP, "s%d" % Server.n)
        os.mkdir(self.dir)
        self.data = os.path.join(self.dir, "data")
        args = [SERVER, "init", self.data, "--superuser", superuser]
        if password is not None:
            pwfile = os.path.join(self.dir, "pw")
            with open(pwfile, "w") as f:
                f.write(password + "\n")
            args += ["--password-file", pwfile]
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        self.conf = os.path.join(self.data, "oxibase.conf")
        if conf_lines is not None:
            self.write_conf(conf_lines)
        self.logpath = os.path.join(self.dir, "server.log")
        self.extra_args = list(extra_args)
        self.start()

    def write_conf(self, lines):
        with open(self.conf, "w") as f:
            f.write("auth_failure_delay_ms = %d\n" % DELAY_MS)
            f.write("\n".join(lines) + "\n")

    def start(self):
        self.log_at = os.path.getsize(self.logpath) if os.path.exists(self.logpath) else 0
        self.logf = open(self.logpath, "a")
        self.proc = subprocess.Popen([SERVER, self.data, "--pg-port", "0", "--http-port", "0"] + self.extra_args,
                                     stderr=self.logf, preexec_fn=die_with_parent)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            log = self.log()[self.log_at:]
            m = re.search(r"listening on [^ ]*:(\d+)", log)
            if m and "ready to accept connections" in log:
                self.port = int(m.group(1))
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.01)
        sys.stderr.write(self.log())
        raise AssertionError("oxibase-server did not start")

    def log(self):
        with open(self.logpath) as f:
            return f.read()

    def wait_log(self, text, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log():
                return
            time.sleep(0.02)
        sys.stderr.write(self.log())
        raise AssertionError("no %r in the server log" % text)

    def connect(self, user="admin", password=None, dbname="oxibase", sslmode="disable", **kw):
        args = dict(host="127.0.0.1", port=self.port, user=user, dbname=dbname, sslmode=sslmode,
                    connect_timeout=10)
        if password is not None:
            args["password"] = password
        args.update(kw)
        c = psycopg2.connect(**args)
        c.autocommit = True
        return c

    def connect_error(self, **kw):
        try:
            c = self.connect(**kw)
        except psycopg2.OperationalError as e:
            return str(e)
        c.close()
        raise AssertionError("connection succeeded: %r" % kw)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=30)
        self.logf.close()
        if rc != 0:
            sys.stderr.write(self.log())
            raise AssertionError("oxibase-server exited with %d after SIGTERM" % rc)


LOCAL_SCRAM = ["hba = host all all 127.0.0.1/32 scram-sha-256"]


def query(conn, sql, args=None):
    with conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall() if cur.description else None


def expect_sqlstate(conn, sql, state, message=None):
    try:
        query(conn, sql)
    except psycopg2.Error as e:
        assert e.pgcode == state, (sql, e.pgcode, e.pgerror)
        if message:
            assert message in e.pgerror, (sql, e.pgerror)
        return
    raise AssertionError("%s: succeeded, expected %s" % (sql, state))


def fatal_line(err):
    # libpq prefixes every attempt with 'connection to server at ... failed:'
    m = re.search(r"FATAL:\s+(.*)", err)
    assert m, err
    return m.group(1).strip()


def test_scram_passwords():
    s = Server(LOCAL_SCRAM)
    try:
        c = s.connect(password="sekret")
        assert query(c, "SELECT current_user, session_user") == [("admin", "admin")]
        query(c, "CREATE ROLE alice LOGIN PASSWORD 'wonder'")
        query(c, "CREATE ROLE locked NOLOGIN PASSWORD 'pw'")
        query(c, "CREATE ROLE old LOGIN PASSWORD 'pw' VALID UNTIL '2001-01-01'")
        query(c, "CREATE ROLE nopw LOGIN")
        # the verifier is PostgreSQL's format, with a fresh salt
        (v,), = query(c, "SELECT rolpassword FROM pg_authid WHERE rolname = 'alice'")
        assert re.fullmatch(r"SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}", v), v
        c.close()

        a = s.connect(user="alice", password="wonder")
        assert query(a, "SELECT current_user") == [("alice",)]
        a.close()

        t0 = time.monotonic()
        wrong = fatal_line(s.connect_error(user="alice", password="nope"))
        elapsed = time.monotonic() - t0
        assert wrong == 'password authentication failed for user "alice"', wrong
        assert elapsed >= DELAY_MS / 1000.0, elapsed
        # a missing role, an expired password, no password: the same answer
        for user, pw in (("ghost", "wonder"), ("old", "pw"), ("nopw", "x")):
            msg = fatal_line(s.connect_error(user=user, password=pw))
            assert msg == 'password authentication failed for user "%s"' % user, msg
        # NOLOGIN with the right password: PostgreSQL's 28000
        msg = fatal_line(s.connect_error(user="locked", password="pw"))
        assert msg == 'role "locked" is not permitted to log in', msg
        # the reasons are in the server's log only
        log = s.log()
        assert 'Role "ghost" does not exist.' in log
        assert 'User "old" has an expired password.' in log
        assert 'Password does not match for user "alice".' in log
        # psql with the password from the environment
        env = dict(os.environ, PGPASSWORD="wonder", PGCONNECT_TIMEOUT="10")
        r = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(s.port), "-U", "alice", "-d", "oxibase", "-X",
                            "-At", "-c", "SELECT session_user"], capture_output=True, text=True, env=env,
                           timeout=60)
        assert r.returncode == 0 and r.stdout.strip() == "alice", (r.stdout, r.stderr)
    finally:
        s.stop()


def test_role_ddl_errors_and_restart():
    s = Server(LOCAL_SCRAM)
    try:
        c = s.connect(password="sekret")
        query(c, "CREATE USER bob PASSWORD 'b1' CREATEDB")
        query(c, "CREATE ROLE carol")
        query(c, "ALTER ROLE carol RENAME TO caroline")
        expect_sqlstate(c, "CREATE ROLE bob", "42710", 'role "bob" already exists')
        expect_sqlstate(c, "DROP ROLE nobody", "42704", 'role "nobody" does not exist')
        expect_sqlstate(c, "DROP ROLE admin", "55006", "current user cannot be dropped")
        b = s.connect(user="bob", password="b1")
        expect_sqlstate(b, "CREATE ROLE x", "42501", "permission denied to create role")
        expect_sqlstate(b, "DROP ROLE caroline", "42501", "permission denied to drop role")
        expect_sqlstate(b, "SELECT * FROM pg_authid", "42501")
        expect_sqlstate(b, "SET ROLE admin", "42501", 'permission denied to set role "admin"')
        query(b, "ALTER ROLE bob PASSWORD 'b2'")  # one's own password
        b.close()
        query(c, "SET ROLE bob")
        assert query(c, "SELECT current_user, session_user") == [("bob", "admin")]
        query(c, "RESET ROLE")
        c.close()
    finally:
        s.stop()
    # roles and their passwords survive a restart
    s.start()
    try:
        b = s.connect(user="bob", password="b2")
        rows = query(b, "SELECT rolname, rolcanlogin, rolcreatedb FROM pg_roles "
                        "WHERE rolname IN ('bob', 'caroline') ORDER BY 1")
        assert rows == [("bob", True, True), ("caroline", False, False)], rows
        b.close()
        msg = fatal_line(s.connect_error(user="bob", password="b1"))
        assert msg == 'password authentication failed for user "bob"', msg
    finally:
        s.stop()


def test_hba_rules():
    s = Server(["hba = host all rejected 127.0.0.1/32 reject",
                "hba = host all trusted,also 127.0.0.1/32 trust",
                "hba = host oxibase all 127.0.0.1/32 scram-sha-256"])
    try:
        c = s.connect(password="sekret")
        query(c, "CREATE ROLE rejected LOGIN PASSWORD 'r'; CREATE ROLE trusted LOGIN; CREATE ROLE also LOGIN")
        c.close()
        msg = fatal_line(s.connect_error(user="rejected", password="r"))
        assert msg == ('pg_hba.conf rejects connection for host "127.0.0.1", user "rejected", '
                       'database "oxibase", no encryption'), msg
        t = s.connect(user="trusted")
        assert query(t, "SELECT current_user") == [("trusted",)]
        t.close()
        s.connect(user="also").close()
        # no rule for another database (checked before the database exists)
        msg = fatal_line(s.connect_error(user="admin", password="sekret", dbname="other"))
        assert msg == ('no pg_hba.conf entry for host "127.0.0.1", user "admin", database "other", '
                       'no encryption'), msg
        # trust for a missing role: PostgreSQL's 28000
        s.write_conf(["hba = host all all all trust"])
        s.proc.send_signal(signal.SIGHUP)
        s.wait_log("reloaded")
        msg = fatal_line(s.connect_error(user="ghost"))
        assert msg == 'role "ghost" does not exist', msg
        # a missing database after authentication: 3D000
        msg = fatal_line(s.connect_error(user="admin", dbname="nope"))
        assert msg == 'database "nope" does not exist', msg
    finally:
        s.stop()


def test_reload():
    s = Server(["hba = host all admin 127.0.0.1/32 trust", "hba = host all all 127.0.0.1/32 scram-sha-256"])
    try:
        c = s.connect()
        query(c, "CREATE ROLE dave LOGIN PASSWORD 'd'")
        c.close()
        s.connect(user="dave", password="d").close()
        # a rule changes: dave is rejected from now on; a live connection stays
        live = s.connect()
        s.write_conf(["hba = host all dave 127.0.0.1/32 reject", "hba = host all all 127.0.0.1/32 trust",
                      "log_level = log", "max_connections = 7"])
        s.proc.send_signal(signal.SIGHUP)
        s.wait_log("received SIGHUP, reloaded")
        assert "max_connections changed in the configuration file; it takes effect at the next restart" in s.log()
        msg = fatal_line(s.connect_error(user="dave", password="d"))
        assert msg.startswith("pg_hba.conf rejects connection"), msg
        assert query(live, "SELECT 1") == [(1,)]
        live.close()
        # a configuration with errors is refused and the old one kept
        with open(s.conf, "a") as f:
            f.write("bogus_key = 1\n")
        s.proc.send_signal(signal.SIGHUP)
        s.wait_log("configuration file contains errors")
        assert 'unknown configuration key "bogus_key"' in s.log()
        msg = fatal_line(s.connect_error(user="dave", password="d"))
        assert msg.startswith("pg_hba.conf rejects connection"), msg
        s.connect().close()
    finally:
        s.stop()


def test_config_errors_at_start():
    d = os.path.join(TMP, "bad")
    subprocess.run([SERVER, "init", d], check=True, stdout=subprocess.DEVNULL)
    cases = [("bogus = 1", 'unknown configuration key "bogus"'),
             ("hba = host all all 127.0.0.1/32 md5", 'invalid authentication method "md5"'),
             ("hba = local all all trust", "hba rule needs 5 fields"),
             ("hba = host all all 300.1.1.1/8 trust", 'invalid address "300.1.1.1/8"'),
             ("pg_port = 70000", 'invalid pg_port "70000"'),
             ("statement_timeout = soon", 'invalid statement_timeout "soon"'),
             ("tls_cert = x.pem", "tls_cert and tls_key must be set together"),
             ("just words", 'expected "key = value"')]
    conf = os.path.join(d, "oxibase.conf")
    for line, msg in cases:
        with open(conf, "w") as f:
            f.write("# comment\n" + line + "\n")
        r = subprocess.run([SERVER, d, "--pg-port", "0", "--http-port", "0"], capture_output=True, text=True, timeout=30)
        assert r.returncode == 1, (line, r.returncode, r.stderr)
        assert msg in r.stderr and "oxibase.conf:2:" in r.stderr, (line, r.stderr)
    # a missing --config file
    r = subprocess.run([SERVER, d, "--config", os.path.join(d, "nope.conf")], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 1 and "nope.conf" in r.stderr, r.stderr
    # init: no password file -> trust on loopback; an empty password file is refused
    with open(os.path.join(TMP, "empty"), "w"):
        pass
    r = subprocess.run([SERVER, "init", os.path.join(TMP, "e"), "--password-file", os.path.join(TMP, "empty")],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "empty" in r.stderr, r.stderr
    with open(os.path.join(TMP, "s-trust.conf"), "w") as f:
        pass
    d2 = os.path.join(TMP, "trustdir")
    subprocess.run([SERVER, "init", d2, "--superuser", "boss"], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(d2, "oxibase.conf")) as f:
        text = f.read()
    assert "hba = host all all 127.0.0.1/32 trust" in text, text


def make_cert(d):
    cert, key = os.path.join(d, "server.crt"), os.path.join(d, "server.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=localhost"], check=True, capture_output=True)
    return cert, key


def test_tls():
    d = os.path.join(TMP, "certs")
    os.mkdir(d)
    cert, key = make_cert(d)
    s = Server(["tls_cert = " + cert, "tls_key = " + key,
                "hba = hostssl all sslonly 127.0.0.1/32 trust",
                "hba = hostnossl all plainonly 127.0.0.1/32 trust",
                "hba = host all admin 127.0.0.1/32 scram-sha-256"])
    try:
        c = s.connect(password="sekret", sslmode="require")
        query(c, "CREATE ROLE sslonly LOGIN; CREATE ROLE plainonly LOGIN")
        assert c.info.ssl_in_use if hasattr(c, "info") else True
        c.close()
        c = s.connect(user="sslonly", sslmode="require")
        assert query(c, "SELECT current_user") == [("sslonly",)]
        c.close()
        msg = fatal_line(s.connect_error(user="sslonly", sslmode="disable"))
        assert msg == ('no pg_hba.conf entry for host "127.0.0.1", user "sslonly", database "oxibase", '
                       'no encryption'), msg
        msg = fatal_line(s.connect_error(user="plainonly", sslmode="require"))
        assert msg == ('no pg_hba.conf entry for host "127.0.0.1", user "plainonly", database "oxibase", '
                       'SSL encryption'), msg
        s.connect(user="plainonly", sslmode="disable").close()
        # SCRAM over TLS, and a wrong password over TLS
        s.connect(password="sekret", sslmode="require").close()
        msg = fatal_line(s.connect_error(password="wrong", sslmode="require"))
        assert msg == 'password authentication failed for user "admin"', msg
        assert "SSL enabled" in s.log()
    finally:
        s.stop()
    # a server without a certificate refuses SSLRequest ('N')
    s = Server(LOCAL_SCRAM)
    try:
        err = s.connect_error(password="sekret", sslmode="require")
        assert "server does not support SSL" in err, err
        s.connect(password="sekret", sslmode="prefer").close()
    finally:
        s.stop()


def test_timeouts():
    s = Server(LOCAL_SCRAM + ["statement_timeout = 300ms", "idle_in_transaction_session_timeout = 400ms"])
    try:
        c = s.connect(password="sekret")
        assert query(c, "SHOW statement_timeout") == [("300",)]
        t0 = time.monotonic()
        expect_sqlstate(c, "DO $$ BEGIN LOOP END LOOP; END $$", "57014",
                        "canceling statement due to statement timeout")
        assert time.monotonic() - t0 < 10
        # SET overrides the configuration for the session
        query(c, "SET statement_timeout = 0")
        query(c, "SET idle_in_transaction_session_timeout = '2s'")
        query(c, "BEGIN")
        time.sleep(0.8)
        assert query(c, "SELECT 1") == [(1,)]  # 2 s not yet over
        query(c, "COMMIT")
        c.close()
        # idle in a transaction past the configured limit: FATAL 25P03
        c = s.connect(password="sekret")
        query(c, "BEGIN")
        time.sleep(1.0)
        try:
            query(c, "SELECT 1")
            raise AssertionError("the idle transaction's connection survived")
        except (psycopg2.OperationalError, psycopg2.InterfaceError) as e:
            pass
        s.wait_log("terminating connection due to idle-in-transaction timeout")
        # idle outside a transaction is fine
        c = s.connect(password="sekret")
        time.sleep(0.8)
        assert query(c, "SELECT 2") == [(2,)]
        c.close()
    finally:
        s.stop()


def test_databases():
    s = Server(["hba = host all all 127.0.0.1/32 trust"], password=None)
    try:
        c = s.connect()
        query(c, "CREATE DATABASE shop")
        expect_sqlstate(c, "CREATE DATABASE shop", "42P04", 'database "shop" already exists')
        c.autocommit = False
        expect_sqlstate(c, "CREATE DATABASE inblock", "25001", "CREATE DATABASE cannot run inside a transaction block")
        c.rollback()
        c.autocommit = True
        query(c, "CREATE ROLE clerk LOGIN")
        query(c, "CREATE ROLE boss LOGIN CREATEDB")
        # psql's \l (its PostgreSQL 15 query) lists both
        r = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(s.port), "-U", "admin", "-d", "oxibase", "-X",
                            "-A", "-c", "\\l"], capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, PGCONNECT_TIMEOUT="10"))
        assert r.returncode == 0, r.stderr
        lines = r.stdout.splitlines()
        assert lines[0] == "List of databases", lines
        assert lines[2].startswith("oxibase|admin|UTF8|C|C|") and lines[3].startswith("shop|admin|UTF8|"), lines
        # the new database is a database of its own; roles are shared
        sh = s.connect(user="clerk", dbname="shop")
        assert query(sh, "SELECT current_database(), current_user") == [("shop", "clerk")]
        query(sh, "CREATE TABLE t (a int); INSERT INTO t VALUES (42)")
        expect_sqlstate(sh, "CREATE ROLE other", "0A000", 'roles are kept in the database "oxibase"')
        expect_sqlstate(sh, "CREATE DATABASE x", "42501", "permission denied to create database")
        b = s.connect(user="boss")
        query(b, "CREATE DATABASE bosses")
        expect_sqlstate(b, "DROP DATABASE bosses", "42501", "must be owner of database bosses")
        b.close()
        expect_sqlstate(c, "DROP DATABASE shop", "55006", 'database "shop" is being accessed by other users')
        expect_sqlstate(c, "DROP DATABASE oxibase", "55006", "cannot drop the currently open database")
        expect_sqlstate(c, "DROP DATABASE nope", "3D000", 'database "nope" does not exist')
        query(c, "DROP DATABASE IF EXISTS nope")
        assert any("does not exist, skipping" in n for n in c.notices), c.notices
        sh.close()
        c.close()
    finally:
        s.stop()
    # databases and their data survive a restart
    s.start()
    try:
        sh = s.connect(dbname="shop")
        assert query(sh, "SELECT a FROM t") == [(42,)]
        sh.close()
        c = s.connect()
        names = [r[0] for r in query(c, "SELECT datname FROM pg_database ORDER BY 1")]
        assert names == ["bosses", "oxibase", "shop"], names
        query(c, "DROP DATABASE shop")
        c.close()
        msg = fatal_line(s.connect_error(dbname="shop"))
        assert msg == 'database "shop" does not exist', msg
        assert not os.path.exists(os.path.join(s.data, "shop"))
    finally:
        s.stop()


TESTS = [test_scram_passwords, test_role_ddl_errors_and_restart, test_hba_rules, test_reload,
         test_config_errors_at_start, test_tls, test_timeouts, test_databases]

print("1..%d" % len(TESTS))
failed = 0
for i, t in enumerate(TESTS, 1):
    try:
        t()
        print("ok %d %s" % (i, t.__name__))
    except Exception:
        failed += 1
        print("not ok %d %s" % (i, t.__name__))
        for line in traceback.format_exc().splitlines():
            print("# " + line)
    sys.stdout.flush()
shutil.rmtree(TMP, ignore_errors=True)
sys.exit(1 if failed else 0)

#!/usr/bin/env python3
# test-pgwire-drivers.py — oxibase-server judged by two drivers that do
# not use libpq: node-postgres (npm pg, installed by ./dev.sh setup into
# tests/server/node/node_modules from its package-lock.json) and the
# PostgreSQL JDBC driver (Debian's libpostgresql-jdbc-java, with the JDK
# compiling tests/server/jdbc/JdbcClient.java at test time).  Each client
# program connects, runs parameterised queries and checks the answers
# itself (both pass against PostgreSQL 15 too).  Speaks TAP; a test is
# skipped only when its runtime (node, javac, the driver jar) is absent.
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oxserver import Server, Skip, run_tap  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
JDBC_JAR = "/usr/share/java/postgresql.jar"
server = Server("oxibase-drivers-test-")


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)
    if r.returncode != 0:
        raise AssertionError("%s exited %d\nstdout:\n%s\nstderr:\n%s" % (cmd[0], r.returncode, r.stdout, r.stderr))
    return r


def test_node_postgres():
    node = shutil.which("node")
    if not node:
        raise Skip("node is not installed")
    modules = os.path.join(HERE, "node", "node_modules", "pg")
    if not os.path.isdir(modules):
        raise AssertionError("%s is missing: run ./dev.sh setup (npm ci in tests/server/node)" % modules)
    r = run([node, os.path.join(HERE, "node", "pg-client.js")], env=server.env())
    if "all checks passed" not in r.stdout:
        raise AssertionError(r.stdout)


def test_jdbc():
    javac, java = shutil.which("javac"), shutil.which("java")
    if not javac or not java:
        raise Skip("no JDK (javac, java): Debian's default-jdk-headless")
    if not os.path.exists(JDBC_JAR):
        raise Skip("%s is missing: Debian's libpostgresql-jdbc-java" % JDBC_JAR)
    out = tempfile.mkdtemp(prefix="oxibase-jdbc-")
    try:
        run([javac, "-d", out, "-cp", JDBC_JAR, os.path.join(HERE, "jdbc", "JdbcClient.java")])
        url = "jdbc:postgresql://127.0.0.1:%d/oxibase" % server.port
        r = run([java, "-cp", out + os.pathsep + JDBC_JAR, "JdbcClient", url, "tester"])
        if "all checks passed" not in r.stdout:
            raise AssertionError(r.stdout)
    finally:
        shutil.rmtree(out, ignore_errors=True)


run_tap(server, [test_node_postgres, test_jdbc])

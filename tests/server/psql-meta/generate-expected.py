#!/usr/bin/python3
"""generate-expected.py — write expected.out, the output PostgreSQL 15's
psql prints for each meta-command of `commands` over schema.sql, which
test-psql-meta.py compares oxibase-server's with.

    tests/server/psql-meta/generate-expected.py [--host H] [--port P]

Point it at a scratch PostgreSQL 15 server (trust authentication, a
superuser "postgres"): it gives the role "oxibase" our one role's
attributes and DROPs and re-creates the database "oxibase" (C locale,
UTF8) owned by it, loads schema.sql as oxibase, then runs each command
as oxibase with the psql on PATH (it must be psql 15, as in the test).

Normalised, because the two systems must differ there:
  - \\du without a pattern: the row of PostgreSQL's bootstrap superuser
    "postgres" is dropped (Oxibase has one role, oxibase; \\du oxibase
    is compared unchanged).
Nothing else is changed: owners are "oxibase" on both sides.
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def psql(args, host, port, user, db, inp=None, check=True):
    cmd = ["psql", "-X", "-h", host, "-p", str(port), "-U", user, "-d", db] + args
    env = dict(os.environ, PGTZ="UTC", PGCONNECT_TIMEOUT="10")
    r = subprocess.run(cmd, input=inp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    if check and r.returncode != 0:
        sys.exit("psql %s failed:\n%s" % (" ".join(args), r.stdout))
    return r


def commands():
    with open(os.path.join(HERE, "commands")) as f:
        return [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")]


def normalise(cmd, out):
    if cmd == "\\du":
        out = "".join(l for l in out.splitlines(True) if not l.startswith(" postgres "))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", default="5432")
    a = ap.parse_args()
    v = psql(["-At", "-c", "SHOW server_version_num"], a.host, a.port, "postgres", "postgres").stdout.strip()
    if not v.startswith("15"):
        sys.exit("need PostgreSQL 15, the server is %s" % v)
    setup = ("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'oxibase') THEN "
             "CREATE ROLE oxibase; END IF; END $$;\n"
             "ALTER ROLE oxibase LOGIN SUPERUSER CREATEROLE CREATEDB REPLICATION BYPASSRLS;\n"
             "DROP DATABASE IF EXISTS oxibase;\n"
             "CREATE DATABASE oxibase OWNER oxibase TEMPLATE template0 ENCODING 'UTF8' "
             "LC_COLLATE 'C' LC_CTYPE 'C';\n")
    psql(["-q", "-v", "ON_ERROR_STOP=1", "-f", "-"], a.host, a.port, "postgres", "postgres", inp=setup)
    psql(["-q", "-v", "ON_ERROR_STOP=1", "-f", os.path.join(HERE, "schema.sql")], a.host, a.port,
         "oxibase", "oxibase")
    with open(os.path.join(HERE, "expected.out"), "w") as f:
        for cmd in commands():
            r = psql(["-c", cmd], a.host, a.port, "oxibase", "oxibase", check=False)
            f.write("=== %s\n%s" % (cmd, normalise(cmd, r.stdout)))
    print("wrote %s" % os.path.join(HERE, "expected.out"))


main()

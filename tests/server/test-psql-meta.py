#!/usr/bin/env python3
# test-psql-meta.py — psql's meta-commands (\l \dn \dt \d \d NAME \di \dv
# \df \du ...) against oxibase-server, each compared with what psql
# printed against PostgreSQL 15 over the same schema: psql-meta/expected.out,
# written by psql-meta/generate-expected.py (which says what it normalises:
# only PostgreSQL's bootstrap role in \du).  Speaks TAP, one test a command.
#
# The schema (psql-meta/schema.sql) has what Oxibase can create today: a
# table with a primary key, unique and check constraints, defaults, a
# two-column index and a trigger, a table in another schema, a view,
# functions and a procedure, a sequence, a table with a serial column and
# one with an identity column (\ds, \d of the sequences with "Owned by").  Not there yet: foreign
# keys; \du must show our one role exactly as PostgreSQL shows a role with
# its attributes.
#
# What can go wrong: psql refuses to run against a server whose version it
# does not know, or one of its catalog queries fails (the test prints the
# error psql got); the server must start within 20 s and exit 0 on SIGTERM.
import difflib
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oxserver import Server  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
META = os.path.join(HERE, "psql-meta")
# the bootstrap superuser keeps its name, oxibase: the owner names in
# expected.out are generate-expected.py's role oxibase
server = Server("oxibase-psql-meta-", superuser=None)


def psql(args, inp=None):
    # as generate-expected.py runs it: -X, user and database oxibase,
    # stdout and stderr interleaved as a terminal shows them
    cmd = ["psql", "-X", "-h", "127.0.0.1", "-p", str(server.port), "-U", "oxibase", "-d", "oxibase"] + args
    env = dict(os.environ, PGTZ="UTC", PGCONNECT_TIMEOUT="10")
    env.pop("PSQLRC", None)
    return subprocess.run(cmd, input=inp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=60, env=env)


def expected():
    with open(os.path.join(META, "expected.out")) as f:
        text = f.read()
    out = []
    for part in re.split(r"^=== ", text, flags=re.M)[1:]:
        cmd, _, body = part.partition("\n")
        out.append((cmd, body))
    return out


failed = 0
r = psql(["-q", "-v", "ON_ERROR_STOP=1", "-f", os.path.join(META, "schema.sql")])
if r.returncode != 0:
    print("Bail out! schema.sql failed:")
    for line in r.stdout.splitlines():
        print("# " + line)
    server.stop()
    sys.exit(1)

cases = expected()
print("1..%d" % len(cases))
for i, (cmd, want) in enumerate(cases, 1):
    got = psql(["-c", cmd]).stdout
    if got == want:
        print("ok %d %s" % (i, cmd))
    else:
        failed += 1
        print("not ok %d %s" % (i, cmd))
        for line in difflib.unified_diff(want.splitlines(), got.splitlines(), "PostgreSQL 15", "oxibase",
                                         lineterm=""):
            print("# " + line)
    sys.stdout.flush()

failed += server.stop()
sys.exit(1 if failed else 0)

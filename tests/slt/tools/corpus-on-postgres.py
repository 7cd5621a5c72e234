#!/usr/bin/python3
"""corpus-on-postgres.py — run sqllogictest files against PostgreSQL 15.

Usage: corpus-on-postgres.py [--dsn DSN] FILE...

Runs each file in a fresh scratch database on a PostgreSQL server (default
DSN: host=127.0.0.1 port=5432 user=postgres) with the same record semantics
as our runner (tests/slt/slt-format.c): identify as "postgresql" for
skipif/onlyif, format I/R/T values as the reference sqllogictest does, sort
with rowsort/valuesort, compare MD5 hashes above the hash threshold.

It prints one line per record PostgreSQL fails, in the format of
tests/slt/corpus-xfail.txt ("evidence/in1.test:279  # <error>"), and a
summary per file.  This is how the xfail list was made: a record may be
listed only if PostgreSQL 15 fails it too, i.e. it uses SQLite-only syntax.

NOTE: PostgreSQL is the judge here, so this script must stay independent of
our engine; it shares no code with the C runner on purpose.
"""

import hashlib
import os
import re
import sys

import psycopg2

NAME = "postgresql"


def parse_records(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        lines = f.read().replace("\r\n", "\n").split("\n")
    recs = []
    i = 0
    skipif, onlyif = [], []
    while i < len(lines):
        line = lines[i].rstrip()
        if not line or line.startswith("#"):
            if not line:
                skipif, onlyif = [], []
            i += 1
            continue
        words = line.split()
        if words[0] == "skipif":
            skipif.append(words[1])
            i += 1
            continue
        if words[0] == "onlyif":
            onlyif.append(words[1])
            i += 1
            continue
        if words[0] in ("hash-threshold",):
            recs.append({"kind": "hash", "n": int(words[1]), "line": i + 1})
            i += 1
            continue
        if words[0] == "halt":
            recs.append({"kind": "halt", "line": i + 1, "skipif": skipif, "onlyif": onlyif})
            skipif, onlyif = [], []
            i += 1
            continue
        if words[0] in ("statement", "query"):
            rec = {"kind": words[0], "line": i + 1, "skipif": skipif, "onlyif": onlyif, "words": words}
            skipif, onlyif = [], []
            i += 1
            sql = []
            while i < len(lines) and lines[i].strip() and lines[i].rstrip() != "----":
                sql.append(lines[i])
                i += 1
            rec["sql"] = "\n".join(sql)
            exp = None
            if i < len(lines) and lines[i].rstrip() == "----":
                i += 1
                exp = []
                while i < len(lines) and lines[i].strip():
                    exp.append(lines[i].rstrip())
                    i += 1
            rec["expected"] = exp
            recs.append(rec)
            continue
        i += 1
    return recs


def applies(rec):
    if NAME in rec.get("skipif", []):
        return False
    only = rec.get("onlyif", [])
    if only and NAME not in only:
        return False
    return True


def fmt(value, t):
    if value is None:
        return "NULL"
    if t == "I":
        if isinstance(value, bool):
            return "1" if value else "0"
        try:
            return "%d" % int(float(value))
        except (TypeError, ValueError):
            return "0"
    if t == "R":
        try:
            return "%.3f" % float(value)
        except (TypeError, ValueError):
            return "0.000"
    s = value if isinstance(value, str) else ("t" if value is True else "f" if value is False else str(value))
    if s == "":
        return "(empty)"
    return "".join(c if " " <= c <= "~" else "@" for c in s)


def run_file(dsn, path, out):
    base = "/".join(os.path.abspath(path).split("/")[-2:])
    if not base.startswith("evidence/"):
        base = os.path.basename(path)
    admin = psycopg2.connect(dsn)
    admin.autocommit = True
    cur = admin.cursor()
    cur.execute("DROP DATABASE IF EXISTS slt_scratch")
    cur.execute("CREATE DATABASE slt_scratch")
    conn = psycopg2.connect(dsn + " dbname=slt_scratch")
    conn.autocommit = True
    c = conn.cursor()
    threshold = 0
    passed = failed = skipped = 0
    for rec in parse_records(path):
        if rec["kind"] == "hash":
            threshold = rec["n"]
            continue
        if rec["kind"] == "halt":
            if applies(rec):
                break
            continue
        if not applies(rec):
            skipped += 1
            continue
        words = rec["words"]
        expect_error = len(words) > 1 and words[1] == "error"
        why = None
        try:
            c.execute(rec["sql"])
            rows = c.fetchall() if c.description else []
        except psycopg2.Error as e:
            rows = None
            err = (e.pgcode or "") + " " + str(e).splitlines()[0]
        if rec["kind"] == "statement":
            if expect_error and rows is not None:
                why = "expected an error"
            elif not expect_error and rows is None:
                why = err
        else:
            if expect_error:
                if rows is not None:
                    why = "expected an error"
            elif rows is None:
                why = err
            else:
                types = words[1]
                sort = words[2] if len(words) > 2 else "nosort"
                vals = [[fmt(v, types[k] if k < len(types) else "T") for k, v in enumerate(r)] for r in rows]
                if sort == "rowsort":
                    vals.sort()
                flat = [v for r in vals for v in r]
                if sort == "valuesort":
                    flat.sort()
                exp = rec["expected"] or []
                if len(exp) == 1 and re.match(r"^\d+ values hashing to [0-9a-f]{32}$", exp[0]):
                    n, _, _, _, h = exp[0].split()
                    got = hashlib.md5("".join(v + "\n" for v in flat).encode()).hexdigest()
                    if int(n) != len(flat) or h != got:
                        why = "hash mismatch"
                elif threshold and len(flat) > threshold:
                    why = "more values than the hash threshold but no hash"
                else:
                    expflat = exp
                    if len(exp) == len(vals) and vals and len(vals[0]) > 1 and len(exp) != len(flat):
                        expflat = [v for line in exp for v in line.split(" ")]
                    if expflat != flat:
                        why = "wrong result"
        if why:
            failed += 1
            out.write("%s:%d  # %s\n" % (base, rec["line"], why.replace("\n", " ")))
        else:
            passed += 1
    conn.close()
    cur.execute("DROP DATABASE IF EXISTS slt_scratch")
    admin.close()
    sys.stderr.write("%s: %d passed, %d failed, %d skipped\n" % (path, passed, failed, skipped))
    return passed, failed


def main():
    args = sys.argv[1:]
    dsn = "host=127.0.0.1 port=5432 user=postgres"
    if args[:1] == ["--dsn"]:
        dsn = args[1]
        args = args[2:]
    tp = tf = 0
    for path in args:
        p, f = run_file(dsn, path, sys.stdout)
        tp += p
        tf += f
    sys.stderr.write("total: %d passed, %d failed (%.2f%%)\n" % (tp, tf, 100.0 * tp / max(tp + tf, 1)))


if __name__ == "__main__":
    main()

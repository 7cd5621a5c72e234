#!/usr/bin/python3
"""pg-expect.py — fill (or check) the expected results of our .slt files
from a real PostgreSQL 15 server, the judge of Oxibase's behaviour.

    tests/slt/tools/pg-expect.py [--check] [--dsn DSN] FILE.slt...

Each FILE runs record by record, in order, in one session of a scratch
database made for it (CREATE DATABASE ... TEMPLATE template0 with the
C.UTF-8 collation, byte order like ours; dropped afterwards), just as
slt-runner runs it in one session of a fresh ":memory:" database, so SET
commands and tables carry over from record to record.  For every record:

  statement ok / statement error [SQLSTATE]
      The header is rewritten to what PostgreSQL did: "statement ok" or
      "statement error <its SQLSTATE>".
  query error [SQLSTATE]
      The SQLSTATE is filled in (or corrected) from PostgreSQL's error.
  query TYPES [SORT] [LABEL]
      The lines after "----" are replaced by PostgreSQL's rows, formatted
      as slt-runner formats ours (slt-format.c): NULL, "(empty)" for '',
      I = integer, R = "%.3f" SQLite style, T = the text PostgreSQL
      prints (booleans t/f), bytes outside 0x20..0x7e as '@'; sorted
      as the SORT mode says; one row per line, values separated by a
      single space (one value per line for a single column).  A missing
      "----" block is added, so a new record may be written without one.

Records guarded by "skipif postgresql" (or onlyif another engine) are left
as they are and not sent to PostgreSQL (slt-runner skips them too).
Comments and layout are kept (runs of blank lines shrink to one).  Things
that need a person are reported as WARN lines and make the exit status 1;
the record is then left as it was: a query that PostgreSQL rejects although
the record expects rows, a "query error" that PostgreSQL runs, a column
count that differs from the type string, and values the format cannot hold
(a row line ending in a blank — put another column after a padded char(n)
value —, a line starting with '#', a blank line).  A multi-row "nosort"
query without ORDER BY is filled but warned about (use rowsort).  A header
that changes (statement ok <-> error, a different SQLSTATE) is reported as
a NOTE: read it, it may be a mistake in the test rather than what you meant
to pin.  Line numbers in messages are those of the file as it was read.

Workflow: write records without "----" blocks, run this tool, read every
NOTE/WARN and the filled results, then run slt-runner.  A record Oxibase
fails is an engine bug or gap to report; to keep tests/slt/*.slt passing
it goes to tests/slt/pending/<area>.slt (with the setup it needs and a
comment saying why), which dev.sh does not run; --check works there too.

--check compares instead of rewriting: every difference between the file
and PostgreSQL is printed and the exit status is 1 if there was any.

NOTE: explain.slt is not for this tool: EXPLAIN's format is Oxibase's own,
so its expectations come from our engine (see that file's header).

Needs python3-psycopg2 (Debian package: apt-get install python3-psycopg2)
and a PostgreSQL 15 server reachable through --dsn (default
"host=127.0.0.1 user=postgres", trust authentication).
"""
import argparse
import math
import os
import re
import sys

import psycopg2
import psycopg2.extensions

BOOL_OID = 16
LLONG_MAX = 2**63 - 1
LLONG_MIN = -2**63


# ---- value formatting: a port of slt-format.c ---------------------------------

_num_re = re.compile(r'\s*[+-]?(\d|\.\d)')
_int_re = re.compile(r'\s*[+-]?\d+')
_real_re = re.compile(r'\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?')


def _is_infinity_word(text):
    p = text.lstrip()
    neg = p.startswith('-')
    if p[:1] in '+-' and p:
        p = p[1:]
    return p[:3].lower() == 'inf', neg


def _strtod(text):
    m = _real_re.match(text)
    if not m:
        return 0.0
    try:
        return float(m.group(0))
    except (OverflowError, ValueError):
        return 0.0


def _double_to_int(d):
    if math.isnan(d):
        return 0
    if d >= 9223372036854775808.0:
        return LLONG_MAX
    if d < -9223372036854775808.0:
        return LLONG_MIN
    return int(d)


def text_to_int(text):
    if not _num_re.match(text):
        inf, neg = _is_infinity_word(text)
        if inf:
            return LLONG_MIN if neg else LLONG_MAX
        return 0
    m = _int_re.match(text)
    if m:
        v = int(m.group(0))
        rest = text[m.end():]
        if LLONG_MIN <= v <= LLONG_MAX and not (rest[:1] in ('.', 'e', 'E') and rest):
            return v
    return _double_to_int(_strtod(text))


def text_to_real(text):
    if _num_re.match(text):
        return _strtod(text)
    inf, neg = _is_infinity_word(text)
    if inf:
        return -math.inf if neg else math.inf
    if text.lstrip()[:3].lower() == 'nan':
        return math.nan
    return 0.0


def format_real(v):
    if math.isnan(v):
        return 'NaN'
    if math.isinf(v):
        return 'Inf' if v > 0 else '-Inf'
    negative = v < 0
    buf = '%.30e' % abs(v)
    mant, _, ex = buf.partition('e')
    digits = [c for c in mant if c.isdigit()]
    exp10 = int(ex)
    if v == 0:
        exp10 = 0
    keep = min(exp10 + 1 + 3, 16)
    kept = []
    if keep >= 0:
        kept = digits[:keep]
        if digits[keep] >= '5':
            i = len(kept) - 1
            while i >= 0 and kept[i] == '9':
                kept[i] = '0'
                i -= 1
            if i >= 0:
                kept[i] = chr(ord(kept[i]) + 1)
            else:
                kept.insert(0, '1')
                exp10 += 1
    out = '-' if negative else ''
    total = exp10 + 1 + 3
    nk = len(kept)
    if exp10 < 0:
        out += '0.'
        out += '0' * min(max(-exp10 - 1, 0), 3)
        for i in range(total):
            out += kept[i] if i < nk else '0'
    else:
        for i in range(total):
            if i == exp10 + 1:
                out += '.'
            out += kept[i] if i < nk else '0'
    return out


def format_value(typ, text, is_bool):
    if text is None:
        return 'NULL'
    if is_bool and typ != 'T':
        if text.lower() in ('t', 'true'):
            text = '1'
        elif text.lower() in ('f', 'false'):
            text = '0'
    if typ == 'I':
        return str(text_to_int(text))
    if typ == 'R':
        return format_real(text_to_real(text))
    if text == '':
        return '(empty)'
    return ''.join(chr(b) if 0x20 <= b <= 0x7e else '@' for b in text.encode('utf-8'))


# ---- records -------------------------------------------------------------------

class Block:
    """A run of non-blank lines: comments, conditions, one record."""

    def __init__(self, lines, first_line):
        self.lines = lines            # as in the file, without '\n'
        self.first_line = first_line  # 1-based line number of lines[0]
        self.header = None            # index of the record keyword line
        for i, l in enumerate(lines):
            s = l.strip()
            if s.startswith('#') or s.split()[0] in ('skipif', 'onlyif'):
                continue
            self.header = i
            break

    def words(self):
        return self.lines[self.header].split()

    def kind(self):
        return self.words()[0] if self.header is not None else None

    def skipped(self):
        for l in self.lines[:self.header]:
            w = l.split()
            if len(w) >= 2 and w[0] == 'skipif' and w[1].lower() == 'postgresql':
                return True
            if len(w) >= 2 and w[0] == 'onlyif' and w[1].lower() != 'postgresql':
                return True
        return False

    def dash(self):
        for i in range(self.header + 1, len(self.lines)):
            if self.lines[i].rstrip() == '----':
                return i
        return None

    def sql(self):
        end = self.dash()
        if end is None:
            end = len(self.lines)
        # slt-runner drops lines with '#' in column 1 and trailing blanks.
        return '\n'.join(l.rstrip() for l in self.lines[self.header + 1:end]
                         if not l.startswith('#'))

    def line_no(self):
        return self.first_line + self.header


def read_blocks(text):
    blocks, cur, start = [], [], 0
    for n, line in enumerate(text.split('\n'), 1):
        if line.strip() == '':
            if cur:
                blocks.append(Block(cur, start))
                cur = []
        else:
            if not cur:
                start = n
            cur.append(line)
    if cur:
        blocks.append(Block(cur, start))
    return blocks


def write_blocks(path, text, blocks):
    """Rebuild the file, blocks joined by one blank line (runs of blank
    lines shrink to one)."""
    out = ['\n'.join(b.lines) for b in blocks]
    with open(path, 'w') as f:
        f.write('\n\n'.join(out) + '\n')


# ---- PostgreSQL ----------------------------------------------------------------

class Pg:
    def __init__(self, dsn, dbname):
        self.dsn = dsn
        self.dbname = dbname
        admin = psycopg2.connect(dsn + ' dbname=postgres')
        admin.autocommit = True
        with admin.cursor() as c:
            c.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % dbname)
            # C.UTF-8: byte-order collation, as Oxibase's (lc_collate C),
            # whatever the server's default locale is.
            c.execute('CREATE DATABASE "%s" TEMPLATE template0 ENCODING UTF8 '
                      "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'" % dbname)
        admin.close()
        self.conn = psycopg2.connect(dsn + ' dbname=' + dbname)
        self.conn.autocommit = True
        self.conn.set_client_encoding('UTF8')
        # Every value as the text PostgreSQL sent.
        with self.conn.cursor() as c:
            c.execute('SELECT oid FROM pg_type')
            oids = tuple(r[0] for r in c.fetchall())
        raw = psycopg2.extensions.new_type(oids, 'RAW', lambda v, cur: v)
        psycopg2.extensions.register_type(raw, self.conn)
        self.raw = raw

    def run(self, sql):
        """(None, description, rows) or (SQLSTATE, message, None)."""
        cur = self.conn.cursor()
        try:
            cur.execute(sql)
            if cur.description is None:
                return None, None, None
            desc = cur.description
            rows = cur.fetchall()
            return None, desc, rows
        except psycopg2.Error as e:
            return e.pgcode or 'XXXXX', (e.pgerror or str(e)).strip(), None
        finally:
            cur.close()

    def close(self):
        self.conn.close()
        admin = psycopg2.connect(self.dsn + ' dbname=postgres')
        admin.autocommit = True
        with admin.cursor() as c:
            c.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % self.dbname)
        admin.close()


# ---- one file ------------------------------------------------------------------

def format_rows(types, sort, desc, rows):
    ncols = len(types)
    vals = []
    for row in rows:
        vals.append([format_value(types[c], row[c], desc[c].type_code == BOOL_OID)
                     for c in range(ncols)])
    if sort == 'rowsort':
        vals.sort(key=lambda r: [v.encode() for v in r])
        flat = [v for r in vals for v in r]
    elif sort == 'valuesort':
        flat = sorted((v for r in vals for v in r), key=lambda v: v.encode())
        vals = [flat[i:i + ncols] for i in range(0, len(flat), ncols)]
    if ncols == 1:
        return [r[0] for r in vals]
    if sort == 'valuesort':
        return flat
    return [' '.join(r) for r in vals]


def unrepresentable(lines):
    for l in lines:
        if l == '' or l != l.rstrip() or l.startswith('#') or l == '----':
            return l
    return None


def process(path, args, dbname):
    with open(path) as f:
        text = f.read()
    blocks = read_blocks(text)
    pg = Pg(args.dsn, dbname)
    problems = changes = records = 0

    def say(kind, b, msg):
        # Line numbers are the input file's; the SQL's first line tells
        # the record apart after a rewrite has moved it.
        print('%s %s:%d: [%s] %s' % (kind, path, b.line_no(), b.sql().split('\n')[0][:70], msg))

    try:
        for b in blocks:
            if b.header is None:
                continue
            kind = b.kind()
            if kind not in ('statement', 'query'):
                continue
            if b.skipped():
                continue
            records += 1
            w = b.words()
            sql = b.sql()
            state, info, rows = pg.run(sql)

            if kind == 'statement':
                new = 'statement ok' if state is None else 'statement error ' + state
                old = ' '.join(w)
                if new != old:
                    if args.check:
                        say('DIFF', b, '%r, PostgreSQL: %r %s' % (old, new, info or ''))
                        problems += 1
                    else:
                        say('NOTE', b, '%r -> %r %s' % (old, new, info or ''))
                        b.lines[b.header] = new
                        changes += 1
                continue

            # query
            if w[1] == 'error':
                if state is None:
                    say('WARN', b, 'query error, but PostgreSQL runs it')
                    problems += 1
                    continue
                new = 'query error ' + state
                old = ' '.join(w)
                if new != old:
                    if args.check:
                        say('DIFF', b, '%r, PostgreSQL: %r %s' % (old, new, info))
                        problems += 1
                    else:
                        say('NOTE', b, '%r -> %r %s' % (old, new, info))
                        b.lines[b.header] = new
                        changes += 1
                continue

            types = w[1]
            sort = w[2] if len(w) > 2 else 'nosort'
            if state is not None:
                say('WARN', b, 'PostgreSQL rejects this query: %s %s' % (state, info))
                problems += 1
                continue
            if desc_len(info) != len(types):
                say('WARN', b, 'PostgreSQL returns %d columns, types are %r' % (desc_len(info), types))
                problems += 1
                continue
            if sort == 'nosort' and len(rows) > 1 and not re.search(r'order\s+by', sql, re.I):
                say('WARN', b, 'nosort on %d rows without ORDER BY' % len(rows))
                problems += 1
            got = format_rows(types, sort, info, rows)
            bad = unrepresentable(got)
            if bad is not None:
                say('WARN', b, 'value line %r cannot be written in .slt' % bad)
                problems += 1
                continue
            d = b.dash()
            old = b.lines[d + 1:] if d is not None else None
            if old != got:
                if args.check:
                    say('DIFF', b, 'expected %r, PostgreSQL: %r' % (old, got))
                    problems += 1
                else:
                    if d is None:
                        b.lines = b.lines + ['----'] + got
                    else:
                        b.lines = b.lines[:d + 1] + got
                    changes += 1
    finally:
        pg.close()

    if not args.check and changes:
        write_blocks(path, text, blocks)
    print('%s: %d records, %d %s, %d problems' %
          (path, records, changes if not args.check else problems,
           'changed' if not args.check else 'differ', problems))
    return problems


def desc_len(desc):
    return len(desc) if desc is not None else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--check', action='store_true', help='compare, do not rewrite')
    ap.add_argument('--dsn', default='host=127.0.0.1 user=postgres')
    ap.add_argument('files', nargs='+')
    args = ap.parse_args()
    bad = 0
    for i, path in enumerate(args.files):
        bad += process(path, args, 'slt_expect_%d_%d' % (os.getpid(), i))
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()

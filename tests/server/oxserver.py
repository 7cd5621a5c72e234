# oxserver.py — what the Python client tests of tests/server share: start
# oxibase-server (OXIBASE_SERVER) on a free port with a temporary data
# directory, run TAP test functions, stop the server with SIGTERM (which
# must end in exit status 0).
#
# A test function returns normally (ok), raises (not ok, with the
# traceback as TAP comments) or raises Skip (ok # SKIP reason).
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback


class Skip(Exception):
    pass


def _die_with_parent():
    # if the test dies without stopping the server, the kernel sends it
    # SIGTERM (PR_SET_PDEATHSIG = 1)
    import ctypes
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


class Server:
    def __init__(self, prefix, extra_args=(), superuser="tester"):
        self.exe = os.environ["OXIBASE_SERVER"]
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        self.data = os.path.join(self.tmp, "data")
        self.logpath = os.path.join(self.tmp, "server.log")
        init = [self.exe, "init", self.data] + (["--superuser", superuser] if superuser else [])
        subprocess.run(init, check=True, stdout=subprocess.DEVNULL)
        self._log = open(self.logpath, "w")
        self.proc = subprocess.Popen([self.exe, self.data, "--pg-port", "0", "--http-port", "0"] + list(extra_args),
                                     stderr=self._log, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 20
        self.port = None
        while time.monotonic() < deadline:
            log = self.log()
            m = re.search(r"listening on [^ ]*:(\d+)", log)
            if m and "ready to accept connections" in log:
                self.port = int(m.group(1))
                break
            time.sleep(0.01)
        if self.port is None:
            sys.stderr.write(self.log())
            self.proc.kill()
            print("Bail out! oxibase-server did not start")
            sys.exit(1)

    def log(self):
        with open(self.logpath) as f:
            return f.read()

    def env(self, **more):
        """Environment for libpq-based tools (psql, pgbench) and node-postgres."""
        return dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(self.port), PGUSER="tester",
                    PGDATABASE="oxibase", PGCONNECT_TIMEOUT="10", PGTZ="UTC", **more)

    def stop(self):
        """SIGTERM; returns the number of failures (0 or 1)."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = "timeout"
        failed = 0
        if rc != 0:
            print("# oxibase-server exited with %s after SIGTERM" % rc)
            for line in self.log().splitlines():
                print("# " + line)
            failed = 1
        shutil.rmtree(self.tmp, ignore_errors=True)
        return failed


def run_tap(server, tests):
    print("1..%d" % len(tests))
    sys.stdout.flush()
    failed = 0
    for i, t in enumerate(tests, 1):
        try:
            t()
            print("ok %d %s" % (i, t.__name__))
        except Skip as s:
            print("ok %d %s # SKIP %s" % (i, t.__name__, s))
        except Exception:
            failed += 1
            print("not ok %d %s" % (i, t.__name__))
            for line in traceback.format_exc().splitlines():
                print("# " + line)
        sys.stdout.flush()
    failed += server.stop()
    sys.exit(1 if failed else 0)


def eq(got, want):
    if got != want:
        raise AssertionError("got:\n%r\nwant:\n%r" % (got, want))

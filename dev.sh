#!/usr/bin/env bash
# dev.sh — the developer entry point of Oxibase (CI runs `./dev.sh test`).
#
#   ./dev.sh setup          install the Debian 12 packages below (apt-get), node
#                           and npm if not on PATH, and tests/dap-node's node_modules
#   ./dev.sh build          setup, then configure and build build/ (debugoptimized)
#   ./dev.sh run [ARGS]     build, then start the CLI on the demo database
#   ./dev.sh run-workstation [ARGS]
#                           build, then start oxibase-workstation --demo
#   ./dev.sh test           setup, build and run every test twice: plainly in
#                           build/ and under ASan+UBSan in build-san/
#   ./dev.sh fuzz [SECONDS] clang build in build-fuzz/, run each tests/fuzz
#                           target for SECONDS (default 60)
#   ./dev.sh bench [ARGS]   release build in build-release/, then run
#                           oxibase-bench ARGS (see bench/README.md)
#   ./dev.sh bench-debugger [ARGS]
#                           release build, then oxibase-debug-bench: the
#                           cost of an attached debugger, `next` through
#                           oxibase-dap
#   ./dev.sh bench-server [ARGS]
#                           release build, then bench/pgbench-bench.sh:
#                           oxibase-server against PostgreSQL 15 under
#                           pgbench -S and TPC-B, 1 and 8 clients
#   ./dev.sh bench-workstation
#                           release build, then bench/workstation-bench.sh
#                           under xvfb-run: start to first frame, a
#                           million-row result's first rows and memory
#
# `test` runs a 30-second fuzzing of every libFuzzer target (ASan+UBSan,
# FUZZ_SECONDS to change) and, in each of the two builds: the g_test programs (meson test),
# the sqllogictest runner over our own tests/slt/*.slt, and over the public
# corpus (../shared/sqllogictest: select1-5 and evidence/) with
# tests/slt/corpus-xfail.txt.  Its last line is always "N passed, N failed"
# (plus ", N skipped"): test programs plus slt records over both builds.
# It fails when anything failed, when select1-5 had any failure, or when
# the corpus pass rate passed / (passed + failed + xfailed) is under 99.5%.
#
# NOTE: each corpus file gets its own runner process: an engine crash (or a
# sanitizer abort) then costs one file, counted as a failure, instead of
# hiding the counts of every file after it.
set -euo pipefail

# Every Debian 12 package the project needs: compiler and build tools,
# GLib, json-glib for the Debug Adapter Protocol, libedit and Lua for the
# CLI, SQLite and libpq for the benchmarks, clang and its runtime for the
# fuzzers and sanitizers, PostgreSQL as the judge of our results and wire
# protocol and the benchmarks' third engine (pgbench too), valgrind for
# instruction counts, the JDBC driver and a JDK for the server's driver
# tests, openssl (test certificates) and glib-networking (GIO's TLS) for the
# server's TLS, libsoup for its HTTP API, GTK 4, libadwaita and GtkSourceView 5 for the workstation
# (SQLite keeps its settings), Xvfb and xauth (xvfb-run) for its UI tests,
# appstream and desktop-file-utils to validate its metainfo and desktop entry.
PACKAGES="build-essential meson ninja-build pkg-config libglib2.0-dev libjson-glib-dev libedit-dev liblua5.4-dev libsqlite3-dev libpq-dev clang libclang-rt-14-dev postgresql postgresql-client valgrind python3-psycopg2 libpostgresql-jdbc-java default-jdk-headless openssl glib-networking libsoup-3.0-dev libgtk-4-dev libadwaita-1-dev libgtksourceview-5-dev libsecret-1-dev xvfb xauth appstream desktop-file-utils gnome-keyring dbus"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

CORPUS_DIR="$ROOT/../shared/sqllogictest"
CORPUS_XFAIL="tests/slt/corpus-xfail.txt"
CORPUS_BAR="99.5"                   # percent of corpus records that must pass
SLT_TIMEOUT="${SLT_TIMEOUT:-1800}"  # seconds per .slt/.test file, a guard against hangs
SLT_SHOW_LINES=120                  # runner output shown per file; the rest is in the log

usage() {
	cat >&2 <<-'EOF'
	usage: ./dev.sh COMMAND
	  setup            install the Debian packages (and node_modules) the project needs
	  build            setup, then build build/ (debugoptimized)
	  run [ARGS...]    build, then run the CLI on the demo database
	  run-workstation  build, then open the workstation on the demo database
	  test             build and run all tests, plain and under ASan+UBSan
	  fuzz [SECONDS]   build the fuzz targets with clang, run each (default 60 s)
	  bench [ARGS...]  release build, then oxibase-bench ARGS (bench/README.md)
	  bench-debugger   release build, then what debugging costs (bench/README.md)
	  bench-server     release build, then oxibase-server against PostgreSQL under pgbench
	  bench-workstation release build, then the workstation's start, first rows and memory (Xvfb)
	EOF
}

die() {
	echo "dev.sh: $*" >&2
	exit 1
}

# ---- setup ------------------------------------------------------------------

cmd_setup() {
	local missing=() p
	for p in $PACKAGES; do
		if ! dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed'; then
			missing+=("$p")
		fi
	done
	# Node.js and npm run tests/dap-node (the DAP conformance tests): from
	# Debian only when the machine has none on PATH, so a newer node
	# installed some other way is left alone.
	command -v node >/dev/null || missing+=(nodejs)
	command -v npm >/dev/null || missing+=(npm)
	if ((${#missing[@]} > 0)); then
		echo "dev.sh: installing ${missing[*]}"
		local sudo=()
		if [ "$(id -u)" -ne 0 ]; then
			command -v sudo >/dev/null || die "not root and no sudo: install ${missing[*]} by hand"
			sudo=(sudo)
		fi
		"${sudo[@]}" apt-get update
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
	fi
	setup_node_modules
}

# The node test clients (tests/dap-node: the DAP conformance tests;
# tests/server/node: node-postgres), exactly as each package-lock.json pins
# them: installed when node_modules is missing or older than the lock file.
setup_node_modules() {
	local dir
	for dir in tests/dap-node tests/server/node; do
		if [ -d "$dir/node_modules" ] && [ ! "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
			continue
		fi
		echo "dev.sh: npm ci in $dir"
		npm ci --prefix "$dir" --no-audit --no-fund || die "npm ci in $dir failed"
		touch "$dir/node_modules"
	done
}

# ---- build ------------------------------------------------------------------

# configure DIR MESON-OPTIONS...: set up DIR, or re-apply the options to
# an existing one (meson setup refuses a configured directory).
configure() {
	local dir=$1
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson configure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@"
	fi
}

cmd_build() {
	cmd_setup
	configure build -Dbuildtype=debugoptimized
	ninja -C build
}

cmd_run() {
	cmd_build
	local cli=build/app/cli/oxibase
	[ -x "$cli" ] || die "$cli was not built (app/cli is not there yet?)"
	exec "$cli" --demo "$@"
}

# The workstation needs a display (a desktop session, or X forwarding); the
# demo database lives in $XDG_DATA_HOME/oxibase/demo and keeps its changes.
cmd_run_workstation() {
	cmd_build
	local ws=build/app/workstation/oxibase-workstation
	[ -x "$ws" ] || die "$ws was not built (are GTK 4, libadwaita and GtkSourceView 5 installed?)"
	exec "$ws" --demo "$@"
}

# ---- test -------------------------------------------------------------------

# Counters, keyed "PASS/GROUP" (GROUP is meson, ours, select or evidence).
declare -A PASSED=() FAILED=() SKIPPED=() XFAILED=()
PASSES=()
BAD=()   # reasons the run fails besides counted failures

add() { # add PASS/GROUP passed failed skipped xfailed
	PASSED[$1]=$((${PASSED[$1]:-0} + $2))
	FAILED[$1]=$((${FAILED[$1]:-0} + $3))
	SKIPPED[$1]=$((${SKIPPED[$1]:-0} + $4))
	XFAILED[$1]=$((${XFAILED[$1]:-0} + $5))
}

# meson_tests PASS DIR: run the g_test programs; count them from testlog.json
# (one JSON object per line, each with a "result").
meson_tests() {
	local pass=$1 dir=$2 log
	log="$dir/meson-logs/testlog.json"
	rm -f "$log"
	meson test -C "$dir" --print-errorlogs --num-processes 2 || true
	if [ ! -s "$log" ]; then
		echo "dev.sh: meson test wrote no $log" >&2
		add "$pass/meson" 0 1 0 0
		return
	fi
	local ok fail skip
	ok=$(grep -cE '"result": "(OK|EXPECTEDFAIL)"' "$log" || true)
	skip=$(grep -cE '"result": "SKIP"' "$log" || true)
	fail=$(grep -cE '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS|INTERRUPT)"' "$log" || true)
	add "$pass/meson" "$ok" "$fail" "$skip" 0
}

# slt_files PASS DIR GROUP XFAIL FILE...: one runner process per file.
slt_files() {
	local pass=$1 dir=$2 group=$3 xfail=$4
	shift 4
	local runner="$dir/tests/slt/slt-runner" logdir="$dir/meson-logs"
	local log="$logdir/slt-$group.log"
	: >"$log"
	local f json out rc counts
	for f in "$@"; do
		json=$(mktemp)
		out=$(mktemp)
		rc=0
		timeout -k 10 "$SLT_TIMEOUT" "$runner" ${xfail:+--xfail "$xfail"} --json "$json" "$f" \
			>"$out" 2>&1 || rc=$?
		cat "$out" >>"$log"
		head -n "$SLT_SHOW_LINES" "$out" | grep -v '^total: ' || true
		if [ "$(wc -l <"$out")" -gt "$SLT_SHOW_LINES" ]; then
			echo "    ... (full output in $log)"
		fi
		counts=$(sed -n 's/.*"total": {"passed": \([0-9]*\), "failed": \([0-9]*\), "skipped": \([0-9]*\), "xfailed": \([0-9]*\)}.*/\1 \2 \3 \4/p' "$json")
		if [ -n "$counts" ]; then
			# shellcheck disable=SC2086
			add "$pass/$group" $counts
		fi
		if [ "$rc" -gt 1 ] || [ -z "$counts" ]; then
			# A crash, timeout (124/137) or bad usage loses the file's
			# counts; LeakSanitizer aborts (134) after they are written.
			# Either way one failure stands for the exit.
			if [ -n "$counts" ]; then
				echo "$f: slt-runner exited with $rc after writing its counts" \
					"(a sanitizer report?); counted as 1 more failure" | tee -a "$log"
			else
				echo "$f: slt-runner died (exit $rc); counted as 1 failure" \
					"(to see the last record: $runner --verbose $f)" | tee -a "$log"
			fi
			add "$pass/$group" 0 1 0 0
		fi
		rm -f "$json" "$out"
	done
}

# test_pass PASS DIR MESON-OPTIONS...: build DIR and run everything in it.
test_pass() {
	local pass=$1 dir=$2
	shift 2
	PASSES+=("$pass")
	echo
	echo "==== $pass build ($dir) ===="
	if ! { configure "$dir" -Dbuildtype=debugoptimized "$@" && ninja -C "$dir"; }; then
		echo "dev.sh: $pass build failed" >&2
		add "$pass/meson" 0 1 0 0
		return
	fi

	echo "---- $pass: unit tests"
	meson_tests "$pass" "$dir"

	echo "---- $pass: our .slt files"
	local ours=(tests/slt/*.slt)
	if [ -e "${ours[0]}" ]; then
		slt_files "$pass" "$dir" ours "" "${ours[@]}"
	else
		echo "(none yet)"
	fi

	echo "---- $pass: public corpus"
	if [ ! -d "$CORPUS_DIR" ]; then
		echo "dev.sh: corpus not found at $CORPUS_DIR" >&2
		add "$pass/select" 0 1 0 0
		return
	fi
	local i select=()
	for i in 1 2 3 4 5; do
		select+=("$CORPUS_DIR/select$i.test")
	done
	slt_files "$pass" "$dir" select "$CORPUS_XFAIL" "${select[@]}"
	slt_files "$pass" "$dir" evidence "$CORPUS_XFAIL" "$CORPUS_DIR"/evidence/*.test
}

# percent NUM DEN: NUM/DEN as a percentage with two decimals (0 when DEN is 0).
percent() {
	awk -v n="$1" -v d="$2" 'BEGIN { printf "%.2f", (d > 0 ? 100 * n / d : 0) }'
}

summary() {
	local pass group key tp=0 tf=0 ts=0
	echo
	echo "==== summary ===="
	for pass in "${PASSES[@]}"; do
		for group in meson fuzz ours select evidence; do
			key="$pass/$group"
			[ -n "${PASSED[$key]+x}" ] || continue
			local what="slt records"
			[ "$group" = meson ] && what="test programs"
			[ "$group" = fuzz ] && what="fuzz targets"
			printf '%-10s %-9s %-13s %6d passed, %d failed, %d skipped' \
				"$pass" "$group" "$what" "${PASSED[$key]}" "${FAILED[$key]}" "${SKIPPED[$key]}"
			if [ "${XFAILED[$key]}" -gt 0 ]; then
				printf ' (%d xfail)' "${XFAILED[$key]}"
			fi
			echo
			tp=$((tp + PASSED[$key]))
			tf=$((tf + FAILED[$key]))
			ts=$((ts + SKIPPED[$key]))
		done

		local p=0 f=0 x=0
		for group in select evidence; do
			key="$pass/$group"
			p=$((p + ${PASSED[$key]:-0}))
			f=$((f + ${FAILED[$key]:-0}))
			x=$((x + ${XFAILED[$key]:-0}))
		done
		local pct
		pct=$(percent "$p" $((p + f + x)))
		local verdict=ok
		# Compare the exact ratio: 99.496% prints as 99.50 but is below.
		if awk -v n="$p" -v d=$((p + f + x)) -v b="$CORPUS_BAR" \
			'BEGIN { exit !(d == 0 || 100 * n / d < b) }'; then
			verdict="BELOW THE BAR"
			BAD+=("$pass: corpus pass rate $pct% is below $CORPUS_BAR%")
		fi
		echo "$pass corpus: $p of $((p + f + x)) records that ran passed: $pct% (bar $CORPUS_BAR%) $verdict"
		if [ "${FAILED[$pass/select]:-0}" -gt 0 ]; then
			BAD+=("$pass: select1-5 had ${FAILED[$pass/select]} failures")
		fi
	done
	local reason
	for reason in "${BAD[@]}"; do
		echo "FAIL: $reason"
	done
	echo "$tp passed, $tf failed, $ts skipped"
	[ "$tf" -eq 0 ] && [ "${#BAD[@]}" -eq 0 ]
}

cmd_test() {
	cmd_setup
	# -Dworkstation=enabled: without GTK 4 or xvfb-run the configure step
	# fails and says what is missing, instead of the UI tests vanishing
	test_pass plain build -Dworkstation=enabled

	# A short run of every libFuzzer target, built with ASan+UBSan: any
	# crash or sanitizer report fails the suite.  Longer runs: ./dev.sh fuzz N.
	echo "==== fuzz (${FUZZ_SECONDS:-30}s per target)"
	if (cmd_fuzz "${FUZZ_SECONDS:-30}") > build/fuzz.log 2>&1; then
		add plain/fuzz 1 0 0 0
	else
		add plain/fuzz 0 1 0 0
		BAD+=("fuzz: a target failed (see build/fuzz.log)")
		tail -n 40 build/fuzz.log
	fi

	# A sanitizer report must fail the test: abort, and let leaks count.
	# G_SLICE: GLib 2.74's slice allocator would hide use-after-free.
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	G_SLICE=always-malloc \
		test_pass sanitized build-san -Dworkstation=enabled -Db_sanitize=address,undefined -Db_lundef=false
	summary
}

# ---- fuzz -------------------------------------------------------------------

cmd_fuzz() {
	local secs=${1:-60}
	[[ "$secs" =~ ^[0-9]+$ ]] || die "fuzz: SECONDS must be a number, got '$secs'"
	cmd_setup
	if [ -f build-fuzz/build.ninja ]; then
		meson configure build-fuzz -Dfuzz=true -Db_sanitize=address,undefined >/dev/null
	else
		CC=clang meson setup build-fuzz -Dfuzz=true -Dbuildtype=debugoptimized -Db_lundef=false \
			-Db_sanitize=address,undefined
	fi
	ninja -C build-fuzz
	local targets=() t
	while IFS= read -r t; do
		targets+=("$t")
	done < <(find build-fuzz/tests/fuzz -maxdepth 1 -type f -perm -u+x 2>/dev/null | sort)
	((${#targets[@]} > 0)) || die "fuzz: no targets were built under build-fuzz/tests/fuzz"

	local failed=0 name work seeds
	for t in "${targets[@]}"; do
		name=$(basename "$t")
		# libFuzzer adds new inputs to the first corpus directory: keep that
		# in the build tree and read the committed seeds from the second.
		work="build-fuzz/fuzz-corpus/$name"
		seeds="tests/fuzz/corpus/$name"
		mkdir -p "$work"
		echo "==== $name for ${secs}s"
		if [ -d "$seeds" ]; then
			"$t" -max_total_time="$secs" -print_final_stats=1 "$work" "$seeds" || failed=1
		else
			"$t" -max_total_time="$secs" -print_final_stats=1 "$work" || failed=1
		fi
	done
	return "$failed"
}

# ---- bench ------------------------------------------------------------------

# Benchmarks measure what users get: a release build (-O3, asserts
# compiled out) in its own directory, so build/ stays debugoptimized.
# Only the harness and what it links are built.
cmd_bench() {
	cmd_setup
	configure build-release -Dbuildtype=release -Db_ndebug=true
	ninja -C build-release bench/oxibase-bench
	exec build-release/bench/oxibase-bench "$@"
}

cmd_bench_debugger() {
	cmd_setup
	configure build-release -Dbuildtype=release -Db_ndebug=true
	ninja -C build-release bench/oxibase-debug-bench dap/oxibase-dap
	exec build-release/bench/oxibase-debug-bench "$@" build-release/dap/oxibase-dap
}

# oxibase-server against PostgreSQL 15 under pgbench (bench/pgbench-bench.sh).
cmd_bench_server() {
	cmd_setup
	configure build-release -Dbuildtype=release -Db_ndebug=true
	ninja -C build-release app/server/oxibase-server
	exec bench/pgbench-bench.sh "$@"
}

# The workstation under Xvfb (bench/workstation-bench.sh): start to first
# frame, a million-row result's first rows, memory after scrolling to its end.
cmd_bench_workstation() {
	cmd_setup
	configure build-release -Dbuildtype=release -Db_ndebug=true
	ninja -C build-release app/workstation/oxibase-workstation
	exec xvfb-run -a -s "-screen 0 1280x1024x24" bench/workstation-bench.sh \
		build-release/app/workstation/oxibase-workstation "$@"
}

# ---- main -------------------------------------------------------------------

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
setup) cmd_setup ;;
build) cmd_build ;;
run) cmd_run "$@" ;;
run-workstation) cmd_run_workstation "$@" ;;
test) cmd_test ;;
fuzz) cmd_fuzz "$@" ;;
bench) cmd_bench "$@" ;;
bench-debugger) cmd_bench_debugger "$@" ;;
bench-server) cmd_bench_server "$@" ;;
bench-workstation) cmd_bench_workstation "$@" ;;
*)
	usage
	exit 2
	;;
esac

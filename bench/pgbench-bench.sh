#!/usr/bin/env bash
# pgbench-bench.sh — oxibase-server against PostgreSQL 15 under pgbench,
# run by `./dev.sh bench-server [OPTIONS]` (which builds the release
# server first; see bench/README.md, "pgbench: oxibase-server and
# PostgreSQL").
#
# Both servers start here on free ports with fresh data directories on
# disk (never tmpfs: fsync is on for both, synchronous_commit full for
# Oxibase and on for PostgreSQL), get the same `pgbench -i -s SCALE`, then
# pgbench runs -S (select only) and the default TPC-B-like script with
# each client count, prepared mode, for a fixed duration, on one server
# and then the other (never both at once).  Prints tps and the ratio
# Oxibase / PostgreSQL (> 1: Oxibase leads).
#
# NOTE: what can go wrong: PostgreSQL's binaries missing (--pg-bin), a
# machine running other work (the figures then say little: note the load
# average printed at the start and the end), an interrupted run (the trap
# stops both servers and removes the directories).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVER="${OXIBASE_SERVER:-$ROOT/build-release/app/server/oxibase-server}"
PG_BIN=/usr/lib/postgresql/15/bin
DURATION=30
SCALE=1
CLIENTS="1 8"
DIR="$ROOT/build-release/bench"

usage() {
	cat >&2 <<-'EOF'
	usage: bench/pgbench-bench.sh [--duration S] [--scale N] [--clients "1 8"] [--pg-bin DIR] [--dir DIR]
	  --duration S   seconds per pgbench run (default 30)
	  --scale N      pgbench -i scale factor, the same for both (default 1)
	  --clients LIST client counts (default "1 8"); -j is min(clients, 2)
	  --pg-bin DIR   PostgreSQL 15's initdb, pg_ctl, postgres, pgbench (default /usr/lib/postgresql/15/bin)
	  --dir DIR      where the data directories go (default build-release/bench; not tmpfs)
	EOF
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--duration) DURATION=$2; shift 2 ;;
	--scale) SCALE=$2; shift 2 ;;
	--clients) CLIENTS=$2; shift 2 ;;
	--pg-bin) PG_BIN=$2; shift 2 ;;
	--dir) DIR=$2; shift 2 ;;
	*) usage ;;
	esac
done

PGBENCH="$PG_BIN/pgbench"
for f in "$SERVER" "$PG_BIN/initdb" "$PG_BIN/pg_ctl" "$PGBENCH"; do
	[ -x "$f" ] || { echo "pgbench-bench: $f is missing" >&2; exit 1; }
done
mkdir -p "$DIR"
case "$(stat -f -c %T "$DIR")" in
tmpfs|ramfs) echo "pgbench-bench: $DIR is on $(stat -f -c %T "$DIR"): fsync would cost nothing there; use --dir" >&2; exit 1 ;;
esac

WORK="$(mktemp -d "$DIR/pgbench-bench-XXXXXX")"
OX_PID=""
PG_DATA="$WORK/pg"
PG_STARTED=""

# PostgreSQL refuses to run as root: then its files belong to postgres.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

cleanup() {
	if [ -n "$OX_PID" ]; then
		kill "$OX_PID" 2>/dev/null || true
		wait "$OX_PID" 2>/dev/null || true
	fi
	if [ -n "$PG_STARTED" ]; then
		as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_oxibase() {
	"$SERVER" init "$WORK/ox" >/dev/null
	"$SERVER" "$WORK/ox" --pg-port 0 --http-port 0 --max-connections 100 2>"$WORK/ox.log" &
	OX_PID=$!
	for _ in $(seq 200); do
		if grep -q "ready to accept connections" "$WORK/ox.log"; then
			OX_PORT=$(sed -n 's/.*listening on [^ ]*:\([0-9]*\).*/\1/p' "$WORK/ox.log" | head -1)
			return 0
		fi
		sleep 0.05
	done
	cat "$WORK/ox.log" >&2
	echo "pgbench-bench: oxibase-server did not start" >&2
	exit 1
}

stop_oxibase() {
	kill "$OX_PID"
	wait "$OX_PID" || true
	OX_PID=""
}

start_postgres() {
	PG_PORT=$(free_port)
	mkdir -p "$PG_DATA"
	[ "$(id -u)" -eq 0 ] && chown postgres "$WORK" "$PG_DATA"
	as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust >/dev/null
	as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/log" -w \
		-o "-p $PG_PORT -k $PG_DATA -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c max_connections=100" \
		start >/dev/null
	PG_STARTED=1
}

stop_postgres() {
	as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
	PG_STARTED=""
}

# run_pgbench PORT USER DB ARGS...: prints the tps (without initial connection time)
run_pgbench() {
	local port=$1 user=$2 db=$3
	shift 3
	local out
	out=$("$PGBENCH" -h 127.0.0.1 -p "$port" -U "$user" "$@" "$db" 2>&1) || {
		echo "$out" >&2
		echo "pgbench-bench: pgbench $* failed" >&2
		exit 1
	}
	if ! grep -q "number of failed transactions: 0 " <<<"$out"; then
		echo "$out" >&2
		echo "pgbench-bench: pgbench $* had failed transactions" >&2
		exit 1
	fi
	sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' <<<"$out"
}

declare -A TPS=()

# measure NAME PORT USER DB: every script and client count on one server
measure() {
	local name=$1 port=$2 user=$3 db=$4 c j script
	"$PGBENCH" -h 127.0.0.1 -p "$port" -U "$user" -i -s "$SCALE" -q "$db" >/dev/null 2>&1
	for script in select tpcb; do
		for c in $CLIENTS; do
			j=$((c < 2 ? c : 2))
			local args=(-M prepared -c "$c" -j "$j" -T "$DURATION")
			[ "$script" = select ] && args+=(-S)
			TPS[$name/$script/$c]=$(run_pgbench "$port" "$user" "$db" "${args[@]}")
			printf '  %-10s %-6s %2s clients: %10.0f tps\n' "$name" "$script" "$c" "${TPS[$name/$script/$c]}" >&2
		done
	done
}

echo "pgbench-bench: scale $SCALE, $DURATION s per run, clients: $CLIENTS, prepared mode" >&2
echo "pgbench-bench: $(nproc) CPUs, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
start_oxibase
measure oxibase "$OX_PORT" bench oxibase
stop_oxibase
start_postgres
measure postgresql "$PG_PORT" postgres postgres
stop_postgres
echo "pgbench-bench: load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

printf '\n%-22s %8s %14s %14s %18s\n' "script" "clients" "Oxibase tps" "PostgreSQL tps" "Oxibase/PostgreSQL"
for script in select tpcb; do
	for c in $CLIENTS; do
		o=${TPS[oxibase/$script/$c]}
		p=${TPS[postgresql/$script/$c]}
		label=$([ "$script" = select ] && echo "-S (select only)" || echo "default (TPC-B-like)")
		printf '%-22s %8s %14.0f %14.0f %18s\n' "$label" "$c" "$o" "$p" "$(awk -v o="$o" -v p="$p" 'BEGIN { printf "%.2f", o / p }')"
	done
done

#!/usr/bin/env bash
# workstation-bench.sh — what a user of oxibase-workstation waits for and
# what it costs in memory (./dev.sh bench-workstation runs it under
# xvfb-run on a release build; see bench/README.md):
#
#   first frame   process start to the window's first after-paint (the
#                 median of RUNS starts; target 500 ms)
#   first rows    a ROWS-row SELECT (generate_series), from Run to the
#                 first frame that draws its rows (target 300 ms)
#   memory        RSS before the run and after scrolling to its last row,
#                 and the peak (VmHWM); target: growth under 200 MB
#   stalls        the longest gap between two frames while scrolling to
#                 the end (target 100 ms: no stall a user would notice)
#   wide rows     the same memory measure for WIDE_ROWS rows of 8 text
#                 columns of 100 bytes (about 840 MB of rows: the result
#                 keeps 64 MB of them in memory and moves the rest to a
#                 temporary file); target: growth under 200 MB
#
# It exits non-zero when a target is missed.
#
# usage: bench/workstation-bench.sh [WORKSTATION-BINARY]
#   ROWS (default 1000000), WIDE_ROWS (default 1000000; 0 skips the case),
#   RUNS (default 5)
#
# The numbers come from the workstation itself (OX_WORKSTATION_BENCH, see
# ui/ox-bench.h); the first frame is also measured from this script's own
# clock just before exec, which includes the dynamic loader.
set -euo pipefail

BIN=${1:-build-release/app/workstation/oxibase-workstation}
ROWS=${ROWS:-1000000}
WIDE_ROWS=${WIDE_ROWS:-1000000}
RUNS=${RUNS:-5}
[ -x "$BIN" ] || { echo "workstation-bench: $BIN is not built" >&2; exit 1; }
[ -n "${DISPLAY:-}" ] || { echo "workstation-bench: no DISPLAY (run it under xvfb-run)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data"
export GSK_RENDERER=cairo GDK_DEBUG=gl-disable GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1 GDK_BACKEND=x11

run_ws() {  # run the workstation on the demo database, print its bench lines
	OX_WORKSTATION_BENCH="$1" timeout 600 "$BIN" --demo 2>"$tmp/stderr" | grep '^bench ' || {
		echo "workstation-bench: no figures from $1; its stderr:" >&2
		cat "$tmp/stderr" >&2
		exit 1
	}
}

# the first start creates the demo database: not measured
run_ws first-frame >/dev/null

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

self_ms=() ext_ms=()
for _ in $(seq "$RUNS"); do
	t0=$(date +%s%N)
	out=$(run_ws first-frame)
	self_ms+=("$(awk '$2 == "first-frame" { print $3 }' <<<"$out")")
	epoch=$(awk '$2 == "first-frame-epoch" { print $3 }' <<<"$out")
	ext_ms+=("$(awk -v e="$epoch" -v t="$t0" 'BEGIN { printf "%.1f", (e * 1000 - t) / 1e6 }')")
done
ff=$(printf '%s\n' "${self_ms[@]}" | median)
ffx=$(printf '%s\n' "${ext_ms[@]}" | median)

out=$(run_ws "rows:$ROWS")
get() { awk -v k="$1" '$2 == k { print $3 }' <<<"$out"; }

verdict() {  # value target
	awk -v v="$1" -v t="$2" 'BEGIN { print (v + 0 < t + 0) ? "ok" : "OVER" }'
}
missed=()
target() {  # name value target: remember a missed target for the exit status
	[ "$(verdict "$2" "$3")" = ok ] || missed+=("$1 ($2, target $3)")
}

growth=$(get rss-growth)
printf '%-44s %10s  %-8s %s\n' "measure" "value" "target" ""
printf '%-44s %7s ms  %-8s %s\n' "start to first frame (median of $RUNS, /proc)" "$ff" "500 ms" "$(verdict "$ff" 500)"
printf '%-44s %7s ms  %-8s %s\n' "start to first frame (from exec)" "$ffx" "500 ms" "$(verdict "$ffx" 500)"
printf '%-44s %7s ms  %-8s %s\n' "$ROWS-row SELECT: first rows drawn" "$(get first-rows)" "300 ms" "$(verdict "$(get first-rows)" 300)"
printf '%-44s %7s     %-8s\n' "rows held before scrolling" "$(get rows-before-scroll)" ""
printf '%-44s %7s ms  %-8s\n' "scrolling to the last row" "$(get scroll-to-end)" ""
printf '%-44s %7s     %-8s\n' "frames drawn while scrolling" "$(get scroll-frames)" ""
printf '%-44s %7s ms  %-8s %s\n' "longest frame gap while scrolling" "$(get scroll-longest-frame)" "100 ms" "$(verdict "$(get scroll-longest-frame)" 100)"
printf '%-44s %7s     %-8s\n' "frame gaps over 50 ms" "$(get scroll-slow-frames)" ""
printf '%-44s %7s     %-8s\n' "rows held at the end" "$(get rows-loaded)" ""
printf '%-44s %7s MB  %-8s\n' "row storage (blocks)" "$(get row-storage)" ""
printf '%-44s %7s MB  %-8s\n' "RSS before the SELECT" "$(get rss-before)" ""
printf '%-44s %7s MB  %-8s\n' "RSS after scrolling to the end and back" "$(get rss-after)" ""
printf '%-44s %7s MB  %-8s %s\n' "RSS growth" "$growth" "200 MB" "$(verdict "$growth" 200)"
printf '%-44s %7s MB  %-8s\n' "peak RSS (VmHWM)" "$(get vmhwm)" ""
target "start to first frame" "$ff" 500
target "start to first frame (from exec)" "$ffx" 500
target "first rows" "$(get first-rows)" 300
target "longest frame gap" "$(get scroll-longest-frame)" 100
target "RSS growth" "$growth" 200

if [ "$WIDE_ROWS" -gt 0 ]; then
	out=$(run_ws "wide:$WIDE_ROWS")
	wgrowth=$(get rss-growth)
	echo
	printf '%-44s %7s ms  %-8s\n' "$WIDE_ROWS wide rows (8 x 100 B): scroll to end" "$(get scroll-to-end)" ""
	printf '%-44s %7s ms  %-8s\n' "longest frame gap (wide)" "$(get scroll-longest-frame)" ""
	printf '%-44s %7s MB  %-8s\n' "row storage (blocks, all)" "$(get row-storage)" ""
	printf '%-44s %7s MB  %-8s\n' "row storage in memory" "$(get row-storage-resident)" ""
	printf '%-44s %7s MB  %-8s\n' "row storage in the temporary file" "$(get row-storage-spilled)" ""
	printf '%-44s %7s MB  %-8s\n' "RSS at the end" "$(get rss-at-end)" ""
	printf '%-44s %7s MB  %-8s\n' "RSS back at the top" "$(get rss-after)" ""
	printf '%-44s %7s MB  %-8s %s\n' "RSS growth (wide)" "$wgrowth" "200 MB" "$(verdict "$wgrowth" 200)"
	printf '%-44s %7s MB  %-8s\n' "peak RSS (VmHWM, wide)" "$(get vmhwm)" ""
	target "RSS growth (wide rows)" "$wgrowth" 200
fi

if [ ${#missed[@]} -gt 0 ]; then
	printf 'workstation-bench: target missed: %s\n' "${missed[@]}" >&2
	exit 1
fi

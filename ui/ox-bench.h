/*
 * ox-bench.h — the workstation's benchmark hook (bench/workstation-bench.sh,
 * `./dev.sh bench-workstation`), driven by one environment variable so a
 * normal start pays nothing but a getenv:
 *
 *   OX_WORKSTATION_BENCH=first-frame   print the time from process start to
 *                                      the window's first after-paint, quit
 *   OX_WORKSTATION_BENCH=rows:N        on the open database, run an N-row
 *                                      SELECT (generate_series); print the
 *                                      time to its first rows drawn, RSS
 *                                      before, scroll to the end and back
 *                                      to the top, print RSS after and
 *                                      VmHWM, quit
 *   OX_WORKSTATION_BENCH=wide:N        the same with 8 text columns of 100
 *                                      bytes a row (about 840 MB of blocks
 *                                      for a million: most go to the
 *                                      temporary file, ox-result-model.h)
 *
 * Output lines are "bench NAME VALUE UNIT", one per measure.
 */
#pragma once

#include "ox-window.h"

G_BEGIN_DECLS

/* Arm the benchmark named by $OX_WORKSTATION_BENCH on win (no-op when unset). */
void ox_bench_attach (OxWindow *win);

G_END_DECLS

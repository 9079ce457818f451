#!/usr/bin/env bash
# Benchmarks this shim against containerd's Go shim (io.containerd.runc.v2) with the project's
# shared harness, in both daemon scopes, plus the 200-container scale run of one namespace daemon.
#   bench/run.sh            build + install into a private prefix, then all three runs
#   RUNS=10 NCTR=10 ...     the harness's knobs pass through (see shim-bench.sh --help)
# Results: bench/results/<UTC stamp>/{group,namespace,scale}.txt and the chart
# bench/results/<stamp>/chart.svg (bench/chart.py). Needs root, as the harness does.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
HARNESS=${SHIM_BENCH:-$REPO/../shared/bench/shim-bench.sh}
[ -x "$HARNESS" ] || [ -f "$HARNESS" ] || { echo "bench: shim-bench.sh not found at $HARNESS (set SHIM_BENCH)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench: must run as root" >&2; exit 1; }
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUTDIR=${OUTDIR:-$REPO/bench/results/$STAMP}
PREFIX=${PREFIX:-$REPO/target/bench-prefix}
mkdir -p "$OUTDIR"
make -C "$REPO" install PREFIX="$PREFIX" >"$OUTDIR/install.log" 2>&1 || { tail -20 "$OUTDIR/install.log"; exit 1; }
export PATH="$PREFIX/bin:$PATH"

# namespace scope per runtime (the options file ctr sends as runtimeoptions.v1.Options), with the
# default linger (30 s): the harness then waits LEAK_GRACE (40 s) before it counts leftovers, so a
# daemon that lingers and then exits cleanly is not a leak, and one that does not exit still is
NS_OPTS=$OUTDIR/namespace-scope.toml
printf 'ShimScope = "namespace"\nShimLinger = "%s"\n' "${SHIM_LINGER:-30s}" > "$NS_OPTS"

echo "== group scope (default): $HARNESS io.containerd.runc.v2 io.containerd.rune.v2" >&2
# group scope keeps a spare daemon, which also waits ShimLinger (30 s) for a next group before it
# leaves: the same grace applies
OUT=$OUTDIR/group.txt LEAK_GRACE=${GROUP_LEAK_GRACE:-40} bash "$HARNESS" io.containerd.runc.v2 io.containerd.rune.v2 >/dev/null
echo "== namespace scope: $HARNESS io.containerd.runc.v2 io.containerd.rune.v2=$NS_OPTS" >&2
OUT=$OUTDIR/namespace.txt LEAK_GRACE=${NS_LEAK_GRACE:-40} bash "$HARNESS" io.containerd.runc.v2 "io.containerd.rune.v2=$NS_OPTS" >/dev/null
echo "== scale: ${SCALE_N:-200} containers in one namespace daemon" >&2
bash "$REPO/bench/scale.sh" "$PREFIX" "$NS_OPTS" > "$OUTDIR/scale.txt"
python3 "$REPO/bench/chart.py" "$OUTDIR" > "$OUTDIR/chart.svg"
echo "results in $OUTDIR" >&2
for f in group namespace; do echo "--- $f"; grep '^ratio' "$OUTDIR/$f.txt" || true; done
cat "$OUTDIR/scale.txt"

#!/usr/bin/env bash
# The scale run: SCALE_N (200) `ctr run -d` containers, one namespace, namespace scope, one daemon;
# every STEP containers the daemon's threads, fds, RSS and PSS are sampled. Prints the samples and
# the least-squares slope per container of each. Usage: scale.sh PREFIX OPTIONS_TOML
set -euo pipefail
PREFIX=$1 OPTS=$2
N=${SCALE_N:-200} STEP=${SCALE_STEP:-25}
REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/scripts/lib-containerd.sh"
BASE=$(mktemp -d /tmp/rune-scale.XXXXXX)
case $BASE in /tmp/rune-scale.*) ;; *) echo "scale: unexpected temp dir $BASE" >&2; exit 1 ;; esac
C() { ctr --address "$BASE/containerd.sock" -n scale "$@"; }
cleanup() {
  C t ls -q 2>/dev/null | xargs -r -P 10 -n 1 ctr --address "$BASE/containerd.sock" -n scale t rm -f >/dev/null 2>&1 || true
  C c ls -q 2>/dev/null | xargs -r -P 10 -n 20 ctr --address "$BASE/containerd.sock" -n scale c rm >/dev/null 2>&1 || true
  stop_containerd "$BASE"
  pkill -f -- "-address $BASE/containerd.sock" 2>/dev/null || true   # a lingering namespace daemon
  [ -n "$BASE" ] && case $BASE in /tmp/rune-scale.?*) rm -rf "$BASE" ;; esac
}
trap cleanup EXIT
make_busybox_rootfs "$BASE/rootfs"
start_containerd "$BASE" "$PREFIX/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
daemon_pid() { pgrep -f -- "-address $BASE/containerd.sock" | while read -r p; do
  grep -q 'io.rune.shim.main.Main' "/proc/$p/cmdline" 2>/dev/null && echo "$p"; done | head -1; }
sample() {   # n
  local p; p=$(daemon_pid)
  [ -n "$p" ] || { echo "n=$1 no daemon"; return; }
  printf 'n=%s daemons=%s threads=%s fds=%s rss_kb=%s pss_kb=%s\n' "$1" "$(daemon_pid | wc -l)" \
    "$(ls "/proc/$p/task" | wc -l)" "$(ls "/proc/$p/fd" | wc -l)" \
    "$(awk '/^Rss:/{print $2}' "/proc/$p/smaps_rollup")" "$(awk '/^Pss:/{print $2}' "/proc/$p/smaps_rollup")"
}
for ((i = 1; i <= N; i++)); do
  C run -d --runtime io.containerd.rune.v2 --runtime-config-path "$OPTS" --rootfs "$BASE/rootfs" "s$i" /bin/sleep 3600 >/dev/null
  if (( i == 1 || i % STEP == 0 )); then sleep 1; sample "$i"; fi
done | tee "$BASE/samples.txt"
running=$(C t ls | grep -c RUNNING || true)
echo "running=$running of $N; shim processes of this containerd: $(pgrep -fc -- "-address $BASE/containerd.sock")"
awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
       n = v["n"]; if (n == "") next; c++; sx += n; sxx += n * n
       for (k in v) if (k != "n" && k != "daemons") { s[k] += v[k]; sxy[k] += n * v[k] } }
     END { for (k in s) { b = (c * sxy[k] - sx * s[k]) / (c * sxx - sx * sx); printf "slope_per_container %s %.3f\n", k, b } }' \
  "$BASE/samples.txt" | sort

#!/usr/bin/env bash
# Soak: CYCLES create/exec/kill/delete lifecycles through a private containerd against the installed shim,
# in namespace scope (one daemon lives through every cycle) and in group scope (the containers of a cycle
# share one group daemon, which ends with them). Every SAMPLE cycles it records the namespace daemon's
# fds, threads and RSS and the machine's zombies, mounts under the suite dir, shim sockets and rune state
# dirs; after the warm-up (the first sample) nothing may grow beyond a small slack. Prints the curve.
#   scripts/soak.sh PREFIX            (make soak: PREFIX=target/soak-prefix, CYCLES=500; CI runs CYCLES=60)
set -euo pipefail
PREFIX=${1:?usage: soak.sh PREFIX}
CYCLES=${CYCLES:-500} SAMPLE=${SAMPLE:-50}
REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/scripts/lib-containerd.sh"
BASE=$(mktemp -d /tmp/rune-soak.XXXXXX)
case $BASE in /tmp/rune-soak.?*) ;; *) echo "soak: unexpected temp dir $BASE" >&2; exit 1 ;; esac
SOCK=$BASE/containerd.sock
C() { ctr --address "$SOCK" -n soak "$@"; }
cleanup() {
  C t ls -q 2>/dev/null | xargs -r -n 1 ctr --address "$SOCK" -n soak t rm -f >/dev/null 2>&1 || true
  C c ls -q 2>/dev/null | xargs -r -n 20 ctr --address "$SOCK" -n soak c rm >/dev/null 2>&1 || true
  stop_containerd "$BASE"
  pkill -f -- "-address $SOCK" 2>/dev/null || true
  case $BASE in /tmp/rune-soak.?*) rm -rf "$BASE" ;; esac
}
trap cleanup EXIT
make_busybox_rootfs "$BASE/rootfs"
start_containerd "$BASE" "$PREFIX/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
NS_OPTS=$BASE/namespace.toml
printf 'ShimScope = "namespace"\nShimLinger = "60s"\n' > "$NS_OPTS"
GROUP_OPTS=$BASE/group.toml
printf 'ShimScope = "group"\n' > "$GROUP_OPTS"

daemon_pid() {   # the namespace daemon of this containerd
  local p
  for p in $(pgrep -f -- "-address $SOCK" || true); do
    grep -qa 'io.rune.shim.main.Main' "/proc/$p/cmdline" 2>/dev/null && { echo "$p"; return; }
  done
}
zombies() {   # unreaped children of the daemon or of containerd (the machine's other zombies are not ours)
  ps -eo stat=,ppid= | awk -v d="${1:-0}" -v c="${CTD_PID:-0}" '$1 ~ /^Z/ && ($2 == d || $2 == c) {n++} END {print n + 0}'
}
sample() {   # cycle -> one line of numbers
  local p; p=$(daemon_pid)
  printf 'cycle=%s fds=%s threads=%s rss_kb=%s zombies=%s mounts=%s sockets=%s state_dirs=%s shims=%s\n' "$1" \
    "$( [ -n "$p" ] && ls "/proc/$p/fd" | wc -l || echo -)" \
    "$( [ -n "$p" ] && ls "/proc/$p/task" | wc -l || echo -)" \
    "$( [ -n "$p" ] && awk '/^VmRSS:/{print $2}' "/proc/$p/status" || echo -)" \
    "$(zombies "$p")" \
    "$(grep -c " $BASE" /proc/self/mountinfo || true)" \
    "$(ls /run/containerd/s 2>/dev/null | wc -l)" \
    "$(ls /run/containerd/rune/soak 2>/dev/null | wc -l)" \
    "$(pgrep -fc -- "-address $SOCK" || true)"
}
cycle() {   # n: one namespace-scope container with an exec, and a pair sharing a group daemon
  local n=$1 g="g$1"
  C run -d --runtime io.containerd.rune.v2 --runtime-config-path "$NS_OPTS" --rootfs "$BASE/rootfs" "n$n" /bin/sleep 600 >/dev/null
  C t exec --exec-id "e$n" "n$n" /bin/true
  C run -d --runtime io.containerd.rune.v2 --runtime-config-path "$GROUP_OPTS" --annotation "io.containerd.runc.v2.group=$g" \
    --rootfs "$BASE/rootfs" "a$n" /bin/sleep 600 >/dev/null
  C run -d --runtime io.containerd.rune.v2 --runtime-config-path "$GROUP_OPTS" --annotation "io.containerd.runc.v2.group=$g" \
    --rootfs "$BASE/rootfs" "b$n" /bin/sleep 600 >/dev/null
  local id
  for id in "n$n" "a$n" "b$n"; do
    C t kill -s KILL "$id"
    local i; for i in $(seq 1 100); do [ "$(C t ls | awk -v id="$id" '$1 == id {print $3}')" = STOPPED ] && break; sleep 0.05; done
    C t rm "$id" >/dev/null 2>&1 || { echo "soak: task rm $id failed" >&2; return 1; }
    C c rm "$id"
  done
}
: > "$BASE/curve.txt"
for ((n = 1; n <= CYCLES; n++)); do
  if ! cycle "$n"; then
    echo "soak: cycle $n failed; containerd's log tail:" >&2
    tail -40 "$BASE/containerd.log" >&2
    cat "$BASE/curve.txt"
    exit 1
  fi
  if (( n == 1 || n % SAMPLE == 0 )); then sleep 1; sample "$n" | tee -a "$BASE/curve.txt"; fi
done
# after the warm-up (the sample after cycle 1, or cycle SAMPLE when there are enough), nothing may grow
awk -v slack_fds=4 -v slack_threads=2 -v slack_rss=20480 '
  { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[NR, kv[1]] = kv[2] } }
  END {
    base = NR >= 3 ? 2 : 1; bad = 0
    split("fds threads zombies mounts sockets state_dirs shims", keys, " ")
    for (k in keys) { key = keys[k]; lim = (key == "fds" ? slack_fds : key == "threads" ? slack_threads : 0)
      for (r = base + 1; r <= NR; r++) if (v[r, key] != "-" && v[r, key] > v[base, key] + lim) {
        printf "soak: %s grew from %s to %s by cycle %s\n", key, v[base, key], v[r, key], v[r, "cycle"]; bad = 1; break } }
    for (r = base + 1; r <= NR; r++) if (v[r, "rss_kb"] > v[base, "rss_kb"] + slack_rss) {
      printf "soak: rss_kb grew from %s to %s by cycle %s\n", v[base, "rss_kb"], v[r, "rss_kb"], v[r, "cycle"]; bad = 1; break }
    if (!bad) printf "soak: %d cycles, no growth after warm-up\n", v[NR, "cycle"]
    exit bad }' "$BASE/curve.txt"

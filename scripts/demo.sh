#!/usr/bin/env bash
# The main job: install what is missing, build and install the shim, start a private containerd,
# run a container through io.containerd.rune.v2, print its output, stop everything.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib-containerd.sh
[ "$(id -u)" = 0 ] || { echo "demo: must run as root (containerd, mounts)" >&2; exit 1; }
need_packages containerd runc busybox-static
PREFIX=${PREFIX:-/usr/local}
make install PREFIX="$PREFIX"
BASE=$(mktemp -d /tmp/rune-demo.XXXXXX)
trap 'ctr --address "$CTD_SOCK" -n demo task rm -f demo >/dev/null 2>&1 || true; ctr --address "$CTD_SOCK" -n demo c rm demo >/dev/null 2>&1 || true; stop_containerd "$BASE"; pkill -f -- "-address $CTD_SOCK" 2>/dev/null || true; case $BASE in /tmp/rune-demo.?*) rm -rf "$BASE" ;; esac' EXIT
make_busybox_rootfs "$BASE/rootfs"
start_containerd "$BASE" "$PREFIX/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
echo "== private containerd at $CTD_SOCK; running: ctr run --rm --runtime io.containerd.rune.v2 ... /bin/echo hello from rune"
ctr --address "$CTD_SOCK" -n demo run --rm --runtime io.containerd.rune.v2 --rootfs "$BASE/rootfs" demo /bin/echo hello from rune
echo "== exit status $?; shim log lines from containerd:"
grep -c 'runtime=io.containerd.rune.v2' "$BASE/containerd.log" | sed 's/^/   /'

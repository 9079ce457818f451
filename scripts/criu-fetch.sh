#!/usr/bin/env bash
# A working CRIU for the checkpoint/restore tests, without installing anything system-wide.
#
#   scripts/criu-fetch.sh [DIR]      (default $CRIU_DIR, else /var/cache/containerd-shim-rune-v2/criu-trixie)
#
# Debian 12's criu 3.17 fails `criu check` on recent kernels ("vdso: Unexpected rt vDSO area bounds");
# trixie's criu 4.1.1 passes, when it runs on trixie's own C library. This fetches criu and its library
# closure from trixie (scripts/debian-fetch.sh: private apt config, cached .debs, dpkg -x into DIR/root)
# and writes DIR/bin/criu, a wrapper that execs criu through trixie's dynamic loader with trixie's
# library directory, so nothing of it touches the host's libraries. Put DIR/bin first on the PATH of
# containerd (and so of runc/rune) to use it. Prints DIR/bin; fails unless `criu check` passes with it.
#
# The wrapper also names a config file (CRIU_CONFIG_FILE, read in runc's swrk mode too) that has CRIU lock
# a container's network with nftables (linked in, through libnftables) instead of its default, which runs
# iptables-restore inside the container's network namespace and fails a dump where no iptables is
# installed ("net: Locking network failed").
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${1:-${CRIU_DIR:-/var/cache/containerd-shim-rune-v2/criu-trixie}}
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
root=$dir/root
# criu's Depends closure in trixie (apt-cache depends --recurse --no-recommends criu)
packages=(criu libc6 libgcc-s1 gcc-14-base libbsd0 libmd0 libcompel1 libprotobuf-c1 libnet1 libnl-3-200 libuuid1
  libgnutls30t64 libidn2-0 libunistring5 libtasn1-6 libnettle8t64 libhogweed6t64 libgmp10 libp11-kit0 libffi8
  libnftables1 libjansson4 libxtables12 libmnl0 libnftnl11)
scripts/debian-fetch.sh trixie "$root" "${packages[@]}"

arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
lib=$root/usr/lib/$arch
loader=$(ls "$lib"/ld-linux*.so.* 2>/dev/null | head -1)
[ -x "$root/usr/sbin/criu" ] && [ -n "$loader" ] || { echo "$0: no criu or dynamic loader unpacked in $root" >&2; exit 1; }

version=$("$loader" --library-path "$lib" "$root/usr/sbin/criu" --version | sed -n 's/^Version: //p')
mkdir -p "$dir/bin"
printf '# written by scripts/criu-fetch.sh: lock the network with nftables, not iptables-restore\nnetwork-lock nftables\n' \
  > "$dir/criu.conf"
cat > "$dir/bin/.criu.tmp" <<WRAPPER
#!/bin/sh
# criu $version from Debian trixie, run on trixie's C library (written by scripts/criu-fetch.sh)
CRIU_CONFIG_FILE="$dir/criu.conf"
export CRIU_CONFIG_FILE
exec "$loader" --library-path "$lib" "$root/usr/sbin/criu" "\$@"
WRAPPER
chmod 0755 "$dir/bin/.criu.tmp"
mv -f "$dir/bin/.criu.tmp" "$dir/bin/criu"

if ! out=$("$dir/bin/criu" check 2>&1); then
  echo "$0: $dir/bin/criu check failed:" >&2
  echo "$out" >&2
  exit 1
fi
echo "$dir/bin"

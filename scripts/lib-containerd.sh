# Shared by demo.sh and .ci/run: packages, a busybox rootfs, a private containerd.
# shellcheck shell=bash

need_packages() {   # installs the Debian packages that are missing
  local missing=() p
  for p in "$@"; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q ' installed$' || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  echo "installing: ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

make_busybox_rootfs() {   # dir
  local r=$1 a
  mkdir -p "$r/bin" "$r/sbin" "$r/etc" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/root"
  cp /bin/busybox "$r/bin/busybox"
  for a in $("$r/bin/busybox" --list); do [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"; done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$r/etc/passwd"
  echo 'root:x:0:' > "$r/etc/group"
}

start_containerd() {   # base dir, PATH for containerd; sets CTD_PID and CTD_SOCK
  local base=$1 path=$2
  CTD_SOCK=$base/containerd.sock
  cat > "$base/config.toml" <<TOML
version = 2
root = "$base/root"
state = "$base/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CTD_SOCK"
[ttrpc]
  address = "$CTD_SOCK.ttrpc"
TOML
  PATH=$path containerd --config "$base/config.toml" >"$base/containerd.log" 2>&1 &
  CTD_PID=$!
  local i
  for i in $(seq 1 100); do [ -S "$CTD_SOCK" ] && ctr --address "$CTD_SOCK" version >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "containerd did not come up; its log:" >&2; tail -20 "$base/containerd.log" >&2; return 1
}

stop_containerd() {   # base dir
  local base=$1 i
  if [ -n "${CTD_PID:-}" ] && kill -0 "$CTD_PID" 2>/dev/null; then
    kill -TERM "$CTD_PID"; for i in $(seq 1 50); do kill -0 "$CTD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$CTD_PID" 2>/dev/null || true; wait "$CTD_PID" 2>/dev/null || true
  fi
  awk -v b="$base" 'index($5, b) == 1 {print $5}' /proc/self/mountinfo | sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" || true; done
  return 0
}

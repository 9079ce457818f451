#!/usr/bin/env bash
# Fetches Debian packages of another suite (trixie, sid, ...) and unpacks them into a directory,
# without installing anything system-wide: a private apt configuration (own sources list, lists and
# cache directories) whose archive URI and keyring are taken from this machine's own apt sources,
# `apt-get download`, then `dpkg -x`. Used for newer containerd (issue 12) and criu (issue 13).
#
#   scripts/debian-fetch.sh SUITE DEST PKG...
#
# DEST gets every package's files (DEST/usr/bin/containerd, ...). A stamp file makes a second call
# with the same suite and package list a no-op. The .debs stay cached in
# $DEBIAN_FETCH_CACHE (default /var/cache/containerd-shim-rune-v2/debian-fetch)/SUITE.
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: $0 SUITE DEST PKG..." >&2; exit 2; }
suite=$1 dest=$2; shift 2
case $suite in *[!a-z0-9-]*|'') echo "$0: bad suite name '$suite'" >&2; exit 2 ;; esac
cache_root=${DEBIAN_FETCH_CACHE:-/var/cache/containerd-shim-rune-v2/debian-fetch}
base=$cache_root/$suite
stamp=$dest/.debian-fetch-$suite-$(printf '%s\n' "$@" | sort | md5sum | cut -c1-12)
[ -e "$stamp" ] && exit 0

# The machine's own Debian archive entry: the URI and keyring of the source that serves its release.
release=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
uri='' key=''
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  # deb822: take the stanza whose Suites name the machine's release itself (not -security/-updates)
  read -r uri key < <(awk -v rel="$release" '
      /^[[:space:]]*$/ { if (hit && u != "") { print u, k; exit } u = ""; k = ""; hit = 0; next }
      /^URIs:/ { u = $2 } /^Signed-By:/ { k = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == rel) hit = 1 }
      END { if (hit && u != "") print u, k }' /etc/apt/sources.list.d/debian.sources) || true
fi
if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
  # one-line format: deb [signed-by=...] URI RELEASE main
  line=$(grep -E "^deb[[:space:]].*[[:space:]]$release[[:space:]]" /etc/apt/sources.list | head -1 || true)
  key=$(sed -n 's/.*signed-by=\([^] ]*\).*/\1/p' <<<"$line")
  uri=$(sed -e 's/\[[^]]*\]//' <<<"$line" | awk '{print $2}')
fi
[ -n "$uri" ] || { echo "$0: no Debian archive for '$release' found in this machine's apt sources" >&2; exit 1; }
[ -n "$key" ] || key=/usr/share/keyrings/debian-archive-keyring.gpg

mkdir -p "$base/etc/none" "$base/lists/partial" "$base/cache/archives/partial" "$base/debs" "$dest"
echo "deb [signed-by=$key] $uri $suite main" > "$base/etc/sources.list"
cat > "$base/etc/apt.conf" <<CONF
Dir::Etc::SourceList "$base/etc/sources.list";
Dir::Etc::SourceParts "$base/etc/none";
Dir::State::Lists "$base/lists";
Dir::Cache "$base/cache";
Dir::Etc::Preferences "$base/etc/none";
Dir::Etc::PreferencesParts "$base/etc/none";
APT::Sandbox::User "root";
CONF
export APT_CONFIG=$base/etc/apt.conf
# lists are refreshed at most once a day
if [ -z "$(find "$base/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
  echo "debian-fetch: updating the $suite package lists (private apt config $APT_CONFIG)" >&2
  apt-get update -qq -o APT::Update::Error-Mode=any >/dev/null
fi
need=()
for p in "$@"; do
  compgen -G "$base/debs/${p}_*.deb" >/dev/null || need+=("$p")
done
if ((${#need[@]})); then
  echo "debian-fetch: downloading from $suite: ${need[*]}" >&2
  (cd "$base/debs" && apt-get download -qq "${need[@]}" >/dev/null)
fi
for p in "$@"; do
  deb=$(ls -v "$base"/debs/"${p}"_*.deb | tail -1)   # the newest one cached
  dpkg -x "$deb" "$dest"
done
touch "$stamp"

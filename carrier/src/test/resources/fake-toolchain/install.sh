#!/bin/sh
# Installs the fake enclave toolchain: sh install.sh DEST
# DEST/bin/{occlum,sgx_sign,gramine-sgx-sign,gramine-sgx-get-token}, DEST/config.toml (paths
# pointing into DEST), DEST/work (build workspaces). Point the shim at DEST/config.toml, or copy
# it to /etc/inclavare-containers/config.toml.
set -eu
[ $# -eq 1 ] || { echo "usage: sh install.sh DEST" >&2; exit 2; }
src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1/bin" "$1/work"
dest=$(cd "$1" && pwd)
for t in occlum sgx_sign gramine-sgx-sign gramine-sgx-get-token; do
    cp "$src/bin/$t" "$dest/bin/$t"
    chmod 755 "$dest/bin/$t"
done
sed "s|@FAKE_TOOLCHAIN@|$dest|g" "$src/config.toml" > "$dest/config.toml"
echo "$dest/config.toml"

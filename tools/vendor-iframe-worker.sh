#!/usr/bin/env bash
# Refresh the vendored iframe-worker shim, which the offline build (make build-offline)
# needs to run the search worker from file://. Material's offline plugin would load
# it from unpkg.com; book/mkdocs_hooks.py points it here instead.
#   tools/vendor-iframe-worker.sh           # re-fetch the pinned version
#   tools/vendor-iframe-worker.sh 1.0.4     # move the pin
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/docs/assets/vendor/iframe-worker"
version=${1:-$(cat "$dest/VERSION" 2>/dev/null || true)}
[ -n "$version" ] || { echo "usage: $0 VERSION (no pinned version in $dest/VERSION)" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "iframe-worker@$version" >/dev/null && tar xzf iframe-worker-*.tgz)
rm -rf "$dest"; mkdir -p "$dest"
cp "$tmp/package/shim/index.js" "$dest/shim.js"
cp "$tmp/package/LICENSE" "$dest/LICENSE"
echo "$version" > "$dest/VERSION"
echo "iframe-worker $version vendored into ${dest#$here/}"

#!/usr/bin/env bash
# Refresh the vendored axe-core (accessibility rules) that the browser tests inject.
#   tools/vendor-axe.sh            # re-fetch the pinned version (tests/vendor/axe-core/VERSION)
#   tools/vendor-axe.sh 4.14.1     # move the pin
# It is a test tool: it lives under tests/, never in the built site.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/tests/vendor/axe-core"
version=${1:-$(cat "$dest/VERSION" 2>/dev/null || true)}
[ -n "$version" ] || { echo "usage: $0 VERSION (no pinned version in $dest/VERSION)" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "axe-core@$version" >/dev/null && tar xzf axe-core-*.tgz)
rm -rf "$dest"; mkdir -p "$dest"
cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$dest/"
echo "$version" > "$dest/VERSION"
echo "axe-core $version vendored into ${dest#$here/}"

#!/usr/bin/env bash
# Refresh the vendored KaTeX renderer from the npm registry.
#   tools/vendor-katex.sh           # re-fetch the pinned version (docs/assets/vendor/katex/VERSION)
#   tools/vendor-katex.sh 0.19.1    # move the pin to another version
# Only what the book uses is kept: katex.min.js (run by node when the book is
# built, book/katex_worker.cjs; not published), katex.min.css and the woff2 fonts
# (the only files a reader's browser loads).
# The CSS is rewritten to name only woff2 files, so no browser asks for a
# font that is not shipped, and with font-display:swap. Review the result as a diff before committing.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/docs/assets/vendor/katex"
version=${1:-$(cat "$dest/VERSION" 2>/dev/null || true)}
[ -n "$version" ] || { echo "usage: $0 VERSION (no pinned version found in $dest/VERSION)" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "katex@$version" >/dev/null && tar xzf katex-*.tgz)
dist="$tmp/package/dist"
rm -rf "$dest"; mkdir -p "$dest/fonts"
cp "$dist/katex.min.js" "$dest/"
cp "$dist"/fonts/*.woff2 "$dest/fonts/"
cp "$tmp/package/LICENSE" "$dest/LICENSE"
python3 - "$dist/katex.min.css" "$dest/katex.min.css" <<'PY'
import re, sys
css = open(sys.argv[1], encoding="utf-8").read()
css, n = re.subn(r',url\(fonts/[^)]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)', "", css)
assert n > 0 and ".woff)" not in css and ".ttf)" not in css, "unexpected katex.min.css layout"
# Text with math is painted at once in a fallback font, not hidden until the fonts arrive.
css, n = re.subn(r"font-display:block", "font-display:swap", css)
assert n > 0, "unexpected katex.min.css layout (no font-display)"
open(sys.argv[2], "w", encoding="utf-8").write(css)
PY
echo "$version" > "$dest/VERSION"
echo "KaTeX $version vendored into ${dest#$here/}"

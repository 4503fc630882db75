#!/usr/bin/env bash
# Make sure Debian's Chromium is there for the browser tests.
# - Already installed: nothing to do.
# - Root with apt-get: install it (Debian package `chromium`).
# - Otherwise: say why the browser tests will be skipped. With CI=true a missing
#   browser is an error: there the browser tests are mandatory.
set -u
exe=${BOOK_CHROMIUM:-/usr/bin/chromium}
if [ -x "$exe" ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests (apt-get)..."
  if { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/tmp/ensure-chromium.log 2>&1; then
    exit 0
  fi
  echo "apt-get could not install chromium (log: /tmp/ensure-chromium.log)." >&2
fi
if [ "${CI:-}" = "true" ]; then
  echo "CI=true and no Chromium at $exe: the browser tests are mandatory in CI." >&2
  exit 1
fi
echo "NOTE: no Chromium at $exe and no way to install it (need root and apt-get):"
echo "      the browser tests will be SKIPPED, each with this reason. Install Debian's"
echo "      'chromium' package (or set BOOK_CHROMIUM) to run them."
exit 0

"""The offline build (``make build-offline``): Material's offline plugin loads its iframe-worker shim
from unpkg.com; the book serves its own vendored copy (``tools/vendor-iframe-worker.sh``)."""

from __future__ import annotations

from typing import Any

#: The vendored shim, a path inside the site.
IFRAME_WORKER = "assets/vendor/iframe-worker/shim.js"


def vendored_polyfills(extra: dict[str, Any]) -> None:
    """Replace the offline plugin's iframe-worker polyfill URL in ``extra["polyfills"]`` by the vendored file.

    >>> extra = {"polyfills": ["https://unpkg.com/iframe-worker/shim", "other.js"]}
    >>> vendored_polyfills(extra); extra["polyfills"]
    ['assets/vendor/iframe-worker/shim.js', 'other.js']
    """
    extra["polyfills"] = [IFRAME_WORKER if "iframe-worker" in p else p for p in extra.get("polyfills") or []]

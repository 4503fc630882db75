"""No broken link and no image without a description, checked over the built HTML.

Every internal link (``href`` of ``<a>``) and every resource (``src`` of images,
scripts; ``href`` of stylesheets) must resolve to a file of the built site, and
every ``#anchor`` to an element id in its target page. Every ``<img>`` has alt text
that describes it (not nbconvert's placeholder).
"""

from __future__ import annotations

import posixpath
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import unquote, urlparse

from conftest import site_pages

PLACEHOLDER_ALT = "No description has been provided for this image"


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.resources: list[str] = []
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag in ("img", "script", "source", "iframe") and a.get("src"):
            self.resources.append(a["src"])
        if tag == "link" and a.get("href"):
            self.resources.append(a["href"])
        if tag == "img":
            self.images.append(a)


def parse(path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def target_file(site, page_path: str, url: str):
    """The file a relative or root-relative URL of page ``page_path`` points to (or None for other hosts)."""
    u = urlparse(url)
    if u.scheme or u.netloc:
        return None
    directory_url = page_path.endswith("/") or page_path == ""
    base = posixpath.dirname(page_path + "index.html") if directory_url else posixpath.dirname(page_path)
    path = unquote(u.path)
    resolved = posixpath.normpath(posixpath.join("/" + base, path) if not path.startswith("/") else path).lstrip("/")
    if path == "":
        resolved = page_path
    candidate = site / resolved
    if candidate.is_dir() or url.split("#")[0].endswith("/") or path == "":
        candidate = candidate / "index.html" if not candidate.name.endswith(".html") else candidate
    return candidate


def test_every_internal_link_and_anchor_resolves(site):
    cache: dict = {}
    broken = []
    checked = Counter()
    for page in site_pages(site):
        html = site / page / "index.html"
        parsed = parse(html)
        for href in parsed.links:
            if href.startswith(("mailto:", "javascript:")):
                continue
            target = target_file(site, page, href)
            if target is None:
                continue
            checked["links"] += 1
            if not target.is_file():
                broken.append(f"{page or '/'}: {href} -> missing {target.relative_to(site)}")
                continue
            fragment = urlparse(href).fragment
            if fragment and target.suffix == ".html":
                checked["anchors"] += 1
                if target not in cache:  # parse each target once (setdefault would parse every time)
                    cache[target] = parse(target).ids
                ids = cache[target]
                if unquote(fragment) not in ids:
                    broken.append(f"{page or '/'}: {href} -> no id {fragment!r} in {target.relative_to(site)}")
        for src in parsed.resources:
            if src.startswith("data:"):
                continue
            target = target_file(site, page, src)
            checked["resources"] += target is not None
            if target is not None and not target.is_file():
                broken.append(f"{page or '/'}: resource {src} missing")
    assert min(checked[k] for k in ("links", "anchors", "resources")) >= 50, checked
    assert not broken, "\n".join(broken)


def test_every_image_has_meaningful_alt_text(site):
    bad = []
    images = 0
    for page in site_pages(site):
        for img in parse(site / page / "index.html").images:
            images += 1
            alt = (img.get("alt") or "").strip()
            if len(alt.split()) < 4 or alt.startswith(PLACEHOLDER_ALT):
                bad.append(f"{page or '/'}: <img src={img.get('src', '')[:60]!r}> alt={alt!r}")
    assert images >= 10, f"only {images} images in the whole site"
    assert not bad, "\n".join(bad)

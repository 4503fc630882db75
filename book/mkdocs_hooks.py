"""MkDocs hooks: the glue between the pages and the code that checks them.

- ``on_config``: the offline build's iframe-worker shim comes from the site itself,
  not from unpkg.com (``tools/vendor-iframe-worker.sh`` vendors it); and
  ``pymdownx.snippets`` resolves ``base_path`` from the current
  directory; we make it the repository root, so ``mkdocs serve`` and the tests
  include the same files from wherever they are started.
- ``on_page_markdown``: includes sections of other pages (the printable exam and
  answer key are made of the exam page's and the chapters' own text), then renders facts (``{{ module.key }}``, see ``book/facts.py``).
  An unknown fact stops the build with the page and the name in the message.
- ``on_page_content``: every page ends with when and with which versions its
  code was last verified (``book/verified.py``, written by the test run); a chapter's answers (from "The exam answer" on) are wrapped
  for exam mode; notebook pages get links to download the notebook
  as ``.ipynb`` (converted with jupytext at build time) and as its ``.py`` source.
- ``on_post_page``: notebook pages come from nbconvert with a MathJax loader and a
  Mermaid loader that point at a CDN; the book typesets notebook math with its
  vendored KaTeX, so both loaders are removed and no page names another host.
  Figures get their width and height (``book/page_weight.py``), then every
  formula of the page is typeset at build time (``typeset_math``,
  ``book/math_render.py``); ``on_shutdown`` stops the renderer and saves its cache.

The Hebrew edition (mkdocs-static-i18n builds ``docs/x.he.md`` under ``/he/`` in a
second build; ``language(config)`` says which build is running):

- ``on_config``: the notebook cache is off for the Hebrew build, which would
  otherwise evict every cached notebook (``_share_notebook_cache``).
- ``on_files`` (after the plugin): notebooks are wrapped again as mkdocs-jupyter
  pages, and kept out of the Hebrew build's sitemap record.
- ``on_nav``: in the Hebrew build, notebook entries become links to the shared
  English notebook pages; ``on_page_markdown``/``on_page_content`` do the same for
  links in the text (``shared_notebook_links``, ``notebook_hrefs``).
- ``on_page_context``: every page's language switcher names the same page in both
  editions (``alternates``); ``on_post_page`` writes them as ``rel="book-alternate"``
  and, in Hebrew pages, isolates shapes, calls and arrow chains left to right
  (``isolate_ltr_runs``).
"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the hook is loaded by path, not as a package
    sys.path.insert(0, str(ROOT))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.plugins import event_priority  # noqa: E402

from book.facts import FactError, substitute  # noqa: E402
from book.page_weight import size_images  # noqa: E402

# nbconvert's lab template: <script src="…mathjax…"> </script>, the
# text/x-mathjax-config block, and the Mermaid ES-module loader.
_NB_LOADERS = [
    re.compile(r"<!-- Load mathjax -->\s*<script src=\"[^\"]*\">\s*</script>", re.S),
    re.compile(r"<!-- MathJax configuration -->.*?<!-- End of mathjax configuration -->", re.S),
    re.compile(r"<script type=\"text/x-mathjax-config\">.*?</script>", re.S),
    re.compile(r"<script type=\"module\">\s*document\.addEventListener\(\"DOMContentLoaded\", async \(\) => \{\s*const diagrams = document\.querySelectorAll\(\"\.jp-Mermaid.*?</script>", re.S),
]


#: Material's offline plugin adds this shim from unpkg.com; the book serves its vendored copy.
IFRAME_WORKER = "assets/vendor/iframe-worker/shim.js"


class _InstantSwitcherHandled(logging.Filter):
    """mkdocs-static-i18n warns that Material's language switcher goes stale under
    instant navigation (the header is not swapped). ``assets/javascripts/i18n.js``
    re-points it on every page swap, so that one warning is dropped; any other stays."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "not compatible with theme.features = navigation.instant" not in record.getMessage()


logging.getLogger("mkdocs.plugins.mkdocs_static_i18n.reconfigure").addFilter(_InstantSwitcherHandled())


def language(config) -> str:
    """The edition being built: "en" (the default, at the site root) or "he" (under /he/)."""
    plugin = config["plugins"].get("i18n")
    return getattr(plugin, "current_language", None) or "en"


def _is_notebook_file(file) -> bool:
    return file.src_uri.startswith("notebooks/") and file.src_uri.endswith(".py")


def _english_url(file) -> str:
    """The URL of a file in the English build, whichever build this is."""
    return file.url.removeprefix("he/")


@event_priority(-200)   # after mkdocs-static-i18n (-100), which rebuilds every File
def on_files(files, config, **kwargs):
    """mkdocs-static-i18n replaces each file by a plain ``File``, so a notebook would be
    copied as its raw ``.py`` source; wrap notebooks again as mkdocs-jupyter does."""
    from mkdocs_jupyter.plugin import NotebookFile

    if "mkdocs-jupyter" not in config["plugins"]:
        return files
    for file in [f for f in files if _is_notebook_file(f) and not isinstance(f, NotebookFile)]:
        files.remove(file)
        files.append(NotebookFile(file, **config))
    # The plugin's record of each edition's pages makes the sitemap, which instant
    # navigation reads: without the notebooks, a click on one reloads the page.
    # A notebook is English only: no Hebrew alternate, and not a page of the Hebrew build.
    i18n = config["plugins"].get("i18n")
    if i18n is not None and hasattr(i18n, "i18n_files_per_language"):
        hebrew = language(config) != "en"
        pages = [f for f in files.documentation_pages() if not (hebrew and _is_notebook_file(f))]
        for f in pages:
            if _is_notebook_file(f) and isinstance(getattr(f, "alternates", None), dict):
                f.alternates.pop("he", None)
        i18n.i18n_files_per_language[i18n.current_language] = pages
    return files


def on_nav(nav, config, files, **kwargs):
    """The notebooks are shared, not duplicated: they are pages of the English build
    only. In the Hebrew build their nav entries become links to the English pages,
    and the files are dropped, so no notebook is executed twice."""
    if language(config) == "en":
        return nav
    from mkdocs.structure.nav import Link

    def swap(items):
        for i, item in enumerate(items):
            if getattr(item, "children", None):
                swap(item.children)
            elif getattr(item, "file", None) is not None and _is_notebook_file(item.file):
                link = Link(item.title, _english_url(item.file))
                link.parent = item.parent
                items[i] = link
                files.remove(item.file)

    swap(nav.items)
    nav.pages = [p for p in nav.pages if not _is_notebook_file(p.file)]
    for file in [f for f in files if _is_notebook_file(f)]:
        files.remove(file)
    return nav


def notebook_chapters() -> dict[str, str]:
    """Notebook name -> the chapter page (docs path) whose "Proven by" box links to it.

    >>> notebook_chapters()["a2_rnncell_parameters"]
    'chapters/a2-rnncell-parameters.md'
    """
    out: dict[str, str] = {}
    for chapter in sorted((ROOT / "docs" / "chapters").glob("*.md")):
        if chapter.name.endswith(".he.md"):
            continue
        for name in re.findall(r"notebooks/(\w+)\.py", chapter.read_text(encoding="utf-8")):
            out.setdefault(name, f"chapters/{chapter.name}")
    return out


EDITIONS = (("en", "English"), ("he", "עברית"))


def alternates(page_url: str, notebook_chapter: str | None = None, use_directory_urls: bool = True) -> list[dict]:
    """The language switcher's links for a page: the same page in each edition, as
    site-relative URLs (the theme makes them relative to the page, so they work
    under any site path and from file://). A notebook page is English only; its
    Hebrew link goes to the Hebrew page of its chapter.

    >>> [a["link"] for a in alternates("he/chapters/a2/")]
    ['chapters/a2/', 'he/chapters/a2/']
    >>> [a["link"] for a in alternates("")]
    ['./', 'he/']
    >>> [a["link"] for a in alternates("notebooks/a2/", "chapters/a2-x.md")]
    ['notebooks/a2/', 'he/chapters/a2-x/']
    >>> [a["link"] for a in alternates("index.html", None, False)]
    ['index.html', 'he/index.html']
    """
    english = page_url.removeprefix("he/") if page_url != "he/" else ""
    if notebook_chapter:
        slug = notebook_chapter.removesuffix(".md")
        hebrew = f"he/{slug}/" if use_directory_urls else f"he/{slug}.html"
    else:
        hebrew = f"he/{english}"
    links = {"en": english or "./", "he": hebrew}
    return [{"name": name, "link": links[lang], "lang": lang} for lang, name in EDITIONS]


def on_page_context(context, page, config, nav, **kwargs):
    """Every page's language switcher (and <link rel="alternate">) points at the same page in both editions."""
    chapter = notebook_chapters().get(Path(page.file.src_uri).stem) if _is_notebook(page) else None
    links = alternates(page.url, chapter, config["use_directory_urls"])
    # mkdocs-static-i18n sets the attribute (which the theme reads), not the item: set both.
    config["extra"]["alternate"] = links
    setattr(config["extra"], "alternate", links)
    return context


_NB_LINK = re.compile(r"\]\((?P<path>(?:\.\./)*notebooks/(?P<name>\w+)\.py)(?P<frag>#[^)\s]*)?\)")
_NB_PLACEHOLDER = re.compile(r'href="book-notebook:(?P<name>\w+)(?P<frag>#[^"]*)?"')


def shared_notebook_links(markdown: str) -> str:
    """In a Hebrew page, mark links to a notebook (``../notebooks/x.py``): the notebooks
    are pages of the English build only. ``notebook_hrefs`` makes them real links.

    >>> shared_notebook_links("[הריצו](../notebooks/a2_x.py#top)")
    '[הריצו](book-notebook:a2_x#top)'
    """
    return _NB_LINK.sub(lambda m: f"](book-notebook:{m['name']}{m['frag'] or ''})", markdown)


def notebook_hrefs(html: str, page_url: str, use_directory_urls: bool = True) -> str:
    """Point marked notebook links at the shared English notebook page, relative to the page.

    >>> notebook_hrefs('<a href="book-notebook:a2_x">', "he/chapters/a2/")
    '<a href="../../../notebooks/a2_x/">'
    >>> notebook_hrefs('<a href="book-notebook:a2_x#top">', "he/chapters/a2.html", False)
    '<a href="../../notebooks/a2_x.html#top">'
    """
    from mkdocs.utils import get_relative_url

    def one(m: re.Match[str]) -> str:
        target = f"notebooks/{m['name']}/" if use_directory_urls else f"notebooks/{m['name']}.html"
        return f'href="{get_relative_url(target, page_url)}{m["frag"] or ""}"'

    return _NB_PLACEHOLDER.sub(one, html)


_NOTEBOOK_CACHE: dict[str, object] = {}


def _share_notebook_cache(config) -> None:
    """The Hebrew build executes no notebook, and mkdocs-jupyter evicts, after each
    build, every cached notebook that build did not use: after the Hebrew build the
    cache would be empty, and every rebuild (``mkdocs serve``) would execute every
    notebook again. So the cache is switched off for the Hebrew build only."""
    jupyter = config["plugins"].get("mkdocs-jupyter")
    if jupyter is None:
        return
    if language(config) == "en":
        jupyter.config["cache"] = _NOTEBOOK_CACHE.setdefault("cache", jupyter.config["cache"])
    else:
        _NOTEBOOK_CACHE.setdefault("cache", jupyter.config["cache"])
        jupyter.config["cache"] = False


def on_config(config, **kwargs):
    _share_notebook_cache(config)
    polyfills = config["extra"].get("polyfills") or []
    config["extra"]["polyfills"] = [IFRAME_WORKER if "iframe-worker" in p else p for p in polyfills]
    snippets = config["mdx_configs"].setdefault("pymdownx.snippets", {})
    base = snippets.get("base_path", ["."])
    if isinstance(base, str):
        base = [base]
    snippets["base_path"] = [str((ROOT / b).resolve()) for b in base]
    return config


def _is_notebook(page) -> bool:
    return page.file.src_uri.startswith("notebooks/") and page.file.src_uri.endswith(".py")


ANSWER_HEADING = '<h2 id="the-exam-answer">'


def wrap_answers(html: str) -> str:
    """Wrap a chapter from "The exam answer" to its end in ``<div class="book-answers">``.

    Exam mode (docs/assets/javascripts/study.js) hides that part until the reader
    reveals it; without JavaScript it is simply shown.

    >>> wrap_answers('<h2 id="the-question">Q</h2><p>?</p><h2 id="the-exam-answer">A</h2><p>!</p>')
    '<h2 id="the-question">Q</h2><p>?</p><div class="book-answers" id="answers"><h2 id="the-exam-answer">A</h2><p>!</p></div>'
    """
    at = html.find(ANSWER_HEADING)
    if at < 0:
        return html
    return html[:at] + '<div class="book-answers" id="answers">' + html[at:] + "</div>"


def on_page_content(html, page, config, files, **kwargs):
    """Every page: the verification stamp. Chapters: answers wrapped for exam mode. Notebooks: download links."""
    from book.verified import stamp

    html = notebook_hrefs(html, page.url, config["use_directory_urls"]) + stamp(language(config))
    if page.file.src_uri.startswith("chapters/"):
        return wrap_answers(html)
    if not _is_notebook(page):
        return html
    import jupytext

    src = Path(page.file.abs_src_path)
    dest_dir = Path(page.file.abs_dest_path).parent
    dest_dir.mkdir(parents=True, exist_ok=True)
    jupytext.write(jupytext.read(src), dest_dir / f"{src.stem}.ipynb")
    links = (
        '<p class="nb-download">Download this notebook: '
        f'<a href="{src.stem}.ipynb" download>{src.stem}.ipynb</a> (Jupyter) · '
        f'<a href="{src.name}" download>{src.name}</a> (the source, a jupytext script). '
        "It imports the book's code: run it in the book's environment (<code>make install</code>).</p>"
    )
    return links + html


_MD_INCLUDE = re.compile(r'^(?P<indent>[ \t]*)-{1,}8<-{1,}[ \t]+"(?P<file>docs/[^":]+\.md)(?::(?P<section>[\w.-]+))?"[ \t]*$', re.M)


_MD_LINK = re.compile(r"(\]\()(?!https?:|mailto:|/)([^)\s]*)(\))")


def absolute_links(text: str, source: str) -> str:
    """Make the relative links of a page's text point from the docs root, so they survive inclusion elsewhere.

    >>> absolute_links("[§1](#receptive-field) ![fig](../figures/a.svg) [x](b.md#y) [w](https://a.b)", "chapters/d.md")
    '[§1](/chapters/d.md#receptive-field) ![fig](/figures/a.svg) [x](/chapters/b.md#y) [w](https://a.b)'
    """
    import posixpath

    base = posixpath.dirname(source)

    def one(m: re.Match[str]) -> str:
        target = m[2]
        if target.startswith("#"):
            return f"{m[1]}/{source}{target}{m[3]}"
        path, _, frag = target.partition("#")
        resolved = posixpath.normpath(posixpath.join(base, path)) if path else source
        return f"{m[1]}/{resolved}{'#' + frag if frag else ''}{m[3]}"

    return _MD_LINK.sub(one, text)


def expand_markdown_includes(markdown: str, depth: int = 0) -> str:
    """Include sections of other pages (``--8<-- "docs/x.md:section"``) before facts are rendered.

    pymdownx.snippets would include them too, but after this hook has rendered the
    facts, leaving ``{{ … }}`` in the included text. Sections are marked in the
    source page with ``<!-- --8<-- [start:name] -->`` … ``<!-- --8<-- [end:name] -->``.
    A missing file or section stops the build, as ``check_paths`` does for code.
    """
    if depth > 3:
        raise PluginError("Markdown includes nested more than 3 deep")

    def one(match: re.Match[str]) -> str:
        path = ROOT / match["file"]
        if not path.is_file():
            raise PluginError(f"--8<-- names a missing page: {match['file']}")
        text = path.read_text(encoding="utf-8")
        if match["section"]:
            start = re.search(rf"^.*--8<-- \[start:{re.escape(match['section'])}\].*$\n?", text, re.M)
            end = re.search(rf"^.*--8<-- \[end:{re.escape(match['section'])}\].*$", text, re.M)
            if not start or not end or end.start() < start.end():
                raise PluginError(f"--8<-- names a missing section: {match['file']}:{match['section']}")
            text = text[start.end():end.start()]
        text = re.sub(r"^.*--8<-- \[(?:start|end):[\w.-]+\].*$\n?", "", text, flags=re.M)
        text = absolute_links(text, match["file"].removeprefix("docs/"))
        text = expand_markdown_includes(text, depth + 1)
        return "\n".join(match["indent"] + line if line else line for line in text.splitlines())

    return _MD_INCLUDE.sub(one, markdown)


def on_page_markdown(markdown, page, config, files, **kwargs):
    try:
        markdown = substitute(expand_markdown_includes(markdown), where=page.file.src_uri)
        if language(config) != "en":
            markdown = shared_notebook_links(markdown)
        return markdown
    except FactError as exc:
        raise PluginError(str(exc)) from None


def strip_notebook_loaders(html: str) -> str:
    """Remove nbconvert's CDN loaders (MathJax, Mermaid) from a rendered page."""
    for pattern in _NB_LOADERS:
        html = pattern.sub("", html)
    return html


def fix_notebook_toc(html: str) -> str:
    """Point the table of contents of a notebook page at its real heading ids.

    mkdocs-jupyter builds the TOC from the Markdown source with its own slugs,
    which drop inline code ("of an `RNNCell`" -> "...-of-an"), while nbconvert's
    heading ids keep it ("...-of-an-rnncell"). Each heading's id is therefore also
    reachable by the slug of its text without code, and TOC links use that.

    >>> fix_notebook_toc('<a href="#intro-and-more"></a><h1 id="intro-sign-and-more">Intro <code>sign</code> and more</h1>')
    '<a href="#intro-sign-and-more"></a><h1 id="intro-sign-and-more">Intro <code>sign</code> and more</h1>'
    >>> fix_notebook_toc('<a href="#intro-to"></a><h1 id="intro-to-rnncell">Intro to <code>RNNCell</code></h1>')
    '<a href="#intro-to-rnncell"></a><h1 id="intro-to-rnncell">Intro to <code>RNNCell</code></h1>'
    """
    from markdown.extensions.toc import slugify

    ids = set(re.findall(r'\sid="([^"]+)"', html))
    by_slug: dict[str, str] = {}
    for real, inner in re.findall(r'<h[1-6][^>]*\sid="([^"]+)"[^>]*>(.*?)</h[1-6]>', html, re.S):
        text = re.sub(r"<code>.*?</code>", " ", inner, flags=re.S)
        text = re.sub(r"<[^>]+>", "", text)
        by_slug.setdefault(slugify(text.replace("¶", ""), "-"), real)

    def one(match: re.Match[str]) -> str:
        target = match[1]
        if target in ids:
            return match[0]
        if target in by_slug:
            return f'href="#{by_slug[target]}"'
        candidates = [i for i in ids if i.startswith(target + "-")]
        return f'href="#{candidates[0]}"' if len(candidates) == 1 else match[0]

    return re.sub(r'href="#([^"]+)"', one, html)


_HEAD_ALTERNATE = re.compile(r'<link rel="alternate" href="([^"]*)" hreflang="([\w-]+)">')


def book_alternates(html: str) -> str:
    """Rename the theme's per-page ``<link rel="alternate" hreflang>`` to ``rel="book-alternate"``.

    The theme reads ``rel="alternate"`` links as the roots of other editions and
    fetches a ``sitemap.xml`` beside each one; this book's alternates are the same
    page in the other edition, which ``assets/javascripts/i18n.js`` reads instead.

    >>> book_alternates('<link rel="alternate" href="../he/x/" hreflang="he">')
    '<link rel="book-alternate" href="../he/x/" hreflang="he">'
    """
    return _HEAD_ALTERNATE.sub(r'<link rel="book-alternate" href="\1" hreflang="\2">', html)


# In Hebrew text, a shape such as (3, 28, 28) or 16 × 16, a call such as Conv2d(3, 5, 3)
# or a chain "Conv2d → ReLU" would be laid out right to left (numbers reversed, arrows
# pointing back); each is isolated as one left-to-right run.
_ATOM = r"(?:[A-Za-z_][A-Za-z0-9_.]*)?\((?:\s*[0-9A-Za-z_=.'\"]+\s*,)*\s*[0-9A-Za-z_=.'\"]*\s*\)|[0-9]+(?:\s*[×x]\s*[0-9]+)+"
_LTR_RUN = re.compile(rf"(?:{_ATOM}|[A-Za-z0-9_.]+)(?:\s*→\s*(?:{_ATOM}|[A-Za-z0-9_.…]+))+|{_ATOM}")
_CODE_CHAIN = re.compile(r"<code>[^<]*</code>(?:\s*(?:→|&rarr;)\s*<code>[^<]*</code>)+")
_SKIP_OPEN = re.compile(r"<(code|pre|script|style|kbd|svg|textarea)\b|<(span|div)\b[^>]*class=\"[^\"]*\barithmatex\b")


def isolate_ltr_runs(html: str) -> str:
    r"""Wrap shapes and "a × b" sizes in the text of a Hebrew page in ``<span dir="ltr">``.

    Code, math, scripts and attributes are left alone.

    >>> isolate_ltr_runs('<p>שכבה Conv2d(3, 5, 3) ואז A → B(2) → C</p>')
    '<p>שכבה <span dir="ltr">Conv2d(3, 5, 3)</span> ואז <span dir="ltr">A → B(2) → C</span></p>'
    >>> isolate_ltr_runs('<p>שרשרת <code>Conv2d</code> → <code>ReLU</code>.</p>')
    '<p>שרשרת <span dir="ltr"><code>Conv2d</code> → <code>ReLU</code></span>.</p>'
    >>> isolate_ltr_runs('<p>צורה (3, 28, 28) וגם 16 × 16</p><code>(1, 2)</code><span class="arithmatex">(a, b)</span>')
    '<p>צורה <span dir="ltr">(3, 28, 28)</span> וגם <span dir="ltr">16 × 16</span></p><code>(1, 2)</code><span class="arithmatex">(a, b)</span>'
    """
    html = _CODE_CHAIN.sub(lambda m: f'<span dir="ltr">{m[0]}</span>', html)
    out: list[str] = []
    skip: str | None = None     # the element whose text is left alone
    depth = 0
    for part in re.split(r"(<[^>]+>)", html):
        if part.startswith("<"):
            if skip is None:
                m = _SKIP_OPEN.match(part)
                if m and not part.endswith("/>"):
                    skip, depth = (m[1] or m[2]), 1
            else:
                if re.match(rf"<{skip}\b", part) and not part.endswith("/>"):
                    depth += 1
                elif re.match(rf"</{skip}\s*>", part):
                    depth -= 1
                    if depth == 0:
                        skip = None
            out.append(part)
        elif skip is None and part:
            out.append(_LTR_RUN.sub(lambda m: f'<span dir="ltr">{m[0]}</span>', part))
        else:
            out.append(part)
    return "".join(out)


def on_post_page(output, page, config, **kwargs):
    output = book_alternates(output)
    if language(config) == "he":
        head, sep, body = output.partition('<div class="md-content"')
        if sep:
            output = head + sep + isolate_ltr_runs(body)
    if "jupyter-wrapper" in output:
        output = fix_notebook_toc(strip_notebook_loaders(output))
    output = size_images(output, page.url, Path(config["docs_dir"]))
    return typeset_math(output, page)


def typeset_math(output: str, page) -> str:
    """Every formula of the page (text, headings, TOC, notebook cells) becomes KaTeX's HTML
    at build time (``book/math_render.py``); a formula KaTeX rejects stops the build."""
    from book.math_render import MathError, render_math

    try:
        return render_math(output, page.file.src_uri)
    except MathError as err:
        raise PluginError(str(err)) from err


def on_shutdown(**kwargs):
    """The build is over: stop the KaTeX renderer and save its cache."""
    from book.math_render import close_default_renderer

    close_default_renderer()

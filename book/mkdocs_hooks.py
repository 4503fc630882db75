"""MkDocs hooks: the glue between the pages and the code that checks them.

- ``on_config``: ``pymdownx.snippets`` resolves ``base_path`` from the current
  directory; we make it the repository root, so ``mkdocs serve`` and the tests
  include the same files from wherever they are started.
- ``on_page_markdown``: renders facts (``{{ module.key }}``, see ``book/facts.py``).
  An unknown fact stops the build with the page and the name in the message.
- ``on_page_content``: notebook pages get links to download the notebook
  as ``.ipynb`` (converted with jupytext at build time) and as its ``.py`` source.
- ``on_post_page``: notebook pages come from nbconvert with a MathJax loader and a
  Mermaid loader that point at a CDN; the book typesets notebook math with its
  vendored KaTeX, so both loaders are removed and no page names another host.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the hook is loaded by path, not as a package
    sys.path.insert(0, str(ROOT))

from mkdocs.exceptions import PluginError  # noqa: E402

from book.facts import FactError, substitute  # noqa: E402

# nbconvert's lab template: <script src="…mathjax…"> </script>, the
# text/x-mathjax-config block, and the Mermaid ES-module loader.
_NB_LOADERS = [
    re.compile(r"<!-- Load mathjax -->\s*<script src=\"[^\"]*\">\s*</script>", re.S),
    re.compile(r"<!-- MathJax configuration -->.*?<!-- End of mathjax configuration -->", re.S),
    re.compile(r"<script type=\"text/x-mathjax-config\">.*?</script>", re.S),
    re.compile(r"<script type=\"module\">\s*document\.addEventListener\(\"DOMContentLoaded\", async \(\) => \{\s*const diagrams = document\.querySelectorAll\(\"\.jp-Mermaid.*?</script>", re.S),
]


def on_config(config, **kwargs):
    snippets = config["mdx_configs"].setdefault("pymdownx.snippets", {})
    base = snippets.get("base_path", ["."])
    if isinstance(base, str):
        base = [base]
    snippets["base_path"] = [str((ROOT / b).resolve()) for b in base]
    return config


def _is_notebook(page) -> bool:
    return page.file.src_uri.startswith("notebooks/") and page.file.src_uri.endswith(".py")


def on_page_content(html, page, config, files, **kwargs):
    """Notebook pages start with links to download the notebook as .py and .ipynb."""
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


def on_page_markdown(markdown, page, config, files, **kwargs):
    try:
        return substitute(markdown, where=page.file.src_uri)
    except FactError as exc:
        raise PluginError(str(exc)) from None


def strip_notebook_loaders(html: str) -> str:
    """Remove nbconvert's CDN loaders (MathJax, Mermaid) from a rendered page."""
    for pattern in _NB_LOADERS:
        html = pattern.sub("", html)
    return html


def on_post_page(output, page, config, **kwargs):
    if "jupyter-wrapper" in output:
        output = strip_notebook_loaders(output)
    return output

"""The Hebrew edition: complete, in sync with the English one, and built right.

Proves ``book/i18n.py`` (pairs, freshness, skeletons), ``book/glossary.py`` and the
hooks that build the Hebrew pages (``book/mkdocs_hooks.py``). The browser checks of
every page (``tests/test_browser*.py``) run on both editions; the checks that only
make sense for Hebrew pages (direction, code left to right, the switcher) are here.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from book import glossary, i18n
from book.config import nav_entries, nav_titles, plugin_config
from conftest import DOCS, site_pages

ROOT = Path(__file__).resolve().parent.parent


# ---- every page has its other half, and it is up to date --------------------------


def test_every_english_page_has_a_hebrew_page():
    missing = [str(p.relative_to(ROOT)) for p in i18n.english_pages() if not i18n.hebrew_of(p).is_file()]
    assert not missing, f"English pages without a Hebrew page (docs/x.he.md): {missing}"


def test_every_hebrew_page_has_an_english_page():
    orphans = [str(p.relative_to(ROOT)) for p in i18n.hebrew_pages() if not i18n.english_of(p).is_file()]
    assert not orphans, f"Hebrew pages without an English page: {orphans}"


@pytest.mark.parametrize("english", i18n.english_pages(), ids=lambda p: p.relative_to(ROOT / "docs").as_posix())
def test_hebrew_page_is_fresh(english):
    """The Hebrew page records the hash of the English source it was last updated with."""
    hebrew = i18n.hebrew_of(english)
    assert i18n.state(english) == "fresh", (
        f"{english.relative_to(ROOT)} changed after {hebrew.relative_to(ROOT)} was last brought up to date "
        f"(recorded {i18n.recorded_hash(hebrew)}, now {i18n.source_hash(english)}). Update the Hebrew text, "
        f"then run: python -m book.i18n stamp {hebrew.relative_to(ROOT)}"
    )


@pytest.mark.parametrize("english", i18n.english_pages(), ids=lambda p: p.relative_to(ROOT / "docs").as_posix())
def test_hebrew_page_has_the_same_skeleton(english):
    """Same headings (ids, levels, order), code includes, facts, figures and links."""
    assert i18n.differences(english) == []


def test_freshness_check_fails_when_an_english_notebook_changes(tmp_path):
    """A Hebrew notebook records its English notebook's hash in its jupytext header; ``check``
    compares the two cell by cell (kinds, code verbatim, headings, math)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    english = folder / "n.py"
    english.write_text("# %% [markdown]\n# # Title $x^2$\n\n# %%\nprint(1)\n", encoding="utf-8")
    hebrew = i18n.hebrew_of(english)
    assert hebrew.name == "n.he.py"
    hebrew.write_text("# %% [markdown]\n# # כותרת $x^2$\n\n# %%\nprint(1)\n", encoding="utf-8")
    assert i18n.state(english) == "stale"
    i18n.stamp(hebrew)
    assert i18n.state(english) == "fresh" and i18n.differences(english) == []
    import jupytext

    assert [c.cell_type for c in jupytext.read(hebrew).cells] == ["markdown", "code"], "the header is no cell"
    english.write_text("# %% [markdown]\n# # Title $x^2$\n\n# %%\nprint(2)\n", encoding="utf-8")
    assert i18n.state(english) == "stale"
    problems = "\n".join(i18n.differences(english))
    assert "code differ" in problems and "cell 1: print(2)" in problems, problems
    hebrew.write_text(hebrew.read_text(encoding="utf-8").replace("$x^2$", "$y$"), encoding="utf-8")
    assert "math differ" in "\n".join(i18n.differences(english))
    assert i18n.main(["check", str(hebrew)]) == 1


def test_every_notebook_has_a_hebrew_version_with_the_same_code():
    notebooks = [p for p in i18n.english_pages() if p.suffix == ".py"]
    assert len(notebooks) >= 10, notebooks
    for english in notebooks:
        assert i18n.hebrew_of(english).is_file(), english
        assert i18n.differences(english) == []


def test_freshness_check_fails_when_the_english_page_changes(tmp_path):
    english = tmp_path / "x.md"
    english.write_text("# Title\n\n## Why\n\nBecause.\n", encoding="utf-8")
    hebrew = i18n.hebrew_of(english)
    hebrew.write_text("# כותרת\n\n## למה {#why}\n\nכי.\n", encoding="utf-8")
    assert i18n.state(english) == "stale"  # never stamped
    i18n.stamp(hebrew)
    assert i18n.state(english) == "fresh"
    assert hebrew.read_text(encoding="utf-8").startswith("---\nenglish_sha256: ")
    english.write_text("# Title\n\n## Why\n\nBecause, and more.\n", encoding="utf-8")
    assert i18n.state(english) == "stale"
    i18n.stamp(hebrew)  # re-stamping keeps one hash line
    assert hebrew.read_text(encoding="utf-8").count("english_sha256") == 1
    assert i18n.state(english) == "fresh"


def test_skeleton_check_fails_when_the_editions_drift(tmp_path):
    english = tmp_path / "x.md"
    english.write_text(
        '# T\n\n## Why\n\n{{ a2_rnncell_parameters.total }}\n\n```python\n--8<-- "snippets/a.py:one"\n```\n'
        "![f](../figures/a.svg)\n",
        encoding="utf-8",
    )
    hebrew = i18n.hebrew_of(english)
    hebrew.write_text('# כ\n\n## למה\n\n82,432\n\n```python\n--8<-- "snippets/a.py:two"\n```\n', encoding="utf-8")
    problems = "\n".join(i18n.differences(english))
    for what in ("headings", "includes", "facts", "figures", "english_sha256"):
        assert what in problems, problems


def test_hebrew_includes_name_hebrew_sections():
    """A Hebrew page includes Hebrew text: `--8<-- "docs/x.md:…"` must be `docs/x.he.md`."""
    bad = []
    for hebrew in i18n.hebrew_pages():
        for line in hebrew.read_text(encoding="utf-8").splitlines():
            if re.match(r'\s*-{1,}8<-{1,}\s+"docs/', line) and ".he.md" not in line:
                bad.append(f"{hebrew.relative_to(ROOT)}: {line.strip()}")
    assert not bad, bad


def test_status_command_reports_every_pair(capsys):
    assert i18n.main(["status"]) == 0
    out = capsys.readouterr().out
    assert out.count("fresh") == len(i18n.english_pages())


# ---- the navigation and the glossary ---------------------------------------------


def test_every_nav_title_has_a_hebrew_title():
    hebrew = next(lang for lang in plugin_config("i18n")["languages"] if lang["locale"] == "he")
    translations = hebrew["nav_translations"]
    titles = nav_titles()
    assert len(titles) >= 20, titles
    missing = [t for t in titles if t not in translations]
    assert not missing, f"nav titles without a Hebrew title in mkdocs.yml (nav_translations): {missing}"
    unused = [t for t in translations if t not in titles]
    assert not unused, f"nav_translations for titles the nav does not have: {unused}"


def _heading(path: Path) -> str:
    """The page's first-level heading, without Markdown code marks (a notebook's is its first cell's)."""
    prefix = "# # " if path.suffix == ".py" else "# "
    line = next((ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith(prefix)), None)
    assert line is not None, f"{path.relative_to(ROOT)} has no first-level heading"
    return line.removeprefix(prefix).replace("`", "").strip()


def _title_pairs() -> list[tuple[str, str, Path]]:
    """``(edition, nav title, source)`` for every page of both editions but the home page."""
    hebrew = next(lang for lang in plugin_config("i18n")["languages"] if lang["locale"] == "he")["nav_translations"]
    pairs = []
    for title, src in nav_entries():
        if src == "index.md":
            continue  # its nav title is "Home"; its heading is the book's name
        english = DOCS / src
        pairs.append(("en", title, english))
        pairs.append(("he", hebrew[title], i18n.hebrew_of(english)))
    return pairs


def test_nav_titles_agree_with_page_headings():
    """A page's title (its tab and its nav entry) is its heading, or the heading's beginning.

    The Hebrew B3 page once had the tab title "…לאורך CNN" and the heading
    "…ברשת קונבולוציה": two wordings of one title.
    """
    pairs = _title_pairs()
    assert len(pairs) >= 40, pairs
    wrong = [
        f"{edition} {path.relative_to(ROOT)}: nav/tab title {title!r}, heading {_heading(path)!r}"
        for edition, title, path in pairs
        if not _heading(path).startswith(title.replace("`", ""))
    ]
    assert not wrong, "titles that are not the beginning of their page's heading:\n" + "\n".join(wrong)


def _resolve(name: str):
    import importlib

    parts = name.split(".")
    obj = importlib.import_module(parts[0])
    for part in parts[1:]:
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize("term", [t for t in glossary.TERMS if t.pytorch], ids=lambda t: t.english)
def test_glossary_pytorch_names_exist(term):
    name, _, argument = term.pytorch.partition("(")
    obj = _resolve(name)
    if argument:
        keyword = argument.split("=")[0]
        assert keyword in inspect.signature(obj).parameters, f"{name} has no argument {keyword}"


def _book_text(pages) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8") for p in pages if p.name not in ("glossary.md", "glossary.he.md")
    ).lower()


def test_glossary_terms_appear_in_both_editions():
    """Each term is used in the English pages, and in the Hebrew pages in its Hebrew
    form or, as the course often does, in English (the glossary gives both)."""
    english = _book_text(i18n.english_pages())
    hebrew = _book_text(i18n.hebrew_pages())
    missing = []
    for t in glossary.TERMS:
        word = re.sub(r"\s*\(.*?\)", "", t.english).lower()
        if (
            word not in english
            and word.replace("-", "") not in english
            and word.replace("isation", "ization") not in english
        ):
            missing.append(f"English: {t.english!r}")
        forms = [re.sub(r"\s*\(.*?\)", "", t.hebrew), *re.findall(r"\((.*?)\)", t.hebrew), word]
        if not any(f.lower().strip() and f.lower().strip() in hebrew for f in forms):
            missing.append(f"Hebrew: {t.hebrew!r}")
    assert not missing, missing


def test_glossary_chapters_exist():
    for t in glossary.TERMS:
        assert (ROOT / "docs" / t.chapter).is_file(), t


def test_glossary_rejects_an_unknown_edition():
    with pytest.raises(ValueError, match="'fr'"):
        glossary.table("fr")


# ---- the built site ----------------------------------------------------------------


def _english_pages_built(site: Path) -> list[str]:
    return [p for p in site_pages(site) if not p.startswith("he/")]


def test_every_built_page_has_its_hebrew_page_the_notebooks_too(site):
    pages = set(site_pages(site))
    english = _english_pages_built(site)
    notebooks = [p for p in english if p.startswith("notebooks/")]
    assert len(notebooks) == len(i18n.english_pages()) - len([p for p in i18n.english_pages() if p.suffix == ".md"])
    missing = [p for p in english if f"he/{p}" not in pages]
    assert not missing, missing
    assert len(pages) == 2 * len(english), "the Hebrew edition has exactly the English edition's pages"
    for nb in notebooks + [f"he/{p}" for p in notebooks]:  # rendered by mkdocs-jupyter, not copied as .py
        assert (site / nb / "index.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html>"), nb


def test_hebrew_pages_are_right_to_left_and_english_pages_left_to_right(site):
    for path in site_pages(site):
        html = (site / path / "index.html").read_text(encoding="utf-8")
        lang = re.search(r'<html lang="([\w-]+)"', html)[1]
        direction = re.search(r'<body dir="(\w+)"', html)[1]
        expected = ("he", "rtl") if path.startswith("he/") else ("en", "ltr")
        assert (lang, direction) == expected, path


def test_switcher_links_land_on_existing_pages(site):
    """Each page names its two editions (rel="book-alternate"); both files exist, and
    a notebook's other edition is the same notebook (``notebooks/x/`` and ``he/notebooks/x/``)."""
    for path in site_pages(site):
        html = (site / path / "index.html").read_text(encoding="utf-8")
        links = dict(
            (lang, href)
            for href, lang in re.findall(r'<link rel="book-alternate" href="([^"]*)" hreflang="(\w+)">', html)
        )
        assert set(links) == {"en", "he"}, path
        for lang, href in links.items():
            target = (site / path / href).resolve()
            assert (target / "index.html").is_file(), f"{path}: {lang} link {href} does not exist"
        here = (site / path).resolve()
        own = links["he" if path.startswith("he/") else "en"]
        assert (site / path / own).resolve() == here, f"{path}: its own edition's link is not itself"
        other = links["en" if path.startswith("he/") else "he"]
        expected = path.removeprefix("he/") if path.startswith("he/") else f"he/{path}"
        assert (site / path / other).resolve() == (site / expected).resolve(), f"{path}: other edition {other}"
        assert 'rel="alternate" href' not in html, (
            f"{path}: a rel=alternate link makes the theme fetch a sitemap beside it"
        )


def test_hebrew_pages_link_to_the_hebrew_notebooks(site):
    html = (site / "he/chapters/a2-rnncell-parameters/index.html").read_text(encoding="utf-8")
    assert 'href="../../notebooks/a2_rnncell_parameters/"' in html  # he/notebooks/…
    assert "../../../notebooks/" not in html, "a Hebrew chapter links to an English notebook"


def test_sitemap_lists_every_page_once_with_its_other_edition(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert len(locs) == len(set(locs)) == len(site_pages(site)), "every page once"
    for url in re.findall(r"<url>(.*?)</url>", sitemap, re.S):
        loc = re.search(r"<loc>([^<]+)</loc>", url)[1]
        alternates = dict(re.findall(r'hreflang="(\w+)" href="([^"]+)"', url))
        if "/notebooks/" in loc:
            assert sorted(alternates) == ["en", "he"], url
            assert alternates["he"].endswith("/he/" + alternates["en"].split("/", 3)[3]), url


def test_stamp_takes_either_page_of_a_pair_and_refuses_a_stranger(capsys, monkeypatch):
    """``stamp docs/x.md`` stamps ``docs/x.he.md``; a path that is no page of the book gets a sentence, exit 2."""
    stamped = []
    monkeypatch.setattr(i18n, "stamp", lambda hebrew: stamped.append(hebrew) or "0" * 64)
    assert i18n.main(["stamp", str(DOCS / "index.md")]) == 0
    assert stamped == [DOCS / "index.he.md"]
    assert i18n.main(["stamp", str(DOCS / "no-such-page.md")]) == 2
    err = capsys.readouterr().err
    assert "no-such-page.md is not a page of the book" in err and "Traceback" not in err

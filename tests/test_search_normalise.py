"""Search without a browser: the Hebrew normalisation and ranking of ``search-engine.js``
(run in Node, the same file the browser runs) and the index writer ``book/search_index.py``.

The normalisation is written once, in JavaScript; these tests pin it on real words of the
book: a prefixed query finds the bare word, a bare query finds a prefixed-only page, final
letters match their normal forms, English terms pass through.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from node_tools import require_node

from book import search_index
from conftest import DOCS

ENGINE = DOCS / "assets" / "javascripts" / "search-engine.js"


def node(script: str):
    """Run ``script`` in Node with ``E`` = the engine; returns what it prints as JSON."""
    exe = require_node()  # skips without node, fails under CI=true (tests/node_tools.py)
    code = f"const E = require({json.dumps(str(ENGINE))});\nconsole.log(JSON.stringify((() => {{ {script} }})()));"
    proc = subprocess.run([exe, "-e", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def normalise(words: list[str]) -> dict[str, list[str]]:
    return node(f"return Object.fromEntries({json.dumps(words)}.map(w => [w, E.normalise(w)]));")


def test_final_letters_become_normal_forms():
    got = normalise(["ליפשיץ", "ערוצים", "כיוון", "דף", "ערך", "ליפשיצ"])
    assert got["ליפשיץ"][0] == got["ליפשיצ"][0] == "ליפשיצ"
    assert got["ערוצים"][0] == "ערוצימ"
    assert got["כיוון"][0] == "כיוונ"
    assert got["דף"][0] == "דפ"
    assert got["ערך"][0] == "ערכ"


def test_prefixes_are_stripped_up_to_three_letters_keeping_two_of_stem():
    got = normalise(["ונורמה", "בשארית", "לשערים", "שהערוצים", "הכיוונים", "וכשהמודל", "של", "בו"])
    assert got["ונורמה"] == ["ונורמה", "נורמה"]  # נ is no prefix: stop there
    assert "שארית" in got["בשארית"]
    assert "שערימ" in got["לשערים"]
    assert got["שהערוצים"][:3] == ["שהערוצימ", "הערוצימ", "ערוצימ"]
    assert "כיוונימ" in got["הכיוונים"]
    assert got["וכשהמודל"] == ["וכשהמודל", "כשהמודל", "שהמודל", "המודל"]  # at most three letters
    assert got["של"] == ["של"] and got["בו"] == ["בו"]  # no stem of one letter


def test_every_prefix_combination_reaches_the_bare_word():
    bare = ["נורמה", "שארית", "ערוצים", "גרדיאנט", "טנזור"]
    prefixes = ["ו", "ה", "ב", "ל", "מ", "ש", "כ", "וה", "וב", "של", "שה", "מה", "כש", "לכ", "ושה", "וכש", "שב"]
    words = [p + w for p in prefixes for w in bare]
    got = normalise(words + bare)
    for p in prefixes:
        for w in bare:
            assert got[w][0] in got[p + w], (p, w, got[p + w])


def test_english_and_mixed_tokens():
    got = node(
        "return [E.tokens('ה־dropout של RNNCell, KL(p‖q) ו-hidden_size').map(t => t.folded),"
        " E.normalise('Dropout'), E.tokens('מ־GPU').map(t => t.folded)];"
    )
    tokens, dropout, gpu = got
    assert tokens == ["ה", "dropout", "של", "rnncell", "kl", "p", "q", "ו", "hidden_size"]
    assert dropout == ["dropout"]  # Latin words are only lower-cased
    assert gpu == ["מ", "gpu"]  # the maqaf separates a prefix from an English term


def _search(pages: list[dict], queries: list[str]) -> dict[str, list[str]]:
    return node(
        f"const ix = new E.Index({{lang: 'he', pages: {json.dumps(pages, ensure_ascii=False)}}});"
        f" return Object.fromEntries({json.dumps(queries, ensure_ascii=False)}"
        ".map(q => [q, ix.search(q, 5).map(r => r.url)]));"
    )


PAGES = [
    {"u": "a/", "t": "קליפינג", "x": "קליפינג לפי נורמה של הגרדיאנט"},
    {"u": "b/", "t": "כיוון", "x": "למה שני הכיוונים שונים בהתפלגויות"},
    {"u": "c/", "t": "ערוצים", "x": "שכבה שמקבלת 3 ערוצים ו־dropout"},
]


def test_prefixed_query_finds_the_bare_word_and_bare_query_the_prefixed_one():
    got = _search(PAGES, ["ונורמה", "כיוונים", "שהערוצים", "התפלגויות", "וגרדיאנט", "ערוצימ", "DROPOUT"])
    assert got["ונורמה"] == ["a/"]  # page has only the bare "נורמה"
    assert got["כיוונים"] == ["b/"]  # page has only "הכיוונים"
    assert got["שהערוצים"] == ["c/"]
    assert got["התפלגויות"] == ["b/"]  # page has only "בהתפלגויות"
    assert got["וגרדיאנט"] == ["a/"]  # both sides prefixed
    assert got["ערוצימ"] == ["c/"]  # final letter typed as a normal one
    assert got["DROPOUT"] == ["c/"]


def test_every_query_word_must_match_and_unknown_words_find_nothing():
    got = _search(PAGES, ["נורמה ערוצים", "נורמה גרדיאנט", "אקוויווריאנטיות", "", "   ", "..."])
    assert got["נורמה ערוצים"] == []
    assert got["נורמה גרדיאנט"] == ["a/"]
    assert got["אקוויווריאנטיות"] == [] and got[""] == [] and got["   "] == [] and got["..."] == []


def test_the_word_being_typed_matches_as_a_prefix_and_exact_forms_rank_first():
    got = _search(
        [
            {"u": "x/", "t": "", "x": "המודל"},
            {"u": "y/", "t": "", "x": "מודל מודל"},
            {"u": "z/", "t": "", "x": "קליפינג"},
        ],
        ["מודל", "קליפ"],
    )
    assert got["מודל"] == ["y/", "x/"]
    assert got["קליפ"] == ["z/"]


def test_an_index_without_pages_is_a_clear_error():
    got = node("try { new E.Index({}); return 'no error'; } catch (e) { return e.message; }")
    assert "needs {pages" in got


def test_excerpt_marks_the_matched_words():
    got = node(
        "const ix = new E.Index({pages: [{u: 'a/', t: 'T', x: 'מילים לפני. הגבלה לפי נורמה של הגרדיאנט.'}]});"
        " return ix.search('ונורמה')[0].excerpt;"
    )
    assert ["נורמה", True] in got and "".join(p[0] for p in got).startswith("מילים")


# -- the index writer ---------------------------------------------------------------

HTML = """<!doctype html><html lang="{lang}"><head><title>{title} - Site</title></head><body>
<header>not indexed</header><article class="md-content__inner">{body}</article>
<footer>nor this</footer></body></html>"""


def _page(lang: str, title: str, body: str) -> str:
    return HTML.format(lang=lang, title=title, body=body)


def test_page_record_keeps_the_article_text_without_permalinks_prompts_or_scripts():
    html = _page(
        "he",
        "T",
        '<h1 id="x">כותרת<a class="headerlink" href="#x">&para;</a></h1><p>נורמה<br>שנייה</p>'
        '<script>var x = 1;</script><div class="jp-InputPrompt">In [1]:</div>'
        "<pre><code>RNNCell(3, 4)</code></pre>"
        '<span class="arithmatex">\\(x^2\\)</span>',
    )
    record = search_index.page_record(html)
    assert record == {"lang": "he", "t": "כותרת", "x": "כותרת נורמה שנייה RNNCell(3, 4)"}


def test_a_page_without_a_heading_takes_its_title():
    assert search_index.page_record(_page("en", "A2 · Run it yourself", "<p>text</p>"))["t"] == "A2 · Run it yourself"


def test_build_writes_one_index_per_edition_and_skips_excluded_pages(tmp_path: Path):
    site, docs = tmp_path / "site", tmp_path / "docs"
    for rel, lang in [
        ("index.html", "en"),
        ("he/index.html", "he"),
        ("chapters/a/index.html", "en"),
        ("he/chapters/a/index.html", "he"),
        ("print/exam/index.html", "en"),
        ("he/print/exam/index.html", "he"),
        ("404.html", "en"),
        ("assets/x/index.html", "en"),
    ]:
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(_page(lang, rel, f"<h1>{rel}</h1>"), encoding="utf-8")
    (docs / "print").mkdir(parents=True)
    for name in ("exam.md", "exam.he.md"):
        (docs / "print" / name).write_text("---\nsearch:\n  exclude: true\n---\n# x\n", encoding="utf-8")
    assert search_index.build(site, docs, use_directory_urls=True) == {"en": 2, "he": 2}
    for lang, urls in [("en", ["", "chapters/a/"]), ("he", ["he/", "he/chapters/a/"])]:
        text = (site / "search" / f"index.{lang}.js").read_text(encoding="utf-8")
        data = json.loads(text.split(f'window.__bookSearchIndex["{lang}"] = ', 1)[1].rstrip(";\n"))
        assert sorted(p["u"] for p in data["pages"]) == sorted(urls)
    savings = search_index.page_load_savings(site)
    assert {r["page"] for r in savings} >= {"/", "/he/", "/chapters/a/"}
    assert all(r["now"] == 0 and r["saved"] == search_index.OLD_SEARCH_BYTES_PER_PAGE for r in savings)


def test_build_of_a_folder_without_pages_is_an_error(tmp_path: Path):
    with pytest.raises(ValueError, match="no HTML page"):
        search_index.build(tmp_path, tmp_path)


def test_offline_urls_are_the_files(tmp_path: Path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "a.html").write_text(_page("en", "A", "<h1>A</h1>"), encoding="utf-8")
    search_index.build(tmp_path, tmp_path, use_directory_urls=False)
    assert '"u":"chapters/a.html"' in (tmp_path / "search" / "index.en.js").read_text(encoding="utf-8")


def test_the_book_excludes_its_print_pages_in_both_editions():
    excluded = search_index.excluded_pages(DOCS)
    assert excluded >= {"print/exam", "he/print/exam", "print/answer-key", "he/print/answer-key"}


def test_the_build_hook_indexes_the_folder_mkdocs_writes_to(tmp_path: Path, monkeypatch):
    """``mkdocs serve`` builds into a temporary folder: the hook takes it from the config."""
    from book import mkdocs_hooks

    monkeypatch.setenv("BOOK_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "index.html").write_text(_page("he", "T", "<h1>כותרת</h1>"), encoding="utf-8")
    assert search_index.post_build in mkdocs_hooks.POST_BUILD
    search_index.post_build(tmp_path, {"docs_dir": str(tmp_path), "use_directory_urls": True})
    assert (tmp_path / "search" / "index.he.js").is_file()
    assert (tmp_path / "cache" / "search" / "records.json").is_file(), "the records are kept under BOOK_CACHE_DIR"


def test_page_records_are_reused_only_for_the_same_html(tmp_path: Path, monkeypatch):
    """A rebuild re-parses only the pages whose HTML changed; a damaged cache file is an empty cache."""
    path = tmp_path / "records.json"
    one, two = _page("en", "One", "<h1>One</h1><p>a</p>"), _page("en", "Two", "<h1>Two</h1><p>b</p>")
    first = search_index.RecordCache(path)
    assert first.record(one) == search_index.page_record(one) and first.hits == 0
    first.save()
    parsed = []
    real = search_index.page_record
    monkeypatch.setattr(search_index, "page_record", lambda html: parsed.append(html) or real(html))
    second = search_index.RecordCache(path)
    assert second.record(one) == real(one) and second.hits == 1 and parsed == []
    assert second.record(two)["t"] == "Two" and parsed == [two], "new HTML is parsed"
    second.save()
    assert len(json.loads(path.read_text(encoding="utf-8"))) == 2
    path.write_text("{not json", encoding="utf-8")
    third = search_index.RecordCache(path)
    assert third.record(one) == real(one) and third.hits == 0


def test_a_cached_build_writes_the_same_index(tmp_path: Path):
    site = tmp_path / "site"
    for rel, lang in [("index.html", "en"), ("he/index.html", "he"), ("chapters/a/index.html", "en")]:
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(_page(lang, rel, f"<h1>{rel}</h1><p>text of {rel}</p>"), encoding="utf-8")
    outputs = []
    for cache in (None, tmp_path / "r.json", tmp_path / "r.json"):  # no cache, cold cache, warm cache
        search_index.build(site, tmp_path / "docs", cache=cache)
        outputs.append(sorted((p.name, p.read_text(encoding="utf-8")) for p in (site / "search").iterdir()))
    assert outputs[0] == outputs[1] == outputs[2]


def test_notebook_permalinks_are_not_part_of_the_title():
    html = _page("en", "N", '<h1 id="a">A3 · what it costs<a class="anchor-link" href="#a">¶</a></h1>')
    assert search_index.page_record(html)["t"] == "A3 · what it costs"

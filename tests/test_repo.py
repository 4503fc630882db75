"""The repository keeps its promises: two commands, pinned dependencies, the configuration the book relies on."""

from __future__ import annotations

import re

import yaml

from conftest import ROOT


def _config() -> dict:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: f"!{suffix}")
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


def test_readme_states_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = "\n".join(readme.splitlines()[:40])
    assert "make serve" in first_screen and "make test" in first_screen
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)
    assert "CI=true" in ci and "NOTEBOOK_CACHE=false" in ci


def test_the_deploy_workflow_runs_the_same_make_targets_as_ci():
    """A green .ci/run here means the same steps pass in the GitHub Pages workflow."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    steps = [s.get("run", "").strip() for s in workflow["jobs"]["build"]["steps"] if "run" in s]
    ci = [l.strip() for l in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
          if l.strip().startswith("make ")]
    assert steps == ci == ["make test", "make site"], (steps, ci)
    assert workflow["jobs"]["build"]["env"]["CI"] == "true"
    uses = [s.get("uses", "") for s in workflow["jobs"]["build"]["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)


def test_every_requirement_is_pinned():
    lines = [l.strip() for l in (ROOT / "requirements.txt").read_text().splitlines()]
    reqs = [l for l in lines if l and not l.startswith("#")]
    assert reqs, "requirements.txt is empty"
    unpinned = [l for l in reqs if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.\-]+", l)]
    assert not unpinned, unpinned
    names = {l.split("==")[0].lower(): l.split("==")[1] for l in reqs}
    assert names["torch"] == "2.13.0"
    assert names["mkdocs"].startswith("1.") and names["mkdocs-material"].startswith("9.8.")
    for needed in ("numpy", "mkdocs-jupyter", "pymdown-extensions", "matplotlib", "pytest", "playwright"):
        assert needed in names, needed


def test_mkdocs_configuration():
    c = _config()
    assert c["strict"] is True
    assert c["theme"]["font"] is False
    assert "snippets" in c["watch"]
    features = set(c["theme"]["features"])
    assert {"navigation.instant", "navigation.sections", "content.code.copy", "content.tabs.link"} <= features
    assert any("prefers-color-scheme" in p.get("media", "") for p in c["theme"]["palette"])
    exts = {next(iter(e)) if isinstance(e, dict) else e: (e[next(iter(e))] if isinstance(e, dict) else {})
            for e in c["markdown_extensions"]}
    assert exts["pymdownx.snippets"]["check_paths"] is True
    assert exts["pymdownx.arithmatex"]["generic"] is True
    plugins = {next(iter(p)) if isinstance(p, dict) else p: (p[next(iter(p))] if isinstance(p, dict) else {})
               for p in c["plugins"]}
    nb = plugins["mkdocs-jupyter"]
    assert nb["execute"] is True and nb["allow_errors"] is False and nb["ignore_h1_titles"] is True
    assert nb["include"] == ["notebooks/*.py"]


def test_katex_is_vendored_with_a_pinned_version():
    vendor = ROOT / "docs" / "assets" / "vendor" / "katex"
    assert re.fullmatch(r"\d+\.\d+\.\d+\n", (vendor / "VERSION").read_text())
    for f in ("katex.min.js", "katex.min.css", "LICENSE"):
        assert (vendor / f).is_file(), f
    css = (vendor / "katex.min.css").read_text()
    for font in re.findall(r"url\((fonts/[^)]+)\)", css):
        assert (vendor / font).is_file(), font

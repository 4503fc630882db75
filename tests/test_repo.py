"""The repository keeps its promises: two commands, pinned dependencies, the configuration the book relies on."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

import yaml

from book.config import mkdocs_config, plugin_config
from conftest import ROOT


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
    ci = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("make ")
    ]
    assert steps == ci == ["make test", "make site"], (steps, ci)
    assert workflow["jobs"]["build"]["env"]["CI"] == "true"
    uses = [s.get("uses", "") for s in workflow["jobs"]["build"]["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)


def test_every_requirement_is_pinned():
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    reqs = [line for line in lines if line and not line.startswith("#")]
    assert reqs, "requirements.txt is empty"
    unpinned = [line for line in reqs if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.\-]+", line)]
    assert not unpinned, unpinned
    names = {line.split("==")[0].lower(): line.split("==")[1] for line in reqs}
    assert names["torch"] == "2.13.0"
    assert names["mkdocs"].startswith("1.") and names["mkdocs-material"].startswith("9.8.")
    for needed in ("numpy", "mkdocs-jupyter", "pymdown-extensions", "matplotlib", "pytest", "playwright"):
        assert needed in names, needed


def test_mkdocs_configuration():
    c = mkdocs_config()
    assert c["strict"] is True
    assert c["theme"]["font"] is False
    assert str(ROOT / "snippets") in c["watch"]
    features = set(c["theme"]["features"])
    assert {"navigation.instant", "navigation.sections", "content.code.copy", "content.tabs.link"} <= features
    assert any("prefers-color-scheme" in p.get("media", "") for p in c["theme"]["palette"])
    assert {"pymdownx.snippets", "pymdownx.arithmatex"} <= set(c["markdown_extensions"])
    assert c["mdx_configs"]["pymdownx.snippets"]["check_paths"] is True
    assert c["mdx_configs"]["pymdownx.arithmatex"]["generic"] is True
    nb = plugin_config("mkdocs-jupyter")
    assert nb["execute"] is True and nb["allow_errors"] is False and nb["ignore_h1_titles"] is True
    assert nb["include"] == ["notebooks/*.py"]


# ---- every direct import is a declared dependency ----------------------------------


def _python_files() -> list[Path]:
    files = [
        p
        for d in ("snippets", "book", "tests", "tools")
        for p in (ROOT / d).rglob("*.py")
        if "vendor" not in p.relative_to(ROOT).parts
    ]
    return files + sorted((ROOT / "docs" / "notebooks").glob("*.py"))


def _imported_top_level_names(files: list[Path]) -> dict[str, set[str]]:
    """Top-level module name -> the files that import it (absolute imports only)."""
    found: dict[str, set[str]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(path.relative_to(ROOT).as_posix())
    return found


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_direct_import_is_declared_in_requirements_in():
    """snippets/, book/, tests/, tools/ and the notebooks import only the standard library,
    the book's own modules and packages that requirements.in names (yaml -> PyYAML, IPython -> ipython, …)."""
    files = _python_files()
    assert len(files) >= 50, files
    own = {p.stem for p in files} | {"snippets", "book", "tests"}
    declared = {
        _canonical(re.split(r"[<>=!~\[; ]", line.strip())[0])
        for line in (ROOT / "requirements.in").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }
    distributions = importlib.metadata.packages_distributions()
    imported = _imported_top_level_names(files)
    third_party = {m: f for m, f in imported.items() if m not in sys.stdlib_module_names and m not in own}
    assert {"torch", "numpy", "yaml", "pytest"} <= set(third_party), sorted(third_party)
    unknown = {m: sorted(f) for m, f in third_party.items() if m not in distributions}
    assert not unknown, f"imported, but no installed distribution provides them: {unknown}"
    undeclared = {
        m: (distributions[m], sorted(f)[:3])
        for m, f in third_party.items()
        if not {_canonical(d) for d in distributions[m]} & declared
    }
    assert not undeclared, f"imported but not in requirements.in (module: distributions, files): {undeclared}"


def test_katex_is_vendored_with_a_pinned_version():
    vendor = ROOT / "docs" / "assets" / "vendor" / "katex"
    assert re.fullmatch(r"\d+\.\d+\.\d+\n", (vendor / "VERSION").read_text())
    for f in ("katex.min.js", "katex.min.css", "LICENSE"):
        assert (vendor / f).is_file(), f
    css = (vendor / "katex.min.css").read_text()
    for font in re.findall(r"url\((fonts/[^)]+)\)", css):
        assert (vendor / font).is_file(), font

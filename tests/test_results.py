"""Results files (snippets/results.py): each records its command, hardware and versions."""

from __future__ import annotations

import json

import pytest

from snippets import results


def test_save_and_load_round_trip(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "RESULTS_DIR", tmp_path)
    path = results.save("demo-run.json", {"accuracy": 0.75}, 1.234, "python -m snippets.results demo")
    record = json.loads(path.read_text())
    assert record["data"] == {"accuracy": 0.75}
    assert record["command"] == "python -m snippets.results demo"
    assert record["seconds"] == 1.23
    assert {"date", "python", "torch", "numpy", "cpu", "threads", "device"} <= set(record["produced"])
    assert record["source_sha256"] == {}
    assert results.load("demo", "run") == record
    sources = {"snippets/demo.py": "ab" * 32}
    path = results.save("demo-run.json", {}, 0.0, "python -m snippets.results demo-run", sources=sources)
    assert json.loads(path.read_text())["source_sha256"] == sources


def test_missing_result_says_how_to_make_it(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "RESULTS_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match=r"python -m snippets.results nope-run"):
        results.load("nope", "run")


#: Not an experiment of a chapter: the site benchmark (book/bench.py), written by `make bench`.
SITE_BENCH = "site-bench.json"


def _experiment_files():
    """Every committed experiment result; fails (never an empty list) when results/ is missing or empty."""
    assert results.RESULTS_DIR.is_dir(), f"{results.RESULTS_DIR} is missing: run `make results`"
    files = sorted(p for p in results.RESULTS_DIR.glob("*.json") if p.name != SITE_BENCH)
    assert files, f"{results.RESULTS_DIR} holds no experiment result: run `make results`"
    return files


def test_every_committed_result_names_its_command_and_origin():
    for path in _experiment_files():
        record = json.loads(path.read_text())
        module = path.stem.split("-")[0]
        assert record["command"].startswith(f"python -m snippets.results {module}"), path.name
        assert {"date", "python", "torch", "cpu", "device"} <= set(record["produced"]), path.name


def test_every_committed_result_has_an_experiment_and_vice_versa():
    made = {name for name, _ in results.experiments()}
    files = {p.name for p in _experiment_files()}
    assert made, "no experiment_* function found in snippets/"
    assert files <= made, f"results without an experiment: {files - made}"
    assert made <= files, f"experiments never run (no results file): {made - files}"


def test_no_committed_result_is_older_than_its_code():
    """Each results file records the sha256 of the code it came from; a change to that code makes it stale."""
    stale = {p.name: results.stale(p) for p in _experiment_files()}
    stale = {name: changed for name, changed in stale.items() if changed}
    assert not stale, (
        "results older than their code (changed: "
        + "; ".join(f"{name}: {', '.join(changed)}" for name, changed in stale.items())
        + "). Re-run them: "
        + "; ".join(f"`python -m snippets.results {name.removesuffix('.json')}`" for name in stale)
        + " (or `python -m snippets.results --stale`), review the diff, and redraw the figures (`make figures`)."
    )


def test_staleness_follows_the_code(tmp_path, monkeypatch):
    """A recorded hash that no longer matches, or none at all, makes a file stale; formatting does not."""
    path = tmp_path / "b2_training_bugs-bugs.json"
    record = {"source_sha256": results.source_sha256("b2_training_bugs")}
    path.write_text(json.dumps(record))
    assert results.stale(path) == []
    record["source_sha256"]["snippets/training.py"] = "0" * 64
    path.write_text(json.dumps(record))
    assert results.stale(path) == ["snippets/training.py"]
    path.write_text(json.dumps({"data": {}}))
    assert results.stale(path) == ["source_sha256 missing"]
    assert results.code_of("x = 1  # one\n") == results.code_of("x=1")
    assert results.code_of("x = 1") != results.code_of("x = 2")


def test_the_sources_of_a_result_are_its_module_and_what_it_imports():
    assert results.imported_snippets("b2_training_bugs") == [
        "b2_diagnose_and_fix",
        "b2_training_bugs",
        "training",
        "validation",
    ]
    assert results.imported_snippets("b1_kl_divergence") == ["b1_kl_divergence"]  # results and plotting left out


def test_a_missing_or_empty_results_folder_fails(tmp_path, monkeypatch):
    """The checks above must not pass by finding nothing to check."""
    monkeypatch.setattr(results, "RESULTS_DIR", tmp_path / "results")
    with pytest.raises(AssertionError, match="is missing"):
        _experiment_files()
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / SITE_BENCH).write_text("{}")
    with pytest.raises(AssertionError, match="holds no experiment result"):
        _experiment_files()


def test_the_site_benchmark_says_how_and_where_it_was_made():
    path = results.RESULTS_DIR / SITE_BENCH
    assert path.is_file() and path.stat().st_size > 0, f"{path} is missing or empty: run `make bench`"
    record = json.loads(path.read_text())
    assert record["command"] == "make bench"
    assert {"date", "python", "torch", "cpu"} <= set(record["produced"])
    assert record["pages"] and record["cold_build_s"] > 0

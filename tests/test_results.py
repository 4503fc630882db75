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
    assert results.load("demo", "run") == record


def test_missing_result_says_how_to_make_it(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "RESULTS_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match=r"python -m snippets.results nope"):
        results.load("nope", "run")


#: Not an experiment of a chapter: the site benchmark (book/bench.py), written by `make bench`.
SITE_BENCH = "site-bench.json"


def _experiment_files():
    return sorted(p for p in results.RESULTS_DIR.glob("*.json") if p.name != SITE_BENCH) if results.RESULTS_DIR.is_dir() else []


def test_every_committed_result_names_its_command_and_origin():
    for path in _experiment_files():
        record = json.loads(path.read_text())
        module = path.stem.split("-")[0]
        assert record["command"].startswith(f"python -m snippets.results {module}"), path.name
        assert {"date", "python", "torch", "cpu", "device"} <= set(record["produced"]), path.name


def test_every_committed_result_has_an_experiment_and_vice_versa():
    made = {name for name, _ in results.experiments()}
    files = {p.name for p in _experiment_files()}
    assert files <= made, f"results without an experiment: {files - made}"
    assert made <= files, f"experiments never run (no results file): {made - files}"


def test_the_site_benchmark_says_how_and_where_it_was_made():
    path = results.RESULTS_DIR / SITE_BENCH
    if path.is_file():
        record = json.loads(path.read_text())
        assert record["command"] == "make bench"
        assert {"date", "python", "torch", "cpu"} <= set(record["produced"])
        assert record["pages"] and record["cold_build_s"] > 0

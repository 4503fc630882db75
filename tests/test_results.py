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


def test_every_committed_result_names_its_command_and_origin():
    for path in sorted(results.RESULTS_DIR.glob("*.json")) if results.RESULTS_DIR.is_dir() else []:
        record = json.loads(path.read_text())
        module = path.stem.split("-")[0]
        assert record["command"].startswith(f"python -m snippets.results {module}"), path.name
        assert {"date", "python", "torch", "cpu", "device"} <= set(record["produced"]), path.name


def test_every_committed_result_has_an_experiment_and_vice_versa():
    made = {name for name, _ in results.experiments()}
    files = {p.name for p in results.RESULTS_DIR.glob("*.json")} if results.RESULTS_DIR.is_dir() else set()
    assert files <= made, f"results without an experiment: {files - made}"
    assert made <= files, f"experiments never run (no results file): {made - files}"

"""Run the book's experiments and keep their results: ``python -m snippets.results``.

An experiment is a public function ``experiment_<name>()`` in a chapter module of
``snippets/`` that returns a JSON-serialisable dict. Running it here saves
``results/<module>-<name>.json`` with:

- ``command``: the command that reproduces the file;
- ``produced``: date, Python, torch and NumPy versions, platform, CPU and thread
  count, and the accelerator if one was used — the hardware the numbers are from;
- ``seconds``: how long the run took;
- ``data``: what the function returned.

Pages never retrain anything: their facts and figures read the committed file
(``load(module, name)``), and each chapter's test re-runs the experiment (or a
quick version of it) and checks the committed numbers against the code.

    python -m snippets.results                 # run every experiment
    python -m snippets.results a2              # only modules whose name starts with a2
    python -m snippets.results --list          # list them, run nothing
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import pkgutil
import platform
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import snippets

RESULTS_DIR = Path(__file__).resolve().parent.parent / "results"


def environment(device: str = "cpu") -> dict[str, object]:
    """Where and with what a result was produced.

    >>> sorted(environment())
    ['cpu', 'date', 'device', 'machine', 'numpy', 'python', 'threads', 'torch']
    """
    import numpy
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        if names:
            cpu = f"{names[0]} ({os.cpu_count()} logical cores)"
    except OSError:
        pass
    if device.startswith("cuda") and torch.cuda.is_available():
        device = f"{device}: {torch.cuda.get_device_name(torch.device(device))}"
    return {
        "date": datetime.date.today().isoformat(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "machine": f"{platform.system()} {platform.machine()}",
        "cpu": cpu,
        "threads": torch.get_num_threads(),
        "device": device,
    }


# --8<-- [start:experiments]
def experiments(prefix: str = "") -> Iterator[tuple[str, Callable[[], dict]]]:
    """Yield ``(result file name, function)`` for every ``experiment_*`` function in ``snippets``."""
    for info in sorted(pkgutil.iter_modules(snippets.__path__), key=lambda m: m.name):
        if not info.name.startswith(prefix) or info.name.startswith("_") or info.name in ("results", "figures"):
            continue
        module = importlib.import_module(f"snippets.{info.name}")
        for attr in sorted(vars(module)):
            fn = getattr(module, attr)
            if attr.startswith("experiment_") and callable(fn) and getattr(fn, "__module__", None) == module.__name__:
                yield f"{info.name}-{attr.removeprefix('experiment_')}.json", fn


def save(name: str, data: dict, seconds: float, command: str, device: str = "cpu") -> Path:
    """Write ``results/<name>`` with the data and the hardware and versions it came from."""
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / name
    record = {"command": command, "produced": environment(device), "seconds": round(seconds, 2), "data": data}
    path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def load(module: str, name: str) -> dict:
    """The committed record of ``experiment_<name>`` in ``snippets/<module>.py``."""
    path = RESULTS_DIR / f"{module}-{name}.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path.relative_to(RESULTS_DIR.parent)} is missing: run `python -m snippets.results {module}`")
    return json.loads(path.read_text(encoding="utf-8"))
# --8<-- [end:experiments]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefix", nargs="?", default="", help="only modules whose name starts with this")
    parser.add_argument("--list", action="store_true", help="list the experiments, run nothing")
    args = parser.parse_args(argv)
    found = list(experiments(args.prefix))
    if not found:
        print(f"no experiment_* function in snippets modules starting with {args.prefix!r}", file=sys.stderr)
        return 2
    for k, (name, fn) in enumerate(found, 1):
        if args.list:
            print(f"{name} <- {fn.__module__}.{fn.__name__}()")
            continue
        module = fn.__module__.removeprefix("snippets.")
        print(f"[{k}/{len(found)}] {name} <- {fn.__module__}.{fn.__name__}() ...", flush=True)
        start = time.perf_counter()
        data = fn()
        seconds = time.perf_counter() - start
        device = data.pop("_device", "cpu") if isinstance(data, dict) else "cpu"
        path = save(name, data, seconds, f"python -m snippets.results {module}", device)
        print(f"      wrote {path.relative_to(RESULTS_DIR.parent)} in {seconds:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

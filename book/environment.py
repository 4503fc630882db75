"""Where and with what something was produced: the one record of hardware, OS and versions.

Used by every record the book writes about itself: experiment results
(``snippets/results.py``), the site benchmark (``book/bench.py``) and the
verified-build stamp (``book/verified.py``). One function, so the three records
name the same things the same way.
"""

from __future__ import annotations

import datetime
import os
import platform
from importlib import metadata

#: Packages whose version can change a number or a page; a missing one is recorded as None.
PACKAGES = ("torch", "numpy", "matplotlib", "mkdocs", "mkdocs-material", "mkdocs-jupyter", "pymdown-extensions")


def cpu_name() -> str:
    """The CPU's model name and logical core count (Linux), else what ``platform`` knows.

    >>> isinstance(cpu_name(), str) and cpu_name() != ""
    True
    """
    cpu = platform.processor() or platform.machine() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        if names:
            cpu = f"{names[0]} ({os.cpu_count()} logical cores)"
    except OSError:
        pass
    return cpu


def versions(packages: tuple[str, ...] = PACKAGES) -> dict[str, str | None]:
    """``{package: installed version or None}``, read from the installed metadata (imports nothing).

    >>> versions(("torch", "no-such-package-xyz"))["no-such-package-xyz"] is None
    True
    """
    out: dict[str, str | None] = {}
    for name in packages:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def environment(device: str = "cpu") -> dict[str, object]:
    """Date, machine, OS, CPU, torch threads and capability, load, Python and package versions.

    ``device`` is the accelerator used ("cpu", "cuda", "cuda:0"); a CUDA device is
    recorded with its name. Keys ``torch`` and ``numpy`` hold the versions, as the
    committed records always had; ``packages`` holds every version of ``PACKAGES``.

    >>> env = environment()
    >>> {"date", "python", "torch", "numpy", "machine", "os", "cpu", "threads", "device", "packages"} <= set(env)
    True
    >>> env["device"]
    'cpu'
    """
    import numpy
    import torch

    if device.startswith("cuda") and torch.cuda.is_available():
        device = f"{device}: {torch.cuda.get_device_name(torch.device(device))}"
    try:
        load: float | None = round(os.getloadavg()[0], 2)
    except (OSError, AttributeError):  # not on every OS
        load = None
    return {
        "date": datetime.date.today().isoformat(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "packages": versions(),
        "machine": f"{platform.system()} {platform.machine()}",
        "os": platform.platform(terse=True),
        "cpu": cpu_name(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "threads": torch.get_num_threads(),
        "load_average_1min": load,
        "device": device,
    }

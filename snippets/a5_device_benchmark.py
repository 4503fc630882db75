"""A5 — when does a deep network run faster on a GPU than on a CPU?

A benchmark that times correctly — warm-up, synchronisation with the device,
repeated timed blocks, medians — matrix products, an element-wise addition, a
small MLP and a small RNN over a sweep of sizes and batch sizes, on the CPU and,
where CUDA is present, on the GPU, with and without the host–device copies.
Plus the arithmetic-intensity (roofline) argument, and the two ways naive timing
lies, shown on the CPU.

    python -m snippets.results a5     # run the sweep on every device present, write results/

Shown in chapter A5, tested by tests/test_a5_device_benchmark.py (the GPU path
with a mocked ``torch.cuda``, since the book's own machine has no GPU).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import torch
from torch import nn

from snippets.validation import positive_int

MODULE = "a5_device_benchmark"


def _nothing() -> None:
    """The CPU's synchronise: its work is done when the call returns."""


# --8<-- [start:timer]
def synchronizer(device: str | torch.device) -> Callable[[], None]:
    """The function that waits until ``device`` has finished the work queued on it.

    CUDA kernels run asynchronously: a call returns once the kernel is queued,
    so a clock read right after it measures the launch, not the work.

    >>> synchronizer("cpu")()                  # nothing to wait for
    >>> synchronizer("mps")
    Traceback (most recent call last):
    ...
    ValueError: no synchronizer for device type 'mps': expected 'cpu' or 'cuda'
    """
    device = torch.device(device)
    if device.type == "cuda":
        return lambda: torch.cuda.synchronize(device)
    if device.type == "cpu":
        return _nothing
    raise ValueError(f"no synchronizer for device type {device.type!r}: expected 'cpu' or 'cuda'")


@dataclass(frozen=True)
class Timing:
    """Seconds per call, one value per timed block, and the calls per block."""

    seconds: tuple[float, ...]
    number: int

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def time_call(
    fn: Callable[[], object],
    *,
    sync: Callable[[], None] = _nothing,
    warmup: int = 2,
    repeats: int = 7,
    number: int = 1,
    clock: Callable[[], float] = time.perf_counter,
) -> Timing:
    """Time ``fn()``: ``warmup`` untimed calls, then ``repeats`` blocks of ``number`` calls.

    Each block starts and ends with ``sync()``, so it measures finished work,
    not queued work. Report the median of the blocks: it ignores the blocks
    that other processes slowed down.

    >>> t = time_call(lambda: sum(range(100)), repeats=5, number=10)
    >>> len(t.seconds), t.number, t.median > 0
    (5, 10, True)
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    if warmup < 0 or repeats < 1 or number < 1:
        raise ValueError(f"need warmup >= 0, repeats >= 1, number >= 1; got {warmup}, {repeats}, {number}")
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        sync()
        start = clock()
        for _ in range(number):
            fn()
        sync()
        samples.append((clock() - start) / number)
    return Timing(tuple(samples), number)


def calls_per_block(
    fn: Callable[[], object],
    *,
    sync: Callable[[], None] = _nothing,
    min_seconds: float = 5e-3,
    clock: Callable[[], float] = time.perf_counter,
) -> int:
    """How many calls make one timed block last at least ``min_seconds`` (at most 10,000).

    A block of one call to a microsecond operation would time the clock itself.

    With a clock that says one call took 5 µs (a real clock on a busy machine can say more, once):

    >>> ticks = iter([0.0, 5e-6])
    >>> calls_per_block(lambda: None, min_seconds=1e-3, clock=lambda: next(ticks))
    200
    >>> ticks = iter([0.0, 0.0])  # too fast to measure: the cap
    >>> calls_per_block(lambda: None, min_seconds=1e-3, clock=lambda: next(ticks))
    10000
    """
    sync()
    start = clock()
    fn()
    sync()
    once = max(clock() - start, 1e-9)
    return max(1, min(10_000, math.ceil(min_seconds / once)))


# --8<-- [end:timer]


# --8<-- [start:async]
class BackgroundQueue:
    """An asynchronous device made of one worker thread, to show on a CPU what CUDA does.

    ``launch(fn)`` queues ``fn`` and returns at once, like a CUDA kernel launch;
    ``synchronize()`` waits for everything queued, like ``torch.cuda.synchronize``.

    >>> q = BackgroundQueue()
    >>> q.launch(lambda: time.sleep(0.05))
    >>> q.synchronize(); q.close()
    """

    def __init__(self) -> None:
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        self._last: concurrent.futures.Future | None = None

    def launch(self, fn: Callable[[], object]) -> None:
        self._last = self._pool.submit(fn)

    def synchronize(self) -> None:
        if self._last is not None:
            self._last.result()

    def close(self) -> None:
        self._pool.shutdown(wait=True)


# --8<-- [end:async]


# --8<-- [start:workloads]
def to_device(obj, device: str | torch.device):
    """Move a tensor or module to ``device`` (one place, so tests can stand in for a GPU)."""
    return obj.to(device)


@dataclass
class Case:
    """One workload at one size: what to run, and how much arithmetic and memory traffic it is."""

    kind: str  # "matmul", "add", "mlp" or "rnn"
    size: int  # n for n×n matrices; the batch size for mlp and rnn
    flops: float  # floating-point operations per call
    bytes_moved: float | None  # least memory traffic per call (matmul, add), else None
    run: Callable[[], object]  # inputs already on the device; result stays there
    run_with_copy: Callable[[], object]  # inputs start on the host; result comes back to it


MLP_SIZES = (64, 256, 256, 10)
RNN_INPUT, RNN_HIDDEN, RNN_STEPS = 64, 128, 32


def make_case(kind: str, size: int, device: str | torch.device = "cpu", seed: int = 0) -> Case:
    """Build one workload in float32 on ``device``, under ``torch.inference_mode``.

    >>> c = make_case("matmul", 64)
    >>> c.flops, c.bytes_moved, tuple(c.run().shape)
    (524288, 49152, (64, 64))
    >>> make_case("conv", 8)
    Traceback (most recent call last):
    ...
    ValueError: kind must be one of matmul, add, mlp, rnn; got 'conv'
    """
    size = positive_int("size", size)
    g = torch.Generator().manual_seed(seed)
    host = "cpu"

    def resident(f, *args):
        on_device = [to_device(a, device) for a in args]

        def run():
            with torch.inference_mode():
                return f(*on_device)

        return run

    def with_copy(f, *args):
        def run():
            with torch.inference_mode():
                return to_device(f(*[to_device(a, device) for a in args]), host)

        return run

    if kind in ("matmul", "add"):
        a, b = torch.randn(size, size, generator=g), torch.randn(size, size, generator=g)
        out = to_device(torch.empty(size, size), device)  # preallocated: no fresh memory per call
        op = torch.matmul if kind == "matmul" else torch.add

        def f(x, y):
            return op(x, y, out=out)

        flops = 2 * size**3 if kind == "matmul" else size**2
        return Case(kind, size, flops, 3 * size**2 * 4, resident(f, a, b), with_copy(f, a, b))
    if kind == "mlp":
        torch.manual_seed(seed)
        layers = []
        for i, (n_in, n_out) in enumerate(zip(MLP_SIZES, MLP_SIZES[1:])):
            layers += [nn.Linear(n_in, n_out)] + ([nn.ReLU()] if i < len(MLP_SIZES) - 2 else [])
        model = to_device(nn.Sequential(*layers).eval(), device)
        x = torch.randn(size, MLP_SIZES[0], generator=g)
        flops = 2 * size * sum(i * o for i, o in zip(MLP_SIZES, MLP_SIZES[1:]))
        return Case(kind, size, flops, None, resident(model, x), with_copy(model, x))
    if kind == "rnn":
        torch.manual_seed(seed)
        model = to_device(nn.RNN(RNN_INPUT, RNN_HIDDEN, batch_first=True).eval(), device)
        x = torch.randn(size, RNN_STEPS, RNN_INPUT, generator=g)
        flops = 2 * size * RNN_STEPS * (RNN_INPUT * RNN_HIDDEN + RNN_HIDDEN**2)

        def first(out):  # nn.RNN returns (outputs, last state): keep the outputs
            return out[0]

        return Case(
            kind, size, flops, None, resident(lambda z: first(model(z)), x), with_copy(lambda z: first(model(z)), x)
        )
    raise ValueError(f"kind must be one of matmul, add, mlp, rnn; got {kind!r}")


# --8<-- [end:workloads]


# --8<-- [start:sweep]
@dataclass(frozen=True)
class Sweep:
    """The sizes to measure and how. The default runs in under a minute on two CPU cores.

    The CPU is measured with one thread and with all of torch's threads (None):
    threads are parallel hardware too, with their own fixed cost.
    """

    matmul: tuple[int, ...] = (16, 32, 64, 128, 256, 512, 1024)
    add: tuple[int, ...] = (16, 64, 256, 1024, 2048, 4096)
    mlp: tuple[int, ...] = (1, 4, 16, 64, 256, 1024)
    rnn: tuple[int, ...] = (1, 8, 64, 256)
    cpu_threads: tuple[int | None, ...] = (1, None)
    warmup: int = 1
    repeats: int = 5
    min_block_seconds: float = 5e-3


QUICK = Sweep(
    matmul=(16, 64, 256),
    add=(64, 256),
    mlp=(1, 16, 256),
    rnn=(1, 16),
    cpu_threads=(1,),
    repeats=3,
    min_block_seconds=2e-3,
)


def resolve_devices(devices: Sequence[str] | None = None) -> list[str]:
    """The devices to measure: by default the CPU, and CUDA when it is present.

    >>> resolve_devices(["cpu"])
    ['cpu']
    """
    if devices is None:
        return ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    for d in devices:
        kind = torch.device(d).type
        if kind == "cuda" and not torch.cuda.is_available():
            raise RuntimeError(f"device {d!r} requested, but torch.cuda.is_available() is False on this machine")
        if kind not in ("cpu", "cuda"):
            raise ValueError(f"devices must be 'cpu' or 'cuda', got {d!r}")
    return list(devices)


def device_name(device: str) -> str:
    """A readable name for the hardware behind ``device``.

    >>> device_name("cpu") != ""
    True
    """
    if torch.device(device).type == "cuda":
        return torch.cuda.get_device_name(torch.device(device))
    from snippets.results import environment

    return environment()["cpu"]


@contextlib.contextmanager
def cpu_threads(n: int | None):
    """Run the block with ``n`` torch threads (None: leave torch's setting alone)."""
    before = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    try:
        yield torch.get_num_threads()
    finally:
        torch.set_num_threads(before)


def run_benchmark(devices: Sequence[str] | None = None, sweep: Sweep = Sweep()) -> dict:
    """Time every case of ``sweep`` on every device; one record per (device, threads, kind, size, copy).

    On the CPU the copy variant is the same work (the data is already in host
    memory), so only accelerators get ``copy=True`` records.
    """
    devices = resolve_devices(devices)
    records = []
    for device in devices:
        sync = synchronizer(device)
        on_cpu = torch.device(device).type == "cpu"
        for threads_wanted in sweep.cpu_threads if on_cpu else (None,):
            with cpu_threads(threads_wanted) as threads:
                for kind in ("matmul", "add", "mlp", "rnn"):
                    for size in getattr(sweep, kind):
                        case = make_case(kind, size, device)
                        variants = [(False, case.run)] + ([] if on_cpu else [(True, case.run_with_copy)])
                        for copy, fn in variants:
                            for _ in range(sweep.warmup):
                                fn()
                            number = calls_per_block(fn, sync=sync, min_seconds=sweep.min_block_seconds)
                            t = time_call(fn, sync=sync, warmup=0, repeats=sweep.repeats, number=number)
                            records.append(
                                {
                                    "device": device,
                                    "threads": threads,
                                    "kind": kind,
                                    "size": size,
                                    "copy": copy,
                                    "flops": case.flops,
                                    "bytes": case.bytes_moved,
                                    "number": number,
                                    "median": t.median,
                                    "min": min(t.seconds),
                                    "max": max(t.seconds),
                                }
                            )
    return {
        "sweep": asdict(sweep),
        "devices": {d: device_name(d) for d in devices},
        "float32_matmul_precision": torch.get_float32_matmul_precision(),
        "records": records,
    }


# --8<-- [end:sweep]


def _virtual_machine() -> bool:
    """True when the CPU reports the 'hypervisor' flag (Linux): the machine is a virtual one."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            return any(line.startswith("flags") and " hypervisor" in line for line in f)
    except OSError:
        return False


def experiment_sweep() -> dict:
    """The default sweep on every device present, with the machine's load before and after."""
    load_before = os.getloadavg()
    data = run_benchmark()
    load_after = os.getloadavg()
    data["cpu_count"] = os.cpu_count()
    data["threads_default"] = torch.get_num_threads()
    data["virtual_machine"] = _virtual_machine()
    data["load_average_1min"] = [round(load_before[0], 2), round(load_after[0], 2)]
    kind = "virtual machine" if data["virtual_machine"] else "machine"
    data["conditions"] = (
        f"{os.cpu_count()}-core {kind}; 1-minute load average {load_before[0]:.1f} before and "
        f"{load_after[0]:.1f} after the sweep, so other processes may have been running: "
        "medians resist that, single blocks do not."
    )
    data["_device"] = "cuda" if "cuda" in data["devices"] else "cpu"
    return data


# --8<-- [start:roofline]
def arithmetic_intensity(kind: str, n: int, bytes_per_number: int = 4) -> float:
    """FLOPs per byte of memory traffic for an n×n operation (float32 by default).

    matmul: 2n³ FLOPs on 3n² numbers (read A and B, write C) → n/6 for float32.
    add:    n² FLOPs on the same 3n² numbers → 1/12, whatever n.

    >>> arithmetic_intensity("matmul", 1024), arithmetic_intensity("add", 1024)
    (170.66666666666666, 0.08333333333333333)
    """
    numbers = 3 * n * n * bytes_per_number
    if kind == "matmul":
        return 2 * n**3 / numbers
    if kind == "add":
        return n * n / numbers
    raise ValueError(f"kind must be 'matmul' or 'add', got {kind!r}")


def attainable_flops(intensity: float, peak_flops: float, bandwidth: float) -> float:
    """The roofline: a kernel can run no faster than the arithmetic units or than memory feeds them.

    >>> attainable_flops(0.1, peak_flops=1e12, bandwidth=1e11)    # memory-bound
    10000000000.0
    >>> attainable_flops(100, peak_flops=1e12, bandwidth=1e11)    # compute-bound
    1000000000000.0
    """
    return min(peak_flops, intensity * bandwidth)


def linear_intensity(batch: int, n_in: int, n_out: int, bytes_per_number: int = 4) -> float:
    """FLOPs per byte of a linear layer on a batch: 2·b·i·o FLOPs on i·o weights and b·(i + o) activations.

    With the weights dominating the traffic this is about b/2 for float32: a batch
    reuses each weight b times, batch 1 reuses it once.

    >>> round(linear_intensity(1, 1024, 1024), 2), round(linear_intensity(256, 1024, 1024), 1)
    (0.5, 85.3)
    """
    flops = 2 * batch * n_in * n_out
    return flops / ((n_in * n_out + batch * (n_in + n_out)) * bytes_per_number)


# --8<-- [end:roofline]


# --8<-- [start:crossover]
def crossover(sizes: Sequence[int], slow_then_fast: Sequence[float], other: Sequence[float]) -> int | None:
    """The smallest size from which ``other`` is faster at every larger measured size, or None.

    >>> crossover([1, 10, 100, 1000], [1.0, 2.0, 20.0, 200.0], [5.0, 5.0, 6.0, 9.0])
    100
    >>> crossover([1, 10], [1.0, 2.0], [5.0, 5.0]) is None
    True
    """
    if not (len(sizes) == len(slow_then_fast) == len(other)):
        raise ValueError("sizes and the two timing lists must have the same length")
    found = None
    for size, a, b in reversed(list(zip(sizes, slow_then_fast, other))):
        if b < a:
            found = size
        else:
            break
    return found


def break_even_flops(fixed_a: float, rate_a: float, fixed_b: float, rate_b: float) -> float:
    """Work W (FLOPs) above which device b beats device a, when t(W) = fixed + W / rate.

    b pays a larger fixed cost (launch, copy, synchronisation) and earns it back
    with a higher rate: W* = (fixed_b − fixed_a) / (1/rate_a − 1/rate_b).

    >>> break_even_flops(fixed_a=1e-6, rate_a=1e10, fixed_b=1e-5, rate_b=1e12)  # hypothetical devices
    90909.09090909091
    """
    if rate_b <= rate_a:
        return math.inf
    return max(0.0, (fixed_b - fixed_a) / (1 / rate_a - 1 / rate_b))


# --8<-- [end:crossover]


# --8<-- [start:pitfalls]
def naive_time(fn: Callable[[], object], clock: Callable[[], float] = time.perf_counter) -> float:
    """The wrong way: one call, no warm-up, no synchronisation."""
    start = clock()
    fn()
    return clock() - start


def async_timing_demo(n: int = 512, repeats: int = 5) -> dict[str, float]:
    """Time queued matrix products with and without waiting for them to finish.

    A product big enough to take milliseconds on one thread, against a launch of microseconds: a busy
    machine's scheduling delays cannot reverse the medians (with n=128 a fresh-clone run once did).

    >>> r = async_timing_demo(n=384, repeats=5)
    >>> r["without_sync"] < r["with_sync"]
    True
    """
    a = torch.randn(n, n)
    queue = BackgroundQueue()
    try:
        work = lambda: queue.launch(lambda: a @ a)  # noqa: E731
        queue.synchronize()
        without = time_call(work, warmup=1, repeats=repeats)  # clock stops after the launch
        with_sync = time_call(work, sync=queue.synchronize, warmup=1, repeats=repeats)
    finally:
        queue.synchronize()
        queue.close()
    return {"without_sync": without.median, "with_sync": with_sync.median}


def _cold_probe(n: int, repeats: int) -> None:
    """Run in a fresh interpreter: print the first call's time and the warm median, as JSON."""
    torch.set_num_threads(1)  # one thread: other processes' load would hide the effect
    a = torch.randn(n, n)
    first = naive_time(lambda: a @ a)
    warm = time_call(lambda: a @ a, warmup=2, repeats=repeats).median
    print(json.dumps({"first_call": first, "warm_median": warm}))


def cold_start_demo(n: int = 256, repeats: int = 7) -> dict[str, float]:
    """The first matrix product in a new Python process against the warm median, in seconds.

    >>> r = cold_start_demo(n=64, repeats=3)
    >>> sorted(r)
    ['first_call', 'warm_median']
    """
    code = f"from snippets.a5_device_benchmark import _cold_probe; _cold_probe({int(n)}, {int(repeats)})"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300, cwd=root
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --8<-- [end:pitfalls]


def experiment_pitfalls() -> dict:
    """Why naive timing lies, measured on the CPU with one thread: cold start, queues, noise, overhead."""
    cold = cold_start_demo()
    with cpu_threads(1):
        queued = async_timing_demo()
        a = torch.randn(512, 512)
        spread = time_call(lambda: a @ a, warmup=2, repeats=30)
        tiny = torch.zeros(1)
        overhead = time_call(lambda: tiny.add(1), repeats=15, number=2000)
    return {
        "threads": 1,
        "cold_n": 256,
        "first_call": cold["first_call"],
        "warm_median": cold["warm_median"],
        "async_n": 512,
        "without_sync": queued["without_sync"],
        "with_sync": queued["with_sync"],
        "spread_n": 512,
        "spread_seconds": list(spread.seconds),
        "op_overhead": overhead.median,
    }


def _records(data: dict, **match) -> list[dict]:
    out = [r for r in data["records"] if all(r[k] == v for k, v in match.items())]
    return sorted(out, key=lambda r: r["size"])


def lines(data: dict) -> list[tuple[str, str, int]]:
    """The measured configurations as (label, device, threads): one line each in the figures."""
    seen = sorted({(r["device"], r["threads"]) for r in data["records"]}, key=lambda dt: (dt[0] != "cpu", dt))
    out = []
    for device, threads in seen:
        if device == "cpu":
            out.append((f"CPU, {threads} thread{'s' if threads > 1 else ''}", device, threads))
        else:
            out.append((f"GPU ({data['devices'][device]})", device, threads))
    return out


def measured_roofline(data: dict, device: str, threads: int) -> dict[str, float]:
    """Peak FLOP/s (best matrix product) and bandwidth (largest addition) measured on one configuration."""
    mm = _records(data, device=device, threads=threads, kind="matmul", copy=False)
    add = _records(data, device=device, threads=threads, kind="add", copy=False)
    peak = max(r["flops"] / r["median"] for r in mm)
    bandwidth = add[-1]["bytes"] / add[-1]["median"]
    return {"peak_flops": peak, "bandwidth": bandwidth, "ridge": peak / bandwidth}


def _line_label(t, data: dict, label: str, device: str, threads: int) -> str:
    """The label of one measured configuration of ``lines(data)`` in the figure's language."""
    if device == "cpu":
        return t(label, f"CPU, {'תהליכון אחד' if threads == 1 else f'{threads} תהליכונים'}")
    return t(label, f"GPU ({data['devices'][device]})")


def figure_times(lang: str = "en"):
    """Median time against size, one line per device measured (dashed: including the copies)."""
    from snippets.plotting import PALETTE, Labels, new_figure
    from snippets.results import load

    t = Labels(lang)
    data = load(MODULE, "sweep")["data"]
    fig, axes = new_figure(9.0, 3.4, ncols=3)
    mlp = "-".join(map(str, MLP_SIZES))
    panels = [
        ("matmul", "n  (n×n @ n×n)", t("seconds per product", "שניות למכפלה"), False),
        (
            "mlp",
            t(f"batch size  (MLP {mlp})", f"גודל batch  (MLP {mlp})"),
            t("seconds per example", "שניות לדוגמה"),
            True,
        ),
        (
            "rnn",
            t(f"batch size  (RNN, {RNN_STEPS} steps)", f"גודל batch  (RNN, {RNN_STEPS} צעדים)"),
            t("seconds per sequence", "שניות לסדרה"),
            True,
        ),
    ]
    for ax, (kind, xlabel, ylabel, per_item) in zip(axes, panels, strict=True):
        for colour, (label, device, threads) in zip(PALETTE, lines(data), strict=False):
            for copy in (False, True):
                rows = _records(data, device=device, threads=threads, kind=kind, copy=copy)
                if not rows:
                    continue
                x = [r["size"] for r in rows]
                y = [r["median"] / (r["size"] if per_item else 1) for r in rows]
                name = _line_label(t, data, label, device, threads)
                ax.plot(
                    x,
                    y,
                    "o--" if copy else "o-",
                    color=colour,
                    markersize=3.5,
                    linewidth=1.6,
                    label=name + t(", incl. copies", ", כולל ההעתקות") if copy else name,
                )
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel(xlabel, fontsize=8)
        ax.set_ylabel(ylabel, fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=7, frameon=False, loc="upper left", **t.legend)
    gpu = "" if "cuda" in data["devices"] else t("  (no GPU measured yet)", "  (עוד לא נמדד GPU)")
    fig.suptitle(
        t(
            f"Median time, float32, on {data['devices']['cpu']}{gpu}",
            f"זמן חציוני, float32, על {data['devices']['cpu']}{gpu}",
        ),
        fontsize=9,
    )
    return fig


def figure_roofline(lang: str = "en"):
    """Achieved FLOP/s against arithmetic intensity, under the roofline measured on each configuration."""
    from snippets.plotting import PALETTE, Labels, new_figure
    from snippets.results import load

    t = Labels(lang)
    data = load(MODULE, "sweep")["data"]
    fig, ax = new_figure(6.0, 3.6)
    for colour, (label, device, threads) in zip(PALETTE, lines(data), strict=False):
        roof = measured_roofline(data, device, threads)
        for kind, marker in (("matmul", "o"), ("add", "s")):
            rows = _records(data, device=device, threads=threads, kind=kind, copy=False)
            ai = [arithmetic_intensity(kind, r["size"]) for r in rows]
            gflops = [r["flops"] / r["median"] / 1e9 for r in rows]
            ax.plot(
                ai,
                gflops,
                marker,
                color=colour,
                markersize=4.5,
                linestyle="none",
                markerfacecolor=colour if kind == "matmul" else "white",
                label=f"{_line_label(t, data, label, device, threads)}: {'matmul' if kind == 'matmul' else 'add'}",
            )
        xs = [10 ** (k / 20) for k in range(-40, 61)]
        ax.plot(
            xs,
            [attainable_flops(x, roof["peak_flops"], roof["bandwidth"]) / 1e9 for x in xs],
            color=colour,
            linewidth=1,
            alpha=0.5,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(t("arithmetic intensity (FLOPs per byte moved)", "עצימות אריתמטית (FLOPs לכל בית שהועבר)"))
    ax.set_ylabel(t("achieved GFLOP/s", "GFLOP/s שהושגו"))
    ax.set_title(
        t(
            "n×n matmul (filled) and add (open) under the measured roofs",
            "matmul של n×n (מלא) ו־add (ריק) מתחת לתקרות שנמדדו",
        ),
        fontsize=10,
    )
    ax.legend(fontsize=7, frameon=False, loc="upper left", **t.legend)
    return fig


def _phrase_from(size: int | None, unit: str) -> str:
    return f"from {unit} {size} up" if size is not None else "at no measured size"


def _phrase_from_he(size: int | None, unit: str) -> str:
    """The same phrase for the Hebrew edition (its ``*_he`` facts)."""
    return f"החל מ־{unit} {size} ומעלה" if size is not None else "באף גודל שנמדד"


def thread_scaling(one_gflops: float, many_gflops: float, threads: int, tolerance: float = 1.1) -> tuple[str, str]:
    """The sentence (English, Hebrew) that reports a thread-count comparison, chosen from the numbers.

    Faster when ``many / one >= tolerance``, slower when ``<= 1 / tolerance``,
    otherwise "no faster": the page cannot claim what the measurement does not show.

    >>> thread_scaling(87.0, 184.0, 2)[0]
    'With 2 threads instead of one, the largest product ran 2.1 times faster (184 GFLOP/s against 87).'
    >>> thread_scaling(87.0, 90.0, 2)[0]
    'With 2 threads instead of one, the largest product ran no faster (90 GFLOP/s against 87).'
    >>> thread_scaling(87.0, 50.0, 2)[0]
    'With 2 threads instead of one, the largest product ran slower, at 0.57 times the speed (50 GFLOP/s against 87).'
    """
    if not (one_gflops > 0 and many_gflops > 0):
        raise ValueError(f"throughputs must be positive, got {one_gflops!r} and {many_gflops!r}")
    ratio = many_gflops / one_gflops
    numbers = f"({many_gflops:.0f} GFLOP/s against {one_gflops:.0f})"
    numbers_he = f"({many_gflops:.0f} GFLOP/s לעומת {one_gflops:.0f})"
    lead = f"With {threads} threads instead of one, the largest product ran"
    lead_he = f"עם {threads} threads במקום אחד, המכפלה הגדולה ביותר רצה"
    if ratio >= tolerance:
        return f"{lead} {ratio:.1f} times faster {numbers}.", f"{lead_he} מהר יותר פי {ratio:.1f} {numbers_he}."
    if ratio <= 1 / tolerance:
        return (
            f"{lead} slower, at {ratio:.2f} times the speed {numbers}.",
            f"{lead_he} לאט יותר, ב־{ratio:.2f} מהמהירות {numbers_he}.",
        )
    return f"{lead} no faster {numbers}.", f"{lead_he} לא מהר יותר {numbers_he}."


def facts() -> dict[str, object]:
    """The numbers chapter A5 prints, from the committed results and from the roofline code."""
    from snippets.results import load

    record = load(MODULE, "sweep")
    data = record["data"]
    pit = load(MODULE, "pitfalls")["data"]
    cpu_threads_measured = sorted({r["threads"] for r in data["records"] if r["device"] == "cpu"})
    one, many = cpu_threads_measured[0], cpu_threads_measured[-1]
    cpu = measured_roofline(data, "cpu", one)
    mm = _records(data, device="cpu", threads=one, kind="matmul", copy=False)
    mm_many = _records(data, device="cpu", threads=many, kind="matmul", copy=False)
    mlp = _records(data, device="cpu", threads=one, kind="mlp", copy=False)
    rnn = _records(data, device="cpu", threads=one, kind="rnn", copy=False)
    spread = sorted(pit["spread_seconds"])
    sizes = [r["size"] for r in mm]
    import inspect

    import torch.utils.benchmark

    out = {
        "timer_threads": inspect.signature(torch.utils.benchmark.Timer).parameters["num_threads"].default,
        "li_width": 1024,
        "li_b1": f"{linear_intensity(1, 1024, 1024):.2f}",
        "li_b256": f"{linear_intensity(256, 1024, 1024):.0f}",
        "machine_kind": "virtual machine" if data.get("virtual_machine") else "machine",
        "machine_kind_he": "מכונה וירטואלית" if data.get("virtual_machine") else "מכונה פיזית",
        "ai_matmul_16": f"{arithmetic_intensity('matmul', 16):.1f}",
        "ai_matmul_large": f"{arithmetic_intensity('matmul', mm[-1]['size']):.0f}",
        "ai_add": f"{arithmetic_intensity('add', 2048):.3f}",
        "cpu_name": data["devices"]["cpu"],
        "cpu_count": data["cpu_count"],
        "threads_many": many,
        "date": record["produced"]["date"],
        "torch": record["produced"]["torch"].split("+")[0],
        "load_before": f"{data['load_average_1min'][0]:.1f}",
        "load_after": f"{data['load_average_1min'][1]:.1f}",
        "sweep_seconds": f"{record['seconds']:.0f}",
        "cpu_peak_gflops": f"{cpu['peak_flops'] / 1e9:.0f}",
        "cpu_bandwidth_gbs": f"{cpu['bandwidth'] / 1e9:.1f}",
        "cpu_ridge": f"{cpu['ridge']:.1f}",
        "cpu_ridge_n": f"{6 * cpu['ridge']:.0f}",
        "mm_small_n": mm[0]["size"],
        "mm_small_us": f"{mm[0]['median'] * 1e6:.1f}",
        "mm_small_gflops": f"{mm[0]['flops'] / mm[0]['median'] / 1e9:.2f}",
        "mm_large_n": mm[-1]["size"],
        "mm_large_ms": f"{mm[-1]['median'] * 1e3:.0f}",
        "mm_large_gflops": f"{mm[-1]['flops'] / mm[-1]['median'] / 1e9:.0f}",
        "mm_large_gflops_many": f"{mm_many[-1]['flops'] / mm_many[-1]['median'] / 1e9:.0f}",
        "mm_small_us_many": f"{mm_many[0]['median'] * 1e6:.1f}",
        **dict(
            zip(
                ("thread_scaling", "thread_scaling_he"),
                thread_scaling(
                    mm[-1]["flops"] / mm[-1]["median"] / 1e9, mm_many[-1]["flops"] / mm_many[-1]["median"] / 1e9, many
                ),
                strict=True,
            )
        ),
        "threads_crossover": _phrase_from(
            crossover(sizes, [r["median"] for r in mm], [r["median"] for r in mm_many]), "n ="
        ),
        "mlp_b1_us": f"{mlp[0]['median'] * 1e6:.0f}",
        "mlp_big_b": mlp[-1]["size"],
        "mlp_big_us_per_example": f"{mlp[-1]['median'] / mlp[-1]['size'] * 1e6:.1f}",
        "mlp_amortisation": f"{(mlp[0]['median'] / mlp[0]['size']) / (mlp[-1]['median'] / mlp[-1]['size']):.0f}",
        "rnn_b1_us": f"{rnn[0]['median'] * 1e6:.0f}",
        "rnn_b1_us_per_step": f"{rnn[0]['median'] / RNN_STEPS * 1e6:.1f}",
        "rnn_steps": RNN_STEPS,
        "rnn_hidden": RNN_HIDDEN,
        "op_overhead_us": f"{pit['op_overhead'] * 1e6:.1f}",
        "cold_n": pit["cold_n"],
        "cold_first_ms": f"{pit['first_call'] * 1e3:.2f}",
        "cold_warm_ms": f"{pit['warm_median'] * 1e3:.2f}",
        "cold_ratio": f"{pit['first_call'] / pit['warm_median']:.1f}",
        "async_n": pit["async_n"],
        "async_without_us": f"{pit['without_sync'] * 1e6:.0f}",
        "async_with_ms": f"{pit['with_sync'] * 1e3:.1f}",
        "async_ratio": f"{pit['with_sync'] / pit['without_sync']:.0f}",
        "spread_n": pit["spread_n"],
        "spread_repeats": len(spread),
        "spread_min_ms": f"{spread[0] * 1e3:.1f}",
        "spread_median_ms": f"{statistics.median(spread) * 1e3:.1f}",
        "spread_max_ms": f"{spread[-1] * 1e3:.1f}",
        "spread_mean_ms": f"{statistics.fmean(spread) * 1e3:.1f}",
    }
    if "cuda" in data["devices"]:
        mm_gpu = _records(data, device="cuda", kind="matmul", copy=False)
        mlp_gpu = _records(data, device="cuda", kind="mlp", copy=False)
        mlp_many = _records(data, device="cpu", threads=many, kind="mlp", copy=False)
        xo_mm = crossover(sizes, [r["median"] for r in mm_many], [r["median"] for r in mm_gpu])
        xo_mlp = crossover(
            [r["size"] for r in mlp_many], [r["median"] for r in mlp_many], [r["median"] for r in mlp_gpu]
        )
        out["gpu_status"] = (
            f"Measured on {data['devices']['cuda']} (results of {record['produced']['date']}). With the data "
            f"already on the GPU, it beat this machine's CPU ({many} threads) for matrix products "
            f"{_phrase_from(xo_mm, 'n =')} and for the MLP {_phrase_from(xo_mlp, 'batch size')}."
        )
        out["gpu_status_he"] = (
            f"נמדד על {data['devices']['cuda']} (תוצאות מ־{record['produced']['date']}). כשהנתונים כבר על ה־GPU, "
            f"הוא ניצח את ה־CPU של המכונה הזו ({many} threads) במכפלות מטריצות "
            f"{_phrase_from_he(xo_mm, 'n =')}, וב־MLP {_phrase_from_he(xo_mlp, 'גודל batch')}."
        )
    else:
        out["gpu_status"] = (
            "GPU numbers are not yet measured. The committed results come from a machine without a GPU, "
            "so the figures show the CPU only and this page states no measured CPU–GPU crossover."
        )
        out["gpu_status_he"] = (
            "מספרי GPU עדיין לא נמדדו. התוצאות שב־repository באות ממכונה בלי GPU, ולכן האיורים מראים "
            "רק את ה־CPU, והעמוד הזה אינו מציין נקודת מעבר נמדדת בין CPU ל־GPU."
        )
    return out

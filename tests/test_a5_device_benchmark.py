"""Chapter A5: the benchmark's timing logic (the GPU path with a mocked torch.cuda), the roofline
arithmetic, and the conclusions the page draws from the committed results."""

from __future__ import annotations

import math
import time

import pytest
import torch

import snippets.a5_device_benchmark as bench
from snippets.a5_device_benchmark import (
    QUICK,
    BackgroundQueue,
    Sweep,
    Timing,
    arithmetic_intensity,
    async_timing_demo,
    attainable_flops,
    break_even_flops,
    calls_per_block,
    crossover,
    facts,
    figure_roofline,
    figure_times,
    lines,
    make_case,
    measured_roofline,
    resolve_devices,
    run_benchmark,
    synchronizer,
    time_call,
)
from snippets.results import load


class FakeAsyncDevice:
    """A deterministic stand-in for a GPU: work is queued by fn() and done only by synchronize().

    The clock advances by ``launch`` seconds per call and by the queued work when synchronised,
    like a CUDA stream seen from the host.
    """

    def __init__(self, work: float = 1.0, launch: float = 0.001):
        self.now, self.queued, self.work, self.launch = 0.0, 0.0, work, launch
        self.log: list[str] = []

    def fn(self):
        self.log.append("fn")
        self.now += self.launch
        self.queued += self.work

    def sync(self):
        self.log.append("sync")
        self.now += self.queued
        self.queued = 0.0

    def clock(self):
        self.log.append("clock")
        return self.now


def test_timer_warms_up_then_brackets_each_block_with_synchronisation():
    dev = FakeAsyncDevice()
    t = time_call(dev.fn, sync=dev.sync, clock=dev.clock, warmup=2, repeats=3, number=2)
    block = ["sync", "clock", "fn", "fn", "sync", "clock"]
    assert dev.log == ["fn", "fn"] + block * 3
    # The warm-up work is flushed by the first sync, before the clock starts: every block is exact.
    assert t.seconds == pytest.approx((1.001,) * 3)
    assert t.median == pytest.approx(1.001) and t.number == 2


def test_without_synchronisation_the_timer_measures_only_the_launch():
    dev = FakeAsyncDevice()
    naive = time_call(dev.fn, clock=dev.clock, warmup=0, repeats=3)
    assert naive.median == pytest.approx(0.001)  # a thousand times too fast
    assert "sync" not in dev.log


def test_median_ignores_a_block_slowed_by_another_process():
    times = iter([0, 1, 1, 2, 2, 50, 50, 51, 51, 52])
    t = time_call(lambda: None, clock=lambda: next(times), warmup=0, repeats=5)
    assert t.seconds == (1, 1, 48, 1, 1)
    assert t.median == 1
    assert Timing((1.0, 3.0), 1).median == 2.0


def test_on_a_cuda_device_the_timer_calls_torch_cuda_synchronize(monkeypatch):
    calls = []
    monkeypatch.setattr(torch.cuda, "synchronize", lambda device=None: calls.append(device))
    sync = synchronizer("cuda:0")
    time_call(lambda: None, sync=sync, warmup=1, repeats=4)
    assert calls == [torch.device("cuda:0")] * 8  # before and after each of the four blocks
    assert synchronizer("cpu") is bench._nothing


def test_bad_arguments_are_refused_clearly():
    with pytest.raises(ValueError, match="expected 'cpu' or 'cuda'"):
        synchronizer("mps")
    with pytest.raises(ValueError, match="repeats >= 1"):
        time_call(lambda: None, repeats=0)
    with pytest.raises(TypeError, match="callable"):
        time_call(3)
    with pytest.raises(ValueError, match="kind must be one of"):
        make_case("conv", 4)
    with pytest.raises(ValueError, match="size must be at least 1"):
        make_case("matmul", 0)
    with pytest.raises(ValueError, match="'cpu' or 'cuda'"):
        resolve_devices(["mps"])


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the refusal on a machine without CUDA")
def test_asking_for_cuda_without_a_gpu_is_an_error():
    with pytest.raises(RuntimeError, match="is_available"):
        resolve_devices(["cuda"])
    assert resolve_devices() == ["cpu"]


def test_gpu_path_of_the_sweep_with_a_mocked_cuda(monkeypatch):
    """On 'cuda' the sweep times resident and copy variants, synchronising through torch.cuda."""
    moves, syncs = [], []
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "Mock GPU")
    monkeypatch.setattr(torch.cuda, "synchronize", lambda device=None: syncs.append(device))
    monkeypatch.setattr(bench, "to_device", lambda obj, device: moves.append(str(device)) or obj)
    tiny = Sweep(matmul=(8,), add=(8,), mlp=(2,), rnn=(1,), warmup=1, repeats=2, min_block_seconds=1e-4)
    data = run_benchmark(["cuda"], tiny)
    assert data["devices"] == {"cuda": "Mock GPU"}
    assert {(r["kind"], r["copy"]) for r in data["records"]} == {
        (k, c) for k in ("matmul", "add", "mlp", "rnn") for c in (False, True)
    }
    assert all(r["device"] == "cuda" and r["median"] > 0 for r in data["records"])
    assert syncs and set(syncs) == {torch.device("cuda")}
    assert "cuda" in moves and "cpu" in moves  # inputs go to the device, results come back


def test_cpu_sweep_has_no_copy_records_and_records_threads():
    data = run_benchmark(
        ["cpu"], Sweep(matmul=(8,), add=(8,), mlp=(1,), rnn=(1,), cpu_threads=(1,), repeats=2, min_block_seconds=1e-4)
    )
    assert not any(r["copy"] for r in data["records"])
    assert {r["threads"] for r in data["records"]} == {1}
    assert [label for label, _, _ in lines(data)] == ["CPU, 1 thread"]


def test_workloads_count_their_flops_and_compute_the_right_thing():
    c = make_case("matmul", 32)
    assert c.flops == 2 * 32**3 and c.bytes_moved == 3 * 32**2 * 4
    torch.testing.assert_close(c.run(), c.run_with_copy())
    mlp = make_case("mlp", 3)
    assert tuple(mlp.run().shape) == (3, 10) and mlp.flops == 2 * 3 * (64 * 256 + 256 * 256 + 256 * 10)
    rnn = make_case("rnn", 2)
    assert tuple(rnn.run().shape) == (2, bench.RNN_STEPS, bench.RNN_HIDDEN)


def test_roofline_arithmetic():
    for n in (16, 256, 2048):
        assert arithmetic_intensity("matmul", n) == pytest.approx(n / 6)
        assert arithmetic_intensity("add", n) == pytest.approx(1 / 12)
        assert arithmetic_intensity("matmul", n, bytes_per_number=2) == pytest.approx(n / 3)
    assert attainable_flops(1 / 12, 1e12, 1e11) == pytest.approx(1e11 / 12)
    with pytest.raises(ValueError):
        arithmetic_intensity("conv", 4)


def test_crossover_and_break_even():
    assert crossover([1, 2, 4, 8], [1, 2, 4, 8], [3, 3, 3, 3]) == 4
    assert crossover([1, 2, 4], [1, 5, 1], [2, 2, 2]) is None  # must hold at every larger size
    with pytest.raises(ValueError):
        crossover([1, 2], [1], [1, 2])
    w = break_even_flops(1e-6, 1e10, 1e-5, 1e12)
    assert 1e-6 + w / 1e10 == pytest.approx(1e-5 + w / 1e12)
    assert break_even_flops(1e-6, 1e12, 1e-5, 1e10) == math.inf


def test_calls_per_block_reaches_the_minimum_block_time():
    assert calls_per_block(lambda: time.sleep(0.002), min_seconds=1e-3) == 1
    assert calls_per_block(lambda: None, min_seconds=1e-2) > 100


def test_background_queue_shows_why_naive_timing_lies():
    r = async_timing_demo(n=256, repeats=3)
    assert r["without_sync"] * 5 < r["with_sync"]
    q = BackgroundQueue()
    done = []
    q.launch(lambda: (time.sleep(0.02), done.append(1)))
    assert not done  # launch returned before the work ran
    q.synchronize()
    assert done == [1]
    q.close()


def test_quick_cpu_sweep_amortises_fixed_costs_over_the_batch():
    data = run_benchmark(["cpu"], QUICK)
    mlp = sorted((r for r in data["records"] if r["kind"] == "mlp"), key=lambda r: r["size"])
    # The fastest block of each size: the least disturbed by other processes on a shared machine.
    per_example = [r["min"] / r["size"] for r in mlp]
    assert per_example[-1] * 2 < per_example[0]


# ---- the committed results and the page's claims -------------------------------------------------


def test_committed_sweep_is_complete_and_honest_about_devices():
    record = load("a5_device_benchmark", "sweep")
    data = record["data"]
    sweep = data["sweep"]
    assert data["devices"]["cpu"] == record["produced"]["cpu"]
    expected = {(k, s) for k in ("matmul", "add", "mlp", "rnn") for s in sweep[k]}
    for label, device, threads in lines(data):
        got = {(r["kind"], r["size"]) for r in data["records"] if r["device"] == device and r["threads"] == threads}
        assert got == expected, label
    assert all(r["min"] <= r["median"] <= r["max"] for r in data["records"])
    gpu = "cuda" in data["devices"]
    # No GPU number without a GPU: the record says which accelerator, or that there was none.
    assert any(r["device"] == "cuda" for r in data["records"]) == gpu
    assert record["produced"]["device"].startswith("cuda") == gpu
    status = facts()["gpu_status"]
    assert ("not yet measured" in status) != gpu
    assert "load average" in data["conditions"]


def test_committed_sweep_supports_the_pages_conclusions():
    data = load("a5_device_benchmark", "sweep")["data"]
    f = facts()
    one = min(r["threads"] for r in data["records"] if r["device"] == "cpu")
    mm = sorted(
        (r for r in data["records"] if r["device"] == "cpu" and r["threads"] == one and r["kind"] == "matmul"),
        key=lambda r: r["size"],
    )
    rate = [r["flops"] / r["median"] for r in mm]
    assert rate[-1] > 5 * rate[0]  # big products use the hardware, tiny ones do not
    assert float(f["mlp_amortisation"]) > 2  # batch 1 reads every weight for one example
    roof = measured_roofline(data, "cpu", one)
    assert arithmetic_intensity("add", 64) < roof["ridge"] < arithmetic_intensity("matmul", mm[-1]["size"])


def test_committed_pitfalls_show_the_effects():
    p = load("a5_device_benchmark", "pitfalls")["data"]
    assert p["first_call"] > 2 * p["warm_median"]  # the first call pays one-time costs
    assert p["without_sync"] * 20 < p["with_sync"]  # without waiting, only the launch is timed
    assert min(p["spread_seconds"]) <= sorted(p["spread_seconds"])[len(p["spread_seconds"]) // 2]
    assert 0 < p["op_overhead"] < 1e-3


def test_figures_draw():
    data = load("a5_device_benchmark", "sweep")["data"]
    fig = figure_times()
    assert len(fig.axes) == 3 and len(fig.axes[0].lines) == len(lines(data)) + sum(
        1 for _, d, _ in lines(data) if d != "cpu"
    )
    assert len(figure_roofline().axes[0].lines) == 3 * len(lines(data))


def test_our_timer_agrees_with_torch_utils_benchmark():
    """On work whose duration the CPU load cannot change (a sleep), both timers give the same median."""
    import torch.utils.benchmark as tb

    ours = time_call(lambda: time.sleep(0.01), warmup=1, repeats=9).median
    theirs = tb.Timer("time.sleep(0.01)", globals={"time": time}).timeit(9).median
    assert ours == pytest.approx(0.01, rel=0.3)
    assert ours == pytest.approx(theirs, rel=0.3)


def test_hebrew_status_says_the_same_as_the_english_one():
    """The Hebrew page shows gpu_status_he: measured or not, and the same numbers."""
    import re

    f = facts()
    gpu = "not yet measured" not in f["gpu_status"]
    assert ("לא נמדדו" not in f["gpu_status_he"]) == gpu
    assert re.findall(r"\d+", f["gpu_status"]) == re.findall(r"\d+", f["gpu_status_he"])
    assert f["machine_kind_he"] in ("מכונה וירטואלית", "מכונה פיזית")


@pytest.mark.parametrize(
    ("one", "many", "english", "hebrew"),
    [
        (87.0, 184.0, "2.1 times faster", "מהר יותר פי 2.1"),
        (87.0, 88.0, "no faster", "לא מהר יותר"),
        (87.0, 40.0, "slower, at 0.46 times", "לאט יותר, ב־0.46"),
    ],
)
def test_thread_sentence_follows_the_numbers_both_ways(one, many, english, hebrew):
    """The page's thread sentence is chosen from the measurement: a new one cannot contradict it."""
    en, he = bench.thread_scaling(one, many, 2)
    assert english in en and hebrew in he
    assert f"{many:.0f} GFLOP/s" in en and f"{many:.0f} GFLOP/s" in he


def test_thread_sentence_on_the_page_matches_the_committed_sweep():
    f = bench.facts()
    ratio = float(f["mm_large_gflops_many"]) / float(f["mm_large_gflops"])
    if ratio >= 1.1:
        assert "faster" in f["thread_scaling"] and "no faster" not in f["thread_scaling"]
    assert f["mm_large_gflops_many"] in f["thread_scaling"] and f["mm_large_gflops_many"] in f["thread_scaling_he"]


def test_thread_sentence_refuses_a_missing_measurement():
    with pytest.raises(ValueError, match="positive"):
        bench.thread_scaling(0.0, 10.0, 2)

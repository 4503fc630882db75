# %% [markdown]
# # A5 · Run it yourself: when is a GPU faster than a CPU?
#
# This notebook is executed every time the book is built, so every output below is
# real — and measured on whatever machine built the book, which is usually busy doing
# other things, so expect noise. It runs a tiny version of the chapter's sweep with the
# code from `snippets/a5_device_benchmark.py`. To run it yourself: `make install`, then
# open it with Jupyter (`jupytext --to notebook docs/notebooks/a5_device_benchmark.py`
# makes an `.ipynb`). On a machine with CUDA it measures the GPU too.

# %%
import torch

from snippets.a5_device_benchmark import (
    QUICK,
    BackgroundQueue,
    arithmetic_intensity,
    linear_intensity,
    resolve_devices,
    run_benchmark,
    time_call,
)

torch.set_num_threads(1)  # one thread: steadier timings on a shared machine
devices = resolve_devices()
print("devices measured here:", devices)
if "cuda" not in devices:
    print("no CUDA on this machine: the GPU is not measured, and nothing below is a GPU number")

# %% [markdown]
# ## A tiny sweep
#
# Median time per call (seconds), and the rate it implies. The small sizes are dominated
# by fixed costs; the time per example of the MLP falls as the batch grows.

# %%
data = run_benchmark(devices, QUICK)
print(f"{'device':>6} {'thr':>3} {'kind':>6} {'size':>5} {'copy':>5} {'median s':>10} {'GFLOP/s':>8}")
for r in data["records"]:
    print(
        f"{r['device']:>6} {r['threads']:>3} {r['kind']:>6} {r['size']:>5} {str(r['copy']):>5} "
        f"{r['median']:>10.2e} {r['flops'] / r['median'] / 1e9:>8.2f}"
    )

# %% [markdown]
# ## The roofline arithmetic
#
# FLOPs per byte: a matrix product's intensity grows with $n$, an addition's does not,
# and a linear layer's grows with the batch size.

# %%
for n in (16, 256, 2048):
    print(f"n = {n:>4}: matmul {arithmetic_intensity('matmul', n):7.1f}   add {arithmetic_intensity('add', n):.3f}")
for b in (1, 16, 256):
    print(f"linear 1024x1024, batch {b:>3}: {linear_intensity(b, 1024, 1024):6.1f} FLOPs/byte")

# %% [markdown]
# ## Why naive timing lies
#
# `BackgroundQueue` runs work on a worker thread and returns at once, like a CUDA launch.
# Without a synchronisation the timer only sees the launch.

# %%
a = torch.randn(256, 256)
queue = BackgroundQueue()
launch = lambda: queue.launch(lambda: a @ a)  # noqa: E731
wrong = time_call(launch, repeats=5).median
queue.synchronize()
right = time_call(launch, sync=queue.synchronize, repeats=5).median
queue.close()
print(f"without synchronize: {wrong * 1e3:8.3f} ms")
print(f"with synchronize:    {right * 1e3:8.3f} ms")

# %% [markdown]
# Try it: add `4096` to the MLP batch sizes of a `Sweep`, or on a GPU machine compare the
# `copy=True` rows (inputs start on the host) with the resident ones.

"""C — running a cell over a whole sequence, and what that costs next to ``nn.RNN``.

``RecurrentSequence`` drives any cell that offers ``input_projection(x)`` (U x + b)
and ``recurrence()`` (the step h, p -> h_next): the exam's ``LipschitzRNNCell``
and the paper's ``LipschitzCell`` both do. The input projection does not depend
on h, so it is computed for all time steps in one matrix product before the
loop; only the h-dependent part stays inside. ``experiment_benchmark`` times it
against ``torch.nn.RNN`` (tanh) of the same size on the CPU. Shown in chapter C,
tested by tests/test_c_lipschitz_sequence.py.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import warnings

import torch
from torch import nn

from snippets.c_lipschitz_cell import LipschitzRNNCell  # noqa: F401  (the doctests below use it)
from snippets.c_lipschitz_paper import LipschitzCell
from snippets.training import torch_threads


# --8<-- [start:sequence]
class RecurrentSequence(nn.Module):
    """Run ``cell`` over x (B, T, input_size); return all hidden states (B, T, hidden_size).

    The input projection U x + b is one matrix product over all B·T rows, outside
    the loop; the loop does only the h-dependent work. h0: (B, hidden_size) or None.

    >>> _ = torch.manual_seed(0)
    >>> cell = LipschitzRNNCell(3, 5)
    >>> x = torch.randn(2, 7, 3)
    >>> hs = RecurrentSequence(cell)(x)
    >>> hs.shape
    torch.Size([2, 7, 5])
    >>> h = None                      # the same, one step at a time with the exam's forward
    >>> for t in range(7):
    ...     h = cell(x[:, t], h)
    >>> torch.allclose(hs[:, -1], h, atol=1e-6)
    True
    """

    def __init__(self, cell: nn.Module):
        super().__init__()
        self.cell = cell

    def initial_state(self, x: torch.Tensor, h0: torch.Tensor | None) -> torch.Tensor:
        """h0, or zeros on x's device and dtype, after checking both shapes."""
        if not isinstance(x, torch.Tensor) or x.dim() != 3 or x.shape[2] != self.cell.input_size:
            shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
            raise ValueError(f"x must have shape (B, T, input_size) = (B, T, {self.cell.input_size}), got {shape}")
        B, n = x.shape[0], self.cell.hidden_size
        if h0 is None:
            return x.new_zeros(B, n)
        if tuple(h0.shape) != (B, n):
            raise ValueError(f"h0 must have shape (B, hidden_size) = ({B}, {n}), got {tuple(h0.shape)}")
        return h0

    def unroll(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> list[torch.Tensor]:
        """The hidden states h_1..h_T as a list of (B, hidden_size) tensors, all kept in the graph."""
        h = self.initial_state(x, h0)
        ps = self.cell.input_projection(x).unbind(1)  # U x_t + b for every t: one product, T views
        step = self.cell.recurrence()  # matrices built once per sequence
        states = []
        for p in ps:
            h = step(h, p)
            states.append(h)
        return states

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
        return torch.stack(self.unroll(x, h0), dim=1)


# --8<-- [end:sequence]


# --8<-- [start:scan]
class _AffineTanhScan(torch.autograd.Function):
    """h_{t+1} = h_t Aᵀ + c·tanh(h_t Wᵀ + p_t) for t = 0..T-1, with a hand-written backward."""

    @staticmethod
    def forward(ctx, p, A, W, h0, c):
        T, B, n = p.shape
        K_t = torch.cat([A, W]).T  # (n, 2n): A h and W h in one product per step
        hs = p.new_empty(T + 1, B, n)
        s = p.new_empty(T, B, n)  # tanh(z_t), kept for the backward pass
        hs[0] = h0
        for t in range(T):
            o = hs[t] @ K_t
            torch.tanh(o[:, n:] + p[t], out=s[t])
            torch.add(o[:, :n], s[t], alpha=c, out=hs[t + 1])
        ctx.save_for_backward(A, W, hs, s)
        ctx.c = c
        return hs[1:]

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad_out):
        A, W, hs, s = ctx.saved_tensors
        T, B, n = grad_out.shape
        K = torch.cat([A, W])  # (2n, n)
        d = grad_out.new_empty(T, B, 2 * n)  # [∂L/∂h_{t+1} | ∂L/∂z_t] for every t
        delta = grad_out.new_zeros(B, n)
        for t in range(T - 1, -1, -1):
            delta = delta + grad_out[t]  # everything that reaches h_{t+1}
            d[t, :, :n] = delta
            torch.mul(delta * ctx.c, 1 - s[t] ** 2, out=d[t, :, n:])
            delta = d[t] @ K  # ∂L/∂h_t = δ A + dz W
        # The weight gradients sum over time: one product over all T·B rows, after the loop.
        dK = d.reshape(T * B, 2 * n).T @ hs[:-1].reshape(T * B, n)
        return d[:, :, n:], dK[:n], dK[n:], delta, None


def affine_tanh_scan(
    p: torch.Tensor, A: torch.Tensor, W: torch.Tensor, h0: torch.Tensor, c: float = 1.0
) -> torch.Tensor:
    """All states of h_{t+1} = A h_t + c·tanh(W h_t + p_t): p (T, B, n), A, W (n, n), h0 (B, n) -> (T, B, n).

    The exam's cell is c = 1; the paper's Euler step is A = I + εA_β, W = W_β, c = ε.

    >>> _ = torch.manual_seed(0)
    >>> p, A, W, h0 = (torch.randn(4, 2, 3, dtype=torch.float64, requires_grad=True),
    ...                torch.randn(3, 3, dtype=torch.float64, requires_grad=True),
    ...                torch.randn(3, 3, dtype=torch.float64, requires_grad=True),
    ...                torch.randn(2, 3, dtype=torch.float64, requires_grad=True))
    >>> torch.autograd.gradcheck(lambda *a: affine_tanh_scan(*a, c=0.1), (p, A, W, h0))
    True
    """
    return _AffineTanhScan.apply(p.contiguous(), A, W, h0, float(c))


class ScanSequence(RecurrentSequence):
    """``RecurrentSequence`` for cells of the form h' = A h + c·tanh(W h + p) (``scan_form()``),
    run by ``affine_tanh_scan``: one fused product per step, a hand-written backward.

    >>> _ = torch.manual_seed(0)
    >>> cell, x = LipschitzCell(3, 5), torch.randn(2, 7, 3)
    >>> torch.allclose(ScanSequence(cell)(x), RecurrentSequence(cell)(x), atol=1e-6)
    True
    """

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
        form = self.cell.scan_form()
        if form is None:
            raise ValueError("this cell's step is not of the form A h + c·tanh(W h + p); use RecurrentSequence")
        A, W, c = form
        h = self.initial_state(x, h0)
        p = self.cell.input_projection(x).transpose(0, 1)  # (T, B, hidden)
        return affine_tanh_scan(p, A, W, h, c).transpose(0, 1)


# --8<-- [end:scan]


# --8<-- [start:classifier]
class LastStateClassifier(nn.Module):
    """A recurrent layer read out by a linear layer from its last hidden state.

    ``rnn`` maps (B, T, input) to (B, T, hidden) (a ``RecurrentSequence``) or is a
    ``torch.nn.RNN`` with ``batch_first=True``.

    >>> _ = torch.manual_seed(0)
    >>> model = LastStateClassifier(nn.RNN(8, 16, batch_first=True), 16, 10)
    >>> model(torch.randn(4, 20, 8)).shape
    torch.Size([4, 10])
    """

    def __init__(self, rnn: nn.Module, hidden_size: int, classes: int):
        super().__init__()
        self.rnn, self.readout = rnn, nn.Linear(hidden_size, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.rnn(x)
        states = out[0] if isinstance(out, tuple) else out
        return self.readout(states[:, -1])


# --8<-- [end:classifier]


# --8<-- [start:trap]
def unroll_indexing(seq: RecurrentSequence, x: torch.Tensor) -> torch.Tensor:
    """The same loop, but reading p[:, t] from the projection at every step.

    Correct, and as fast forward; but the backward of each p[:, t] builds a zero tensor
    the size of the whole projection (B, T, hidden) to put one slice in, so the
    backward pass costs O(T²) memory traffic. ``unbind`` (one backward for all T) avoids it.
    """
    p = seq.cell.input_projection(x)
    step, h, states = seq.cell.recurrence(), x.new_zeros(x.shape[0], seq.cell.hidden_size), []
    for t in range(x.shape[1]):
        h = step(h, p[:, t])
        states.append(h)
    return torch.stack(states, dim=1)


# --8<-- [end:trap]


# --8<-- [start:benchmark]
def benchmark(
    seq_len: int, batch: int, hidden: int, input_size: int = 32, rounds: int = 7, indexing: bool = False, seed: int = 0
) -> dict[str, dict[str, float]]:
    """Forward and forward+backward times of nn.RNN (tanh) and of the Lipschitz RNN, same sizes.

    Each round times every variant once, in turn, so that the machine's load hits them
    alike; a ratio is taken within each round and the median over rounds is reported.
    Variants: "rnn" (torch.nn.RNN), "loop" (RecurrentSequence, autograd through the
    Python loop), "scan" (ScanSequence: fused loop, hand-written backward) and, with
    ``indexing``, "indexing" (the loop reading p[:, t]). Times in milliseconds.

    >>> r = benchmark(seq_len=8, batch=4, hidden=8, input_size=3, rounds=1)
    >>> sorted(r), sorted(r["scan"])
    (['loop', 'rnn', 'scan'], ['fwd_bwd_ms', 'fwd_bwd_ratio', 'fwd_ms', 'fwd_ratio'])
    """
    torch.manual_seed(seed)
    x = torch.randn(batch, seq_len, input_size)
    rnn = nn.RNN(input_size, hidden, nonlinearity="tanh", batch_first=True)
    cell = LipschitzCell(input_size, hidden)
    loop, scan = RecurrentSequence(cell), ScanSequence(cell)
    variants = {"rnn": lambda: rnn(x)[0], "loop": lambda: loop(x), "scan": lambda: scan(x)}
    if indexing:
        variants["indexing"] = lambda: unroll_indexing(loop, x)
    times = {name: {"fwd": [], "fwd_bwd": []} for name in variants}
    for _ in range(rounds + 1):  # the first round warms up and is dropped
        for name, run in variants.items():
            with torch.no_grad():
                start = time.perf_counter()
                run()
                times[name]["fwd"].append(time.perf_counter() - start)
            start = time.perf_counter()
            run().sum().backward()
            times[name]["fwd_bwd"].append(time.perf_counter() - start)
        rnn.zero_grad(set_to_none=True)
        cell.zero_grad(set_to_none=True)
    out = {}
    for name, t in times.items():
        out[name] = {}
        for kind in ("fwd", "fwd_bwd"):
            mine, ref = t[kind][1:], times["rnn"][kind][1:]
            out[name][f"{kind}_ms"] = round(1e3 * statistics.median(mine), 2)
            out[name][f"{kind}_ratio"] = round(statistics.median(a / b for a, b in zip(mine, ref, strict=True)), 3)
    return out


CONFIGS = [(256, 64, 64), (256, 128, 128), (256, 128, 256)]


def experiment_benchmark(rounds: int = 15) -> dict:
    """The chapter's benchmark: three sizes, one thread, on whatever CPU runs it."""
    with torch_threads(1):  # both sides single-threaded: fairer and steadier on a shared machine
        load_before = os.getloadavg()[0]
        results = [
            {"seq_len": T, "batch": B, "hidden": H, **benchmark(T, B, H, rounds=rounds, indexing=(k == 0))}
            for k, (T, B, H) in enumerate(CONFIGS)
        ]
    return {
        "threads": 1,
        "rounds": rounds,
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "cpu_count": os.cpu_count(),
        "configs": results,
    }


# --8<-- [end:benchmark]


# --8<-- [start:compilers]
def fused_forward_loop(p: torch.Tensor, A: torch.Tensor, W: torch.Tensor, h: torch.Tensor, c: float) -> torch.Tensor:
    """The forward of ``affine_tanh_scan`` as plain tensor code (TorchScript can compile this)."""
    n = h.shape[1]
    K_t = torch.cat([A, W]).T
    states = []
    for p_t in p.unbind(0):
        o = h @ K_t
        h = torch.add(o[:, :n], torch.tanh(o[:, n:] + p_t), alpha=c)
        states.append(h)
    return torch.stack(states, 0)


def experiment_compilers(seq_len: int = 256, batch: int = 64, hidden: int = 128, rounds: int = 15) -> dict:
    """Forward (inference) time of the Python loop, TorchScript and torch.compile, against nn.RNN.

    Forward only: compiling the backward of a 256-step unrolled loop takes far longer.
    The first call of each is timed too: it includes the compilation, from an empty cache.
    """
    threads, previous = torch.get_num_threads(), os.environ.get("TORCHINDUCTOR_CACHE_DIR")
    cache = tempfile.TemporaryDirectory()
    os.environ["TORCHINDUCTOR_CACHE_DIR"] = cache.name  # nothing compiled earlier is reused
    torch.set_num_threads(1)
    try:
        torch.manual_seed(0)
        x = torch.randn(batch, seq_len, 32)
        rnn = nn.RNN(32, hidden, batch_first=True)
        cell = LipschitzCell(32, hidden)
        loop = RecurrentSequence(cell)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # torch.jit.script is deprecated in torch 2.x
            scripted = torch.jit.script(fused_forward_loop)

        def run_scripted():
            A, W, c = cell.scan_form()
            p = cell.input_projection(x).transpose(0, 1)
            return scripted(p, A, W, x.new_zeros(batch, hidden), c).transpose(0, 1)

        compiled = torch.compile(loop)
        variants = {
            "rnn": lambda: rnn(x)[0],
            "loop": lambda: loop(x),
            "torchscript": run_scripted,
            "compile": lambda: compiled(x),
        }
        first_call, times = {}, {name: [] for name in variants}
        with torch.no_grad():
            reference = loop(x)
            for name in ("torchscript", "compile"):
                start = time.perf_counter()
                result = variants[name]()
                first_call[name] = round(time.perf_counter() - start, 2)
                assert torch.allclose(result, reference, rtol=1e-4, atol=1e-4), name
            for _ in range(rounds + 1):  # the first round warms up and is dropped
                for name, run in variants.items():
                    start = time.perf_counter()
                    run()
                    times[name].append(time.perf_counter() - start)
    finally:
        torch.set_num_threads(threads)
        os.environ.pop("TORCHINDUCTOR_CACHE_DIR")
        if previous is not None:
            os.environ["TORCHINDUCTOR_CACHE_DIR"] = previous
        cache.cleanup()
    return {
        "seq_len": seq_len,
        "batch": batch,
        "hidden": hidden,
        "threads": 1,
        "rounds": rounds,
        "first_call_s": first_call,
        "fwd_ms": {k: round(1e3 * statistics.median(v[1:]), 2) for k, v in times.items()},
        "fwd_ratio": {
            k: round(statistics.median(a / b for a, b in zip(v[1:], times["rnn"][1:], strict=True)), 3)
            for k, v in times.items()
        },
    }


# --8<-- [end:compilers]


def facts() -> dict[str, object]:
    """The numbers chapter C prints about the benchmark, read from the committed results."""
    from snippets.results import load

    bench, comp = load("c_lipschitz_sequence", "benchmark"), load("c_lipschitz_sequence", "compilers")
    out = {
        "cpu": bench["produced"]["cpu"],
        "bench_date": bench["produced"]["date"],
        "bench_torch": bench["produced"]["torch"].split("+")[0],
        "load_before": f"{bench['data']['load_before']:.1f}",
        "load_after": f"{bench['data']['load_after']:.1f}",
        "cpu_count": bench["data"]["cpu_count"],
        "rounds": bench["data"]["rounds"],
    }
    for k, c in enumerate(bench["data"]["configs"]):
        out[f"cfg{k}"] = f"T = {c['seq_len']}, B = {c['batch']}, hidden = {c['hidden']}"
        for name in [n for n in ("rnn", "loop", "scan", "indexing") if n in c]:
            for kind in ("fwd", "fwd_bwd"):
                out[f"cfg{k}_{name}_{kind}_ms"] = f"{c[name][f'{kind}_ms']:.0f}"
                out[f"cfg{k}_{name}_{kind}_ratio"] = f"{c[name][f'{kind}_ratio']:.2f}"
    configs = bench["data"]["configs"]
    out["n_configs"] = len(configs)
    out["loop_fwd_best"] = f"{min(c['loop']['fwd_ratio'] for c in configs):.2f}"
    out["loop_fwd_worst"] = f"{max(c['loop']['fwd_ratio'] for c in configs):.2f}"
    out["loop_fwd_bwd_best"] = f"{min(c['loop']['fwd_bwd_ratio'] for c in configs):.2f}"
    out["loop_fwd_bwd_worst"] = f"{max(c['loop']['fwd_bwd_ratio'] for c in configs):.2f}"
    scan_gap = max(abs(c["scan"]["fwd_bwd_ratio"] - c["loop"]["fwd_bwd_ratio"]) for c in configs)
    out["scan_vs_loop_fwd_bwd"] = f"{scan_gap:.2f}"
    d = comp["data"]
    out["comp_cfg"] = f"T = {d['seq_len']}, B = {d['batch']}, hidden = {d['hidden']}"
    out["comp_seq_len"] = d["seq_len"]
    for name in ("rnn", "loop", "torchscript", "compile"):
        out[f"comp_{name}_ms"] = f"{d['fwd_ms'][name]:.0f}"
        out[f"comp_{name}_ratio"] = f"{d['fwd_ratio'][name]:.2f}"
    for name in ("torchscript", "compile"):
        out[f"comp_{name}_first_s"] = f"{d['first_call_s'][name]:.1f}"
    return out

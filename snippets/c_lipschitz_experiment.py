"""C — a small long-memory task that a plain tanh RNN fails and the Lipschitz RNN learns.

scikit-learn's 8×8 digits are read one row per time step (8 steps of 8 pixels),
then followed by ``pad`` steps of Gaussian noise; the label must be remembered
through the noise to the last step, where a linear layer reads the hidden state.
It is a miniature of the paper's noise-padded CIFAR-10. Four recurrent layers
with the same hidden size, optimiser, gradient clipping and number of steps:

- ``vanilla``: ``torch.nn.RNN`` (tanh), PyTorch's default initialisation;
- ``vanilla_orth``: the same with an orthogonal recurrent matrix at initialisation;
- ``lipschitz``: the paper's unit (Euler, β, γ, ε), ``snippets.c_lipschitz_paper``;
- ``exam``: the exam's unconstrained cell (A = I at initialisation).

Shown in chapter C, tested by tests/test_c_lipschitz_experiment.py.
"""

from __future__ import annotations

import time

import numpy as np
import torch
from torch import nn

from snippets.c_lipschitz_cell import LipschitzRNNCell
from snippets.c_lipschitz_paper import LipschitzCell
from snippets.c_lipschitz_sequence import LastStateClassifier, RecurrentSequence
from snippets.plotting import PALETTE, new_figure
from snippets.results import load
from snippets.training import fit, set_seed, torch_threads

MODELS = ("vanilla", "vanilla_orth", "lipschitz", "exam")
LABELS = {
    "vanilla": "tanh RNN (default init)",
    "vanilla_orth": "tanh RNN (orthogonal init)",
    "lipschitz": "Lipschitz RNN (β 0.75, γ 1e-3, ε 0.1)",
    "exam": "exam cell (A = I)",
}
COLOURS = dict(zip(MODELS, PALETTE[: len(MODELS)], strict=True))

#: The settings every model shares.
HIDDEN, LR, BATCH, CLIP = 64, 3e-3, 128, 1.0
BETA, GAMMA, EPS, INIT_STD = 0.75, 1e-3, 0.1, 12.0


# --8<-- [start:data]
def noise_padded_digits(pad: int = 50, noise_std: float = 1.0, seed: int = 0):
    """(x_train, y_train), (x_test, y_test): digits as 8 rows, then ``pad`` steps of noise.

    x: (N, 8 + pad, 8) float32, pixels scaled to [0, 1]; y: (N,) class 0–9. The noise
    is drawn once per sample (fixed seed); a quarter of the 1,797 images is held out.

    >>> (xtr, ytr), (xte, yte) = noise_padded_digits(pad=50)
    >>> tuple(xtr.shape), tuple(xte.shape)
    ((1347, 58, 8), (450, 58, 8))
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = torch.tensor(digits.images / 16.0, dtype=torch.float32)  # (N, 8, 8): 8 rows of 8 pixels
    labels = torch.tensor(digits.target, dtype=torch.long)
    noise = torch.randn(len(images), pad, 8, generator=torch.Generator().manual_seed(seed)) * noise_std
    x = torch.cat([images, noise], dim=1)
    idx_train, idx_test = train_test_split(
        np.arange(len(x)), test_size=0.25, random_state=seed, stratify=labels.numpy()
    )
    return (x[idx_train], labels[idx_train]), (x[idx_test], labels[idx_test])


# --8<-- [end:data]


# --8<-- [start:models]
def make_model(name: str, hidden: int = HIDDEN, seed: int = 0) -> LastStateClassifier:
    """One of ``MODELS``: a recurrent layer (input 8, ``hidden`` units) and a linear read-out to 10 classes.

    >>> make_model("lipschitz", hidden=16)(torch.randn(2, 9, 8)).shape
    torch.Size([2, 10])
    """
    set_seed(seed)
    if name in ("vanilla", "vanilla_orth"):
        rnn = nn.RNN(8, hidden, nonlinearity="tanh", batch_first=True)
        if name == "vanilla_orth":
            nn.init.orthogonal_(rnn.weight_hh_l0)
    elif name == "lipschitz":
        rnn = RecurrentSequence(LipschitzCell(8, hidden, beta=BETA, gamma=GAMMA, eps=EPS, init_std=INIT_STD))
    elif name == "exam":
        rnn = RecurrentSequence(LipschitzRNNCell(8, hidden))
    else:
        raise ValueError(f"model must be one of {MODELS}, got {name!r}")
    return LastStateClassifier(rnn, hidden, 10)


def train_one(name: str, data, steps: int, seed: int, eval_every: int = 25):
    """Train one model with the shared loop; return (model, record of its curves and final test accuracy)."""
    (xtr, ytr), test = data
    model = make_model(name, seed=seed)
    start = time.perf_counter()
    history = fit(
        model,
        (xtr, ytr),
        nn.functional.cross_entropy,
        steps=steps,
        optimizer=torch.optim.Adam(model.parameters(), lr=LR),
        batch_size=BATCH,
        seed=seed,
        evaluate=test,
        eval_every=eval_every,
        before_step=lambda m: nn.utils.clip_grad_norm_(m.parameters(), CLIP),
    )
    record = {
        "seconds": round(time.perf_counter() - start, 2),
        "final_accuracy": history.eval_accuracy[-1],
        **history.as_dict(),
    }
    return model, record


# --8<-- [end:models]


# --8<-- [start:dynamics]
def unrolled_states(model: LastStateClassifier, x: torch.Tensor) -> list[torch.Tensor]:
    """h_1..h_T of the model's recurrent layer, each (B, hidden), kept in the autograd graph.

    ``nn.RNN`` is unrolled by hand with its own weights (the test checks it against ``nn.RNN``).
    """
    rnn = model.rnn
    if isinstance(rnn, RecurrentSequence):
        return rnn.unroll(x)
    h, states = x.new_zeros(x.shape[0], rnn.hidden_size), []
    inputs = (x @ rnn.weight_ih_l0.T + rnn.bias_ih_l0 + rnn.bias_hh_l0).unbind(1)
    for p in inputs:
        h = torch.tanh(p + h @ rnn.weight_hh_l0.T)
        states.append(h)
    return states


def norms_over_time(model: LastStateClassifier, x: torch.Tensor, y: torch.Tensor) -> dict[str, list[float]]:
    """Mean over the batch of ‖h_t‖ and of ‖∂L/∂h_t‖ for every t (L: cross-entropy at the last step).

    ‖∂L/∂h_t‖ small for early t is the vanishing gradient: the loss barely feels h_t.
    """
    states = unrolled_states(model, x)
    loss = nn.functional.cross_entropy(model.readout(states[-1]), y)
    grads = torch.autograd.grad(loss, states)
    return {
        "state_norm": [h.detach().norm(dim=1).mean().item() for h in states],
        "grad_norm": [g.norm(dim=1).mean().item() for g in grads],
    }


# --8<-- [end:dynamics]


# --8<-- [start:experiment]
def run_task(pad: int, steps: int, seeds=(0, 1, 2), models=MODELS, dynamics: bool = False) -> dict:
    """Train every model on digits padded with ``pad`` noise steps, once per seed (one CPU thread)."""
    with torch_threads(1):
        data = noise_padded_digits(pad=pad)
        (_, _), (xte, yte) = data
        out = {
            "pad": pad,
            "steps": steps,
            "seeds": list(seeds),
            "hidden": HIDDEN,
            "lr": LR,
            "batch": BATCH,
            "clip": CLIP,
            "threads": 1,
            "runs": {},
            "final": {},
        }
        if dynamics:
            out["dynamics_init"], out["dynamics_trained"] = {}, {}
        for name in models:
            if dynamics:
                out["dynamics_init"][name] = norms_over_time(make_model(name, seed=seeds[0]), xte, yte)
            records = []
            for seed in seeds:
                model, record = train_one(name, data, steps=steps, seed=seed)
                records.append(record)
                if dynamics and seed == seeds[0]:
                    out["dynamics_trained"][name] = norms_over_time(model, xte, yte)
            out["runs"][name] = records
            out["final"][name] = [r["final_accuracy"] for r in records]
    return out


def experiment_noise_padded(steps: int = 300, seeds=(0, 1, 2), pad: int = 50) -> dict:
    """The main result: 8 digit rows, then ``pad`` noise steps; 4 models × 3 seeds."""
    return run_task(pad=pad, steps=steps, seeds=seeds, dynamics=True)


def experiment_no_padding(steps: int = 300, seeds=(0, 1, 2)) -> dict:
    """The control: the same digits without noise (8 steps). It does not separate the models."""
    return run_task(pad=0, steps=steps, seeds=seeds)


# --8<-- [end:experiment]


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "mean": float(np.mean(values)),
        "min": float(min(values)),
        "max": float(max(values)),
        "std": float(np.std(values)),
    }


def _curves(ax, record: dict, key: str, ylabel: str, t=None) -> None:
    from snippets.plotting import Labels

    t = t or Labels("en")
    for name in MODELS:
        runs = record["runs"][name]
        steps = runs[0]["step"]
        values = np.array([r[key] for r in runs])
        ax.plot(steps, values.mean(0), color=COLOURS[name], linewidth=1.8, label=_model_label(t, name))
        ax.fill_between(steps, values.min(0), values.max(0), color=COLOURS[name], alpha=0.18, linewidth=0)
    ax.set_xlabel(t("optimiser step", "צעד אופטימיזציה"))
    ax.set_ylabel(ylabel)


def _model_label(t, name: str) -> str:
    """``LABELS[name]`` in the figure's language."""
    hebrew = {
        "vanilla": "tanh RNN (אתחול ברירת מחדל)",
        "vanilla_orth": "tanh RNN (אתחול אורתוגונלי)",
        "lipschitz": "Lipschitz RNN (β 0.75, γ 1e-3, ε 0.1)",
        "exam": "תא המבחן (A = I)",
    }
    return t(LABELS[name], hebrew[name])


def figure_accuracy(loss_top: float = 3.0, lang: str = "en"):
    """Test accuracy and training loss against steps on the noise-padded digits (mean and range over seeds)."""
    from snippets.plotting import Labels

    t = Labels(lang)
    record = load("c_lipschitz_experiment", "noise_padded")["data"]
    fig, (left, right) = new_figure(7.6, 3.4, ncols=2)
    _curves(left, record, "eval_accuracy", t("test accuracy", "דיוק על קבוצת המבחן"), t)
    left.axhline(0.1, color="#555555", linewidth=0.8, linestyle=":", label=t("chance (10 %)", "ניחוש אקראי (10 %)"))
    left.set_ylim(0, 1)
    _curves(right, record, "train_loss", t("training loss (cross-entropy)", "הפסד אימון (cross-entropy)"), t)
    right.set_ylim(0, loss_top)  # the exam cell's first records are far higher (its state starts large)
    fig.suptitle(
        t(
            f"Digits, 8 rows then {record['pad']} noise steps: mean and range over {len(record['seeds'])} seeds",
            f"ספרות, 8 שורות ואחריהן {record['pad']} צעדי רעש: ממוצע וטווח על {len(record['seeds'])} seeds",
        ),
        fontsize=10,
    )
    handles, labels = left.get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8, loc="outside lower center", ncols=3, frameon=False, **t.legend)
    return fig


def figure_final(lang: str = "en"):
    """Final test accuracy of every run, with and without the noise padding."""
    from snippets.plotting import Labels

    t = Labels(lang)
    padded = load("c_lipschitz_experiment", "noise_padded")["data"]
    plain = load("c_lipschitz_experiment", "no_padding")["data"]
    fig, ax = new_figure(6.4, 3.0)
    for k, name in enumerate(MODELS):
        for offset, record, marker in ((-0.15, plain, "o"), (0.15, padded, "^")):
            accs = record["final"][name]
            label = (
                t("no padding (8 steps)", "בלי ריפוד (8 צעדים)")
                if marker == "o"
                else t(f"padded ({8 + padded['pad']} steps)", f"עם ריפוד ({8 + padded['pad']} צעדים)")
            )
            ax.scatter(
                [k + offset] * len(accs),
                accs,
                color=COLOURS[name],
                marker=marker,
                s=30,
                label=label if k == 0 else None,
                edgecolors="#111111" if marker == "o" else "none",
            )
    ax.axhline(0.1, color="#555555", linewidth=0.8, linestyle=":")
    ticks = [
        "tanh RNN",
        t("tanh RNN\n(orthogonal init)", "tanh RNN\n(אתחול אורתוגונלי)"),
        "Lipschitz RNN",
        t("exam cell\n(A = I)", "תא המבחן\n(A = I)"),
    ]
    ax.set_xticks(range(len(MODELS)), ticks, fontsize=8)
    ax.set_ylabel(t("final test accuracy", "דיוק סופי על קבוצת המבחן"))
    ax.set_ylim(0, 1)
    ax.set_title(
        t(
            "Every run: the control (circles) does not separate the models; the padding does",
            "כל הריצות: הביקורת (עיגולים) לא מבדילה בין המודלים; הריפוד כן",
        ),
        fontsize=10,
    )
    ax.legend(fontsize=8, loc="lower right", frameon=False, **t.legend)
    return fig


def figure_dynamics(lang: str = "en"):
    """‖h_t‖ and ‖∂L/∂h_t‖ over the 58 steps, at initialisation (solid) and after training (dashed)."""
    from snippets.plotting import Labels

    t = Labels(lang)
    record = load("c_lipschitz_experiment", "noise_padded")["data"]
    fig, (left, right) = new_figure(7.6, 3.4, ncols=2)
    for name in MODELS:
        for key, style in (("dynamics_init", "-"), ("dynamics_trained", "--")):
            d = record[key][name]
            steps = range(1, len(d["state_norm"]) + 1)
            left.semilogy(
                steps,
                d["state_norm"],
                style,
                color=COLOURS[name],
                linewidth=1.5,
                label=_model_label(t, name) if style == "-" else None,
            )
            right.semilogy(steps, d["grad_norm"], style, color=COLOURS[name], linewidth=1.5)
    for ax in (left, right):
        ax.axvline(8.5, color="#999999", linewidth=0.8, linestyle=":")
        ax.set_xlabel(t("time step t (digit rows 1–8, then noise)", "צעד זמן t (שורות הספרה 1–8, ואז רעש)"))
    left.set_ylabel(t("‖h_t‖ (mean over test set)", "‖h_t‖ (ממוצע על קבוצת המבחן)"))
    right.set_ylabel(t("‖∂L/∂h_t‖ (mean over test set)", "‖∂L/∂h_t‖ (ממוצע על קבוצת המבחן)"))
    fig.suptitle(
        t(
            "Hidden-state norm and gradient norm through time: solid at initialisation, dashed after training",
            "נורמת המצב החבוי ונורמת הגרדיאנט לאורך הזמן: קו מלא באתחול, מקווקו אחרי האימון",
        ),
        fontsize=10,
    )
    handles, labels = left.get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8, loc="outside lower center", ncols=2, frameon=False, **t.legend)
    return fig


def _load(produced: dict) -> str:
    """The 1-minute load average the run was measured at, or "?" where the record has none."""
    load = produced.get("load_average_1min")
    return "?" if load is None else f"{load:.0f}"


def facts() -> dict[str, object]:
    """The numbers chapter C prints about its experiment, read from the committed results."""
    padded = load("c_lipschitz_experiment", "noise_padded")
    plain = load("c_lipschitz_experiment", "no_padding")["data"]
    data = padded["data"]
    out = {
        "steps": data["steps"],
        "pad": data["pad"],
        "length": 8 + data["pad"],
        "hidden": data["hidden"],
        "batch": data["batch"],
        "lr": f"{data['lr']:g}",
        "clip": f"{data['clip']:g}",
        "n_seeds": len(data["seeds"]),
        "beta": f"{BETA:g}",
        "gamma": f"{GAMMA:g}",
        "eps": f"{EPS:g}",
        "init_std": f"{INIT_STD:g}",
        "eps_t": f"{EPS * (8 + data['pad']):.1f}",
        "cpu": padded["produced"]["cpu"],
        "total_seconds": f"{padded['seconds']:.0f}",
        "load": _load(padded["produced"]),
    }
    for tag, record in (("pad", data), ("plain", plain)):
        for name in MODELS:
            s = _summary(record["final"][name])
            for stat in ("mean", "min", "max", "std"):
                out[f"{tag}_{name}_{stat}"] = f"{100 * s[stat]:.1f}"
            out[f"{tag}_{name}_runs"] = ", ".join(f"{100 * a:.1f}" for a in record["final"][name])
    import inspect

    (_, _), (x_test, y_test) = noise_padded_digits(pad=data["pad"])
    out |= {
        "n_test": len(y_test),
        "pixels_per_step": x_test.shape[2],
        "rows": x_test.shape[1] - data["pad"],
        "plain_length": x_test.shape[1] - data["pad"] + plain["pad"],
        "chance": f"{100 / len(set(y_test.tolist())):.0f}",
        "loss_top": f"{inspect.signature(figure_accuracy).parameters['loss_top'].default:g}",
    }
    vanilla = data["runs"]["vanilla"]
    out["train_loss_first_vanilla"] = f"{np.mean([r['train_loss'][0] for r in vanilla]):.2f}"
    out["eval_loss_first_vanilla"] = f"{np.mean([r['eval_loss'][0] for r in vanilla]):.2f}"
    out["eval_loss_vanilla"] = f"{np.mean([r['eval_loss'][-1] for r in vanilla]):.2f}"
    out["first_record_step"] = vanilla[0]["step"][0]
    for name in MODELS:
        seconds = [r["seconds"] for r in data["runs"][name]]
        out[f"seconds_{name}"] = f"{float(np.median(seconds)):.0f}"
        out[f"train_loss_{name}"] = f"{np.mean([r['train_loss'][-1] for r in data['runs'][name]]):.2f}"
        init, trained = data["dynamics_init"][name], data["dynamics_trained"][name]
        out[f"grad_ratio_init_{name}"] = f"{init['grad_norm'][0] / init['grad_norm'][-1]:.1e}"
        out[f"grad_ratio_trained_{name}"] = f"{trained['grad_norm'][0] / trained['grad_norm'][-1]:.1e}"
        out[f"state_last_init_{name}"] = f"{init['state_norm'][-1]:.1f}"
        out[f"state_last_trained_{name}"] = f"{trained['state_norm'][-1]:.1f}"
    return out

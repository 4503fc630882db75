"""C — an autograder for Part C: ``python -m snippets.c_lipschitz_grader ANSWER.py``.

The student's file is imported in a separate Python process (``sys.executable -I``:
no PYTHONPATH, no user site, no current folder; the virtual environment's torch is
still importable), with its output captured and a wall-clock limit. That child runs
the checks of ``POINTS`` on the student's ``nn.Module`` subclass and writes one JSON
line per event to a file; the parent turns them into a report, one line per point.
Every failure of the student's code becomes a sentence with their file and line;
the grader never prints a traceback of its own.

Exit status: 0 for full marks, 1 when points are lost, 2 when the file cannot be
graded (missing, a syntax error, an exception or ``sys.exit()`` while it is
imported, a time limit at import, no ``nn.Module`` subclass, several candidates).

The course's marking scheme is not public: ``POINTS`` is derived from what the
question asks for. Shown in chapter C, tested by tests/test_c_lipschitz_grader.py.

This file is also the child's driver (run by path, ``--child``): below the parent's
code, it imports nothing of the book, only the standard library and torch.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

# --8<-- [start:points]
#: (key, points, what earns them). 20 points, as Part C. Derived from the question:
#: "a class" (an nn.Module built with input_size and hidden_size), "A, W, U and b are
#: the parameters of the model" (registered, learnable, the equation's shapes),
#: "forward takes the current input and the previous hidden state and returns the
#: next hidden state" (the equation, for a batch; h_prev=None, where accepted).
POINTS: list[tuple[str, int, str]] = [
    ("module", 1, "an nn.Module subclass built with (input_size, hidden_size)"),
    ("super", 1, "super().__init__() is called"),
    ("parameters", 4, "A, W, U, b are learnable parameters (nn.Parameter or nn.Linear; 1 point each)"),
    ("shapes", 2, "A, W are (hidden, hidden), U is (hidden, input) or its transpose, b is (hidden,)"),
    ("forward", 8, "forward(x, h_prev) returns A h + tanh(W h + U x + b) for a batch"),
    ("h_prev_none", 1, "h_prev=None, where accepted, is the step from h = 0"),
    ("gradients", 2, "the gradient reaches every parameter"),
    ("dtype_device", 1, "the output follows the input's dtype (float32, float64) and device"),
]
# --8<-- [end:points]
TOTAL = sum(p for _, p, _ in POINTS)
#: The sizes the answer is built with: all different, so no wrong orientation can pass by luck.
INPUT_SIZE, HIDDEN_SIZE, BATCH = 3, 5, 4
DEFAULT_TIMEOUT_S = 60.0
CALL_LIMIT_S = 10.0
#: Python and torch must have started within this many seconds (not charged to the student's time limit).
STARTUP_LIMIT_S = 180.0


@dataclass
class Check:
    key: str
    score: int
    max: int
    title: str
    message: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    r"""The grade of one file: ``checks`` in the order of ``POINTS``, or ``fatal`` when it cannot be graded.

    >>> r = Report("my_answer.py", fatal="my_answer.py line 3: SyntaxError: invalid syntax")
    >>> r.exit_code, r.text().strip()
    (2, 'Cannot grade my_answer.py: my_answer.py line 3: SyntaxError: invalid syntax')
    >>> r = Report("a.py", "Cell", [Check(k, p, p, t) for k, p, t in POINTS])
    >>> r.checks[4].score, r.checks[4].message = 4, "right for one sample, not for a batch"
    >>> print(*r.text().splitlines()[5:7], sep="\n")
    [4/8] forward(x, h_prev) returns A h + tanh(W h + U x + b) for a batch
          lost: right for one sample, not for a batch
    >>> r.score, r.exit_code
    (16, 1)
    """

    path: str
    class_name: str | None = None
    checks: list[Check] = field(default_factory=list)
    fatal: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(c.score for c in self.checks)

    @property
    def exit_code(self) -> int:
        if self.fatal:
            return 2
        return 0 if self.score == TOTAL else 1

    def text(self) -> str:
        """The printed report: one line per point, a sentence for every point lost, the total."""
        name = Path(self.path).name
        if self.fatal:
            return f"Cannot grade {name}: {self.fatal}\n" + "".join(f"  note: {n}\n" for n in self.notes)
        lines = [f"Grading {name}, class {self.class_name} (Part C, {TOTAL} points)"]
        for c in self.checks:
            lines.append(f"[{c.score}/{c.max}] {c.title}")
            if c.message:
                lines.extend(_wrap(f"lost: {c.message}" if c.score < c.max else c.message))
            for n in c.notes:
                lines.extend(_wrap(f"note: {n}"))
        for n in self.notes:
            lines.extend(_wrap(f"note: {n}", indent=""))
        lines.append(f"Total: {self.score}/{TOTAL}" + (" (full marks)" if self.score == TOTAL else ""))
        return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- the parent


def _wrap(text: str, indent: str = "      ", width: int = 88) -> list[str]:
    """A sentence as indented lines of at most ``width`` characters (a code quote is never split)."""
    import textwrap

    return textwrap.wrap(
        text,
        width=width,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def _syntax_error(path: Path) -> str | None:
    """A sentence for a syntax error in the file (compiled here, never executed), or None."""
    try:
        compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
    except SyntaxError as e:
        where = f"line {e.lineno}" + (f", column {e.offset}" if e.offset else "")
        code = (e.text or "").strip()
        return f"{path.name} {where}: SyntaxError: {e.msg}" + (f": `{code}`" if code else "")
    except ValueError as e:  # null bytes
        return f"{path.name}: not Python source ({e})"
    return None


def _read_events(path: Path) -> list[dict]:
    events = []
    if path.is_file():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:
                break  # a line cut short by a kill
    return events


def _captured(path: Path, limit: int = 2000) -> str:
    with open(path, "rb") as f:
        return f.read(limit).decode("utf-8", errors="replace")


def grade_files(
    paths: list[str | os.PathLike],
    timeout_s: float = DEFAULT_TIMEOUT_S,
    call_limit_s: float = CALL_LIMIT_S,
    class_names: list[str | None] | None = None,
) -> list[Report]:
    """Grade several answers in one child process (one torch import); one Report per path, in order.

    ``class_names[i]`` names the class to grade in ``paths[i]`` (None: the file's only candidate).
    A time limit or a crash of the child ends the grading of the file it was on and of every later one:
    grade untrusted files one at a time (``grade``).
    """
    reports = [Report(path=str(p)) for p in paths]
    wanted = dict(zip(map(id, reports), class_names or [None] * len(reports), strict=True))
    todo = []
    for r in reports:
        p = Path(r.path)
        if not p.is_file():
            r.fatal = f"no such file: {r.path}"
        elif p.suffix != ".py":
            r.fatal = f"{p.name} is not a Python file (.py)"
        else:
            r.fatal = _syntax_error(p)
        if r.fatal is None:
            todo.append(r)
    if not todo:
        return reports
    with tempfile.TemporaryDirectory(prefix="c-grader-") as tmp:
        tmpdir = Path(tmp)
        events_path, out_path, err_path = tmpdir / "events.jsonl", tmpdir / "stdout", tmpdir / "stderr"
        jobs = json.dumps([[str(Path(r.path).resolve()), wanted[id(r)] or ""] for r in todo])
        cmd = [
            sys.executable,
            "-I",
            str(Path(__file__).resolve()),
            "--child",
            str(events_path),
            str(call_limit_s),
            jobs,
        ]
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                cwd=Path(todo[0].path).resolve().parent,
                start_new_session=True,
            )
            timed_out = _wait(proc, events_path, timeout_s)
        events = _read_events(events_path)
        printed = _captured(out_path).strip()
        stderr = _captured(err_path).strip()
    for i, r in enumerate(todo):
        _assemble(r, [e for e in events if e.get("file") == i])
        if not any(e.get("event") == "done" for e in events if e.get("file") == i):
            stages = [e["stage"] for e in events if e.get("file") == i and e.get("event") == "stage"]
            stage = stages[-1] if stages else "start"
            if timed_out and stage == "start":
                why = f"the grader's Python and torch did not start within {STARTUP_LIMIT_S:g} s"
            elif timed_out:
                why = f"the time limit of {timeout_s:g} s was reached while {_stage_words(stage)}"
                why += " (an infinite loop, or input() waiting for a keyboard?)"
            elif stage == "start":
                why = f"the grader's Python could not start (exit status {proc.returncode})"
                if stderr:
                    why += f": {stderr.splitlines()[-1]}"
            else:
                why = (
                    f"the Python process ended (exit status {proc.returncode}) while {_stage_words(stage)}"
                    " (os._exit(), or a crash of the interpreter)"
                )
            if stage in ("start", "ready", "import", "find"):
                r.fatal = why
            else:
                _fill_unchecked(r, f"not checked: {why}")
        if (
            printed and r.fatal is None and len(todo) == 1 and not any(e.get("event") == "printed" for e in events)
        ):  # written below Python's sys.stdout
            r.notes.append("your code wrote to stdout (ignored by the grader)")
    return reports


def _wait(proc: subprocess.Popen, events_path: Path, timeout_s: float) -> bool:
    """Wait for the child; True if it was killed (with its process group) for running past its limit.

    The limit counts from the moment the child has started Python and imported torch (its first event,
    "ready"), so a slow start on a busy machine is not charged to the student; the start has its own
    limit, STARTUP_LIMIT_S.
    """
    import time

    start = time.monotonic()
    deadline = start + STARTUP_LIMIT_S
    ready = False
    while proc.poll() is None:
        now = time.monotonic()
        if not ready and events_path.is_file() and events_path.stat().st_size > 0:
            ready, deadline = True, now + timeout_s
        if now > deadline:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
            return True
        time.sleep(0.02)
    return False


def _stage_words(stage: str) -> str:
    if stage in ("start", "ready"):
        return "Python and torch were starting"
    if stage == "import":
        return "your file was being imported"
    if stage == "find":
        return "your classes were being inspected"
    return f"checking {stage.removeprefix('check:')}"


def _assemble(report: Report, events: list[dict]) -> None:
    for e in events:
        kind = e.get("event")
        if kind == "fatal":
            report.fatal = e["message"]
        elif kind == "class":
            report.class_name = e["name"]
        elif kind == "note":
            report.notes.append(e["message"])
        elif kind == "printed":
            n, where = e["lines"], e["stream"]
            report.notes.append(f"your code printed {n} line{'s' * (n != 1)} to {where} (ignored by the grader)")
        elif kind == "check":
            title = next(t for k, _, t in POINTS if k == e["key"])
            report.checks.append(Check(e["key"], e["score"], e["max"], title, e.get("message"), e.get("notes", [])))


def _fill_unchecked(report: Report, message: str) -> None:
    done = {c.key for c in report.checks}
    for key, pts, title in POINTS:
        if key not in done:
            report.checks.append(Check(key, 0, pts, title, message))
            message = "not checked (see above)"
    order = [k for k, _, _ in POINTS]
    report.checks.sort(key=lambda c: order.index(c.key))


def grade(
    path: str | os.PathLike,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    call_limit_s: float = CALL_LIMIT_S,
    class_name: str | None = None,
) -> Report:
    """Grade one answer file in its own child process."""
    return grade_files([path], timeout_s, call_limit_s, [class_name])[0]


def main(argv: list[str] | None = None) -> int:
    """The command line: print the report, return the exit status (0 full marks, 1 points lost, 2 not gradable)."""
    parser = argparse.ArgumentParser(
        prog="python -m snippets.c_lipschitz_grader",
        description="Grade an answer to Part C (the Lipschitz RNN module).",
    )
    parser.add_argument("answer", help="the answer file, e.g. my_answer.py")
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        help="wall-clock limit in seconds for your code, counted once Python and torch have started "
        f"(default {DEFAULT_TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--class",
        dest="class_name",
        default=None,
        help="the class to grade, when the file defines several nn.Module subclasses",
    )
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error("--timeout must be positive")
    report = grade(
        args.answer, timeout_s=args.timeout, call_limit_s=min(CALL_LIMIT_S, args.timeout), class_name=args.class_name
    )
    sys.stdout.write(report.text())
    return report.exit_code


# --------------------------------------------------------------------------- the child
# Everything below runs in the child process (``--child``), on the student's code.


class _Hang(BaseException):
    """Raised by the alarm when a call into the student's code takes too long."""


class _Capture:
    """A stand-in for sys.stdout / sys.stderr while one file is graded: keeps the first 100 kB, counts lines."""

    def __init__(self):
        import io

        self.buffer_ = io.StringIO()
        self.size = 0

    def write(self, text) -> int:
        text = str(text)
        if self.size < 100_000:
            self.buffer_.write(text[: 100_000 - self.size])
        self.size += len(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def lines(self) -> int:
        text = self.buffer_.getvalue()
        return text.count("\n") + (not text.endswith("\n")) if text else 0


class _Child:
    def __init__(self, events_path: str, call_limit_s: float):
        self.events = open(events_path, "a", encoding="utf-8")  # noqa: SIM115 (kept open for the run)
        self.call_limit_s = call_limit_s
        self.file_index = 0
        self.student_path = ""

    def emit(self, event: str, **data) -> None:
        self.events.write(json.dumps({"file": self.file_index, "event": event, **data}) + "\n")
        self.events.flush()

    # ---- calling the student's code
    def call(self, fn, *args, **kwargs):
        """fn(*args) with a time limit; returns (value, None) or (None, a sentence about what went wrong)."""

        def on_alarm(signum, frame):
            raise _Hang

        old = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, self.call_limit_s)
        try:
            return fn(*args, **kwargs), None
        except _Hang:
            return None, f"did not return within {self.call_limit_s:g} s (an infinite loop?)"
        except SystemExit as e:
            return None, f"called sys.exit({'' if e.code is None else repr(e.code)}){self.where(e)}"
        except BaseException as e:  # noqa: BLE001 (the student's code may raise anything)
            return None, f"raised {type(e).__name__}: {self.short(e)}{self.where(e)}"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)

    @staticmethod
    def short(e: BaseException) -> str:
        text = str(e).strip().splitlines()
        return text[0][:300] if text else "(no message)"

    def where(self, e: BaseException) -> str:
        """' (your line N: `code`)' from the last traceback frame in the student's file, or ''."""
        import traceback

        frames = [f for f in traceback.extract_tb(e.__traceback__) if self._is_student(f.filename)]
        if isinstance(e, SyntaxError) and e.filename and self._is_student(e.filename):
            return f" (your line {e.lineno})"
        if not frames:
            return ""
        f = frames[-1]
        return f" (your line {f.lineno}: `{(f.line or '').strip()}`)"

    def _is_student(self, filename: str) -> bool:
        try:
            return os.path.samefile(filename, self.student_path)
        except OSError:
            return False

    # ---- one file
    def grade_file(self, index: int, path: str, class_name: str) -> None:
        import importlib.util
        import inspect

        import torch
        from torch import nn

        self.file_index, self.student_path = index, path
        name = Path(path).name
        self.emit("stage", stage="import")
        module_name = f"_student_answer_{index}"
        spec = importlib.util.spec_from_file_location(module_name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = mod
        sys.path.insert(0, str(Path(path).parent))
        _, err = self.call(spec.loader.exec_module, mod)
        if err:
            self.emit("fatal", message=f"importing {name} {err}")
            return self.emit("done")
        self.emit("stage", stage="find")
        classes = [
            c
            for c in vars(mod).values()
            if inspect.isclass(c) and issubclass(c, nn.Module) and c.__module__ == module_name
        ]
        if class_name:
            chosen = [c for c in classes if c.__name__ == class_name]
            if not chosen:
                self.emit(
                    "fatal",
                    message=f"{name} defines no nn.Module subclass named {class_name!r} "
                    f"(it defines: {', '.join(c.__name__ for c in classes) or 'none'})",
                )
                return self.emit("done")
            classes = chosen
        if not classes:
            others = [c.__name__ for c in vars(mod).values() if inspect.isclass(c) and c.__module__ == module_name]
            hint = (
                (
                    f" It defines {', '.join(others)}, which do{'es' * (len(others) == 1)} not inherit from "
                    "nn.Module: write class Name(nn.Module)."
                )
                if others
                else ""
            )
            self.emit(
                "fatal",
                message=f"{name} defines no subclass of torch.nn.Module: the question asks for a PyTorch module.{hint}",
            )
            return self.emit("done")
        if len(classes) > 1:
            with_forward = [c for c in classes if "forward" in vars(c) and _n_args(vars(c)["forward"]) >= 2]
            classes = with_forward if len(with_forward) >= 1 else classes
        if len(classes) > 1:
            self.emit(
                "fatal",
                message=f"{name} defines several nn.Module subclasses with forward(x, h_prev): "
                f"{', '.join(c.__name__ for c in classes)}. Choose one with "
                f"--class NAME (make grade-c FILE=... CLASS=NAME).",
            )
            return self.emit("done")
        cls = classes[0]
        self.emit("class", name=cls.__name__)
        torch.manual_seed(0)
        _Grading(self, cls, torch, nn).run()
        self.emit("done")


def _n_args(fn) -> int:
    """Positional parameters of a function after self (a bound method's view)."""
    import inspect

    try:
        params = list(inspect.signature(fn).parameters.values())[1:]
    except (TypeError, ValueError):
        return 0
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return 99
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)


def batch_words_of(err: str | None, shape_note: str | None) -> str:
    return err or shape_note or ""


class _Slot:
    """Where one of A, W, U, b lives: an attribute of the module or of one of its nn.Linear layers."""

    def __init__(self, owner, attr: str, label: str, in_linear: str | None = None):
        self.owner, self.attr, self.label, self.in_linear = owner, attr, label, in_linear

    def get(self):
        return getattr(self.owner, self.attr)

    def set(self, value) -> None:
        """Set the values (a tensor of the same shape), keeping a Parameter registered."""
        import torch

        current = self.get()
        if isinstance(current, torch.nn.Parameter):
            current.data = value.to(current.device)
        else:
            setattr(self.owner, self.attr, value)


_ROLES = ("A", "W", "U", "b")


def _role_of(name: str) -> str | None:
    """'A', 'W', 'U' or 'b' when an attribute name says so (A, self.W_h, lin_U, bias), else None."""
    import re

    tokens = {t for t in re.split(r"[_\W\d]+", name.lower()) if t}
    if "bias" in tokens:
        tokens.add("b")
    found = [r for r in _ROLES if r.lower() in tokens]
    return found[0] if len(found) == 1 else None


class _Grading:
    """The checks of POINTS on one class, each emitted as soon as it is done."""

    def __init__(self, child: _Child, cls, torch, nn):
        self.child, self.cls, self.torch, self.nn = child, cls, torch, nn
        self.I, self.H, self.B = INPUT_SIZE, HIDDEN_SIZE, BATCH
        self.name = cls.__name__
        self.hung = False  # forward ran into the time limit once: it is not called again

    def emit(self, key: str, score: int, message: str | None = None, notes: list[str] | None = None):
        pts = next(p for k, p, _ in POINTS if k == key)
        self.child.emit("check", key=key, score=max(0, min(pts, score)), max=pts, message=message, notes=notes or [])

    def stage(self, key: str) -> None:
        self.child.emit("stage", stage=f"check:{key}")

    # ---- construction
    def build(self):
        """(module, called_super, message); module is None when it cannot be built."""
        nn, cls = self.nn, self.cls
        sig = f"{self.name}({self.I}, {self.H})"
        module, err = self.child.call(cls, self.I, self.H)
        if err is None and not isinstance(module, nn.Module):
            return None, True, f"{sig} did not return the module"
        if err is None and "_parameters" in vars(module):
            return module, True, None
        no_super = err is None or "Module.__init__() call" in err
        if not no_super:
            kw, err_kw = self.child.call(cls, input_size=self.I, hidden_size=self.H)
            if err_kw is None and "_parameters" in vars(kw):
                return kw, True, None
            return (
                None,
                True,
                (
                    f"{sig} {err}. The question's __init__ takes input_size and hidden_size "
                    "(other arguments need defaults)."
                ),
            )

        def without_super():  # the module as if super().__init__() had been called first
            obj = cls.__new__(cls)
            nn.Module.__init__(obj)
            cls.__init__(obj, self.I, self.H)
            return obj

        module, err2 = self.child.call(without_super)
        if err2:
            return None, False, f"{sig} {err2}"
        return module, False, None

    def run(self) -> None:
        self.stage("module")
        module, called_super, message = self.build()
        if module is None:
            self.emit("module", 0, message)
            for key, _, _ in POINTS[1:]:
                self.emit(key, 0, "not checked: the module could not be built")
            return
        self.emit("module", 1)
        if called_super:
            self.emit("super", 1)
        else:
            self.emit(
                "super",
                0,
                "__init__ does not call super().__init__(): without it nn.Module is not set "
                "up (assigning an nn.Parameter or a layer raises AttributeError, parameters() "
                "fails). The rest is graded as if it were called.",
            )
        self.module = module
        self.stage("parameters")
        self.find_slots()
        self.check_parameters()
        self.check_shapes()
        self.stage("forward")
        self.check_forward()
        self.stage("h_prev_none")
        self.check_h_prev_none()
        self.stage("gradients")
        self.check_gradients()
        self.stage("dtype_device")
        self.check_dtype_device()

    # ---- parameters
    def find_slots(self) -> None:
        """self.slots[role] -> list of _Slot (b may have several: biases inside the tanh are summed)."""
        torch, nn, m = self.torch, self.nn, self.module
        self.slots: dict[str, list[_Slot]] = {r: [] for r in _ROLES}
        self.outside_bias: list[_Slot] = []  # the bias of an A layer: a term the equation does not have
        self.notes: dict[str, list[str]] = {"parameters": [], "forward": []}
        names = list(dict.fromkeys([*m._parameters, *m._modules, *m._buffers, *vars(m)]))
        linears = []
        for attr in names:
            if attr.startswith("_"):
                continue
            value = getattr(m, attr, None)
            role = _role_of(attr)
            if isinstance(value, nn.Linear):
                linears.append((attr, value, role))
            elif isinstance(value, torch.Tensor) and value.is_floating_point() and role:
                self.slots[role].append(_Slot(m, attr, attr))
        for attr, lin, role in linears:
            if role is None:
                role = self._role_by_shape(lin)
            if role in ("A", "W", "U"):
                self.slots[role].append(_Slot(lin, "weight", f"{attr}.weight", in_linear=role))
                if lin.bias is not None:
                    target = self.outside_bias if role == "A" else self.slots["b"]
                    target.append(_Slot(lin, "bias", f"{attr}.bias", in_linear=role))
        for role in ("A", "W", "U"):
            if len(self.slots[role]) > 1:
                labels = ", ".join(s.label for s in self.slots[role])
                self.notes["parameters"].append(
                    f"several tensors could be {role} ({labels}): {labels.split(',')[0]} is taken"
                )
                self.slots[role] = self.slots[role][:1]
        if len(self.slots["b"]) > 1:
            labels = " + ".join(s.label for s in self.slots["b"])
            self.notes["parameters"].append(
                f"b is {labels}: biases inside the tanh add up to one vector (as "
                "nn.RNNCell's b_ih + b_hh), so the model is the equation's; accepted"
            )

    def _role_by_shape(self, lin) -> str | None:
        if (lin.in_features, lin.out_features) == (self.I, self.H):
            return "U"
        return None

    def registered(self, slot: _Slot) -> tuple[bool, str]:
        """(learnable?, the kind of problem: 'plain', 'unregistered', 'frozen' or '')."""
        value = slot.get()
        if not isinstance(value, self.nn.Parameter):
            return False, "plain"
        if all(value is not p for p in self.module.parameters()):
            return False, "unregistered"
        if not value.requires_grad:
            return False, "frozen"
        return True, ""

    _PROBLEMS = {
        "plain": (
            "a plain tensor, not an nn.Parameter",
            "plain tensors, not nn.Parameters",
            ": parameters() does not list {them}, so the optimiser never updates {them} "
            "(and .to(), .double() do not convert {them})",
        ),
        "unregistered": (
            "an nn.Parameter the module does not register",
            "nn.Parameters the module does not register",
            ": parameters() does not list {them}",
        ),
        "frozen": ("requires_grad=False", "requires_grad=False", ": never learned"),
    }

    def check_parameters(self) -> None:
        score, lost, kinds = 4, [], {}
        missing = [r for r in _ROLES if not self.slots[r]]
        if missing:
            score -= len(missing)
            names = ", ".join(missing)
            lost.append(
                f"no {names} found: expected {'an nn.Parameter' if len(missing) == 1 else 'nn.Parameters'} "
                f"named {names}, or nn.Linear layers named after A, W, U (b may be the bias of the W or "
                "U layer)"
            )
        for role in _ROLES:
            if not self.slots[role]:
                continue
            problems = [(s.label, kind) for s in self.slots[role] for ok, kind in [self.registered(s)] if not ok]
            if problems:
                score -= 1
                for label, kind in problems:
                    kinds.setdefault(kind, []).append(label)
        for kind, labels in kinds.items():
            one, many, why = self._PROBLEMS[kind]
            if kind == "frozen":
                lost.append(f"{', '.join(labels)} {'has' if len(labels) == 1 else 'have'} {one}{why}")
            else:
                verb = f"is {one}" if len(labels) == 1 else f"are {many}"
                lost.append(f"{', '.join(labels)} {verb}{why.format(them='it' if len(labels) == 1 else 'them')}")
        self.emit("parameters", score, "; ".join(lost) or None, self.notes["parameters"])

    def check_shapes(self) -> None:
        n_in, H = self.I, self.H
        wanted = {"A": [(H, H)], "W": [(H, H)], "U": [(H, n_in), (n_in, H)], "b": [(H,), (1, H)]}
        words = {
            "A": f"(hidden, hidden) = ({H}, {H})",
            "W": f"(hidden, hidden) = ({H}, {H})",
            "U": f"(hidden, input) = ({H}, {n_in}) or its transpose ({n_in}, {H})",
            "b": f"(hidden,) = ({H},)",
        }
        bad = []
        for role in _ROLES:
            for slot in self.slots[role]:
                shape = tuple(slot.get().shape)
                if shape not in wanted[role]:
                    bad.append(f"{slot.label} has shape {shape}, expected {words[role]}")
        self.shapes_ok = not bad
        missing = [r for r in _ROLES if not self.slots[r]]
        if len(missing) == len(_ROLES):
            return self.emit("shapes", 0, "no A, W, U or b found (see above)")
        notes = [f"{', '.join(missing)}: missing (see above)"] if missing else []
        self.emit("shapes", 0 if bad else 2, "; ".join(bad) or None, notes)

    # ---- values
    def randomise(self, dtype) -> None:
        """Every parameter and role tensor of the module to random values (std 0.5) of the given dtype."""
        torch = self.torch
        g = torch.Generator().manual_seed(1234)
        self.child.call(self.module.to, dtype)
        with torch.no_grad():
            for p in self.module.parameters():
                p.data = (torch.randn(p.shape, generator=g, dtype=torch.float64) * 0.5).to(dtype)
            for role in _ROLES:
                for slot in self.slots[role]:
                    if not isinstance(slot.get(), self.nn.Parameter):
                        slot.set((torch.randn(slot.get().shape, generator=g, dtype=torch.float64) * 0.5).to(dtype))

    def values(self) -> dict:
        """The roles as float64 tensors (b summed; a missing role as None)."""
        out = {}
        for role in _ROLES:
            tensors = [s.get().detach().to("cpu", self.torch.float64) for s in self.slots[role]]
            if role == "b":
                out[role] = sum(t.reshape(-1) for t in tensors) if tensors else None
            else:
                out[role] = tensors[0] if tensors else None
        out["c"] = (
            sum(s.get().detach().to("cpu", self.torch.float64) for s in self.outside_bias)
            if self.outside_bias
            else None
        )
        return out

    def inputs(self, dtype, batched: bool = True, device: str = "cpu"):
        g = self.torch.Generator().manual_seed(99)
        shape_x, shape_h = ((self.B, self.I), (self.B, self.H)) if batched else ((self.I,), (self.H,))
        x = self.torch.randn(shape_x, generator=g, dtype=self.torch.float64).to(device, dtype)
        h = self.torch.randn(shape_h, generator=g, dtype=self.torch.float64).to(device, dtype)
        return x, h

    def candidates(self, x, h) -> dict[str, list]:
        """Each formula -> its values for every orientation of A and W (and of U, by shape), in float64."""
        torch = self.torch
        v = self.values()
        H, n_in = self.H, self.I
        zero = {
            "A": torch.zeros(H, H, dtype=torch.float64),
            "W": torch.zeros(H, H, dtype=torch.float64),
            "U": torch.zeros(H, n_in, dtype=torch.float64),
            "b": torch.zeros(H, dtype=torch.float64),
        }
        V = {r: (v[r] if v[r] is not None else zero[r]) for r in _ROLES}
        U = V["U"] if tuple(V["U"].shape) == (H, n_in) else V["U"].T
        b = V["b"].reshape(-1)
        x, h = x.to("cpu", torch.float64), h.to("cpu", torch.float64)
        forms: dict[str, list] = {
            k: [] for k in ("equation", "equation + c", "A inside tanh", "no tanh", "sigmoid", "no A h")
        }
        for A in {id(V["A"]): V["A"], id(V["A"].T): V["A"].T}.values():
            for W in (V["W"], V["W"].T):
                Ah, inner = h @ A.T, h @ W.T + x @ U.T + b
                forms["equation"].append(Ah + torch.tanh(inner))
                if v["c"] is not None:
                    forms["equation + c"].append(Ah + v["c"] + torch.tanh(inner))
                forms["A inside tanh"].append(torch.tanh(Ah + inner))
                forms["no tanh"].append(Ah + inner)
                forms["sigmoid"].append(Ah + torch.sigmoid(inner))
                forms["no A h"].append(torch.tanh(inner))
        return forms

    def matches(self, out, forms: list) -> bool:
        torch = self.torch
        return any(
            tuple(out.shape) == tuple(f.shape)
            and torch.allclose(out.detach().to("cpu", torch.float64), f, rtol=1e-4, atol=1e-5)
            for f in forms
        )

    def run_forward(self, x, h):
        """(output tensor or None, a sentence when it failed)."""
        out, err = self.child.call(self.module, x, h)
        if err:
            self.hung = self.hung or err.startswith("did not return")
            return None, f"forward(x, h_prev) {err}"
        if isinstance(out, (tuple, list)):
            return None, (
                f"forward returned a {type(out).__name__} of {len(out)}, not a tensor: the question "
                "asks for the next hidden state only"
            )
        if not isinstance(out, self.torch.Tensor):
            return None, f"forward returned {type(out).__name__}, not a tensor"
        return out, None

    _WRONG = {
        "A inside tanh": "it computes tanh(A h + W h + U x + b): A is inside the tanh, so A and W only appear as "
        "A + W and the state is squashed into (-1, 1) at every step",
        "no tanh": "it computes A h + W h + U x + b: the tanh is missing, so the step is linear",
        "sigmoid": "it computes A h + sigmoid(W h + U x + b): the equation's nonlinearity is tanh",
        "no A h": "it computes tanh(W h + U x + b): the term A h outside the tanh is missing",
        "equation + c": "it computes A h + c + tanh(W h + U x + b), with c the bias of the A nn.Linear "
        "(bias=True by default): the equation has no such term; use bias=False",
    }

    def check_forward(self) -> None:
        torch = self.torch
        self.form = None  # "batch" or "single": how the later checks call forward
        missing = [r for r in _ROLES if not self.slots[r]]
        self.randomise(torch.float64)
        if not self.shapes_ok:
            x, h = self.inputs(torch.float64)
            out, err = self.run_forward(x, h)
            self.form = "batch" if err is None else None
            return self.emit(
                "forward", 0, err or "not compared with the equation: the parameters' shapes are wrong (see above)"
            )
        x, h = self.inputs(torch.float64)
        out, err = self.run_forward(x, h)
        shape_note = None
        if err is None and tuple(out.shape) != (self.B, self.H):
            shape_note = (
                f"for x of shape ({self.B}, {self.I}) and h_prev ({self.B}, {self.H}) it returned shape "
                f"{tuple(out.shape)}, expected ({self.B}, {self.H})"
            )
        if err is None and shape_note is None:
            self.form = "batch"
            return self.emit("forward", *self.judge(out, self.candidates(x, h), missing, 8))
        # Not right for a batch: is it right for one sample, as column vectors?
        if self.hung:
            return self.emit("forward", 0, batch_words_of(err, shape_note))
        xs, hs = self.inputs(torch.float64, batched=False)
        one, err1 = self.run_forward(xs, hs)
        batch_words = batch_words_of(err, shape_note)
        if err1 is None and tuple(one.shape) in ((self.H,), (self.H, 1), (1, self.H)):
            score, message = self.judge(one.reshape(-1), self.candidates(xs, hs), missing, 4)
            if score > 0:
                self.form = "single"
                return self.emit(
                    "forward",
                    score,
                    (
                        f"right for one sample (x of shape ({self.I},), h ({self.H},)), but not for a batch of rows: "
                        f"{batch_words}. A @ h is for one column vector; for h of shape (B, hidden) write h @ A.T "
                        "or F.linear(h, A)" + (f"; {message}" if message else "")
                    ),
                )
            return self.emit("forward", 0, f"for a batch, {batch_words}; for one sample, {message}")
        self.emit("forward", 0, batch_words)

    def judge(self, out, forms: dict, missing: list[str], full: int) -> tuple[int, str | None]:
        score = full - 2 * len(missing)
        if self.matches(out, forms["equation"]):
            if missing:
                return score, (
                    f"it computes the equation with {', '.join(missing)} = 0: "
                    f"{'that term is' if len(missing) == 1 else 'those terms are'} missing"
                )
            return full, None
        for key, sentence in self._WRONG.items():
            if forms[key] and self.matches(out, forms[key]):
                return 0, sentence
        diff = min((out.detach().to("cpu", self.torch.float64) - f).abs().max().item() for f in forms["equation"])
        return 0, (
            f"the output differs from A h + tanh(W h + U x + b) computed from your own parameters "
            f"(set to random values), by up to {diff:.3g}"
        )

    def forward_inputs(self, dtype, device="cpu"):
        return self.inputs(dtype, batched=self.form != "single", device=device)

    def check_h_prev_none(self) -> None:
        import inspect

        torch = self.torch
        try:
            params = list(inspect.signature(self.module.forward).parameters.values())
        except (TypeError, ValueError):
            params = []
        if self.form is None:
            return self.emit("h_prev_none", 0, "not checked: forward fails with an explicit h_prev (see above)")
        if len(params) < 2 or params[1].default is inspect.Parameter.empty:
            return self.emit(
                "h_prev_none", 1, None, ["forward does not accept h_prev=None (not asked for; no point lost)"]
            )
        self.randomise(torch.float64)
        x, h = self.forward_inputs(torch.float64)
        expected, err = self.run_forward(x, torch.zeros_like(h))
        if err:
            return self.emit("h_prev_none", 0, f"with h_prev = zeros: {err}")
        got, err = self.child.call(self.module, x)
        if err:
            return self.emit("h_prev_none", 0, f"h_prev has a default, but forward(x) {err}")
        if (
            not isinstance(got, torch.Tensor)
            or tuple(got.shape) != tuple(expected.shape)
            or not torch.allclose(got.detach().double(), expected.detach().double(), rtol=1e-6, atol=1e-8)
        ):
            return self.emit(
                "h_prev_none",
                0,
                "h_prev has a default, but forward(x) is not forward(x, zeros): the first step should start from h = 0",
            )
        self.emit("h_prev_none", 1, None, ["forward(x) is the step from h = 0"])

    def check_gradients(self) -> None:
        torch = self.torch
        if self.form is None:
            return self.emit("gradients", 0, "not checked: forward fails (see above)")
        self.randomise(torch.float64)
        learnable = [(role, s) for role in _ROLES for s in self.slots[role] if self.registered(s)[0]]
        if not learnable:
            return self.emit("gradients", 0, "no registered parameter among A, W, U, b for a gradient to reach")
        for p in self.module.parameters():
            p.grad = None
        x, h = self.forward_inputs(torch.float64)
        out, err = self.run_forward(x, h)
        if err:
            return self.emit("gradients", 0, err)
        weights = torch.randn(out.shape, generator=torch.Generator().manual_seed(5), dtype=torch.float64)

        def backward():
            (out.to("cpu", torch.float64) * weights).sum().backward()

        if not out.requires_grad:
            return self.emit(
                "gradients",
                0,
                "the output does not require grad: forward cuts the graph "
                "(.detach(), torch.no_grad() or .data), so nothing can be learned",
            )
        _, err = self.child.call(backward)
        if err:
            return self.emit("gradients", 0, f"backward() {err}")
        blocked = [s.label for _, s in learnable if s.get().grad is None or not s.get().grad.abs().sum() > 0]
        if blocked:
            return self.emit(
                "gradients",
                0,
                f"no gradient reaches {', '.join(blocked)}: forward cuts the graph "
                "for them (.detach(), torch.no_grad(), .data or .item())",
            )
        self.emit("gradients", 2)

    def check_dtype_device(self) -> None:
        torch = self.torch
        if self.form is None:
            return self.emit("dtype_device", 0, "not checked: forward fails (see above)")
        lost, notes = [], []
        plain_dtype = {}
        for role in _ROLES:
            for slot in self.slots[role]:
                if not isinstance(slot.get(), self.nn.Parameter):
                    plain_dtype[slot.label] = torch.float32  # as it would be: plain tensors stay as created
        runs = [(torch.float32, "cpu"), (torch.float64, "cpu")]
        if torch.cuda.is_available():
            runs.append((torch.float32, "cuda"))
        else:
            notes.append("device: not checked, this machine has no CUDA GPU (dtype checked on the CPU)")
        for dtype, device in runs:
            self.randomise(dtype)
            for role in _ROLES:  # plain tensors keep the dtype and device they were created with
                for slot in self.slots[role]:
                    if slot.label in plain_dtype:
                        slot.set(slot.get().to("cpu", plain_dtype[slot.label]))
            _, err = self.child.call(self.module.to, device)
            if err:
                lost.append(f"module.to({device!r}) {err}")
                continue
            x, h = self.forward_inputs(dtype, device)
            what = f"{str(dtype).removeprefix('torch.')} input on {device}"
            out, err = self.run_forward(x, h)
            if err:
                lost.append(f"with {what}, {err}")
            elif out.dtype != dtype or out.device.type != device:
                lost.append(
                    f"with {what} (module moved with .to()), the output is "
                    f"{str(out.dtype).removeprefix('torch.')} on {out.device.type}"
                )
        self.child.call(self.module.to, "cpu")
        if torch.cuda.is_available() and not lost:
            notes.append("device: checked on CUDA")
        self.emit("dtype_device", 0 if lost else 1, "; ".join(lost) or None, notes)


def _child_main(argv: list[str]) -> int:
    events_path, call_limit, jobs = argv
    sys.dont_write_bytecode = True  # no __pycache__ next to the student's file (or in docs/downloads/)
    child = _Child(events_path, float(call_limit))
    import torch

    torch.set_num_threads(1)
    child.emit("stage", stage="ready")  # the parent's time limit for the student's code starts here
    real = sys.stdout, sys.stderr
    for i, (path, class_name) in enumerate(json.loads(jobs)):
        out, err = _Capture(), _Capture()
        sys.stdout, sys.stderr = out, err
        try:
            child.grade_file(i, path, class_name)
        finally:
            sys.stdout, sys.stderr = real
        for stream, capture in (("stdout", out), ("stderr", err)):
            if capture.lines():
                child.emit("printed", stream=stream, lines=capture.lines())
    return 0


def facts() -> dict[str, object]:
    """The exit statuses chapter C prints, read from ``Report.exit_code``."""
    full = Report("a.py", "Cell", [Check(k, p, p, t) for k, p, t in POINTS])
    lost = Report("a.py", "Cell", [Check(k, 0, p, t) for k, p, t in POINTS])
    return {"exit_full": full.exit_code, "exit_lost": lost.exit_code, "exit_fatal": Report("a.py", fatal="x").exit_code}


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        status = _child_main(sys.argv[2:])
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 (the student may have replaced or closed it)
                pass
        os._exit(status)  # skip the student's atexit handlers and buffered output
    sys.exit(main())

"""Chapter C, the autograder: correct answers get full marks, wrong ones lose the right points, broken files
are reported as the student's, never as a traceback of the grader.

Every answer below is a student's file written to a temporary folder. The well-behaved ones are graded in
one child process (one torch import); those that end or hang the process get a child each, all in parallel.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import DOCS, ROOT
from snippets import c_lipschitz_grader as grader
from snippets.c_lipschitz_grader import POINTS, TOTAL, Report, grade, grade_files

HEAD = "import torch\nfrom torch import nn\nimport torch.nn.functional as F\n\n\n"


def answer(init: str, forward: str, signature: str = "x, h_prev", extra: str = "") -> str:
    """A student's file: class Cell(nn.Module) with the given __init__ body and forward body."""
    init = textwrap.indent(textwrap.dedent(init).strip(), " " * 8)
    forward = textwrap.indent(textwrap.dedent(forward).strip(), " " * 8)
    return (
        HEAD
        + extra
        + "class Cell(nn.Module):\n    def __init__(self, input_size, hidden_size):\n"
        + init
        + f"\n\n    def forward(self, {signature}):\n"
        + forward
        + "\n"
    )


PARAMS = """
    super().__init__()
    self.A = nn.Parameter(torch.eye(hidden_size))
    self.W = nn.Parameter(torch.randn(hidden_size, hidden_size) * 0.1)
    self.U = nn.Parameter(torch.randn(hidden_size, input_size) * 0.1)
    self.b = nn.Parameter(torch.zeros(hidden_size))
"""
RIGHT = "return h_prev @ self.A.T + torch.tanh(h_prev @ self.W.T + x @ self.U.T + self.b)"

# --------------------------------------------------------------------------- correct answers: full marks
CORRECT = {
    "linear_layers": answer(
        """
        super().__init__()
        self.A = nn.Linear(hidden_size, hidden_size, bias=False)
        self.W = nn.Linear(hidden_size, hidden_size)       # its bias is b
        self.U = nn.Linear(input_size, hidden_size, bias=False)
        """,
        "return self.A(h_prev) + torch.tanh(self.W(h_prev) + self.U(x))",
    ),
    "transposed_x_at_U": answer(
        """
        super().__init__()
        self.A = nn.Parameter(torch.eye(hidden_size))
        self.W = nn.Parameter(torch.randn(hidden_size, hidden_size) * 0.1)
        self.U = nn.Parameter(torch.randn(input_size, hidden_size) * 0.1)   # (input, hidden): x @ U
        self.b = nn.Parameter(torch.zeros(1, hidden_size))
        """,
        "return h_prev @ self.A + torch.tanh(h_prev @ self.W + x @ self.U + self.b)",
    ),
    "addmm_einsum_numpy": answer(
        PARAMS,
        """
        a = torch.einsum("ij,bj->bi", self.A, h_prev)
        return a + torch.tanh(torch.addmm(self.b, h_prev, self.W.t()) + torch.einsum("bi,hi->bh", x, self.U))
        """,
        extra="import numpy as np\n\nSCALE = float(np.sqrt(1.0))\n\n\n",
    ),
    "none_default_two_biases": answer(
        """
        super().__init__()
        self.hidden_size = hidden_size
        self.A = nn.Parameter(torch.eye(hidden_size))
        self.W_h = nn.Linear(hidden_size, hidden_size)      # bias b_hh
        self.U_x = nn.Linear(input_size, hidden_size)       # bias b_ih: b = b_hh + b_ih, as nn.RNNCell
        print("built")
        """,
        """
        if h_prev is None:
            h_prev = x.new_zeros(x.shape[0], self.hidden_size)
        return F.linear(h_prev, self.A) + torch.tanh(self.W_h(h_prev) + self.U_x(x))
        """,
        signature="x, h_prev=None",
    ),
}

#: When forward gives no tensor, nothing that calls it can be checked either.
BROKEN_FORWARD = {"forward": 8, "h_prev_none": 1, "gradients": 2, "dtype_device": 1}

# ---------------------------------------------------------------- wrong answers: key -> points lost, words
WRONG = {
    "a_inside_tanh": (
        answer(PARAMS, "return torch.tanh(h_prev @ self.A.T + h_prev @ self.W.T + x @ self.U.T + self.b)"),
        {"forward": 8},
        ["A is inside the tanh"],
    ),
    "column_vectors": (
        answer(PARAMS, "return self.A @ h_prev + torch.tanh(self.W @ h_prev + self.U @ x + self.b)"),
        {"forward": 4},
        ["right for one sample", "LINE:self.A @ h_prev", "h @ A.T"],
    ),
    "plain_tensors": (
        answer(PARAMS.replace("nn.Parameter", ""), RIGHT),
        {"parameters": 4, "gradients": 2, "dtype_device": 1},
        [
            "A, W, U, b are plain tensors, not nn.Parameters",
            "optimiser never updates them",
            "no registered parameter",
            "double != float",
        ],
    ),
    "no_super": (
        answer(PARAMS.replace("super().__init__()", "pass"), RIGHT),
        {"super": 1},
        ["does not call super().__init__()", "AttributeError"],
    ),
    "b_missing": (
        answer(
            PARAMS.replace("self.b = nn.Parameter(torch.zeros(hidden_size))", ""),
            "return h_prev @ self.A.T + torch.tanh(h_prev @ self.W.T + x @ self.U.T)",
        ),
        {"parameters": 1, "forward": 2},
        ["no b found", "with b = 0"],
    ),
    "u_wrong_shape": (
        answer(PARAMS.replace("randn(hidden_size, input_size)", "randn(hidden_size, hidden_size)"), RIGHT),
        {"shapes": 2, "forward": 8, "h_prev_none": 1, "gradients": 2, "dtype_device": 1},
        ["U has shape (5, 5), expected (hidden, input) = (5, 3)", "LINE:" + RIGHT],
    ),
    "tanh_missing": (
        answer(PARAMS, "return h_prev @ self.A.T + h_prev @ self.W.T + x @ self.U.T + self.b"),
        {"forward": 8},
        ["the tanh is missing"],
    ),
    "sigmoid": (answer(PARAMS, RIGHT.replace("tanh", "sigmoid")), {"forward": 8}, ["sigmoid"]),
    "detach": (
        answer(PARAMS, RIGHT.replace("return ", "out = ") + "\nreturn out.detach()"),
        {"gradients": 2},
        ["does not require grad", ".detach()"],
    ),
    "tanh_detached": (answer(PARAMS, RIGHT + ".detach()"), {"gradients": 2}, ["no gradient reaches W, U, b"]),
    "no_grad": (answer(PARAMS, "with torch.no_grad():\n    " + RIGHT), {"gradients": 2}, ["torch.no_grad()"]),
    "a_detached": (
        answer(PARAMS, RIGHT.replace("self.A.T", "self.A.detach().T")),
        {"gradients": 2},
        ["no gradient reaches A"],
    ),
    "float32_forced": (
        answer(PARAMS, RIGHT.replace("return ", "out = ") + "\nreturn out.float()"),
        {"dtype_device": 1},
        ["float64 input on cpu", "the output is float32"],
    ),
    "bias_on_a": (
        answer(
            PARAMS.replace(
                "self.A = nn.Parameter(torch.eye(hidden_size))", "self.A = nn.Linear(hidden_size, hidden_size)"
            ),
            RIGHT.replace("h_prev @ self.A.T", "self.A(h_prev)"),
        ),
        {"forward": 8},
        ["bias of the A nn.Linear", "bias=False"],
    ),
    "none_wrong": (
        answer(
            PARAMS,
            """
        if h_prev is None:
            h_prev = torch.ones(x.shape[0], self.A.shape[0], dtype=x.dtype)
        """
            + RIGHT,
            signature="x, h_prev=None",
        ),
        {"h_prev_none": 1},
        ["not forward(x, zeros)"],
    ),
    "returns_tuple": (
        answer(PARAMS, "h = " + RIGHT.removeprefix("return ") + "\nreturn h, h"),
        BROKEN_FORWARD,
        ["tuple", "next hidden state only"],
    ),
    "exception_in_forward": (
        answer(PARAMS, "return h_prev @ self.A.T + torch.tanh(self.Wh(h_prev))"),
        BROKEN_FORWARD,
        ["raised AttributeError", "LINE:self.Wh(h_prev)"],
    ),
    "other_constructor_args": (
        answer(PARAMS, RIGHT).replace("input_size, hidden_size):", "input_size, hidden_size, num_layers):"),
        {k: p for k, p, _ in POINTS},
        ["num_layers", "takes input_size and hidden_size"],
    ),
    "hangs_in_forward": (answer(PARAMS, "while True:\n    pass"), BROKEN_FORWARD, ["did not return within"]),
}

# ------------------------------------------------------------------- files that cannot be graded: exit 2
FATAL = {
    "syntax_error": (
        HEAD + "class Cell(nn.Module):\n    def forward(self x, h):\n        return x\n",
        ["line 7", "SyntaxError", "def forward(self x, h):"],
    ),
    "sys_exit_at_import": (
        answer(PARAMS, RIGHT) + "\nimport sys\nsys.exit(3)\n",
        ["called sys.exit(3)", "LINE:sys.exit(3)"],
    ),
    "exception_at_import": (HEAD + "x = 1 / 0\n", ["importing", "ZeroDivisionError", "LINE:x = 1 / 0"]),
    "no_module": (
        HEAD + "class Cell:\n    def forward(self, x, h):\n        return h\n",
        ["no subclass of torch.nn.Module", "Cell"],
    ),
    "two_candidates": (
        answer(PARAMS, RIGHT) + "\n\n" + answer(PARAMS, RIGHT).removeprefix(HEAD).replace("class Cell", "class Cell2"),
        ["several nn.Module subclasses", "Cell, Cell2", "--class"],
    ),
}
#: Files that end or hang the child: each in its own process, with a time limit of 4 s. The limit counts
#: from the child's "ready" (torch is loaded by then); the file that hangs spins a core until its limit,
#: so it gets 2 s: still far more than the milliseconds from "ready" to the file's import.
HANG_LIMIT_S = {"loop_at_import": 2}
ALONE = {
    "loop_at_import": (HEAD + "while True:\n    pass\n", ["time limit of 2 s", "imported"]),
    "os_exit_at_import": (HEAD + "import os\nos._exit(0)\n", ["Python process ended", "os._exit()", "imported"]),
}
#: A file that ends the child while it is being checked: what was checked stays, the rest is lost.
PARTIAL = answer(PARAMS, "import os\nos._exit(0)")
BOOK = ROOT / "snippets" / "c_lipschitz_cell.py"
TEMPLATE = DOCS / "downloads" / "c_lipschitz_answer_template.py"
SAMPLE = ROOT / "snippets" / "c_lipschitz_grader_sample.py"
SAMPLE_REPORT = ROOT / "results" / "c_lipschitz_grader-sample.txt"


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, Report]:
    folder = tmp_path_factory.mktemp("answers")
    files = {}
    for name, text in {**CORRECT, **{k: v[0] for k, v in {**WRONG, **FATAL, **ALONE}.items()}}.items():
        files[name] = folder / f"{name}.py"
        files[name].write_text(text, encoding="utf-8")
    batch = ["book", *CORRECT, *WRONG, *FATAL, "template", "sample"]
    paths = [
        BOOK if n == "book" else TEMPLATE if n == "template" else SAMPLE if n == "sample" else files[n] for n in batch
    ]
    classes = ["LipschitzRNNCell" if n == "book" else None for n in batch]
    with ThreadPoolExecutor(max_workers=3) as pool:
        files["os_exit_in_forward"] = folder / "os_exit_in_forward.py"
        files["os_exit_in_forward"].write_text(PARTIAL, encoding="utf-8")
        alone = {
            n: pool.submit(grade, files[n], timeout_s=HANG_LIMIT_S.get(n, 4)) for n in [*ALONE, "os_exit_in_forward"]
        }
        reports = dict(zip(batch, grade_files(paths, timeout_s=240, call_limit_s=3, class_names=classes), strict=True))
        reports.update({n: f.result() for n, f in alone.items()})
    return reports


def resolve(words: list[str], source: str) -> list[str]:
    """'LINE:code' -> 'your line N: `code`' for the line of the student's file that holds the code."""
    out = []
    for w in words:
        if w.startswith("LINE:"):
            code = w.removeprefix("LINE:")
            n, line = next((i, ln) for i, ln in enumerate(source.splitlines(), 1) if code in ln)
            w = f"your line {n}: `{line.strip()}`"
        out.append(w)
    return out


def lost(report: Report) -> dict[str, int]:
    return {c.key: c.max - c.score for c in report.checks if c.score < c.max}


def test_points_table_is_the_parts_twenty_points():
    assert TOTAL == 20 and len({k for k, _, _ in POINTS}) == len(POINTS)


@pytest.mark.parametrize("name", ["book", *CORRECT])
def test_correct_answers_get_full_marks(graded, name):
    r = graded[name]
    assert r.fatal is None, r.text()
    assert r.score == TOTAL and r.exit_code == 0, r.text()
    assert [c.key for c in r.checks] == [k for k, _, _ in POINTS]
    assert "Total: 20/20 (full marks)" in r.text()


def test_notes_on_correct_answers(graded):
    assert "forward(x) is the step from h = 0" in graded["book"].text()
    two = graded["none_default_two_biases"].text()
    assert "b is W_h.bias + U_x.bias" in two and "accepted" in two
    assert "your code printed 1 line to stdout" in two
    assert "printed" not in graded["linear_layers"].text()
    assert "does not accept h_prev=None (not asked for; no point lost)" in graded["linear_layers"].text()


@pytest.mark.parametrize("name", list(WRONG))
def test_wrong_answers_lose_the_right_points_with_the_right_words(graded, name):
    source, expected, words = WRONG[name]
    r = graded[name]
    assert r.fatal is None, r.text()
    assert lost(r) == expected, r.text()
    assert r.score == TOTAL - sum(expected.values()) and r.exit_code == 1
    text = " ".join(r.text().split())  # the report wraps its sentences
    for w in resolve(words, source):
        assert w in text, (w, r.text())
    assert "Traceback" not in text and "c_lipschitz_grader.py" not in text


@pytest.mark.parametrize("name", [*FATAL, *ALONE])
def test_files_that_cannot_be_graded_are_reported_as_the_students(graded, name):
    source, words = {**FATAL, **ALONE}[name]
    r = graded[name]
    assert r.exit_code == 2 and r.fatal, r.text()
    text = " ".join(r.text().split())
    assert text.startswith(f"Cannot grade {name}.py:")
    for w in resolve(words, source):
        assert w in text, (w, r.text())
    assert "Traceback" not in text and "c_lipschitz_grader.py" not in text


def test_a_process_that_ends_during_the_checks_keeps_what_was_checked(graded):
    r = graded["os_exit_in_forward"]
    assert r.fatal is None and r.exit_code == 1, r.text()
    assert lost(r) == {k: p for k, p, _ in POINTS[4:]}, r.text()
    text = " ".join(r.text().split())
    assert "not checked: the Python process ended (exit status 0) while checking forward (os._exit()" in text


def test_a_missing_file_and_a_non_python_file(tmp_path):
    assert grade(tmp_path / "nothing.py").fatal == f"no such file: {tmp_path / 'nothing.py'}"
    (tmp_path / "a.txt").write_text("x")
    assert "not a Python file" in grade(tmp_path / "a.txt").fatal


def test_the_template_parses_and_gets_a_low_mark_without_crashing(graded):
    ast.parse(TEMPLATE.read_text(encoding="utf-8"))
    r = graded["template"]
    assert r.fatal is None and r.exit_code == 1, r.text()
    assert r.class_name == "LipschitzRNNCell"
    # It builds (1 point); its __init__ is empty (no super().__init__(), no parameters) and forward returns None.
    assert r.score == 1, r.text()
    assert not (TEMPLATE.parent / "__pycache__").exists(), "the grader must not write bytecode next to the answer"
    assert "forward returned NoneType, not a tensor" in r.text()


def test_the_template_states_the_question():
    text = TEMPLATE.read_text(encoding="utf-8")
    for words in (
        "h_{t+1} = A h_t + tanh(W h_t + U x_{t+1} + b)",
        "input_size",
        "hidden_size",
        "make grade-c FILE=",
        "python -m snippets.c_lipschitz_grader",
    ):
        assert words in text, words


def test_the_pages_sample_report_is_what_the_grader_prints(graded):
    """The chapter shows results/c_lipschitz_grader-sample.txt: it must be the grader's current output."""
    from snippets import c_lipschitz_grader_sample  # noqa: F401 (the sample answer imports and is a module)

    def without_device_note(text: str) -> str:
        return "\n".join(line for line in text.splitlines() if "note: device:" not in line)

    r = graded["sample"]
    assert r.exit_code == 1 and 0 < r.score < TOTAL
    assert without_device_note(SAMPLE_REPORT.read_text(encoding="utf-8")) == without_device_note(r.text()), (
        "regenerate it: python -m snippets.c_lipschitz_grader snippets/c_lipschitz_grader_sample.py "
        "> results/c_lipschitz_grader-sample.txt"
    )


def test_the_command_line_prints_the_report_and_exits_with_its_status():
    proc = subprocess.run(
        [sys.executable, "-m", "snippets.c_lipschitz_grader", str(SAMPLE)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1 and proc.stderr == "", proc.stderr
    assert proc.stdout.splitlines()[0] == "Grading c_lipschitz_grader_sample.py, class Cell (Part C, 20 points)"
    assert proc.stdout.splitlines()[-1].startswith("Total: ")
    assert grader.main([str(ROOT / "no-such-answer.py")]) == 2


def test_the_make_target_needs_a_file():
    proc = subprocess.run(["make", "-n", "grade-c"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "make grade-c FILE=my_answer.py" in proc.stderr, proc.stderr
    proc = subprocess.run(
        ["make", "-n", "grade-c", "FILE=my answer.py"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and "-m snippets.c_lipschitz_grader 'my answer.py'" in proc.stdout, proc.stdout


def test_the_exit_status_facts_are_those_of_the_report():
    from snippets.c_lipschitz_grader import facts

    assert facts() == {"exit_full": 0, "exit_lost": 1, "exit_fatal": 2}

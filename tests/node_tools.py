"""Running the book's JavaScript in node from the tests: one process for many inputs.

node is one of the book's two prerequisites. Without it a test that needs it is
skipped with the reason, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CI, DOCS

NODE = os.environ.get("BOOK_NODE") or shutil.which("node") or "/usr/bin/node"
JAVASCRIPTS = DOCS / "assets" / "javascripts"

#: Reads {"seeds": [...], "bad": [...]} on stdin and writes, for the practice generator
#: given as argv[1], every seed's variant, the same seeds generated a second time, and
#: what each bad seed throws.
PRACTICE_RUNNER = """
const gen = require(process.argv[1]);
let data = "";
process.stdin.on("data", (chunk) => { data += chunk; });
process.stdin.on("end", () => {
  const request = JSON.parse(data);
  const variants = request.seeds.map((s) => gen.generate(s));
  const again = request.seeds.map((s) => JSON.stringify(gen.generate(s)));
  const same = variants.every((v, i) => JSON.stringify(v) === again[i]);
  const bad = request.bad.map((s) => {
    try { gen.generate(s); return "no error"; } catch (e) { return e.name + ": " + e.message; }
  });
  process.stdout.write(JSON.stringify({ kind: gen.kind, variants, same, bad }));
});
"""


def require_node() -> str:
    """The node executable, or skip (fail under CI=true) with the reason."""
    if not (shutil.which(NODE) or os.path.isfile(NODE)):
        message = f"node not found at {NODE} (install node or set BOOK_NODE)"
        if CI:
            pytest.fail(message)
        pytest.skip(message)
    return NODE


def run_node(script: str, args: list[str], payload: object, timeout: int = 120) -> dict:
    """Run ``script`` (JavaScript source) in node with ``args``, ``payload`` as JSON on stdin; its JSON output."""
    proc = subprocess.run(
        [require_node(), "-e", script, *args],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def run_practice(kind: str, seeds: list[int], bad: list[object]) -> dict:
    """Generate the variants of ``docs/assets/javascripts/practice-<kind>.js`` for ``seeds`` in one node process."""
    path: Path = JAVASCRIPTS / f"practice-{kind}.js"
    return run_node(PRACTICE_RUNNER, [str(path)], {"seeds": seeds, "bad": bad})


#: Loads the files named in argv[1] (a JSON list) as a browser would, as plain scripts in one
#: global scope with no ``module`` (in that order), then writes the JSON of the expression argv[2].
BROWSER_RUNNER = """
const fs = require("fs");
const vm = require("vm");
const context = vm.createContext({});
context.self = context;
for (const file of JSON.parse(process.argv[1])) {
  vm.runInContext(fs.readFileSync(file, "utf8"), context, { filename: file });
}
process.stdout.write(JSON.stringify(vm.runInContext(process.argv[2], context)));
"""


def run_as_browser_scripts(files: list[str], expression: str) -> object:
    """Load ``docs/assets/javascripts/<file>`` for each name as page scripts, then evaluate ``expression`` there."""
    paths = [str(JAVASCRIPTS / name) for name in files]
    return run_node(BROWSER_RUNNER, [json.dumps(paths), expression], None)

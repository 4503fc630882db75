// The book's math renderer at build time: one node process per build (book/math_render.py).
//
//   node book/katex_worker.cjs path/to/katex.min.js
//
// Protocol: one JSON line in, one JSON line out.
//   in:  {"items": [{"tex": "a^2", "display": false}, ...], "options": {...}}
//   out: {"results": [{"html": "<span class=\"katex\">..."} | {"error": "KaTeX parse error: ..."}, ...]}
// A whole page travels as one line, so neither side blocks on a full pipe.
// The first line out is {"ready": true, "version": "<KaTeX version>"}.
"use strict";

const readline = require("readline");
const katex = require(require("path").resolve(process.argv[2]));

process.stdout.write(JSON.stringify({ ready: true, version: katex.version }) + "\n");

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  let request;
  try {
    request = JSON.parse(line);
  } catch (err) {
    process.stdout.write(JSON.stringify({ fatal: "not JSON: " + err.message }) + "\n");
    return;
  }
  const options = request.options || {};
  const results = request.items.map((item) => {
    try {
      return { html: katex.renderToString(item.tex, { ...options, displayMode: !!item.display, throwOnError: true }) };
    } catch (err) {
      return { error: String(err && err.message ? err.message : err) };
    }
  });
  process.stdout.write(JSON.stringify({ results }) + "\n");
});
lines.on("close", () => process.exit(0));

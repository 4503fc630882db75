/* Typeset the book's math with the vendored KaTeX.
 *
 * Scope: only what is meant to be math.
 *  - Markdown pages: the elements pymdownx.arithmatex (generic mode) marks with
 *    class "arithmatex"; a dollar sign elsewhere in prose stays a dollar sign.
 *  - Notebook pages: the rendered Markdown cells inside ".jupyter-wrapper",
 *    where nbconvert leaves $…$ and $$…$$ as text.
 * When: on first load (also from file://, where instant navigation is off) and
 * after every instant-navigation page swap (Material's document$). Typesetting
 * is idempotent: an element is marked once done.
 * Errors: a formula KaTeX cannot parse is reported on the console (the browser
 * tests fail on console errors) and left visible as source, never silently lost.
 */
(function () {
  "use strict";

  function strip(tex, display) {
    tex = tex.trim();
    var open = display ? "\\[" : "\\(";
    var close = display ? "\\]" : "\\)";
    if (tex.startsWith(open) && tex.endsWith(close)) {
      tex = tex.slice(open.length, tex.length - close.length);
    }
    return tex;
  }

  function typesetArithmatex(root) {
    root.querySelectorAll(".arithmatex:not([data-katex])").forEach(function (el) {
      var display = el.tagName === "DIV";
      var tex = strip(el.textContent, display);
      try {
        katex.render(tex, el, { displayMode: display, throwOnError: true });
        el.setAttribute("data-katex", "done");
      } catch (err) {
        el.setAttribute("data-katex", "error");
        console.error("KaTeX could not typeset " + JSON.stringify(tex) + ": " + err.message);
      }
    });
  }

  function typesetNotebooks(root) {
    if (typeof renderMathInElement !== "function") return;
    root.querySelectorAll(".jupyter-wrapper .jp-RenderedMarkdown:not([data-katex])").forEach(function (el) {
      renderMathInElement(el, {
        delimiters: [
          { left: "$$", right: "$$", display: true },
          { left: "\\[", right: "\\]", display: true },
          { left: "$", right: "$", display: false },
          { left: "\\(", right: "\\)", display: false }
        ],
        throwOnError: true,
        errorCallback: function (msg, err) {
          console.error("KaTeX could not typeset notebook math: " + msg + " " + err);
        }
      });
      el.setAttribute("data-katex", "done");
    });
  }

  function typeset() {
    if (typeof katex === "undefined") {
      console.error("KaTeX is not loaded: math cannot be typeset");
      return;
    }
    var start = performance.now();
    var before = document.querySelectorAll(".katex").length;
    typesetArithmatex(document);
    typesetNotebooks(document);
    // Read by the benchmark (make bench): total time spent typesetting on this
    // page, and when the last formula was done (calls that find nothing new add ~0).
    var spent = performance.now() - start;
    var previous = window.__bookTypeset || { ms: 0, at: 0 };
    window.__bookTypeset = {
      ms: previous.ms + spent,
      at: document.querySelectorAll(".katex").length > before ? performance.now() : previous.at
    };
    document.dispatchEvent(new CustomEvent("book:typeset"));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", typeset);
  } else {
    typeset();
  }
  // Instant navigation swaps the page without reloading scripts.
  if (typeof document$ !== "undefined" && document$.subscribe) {
    document$.subscribe(typeset);
  }
})();

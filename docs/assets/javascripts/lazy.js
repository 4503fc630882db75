/* Scripts that only some pages need, loaded only on those pages.
 *
 * Every page loads the book's small scripts (mkdocs.yml's extra_javascript). A script
 * that serves one kind of element (the B3 shape calculator, a practice box) is listed
 * in NEEDS instead: on first load and after every instant-navigation page swap, each
 * entry whose CSS selector matches an element of the page has its scripts added, in
 * order, once per visit (a script stays loaded across page swaps, so it must set itself
 * up on Material's document$, as shape-calculator-ui.js does). Scripts rather than
 * fetch, so the copy read from file:// (make build-offline) works the same way.
 *
 * To opt a script in: put it in docs/assets/javascripts/, leave it out of
 * extra_javascript, and add an entry here, e.g.
 *   { selector: ".practice", scripts: ["practice-rng.js", "practice.js"] }
 * tests/test_browser_perf.py checks that each entry's scripts load where its selector
 * matches and nowhere else.
 */
(function () {
  "use strict";
  var NEEDS = [
    { selector: ".shape-calculator", scripts: ["shape-calculator.js", "shape-calculator-ui.js"] },
    // practice blocks (issue 19): the seeded generator, the kind's generator, then the UI
    { selector: '.practice[data-practice="a2"]', scripts: ["practice-rng.js", "practice-a2.js", "practice.js"] },
    { selector: '.practice[data-practice="b1"]', scripts: ["practice-rng.js", "practice-b1.js", "practice.js"] },
    { selector: '.practice[data-practice="b3"]', scripts: ["practice-rng.js", "shape-calculator.js", "practice-b3.js", "practice.js"] },
    { selector: '.practice[data-practice="d"]', scripts: ["practice-rng.js", "practice-d.js", "practice.js"] }
  ];
  window.bookLazyScripts = NEEDS;  // for the tests

  // The folder of the book's scripts, from this script's own address.
  var DIR = (document.currentScript && document.currentScript.src || "").replace(/lazy\.js(\?.*)?$/, "");
  var added = {};  // url → true once its <script> is in the document

  function add(url) {
    if (added[url]) return;
    added[url] = true;
    var s = document.createElement("script");
    s.src = url;
    s.async = false;  // added scripts run in the order they were added
    s.onerror = function () { delete added[url]; console.error("book: could not load " + url); };
    document.body.appendChild(s);
  }

  function apply() {
    NEEDS.forEach(function (need) {
      if (document.querySelector(need.selector)) {
        need.scripts.forEach(function (name) { add(DIR + name); });
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", apply); else apply();
  if (typeof document$ !== "undefined" && document$.subscribe) document$.subscribe(apply);
})();

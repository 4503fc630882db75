/* Small accessibility fixes to the theme's markup, applied on every page
 * (first load and each instant-navigation swap).
 *  - A region that scrolls sideways (a wide formula, a notebook code cell) must be
 *    reachable by keyboard: it gets tabindex="0" (axe: scrollable-region-focusable).
 *    That covers wide tables too, which the theme wraps in .md-typeset__scrollwrap. */
(function () {
  "use strict";
  function fix() {
    document.querySelectorAll(".md-typeset__scrollwrap, div.arithmatex, .jupyter-wrapper .highlight-ipynb, .jupyter-wrapper .highlight-ipynb pre, .jupyter-wrapper .jp-OutputArea-output pre").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "0");
    });
  }
  /* Measuring a region forces a layout of the page, which on a long page is a long task:
   * the triggers below (page ready or swapped, fonts loaded, load) are coalesced into one
   * measurement in the next idle moment (within 200 ms). */
  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    var run = function () { pending = false; fix(); };
    if (window.requestIdleCallback) window.requestIdleCallback(run, { timeout: 200 }); else setTimeout(run, 50);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", schedule); else schedule();
  if (typeof document$ !== "undefined" && document$.subscribe) document$.subscribe(schedule);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(schedule);  // and once their fonts load
  window.addEventListener("load", schedule);
})();

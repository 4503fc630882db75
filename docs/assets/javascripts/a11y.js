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
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fix); else fix();
  if (typeof document$ !== "undefined" && document$.subscribe) document$.subscribe(fix);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(fix);  // and once their fonts load
  window.addEventListener("load", fix);
})();

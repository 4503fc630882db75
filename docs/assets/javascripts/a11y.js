/* Small accessibility fixes to the theme's markup, applied on every page
 * (first load and each instant-navigation swap).
 *  - A region that scrolls sideways (a wide formula, a notebook code cell) must be
 *    reachable by keyboard: it gets tabindex="0" (axe: scrollable-region-focusable).
 *    That covers wide tables too, which the theme wraps in .md-typeset__scrollwrap.
 *    A region in a block skipped off screen is measured once the block is shown. */
(function () {
  "use strict";
  var REGIONS = ".md-typeset__scrollwrap, div.arithmatex, .jupyter-wrapper .highlight-ipynb, .jupyter-wrapper .highlight-ipynb pre, .jupyter-wrapper .jp-OutputArea-output pre";
  /* A region in a block the browser skips while it is off screen (book.css: content-visibility:
   * auto) is not measured: measuring inside it would lay the block out, the cost the skipping
   * saves. It is made focusable until it is shown (a tool such as axe-core may bring it on
   * screen at any moment); once shown it is measured, and keeps tabindex only if it scrolls. */
  function skipped(el) {
    return el.checkVisibility ? !el.checkVisibility({ contentVisibilityAuto: true }) : false;
  }
  function fix() {
    document.querySelectorAll(REGIONS).forEach(function (el) {
      var provisional = el.dataset.bookTab === "unmeasured";
      if (el.hasAttribute("tabindex") && !provisional) return;
      if (skipped(el)) {
        if (!provisional) { el.setAttribute("tabindex", "0"); el.dataset.bookTab = "unmeasured"; }
        return;
      }
      // A skipped block reports its guessed size, not its content's: measured only once shown.
      if (el.scrollWidth > el.clientWidth + 1 || isSkipping(el)) el.setAttribute("tabindex", "0");
      else el.removeAttribute("tabindex");
      if (isSkipping(el)) el.dataset.bookTab = "unmeasured"; else delete el.dataset.bookTab;
    });
  }
  /* The region is itself a skipped block (a display formula among the answer's blocks). */
  function isSkipping(el) {
    var first = el.firstElementChild;
    return !!first && skipped(first);
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
  // A skipped block that comes on screen (it does not bubble: caught on the way down).
  document.addEventListener("contentvisibilityautostatechange", function (e) { if (!e.skipped) schedule(); }, true);
})();

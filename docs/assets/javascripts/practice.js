/* Practice blocks: a fresh, seeded variant of a chapter's question on request.
 *
 * Every <div class="practice" data-practice="KIND"> becomes a prompt, one answer box
 * per question (a <label for>, an input, a Check button, a live message), "New
 * variant", "Show solution" and a tally. The variant comes from the generator
 * window.BookPractice.kinds[KIND] (practice-<kind>.js, see the contract in
 * PRACTICE.md): generate(seed) -> {prompt, questions, solution}, in both languages.
 *
 *  - A seed in the page address (?practice-KIND=SEED) gives its variant, so a link or a
 *    reload gives the same one; "New variant" writes its seed there, and the block's own
 *    link always names the variant shown. A bad seed gives a clear note and a new variant.
 *  - Typed answers are read by the self-check parser of study.js
 *    (window.bookSelfCheckParse), so the messages for bad input are the same.
 *  - The tally (right at the first try, of the questions tried) is kept per kind in
 *    localStorage, in this browser only. A question whose solution was shown before
 *    it was answered is not counted.
 *
 * On a page without a .practice block this does nothing. It runs on first load and
 * after every instant-navigation page swap; BookPractice.refresh() runs it again
 * (for a script loader that adds the kinds later).
 */
(function () {
  "use strict";
  var registry = window.BookPractice = window.BookPractice || { kinds: {} };
  registry.kinds = registry.kinds || {};

  function T() {
    return window.bookText ? window.bookText.apply(null, arguments) : String(arguments[0]);
  }
  function lang() { return window.bookLang ? window.bookLang() : "en"; }
  function local(texts) { return texts[lang()] || texts.en || ""; }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* ---- the seed in the address ---- */
  function seedParam(kind) { return "practice-" + kind; }
  function seedUrl(kind, seed) {
    var url = new URL(location.href);
    url.searchParams.set(seedParam(kind), String(seed));
    return url;
  }
  function writeSeed(kind, seed) {
    try {
      history.replaceState(history.state, "", seedUrl(kind, seed).href);
    } catch (e) { /* file:// in some browsers: the variant still works, unshared */ }
  }

  /* ---- the tally, per kind ---- */
  function tallyKey(kind) { return "book.practice.tally." + kind; }
  function readTally(kind) {
    try {
      var t = JSON.parse(localStorage.getItem(tallyKey(kind)) || "{}");
      return { right: t.right >>> 0, tried: t.tried >>> 0 };
    } catch (e) { return { right: 0, tried: 0 }; }
  }
  function writeTally(kind, t) {
    try { localStorage.setItem(tallyKey(kind), JSON.stringify(t)); } catch (e) { /* private mode */ }
  }

  /* ---- answers: the normal form of the parser, for comparison ---- */
  function normal(accepts, value) {
    if (value === "error") return "error";
    if (Array.isArray(value)) return "(" + value.join(", ") + (value.length === 1 ? "," : "") + ")";
    if (accepts === "number") return Number(value);
    return String(value);
  }
  function same(accepts, a, b, tolerance) {
    if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= (tolerance || 0) + 1e-12;
    return a === b;
  }
  function shown(value) { return value === "error" ? T("practice.error") : String(value); }

  /* ---- one block ---- */
  function setup(block) {
    if (block.dataset.ready) return;
    var kind = block.dataset.practice || "";
    var gen = registry.kinds[kind];
    if (!gen || typeof gen.generate !== "function") {
      block.textContent = "";
      block.appendChild(el("p", "practice__notice", T("practice.no_engine", kind)));
      return;
    }
    var Rng = window.BookPracticeRng;
    block.dataset.ready = "true";
    block.textContent = "";
    var id = block.id || (block.id = "practice-" + kind);

    var title = el("p", "practice__title");
    var name = el("strong");
    var link = el("a", "practice__link", T("practice.link"));
    title.appendChild(name);
    title.appendChild(document.createTextNode(" · "));
    title.appendChild(link);
    var notice = el("p", "practice__notice");
    notice.setAttribute("role", "status");
    var body = el("div", "practice__body");
    var actions = el("p", "practice__actions");
    var fresh = el("button", "md-button", T("practice.new"));
    var toggle = el("button", "md-button", T("practice.show"));
    fresh.type = toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", id + "-solution");
    actions.appendChild(fresh);
    actions.appendChild(toggle);
    var solution = el("div", "practice__solution");
    solution.id = id + "-solution";
    solution.hidden = true;
    var tally = el("p", "practice__tally");
    var tallyText = el("span");
    tallyText.setAttribute("aria-live", "polite");
    var reset = el("button", "md-button practice__reset", T("practice.reset"));
    reset.type = "button";
    tally.appendChild(tallyText);
    tally.appendChild(document.createTextNode(" "));
    tally.appendChild(reset);
    [title, notice, body, actions, solution, tally].forEach(function (n) { block.appendChild(n); });

    var state = {};  // question id -> "right" | "wrong" (first valid answer) | "seen" (solution shown first)
    function showTally() {
      var t = readTally(kind);
      tallyText.textContent = T("practice.tally", t.right, t.tried);
    }
    function count(qid, right) {
      if (state[qid]) return;
      state[qid] = right ? "right" : "wrong";
      var t = readTally(kind);
      t.tried += 1;
      if (right) t.right += 1;
      writeTally(kind, t);
      showTally();
    }

    function question(q, index) {
      var box = el("div", "practice__q");
      var inputId = id + "-" + q.id;
      var label = el("label", null, local(q.label));
      label.setAttribute("for", inputId);
      var row = el("div", "practice__row");
      var input = el("input");
      input.id = inputId;
      input.type = "text";
      input.autocomplete = "off";
      input.spellcheck = false;
      input.dir = "ltr";  // numbers and shapes, also in the Hebrew edition
      input.placeholder = T(q.accepts === "int" ? "practice.ph.int" : q.accepts === "number" ? "practice.ph.number"
        : "practice.ph.shape");
      var button = el("button", "md-button", T("check.button"));
      button.type = "button";
      button.setAttribute("aria-describedby", inputId + "-msg");
      var message = el("p", "practice__message");
      message.id = inputId + "-msg";
      message.setAttribute("role", "status");
      message.setAttribute("aria-live", "polite");
      var expected = normal(q.accepts, q.answer.type === "error" ? "error" : q.answer.value);
      var tolerance = q.answer.tolerance || 0;
      function check() {
        var parsed = window.bookSelfCheckParse(q.accepts, input.value);
        box.classList.remove("is-right", "is-wrong", "is-invalid");
        if (parsed.error) {
          box.classList.add("is-invalid");
          message.textContent = parsed.error;
          return;
        }
        if (same(q.accepts, parsed.value, expected, tolerance)) {
          box.classList.add("is-right");
          message.textContent = T("check.right", shown(parsed.value));
          count(q.id, true);
          return;
        }
        box.classList.add("is-wrong");
        var hint = null;
        (q.hints || []).forEach(function (h) {
          if (!hint && same(q.accepts, parsed.value, normal(q.accepts, h.value), tolerance)) hint = local(h.text);
        });
        message.textContent = T("check.wrong", shown(parsed.value)) + " " + (hint || T("check.again"));
        count(q.id, false);
      }
      button.addEventListener("click", check);
      input.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); check(); } });
      box.dataset.question = q.id;
      box.dataset.index = String(index);
      row.appendChild(input);
      row.appendChild(button);
      box.appendChild(label);
      box.appendChild(row);
      box.appendChild(message);
      return box;
    }

    function show(seed, retried) {
      var variant;
      try {
        variant = gen.generate(seed);
      } catch (e) {  // a bug in a generator: say so, and try one other seed
        console.error("practice " + kind + ": generate(" + seed + ") failed", e);
        notice.textContent = T("practice.failed", seed);
        if (!retried) show(Rng.freshSeed(), true);
        return;
      }
      state = {};
      name.textContent = T("practice.name", seed);
      link.href = seedUrl(kind, seed).href.replace(/#.*$/, "") + "#" + id;
      block.dataset.seed = String(seed);
      body.textContent = "";
      var prompt = el("div", "practice__prompt");
      prompt.innerHTML = local(variant.prompt);  // HTML made by the generator only, never from the reader
      body.appendChild(prompt);
      variant.questions.forEach(function (q, i) { body.appendChild(question(q, i)); });
      solution.textContent = "";
      solution.appendChild(el("p", "practice__solution-title", T("practice.solution")));
      var steps = el("ol");
      variant.solution.forEach(function (step) {
        var li = el("li");
        li.innerHTML = local(step);
        steps.appendChild(li);
      });
      solution.appendChild(steps);
      setSolution(false);
    }
    function setSolution(open) {
      solution.hidden = !open;
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      toggle.textContent = T(open ? "practice.hide" : "practice.show");
      if (open) {
        body.querySelectorAll(".practice__q").forEach(function (box) {
          if (!state[box.dataset.question]) state[box.dataset.question] = "seen";
        });
      }
    }

    fresh.addEventListener("click", function () {
      notice.textContent = "";
      show(Rng.freshSeed());
      writeSeed(kind, Number(block.dataset.seed));  // asked for: the address now names it, to share
    });
    toggle.addEventListener("click", function () { setSolution(solution.hidden); });
    reset.addEventListener("click", function () {
      writeTally(kind, { right: 0, tried: 0 });
      showTally();
      notice.textContent = T("practice.reset.done");
    });

    var raw = new URL(location.href).searchParams.get(seedParam(kind));
    var seed = raw === null ? null : Rng.parseSeed(raw);
    if (raw !== null && seed === null) notice.textContent = T("practice.bad_seed", raw, Rng.MAX_SEED);
    show(seed === null ? Rng.freshSeed() : seed);
    // An address that names a seed keeps naming the variant shown (a bad one is replaced);
    // a plain chapter address is left as it is: the block's own link names the variant.
    if (raw !== null) writeSeed(kind, Number(block.dataset.seed));
    showTally();
  }

  function apply() {
    document.querySelectorAll(".practice[data-practice]").forEach(setup);
  }
  registry.refresh = apply;

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", apply); else apply();
  if (typeof document$ !== "undefined" && document$.subscribe) document$.subscribe(apply);
})();

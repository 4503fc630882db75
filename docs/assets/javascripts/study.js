/* Study mode and exam mode, and the self-check boxes.
 *
 * Exam mode (a switch in the header, remembered in localStorage across pages and
 * visits) hides every chapter's answer — the part from "The exam answer" on, which
 * the build wraps in <div class="book-answers"> — behind a "try it first" panel
 * with a reveal button, and drops their entries from the table of contents.
 * Study mode shows everything. Without JavaScript nothing is
 * hidden: the answers are simply shown.
 *
 * A self-check box (<div class="self-check" data-kind="int|shape" data-expected="…">)
 * becomes a labelled input, a Check button and a message: right, wrong (with a
 * hint for the usual mistakes, given in data-hints as JSON {answer: hint}), or a
 * clear note when the input cannot be read. The expected answers are rendered
 * into the page from the book's code at build time, never typed twice.
 *
 * Both run on first load and after every instant-navigation page swap.
 */
(function () {
  "use strict";
  var KEY = "book.examMode";
  /* Interface text in the page's language (i18n.js). */
  function T(key) {
    return window.bookText ? window.bookText.apply(null, arguments) : key;
  }

  function examMode() {
    try { return localStorage.getItem(KEY) === "on"; } catch (e) { return false; }
  }
  function setExamMode(on) {
    try { localStorage.setItem(KEY, on ? "on" : "off"); } catch (e) { /* private mode: not remembered */ }
    apply();
  }

  /* ---- the header switch ---- */
  function ensureToggle() {
    var header = document.querySelector(".md-header__inner");
    if (!header) return;
    var button = header.querySelector(".book-mode-toggle");
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "md-header__button book-mode-toggle";
      var anchor = header.querySelector("form.md-header__option, .md-search") || null;
      header.insertBefore(button, anchor);
    }
    // The build writes the button into the header (book/header.py), so the header has its
    // final size at first paint; here it gets its behaviour, once.
    if (!button.dataset.ready) {
      button.dataset.ready = "true";
      button.addEventListener("click", function () { setExamMode(!examMode()); });
    }
    var on = examMode();
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = T(on ? "exam.on" : "exam.off");
    button.title = T(on ? "exam.on.title" : "exam.off.title");
  }

  /* ---- hiding and revealing answers ---- */
  function applyAnswers() {
    var on = examMode();
    document.querySelectorAll(".book-answers").forEach(function (answers) {
      var panel = answers.previousElementSibling;
      if (!panel || !panel.classList.contains("book-reveal")) {
        panel = document.createElement("div");
        panel.className = "book-reveal admonition question";
        panel.innerHTML =
          '<p class="admonition-title"></p><p></p>' +
          '<p><button type="button" class="md-button md-button--primary"></button></p>';
        panel.querySelector(".admonition-title").textContent = T("exam.panel.title");
        panel.querySelectorAll("p")[1].textContent = T("exam.panel.text");
        panel.querySelector("button").textContent = T("exam.reveal");
        panel.querySelector("button").addEventListener("click", function () {
          answers.dataset.revealed = "true";
          applyAnswers();
          var first = answers.querySelector("h2, h3");
          if (first) { first.setAttribute("tabindex", "-1"); first.focus(); }
        });
        answers.parentNode.insertBefore(panel, answers);
      }
      var hide = on && answers.dataset.revealed !== "true";
      answers.hidden = hide;
      panel.hidden = !hide;
      applyToc(answers, hide);
    });
  }

  /* The table of contents (desktop sidebar and the mobile drawer) lists every heading;
   * while the answers are hidden, so are their entries — the TOC must not give them away. */
  function applyToc(answers, hide) {
    answers.querySelectorAll("h2[id], h3[id], h4[id]").forEach(function (heading) {
      document.querySelectorAll(".md-nav--secondary a.md-nav__link").forEach(function (link) {
        // The href may be "#id" or, once the page's scripts have run, an absolute URL ending in it.
        var href = link.getAttribute("href") || "";
        if (href.slice(href.indexOf("#") + 1) !== heading.id || href.indexOf("#") < 0) return;
        var item = link.closest(".md-nav__item") || link;
        item.hidden = hide;
        item.style.display = hide ? "none" : "";
        item.classList.toggle("book-toc-hidden", hide);
      });
    });
  }

  /* ---- self-check boxes ---- */
  /* The one parser of typed answers, shared by the self-check boxes and the practice
   * blocks (practice.js). kind: "int" | "shape" | "shape-or-error" | "number".
   * Returns {value} (a normal form: "1234", "(3, 4)", "error", or a Number) or
   * {error: message in the page's language}. "error" (Hebrew "שגיאה") is read only
   * where the kind allows it. */
  var ERROR_WORDS = ["error", "\u05e9\u05d2\u05d9\u05d0\u05d4"];
  function parseAnswer(kind, raw) {
    var text = String(raw === undefined || raw === null ? "" : raw).trim();
    if (text === "") return { error: T("check.empty") };
    if (kind === "int") {
      var plain = text.replace(/[,\s_]/g, "");
      if (!/^[0-9]+$/.test(plain)) return { error: T("check.digits") };
      return { value: String(parseInt(plain, 10)) };
    }
    if (kind === "number") {
      var num = text.replace(/\s/g, "").replace(/\u2212/g, "-");
      if (/^[+-]?[0-9]+,[0-9]+$/.test(num)) num = num.replace(",", ".");  // a decimal comma
      if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?$/i.test(num)) return { error: T("check.number") };
      return { value: Number(num) };
    }
    if (kind === "shape-or-error" && ERROR_WORDS.indexOf(text.toLowerCase()) >= 0) return { value: "error" };
    if (kind === "shape" || kind === "shape-or-error") {
      var inner = text.replace(/^[\[(]|[\])]$/g, "").replace(/torch\.Size\(\[|\]\)/g, "").trim();
      if (/[×x*]/i.test(inner) && !/,/.test(inner)) inner = inner.replace(/\s*[×x*]\s*/gi, ",");
      if (!/,/.test(inner)) {
        if (/^\s*[0-9]+\s*,?\s*$/.test(inner)) inner = inner.replace(/,?\s*$/, "");
        else return { error: T(kind === "shape" ? "check.commas" : "check.commas_or_error") };
      }
      var parts = inner.split(",").map(function (p) { return p.trim(); }).filter(function (p) { return p !== ""; });
      for (var i = 0; i < parts.length; i++) {
        if (!/^([0-9]+|[a-zA-Z])$/.test(parts[i])) {
          return { error: T("check.size", parts[i]) };
        }
      }
      return { value: "(" + parts.join(", ") + (parts.length === 1 ? "," : "") + ")" };
    }
    return { error: T("check.kind", kind) };
  }

  function setupSelfCheck(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "true";
    var id = box.id || ("self-check-" + Math.random().toString(36).slice(2, 8));
    box.id = id;
    var label = document.createElement("label");
    label.setAttribute("for", id + "-input");
    label.textContent = box.dataset.label || T("check.label");
    var input = document.createElement("input");
    input.id = id + "-input";
    input.type = "text";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.dir = "ltr";  // numbers and shapes, also in the Hebrew edition
    input.placeholder = box.dataset.placeholder || "";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-button";
    button.textContent = T("check.button");
    var message = document.createElement("p");
    message.className = "self-check__message";
    message.setAttribute("role", "status");
    message.setAttribute("aria-live", "polite");
    // Hints are keyed by a wrong answer in any accepted spelling; normalise the keys.
    var hints = {};
    try {
      var given = JSON.parse(box.dataset.hints || "{}");
      Object.keys(given).forEach(function (key) {
        var norm = parseAnswer(box.dataset.kind, key);
        if (norm.value) hints[norm.value] = given[key];
        else console.error("self-check " + box.id + ": hint key " + JSON.stringify(key) + " is not a valid answer");
      });
    } catch (e) {
      console.error("self-check " + box.id + ": data-hints is not valid JSON");
    }

    function check() {
      var parsed = parseAnswer(box.dataset.kind, input.value);
      box.classList.remove("is-right", "is-wrong", "is-invalid");
      if (parsed.error) {
        box.classList.add("is-invalid");
        message.textContent = parsed.error;
        return;
      }
      var expected = parseAnswer(box.dataset.kind, box.dataset.expected || "").value;
      if (parsed.value === expected) {
        box.classList.add("is-right");
        message.textContent = T("check.right", parsed.value);
      } else {
        box.classList.add("is-wrong");
        var hint = hints[parsed.value];
        message.textContent = T("check.wrong", parsed.value) + " " + (hint || T("check.again"));
      }
    }
    button.addEventListener("click", check);
    input.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); check(); } });
    var row = document.createElement("div");
    row.className = "self-check__row";
    row.appendChild(input);
    row.appendChild(button);
    box.appendChild(label);
    box.appendChild(row);
    box.appendChild(message);
  }

  function apply() {
    ensureToggle();
    applyAnswers();
    document.querySelectorAll(".self-check").forEach(setupSelfCheck);
  }

  // For the tests and for curious readers: the parser the boxes use.
  window.bookSelfCheckParse = parseAnswer;

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", apply); else apply();
  if (typeof document$ !== "undefined" && document$.subscribe) document$.subscribe(apply);
  window.addEventListener("storage", function (e) { if (e.key === KEY) apply(); });
})();

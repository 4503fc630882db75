/* Search in the header: a button (and the keys / s f) opens a dialog that searches the
 * page's edition only.
 *
 * A page load fetches nothing for search but this file: the engine (search-engine.js)
 * and the edition's index (search/index.<lang>.js, built by book/search_index.py) are
 * added as scripts the first time the reader opens search. Scripts rather than fetch,
 * so that the copy read from file:// (make build-offline) searches the same way.
 * Results are plain links: instant navigation follows them without a reload.
 * Keys in the dialog: ↓/↑ move between the input and the results, Enter opens the
 * first (or the focused) result, Escape closes.
 */
(function () {
  "use strict";
  var TEXT = {
    en: { open: "Search", name: "Search the book", placeholder: "Search", loading: "Loading the index\u2026",
          none: "Nothing found.", one: "1 page", many: "{0} pages", failed: "The search index could not be loaded.",
          close: "Close search" },
    he: { open: "חיפוש", name: "חיפוש בספר",
          placeholder: "חיפוש", loading: "טוענים את האינדקס\u2026",
          none: "לא נמצא דבר.", one: "עמוד אחד", many: "{0} עמודים",
          failed: "לא הצלחנו לטעון את אינדקס החיפוש.",
          close: "סגירת החיפוש" }
  };
  window.bookSearchText = TEXT;  // for tests: both languages have every text
  var LIMIT = 10;
  var ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true" focusable="false">' +
    '<path d="M9.5 3A6.5 6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 6.52 0 0 1 9.5 16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5"/></svg>';

  // The site root, from this script's own address (…/assets/javascripts/search.js).
  var ROOT = (document.currentScript && document.currentScript.src || "").replace(/assets\/javascripts\/search\.js(\?.*)?$/, "");

  function lang() {
    var l = (document.documentElement.getAttribute("lang") || "en").slice(0, 2);
    return TEXT[l] ? l : "en";
  }
  function t(key, value) { return TEXT[lang()][key].replace("{0}", value); }

  var loads = {};  // url → Promise
  function loadScript(url) {
    if (!loads[url]) {
      loads[url] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = url;
        s.onload = resolve;
        s.onerror = function () { delete loads[url]; reject(new Error("could not load " + url)); };
        document.head.appendChild(s);
      });
    }
    return loads[url];
  }
  var indexes = {};  // lang → Index
  function getIndex(l) {
    if (indexes[l]) return Promise.resolve(indexes[l]);
    return loadScript(ROOT + "assets/javascripts/search-engine.js").then(function () {
      return loadScript(ROOT + "search/index." + l + ".js");
    }).then(function () {
      var data = window.__bookSearchIndex && window.__bookSearchIndex[l];
      if (!data) throw new Error("search/index." + l + ".js defines no index for " + l);
      indexes[l] = new window.bookSearchEngine.Index(data);
      return indexes[l];
    });
  }

  var dialog, input, status, list, opener, lastQuery = null;

  function build() {
    dialog = document.createElement("div");
    dialog.className = "book-search";
    dialog.hidden = true;
    dialog.innerHTML =
      '<div class="book-search__backdrop"></div>' +
      '<div class="book-search__panel" role="dialog" aria-modal="true">' +
      '  <div class="book-search__bar">' + ICON +
      '    <input class="book-search__input" type="search" autocomplete="off" autocorrect="off" autocapitalize="off" spellcheck="false" enterkeyhint="go">' +
      '    <button class="book-search__close" type="button">\u00d7</button>' +
      '  </div>' +
      '  <p class="book-search__status" role="status" aria-live="polite"></p>' +
      '  <ol class="book-search__results"></ol>' +
      '</div>';
    input = dialog.querySelector(".book-search__input");
    status = dialog.querySelector(".book-search__status");
    list = dialog.querySelector(".book-search__results");
    dialog.querySelector(".book-search__backdrop").addEventListener("click", close);
    dialog.querySelector(".book-search__close").addEventListener("click", close);
    input.addEventListener("input", run);
    input.addEventListener("keyup", run);  // a Hebrew keyboard may send only key events
    dialog.addEventListener("keydown", onKey);
    list.addEventListener("click", function (e) {
      if (e.target instanceof Element && e.target.closest("a")) close(true);
    });
    document.body.appendChild(dialog);
  }

  function labels() {
    dialog.querySelector(".book-search__panel").setAttribute("aria-label", t("name"));
    input.setAttribute("aria-label", t("name"));
    input.placeholder = t("placeholder");
    var c = dialog.querySelector(".book-search__close");
    c.setAttribute("aria-label", t("close"));
    c.title = t("close");
  }

  function open() {
    if (!dialog || !document.body.contains(dialog)) build();
    labels();
    dialog.hidden = false;
    document.documentElement.classList.add("book-search-open");
    input.focus();
    input.select();
    var l = lang();
    if (!indexes[l]) status.textContent = t("loading");
    getIndex(l).then(function () { lastQuery = null; run(); }, function (err) {
      status.textContent = t("failed");
      console.error("book search: " + err.message);
    });
  }

  function close(keepFocus) {
    if (!dialog || dialog.hidden) return;
    // Hidden, the input would keep the focus until the browser's next rendering step, and a
    // shortcut key pressed before then would be typed into it instead of reopening search.
    if (dialog.contains(document.activeElement)) document.activeElement.blur();
    dialog.hidden = true;
    document.documentElement.classList.remove("book-search-open");
    if (keepFocus !== true && opener && document.body.contains(opener)) opener.focus();
  }

  function run() {
    var index = indexes[lang()];
    if (!index) return;
    var q = input.value.trim();
    if (q === lastQuery) return;
    lastQuery = q;
    list.textContent = "";
    dialog.setAttribute("data-query", q);  // which query the list shows (tests wait on it)
    if (!q) { status.textContent = ""; return; }
    var results = index.search(q, LIMIT);
    status.textContent = results.length ? (results.length === 1 ? t("one") : t("many", results.length)) : t("none");
    results.forEach(function (r) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.className = "book-search__result";
      a.href = ROOT + r.url;
      var title = document.createElement("span");
      title.className = "book-search__title";
      title.textContent = r.title;
      var text = document.createElement("span");
      text.className = "book-search__excerpt";
      r.excerpt.forEach(function (part) {
        if (part[1]) {
          var m = document.createElement("mark");
          m.textContent = part[0];
          text.appendChild(m);
        } else text.appendChild(document.createTextNode(part[0]));
      });
      a.appendChild(title);
      a.appendChild(text);
      li.appendChild(a);
      list.appendChild(li);
    });
  }

  function onKey(e) {
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    var at = links.indexOf(document.activeElement);
    if (e.key === "Escape") { e.preventDefault(); close(); }
    else if (e.key === "ArrowDown" && links.length) {
      e.preventDefault();
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (e.key === "ArrowUp" && at >= 0) {
      e.preventDefault();
      if (at === 0) input.focus(); else links[at - 1].focus();
    } else if (e.key === "Enter" && document.activeElement === input && links.length) {
      e.preventDefault();
      links[0].click();
    } else if (e.key === "Tab") {  // keep focus inside the dialog
      var focusable = [input, dialog.querySelector(".book-search__close")].concat(links);
      var i = focusable.indexOf(document.activeElement);
      if (e.shiftKey && i <= 0) { e.preventDefault(); focusable[focusable.length - 1].focus(); }
      else if (!e.shiftKey && i === focusable.length - 1) { e.preventDefault(); focusable[0].focus(); }
    }
  }

  function editable(el) {
    return el instanceof Element && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || editable(e.target)) return;
    if ((e.key === "/" || e.key === "s" || e.key === "f") && (!dialog || dialog.hidden)) {
      e.preventDefault();
      opener = document.activeElement;
      open();
    }
  });

  // The header button: written into the page by the build (book/header.py, so the header
  // has its final size at first paint), else added here; given its behaviour once per page
  // (the header survives instant navigation).
  function addButton() {
    var header = document.querySelector(".md-header__inner");
    if (!header) return;
    var button = header.querySelector(".book-search__open");
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "md-header__button book-search__open";
      button.setAttribute("aria-label", t("name"));
      button.title = t("name") + " (/)";
      button.innerHTML = ICON + '<span class="book-search__open-label" aria-hidden="true"></span>';
      button.querySelector(".book-search__open-label").textContent = t("open");
      var source = header.querySelector(".md-header__source");
      header.insertBefore(button, source || null);
    }
    if (button.dataset.ready) return;
    button.dataset.ready = "true";
    button.addEventListener("click", function () { opener = button; open(); });
  }
  function apply() { addButton(); close(true); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", apply); else apply();
  if (typeof document$ !== "undefined" && document$.subscribe) document$.subscribe(apply);
  window.bookSearch = { open: open, close: close };
})();

/* The book's search engine: tokens, Hebrew normalisation, an inverted index, ranking, excerpts.
 *
 * Loaded by search.js only when the reader opens search, with the edition's index
 * (search/index.<lang>.js, written by book/search_index.py). Also a Node module, so that
 * tests/test_search_normalise.py checks the normalisation without a browser.
 *
 * Hebrew attaches the prepositions and conjunctions ו ה ב ל מ ש כ to the next word
 * ("ונורמה", "בשארית", "שהערוצים"), and writes five letters differently at the end of a
 * word (ם ן ץ ף ך). So a Hebrew token is folded (no points, final letters → normal
 * forms) and expanded into its variants: the word, and the word without 1, 2 or 3
 * leading prefix letters, as long as 2 letters of stem remain. The index holds every
 * variant of every word of a page, and a query word matches a page when one of its own
 * variants is there: a prefixed query finds the bare word, a bare query finds a page that
 * only has prefixed forms. Matches of unstripped forms rank above stripped ones.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.bookSearchEngine = api;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var FINALS = { "\u05da": "\u05db", "\u05dd": "\u05de", "\u05df": "\u05e0", "\u05e3": "\u05e4", "\u05e5": "\u05e6" };
  var PREFIXES = "\u05d5\u05d4\u05d1\u05dc\u05de\u05e9\u05db"; // ו ה ב ל מ ש כ
  var MAX_PREFIX = 3;
  var MIN_STEM = 2;
  // A token: letters, digits and the underscore (RNNCell, hidden_size, 3x3). The Hebrew
  // hyphen (maqaf), apostrophes and everything else separate tokens.
  var TOKEN = /[\p{L}\p{M}\p{N}_]+/gu;
  var HEBREW = /^[\u05d0-\u05ea]+$/;

  /* One token, folded: lower case, no Hebrew points or cantillation, final letters → normal forms. */
  function fold(token) {
    return token.toLowerCase().replace(/[\u0591-\u05c7]/g, "").replace(/[\u05da\u05dd\u05df\u05e3\u05e5]/g, function (c) {
      return FINALS[c];
    });
  }

  /* The variants of a folded token: [[form, letters stripped], …], the token itself first. */
  function variants(folded) {
    var out = [[folded, 0]];
    if (!HEBREW.test(folded)) return out;
    for (var k = 1; k <= MAX_PREFIX && folded.length - k >= MIN_STEM; k++) {
      if (PREFIXES.indexOf(folded.charAt(k - 1)) < 0) break;
      out.push([folded.slice(k), k]);
    }
    return out;
  }

  /* The tokens of a text, in order: [{raw, folded, start, end}]. */
  function tokens(text) {
    var out = [], m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      var folded = fold(m[0]);
      if (folded) out.push({ raw: m[0], folded: folded, start: m.index, end: m.index + m[0].length });
    }
    return out;
  }

  /* Normalised forms of a word as the index holds them (for tests): the variants' forms. */
  function normalise(word) {
    return variants(fold(word)).map(function (v) { return v[0]; });
  }

  var TITLE_WEIGHT = 5;

  /* Build an index from {lang, pages: [{u, t, x}]}. */
  function Index(data) {
    if (!data || !Array.isArray(data.pages)) throw new Error("bookSearchEngine: an index needs {pages: [...]}");
    this.lang = data.lang;
    this.pages = data.pages;
    this.postings = new Map(); // form → Map(page number → weight)
    for (var p = 0; p < this.pages.length; p++) {
      this._add(p, this.pages[p].t || "", TITLE_WEIGHT);
      this._add(p, this.pages[p].x || "", 1);
    }
    this.forms = Array.from(this.postings.keys());
  }
  Index.prototype._add = function (p, text, weight) {
    var toks = tokens(text);
    for (var i = 0; i < toks.length; i++) {
      var vs = variants(toks[i].folded);
      for (var j = 0; j < vs.length; j++) {
        var postings = this.postings.get(vs[j][0]);
        if (!postings) this.postings.set(vs[j][0], (postings = new Map()));
        postings.set(p, (postings.get(p) || 0) + weight / (1 + vs[j][1]));
      }
    }
  };

  /* The forms a query token looks up: [[form, weight]]. The last token of a query, still
   * being typed, also matches the forms it begins (weight halved). */
  Index.prototype._queryForms = function (folded, isLast) {
    var seen = new Map();
    var vs = variants(folded), forms = this.forms;
    vs.forEach(function (v) {
      var w = 1 / (1 + v[1]);
      if (!(seen.get(v[0]) >= w)) seen.set(v[0], w);
    });
    if (isLast) {
      vs.forEach(function (v) {
        if (v[0].length < (v[1] ? 3 : 2)) return;
        var w = 0.5 / (1 + v[1]);
        for (var i = 0; i < forms.length; i++) {
          var f = forms[i];
          if (f.length > v[0].length && f.lastIndexOf(v[0], 0) === 0 && !(seen.get(f) >= w)) seen.set(f, w);
        }
      });
    }
    return seen;
  };

  /* Search: [{page, score, url, title, excerpt: [[text, isMatch], …]}], best first. Every query
   * token must match (in one of its forms); a page scores the sum over tokens of
   * idf × tf / (tf + 2) of its best form. */
  Index.prototype.search = function (query, limit) {
    var qtoks = tokens(String(query || ""));
    if (!qtoks.length) return [];
    var n = this.pages.length, total = null, matchForms = [];
    for (var i = 0; i < qtoks.length; i++) {
      var forms = this._queryForms(qtoks[i].folded, i === qtoks.length - 1);
      var best = new Map();
      var df = new Set();
      var self = this;
      forms.forEach(function (qw, form) {
        var postings = self.postings.get(form);
        if (!postings) return;
        postings.forEach(function (tf, p) {
          df.add(p);
          var s = qw * tf / (tf + 2);
          if (!(best.get(p) >= s)) best.set(p, s);
        });
      });
      var idf = Math.log(1 + n / Math.max(1, df.size));
      var next = new Map();
      best.forEach(function (s, p) {
        if (total === null || total.has(p)) next.set(p, (total === null ? 0 : total.get(p)) + idf * s);
      });
      total = next;
      matchForms.push(forms);
      if (!total.size) return [];
    }
    var ranked = Array.from(total.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    if (limit) ranked = ranked.slice(0, limit);
    var pages = this.pages;
    return ranked.map(function (e) {
      var page = pages[e[0]];
      return { page: e[0], score: e[1], url: page.u, title: page.t, excerpt: excerpt(page.x || "", matchForms) };
    });
  };

  function matches(folded, matchForms) {
    var vs = variants(folded);
    for (var i = 0; i < matchForms.length; i++) {
      for (var j = 0; j < vs.length; j++) if (matchForms[i].has(vs[j][0])) return true;
    }
    return false;
  }

  /* A window of the text around its first match: [[text, isMatch], …] (at most ~180 characters). */
  function excerpt(text, matchForms, size) {
    size = size || 180;
    var toks = tokens(text), first = -1, i;
    for (i = 0; i < toks.length; i++) {
      if (matches(toks[i].folded, matchForms)) { first = i; break; }
    }
    var start = first < 0 ? 0 : Math.max(0, toks[first].start - 50);
    var end = Math.min(text.length, start + size);
    if (start > 0) { var sp = text.indexOf(" ", start); if (sp >= 0 && sp < toks[first].start) start = sp + 1; }
    if (end < text.length) { var back = text.lastIndexOf(" ", end); if (back > start) end = back; }
    var parts = [], at = start;
    if (start > 0) parts.push(["\u2026 ", false]);
    for (i = 0; i < toks.length; i++) {
      var t = toks[i];
      if (t.start < start || t.end > end) continue;
      if (matches(t.folded, matchForms)) {
        if (t.start > at) parts.push([text.slice(at, t.start), false]);
        parts.push([t.raw, true]);
        at = t.end;
      }
    }
    if (end > at) parts.push([text.slice(at, end), false]);
    if (end < text.length) parts.push([" \u2026", false]);
    return parts;
  }

  return { fold: fold, variants: variants, tokens: tokens, normalise: normalise, Index: Index,
           PREFIXES: PREFIXES, MAX_PREFIX: MAX_PREFIX, MIN_STEM: MIN_STEM };
});

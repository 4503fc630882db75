/* The two editions (English at the site root, Hebrew under he/).
 *
 *  - bookText(key, …values): the interface text of the book's own scripts (exam
 *    mode, self-check boxes, practice blocks, the shape calculator) in the page's language, taken
 *    from <html lang>. "{0}", "{1}" … in a text are replaced by the values.
 *  - The language switcher in the header lands on the same page in the other
 *    edition. The build gives each page its alternates as <link rel="book-alternate"
 *    hreflang> in <head> (book/mkdocs_hooks.py), which instant navigation swaps; the header is not swapped,
 *    so its links are re-pointed at those alternates after every page change.
 *  - A link into the other edition is followed with a full page load, not by
 *    instant navigation, so that <html lang> and <body dir> change with the page.
 */
(function () {
  "use strict";
  var TEXT = {
    en: {
      "exam.on": "Exam mode: on",
      "exam.off": "Exam mode: off",
      "exam.on.title": "Answers are hidden until you reveal them. Click for study mode.",
      "exam.off.title": "Answers are shown. Click to hide them and practise.",
      "exam.panel.title": "Exam mode: try it first",
      "exam.panel.text": "Write your answer at exam length, then compare.",
      "exam.reveal": "Reveal the answer",
      "check.label": "Your answer",
      "check.button": "Check",
      "check.empty": "Type an answer first.",
      "check.digits": "Use digits only, for example 1234 or 1,234.",
      "check.commas": "Separate the sizes with commas, for example (3, 4).",
      "check.size": "Each size must be a whole number (or the batch symbol b); '{0}' is not.",
      "check.kind": "This box cannot check answers of kind '{0}'.",
      "check.right": "Right: {0}.",
      "check.wrong": "Not quite: {0} is not it.",
      "check.again": "Try again.",
      "check.number": "Type a decimal number, for example 0.25 or 1.5.",
      "check.commas_or_error": "Separate the sizes with commas, for example (3, 4), or type error.",
      "practice.name": "Practice: variant {0}",
      "practice.new": "New variant",
      "practice.show": "Show solution",
      "practice.hide": "Hide solution",
      "practice.solution": "Worked solution",
      "practice.tally": "Right at the first try: {0} of {1} questions (kept in this browser only).",
      "practice.reset": "Reset tally",
      "practice.reset.done": "Tally reset.",
      "practice.bad_seed": "The seed in the address, '{0}', is not a whole number from 0 to {1}: here is a new variant instead.",
      "practice.no_engine": "This practice block could not start: the script of kind '{0}' did not load.",
      "practice.failed": "This variant could not be made ({0}): here is a new one.",
      "practice.ph.int": "a whole number",
      "practice.ph.shape": "e.g. (3, 4), or error",
      "practice.ph.number": "e.g. 0.25",
      "practice.error": "error",
      "practice.link": "Link to this variant",
      "sc.name": "Shape calculator",
      "sc.load": "Load",
      "sc.add": "Add layer",
      "sc.caption": "Output of each layer (b is the batch size)",
      "sc.col.layer": "layer",
      "sc.col.shape": "output shape",
      "sc.col.how": "computed as",
      "sc.col.params": "parameters",
      "sc.start": "Start from",
      "sc.input": "Input b \u00d7 C \u00d7 H \u00d7 W",
      "sc.input.row": "input",
      "sc.new": "New layer",
      "sc.type": "type",
      "sc.up": "Move layer {0} up",
      "sc.down": "Move layer {0} down",
      "sc.remove": "Remove",
      "sc.remove.label": "Remove layer {0}",
      "sc.layer": "Layer {0}: {1}",
      "sc.error": "error",
      "sc.params": "{0} parameters",
      "sc.skipped": "not computed: fix the error above first",
      "sc.not_computed": "not computed",
      "sc.error_at": "Error at layer {0} ({1}): {2}",
      "sc.summary": "Output {0} \u00b7 {1} parameters in total.",
      "sc.no_engine": "The shape calculator could not start: its script shape-calculator.js did not load.",
      "sc.stride_optional": "stride (empty = kernel_size)",
      "sc.padding_conv": "padding (a number, same or valid)"
    },
    he: {
      "exam.on": "מצב מבחן: פעיל",
      "exam.off": "מצב מבחן: כבוי",
      "exam.on.title": "התשובות מוסתרות עד שתחשפו אותן. לחצו למצב לימוד.",
      "exam.off.title": "התשובות מוצגות. לחצו כדי להסתיר אותן ולתרגל.",
      "exam.panel.title": "מצב מבחן: נסו קודם בעצמכם",
      "exam.panel.text": "כתבו תשובה באורך של תשובה במבחן, ואז השוו.",
      "exam.reveal": "הצגת התשובה",
      "check.label": "התשובה שלכם",
      "check.button": "בדיקה",
      "check.empty": "כתבו קודם תשובה.",
      "check.digits": "ספרות בלבד, למשל 1234 או 1,234.",
      "check.commas": "הפרידו בין הממדים בפסיקים, למשל (3, 4).",
      "check.size": "כל ממד צריך להיות מספר שלם (או סימן ה־batch, b); \u2066'{0}'\u2069 אינו כזה.",
      "check.kind": "התיבה הזו לא יודעת לבדוק תשובות מסוג \u2066'{0}'\u2069.",
      "check.right": "נכון: \u2066{0}\u2069.",
      "check.wrong": "לא בדיוק: \u2066{0}\u2069 אינה התשובה.",
      "check.again": "נסו שוב.",
      "check.number": "כתבו מספר עשרוני, למשל 0.25 או 1.5.",
      "check.commas_or_error": "הפרידו בין הממדים בפסיקים, למשל (3, 4), או כתבו שגיאה.",
      "practice.name": "תרגול: גרסה {0}",
      "practice.new": "גרסה חדשה",
      "practice.show": "הצגת הפתרון",
      "practice.hide": "הסתרת הפתרון",
      "practice.solution": "פתרון מלא",
      "practice.tally": "נכון בניסיון הראשון: {0} מתוך {1} שאלות (נשמר בדפדפן הזה בלבד).",
      "practice.reset": "איפוס הספירה",
      "practice.reset.done": "הספירה אופסה.",
      "practice.bad_seed": "ה־seed שבכתובת, \u2066'{0}'\u2069, אינו מספר שלם מ־0 עד {1}: הנה גרסה חדשה במקומו.",
      "practice.no_engine": "בלוק התרגול לא עלה: הסקריפט מסוג \u2066'{0}'\u2069 לא נטען.",
      "practice.failed": "לא ניתן היה ליצור את הגרסה הזו (\u2066{0}\u2069): הנה גרסה חדשה.",
      "practice.ph.int": "מספר שלם",
      "practice.ph.shape": "למשל (3, 4), או שגיאה",
      "practice.ph.number": "למשל 0.25",
      "practice.error": "שגיאה",
      "practice.link": "קישור לגרסה הזו",
      "sc.name": "מחשבון צורות",
      "sc.load": "טעינה",
      "sc.add": "הוספת שכבה",
      "sc.caption": "הפלט של כל שכבה (b הוא גודל ה־batch)",
      "sc.col.layer": "שכבה",
      "sc.col.shape": "צורת הפלט",
      "sc.col.how": "אופן החישוב",
      "sc.col.params": "פרמטרים",
      "sc.start": "התחלה מ־",
      "sc.input": "קלט b \u00d7 C \u00d7 H \u00d7 W",
      "sc.input.row": "קלט",
      "sc.new": "שכבה חדשה",
      "sc.type": "סוג",
      "sc.up": "הזזה למעלה של שכבה {0}",
      "sc.down": "הזזה למטה של שכבה {0}",
      "sc.remove": "הסרה",
      "sc.remove.label": "הסרה של שכבה {0}",
      "sc.layer": "שכבה {0}: {1}",
      "sc.error": "שגיאה",
      "sc.params": "{0} פרמטרים",
      "sc.skipped": "לא חושב: תקנו קודם את השגיאה שלמעלה",
      "sc.not_computed": "לא חושב",
      "sc.error_at": "שגיאה בשכבה {0} ({1}): {2}",
      "sc.summary": "פלט \u2066{0}\u2069 \u00b7 {1} פרמטרים בסך הכול.",
      "sc.no_engine": "מחשבון הצורות לא עלה: הסקריפט shape-calculator.js לא נטען.",
      "sc.stride_optional": "stride (ריק = kernel_size)",
      "sc.padding_conv": "padding (מספר, same או valid)"
    }
  };

  function lang() {
    var l = (document.documentElement.getAttribute("lang") || "en").slice(0, 2);
    return TEXT[l] ? l : "en";
  }

  window.bookLang = lang;
  window.bookText = function (key) {
    var table = TEXT[lang()];
    var text = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : TEXT.en[key];
    if (text === undefined) {
      console.error("bookText: no text for " + JSON.stringify(key));
      return key;
    }
    var values = Array.prototype.slice.call(arguments, 1);
    return text.replace(/\{(\d+)\}/g, function (m, i) { return String(values[+i]); });
  };
  /* for tests: every key is translated */
  window.bookTextTables = TEXT;

  /* The edition of a URL: "he" when its path, from the site root, starts with he/. */
  function siteRoot() {
    var en = document.querySelector('head link[rel="book-alternate"][hreflang="en"]');
    var he = document.querySelector('head link[rel="book-alternate"][hreflang="he"]');
    if (en && he) {
      // the English alternate of the home page is the root; otherwise strip the common tail
      var enPath = new URL(en.href, location.href).pathname, hePath = new URL(he.href, location.href).pathname;
      var at = hePath.indexOf("/he/");
      if (at >= 0) return hePath.slice(0, at + 1);
      return enPath.replace(/[^/]*$/, "");
    }
    return "/";
  }
  function editionOf(url) {
    var root = siteRoot();
    var path = url.pathname;
    if (path.indexOf(root) !== 0) return null;
    return /^he(\/|$)/.test(path.slice(root.length)) ? "he" : "en";
  }

  function pointSwitcher() {
    document.querySelectorAll(".md-select__link[hreflang]").forEach(function (a) {
      var alt = document.querySelector('head link[rel="book-alternate"][hreflang="' + a.getAttribute("hreflang") + '"]');
      if (alt) a.href = alt.href;
      if (a.getAttribute("hreflang") === lang()) a.setAttribute("aria-current", "true");
      else a.removeAttribute("aria-current");
    });
  }

  // Capture phase on document: runs before the theme's instant-navigation handler on body.
  document.addEventListener("click", function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    var a = e.target instanceof Element ? e.target.closest("a[href]") : null;
    if (!a || a.target || location.protocol === "file:") return;
    var url = new URL(a.href, location.href);
    if (url.origin !== location.origin) return;
    var edition = editionOf(url);
    if (edition && edition !== lang()) {
      e.stopPropagation();  // a normal page load follows
    }
  }, true);

  function apply() { pointSwitcher(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", apply); else apply();
  if (typeof document$ !== "undefined" && document$.subscribe) document$.subscribe(apply);
})();

/* Practice variants of question B1: KL(p‖q) and KL(q‖p), in nats.
 *
 * generate(seed) draws either two distributions p, q over 2 to 4 outcomes, every
 * probability a positive multiple of 1/10 or 1/20 (so both directions are finite), or two
 * 1-D Gaussians N(μ, σ²); and asks KL(p‖q) or KL(q‖p), the direction at random, to three
 * decimal places (the box accepts ± TOLERANCE):
 *   discrete:  KL(a‖b) = Σ_x a(x) ln(a(x) / b(x))
 *   Gaussians: KL(N(μ₁, σ₁²)‖N(μ₂, σ₂²)) = ln(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²) / (2σ₂²) − 1/2
 * tests/test_practice_b1.py compares the answer with snippets/b1_kl_divergence.py and
 * torch.distributions.kl_divergence for 1,000+ seeds. Pure functions, no DOM (see PRACTICE.md).
 */
(function (root, factory) {
  "use strict";
  var api = factory(typeof module === "object" && module.exports ? require("./practice-rng.js") : root.BookPracticeRng);
  if (typeof module === "object" && module.exports) module.exports = api;
  else { root.BookPractice = root.BookPractice || { kinds: {} }; root.BookPractice.kinds[api.kind] = api;
    // loaded after the UI (instant navigation to another practice page): draw its blocks now
    if (typeof root.BookPractice.refresh === "function") root.BookPractice.refresh(); }
})(typeof self !== "undefined" ? self : this, function (Rng) {
  "use strict";

  /** The absolute tolerance of an answer given to three decimal places. */
  var TOLERANCE = 0.001;
  var SIGMAS = [0.5, 1, 1.5, 2, 2.5, 3];

  function code(text) { return "<code>" + text + "</code>"; }
  function minus(text) { return text.replace(/^-/, "\u2212"); }
  function f4(x) { return minus(x.toFixed(4)); }
  function f3(x) { return minus(x.toFixed(3)); }
  /* A probability or a size as written in the prompt: 0.35, 1.5, −2 (no trailing zeros). */
  function num(x) { return minus(String(x)); }
  function vec(xs) { return "(" + xs.map(num).join(", ") + ")"; }

  /* K positive integers summing to unit, in random order (the cuts are distinct points of 1 .. unit−1). */
  function composition(rng, k, unit) {
    var cuts = [];
    while (cuts.length < k - 1) {
      var c = rng.int(1, unit - 1);
      if (cuts.indexOf(c) < 0) cuts.push(c);
    }
    cuts.sort(function (a, b) { return a - b; });
    var parts = [], last = 0;
    cuts.concat([unit]).forEach(function (c) { parts.push(c - last); last = c; });
    return parts;
  }

  function klDiscrete(a, b) {
    var s = 0;
    for (var i = 0; i < a.length; i++) s += a[i] * Math.log(a[i] / b[i]);
    return s;
  }
  function klGauss(m1, s1, m2, s2) {
    return Math.log(s2 / s1) + (s1 * s1 + (m1 - m2) * (m1 - m2)) / (2 * s2 * s2) - 0.5;
  }

  /* Hints whose value is farther than twice the tolerance from the answer and from each other. */
  function distinct(hints, answer) {
    var kept = [];
    hints.forEach(function (h) {
      if (!isFinite(h.value) || Math.abs(h.value - answer) <= 2 * TOLERANCE) return;
      if (kept.some(function (k) { return Math.abs(k.value - h.value) <= 2 * TOLERANCE; })) return;
      kept.push(h);
    });
    return kept;
  }

  function generate(seed) {
    var rng = Rng.make(seed);
    var discrete = rng.chance(0.6);
    var forward = rng.chance(0.5);  // true: KL(p‖q); false: KL(q‖p)
    var first = forward ? "p" : "q", second = forward ? "q" : "p";
    var asked = "KL(" + first + "‖" + second + ")", other = "KL(" + second + "‖" + first + ")";
    var params, value, reverse, prompt, steps = [], hints = [];

    if (discrete) {
      var k = rng.int(2, 4), unit = rng.choice([10, 20]);
      var wp = composition(rng, k, unit), wq;
      do { wq = composition(rng, k, unit); } while (wq.join() === wp.join());
      var p = wp.map(function (w) { return w / unit; }), q = wq.map(function (w) { return w / unit; });
      var a = forward ? p : q, b = forward ? q : p;
      value = klDiscrete(a, b);
      reverse = klDiscrete(b, a);
      params = { family: "discrete", p: p, q: q, direction: forward ? "pq" : "qp" };
      var given = code("p = " + vec(p)) + ", " + code("q = " + vec(q));
      prompt = {
        en: "<p>Two distributions over the same " + k + " outcomes: " + given + ". Compute " + code(asked) +
          " in nats (natural logarithm), to three decimal places.</p>",
        he: "<p>שתי התפלגויות על אותן " + k + " תוצאות: " + given + ". חשבו את " + code(asked) +
          " ב־nats (לוגריתם טבעי), בדיוק של שלוש ספרות אחרי הנקודה.</p>"
      };
      steps.push({
        en: "<p>" + code(asked + " = Σ " + first + "(x) ln(" + first + "(x) / " + second + "(x))") +
          ": the average is taken under the first argument, " + code(first) + ".</p>",
        he: "<p>" + code(asked + " = Σ " + first + "(x) ln(" + first + "(x) / " + second + "(x))") +
          ": הממוצע נלקח לפי הארגומנט הראשון, " + code(first) + ".</p>"
      });
      var terms = a.map(function (ai, i) { return ai * Math.log(ai / b[i]); });
      var lines = terms.map(function (t, i) {
        return code("x" + (i + 1) + ": " + num(a[i]) + " × ln(" + num(a[i]) + " / " + num(b[i]) + ") = " + num(a[i]) +
          " × " + f4(Math.log(a[i] / b[i])) + " = " + f4(t));
      });
      steps.push({
        en: "<p>One term per outcome: " + lines.join("; ") + ".</p>",
        he: "<p>איבר אחד לכל תוצאה: " + lines.join("; ") + ".</p>"
      });
      steps.push({
        en: "<p>Sum: " + code(terms.map(f4).join(" + ").replace(/\+ \u2212/g, "\u2212 ") + " ≈ " + f4(value)) + " nats.</p>",
        he: "<p>הסכום: " + code(terms.map(f4).join(" + ").replace(/\+ \u2212/g, "\u2212 ") + " ≈ " + f4(value)) + " nats.</p>"
      });
      hints.push({
        value: -value,
        text: {
          en: "The sign is flipped: KL is never negative. The ratio inside the log is " + first + "(x) / " + second + "(x).",
          he: "הסימן הפוך: KL לעולם אינו שלילי. היחס שבתוך הלוגריתם הוא " + first + "(x) / " + second + "(x)."
        }
      });
    } else {
      var mp = rng.int(-6, 6) / 2, sp = rng.choice(SIGMAS), mq, sq;
      do { sq = rng.choice(SIGMAS); } while (sq === sp);  // equal widths would make both directions equal
      mq = rng.int(-6, 6) / 2;
      var m1 = forward ? mp : mq, s1 = forward ? sp : sq, m2 = forward ? mq : mp, s2 = forward ? sq : sp;
      value = klGauss(m1, s1, m2, s2);
      reverse = klGauss(m2, s2, m1, s1);
      params = { family: "gaussian", mu_p: mp, sigma_p: sp, mu_q: mq, sigma_q: sq, direction: forward ? "pq" : "qp" };
      var gp = code("p = N(" + num(mp) + ", " + num(sp) + "²)"), gq = code("q = N(" + num(mq) + ", " + num(sq) + "²)");
      prompt = {
        en: "<p>Two Gaussians on the real line: " + gp + " and " + gq + " (mean, standard deviation squared). Compute " +
          code(asked) + " in nats (natural logarithm), to three decimal places.</p>",
        he: "<p>שני גאוסיאנים על הישר הממשי: " + gp + " ו־" + gq + " (תוחלת, סטיית תקן בריבוע). חשבו את " +
          code(asked) + " ב־nats (לוגריתם טבעי), בדיוק של שלוש ספרות אחרי הנקודה.</p>"
      };
      var formula = code("KL(N(μ₁, σ₁²)‖N(μ₂, σ₂²)) = ln(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²) / (2σ₂²) − 1/2");
      steps.push({
        en: "<p>For two Gaussians, " + formula + ", with the first argument " + code(first) + ": " +
          code("μ₁ = " + num(m1) + ", σ₁ = " + num(s1) + ", μ₂ = " + num(m2) + ", σ₂ = " + num(s2)) + ".</p>",
        he: "<p>לשני גאוסיאנים, " + formula + ", כשהארגומנט הראשון הוא " + code(first) + ": " +
          code("μ₁ = " + num(m1) + ", σ₁ = " + num(s1) + ", μ₂ = " + num(m2) + ", σ₂ = " + num(s2)) + ".</p>"
      });
      var logTerm = Math.log(s2 / s1), quad = (s1 * s1 + (m1 - m2) * (m1 - m2)) / (2 * s2 * s2);
      var sub = code("ln(" + num(s2) + "/" + num(s1) + ") = " + f4(logTerm)) + "; " +
        code("(" + num(s1 * s1) + " + " + num((m1 - m2) * (m1 - m2)) + ") / " + num(2 * s2 * s2) + " = " + f4(quad));
      steps.push({
        en: "<p>The two terms: " + sub + ".</p>",
        he: "<p>שני האיברים: " + sub + ".</p>"
      });
      steps.push({
        en: "<p>Sum: " + code(f4(logTerm) + " + " + f4(quad) + " − 0.5 ≈ " + f4(value)) + " nats.</p>",
        he: "<p>הסכום: " + code(f4(logTerm) + " + " + f4(quad) + " − 0.5 ≈ " + f4(value)) + " nats.</p>"
      });
      hints.push({
        value: value + 0.5,
        text: { en: "The − 1/2 of the formula is missing.", he: "חסר האיבר − 1/2 של הנוסחה." }
      });
    }
    hints.unshift({
      value: reverse,
      text: {
        en: "That is " + other + ", the other direction: the question asks " + asked + ", averaged under " + first + ".",
        he: "זה " + other + ", הכיוון השני: השאלה היא על " + asked + ", בממוצע לפי " + first + "."
      }
    }, {
      value: value / Math.LN2,
      text: {
        en: "That is in bits (log base 2); the question asks nats (natural logarithm): nats = bits × ln 2.",
        he: "זה בביטים (לוגריתם בבסיס 2); השאלה היא ב־nats (לוגריתם טבעי): nats = bits × ln 2."
      }
    });
    var symmetric = Math.abs(value - reverse) < 5e-5;
    steps.push({
      en: "<p>To three decimal places: " + code(f3(value)) + " (the box accepts ± " + TOLERANCE + "). The other direction, " +
        code(other + " ≈ " + f4(reverse)) + (symmetric ? ", is the same number for this pair, by its symmetry; in general " +
        "the two differ." : ", is a different number: KL is not symmetric.") + " In bits it would be " +
        code(f4(value) + " / ln 2 ≈ " + f4(value / Math.LN2)) + ".</p>",
      he: "<p>בשלוש ספרות אחרי הנקודה: " + code(f3(value)) + " (התיבה מקבלת סטייה של ± " + TOLERANCE + "). הכיוון השני, " +
        code(other + " ≈ " + f4(reverse)) + (symmetric ? ", יוצא אותו מספר בזוג הזה, בגלל הסימטריה שלו; באופן כללי " +
        "שני הכיוונים שונים." : ", הוא מספר אחר: KL אינו סימטרי.") + " בביטים זה היה " +
        code(f4(value) + " / ln 2 ≈ " + f4(value / Math.LN2)) + ".</p>"
    });

    return {
      kind: "b1",
      seed: Rng.parseSeed(seed),
      params: params,
      prompt: prompt,
      questions: [{
        id: "kl",
        label: { en: asked + " in nats", he: "\u2066" + asked + "\u2069 ב־nats" },
        accepts: "number",
        answer: { type: "number", value: value, tolerance: TOLERANCE },
        hints: distinct(hints, value)
      }],
      solution: steps
    };
  }

  return { kind: "b1", generate: generate, TOLERANCE: TOLERANCE };
});

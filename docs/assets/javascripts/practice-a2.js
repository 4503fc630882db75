/* Practice variants of question A2: the parameters of PyTorch's recurrent cells and layers.
 *
 * generate(seed) draws nn.RNNCell / nn.GRUCell / nn.LSTMCell, or nn.RNN / nn.GRU / nn.LSTM
 * with num_layers, bidirectional and bias, with random sizes, and asks the shape of two
 * named tensors ("error" when the module has no tensor of that name: reading its .shape raises)
 * and the total number of parameters. The rules, as PyTorch creates the tensors:
 *   g = 1 (RNN), 3 (GRU), 4 (LSTM) gate blocks stacked along the rows;
 *   weight_ih: (g·h, in), weight_hh: (g·h, h), bias_ih, bias_hh: (g·h,) when bias=True;
 *   in = input_size for layer 0 and hidden_size · directions for every layer above;
 *   a layer's tensors are named *_l<k>, and *_l<k>_reverse for its second direction.
 * tests/test_practice_a2.py builds the same module in PyTorch for 1,000+ seeds and compares
 * every tensor's shape, the asked ones and the total. Pure functions, no DOM (see PRACTICE.md).
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

  var GATES = { RNN: 1, GRU: 3, LSTM: 4 };
  var ISO = "\u2066", END = "\u2069";  // isolate left-to-right names inside Hebrew text

  /* 12345 -> "12,345" (the same in node and every browser). */
  function fmt(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function shapeText(shape) { return "(" + shape.join(", ") + (shape.length === 1 ? ",)" : ")"); }
  function code(text) { return "<code>" + text + "</code>"; }
  function numel(shape) { return shape.reduce(function (a, b) { return a * b; }, 1); }

  /* Every tensor the module creates, in PyTorch's order: [{name, shape}]. */
  function tensors(m) {
    var g = GATES[m.family], h = m.hidden_size, out = [];
    if (m.cell) {
      out.push({ name: "weight_ih", shape: [g * h, m.input_size] }, { name: "weight_hh", shape: [g * h, h] });
      if (m.bias) out.push({ name: "bias_ih", shape: [g * h] }, { name: "bias_hh", shape: [g * h] });
      return out;
    }
    var dirs = m.bidirectional ? 2 : 1;
    for (var k = 0; k < m.num_layers; k++) {
      var inSize = k === 0 ? m.input_size : h * dirs;
      for (var d = 0; d < dirs; d++) {
        var sfx = "_l" + k + (d ? "_reverse" : "");
        out.push({ name: "weight_ih" + sfx, shape: [g * h, inSize] }, { name: "weight_hh" + sfx, shape: [g * h, h] });
        if (m.bias) out.push({ name: "bias_ih" + sfx, shape: [g * h] }, { name: "bias_hh" + sfx, shape: [g * h] });
      }
    }
    return out;
  }

  /* The total for sizes given per layer (ins: the input size of each layer), dirs directions. */
  function countWith(g, h, ins, dirs, bias) {
    return ins.reduce(function (sum, i) { return sum + dirs * g * (h * i + h * h + (bias ? 2 * h : 0)); }, 0);
  }

  function describe(m) {
    var args = "input_size=" + m.input_size + ", hidden_size=" + m.hidden_size;
    if (!m.cell) args += ", num_layers=" + m.num_layers + ", bidirectional=" + (m.bidirectional ? "True" : "False");
    return "nn." + m.name + "(" + args + ", bias=" + (m.bias ? "True" : "False") + ")";
  }

  /* Why a name is not one of the module's tensors (both languages). */
  function absentReason(m, name) {
    if (/^bias/.test(name) && !m.bias) {
      return { en: "bias=False creates no bias tensors.", he: "עם bias=False לא נוצר אף טנזור bias." };
    }
    if (m.cell) {
      return {
        en: "A cell has no layers: its tensors are named weight_ih, weight_hh, bias_ih and bias_hh, without a suffix.",
        he: "לתא אין שכבות: שמות הטנזורים שלו הם weight_ih, weight_hh, bias_ih ו־bias_hh, בלי סיומת."
      };
    }
    if (/_reverse$/.test(name)) {
      return {
        en: "Only bidirectional=True creates the _reverse tensors.",
        he: "רק bidirectional=True יוצר את הטנזורים עם הסיומת _reverse."
      };
    }
    return {
      en: "The layers are numbered from l0, so the last one is l" + (m.num_layers - 1) + ".",
      he: "השכבות ממוספרות מ־l0, ולכן האחרונה היא " + ISO + "l" + (m.num_layers - 1) + END + "."
    };
  }

  /* The shape a tensor of this name would have if it existed (for the hints of an "error" answer). */
  function wouldBe(m, name) {
    var g = GATES[m.family], h = m.hidden_size, dirs = m.bidirectional ? 2 : 1;
    var layer = /_l(\d+)/.exec(name), k = layer ? +layer[1] : 0;
    if (/^bias/.test(name)) return [g * h];
    if (/^weight_hh/.test(name)) return [g * h, h];
    return [g * h, k === 0 ? m.input_size : h * dirs];
  }

  function shapeHints(m, name, shape) {
    var g = GATES[m.family], h = m.hidden_size, dirs = m.bidirectional ? 2 : 1;
    var hints = [];
    if (shape.length === 2) {
      hints.push({
        value: [shape[1], shape[0]],
        text: {
          en: "Transposed: PyTorch stores a weight as (out_features, in_features), here (" + g + " × hidden_size, its input).",
          he: "הפוך: PyTorch שומר משקל כ־(out_features, in_features), כאן " + ISO + "(" + g + " × hidden_size, הקלט שלו)" + END + "."
        }
      });
    }
    if (g > 1) {
      hints.push({
        value: [h].concat(shape.slice(1)),
        text: {
          en: "That is one gate's block: " + m.name + " stacks its " + g + " gates along the rows, so there are " + g +
            " × hidden_size = " + g * h + " rows.",
          he: "זה הבלוק של שער אחד: " + ISO + m.name + END + " מערם את " + g + " השערים שלו לאורך השורות, ולכן יש " +
            ISO + g + " × hidden_size = " + g * h + END + " שורות."
        }
      });
    }
    var layer = /^weight_ih_l(\d+)/.exec(name);
    if (layer && +layer[1] > 0) {
      hints.push({
        value: [g * h, m.input_size],
        text: {
          en: "Layer " + layer[1] + " reads the output of the layer below, not the input: hidden_size × directions = " +
            h * dirs + " features.",
          he: "שכבה " + layer[1] + " קוראת את הפלט של השכבה שמתחתיה, לא את הקלט: " + ISO + "hidden_size × directions = " +
            h * dirs + END + " מאפיינים."
        }
      });
      if (dirs === 2) {
        hints.push({
          value: [g * h, h],
          text: {
            en: "The layer below is bidirectional: its output joins both directions, hidden_size × 2 = " + 2 * h + " features.",
            he: "השכבה שמתחת דו־כיוונית: הפלט שלה מחבר את שני הכיוונים, " + ISO + "hidden_size × 2 = " + 2 * h + END +
              " מאפיינים."
          }
        });
      }
    }
    return hints;
  }

  function totalHints(m, total) {
    var g = GATES[m.family], h = m.hidden_size, dirs = m.cell || !m.bidirectional ? 1 : 2;
    var layers = m.cell ? 1 : m.num_layers;
    var ins = [m.input_size];
    for (var k = 1; k < layers; k++) ins.push(h * dirs);
    var hints = [];
    if (m.bias) {
      hints.push({
        value: total - dirs * layers * g * h,
        text: {
          en: "You counted one bias vector; PyTorch creates two per layer and direction, bias_ih and bias_hh.",
          he: "ספרתם וקטור bias אחד; PyTorch יוצר שניים בכל שכבה ובכל כיוון, bias_ih ו־bias_hh."
        }
      });
    } else {
      hints.push({
        value: countWith(g, h, ins, dirs, true),
        text: { en: "bias=False: the module has no bias tensors.", he: "עם bias=False אין למודול טנזורי bias." }
      });
    }
    if (g > 1) {
      hints.push({
        value: countWith(1, h, ins, dirs, m.bias),
        text: {
          en: "You counted one block; " + m.name + " stacks " + g + " gates in every tensor.",
          he: "ספרתם בלוק אחד; " + ISO + m.name + END + " מערם " + g + " שערים בכל טנזור."
        }
      });
    }
    if (layers > 1) {
      hints.push({
        value: countWith(g, h, ins.map(function () { return m.input_size; }), dirs, m.bias),
        text: {
          en: "The layers above the first read hidden_size × directions = " + h * dirs + " features, not input_size.",
          he: "השכבות שמעל הראשונה קוראות " + ISO + "hidden_size × directions = " + h * dirs + END +
            " מאפיינים, לא input_size."
        }
      });
      if (dirs === 2) {
        hints.push({
          value: countWith(g, h, [m.input_size].concat(ins.slice(1).map(function () { return h; })), dirs, m.bias),
          text: {
            en: "The layers above the first read both directions of the layer below: " + 2 * h + " features.",
            he: "השכבות שמעל הראשונה קוראות את שני הכיוונים של השכבה שמתחתן: " + 2 * h + " מאפיינים."
          }
        });
      }
    }
    if (dirs === 2) {
      hints.push({
        value: total / 2,
        text: {
          en: "bidirectional=True doubles every layer: one set of tensors per direction.",
          he: "עם bidirectional=True כל שכבה מוכפלת: סט טנזורים אחד לכל כיוון."
        }
      });
    }
    return hints;
  }

  /* Keep the hints whose value differs from the answer, the first of equal values only. */
  function distinct(hints, answerKey, key) {
    var seen = {};
    seen[answerKey] = true;
    return hints.filter(function (h) {
      var k = key(h.value);
      if (seen[k]) return false;
      seen[k] = true;
      return true;
    });
  }

  function generate(seed) {
    var rng = Rng.make(seed);
    var family = rng.choice(["RNN", "GRU", "LSTM"]);
    var cell = rng.chance(0.4);
    var m = {
      family: family,
      cell: cell,
      name: family + (cell ? "Cell" : ""),
      input_size: rng.int(2, 300),
      hidden_size: rng.int(2, 300),
      bias: rng.chance(0.75),
      num_layers: cell ? 1 : rng.int(1, 3),
      bidirectional: cell ? false : rng.chance(0.5)
    };
    var g = GATES[family], h = m.hidden_size, dirs = m.bidirectional ? 2 : 1;
    var all = tensors(m);
    var byName = {};
    all.forEach(function (t) { byName[t.name] = t.shape; });
    function suffix(k, d) { return cell ? "" : "_l" + k + (d ? "_reverse" : ""); }
    function anyLayer() { return rng.int(0, m.num_layers - 1); }
    function anyDir() { return rng.int(0, dirs - 1); }

    // First question: a weight_ih, of a layer above the first when there is one (its input size is the trap).
    var k1 = m.num_layers > 1 ? rng.int(1, m.num_layers - 1) : 0;
    var first = "weight_ih" + suffix(k1, anyDir());
    // Second question: a weight_hh, a bias (absent when bias=False), or a name the module does not have.
    var r = rng.next(), second;
    if (r < 0.45) second = "weight_hh" + suffix(anyLayer(), anyDir());
    else if (r < 0.8) second = rng.choice(["bias_ih", "bias_hh"]) + suffix(anyLayer(), anyDir());
    else if (cell) second = rng.choice(["weight_ih", "weight_hh"]) + "_l0";
    else if (dirs === 1 && rng.chance(0.5)) second = rng.choice(["weight_ih", "weight_hh"]) + "_l" + anyLayer() + "_reverse";
    else second = rng.choice(["weight_hh", "bias_hh"]) + "_l" + m.num_layers;

    var total = all.reduce(function (s, t) { return s + numel(t.shape); }, 0);
    var questions = [first, second].map(function (name, n) {
      var shape = byName[name];
      var q = {
        id: "shape-" + (n + 1),
        label: { en: "Shape of " + name, he: "הצורה של " + ISO + name + END },
        accepts: "shape-or-error",
        answer: shape ? { type: "shape", value: shape } : { type: "error" },
        hints: []
      };
      if (shape) {
        q.hints = distinct(shapeHints(m, name, shape), shapeText(shape), shapeText);
      } else {
        q.hints = [{ value: wouldBe(m, name), text: absentReason(m, name) }];
      }
      return q;
    });
    questions.push({
      id: "total",
      label: {
        en: "How many numbers do all its parameters hold together?",
        he: "כמה מספרים יש בכל הפרמטרים שלו יחד?"
      },
      accepts: "int",
      answer: { type: "int", value: total },
      hints: distinct(totalHints(m, total), String(total), String)
    });

    var decl = code(describe(m));
    var prompt = {
      en: "<p>The module " + decl + " is created in PyTorch. Give each shape as PyTorch stores the tensor, " +
        "for example " + code("(3, 4)") + ", or " + code("error") + " when the module has no tensor of that name.</p>",
      he: "<p>ב־PyTorch נוצר המודול " + decl + ". כתבו כל צורה כפי ש־PyTorch שומר את הטנזור, למשל " +
        code("(3, 4)") + ", או " + code("שגיאה") + " אם אין למודול טנזור בשם הזה.</p>"
    };

    // The worked solution: every number below is computed here.
    var solution = [];
    solution.push({
      en: "<p>" + code(m.name) + " stacks " + g + " gate block" + (g > 1 ? "s" : "") + " (RNN 1, GRU 3, LSTM 4), so every " +
        "tensor has " + code("g × hidden_size = " + g + " × " + h + " = " + g * h) + " rows; a weight has one column " +
        "per input feature.</p>",
      he: "<p>" + code(m.name) + " מערם " + g + " בלוקים של שערים (RNN 1, GRU 3, LSTM 4), ולכן בכל טנזור יש " +
        code("g × hidden_size = " + g + " × " + h + " = " + g * h) + " שורות; למשקל יש עמודה אחת לכל מאפיין בקלט.</p>"
    });
    if (!cell && m.num_layers > 1) {
      solution.push({
        en: "<p>Layer " + code("l0") + " reads " + code("input_size = " + m.input_size) + " features; every layer above " +
          "reads the output of the one below, " + code("hidden_size × directions = " + h + " × " + dirs + " = " + h * dirs) +
          ".</p>",
        he: "<p>השכבה " + code("l0") + " קוראת " + code("input_size = " + m.input_size) + " מאפיינים; כל שכבה מעליה קוראת " +
          "את הפלט של השכבה שמתחתיה, " + code("hidden_size × directions = " + h + " × " + dirs + " = " + h * dirs) + ".</p>"
      });
    }
    var layerSums = [];
    for (var k = 0; k < m.num_layers; k++) {
      var sfx = suffix(k, 0);
      var wih = byName["weight_ih" + sfx], whh = byName["weight_hh" + sfx];
      var per = numel(wih) + numel(whh) + (m.bias ? 2 * g * h : 0);
      var parts = [code("weight_ih" + sfx) + " " + code(shapeText(wih)) + " = " + fmt(numel(wih)),
        code("weight_hh" + sfx) + " " + code(shapeText(whh)) + " = " + fmt(numel(whh))];
      var partsHe = parts.slice();
      if (m.bias) {
        parts.push(code("bias_ih" + sfx) + " and " + code("bias_hh" + sfx) + " " + code(shapeText([g * h])) +
          " = " + fmt(g * h) + " each");
        partsHe.push(code("bias_ih" + sfx) + " ו־" + code("bias_hh" + sfx) + " " + code(shapeText([g * h])) + " = " +
          fmt(g * h) + " כל אחד");
      }
      var where = cell ? { en: "The cell", he: "התא" } : { en: "Layer " + code("l" + k), he: "השכבה " + code("l" + k) };
      var twice = dirs === 2 ? {
        en: "; the same again for " + code("_l" + k + "_reverse") + ": " + code("2 × " + fmt(per) + " = " + fmt(2 * per)),
        he: "; ושוב אותו דבר עבור " + code("_l" + k + "_reverse") + ": " + code("2 × " + fmt(per) + " = " + fmt(2 * per))
      } : { en: "", he: "" };
      solution.push({
        en: "<p>" + where.en + ": " + parts.join("; ") + ", so " + fmt(per) + " numbers" + twice.en + ".</p>",
        he: "<p>" + where.he + ": " + partsHe.join("; ") + ", כלומר " + fmt(per) + " מספרים" + twice.he + ".</p>"
      });
      layerSums.push(dirs * per);
    }
    if (!m.bias) {
      solution.push({
        en: "<p>" + code("bias=False") + ": no " + code("bias_ih") + " or " + code("bias_hh") + " tensors.</p>",
        he: "<p>" + code("bias=False") + ": אין טנזורי " + code("bias_ih") + " או " + code("bias_hh") + ".</p>"
      });
    }
    [first, second].forEach(function (name) {
      var shape = byName[name];
      if (shape) {
        solution.push({
          en: "<p>So " + code(name) + " has the shape " + code(shapeText(shape)) + ".</p>",
          he: "<p>לכן הצורה של " + code(name) + " היא " + code(shapeText(shape)) + ".</p>"
        });
      } else {
        var why = absentReason(m, name);
        solution.push({
          en: "<p>" + code(name) + " is not a tensor of this module, so reading its shape raises an error: " + why.en + "</p>",
          he: "<p>" + code(name) + " אינו טנזור של המודול הזה, ולכן קריאת הצורה שלו מעלה שגיאה: " + why.he + "</p>"
        });
      }
    });
    var sum = layerSums.length > 1 ? layerSums.map(fmt).join(" + ") + " = " + fmt(total) : fmt(total);
    solution.push({
      en: "<p>Total: " + code(sum) + " numbers in " + all.length + " tensors.</p>",
      he: "<p>סך הכול: " + code(sum) + " מספרים ב־" + all.length + " טנזורים.</p>"
    });

    return {
      kind: "a2",
      seed: Rng.parseSeed(seed),
      params: {
        module: m.name,
        input_size: m.input_size,
        hidden_size: h,
        num_layers: m.num_layers,
        bidirectional: m.bidirectional,
        bias: m.bias,
        asked: [first, second],
        tensors: all.map(function (t) { return [t.name, t.shape]; })
      },
      prompt: prompt,
      questions: questions,
      solution: solution
    };
  }

  return { kind: "a2", generate: generate, tensors: tensors };
});

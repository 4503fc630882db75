/* Practice for chapter D: fresh, seeded variants of two calculations.
 *
 * generate(seed) -> a variant (docs PRACTICE contract, issue 19) of one of two kinds,
 * drawn at random:
 *   "rf":      the receptive field of one unit after each layer of a random stack of
 *              2 to 5 convolutions and poolings (kernel, stride, dilation; no padding),
 *              by the recurrence r_l = r_{l-1} + (k_l - 1) d_l j_{l-1}, j_l = j_{l-1} s_l
 *              (snippets/d_receptive_field.py's receptive_fields);
 *   "sharing": the parameters of Conv2d(C_in, C_out, k) on C_in × H × H against a dense
 *              layer with the same input and output sizes, with bias, and their ratio
 *              (snippets/d_weight_sharing.py's parameter_counts).
 * The parity test is tests/test_practice_d.py: 1,000+ seeds against those snippets and
 * torch.nn, and the receptive field against autograd on a sample.
 */
(function (root, factory) {
  "use strict";
  var node = typeof module === "object" && module.exports;
  /* In the browser the seeded generator is looked up when a variant is drawn, so the
     order of the script tags does not matter. */
  var deps = node ? { rng: require("./practice-rng.js") } : { get rng() { return root.BookPracticeRng; } };
  var api = factory(deps);
  if (node) {
    module.exports = api;
  } else {
    root.BookPractice = root.BookPractice || { kinds: {} };
    root.BookPractice.kinds[api.kind] = api;
    // loaded after the UI (instant navigation to another practice page): draw its blocks now
    if (typeof root.BookPractice.refresh === "function") root.BookPractice.refresh();
  }
})(typeof self !== "undefined" ? self : this, function (deps) {
  "use strict";

  function math(text) {
    return '<bdi dir="ltr">' + text + "</bdi>";
  }
  function code(text) {
    return "<code>" + text + "</code>";
  }
  function both(en, he) {
    return { en: en, he: he };
  }
  /* Labels and hint texts are plain text (the page may show them as text): code and
     math become bare text in English and left-to-right isolates in Hebrew. */
  function plain(en, he) {
    var tag = /<(code|bdi)[^>]*>(.*?)<\/\1>/g;
    return { en: en.replace(tag, "$2"), he: he.replace(tag, "\u2066$2\u2069") };
  }
  function p(en, he) {
    return { en: "<p>" + en + "</p>", he: "<p>" + he + "</p>" };
  }
  function hint(value, en, he) {
    return { value: value, text: plain(en, he) };
  }
  /* Hints that differ from the answer and from one another. */
  function distinct(hints, right) {
    var seen = {};
    return hints.filter(function (h) {
      var ok = h.value !== right && h.value > 0 && !seen[h.value];
      seen[h.value] = true;
      return ok;
    });
  }

  /* ---- receptive field ------------------------------------------------------------- */

  function drawStack(rng) {
    var n = rng.int(2, 5);
    var channels = 3;
    var layers = [];
    for (var i = 0; i < n; i++) {
      var r = rng.next();
      if (r < 0.6 || i === 0) {
        var out = rng.choice([8, 16, 16, 32, 64]);
        layers.push({ type: "Conv2d", in_channels: channels, out_channels: out, kernel_size: rng.choice([1, 3, 3, 3, 5, 7]),
                      stride: rng.choice([1, 1, 1, 2]), dilation: rng.choice([1, 1, 1, 2, 3]) });
        channels = out;
      } else if (r < 0.85) {
        layers.push({ type: "MaxPool2d", kernel_size: rng.choice([2, 2, 3]), stride: rng.chance(0.7) ? null : rng.choice([1, 2]),
                      dilation: rng.choice([1, 1, 1, 2]) });
      } else {
        layers.push({ type: "AvgPool2d", kernel_size: rng.choice([2, 2, 3]), stride: rng.chance(0.7) ? null : rng.choice([1, 2]) });
      }
    }
    return layers;
  }

  function geometry(layer) {
    return {
      k: layer.kernel_size,
      s: layer.stride === null || layer.stride === undefined ? layer.kernel_size : layer.stride,
      d: layer.dilation || 1
    };
  }

  /* The receptive field after each layer, by a rule: "right", or one of the common slips. */
  function fields(layers, rule) {
    var r = 1;
    var j = 1;
    var out = [];
    layers.forEach(function (layer) {
      var g = geometry(layer);
      var d = rule === "no-dilation" ? 1 : g.d;
      if (rule === "sum-kernels") r = (out.length ? r : 0) + g.k;
      else if (rule === "no-jump") r += d * (g.k - 1);
      else if (rule === "jump-after") r += d * (g.k - 1) * j * g.s;
      else r += d * (g.k - 1) * j;
      j *= g.s;
      out.push(r);
    });
    return { rfs: out, jump: j };
  }

  function pytorch(layer) {
    var args = layer.type === "Conv2d" ? [layer.in_channels, layer.out_channels, layer.kernel_size] : [layer.kernel_size];
    if (layer.type === "Conv2d" ? layer.stride !== 1 : layer.stride !== null) args.push("stride=" + layer.stride);
    if (layer.dilation && layer.dilation !== 1) args.push("dilation=" + layer.dilation);
    return "nn." + layer.type + "(" + args.join(", ") + ")";
  }

  function receptiveField(rng) {
    var layers = drawStack(rng);
    var right = fields(layers, "right");
    var slips = {
      "no-dilation": fields(layers, "no-dilation").rfs,
      "no-jump": fields(layers, "no-jump").rfs,
      "jump-after": fields(layers, "jump-after").rfs,
      "sum-kernels": fields(layers, "sum-kernels").rfs
    };
    var questions = layers.map(function (layer, i) {
      var value = right.rfs[i];
      var q = {
        id: "rf-" + (i + 1),
        label: plain("Receptive field after layer " + (i + 1) + " (side, in input pixels)",
                    "שדה הקליטה אחרי שכבה " + (i + 1) + " (אורך הצלע, בפיקסלים של הקלט)"),
        accepts: "int",
        answer: { type: "int", value: value }
      };
      var hints = distinct([
        hint(slips["no-dilation"][i], "Dilation d spreads the kernel: a layer adds (k \u2212 1)\u00b7d steps, not k \u2212 1.",
             "ה־dilation d מרווח את ה־kernel: שכבה מוסיפה <bdi dir=\"ltr\">(k \u2212 1)\u00b7d</bdi> צעדים, לא <bdi dir=\"ltr\">k \u2212 1</bdi>."),
        hint(slips["no-jump"][i], "After a stride, neighbouring units are further apart in the input: multiply by the jump j of the layer below.",
             "אחרי צעד (stride) יחידות שכנות רחוקות יותר זו מזו בקלט: הכפילו בקפיצה j של השכבה שמתחת."),
        hint(slips["jump-after"][i], "Use the jump of the layer below (j\u2097\u208b\u2081), not the one after this layer's own stride.",
             "השתמשו בקפיצה של השכבה שמתחת (<bdi dir=\"ltr\">j\u2097\u208b\u2081</bdi>), לא בזו שאחרי הצעד של השכבה עצמה."),
        hint(slips["sum-kernels"][i], "Kernels overlap: each layer adds k \u2212 1 (times d and j), not k.",
             "ה־kernels חופפים: כל שכבה מוסיפה <bdi dir=\"ltr\">k \u2212 1</bdi> (כפול d ו־j), לא k.")
      ], value);
      if (hints.length) q.hints = hints;
      return q;
    });
    var strideSum = layers.reduce(function (sum, layer) { return sum + geometry(layer).s; }, 0);
    var jumpHints = distinct([
      hint(strideSum, "Strides multiply, they do not add: j = s\u2081\u00b7s\u2082\u00b7\u2026",
           "הצעדים (strides) מוכפלים, לא מחוברים: <bdi dir=\"ltr\">j = s\u2081\u00b7s\u2082\u00b7\u2026</bdi>")
    ], right.jump);
    var jumpQuestion = {
      id: "jump",
      label: plain("Distance in input pixels between two neighbouring units of the last layer",
                  "המרחק בפיקסלים של הקלט בין שתי יחידות שכנות בשכבה האחרונה"),
      accepts: "int",
      answer: { type: "int", value: right.jump }
    };
    if (jumpHints.length) jumpQuestion.hints = jumpHints;
    questions.push(jumpQuestion);

    var solution = [p(
      "Start from one input pixel: " + math("r\u2080 = 1, j\u2080 = 1") + " (r: the side of the receptive field; j: the jump, " +
        "how many input pixels apart two neighbouring units are). A layer with kernel k, stride s and dilation d gives " +
        math("r\u2097 = r\u2097\u208b\u2081 + (k \u2212 1)\u00b7d\u00b7j\u2097\u208b\u2081") + " and " +
        math("j\u2097 = j\u2097\u208b\u2081\u00b7s") + ". A pooling layer counts like a convolution; its stride defaults to its kernel size.",
      "מתחילים מפיקסל קלט אחד: " + math("r\u2080 = 1, j\u2080 = 1") + " (r: אורך הצלע של שדה הקליטה; j: הקפיצה, " +
        "כמה פיקסלים של הקלט מפרידים בין שתי יחידות שכנות). שכבה עם kernel k, צעד (stride) s ו־dilation d נותנת " +
        math("r\u2097 = r\u2097\u208b\u2081 + (k \u2212 1)\u00b7d\u00b7j\u2097\u208b\u2081") + " ו־" +
        math("j\u2097 = j\u2097\u208b\u2081\u00b7s") + ". שכבת pooling (איגום) נספרת כמו קונבולוציה; ברירת המחדל של הצעד שלה היא גודל ה־kernel."
    )];
    var r = 1;
    var j = 1;
    layers.forEach(function (layer, i) {
      var g = geometry(layer);
      var rNext = r + (g.k - 1) * g.d * j;
      var jNext = j * g.s;
      var rf = math("r" + (i + 1) + " = " + r + " + (" + g.k + " \u2212 1)\u00b7" + g.d + "\u00b7" + j + " = " + rNext);
      var jump = math("j" + (i + 1) + " = " + j + "\u00b7" + g.s + " = " + jNext);
      var geo = math("k = " + g.k + ", s = " + g.s + ", d = " + g.d);
      solution.push(p(
        "Layer " + (i + 1) + ", " + code(pytorch(layer)) + " (" + geo + "): " + rf + "; " + jump + ".",
        "שכבה " + (i + 1) + ", " + code(pytorch(layer)) + " (" + geo + "): " + rf + "; " + jump + "."
      ));
      r = rNext;
      j = jNext;
    });
    solution.push(p(
      "One unit of the last layer sees a " + math(r + " \u00d7 " + r) + " window of the input, and neighbouring units are " +
        j + " input pixels apart. Padding does not change these numbers: it only moves where the windows sit.",
      "יחידה אחת בשכבה האחרונה רואה חלון של " + math(r + " \u00d7 " + r) + " פיקסלים בקלט, ויחידות שכנות רחוקות " +
        j + " פיקסלים זו מזו. ריפוד (padding) לא משנה את המספרים האלה: הוא רק מזיז את מקום החלונות."
    ));
    var list = layers.map(function (layer) { return "<li>" + code(pytorch(layer)) + "</li>"; }).join("");
    return {
      params: { sub: "rf", layers: layers },
      prompt: {
        en: "<p>A stack of layers, no padding:</p><ol>" + list + "</ol><p>Give the receptive field of one unit after each " +
          "layer: the side, in input pixels, of the square of the input that can change that unit. Then give how many input " +
          "pixels apart two neighbouring units of the last layer are.</p>",
        he: "<p>ערימה של שכבות, בלי ריפוד (padding):</p><ol>" + list + "</ol><p>כתבו את שדה הקליטה (receptive field) של " +
          "יחידה אחת אחרי כל שכבה: אורך הצלע, בפיקסלים של הקלט, של הריבוע בקלט שיכול לשנות את היחידה. אחר כך כתבו כמה " +
          "פיקסלים של הקלט מפרידים בין שתי יחידות שכנות בשכבה האחרונה.</p>"
      },
      questions: questions,
      solution: solution
    };
  }

  /* ---- weight sharing: a convolution against the dense layer ------------------------ */

  function ratioText(x) {
    return Number.isInteger(x) ? " = " + x : " \u2248 " + (Math.round(x * 10) / 10).toFixed(1);
  }

  function weightSharing(rng) {
    var cin = rng.choice([1, 3, 3, 4, 8]);
    var cout = rng.choice([4, 6, 8, 10, 16, 32]);
    var k = rng.choice([3, 3, 5, 5, 7]);
    var size = rng.int(k + 3, 32);
    var n = size - k + 1;
    var inputs = cin * size * size;
    var outputs = cout * n * n;
    var window = cin * k * k;
    var conv = cout * (window + 1);
    var dense = inputs * outputs + outputs;
    var ratio = dense / conv;
    var layer = "nn.Conv2d(" + cin + ", " + cout + ", " + k + ")";
    var questions = [
      {
        id: "outputs", accepts: "int", answer: { type: "int", value: outputs },
        label: plain("Number of output values C_out \u00b7 H\u2032 \u00b7 W\u2032 (one image)",
                    "מספר ערכי הפלט <bdi dir=\"ltr\">C_out \u00b7 H\u2032 \u00b7 W\u2032</bdi> (לתמונה אחת)"),
        hints: distinct([
          hint(cout * size * size, "No padding: the output side is H \u2212 k + 1, not H.",
               "בלי ריפוד (padding): צלע הפלט היא <bdi dir=\"ltr\">H \u2212 k + 1</bdi>, לא H."),
          hint(n * n, "Count every output channel: C_out \u00b7 H\u2032 \u00b7 W\u2032.",
               "ספרו את כל ערוצי הפלט: <bdi dir=\"ltr\">C_out \u00b7 H\u2032 \u00b7 W\u2032</bdi>.")
        ], outputs)
      },
      {
        id: "conv", accepts: "int", answer: { type: "int", value: conv },
        label: plain("Parameters of the convolution", "מספר הפרמטרים של הקונבולוציה"),
        hints: distinct([
          hint(cout * window, "Forgot the bias: one per output channel.", "שכחתם את ה־bias (היסט): אחד לכל ערוץ פלט."),
          hint(cout * k * k + cout, "Each kernel spans all C_in input channels: C_out \u00b7 C_in \u00b7 k \u00b7 k weights.",
               "כל kernel משתרע על כל <bdi dir=\"ltr\">C_in</bdi> ערוצי הקלט: <bdi dir=\"ltr\">C_out \u00b7 C_in \u00b7 k \u00b7 k</bdi> משקלות."),
          hint(outputs * (window + 1), "That is a locally connected layer (no weight sharing): a convolution uses the same kernel at every position.",
               "זו שכבה מקושרת מקומית (בלי שיתוף משקלות): קונבולוציה משתמשת באותו kernel בכל מיקום.")
        ], conv)
      },
      {
        id: "dense", accepts: "int", answer: { type: "int", value: dense },
        label: plain("Parameters of the dense layer with the same input and output sizes",
                    "מספר הפרמטרים של שכבה צפופה (dense) עם אותם גודלי קלט ופלט"),
        hints: distinct([
          hint(inputs * outputs, "Forgot the bias: one per output value.", "שכחתם את ה־bias (היסט): אחד לכל ערך פלט."),
          hint(inputs * outputs + inputs, "The bias belongs to the outputs, not to the inputs.", "ה־bias (היסט) שייך לפלטים, לא לקלטים."),
          hint(inputs * cout + cout, "The dense layer maps to every output value (C_out \u00b7 H\u2032 \u00b7 W\u2032), not only to C_out.",
               "השכבה הצפופה ממפה לכל ערך פלט (<bdi dir=\"ltr\">C_out \u00b7 H\u2032 \u00b7 W\u2032</bdi>), לא רק ל־<bdi dir=\"ltr\">C_out</bdi>.")
        ], dense)
      },
      {
        id: "ratio", accepts: "number", answer: { type: "number", value: ratio, tolerance: 0.5 },
        label: plain("How many times more parameters the dense layer has (to the nearest whole number)",
                    "פי כמה יותר פרמטרים יש לשכבה הצפופה (מעוגל למספר שלם)")
      }
    ];
    questions.forEach(function (q) { if (q.hints && !q.hints.length) delete q.hints; });
    var solution = [
      p("The input has " + math(cin + "\u00b7" + size + "\u00b7" + size + " = " + inputs) + " values. With no padding and stride 1 " +
          "the output side is " + math(size + " \u2212 " + k + " + 1 = " + n) + ", so the output has " +
          math(cout + "\u00b7" + n + "\u00b7" + n + " = " + outputs) + " values.",
        "בקלט יש " + math(cin + "\u00b7" + size + "\u00b7" + size + " = " + inputs) + " ערכים. בלי ריפוד (padding) ועם צעד (stride) 1 " +
          "צלע הפלט היא " + math(size + " \u2212 " + k + " + 1 = " + n) + ", ולכן בפלט יש " +
          math(cout + "\u00b7" + n + "\u00b7" + n + " = " + outputs) + " ערכים."),
      p("The convolution " + code(layer) + " has, per output channel, one kernel of " +
          math(cin + "\u00b7" + k + "\u00b7" + k + " = " + window) + " weights and one bias, shared by every position: " +
          math(cout + "\u00b7(" + window + " + 1) = " + conv) + " parameters.",
        "לקונבולוציה " + code(layer) + " יש kernel אחד של " + math(cin + "\u00b7" + k + "\u00b7" + k + " = " + window) +
          " משקלות ו־bias (היסט) אחד לכל ערוץ פלט, משותפים לכל המיקומים (שיתוף משקלות): " +
          math(cout + "\u00b7(" + window + " + 1) = " + conv) + " פרמטרים."),
      p("The dense layer has a weight for every (input, output) pair and a bias per output: " +
          math(inputs + "\u00b7" + outputs + " + " + outputs + " = " + dense) + " parameters.",
        "לשכבה הצפופה יש משקל לכל זוג (קלט, פלט) ו־bias (היסט) לכל פלט: " +
          math(inputs + "\u00b7" + outputs + " + " + outputs + " = " + dense) + " פרמטרים."),
      p("Ratio: " + math(dense + " / " + conv + ratioText(ratio)) + ". Local connectivity and weight sharing " +
          "together save that factor; the output is the same size either way.",
        "היחס: " + math(dense + " / " + conv + ratioText(ratio)) + ". קישוריות מקומית ושיתוף משקלות " +
          "חוסכים יחד את הפקטור הזה; הפלט באותו גודל בשני המקרים.")
    ];
    return {
      params: { sub: "sharing", c_in: cin, c_out: cout, kernel: k, size: size },
      prompt: {
        en: "<p>The convolution " + code(layer) + " (stride 1, no padding, with bias) maps an input of " +
          math(cin + " \u00d7 " + size + " \u00d7 " + size) + " (C_in \u00d7 H \u00d7 W, one image) to C_out \u00d7 H\u2032 \u00d7 W\u2032. " +
          "A dense (fully connected) layer, with bias, maps the same flattened input to an output of the same size. " +
          "Count the output values and the parameters of both layers, and compare.</p>",
        he: "<p>הקונבולוציה " + code(layer) + " (צעד 1, בלי ריפוד, עם bias) ממפה קלט בגודל " +
          math(cin + " \u00d7 " + size + " \u00d7 " + size) + " (<bdi dir=\"ltr\">C_in \u00d7 H \u00d7 W</bdi>, תמונה אחת) ל־" +
          "<bdi dir=\"ltr\">C_out \u00d7 H\u2032 \u00d7 W\u2032</bdi>. שכבה צפופה (dense, fully connected) עם bias ממפה את אותו " +
          "קלט, משוטח, לפלט באותו גודל. ספרו את ערכי הפלט ואת הפרמטרים של שתי השכבות, והשוו.</p>"
      },
      questions: questions,
      solution: solution
    };
  }

  function generate(seed) {
    var rng = deps.rng.make(seed);
    var part = rng.chance(0.5) ? receptiveField(rng) : weightSharing(rng);
    return {
      kind: "d",
      seed: deps.rng.parseSeed(seed),
      params: part.params,
      prompt: part.prompt,
      questions: part.questions,
      solution: part.solution
    };
  }

  return { kind: "d", generate: generate };
});

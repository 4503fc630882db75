/* Practice for chapter B3: fresh, seeded variants of "the shape after each layer".
 *
 * generate(seed) -> a variant (docs PRACTICE contract, issue 19): a random input
 * b × C × H × W and a random stack of Conv2d (stride, padding, dilation, groups),
 * MaxPool2d / AvgPool2d (ceil_mode), Flatten and Linear. The questions: the shape
 * after every layer ("error" from the failing layer on) and the parameter count of
 * every layer that has parameters, and their total. About one variant in five is
 * invalid: a kernel that spans more than its (padded) input, or a Linear whose
 * in_features is not what Flatten gives.
 *
 * Every shape comes from shape-calculator.js's compute() (the same arithmetic as the
 * page's calculator, tested against torch.nn); groups, which the calculator does not
 * have, change only the parameter count, computed here. The parity test is
 * tests/test_practice_b3.py: the same stacks built with torch.nn, on 1,000+ seeds.
 */
(function (root, factory) {
  "use strict";
  var node = typeof module === "object" && module.exports;
  /* In the browser the two dependencies are looked up when a variant is drawn, so the
     order of the script tags does not matter. */
  var deps = node
    ? { rng: require("./practice-rng.js"), calc: require("./shape-calculator.js") }
    : { get rng() { return root.BookPracticeRng; }, get calc() { return root.ShapeCalculator; } };
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

  var TIMES = " \u00d7 ";

  function shapeText(shape) {
    return '<bdi dir="ltr">' + shape.join(TIMES) + "</bdi>";
  }
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
  function p(pair) {
    return { en: "<p>" + pair.en + "</p>", he: "<p>" + pair.he + "</p>" };
  }

  /* ---- the layers: drawing them, and how PyTorch would write them ------------------ */

  function divisors(a, b) {
    var out = [];
    for (var g = 2; g <= Math.min(a, b); g++) if (a % g === 0 && b % g === 0) out.push(g);
    return out;
  }

  function drawConv(rng, channels) {
    var out = rng.choice([4, 6, 8, 8, 12, 16, 16, 24, 32]);
    var groups = 1;
    var common = divisors(channels, out);
    if (common.length && rng.chance(0.3)) groups = rng.choice(common);
    var stride = rng.choice([1, 1, 1, 2, 2, 3]);
    var padding = rng.choice(stride === 1 ? [0, 0, 1, 1, 2, "same"] : [0, 0, 1, 1, 2]);
    return {
      type: "Conv2d", in_channels: channels, out_channels: out,
      kernel_size: rng.choice([1, 3, 3, 3, 5, 5, 7]), stride: stride, padding: padding,
      dilation: rng.choice([1, 1, 1, 1, 2]), groups: groups, bias: rng.chance(0.8)
    };
  }

  function drawPool(rng, type) {
    var k = rng.choice([2, 2, 2, 3, 3, 4]);
    var layer = {
      type: type, kernel_size: k, stride: rng.chance(0.6) ? null : rng.choice([1, 2, 2, 3]),
      padding: rng.chance(0.7) ? 0 : rng.int(0, Math.floor(k / 2)), ceil_mode: rng.chance(0.35)
    };
    if (type === "MaxPool2d") layer.dilation = rng.choice([1, 1, 1, 1, 2]);
    return layer;
  }

  function drawLayer(rng, channels) {
    var r = rng.next();
    if (r < 0.55) return drawConv(rng, channels);
    return drawPool(rng, r < 0.8 ? "MaxPool2d" : "AvgPool2d");
  }

  /* A layer whose kernel spans more than its padded input along the shorter side. */
  function drawFailing(rng, channels, size) {
    var conv = rng.chance(0.6);
    var d = conv || rng.chance(0.7) ? rng.choice([1, 1, 2]) : 1;
    var pad = conv ? rng.choice([0, 0, 1]) : 0;
    var kmin = Math.ceil((size + 2 * pad) / d) + 1; /* d(k - 1) + 1 > size + 2p */
    if (kmin > 7 || (!conv && pad > Math.floor(kmin / 2))) return null;
    var k = rng.int(kmin, Math.min(7, kmin + 1));
    if (conv) {
      var layer = drawConv(rng, channels);
      layer.kernel_size = k;
      layer.dilation = d;
      layer.padding = pad;
      return layer;
    }
    var type = rng.chance(0.5) ? "MaxPool2d" : "AvgPool2d";
    var pool = { type: type, kernel_size: k, stride: null, padding: 0, ceil_mode: false };
    if (type === "MaxPool2d") pool.dilation = d;
    else if (d !== 1) return null;
    return pool;
  }

  /* The calculator's form of a layer (it has no groups: they do not change the shape). */
  function calcLayer(layer) {
    var copy = {};
    Object.keys(layer).forEach(function (key) {
      if (key !== "groups") copy[key] = layer[key];
    });
    return copy;
  }

  function run(input, layers) {
    return deps.calc.compute({
      input: { channels: input[1], height: input[2], width: input[3] },
      layers: layers.map(calcLayer)
    });
  }

  /* The rows of compute() with the batch written as its number. */
  function withBatch(shape, batch) {
    return shape.map(function (v, i) { return i === 0 ? batch : v; });
  }

  /* How PyTorch writes the layer: positional arguments first, then the non-defaults. */
  function pytorch(layer) {
    var args = [];
    function opt(name, value, skip) {
      if (value !== skip) args.push(name + "=" + (typeof value === "string" ? "'" + value + "'" : value));
    }
    if (layer.type === "Conv2d") {
      args.push(layer.in_channels, layer.out_channels, layer.kernel_size);
      opt("stride", layer.stride, 1);
      opt("padding", layer.padding, 0);
      opt("dilation", layer.dilation, 1);
      opt("groups", layer.groups, 1);
      if (!layer.bias) args.push("bias=False");
    } else if (layer.type === "MaxPool2d" || layer.type === "AvgPool2d") {
      args.push(layer.kernel_size);
      opt("stride", layer.stride, null);
      opt("padding", layer.padding, 0);
      if (layer.type === "MaxPool2d") opt("dilation", layer.dilation, 1);
      if (layer.ceil_mode) args.push("ceil_mode=True");
    } else if (layer.type === "Linear") {
      args.push(layer.in_features, layer.out_features);
      if (!layer.bias) args.push("bias=False");
    }
    return "nn." + layer.type + "(" + args.join(", ") + ")";
  }

  /* ---- parameters ------------------------------------------------------------------ */

  function paramsOf(layer) {
    if (layer.type === "Conv2d") {
      var k2 = layer.kernel_size * layer.kernel_size;
      return layer.out_channels * (layer.in_channels / layer.groups) * k2 + (layer.bias ? layer.out_channels : 0);
    }
    if (layer.type === "Linear") {
      return layer.out_features * layer.in_features + (layer.bias ? layer.out_features : 0);
    }
    return 0;
  }

  function paramsHow(layer) {
    if (layer.type === "Conv2d") {
      var cin = layer.groups === 1 ? String(layer.in_channels) : "(" + layer.in_channels + "/" + layer.groups + ")";
      return layer.out_channels + "\u00b7" + cin + "\u00b7" + layer.kernel_size + "\u00b7" + layer.kernel_size +
        (layer.bias ? " + " + layer.out_channels : "") + " = " + paramsOf(layer);
    }
    return layer.out_features + "\u00b7" + layer.in_features + (layer.bias ? " + " + layer.out_features : "") +
      " = " + paramsOf(layer);
  }

  function paramHints(layer) {
    var hints = [];
    var right = paramsOf(layer);
    function add(value, en, he) {
      if (value !== right && value > 0 && !hints.some(function (h) { return h.value === value; })) {
        hints.push({ value: value, text: plain(en, he) });
      }
    }
    if (layer.bias) {
      add(right - (layer.type === "Conv2d" ? layer.out_channels : layer.out_features),
          "Forgot the bias: one per output channel (or output feature).",
          "שכחתם את ה־bias (היסט): אחד לכל ערוץ פלט (או לכל יחידת פלט).");
    } else {
      add(right + (layer.type === "Conv2d" ? layer.out_channels : layer.out_features),
          "This layer has bias=False: no biases to count.",
          "לשכבה הזאת <code>bias=False</code>: אין bias (היסט) לספור.");
    }
    if (layer.type === "Conv2d") {
      var k2 = layer.kernel_size * layer.kernel_size;
      var b = layer.bias ? layer.out_channels : 0;
      if (layer.groups > 1) {
        add(layer.out_channels * layer.in_channels * k2 + b,
            "groups=" + layer.groups + ": each filter reads only in_channels/groups = " +
            layer.in_channels / layer.groups + " channels.",
            "<code>groups=" + layer.groups + "</code>: כל מסנן קורא רק <bdi dir=\"ltr\">in_channels/groups = " +
            layer.in_channels / layer.groups + "</bdi> ערוצים.");
      }
      add(layer.out_channels * k2 + b,
          "A filter spans every input channel it reads: multiply by in_channels" +
          (layer.groups > 1 ? "/groups" : "") + " too.",
          "מסנן משתרע על כל ערוצי הקלט שהוא קורא: הכפילו גם ב־<code>in_channels" +
          (layer.groups > 1 ? "/groups" : "") + "</code>.");
    }
    return hints;
  }

  /* ---- hints for a shape: the common slips, each computed from the right input ------- */

  function shapeHints(layer, input, right) {
    var hints = [];
    function add(value, en, he) {
      if (!value) return;
      var key = JSON.stringify(value);
      if (key === JSON.stringify(right) || hints.some(function (h) { return JSON.stringify(h.value) === key; })) return;
      hints.push({ value: value, text: plain(en, he) });
    }
    function redo(change) {
      var copy = {};
      Object.keys(layer).forEach(function (key) { copy[key] = layer[key]; });
      Object.keys(change).forEach(function (key) { copy[key] = change[key]; });
      var row = run(input, [copy]).rows[0];
      return row.ok ? withBatch(row.shape, input[0]) : null;
    }
    add(right.slice(1), "Keep the batch dimension: every layer keeps it as the first dimension.",
        "השאירו את ממד ה־batch (מנה): כל שכבה שומרת אותו במקום הראשון.");
    if (right.length === 4) {
      add([right[0], right[2], right[3], right[1]], "PyTorch is channels-first: b \u00d7 C \u00d7 H \u00d7 W.",
          "ב־PyTorch הערוצים באים לפני הגובה והרוחב: <bdi dir=\"ltr\">b \u00d7 C \u00d7 H \u00d7 W</bdi>.");
      if (right[2] !== right[3]) {
        add([right[0], right[1], right[3], right[2]], "Height and width are swapped: H comes before W.",
            "הגובה והרוחב התחלפו: H בא לפני W.");
      }
    }
    if (layer.type === "Conv2d" || layer.type === "MaxPool2d") {
      if (layer.dilation > 1) {
        add(redo({ dilation: 1 }), "Dilation " + layer.dilation + " spreads the kernel: it spans d(k \u2212 1) + 1 pixels.",
            "ה־dilation " + layer.dilation + " מרווח את ה־kernel: הוא משתרע על <bdi dir=\"ltr\">d(k \u2212 1) + 1</bdi> פיקסלים.");
      }
    }
    if (layer.type === "Conv2d" && layer.padding !== "same" && layer.padding > 0) {
      add(redo({ padding: 0 }), "Count the padding: H + 2p, p on each side.",
          "ספרו את הריפוד (padding): <bdi dir=\"ltr\">H + 2p</bdi>, p מכל צד.");
    }
    if (layer.type === "Conv2d" && layer.stride > 1) {
      add(redo({ stride: 1 }), "Divide by the stride " + layer.stride + " (then floor, then + 1).",
          "חלקו בצעד (stride) " + layer.stride + " (אחר כך עיגול כלפי מטה, ואז <bdi dir=\"ltr\">+ 1</bdi>).");
    }
    if (layer.type === "MaxPool2d" || layer.type === "AvgPool2d") {
      if (layer.stride === null) {
        add(redo({ stride: 1 }), "A pooling layer's stride defaults to its kernel size, not to 1.",
            "ברירת המחדל של הצעד (stride) בשכבת pooling (איגום) היא גודל ה־kernel, לא 1.");
      }
      add(redo({ ceil_mode: !layer.ceil_mode }),
          layer.ceil_mode ? "ceil_mode=True rounds the division up, not down." :
            "Without ceil_mode the division rounds down (floor).",
          layer.ceil_mode ? "<code>ceil_mode=True</code> מעגל את החילוק כלפי מעלה, לא כלפי מטה." :
            "בלי <code>ceil_mode</code> החילוק מעוגל כלפי מטה (floor).");
    }
    return hints;
  }

  /* ---- the worked solution: one step per layer ------------------------------------ */

  var DROPPED_EN = " (last window would start in the padding: dropped)";

  function failingStep(n, layer, input) {
    var k = layer.kernel_size;
    var d = layer.dilation || 1;
    var pad = layer.padding === "same" || layer.padding === "valid" ? 0 : layer.padding;
    var span = d * (k - 1) + 1;
    var axis = input[2] <= input[3] ? 2 : 3;
    var size = input[axis];
    var spanText = d === 1 ? String(k) : d + "\u00b7(" + k + " \u2212 1) + 1 = " + span;
    var name = axis === 2 ? ["height", "הגובה"] : ["width", "הרוחב"];
    return p(both(
      "Layer " + n + ", " + code(pytorch(layer)) + ": the kernel spans " + math(spanText) +
        " pixels, but the padded input " + name[0] + " is only " + math(size + " + 2\u00b7" + pad + " = " + (size + 2 * pad)) +
        ". No window fits, so PyTorch raises an error here: the answer is <strong>error</strong> for this layer and every later one.",
      "שכבה " + n + ", " + code(pytorch(layer)) + ": ה־kernel משתרע על " + math(spanText) +
        " פיקסלים, אבל " + name[1] + " של הקלט המרופד הוא רק " + math(size + " + 2\u00b7" + pad + " = " + (size + 2 * pad)) +
        ". אין מקום אף לחלון אחד, ולכן PyTorch מעלה כאן שגיאה: התשובה היא <strong>שגיאה</strong> לשכבה הזאת ולכל שכבה אחריה."
    ));
  }

  function layerStep(n, layer, input, output, row) {
    var head = { en: "Layer " + n + ", " + code(pytorch(layer)) + ": ", he: "שכבה " + n + ", " + code(pytorch(layer)) + ": " };
    var en, he;
    if (layer.type === "Conv2d") {
      var how = row.how;
      en = "channels " + input[1] + " \u2192 " + layer.out_channels + "; " + math(how) + " (the formula " +
        math("\u230a(H + 2p \u2212 d(k \u2212 1) \u2212 1)/s\u230b + 1") + ")";
      he = "ערוצים " + math(input[1] + " \u2192 " + layer.out_channels) + "; " + math(how) + " (הנוסחה " +
        math("\u230a(H + 2p \u2212 d(k \u2212 1) \u2212 1)/s\u230b + 1") + ")";
      if (layer.padding === "same") {
        en = "channels " + input[1] + " \u2192 " + layer.out_channels + "; <code>padding='same'</code> with stride 1 keeps H and W";
        he = "ערוצים " + math(input[1] + " \u2192 " + layer.out_channels) +
          "; <code>padding='same'</code> עם צעד 1 שומר על H ועל W";
      }
      en += ". Output " + shapeText(output) + ".";
      he += ". הפלט: " + shapeText(output) + ".";
      if (layer.groups > 1) {
        en += " With <code>groups=" + layer.groups + "</code> each filter reads only " +
          math(layer.in_channels + "/" + layer.groups + " = " + layer.in_channels / layer.groups) +
          " input channels; the shape is as without groups.";
        he += " עם <code>groups=" + layer.groups + "</code> כל מסנן קורא רק " +
          math(layer.in_channels + "/" + layer.groups + " = " + layer.in_channels / layer.groups) +
          " ערוצי קלט; הצורה כמו בלי groups.";
      }
      en += " Parameters: " + math(paramsHow(layer)) + ".";
      he += " פרמטרים: " + math(paramsHow(layer)) + ".";
    } else if (layer.type === "MaxPool2d" || layer.type === "AvgPool2d") {
      var s = layer.stride === null ? layer.kernel_size : layer.stride;
      var dropped = row.how.indexOf(DROPPED_EN) >= 0;
      var howEn = row.how.split(DROPPED_EN).join(" (last window dropped)");
      var howHe = row.how.split(DROPPED_EN).join(" (החלון האחרון מושמט)");
      en = "channels unchanged (" + input[1] + "); stride " + s + (layer.stride === null ? " (the default: the kernel size)" : "") +
        (layer.ceil_mode ? ", rounding up (<code>ceil_mode=True</code>)" : ", rounding down") + ": " + math(howEn);
      he = "מספר הערוצים לא משתנה (" + input[1] + "); צעד " + s + (layer.stride === null ? " (ברירת המחדל: גודל ה־kernel)" : "") +
        (layer.ceil_mode ? ", עיגול כלפי מעלה (<code>ceil_mode=True</code>)" : ", עיגול כלפי מטה") + ": " + math(howHe);
      if (dropped) {
        en += ". With <code>ceil_mode</code> a last window that would start in the right padding is dropped";
        he += ". עם <code>ceil_mode</code> חלון אחרון שהיה מתחיל בריפוד הימני מושמט";
      }
      en += ". Output " + shapeText(output) + ". No parameters.";
      he += ". הפלט: " + shapeText(output) + ". אין פרמטרים.";
    } else if (layer.type === "Flatten") {
      en = "keeps the batch and multiplies the rest: " + math(input.slice(1).join("\u00b7") + " = " + output[1]) +
        ". Output " + shapeText(output) + ". No parameters.";
      he = "שומר על ה־batch (מנה) ומכפיל את השאר: " + math(input.slice(1).join("\u00b7") + " = " + output[1]) +
        ". הפלט: " + shapeText(output) + ". אין פרמטרים.";
    } else {
      en = "the last dimension " + input[input.length - 1] + " equals in_features, and becomes " + layer.out_features +
        ". Output " + shapeText(output) + ". Parameters: " + math(paramsHow(layer)) + ".";
      he = "הממד האחרון " + input[input.length - 1] + " שווה ל־<code>in_features</code> והופך ל־" + layer.out_features +
        ". הפלט: " + shapeText(output) + ". פרמטרים: " + math(paramsHow(layer)) + ".";
    }
    return p({ en: head.en + en, he: head.he + he });
  }

  function linearFailStep(n, layer, flat) {
    return p(both(
      "Layer " + n + ", " + code(pytorch(layer)) + ": Flatten gives " + flat + " features, but in_features is " +
        layer.in_features + ". PyTorch raises an error (the matrix shapes cannot be multiplied): the answer is <strong>error</strong>. " +
        "Its parameters still exist: " + math(paramsHow(layer)) + ".",
      "שכבה " + n + ", " + code(pytorch(layer)) + ": ה־Flatten נותן " + flat + " ערכים, אבל <code>in_features</code> הוא " +
        layer.in_features + ". PyTorch מעלה שגיאה (אי אפשר לכפול את המטריצות): התשובה היא <strong>שגיאה</strong>. " +
        "הפרמטרים שלה קיימים בכל זאת: " + math(paramsHow(layer)) + "."
    ));
  }

  /* ---- one variant ----------------------------------------------------------------- */

  var OUTCOMES = ["valid", "kernel", "linear"];

  function draw(rng, outcome) {
    var small = outcome === "kernel";
    var batch = rng.int(1, 8);
    var channels = rng.choice([1, 3, 3, 3, 4, 8]);
    var h = small ? rng.int(6, 20) : rng.int(12, 64);
    var w = rng.chance(0.6) ? h : (small ? rng.int(6, 20) : rng.int(12, 64));
    var input = [batch, channels, h, w];
    var n = rng.int(2, 4);
    var failAt = outcome === "kernel" ? rng.int(1, n - 1) : -1;
    var layers = [];
    var shape = input;
    for (var i = 0; i < n; i++) {
      var layer = null;
      if (i === failAt) {
        layer = drawFailing(rng, shape[1], Math.min(shape[2], shape[3]));
        if (!layer || run(shape, [layer]).rows[0].ok) return null;
        layers.push(layer);
        break;
      }
      for (var attempt = 0; attempt < 30 && !layer; attempt++) {
        var candidate = drawLayer(rng, shape[1]);
        var row = run(shape, [candidate]).rows[0];
        /* keep at least 2 × 2 before a later layer, 1 × 1 at the end */
        var least = i < n - 1 ? 2 : 1;
        if (row.ok && row.shape[2] >= least && row.shape[3] >= least) {
          layer = candidate;
          shape = withBatch(row.shape, batch);
        }
      }
      if (!layer) return null;
      layers.push(layer);
    }
    var flat = shape[1] * shape[2] * shape[3];
    var inFeatures = flat;
    if (outcome === "linear") {
      var wrong = [shape[2] * shape[3], shape[1] * (shape[2] + 1) * (shape[3] + 1),
                   shape[1] * (shape[2] - 1) * (shape[3] - 1), input[1] * input[2] * input[3]].filter(function (v) {
        return v > 0 && v !== flat;
      });
      if (!wrong.length) return null;
      inFeatures = rng.choice(wrong);
    }
    layers.push({ type: "Flatten" });
    layers.push({ type: "Linear", in_features: inFeatures, out_features: rng.choice([2, 5, 10, 10, 10, 16, 32]),
                  bias: rng.chance(0.85) });
    return { input: input, layers: layers };
  }

  function generate(seed) {
    var rng = deps.rng.make(seed);
    var r = rng.next();
    var outcome = r < 0.8 ? "valid" : r < 0.93 ? "kernel" : "linear";
    var net = null;
    for (var tries = 0; tries < 200 && !net; tries++) net = draw(rng, outcome);
    if (!net) throw new Error("practice-b3: no variant drawn for seed " + seed); /* never seen in the tests */
    var input = net.input;
    var layers = net.layers;
    var result = run(input, layers);

    var questions = [];
    var solution = [p(both(
      "The input is " + shapeText(input) + ": batch " + input[0] + " first, then channels, height and width. " +
        "No layer here changes the batch dimension.",
      "הקלט הוא " + shapeText(input) + ": קודם ה־batch (מנה) " + input[0] + ", אחריו הערוצים, הגובה והרוחב. " +
        "אף שכבה כאן לא משנה את ממד ה־batch."
    ))];
    var shape = input;
    var broken = false;
    var firstError = null;
    layers.forEach(function (layer, i) {
      var row = result.rows[i];
      var q = {
        id: "out-" + (i + 1),
        label: plain("Shape after layer " + (i + 1) + " (" + layer.type + ")", "הצורה אחרי שכבה " + (i + 1) + " (" + layer.type + ")"),
        accepts: "shape-or-error"
      };
      if (broken || !row.ok) {
        q.answer = { type: "error" };
        if (!broken) {
          firstError = i + 1;
          solution.push(layer.type === "Linear" ? linearFailStep(i + 1, layer, shape[1]) : failingStep(i + 1, layer, shape));
        }
        broken = true;
      } else {
        var out = withBatch(row.shape, input[0]);
        q.answer = { type: "shape", value: out };
        var hints = layer.type === "Linear" || layer.type === "Flatten" ? [] : shapeHints(layer, shape, out);
        if (layer.type === "Flatten") {
          hints = [{ value: [out[1]], text: plain("Flatten keeps the batch: it flattens C \u00b7 H \u00b7 W only.",
                                               "ה־Flatten שומר על ה־batch (מנה): הוא משטח רק את <bdi dir=\"ltr\">C \u00b7 H \u00b7 W</bdi>.") }];
        }
        if (hints.length) q.hints = hints;
        solution.push(layerStep(i + 1, layer, shape, out, row));
        shape = out;
      }
      questions.push(q);
    });
    if (broken) {
      var after = layers.slice(firstError).filter(function (l) { return paramsOf(l) > 0; }).map(function (l) {
        return code(pytorch(l)) + ": " + math(paramsHow(l));
      });
      if (after.length) {
        solution.push(p(both(
          "The layers after the error are never run, but they exist, and so do their parameters: " + after.join("; ") + ".",
          "השכבות שאחרי השגיאה אינן רצות, אבל הן קיימות, וכך גם הפרמטרים שלהן: " + after.join("; ") + "."
        )));
      }
    }
    var total = 0;
    var terms = [];
    layers.forEach(function (layer, i) {
      var count = paramsOf(layer);
      if (layer.type !== "Conv2d" && layer.type !== "Linear") return;
      total += count;
      terms.push(String(count));
      var q = {
        id: "params-" + (i + 1),
        label: plain("Parameters of layer " + (i + 1) + " (" + layer.type + ")", "מספר הפרמטרים של שכבה " + (i + 1) + " (" + layer.type + ")"),
        accepts: "int",
        answer: { type: "int", value: count }
      };
      var hints = paramHints(layer);
      if (hints.length) q.hints = hints;
      questions.push(q);
    });
    questions.push({
      id: "params-total",
      label: plain("Parameters in total", "מספר הפרמטרים הכולל"),
      accepts: "int",
      answer: { type: "int", value: total }
    });
    solution.push(p(both(
      "Pooling and Flatten have no parameters. In total: " + math(terms.length > 1 ? terms.join(" + ") + " = " + total : String(total)) +
        " (what <code>sum(p.numel() for p in model.parameters())</code> counts" + (broken ? ", whether or not a forward pass fails" : "") + ").",
      "ל־pooling (איגום) ול־Flatten אין פרמטרים. בסך הכול: " + math(terms.length > 1 ? terms.join(" + ") + " = " + total : String(total)) +
        " (מה ש־<code>sum(p.numel() for p in model.parameters())</code> סופר" + (broken ? ", בין שהמעבר קדימה נכשל ובין שלא" : "") + ")."
    )));

    var list = layers.map(function (layer) { return "<li>" + code(pytorch(layer)) + "</li>"; }).join("");
    var prompt = {
      en: "<p>An input of shape " + shapeText(input) + " (b \u00d7 C \u00d7 H \u00d7 W, batch " + input[0] +
        ") goes through <code>nn.Sequential</code> of these layers:</p><ol>" + list + "</ol>" +
        "<p>Give the shape after each layer, batch included, e.g. <bdi dir=\"ltr\">8 \u00d7 16 \u00d7 30 \u00d7 30</bdi>. " +
        "Some networks are invalid: if PyTorch raises an error at a layer, answer <strong>error</strong> for that layer " +
        "and for every layer after it. Then give the number of parameters of each layer that has parameters, and the total " +
        "(the layers exist even where a forward pass would fail).</p>",
      he: "<p>קלט בצורה " + shapeText(input) + " (<bdi dir=\"ltr\">b \u00d7 C \u00d7 H \u00d7 W</bdi>, batch בגודל " + input[0] +
        ") עובר דרך <code>nn.Sequential</code> של השכבות האלה:</p><ol>" + list + "</ol>" +
        "<p>כתבו את הצורה אחרי כל שכבה, כולל ה־batch, למשל <bdi dir=\"ltr\">8 \u00d7 16 \u00d7 30 \u00d7 30</bdi>. " +
        "חלק מהרשתות שגויות: אם PyTorch מעלה שגיאה בשכבה מסוימת, ענו <strong>שגיאה</strong> לשכבה הזאת " +
        "ולכל שכבה אחריה. אחר כך כתבו את מספר הפרמטרים של כל שכבה שיש לה פרמטרים, ואת הסך הכולל " +
        "(השכבות קיימות גם כשמעבר קדימה היה נכשל).</p>"
    };
    return {
      kind: "b3",
      seed: deps.rng.parseSeed(seed),
      params: { outcome: outcome, input: input, layers: layers, first_error: firstError },
      prompt: prompt,
      questions: questions,
      solution: solution
    };
  }

  return { kind: "b3", generate: generate, OUTCOMES: OUTCOMES };
});

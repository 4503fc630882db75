/* The arithmetic of chapter B3's shape calculator: pure functions, no DOM.
 *
 * Loaded by the page (as window.ShapeCalculator) and by node in the tests
 * (require(...) returns the same object), where it is checked against shapes
 * and errors produced by real torch.nn layers (tests/test_b3_shape_calculator.py).
 *
 *   ShapeCalculator.compute({input: {channels, height, width}, layers: [...]})
 *
 * Field values are strings, as typed in a form ("3", "", "same"), or numbers.
 * A layer is {type: "Conv2d" | "MaxPool2d" | "AvgPool2d" | "ReLU" | "Flatten" |
 * "Linear", ...fields}. The result has one row per layer:
 *   {ok: true,  shape: ["b", 5, 26, 26], params: 140, how: "...", paramsHow: "..."}
 *   {ok: false, error: "a sentence", field: "kernel_size" | null}
 *   {ok: false, skipped: true}            (after an earlier error)
 * Rules follow PyTorch's (torch 2.x) for these layers. The calculator is
 * stricter in two places, each rejected with a message: zero channels or
 * features (PyTorch makes empty tensors) and fields above MAX_FIELD (so that
 * every count is an exact JavaScript integer).
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.ShapeCalculator = api;
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var MAX_FIELD = 100000;

  /* The fields of each layer type: name, what it accepts, its default. */
  var LAYER_TYPES = {
    Conv2d: [
      { name: "in_channels", kind: "int", min: 1, value: "3" },
      { name: "out_channels", kind: "int", min: 1, value: "8" },
      { name: "kernel_size", kind: "int", min: 1, value: "3" },
      { name: "stride", kind: "int", min: 1, value: "1" },
      { name: "padding", kind: "padding", min: 0, value: "0" },
      { name: "dilation", kind: "int", min: 1, value: "1" },
      { name: "bias", kind: "bool", value: true }
    ],
    MaxPool2d: [
      { name: "kernel_size", kind: "int", min: 1, value: "2" },
      { name: "stride", kind: "optional", min: 1, value: "" },
      { name: "padding", kind: "int", min: 0, value: "0" },
      { name: "dilation", kind: "int", min: 1, value: "1" },
      { name: "ceil_mode", kind: "bool", value: false }
    ],
    AvgPool2d: [
      { name: "kernel_size", kind: "int", min: 1, value: "2" },
      { name: "stride", kind: "optional", min: 1, value: "" },
      { name: "padding", kind: "int", min: 0, value: "0" },
      { name: "ceil_mode", kind: "bool", value: false }
    ],
    ReLU: [],
    Flatten: [],
    Linear: [
      { name: "in_features", kind: "int", min: 1, value: "845" },
      { name: "out_features", kind: "int", min: 1, value: "10" },
      { name: "bias", kind: "bool", value: true }
    ]
  };

  function LayerError(message, field) {
    this.message = message;
    this.field = field || null;
  }

  function fail(message, field) {
    throw new LayerError(message, field);
  }

  /* A whole number typed in a field: digits only, within [min, MAX_FIELD]. */
  function parseWhole(raw, name, min) {
    var text = raw === undefined || raw === null ? "" : String(raw).trim();
    if (text === "") fail(name + " is empty: enter a whole number", name);
    if (!/^-?[0-9]+$/.test(text)) {
      fail(name + " must be a whole number, not \u201c" + text + "\u201d", name);
    }
    var value = parseInt(text, 10);
    if (value < min) fail(name + " must be at least " + min + " (got " + value + ")", name);
    if (value > MAX_FIELD) fail(name + " must be at most " + MAX_FIELD + " here (got " + value + ")", name);
    return value;
  }

  function parseField(spec, raw) {
    if (spec.kind === "bool") {
      if (raw === true || raw === "true") return true;
      if (raw === false || raw === "false" || raw === undefined || raw === "") return false;
      fail(spec.name + " must be true or false", spec.name);
    }
    if (spec.kind === "optional") {
      var text = raw === undefined || raw === null ? "" : String(raw).trim();
      if (text === "" || text === "None") return null;
      return parseWhole(text, spec.name, spec.min);
    }
    if (spec.kind === "padding") {
      var word = raw === undefined || raw === null ? "" : String(raw).trim().replace(/^['"]|['"]$/g, "");
      if (word === "same" || word === "valid") return word;
      if (word !== "" && !/^-?[0-9]+$/.test(word)) {
        fail("padding must be a whole number, \u201csame\u201d or \u201cvalid\u201d, not \u201c" + word + "\u201d", "padding");
      }
      return parseWhole(word, "padding", spec.min);
    }
    return parseWhole(raw, spec.name, spec.min);
  }

  function parseLayer(layer) {
    var fields = LAYER_TYPES[layer.type];
    if (!fields) fail("unknown layer type \u201c" + layer.type + "\u201d", "type");
    var args = {};
    fields.forEach(function (spec) {
      args[spec.name] = parseField(spec, layer[spec.name]);
    });
    return args;
  }

  function group(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function formatShape(shape) {
    return shape.join(" \u00d7 ");
  }

  function safe(n, what) {
    if (!Number.isSafeInteger(n)) fail(what + " is too large to compute exactly here", null);
    return n;
  }

  function needImage(shape, type) {
    if (shape.length !== 4) {
      fail(type + " needs a 4-D input b \u00d7 C \u00d7 H \u00d7 W, but gets " + formatShape(shape) +
           (shape.length === 2 ? " (after Flatten only Linear fits)" : ""), null);
    }
  }

  function sizeFormula(h, k, s, p, d, ceil) {
    var kernel = d === 1 ? String(k) : d + "\u00b7(" + k + " \u2212 1) \u2212 1";
    var lo = ceil ? "\u2308" : "\u230a";
    var hi = ceil ? "\u2309" : "\u230b";
    return lo + "(" + h + " + 2\u00b7" + p + " \u2212 " + kernel + ") / " + s + hi + " + 1";
  }

  function joinAxes(parts) {
    return parts[0] === parts[1] ? parts[0] : "H: " + parts[0] + "; W: " + parts[1];
  }

  /* Output size along one axis: floor mode, or PyTorch's ceil mode. */
  function windowCount(size, k, s, p, d, ceil) {
    var span = d * (k - 1) + 1;
    var out = Math.floor((size + 2 * p - span + (ceil ? s - 1 : 0)) / s) + 1;
    var dropped = false;
    if (ceil && (out - 1) * s >= size + p) {
      out -= 1; /* the last window would start in the right padding */
      dropped = true;
    }
    return { out: out, dropped: dropped, span: span };
  }

  var AXES = ["height", "width"];

  function conv2d(shape, a) {
    needImage(shape, "Conv2d");
    if (shape[1] !== a.in_channels) {
      fail("in_channels is " + a.in_channels + " but the input has " + shape[1] + " channels", "in_channels");
    }
    if (a.padding === "same" && a.stride !== 1) {
      fail("padding \u201csame\u201d needs stride 1 (PyTorch rejects strided \u201csame\u201d convolutions)", "padding");
    }
    var out = [shape[0], a.out_channels];
    var how = [];
    for (var i = 0; i < 2; i++) {
      var h = shape[2 + i];
      if (a.padding === "same") {
        out.push(h);
        how.push("padding='same' keeps " + h);
        continue;
      }
      var p = a.padding === "valid" ? 0 : a.padding;
      var span = a.dilation * (a.kernel_size - 1) + 1;
      if (h + 2 * p < span) {
        fail("the kernel spans " + span + " pixels but the padded input " + AXES[i] + " is only " +
             (h + 2 * p) + " (" + h + " + 2\u00b7" + p + ")", "kernel_size");
      }
      var n = Math.floor((h + 2 * p - span) / a.stride) + 1;
      out.push(n);
      how.push(sizeFormula(h, a.kernel_size, a.stride, p, a.dilation, false) + " = " + n);
    }
    var weights = a.out_channels + "\u00b7" + a.in_channels + "\u00b7" + a.kernel_size + "\u00b7" + a.kernel_size;
    var params = a.out_channels * a.in_channels * a.kernel_size * a.kernel_size + (a.bias ? a.out_channels : 0);
    return {
      shape: out, params: safe(params, "the parameter count"), how: joinAxes(how),
      paramsHow: weights + (a.bias ? " + " + a.out_channels : "")
    };
  }

  function pool2d(type) {
    return function (shape, a) {
      needImage(shape, type);
      var k = a.kernel_size;
      var s = a.stride === null ? k : a.stride;
      var d = a.dilation === undefined ? 1 : a.dilation;
      if (a.padding > Math.floor(k / 2)) {
        fail("padding " + a.padding + " is more than half of kernel_size " + k +
             ": PyTorch allows at most " + Math.floor(k / 2), "padding");
      }
      var out = [shape[0], shape[1]];
      var how = [];
      for (var i = 0; i < 2; i++) {
        var h = shape[2 + i];
        var w = windowCount(h, k, s, a.padding, d, a.ceil_mode);
        if (w.out < 1) {
          fail("the output " + AXES[i] + " would be " + w.out + ": a window spanning " + w.span +
               " pixels does not fit in " + h + " + 2\u00b7" + a.padding, "kernel_size");
        }
        out.push(w.out);
        how.push(sizeFormula(h, k, s, a.padding, d, a.ceil_mode) + " = " + w.out +
                 (w.dropped ? " (last window would start in the padding: dropped)" : ""));
      }
      return { shape: out, params: 0, how: joinAxes(how), paramsHow: "" };
    };
  }

  function flatten(shape) {
    if (shape.length <= 2) return { shape: shape.slice(), params: 0, how: "already flat", paramsHow: "" };
    var n = 1;
    for (var i = 1; i < shape.length; i++) n *= shape[i];
    return {
      shape: [shape[0], safe(n, "the flattened size")], params: 0,
      how: shape.slice(1).join("\u00b7") + " = " + n, paramsHow: ""
    };
  }

  function linear(shape, a) {
    var last = shape[shape.length - 1];
    if (last !== a.in_features) {
      fail("in_features is " + a.in_features + " but the input\u2019s last dimension is " + last +
           (shape.length > 2 ? " (Linear acts on the last dimension: add a Flatten before it)" : ""),
           "in_features");
    }
    var out = shape.slice(0, -1).concat([a.out_features]);
    var params = a.out_features * a.in_features + (a.bias ? a.out_features : 0);
    return {
      shape: out, params: safe(params, "the parameter count"),
      how: "last dimension " + last + " \u2192 " + a.out_features,
      paramsHow: a.out_features + "\u00b7" + a.in_features + (a.bias ? " + " + a.out_features : "")
    };
  }

  function relu(shape) {
    return { shape: shape.slice(), params: 0, how: "element-wise: shape unchanged", paramsHow: "" };
  }

  var APPLY = {
    Conv2d: conv2d, MaxPool2d: pool2d("MaxPool2d"), AvgPool2d: pool2d("AvgPool2d"),
    ReLU: relu, Flatten: flatten, Linear: linear
  };

  /* One layer: {shape, params, how, paramsHow} or a thrown LayerError. */
  function applyLayer(shape, layer) {
    var args = parseLayer(layer);
    return APPLY[layer.type](shape, args);
  }

  function compute(config) {
    var input = config.input || {};
    var result = { input: null, rows: [], output: null, total: null };
    var shape;
    try {
      shape = ["b",
        parseWhole(input.channels, "channels", 1),
        parseWhole(input.height, "height", 1),
        parseWhole(input.width, "width", 1)];
      result.input = { ok: true, shape: shape };
    } catch (err) {
      if (!(err instanceof LayerError)) throw err;
      result.input = { ok: false, error: "input: " + err.message, field: err.field };
    }
    var total = 0;
    var broken = !result.input.ok;
    (config.layers || []).forEach(function (layer) {
      if (broken) {
        result.rows.push({ ok: false, skipped: true });
        return;
      }
      try {
        var r = applyLayer(shape, layer);
        shape = r.shape;
        total += r.params;
        result.rows.push({ ok: true, shape: r.shape, params: r.params, how: r.how, paramsHow: r.paramsHow });
      } catch (err) {
        if (!(err instanceof LayerError)) throw err;
        broken = true;
        result.rows.push({ ok: false, error: err.message, field: err.field });
      }
    });
    if (!broken) {
      result.output = shape;
      result.total = total;
    }
    return result;
  }

  function conv(i, o, k, extra) {
    var l = { type: "Conv2d", in_channels: String(i), out_channels: String(o), kernel_size: String(k),
              stride: "1", padding: "0", dilation: "1", bias: true };
    Object.keys(extra || {}).forEach(function (key) { l[key] = extra[key]; });
    return l;
  }
  function pool(type, k, extra) {
    var l = type === "MaxPool2d"
      ? { type: type, kernel_size: String(k), stride: "", padding: "0", dilation: "1", ceil_mode: false }
      : { type: type, kernel_size: String(k), stride: "", padding: "0", ceil_mode: false };
    Object.keys(extra || {}).forEach(function (key) { l[key] = extra[key]; });
    return l;
  }
  function lin(i, o) { return { type: "Linear", in_features: String(i), out_features: String(o), bias: true }; }
  var RELU = { type: "ReLU" };
  var FLAT = { type: "Flatten" };
  var EXAM_INPUT = { channels: "3", height: "28", width: "28" };

  /* The chapter's networks (snippets/b3_shape_tracer.py builds the same ones in
   * PyTorch; the tests check that both agree layer by layer). */
  var PRESETS = {
    reconstruction: {
      label: "The reconstruction: Conv2d(3, 5, 3) \u2192 ReLU \u2192 MaxPool2d(2) \u2192 Flatten \u2192 Linear",
      input: EXAM_INPUT,
      layers: [conv(3, 5, 3), RELU, pool("MaxPool2d", 2), FLAT, lin(845, 10)]
    },
    padding1: {
      label: "Variant: padding=1",
      input: EXAM_INPUT,
      layers: [conv(3, 5, 3, { padding: "1" }), RELU, pool("MaxPool2d", 2), FLAT, lin(980, 10)]
    },
    stride2: {
      label: "Variant: stride=2",
      input: EXAM_INPUT,
      layers: [conv(3, 5, 3, { stride: "2" }), RELU, pool("MaxPool2d", 2), FLAT, lin(180, 10)]
    },
    two_blocks: {
      label: "Variant: a second conv block",
      input: EXAM_INPUT,
      layers: [conv(3, 5, 3), RELU, pool("MaxPool2d", 2), conv(5, 10, 3), RELU, pool("MaxPool2d", 2),
               FLAT, lin(250, 10)]
    },
    ceil_mode: {
      label: "Variant: a second conv block with ceil_mode=True",
      input: EXAM_INPUT,
      layers: [conv(3, 5, 3), RELU, pool("MaxPool2d", 2), conv(5, 10, 3), RELU,
               pool("MaxPool2d", 2, { ceil_mode: true }), FLAT, lin(360, 10)]
    },
    lenet5: {
      label: "LeNet-5\u2019s sizes, simplified",
      input: EXAM_INPUT,
      layers: [conv(3, 6, 5, { padding: "2" }), RELU, pool("AvgPool2d", 2), conv(6, 16, 5), RELU,
               pool("AvgPool2d", 2), FLAT, lin(400, 120), RELU, lin(120, 84), RELU, lin(84, 10)]
    }
  };

  return {
    LAYER_TYPES: LAYER_TYPES,
    PRESETS: PRESETS,
    MAX_FIELD: MAX_FIELD,
    compute: compute,
    formatShape: formatShape,
    group: group
  };
});

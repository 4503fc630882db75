/* The shape calculator's form (chapter B3). The arithmetic is in shape-calculator.js.
 *
 * Every element with class "shape-calculator" becomes a calculator: an input
 * shape b × C × H × W, a list of layers with their arguments, and a table of the
 * output shape and parameters after each layer, recomputed as the reader types.
 * An invalid layer shows its message in place (and in the table); the layers
 * after it are not computed. Plain HTML controls, each with a label, so it is
 * keyboard usable; the results are an aria-live region.
 *
 * Set up on first load and after every instant-navigation page swap (Material's
 * document$), once per element (marked data-ready).
 */
(function () {
  "use strict";

  var TYPES = ["Conv2d", "MaxPool2d", "AvgPool2d", "ReLU", "Flatten", "Linear"];
  /* Interface text in the page's language (i18n.js); the layer and argument names
   * are PyTorch's and stay as they are. The arithmetic's messages are English. */
  function T(key) {
    return window.bookText ? window.bookText.apply(null, arguments) : key;
  }
  var LABELS = {
    get stride_optional() { return T("sc.stride_optional"); },
    get padding_conv() { return T("sc.padding_conv"); }
  };
  var counter = 0;

  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "className") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  function copy(value) {
    return JSON.parse(JSON.stringify(value));
  }

  function Calculator(root, calc) {
    this.calc = calc;
    this.root = root;
    this.id = "sc" + (++counter);
    var preset = calc.PRESETS[root.getAttribute("data-preset")] ? root.getAttribute("data-preset") : "reconstruction";
    this.state = copy({ input: calc.PRESETS[preset].input, layers: calc.PRESETS[preset].layers });
    this.build(preset);
    this.renderLayers();
    this.update();
  }

  Calculator.prototype.build = function (preset) {
    var self = this;
    var id = this.id;
    this.root.textContent = "";

    var presetSelect = h("select", { id: id + "-preset" },
      Object.keys(this.calc.PRESETS).map(function (name) {
        var option = h("option", { value: name, text: self.calc.PRESETS[name].label });
        if (name === preset) option.selected = true;
        return option;
      }));
    var load = h("button", { type: "button", className: "sc-button", text: T("sc.load") });
    load.addEventListener("click", function () {
      var p = self.calc.PRESETS[presetSelect.value];
      self.state = copy({ input: p.input, layers: p.layers });
      self.syncInput();
      self.renderLayers();
      self.update();
    });

    this.inputFields = {};
    var inputParts = [["channels", "channels C"], ["height", "height H"], ["width", "width W"]].map(function (pair) {
      var input = h("input", { id: id + "-in-" + pair[0], type: "text", inputmode: "numeric", autocomplete: "off",
                               spellcheck: "false", size: "5", "data-field": pair[0] });
      input.addEventListener("input", function () {
        self.state.input[pair[0]] = input.value;
        self.update();
      });
      self.inputFields[pair[0]] = input;
      return h("span", { className: "sc-field" }, [h("label", { "for": input.id, text: pair[1] }), input]);
    });
    this.inputMsg = h("p", { className: "sc-out", id: id + "-in-msg" });

    this.list = h("ol", { className: "sc-layers" });

    var addSelect = h("select", { id: id + "-add" }, TYPES.map(function (t) {
      return h("option", { value: t, text: t });
    }));
    var add = h("button", { type: "button", className: "sc-button", text: T("sc.add") });
    add.addEventListener("click", function () {
      self.state.layers.push(self.defaults(addSelect.value, self.state.layers.length));
      self.renderLayers();
      self.update();
      var first = self.list.lastElementChild && self.list.lastElementChild.querySelector("select, input");
      if (first) first.focus();
    });

    this.summary = h("p", { className: "sc-summary" });
    this.tbody = h("tbody");
    var table = h("table", {}, [
      h("caption", { text: T("sc.caption") }),
      h("thead", {}, [h("tr", {}, ["#", T("sc.col.layer"), T("sc.col.shape"), T("sc.col.how"), T("sc.col.params")].map(function (t) {
        return h("th", { scope: "col", text: t });
      }))]),
      this.tbody
    ]);

    var form = h("form", { className: "sc-form", novalidate: "novalidate", "aria-label": T("sc.name") }, [
      h("div", { className: "sc-toolbar" }, [
        h("label", { "for": presetSelect.id, text: T("sc.start") }), presetSelect, load]),
      h("fieldset", { className: "sc-input" }, [
        h("legend", { text: T("sc.input") })].concat(inputParts).concat([this.inputMsg])),
      this.list,
      h("div", { className: "sc-add" }, [h("label", { "for": addSelect.id, text: T("sc.new") }), addSelect, add]),
      h("div", { className: "sc-results", "aria-live": "polite" }, [this.summary, table])
    ]);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    this.root.appendChild(form);
    this.syncInput();
  };

  Calculator.prototype.syncInput = function () {
    var self = this;
    Object.keys(this.inputFields).forEach(function (key) {
      self.inputFields[key].value = self.state.input[key];
    });
  };

  /* A new layer of `type` at position `index`, its counts taken from the layer before where known. */
  Calculator.prototype.defaults = function (type, index) {
    var layer = { type: type };
    this.calc.LAYER_TYPES[type].forEach(function (spec) { layer[spec.name] = spec.value; });
    var before = this.calc.compute({ input: this.state.input, layers: this.state.layers.slice(0, index) });
    var shape = before.output;
    if (shape) {
      if (type === "Conv2d" && shape.length === 4) layer.in_channels = String(shape[1]);
      if (type === "Linear") layer.in_features = String(shape[shape.length - 1]);
    }
    return layer;
  };

  Calculator.prototype.renderLayers = function () {
    var self = this;
    var focused = document.activeElement && this.root.contains(document.activeElement) ? document.activeElement.id : null;
    this.list.textContent = "";
    this.layerOut = [];
    this.layerInputs = [];
    var n = this.state.layers.length;
    this.state.layers.forEach(function (layer, i) {
      var base = self.id + "-l" + i;
      var typeSelect = h("select", { id: base + "-type" }, TYPES.map(function (t) {
        var option = h("option", { value: t, text: t });
        if (t === layer.type) option.selected = true;
        return option;
      }));
      typeSelect.addEventListener("change", function () {
        self.state.layers[i] = self.defaults(typeSelect.value, i);
        self.renderLayers();
        self.update();
      });
      var parts = [h("span", { className: "sc-field" }, [h("label", { "for": typeSelect.id, text: T("sc.type") }), typeSelect])];
      var inputs = {};
      self.calc.LAYER_TYPES[layer.type].forEach(function (spec) {
        var fid = base + "-" + spec.name;
        if (spec.kind === "bool") {
          var box = h("input", { id: fid, type: "checkbox", "data-field": spec.name });
          box.checked = layer[spec.name] === true || layer[spec.name] === "true";
          box.addEventListener("change", function () {
            self.state.layers[i][spec.name] = box.checked;
            self.update();
          });
          inputs[spec.name] = box;
          parts.push(h("span", { className: "sc-field sc-check" }, [box, h("label", { "for": fid, text: spec.name })]));
          return;
        }
        var label = spec.name;
        if (spec.kind === "optional") label = LABELS.stride_optional;
        if (spec.kind === "padding") label = LABELS.padding_conv;
        var input = h("input", { id: fid, type: "text", inputmode: spec.kind === "padding" ? "text" : "numeric",
                                 autocomplete: "off", spellcheck: "false", size: "5", "data-field": spec.name });
        input.value = layer[spec.name] === undefined ? "" : String(layer[spec.name]);
        input.addEventListener("input", function () {
          self.state.layers[i][spec.name] = input.value;
          self.update();
        });
        inputs[spec.name] = input;
        parts.push(h("span", { className: "sc-field" }, [h("label", { "for": fid, text: label }), input]));
      });
      var actions = [];
      if (i > 0) actions.push(self.action("\u2191", T("sc.up", i + 1), function () { self.move(i, i - 1); }));
      if (i < n - 1) actions.push(self.action("\u2193", T("sc.down", i + 1), function () { self.move(i, i + 1); }));
      actions.push(self.action(T("sc.remove"), T("sc.remove.label", i + 1), function () { self.remove(i); }));
      var out = h("p", { className: "sc-out", id: base + "-out" });
      parts.push(h("span", { className: "sc-actions" }, actions));
      parts.push(out);
      self.list.appendChild(h("li", { className: "sc-layer", "data-index": String(i) }, [
        h("fieldset", {}, [h("legend", { text: T("sc.layer", i + 1, layer.type) })].concat(parts))
      ]));
      self.layerOut.push(out);
      self.layerInputs.push(inputs);
    });
    if (focused) {
      var again = document.getElementById(focused);
      if (again) again.focus();
    }
  };

  Calculator.prototype.action = function (text, label, onClick) {
    var button = h("button", { type: "button", className: "sc-button sc-small", text: text, "aria-label": label });
    button.addEventListener("click", onClick);
    return button;
  };

  Calculator.prototype.move = function (from, to) {
    var layers = this.state.layers;
    layers.splice(to, 0, layers.splice(from, 1)[0]);
    this.renderLayers();
    this.update();
    var target = document.getElementById(this.id + "-l" + to + "-type");
    if (target) target.focus();
  };

  Calculator.prototype.remove = function (i) {
    this.state.layers.splice(i, 1);
    this.renderLayers();
    this.update();
    var next = document.getElementById(this.id + "-l" + Math.min(i, this.state.layers.length - 1) + "-type") ||
      document.getElementById(this.id + "-add");
    if (next) next.focus();
  };

  function mark(inputs, field, describedBy) {
    Object.keys(inputs).forEach(function (name) {
      var bad = name === field;
      inputs[name].setAttribute("aria-invalid", bad ? "true" : "false");
      if (bad) inputs[name].setAttribute("aria-describedby", describedBy);
      else inputs[name].removeAttribute("aria-describedby");
    });
  }

  function row(cells, className) {
    return h("tr", className ? { className: className } : {}, cells.map(function (text, k) {
      return h("td", { text: text });
    }));
  }

  Calculator.prototype.update = function () {
    var calc = this.calc;
    var result = calc.compute(this.state);
    var self = this;
    var rows = [];

    mark(this.inputFields, result.input.ok ? null : result.input.field, this.inputMsg.id);
    setText(this.inputMsg, result.input.ok ? "" : result.input.error);
    this.inputMsg.className = "sc-out" + (result.input.ok ? "" : " sc-error");
    rows.push(row(["", T("sc.input.row"), result.input.ok ? calc.formatShape(result.input.shape) : T("sc.error"), "", ""],
                  result.input.ok ? "" : "sc-error"));

    var firstError = null;
    result.rows.forEach(function (r, i) {
      var layer = self.state.layers[i];
      var out = self.layerOut[i];
      mark(self.layerInputs[i], r.ok || r.skipped ? null : r.field, out.id);
      if (r.ok) {
        setText(out, "\u2192 " + calc.formatShape(r.shape) + (r.params ? " \u00b7 " + T("sc.params", calc.group(r.params)) : ""));
        out.className = "sc-out";
        rows.push(row([String(i + 1), layer.type, calc.formatShape(r.shape), r.how,
                       r.params ? calc.group(r.params) + (r.paramsHow ? " = " + r.paramsHow : "") : "0"]));
      } else if (r.skipped) {
        setText(out, T("sc.skipped"));
        out.className = "sc-out sc-skipped";
        rows.push(row([String(i + 1), layer.type, "\u2014", T("sc.not_computed"), "\u2014"], "sc-skipped"));
      } else {
        firstError = firstError || { index: i, message: r.error };
        setText(out, r.error);
        out.className = "sc-out sc-error";
        rows.push(row([String(i + 1), layer.type, T("sc.error"), r.error, "\u2014"], "sc-error"));
      }
    });

    if (!result.input.ok) {
      setText(this.summary, result.input.error);
    } else if (firstError) {
      setText(this.summary, T("sc.error_at", firstError.index + 1, this.state.layers[firstError.index].type, firstError.message));
    } else {
      setText(this.summary, T("sc.summary", calc.formatShape(result.output), calc.group(result.total)));
    }
    this.summary.className = "sc-summary" + (result.input.ok && !firstError ? "" : " sc-error");

    /* Replace only the rows whose text changed, so the live region announces little. */
    rows.forEach(function (fresh, k) {
      var old = self.tbody.children[k];
      if (!old) self.tbody.appendChild(fresh);
      else if (old.textContent !== fresh.textContent || old.className !== fresh.className) self.tbody.replaceChild(fresh, old);
    });
    while (this.tbody.children.length > rows.length) this.tbody.removeChild(this.tbody.lastElementChild);
  };

  function init() {
    var calc = window.ShapeCalculator;
    document.querySelectorAll(".shape-calculator:not([data-ready])").forEach(function (root) {
      root.setAttribute("data-ready", "true");
      if (!calc) {
        root.textContent = T("sc.no_engine");
        console.error("shape-calculator.js did not load");
        return;
      }
      new Calculator(root, calc);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  if (typeof document$ !== "undefined" && document$.subscribe) {
    document$.subscribe(init);
  }
})();

/* The seeded random numbers of the practice variants: pure functions, no DOM.
 *
 * Loaded by the page (as window.BookPracticeRng) and by node in the tests
 * (require(...) returns the same object). One seed gives one variant, on every
 * browser and in node: the generator is mulberry32, which uses only 32-bit
 * integer arithmetic (Math.imul), so no floating-point rounding differs.
 *
 *   var rng = BookPracticeRng.make(seed);   // seed: an integer 0 .. 2^32 - 1
 *   rng.next()          // a float in [0, 1)
 *   rng.int(lo, hi)     // an integer in lo .. hi, both included
 *   rng.choice(items)   // one element of a non-empty array
 *   rng.chance(p)       // true with probability p
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.BookPracticeRng = api;
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var MAX_SEED = 4294967295;

  /* Whether value is a seed: an integer 0 .. 2^32 - 1 (a string of digits is accepted). */
  function parseSeed(value) {
    var text = String(value === undefined || value === null ? "" : value).trim();
    if (!/^[0-9]{1,10}$/.test(text)) return null;
    var seed = Number(text);
    return seed <= MAX_SEED ? seed : null;
  }

  function make(seed) {
    var parsed = parseSeed(seed);
    if (parsed === null) throw new RangeError("seed must be an integer from 0 to " + MAX_SEED + ", got " + seed);
    var state = parsed >>> 0;
    function next() {
      state = (state + 0x6d2b79f5) >>> 0;
      var t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }
    function int(lo, hi) {
      if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
        throw new RangeError("int(lo, hi) needs integers with lo <= hi, got " + lo + ", " + hi);
      }
      return lo + Math.floor(next() * (hi - lo + 1));
    }
    function choice(items) {
      if (!items || !items.length) throw new RangeError("choice() needs a non-empty array");
      return items[int(0, items.length - 1)];
    }
    function chance(p) {
      return next() < p;
    }
    return { next: next, int: int, choice: choice, chance: chance };
  }

  /* A fresh seed for "New variant" (not reproducible by design; the URL records it). */
  function freshSeed() {
    return Math.floor(Math.random() * (MAX_SEED + 1));
  }

  return { make: make, parseSeed: parseSeed, freshSeed: freshSeed, MAX_SEED: MAX_SEED };
});

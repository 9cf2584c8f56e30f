// Filters and sorting for the decisions index, in the page: no server, no library.
// Filter state lives in the query string (?status=accepted&team=sre) so a view can be shared.
// The page ships every row, so it reads fine without script; with script, at most PAGE rows
// sit in the table at once, because a browser lays out a 10,000-row table in seconds.
(function () {
  "use strict";

  var PAGE = 500;

  function setup() {
    var table = document.querySelector("table[data-index]");
    if (!table || table.dataset.ready) return;
    table.dataset.ready = "1";
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
    var counter = document.querySelector("[data-count]");
    var more = document.querySelector("[data-more]");
    var matching = rows;
    var limit = PAGE;

    function render() {
      var frag = document.createDocumentFragment();
      var shown = Math.min(matching.length, limit);
      for (var i = 0; i < shown; i++) frag.appendChild(matching[i]);
      tbody.replaceChildren(frag);
      if (counter) counter.textContent = String(matching.length);
      if (more) {
        var left = matching.length - shown;
        more.hidden = left <= 0;
        more.textContent = "Show " + Math.min(left, PAGE) + " more (" + left + " not listed)";
      }
    }

    function apply() {
      var wanted = selects
        .filter(function (s) { return s.value; })
        .map(function (s) { return [s.dataset.filter, s.value]; });
      matching = rows.filter(function (row) {
        for (var j = 0; j < wanted.length; j++) {
          if (row.dataset[wanted[j][0]] !== wanted[j][1]) return false;
        }
        return true;
      });
      limit = PAGE;
      render();
      var params = new URLSearchParams();
      wanted.forEach(function (w) { params.set(w[0], w[1]); });
      var query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }

    var params = new URLSearchParams(location.search);
    selects.forEach(function (s) {
      var v = params.get(s.dataset.filter);
      if (v !== null && Array.prototype.some.call(s.options, function (o) { return o.value === v; })) {
        s.value = v;
      }
      s.addEventListener("change", apply);
    });
    var clear = document.querySelector("[data-clear]");
    if (clear) clear.addEventListener("click", function () {
      selects.forEach(function (s) { s.value = ""; });
      apply();
    });
    if (more) more.addEventListener("click", function () {
      limit += PAGE;
      render();
    });

    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    heads.forEach(function (th, col) {
      th.querySelector("button").addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", dir);
        // A cell may carry its sort key in data-value (numbers, category order).
        var keyed = rows.map(function (row) {
          var cell = row.cells[col];
          var raw = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
          var number = Number(raw);
          return [raw !== "" && !isNaN(number) ? number : raw.toLowerCase(), row];
        });
        keyed.sort(function (a, b) {
          var r = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
          return dir === "ascending" ? r : -r;
        });
        rows = keyed.map(function (k) { return k[1]; });
        apply();
      });
    });
    apply();
  }

  // Material's instant navigation swaps pages without a reload and announces it on document$.
  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();

// Filters, sorting and paging for the tables of records and packages, in the page: no server,
// no library. Filter state lives in the query string (?status=accepted&team=sre&page=2) so a
// view can be shared.
//
// The decisions index ships only its first page of rows in the HTML (it reads fine without
// script, and links every year's page); its data-source attribute names a compact JSON file
// with every record, which this script loads to filter, sort and page over all of them.
// Other tables (the package signals) ship every row and are handled the same way.
(function () {
  "use strict";

  function text(el, value) {
    el.textContent = value;
    return el;
  }

  function element(name, attrs, children) {
    var el = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return el;
  }

  // A row: its filter values, its sort keys (one per column) and its <tr>, made when shown.
  function sortKey(raw) {
    var number = Number(raw);
    return raw !== "" && !isNaN(number) ? number : String(raw).toLowerCase();
  }

  function rowsFromTable(tbody) {
    return Array.prototype.map.call(tbody.rows, function (tr) {
      return {
        filters: tr.dataset,
        keys: Array.prototype.map.call(tr.cells, function (cell) {
          return sortKey(cell.dataset.value !== undefined ? cell.dataset.value
                                                          : cell.textContent.trim());
        }),
        node: function () { return tr; }
      };
    });
  }

  // A status's badge: the colour of what it means, or the organisation's own colour for it.
  function badge(data, i) {
    var means = (data.means && data.means[i]) || data.status[i];
    var colours = (data.colours && data.colours[i]) || [];
    var attrs = { "class": "dr-badge dr-status-" + means +
                           (colours.length ? " dr-status-own" : "") };
    if (colours.length) {
      attrs.style = "--dr-status-bg: " + colours[0] + "; --dr-status-fg: " + colours[1];
    }
    if (means !== data.status[i]) attrs.title = data.status[i] + ": means " + means;
    return text(element("span", attrs), data.status[i]);
  }

  // [id, title, status, team, category, approach, tokens, date]; four are table positions.
  // Beside the status table, `means` says what each status means (a filter of its own).
  function rowsFromData(data, recordHref) {
    return data.records.map(function (r) {
      var values = { status: data.status[r[2]], team: data.team[r[3]],
                     category: data.category[r[4]], approach: data.approach[r[5]],
                     means: (data.means && data.means[r[2]]) || data.status[r[2]] };
      var short = r[0].split("-")[0];
      var tr = null;
      return {
        filters: values,
        keys: [Number(short), r[1].toLowerCase(), values.status, values.team,
               values.category, values.approach, r[6], r[7]],
        node: function () {
          if (tr) return tr;
          var href = recordHref.replace("{id}", r[0]);
          tr = element("tr", { "data-status": values.status, "data-means": values.means,
                               "data-team": values.team, "data-category": values.category,
                               "data-approach": values.approach }, [
            element("td", {}, [text(element("a", { href: href }), short)]),
            element("td", {}, [text(element("a", { href: href }), r[1])]),
            element("td", {}, [badge(data, r[2])]),
            text(element("td"), values.team), text(element("td"), values.category),
            text(element("td"), values.approach),
            text(element("td", { "class": "dr-num" }), String(r[6])), text(element("td"), r[7])
          ]);
          return tr;
        }
      };
    });
  }

  function start(table, rows) {
    var tbody = table.tBodies[0];
    var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
    var counter = document.querySelector("[data-count]");
    // the count's live region also says which page is shown, so paging is announced too
    var pageStatus = document.querySelector("[data-page-status]");
    var pager = document.querySelector("[data-pager]");
    var label = pager && pager.querySelector("[data-page-label]");
    var size = Number(table.dataset.pageSize) || 500;
    var matching = rows;
    var page = 0;

    function pages() { return Math.max(1, Math.ceil(matching.length / size)); }

    function render() {
      var frag = document.createDocumentFragment();
      var first = page * size;
      matching.slice(first, first + size).forEach(function (row) { frag.appendChild(row.node()); });
      tbody.replaceChildren(frag);
      if (counter) counter.textContent = String(matching.length);
      if (pageStatus) pageStatus.textContent = pages() > 1 ? ", page " + (page + 1) + " of " + pages() : "";
      if (pager) {
        pager.hidden = pages() <= 1;
        label.textContent = "Page " + (page + 1) + " of " + pages() + " (rows " +
          (matching.length ? first + 1 : 0) + "\u2013" + Math.min(first + size, matching.length) + ")";
        pager.querySelector('[data-page="prev"]').disabled = page === 0;
        pager.querySelector('[data-page="next"]').disabled = page + 1 >= pages();
      }
      var params = new URLSearchParams();
      selects.forEach(function (s) { if (s.value) params.set(s.dataset.filter, s.value); });
      if (page) params.set("page", String(page + 1));
      var query = params.toString();
      history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") +
                           location.hash);
    }

    function apply() {
      var wanted = selects.filter(function (s) { return s.value; })
        .map(function (s) { return [s.dataset.filter, s.value]; });
      matching = rows.filter(function (row) {
        for (var j = 0; j < wanted.length; j++) {
          if (row.filters[wanted[j][0]] !== wanted[j][1]) return false;
        }
        return true;
      });
    }

    var params = new URLSearchParams(location.search);
    selects.forEach(function (s) {
      var v = params.get(s.dataset.filter);
      if (v !== null && Array.prototype.some.call(s.options, function (o) { return o.value === v; })) {
        s.value = v;
      }
      s.addEventListener("change", function () { apply(); page = 0; render(); });
    });
    var clear = document.querySelector("[data-clear]");
    if (clear) clear.addEventListener("click", function () {
      selects.forEach(function (s) { s.value = ""; });
      apply(); page = 0; render();
    });
    if (pager) pager.addEventListener("click", function (ev) {
      var button = ev.target.closest("[data-page]");
      if (!button) return;
      page = Math.min(Math.max(page + (button.dataset.page === "next" ? 1 : -1), 0), pages() - 1);
      render();
      // on the first or last page its button is disabled and would drop the keyboard's focus
      if (button.disabled) {
        var other = pager.querySelector(button.dataset.page === "next" ? '[data-page="prev"]'
                                                                        : '[data-page="next"]');
        if (!other.disabled) other.focus();
      }
    });

    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    heads.forEach(function (th, col) {
      th.querySelector("button").addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", dir);
        var sign = dir === "ascending" ? 1 : -1;
        rows = rows.slice().sort(function (a, b) {
          var x = a.keys[col], y = b.keys[col];
          return sign * (x < y ? -1 : x > y ? 1 : 0);
        });
        apply(); page = 0; render();
      });
    });
    apply();
    page = Math.min(Math.max((Number(params.get("page")) || 1) - 1, 0), pages() - 1);
    render();
  }

  function setup() {
    var table = document.querySelector("table[data-index]");
    if (!table || table.dataset.ready) return;
    table.dataset.ready = "1";
    if (!table.dataset.source) {
      start(table, rowsFromTable(table.tBodies[0]));
      return;
    }
    fetch(table.dataset.source)
      .then(function (reply) { return reply.json(); })
      .then(function (data) { start(table, rowsFromData(data, table.dataset.recordHref)); })
      .catch(function (e) { console.warn("the index keeps its first page: " + e); });
  }

  // While records have errors, every page says so at its top. The counts come from
  // problems.json, made at every build, so a page built earlier (`mkdocs serve --dirty`
  // rebuilds only what changed) never shows stale ones.
  var problems = null;

  function banner() {
    var article = document.querySelector("article.md-content__inner");
    if (!article || article.querySelector(".dr-problem-banner")) return;
    var root = typeof window.__md_scope !== "undefined" ? window.__md_scope : location.href;
    if (!problems) {
      problems = fetch(new URL("problems.json", root))
        .then(function (reply) { return reply.ok ? reply.json() : null; })
        .catch(function () { return null; });
    }
    problems.then(function (data) {
      if (!data || !data.errors || article.querySelector(".dr-problem-banner")) return;
      var link = text(element("a", { href: new URL(data.page, root).href }), data.text);
      article.insertBefore(element("p", { "class": "dr-problem-banner", role: "status" },
                                   [link, ": the pages of those records show them at the top."]),
                           article.firstChild);
    });
  }

  function ready() {
    setup();
    banner();
  }

  // Material's instant navigation swaps pages without a reload and announces it on document$.
  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(ready);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();

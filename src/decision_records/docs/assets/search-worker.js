// The search box in the header is Material's; it asks a web worker for results with four
// messages (0 set up, 1 ready, 2 query, 3 result). This worker answers from the site's
// Pagefind shards (see src/decision_records/search.py), which the browser fetches a piece
// at a time: the first query downloads a few hundred kilobytes, not the whole corpus.
"use strict";

var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
var SHOWN = 20;  // results whose excerpt is loaded and listed
var root = new URL("../", self.location.href);  // this file is assets/search-worker.js
var pagefind = null;

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
}

async function setup() {
  var reply = await fetch(new URL("pagefind/shards.json", root));
  var shards = await reply.json();
  var base = { baseUrl: root.pathname };
  var found = await import(new URL("pagefind/" + shards[0] + "/pagefind.js", root).href);
  await found.options(base);
  for (var i = 1; i < shards.length; i++) {
    await found.mergeIndex(new URL("pagefind/" + shards[i] + "/", root).href, base);
  }
  await found.init();
  return found;
}

function relative(url) {
  var href = new URL(url, root).href;
  return href.indexOf(root.href) === 0 ? href.slice(root.href.length) : href;
}

async function search(query) {
  if (!pagefind || !query.trim()) return [];
  var found = await pagefind.search(query);
  var data = await Promise.all(found.results.slice(0, SHOWN).map(function (r) { return r.data(); }));
  var terms = {};
  query.toLowerCase().split(/\s+/).filter(Boolean).forEach(function (t) { terms[t] = true; });
  return data.map(function (d, i) {
    // excerpt: Pagefind's own, text escaped and matches in <mark>
    return [{ location: relative(d.url), title: escapeHtml(d.meta.title || d.url),
              text: "<p>" + d.excerpt + "</p>", score: found.results[i].score, terms: terms }];
  });
}

var ready = null;
var latest = 0;  // the newest query: the answer to an older one that ends later is dropped
self.addEventListener("message", async function (ev) {
  var message = ev.data;
  if (message.type === SETUP) {
    if (!ready) {
      ready = setup().then(function (p) { pagefind = p; }, function (e) {
        console.warn("search is unavailable: " + e);
      });
    }
    await ready;
    self.postMessage({ type: READY });
  } else if (message.type === QUERY) {
    var mine = ++latest;
    await ready;
    var items = [];
    try {
      items = await search(message.data);
    } catch (e) {
      console.warn("search failed: " + e);
    }
    if (mine === latest) self.postMessage({ type: RESULT, data: { items: items } });
  }
});

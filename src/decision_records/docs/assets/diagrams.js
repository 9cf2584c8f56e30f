// Draws the Mermaid diagrams of a record page. The site writes each fenced `mermaid` block of
// a record as <pre class="dr-mermaid"><code>the source</code></pre>, which reads fine without
// script, and puts this script on the pages that have one, and on no other.
//
// Mermaid is the copy the site serves (assets/mermaid/, see its NOTICE), loaded once a visit:
// nothing is fetched from another host. Material would draw a `pre.mermaid` itself, with
// Mermaid from a public CDN; the class here is our own so that it never does.
//
// Record text is anyone's, so Mermaid runs with securityLevel "strict" (labels are text, no
// click callbacks; a diagram's own %%{init}%% cannot change it), and what it draws is parsed
// into an inert document and stripped of scripts, event handlers and links out of the drawing
// before it joins the page.
(function () {
  "use strict";

  var here = document.currentScript;
  if (!here) return;
  var library = new URL("mermaid/mermaid.min.js", here.src).href;
  // Kept on the window: Material's instant navigation runs this script again on every page
  // with a diagram, and the library, its observer and the ids are for the whole visit.
  var state = window.__drDiagrams || (window.__drDiagrams = { loading: null, observed: false,
                                                              count: 0 });

  function load() {
    if (!state.loading) {
      state.loading = new Promise(function (resolve, reject) {
        var el = document.createElement("script");
        el.src = library;
        el.onload = function () { resolve(window.mermaid); };
        el.onerror = function () { reject(new Error("could not load " + library)); };
        document.body.appendChild(el);
      });
    }
    return state.loading;
  }

  function theme() {
    return document.body.getAttribute("data-md-color-scheme") === "slate" ? "dark" : "default";
  }

  var DROPPED = { script: 1, iframe: 1, object: 1, embed: 1, link: 1, meta: 1, base: 1 };

  // The drawing as nodes of this page, with nothing in it that runs or leads elsewhere.
  function clean(svg) {
    var doc = new DOMParser().parseFromString(svg, "text/html");
    var root = doc.body.querySelector("svg");
    if (!root) return null;
    Array.prototype.slice.call(root.querySelectorAll("*")).concat([root]).forEach(function (el) {
      if (DROPPED[el.localName]) { el.remove(); return; }
      Array.prototype.slice.call(el.attributes).forEach(function (a) {
        var name = a.name.toLowerCase();
        var link = name === "href" || name === "xlink:href" || name === "src" ||
                   name === "action" || name === "formaction";
        if (name.indexOf("on") === 0 || (link && a.value.trim().charAt(0) !== "#")) {
          el.removeAttribute(a.name);
        }
      });
    });
    return document.importNode(root, true);
  }

  function drawOne(mermaid, block, scheme) {
    var figure = block.nextElementSibling;
    if (!figure || !figure.classList.contains("dr-diagram")) {
      figure = document.createElement("div");
      figure.className = "dr-diagram";
      block.after(figure);
    }
    if (figure.dataset.theme === scheme) return Promise.resolve();
    state.count += 1;
    var code = block.querySelector("code") || block;
    return mermaid.render("dr-diagram-" + state.count, code.textContent).then(function (out) {
      var svg = clean(out.svg);
      if (!svg) throw new Error("Mermaid drew nothing");
      figure.replaceChildren(svg);
      figure.dataset.theme = scheme;
      block.hidden = true;
    }).catch(function (e) {
      var note = document.createElement("p");
      note.className = "dr-diagram-error";
      note.textContent = "This diagram could not be drawn (" + (e && e.message || e) +
        "); its source is shown above.";
      figure.replaceChildren(note);
      figure.dataset.theme = scheme;
      block.hidden = false;
    });
  }

  function draw() {
    var blocks = Array.prototype.slice.call(document.querySelectorAll("pre.dr-mermaid"));
    if (!blocks.length) return;
    load().then(function (mermaid) {
      var scheme = theme();
      mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: scheme,
                           htmlLabels: false, flowchart: { htmlLabels: false },
                           suppressErrorRendering: true });
      // one at a time: Mermaid draws into a scratch element of the page
      return blocks.reduce(function (done, block) {
        return done.then(function () { return drawOne(mermaid, block, scheme); });
      }, Promise.resolve());
    }).catch(function (e) { console.warn("diagrams keep their source: " + e); });
  }

  // Material's palette toggle changes the scheme in place: draw again in its colours.
  if (!state.observed) {
    state.observed = true;
    new MutationObserver(draw).observe(document.body, {
      attributes: true, attributeFilter: ["data-md-color-scheme"] });
  }
  draw();
})();

/* handbook default theme: client-side search. No dependencies, no server.
 *
 * On every page: `/` focuses the search box; Enter submits it to
 * search.html?q=... (a plain form, so that works without this script too).
 * On search.html: reads q, kind, owner, domain and stale from the URL, loads
 * only the index files the query needs, ranks, and renders the results into
 * #search-results; typing and the filters update the results and the URL.
 *
 * The index (see src/search/mod.rs for the format) is a set of small
 * JavaScript files under search/ that call window.__handbookSearch.*; they
 * are loaded with injected <script> tags because browsers block fetch() of
 * local files, so search also works when the site is opened from file://.
 *
 * Normalisation must match src/search/text.rs exactly: FOLD_TABLE and
 * STOP_WORDS are copied from there (a Rust unit test compares them), and
 * stem() follows the same rules (the browser tests run both on the same
 * words). */
(function () {
  "use strict";

  var FOLD_TABLE = "àa áa âa ãa äa åa āa ăa ąa æae çc ćc ĉc ċc čc ďd đd ðd èe ée êe ëe ēe ĕe ėe ęe ěe ĝg ğg ġg ģg ĥh ħh ìi íi îi ïi ĩi īi ĭi įi ıi ĳij ĵj ķk ĺl ļl ľl ŀl łl ñn ńn ņn ňn ŉn òo óo ôo õo öo øo ōo ŏo őo œoe ŕr ŗr řr śs ŝs şs šs șs ßss ţt ťt ŧt țt ùu úu ûu üu ũu ūu ŭu ůu űu ųu ŵw ýy ÿy ŷy źz żz žz þth";
  var STOP_WORDS = "a an and are as at be by for from in into is it its of on or that the this to was were will with";
  var CJK_RANGES = "1100-11ff 3005-3007 3021-3029 3040-30ff 3130-318f 31f0-31ff 3400-4dbf 4e00-9fff a960-a97f ac00-d7ff f900-faff ff66-ffdc 20000-323af";
  var MAX_TOKEN_CHARS = 80;
  var SECTIONS = 64;       // sections per page in a doc id (page * 64 + section)
  var MIN_PREFIX = 3;      // the last term matches as a prefix from this length
  var MAX_PREFIX_SHARDS = 4;
  var PAGE_SIZE = 10;      // results rendered per batch
  var SNIPPET_CHARS = 220;

  // Every table keyed by a word or a value from the content or the query
  // is a Map, never a plain object: "constructor" or "__proto__" must not
  // find Object.prototype's members.
  var FOLD = new Map();
  FOLD_TABLE.split(" ").forEach(function (entry) {
    var from = String.fromCodePoint(entry.codePointAt(0));
    FOLD.set(from, entry.slice(from.length));
  });
  var STOP = new Set(STOP_WORDS.split(" "));
  var ALNUM = /^[\p{Alphabetic}\p{N}]$/u;

  function isMark(c) {
    var n = c.codePointAt(0);
    return n >= 0x300 && n <= 0x36f;
  }
  function isApostrophe(c) { return c === "'" || c === "\u2019"; }
  var CJK = CJK_RANGES.split(" ").map(function (r) {
    return r.split("-").map(function (h) { return parseInt(h, 16); });
  });
  /* A CJK letter or digit: indexed as bigrams; see `is_cjk` in text.rs. */
  function isCjk(c) {
    var n = c.codePointAt(0);
    if (n < 0x1100) { return false; }
    for (var k = 0; k < CJK.length; k++) {
      if (n >= CJK[k][0] && n <= CJK[k][1]) { return ALNUM.test(c); }
    }
    return false;
  }

  /* Light English stemming for plurals; see `stem` in src/search/text.rs. */
  function stem(w) {
    if (w.length < 4 || !/^[a-z0-9]+$/.test(w)) { return w; }
    var n = w.length;
    var before = w.charAt(n - 3);
    if (/ies$/.test(w) && n - 2 >= 3) {
      w = w.slice(0, n - 3) + "i";
    } else if (/es$/.test(w) && "sxzh".indexOf(before) >= 0 && n - 2 >= 3) {
      w = w.slice(0, n - 2);
    } else if (/s$/.test(w) && !/(ss|us|is)$/.test(w)) {
      w = w.slice(0, n - 1);
    }
    if (w.length >= 4 && /y$/.test(w)) { w = w.slice(0, -1) + "i"; }
    if (w.length >= 4 && /e$/.test(w)) { w = w.slice(0, -1); }
    return w;
  }

  /* The search terms of `text`, with where each word is in it:
   * [{t: term, s: start, e: end, cjk: bigram or lone CJK letter}] (UTF-16
   * offsets). A run of CJK letters gives its overlapping bigrams, as in
   * text.rs. */
  function tokenize(text) {
    var out = [];
    var word = "";
    var chars = 0;
    var start = -1;
    var end = -1;
    var run = []; // the CJK run being read: [{c, s, e}]
    function flush() {
      if (word && chars <= MAX_TOKEN_CHARS && !STOP.has(word)) {
        out.push({ t: stem(word), s: start, e: end });
      }
      word = "";
      chars = 0;
      start = -1;
    }
    function flushRun() {
      if (run.length === 1) { out.push({ t: run[0].c, s: run[0].s, e: run[0].e, cjk: true }); }
      for (var k = 0; k + 1 < run.length; k++) {
        out.push({ t: run[k].c + run[k + 1].c, s: run[k].s, e: run[k + 1].e, cjk: true });
      }
      run = [];
    }
    var i = 0;
    for (var c of text) {
      var at = i;
      i += c.length;
      var code = c.charCodeAt(0);
      if (code >= 128 && isCjk(c)) {
        flush();
        run.push({ c: c, s: at, e: i });
        continue;
      }
      if (run.length) { flushRun(); }
      if (code < 128) {
        // Fast path for ASCII, as in text.rs.
        if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) {
          if (start < 0) { start = at; }
          word += c;
          chars++;
          end = i;
        } else if (code >= 65 && code <= 90) {
          if (start < 0) { start = at; }
          word += String.fromCharCode(code + 32);
          chars++;
          end = i;
        } else if (code !== 39) {
          flush();
        }
        continue;
      }
      if (isApostrophe(c) || isMark(c)) { continue; }
      for (var lower of c.toLowerCase()) {
        if (isMark(lower)) { continue; }
        var folded = FOLD.get(lower);
        if (folded !== undefined || ALNUM.test(lower)) {
          if (folded === undefined) { folded = lower; }
          if (start < 0) { start = at; }
          word += folded;
          chars += Array.from(folded).length;
          end = i;
        } else {
          flush();
        }
      }
    }
    flush();
    flushRun();
    return out;
  }

  function terms(text) { return tokenize(text).map(function (x) { return x.t; }); }

  /* Compares strings in code point order, as Rust sorts them. */
  function fix(u) { return u >= 0xe000 ? u - 0x800 : (u >= 0xd800 ? u + 0x2000 : u); }
  function cmp(a, b) {
    var n = Math.min(a.length, b.length);
    for (var i = 0; i < n; i++) {
      var x = a.charCodeAt(i);
      var y = b.charCodeAt(i);
      if (x !== y) { return fix(x) - fix(y); }
    }
    return a.length - b.length;
  }

  // ---------------------------------------------------------------- loading

  var api = window.__handbookSearch = window.__handbookSearch || {};
  var root = "";
  var pending = new Map();  // key -> resolve
  var cache = new Map();    // key -> Promise
  var loadedFiles = [];
  var build = "";

  function deliver(key, data) {
    var resolve = pending.get(key);
    pending.delete(key);
    if (resolve) { resolve(data); }
  }
  /* {term: postings} as a Map (own properties only). */
  function ownEntries(data) {
    var map = new Map();
    Object.keys(data).forEach(function (k) { map.set(k, data[k]); });
    return map;
  }
  api.manifest = function (m) { deliver("manifest", m); };
  api.shard = function (name, data) { deliver(name, ownEntries(data)); };
  // [[value, page_deltas], ...]: a list, so a value such as "__proto__"
  // stays data (in an object literal it would set the prototype).
  api.facet = function (name, data) { deliver(name, new Map(data)); };
  api.pages = function (n, data) { deliver("p/" + n, data); };

  /* Loads search/<path> once; resolves with what it registers. */
  function load(key, path) {
    if (cache.has(key)) { return cache.get(key); }
    var promise = new Promise(function (resolve, reject) {
      pending.set(key, resolve);
      var s = document.createElement("script");
      var bust = build && location.protocol !== "file:" && key.indexOf("p/") === 0 ? "?b=" + build : "";
      s.src = root + "search/" + path + bust;
      s.async = true;
      var fail = function (why) {
        cache.delete(key);
        pending.delete(key);
        reject(new Error(why + " search/" + path));
      };
      s.onerror = function () { fail("could not load"); };
      // A script runs before its load event: still pending means it did not
      // register its data (an index from another version, say).
      s.onload = function () { if (pending.has(key)) { fail("no search data in"); } };
      loadedFiles.push("search/" + path);
      document.head.appendChild(s);
    });
    cache.set(key, promise);
    return promise;
  }

  /* The result data of page `n` (from the file holding it and its neighbours). */
  function loadPage(n) {
    var file = Math.floor(n / (manifest.per_file || 1));
    return load("p/" + file, "p/" + file + ".js").then(function (list) {
      return list[n - file * (manifest.per_file || 1)];
    });
  }

  var manifest = null;
  function loadManifest() {
    return load("manifest", "manifest.js").then(function (m) {
      manifest = m;
      build = m.build || "";
      return m;
    });
  }

  /* The shard holding `term`: the last one whose first term is <= term. */
  function shardIndex(term) {
    var lo = 0;
    var hi = manifest.shards.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (cmp(manifest.shards[mid][0], term) <= 0) { lo = mid; } else { hi = mid - 1; }
    }
    return lo;
  }
  /* Shards that may hold terms starting with `prefix`. */
  function prefixShards(prefix) {
    var first = shardIndex(prefix);
    var last = first;
    var n = manifest.shards.length;
    while (last + 1 < n && manifest.shards[last + 1][0].indexOf(prefix) === 0) { last++; }
    var out = [];
    for (var i = first; i <= last; i++) { out.push(i); }
    return out;
  }
  function loadShard(i) {
    var name = manifest.shards[i][1];
    return load(name, name + ".js");
  }

  // ---------------------------------------------------------------- ranking

  var decoded = new Map();  // term -> {docs: [doc ids], codes: [codes]}
  function decode(term, packed) {
    var known = decoded.get(term);
    if (known) { return known; }
    var docs = new Float64Array(packed.length);
    var codes = new Uint8Array(packed.length);
    var page = 0;
    for (var i = 0; i < packed.length; i++) {
      var v = packed[i];
      var code = v % 16;
      v = (v - code) / 16;
      var section = v % SECTIONS;
      page += (v - section) / SECTIONS;
      docs[i] = page * SECTIONS + section;
      codes[i] = code;
    }
    var d = { docs: docs, codes: codes };
    decoded.set(term, d);
    return d;
  }

  /* Title beats heading beats body: 8 > 4 + 3. */
  function fieldScore(code) {
    return (code & 8) + (code & 4) + (code & 3);
  }

  function parseQuery(q) {
    var toks = tokenize(q);
    var seen = new Set();
    var list = [];
    toks.forEach(function (x, i) {
      var last = i === toks.length - 1;
      // The word being typed (nothing after it) also matches as a prefix;
      // CJK bigrams match exactly (a word is found as all of its bigrams).
      var prefix = last && !x.cjk && x.e === q.length && x.t.length >= MIN_PREFIX;
      if (seen.has(x.t) && !prefix) { return; }
      seen.add(x.t);
      list.push({ term: x.t, prefix: prefix });
    });
    return list;
  }

  function facetEntry(facet, value) {
    var list = (manifest.facets && manifest.facets[facet]) || [];
    for (var i = 0; i < list.length; i++) {
      if (list[i][0] === value) { return list[i]; }
    }
    return null;
  }

  /* Loads what a query needs; resolves with the data to rank. */
  function prepare(params) {
    var query = parseQuery(params.q);
    var jobs = [];
    query.forEach(function (qt) {
      qt.shards = [];
      if (!manifest.shards.length) { return; }  // nothing is indexed
      var shards = [shardIndex(qt.term)];
      if (qt.prefix) {
        var range = prefixShards(qt.term);
        if (range.length <= MAX_PREFIX_SHARDS) { shards = range; } else { qt.prefix = false; }
      }
      shards.forEach(function (i) {
        jobs.push(loadShard(i).then(function (data) { qt.shards.push(data); }));
      });
    });
    var filters = [];
    [["kind", params.kind], ["owner", params.owner], ["domain", params.domain]].forEach(function (f) {
      if (!f[1]) { return; }
      var entry = facetEntry(f[0], f[1]);
      var filter = { pages: null };
      filters.push(filter);
      if (entry) {
        jobs.push(load(entry[3], entry[3] + ".js").then(function (d) { filter.pages = d.get(f[1]) || []; }));
      } else {
        filter.pages = [];
      }
    });
    if (params.stale === "true" || params.stale === "false") {
      var entry = facetEntry("stale", "true");
      var filter = { pages: [], negate: params.stale === "false" };
      filters.push(filter);
      if (entry) {
        jobs.push(load(entry[3], entry[3] + ".js").then(function (d) { filter.pages = d.get("true") || []; }));
      }
    }
    return Promise.all(jobs).then(function () { return { query: query, filters: filters }; });
  }

  /* Pages allowed by the filters, as a Uint8Array (1 = allowed), or null. */
  function allowedPages(filters) {
    if (!filters.length) { return null; }
    var n = manifest.pages;
    var allow = new Uint8Array(n).fill(1);
    filters.forEach(function (f) {
      var mark = new Uint8Array(n);
      var page = 0;
      for (var i = 0; i < f.pages.length; i++) {
        page += f.pages[i];
        mark[page] = 1;
      }
      for (var p = 0; p < n; p++) {
        if ((mark[p] === 1) === !!f.negate) { allow[p] = 0; }
      }
    });
    return allow;
  }

  /* Doc id -> score for one query term (a prefix term: the best over every
   * term it starts; those longer than typed count half). */
  function termScores(qt) {
    var scores = new Map();
    qt.shards.forEach(function (shard) {
      var keys = qt.prefix ? Array.from(shard.keys()) : [qt.term];
      keys.forEach(function (key) {
        var packed = shard.get(key);
        if (packed === undefined) { return; }
        if (qt.prefix && key.indexOf(qt.term) !== 0) { return; }
        var weight = key === qt.term ? 1 : 0.5;
        var d = decode(key, packed);
        for (var i = 0; i < d.docs.length; i++) {
          var s = fieldScore(d.codes[i]) * weight;
          var old = scores.get(d.docs[i]);
          if (old === undefined || s > old) { scores.set(d.docs[i], s); }
        }
      });
    });
    return scores;
  }

  /* Ranks pages: every term must match one section (title terms count in
   * every section of their page); a page scores its best section. */
  function rank(prepared) {
    var query = prepared.query;
    if (!query.length) { return []; }
    var maps = query.map(termScores);
    maps.sort(function (a, b) { return a.size - b.size; });
    var allow = allowedPages(prepared.filters);
    var best = new Map(); // page -> {page, score, section, hits}
    maps[0].forEach(function (score, doc) {
      var page = Math.floor(doc / SECTIONS);
      if (allow && !allow[page]) { return; }
      for (var i = 1; i < maps.length; i++) {
        var s = maps[i].get(doc);
        if (s === undefined) { return; }
        score += s;
      }
      var section = doc - page * SECTIONS;
      var b = best.get(page);
      if (!b) {
        best.set(page, { page: page, score: score, section: section, hits: 1 });
      } else {
        b.hits++;
        if (score > b.score || (score === b.score && section < b.section)) {
          b.score = score;
          b.section = section;
        }
      }
    });
    var results = Array.from(best.values());
    results.forEach(function (r) { r.rank = r.score + Math.min(r.hits, 10) * 0.01; });
    results.sort(function (a, b) { return b.rank - a.rank || a.page - b.page; });
    return results;
  }

  // -------------------------------------------------------------- rendering

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function matcher(query) {
    return function (term) {
      for (var i = 0; i < query.length; i++) {
        var q = query[i];
        if (term === q.term || (q.prefix && term.indexOf(q.term) === 0)) { return true; }
      }
      return false;
    };
  }

  /* Appends `text` to `parent`, query terms wrapped in <mark>. */
  function appendMarked(parent, text, matches) {
    // Matches as ranges, overlapping or touching ones (CJK bigrams) merged.
    var ranges = [];
    tokenize(text).forEach(function (x) {
      if (!matches(x.t)) { return; }
      var last = ranges[ranges.length - 1];
      if (last && x.s <= last[1]) {
        last[1] = Math.max(last[1], x.e);
      } else {
        ranges.push([x.s, x.e]);
      }
    });
    var at = 0;
    ranges.forEach(function (r) {
      if (r[0] > at) { parent.appendChild(document.createTextNode(text.slice(at, r[0]))); }
      parent.appendChild(el("mark", "", text.slice(r[0], r[1])));
      at = r[1];
    });
    if (at < text.length) { parent.appendChild(document.createTextNode(text.slice(at))); }
  }

  /* A window of `text` around its first match. */
  function snippetOf(text, matches) {
    var first = null;
    var toks = tokenize(text);
    for (var i = 0; i < toks.length; i++) {
      if (matches(toks[i].t)) { first = toks[i]; break; }
    }
    var start = 0;
    if (first && first.s > SNIPPET_CHARS / 3) {
      start = text.lastIndexOf(" ", first.s - SNIPPET_CHARS / 4);
      start = start < 0 ? 0 : start + 1;
    }
    var end = Math.min(text.length, start + SNIPPET_CHARS);
    if (end < text.length) {
      var space = text.lastIndexOf(" ", end);
      if (space > start + SNIPPET_CHARS / 2) { end = space; }
    }
    return { text: text.slice(start, end), before: start > 0, after: end < text.length };
  }

  function renderResult(r, page, matches) {
    var li = el("li", "search-result");
    var section = page.x[r.section] || page.x[0] || ["", "", ""];
    // The path percent-encoded segment by segment: a page named `a#b.md`
    // must not lose half its name to the fragment.
    var path = page.u.split("/").map(encodeURIComponent).join("/");
    var url = path + (section[0] ? "#" + section[0] : "");
    li.setAttribute("data-url", page.u);
    var title = el("a", "search-title");
    title.href = root + url;
    appendMarked(title, page.t, matches);
    var head = el("div", "search-head");
    head.appendChild(title);
    if (r.section > 0 && section[1]) {
      var sec = el("span", "search-section");
      appendMarked(sec, "› " + section[1], matches);
      head.appendChild(document.createTextNode(" "));
      head.appendChild(sec);
    }
    li.appendChild(head);

    var meta = el("div", "search-meta");
    meta.appendChild(el("span", "badge search-kind", page.K || page.k));
    if (page.o && page.o.length) {
      meta.appendChild(el("span", "search-owners", page.o.map(function (o) { return o[1]; }).join(", ")));
    }
    if (page.d) { meta.appendChild(el("span", "search-domain", page.d)); }
    if (page.s) { meta.appendChild(el("span", "badge state state-stale search-stale", "Stale")); }
    if (!page.w) { meta.appendChild(el("span", "badge sev-error search-unowned", "Unowned")); }
    li.appendChild(meta);

    var text = section[2] || (page.x[0] && page.x[0][2]) || "";
    if (text) {
      var snip = snippetOf(text, matches);
      var p = el("p", "search-snippet");
      if (snip.before) { p.appendChild(document.createTextNode("… ")); }
      appendMarked(p, snip.text, matches);
      if (snip.after) { p.appendChild(document.createTextNode(" …")); }
      li.appendChild(p);
    }
    return li;
  }

  // ------------------------------------------------------------ the page UI

  var box = null;       // #search-results
  var form = null;      // #search-form
  var generation = 0;   // the latest search; older ones drop their output

  function paramsFromUrl() {
    var u = new URLSearchParams(location.search);
    return {
      q: u.get("q") || "",
      kind: u.get("kind") || "",
      owner: u.get("owner") || "",
      domain: u.get("domain") || "",
      stale: u.get("stale") || ""
    };
  }
  function paramsFromForm() {
    var stale = form.elements.stale;
    return {
      q: form.elements.q.value,
      kind: form.elements.kind.value,
      owner: form.elements.owner.value,
      domain: form.elements.domain.value,
      stale: stale && stale.checked ? "true" : ""
    };
  }
  function writeUrl(params) {
    var u = new URLSearchParams();
    ["q", "kind", "owner", "domain", "stale"].forEach(function (k) {
      if (params[k]) { u.set(k, params[k]); }
    });
    var qs = u.toString();
    try {
      history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
    } catch (e) { /* some browsers refuse for file:// */ }
  }

  function fillSelect(select, entries, current, any) {
    if (!select) { return; }
    select.textContent = "";
    var none = el("option", "", any);
    none.value = "";
    select.appendChild(none);
    var found = false;
    entries.forEach(function (e) {
      var o = el("option", "", e[1] + " (" + e[2] + ")");
      o.value = e[0];
      if (e[0] === current) { o.selected = true; found = true; }
      select.appendChild(o);
    });
    if (current && !found) {
      var missing = el("option", "", current + " (0)");
      missing.value = current;
      missing.selected = true;
      select.appendChild(missing);
    }
  }

  function setState(state) { box.setAttribute("data-state", state); }

  function message(cls, text) {
    box.textContent = "";
    box.appendChild(el("p", cls, text));
  }

  function describe(params) {
    var parts = [];
    if (params.kind) { parts.push("kind " + params.kind); }
    if (params.owner) { parts.push("owner " + params.owner); }
    if (params.domain) { parts.push("domain " + params.domain); }
    if (params.stale === "true") { parts.push("stale pages only"); }
    if (params.stale === "false") { parts.push("pages that are not stale"); }
    return parts.length ? " (" + parts.join(", ") + ")" : "";
  }

  function run(params) {
    var gen = ++generation;
    if (!params.q.trim()) {
      setState("idle");
      message("search-hint muted", "Type a word to search titles, headings and text. Filters narrow the results.");
      return Promise.resolve();
    }
    setState("loading");
    var t0 = 0;
    var rankMs = 0;
    return loadManifest().then(function () {
      return prepare(params);
    }).then(function (prepared) {
      if (gen !== generation) { return null; }
      t0 = performance.now();
      var results = rank(prepared);
      rankMs = performance.now() - t0;
      var matches = matcher(prepared.query);
      var shown = results.slice(0, PAGE_SIZE);
      return Promise.all(shown.map(function (r) { return loadPage(r.page); }))
        .then(function (pages) {
          if (gen !== generation) { return; }
          var t1 = performance.now();
          box.textContent = "";
          if (!results.length) {
            box.appendChild(el("p", "search-empty", "No pages match “" + params.q.trim() + "”" + describe(params) + "."));
            if (!prepared.query.length) {
              box.appendChild(el("p", "search-hint muted", "Its words are too common to search for: add a more specific one."));
            } else if (describe(params)) {
              box.appendChild(el("p", "search-hint muted", "Try removing a filter, or fewer words: every word must match."));
            } else {
              box.appendChild(el("p", "search-hint muted", "Every word must match: try fewer or different words."));
            }
            setState("empty");
          } else {
            var count = results.length === 1 ? "1 page" : results.length + " pages";
            box.appendChild(el("p", "search-summary muted", count + " for “" + params.q.trim() + "”" + describe(params)));
            var list = el("ol", "search-list");
            box.appendChild(list);
            shown.forEach(function (r, i) { list.appendChild(renderResult(r, pages[i], matches)); });
            addMore(list, results, PAGE_SIZE, matches, gen);
            setState("done");
          }
          var renderMs = performance.now() - t1;
          box.setAttribute("data-count", String(results.length));
          box.setAttribute("data-rank-ms", rankMs.toFixed(1));
          box.setAttribute("data-render-ms", renderMs.toFixed(1));
          box.setAttribute("data-ms", (rankMs + renderMs).toFixed(1));
          box.setAttribute("data-files", loadedFiles.join(" "));
        });
    }).catch(function (err) {
      if (gen !== generation) { return; }
      setState("error");
      message("search-error", "Search is unavailable: " + err.message + ". Rebuild the site, or reload the page.");
    });
  }

  function addMore(list, results, from, matches, gen) {
    if (from >= results.length) { return; }
    var btn = el("button", "search-more", "Show more results");
    btn.type = "button";
    btn.addEventListener("click", function () {
      btn.disabled = true;
      var next = results.slice(from, from + PAGE_SIZE);
      Promise.all(next.map(function (r) { return loadPage(r.page); }))
        .then(function (pages) {
          if (gen !== generation) { return; }
          btn.remove();
          next.forEach(function (r, i) { list.appendChild(renderResult(r, pages[i], matches)); });
          addMore(list, results, from + PAGE_SIZE, matches, gen);
        });
    });
    box.appendChild(btn);
  }

  function initSearchPage() {
    box = document.getElementById("search-results");
    form = document.getElementById("search-form");
    if (!box || !form) { return; }
    var params = paramsFromUrl();
    form.elements.q.value = params.q;
    if (form.elements.stale) { form.elements.stale.checked = params.stale === "true"; }
    var setFilters = function () {
      var f = manifest.facets || {};
      fillSelect(form.elements.kind, f.kind || [], params.kind, "Any kind");
      fillSelect(form.elements.owner, f.owner || [], params.owner, "Any owner");
      fillSelect(form.elements.domain, f.domain || [], params.domain, "Any domain");
    };
    loadManifest().then(setFilters, function () { /* run() reports it */ });
    run(params);

    var timer = null;
    var update = function (delay) {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var p = paramsFromForm();
        if (p.stale === "" && params.stale === "false") { p.stale = "false"; }
        writeUrl(p);
        run(p);
      }, delay);
    };
    form.addEventListener("submit", function (e) { e.preventDefault(); update(0); });
    form.elements.q.addEventListener("input", function () { update(120); });
    ["kind", "owner", "domain", "stale"].forEach(function (name) {
      var input = form.elements[name];
      if (input) { input.addEventListener("change", function () { update(0); }); }
    });
  }

  // ------------------------------------------------------- every page: `/`

  function searchInput() {
    return document.getElementById("search-q") || document.querySelector(".site-search input[name=q]");
  }

  function init() {
    root = document.body.getAttribute("data-root") || "";
    document.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) { return; }
      var t = e.target;
      var tag = t && t.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) { return; }
      var input = searchInput();
      if (!input) { return; }
      e.preventDefault();
      input.focus();
      input.select();
    });
    if (document.body.getAttribute("data-view") === "search") { initSearchPage(); }
  }

  // For the browser tests (and the curious): the normaliser and stemmer.
  api.terms = terms;
  api.stem = stem;

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());

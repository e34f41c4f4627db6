/* Herald default theme: site search, read from the index Herald writes under search/.
 *
 * Plain JavaScript, nothing from another host. A query fetches the manifest, the
 * shards of its terms, then the document files of the results shown (src/search/
 * in Herald describes the files; src/search/query.rs does the same in Rust, and the
 * tokenizer below must stay identical to src/search/tokenizer.rs). Every file is
 * plain JSON, which the server may send compressed.
 *
 * The page: <div id="search-results" data-index="/search/" data-root="/">, a form
 * with input#search-q, and p#search-status (aria-live) for the count. */
(function () {
  "use strict";

  var box = document.getElementById("search-results");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  if (!box || !input || !status || !window.fetch) return;
  var form = input.form;
  var indexUrl = box.getAttribute("data-index") || "search/";
  var rootUrl = box.getAttribute("data-root") || "/";
  var PAGE = 10;
  var MAX_WORD = 40;

  /* ---- Tokenizer: the same rules as src/search/tokenizer.rs ---- */
  var WORD = /[\p{Alphabetic}\p{N}]/u;

  function isCjk(c) {
    var n = c.codePointAt(0);
    return (n >= 0x3040 && n <= 0x30ff) || (n >= 0x3400 && n <= 0x4dbf) ||
      (n >= 0x4e00 && n <= 0x9fff) || (n >= 0xac00 && n <= 0xd7af) ||
      (n >= 0xf900 && n <= 0xfaff) || (n >= 0x20000 && n <= 0x2fa1f) || n === 0x3007;
  }
  function fold(c) {
    var n = c.codePointAt(0);
    if (n >= 0xff01 && n <= 0xff5e) return String.fromCodePoint(n - 0xfee0);
    return n === 0x3000 ? " " : c;
  }
  function isWordChar(c) { return !isCjk(c) && WORD.test(c); }
  function isJoiner(c) { return c === "-" || c === "." || c === "_" || c === "'"; }

  /** The query's words: {text, terms, cjk, parts}, repeats dropped. */
  function queryWords(query) {
    var chars = Array.from(query).map(fold);
    var words = [];
    function add(word) {
      for (var k = 0; k < words.length; k++) if (words[k].text === word.text) return;
      words.push(word);
    }
    var i = 0;
    while (i < chars.length) {
      var c = chars[i];
      if (isCjk(c)) {
        var start = i;
        while (i < chars.length && isCjk(chars[i])) i++;
        var run = chars.slice(start, i);
        var terms = run.length === 1 ? [run[0]] : [];
        for (var j = 0; j + 1 < run.length; j++) {
          var pair = run[j] + run[j + 1];
          if (terms.indexOf(pair) < 0) terms.push(pair);
        }
        add({ text: run.join(""), terms: terms, cjk: true, parts: [run.join("")] });
      } else if (isWordChar(c)) {
        var parts = [];
        var part = "";
        while (i < chars.length) {
          var d = chars[i];
          if (isWordChar(d)) { part += d.toLowerCase(); i++; }
          else if (isJoiner(d) && i + 1 < chars.length && isWordChar(chars[i + 1])) { parts.push(part); part = ""; i++; }
          else break;
        }
        parts.push(part);
        var joined = parts.join("");
        if (Array.from(joined).length <= MAX_WORD) add({ text: joined, terms: [joined], cjk: false, parts: parts });
      } else {
        i++;
      }
    }
    return words;
  }

  /* ---- Index files ---- */
  var encoder = new TextEncoder();
  function termHash(term) {
    var bytes = encoder.encode(term);
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  var LAST = "0123456789abcdefghijklmnopqrstuv";
  var MORE = "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  // Each character code's digit: 0–31 in MORE, 32–63 in LAST, 255 for others.
  var DIGIT = new Uint8Array(128).fill(255);
  for (var k = 0; k < 32; k++) { DIGIT[LAST.charCodeAt(k)] = 32 + k; DIGIT[MORE.charCodeAt(k)] = k; }

  /** A posting list: article numbers (ascending) and values (frequency × 2, plus 1
   *  when in the title), as typed arrays. Two forms (src/search/postings.rs): gaps
   *  and values, or (starting with ".") a bitmap of the articles, then the values. */
  function decode(text) {
    if (text.charCodeAt(0) === 46) return decodeBitmap(text);
    var ids = new Uint32Array(text.length >> 1);
    var values = new Uint32Array(text.length >> 1);
    var size = 0, n = 0, next = 0, gap = true;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      var d = c < 128 ? DIGIT[c] : 255;
      if (d === 255) throw new Error("bad index");
      if (d < 32) { n = n * 32 + d; continue; }
      n = n * 32 + (d - 32);
      if (gap) { ids[size] = next + n; } else { values[size] = n; next = ids[size] + 1; size++; }
      gap = !gap;
      n = 0;
    }
    return { ids: ids.subarray(0, size), values: values.subarray(0, size), size: size };
  }
  /** ".", six articles per digit (article 6k + b in bit b of digit k), ".", values. */
  function decodeBitmap(text) {
    var dot = text.indexOf(".", 1);
    if (dot < 0) throw new Error("bad index");
    var ids = new Uint32Array((dot - 1) * 6);
    var size = 0;
    for (var i = 1; i < dot; i++) {
      var c = text.charCodeAt(i);
      var d = c < 128 ? DIGIT[c] : 255;
      if (d === 255) throw new Error("bad index");
      for (var b = 0; d; b++, d >>= 1) if (d & 1) ids[size++] = (i - 1) * 6 + b;
    }
    var values = new Uint32Array(size);
    var k = 0, n = 0;
    for (var j = dot + 1; j < text.length; j++) {
      var e = text.charCodeAt(j);
      var v = e < 128 ? DIGIT[e] : 255;
      if (v === 255 || k === size) throw new Error("bad index");
      if (v < 32) { n = n * 32 + v; continue; }
      values[k++] = n * 32 + (v - 32);
      n = 0;
    }
    if (k !== size) throw new Error("bad index");
    return { ids: ids.subarray(0, size), values: values, size: size };
  }
  var EMPTY = { ids: new Uint32Array(0), values: new Uint32Array(0), size: 0 };

  function get(path, init) {
    return fetch(indexUrl + path, init).then(function (r) {
      if (!r.ok) throw new Error(path + ": " + r.status);
      return r;
    });
  }
  var manifest = null;
  function loadManifest() {
    // The manifest's name never changes: ask the server whether it did.
    if (!manifest) manifest = get("index.json", { cache: "no-cache" }).then(function (r) { return r.json(); }).then(function (m) {
      // Each list of hashes is one string, eight characters a hash.
      m.shards = m.shards.match(/.{8}/g) || [];
      m.blocks = m.blocks.match(/.{8}/g) || [];
      return m;
    });
    manifest.catch(function () { manifest = null; });
    return manifest;
  }
  var shardCache = {};
  function loadShard(m, n) {
    var path = "terms/" + n + "." + m.shards[n] + ".json";
    if (!shardCache[path]) shardCache[path] = get(path).then(function (r) { return r.json(); });
    return shardCache[path];
  }
  /** Article `id` from its document file: a JSON array of `per_file` articles, in a
   *  folder of `block` articles named after their hash (in the manifest). A file
   *  holding several results is fetched once. */
  var docCache = {};
  function loadDoc(m, id, first) {
    var group = Math.floor(id / m.block);
    var within = id % m.block;
    var perFile = m.per_file || 1;
    var path = "docs/" + group + "." + m.blocks[group] + "/" + Math.floor(within / perFile) + ".json";
    if (!docCache[path]) {
      // The first result's file first: the others wait behind it on a busy line.
      docCache[path] = get(path, { priority: first ? "high" : "low" }).then(function (r) { return r.json(); });
      docCache[path].catch(function () { delete docCache[path]; });
    }
    return docCache[path].then(function (docs) {
      var doc = docs[within % perFile];
      if (!doc) throw new Error(path + ": no article " + id);
      return doc;
    });
  }

  /* ---- Matching and ranking: the same as src/search/query.rs ---- */
  function frequencyClass(f) { return 31 - Math.clz32(Math.max(f, 1)); }

  /** The numbers of the articles holding every term, ranked: more query words in
   *  the title first, then by frequency class, then newest first. */
  function matches(words, lists) {
    var terms = Object.keys(lists);
    if (!terms.length) return new Uint32Array(0);
    var all = terms.map(function (t) { return lists[t]; });
    var base = all.reduce(function (a, b) { return b.size < a.size ? b : a; });
    // Each word's terms, as places in `all`.
    var wordTerms = words.filter(function (w) { return w.terms.length; }).map(function (w) {
      return w.terms.map(function (t) { return terms.indexOf(t); });
    });
    // Every list is sorted: walk them together, one cursor each.
    var cursor = new Uint32Array(all.length);
    var found = new Uint32Array(all.length);
    var keys = [];
    outer: for (var k = 0; k < base.size; k++) {
      var id = base.ids[k];
      for (var t = 0; t < all.length; t++) {
        var list = all[t];
        var c = cursor[t];
        while (c < list.size && list.ids[c] < id) c++;
        cursor[t] = c;
        if (c === list.size || list.ids[c] !== id) continue outer;
        found[t] = list.values[c];
      }
      var title = 0, freq = 0;
      for (var i = 0; i < wordTerms.length; i++) {
        var inTitle = true, tf = Infinity;
        for (var j = 0; j < wordTerms[i].length; j++) {
          var value = found[wordTerms[i][j]];
          inTitle = inTitle && (value & 1) === 1;
          tf = Math.min(tf, value >>> 1);
        }
        title += inTitle ? 1 : 0;
        freq += tf;
      }
      // Rank, then article number, in one number: sorted without a comparator.
      keys.push((title * 64 + frequencyClass(freq)) * 4294967296 + id);
    }
    var sorted = Float64Array.from(keys).sort();
    var ids = new Uint32Array(sorted.length);
    for (var r = 0; r < sorted.length; r++) ids[r] = sorted[sorted.length - 1 - r] % 4294967296;
    return ids;
  }

  function search(words) {
    return loadManifest().then(function (m) {
      var shards = m.shards.length;
      var wanted = {};
      words.forEach(function (w) { w.terms.forEach(function (t) { wanted[t] = termHash(t) % shards; }); });
      var terms = Object.keys(wanted);
      return Promise.all(terms.map(function (t) { return loadShard(m, wanted[t]); })).then(function (loaded) {
        if (window.performance && performance.mark) performance.mark("herald-search-shards");
        var lists = {};
        terms.forEach(function (t, i) { lists[t] = loaded[i][t] ? decode(loaded[i][t]) : EMPTY; });
        var hits = matches(words, lists);
        if (window.performance && performance.mark) performance.mark("herald-search-ranked");
        return { manifest: m, hits: hits };
      });
    });
  }

  /* ---- Showing results ---- */
  function escapeRegExp(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  /** A pattern for the words as they may appear in text (Wi-Fi, WiFi, wi fi). */
  function highlighter(words) {
    var alternatives = [];
    words.forEach(function (w) {
      alternatives.push(w.parts.map(escapeRegExp).join("[-._'\\s]?"));
      if (w.cjk && w.terms.length > 1) w.terms.forEach(function (t) { alternatives.push(escapeRegExp(t)); });
    });
    alternatives.sort(function (a, b) { return b.length - a.length; });
    return alternatives.length ? new RegExp(alternatives.join("|"), "giu") : null;
  }

  /** Appends `text` to `parent`, with matches in <mark>. */
  function appendMarked(parent, text, pattern) {
    var last = 0;
    if (pattern) {
      pattern.lastIndex = 0;
      var m;
      while ((m = pattern.exec(text)) !== null) {
        if (m[0] === "") { pattern.lastIndex++; continue; }
        if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
        var mark = document.createElement("mark");
        mark.textContent = m[0];
        parent.appendChild(mark);
        last = m.index + m[0].length;
      }
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /** About 110 characters around the first match in the text (else the summary). */
  function snippet(doc, pattern) {
    var sources = [doc.x || "", doc.s || ""];
    for (var i = 0; i < sources.length; i++) {
      var text = sources[i];
      if (!pattern || !text) continue;
      pattern.lastIndex = 0;
      var m = pattern.exec(text);
      if (!m) continue;
      var chars = Array.from(text);
      var at = Array.from(text.slice(0, m.index)).length;
      var start = Math.max(0, at - 30);
      var end = Math.min(chars.length, start + 110);
      return (start > 0 ? "…" : "") + chars.slice(start, end).join("") + (end < chars.length ? "…" : "");
    }
    var fallback = Array.from(doc.s || doc.x || "");
    return fallback.slice(0, 110).join("") + (fallback.length > 110 ? "…" : "");
  }

  function dateCn(date) {
    var p = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date || "");
    return p ? p[1] + "年" + Number(p[2]) + "月" + Number(p[3]) + "日" : "";
  }

  function fillHit(li, doc, pattern) {
    var h = document.createElement("h2");
    h.className = "search-hit__title";
    var a = document.createElement("a");
    a.href = rootUrl + doc.u;
    appendMarked(a, doc.t, pattern);
    h.appendChild(a);
    li.appendChild(h);
    if (doc.d) {
      var meta = document.createElement("p");
      meta.className = "search-hit__meta";
      var time = document.createElement("time");
      time.setAttribute("datetime", doc.d);
      time.textContent = dateCn(doc.d);
      meta.appendChild(time);
      li.appendChild(meta);
    }
    var p = document.createElement("p");
    p.className = "search-hit__snippet";
    appendMarked(p, snippet(doc, pattern), pattern);
    li.appendChild(p);
  }

  var current = 0;

  function say(text, state) {
    status.textContent = text;
    box.setAttribute("data-state", state);
  }

  /** Shows the next page of results, each as soon as its document arrives, in rank
   *  order. The first result's file is asked for alone, the others once it came:
   *  on a busy server they would otherwise all wait for each other. */
  function showMore(result, list, pattern, shown, focusFirst) {
    var hits = Array.from(result.hits.subarray(shown, shown + PAGE));
    var token = current;
    var old = box.querySelector(".search-more");
    if (old) old.remove();
    box.setAttribute("data-state", "loading");
    var slots = hits.map(function () {
      var li = document.createElement("li");
      li.className = "search-hit";
      li.hidden = true;
      list.appendChild(li);
      return li;
    });
    var first = null;
    return Promise.all(hits.map(function (id, i) {
      var loaded = i === 0 ? (first = loadDoc(result.manifest, id, true)) : first.then(
        function () { return loadDoc(result.manifest, id, false); },
        function () { return loadDoc(result.manifest, id, false); });
      return loaded.then(function (doc) {
        if (token !== current) return;
        fillHit(slots[i], doc, pattern);
        slots[i].hidden = false;
        if (i === 0 && window.performance && performance.mark) performance.mark("herald-search-shown");
      }, function () { slots[i].remove(); });
    })).then(function () {
      if (token !== current) return;
      var next = shown + hits.length;
      if (next < result.hits.length) {
        var more = document.createElement("button");
        more.type = "button";
        more.className = "btn btn--blue search-more";
        more.textContent = "显示更多结果（还有 " + (result.hits.length - next) + " 篇）";
        more.addEventListener("click", function () { showMore(result, list, pattern, next, true); });
        box.appendChild(more);
      }
      var first = slots.map(function (li) { return li.isConnected && li.querySelector("a"); }).filter(Boolean)[0];
      if (focusFirst && first) first.focus();
      box.setAttribute("data-state", "done");
    });
  }

  function run(query) {
    var token = ++current;
    var words = queryWords(query);
    box.textContent = "";
    if (!words.length) {
      say("请输入要搜索的关键词。", "empty");
      return;
    }
    if (words.every(function (w) { return w.cjk && Array.from(w.text).length === 1; })) {
      say("请至少输入两个连续的汉字，或一个英文单词。", "empty");
      return;
    }
    say("正在搜索…", "loading");
    if (window.performance && performance.mark) performance.mark("herald-search-start");
    var shown = query.trim();
    search(words).then(function (result) {
      if (token !== current) return;
      if (!result.hits.length) {
        say("没有找到与“" + shown + "”相关的文章。可以换一个词，或减少关键词。", "none");
        return;
      }
      say("找到 " + result.hits.length + " 篇与“" + shown + "”相关的文章", "loading");
      var list = document.createElement("ol");
      list.className = "search-hits";
      box.appendChild(list);
      return showMore(result, list, highlighter(words), 0, false);
    }).catch(function () {
      if (token !== current) return;
      say("搜索暂时无法使用，请稍后再试，或浏览文章列表。", "error");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = input.value;
    try {
      var url = new URL(window.location.href);
      url.searchParams.set("q", query);
      window.history.replaceState(null, "", url.pathname + url.search);
    } catch (e) { /* the address stays as it was */ }
    run(query);
  });

  // For tests: the tokenizer must cut queries exactly as src/search/tokenizer.rs.
  window.heraldSearch = { queryWords: queryWords, termHash: termHash };

  // The manifest is the first thing any query needs: ask for it now, while the
  // reader types (a failure is retried by the query).
  loadManifest().catch(function () { /* retried */ });

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
})();

/* Herald default theme: an article's page tools (partials/page_tools.html).
 * 字号 大/中/小 (remembered; the inline script in <head> applies it before the first
 * paint), 朗读 with the browser's speechSynthesis, 打印本页, 复制链接, and the QR
 * code folded on phones. Every control here is `hidden` in the HTML and shown only
 * when it can work: without JavaScript, or without speechSynthesis for 朗读, no
 * dead buttons. */
(function () {
  "use strict";
  var root = document.documentElement;
  var SIZE_KEY = "herald-text-size";
  var SIZES = ["large", "medium", "small"];
  var statusBox = document.getElementById("page-tools-status");

  /* Says `text` in the polite live region (cleared first, so a repeat is heard). */
  function say(text) {
    if (!statusBox) return;
    statusBox.textContent = "";
    window.requestAnimationFrame(function () { statusBox.textContent = text; });
  }

  /* ---- 字号 大/中/小 ---- */
  function currentSize() {
    if (root.classList.contains("text-large")) return "large";
    if (root.classList.contains("text-small")) return "small";
    return "medium";
  }

  function setupTextSize() {
    var group = document.querySelector(".page-tools__sizes");
    if (!group) return;
    var buttons = group.querySelectorAll("[data-text-size]");
    function sync() {
      var size = currentSize();
      Array.prototype.forEach.call(buttons, function (b) {
        b.setAttribute("aria-pressed", b.getAttribute("data-text-size") === size ? "true" : "false");
      });
    }
    Array.prototype.forEach.call(buttons, function (b) {
      b.addEventListener("click", function () {
        var size = b.getAttribute("data-text-size");
        SIZES.forEach(function (s) { root.classList.remove("text-" + s); });
        if (size !== "medium") root.classList.add("text-" + size);
        try {
          if (size === "medium") localStorage.removeItem(SIZE_KEY);
          else localStorage.setItem(SIZE_KEY, size);
        } catch (e) { /* private mode: the size lasts for this page only */ }
        sync();
        say("字号已设为" + b.textContent.trim());
        window.dispatchEvent(new Event("resize"));
      });
    });
    sync();
    group.hidden = false;
  }

  /* ---- 朗读: read the article aloud, title first ---- */
  var BLOCKS = "h1, h2, h3, h4, h5, h6, p, li, dt, dd, th, td, figcaption, blockquote";
  var SKIP = "pre, nav, .toc, script, style, svg, img, .footnote-reference, [data-no-read], [hidden]";

  /* The text of a block, without code blocks, navigation, images or nested blocks. */
  function textOf(el) {
    var copy = el.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(SKIP + ", " + BLOCKS), function (n) {
      if (n.parentNode) n.parentNode.removeChild(n);
    });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  /* A block's text in pieces of a few sentences: some voices stop short on long
   * utterances, and a pause then resumes close to where it was. */
  function pieces(text) {
    var sentences = text.match(/[^。！？；!?;]+[。！？；!?;”’"]*/g) || [text];
    var out = [];
    sentences.forEach(function (s) {
      var last = out.length - 1;
      if (last >= 0 && out[last].length + s.length <= 120) out[last] += s;
      else out.push(s);
    });
    return out;
  }

  /* What to read, in order: the title, then the body's blocks, each as
   * { el, text } pieces. */
  function readingOrder(article) {
    var blocks = [];
    var title = article.querySelector("h1");
    if (title) blocks.push(title);
    var body = article.querySelector(".article__body") || article;
    Array.prototype.forEach.call(body.querySelectorAll(BLOCKS), function (el) {
      if (el !== title && !el.closest(SKIP)) blocks.push(el);
    });
    var list = [];
    blocks.forEach(function (el) {
      var text = textOf(el);
      if (text) pieces(text).forEach(function (p) { list.push({ el: el, text: p.trim() }); });
    });
    return list;
  }

  function setupReadAloud() {
    var group = document.querySelector(".page-tools__speech");
    var button = document.getElementById("read-aloud");
    var stopButton = document.getElementById("read-aloud-stop");
    if (!group || !button || !stopButton) return;
    if (!("speechSynthesis" in window) || typeof window.SpeechSynthesisUtterance !== "function") return;
    var article = group.closest("article") || document.querySelector("main");
    var synth = window.speechSynthesis;
    var label = button.querySelector("[data-read-label]");
    var queue = [];
    var index = 0;
    var state = "idle";
    var current = null;
    var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

    var lang = root.getAttribute("lang") || "zh-CN";
    /* A voice for the page's language (Mandarin first), else the browser's default. */
    function voice() {
      var voices = synth.getVoices ? synth.getVoices() : [];
      var own = lang.toLowerCase();
      var wanted = [
        function (v) { return v === own; },
        function (v) { return /^zh-(cn|hans)/.test(v); },
        function (v) { return v.slice(0, 2) === "zh"; },
      ];
      for (var w = 0; w < wanted.length; w++) {
        for (var i = 0; i < voices.length; i++) {
          if (wanted[w](String(voices[i].lang).replace("_", "-").toLowerCase())) return voices[i];
        }
      }
      return null;
    }
    function mark(el) {
      Array.prototype.forEach.call(article.querySelectorAll(".is-reading"), function (n) {
        n.classList.remove("is-reading");
      });
      if (el) {
        el.classList.add("is-reading");
        el.scrollIntoView({ block: "center", behavior: reduced ? "auto" : "smooth" });
      }
    }
    function show(next) {
      state = next;
      label.textContent = state === "reading" ? "暂停" : state === "paused" ? "继续" : "朗读";
      if (state === "idle") button.removeAttribute("aria-label");
      else button.setAttribute("aria-label", state === "reading" ? "暂停朗读" : "继续朗读");
      stopButton.hidden = state === "idle";
      root.classList.toggle("is-reading-aloud", state !== "idle");
    }
    function speakNext() {
      if (index >= queue.length) {
        stop("朗读结束");
        return;
      }
      var item = queue[index];
      if (!item.el.classList.contains("is-reading")) mark(item.el);
      var utterance = new window.SpeechSynthesisUtterance(item.text);
      utterance.lang = lang;
      var v = voice();
      if (v) utterance.voice = v;
      utterance.onend = function () {
        if (current !== utterance) return;
        index += 1;
        speakNext();
      };
      utterance.onerror = function (e) {
        if (current !== utterance || e.error === "interrupted" || e.error === "canceled") return;
        index += 1;
        speakNext();
      };
      current = utterance;
      synth.speak(utterance);
    }
    function start() {
      queue = readingOrder(article);
      index = 0;
      /* Chrome drops a speak() that follows cancel() at once: cancel only what runs. */
      if (synth.speaking || synth.pending) synth.cancel();
      show("reading");
      say("开始朗读");
      speakNext();
    }
    function stop(message) {
      current = null;
      synth.cancel();
      mark(null);
      show("idle");
      say(message);
    }
    button.addEventListener("click", function () {
      if (state === "idle") {
        start();
      } else if (state === "reading") {
        synth.pause();
        show("paused");
        say("已暂停");
      } else {
        synth.resume();
        show("reading");
        say("继续朗读");
      }
    });
    stopButton.addEventListener("click", function () {
      stop("已停止朗读");
      button.focus();
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && state !== "idle") stop("已停止朗读");
    });
    window.addEventListener("pagehide", function () { if (state !== "idle") synth.cancel(); });
    show("idle");
    group.hidden = false;
  }

  /* ---- 打印本页 ---- */
  function setupPrint() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (b) {
      b.addEventListener("click", function () { window.print(); });
      b.hidden = false;
    });
  }

  /* ---- 复制链接, with a fallback where the Clipboard API is missing ---- */
  function copyByCommand(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "0";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function setupCopyLink() {
    var button = document.getElementById("copy-link");
    if (!button) return;
    var url = button.getAttribute("data-url");
    var box = document.getElementById("copy-link-box");
    function done(ok) {
      button.focus();
      if (ok) {
        say("链接已复制");
        button.setAttribute("data-copied", "");
        return;
      }
      /* Neither way worked: show the address, selected, to copy by hand. */
      if (box) {
        box.hidden = false;
        var field = box.querySelector("input");
        field.focus();
        field.select();
      }
      say("无法自动复制，请手动复制本页链接");
    }
    button.addEventListener("click", function () {
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(
          function () { done(true); },
          function () { done(copyByCommand(url)); }
        );
      } else {
        done(copyByCommand(url));
      }
    });
    button.hidden = false;
  }

  /* ---- The QR code: open at desktop widths, folded on phones; 微信 opens it ---- */
  function setupQr() {
    var qr = document.getElementById("page-qr");
    if (!qr) return;
    if (window.matchMedia && window.matchMedia("(max-width: 63.99rem)").matches) qr.open = false;
    Array.prototype.forEach.call(document.querySelectorAll("[data-share-wechat]"), function (link) {
      link.addEventListener("click", function (e) {
        e.preventDefault();
        qr.open = true;
        var summary = qr.querySelector("summary");
        qr.scrollIntoView({ block: "center" });
        if (summary) summary.focus();
        say("请用微信扫描本页二维码");
      });
    });
  }

  setupTextSize();
  setupReadAloud();
  setupPrint();
  setupCopyLink();
  setupQr();
})();

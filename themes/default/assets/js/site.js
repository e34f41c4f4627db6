/* Herald default theme: the reading-mode switch and the campaign countdown.
 * The site works without this file: the switch stays hidden and the countdown
 * reads as the campaign's plain dates. */
(function () {
  "use strict";

  /* ---- Elderly-friendly reading mode (长者模式) ----
   * The inline script in <head> sets the class before the first paint; this part
   * shows the switch, keeps aria-pressed in step and remembers the choice. */
  var KEY = "herald-reading-mode";
  var root = document.documentElement;

  function store(on) {
    try {
      if (on) localStorage.setItem(KEY, "elder");
      else localStorage.removeItem(KEY);
    } catch (e) { /* private mode: the choice lasts for this page only */ }
  }

  function setupToggle() {
    var button = document.getElementById("mode-toggle");
    if (!button) return;
    function sync() {
      var on = root.classList.contains("elder");
      button.setAttribute("aria-pressed", on ? "true" : "false");
    }
    button.hidden = false;
    sync();
    button.addEventListener("click", function () {
      var on = !root.classList.contains("elder");
      root.classList.toggle("elder", on);
      store(on);
      sync();
      document.dispatchEvent(new CustomEvent("herald:reading-mode", { detail: { elder: on } }));
    });
  }

  /* ---- Countdown to the campaign ----
   * <p id="countdown" data-starts="2026-09-14" data-ends="2026-09-20" data-zone="+08:00"> */
  function setupCountdown() {
    var box = document.getElementById("countdown");
    if (!box) return;
    var status = box.querySelector("[data-countdown-status]");
    var zone = box.getAttribute("data-zone") || "+08:00";
    var starts = Date.parse(box.getAttribute("data-starts") + "T00:00:00" + zone);
    var ends = Date.parse(box.getAttribute("data-ends") + "T23:59:59.999" + zone);
    if (!status || isNaN(starts) || isNaN(ends)) return;

    function render() {
      var now = Date.now();
      var text, state;
      if (now < starts) {
        var minutes = Math.ceil((starts - now) / 60000);
        var days = Math.floor(minutes / 1440);
        var hours = Math.floor((minutes % 1440) / 60);
        var mins = minutes % 60;
        text = "距开幕还有 " + (days ? days + " 天 " : "") + hours + " 小时 " + mins + " 分";
        state = "before";
      } else if (now <= ends) {
        text = "进行中";
        state = "running";
      } else {
        text = "已圆满结束";
        state = "over";
      }
      status.textContent = text;
      box.setAttribute("data-state", state);
      return state;
    }
    if (render() !== "over") {
      /* Once a minute: often enough for days, hours and minutes, never noisy. */
      setInterval(render, 60000);
    }
  }

  /* ---- Wide code blocks and tables ----
   * Herald makes every code block and table focusable so that one wider than the
   * screen can be scrolled by keyboard; those that fit need no tab stop, so this
   * removes it from them. Checked again when the layout changes. */
  function focusableScrollers() {
    var boxes = document.querySelectorAll(".prose pre, .prose .table-wrap");
    Array.prototype.forEach.call(boxes, function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      box.setAttribute("tabindex", scrolls ? "0" : "-1");
    });
  }

  setupToggle();
  setupCountdown();
  focusableScrollers();
  window.addEventListener("resize", focusableScrollers);
  document.addEventListener("herald:reading-mode", focusableScrollers);
})();

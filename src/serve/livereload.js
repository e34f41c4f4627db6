// Herald's live reload, added to pages by `herald serve` only.
// Reloads the page after each rebuild, swaps stylesheets in place when only CSS
// changed, shows build errors over the page, and reconnects when the server returns.
(function () {
  'use strict';
  var generation = null;
  var overlayId = 'herald-error-overlay';

  function showErrors(text) {
    var box = document.getElementById(overlayId);
    if (!box) {
      box = document.createElement('div');
      box.id = overlayId;
      box.setAttribute('role', 'alert');
      box.style.cssText = 'position:fixed;inset:0;z-index:2147483647;overflow:auto;' +
        'background:rgba(20,20,20,.94);color:#fff;padding:2rem;font:15px/1.6 ui-monospace,monospace';
      var title = document.createElement('h2');
      title.textContent = 'Herald：构建出错，仍在显示上一次成功的页面 (build failed)';
      title.style.cssText = 'color:#ff8a80;margin:0 0 1rem;font:bold 18px/1.4 sans-serif';
      var pre = document.createElement('pre');
      pre.style.cssText = 'white-space:pre-wrap;margin:0';
      box.appendChild(title);
      box.appendChild(pre);
      document.body.appendChild(box);
    }
    box.querySelector('pre').textContent = text;
  }

  function clearErrors() {
    var box = document.getElementById(overlayId);
    if (box) { box.remove(); }
  }

  function swapStylesheets(urls) {
    var stamp = 'herald=' + Date.now();
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href, location.href);
      if (urls.indexOf(url.pathname) !== -1) {
        url.search = stamp;
        link.href = url.pathname + url.search;
      }
    });
  }

  var source = new EventSource('/__herald/events');
  source.addEventListener('hello', function (e) {
    var now = JSON.parse(e.data).generation;
    // A tab that was disconnected during a rebuild reloads when it reconnects.
    if (generation !== null && now !== generation) { location.reload(); }
    generation = now;
  });
  source.addEventListener('reload', function () { location.reload(); });
  source.addEventListener('css', function (e) { swapStylesheets(JSON.parse(e.data)); });
  source.addEventListener('errors', function (e) { showErrors(JSON.parse(e.data)); });
  source.addEventListener('clear', clearErrors);
  window.__heraldLiveReload = source;
})();

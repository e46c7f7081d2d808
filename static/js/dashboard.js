/* The monitoring dashboard (and the media issues) refresh their figures every 30 s: fetch each box's fragment,
   swap it in. Pauses while the tab is hidden. Without this script the page shows fresh figures on every reload.
   Loaded once per box that needs it; each box is wired once. */
(function () {
  "use strict";

  if (!window.fetch) { return; }
  Array.prototype.forEach.call(document.querySelectorAll("[data-dashboard-url]"), function (box) {
    if (box.hasAttribute("data-refreshing")) { return; }
    box.setAttribute("data-refreshing", "");
    wire(box);
  });

  function wire(box) {
    var url = box.getAttribute("data-dashboard-url");
    var every = (parseInt(box.getAttribute("data-refresh-seconds"), 10) || 30) * 1000;
    var timer = null;

    function refresh() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) {
          // signed out (redirect to the login page) or refused: stop, keep the last figures
          if (!response.ok || response.redirected) { stop(); return null; }
          return response.text();
        })
        .then(function (html) { if (html !== null && html !== undefined) { box.innerHTML = html; } })
        .catch(function () { /* offline for a moment: try again at the next tick */ });
  }

  function start() { if (timer === null) { timer = window.setInterval(refresh, every); } }
  function stop() { if (timer !== null) { window.clearInterval(timer); timer = null; } }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { stop(); } else { refresh(); start(); }
  });
  if (!document.hidden) { start(); }
  }
})();

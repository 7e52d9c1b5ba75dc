// faultbook serve: reload on rebuild, show build errors in an overlay.
// Injected by the dev server into HTML responses only; never in `build` output.
(function () {
  "use strict";
  var overlay = null;
  // The page the server answers with while the site has never built.
  var unbuilt = document.documentElement.hasAttribute("data-faultbook-unbuilt");
  function hideOverlay() {
    if (overlay) { overlay.remove(); overlay = null; }
  }
  function showOverlay(report) {
    hideOverlay();
    overlay = document.createElement("div");
    overlay.id = "faultbook-overlay";
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-label", "Build errors");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);color:#fff;font:14px/1.5 ui-monospace,monospace;padding:2rem";
    var h = document.createElement("h2");
    var count = report.errors + " error" + (report.errors === 1 ? "" : "s");
    h.textContent = unbuilt
      ? "faultbook: the site does not build yet (" + count + ")"
      : "faultbook: the last change broke the build (" + count + "); showing the last good version";
    h.style.cssText = "margin:0 0 1rem;font-size:16px;color:#ff8a80";
    overlay.appendChild(h);
    var list = document.createElement("ol");
    (report.diagnostics || []).forEach(function (d) {
      var li = document.createElement("li");
      var where = d.file ? d.file + (d.line ? ":" + d.line + (d.column ? ":" + d.column : "") : "") + ": " : "";
      li.textContent = where + d.message; // text, never HTML
      li.style.margin = "0 0 .5rem";
      list.appendChild(li);
    });
    overlay.appendChild(list);
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Dismiss";
    close.addEventListener("click", hideOverlay);
    overlay.appendChild(close);
    document.body.appendChild(overlay);
  }
  // Stylesheets may be renamed by a change (hashed theme assets): take the
  // new links from the page as now served, and swap them in place.
  function swapCss() {
    fetch(location.href, { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").querySelectorAll('link[rel="stylesheet"]');
      var current = document.querySelectorAll('link[rel="stylesheet"]');
      if (fresh.length !== current.length) { location.reload(); return; }
      current.forEach(function (l, i) {
        var u = new URL(fresh[i].getAttribute("href"), location.href);
        u.searchParams.set("v", Date.now());
        l.href = u.toString();
      });
    }).catch(function () { location.reload(); });
  }
  var hadErrors = false;
  var source = new EventSource("/__faultbook/events");
  source.onmessage = function (e) {
    var msg = e.data;
    if (msg === "ok") {
      // Fixed before this page connected: fetch the site it now is.
      if (hadErrors || unbuilt) { location.reload(); }
      hideOverlay();
    } else if (msg === "reload") {
      location.reload();
    } else if (msg === "css") {
      hideOverlay();
      swapCss();
    } else if (msg.indexOf("errors:") === 0) {
      hadErrors = true;
      try { showOverlay(JSON.parse(msg.slice(7))); } catch (err) { /* malformed report */ }
    }
  };
})();

/* briefgen serve: keep the open page current without a reload.
 *
 * The server sends a "change" event (Server-Sent Events) when this page's content changed;
 * the page then fetches itself again and swaps its body in place, keeping the scroll
 * position. When the brief's own stylesheet changed, the page reloads instead (its inline
 * <style> is allowed by hash, so a new one needs a new page). This file is the only script
 * the preview runs: the Content-Security-Policy allows no inline script.
 */
(function () {
  "use strict";

  var state = { updates: [], events: 0 };
  window.briefgenPreview = state;  // read by the tests and the latency benchmark

  var live = "connecting";
  var busy = false;
  var again = false;

  function digestMeta() {
    return document.querySelector('meta[name="briefgen-digest"]');
  }

  function showLive(value) {
    live = value;
    var words = { open: "live", closed: "disconnected", connecting: "connecting" };
    document.querySelectorAll(".preview-live").forEach(function (el) {
      el.setAttribute("data-state", value);
      el.textContent = words[value];
    });
  }

  function styles(doc) {
    return Array.prototype.map.call(doc.querySelectorAll("head style"), function (s) {
      return s.textContent;
    }).join("\u0000");
  }

  function wire() {
    var select = document.querySelector(".scenario-form select");
    if (select) {
      select.addEventListener("change", function () { select.form.requestSubmit(); });
    }
  }

  function painted(digest) {
    // the next animation frame runs before the swap is painted; a task queued from it runs after
    requestAnimationFrame(function () {
      setTimeout(function () {
        state.updates.push({ digest: digest, painted: performance.timeOrigin + performance.now() });
        document.documentElement.setAttribute("data-preview-updates", String(state.updates.length));
      }, 0);
    });
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.href, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (text) {
        var doc = new DOMParser().parseFromString(text, "text/html");
        if (styles(doc) !== styles(document)) { location.reload(); return; }
        var x = window.scrollX;
        var y = window.scrollY;
        var focused = document.activeElement && document.activeElement.id;
        var nodes = Array.prototype.map.call(doc.body.childNodes, function (n) {
          return document.importNode(n, true);
        });
        document.body.replaceChildren.apply(document.body, nodes);
        document.title = doc.title;
        var fresh = doc.querySelector('meta[name="briefgen-digest"]');
        var digest = fresh ? fresh.getAttribute("content") : "";
        digestMeta().setAttribute("content", digest);
        window.scrollTo(x, y);
        if (focused && document.getElementById(focused)) { document.getElementById(focused).focus({ preventScroll: true }); }
        wire();
        showLive(live);
        painted(digest);
      })
      .catch(function () { showLive("closed"); })
      .finally(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  function connect() {
    var params = new URLSearchParams({
      page: location.pathname + location.search,
      digest: digestMeta().getAttribute("content"),
    });
    var source = new EventSource("/events?" + params.toString());
    source.addEventListener("open", function () { showLive("open"); });
    source.addEventListener("error", function () { showLive(source.readyState === 2 ? "closed" : "connecting"); });
    source.addEventListener("change", function () { state.events += 1; refresh(); });
    state.source = source;
  }

  wire();
  // a page read from files outside the sources (the review page) is made afresh on each visit
  if (!document.body.hasAttribute("data-static")) { connect(); }
})();

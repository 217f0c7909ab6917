// What every live page shares: ask the server every few seconds while the tab is visible,
// never two questions at once, less often while it does not answer (offline, signed out: up
// to once a minute), at once when the tab is shown again, and not at all while it is hidden
// (so nothing is marked read that nobody saw). Each page says what to ask and what to do
// with the answer.
(function () {
  "use strict";
  var INTERVAL_MS = 3000;
  var MAX_BACKOFF_MS = 60000;

  // options.url(): the URL to ask now; options.apply(data): show a JSON answer.
  // Returns poll(), to ask at once (it does nothing while a question is out).
  function livePoll(options) {
    var delay = INTERVAL_MS;
    var timer = null;
    var inFlight = false;

    function schedule(ms) {
      clearTimeout(timer);
      if (document.visibilityState === "visible") timer = setTimeout(poll, ms);
    }

    function poll() {
      if (inFlight || document.visibilityState !== "visible") return;
      inFlight = true;
      fetch(options.url(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          options.apply(data);
          delay = INTERVAL_MS;
        })
        .catch(function () {
          delay = Math.min(delay * 2, MAX_BACKOFF_MS);
        })
        .then(function () {
          inFlight = false;
          schedule(delay);
        });
    }

    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") poll();
      else clearTimeout(timer);
    });
    schedule(INTERVAL_MS);
    return poll;
  }

  window.MessageCenter = window.MessageCenter || {};
  window.MessageCenter.livePoll = livePoll;
})();

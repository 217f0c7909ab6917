// The evidence box of a conversation: while an export is being prepared, ask its status every
// two seconds, move the progress bar, and show the download link when it is ready. The page
// works without this (reloading shows the same); it only saves the reload.
(function () {
  "use strict";
  var box = document.getElementById("evidence-status");
  if (!box || !window.fetch || !box.dataset.statusUrl) return;

  var INTERVAL_MS = 2000;
  var MAX_BACKOFF_MS = 30000;
  var delay = INTERVAL_MS;

  function paragraph(text, className) {
    var p = document.createElement("p");
    if (className) p.className = className;
    p.textContent = text;
    return p;
  }

  function show(data) {
    box.textContent = "";
    if (data.status === "ready" && data.download_url) {
      var p = paragraph(box.dataset.labelReady + " ");
      var link = document.createElement("a");
      link.className = "evidence-download";
      link.href = data.download_url;
      link.textContent = box.dataset.labelDownload;
      p.appendChild(link);
      box.appendChild(p);
      return true;
    }
    if (data.status === "failed" || data.status === "expired") {
      box.appendChild(paragraph(box.dataset.labelFailed, "warning"));
      return true;
    }
    var line = paragraph((data.status === "running" ? box.dataset.labelRunning : box.dataset.labelPending) + " ");
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = data.progress || 0;
    bar.textContent = (data.progress || 0) + " %";
    line.appendChild(bar);
    box.appendChild(line);
    return false;
  }

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        delay = INTERVAL_MS;
        if (show(data)) {
          // Finished: the form to export again comes with the next page load.
          return;
        }
        setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, MAX_BACKOFF_MS);
        setTimeout(poll, delay);
      });
  }

  setTimeout(poll, INTERVAL_MS);
})();

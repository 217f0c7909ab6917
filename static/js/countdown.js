// Keep the 24-hour countdowns current while the page stays open (the server renders them first).
(function () {
  "use strict";
  var AMBER_MS = 6 * 60 * 60 * 1000;

  function duration(ms) {
    var minutes = Math.max(0, Math.floor(ms / 60000));
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var rest = minutes % 60;
    if (days) return days + "d " + hours + "h";
    if (hours) return hours + "h " + (rest < 10 ? "0" : "") + rest + "m";
    return rest + "m";
  }

  function refresh() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var left = Date.parse(el.dataset.due) - now;
      var state = left < 0 ? "overdue" : left < AMBER_MS ? "soon" : "ok";
      var label = left < 0 ? el.dataset.overdue : el.dataset.left;
      el.textContent = label.replace("%(time)s", duration(Math.abs(left)));
      el.classList.remove("countdown-ok", "countdown-soon", "countdown-overdue");
      el.classList.add("countdown-" + state);
    });
  }

  refresh();
  setInterval(refresh, 30000);
})();

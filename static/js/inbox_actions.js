// Inbox and conversation actions: "Select all" for the bulk actions, and a confirmation
// before any action that carries data-confirm (the text says what the action does) or
// data-confirm-dialog (the id of a <dialog> that explains it and holds the real form).
(function () {
  "use strict";
  var all = document.querySelector("[data-select-all]");
  if (all) {
    // Read every time: rows arrive while the page is open (inbox_live.js).
    var boxes = function () {
      return Array.prototype.slice.call(document.querySelectorAll("input[name=thread]"));
    };
    var label = all.closest("[data-needs-js]");
    if (label) label.hidden = false;
    var sync = function () {
      var shown = boxes();
      var ticked = shown.filter(function (box) { return box.checked; }).length;
      all.checked = ticked === shown.length && ticked > 0;
      all.indeterminate = ticked > 0 && ticked < shown.length;
      shown.forEach(function (box) {
        var row = box.closest("[data-thread-row]");
        if (row) row.classList.toggle("is-ticked", box.checked);
      });
    };
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
      sync();
    });
    document.addEventListener("change", function (event) {
      if (event.target.matches && event.target.matches("input[name=thread]")) sync();
    });
    document.addEventListener("inbox:rows-changed", sync);
    sync();
  }

  document.addEventListener("submit", function (event) {
    // A form with data-confirm-dialog asks in that <dialog> (its own form does the action);
    // without JavaScript, or a browser without <dialog>, the server asks on a page instead.
    var dialogId = event.target.getAttribute && event.target.getAttribute("data-confirm-dialog");
    var dialog = dialogId && document.getElementById(dialogId);
    if (dialog && typeof dialog.showModal === "function") {
      event.preventDefault();
      dialog.showModal();
      return;
    }
    var trigger = event.submitter && event.submitter.getAttribute("data-confirm")
      ? event.submitter
      : event.target;
    var text = trigger.getAttribute && trigger.getAttribute("data-confirm");
    if (text && !window.confirm(text)) event.preventDefault();
  });

  // On a narrow screen the folder tabs scroll sideways: bring the open folder into view, so
  // "All" or "Trash" is not hidden past the edge. Only the tab strip moves, never the page.
  var current = document.querySelector(".tabs a.current");
  if (current) {
    var strip = current.parentElement;
    var left = current.offsetLeft - strip.offsetLeft;
    var right = left + current.offsetWidth;
    if (right > strip.scrollLeft + strip.clientWidth || left < strip.scrollLeft) {
      strip.scrollLeft = Math.max(0, right - strip.clientWidth + 8);
    }
  }
})();

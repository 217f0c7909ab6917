// Inbox and conversation actions: "Select all" for the bulk actions, and a confirmation
// before any action that carries data-confirm (the text says what the action does).
(function () {
  "use strict";
  var all = document.querySelector("[data-select-all]");
  if (all) {
    var boxes = Array.prototype.slice.call(document.querySelectorAll("input[name=thread]"));
    var label = all.closest("[data-needs-js]");
    if (label) label.hidden = false;
    var sync = function () {
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      all.checked = ticked === boxes.length && ticked > 0;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
      boxes.forEach(function (box) {
        var row = box.closest("[data-thread-row]");
        if (row) row.classList.toggle("is-ticked", box.checked);
      });
    };
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
      sync();
    });
    boxes.forEach(function (box) { box.addEventListener("change", sync); });
    sync();
  }

  document.addEventListener("submit", function (event) {
    var trigger = event.submitter && event.submitter.getAttribute("data-confirm")
      ? event.submitter
      : event.target;
    var text = trigger.getAttribute && trigger.getAttribute("data-confirm");
    if (text && !window.confirm(text)) event.preventDefault();
  });
})();

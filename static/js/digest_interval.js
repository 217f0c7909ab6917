// Notification settings: how often the digest is sent matters only with "Digest" chosen, so the
// choice is shown only then. Without JavaScript it is always shown.
(function () {
  "use strict";
  var box = document.getElementById("digest-interval");
  var form = box && box.closest("form");
  if (!form) return;
  var modes = form.querySelectorAll('input[name="mode"]');

  function update() {
    var chosen = form.querySelector('input[name="mode"]:checked');
    box.hidden = !chosen || chosen.value !== "digest";
  }

  for (var i = 0; i < modes.length; i++) modes[i].addEventListener("change", update);
  update();
})();

// The API tokens page: the Copy button beside a token just created puts it on the clipboard.
// Where the clipboard cannot be written, the token is selected for Ctrl+C instead. Without
// JavaScript the button stays hidden (the token still selects with one click).
(function () {
  "use strict";
  var button = document.getElementById("copy-token");
  var token = document.getElementById("new-token");
  var status = document.getElementById("copy-token-status");
  if (!button || !token || !status) return;

  function select() {
    var range = document.createRange();
    range.selectNodeContents(token);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    status.textContent = button.dataset.labelSelected;
  }

  button.addEventListener("click", function () {
    var text = token.textContent.trim();
    status.textContent = "";
    if (!navigator.clipboard || !navigator.clipboard.writeText) {
      select();
      return;
    }
    navigator.clipboard.writeText(text).then(function () {
      status.textContent = button.dataset.labelCopied;
    }, select);
  });
  button.hidden = false;
})();

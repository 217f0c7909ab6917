// Saved replies in the reply box: insert the chosen reply, already filled in for this
// conversation by the server, at the cursor. Without JavaScript the same button reloads the
// page with the reply in the box (?saved_reply=<id>).
(function () {
  "use strict";
  var data = document.getElementById("saved-reply-texts");
  var select = document.getElementById("saved-reply-select");
  var button = document.getElementById("saved-reply-insert");
  var box = document.getElementById("id_body");
  var status = document.getElementById("saved-reply-status");
  if (!data || !select || !button || !box) return;
  var texts = JSON.parse(data.textContent);
  var touched = false; // until the box is used, a reply goes after what it holds

  box.addEventListener("focus", function () { touched = true; });
  button.type = "button";
  button.removeAttribute("form");

  button.addEventListener("click", function () {
    var text = texts[select.value];
    if (typeof text !== "string") return;
    var start = touched ? box.selectionStart : box.value.length;
    var end = touched ? box.selectionEnd : box.value.length;
    box.focus();
    box.setRangeText(text, start, end, "end");
    // Let the policy check (compose.js) and anything else listening see the new text.
    box.dispatchEvent(new Event("input", { bubbles: true }));
    if (status) {
      status.textContent = "";
      status.textContent = button.getAttribute("data-inserted") || "";
    }
  });
})();

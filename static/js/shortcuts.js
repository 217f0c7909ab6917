// Keyboard shortcuts for the inbox and the conversation page (press ? for the list):
// j / k move between conversations, o or Enter opens, x ticks, e archives, r writes a reply.
// They never fire while someone types in a text box, or with Ctrl, Alt or Cmd held.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-thread-row]"));
  var dialog = document.getElementById("shortcuts-help");
  var current = -1;

  function typing(el) {
    if (!el || !el.tagName) return false;
    if (el.isContentEditable) return true;
    if (el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
    if (el.tagName === "INPUT") {
      return !/^(checkbox|radio|button|submit|reset|image|range|color|file)$/i.test(el.type);
    }
    return false;
  }

  function mark(index) {
    rows.forEach(function (row, i) { row.classList.toggle("is-current", i === index); });
    current = index;
  }

  function select(index) {
    if (!rows.length) return;
    index = Math.max(0, Math.min(rows.length - 1, index));
    mark(index);
    var link = rows[index].querySelector("a");
    if (link) link.focus();
    rows[index].scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("focusin", function (event) {
    var focused = event.target.closest && event.target.closest("[data-thread-row]");
    if (focused && rows.indexOf(focused) >= 0) mark(rows.indexOf(focused));
  });

  // Rows that arrive while the page is open (inbox_live.js) take their place in the order.
  document.addEventListener("inbox:rows-changed", function () {
    rows = Array.prototype.slice.call(document.querySelectorAll("[data-thread-row]"));
    current = -1;
    rows.forEach(function (row, index) { if (row.classList.contains("is-current")) current = index; });
  });

  function row() { return current >= 0 ? rows[current] : null; }

  function open() {
    var link = row() && row().querySelector("a");
    if (link) window.location.assign(link.href);
  }

  function toggle() {
    var box = row() && row().querySelector("input[type=checkbox]");
    if (!box) return;
    box.checked = !box.checked;
    box.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function archive() {
    var single = document.querySelector("form[data-shortcut-archive]");
    if (single) { single.submit(); return; }
    var bulk = document.querySelector("[data-bulk-form]");
    var box = row() && row().querySelector("input[name=thread]");
    if (!bulk || !box || !bulk.querySelector("[data-bulk-archive]")) return;
    var form = document.createElement("form");
    form.method = "post";
    form.action = bulk.getAttribute("action");
    form.hidden = true;
    var fields = {
      csrfmiddlewaretoken: bulk.querySelector("input[name=csrfmiddlewaretoken]").value,
      folder: bulk.querySelector("input[name=folder]").value,
      action: "archive",
      thread: box.value,
    };
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = fields[name];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  function reply() {
    var box = document.getElementById("id_body");
    if (!box) return false;
    box.focus();
    box.scrollIntoView({ block: "center" });
    return true;
  }

  function help() {
    if (!dialog || typeof dialog.showModal !== "function") return false;
    if (!dialog.open) dialog.showModal();
    return true;
  }

  document.querySelectorAll("[data-shortcuts-open]").forEach(function (button) {
    if (!dialog) return;
    button.hidden = false;
    button.addEventListener("click", help);
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target) || (dialog && dialog.open)) return;
    var handled = true;
    switch (event.key) {
      case "j": select(current + 1); break;
      case "k": select(current < 0 ? 0 : current - 1); break;
      case "o": open(); break;
      case "Enter":
        // A focused link or button already does its own thing.
        if (event.target.closest && event.target.closest("a, button")) handled = false;
        else if (row()) open();
        else handled = false;
        break;
      case "x": toggle(); break;
      case "e": archive(); break;
      case "r": handled = reply(); break;
      case "?": handled = help(); break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });
})();

// An open inbox updates itself: while the tab is visible, ask the server every few seconds what
// changed in the user's folders (its answer "nothing new" costs it no query). A new or moved
// row goes where the folder's order puts it on the first page; a search, a deeper page or an
// empty folder says "N new conversations" instead of reshuffling. The folder counts and the
// unread badge follow. Nothing the user is doing is touched: ticked boxes stay ticked, focus
// stays where it is, the search form is never rendered again. New rows are read out through
// a polite live region. All text comes rendered by the server, in the page's language.
(function () {
  "use strict";
  var live = document.getElementById("inbox-live");
  if (!live || !window.fetch || !window.MessageCenter || !live.dataset.updatesUrl) return;
  var announcer = document.getElementById("inbox-announce");
  var notice = live.querySelector("[data-inbox-notice]");
  var noticeText = live.querySelector("[data-inbox-notice-text]");

  // The server's cursor: the latest activity this page was told of and the inbox version.
  var since = live.dataset.since || "0";

  function say(text) {
    if (!announcer || !text) return;
    var line = document.createElement("p");
    line.textContent = text;
    announcer.appendChild(line);
    // Keep the region short; screen readers announce additions only.
    while (announcer.childNodes.length > 5) announcer.removeChild(announcer.firstChild);
  }

  function rowFor(list, id) {
    return list.querySelector('[data-thread-row][data-thread="' + id + '"]');
  }

  // Put a row after the nearest row shown that comes before it in the folder's order, or
  // before the nearest that comes after it, or at the top.
  function place(list, node, id, order) {
    var at = order.indexOf(id);
    var i;
    for (i = at - 1; i >= 0; i--) {
      var before = rowFor(list, order[i]);
      if (before && before !== node) { before.after(node); return; }
    }
    for (i = at + 1; i < order.length; i++) {
      var next = rowFor(list, order[i]);
      if (next && next !== node) { list.insertBefore(node, next); return; }
    }
    list.insertBefore(node, list.firstElementChild);
  }

  // What the user did to a row stays on its new version: the tick, the keyboard's current
  // row, and the focus (on the same control).
  function carry(old, node) {
    var oldBox = old.querySelector("input[name=thread]");
    var box = node.querySelector("input[name=thread]");
    if (oldBox && box) box.checked = oldBox.checked;
    ["is-ticked", "is-current"].forEach(function (name) {
      if (old.classList.contains(name)) node.classList.add(name);
    });
    var focused = document.activeElement;
    if (!focused || !old.contains(focused)) return null;
    if (focused === oldBox) return box;
    return node.querySelector(focused.tagName === "A" ? "a" : "input, a");
  }

  function showRows(data) {
    var list = document.querySelector("[data-thread-list]");
    if (!list || !data.order) return;
    var changed = false;
    data.rows.forEach(function (row) {
      var old = rowFor(list, row.thread);
      // Already shown as it is (a row the server looks back at once more).
      if (old && Number(old.dataset.at) >= row.at) return;
      var holder = document.createElement("ul");
      holder.innerHTML = row.html.trim();
      var node = holder.firstElementChild;
      if (!node) return;
      var focus = old ? carry(old, node) : null;
      node.classList.add("arrived");
      if (old) old.remove();
      place(list, node, row.thread, data.order);
      if (focus) focus.focus({ preventScroll: true });
      changed = true;
      say(row.announce);
    });
    // "Select all" and the keyboard shortcuts count the rows again.
    if (changed) document.dispatchEvent(new CustomEvent("inbox:rows-changed"));
  }

  function showNotice(data) {
    if (!notice || !data.notice) return;
    var text = data.notice.text;
    if (noticeText.textContent !== text) {
      noticeText.textContent = text;
      say(text);
    }
    notice.hidden = false;
  }

  function showCounts(data) {
    document.querySelectorAll("nav.tabs a").forEach(function (tab) {
      var folder = new URL(tab.getAttribute("href"), window.location.href).searchParams.get("folder");
      var count = tab.querySelector(".count");
      if (count && data.counts[folder]) count.innerHTML = data.counts[folder].html;
    });
    if (!data.unread) return;  // staff who sell nothing have no badge
    document.querySelectorAll("[data-unread-badge]").forEach(function (badge) {
      badge.innerHTML = data.unread.html;
    });
  }

  window.MessageCenter.livePoll({
    url: function () {
      return live.dataset.updatesUrl + "&since=" + encodeURIComponent(since);
    },
    apply: function (data) {
      if (data.changed) {
        showRows(data);
        showNotice(data);
        showCounts(data);
      }
      since = data.since;
      live.dataset.since = since;
    },
  });
})();

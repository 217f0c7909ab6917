// Undo send: a message still sending shows how long it can be taken back. When the time is
// over the Undo button goes away and the message reads as sent (the server delivers it then,
// and refuses an undo from that moment on: the page never offers what would fail).
//
// Undo puts the text back into the reply box (the server does that). The files come back too
// where the browser allows it: before the undo is posted, this page reads the message's own
// files and keeps them in the browser (IndexedDB) for the next page, which puts them back into
// the file picker. Without that, the reply box names the files to attach again.
(function () {
  "use strict";
  var DB_NAME = "message-center-undo";
  var STORE = "files";

  function database() {
    return new Promise(function (resolve, reject) {
      var request = window.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function keep(key, value) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, "readwrite");
        tx.objectStore(STORE).put(value, key);
        tx.oncomplete = function () { db.close(); resolve(); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function take(key) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, "readwrite");
        var store = tx.objectStore(STORE);
        var request = store.get(key);
        request.onsuccess = function () { store.delete(key); };
        tx.oncomplete = function () { db.close(); resolve(request.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  var canKeepFiles = Boolean(window.indexedDB && window.fetch && window.DataTransfer);

  // --- the countdown ---------------------------------------------------------------------
  var blocks = document.querySelectorAll(".undo-bar[data-undo-until]");

  function refresh() {
    var now = Date.now();
    var waiting = 0;
    blocks.forEach(function (block) {
      if (!block.isConnected || block.dataset.done) return;
      var left = Math.ceil((Date.parse(block.dataset.undoUntil) - now) / 1000);
      var label = block.querySelector(".undo-left");
      if (left > 0) {
        waiting += 1;
        if (label) label.textContent = label.dataset.left.replace("{seconds}", String(left));
        return;
      }
      block.dataset.done = "1";
      var form = block.querySelector("form");
      if (form) form.remove();
      var state = block.querySelector(".sending-state");
      if (state) state.textContent = block.dataset.sent;
      var item = block.closest(".message");
      if (item) item.classList.remove("sending");
    });
    if (waiting) setTimeout(refresh, 1000);
  }

  // --- Undo: keep the message's files for the reply box -----------------------------------
  function keepFilesThenUndo(event) {
    var form = event.currentTarget;
    var item = form.closest(".message");
    var entries = item ? item.querySelectorAll(".attachments li") : [];
    var block = form.closest(".undo-bar");
    var left = block ? Date.parse(block.dataset.undoUntil) - Date.now() : 0;
    // Nothing to keep, or no time to fetch it: the plain form post.
    if (!canKeepFiles || !entries.length || left < 1500) return;
    event.preventDefault();
    var button = form.querySelector("button");
    if (button) button.disabled = true;
    var wanted = Array.prototype.map.call(entries, function (entry) {
      var name = entry.querySelector(".file-name").textContent;
      var link = entry.querySelector("a.file-download");
      return fetch(link.href, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.blob();
        })
        .then(function (blob) { return new File([blob], name, { type: blob.type }); });
    });
    Promise.all(wanted)
      .then(function (files) { return keep(form.dataset.thread, files); })
      .catch(function () { /* the reply box names the files instead */ })
      .then(function () { form.submit(); });
  }

  // --- the reply box after an undo: put the files back -------------------------------------
  function restoreFiles() {
    var notice = document.getElementById("undone-files");
    var picker = document.getElementById("id_files");
    if (!notice || !picker || !canKeepFiles) return;
    var names = Array.prototype.map.call(notice.querySelectorAll("li"), function (li) {
      return li.textContent;
    });
    take(notice.dataset.thread)
      .then(function (files) {
        if (!files || files.length !== names.length) return;
        if (!files.every(function (file, i) { return file.name === names[i]; })) return;
        var transfer = new DataTransfer();
        files.forEach(function (file) { transfer.items.add(file); });
        picker.files = transfer.files;
        picker.dispatchEvent(new Event("change", { bubbles: true }));
        notice.textContent = notice.dataset.restored;
        notice.classList.remove("warning");
        notice.classList.add("hint");
      })
      .catch(function () { /* the notice stays: attach them again by hand */ });
  }

  document.querySelectorAll(".undo-bar form[data-thread]").forEach(function (form) {
    form.addEventListener("submit", keepFilesThenUndo);
  });
  if (blocks.length) refresh();
  restoreFiles();
})();

// Check as you type: ask the server's content policy about the draft and show what it found,
// highlighted in the text, before the sender presses Send.
(function () {
  "use strict";
  var box = document.querySelector("textarea[data-policy-check]");
  var live = document.getElementById("policy-live");
  if (!box || !live || !window.fetch) return;
  var form = box.form;
  var tokenInput = form && form.querySelector("input[name=csrfmiddlewaretoken]");
  var timer = null;
  var sequence = 0;

  // The server's spans count code points; JavaScript strings count UTF-16 units, so map them
  // (an emoji before a finding would otherwise shift the highlight by one).
  function unitOffsets(text) {
    var offsets = [0];
    var units = 0;
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
        var next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) { i++; units += 2; offsets.push(units); continue; }
      }
      units += 1;
      offsets.push(units);
    }
    return offsets;
  }

  function render(text, result) {
    live.textContent = "";
    if (!result || result.verdict !== "block") return;
    var wrap = document.createElement("div");
    wrap.className = "policy-preview";
    var title = document.createElement("p");
    title.className = "policy-title";
    title.textContent = live.getAttribute("data-title") || "This will not be sent as written:";
    wrap.appendChild(title);
    var para = document.createElement("p");
    para.className = "policy-text";
    var offsets = unitOffsets(text);
    var spans = result.findings
      .filter(function (f) { return (f.source || "body") === "body"; })
      .map(function (f) {
        var last = offsets.length - 1;
        return {
          start: offsets[Math.min(f.start, last)],
          end: offsets[Math.min(f.end, last)],
          reason: f.reason,
          category: f.category,
        };
      })
      .sort(function (a, b) { return a.start - b.start; });
    var position = 0;
    spans.forEach(function (f) {
      if (f.end <= position) return;
      var start = Math.max(f.start, position);
      if (start > position) para.appendChild(document.createTextNode(text.slice(position, start)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(start, f.end);
      mark.title = f.reason;
      mark.setAttribute("data-category", f.category);
      para.appendChild(mark);
      position = f.end;
    });
    if (position < text.length) para.appendChild(document.createTextNode(text.slice(position)));
    wrap.appendChild(para);
    var list = document.createElement("ul");
    list.className = "policy-findings";
    result.findings.forEach(function (f) {
      var item = document.createElement("li");
      item.textContent = f.reason;
      list.appendChild(item);
    });
    wrap.appendChild(list);
    live.appendChild(wrap);
  }

  function check() {
    var text = box.value;
    var mine = ++sequence;
    var names = pickedNames();
    if (!text.trim() && !names.length) { render(text, null); return; }
    fetch(box.getAttribute("data-policy-check"), {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": tokenInput ? tokenInput.value : "",
      },
      body: JSON.stringify({ body: text, filenames: names }),
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (result) {
        if (mine === sequence && result) render(text, result);
      })
      .catch(function () { /* the server still checks on send */ });
  }

  // Files: list each picked file with its size, and say at once what the server would refuse.
  var picker = form && form.querySelector("input[type=file][name=files]");
  var fileList = document.getElementById("file-list");
  var allowed = ["txt", "pdf", "jpg", "jpeg", "gif", "png", "doc", "docx"];

  function pickedNames() {
    if (!picker || !picker.files) return [];
    return Array.prototype.slice.call(picker.files, 0, 5).map(function (f) { return f.name; });
  }

  function size(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + " KB";
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  // Messages come translated from the page (data attributes); English is only a fallback.
  function text(attribute, fallback) {
    return (picker && picker.getAttribute(attribute)) || fallback;
  }

  function listFiles() {
    if (!picker || !fileList) return;
    fileList.textContent = "";
    var maxFiles = parseInt(picker.getAttribute("data-max-files"), 10) || 5;
    var maxBytes = parseInt(picker.getAttribute("data-max-bytes"), 10) || 10485760;
    var total = new Blob([box.value]).size;
    var problems = 0;
    Array.prototype.forEach.call(picker.files, function (file, index) {
      total += file.size;
      var item = document.createElement("li");
      var name = document.createElement("span");
      name.className = "file-name";
      name.textContent = file.name;
      var bytes = document.createElement("span");
      bytes.className = "file-size";
      bytes.textContent = size(file.size);
      item.appendChild(name);
      item.appendChild(bytes);
      var extension = file.name.indexOf(".") >= 0 ? file.name.split(".").pop().toLowerCase() : "";
      var reason = "";
      if (index >= maxFiles) reason = text("data-too-many", "A message can carry at most " + maxFiles + " files.");
      else if (allowed.indexOf(extension) < 0) reason = text("data-bad-type", "This type of file cannot be sent.");
      else if (file.size === 0) reason = text("data-empty", "The file is empty.");
      if (reason) {
        problems++;
        item.className = "file-rejected";
        var why = document.createElement("span");
        why.className = "file-reason";
        why.textContent = reason;
        item.appendChild(why);
      }
      fileList.appendChild(item);
    });
    if (total > maxBytes) {
      problems++;
      var over = document.createElement("li");
      over.className = "file-rejected";
      over.innerHTML = '<span class="file-reason"></span>';
      over.firstChild.textContent = text(
        "data-too-large", "Together the text and files are {size}; the limit is 10 MB."
      ).replace("{size}", size(total));
      fileList.appendChild(over);
    }
    picker.setCustomValidity(problems ? text("data-invalid", "Some files cannot be sent.") : "");
  }

  if (picker) {
    picker.addEventListener("change", function () { listFiles(); check(); });
    form.addEventListener("submit", function (event) {
      listFiles();
      if (picker.validationMessage) {
        event.preventDefault();
        picker.focus();
      }
    });
  }

  // Proactive messages: each reason has its own length limit; the hint and the box follow it.
  var reasonPicker = form && form.querySelector("select[name=reason]");
  var bodyHint = document.getElementById("body-hint");
  if (reasonPicker && bodyHint) {
    reasonPicker.addEventListener("change", function () {
      var option = reasonPicker.options[reasonPicker.selectedIndex];
      var limit = option && option.getAttribute("data-max-length");
      if (!limit) return;
      box.setAttribute("maxlength", limit);
      bodyHint.textContent = option.getAttribute("data-hint");
    });
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
})();

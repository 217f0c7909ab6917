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
    var spans = result.findings
      .filter(function (f) { return (f.source || "body") === "body"; })
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
    if (!text.trim()) { render(text, null); return; }
    fetch(box.getAttribute("data-policy-check"), {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": tokenInput ? tokenInput.value : "",
      },
      body: JSON.stringify({ body: text }),
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (result) {
        if (mine === sequence && result) render(text, result);
      })
      .catch(function () { /* the server still checks on send */ });
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
})();

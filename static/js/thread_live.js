// New messages appear in an open conversation without reloading: while the tab is visible,
// ask the server every few seconds for the messages after the last one shown, add them to
// the thread and read them out through a polite live region. A hidden tab does not ask, so
// nothing is marked read that nobody saw; showing the tab again asks at once.
(function () {
  "use strict";
  var list = document.getElementById("thread-messages");
  var live = document.getElementById("thread-live");
  // Seller pages: the 24-hour countdown and "No response needed" come and go with the buyer's
  // waiting messages; the page says which waiting-since it shows and gets them anew if it changed.
  var due = document.getElementById("response-due");
  var dueAction = document.getElementById("no-response-action");
  // Seller pages of a team: say whether this person is replying (text in the reply box), and
  // show who else of the team has the conversation open or is replying.
  var presenceLine = document.getElementById("team-presence");
  var replyBox = document.getElementById("id_body");
  if (!list || !window.fetch || !window.MessageCenter || !list.dataset.updatesUrl) return;

  // The server's cursor: the highest id and the latest time this page was told of.
  var after = list.dataset.after || "0";

  function add(item) {
    if (document.getElementById("m" + item.id)) return;
    var holder = document.createElement("ol");
    holder.innerHTML = item.html.trim();
    var node = holder.firstElementChild;
    if (!node) return;
    node.classList.add("arrived");
    list.appendChild(node);
    if (!item.mine && live) {
      var line = document.createElement("p");
      line.textContent = item.announce;
      live.appendChild(line);
      // Keep the region short; screen readers announce additions only.
      while (live.childNodes.length > 5) live.removeChild(live.firstChild);
    }
  }

  function nearBottom() {
    var rect = list.getBoundingClientRect();
    return rect.bottom - window.innerHeight < 200;
  }

  var poll = window.MessageCenter.livePoll({
    url: function () {
      var url = list.dataset.updatesUrl + "?after=" + encodeURIComponent(after);
      if (due) url += "&due=" + encodeURIComponent(due.dataset.due || "0");
      if (presenceLine) {
        var replying = replyBox && replyBox.value.trim() !== "";
        url += "&presence=" + (replying ? "replying" : "viewing");
      }
      return url;
    },
    apply: function (data) {
      var follow = nearBottom();
      data.messages.forEach(add);
      if (data.obligation && due) {
        due.dataset.due = data.obligation.due;
        due.innerHTML = data.obligation.countdown_html;
        if (dueAction) dueAction.innerHTML = data.obligation.action_html;
      }
      if (presenceLine && typeof data.presence === "string" && presenceLine.textContent !== data.presence) {
        presenceLine.textContent = data.presence;
      }
      if (data.after) after = data.after;
      list.dataset.after = after;
      if (data.messages.length && follow) {
        list.lastElementChild.scrollIntoView({ block: "nearest" });
      }
    },
  });

  if (presenceLine && replyBox) {
    // Starting (or clearing) a reply tells the team at once, not at the next poll.
    var wasReplying = replyBox.value.trim() !== "";
    replyBox.addEventListener("input", function () {
      var replying = replyBox.value.trim() !== "";
      if (replying !== wasReplying) {
        wasReplying = replying;
        poll();
      }
    });
  }
})();

// The waiting-room display: keeps the board current by conditional polling (ETag / 304), chimes on a new
// call once sound is enabled (browsers allow audio only after a tap), and reconnects by itself after a
// network drop or a server restart (the ETag is computed from the data, so a new server process answers
// the same ETag with a 304). No inline script: the page carries its settings in data-* attributes.
(function () {
  "use strict";

  var body = document.body;
  var stateUrl = body.dataset.stateUrl;
  var pollMs = parseInt(body.dataset.pollMs, 10) || 1000;
  var board = document.querySelector("[data-display-board]");
  var status = document.querySelector("[data-display-status]");
  var soundButton = document.querySelector("[data-display-sound]");
  var chime = document.querySelector("[data-display-chime]");
  var etag = null;
  var lastCall = body.dataset.lastCall || null;
  var soundOn = false;
  var failures = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function tokenList(className, entries) {
    var list = el("ol", className);
    if (!entries.length) list.appendChild(el("li", "display-idle", "–"));
    entries.forEach(function (entry) {
      var item = el("li", null, entry.token + " ");
      if (entry.initials) item.appendChild(el("small", null, entry.initials));
      list.appendChild(item);
    });
    return list;
  }

  function render(state) {
    var columns = document.createDocumentFragment();
    if (!state.doctors.length) columns.appendChild(el("p", "display-empty", "No doctor is seeing patients yet."));
    state.doctors.forEach(function (column) {
      var section = el("section", "display-doctor");
      section.dataset.testid = "display-doctor";
      section.appendChild(el("h2", null, column.doctor));
      var now = el("div", "display-now");
      now.appendChild(el("span", "display-label", "Now"));
      if (column.now) {
        var token = el("span", "display-token", column.now.token);
        token.dataset.testid = "now-token";
        now.appendChild(token);
        if (column.now.initials) now.appendChild(el("span", "display-initials", column.now.initials));
      } else {
        now.appendChild(el("span", "display-token display-idle", "–"));
      }
      section.appendChild(now);
      var recent = el("div", "display-list");
      recent.appendChild(el("span", "display-label", "Called"));
      recent.appendChild(tokenList("display-recent", column.recent));
      section.appendChild(recent);
      var next = el("div", "display-list");
      next.appendChild(el("span", "display-label", "Next"));
      next.appendChild(tokenList("display-next", column.next));
      section.appendChild(next);
      columns.appendChild(section);
    });
    board.replaceChildren(columns);
  }

  function announce(state) {
    if (!state.last_call || state.last_call === lastCall) return;
    var isNew = lastCall === null || state.last_call > lastCall;
    lastCall = state.last_call;
    if (!isNew) return;
    body.classList.remove("display-flash");
    void body.offsetWidth; // restart the animation
    body.classList.add("display-flash");
    if (soundOn && chime) {
      chime.currentTime = 0;
      chime.play().catch(function () {});
    }
  }

  function schedule(ms) {
    window.setTimeout(poll, ms);
  }

  function poll() {
    var headers = { Accept: "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    fetch(stateUrl, { headers: headers, cache: "no-cache", credentials: "omit" })
      .then(function (response) {
        if (response.status === 304) return null;
        if (response.status === 404) throw new Error("revoked");
        if (!response.ok) throw new Error("status " + response.status);
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        status.hidden = true;
        if (state) {
          render(state);
          announce(state);
        }
        schedule(pollMs);
      })
      .catch(function (error) {
        failures += 1;
        status.hidden = false;
        status.textContent = error.message === "revoked" ? "This display key is no longer valid." : "Reconnecting…";
        // Back off gently (at most 10 s) and keep trying: the server may be restarting.
        schedule(Math.min(10000, pollMs * Math.pow(2, Math.min(failures, 4))));
      });
  }

  if (soundButton) {
    soundButton.addEventListener("click", function () {
      soundOn = true;
      soundButton.textContent = "Sound on";
      soundButton.disabled = true;
      if (chime) chime.play().catch(function () {});
    });
  }

  schedule(pollMs);
})();

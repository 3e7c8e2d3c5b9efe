/* "My agenda": sessions picked on the agenda page, kept in this browser (localStorage),
   offered as a calendar feed (calendar.ics?sessions=3,5,8). Without JavaScript, or without
   storage, the buttons and the panel stay hidden and the page works as before. */
(function () {
  "use strict";

  var panel = document.querySelector("[data-my-agenda]");
  if (!panel) { return; }

  var storage;
  try {
    storage = window.localStorage;
    storage.setItem("eventapp.probe", "1");
    storage.removeItem("eventapp.probe");
  } catch (e) {
    return;  // storage blocked (private mode, policy): keep the feature hidden
  }

  var key = "eventapp.my-agenda." + panel.getAttribute("data-my-agenda");
  var toggles = Array.prototype.slice.call(document.querySelectorAll("[data-my-agenda-toggle]"));
  var count = panel.querySelector("[data-my-agenda-count]");
  var links = panel.querySelector("[data-my-agenda-links]");

  function load() {
    var ids;
    try { ids = JSON.parse(storage.getItem(key) || "[]"); } catch (e) { ids = []; }
    if (!Array.isArray(ids)) { return []; }
    return ids.filter(function (n) { return typeof n === "number" && n > 0 && n % 1 === 0; });
  }

  function save(ids) {
    ids.sort(function (a, b) { return a - b; });
    try { storage.setItem(key, JSON.stringify(ids)); } catch (e) { /* full: keep in memory */ }
    return ids;
  }

  function withSessions(url, ids) {
    return url + (url.indexOf("?") === -1 ? "?" : "&") + "sessions=" + ids.join(",");
  }

  var bar = document.querySelector("[data-my-agenda-bar]");

  function renderBar(ids) {
    // The "My agenda (3)" bar stays in view while sessions are marked.
    if (!bar) { return; }
    bar.hidden = ids.length === 0;
    bar.querySelector("[data-my-agenda-bar-link]").textContent =
      bar.getAttribute("data-label").replace("{n}", String(ids.length));
  }

  function render(ids) {
    renderBar(ids);
    toggles.forEach(function (button) {
      var id = Number(button.getAttribute("data-my-agenda-toggle"));
      button.setAttribute("aria-pressed", ids.indexOf(id) === -1 ? "false" : "true");
    });
    if (ids.length === 0) {
      count.textContent = panel.getAttribute("data-none");
      links.hidden = true;
      return;
    }
    var template = panel.getAttribute(ids.length === 1 ? "data-one" : "data-many");
    count.textContent = template.replace("{n}", String(ids.length));
    var https = withSessions(panel.getAttribute("data-feed"), ids);
    var hrefs = {
      download: withSessions(panel.getAttribute("data-download"), ids),
      webcal: https.replace(/^https?:\/\//, "webcal://"),
      google: "https://calendar.google.com/calendar/render?cid=" + encodeURIComponent(https)
    };
    Array.prototype.forEach.call(links.querySelectorAll("[data-my-agenda-link]"), function (a) {
      a.href = hrefs[a.getAttribute("data-my-agenda-link")];
    });
    links.hidden = false;
  }

  var ids = load();
  toggles.forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var id = Number(button.getAttribute("data-my-agenda-toggle"));
      var at = ids.indexOf(id);
      if (at === -1) { ids.push(id); } else { ids.splice(at, 1); }
      render(save(ids));
    });
  });
  panel.querySelector("[data-my-agenda-clear]").addEventListener("click", function () {
    ids = save([]);
    render(ids);
    count.setAttribute("tabindex", "-1");  // the button just hid itself: keep focus nearby
    count.focus();
  });
  // Another tab changed the choice: follow it.
  window.addEventListener("storage", function (event) {
    if (event.key === key) { ids = load(); render(ids); }
  });
  panel.hidden = false;
  render(ids);
}());

// Places left on a cached page: one request to /events/<slug>/places.json replaces each
// "see places left" link with the current figure. Without JavaScript the links lead to a page
// that lists them.
(function () {
  "use strict";
  var links = document.querySelectorAll("a[data-places]");
  if (!links.length || !window.fetch) { return; }
  fetch(links[0].getAttribute("href") + ".json", { headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (places) {
      if (!places) { return; }
      links.forEach(function (link) {
        var text = places[link.getAttribute("data-places")];
        if (text) {
          var span = document.createElement("span");
          span.className = "live-places";
          span.textContent = text;
          link.replaceWith(span);
        }
      });
    })
    .catch(function () { /* the links stay and still work */ });
}());

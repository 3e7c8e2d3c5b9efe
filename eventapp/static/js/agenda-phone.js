/* The agenda on a phone: sessions first. Filters and calendar choices fold into their
   disclosures, long descriptions fold behind "More". Without JavaScript, or on a wide screen,
   everything stays open. */
(function () {
  "use strict";

  var phone = window.matchMedia && window.matchMedia("(max-width: 40rem)").matches;

  // The "My agenda (N)" bar leads to the panel, which may sit in a folded disclosure.
  Array.prototype.forEach.call(document.querySelectorAll("[data-my-agenda-bar-link]"), function (link) {
    link.addEventListener("click", function () {
      var target = document.getElementById("my-agenda");
      var folded = target && target.closest("details");
      if (folded) { folded.open = true; }
    });
  });

  if (!phone) { return; }

  Array.prototype.forEach.call(document.querySelectorAll("details[data-fold-on-phone]"), function (details) {
    if (!details.hasAttribute("data-keep-open")) { details.open = false; }
  });

  var labels = document.querySelector("[data-more-labels]");
  if (!labels) { return; }
  var more = labels.getAttribute("data-more"), less = labels.getAttribute("data-less");
  var LONG = 240;  // characters: about four lines on a phone

  Array.prototype.forEach.call(document.querySelectorAll(".session-card .session-description"), function (text, n) {
    if (text.textContent.trim().length <= LONG) { return; }
    if (!text.id) { text.id = "session-description-" + n; }
    text.classList.add("is-folded");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "more-toggle secondary";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", text.id);
    button.textContent = more;
    button.addEventListener("click", function () {
      var folded = text.classList.toggle("is-folded");
      button.setAttribute("aria-expanded", folded ? "false" : "true");
      button.textContent = folded ? more : less;
    });
    text.parentNode.insertBefore(button, text.nextSibling);
  });
}());

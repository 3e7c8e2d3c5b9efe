/* Every page: after a failed submit, move keyboard focus to the error summary, so that keyboard
   and screen-reader users land on the list of problems (it keeps role="alert" to be announced).
   Without JavaScript the summary is still the first thing in the form. */
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary, .form-errors");
  if (!summary) { return; }
  if (!summary.hasAttribute("tabindex")) { summary.setAttribute("tabindex", "-1"); }
  summary.focus();
  if (summary.scrollIntoView) { summary.scrollIntoView({block: "start"}); }
}());

// "Print" buttons (data-print): shown only where JavaScript runs, since they need it.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});

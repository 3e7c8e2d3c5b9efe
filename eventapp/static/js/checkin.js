// The check-in screen: send each scan or typed text without reloading, show the answer in large
// type, keep the counter live, and scan badges with the camera where the browser can read QR codes.
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var token = form.querySelector("input[name=csrf_token]");
  var result = document.getElementById("checkin-result");
  var counts = document.getElementById("checkin-counts");
  var busy = false;
  var lastValue = "", lastAt = 0;

  function showCounts(c) {
    counts.textContent = counts.dataset.template
      .replace("{checked}", c.checked_in).replace("{expected}", c.expected);
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function show(data) {
    var box = el("div", "checkin-outcome tone-" + data.tone + " outcome-" + data.outcome);
    box.appendChild(el("p", "checkin-message", data.message));
    if (data.person) {
      var p = data.person;
      box.appendChild(el("p", "checkin-person", p.name + (p.organisation ? ", " + p.organisation : "") + " · " + p.reference));
    }
    if (data.candidates && data.candidates.length) {
      var list = el("ul", "checkin-candidates");
      data.candidates.forEach(function (c) {
        var item = el("li");
        var button = el("button", "secondary", c.name + (c.organisation ? ", " + c.organisation : "") + " · " + c.reference);
        button.type = "button";
        button.addEventListener("click", function () { send(c.reference); });
        item.appendChild(button);
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    result.replaceChildren(box);
    if (data.counts) showCounts(data.counts);
    if (navigator.vibrate) navigator.vibrate(data.tone === "ok" ? 80 : [80, 60, 80]);
  }

  function send(value) {
    if (busy || !value) return;
    busy = true;
    fetch(form.dataset.scanUrl, {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-CSRFToken": token ? token.value : ""},
      body: JSON.stringify({q: value}),
      credentials: "same-origin"
    }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(show).catch(function () {
      result.replaceChildren(el("p", "checkin-outcome tone-stop", form.dataset.error));
    }).finally(function () { busy = false; });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    send(input.value.trim());
    input.value = "";
    input.focus();
  });

  setInterval(function () {
    if (document.hidden) return;
    fetch(counts.dataset.url, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (c) { if (c) showCounts(c); })
      .catch(function () {});
  }, 5000);

  // Camera scanning: the browser's own QR reader (BarcodeDetector) where it has one, else the
  // vendored jsQR library (static/vendor/jsqr, no CDN) reading frames drawn on a canvas, as on
  // Safari for iPhone and Firefox. Typing works everywhere.
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var hasDetector = "BarcodeDetector" in window;
  if (!hasDetector && typeof window.jsQR !== "function") return;
  var scanner = document.getElementById("checkin-scanner");
  var button = document.getElementById("checkin-camera");
  var video = document.getElementById("checkin-video");
  var detector = hasDetector ? new window.BarcodeDetector({formats: ["qr_code"]}) : null;
  var canvas = hasDetector ? null : document.createElement("canvas");
  var stream = null;
  scanner.hidden = false;
  scanner.dataset.reader = hasDetector ? "barcode-detector" : "jsqr";

  function readFrame() {
    if (detector) {
      return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
    }
    var width = video.videoWidth, height = video.videoHeight;
    if (!width || !height) return Promise.resolve(null);
    // A frame of at most 640 px on its longer side reads quickly on a phone and still holds a badge.
    var scale = Math.min(1, 640 / Math.max(width, height));
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    var context = canvas.getContext("2d", {willReadFrequently: true});
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    var image = context.getImageData(0, 0, canvas.width, canvas.height);
    var code = window.jsQR(image.data, image.width, image.height, {inversionAttempts: "dontInvert"});
    return Promise.resolve(code && code.data ? code.data : null);
  }

  function tick() {
    if (!stream) return;
    readFrame().then(function (value) {
      var now = Date.now();
      if (value) {
        // The same badge held in front of the camera is sent once, not every frame.
        if (value !== lastValue || now - lastAt > 4000) { send(value); }
        lastValue = value; lastAt = now;
      }
    }).catch(function () {}).finally(function () { setTimeout(tick, 250); });
  }

  button.addEventListener("click", function () {
    if (stream) {
      stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null; video.hidden = true;
      button.setAttribute("aria-pressed", "false");
      return;
    }
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (s) {
      stream = s; video.srcObject = s; video.hidden = false;
      button.setAttribute("aria-pressed", "true");
      return video.play();
    }).then(tick).catch(function () { stream = null; video.hidden = true; });
  });
})();

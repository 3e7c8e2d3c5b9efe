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

  // Camera scanning where the browser has a QR reader (BarcodeDetector); typing works everywhere.
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var scanner = document.getElementById("checkin-scanner");
  var button = document.getElementById("checkin-camera");
  var video = document.getElementById("checkin-video");
  var detector = new window.BarcodeDetector({formats: ["qr_code"]});
  var stream = null;
  scanner.hidden = false;

  function tick() {
    if (!stream) return;
    detector.detect(video).then(function (codes) {
      var now = Date.now();
      if (codes.length) {
        var value = codes[0].rawValue;
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
      return;
    }
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (s) {
      stream = s; video.srcObject = s; video.hidden = false;
      return video.play();
    }).then(tick).catch(function () { stream = null; video.hidden = true; });
  });
})();

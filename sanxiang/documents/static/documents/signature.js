// 手写签名: draw on each <canvas data-signature="NAME"> with a finger, pen or mouse (pointer events);
// on submit the drawing goes into the hidden input NAME as a PNG data URL. No library: the canvas
// and pointer events are enough on every phone and tablet browser in use.
(function () {
  "use strict";
  function pad(canvas) {
    var ctx = canvas.getContext("2d"), drawing = false, inked = false, last = null;
    function fit() {
      var ratio = window.devicePixelRatio || 1, box = canvas.getBoundingClientRect();
      canvas.width = Math.round(box.width * ratio);
      canvas.height = Math.round(box.height * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, box.width, box.height);
      ctx.lineWidth = 2.5;
      ctx.lineCap = ctx.lineJoin = "round";
      ctx.strokeStyle = "#000";
      inked = false;
    }
    function at(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      last = at(event);
      canvas.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      var here = at(event);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(here.x, here.y);
      ctx.stroke();
      last = here;
      inked = true;
      event.preventDefault();
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; });
    });
    fit();
    return { canvas: canvas, clear: fit, inked: function () { return inked; } };
  }
  document.querySelectorAll("form[data-signatures]").forEach(function (form) {
    var pads = {};
    form.querySelectorAll("canvas[data-signature]").forEach(function (canvas) {
      pads[canvas.dataset.signature] = pad(canvas);
    });
    form.querySelectorAll("button[data-clear]").forEach(function (button) {
      button.addEventListener("click", function () { pads[button.dataset.clear].clear(); });
    });
    form.addEventListener("submit", function (event) {
      var missing = Object.keys(pads).filter(function (name) { return !pads[name].inked(); });
      if (missing.length) {
        event.preventDefault();
        form.querySelector(".signature-error").textContent = "请执法人员和当事人都签名后再提交。";
        return;
      }
      Object.keys(pads).forEach(function (name) {
        form.querySelector("input[name='" + name + "']").value = pads[name].canvas.toDataURL("image/png");
      });
    });
  });
})();

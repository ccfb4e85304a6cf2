// The signature box of the homeowner's customer form: draw with a finger, pen or mouse;
// the drawing goes into the form's hidden field as a PNG data URL when the form is sent.
(function () {
  "use strict";
  function init() {
    var canvas = document.getElementById("signature-pad");
    if (!canvas) return;
    var target = document.getElementById(canvas.getAttribute("data-target"));
    var form = canvas.closest("form");
    var clear = document.getElementById("signature-clear");
    var context = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    context.lineWidth = 3;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#10203a";

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height),
      };
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      var p = point(event);
      context.beginPath();
      context.moveTo(p.x, p.y);
      context.lineTo(p.x + 0.1, p.y + 0.1);
      context.stroke();
      drawn = true;
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      var p = point(event);
      context.lineTo(p.x, p.y);
      context.stroke();
      event.preventDefault();
    });
    function stop() { drawing = false; }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("pointerleave", stop);
    if (target && target.value.indexOf("data:image/png;base64,") === 0) {
      // the page came back with an error: show the drawing already made
      var image = new Image();
      image.onload = function () { context.drawImage(image, 0, 0); drawn = true; };
      image.src = target.value;
    }
    if (clear) {
      clear.addEventListener("click", function () {
        context.clearRect(0, 0, canvas.width, canvas.height);
        drawn = false;
        if (target) target.value = "";
      });
    }
    if (form && target) {
      form.addEventListener("submit", function () {
        target.value = drawn ? canvas.toDataURL("image/png") : "";
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

// Handwritten signatures: drawn with a finger on a canvas, sent as a PNG data URL.
document.querySelectorAll(".sign-form").forEach(function (form) {
  var canvas = form.querySelector("canvas"), ctx = canvas.getContext("2d"), drawing = false, drawn = false;
  ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.strokeStyle = "#111";
  function at(ev) { var r = canvas.getBoundingClientRect(); return [(ev.clientX - r.left) * canvas.width / r.width, (ev.clientY - r.top) * canvas.height / r.height]; }
  canvas.addEventListener("pointerdown", function (ev) { drawing = true; var p = at(ev); ctx.beginPath(); ctx.moveTo(p[0], p[1]); canvas.setPointerCapture(ev.pointerId); });
  canvas.addEventListener("pointermove", function (ev) { if (!drawing) return; var p = at(ev); ctx.lineTo(p[0], p[1]); ctx.stroke(); drawn = true; });
  canvas.addEventListener("pointerup", function () { drawing = false; });
  form.querySelector("[data-clear]").addEventListener("click", function () { ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = false; });
  form.addEventListener("submit", function () { if (drawn) form.elements.signature.value = canvas.toDataURL("image/png"); });
});

// Behaviours the pages ask for with data attributes (no inline scripts or handlers: the CSP forbids them).
//   data-autosubmit   on a field: changing it submits its form (filters, month pickers, language)
//   data-confirm="…"  on a form (submit) or a button/link (click): ask first
//   data-print        on a button: print the page
//   data-back         on a link: go back one page
(function () {
  "use strict";
  // The main menu: one section open at a time, closed by a click elsewhere.
  document.querySelectorAll(".navsection").forEach(function (d) {
    d.addEventListener("toggle", function () {
      if (d.open) document.querySelectorAll(".navsection").forEach(function (o) { if (o !== d) o.open = false; });
    });
  });
  document.addEventListener("click", function (e) {
    if (!e.target.closest(".navsection")) document.querySelectorAll(".navsection").forEach(function (o) { o.open = false; });
  });
  document.addEventListener("change", function (e) {
    var el = e.target.closest("[data-autosubmit]");
    if (el && el.form) el.form.submit();
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) e.preventDefault();
  }, true);
  document.addEventListener("click", function (e) {
    var el = e.target.closest("[data-confirm]:not(form), [data-print], [data-back]");
    if (!el) return;
    if (el.hasAttribute("data-print")) { e.preventDefault(); window.print(); return; }
    if (el.hasAttribute("data-back")) { e.preventDefault(); window.history.back(); return; }
    if (!window.confirm(el.dataset.confirm)) e.preventDefault();
  });
  // Progress bars and other widths given by the page: data-width="42" → 42 % (no style attributes).
  document.querySelectorAll("[data-width]").forEach(function (el) {
    el.style.width = Math.max(0, Math.min(100, parseFloat(el.dataset.width) || 0)) + "%";
  });
})();

// Offline-tolerant: what was entered is kept in localStorage until the server accepted it ("未同步" until then);
// when the network returns, the kept answers are sent (the server updates an item's result, never duplicates it).
(function () {
  var form = document.getElementById("inspection-form");
  if (!form) return;
  var key = form.dataset.key, store = window.localStorage, state = document.getElementById("sync-state");
  var saved = {};
  try { saved = JSON.parse(store.getItem(key) || "{}"); } catch (e) { saved = {}; }
  if (saved.submission && form.dataset.saved === saved.submission) { store.removeItem(key); saved = {}; }
  if (saved.submission) { form.elements.submission.value = saved.submission; }
  Array.prototype.forEach.call(form.elements, function (el) {
    if (!el.name || el.type === "file" || el.type === "hidden" || !(el.name in saved)) return;
    if (el.type === "radio") { el.checked = saved[el.name] === el.value; } else if (el.type !== "checkbox") { el.value = saved[el.name]; }
  });
  function pending() { return !!store.getItem(key); }
  function showState() { state.hidden = !pending(); }
  function keep() {
    var data = {submission: form.elements.submission.value};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.type === "hidden") return;
      if (el.type === "radio") { if (el.checked) data[el.name] = el.value; } else if (el.type !== "checkbox") { data[el.name] = el.value; }
    });
    store.setItem(key, JSON.stringify(data));
    showState();
  }
  function count() {
    var answered = 0, required = 0;
    document.querySelectorAll(".insp-section").forEach(function (sec) {
      var items = sec.querySelectorAll(".insp-item"), done = 0;
      items.forEach(function (it) {
        var on = it.querySelector("input[type=radio]:checked") || (!it.querySelector("input[type=radio]") && it.querySelector(".muted") === null);
        if (on) { done++; if (it.dataset.required === "1") required++; it.classList.remove("missing"); }
      });
      answered += done;
      sec.querySelector(".sec-progress").textContent = done + " / " + items.length;
    });
    var p = document.getElementById("progress");
    document.getElementById("answered").textContent = answered;
    document.getElementById("required-answered").textContent = required;
    document.getElementById("bar").style.width = (100 * answered / Math.max(1, +p.dataset.total)) + "%";
    return {answered: answered, required: required};
  }
  document.querySelectorAll("[data-all-pass]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var sec = document.querySelector(".insp-section[data-section='" + btn.dataset.allPass + "']");
      sec.querySelectorAll(".insp-item").forEach(function (it) {
        if (it.querySelector("input[type=radio]:checked")) return;
        var pass = it.querySelector("input[type=radio][value=pass]");
        if (pass) pass.checked = true;
      });
      keep(); count();
    });
  });
  form.addEventListener("change", function () { keep(); count(); });
  form.addEventListener("submit", function (ev) {
    var c = count(), p = document.getElementById("progress");
    if (form.elements.complete && form.elements.complete.checked && c.required < +p.dataset.required) {
      document.querySelectorAll(".insp-item[data-required='1']").forEach(function (it) {
        if (it.querySelector("input[type=radio]") && !it.querySelector("input[type=radio]:checked")) { it.classList.add("missing"); it.closest("details").open = true; }
      });
    }
    if (!navigator.onLine) { ev.preventDefault(); keep(); document.getElementById("offline-note").hidden = false; }
  });
  window.addEventListener("online", function () { if (pending()) { form.requestSubmit ? form.requestSubmit() : form.submit(); } });
  window.addEventListener("offline", function () { document.getElementById("offline-note").hidden = false; });
  showState();
})();

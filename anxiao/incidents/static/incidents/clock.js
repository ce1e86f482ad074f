// The report clocks of an incident page count down to their deadline.
(function () {
  function tick() {
    document.querySelectorAll(".countdown").forEach(function (el) {
      var due = new Date(el.closest(".clock").dataset.due).getTime();
      var left = Math.round((due - Date.now()) / 1000);
      if (left <= 0) { el.textContent = "已超时未报"; el.style.color = "var(--red)"; return; }
      var m = Math.floor(left / 60), s = left % 60;
      el.textContent = "剩余 " + m + " 分 " + (s < 10 ? "0" : "") + s + " 秒";
      el.style.color = left < 600 ? "var(--orange)" : "";
    });
  }
  tick(); setInterval(tick, 1000);
})();

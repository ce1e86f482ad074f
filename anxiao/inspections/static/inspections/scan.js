(function () {
  var error = document.getElementById("scan-error");
  function fail(text) { error.textContent = text; error.hidden = false; }
  // Only this site's check-in addresses are followed.
  function open(text) {
    var url;
    try { url = new URL(text, window.location.href); } catch (e) { fail("不是巡查点二维码"); return false; }
    if (url.origin !== window.location.origin || url.pathname.indexOf("/inspections/points/") !== 0 || !url.searchParams.get("k")) {
      fail("不是本系统的巡查点二维码"); return false;
    }
    window.location.href = url.pathname + url.search;
    return true;
  }
  window.anxiaoScanned = open;
  if (typeof Html5Qrcode === "undefined") { fail("扫码组件未安装：请运行 make install"); return; }
  var scanner = new Html5Qrcode("reader");
  scanner.start({facingMode: "environment"}, {fps: 10, qrbox: 240}, function (text) {
    if (open(text)) { scanner.stop(); }
  }).catch(function () { fail("无法打开摄像头：请允许浏览器使用摄像头后刷新本页"); });
})();

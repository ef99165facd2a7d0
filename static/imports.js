// The import page's progress bar: polls the import's status while the worker works,
// and reloads the page when the state changes (preview ready, import done or failed).
(function () {
  var box = document.querySelector("[data-import-status]");
  if (!box) { return; }
  var url = box.getAttribute("data-import-status");
  var state = box.getAttribute("data-state");
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-progress-text");
  var unit = text && /orders/.test(text.textContent) ? "orders" : "rows";
  function show(status) {
    if (status.total > 0) {
      bar.max = status.total;
      bar.value = status.done;
      text.textContent = status.done + " of " + status.total + " " + unit;
    }
  }
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (status) {
        show(status);
        if (status.state !== state) { window.location.reload(); return; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();

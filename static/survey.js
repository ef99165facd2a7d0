/* Survey forms: a question shown only for some answers of an earlier one (data-show-if)
   shows and hides as the customer answers; the server applies the same rule, so the form
   works without this. In a store's frame (/surveys/<id>/embed) it tells the store page
   its height, which widget.js sizes the frame to. */
(function () {
  "use strict";
  var form = document.querySelector(".survey-form");

  function picked(name) {
    var values = [];
    form.querySelectorAll("[name='" + name + "']:checked").forEach(function (input) {
      if (!input.disabled) values.push(input.value);
    });
    return values;
  }

  function update() {
    form.querySelectorAll("[data-show-if]").forEach(function (question) {
      var wanted = JSON.parse(question.dataset.showValues);
      var shown = picked(question.dataset.showIf).some(function (v) { return wanted.indexOf(v) >= 0; });
      question.hidden = !shown;
      question.querySelectorAll("input, textarea").forEach(function (input) { input.disabled = !shown; });
      var note = question.querySelector("[id$='-when']");
      if (note) note.hidden = true;
    });
    form.querySelectorAll("[data-other]").forEach(function (box) {
      var text = form.querySelector("[name='" + box.dataset.other + "']");
      text.parentNode.hidden = !box.checked;
    });
  }

  function tellHeight() {
    if (window.parent === window) return;
    window.parent.postMessage({ fh: document.documentElement.scrollHeight }, "*");
  }

  if (form) {
    form.addEventListener("change", update);
    update();
  }
  if (window.ResizeObserver) new ResizeObserver(tellHeight).observe(document.body);
  tellHeight();
})();

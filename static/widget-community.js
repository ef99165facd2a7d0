/* Feedback Hub community widgets, loaded on demand by widget.js: the Questions tab of the
   reviews element, data-feedback-hub="gallery" (data-product | data-group | neither, data-limit)
   and data-feedback-hub="contributors" (data-limit). Uses widget.js's helpers
   (window.FeedbackHub.k); strings per data-locale and window.FeedbackHubStrings. */
(function () {
  "use strict";
  var k = window.FeedbackHub.k, h = k.h, fill = k.fill;
  var STRINGS = {
    en: { qTitle: "Questions and answers", noQ: "No questions yet. Ask the first one.", brand: "Brand",
      ask: "Ask a question", email: "Email (not shown)", question: "Your question", name: "Name (optional)",
      send: "Send question", asked: "Thanks — your question will appear once it is answered/approved.",
      failed: "The question could not be sent.", gTitle: "Customer photos", noPhotos: "No photos yet.",
      photoBy: "Photo by {a} of {p}", cTitle: "Top contributors", noC: "No contributors yet.",
      counts: "{r} reviews · {a} answers · {v} helpful votes", badges: "Badges", cError: "This could not be loaded." },
    de: { qTitle: "Fragen und Antworten", noQ: "Noch keine Fragen. Stellen Sie die erste.", brand: "Marke",
      ask: "Eine Frage stellen", email: "E-Mail (wird nicht angezeigt)", question: "Ihre Frage",
      name: "Name (optional)", send: "Frage senden",
      asked: "Danke — Ihre Frage erscheint, sobald sie beantwortet/freigegeben ist.",
      failed: "Die Frage konnte nicht gesendet werden.", gTitle: "Kundenfotos", noPhotos: "Noch keine Fotos.",
      photoBy: "Foto von {a} zu {p}", cTitle: "Top-Beitragende", noC: "Noch keine Beitragenden.",
      counts: "{r} Bewertungen · {a} Antworten · {v} hilfreich-Stimmen", badges: "Abzeichen",
      cError: "Das konnte nicht geladen werden." },
    fr: { qTitle: "Questions et réponses", noQ: "Pas encore de questions. Posez la première.", brand: "Marque",
      ask: "Poser une question", email: "E-mail (non affiché)", question: "Votre question", name: "Nom (facultatif)",
      send: "Envoyer la question", asked: "Merci — votre question apparaîtra une fois répondue/approuvée.",
      failed: "La question n'a pas pu être envoyée.", gTitle: "Photos clients", noPhotos: "Pas encore de photos.",
      photoBy: "Photo de {a} : {p}", cTitle: "Meilleurs contributeurs", noC: "Pas encore de contributeurs.",
      counts: "{r} avis · {a} réponses · {v} votes utiles", badges: "Badges", cError: "Le contenu n'a pas pu être chargé." }
  };
  var CSS = "a{color:var(--a)}a:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid var(--a);outline-offset:2px}" +
    ".qs>li{border-top:1px solid var(--l);padding:.75rem 0}.q{font-weight:700}.ans{margin-left:1rem}" +
    ".an{border-left:3px solid var(--l);padding-left:.6rem;margin:.5rem 0}.an.brand{border-color:var(--a)}" +
    ".ask label{display:block;font-weight:600}.ask input,.ask textarea{font:inherit;color:inherit;background:var(--b);" +
    "border:1px solid var(--l);border-radius:4px;padding:.3rem;width:100%;max-width:28rem;box-sizing:border-box}" +
    ".err{display:block;color:var(--fh-error,#b00020)}:host([data-theme=dark]) .err{color:var(--fh-error,#ff8a80)}" +
    ".hp{position:absolute;left:-9999px;width:1px;height:1px;overflow:hidden}" +
    ".gl{display:grid;grid-template-columns:repeat(auto-fill,minmax(8rem,1fr));gap:.6rem}" +
    ".gl img{width:100%;height:auto;aspect-ratio:1;object-fit:cover;border-radius:4px;display:block}" +
    ".gl a{display:block}.gl .pn{font-size:.875em;margin-top:.2rem}.cts>li{border-top:1px solid var(--l);padding:.5rem 0}" +
    ".bgs{display:flex;flex-wrap:wrap;gap:.3rem}.bgs li{border:1px solid var(--a);border-radius:1rem;padding:0 .5rem;font-size:.8em}";

  function texts(host, root) {
    var main = k.strings(host), own = k.strings(host, STRINGS);
    if (!root.fhCommunity) { root.fhCommunity = true; k.style(root, CSS); }
    return { lang: main.lang, text: Object.assign(main.text, own.text) };
  }

  function day(date, lang) {
    return date ? " · " + new Date(date).toLocaleDateString(lang) : "";
  }

  function post(path, body) {
    return fetch(k.base + path, { method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body) }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) { return { ok: res.ok, data: data }; });
    });
  }

  function votes() {
    try { return JSON.parse(k.store("fh-answer-votes") || "{}"); } catch (e) { return {}; }
  }

  function helpful(answer, t) {
    var button = h("button", { type: "button", "data-answer": answer.id, disabled: votes()[answer.id] ? "" : null,
      text: t.yes + " (" + answer.helpful + ")" });
    var row = h("p", { "class": "hf" }, [h("span", { text: t.wasHelpful + " " }), button]);
    button.addEventListener("click", function () {
      button.disabled = true;
      post("/api/v1/answers/" + answer.id + "/votes", { voter: k.voter() }).then(function (r) {
        if (!r.ok) throw new Error("vote");
        var all = votes(); all[answer.id] = 1; k.store("fh-answer-votes", JSON.stringify(all));
        button.textContent = t.yes + " (" + r.data.helpful + ")";
        row.appendChild(h("span", { role: "status", text: " " + t.thanks }));
      }).catch(function () { button.disabled = false; });
    });
    return row;
  }

  function answerItem(answer, t, lang) {
    var mark = answer.brand ? t.brand : answer.verified_buyer ? t.verified : "";
    return h("li", { "class": "an" + (answer.brand ? " brand" : ""), id: "answer-" + answer.id }, [
      h("p", { text: answer.body }),
      h("p", { "class": "meta", text: answer.author + day(answer.date, lang) },
        [mark ? h("span", { "class": "badge", text: mark }) : null]),
      helpful(answer, t)]);
  }

  function questionItem(question, t, lang) {
    return h("li", { id: "question-" + question.id }, [
      h("p", { "class": "q", text: question.body }),
      h("p", { "class": "meta", text: question.author + day(question.date, lang) }),
      question.answers.length ? h("ul", { "class": "ans" }, question.answers.map(function (a) {
        return answerItem(a, t, lang); })) : null]);
  }

  function field(form, name, label, tag, attrs) {
    var id = "fh-" + name, error = h("span", { "class": "err", id: id + "-e" });
    var input = h(tag, Object.assign({ id: id, name: name, "aria-describedby": id + "-e" }, attrs));
    form.fields[name] = { input: input, error: error };
    return h("p", {}, [h("label", { "for": id, text: label }), input, error]);
  }

  function showErrors(form, errors, t) {
    var first = null;
    errors.forEach(function (e) {
      var f = form.fields[e.path];
      if (!f) { form.status.textContent = e.reason || t.failed; return; }
      f.input.setAttribute("aria-invalid", "true");
      f.error.textContent = e.reason;
      first = first || f.input;
    });
    if (first) first.focus();
  }

  function send(form, sku, t) {
    var body = { website: form.trap.value };
    Object.keys(form.fields).forEach(function (name) {
      var f = form.fields[name];
      body[name] = f.input.value; f.error.textContent = ""; f.input.removeAttribute("aria-invalid");
    });
    form.status.textContent = "";
    form.button.disabled = true;
    post("/api/v1/products/" + encodeURIComponent(sku) + "/questions", body).then(function (r) {
      form.button.disabled = false;
      if (!r.ok) return showErrors(form, (r.data && r.data.errors) || [{}], t);
      var done = h("p", { "class": "ok", role: "status", tabindex: "-1", text: t.asked });
      form.replaceWith(done);
      done.focus();
    }).catch(function () { form.button.disabled = false; form.status.textContent = t.failed; });
  }

  function askForm(sku, t) {
    var form = h("form", { "class": "ask", novalidate: "", "aria-labelledby": "fh-ask" });
    form.fields = {};
    form.trap = h("input", { id: "fh-website", name: "website", tabindex: "-1", autocomplete: "off" });
    form.status = h("p", { "class": "err", role: "alert" });
    form.button = h("button", { type: "submit", text: t.send });
    form.append(h("h3", { id: "fh-ask", text: t.ask }),
      field(form, "email", t.email, "input", { type: "email", autocomplete: "email", required: "" }),
      field(form, "body", t.question, "textarea", { rows: "3", required: "" }),
      field(form, "name", t.name, "input", { autocomplete: "name" }),
      h("p", { "class": "hp", "aria-hidden": "true" }, [h("label", { "for": "fh-website", text: "Website" }), form.trap]),
      form.button, form.status);
    form.addEventListener("submit", function (e) { e.preventDefault(); send(form, sku, t); });
    return form;
  }

  function qa(host, root, panel, data) {
    var s = texts(host, root), t = s.text;
    panel.textContent = "";
    panel.append(h("h3", { text: t.qTitle }), data.items.length ? h("ol", { "class": "qs" }, data.items.map(function (q) {
      return questionItem(q, t, s.lang); })) : h("p", { text: t.noQ }), askForm(host.dataset.product, t));
  }

  function section(host, root, title, path, draw) {
    var s = texts(host, root), t = s.text, box = h("section", { "class": "fh", "aria-label": t[title] },
      [h("h2", { text: t[title] })]);
    root.appendChild(box);
    k.getJSON(path).then(function (data) { box.appendChild(draw(data.items, t)); })
      .catch(function () { box.appendChild(h("p", { role: "status", text: t.cError })); });
  }

  function photoItem(photo, t) {
    var product = photo.product || {}, review = photo.review || {};
    var img = h("img", { src: photo.thumb_url, loading: "lazy", width: "160", height: "160",
      alt: fill(t.photoBy, { a: photo.author, p: product.name || "" }) });
    var to = review.url || product.url;
    return h("li", {}, [to ? h("a", { href: to, "data-review": review.id || null }, [img]) : img,
      product.url ? h("a", { "class": "pn", href: product.url, text: product.name })
        : h("span", { "class": "pn", text: product.name || "" })]);
  }

  function gallery(host, root) {
    var d = host.dataset, q = {};
    if (d.product) q.product = d.product; else if (d.group) q.group = d.group;
    if (d.limit) q.limit = d.limit;
    section(host, root, "gTitle", "/api/v1/gallery?" + new URLSearchParams(q), function (items, t) {
      return items.length ? h("ul", { "class": "gl" }, items.map(function (p) { return photoItem(p, t); }))
        : h("p", { text: t.noPhotos });
    });
  }

  function contributorItem(c, t) {
    return h("li", {}, [h("a", { href: c.url, text: c.name }),
      c.badges.length ? h("ul", { "class": "bgs", "aria-label": t.badges }, c.badges.map(function (b) {
        return h("li", { text: t["badge_" + b] || b.replace(/_/g, " ") }); })) : null,
      h("p", { "class": "meta", text: fill(t.counts, { r: c.reviews, a: c.answers, v: c.helpful_votes }) })]);
  }

  function contributors(host, root) {
    var limit = host.dataset.limit ? "?limit=" + encodeURIComponent(host.dataset.limit) : "";
    section(host, root, "cTitle", "/api/v1/contributors" + limit, function (items, t) {
      return items.length ? h("ol", { "class": "cts" }, items.map(function (c) { return contributorItem(c, t); }))
        : h("p", { text: t.noC });
    });
  }

  window.FeedbackHub.c = { qa: qa, gallery: gallery, contributors: contributors };
})();

/* Feedback Hub review widget: <script src="{hub}/widget.js" async></script> and
   <div data-feedback-hub="reviews|badge|carousel" data-product="SKU"></div>, or
   data-feedback-hub="gallery|contributors" (drawn by widget-community.js, loaded on demand,
   as is the Questions tab of the reviews element), or data-feedback-hub="survey"
   data-survey="ID" (a frame of the public survey, sized by the height it posts).
   Plain JavaScript, no dependencies; renders in a Shadow DOM; themable with --fh-* custom
   properties, data-theme="dark" and data-accent; strings per data-locale (en, de, fr) and
   window.FeedbackHubStrings. */
(function () {
  "use strict";
  var me = document.currentScript || document.querySelector("script[src*='/widget.js']");
  var BASE = me ? me.src.replace(/\/widget\.js(\?.*)?$/, "") : "";
  var HEIGHTS = { reviews: 600, badge: 24, carousel: 180, gallery: 240, contributors: 200, survey: 400 };
  var LAZY = { gallery: 1, contributors: 1 };
  var PAGE = 10, more = null;
  var STRINGS = {
    en: { average: "{a} out of 5", reviews: "{n} reviews", review1: "1 review", none: "No reviews yet",
      filter: "Filter by rating", stars: "{n} stars", star1: "1 star", sortBy: "Sort by",
      newest: "Newest", highest: "Highest rating", lowest: "Lowest rating", helpful: "Most helpful",
      photos: "With photos first", withPhotos: "Only reviews with photos", more: "Load more reviews",
      verified: "Verified buyer", invitation: "Verified buyer, invited by email", "import": "Imported",
      api: "Submitted on the store", reward: "Received a reward for reviewing", reply: "Reply from the brand", wasHelpful: "Was this helpful?",
      yes: "Yes", no: "No", thanks: "Thanks for your feedback", photo: "Photo {i} of {n}",
      close: "Close", prev: "Previous", next: "Next", rated: "Rated {n} out of 5",
      error: "Reviews could not be loaded.", noMatch: "No reviews match.", title: "Customer reviews",
      shown: "{n} reviews shown", featured: "Featured reviews", slide: "{i} of {n}", tabR: "Reviews",
      tabQ: "Questions ({n})" },
    de: { average: "{a} von 5", reviews: "{n} Bewertungen", review1: "1 Bewertung", none: "Noch keine Bewertungen",
      filter: "Nach Sternen filtern", stars: "{n} Sterne", star1: "1 Stern", sortBy: "Sortieren nach",
      newest: "Neueste", highest: "Beste Bewertung", lowest: "Schlechteste Bewertung", helpful: "Hilfreichste",
      photos: "Mit Fotos zuerst", withPhotos: "Nur Bewertungen mit Fotos", more: "Weitere Bewertungen laden",
      verified: "Verifizierter Kauf", invitation: "Verifizierter Kauf, per E-Mail eingeladen", "import": "Importiert",
      api: "Im Shop abgegeben", reward: "Für die Bewertung belohnt", reply: "Antwort der Marke", wasHelpful: "War das hilfreich?",
      yes: "Ja", no: "Nein", thanks: "Danke für Ihr Feedback", photo: "Foto {i} von {n}",
      close: "Schließen", prev: "Zurück", next: "Weiter", rated: "Mit {n} von 5 bewertet",
      error: "Bewertungen konnten nicht geladen werden.", noMatch: "Keine passenden Bewertungen.",
      title: "Kundenbewertungen", shown: "{n} Bewertungen angezeigt", featured: "Ausgewählte Bewertungen",
      slide: "{i} von {n}", tabR: "Bewertungen", tabQ: "Fragen ({n})" },
    fr: { average: "{a} sur 5", reviews: "{n} avis", review1: "1 avis", none: "Pas encore d'avis",
      filter: "Filtrer par note", stars: "{n} étoiles", star1: "1 étoile", sortBy: "Trier par",
      newest: "Plus récents", highest: "Meilleures notes", lowest: "Moins bonnes notes", helpful: "Plus utiles",
      photos: "Avec photos d'abord", withPhotos: "Seulement les avis avec photos", more: "Voir plus d'avis",
      verified: "Achat vérifié", invitation: "Achat vérifié, invité par e-mail", "import": "Importé",
      api: "Déposé sur la boutique", reward: "Récompensé pour cet avis", reply: "Réponse de la marque", wasHelpful: "Cet avis vous a-t-il aidé ?",
      yes: "Oui", no: "Non", thanks: "Merci pour votre retour", photo: "Photo {i} sur {n}",
      close: "Fermer", prev: "Précédente", next: "Suivante", rated: "Noté {n} sur 5",
      error: "Les avis n'ont pas pu être chargés.", noMatch: "Aucun avis ne correspond.", title: "Avis clients",
      shown: "{n} avis affichés", featured: "Avis à la une", slide: "{i} sur {n}", tabR: "Avis",
      tabQ: "Questions ({n})" }
  };
  var CSS = ":host{display:block;--a:var(--fh-accent,#1f5fbf);--s:var(--fh-star,#8a5a00);--t:var(--fh-text,#1d1d1f);" +
    "--b:var(--fh-bg,#fff);--m:var(--fh-muted,#555);--l:var(--fh-line,#ddd);font:var(--fh-size,15px)/1.5 var(--fh-font,system-ui,sans-serif);color:var(--t)}" +
    ":host([data-theme=dark]){--t:var(--fh-text,#f2f2f2);--b:var(--fh-bg,#1b1b1f);--m:var(--fh-muted,#c4c4c4);--l:var(--fh-line,#444);--a:var(--fh-accent,#8cb4ff);--s:var(--fh-star,#ffc44d)}" +
    ".fh{background:var(--b);padding:var(--fh-padding,.75rem)}h2,h3{margin:.2rem 0;font-size:1.1rem}h3{font-size:1rem}" +
    ".st{color:var(--s);letter-spacing:.1em}.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}" +
    "button,select{font:inherit;color:inherit;background:var(--b);border:1px solid var(--l);border-radius:4px;padding:.2rem .5rem;cursor:pointer}" +
    "button:focus-visible,select:focus-visible{outline:3px solid var(--a);outline-offset:2px}" +
    "button[aria-pressed=true]{border-color:var(--a);box-shadow:inset 0 0 0 1px var(--a);font-weight:700}" +
    ".hist{display:grid;gap:.25rem;max-width:24rem}.hist button{display:grid;grid-template-columns:5rem 1fr 2.5rem;gap:.5rem;align-items:center;border:0;text-align:left}" +
    ".bar{flex:1;height:.6rem;background:var(--l);border-radius:3px;overflow:hidden}.bar i{display:block;height:100%;background:var(--s)}" +
    ".ctl{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin:.75rem 0}ol,ul{list-style:none;margin:0;padding:0}" +
    ".rv{border-top:1px solid var(--l);padding:.75rem 0}.meta{color:var(--m);font-size:.875em;margin:0}p{margin:.3rem 0}" +
    ".badge{color:var(--a);font-weight:700;margin-left:.4rem}.src{margin-left:.4rem}.ph{display:flex;gap:.4rem;flex-wrap:wrap}" +
    ".ph button{padding:0;border:0}.ph img{width:72px;height:72px;object-fit:cover;border-radius:4px;display:block}" +
    ".reply{border-left:3px solid var(--a);padding-left:.6rem}.more{margin-top:.5rem}" +
    ".lb{position:fixed;inset:0;background:rgba(0,0,0,.85);display:flex;flex-direction:column;align-items:center;justify-content:center;gap:.5rem;z-index:2147483647}" +
    ".lb img{max-width:92vw;max-height:80vh}.lb p{color:#fff}.lb button{background:#fff;color:#111}" +
    ".tabs{display:flex;gap:.3rem;border-bottom:1px solid var(--l);margin:.5rem 0}[role=tab][aria-selected=true]{border-color:var(--a);font-weight:700}" +
    ".cr [hidden]{display:none}.cr .nav{display:flex;gap:.5rem}.bd{display:inline-flex;gap:.35rem;align-items:center}";

  function strings(host, tables) {
    tables = tables || STRINGS;
    var lang = (host.dataset.locale || document.documentElement.lang || "en").slice(0, 2).toLowerCase();
    var table = Object.assign({}, tables.en, tables[lang] || {});
    var custom = window.FeedbackHubStrings || {};
    var extra = custom[lang] || custom.en || (typeof custom.more === "string" ? custom : {});
    return { lang: tables[lang] ? lang : "en", text: Object.assign(table, extra) };
  }

  function fill(text, values) {
    return text.replace(/\{(\w)\}/g, function (_, k) { return values[k]; });
  }

  // Links come from the hub's JSON, which sends http(s) ones only; this holds if it ever did not.
  var WEB_LINK = /^https?:\/\/[^\s]/i;

  function h(tag, attrs, kids) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") el.textContent = attrs[k];
      else if ((k === "href" || k === "src") && !WEB_LINK.test(String(attrs[k]))) return;
      else if (k === "on") Object.keys(attrs.on).forEach(function (e) { el.addEventListener(e, attrs.on[e]); });
      else if (attrs[k] !== null && attrs[k] !== undefined) el.setAttribute(k, attrs[k]);
    });
    (kids || []).forEach(function (kid) { if (kid) el.appendChild(kid); });
    return el;
  }

  function stars(n) {
    var r = Math.round(n);
    return h("span", { "class": "st", "aria-hidden": "true", text: "★★★★★".slice(0, r) + "☆☆☆☆☆".slice(0, 5 - r) });
  }

  function getJSON(path) {
    return fetch(BASE + path, { credentials: "omit" }).then(function (res) {
      if (!res.ok) throw new Error(res.status);
      return res.json();
    });
  }

  function api(sku, what, params) {
    var query = new URLSearchParams(params || {}).toString();
    return getJSON("/api/v1/products/" + encodeURIComponent(sku) + "/" + what + (query ? "?" + query : ""));
  }

  function store(key, value) {
    try {
      if (value === undefined) return localStorage.getItem(key);
      localStorage.setItem(key, value);
    } catch (e) { return null; }
  }

  function voter() {
    var id = store("fh-voter");
    if (!id) {
      var bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      id = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
      store("fh-voter", id);
    }
    return id;
  }

  function voted() {
    try { return JSON.parse(store("fh-votes") || "{}"); } catch (e) { return {}; }
  }

  function helpfulRow(review, t) {
    var row = h("p", { "class": "hf" }, [h("span", { text: t.wasHelpful + " " })]);
    var done = voted()[review.id];
    [[true, t.yes, review.helpful], [false, t.no, review.unhelpful]].forEach(function (v) {
      row.appendChild(h("button", { type: "button", disabled: done ? "" : null, "data-helpful": String(v[0]),
        text: v[1] + " (" + v[2] + ")", on: { click: function () { vote(review, v[0], row, t); } } }));
      row.appendChild(document.createTextNode(" "));
    });
    return row;
  }

  function vote(review, helpful, row, t) {
    var buttons = row.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(BASE + "/api/v1/reviews/" + review.id + "/votes", { method: "POST", credentials: "omit",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ voter: voter(), helpful: helpful }) })
      .then(function (res) { return res.ok ? res.json() : Promise.reject(res.status); })
      .then(function (result) {
        var all = voted(); all[review.id] = 1; store("fh-votes", JSON.stringify(all));
        buttons[0].textContent = t.yes + " (" + result.helpful + ")";
        buttons[1].textContent = t.no + " (" + result.unhelpful + ")";
        row.appendChild(h("span", { role: "status", text: t.thanks }));
      })
      .catch(function () { buttons.forEach(function (b) { b.disabled = false; }); });
  }

  function photoList(review, t, open) {
    if (!review.photos.length) return null;
    return h("ul", { "class": "ph" }, review.photos.map(function (p, i) {
      var label = fill(t.photo, { i: i + 1, n: review.photos.length }) + ", " + review.author;
      return h("li", {}, [h("button", { type: "button", "aria-label": label,
        on: { click: function (e) { open(review, i, e.currentTarget); } } },
        [h("img", { src: p.thumb_url, alt: "", loading: "lazy", width: "72", height: "72" })])]);
    }));
  }

  function reviewItem(review, t, lang, open) {
    var date = review.date ? new Date(review.date).toLocaleDateString(lang) : "";
    var meta = h("p", { "class": "meta", text: review.author + (date ? " · " + date : "") }, [
      review.verified_buyer && review.source !== "invitation" ? h("span", { "class": "badge", text: t.verified }) : null,
      h("span", { "class": "src", text: t[review.source] || "" }),
      review.received_reward ? h("span", { "class": "badge", text: t.reward }) : null]);
    return h("li", { "class": "rv", id: "review-" + review.id }, [h("article", {}, [
      h("p", {}, [stars(review.rating), h("span", { "class": "sr", text: fill(t.rated, { n: review.rating }) })]),
      review.title ? h("h3", { text: review.title }) : null, meta, h("p", { text: review.body }),
      photoList(review, t, open)].concat(review.replies.map(function (r) {
        return h("div", { "class": "reply" }, [h("p", { text: t.reply }), h("p", { text: r.body })]);
      })).concat([helpfulRow(review, t)]))]);
  }

  function lightbox(root, t) {
    var state = { review: null, index: 0, opener: null, el: null };
    function show() {
      var photos = state.review.photos, photo = photos[state.index];
      var label = fill(t.photo, { i: state.index + 1, n: photos.length });
      state.el.setAttribute("aria-label", label);
      state.el.querySelector("img").src = WEB_LINK.test(photo.url) ? photo.url : "";
      state.el.querySelector("img").alt = label + ", " + state.review.author;
      state.el.querySelector("p").textContent = label;
    }
    function close() {
      state.el.remove(); state.el = null;
      if (state.opener) state.opener.focus();
    }
    function step(by) {
      state.index = (state.index + by + state.review.photos.length) % state.review.photos.length; show();
    }
    function trap(e) {
      if (e.key === "Escape") { e.preventDefault(); close(); return; }
      if (e.key === "ArrowRight") step(1);
      if (e.key === "ArrowLeft") step(-1);
      if (e.key !== "Tab") return;
      var items = state.el.querySelectorAll("button"), first = items[0], last = items[items.length - 1];
      var active = root.activeElement;
      if (e.shiftKey && active === first) { e.preventDefault(); last.focus(); }
      else if (!e.shiftKey && active === last) { e.preventDefault(); first.focus(); }
    }
    return function open(review, index, opener) {
      state.review = review; state.index = index; state.opener = opener;
      state.el = h("div", { "class": "lb", role: "dialog", "aria-modal": "true", on: { keydown: trap } }, [
        h("button", { type: "button", "class": "x", text: t.close, on: { click: close } }),
        h("img", { alt: "" }), h("p", {}),
        h("div", { "class": "nav" }, [
          h("button", { type: "button", text: t.prev, on: { click: function () { step(-1); } } }),
          h("button", { type: "button", text: t.next, on: { click: function () { step(1); } } })])]);
      root.querySelector(".fh").appendChild(state.el);
      show();
      state.el.querySelector(".x").focus();
    };
  }

  function histogram(summary, t, choose) {
    var group = h("div", { "class": "hist", role: "group", "aria-label": t.filter });
    [5, 4, 3, 2, 1].forEach(function (star) {
      var count = summary.histogram[star], bar = h("i");
      bar.style.width = (summary.count ? Math.round(100 * count / summary.count) : 0) + "%";
      var name = star === 1 ? t.star1 : fill(t.stars, { n: star });
      group.appendChild(h("button", { type: "button", "aria-pressed": "false", "data-star": star,
        on: { click: function () { choose(star); } } },
        [h("span", { text: name }), h("span", { "class": "bar" }, [bar]), h("span", { text: String(count) })]));
    });
    return group;
  }

  function summaryLine(summary, t) {
    var count = summary.count === 1 ? t.review1 : fill(t.reviews, { n: summary.count });
    return h("p", { "class": "avg" }, [stars(summary.average),
      h("span", { text: " " + fill(t.average, { a: summary.average.toFixed(1) }) + " · " + count })]);
  }

  function sortSelect(t, change) {
    var select = h("select", { on: { change: function () { change(select.value); } } },
      ["newest", "highest", "lowest", "helpful", "photos"].map(function (s) {
        return h("option", { value: s, text: t[s] });
      }));
    return h("label", { text: t.sortBy + " " }, [select]);
  }

  function community() {
    return more || (more = new Promise(function (ok, fail) {
      document.head.appendChild(h("script", { src: BASE + "/widget-community.js", async: "", on: {
        load: function () { ok(window.FeedbackHub.c); }, error: function (e) { more = null; fail(e); } } }));
    }));
  }

  function tabs(host, root, s, section, questions) {
    var panels = ["r", "q"].map(function (k) {
      return h("div", { id: "fh-p" + k, role: "tabpanel", "aria-labelledby": "fh-t" + k, tabindex: "0" });
    });
    var list = [s.text.tabR, fill(s.text.tabQ, { n: questions.items.length })].map(function (name, i) {
      return h("button", { type: "button", role: "tab", id: "fh-t" + "rq"[i], "aria-controls": panels[i].id,
        text: name, on: { click: function () { pick(i); }, keydown: key } });
    });
    function pick(i, focus) {
      list.forEach(function (tab, j) {
        tab.setAttribute("aria-selected", String(i === j)); tab.tabIndex = i === j ? 0 : -1; panels[j].hidden = i !== j;
      });
      if (focus) list[i].focus();
      if (i && !panels[1].fhDone) {
        panels[1].fhDone = true;
        community().then(function (c) { c.qa(host, root, panels[1], questions); }, function () {
          panels[1].fhDone = false; panels[1].textContent = s.text.error; });
      }
    }
    function key(e) {
      var i = list.indexOf(e.currentTarget), n = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: -1 }[e.key];
      if (n === undefined) return;
      e.preventDefault(); pick((n + list.length) % list.length, true);
    }
    section.append(h("div", { "class": "tabs", role: "tablist", "aria-label": s.text.title }, list), panels[0], panels[1]);
    pick(0);
    return panels[0];
  }

  function reviewsWidget(host, root, s, summary, questions) {
    var t = s.text, q = { sort: "newest", page: 1, limit: PAGE };
    var section = h("section", { "class": "fh", "aria-label": t.title }, [h("h2", { text: t.title })]);
    root.appendChild(section);
    section = tabs(host, root, s, section, questions);
    if (!summary.count) { section.appendChild(h("p", { text: t.none })); return; }
    var list = h("ol", { "class": "list" }), status = h("p", { "class": "sr", role: "status" });
    var more = h("button", { type: "button", "class": "more", text: t.more, on: { click: function () { load(false); } } });
    var photos = h("button", { type: "button", "aria-pressed": "false", text: t.withPhotos,
      on: { click: function () { set("with_photos", q.with_photos ? null : "true"); } } });
    var open = lightbox(root, t);
    var hist = histogram(summary, t, function (star) { set("rating", q.rating === star ? null : star); });
    function set(key, value) {
      if (value === null) delete q[key]; else q[key] = value;
      hist.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", String(+b.dataset.star === q.rating)); });
      photos.setAttribute("aria-pressed", String(!!q.with_photos));
      load(true);
    }
    function load(fresh) {
      q.page = fresh ? 1 : q.page + 1;
      api(host.dataset.product, "reviews", q).then(function (page) {
        if (fresh) list.textContent = "";
        page.items.forEach(function (r) { list.appendChild(reviewItem(r, t, s.lang, open)); });
        if (!list.children.length) list.appendChild(h("li", { text: t.noMatch }));
        more.hidden = !page.next_page;
        status.textContent = fill(t.shown, { n: list.querySelectorAll(".rv").length });
        var target = fresh && location.hash.indexOf("#review-") === 0 && root.getElementById(location.hash.slice(1));
        if (target) target.scrollIntoView();
      }).catch(function () { status.textContent = t.error; });
    }
    section.append(h("div", { "class": "sum" }, [summaryLine(summary, t), hist]),
      h("div", { "class": "ctl" }, [sortSelect(t, function (v) { set("sort", v); }), photos]), status, list, more);
    load(true);
  }

  function badgeWidget(host, root, s, summary) {
    var t = s.text, count = summary.count === 1 ? t.review1 : fill(t.reviews, { n: summary.count });
    var label = summary.count ? fill(t.rated, { n: summary.average.toFixed(1) }) + ", " + count : t.none;
    root.appendChild(h("span", { "class": "bd", role: "img", "aria-label": label }, summary.count ? [
      stars(summary.average), h("span", { "aria-hidden": "true", text: summary.average.toFixed(1) + " (" + summary.count + ")" })] : []));
  }

  function carouselWidget(host, root, s) {
    var t = s.text, index = 0;
    api(host.dataset.product, "reviews", { sort: "helpful", limit: 8 }).then(function (page) {
      if (!page.items.length) return;
      var slides = page.items.map(function (r, i) {
        return h("div", { role: "group", "aria-roledescription": "slide", "aria-label": fill(t.slide, { i: i + 1, n: page.items.length }) },
          [h("p", {}, [stars(r.rating), h("span", { "class": "sr", text: fill(t.rated, { n: r.rating }) })]),
           h("p", { text: "“" + (r.title || r.body.slice(0, 140)) + "”" }), h("p", { "class": "meta", text: r.author })]);
      });
      function go(by) {
        index = (index + by + slides.length) % slides.length;
        slides.forEach(function (el, i) { el.hidden = i !== index; });
      }
      root.appendChild(h("section", { "class": "fh cr", "aria-roledescription": "carousel", "aria-label": t.featured }, [
        h("div", { "aria-live": "polite" }, slides), h("div", { "class": "nav" }, [
          h("button", { type: "button", text: t.prev, on: { click: function () { go(-1); } } }),
          h("button", { type: "button", text: t.next, on: { click: function () { go(1); } } })])]));
      go(0);
    });
  }

  function surveyFrame(host, root) {
    var frame = h("iframe", { src: BASE + "/surveys/" + encodeURIComponent(host.dataset.survey) + "/embed",
      title: host.dataset.title || "Survey", style: "width:100%;border:0;height:" + HEIGHTS.survey + "px" });
    addEventListener("message", function (e) {
      if (e.source === frame.contentWindow && e.data && e.data.fh > 0) host.style.minHeight = frame.style.height = e.data.fh + "px";
    });
    root.appendChild(frame);
  }

  var KINDS = { reviews: reviewsWidget, badge: badgeWidget, carousel: carouselWidget, gallery: 1, contributors: 1,
    survey: surveyFrame };

  function styleRoot(root, css) {
    if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      var sheet = new CSSStyleSheet(); sheet.replaceSync(css); root.adoptedStyleSheets = root.adoptedStyleSheets.concat(sheet);
    } else {
      root.appendChild(h("style", { text: css }));
    }
  }

  function start(host) {
    var kind = host.dataset.feedbackHub, root = host.attachShadow({ mode: "open" }), s = strings(host), sku = host.dataset.product;
    function fail() { root.appendChild(h("p", { role: "status", text: s.text.error })); }
    styleRoot(root, CSS);
    if (kind === "carousel" || kind === "survey") return KINDS[kind](host, root, s);
    if (LAZY[kind]) return community().then(function (c) { c[kind](host, root); }, fail);
    Promise.all([api(sku, "summary"), kind === "reviews" ? api(sku, "questions", { limit: 50 }).catch(function () {
      return { items: [] }; }) : 0]).then(function (r) { KINDS[kind](host, root, s, r[0], r[1]); }).catch(fail);
  }

  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) { if (e.isIntersecting) { observer.unobserve(e.target); start(e.target); } });
  }, { rootMargin: "300px" }) : null;

  function scan() {
    document.querySelectorAll("[data-feedback-hub]").forEach(function (host) {
      if (host.fhSeen || !KINDS[host.dataset.feedbackHub] || !(host.dataset.product || host.dataset.survey ||
        LAZY[host.dataset.feedbackHub])) return;
      host.fhSeen = true;
      host.style.minHeight = (parseInt(host.dataset.height, 10) || HEIGHTS[host.dataset.feedbackHub]) + "px";
      if (host.dataset.accent) host.style.setProperty("--fh-accent", host.dataset.accent);
      if (observer) observer.observe(host); else start(host);
    });
  }

  window.FeedbackHub = { scan: scan, k: { h: h, fill: fill, getJSON: getJSON, strings: strings, style: styleRoot,
    voter: voter, store: store, base: BASE } };
  scan();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
})();

// Catalogue page: live results as the visitor types, and an autocomplete listbox.
// Progressive enhancement: without JavaScript the GET form works as is.
(function () {
  "use strict";
  var form = document.querySelector("[data-catalog-form]");
  if (!form) return;
  // On phones the facets start folded so that results show first; they stay open without JavaScript.
  var facets = form.querySelector("[data-catalog-facets]");
  if (facets && window.matchMedia && window.matchMedia("(max-width: 55.99rem)").matches && !form.querySelector(".facets .messages")) {
    facets.open = false;
  }
  if (!window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var results = form.querySelector("[data-catalog-results]");
  var status = form.querySelector("[data-catalog-status]");
  var listbox = document.getElementById(input.getAttribute("aria-controls"));
  var suggestUrl = form.dataset.autocompleteUrl;
  var timer = null, suggestTimer = null, active = -1, controller = null;

  function formQuery() {
    var params = new URLSearchParams(new FormData(form));
    params["delete"]("page");
    Array.from(params.keys()).forEach(function (key) {
      if (!params.getAll(key).some(function (v) { return v.trim(); })) params["delete"](key);
    });
    return params;
  }

  function refresh() {
    var params = formQuery();
    var url = form.action.split("?")[0] + (params.toString() ? "?" + params.toString() : "");
    params.set("partial", "1");
    if (controller) controller.abort();
    controller = "AbortController" in window ? new AbortController() : null;
    results.setAttribute("aria-busy", "true");
    fetch(form.action.split("?")[0] + "?" + params.toString(), {
      headers: { "X-Requested-With": "XMLHttpRequest" },
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.text();
    }).then(function (html) {
      results.innerHTML = html;
      results.removeAttribute("aria-busy");
      history.replaceState(null, "", url);
      var count = results.querySelector(".result-count");
      if (status && count) status.textContent = count.textContent;
    })["catch"](function () { results.removeAttribute("aria-busy"); });
  }

  function closeList() {
    listbox.hidden = true;
    listbox.innerHTML = "";
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function choose(option) {
    if (option.dataset.kind === "category") {
      window.location.href = option.dataset.url;
      return;
    }
    input.value = option.dataset.label;
    closeList();
    refresh();
  }

  function showSuggestions(items) {
    listbox.innerHTML = "";
    active = -1;
    if (!items.length) { closeList(); return; }
    items.forEach(function (item, index) {
      var li = document.createElement("li");
      li.id = "catalog-suggestion-" + index;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.kind = item.kind;
      li.dataset.url = item.url;
      li.dataset.label = item.label;
      li.textContent = item.label;
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = item.kind === "category" ? (form.dataset.categoryLabel || "category") : "";
      li.appendChild(kind);
      li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(li); });
      listbox.appendChild(li);
    });
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function suggest() {
    var text = input.value.trim();
    if (text.length < 2 || !suggestUrl) { closeList(); return; }
    fetch(suggestUrl + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(showSuggestions)["catch"](closeList);
  }

  function move(delta) {
    var options = listbox.querySelectorAll("[role=option]");
    if (!options.length) return;
    if (active >= 0) options[active].setAttribute("aria-selected", "false");
    active = (active + delta + options.length) % options.length;
    options[active].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", options[active].id);
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    clearTimeout(suggestTimer);
    timer = setTimeout(refresh, 250);
    suggestTimer = setTimeout(suggest, 250);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { event.preventDefault(); if (listbox.hidden) suggest(); else move(1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
    else if (event.key === "Escape") { closeList(); }
    else if (event.key === "Enter" && active >= 0 && !listbox.hidden) {
      event.preventDefault();
      choose(listbox.querySelectorAll("[role=option]")[active]);
    }
  });
  input.addEventListener("blur", function () { setTimeout(closeList, 150); });
  // Facets apply at once too; the submit button stays for keyboards and for browsers without fetch.
  form.addEventListener("change", function (event) {
    if (event.target !== input && event.target.name !== "ou") refresh();
  });
})();

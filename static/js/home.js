// Home page search, "Use my position": puts the browser's coordinates in the "where" box, which the
// catalogue and "shops near me" both read as a place. The visitor may still type what they look for.
// Progressive enhancement: without JavaScript (or geolocation) the button stays hidden.
(function () {
  "use strict";
  var form = document.querySelector("[data-home-search]");
  if (!form || !("geolocation" in navigator)) return;
  var button = form.querySelector("[data-home-locate]");
  var where = form.querySelector("[data-home-where]");
  var status = form.querySelector("[data-home-status]");
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.locating || "…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        where.value = position.coords.latitude.toFixed(5) + ", " + position.coords.longitude.toFixed(5);
        status.textContent = button.dataset.located || "";
      },
      function () {
        status.textContent = button.dataset.failed || "";
      },
      { timeout: 10000, maximumAge: 300000 }
    );
  });
})();

// "Use my position": fills lat/lon from the browser's geolocation and submits the form.
// Progressive enhancement: without JavaScript (or geolocation) the button stays hidden.
(function () {
  "use strict";
  var form = document.querySelector("[data-near-form]");
  if (!form || !("geolocation" in navigator)) return;
  var button = form.querySelector("[data-near-locate]");
  var lat = form.querySelector("[data-near-lat]");
  var lon = form.querySelector("[data-near-lon]");
  var status = form.querySelector("[data-near-status]");
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.locating || "…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        lat.value = position.coords.latitude.toFixed(5);
        lon.value = position.coords.longitude.toFixed(5);
        lat.disabled = false;
        lon.disabled = false;
        form.querySelector("input[name=ou]").value = "";
        form.submit();
      },
      function () {
        status.textContent = button.dataset.failed || "";
      },
      { timeout: 10000, maximumAge: 300000 }
    );
  });
})();

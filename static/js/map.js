// Maps drawn by django-leaflet's {% leaflet_map %}: one marker per shop or depot, coloured by kind of
// organisation (the legend's swatches give the colours), filled for a shop, a ring for a depot.
// Points come from the container's data attributes:
//   data-points-url   GeoJSON of every shop and depot (the home page; never inlined in the HTML),
//   data-points-from  a selector of elements carrying data-lat, data-lon, data-type, data-kind, data-name
//                     (the results of "shops near me", the shop page's own marker),
//   data-place-lat, data-place-lon, data-place-label   the searched place, drawn as a pin.
// Without JavaScript the sections holding a map stay hidden: the page is complete without them.
(function () {
  "use strict";
  document.querySelectorAll("[data-map-section]").forEach(function (section) {
    section.hidden = false;
  });

  var FALLBACK_COLOUR = "#4d4d48";

  function legendOf(container) {
    var section = container.closest("[data-map-section]") || document;
    var legend = section.querySelector("[data-map-legend]");
    var kinds = {};
    section.querySelectorAll("[data-kind][data-label]").forEach(function (swatch) {
      kinds[swatch.dataset.kind] = { colour: getComputedStyle(swatch).backgroundColor, label: swatch.dataset.label };
    });
    return {
      kinds: kinds,
      typeLabel: function (type) {
        return legend ? legend.dataset["label" + type.charAt(0).toUpperCase() + type.slice(1)] || "" : "";
      },
    };
  }

  function popup(point, legend) {
    var box = document.createElement("div");
    var title = document.createElement(point.url ? "a" : "strong");
    title.textContent = point.name;
    if (point.url) title.href = point.url;
    box.appendChild(title);
    var kind = point.kindLabel || (legend.kinds[point.kind] || {}).label || "";
    var details = [legend.typeLabel(point.type), kind, point.town].filter(Boolean).join(" · ");
    if (details) {
      var line = document.createElement("div");
      line.textContent = details;
      box.appendChild(line);
    }
    return box;
  }

  function addPoint(map, renderer, legend, point) {
    var colour = (legend.kinds[point.kind] || {}).colour || FALLBACK_COLOUR;
    var isDepot = point.type === "depot";
    var marker = L.circleMarker([point.lat, point.lon], {
      renderer: renderer,
      radius: isDepot ? 6 : 7,
      color: isDepot ? colour : "#ffffff",
      weight: isDepot ? 3 : 2,
      fillColor: isDepot ? "#ffffff" : colour,
      fillOpacity: 1,
    });
    marker.bindPopup(function () {
      return popup(point, legend);
    });
    marker.addTo(map);
    return marker;
  }

  function pointsFromElements(selector) {
    return Array.prototype.map.call(document.querySelectorAll(selector), function (element) {
      return {
        lat: parseFloat(element.dataset.lat),
        lon: parseFloat(element.dataset.lon),
        type: element.dataset.type,
        kind: element.dataset.kind,
        name: element.dataset.name || "",
        town: element.dataset.town || "",
      };
    }).filter(function (point) {
      return isFinite(point.lat) && isFinite(point.lon);
    });
  }

  window.addEventListener("map:init", function (event) {
    var map = event.detail.map;
    var container = map.getContainer();
    var data = container.dataset;
    var legend = legendOf(container);
    var renderer = L.canvas({ padding: 0.5 });
    var status = (container.closest("[data-map-section]") || document).querySelector("[data-map-status]");
    var bounds = [];

    pointsFromElements(data.pointsFrom || "[data-map-none]").forEach(function (point) {
      addPoint(map, renderer, legend, point);
      bounds.push([point.lat, point.lon]);
    });
    var placeLat = parseFloat(data.placeLat);
    var placeLon = parseFloat(data.placeLon);
    if (isFinite(placeLat) && isFinite(placeLon)) {
      L.marker([placeLat, placeLon], { title: data.placeLabel || "", alt: data.placeLabel || "" })
        .bindPopup(data.placeLabel || "")
        .addTo(map);
      bounds.push([placeLat, placeLon]);
    }
    if (bounds.length === 1) map.setView(bounds[0], 15);
    else if (bounds.length > 1) map.fitBounds(bounds, { paddingTopLeft: [24, 48], paddingBottomRight: [24, 24], maxZoom: 15 });

    if (data.pointsUrl) {
      fetch(data.pointsUrl, { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (collection) {
          collection.features.forEach(function (feature) {
            var properties = feature.properties;
            addPoint(map, renderer, legend, {
              lat: feature.geometry.coordinates[1],
              lon: feature.geometry.coordinates[0],
              type: properties.type,
              kind: properties.kind,
              kindLabel: properties.kind_label,
              name: properties.name,
              town: properties.town,
              url: properties.url,
            });
          });
          container.dataset.pointsLoaded = String(collection.features.length);
        })
        .catch(function () {
          if (status) status.textContent = data.failed || "";
        });
    }
  });
})();

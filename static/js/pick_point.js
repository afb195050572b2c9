/* A form with data-map-target names a folium map variable: clicking that map fills the form's latitude and
   longitude (meeting points on the event page, privacy zones). No inline script is needed. */
(function () {
  "use strict";

  function setUp() {
    var form = document.querySelector("form[data-map-target]");
    if (!form) { return; }
    var map = window[form.getAttribute("data-map-target")];
    var lat = form.querySelector("input[name=lat]");
    var lon = form.querySelector("input[name=lon]");
    if (!map || typeof map.on !== "function" || !lat || !lon || !window.L) { return; }
    var marker = null;
    map.on("click", function (event) {
      var where = event.latlng.wrap();
      lat.value = where.lat.toFixed(6);
      lon.value = where.lng.toFixed(6);
      if (marker) {
        marker.setLatLng(where);
      } else {
        marker = window.L.circleMarker(where, { radius: 9, color: "#4c1d95", fillColor: "#c4b5fd", fillOpacity: 0.9 })
          .addTo(map);
      }
      var name = form.querySelector("input[name=name]");
      if (name) { name.focus(); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
}());

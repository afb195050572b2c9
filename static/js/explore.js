/* Explore page: loads event markers for the visible map area from GET /api/v1/events?bbox=&zoom=
 * whenever the map moves, and wires the "Near me" button to the browser's geolocation.
 * User text only ever reaches the page through textContent. No framework, no inline script. */
(function () {
  "use strict";

  var FILTERS = ["activity", "difficulty", "from", "to", "has_spots", "min_length_km", "max_length_km"];

  function wrapLon(lon) {
    return ((((lon + 180) % 360) + 360) % 360) - 180;
  }

  function clampLat(lat) {
    return Math.max(-90, Math.min(90, lat));
  }

  /* minlon,minlat,maxlon,maxlat; minlon > maxlon when the view crosses the antimeridian. */
  function bboxParam(bounds) {
    var west = bounds.getWest(), east = bounds.getEast();
    var box = east - west >= 360 ? [-180, 180] : [wrapLon(west), wrapLon(east)];
    if (box[0] === box[1]) { box = [-180, 180]; }
    return [box[0], clampLat(bounds.getSouth()), box[1], clampLat(bounds.getNorth())]
      .map(function (n) { return n.toFixed(5); }).join(",");
  }

  function filterParams(form) {
    var params = new URLSearchParams();
    if (!form) { return params; }
    var data = new FormData(form);
    FILTERS.forEach(function (name) {
      var value = data.get(name);
      if (value) { params.set(name, value); }
    });
    return params;
  }

  function textNode(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    node.textContent = text;
    return node;
  }

  function eventPopup(props, pageUrl) {
    var box = document.createElement("div");
    var title = box.appendChild(textNode("a", "planner-popup-title", props.title));
    title.href = pageUrl.replace(/0$/, String(Number(props.id)));
    var when = new Date(props.starts_at);
    box.appendChild(textNode("div", "", isNaN(when) ? props.starts_at : when.toLocaleString()));
    var spots = props.spots_left === 1 ? "1 spot left" : props.spots_left + " spots left";
    box.appendChild(textNode("div", "", String(props.activity).replace(/_/g, " ") + " · " + spots));
    return box;
  }

  function eventMarker(feature, pageUrl) {
    var c = feature.geometry.coordinates;
    var marker = L.circleMarker([c[1], c[0]], {
      radius: 8, color: "#1d4ed8", weight: 2, fillColor: "#3b82f6", fillOpacity: 0.9
    });
    marker.bindTooltip(function () { return textNode("span", "", feature.properties.title); }, { direction: "top" });
    marker.bindPopup(function () { return eventPopup(feature.properties, pageUrl); }, { maxWidth: 320 });
    return marker;
  }

  function clusterMarker(map, feature) {
    var c = feature.geometry.coordinates, count = feature.properties.count;
    var size = Math.round(26 + Math.min(24, Math.log(count) * 4));
    var label = textNode("span", "", count >= 1000 ? Math.round(count / 1000) + "k" : String(count));
    var marker = L.marker([c[1], c[0]], {
      icon: L.divIcon({ html: label, className: "planner-cluster", iconSize: [size, size] }),
      title: count + " outings"
    });
    marker.on("click", function () { map.setView(marker.getLatLng(), Math.min(map.getZoom() + 2, map.getMaxZoom())); });
    return marker;
  }

  function startMap(config, map) {
    var plain = L.markerClusterGroup();
    var clusters = L.layerGroup();
    var form = document.getElementById("explore-form");
    var pending = null;
    map.addLayer(plain);
    map.addLayer(clusters);
    if (config.dataset.lat && config.dataset.lon) {
      L.circle([Number(config.dataset.lat), Number(config.dataset.lon)], {
        radius: Number(config.dataset.radiusKm) * 1000, color: "#1f7a5a", weight: 1, fill: false, interactive: false
      }).addTo(map);
    }

    function redraw(collection) {
      plain.clearLayers();
      clusters.clearLayers();
      collection.features.forEach(function (feature) {
        if (feature.properties.cluster) { clusters.addLayer(clusterMarker(map, feature)); }
        else { plain.addLayer(eventMarker(feature, config.dataset.eventPageUrl)); }
      });
    }

    function load() {
      if (pending) { pending.abort(); }
      pending = new AbortController();
      var params = filterParams(form);
      params.set("bbox", bboxParam(map.getBounds()));
      params.set("zoom", String(Math.round(map.getZoom())));
      fetch(config.dataset.eventsUrl + "?" + params.toString(), { signal: pending.signal, credentials: "omit" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (collection) { if (collection) { redraw(collection); } })
        .catch(function (error) { if (error.name !== "AbortError") { console.warn("events not loaded", error); } });
    }

    map.on("moveend", load);
    load();
  }

  function startNearMe() {
    var button = document.getElementById("near-me");
    var form = document.getElementById("explore-form");
    if (!button || !form || !navigator.geolocation) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        form.elements.q.value = "";
        ["lat", "lon"].forEach(function (name) {
          var input = form.elements[name];
          if (!input) {
            input = document.createElement("input");
            input.type = "hidden";
            input.name = name;
            form.appendChild(input);
          }
          input.value = (name === "lat" ? position.coords.latitude : position.coords.longitude).toFixed(5);
        });
        form.submit();
      }, function () {
        button.disabled = false;
        button.textContent = "Location unavailable";
      }, { timeout: 10000, maximumAge: 300000 });
    });
  }

  function start() {
    startNearMe();
    var config = document.getElementById("explore-map-config");
    var map = config && window[config.dataset.map];
    if (map && window.L && L.markerClusterGroup) { startMap(config, map); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
}());

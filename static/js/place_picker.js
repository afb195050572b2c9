/* The place picker: a form's latitude and longitude (and its time zone select, if any) set by clicking a map,
   dragging the marker, or choosing a place search answer. The map is the page's folium map named by the form's
   data-map-target (outing page, privacy zones), or a small Leaflet map made here in the form's .picker-map.
   Search answers come from GET /api/v1/places and reach the page through textContent only; the words are in the
   page's language (gettext from i18n.js). */
(function () {
  "use strict";

  var L = window.L;

  function number(input) {
    var value = input ? parseFloat(input.value) : NaN;
    return isFinite(value) ? value : null;
  }

  /* The map's own controls in the page's language: the zoom buttons and the attribution's Leaflet link. */
  function labelControls(map) {
    L.control.zoom({ zoomInTitle: gettext("Zoom in"), zoomOutTitle: gettext("Zoom out") }).addTo(map);
    var title = gettext("A JavaScript library for interactive maps").replace(/[&<>"]/g, function (c) {
      return "&#" + c.charCodeAt(0) + ";";
    });
    var attribution = map.attributionControl;
    attribution.setPrefix(attribution.options.prefix.replace(/title="[^"]*"/, 'title="' + title + '"'));
  }

  function ownMap(picker, lat, lon) {
    var box = picker.querySelector(".picker-map");
    if (!box) { return null; }
    var here = number(lat) !== null && number(lon) !== null ? [number(lat), number(lon)] : null;
    var map = L.map(box, { worldCopyJump: true, zoomControl: false }).setView(here || [20, 0], here ? 12 : 2);
    labelControls(map);
    var tiles = picker.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: picker.getAttribute("data-attribution") || "" }).addTo(map);
    }
    return map;
  }

  function setUp(form) {
    var lat = form.querySelector("input[name=lat]");
    var lon = form.querySelector("input[name=lon]");
    var picker = form.querySelector("[data-picker]");
    var zone = form.querySelector("select[name=timezone]");
    if (!lat || !lon || !L) { return; }
    var target = form.getAttribute("data-map-target");
    if (picker) { picker.hidden = false; }  // before the map is made, so Leaflet measures its real size
    var map = target ? window[target] : (picker ? ownMap(picker, lat, lon) : null);
    if (!map || typeof map.on !== "function") {
      if (picker) { picker.hidden = true; }
      return;
    }
    var marker = null;

    function updateZone(where) {
      if (!zone || !window.fetch) { return; }
      window.fetch("/api/v1/timezone?lat=" + where.lat.toFixed(6) + "&lon=" + where.lng.toFixed(6))
        .then(function (answer) { return answer.ok ? answer.json() : null; })
        .then(function (body) {
          var name = body && body.timezone;
          if (name && zone.querySelector("option[value='" + name.replace(/[^A-Za-z0-9_+\-\/]/g, "") + "']")) {
            zone.value = name;
            zone.dispatchEvent(new Event("change", { bubbles: true }));
          }
        })
        .catch(function () { /* the server fills a blank zone from the start point */ });
    }

    function moveMarker(where) {
      if (marker) {
        marker.setLatLng(where);
        return;
      }
      marker = L.marker(where, {
        draggable: true, keyboard: true, title: gettext("Drag to move"), alt: gettext("The chosen place")
      }).addTo(map);
      marker.on("dragend", function () { place(marker.getLatLng()); });
    }

    function place(latlng) {
      var where = L.latLng(latlng).wrap();
      lat.value = where.lat.toFixed(6);
      lon.value = where.lng.toFixed(6);
      moveMarker(where);
      updateZone(where);
    }

    function typed() {
      if (number(lat) !== null && number(lon) !== null) {
        moveMarker(L.latLng(number(lat), number(lon)));
      }
    }

    map.on("click", function (event) {
      place(event.latlng);
      var name = form.querySelector("input[name=name]");
      if (name && !name.value) { name.focus(); }
    });
    lat.addEventListener("change", typed);
    lon.addEventListener("change", typed);
    typed();
    if (picker) { searchBox(picker, map, place); }
  }

  function searchBox(picker, map, place) {
    var box = picker.querySelector(".picker-q");
    var go = picker.querySelector(".picker-go");
    var list = picker.querySelector(".picker-results");
    var status = picker.querySelector(".picker-status");
    if (!box || !go || !list || !status || !window.fetch) { return; }

    function label(props) {
      var kinds = {
        city: gettext("town"), meeting_point: gettext("meeting point"), waypoint: gettext("waypoint"),
        route: gettext("route"), group: gettext("group")
      };
      return (kinds[props.kind] || gettext("place")) + (props.country ? " · " + props.country : "");
    }

    function show(features) {
      list.replaceChildren();
      status.textContent = features.length ? "" : gettext("No places found.");
      features.forEach(function (feature) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        var name = document.createElement("span");
        var kind = document.createElement("small");
        button.type = "button";
        button.className = "picker-result";
        name.textContent = feature.properties.name;
        kind.textContent = label(feature.properties);
        button.append(name, kind);
        button.addEventListener("click", function () {
          var where = L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]);
          place(where);
          map.setView(where, Math.max(map.getZoom(), 13));
          list.replaceChildren();
          status.textContent = gettext("Chosen: %(name)s", { name: feature.properties.name });
        });
        item.append(button);
        list.append(item);
      });
    }

    function search() {
      var q = box.value.trim();
      if (!q) { return; }
      var centre = map.getCenter().wrap();
      status.textContent = gettext("Searching…");
      window.fetch("/api/v1/places?q=" + encodeURIComponent(q.slice(0, 200)) + "&lat=" + centre.lat.toFixed(4) +
        "&lon=" + centre.lng.toFixed(4), { credentials: "same-origin" })
        .then(function (answer) { return answer.ok ? answer.json() : Promise.reject(answer.status); })
        .then(function (body) { show(body.features || []); })
        .catch(function () {
          list.replaceChildren();
          status.textContent = gettext("The search did not answer; try again.");
        });
    }

    go.addEventListener("click", search);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();  // Enter searches; it does not submit the form
        search();
      }
    });
  }

  function setUpAll() {
    document.querySelectorAll("form[data-map-target], form[data-picker-form]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
}());
